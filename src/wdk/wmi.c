/* SPDX-License-Identifier: MIT */
/*
 * This file implements the WMI routines drivers call (IoWMIRegistrationControl,
 * IoWMIWriteEvent, IoWMIOpenBlock, IoWMISetNotificationCallback, IoWMIQueryAllData,
 * IoWMIExecuteMethod, IoWMIDeviceObjectToProviderId). pnpsim does not model WMI: there
 * are no WMI consumers, so no IRP_MJ_SYSTEM_CONTROL IRPs are ever sent.
 *
 * Choices (README "Divergences and choices"): what a provider does succeeds neutrally —
 * registration and deregistration return STATUS_SUCCESS (no IRP_MN_REGINFO follows), and
 * an event written with IoWMIWriteEvent is accepted and its buffer freed, as WMI frees it
 * after delivery, with nobody listening. What a consumer does (opening a data block,
 * querying it, running a method, a notification callback) returns STATUS_NOT_IMPLEMENTED.
 * Every call is traced and logged once (pnpsim__log_once).
 */
#include "ke_int.h"

/*
 * Windows behaviour: registers or deregisters the device object as a WMI data provider;
 * after registration WMI sends IRP_MN_REGINFO(_EX) (Microsoft Learn
 * "IoWMIRegistrationControl").
 * Simulation: STATUS_SUCCESS for the documented actions, nothing is sent; an unknown Action
 * or a NULL device is STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI IoWMIRegistrationControl(PDEVICE_OBJECT DeviceObject, ULONG Action)
{
    static volatile long once;
    if (DeviceObject == NULL && Action != WMIREG_ACTION_UPDATE_GUIDS)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoWMIRegistrationControl: DeviceObject is NULL");
    if (Action < WMIREG_ACTION_REGISTER || Action > WMIREG_ACTION_BLOCK_IRPS)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoWMIRegistrationControl: Action %lu is not a WMIREG_ACTION_*",
                              (unsigned long)Action);
    pnpsim__log_once(&once, "IoWMIRegistrationControl",
                     "registration succeeds; no WMI IRPs will be sent");
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: delivers a WNODE_EVENT_ITEM to WMI consumers; on success WMI frees the
 * buffer (nonpaged pool the driver allocated); <= DISPATCH_LEVEL (Microsoft Learn
 * "IoWMIWriteEvent").
 * Simulation: STATUS_SUCCESS and the buffer is freed (nobody listens); NULL is
 * STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI IoWMIWriteEvent(PVOID WnodeEventItem)
{
    static volatile long once;
    if (WnodeEventItem == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "IoWMIWriteEvent: NULL event");
    pnpsim__log_once(&once, "IoWMIWriteEvent", "the event is accepted and dropped (no consumers)");
    ExFreePool(WnodeEventItem);
    return STATUS_SUCCESS;
}

static NTSTATUS consumer_call(volatile long *once, const char *ddi)
{
    pnpsim__log_once(once, ddi, "WMI consumers are not modelled: STATUS_NOT_IMPLEMENTED");
    return pnpsim__status(STATUS_NOT_IMPLEMENTED, "%s: WMI is not modelled by pnpsim", ddi);
}

/*
 * Windows behaviour: opens a WMI data block object for queries and notifications
 * (Microsoft Learn "IoWMIOpenBlock").
 * Simulation: STATUS_NOT_IMPLEMENTED; *DataBlockObject is set to NULL.
 */
NTSTATUS NTAPI IoWMIOpenBlock(const GUID *DataBlockGuid, ULONG DesiredAccess,
                              PVOID *DataBlockObject)
{
    static volatile long once;
    PNPSIM_UNUSED(DataBlockGuid);
    PNPSIM_UNUSED(DesiredAccess);
    if (DataBlockObject != NULL)
        *DataBlockObject = NULL;
    return consumer_call(&once, "IoWMIOpenBlock");
}

/*
 * Windows behaviour: registers a callback for a WMI event block (Microsoft Learn
 * "IoWMISetNotificationCallback").
 * Simulation: STATUS_NOT_IMPLEMENTED.
 */
NTSTATUS NTAPI IoWMISetNotificationCallback(PVOID Object, WMI_NOTIFICATION_CALLBACK_PTR Callback,
                                            PVOID Context)
{
    static volatile long once;
    PNPSIM_UNUSED(Object);
    PNPSIM_UNUSED(Callback);
    PNPSIM_UNUSED(Context);
    return consumer_call(&once, "IoWMISetNotificationCallback");
}

/*
 * Windows behaviour: returns every instance of a data block (Microsoft Learn
 * "IoWMIQueryAllData").
 * Simulation: STATUS_NOT_IMPLEMENTED.
 */
NTSTATUS NTAPI IoWMIQueryAllData(PVOID DataBlockObject, PULONG InOutBufferSize, PVOID OutBuffer)
{
    static volatile long once;
    PNPSIM_UNUSED(DataBlockObject);
    PNPSIM_UNUSED(InOutBufferSize);
    PNPSIM_UNUSED(OutBuffer);
    return consumer_call(&once, "IoWMIQueryAllData");
}

/*
 * Windows behaviour: runs a WMI method of a data block instance (Microsoft Learn
 * "IoWMIExecuteMethod").
 * Simulation: STATUS_NOT_IMPLEMENTED.
 */
NTSTATUS NTAPI IoWMIExecuteMethod(PVOID DataBlockObject, PUNICODE_STRING InstanceName,
                                  ULONG MethodId, ULONG InBufferSize, PULONG OutBufferSize,
                                  PUCHAR InOutBuffer)
{
    static volatile long once;
    PNPSIM_UNUSED(DataBlockObject);
    PNPSIM_UNUSED(InstanceName);
    PNPSIM_UNUSED(MethodId);
    PNPSIM_UNUSED(InBufferSize);
    PNPSIM_UNUSED(OutBufferSize);
    PNPSIM_UNUSED(InOutBuffer);
    return consumer_call(&once, "IoWMIExecuteMethod");
}

/*
 * Windows behaviour: the WMI provider ID of a device object, for WNODE_HEADER.ProviderId
 * (Microsoft Learn "IoWMIDeviceObjectToProviderId").
 * Simulation: the low 32 bits of the device object's address (unique while it lives).
 */
ULONG NTAPI IoWMIDeviceObjectToProviderId(PDEVICE_OBJECT DeviceObject)
{
    return (ULONG)(ULONG_PTR)DeviceObject;
}
