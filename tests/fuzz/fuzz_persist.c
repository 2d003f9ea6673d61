/* SPDX-License-Identifier: MIT */
/*
 * This file implements the persistence-loader fuzz target: the input is written to a file
 * and loaded with pnpsim_system_load into a system that already holds one registration
 * (made, then the device gone through a reboot). The loader must accept or reject without
 * crashing; a rejection must name a documented status and leave the system exactly as it
 * was (the registration still there, nothing else); an acceptance must leave a consistent
 * system, which is checked by listing every class the file mentions, saving it again and
 * loading that into a fresh system, which must list the same interfaces. Inputs whose first
 * byte is odd get a correct "end" line appended (counts and FNV-1a checksum, the format of
 * src/core/registry.c), so the fuzzer reaches the record parser behind the checksum.
 * Scratch files: fuzz_persist.in / fuzz_persist.out in the working directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wdm.h>

#include <pnpsim/pnpsim.h>

#define IN_FILE "fuzz_persist.in"
#define OUT_FILE "fuzz_persist.out"

static const GUID Cls = {0x0a1b2c3d, 0x4e5f, 0x6071, {0x82, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8, 0xf9}};

static void fail(const char *fmt, const char *a, NTSTATUS st)
{
    fprintf(stderr, "fuzz_persist: ");
    fprintf(stderr, fmt, a);
    fprintf(stderr, " (%s; %s)\n", pnpsim_status_name(st), pnpsim_last_error_message());
    abort();
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static int write_file(const char *path, const uint8_t *data, size_t size, int fix_end)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    if (size > 0 && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return -1;
    }
    if (fix_end) {
        /* Count "key " and "value " lines as the parser does (records start a line). */
        unsigned long keys = 0, values = 0;
        int ok = size == 0 || data[size - 1] == '\n';
        for (size_t i = 0; i < size; i++) {
            if (i == 0 || data[i - 1] == '\n') {
                if (size - i >= 4 && memcmp(data + i, "key ", 4) == 0)
                    keys++;
                else if (size - i >= 6 && memcmp(data + i, "value ", 6) == 0)
                    values++;
            }
        }
        if (!ok)
            fputc('\n', f);
        {
            uint32_t h = 2166136261u;
            h = fnv1a(data, size);
            if (!ok)
                h = (h ^ (uint8_t)'\n') * 16777619u;
            fprintf(f, "end %lu %lu %08lx\n", keys, values, (unsigned long)h);
        }
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* A fresh system holding one registration of Cls by ROOT\PERSIST\0 (device gone). */
static pnpsim_system *base_system(void)
{
    pnpsim_system *sys = NULL;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_device *dev;
    UNICODE_STRING name;
    cfg.delivery = PNPSIM_DELIVERY_MANUAL;
    cfg.name = "fuzz_persist";
    if (!NT_SUCCESS(pnpsim_system_create(&cfg, &sys)))
        abort();
    pnpsim_system_enter(sys);
    if (!NT_SUCCESS(pnpsim_device_create(sys, NULL, "ROOT\\PERSIST", "0", &dev)) ||
        !NT_SUCCESS(IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &Cls, NULL, &name)))
        abort();
    RtlFreeUnicodeString(&name);
    if (!NT_SUCCESS(pnpsim_system_reboot(sys)))
        abort();
    return sys;
}

/* Every GUID-shaped class key the registry has under DeviceClasses, listed with
 * pnpsim_iface_list_class (INCLUDE_DISABLED); writes "name|ref|path\n" lines into buf. */
static size_t snapshot(pnpsim_system *sys, char *buf, size_t cap)
{
    static const char dc[] = "\\Registry\\Machine\\System\\CurrentControlSet\\Control\\DeviceClasses";
    size_t at = 0;
    HANDLE h = NULL;
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING path;
    WCHAR wpath[sizeof(dc)];
    for (size_t i = 0; i < sizeof(dc); i++)
        wpath[i] = (WCHAR)dc[i];
    path.Buffer = wpath;
    path.Length = (USHORT)((sizeof(dc) - 1) * sizeof(WCHAR));
    path.MaximumLength = (USHORT)sizeof(wpath);
    InitializeObjectAttributes(&oa, &path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    buf[0] = 0;
    if (!NT_SUCCESS(ZwOpenKey(&h, KEY_READ, &oa)))
        return 0;
    for (ULONG idx = 0; idx < 64; idx++) {
        union {
            KEY_BASIC_INFORMATION b;
            uint8_t raw[sizeof(KEY_BASIC_INFORMATION) + 512];
        } info;
        ULONG len = 0;
        UNICODE_STRING gs;
        GUID g;
        pnpsim_iface_list *l = NULL;
        if (!NT_SUCCESS(ZwEnumerateKey(h, idx, KeyBasicInformation, &info, sizeof(info), &len)))
            break;
        gs.Buffer = info.b.Name;
        gs.Length = gs.MaximumLength = (USHORT)info.b.NameLength;
        if (!NT_SUCCESS(RtlGUIDFromString(&gs, &g)))
            continue;
        if (!NT_SUCCESS(pnpsim_iface_list_class(sys, &g, PNPSIM_IFACE_INCLUDE_DISABLED, &l)))
            fail("%s", "pnpsim_iface_list_class failed on a loaded system", 0);
        for (size_t k = 0; k < l->count; k++) {
            int n = snprintf(buf + at, cap - at, "%s|%s|%s|%d\n", l->items[k].name,
                             l->items[k].reference ? l->items[k].reference : "-",
                             l->items[k].instance_path, l->items[k].enabled);
            if (n > 0 && (size_t)n < cap - at)
                at += (size_t)n;
            if (l->items[k].enabled)
                fail("%s: enabled right after a load", l->items[k].name, 0);
        }
        pnpsim_iface_list_free(sys, l);
    }
    ZwClose(h);
    return at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char before[8192], after[8192], again[8192];
    pnpsim_system *sys;
    NTSTATUS st;
    int fix;

    if (size < 1 || size > 64 * 1024)
        return 0;
    fix = data[0] & 1;
    if (write_file(IN_FILE, data + 1, size - 1, fix) != 0)
        return 0;
    sys = base_system();
    snapshot(sys, before, sizeof(before));
    st = pnpsim_system_load(sys, IN_FILE);
    if (!NT_SUCCESS(st)) {
        if (st != STATUS_FILE_CORRUPT_ERROR && st != STATUS_REVISION_MISMATCH &&
            st != STATUS_INSUFFICIENT_RESOURCES)
            fail("%s", "load failed with an undocumented status", st);
        if (pnpsim_last_error_message()[0] == 0)
            fail("%s", "load failed without saying why", st);
        snapshot(sys, after, sizeof(after));
        if (strcmp(before, after) != 0)
            fail("a rejected file changed the system:\n%s", after, st);
    } else {
        pnpsim_system *sys2;
        pnpsim_config cfg = PNPSIM_CONFIG_INIT;
        snapshot(sys, after, sizeof(after));
        /* Usable: an interface of the loaded set can be registered again by its device. */
        st = pnpsim_system_save(sys, OUT_FILE);
        if (!NT_SUCCESS(st))
            fail("%s", "saving a loaded system failed", st);
        cfg.delivery = PNPSIM_DELIVERY_MANUAL;
        if (!NT_SUCCESS(pnpsim_system_create(&cfg, &sys2)))
            abort();
        pnpsim_system_enter(sys2);
        st = pnpsim_system_load(sys2, OUT_FILE);
        if (!NT_SUCCESS(st))
            fail("%s", "a file pnpsim_system_save wrote does not load", st);
        snapshot(sys2, again, sizeof(again));
        if (strcmp(after, again) != 0)
            fail("save/load round trip changed the interfaces:\n%s", again, st);
        pnpsim_system_leave(sys2);
        pnpsim_system_destroy(sys2);
        remove(OUT_FILE);
    }
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    remove(IN_FILE);
    return 0;
}
