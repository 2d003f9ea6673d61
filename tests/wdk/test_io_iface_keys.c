/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the WDK routines that work on a registered device
 * interface's name or on a device's registry keys: IoGetDeviceInterfaceAlias,
 * IoOpenDeviceInterfaceRegistryKey, IoOpenDeviceRegistryKey,
 * IoGetDeviceInterfacePropertyData / IoSetDeviceInterfacePropertyData, and opening an
 * enabled interface with IoGetDeviceObjectPointer (a small function driver records the
 * IRP_MJ_CREATE it receives). Statuses are those of the Microsoft Learn pages and
 * windows-semantics.md §2.3, §2.4, §6 and §13 items 16, 17, 24-26 and 33; the choices made
 * where Windows is silent are named in each test.
 */
#include <string.h>

#include <ntddk.h>
#include <initguid.h>
#include <devpkey.h>

#include "pnpsim_test.h"

/* {deadbeef-29ef-4538-a5fd-b69573a362c0} / {...c1} / {...c2} */
DEFINE_GUID(GUID_KEYS_C0, 0xdeadbeef, 0x29ef, 0x4538, 0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62,
            0xc0);
DEFINE_GUID(GUID_KEYS_C1, 0xdeadbeef, 0x29ef, 0x4538, 0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62,
            0xc1);
DEFINE_GUID(GUID_KEYS_C2, 0xdeadbeef, 0x29ef, 0x4538, 0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62,
            0xc2);

#define G0 "{deadbeef-29ef-4538-a5fd-b69573a362c0}"
#define DEV_KEY                                                                   \
    "\\Registry\\Machine\\System\\CurrentControlSet\\Control\\DeviceClasses\\" G0 \
    "\\##?#ROOT#WINETEST#0#" G0
#define ENUM_KEY "\\Registry\\Machine\\System\\CurrentControlSet\\Enum\\ROOT\\WINETEST\\0"
#define CLASS_SYSTEM                                                   \
    "\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Class\\" \
    "{4d36e97d-e325-11ce-bfc1-08002be10318}"

/* A DEVPKEY no one sets. */
DEFINE_DEVPROPKEY(DEVPKEY_Keys_Custom, 0x12345678, 0x1234, 0x1234, 0x12, 0x34, 0x56, 0x78, 0x9a,
                  0xbc, 0xde, 0xf0, 7);

/* ---- helpers ------------------------------------------------------------------------- */

static pnpsim_device *make_dev(pnpsim_system *sys, const char *id, const char *inst)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, id, inst, &dev));
    return dev;
}

static UNICODE_STRING reg(pnpsim_device *dev, const GUID *g, const WCHAR *ref)
{
    UNICODE_STRING name, r;
    if (ref != NULL)
        RtlInitUnicodeString(&r, ref);
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pnpsim_device_pdo(dev), g,
                                                               ref != NULL ? &r : NULL, &name));
    return name;
}

static int ustr_eq(const UNICODE_STRING *u, const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return u->Length == n * sizeof(WCHAR) && memcmp(u->Buffer, s, u->Length) == 0 &&
           u->MaximumLength == u->Length + sizeof(WCHAR) && u->Buffer[n] == 0;
}

/* ======================================================================================
 * IoGetDeviceInterfaceAlias (§6.1)
 * ==================================================================================== */

/* Same device, same reference string, other class: the alias's name; the input's prefix
 * is kept (choice, as ReactOS); a disabled alias counts (choice). */
static void test_iface_keys__alias_same_device_same_reference(void **state)
{
    pnpsim_device *dev = make_dev(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, L"Ref");
    UNICODE_STRING b = reg(dev, &GUID_KEYS_C2, L"Ref");
    UNICODE_STRING c = reg(dev, &GUID_KEYS_C2, NULL);
    UNICODE_STRING alias, user;
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaceAlias(&a, &GUID_KEYS_C2, &alias));
    assert_true(
        ustr_eq(&alias, L"\\??\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c2}\\Ref"));
    RtlFreeUnicodeString(&alias);
    RtlInitUnicodeString(&user,
                         L"\\\\?\\root#winetest#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}\\REF");
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaceAlias(&user, &GUID_KEYS_C2, &alias));
    assert_true(
        ustr_eq(&alias, L"\\\\?\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c2}\\Ref"));
    RtlFreeUnicodeString(&alias);
    /* The one without a reference string has its own alias (none in c0 without ref). */
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceInterfaceAlias(&c, &GUID_KEYS_C0, &alias));
    assert_null(alias.Buffer);
    assert_int_equal(alias.Length, 0);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceInterfaceAlias(&a, &GUID_KEYS_C1, &alias));
    assert_null(alias.Buffer);
    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
    RtlFreeUnicodeString(&c);
}

/* Bad name -> STATUS_INVALID_HANDLE (§6.1); unknown well-formed name ->
 * STATUS_OBJECT_NAME_NOT_FOUND; NULL arguments, malformed UNICODE_STRING ->
 * STATUS_INVALID_PARAMETER (choice, as ReactOS). */
static void test_iface_keys__alias_bad_arguments(void **state)
{
    UNICODE_STRING bad, unknown, alias, odd;
    WCHAR buf[4] = {'\\', '?', '?', '\\'};
    (void)state;
    RtlInitUnicodeString(&bad, L"\\??\\nothing");
    RtlInitUnicodeString(&unknown, L"\\??\\X#{deadbeef-29ef-4538-a5fd-b69573a362c0}");
    assert_nt_status(STATUS_INVALID_HANDLE, IoGetDeviceInterfaceAlias(&bad, &GUID_KEYS_C2, &alias));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceInterfaceAlias(&unknown, &GUID_KEYS_C2, &alias));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceInterfaceAlias(NULL, &GUID_KEYS_C2, &alias));
    assert_nt_status(STATUS_INVALID_PARAMETER, IoGetDeviceInterfaceAlias(&unknown, NULL, &alias));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceInterfaceAlias(&unknown, &GUID_KEYS_C2, NULL));
    odd.Buffer = buf;
    odd.Length = 3;
    odd.MaximumLength = 8;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceInterfaceAlias(&odd, &GUID_KEYS_C2, &alias));
}

/* Out of memory: STATUS_INSUFFICIENT_RESOURCES, empty output, nothing leaked. */
static void test_iface_keys__alias_out_of_memory(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL), b = reg(dev, &GUID_KEYS_C2, NULL), alias;
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    unsigned long n;
    for (n = 1; n < 20 && st == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        st = IoGetDeviceInterfaceAlias(&a, &GUID_KEYS_C2, &alias);
        pnpsim_fault_clear(sys);
        if (st == STATUS_INSUFFICIENT_RESOURCES)
            assert_null(alias.Buffer);
    }
    assert_true(n > 2);
    assert_nt_status(STATUS_SUCCESS, st);
    assert_true(ustr_eq(&alias, b.Buffer));
    RtlFreeUnicodeString(&alias);
    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
}

/* ======================================================================================
 * IoOpenDeviceInterfaceRegistryKey (§2.3, §6.2)
 * ==================================================================================== */

/* The handle is the non-volatile Device Parameters key under the interface's instance key:
 * what a driver writes there is in the registry and survives a reboot. Works for a
 * disabled interface and through the user-form name. */
static void test_iface_keys__interface_key_is_device_parameters(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL), value, user;
    HANDLE key = NULL;
    ULONG v = 42;
    uint32_t got = 0;
    RtlInitUnicodeString(&value, L"Setting");
    assert_nt_status(STATUS_SUCCESS, IoOpenDeviceInterfaceRegistryKey(&a, KEY_ALL_ACCESS, &key));
    assert_non_null(key);
    assert_nt_status(STATUS_SUCCESS, ZwSetValueKey(key, &value, 0, REG_DWORD, &v, sizeof(v)));
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(
                                         sys, DEV_KEY "\\#\\Device Parameters", "Setting", &got));
    assert_int_equal(got, 42);
    RtlFreeUnicodeString(&a);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
    RtlInitUnicodeString(&user, L"\\\\?\\ROOT#WINETEST#0#{DEADBEEF-29EF-4538-A5FD-B69573A362C0}");
    assert_nt_status(STATUS_SUCCESS, IoOpenDeviceInterfaceRegistryKey(&user, KEY_READ, &key));
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
    got = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(
                                         sys, DEV_KEY "\\#\\Device Parameters", "Setting", &got));
    assert_int_equal(got, 42);
}

/* Unknown name -> STATUS_OBJECT_NAME_NOT_FOUND, bad name or NULL -> STATUS_INVALID_PARAMETER
 * (IoOpenDeviceInterfaceRegistryKey page); the handle is NULL on failure. */
static void test_iface_keys__interface_key_bad_arguments(void **state)
{
    UNICODE_STRING bad, unknown;
    HANDLE key = (HANDLE)1;
    (void)state;
    RtlInitUnicodeString(&bad, L"\\??\\");
    RtlInitUnicodeString(&unknown, L"\\??\\X#{deadbeef-29ef-4538-a5fd-b69573a362c0}");
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoOpenDeviceInterfaceRegistryKey(&unknown, KEY_READ, &key));
    assert_null(key);
    key = (HANDLE)1;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoOpenDeviceInterfaceRegistryKey(&bad, KEY_READ, &key));
    assert_null(key);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoOpenDeviceInterfaceRegistryKey(NULL, KEY_READ, &key));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoOpenDeviceInterfaceRegistryKey(&unknown, KEY_READ, NULL));
}

/* Out of memory at each allocation: no handle and no Device Parameters key, then success. */
static void test_iface_keys__interface_key_out_of_memory(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL);
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    HANDLE key = NULL;
    unsigned long n;
    for (n = 1; n < 30 && st == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        st = IoOpenDeviceInterfaceRegistryKey(&a, KEY_READ, &key);
        pnpsim_fault_clear(sys);
        if (st == STATUS_INSUFFICIENT_RESOURCES) {
            assert_null(key);
            assert_false(pnpsim_registry_key_exists(sys, DEV_KEY "\\#\\Device Parameters"));
        }
    }
    assert_true(n > 2);
    assert_nt_status(STATUS_SUCCESS, st);
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
    RtlFreeUnicodeString(&a);
}

/* ======================================================================================
 * IoOpenDeviceRegistryKey
 * ==================================================================================== */

/* PLUGPLAY_REGKEY_DEVICE: Enum\<instance path>\Device Parameters (non-volatile). */
static void test_iface_keys__device_key_is_enum_device_parameters(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING value;
    HANDLE key = NULL;
    ULONG v = 7;
    uint32_t got = 0;
    RtlInitUnicodeString(&value, L"Mode");
    assert_nt_status(STATUS_SUCCESS,
                     IoOpenDeviceRegistryKey(pnpsim_device_pdo(dev), PLUGPLAY_REGKEY_DEVICE,
                                             KEY_ALL_ACCESS, &key));
    assert_nt_status(STATUS_SUCCESS, ZwSetValueKey(key, &value, 0, REG_DWORD, &v, sizeof(v)));
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_dword(sys, ENUM_KEY "\\Device Parameters", "Mode", &got));
    assert_int_equal(got, 7);
    assert_nt_status(STATUS_SUCCESS, IoOpenDeviceRegistryKey(pnpsim_device_pdo(dev),
                                                             PLUGPLAY_REGKEY_DEVICE |
                                                                 PLUGPLAY_REGKEY_CURRENT_HWPROFILE,
                                                             KEY_READ, &key));
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
    assert_true(pnpsim_registry_key_exists(
        sys, "\\Registry\\Machine\\System\\CurrentControlSet\\Hardware Profiles\\Current\\System"
             "\\CurrentControlSet\\Enum\\ROOT\\WINETEST\\0"));
}

/* PLUGPLAY_REGKEY_DRIVER: a software key Control\Class\{class}\NNNN recorded in the Enum
 * key's Driver value; each device its own, the same one on every open (stand-in class:
 * System). */
static void test_iface_keys__driver_key_is_a_class_software_key(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = make_dev(sys, "ROOT\\WINETEST", "0");
    pnpsim_device *d1 = make_dev(sys, "ROOT\\WINETEST", "1");
    UNICODE_STRING value;
    HANDLE key = NULL;
    ULONG v = 1;
    uint32_t got = 0;
    char drv[128];
    RtlInitUnicodeString(&value, L"Tuning");
    assert_nt_status(STATUS_SUCCESS,
                     IoOpenDeviceRegistryKey(pnpsim_device_pdo(d0), PLUGPLAY_REGKEY_DRIVER,
                                             KEY_ALL_ACCESS, &key));
    assert_nt_status(STATUS_SUCCESS, ZwSetValueKey(key, &value, 0, REG_DWORD, &v, sizeof(v)));
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_string(sys, ENUM_KEY, "Driver", drv, sizeof(drv), NULL));
    assert_string_equal(drv, "{4d36e97d-e325-11ce-bfc1-08002be10318}\\0000");
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_dword(sys, CLASS_SYSTEM "\\0000", "Tuning", &got));
    assert_int_equal(got, 1);
    assert_nt_status(
        STATUS_SUCCESS,
        IoOpenDeviceRegistryKey(pnpsim_device_pdo(d1), PLUGPLAY_REGKEY_DRIVER, KEY_READ, &key));
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
    assert_true(pnpsim_registry_key_exists(sys, CLASS_SYSTEM "\\0001"));
    assert_nt_status(
        STATUS_SUCCESS,
        IoOpenDeviceRegistryKey(pnpsim_device_pdo(d0), PLUGPLAY_REGKEY_DRIVER, KEY_READ, &key));
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
    assert_false(pnpsim_registry_key_exists(sys, CLASS_SYSTEM "\\0002"));
    /* Uninstalling the device deletes its software key with its hardware key. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_uninstall(d0));
    assert_false(pnpsim_registry_key_exists(sys, CLASS_SYSTEM "\\0000"));
    assert_false(pnpsim_registry_key_exists(sys, ENUM_KEY));
    assert_true(pnpsim_registry_key_exists(sys, CLASS_SYSTEM "\\0001"));
}

/* An illegal set of flags or a device object that is not a PDO -> STATUS_INVALID_PARAMETER
 * (IoOpenDeviceRegistryKey page); the handle is NULL. */
static void test_iface_keys__device_key_bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(dev);
    HANDLE key = (HANDLE)1;
    static const ULONG bad_flags[] = {0, PLUGPLAY_REGKEY_DEVICE | PLUGPLAY_REGKEY_DRIVER,
                                      PLUGPLAY_REGKEY_CURRENT_HWPROFILE,
                                      PLUGPLAY_REGKEY_DEVICE | 8};
    for (size_t k = 0; k < sizeof(bad_flags) / sizeof(bad_flags[0]); k++) {
        key = (HANDLE)1;
        assert_nt_status(STATUS_INVALID_PARAMETER,
                         IoOpenDeviceRegistryKey(pdo, bad_flags[k], KEY_READ, &key));
        assert_null(key);
    }
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoOpenDeviceRegistryKey(NULL, PLUGPLAY_REGKEY_DEVICE, KEY_READ, &key));
}

/* IoOpenDeviceRegistryKey on a function device object (not the PDO) ->
 * STATUS_INVALID_PARAMETER (IoOpenDeviceRegistryKey page; the docs name "not a valid PDO"). */
static void test_iface_keys__device_key_on_fdo_is_invalid_parameter(void **state);

/* ======================================================================================
 * Interface properties (§6.3)
 * ==================================================================================== */

/* §13 items 16 and 33 (WT-ntos, WT-cfg): Enabled is a 1-byte DEVPROP_TYPE_BOOLEAN,
 * DEVPROP_TRUE (0xFF) when enabled, DEVPROP_FALSE when not; a size probe gives
 * STATUS_BUFFER_TOO_SMALL with the size and the type (IoGetDeviceInterfacePropertyData). */
static void test_iface_keys__enabled_property_is_one_byte_boolean(void **state)
{
    pnpsim_device *dev = make_dev(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL);
    DEVPROP_BOOLEAN b = 0x55;
    ULONG need = 0;
    DEVPROPTYPE type = 0;
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_Enabled,
                                                      LOCALE_NEUTRAL, 0, 0, NULL, &need, &type));
    assert_int_equal(need, 1);
    assert_int_equal(type, DEVPROP_TYPE_BOOLEAN);
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_Enabled,
                                                      LOCALE_NEUTRAL, 0, 1, &b, &need, &type));
    assert_int_equal((UCHAR)b, (UCHAR)DEVPROP_FALSE);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_Enabled, 0x409,
                                                      0, 1, &b, &need, &type));
    assert_int_equal((UCHAR)b, 0xFF);
    assert_int_equal(need, 1);
    assert_int_equal(type, DEVPROP_TYPE_BOOLEAN);
    RtlFreeUnicodeString(&a);
}

/* §13 item 33: ClassGuid is a 16-byte DEVPROP_TYPE_GUID equal to the class; §6.3 (WT-cfg):
 * DEVPKEY_Device_InstanceId is the owner's instance ID as a DEVPROP_TYPE_STRING (stored
 * case), with a one-short buffer giving STATUS_BUFFER_TOO_SMALL. ReferenceString is the
 * reference string. */
static void test_iface_keys__class_guid_instance_id_reference_properties(void **state)
{
    pnpsim_device *dev = make_dev(TSYS(state), "ROOT\\WineTest", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C2, L"Ref");
    GUID g;
    WCHAR s[64];
    ULONG need = 0;
    DEVPROPTYPE type = 0;
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfacePropertyData(
                                         &a, &DEVPKEY_DeviceInterface_ClassGuid, LOCALE_NEUTRAL, 0,
                                         sizeof(g), &g, &need, &type));
    assert_int_equal(type, DEVPROP_TYPE_GUID);
    assert_int_equal(need, 16);
    assert_true(IsEqualGUID(&g, &GUID_KEYS_C2));
    assert_nt_status(
        STATUS_BUFFER_TOO_SMALL,
        IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                         sizeof(L"ROOT\\WineTest\\0") - 2, s, &need, &type));
    assert_int_equal(need, sizeof(L"ROOT\\WineTest\\0"));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfacePropertyData(
                                         &a, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                         sizeof(s), s, &need, &type));
    assert_memory_equal(s, L"ROOT\\WineTest\\0", sizeof(L"ROOT\\WineTest\\0"));
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfacePropertyData(
                                         &a, &DEVPKEY_DeviceInterface_ReferenceString,
                                         LOCALE_NEUTRAL, 0, sizeof(s), s, &need, &type));
    assert_memory_equal(s, L"Ref", sizeof(L"Ref"));
    RtlFreeUnicodeString(&a);
}

/* FriendlyName is read/write and kept in the instance key's FriendlyName value
 * (I-PK-friendlyname); absent -> STATUS_OBJECT_NAME_NOT_FOUND (choice); Data NULL deletes. */
static void test_iface_keys__friendly_name_round_trip(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL);
    static const WCHAR fn[] = L"My Port";
    WCHAR s[32];
    char utf8[32];
    ULONG need = 5;
    DEVPROPTYPE type = 5;
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_FriendlyName,
                                                      LOCALE_NEUTRAL, 0, sizeof(s), s, &need,
                                                      &type));
    assert_int_equal(need, 0);
    assert_int_equal(type, DEVPROP_TYPE_EMPTY);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfacePropertyData(
                                         &a, &DEVPKEY_DeviceInterface_FriendlyName, LOCALE_NEUTRAL,
                                         0, DEVPROP_TYPE_STRING, sizeof(fn), (PVOID)fn));
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfacePropertyData(
                                         &a, &DEVPKEY_DeviceInterface_FriendlyName, LOCALE_NEUTRAL,
                                         0, sizeof(s), s, &need, &type));
    assert_int_equal(need, sizeof(fn));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_memory_equal(s, fn, sizeof(fn));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_string(sys, DEV_KEY "\\#", "FriendlyName",
                                                                utf8, sizeof(utf8), NULL));
    assert_string_equal(utf8, "My Port");
    /* Wrong type, missing NUL -> STATUS_INVALID_PARAMETER. */
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_FriendlyName,
                                                      LOCALE_NEUTRAL, 0, DEVPROP_TYPE_UINT32, 4,
                                                      (PVOID)fn));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_FriendlyName,
                                                      LOCALE_NEUTRAL, 0, DEVPROP_TYPE_STRING, 4,
                                                      (PVOID)fn));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfacePropertyData(
                                         &a, &DEVPKEY_DeviceInterface_FriendlyName, LOCALE_NEUTRAL,
                                         0, DEVPROP_TYPE_STRING, 0, NULL));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_FriendlyName,
                                                      LOCALE_NEUTRAL, 0, sizeof(s), s, &need,
                                                      &type));
    RtlFreeUnicodeString(&a);
}

/* Read-only keys -> STATUS_ACCESS_DENIED (choice: §14); invalid LCID -> STATUS_UNSUCCESSFUL
 * (both pages); unknown name -> STATUS_OBJECT_NAME_NOT_FOUND (as Wine); malformed name,
 * NULL outputs, nonzero reserved Flags, unknown Set flags -> STATUS_INVALID_PARAMETER. */
static void test_iface_keys__property_statuses(void **state)
{
    pnpsim_device *dev = make_dev(TSYS(state), "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL), unknown, bad;
    DEVPROP_BOOLEAN b = DEVPROP_TRUE;
    GUID g = GUID_KEYS_C1;
    ULONG need;
    DEVPROPTYPE type;
    UCHAR buf[16];
    RtlInitUnicodeString(&unknown, L"\\??\\X#{deadbeef-29ef-4538-a5fd-b69573a362c0}");
    RtlInitUnicodeString(&bad, L"\\??\\X");
    assert_nt_status(STATUS_ACCESS_DENIED, IoSetDeviceInterfacePropertyData(
                                               &a, &DEVPKEY_DeviceInterface_Enabled, LOCALE_NEUTRAL,
                                               0, DEVPROP_TYPE_BOOLEAN, 1, &b));
    assert_nt_status(STATUS_ACCESS_DENIED, IoSetDeviceInterfacePropertyData(
                                               &a, &DEVPKEY_DeviceInterface_ClassGuid,
                                               LOCALE_NEUTRAL, 0, DEVPROP_TYPE_GUID, 16, &g));
    assert_nt_status(STATUS_ACCESS_DENIED, IoSetDeviceInterfacePropertyData(
                                               &a, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                               DEVPROP_TYPE_STRING, 0, NULL));
    assert_nt_status(STATUS_UNSUCCESSFUL, IoGetDeviceInterfacePropertyData(
                                              &a, &DEVPKEY_DeviceInterface_Enabled,
                                              LOCALE_SYSTEM_DEFAULT, 0, 1, buf, &need, &type));
    assert_nt_status(STATUS_UNSUCCESSFUL,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_USER_DEFAULT,
                                                      0, DEVPROP_TYPE_BOOLEAN, 1, &b));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceInterfacePropertyData(&unknown, &DEVPKEY_DeviceInterface_Enabled,
                                                      LOCALE_NEUTRAL, 0, 1, buf, &need, &type));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoSetDeviceInterfacePropertyData(&unknown, &DEVPKEY_Keys_Custom,
                                                      LOCALE_NEUTRAL, 0, DEVPROP_TYPE_BOOLEAN, 1,
                                                      &b));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceInterfacePropertyData(&bad, &DEVPKEY_DeviceInterface_Enabled,
                                                      LOCALE_NEUTRAL, 0, 1, buf, &need, &type));
    assert_nt_status(
        STATUS_INVALID_PARAMETER,
        IoGetDeviceInterfacePropertyData(&a, NULL, LOCALE_NEUTRAL, 0, 1, buf, &need, &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_Enabled,
                                                      LOCALE_NEUTRAL, 0, 1, buf, NULL, &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_Enabled,
                                                      LOCALE_NEUTRAL, 0, 1, NULL, &need, &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_Enabled,
                                                      LOCALE_NEUTRAL, 1, 1, buf, &need, &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL, 2,
                                                      DEVPROP_TYPE_BOOLEAN, 1, &b));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL, 0,
                                                      DEVPROP_TYPE_BOOLEAN, 2, buf));
    assert_nt_status(
        STATUS_INVALID_PARAMETER,
        IoSetDeviceInterfacePropertyData(&a, NULL, LOCALE_NEUTRAL, 0, DEVPROP_TYPE_BOOLEAN, 1, &b));
    RtlFreeUnicodeString(&a);
}

/* Other keys are kept per (key, LCID): LOCALE_NEUTRAL and a language are distinct values;
 * PLUGPLAY_PROPERTY_PERSISTENT survives a reboot, 0 does not (IoSetDeviceInterface-
 * PropertyData page). */
static void test_iface_keys__custom_property_lcid_and_persistence(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL);
    ULONG v1 = 1, v2 = 2, got = 0, need = 0;
    DEVPROPTYPE type = 0;
    assert_nt_status(STATUS_SUCCESS,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL,
                                                      PLUGPLAY_PROPERTY_PERSISTENT,
                                                      DEVPROP_TYPE_UINT32, 4, &v1));
    assert_nt_status(STATUS_SUCCESS,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, 0x409,
                                                      PLUGPLAY_PROPERTY_PERSISTENT,
                                                      DEVPROP_TYPE_UINT32, 4, &v2));
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL, 0,
                                                      4, &got, &need, &type));
    assert_int_equal(got, 1);
    assert_int_equal(type, DEVPROP_TYPE_UINT32);
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, 0x409, 0, 4, &got,
                                                      &need, &type));
    assert_int_equal(got, 2);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, 0x407, 0, 4, &got,
                                                      &need, &type));
    /* A second key, not persistent. */
    {
        DEVPROPKEY k2 = DEVPKEY_Keys_Custom;
        k2.pid = 8;
        assert_nt_status(STATUS_SUCCESS,
                         IoSetDeviceInterfacePropertyData(&a, &k2, LOCALE_NEUTRAL, 0,
                                                          DEVPROP_TYPE_UINT32, 4, &v2));
        RtlFreeUnicodeString(&a);
        assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
        dev = make_dev(sys, "ROOT\\WINETEST", "0");
        a.Buffer = NULL;
        assert_nt_status(
            STATUS_OBJECT_NAME_EXISTS,
            IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &GUID_KEYS_C0, NULL, &a));
        assert_nt_status(
            STATUS_OBJECT_NAME_NOT_FOUND,
            IoGetDeviceInterfacePropertyData(&a, &k2, LOCALE_NEUTRAL, 0, 4, &got, &need, &type));
    }
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL, 0,
                                                      4, &got, &need, &type));
    assert_int_equal(got, 1);
    /* Delete. */
    assert_nt_status(STATUS_SUCCESS,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL, 0,
                                                      DEVPROP_TYPE_UINT32, 0, NULL));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL, 0,
                                                      4, &got, &need, &type));
    RtlFreeUnicodeString(&a);
}

/* Out of memory while setting: STATUS_INSUFFICIENT_RESOURCES and nothing set. */
static void test_iface_keys__set_property_out_of_memory_sets_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL);
    ULONG v = 9, got = 0, need = 0;
    DEVPROPTYPE type = 0;
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    unsigned long n;
    for (n = 1; n < 40 && st == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        st = IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL,
                                              PLUGPLAY_PROPERTY_PERSISTENT, DEVPROP_TYPE_UINT32, 4,
                                              &v);
        pnpsim_fault_clear(sys);
        if (st == STATUS_INSUFFICIENT_RESOURCES)
            assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                             IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom,
                                                              LOCALE_NEUTRAL, 0, 4, &got, &need,
                                                              &type));
    }
    assert_true(n > 2);
    assert_nt_status(STATUS_SUCCESS, st);
    RtlFreeUnicodeString(&a);
}

/* IoGetDeviceInterfacePropertyData is PASSIVE_LEVEL, IoSetDeviceInterfacePropertyData
 * <= APC_LEVEL (their pages): above that, a bug check. */
static void test_iface_keys__property_irql(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL);
    UCHAR buf[4];
    ULONG need, v = 1;
    DEVPROPTYPE type;
    KIRQL old;
    KeRaiseIrql(APC_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL,
                           IoGetDeviceInterfacePropertyData(&a, &DEVPKEY_DeviceInterface_Enabled,
                                                            LOCALE_NEUTRAL, 0, 1, buf, &need,
                                                            &type));
    /* APC_LEVEL is allowed for Set. */
    assert_nt_status(STATUS_SUCCESS,
                     IoSetDeviceInterfacePropertyData(&a, &DEVPKEY_Keys_Custom, LOCALE_NEUTRAL, 0,
                                                      DEVPROP_TYPE_UINT32, 4, &v));
    KeLowerIrql(old);
    RtlFreeUnicodeString(&a);
}

/* Alias and the key routines are PASSIVE_LEVEL (their pages): above it, a bug check. */
static void test_iface_keys__alias_and_keys_above_passive_bugcheck(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL), alias;
    HANDLE key = NULL;
    KIRQL old;
    KeRaiseIrql(APC_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL,
                           IoGetDeviceInterfaceAlias(&a, &GUID_KEYS_C2, &alias));
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL,
                           IoOpenDeviceInterfaceRegistryKey(&a, KEY_READ, &key));
    PNPSIM_EXPECT_BUGCHECK(
        sys, IRQL_NOT_LESS_OR_EQUAL,
        IoOpenDeviceRegistryKey(pnpsim_device_pdo(dev), PLUGPLAY_REGKEY_DEVICE, KEY_READ, &key));
    KeLowerIrql(old);
    RtlFreeUnicodeString(&a);
}

/* ======================================================================================
 * Opening an interface (IoGetDeviceObjectPointer; §2.4, §13 items 17, 25, 26)
 * ==================================================================================== */

typedef struct _OPENDRV_EXTENSION {
    PDEVICE_OBJECT Lower;
} OPENDRV_EXTENSION, *POPENDRV_EXTENSION;

static struct {
    ULONG Creates, Cleanups, Closes;
    WCHAR FileName[64];
    USHORT FileNameLength;
    PDEVICE_OBJECT Fdo;
} Opendrv;

static DRIVER_ADD_DEVICE OpendrvAddDevice;
static DRIVER_DISPATCH OpendrvPnp;
static DRIVER_DISPATCH OpendrvFile;

static NTSTATUS OpendrvEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = OpendrvPnp;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = OpendrvFile;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = OpendrvFile;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = OpendrvFile;
    DriverObject->DriverExtension->AddDevice = OpendrvAddDevice;
    return STATUS_SUCCESS;
}

static NTSTATUS OpendrvAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(OPENDRV_EXTENSION), NULL,
                                     FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ((POPENDRV_EXTENSION)fdo->DeviceExtension)->Lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    Opendrv.Fdo = fdo;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS OpendrvPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    POPENDRV_EXTENSION ext = (POPENDRV_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->Lower;
    NTSTATUS status;
    if (sp->MinorFunction == IRP_MN_START_DEVICE || sp->MinorFunction == IRP_MN_REMOVE_DEVICE ||
        sp->MinorFunction == IRP_MN_SURPRISE_REMOVAL ||
        sp->MinorFunction == IRP_MN_QUERY_REMOVE_DEVICE)
        Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(lower, Irp);
    if (sp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
    }
    return status;
}

static NTSTATUS OpendrvFile(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_CREATE) {
        Opendrv.Creates++;
        Opendrv.FileNameLength = sp->FileObject->FileName.Length;
        if (sp->FileObject->FileName.Length > 0 &&
            sp->FileObject->FileName.Length < sizeof(Opendrv.FileName))
            memcpy(Opendrv.FileName, sp->FileObject->FileName.Buffer,
                   sp->FileObject->FileName.Length);
    } else if (sp->MajorFunction == IRP_MJ_CLEANUP) {
        Opendrv.Cleanups++;
    } else {
        Opendrv.Closes++;
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static pnpsim_device *opendrv_started(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv = NULL;
    pnpsim_device *dev = NULL;
    RtlZeroMemory(&Opendrv, sizeof(Opendrv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "opendrv", OpendrvEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\WINETEST", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\WINETEST", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    return dev;
}

static void test_iface_keys__device_key_on_fdo_is_invalid_parameter(void **state)
{
    pnpsim_system *sys = TSYS(state);
    HANDLE key = (HANDLE)1;
    opendrv_started(sys);
    assert_non_null(Opendrv.Fdo);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoOpenDeviceRegistryKey(Opendrv.Fdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, &key));
    assert_null(key);
}

/* §2.4, §13 item 17: opening an enabled interface sends IRP_MJ_CREATE to the top of the
 * stack with the reference string as file name ("\Ref"); the routine returns the file
 * object and the top device object; ObDereferenceObject(file) sends cleanup and close.
 * A disabled interface cannot be opened: STATUS_OBJECT_NAME_NOT_FOUND (D-Set). */
static void test_iface_keys__open_enabled_interface_reaches_top_with_reference(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = opendrv_started(sys);
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, L"Ref"), user;
    PFILE_OBJECT file = NULL;
    PDEVICE_OBJECT top = NULL;
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceObjectPointer(&a, FILE_READ_DATA, &file, &top));
    assert_int_equal(Opendrv.Creates, 0);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    RtlInitUnicodeString(&user,
                         L"\\\\?\\ROOT#WINETEST#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}\\Ref");
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceObjectPointer(&user, FILE_READ_DATA, &file, &top));
    assert_ptr_equal(top, Opendrv.Fdo);
    assert_non_null(file);
    assert_int_equal(Opendrv.Creates, 1);
    assert_int_equal(Opendrv.FileNameLength, sizeof(L"\\Ref") - sizeof(WCHAR));
    assert_memory_equal(Opendrv.FileName, L"\\Ref", sizeof(L"\\Ref") - sizeof(WCHAR));
    assert_int_equal(pnpsim_device_open_count(dev), 1);
    ObDereferenceObject(file);
    assert_int_equal(Opendrv.Cleanups, 1);
    assert_int_equal(Opendrv.Closes, 1);
    assert_int_equal(pnpsim_device_open_count(dev), 0);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, FALSE));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceObjectPointer(&a, FILE_READ_DATA, &file, &top));
    RtlFreeUnicodeString(&a);
}

/* §1.3, §13 item 25: an interface opened before a surprise removal holds
 * IRP_MN_REMOVE_DEVICE back until the file is closed; the PnP manager disabled the
 * interface at surprise removal, so it cannot be opened again. §13 item 26: after the
 * device is uninstalled its old name opens nothing. */
static void test_iface_keys__open_handle_holds_remove_after_surprise_removal(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = opendrv_started(sys);
    UNICODE_STRING a = reg(dev, &GUID_KEYS_C0, NULL);
    PFILE_OBJECT file = NULL, f2 = NULL;
    PDEVICE_OBJECT top = NULL;
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceObjectPointer(&a, FILE_READ_DATA, &file, &top));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));
    assert_int_equal(pnpsim_device_get_state(dev), PNPSIM_DEVICE_SURPRISE_REMOVED);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceObjectPointer(&a, FILE_READ_DATA, &f2, &top));
    ObDereferenceObject(file);
    pnpsim_system_run_pending(sys);
    assert_int_not_equal(pnpsim_device_get_state(dev), PNPSIM_DEVICE_SURPRISE_REMOVED);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_uninstall(dev));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceObjectPointer(&a, FILE_READ_DATA, &f2, &top));
    RtlFreeUnicodeString(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_iface_keys__alias_same_device_same_reference),
        PNPSIM_TEST(test_iface_keys__alias_bad_arguments),
        PNPSIM_TEST(test_iface_keys__alias_out_of_memory),
        PNPSIM_TEST(test_iface_keys__interface_key_is_device_parameters),
        PNPSIM_TEST(test_iface_keys__interface_key_bad_arguments),
        PNPSIM_TEST(test_iface_keys__interface_key_out_of_memory),
        PNPSIM_TEST(test_iface_keys__device_key_is_enum_device_parameters),
        PNPSIM_TEST(test_iface_keys__driver_key_is_a_class_software_key),
        PNPSIM_TEST(test_iface_keys__device_key_bad_arguments),
        PNPSIM_TEST(test_iface_keys__device_key_on_fdo_is_invalid_parameter),
        PNPSIM_TEST(test_iface_keys__enabled_property_is_one_byte_boolean),
        PNPSIM_TEST(test_iface_keys__class_guid_instance_id_reference_properties),
        PNPSIM_TEST(test_iface_keys__friendly_name_round_trip),
        PNPSIM_TEST(test_iface_keys__property_statuses),
        PNPSIM_TEST(test_iface_keys__custom_property_lcid_and_persistence),
        PNPSIM_TEST(test_iface_keys__set_property_out_of_memory_sets_nothing),
        PNPSIM_TEST(test_iface_keys__property_irql),
        PNPSIM_TEST(test_iface_keys__alias_and_keys_above_passive_bugcheck),
        PNPSIM_TEST(test_iface_keys__open_enabled_interface_reaches_top_with_reference),
        PNPSIM_TEST(test_iface_keys__open_handle_holds_remove_after_surprise_removal),
    };
    return cmocka_run_group_tests_name("wdk_iface_keys", tests, NULL, NULL);
}
