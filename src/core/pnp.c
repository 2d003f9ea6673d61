/* SPDX-License-Identifier: MIT */
/*
 * This file implements the PnP manager's device lifecycle (windows-semantics.md §1): PnP
 * IRPs sent the way the PnP manager sends them, building a device stack (AddDevice for
 * lower filters, the function driver, upper filters), start, stop with query/cancel,
 * orderly removal with query/cancel (children first), surprise removal with
 * IRP_MN_REMOVE_DEVICE held back until the last handle closes, bus enumeration
 * (IoInvalidateDeviceRelations -> IRP_MN_QUERY_DEVICE_RELATIONS -> identification of new
 * PDOs, surprise removal of missing ones), and shutdown.
 */
#include "pnpsim_int.h"
#include "qi.h"
#include "iface.h"
#include "notify.h" /* issue 4: target-device notifications */
#include "fault_int.h"

#define MAX_STACK_DRIVERS 16

/* ======================================================================================
 * Sending PnP IRPs
 * ==================================================================================== */

/* The parameter that tells one PnP IRP of a kind from another, for the narration. */
static const char *pnp_detail(const IO_STACK_LOCATION *p)
{
    static const char *const ids[] = {"(BusQueryDeviceID)", "(BusQueryHardwareIDs)",
                                      "(BusQueryCompatibleIDs)", "(BusQueryInstanceID)",
                                      "(BusQueryDeviceSerialNumber)", "(BusQueryContainerID)"};
    static const char *const rels[] = {"(BusRelations)", "(EjectionRelations)",
                                       "(PowerRelations)", "(RemovalRelations)",
                                       "(TargetDeviceRelation)", "(SingleBusRelations)",
                                       "(TransportRelations)"};
    switch (p->MinorFunction) {
    case IRP_MN_QUERY_ID:
        if ((unsigned)p->Parameters.QueryId.IdType < PNPSIM_ARRAY_SIZE(ids))
            return ids[p->Parameters.QueryId.IdType];
        break;
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if ((unsigned)p->Parameters.QueryDeviceRelations.Type < PNPSIM_ARRAY_SIZE(rels))
            return rels[p->Parameters.QueryDeviceRelations.Type];
        break;
    case IRP_MN_QUERY_DEVICE_TEXT:
        return p->Parameters.QueryDeviceText.DeviceTextType == DeviceTextDescription
                   ? "(DeviceTextDescription)"
                   : "(DeviceTextLocationInformation)";
    default:
        break;
    }
    return "";
}

/* IRPs the PnP manager cannot fail to send (Windows sends them from must-succeed paths):
 * injected allocation faults spare their IRP (fault_int.h). */
static bool must_succeed_minor(UCHAR minor)
{
    return minor == IRP_MN_REMOVE_DEVICE || minor == IRP_MN_SURPRISE_REMOVAL ||
           minor == IRP_MN_STOP_DEVICE || minor == IRP_MN_CANCEL_REMOVE_DEVICE ||
           minor == IRP_MN_CANCEL_STOP_DEVICE;
}

NTSTATUS pnpsim__pnp_irp(pnpsim_device *dn, const IO_STACK_LOCATION *params, ULONG_PTR *info)
{
    return pnpsim__pnp_irp_direct(dn, params, info, NULL, NULL);
}

NTSTATUS pnpsim__pnp_irp_direct(pnpsim_device *dn, const IO_STACK_LOCATION *params,
                                ULONG_PTR *info, pnpsim__pnp_direct_fn direct, void *ctx)
{
    pnpsim_system *sys = dn->sys;
    pnpsim__thread_state *ts = pnpsim__ts();
    PDEVICE_OBJECT top;
    NTSTATUS status;
    ULONG_PTR dummy = 0;
    KIRQL saved_irql = ts->irql;
    bool bare;

    if (info == NULL)
        info = &dummy;
    /* The PnP manager sends PnP IRPs at PASSIVE_LEVEL from a system thread. */
    ts->irql = PASSIVE_LEVEL;
    top = IoGetAttachedDeviceReference(&dn->pdo->dev);
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, dn, top->DriverObject, NULL,
                  "PnP manager sends %s%s to %s (top of stack: %s)",
                  pnpsim_trace_pnp_minor_name(params->MinorFunction), pnp_detail(params),
                  dn->instance_path ? dn->instance_path : "a new PDO",
                  pnpsim_driver_name(top->DriverObject) ? pnpsim_driver_name(top->DriverObject)
                                                        : "?");
    ts->irp_depth++;
    status = STATUS_NOT_SUPPORTED;
    if (params->MinorFunction != IRP_MN_FILTER_RESOURCE_REQUIREMENTS)
        *info = 0;
    /* Nothing but the simulator's own PDO in the stack (a device no driver has attached to
     * yet, the identification of every device the harness creates): the simulator's bus
     * driver answers without an IRP, as only its own code would see one (README
     * "Divergences and choices"). Anything else gets a real IRP down the stack. */
    bare = top == &dn->pdo->dev && dn->pdo->sim_pdo;
    if (bare && direct != NULL) {
        status = direct(dn, params, ctx);
    } else if (!(bare && pnpsim__sim_pdo_answer(dn, params, &status, info))) {
        ULONG_PTR initial_info = *info;
        if (must_succeed_minor(params->MinorFunction)) /* fault_int.h */
            pnpsim__fault_spare_next(sys);
        status = pnpsim__send_irp_sync(sys, top, params, STATUS_NOT_SUPPORTED, initial_info,
                                       NULL, info);
        pnpsim__fault_spare_next(NULL);
    }
    ts->irp_depth--;
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, dn, NULL, &status, "%s%s completed",
                  pnpsim_trace_pnp_minor_name(params->MinorFunction), pnp_detail(params));
    ObDereferenceObject(top);
    ts->irql = saved_irql;
    return status;
}

static NTSTATUS simple_pnp(pnpsim_device *dn, UCHAR minor)
{
    IO_STACK_LOCATION sp;
    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_PNP;
    sp.MinorFunction = minor;
    return pnpsim__pnp_irp(dn, &sp, NULL);
}

/* ======================================================================================
 * Helpers
 * ==================================================================================== */

/* The drivers of every device object in dn's stack, so they can be unloaded once REMOVE
 * has deleted their devices. */
static size_t stack_drivers(pnpsim_device *dn, pnpsim__driver **out, size_t max)
{
    size_t n = 0;
    pnpsim__lock(dn->sys);
    for (PDEVICE_OBJECT d = &dn->pdo->dev; d != NULL && n < max; d = d->AttachedDevice) {
        pnpsim__driver *drv = pnpsim__driver_from(d->DriverObject);
        if (drv != NULL && !drv->builtin)
            out[n++] = drv;
    }
    pnpsim__unlock(dn->sys);
    return n;
}

static void unload_unused(pnpsim_system *sys, pnpsim__driver **drivers, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pnpsim__driver_maybe_unload(sys, drivers[i], false);
}

static void set_state(pnpsim_device *dn, pnpsim_device_state st)
{
    pnpsim__lock(dn->sys);
    pnpsim__devnode_set_state(dn, st);
    pnpsim__unlock(dn->sys);
}

/* Send IRP_MN_REMOVE_DEVICE, then check that the drivers took their devices off the stack,
 * and unload drivers left without devices. */
static void send_remove(pnpsim_device *dn)
{
    pnpsim__driver *drivers[MAX_STACK_DRIVERS];
    size_t n = stack_drivers(dn, drivers, MAX_STACK_DRIVERS);
    NTSTATUS status = simple_pnp(dn, IRP_MN_REMOVE_DEVICE);
    pnpsim__iface_device_gone(dn);
    /* GUID_TARGET_DEVICE_REMOVE_COMPLETE (once per registration; notify.c). */
    pnpsim__notify_target_remove_complete(dn);
    /* Verifier (qi.h): the stack must be detached and deleted, no PnP IRP pending, the
     * interfaces its drivers imported released; what it exported is now gone. */
    pnpsim__verifier_after_remove(dn, status);
    unload_unused(dn->sys, drivers, n);
}

/* Post-order list (children before parents) of dn's subtree, dn last. */
typedef struct node_list {
    pnpsim_device **v;
    size_t n, cap;
} node_list;

static bool list_push(pnpsim_system *sys, node_list *l, pnpsim_device *dn)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        pnpsim_device **v = pnpsim__realloc(sys, l->v, cap * sizeof(*v));
        if (v == NULL)
            return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = dn;
    return true;
}

static bool collect_postorder(pnpsim_device *dn, node_list *l)
{
    for (PLIST_ENTRY e = dn->children.Flink; e != &dn->children; e = e->Flink) {
        if (!collect_postorder(CONTAINING_RECORD(e, pnpsim_device, sibling_link), l))
            return false;
    }
    return list_push(dn->sys, l, dn);
}

static NTSTATUS subtree(pnpsim_device *dn, node_list *l)
{
    bool ok;
    memset(l, 0, sizeof(*l));
    pnpsim__lock(dn->sys);
    ok = collect_postorder(dn, l);
    pnpsim__unlock(dn->sys);
    if (!ok) {
        pnpsim__free(dn->sys, l->v);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

static bool has_stack(pnpsim_device_state st)
{
    return st == PNPSIM_DEVICE_DRIVERS_ADDED || st == PNPSIM_DEVICE_STARTED ||
           st == PNPSIM_DEVICE_STOPPED || st == PNPSIM_DEVICE_START_PENDING ||
           st == PNPSIM_DEVICE_QUERY_STOPPED || st == PNPSIM_DEVICE_QUERY_REMOVED;
}

/* The device is gone for good: out of the tree, its simulated PDO deleted. */
static void mark_deleted(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    bool delete_pdo;
    pnpsim__lock(sys);
    pnpsim__devnode_set_state(dn, PNPSIM_DEVICE_DELETED);
    dn->problem = CM_PROB_DEVICE_NOT_THERE;
    dn->remove_pending = false;
    pnpsim__devnode_unlink(dn);
    delete_pdo = dn->sim_owned && !dn->pdo->deleted;
    pnpsim__unlock(sys);
    if (delete_pdo)
        IoDeleteDevice(&dn->pdo->dev);
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, NULL, NULL, "device %s is gone",
                  dn->instance_path);
}

/* ======================================================================================
 * Start
 * ==================================================================================== */

static NTSTATUS enumerate(pnpsim_device *dn);

static NTSTATUS add_drivers(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    pnpsim__driver *drivers[MAX_STACK_DRIVERS];
    bool has_function;
    size_t n;

    pnpsim__lock(sys);
    n = pnpsim__driver_stack_for(dn, drivers, MAX_STACK_DRIVERS, &has_function);
    pnpsim__unlock(sys);
    if (!has_function && !dn->caps.RawDeviceOK) {
        pnpsim__lock(sys);
        dn->problem = CM_PROB_FAILED_INSTALL;
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_NO_SUCH_DEVICE,
                              "no function driver is bound to any ID of %s (bind one with "
                              "pnpsim_driver_bind) and its PDO is not raw",
                              dn->instance_path);
    }
    for (size_t i = 0; i < n; i++) {
        pnpsim__driver *d = drivers[i];
        PDEVICE_OBJECT before = pnpsim__stack_top(&dn->pdo->dev), after;
        PDRIVER_OBJECT saved;
        pnpsim__callout c;
        NTSTATUS status = pnpsim__driver_ensure_loaded(sys, d);
        if (NT_SUCCESS(status) && d->ext.AddDevice == NULL) {
            pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, dn, &d->drv, NULL,
                          "driver %s has no AddDevice routine; skipped", d->service_name);
            continue;
        }
        if (NT_SUCCESS(status)) {
            pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, dn, &d->drv, NULL, "AddDevice(%s, PDO of %s)",
                          d->service_name, dn->instance_path);
            pnpsim__set_current_driver(&d->drv, &saved);
            pnpsim__callout_begin(sys, &c, "AddDevice");
            status = d->ext.AddDevice(&d->drv, &dn->pdo->dev);
            pnpsim__callout_end(sys, &c);
            pnpsim__set_current_driver(saved, NULL);
            pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, dn, &d->drv, &status, "AddDevice(%s) returned",
                          d->service_name);
        }
        if (!NT_SUCCESS(status)) {
            /* Windows tears down what the drivers before it added. */
            if (dn->pdo->dev.AttachedDevice != NULL)
                send_remove(dn);
            pnpsim__lock(sys);
            dn->problem = CM_PROB_FAILED_ADD;
            pnpsim__unlock(sys);
            return pnpsim__status(status, "AddDevice of %s failed for %s", d->service_name,
                                  dn->instance_path);
        }
        after = pnpsim__stack_top(&dn->pdo->dev);
        if (after == before)
            pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, dn, &d->drv, NULL,
                          "warning: AddDevice of %s succeeded but attached nothing to %s",
                          d->service_name, dn->instance_path);
        else if (after->Flags & DO_DEVICE_INITIALIZING)
            pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, dn, &d->drv, NULL,
                          "warning: %s left DO_DEVICE_INITIALIZING set on its device object "
                          "(AddDevice must clear it)",
                          d->service_name);
    }
    set_state(dn, PNPSIM_DEVICE_DRIVERS_ADDED);
    return STATUS_SUCCESS;
}

static void free_info_query(pnpsim_device *dn, UCHAR minor)
{
    IO_STACK_LOCATION sp;
    ULONG_PTR info = 0;
    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_PNP;
    sp.MinorFunction = minor;
    pnpsim__pnp_irp(dn, &sp, &info);
    if (info != 0)
        ExFreePool((PVOID)info);
}

/* Start dn (the body of pnpsim_device_start; children enumerated afterwards are started
 * through here too). Caller holds no lock. */
static NTSTATUS start_device(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    pnpsim_device_state st;
    NTSTATUS status;
    IO_STACK_LOCATION sp;

    pnpsim__lock(sys);
    st = dn->state;
    pnpsim__unlock(sys);
    if (dn->is_root || !(st == PNPSIM_DEVICE_INITIALIZED || st == PNPSIM_DEVICE_STOPPED ||
                         (st == PNPSIM_DEVICE_REMOVED && !dn->missing)))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "cannot start %s in state %s",
                              dn->instance_path, pnpsim_device_state_name(st));

    if (st != PNPSIM_DEVICE_STOPPED) {
        status = add_drivers(dn);
        if (!NT_SUCCESS(status))
            return status;
        /* What the PnP manager asks before starting (KMDF registers a PDO's device
         * interfaces on the resource-requirements query). */
        {
            DEVICE_CAPABILITIES caps;
            if (NT_SUCCESS(pnpsim__devnode_query_caps(dn, &caps))) {
                pnpsim__lock(sys);
                dn->caps = caps;
                pnpsim__unlock(sys);
            }
        }
        free_info_query(dn, IRP_MN_QUERY_RESOURCE_REQUIREMENTS);
        free_info_query(dn, IRP_MN_FILTER_RESOURCE_REQUIREMENTS);
    }

    set_state(dn, PNPSIM_DEVICE_START_PENDING);
    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_PNP;
    sp.MinorFunction = IRP_MN_START_DEVICE;
    /* No hardware resources are simulated: both lists are NULL (§13 item 11). */
    sp.Parameters.StartDevice.AllocatedResources = NULL;
    sp.Parameters.StartDevice.AllocatedResourcesTranslated = NULL;
    status = pnpsim__pnp_irp(dn, &sp, NULL);
    if (!NT_SUCCESS(status)) {
        /* A failed start is followed by IRP_MN_REMOVE_DEVICE, and the device gets
         * problem CM_PROB_FAILED_START. */
        send_remove(dn);
        pnpsim__lock(sys);
        pnpsim__devnode_set_state(dn, PNPSIM_DEVICE_REMOVED);
        dn->problem = CM_PROB_FAILED_START;
        pnpsim__unlock(sys);
        return pnpsim__status(status, "IRP_MN_START_DEVICE failed for %s", dn->instance_path);
    }
    pnpsim__lock(sys);
    pnpsim__devnode_set_state(dn, PNPSIM_DEVICE_STARTED);
    dn->problem = 0;
    pnpsim__unlock(sys);
    pnpsim__iface_device_started(dn);
    pnpsim__notify_device_started(dn); /* CM DEVICEINSTANCESTARTED (notify.c) */
    free_info_query(dn, IRP_MN_QUERY_PNP_DEVICE_STATE);
    /* A started device is asked for its children at once. */
    enumerate(dn);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_device_start(pnpsim_device *dev)
{
    NTSTATUS status;
    if (dev == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_device_start: dev is NULL");
    if (pnpsim__fault_ddi(dev->sys, "pnpsim_device_start", &status)) /* fault.h */
        return status;
    pnpsim__harness_enter(dev->sys);
    status = start_device(dev);
    pnpsim__harness_leave(dev->sys);
    return status;
}

/* ======================================================================================
 * Stop
 * ==================================================================================== */

NTSTATUS pnpsim_device_stop(pnpsim_device *dev)
{
    pnpsim_system *sys;
    NTSTATUS status;
    if (dev == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_device_stop: dev is NULL");
    sys = dev->sys;
    if (pnpsim_device_get_state(dev) != PNPSIM_DEVICE_STARTED || dev->is_root)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "cannot stop %s in state %s",
                              dev->instance_path,
                              pnpsim_device_state_name(pnpsim_device_get_state(dev)));
    pnpsim__harness_enter(sys);
    status = simple_pnp(dev, IRP_MN_QUERY_STOP_DEVICE);
    if (!NT_SUCCESS(status)) {
        pnpsim__trace(sys, PNPSIM_TRACE_STATE, dev, NULL, &status, "stop of %s vetoed",
                      dev->instance_path);
        simple_pnp(dev, IRP_MN_CANCEL_STOP_DEVICE);
        pnpsim__harness_leave(sys);
        return pnpsim__status(status, "IRP_MN_QUERY_STOP_DEVICE vetoed for %s", dev->instance_path);
    }
    set_state(dev, PNPSIM_DEVICE_QUERY_STOPPED);
    simple_pnp(dev, IRP_MN_STOP_DEVICE);
    set_state(dev, PNPSIM_DEVICE_STOPPED);
    pnpsim__harness_leave(sys);
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Orderly removal
 * ==================================================================================== */

/* Remove dn and its subtree with query/cancel. On success dn is REMOVED (if still
 * present) and its descendants are gone. */
static NTSTATUS remove_device(pnpsim_device *dn, bool query)
{
    pnpsim_system *sys = dn->sys;
    node_list l;
    pnpsim_device_state *prev;
    size_t queried = 0;
    NTSTATUS status = subtree(dn, &l);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "no memory to remove %s", dn->instance_path);
    prev = pnpsim__calloc(sys, l.n, sizeof(*prev));
    if (prev == NULL) {
        pnpsim__free(sys, l.v);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "no memory to remove %s",
                              dn->instance_path);
    }
    for (size_t i = 0; i < l.n; i++)
        prev[i] = pnpsim_device_get_state(l.v[i]);

    if (query) {
        for (size_t i = 0; i < l.n; i++, queried++) {
            if (!has_stack(prev[i]))
                continue;
            /* Target-device registrants are asked first (GUID_TARGET_DEVICE_QUERY_REMOVE)
             * and may veto; then the stack gets the IRP (notify.c, §7.4). */
            bool irp_sent;
            status = pnpsim__notify_target_query_remove(l.v[i]);
            irp_sent = NT_SUCCESS(status);
            if (irp_sent)
                status = simple_pnp(l.v[i], IRP_MN_QUERY_REMOVE_DEVICE);
            if (!NT_SUCCESS(status)) {
                pnpsim__trace(sys, PNPSIM_TRACE_STATE, l.v[i], NULL, &status,
                              "removal of %s vetoed by %s", dn->instance_path,
                              l.v[i]->instance_path);
                /* Cancel, in reverse order, the queries that succeeded (and the one that
                 * failed, as Windows sends CANCEL to the whole stack that saw the query). */
                for (size_t j = irp_sent ? i + 1 : i; j-- > 0;) {
                    if (!has_stack(prev[j]))
                        continue;
                    simple_pnp(l.v[j], IRP_MN_CANCEL_REMOVE_DEVICE);
                    /* GUID_TARGET_DEVICE_REMOVE_CANCELLED to those that were asked. */
                    pnpsim__notify_target_remove_cancelled(l.v[j]);
                    set_state(l.v[j], prev[j]);
                }
                pnpsim__status(status, "IRP_MN_QUERY_REMOVE_DEVICE vetoed for %s",
                               l.v[i]->instance_path);
                pnpsim__free(sys, prev);
                pnpsim__free(sys, l.v);
                return status;
            }
            set_state(l.v[i], PNPSIM_DEVICE_QUERY_REMOVED);
        }
    }
    PNPSIM_UNUSED(queried);
    for (size_t i = 0; i < l.n; i++) {
        pnpsim_device *n = l.v[i];
        if (prev[i] == PNPSIM_DEVICE_DELETED)
            continue;
        if (prev[i] != PNPSIM_DEVICE_SURPRISE_REMOVED && prev[i] != PNPSIM_DEVICE_REMOVED)
            send_remove(n);
        else if (n != dn)
            send_remove(n); /* a second REMOVE lets the bus delete a PDO that is going away */
        if (n != dn) {
            mark_deleted(n);
        } else {
            pnpsim__lock(sys);
            pnpsim__devnode_set_state(n, PNPSIM_DEVICE_REMOVED);
            n->problem = CM_PROB_DISABLED;
            n->remove_pending = false;
            pnpsim__unlock(sys);
        }
    }
    pnpsim__free(sys, prev);
    pnpsim__free(sys, l.v);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_device_remove(pnpsim_device *dev)
{
    pnpsim_device_state st;
    NTSTATUS status;
    if (dev == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_device_remove: dev is NULL");
    st = pnpsim_device_get_state(dev);
    if (dev->is_root || !(st == PNPSIM_DEVICE_INITIALIZED || has_stack(st)) ||
        st == PNPSIM_DEVICE_START_PENDING)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "cannot remove %s in state %s",
                              dev->instance_path, pnpsim_device_state_name(st));
    pnpsim__harness_enter(dev->sys);
    status = remove_device(dev, true);
    pnpsim__harness_leave(dev->sys);
    return status;
}

/* ======================================================================================
 * Surprise removal
 * ==================================================================================== */

static bool children_gone(pnpsim_device *dn)
{
    bool gone = true;
    pnpsim__lock(dn->sys);
    for (PLIST_ENTRY e = dn->children.Flink; e != &dn->children; e = e->Flink) {
        pnpsim_device *c = CONTAINING_RECORD(e, pnpsim_device, sibling_link);
        if (c->state != PNPSIM_DEVICE_DELETED)
            gone = false;
    }
    pnpsim__unlock(dn->sys);
    return gone;
}

/* Send the held-back IRP_MN_REMOVE_DEVICE of a device that is physically gone once nothing
 * holds it (no open handle, no child left); then its parent may follow. */
static void try_complete_removal(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    while (dn != NULL) {
        bool ready;
        pnpsim_device *parent;
        pnpsim__lock(sys);
        ready = dn->missing && dn->state != PNPSIM_DEVICE_DELETED && dn->open_handles == 0;
        parent = dn->parent;
        pnpsim__unlock(sys);
        if (!ready || !children_gone(dn)) {
            pnpsim__lock(sys);
            if (dn->state != PNPSIM_DEVICE_DELETED && dn->missing)
                dn->remove_pending = true;
            pnpsim__unlock(sys);
            return;
        }
        send_remove(dn);
        mark_deleted(dn);
        pnpsim__lock(sys);
        if (parent == NULL || !parent->missing || parent->state == PNPSIM_DEVICE_DELETED)
            parent = NULL;
        pnpsim__unlock(sys);
        dn = parent;
    }
}

static NTSTATUS surprise_remove(pnpsim_device *dn)
{
    node_list l;
    NTSTATUS status = subtree(dn, &l);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "no memory to surprise-remove %s", dn->instance_path);
    /* The hardware is gone: the whole subtree with it. */
    pnpsim__lock(dn->sys);
    for (size_t i = 0; i < l.n; i++)
        l.v[i]->missing = true;
    pnpsim__unlock(dn->sys);
    for (size_t i = 0; i < l.n; i++) {
        pnpsim_device_state st = pnpsim_device_get_state(l.v[i]);
        if (has_stack(st)) {
            simple_pnp(l.v[i], IRP_MN_SURPRISE_REMOVAL);
            pnpsim__iface_device_gone(l.v[i]);
            /* After a surprise removal: REMOVE_COMPLETE (K-SR; notify.c). */
            pnpsim__notify_target_remove_complete(l.v[i]);
            set_state(l.v[i], PNPSIM_DEVICE_SURPRISE_REMOVED);
        }
    }
    for (size_t i = 0; i < l.n; i++)
        try_complete_removal(l.v[i]);
    pnpsim__free(dn->sys, l.v);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_device_surprise_remove(pnpsim_device *dev)
{
    pnpsim_device_state st;
    NTSTATUS status;
    if (dev == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_surprise_remove: dev is NULL");
    st = pnpsim_device_get_state(dev);
    if (dev->is_root || !dev->sim_owned || st == PNPSIM_DEVICE_SURPRISE_REMOVED ||
        st == PNPSIM_DEVICE_DELETED || st == PNPSIM_DEVICE_START_PENDING)
        return pnpsim__status(dev->sim_owned || dev->is_root ? STATUS_INVALID_DEVICE_STATE
                                                             : STATUS_INVALID_PARAMETER,
                              "cannot surprise-remove %s in state %s%s", dev->instance_path,
                              pnpsim_device_state_name(st),
                              dev->sim_owned ? "" : " (its bus driver owns its presence)");
    pnpsim__harness_enter(dev->sys);
    status = surprise_remove(dev);
    pnpsim__harness_leave(dev->sys);
    return status;
}

void pnpsim__devnode_handle_closed(pnpsim_device *dn)
{
    bool pending;
    if (dn == NULL)
        return;
    pnpsim__lock(dn->sys);
    pending = dn->remove_pending && dn->open_handles == 0;
    pnpsim__unlock(dn->sys);
    if (!pending)
        return;
    pnpsim__harness_enter(dn->sys);
    try_complete_removal(dn);
    pnpsim__harness_leave(dn->sys);
}

NTSTATUS pnpsim_device_uninstall(pnpsim_device *dev)
{
    pnpsim_device_state st;
    NTSTATUS status = STATUS_SUCCESS;
    if (dev == NULL || dev->is_root || !dev->sim_owned)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_uninstall: only devices created with "
                              "pnpsim_device_create can be uninstalled");
    st = pnpsim_device_get_state(dev);
    if (st == PNPSIM_DEVICE_DELETED)
        return STATUS_SUCCESS;
    if (st == PNPSIM_DEVICE_START_PENDING || st == PNPSIM_DEVICE_SURPRISE_REMOVED)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "cannot uninstall %s in state %s",
                              dev->instance_path, pnpsim_device_state_name(st));
    pnpsim__harness_enter(dev->sys);
    if (has_stack(st) || st == PNPSIM_DEVICE_INITIALIZED)
        status = remove_device(dev, true);
    if (NT_SUCCESS(status)) {
        pnpsim__lock(dev->sys);
        dev->missing = true;
        pnpsim__unlock(dev->sys);
        mark_deleted(dev);
        pnpsim__iface_device_uninstalled(dev->sys, dev->instance_path);
    }
    pnpsim__harness_leave(dev->sys);
    return status;
}

/* ======================================================================================
 * Enumeration
 * ==================================================================================== */

static void report_bad_relations(pnpsim_device *dn, PDEVICE_RELATIONS rel, ULONG index,
                                 pnpsim__devobj *w)
{
    if (w == NULL)
        pnpsim__bugcheck(dn->sys, PNP_DETECTED_FATAL_ERROR, 0x8, (ULONG_PTR)&dn->pdo->dev,
                         rel->Count, index,
                         "the bus relations of %s contain a NULL (or invalid) PDO at index %lu",
                         dn->instance_path, (unsigned long)index);
    else
        pnpsim__bugcheck(dn->sys, PNP_DETECTED_FATAL_ERROR, 0x4, (ULONG_PTR)&w->dev, 0, 0,
                         "the bus driver of %s reported a PDO it had deleted with IoDeleteDevice",
                         dn->instance_path);
}

static pnpsim_device *child_with_pdo(pnpsim_device *dn, PDEVICE_OBJECT pdo)
{
    for (PLIST_ENTRY e = dn->children.Flink; e != &dn->children; e = e->Flink) {
        pnpsim_device *c = CONTAINING_RECORD(e, pnpsim_device, sibling_link);
        if (&c->pdo->dev == pdo && c->state != PNPSIM_DEVICE_DELETED)
            return c;
    }
    return NULL;
}

static NTSTATUS enumerate(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    IO_STACK_LOCATION sp;
    ULONG_PTR info = 0;
    PDEVICE_RELATIONS rel;
    NTSTATUS status;
    node_list fresh = {0}, gone = {0};
    bool *seen = NULL;
    size_t nchildren = 0, k;

    if (pnpsim_device_get_state(dn) != PNPSIM_DEVICE_STARTED)
        return STATUS_SUCCESS;
    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_PNP;
    sp.MinorFunction = IRP_MN_QUERY_DEVICE_RELATIONS;
    sp.Parameters.QueryDeviceRelations.Type = BusRelations;
    status = pnpsim__pnp_irp(dn, &sp, &info);
    rel = (PDEVICE_RELATIONS)info;
    if (!NT_SUCCESS(status)) {
        /* Not a bus (nobody handled it) or the bus failed: the children stay as they are. */
        if (rel != NULL)
            ExFreePool(rel);
        return status;
    }

    pnpsim__lock(sys);
    for (PLIST_ENTRY e = dn->children.Flink; e != &dn->children; e = e->Flink)
        nchildren++;
    pnpsim__unlock(sys);
    seen = pnpsim__calloc(sys, nchildren + 1, sizeof(bool));
    if (seen == NULL)
        goto oom;

    for (ULONG i = 0; rel != NULL && i < rel->Count; i++) {
        PDEVICE_OBJECT pdo = rel->Objects[i];
        pnpsim__devobj *w = pnpsim__devobj_from(pdo);
        pnpsim_device *c;
        if (w == NULL || w->deleted) {
            report_bad_relations(dn, rel, i, w);
            continue;
        }
        pnpsim__lock(sys);
        c = child_with_pdo(dn, pdo);
        if (c != NULL) {
            k = 0;
            for (PLIST_ENTRY e = dn->children.Flink; e != &dn->children; e = e->Flink, k++) {
                if (CONTAINING_RECORD(e, pnpsim_device, sibling_link) == c)
                    seen[k] = true;
            }
        }
        pnpsim__unlock(sys);
        if (c == NULL) {
            bool dup = false;
            for (size_t j = 0; j < fresh.n; j++)
                dup = dup || &fresh.v[j]->pdo->dev == pdo;
            if (dup)
                continue;
            c = pnpsim__devnode_new(sys, dn, pdo, false);
            if (c == NULL || !list_push(sys, &fresh, c)) {
                if (c != NULL) {
                    c->pdo->devnode = NULL; /* as below: the PDO must not keep a freed node */
                    pnpsim__ob_unref(&c->pdo->hdr);
                    pnpsim__free(sys, c);
                }
                goto oom;
            }
        }
    }

    /* Children no longer reported are gone (the bus only reports what is present). */
    pnpsim__lock(sys);
    k = 0;
    for (PLIST_ENTRY e = dn->children.Flink; e != &dn->children; e = e->Flink, k++) {
        pnpsim_device *c = CONTAINING_RECORD(e, pnpsim_device, sibling_link);
        if (!c->sim_owned && !seen[k] && c->state != PNPSIM_DEVICE_DELETED) {
            c->reported = false;
            if (!list_push(sys, &gone, c)) {
                pnpsim__unlock(sys);
                goto oom;
            }
        }
    }
    pnpsim__unlock(sys);

    /* The PnP manager releases the references the bus driver took on what it reported. */
    for (ULONG i = 0; rel != NULL && i < rel->Count; i++) {
        if (pnpsim__devobj_from(rel->Objects[i]) != NULL)
            ObDereferenceObject(rel->Objects[i]);
    }
    if (rel != NULL)
        ExFreePool(rel);
    rel = NULL;

    for (size_t i = 0; i < gone.n; i++) {
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, gone.v[i], NULL, NULL,
                      "%s is no longer reported by its bus", gone.v[i]->instance_path);
        surprise_remove(gone.v[i]);
    }

    for (size_t i = 0; i < fresh.n; i++) {
        pnpsim_device *c = fresh.v[i], *old;
        NTSTATUS s = pnpsim__devnode_identify(c);
        if (!NT_SUCCESS(s)) {
            pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, NULL, &s,
                          "a new child of %s could not be identified", dn->instance_path);
            c->pdo->devnode = NULL;
            pnpsim__ob_unref(&c->pdo->hdr);
            c->pdo = NULL;
            pnpsim__free(sys, c);
            fresh.v[i] = NULL;
            continue;
        }
        pnpsim__lock(sys);
        old = pnpsim__devnode_find_locked(sys, c->instance_path);
        if (old == NULL) {
            c->reported = true;
            c->pdo->dev.Flags |= DO_BUS_ENUMERATED_DEVICE;
            pnpsim__devnode_link(c);
        }
        pnpsim__unlock(sys);
        if (old != NULL) {
            pnpsim__bugcheck(sys, PNP_DETECTED_FATAL_ERROR, 0x1, (ULONG_PTR)&c->pdo->dev,
                             (ULONG_PTR)&old->pdo->dev, 0,
                             "the bus driver of %s reported two PDOs with the instance path %s",
                             dn->instance_path, c->instance_path);
            fresh.v[i] = NULL;
            continue;
        }
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, c, NULL, NULL, "enumerated %s (child of %s)",
                      c->instance_path, dn->instance_path);
    }
    for (size_t i = 0; i < fresh.n; i++) {
        if (fresh.v[i] != NULL) {
            NTSTATUS s = start_device(fresh.v[i]);
            if (!NT_SUCCESS(s))
                pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, fresh.v[i], NULL, &s,
                              "%s was not started", fresh.v[i]->instance_path);
        }
    }
    pnpsim__free(sys, seen);
    pnpsim__free(sys, fresh.v);
    pnpsim__free(sys, gone.v);
    return STATUS_SUCCESS;

oom:
    /* Leave the children as they were; the references the bus took are released. */
    for (ULONG i = 0; rel != NULL && i < rel->Count; i++) {
        if (pnpsim__devobj_from(rel->Objects[i]) != NULL)
            ObDereferenceObject(rel->Objects[i]);
    }
    if (rel != NULL)
        ExFreePool(rel);
    for (size_t i = 0; i < fresh.n; i++) {
        fresh.v[i]->pdo->devnode = NULL;
        pnpsim__ob_unref(&fresh.v[i]->pdo->hdr);
        pnpsim__free(sys, fresh.v[i]);
    }
    pnpsim__free(sys, seen);
    pnpsim__free(sys, fresh.v);
    pnpsim__free(sys, gone.v);
    return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "no memory to enumerate %s",
                          dn->instance_path);
}

typedef struct enum_work {
    pnpsim__work w;
    pnpsim_device *dn;
} enum_work;

static void enum_work_run(pnpsim_system *sys, pnpsim__work *w)
{
    enum_work *ew = CONTAINING_RECORD(w, enum_work, w);
    pnpsim_device *dn = ew->dn;
    pnpsim__lock(sys);
    dn->enumerating = false;
    pnpsim__unlock(sys);
    pnpsim__free(sys, ew);
    enumerate(dn);
}

static void enum_work_discard(pnpsim_system *sys, pnpsim__work *w)
{
    pnpsim__free(sys, CONTAINING_RECORD(w, enum_work, w));
}

void pnpsim__devnode_request_enumeration(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    enum_work *ew;
    pnpsim__lock(sys);
    if (dn->enumerating) {
        pnpsim__unlock(sys);
        return;
    }
    pnpsim__unlock(sys);
    /* IoInvalidateDeviceRelations cannot fail, and Windows does not lose the request:
     * injected faults spare it (found by the entry-point sweep, where a child announced
     * with WdfChildListAddOrUpdateChildDescriptionAsPresent appeared only at the next
     * invalidation). Only a process out of memory drops it, traced. */
    pnpsim__fault_spare_next(sys);
    ew = pnpsim__calloc(sys, 1, sizeof(*ew));
    if (ew == NULL) {
        pnpsim__trace(sys, PNPSIM_TRACE_WORK, dn, NULL, NULL,
                      "out of memory: enumeration of %s dropped", dn->instance_path);
        return;
    }
    ew->dn = dn;
    ew->w.run = enum_work_run;
    ew->w.discard = enum_work_discard;
    ew->w.what = "bus relations enumeration";
    ew->w.kind = PNPSIM__WORK_ENUMERATE;
    pnpsim__lock(sys);
    dn->enumerating = true;
    pnpsim__work_queue(sys, &ew->w);
    pnpsim__unlock(sys);
}

/* Windows behaviour: IoInvalidateDeviceRelations (Microsoft Learn,
 * nf-wdm-ioinvalidatedevicerelations) asks the PnP manager to query the PDO's stack for
 * relations of the given type; for BusRelations it re-enumerates the bus. It returns at
 * once (§13 item 12); DeviceObject must be a PDO the PnP manager knows (else bug check
 * 0xCA/0x2). IRQL <= DISPATCH_LEVEL.
 * Simulation: BusRelations (and SingleBusRelations) queue an enumeration, run by the
 * delivery mode's rules; other relation types are accepted and traced (removal, ejection
 * and power relations are not modelled). */
VOID NTAPI IoInvalidateDeviceRelations(PDEVICE_OBJECT DeviceObject, DEVICE_RELATION_TYPE Type)
{
    pnpsim__devobj *w = pnpsim__devobj_from(DeviceObject);
    pnpsim_system *sys = w != NULL ? w->hdr.sys : pnpsim__require_system("IoInvalidateDeviceRelations");
    pnpsim_device *dn = w != NULL ? w->devnode : NULL;
    if (!pnpsim__check_irql(sys, "IoInvalidateDeviceRelations", DISPATCH_LEVEL, 0, NULL))
        return;
    if (w == NULL || !w->is_pdo || dn == NULL || &dn->pdo->dev != DeviceObject) {
        pnpsim__bugcheck(sys, PNP_DETECTED_FATAL_ERROR, 0x2, (ULONG_PTR)DeviceObject,
                         (ULONG_PTR)(w != NULL ? w->dev.DriverObject : NULL), 0,
                         "IoInvalidateDeviceRelations was called with %p, which is not a PDO "
                         "the PnP manager knows",
                         (void *)DeviceObject);
        return;
    }
    if (Type == BusRelations || Type == SingleBusRelations) {
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, DeviceObject->DriverObject, NULL,
                      "IoInvalidateDeviceRelations(%s, BusRelations)", dn->instance_path);
        pnpsim__devnode_request_enumeration(dn);
    } else {
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, NULL, NULL,
                      "IoInvalidateDeviceRelations(%s, type %d): not modelled, ignored",
                      dn->instance_path, (int)Type);
    }
}

typedef struct state_work {
    pnpsim__work w;
    pnpsim_device *dn;
    bool eject;
} state_work;

static void state_work_run(pnpsim_system *sys, pnpsim__work *w)
{
    state_work *sw = CONTAINING_RECORD(w, state_work, w);
    pnpsim_device *dn = sw->dn;
    bool eject = sw->eject;
    pnpsim__free(sys, sw);
    if (pnpsim_device_get_state(dn) != PNPSIM_DEVICE_STARTED)
        return;
    if (eject) {
        if (NT_SUCCESS(remove_device(dn, true))) {
            simple_pnp(dn, IRP_MN_EJECT);
            pnpsim__lock(sys);
            dn->missing = true;
            pnpsim__unlock(sys);
            mark_deleted(dn);
        }
        return;
    }
    {
        IO_STACK_LOCATION sp;
        ULONG_PTR info = 0;
        NTSTATUS status;
        memset(&sp, 0, sizeof(sp));
        sp.MajorFunction = IRP_MJ_PNP;
        sp.MinorFunction = IRP_MN_QUERY_PNP_DEVICE_STATE;
        status = pnpsim__pnp_irp(dn, &sp, &info);
        if (NT_SUCCESS(status) && (info & PNP_DEVICE_FAILED)) {
            /* A failed device is surprise-removed and left with a problem code. */
            simple_pnp(dn, IRP_MN_SURPRISE_REMOVAL);
            pnpsim__iface_device_gone(dn);
            set_state(dn, PNPSIM_DEVICE_SURPRISE_REMOVED);
            send_remove(dn);
            pnpsim__lock(sys);
            pnpsim__devnode_set_state(dn, PNPSIM_DEVICE_REMOVED);
            dn->problem = CM_PROB_FAILED_POST_START;
            pnpsim__unlock(sys);
        }
    }
}

static void queue_state_work(PDEVICE_OBJECT pdo, bool eject, const char *ddi)
{
    pnpsim__devobj *w = pnpsim__devobj_from(pdo);
    pnpsim_system *sys = w != NULL ? w->hdr.sys : pnpsim__require_system(ddi);
    state_work *sw;
    if (!pnpsim__check_irql(sys, ddi, DISPATCH_LEVEL, 0, NULL))
        return;
    if (w == NULL || !w->is_pdo || w->devnode == NULL) {
        pnpsim__bugcheck(sys, PNP_DETECTED_FATAL_ERROR, 0x2, (ULONG_PTR)pdo,
                         (ULONG_PTR)(w != NULL ? w->dev.DriverObject : NULL), 0,
                         "%s was called with %p, which is not a PDO the PnP manager knows", ddi,
                         (void *)pdo);
        return;
    }
    sw = pnpsim__calloc(sys, 1, sizeof(*sw));
    if (sw == NULL)
        return;
    sw->dn = w->devnode;
    sw->eject = eject;
    sw->w.run = state_work_run;
    sw->w.discard = NULL;
    sw->w.what = eject ? "device ejection" : "device state query";
    sw->w.kind = PNPSIM__WORK_OTHER;
    pnpsim__work_queue(sys, &sw->w);
}

/* Windows behaviour: IoInvalidateDeviceState makes the PnP manager send
 * IRP_MN_QUERY_PNP_DEVICE_STATE; a device reporting PNP_DEVICE_FAILED is stopped and
 * removed (nf-wdm-ioinvalidatedevicestate). IRQL <= DISPATCH_LEVEL.
 * Simulation: queued; PNP_DEVICE_FAILED leads to SURPRISE_REMOVAL and REMOVE_DEVICE and the
 * problem CM_PROB_FAILED_POST_START; other bits are traced only. */
VOID NTAPI IoInvalidateDeviceState(PDEVICE_OBJECT PhysicalDeviceObject)
{
    queue_state_work(PhysicalDeviceObject, false, "IoInvalidateDeviceState");
}

/* Windows behaviour: IoRequestDeviceEject asks the PnP manager to eject the device
 * (query-remove, remove, IRP_MN_EJECT) (nf-wdm-iorequestdeviceeject).
 * Simulation: queued; an orderly removal (vetoable) then IRP_MN_EJECT, after which the
 * device is gone. */
VOID NTAPI IoRequestDeviceEject(PDEVICE_OBJECT PhysicalDeviceObject)
{
    queue_state_work(PhysicalDeviceObject, true, "IoRequestDeviceEject");
}

/* ======================================================================================
 * Shutdown
 * ==================================================================================== */

void pnpsim__devnode_teardown_all(pnpsim_system *sys)
{
    node_list l;
    NTSTATUS listed;
    pnpsim_system *spared;
    if (sys->root == NULL)
        return;
    spared = pnpsim__fault_spare_begin(sys); /* shutdown cannot fail (fault_int.h) */
    listed = sys->crashed ? STATUS_UNSUCCESSFUL : subtree(sys->root, &l);
    pnpsim__fault_spare_end(spared);
    if (NT_SUCCESS(listed)) {
        /* Every device goes, children first, as in a removal without a query. */
        for (size_t i = 0; i < l.n; i++) {
            pnpsim_device *dn = l.v[i];
            pnpsim_device_state st;
            if (dn->is_root)
                continue;
            st = pnpsim_device_get_state(dn);
            if (st == PNPSIM_DEVICE_DELETED)
                continue;
            if (has_stack(st) || st == PNPSIM_DEVICE_SURPRISE_REMOVED)
                send_remove(dn);
            pnpsim__lock(sys);
            dn->missing = true;
            pnpsim__unlock(sys);
            mark_deleted(dn);
        }
        pnpsim__free(sys, l.v);
    }
    /* The root's PDO belongs to the simulator's bus. */
    if (sys->root != NULL && !sys->root->pdo->deleted)
        IoDeleteDevice(&sys->root->pdo->dev);
    /* The worker may still be delivering events about these devices: let it finish before
     * their nodes go. */
    if (!sys->crashed)
        pnpsim__work_wait_idle(sys);
    pnpsim__devnode_free_all(sys);
    if (!sys->destroying && !sys->final_shutdown) {
        /* The root must come back (a system always has one): like the teardown above,
         * its allocations are spared by fault injection (fault_int.h). */
        spared = pnpsim__fault_spare_begin(sys);
        pnpsim__system_build_root(sys);
        pnpsim__fault_spare_end(spared);
    }
}
