/* SPDX-License-Identifier: MIT */
/*
 * This file implements system threads (PsCreateSystemThread, PsTerminateSystemThread), the
 * thread objects behind PKTHREAD/PETHREAD (KeGetCurrentThread, PsGetCurrentThreadId,
 * KeSetPriorityThread, waiting on a thread until it ends), the object types drivers pass
 * to ObReferenceObjectByHandle, and ObReferenceObjectByHandle itself.
 *
 * A system thread is a real host thread running the driver's start routine with the
 * system current and the creating driver as the owner of its pool. Its thread object is a
 * pnpsim object (object header, ObReferenceObject/ObDereferenceObject) whose DISPATCHER_HEADER
 * is signalled when the thread ends. The object keeps one reference for the running thread;
 * that reference is dropped when the host thread has been joined (at the next
 * PsCreateSystemThread, or at system destroy), never by the thread itself. A host thread
 * that is not a system thread (the test's, a worker's) gets a thread object of its own on
 * first use, which is never signalled.
 *
 * Choices where Windows is undocumented or would fault (README "Divergences and choices"):
 * - NULL ThreadHandle or StartRoutine: STATUS_INVALID_PARAMETER (Windows faults).
 * - ProcessHandle other than NULL or NtCurrentProcess(): STATUS_NOT_IMPLEMENTED (threads in
 *   other processes are not modelled).
 * - A system thread still running at system destroy is bug check 0xCE
 *   (DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS) (not reported again when the
 *   system already crashed); the thread is then abandoned: it parks for good at its next
 *   wait, never touching the destroyed system again.
 * - ObReferenceObjectByHandle on a registry key handle: STATUS_NOT_IMPLEMENTED (keys are not
 *   pnpsim objects).
 */
#include "ke_int.h"
#include "io_int.h"
#include "registry.h"

#define SYSTEM_PROCESS_ID ((HANDLE)(ULONG_PTR)4)
#define DEFAULT_PRIORITY 8
#ifndef DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS
#define DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS 0x000000CE
#endif

/* ======================================================================================
 * Object types
 * ==================================================================================== */
struct _OBJECT_TYPE {
    const char *name;
};
static struct _OBJECT_TYPE thread_type = {"Thread"};
static struct _OBJECT_TYPE process_type = {"Process"};
static struct _OBJECT_TYPE file_type = {"File"};
static struct _OBJECT_TYPE event_type = {"Event"};
static POBJECT_TYPE thread_type_ptr = &thread_type;
static POBJECT_TYPE process_type_ptr = &process_type;
static POBJECT_TYPE file_type_ptr = &file_type;
static POBJECT_TYPE event_type_ptr = &event_type;
POBJECT_TYPE *PsThreadType = &thread_type_ptr;
POBJECT_TYPE *PsProcessType = &process_type_ptr;
POBJECT_TYPE *IoFileObjectType = &file_type_ptr;
POBJECT_TYPE *ExEventObjectType = &event_type_ptr;

/* The System process: one object for every system, never freed. */
static struct {
    pnpsim__obhdr hdr;
    DISPATCHER_HEADER Header;
} system_process = {{PNPSIM__OB_MAGIC, 0x103, 0, 1L << 28, NULL, NULL, NULL},
                    {3 /* ProcessObject */, 0, 0, 0, 0, {NULL, NULL}}};

/* ======================================================================================
 * Thread objects
 * ==================================================================================== */
static volatile long next_thread_id;
static PNPSIM_THREAD_LOCAL struct _KTHREAD *tls_thread;
static PNPSIM_THREAD_LOCAL pnpsim__kthread_obj tls_self;

static HANDLE new_thread_id(void)
{
    /* Windows thread IDs are multiples of 4; start well above the System process's 4. */
    return (HANDLE)(ULONG_PTR)(0x1000u + 4u * (ULONG_PTR)pnpsim__atomic_inc(&next_thread_id));
}

struct _KTHREAD *pnpsim__kthread_current(void)
{
    if (tls_thread == NULL) {
        pnpsim__kthread_obj *o = &tls_self;
        o->hdr.magic = PNPSIM__OB_MAGIC;
        o->hdr.type = PNPSIM__OB_TYPE_THREAD;
        o->hdr.refs = 1L << 28; /* never destroyed: it lives as long as the host thread */
        o->t.Header.Type = PNPSIM__KOBJ_THREAD;
        o->t.Header.Size = (UCHAR)(sizeof(DISPATCHER_HEADER) / sizeof(LONG));
        InitializeListHead(&o->t.Header.WaitListHead);
        o->t.priority = DEFAULT_PRIORITY;
        o->t.host_tid = pnpsim__thread_id();
        o->t.thread_id = new_thread_id();
        InitializeListHead(&o->t.link);
        tls_thread = &o->t;
    }
    return tls_thread;
}

static pnpsim__kthread_obj *obj_of(struct _KTHREAD *t)
{
    return CONTAINING_RECORD(t, pnpsim__kthread_obj, t);
}

/* The thread object p, or NULL after a bug check naming ddi. */
static struct _KTHREAD *thread_from(PVOID p, const char *ddi)
{
    pnpsim__obhdr *hdr = pnpsim__ob_header(p);
    if (hdr == NULL || hdr->type != PNPSIM__OB_TYPE_THREAD) {
        pnpsim__bad_object(pnpsim__ts()->current, p, PNPSIM__OB_TYPE_THREAD, ddi);
        return NULL;
    }
    return (struct _KTHREAD *)p;
}

/* The last reference is gone: the host thread was joined before (its own reference is
 * dropped only then), so the memory can go. */
static void thread_destroy(pnpsim__obhdr *hdr)
{
    pnpsim__kthread_obj *o = (pnpsim__kthread_obj *)hdr;
    pnpsim_system *sys = hdr->sys;
    pnpsim__disp_lock();
    RemoveEntryList(&o->t.link);
    InitializeListHead(&o->t.link);
    pnpsim__disp_unlock();
    hdr->magic = 0;
    pnpsim__free(sys, o);
}

static void thread_handle_close(pnpsim_system *sys, void *obj)
{
    PNPSIM_UNUSED(sys);
    ObfDereferenceObject(obj);
}

static void thread_main(void *arg)
{
    pnpsim__kthread_obj *o = arg;
    struct _KTHREAD *t = &o->t;
    pnpsim__thread_state *ts = pnpsim__ts();
    PDRIVER_OBJECT saved_driver;
    pnpsim__callout c;
    int depth;
    jmp_buf exit_jmp;

    tls_thread = t;
    pnpsim__disp_lock();
    t->host_tid = pnpsim__thread_id();
    t->started = true;
    pnpsim__disp_unlock();
    ts->irql = PASSIVE_LEVEL;
    pnpsim__set_current_driver(t->driver, &saved_driver);
    pnpsim__callout_begin(t->sys, &c, "system thread start routine");
    depth = ts->callout_depth;
    t->exit_jmp = &exit_jmp;
    if (setjmp(exit_jmp) == 0) {
        t->exit_jmp_armed = true;
        t->start(t->context);
        t->exit_status = STATUS_SUCCESS;
    }
    t->exit_jmp_armed = false;
    ts->callout_depth = depth; /* PsTerminateSystemThread may unwind nested callouts */
    if (t->critical_region != 0 || t->guarded_region != 0) {
        /* KERNEL_APC_PENDING_DURING_EXIT: (APC, the thread's APC disable count, IRQL). */
        pnpsim__bugcheck(t->sys, KERNEL_APC_PENDING_DURING_EXIT, 0,
                         (ULONG_PTR)(t->critical_region + t->guarded_region), ts->irql, 0,
                         "system thread %p ended inside %ld critical/guarded region(s) "
                         "(KeEnterCriticalRegion without KeLeaveCriticalRegion, or a mutex "
                         "still held)",
                         (void *)t, (long)(t->critical_region + t->guarded_region));
        t->critical_region = t->guarded_region = 0;
    }
    pnpsim__callout_end(t->sys, &c);
    pnpsim__set_current_driver(saved_driver, NULL);
    pnpsim__disp_lock();
    t->finished = true;
    t->Header.SignalState = 1;
    pnpsim__disp_wake_locked();
    pnpsim__disp_unlock();
}

/* Join every finished system thread of sys not joined yet and drop its own reference; with
 * all, also the running ones (system destroy). Caller holds no lock. */
static void reap(pnpsim_system *sys, bool all)
{
    pnpsim__ke_state *ke = sys->ke;
    if (ke == NULL)
        return;
    for (;;) {
        PLIST_ENTRY e;
        struct _KTHREAD *victim = NULL;
        pnpsim__disp_lock();
        for (e = ke->threads.Flink; e != &ke->threads; e = e->Flink) {
            struct _KTHREAD *t = CONTAINING_RECORD(e, struct _KTHREAD, link);
            if (!t->joined && (t->finished || all)) {
                victim = t;
                victim->joined = true;
                break;
            }
        }
        pnpsim__disp_unlock();
        if (victim == NULL)
            return;
        pnpsim__thread_join(&victim->host);
        pnpsim__ob_unref(&obj_of(victim)->hdr);
    }
}

/* Host threads of system threads abandoned at system destroy (still running then): they
 * park for good at their next wait instead of touching freed memory. */
static uint64_t abandoned[64];
static size_t abandoned_count;

bool pnpsim__ps_abandoned_locked(void)
{
    uint64_t me;
    size_t i;
    if (abandoned_count == 0)
        return false;
    me = pnpsim__thread_id();
    for (i = 0; i < abandoned_count; i++)
        if (abandoned[i] == me)
            return true;
    return false;
}

void pnpsim__ps_fini(pnpsim_system *sys)
{
    pnpsim__ke_state *ke = sys->ke;
    PLIST_ENTRY e;
    bool reported = false;
    if (ke == NULL)
        return;
    pnpsim__disp_lock();
    for (e = ke->threads.Flink; e != &ke->threads; e = e->Flink) {
        struct _KTHREAD *t = CONTAINING_RECORD(e, struct _KTHREAD, link);
        if (!t->finished && !reported && !sys->crashed) {
            PKSTART_ROUTINE start = t->start;
            reported = true;
            pnpsim__disp_unlock();
            pnpsim__bugcheck(sys, DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS,
                             (ULONG_PTR)start, 0, 0, 0,
                             "system thread %p (start routine %p) is still running at system "
                             "destroy: its driver did not make it exit before unloading",
                             (void *)t, (void *)(ULONG_PTR)start);
            pnpsim__disp_lock();
            e = &ke->threads; /* the list may have changed: start over */
            continue;
        }
        if (!t->finished && !t->joined && !t->started) {
            /* Not running yet: let it start, so that its host thread ID is known. */
            pnpsim__disp_unlock();
            pnpsim__thread_yield();
            pnpsim__disp_lock();
            e = &ke->threads;
            continue;
        }
        if (!t->finished && !t->joined) {
            /* It cannot be joined (it waits for something that will never come): park it
             * and leave it, as the process will. */
            t->joined = true;
            if (abandoned_count < PNPSIM_ARRAY_SIZE(abandoned))
                abandoned[abandoned_count++] = t->host_tid;
            pnpsim__disp_wake_locked();
        }
    }
    pnpsim__disp_unlock();
    reap(sys, true);
}

/*
 * Windows behaviour: creates a system thread running StartRoutine(StartContext) at
 * PASSIVE_LEVEL and returns a handle to it (drivers pass OBJ_KERNEL_HANDLE); ProcessHandle
 * NULL means the system process; the thread ends when the routine returns or calls
 * PsTerminateSystemThread; callers run at PASSIVE_LEVEL (Microsoft Learn
 * "PsCreateSystemThread").
 * Simulation: a host thread (file comment). ClientId gets the System process ID (4) and a
 * new thread ID. Allocation failure (fault injection) is STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NTAPI PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
                                    PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine,
                                    PVOID StartContext)
{
    pnpsim_system *sys = pnpsim__require_system("PsCreateSystemThread");
    pnpsim__ke_state *ke;
    pnpsim__kthread_obj *o;
    HANDLE h = NULL;
    NTSTATUS st;
    PNPSIM_UNUSED(ObjectAttributes);
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, "PsCreateSystemThread", &st)) /* fault.h */
        return st;
    if (!pnpsim__check_irql(sys, "PsCreateSystemThread", PASSIVE_LEVEL, 0, NULL))
        return STATUS_INVALID_DEVICE_STATE;
    if (ThreadHandle == NULL || StartRoutine == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "PsCreateSystemThread: %s is NULL",
                              ThreadHandle == NULL ? "ThreadHandle" : "StartRoutine");
    *ThreadHandle = NULL;
    if (ProcessHandle != NULL && ProcessHandle != NtCurrentProcess())
        return pnpsim__status(STATUS_NOT_IMPLEMENTED,
                              "PsCreateSystemThread: threads in another process (handle %p) "
                              "are not modelled",
                              ProcessHandle);
    ke = pnpsim__ke_state_of(sys);
    if (ke == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "PsCreateSystemThread: out of memory for the kernel state");
    reap(sys, false);
    o = pnpsim__calloc(sys, 1, sizeof(*o));
    if (o == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "PsCreateSystemThread: out of memory for the thread object");
    o->hdr.magic = PNPSIM__OB_MAGIC;
    o->hdr.type = PNPSIM__OB_TYPE_THREAD;
    o->hdr.refs = 2; /* the handle's and the running thread's */
    o->hdr.sys = sys;
    o->hdr.destroy = thread_destroy;
    o->t.Header.Type = PNPSIM__KOBJ_THREAD;
    o->t.Header.Size = (UCHAR)(sizeof(DISPATCHER_HEADER) / sizeof(LONG));
    InitializeListHead(&o->t.Header.WaitListHead);
    o->t.sys = sys;
    o->t.start = StartRoutine;
    o->t.context = StartContext;
    o->t.driver = pnpsim__current_driver();
    o->t.priority = DEFAULT_PRIORITY;
    o->t.system_thread = true;
    o->t.thread_id = new_thread_id();

    pnpsim__lock(sys);
    st = pnpsim__handle_create(sys, PNPSIM__HANDLE_THREAD, &o->t,
                               DesiredAccess != 0 ? DesiredAccess : THREAD_ALL_ACCESS,
                               thread_handle_close, &h);
    pnpsim__unlock(sys);
    if (!NT_SUCCESS(st)) {
        pnpsim__free(sys, o);
        return pnpsim__status(st, "PsCreateSystemThread: no handle for the thread");
    }
    pnpsim__disp_lock();
    InsertTailList(&ke->threads, &o->t.link);
    pnpsim__disp_unlock();
    if (!pnpsim__thread_create(&o->t.host, thread_main, o)) {
        pnpsim__disp_lock();
        o->t.finished = true;
        o->t.joined = true;
        o->t.Header.SignalState = 1;
        pnpsim__disp_unlock();
        pnpsim__ob_unref(&o->hdr);    /* the thread's reference */
        pnpsim__handle_close(sys, h); /* the handle's */
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "PsCreateSystemThread: the host could not start a thread");
    }
    if (ClientId != NULL) {
        ClientId->UniqueProcess = SYSTEM_PROCESS_ID;
        ClientId->UniqueThread = o->t.thread_id;
    }
    *ThreadHandle = h;
    pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, o->t.driver, NULL,
                  "system thread %p created (start routine %p)", (void *)&o->t,
                  (void *)(ULONG_PTR)StartRoutine);
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: ends the calling system thread with ExitStatus (it does not return);
 * when the caller is not a system thread it returns STATUS_INVALID_PARAMETER; PASSIVE_LEVEL
 * (Microsoft Learn "PsTerminateSystemThread").
 * Simulation: unwinds (longjmp) to the base of the host thread, which then ends as if the
 * start routine had returned.
 */
NTSTATUS NTAPI PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    struct _KTHREAD *t = pnpsim__kthread_current();
    if (!t->system_thread || !t->exit_jmp_armed)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "PsTerminateSystemThread: the caller is not a system thread");
    t->exit_status = ExitStatus;
    longjmp(*t->exit_jmp, 1);
}

/*
 * Windows behaviour: the calling thread's KTHREAD (Microsoft Learn "KeGetCurrentThread").
 * Simulation: the system thread's object, or one made for the host thread on first use.
 */
PKTHREAD NTAPI KeGetCurrentThread(void)
{
    return pnpsim__kthread_current();
}

/*
 * Windows behaviour: the calling thread's ID (Microsoft Learn "PsGetCurrentThreadId").
 * Simulation: a multiple of 4 above 0x1000, unique per thread in the process.
 */
HANDLE NTAPI PsGetCurrentThreadId(void)
{
    return pnpsim__kthread_current()->thread_id;
}

/*
 * Windows behaviour: the ID of the calling thread's process (Microsoft Learn
 * "PsGetCurrentProcessId").
 * Simulation: 4, the System process, where system threads and PnP dispatch run.
 */
HANDLE NTAPI PsGetCurrentProcessId(void)
{
    return SYSTEM_PROCESS_ID;
}

/*
 * Windows behaviour: the calling thread's process (Microsoft Learn "IoGetCurrentProcess").
 * Simulation: one System process object; it can be referenced and dereferenced.
 */
PEPROCESS NTAPI IoGetCurrentProcess(void)
{
    return (PEPROCESS)(void *)&system_process.Header;
}

/*
 * Windows behaviour: TRUE if the thread is a system thread (Microsoft Learn
 * "PsIsSystemThread").
 * Simulation: TRUE for threads made by PsCreateSystemThread.
 */
BOOLEAN NTAPI PsIsSystemThread(PETHREAD Thread)
{
    struct _KTHREAD *t = thread_from(Thread, "PsIsSystemThread");
    return t != NULL && t->system_thread ? TRUE : FALSE;
}

/*
 * Windows behaviour: the thread's ID (Microsoft Learn "PsGetThreadId").
 * Simulation: as PsGetCurrentThreadId reports it on that thread.
 */
HANDLE NTAPI PsGetThreadId(PETHREAD Thread)
{
    struct _KTHREAD *t = thread_from(Thread, "PsGetThreadId");
    return t != NULL ? t->thread_id : NULL;
}

/*
 * Windows behaviour: sets the thread's run-time priority and returns the old one; callers
 * run at <= DISPATCH_LEVEL; Priority is from LOW_PRIORITY + 1 to HIGH_PRIORITY (Microsoft
 * Learn "KeSetPriorityThread").
 * Simulation: recorded and reported by KeQueryPriorityThread; it does not change host
 * scheduling. A Priority outside 1..31 is left unapplied and recorded as an error
 * (pnpsim_last_error_message).
 */
KPRIORITY NTAPI KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    struct _KTHREAD *t = thread_from(Thread, "KeSetPriorityThread");
    KPRIORITY old;
    if (t == NULL)
        return 0;
    if (!pnpsim__check_irql(pnpsim__ts()->current, "KeSetPriorityThread", DISPATCH_LEVEL, 0, NULL))
        return t->priority;
    old = t->priority;
    if (Priority <= LOW_PRIORITY || Priority > HIGH_PRIORITY) {
        pnpsim__status(STATUS_INVALID_PARAMETER_2,
                       "KeSetPriorityThread: priority %ld is outside 1..31", (long)Priority);
        return old;
    }
    t->priority = Priority;
    return old;
}

/*
 * Windows behaviour: the thread's current priority (Microsoft Learn
 * "KeQueryPriorityThread").
 * Simulation: the last priority KeSetPriorityThread set (8 initially).
 */
KPRIORITY NTAPI KeQueryPriorityThread(PKTHREAD Thread)
{
    struct _KTHREAD *t = thread_from(Thread, "KeQueryPriorityThread");
    return t != NULL ? t->priority : 0;
}

/*
 * Windows behaviour: validates the handle and returns its object with one more reference
 * (released with ObDereferenceObject). ObjectType, if not NULL, must match
 * (STATUS_OBJECT_TYPE_MISMATCH); a UserMode request is checked against the handle's granted
 * access (STATUS_ACCESS_DENIED), a KernelMode one is not; an invalid handle is
 * STATUS_INVALID_HANDLE; NtCurrentThread()/NtCurrentProcess() name the caller's thread and
 * process; PASSIVE_LEVEL (Microsoft Learn "ObReferenceObjectByHandle").
 * Simulation: thread handles (PsCreateSystemThread) and file handles of the system's handle
 * table; key handles are STATUS_NOT_IMPLEMENTED (keys are not pnpsim objects).
 */
NTSTATUS NTAPI ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess,
                                         POBJECT_TYPE ObjectType, KPROCESSOR_MODE AccessMode,
                                         PVOID *Object,
                                         POBJECT_HANDLE_INFORMATION HandleInformation)
{
    pnpsim_system *sys = pnpsim__require_system("ObReferenceObjectByHandle");
    void *obj;
    ACCESS_MASK granted = 0;
    int kind = 0;
    POBJECT_TYPE want;
    if (sys == NULL)
        return STATUS_INVALID_HANDLE;
    if (Object == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "ObReferenceObjectByHandle: Object is NULL");
    *Object = NULL;
    if (!pnpsim__check_irql(sys, "ObReferenceObjectByHandle", PASSIVE_LEVEL, 0, NULL))
        return STATUS_INVALID_DEVICE_STATE;
    if (Handle == NtCurrentThread() || Handle == NtCurrentProcess()) {
        bool thread = Handle == NtCurrentThread();
        want = thread ? &thread_type : &process_type;
        if (ObjectType != NULL && ObjectType != want)
            return pnpsim__status(STATUS_OBJECT_TYPE_MISMATCH,
                                  "ObReferenceObjectByHandle: the current %s is not a %s",
                                  thread ? "thread" : "process", ObjectType->name);
        obj = thread ? (void *)pnpsim__kthread_current() : (void *)&system_process.Header;
        ObfReferenceObject(obj);
        *Object = obj;
        if (HandleInformation != NULL) {
            HandleInformation->HandleAttributes = 0;
            HandleInformation->GrantedAccess = THREAD_ALL_ACCESS;
        }
        return STATUS_SUCCESS;
    }
    pnpsim__lock(sys);
    obj = pnpsim__handle_lookup(sys, Handle, 0, &granted, &kind);
    if (obj == NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INVALID_HANDLE,
                              "ObReferenceObjectByHandle: %p is not an open handle", Handle);
    }
    want = kind == PNPSIM__HANDLE_THREAD ? &thread_type
           : kind == PNPSIM__HANDLE_FILE ? &file_type
                                         : NULL;
    if (ObjectType != NULL && ObjectType != want) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_OBJECT_TYPE_MISMATCH,
                              "ObReferenceObjectByHandle: handle %p is not a %s handle", Handle,
                              ObjectType->name);
    }
    if (want == NULL || pnpsim__ob_header(obj) == NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_NOT_IMPLEMENTED,
                              "ObReferenceObjectByHandle: handle %p (kind %d) does not refer "
                              "to an object pnpsim can reference",
                              Handle, kind);
    }
    if (AccessMode != KernelMode && (DesiredAccess & ~granted) != 0) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_ACCESS_DENIED,
                              "ObReferenceObjectByHandle: handle %p grants 0x%lx, 0x%lx asked",
                              Handle, (unsigned long)granted, (unsigned long)DesiredAccess);
    }
    pnpsim__ob_ref(pnpsim__ob_header(obj));
    pnpsim__unlock(sys);
    *Object = obj;
    if (HandleInformation != NULL) {
        HandleInformation->HandleAttributes = 0;
        HandleInformation->GrantedAccess = granted;
    }
    return STATUS_SUCCESS;
}
