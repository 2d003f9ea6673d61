/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the WDK device interface routines called directly on
 * simulated PDOs: IoRegisterDeviceInterface (exact names, re-registration, reference
 * strings, invalid PDOs, IRQL, out of memory), IoSetDeviceInterfaceState (the state table
 * and the name validation of windows-semantics.md §4, including a name buffer that ends
 * exactly at Length) and IoGetDeviceInterfaces (enabled only / NONACTIVE, the PDO filter,
 * the MULTI_SZ layout, the empty result). Item numbers are those of windows-semantics.md
 * §13.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pnpsim_test.h"

/* {deadbeef-29ef-4538-a5fd-b69573a362c0}: the class Wine's root device test uses. */
static const GUID class_c0 = {
    0xdeadbeef, 0x29ef, 0x4538, {0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62, 0xc0}};
/* {deadbeef-29ef-4538-a5fd-b69573a362c2}: the class of Wine's child device test. */
static const GUID class_c2 = {
    0xdeadbeef, 0x29ef, 0x4538, {0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62, 0xc2}};

#define NAME_C0 L"\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"

/* ---- helpers ----------------------------------------------------------------------------- */

static PDEVICE_OBJECT make_pdo(pnpsim_system *sys, const char *device_id, const char *instance)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, device_id, instance, &dev));
    assert_non_null(pnpsim_device_pdo(dev));
    return pnpsim_device_pdo(dev);
}

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

static void assert_ustr_equals(const UNICODE_STRING *u, const WCHAR *expected)
{
    size_t n = wlen(expected);
    assert_non_null(u->Buffer);
    assert_int_equal(u->Length, n * sizeof(WCHAR));
    assert_int_equal(u->MaximumLength, u->Length + sizeof(WCHAR));
    assert_memory_equal(u->Buffer, expected, n * sizeof(WCHAR));
    assert_int_equal(u->Buffer[n], 0);
}

/* A counted string in a heap buffer of exactly Length bytes (no terminator), so that a
 * read past Length is a heap overflow the sanitizers report. */
static UNICODE_STRING heap_ustr(const WCHAR *s)
{
    UNICODE_STRING u;
    size_t n = wlen(s);
    u.Length = (USHORT)(n * sizeof(WCHAR));
    u.MaximumLength = u.Length;
    u.Buffer = malloc(n > 0 ? n * sizeof(WCHAR) : 1);
    assert_non_null(u.Buffer);
    memcpy(u.Buffer, s, n * sizeof(WCHAR));
    return u;
}

static NTSTATUS set_state_of(const WCHAR *name, BOOLEAN enable)
{
    UNICODE_STRING u = heap_ustr(name);
    NTSTATUS status = IoSetDeviceInterfaceState(&u, enable);
    free(u.Buffer);
    return status;
}

/* Number of strings in a MULTI_SZ, checking it ends with an extra NUL. */
static size_t multi_sz_count(const WCHAR *list)
{
    size_t n = 0;
    while (*list != 0) {
        list += wlen(list) + 1;
        n++;
    }
    return n;
}

static const WCHAR *multi_sz_at(const WCHAR *list, size_t index)
{
    while (index-- > 0)
        list += wlen(list) + 1;
    return list;
}

static int lookup_enabled(pnpsim_system *sys, const char *name)
{
    pnpsim_iface_list *l = NULL;
    int enabled;
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_lookup(sys, name, &l));
    assert_int_equal(l->count, 1);
    enabled = l->items[0].enabled;
    pnpsim_iface_list_free(sys, l);
    return enabled;
}

static size_t event_count(pnpsim_system *sys)
{
    pnpsim_iface_event_list *l = NULL;
    size_t n;
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_events(sys, &l));
    n = l->count;
    pnpsim_iface_events_free(sys, l);
    return n;
}

/* ======================================================================================
 * IoRegisterDeviceInterface
 * ==================================================================================== */

/* §13 items 1, 3 and 7: first registration on a root PDO returns exactly STATUS_SUCCESS and
 * the name \??\ROOT#WINETEST#0#{deadbeef-...-b69573a362c0} with Length = 2 * chars,
 * MaximumLength = Length + 2, NUL-terminated (WT-pnp, WT-ntos). */
static void test_iface__register_root_pdo_returns_exact_name(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    assert_ustr_equals(&name, NAME_C0);
    RtlFreeUnicodeString(&name);
}

/* §13 items 2 and 7: the bus-reported case of the instance path is kept, the GUID is lower
 * case with braces, '\' becomes '#' (WT-pnp child "Wine\Test" / "1"). */
static void test_iface__register_keeps_bus_case_and_lower_case_guid(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "Wine\\Test", "1");
    UNICODE_STRING name;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c2, NULL, &name));
    assert_ustr_equals(&name, L"\\??\\Wine#Test#1#{deadbeef-29ef-4538-a5fd-b69573a362c2}");
    RtlFreeUnicodeString(&name);
}

/* §3 item 3: the same (device, class, reference string) again -> STATUS_OBJECT_NAME_EXISTS
 * and the same name (IoRegisterDeviceInterface page; KMDF relies on it). */
static void test_iface__register_twice_returns_name_exists_and_same_name(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING a, b;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &a));
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &b));
    assert_ustr_equals(&b, NAME_C0);
    assert_true(a.Buffer != b.Buffer);
    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
}

/* §2.1: the reference string follows a single '\', unmunged; several reference strings and
 * several classes per device are separate instances. */
static void test_iface__register_reference_strings_and_classes_are_separate(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING ref1, ref2, n1, n2, n3, n4;
    pnpsim_iface_list *l = NULL;
    RtlInitUnicodeString(&ref1, L"Oogah");
    RtlInitUnicodeString(&ref2, L"second#ref");
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, &ref1, &n1));
    assert_ustr_equals(&n1, NAME_C0 L"\\Oogah");
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, &ref2, &n2));
    assert_ustr_equals(&n2, NAME_C0 L"\\second#ref");
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &n3));
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c2, &ref1, &n4));
    assert_ustr_equals(&n4, L"\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c2}\\Oogah");

    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_device(sys, "root\\winetest\\0", &l));
    assert_int_equal(l->count, 4);
    assert_string_equal(l->items[0].reference, "Oogah");
    assert_string_equal(l->items[1].reference, "second#ref");
    assert_null(l->items[2].reference);
    assert_string_equal(l->items[0].instance_path, "ROOT\\WINETEST\\0");
    assert_memory_equal(&l->items[3].class_guid, &class_c2, sizeof(GUID));
    pnpsim_iface_list_free(sys, l);
    RtlFreeUnicodeString(&n1);
    RtlFreeUnicodeString(&n2);
    RtlFreeUnicodeString(&n3);
    RtlFreeUnicodeString(&n4);
}

/* Choice (windows-semantics.md §14): an empty, non-NULL reference string is no reference
 * string, as ReactOS and KMDF treat it. */
static void test_iface__register_empty_reference_string_is_none(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING empty = {0, 0, NULL}, a, b;
    WCHAR buf[4] = {'x', 0, 0, 0};
    UNICODE_STRING empty2 = {0, sizeof(buf), buf};
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, &empty, &a));
    assert_ustr_equals(&a, NAME_C0);
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, IoRegisterDeviceInterface(pdo, &class_c0, &empty2, &b));
    assert_ustr_equals(&b, NAME_C0);
    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
}

/* §3: a reference string containing a path separator -> STATUS_INVALID_DEVICE_REQUEST
 * ("invalid character"), and nothing is registered. */
static void test_iface__register_reference_with_separator_is_invalid_device_request(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    static const WCHAR *const bad[] = {L"a\\b", L"a/b", L"\\", L"/"};
    pnpsim_iface_list *l = NULL;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        UNICODE_STRING ref, name = {2, 4, (PWCH)L"zz"};
        RtlInitUnicodeString(&ref, bad[i]);
        assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                         IoRegisterDeviceInterface(pdo, &class_c0, &ref, &name));
        assert_null(name.Buffer); /* emptied: freeing it is harmless */
        assert_int_equal(name.Length, 0);
    }
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_device(sys, "ROOT\\WINETEST\\0", &l));
    assert_int_equal(l->count, 0);
    pnpsim_iface_list_free(sys, l);
}

static void test_iface__register_bad_arguments_are_invalid_parameter(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "ROOT\\WINETEST", "0");
    WCHAR buf[8] = {'a', 'b', 'c', 0};
    UNICODE_STRING odd = {3, 8, buf};            /* odd Length */
    UNICODE_STRING over = {8, 4, buf};           /* Length > MaximumLength */
    UNICODE_STRING nullbuf = {4, 4, NULL};       /* NULL Buffer with Length > 0 */
    UNICODE_STRING name;
    assert_nt_status(STATUS_INVALID_PARAMETER, IoRegisterDeviceInterface(pdo, NULL, NULL, &name));
    assert_nt_status(STATUS_INVALID_PARAMETER, IoRegisterDeviceInterface(pdo, &class_c0, NULL, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, IoRegisterDeviceInterface(pdo, &class_c0, &odd, &name));
    assert_nt_status(STATUS_INVALID_PARAMETER, IoRegisterDeviceInterface(pdo, &class_c0, &over, &name));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoRegisterDeviceInterface(pdo, &class_c0, &nullbuf, &name));
    assert_null(name.Buffer);
}

/* §3 / §13 item 48: something that is not a PDO the PnP manager knows ->
 * STATUS_INVALID_DEVICE_REQUEST (IoRegisterDeviceInterface page). */
static void test_iface__register_non_pdo_is_invalid_device_request(void **state)
{
    UNICODE_STRING name;
    unsigned char *junk = calloc(1, 1024);
    assert_non_null(junk);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoRegisterDeviceInterface(NULL, &class_c0, NULL, &name));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoRegisterDeviceInterface((PDEVICE_OBJECT)(junk + 512), &class_c0, NULL, &name));
    assert_null(name.Buffer);
    free(junk);
    (void)state;
}

/* Bug check 0xCA parameter 1 = 0x2 (bug-check-0xca--pnp-detected-fatal-error): with strict
 * PnP checks, an invalid PDO passed to a PDO-only routine is a PnP fatal error. */
static void test_iface__register_non_pdo_strict_bugchecks_0xca_2(void **state)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_system *strict = NULL;
    UNICODE_STRING name;
    (void)state;
    cfg.strict_pnp = 1;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &strict));
    pnpsim_system_enter(strict);
    PNPSIM_EXPECT_BUGCHECK(strict, PNP_DETECTED_FATAL_ERROR,
                           IoRegisterDeviceInterface(NULL, &class_c0, NULL, &name));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], 0);
    pnpsim_system_leave(strict);
    pnpsim_system_destroy(strict);
}

/* IrqlIoPassive3 (devtest wdm-irqliopassive3): above PASSIVE_LEVEL -> 0xC4 / 0x2000C. */
static void test_iface__register_above_passive_bugchecks_irqliopassive3(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    KIRQL old;
    KeRaiseIrql(APC_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), DRIVER_VERIFIER_DETECTED_VIOLATION,
                           IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2000C);
    KeLowerIrql(old);
}

/* Out of memory at every allocation the call makes: STATUS_INSUFFICIENT_RESOURCES and
 * nothing registered, until the call has all it needs. */
static void test_iface__register_out_of_memory_registers_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING name, ref;
    NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;
    unsigned long n;
    RtlInitUnicodeString(&ref, L"r");
    for (n = 1; n < 50 && status == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_iface_list *l = NULL;
        pnpsim_fault_alloc(sys, n, 1);
        status = IoRegisterDeviceInterface(pdo, &class_c0, &ref, &name);
        pnpsim_fault_clear(sys);
        if (status == STATUS_INSUFFICIENT_RESOURCES) {
            assert_null(name.Buffer);
            assert_nt_status(STATUS_SUCCESS,
                             pnpsim_iface_list_class(sys, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED, &l));
            assert_int_equal(l->count, 0);
            pnpsim_iface_list_free(sys, l);
        }
    }
    assert_true(n > 2); /* at least the pool copy and the record were failed */
    assert_nt_status(STATUS_SUCCESS, status);
    assert_ustr_equals(&name, NAME_C0 L"\\r");
    RtlFreeUnicodeString(&name);
}

/* §3 item 1 and §13 item 19: registration neither enables nor notifies. */
static void test_iface__register_sends_no_event_and_is_not_active(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    PZZWSTR list = NULL;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    assert_int_equal(event_count(sys), 0);
    assert_int_equal(lookup_enabled(sys, "\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"), 0);
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaces(&class_c0, NULL, 0, &list));
    assert_int_equal(multi_sz_count(list), 0);
    ExFreePool(list);
    RtlFreeUnicodeString(&name);
}

/* §2.3 / §3 item 3: registrations persist across reboot; re-registering after it returns
 * STATUS_OBJECT_NAME_EXISTS with the same name, and the enable state is gone. */
static void test_iface__register_after_reboot_returns_name_exists(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
    RtlFreeUnicodeString(&name);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
    assert_int_equal(lookup_enabled(sys, "\\\\?\\root#winetest#0#{DEADBEEF-29EF-4538-A5FD-B69573A362C0}"), 0);

    pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    assert_ustr_equals(&name, NAME_C0);
    /* Enable state was volatile: enabling again is a fresh enable. */
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, FALSE));
    RtlFreeUnicodeString(&name);
}

/* ======================================================================================
 * IoSetDeviceInterfaceState
 * ==================================================================================== */

/* §4.1 state table (IoSetDeviceInterfaceState page; Wine implements exactly this). */
static void test_iface__set_state_follows_the_state_table(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, IoSetDeviceInterfaceState(&name, FALSE));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
    assert_int_equal(lookup_enabled(sys, "\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"), 1);
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, IoSetDeviceInterfaceState(&name, TRUE));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, FALSE));
    assert_int_equal(lookup_enabled(sys, "\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"), 0);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, IoSetDeviceInterfaceState(&name, FALSE));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, FALSE));
    RtlFreeUnicodeString(&name);
}

/* §13 item 46 (RT-old): the name validation list, each name in a buffer that ends exactly
 * at Length (no terminator), with a registered interface of the GUID used. */
static void test_iface__set_state_validates_names_as_windows(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "ROOT\\WINETEST", "0");
    static const GUID aaaa = {
        0xaaaaaaaa, 0xaaaa, 0xaaaa, {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}};
    UNICODE_STRING name, empty = {0, 0, NULL};
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &aaaa, NULL, &name));

    assert_nt_status(STATUS_INVALID_PARAMETER, IoSetDeviceInterfaceState(NULL, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, IoSetDeviceInterfaceState(&empty, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, set_state_of(L"", TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, set_state_of(L"\\??", TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, set_state_of(L"\\??\\", TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, set_state_of(L"\\??\\\\", TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     set_state_of(L"\\??\\{aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}", TRUE));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     set_state_of(L"\\??\\X{aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}", TRUE));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     set_state_of(L"\\\\?\\X{aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}", TRUE));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     set_state_of(L"\\??\\X{aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}\\", TRUE));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     set_state_of(L"\\??\\#{aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}", TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     set_state_of(L"\\??\\#aaaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}", TRUE));
    /* Other prefixes are not interface names. */
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     set_state_of(L"\\Device\\X{aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}", TRUE));
    RtlFreeUnicodeString(&name);
}

/* Names one character short: without the closing brace the GUID is gone (malformed);
 * without the last character of a reference string it is another, unknown, name. */
static void test_iface__set_state_name_one_char_short(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING name, ref;
    RtlInitUnicodeString(&ref, L"ab");
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    name.Length -= sizeof(WCHAR);
    assert_nt_status(STATUS_INVALID_PARAMETER, IoSetDeviceInterfaceState(&name, TRUE));
    RtlFreeUnicodeString(&name);
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, &ref, &name));
    name.Length -= sizeof(WCHAR);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, IoSetDeviceInterfaceState(&name, TRUE));
    name.Length += sizeof(WCHAR);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, FALSE));
    RtlFreeUnicodeString(&name);
}

/* §4.2 / §2.2: both prefixes are accepted and the lookup is case-insensitive. */
static void test_iface__set_state_accepts_user_prefix_and_any_case(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    assert_nt_status(STATUS_SUCCESS,
                     set_state_of(L"\\\\?\\root#winetest#0#{DEADBEEF-29EF-4538-A5FD-B69573A362C0}", TRUE));
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, IoSetDeviceInterfaceState(&name, TRUE));
    assert_nt_status(STATUS_SUCCESS, set_state_of(L"\\??\\Root#WineTest#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}", FALSE));
    assert_int_equal(lookup_enabled(sys, "\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"), 0);
    RtlFreeUnicodeString(&name);
}

static void test_iface__set_state_malformed_unicode_string_is_invalid_parameter(void **state)
{
    WCHAR buf[8] = {'\\', '?', '?', '\\'};
    UNICODE_STRING odd = {3, 16, buf}, over = {16, 8, buf}, nullbuf = {8, 8, NULL};
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, IoSetDeviceInterfaceState(&odd, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, IoSetDeviceInterfaceState(&over, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, IoSetDeviceInterfaceState(&nullbuf, FALSE));
}

/* IrqlIoPassive1 (devtest wdm-irqliopassive1): above PASSIVE_LEVEL -> 0xC4 / 0x2000A. */
static void test_iface__set_state_above_passive_bugchecks_irqliopassive1(void **state)
{
    PDEVICE_OBJECT pdo = make_pdo(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    KIRQL old;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), DRIVER_VERIFIER_DETECTED_VIOLATION,
                           IoSetDeviceInterfaceState(&name, TRUE));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2000A);
    KeLowerIrql(old);
    RtlFreeUnicodeString(&name);
}

/* Out of memory while enabling: STATUS_INSUFFICIENT_RESOURCES, still disabled, no event;
 * disabling never fails for memory. */
static void test_iface__set_state_out_of_memory_leaves_state_unchanged(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;
    unsigned long n;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    for (n = 1; n < 20 && status == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        status = IoSetDeviceInterfaceState(&name, TRUE);
        pnpsim_fault_clear(sys);
        if (status == STATUS_INSUFFICIENT_RESOURCES)
            assert_int_equal(lookup_enabled(sys, "\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"), 0);
    }
    assert_true(n > 2);
    assert_nt_status(STATUS_SUCCESS, status);
    pnpsim_fault_alloc(sys, 1, 0);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, FALSE));
    pnpsim_fault_clear(sys);
    assert_int_equal(lookup_enabled(sys, "\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"), 0);
    RtlFreeUnicodeString(&name);
}

/* Choice (§14): a device that has not started gets its interface enabled at once, but the
 * arrival waits for START; disabling it before then queues no event at all. */
static void test_iface__set_state_before_start_holds_arrival_back(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    pnpsim_iface_list *l = NULL;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_class(sys, &class_c0, 0, &l));
    assert_int_equal(l->count, 1);
    assert_int_equal(l->items[0].enabled, 1);
    assert_int_equal(l->items[0].arrival_pending, 1);
    pnpsim_iface_list_free(sys, l);
    assert_int_equal(event_count(sys), 0);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, FALSE));
    assert_int_equal(event_count(sys), 0);
    RtlFreeUnicodeString(&name);
}

/* ======================================================================================
 * IoGetDeviceInterfaces
 * ==================================================================================== */

/* §5: no match -> STATUS_SUCCESS and a buffer holding a single NUL, freed with ExFreePool. */
static void test_iface__get_interfaces_no_match_returns_lone_nul(void **state)
{
    PZZWSTR list = NULL;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaces(&class_c0, NULL, 0, &list));
    assert_non_null(list);
    assert_int_equal(list[0], 0);
    ExFreePool(list);
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfaces(&class_c0, NULL, DEVICE_INTERFACE_INCLUDE_NONACTIVE, &list));
    assert_int_equal(list[0], 0);
    ExFreePool(list);
}

/* §5: enabled only by default, every registered one with DEVICE_INTERFACE_INCLUDE_NONACTIVE,
 * kernel-form names in registration order, an extra NUL at the end; a PDO restricts the
 * result to that device. */
static void test_iface__get_interfaces_active_nonactive_and_pdo_filter(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT p0 = make_pdo(sys, "ROOT\\WINETEST", "0");
    PDEVICE_OBJECT p1 = make_pdo(sys, "ROOT\\WINETEST", "1");
    UNICODE_STRING a, b, c, other;
    PZZWSTR list = NULL;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(p1, &class_c0, NULL, &a));
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(p0, &class_c0, NULL, &b));
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(p0, &class_c2, NULL, &other));
    {
        UNICODE_STRING ref;
        RtlInitUnicodeString(&ref, L"x");
        assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(p0, &class_c0, &ref, &c));
    }
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&c, TRUE));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&other, TRUE));

    /* Enabled only, registration order (a before c although c was enabled first). */
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaces(&class_c0, NULL, 0, &list));
    assert_int_equal(multi_sz_count(list), 2);
    assert_memory_equal(multi_sz_at(list, 0), a.Buffer, a.Length + sizeof(WCHAR));
    assert_memory_equal(multi_sz_at(list, 1), c.Buffer, c.Length + sizeof(WCHAR));
    ExFreePool(list);

    /* With NONACTIVE, every registration of the class. */
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfaces(&class_c0, NULL, DEVICE_INTERFACE_INCLUDE_NONACTIVE, &list));
    assert_int_equal(multi_sz_count(list), 3);
    assert_memory_equal(multi_sz_at(list, 0), a.Buffer, a.Length + sizeof(WCHAR));
    assert_memory_equal(multi_sz_at(list, 1), b.Buffer, b.Length + sizeof(WCHAR));
    assert_memory_equal(multi_sz_at(list, 2), c.Buffer, c.Length + sizeof(WCHAR));
    ExFreePool(list);

    /* One device's. */
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaces(&class_c0, p0, 0, &list));
    assert_int_equal(multi_sz_count(list), 1);
    assert_memory_equal(multi_sz_at(list, 0), c.Buffer, c.Length + sizeof(WCHAR));
    ExFreePool(list);
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfaces(&class_c0, p0, DEVICE_INTERFACE_INCLUDE_NONACTIVE, &list));
    assert_int_equal(multi_sz_count(list), 2);
    assert_memory_equal(multi_sz_at(list, 0), b.Buffer, b.Length + sizeof(WCHAR));
    ExFreePool(list);
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaces(&class_c2, p1, DEVICE_INTERFACE_INCLUDE_NONACTIVE, &list));
    assert_int_equal(list[0], 0);
    ExFreePool(list);

    /* Disabled interfaces leave the active list. */
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, FALSE));
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaces(&class_c0, NULL, 0, &list));
    assert_int_equal(multi_sz_count(list), 1);
    ExFreePool(list);

    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
    RtlFreeUnicodeString(&c);
    RtlFreeUnicodeString(&other);
}

static void test_iface__get_interfaces_bad_arguments(void **state)
{
    PZZWSTR list = (PZZWSTR)(uintptr_t)1;
    unsigned char *junk = calloc(1, 1024);
    (void)state;
    assert_non_null(junk);
    assert_nt_status(STATUS_INVALID_PARAMETER, IoGetDeviceInterfaces(NULL, NULL, 0, &list));
    assert_null(list);
    assert_nt_status(STATUS_INVALID_PARAMETER, IoGetDeviceInterfaces(&class_c0, NULL, 0, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, IoGetDeviceInterfaces(&class_c0, NULL, 0x2, &list));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoGetDeviceInterfaces(&class_c0, (PDEVICE_OBJECT)(junk + 512), 0, &list));
    assert_null(list);
    free(junk);
}

static void test_iface__get_interfaces_out_of_memory(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING name;
    PZZWSTR list = NULL;
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pdo, &class_c0, NULL, &name));
    pnpsim_fault_alloc(sys, 1, 0);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     IoGetDeviceInterfaces(&class_c0, NULL, DEVICE_INTERFACE_INCLUDE_NONACTIVE, &list));
    pnpsim_fault_clear(sys);
    assert_null(list);
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfaces(&class_c0, NULL, DEVICE_INTERFACE_INCLUDE_NONACTIVE, &list));
    assert_int_equal(multi_sz_count(list), 1);
    ExFreePool(list);
    RtlFreeUnicodeString(&name);
}

/* IoGetDeviceInterfaces is PASSIVE_LEVEL only (no 0xC4 rule: IRQL_NOT_LESS_OR_EQUAL). */
static void test_iface__get_interfaces_above_passive_bugchecks(void **state)
{
    PZZWSTR list = NULL;
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), IRQL_NOT_LESS_OR_EQUAL,
                           IoGetDeviceInterfaces(&class_c0, NULL, 0, &list));
    KeLowerIrql(old);
}

/* ======================================================================================
 * Threads
 * ==================================================================================== */

#define TOGGLE_THREADS 4
#define TOGGLES 300

typedef struct toggle_arg {
    pnpsim_system *sys;
    UNICODE_STRING name;
    int failures; /* recorded here; the main thread asserts */
} toggle_arg;

static void *toggle_thread(void *p)
{
    toggle_arg *a = p;
    pnpsim_system_enter(a->sys);
    for (int i = 0; i < TOGGLES; i++) {
        PZZWSTR list = NULL;
        if (IoSetDeviceInterfaceState(&a->name, TRUE) != STATUS_SUCCESS)
            a->failures++;
        if (IoGetDeviceInterfaces(&class_c0, NULL, 0, &list) != STATUS_SUCCESS || list == NULL)
            a->failures++;
        else
            ExFreePool(list);
        if (IoSetDeviceInterfaceState(&a->name, FALSE) != STATUS_SUCCESS)
            a->failures++;
    }
    pnpsim_system_leave(a->sys);
    return NULL;
}

/* Every routine is safe from any thread: concurrent enables, disables and enumerations keep
 * each interface's state table exact. */
static void test_iface__concurrent_toggles_keep_the_state_table(void **state)
{
    pnpsim_system *sys = TSYS(state);
    toggle_arg args[TOGGLE_THREADS];
    pthread_t t[TOGGLE_THREADS];
    pnpsim_iface_list *l = NULL;
    for (int i = 0; i < TOGGLE_THREADS; i++) {
        char inst[4];
        snprintf(inst, sizeof(inst), "%d", i);
        args[i].sys = sys;
        args[i].failures = 0;
        assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(make_pdo(sys, "ROOT\\WINETEST", inst),
                                                                   &class_c0, NULL, &args[i].name));
    }
    for (int i = 0; i < TOGGLE_THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, toggle_thread, &args[i]), 0);
    for (int i = 0; i < TOGGLE_THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < TOGGLE_THREADS; i++) {
        assert_int_equal(args[i].failures, 0);
        RtlFreeUnicodeString(&args[i].name);
    }
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_class(sys, &class_c0, 0, &l));
    assert_int_equal(l->count, 0);
    pnpsim_iface_list_free(sys, l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_iface__register_root_pdo_returns_exact_name),
        PNPSIM_TEST(test_iface__register_keeps_bus_case_and_lower_case_guid),
        PNPSIM_TEST(test_iface__register_twice_returns_name_exists_and_same_name),
        PNPSIM_TEST(test_iface__register_reference_strings_and_classes_are_separate),
        PNPSIM_TEST(test_iface__register_empty_reference_string_is_none),
        PNPSIM_TEST(test_iface__register_reference_with_separator_is_invalid_device_request),
        PNPSIM_TEST(test_iface__register_bad_arguments_are_invalid_parameter),
        PNPSIM_TEST(test_iface__register_non_pdo_is_invalid_device_request),
        PNPSIM_TEST(test_iface__register_non_pdo_strict_bugchecks_0xca_2),
        PNPSIM_TEST(test_iface__register_above_passive_bugchecks_irqliopassive3),
        PNPSIM_TEST(test_iface__register_out_of_memory_registers_nothing),
        PNPSIM_TEST(test_iface__register_sends_no_event_and_is_not_active),
        PNPSIM_TEST(test_iface__register_after_reboot_returns_name_exists),
        PNPSIM_TEST(test_iface__set_state_follows_the_state_table),
        PNPSIM_TEST(test_iface__set_state_validates_names_as_windows),
        PNPSIM_TEST(test_iface__set_state_name_one_char_short),
        PNPSIM_TEST(test_iface__set_state_accepts_user_prefix_and_any_case),
        PNPSIM_TEST(test_iface__set_state_malformed_unicode_string_is_invalid_parameter),
        PNPSIM_TEST(test_iface__set_state_above_passive_bugchecks_irqliopassive1),
        PNPSIM_TEST(test_iface__set_state_out_of_memory_leaves_state_unchanged),
        PNPSIM_TEST(test_iface__set_state_before_start_holds_arrival_back),
        PNPSIM_TEST(test_iface__get_interfaces_no_match_returns_lone_nul),
        PNPSIM_TEST(test_iface__get_interfaces_active_nonactive_and_pdo_filter),
        PNPSIM_TEST(test_iface__get_interfaces_bad_arguments),
        PNPSIM_TEST(test_iface__get_interfaces_out_of_memory),
        PNPSIM_TEST(test_iface__get_interfaces_above_passive_bugchecks),
        PNPSIM_TEST(test_iface__concurrent_toggles_keep_the_state_table),
    };
    return cmocka_run_group_tests_name("wdk_io_iface", tests, NULL, NULL);
}
