/* SPDX-License-Identifier: MIT */
/*
 * This file implements the kernel (Ke*) routines drivers use: the simulated per-thread
 * IRQL (KeGetCurrentIrql, KeRaiseIrql, KeLowerIrql), spin locks (real ones, on the
 * KSPIN_LOCK word, so multi-threaded tests exercise them), events and waiting on them
 * (KeInitializeEvent ... KeWaitForSingleObject, KeDelayExecutionThread), the system time,
 * and KeBugCheckEx. It also implements the dispatcher the rest of pnpsim waits with
 * (pnpsim__dispatcher_init, pnpsim__event_wait, and for ke_sync.c / ke_timer.c /
 * ps_thread.c pnpsim__disp_wait over events, mutexes, semaphores, timers and threads).
 *
 * The dispatcher is one process-wide mutex and condition variable, like Windows' dispatcher
 * lock. A thread about to block first lets its current system's queued work run (DESIGN.md:
 * the simulated worker threads get the CPU), which keeps the simulation deterministic: a
 * driver that queues a work item and waits for it to set an event runs it right there.
 *
 * The spin lock word holds 0 when free, and (owner thread id << 1) | 1 when held, so that a
 * thread acquiring a lock it holds, or releasing one it does not, is caught.
 */
#include "ke_int.h"

/* Bug check codes of the WDK's bugcodes.h that wdm.h does not carry. */
#ifndef IRQL_NOT_GREATER_OR_EQUAL
#define IRQL_NOT_GREATER_OR_EQUAL 0x00000009
#endif
#ifndef SPIN_LOCK_ALREADY_OWNED
#define SPIN_LOCK_ALREADY_OWNED 0x0000000F
#endif
#ifndef SPIN_LOCK_NOT_OWNED
#define SPIN_LOCK_NOT_OWNED 0x00000010
#endif
#ifndef SYSTEM_THREAD_EXCEPTION_NOT_HANDLED
#define SYSTEM_THREAD_EXCEPTION_NOT_HANDLED 0x0000007E
#endif

/* DRIVER_VERIFIER_DETECTED_VIOLATION parameter 1 values ("Bug Check 0xC4"). */
#define VF_RAISE_IRQL_INVALID 0x30
#define VF_LOWER_IRQL_INVALID 0x31
#define VF_RELEASE_SPINLOCK_BAD_IRQL 0x32
#define VF_ACQUIRE_AT_DPC_TOO_LOW 0x40
#define VF_RELEASE_FROM_DPC_TOO_LOW 0x41
#define VF_ACQUIRE_SPINLOCK_TOO_HIGH 0x42
#define VF_SET_EVENT_TOO_HIGH 0x80
#define VF_WAIT_ABOVE_DISPATCH 0x120
#define VF_WAIT_AT_DISPATCH_NULL_TIMEOUT 0x121
#define VF_WAIT_AT_DISPATCH_NONZERO_TIMEOUT 0x122

/* DDI compliance rules (parameter 1 of 0xC4 when Driver Verifier's DDI checks find them). */
#define RULE_IRQL_KE_DISPATCH_LTE 0x00020011
#define RULE_IRQL_KE_SET_EVENT 0x00020016

/* A waiting thread sleeps at most this long before it looks at the work queue again (work
 * queued by another thread in DEFERRED or MANUAL delivery would otherwise never run). */
#define WAIT_SLICE_MS 10

static pnpsim_system *current_system(void)
{
    return pnpsim__ts()->current;
}

/* A NULL object pointer: Windows takes an access violation in kernel mode, which in a
 * system thread is SYSTEM_THREAD_EXCEPTION_NOT_HANDLED with STATUS_ACCESS_VIOLATION. */
static void null_object(const char *ddi)
{
    pnpsim__bugcheck(current_system(), SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
                     (ULONG_PTR)(ULONG)STATUS_ACCESS_VIOLATION, 0, 0, 0,
                     "%s was passed a NULL object (an access violation on Windows)", ddi);
}

/* ======================================================================================
 * IRQL
 * ==================================================================================== */

/*
 * Windows behaviour: the current processor's IRQL (Microsoft Learn "KeGetCurrentIrql").
 * Simulation: the calling thread's simulated IRQL (PASSIVE_LEVEL unless raised).
 */
KIRQL NTAPI KeGetCurrentIrql(void)
{
    return pnpsim__ts()->irql;
}

/*
 * Windows behaviour: raises the IRQL to NewIrql and returns the old one; "if the new IRQL is
 * less than the current IRQL, a bug check occurs" (Microsoft Learn "KeRaiseIrql"), which is
 * IRQL_NOT_GREATER_OR_EQUAL (0x9); Driver Verifier reports an IRQL above HIGH_LEVEL as
 * 0xC4/0x30 (current IRQL, requested IRQL).
 * Simulation: as described. 0x9 documents no parameters; pnpsim passes (current IRQL,
 * requested IRQL), the layout of 0xC4/0x30.
 */
VOID NTAPI KeRaiseIrql(KIRQL NewIrql, PKIRQL OldIrql)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    KIRQL cur = ts->irql;
    if (NewIrql > HIGH_LEVEL) {
        pnpsim__bugcheck(current_system(), DRIVER_VERIFIER_DETECTED_VIOLATION,
                         VF_RAISE_IRQL_INVALID, cur, NewIrql, 0,
                         "KeRaiseIrql(%u): not a valid IRQL", (unsigned)NewIrql);
        return;
    }
    if (NewIrql < cur) {
        pnpsim__bugcheck(current_system(), IRQL_NOT_GREATER_OR_EQUAL, cur, NewIrql, 0, 0,
                         "KeRaiseIrql(%u) called at the higher IRQL %u", (unsigned)NewIrql,
                         (unsigned)cur);
        return;
    }
    if (OldIrql != NULL)
        *OldIrql = cur;
    ts->irql = NewIrql;
}

/*
 * Windows behaviour: lowers the IRQL back to the value KeRaiseIrql returned; any other
 * value is a fatal error (Microsoft Learn "KeLowerIrql"); Driver Verifier reports a value
 * above the current IRQL as 0xC4/0x31 (current IRQL, requested IRQL, 0) ("Bug Check 0xC4").
 * Simulation: lowering to a higher IRQL bug checks 0xC4/0x31. Lowering to a lower value
 * than the matching raise returned is not detected (no raise/lower stack is kept).
 */
VOID NTAPI KeLowerIrql(KIRQL NewIrql)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    KIRQL cur = ts->irql;
    if (NewIrql > cur || NewIrql > HIGH_LEVEL) {
        pnpsim__bugcheck(current_system(), DRIVER_VERIFIER_DETECTED_VIOLATION,
                         VF_LOWER_IRQL_INVALID, cur, NewIrql, 0,
                         "KeLowerIrql(%u) called at the lower IRQL %u", (unsigned)NewIrql,
                         (unsigned)cur);
        return;
    }
    ts->irql = NewIrql;
    pnpsim__ke_irql_lowered(cur, NewIrql);
}

/*
 * Windows behaviour: raises to DISPATCH_LEVEL and returns the old IRQL; callers run at
 * <= DISPATCH_LEVEL (Microsoft Learn "KeRaiseIrqlToDpcLevel"; rule IrqlKeDispatchLte,
 * 0xC4/0x00020011).
 * Simulation: as described.
 */
KIRQL NTAPI KeRaiseIrqlToDpcLevel(void)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    KIRQL old = ts->irql;
    if (!pnpsim__check_irql(current_system(), "KeRaiseIrqlToDpcLevel", DISPATCH_LEVEL,
                            RULE_IRQL_KE_DISPATCH_LTE, "IrqlKeDispatchLte"))
        return old;
    ts->irql = DISPATCH_LEVEL;
    return old;
}

/* ======================================================================================
 * Spin locks
 * ==================================================================================== */
static ULONG_PTR owner_word(void)
{
    return ((ULONG_PTR)pnpsim__thread_id() << 1) | 1u;
}

static void spin_acquire(PKSPIN_LOCK SpinLock, const char *ddi)
{
    ULONG_PTR me = owner_word();
    void *volatile *word = (void *volatile *)SpinLock;
    unsigned spins = 0;
    /* An atomic read: other threads CAS the same word. */
    if ((ULONG_PTR)InterlockedCompareExchangePointer((PVOID volatile *)SpinLock, NULL, NULL) ==
        me) {
        pnpsim__bugcheck(current_system(), SPIN_LOCK_ALREADY_OWNED, (ULONG_PTR)SpinLock, 0, 0,
                         0, "%s(%p): this thread already holds the spin lock", ddi,
                         (void *)SpinLock);
        return;
    }
    while (!pnpsim__atomic_cas_ptr(word, NULL, (void *)me)) {
        /* The holder may be a descheduled thread of a small test machine: yield now and
         * then rather than burn the CPU it needs. */
        if (++spins % 64 == 0)
            pnpsim__thread_yield();
        else
            pnpsim__cpu_relax();
    }
}

/* Returns false when the lock was not held by this thread (bug check recorded). */
static bool spin_release(PKSPIN_LOCK SpinLock, const char *ddi)
{
    ULONG_PTR me = owner_word();
    void *volatile *word = (void *volatile *)SpinLock;
    if (!pnpsim__atomic_cas_ptr(word, (void *)me, NULL)) {
        pnpsim__bugcheck(current_system(), SPIN_LOCK_NOT_OWNED, (ULONG_PTR)SpinLock, 0, 0, 0,
                         "%s(%p): this thread does not hold the spin lock", ddi,
                         (void *)SpinLock);
        return false;
    }
    return true;
}

/*
 * Windows behaviour: initializes a spin lock to the released state (Microsoft Learn
 * "KeInitializeSpinLock"; any IRQL).
 * Simulation: the word is set to 0.
 */
VOID NTAPI KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    if (SpinLock == NULL) {
        null_object("KeInitializeSpinLock");
        return;
    }
    *SpinLock = 0;
}

/* Raise to DISPATCH_LEVEL and take the lock; shared by the three raising acquires. */
static KIRQL acquire_raising(PKSPIN_LOCK SpinLock, const char *ddi)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    KIRQL old = ts->irql;
    if (SpinLock == NULL) {
        null_object(ddi);
        return old;
    }
    if (old > DISPATCH_LEVEL) {
        pnpsim__bugcheck(current_system(), DRIVER_VERIFIER_DETECTED_VIOLATION,
                         VF_ACQUIRE_SPINLOCK_TOO_HIGH, old, (ULONG_PTR)SpinLock, 0,
                         "%s(%p) called at IRQL %u (above DISPATCH_LEVEL)", ddi,
                         (void *)SpinLock, (unsigned)old);
        return old;
    }
    ts->irql = DISPATCH_LEVEL;
    spin_acquire(SpinLock, ddi);
    return old;
}

/* Release the lock and lower to NewIrql; shared by the releases that lower. */
static void release_lowering(PKSPIN_LOCK SpinLock, KIRQL NewIrql, const char *ddi)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    KIRQL cur = ts->irql;
    if (SpinLock == NULL) {
        null_object(ddi);
        return;
    }
    if (!spin_release(SpinLock, ddi))
        return;
    if (cur != DISPATCH_LEVEL) {
        pnpsim__bugcheck(current_system(), DRIVER_VERIFIER_DETECTED_VIOLATION,
                         VF_RELEASE_SPINLOCK_BAD_IRQL, cur, (ULONG_PTR)SpinLock, 0,
                         "%s(%p) called at IRQL %u; a held spin lock keeps DISPATCH_LEVEL",
                         ddi, (void *)SpinLock, (unsigned)cur);
        return;
    }
    if (NewIrql > cur) {
        pnpsim__bugcheck(current_system(), DRIVER_VERIFIER_DETECTED_VIOLATION,
                         VF_LOWER_IRQL_INVALID, cur, NewIrql, 0,
                         "%s(%p, %u): the new IRQL is above the current one", ddi,
                         (void *)SpinLock, (unsigned)NewIrql);
        return;
    }
    ts->irql = NewIrql;
    pnpsim__ke_irql_lowered(cur, NewIrql);
}

/*
 * Windows behaviour: raises to DISPATCH_LEVEL, spins until the lock is free, takes it and
 * returns the old IRQL in *OldIrql; callers run at <= DISPATCH_LEVEL, else Driver Verifier
 * bug checks 0xC4/0x42 (current IRQL, lock); taking a lock the thread already holds is
 * SPIN_LOCK_ALREADY_OWNED (0xF) (Microsoft Learn "KeAcquireSpinLock", "Bug Check 0xC4",
 * "Bug Check 0xF").
 * Simulation: a real spin lock on the KSPIN_LOCK word. 0xF documents no parameters; pnpsim
 * passes the lock's address in parameter 1.
 */
VOID NTAPI KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql)
{
    KIRQL old = acquire_raising(SpinLock, "KeAcquireSpinLock");
    if (OldIrql != NULL)
        *OldIrql = old;
}

/*
 * Windows behaviour: releases the lock and restores NewIrql; must run at DISPATCH_LEVEL
 * (Verifier 0xC4/0x32 otherwise, "this may be due to a double release"); releasing a lock
 * the thread does not hold is SPIN_LOCK_NOT_OWNED (0x10) (Microsoft Learn
 * "KeReleaseSpinLock", "Bug Check 0xC4", "Bug Check 0x10").
 * Simulation: ownership is checked first, so a double release reports 0x10 (pnpsim passes
 * the lock's address in parameter 1; 0x10 documents none), then the IRQL (0xC4/0x32).
 */
VOID NTAPI KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    release_lowering(SpinLock, NewIrql, "KeReleaseSpinLock");
}

/*
 * Windows behaviour: as KeAcquireSpinLock, returning the old IRQL (Microsoft Learn
 * "KeAcquireSpinLockRaiseToDpc").
 * Simulation: as KeAcquireSpinLock.
 */
KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    return acquire_raising(SpinLock, "KeAcquireSpinLockRaiseToDpc");
}

/*
 * Windows behaviour: takes the lock without changing the IRQL; the caller must already be
 * at DISPATCH_LEVEL, else Verifier 0xC4/0x40 (current IRQL, lock) (Microsoft Learn
 * "KeAcquireSpinLockAtDpcLevel", rule IrqlDispatch, "Bug Check 0xC4").
 * Simulation: as described.
 */
VOID NTAPI KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    KIRQL cur = pnpsim__ts()->irql;
    if (SpinLock == NULL) {
        null_object("KeAcquireSpinLockAtDpcLevel");
        return;
    }
    if (cur < DISPATCH_LEVEL) {
        pnpsim__bugcheck(current_system(), DRIVER_VERIFIER_DETECTED_VIOLATION,
                         VF_ACQUIRE_AT_DPC_TOO_LOW, cur, (ULONG_PTR)SpinLock, 0,
                         "KeAcquireSpinLockAtDpcLevel(%p) called at IRQL %u (below "
                         "DISPATCH_LEVEL)",
                         (void *)SpinLock, (unsigned)cur);
        return;
    }
    spin_acquire(SpinLock, "KeAcquireSpinLockAtDpcLevel");
}

/*
 * Windows behaviour: releases a lock taken at DISPATCH_LEVEL without changing the IRQL;
 * below DISPATCH_LEVEL Verifier bug checks 0xC4/0x41 (Microsoft Learn
 * "KeReleaseSpinLockFromDpcLevel", "Bug Check 0xC4").
 * Simulation: as described; not holding the lock is SPIN_LOCK_NOT_OWNED (0x10).
 */
VOID NTAPI KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    KIRQL cur = pnpsim__ts()->irql;
    if (SpinLock == NULL) {
        null_object("KeReleaseSpinLockFromDpcLevel");
        return;
    }
    if (cur < DISPATCH_LEVEL) {
        pnpsim__bugcheck(current_system(), DRIVER_VERIFIER_DETECTED_VIOLATION,
                         VF_RELEASE_FROM_DPC_TOO_LOW, cur, (ULONG_PTR)SpinLock, 0,
                         "KeReleaseSpinLockFromDpcLevel(%p) called at IRQL %u (below "
                         "DISPATCH_LEVEL)",
                         (void *)SpinLock, (unsigned)cur);
        return;
    }
    spin_release(SpinLock, "KeReleaseSpinLockFromDpcLevel");
}

/*
 * Windows behaviour: takes a queued spin lock, raising to DISPATCH_LEVEL, with the state
 * (and old IRQL) kept in the caller's KLOCK_QUEUE_HANDLE; callers run at <= DISPATCH_LEVEL
 * (Microsoft Learn "KeAcquireInStackQueuedSpinLock").
 * Simulation: the same lock word as KeAcquireSpinLock (no FIFO queue of waiters); the
 * handle records the lock and the old IRQL. The IRQL check is the one of KeAcquireSpinLock.
 */
VOID NTAPI KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    KIRQL old;
    if (LockHandle == NULL) {
        null_object("KeAcquireInStackQueuedSpinLock");
        return;
    }
    old = acquire_raising(SpinLock, "KeAcquireInStackQueuedSpinLock");
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = old;
}

/*
 * Windows behaviour: releases the queued spin lock of LockHandle and restores its old IRQL
 * (Microsoft Learn "KeReleaseInStackQueuedSpinLock").
 * Simulation: as KeReleaseSpinLock(LockHandle->LockQueue.Lock, LockHandle->OldIrql).
 */
VOID NTAPI KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    if (LockHandle == NULL) {
        null_object("KeReleaseInStackQueuedSpinLock");
        return;
    }
    release_lowering(LockHandle->LockQueue.Lock, LockHandle->OldIrql,
                     "KeReleaseInStackQueuedSpinLock");
}

/* ======================================================================================
 * Dispatcher
 * ==================================================================================== */
static pnpsim__mutex dispatcher_lock;
static pnpsim__cond dispatcher_cond;
static void *volatile dispatcher_state; /* NULL, (void *)1 initializing, (void *)2 ready */

void pnpsim__dispatcher_init(void)
{
    if (dispatcher_state == (void *)2)
        return;
    if (pnpsim__atomic_cas_ptr(&dispatcher_state, NULL, (void *)1)) {
        pnpsim__mutex_init(&dispatcher_lock);
        pnpsim__cond_init(&dispatcher_cond);
        pnpsim__atomic_cas_ptr(&dispatcher_state, (void *)1, (void *)2);
        return;
    }
    while (!pnpsim__atomic_cas_ptr(&dispatcher_state, (void *)2, (void *)2))
        pnpsim__thread_yield();
}

/* Is the object signalled for thread me (no side effect)? -1: a type pnpsim does not model.
 * Caller holds the dispatcher lock. */
static int obj_ready_locked(const DISPATCHER_HEADER *h, const struct _KTHREAD *me)
{
    switch (h->Type) {
    case PNPSIM__KOBJ_EVENT_NOTIFICATION:
    case PNPSIM__KOBJ_EVENT_SYNCHRONIZATION:
    case PNPSIM__KOBJ_SEMAPHORE:
    case PNPSIM__KOBJ_THREAD:
    case PNPSIM__KOBJ_TIMER_NOTIFICATION:
    case PNPSIM__KOBJ_TIMER_SYNCHRONIZATION:
        return h->SignalState > 0;
    case PNPSIM__KOBJ_MUTANT:
        /* A mutex is signalled when free, and always for the thread that owns it
         * (recursive acquisition). */
        return h->SignalState > 0 || ((const KMUTANT *)h)->OwnerThread == me;
    default:
        return -1;
    }
}

/* Take what a satisfied wait takes. Caller holds the dispatcher lock. */
static void obj_consume_locked(DISPATCHER_HEADER *h, struct _KTHREAD *me)
{
    switch (h->Type) {
    case PNPSIM__KOBJ_EVENT_SYNCHRONIZATION:
    case PNPSIM__KOBJ_TIMER_SYNCHRONIZATION:
        h->SignalState = 0; /* auto-reset: one waiter is released */
        break;
    case PNPSIM__KOBJ_SEMAPHORE:
        h->SignalState--;
        break;
    case PNPSIM__KOBJ_MUTANT: {
        KMUTANT *m = (KMUTANT *)h;
        if (h->SignalState == 1 && me != NULL)
            me->critical_region++; /* owning a mutex disables normal kernel APCs */
        h->SignalState--;
        m->OwnerThread = me;
        break;
    }
    default:
        break; /* notification events, threads, notification timers stay signalled */
    }
}

/* One attempt at satisfying the wait: returns the status to return, or STATUS_PENDING when
 * the wait is not satisfied. Caller holds the dispatcher lock. */
static NTSTATUS try_wait_locked(ULONG count, PVOID const *objects, WAIT_TYPE type,
                                struct _KTHREAD *me)
{
    ULONG i;
    if (type == WaitAny) {
        for (i = 0; i < count; i++) {
            DISPATCHER_HEADER *h = objects[i];
            if (obj_ready_locked(h, me) > 0) {
                obj_consume_locked(h, me);
                return (NTSTATUS)(STATUS_WAIT_0 + i);
            }
        }
        return STATUS_PENDING;
    }
    for (i = 0; i < count; i++) {
        if (obj_ready_locked(objects[i], me) <= 0)
            return STATUS_PENDING;
    }
    for (i = 0; i < count; i++)
        obj_consume_locked(objects[i], me);
    return STATUS_SUCCESS;
}

void pnpsim__disp_lock(void)
{
    pnpsim__dispatcher_init();
    pnpsim__mutex_lock(&dispatcher_lock);
}

void pnpsim__disp_unlock(void)
{
    pnpsim__mutex_unlock(&dispatcher_lock);
}

void pnpsim__disp_wake_locked(void)
{
    pnpsim__cond_broadcast(&dispatcher_cond);
}

NTSTATUS pnpsim__disp_wait(pnpsim_system *sys, ULONG count, PVOID const *objects, WAIT_TYPE type,
                           uint64_t deadline_ns, const char *ddi)
{
    struct _KTHREAD *me = pnpsim__kthread_current();
    ULONG i;
    pnpsim__dispatcher_init();
    if (sys != NULL)
        PNPSIM_ASSERT_UNLOCKED(sys);
    pnpsim__mutex_lock(&dispatcher_lock);
    for (i = 0; i < count && obj_ready_locked(objects[i], me) >= 0; i++)
        ;
    pnpsim__mutex_unlock(&dispatcher_lock);
    if (i < count) {
        const DISPATCHER_HEADER *h = objects[i];
        return pnpsim__status(STATUS_NOT_IMPLEMENTED,
                              "%s: object %p has dispatcher type %u, which pnpsim does not model "
                              "(events, mutexes, semaphores, timers and threads)",
                              ddi, objects[i], (unsigned)h->Type);
    }
    for (;;) {
        uint64_t now;
        NTSTATUS st;
        pnpsim__mutex_lock(&dispatcher_lock);
        while (pnpsim__ps_abandoned_locked()) /* its system is gone: park for good */
            pnpsim__cond_timedwait_ms(&dispatcher_cond, &dispatcher_lock, 1000);
        st = try_wait_locked(count, objects, type, me);
        pnpsim__mutex_unlock(&dispatcher_lock);
        if (st != STATUS_PENDING)
            return st;
        now = pnpsim__clock_ns();
        if (now >= deadline_ns)
            return STATUS_TIMEOUT;
        /* Let the simulated worker threads run what is queued: they may signal. */
        if (sys != NULL && pnpsim__work_run_one(sys))
            continue;
        pnpsim__mutex_lock(&dispatcher_lock);
        st = try_wait_locked(count, objects, type, me);
        if (st == STATUS_PENDING) {
            uint64_t left = deadline_ns - now;
            uint32_t ms = WAIT_SLICE_MS;
            if (left / 1000000u < ms)
                ms = (uint32_t)(left / 1000000u) + 1;
            pnpsim__cond_timedwait_ms(&dispatcher_cond, &dispatcher_lock, ms);
            while (pnpsim__ps_abandoned_locked())
                pnpsim__cond_timedwait_ms(&dispatcher_cond, &dispatcher_lock, 1000);
            st = try_wait_locked(count, objects, type, me);
        }
        pnpsim__mutex_unlock(&dispatcher_lock);
        if (st != STATUS_PENDING)
            return st;
    }
}

/* Wait for ev until deadline_ns (monotonic; UINT64_MAX = forever). Returns true if
 * satisfied. */
static bool wait_event(pnpsim_system *sys, PKEVENT ev, uint64_t deadline_ns)
{
    PVOID obj = ev;
    return pnpsim__disp_wait(sys, 1, &obj, WaitAny, deadline_ns, "wait") == STATUS_WAIT_0;
}

void pnpsim__event_wait(pnpsim_system *sys, PKEVENT ev)
{
    wait_event(sys, ev, UINT64_MAX);
}

/* A Windows timeout (100 ns units; negative relative, positive absolute system time, 0
 * poll) as a monotonic deadline in ns. NULL: forever. */
static uint64_t deadline_from(const LARGE_INTEGER *t)
{
    uint64_t now = pnpsim__clock_ns();
    int64_t rel100;
    if (t == NULL)
        return UINT64_MAX;
    if (t->QuadPart < 0)
        rel100 = -t->QuadPart;
    else if (t->QuadPart == 0)
        return now;
    else
        rel100 = t->QuadPart - pnpsim__system_time_100ns();
    if (rel100 <= 0)
        return now;
    if ((uint64_t)rel100 > (UINT64_MAX - now) / 100u)
        return UINT64_MAX;
    return now + (uint64_t)rel100 * 100u;
}

uint64_t pnpsim__disp_deadline(const LARGE_INTEGER *timeout)
{
    return deadline_from(timeout);
}

bool pnpsim__disp_check_wait_irql(pnpsim_system *sys, const char *ddi, PVOID object,
                                  const LARGE_INTEGER *timeout)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    KIRQL irql = ts->irql;
    bool poll = timeout != NULL && timeout->QuadPart == 0;
    if (irql > DISPATCH_LEVEL || (irql == DISPATCH_LEVEL && !poll)) {
        ULONG_PTR why = irql > DISPATCH_LEVEL ? VF_WAIT_ABOVE_DISPATCH
                        : timeout == NULL     ? VF_WAIT_AT_DISPATCH_NULL_TIMEOUT
                                              : VF_WAIT_AT_DISPATCH_NONZERO_TIMEOUT;
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, why, (ULONG_PTR)&ts->irql,
                         (ULONG_PTR)object, (ULONG_PTR)timeout,
                         "%s(%p) at IRQL %u with %s timeout", ddi, object, (unsigned)irql,
                         timeout == NULL ? "no (infinite)" : "a non-zero");
        return false;
    }
    return true;
}

/*
 * Windows behaviour: initializes an event: Header.Type is the event type (0 notification,
 * 1 synchronization), Header.Size its size in LONGs, and SignalState the initial state;
 * callers run at <= DISPATCH_LEVEL (Microsoft Learn "KeInitializeEvent").
 * Simulation: as described; the wait list head is initialized empty (pnpsim does not use it).
 */
VOID NTAPI KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    if (Event == NULL) {
        null_object("KeInitializeEvent");
        return;
    }
    if (!pnpsim__check_irql(current_system(), "KeInitializeEvent", DISPATCH_LEVEL, 0, NULL))
        return;
    Event->Header.Type = (UCHAR)(Type == SynchronizationEvent
                                     ? PNPSIM__KOBJ_EVENT_SYNCHRONIZATION
                                     : PNPSIM__KOBJ_EVENT_NOTIFICATION);
    Event->Header.Signalling = 0;
    Event->Header.Size = (UCHAR)(sizeof(KEVENT) / sizeof(LONG));
    Event->Header.Reserved1 = 0;
    Event->Header.SignalState = State ? 1 : 0;
    InitializeListHead(&Event->Header.WaitListHead);
}

/*
 * Windows behaviour: sets the event to the signalled state and returns its previous state;
 * a synchronization event releases one waiter and resets; with Wait TRUE the caller must
 * be at <= APC_LEVEL (it will wait next), otherwise <= DISPATCH_LEVEL (Microsoft Learn
 * "KeSetEvent"; rule IrqlKeSetEvent 0xC4/0x00020016).
 * Simulation: as described; the Wait parameter changes nothing else.
 */
LONG NTAPI KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    LONG prev;
    PNPSIM_UNUSED(Increment);
    if (Event == NULL) {
        null_object("KeSetEvent");
        return 0;
    }
    if (!pnpsim__check_irql(current_system(), "KeSetEvent", Wait ? APC_LEVEL : DISPATCH_LEVEL,
                            RULE_IRQL_KE_SET_EVENT, "IrqlKeSetEvent"))
        return 0;
    pnpsim__dispatcher_init();
    pnpsim__mutex_lock(&dispatcher_lock);
    prev = Event->Header.SignalState;
    Event->Header.SignalState = 1;
    pnpsim__cond_broadcast(&dispatcher_cond);
    pnpsim__mutex_unlock(&dispatcher_lock);
    return prev;
}

/*
 * Windows behaviour: sets the event to not signalled; <= DISPATCH_LEVEL (Microsoft Learn
 * "KeClearEvent"; rule IrqlKeDispatchLte 0xC4/0x00020011).
 * Simulation: as described.
 */
VOID NTAPI KeClearEvent(PRKEVENT Event)
{
    if (Event == NULL) {
        null_object("KeClearEvent");
        return;
    }
    if (!pnpsim__check_irql(current_system(), "KeClearEvent", DISPATCH_LEVEL,
                            RULE_IRQL_KE_DISPATCH_LTE, "IrqlKeDispatchLte"))
        return;
    pnpsim__dispatcher_init();
    pnpsim__mutex_lock(&dispatcher_lock);
    Event->Header.SignalState = 0;
    pnpsim__mutex_unlock(&dispatcher_lock);
}

/*
 * Windows behaviour: sets the event to not signalled and returns its previous state;
 * <= DISPATCH_LEVEL (Microsoft Learn "KeResetEvent"; rule IrqlKeDispatchLte).
 * Simulation: as described.
 */
LONG NTAPI KeResetEvent(PRKEVENT Event)
{
    LONG prev;
    if (Event == NULL) {
        null_object("KeResetEvent");
        return 0;
    }
    if (!pnpsim__check_irql(current_system(), "KeResetEvent", DISPATCH_LEVEL,
                            RULE_IRQL_KE_DISPATCH_LTE, "IrqlKeDispatchLte"))
        return 0;
    pnpsim__dispatcher_init();
    pnpsim__mutex_lock(&dispatcher_lock);
    prev = Event->Header.SignalState;
    Event->Header.SignalState = 0;
    pnpsim__mutex_unlock(&dispatcher_lock);
    return prev;
}

/*
 * Windows behaviour: returns the event's current state (nonzero: signalled);
 * <= DISPATCH_LEVEL (Microsoft Learn "KeReadStateEvent"; rule IrqlKeDispatchLte).
 * Simulation: as described.
 */
LONG NTAPI KeReadStateEvent(PRKEVENT Event)
{
    LONG state;
    if (Event == NULL) {
        null_object("KeReadStateEvent");
        return 0;
    }
    if (!pnpsim__check_irql(current_system(), "KeReadStateEvent", DISPATCH_LEVEL,
                            RULE_IRQL_KE_DISPATCH_LTE, "IrqlKeDispatchLte"))
        return 0;
    pnpsim__dispatcher_init();
    pnpsim__mutex_lock(&dispatcher_lock);
    state = Event->Header.SignalState;
    pnpsim__mutex_unlock(&dispatcher_lock);
    return state;
}

/*
 * Windows behaviour: waits until Object is signalled (STATUS_SUCCESS) or the timeout
 * expires (STATUS_TIMEOUT). Timeout NULL waits forever; negative is relative, positive
 * absolute system time, in 100 ns units; zero tests the state without waiting. A satisfied
 * wait on a synchronization event resets it. Callers run at <= DISPATCH_LEVEL, and at
 * <= APC_LEVEL unless *Timeout is 0 (Microsoft Learn "KeWaitForSingleObject"). Driver
 * Verifier bug checks 0xC4/0x120 for a wait above DISPATCH_LEVEL, 0xC4/0x121 at
 * DISPATCH_LEVEL with a NULL Timeout, 0xC4/0x122 at DISPATCH_LEVEL with a non-zero one
 * (parameters: address of the IRQL value, object, timeout) ("Bug Check 0xC4").
 * Simulation: events, mutexes, semaphores, timers and thread objects (ke_sync.c,
 * ke_timer.c, ps_thread.c); other dispatcher objects (queues, gates, processes) return
 * STATUS_NOT_IMPLEMENTED. Timers are signalled on simulated time (pnpsim_time_advance); the
 * Timeout runs on the host clock. Before blocking, the thread runs its system's queued work
 * (work items, PnP work), as Windows' worker threads would run meanwhile. Alertable and
 * WaitMode are accepted and ignored (no APCs are simulated).
 */
NTSTATUS NTAPI KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason,
                                     KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                     PLARGE_INTEGER Timeout)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    NTSTATUS st;
    PNPSIM_UNUSED(WaitReason);
    PNPSIM_UNUSED(WaitMode);
    PNPSIM_UNUSED(Alertable);

    if (Object == NULL) {
        null_object("KeWaitForSingleObject");
        return STATUS_INVALID_PARAMETER;
    }
    if (!pnpsim__disp_check_wait_irql(sys, "KeWaitForSingleObject", Object, Timeout))
        return STATUS_TIMEOUT;
    st = pnpsim__disp_wait(sys, 1, &Object, WaitAny, deadline_from(Timeout),
                           "KeWaitForSingleObject");
    return st == STATUS_WAIT_0 ? STATUS_SUCCESS : st;
}

/*
 * Windows behaviour: puts the thread to sleep for Interval (100 ns units, negative
 * relative, positive absolute); callers run at <= APC_LEVEL (Microsoft Learn
 * "KeDelayExecutionThread").
 * Simulation: first runs the system's queued work (as other threads would run meanwhile),
 * then sleeps for what is left of the interval. Returns STATUS_SUCCESS.
 */
NTSTATUS NTAPI KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                      PLARGE_INTEGER Interval)
{
    pnpsim_system *sys = current_system();
    uint64_t deadline;
    PNPSIM_UNUSED(WaitMode);
    PNPSIM_UNUSED(Alertable);
    if (Interval == NULL) {
        null_object("KeDelayExecutionThread");
        return STATUS_INVALID_PARAMETER;
    }
    if (!pnpsim__check_irql(sys, "KeDelayExecutionThread", APC_LEVEL, 0, NULL))
        return STATUS_SUCCESS;
    deadline = deadline_from(Interval);
    for (;;) {
        uint64_t now = pnpsim__clock_ns(), left;
        if (now >= deadline)
            break;
        if (sys != NULL && pnpsim__work_run_one(sys))
            continue;
        left = deadline - now;
        pnpsim__sleep_ms(left >= (uint64_t)WAIT_SLICE_MS * 1000000u
                             ? WAIT_SLICE_MS
                             : (uint32_t)(left / 1000000u) + 1);
    }
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Time
 * ==================================================================================== */

/*
 * Windows behaviour: the system time, in 100 ns units since January 1, 1601 (UTC)
 * (Microsoft Learn "KeQuerySystemTime"; any IRQL).
 * Simulation: the host's wall clock.
 */
VOID NTAPI KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    if (CurrentTime == NULL) {
        null_object("KeQuerySystemTime");
        return;
    }
    CurrentTime->QuadPart = pnpsim__system_time_100ns();
}

/*
 * Windows behaviour: as KeQuerySystemTime, with the best precision available (Microsoft
 * Learn "KeQuerySystemTimePrecise").
 * Simulation: the host's wall clock (the same source as KeQuerySystemTime).
 */
VOID NTAPI KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
    if (CurrentTime == NULL) {
        null_object("KeQuerySystemTimePrecise");
        return;
    }
    CurrentTime->QuadPart = pnpsim__system_time_100ns();
}

/* ======================================================================================
 * Bug checks requested by drivers
 * ==================================================================================== */

/*
 * Windows behaviour: brings the system down in a controlled way with the given code and
 * parameters; it does not return (Microsoft Learn "KeBugCheckEx").
 * Simulation: goes through pnpsim's bug check path (PNPSIM_EXPECT_BUGCHECK catches it).
 * If the system's handler returns (record and continue), the driver's call still cannot
 * return — the routine is DECLSPEC_NORETURN and the driver's code after it was never meant
 * to run — so pnpsim explains that and aborts.
 */
VOID NTAPI KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
                        ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
                        ULONG_PTR BugCheckParameter4)
{
    pnpsim__driver *d = pnpsim__driver_from(pnpsim__current_driver());
    const char *who = d != NULL && d->service_name != NULL ? d->service_name : "(test code)";
    pnpsim__bugcheck(current_system(), BugCheckCode, BugCheckParameter1, BugCheckParameter2,
                     BugCheckParameter3, BugCheckParameter4,
                     "driver %s called KeBugCheckEx(0x%X, %p, %p, %p, %p)", who,
                     (unsigned)BugCheckCode, (void *)BugCheckParameter1,
                     (void *)BugCheckParameter2, (void *)BugCheckParameter3,
                     (void *)BugCheckParameter4);
    fprintf(stderr,
            "pnpsim: driver %s called KeBugCheckEx(0x%X); the bug check handler returned, but "
            "KeBugCheckEx never returns (DECLSPEC_NORETURN) and the driver's code after it "
            "cannot run: aborting. Catch it with PNPSIM_EXPECT_BUGCHECK instead.\n",
            who, (unsigned)BugCheckCode);
    fflush(stderr);
    abort();
}

/*
 * Windows behaviour: KeBugCheckEx with four zero parameters (Microsoft Learn "KeBugCheck").
 * Simulation: exactly that.
 */
VOID NTAPI KeBugCheck(ULONG BugCheckCode)
{
    KeBugCheckEx(BugCheckCode, 0, 0, 0, 0);
}
