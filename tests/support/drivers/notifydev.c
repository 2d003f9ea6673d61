/* SPDX-License-Identifier: MIT */
/*
 * This file implements the notifydev test driver: a WDM function driver that exposes one
 * device interface (GUID_NOTIFYDEV_CLASS), enabled after its start completes and disabled
 * on surprise removal or removal, as the documentation recommends (IoSetDeviceInterface-
 * State remarks). It is driver code compiled unchanged against pnpsim's WDK headers.
 */
#include <wdm.h>

#include "notifydev.h"

const GUID GUID_NOTIFYDEV_CLASS = {
    0x6b7a1c3e, 0x5d2f, 0x4b8a, {0x9c, 0x41, 0x0f, 0x3e, 0x2d, 0x1a, 0x7b, 0x55}};

NOTIFYDEV_STATE Notifydev;

typedef struct _NOTIFYDEV_EXTENSION {
    PDEVICE_OBJECT Lower;
    UNICODE_STRING InterfaceName;
    BOOLEAN Enabled;
} NOTIFYDEV_EXTENSION, *PNOTIFYDEV_EXTENSION;

void notifydev_reset(void)
{
    RtlZeroMemory(&Notifydev, sizeof(Notifydev));
}

static NTSTATUS NotifydevSyncCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS NotifydevForwardAndWait(PNOTIFYDEV_EXTENSION ext, PIRP Irp)
{
    KEVENT done;
    NTSTATUS status;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, NotifydevSyncCompletion, &done, TRUE, TRUE, TRUE);
    status = IoCallDriver(ext->Lower, Irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        status = Irp->IoStatus.Status;
    }
    return status;
}

static VOID NotifydevDisable(PNOTIFYDEV_EXTENSION ext)
{
    if (ext->Enabled) {
        IoSetDeviceInterfaceState(&ext->InterfaceName, FALSE);
        ext->Enabled = FALSE;
    }
}

static NTSTATUS NotifydevPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PNOTIFYDEV_EXTENSION ext = (PNOTIFYDEV_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    PDEVICE_OBJECT lower;

    switch (sp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        status = NotifydevForwardAndWait(ext, Irp);
        if (NT_SUCCESS(status) && !Notifydev.NoEnable && !ext->Enabled)
            ext->Enabled = NT_SUCCESS(IoSetDeviceInterfaceState(&ext->InterfaceName, TRUE));
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    case IRP_MN_QUERY_REMOVE_DEVICE:
        Notifydev.QueryRemoves++;
        if (Notifydev.FailQueryRemove) {
            Irp->IoStatus.Status = STATUS_UNSUCCESSFUL;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_UNSUCCESSFUL;
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        Notifydev.CancelRemoves++;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        Notifydev.SurpriseRemovals++;
        NotifydevDisable(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        Notifydev.Removes++;
        NotifydevDisable(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        lower = ext->Lower;
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        RtlFreeUnicodeString(&ext->InterfaceName);
        IoDeleteDevice(DeviceObject);
        return status;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->Lower, Irp);
}

static NTSTATUS NotifydevCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_CREATE)
        Notifydev.Opens++;
    else if (sp->MajorFunction == IRP_MJ_CLOSE)
        Notifydev.Closes++;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NotifydevAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    PNOTIFYDEV_EXTENSION ext;
    NTSTATUS status;
    status = IoCreateDevice(DriverObject, sizeof(NOTIFYDEV_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PNOTIFYDEV_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    status = IoRegisterDeviceInterface(Pdo, &GUID_NOTIFYDEV_CLASS, NULL, &ext->InterfaceName);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(fdo);
        return status;
    }
    ext->Lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    if (ext->Lower == NULL) {
        RtlFreeUnicodeString(&ext->InterfaceName);
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    Notifydev.LastPdo = Pdo;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static VOID NotifydevUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS NotifydevDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = NotifydevPnp;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = NotifydevCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = NotifydevCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = NotifydevCreateClose;
    DriverObject->DriverExtension->AddDevice = NotifydevAddDevice;
    DriverObject->DriverUnload = NotifydevUnload;
    return STATUS_SUCCESS;
}
