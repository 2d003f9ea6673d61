/* SPDX-License-Identifier: MIT */
/*
 * This file tests timers, DPCs and simulated time: KeSetTimer[Ex], KeCancelTimer, periodic
 * timers, KeInsertQueueDpc, DPCs at DISPATCH_LEVEL, KeQueryInterruptTime,
 * KeQueryTickCount, KeQueryPerformanceCounter and pnpsim_time_advance. Sources: Microsoft
 * Learn "KeSetTimerEx", "KeCancelTimer", "KeInsertQueueDpc", "KeQueryTickCount",
 * "KeQueryPerformanceCounter".
 */
#include "pnpsim_test.h"

#include <pnpsim/time.h>

typedef struct dpc_log {
    int runs;
    KIRQL irql;
    PVOID arg1;
    ULONGLONG when;
} dpc_log;

static VOID NTAPI log_dpc(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    dpc_log *l = Context;
    (void)Dpc;
    (void)A2;
    l->runs++;
    l->irql = KeGetCurrentIrql();
    l->arg1 = A1;
    l->when = KeQueryInterruptTime();
}

static LARGE_INTEGER rel_ms(LONGLONG ms)
{
    LARGE_INTEGER t;
    t.QuadPart = -ms * 10000;
    return t;
}

/* KeSetTimer: the timer is signalled and its DPC runs when the due time passes. */
static void test_ke_timer__fires_only_when_time_advances(void **state)
{
    KTIMER t;
    KDPC dpc;
    dpc_log l = {0};
    LARGE_INTEGER zero;
    zero.QuadPart = 0;
    KeInitializeTimer(&t);
    KeInitializeDpc(&dpc, log_dpc, &l);
    assert_false(KeSetTimer(&t, rel_ms(100), &dpc));
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(TSYS(state), 99 * 1000000ull));
    assert_int_equal(l.runs, 0);
    assert_false(KeReadStateTimer(&t));
    assert_nt_status(STATUS_TIMEOUT,
                     KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &zero));
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(TSYS(state), 5 * 1000000ull));
    assert_int_equal(l.runs, 1);
    assert_int_equal(l.irql, DISPATCH_LEVEL);
    assert_true(l.when == 100 * 10000ull); /* the clock stopped at the due time */
    assert_true(KeReadStateTimer(&t));
    assert_nt_status(STATUS_SUCCESS,
                     KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &zero));
    assert_true(KeReadStateTimer(&t)); /* notification timer stays signalled */
    assert_true(pnpsim_time_now(TSYS(state)) == 104 * 1000000ull);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* KeSetTimerEx with a period fires once per period; KeCancelTimer stops it. */
static void test_ke_timer__periodic_timer_and_cancel(void **state)
{
    KTIMER t;
    KDPC dpc;
    dpc_log l = {0};
    KeInitializeTimerEx(&t, SynchronizationTimer);
    KeInitializeDpc(&dpc, log_dpc, &l);
    KeSetTimerEx(&t, rel_ms(10), 10, &dpc);
    pnpsim_time_advance(TSYS(state), 35 * 1000000ull);
    assert_int_equal(l.runs, 3);
    assert_true(KeCancelTimer(&t));
    assert_false(KeCancelTimer(&t));
    pnpsim_time_advance(TSYS(state), 100 * 1000000ull);
    assert_int_equal(l.runs, 3);
}

/* KeSetTimerEx returns TRUE when the timer was already set (it is reset). */
static void test_ke_timer__set_again_returns_true_and_moves_due_time(void **state)
{
    KTIMER t;
    KeInitializeTimer(&t);
    assert_false(KeSetTimer(&t, rel_ms(10), NULL));
    assert_true(KeSetTimer(&t, rel_ms(50), NULL));
    pnpsim_time_advance(TSYS(state), 20 * 1000000ull);
    assert_false(KeReadStateTimer(&t));
    pnpsim_time_advance(TSYS(state), 30 * 1000000ull);
    assert_true(KeReadStateTimer(&t));
}

/* KeInsertQueueDpc: FALSE when already queued; at DISPATCH_LEVEL the DPC waits until the
 * IRQL drops below DISPATCH_LEVEL. */
static void test_ke_timer__dpc_runs_when_irql_drops(void **state)
{
    KDPC dpc;
    dpc_log l = {0};
    KIRQL old;
    (void)state;
    KeInitializeDpc(&dpc, log_dpc, &l);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_true(KeInsertQueueDpc(&dpc, (PVOID)7, NULL));
    assert_false(KeInsertQueueDpc(&dpc, (PVOID)8, NULL));
    assert_int_equal(l.runs, 0);
    KeLowerIrql(old);
    assert_int_equal(l.runs, 1);
    assert_true(l.arg1 == (PVOID)7);
    assert_int_equal(l.irql, DISPATCH_LEVEL);
    assert_true(KeInsertQueueDpc(&dpc, NULL, NULL)); /* passive: runs at once */
    assert_int_equal(l.runs, 2);
}

/* KeRemoveQueueDpc takes a queued DPC out (TRUE), else FALSE. */
static void test_ke_timer__remove_queued_dpc(void **state)
{
    KDPC dpc;
    dpc_log l = {0};
    KIRQL old;
    (void)state;
    KeInitializeDpc(&dpc, log_dpc, &l);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    assert_true(KeRemoveQueueDpc(&dpc));
    assert_false(KeRemoveQueueDpc(&dpc));
    KeLowerIrql(old);
    assert_int_equal(l.runs, 0);
}

/* The clocks follow simulated time: interrupt time in 100 ns, ticks of 15.625 ms, a
 * performance counter with its frequency. */
static void test_ke_timer__clocks_follow_simulated_time(void **state)
{
    LARGE_INTEGER ticks, freq, pc;
    ULONGLONG t0 = KeQueryInterruptTime();
    pnpsim_time_advance(TSYS(state), 1000000000ull);
    assert_true(KeQueryInterruptTime() - t0 == 10000000ull);
    KeQueryTickCount(&ticks);
    assert_int_equal(ticks.QuadPart, 64); /* 1 s / 15.625 ms */
    assert_int_equal(KeQueryTimeIncrement(), 156250);
    pc = KeQueryPerformanceCounter(&freq);
    assert_int_equal(freq.QuadPart, 10000000);
    assert_int_equal(pc.QuadPart, 10000000);
}

/* A DPC that returns at another IRQL is caught (IRQL_UNEXPECTED_VALUE). */
static VOID NTAPI bad_dpc(PKDPC Dpc, PVOID Context, PVOID A1, PVOID A2)
{
    KIRQL old;
    (void)Dpc;
    (void)Context;
    (void)A1;
    (void)A2;
    KeRaiseIrql(HIGH_LEVEL, &old);
}

static void test_ke_timer__dpc_returning_at_wrong_irql_bugchecks(void **state)
{
    KDPC dpc;
    KeInitializeDpc(&dpc, bad_dpc, NULL);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), IRQL_UNEXPECTED_VALUE, KeInsertQueueDpc(&dpc, NULL, NULL));
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static void test_ke_timer__advance_null_system_is_invalid_parameter(void **state)
{
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_time_advance(NULL, 1));
}

/* ---- freeing pool that holds a live timer or DPC: bug check 0xC7 TIMER_OR_DPC_INVALID
 * (Microsoft Learn "Bug Check 0xC7 TIMER_OR_DPC_INVALID": parameter 1 is 0 for a timer, 1
 * for a DPC; 2 the object; 3 and 4 the start and end of the memory range checked). */
typedef struct timer_block {
    ULONG before;
    KTIMER timer;
    KDPC dpc;
} timer_block;

static void assert_c7(ULONG_PTR kind, const void *object, const void *block, size_t size)
{
    const pnpsim_violation *v = pnpsim_bugcheck_last_caught();
    assert_non_null(v);
    assert_int_equal(v->code, TIMER_OR_DPC_INVALID);
    assert_int_equal(v->parameters[0], kind);
    assert_true(v->parameters[1] == (ULONG_PTR)object);
    assert_true(v->parameters[2] == (ULONG_PTR)block);
    assert_true(v->parameters[3] == (ULONG_PTR)block + size);
}

static void test_ke_timer__freeing_pool_with_a_set_timer_bugchecks_c7(void **state)
{
    dpc_log l = {0};
    timer_block *b = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*b), 'rmiT');
    assert_non_null(b);
    KeInitializeTimer(&b->timer);
    KeInitializeDpc(&b->dpc, log_dpc, &l);
    KeSetTimer(&b->timer, rel_ms(10), &b->dpc);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), TIMER_OR_DPC_INVALID, ExFreePoolWithTag(b, 'rmiT'));
    assert_c7(0, &b->timer, b, sizeof(*b));
    /* The timer was taken out of the timer list: the clock never touches the freed block. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(TSYS(state), 50000000ull));
    assert_int_equal(l.runs, 0);
    assert_int_equal(pnpsim_system_pool_outstanding(TSYS(state), NULL), 0);
}

static void test_ke_timer__freeing_pool_with_a_queued_dpc_bugchecks_c7(void **state)
{
    dpc_log l = {0};
    KIRQL old;
    timer_block *b = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*b), 'cpDT');
    assert_non_null(b);
    KeInitializeDpc(&b->dpc, log_dpc, &l);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_true(KeInsertQueueDpc(&b->dpc, NULL, NULL));
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), TIMER_OR_DPC_INVALID, ExFreePool(b));
    KeLowerIrql(old);
    assert_c7(1, &b->dpc, b, sizeof(*b));
    assert_int_equal(l.runs, 0); /* taken off the queue */
}

static void test_ke_timer__freeing_the_dpc_of_a_set_timer_bugchecks_c7(void **state)
{
    dpc_log l = {0};
    KTIMER t;
    KDPC *dpc = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*dpc), 'cpDT');
    assert_non_null(dpc);
    KeInitializeTimer(&t);
    KeInitializeDpc(dpc, log_dpc, &l);
    KeSetTimer(&t, rel_ms(10), dpc);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), TIMER_OR_DPC_INVALID, ExFreePool(dpc));
    assert_c7(1, dpc, dpc, sizeof(*dpc));
    /* The timer stays set, without its DPC. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(TSYS(state), 20000000ull));
    assert_true(KeReadStateTimer(&t));
    assert_int_equal(l.runs, 0);
}

static void test_ke_timer__freeing_pool_after_cancel_is_fine(void **state)
{
    dpc_log l = {0};
    KIRQL old;
    size_t caught = pnpsim_bugcheck_count(TSYS(state));
    timer_block *b = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*b), 'rmiT');
    assert_non_null(b);
    KeInitializeTimer(&b->timer);
    KeInitializeDpc(&b->dpc, log_dpc, &l);
    KeSetTimer(&b->timer, rel_ms(10), &b->dpc);
    assert_true(KeCancelTimer(&b->timer));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_true(KeInsertQueueDpc(&b->dpc, NULL, NULL));
    assert_true(KeRemoveQueueDpc(&b->dpc));
    KeLowerIrql(old);
    ExFreePoolWithTag(b, 'rmiT');
    /* A timer that fired (not periodic) is no longer set either. */
    b = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*b), 'rmiT');
    assert_non_null(b);
    KeInitializeTimer(&b->timer);
    KeSetTimer(&b->timer, rel_ms(1), NULL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(TSYS(state), 2000000ull));
    ExFreePoolWithTag(b, 'rmiT');
    assert_int_equal(pnpsim_bugcheck_count(TSYS(state)), caught);
    assert_int_equal(l.runs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_ke_timer__fires_only_when_time_advances),
        PNPSIM_TEST(test_ke_timer__periodic_timer_and_cancel),
        PNPSIM_TEST(test_ke_timer__set_again_returns_true_and_moves_due_time),
        PNPSIM_TEST(test_ke_timer__dpc_runs_when_irql_drops),
        PNPSIM_TEST(test_ke_timer__remove_queued_dpc),
        PNPSIM_TEST(test_ke_timer__clocks_follow_simulated_time),
        PNPSIM_TEST(test_ke_timer__dpc_returning_at_wrong_irql_bugchecks),
        PNPSIM_TEST(test_ke_timer__advance_null_system_is_invalid_parameter),
        PNPSIM_TEST(test_ke_timer__freeing_pool_with_a_set_timer_bugchecks_c7),
        PNPSIM_TEST(test_ke_timer__freeing_pool_with_a_queued_dpc_bugchecks_c7),
        PNPSIM_TEST(test_ke_timer__freeing_the_dpc_of_a_set_timer_bugchecks_c7),
        PNPSIM_TEST(test_ke_timer__freeing_pool_after_cancel_is_fine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
