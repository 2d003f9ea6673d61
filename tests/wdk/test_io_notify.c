/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the WDK notification routines:
 * IoRegisterPlugPlayNotification (interface change with and without INCLUDE_EXISTING,
 * target device change, the categories pnpsim does not simulate, bad arguments, IRQL, out
 * of memory), IoUnregisterPlugPlayNotification(Ex) (late calls, unregistering from the
 * callback, the §7.3 violation, twice), the callback checks (0xCA/0xA), custom events
 * (IoReportTargetDeviceChange[Asynchronous]), IoGetDeviceObjectPointer on an interface, a
 * driver that unloads with live registrations (0xCE), and the toastmon monitor driver
 * run through hot-plug, veto, surprise removal and unload. Windows behaviour:
 * windows-semantics.md §7 and §13 items 44-45.
 */
#include <string.h>

#include <wdm.h>
#include <wdmguid.h>

#include "pnpsim_test.h"

#include "drivers/notifydev.h"
#include "drivers/toastmon.h"

#define DEV_HWID "ROOT\\NOTIFYDEV"
#define DEV0_NAME L"\\??\\ROOT#NOTIFYDEV#0#{6b7a1c3e-5d2f-4b8a-9c41-0f3e2d1a7b55}"

/* {9d0c7b52-3a41-4e8f-8b1d-2c6e5f4a3b21}: a custom target event. */
static const GUID custom_event = {
    0x9d0c7b52, 0x3a41, 0x4e8f, {0x8b, 0x1d, 0x2c, 0x6e, 0x5f, 0x4a, 0x3b, 0x21}};

/* The driver object registrations are made for: a driver with no devices (the PnP
 * manager unloads notifydev when its last device goes, and a registration of an unloaded
 * driver is itself a bug). */
static PDRIVER_OBJECT Listener;

static NTSTATUS ListenerEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return STATUS_SUCCESS;
}

static PDRIVER_OBJECT load_driver(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv = NULL;
    notifydev_reset();
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "notifydev", NotifydevDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, DEV_HWID, drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "listener", ListenerEntry, &Listener));
    return drv;
}

static pnpsim_device *started_device(pnpsim_system *sys, const char *instance)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, instance, &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    return dev;
}

/* Memory that is no object: its middle, so that probing for an object header in front of
 * it stays inside the buffer. */
static unsigned char Junk[512];
#define JUNK ((void *)(Junk + 256))

/* An enabled interface of a device with no driver (no pool owned by a driver is left
 * behind when a test ends with a bug check). */
static void enable_driverless(pnpsim_system *sys)
{
    pnpsim_device *dev = NULL;
    UNICODE_STRING name;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\RAWDEV", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pnpsim_device_pdo(dev),
                                                               &GUID_NOTIFYDEV_CLASS, NULL, &name));
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
    RtlFreeUnicodeString(&name);
}

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

/* ---- a recording callback ------------------------------------------------------------- */

#define MAX_SEEN 16
static struct {
    ULONG calls;
    PVOID context[MAX_SEEN];
    KIRQL irql[MAX_SEEN];
    USHORT version[MAX_SEEN], size[MAX_SEEN];
    GUID event[MAX_SEEN], cls[MAX_SEEN];
    WCHAR name[MAX_SEEN][128];
    PFILE_OBJECT file[MAX_SEEN];
    NTSTATUS open_status[MAX_SEEN];
    UCHAR custom[MAX_SEEN][8];
    BOOLEAN open_link;     /* IoGetDeviceObjectPointer on the name inside the callback */
    BOOLEAN raise_irql;    /* return at DISPATCH_LEVEL (a bug) */
    NTSTATUS query_remove; /* what QUERY_REMOVE returns */
    PVOID unregister_self; /* IoUnregisterPlugPlayNotificationEx(*this) from the callback */
    PVOID *self;
    ULONG complete_calls;
} Seen;

static NTSTATUS seen_callback(PVOID NotificationStructure, PVOID Context)
{
    PPLUGPLAY_NOTIFICATION_HEADER h = NotificationStructure;
    ULONG i = Seen.calls++;
    NTSTATUS result = STATUS_SUCCESS;
    if (i >= MAX_SEEN)
        return STATUS_SUCCESS;
    Seen.context[i] = Context;
    Seen.irql[i] = KeGetCurrentIrql();
    Seen.version[i] = h->Version;
    Seen.size[i] = h->Size;
    Seen.event[i] = h->Event;
    if (IsEqualGUID(&h->Event, &GUID_DEVICE_INTERFACE_ARRIVAL) ||
        IsEqualGUID(&h->Event, &GUID_DEVICE_INTERFACE_REMOVAL)) {
        PDEVICE_INTERFACE_CHANGE_NOTIFICATION n = NotificationStructure;
        USHORT chars = n->SymbolicLinkName->Length / sizeof(WCHAR);
        Seen.cls[i] = n->InterfaceClassGuid;
        if (chars < 128) {
            memcpy(Seen.name[i], n->SymbolicLinkName->Buffer, chars * sizeof(WCHAR));
            Seen.name[i][chars] = 0;
        }
        if (Seen.open_link && IsEqualGUID(&h->Event, &GUID_DEVICE_INTERFACE_ARRIVAL)) {
            PFILE_OBJECT f = NULL;
            PDEVICE_OBJECT d = NULL;
            Seen.open_status[i] =
                IoGetDeviceObjectPointer(n->SymbolicLinkName, FILE_READ_DATA, &f, &d);
            if (NT_SUCCESS(Seen.open_status[i]))
                ObDereferenceObject(f);
        }
    } else if (IsEqualGUID(&h->Event, &GUID_TARGET_DEVICE_QUERY_REMOVE) ||
               IsEqualGUID(&h->Event, &GUID_TARGET_DEVICE_REMOVE_CANCELLED) ||
               IsEqualGUID(&h->Event, &GUID_TARGET_DEVICE_REMOVE_COMPLETE)) {
        Seen.file[i] = ((PTARGET_DEVICE_REMOVAL_NOTIFICATION)NotificationStructure)->FileObject;
        if (IsEqualGUID(&h->Event, &GUID_TARGET_DEVICE_QUERY_REMOVE))
            result = Seen.query_remove;
        if (IsEqualGUID(&h->Event, &GUID_TARGET_DEVICE_REMOVE_COMPLETE))
            Seen.complete_calls++;
    } else {
        PTARGET_DEVICE_CUSTOM_NOTIFICATION c = NotificationStructure;
        Seen.file[i] = c->FileObject;
        memcpy(Seen.custom[i], c->CustomDataBuffer, 8);
    }
    if (Seen.self != NULL && *Seen.self != NULL && Seen.unregister_self != NULL) {
        Seen.unregister_self = NULL;
        IoUnregisterPlugPlayNotificationEx(*Seen.self);
    }
    if (Seen.raise_irql) {
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL, &old);
    }
    return result;
}

static void seen_reset(void)
{
    memset(&Seen, 0, sizeof(Seen));
}

static NTSTATUS register_iface(ULONG flags, PVOID *entry)
{
    return IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, flags,
                                          (PVOID)&GUID_NOTIFYDEV_CLASS, Listener, seen_callback,
                                          &Seen, entry);
}

/* ======================================================================================
 * EventCategoryDeviceInterfaceChange
 * ==================================================================================== */

/* §13 item 45 (RT-cur, RT-old) and §7.2: PASSIVE_LEVEL, the registered Context,
 * Version 1, Size = sizeof(DEVICE_INTERFACE_CHANGE_NOTIFICATION), the event GUIDs, the
 * class, the kernel-form name; the link can be opened during the arrival callback. */
static void test_io_notify__interface_callback_gets_exact_structure(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    pnpsim_device *dev;
    load_driver(sys);
    seen_reset();
    Seen.open_link = TRUE;
    assert_nt_status(STATUS_SUCCESS, register_iface(0, &entry));
    assert_non_null(entry);
    dev = started_device(sys, "0");
    assert_int_equal(Seen.calls, 1);
    assert_ptr_equal(Seen.context[0], &Seen);
    assert_int_equal(Seen.irql[0], PASSIVE_LEVEL);
    assert_int_equal(Seen.version[0], 1);
    assert_int_equal(Seen.size[0], sizeof(DEVICE_INTERFACE_CHANGE_NOTIFICATION));
    assert_memory_equal(&Seen.event[0], &GUID_DEVICE_INTERFACE_ARRIVAL, sizeof(GUID));
    assert_memory_equal(&Seen.cls[0], &GUID_NOTIFYDEV_CLASS, sizeof(GUID));
    assert_memory_equal(Seen.name[0], DEV0_NAME, (wlen(DEV0_NAME) + 1) * sizeof(WCHAR));
    assert_nt_status(STATUS_SUCCESS, Seen.open_status[0]);
    assert_int_equal(Notifydev.Opens, 1);
    assert_int_equal(Notifydev.Closes, 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(Seen.calls, 2);
    assert_memory_equal(&Seen.event[1], &GUID_DEVICE_INTERFACE_REMOVAL, sizeof(GUID));
    assert_nt_status(STATUS_SUCCESS, IoUnregisterPlugPlayNotificationEx(entry));
}

/* §13 item 44 and §7.1: INCLUDE_EXISTING_INTERFACES reports the enabled interfaces inside
 * the call, which returns STATUS_SUCCESS; IoUnregisterPlugPlayNotification returns
 * STATUS_SUCCESS. */
static void test_io_notify__include_existing_reports_inside_the_call(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    load_driver(sys);
    started_device(sys, "0");
    seen_reset();
    assert_nt_status(
        STATUS_SUCCESS,
        register_iface(PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, &entry));
    assert_int_equal(Seen.calls, 1);
    assert_memory_equal(&Seen.event[0], &GUID_DEVICE_INTERFACE_ARRIVAL, sizeof(GUID));
    assert_int_equal(Seen.version[0], 1);
    assert_nt_status(STATUS_SUCCESS, IoUnregisterPlugPlayNotification(entry));
}

/* §7.3 (D-Unreg): the non-Ex routine does not synchronise: an event queued before it was
 * called is still delivered after it returned (a late call the driver must tolerate). */
static void test_io_notify__unregister_without_ex_allows_late_calls(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    load_driver(sys);
    seen_reset();
    assert_nt_status(STATUS_SUCCESS, register_iface(0, &entry));
    started_device(sys, "0"); /* MANUAL: the arrival is queued */
    assert_int_equal(Seen.calls, 0);
    assert_nt_status(STATUS_SUCCESS, IoUnregisterPlugPlayNotification(entry));
    pnpsim_system_run_pending(sys);
    assert_int_equal(Seen.calls, 1);
    assert_int_equal(pnpsim_notify_registration_count(sys), 0);
}

/* §7.3 (D-UnregEx): after the Ex routine returns, no callback runs, queued events
 * included. */
static void test_io_notify__unregister_ex_stops_at_once(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    load_driver(sys);
    seen_reset();
    assert_nt_status(STATUS_SUCCESS, register_iface(0, &entry));
    started_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, IoUnregisterPlugPlayNotificationEx(entry));
    pnpsim_system_run_pending(sys);
    assert_int_equal(Seen.calls, 0);
}

/* §7.3: the Ex routine may be called from the entry's own callback. */
static void test_io_notify__unregister_ex_from_own_callback(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    pnpsim_device *dev;
    load_driver(sys);
    seen_reset();
    assert_nt_status(STATUS_SUCCESS, register_iface(0, &entry));
    Seen.self = &entry;
    Seen.unregister_self = entry;
    dev = started_device(sys, "0");
    assert_int_equal(Seen.calls, 1);
    assert_int_equal(pnpsim_notify_registration_count(sys), 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(Seen.calls, 1);
}

/* §7.3: except from a callback made by the registration call with INCLUDE_EXISTING
 * (before it returned): pnpsim reports it (0xC4, pnpsim code 0x504E5301). */
static void test_io_notify__unregister_ex_inside_include_existing_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    load_driver(sys);
    enable_driverless(sys);
    seen_reset();
    Seen.self = &entry;
    Seen.unregister_self = (PVOID)1;
    PNPSIM_EXPECT_BUGCHECK(
        sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
        register_iface(PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, &entry));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x504E5301u);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)entry);
}

/* Unregistering twice: BAD_POOL_CALLER 0x07 (the entry's pool freed twice; choice). A
 * pointer that never was an entry: 0x46. */
static void test_io_notify__unregister_twice_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    load_driver(sys);
    seen_reset();
    assert_nt_status(STATUS_SUCCESS, register_iface(0, &entry));
    assert_nt_status(STATUS_SUCCESS, IoUnregisterPlugPlayNotificationEx(entry));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, IoUnregisterPlugPlayNotificationEx(entry));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x07);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], (ULONG_PTR)entry);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, IoUnregisterPlugPlayNotification(JUNK));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x46);
}

/* §7.1 (BC-CA): a callback that returns at another IRQL bug checks 0xCA with parameter 1
 * 0xA, the driver object and the IRQL it returned at. */
static void test_io_notify__callback_returning_at_raised_irql_bugchecks_0xca(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    load_driver(sys);
    enable_driverless(sys);
    seen_reset();
    Seen.raise_irql = TRUE;
    PNPSIM_EXPECT_BUGCHECK(
        sys, PNP_DETECTED_FATAL_ERROR,
        register_iface(PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, &entry));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0xA);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)Listener);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], DISPATCH_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    Seen.raise_irql = FALSE;
    IoUnregisterPlugPlayNotificationEx(entry);
}

/* Argument checks (choices where Windows would fault; ReactOS: STATUS_NOT_SUPPORTED for
 * an unknown category). */
static void test_io_notify__bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = (PVOID)1;
    load_driver(sys);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, 0, NULL,
                                                    Listener, seen_callback, NULL, &entry));
    assert_null(entry);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, 0x2,
                                                    (PVOID)&GUID_NOTIFYDEV_CLASS, Listener,
                                                    seen_callback, NULL, &entry));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, 0,
                                                    (PVOID)&GUID_NOTIFYDEV_CLASS, Listener, NULL,
                                                    NULL, &entry));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, 0,
                                                    (PVOID)&GUID_NOTIFYDEV_CLASS, Listener,
                                                    seen_callback, NULL, NULL));
    assert_nt_status(STATUS_NOT_IMPLEMENTED,
                     IoRegisterPlugPlayNotification(EventCategoryHardwareProfileChange, 0, NULL,
                                                    Listener, seen_callback, NULL, &entry));
    assert_nt_status(STATUS_NOT_SUPPORTED,
                     IoRegisterPlugPlayNotification(EventCategoryReserved, 0, NULL, Listener,
                                                    seen_callback, NULL, &entry));
    PNPSIM_EXPECT_BUGCHECK(sys, 0x189,
                           IoRegisterPlugPlayNotification(
                               EventCategoryDeviceInterfaceChange, 0, (PVOID)&GUID_NOTIFYDEV_CLASS,
                               (PDRIVER_OBJECT)JUNK, seen_callback, NULL, &entry));
    PNPSIM_EXPECT_BUGCHECK(sys, 0x189,
                           IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, JUNK,
                                                          Listener, seen_callback, NULL, &entry));
    assert_int_equal(pnpsim_notify_registration_count(sys), 0);
}

/* PASSIVE_LEVEL only: at DISPATCH_LEVEL, IRQL_NOT_LESS_OR_EQUAL. */
static void test_io_notify__register_above_passive_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    KIRQL old;
    load_driver(sys);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL, register_iface(0, &entry));
    KeLowerIrql(old);
    assert_null(entry);
}

/* Out of memory: STATUS_INSUFFICIENT_RESOURCES, nothing registered. */
static void test_io_notify__out_of_memory(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    load_driver(sys);
    pnpsim_fault_alloc(sys, 1, 0);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, register_iface(0, &entry));
    pnpsim_fault_alloc(sys, 0, 0);
    assert_null(entry);
    assert_int_equal(pnpsim_notify_registration_count(sys), 0);
}

/* ======================================================================================
 * EventCategoryTargetDeviceChange and custom events
 * ==================================================================================== */

static PFILE_OBJECT open_dev0(PDEVICE_OBJECT *top)
{
    UNICODE_STRING name;
    PFILE_OBJECT f = NULL;
    RtlInitUnicodeString(&name, DEV0_NAME);
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceObjectPointer(&name, FILE_READ_DATA, &f, top));
    return f;
}

/* §7.4: QUERY_REMOVE and REMOVE_COMPLETE carry the registered file object; the PnP manager
 * does not reference it (it may be closed; notifications continue). */
static void test_io_notify__target_removal_events_carry_the_file_object(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    PDEVICE_OBJECT top = NULL;
    PFILE_OBJECT f;
    pnpsim_device *dev;
    load_driver(sys);
    dev = started_device(sys, "0");
    f = open_dev0(&top);
    assert_ptr_equal(top, pnpsim_device_top(dev));
    seen_reset();
    assert_nt_status(STATUS_SUCCESS,
                     IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, f, Listener,
                                                    seen_callback, &Seen, &entry));
    ObDereferenceObject(f); /* closed: the registration stays */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(Seen.calls, 2);
    assert_memory_equal(&Seen.event[0], &GUID_TARGET_DEVICE_QUERY_REMOVE, sizeof(GUID));
    assert_memory_equal(&Seen.event[1], &GUID_TARGET_DEVICE_REMOVE_COMPLETE, sizeof(GUID));
    assert_ptr_equal(Seen.file[0], f);
    assert_ptr_equal(Seen.file[1], f);
    assert_int_equal(Seen.size[0], sizeof(TARGET_DEVICE_REMOVAL_NOTIFICATION));
    assert_nt_status(STATUS_SUCCESS, IoUnregisterPlugPlayNotificationEx(entry));
}

/* §7.4: a failing QUERY_REMOVE vetoes; REMOVE_CANCELLED follows. */
static void test_io_notify__target_query_remove_veto(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    PDEVICE_OBJECT top = NULL;
    PFILE_OBJECT f;
    pnpsim_device *dev;
    load_driver(sys);
    dev = started_device(sys, "0");
    f = open_dev0(&top);
    seen_reset();
    Seen.query_remove = STATUS_DEVICE_BUSY;
    assert_nt_status(STATUS_SUCCESS,
                     IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, f, Listener,
                                                    seen_callback, &Seen, &entry));
    assert_nt_status(STATUS_DEVICE_BUSY, pnpsim_device_remove(dev));
    assert_int_equal(Seen.calls, 2);
    assert_memory_equal(&Seen.event[1], &GUID_TARGET_DEVICE_REMOVE_CANCELLED, sizeof(GUID));
    assert_int_equal(pnpsim_device_get_state(dev), PNPSIM_DEVICE_STARTED);
    ObDereferenceObject(f);
    assert_nt_status(STATUS_SUCCESS, IoUnregisterPlugPlayNotificationEx(entry));
}

/* IoReportTargetDeviceChange: the custom structure reaches the registrant with its data
 * and the registrant's file object; system GUIDs give STATUS_INVALID_DEVICE_REQUEST, a
 * non-NULL FileObject STATUS_INVALID_PARAMETER (nf-wdm-ioreporttargetdevicechange). */
static void test_io_notify__custom_events(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PVOID entry = NULL;
    PDEVICE_OBJECT top = NULL;
    PFILE_OBJECT f;
    pnpsim_device *dev;
    struct {
        TARGET_DEVICE_CUSTOM_NOTIFICATION n;
        UCHAR more[8];
    } c;
    load_driver(sys);
    dev = started_device(sys, "0");
    f = open_dev0(&top);
    seen_reset();
    assert_nt_status(STATUS_SUCCESS,
                     IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, f, Listener,
                                                    seen_callback, &Seen, &entry));
    memset(&c, 0, sizeof(c));
    c.n.Version = 1;
    c.n.Size = (USHORT)(FIELD_OFFSET(TARGET_DEVICE_CUSTOM_NOTIFICATION, CustomDataBuffer) + 8);
    c.n.Event = custom_event;
    c.n.NameBufferOffset = -1;
    memcpy(c.n.CustomDataBuffer, "ABCDEFGH", 8);
    assert_nt_status(STATUS_SUCCESS, IoReportTargetDeviceChange(pnpsim_device_pdo(dev), &c.n));
    assert_int_equal(Seen.calls, 1);
    assert_memory_equal(&Seen.event[0], &custom_event, sizeof(GUID));
    assert_ptr_equal(Seen.file[0], f);
    assert_memory_equal(Seen.custom[0], "ABCDEFGH", 8);
    /* Asynchronous: queued, delivered by the next harness call (DEFERRED). */
    assert_nt_status(STATUS_SUCCESS, IoReportTargetDeviceChangeAsynchronous(pnpsim_device_pdo(dev),
                                                                            &c.n, NULL, NULL));
    assert_int_equal(Seen.calls, 1);
    pnpsim_system_run_pending(sys);
    assert_int_equal(Seen.calls, 2);
    c.n.Event = GUID_TARGET_DEVICE_QUERY_REMOVE;
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoReportTargetDeviceChange(pnpsim_device_pdo(dev), &c.n));
    c.n.Event = custom_event;
    c.n.FileObject = f;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoReportTargetDeviceChange(pnpsim_device_pdo(dev), &c.n));
    ObDereferenceObject(f);
    assert_nt_status(STATUS_SUCCESS, IoUnregisterPlugPlayNotificationEx(entry));
}

/* A PDO-only routine given something else: PNP_DETECTED_FATAL_ERROR 0x2 (bug-check-0xca). */
static void test_io_notify__custom_event_on_a_non_pdo_bugchecks_0xca_2(void **state)
{
    pnpsim_system *sys = TSYS(state);
    TARGET_DEVICE_CUSTOM_NOTIFICATION n;
    memset(&n, 0, sizeof(n));
    n.Version = 1;
    n.Size = (USHORT)sizeof(n);
    n.Event = custom_event;
    n.NameBufferOffset = -1;
    PNPSIM_EXPECT_BUGCHECK(sys, PNP_DETECTED_FATAL_ERROR,
                           IoReportTargetDeviceChange((PDEVICE_OBJECT)JUNK, &n));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2);
}

/* IoGetDeviceObjectPointer: a disabled or unknown interface cannot be opened. */
static void test_io_notify__get_device_object_pointer_needs_an_enabled_interface(void **state)
{
    pnpsim_system *sys = TSYS(state);
    UNICODE_STRING name;
    PFILE_OBJECT f = NULL;
    PDEVICE_OBJECT d = NULL;
    pnpsim_device *dev;
    load_driver(sys);
    dev = started_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    RtlInitUnicodeString(&name, DEV0_NAME);
    assert_true(!NT_SUCCESS(IoGetDeviceObjectPointer(&name, FILE_READ_DATA, &f, &d)));
    RtlInitUnicodeString(&name, L"\\Device\\Nothing");
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceObjectPointer(&name, FILE_READ_DATA, &f, &d));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceObjectPointer(NULL, FILE_READ_DATA, &f, &d));
}

/* D-RegN: the entry references its driver; a driver that unloads with a live entry is
 * reported: DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS with the callback in
 * parameter 1 (choice, README). */
static void test_io_notify__unload_with_live_registration_bugchecks_0xce(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *mon = NULL;
    PDRIVER_OBJECT drv = NULL;
    load_driver(sys);
    toastmon_reset();
    Toastmon.LeakRegistration = TRUE;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "toastmon", ToastmonDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\TOASTMON", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\TOASTMON", "0", &mon));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(mon));
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS,
                           pnpsim_device_remove(mon));
    assert_int_not_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0);
}

/* ======================================================================================
 * The toastmon pattern
 * ==================================================================================== */

static pnpsim_device *start_toastmon(pnpsim_system *sys)
{
    pnpsim_device *mon = NULL;
    PDRIVER_OBJECT drv = NULL;
    toastmon_reset();
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "toastmon", ToastmonDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\TOASTMON", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\TOASTMON", "0", &mon));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(mon));
    return mon;
}

/* Hot-plug: devices present before the monitor (INCLUDE_EXISTING) and after it are opened
 * and watched; removing one closes the monitor's handle on QUERY_REMOVE (so the removal is
 * not vetoed) and forgets it on REMOVE_COMPLETE; everything runs at PASSIVE_LEVEL. */
static void test_io_notify__toastmon_hot_plug_and_orderly_removal(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0, *d1, *mon;
    load_driver(sys);
    d0 = started_device(sys, "0");
    mon = start_toastmon(sys);
    assert_int_equal(Toastmon.Arrivals, 1);
    assert_int_equal(Toastmon.Watching, 1);
    assert_int_equal(Toastmon.OpenHandles, 1);
    d1 = started_device(sys, "1");
    assert_int_equal(Toastmon.Arrivals, 2);
    assert_int_equal(Toastmon.OpenHandles, 2);
    assert_int_equal(pnpsim_device_open_count(d0), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(d0));
    assert_int_equal(Toastmon.QueryRemoves, 1);
    assert_int_equal(Toastmon.RemoveComplete, 1);
    assert_int_equal(Toastmon.Watching, 1);
    assert_int_equal(Toastmon.OpenHandles, 1);
    assert_int_equal(pnpsim_device_open_count(d0), 0);
    assert_int_equal(Toastmon.CallbackIrql, PASSIVE_LEVEL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(mon));
    assert_int_equal(Toastmon.Watching, 0);
    assert_int_equal(pnpsim_device_open_count(d1), 0);
    assert_int_equal(pnpsim_notify_registration_count(sys), 0);
}

/* Veto: the monitor keeps its handle and fails QUERY_REMOVE: the removal is cancelled and
 * the monitor hears REMOVE_CANCELLED. Then a cancel by the driver itself: the monitor
 * re-opens its handle on REMOVE_CANCELLED. */
static void test_io_notify__toastmon_veto_and_reopen(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0;
    load_driver(sys);
    d0 = started_device(sys, "0");
    start_toastmon(sys);
    Toastmon.VetoQueryRemove = TRUE;
    assert_true(!NT_SUCCESS(pnpsim_device_remove(d0)));
    assert_int_equal(Toastmon.RemoveCancelled, 1);
    assert_int_equal(Toastmon.OpenHandles, 1);
    Toastmon.VetoQueryRemove = FALSE;
    Notifydev.FailQueryRemove = TRUE;
    assert_true(!NT_SUCCESS(pnpsim_device_remove(d0)));
    assert_int_equal(Toastmon.QueryRemoves, 2);
    assert_int_equal(Toastmon.RemoveCancelled, 2);
    assert_int_equal(Toastmon.OpenHandles, 1); /* closed on QUERY_REMOVE, re-opened */
    assert_int_equal(pnpsim_device_open_count(d0), 1);
    Notifydev.FailQueryRemove = FALSE;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(d0));
    assert_int_equal(Toastmon.Watching, 0);
}

/* Surprise removal: REMOVE_COMPLETE arrives while the monitor still holds its handle (no
 * QUERY_REMOVE); it closes and forgets, which lets IRP_MN_REMOVE_DEVICE go (§1.3). */
static void test_io_notify__toastmon_surprise_removal(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0;
    load_driver(sys);
    d0 = started_device(sys, "0");
    start_toastmon(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(d0));
    assert_int_equal(Toastmon.QueryRemoves, 0);
    assert_int_equal(Toastmon.RemoveComplete, 1);
    assert_int_equal(Toastmon.Watching, 0);
    assert_int_equal(Notifydev.SurpriseRemovals, 1);
    assert_int_equal(Notifydev.Removes, 1);
}

/* MANUAL delivery: the documented duplicate arrival reaches the monitor, which tolerates
 * it (one handle, one watch). */
static void test_io_notify__toastmon_tolerates_the_duplicate_arrival(void **state)
{
    pnpsim_system *sys = TSYS(state);
    load_driver(sys);
    started_device(sys, "0"); /* arrival queued */
    start_toastmon(sys);      /* INCLUDE_EXISTING reports it inside AddDevice */
    pnpsim_system_run_pending(sys);
    assert_int_equal(Toastmon.Arrivals, 2);
    assert_int_equal(Toastmon.Duplicates, 1);
    assert_int_equal(Toastmon.Watching, 1);
    assert_int_equal(Toastmon.OpenHandles, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_io_notify__interface_callback_gets_exact_structure),
        PNPSIM_TEST(test_io_notify__include_existing_reports_inside_the_call),
        PNPSIM_TEST_MANUAL(test_io_notify__unregister_without_ex_allows_late_calls),
        PNPSIM_TEST_MANUAL(test_io_notify__unregister_ex_stops_at_once),
        PNPSIM_TEST(test_io_notify__unregister_ex_from_own_callback),
        PNPSIM_TEST(test_io_notify__unregister_ex_inside_include_existing_bugchecks),
        PNPSIM_TEST(test_io_notify__unregister_twice_bugchecks),
        PNPSIM_TEST(test_io_notify__callback_returning_at_raised_irql_bugchecks_0xca),
        PNPSIM_TEST(test_io_notify__bad_arguments),
        PNPSIM_TEST(test_io_notify__register_above_passive_bugchecks),
        PNPSIM_TEST(test_io_notify__out_of_memory),
        PNPSIM_TEST(test_io_notify__target_removal_events_carry_the_file_object),
        PNPSIM_TEST(test_io_notify__target_query_remove_veto),
        PNPSIM_TEST(test_io_notify__custom_events),
        PNPSIM_TEST(test_io_notify__custom_event_on_a_non_pdo_bugchecks_0xca_2),
        PNPSIM_TEST(test_io_notify__get_device_object_pointer_needs_an_enabled_interface),
        PNPSIM_TEST(test_io_notify__unload_with_live_registration_bugchecks_0xce),
        PNPSIM_TEST(test_io_notify__toastmon_hot_plug_and_orderly_removal),
        PNPSIM_TEST(test_io_notify__toastmon_veto_and_reopen),
        PNPSIM_TEST(test_io_notify__toastmon_surprise_removal),
        PNPSIM_TEST_MANUAL(test_io_notify__toastmon_tolerates_the_duplicate_arrival),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
