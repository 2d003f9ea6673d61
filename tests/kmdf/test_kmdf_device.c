/* SPDX-License-Identifier: MIT */
/*
 * This file tests pnpsim's KMDF framework objects, drivers and devices: the object model
 * (contexts, parent/child deletion, references, WDF_VIOLATION on bad handles), WdfDriverCreate,
 * WdfDeviceCreate, the PnP/power callbacks in KMDF's documented order on start, stop,
 * orderly removal and surprise removal, and device interfaces created by a framework
 * device (windows-semantics.md §10.4).
 */
#include <stdlib.h>
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/verifier.h>
#include <wdf.h>

#include "drivers/kmdf_lifecycle.h"

#define HWID "ROOT\\KMDFLIFE"

typedef struct life {
    pnpsim_system *sys;
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
} life;

static life setup_life(void **state, KMDF_LIFECYCLE_MODE mode)
{
    life l;
    l.sys = TSYS(state);
    kmdf_lifecycle_reset(mode);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(l.sys, "kmdflife", KmdfLifecycleDriverEntry, &l.drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(l.sys, HWID, l.drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(l.sys, NULL, HWID, "0", &l.dev));
    return l;
}

/* How many interfaces of the test class are enabled (include_disabled: registered). */
static size_t count_ifaces(pnpsim_system *sys, int include_disabled)
{
    pnpsim_iface_list *list = NULL;
    size_t n;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_list_class(sys, &GUID_KMDF_LIFECYCLE_INTERFACE,
                                             include_disabled ? PNPSIM_IFACE_INCLUDE_DISABLED : 0,
                                             &list));
    n = list->count;
    pnpsim_iface_list_free(sys, list);
    return n;
}

static const pnpsim_verifier_violation *last_violation(pnpsim_system *sys, const char *rule)
{
    size_t n = 0;
    const pnpsim_verifier_violation *v = pnpsim_verifier_violations(sys, &n);
    while (n > 0) {
        n--;
        if (strcmp(v[n].rule, rule) == 0)
            return &v[n];
    }
    return NULL;
}

/* "A User Plugs in a Device" / "Power-Up Sequence for a Function or Filter Driver":
 * EvtDriverDeviceAdd, EvtDevicePrepareHardware, EvtDeviceD0Entry(WdfPowerDeviceD3Final),
 * EvtDeviceSelfManagedIoInit; the interface is enabled once the device started (§10.4). */
static void test_kmdf__start_calls_the_callbacks_in_kmdf_order_and_enables_the_interface(
    void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    assert_int_equal(count_ifaces(l.sys, 1), 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    assert_string_equal(kmdf_lifecycle_log(),
                        "DeviceAdd,PrepareHardware,D0Entry(D3Final),SelfManagedIoInit");
    assert_int_equal(count_ifaces(l.sys, 0), 1);
    assert_int_equal(WdfDeviceGetDevicePnpState(kmdf_lifecycle_device()), WdfDevStatePnpStarted);
    assert_ptr_equal(WdfDeviceWdmGetPhysicalDevice(kmdf_lifecycle_device()),
                     pnpsim_device_pdo(l.dev));
    assert_ptr_equal(WdfDeviceWdmGetAttachedDevice(kmdf_lifecycle_device()),
                     pnpsim_device_pdo(l.dev));
    assert_ptr_equal(WdfWdmDeviceGetWdfDeviceHandle(pnpsim_device_top(l.dev)),
                     kmdf_lifecycle_device());
    assert_null(WdfWdmDeviceGetWdfDeviceHandle(pnpsim_device_pdo(l.dev)));
    assert_ptr_equal(WdfDriverWdmGetDriverObject(WdfDeviceGetDriver(kmdf_lifecycle_device())),
                     l.drv);
    assert_ptr_equal(WdfWdmDriverGetWdfDriverHandle(l.drv), WdfGetDriver());
}

/* "A User Unplugs a Device", orderly removal: EvtDeviceQueryRemove, then suspend, D0 exit
 * to WdfPowerDeviceD3Final, release, flush, cleanup; the interface is disabled and the
 * device deleted (context cleanup, then destroy). */
static void test_kmdf__orderly_removal_runs_the_power_down_sequence_and_disables(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    kmdf_lifecycle_reset(KmdfLifecycleNormal);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(l.dev));
    assert_string_equal(kmdf_lifecycle_log(),
                        "QueryRemove,SelfManagedIoSuspend,D0Exit(D3Final),ReleaseHardware,"
                        "SelfManagedIoFlush,SelfManagedIoCleanup,ContextCleanup,ContextDestroy");
    assert_int_equal(count_ifaces(l.sys, 0), 0);
    assert_int_equal(count_ifaces(l.sys, 1), 1); /* still registered */
    assert_int_equal(kmdf_lifecycle_cleanups(), 1);
    assert_int_equal(kmdf_lifecycle_destroys(), 1);
}

/* "A User Unplugs a Device", surprise removal: EvtDeviceSurpriseRemoval first, then the
 * power-down sequence; flush and cleanup when IRP_MN_REMOVE_DEVICE arrives. */
static void test_kmdf__surprise_removal_calls_surprise_removal_first(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    kmdf_lifecycle_reset(KmdfLifecycleNormal);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(l.dev));
    assert_string_equal(kmdf_lifecycle_log(),
                        "SurpriseRemoval,SelfManagedIoSuspend,D0Exit(D3Final),ReleaseHardware,"
                        "SelfManagedIoFlush,SelfManagedIoCleanup,ContextCleanup,ContextDestroy");
    assert_int_equal(count_ifaces(l.sys, 0), 0);
}

/* Stop (rebalance) and restart: the hardware is released and prepared again, self-managed
 * I/O is suspended and restarted (not initialized again); interfaces keep their state
 * (§10.4: "Power changes and rebalance do not change interface state"). */
static void test_kmdf__stop_and_restart_keep_the_interface_enabled(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    kmdf_lifecycle_reset(KmdfLifecycleNormal);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_stop(l.dev));
    assert_string_equal(kmdf_lifecycle_log(),
                        "SelfManagedIoSuspend,D0Exit(D3Final),ReleaseHardware");
    assert_int_equal(count_ifaces(l.sys, 0), 1);
    kmdf_lifecycle_reset(KmdfLifecycleNormal);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    assert_string_equal(kmdf_lifecycle_log(),
                        "PrepareHardware,D0Entry(D3Final),SelfManagedIoRestart");
    assert_int_equal(count_ifaces(l.sys, 0), 1);
}

/* "A Device Enters a Low-Power State" / "...Returns to the Working State": a device power
 * IRP to D3 suspends self-managed I/O and exits D0 with the target state; back to D0 enters
 * D0 with the previous state and restarts self-managed I/O. Interfaces are untouched. */
static void test_kmdf__device_power_irps_drive_d0_exit_and_entry(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    POWER_STATE ps;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    kmdf_lifecycle_reset(KmdfLifecycleNormal);
    ps.DeviceState = PowerDeviceD3;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(l.dev, IRP_MN_SET_POWER, DevicePowerState, ps));
    assert_string_equal(kmdf_lifecycle_log(), "SelfManagedIoSuspend,D0Exit(D3)");
    assert_int_equal(pnpsim_device_power_state(pnpsim_device_top(l.dev), DevicePowerState)
                         .DeviceState,
                     PowerDeviceD3);
    assert_int_equal(count_ifaces(l.sys, 0), 1);
    ps.DeviceState = PowerDeviceD0;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(l.dev, IRP_MN_SET_POWER, DevicePowerState, ps));
    assert_string_equal(kmdf_lifecycle_log(),
                        "SelfManagedIoSuspend,D0Exit(D3),D0Entry(D3),SelfManagedIoRestart");
    assert_int_equal(pnpsim_device_power_state(pnpsim_device_top(l.dev), DevicePowerState)
                         .DeviceState,
                     PowerDeviceD0);
}

/* "WdfDeviceSetFailed": the framework reports PNP_DEVICE_FAILED; the PnP manager tears the
 * device down (pnpsim: surprise removal, README "KMDF") and the interface goes away. */
static void test_kmdf__set_failed_tears_the_device_down(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    WDFDEVICE device;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    device = kmdf_lifecycle_device();
    kmdf_lifecycle_reset(KmdfLifecycleNormal);
    WdfDeviceSetFailed(device, WdfDeviceFailedNoRestart);
    pnpsim_system_run_pending(l.sys);
    assert_non_null(strstr(kmdf_lifecycle_log(), "SurpriseRemoval"));
    assert_int_equal(count_ifaces(l.sys, 0), 0);
    assert_int_not_equal(pnpsim_device_get_state(l.dev), PNPSIM_DEVICE_STARTED);
}

/* A failed EvtDevicePrepareHardware fails the start; KMDF releases the hardware it did
 * not get, the device is removed and the interface never enabled. */
static void test_kmdf__failed_prepare_hardware_fails_the_start(void **state)
{
    life l = setup_life(state, KmdfLifecycleFailPrepareHardware);
    assert_nt_status(STATUS_DEVICE_NOT_READY, pnpsim_device_start(l.dev));
    assert_string_equal(kmdf_lifecycle_log(),
                        "DeviceAdd,PrepareHardware,ReleaseHardware,ContextCleanup,ContextDestroy");
    assert_int_equal(count_ifaces(l.sys, 0), 0);
}

static void test_kmdf__failed_d0_entry_releases_the_hardware(void **state)
{
    life l = setup_life(state, KmdfLifecycleFailD0Entry);
    assert_nt_status(STATUS_DEVICE_POWER_FAILURE, pnpsim_device_start(l.dev));
    assert_string_equal(kmdf_lifecycle_log(), "DeviceAdd,PrepareHardware,D0Entry(D3Final),"
                                              "ReleaseHardware,ContextCleanup,ContextDestroy");
    assert_int_equal(count_ifaces(l.sys, 0), 0);
}

/* §10.4: WdfDeviceSetDeviceInterfaceState(FALSE) before start leaves auto-enable set: the
 * interface is enabled at start anyway. */
static void test_kmdf__set_state_false_before_start_does_not_stop_auto_enable(void **state)
{
    life l = setup_life(state, KmdfLifecycleDisableBeforeStart);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    assert_int_equal(count_ifaces(l.sys, 0), 1);
}

/* §10.4: the Ex variant always clears auto-enable: FALSE before start keeps it disabled;
 * the driver can enable it later. */
static void test_kmdf__set_state_ex_false_before_start_keeps_it_disabled(void **state)
{
    life l = setup_life(state, KmdfLifecycleDisableExBeforeStart);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    assert_int_equal(count_ifaces(l.sys, 0), 0);
    assert_int_equal(count_ifaces(l.sys, 1), 1);
    WdfDeviceSetDeviceInterfaceState(kmdf_lifecycle_device(), &GUID_KMDF_LIFECYCLE_INTERFACE,
                                     NULL, TRUE);
    assert_int_equal(count_ifaces(l.sys, 0), 1);
    /* No such interface (another reference string): nothing happens. */
    {
        UNICODE_STRING ref;
        RtlInitUnicodeString(&ref, L"other");
        WdfDeviceSetDeviceInterfaceState(kmdf_lifecycle_device(),
                                         &GUID_KMDF_LIFECYCLE_INTERFACE, &ref, FALSE);
    }
    assert_int_equal(count_ifaces(l.sys, 0), 1);
}

/* §10.4 WdfDeviceRetrieveDeviceInterfaceString: the kernel-form name of a registered
 * interface; STATUS_OBJECT_NAME_NOT_FOUND for an interface the device does not have. */
static void test_kmdf__retrieve_interface_string(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    static const GUID other = {0x11111111, 0x2222, 0x3333, {4, 4, 5, 5, 6, 6, 7, 7}};
    pnpsim_iface_list *list = NULL;
    UNICODE_STRING u;
    WDFSTRING s;
    char name[200];
    size_t i;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    assert_nt_status(STATUS_SUCCESS, WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &s));
    assert_nt_status(STATUS_SUCCESS,
                     WdfDeviceRetrieveDeviceInterfaceString(
                         kmdf_lifecycle_device(), &GUID_KMDF_LIFECYCLE_INTERFACE, NULL, s));
    WdfStringGetUnicodeString(s, &u);
    assert_true(u.Length / 2 < sizeof(name));
    for (i = 0; i < u.Length / 2; i++)
        name[i] = (char)u.Buffer[i];
    name[i] = '\0';
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_list_class(l.sys, &GUID_KMDF_LIFECYCLE_INTERFACE, 0, &list));
    assert_int_equal(list->count, 1);
    assert_string_equal(name, list->items[0].name);
    pnpsim_iface_list_free(l.sys, list);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     WdfDeviceRetrieveDeviceInterfaceString(kmdf_lifecycle_device(), &other,
                                                            NULL, s));
    WdfObjectDelete(s);
}

/* EvtDeviceQueryRemove failing vetoes the removal: the device stays started. */
static void test_kmdf__query_remove_veto_keeps_the_device(void **state)
{
    life l = setup_life(state, KmdfLifecycleVetoQueryRemove);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    assert_false(NT_SUCCESS(pnpsim_device_remove(l.dev)));
    assert_int_equal(pnpsim_device_get_state(l.dev), PNPSIM_DEVICE_STARTED);
    assert_int_equal(count_ifaces(l.sys, 0), 1);
}

/* Bug check 0x10D parameter 1 0xE: a callback returned at another IRQL than it was called. */
static void test_kmdf__callback_returning_at_raised_irql_is_wdf_violation_0xE(void **state)
{
    life l = setup_life(state, KmdfLifecycleRaiseIrqlInD0Entry);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(l.sys, "WdfCallbackIrqlMismatch", PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    v = last_violation(l.sys, "WdfCallbackIrqlMismatch");
    assert_non_null(v);
    assert_int_equal(v->code, WDF_VIOLATION);
    assert_int_equal(v->parameters[0], WDF_VERIFIER_IRQL_MISMATCH);
    assert_int_equal(v->parameters[1], PASSIVE_LEVEL);
    assert_int_equal(v->parameters[2], DISPATCH_LEVEL);
}

/* A device created by an EvtDriverDeviceAdd that then fails is deleted by the framework. */
static void test_kmdf__failed_device_add_deletes_the_created_device(void **state)
{
    life l = setup_life(state, KmdfLifecycleFailDeviceAdd);
    assert_false(NT_SUCCESS(pnpsim_device_start(l.dev)));
    assert_int_equal(kmdf_lifecycle_cleanups(), 1);
    assert_int_equal(kmdf_lifecycle_destroys(), 1);
}

/* Bug check 0x10D: parameter 1 0x4 for a NULL handle, 0x5 (with the handle as parameter 2)
 * for a handle of the wrong type or one that is not a framework object. */
static void test_kmdf__bad_handles_bug_check_wdf_violation(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    WDFDRIVER drv;
    int not_a_handle = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    drv = WdfDeviceGetDriver(kmdf_lifecycle_device());
    ((pnpsim_test_fixture *)*state)->allow_pool_leaks = 1; /* a caught bug check stops teardown */
    PNPSIM_EXPECT_BUGCHECK(l.sys, WDF_VIOLATION, WdfDeviceWdmGetDeviceObject(NULL));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_REQUIRED_PARAMETER_IS_NULL);
    PNPSIM_EXPECT_BUGCHECK(l.sys, WDF_VIOLATION, WdfDeviceWdmGetDeviceObject((WDFDEVICE)drv));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_INVALID_HANDLE);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)drv);
    PNPSIM_EXPECT_BUGCHECK(l.sys, WDF_VIOLATION,
                           WdfDeviceWdmGetDeviceObject((WDFDEVICE)&not_a_handle));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_INVALID_HANDLE);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)&not_a_handle);
}

/* DDI rule DriverCreate: WdfDriverCreate belongs in DriverEntry. */
static void test_kmdf__driver_create_outside_driver_entry_is_reported(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    WDF_DRIVER_CONFIG config;
    const pnpsim_verifier_violation *v;
    WDF_DRIVER_CONFIG_INIT(&config, NULL);
    pnpsim_verifier_set_mode(l.sys, "DriverCreate", PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_INVALID_DEVICE_STATE,
                     WdfDriverCreate(l.drv, NULL, WDF_NO_OBJECT_ATTRIBUTES, &config, NULL));
    v = last_violation(l.sys, "DriverCreate");
    assert_non_null(v);
    assert_int_equal(v->parameters[0], PNPSIM_WDF_DRIVER_CREATE);
}

/* KmdfIrql: WdfDeviceCreateDeviceInterface is PASSIVE_LEVEL only; KMDF fails the call with
 * STATUS_INVALID_DEVICE_REQUEST ("WdfDeviceCreateDeviceInterface", Return value). */
static void test_kmdf__interface_ddi_above_passive_is_kmdf_irql(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    const pnpsim_verifier_violation *v;
    KIRQL old;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(l.dev));
    pnpsim_verifier_set_mode(l.sys, "KmdfIrql", PNPSIM_VERIFIER_RECORD);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     WdfDeviceCreateDeviceInterface(kmdf_lifecycle_device(),
                                                    &GUID_KMDF_LIFECYCLE_INTERFACE, NULL));
    KeLowerIrql(old);
    v = last_violation(l.sys, "KmdfIrql");
    assert_non_null(v);
    assert_int_equal(v->parameters[0], PNPSIM_WDF_IRQL_TOO_HIGH);
    assert_int_equal(v->parameters[1], DISPATCH_LEVEL);
    assert_int_equal(v->parameters[2], PASSIVE_LEVEL);
    assert_int_equal(count_ifaces(l.sys, 1), 1);
}

/* ---- the object model ------------------------------------------------------------------ */

typedef struct _OBJ_CONTEXT {
    int Id;
} OBJ_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE(OBJ_CONTEXT)

typedef struct _OTHER_CONTEXT {
    char Tag[8];
} OTHER_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(OTHER_CONTEXT, GetOther)

static char ObjLog[256];

static VOID ObjCleanup(WDFOBJECT Object)
{
    char one[16];
    snprintf(one, sizeof(one), "c%d,", WdfObjectGet_OBJ_CONTEXT(Object)->Id);
    strcat(ObjLog, one);
}

static VOID ObjDestroy(WDFOBJECT Object)
{
    char one[16];
    snprintf(one, sizeof(one), "d%d,", WdfObjectGet_OBJ_CONTEXT(Object)->Id);
    strcat(ObjLog, one);
}

static WDFOBJECT make_obj(WDFOBJECT parent, int id)
{
    WDF_OBJECT_ATTRIBUTES a;
    WDFOBJECT o = NULL;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, OBJ_CONTEXT);
    a.ParentObject = parent;
    a.EvtCleanupCallback = ObjCleanup;
    a.EvtDestroyCallback = ObjDestroy;
    assert_nt_status(STATUS_SUCCESS, WdfObjectCreate(&a, &o));
    WdfObjectGet_OBJ_CONTEXT(o)->Id = id;
    return o;
}

/* "Framework Object Life Cycle": deleting a parent deletes its children first; cleanup
 * when deletion starts, destroy when the last reference goes. */
static void test_kmdf__deleting_a_parent_deletes_children_first(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    WDFOBJECT p, c1, c2;
    (void)l;
    ObjLog[0] = '\0';
    p = make_obj(NULL, 1);
    c1 = make_obj(p, 2);
    c2 = make_obj(c1, 3);
    (void)c2;
    WdfObjectDelete(p);
    assert_string_equal(ObjLog, "c3,d3,c2,d2,c1,d1,");
}

/* A reference keeps the object's memory (and context) after WdfObjectDelete: destroy runs
 * at the last WdfObjectDereference. Dropping the reference that keeps an object alive with
 * WdfObjectDereference is WDF_VIOLATION 0x7. */
static void test_kmdf__references_delay_destroy_and_misuse_is_0x7(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    WDFOBJECT o;
    ObjLog[0] = '\0';
    o = make_obj(NULL, 7);
    WdfObjectReference(o);
    WdfObjectDelete(o);
    assert_string_equal(ObjLog, "c7,");
    assert_int_equal(WdfObjectGet_OBJ_CONTEXT(o)->Id, 7);
    WdfObjectDereference(o);
    assert_string_equal(ObjLog, "c7,d7,");

    o = make_obj(NULL, 8);
    PNPSIM_EXPECT_BUGCHECK(l.sys, WDF_VIOLATION, WdfObjectDereference(o));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_OBJECT_ERROR);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)o);
    WdfObjectDelete(o);
}

/* "WdfObjectAllocateContext": a second context type on an object; the same type again is
 * STATUS_OBJECT_NAME_EXISTS with the existing context; WdfObjectContextGetObject goes back. */
static void test_kmdf__allocate_context_adds_a_second_type(void **state)
{
    life l = setup_life(state, KmdfLifecycleNormal);
    WDF_OBJECT_ATTRIBUTES a;
    PVOID ctx = NULL, again = NULL;
    WDFOBJECT o;
    (void)l;
    ObjLog[0] = '\0';
    o = make_obj(NULL, 5);
    assert_null(GetOther(o));
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, OTHER_CONTEXT);
    assert_nt_status(STATUS_SUCCESS, WdfObjectAllocateContext(o, &a, &ctx));
    assert_ptr_equal(ctx, GetOther(o));
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, WdfObjectAllocateContext(o, &a, &again));
    assert_ptr_equal(again, ctx);
    assert_ptr_equal(WdfObjectContextGetObject(ctx), o);
    assert_ptr_equal(WdfObjectGetTypedContext(o, OBJ_CONTEXT), WdfObjectGet_OBJ_CONTEXT(o));
    a.Size = 3;
    assert_nt_status(STATUS_INFO_LENGTH_MISMATCH, WdfObjectAllocateContext(o, &a, &again));
    WdfObjectDelete(o);
}

/* Out of memory anywhere in the start of a KMDF device fails the start and leaves the
 * system consistent (every allocation failed in turn until the start succeeds). */
static void test_kmdf__start_survives_every_allocation_failure(void **state)
{
    pnpsim_system *sys = TSYS(state);
    unsigned long n;
    int succeeded = 0;
    for (n = 1; n < 400 && !succeeded; n++) {
        life l = setup_life(state, KmdfLifecycleNormal);
        NTSTATUS status;
        pnpsim_fault_alloc(sys, n, 1);
        status = pnpsim_device_start(l.dev);
        pnpsim_fault_clear(sys);
        if (NT_SUCCESS(status))
            succeeded = 1;
        assert_system_check(sys);
        (void)pnpsim_device_uninstall(l.dev);
        pnpsim_system_shutdown(sys);
        assert_system_check(sys);
        /* A fresh system for the next run. */
        pnpsim_system_destroy(sys);
        assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &sys));
        pnpsim_system_enter(sys);
        ((pnpsim_test_fixture *)*state)->sys = sys;
    }
    assert_true(succeeded);
    print_message("KMDF start OOM sweep: %lu runs\n", n - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_kmdf__start_calls_the_callbacks_in_kmdf_order_and_enables_the_interface),
        PNPSIM_TEST(test_kmdf__orderly_removal_runs_the_power_down_sequence_and_disables),
        PNPSIM_TEST(test_kmdf__surprise_removal_calls_surprise_removal_first),
        PNPSIM_TEST(test_kmdf__stop_and_restart_keep_the_interface_enabled),
        PNPSIM_TEST(test_kmdf__device_power_irps_drive_d0_exit_and_entry),
        PNPSIM_TEST(test_kmdf__set_failed_tears_the_device_down),
        PNPSIM_TEST(test_kmdf__failed_prepare_hardware_fails_the_start),
        PNPSIM_TEST(test_kmdf__failed_d0_entry_releases_the_hardware),
        PNPSIM_TEST(test_kmdf__set_state_false_before_start_does_not_stop_auto_enable),
        PNPSIM_TEST(test_kmdf__set_state_ex_false_before_start_keeps_it_disabled),
        PNPSIM_TEST(test_kmdf__retrieve_interface_string),
        PNPSIM_TEST(test_kmdf__query_remove_veto_keeps_the_device),
        PNPSIM_TEST(test_kmdf__callback_returning_at_raised_irql_is_wdf_violation_0xE),
        PNPSIM_TEST(test_kmdf__failed_device_add_deletes_the_created_device),
        PNPSIM_TEST(test_kmdf__bad_handles_bug_check_wdf_violation),
        PNPSIM_TEST(test_kmdf__driver_create_outside_driver_entry_is_reported),
        PNPSIM_TEST(test_kmdf__interface_ddi_above_passive_is_kmdf_irql),
        PNPSIM_TEST(test_kmdf__deleting_a_parent_deletes_children_first),
        PNPSIM_TEST(test_kmdf__references_delay_destroy_and_misuse_is_0x7),
        PNPSIM_TEST(test_kmdf__allocate_context_adds_a_second_type),
        PNPSIM_TEST(test_kmdf__start_survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
