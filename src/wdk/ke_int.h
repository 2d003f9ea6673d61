/* SPDX-License-Identifier: MIT */
/*
 * This file implements the private interface between the kernel-object modules of the WDK
 * layer: the dispatcher (ke.c) that every wait goes through, the synchronisation objects
 * (ke_sync.c), timers, DPCs and simulated time (ke_timer.c), and system threads
 * (ps_thread.c). It defines the thread object behind PKTHREAD and the per-system kernel
 * state (sys->ke).
 *
 * Lock contract: the dispatcher lock (pnpsim__disp_lock) is one process-wide mutex guarding
 * every dispatcher object's SignalState, the timer list and the DPC queue. It is a leaf
 * lock: never held while calling driver code, never held while taking sys->lock.
 */
#ifndef PNPSIM_KE_INT_H
#define PNPSIM_KE_INT_H

#include <setjmp.h>

#include "pnpsim_int.h"

/* Dispatcher object types (DISPATCHER_HEADER.Type), as Windows numbers them (KOBJECTS). */
enum {
    PNPSIM__KOBJ_EVENT_NOTIFICATION = 0,
    PNPSIM__KOBJ_EVENT_SYNCHRONIZATION = 1,
    PNPSIM__KOBJ_MUTANT = 2,
    PNPSIM__KOBJ_SEMAPHORE = 5,
    PNPSIM__KOBJ_THREAD = 6,
    PNPSIM__KOBJ_TIMER_NOTIFICATION = 8,
    PNPSIM__KOBJ_TIMER_SYNCHRONIZATION = 9
};

/* A NULL object pointer is the access violation Windows takes in a system thread. */
#ifndef SYSTEM_THREAD_EXCEPTION_NOT_HANDLED
#define SYSTEM_THREAD_EXCEPTION_NOT_HANDLED 0x0000007E
#endif

/* The object header type of thread objects (pnpsim__obhdr.type); IO_TYPE_* are below 16. */
#define PNPSIM__OB_TYPE_THREAD 0x106

/* A thread object: the body behind PKTHREAD/PETHREAD. It starts with a DISPATCHER_HEADER
 * (ThreadObject, signalled when the thread ends), so threads can be waited on. */
struct _KTHREAD {
    DISPATCHER_HEADER Header;
    pnpsim_system *sys; /* the system a system thread runs in (NULL: a host thread) */
    PKSTART_ROUTINE start;
    PVOID context;
    PDRIVER_OBJECT driver; /* the driver that created it (owner of its pool) */
    NTSTATUS exit_status;
    KPRIORITY priority;
    LONG critical_region; /* KeEnterCriticalRegion nesting (kernel APCs disabled) */
    LONG guarded_region;  /* KeEnterGuardedRegion nesting (all APCs disabled) */
    uint64_t host_tid;
    HANDLE thread_id;   /* PsGetCurrentThreadId */
    bool system_thread; /* made by PsCreateSystemThread */
    bool finished;      /* the start routine returned or terminated */
    bool joined;
    bool exit_jmp_armed;
    bool started; /* the host thread is running (host_tid is set) */
    pnpsim__thread host;
    /* PsTerminateSystemThread unwinds to the thread's base. A pointer to a jmp_buf on the
     * host thread's stack, not a jmp_buf: MinGW-w64's x64 jmp_buf is 16-byte aligned,
     * which would put padding between the object header and the KTHREAD. */
    jmp_buf *exit_jmp;
    LIST_ENTRY link;  /* pnpsim__ke_state.threads */
};

typedef struct pnpsim__kthread_obj {
    pnpsim__obhdr hdr; /* must be first: the KTHREAD follows it directly */
    struct _KTHREAD t;
} pnpsim__kthread_obj;
_Static_assert(offsetof(pnpsim__kthread_obj, t) == sizeof(pnpsim__obhdr),
               "KTHREAD must follow its object header directly");

/* The per-system kernel state (sys->ke). */
typedef struct pnpsim__ke_state {
    uint64_t now_ns;          /* simulated time since boot (interrupt time), in ns */
    LIST_ENTRY timers;        /* KTIMER.TimerListEntry of every set timer */
    PKDPC dpc_head, dpc_tail; /* queued DPCs (KDPC.DpcListEntry.Next chains them) */
    LIST_ENTRY threads;       /* struct _KTHREAD.link of every system thread */
    /* Windows version reported by RtlGetVersion / PsGetVersion (mm.c). */
    ULONG major, minor, build;
    bool version_set;
} pnpsim__ke_state;

/* ---- ke.c: the dispatcher -------------------------------------------------------------- */
void pnpsim__disp_lock(void);
void pnpsim__disp_unlock(void);
/* Wake every waiter to re-check its objects. Caller holds the dispatcher lock. */
void pnpsim__disp_wake_locked(void);
/* Wait for count dispatcher objects (WaitAny or WaitAll) until deadline_ns (monotonic host
 * clock, UINT64_MAX forever). Returns STATUS_WAIT_0 + index (WaitAny), STATUS_SUCCESS
 * (WaitAll), STATUS_TIMEOUT, or STATUS_NOT_IMPLEMENTED for an object type pnpsim does not
 * model. Runs sys's queued work while waiting. Caller holds no lock. */
NTSTATUS pnpsim__disp_wait(pnpsim_system *sys, ULONG count, PVOID const *objects, WAIT_TYPE type,
                           uint64_t deadline_ns, const char *ddi);
/* A Windows timeout (100 ns units; negative relative, positive absolute) as a deadline. */
uint64_t pnpsim__disp_deadline(const LARGE_INTEGER *timeout);
/* The IRQL check every wait makes (Verifier 0xC4/0x120..0x122); false: fail softly. */
bool pnpsim__disp_check_wait_irql(pnpsim_system *sys, const char *ddi, PVOID object,
                                  const LARGE_INTEGER *timeout);

/* ---- ps_thread.c ----------------------------------------------------------------------- */
/* The calling thread's thread object (a system thread's, or one made for a host thread). */
struct _KTHREAD *pnpsim__kthread_current(void);
/* System destroy: report system threads still running (0xCE), wait for them, reap every
 * thread object's own reference. Caller holds no lock. */
void pnpsim__ps_fini(pnpsim_system *sys);
/* True when the calling host thread is a system thread abandoned at system destroy.
 * Caller holds the dispatcher lock. */
bool pnpsim__ps_abandoned_locked(void);

/* ---- mm.c ------------------------------------------------------------------------------ */
/* A DDI pnpsim declares but does not model was called: a trace record every call, one line
 * on stderr per process and DDI (*once counts). */
void pnpsim__log_once(volatile long *once, const char *ddi, const char *what);

/* ---- ke_timer.c ------------------------------------------------------------------------ */
/* The system's kernel state, created on first use (NULL on out of memory). */
pnpsim__ke_state *pnpsim__ke_state_of(pnpsim_system *sys);
/* Called by ke.c after this thread lowered its IRQL from old to new: runs queued DPCs when
 * the IRQL drops below DISPATCH_LEVEL. */
void pnpsim__ke_irql_lowered(KIRQL old_irql, KIRQL new_irql);
/* Pool [start, start+size) is being freed: set timers in it (or whose DPC is in it) and
 * queued DPCs in it are unlinked so they never fire into freed memory, and the first one
 * found is described in *hit (kind 0 timer, 1 DPC: bug check 0xC7's parameter 1). Returns
 * true when there was one; the caller (ExFreePool) then bug checks TIMER_OR_DPC_INVALID.
 * Takes the dispatcher lock. */
typedef struct pnpsim__ke_free_hit {
    int kind;           /* -1 none, 0 timer, 1 DPC */
    const void *object; /* the timer or DPC */
} pnpsim__ke_free_hit;
bool pnpsim__ke_check_free(pnpsim_system *sys, const void *start, size_t size,
                           pnpsim__ke_free_hit *hit);

#endif /* PNPSIM_KE_INT_H */
