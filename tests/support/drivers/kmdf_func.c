/* SPDX-License-Identifier: MIT */
/*
 * This file implements a KMDF function driver written the way KMDF samples are written,
 * used by pnpsim's KMDF query-interface, I/O target and scenario tests: it binds to the
 * children of kmdf_bus, imports the bus's interface in EvtDevicePrepareHardware (same-stack
 * importers query there and release in EvtDeviceReleaseHardware, Microsoft Learn "Using
 * Driver-Defined Interfaces"), creates a device interface the framework enables at start,
 * exports its own interface for other stacks, and serves one IOCTL from a default queue.
 */
#include <ntddk.h>
#include <wdf.h>

#include "kmdf_bus.h"
#include <initguid.h>
#include "kmdf_func.h"

#define DriverEntry KmdfFuncDriverEntry

typedef struct _FUNC_DEVICE_CONTEXT {
    KMDF_BUS_INTERFACE BusInterface;
    BOOLEAN BusInterfaceHeld;
    ULONG Serial;
} FUNC_DEVICE_CONTEXT, *PFUNC_DEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FUNC_DEVICE_CONTEXT, FuncGetContext)

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD FuncDeviceAdd;
static EVT_WDF_DEVICE_PREPARE_HARDWARE FuncPrepareHardware;
static EVT_WDF_DEVICE_RELEASE_HARDWARE FuncReleaseHardware;
static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL FuncIoDeviceControl;

static KMDF_FUNC_MODE Mode;
static KMDF_FUNC_STATS Stats;
static WDFDEVICE LastDevice;

void kmdf_func_reset(KMDF_FUNC_MODE NewMode)
{
    Mode = NewMode;
    RtlZeroMemory(&Stats, sizeof(Stats));
    LastDevice = NULL;
}

const KMDF_FUNC_STATS *kmdf_func_stats(void) { return &Stats; }
WDFDEVICE kmdf_func_last_device(void) { return LastDevice; }

/* The exported interface's routines. Context is the WDFDEVICE. */
static VOID FuncQiReference(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    InterlockedIncrement(&Stats.QiReferences);
}

static VOID FuncQiDereference(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    InterlockedDecrement(&Stats.QiReferences);
}

static ULONG FuncQiGetSerial(PVOID Context)
{
    return FuncGetContext((WDFDEVICE)Context)->Serial;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, FuncDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

static NTSTATUS FuncDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_QUERY_INTERFACE_CONFIG qiConfig;
    WDF_IO_QUEUE_CONFIG queueConfig;
    KMDF_FUNC_QI qi;
    WDFDEVICE device;
    WDFQUEUE queue;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    PAGED_CODE();

    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
    pnp.EvtDevicePrepareHardware = FuncPrepareHardware;
    pnp.EvtDeviceReleaseHardware = FuncReleaseHardware;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, FUNC_DEVICE_CONTEXT);
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    Stats.Devices++;
    LastDevice = device;

    /* Enabled by the framework when the device has started, disabled at removal. */
    status = WdfDeviceCreateDeviceInterface(device, &GUID_KMDF_FUNC_INTERFACE, NULL);
    if (!NT_SUCCESS(status))
        return status;

    /* The interface is copied: a local variable is fine. */
    RtlZeroMemory(&qi, sizeof(qi));
    qi.InterfaceHeader.Size = sizeof(qi);
    qi.InterfaceHeader.Version = KMDF_FUNC_QI_VERSION;
    qi.InterfaceHeader.Context = device;
    qi.InterfaceHeader.InterfaceReference = FuncQiReference;
    qi.InterfaceHeader.InterfaceDereference = FuncQiDereference;
    qi.GetSerial = FuncQiGetSerial;
    WDF_QUERY_INTERFACE_CONFIG_INIT(&qiConfig, (PINTERFACE)&qi, &GUID_KMDF_FUNC_QI, NULL);
    status = WdfDeviceAddQueryInterface(device, &qiConfig);
    if (!NT_SUCCESS(status))
        return status;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
    queueConfig.EvtIoDeviceControl = FuncIoDeviceControl;
    return WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &queue);
}

static NTSTATUS FuncPrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw,
                                    WDFCMRESLIST ResourcesTranslated)
{
    PFUNC_DEVICE_CONTEXT ctx = FuncGetContext(Device);
    NTSTATUS status;

    UNREFERENCED_PARAMETER(ResourcesRaw);
    UNREFERENCED_PARAMETER(ResourcesTranslated);
    PAGED_CODE();

    Stats.Prepares++;
    status = WdfFdoQueryForInterface(Device, &GUID_KMDF_BUS_INTERFACE,
                                     (PINTERFACE)&ctx->BusInterface,
                                     sizeof(KMDF_BUS_INTERFACE), KMDF_BUS_INTERFACE_VERSION, NULL);
    Stats.BusQueryStatus = status;
    if (!NT_SUCCESS(status))
        return status;
    ctx->BusInterfaceHeld = TRUE;
    Stats.BusInterfaceHeld = TRUE;
    ctx->Serial = ctx->BusInterface.GetSerial(ctx->BusInterface.InterfaceHeader.Context);
    Stats.SerialSeen = ctx->Serial;
    Stats.RegisterSeen = ctx->BusInterface.ReadRegister(ctx->BusInterface.InterfaceHeader.Context, 5);
    return STATUS_SUCCESS;
}

static NTSTATUS FuncReleaseHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesTranslated)
{
    PFUNC_DEVICE_CONTEXT ctx = FuncGetContext(Device);

    UNREFERENCED_PARAMETER(ResourcesTranslated);
    PAGED_CODE();

    Stats.Releases++;
    if (ctx->BusInterfaceHeld && Mode != KmdfFuncLeakBusInterface) {
        ctx->BusInterface.InterfaceHeader.InterfaceDereference(
            ctx->BusInterface.InterfaceHeader.Context);
        if (Mode == KmdfFuncDoubleRelease)
            ctx->BusInterface.InterfaceHeader.InterfaceDereference(
                ctx->BusInterface.InterfaceHeader.Context);
        ctx->BusInterfaceHeld = FALSE;
        Stats.BusInterfaceHeld = FALSE;
    }
    return STATUS_SUCCESS;
}

static VOID FuncIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                size_t InputBufferLength, ULONG IoControlCode)
{
    PFUNC_DEVICE_CONTEXT ctx = FuncGetContext(WdfIoQueueGetDevice(Queue));
    PULONG out;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);

    if (IoControlCode != IOCTL_KMDF_FUNC_GET_SERIAL) {
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
    status = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), (PVOID *)&out, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    *out = ctx->Serial;
    Stats.Ioctls++;
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(ULONG));
}
