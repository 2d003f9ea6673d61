/* SPDX-License-Identifier: MIT */
/*
 * This file implements the name-parsing fuzz target: arbitrary UTF-16 text (and hostile
 * UNICODE_STRING lengths) goes to the routines that parse symbolic link names
 * (IoSetDeviceInterfaceState, IoGetDeviceInterfaceAlias, IoOpenDeviceInterfaceRegistryKey,
 * pnpsim_iface_lookup) on a system holding a few registered interfaces, and to
 * RtlGUIDFromString. Every answer is checked against what windows-semantics.md §4.2 and
 * the RtlGUIDFromString page allow: the routines never read past Length (the text is copied
 * into an exact-size allocation, so ASan sees an over-read), a malformed name is rejected
 * with the documented status, a name that parses is either the registered interface or not
 * found, and a GUID string is accepted exactly when it is "{8-4-4-4-12}" hex.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wdm.h>

#include <pnpsim/pnpsim.h>

static const GUID Cls = {0x6b7a1c3e, 0x5d2f, 0x4b8a, {0x9c, 0x41, 0x0f, 0x3e, 0x2d, 0x1a, 0x7b, 0x55}};
static const GUID Cls2 = {0x6b7a1c3e, 0x5d2f, 0x4b8a, {0x9c, 0x41, 0x0f, 0x3e, 0x2d, 0x1a, 0x7b, 0x56}};

static pnpsim_system *Sys;
static UNICODE_STRING Names[3];

static void fail(const char *what, NTSTATUS st)
{
    fprintf(stderr, "fuzz_names: %s: unexpected %s (%s)\n", what, pnpsim_status_name(st),
            pnpsim_last_error_message());
    abort();
}

static NTSTATUS NTAPI Entry(PDRIVER_OBJECT d, PUNICODE_STRING r)
{
    UNREFERENCED_PARAMETER(d);
    UNREFERENCED_PARAMETER(r);
    return STATUS_SUCCESS;
}

static void teardown(void)
{
    pnpsim_system_enter(Sys);
    for (int i = 0; i < 3; i++)
        RtlFreeUnicodeString(&Names[i]);
    pnpsim_system_leave(Sys);
    pnpsim_system_destroy(Sys);
}

/* One system for the whole run: names are only parsed and looked up, nothing changes it
 * but the enable state of the three interfaces, which the checks below tolerate. */
static void setup(void)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_device *dev;
    UNICODE_STRING ref;
    PDRIVER_OBJECT drv;
    cfg.delivery = PNPSIM_DELIVERY_MANUAL;
    cfg.name = "fuzz_names";
    if (!NT_SUCCESS(pnpsim_system_create(&cfg, &Sys)))
        abort();
    pnpsim_system_enter(Sys);
    (void)pnpsim_driver_load(Sys, "fuzznames", Entry, &drv);
    if (!NT_SUCCESS(pnpsim_device_create(Sys, NULL, "ROOT\\NAMES", "0", &dev)))
        abort();
    RtlInitUnicodeString(&ref, L"Ref");
    if (!NT_SUCCESS(IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &Cls, NULL, &Names[0])) ||
        !NT_SUCCESS(IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &Cls, &ref, &Names[1])) ||
        !NT_SUCCESS(IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &Cls2, &ref, &Names[2])))
        abort();
    pnpsim_system_leave(Sys);
    atexit(teardown);
}

static int hexc(WCHAR c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" exactly (38 characters). */
static int guid_text_ok(const WCHAR *s, size_t n)
{
    static const char shape[] = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
    if (n != 38)
        return 0;
    for (size_t k = 0; k < 38; k++)
        if (shape[k] == 'x' ? !hexc(s[k]) : s[k] != (WCHAR)shape[k])
            return 0;
    return 1;
}

/* §4.2 shape: prefix, ≥ 1 character, a braced GUID, then the end or '\'. */
static int name_ok(const WCHAR *s, size_t n)
{
    size_t end;
    if (n < 4 || s[0] != '\\' || s[2] != '?' || s[3] != '\\' || (s[1] != '?' && s[1] != '\\'))
        return 0;
    for (end = 4; end < n && s[end] != '\\'; end++)
        ;
    return end - 4 >= 39 && guid_text_ok(s + end - 38, 38);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    unsigned mode;
    size_t n;
    WCHAR *text;
    UNICODE_STRING us;
    NTSTATUS st;
    int ok;

    if (!ready) {
        setup();
        ready = 1;
    }
    if (size < 1)
        return 0;
    mode = data[0];
    data++;
    size--;
    /* mode bit 0: bytes are UTF-16LE units, else each byte is one unit (ASCII-ish text);
     * bit 1: start from a registered name, overwriting its tail with the input. */
    n = (mode & 1) ? size / 2 : size;
    if ((mode & 2) != 0) {
        const UNICODE_STRING *base = &Names[(mode >> 2) % 3];
        size_t bn = base->Length / 2;
        size_t keep = bn > n ? bn - n : 0;
        text = malloc((keep + n + 1) * sizeof(WCHAR));
        if (text == NULL)
            return 0;
        memcpy(text, base->Buffer, keep * sizeof(WCHAR));
        for (size_t i = 0; i < n; i++)
            text[keep + i] = (mode & 1) ? (WCHAR)(data[2 * i] | data[2 * i + 1] << 8) : data[i];
        n += keep;
    } else {
        text = malloc((n + 1) * sizeof(WCHAR));
        if (text == NULL)
            return 0;
        for (size_t i = 0; i < n; i++)
            text[i] = (mode & 1) ? (WCHAR)(data[2 * i] | data[2 * i + 1] << 8) : data[i];
    }
    if (n > 0x7FFF)
        n = 0x7FFF;
    /* Exact size: the routines must not read past Length (not NUL-terminated). */
    {
        WCHAR *exact = malloc(n > 0 ? n * sizeof(WCHAR) : 1);
        if (exact == NULL) {
            free(text);
            return 0;
        }
        memcpy(exact, text, n * sizeof(WCHAR));
        free(text);
        text = exact;
    }
    us.Buffer = text;
    us.Length = (USHORT)(n * sizeof(WCHAR));
    us.MaximumLength = us.Length;
    ok = name_ok(text, n);

    pnpsim_system_enter(Sys);
    if ((mode & 0xE0) == 0xE0) {
        /* Hostile UNICODE_STRINGs: odd Length, Length > MaximumLength, NULL Buffer. */
        UNICODE_STRING bad = us;
        HANDLE h;
        UNICODE_STRING alias;
        GUID g;
        if ((mode & 0x10) != 0)
            bad.Length |= 1;
        else
            bad.Buffer = NULL;
        if (bad.Length == 0)
            bad.Length = 2;
        if (IoSetDeviceInterfaceState(&bad, TRUE) != STATUS_INVALID_PARAMETER)
            fail("IoSetDeviceInterfaceState(malformed)", 0);
        if (IoOpenDeviceInterfaceRegistryKey(&bad, KEY_READ, &h) != STATUS_INVALID_PARAMETER)
            fail("IoOpenDeviceInterfaceRegistryKey(malformed)", 0);
        if (IoGetDeviceInterfaceAlias(&bad, &Cls2, &alias) != STATUS_INVALID_PARAMETER)
            fail("IoGetDeviceInterfaceAlias(malformed)", 0);
        st = RtlGUIDFromString(&bad, &g);
        if (NT_SUCCESS(st))
            fail("RtlGUIDFromString(malformed)", st);
        pnpsim_system_leave(Sys);
        free(text);
        return 0;
    }

    /* IoSetDeviceInterfaceState: malformed -> INVALID_PARAMETER; else a state status. */
    st = IoSetDeviceInterfaceState(&us, (mode & 0x10) ? TRUE : FALSE);
    if (!ok ? st != STATUS_INVALID_PARAMETER
            : !(st == STATUS_SUCCESS || st == STATUS_OBJECT_NAME_EXISTS ||
                st == STATUS_OBJECT_NAME_NOT_FOUND))
        fail("IoSetDeviceInterfaceState", st);

    {
        HANDLE h = NULL;
        st = IoOpenDeviceInterfaceRegistryKey(&us, KEY_READ, &h);
        if (!ok ? st != STATUS_INVALID_PARAMETER
                : !(st == STATUS_SUCCESS || st == STATUS_OBJECT_NAME_NOT_FOUND ||
                    st == STATUS_OBJECT_PATH_NOT_FOUND))
            fail("IoOpenDeviceInterfaceRegistryKey", st);
        if (NT_SUCCESS(st))
            ZwClose(h);
    }
    {
        UNICODE_STRING alias;
        st = IoGetDeviceInterfaceAlias(&us, (mode & 0x10) ? &Cls2 : &Cls, &alias);
        if (!ok ? st != STATUS_INVALID_HANDLE
                : !(st == STATUS_SUCCESS || st == STATUS_OBJECT_NAME_NOT_FOUND ||
                    st == STATUS_OBJECT_PATH_NOT_FOUND))
            fail("IoGetDeviceInterfaceAlias", st);
        if (NT_SUCCESS(st))
            RtlFreeUnicodeString(&alias);
        else if (alias.Buffer != NULL)
            fail("IoGetDeviceInterfaceAlias left a buffer", st);
    }
    {
        /* The native look-up takes UTF-8: the same text, narrowed (units > 0x7F dropped). */
        char *u = malloc(n + 1);
        pnpsim_iface_list *l = NULL;
        size_t k = 0;
        if (u != NULL) {
            for (size_t i = 0; i < n; i++)
                if (text[i] != 0 && text[i] < 0x80)
                    u[k++] = (char)text[i];
            u[k] = 0;
            st = pnpsim_iface_lookup(Sys, u, &l);
            if (!(st == STATUS_SUCCESS || st == STATUS_OBJECT_NAME_NOT_FOUND ||
                  st == STATUS_INVALID_PARAMETER))
                fail("pnpsim_iface_lookup", st);
            if (NT_SUCCESS(st) && (l == NULL || l->count != 1))
                fail("pnpsim_iface_lookup: not exactly one", st);
            pnpsim_iface_list_free(Sys, l);
            free(u);
        }
    }
    {
        GUID g;
        st = RtlGUIDFromString(&us, &g);
        if (guid_text_ok(text, n) ? st != STATUS_SUCCESS : st != STATUS_INVALID_PARAMETER)
            fail("RtlGUIDFromString", st);
        if (NT_SUCCESS(st)) {
            UNICODE_STRING back;
            if (!NT_SUCCESS(RtlStringFromGUID(&g, &back)))
                fail("RtlStringFromGUID", 0);
            /* Round trip, ignoring hex digit case. */
            for (size_t i = 0; i < 38; i++) {
                WCHAR a = text[i], b = back.Buffer[i];
                if (a >= 'a' && a <= 'f')
                    a = (WCHAR)(a - 32);
                if (b >= 'a' && b <= 'f')
                    b = (WCHAR)(b - 32);
                if (a != b)
                    fail("RtlGUIDFromString/RtlStringFromGUID round trip", 0);
            }
            RtlFreeUnicodeString(&back);
        }
    }
    if (pnpsim_system_pool_outstanding(Sys, NULL) != 3)
        fail("pool outstanding changed", (NTSTATUS)pnpsim_system_pool_outstanding(Sys, NULL));
    pnpsim_system_run_pending(Sys);
    pnpsim_system_leave(Sys);
    free(text);
    return 0;
}
