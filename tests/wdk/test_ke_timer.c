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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
