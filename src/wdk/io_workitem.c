/* SPDX-License-Identifier: MIT */
/*
 * This file implements I/O work items (IoAllocateWorkItem, IoQueueWorkItem(Ex),
 * IoFreeWorkItem, IoSizeofWorkItem): a driver hands a routine to a system worker thread,
 * which calls it at PASSIVE_LEVEL while the I/O manager holds a reference on the device
 * object. In pnpsim a queued item is a pnpsim__work on its system's deferred-work queue
 * (DESIGN.md "Notification delivery"): it runs when that queue is delivered, or while a
 * thread of the system waits (KeWaitForSingleObject lets queued work run first).
 *
 * Misuse bug checks WORKER_INVALID (0xE4) with its documented parameter 1: queueing an
 * item that is already queued (0x1), freeing a queued item (0x2), an invalid I/O object
 * (0x3), an invalid queue type (0x6), no worker routine (0x7).
 */
#include "pnpsim_int.h"

#ifndef WORKER_INVALID
#define WORKER_INVALID 0x000000E4
#endif

#define WORKITEM_MAGIC 0x4B524F57u /* "WORK" */

struct _IO_WORKITEM {
    uint32_t magic;
    pnpsim_system *sys;
    PDEVICE_OBJECT device;
    PIO_WORKITEM_ROUTINE routine;      /* IoQueueWorkItem */
    PIO_WORKITEM_ROUTINE_EX routine_ex;/* IoQueueWorkItemEx */
    PVOID context;
    volatile long queued;              /* 1 from IoQueueWorkItem until the routine starts */
    pnpsim__work work;                 /* the queue node; embedded, so queueing never fails */
};

static bool queue_type_valid(WORK_QUEUE_TYPE t)
{
    return (t >= CriticalWorkQueue && t < MaximumWorkQueue) || t == CustomPriorityWorkQueue;
}

static void run_item(pnpsim_system *sys, pnpsim__work *w)
{
    struct _IO_WORKITEM *item = CONTAINING_RECORD(w, struct _IO_WORKITEM, work);
    pnpsim__thread_state *ts = pnpsim__ts();
    /* Copy everything first: the routine may free the item (IoFreeWorkItem from inside
     * the routine is the usual pattern) or queue it again. */
    PDEVICE_OBJECT dev = item->device;
    PIO_WORKITEM_ROUTINE routine = item->routine;
    PIO_WORKITEM_ROUTINE_EX routine_ex = item->routine_ex;
    PVOID context = item->context;
    PDRIVER_OBJECT saved_drv;
    pnpsim__callout c;
    KIRQL saved_irql = ts->irql;

    pnpsim__atomic_store(&item->queued, 0);
    pnpsim__trace(sys, PNPSIM_TRACE_WORK, pnpsim__devnode_of(dev), dev->DriverObject, NULL,
                  "work item %p runs", (void *)item);
    /* System worker threads run work items at PASSIVE_LEVEL. */
    ts->irql = PASSIVE_LEVEL;
    pnpsim__set_current_driver(dev->DriverObject, &saved_drv);
    pnpsim__callout_begin(sys, &c, "a work item routine");
    if (routine_ex != NULL)
        routine_ex(dev, context, item);
    else
        routine(dev, context);
    pnpsim__callout_end(sys, &c);
    pnpsim__set_current_driver(saved_drv, NULL);
    ts->irql = saved_irql;
    /* The I/O manager's reference, taken when the item was queued. */
    ObfDereferenceObject(dev);
}

static void discard_item(pnpsim_system *sys, pnpsim__work *w)
{
    struct _IO_WORKITEM *item = CONTAINING_RECORD(w, struct _IO_WORKITEM, work);
    /* Never ran (system destroyed): drop the reference it held. The item itself belongs to
     * the driver (IoFreeWorkItem) or, if leaked, to the system's allocator. */
    pnpsim__trace(sys, PNPSIM_TRACE_WORK, NULL, NULL, NULL,
                  "work item %p discarded without running", (void *)item);
    pnpsim__atomic_store(&item->queued, 0);
    ObfDereferenceObject(item->device);
}

/*
 * Windows behaviour: allocates a work item for a device object the caller owns; returns
 * NULL when resources are short; <= DISPATCH_LEVEL (Microsoft Learn "IoAllocateWorkItem").
 * An item for an invalid object is WORKER_INVALID (0xE4) parameter 1 = 0x3 ("Bug Check
 * 0xE4 WORKER_INVALID").
 * Simulation: the item comes from pnpsim's internal allocator (so allocation faults can be
 * injected), not from the driver's pool: a work item never freed is not reported as a pool
 * leak, and is freed when the system is destroyed.
 */
PIO_WORKITEM NTAPI IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    pnpsim__devobj *d = DeviceObject != NULL ? pnpsim__devobj_from(DeviceObject) : NULL;
    struct _IO_WORKITEM *item;
    if (d == NULL) {
        pnpsim__bugcheck(sys, WORKER_INVALID, 0x3, 0, (ULONG_PTR)DeviceObject, 0,
                         "IoAllocateWorkItem(%p): not a device object", (void *)DeviceObject);
        return NULL;
    }
    sys = d->hdr.sys;
    if (pnpsim__fault_ddi(sys, "IoAllocateWorkItem", NULL)) /* fault.h */
        return NULL;
    if (!pnpsim__check_irql(sys, "IoAllocateWorkItem", DISPATCH_LEVEL, 0, NULL))
        return NULL;
    item = pnpsim__calloc(sys, 1, sizeof(*item));
    if (item == NULL) {
        pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "IoAllocateWorkItem: out of memory");
        return NULL;
    }
    item->magic = WORKITEM_MAGIC;
    item->sys = sys;
    item->device = DeviceObject;
    return item;
}

/* The item behind a PIO_WORKITEM, or NULL (after a bug check) if it is not one. */
static struct _IO_WORKITEM *item_from(PIO_WORKITEM IoWorkItem, const char *ddi)
{
    if (IoWorkItem == NULL || IoWorkItem->magic != WORKITEM_MAGIC) {
        pnpsim__bugcheck(pnpsim__ts()->current, WORKER_INVALID, 0x3, (ULONG_PTR)IoWorkItem, 0,
                         0, "%s(%p): not a work item from IoAllocateWorkItem", ddi,
                         (void *)IoWorkItem);
        return NULL;
    }
    return IoWorkItem;
}

/*
 * Windows behaviour: frees a work item from IoAllocateWorkItem; <= DISPATCH_LEVEL
 * (Microsoft Learn "IoFreeWorkItem"); freeing an item that is still queued is
 * WORKER_INVALID (0xE4) parameter 1 = 0x2 (item, worker routine, 0).
 * Simulation: as described. The routine of an item may free it (the item is no longer
 * queued once its routine runs).
 */
VOID NTAPI IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    struct _IO_WORKITEM *item = item_from(IoWorkItem, "IoFreeWorkItem");
    if (item == NULL)
        return;
    if (!pnpsim__check_irql(item->sys, "IoFreeWorkItem", DISPATCH_LEVEL, 0, NULL))
        return;
    if (pnpsim__atomic_load(&item->queued) != 0) {
        pnpsim__bugcheck(item->sys, WORKER_INVALID, 0x2, (ULONG_PTR)item,
                         item->routine_ex != NULL ? (ULONG_PTR)item->routine_ex
                                                  : (ULONG_PTR)item->routine,
                         0, "IoFreeWorkItem(%p): the work item is still queued", (void *)item);
        return;
    }
    item->magic = 0;
    pnpsim__free(item->sys, item);
}

static void queue_item(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE routine,
                       PIO_WORKITEM_ROUTINE_EX routine_ex, WORK_QUEUE_TYPE QueueType,
                       PVOID Context, const char *ddi)
{
    struct _IO_WORKITEM *item = item_from(IoWorkItem, ddi);
    if (item == NULL)
        return;
    if (!pnpsim__check_irql(item->sys, ddi, DISPATCH_LEVEL, 0, NULL))
        return;
    if (routine == NULL && routine_ex == NULL) {
        pnpsim__bugcheck(item->sys, WORKER_INVALID, 0x7, (ULONG_PTR)item, (ULONG_PTR)QueueType,
                         0, "%s(%p): no worker routine", ddi, (void *)item);
        return;
    }
    if (!queue_type_valid(QueueType)) {
        pnpsim__bugcheck(item->sys, WORKER_INVALID, 0x6, (ULONG_PTR)item, (ULONG_PTR)QueueType,
                         0, "%s(%p): invalid queue type %d", ddi, (void *)item, (int)QueueType);
        return;
    }
    if (pnpsim__atomic_inc(&item->queued) != 1) {
        pnpsim__atomic_dec(&item->queued);
        pnpsim__bugcheck(item->sys, WORKER_INVALID, 0x1, (ULONG_PTR)item, (ULONG_PTR)QueueType,
                         0, "%s(%p): the work item is already queued", ddi, (void *)item);
        return;
    }
    item->routine = routine;
    item->routine_ex = routine_ex;
    item->context = Context;
    /* The I/O manager keeps the device object alive until the routine has run. */
    ObfReferenceObject(item->device);
    memset(&item->work, 0, sizeof(item->work));
    item->work.run = run_item;
    item->work.discard = discard_item;
    item->work.what = "work item";
    item->work.kind = PNPSIM__WORK_ITEM;
    pnpsim__work_queue(item->sys, &item->work);
}

/*
 * Windows behaviour: queues the item; a system worker thread later calls
 * WorkerRoutine(DeviceObject, Context) at PASSIVE_LEVEL, holding a reference on the device
 * object; <= DISPATCH_LEVEL; queueing an item that is already queued is WORKER_INVALID
 * (0xE4) parameter 1 = 0x1 (Microsoft Learn "IoQueueWorkItem", "Bug Check 0xE4").
 * Simulation: the routine runs from the system's deferred-work queue (see the file
 * comment); QueueType is checked and otherwise ignored (one queue, in order).
 */
VOID NTAPI IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                           WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    queue_item(IoWorkItem, WorkerRoutine, NULL, QueueType, Context, "IoQueueWorkItem");
}

/*
 * Windows behaviour: as IoQueueWorkItem, the routine receiving (IoObject, Context,
 * IoWorkItem) (Microsoft Learn "IoQueueWorkItemEx").
 * Simulation: as IoQueueWorkItem; IoObject is the device object.
 */
VOID NTAPI IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                             WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    queue_item(IoWorkItem, NULL, WorkerRoutine, QueueType, Context, "IoQueueWorkItemEx");
}

/*
 * Windows behaviour: the size of an IO_WORKITEM, for drivers that embed one and initialize
 * it with IoInitializeWorkItem (Microsoft Learn "IoSizeofWorkItem").
 * Simulation: the size of pnpsim's private work item (IoInitializeWorkItem is not
 * simulated).
 */
ULONG NTAPI IoSizeofWorkItem(void)
{
    return (ULONG)sizeof(struct _IO_WORKITEM);
}
