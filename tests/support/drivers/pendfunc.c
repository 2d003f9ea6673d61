/* SPDX-License-Identifier: MIT */
/*
 * This file implements a WDM function driver written as a driver author writes one, used
 * by pnpsim's lifecycle tests. Its START handler forwards IRP_MN_START_DEVICE down
 * synchronously, then marks the IRP pending and completes it later from an IO_WORKITEM, as
 * drivers that must do slow initialisation at PASSIVE_LEVEL do. It handles the stop and
 * remove state changes with a remove lock, can veto QUERY_STOP / QUERY_REMOVE when a test
 * asks, accepts opens, and records every PnP minor code it receives with the state it
 * believed its device was in (see pendfunc.h).
 */
#include <ntddk.h>

#include "drvlog.h"
#include "pendfunc.h"

/* Several test drivers link into one test program: each gets a distinct name for its
 * DriverEntry. Everything below is written exactly as it would ship. */
#define DriverEntry PendfuncDriverEntry

#define PENDFUNC_TAG 'dneP'

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDeviceObject;
    PDEVICE_OBJECT PhysicalDeviceObject;
    PENDFUNC_DEVICE_STATE DevicePnPState;
    PENDFUNC_DEVICE_STATE PreviousPnPState;
    IO_REMOVE_LOCK RemoveLock;
    PIO_WORKITEM StartWorkItem;
    NTSTATUS StartStatus;
    volatile LONG OpenHandles;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE PendfuncAddDevice;
static DRIVER_UNLOAD PendfuncUnload;
static DRIVER_DISPATCH PendfuncDispatchPnp;
static DRIVER_DISPATCH PendfuncDispatchCreateClose;
static DRIVER_DISPATCH PendfuncDispatchPassDown;
static IO_COMPLETION_ROUTINE PendfuncSyncCompletion;
static IO_WORKITEM_ROUTINE PendfuncStartWorker;

#define SET_NEW_PNP_STATE(ext, state)                                                          \
    do {                                                                                       \
        (ext)->PreviousPnPState = (ext)->DevicePnPState;                                      \
        (ext)->DevicePnPState = (state);                                                      \
        PendfuncBelievedState = (state);                                                      \
    } while (0)
#define RESTORE_PREVIOUS_PNP_STATE(ext)                                                        \
    (PendfuncBelievedState = (ext)->DevicePnPState = (ext)->PreviousPnPState)

/* ---- observation and knobs (read by tests through pendfunc.h) ------------------------- */
typedef struct _PENDFUNC_RECORD {
    UCHAR Minor;
    PENDFUNC_DEVICE_STATE State;
} PENDFUNC_RECORD;

static PENDFUNC_RECORD PendfuncRecords[PENDFUNC_MAX_RECORDS];
static volatile LONG PendfuncRecordCount;
static BOOLEAN PendfuncPendStart = TRUE;
static NTSTATUS PendfuncQueryStopVeto = STATUS_SUCCESS;
static NTSTATUS PendfuncQueryRemoveVeto = STATUS_SUCCESS;
static NTSTATUS PendfuncStartStatus = STATUS_SUCCESS;
static NTSTATUS PendfuncAddDeviceStatus = STATUS_SUCCESS;
static PDEVICE_OBJECT PendfuncLastFdo;
static PENDFUNC_DEVICE_STATE PendfuncBelievedState;
static volatile LONG PendfuncAddDevices, PendfuncWorkItemsRun, PendfuncCreates,
    PendfuncCleanups, PendfuncCloses, PendfuncUnloads;

void pendfunc_reset(void)
{
    RtlZeroMemory(PendfuncRecords, sizeof(PendfuncRecords));
    PendfuncRecordCount = 0;
    PendfuncPendStart = TRUE;
    PendfuncQueryStopVeto = STATUS_SUCCESS;
    PendfuncQueryRemoveVeto = STATUS_SUCCESS;
    PendfuncStartStatus = STATUS_SUCCESS;
    PendfuncAddDeviceStatus = STATUS_SUCCESS;
    PendfuncLastFdo = NULL;
    PendfuncBelievedState = PendfuncNotStarted;
    PendfuncAddDevices = PendfuncWorkItemsRun = PendfuncCreates = 0;
    PendfuncCleanups = PendfuncCloses = PendfuncUnloads = 0;
}

void pendfunc_set_pend_start(BOOLEAN pend) { PendfuncPendStart = pend; }
void pendfunc_set_query_stop_veto(NTSTATUS status) { PendfuncQueryStopVeto = status; }
void pendfunc_set_query_remove_veto(NTSTATUS status) { PendfuncQueryRemoveVeto = status; }
void pendfunc_set_start_status(NTSTATUS status) { PendfuncStartStatus = status; }
void pendfunc_set_add_device_status(NTSTATUS status) { PendfuncAddDeviceStatus = status; }

ULONG pendfunc_minor_count(void)
{
    LONG n = PendfuncRecordCount;
    return (ULONG)(n > PENDFUNC_MAX_RECORDS ? PENDFUNC_MAX_RECORDS : n);
}

UCHAR pendfunc_minor_at(ULONG index)
{
    return index < pendfunc_minor_count() ? PendfuncRecords[index].Minor : 0xFF;
}

int pendfunc_state_at(ULONG index)
{
    return index < pendfunc_minor_count() ? (int)PendfuncRecords[index].State : -1;
}

ULONG pendfunc_minor_seen(UCHAR minor)
{
    ULONG i, n = 0;
    for (i = 0; i < pendfunc_minor_count(); i++)
        if (PendfuncRecords[i].Minor == minor)
            n++;
    return n;
}

PENDFUNC_DEVICE_STATE pendfunc_current_state(void)
{
    return PendfuncBelievedState;
}

PDEVICE_OBJECT pendfunc_last_fdo(void) { return PendfuncLastFdo; }
ULONG pendfunc_add_device_count(void) { return (ULONG)PendfuncAddDevices; }
ULONG pendfunc_start_workitems_run(void) { return (ULONG)PendfuncWorkItemsRun; }
ULONG pendfunc_create_count(void) { return (ULONG)PendfuncCreates; }
ULONG pendfunc_cleanup_count(void) { return (ULONG)PendfuncCleanups; }
ULONG pendfunc_close_count(void) { return (ULONG)PendfuncCloses; }
ULONG pendfunc_unload_count(void) { return (ULONG)PendfuncUnloads; }

static VOID PendfuncRecord(UCHAR Minor, PENDFUNC_DEVICE_STATE State)
{
    LONG slot = InterlockedIncrement(&PendfuncRecordCount) - 1;

    if (slot < PENDFUNC_MAX_RECORDS) {
        PendfuncRecords[slot].Minor = Minor;
        PendfuncRecords[slot].State = State;
    }
}

/* ---- the driver ------------------------------------------------------------------------ */

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG i;

    UNREFERENCED_PARAMETER(RegistryPath);
    KdPrint(("pendfunc: DriverEntry\n"));

    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = PendfuncDispatchPassDown;
    DriverObject->MajorFunction[IRP_MJ_PNP] = PendfuncDispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = PendfuncDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = PendfuncDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = PendfuncDispatchCreateClose;
    DriverObject->DriverExtension->AddDevice = PendfuncAddDevice;
    DriverObject->DriverUnload = PendfuncUnload;
    return STATUS_SUCCESS;
}

static NTSTATUS PendfuncAddDevice(_In_ PDRIVER_OBJECT DriverObject,
                                  _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo = NULL;
    PDEVICE_EXTENSION deviceExtension;
    NTSTATUS status;

    PAGED_CODE();

    InterlockedIncrement(&PendfuncAddDevices);
    if (!NT_SUCCESS(PendfuncAddDeviceStatus))
        return PendfuncAddDeviceStatus;

    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &fdo);
    if (!NT_SUCCESS(status)) {
        KdPrint(("pendfunc: IoCreateDevice failed 0x%x\n", (unsigned)status));
        return status;
    }

    deviceExtension = (PDEVICE_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(deviceExtension, sizeof(DEVICE_EXTENSION));
    deviceExtension->Self = fdo;
    deviceExtension->PhysicalDeviceObject = PhysicalDeviceObject;
    deviceExtension->DevicePnPState = PendfuncNotStarted;
    deviceExtension->PreviousPnPState = PendfuncNotStarted;
    IoInitializeRemoveLock(&deviceExtension->RemoveLock, PENDFUNC_TAG, 0, 0);

    deviceExtension->StartWorkItem = IoAllocateWorkItem(fdo);
    if (deviceExtension->StartWorkItem == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    deviceExtension->LowerDeviceObject = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (deviceExtension->LowerDeviceObject == NULL) {
        IoFreeWorkItem(deviceExtension->StartWorkItem);
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }

    fdo->Flags |= DO_BUFFERED_IO | DO_POWER_PAGABLE;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;

    PendfuncLastFdo = fdo;
    PendfuncBelievedState = PendfuncNotStarted;
    DrvLogAddDevice(DriverObject, PhysicalDeviceObject);
    return STATUS_SUCCESS;
}

static NTSTATUS PendfuncSyncCompletion(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp,
                                       _In_ PVOID Context)
{
    PKEVENT event = (PKEVENT)Context;

    UNREFERENCED_PARAMETER(DeviceObject);
    /* The IRP comes back to us: the dispatch routine finishes it, so no
     * IoMarkIrpPending here (the rule for routines returning MORE_PROCESSING_REQUIRED). */
    if (Irp->PendingReturned)
        KeSetEvent(event, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Send the IRP down and wait until the lower drivers are done with it. */
static NTSTATUS PendfuncForwardAndWait(PDEVICE_EXTENSION DeviceExtension, PIRP Irp)
{
    KEVENT event;
    NTSTATUS status;

    PAGED_CODE();

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, PendfuncSyncCompletion, &event, TRUE, TRUE, TRUE);
    status = IoCallDriver(DeviceExtension->LowerDeviceObject, Irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
        status = Irp->IoStatus.Status;
    }
    return status;
}

static VOID PendfuncStartWorker(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID Context)
{
    PDEVICE_EXTENSION deviceExtension = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIRP irp = (PIRP)Context;
    NTSTATUS status = deviceExtension->StartStatus;

    PAGED_CODE();

    /* The slow part of starting the hardware would run here, at PASSIVE_LEVEL. */
    if (NT_SUCCESS(status))
        SET_NEW_PNP_STATE(deviceExtension, PendfuncStarted);
    InterlockedIncrement(&PendfuncWorkItemsRun);
    KdPrint(("pendfunc: START completed from the work item, 0x%x\n", (unsigned)status));

    irp->IoStatus.Status = status;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    IoReleaseRemoveLock(&deviceExtension->RemoveLock, irp);
}

static NTSTATUS PendfuncStartDevice(PDEVICE_EXTENSION DeviceExtension, PIRP Irp)
{
    NTSTATUS status;

    PAGED_CODE();

    /* Resources belong to the lower drivers first: start them, then ourselves. */
    status = PendfuncForwardAndWait(DeviceExtension, Irp);
    if (NT_SUCCESS(status))
        status = PendfuncStartStatus;

    if (NT_SUCCESS(status) && PendfuncPendStart) {
        DeviceExtension->StartStatus = status;
        IoMarkIrpPending(Irp);
        IoQueueWorkItem(DeviceExtension->StartWorkItem, PendfuncStartWorker, DelayedWorkQueue,
                        Irp);
        /* The work item completes the IRP and releases the remove lock. */
        return STATUS_PENDING;
    }

    if (NT_SUCCESS(status))
        SET_NEW_PNP_STATE(DeviceExtension, PendfuncStarted);
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    IoReleaseRemoveLock(&DeviceExtension->RemoveLock, Irp);
    return status;
}

static NTSTATUS PendfuncPassDown(PDEVICE_EXTENSION DeviceExtension, PIRP Irp)
{
    NTSTATUS status;

    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(DeviceExtension->LowerDeviceObject, Irp);
    IoReleaseRemoveLock(&DeviceExtension->RemoveLock, Irp);
    return status;
}

static NTSTATUS PendfuncFail(PDEVICE_EXTENSION DeviceExtension, PIRP Irp, NTSTATUS Status)
{
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    IoReleaseRemoveLock(&DeviceExtension->RemoveLock, Irp);
    return Status;
}

static NTSTATUS PendfuncDispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION deviceExtension = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;

    PAGED_CODE();

    PendfuncRecord(irpStack->MinorFunction, deviceExtension->DevicePnPState);

    status = IoAcquireRemoveLock(&deviceExtension->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) {
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    }

    switch (irpStack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        return PendfuncStartDevice(deviceExtension, Irp);

    case IRP_MN_QUERY_STOP_DEVICE:
        if (!NT_SUCCESS(PendfuncQueryStopVeto))
            return PendfuncFail(deviceExtension, Irp, PendfuncQueryStopVeto);
        SET_NEW_PNP_STATE(deviceExtension, PendfuncStopPending);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PendfuncPassDown(deviceExtension, Irp);

    case IRP_MN_CANCEL_STOP_DEVICE:
        if (deviceExtension->DevicePnPState == PendfuncStopPending)
            RESTORE_PREVIOUS_PNP_STATE(deviceExtension);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PendfuncPassDown(deviceExtension, Irp);

    case IRP_MN_STOP_DEVICE:
        SET_NEW_PNP_STATE(deviceExtension, PendfuncStopped);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PendfuncPassDown(deviceExtension, Irp);

    case IRP_MN_QUERY_REMOVE_DEVICE:
        if (!NT_SUCCESS(PendfuncQueryRemoveVeto))
            return PendfuncFail(deviceExtension, Irp, PendfuncQueryRemoveVeto);
        SET_NEW_PNP_STATE(deviceExtension, PendfuncRemovePending);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PendfuncPassDown(deviceExtension, Irp);

    case IRP_MN_CANCEL_REMOVE_DEVICE:
        if (deviceExtension->DevicePnPState == PendfuncRemovePending)
            RESTORE_PREVIOUS_PNP_STATE(deviceExtension);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PendfuncPassDown(deviceExtension, Irp);

    case IRP_MN_SURPRISE_REMOVAL:
        /* The hardware is gone: fail new opens, but stay attached until REMOVE. */
        SET_NEW_PNP_STATE(deviceExtension, PendfuncSurpriseRemovePending);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PendfuncPassDown(deviceExtension, Irp);

    case IRP_MN_REMOVE_DEVICE:
        SET_NEW_PNP_STATE(deviceExtension, PendfuncDeleted);
        /* Wait until every IRP that holds the lock is done, then pass the removal down
         * and leave the stack (Using Remove Locks). */
        IoReleaseRemoveLockAndWait(&deviceExtension->RemoveLock, Irp);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(deviceExtension->LowerDeviceObject, Irp);
        IoFreeWorkItem(deviceExtension->StartWorkItem);
        IoDetachDevice(deviceExtension->LowerDeviceObject);
        IoDeleteDevice(DeviceObject);
        return status;

    default:
        /* Not ours: pass it down with the status it came with. */
        return PendfuncPassDown(deviceExtension, Irp);
    }
}

static NTSTATUS PendfuncDispatchCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION deviceExtension = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    PAGED_CODE();

    switch (irpStack->MajorFunction) {
    case IRP_MJ_CREATE:
        InterlockedIncrement(&PendfuncCreates);
        if (deviceExtension->DevicePnPState != PendfuncStarted)
            status = STATUS_DELETE_PENDING;
        else
            InterlockedIncrement(&deviceExtension->OpenHandles);
        break;
    case IRP_MJ_CLEANUP:
        InterlockedIncrement(&PendfuncCleanups);
        break;
    case IRP_MJ_CLOSE:
        InterlockedIncrement(&PendfuncCloses);
        InterlockedDecrement(&deviceExtension->OpenHandles);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS PendfuncDispatchPassDown(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION deviceExtension = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status;

    status = IoAcquireRemoveLock(&deviceExtension->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) {
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    }
    return PendfuncPassDown(deviceExtension, Irp);
}

static VOID PendfuncUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PAGED_CODE();
    ASSERT(DriverObject->DeviceObject == NULL);
    InterlockedIncrement(&PendfuncUnloads);
    KdPrint(("pendfunc: unloaded\n"));
}
