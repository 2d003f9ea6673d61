/*
 * Queue.c - the default I/O queue of the Echo KMDF sample driver: IOCTL_ECHO_REVERSE returns
 * the input bytes reversed, IOCTL_ECHO_COUNT the number of requests served.
 */
#include "Device.h"

_Use_decl_annotations_
NTSTATUS
EchoQueueInitialize(
    WDFDEVICE Device
    )
{
    WDF_IO_QUEUE_CONFIG queueConfig;
    NTSTATUS status;

    PAGED_CODE();
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoDeviceControl = EchoEvtIoDeviceControl;
    status = WdfIoQueueCreate(Device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES,
                              &DeviceGetContext(Device)->Queue);
    return status;
}

_Use_decl_annotations_
VOID
EchoEvtIoDeviceControl(
    WDFQUEUE Queue,
    WDFREQUEST Request,
    size_t OutputBufferLength,
    size_t InputBufferLength,
    ULONG IoControlCode
    )
{
    PDEVICE_CONTEXT context = DeviceGetContext(WdfIoQueueGetDevice(Queue));
    PUCHAR in = NULL, out = NULL;
    size_t inLength = 0, outLength = 0, i;
    NTSTATUS status;

    context->Requests++;
    switch (IoControlCode) {
    case IOCTL_ECHO_REVERSE:
        status = WdfRequestRetrieveInputBuffer(Request, 1, (PVOID *)&in, &inLength);
        if (!NT_SUCCESS(status)) {
            break;
        }
        status = WdfRequestRetrieveOutputBuffer(Request, inLength, (PVOID *)&out, &outLength);
        if (!NT_SUCCESS(status)) {
            break;
        }
        // METHOD_BUFFERED: input and output share the system buffer - copy first.
        {
            UCHAR tmp[64];
            if (inLength > sizeof(tmp)) {
                status = STATUS_INVALID_PARAMETER;
                break;
            }
            RtlCopyMemory(tmp, in, inLength);
            for (i = 0; i < inLength; i++) {
                out[i] = tmp[inLength - 1 - i];
            }
        }
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, inLength);
        return;
    case IOCTL_ECHO_COUNT:
        status = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), (PVOID *)&out,
                                                &outLength);
        if (!NT_SUCCESS(status)) {
            break;
        }
        *(PULONG)out = context->Requests;
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(ULONG));
        return;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    WdfRequestComplete(Request, status);
}
