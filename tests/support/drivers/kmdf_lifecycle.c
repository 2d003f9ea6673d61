/* SPDX-License-Identifier: MIT */
/*
 * This file implements a KMDF function driver written the way KMDF samples are written,
 * used by pnpsim's KMDF lifecycle tests: DriverEntry creates the framework driver,
 * EvtDriverDeviceAdd registers the PnP/power callbacks, creates the device with a typed
 * context and a device interface, and every callback appends its name to a log the tests
 * compare with KMDF's documented order.
 */
#include <ntddk.h>
#include <wdf.h>
#include <ntstrsafe.h>
#include <initguid.h>

#include "kmdf_lifecycle.h"

#define DriverEntry KmdfLifecycleDriverEntry

typedef struct _LIFECYCLE_CONTEXT {
    ULONG Magic;
    ULONG Starts;
} LIFECYCLE_CONTEXT, *PLIFECYCLE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(LIFECYCLE_CONTEXT, LifecycleGetContext)

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD LifecycleDeviceAdd;
static EVT_WDF_DEVICE_PREPARE_HARDWARE LifecyclePrepareHardware;
static EVT_WDF_DEVICE_RELEASE_HARDWARE LifecycleReleaseHardware;
static EVT_WDF_DEVICE_D0_ENTRY LifecycleD0Entry;
static EVT_WDF_DEVICE_D0_EXIT LifecycleD0Exit;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_INIT LifecycleSelfManagedIoInit;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_SUSPEND LifecycleSelfManagedIoSuspend;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_RESTART LifecycleSelfManagedIoRestart;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_FLUSH LifecycleSelfManagedIoFlush;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP LifecycleSelfManagedIoCleanup;
static EVT_WDF_DEVICE_SURPRISE_REMOVAL LifecycleSurpriseRemoval;
static EVT_WDF_DEVICE_QUERY_REMOVE LifecycleQueryRemove;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP LifecycleContextCleanup;
static EVT_WDF_OBJECT_CONTEXT_DESTROY LifecycleContextDestroy;

static KMDF_LIFECYCLE_MODE Mode;
static char Log[2048];
static WDFDEVICE LastDevice;
static ULONG Cleanups, Destroys;

void kmdf_lifecycle_reset(KMDF_LIFECYCLE_MODE mode)
{
    Mode = mode;
    Log[0] = '\0';
    LastDevice = NULL;
    Cleanups = 0;
    Destroys = 0;
}

const char *kmdf_lifecycle_log(void) { return Log; }
WDFDEVICE kmdf_lifecycle_device(void) { return LastDevice; }
ULONG kmdf_lifecycle_cleanups(void) { return Cleanups; }
ULONG kmdf_lifecycle_destroys(void) { return Destroys; }

static VOID LogEvent(const char *What)
{
    if (Log[0] != '\0')
        (void)RtlStringCbCatA(Log, sizeof(Log), ",");
    (void)RtlStringCbCatA(Log, sizeof(Log), What);
}

static const char *PowerName(WDF_POWER_DEVICE_STATE State)
{
    switch (State) {
    case WdfPowerDeviceD0: return "D0";
    case WdfPowerDeviceD1: return "D1";
    case WdfPowerDeviceD2: return "D2";
    case WdfPowerDeviceD3: return "D3";
    case WdfPowerDeviceD3Final: return "D3Final";
    default: return "?";
    }
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, LifecycleDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

static NTSTATUS LifecycleDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnpPower;
    WDF_OBJECT_ATTRIBUTES attributes;
    PLIFECYCLE_CONTEXT context;
    WDFDEVICE device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    PAGED_CODE();
    LogEvent("DeviceAdd");

    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnpPower);
    pnpPower.EvtDevicePrepareHardware = LifecyclePrepareHardware;
    pnpPower.EvtDeviceReleaseHardware = LifecycleReleaseHardware;
    pnpPower.EvtDeviceD0Entry = LifecycleD0Entry;
    pnpPower.EvtDeviceD0Exit = LifecycleD0Exit;
    pnpPower.EvtDeviceSelfManagedIoInit = LifecycleSelfManagedIoInit;
    pnpPower.EvtDeviceSelfManagedIoSuspend = LifecycleSelfManagedIoSuspend;
    pnpPower.EvtDeviceSelfManagedIoRestart = LifecycleSelfManagedIoRestart;
    pnpPower.EvtDeviceSelfManagedIoFlush = LifecycleSelfManagedIoFlush;
    pnpPower.EvtDeviceSelfManagedIoCleanup = LifecycleSelfManagedIoCleanup;
    pnpPower.EvtDeviceSurpriseRemoval = LifecycleSurpriseRemoval;
    pnpPower.EvtDeviceQueryRemove = LifecycleQueryRemove;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnpPower);
    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_UNKNOWN);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, LIFECYCLE_CONTEXT);
    attributes.EvtCleanupCallback = LifecycleContextCleanup;
    attributes.EvtDestroyCallback = LifecycleContextDestroy;
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    context = LifecycleGetContext(device);
    context->Magic = 0x4C494645;
    LastDevice = device;

    if (Mode != KmdfLifecycleNoInterface) {
        status = WdfDeviceCreateDeviceInterface(device, &GUID_KMDF_LIFECYCLE_INTERFACE, NULL);
        if (!NT_SUCCESS(status))
            return status;
    }
    if (Mode == KmdfLifecycleDisableBeforeStart)
        WdfDeviceSetDeviceInterfaceState(device, &GUID_KMDF_LIFECYCLE_INTERFACE, NULL, FALSE);
    if (Mode == KmdfLifecycleDisableExBeforeStart)
        WdfDeviceSetDeviceInterfaceStateEx(device, &GUID_KMDF_LIFECYCLE_INTERFACE, NULL, FALSE);
    if (Mode == KmdfLifecycleFailDeviceAdd)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    return STATUS_SUCCESS;
}

static NTSTATUS LifecyclePrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw,
                                         WDFCMRESLIST ResourcesTranslated)
{
    UNREFERENCED_PARAMETER(ResourcesRaw);
    LogEvent("PrepareHardware");
    LifecycleGetContext(Device)->Starts++;
    if (WdfCmResourceListGetCount(ResourcesTranslated) != 0)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    return Mode == KmdfLifecycleFailPrepareHardware ? STATUS_DEVICE_NOT_READY : STATUS_SUCCESS;
}

static NTSTATUS LifecycleReleaseHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesTranslated)
{
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(ResourcesTranslated);
    LogEvent("ReleaseHardware");
    return STATUS_SUCCESS;
}

static NTSTATUS LifecycleD0Entry(WDFDEVICE Device, WDF_POWER_DEVICE_STATE PreviousState)
{
    char what[32];
    KIRQL old;
    UNREFERENCED_PARAMETER(Device);
    (void)RtlStringCbPrintfA(what, sizeof(what), "D0Entry(%s)", PowerName(PreviousState));
    LogEvent(what);
    if (Mode == KmdfLifecycleRaiseIrqlInD0Entry)
        KeRaiseIrql(DISPATCH_LEVEL, &old);
    return Mode == KmdfLifecycleFailD0Entry ? STATUS_DEVICE_POWER_FAILURE : STATUS_SUCCESS;
}

static NTSTATUS LifecycleD0Exit(WDFDEVICE Device, WDF_POWER_DEVICE_STATE TargetState)
{
    char what[32];
    UNREFERENCED_PARAMETER(Device);
    (void)RtlStringCbPrintfA(what, sizeof(what), "D0Exit(%s)", PowerName(TargetState));
    LogEvent(what);
    return STATUS_SUCCESS;
}

static NTSTATUS LifecycleSelfManagedIoInit(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    LogEvent("SelfManagedIoInit");
    return STATUS_SUCCESS;
}

static NTSTATUS LifecycleSelfManagedIoSuspend(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    LogEvent("SelfManagedIoSuspend");
    return STATUS_SUCCESS;
}

static NTSTATUS LifecycleSelfManagedIoRestart(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    LogEvent("SelfManagedIoRestart");
    return STATUS_SUCCESS;
}

static VOID LifecycleSelfManagedIoFlush(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    LogEvent("SelfManagedIoFlush");
}

static VOID LifecycleSelfManagedIoCleanup(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    LogEvent("SelfManagedIoCleanup");
}

static VOID LifecycleSurpriseRemoval(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    LogEvent("SurpriseRemoval");
}

static NTSTATUS LifecycleQueryRemove(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    LogEvent("QueryRemove");
    return Mode == KmdfLifecycleVetoQueryRemove ? STATUS_DEVICE_BUSY : STATUS_SUCCESS;
}

static VOID LifecycleContextCleanup(WDFOBJECT Object)
{
    PLIFECYCLE_CONTEXT context = LifecycleGetContext(Object);
    if (context->Magic == 0x4C494645)
        Cleanups++;
    LogEvent("ContextCleanup");
}

static VOID LifecycleContextDestroy(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    Destroys++;
    if (LastDevice == (WDFDEVICE)Object)
        LastDevice = NULL;
    LogEvent("ContextDestroy");
}
