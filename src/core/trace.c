/* SPDX-License-Identifier: MIT */
/*
 * This file implements the trace: a numbered record of every event the simulation sees,
 * kept in a per-system ring (allocated on first use) and narrated to a FILE or a callback
 * as it happens. The ring also feeds bug check reports ("the last events") and lets tests
 * look for what happened. Sinks run on the thread that caused the event, possibly with the
 * system lock held: they must not call back into the same system.
 */
#include "pnpsim_int.h"

#define TRACE_RING 256
#define TRACE_TEXT 320

typedef struct trace_rec {
    pnpsim_trace_event ev;
    char text[TRACE_TEXT];
    char device[160];
    char driver[64];
} trace_rec;

struct pnpsim__trace_state {
    pnpsim__mutex lock;
    trace_rec *ring;          /* TRACE_RING records, allocated on first event */
    size_t head;              /* index of the oldest kept record */
    size_t count;
    unsigned long long seq;
    FILE *file;
    unsigned int file_mask;
    pnpsim_trace_fn fn;
    void *fn_ctx;
    unsigned int fn_mask;
};

static const char *const minor_names[] = {
    "IRP_MN_START_DEVICE", "IRP_MN_QUERY_REMOVE_DEVICE", "IRP_MN_REMOVE_DEVICE",
    "IRP_MN_CANCEL_REMOVE_DEVICE", "IRP_MN_STOP_DEVICE", "IRP_MN_QUERY_STOP_DEVICE",
    "IRP_MN_CANCEL_STOP_DEVICE", "IRP_MN_QUERY_DEVICE_RELATIONS", "IRP_MN_QUERY_INTERFACE",
    "IRP_MN_QUERY_CAPABILITIES", "IRP_MN_QUERY_RESOURCES",
    "IRP_MN_QUERY_RESOURCE_REQUIREMENTS", "IRP_MN_QUERY_DEVICE_TEXT",
    "IRP_MN_FILTER_RESOURCE_REQUIREMENTS", "IRP_MN_0x0E", "IRP_MN_READ_CONFIG",
    "IRP_MN_WRITE_CONFIG", "IRP_MN_EJECT", "IRP_MN_SET_LOCK", "IRP_MN_QUERY_ID",
    "IRP_MN_QUERY_PNP_DEVICE_STATE", "IRP_MN_QUERY_BUS_INFORMATION",
    "IRP_MN_DEVICE_USAGE_NOTIFICATION", "IRP_MN_SURPRISE_REMOVAL", "IRP_MN_0x18",
    "IRP_MN_DEVICE_ENUMERATED"};

static const char *const major_names[] = {
    "IRP_MJ_CREATE", "IRP_MJ_CREATE_NAMED_PIPE", "IRP_MJ_CLOSE", "IRP_MJ_READ",
    "IRP_MJ_WRITE", "IRP_MJ_QUERY_INFORMATION", "IRP_MJ_SET_INFORMATION", "IRP_MJ_QUERY_EA",
    "IRP_MJ_SET_EA", "IRP_MJ_FLUSH_BUFFERS", "IRP_MJ_QUERY_VOLUME_INFORMATION",
    "IRP_MJ_SET_VOLUME_INFORMATION", "IRP_MJ_DIRECTORY_CONTROL", "IRP_MJ_FILE_SYSTEM_CONTROL",
    "IRP_MJ_DEVICE_CONTROL", "IRP_MJ_INTERNAL_DEVICE_CONTROL", "IRP_MJ_SHUTDOWN",
    "IRP_MJ_LOCK_CONTROL", "IRP_MJ_CLEANUP", "IRP_MJ_CREATE_MAILSLOT", "IRP_MJ_QUERY_SECURITY",
    "IRP_MJ_SET_SECURITY", "IRP_MJ_POWER", "IRP_MJ_SYSTEM_CONTROL", "IRP_MJ_DEVICE_CHANGE",
    "IRP_MJ_QUERY_QUOTA", "IRP_MJ_SET_QUOTA", "IRP_MJ_PNP"};

const char *pnpsim_trace_pnp_minor_name(UCHAR minor)
{
    if (minor < PNPSIM_ARRAY_SIZE(minor_names))
        return minor_names[minor];
    return "IRP_MN_(unknown)";
}

const char *pnpsim_trace_major_name(UCHAR major)
{
    if (major < PNPSIM_ARRAY_SIZE(major_names))
        return major_names[major];
    return "IRP_MJ_(unknown)";
}

static const char *const category_names[] = {"irp",    "state", "driver", "device",
                                             "pool",   "bugcheck", "debug", "interface",
                                             "notify", "qi",    "work"};

void pnpsim__trace_init(pnpsim_system *sys)
{
    /* Called at system creation; the state is plain malloc so fault injection cannot make
     * tracing fail half-way. */
    sys->trace = calloc(1, sizeof(*sys->trace));
    if (sys->trace != NULL)
        pnpsim__mutex_init(&sys->trace->lock);
}

void pnpsim__trace_fini(pnpsim_system *sys)
{
    if (sys->trace == NULL)
        return;
    pnpsim__mutex_destroy(&sys->trace->lock);
    free(sys->trace->ring);
    free(sys->trace);
    sys->trace = NULL;
}

bool pnpsim__trace_on(pnpsim_system *sys, pnpsim_trace_category cat)
{
    PNPSIM_UNUSED(cat);
    /* The ring always records (bug check reports need it). */
    return sys != NULL && sys->trace != NULL;
}

static void print_event(FILE *f, const pnpsim_trace_event *ev)
{
    int indent = ev->depth > 0 ? ev->depth * 2 : 0;
    if (indent > 40)
        indent = 40;
    fprintf(f, "[%5llu] %-8s %*s%s", ev->seq, category_names[ev->category], indent, "",
            ev->text);
    if (ev->has_status)
        fprintf(f, " -> %s", pnpsim_status_name(ev->status));
    fputc('\n', f);
}

void pnpsim__trace(pnpsim_system *sys, pnpsim_trace_category cat, pnpsim_device *dev,
                   PDRIVER_OBJECT drv, const NTSTATUS *status, const char *fmt, ...)
{
    pnpsim__trace_state *t;
    pnpsim__thread_state *ts = pnpsim__ts();
    trace_rec *r;
    va_list ap;
    pnpsim_trace_fn fn;
    void *fn_ctx;
    pnpsim_trace_event copy;

    if (sys == NULL || (t = sys->trace) == NULL)
        return;
    pnpsim__mutex_lock(&t->lock);
    if (t->ring == NULL) {
        t->ring = calloc(TRACE_RING, sizeof(*t->ring));
        if (t->ring == NULL) {
            pnpsim__mutex_unlock(&t->lock);
            return;
        }
    }
    if (t->count < TRACE_RING) {
        r = &t->ring[(t->head + t->count) % TRACE_RING];
        t->count++;
    } else {
        r = &t->ring[t->head];
        t->head = (t->head + 1) % TRACE_RING;
    }
    r->ev.seq = ++t->seq;
    r->ev.thread = pnpsim__thread_id();
    r->ev.irql = ts->irql;
    r->ev.category = cat;
    r->ev.depth = ts->irp_depth;
    r->ev.status = status != NULL ? *status : 0;
    r->ev.has_status = status != NULL;
    va_start(ap, fmt);
    vsnprintf(r->text, sizeof(r->text), fmt, ap);
    va_end(ap);
    r->ev.text = r->text;
    if (dev != NULL && dev->instance_path != NULL) {
        snprintf(r->device, sizeof(r->device), "%s", dev->instance_path);
        r->ev.device = r->device;
    } else {
        r->ev.device = NULL;
    }
    if (drv != NULL) {
        pnpsim__driver *d = pnpsim__driver_from(drv);
        snprintf(r->driver, sizeof(r->driver), "%s", d && d->service_name ? d->service_name : "?");
        r->ev.driver = r->driver;
    } else {
        r->ev.driver = NULL;
    }
    if (t->file != NULL && (t->file_mask & (1u << cat)))
        print_event(t->file, &r->ev);
    if (sys->cfg.trace_to_stderr && t->file != stderr)
        print_event(stderr, &r->ev);
    fn = (t->fn_mask & (1u << cat)) ? t->fn : NULL;
    fn_ctx = t->fn_ctx;
    copy = r->ev;
    pnpsim__mutex_unlock(&t->lock);
    if (fn != NULL)
        fn(fn_ctx, &copy);
}

void pnpsim_trace_to_file(pnpsim_system *sys, FILE *f, unsigned int mask)
{
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    sys->trace->file = f;
    sys->trace->file_mask = mask;
    pnpsim__mutex_unlock(&sys->trace->lock);
}

void pnpsim_trace_set_callback(pnpsim_system *sys, pnpsim_trace_fn fn, void *ctx,
                               unsigned int mask)
{
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    sys->trace->fn = fn;
    sys->trace->fn_ctx = ctx;
    sys->trace->fn_mask = fn != NULL ? mask : 0;
    pnpsim__mutex_unlock(&sys->trace->lock);
}

size_t pnpsim_trace_count(pnpsim_system *sys)
{
    size_t n;
    if (sys == NULL || sys->trace == NULL)
        return 0;
    pnpsim__mutex_lock(&sys->trace->lock);
    n = sys->trace->count;
    pnpsim__mutex_unlock(&sys->trace->lock);
    return n;
}

int pnpsim_trace_get(pnpsim_system *sys, size_t index, pnpsim_trace_event *out)
{
    int ok = 0;
    if (sys == NULL || sys->trace == NULL || out == NULL)
        return 0;
    pnpsim__mutex_lock(&sys->trace->lock);
    if (index < sys->trace->count) {
        *out = sys->trace->ring[(sys->trace->head + index) % TRACE_RING].ev;
        ok = 1;
    }
    pnpsim__mutex_unlock(&sys->trace->lock);
    return ok;
}

void pnpsim_trace_clear(pnpsim_system *sys)
{
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    sys->trace->head = 0;
    sys->trace->count = 0;
    pnpsim__mutex_unlock(&sys->trace->lock);
}

unsigned long long pnpsim_trace_find(pnpsim_system *sys, int category, const char *needle)
{
    unsigned long long found = 0;
    if (sys == NULL || sys->trace == NULL || needle == NULL)
        return 0;
    pnpsim__mutex_lock(&sys->trace->lock);
    for (size_t i = 0; i < sys->trace->count; i++) {
        trace_rec *r = &sys->trace->ring[(sys->trace->head + i) % TRACE_RING];
        if ((category < 0 || (int)r->ev.category == category) && strstr(r->text, needle)) {
            found = r->ev.seq;
            break;
        }
    }
    pnpsim__mutex_unlock(&sys->trace->lock);
    return found;
}

void pnpsim_trace_dump(pnpsim_system *sys, FILE *f)
{
    if (sys == NULL || sys->trace == NULL || f == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    for (size_t i = 0; i < sys->trace->count; i++)
        print_event(f, &sys->trace->ring[(sys->trace->head + i) % TRACE_RING].ev);
    pnpsim__mutex_unlock(&sys->trace->lock);
}

void pnpsim__trace_tail(pnpsim_system *sys, FILE *f, size_t n)
{
    size_t start;
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    start = sys->trace->count > n ? sys->trace->count - n : 0;
    for (size_t i = start; i < sys->trace->count; i++)
        print_event(f, &sys->trace->ring[(sys->trace->head + i) % TRACE_RING].ev);
    pnpsim__mutex_unlock(&sys->trace->lock);
}
