/* SPDX-License-Identifier: MIT */
/*
 * This file implements the demo's function driver for widgets: the driver that makes a
 * device useful. In AddDevice it creates an FDO and attaches it on top of the PDO the bus
 * created; it then handles the PnP IRPs that change the device's state (start, surprise
 * removal, removal) and passes every PnP IRP down to the bus, which owns the hardware.
 * Written exactly as for Windows: only <wdm.h>.
 */
#include <wdm.h>

#include "demo_drivers.h"

typedef struct _DEMO_FUNC_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
} DEMO_FUNC_EXTENSION, *PDEMO_FUNC_EXTENSION;

static DEMO_FUNC_STATS DemoFuncStats;

static DRIVER_ADD_DEVICE DemoFuncAddDevice;
static DRIVER_DISPATCH DemoFuncPnp;
static DRIVER_UNLOAD DemoFuncUnload;
static IO_COMPLETION_ROUTINE DemoFuncStartCompleted;

const DEMO_FUNC_STATS *DemoFuncGetStats(void)
{
    return &DemoFuncStats;
}

NTSTATUS DemoFuncDriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = DemoFuncAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = DemoFuncPnp;
    DriverObject->DriverUnload = DemoFuncUnload;
    return STATUS_SUCCESS;
}

static NTSTATUS DemoFuncAddDevice(_In_ PDRIVER_OBJECT DriverObject,
                                  _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo;
    PDEMO_FUNC_EXTENSION ext;
    NTSTATUS status;

    PAGED_CODE();
    InterlockedIncrement(&DemoFuncStats.AddDeviceCalls);
    status = IoCreateDevice(DriverObject, sizeof(DEMO_FUNC_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PDEMO_FUNC_EXTENSION)fdo->DeviceExtension;
    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags |= DO_POWER_PAGABLE;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

/* START travels down first (the bus must power the hardware before we use it); this
 * routine runs when the bus has finished and wakes the dispatch routine up. */
static NTSTATUS DemoFuncStartCompleted(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp,
                                       _In_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->PendingReturned)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED; /* we complete it ourselves */
}

static NTSTATUS DemoFuncPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEMO_FUNC_EXTENSION ext = (PDEMO_FUNC_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->LowerDevice;
    NTSTATUS status;
    KEVENT event;

    PAGED_CODE();
    switch (stack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        InterlockedIncrement(&DemoFuncStats.StartCalls);
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, DemoFuncStartCompleted, &event, TRUE, TRUE, TRUE);
        status = IoCallDriver(lower, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        /* A real driver would now program its hardware. */
        KdPrint(("demo_func: widget started\n"));
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;

    case IRP_MN_SURPRISE_REMOVAL:
        /* The widget was pulled out: stop touching the hardware; REMOVE follows. */
        InterlockedIncrement(&DemoFuncStats.SurpriseRemovalCalls);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_REMOVE_DEVICE:
        /* Last IRP for this device: pass it down, leave the stack, delete the FDO. */
        InterlockedIncrement(&DemoFuncStats.RemoveCalls);
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
        break; /* not ours: pass it on unchanged */
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

static VOID DemoFuncUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KdPrint(("demo_func: unloaded\n"));
}
