/* SPDX-License-Identifier: MIT */
/*
 * This file implements framework timers (WDFTIMER) for pnpsim's KMDF layer: WdfTimerCreate,
 * WdfTimerStart, WdfTimerStop and WdfTimerGetParentObject, built as KMDF builds them on a
 * kernel timer and a DPC. The timers run on pnpsim's simulated clock: they fire when a test
 * advances time with pnpsim_time_advance (ke_timer.c), and EvtTimerFunc runs at
 * DISPATCH_LEVEL as the timer's DPC.
 */
#include "fx_io.h"

typedef struct pnpsim__fx_timer {
    pnpsim__fx_object obj; /* must be first */
    WDF_TIMER_CONFIG cfg;
    KTIMER timer;
    KDPC dpc;
    volatile long running; /* EvtTimerFunc calls in progress */
    void *runner;          /* pnpsim__ts() of the thread running the callback */
    KEVENT idle;           /* signalled when running drops to 0 */
    volatile long stopping;/* deleted: the DPC does not call the driver any more */
} pnpsim__fx_timer;

NTSTATUS pnpsim__fx_parent_device(pnpsim_system *sys, PWDF_OBJECT_ATTRIBUTES attrs,
                                  pnpsim__fx_device **device, const char *ddi)
{
    pnpsim__fx_object *p;
    *device = NULL;
    if (attrs == NULL || attrs->ParentObject == NULL)
        return pnpsim__status(STATUS_WDF_PARENT_NOT_SPECIFIED,
                              "%s: the attributes must name a parent object (a device or an "
                              "object under one)",
                              ddi);
    p = pnpsim__fx_get(attrs->ParentObject, PNPSIM_FX_ANY, ddi);
    if (p == NULL)
        return STATUS_INVALID_HANDLE;
    pnpsim__lock(sys);
    while (p != NULL && p->type != PNPSIM_FX_DEVICE)
        p = p->parent;
    pnpsim__unlock(sys);
    if (p == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: the parent object %p does not lead to a device", ddi,
                              (void *)attrs->ParentObject);
    *device = (pnpsim__fx_device *)p;
    return STATUS_SUCCESS;
}

void pnpsim__fx_wait_idle(pnpsim_system *sys, volatile long *count, PKEVENT idle)
{
    LARGE_INTEGER slice;
    slice.QuadPart = -10 * 1000 * 10; /* 10 ms of host time */
    while (pnpsim__atomic_load(count) != 0) {
        if (pnpsim__work_run_one(sys))
            continue;
        (void)KeWaitForSingleObject(idle, Executive, KernelMode, FALSE, &slice);
    }
}

static VOID NTAPI timer_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    pnpsim__fx_timer *t = Context;
    pnpsim_system *sys = t->obj.sys;
    pnpsim__fx_call c;
    void *saved;
    PNPSIM_UNUSED(Dpc);
    PNPSIM_UNUSED(Arg1);
    PNPSIM_UNUSED(Arg2);
    if (pnpsim__atomic_load(&t->stopping) != 0)
        return;
    KeClearEvent(&t->idle);
    pnpsim__atomic_inc(&t->running);
    saved = t->runner;
    t->runner = pnpsim__ts();
    pnpsim__fx_call_begin(sys, t->obj.driver, &c, "EvtTimerFunc");
    t->cfg.EvtTimerFunc((WDFTIMER)t);
    pnpsim__fx_call_end(sys, &c);
    t->runner = saved;
    if (pnpsim__atomic_dec(&t->running) == 0)
        (void)KeSetEvent(&t->idle, IO_NO_INCREMENT, FALSE);
}

/* Deletion (the parent goes, or WdfObjectDelete): cancel the timer and its DPC and wait
 * for a callback in progress on another thread, as KMDF's timer disposal does. */
static void timer_on_delete(pnpsim__fx_object *o)
{
    pnpsim__fx_timer *t = (pnpsim__fx_timer *)o;
    pnpsim__atomic_store(&t->stopping, 1);
    (void)KeCancelTimer(&t->timer);
    (void)KeRemoveQueueDpc(&t->dpc);
    if (t->runner != pnpsim__ts() && KeGetCurrentIrql() == PASSIVE_LEVEL)
        pnpsim__fx_wait_idle(o->sys, &t->running, &t->idle);
}

static const pnpsim__fx_ops timer_ops = {"WDFTIMER", timer_on_delete, NULL, false};

static pnpsim__fx_timer *get_timer(WDFTIMER h, const char *ddi)
{
    return (pnpsim__fx_timer *)pnpsim__fx_get((WDFOBJECT)h, PNPSIM_FX_TIMER, ddi);
}

/*
 * Windows behaviour: "WdfTimerCreate": <= DISPATCH_LEVEL; Attributes with a ParentObject is
 * required (STATUS_WDF_PARENT_NOT_SPECIFIED), the parent must be a device or lead to one
 * (STATUS_INVALID_DEVICE_REQUEST); a Config->Size mismatch is STATUS_INFO_LENGTH_MISMATCH;
 * STATUS_INSUFFICIENT_RESOURCES without memory. The timer is deleted with its parent.
 * Simulation: as described; EvtTimerFunc NULL -> STATUS_INVALID_PARAMETER. A Period with
 * TolerableDelay / UseHighResolutionTimer is accepted (time is simulated exactly);
 * AutomaticSerialization is accepted, but callbacks are not serialized (synchronization
 * scopes are not modelled).
 */
WDFAPI NTSTATUS WdfTimerCreate(PWDF_TIMER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                               WDFTIMER *Timer)
{
    static const char ddi[] = "WdfTimerCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    pnpsim__fx_timer *t;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Config, "Config", ddi) ||
        !pnpsim__fx_check_ptr(sys, Timer, "Timer", ddi))
        return STATUS_INVALID_PARAMETER;
    *Timer = NULL;
    if (Config->Size != sizeof(WDF_TIMER_CONFIG))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH, "%s: Config->Size %lu, expected %lu",
                              ddi, (unsigned long)Config->Size,
                              (unsigned long)sizeof(WDF_TIMER_CONFIG));
    if (Config->EvtTimerFunc == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Config->EvtTimerFunc is NULL", ddi);
    status = pnpsim__fx_parent_device(sys, Attributes, &d, ddi);
    if (!NT_SUCCESS(status))
        return status;
    status = pnpsim__fx_attributes_check(sys, Attributes, ddi);
    if (!NT_SUCCESS(status))
        return status;
    t = pnpsim__calloc(sys, 1, sizeof(*t));
    if (t == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    t->cfg = *Config;
    KeInitializeTimerEx(&t->timer, NotificationTimer);
    KeInitializeDpc(&t->dpc, timer_dpc, t);
    KeInitializeEvent(&t->idle, NotificationEvent, TRUE);
    status = pnpsim__fx_object_init(sys, &t->obj, PNPSIM_FX_TIMER, &timer_ops, d->obj.driver,
                                    NULL, Attributes, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, t);
        return status;
    }
    pnpsim__fx_trace(d, NULL, "WdfTimerCreate: WDFTIMER %p (%s, period %lu ms)", (void *)t,
                     Config->Period != 0 ? "periodic" : "one-shot",
                     (unsigned long)Config->Period);
    *Timer = (WDFTIMER)t;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfTimerStart": <= DISPATCH_LEVEL; DueTime in 100 ns units, negative
 * relative, positive absolute; a periodic timer then fires every Period ms. Returns TRUE
 * when the timer was already in the system's timer queue (it is restarted), FALSE
 * otherwise. Simulation: KeSetTimerEx on simulated time. */
WDFAPI BOOLEAN WdfTimerStart(WDFTIMER Timer, LONGLONG DueTime)
{
    static const char ddi[] = "WdfTimerStart";
    pnpsim__fx_timer *t = get_timer(Timer, ddi);
    LARGE_INTEGER due;
    if (t == NULL || !pnpsim__fx_check_irql(t->obj.sys, DISPATCH_LEVEL, ddi))
        return FALSE;
    due.QuadPart = DueTime;
    return KeSetTimerEx(&t->timer, due, (LONG)t->cfg.Period, &t->dpc);
}

/* Windows behaviour: "WdfTimerStop": Wait TRUE (PASSIVE_LEVEL only) also waits until a
 * queued or running EvtTimerFunc finished; otherwise <= DISPATCH_LEVEL. Returns TRUE when
 * the timer was in the timer queue. Simulation: KeCancelTimer; with Wait the DPC queue is
 * flushed (a DPC already queued still runs, as KeFlushQueuedDpcs makes it) and a callback
 * running on another thread is waited for. */
WDFAPI BOOLEAN WdfTimerStop(WDFTIMER Timer, BOOLEAN Wait)
{
    static const char ddi[] = "WdfTimerStop";
    pnpsim__fx_timer *t = get_timer(Timer, ddi);
    BOOLEAN was;
    if (t == NULL || !pnpsim__fx_check_irql(t->obj.sys, Wait ? PASSIVE_LEVEL : DISPATCH_LEVEL, ddi))
        return FALSE;
    was = KeCancelTimer(&t->timer);
    if (Wait) {
        KeFlushQueuedDpcs();
        if (t->runner != pnpsim__ts())
            pnpsim__fx_wait_idle(t->obj.sys, &t->running, &t->idle);
    }
    return was;
}

/* Windows behaviour: "WdfTimerGetParentObject": <= DISPATCH_LEVEL; the parent given at
 * creation. */
WDFAPI WDFOBJECT WdfTimerGetParentObject(WDFTIMER Timer)
{
    static const char ddi[] = "WdfTimerGetParentObject";
    pnpsim__fx_timer *t = get_timer(Timer, ddi);
    if (t == NULL || !pnpsim__fx_check_irql(t->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return (WDFOBJECT)t->obj.parent;
}
