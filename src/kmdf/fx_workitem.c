/* SPDX-License-Identifier: MIT */
/*
 * This file implements framework work items (WDFWORKITEM) for pnpsim's KMDF layer:
 * WdfWorkItemCreate, WdfWorkItemEnqueue, WdfWorkItemFlush and WdfWorkItemGetParentObject.
 * As in KMDF, a framework work item wraps an I/O work item (IoAllocateWorkItem on the
 * parent device's device object): EvtWorkItemFunc runs at PASSIVE_LEVEL on the system's
 * work queue (io_workitem.c), that is when the test delivers pending work
 * (pnpsim_system_run_pending) or while a thread of the system waits.
 */
#include "fx_io.h"

typedef struct pnpsim__fx_workitem {
    pnpsim__fx_object obj; /* must be first */
    WDF_WORKITEM_CONFIG cfg;
    PIO_WORKITEM wi;
    void *volatile queued; /* non-NULL: enqueued, EvtWorkItemFunc not started yet */
    volatile long busy;    /* queued or running: what Flush waits for */
    void *runner;          /* pnpsim__ts() of the thread running the callback */
    KEVENT idle;           /* signalled when busy drops to 0 */
} pnpsim__fx_workitem;

static VOID NTAPI workitem_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    pnpsim__fx_workitem *w = Context;
    pnpsim_system *sys = w->obj.sys;
    pnpsim__fx_call c;
    PNPSIM_UNUSED(DeviceObject);
    (void)pnpsim__atomic_cas_ptr(&w->queued, w, NULL);
    w->runner = pnpsim__ts();
    pnpsim__fx_call_begin(sys, w->obj.driver, &c, "EvtWorkItemFunc");
    w->cfg.EvtWorkItemFunc((WDFWORKITEM)w);
    pnpsim__fx_call_end(sys, &c);
    w->runner = NULL;
    if (pnpsim__atomic_dec(&w->busy) == 0)
        (void)KeSetEvent(&w->idle, IO_NO_INCREMENT, FALSE);
    pnpsim__fx_unref(&w->obj); /* taken by WdfWorkItemEnqueue */
}

/* Deletion: KMDF waits for a queued or running callback before the work item goes (unless
 * the callback itself deletes it). */
static void workitem_on_delete(pnpsim__fx_object *o)
{
    pnpsim__fx_workitem *w = (pnpsim__fx_workitem *)o;
    if (w->runner != pnpsim__ts() && KeGetCurrentIrql() == PASSIVE_LEVEL)
        pnpsim__fx_wait_idle(o->sys, &w->busy, &w->idle);
}

static void workitem_on_destroy(pnpsim__fx_object *o)
{
    pnpsim__fx_workitem *w = (pnpsim__fx_workitem *)o;
    if (w->wi != NULL)
        IoFreeWorkItem(w->wi);
    w->wi = NULL;
}

static const pnpsim__fx_ops workitem_ops = {"WDFWORKITEM", workitem_on_delete,
                                            workitem_on_destroy, false};

static pnpsim__fx_workitem *get_workitem(WDFWORKITEM h, const char *ddi)
{
    return (pnpsim__fx_workitem *)pnpsim__fx_get((WDFOBJECT)h, PNPSIM_FX_WORKITEM, ddi);
}

/*
 * Windows behaviour: "WdfWorkItemCreate": <= DISPATCH_LEVEL; the attributes must name a
 * parent (STATUS_WDF_PARENT_NOT_SPECIFIED), a device or an object under one
 * (STATUS_INVALID_DEVICE_REQUEST); Config->Size mismatch -> STATUS_INFO_LENGTH_MISMATCH;
 * STATUS_INSUFFICIENT_RESOURCES without memory. The work item is deleted with its parent.
 * Simulation: as described; EvtWorkItemFunc NULL -> STATUS_INVALID_PARAMETER;
 * AutomaticSerialization is accepted but not modelled (no synchronization scopes).
 */
WDFAPI NTSTATUS WdfWorkItemCreate(PWDF_WORKITEM_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                                  WDFWORKITEM *WorkItem)
{
    static const char ddi[] = "WdfWorkItemCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    pnpsim__fx_workitem *w;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Config, "Config", ddi) ||
        !pnpsim__fx_check_ptr(sys, WorkItem, "WorkItem", ddi))
        return STATUS_INVALID_PARAMETER;
    *WorkItem = NULL;
    if (Config->Size != sizeof(WDF_WORKITEM_CONFIG))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH, "%s: Config->Size %lu, expected %lu",
                              ddi, (unsigned long)Config->Size,
                              (unsigned long)sizeof(WDF_WORKITEM_CONFIG));
    if (Config->EvtWorkItemFunc == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Config->EvtWorkItemFunc is NULL",
                              ddi);
    status = pnpsim__fx_parent_device(sys, Attributes, &d, ddi);
    if (!NT_SUCCESS(status))
        return status;
    status = pnpsim__fx_attributes_check(sys, Attributes, ddi);
    if (!NT_SUCCESS(status))
        return status;
    w = pnpsim__calloc(sys, 1, sizeof(*w));
    if (w == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    w->cfg = *Config;
    KeInitializeEvent(&w->idle, NotificationEvent, TRUE);
    w->wi = IoAllocateWorkItem(d->self);
    if (w->wi == NULL) {
        pnpsim__free(sys, w);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no I/O work item", ddi);
    }
    status = pnpsim__fx_object_init(sys, &w->obj, PNPSIM_FX_WORKITEM, &workitem_ops,
                                    d->obj.driver, NULL, Attributes, ddi);
    if (!NT_SUCCESS(status)) {
        IoFreeWorkItem(w->wi);
        pnpsim__free(sys, w);
        return status;
    }
    *WorkItem = (WDFWORKITEM)w;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfWorkItemEnqueue": <= DISPATCH_LEVEL; adds the work item to the
 * system's work queue; if it is already queued (not yet started) nothing happens. The
 * callback runs at PASSIVE_LEVEL. Simulation: IoQueueWorkItem on DelayedWorkQueue; the
 * object is referenced until the callback returned. */
WDFAPI VOID WdfWorkItemEnqueue(WDFWORKITEM WorkItem)
{
    static const char ddi[] = "WdfWorkItemEnqueue";
    pnpsim__fx_workitem *w = get_workitem(WorkItem, ddi);
    if (w == NULL || !pnpsim__fx_check_irql(w->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    if (!pnpsim__atomic_cas_ptr(&w->queued, NULL, w)) {
        /* already queued: nothing to do */
        return;
    }
    KeClearEvent(&w->idle);
    pnpsim__atomic_inc(&w->busy);
    pnpsim__fx_ref(&w->obj);
    IoQueueWorkItem(w->wi, workitem_routine, DelayedWorkQueue, w);
}

/* Windows behaviour: "WdfWorkItemFlush": PASSIVE_LEVEL; returns once a queued or running
 * EvtWorkItemFunc finished. Simulation: runs the system's queued work until it has; a call
 * from the callback itself returns at once (Windows would deadlock). */
WDFAPI VOID WdfWorkItemFlush(WDFWORKITEM WorkItem)
{
    static const char ddi[] = "WdfWorkItemFlush";
    pnpsim__fx_workitem *w = get_workitem(WorkItem, ddi);
    if (w == NULL || !pnpsim__fx_check_irql(w->obj.sys, PASSIVE_LEVEL, ddi))
        return;
    if (w->runner == pnpsim__ts())
        return;
    pnpsim__fx_wait_idle(w->obj.sys, &w->busy, &w->idle);
}

/* Windows behaviour: "WdfWorkItemGetParentObject": <= DISPATCH_LEVEL; the parent. */
WDFAPI WDFOBJECT WdfWorkItemGetParentObject(WDFWORKITEM WorkItem)
{
    static const char ddi[] = "WdfWorkItemGetParentObject";
    pnpsim__fx_workitem *w = get_workitem(WorkItem, ddi);
    if (w == NULL || !pnpsim__fx_check_irql(w->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return (WDFOBJECT)w->obj.parent;
}
