/* SPDX-License-Identifier: MIT */
/*
 * This file implements driver-defined interfaces in pnpsim's KMDF layer: exporting them with
 * WdfDeviceAddQueryInterface (windows-semantics.md §10.1), answering IRP_MN_QUERY_INTERFACE
 * for a framework device the way KMDF's FxPkgPnp::HandleQueryInterface does (§10.2), and
 * importing with WdfFdoQueryForInterface (§10.3). References handed out here reach the
 * query-interface ledger (src/core/qi.c) like WDM ones: the verifier's IofCompleteRequest hook
 * records every successful query when its IRP completes, whichever layer answered it.
 *
 * Locking: a device's entries (d->qi_entries) are appended and walked under sys->lock; they
 * are only freed when the device is destroyed. Driver callbacks run without the lock.
 */
#include "kmdf_int.h"

/* One WdfDeviceAddQueryInterface registration. */
typedef struct fx_qi_entry {
    LIST_ENTRY link;               /* pnpsim__fx_device.qi_entries */
    GUID guid;
    PINTERFACE iface;              /* copy of Interface->Size bytes, or NULL */
    bool send_to_parent;
    bool import;
    PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST callback;
} fx_qi_entry;

/* The list head is zero until the first entry (the device record is calloc'ed). Caller
 * holds sys->lock. */
static LIST_ENTRY *entries_locked(pnpsim__fx_device *d)
{
    if (d->qi_entries.Flink == NULL)
        InitializeListHead(&d->qi_entries);
    return &d->qi_entries;
}

/* ======================================================================================
 * No-op reference routines
 * ==================================================================================== */

/*
 * Windows behaviour: do nothing; for interfaces whose exporter and importer are in the same
 * stack, so the stack's lifetime covers the interface's (Microsoft Learn
 * "WdfDeviceInterfaceReferenceNoOp", "WdfDeviceInterfaceDereferenceNoOp"; any IRQL).
 * Simulation: the same. KMDF puts them into an exported interface whose InterfaceReference
 * or InterfaceDereference is NULL (§10.1 step 8).
 */
WDFAPI VOID WdfDeviceInterfaceReferenceNoOp(PVOID Context)
{
    PNPSIM_UNUSED(Context);
}

WDFAPI VOID WdfDeviceInterfaceDereferenceNoOp(PVOID Context)
{
    PNPSIM_UNUSED(Context);
}

/* ======================================================================================
 * Exporting
 * ==================================================================================== */

/*
 * Windows behaviour: registers an interface the device hands out when IRP_MN_QUERY_INTERFACE
 * asks for InterfaceType (Microsoft Learn "WdfDeviceAddQueryInterface",
 * "WDF_QUERY_INTERFACE_CONFIG"). PASSIVE_LEVEL. KMDF checks, in this order: IRQL, control
 * device (STATUS_INVALID_DEVICE_REQUEST), Config->Size (STATUS_INFO_LENGTH_MISMATCH),
 * SendQueryToParentStack on a non-PDO, Interface NULL without SendQueryToParentStack or
 * ImportInterface, ImportInterface without a callback, Interface->Size < sizeof(INTERFACE)
 * (all STATUS_INVALID_PARAMETER); then copies Interface->Size bytes (the caller may pass stack
 * memory), replaces NULL reference routines by the no-op ones and appends the entry
 * (windows-semantics.md §10.1, KMDF fxqueryinterfaceapi.cpp).
 * Simulation: the same order; a NULL InterfaceConfig or InterfaceType is WDF_VIOLATION
 * 0x10D/0x4 (KMDF's FxPointerNotNull). Control devices are not modelled.
 */
WDFAPI NTSTATUS WdfDeviceAddQueryInterface(WDFDEVICE Device,
                                           PWDF_QUERY_INTERFACE_CONFIG InterfaceConfig)
{
    static const char ddi[] = "WdfDeviceAddQueryInterface";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    fx_qi_entry *e;
    NTSTATUS status;

    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: above PASSIVE_LEVEL", ddi);
    if (!pnpsim__fx_check_ptr(sys, InterfaceConfig, "InterfaceConfig", ddi))
        return STATUS_INVALID_PARAMETER;
    if (InterfaceConfig->Size != sizeof(WDF_QUERY_INTERFACE_CONFIG))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH,
                              "%s: InterfaceConfig->Size is %lu, expected %lu", ddi,
                              (unsigned long)InterfaceConfig->Size,
                              (unsigned long)sizeof(WDF_QUERY_INTERFACE_CONFIG));
    if (!pnpsim__fx_check_ptr(sys, InterfaceConfig->InterfaceType, "InterfaceConfig->InterfaceType",
                              ddi))
        return STATUS_INVALID_PARAMETER;
    if (InterfaceConfig->SendQueryToParentStack && !d->is_pdo)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: SendQueryToParentStack is for PDOs only", ddi);
    if (InterfaceConfig->Interface == NULL && !InterfaceConfig->SendQueryToParentStack &&
        !InterfaceConfig->ImportInterface)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: Interface is required unless SendQueryToParentStack or "
                              "ImportInterface is set",
                              ddi);
    if (InterfaceConfig->ImportInterface &&
        InterfaceConfig->EvtDeviceProcessQueryInterfaceRequest == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: ImportInterface requires EvtDeviceProcessQueryInterfaceRequest",
                              ddi);
    if (InterfaceConfig->Interface != NULL && InterfaceConfig->Interface->Size < sizeof(INTERFACE))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: Interface->Size %u is smaller than sizeof(INTERFACE)", ddi,
                              (unsigned)InterfaceConfig->Interface->Size);

    e = pnpsim__calloc(sys, 1, sizeof(*e));
    if (e == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", ddi);
    if (InterfaceConfig->Interface != NULL) {
        e->iface = pnpsim__malloc(sys, InterfaceConfig->Interface->Size);
        if (e->iface == NULL) {
            pnpsim__free(sys, e);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", ddi);
        }
        memcpy(e->iface, InterfaceConfig->Interface, InterfaceConfig->Interface->Size);
        if (e->iface->InterfaceReference == NULL)
            e->iface->InterfaceReference = WdfDeviceInterfaceReferenceNoOp;
        if (e->iface->InterfaceDereference == NULL)
            e->iface->InterfaceDereference = WdfDeviceInterfaceDereferenceNoOp;
    }
    e->guid = *InterfaceConfig->InterfaceType;
    e->send_to_parent = InterfaceConfig->SendQueryToParentStack != FALSE;
    e->import = InterfaceConfig->ImportInterface != FALSE;
    e->callback = InterfaceConfig->EvtDeviceProcessQueryInterfaceRequest;
    pnpsim__lock(sys);
    InsertTailList(entries_locked(d), &e->link);
    pnpsim__unlock(sys);
    status = STATUS_SUCCESS;
    pnpsim__fx_trace(d, &status, "WdfDeviceAddQueryInterface: exports an interface%s%s%s",
                     e->iface != NULL ? " (copied)" : "", e->import ? " (import)" : "",
                     e->send_to_parent ? " (sent to the parent stack)" : "");
    return STATUS_SUCCESS;
}

void pnpsim__fx_qi_destroy(pnpsim__fx_device *d)
{
    pnpsim_system *sys = d->obj.sys;
    LIST_ENTRY *head;
    pnpsim__lock(sys);
    head = entries_locked(d);
    while (!IsListEmpty(head)) {
        fx_qi_entry *e = CONTAINING_RECORD(RemoveHeadList(head), fx_qi_entry, link);
        pnpsim__free(sys, e->iface);
        pnpsim__free(sys, e);
    }
    pnpsim__unlock(sys);
}

/* ======================================================================================
 * Answering IRP_MN_QUERY_INTERFACE
 * ==================================================================================== */

/* The device's parent stack top, referenced (NULL when the PDO has no parent device). */
static PDEVICE_OBJECT parent_stack_top(pnpsim__fx_device *d)
{
    PDEVICE_OBJECT parent_pdo = NULL;
    if (d->parent != NULL)
        parent_pdo = d->parent->pdo != NULL ? d->parent->pdo : d->parent->self;
    return parent_pdo != NULL ? IoGetAttachedDeviceReference(parent_pdo) : NULL;
}

/* SendQueryToParentStack: a new query to the top of the parent device's stack, into the
 * requester's buffer. The parent's status wins unless it is STATUS_NOT_SUPPORTED (KMDF
 * PnpPassThroughQI, windows-semantics.md §10.2 step 5). */
static NTSTATUS pass_to_parent(pnpsim__fx_device *d, PIRP irp)
{
    pnpsim_system *sys = d->obj.sys;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    PDEVICE_OBJECT top = parent_stack_top(d);
    IO_STACK_LOCATION params;
    ULONG_PTR info = 0;
    NTSTATUS prev = irp->IoStatus.Status, status;
    if (top == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "SendQueryToParentStack: the PDO has no parent device");
    memset(&params, 0, sizeof(params));
    params.MajorFunction = IRP_MJ_PNP;
    params.MinorFunction = IRP_MN_QUERY_INTERFACE;
    params.Parameters.QueryInterface = sp->Parameters.QueryInterface;
    status = pnpsim__send_irp_sync(sys, top, &params, STATUS_NOT_SUPPORTED, 0, NULL, &info);
    ObDereferenceObject(top);
    if (status == STATUS_NOT_SUPPORTED)
        status = prev;
    irp->IoStatus.Information = info;
    pnpsim__fx_trace(d, &status, "IRP_MN_QUERY_INTERFACE passed to the parent's stack");
    return status;
}

/*
 * KMDF's answer (windows-semantics.md §10.2; KMDF fxpkgpnp.cpp HandleQueryInterface,
 * fxpkgfdo.cpp, fxpkgpdo.cpp): the first entry whose GUID matches; a stored interface larger
 * or newer than asked for fails a PDO's query with STATUS_INVALID_BUFFER_SIZE and is "not
 * found" for an FDO/filter; otherwise it is copied (unless imported), the driver's callback
 * runs (STATUS_NOT_SUPPORTED: let the query travel on; other failures complete), then either
 * the parent stack answers (SendQueryToParentStack) or InterfaceReference is called (even
 * after STATUS_NOT_SUPPORTED) and an FDO/filter sends the IRP down synchronously before
 * completing it with the lower status. Not found: FDO/filter pass it down untouched, a PDO
 * completes it with the status it arrived with. Not modelled: KMDF's internal GUIDs (the
 * power-thread interface, GUID_REENUMERATE_SELF_INTERFACE_STANDARD on PDOs).
 */
NTSTATUS pnpsim__fx_qi_dispatch(pnpsim__fx_device *d, PIRP irp)
{
    pnpsim_system *sys = d->obj.sys;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    const GUID *guid = sp->Parameters.QueryInterface.InterfaceType;
    PINTERFACE exposed = sp->Parameters.QueryInterface.Interface;
    PVOID specific = sp->Parameters.QueryInterface.InterfaceSpecificData;
    PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST cb = NULL;
    bool found = false, to_parent = false;
    NTSTATUS status = irp->IoStatus.Status;
    LIST_ENTRY *head;

    pnpsim__lock(sys);
    head = entries_locked(d);
    for (PLIST_ENTRY le = head->Flink; guid != NULL && exposed != NULL && le != head;
         le = le->Flink) {
        fx_qi_entry *e = CONTAINING_RECORD(le, fx_qi_entry, link);
        if (memcmp(&e->guid, guid, sizeof(GUID)) != 0)
            continue;
        if (e->iface != NULL) {
            if (e->iface->Size > sp->Parameters.QueryInterface.Size ||
                e->iface->Version > sp->Parameters.QueryInterface.Version) {
                status = STATUS_INVALID_BUFFER_SIZE;
                break;
            }
            if (!e->import)
                memcpy(exposed, e->iface, e->iface->Size);
        }
        cb = e->callback;
        to_parent = e->send_to_parent;
        found = true;
        status = STATUS_SUCCESS;
        break;
    }
    pnpsim__unlock(sys);

    if (!found) {
        if (d->is_pdo) {
            pnpsim__fx_trace(d, &status, "IRP_MN_QUERY_INTERFACE: %s",
                             status == STATUS_INVALID_BUFFER_SIZE
                                 ? "the stored interface is larger or newer than asked for"
                                 : "no interface registered for this GUID");
            return pnpsim__fx_complete(irp, status, irp->IoStatus.Information);
        }
        return pnpsim__fx_forward(d, irp);
    }

    if (cb != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(sys, d->obj.driver, &call, "EvtDeviceProcessQueryInterfaceRequest");
        status = cb((WDFDEVICE)PNPSIM_FX_HANDLE(&d->obj), (LPGUID)guid, exposed, specific);
        pnpsim__fx_call_end(sys, &call);
        pnpsim__fx_trace(d, &status, "EvtDeviceProcessQueryInterfaceRequest returned");
    }
    if (!NT_SUCCESS(status) && status != STATUS_NOT_SUPPORTED)
        return pnpsim__fx_complete(irp, status, 0);
    if (to_parent) {
        status = pass_to_parent(d, irp);
        return pnpsim__fx_complete(irp, status, irp->IoStatus.Information);
    }
    if (exposed->InterfaceReference != NULL)
        exposed->InterfaceReference(exposed->Context);
    if (d->is_pdo)
        return pnpsim__fx_complete(irp, status, 0);
    irp->IoStatus.Status = status;
    status = pnpsim__fx_forward_sync(d, irp);
    pnpsim__fx_trace(d, &status, "IRP_MN_QUERY_INTERFACE answered, then passed down");
    return pnpsim__fx_complete(irp, status, 0);
}

/* ======================================================================================
 * Importing
 * ==================================================================================== */

/* A query to the top of the stack containing dev; the final IRP status (§10.3, KMDF
 * FxQueryInterface::_QueryForInterface). */
NTSTATUS pnpsim__fx_query_for_interface(pnpsim_system *sys, PDEVICE_OBJECT dev, const GUID *guid,
                                        PINTERFACE iface, USHORT size, USHORT version,
                                        PVOID specific);

NTSTATUS pnpsim__fx_query_for_interface(pnpsim_system *sys, PDEVICE_OBJECT dev, const GUID *guid,
                                        PINTERFACE iface, USHORT size, USHORT version,
                                        PVOID specific)
{
    IO_STACK_LOCATION params;
    PDEVICE_OBJECT top = IoGetAttachedDeviceReference(dev);
    ULONG_PTR info = 0;
    NTSTATUS status;
    memset(&params, 0, sizeof(params));
    params.MajorFunction = IRP_MJ_PNP;
    params.MinorFunction = IRP_MN_QUERY_INTERFACE;
    params.Parameters.QueryInterface.InterfaceType = guid;
    params.Parameters.QueryInterface.Interface = iface;
    params.Parameters.QueryInterface.Size = size;
    params.Parameters.QueryInterface.Version = version;
    params.Parameters.QueryInterface.InterfaceSpecificData = specific;
    status = pnpsim__send_irp_sync(sys, top, &params, STATUS_NOT_SUPPORTED, 0, NULL, &info);
    ObDereferenceObject(top);
    return status;
}

/*
 * Windows behaviour: sends IRP_MN_QUERY_INTERFACE (status pre-set to STATUS_NOT_SUPPORTED) to
 * the top of the device's own stack and waits; returns the final IRP status
 * (STATUS_NOT_SUPPORTED when nobody answered), STATUS_INSUFFICIENT_RESOURCES when no IRP can
 * be allocated, STATUS_INVALID_PARAMETER for a PDO or control device. PASSIVE_LEVEL
 * (Microsoft Learn "WdfFdoQueryForInterface"; windows-semantics.md §10.3, KMDF
 * fxdevicefdoapi.cpp / fxdevicebasekm.cpp).
 * Simulation: the same; NULL InterfaceType or Interface is WDF_VIOLATION 0x10D/0x4. The
 * reference handed out is recorded by the query-interface ledger with the calling driver as
 * importer.
 */
WDFAPI NTSTATUS WdfFdoQueryForInterface(WDFDEVICE Fdo, const GUID *InterfaceType,
                                        PINTERFACE Interface, USHORT Size, USHORT Version,
                                        PVOID InterfaceSpecificData)
{
    static const char ddi[] = "WdfFdoQueryForInterface";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    NTSTATUS status;

    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    d = pnpsim__fx_get_device(Fdo, ddi);
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: above PASSIVE_LEVEL", ddi);
    if (!pnpsim__fx_check_ptr(sys, InterfaceType, "InterfaceType", ddi) ||
        !pnpsim__fx_check_ptr(sys, Interface, "Interface", ddi))
        return STATUS_INVALID_PARAMETER;
    if (d->is_pdo || d->self == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: the device is not an FDO", ddi);
    status = pnpsim__fx_query_for_interface(sys, d->self, InterfaceType, Interface, Size, Version,
                                            InterfaceSpecificData);
    pnpsim__fx_trace(d, &status, "WdfFdoQueryForInterface (own stack)");
    return status;
}
