/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfpdo.h> for pnpsim's KMDF layer: physical device objects a bus driver creates (WdfPdoInit*, PDO event callbacks).
 */
#ifndef PNPSIM_WDK_WDFPDO_H
#define PNPSIM_WDK_WDFPDO_H

#include "wdfobject.h"
#include "wdfdevice.h"
#include "wdfchildlist.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- PDO event callbacks -------------------------------------------------------------- */
typedef NTSTATUS EVT_WDF_DEVICE_RESOURCES_QUERY(WDFDEVICE Device, WDFCMRESLIST Resources);
typedef EVT_WDF_DEVICE_RESOURCES_QUERY *PFN_WDF_DEVICE_RESOURCES_QUERY;
typedef NTSTATUS EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY(
    WDFDEVICE Device, WDFIORESREQLIST IoResourceRequirementsList);
typedef EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY *PFN_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY;
typedef NTSTATUS EVT_WDF_DEVICE_EJECT(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_EJECT *PFN_WDF_DEVICE_EJECT;
typedef NTSTATUS EVT_WDF_DEVICE_SET_LOCK(WDFDEVICE Device, BOOLEAN IsLocked);
typedef EVT_WDF_DEVICE_SET_LOCK *PFN_WDF_DEVICE_SET_LOCK;
typedef NTSTATUS EVT_WDF_DEVICE_ENABLE_WAKE_AT_BUS(WDFDEVICE Device,
                                                  SYSTEM_POWER_STATE PowerState);
typedef EVT_WDF_DEVICE_ENABLE_WAKE_AT_BUS *PFN_WDF_DEVICE_ENABLE_WAKE_AT_BUS;
typedef VOID EVT_WDF_DEVICE_DISABLE_WAKE_AT_BUS(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_DISABLE_WAKE_AT_BUS *PFN_WDF_DEVICE_DISABLE_WAKE_AT_BUS;
typedef VOID EVT_WDF_DEVICE_REPORTED_MISSING(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_REPORTED_MISSING *PFN_WDF_DEVICE_REPORTED_MISSING;

typedef struct _WDF_PDO_EVENT_CALLBACKS {
    ULONG Size;
    PFN_WDF_DEVICE_RESOURCES_QUERY EvtDeviceResourcesQuery;
    PFN_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY EvtDeviceResourceRequirementsQuery;
    PFN_WDF_DEVICE_EJECT EvtDeviceEject;
    PFN_WDF_DEVICE_SET_LOCK EvtDeviceSetLock;
    PFN_WDF_DEVICE_ENABLE_WAKE_AT_BUS EvtDeviceEnableWakeAtBus;
    PFN_WDF_DEVICE_DISABLE_WAKE_AT_BUS EvtDeviceDisableWakeAtBus;
    PFN_WDF_DEVICE_REPORTED_MISSING EvtDeviceReportedMissing;
} WDF_PDO_EVENT_CALLBACKS, *PWDF_PDO_EVENT_CALLBACKS;

FORCEINLINE VOID WDF_PDO_EVENT_CALLBACKS_INIT(PWDF_PDO_EVENT_CALLBACKS Callbacks)
{
    RtlZeroMemory(Callbacks, sizeof(WDF_PDO_EVENT_CALLBACKS));
    Callbacks->Size = sizeof(WDF_PDO_EVENT_CALLBACKS);
}

/* ---- WDFDEVICE_INIT of a PDO ---------------------------------------------------------- */
WDFAPI PWDFDEVICE_INIT WdfPdoInitAllocate(WDFDEVICE ParentDevice);
WDFAPI VOID WdfPdoInitSetEventCallbacks(PWDFDEVICE_INIT DeviceInit,
                                        PWDF_PDO_EVENT_CALLBACKS DispatchTable);
WDFAPI NTSTATUS WdfPdoInitAssignDeviceID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceID);
WDFAPI NTSTATUS WdfPdoInitAssignInstanceID(PWDFDEVICE_INIT DeviceInit,
                                           PCUNICODE_STRING InstanceID);
WDFAPI NTSTATUS WdfPdoInitAddHardwareID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING HardwareID);
WDFAPI NTSTATUS WdfPdoInitAddCompatibleID(PWDFDEVICE_INIT DeviceInit,
                                          PCUNICODE_STRING CompatibleID);
WDFAPI NTSTATUS WdfPdoInitAssignContainerID(PWDFDEVICE_INIT DeviceInit,
                                            PCUNICODE_STRING ContainerID);
WDFAPI NTSTATUS WdfPdoInitAddDeviceText(PWDFDEVICE_INIT DeviceInit,
                                        PCUNICODE_STRING DeviceDescription,
                                        PCUNICODE_STRING DeviceLocation, LCID LocaleId);
WDFAPI VOID WdfPdoInitSetDefaultLocale(PWDFDEVICE_INIT DeviceInit, LCID LocaleId);
WDFAPI NTSTATUS WdfPdoInitAssignRawDevice(PWDFDEVICE_INIT DeviceInit,
                                          const GUID *DeviceClassGuid);
WDFAPI VOID WdfPdoInitAllowForwardingRequestToParent(PWDFDEVICE_INIT DeviceInit);

/* ---- PDO methods ---------------------------------------------------------------------- */
WDFAPI NTSTATUS WdfPdoMarkMissing(WDFDEVICE Device);
WDFAPI VOID WdfPdoRequestEject(WDFDEVICE Device);
WDFAPI WDFDEVICE WdfPdoGetParent(WDFDEVICE Device);
WDFAPI NTSTATUS WdfPdoRetrieveIdentificationDescription(
    WDFDEVICE Device, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription);
WDFAPI NTSTATUS WdfPdoRetrieveAddressDescription(
    WDFDEVICE Device, PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER AddressDescription);
WDFAPI NTSTATUS WdfPdoUpdateAddressDescription(
    WDFDEVICE Device, PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER AddressDescription);
WDFAPI NTSTATUS WdfPdoAddEjectionRelationsPhysicalDevice(WDFDEVICE Device,
                                                         PDEVICE_OBJECT PhysicalDevice);
WDFAPI VOID WdfPdoRemoveEjectionRelationsPhysicalDevice(WDFDEVICE Device,
                                                        PDEVICE_OBJECT PhysicalDevice);
WDFAPI VOID WdfPdoClearEjectionRelationsDevices(WDFDEVICE Device);


#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFPDO_H */
