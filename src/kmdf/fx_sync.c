/* SPDX-License-Identifier: MIT */
/*
 * This file implements the framework's synchronization objects for pnpsim's KMDF layer:
 * WDFSPINLOCK (WdfSpinLockCreate/Acquire/Release, raising to DISPATCH_LEVEL), WDFWAITLOCK
 * (WdfWaitLockCreate/Acquire with an optional timeout/Release) and the lock every device
 * and queue object carries (WdfObjectAcquireLock/WdfObjectReleaseLock). A lock records the
 * thread holding it so that the KMDF verifier's lock checks (WDF_VIOLATION 0x2 and 0xB) can
 * be made; the spin lock is a KSPIN_LOCK and the wait lock a synchronization event, so the
 * kernel layer's IRQL and wait rules apply too.
 */
#include "fx_io.h"

#define PNPSIM_RULE_WDF_RECURSIVE_LOCK "WdfRecursiveLock"        /* 0x10D/0x2 */
#define PNPSIM_RULE_WDF_INVALID_LOCK "WdfInvalidLockOperation"   /* 0x10D/0xB */

typedef struct pnpsim__fx_lockobj {
    pnpsim__fx_object obj; /* must be first */
    pnpsim__fx_lock lock;
} pnpsim__fx_lockobj;

static const pnpsim__fx_ops spinlock_ops = {"WDFSPINLOCK", NULL, NULL, false};
static const pnpsim__fx_ops waitlock_ops = {"WDFWAITLOCK", NULL, NULL, false};

void pnpsim__fx_lock_init(pnpsim__fx_lock *l)
{
    KeInitializeSpinLock(&l->spin);
    KeInitializeEvent(&l->event, SynchronizationEvent, TRUE);
    l->owner = NULL;
    l->passive_held = false;
    l->old_irql = PASSIVE_LEVEL;
}

/* Acquire l (the caller checked the IRQL). Returns false when the caller already holds it
 * (reported as WDF_VIOLATION 0x2) or the timeout expired (*status STATUS_TIMEOUT). */
static bool lock_acquire(pnpsim_system *sys, pnpsim__fx_lock *l, bool passive, PLONGLONG timeout,
                         WDFOBJECT h, const char *ddi, NTSTATUS *status)
{
    void *me = pnpsim__ts();
    *status = STATUS_SUCCESS;
    if (l->owner == me && (!passive || timeout == NULL)) {
        /* Bug Check 0x10D, parameter 1 0x2: "An attempt is being made to acquire a lock
         * that is currently being held" - on Windows the thread would deadlock. */
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_RECURSIVE_LOCK, ddi, WDF_RECURSIVE_LOCK,
                             (ULONG_PTR)h, 0,
                             "%s: the calling thread already holds the lock %p", ddi, (void *)h);
        *status = STATUS_INVALID_DEVICE_STATE;
        return false;
    }
    if (passive) {
        LARGE_INTEGER t;
        NTSTATUS st;
        if (timeout != NULL)
            t.QuadPart = *timeout;
        st = KeWaitForSingleObject(&l->event, Executive, KernelMode, FALSE,
                                   timeout != NULL ? &t : NULL);
        if (st != STATUS_SUCCESS) {
            *status = st == STATUS_TIMEOUT ? STATUS_TIMEOUT : st;
            return false;
        }
        l->passive_held = true;
    } else {
        KIRQL old;
        KeAcquireSpinLock(&l->spin, &old);
        l->old_irql = old;
        l->passive_held = false;
    }
    l->owner = me;
    return true;
}

/* Release l. A release by a thread that does not hold it is WDF_VIOLATION 0xB with
 * parameter 3 0x1 ("Bug Check 0x10D": "The spin lock is being released by a thread that
 * did not acquire it"); nothing is released then. */
static void lock_release(pnpsim_system *sys, pnpsim__fx_lock *l, WDFOBJECT h, const char *ddi)
{
    if (l->owner != pnpsim__ts()) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_INVALID_LOCK, ddi, WDF_INVALID_LOCK_OPERATION,
                             (ULONG_PTR)h, 0x1,
                             "%s: lock %p is released by a thread that did not acquire it",
                             ddi, (void *)h);
        return;
    }
    l->owner = NULL;
    if (l->passive_held) {
        l->passive_held = false;
        (void)KeSetEvent(&l->event, IO_NO_INCREMENT, FALSE);
    } else {
        KeReleaseSpinLock(&l->spin, l->old_irql);
    }
}

static NTSTATUS lockobj_create(PWDF_OBJECT_ATTRIBUTES attrs, WDFOBJECT *out, pnpsim__fx_type type,
                               const pnpsim__fx_ops *ops, const char *ddi)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_lockobj *lo;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, out, "handle pointer", ddi))
        return STATUS_INVALID_PARAMETER;
    *out = NULL;
    if (attrs != NULL) {
        status = pnpsim__fx_attributes_check(sys, attrs, ddi);
        if (!NT_SUCCESS(status))
            return status;
    }
    lo = pnpsim__calloc(sys, 1, sizeof(*lo));
    if (lo == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    pnpsim__fx_lock_init(&lo->lock);
    status = pnpsim__fx_object_init(sys, &lo->obj, type, ops, pnpsim__fx_current_driver(sys),
                                    NULL, attrs, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, lo);
        return status;
    }
    *out = PNPSIM_FX_HANDLE(&lo->obj);
    return STATUS_SUCCESS;
}

/* ---- WDFSPINLOCK ----------------------------------------------------------------------- */

/* Windows behaviour: "WdfSpinLockCreate": <= DISPATCH_LEVEL; a spin lock object whose
 * default parent is the driver; STATUS_INSUFFICIENT_RESOURCES without memory.
 * Simulation: as described. */
WDFAPI NTSTATUS WdfSpinLockCreate(PWDF_OBJECT_ATTRIBUTES SpinLockAttributes, WDFSPINLOCK *SpinLock)
{
    return lockobj_create(SpinLockAttributes, (WDFOBJECT *)SpinLock, PNPSIM_FX_SPINLOCK,
                          &spinlock_ops, "WdfSpinLockCreate");
}

/* Windows behaviour: "WdfSpinLockAcquire": <= DISPATCH_LEVEL; returns at DISPATCH_LEVEL
 * holding the lock. Simulation: a KSPIN_LOCK; acquiring it again on the same thread is
 * WDF_VIOLATION 0x2 (Windows would spin forever). */
WDFAPI VOID WdfSpinLockAcquire(WDFSPINLOCK SpinLock)
{
    static const char ddi[] = "WdfSpinLockAcquire";
    pnpsim__fx_lockobj *lo =
        (pnpsim__fx_lockobj *)pnpsim__fx_get((WDFOBJECT)SpinLock, PNPSIM_FX_SPINLOCK, ddi);
    NTSTATUS st;
    if (lo == NULL || !pnpsim__fx_check_irql(lo->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    (void)lock_acquire(lo->obj.sys, &lo->lock, false, NULL, (WDFOBJECT)SpinLock, ddi, &st);
}

/* Windows behaviour: "WdfSpinLockRelease": DISPATCH_LEVEL; restores the IRQL the acquirer
 * had. Released by another thread: WDF_VIOLATION 0xB, parameter 3 0x1 ("Bug Check 0x10D").
 * Simulation: as described. */
WDFAPI VOID WdfSpinLockRelease(WDFSPINLOCK SpinLock)
{
    static const char ddi[] = "WdfSpinLockRelease";
    pnpsim__fx_lockobj *lo =
        (pnpsim__fx_lockobj *)pnpsim__fx_get((WDFOBJECT)SpinLock, PNPSIM_FX_SPINLOCK, ddi);
    if (lo == NULL || !pnpsim__fx_check_irql(lo->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    lock_release(lo->obj.sys, &lo->lock, (WDFOBJECT)SpinLock, ddi);
}

/* ---- WDFWAITLOCK ----------------------------------------------------------------------- */

/* Windows behaviour: "WdfWaitLockCreate": <= DISPATCH_LEVEL; default parent the driver.
 * Simulation: as described. */
WDFAPI NTSTATUS WdfWaitLockCreate(PWDF_OBJECT_ATTRIBUTES LockAttributes, WDFWAITLOCK *Lock)
{
    return lockobj_create(LockAttributes, (WDFOBJECT *)Lock, PNPSIM_FX_WAITLOCK, &waitlock_ops,
                          "WdfWaitLockCreate");
}

/* Windows behaviour: "WdfWaitLockAcquire": Timeout NULL waits for ever, otherwise a time
 * in 100 ns units (negative relative); returns STATUS_SUCCESS or STATUS_TIMEOUT. IRQL:
 * PASSIVE_LEVEL, or <= DISPATCH_LEVEL when *Timeout is 0 (a try-acquire).
 * Simulation: a synchronization event; the timeout runs on the host clock as
 * KeWaitForSingleObject's does. A second acquire without timeout on the holding thread is
 * WDF_VIOLATION 0x2 (a deadlock on Windows). */
WDFAPI NTSTATUS WdfWaitLockAcquire(WDFWAITLOCK Lock, PLONGLONG Timeout)
{
    static const char ddi[] = "WdfWaitLockAcquire";
    pnpsim__fx_lockobj *lo =
        (pnpsim__fx_lockobj *)pnpsim__fx_get((WDFOBJECT)Lock, PNPSIM_FX_WAITLOCK, ddi);
    NTSTATUS st;
    if (lo == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_irql(lo->obj.sys,
                               Timeout != NULL && *Timeout == 0 ? DISPATCH_LEVEL : PASSIVE_LEVEL,
                               ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    (void)lock_acquire(lo->obj.sys, &lo->lock, true, Timeout, (WDFOBJECT)Lock, ddi, &st);
    return st;
}

/* Windows behaviour: "WdfWaitLockRelease": <= DISPATCH_LEVEL; releases the lock.
 * Simulation: a release by a thread that does not hold it is reported as WDF_VIOLATION
 * 0xB/0x1 (the spin lock's documented code; Windows does not document the wait lock's). */
WDFAPI VOID WdfWaitLockRelease(WDFWAITLOCK Lock)
{
    static const char ddi[] = "WdfWaitLockRelease";
    pnpsim__fx_lockobj *lo =
        (pnpsim__fx_lockobj *)pnpsim__fx_get((WDFOBJECT)Lock, PNPSIM_FX_WAITLOCK, ddi);
    if (lo == NULL || !pnpsim__fx_check_irql(lo->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    lock_release(lo->obj.sys, &lo->lock, (WDFOBJECT)Lock, ddi);
}

/* ---- object locks ---------------------------------------------------------------------- */

/* The object's lock (devices and queues), or NULL. *passive: the object's execution level
 * is passive (the lock is a wait lock). */
static pnpsim__fx_lock *object_lock(pnpsim__fx_object *o, bool *passive)
{
    pnpsim__fx_object *p = o;
    *passive = false;
    while (p != NULL && p->exec_level == WdfExecutionLevelInheritFromParent)
        p = p->parent;
    if (p != NULL && p->exec_level == WdfExecutionLevelPassive)
        *passive = true;
    if (o->type == PNPSIM_FX_DEVICE) {
        pnpsim__fx_device *d = (pnpsim__fx_device *)o;
        return d->io != NULL ? &d->io->lock : NULL;
    }
    if (o->type == PNPSIM_FX_QUEUE)
        return &((pnpsim__fx_queue *)o)->lock;
    return NULL;
}

static pnpsim__fx_lock *get_object_lock(WDFOBJECT Object, const char *ddi, pnpsim__fx_object **out,
                                        bool *passive)
{
    pnpsim__fx_object *o = pnpsim__fx_get(Object, PNPSIM_FX_ANY, ddi);
    pnpsim__fx_lock *l;
    *out = o;
    if (o == NULL)
        return NULL;
    l = object_lock(o, passive);
    if (l == NULL)
        /* "Bug Check 0x10D": parameter 1 0xB, parameter 3 0x0 - the object does not
         * support synchronization locks. */
        pnpsim__fx_violation(o->sys, PNPSIM_RULE_WDF_INVALID_LOCK, ddi,
                             WDF_INVALID_LOCK_OPERATION, (ULONG_PTR)Object, 0x0,
                             "%s: %p is a %s, which has no synchronization lock (only devices "
                             "and queues have one)",
                             ddi, (void *)Object, o->ops != NULL ? o->ops->name : "object");
    return l;
}

/* Windows behaviour: "WdfObjectAcquireLock": the synchronization lock of a device or queue
 * object; <= DISPATCH_LEVEL (PASSIVE_LEVEL for an object whose execution level is passive);
 * returns at DISPATCH_LEVEL for a spin lock. Other objects: WDF_VIOLATION 0xB/0x0.
 * Simulation: one lock per device and per queue; framework callbacks are not serialized
 * with it (synchronization scopes are not modelled). */
WDFAPI VOID WdfObjectAcquireLock(WDFOBJECT Object)
{
    static const char ddi[] = "WdfObjectAcquireLock";
    pnpsim__fx_object *o;
    bool passive;
    NTSTATUS st;
    pnpsim__fx_lock *l = get_object_lock(Object, ddi, &o, &passive);
    if (l == NULL || !pnpsim__fx_check_irql(o->sys, passive ? PASSIVE_LEVEL : DISPATCH_LEVEL, ddi))
        return;
    (void)lock_acquire(o->sys, l, passive, NULL, Object, ddi, &st);
}

/* Windows behaviour: "WdfObjectReleaseLock": releases the lock WdfObjectAcquireLock took.
 * Simulation: a release by another thread is WDF_VIOLATION 0xB/0x1. */
WDFAPI VOID WdfObjectReleaseLock(WDFOBJECT Object)
{
    static const char ddi[] = "WdfObjectReleaseLock";
    pnpsim__fx_object *o;
    bool passive;
    pnpsim__fx_lock *l = get_object_lock(Object, ddi, &o, &passive);
    if (l == NULL || !pnpsim__fx_check_irql(o->sys, DISPATCH_LEVEL, ddi))
        return;
    lock_release(o->sys, l, Object, ddi);
}
