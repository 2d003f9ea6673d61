/* SPDX-License-Identifier: MIT */
/*
 * This file implements the toastmon test driver: a root-enumerated WDM function driver
 * that monitors another driver's device interface class the way the classic WDK toastmon
 * sample does (its own code, written for pnpsim's tests). In AddDevice it registers for
 * EventCategoryDeviceInterfaceChange with INCLUDE_EXISTING_INTERFACES; on each arrival it
 * opens the interface (IoGetDeviceObjectPointer) and registers for
 * EventCategoryTargetDeviceChange on the file object; on QUERY_REMOVE it closes the file
 * so the removal can proceed, on REMOVE_CANCELLED it re-opens, on REMOVE_COMPLETE it
 * unregisters and forgets the target. In IRP_MN_REMOVE_DEVICE it unregisters everything
 * with IoUnregisterPlugPlayNotificationEx. It tolerates the documented duplicate arrival.
 */
#include <wdm.h>
#include <wdmguid.h>

#include "notifydev.h"
#include "toastmon.h"

#define TOASTMON_TAG 0x6E6D6F54u /* 'Tomn' */

TOASTMON_STATE Toastmon;

typedef struct _TOASTMON_EXTENSION TOASTMON_EXTENSION, *PTOASTMON_EXTENSION;

/* One watched target device. */
typedef struct _TOASTMON_TARGET {
    LIST_ENTRY Link;
    PTOASTMON_EXTENSION Owner;
    UNICODE_STRING Name;     /* the interface's symbolic link (pool copy) */
    PFILE_OBJECT FileObject; /* NULL while closed */
    PDEVICE_OBJECT TargetDevice;
    PVOID NotificationEntry; /* target device change registration */
} TOASTMON_TARGET, *PTOASTMON_TARGET;

struct _TOASTMON_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT Lower;
    PDRIVER_OBJECT Driver;
    PVOID InterfaceEntry; /* interface change registration */
    KEVENT Lock;          /* a PASSIVE_LEVEL lock (a fast mutex would raise to APC_LEVEL,
                             where IoGetDeviceObjectPointer may not be called) */
    LIST_ENTRY Targets;
};

static DRIVER_NOTIFICATION_CALLBACK_ROUTINE ToastmonTargetCallback;

static VOID ToastmonLock(PTOASTMON_EXTENSION ext)
{
    KeWaitForSingleObject(&ext->Lock, Executive, KernelMode, FALSE, NULL);
}

static VOID ToastmonUnlock(PTOASTMON_EXTENSION ext)
{
    KeSetEvent(&ext->Lock, IO_NO_INCREMENT, FALSE);
}

void toastmon_reset(void)
{
    RtlZeroMemory(&Toastmon, sizeof(Toastmon));
}

static NTSTATUS ToastmonOpen(PTOASTMON_TARGET t)
{
    NTSTATUS status;
    status = IoGetDeviceObjectPointer(&t->Name, FILE_READ_DATA, &t->FileObject, &t->TargetDevice);
    if (!NT_SUCCESS(status)) {
        Toastmon.OpenFailures++;
        t->FileObject = NULL;
        return status;
    }
    Toastmon.OpenHandles++;
    status = IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, t->FileObject,
                                            t->Owner->Driver, ToastmonTargetCallback, t,
                                            &t->NotificationEntry);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(t->FileObject);
        t->FileObject = NULL;
        Toastmon.OpenHandles--;
    }
    return status;
}

static VOID ToastmonClose(PTOASTMON_TARGET t)
{
    if (t->FileObject != NULL) {
        ObDereferenceObject(t->FileObject);
        t->FileObject = NULL;
        Toastmon.OpenHandles--;
    }
}

static VOID ToastmonForget(PTOASTMON_TARGET t)
{
    ToastmonClose(t);
    if (t->NotificationEntry != NULL) {
        IoUnregisterPlugPlayNotificationEx(t->NotificationEntry);
        t->NotificationEntry = NULL;
    }
    RemoveEntryList(&t->Link);
    Toastmon.Watching--;
    ExFreePoolWithTag(t->Name.Buffer, TOASTMON_TAG);
    ExFreePoolWithTag(t, TOASTMON_TAG);
}

static NTSTATUS ToastmonTargetCallback(PVOID NotificationStructure, PVOID Context)
{
    PTARGET_DEVICE_REMOVAL_NOTIFICATION n = NotificationStructure;
    PTOASTMON_TARGET t = Context;
    PTOASTMON_EXTENSION ext = t->Owner;
    NTSTATUS status = STATUS_SUCCESS;

    Toastmon.CallbackIrql = KeGetCurrentIrql();
    ToastmonLock(ext);
    if (IsEqualGUID(&n->Event, &GUID_TARGET_DEVICE_QUERY_REMOVE)) {
        Toastmon.QueryRemoves++;
        if (Toastmon.VetoQueryRemove)
            status = STATUS_UNSUCCESSFUL;
        else
            ToastmonClose(t); /* an open handle would keep the device */
    } else if (IsEqualGUID(&n->Event, &GUID_TARGET_DEVICE_REMOVE_CANCELLED)) {
        Toastmon.RemoveCancelled++;
        if (t->FileObject == NULL) {
            /* Re-open: the old registration belongs to the closed file object. */
            IoUnregisterPlugPlayNotificationEx(t->NotificationEntry);
            t->NotificationEntry = NULL;
            ToastmonOpen(t);
        }
    } else if (IsEqualGUID(&n->Event, &GUID_TARGET_DEVICE_REMOVE_COMPLETE)) {
        Toastmon.RemoveComplete++;
        ToastmonForget(t); /* unregisters itself from its own callback: allowed (Ex) */
    } else {
        Toastmon.Custom++;
    }
    ToastmonUnlock(ext);
    return status;
}

static NTSTATUS ToastmonInterfaceCallback(PVOID NotificationStructure, PVOID Context)
{
    PDEVICE_INTERFACE_CHANGE_NOTIFICATION n = NotificationStructure;
    PTOASTMON_EXTENSION ext = Context;
    PTOASTMON_TARGET t;
    PLIST_ENTRY e;

    Toastmon.CallbackIrql = KeGetCurrentIrql();
    if (IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_REMOVAL)) {
        Toastmon.Removals++; /* the target-device callbacks do the work */
        return STATUS_SUCCESS;
    }
    Toastmon.Arrivals++;
    ToastmonLock(ext);
    for (e = ext->Targets.Flink; e != &ext->Targets; e = e->Flink) {
        t = CONTAINING_RECORD(e, TOASTMON_TARGET, Link);
        if (RtlEqualUnicodeString(&t->Name, n->SymbolicLinkName, TRUE)) {
            /* The documented duplicate: the interface may be reported twice. */
            Toastmon.Duplicates++;
            ToastmonUnlock(ext);
            return STATUS_SUCCESS;
        }
    }
    t = ExAllocatePool2(POOL_FLAG_PAGED, sizeof(*t), TOASTMON_TAG);
    if (t == NULL) {
        ToastmonUnlock(ext);
        return STATUS_SUCCESS;
    }
    t->Owner = ext;
    t->Name.Length = n->SymbolicLinkName->Length;
    t->Name.MaximumLength = (USHORT)(n->SymbolicLinkName->Length + sizeof(WCHAR));
    t->Name.Buffer = ExAllocatePool2(POOL_FLAG_PAGED, t->Name.MaximumLength, TOASTMON_TAG);
    if (t->Name.Buffer == NULL) {
        ExFreePoolWithTag(t, TOASTMON_TAG);
        ToastmonUnlock(ext);
        return STATUS_SUCCESS;
    }
    RtlCopyMemory(t->Name.Buffer, n->SymbolicLinkName->Buffer, t->Name.Length);
    t->Name.Buffer[t->Name.Length / sizeof(WCHAR)] = 0;
    InsertTailList(&ext->Targets, &t->Link);
    Toastmon.Watching++;
    if (!NT_SUCCESS(ToastmonOpen(t)))
        ToastmonForget(t);
    ToastmonUnlock(ext);
    return STATUS_SUCCESS;
}

static NTSTATUS ToastmonPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PTOASTMON_EXTENSION ext = (PTOASTMON_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->Lower;
    NTSTATUS status;

    if (sp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        if (!Toastmon.LeakRegistration && ext->InterfaceEntry != NULL) {
            IoUnregisterPlugPlayNotificationEx(ext->InterfaceEntry);
            ext->InterfaceEntry = NULL;
        }
        ToastmonLock(ext);
        while (!IsListEmpty(&ext->Targets))
            ToastmonForget(CONTAINING_RECORD(ext->Targets.Flink, TOASTMON_TARGET, Link));
        ToastmonUnlock(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;
    }
    if (sp->MinorFunction == IRP_MN_START_DEVICE ||
        sp->MinorFunction == IRP_MN_QUERY_REMOVE_DEVICE ||
        sp->MinorFunction == IRP_MN_CANCEL_REMOVE_DEVICE ||
        sp->MinorFunction == IRP_MN_SURPRISE_REMOVAL)
        Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

static NTSTATUS ToastmonAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    PTOASTMON_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(TOASTMON_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PTOASTMON_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Self = fdo;
    ext->Driver = DriverObject;
    KeInitializeEvent(&ext->Lock, SynchronizationEvent, TRUE);
    InitializeListHead(&ext->Targets);
    ext->Lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    if (ext->Lower == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    status = IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange,
                                            PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
                                            (PVOID)&GUID_NOTIFYDEV_CLASS, DriverObject,
                                            ToastmonInterfaceCallback, ext, &ext->InterfaceEntry);
    if (!NT_SUCCESS(status)) {
        IoDetachDevice(ext->Lower);
        IoDeleteDevice(fdo);
        return status;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static VOID ToastmonUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS ToastmonDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = ToastmonPnp;
    DriverObject->DriverExtension->AddDevice = ToastmonAddDevice;
    DriverObject->DriverUnload = ToastmonUnload;
    return STATUS_SUCCESS;
}
