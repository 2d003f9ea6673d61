/* SPDX-License-Identifier: MIT */
/*
 * This file tests the simulated IRQL (KeGetCurrentIrql, KeRaiseIrql, KeLowerIrql,
 * KeRaiseIrqlToDpcLevel), spin locks (including a multi-threaded counter), the system time
 * and KeBugCheckEx. Sources: Microsoft Learn "KeRaiseIrql", "KeLowerIrql",
 * "KeAcquireSpinLock", "KeReleaseSpinLock", "Bug Check 0xC4", "Bug Check 0xF",
 * "Bug Check 0x10", "KeBugCheckEx".
 */
#include "pnpsim_test.h"

#include <pthread.h>
#include <string.h>

static void test_irql__starts_at_passive_level(void **state)
{
    (void)state;
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static void test_irql__raise_lower_round_trip(void **state)
{
    KIRQL old1, old2;
    (void)state;
    KeRaiseIrql(APC_LEVEL, &old1);
    assert_int_equal(old1, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), APC_LEVEL);
    KeRaiseIrql(DISPATCH_LEVEL, &old2);
    assert_int_equal(old2, APC_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeRaiseIrql(DISPATCH_LEVEL, &old2); /* raising to the same IRQL is valid */
    assert_int_equal(old2, DISPATCH_LEVEL);
    KeLowerIrql(old2);
    KeLowerIrql(APC_LEVEL);
    KeLowerIrql(old1);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* KeRaiseIrql: "If the new IRQL is less than the current IRQL, a bug check occurs." */
static void test_irql__raise_to_lower_irql_bugchecks_0x9(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KIRQL old, ignored;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, 0x9, KeRaiseIrql(APC_LEVEL, &ignored));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], DISPATCH_LEVEL);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], APC_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);
}

/* Bug Check 0xC4 parameter 1 = 0x30: KeRaiseIrql above HIGH_LEVEL. */
static void test_irql__raise_above_high_level_bugchecks_0xc4_0x30(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KIRQL old;
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, KeRaiseIrql(HIGH_LEVEL + 1, &old));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x30);
}

/* Bug Check 0xC4 parameter 1 = 0x31: KeLowerIrql to a higher IRQL (current, requested). */
static void test_irql__lower_to_higher_irql_bugchecks_0xc4_0x31(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, KeLowerIrql(DISPATCH_LEVEL));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x31);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], PASSIVE_LEVEL);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], DISPATCH_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static void test_irql__raise_to_dpc_level_returns_old_irql(void **state)
{
    KIRQL old;
    (void)state;
    old = KeRaiseIrqlToDpcLevel();
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);
}

/* Rule IrqlKeDispatchLte (0xC4/0x00020011) covers KeRaiseIrqlToDpcLevel. */
static void test_irql__raise_to_dpc_above_dispatch_bugchecks_rule(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KIRQL old;
    KeRaiseIrql(HIGH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, KeRaiseIrqlToDpcLevel());
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x00020011);
    KeLowerIrql(old);
}

/* ---- spin locks ---------------------------------------------------------------------- */
static void test_irql__spin_lock_raises_to_dispatch_and_restores(void **state)
{
    KSPIN_LOCK lock;
    KIRQL old;
    (void)state;
    KeInitializeSpinLock(&lock);
    assert_int_equal(lock, 0);
    KeAcquireSpinLock(&lock, &old);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_true(lock != 0);
    KeReleaseSpinLock(&lock, old);
    assert_int_equal(lock, 0);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    old = KeAcquireSpinLockRaiseToDpc(&lock);
    assert_int_equal(old, PASSIVE_LEVEL);
    KeReleaseSpinLock(&lock, old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static void test_irql__spin_lock_at_dpc_level_keeps_irql(void **state)
{
    KSPIN_LOCK lock;
    KIRQL old;
    (void)state;
    KeInitializeSpinLock(&lock);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeAcquireSpinLockAtDpcLevel(&lock);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_true(lock != 0);
    KeReleaseSpinLockFromDpcLevel(&lock);
    assert_int_equal(lock, 0);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);
}

static void test_irql__in_stack_queued_spin_lock_round_trip(void **state)
{
    KSPIN_LOCK lock;
    KLOCK_QUEUE_HANDLE h;
    (void)state;
    KeInitializeSpinLock(&lock);
    KeAcquireInStackQueuedSpinLock(&lock, &h);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_int_equal(h.OldIrql, PASSIVE_LEVEL);
    assert_ptr_equal(h.LockQueue.Lock, &lock);
    KeReleaseInStackQueuedSpinLock(&h);
    assert_int_equal(lock, 0);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* Bug Check 0xF SPIN_LOCK_ALREADY_OWNED: a recursive acquire. */
static void test_irql__acquiring_owned_lock_bugchecks_0xf(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KSPIN_LOCK lock;
    KIRQL old, old2;
    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, 0xF, KeAcquireSpinLock(&lock, &old2));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], (ULONG_PTR)&lock);
    KeReleaseSpinLock(&lock, old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* Bug Check 0x10 SPIN_LOCK_NOT_OWNED: releasing a lock the thread does not hold. */
static void test_irql__releasing_unowned_lock_bugchecks_0x10(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KSPIN_LOCK lock;
    KIRQL old;
    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old);
    KeReleaseSpinLock(&lock, old);
    PNPSIM_EXPECT_BUGCHECK(sys, 0x10, KeReleaseSpinLock(&lock, old)); /* double release */
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], (ULONG_PTR)&lock);
    old = KeRaiseIrqlToDpcLevel();
    PNPSIM_EXPECT_BUGCHECK(sys, 0x10, KeReleaseSpinLockFromDpcLevel(&lock));
    KeLowerIrql(old);
}

/* Bug Check 0xC4 parameter 1 = 0x32: KeReleaseSpinLock not at DISPATCH_LEVEL. */
static void test_irql__release_below_dispatch_bugchecks_0xc4_0x32(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KSPIN_LOCK lock;
    KIRQL old;
    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old);
    KeLowerIrql(PASSIVE_LEVEL); /* the driver bug: lowering while holding the lock */
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, KeReleaseSpinLock(&lock, old));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x32);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], (ULONG_PTR)&lock);
}

/* Bug Check 0xC4 parameter 1 = 0x42: KeAcquireSpinLock above DISPATCH_LEVEL. */
static void test_irql__acquire_above_dispatch_bugchecks_0xc4_0x42(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KSPIN_LOCK lock;
    KIRQL old, old2;
    KeInitializeSpinLock(&lock);
    KeRaiseIrql(HIGH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, KeAcquireSpinLock(&lock, &old2));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x42);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], HIGH_LEVEL);
    assert_int_equal(lock, 0);
    KeLowerIrql(old);
}

/* Bug Check 0xC4 parameter 1 = 0x40 / 0x41: the DPC-level forms below DISPATCH_LEVEL. */
static void test_irql__dpc_level_forms_below_dispatch_bugcheck(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           KeAcquireSpinLockAtDpcLevel(&lock));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x40);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           KeReleaseSpinLockFromDpcLevel(&lock));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x41);
}

/* Several threads increment one counter under one spin lock. */
enum { THREADS = 4, ROUNDS = 20000 };

typedef struct spin_shared {
    pnpsim_system *sys;
    KSPIN_LOCK lock;
    volatile long counter;
    int bad_irql[THREADS];
} spin_shared;

typedef struct spin_arg {
    spin_shared *s;
    int index;
} spin_arg;

static void *spin_thread(void *p)
{
    spin_arg *a = p;
    spin_shared *s = a->s;
    pnpsim_system_enter(s->sys);
    for (int i = 0; i < ROUNDS; i++) {
        KIRQL old;
        KeAcquireSpinLock(&s->lock, &old);
        if (KeGetCurrentIrql() != DISPATCH_LEVEL)
            s->bad_irql[a->index] = 1;
        s->counter = s->counter + 1; /* not atomic: the lock makes it safe */
        KeReleaseSpinLock(&s->lock, old);
    }
    if (KeGetCurrentIrql() != PASSIVE_LEVEL)
        s->bad_irql[a->index] = 1;
    pnpsim_system_leave(s->sys);
    return NULL;
}

static void test_irql__spin_lock_serializes_threads(void **state)
{
    static spin_shared s;
    spin_arg args[THREADS];
    pthread_t t[THREADS];
    memset(&s, 0, sizeof(s));
    s.sys = TSYS(state);
    KeInitializeSpinLock(&s.lock);
    for (int i = 0; i < THREADS; i++) {
        args[i].s = &s;
        args[i].index = i;
        assert_int_equal(pthread_create(&t[i], NULL, spin_thread, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(s.counter, (long)THREADS * ROUNDS);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(s.bad_irql[i], 0);
    assert_int_equal(s.lock, 0);
}

/* ---- time and KeBugCheckEx ------------------------------------------------------------ */
static void test_irql__system_time_counts_from_1601(void **state)
{
    LARGE_INTEGER a, b;
    (void)state;
    KeQuerySystemTime(&a);
    KeQuerySystemTimePrecise(&b);
    /* 2020-01-01 is 132223104000000000 in 100 ns units since 1601. */
    assert_true(a.QuadPart > 132223104000000000LL);
    assert_true(b.QuadPart >= a.QuadPart);
}

/* KeBugCheckEx goes through pnpsim's bug check path with the driver's code and parameters. */
static void test_irql__ke_bugcheck_ex_is_caught_with_its_parameters(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PNPSIM_EXPECT_BUGCHECK(sys, MANUALLY_INITIATED_CRASH, KeBugCheckEx(MANUALLY_INITIATED_CRASH, 1, 2, 3, 4));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 1);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], 4);
    PNPSIM_EXPECT_BUGCHECK(sys, 0xDEAD, KeBugCheck(0xDEAD));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_irql__starts_at_passive_level),
        PNPSIM_TEST(test_irql__raise_lower_round_trip),
        PNPSIM_TEST(test_irql__raise_to_lower_irql_bugchecks_0x9),
        PNPSIM_TEST(test_irql__raise_above_high_level_bugchecks_0xc4_0x30),
        PNPSIM_TEST(test_irql__lower_to_higher_irql_bugchecks_0xc4_0x31),
        PNPSIM_TEST(test_irql__raise_to_dpc_level_returns_old_irql),
        PNPSIM_TEST(test_irql__raise_to_dpc_above_dispatch_bugchecks_rule),
        PNPSIM_TEST(test_irql__spin_lock_raises_to_dispatch_and_restores),
        PNPSIM_TEST(test_irql__spin_lock_at_dpc_level_keeps_irql),
        PNPSIM_TEST(test_irql__in_stack_queued_spin_lock_round_trip),
        PNPSIM_TEST(test_irql__acquiring_owned_lock_bugchecks_0xf),
        PNPSIM_TEST(test_irql__releasing_unowned_lock_bugchecks_0x10),
        PNPSIM_TEST(test_irql__release_below_dispatch_bugchecks_0xc4_0x32),
        PNPSIM_TEST(test_irql__acquire_above_dispatch_bugchecks_0xc4_0x42),
        PNPSIM_TEST(test_irql__dpc_level_forms_below_dispatch_bugcheck),
        PNPSIM_TEST(test_irql__spin_lock_serializes_threads),
        PNPSIM_TEST(test_irql__system_time_counts_from_1601),
        PNPSIM_TEST(test_irql__ke_bugcheck_ex_is_caught_with_its_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
