/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the device interface manager as a driver meets it: a
 * WDM function driver (below, written as a driver author writes one) registers its
 * interface in AddDevice, enables it in IRP_MN_START_DEVICE and disables it in
 * IRP_MN_REMOVE_DEVICE, and is run through start, stop, surprise removal, removal,
 * uninstall and reboot. The tests check the interface events the simulated PnP manager
 * queues (exact DEVICE_INTERFACE_CHANGE_NOTIFICATION contents), the enable state, and the
 * native inspection API (include/pnpsim/iface.h). Windows behaviour is cited from
 * windows-semantics.md (§1.3, §2, §4, §13 items 15-26).
 */
#include <string.h>

#include <ntddk.h>
#include <initguid.h>
#include <wdmguid.h>
#include <devpkey.h>

#include "pnpsim_test.h"

#include "drivers/simbus.h"

/* {deadbeef-29ef-4538-a5fd-b69573a362c0} */
DEFINE_GUID(GUID_IFDRV_CLASS, 0xdeadbeef, 0x29ef, 0x4538, 0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3,
            0x62, 0xc0);

#define IFDRV_HWID "ROOT\\IFDRV"
#define IFDRV_PATH "ROOT\\IFDRV\\0"
#define IFDRV_NAME "\\??\\ROOT#IFDRV#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"
#define IFDRV_NAME_W L"\\??\\ROOT#IFDRV#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}"

/* ======================================================================================
 * The driver
 * ==================================================================================== */

typedef struct _IFDRV_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDeviceObject;
    PDEVICE_OBJECT PhysicalDeviceObject;
    UNICODE_STRING InterfaceName;
} IFDRV_EXTENSION, *PIFDRV_EXTENSION;

/* What the driver saw and what the test asks of it. */
static struct {
    BOOLEAN EnableInAddDevice;
    BOOLEAN EnableInStart;
    BOOLEAN DisableInSurpriseRemoval;
    NTSTATUS RegisterStatus;
    NTSTATUS AddEnableStatus;
    NTSTATUS StartEnableStatus;
    NTSTATUS SurpriseDisableStatus;
    NTSTATUS RemoveDisableStatus;
    ULONG Starts;
    ULONG Removes;
} Ifdrv;

static DRIVER_ADD_DEVICE IfdrvAddDevice;
static DRIVER_DISPATCH IfdrvPnp;
static DRIVER_DISPATCH IfdrvCreateClose;
static IO_COMPLETION_ROUTINE IfdrvSyncCompletion;

static NTSTATUS IfdrvDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = IfdrvPnp;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = IfdrvCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = IfdrvCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = IfdrvCreateClose;
    DriverObject->DriverExtension->AddDevice = IfdrvAddDevice;
    return STATUS_SUCCESS;
}

static NTSTATUS IfdrvAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo;
    PIFDRV_EXTENSION ext;
    NTSTATUS status;

    PAGED_CODE();
    status = IoCreateDevice(DriverObject, sizeof(IFDRV_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PIFDRV_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Self = fdo;
    ext->PhysicalDeviceObject = PhysicalDeviceObject;

    /* Register in AddDevice, as the documentation recommends. */
    status = IoRegisterDeviceInterface(PhysicalDeviceObject, &GUID_IFDRV_CLASS, NULL,
                                       &ext->InterfaceName);
    Ifdrv.RegisterStatus = status;
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(fdo);
        return status;
    }
    ext->LowerDeviceObject = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDeviceObject == NULL) {
        RtlFreeUnicodeString(&ext->InterfaceName);
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    if (Ifdrv.EnableInAddDevice)
        Ifdrv.AddEnableStatus = IoSetDeviceInterfaceState(&ext->InterfaceName, TRUE);
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS IfdrvSyncCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS IfdrvPassDown(PIFDRV_EXTENSION ext, PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDeviceObject, Irp);
}

static NTSTATUS IfdrvPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIFDRV_EXTENSION ext = (PIFDRV_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    KEVENT done;

    switch (sp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        /* The bus driver starts first; then the interface is enabled. */
        KeInitializeEvent(&done, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, IfdrvSyncCompletion, &done, TRUE, TRUE, TRUE);
        status = IoCallDriver(ext->LowerDeviceObject, Irp);
        if (status == STATUS_PENDING)
            KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        status = Irp->IoStatus.Status;
        if (NT_SUCCESS(status)) {
            Ifdrv.Starts++;
            if (Ifdrv.EnableInStart)
                Ifdrv.StartEnableStatus = IoSetDeviceInterfaceState(&ext->InterfaceName, TRUE);
        }
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;

    case IRP_MN_SURPRISE_REMOVAL:
        if (Ifdrv.DisableInSurpriseRemoval)
            Ifdrv.SurpriseDisableStatus = IoSetDeviceInterfaceState(&ext->InterfaceName, FALSE);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return IfdrvPassDown(ext, Irp);

    case IRP_MN_REMOVE_DEVICE:
        Ifdrv.Removes++;
        Ifdrv.RemoveDisableStatus = IoSetDeviceInterfaceState(&ext->InterfaceName, FALSE);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        status = IfdrvPassDown(ext, Irp);
        IoDetachDevice(ext->LowerDeviceObject);
        RtlFreeUnicodeString(&ext->InterfaceName);
        IoDeleteDevice(DeviceObject);
        return status;

    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return IfdrvPassDown(ext, Irp);

    default:
        return IfdrvPassDown(ext, Irp);
    }
}

static NTSTATUS IfdrvCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Helpers
 * ==================================================================================== */

/* Load and bind the driver (again after a reboot: drivers do not survive it) under the
 * given service name, and create its device, not started. */
static pnpsim_device *ifdrv_device_as(pnpsim_system *sys, const char *service)
{
    PDRIVER_OBJECT drv = NULL;
    pnpsim_device *dev = NULL;
    RtlZeroMemory(&Ifdrv, sizeof(Ifdrv));
    Ifdrv.EnableInStart = TRUE;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, service, IfdrvDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, IFDRV_HWID, drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, IFDRV_HWID, "0", &dev));
    return dev;
}

static pnpsim_device *ifdrv_device(pnpsim_system *sys)
{
    return ifdrv_device_as(sys, "ifdrv");
}

static pnpsim_iface_event_list *events(pnpsim_system *sys)
{
    pnpsim_iface_event_list *l = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_events(sys, &l));
    assert_non_null(l);
    return l;
}

static size_t event_count(pnpsim_system *sys)
{
    pnpsim_iface_event_list *l = events(sys);
    size_t n = l->count;
    pnpsim_iface_events_free(sys, l);
    return n;
}

/* The event at index is an arrival (or removal) of the driver's interface, exactly as a
 * kernel listener receives it (§7.2; RT-old asserts Version and Size). */
static void assert_event(pnpsim_system *sys, size_t index, int arrival)
{
    pnpsim_iface_event_list *l = events(sys);
    const pnpsim_iface_event *e;
    const DEVICE_INTERFACE_CHANGE_NOTIFICATION *n;
    assert_true(index < l->count);
    e = &l->items[index];
    n = &e->notification;
    assert_int_equal(e->arrival, arrival);
    assert_int_equal(n->Version, 1);
    assert_int_equal(n->Size, sizeof(DEVICE_INTERFACE_CHANGE_NOTIFICATION));
    assert_true(IsEqualGUID(&n->Event, arrival ? &GUID_DEVICE_INTERFACE_ARRIVAL
                                              : &GUID_DEVICE_INTERFACE_REMOVAL));
    assert_true(IsEqualGUID(&n->InterfaceClassGuid, &GUID_IFDRV_CLASS));
    assert_non_null(n->SymbolicLinkName);
    assert_int_equal(n->SymbolicLinkName->Length, sizeof(IFDRV_NAME_W) - sizeof(WCHAR));
    assert_memory_equal(n->SymbolicLinkName->Buffer, IFDRV_NAME_W, sizeof(IFDRV_NAME_W));
    assert_string_equal(e->name, IFDRV_NAME);
    assert_string_equal(e->instance_path, IFDRV_PATH);
    if (index > 0)
        assert_true(e->seq > l->items[index - 1].seq);
    pnpsim_iface_events_free(sys, l);
}

static int iface_enabled(pnpsim_system *sys)
{
    pnpsim_iface_list *l = NULL;
    int enabled;
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_lookup(sys, IFDRV_NAME, &l));
    enabled = l->items[0].enabled;
    pnpsim_iface_list_free(sys, l);
    return enabled;
}

/* ======================================================================================
 * Lifecycle
 * ==================================================================================== */

/* §13 items 1, 19, 20: registered in AddDevice (exactly STATUS_SUCCESS), enabled in START;
 * exactly one arrival, after START completed, with the exact notification record. */
static void test_iface__start_enables_and_queues_one_arrival(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, Ifdrv.RegisterStatus);
    assert_nt_status(STATUS_SUCCESS, Ifdrv.StartEnableStatus);
    assert_int_equal(iface_enabled(sys), 1);
    assert_int_equal(event_count(sys), 1);
    assert_event(sys, 0, 1);
}

/* §13 item 21: the driver disables in REMOVE: exactly one removal; the registration stays
 * (listed as disabled). */
static void test_iface__remove_disables_and_queues_one_removal(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    pnpsim_iface_list *l = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(Ifdrv.Removes, 1);
    assert_nt_status(STATUS_SUCCESS, Ifdrv.RemoveDisableStatus);
    assert_int_equal(event_count(sys), 2);
    assert_event(sys, 1, 0);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_list_class(sys, &GUID_IFDRV_CLASS, PNPSIM_IFACE_INCLUDE_DISABLED, &l));
    assert_int_equal(l->count, 1);
    assert_int_equal(l->items[0].enabled, 0);
    pnpsim_iface_list_free(sys, l);
}

/* §4.3 guidance: interfaces stay enabled across stop (rebalance); restarting re-enables
 * nothing new (STATUS_OBJECT_NAME_EXISTS for the driver's second enable, no event). */
static void test_iface__stop_keeps_interface_enabled(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_stop(dev));
    assert_int_equal(iface_enabled(sys), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, Ifdrv.StartEnableStatus);
    assert_int_equal(event_count(sys), 1);
}

/* §1.3 (K-SRH step 7; WT-ntos child removal, §13 item 25): a driver that does not disable
 * in surprise removal has its interface disabled by the PnP manager at surprise-removal
 * time; the driver's disable in REMOVE then finds it disabled; exactly one removal. */
static void test_iface__surprise_removal_pnp_disables_once(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));
    assert_int_equal(Ifdrv.Removes, 1);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, Ifdrv.RemoveDisableStatus);
    assert_int_equal(event_count(sys), 2);
    assert_event(sys, 1, 0);
}

/* §1.3: a driver that disables in surprise removal gets STATUS_SUCCESS there, and one
 * removal event in all. */
static void test_iface__surprise_removal_driver_disables(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    Ifdrv.DisableInSurpriseRemoval = TRUE;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));
    assert_nt_status(STATUS_SUCCESS, Ifdrv.SurpriseDisableStatus);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, Ifdrv.RemoveDisableStatus);
    assert_int_equal(event_count(sys), 2);
    assert_event(sys, 1, 0);
}

/* Choice (§14): enabling in AddDevice, before START: enabled at once, the arrival is
 * queued only when START completes (§4.3: notifications wait for start). */
static void test_iface__enable_in_add_device_arrives_after_start(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    pnpsim_iface_list *l = NULL;
    Ifdrv.EnableInAddDevice = TRUE;
    Ifdrv.EnableInStart = FALSE;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, Ifdrv.AddEnableStatus);
    assert_int_equal(event_count(sys), 1);
    assert_event(sys, 0, 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_class(sys, &GUID_IFDRV_CLASS, 0, &l));
    assert_int_equal(l->count, 1);
    assert_int_equal(l->items[0].arrival_pending, 0);
    pnpsim_iface_list_free(sys, l);
}

/* §2.3, §3 item 3: after a reboot the registration is still there (AddDevice's
 * registration returns STATUS_OBJECT_NAME_EXISTS), the enable state is fresh. */
static void test_iface__reboot_keeps_registration_resets_state(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
    assert_int_equal(iface_enabled(sys), 0);
    pnpsim_iface_events_clear(sys);
    assert_int_equal(event_count(sys), 0);

    /* (Another service name: the old driver object may outlive the reboot.) */
    dev = ifdrv_device_as(sys, "ifdrv2");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, Ifdrv.RegisterStatus);
    assert_nt_status(STATUS_SUCCESS, Ifdrv.StartEnableStatus);
    assert_int_equal(event_count(sys), 1);
    assert_event(sys, 0, 1);
}

/* §1.3, §13 items 26 and 42: uninstalling the device deletes its registrations. */
static void test_iface__uninstall_deletes_registrations(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    pnpsim_iface_list *l = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_uninstall(dev));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, pnpsim_iface_lookup(sys, IFDRV_NAME, &l));
    assert_null(l);
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_device(sys, IFDRV_PATH, &l));
    assert_int_equal(l->count, 0);
    pnpsim_iface_list_free(sys, l);
}

/* ======================================================================================
 * Children of a bus driver
 * ==================================================================================== */

/* simbus on ROOT\SIMBUS\0, ifdrv as the function driver of its Wine\Test children. */
static pnpsim_device *start_bus_with_ifdrv_children(pnpsim_system *sys)
{
    PDRIVER_OBJECT bus_drv = NULL, fn_drv = NULL;
    pnpsim_device *bus = NULL;
    simbus_reset();
    RtlZeroMemory(&Ifdrv, sizeof(Ifdrv));
    Ifdrv.EnableInStart = TRUE;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "simbus", SimbusDriverEntry, &bus_drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\SIMBUS", bus_drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "ifdrv", IfdrvDriverEntry, &fn_drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "Wine\\Test", fn_drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\SIMBUS", "0", &bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(bus));
    return bus;
}

static pnpsim_device *plug_child(pnpsim_system *sys, pnpsim_device *bus, BOOLEAN unique)
{
    pnpsim_device *c, *last = NULL;
    assert_nt_status(STATUS_SUCCESS, simbus_plug_child(simbus_last_fdo(), L"Wine\\Test", L"1", unique));
    assert_true(pnpsim_system_run_pending(sys) >= 1);
    for (c = pnpsim_device_first_child(bus); c != NULL; c = pnpsim_device_next_sibling(c))
        last = c;
    assert_non_null(last);
    return last;
}

/* §13 items 2 and 7 (WT-pnp): a child reported as Wine\Test / 1 (UniqueID TRUE) gets
 * \??\Wine#Test#1#{guid}: bus case kept; its arrival comes once it has started. */
static void test_iface__bus_child_gets_bus_case_name_and_arrival(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *bus = start_bus_with_ifdrv_children(sys);
    pnpsim_iface_event_list *l;
    plug_child(sys, bus, TRUE);
    assert_nt_status(STATUS_SUCCESS, Ifdrv.RegisterStatus);
    assert_nt_status(STATUS_SUCCESS, Ifdrv.StartEnableStatus);
    l = events(sys);
    assert_int_equal(l->count, 1);
    assert_int_equal(l->items[0].arrival, 1);
    assert_string_equal(l->items[0].name,
                        "\\??\\Wine#Test#1#{deadbeef-29ef-4538-a5fd-b69573a362c0}");
    assert_string_equal(l->items[0].instance_path, "Wine\\Test\\1");
    pnpsim_iface_events_free(sys, l);
}

/* §13 item 24 (WT-ntos): the plugged child's active interface reports Enabled = TRUE
 * (a 1-byte DEVPROP_TRUE); its owner's instance ID is the stored, bus-reported case
 * (SetupDi's upper-case WINE\TEST\1 is a user-mode spelling; §1.2, WT-cfg). */
static void test_iface__bus_child_interface_properties(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *bus = start_bus_with_ifdrv_children(sys);
    UNICODE_STRING name;
    DEVPROP_BOOLEAN enabled = 0;
    WCHAR inst[32];
    ULONG need = 0;
    DEVPROPTYPE type = 0;
    plug_child(sys, bus, TRUE);
    RtlInitUnicodeString(&name, L"\\??\\Wine#Test#1#{deadbeef-29ef-4538-a5fd-b69573a362c0}");
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfacePropertyData(&name, &DEVPKEY_DeviceInterface_Enabled,
                                                      LOCALE_NEUTRAL, 0, sizeof(enabled), &enabled,
                                                      &need, &type));
    assert_int_equal(type, DEVPROP_TYPE_BOOLEAN);
    assert_int_equal(need, 1);
    assert_int_equal((UCHAR)enabled, 0xFF);
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceInterfacePropertyData(&name, &DEVPKEY_Device_InstanceId,
                                                      LOCALE_NEUTRAL, 0, sizeof(inst), inst, &need,
                                                      &type));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_memory_equal(inst, L"Wine\\Test\\1", sizeof(L"Wine\\Test\\1"));
}

/* §13 item 4 (WT-pnp2): with UniqueID FALSE the instance part of the name is the parent's
 * ParentIdPrefix, '&', the bus instance ID: the name follows the instance path exactly. */
static void test_iface__bus_child_without_unique_id_uses_parent_id_prefix(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *bus = start_bus_with_ifdrv_children(sys);
    pnpsim_device *child = plug_child(sys, bus, FALSE);
    pnpsim_iface_list *l = NULL;
    const char *inst = pnpsim_device_instance_id(child);
    char expected[200];
    assert_non_null(strchr(inst, '&'));
    assert_string_equal(strrchr(inst, '&'), "&1");
    snprintf(expected, sizeof(expected),
             "\\??\\Wine#Test#%s#{deadbeef-29ef-4538-a5fd-b69573a362c0}", inst);
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_device(sys, pnpsim_device_instance_path(child), &l));
    assert_int_equal(l->count, 1);
    assert_string_equal(l->items[0].name, expected);
    pnpsim_iface_list_free(sys, l);
}

/* §1.3, §13 items 13 and 25: a child the bus stops reporting is surprise-removed; the PnP
 * manager disables its interface (one removal), the driver's disable in REMOVE finds it
 * already disabled. */
static void test_iface__unplugged_child_interface_is_disabled_by_pnp(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *bus = start_bus_with_ifdrv_children(sys);
    pnpsim_iface_event_list *l;
    plug_child(sys, bus, TRUE);
    assert_nt_status(STATUS_SUCCESS, simbus_unplug_child(simbus_last_fdo(), L"1"));
    pnpsim_system_run_pending(sys);
    assert_int_equal(Ifdrv.Removes, 1);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, Ifdrv.RemoveDisableStatus);
    l = events(sys);
    assert_int_equal(l->count, 2);
    assert_int_equal(l->items[1].arrival, 0);
    assert_string_equal(l->items[1].name,
                        "\\??\\Wine#Test#1#{deadbeef-29ef-4538-a5fd-b69573a362c0}");
    pnpsim_iface_events_free(sys, l);
}

/* ======================================================================================
 * Native inspection API
 * ==================================================================================== */

static void test_iface__lookup_by_any_spelling(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    pnpsim_iface_list *l = NULL;
    static const char *const spellings[] = {
        IFDRV_NAME,
        "\\\\?\\ROOT#IFDRV#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}",
        "\\\\?\\root#ifdrv#0#{DEADBEEF-29EF-4538-A5FD-B69573A362C0}",
    };
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
        assert_nt_status(STATUS_SUCCESS, pnpsim_iface_lookup(sys, spellings[i], &l));
        assert_int_equal(l->count, 1);
        assert_string_equal(l->items[0].name, IFDRV_NAME);
        assert_string_equal(l->items[0].user_name,
                            "\\\\?\\ROOT#IFDRV#0#{deadbeef-29ef-4538-a5fd-b69573a362c0}");
        assert_null(l->items[0].reference);
        assert_string_equal(l->items[0].instance_path, IFDRV_PATH);
        assert_true(IsEqualGUID(&l->items[0].class_guid, &GUID_IFDRV_CLASS));
        assert_int_equal(l->items[0].enabled, 1);
        pnpsim_iface_list_free(sys, l);
    }
}

static void test_iface__native_api_bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_iface_list *l = (pnpsim_iface_list *)(uintptr_t)1;
    pnpsim_iface_event_list *e = NULL;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_iface_lookup(sys, NULL, &l));
    assert_null(l);
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_iface_lookup(sys, "\\??\\", &l));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     pnpsim_iface_lookup(sys, "\\??\\X{deadbeef-29ef-4538-a5fd-b69573a362c0}", &l));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_iface_list_class(sys, NULL, 0, &l));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_iface_list_class(sys, &GUID_IFDRV_CLASS, 0x80, &l));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_iface_list_device(sys, NULL, &l));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_iface_events(NULL, &e));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_iface_events(sys, NULL));
    pnpsim_iface_list_free(sys, NULL);
    pnpsim_iface_events_free(sys, NULL);
}

static void test_iface__native_api_out_of_memory(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = ifdrv_device(sys);
    pnpsim_iface_list *l = NULL;
    pnpsim_iface_event_list *e = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    pnpsim_fault_alloc(sys, 1, 0);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     pnpsim_iface_list_class(sys, &GUID_IFDRV_CLASS, 0, &l));
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, pnpsim_iface_lookup(sys, IFDRV_NAME, &l));
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, pnpsim_iface_events(sys, &e));
    pnpsim_fault_clear(sys);
    assert_null(l);
    assert_null(e);
}

/* Many interfaces across many classes and devices: the indexes grow and every one is
 * still found; per-class and per-device lists hold exactly their own. */
static void test_iface__many_interfaces_are_indexed(void **state)
{
    pnpsim_system *sys = TSYS(state);
    enum { DEVICES = 40, CLASSES = 5 };
    pnpsim_iface_list *l = NULL;
    for (int d = 0; d < DEVICES; d++) {
        char inst[8];
        pnpsim_device *dev = NULL;
        snprintf(inst, sizeof(inst), "%d", d);
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\MANY", inst, &dev));
        for (int c = 0; c < CLASSES; c++) {
            GUID g = GUID_IFDRV_CLASS;
            UNICODE_STRING name;
            g.Data2 = (USHORT)c;
            assert_nt_status(STATUS_SUCCESS,
                             IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &g, NULL, &name));
            if ((d + c) % 2 == 0)
                assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
            RtlFreeUnicodeString(&name);
        }
    }
    for (int c = 0; c < CLASSES; c++) {
        GUID g = GUID_IFDRV_CLASS;
        g.Data2 = (USHORT)c;
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_iface_list_class(sys, &g, PNPSIM_IFACE_INCLUDE_DISABLED, &l));
        assert_int_equal(l->count, DEVICES);
        assert_string_equal(l->items[0].instance_path, "ROOT\\MANY\\0");
        assert_string_equal(l->items[DEVICES - 1].instance_path, "ROOT\\MANY\\39");
        pnpsim_iface_list_free(sys, l);
        assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_class(sys, &g, 0, &l));
        assert_int_equal(l->count, DEVICES / 2);
        pnpsim_iface_list_free(sys, l);
    }
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_device(sys, "root\\many\\17", &l));
    assert_int_equal(l->count, CLASSES);
    pnpsim_iface_list_free(sys, l);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_lookup(sys, "\\??\\ROOT#MANY#33#{deadbeef-0004-4538-a5fd-b69573a362c0}", &l));
    assert_int_equal(l->items[0].enabled, 0);
    pnpsim_iface_list_free(sys, l);
}

/* The name index keeps every remaining name reachable when registrations in the middle of
 * its probe runs are deleted (uninstall, §13 item 26): 150 devices x 4 classes grow the
 * index several times; every third device is uninstalled; then each name is looked up by
 * name and by IoSetDeviceInterfaceState, and the deleted ones are not found. */
static void test_iface__index_survives_deletions(void **state)
{
    pnpsim_system *sys = TSYS(state);
    enum { DEVICES = 150, CLASSES = 4 };
    static pnpsim_device *devs[DEVICES];
    static UNICODE_STRING names[DEVICES][CLASSES];
    pnpsim_iface_list *l = NULL;
    for (int d = 0; d < DEVICES; d++) {
        char inst[8];
        snprintf(inst, sizeof(inst), "%d", d);
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_device_create(sys, NULL, "ROOT\\IDX", inst, &devs[d]));
        for (int c = 0; c < CLASSES; c++) {
            GUID g = GUID_IFDRV_CLASS;
            g.Data2 = (USHORT)c;
            assert_nt_status(STATUS_SUCCESS, IoRegisterDeviceInterface(pnpsim_device_pdo(devs[d]),
                                                                       &g, NULL, &names[d][c]));
        }
    }
    for (int d = 0; d < DEVICES; d += 3)
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_uninstall(devs[d]));
    for (int d = 0; d < DEVICES; d++) {
        for (int c = 0; c < CLASSES; c++) {
            ANSI_STRING a;
            char text[128];
            bool gone = d % 3 == 0;
            assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringToAnsiString(&a, &names[d][c], TRUE));
            snprintf(text, sizeof(text), "%.*s", (int)a.Length, a.Buffer);
            RtlFreeAnsiString(&a);
            assert_nt_status(gone ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_SUCCESS,
                             pnpsim_iface_lookup(sys, text, &l));
            if (!gone) {
                assert_int_equal(l->count, 1);
                pnpsim_iface_list_free(sys, l);
                assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&names[d][c], TRUE));
            } else {
                assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                                 IoSetDeviceInterfaceState(&names[d][c], TRUE));
            }
            l = NULL;
            RtlFreeUnicodeString(&names[d][c]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_iface__start_enables_and_queues_one_arrival),
        PNPSIM_TEST(test_iface__remove_disables_and_queues_one_removal),
        PNPSIM_TEST(test_iface__stop_keeps_interface_enabled),
        PNPSIM_TEST(test_iface__surprise_removal_pnp_disables_once),
        PNPSIM_TEST(test_iface__surprise_removal_driver_disables),
        PNPSIM_TEST(test_iface__enable_in_add_device_arrives_after_start),
        PNPSIM_TEST(test_iface__reboot_keeps_registration_resets_state),
        PNPSIM_TEST(test_iface__uninstall_deletes_registrations),
        PNPSIM_TEST(test_iface__bus_child_gets_bus_case_name_and_arrival),
        PNPSIM_TEST(test_iface__bus_child_interface_properties),
        PNPSIM_TEST(test_iface__bus_child_without_unique_id_uses_parent_id_prefix),
        PNPSIM_TEST(test_iface__unplugged_child_interface_is_disabled_by_pnp),
        PNPSIM_TEST(test_iface__lookup_by_any_spelling),
        PNPSIM_TEST(test_iface__native_api_bad_arguments),
        PNPSIM_TEST(test_iface__native_api_out_of_memory),
        PNPSIM_TEST(test_iface__many_interfaces_are_indexed),
        PNPSIM_TEST(test_iface__index_survives_deletions),
    };
    return cmocka_run_group_tests_name("core_iface", tests, NULL, NULL);
}
