/* SPDX-License-Identifier: MIT */
/*
 * This file implements the kernel's synchronisation objects beyond events: mutexes
 * (KeInitializeMutex, KeReleaseMutex), semaphores (KeInitializeSemaphore,
 * KeReleaseSemaphore), waits on several objects (KeWaitForMultipleObjects), fast mutexes
 * (ExInitializeFastMutex, ExAcquireFastMutex, ...), guarded mutexes (KeAcquireGuardedMutex,
 * ...), critical and guarded regions, and executive resources (ExInitializeResourceLite,
 * ExAcquireResourceExclusiveLite/SharedLite, ExReleaseResourceLite, ...).
 *
 * Mutexes and semaphores are dispatcher objects waited on through ke.c. Fast and guarded
 * mutexes are a count plus a synchronization event, as on Windows. Executive resources are
 * a reader/writer lock kept in the ERESOURCE under the dispatcher lock, with waiters
 * sleeping on the dispatcher's condition (they re-check on every wake).
 *
 * Choices where Windows is undocumented or would hang (README "Divergences and choices"):
 * - Acquiring a fast or guarded mutex the thread already owns would deadlock on Windows:
 *   pnpsim bug checks MUTEX_ALREADY_OWNED (0xBF: mutex, thread, 0, 0) instead.
 * - Releasing a fast/guarded mutex or a resource the thread does not own, and releasing a
 *   mutex it does not own, bug check KMODE_EXCEPTION_NOT_HANDLED (0x1E) with
 *   STATUS_MUTANT_NOT_OWNED (for KMUTEX this is the exception Windows raises; for the
 *   others Windows does not check).
 * - Acquiring a resource exclusively while holding it shared would deadlock on Windows;
 *   releasing a resource the thread does not own is caught by the checked kernel: both
 *   bug check 0x1E with STATUS_RESOURCE_NOT_OWNED (parameter 2 the resource).
 * - Deleting a resource still owned, using one not initialized, and invalid semaphore
 *   counts bug check 0x1E with STATUS_INVALID_PARAMETER.
 * - Normal kernel APCs are not simulated, so the "must be in a critical region" rule of
 *   the resource routines is not enforced; the region counts are kept and checked at
 *   system-thread exit and on KeLeaveCriticalRegion without KeEnterCriticalRegion
 *   (0xC4/0x00040003, rule CriticalRegions).
 */
#include "ke_int.h"

#define RULE_CRITICAL_REGIONS 0x00040003
#ifndef STATUS_RESOURCE_NOT_OWNED
#define STATUS_RESOURCE_NOT_OWNED ((NTSTATUS)0xC0000264L)
#endif
#define RESOURCE_SIGNATURE 0x52455350u /* "PSER" */

static pnpsim_system *cur_sys(void)
{
    return pnpsim__ts()->current;
}

static void null_object(const char *ddi)
{
    pnpsim__bugcheck(cur_sys(), SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
                     (ULONG_PTR)(ULONG)STATUS_ACCESS_VIOLATION, 0, 0, 0,
                     "%s was passed a NULL object (an access violation on Windows)", ddi);
}

/* An exception Windows raises in kernel mode that nothing handles. */
static void raise_status(NTSTATUS status, PVOID object, const char *fmt, const char *ddi)
{
    pnpsim__bugcheck(cur_sys(), KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)status,
                     (ULONG_PTR)object, 0, 0, fmt, ddi, object);
}

/* ======================================================================================
 * Mutexes
 * ==================================================================================== */

/*
 * Windows behaviour: initializes a mutex in the signalled (unowned) state; Level is
 * ignored; any IRQL (Microsoft Learn "KeInitializeMutex").
 * Simulation: as described.
 */
VOID NTAPI KeInitializeMutex(PRKMUTEX Mutex, ULONG Level)
{
    PNPSIM_UNUSED(Level);
    if (Mutex == NULL) {
        null_object("KeInitializeMutex");
        return;
    }
    memset(Mutex, 0, sizeof(*Mutex));
    Mutex->Header.Type = PNPSIM__KOBJ_MUTANT;
    Mutex->Header.Size = (UCHAR)(sizeof(KMUTEX) / sizeof(LONG));
    Mutex->Header.SignalState = 1;
    InitializeListHead(&Mutex->Header.WaitListHead);
    InitializeListHead(&Mutex->MutantListEntry);
}

/*
 * Windows behaviour: releases one level of ownership of a mutex the caller owns (it is
 * acquired, recursively, with KeWaitForSingleObject); returns 0 when the mutex became
 * signalled; releasing a mutex the thread does not own raises STATUS_MUTANT_NOT_OWNED;
 * <= DISPATCH_LEVEL (Microsoft Learn "KeReleaseMutex").
 * Simulation: as described; the unhandled exception is bug check 0x1E
 * (STATUS_MUTANT_NOT_OWNED, mutex). Owning a mutex disables normal kernel APCs (counted as
 * a critical region) until the last release.
 */
LONG NTAPI KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait)
{
    struct _KTHREAD *me = pnpsim__kthread_current();
    LONG prev;
    PNPSIM_UNUSED(Wait);
    if (Mutex == NULL) {
        null_object("KeReleaseMutex");
        return 0;
    }
    if (!pnpsim__check_irql(cur_sys(), "KeReleaseMutex", DISPATCH_LEVEL, 0, NULL))
        return 0;
    pnpsim__disp_lock();
    if (Mutex->OwnerThread != me || Mutex->Header.SignalState > 0) {
        pnpsim__disp_unlock();
        raise_status(STATUS_MUTANT_NOT_OWNED, Mutex,
                     "%s(%p): the calling thread does not own the mutex", "KeReleaseMutex");
        return 1;
    }
    prev = Mutex->Header.SignalState;
    Mutex->Header.SignalState++;
    if (Mutex->Header.SignalState == 1) {
        Mutex->OwnerThread = NULL;
        me->critical_region--;
        pnpsim__disp_wake_locked();
    }
    pnpsim__disp_unlock();
    return prev;
}

/*
 * Windows behaviour: the mutex's signal state: 1 when free (Microsoft Learn
 * "KeReadStateMutex").
 * Simulation: as described (0 or negative while owned, by recursion depth).
 */
LONG NTAPI KeReadStateMutex(PRKMUTEX Mutex)
{
    LONG s;
    if (Mutex == NULL) {
        null_object("KeReadStateMutex");
        return 0;
    }
    pnpsim__disp_lock();
    s = Mutex->Header.SignalState;
    pnpsim__disp_unlock();
    return s;
}

/* ======================================================================================
 * Semaphores
 * ==================================================================================== */

/*
 * Windows behaviour: initializes a semaphore with Count (>= 0) and Limit (> 0, >= Count);
 * any IRQL (Microsoft Learn "KeInitializeSemaphore").
 * Simulation: as described; invalid values bug check 0x1E (STATUS_INVALID_PARAMETER), a
 * choice: Windows does not check them.
 */
VOID NTAPI KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
    if (Semaphore == NULL) {
        null_object("KeInitializeSemaphore");
        return;
    }
    memset(Semaphore, 0, sizeof(*Semaphore));
    Semaphore->Header.Type = PNPSIM__KOBJ_SEMAPHORE;
    Semaphore->Header.Size = (UCHAR)(sizeof(KSEMAPHORE) / sizeof(LONG));
    InitializeListHead(&Semaphore->Header.WaitListHead);
    if (Count < 0 || Limit <= 0 || Count > Limit) {
        raise_status(STATUS_INVALID_PARAMETER, Semaphore,
                     "%s(%p): Count must be 0..Limit and Limit positive", "KeInitializeSemaphore");
        Count = Count < 0 ? 0 : Count;
        Limit = Limit < Count ? Count : Limit;
        Limit = Limit <= 0 ? 1 : Limit;
    }
    Semaphore->Header.SignalState = Count;
    Semaphore->Limit = Limit;
}

/*
 * Windows behaviour: adds Adjustment to the count and returns the previous count; if that
 * would exceed the limit the count is unchanged and STATUS_SEMAPHORE_LIMIT_EXCEEDED is
 * raised; <= DISPATCH_LEVEL (Microsoft Learn "KeReleaseSemaphore").
 * Simulation: as described; the unhandled exception is bug check 0x1E
 * (STATUS_SEMAPHORE_LIMIT_EXCEEDED, semaphore). Adjustment <= 0 is treated the same way.
 */
LONG NTAPI KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment, LONG Adjustment,
                              BOOLEAN Wait)
{
    LONG prev;
    PNPSIM_UNUSED(Increment);
    PNPSIM_UNUSED(Wait);
    if (Semaphore == NULL) {
        null_object("KeReleaseSemaphore");
        return 0;
    }
    if (!pnpsim__check_irql(cur_sys(), "KeReleaseSemaphore", DISPATCH_LEVEL, 0, NULL))
        return 0;
    pnpsim__disp_lock();
    prev = Semaphore->Header.SignalState;
    if (Adjustment <= 0 || prev > Semaphore->Limit - Adjustment) {
        pnpsim__disp_unlock();
        raise_status(STATUS_SEMAPHORE_LIMIT_EXCEEDED, Semaphore,
                     "%s(%p): the release would exceed the semaphore's limit",
                     "KeReleaseSemaphore");
        return prev;
    }
    Semaphore->Header.SignalState = prev + Adjustment;
    pnpsim__disp_wake_locked();
    pnpsim__disp_unlock();
    return prev;
}

/*
 * Windows behaviour: the semaphore's current count (Microsoft Learn
 * "KeReadStateSemaphore").
 * Simulation: as described.
 */
LONG NTAPI KeReadStateSemaphore(PRKSEMAPHORE Semaphore)
{
    LONG s;
    if (Semaphore == NULL) {
        null_object("KeReadStateSemaphore");
        return 0;
    }
    pnpsim__disp_lock();
    s = Semaphore->Header.SignalState;
    pnpsim__disp_unlock();
    return s;
}

/* ======================================================================================
 * Waiting on several objects
 * ==================================================================================== */

/*
 * Windows behaviour: waits until any (WaitAny: returns STATUS_WAIT_0 + index of the object
 * that satisfied it) or all (WaitAll: STATUS_SUCCESS, all acquired at once) of Count
 * objects are signalled, or the timeout expires (STATUS_TIMEOUT). More than
 * THREAD_WAIT_OBJECTS objects need a WaitBlockArray, and more than MAXIMUM_WAIT_OBJECTS are
 * never allowed: both bug check MAXIMUM_WAIT_OBJECTS_EXCEEDED (0xC). IRQL rules are those of
 * KeWaitForSingleObject (Microsoft Learn "KeWaitForMultipleObjects", "Bug Check 0xC").
 * Simulation: as described (ke.c's dispatcher); WaitBlockArray is not written.
 */
NTSTATUS NTAPI KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType,
                                        KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                        BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                        PKWAIT_BLOCK WaitBlockArray)
{
    pnpsim_system *sys = cur_sys();
    ULONG i;
    PNPSIM_UNUSED(WaitReason);
    PNPSIM_UNUSED(WaitMode);
    PNPSIM_UNUSED(Alertable);
    if (Count > MAXIMUM_WAIT_OBJECTS || (Count > THREAD_WAIT_OBJECTS && WaitBlockArray == NULL)) {
        pnpsim__bugcheck(sys, MAXIMUM_WAIT_OBJECTS_EXCEEDED, Count, 0, 0, 0,
                         "KeWaitForMultipleObjects: %lu objects %s", (unsigned long)Count,
                         Count > MAXIMUM_WAIT_OBJECTS ? "(more than MAXIMUM_WAIT_OBJECTS)"
                                                      : "without a WaitBlockArray");
        return STATUS_INVALID_PARAMETER_1;
    }
    if (Count == 0 || Object == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "KeWaitForMultipleObjects: no objects to wait on");
    if (WaitType != WaitAny && WaitType != WaitAll)
        return pnpsim__status(STATUS_INVALID_PARAMETER_3,
                              "KeWaitForMultipleObjects: WaitType %d is not WaitAny/WaitAll",
                              (int)WaitType);
    for (i = 0; i < Count; i++) {
        if (Object[i] == NULL) {
            null_object("KeWaitForMultipleObjects");
            return STATUS_INVALID_PARAMETER_2;
        }
    }
    if (!pnpsim__disp_check_wait_irql(sys, "KeWaitForMultipleObjects", Object[0], Timeout))
        return STATUS_TIMEOUT;
    return pnpsim__disp_wait(sys, Count, (PVOID const *)Object, WaitType,
                             pnpsim__disp_deadline(Timeout), "KeWaitForMultipleObjects");
}

/* ======================================================================================
 * Critical and guarded regions
 * ==================================================================================== */

/*
 * Windows behaviour: disables normal kernel APCs for the thread until the matching
 * KeLeaveCriticalRegion; calls nest; <= APC_LEVEL (Microsoft Learn "KeEnterCriticalRegion").
 * Simulation: a per-thread count (APCs are not simulated); checked at system-thread exit.
 */
VOID NTAPI KeEnterCriticalRegion(void)
{
    pnpsim__kthread_current()->critical_region++;
}

/*
 * Windows behaviour: re-enables normal kernel APCs disabled by KeEnterCriticalRegion; a
 * leave without an enter is rule CriticalRegions, 0xC4/0x00040003 (Microsoft Learn
 * "KeLeaveCriticalRegion", "CriticalRegions rule (wdm)").
 * Simulation: as described.
 */
VOID NTAPI KeLeaveCriticalRegion(void)
{
    struct _KTHREAD *me = pnpsim__kthread_current();
    if (me->critical_region <= 0) {
        pnpsim__bugcheck(cur_sys(), DRIVER_VERIFIER_DETECTED_VIOLATION, RULE_CRITICAL_REGIONS, 0, 0,
                         0,
                         "KeLeaveCriticalRegion without KeEnterCriticalRegion (rule "
                         "CriticalRegions)");
        return;
    }
    me->critical_region--;
}

/*
 * Windows behaviour: disables all kernel APCs for the thread until KeLeaveGuardedRegion;
 * <= APC_LEVEL (Microsoft Learn "KeEnterGuardedRegion").
 * Simulation: a per-thread count, like KeEnterCriticalRegion.
 */
VOID NTAPI KeEnterGuardedRegion(void)
{
    pnpsim__kthread_current()->guarded_region++;
}

/*
 * Windows behaviour: leaves a guarded region (Microsoft Learn "KeLeaveGuardedRegion").
 * Simulation: as KeLeaveCriticalRegion, for the guarded count (same bug check).
 */
VOID NTAPI KeLeaveGuardedRegion(void)
{
    struct _KTHREAD *me = pnpsim__kthread_current();
    if (me->guarded_region <= 0) {
        pnpsim__bugcheck(cur_sys(), DRIVER_VERIFIER_DETECTED_VIOLATION, RULE_CRITICAL_REGIONS, 0, 0,
                         0, "KeLeaveGuardedRegion without KeEnterGuardedRegion");
        return;
    }
    me->guarded_region--;
}

/*
 * Windows behaviour: TRUE if the thread is in a critical or guarded region (Microsoft Learn
 * "KeAreApcsDisabled").
 * Simulation: from the per-thread counts, and TRUE at IRQL >= APC_LEVEL.
 */
BOOLEAN NTAPI KeAreApcsDisabled(void)
{
    struct _KTHREAD *me = pnpsim__kthread_current();
    return me->critical_region > 0 || me->guarded_region > 0 || KeGetCurrentIrql() >= APC_LEVEL
               ? TRUE
               : FALSE;
}

/* ======================================================================================
 * Fast and guarded mutexes
 * ==================================================================================== */
enum { FM_RAISE = 1, FM_GUARD = 2 };

/* Owner is read by threads that do not own the mutex (the recursion check): atomic. */
static PVOID fm_owner(PFAST_MUTEX m)
{
    return InterlockedCompareExchangePointer(&m->Owner, NULL, NULL);
}

static void fm_set_owner(PFAST_MUTEX m, PVOID owner)
{
    InterlockedExchangePointer(&m->Owner, owner);
}

static bool fm_valid(PFAST_MUTEX m, const char *ddi)
{
    if (m == NULL) {
        null_object(ddi);
        return false;
    }
    return pnpsim__check_irql(cur_sys(), ddi, APC_LEVEL, 0, NULL);
}

/* Take the mutex's count, sleeping on its event while it is owned. */
static void fm_take(PFAST_MUTEX m)
{
    while (InterlockedCompareExchange(&m->Count, 0, 1) != 1) {
        PVOID ev = &m->Event;
        InterlockedIncrement((LONG volatile *)&m->Contention);
        pnpsim__disp_wait(cur_sys(), 1, &ev, WaitAny, UINT64_MAX, "ExAcquireFastMutex");
    }
}

static void fm_acquire(PFAST_MUTEX m, int how, const char *ddi)
{
    struct _KTHREAD *me = pnpsim__kthread_current();
    KIRQL old = KeGetCurrentIrql();
    if (!fm_valid(m, ddi))
        return;
    if (fm_owner(m) == me) {
        pnpsim__bugcheck(cur_sys(), MUTEX_ALREADY_OWNED, (ULONG_PTR)m, (ULONG_PTR)me, 0, 0,
                         "%s(%p): the calling thread already owns this mutex (a deadlock on "
                         "Windows)",
                         ddi, (void *)m);
        return;
    }
    if (how & FM_GUARD)
        me->guarded_region++;
    if (how & FM_RAISE)
        pnpsim__ts()->irql = APC_LEVEL;
    fm_take(m);
    fm_set_owner(m, me);
    m->OldIrql = old;
}

static BOOLEAN fm_try(PFAST_MUTEX m, int how, const char *ddi)
{
    struct _KTHREAD *me = pnpsim__kthread_current();
    KIRQL old = KeGetCurrentIrql();
    if (!fm_valid(m, ddi))
        return FALSE;
    if (InterlockedCompareExchange(&m->Count, 0, 1) != 1)
        return FALSE;
    if (how & FM_GUARD)
        me->guarded_region++;
    if (how & FM_RAISE)
        pnpsim__ts()->irql = APC_LEVEL;
    fm_set_owner(m, me);
    m->OldIrql = old;
    return TRUE;
}

static void fm_release(PFAST_MUTEX m, int how, const char *ddi)
{
    struct _KTHREAD *me = pnpsim__kthread_current();
    KIRQL old;
    if (m == NULL) {
        null_object(ddi);
        return;
    }
    if (fm_owner(m) != me) {
        raise_status(STATUS_MUTANT_NOT_OWNED, m,
                     "%s(%p): the calling thread does not own this mutex", ddi);
        return;
    }
    old = (KIRQL)m->OldIrql;
    fm_set_owner(m, NULL);
    pnpsim__disp_lock();
    InterlockedExchange(&m->Count, 1);
    m->Event.Header.SignalState = 1;
    pnpsim__disp_wake_locked();
    pnpsim__disp_unlock();
    if (how & FM_GUARD)
        me->guarded_region--;
    if (how & FM_RAISE) {
        KIRQL cur = pnpsim__ts()->irql;
        pnpsim__ts()->irql = old;
        pnpsim__ke_irql_lowered(cur, old);
    }
}

/*
 * Windows behaviour: initializes a fast mutex, unowned; <= DISPATCH_LEVEL (Microsoft Learn
 * "ExInitializeFastMutex").
 * Simulation: a count and a synchronization event.
 */
VOID NTAPI ExInitializeFastMutex(PFAST_MUTEX FastMutex)
{
    if (FastMutex == NULL) {
        null_object("ExInitializeFastMutex");
        return;
    }
    memset(FastMutex, 0, sizeof(*FastMutex));
    FastMutex->Count = 1;
    KeInitializeEvent(&FastMutex->Event, SynchronizationEvent, FALSE);
}

/*
 * Windows behaviour: acquires the fast mutex, waiting if needed, and raises to APC_LEVEL
 * (the old IRQL is kept in the mutex); callers run at <= APC_LEVEL (Microsoft Learn
 * "ExAcquireFastMutex"). Fast mutexes are not recursive.
 * Simulation: as described; recursive acquisition bug checks 0xBF (file comment).
 */
VOID FASTCALL ExAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    fm_acquire(FastMutex, FM_RAISE, "ExAcquireFastMutex");
}

/*
 * Windows behaviour: releases the fast mutex and restores the IRQL saved at acquisition
 * (Microsoft Learn "ExReleaseFastMutex").
 * Simulation: as described; a release by a thread that does not own it bug checks 0x1E.
 */
VOID FASTCALL ExReleaseFastMutex(PFAST_MUTEX FastMutex)
{
    fm_release(FastMutex, FM_RAISE, "ExReleaseFastMutex");
}

/*
 * Windows behaviour: acquires the fast mutex if it is free (TRUE, at APC_LEVEL), else
 * returns FALSE at once; <= APC_LEVEL (Microsoft Learn "ExTryToAcquireFastMutex").
 * Simulation: as described.
 */
BOOLEAN FASTCALL ExTryToAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    return fm_try(FastMutex, FM_RAISE, "ExTryToAcquireFastMutex");
}

/*
 * Windows behaviour: acquires the fast mutex without raising the IRQL; the caller is at
 * APC_LEVEL or in a critical region (Microsoft Learn "ExAcquireFastMutexUnsafe").
 * Simulation: as described (the region requirement is not checked).
 */
VOID FASTCALL ExAcquireFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    fm_acquire(FastMutex, 0, "ExAcquireFastMutexUnsafe");
}

/*
 * Windows behaviour: releases a fast mutex taken with ExAcquireFastMutexUnsafe (Microsoft
 * Learn "ExReleaseFastMutexUnsafe").
 * Simulation: as described.
 */
VOID FASTCALL ExReleaseFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    fm_release(FastMutex, 0, "ExReleaseFastMutexUnsafe");
}

/*
 * Windows behaviour: initializes a guarded mutex, unowned (Microsoft Learn
 * "KeInitializeGuardedMutex").
 * Simulation: as ExInitializeFastMutex (the WDK makes them the same structure).
 */
VOID FASTCALL KeInitializeGuardedMutex(PKGUARDED_MUTEX Mutex)
{
    ExInitializeFastMutex(Mutex);
}

/*
 * Windows behaviour: acquires the guarded mutex, entering a guarded region (no IRQL
 * change); <= APC_LEVEL (Microsoft Learn "KeAcquireGuardedMutex").
 * Simulation: as described; recursive acquisition bug checks 0xBF.
 */
VOID FASTCALL KeAcquireGuardedMutex(PKGUARDED_MUTEX Mutex)
{
    fm_acquire(Mutex, FM_GUARD, "KeAcquireGuardedMutex");
}

/*
 * Windows behaviour: releases the guarded mutex and leaves the guarded region (Microsoft
 * Learn "KeReleaseGuardedMutex").
 * Simulation: as described.
 */
VOID FASTCALL KeReleaseGuardedMutex(PKGUARDED_MUTEX Mutex)
{
    fm_release(Mutex, FM_GUARD, "KeReleaseGuardedMutex");
}

/*
 * Windows behaviour: acquires the guarded mutex if free (TRUE), else FALSE at once
 * (Microsoft Learn "KeTryToAcquireGuardedMutex").
 * Simulation: as described.
 */
BOOLEAN FASTCALL KeTryToAcquireGuardedMutex(PKGUARDED_MUTEX Mutex)
{
    return fm_try(Mutex, FM_GUARD, "KeTryToAcquireGuardedMutex");
}

/*
 * Windows behaviour: acquires the guarded mutex without entering a guarded region; the
 * caller is already in one or at APC_LEVEL (Microsoft Learn "KeAcquireGuardedMutexUnsafe").
 * Simulation: as described.
 */
VOID FASTCALL KeAcquireGuardedMutexUnsafe(PKGUARDED_MUTEX FastMutex)
{
    fm_acquire(FastMutex, 0, "KeAcquireGuardedMutexUnsafe");
}

/*
 * Windows behaviour: releases a mutex taken with KeAcquireGuardedMutexUnsafe (Microsoft
 * Learn "KeReleaseGuardedMutexUnsafe").
 * Simulation: as described.
 */
VOID FASTCALL KeReleaseGuardedMutexUnsafe(PKGUARDED_MUTEX FastMutex)
{
    fm_release(FastMutex, 0, "KeReleaseGuardedMutexUnsafe");
}

/* ======================================================================================
 * Executive resources
 * ==================================================================================== */
#define SHARED_SLOTS (sizeof(((ERESOURCE *)0)->OwnerTable) / sizeof(OWNER_ENTRY))

static bool res_valid(PERESOURCE r, const char *ddi, KIRQL max_irql)
{
    if (r == NULL) {
        null_object(ddi);
        return false;
    }
    if (!pnpsim__check_irql(cur_sys(), ddi, max_irql, 0, NULL))
        return false;
    if (r->Signature != RESOURCE_SIGNATURE) {
        raise_status(STATUS_INVALID_PARAMETER, r,
                     "%s(%p): not an initialized resource (ExInitializeResourceLite)", ddi);
        return false;
    }
    return true;
}

/* The shared-owner slot of thread t, or NULL. Caller holds the dispatcher lock. */
static OWNER_ENTRY *res_shared_slot(PERESOURCE r, ERESOURCE_THREAD t)
{
    size_t i;
    for (i = 0; i < SHARED_SLOTS; i++)
        if (r->OwnerTable[i].OwnerCount > 0 && r->OwnerTable[i].OwnerThread == t)
            return &r->OwnerTable[i];
    return NULL;
}

static OWNER_ENTRY *res_free_slot(PERESOURCE r)
{
    size_t i;
    for (i = 0; i < SHARED_SLOTS; i++)
        if (r->OwnerTable[i].OwnerCount == 0)
            return &r->OwnerTable[i];
    return NULL;
}

/* Sleep on the dispatcher condition until woken (the caller re-checks). Caller holds the
 * dispatcher lock; it is held again on return. */
static void res_sleep_locked(void)
{
    pnpsim__disp_unlock();
    /* A short sleep rather than a condition wait keeps the dispatcher API small; waiters
     * on resources are rare in tests and always re-check. */
    pnpsim__sleep_ms(1);
    pnpsim__disp_lock();
}

/*
 * Windows behaviour: initializes an executive resource, unowned; the storage must be
 * nonpaged and stay valid until ExDeleteResourceLite; <= DISPATCH_LEVEL (Microsoft Learn
 * "ExInitializeResourceLite").
 * Simulation: as described; returns STATUS_SUCCESS.
 */
NTSTATUS NTAPI ExInitializeResourceLite(PERESOURCE Resource)
{
    if (Resource == NULL) {
        null_object("ExInitializeResourceLite");
        return STATUS_INVALID_PARAMETER;
    }
    memset(Resource, 0, sizeof(*Resource));
    InitializeListHead(&Resource->SystemResourcesList);
    Resource->Signature = RESOURCE_SIGNATURE;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: reinitializes a resource (all owners released) (Microsoft Learn
 * "ExReinitializeResourceLite").
 * Simulation: as ExInitializeResourceLite.
 */
NTSTATUS NTAPI ExReinitializeResourceLite(PERESOURCE Resource)
{
    return ExInitializeResourceLite(Resource);
}

/*
 * Windows behaviour: deletes a resource that no thread owns; <= DISPATCH_LEVEL (Microsoft
 * Learn "ExDeleteResourceLite").
 * Simulation: deleting an owned resource bug checks 0x1E (STATUS_INVALID_PARAMETER, a
 * choice); the signature is cleared so later use is caught.
 */
NTSTATUS NTAPI ExDeleteResourceLite(PERESOURCE Resource)
{
    if (!res_valid(Resource, "ExDeleteResourceLite", DISPATCH_LEVEL))
        return STATUS_INVALID_PARAMETER;
    if (Resource->ActiveCount != 0) {
        raise_status(STATUS_INVALID_PARAMETER, Resource, "%s(%p): the resource is still owned",
                     "ExDeleteResourceLite");
        return STATUS_INVALID_PARAMETER;
    }
    Resource->Signature = 0;
    return STATUS_SUCCESS;
}

static BOOLEAN res_acquire_exclusive(PERESOURCE r, BOOLEAN Wait, const char *ddi)
{
    ERESOURCE_THREAD me = (ERESOURCE_THREAD)pnpsim__kthread_current();
    bool counted = false;
    if (!res_valid(r, ddi, APC_LEVEL))
        return FALSE;
    pnpsim__disp_lock();
    for (;;) {
        if (r->ActiveCount == 0) {
            r->Flag |= ResourceOwnedExclusive;
            r->OwnerEntry.OwnerThread = me;
            r->OwnerEntry.OwnerCount = 1;
            r->ActiveCount = 1;
            break;
        }
        if ((r->Flag & ResourceOwnedExclusive) && r->OwnerEntry.OwnerThread == me) {
            r->OwnerEntry.OwnerCount++;
            break;
        }
        if (!(r->Flag & ResourceOwnedExclusive) && res_shared_slot(r, me) != NULL) {
            if (counted)
                r->NumberOfExclusiveWaiters--;
            pnpsim__disp_unlock();
            raise_status(STATUS_RESOURCE_NOT_OWNED, r,
                         "%s(%p): the thread holds the resource shared and asks for it "
                         "exclusively (a deadlock on Windows)",
                         ddi);
            return FALSE;
        }
        if (!Wait) {
            if (counted)
                r->NumberOfExclusiveWaiters--;
            pnpsim__disp_unlock();
            return FALSE;
        }
        if (!counted) {
            r->NumberOfExclusiveWaiters++;
            r->ContentionCount++;
            counted = true;
        }
        res_sleep_locked();
    }
    if (counted)
        r->NumberOfExclusiveWaiters--;
    pnpsim__disp_unlock();
    return TRUE;
}

/* starve: ignore waiting exclusive requesters (ExAcquireSharedStarveExclusive). */
static BOOLEAN res_acquire_shared(PERESOURCE r, BOOLEAN Wait, bool starve, const char *ddi)
{
    ERESOURCE_THREAD me = (ERESOURCE_THREAD)pnpsim__kthread_current();
    bool counted = false;
    if (!res_valid(r, ddi, APC_LEVEL))
        return FALSE;
    pnpsim__disp_lock();
    for (;;) {
        OWNER_ENTRY *slot;
        if ((r->Flag & ResourceOwnedExclusive) && r->OwnerEntry.OwnerThread == me) {
            /* An exclusive owner may acquire it shared too: it counts as exclusive. */
            r->OwnerEntry.OwnerCount++;
            break;
        }
        slot = res_shared_slot(r, me);
        if (slot != NULL) {
            slot->OwnerCount++; /* recursive shared acquisition is always granted */
            break;
        }
        if (!(r->Flag & ResourceOwnedExclusive) &&
            (starve || r->NumberOfExclusiveWaiters == 0 || r->ActiveCount == 0)) {
            slot = res_free_slot(r);
            if (slot == NULL) {
                pnpsim__disp_unlock();
                if (counted)
                    InterlockedDecrement(&r->NumberOfSharedWaiters);
                pnpsim__status(STATUS_NOT_IMPLEMENTED,
                               "%s(%p): more than %u threads share the resource", ddi, (void *)r,
                               (unsigned)SHARED_SLOTS);
                return FALSE;
            }
            slot->OwnerThread = me;
            slot->OwnerCount = 1;
            r->ActiveCount++;
            r->ActiveEntries++;
            break;
        }
        if (!Wait) {
            if (counted)
                r->NumberOfSharedWaiters--;
            pnpsim__disp_unlock();
            return FALSE;
        }
        if (!counted) {
            r->NumberOfSharedWaiters++;
            r->ContentionCount++;
            counted = true;
        }
        res_sleep_locked();
    }
    if (counted)
        r->NumberOfSharedWaiters--;
    pnpsim__disp_unlock();
    return TRUE;
}

/*
 * Windows behaviour: acquires the resource exclusively (recursively for its exclusive
 * owner); with Wait FALSE returns FALSE instead of waiting; callers run at <= APC_LEVEL
 * with normal kernel APCs disabled (Microsoft Learn "ExAcquireResourceExclusiveLite").
 * Simulation: as described; asking for it exclusively while holding it shared would
 * deadlock on Windows and bug checks 0x1E (STATUS_RESOURCE_NOT_OWNED, resource) here.
 */
BOOLEAN NTAPI ExAcquireResourceExclusiveLite(PERESOURCE Resource, BOOLEAN Wait)
{
    return res_acquire_exclusive(Resource, Wait, "ExAcquireResourceExclusiveLite");
}

/*
 * Windows behaviour: acquires the resource shared: granted when it is free or shared and
 * no exclusive waiter is queued, or when the caller already owns it (shared or exclusive);
 * with Wait FALSE returns FALSE instead of waiting; <= APC_LEVEL (Microsoft Learn
 * "ExAcquireResourceSharedLite").
 * Simulation: as described (up to 16 sharing threads at once).
 */
BOOLEAN NTAPI ExAcquireResourceSharedLite(PERESOURCE Resource, BOOLEAN Wait)
{
    return res_acquire_shared(Resource, Wait, false, "ExAcquireResourceSharedLite");
}

/*
 * Windows behaviour: shared access granted even if exclusive waiters are queued
 * (Microsoft Learn "ExAcquireSharedStarveExclusive").
 * Simulation: as described.
 */
BOOLEAN NTAPI ExAcquireSharedStarveExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    return res_acquire_shared(Resource, Wait, true, "ExAcquireSharedStarveExclusive");
}

/*
 * Windows behaviour: shared access granted after any queued exclusive waiters (Microsoft
 * Learn "ExAcquireSharedWaitForExclusive").
 * Simulation: as ExAcquireResourceSharedLite.
 */
BOOLEAN NTAPI ExAcquireSharedWaitForExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    return res_acquire_shared(Resource, Wait, false, "ExAcquireSharedWaitForExclusive");
}

static void res_release(PERESOURCE r, ERESOURCE_THREAD t, const char *ddi)
{
    OWNER_ENTRY *slot;
    if (!res_valid(r, ddi, DISPATCH_LEVEL))
        return;
    pnpsim__disp_lock();
    if ((r->Flag & ResourceOwnedExclusive) && r->OwnerEntry.OwnerThread == t) {
        if (--r->OwnerEntry.OwnerCount == 0) {
            r->Flag &= (USHORT)~ResourceOwnedExclusive;
            r->OwnerEntry.OwnerThread = 0;
            r->ActiveCount = 0;
        }
        pnpsim__disp_unlock();
        return;
    }
    slot = res_shared_slot(r, t);
    if (slot == NULL) {
        pnpsim__disp_unlock();
        raise_status(STATUS_RESOURCE_NOT_OWNED, r, "%s(%p): the thread does not own the resource",
                     ddi);
        return;
    }
    if (--slot->OwnerCount == 0) {
        slot->OwnerThread = 0;
        r->ActiveCount--;
        r->ActiveEntries--;
    }
    pnpsim__disp_unlock();
}

/*
 * Windows behaviour: releases one acquisition of the resource by the calling thread;
 * <= DISPATCH_LEVEL (Microsoft Learn "ExReleaseResourceLite").
 * Simulation: as described; a thread that does not own it bug checks 0x1E
 * (STATUS_RESOURCE_NOT_OWNED, resource), as the checked kernel does.
 */
VOID FASTCALL ExReleaseResourceLite(PERESOURCE Resource)
{
    res_release(Resource, (ERESOURCE_THREAD)pnpsim__kthread_current(), "ExReleaseResourceLite");
}

/*
 * Windows behaviour: releases an acquisition made by the given thread (Microsoft Learn
 * "ExReleaseResourceForThreadLite").
 * Simulation: as described.
 */
VOID NTAPI ExReleaseResourceForThreadLite(PERESOURCE Resource, ERESOURCE_THREAD ResourceThreadId)
{
    res_release(Resource, ResourceThreadId, "ExReleaseResourceForThreadLite");
}

/*
 * Windows behaviour: TRUE if the calling thread owns the resource exclusively (Microsoft
 * Learn "ExIsResourceAcquiredExclusiveLite").
 * Simulation: as described.
 */
BOOLEAN NTAPI ExIsResourceAcquiredExclusiveLite(PERESOURCE Resource)
{
    ERESOURCE_THREAD me = (ERESOURCE_THREAD)pnpsim__kthread_current();
    BOOLEAN r;
    if (!res_valid(Resource, "ExIsResourceAcquiredExclusiveLite", DISPATCH_LEVEL))
        return FALSE;
    pnpsim__disp_lock();
    r = (Resource->Flag & ResourceOwnedExclusive) && Resource->OwnerEntry.OwnerThread == me;
    pnpsim__disp_unlock();
    return r;
}

/*
 * Windows behaviour: how many times the calling thread holds the resource (shared or
 * exclusive); 0 if not at all (Microsoft Learn "ExIsResourceAcquiredSharedLite").
 * Simulation: as described.
 */
ULONG NTAPI ExIsResourceAcquiredSharedLite(PERESOURCE Resource)
{
    ERESOURCE_THREAD me = (ERESOURCE_THREAD)pnpsim__kthread_current();
    OWNER_ENTRY *slot;
    ULONG n = 0;
    if (!res_valid(Resource, "ExIsResourceAcquiredSharedLite", DISPATCH_LEVEL))
        return 0;
    pnpsim__disp_lock();
    if ((Resource->Flag & ResourceOwnedExclusive) && Resource->OwnerEntry.OwnerThread == me)
        n = Resource->OwnerEntry.OwnerCount;
    else if ((slot = res_shared_slot(Resource, me)) != NULL)
        n = slot->OwnerCount;
    pnpsim__disp_unlock();
    return n;
}

/*
 * Windows behaviour: the number of threads waiting for exclusive access (Microsoft Learn
 * "ExGetExclusiveWaiterCount").
 * Simulation: as described.
 */
ULONG NTAPI ExGetExclusiveWaiterCount(PERESOURCE Resource)
{
    if (!res_valid(Resource, "ExGetExclusiveWaiterCount", DISPATCH_LEVEL))
        return 0;
    return (ULONG)Resource->NumberOfExclusiveWaiters;
}

/*
 * Windows behaviour: the number of threads waiting for shared access (Microsoft Learn
 * "ExGetSharedWaiterCount").
 * Simulation: as described.
 */
ULONG NTAPI ExGetSharedWaiterCount(PERESOURCE Resource)
{
    if (!res_valid(Resource, "ExGetSharedWaiterCount", DISPATCH_LEVEL))
        return 0;
    return (ULONG)Resource->NumberOfSharedWaiters;
}

/*
 * Windows behaviour: KeEnterCriticalRegion, then exclusive acquisition (waiting); returns
 * the thread (Microsoft Learn "ExEnterCriticalRegionAndAcquireResourceExclusive").
 * Simulation: as described.
 */
PVOID NTAPI ExEnterCriticalRegionAndAcquireResourceExclusive(PERESOURCE Resource)
{
    KeEnterCriticalRegion();
    res_acquire_exclusive(Resource, TRUE, "ExEnterCriticalRegionAndAcquireResourceExclusive");
    return pnpsim__kthread_current();
}

/*
 * Windows behaviour: KeEnterCriticalRegion, then shared acquisition (waiting) (Microsoft
 * Learn "ExEnterCriticalRegionAndAcquireResourceShared").
 * Simulation: as described.
 */
PVOID NTAPI ExEnterCriticalRegionAndAcquireResourceShared(PERESOURCE Resource)
{
    KeEnterCriticalRegion();
    res_acquire_shared(Resource, TRUE, false, "ExEnterCriticalRegionAndAcquireResourceShared");
    return pnpsim__kthread_current();
}

/*
 * Windows behaviour: releases the resource, then KeLeaveCriticalRegion (Microsoft Learn
 * "ExReleaseResourceAndLeaveCriticalRegion").
 * Simulation: as described.
 */
VOID FASTCALL ExReleaseResourceAndLeaveCriticalRegion(PERESOURCE Resource)
{
    ExReleaseResourceLite(Resource);
    KeLeaveCriticalRegion();
}
