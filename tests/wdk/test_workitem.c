/* SPDX-License-Identifier: MIT */
/*
 * This file tests I/O work items: IoAllocateWorkItem, IoQueueWorkItem(Ex), IoFreeWorkItem,
 * IoSizeofWorkItem, when queued items run (pnpsim_system_run_pending, waits), their IRQL and
 * owner driver, and the WORKER_INVALID (0xE4) bug checks.
 * Sources: Microsoft Learn "IoQueueWorkItem", "IoQueueWorkItemEx", "IoFreeWorkItem",
 * "Bug Check 0xE4 WORKER_INVALID"; DESIGN.md "Notification delivery".
 */
#include "pnpsim_test.h"

#include <string.h>

typedef struct wi_ctx {
    int runs;
    KIRQL irql;
    PDEVICE_OBJECT device;
    PIO_WORKITEM item_seen;
    int free_in_routine;
    int requeue;
    size_t pool_of_owner; /* pool outstanding for the device's driver, seen in the routine */
} wi_ctx;

static PDEVICE_OBJECT make_pdo(pnpsim_system *sys, const char *id)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, id, "0", &dev));
    return pnpsim_device_pdo(dev);
}

static VOID NTAPI routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    wi_ctx *c = Context;
    void *p;
    c->runs++;
    c->irql = KeGetCurrentIrql();
    c->device = DeviceObject;
    /* Pool allocated here belongs to the device's driver. */
    p = ExAllocatePoolWithTag(NonPagedPoolNx, 8, 0x6B726F57u);
    c->pool_of_owner = pnpsim_system_pool_outstanding(pnpsim_system_current(),
                                                      DeviceObject->DriverObject);
    ExFreePool(p);
}

static VOID NTAPI routine_ex(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem)
{
    wi_ctx *c = Context;
    c->runs++;
    c->device = IoObject;
    c->item_seen = IoWorkItem;
    c->irql = KeGetCurrentIrql();
    if (c->requeue && c->runs == 1)
        IoQueueWorkItemEx(IoWorkItem, routine_ex, DelayedWorkQueue, Context);
    if (c->free_in_routine)
        IoFreeWorkItem(IoWorkItem);
}

static void test_workitem__size_is_positive(void **state)
{
    (void)state;
    assert_true(IoSizeofWorkItem() > 0);
}

/* IoQueueWorkItem: the routine runs later, at PASSIVE_LEVEL, with the device object. */
static void test_workitem__queued_item_runs_at_passive_on_run_pending(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI1");
    wi_ctx c;
    PIO_WORKITEM item = IoAllocateWorkItem(pdo);
    KIRQL old;
    memset(&c, 0, sizeof(c));
    assert_non_null(item);
    KeRaiseIrql(DISPATCH_LEVEL, &old); /* queueing is allowed at DISPATCH_LEVEL */
    IoQueueWorkItem(item, routine, DelayedWorkQueue, &c);
    KeLowerIrql(old);
    assert_int_equal(c.runs, 0);
    assert_int_equal(pnpsim_system_pending_count(sys), 1);
    assert_int_equal(pnpsim_system_run_pending(sys), 1);
    assert_int_equal(c.runs, 1);
    assert_int_equal(c.irql, PASSIVE_LEVEL);
    assert_ptr_equal(c.device, pdo);
    assert_int_equal(c.pool_of_owner, 1);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    IoFreeWorkItem(item);
}

static void test_workitem__ex_routine_gets_the_item_and_may_free_it(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI2");
    wi_ctx c;
    PIO_WORKITEM item = IoAllocateWorkItem(pdo);
    memset(&c, 0, sizeof(c));
    c.free_in_routine = 1;
    assert_non_null(item);
    IoQueueWorkItemEx(item, routine_ex, CriticalWorkQueue, &c);
    pnpsim_system_run_pending(sys);
    assert_int_equal(c.runs, 1);
    assert_ptr_equal(c.item_seen, item);
    assert_ptr_equal(c.device, pdo);
}

static void test_workitem__routine_may_queue_its_item_again(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI3");
    wi_ctx c;
    PIO_WORKITEM item = IoAllocateWorkItem(pdo);
    memset(&c, 0, sizeof(c));
    c.requeue = 1;
    assert_non_null(item);
    IoQueueWorkItemEx(item, routine_ex, DelayedWorkQueue, &c);
    pnpsim_system_run_pending(sys);
    assert_int_equal(c.runs, 2);
    IoFreeWorkItem(item);
}

/* Bug Check 0xE4 parameter 1 = 0x1: an active (queued) work item was queued again. */
static void test_workitem__queue_twice_bugchecks_0xe4_1(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI4");
    wi_ctx c;
    PIO_WORKITEM item = IoAllocateWorkItem(pdo);
    memset(&c, 0, sizeof(c));
    IoQueueWorkItem(item, routine, DelayedWorkQueue, &c);
    PNPSIM_EXPECT_BUGCHECK(sys, 0xE4, IoQueueWorkItem(item, routine, DelayedWorkQueue, &c));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x1);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)item);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], DelayedWorkQueue);
    pnpsim_system_run_pending(sys);
    assert_int_equal(c.runs, 1); /* queued once */
    IoFreeWorkItem(item);
}

/* Bug Check 0xE4 parameter 1 = 0x2: a queued I/O work item was freed. */
static void test_workitem__free_while_queued_bugchecks_0xe4_2(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI5");
    wi_ctx c;
    PIO_WORKITEM item = IoAllocateWorkItem(pdo);
    memset(&c, 0, sizeof(c));
    IoQueueWorkItem(item, routine, DelayedWorkQueue, &c);
    PNPSIM_EXPECT_BUGCHECK(sys, 0xE4, IoFreeWorkItem(item));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)item);
    pnpsim_system_run_pending(sys);
    IoFreeWorkItem(item);
}

/* Bug Check 0xE4 parameters 0x6 (invalid queue type) and 0x7 (no worker routine). */
static void test_workitem__bad_queue_type_and_null_routine_bugcheck(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI6");
    wi_ctx c;
    PIO_WORKITEM item = IoAllocateWorkItem(pdo);
    memset(&c, 0, sizeof(c));
    PNPSIM_EXPECT_BUGCHECK(sys, 0xE4, IoQueueWorkItem(item, routine, (WORK_QUEUE_TYPE)17, &c));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x6);
    PNPSIM_EXPECT_BUGCHECK(sys, 0xE4, IoQueueWorkItem(item, NULL, DelayedWorkQueue, &c));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x7);
    assert_int_equal(pnpsim_system_pending_count(sys), 0);
    IoFreeWorkItem(item);
}

/* Bug Check 0xE4 parameter 1 = 0x3: a work item for an invalid object. */
static void test_workitem__allocate_for_non_device_bugchecks_0xe4_3(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PNPSIM_EXPECT_BUGCHECK(sys, 0xE4, IoAllocateWorkItem(NULL));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x3);
}

static void test_workitem__allocation_failure_returns_null(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI7");
    pnpsim_fault_alloc(sys, 1, 1);
    assert_null(IoAllocateWorkItem(pdo));
    pnpsim_fault_clear(sys);
}

static void test_workitem__allocate_above_dispatch_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI8");
    KIRQL old;
    KeRaiseIrql(HIGH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL, IoAllocateWorkItem(pdo));
    KeLowerIrql(old);
}

/* An item left queued when the system goes is discarded (its device reference dropped). */
static void test_workitem__queued_item_discarded_at_destroy(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = make_pdo(sys, "ROOT\\WI9");
    static wi_ctx c;
    PIO_WORKITEM item = IoAllocateWorkItem(pdo);
    memset(&c, 0, sizeof(c));
    assert_non_null(item);
    IoQueueWorkItem(item, routine, DelayedWorkQueue, &c);
    assert_int_equal(pnpsim_system_pending_count(sys), 1);
    /* teardown destroys the system with the item still queued */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_workitem__size_is_positive),
        PNPSIM_TEST_MANUAL(test_workitem__queued_item_runs_at_passive_on_run_pending),
        PNPSIM_TEST_MANUAL(test_workitem__ex_routine_gets_the_item_and_may_free_it),
        PNPSIM_TEST_MANUAL(test_workitem__routine_may_queue_its_item_again),
        PNPSIM_TEST_MANUAL(test_workitem__queue_twice_bugchecks_0xe4_1),
        PNPSIM_TEST_MANUAL(test_workitem__free_while_queued_bugchecks_0xe4_2),
        PNPSIM_TEST_MANUAL(test_workitem__bad_queue_type_and_null_routine_bugcheck),
        PNPSIM_TEST(test_workitem__allocate_for_non_device_bugchecks_0xe4_3),
        PNPSIM_TEST(test_workitem__allocation_failure_returns_null),
        PNPSIM_TEST(test_workitem__allocate_above_dispatch_bugchecks),
        PNPSIM_TEST_MANUAL(test_workitem__queued_item_discarded_at_destroy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
