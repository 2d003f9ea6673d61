/* SPDX-License-Identifier: MIT */
/*
 * This file implements remove locks (IoInitializeRemoveLockEx, IoAcquireRemoveLockEx,
 * IoReleaseRemoveLockEx, IoReleaseRemoveLockAndWaitEx), the counter with which a driver
 * keeps its device from being removed while I/O is in progress (Microsoft Learn "Using
 * Remove Locks"). The count starts at 1 (the lock's own reference); each acquire adds one,
 * each release takes one; IoReleaseRemoveLockAndWait marks the lock removed, drops the
 * caller's and the initial reference and waits until the last outstanding release.
 *
 * Misuse that Driver Verifier's I/O verification reports is a bug check 0xC4 with its
 * documented parameter 1: releasing a tag that no acquire took (0xD5 / 0xD6 for the wait
 * form) and re-initializing a lock after IoReleaseRemoveLockAndWait (0xD7).
 */
#include "pnpsim_int.h"

#define REMLOCK_SIGNATURE 0x6B4C6D52 /* "RmLk": set by IoInitializeRemoveLockEx */

#define VF_REMLOCK_RELEASE_TAG 0xD5
#define VF_REMLOCK_WAIT_TAG 0xD6
#define VF_REMLOCK_REINIT 0xD7

static pnpsim_system *current_system(void)
{
    return pnpsim__ts()->current;
}

/* A NULL lock: Windows takes an access violation (see ke.c). */
static bool null_lock(const void *lock, const char *ddi)
{
    if (lock != NULL)
        return false;
    pnpsim__bugcheck(current_system(), 0x7E /* SYSTEM_THREAD_EXCEPTION_NOT_HANDLED */,
                     (ULONG_PTR)(ULONG)STATUS_ACCESS_VIOLATION, 0, 0, 0,
                     "%s was passed a NULL remove lock (an access violation on Windows)", ddi);
    return true;
}

/*
 * Windows behaviour: initializes a remove lock for a device object: not removed, count 1,
 * the removal event not signalled; a lock must be initialized once, never again after
 * IoReleaseRemoveLockAndWait, else Driver Verifier bug checks 0xC4/0xD7 (Microsoft Learn
 * "IoInitializeRemoveLock", "Bug Check 0xC4"). Callers run at PASSIVE_LEVEL.
 * Simulation: as described; the debug block records the allocation tag and high-water mark
 * and a signature that lets pnpsim recognise a re-initialization. The maximum locked time
 * is not tracked.
 */
VOID NTAPI IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock, ULONG AllocateTag,
                                    ULONG MaxLockedMinutes, ULONG HighWatermark,
                                    ULONG RemlockSize)
{
    pnpsim_system *sys = current_system();
    PNPSIM_UNUSED(MaxLockedMinutes);
    PNPSIM_UNUSED(RemlockSize);
    if (null_lock(Lock, "IoInitializeRemoveLockEx"))
        return;
    if (!pnpsim__check_irql(sys, "IoInitializeRemoveLockEx", PASSIVE_LEVEL, 0, NULL))
        return;
    if (Lock->Dbg.Signature == REMLOCK_SIGNATURE && Lock->Common.Removed) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, VF_REMLOCK_REINIT,
                         (ULONG_PTR)Lock, (ULONG_PTR)Lock, 0,
                         "IoInitializeRemoveLockEx(%p): the lock was already released with "
                         "IoReleaseRemoveLockAndWait and cannot be initialized again",
                         (void *)Lock);
        return;
    }
    memset(Lock, 0, sizeof(*Lock));
    Lock->Common.Removed = FALSE;
    Lock->Common.IoCount = 1;
    KeInitializeEvent(&Lock->Common.RemoveEvent, NotificationEvent, FALSE);
    Lock->Dbg.Signature = REMLOCK_SIGNATURE;
    Lock->Dbg.HighWatermark = HighWatermark;
    Lock->Dbg.AllocateTag = (LONG)AllocateTag;
    InitializeListHead(&Lock->Dbg.LockList);
}

/*
 * Windows behaviour: takes a reference on the remove lock; returns STATUS_SUCCESS, or
 * STATUS_DELETE_PENDING (without a reference) once IoReleaseRemoveLockAndWait has been
 * called; <= DISPATCH_LEVEL (Microsoft Learn "IoAcquireRemoveLock").
 * Simulation: as described; File, Line and Tag are not recorded.
 */
NTSTATUS NTAPI IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, PCSTR File,
                                     ULONG Line, ULONG RemlockSize)
{
    pnpsim_system *sys = current_system();
    LONG n;
    PNPSIM_UNUSED(Tag);
    PNPSIM_UNUSED(File);
    PNPSIM_UNUSED(Line);
    PNPSIM_UNUSED(RemlockSize);
    if (null_lock(RemoveLock, "IoAcquireRemoveLockEx"))
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__check_irql(sys, "IoAcquireRemoveLockEx", DISPATCH_LEVEL, 0, NULL))
        return STATUS_DELETE_PENDING;
    n = InterlockedIncrement(&RemoveLock->Common.IoCount);
    if (RemoveLock->Common.Removed) {
        /* Give the reference back; the last one out wakes the remover. */
        if (InterlockedDecrement(&RemoveLock->Common.IoCount) == 0)
            KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
        return pnpsim__status(STATUS_DELETE_PENDING,
                              "IoAcquireRemoveLock(%p): the device is being removed",
                              (void *)RemoveLock);
    }
    if (RemoveLock->Dbg.HighWatermark != 0 && (ULONG)n > RemoveLock->Dbg.HighWatermark + 1u &&
        pnpsim__trace_on(sys, PNPSIM_TRACE_DEVICE))
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, NULL, pnpsim__current_driver(), NULL,
                      "remove lock %p: %ld references, above its high-water mark %lu",
                      (void *)RemoveLock, (long)n - 1,
                      (unsigned long)RemoveLock->Dbg.HighWatermark);
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: gives back a reference taken with IoAcquireRemoveLock; after
 * IoReleaseRemoveLockAndWait, the last release signals the waiting remover;
 * <= DISPATCH_LEVEL (Microsoft Learn "IoReleaseRemoveLock"). Driver Verifier reports a
 * release whose tag matches no acquire as 0xC4/0xD5 ("Bug Check 0xC4").
 * Simulation: tags are not recorded; a release the acquires do not cover (the count would
 * fall to the lock's own reference before removal, or below zero after it) bug checks
 * 0xC4/0xD5 with parameter 2 the lock and parameter 3 the tag, and the count is restored.
 */
VOID NTAPI IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, ULONG RemlockSize)
{
    pnpsim_system *sys = current_system();
    LONG n;
    PNPSIM_UNUSED(RemlockSize);
    if (null_lock(RemoveLock, "IoReleaseRemoveLockEx"))
        return;
    if (!pnpsim__check_irql(sys, "IoReleaseRemoveLockEx", DISPATCH_LEVEL, 0, NULL))
        return;
    n = InterlockedDecrement(&RemoveLock->Common.IoCount);
    if (n < 0 || (n == 0 && !RemoveLock->Common.Removed)) {
        InterlockedIncrement(&RemoveLock->Common.IoCount);
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, VF_REMLOCK_RELEASE_TAG,
                         (ULONG_PTR)RemoveLock, (ULONG_PTR)Tag, 0,
                         "IoReleaseRemoveLock(%p, tag %p): released more often than acquired",
                         (void *)RemoveLock, Tag);
        return;
    }
    if (n == 0)
        KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
}

/*
 * Windows behaviour: called by the driver's IRP_MN_REMOVE_DEVICE handling with a reference
 * it acquired: marks the lock removed (later acquires fail with STATUS_DELETE_PENDING),
 * releases that reference and the lock's initial one, and waits until every other
 * reference has been released; PASSIVE_LEVEL (Microsoft Learn
 * "IoReleaseRemoveLockAndWait", "Using Remove Locks"). Driver Verifier reports a tag that
 * matches no acquire as 0xC4/0xD6.
 * Simulation: as described; the wait lets the system's queued work run (work items that
 * release the lock). Calling it without holding a reference (or twice) bug checks
 * 0xC4/0xD6 with parameter 2 the lock, parameter 3 the tag.
 */
VOID NTAPI IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag, ULONG RemlockSize)
{
    pnpsim_system *sys = current_system();
    LONG n;
    PNPSIM_UNUSED(RemlockSize);
    if (null_lock(RemoveLock, "IoReleaseRemoveLockAndWaitEx"))
        return;
    if (!pnpsim__check_irql(sys, "IoReleaseRemoveLockAndWaitEx", PASSIVE_LEVEL, 0, NULL))
        return;
    if (RemoveLock->Common.Removed ||
        InterlockedCompareExchange(&RemoveLock->Common.IoCount, 0, 0) < 2) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, VF_REMLOCK_WAIT_TAG,
                         (ULONG_PTR)RemoveLock, (ULONG_PTR)Tag, 0,
                         "IoReleaseRemoveLockAndWait(%p, tag %p): %s", (void *)RemoveLock, Tag,
                         RemoveLock->Common.Removed
                             ? "called twice"
                             : "the caller holds no reference (call IoAcquireRemoveLock "
                               "first)");
        return;
    }
    RemoveLock->Common.Removed = TRUE;
    InterlockedDecrement(&RemoveLock->Common.IoCount); /* the caller's reference */
    n = InterlockedDecrement(&RemoveLock->Common.IoCount); /* the lock's own */
    if (n > 0)
        pnpsim__event_wait(sys, &RemoveLock->Common.RemoveEvent);
}
