/* SPDX-License-Identifier: MIT */
/*
 * This file implements the small WDM function driver shared by the um_discovery and picture
 * examples (see example_driver.h): register in AddDevice, enable when the start has
 * completed below, disable on surprise removal and removal (Microsoft Learn "Device
 * Interface Classes", "Using a Device Interface").
 */
#include <wdm.h>
#include <initguid.h>
#include "example_driver.h"

typedef struct _EXAMPLE_EXTENSION {
    PDEVICE_OBJECT Lower;
    UNICODE_STRING Link;
} EXAMPLE_EXTENSION, *PEXAMPLE_EXTENSION;

static PDRIVER_OBJECT HubDriver; /* the driver object loaded as "hub", if any */

static NTSTATUS ExampleAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    const GUID *cls = DriverObject == HubDriver ? &GUID_EXAMPLE_HUB_INTERFACE
                                                : &GUID_EXAMPLE_SENSOR_INTERFACE;
    PEXAMPLE_EXTENSION ext;
    PDEVICE_OBJECT fdo;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(EXAMPLE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PEXAMPLE_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    status = IoRegisterDeviceInterface(Pdo, cls, NULL, &ext->Link);
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

static NTSTATUS ExampleStartDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->PendingReturned)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS ExamplePnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PEXAMPLE_EXTENSION ext = (PEXAMPLE_EXTENSION)DeviceObject->DeviceExtension;
    PDEVICE_OBJECT lower = ext->Lower;
    NTSTATUS status;
    KEVENT done;

    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE: /* the bus first, then us */
        KeInitializeEvent(&done, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, ExampleStartDone, &done, TRUE, TRUE, TRUE);
        status = IoCallDriver(lower, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        if (NT_SUCCESS(status))
            IoSetDeviceInterfaceState(&ext->Link, TRUE);
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    case IRP_MN_SURPRISE_REMOVAL:
        IoSetDeviceInterfaceState(&ext->Link, FALSE);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        IoSetDeviceInterfaceState(&ext->Link, FALSE); /* harmless if already disabled */
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

/* Open and close succeed, so applications can open the interface. */
static NTSTATUS ExampleCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static VOID ExampleUnload(PDRIVER_OBJECT DriverObject)
{
    if (DriverObject == HubDriver)
        HubDriver = NULL;
}

NTSTATUS ExampleSensorDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = ExampleAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = ExamplePnp;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = ExampleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = ExampleCreateClose;
    DriverObject->DriverUnload = ExampleUnload;
    return STATUS_SUCCESS;
}

NTSTATUS ExampleHubDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    HubDriver = DriverObject;
    return ExampleSensorDriverEntry(DriverObject, RegistryPath);
}
