/* SPDX-License-Identifier: MIT */
/*
 * This file implements pnpsim's benchmark (issue 9, DESIGN.md "Performance is designed
 * in"): one line per figure with its parameters, the median ns per operation over several
 * repetitions, operations per second, memory where it matters and the target, or the same
 * data as JSON with --json. Figures:
 *   1 fixture       create a system, a root device, register + enable one interface, destroy
 *   2 driver_test   a WDM function driver's unit test: load, start (AddDevice, START,
 *                   register + enable), enumerate the class, query BUS_INTERFACE_STANDARD
 *                   and release it, remove, destroy
 *   3 register      IoRegisterDeviceInterface throughput at N interfaces over N/4 devices and
 *                   100 classes, with heap bytes per interface
 *   4 lookup        IoSetDeviceInterfaceState enable/disable of a random instance
 *   5 enumerate     IoGetDeviceInterfaces of a 100-instance class while N others exist
 *   6 notify        not measurable yet (include/pnpsim/notify.h does not exist)
 *   7 qi            pnpsim_qi_query + InterfaceDereference through a three-driver stack
 *   8 threads       two threads on disjoint devices of one system, and on two systems
 * It is not a pass/fail test: it exits 0 unless the library misbehaves (a call fails).
 * Usage: pnpsim_bench [--json] [--smoke] [--wall] [--reps R] [--max-n N] [--figure K]...
 */
#define _GNU_SOURCE /* clock_gettime, getrusage, mallinfo2 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__unix__)
#include <sys/resource.h>
#endif

#include <pnpsim/pnpsim.h>
#include <pnpsim/qi.h>
#include <wdmguid.h>

#include "benchdrv.h"

#if defined(__has_include)
#if __has_include(<pnpsim/notify.h>)
#include <pnpsim/notify.h>
#define BENCH_HAVE_NOTIFY 1
#endif
#endif

/* ======================================================================================
 * Measuring and reporting
 * ==================================================================================== */

typedef struct result {
    int figure;
    char name[32];
    char params[96];
    double ns_op;         /* median over the repetitions */
    double ops_s;
    long long mem_bytes;  /* -1: not reported */
    char mem_what[32];
    char extra[192];
    char target[64];
    int verdict;          /* 1 met, 0 missed, -1 no target / informational */
} result;

static result results[64];
static size_t nresults;
static int opt_json, opt_smoke;
static int opt_reps = 7;
static size_t opt_max_n = 100000; /* --max-n 1000000 adds the 10^6 row */
static unsigned opt_figures; /* bit per figure; 0: all */

#define CHECK(expr)                                                                         \
    do {                                                                                    \
        NTSTATUS check_st_ = (expr);                                                        \
        if (!NT_SUCCESS(check_st_)) {                                                       \
            fprintf(stderr, "pnpsim_bench: %s failed at line %d: %s (%s)\n", #expr,         \
                    __LINE__, pnpsim_status_name(check_st_), pnpsim_last_error_message());  \
            exit(2);                                                                        \
        }                                                                                   \
    } while (0)

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pnpsim_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static int opt_wall;

/* Wall-clock time: the two-thread figures. */
static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The single-thread figures: the calling thread's CPU time, so that other processes on a
 * busy machine do not inflate them (--wall: wall-clock time instead). */
static uint64_t now_ns(void)
{
    struct timespec ts;
    if (opt_wall)
        return wall_ns();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Bytes the C heap has handed out (glibc); -1 where unknown. */
static long long heap_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return (long long)(mi.uordblks + mi.hblkhd);
#else
    return -1;
#endif
}

/* Peak resident set size of the process so far, in bytes; -1 where unknown. */
static long long peak_rss(void)
{
#if defined(__unix__)
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        return (long long)ru.ru_maxrss * 1024;
#endif
    return -1;
}

static result *add_result(int figure, const char *name, double ns_op)
{
    result *r;
    if (nresults == sizeof(results) / sizeof(results[0]))
        die("too many results");
    r = &results[nresults++];
    memset(r, 0, sizeof(*r));
    r->figure = figure;
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->ns_op = ns_op;
    r->ops_s = ns_op > 0 ? 1e9 / ns_op : 0;
    r->mem_bytes = -1;
    r->verdict = -1;
    return r;
}

static void set_params(result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->params, sizeof(r->params), fmt, ap);
    va_end(ap);
}

static void set_extra(result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->extra, sizeof(r->extra), fmt, ap);
    va_end(ap);
}

static void set_target(result *r, int met, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->target, sizeof(r->target), fmt, ap);
    va_end(ap);
    r->verdict = met;
}

static void print_line(const result *r)
{
    char mem[80] = "-";
    if (r->mem_bytes >= 0)
        snprintf(mem, sizeof(mem), "%s=%lld", r->mem_what, r->mem_bytes);
    if (r->figure == 0 || (r->ns_op <= 0 && r->verdict < 0 && r->extra[0])) {
        printf("%-20s %-36s %s\n", r->name, r->params, r->extra);
    } else {
        printf("%-20s %-36s %11.1f ns/op %13.0f ops/s  %-22s", r->name, r->params, r->ns_op,
               r->ops_s, mem);
        if (r->target[0])
            printf("  target %s: %s", r->target, r->verdict == 1 ? "MET" : "MISSED");
        if (r->extra[0])
            printf("  %s", r->extra);
        putchar('\n');
    }
    fflush(stdout);
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned char)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void machine_name(char *buf, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    snprintf(buf, size, "unknown CPU");
    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p != NULL) {
                p += 1 + (p[1] == ' ');
                p[strcspn(p, "\n")] = 0;
                snprintf(buf, size, "%s", p);
            }
            break;
        }
    }
    fclose(f);
}

static void print_json(void)
{
    char cpu[128];
    machine_name(cpu, sizeof(cpu));
    printf("{\"machine\": ");
    json_str(cpu);
    printf(", \"clock\": \"%s\", \"smoke\": %s, \"reps\": %d, \"figures\": [\n",
           opt_wall ? "wall" : "thread_cpu", opt_smoke ? "true" : "false", opt_reps);
    for (size_t i = 0; i < nresults; i++) {
        const result *r = &results[i];
        printf("  {\"figure\": %d, \"name\": ", r->figure);
        json_str(r->name);
        printf(", \"params\": ");
        json_str(r->params);
        printf(", \"ns_per_op\": %.1f, \"ops_per_s\": %.0f", r->ns_op, r->ops_s);
        if (r->mem_bytes >= 0) {
            printf(", ");
            json_str(r->mem_what);
            printf(": %lld", r->mem_bytes);
        }
        printf(", \"target\": ");
        json_str(r->target);
        printf(", \"met\": %s, \"extra\": ",
               r->verdict == 1 ? "true" : r->verdict == 0 ? "false" : "null");
        json_str(r->extra);
        printf("}%s\n", i + 1 < nresults ? "," : "");
    }
    printf("]}\n");
}

static void report(result *r)
{
    if (!opt_json)
        print_line(r);
}

static int want(int figure)
{
    return opt_figures == 0 || (opt_figures & (1u << figure));
}

/* ======================================================================================
 * Common helpers
 * ==================================================================================== */

/* Interface class number i: {b3c50000+i-...}. */
static GUID class_guid(unsigned i)
{
    GUID g = {0xb3c50000u + i, 0x7d1e, 0x4f0a, {0x8b, 0x21, 0x5e, 0x3c, 0x90, 0x11, 0xa4, 0x6d}};
    return g;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* Number of strings in a REG_MULTI_SZ-style list. */
static size_t multi_sz_count(const WCHAR *p)
{
    size_t n = 0;
    while (*p) {
        n++;
        while (*p)
            p++;
        p++;
    }
    return n;
}

/* ======================================================================================
 * Figure 1: the test fixture cycle
 * ==================================================================================== */

static unsigned long fixture_cycle(int count_allocs)
{
    pnpsim_system *sys;
    pnpsim_device *dev;
    UNICODE_STRING name;
    GUID g = class_guid(0);
    unsigned long allocs = 0;

    CHECK(pnpsim_system_create(NULL, &sys));
    pnpsim_system_enter(sys);
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\BENCH", "0", &dev));
    CHECK(IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &g, NULL, &name));
    CHECK(IoSetDeviceInterfaceState(&name, TRUE));
    RtlFreeUnicodeString(&name);
    if (count_allocs)
        allocs = pnpsim_fault_alloc_count(sys);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    return allocs;
}

static double time_cycles(unsigned long (*cycle)(int), size_t iters)
{
    uint64_t t0 = now_ns();
    for (size_t i = 0; i < iters; i++)
        cycle(0);
    return (double)(now_ns() - t0) / (double)iters;
}

static void figure_fixture(void)
{
    size_t iters = opt_smoke ? 20 : 2000;
    double v[64];
    int reps = opt_reps;
    unsigned long allocs = fixture_cycle(1);
    result *r;

    time_cycles(fixture_cycle, iters / 10 + 1); /* warm up */
    for (int i = 0; i < reps; i++)
        v[i] = time_cycles(fixture_cycle, iters);
    r = add_result(1, "fixture", median(v, (size_t)reps));
    set_params(r, "cycles=%zu reps=%d", iters, reps);
    set_target(r, r->ns_op <= 5000, "<= 5000 ns");
    set_extra(r, "library allocations/cycle=%lu", allocs);
    report(r);
}

/* ======================================================================================
 * Figure 2: a typical WDM driver unit test
 * ==================================================================================== */

static unsigned long driver_cycle(int count_allocs)
{
    pnpsim_system *sys;
    pnpsim_device *dev;
    PDRIVER_OBJECT drv;
    PZZWSTR list;
    BUS_INTERFACE_STANDARD bus;
    unsigned long allocs = 0;

    CHECK(pnpsim_system_create(NULL, &sys));
    pnpsim_system_enter(sys);
    CHECK(pnpsim_driver_load(sys, "benchfn", BenchFunctionDriverEntry, &drv));
    CHECK(pnpsim_driver_bind(sys, "ROOT\\BENCHDEV", drv));
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\BENCHDEV", "0", &dev));
    CHECK(pnpsim_device_start(dev));
    CHECK(IoGetDeviceInterfaces(&BenchInterfaceGuid, NULL, 0, &list));
    if (multi_sz_count(list) != 1)
        die("driver_test: IoGetDeviceInterfaces listed %zu interfaces, expected 1",
            multi_sz_count(list));
    ExFreePool(list);
    memset(&bus, 0, sizeof(bus));
    CHECK(pnpsim_qi_query(dev, &GUID_BUS_INTERFACE_STANDARD, sizeof(bus), 1, (PINTERFACE)&bus,
                          NULL));
    bus.InterfaceDereference(bus.Context);
    CHECK(pnpsim_device_remove(dev));
    if (count_allocs)
        allocs = pnpsim_fault_alloc_count(sys);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    return allocs;
}

static void figure_driver(void)
{
    size_t iters = opt_smoke ? 10 : 1000;
    double v[64];
    int reps = opt_reps;
    unsigned long allocs = driver_cycle(1);
    result *r;

    time_cycles(driver_cycle, iters / 10 + 1);
    for (int i = 0; i < reps; i++)
        v[i] = time_cycles(driver_cycle, iters);
    r = add_result(2, "driver_test", median(v, (size_t)reps));
    set_params(r, "cycles=%zu reps=%d", iters, reps);
    set_target(r, r->ns_op <= 25000, "<= 25000 ns");
    set_extra(r, "library allocations/cycle=%lu", allocs);
    report(r);
}

/* ======================================================================================
 * Figures 3, 4, 5: a large interface registry
 * ==================================================================================== */

#define NCLASSES 100
#define TARGET_CLASS 1000 /* class_guid() number of figure 5's 100-instance class */

typedef struct big {
    pnpsim_system *sys;
    pnpsim_device **devs;
    size_t ndev, n;
    UNICODE_STRING *sample; /* every stride-th registered name, kept for figure 4 */
    size_t nsample, stride;
    double create_ns_dev;   /* device creation cost (setup, reported as extra) */
    double reg_ns;          /* ns per registration */
    long long heap_per_iface;
    size_t name_chars;      /* length of one name (they are all about this long) */
} big;

static void big_build(big *b, size_t n, size_t keep)
{
    GUID classes[NCLASSES];
    char inst[32];
    long long h0, h1;
    uint64_t t0;
    size_t k = 0;

    memset(b, 0, sizeof(*b));
    for (unsigned i = 0; i < NCLASSES; i++)
        classes[i] = class_guid(i);
    b->n = n;
    b->ndev = (n + 3) / 4;
    b->devs = calloc(b->ndev, sizeof(*b->devs));
    if (keep > n)
        keep = n;
    b->stride = keep ? n / keep : 0;
    b->sample = keep ? calloc(keep, sizeof(*b->sample)) : NULL;
    if (b->devs == NULL || (keep && b->sample == NULL))
        die("out of memory");
    CHECK(pnpsim_system_create(NULL, &b->sys));
    pnpsim_system_enter(b->sys);
    t0 = now_ns();
    for (size_t d = 0; d < b->ndev; d++) {
        snprintf(inst, sizeof(inst), "%zu", d);
        CHECK(pnpsim_device_create(b->sys, NULL, "ROOT\\BENCH", inst, &b->devs[d]));
    }
    b->create_ns_dev = (double)(now_ns() - t0) / (double)b->ndev;

    h0 = heap_bytes();
    t0 = now_ns();
    for (size_t d = 0; d < b->ndev && k < n; d++) {
        PDEVICE_OBJECT pdo = pnpsim_device_pdo(b->devs[d]);
        for (unsigned j = 0; j < 4 && k < n; j++, k++) {
            UNICODE_STRING name;
            CHECK(IoRegisterDeviceInterface(pdo, &classes[(d * 4 + j) % NCLASSES], NULL,
                                            &name));
            if (b->stride && k % b->stride == 0 && b->nsample < keep)
                b->sample[b->nsample++] = name;
            else
                RtlFreeUnicodeString(&name);
        }
    }
    b->reg_ns = (double)(now_ns() - t0) / (double)n;
    h1 = heap_bytes();
    b->heap_per_iface = -1;
    if (h0 >= 0 && h1 >= 0) {
        long long kept = 0;
        for (size_t i = 0; i < b->nsample; i++)
            kept += (long long)b->sample[i].MaximumLength + 32; /* name + pool header */
        b->heap_per_iface = (h1 - h0 - kept) / (long long)n;
    }
    b->name_chars = b->nsample ? b->sample[0].Length / sizeof(WCHAR) : 0;
    if (b->name_chars == 0)
        b->name_chars = strlen("\\??\\ROOT#BENCH#000000#{b3c50000-7d1e-4f0a-8b21-5e3c9011a46d}");
}

static void big_destroy(big *b)
{
    for (size_t i = 0; i < b->nsample; i++)
        RtlFreeUnicodeString(&b->sample[i]);
    pnpsim_system_leave(b->sys);
    pnpsim_system_destroy(b->sys);
    free(b->sample);
    free(b->devs);
    memset(b, 0, sizeof(*b));
}

/* Figure 4 on a built registry: ns per IoSetDeviceInterfaceState call. */
static double lookup_ns(big *b, size_t cycles, int reps)
{
    double v[64];
    for (int r = 0; r < reps; r++) {
        uint64_t t0 = now_ns();
        for (size_t i = 0; i < cycles; i++) {
            UNICODE_STRING *u = &b->sample[rng() % b->nsample];
            CHECK(IoSetDeviceInterfaceState(u, TRUE));
            CHECK(IoSetDeviceInterfaceState(u, FALSE));
        }
        v[r] = (double)(now_ns() - t0) / (double)(2 * cycles);
    }
    return median(v, (size_t)reps);
}

/* Figure 5 on a built registry: add a 100-instance class, enable it, time the listing. */
static double enum_ns(big *b, size_t calls, int reps)
{
    GUID target = class_guid(TARGET_CLASS);
    double v[64];
    PZZWSTR list;

    for (size_t d = 0; d < 100; d++) {
        UNICODE_STRING name;
        CHECK(IoRegisterDeviceInterface(pnpsim_device_pdo(b->devs[d % b->ndev]), &target, NULL,
                                        &name));
        CHECK(IoSetDeviceInterfaceState(&name, TRUE));
        RtlFreeUnicodeString(&name);
    }
    CHECK(IoGetDeviceInterfaces(&target, NULL, 0, &list));
    if (multi_sz_count(list) != (b->ndev < 100 ? b->ndev : 100))
        die("enumerate: listed %zu interfaces, expected 100", multi_sz_count(list));
    ExFreePool(list);
    for (int r = 0; r < reps; r++) {
        uint64_t t0 = now_ns();
        for (size_t i = 0; i < calls; i++) {
            CHECK(IoGetDeviceInterfaces(&target, NULL, 0, &list));
            ExFreePool(list);
        }
        v[r] = (double)(now_ns() - t0) / (double)calls;
    }
    return median(v, (size_t)reps);
}

/* The machine's own memory costs, so that the registry figures' large sizes can be read
 * against them: a dependent load from a random place in a block far larger than the caches
 * (what a look-up in a big index pays per cache miss), and the first touch of fresh heap
 * memory (what growing to a million interfaces pays per page, page fault and zeroing
 * included; a virtual machine can make this many times dearer). fresh was allocated at the
 * start and never touched: allocating and freeing a large block before the other figures
 * would change how the allocator serves them, and one allocated at the end may reuse pages
 * they already touched. */
static volatile char bench_sink; /* keeps the measured loads and stores */

static void figure_machine_memory(char *fresh, size_t fresh_bytes)
{
    size_t bytes = (size_t)(opt_smoke ? 8 : 256) << 20, n = bytes / sizeof(size_t), p = 0;
    size_t loads = opt_smoke ? 100000 : 2000000;
    size_t *a = malloc(bytes);
    double load_ns, touch_ns;
    uint64_t t0;
    result *r;

    if (a == NULL)
        die("out of memory");
    for (size_t i = 0; i < n; i++)
        a[i] = i;
    for (size_t i = n - 1; i > 0; i--) { /* one random cycle through every slot */
        size_t j = (size_t)(rng() % i), t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
    t0 = now_ns();
    for (size_t i = 0; i < loads; i++)
        p = a[p];
    load_ns = (double)(now_ns() - t0) / (double)loads;
    free(a);
    t0 = now_ns();
    for (size_t i = 0; i < fresh_bytes; i += 4096)
        fresh[i] = (char)(i + p);
    touch_ns = (double)(now_ns() - t0) / (double)(fresh_bytes / 4096);
    bench_sink = fresh[fresh_bytes / 2];
    r = add_result(0, "machine_memory", load_ns);
    set_params(r, "%zu MiB / %zu MiB blocks", bytes >> 20, fresh_bytes >> 20);
    set_extra(r, "random dependent load %.1f ns; first touch of fresh heap %.0f ns per 4 KiB "
              "page (%.2f ns per byte)",
              load_ns, touch_ns, touch_ns / 4096);
    report(r);
}

static void figures_registry(void)
{
    static const size_t sizes[] = {1000, 10000, 100000, 1000000};
    double lookup[2] = {0, 0}, listing[2] = {0, 0};
    size_t lookup_n[2] = {0, 0};
    int nl = 0;
    size_t smoke_sizes = 2;

    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t n = opt_smoke ? sizes[s] / 10 : sizes[s];
        int reps = n >= 100000 ? 1 : n >= 10000 ? 3 : opt_reps;
        /* figures 4 and 5 run on the smallest and the largest registry */
        int extremes = s == 0 || s == 3 || (s + 1 < sizeof(sizes) / sizeof(sizes[0]) &&
                                            sizes[s + 1] > opt_max_n) ||
                       (opt_smoke && s + 1 == smoke_sizes);
        double v[64], cr[64];
        long long mem = -1;
        size_t name_chars = 0;
        result *r;
        big b;

        if (opt_smoke && s >= smoke_sizes)
            break;
        if (n > opt_max_n)
            break;
        if (opt_smoke)
            reps = 3;
        for (int rep = 0; rep < reps; rep++) {
            int last = rep == reps - 1;
            big_build(&b, n, last && extremes && (want(4) || want(5)) ? 65536 : 0);
            v[rep] = b.reg_ns;
            cr[rep] = b.create_ns_dev;
            mem = b.heap_per_iface;
            name_chars = b.name_chars;
            if (last && extremes && nl < 2) {
                if (want(4))
                    lookup[nl] = lookup_ns(&b, opt_smoke ? 1000 : 100000, opt_smoke ? 3 : 5);
                if (want(5))
                    listing[nl] = enum_ns(&b, opt_smoke ? 100 : 10000, opt_smoke ? 3 : 5);
                lookup_n[nl++] = n;
            }
            big_destroy(&b);
        }
        if (!want(3))
            continue;
        r = add_result(3, "register", median(v, (size_t)reps));
        set_params(r, "N=%zu devices=%zu classes=%d reps=%d", n, (n + 3) / 4, NCLASSES, reps);
        r->mem_bytes = mem;
        snprintf(r->mem_what, sizeof(r->mem_what), "heap_bytes/iface");
        if (mem >= 0) {
            long long budget = 256 + (long long)(name_chars + 1) * (long long)sizeof(WCHAR);
            set_target(r, r->ops_s >= 1e6 && mem <= budget,
                       ">= 1e6/s, <= %lld B/iface", budget);
        } else {
            set_target(r, r->ops_s >= 1e6, ">= 1e6/s");
        }
        set_extra(r, "name=%zu chars; device_create %.0f ns/device (setup); peak_rss=%lld",
                  name_chars, median(cr, (size_t)reps), peak_rss());
        report(r);
    }
    for (int i = 0; i < nl && want(4); i++) {
        result *r = add_result(4, "lookup_set_state", lookup[i]);
        set_params(r, "N=%zu random instance, enable+disable", lookup_n[i]);
        if (i == 0)
            set_target(r, r->ns_op <= 300, "<= 300 ns");
        else
            set_target(r, r->ns_op <= 300 && lookup[1] <= 2 * lookup[0], "<= 300 ns, <= 2x N=%zu",
                       lookup_n[0]);
        if (i == 1)
            set_extra(r, "ratio to N=%zu: %.2f", lookup_n[0], lookup[1] / lookup[0]);
        report(r);
    }
    for (int i = 0; i < nl && want(5); i++) {
        result *r = add_result(5, "enumerate_class", listing[i]);
        set_params(r, "100 in class, N=%zu others", lookup_n[i]);
        if (i == 1) {
            set_target(r, listing[1] <= 1.5 * listing[0], "<= 1.5x N=%zu", lookup_n[0]);
            set_extra(r, "ratio to N=%zu: %.2f", lookup_n[0], listing[1] / listing[0]);
        }
        report(r);
    }
}

/* ======================================================================================
 * Figure 6: notification fan-out
 * ==================================================================================== */

#ifdef BENCH_HAVE_NOTIFY
typedef struct fan_ctx {
    atomic_ulong arrivals;
    atomic_ullong stamp; /* wall_ns() of the last arrival (WORKER latency) */
} fan_ctx;

static NTSTATUS fan_cb(void *context, const pnpsim_notify_event *event)
{
    fan_ctx *c = context;
    if (event->kind == PNPSIM_NOTIFY_INTERFACE_ARRIVAL) {
        atomic_store(&c->stamp, wall_ns());
        atomic_fetch_add(&c->arrivals, 1);
    }
    return STATUS_SUCCESS;
}

/* Start ndev devices of the bench function driver (each START enables one interface, one
 * arrival); returns ns for the starts. */
static double start_devices(pnpsim_system *sys, size_t ndev)
{
    PDRIVER_OBJECT drv;
    char inst[32];
    uint64_t t0, total = 0;
    CHECK(pnpsim_driver_load(sys, "benchfn", BenchFunctionDriverEntry, &drv));
    CHECK(pnpsim_driver_bind(sys, "ROOT\\BENCHDEV", drv));
    for (size_t d = 0; d < ndev; d++) {
        pnpsim_device *dev;
        snprintf(inst, sizeof(inst), "%zu", d);
        CHECK(pnpsim_device_create(sys, NULL, "ROOT\\BENCHDEV", inst, &dev));
        t0 = now_ns();
        CHECK(pnpsim_device_start(dev));
        total += now_ns() - t0;
    }
    return (double)total;
}

static void figure_notify(void)
{
    size_t nsub = opt_smoke ? 20 : 1000, narr = opt_smoke ? 20 : 1000;
    size_t lat_n = opt_smoke ? 20 : 1000;
    pnpsim_notify_subscription **subs = calloc(nsub, sizeof(*subs));
    double base, with, *lat = calloc(lat_n, sizeof(*lat));
    fan_ctx ctx;
    pnpsim_system *sys;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    result *r;
    NTSTATUS st;

    if (subs == NULL || lat == NULL)
        die("out of memory");
    atomic_init(&ctx.arrivals, 0);
    atomic_init(&ctx.stamp, 0);
    /* DEFERRED: the starts alone, then the same starts with nsub subscribers. */
    CHECK(pnpsim_system_create(NULL, &sys));
    pnpsim_system_enter(sys);
    base = start_devices(sys, narr);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    CHECK(pnpsim_system_create(NULL, &sys));
    pnpsim_system_enter(sys);
    for (size_t i = 0; i < nsub; i++) {
        st = pnpsim_notify_subscribe_interfaces(sys, &BenchInterfaceGuid, 0, fan_cb, &ctx,
                                                &subs[i]);
        if (!NT_SUCCESS(st))
            break;
    }
    with = NT_SUCCESS(st) ? start_devices(sys, narr) : 0;
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    if (!NT_SUCCESS(st) || atomic_load(&ctx.arrivals) != nsub * narr) {
        r = add_result(6, "notify_fanout", 0);
        set_params(r, "%zu subscribers x %zu arrivals, DEFERRED", nsub, narr);
        set_extra(r, "not measurable yet: %lu of %zu callbacks made (%s)",
                  (unsigned long)atomic_load(&ctx.arrivals), nsub * narr,
                  pnpsim_status_name(st));
        report(r);
    } else {
        double per = (with - base) / (double)(nsub * narr);
        r = add_result(6, "notify_fanout", per > 0 ? per : with / (double)(nsub * narr));
        set_params(r, "%zu subscribers x %zu arrivals, DEFERRED", nsub, narr);
        set_target(r, r->ops_s >= 1e7, ">= 1e7 callbacks/s");
        set_extra(r, "per callback, the starts' own cost (%.0f ns each) subtracted",
                  base / (double)narr);
        report(r);
    }

    /* WORKER: enable -> callback latency on the worker thread, one subscriber. */
    cfg.delivery = PNPSIM_DELIVERY_WORKER;
    CHECK(pnpsim_system_create(&cfg, &sys));
    pnpsim_system_enter(sys);
    atomic_store(&ctx.arrivals, 0);
    st = pnpsim_notify_subscribe_interfaces(sys, &BenchInterfaceGuid, 0, fan_cb, &ctx, &subs[0]);
    if (NT_SUCCESS(st)) {
        PZZWSTR list;
        UNICODE_STRING link;
        size_t got = 0;
        start_devices(sys, 1);
        pnpsim_system_flush(sys);
        CHECK(IoGetDeviceInterfaces(&BenchInterfaceGuid, NULL, 0, &list));
        RtlInitUnicodeString(&link, list);
        for (size_t i = 0; i < lat_n; i++) {
            unsigned long before;
            uint64_t t0, deadline;
            CHECK(IoSetDeviceInterfaceState(&link, FALSE));
            pnpsim_system_flush(sys);
            before = atomic_load(&ctx.arrivals);
            t0 = wall_ns();
            CHECK(IoSetDeviceInterfaceState(&link, TRUE));
            deadline = t0 + 1000000000u;
            while (atomic_load(&ctx.arrivals) == before && wall_ns() < deadline)
                ;
            if (atomic_load(&ctx.arrivals) == before)
                break;
            lat[got++] = (double)(atomic_load(&ctx.stamp) - t0);
        }
        ExFreePool(list);
        if (got == lat_n) {
            double med = median(lat, got), p99 = lat[(size_t)(0.99 * (double)(got - 1))];
            r = add_result(6, "notify_worker_latency", med);
            set_params(r, "enable -> callback, WORKER, %zu samples", got);
            set_extra(r, "median %.0f ns, p99 %.0f ns (wall clock)", med, p99);
            report(r);
        } else {
            r = add_result(6, "notify_worker_latency", 0);
            set_params(r, "enable -> callback, WORKER");
            set_extra(r, "not measurable yet: no callback within 1 s after %zu samples", got);
            report(r);
        }
    }
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    free(subs);
    free(lat);
}
#endif

/* ======================================================================================
 * Figure 7: query interface through a three-driver stack
 * ==================================================================================== */

static void figure_qi(void)
{
    pnpsim_system *sys;
    pnpsim_device *dev, *bare;
    PDRIVER_OBJECT fn, lower, upper;
    BUS_INTERFACE_STANDARD bus;
    size_t iters = opt_smoke ? 1000 : 50000;
    double v[64], vb[64];
    int reps = opt_reps;
    result *r;

    CHECK(pnpsim_system_create(NULL, &sys));
    pnpsim_system_enter(sys);
    CHECK(pnpsim_driver_load(sys, "benchfn", BenchFunctionDriverEntry, &fn));
    CHECK(pnpsim_driver_load(sys, "benchlo", BenchFilterDriverEntry, &lower));
    CHECK(pnpsim_driver_load(sys, "benchup", BenchFilterDriverEntry, &upper));
    CHECK(pnpsim_driver_bind(sys, "ROOT\\BENCHQI", fn));
    CHECK(pnpsim_driver_bind_filter(sys, "ROOT\\BENCHQI", lower, PNPSIM_FILTER_LOWER));
    CHECK(pnpsim_driver_bind_filter(sys, "ROOT\\BENCHQI", upper, PNPSIM_FILTER_UPPER));
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\BENCHQI", "0", &dev));
    CHECK(pnpsim_device_start(dev));
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\BENCHBARE", "0", &bare));
    for (int rep = 0; rep < reps; rep++) {
        for (int which = 0; which < 2; which++) {
            pnpsim_device *d = which ? bare : dev;
            uint64_t t0 = now_ns();
            for (size_t i = 0; i < iters; i++) {
                CHECK(pnpsim_qi_query(d, &GUID_BUS_INTERFACE_STANDARD, sizeof(bus), 1,
                                      (PINTERFACE)&bus, NULL));
                bus.InterfaceDereference(bus.Context);
            }
            (which ? vb : v)[rep] = (double)(now_ns() - t0) / (double)iters;
        }
    }
    if (pnpsim_qi_outstanding(sys, NULL, NULL, NULL) != 0)
        die("qi: references outstanding after the loop");
    r = add_result(7, "qi_query_release", median(v, (size_t)reps));
    set_params(r, "3 drivers over the PDO, ledger on, reps=%d", reps);
    set_target(r, r->ns_op <= 500, "<= 500 ns");
    set_extra(r, "bare PDO (no drivers): %.1f ns; ledger entries=%zu (ledger cannot be "
                 "switched off: its cost is inside both)",
              median(vb, (size_t)reps), pnpsim_qi_ledger_count(sys));
    report(r);
    CHECK(pnpsim_device_remove(dev));
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
}

/* ======================================================================================
 * Figure 8: two threads
 * ==================================================================================== */

typedef struct worker {
    pthread_t thread;
    pnpsim_system *sys;      /* NULL: make own systems (fixture cycles) */
    UNICODE_STRING *names;   /* enable/disable these */
    size_t nnames, ops;
    atomic_int *go;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    while (!atomic_load(w->go))
        ;
    if (w->names == NULL) {
        for (size_t i = 0; i < w->ops; i++)
            fixture_cycle(0);
        return NULL;
    }
    pnpsim_system_enter(w->sys);
    for (size_t i = 0; i < w->ops; i++) {
        UNICODE_STRING *u = &w->names[i % w->nnames];
        CHECK(IoSetDeviceInterfaceState(u, TRUE));
        CHECK(IoSetDeviceInterfaceState(u, FALSE));
    }
    pnpsim_system_leave(w->sys);
    return NULL;
}

/* Operations per second with nthreads workers; calls per op: 2 (set state) or 1 (cycle). */
static double run_workers(worker *w, int nthreads)
{
    atomic_int go = 0;
    uint64_t t0;
    size_t ops = 0;
    for (int i = 0; i < nthreads; i++) {
        w[i].go = &go;
        if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0)
            die("pthread_create failed");
        ops += w[i].ops;
    }
    t0 = wall_ns();
    atomic_store(&go, 1);
    for (int i = 0; i < nthreads; i++)
        pthread_join(w[i].thread, NULL);
    return (double)ops * 1e9 / (double)(wall_ns() - t0);
}

/* A system with ndev devices, one enabled-capable interface each; names returned. */
static pnpsim_system *names_system(size_t ndev, UNICODE_STRING *names)
{
    pnpsim_system *sys;
    GUID g = class_guid(1);
    char inst[32];
    CHECK(pnpsim_system_create(NULL, &sys));
    pnpsim_system_enter(sys);
    for (size_t d = 0; d < ndev; d++) {
        pnpsim_device *dev;
        snprintf(inst, sizeof(inst), "%zu", d);
        CHECK(pnpsim_device_create(sys, NULL, "ROOT\\BENCH", inst, &dev));
        CHECK(IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &g, NULL, &names[d]));
    }
    pnpsim_system_leave(sys);
    return sys;
}

static void free_names_system(pnpsim_system *sys, UNICODE_STRING *names, size_t n)
{
    pnpsim_system_enter(sys);
    for (size_t i = 0; i < n; i++)
        RtlFreeUnicodeString(&names[i]);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
}

static double median_workers(worker *w, int nthreads, int reps)
{
    double v[64];
    for (int r = 0; r < reps; r++)
        v[r] = run_workers(w, nthreads);
    return median(v, (size_t)reps);
}

static void figure_threads(void)
{
    enum { NDEV = 2000 };
    static UNICODE_STRING names[NDEV], names2[NDEV];
    size_t ops = opt_smoke ? 1000 : 100000;
    size_t cycles = opt_smoke ? 20 : 1000;
    int reps = 3;
    worker w[2];
    pnpsim_system *s1, *s2;
    double one, two;
    result *r;

    /* (a) one system, disjoint devices: enable/disable on each thread's own half. */
    s1 = names_system(NDEV, names);
    memset(w, 0, sizeof(w));
    for (int i = 0; i < 2; i++) {
        w[i].sys = s1;
        w[i].names = names + i * (NDEV / 2);
        w[i].nnames = NDEV / 2;
        w[i].ops = ops;
    }
    one = median_workers(w, 1, reps);
    two = median_workers(w, 2, reps);
    r = add_result(8, "threads_one_system", 1e9 / (two * 2));
    set_params(r, "2 threads, disjoint devices, set_state");
    set_extra(r, "throughput vs 1 thread: %.2fx (1 thread %.0f calls/s)", two / one, one * 2);
    report(r);

    /* (b) two systems, the same enable/disable work. */
    s2 = names_system(NDEV, names2);
    w[1].sys = s2;
    w[1].names = names2;
    two = median_workers(w, 2, reps);
    r = add_result(8, "threads_two_systems", 1e9 / (two * 2));
    set_params(r, "2 threads, 2 systems, set_state");
    set_target(r, two / one >= 1.7, ">= 1.7x 1 thread");
    set_extra(r, "throughput vs 1 thread: %.2fx", two / one);
    report(r);
    free_names_system(s1, names, NDEV);
    free_names_system(s2, names2, NDEV);

    /* (c) two threads each running fixture cycles (a system each). */
    memset(w, 0, sizeof(w));
    w[0].ops = w[1].ops = cycles;
    one = median_workers(w, 1, reps);
    two = median_workers(w, 2, reps);
    r = add_result(8, "threads_two_fixtures", 1e9 / two);
    set_params(r, "2 threads, own system per cycle");
    set_target(r, two / one >= 1.7, ">= 1.7x 1 thread");
    set_extra(r, "throughput vs 1 thread: %.2fx (1 thread %.0f cycles/s)", two / one, one);
    report(r);
}

/* ======================================================================================
 * main
 * ==================================================================================== */

static void usage(void)
{
    fprintf(stderr, "usage: pnpsim_bench [--json] [--smoke] [--wall] [--reps R] [--max-n N] "
                    "[--figure K]...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    char cpu[128];
    uint64_t t0 = wall_ns();
    char load[64] = "";
    char *fresh = NULL;
    size_t fresh_bytes = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            opt_json = 1;
        else if (strcmp(argv[i], "--wall") == 0)
            opt_wall = 1;
        else if (strcmp(argv[i], "--smoke") == 0)
            opt_smoke = 1;
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            opt_reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--max-n") == 0 && i + 1 < argc)
            opt_max_n = (size_t)strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--figure") == 0 && i + 1 < argc)
            opt_figures |= 1u << atoi(argv[++i]);
        else
            usage();
    }
    if (opt_smoke && opt_reps > 3)
        opt_reps = 3;
    if (opt_reps < 1 || opt_reps > 64)
        usage();

    machine_name(cpu, sizeof(cpu));
    {
        FILE *f = fopen("/proc/loadavg", "r");
        if (f != NULL) {
            if (fgets(load, sizeof(load), f) != NULL)
                load[strcspn(load, " ")] = 0;
            fclose(f);
        }
    }
    if (!opt_json)
        printf("pnpsim benchmark: %s, load average %s; median of repetitions; %s time, one "
               "thread unless stated%s\n",
               cpu, load[0] ? load : "?", opt_wall ? "wall-clock" : "thread CPU",
               opt_smoke ? " (smoke sizes: not representative)" : "");
    if (want(3) || want(4)) { /* for figure_machine_memory(), at the end */
        fresh_bytes = (size_t)(opt_smoke ? 8 : 64) << 20;
        fresh = malloc(fresh_bytes);
    }
    if (want(1))
        figure_fixture();
    if (want(2))
        figure_driver();
    if (want(3) || want(4) || want(5))
        figures_registry();
    if (want(6)) {
#ifdef BENCH_HAVE_NOTIFY
        figure_notify();
#else
        result *r = add_result(6, "notify_fanout", 0);
        set_params(r, "1000 subscribers x 1000 arrivals");
        set_extra(r, "not measurable: this build has no include/pnpsim/notify.h");
        report(r);
#endif
    }
    if (want(7))
        figure_qi();
    if (want(8))
        figure_threads();
    if (fresh != NULL) {
        figure_machine_memory(fresh, fresh_bytes);
        free(fresh);
    }
    if (opt_json)
        print_json();
    else
        printf("total %.1f s, peak RSS %lld bytes\n", (double)(wall_ns() - t0) / 1e9,
               peak_rss());
    return 0;
}
