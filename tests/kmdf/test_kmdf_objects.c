/* SPDX-License-Identifier: MIT */
/*
 * This file tests pnpsim's everyday KMDF objects, used from a test the way a driver uses
 * them (kmdf_ioctl provides the driver and the device): WDFSPINLOCK, WDFWAITLOCK and the
 * device/queue locks (WdfObjectAcquireLock), WDFTIMER on simulated time, WDFWORKITEM on the
 * system work queue, WDFCOLLECTION and its references, WDFKEY over the simulated registry,
 * device property queries, and a method pnpsim does not model. Each object is also tried
 * with bad handles, the wrong IRQL, bad configuration and no memory. Sources: the methods'
 * Microsoft Learn pages (named at each test) and "Bug Check 0x10D WDF_VIOLATION".
 */
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/fault.h>
#include <pnpsim/time.h>
#include <pnpsim/trace.h>
#include <pnpsim/verifier.h>
#include <wdf.h>
#include <wdfinterrupt.h>

#include "drivers/kmdf_ioctl.h"

#define MS(n) ((uint64_t)(n) * 1000000u)          /* pnpsim_time_advance units (ns) */
#define REL_MS(n) (-(LONGLONG)(n) * 10000)        /* relative due time, 100 ns units */

static pnpsim_system *start(void **state, pnpsim_device **dev_out)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    kmdf_ioctl_reset(KmdfIoctlNormal);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "kmdfobjects", KmdfIoctlDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, KMDF_IOCTL_HARDWARE_ID, drv));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_create(sys, NULL, KMDF_IOCTL_HARDWARE_ID, "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    if (dev_out != NULL)
        *dev_out = dev;
    return sys;
}

static ULONG_PTR caught(int i) { return pnpsim_bugcheck_last_caught()->parameters[i]; }

/* ==== locks =============================================================================== */

/* "WdfSpinLockAcquire": returns at DISPATCH_LEVEL; "WdfSpinLockRelease" restores the IRQL. */
static void test_kmdf_objects__spin_lock_raises_to_dispatch(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFSPINLOCK lock = NULL;
    assert_nt_status(STATUS_SUCCESS, WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &lock));
    WdfSpinLockAcquire(lock);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    WdfSpinLockRelease(lock);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    /* Acquiring it twice on one thread would deadlock: WDF_VIOLATION 0x2. */
    WdfSpinLockAcquire(lock);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfSpinLockAcquire(lock));
    assert_int_equal(caught(0), WDF_RECURSIVE_LOCK);
    WdfSpinLockRelease(lock);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    WdfObjectDelete(lock);
}

typedef struct holder {
    WDFSPINLOCK lock;
    KEVENT acquired;
    KEVENT go;
} holder;

static VOID NTAPI hold_lock(PVOID Context)
{
    holder *h = Context;
    WdfSpinLockAcquire(h->lock);
    KeSetEvent(&h->acquired, IO_NO_INCREMENT, FALSE);
    while (KeReadStateEvent(&h->go) == 0)
        ; /* spin at DISPATCH_LEVEL until the test is done */
    WdfSpinLockRelease(h->lock);
}

/* "Bug Check 0x10D": parameter 1 0xB, parameter 2 the spin lock, parameter 3 0x1: "The spin
 * lock is being released by a thread that did not acquire it". */
static void test_kmdf_objects__spin_lock_released_by_another_thread_bugchecks(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    holder h;
    OBJECT_ATTRIBUTES oa;
    HANDLE th;
    PVOID thread = NULL;
    assert_nt_status(STATUS_SUCCESS, WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &h.lock));
    KeInitializeEvent(&h.acquired, NotificationEvent, FALSE);
    KeInitializeEvent(&h.go, NotificationEvent, FALSE);
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_nt_status(STATUS_SUCCESS,
                     PsCreateSystemThread(&th, THREAD_ALL_ACCESS, &oa, NULL, NULL, hold_lock, &h));
    assert_nt_status(STATUS_SUCCESS, ObReferenceObjectByHandle(th, THREAD_ALL_ACCESS, *PsThreadType,
                                                               KernelMode, &thread, NULL));
    assert_nt_status(STATUS_SUCCESS, ZwClose(th));
    assert_nt_status(STATUS_SUCCESS,
                     KeWaitForSingleObject(&h.acquired, Executive, KernelMode, FALSE, NULL));
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfSpinLockRelease(h.lock));
    assert_int_equal(caught(0), WDF_INVALID_LOCK_OPERATION);
    assert_ptr_equal((void *)caught(1), h.lock);
    assert_int_equal(caught(2), 0x1);
    KeSetEvent(&h.go, IO_NO_INCREMENT, FALSE);
    assert_nt_status(STATUS_SUCCESS,
                     KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL));
    ObDereferenceObject(thread);
    /* The holder released it: the test thread can take it now. */
    WdfSpinLockAcquire(h.lock);
    WdfSpinLockRelease(h.lock);
}

/* "WdfWaitLockAcquire": Timeout 0 tries without waiting; a timeout that expires returns
 * STATUS_TIMEOUT; NULL waits. */
static void test_kmdf_objects__wait_lock_times_out_while_held(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFWAITLOCK lock = NULL;
    LONGLONG zero = 0, one_ms = REL_MS(1);
    KIRQL old;
    assert_nt_status(STATUS_SUCCESS, WdfWaitLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &lock));
    assert_nt_status(STATUS_SUCCESS, WdfWaitLockAcquire(lock, NULL));
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_nt_status(STATUS_TIMEOUT, WdfWaitLockAcquire(lock, &zero));
    assert_nt_status(STATUS_TIMEOUT, WdfWaitLockAcquire(lock, &one_ms));
    WdfWaitLockRelease(lock);
    /* A try-acquire is allowed at DISPATCH_LEVEL; a blocking one is not (KmdfIrql). */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_nt_status(STATUS_SUCCESS, WdfWaitLockAcquire(lock, &zero));
    WdfWaitLockRelease(lock);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, (void)WdfWaitLockAcquire(lock, NULL));
    KeLowerIrql(old);
    assert_int_equal(caught(0), PNPSIM_WDF_IRQL_TOO_HIGH);
    /* Released while nobody holds it. */
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfWaitLockRelease(lock));
    assert_int_equal(caught(0), WDF_INVALID_LOCK_OPERATION);
}

/* "WdfObjectAcquireLock": devices and queues have a lock (a spin lock at the default
 * execution level); any other object: WDF_VIOLATION 0xB with parameter 3 0x0. */
static void test_kmdf_objects__object_lock_of_devices_and_queues(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFCOLLECTION c = NULL;
    WdfObjectAcquireLock(kmdf_ioctl_device());
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    WdfObjectAcquireLock(kmdf_ioctl_default_queue()); /* another object: another lock */
    WdfObjectReleaseLock(kmdf_ioctl_default_queue());
    WdfObjectReleaseLock(kmdf_ioctl_device());
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_nt_status(STATUS_SUCCESS, WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c));
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfObjectAcquireLock(c));
    assert_int_equal(caught(0), WDF_INVALID_LOCK_OPERATION);
    assert_int_equal(caught(2), 0x0);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfObjectAcquireLock(NULL));
    assert_int_equal(caught(0), WDF_REQUIRED_PARAMETER_IS_NULL);
    WdfObjectDelete(c);
}

static void test_kmdf_objects__lock_create_errors(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFSPINLOCK s = NULL;
    WDFWAITLOCK w = NULL;
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &s));
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, WdfWaitLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &w));
    pnpsim_fault_alloc(sys, 0, 0);
    assert_null(s);
    assert_null(w);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, (void)WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, NULL));
    assert_int_equal(caught(0), WDF_REQUIRED_PARAMETER_IS_NULL);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfSpinLockAcquire((WDFSPINLOCK)kmdf_ioctl_device()));
    assert_int_equal(caught(0), WDF_INVALID_HANDLE);
}

/* ==== timers ============================================================================== */

static LONG TimerFires;
static KIRQL TimerIrql;
static WDFTIMER TimerSeen;

static VOID EvtTimer(WDFTIMER Timer)
{
    TimerFires++;
    TimerIrql = KeGetCurrentIrql();
    TimerSeen = Timer;
}

static WDFTIMER make_timer(ULONG period, WDFOBJECT parent)
{
    WDF_TIMER_CONFIG cfg;
    WDF_OBJECT_ATTRIBUTES attrs;
    WDFTIMER t = NULL;
    if (period != 0)
        WDF_TIMER_CONFIG_INIT_PERIODIC(&cfg, EvtTimer, (LONG)period);
    else
        WDF_TIMER_CONFIG_INIT(&cfg, EvtTimer);
    WDF_OBJECT_ATTRIBUTES_INIT(&attrs);
    attrs.ParentObject = parent;
    assert_nt_status(STATUS_SUCCESS, WdfTimerCreate(&cfg, &attrs, &t));
    return t;
}

/* "WdfTimerStart": a relative due time; EvtTimerFunc runs at DISPATCH_LEVEL when it is due
 * ("EvtTimerFunc"); Start returns whether the timer was already queued. */
static void test_kmdf_objects__timer_fires_on_simulated_time(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFTIMER t;
    TimerFires = 0;
    t = make_timer(0, kmdf_ioctl_device());
    assert_ptr_equal(WdfTimerGetParentObject(t), kmdf_ioctl_device());
    assert_false(WdfTimerStart(t, REL_MS(10)));
    assert_true(WdfTimerStart(t, REL_MS(10))); /* restarted while queued */
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(sys, MS(9)));
    assert_int_equal(TimerFires, 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(sys, MS(1)));
    assert_int_equal(TimerFires, 1);
    assert_int_equal(TimerIrql, DISPATCH_LEVEL);
    assert_ptr_equal(TimerSeen, t);
    /* One-shot: nothing more. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(sys, MS(50)));
    assert_int_equal(TimerFires, 1);
    assert_false(WdfTimerStart(t, REL_MS(5)));
}

/* "WDF_TIMER_CONFIG_INIT_PERIODIC": fires every Period ms; "WdfTimerStop" returns TRUE when
 * the timer was queued and stops it. */
static void test_kmdf_objects__periodic_timer_and_stop(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFTIMER t;
    TimerFires = 0;
    t = make_timer(10, kmdf_ioctl_default_queue()); /* a queue leads to the device */
    assert_ptr_equal(WdfTimerGetParentObject(t), kmdf_ioctl_default_queue());
    (void)WdfTimerStart(t, REL_MS(10));
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(sys, MS(35)));
    assert_int_equal(TimerFires, 3);
    assert_true(WdfTimerStop(t, TRUE));
    assert_false(WdfTimerStop(t, FALSE));
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(sys, MS(50)));
    assert_int_equal(TimerFires, 3);
}

/* The timer is deleted with its parent device: a pending timer never fires after removal. */
static void test_kmdf_objects__timer_goes_with_the_device(void **state)
{
    pnpsim_device *dev;
    pnpsim_system *sys = start(state, &dev);
    WDFTIMER t;
    TimerFires = 0;
    t = make_timer(10, kmdf_ioctl_device());
    (void)WdfTimerStart(t, REL_MS(10));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(sys, MS(100)));
    assert_int_equal(TimerFires, 0);
}

/* "WdfTimerCreate" return values: no parent -> STATUS_WDF_PARENT_NOT_SPECIFIED; a parent
 * that does not lead to a device -> STATUS_INVALID_DEVICE_REQUEST; a wrong Size ->
 * STATUS_INFO_LENGTH_MISMATCH; no memory -> STATUS_INSUFFICIENT_RESOURCES. Stop with Wait
 * is PASSIVE_LEVEL only. */
static void test_kmdf_objects__timer_errors(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDF_TIMER_CONFIG cfg;
    WDF_OBJECT_ATTRIBUTES attrs;
    WDFCOLLECTION c = NULL;
    WDFTIMER t = NULL;
    KIRQL old;
    WDF_TIMER_CONFIG_INIT(&cfg, EvtTimer);
    assert_nt_status(STATUS_WDF_PARENT_NOT_SPECIFIED, WdfTimerCreate(&cfg, WDF_NO_OBJECT_ATTRIBUTES, &t));
    WDF_OBJECT_ATTRIBUTES_INIT(&attrs);
    assert_nt_status(STATUS_WDF_PARENT_NOT_SPECIFIED, WdfTimerCreate(&cfg, &attrs, &t));
    assert_nt_status(STATUS_SUCCESS, WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c));
    attrs.ParentObject = c; /* parented to the driver */
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST, WdfTimerCreate(&cfg, &attrs, &t));
    attrs.ParentObject = kmdf_ioctl_device();
    cfg.Size = sizeof(cfg) - 4;
    assert_nt_status(STATUS_INFO_LENGTH_MISMATCH, WdfTimerCreate(&cfg, &attrs, &t));
    cfg.Size = sizeof(cfg);
    cfg.EvtTimerFunc = NULL;
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfTimerCreate(&cfg, &attrs, &t));
    cfg.EvtTimerFunc = EvtTimer;
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, WdfTimerCreate(&cfg, &attrs, &t));
    pnpsim_fault_alloc(sys, 0, 0);
    assert_null(t);
    assert_nt_status(STATUS_SUCCESS, WdfTimerCreate(&cfg, &attrs, &t));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_false(WdfTimerStop(t, FALSE)); /* fine at DISPATCH_LEVEL */
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, (void)WdfTimerStop(t, TRUE));
    KeLowerIrql(old);
    assert_int_equal(caught(0), PNPSIM_WDF_IRQL_TOO_HIGH);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, (void)WdfTimerStart((WDFTIMER)c, 0));
    assert_int_equal(caught(0), WDF_INVALID_HANDLE);
    WdfObjectDelete(t);
    WdfObjectDelete(c);
}

/* ==== work items ========================================================================== */

static LONG WorkRuns;
static KIRQL WorkIrql;

static VOID EvtWork(WDFWORKITEM WorkItem)
{
    UNREFERENCED_PARAMETER(WorkItem);
    WorkRuns++;
    WorkIrql = KeGetCurrentIrql();
}

static NTSTATUS make_workitem(WDFOBJECT parent, WDFWORKITEM *w)
{
    WDF_WORKITEM_CONFIG cfg;
    WDF_OBJECT_ATTRIBUTES attrs;
    WDF_WORKITEM_CONFIG_INIT(&cfg, EvtWork);
    WDF_OBJECT_ATTRIBUTES_INIT(&attrs);
    attrs.ParentObject = parent;
    return WdfWorkItemCreate(&cfg, &attrs, w);
}

/* "WdfWorkItemEnqueue": runs EvtWorkItemFunc at PASSIVE_LEVEL on a system worker thread; a
 * work item already queued is not queued twice. */
static void test_kmdf_objects__work_item_runs_once_per_enqueue(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFWORKITEM w = NULL;
    WorkRuns = 0;
    assert_nt_status(STATUS_SUCCESS, make_workitem(kmdf_ioctl_device(), &w));
    assert_ptr_equal(WdfWorkItemGetParentObject(w), kmdf_ioctl_device());
    WdfWorkItemEnqueue(w);
    WdfWorkItemEnqueue(w);
    assert_int_equal(WorkRuns, 0);
    pnpsim_system_run_pending(sys);
    assert_int_equal(WorkRuns, 1);
    assert_int_equal(WorkIrql, PASSIVE_LEVEL);
    /* "WdfWorkItemFlush": returns once the queued callback ran. */
    WdfWorkItemEnqueue(w);
    WdfWorkItemFlush(w);
    assert_int_equal(WorkRuns, 2);
    WdfWorkItemFlush(w); /* nothing queued: returns at once */
    assert_int_equal(WorkRuns, 2);
}

/* "WdfWorkItemCreate": parent rules as WdfTimerCreate; Size and memory errors; Flush is
 * PASSIVE_LEVEL only. Deleting the parent with the item queued waits for it. */
static void test_kmdf_objects__work_item_errors(void **state)
{
    pnpsim_device *dev;
    pnpsim_system *sys = start(state, &dev);
    WDF_WORKITEM_CONFIG cfg;
    WDFWORKITEM w = NULL;
    KIRQL old;
    WorkRuns = 0;
    WDF_WORKITEM_CONFIG_INIT(&cfg, EvtWork);
    assert_nt_status(STATUS_WDF_PARENT_NOT_SPECIFIED,
                     WdfWorkItemCreate(&cfg, WDF_NO_OBJECT_ATTRIBUTES, &w));
    cfg.Size = 1;
    {
        WDF_OBJECT_ATTRIBUTES attrs;
        WDF_OBJECT_ATTRIBUTES_INIT(&attrs);
        attrs.ParentObject = kmdf_ioctl_device();
        assert_nt_status(STATUS_INFO_LENGTH_MISMATCH, WdfWorkItemCreate(&cfg, &attrs, &w));
    }
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, make_workitem(kmdf_ioctl_device(), &w));
    pnpsim_fault_alloc(sys, 0, 0);
    assert_null(w);
    assert_nt_status(STATUS_SUCCESS, make_workitem(kmdf_ioctl_device(), &w));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    WdfWorkItemEnqueue(w); /* fine at DISPATCH_LEVEL */
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfWorkItemFlush(w));
    KeLowerIrql(old);
    assert_int_equal(caught(0), PNPSIM_WDF_IRQL_TOO_HIGH);
    /* Removal deletes the work item after its queued callback ran. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(WorkRuns, 1);
}

/* ==== collections ========================================================================= */

static LONG Destroyed;
static VOID EvtDestroy(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    Destroyed++;
}

/* "WdfCollectionAdd" references the object, "WdfCollectionRemove(Item)" releases it; items
 * keep their order ("WdfCollectionGetItem"); an index past the end gives NULL. */
static void test_kmdf_objects__collection_holds_references_in_order(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFCOLLECTION c = NULL;
    WDFMEMORY m[3];
    WDF_OBJECT_ATTRIBUTES attrs;
    int i;
    Destroyed = 0;
    assert_nt_status(STATUS_SUCCESS, WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c));
    assert_int_equal(WdfCollectionGetCount(c), 0);
    assert_null(WdfCollectionGetFirstItem(c));
    assert_null(WdfCollectionGetLastItem(c));
    for (i = 0; i < 3; i++) {
        WDF_OBJECT_ATTRIBUTES_INIT(&attrs);
        attrs.EvtDestroyCallback = EvtDestroy;
        assert_nt_status(STATUS_SUCCESS, WdfMemoryCreate(&attrs, NonPagedPoolNx, 0, 8, &m[i], NULL));
        assert_nt_status(STATUS_SUCCESS, WdfCollectionAdd(c, m[i]));
    }
    assert_int_equal(WdfCollectionGetCount(c), 3);
    assert_ptr_equal(WdfCollectionGetFirstItem(c), m[0]);
    assert_ptr_equal(WdfCollectionGetItem(c, 1), m[1]);
    assert_ptr_equal(WdfCollectionGetLastItem(c), m[2]);
    assert_null(WdfCollectionGetItem(c, 3));
    /* Deleted by the driver but still referenced by the collection: not destroyed yet. */
    WdfObjectDelete(m[0]);
    assert_int_equal(Destroyed, 0);
    WdfCollectionRemove(c, m[0]);
    assert_int_equal(Destroyed, 1);
    assert_ptr_equal(WdfCollectionGetFirstItem(c), m[1]);
    /* "WdfCollectionRemoveItem": item i+1 becomes item i. */
    WdfCollectionRemoveItem(c, 0);
    assert_int_equal(WdfCollectionGetCount(c), 1);
    assert_ptr_equal(WdfCollectionGetItem(c, 0), m[2]);
    WdfCollectionRemoveItem(c, 5); /* past the end: nothing */
    assert_int_equal(Destroyed, 1); /* m[1] still exists (the driver did not delete it) */
    WdfObjectDelete(m[1]);
    assert_int_equal(Destroyed, 2);
    /* Deleting the collection releases what it holds. */
    WdfObjectDelete(m[2]);
    assert_int_equal(Destroyed, 2);
    WdfObjectDelete(c);
    assert_int_equal(Destroyed, 3);
    (void)sys;
}

static void test_kmdf_objects__collection_errors(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFCOLLECTION c = NULL;
    KIRQL old;
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c));
    pnpsim_fault_alloc(sys, 0, 0);
    assert_null(c);
    assert_nt_status(STATUS_SUCCESS, WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c));
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, WdfCollectionAdd(c, kmdf_ioctl_device()));
    pnpsim_fault_alloc(sys, 0, 0);
    assert_int_equal(WdfCollectionGetCount(c), 0);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, (void)WdfCollectionAdd(c, NULL));
    assert_int_equal(caught(0), WDF_REQUIRED_PARAMETER_IS_NULL);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION,
                           (void)WdfCollectionGetCount((WDFCOLLECTION)kmdf_ioctl_device()));
    assert_int_equal(caught(0), WDF_INVALID_HANDLE);
    KeRaiseIrql(HIGH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, (void)WdfCollectionGetCount(c));
    KeLowerIrql(old);
    assert_int_equal(caught(0), PNPSIM_WDF_IRQL_TOO_HIGH);
    WdfObjectDelete(c);
}

/* ==== registry ============================================================================ */

static UNICODE_STRING us(PCWSTR s)
{
    UNICODE_STRING u;
    RtlInitUnicodeString(&u, s);
    return u;
}

/* "WdfDriverOpenParametersRegistryKey" (the service key's Parameters subkey), then the
 * documented statuses of the value methods: STATUS_OBJECT_NAME_NOT_FOUND,
 * STATUS_OBJECT_TYPE_MISMATCH, STATUS_BUFFER_OVERFLOW with the size needed. */
static void test_kmdf_objects__registry_values_round_trip(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFKEY key = NULL;
    UNICODE_STRING speed = us(L"Speed"), name = us(L"Name"), missing = us(L"Missing");
    UNICODE_STRING text = us(L"toaster"), out;
    WCHAR buf[32], small[3];
    ULONG v = 0, len = 0, type = 0;
    USHORT bytes = 0;
    UCHAR raw[2];
    assert_nt_status(STATUS_SUCCESS, WdfDriverOpenParametersRegistryKey(
                                         WdfGetDriver(), KEY_ALL_ACCESS, WDF_NO_OBJECT_ATTRIBUTES,
                                         &key));
    assert_non_null(WdfRegistryWdmGetHandle(key));
    assert_nt_status(STATUS_SUCCESS, WdfRegistryAssignULong(key, &speed, 5));
    assert_nt_status(STATUS_SUCCESS, WdfRegistryQueryULong(key, &speed, &v));
    assert_int_equal(v, 5);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, WdfRegistryQueryULong(key, &missing, &v));
    assert_nt_status(STATUS_SUCCESS, WdfRegistryAssignUnicodeString(key, &name, &text));
    assert_nt_status(STATUS_OBJECT_TYPE_MISMATCH, WdfRegistryQueryULong(key, &name, &v));
    assert_nt_status(STATUS_OBJECT_TYPE_MISMATCH,
                     WdfRegistryQueryUnicodeString(key, &speed, &bytes, NULL));
    /* Size only, then the string. */
    assert_nt_status(STATUS_SUCCESS, WdfRegistryQueryUnicodeString(key, &name, &bytes, NULL));
    assert_int_equal(bytes, sizeof(L"toaster"));
    out.Buffer = buf;
    out.Length = 0;
    out.MaximumLength = sizeof(buf);
    assert_nt_status(STATUS_SUCCESS, WdfRegistryQueryUnicodeString(key, &name, NULL, &out));
    assert_true(RtlEqualUnicodeString(&out, &text, FALSE));
    out.Buffer = small;
    out.MaximumLength = sizeof(small);
    assert_nt_status(STATUS_BUFFER_OVERFLOW, WdfRegistryQueryUnicodeString(key, &name, NULL, &out));
    /* "WdfRegistryQueryValue": too small -> STATUS_BUFFER_OVERFLOW and the size needed. */
    assert_nt_status(STATUS_BUFFER_OVERFLOW,
                     WdfRegistryQueryValue(key, &speed, sizeof(raw), raw, &len, &type));
    assert_int_equal(len, sizeof(ULONG));
    assert_int_equal(type, REG_DWORD);
    assert_nt_status(STATUS_SUCCESS, WdfRegistryQueryValue(key, &speed, sizeof(v), &v, &len, NULL));
    assert_int_equal(v, 5);
    assert_nt_status(STATUS_SUCCESS, WdfRegistryAssignValue(key, &speed, REG_DWORD, sizeof(v), &v));
    assert_nt_status(STATUS_SUCCESS, WdfRegistryRemoveValue(key, &speed));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, WdfRegistryRemoveValue(key, &speed));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, WdfRegistryQueryValue(key, &speed, 0, NULL, &len, NULL));
    WdfRegistryClose(key);
    (void)sys;
}

/* "WdfRegistryCreateKey" (disposition), "WdfRegistryOpenKey" relative to a parent key
 * (STATUS_OBJECT_NAME_NOT_FOUND for a missing one), "WdfRegistryRemoveKey" (which also
 * deletes the key object). */
static void test_kmdf_objects__registry_subkeys(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFKEY params = NULL, sub = NULL, again = NULL;
    UNICODE_STRING subname = us(L"Sub"), bad;
    ULONG disp = 0;
    assert_nt_status(STATUS_SUCCESS, WdfDriverOpenParametersRegistryKey(
                                         WdfGetDriver(), KEY_ALL_ACCESS, WDF_NO_OBJECT_ATTRIBUTES,
                                         &params));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     WdfRegistryOpenKey(params, &subname, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &sub));
    assert_null(sub);
    assert_nt_status(STATUS_SUCCESS,
                     WdfRegistryCreateKey(params, &subname, KEY_ALL_ACCESS, REG_OPTION_NON_VOLATILE,
                                          &disp, WDF_NO_OBJECT_ATTRIBUTES, &sub));
    assert_int_equal(disp, REG_CREATED_NEW_KEY);
    assert_nt_status(STATUS_SUCCESS,
                     WdfRegistryCreateKey(params, &subname, KEY_ALL_ACCESS, REG_OPTION_NON_VOLATILE,
                                          &disp, WDF_NO_OBJECT_ATTRIBUTES, &again));
    assert_int_equal(disp, REG_OPENED_EXISTING_KEY);
    WdfRegistryClose(again);
    assert_nt_status(STATUS_SUCCESS, WdfRegistryRemoveKey(sub));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     WdfRegistryOpenKey(params, &subname, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &sub));
    /* A malformed name: odd Length. */
    bad = us(L"Sub");
    bad.Length = 3;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     WdfRegistryOpenKey(params, &bad, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &sub));
    WdfRegistryClose(params);
    (void)sys;
}

/* "WdfDeviceOpenRegistryKey" with PLUGPLAY_REGKEY_DEVICE: the device's hardware key (the
 * key object's parent is the device, deleted with it). */
static void test_kmdf_objects__device_registry_key(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFKEY hw = NULL, again = NULL;
    UNICODE_STRING val = us(L"Setting");
    ULONG v = 0;
    assert_nt_status(STATUS_SUCCESS, WdfDeviceOpenRegistryKey(kmdf_ioctl_device(),
                                                              PLUGPLAY_REGKEY_DEVICE, KEY_ALL_ACCESS,
                                                              WDF_NO_OBJECT_ATTRIBUTES, &hw));
    assert_nt_status(STATUS_SUCCESS, WdfRegistryAssignULong(hw, &val, 42));
    WdfRegistryClose(hw);
    assert_nt_status(STATUS_SUCCESS, WdfDeviceOpenRegistryKey(kmdf_ioctl_device(),
                                                              PLUGPLAY_REGKEY_DEVICE, KEY_READ,
                                                              WDF_NO_OBJECT_ATTRIBUTES, &again));
    assert_nt_status(STATUS_SUCCESS, WdfRegistryQueryULong(again, &val, &v));
    assert_int_equal(v, 42);
    /* Left open: it goes with the device. */
    assert_nt_status(STATUS_SUCCESS, WdfDeviceOpenRegistryKey(kmdf_ioctl_device(),
                                                              PLUGPLAY_REGKEY_DRIVER, KEY_ALL_ACCESS,
                                                              WDF_NO_OBJECT_ATTRIBUTES, &hw));
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION,
                           (void)WdfRegistryQueryULong((WDFKEY)kmdf_ioctl_device(), &val, &v));
    assert_int_equal(caught(0), WDF_INVALID_HANDLE);
}

/* Registry methods are PASSIVE_LEVEL only: KmdfIrql, and STATUS_INVALID_DEVICE_REQUEST as the
 * Learn pages document when the verifier lets the call go on. */
static void test_kmdf_objects__registry_above_passive(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFKEY key = NULL;
    UNICODE_STRING val = us(L"X");
    ULONG v;
    KIRQL old;
    assert_nt_status(STATUS_SUCCESS, WdfDriverOpenParametersRegistryKey(
                                         WdfGetDriver(), KEY_ALL_ACCESS, WDF_NO_OBJECT_ATTRIBUTES,
                                         &key));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, (void)WdfRegistryQueryULong(key, &val, &v));
    KeLowerIrql(old);
    assert_int_equal(caught(0), PNPSIM_WDF_IRQL_TOO_HIGH);
    assert_nt_status(STATUS_SUCCESS, pnpsim_verifier_set_mode(sys, "KmdfIrql",
                                                              PNPSIM_VERIFIER_RECORD));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST, WdfRegistryQueryULong(key, &val, &v));
    KeLowerIrql(old);
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, WdfRegistryAssignULong(key, &val, 1));
    pnpsim_fault_alloc(sys, 0, 0);
    WdfRegistryClose(key);
}

/* "WdfDeviceQueryProperty" / "WdfDeviceAllocAndQueryProperty": IoGetDeviceProperty of the
 * device's PDO; a short buffer -> STATUS_BUFFER_TOO_SMALL with the size needed. */
static void test_kmdf_objects__device_properties(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    static const WCHAR expect[] = L"ROOT\\KMDFIOCTL";
    WCHAR buf[64];
    ULONG len = 0;
    WDFMEMORY mem = NULL;
    size_t size = 0;
    PVOID p;
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     WdfDeviceQueryProperty(kmdf_ioctl_device(), DevicePropertyHardwareID, 2, buf,
                                            &len));
    assert_true(len > sizeof(expect));
    assert_nt_status(STATUS_SUCCESS, WdfDeviceQueryProperty(kmdf_ioctl_device(),
                                                            DevicePropertyHardwareID, sizeof(buf),
                                                            buf, &len));
    assert_memory_equal(buf, expect, sizeof(expect));
    assert_nt_status(STATUS_SUCCESS, WdfDeviceAllocAndQueryProperty(
                                         kmdf_ioctl_device(), DevicePropertyHardwareID,
                                         NonPagedPoolNx, WDF_NO_OBJECT_ATTRIBUTES, &mem));
    p = WdfMemoryGetBuffer(mem, &size);
    assert_int_equal(size, len);
    assert_memory_equal(p, expect, sizeof(expect));
    WdfObjectDelete(mem);
    mem = NULL;
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     WdfDeviceAllocAndQueryProperty(kmdf_ioctl_device(), DevicePropertyHardwareID,
                                                    NonPagedPoolNx, WDF_NO_OBJECT_ATTRIBUTES, &mem));
    pnpsim_fault_alloc(sys, 0, 0);
    assert_null(mem);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION,
                           (void)WdfDeviceQueryProperty(kmdf_ioctl_device(),
                                                        DevicePropertyHardwareID, 0, NULL, NULL));
    assert_int_equal(caught(0), WDF_REQUIRED_PARAMETER_IS_NULL);
}

/* ==== methods pnpsim does not model ======================================================= */

/* README "KMDF": a method pnpsim does not model fails with STATUS_NOT_IMPLEMENTED and is
 * reported once per system (a trace event and one stderr line, then silence); a VOID one
 * records the verifier rule KmdfNotImplemented every time. */
static void test_kmdf_objects__not_implemented_fails_and_logs_once(void **state)
{
    pnpsim_system *sys = start(state, NULL);
    WDFKEY key = NULL;
    WDFCOLLECTION c = NULL;
    UNICODE_STRING val = us(L"Multi");
    assert_nt_status(STATUS_SUCCESS, WdfDriverOpenParametersRegistryKey(
                                         WdfGetDriver(), KEY_ALL_ACCESS, WDF_NO_OBJECT_ATTRIBUTES,
                                         &key));
    assert_nt_status(STATUS_SUCCESS, WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c));
    pnpsim_trace_clear(sys);
    assert_nt_status(STATUS_NOT_IMPLEMENTED,
                     WdfRegistryQueryMultiString(key, &val, WDF_NO_OBJECT_ATTRIBUTES, c));
    assert_true(pnpsim_trace_find(sys, -1, "WdfRegistryQueryMultiString is not modelled") != 0);
    pnpsim_trace_clear(sys);
    assert_nt_status(STATUS_NOT_IMPLEMENTED,
                     WdfRegistryQueryMultiString(key, &val, WDF_NO_OBJECT_ATTRIBUTES, c));
    assert_int_equal(pnpsim_trace_find(sys, -1, "WdfRegistryQueryMultiString is not modelled"), 0);
    assert_nt_status(STATUS_NOT_IMPLEMENTED, WdfRegistryAssignMultiString(key, &val, c));
    /* VOID: the verifier reports KmdfNotImplemented every call (kmdf_int.h: RECORD by
     * default; set explicitly here so the test does not depend on the default table). */
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_verifier_set_mode(sys, "KmdfNotImplemented", PNPSIM_VERIFIER_RECORD));
    WdfInterruptEnable(NULL);
    WdfInterruptEnable(NULL);
    assert_int_equal(pnpsim_verifier_violation_count(sys, "KmdfNotImplemented"), 2);
    WdfObjectDelete(c);
    WdfRegistryClose(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_kmdf_objects__spin_lock_raises_to_dispatch),
        PNPSIM_TEST(test_kmdf_objects__spin_lock_released_by_another_thread_bugchecks),
        PNPSIM_TEST(test_kmdf_objects__wait_lock_times_out_while_held),
        PNPSIM_TEST(test_kmdf_objects__object_lock_of_devices_and_queues),
        PNPSIM_TEST(test_kmdf_objects__lock_create_errors),
        PNPSIM_TEST(test_kmdf_objects__timer_fires_on_simulated_time),
        PNPSIM_TEST(test_kmdf_objects__periodic_timer_and_stop),
        PNPSIM_TEST(test_kmdf_objects__timer_goes_with_the_device),
        PNPSIM_TEST(test_kmdf_objects__timer_errors),
        PNPSIM_TEST(test_kmdf_objects__work_item_runs_once_per_enqueue),
        PNPSIM_TEST(test_kmdf_objects__work_item_errors),
        PNPSIM_TEST(test_kmdf_objects__collection_holds_references_in_order),
        PNPSIM_TEST(test_kmdf_objects__collection_errors),
        PNPSIM_TEST(test_kmdf_objects__registry_values_round_trip),
        PNPSIM_TEST(test_kmdf_objects__registry_subkeys),
        PNPSIM_TEST(test_kmdf_objects__device_registry_key),
        PNPSIM_TEST(test_kmdf_objects__registry_above_passive),
        PNPSIM_TEST(test_kmdf_objects__device_properties),
        PNPSIM_TEST(test_kmdf_objects__not_implemented_fails_and_logs_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
