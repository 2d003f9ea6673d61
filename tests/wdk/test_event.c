/* SPDX-License-Identifier: MIT */
/*
 * This file tests events and waits: KeInitializeEvent, KeSetEvent, KeClearEvent,
 * KeResetEvent, KeReadStateEvent, KeWaitForSingleObject (timeouts, auto-reset, IRQL rules,
 * queued work running while a thread waits), KeDelayExecutionThread.
 * Sources: Microsoft Learn "KeInitializeEvent", "KeSetEvent", "KeWaitForSingleObject",
 * "KeDelayExecutionThread", "Bug Check 0xC4", DDI rules IrqlKeSetEvent, IrqlKeDispatchLte.
 */
#include "pnpsim_test.h"

#include <pthread.h>
#include <string.h>

static uint64_t now_ms(void)
{
    LARGE_INTEGER t;
    KeQuerySystemTime(&t);
    return (uint64_t)t.QuadPart / 10000u;
}

static void test_event__initialize_sets_type_size_and_state(void **state)
{
    KEVENT n, s;
    (void)state;
    KeInitializeEvent(&n, NotificationEvent, TRUE);
    KeInitializeEvent(&s, SynchronizationEvent, FALSE);
    assert_int_equal(n.Header.Type, 0);
    assert_int_equal(s.Header.Type, 1);
    assert_int_equal(n.Header.Size, sizeof(KEVENT) / sizeof(LONG));
    assert_int_equal(KeReadStateEvent(&n), 1);
    assert_int_equal(KeReadStateEvent(&s), 0);
}

static void test_event__set_reset_clear_return_previous_state(void **state)
{
    KEVENT e;
    (void)state;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    assert_int_equal(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 0);
    assert_int_equal(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 1);
    assert_int_equal(KeResetEvent(&e), 1);
    assert_int_equal(KeResetEvent(&e), 0);
    KeSetEvent(&e, IO_NO_INCREMENT, FALSE);
    KeClearEvent(&e);
    assert_int_equal(KeReadStateEvent(&e), 0);
}

static void test_event__notification_event_stays_signalled(void **state)
{
    KEVENT e;
    (void)state;
    KeInitializeEvent(&e, NotificationEvent, TRUE);
    assert_nt_status(STATUS_SUCCESS, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL));
    assert_nt_status(STATUS_SUCCESS, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL));
    assert_int_equal(KeReadStateEvent(&e), 1);
}

/* KeWaitForSingleObject: a satisfied wait on a synchronization event resets it. */
static void test_event__sync_event_auto_resets(void **state)
{
    KEVENT e;
    LARGE_INTEGER zero;
    (void)state;
    zero.QuadPart = 0;
    KeInitializeEvent(&e, SynchronizationEvent, TRUE);
    assert_nt_status(STATUS_SUCCESS, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL));
    assert_int_equal(KeReadStateEvent(&e), 0);
    assert_nt_status(STATUS_TIMEOUT, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero));
}

static void test_event__zero_timeout_polls(void **state)
{
    KEVENT e;
    LARGE_INTEGER zero;
    uint64_t t0;
    (void)state;
    zero.QuadPart = 0;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    t0 = now_ms();
    assert_nt_status(STATUS_TIMEOUT, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero));
    assert_true(now_ms() - t0 < 1000);
}

static void test_event__relative_timeout_expires(void **state)
{
    KEVENT e;
    LARGE_INTEGER t;
    uint64_t t0, elapsed;
    (void)state;
    t.QuadPart = -30 * 10000LL; /* 30 ms, relative */
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    t0 = now_ms();
    assert_nt_status(STATUS_TIMEOUT, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &t));
    elapsed = now_ms() - t0;
    assert_true(elapsed >= 25);
    assert_true(elapsed < 5000);
}

static void test_event__absolute_timeout_in_the_past_expires_at_once(void **state)
{
    KEVENT e;
    LARGE_INTEGER t;
    (void)state;
    KeQuerySystemTime(&t);
    t.QuadPart -= 10000000LL; /* one second ago */
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    assert_nt_status(STATUS_TIMEOUT, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &t));
    KeQuerySystemTime(&t);
    t.QuadPart += 20 * 10000LL; /* 20 ms from now, absolute */
    assert_nt_status(STATUS_TIMEOUT, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &t));
}

/* Another thread sets the event: the waiter wakes with STATUS_SUCCESS. */
static void *setter_thread(void *p)
{
    LARGE_INTEGER d;
    d.QuadPart = -20 * 10000LL; /* this thread has no current system: a plain sleep */
    KeDelayExecutionThread(KernelMode, FALSE, &d);
    KeSetEvent(p, IO_NO_INCREMENT, FALSE);
    return NULL;
}

static void test_event__wait_is_woken_by_another_thread(void **state)
{
    static KEVENT e;
    pthread_t t;
    (void)state;
    KeInitializeEvent(&e, SynchronizationEvent, FALSE);
    assert_int_equal(pthread_create(&t, NULL, setter_thread, &e), 0);
    assert_nt_status(STATUS_SUCCESS, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL));
    pthread_join(t, NULL);
    assert_int_equal(KeReadStateEvent(&e), 0);
}

/* DESIGN.md: a thread about to block first lets its system's queued work run. */
static VOID NTAPI set_event_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    (void)DeviceObject;
    KeSetEvent(Context, IO_NO_INCREMENT, FALSE);
}

static void test_event__wait_runs_queued_work_item(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    PIO_WORKITEM item;
    KEVENT e;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\EVTEST", "0", &dev));
    item = IoAllocateWorkItem(pnpsim_device_pdo(dev));
    assert_non_null(item);
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    IoQueueWorkItem(item, set_event_routine, DelayedWorkQueue, &e);
    assert_int_equal(KeReadStateEvent(&e), 0); /* queued, not run */
    assert_nt_status(STATUS_SUCCESS, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL));
    IoFreeWorkItem(item);
}

/* Bug Check 0xC4 parameters 0x120 / 0x121 / 0x122: waits at a bad IRQL. */
static void test_event__wait_at_dispatch_with_timeout_bugchecks_0xc4(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KEVENT e;
    KIRQL old;
    LARGE_INTEGER t, zero;
    t.QuadPart = -10000;
    zero.QuadPart = 0;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    /* A zero timeout is allowed at DISPATCH_LEVEL. */
    assert_nt_status(STATUS_TIMEOUT, KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero));
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &t));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x122);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], (ULONG_PTR)&e);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], (ULONG_PTR)&t);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x121);
    KeLowerIrql(old);
    KeRaiseIrql(HIGH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x120);
    KeLowerIrql(old);
}

/* Rule IrqlKeSetEvent (0xC4/0x00020016): Wait TRUE needs <= APC_LEVEL. */
static void test_event__set_event_wait_true_at_dispatch_bugchecks_rule(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KEVENT e;
    KIRQL old;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_int_equal(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 0); /* Wait FALSE: fine */
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           KeSetEvent(&e, IO_NO_INCREMENT, TRUE));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x00020016);
    KeLowerIrql(old);
}

/* Rule IrqlKeDispatchLte (0xC4/0x00020011): KeClearEvent above DISPATCH_LEVEL. */
static void test_event__clear_event_above_dispatch_bugchecks_rule(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KEVENT e;
    KIRQL old;
    KeInitializeEvent(&e, NotificationEvent, TRUE);
    KeRaiseIrql(HIGH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, KeClearEvent(&e));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x00020011);
    KeLowerIrql(old);
    assert_int_equal(KeReadStateEvent(&e), 1);
}

static void test_event__wait_on_non_event_object_is_not_implemented(void **state)
{
    KEVENT fake;
    (void)state;
    memset(&fake, 0, sizeof(fake));
    fake.Header.Type = 4; /* a queue's dispatcher type (KQUEUE is not modelled) */
    assert_nt_status(STATUS_NOT_IMPLEMENTED,
                     KeWaitForSingleObject(&fake, Executive, KernelMode, FALSE, NULL));
}

/* pnpsim's choice: a NULL object is the access violation Windows would take (0x7E). */
static void test_event__wait_on_null_bugchecks_access_violation(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PNPSIM_EXPECT_BUGCHECK(sys, 0x7E, KeWaitForSingleObject(NULL, Executive, KernelMode, FALSE, NULL));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], (ULONG_PTR)(ULONG)STATUS_ACCESS_VIOLATION);
}

static void test_event__delay_execution_sleeps_and_runs_queued_work(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    PIO_WORKITEM item;
    KEVENT e;
    LARGE_INTEGER t;
    uint64_t t0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\DELAY", "0", &dev));
    item = IoAllocateWorkItem(pnpsim_device_pdo(dev));
    assert_non_null(item);
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    IoQueueWorkItem(item, set_event_routine, DelayedWorkQueue, &e);
    t.QuadPart = -20 * 10000LL;
    t0 = now_ms();
    assert_nt_status(STATUS_SUCCESS, KeDelayExecutionThread(KernelMode, FALSE, &t));
    assert_true(now_ms() - t0 >= 15);
    assert_int_equal(KeReadStateEvent(&e), 1);
    IoFreeWorkItem(item);
}

static void test_event__delay_execution_at_dispatch_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    LARGE_INTEGER t;
    KIRQL old;
    t.QuadPart = -1;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL, KeDelayExecutionThread(KernelMode, FALSE, &t));
    KeLowerIrql(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_event__initialize_sets_type_size_and_state),
        PNPSIM_TEST(test_event__set_reset_clear_return_previous_state),
        PNPSIM_TEST(test_event__notification_event_stays_signalled),
        PNPSIM_TEST(test_event__sync_event_auto_resets),
        PNPSIM_TEST(test_event__zero_timeout_polls),
        PNPSIM_TEST(test_event__relative_timeout_expires),
        PNPSIM_TEST(test_event__absolute_timeout_in_the_past_expires_at_once),
        PNPSIM_TEST(test_event__wait_is_woken_by_another_thread),
        PNPSIM_TEST(test_event__wait_runs_queued_work_item),
        PNPSIM_TEST(test_event__wait_at_dispatch_with_timeout_bugchecks_0xc4),
        PNPSIM_TEST(test_event__set_event_wait_true_at_dispatch_bugchecks_rule),
        PNPSIM_TEST(test_event__clear_event_above_dispatch_bugchecks_rule),
        PNPSIM_TEST(test_event__wait_on_non_event_object_is_not_implemented),
        PNPSIM_TEST(test_event__wait_on_null_bugchecks_access_violation),
        PNPSIM_TEST(test_event__delay_execution_sleeps_and_runs_queued_work),
        PNPSIM_TEST(test_event__delay_execution_at_dispatch_bugchecks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
