/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of how device interface registrations are kept in the
 * registry store: the exact DeviceClasses layout of windows-semantics.md §2.3 (asserted
 * with the native registry API), the volatile Control\Linked enable state, survival across
 * pnpsim_system_reboot and across pnpsim_system_save / pnpsim_system_load (registrations
 * survive, enable state does not; a damaged file loads nothing), out of memory with the
 * state unchanged, and the devices' Enum keys with the parent's ParentIdPrefix value
 * (windows-semantics.md §1.2, §13 item 5).
 */
#include <stdio.h>
#include <string.h>

#include "pnpsim_test.h"

#include "drivers/simbus.h"

/* {deadbeef-29ef-4538-a5fd-b69573a362c0} and {...c2}: the classes of Wine's tests. */
static const GUID class_c0 = {
    0xdeadbeef, 0x29ef, 0x4538, {0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62, 0xc0}};
static const GUID class_c2 = {
    0xdeadbeef, 0x29ef, 0x4538, {0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62, 0xc2}};

#define DC "\\Registry\\Machine\\System\\CurrentControlSet\\Control\\DeviceClasses"
#define G0 "{deadbeef-29ef-4538-a5fd-b69573a362c0}"
#define G2 "{deadbeef-29ef-4538-a5fd-b69573a362c2}"
#define CLASS_KEY DC "\\" G0
#define DEV_KEY CLASS_KEY "\\##?#ROOT#WINETEST#0#" G0
#define INST_KEY DEV_KEY "\\#"
#define REF_KEY DEV_KEY "\\#Ref"
#define NAME0 "\\??\\ROOT#WINETEST#0#" G0
#define ENUM_KEY "\\Registry\\Machine\\System\\CurrentControlSet\\Enum"

/* ---- helpers ------------------------------------------------------------------------- */

static pnpsim_device *make_dev(pnpsim_system *sys, const char *id, const char *inst)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, id, inst, &dev));
    return dev;
}

/* Register (ref NULL: none) and return the name (caller frees). */
static UNICODE_STRING reg(pnpsim_device *dev, const GUID *g, const WCHAR *ref, NTSTATUS expect)
{
    UNICODE_STRING name, r;
    if (ref != NULL)
        RtlInitUnicodeString(&r, ref);
    assert_nt_status(expect, IoRegisterDeviceInterface(pnpsim_device_pdo(dev), g,
                                                       ref != NULL ? &r : NULL, &name));
    return name;
}

static void assert_string_value(pnpsim_system *sys, const char *key, const char *value,
                                const char *expected)
{
    char buf[512];
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_string(sys, key, value, buf, sizeof(buf), NULL));
    assert_string_equal(buf, expected);
}

static size_t count_class(pnpsim_system *sys, const GUID *g, unsigned flags)
{
    pnpsim_iface_list *l = NULL;
    size_t n;
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_class(sys, g, flags, &l));
    n = l->count;
    pnpsim_iface_list_free(sys, l);
    return n;
}

/* ======================================================================================
 * Layout
 * ==================================================================================== */

/* §2.3 (ROS-dif layout, WINE-pnp path building): class key, per-device key named like the
 * link with \??\ -> ##?#, DeviceInstance on it; per-instance key # / #<ref> with the
 * user-form SymbolicLink. Registration alone writes no Control key (not enabled). */
static void test_iface_persist__registration_layout_matches_windows(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    UNICODE_STRING b = reg(dev, &class_c0, L"Ref", STATUS_SUCCESS);
    uint32_t v = 7;

    assert_true(pnpsim_registry_key_exists(sys, CLASS_KEY));
    assert_string_value(sys, DEV_KEY, "DeviceInstance", "ROOT\\WINETEST\\0");
    assert_string_value(sys, INST_KEY, "SymbolicLink", "\\\\?\\ROOT#WINETEST#0#" G0);
    assert_string_value(sys, REF_KEY, "SymbolicLink", "\\\\?\\ROOT#WINETEST#0#" G0 "\\Ref");
    assert_false(pnpsim_registry_key_exists(sys, INST_KEY "\\Control"));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     pnpsim_registry_get_dword(sys, INST_KEY "\\Control", "Linked", &v));
    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
}

/* §2.3 and §4.1: enabling writes the volatile Control\Linked = 1, disabling Linked = 0. */
static void test_iface_persist__enable_state_is_control_linked(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    uint32_t v = 7;
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_dword(sys, INST_KEY "\\Control", "Linked", &v));
    assert_int_equal(v, 1);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, FALSE));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_dword(sys, INST_KEY "\\Control", "Linked", &v));
    assert_int_equal(v, 0);
    RtlFreeUnicodeString(&a);
}

/* Disabling never fails for memory: with every allocation failing, the interface is still
 * disabled and the registry does not claim it is linked. */
static void test_iface_persist__disable_out_of_memory_still_unlinks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    uint32_t v = 7;
    NTSTATUS st;
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    pnpsim_fault_alloc(sys, 1, 0);
    st = IoSetDeviceInterfaceState(&a, FALSE);
    pnpsim_fault_clear(sys);
    assert_nt_status(STATUS_SUCCESS, st);
    st = pnpsim_registry_get_dword(sys, INST_KEY "\\Control", "Linked", &v);
    assert_true(st == STATUS_OBJECT_NAME_NOT_FOUND || (st == STATUS_SUCCESS && v == 0));
    assert_int_equal(count_class(sys, &class_c0, 0), 0);
    RtlFreeUnicodeString(&a);
}

/* Out of memory at each allocation of a registration: nothing in the registry either
 * (class key absent), until the call has what it needs. */
static void test_iface_persist__register_out_of_memory_writes_no_key(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    UNICODE_STRING name;
    unsigned long n;
    for (n = 1; n < 200 && st == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        st = IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &class_c0, NULL, &name);
        pnpsim_fault_clear(sys);
        if (st == STATUS_INSUFFICIENT_RESOURCES) {
            assert_false(pnpsim_registry_key_exists(sys, CLASS_KEY));
            assert_int_equal(count_class(sys, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED), 0);
        }
    }
    assert_true(n > 4);
    assert_nt_status(STATUS_SUCCESS, st);
    assert_string_value(sys, INST_KEY, "SymbolicLink", "\\\\?\\ROOT#WINETEST#0#" G0);
    RtlFreeUnicodeString(&name);
}

/* Out of memory at each allocation of an enable: still disabled, no Linked value. */
static void test_iface_persist__enable_out_of_memory_writes_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    unsigned long n;
    uint32_t v;
    for (n = 1; n < 50 && st == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        st = IoSetDeviceInterfaceState(&a, TRUE);
        pnpsim_fault_clear(sys);
        if (st == STATUS_INSUFFICIENT_RESOURCES) {
            assert_int_equal(count_class(sys, &class_c0, 0), 0);
            assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                             pnpsim_registry_get_dword(sys, INST_KEY "\\Control", "Linked", &v));
        }
    }
    assert_true(n > 3);
    assert_nt_status(STATUS_SUCCESS, st);
    assert_int_equal(count_class(sys, &class_c0, 0), 1);
    RtlFreeUnicodeString(&a);
}

/* §1.3 (WT-sapi): uninstalling the device deletes its registrations (the device key goes,
 * the class key stays) and its Enum key. */
static void test_iface_persist__uninstall_deletes_the_keys(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    UNICODE_STRING b = reg(dev, &class_c0, L"Ref", STATUS_SUCCESS);
    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
    assert_true(pnpsim_registry_key_exists(sys, ENUM_KEY "\\ROOT\\WINETEST\\0"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_uninstall(dev));
    assert_false(pnpsim_registry_key_exists(sys, DEV_KEY));
    assert_false(pnpsim_registry_key_exists(sys, ENUM_KEY "\\ROOT\\WINETEST\\0"));
    assert_true(pnpsim_registry_key_exists(sys, CLASS_KEY));
    assert_int_equal(count_class(sys, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED), 0);
}

/* ======================================================================================
 * Reboot, save and load
 * ==================================================================================== */

/* §2.3, §3 item 3: after a reboot the registration is still in the registry and in the
 * indexes, the volatile Control key is gone, and registering again gives
 * STATUS_OBJECT_NAME_EXISTS with the same name. */
static void test_iface_persist__reboot_keeps_keys_drops_control(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    RtlFreeUnicodeString(&a);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
    assert_true(pnpsim_registry_key_exists(sys, INST_KEY));
    assert_false(pnpsim_registry_key_exists(sys, INST_KEY "\\Control"));
    assert_int_equal(count_class(sys, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED), 1);
    assert_int_equal(count_class(sys, &class_c0, 0), 0);
    dev = make_dev(sys, "ROOT\\WINETEST", "0");
    a = reg(dev, &class_c0, NULL, STATUS_OBJECT_NAME_EXISTS);
    RtlFreeUnicodeString(&a);
}

/* Save, then load into a new system: the registrations are there (same names, class,
 * reference strings, registry layout), none enabled; registering again on the new system
 * returns STATUS_OBJECT_NAME_EXISTS. */
static void test_iface_persist__save_load_round_trip_keeps_registrations(void **state)
{
    static const char file[] = "test_iface_persist_round_trip.reg";
    pnpsim_system *sys = TSYS(state), *sys2 = NULL;
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    pnpsim_iface_list *l = NULL;
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    UNICODE_STRING b = reg(dev, &class_c2, L"Ref", STATUS_SUCCESS);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_save(sys, file));

    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &sys2));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_load(sys2, file));
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_lookup(sys2, NAME0, &l));
    assert_int_equal(l->items[0].enabled, 0);
    assert_string_equal(l->items[0].instance_path, "ROOT\\WINETEST\\0");
    assert_null(l->items[0].reference);
    pnpsim_iface_list_free(sys2, l);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_lookup(sys2, "\\\\?\\root#winetest#0#" G2 "\\ref", &l));
    assert_string_equal(l->items[0].name, "\\??\\ROOT#WINETEST#0#" G2 "\\Ref");
    assert_string_equal(l->items[0].reference, "Ref");
    assert_true(IsEqualGUID(&l->items[0].class_guid, &class_c2));
    pnpsim_iface_list_free(sys2, l);
    assert_string_value(sys2, DEV_KEY, "DeviceInstance", "ROOT\\WINETEST\\0");
    assert_false(pnpsim_registry_key_exists(sys2, INST_KEY "\\Control"));

    pnpsim_system_enter(sys2);
    dev = make_dev(sys2, "ROOT\\WINETEST", "0");
    a = reg(dev, &class_c0, NULL, STATUS_OBJECT_NAME_EXISTS);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&a, TRUE));
    RtlFreeUnicodeString(&a);
    pnpsim_system_leave(sys2);
    pnpsim_system_destroy(sys2);
    remove(file);
}

/* Loading into the same system after a reboot (the documented use) works too. */
static void test_iface_persist__load_after_reboot(void **state)
{
    static const char file[] = "test_iface_persist_reboot.reg";
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    RtlFreeUnicodeString(&a);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_save(sys, file));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_load(sys, file));
    assert_int_equal(count_class(sys, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED), 1);
    remove(file);
}

/* A damaged (truncated) file loads nothing: the target's registrations and registry are
 * exactly as before. */
static void test_iface_persist__damaged_file_loads_nothing(void **state)
{
    static const char file[] = "test_iface_persist_damaged.reg";
    pnpsim_system *sys = TSYS(state), *sys2 = NULL;
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    char text[16384];
    size_t len;
    FILE *f;
    RtlFreeUnicodeString(&a);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_save(sys, file));
    f = fopen(file, "rb");
    assert_non_null(f);
    len = fread(text, 1, sizeof(text), f);
    fclose(f);
    assert_true(len > 100 && len < sizeof(text));
    f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len - 20, f), len - 20);
    fclose(f);

    /* The target: one registration of its own (kept across its reboot, which removes its
     * devices so that it may load) and a registry value. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &sys2));
    pnpsim_system_enter(sys2);
    dev = make_dev(sys2, "ROOT\\OTHER", "0");
    a = reg(dev, &class_c2, NULL, STATUS_SUCCESS);
    RtlFreeUnicodeString(&a);
    pnpsim_system_leave(sys2);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys2));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_string(sys2, DC "\\x", "v", "keep"));
    assert_nt_status(STATUS_FILE_CORRUPT_ERROR, pnpsim_system_load(sys2, file));
    assert_string_value(sys2, DC "\\x", "v", "keep");
    assert_false(pnpsim_registry_key_exists(sys2, DEV_KEY));
    assert_int_equal(count_class(sys2, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED), 0);
    assert_int_equal(count_class(sys2, &class_c2, PNPSIM_IFACE_INCLUDE_DISABLED), 1);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, pnpsim_system_load(sys2, "no-such-file.reg"));
    pnpsim_system_destroy(sys2);
    remove(file);
}

/* Loading into a system that has devices is refused (their drivers' view would no longer
 * match the registrations); bad arguments are refused. */
static void test_iface_persist__load_refuses_devices_and_bad_arguments(void **state)
{
    static const char file[] = "test_iface_persist_busy.reg";
    pnpsim_system *sys = TSYS(state);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_save(sys, file));
    make_dev(sys, "ROOT\\WINETEST", "0");
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_system_load(sys, file));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_load(sys, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_load(NULL, file));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_save(sys, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_save(NULL, file));
    remove(file);
}

/* Out of memory at each allocation of a load: nothing loaded, the old registrations and
 * registry intact; then it succeeds. */
static void test_iface_persist__load_out_of_memory_loads_nothing(void **state)
{
    static const char file[] = "test_iface_persist_oom.reg";
    pnpsim_system *sys = TSYS(state), *sys2 = NULL;
    pnpsim_device *dev = make_dev(sys, "ROOT\\WINETEST", "0");
    UNICODE_STRING a = reg(dev, &class_c0, NULL, STATUS_SUCCESS);
    UNICODE_STRING b = reg(dev, &class_c2, L"Ref", STATUS_SUCCESS);
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    unsigned long n;
    RtlFreeUnicodeString(&a);
    RtlFreeUnicodeString(&b);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_save(sys, file));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &sys2));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_string(sys2, DC "\\x", "v", "keep"));
    for (n = 1; n < 400 && st == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_fault_alloc(sys2, n, 1);
        st = pnpsim_system_load(sys2, file);
        pnpsim_fault_clear(sys2);
        if (st == STATUS_INSUFFICIENT_RESOURCES) {
            assert_string_value(sys2, DC "\\x", "v", "keep");
            assert_int_equal(count_class(sys2, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED), 0);
        }
    }
    assert_true(n > 3);
    assert_nt_status(STATUS_SUCCESS, st);
    assert_false(pnpsim_registry_key_exists(sys2, DC "\\x"));
    assert_int_equal(count_class(sys2, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED), 1);
    assert_int_equal(count_class(sys2, &class_c2, PNPSIM_IFACE_INCLUDE_DISABLED), 1);
    pnpsim_system_destroy(sys2);
    remove(file);
}

/* Keys under DeviceClasses without the Windows shape are ignored by a load. */
static void test_iface_persist__load_ignores_malformed_keys(void **state)
{
    static const char file[] = "test_iface_persist_malformed.reg";
    pnpsim_system *sys = TSYS(state), *sys2 = NULL;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_create_key(sys, DC "\\not-a-guid\\x\\#", false));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_create_key(sys, CLASS_KEY "\\##?#NOINST\\#", false));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_string(sys, CLASS_KEY "\\##?#BAD",
                                                                "DeviceInstance", "A B"));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_create_key(sys, CLASS_KEY "\\##?#BAD\\#", false));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_string(sys, CLASS_KEY "\\##?#OK",
                                                                "DeviceInstance", "ROOT\\OK\\0"));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_create_key(sys, CLASS_KEY "\\##?#OK\\noref", false));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_create_key(sys, CLASS_KEY "\\##?#OK\\#", false));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_save(sys, file));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &sys2));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_load(sys2, file));
    assert_int_equal(count_class(sys2, &class_c0, PNPSIM_IFACE_INCLUDE_DISABLED), 1);
    pnpsim_system_destroy(sys2);
    remove(file);
}

/* ======================================================================================
 * Enum keys
 * ==================================================================================== */

/* Identification writes the device's Enum key (bus-reported case) with its hardware IDs. */
static void test_iface_persist__identified_device_gets_enum_key(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char buf[64];
    size_t need = 0;
    make_dev(sys, "ROOT\\WineTest", "0");
    assert_true(pnpsim_registry_key_exists(sys, ENUM_KEY "\\ROOT\\WineTest\\0"));
    assert_nt_status(STATUS_OBJECT_TYPE_MISMATCH,
                     pnpsim_registry_get_string(sys, ENUM_KEY "\\ROOT\\WineTest\\0", "HardwareID",
                                                buf, sizeof(buf), &need));
}

/* §1.2, §13 item 5 (WT-pnp2): a child whose UniqueID is FALSE gets an instance ID made
 * with the parent's ParentIdPrefix, which is a REG_SZ value of the parent's Enum key: a
 * size probe reports STATUS_BUFFER_TOO_SMALL, and the data is non-empty and is what the
 * child's instance ID starts with. */
static void test_iface_persist__parent_id_prefix_is_in_parent_enum_key(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT bus_drv = NULL;
    pnpsim_device *bus = NULL, *child = NULL;
    char prefix[128], key[256];
    size_t need = 0;
    const char *inst;
    simbus_reset();
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "simbus", SimbusDriverEntry, &bus_drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\SIMBUS", bus_drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\SIMBUS", "0", &bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(bus));
    assert_nt_status(STATUS_SUCCESS,
                     simbus_plug_child(simbus_last_fdo(), L"Wine\\Test", L"1", FALSE));
    pnpsim_system_run_pending(sys);
    child = pnpsim_device_first_child(bus);
    assert_non_null(child);

    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     pnpsim_registry_get_string(sys, ENUM_KEY "\\ROOT\\SIMBUS\\0", "ParentIdPrefix",
                                                prefix, 1, &need));
    assert_true(need > 1);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_string(sys, ENUM_KEY "\\ROOT\\SIMBUS\\0", "ParentIdPrefix",
                                                prefix, sizeof(prefix), NULL));
    assert_true(strlen(prefix) > 0);
    inst = pnpsim_device_instance_id(child);
    assert_int_equal(strncmp(inst, prefix, strlen(prefix)), 0);
    assert_string_equal(inst + strlen(prefix), "&1");
    snprintf(key, sizeof(key), ENUM_KEY "\\Wine\\Test\\%s", inst);
    assert_true(pnpsim_registry_key_exists(sys, key));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_iface_persist__registration_layout_matches_windows),
        PNPSIM_TEST(test_iface_persist__enable_state_is_control_linked),
        PNPSIM_TEST(test_iface_persist__disable_out_of_memory_still_unlinks),
        PNPSIM_TEST(test_iface_persist__register_out_of_memory_writes_no_key),
        PNPSIM_TEST(test_iface_persist__enable_out_of_memory_writes_nothing),
        PNPSIM_TEST(test_iface_persist__uninstall_deletes_the_keys),
        PNPSIM_TEST(test_iface_persist__reboot_keeps_keys_drops_control),
        PNPSIM_TEST(test_iface_persist__save_load_round_trip_keeps_registrations),
        PNPSIM_TEST(test_iface_persist__load_after_reboot),
        PNPSIM_TEST(test_iface_persist__damaged_file_loads_nothing),
        PNPSIM_TEST(test_iface_persist__load_refuses_devices_and_bad_arguments),
        PNPSIM_TEST(test_iface_persist__load_out_of_memory_loads_nothing),
        PNPSIM_TEST(test_iface_persist__load_ignores_malformed_keys),
        PNPSIM_TEST(test_iface_persist__identified_device_gets_enum_key),
        PNPSIM_TEST(test_iface_persist__parent_id_prefix_is_in_parent_enum_key),
    };
    return cmocka_run_group_tests_name("core_iface_persist", tests, NULL, NULL);
}
