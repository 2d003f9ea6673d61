/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdffdo.h> for pnpsim's KMDF layer: the methods of function and
 * filter drivers' device objects (filter mode, the default child list, static children,
 * querying the device's own stack for a driver-defined interface).
 */
#ifndef PNPSIM_WDK_WDFFDO_H
#define PNPSIM_WDK_WDFFDO_H

#include "wdfdevice.h"
#include "wdfchildlist.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef NTSTATUS EVT_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS(
    WDFDEVICE Device, WDFIORESREQLIST IoResourceRequirementsList);
typedef EVT_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS *PFN_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS;
typedef NTSTATUS EVT_WDF_DEVICE_REMOVE_ADDED_RESOURCES(WDFDEVICE Device,
                                                             WDFCMRESLIST ResourcesRaw,
                                                             WDFCMRESLIST ResourcesTranslated);
typedef EVT_WDF_DEVICE_REMOVE_ADDED_RESOURCES *PFN_WDF_DEVICE_REMOVE_ADDED_RESOURCES;

typedef struct _WDF_FDO_EVENT_CALLBACKS {
    ULONG Size;
    PFN_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS EvtDeviceFilterAddResourceRequirements;
    PFN_WDF_DEVICE_FILTER_RESOURCE_REQUIREMENTS EvtDeviceFilterRemoveResourceRequirements;
    PFN_WDF_DEVICE_REMOVE_ADDED_RESOURCES EvtDeviceRemoveAddedResources;
} WDF_FDO_EVENT_CALLBACKS, *PWDF_FDO_EVENT_CALLBACKS;

FORCEINLINE VOID WDF_FDO_EVENT_CALLBACKS_INIT(PWDF_FDO_EVENT_CALLBACKS Callbacks)
{
    RtlZeroMemory(Callbacks, sizeof(WDF_FDO_EVENT_CALLBACKS));
    Callbacks->Size = sizeof(WDF_FDO_EVENT_CALLBACKS);
}

WDFAPI VOID WdfFdoInitSetFilter(PWDFDEVICE_INIT DeviceInit);
WDFAPI PDEVICE_OBJECT WdfFdoInitWdmGetPhysicalDevice(PWDFDEVICE_INIT DeviceInit);
WDFAPI VOID WdfFdoInitSetEventCallbacks(PWDFDEVICE_INIT DeviceInit,
                                 PWDF_FDO_EVENT_CALLBACKS FdoEventCallbacks);
WDFAPI VOID WdfFdoInitSetDefaultChildListConfig(PWDFDEVICE_INIT DeviceInit,
                                         PWDF_CHILD_LIST_CONFIG Config,
                                         PWDF_OBJECT_ATTRIBUTES DefaultChildListAttributes);
WDFAPI NTSTATUS WdfFdoInitOpenRegistryKey(PWDFDEVICE_INIT DeviceInit, ULONG DeviceInstanceKeyType,
                                   ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes,
                                   WDFKEY *Key);
WDFAPI NTSTATUS WdfFdoInitQueryProperty(PWDFDEVICE_INIT DeviceInit,
                                 DEVICE_REGISTRY_PROPERTY DeviceProperty, ULONG BufferLength,
                                 PVOID PropertyBuffer, PULONG ResultLength);

WDFAPI WDFCHILDLIST WdfFdoGetDefaultChildList(WDFDEVICE Fdo);
WDFAPI NTSTATUS WdfFdoAddStaticChild(WDFDEVICE Fdo, WDFDEVICE Child);
WDFAPI VOID WdfFdoLockStaticChildListForIteration(WDFDEVICE Fdo);
WDFAPI WDFDEVICE WdfFdoRetrieveNextStaticChild(WDFDEVICE Fdo, WDFDEVICE PreviousChild, ULONG Flags);
WDFAPI VOID WdfFdoUnlockStaticChildListFromIteration(WDFDEVICE Fdo);

/* Query the device's own stack (top of it) for a driver-defined interface (§10.3). */
WDFAPI NTSTATUS WdfFdoQueryForInterface(WDFDEVICE Fdo, const GUID *InterfaceType, PINTERFACE Interface,
                                 USHORT Size, USHORT Version, PVOID InterfaceSpecificData);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFFDO_H */
