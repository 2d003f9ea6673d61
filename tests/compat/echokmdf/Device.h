/*
 * Device.h - shared declarations of the Echo KMDF sample driver (pnpsim compatibility
 * corpus). Included by every source file of the driver: the context type information
 * WDF_DECLARE_CONTEXT_TYPE_WITH_NAME emits must link when several files include it.
 */
#pragma once

#include <ntddk.h>
#include <wdf.h>

#define ECHO_POOL_TAG 'ohcE'

// {A3C4F1B2-7D1E-4C0A-9E55-0F2B7D4C8A11}
DEFINE_GUID(GUID_DEVINTERFACE_ECHOKMDF, 0xa3c4f1b2, 0x7d1e, 0x4c0a, 0x9e, 0x55, 0x0f, 0x2b,
            0x7d, 0x4c, 0x8a, 0x11);

#define IOCTL_ECHO_REVERSE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_ECHO_COUNT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _DEVICE_CONTEXT {
    ULONG Requests;
    WDFQUEUE Queue;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

DRIVER_INITIALIZE EchoDriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD EchoEvtDeviceAdd;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EchoEvtIoDeviceControl;

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS EchoQueueInitialize(_In_ WDFDEVICE Device);
