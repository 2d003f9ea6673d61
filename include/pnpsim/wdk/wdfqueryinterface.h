/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfqueryinterface.h> for pnpsim's KMDF layer: driver-defined
 * interfaces a framework device exports with WdfDeviceAddQueryInterface (answered when
 * IRP_MN_QUERY_INTERFACE arrives, windows-semantics.md §10.1-10.2), and the no-op reference
 * routines for interfaces that need no counting (§10.3).
 */
#ifndef PNPSIM_WDK_WDFQUERYINTERFACE_H
#define PNPSIM_WDK_WDFQUERYINTERFACE_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called when a query for the exported GUID arrives; ExposedInterface is the requester's
 * buffer (already filled in unless the interface is imported). STATUS_NOT_SUPPORTED lets
 * the query go on to the next entry / down the stack. */
typedef NTSTATUS EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST(WDFDEVICE Device,
                                                                LPGUID InterfaceType,
                                                                PINTERFACE ExposedInterface,
                                                                PVOID ExposedInterfaceSpecificData);
typedef EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST
    *PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST;

typedef struct _WDF_QUERY_INTERFACE_CONFIG {
    ULONG Size;
    /* The interface to hand out (copied by WdfDeviceAddQueryInterface), or NULL for an
     * import-only or parent-stack entry. */
    PINTERFACE Interface;
    const GUID *InterfaceType;
    /* PDOs only: pass the query on to the top of the parent device's stack. */
    BOOLEAN SendQueryToParentStack;
    PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST EvtDeviceProcessQueryInterfaceRequest;
    /* Two-way interface: the requester's buffer is passed to the callback uncopied. */
    BOOLEAN ImportInterface;
} WDF_QUERY_INTERFACE_CONFIG, *PWDF_QUERY_INTERFACE_CONFIG;

FORCEINLINE VOID WDF_QUERY_INTERFACE_CONFIG_INIT(
    PWDF_QUERY_INTERFACE_CONFIG InterfaceConfig, PINTERFACE Interface, const GUID *InterfaceType,
    PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST EvtDeviceProcessQueryInterfaceRequest)
{
    RtlZeroMemory(InterfaceConfig, sizeof(WDF_QUERY_INTERFACE_CONFIG));
    InterfaceConfig->Size = sizeof(WDF_QUERY_INTERFACE_CONFIG);
    InterfaceConfig->Interface = Interface;
    InterfaceConfig->InterfaceType = InterfaceType;
    InterfaceConfig->EvtDeviceProcessQueryInterfaceRequest =
        EvtDeviceProcessQueryInterfaceRequest;
}

WDFAPI NTSTATUS WdfDeviceAddQueryInterface(WDFDEVICE Device,
                                           PWDF_QUERY_INTERFACE_CONFIG InterfaceConfig);
WDFAPI VOID WdfDeviceInterfaceReferenceNoOp(PVOID Context);
WDFAPI VOID WdfDeviceInterfaceDereferenceNoOp(PVOID Context);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFQUERYINTERFACE_H */
