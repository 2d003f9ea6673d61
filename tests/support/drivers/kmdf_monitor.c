/* SPDX-License-Identifier: MIT */
/*
 * This file implements a KMDF monitor driver written the way the KMDF toastmon sample is
 * written: its device registers for arrivals of another device's interface
 * (IoRegisterPlugPlayNotification, EventCategoryDeviceInterfaceChange), opens each arrived
 * interface as a remote I/O target by its symbolic link, imports a driver-defined interface
 * through the target, and releases it when the target device goes: in
 * EvtIoTargetQueryRemove (graceful removal, then WdfIoTargetCloseForQueryRemove), re-imports
 * in EvtIoTargetRemoveCanceled (after reopening), and in EvtIoTargetRemoveComplete (surprise
 * removal) before closing and deleting the target (Microsoft Learn "Using Driver-Defined
 * Interfaces", "Controlling a General I/O Target's State").
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdmguid.h>

#include "kmdf_func.h"
#include "kmdf_monitor.h"

#define DriverEntry KmdfMonitorDriverEntry

typedef struct _MONITOR_DEVICE_CONTEXT {
    PVOID NotificationEntry;
} MONITOR_DEVICE_CONTEXT, *PMONITOR_DEVICE_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(MONITOR_DEVICE_CONTEXT, MonitorGetContext)

typedef struct _MONITOR_TARGET_CONTEXT {
    KMDF_FUNC_QI Qi;
    BOOLEAN QiHeld;
} MONITOR_TARGET_CONTEXT, *PMONITOR_TARGET_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(MONITOR_TARGET_CONTEXT, MonitorTargetGetContext)

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD MonitorDeviceAdd;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP MonitorDeviceCleanup;
static EVT_WDF_OBJECT_CONTEXT_DESTROY MonitorTargetDestroy;
static EVT_WDF_IO_TARGET_QUERY_REMOVE MonitorQueryRemove;
static EVT_WDF_IO_TARGET_REMOVE_CANCELED MonitorRemoveCanceled;
static EVT_WDF_IO_TARGET_REMOVE_COMPLETE MonitorRemoveComplete;
static DRIVER_NOTIFICATION_CALLBACK_ROUTINE MonitorInterfaceChange;

static KMDF_MONITOR_MODE Mode;
static KMDF_MONITOR_STATS Stats;
static WDFIOTARGET LastTarget;

void kmdf_monitor_reset(KMDF_MONITOR_MODE NewMode)
{
    Mode = NewMode;
    RtlZeroMemory(&Stats, sizeof(Stats));
    LastTarget = NULL;
}

const KMDF_MONITOR_STATS *kmdf_monitor_stats(void) { return &Stats; }
WDFIOTARGET kmdf_monitor_last_target(void) { return LastTarget; }

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, MonitorDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

static NTSTATUS MonitorDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    PMONITOR_DEVICE_CONTEXT ctx;
    WDFDEVICE device;
    NTSTATUS status;

    PAGED_CODE();
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, MONITOR_DEVICE_CONTEXT);
    attributes.EvtCleanupCallback = MonitorDeviceCleanup;
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    ctx = MonitorGetContext(device);
    return IoRegisterPlugPlayNotification(
        EventCategoryDeviceInterfaceChange, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
        (PVOID)&GUID_KMDF_FUNC_INTERFACE, WdfDriverWdmGetDriverObject(Driver),
        MonitorInterfaceChange, device, &ctx->NotificationEntry);
}

static VOID MonitorDeviceCleanup(WDFOBJECT Object)
{
    PMONITOR_DEVICE_CONTEXT ctx = MonitorGetContext((WDFDEVICE)Object);
    if (ctx->NotificationEntry != NULL) {
        IoUnregisterPlugPlayNotificationEx(ctx->NotificationEntry);
        ctx->NotificationEntry = NULL;
    }
}

static VOID MonitorTargetDestroy(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    InterlockedDecrement(&Stats.TargetsLive);
}

static VOID MonitorAcquire(WDFIOTARGET Target)
{
    PMONITOR_TARGET_CONTEXT tctx = MonitorTargetGetContext(Target);
    NTSTATUS status = WdfIoTargetQueryForInterface(Target, &GUID_KMDF_FUNC_QI, (PINTERFACE)&tctx->Qi,
                                                   sizeof(KMDF_FUNC_QI), KMDF_FUNC_QI_VERSION,
                                                   NULL);
    Stats.QiStatus = status;
    if (NT_SUCCESS(status)) {
        tctx->QiHeld = TRUE;
        InterlockedIncrement(&Stats.InterfacesHeld);
        Stats.QiSerial = tctx->Qi.GetSerial(tctx->Qi.InterfaceHeader.Context);
    }
}

static VOID MonitorRelease(WDFIOTARGET Target)
{
    PMONITOR_TARGET_CONTEXT tctx = MonitorTargetGetContext(Target);
    if (tctx->QiHeld && Mode != KmdfMonitorLeakInterface) {
        tctx->Qi.InterfaceHeader.InterfaceDereference(tctx->Qi.InterfaceHeader.Context);
        tctx->QiHeld = FALSE;
        InterlockedDecrement(&Stats.InterfacesHeld);
    }
}

static NTSTATUS MonitorInterfaceChange(PVOID NotificationStructure, PVOID Context)
{
    PDEVICE_INTERFACE_CHANGE_NOTIFICATION n = (PDEVICE_INTERFACE_CHANGE_NOTIFICATION)NotificationStructure;
    WDFDEVICE device = (WDFDEVICE)Context;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_IO_TARGET_OPEN_PARAMS params;
    WDF_MEMORY_DESCRIPTOR output;
    WDFIOTARGET target;
    ULONG serial = 0;
    NTSTATUS status;

    PAGED_CODE();
    if (IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_REMOVAL)) {
        Stats.InterfaceRemovals++;
        return STATUS_SUCCESS;
    }
    if (!IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_ARRIVAL))
        return STATUS_SUCCESS;
    Stats.Arrivals++;

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, MONITOR_TARGET_CONTEXT);
    attributes.ParentObject = device;
    attributes.EvtDestroyCallback = MonitorTargetDestroy;
    status = WdfIoTargetCreate(device, &attributes, &target);
    if (!NT_SUCCESS(status))
        return STATUS_SUCCESS;
    InterlockedIncrement(&Stats.TargetsLive);

    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&params, n->SymbolicLinkName, STANDARD_RIGHTS_ALL);
    if (Mode != KmdfMonitorNoCallbacks) {
        params.EvtIoTargetQueryRemove = MonitorQueryRemove;
        params.EvtIoTargetRemoveCanceled = MonitorRemoveCanceled;
        params.EvtIoTargetRemoveComplete = MonitorRemoveComplete;
    }
    status = WdfIoTargetOpen(target, &params);
    Stats.OpenStatus = status;
    if (!NT_SUCCESS(status)) {
        WdfObjectDelete(target);
        return STATUS_SUCCESS;
    }
    LastTarget = target;
    MonitorAcquire(target);

    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&output, &serial, sizeof(serial));
    Stats.IoctlStatus = WdfIoTargetSendIoctlSynchronously(target, NULL, IOCTL_KMDF_FUNC_GET_SERIAL,
                                                          NULL, &output, NULL, &Stats.IoctlBytes);
    Stats.IoctlSerial = serial;
    return STATUS_SUCCESS;
}

static NTSTATUS MonitorQueryRemove(WDFIOTARGET IoTarget)
{
    Stats.QueryRemoves++;
    if (Mode == KmdfMonitorVetoQueryRemove)
        return STATUS_UNSUCCESSFUL;
    MonitorRelease(IoTarget);
    WdfIoTargetCloseForQueryRemove(IoTarget);
    Stats.LastState = WdfIoTargetGetState(IoTarget);
    return STATUS_SUCCESS;
}

static VOID MonitorRemoveCanceled(WDFIOTARGET IoTarget)
{
    WDF_IO_TARGET_OPEN_PARAMS params;
    Stats.RemoveCanceled++;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(&params);
    if (NT_SUCCESS(WdfIoTargetOpen(IoTarget, &params)) &&
        !MonitorTargetGetContext(IoTarget)->QiHeld)
        MonitorAcquire(IoTarget);
    Stats.LastState = WdfIoTargetGetState(IoTarget);
}

static VOID MonitorRemoveComplete(WDFIOTARGET IoTarget)
{
    Stats.RemoveCompletes++;
    MonitorRelease(IoTarget);
    WdfIoTargetClose(IoTarget);
    Stats.LastState = WdfIoTargetGetState(IoTarget);
    WdfObjectDelete(IoTarget);
}
