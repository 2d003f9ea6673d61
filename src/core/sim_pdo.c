/* SPDX-License-Identifier: MIT */
/*
 * This file implements the simulator's own bus driver's PDOs: the root device and every
 * device a test creates with pnpsim_device_create(). They answer the PnP IRPs a bus driver
 * must answer (IRP_MN_QUERY_ID, IRP_MN_QUERY_CAPABILITIES, IRP_MN_QUERY_DEVICE_TEXT,
 * IRP_MN_QUERY_DEVICE_RELATIONS(TargetDeviceRelation)) from the device node's settings,
 * succeed the state-changing ones, and, as every PDO must, complete what they do not handle
 * with the status the IRP arrived with (windows-semantics.md §9.2).
 */
#include "pnpsim_int.h"
#include "qi.h"

#define SIM_POOL_TAG 0x73506E50u /* 'PnPs' */

static WCHAR *pool_string(pnpsim_system *sys, const char *const *items, size_t count, bool multi)
{
    size_t total = 0, off = 0;
    WCHAR *w;
    for (size_t i = 0; i < count; i++)
        total += strlen(items[i]) + 1;
    total += multi ? 1 : 0;
    if (total == 0)
        total = 1;
    w = pnpsim__pool_alloc(sys, &sys->sim_bus->drv, PagedPool, total * sizeof(WCHAR), SIM_POOL_TAG);
    if (w == NULL)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        for (const char *p = items[i]; *p; p++)
            w[off++] = (WCHAR)(unsigned char)*p;
        w[off++] = 0;
    }
    while (off < total)
        w[off++] = 0;
    return w;
}

bool pnpsim__sim_pdo_ids_locked(pnpsim_device *dn, BUS_QUERY_ID_TYPE type, const char *one[2],
                                const char *const **items, bool *multi)
{
    char **list = NULL;
    *multi = false;
    one[1] = NULL;
    switch (type) {
    case BusQueryDeviceID:
        one[0] = dn->device_id;
        break;
    case BusQueryInstanceID:
        one[0] = dn->bus_instance_id;
        break;
    case BusQueryHardwareIDs:
        *multi = true;
        list = dn->sim_hardware_ids;
        if (list == NULL)
            one[0] = dn->device_id;
        break;
    case BusQueryCompatibleIDs:
        *multi = true;
        list = dn->sim_compatible_ids;
        if (list == NULL)
            return false; /* none */
        break;
    default:
        return false;
    }
    *items = list != NULL ? (const char *const *)list : one;
    return true;
}

const char *pnpsim__sim_pdo_text(pnpsim_device *dn, DEVICE_TEXT_TYPE type)
{
    return type == DeviceTextDescription ? dn->device_id : NULL;
}

static NTSTATUS query_id(pnpsim_device *dn, NTSTATUS status, ULONG_PTR *info,
                         BUS_QUERY_ID_TYPE type)
{
    pnpsim_system *sys = dn->sys;
    const char *one[2];
    const char *const *items;
    size_t count = 0;
    bool multi;
    WCHAR *w;

    pnpsim__lock(sys);
    if (!pnpsim__sim_pdo_ids_locked(dn, type, one, &items, &multi)) {
        pnpsim__unlock(sys);
        return status; /* leave the IRP as it came */
    }
    while (items[count] != NULL)
        count++;
    w = pool_string(sys, items, count, multi);
    pnpsim__unlock(sys);
    if (w == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *info = (ULONG_PTR)w;
    return STATUS_SUCCESS;
}

/* The answer of dn's PDO (dev) to the PnP IRP whose parameters are sp and which arrived
 * with status and *info; sets *info and returns the status to complete it with.
 * IRP_MN_QUERY_INTERFACE is not answered here (it needs the IRP itself). */
static NTSTATUS answer(pnpsim_device *dn, PDEVICE_OBJECT dev, const IO_STACK_LOCATION *sp,
                       NTSTATUS status, ULONG_PTR *info)
{
    const char *one[1];
    switch (sp->MinorFunction) {
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
    case IRP_MN_REMOVE_DEVICE:
        status = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_ID:
        if (dn != NULL)
            status = query_id(dn, status, info, sp->Parameters.QueryId.IdType);
        break;
    case IRP_MN_QUERY_CAPABILITIES:
        if (dn != NULL) {
            PDEVICE_CAPABILITIES caps = sp->Parameters.DeviceCapabilities.Capabilities;
            if (caps == NULL || caps->Version != 1 || caps->Size < sizeof(*caps)) {
                status = STATUS_UNSUCCESSFUL;
                break;
            }
            caps->UniqueID = dn->unique_id ? 1 : 0;
            caps->RawDeviceOK = dn->raw_ok ? 1 : 0;
            caps->SurpriseRemovalOK = 1;
            /* Root-enumerated devices are not removable; children of a simulated bus are. */
            caps->Removable = dn->parent != NULL && !dn->parent->is_root ? 1 : 0;
            status = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_QUERY_DEVICE_TEXT:
        if (dn != NULL &&
            (one[0] = pnpsim__sim_pdo_text(dn, sp->Parameters.QueryDeviceText
                                                          .DeviceTextType)) != NULL) {
            WCHAR *w = pool_string(dn->sys, one, 1, false);
            if (w == NULL) {
                status = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            *info = (ULONG_PTR)w;
            status = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (sp->Parameters.QueryDeviceRelations.Type == TargetDeviceRelation && dn != NULL) {
            PDEVICE_RELATIONS rel = pnpsim__pool_alloc(dn->sys, &dn->sys->sim_bus->drv, PagedPool,
                                                       sizeof(DEVICE_RELATIONS), SIM_POOL_TAG);
            if (rel == NULL) {
                status = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            rel->Count = 1;
            rel->Objects[0] = dev;
            ObReferenceObject(dev);
            *info = (ULONG_PTR)rel;
            status = STATUS_SUCCESS;
        }
        /* Bus relations of simulated devices are managed by the native API; whatever an
         * upper driver put in Information is left as it is. */
        break;
    default:
        break;
    }
    return status;
}

static NTSTATUS pnp(pnpsim_device *dn, PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS status = irp->IoStatus.Status;
    if (sp->MinorFunction == IRP_MN_QUERY_INTERFACE) {
        /* Test-provided exporters and the built-in BUS_INTERFACE_STANDARD (qi.c). */
        if (dn != NULL)
            status = pnpsim__qi_sim_pdo_query(dn, dev, irp);
    } else {
        ULONG_PTR info = irp->IoStatus.Information;
        status = answer(dn, dev, sp, status, &info);
        irp->IoStatus.Information = info;
    }
    irp->IoStatus.Status = status;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

bool pnpsim__sim_pdo_answer(pnpsim_device *dn, const IO_STACK_LOCATION *sp, NTSTATUS *status,
                            ULONG_PTR *info)
{
    if (sp->MajorFunction != IRP_MJ_PNP || sp->MinorFunction == IRP_MN_QUERY_INTERFACE)
        return false;
    *status = answer(dn, &dn->pdo->dev, sp, *status, info);
    return true;
}

NTSTATUS NTAPI pnpsim__sim_pdo_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    pnpsim_device *dn = pnpsim__devnode_of(dev);
    NTSTATUS status;
    switch (sp->MajorFunction) {
    case IRP_MJ_PNP:
        return pnp(dn, dev, irp);
    case IRP_MJ_POWER:
        status = STATUS_SUCCESS;
        break;
    case IRP_MJ_CREATE:
    case IRP_MJ_CLEANUP:
    case IRP_MJ_CLOSE:
        status = STATUS_SUCCESS;
        break;
    case IRP_MJ_SYSTEM_CONTROL:
        status = irp->IoStatus.Status;
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    irp->IoStatus.Status = status;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}
