/* SPDX-License-Identifier: MIT */
/*
 * This file implements the example "test a WDM function driver's device interface with
 * cmocka": a small WDM function driver (registers GUID_GADGET_INTERFACE in AddDevice,
 * enables it once IRP_MN_START_DEVICE has succeeded below it, disables it on surprise
 * removal and removal, as Microsoft Learn "Device Interface Classes" advises) and three
 * cmocka tests written with <pnpsim/cmocka.h>: each test gets a fresh simulated system
 * (PNPSIM_CMOCKA_TEST), whose teardown fails the test on leaked pool, unreleased references
 * or verifier violations. The tests check the interface list, the arrival a listener gets,
 * and the removal when the device goes. Build: link pnpsim::wdk and cmocka.
 */

/* ======================================================================================
 * Part 1: the driver under test (normally its own file, compiled unchanged)
 * ==================================================================================== */
#include <wdm.h>
#include <initguid.h>

/* {0b7a61c8-5a2e-4c1b-8f0e-3d9b1c2a4e55} */
DEFINE_GUID(GUID_GADGET_INTERFACE, 0x0b7a61c8, 0x5a2e, 0x4c1b, 0x8f, 0x0e, 0x3d, 0x9b, 0x1c,
            0x2a, 0x4e, 0x55);

typedef struct _GADGET_EXTENSION {
    PDEVICE_OBJECT Lower;
    UNICODE_STRING Link; /* filled by IoRegisterDeviceInterface, freed at removal */
} GADGET_EXTENSION, *PGADGET_EXTENSION;

static NTSTATUS GadgetAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    PGADGET_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(GADGET_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PGADGET_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    /* Register (not enable) now: the name is stable and other code can look it up. */
    status = IoRegisterDeviceInterface(Pdo, &GUID_GADGET_INTERFACE, NULL, &ext->Link);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(fdo);
        return status;
    }
    ext->Lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    if (ext->Lower == NULL) {
        RtlFreeUnicodeString(&ext->Link);
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

/* START goes to the bus first; this routine signals when the bus has completed it. */
static NTSTATUS GadgetStartCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->PendingReturned)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS GadgetPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PGADGET_EXTENSION ext = (PGADGET_EXTENSION)DeviceObject->DeviceExtension;
    PDEVICE_OBJECT lower = ext->Lower;
    NTSTATUS status;
    KEVENT done;

    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        KeInitializeEvent(&done, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, GadgetStartCompletion, &done, TRUE, TRUE, TRUE);
        status = IoCallDriver(lower, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        if (NT_SUCCESS(status))
            IoSetDeviceInterfaceState(&ext->Link, TRUE); /* arrival after START completes */
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    case IRP_MN_SURPRISE_REMOVAL:
        IoSetDeviceInterfaceState(&ext->Link, FALSE);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        /* After a surprise removal the interface is already disabled: that second
         * disable returns STATUS_OBJECT_NAME_NOT_FOUND, which is harmless. */
        IoSetDeviceInterfaceState(&ext->Link, FALSE);
        RtlFreeUnicodeString(&ext->Link);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

static VOID GadgetUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

static NTSTATUS GadgetDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = GadgetAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = GadgetPnp;
    DriverObject->DriverUnload = GadgetUnload;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Part 2: the tests
 * ==================================================================================== */
#include <pnpsim/cmocka.h>

#define GADGET_HWID "ROOT\\GADGET"
#define GADGET_LINK "\\??\\ROOT#GADGET#0#{0b7a61c8-5a2e-4c1b-8f0e-3d9b1c2a4e55}"

/* Once started, the device's interface is registered and enabled under its documented name
 * (windows-semantics.md §2.1: \??\<instance path with # for \>#{class}). */
static void test_gadget__started_device_lists_its_enabled_interface(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    pnpsim_iface_list *list = NULL;

    pnpsim_cmocka_load(sys, "gadget", GadgetDriverEntry, GADGET_HWID);
    pnpsim_cmocka_start(sys, GADGET_HWID, "0");

    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_list_class(sys, &GUID_GADGET_INTERFACE, 0, &list));
    assert_int_equal(1, list->count);
    assert_string_equal(GADGET_LINK, list->items[0].name);
    assert_true(list->items[0].enabled);
    pnpsim_iface_list_free(sys, list);
}

/* A listener registered before the device starts gets exactly one arrival, naming the
 * interface, once START has completed (windows-semantics.md §4.3). */
static void test_gadget__listener_hears_one_arrival_at_start(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    pnpsim_notify_recorder *rec = pnpsim_recorder_start(sys, &GUID_GADGET_INTERFACE);

    pnpsim_cmocka_load(sys, "gadget", GadgetDriverEntry, GADGET_HWID);
    pnpsim_cmocka_start(sys, GADGET_HWID, "0"); /* deferred delivery: done on return */

    assert_int_equal(1, pnpsim_recorder_count(rec));
    assert_notification(rec, 0, PNPSIM_NOTIFY_INTERFACE_ARRIVAL, GADGET_LINK);
    pnpsim_recorder_stop(rec);
}

/* Surprise removal: the driver disables its interface, listeners get one removal, the
 * interface is no longer listed as enabled but stays registered. */
static void test_gadget__surprise_removal_disables_the_interface(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_iface_list *list = NULL;
    pnpsim_device *dev;

    pnpsim_cmocka_load(sys, "gadget", GadgetDriverEntry, GADGET_HWID);
    dev = pnpsim_cmocka_start(sys, GADGET_HWID, "0");
    /* Started after the arrival: INCLUDE_EXISTING reports the enabled interface at once. */
    rec = pnpsim_recorder_start_existing(sys, &GUID_GADGET_INTERFACE);
    assert_int_equal(1, pnpsim_recorder_count(rec));

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));

    assert_int_equal(2, pnpsim_recorder_count(rec));
    assert_notification(rec, 1, PNPSIM_NOTIFY_INTERFACE_REMOVAL, GADGET_LINK);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_list_class(sys, &GUID_GADGET_INTERFACE, 0, &list));
    assert_int_equal(0, list->count); /* no enabled interface left ... */
    pnpsim_iface_list_free(sys, list);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_list_class(sys, &GUID_GADGET_INTERFACE,
                                             PNPSIM_IFACE_INCLUDE_DISABLED, &list));
    assert_int_equal(1, list->count); /* ... but the registration stays */
    assert_false(list->items[0].enabled);
    pnpsim_iface_list_free(sys, list);
    pnpsim_recorder_stop(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_CMOCKA_TEST(test_gadget__started_device_lists_its_enabled_interface),
        PNPSIM_CMOCKA_TEST(test_gadget__listener_hears_one_arrival_at_start),
        PNPSIM_CMOCKA_TEST(test_gadget__surprise_removal_disables_the_interface),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
