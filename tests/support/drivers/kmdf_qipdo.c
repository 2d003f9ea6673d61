/* SPDX-License-Identifier: MIT */
/*
 * This file implements a small KMDF bus driver, written the way KMDF bus samples are
 * written, that exports driver-defined interfaces from its PDO in each way
 * WDF_QUERY_INTERFACE_CONFIG allows (Microsoft Learn "WdfDeviceAddQueryInterface",
 * "WDF_QUERY_INTERFACE_CONFIG", "EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST", "Using
 * Driver-Defined Interfaces"): its FDO exports GUID_KMDF_QIPDO_PARENT, and its one static
 * child exports a versioned stored interface, passes GUID_KMDF_QIPDO_PARENT queries on to the
 * parent's stack, answers an imported interface from its callback, and declines one query in
 * its callback. Used by pnpsim's KMDF query-interface tests.
 */
#include <ntddk.h>
#include <wdf.h>
#include <initguid.h>

#include "kmdf_qipdo.h"

#define DriverEntry KmdfQiPdoDriverEntry

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD QiPdoDeviceAdd;
static EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST QiPdoProcessImport;
static EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST QiPdoProcessDecline;

/* {4d36e97d-e325-11ce-bfc1-08002be10318}: the "System" setup class, for the raw child. */
static const GUID QiPdoRawClass = {0x4d36e97d, 0xe325, 0x11ce,
                                   {0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18}};

static KMDF_QIPDO_STATS Stats;

void kmdf_qipdo_reset(void) { RtlZeroMemory(&Stats, sizeof(Stats)); }
const KMDF_QIPDO_STATS *kmdf_qipdo_stats(void) { return &Stats; }

/* Every exported interface counts its references in the LONG its Context points at. */
static VOID QiPdoReference(PVOID Context) { InterlockedIncrement((PLONG)Context); }
static VOID QiPdoDereference(PVOID Context) { InterlockedDecrement((PLONG)Context); }
static ULONG QiPdoParentValue(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    return KMDF_QIPDO_PARENT_VALUE;
}
static ULONG QiPdoChildValue(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    return KMDF_QIPDO_CHILD_VALUE;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, QiPdoDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

static NTSTATUS QiPdoAddStored(WDFDEVICE Device, const GUID *Type, USHORT Version, PLONG Counter,
                               PKMDF_QIPDO_GET_VALUE GetValue,
                               PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST Callback)
{
    WDF_QUERY_INTERFACE_CONFIG qiConfig;
    KMDF_QIPDO_INTERFACE iface;

    RtlZeroMemory(&iface, sizeof(iface));
    iface.InterfaceHeader.Size = sizeof(iface);
    iface.InterfaceHeader.Version = Version;
    iface.InterfaceHeader.Context = Counter;
    iface.InterfaceHeader.InterfaceReference = QiPdoReference;
    iface.InterfaceHeader.InterfaceDereference = QiPdoDereference;
    iface.GetValue = GetValue;
    WDF_QUERY_INTERFACE_CONFIG_INIT(&qiConfig, (PINTERFACE)&iface, Type, Callback);
    return WdfDeviceAddQueryInterface(Device, &qiConfig);
}

static NTSTATUS QiPdoCreateChild(WDFDEVICE Fdo)
{
    DECLARE_CONST_UNICODE_STRING(deviceId, L"KMDFQIPDO\\Child");
    DECLARE_CONST_UNICODE_STRING(instanceId, L"1");
    WDF_QUERY_INTERFACE_CONFIG qiConfig;
    WDF_DEVICE_PNP_CAPABILITIES caps;
    PWDFDEVICE_INIT childInit;
    WDFDEVICE child;
    NTSTATUS status;

    PAGED_CODE();

    childInit = WdfPdoInitAllocate(Fdo);
    if (childInit == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = WdfPdoInitAssignDeviceID(childInit, &deviceId);
    if (NT_SUCCESS(status))
        status = WdfPdoInitAssignInstanceID(childInit, &instanceId);
    if (NT_SUCCESS(status))
        status = WdfPdoInitAddHardwareID(childInit, &deviceId);
    /* Raw: the child starts without a function driver, so only the PDO answers queries. */
    if (NT_SUCCESS(status))
        status = WdfPdoInitAssignRawDevice(childInit, &QiPdoRawClass);
    if (!NT_SUCCESS(status)) {
        WdfDeviceInitFree(childInit);
        return status;
    }
    status = WdfDeviceCreate(&childInit, WDF_NO_OBJECT_ATTRIBUTES, &child);
    if (!NT_SUCCESS(status)) {
        WdfDeviceInitFree(childInit);
        return status;
    }

    WDF_DEVICE_PNP_CAPABILITIES_INIT(&caps);
    caps.UniqueID = WdfTrue;
    caps.SurpriseRemovalOK = WdfTrue;
    WdfDeviceSetPnpCapabilities(child, &caps);

    /* A newer, larger interface than old requesters know. */
    status = QiPdoAddStored(child, &GUID_KMDF_QIPDO_SIZED, KMDF_QIPDO_SIZED_VERSION,
                            &Stats.SizedReferences, QiPdoChildValue, NULL);
    /* The parent bus answers this one: no interface of our own. */
    if (NT_SUCCESS(status)) {
        WDF_QUERY_INTERFACE_CONFIG_INIT(&qiConfig, NULL, &GUID_KMDF_QIPDO_PARENT, NULL);
        qiConfig.SendQueryToParentStack = TRUE;
        status = WdfDeviceAddQueryInterface(child, &qiConfig);
    }
    /* Two-way: the callback reads what the requester put in and fills in the rest. */
    if (NT_SUCCESS(status)) {
        WDF_QUERY_INTERFACE_CONFIG_INIT(&qiConfig, NULL, &GUID_KMDF_QIPDO_IMPORT,
                                        QiPdoProcessImport);
        qiConfig.ImportInterface = TRUE;
        status = WdfDeviceAddQueryInterface(child, &qiConfig);
    }
    /* Stored, but the callback lets the query go on. */
    if (NT_SUCCESS(status))
        status = QiPdoAddStored(child, &GUID_KMDF_QIPDO_DECLINE, 1, &Stats.DeclineReferences,
                                QiPdoChildValue, QiPdoProcessDecline);
    if (NT_SUCCESS(status))
        status = WdfFdoAddStaticChild(Fdo, child);
    if (!NT_SUCCESS(status))
        WdfObjectDelete(child);
    return status;
}

static NTSTATUS QiPdoDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDFDEVICE fdo;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    PAGED_CODE();

    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_BUS_EXTENDER);
    status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    status = QiPdoAddStored(fdo, &GUID_KMDF_QIPDO_PARENT, 1, &Stats.ParentReferences,
                            QiPdoParentValue, NULL);
    if (!NT_SUCCESS(status))
        return status;
    Stats.ChildStatus = QiPdoCreateChild(fdo);
    return Stats.ChildStatus;
}

static NTSTATUS QiPdoProcessImport(WDFDEVICE Device, LPGUID InterfaceType,
                                   PINTERFACE ExposedInterface, PVOID ExposedInterfaceSpecificData)
{
    PKMDF_QIPDO_IMPORT_INTERFACE iface = (PKMDF_QIPDO_IMPORT_INTERFACE)ExposedInterface;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(InterfaceType);
    UNREFERENCED_PARAMETER(ExposedInterfaceSpecificData);

    Stats.ImportCalls++;
    if (iface->InterfaceHeader.Size < sizeof(*iface))
        return STATUS_INVALID_BUFFER_SIZE;
    Stats.ImportCookieSeen = iface->RequesterCookie;
    iface->ExporterCookie = iface->RequesterCookie ^ KMDF_QIPDO_CHILD_VALUE;
    iface->InterfaceHeader.Context = &Stats.ImportReferences;
    iface->InterfaceHeader.InterfaceReference = QiPdoReference;
    iface->InterfaceHeader.InterfaceDereference = QiPdoDereference;
    return STATUS_SUCCESS;
}

static NTSTATUS QiPdoProcessDecline(WDFDEVICE Device, LPGUID InterfaceType,
                                    PINTERFACE ExposedInterface,
                                    PVOID ExposedInterfaceSpecificData)
{
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(InterfaceType);
    UNREFERENCED_PARAMETER(ExposedInterface);
    UNREFERENCED_PARAMETER(ExposedInterfaceSpecificData);
    Stats.DeclineCalls++;
    return STATUS_NOT_SUPPORTED;
}
