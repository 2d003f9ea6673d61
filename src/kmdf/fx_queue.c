/* SPDX-License-Identifier: MIT */
/*
 * This file implements the I/O queues of pnpsim's KMDF layer: the per-device I/O package
 * (default queue, per-type dispatching, file object settings), WdfIoQueueCreate and the
 * queue methods (start, stop, purge, drain, retrieve), the framework's handling of every
 * IRP major other than PnP and power (create / cleanup / close with WDFFILEOBJECTs, queueing
 * the rest), power-managed queues held outside D0, and the purge at removal.
 *
 * Behaviour follows Microsoft Learn ("WdfIoQueueCreate", "WDF_IO_QUEUE_CONFIG structure",
 * "Dispatching Methods for I/O Requests", "Managing I/O Queues", "Framework File Objects",
 * "Power-Managed I/O Queues") and KMDF's open-source FxIoQueue / FxPkgIo / FxPkgGeneral.
 *
 * Locking: queue lists and counters are guarded by sys->lock; driver callbacks and
 * IoCompleteRequest / IoCallDriver are never called with it held.
 */
#include "fx_io.h"

/* ---- helpers ------------------------------------------------------------------------- */

static pnpsim__fx_io *io_of(pnpsim__fx_device *d)
{
    return d != NULL ? d->io : NULL;
}

static bool queue_powered(pnpsim__fx_queue *q)
{
    pnpsim__fx_io *io = io_of(q->device);
    return !q->power_managed || (io != NULL && io->powered);
}

static bool queue_can_present(pnpsim__fx_queue *q)
{
    if (!q->dispatching || q->cfg.DispatchType == WdfIoQueueDispatchManual)
        return false;
    if (!queue_powered(q) || IsListEmpty(&q->pending))
        return false;
    if (q->cfg.DispatchType == WdfIoQueueDispatchSequential && q->driver_count > 0)
        return false;
    if (q->cfg.DispatchType == WdfIoQueueDispatchParallel) {
        ULONG limit = q->cfg.Settings.Parallel.NumberOfPresentedRequests;
        if (limit != 0 && limit != (ULONG)-1 && q->driver_count >= limit)
            return false;
    }
    return true;
}

static const char *major_name(UCHAR major)
{
    switch (major) {
    case IRP_MJ_CREATE: return "IRP_MJ_CREATE";
    case IRP_MJ_CLOSE: return "IRP_MJ_CLOSE";
    case IRP_MJ_CLEANUP: return "IRP_MJ_CLEANUP";
    case IRP_MJ_READ: return "IRP_MJ_READ";
    case IRP_MJ_WRITE: return "IRP_MJ_WRITE";
    case IRP_MJ_DEVICE_CONTROL: return "IRP_MJ_DEVICE_CONTROL";
    case IRP_MJ_INTERNAL_DEVICE_CONTROL: return "IRP_MJ_INTERNAL_DEVICE_CONTROL";
    default: return "IRP_MJ_(other)";
    }
}

/* Complete a request that never reached the driver. */
static void complete_unpresented(pnpsim__fx_request *r, NTSTATUS status)
{
    pnpsim__fx_request_complete(r, status, 0, IO_NO_INCREMENT, NULL);
}

/* Hand request r (removed from the queue, counted as driver-owned) to the driver. */
static void present(pnpsim__fx_queue *q, pnpsim__fx_request *r)
{
    pnpsim_system *sys = q->obj.sys;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(r->irp);
    UCHAR major = sp->MajorFunction;
    WDFQUEUE hq = (WDFQUEUE)q;
    WDFREQUEST hr = (WDFREQUEST)r;
    pnpsim__fx_call c;
    const char *what = NULL;

    switch (major) {
    case IRP_MJ_READ:
        if (q->cfg.EvtIoRead != NULL) {
            pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoRead");
            q->cfg.EvtIoRead(hq, hr, sp->Parameters.Read.Length);
            pnpsim__fx_call_end(sys, &c);
            what = "EvtIoRead";
        }
        break;
    case IRP_MJ_WRITE:
        if (q->cfg.EvtIoWrite != NULL) {
            pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoWrite");
            q->cfg.EvtIoWrite(hq, hr, sp->Parameters.Write.Length);
            pnpsim__fx_call_end(sys, &c);
            what = "EvtIoWrite";
        }
        break;
    case IRP_MJ_DEVICE_CONTROL:
        if (q->cfg.EvtIoDeviceControl != NULL) {
            pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoDeviceControl");
            q->cfg.EvtIoDeviceControl(hq, hr, sp->Parameters.DeviceIoControl.OutputBufferLength,
                                      sp->Parameters.DeviceIoControl.InputBufferLength,
                                      sp->Parameters.DeviceIoControl.IoControlCode);
            pnpsim__fx_call_end(sys, &c);
            what = "EvtIoDeviceControl";
        }
        break;
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        if (q->cfg.EvtIoInternalDeviceControl != NULL) {
            pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoInternalDeviceControl");
            q->cfg.EvtIoInternalDeviceControl(
                hq, hr, sp->Parameters.DeviceIoControl.OutputBufferLength,
                sp->Parameters.DeviceIoControl.InputBufferLength,
                sp->Parameters.DeviceIoControl.IoControlCode);
            pnpsim__fx_call_end(sys, &c);
            what = "EvtIoInternalDeviceControl";
        }
        break;
    default:
        break;
    }
    if (what == NULL && q->cfg.EvtIoDefault != NULL) {
        pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoDefault");
        q->cfg.EvtIoDefault(hq, hr);
        pnpsim__fx_call_end(sys, &c);
        what = "EvtIoDefault";
    }
    if (what == NULL) {
        /* No handler for this request type on the queue: KMDF completes it with
         * STATUS_INVALID_DEVICE_REQUEST (FxIoQueue::DispatchRequestToDriver). */
        NTSTATUS st = STATUS_INVALID_DEVICE_REQUEST;
        pnpsim__fx_trace(q->device, &st, "WDFQUEUE %p has no callback for %s: completed",
                         (void *)q, major_name(major));
        pnpsim__fx_request_complete(r, st, 0, IO_NO_INCREMENT, NULL);
        return;
    }
    pnpsim__fx_trace(q->device, NULL, "%s(WDFREQUEST %p, %s) returned", what, (void *)r,
                     major_name(major));
}

/* Collect the stop/purge/drain completion due on q (caller holds sys->lock). */
static void take_idle(pnpsim__fx_queue *q, PFN_WDF_IO_QUEUE_STATE *cb, WDFCONTEXT *ctx,
                      PKEVENT *ev)
{
    *cb = NULL;
    *ctx = NULL;
    *ev = NULL;
    if (q->driver_count != 0 || (q->idle_needs_empty && q->pending_count != 0))
        return;
    if (q->idle_cb == NULL && q->idle_event == NULL)
        return;
    *cb = q->idle_cb;
    *ctx = q->idle_ctx;
    *ev = q->idle_event;
    q->idle_cb = NULL;
    q->idle_ctx = NULL;
    q->idle_event = NULL;
}

static void fire_idle(pnpsim__fx_queue *q, PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx, PKEVENT ev)
{
    if (cb != NULL) {
        pnpsim__fx_call c;
        pnpsim__fx_call_begin(q->obj.sys, q->obj.driver, &c, "EvtIoQueueState");
        cb((WDFQUEUE)q, ctx);
        pnpsim__fx_call_end(q->obj.sys, &c);
    }
    if (ev != NULL)
        KeSetEvent(ev, IO_NO_INCREMENT, FALSE);
}

/* Present what can be presented; one thread at a time per queue. */
static void queue_run(pnpsim__fx_queue *q)
{
    pnpsim_system *sys = q->obj.sys;
    PFN_WDF_IO_QUEUE_STATE cb, ready_cb = NULL;
    WDFCONTEXT ctx, ready_ctx = NULL;
    PKEVENT ev;

    pnpsim__fx_ref(&q->obj);
    pnpsim__lock(sys);
    if (q->presenting) {
        pnpsim__unlock(sys);
        pnpsim__fx_unref(&q->obj);
        return;
    }
    q->presenting = true;
    for (;;) {
        pnpsim__fx_request *r = NULL;
        if (queue_can_present(q)) {
            for (PLIST_ENTRY e = q->pending.Flink; e != &q->pending; e = e->Flink) {
                pnpsim__fx_request *cand = CONTAINING_RECORD(e, pnpsim__fx_request, qlink);
                /* A request whose cancel routine already ran belongs to the canceller. */
                if (IoSetCancelRoutine(cand->irp, NULL) != NULL) {
                    r = cand;
                    break;
                }
            }
        }
        if (r == NULL)
            break;
        RemoveEntryList(&r->qlink);
        r->on_queue = false;
        q->pending_count--;
        r->presented = true;
        r->owned = true;
        InsertTailList(&q->owned, &r->olink);
        q->driver_count++;
        pnpsim__unlock(sys);
        present(q, r);
        pnpsim__lock(sys);
    }
    q->presenting = false;
    take_idle(q, &cb, &ctx, &ev);
    if (q->ready_cb != NULL && q->cfg.DispatchType == WdfIoQueueDispatchManual &&
        q->pending_count != 0 && q->dispatching && queue_powered(q)) {
        ready_cb = q->ready_cb;
        ready_ctx = q->ready_ctx;
    }
    pnpsim__unlock(sys);
    fire_idle(q, cb, ctx, ev);
    if (ready_cb != NULL) {
        pnpsim__fx_call c;
        pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoQueueState(ready)");
        ready_cb((WDFQUEUE)q, ready_ctx);
        pnpsim__fx_call_end(sys, &c);
    }
    pnpsim__fx_unref(&q->obj);
}

void pnpsim__fx_queue_request_done(pnpsim__fx_queue *q)
{
    if (q != NULL)
        queue_run(q);
}

/* The I/O manager cancels an IRP while its request waits on a queue. */
static VOID NTAPI queue_cancel_routine(PDEVICE_OBJECT dev, PIRP irp)
{
    pnpsim__fx_request *r = pnpsim__fx_request_of_irp(irp);
    pnpsim__fx_queue *q;
    pnpsim_system *sys;
    bool mine = false;
    (void)dev;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    if (r == NULL)
        return;
    q = r->queue;
    sys = r->obj.sys;
    pnpsim__lock(sys);
    if (r->on_queue) {
        RemoveEntryList(&r->qlink);
        r->on_queue = false;
        q->pending_count--;
        mine = true;
        if (q->cfg.EvtIoCanceledOnQueue != NULL) {
            r->presented = true;
            r->owned = true;
            InsertTailList(&q->owned, &r->olink);
            q->driver_count++;
        }
    }
    pnpsim__unlock(sys);
    if (!mine)
        return;
    if (q->cfg.EvtIoCanceledOnQueue != NULL) {
        /* "EvtIoCanceledOnQueue": the driver completes the request itself. */
        pnpsim__fx_call c;
        pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoCanceledOnQueue");
        q->cfg.EvtIoCanceledOnQueue((WDFQUEUE)q, (WDFREQUEST)r);
        pnpsim__fx_call_end(sys, &c);
    } else {
        complete_unpresented(r, STATUS_CANCELLED);
    }
    queue_run(q);
}

NTSTATUS pnpsim__fx_queue_insert(pnpsim__fx_queue *q, pnpsim__fx_request *r, bool head)
{
    pnpsim_system *sys = q->obj.sys;
    bool cancelled = false;
    pnpsim__lock(sys);
    if (!q->accepting) {
        pnpsim__unlock(sys);
        /* FxIoQueue::QueueRequest: a queue that does not accept requests completes them
         * with STATUS_INVALID_DEVICE_STATE. */
        NTSTATUS st = STATUS_INVALID_DEVICE_STATE;
        pnpsim__fx_trace(q->device, &st, "WDFQUEUE %p does not accept requests: completed",
                         (void *)q);
        pnpsim__fx_request_complete(r, st, 0, IO_NO_INCREMENT, NULL);
        return st;
    }
    r->queue = q;
    r->presented = false;
    r->on_queue = true;
    if (head)
        InsertHeadList(&q->pending, &r->qlink);
    else
        InsertTailList(&q->pending, &r->qlink);
    q->pending_count++;
    IoSetCancelRoutine(r->irp, queue_cancel_routine);
    if (r->irp->Cancel && IoSetCancelRoutine(r->irp, NULL) != NULL) {
        RemoveEntryList(&r->qlink);
        r->on_queue = false;
        q->pending_count--;
        cancelled = true;
    }
    pnpsim__unlock(sys);
    if (cancelled) {
        complete_unpresented(r, STATUS_CANCELLED);
        return STATUS_CANCELLED;
    }
    queue_run(q);
    return STATUS_PENDING;
}

/* ---- file objects ---------------------------------------------------------------------- */

static void file_on_destroy(pnpsim__fx_object *o)
{
    pnpsim__fx_fileobj *f = (pnpsim__fx_fileobj *)o;
    pnpsim_system *sys = o->sys;
    pnpsim__lock(sys);
    if (f->link.Flink != NULL) {
        RemoveEntryList(&f->link);
        f->link.Flink = f->link.Blink = NULL;
    }
    pnpsim__unlock(sys);
}

static const pnpsim__fx_ops file_ops = {"WDFFILEOBJECT", NULL, file_on_destroy, true};

pnpsim__fx_fileobj *pnpsim__fx_file_of(pnpsim__fx_device *d, PFILE_OBJECT f)
{
    pnpsim__fx_io *io = io_of(d);
    pnpsim__fx_fileobj *found = NULL;
    if (io == NULL || f == NULL)
        return NULL;
    pnpsim__lock(d->obj.sys);
    for (PLIST_ENTRY e = io->files.Flink; e != &io->files; e = e->Flink) {
        pnpsim__fx_fileobj *fo = CONTAINING_RECORD(e, pnpsim__fx_fileobj, link);
        if (fo->wdm == f) {
            found = fo;
            break;
        }
    }
    pnpsim__unlock(d->obj.sys);
    return found;
}

static pnpsim__fx_fileobj *file_new(pnpsim__fx_device *d, PFILE_OBJECT f)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_io *io = io_of(d);
    pnpsim__fx_fileobj *fo = pnpsim__calloc(sys, 1, sizeof(*fo));
    if (fo == NULL)
        return NULL;
    fo->device = d;
    fo->wdm = f;
    if (!NT_SUCCESS(pnpsim__fx_object_init(sys, &fo->obj, PNPSIM_FX_FILEOBJECT, &file_ops,
                                           d->obj.driver, &d->obj,
                                           io->file_attributes_set ? &io->file_attributes
                                                                   : NULL,
                                           "IRP_MJ_CREATE"))) {
        pnpsim__free(sys, fo);
        return NULL;
    }
    pnpsim__lock(sys);
    InsertTailList(&io->files, &fo->link);
    pnpsim__unlock(sys);
    return fo;
}

/* Whether cleanup and close (and create without EvtDeviceFileCreate) go down the stack. */
static bool auto_forward(pnpsim__fx_device *d)
{
    pnpsim__fx_io *io = io_of(d);
    WDF_TRI_STATE t = io->file_config_set ? io->file_config.AutoForwardCleanupClose
                                          : WdfUseDefault;
    if (d->is_pdo || d->lower == NULL)
        return false;
    if (t == WdfUseDefault)
        return d->is_filter;
    return t == WdfTrue;
}

static NTSTATUS finish_file_irp(pnpsim__fx_device *d, PIRP irp)
{
    if (auto_forward(d))
        return pnpsim__fx_forward(d, irp);
    return pnpsim__fx_complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS dispatch_create(pnpsim__fx_device *d, PIRP irp)
{
    pnpsim__fx_io *io = io_of(d);
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    pnpsim__fx_fileobj *fo = NULL;
    pnpsim__fx_request *r;
    pnpsim_system *sys = d->obj.sys;
    bool callback = io->file_config_set && io->file_config.EvtDeviceFileCreate != NULL;
    pnpsim__fx_queue *q = io->by_type[IRP_MJ_CREATE];

    if (sp->FileObject != NULL) {
        fo = file_new(d, sp->FileObject);
        if (fo == NULL)
            return pnpsim__fx_complete(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }
    if (!callback && q == NULL) {
        /* "Framework File Objects": without EvtDeviceFileCreate (and no queue for creates)
         * a filter passes the create down, other drivers succeed it. */
        pnpsim__fx_trace(d, NULL, "IRP_MJ_CREATE handled by the framework (%s)",
                         auto_forward(d) ? "forwarded" : "completed STATUS_SUCCESS");
        if (auto_forward(d) || (d->is_filter && d->lower != NULL))
            return pnpsim__fx_forward(d, irp);
        return pnpsim__fx_complete(irp, STATUS_SUCCESS, 0);
    }
    r = pnpsim__fx_request_new(d, irp);
    if (r == NULL) {
        if (fo != NULL)
            pnpsim__fx_object_delete(&fo->obj);
        return pnpsim__fx_complete(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }
    r->create_file = fo;
    IoMarkIrpPending(irp);
    if (callback) {
        pnpsim__fx_call c;
        r->presented = true;
        pnpsim__fx_call_begin(sys, d->obj.driver, &c, "EvtDeviceFileCreate");
        io->file_config.EvtDeviceFileCreate((WDFDEVICE)d, (WDFREQUEST)r, (WDFFILEOBJECT)fo);
        pnpsim__fx_call_end(sys, &c);
        pnpsim__fx_trace(d, NULL, "EvtDeviceFileCreate(WDFFILEOBJECT %p) returned", (void *)fo);
    } else {
        (void)pnpsim__fx_queue_insert(q, r, false);
    }
    return STATUS_PENDING;
}

static NTSTATUS dispatch_cleanup_close(pnpsim__fx_device *d, PIRP irp, bool close)
{
    pnpsim__fx_io *io = io_of(d);
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    pnpsim__fx_fileobj *fo = pnpsim__fx_file_of(d, sp->FileObject);
    pnpsim_system *sys = d->obj.sys;
    PFN_WDF_FILE_CLOSE cb = NULL;
    if (io->file_config_set)
        cb = close ? io->file_config.EvtFileClose : io->file_config.EvtFileCleanup;
    if (cb != NULL) {
        pnpsim__fx_call c;
        pnpsim__fx_call_begin(sys, d->obj.driver, &c, close ? "EvtFileClose" : "EvtFileCleanup");
        cb((WDFFILEOBJECT)fo);
        pnpsim__fx_call_end(sys, &c);
        pnpsim__fx_trace(d, NULL, "%s(WDFFILEOBJECT %p) returned",
                         close ? "EvtFileClose" : "EvtFileCleanup", (void *)fo);
    }
    if (close && fo != NULL)
        pnpsim__fx_object_delete(&fo->obj);
    return finish_file_irp(d, irp);
}

/* ---- the framework's dispatch for I/O majors ------------------------------------------ */

NTSTATUS pnpsim__fx_io_dispatch(pnpsim__fx_device *d, PIRP irp)
{
    pnpsim__fx_io *io = io_of(d);
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    UCHAR major = sp->MajorFunction;
    pnpsim__fx_queue *q;
    pnpsim__fx_request *r;

    if (io == NULL)
        return d->is_pdo ? pnpsim__fx_complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0)
                         : pnpsim__fx_forward(d, irp);
    switch (major) {
    case IRP_MJ_CREATE:
        return dispatch_create(d, irp);
    case IRP_MJ_CLEANUP:
        return dispatch_cleanup_close(d, irp, false);
    case IRP_MJ_CLOSE:
        return dispatch_cleanup_close(d, irp, true);
    case IRP_MJ_SYSTEM_CONTROL:
        /* WMI is not modelled: the framework passes it down or leaves it as it is. */
        if (d->is_pdo || d->lower == NULL)
            return pnpsim__fx_complete(irp, irp->IoStatus.Status, irp->IoStatus.Information);
        return pnpsim__fx_forward(d, irp);
    default:
        break;
    }
    q = major <= IRP_MJ_MAXIMUM_FUNCTION ? io->by_type[major] : NULL;
    if (q == NULL)
        q = io->default_queue;
    if (q == NULL) {
        /* No queue takes this request: a function or filter driver's device passes it down;
         * a PDO fails it (FxPkgIo::Dispatch). */
        if (d->is_pdo || d->lower == NULL) {
            NTSTATUS st = STATUS_INVALID_DEVICE_REQUEST;
            pnpsim__fx_trace(d, &st, "%s: no queue, completed", major_name(major));
            return pnpsim__fx_complete(irp, st, 0);
        }
        pnpsim__fx_trace(d, NULL, "%s: no queue, passed to the next-lower driver",
                         major_name(major));
        return pnpsim__fx_forward(d, irp);
    }
    if (!q->cfg.AllowZeroLengthRequests &&
        ((major == IRP_MJ_READ && sp->Parameters.Read.Length == 0) ||
         (major == IRP_MJ_WRITE && sp->Parameters.Write.Length == 0))) {
        /* "WDF_IO_QUEUE_CONFIG": AllowZeroLengthRequests FALSE: the framework completes
         * zero-length reads and writes with STATUS_SUCCESS itself. */
        pnpsim__fx_trace(d, NULL, "%s of length 0 completed by the framework",
                         major_name(major));
        return pnpsim__fx_complete(irp, STATUS_SUCCESS, 0);
    }
    r = pnpsim__fx_request_new(d, irp);
    if (r == NULL)
        return pnpsim__fx_complete(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    IoMarkIrpPending(irp);
    (void)pnpsim__fx_queue_insert(q, r, false);
    return STATUS_PENDING;
}

/* ---- device-level hooks --------------------------------------------------------------- */

NTSTATUS pnpsim__fx_io_created(pnpsim__fx_device *d, PWDFDEVICE_INIT init)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_io *io = pnpsim__calloc(sys, 1, sizeof(*io));
    if (io == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "WdfDeviceCreate: out of memory for the I/O package");
    InitializeListHead(&io->queues);
    InitializeListHead(&io->files);
    pnpsim__fx_lock_init(&io->lock);
    if (init->file_config_set) {
        io->file_config = init->file_config;
        io->file_config_set = true;
    }
    if (init->file_attributes_set) {
        io->file_attributes = init->file_attributes;
        io->file_attributes_set = true;
    }
    if (init->request_attributes_set) {
        io->request_attributes = init->request_attributes;
        io->request_attributes_set = true;
    }
    io->powered = d->in_d0;
    d->io = io;
    return STATUS_SUCCESS;
}

/* Send EvtIoStop for every request the driver holds on q (power down, purge). */
static void notify_stop(pnpsim__fx_queue *q, ULONG action)
{
    pnpsim_system *sys = q->obj.sys;
    pnpsim__fx_request **list = NULL;
    size_t n = 0, i = 0;
    if (q->cfg.EvtIoStop == NULL)
        return;
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = q->owned.Flink; e != &q->owned; e = e->Flink)
        n++;
    if (n != 0)
        list = pnpsim__calloc(sys, n, sizeof(*list));
    if (list != NULL) {
        for (PLIST_ENTRY e = q->owned.Flink; e != &q->owned; e = e->Flink) {
            list[i] = CONTAINING_RECORD(e, pnpsim__fx_request, olink);
            pnpsim__fx_ref(&list[i]->obj);
            i++;
        }
    }
    pnpsim__unlock(sys);
    for (i = 0; list != NULL && i < n; i++) {
        pnpsim__fx_call c;
        ULONG flags = action | (list[i]->cancelable ? (ULONG)WdfRequestStopRequestCancelable : 0);
        if (!list[i]->completed) {
            pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoStop");
            q->cfg.EvtIoStop((WDFQUEUE)q, (WDFREQUEST)list[i], flags);
            pnpsim__fx_call_end(sys, &c);
        }
        pnpsim__fx_unref(&list[i]->obj);
    }
    pnpsim__free(sys, list);
}

/* Snapshot the device's queues (referenced) so callouts can run without the lock. */
static size_t snapshot_queues(pnpsim__fx_device *d, pnpsim__fx_queue ***out)
{
    pnpsim__fx_io *io = io_of(d);
    pnpsim_system *sys = d->obj.sys;
    size_t n = 0, i = 0;
    pnpsim__fx_queue **list = NULL;
    *out = NULL;
    if (io == NULL)
        return 0;
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = io->queues.Flink; e != &io->queues; e = e->Flink)
        n++;
    pnpsim__unlock(sys);
    if (n == 0)
        return 0;
    list = pnpsim__calloc(sys, n, sizeof(*list));
    if (list == NULL)
        return 0;
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = io->queues.Flink; e != &io->queues && i < n; e = e->Flink) {
        list[i] = CONTAINING_RECORD(e, pnpsim__fx_queue, link);
        pnpsim__fx_ref(&list[i]->obj);
        i++;
    }
    pnpsim__unlock(sys);
    *out = list;
    return i;
}

void pnpsim__fx_io_power(pnpsim__fx_device *d, bool on)
{
    pnpsim__fx_io *io = io_of(d);
    pnpsim__fx_queue **list;
    size_t n;
    if (io == NULL)
        return;
    pnpsim__lock(d->obj.sys);
    io->powered = on;
    pnpsim__unlock(d->obj.sys);
    pnpsim__fx_trace(d, NULL, "power-managed queues %s", on ? "resume (D0)" : "held (leaving D0)");
    n = snapshot_queues(d, &list);
    for (size_t i = 0; i < n; i++) {
        if (on)
            queue_run(list[i]);
        else if (list[i]->power_managed)
            notify_stop(list[i], WdfRequestStopActionSuspend);
        pnpsim__fx_unref(&list[i]->obj);
    }
    pnpsim__free(d->obj.sys, list);
}

/* Purge q: stop accepting and dispatching, cancel what waits, tell the driver about what
 * it holds (cancelable requests are cancelled, the others get EvtIoStop with Purge). */
static void queue_purge(pnpsim__fx_queue *q, bool stop_dispatch)
{
    pnpsim_system *sys = q->obj.sys;
    LIST_ENTRY taken;
    pnpsim__fx_request **owned = NULL;
    size_t n = 0, i = 0;
    InitializeListHead(&taken);
    pnpsim__lock(sys);
    q->accepting = false;
    if (stop_dispatch)
        q->dispatching = false;
    for (PLIST_ENTRY e = q->pending.Flink; e != &q->pending;) {
        pnpsim__fx_request *r = CONTAINING_RECORD(e, pnpsim__fx_request, qlink);
        e = e->Flink;
        if (IoSetCancelRoutine(r->irp, NULL) == NULL)
            continue; /* its cancel routine is running and completes it */
        RemoveEntryList(&r->qlink);
        r->on_queue = false;
        q->pending_count--;
        InsertTailList(&taken, &r->qlink);
    }
    for (PLIST_ENTRY e = q->owned.Flink; e != &q->owned; e = e->Flink)
        n++;
    if (n != 0)
        owned = pnpsim__calloc(sys, n, sizeof(*owned));
    if (owned != NULL) {
        for (PLIST_ENTRY e = q->owned.Flink; e != &q->owned; e = e->Flink) {
            owned[i] = CONTAINING_RECORD(e, pnpsim__fx_request, olink);
            pnpsim__fx_ref(&owned[i]->obj);
            i++;
        }
    }
    pnpsim__unlock(sys);
    while (!IsListEmpty(&taken)) {
        PLIST_ENTRY e = RemoveHeadList(&taken);
        pnpsim__fx_request *r = CONTAINING_RECORD(e, pnpsim__fx_request, qlink);
        /* "WdfIoQueuePurge": requests waiting in the queue are cancelled. */
        complete_unpresented(r, STATUS_CANCELLED);
    }
    for (i = 0; owned != NULL && i < n; i++) {
        pnpsim__fx_request *r = owned[i];
        if (!r->completed) {
            if (r->cancelable && r->irp != NULL) {
                IoCancelIrp(r->irp);
            } else if (q->cfg.EvtIoStop != NULL) {
                pnpsim__fx_call c;
                pnpsim__fx_call_begin(sys, q->obj.driver, &c, "EvtIoStop");
                q->cfg.EvtIoStop((WDFQUEUE)q, (WDFREQUEST)r, WdfRequestStopActionPurge);
                pnpsim__fx_call_end(sys, &c);
            }
        }
        pnpsim__fx_unref(&r->obj);
    }
    pnpsim__free(sys, owned);
    queue_run(q);
}

void pnpsim__fx_io_purge(pnpsim__fx_device *d)
{
    pnpsim__fx_io *io = io_of(d);
    pnpsim__fx_queue **list;
    size_t n;
    if (io == NULL)
        return;
    io->removed = true;
    n = snapshot_queues(d, &list);
    if (n != 0)
        pnpsim__fx_trace(d, NULL, "removal: purging %zu queue(s)", n);
    for (size_t i = 0; i < n; i++) {
        queue_purge(list[i], true);
        pnpsim__fx_unref(&list[i]->obj);
    }
    pnpsim__free(d->obj.sys, list);
}

void pnpsim__fx_io_destroy(pnpsim__fx_device *d)
{
    pnpsim__fx_io *io = io_of(d);
    pnpsim_system *sys = d->obj.sys;
    if (io == NULL)
        return;
    pnpsim__lock(sys);
    while (!IsListEmpty(&io->queues)) {
        PLIST_ENTRY e = RemoveHeadList(&io->queues);
        e->Flink = e->Blink = NULL;
    }
    while (!IsListEmpty(&io->files)) {
        PLIST_ENTRY e = RemoveHeadList(&io->files);
        e->Flink = e->Blink = NULL;
    }
    d->io = NULL;
    pnpsim__unlock(sys);
    pnpsim__free(sys, io);
}

/* ---- queue objects --------------------------------------------------------------------- */

static void queue_on_delete(pnpsim__fx_object *o)
{
    pnpsim__fx_queue *q = (pnpsim__fx_queue *)o;
    pnpsim__fx_io *io = io_of(q->device);
    /* KMDF purges a queue that is being deleted (FxIoQueue::Dispose). */
    queue_purge(q, true);
    pnpsim__lock(o->sys);
    if (io != NULL) {
        if (io->default_queue == q)
            io->default_queue = NULL;
        for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
            if (io->by_type[i] == q)
                io->by_type[i] = NULL;
    }
    if (q->link.Flink != NULL) {
        RemoveEntryList(&q->link);
        q->link.Flink = q->link.Blink = NULL;
    }
    pnpsim__unlock(o->sys);
}

static const pnpsim__fx_ops queue_ops = {"WDFQUEUE", queue_on_delete, NULL, false};

static pnpsim__fx_queue *get_queue(WDFQUEUE h, const char *ddi)
{
    return (pnpsim__fx_queue *)pnpsim__fx_get((WDFOBJECT)h, PNPSIM_FX_QUEUE, ddi);
}

/*
 * Windows behaviour: "WdfIoQueueCreate": IRQL <= DISPATCH_LEVEL; Config Size wrong ->
 * STATUS_INFO_LENGTH_MISMATCH; a non-manual queue without any request handler ->
 * STATUS_WDF_NO_CALLBACK; a manual queue with request handlers or an invalid dispatch type
 * -> STATUS_INVALID_PARAMETER (FxIoQueue::Initialize); a second default queue ->
 * STATUS_UNSUCCESSFUL. PowerManaged WdfUseDefault means power-managed unless the device is
 * a filter. The device is the default parent.
 * Simulation: as described; the parent must be the device (ParentObject other than the
 * device is accepted only when it is the device itself). Queues start accepting and
 * dispatching; power-managed ones present requests only while the device is in D0.
 */
WDFAPI NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config,
                                 PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue)
{
    static const char ddi[] = "WdfIoQueueCreate";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    pnpsim_system *sys;
    pnpsim__fx_io *io;
    pnpsim__fx_queue *q;
    NTSTATUS status;
    bool has_handler;

    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    sys = d->obj.sys;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Config, "Config", ddi))
        return STATUS_INVALID_PARAMETER;
    if (Queue != NULL)
        *Queue = NULL;
    if (Config->Size != sizeof(WDF_IO_QUEUE_CONFIG))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH, "%s: Config->Size %lu, expected %lu",
                              ddi, (unsigned long)Config->Size,
                              (unsigned long)sizeof(WDF_IO_QUEUE_CONFIG));
    if (Config->DispatchType <= WdfIoQueueDispatchInvalid ||
        Config->DispatchType >= WdfIoQueueDispatchMax)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: invalid DispatchType %d", ddi,
                              (int)Config->DispatchType);
    has_handler = Config->EvtIoDefault != NULL || Config->EvtIoRead != NULL ||
                  Config->EvtIoWrite != NULL || Config->EvtIoDeviceControl != NULL ||
                  Config->EvtIoInternalDeviceControl != NULL;
    if (Config->DispatchType != WdfIoQueueDispatchManual && !has_handler)
        return pnpsim__status(STATUS_WDF_NO_CALLBACK,
                              "%s: a non-manual queue needs at least one request handler", ddi);
    if (Config->DispatchType == WdfIoQueueDispatchManual && has_handler)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: a manual queue cannot have request handlers", ddi);
    if (Config->DispatchType != WdfIoQueueDispatchParallel &&
        Config->Settings.Parallel.NumberOfPresentedRequests != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: NumberOfPresentedRequests set on a non-parallel queue", ddi);
    if (QueueAttributes != NULL) {
        status = pnpsim__fx_attributes_check(sys, QueueAttributes, ddi);
        if (!NT_SUCCESS(status))
            return status;
    }
    io = io_of(d);
    if (io == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the device is being deleted",
                              ddi);
    if (Config->DefaultQueue && io->default_queue != NULL)
        return pnpsim__status(STATUS_UNSUCCESSFUL, "%s: the device already has a default queue",
                              ddi);
    q = pnpsim__calloc(sys, 1, sizeof(*q));
    if (q == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    q->device = d;
    q->cfg = *Config;
    if (Config->PowerManaged == WdfUseDefault)
        q->power_managed = !d->is_filter;
    else
        q->power_managed = Config->PowerManaged == WdfTrue;
    q->accepting = true;
    q->dispatching = true;
    InitializeListHead(&q->pending);
    InitializeListHead(&q->owned);
    pnpsim__fx_lock_init(&q->lock);
    status = pnpsim__fx_object_init(sys, &q->obj, PNPSIM_FX_QUEUE, &queue_ops, d->obj.driver,
                                    &d->obj, QueueAttributes, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, q);
        return status;
    }
    pnpsim__lock(sys);
    InsertTailList(&io->queues, &q->link);
    if (Config->DefaultQueue)
        io->default_queue = q;
    pnpsim__unlock(sys);
    pnpsim__fx_trace(d, NULL, "WdfIoQueueCreate: %s%s queue %p (%spower-managed)",
                     Config->DefaultQueue ? "default " : "",
                     Config->DispatchType == WdfIoQueueDispatchSequential ? "sequential"
                     : Config->DispatchType == WdfIoQueueDispatchParallel ? "parallel"
                                                                          : "manual",
                     (void *)q, q->power_managed ? "" : "not ");
    if (Queue != NULL)
        *Queue = (WDFQUEUE)q;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: "WdfDeviceConfigureRequestDispatching": PASSIVE_LEVEL; routes one
 * request type (create, read, write, device control, internal device control) to a queue;
 * another type -> STATUS_INVALID_PARAMETER; a type already routed ->
 * STATUS_WDF_BUSY-like failure (KMDF returns STATUS_INVALID_DEVICE_REQUEST).
 * Simulation: as described; the queue must belong to the device (else
 * STATUS_INVALID_PARAMETER).
 */
WDFAPI NTSTATUS WdfDeviceConfigureRequestDispatching(WDFDEVICE Device, WDFQUEUE Queue,
                                                     WDF_REQUEST_TYPE RequestType)
{
    static const char ddi[] = "WdfDeviceConfigureRequestDispatching";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    pnpsim__fx_queue *q;
    pnpsim_system *sys;
    NTSTATUS status;
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    sys = d->obj.sys;
    q = get_queue(Queue, ddi);
    if (q == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_STATE;
    if (RequestType != WdfRequestTypeCreate && RequestType != WdfRequestTypeRead &&
        RequestType != WdfRequestTypeWrite && RequestType != WdfRequestTypeDeviceControl &&
        RequestType != WdfRequestTypeDeviceControlInternal)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: request type 0x%x cannot be routed",
                              ddi, (unsigned)RequestType);
    if (q->device != d || d->io == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: WDFQUEUE %p does not belong to WDFDEVICE %p", ddi,
                              (void *)q, (void *)d);
    pnpsim__lock(sys);
    if (d->io->by_type[RequestType] != NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: request type 0x%x already has a queue", ddi,
                              (unsigned)RequestType);
    }
    d->io->by_type[RequestType] = q;
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfDeviceGetDefaultQueue": <= DISPATCH_LEVEL; the default queue or
 * NULL. Simulation: as described. */
WDFAPI WDFQUEUE WdfDeviceGetDefaultQueue(WDFDEVICE Device)
{
    static const char ddi[] = "WdfDeviceGetDefaultQueue";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    WDFQUEUE q = NULL;
    if (d == NULL || !pnpsim__fx_check_irql(d->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    pnpsim__lock(d->obj.sys);
    if (d->io != NULL)
        q = (WDFQUEUE)d->io->default_queue;
    pnpsim__unlock(d->obj.sys);
    return q;
}

/* Windows behaviour: "WdfIoQueueGetDevice": <= DISPATCH_LEVEL. Simulation: as described. */
WDFAPI WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueGetDevice";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return (WDFDEVICE)q->device;
}

/*
 * Windows behaviour: "WdfIoQueueGetState": <= DISPATCH_LEVEL; state bits (accepting,
 * dispatching, no requests in the queue, no requests owned by the driver) and optional
 * counts. Simulation: as described; WdfIoQueuePnpHeld is set for a power-managed queue
 * outside D0.
 */
WDFAPI WDF_IO_QUEUE_STATE WdfIoQueueGetState(WDFQUEUE Queue, PULONG QueueRequests,
                                             PULONG DriverRequests)
{
    static const char ddi[] = "WdfIoQueueGetState";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    ULONG st = 0;
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi))
        return (WDF_IO_QUEUE_STATE)0;
    pnpsim__lock(q->obj.sys);
    if (q->accepting)
        st |= WdfIoQueueAcceptRequests;
    if (q->dispatching)
        st |= WdfIoQueueDispatchRequests;
    if (q->pending_count == 0)
        st |= WdfIoQueueNoRequests;
    if (q->driver_count == 0)
        st |= WdfIoQueueDriverNoRequests;
    if (!queue_powered(q))
        st |= WdfIoQueuePnpHeld;
    if (QueueRequests != NULL)
        *QueueRequests = q->pending_count;
    if (DriverRequests != NULL)
        *DriverRequests = q->driver_count;
    pnpsim__unlock(q->obj.sys);
    return (WDF_IO_QUEUE_STATE)st;
}

/* Windows behaviour: "WdfIoQueueStart": <= DISPATCH_LEVEL; the queue accepts and
 * dispatches again. Simulation: as described. */
WDFAPI VOID WdfIoQueueStart(WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueStart";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    pnpsim__lock(q->obj.sys);
    q->accepting = true;
    q->dispatching = true;
    pnpsim__unlock(q->obj.sys);
    queue_run(q);
}

/* Begin a stop / purge / drain: the callback or event fires when the condition holds. */
static void set_idle(pnpsim__fx_queue *q, PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx, PKEVENT ev,
                     bool needs_empty)
{
    pnpsim__lock(q->obj.sys);
    q->idle_cb = cb;
    q->idle_ctx = ctx;
    q->idle_event = ev;
    q->idle_needs_empty = needs_empty;
    pnpsim__unlock(q->obj.sys);
}

/* Wait (PASSIVE_LEVEL) until the queue's idle condition fired. */
static void wait_idle(pnpsim__fx_queue *q, KEVENT *ev)
{
    queue_run(q);
    pnpsim__event_wait(q->obj.sys, ev);
}

/*
 * Windows behaviour: "WdfIoQueueStop" / "WdfIoQueueStopSynchronously": the queue keeps
 * accepting requests but stops delivering them; StopComplete runs (or the synchronous form
 * returns, PASSIVE_LEVEL) once the driver owns no request from the queue.
 * Simulation: as described; the synchronous form lets queued simulator work run while it
 * waits.
 */
WDFAPI VOID WdfIoQueueStop(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopComplete,
                           WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueueStop";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    pnpsim__lock(q->obj.sys);
    q->dispatching = false;
    pnpsim__unlock(q->obj.sys);
    set_idle(q, StopComplete, Context, NULL, false);
    queue_run(q);
}

WDFAPI VOID WdfIoQueueStopSynchronously(WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueStopSynchronously";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    KEVENT ev;
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, PASSIVE_LEVEL, ddi))
        return;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    pnpsim__lock(q->obj.sys);
    q->dispatching = false;
    pnpsim__unlock(q->obj.sys);
    set_idle(q, NULL, NULL, &ev, false);
    wait_idle(q, &ev);
}

/*
 * Windows behaviour: "WdfIoQueuePurge" / "WdfIoQueuePurgeSynchronously": the queue stops
 * accepting; requests waiting in it are cancelled (STATUS_CANCELLED); requests the driver
 * owns are cancelled if cancelable (else EvtIoStop with WdfRequestStopActionPurge);
 * PurgeComplete runs when the queue is empty and the driver owns none. The queue keeps
 * its dispatch state (WdfIoQueueStart accepts again).
 * Simulation: as described.
 */
WDFAPI VOID WdfIoQueuePurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE PurgeComplete,
                            WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueuePurge";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    set_idle(q, PurgeComplete, Context, NULL, true);
    queue_purge(q, false);
}

WDFAPI VOID WdfIoQueuePurgeSynchronously(WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueuePurgeSynchronously";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    KEVENT ev;
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, PASSIVE_LEVEL, ddi))
        return;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    set_idle(q, NULL, NULL, &ev, true);
    queue_purge(q, false);
    wait_idle(q, &ev);
}

WDFAPI VOID WdfIoQueueStopAndPurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
                                   WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueueStopAndPurge";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    set_idle(q, StopAndPurgeComplete, Context, NULL, true);
    queue_purge(q, true);
    /* Stop-and-purge keeps accepting new requests (they wait until WdfIoQueueStart). */
    pnpsim__lock(q->obj.sys);
    q->accepting = true;
    pnpsim__unlock(q->obj.sys);
}

WDFAPI VOID WdfIoQueueStopAndPurgeSynchronously(WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueStopAndPurgeSynchronously";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    KEVENT ev;
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, PASSIVE_LEVEL, ddi))
        return;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    set_idle(q, NULL, NULL, &ev, true);
    queue_purge(q, true);
    pnpsim__lock(q->obj.sys);
    q->accepting = true;
    pnpsim__unlock(q->obj.sys);
    wait_idle(q, &ev);
}

/*
 * Windows behaviour: "WdfIoQueueDrain" / "WdfIoQueueDrainSynchronously": the queue stops
 * accepting new requests (they fail with STATUS_INVALID_DEVICE_STATE) but delivers the ones
 * it holds; DrainComplete runs when it is empty and the driver owns none.
 * Simulation: as described.
 */
WDFAPI VOID WdfIoQueueDrain(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE DrainComplete,
                            WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueueDrain";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    pnpsim__lock(q->obj.sys);
    q->accepting = false;
    pnpsim__unlock(q->obj.sys);
    set_idle(q, DrainComplete, Context, NULL, true);
    queue_run(q);
}

WDFAPI VOID WdfIoQueueDrainSynchronously(WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueDrainSynchronously";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    KEVENT ev;
    if (q == NULL || !pnpsim__fx_check_irql(q->obj.sys, PASSIVE_LEVEL, ddi))
        return;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    pnpsim__lock(q->obj.sys);
    q->accepting = false;
    pnpsim__unlock(q->obj.sys);
    set_idle(q, NULL, NULL, &ev, true);
    wait_idle(q, &ev);
}

/* Take the first request matching (file object or NULL) off a queue for the driver. */
static NTSTATUS retrieve(pnpsim__fx_queue *q, pnpsim__fx_fileobj *fo, pnpsim__fx_request *want,
                         WDFREQUEST *out, const char *ddi)
{
    pnpsim_system *sys = q->obj.sys;
    pnpsim__fx_request *r = NULL;
    pnpsim__lock(sys);
    if (q->cfg.DispatchType != WdfIoQueueDispatchManual && want == NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: WDFQUEUE %p is not a manual queue", ddi, (void *)q);
    }
    if (!queue_powered(q)) {
        /* A power-managed queue outside D0 delivers nothing (FxIoQueue::GetRequest). */
        pnpsim__unlock(sys);
        return STATUS_WDF_PAUSED;
    }
    for (PLIST_ENTRY e = q->pending.Flink; e != &q->pending; e = e->Flink) {
        pnpsim__fx_request *cand = CONTAINING_RECORD(e, pnpsim__fx_request, qlink);
        if (want != NULL && cand != want)
            continue;
        if (fo != NULL) {
            PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(cand->irp);
            if (sp->FileObject != fo->wdm)
                continue;
        }
        if (IoSetCancelRoutine(cand->irp, NULL) == NULL)
            continue;
        r = cand;
        break;
    }
    if (r == NULL) {
        pnpsim__unlock(sys);
        return want != NULL ? STATUS_NOT_FOUND : STATUS_NO_MORE_ENTRIES;
    }
    RemoveEntryList(&r->qlink);
    r->on_queue = false;
    q->pending_count--;
    r->presented = true;
    r->owned = true;
    InsertTailList(&q->owned, &r->olink);
    q->driver_count++;
    pnpsim__unlock(sys);
    *out = (WDFREQUEST)r;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: "WdfIoQueueRetrieveNextRequest": <= DISPATCH_LEVEL; takes the next
 * request from a manual queue; STATUS_NO_MORE_ENTRIES when empty; STATUS_WDF_PAUSED when
 * a power-managed queue is not in D0; STATUS_INVALID_DEVICE_REQUEST for a non-manual queue.
 * Simulation: as described.
 */
WDFAPI NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest)
{
    static const char ddi[] = "WdfIoQueueRetrieveNextRequest";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    NTSTATUS status;
    if (q == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(q->obj.sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(q->obj.sys, OutRequest, "OutRequest", ddi))
        return STATUS_INVALID_PARAMETER;
    *OutRequest = NULL;
    status = retrieve(q, NULL, NULL, OutRequest, ddi);
    if (status == STATUS_SUCCESS)
        queue_run(q);
    return status;
}

WDFAPI NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE Queue, WDFFILEOBJECT FileObject,
                                                      WDFREQUEST *OutRequest)
{
    static const char ddi[] = "WdfIoQueueRetrieveRequestByFileObject";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    pnpsim__fx_fileobj *fo;
    NTSTATUS status;
    if (q == NULL)
        return STATUS_INVALID_HANDLE;
    fo = (pnpsim__fx_fileobj *)pnpsim__fx_get((WDFOBJECT)FileObject, PNPSIM_FX_FILEOBJECT, ddi);
    if (fo == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(q->obj.sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(q->obj.sys, OutRequest, "OutRequest", ddi))
        return STATUS_INVALID_PARAMETER;
    *OutRequest = NULL;
    return retrieve(q, fo, NULL, OutRequest, ddi);
}

WDFAPI NTSTATUS WdfIoQueueFindRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest,
                                      WDFFILEOBJECT FileObject,
                                      PWDF_REQUEST_PARAMETERS Parameters,
                                      WDFREQUEST *OutRequest)
{
    (void)Queue;
    (void)FoundRequest;
    (void)FileObject;
    (void)Parameters;
    (void)OutRequest;
    return pnpsim__fx_not_implemented("WdfIoQueueFindRequest");
}

WDFAPI NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest,
                                               WDFREQUEST *OutRequest)
{
    (void)Queue;
    (void)FoundRequest;
    (void)OutRequest;
    return pnpsim__fx_not_implemented("WdfIoQueueRetrieveFoundRequest");
}

/*
 * Windows behaviour: "WdfIoQueueReadyNotify": a manual queue calls QueueReady when it
 * goes from empty to non-empty; NULL unregisters. Not a manual queue ->
 * STATUS_INVALID_DEVICE_REQUEST. Simulation: QueueReady runs after each insertion that
 * leaves requests on the queue (not only on the empty-to-non-empty edge).
 */
WDFAPI NTSTATUS WdfIoQueueReadyNotify(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE QueueReady,
                                      WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueueReadyNotify";
    pnpsim__fx_queue *q = get_queue(Queue, ddi);
    NTSTATUS status;
    if (q == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(q->obj.sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(q->obj.sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_STATE;
    if (q->cfg.DispatchType != WdfIoQueueDispatchManual)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: not a manual queue", ddi);
    pnpsim__lock(q->obj.sys);
    q->ready_cb = QueueReady;
    q->ready_ctx = Context;
    pnpsim__unlock(q->obj.sys);
    if (QueueReady != NULL)
        queue_run(q);
    return STATUS_SUCCESS;
}

/* ---- file object methods --------------------------------------------------------------- */

static pnpsim__fx_fileobj *get_file(WDFFILEOBJECT h, const char *ddi)
{
    return (pnpsim__fx_fileobj *)pnpsim__fx_get((WDFOBJECT)h, PNPSIM_FX_FILEOBJECT, ddi);
}

/* Windows behaviour: "WdfFileObjectGetDevice": <= DISPATCH_LEVEL. Simulation: as described. */
WDFAPI WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT FileObject)
{
    static const char ddi[] = "WdfFileObjectGetDevice";
    pnpsim__fx_fileobj *fo = get_file(FileObject, ddi);
    if (fo == NULL || !pnpsim__fx_check_irql(fo->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return (WDFDEVICE)fo->device;
}

/* Windows behaviour: "WdfFileObjectGetFileName": the name the opener appended to the device
 * name (FILE_OBJECT FileName), or NULL. Simulation: as described. */
WDFAPI PUNICODE_STRING WdfFileObjectGetFileName(WDFFILEOBJECT FileObject)
{
    static const char ddi[] = "WdfFileObjectGetFileName";
    pnpsim__fx_fileobj *fo = get_file(FileObject, ddi);
    if (fo == NULL || !pnpsim__fx_check_irql(fo->obj.sys, DISPATCH_LEVEL, ddi) ||
        fo->wdm == NULL)
        return NULL;
    return &fo->wdm->FileName;
}

WDFAPI ULONG WdfFileObjectGetFlags(WDFFILEOBJECT FileObject)
{
    static const char ddi[] = "WdfFileObjectGetFlags";
    pnpsim__fx_fileobj *fo = get_file(FileObject, ddi);
    if (fo == NULL || !pnpsim__fx_check_irql(fo->obj.sys, DISPATCH_LEVEL, ddi) ||
        fo->wdm == NULL)
        return 0;
    return fo->wdm->Flags;
}

/* Windows behaviour: "WdfFileObjectWdmGetFileObject": the WDM FILE_OBJECT. Simulation: as
 * described. */
WDFAPI PFILE_OBJECT WdfFileObjectWdmGetFileObject(WDFFILEOBJECT FileObject)
{
    static const char ddi[] = "WdfFileObjectWdmGetFileObject";
    pnpsim__fx_fileobj *fo = get_file(FileObject, ddi);
    if (fo == NULL || !pnpsim__fx_check_irql(fo->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return fo->wdm;
}
