/* SPDX-License-Identifier: MIT */
/*
 * This file implements kernel timers (KeInitializeTimer[Ex], KeSetTimer[Ex], KeCancelTimer,
 * KeReadStateTimer), deferred procedure calls (KeInitializeDpc, KeInsertQueueDpc,
 * KeRemoveQueueDpc, KeFlushQueuedDpcs) and the clocks drivers read (KeQueryInterruptTime,
 * KeQueryTickCount, KeQueryPerformanceCounter), all on simulated time: a per-system clock
 * that starts at zero and moves only when the test calls pnpsim_time_advance(). It also
 * owns the per-system kernel state (sys->ke) and its teardown (pnpsim__ke_fini).
 *
 * DPCs run where Windows would run them soon: KeInsertQueueDpc below DISPATCH_LEVEL runs
 * the queue at once on the calling thread; at DISPATCH_LEVEL or above the DPC waits until
 * a thread of the system lowers its IRQL below DISPATCH_LEVEL (KeLowerIrql, releasing a spin
 * lock), or until pnpsim_time_advance / KeFlushQueuedDpcs runs the queue. A DPC runs at
 * DISPATCH_LEVEL and must return at DISPATCH_LEVEL.
 *
 * The timer list and the DPC queue are guarded by the dispatcher lock (ke_int.h); no lock is
 * held while a DPC routine runs.
 */
#include "ke_int.h"
#include "pnpsim/time.h"

/* Windows' default clock interval: 15.625 ms, in 100 ns units (KeQueryTimeIncrement). */
#define TIME_INCREMENT_100NS 156250u
/* The simulated performance counter frequency: 10 MHz (one count per 100 ns). */
#define PERFORMANCE_FREQUENCY 10000000
/* DISPATCHER_HEADER.Reserved1 of a timer: 1 while it is in the system's timer list. */
#define TIMER_INSERTED 1

/* Number of DPCs queued in any system: a cheap test before KeLowerIrql looks further. */
static volatile long dpcs_queued;
/* This thread is running its system's DPC queue (no nested drain). */
static PNPSIM_THREAD_LOCAL bool draining;

/* ======================================================================================
 * Kernel state
 * ==================================================================================== */

/* The state is allocated with the host allocator, not pnpsim__calloc: the routines that
 * first need it (KeSetTimer, KeInsertQueueDpc) have no failure path on Windows, so fault
 * injection must not reach it. pnpsim__ke_fini frees it. */
pnpsim__ke_state *pnpsim__ke_state_of(pnpsim_system *sys)
{
    pnpsim__ke_state *ke;
    if (sys == NULL)
        return NULL;
    if (sys->ke != NULL)
        return sys->ke;
    pnpsim__lock(sys);
    if (sys->ke == NULL) {
        ke = calloc(1, sizeof(*ke));
        if (ke != NULL) {
            InitializeListHead(&ke->timers);
            InitializeListHead(&ke->threads);
        }
        sys->ke = ke;
    }
    ke = sys->ke;
    pnpsim__unlock(sys);
    return ke;
}

void pnpsim__ke_fini(pnpsim_system *sys)
{
    pnpsim__ke_state *ke = sys->ke;
    if (ke == NULL)
        return;
    pnpsim__ps_fini(sys);
    pnpsim__disp_lock();
    /* Timers still set and DPCs still queued live in driver memory that may be gone:
     * forget them without touching them. */
    InitializeListHead(&ke->timers);
    while (ke->dpc_head != NULL) {
        ke->dpc_head = (PKDPC)ke->dpc_head->DpcListEntry.Next;
        pnpsim__atomic_dec(&dpcs_queued);
    }
    pnpsim__disp_unlock();
    sys->ke = NULL;
    free(ke);
}

/* The system of a DDI with no object argument (bug check when there is none). */
static pnpsim__ke_state *ke_for(const char *ddi, pnpsim_system **sys_out)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    if (sys_out != NULL)
        *sys_out = sys;
    return sys != NULL ? pnpsim__ke_state_of(sys) : NULL;
}

/* A NULL object pointer: an access violation in kernel mode on Windows. */
static void null_object(pnpsim_system *sys, const char *ddi)
{
    pnpsim__bugcheck(sys, SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
                     (ULONG_PTR)(ULONG)STATUS_ACCESS_VIOLATION, 0, 0, 0,
                     "%s was passed a NULL object (an access violation on Windows)", ddi);
}

/* ======================================================================================
 * DPCs
 * ==================================================================================== */

/* Queue dpc at the tail. Returns false when it is already queued. Caller holds the
 * dispatcher lock. */
static bool dpc_enqueue_locked(pnpsim__ke_state *ke, PKDPC dpc, PVOID a1, PVOID a2)
{
    if (dpc->DpcData != NULL)
        return false;
    dpc->SystemArgument1 = a1;
    dpc->SystemArgument2 = a2;
    dpc->DpcData = ke;
    dpc->DpcListEntry.Next = NULL;
    if (ke->dpc_tail != NULL)
        ke->dpc_tail->DpcListEntry.Next = &dpc->DpcListEntry;
    else
        ke->dpc_head = dpc;
    ke->dpc_tail = dpc;
    pnpsim__atomic_inc(&dpcs_queued);
    return true;
}

/* Unlink dpc if it is queued. Caller holds the dispatcher lock. */
static bool dpc_remove_locked(pnpsim__ke_state *ke, PKDPC dpc)
{
    PKDPC prev = NULL, cur;
    for (cur = ke->dpc_head; cur != NULL; prev = cur, cur = (PKDPC)cur->DpcListEntry.Next) {
        if (cur != dpc)
            continue;
        if (prev != NULL)
            prev->DpcListEntry.Next = cur->DpcListEntry.Next;
        else
            ke->dpc_head = (PKDPC)cur->DpcListEntry.Next;
        if (ke->dpc_tail == cur)
            ke->dpc_tail = prev;
        cur->DpcListEntry.Next = NULL;
        cur->DpcData = NULL;
        pnpsim__atomic_dec(&dpcs_queued);
        return true;
    }
    return false;
}

/* Run sys's queued DPCs on this thread, at DISPATCH_LEVEL, until the queue is empty. Caller
 * holds no lock. Returns how many ran. */
static size_t dpc_drain(pnpsim_system *sys)
{
    pnpsim__ke_state *ke = sys != NULL ? sys->ke : NULL;
    pnpsim__thread_state *ts = pnpsim__ts();
    size_t n = 0;
    if (ke == NULL || draining)
        return 0;
    draining = true;
    for (;;) {
        PKDPC dpc;
        PKDEFERRED_ROUTINE routine;
        PVOID ctx, a1, a2;
        KIRQL saved;
        pnpsim__callout c;
        pnpsim__disp_lock();
        dpc = ke->dpc_head;
        if (dpc != NULL)
            dpc_remove_locked(ke, dpc);
        pnpsim__disp_unlock();
        if (dpc == NULL)
            break;
        /* Read everything before the call: the routine may free or requeue its DPC. */
        routine = dpc->DeferredRoutine;
        ctx = dpc->DeferredContext;
        a1 = dpc->SystemArgument1;
        a2 = dpc->SystemArgument2;
        if (routine == NULL)
            continue;
        saved = ts->irql;
        ts->irql = DISPATCH_LEVEL;
        pnpsim__callout_begin(sys, &c, "DPC routine");
        routine(dpc, ctx, a1, a2);
        pnpsim__callout_end(sys, &c);
        ts->irql = saved;
        n++;
    }
    draining = false;
    return n;
}

void pnpsim__ke_irql_lowered(KIRQL old_irql, KIRQL new_irql)
{
    if (old_irql >= DISPATCH_LEVEL && new_irql < DISPATCH_LEVEL &&
        pnpsim__atomic_load(&dpcs_queued) > 0)
        dpc_drain(pnpsim__ts()->current);
}

/*
 * Windows behaviour: initializes a DPC object with its routine and context; any IRQL
 * (Microsoft Learn "KeInitializeDpc").
 * Simulation: as described; the DPC is marked not queued.
 */
VOID NTAPI KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    if (Dpc == NULL) {
        null_object(pnpsim__ts()->current, "KeInitializeDpc");
        return;
    }
    memset(Dpc, 0, sizeof(*Dpc));
    Dpc->Type = 19; /* DpcObject */
    Dpc->Importance = MediumImportance;
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
}

/*
 * Windows behaviour: initializes a threaded DPC, which runs at PASSIVE_LEVEL in a real-time
 * thread unless threaded DPCs are disabled, in which case it runs as an ordinary DPC at
 * DISPATCH_LEVEL (Microsoft Learn "KeInitializeThreadedDpc").
 * Simulation: an ordinary DPC (the documented fallback): its routine runs at DISPATCH_LEVEL.
 */
VOID NTAPI KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
                                   PVOID DeferredContext)
{
    KeInitializeDpc(Dpc, DeferredRoutine, DeferredContext);
    if (Dpc != NULL)
        Dpc->Type = 24; /* ThreadedDpcObject */
}

/*
 * Windows behaviour: queues the DPC with the two system arguments; returns FALSE (and
 * changes nothing) if it is already queued; any IRQL (Microsoft Learn "KeInsertQueueDpc").
 * Simulation: below DISPATCH_LEVEL the queue runs at once on this thread; otherwise when a
 * thread lowers its IRQL below DISPATCH_LEVEL or the test advances time (file comment).
 */
BOOLEAN NTAPI KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    pnpsim_system *sys;
    pnpsim__ke_state *ke = ke_for("KeInsertQueueDpc", &sys);
    bool queued;
    if (Dpc == NULL) {
        null_object(sys, "KeInsertQueueDpc");
        return FALSE;
    }
    if (ke == NULL)
        return FALSE;
    pnpsim__disp_lock();
    queued = dpc_enqueue_locked(ke, Dpc, SystemArgument1, SystemArgument2);
    pnpsim__disp_unlock();
    if (queued && KeGetCurrentIrql() < DISPATCH_LEVEL)
        dpc_drain(sys);
    return queued ? TRUE : FALSE;
}

/*
 * Windows behaviour: removes the DPC from the queue; TRUE if it was queued; any IRQL
 * (Microsoft Learn "KeRemoveQueueDpc").
 * Simulation: as described.
 */
BOOLEAN NTAPI KeRemoveQueueDpc(PRKDPC Dpc)
{
    pnpsim_system *sys;
    pnpsim__ke_state *ke = ke_for("KeRemoveQueueDpc", &sys);
    bool removed;
    if (Dpc == NULL) {
        null_object(sys, "KeRemoveQueueDpc");
        return FALSE;
    }
    if (ke == NULL)
        return FALSE;
    pnpsim__disp_lock();
    removed = dpc_remove_locked(ke, Dpc);
    pnpsim__disp_unlock();
    return removed ? TRUE : FALSE;
}

/*
 * Windows behaviour: sets where in the DPC queue the DPC goes (Microsoft Learn
 * "KeSetImportanceDpc").
 * Simulation: recorded in Dpc->Importance; the queue is always first in, first out.
 */
VOID NTAPI KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance)
{
    if (Dpc == NULL) {
        null_object(pnpsim__ts()->current, "KeSetImportanceDpc");
        return;
    }
    Dpc->Importance = (UCHAR)Importance;
}

/*
 * Windows behaviour: sets the processor the DPC is queued to (Microsoft Learn
 * "KeSetTargetProcessorDpc").
 * Simulation: recorded in Dpc->Number; there is one simulated processor queue.
 */
VOID NTAPI KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number)
{
    if (Dpc == NULL) {
        null_object(pnpsim__ts()->current, "KeSetTargetProcessorDpc");
        return;
    }
    Dpc->Number = (USHORT)(UCHAR)Number;
}

/*
 * Windows behaviour: returns after every queued DPC on every processor has run; callers
 * run at PASSIVE_LEVEL (Microsoft Learn "KeFlushQueuedDpcs").
 * Simulation: runs the system's DPC queue on the calling thread.
 */
VOID NTAPI KeFlushQueuedDpcs(void)
{
    pnpsim_system *sys;
    ke_for("KeFlushQueuedDpcs", &sys);
    if (sys == NULL || !pnpsim__check_irql(sys, "KeFlushQueuedDpcs", PASSIVE_LEVEL, 0, NULL))
        return;
    dpc_drain(sys);
}

/* ======================================================================================
 * Timers
 * ==================================================================================== */

/* Fire timer t at the current simulated time: signal it, wake its waiters, queue its DPC,
 * and re-arm it if periodic. Caller holds the dispatcher lock. */
static void timer_expire_locked(pnpsim__ke_state *ke, PKTIMER t)
{
    RemoveEntryList(&t->TimerListEntry);
    t->Header.Reserved1 = 0;
    t->Header.SignalState = 1;
    if (t->Period > 0) {
        t->DueTime.QuadPart = ke->now_ns / 100u + (ULONGLONG)t->Period * 10000u;
        InsertTailList(&ke->timers, &t->TimerListEntry);
        t->Header.Reserved1 = TIMER_INSERTED;
    }
    if (t->Dpc != NULL)
        dpc_enqueue_locked(ke, t->Dpc, (PVOID)(ULONG_PTR)(ke->now_ns / 100u), NULL);
    pnpsim__disp_wake_locked();
}

static void timer_init(PKTIMER Timer, TIMER_TYPE Type, const char *ddi)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    if (Timer == NULL) {
        null_object(sys, ddi);
        return;
    }
    if (!pnpsim__check_irql(sys, ddi, DISPATCH_LEVEL, 0, NULL))
        return;
    memset(Timer, 0, sizeof(*Timer));
    Timer->Header.Type = (UCHAR)(Type == SynchronizationTimer ? PNPSIM__KOBJ_TIMER_SYNCHRONIZATION
                                                              : PNPSIM__KOBJ_TIMER_NOTIFICATION);
    Timer->Header.Size = (UCHAR)(sizeof(KTIMER) / sizeof(LONG));
    InitializeListHead(&Timer->Header.WaitListHead);
    InitializeListHead(&Timer->TimerListEntry);
}

/*
 * Windows behaviour: initializes a notification timer, not signalled; <= DISPATCH_LEVEL
 * (Microsoft Learn "KeInitializeTimer").
 * Simulation: as described.
 */
VOID NTAPI KeInitializeTimer(PKTIMER Timer)
{
    timer_init(Timer, NotificationTimer, "KeInitializeTimer");
}

/*
 * Windows behaviour: initializes a notification or synchronization timer, not signalled;
 * <= DISPATCH_LEVEL (Microsoft Learn "KeInitializeTimerEx").
 * Simulation: as described.
 */
VOID NTAPI KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    timer_init(Timer, Type, "KeInitializeTimerEx");
}

/*
 * Windows behaviour: sets the timer to expire at DueTime (100 ns units; negative relative,
 * positive absolute system time), then every Period milliseconds if Period > 0; when it
 * expires it is signalled and Dpc (if any) is queued. Setting resets the signal state.
 * Returns TRUE if the timer was already in the timer queue (it is cancelled first);
 * <= DISPATCH_LEVEL (Microsoft Learn "KeSetTimerEx"). A negative Period is invalid.
 * Simulation: due times are on the system's simulated clock; an absolute DueTime is
 * converted with the host wall clock. A due time already reached fires at once. The DPC's
 * SystemArgument1 is the expiry's interrupt time (as Windows passes the low part of it).
 */
BOOLEAN NTAPI KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    pnpsim_system *sys;
    pnpsim__ke_state *ke = ke_for("KeSetTimerEx", &sys);
    int64_t rel100;
    bool was, fired = false;
    if (Timer == NULL) {
        null_object(sys, "KeSetTimerEx");
        return FALSE;
    }
    if (ke == NULL || !pnpsim__check_irql(sys, "KeSetTimerEx", DISPATCH_LEVEL, 0, NULL))
        return FALSE;
    if (Period < 0) {
        pnpsim__bugcheck(sys, KMODE_EXCEPTION_NOT_HANDLED,
                         (ULONG_PTR)(ULONG)STATUS_INVALID_PARAMETER_3, (ULONG_PTR)Timer, 0, 0,
                         "KeSetTimerEx(%p): negative Period %ld", (void *)Timer, (long)Period);
        return FALSE;
    }
    if (DueTime.QuadPart < 0)
        rel100 = -DueTime.QuadPart;
    else
        rel100 = DueTime.QuadPart - pnpsim__system_time_100ns();
    if (rel100 < 0)
        rel100 = 0;
    pnpsim__disp_lock();
    was = Timer->Header.Reserved1 == TIMER_INSERTED;
    if (was)
        RemoveEntryList(&Timer->TimerListEntry);
    Timer->Header.SignalState = 0;
    Timer->Period = Period;
    Timer->Dpc = Dpc;
    Timer->DueTime.QuadPart = ke->now_ns / 100u + (ULONGLONG)rel100;
    InsertTailList(&ke->timers, &Timer->TimerListEntry);
    Timer->Header.Reserved1 = TIMER_INSERTED;
    if (rel100 == 0) {
        timer_expire_locked(ke, Timer);
        fired = true;
    }
    pnpsim__disp_unlock();
    if (fired && Dpc != NULL && KeGetCurrentIrql() < DISPATCH_LEVEL)
        dpc_drain(sys);
    return was ? TRUE : FALSE;
}

/*
 * Windows behaviour: KeSetTimerEx with Period 0 (Microsoft Learn "KeSetTimer").
 * Simulation: exactly that.
 */
BOOLEAN NTAPI KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

/*
 * Windows behaviour: removes the timer from the timer queue; TRUE if it was there. A DPC
 * already queued by an earlier expiry is not removed; <= DISPATCH_LEVEL (Microsoft Learn
 * "KeCancelTimer").
 * Simulation: as described.
 */
BOOLEAN NTAPI KeCancelTimer(PKTIMER Timer)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    bool was;
    if (Timer == NULL) {
        null_object(sys, "KeCancelTimer");
        return FALSE;
    }
    if (!pnpsim__check_irql(sys, "KeCancelTimer", DISPATCH_LEVEL, 0, NULL))
        return FALSE;
    pnpsim__disp_lock();
    was = Timer->Header.Reserved1 == TIMER_INSERTED;
    if (was) {
        RemoveEntryList(&Timer->TimerListEntry);
        InitializeListHead(&Timer->TimerListEntry);
        Timer->Header.Reserved1 = 0;
    }
    pnpsim__disp_unlock();
    return was ? TRUE : FALSE;
}

/*
 * Windows behaviour: TRUE if the timer is signalled; <= DISPATCH_LEVEL (Microsoft Learn
 * "KeReadStateTimer").
 * Simulation: as described.
 */
BOOLEAN NTAPI KeReadStateTimer(PKTIMER Timer)
{
    BOOLEAN state;
    if (Timer == NULL) {
        null_object(pnpsim__ts()->current, "KeReadStateTimer");
        return FALSE;
    }
    pnpsim__disp_lock();
    state = Timer->Header.SignalState > 0 ? TRUE : FALSE;
    pnpsim__disp_unlock();
    return state;
}

/* ======================================================================================
 * Freeing memory that holds a live timer or a queued DPC
 * ==================================================================================== */

static bool in_range(const void *obj, size_t size, uintptr_t lo, uintptr_t hi)
{
    uintptr_t o = (uintptr_t)obj;
    return o < hi && o + size > lo;
}

bool pnpsim__ke_check_free(pnpsim_system *sys, const void *start, size_t size,
                           pnpsim__ke_free_hit *hit)
{
    pnpsim__ke_state *ke = sys != NULL ? sys->ke : NULL;
    uintptr_t lo = (uintptr_t)start, hi = lo + size;
    PLIST_ENTRY e, next;
    PKDPC prev = NULL, cur, nxt;
    hit->kind = -1;
    hit->object = NULL;
    if (ke == NULL || size == 0)
        return false;
    pnpsim__disp_lock();
    /* Set timers inside the block, or whose DPC is inside it: unlinked (forgotten) so the
     * clock never touches the freed memory. */
    for (e = ke->timers.Flink; e != &ke->timers; e = next) {
        PKTIMER t = CONTAINING_RECORD(e, KTIMER, TimerListEntry);
        bool timer_in = in_range(t, sizeof(*t), lo, hi);
        next = e->Flink;
        if (!timer_in && !(t->Dpc != NULL && in_range(t->Dpc, sizeof(KDPC), lo, hi)))
            continue;
        if (hit->kind < 0) {
            hit->kind = timer_in ? 0 : 1;
            hit->object = timer_in ? (const void *)t : (const void *)t->Dpc;
        }
        RemoveEntryList(e);
        if (!timer_in) {
            /* The timer itself lives on: it stays set, without its DPC. */
            InsertTailList(&ke->timers, e);
            t->Dpc = NULL;
        } else {
            t->Header.Reserved1 = 0;
        }
    }
    /* Queued DPCs inside the block: taken off the queue. */
    for (cur = ke->dpc_head; cur != NULL; cur = nxt) {
        nxt = (PKDPC)cur->DpcListEntry.Next;
        if (!in_range(cur, sizeof(*cur), lo, hi)) {
            prev = cur;
            continue;
        }
        if (hit->kind < 0) {
            hit->kind = 1;
            hit->object = cur;
        }
        if (prev != NULL)
            prev->DpcListEntry.Next = cur->DpcListEntry.Next;
        else
            ke->dpc_head = nxt;
        if (nxt == NULL)
            ke->dpc_tail = prev;
        cur->DpcData = NULL;
        pnpsim__atomic_dec(&dpcs_queued);
    }
    pnpsim__disp_unlock();
    return hit->kind >= 0;
}

/* ======================================================================================
 * Simulated time
 * ==================================================================================== */
NTSTATUS pnpsim_time_advance(pnpsim_system *sys, uint64_t ns)
{
    pnpsim__ke_state *ke;
    uint64_t target;
    if (sys == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_time_advance: sys is NULL");
    ke = pnpsim__ke_state_of(sys);
    if (ke == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "pnpsim_time_advance: out of memory for the kernel state");
    pnpsim__harness_enter(sys);
    pnpsim__disp_lock();
    target = ke->now_ns + ns < ke->now_ns ? UINT64_MAX : ke->now_ns + ns;
    pnpsim__disp_unlock();
    dpc_drain(sys);
    for (;;) {
        PLIST_ENTRY e;
        PKTIMER next = NULL;
        pnpsim__disp_lock();
        for (e = ke->timers.Flink; e != &ke->timers; e = e->Flink) {
            PKTIMER t = CONTAINING_RECORD(e, KTIMER, TimerListEntry);
            if (t->DueTime.QuadPart * 100u <= target &&
                (next == NULL || t->DueTime.QuadPart < next->DueTime.QuadPart))
                next = t;
        }
        if (next == NULL) {
            ke->now_ns = target;
            pnpsim__disp_unlock();
            break;
        }
        if (next->DueTime.QuadPart * 100u > ke->now_ns)
            ke->now_ns = next->DueTime.QuadPart * 100u;
        timer_expire_locked(ke, next);
        pnpsim__disp_unlock();
        if (pnpsim__trace_on(sys, PNPSIM_TRACE_WORK))
            pnpsim__trace(sys, PNPSIM_TRACE_WORK, NULL, NULL, NULL, "timer %p expired at %llu ns",
                          (void *)next, (unsigned long long)ke->now_ns);
        dpc_drain(sys);
    }
    dpc_drain(sys);
    pnpsim__harness_leave(sys);
    return STATUS_SUCCESS;
}

uint64_t pnpsim_time_now(pnpsim_system *sys)
{
    pnpsim__ke_state *ke = pnpsim__ke_state_of(sys);
    uint64_t now;
    if (ke == NULL)
        return 0;
    pnpsim__disp_lock();
    now = ke->now_ns;
    pnpsim__disp_unlock();
    return now;
}

/* The current system's simulated time in 100 ns units (0 without a system). */
static ULONGLONG now_100ns(const char *ddi)
{
    pnpsim_system *sys;
    ke_for(ddi, &sys);
    return sys != NULL ? pnpsim_time_now(sys) / 100u : 0;
}

/*
 * Windows behaviour: the interrupt time: 100 ns units since boot, not counting sleep
 * adjustments; any IRQL (Microsoft Learn "KeQueryInterruptTime").
 * Simulation: the system's simulated time (pnpsim_time_advance), in 100 ns units.
 */
ULONGLONG NTAPI KeQueryInterruptTime(void)
{
    return now_100ns("KeQueryInterruptTime");
}

/*
 * Windows behaviour: the interrupt time with the best precision, and the performance
 * counter it was read with (Microsoft Learn "KeQueryInterruptTimePrecise").
 * Simulation: the simulated time; *QpcTimeStamp is the simulated performance counter.
 */
ULONGLONG NTAPI KeQueryInterruptTimePrecise(PULONG64 QpcTimeStamp)
{
    ULONGLONG t = now_100ns("KeQueryInterruptTimePrecise");
    if (QpcTimeStamp != NULL)
        *QpcTimeStamp = t;
    return t;
}

/*
 * Windows behaviour: the interrupt time without time spent asleep (Microsoft Learn
 * "KeQueryUnbiasedInterruptTime").
 * Simulation: the simulated time (the simulated system never sleeps).
 */
ULONGLONG NTAPI KeQueryUnbiasedInterruptTime(void)
{
    return now_100ns("KeQueryUnbiasedInterruptTime");
}

/*
 * Windows behaviour: the number of 100 ns units added to the system time per clock tick
 * (Microsoft Learn "KeQueryTimeIncrement").
 * Simulation: 156250 (15.625 ms), Windows' default clock interval.
 */
ULONG NTAPI KeQueryTimeIncrement(void)
{
    return TIME_INCREMENT_100NS;
}

/*
 * Windows behaviour: the number of clock ticks since boot (Microsoft Learn
 * "KeQueryTickCount").
 * Simulation: simulated time / KeQueryTimeIncrement().
 */
VOID NTAPI KeQueryTickCount(PLARGE_INTEGER CurrentCount)
{
    ULONGLONG t = now_100ns("KeQueryTickCount");
    if (CurrentCount == NULL) {
        null_object(pnpsim__ts()->current, "KeQueryTickCount");
        return;
    }
    CurrentCount->QuadPart = (LONGLONG)(t / TIME_INCREMENT_100NS);
}

/*
 * Windows behaviour: the performance counter, and its frequency in counts per second in
 * *PerformanceFrequency when that is not NULL; any IRQL (Microsoft Learn
 * "KeQueryPerformanceCounter").
 * Simulation: a 10 MHz counter on simulated time (one count per 100 ns).
 */
LARGE_INTEGER NTAPI KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    LARGE_INTEGER r;
    r.QuadPart = (LONGLONG)now_100ns("KeQueryPerformanceCounter");
    if (PerformanceFrequency != NULL)
        PerformanceFrequency->QuadPart = PERFORMANCE_FREQUENCY;
    return r;
}

/*
 * Windows behaviour: the number of the processor the caller runs on (Microsoft Learn
 * "KeGetCurrentProcessorNumber").
 * Simulation: 0: pnpsim models one processor (threads are real, DPCs share one queue).
 */
ULONG NTAPI KeGetCurrentProcessorNumber(void)
{
    return 0;
}

/*
 * Windows behaviour: the number of active processors, and their affinity mask (Microsoft
 * Learn "KeQueryActiveProcessorCount").
 * Simulation: one processor (mask 1).
 */
ULONG NTAPI KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
    if (ActiveProcessors != NULL)
        *ActiveProcessors = 1;
    return 1;
}
