/* SPDX-License-Identifier: MIT */
/*
 * This file implements kmdf_ioctl, a KMDF function driver written the way the KMDF samples
 * (Echo, Toaster function driver) are written, used by pnpsim's queue and request tests:
 * EvtDriverDeviceAdd registers file object callbacks, creates a sequential default queue
 * serving IOCTLs and writes, a parallel queue that receives every read
 * (WdfDeviceConfigureRequestDispatching) and a manual queue IOCTL_KMDF_PARK forwards
 * requests to. Requests the driver holds are completed when the test asks for it.
 */
#include <ntddk.h>
#include <wdf.h>

#include "kmdf_ioctl.h"

#define DriverEntry KmdfIoctlDriverEntry

typedef struct _IOCTL_DEVICE_CONTEXT {
    WDFQUEUE DefaultQueue;
    WDFQUEUE ReadQueue;
    WDFQUEUE ManualQueue;
} IOCTL_DEVICE_CONTEXT, *PIOCTL_DEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(IOCTL_DEVICE_CONTEXT, IoctlGetContext)

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD IoctlDeviceAdd;
static EVT_WDF_DEVICE_FILE_CREATE IoctlFileCreate;
static EVT_WDF_FILE_CLEANUP IoctlFileCleanup;
static EVT_WDF_FILE_CLOSE IoctlFileClose;
static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL IoctlIoDeviceControl;
static EVT_WDF_IO_QUEUE_IO_READ IoctlIoRead;
static EVT_WDF_IO_QUEUE_IO_WRITE IoctlIoWrite;
static EVT_WDF_IO_QUEUE_IO_STOP IoctlIoStop;

static KMDF_IOCTL_MODE Mode;
static KMDF_IOCTL_STATS Stats;
static WDFDEVICE Device;
static WDFREQUEST Held[KMDF_IOCTL_MAX_HELD];
static ULONG HeldCount;

void kmdf_ioctl_reset(KMDF_IOCTL_MODE NewMode)
{
    Mode = NewMode;
    RtlZeroMemory(&Stats, sizeof(Stats));
    Device = NULL;
    HeldCount = 0;
}

const KMDF_IOCTL_STATS *kmdf_ioctl_stats(void) { return &Stats; }
WDFDEVICE kmdf_ioctl_device(void) { return Device; }
WDFQUEUE kmdf_ioctl_default_queue(void) { return IoctlGetContext(Device)->DefaultQueue; }
WDFQUEUE kmdf_ioctl_read_queue(void) { return IoctlGetContext(Device)->ReadQueue; }
WDFQUEUE kmdf_ioctl_manual_queue(void) { return IoctlGetContext(Device)->ManualQueue; }
ULONG kmdf_ioctl_held_count(void) { return HeldCount; }

static VOID HoldRequest(WDFREQUEST Request)
{
    if (HeldCount < KMDF_IOCTL_MAX_HELD) {
        Held[HeldCount++] = Request;
        return;
    }
    WdfRequestComplete(Request, STATUS_INSUFFICIENT_RESOURCES);
}

/* Forget a held request (it is being completed by its owner). */
static BOOLEAN Unhold(WDFREQUEST Request)
{
    ULONG i;
    for (i = 0; i < HeldCount; i++) {
        if (Held[i] == Request) {
            Held[i] = Held[--HeldCount];
            return TRUE;
        }
    }
    return FALSE;
}

static VOID CompleteHeld(WDFREQUEST Request, NTSTATUS Status)
{
    PIRP irp = WdfRequestWdmGetIrp(Request);
    if (IoGetCurrentIrpStackLocation(irp)->MajorFunction == IRP_MJ_READ)
        InterlockedDecrement(&Stats.ReadsInDriver);
    WdfRequestComplete(Request, Status);
}

ULONG kmdf_ioctl_release_held(NTSTATUS Status)
{
    ULONG n = 0;
    while (HeldCount > 0) {
        WDFREQUEST request = Held[--HeldCount];
        CompleteHeld(request, Status);
        n++;
    }
    return n;
}

NTSTATUS kmdf_ioctl_complete_manual(NTSTATUS Status)
{
    WDFREQUEST request;
    NTSTATUS status = WdfIoQueueRetrieveNextRequest(IoctlGetContext(Device)->ManualQueue,
                                                    &request);
    if (NT_SUCCESS(status))
        WdfRequestComplete(request, Status);
    return status;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, IoctlDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

static NTSTATUS IoctlDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_FILEOBJECT_CONFIG fileConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_IO_QUEUE_CONFIG queueConfig;
    PIOCTL_DEVICE_CONTEXT context;
    WDFDEVICE device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    PAGED_CODE();

    if (Mode != KmdfIoctlNoQueues) {
        WDF_FILEOBJECT_CONFIG_INIT(&fileConfig, IoctlFileCreate, IoctlFileClose,
                                   IoctlFileCleanup);
        WdfDeviceInitSetFileObjectConfig(DeviceInit, &fileConfig, WDF_NO_OBJECT_ATTRIBUTES);
    }
    WdfDeviceInitSetIoType(DeviceInit, WdfDeviceIoBuffered);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, IOCTL_DEVICE_CONTEXT);
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    context = IoctlGetContext(device);
    Device = device;
    if (Mode == KmdfIoctlNoQueues)
        return STATUS_SUCCESS;

    /* Sequential default queue: IOCTLs and writes, one at a time. */
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoDeviceControl = IoctlIoDeviceControl;
    queueConfig.EvtIoWrite = IoctlIoWrite;
    queueConfig.EvtIoStop = IoctlIoStop;
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES,
                              &context->DefaultQueue);
    if (!NT_SUCCESS(status))
        return status;

    /* Parallel queue for reads. */
    WDF_IO_QUEUE_CONFIG_INIT(&queueConfig, WdfIoQueueDispatchParallel);
    queueConfig.EvtIoRead = IoctlIoRead;
    queueConfig.EvtIoStop = IoctlIoStop;
    status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES,
                              &context->ReadQueue);
    if (!NT_SUCCESS(status))
        return status;
    status = WdfDeviceConfigureRequestDispatching(device, context->ReadQueue, WdfRequestTypeRead);
    if (!NT_SUCCESS(status))
        return status;

    /* Manual queue: requests parked until the driver retrieves them. */
    WDF_IO_QUEUE_CONFIG_INIT(&queueConfig, WdfIoQueueDispatchManual);
    return WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES,
                            &context->ManualQueue);
}

static VOID IoctlFileCreate(WDFDEVICE Dev, WDFREQUEST Request, WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(Dev);
    InterlockedIncrement(&Stats.Creates);
    Stats.LastFile = FileObject;
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static VOID IoctlFileCleanup(WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(FileObject);
    InterlockedIncrement(&Stats.Cleanups);
}

static VOID IoctlFileClose(WDFFILEOBJECT FileObject)
{
    UNREFERENCED_PARAMETER(FileObject);
    InterlockedIncrement(&Stats.Closes);
}

static VOID IoctlIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                 size_t InputBufferLength, ULONG IoControlCode)
{
    PVOID in = NULL, out = NULL;
    size_t inLength = 0, outLength = 0;
    NTSTATUS status;

    InterlockedIncrement(&Stats.IoctlCalls);
    Stats.LastFileMatches = (BOOLEAN)(WdfRequestGetFileObject(Request) == Stats.LastFile);

    switch (IoControlCode) {
    case IOCTL_KMDF_ECHO:
        status = WdfRequestRetrieveInputBuffer(Request, sizeof(ULONG), &in, &inLength);
        Stats.RetrieveInputStatus = status;
        if (!NT_SUCCESS(status)) {
            WdfRequestComplete(Request, status);
            return;
        }
        status = WdfRequestRetrieveOutputBuffer(Request, inLength, &out, &outLength);
        Stats.RetrieveOutputStatus = status;
        if (!NT_SUCCESS(status)) {
            WdfRequestComplete(Request, status);
            return;
        }
        RtlCopyMemory(out, in, inLength);
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, inLength);
        return;
    case IOCTL_KMDF_HOLD:
        HoldRequest(Request);
        return;
    case IOCTL_KMDF_PARAMS:
        WDF_REQUEST_PARAMETERS_INIT(&Stats.Params);
        WdfRequestGetParameters(Request, &Stats.Params);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        return;
    case IOCTL_KMDF_OVERREPORT:
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, OutputBufferLength + 1);
        return;
    case IOCTL_KMDF_COMPLETE_TWICE:
        WdfObjectReference(Request);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        WdfObjectDereference(Request);
        return;
    case IOCTL_KMDF_PARK:
        status = WdfRequestForwardToIoQueue(Request,
                                            IoctlGetContext(WdfIoQueueGetDevice(Queue))->ManualQueue);
        if (!NT_SUCCESS(status))
            WdfRequestComplete(Request, status);
        return;
    default:
        UNREFERENCED_PARAMETER(InputBufferLength);
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
}

static VOID IoctlIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    LONG now;
    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(Length);
    InterlockedIncrement(&Stats.ReadCalls);
    now = InterlockedIncrement(&Stats.ReadsInDriver);
    if (now > Stats.MaxReadsInDriver)
        Stats.MaxReadsInDriver = now;
    HoldRequest(Request);
}

static VOID IoctlIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    WDFMEMORY memory;
    UCHAR first = 0;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Queue);
    InterlockedIncrement(&Stats.WriteCalls);
    Stats.LastWriteLength = Length;
    status = WdfRequestRetrieveInputMemory(Request, &memory);
    if (NT_SUCCESS(status))
        status = WdfMemoryCopyToBuffer(memory, 0, &first, 1);
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? Length : 0);
}

/* Power-down keeps the request (acknowledged, not requeued); a purge cancels it. */
static VOID IoctlIoStop(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags)
{
    UNREFERENCED_PARAMETER(Queue);
    InterlockedIncrement(&Stats.StopCalls);
    Stats.LastStopFlags = ActionFlags;
    if (ActionFlags & WdfRequestStopActionPurge) {
        if (Unhold(Request))
            CompleteHeld(Request, STATUS_CANCELLED);
        return;
    }
    WdfRequestStopAcknowledge(Request, FALSE);
}
