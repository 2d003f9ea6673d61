/* SPDX-License-Identifier: MIT */
/*
 * This file implements the WDM drivers the benchmark loads, written as a driver author
 * writes them. The function driver registers its interface in AddDevice, lets the lower
 * drivers start first and enables the interface in IRP_MN_START_DEVICE, and disables it
 * and frees the name in IRP_MN_REMOVE_DEVICE. The filter passes every IRP down untouched
 * (IRP_MN_QUERY_INTERFACE included), so a query from the top of a stack crosses it.
 */
#include <ntddk.h>

#include "benchdrv.h"

/* {5b0c1f62-3c4e-4a37-9e55-0d2f6a1b7c90} */
const GUID BenchInterfaceGuid = {
    0x5b0c1f62, 0x3c4e, 0x4a37, {0x9e, 0x55, 0x0d, 0x2f, 0x6a, 0x1b, 0x7c, 0x90}};

typedef struct _BENCH_EXTENSION {
    PDEVICE_OBJECT Lower;
    UNICODE_STRING Link;
    BOOLEAN IsFilter;
    BOOLEAN HaveLink;
} BENCH_EXTENSION, *PBENCH_EXTENSION;

static DRIVER_ADD_DEVICE BenchFunctionAddDevice;
static DRIVER_ADD_DEVICE BenchFilterAddDevice;
static DRIVER_DISPATCH BenchDispatchPnp;
static DRIVER_DISPATCH BenchDispatchOther;
static IO_COMPLETION_ROUTINE BenchStartCompletion;

static NTSTATUS BenchStartCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->PendingReturned)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS BenchDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PBENCH_EXTENSION ext = (PBENCH_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    KEVENT event;

    switch (stack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        if (ext->IsFilter)
            break;
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, BenchStartCompletion, &event, TRUE, TRUE, TRUE);
        status = IoCallDriver(ext->Lower, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        if (NT_SUCCESS(status) && ext->HaveLink)
            status = IoSetDeviceInterfaceState(&ext->Link, TRUE);
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;

    case IRP_MN_REMOVE_DEVICE:
        if (ext->HaveLink) {
            (void)IoSetDeviceInterfaceState(&ext->Link, FALSE);
            RtlFreeUnicodeString(&ext->Link);
            ext->HaveLink = FALSE;
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(ext->Lower, Irp);
        IoDetachDevice(ext->Lower);
        IoDeleteDevice(DeviceObject);
        return status;

    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->Lower, Irp);
}

static NTSTATUS BenchDispatchOther(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PBENCH_EXTENSION ext = (PBENCH_EXTENSION)DeviceObject->DeviceExtension;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->Lower, Irp);
}

static NTSTATUS BenchAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo,
                               BOOLEAN IsFilter)
{
    PDEVICE_OBJECT fdo;
    PBENCH_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(BENCH_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PBENCH_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->IsFilter = IsFilter;
    if (!IsFilter) {
        status = IoRegisterDeviceInterface(Pdo, &BenchInterfaceGuid, NULL, &ext->Link);
        if (!NT_SUCCESS(status)) {
            IoDeleteDevice(fdo);
            return status;
        }
        ext->HaveLink = TRUE;
    }
    ext->Lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    if (ext->Lower == NULL) {
        if (ext->HaveLink)
            RtlFreeUnicodeString(&ext->Link);
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags |= ext->Lower->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO | DO_POWER_PAGABLE);
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS BenchFunctionAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    return BenchAddDevice(DriverObject, Pdo, FALSE);
}

static NTSTATUS BenchFilterAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    return BenchAddDevice(DriverObject, Pdo, TRUE);
}

static VOID BenchUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

static void BenchSetDispatch(PDRIVER_OBJECT DriverObject)
{
    ULONG i;
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = BenchDispatchOther;
    DriverObject->MajorFunction[IRP_MJ_PNP] = BenchDispatchPnp;
    DriverObject->DriverUnload = BenchUnload;
}

NTSTATUS BenchFunctionDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    BenchSetDispatch(DriverObject);
    DriverObject->DriverExtension->AddDevice = BenchFunctionAddDevice;
    return STATUS_SUCCESS;
}

NTSTATUS BenchFilterDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    BenchSetDispatch(DriverObject);
    DriverObject->DriverExtension->AddDevice = BenchFilterAddDevice;
    return STATUS_SUCCESS;
}
