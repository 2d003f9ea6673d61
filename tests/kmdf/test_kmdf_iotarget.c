/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of KMDF I/O targets: remote targets opened by a device
 * interface's name or from an existing device object, their state, what they report about
 * the target device, how they follow the removal of that device (framework defaults without
 * callbacks, EvtIoTargetQueryRemove / RemoveCanceled / RemoveComplete in order, surprise
 * removal), synchronous IOCTLs through them, stopped and closed targets, bad parameters, the
 * KmdfIrql rule and running out of memory. The target device is kmdf_func on a root device
 * whose PDO exports GUID_KMDF_BUS_INTERFACE (pnpsim_qi_provide); the targets belong to a small
 * "opener" KMDF driver defined here; kmdf_monitor shows the toastmon pattern's variants.
 * Sources: Microsoft Learn "WdfIoTargetCreate", "WdfIoTargetOpen", "WDF_IO_TARGET_OPEN_PARAMS",
 * "Controlling a General I/O Target's State", "WdfIoTargetSendIoctlSynchronously",
 * "WDFMEMORY_OFFSET"; KMDF FxIoTargetRemote (Open, _PlugPlayNotification);
 * windows-semantics.md §10.3.
 */
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/verifier.h>

#include <ntddk.h>
#include <wdf.h>
#include "drivers/kmdf_func.h"
#include "drivers/kmdf_monitor.h"
/* kmdf_bus.c is not linked here: this test defines the bus GUID itself. */
#include <initguid.h>
#include "drivers/kmdf_bus.h"

#define FUNC_HWID "ROOT\\KMDFFUNC"
#define OPENER_HWID "ROOT\\KMDFOPEN"

/* ---- the opener: a KMDF driver whose device owns the targets under test ---------------- */

static WDFDEVICE Opener;
static char Log[128];          /* one letter per callback, then the target's tag */
static WDFIOTARGET TargetA, Vetoer;
static WDF_IO_TARGET_STATE StateOfAInVeto;
static NTSTATUS ReopenStatus;

static DRIVER_INITIALIZE OpenerDriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD OpenerDeviceAdd;
static EVT_WDF_IO_TARGET_QUERY_REMOVE OpenerQueryRemove;
static EVT_WDF_IO_TARGET_REMOVE_CANCELED OpenerRemoveCanceled;
static EVT_WDF_IO_TARGET_REMOVE_COMPLETE OpenerRemoveComplete;

static NTSTATUS OpenerDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, OpenerDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

static NTSTATUS OpenerDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    UNREFERENCED_PARAMETER(Driver);
    return WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &Opener);
}

static void log_event(char what, WDFIOTARGET t)
{
    size_t n = strlen(Log);
    if (n + 3 < sizeof(Log)) {
        Log[n] = what;
        Log[n + 1] = t == TargetA ? 'A' : t == Vetoer ? 'V' : '?';
        Log[n + 2] = ' ';
        Log[n + 3] = 0;
    }
}

static NTSTATUS OpenerQueryRemove(WDFIOTARGET IoTarget)
{
    log_event('Q', IoTarget);
    if (IoTarget == Vetoer) {
        StateOfAInVeto = TargetA != NULL ? WdfIoTargetGetState(TargetA) : WdfIoTargetStateUndefined;
        return STATUS_UNSUCCESSFUL;
    }
    WdfIoTargetCloseForQueryRemove(IoTarget);
    return STATUS_SUCCESS;
}

static VOID OpenerRemoveCanceled(WDFIOTARGET IoTarget)
{
    WDF_IO_TARGET_OPEN_PARAMS params;
    log_event('C', IoTarget);
    if (IoTarget == Vetoer)
        return;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(&params);
    ReopenStatus = WdfIoTargetOpen(IoTarget, &params);
}

static VOID OpenerRemoveComplete(WDFIOTARGET IoTarget)
{
    log_event('R', IoTarget);
    WdfIoTargetClose(IoTarget);
}

/* ---- the world: kmdf_func started, the opener started, the interface's name ------------ */

typedef struct world {
    pnpsim_device *funcdev, *opendev;
    WDFDEVICE func;
    PWSTR list;             /* IoGetDeviceInterfaces result, freed by world_free */
    UNICODE_STRING link;    /* the func device's GUID_KMDF_FUNC_INTERFACE */
} world;

static ULONG ProvGetSerial(PVOID Context) { (void)Context; return 9; }
static ULONG ProvRead(PVOID Context, ULONG Index) { (void)Context; return Index; }

static void world_init(pnpsim_system *sys, world *w, bool monitor, KMDF_MONITOR_MODE mode)
{
    PDRIVER_OBJECT drv;
    KMDF_BUS_INTERFACE tmpl;
    memset(w, 0, sizeof(*w));
    Opener = NULL;
    TargetA = Vetoer = NULL;
    Log[0] = 0;
    StateOfAInVeto = WdfIoTargetStateUndefined;
    ReopenStatus = STATUS_PENDING;
    kmdf_func_reset(KmdfFuncCorrect);
    kmdf_monitor_reset(mode);
    if (monitor) {
        pnpsim_device *mon;
        assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdfmon", KmdfMonitorDriverEntry, &drv));
        assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, KMDF_MONITOR_HARDWARE_ID, drv));
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, KMDF_MONITOR_HARDWARE_ID, "0", &mon));
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(mon));
    }
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdfopen", OpenerDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, OPENER_HWID, drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, OPENER_HWID, "0", &w->opendev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(w->opendev));
    assert_non_null(Opener);

    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.GetSerial = ProvGetSerial;
    tmpl.ReadRegister = ProvRead;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdffunc", KmdfFuncDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, FUNC_HWID, drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, FUNC_HWID, "0", &w->funcdev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_provide(w->funcdev, &GUID_KMDF_BUS_INTERFACE, (PINTERFACE)&tmpl,
                                                       sizeof(tmpl), KMDF_BUS_INTERFACE_VERSION));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(w->funcdev));
    pnpsim_system_run_pending(sys);
    w->func = kmdf_func_last_device();
    assert_non_null(w->func);
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceInterfaces(&GUID_KMDF_FUNC_INTERFACE, NULL, 0, &w->list));
    RtlInitUnicodeString(&w->link, w->list);
    assert_true(w->link.Length > 0);
}

static void world_free(world *w)
{
    if (w->list != NULL)
        ExFreePool(w->list);
    w->list = NULL;
}

static WDFIOTARGET new_target(void)
{
    WDFIOTARGET t = NULL;
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetCreate(Opener, WDF_NO_OBJECT_ATTRIBUTES, &t));
    assert_non_null(t);
    return t;
}

static NTSTATUS open_by_name(WDFIOTARGET t, PCUNICODE_STRING name, bool callbacks)
{
    WDF_IO_TARGET_OPEN_PARAMS params;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, name, STANDARD_RIGHTS_ALL);
    if (callbacks) {
        params.EvtIoTargetQueryRemove = OpenerQueryRemove;
        params.EvtIoTargetRemoveCanceled = OpenerRemoveCanceled;
        params.EvtIoTargetRemoveComplete = OpenerRemoveComplete;
    }
    return WdfIoTargetOpen(t, &params);
}

/* IOCTL_KMDF_FUNC_GET_SERIAL through t; *serial and *bytes receive the results. */
static NTSTATUS get_serial(WDFIOTARGET t, ULONG flags, ULONG *serial, ULONG_PTR *bytes)
{
    WDF_MEMORY_DESCRIPTOR out;
    WDF_REQUEST_SEND_OPTIONS options;
    *serial = 0;
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out, serial, sizeof(*serial));
    WDF_REQUEST_SEND_OPTIONS_INIT(&options, flags);
    return WdfIoTargetSendIoctlSynchronously(t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL, NULL, &out,
                                             &options, bytes);
}

/* ---- opening ------------------------------------------------------------------------------ */

/* "WdfIoTargetOpen" by name: IRP_MJ_CREATE reaches the interface's device; the target reports
 * the top of the opened stack, its PDO, the file object and the device it belongs to. */
static void test_kmdf_iotarget__open_by_name_of_an_enabled_interface(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET t;
    WDF_IO_TARGET_OPEN_PARAMS params;
    KMDF_FUNC_QI qi;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    t = new_target();
    /* Choice: a new remote target is closed. */
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(t));
    assert_null(WdfIoTargetWdmGetTargetDeviceObject(t));
    assert_ptr_equal(Opener, WdfIoTargetGetDevice(t));

    assert_nt_status(STATUS_SUCCESS, open_by_name(t, &w.link, false));
    assert_int_equal(WdfIoTargetStarted, WdfIoTargetGetState(t));
    assert_ptr_equal(WdfDeviceWdmGetDeviceObject(w.func), WdfIoTargetWdmGetTargetDeviceObject(t));
    assert_ptr_equal(pnpsim_device_pdo(w.funcdev), WdfIoTargetWdmGetTargetPhysicalDevice(t));
    assert_non_null(WdfIoTargetWdmGetTargetFileObject(t));
    assert_ptr_equal(Opener, WdfIoTargetGetDevice(t));
    assert_int_equal(1, pnpsim_device_open_count(w.funcdev));

    /* Choice: opening an open target fails. */
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, open_by_name(t, &w.link, false));
    assert_int_equal(1, pnpsim_device_open_count(w.funcdev));

    /* §10.3: WdfIoTargetQueryForInterface asks the target's stack. */
    memset(&qi, 0, sizeof(qi));
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetQueryForInterface(t, &GUID_KMDF_FUNC_QI, (PINTERFACE)&qi,
                                                                  sizeof(qi), KMDF_FUNC_QI_VERSION, NULL));
    assert_int_equal(1, kmdf_func_stats()->QiReferences);
    assert_int_equal(9, qi.GetSerial(qi.InterfaceHeader.Context));
    qi.InterfaceHeader.InterfaceDereference(qi.InterfaceHeader.Context);
    assert_int_equal(0, kmdf_func_stats()->QiReferences);

    /* Close releases the file; reopen opens the same name again. */
    WdfIoTargetClose(t);
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(t));
    assert_null(WdfIoTargetWdmGetTargetDeviceObject(t));
    assert_null(WdfIoTargetWdmGetTargetFileObject(t));
    assert_int_equal(0, pnpsim_device_open_count(w.funcdev));
    WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(&params);
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetOpen(t, &params));
    assert_int_equal(WdfIoTargetStarted, WdfIoTargetGetState(t));
    assert_int_equal(1, pnpsim_device_open_count(w.funcdev));
    /* Deleting an open target closes it. */
    WdfObjectDelete(t);
    assert_int_equal(0, pnpsim_device_open_count(w.funcdev));
    world_free(&w);
}

/* A disabled interface has no symbolic link to open: STATUS_OBJECT_NAME_NOT_FOUND
 * ("WdfIoTargetOpen", ZwCreateFile); the target stays closed and nothing is left open. */
static void test_kmdf_iotarget__open_of_a_disabled_interface_fails_name_not_found(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET t;
    DECLARE_CONST_UNICODE_STRING(nothing, L"\\Device\\KmdfNoSuchDevice");
    world_init(sys, &w, false, KmdfMonitorCorrect);
    t = new_target();
    WdfDeviceSetDeviceInterfaceState(w.func, &GUID_KMDF_FUNC_INTERFACE, NULL, FALSE);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, open_by_name(t, &w.link, false));
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(t));
    assert_null(WdfIoTargetWdmGetTargetDeviceObject(t));
    assert_int_equal(0, pnpsim_device_open_count(w.funcdev));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, open_by_name(t, &nothing, false));
    /* Enabled again: the same target opens. */
    WdfDeviceSetDeviceInterfaceState(w.func, &GUID_KMDF_FUNC_INTERFACE, NULL, TRUE);
    assert_nt_status(STATUS_SUCCESS, open_by_name(t, &w.link, false));
    assert_int_equal(1, pnpsim_device_open_count(w.funcdev));
    WdfObjectDelete(t);
    world_free(&w);
}

/* WdfIoTargetOpenUseExistingDevice: I/O goes to the given device object; no file is opened
 * ("WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE"). */
static void test_kmdf_iotarget__open_by_existing_device(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET t, u;
    WDF_IO_TARGET_OPEN_PARAMS params;
    PDEVICE_OBJECT top;
    ULONG serial;
    ULONG_PTR bytes = 0;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    t = new_target();
    u = new_target();
    /* Choice: reopen of a target never opened. */
    WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(&params);
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, WdfIoTargetOpen(u, &params));
    WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(&params, NULL);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfIoTargetOpen(u, &params));
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(u));

    top = WdfDeviceWdmGetDeviceObject(w.func);
    WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(&params, top);
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetOpen(t, &params));
    assert_int_equal(WdfIoTargetStarted, WdfIoTargetGetState(t));
    assert_ptr_equal(top, WdfIoTargetWdmGetTargetDeviceObject(t));
    assert_ptr_equal(pnpsim_device_pdo(w.funcdev), WdfIoTargetWdmGetTargetPhysicalDevice(t));
    assert_null(WdfIoTargetWdmGetTargetFileObject(t));
    assert_int_equal(0, pnpsim_device_open_count(w.funcdev));
    assert_nt_status(STATUS_SUCCESS, get_serial(t, 0, &serial, &bytes));
    assert_int_equal(9, serial);
    assert_int_equal(sizeof(ULONG), bytes);
    WdfIoTargetClose(t);
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(t));
    WdfObjectDelete(t);
    WdfObjectDelete(u);
    world_free(&w);
}

/* ---- removal of the target device --------------------------------------------------------- */

/* KMDF FxIoTargetRemote::_PlugPlayNotification without driver callbacks: the target closes
 * for the query-remove and reopens when the removal is cancelled (here a second target's
 * EvtIoTargetQueryRemove vetoes, "EVT_WDF_IO_TARGET_QUERY_REMOVE"); on a removal that goes
 * through, remove-complete closes it. Registration is kept across the close for query-remove. */
static void test_kmdf_iotarget__query_remove_closes_and_cancel_reopens_by_default(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    TargetA = new_target();
    Vetoer = new_target();
    assert_nt_status(STATUS_SUCCESS, open_by_name(TargetA, &w.link, false));
    assert_nt_status(STATUS_SUCCESS, open_by_name(Vetoer, &w.link, true));
    assert_int_equal(2, pnpsim_device_open_count(w.funcdev));

    assert_true(!NT_SUCCESS(pnpsim_device_remove(w.funcdev)));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(w.funcdev));
    assert_int_equal(WdfIoTargetClosedForQueryRemove, StateOfAInVeto);
    assert_int_equal(WdfIoTargetStarted, WdfIoTargetGetState(TargetA));
    assert_non_null(WdfIoTargetWdmGetTargetFileObject(TargetA));
    assert_int_equal(2, pnpsim_device_open_count(w.funcdev));

    /* Without the vetoer the removal goes through: A closes and stays closed. */
    WdfObjectDelete(Vetoer);
    Vetoer = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(w.funcdev));
    pnpsim_system_run_pending(sys);
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(TargetA));
    assert_null(WdfIoTargetWdmGetTargetDeviceObject(TargetA));
    WdfObjectDelete(TargetA);
    world_free(&w);
}

/* "Controlling a General I/O Target's State": with callbacks, the driver is asked
 * (EvtIoTargetQueryRemove), told of the cancel (EvtIoTargetRemoveCanceled, where it reopens)
 * and of the removal (EvtIoTargetRemoveComplete), in that order. */
static void test_kmdf_iotarget__removal_callbacks_run_in_order(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    TargetA = new_target();
    Vetoer = new_target();
    assert_nt_status(STATUS_SUCCESS, open_by_name(TargetA, &w.link, true));
    assert_nt_status(STATUS_SUCCESS, open_by_name(Vetoer, &w.link, true));

    /* Vetoed: A was asked and closed, the vetoer said no, A hears of the cancel and reopens. */
    assert_true(!NT_SUCCESS(pnpsim_device_remove(w.funcdev)));
    assert_ptr_equal(Log, strstr(Log, "QA QV CA "));
    assert_int_equal(WdfIoTargetClosedForQueryRemove, StateOfAInVeto);
    assert_nt_status(STATUS_SUCCESS, ReopenStatus);
    assert_int_equal(WdfIoTargetStarted, WdfIoTargetGetState(TargetA));
    assert_int_equal(WdfIoTargetStarted, WdfIoTargetGetState(Vetoer));

    /* Goes through: query, then remove-complete. */
    WdfObjectDelete(Vetoer);
    Vetoer = NULL;
    Log[0] = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(w.funcdev));
    pnpsim_system_run_pending(sys);
    assert_string_equal("QA RA ", Log);
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(TargetA));
    WdfObjectDelete(TargetA);
    world_free(&w);
}

/* Surprise removal: no query; remove-complete only (GUID_TARGET_DEVICE_REMOVE_COMPLETE),
 * with callbacks and by default; both targets end closed, so REMOVE_DEVICE can follow. */
static void test_kmdf_iotarget__surprise_removal_completes_without_query(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET plain;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    TargetA = new_target();
    plain = new_target();
    assert_nt_status(STATUS_SUCCESS, open_by_name(TargetA, &w.link, true));
    assert_nt_status(STATUS_SUCCESS, open_by_name(plain, &w.link, false));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(w.funcdev));
    pnpsim_system_run_pending(sys);
    assert_string_equal("RA ", Log);
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(TargetA));
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(plain));
    assert_int_equal(0, pnpsim_device_open_count(w.funcdev));
    WdfObjectDelete(TargetA);
    WdfObjectDelete(plain);
    world_free(&w);
}

/* ---- kmdf_monitor's variants of the toastmon pattern ------------------------------------- */

/* KmdfMonitorNoCallbacks: the framework closes the target on its own, but the interface the
 * monitor imported is never released: the ledger reports the leak at removal. */
static void test_kmdf_iotarget__monitor_without_callbacks_leaks_its_interface(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_LEAK, PNPSIM_VERIFIER_RECORD);
    world_init(sys, &w, true, KmdfMonitorNoCallbacks);
    assert_int_equal(1, kmdf_monitor_stats()->Arrivals);
    assert_nt_status(STATUS_SUCCESS, kmdf_monitor_stats()->IoctlStatus);
    assert_int_equal(9, kmdf_monitor_stats()->IoctlSerial);
    assert_int_equal(1, kmdf_monitor_stats()->InterfacesHeld);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(w.funcdev));
    pnpsim_system_run_pending(sys);
    assert_int_equal(0, kmdf_monitor_stats()->QueryRemoves);
    assert_int_equal(0, kmdf_monitor_stats()->RemoveCompletes);
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(kmdf_monitor_last_target()));
    assert_int_equal(1, kmdf_monitor_stats()->TargetsLive);
    assert_true(pnpsim_verifier_violation_count(sys, PNPSIM_RULE_QI_LEAK) >= 1);
    world_free(&w);
}

/* KmdfMonitorVetoQueryRemove: the removal fails and everything stays; an unplug (surprise
 * removal) later still releases everything through remove-complete. */
static void test_kmdf_iotarget__monitor_veto_keeps_the_device(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    world_init(sys, &w, true, KmdfMonitorVetoQueryRemove);
    assert_true(!NT_SUCCESS(pnpsim_device_remove(w.funcdev)));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(w.funcdev));
    assert_int_equal(1, kmdf_monitor_stats()->QueryRemoves);
    assert_int_equal(1, kmdf_monitor_stats()->InterfacesHeld);
    assert_int_equal(WdfIoTargetStarted, WdfIoTargetGetState(kmdf_monitor_last_target()));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(w.funcdev));
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, kmdf_monitor_stats()->RemoveCompletes);
    assert_int_equal(0, kmdf_monitor_stats()->InterfacesHeld);
    assert_int_equal(0, kmdf_monitor_stats()->TargetsLive);
    assert_int_equal(0, kmdf_func_stats()->QiReferences);
    world_free(&w);
}

/* KmdfMonitorLeakInterface: callbacks close and delete the target but keep the interface:
 * the ledger reports the leak when the exporting device is removed. */
static void test_kmdf_iotarget__monitor_leaking_its_interface_is_reported(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_LEAK, PNPSIM_VERIFIER_RECORD);
    world_init(sys, &w, true, KmdfMonitorLeakInterface);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(w.funcdev));
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, kmdf_monitor_stats()->QueryRemoves);
    assert_int_equal(1, kmdf_monitor_stats()->RemoveCompletes);
    assert_int_equal(0, kmdf_monitor_stats()->TargetsLive);
    assert_int_equal(1, kmdf_monitor_stats()->InterfacesHeld);
    assert_true(pnpsim_verifier_violation_count(sys, PNPSIM_RULE_QI_LEAK) >= 1);
    world_free(&w);
}

/* ---- I/O ---------------------------------------------------------------------------------- */

/* "WdfIoTargetSendIoctlSynchronously": the IRP's status and Information; buffer and WDFMEMORY
 * descriptors ("WDFMEMORY_OFFSET": a window; length 0 = the rest); bad descriptors. */
static void test_kmdf_iotarget__ioctl_through_the_target(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET t;
    WDF_MEMORY_DESCRIPTOR out;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFMEMORY mem;
    WDFMEMORY_OFFSET window;
    WDF_REQUEST_SEND_OPTIONS options;
    PUCHAR buf;
    ULONG serial, value;
    USHORT small;
    ULONG_PTR bytes = 0;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    t = new_target();
    assert_nt_status(STATUS_SUCCESS, open_by_name(t, &w.link, false));
    assert_nt_status(STATUS_SUCCESS, get_serial(t, 0, &serial, &bytes));
    assert_int_equal(9, serial);
    assert_int_equal(sizeof(ULONG), bytes);
    assert_int_equal(1, kmdf_func_stats()->Ioctls);
    /* NULL options and BytesReturned are allowed. */
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out, &value, sizeof(value));
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetSendIoctlSynchronously(t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL,
                                                                       NULL, &out, NULL, NULL));
    /* The driver's failure comes back; nothing was returned. */
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out, &small, sizeof(small));
    bytes = 77;
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, WdfIoTargetSendIoctlSynchronously(
                                                  t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL, NULL, &out, NULL, &bytes));
    assert_int_equal(0, bytes);
    /* A WDFMEMORY with a window at offset 4. */
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Opener;
    assert_nt_status(STATUS_SUCCESS, WdfMemoryCreate(&attributes, NonPagedPoolNx, 0x4B546774u /* 'tgTK' */, 8, &mem, (PVOID *)&buf));
    memset(buf, 0xEE, 8);
    window.BufferOffset = 4;
    window.BufferLength = 0;
    WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&out, mem, &window);
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetSendIoctlSynchronously(t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL,
                                                                       NULL, &out, NULL, &bytes));
    memcpy(&value, buf + 4, sizeof(value));
    assert_int_equal(9, value);
    assert_int_equal(0xEE, buf[0]);
    assert_int_equal(sizeof(ULONG), bytes);
    window.BufferOffset = 6;
    window.BufferLength = 4;
    assert_nt_status(STATUS_INVALID_BUFFER_SIZE, WdfIoTargetSendIoctlSynchronously(
                                                     t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL, NULL, &out, NULL, &bytes));
    window.BufferOffset = (size_t)-2;
    window.BufferLength = 4;
    assert_nt_status(STATUS_INTEGER_OVERFLOW, WdfIoTargetSendIoctlSynchronously(
                                                  t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL, NULL, &out, NULL, &bytes));
    /* The whole object (no window). */
    WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(&out, mem, NULL);
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetSendIoctlSynchronously(t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL,
                                                                       NULL, &out, NULL, &bytes));
    WdfObjectDelete(mem);
    /* Not modelled: MDL descriptors. Bad: descriptor type, options size. */
    WDF_MEMORY_DESCRIPTOR_INIT_MDL(&out, NULL, 4);
    assert_nt_status(STATUS_NOT_IMPLEMENTED, WdfIoTargetSendIoctlSynchronously(
                                                 t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL, NULL, &out, NULL, &bytes));
    out.Type = (WDF_MEMORY_DESCRIPTOR_TYPE)77;
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfIoTargetSendIoctlSynchronously(
                                                   t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL, NULL, &out, NULL, &bytes));
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out, &value, sizeof(value));
    WDF_REQUEST_SEND_OPTIONS_INIT(&options, 0);
    options.Size = sizeof(options) + 1;
    assert_nt_status(STATUS_INFO_LENGTH_MISMATCH, WdfIoTargetSendIoctlSynchronously(
                                                      t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL, NULL, &out, &options, &bytes));
    /* kmdf_func's queue has no internal device control handler. */
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST, WdfIoTargetSendInternalIoctlSynchronously(
                                                        t, NULL, IOCTL_KMDF_FUNC_GET_SERIAL, NULL, &out, NULL, &bytes));
    assert_int_equal(4, kmdf_func_stats()->Ioctls);
    WdfObjectDelete(t);
    world_free(&w);
}

/* "WdfIoTargetStop", "WdfIoTargetPurge", "WdfIoTargetStart", "WDF_REQUEST_SEND_OPTIONS": a
 * stopped or purged target refuses I/O (STATUS_INVALID_DEVICE_STATE) unless
 * WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE; a closed one refuses it always. */
static void test_kmdf_iotarget__sends_to_stopped_or_closed_targets_fail(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET t, local;
    KMDF_FUNC_QI qi;
    ULONG serial;
    ULONG_PTR bytes;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    t = new_target();
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, get_serial(t, 0, &serial, &bytes)); /* never opened */
    assert_nt_status(STATUS_SUCCESS, open_by_name(t, &w.link, false));
    WdfIoTargetStop(t, WdfIoTargetCancelSentIo);
    assert_int_equal(WdfIoTargetStopped, WdfIoTargetGetState(t));
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, get_serial(t, 0, &serial, &bytes));
    assert_nt_status(STATUS_SUCCESS, get_serial(t, WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE, &serial, &bytes));
    assert_int_equal(9, serial);
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetStart(t));
    assert_nt_status(STATUS_SUCCESS, get_serial(t, 0, &serial, &bytes));
    WdfIoTargetPurge(t, WdfIoTargetPurgeIoAndWait);
    assert_int_equal(WdfIoTargetPurged, WdfIoTargetGetState(t));
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, get_serial(t, 0, &serial, &bytes));
    assert_nt_status(STATUS_SUCCESS, WdfIoTargetStart(t));
    WdfIoTargetClose(t);
    assert_nt_status(STATUS_INVALID_DEVICE_STATE,
                     get_serial(t, WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE, &serial, &bytes));
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, WdfIoTargetStart(t));
    memset(&qi, 0, sizeof(qi));
    assert_nt_status(STATUS_INVALID_DEVICE_STATE,
                     WdfIoTargetQueryForInterface(t, &GUID_KMDF_FUNC_QI, (PINTERFACE)&qi, sizeof(qi), 1, NULL));
    assert_int_equal(2, kmdf_func_stats()->Ioctls);

    /* "WdfDeviceGetIoTarget": the local target is started, sends to the next-lower device,
     * is created once, and the framework owns it. */
    local = WdfDeviceGetIoTarget(w.func);
    assert_non_null(local);
    assert_ptr_equal(local, WdfDeviceGetIoTarget(w.func));
    assert_int_equal(WdfIoTargetStarted, WdfIoTargetGetState(local));
    assert_ptr_equal(pnpsim_device_pdo(w.funcdev), WdfIoTargetWdmGetTargetDeviceObject(local));
    assert_ptr_equal(w.func, WdfIoTargetGetDevice(local));
    WdfObjectDelete(t);
    world_free(&w);
}

/* ---- misuse ------------------------------------------------------------------------------- */

/* Bad parameters: sizes, types and names fail with a status; NULL and wrong-type handles are
 * WDF_VIOLATION 0x4 / 0x5 (a caught bug check leaves the system crashed: pool may remain). */
static void test_kmdf_iotarget__bad_parameters(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET t;
    WDF_IO_TARGET_OPEN_PARAMS params;
    UNICODE_STRING bad;
    WCHAR name[8] = {'\\', 'D', 'e', 'v', 0};
    ((pnpsim_test_fixture *)*state)->allow_pool_leaks = 1;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    t = new_target();

    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &w.link, STANDARD_RIGHTS_ALL);
    params.Size = sizeof(params) - 4;
    assert_nt_status(STATUS_INFO_LENGTH_MISMATCH, WdfIoTargetOpen(t, &params));
    params.Size = sizeof(params);
    params.Type = (WDF_IO_TARGET_OPEN_TYPE)99;
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfIoTargetOpen(t, &params));
    params.Type = WdfIoTargetOpenLocalTargetByFile;
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfIoTargetOpen(t, &params));
    /* Malformed names: odd Length, Length > MaximumLength, NULL Buffer, empty. */
    bad.Buffer = name;
    bad.Length = 3;
    bad.MaximumLength = sizeof(name);
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &bad, STANDARD_RIGHTS_ALL);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfIoTargetOpen(t, &params));
    bad.Length = sizeof(name) + 2;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &bad, STANDARD_RIGHTS_ALL);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfIoTargetOpen(t, &params));
    bad.Buffer = NULL;
    bad.Length = 4;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &bad, STANDARD_RIGHTS_ALL);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfIoTargetOpen(t, &params));
    bad.Buffer = name;
    bad.Length = 0;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &bad, STANDARD_RIGHTS_ALL);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfIoTargetOpen(t, &params));
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(t));
    assert_int_equal(0, pnpsim_device_open_count(w.funcdev));

    /* NULL handles and pointers: 0x4. */
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, &w.link, STANDARD_RIGHTS_ALL);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfIoTargetOpen(NULL, &params));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfIoTargetOpen(t, NULL));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfIoTargetCreate(Opener, WDF_NO_OBJECT_ATTRIBUTES, NULL));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    /* Wrong types: a WDFDEVICE as a target, a target as a device, the local target where a
     * remote one is required (KMDF FX_TYPE_IO_TARGET_REMOTE): 0x5 with the handle. */
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfIoTargetGetState((WDFIOTARGET)Opener));
    assert_int_equal(WDF_INVALID_HANDLE, pnpsim_bugcheck_last_caught()->parameters[0]);
    assert_int_equal((ULONG_PTR)Opener, pnpsim_bugcheck_last_caught()->parameters[1]);
    {
        WDFIOTARGET u = NULL;
        PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfIoTargetCreate((WDFDEVICE)t, WDF_NO_OBJECT_ATTRIBUTES, &u));
        assert_int_equal(WDF_INVALID_HANDLE, pnpsim_bugcheck_last_caught()->parameters[0]);
        assert_null(u);
    }
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfIoTargetOpen(WdfDeviceGetIoTarget(w.func), &params));
    assert_int_equal(WDF_INVALID_HANDLE, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfIoTargetStop(t, (WDF_IO_TARGET_SENT_IO_ACTION)9));
    assert_int_equal(PNPSIM_WDF_WRONG_STATE, pnpsim_bugcheck_last_caught()->parameters[0]);
    world_free(&w);
}

/* KmdfIrql (windows-semantics.md §11; the methods' pages: PASSIVE_LEVEL for create, open and
 * synchronous sends, DISPATCH_LEVEL for state queries): in RECORD mode the call fails with
 * STATUS_INVALID_DEVICE_REQUEST, as KMDF does, and the violation is recorded. */
static void test_kmdf_iotarget__irql_too_high_is_recorded_and_fails(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET t, u = NULL;
    ULONG serial;
    ULONG_PTR bytes;
    KIRQL old;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    t = new_target();
    assert_nt_status(STATUS_SUCCESS, open_by_name(t, &w.link, false));
    WdfIoTargetClose(t);
    assert_nt_status(STATUS_SUCCESS, pnpsim_verifier_set_mode(sys, "KmdfIrql",
                                                              PNPSIM_VERIFIER_RECORD));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST, WdfIoTargetCreate(Opener, WDF_NO_OBJECT_ATTRIBUTES, &u));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST, open_by_name(t, &w.link, false));
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(t)); /* DISPATCH_LEVEL is fine */
    KeLowerIrql(old);
    assert_int_equal(2, pnpsim_verifier_violation_count(sys, "KmdfIrql"));
    assert_null(u);
    assert_int_equal(0, pnpsim_device_open_count(w.funcdev));
    assert_nt_status(STATUS_SUCCESS, open_by_name(t, &w.link, false));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST, get_serial(t, 0, &serial, &bytes));
    KeLowerIrql(old);
    assert_int_equal(3, pnpsim_verifier_violation_count(sys, "KmdfIrql"));
    assert_int_equal(0, kmdf_func_stats()->Ioctls);
    WdfObjectDelete(t);
    world_free(&w);
}

/* Out of memory and injected DDI failures leave nothing behind: no object, no open file, no
 * registration (pnpsim_system_check), and the target can be opened afterwards. */
static void test_kmdf_iotarget__out_of_memory_leaves_nothing_behind(void **state)
{
    pnpsim_system *sys = TSYS(state);
    world w;
    WDFIOTARGET t = NULL;
    unsigned long n;
    world_init(sys, &w, false, KmdfMonitorCorrect);
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, WdfIoTargetCreate(Opener, WDF_NO_OBJECT_ATTRIBUTES, &t));
    pnpsim_fault_clear(sys);
    assert_null(t);
    assert_nt_status(STATUS_SUCCESS, pnpsim_fault_ddi(sys, "WdfIoTargetCreate", 1, 1, STATUS_INSUFFICIENT_RESOURCES));
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, WdfIoTargetCreate(Opener, WDF_NO_OBJECT_ATTRIBUTES, &t));
    pnpsim_fault_clear(sys);

    t = new_target();
    assert_nt_status(STATUS_SUCCESS, pnpsim_fault_ddi(sys, "WdfIoTargetOpen", 1, 1, STATUS_INSUFFICIENT_RESOURCES));
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, open_by_name(t, &w.link, false));
    pnpsim_fault_clear(sys);
    assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(t));

    /* Every allocation of an open by name in turn. */
    for (n = 1;; n++) {
        unsigned long before = pnpsim_fault_injected(sys);
        NTSTATUS status;
        bool done;
        pnpsim_fault_alloc(sys, n, 1);
        status = open_by_name(t, &w.link, true);
        done = pnpsim_fault_injected(sys) == before;
        pnpsim_fault_clear(sys);
        assert_nt_status(STATUS_SUCCESS, pnpsim_system_check(sys));
        if (!NT_SUCCESS(status)) {
            assert_int_equal(WdfIoTargetClosed, WdfIoTargetGetState(t));
            assert_null(WdfIoTargetWdmGetTargetDeviceObject(t));
            assert_int_equal(0, pnpsim_device_open_count(w.funcdev));
            assert_true(n < 200);
            continue;
        }
        assert_int_equal(1, pnpsim_device_open_count(w.funcdev));
        WdfIoTargetClose(t);
        if (done)
            break;
        assert_true(n < 200);
    }
    /* The registration went with the close: a removal reaches no callback. */
    Log[0] = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(w.funcdev));
    assert_string_equal("", Log);
    WdfObjectDelete(t);
    world_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_kmdf_iotarget__open_by_name_of_an_enabled_interface),
        PNPSIM_TEST(test_kmdf_iotarget__open_of_a_disabled_interface_fails_name_not_found),
        PNPSIM_TEST(test_kmdf_iotarget__open_by_existing_device),
        PNPSIM_TEST(test_kmdf_iotarget__query_remove_closes_and_cancel_reopens_by_default),
        PNPSIM_TEST(test_kmdf_iotarget__removal_callbacks_run_in_order),
        PNPSIM_TEST(test_kmdf_iotarget__surprise_removal_completes_without_query),
        PNPSIM_TEST(test_kmdf_iotarget__monitor_without_callbacks_leaks_its_interface),
        PNPSIM_TEST(test_kmdf_iotarget__monitor_veto_keeps_the_device),
        PNPSIM_TEST(test_kmdf_iotarget__monitor_leaking_its_interface_is_reported),
        PNPSIM_TEST(test_kmdf_iotarget__ioctl_through_the_target),
        PNPSIM_TEST(test_kmdf_iotarget__sends_to_stopped_or_closed_targets_fail),
        PNPSIM_TEST(test_kmdf_iotarget__bad_parameters),
        PNPSIM_TEST(test_kmdf_iotarget__irql_too_high_is_recorded_and_fails),
        PNPSIM_TEST(test_kmdf_iotarget__out_of_memory_leaves_nothing_behind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
