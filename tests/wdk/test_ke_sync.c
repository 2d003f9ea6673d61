/* SPDX-License-Identifier: MIT */
/*
 * This file tests the synchronisation objects beyond events: mutexes, semaphores,
 * KeWaitForMultipleObjects, fast and guarded mutexes, critical regions and executive
 * resources. Sources: Microsoft Learn "KeReleaseMutex", "KeReleaseSemaphore",
 * "KeWaitForMultipleObjects", "Bug Check 0xC: MAXIMUM_WAIT_OBJECTS_EXCEEDED",
 * "ExAcquireFastMutex", "Bug Check 0xBF: MUTEX_ALREADY_OWNED", "KeAcquireGuardedMutex",
 * "ExAcquireResourceSharedLite", "CriticalRegions rule (wdm)".
 */
#include "pnpsim_test.h"

#include <pthread.h>

/* A helper thread that tries to acquire something and records what happened. */
typedef struct probe {
    pnpsim_system *sys;
    PFAST_MUTEX fm;
    PERESOURCE res;
    int exclusive;
    BOOLEAN got;
    PKMUTEX mutex;
    NTSTATUS wait_status;
} probe;

static void *probe_try(void *arg)
{
    probe *p = arg;
    pnpsim_system_enter(p->sys);
    if (p->fm != NULL) {
        p->got = ExTryToAcquireFastMutex(p->fm);
        if (p->got)
            ExReleaseFastMutex(p->fm);
    } else if (p->res != NULL) {
        KeEnterCriticalRegion();
        p->got = p->exclusive ? ExAcquireResourceExclusiveLite(p->res, FALSE)
                              : ExAcquireResourceSharedLite(p->res, FALSE);
        if (p->got)
            ExReleaseResourceLite(p->res);
        KeLeaveCriticalRegion();
    } else if (p->mutex != NULL) {
        LARGE_INTEGER zero;
        zero.QuadPart = 0;
        p->wait_status = KeWaitForSingleObject(p->mutex, Executive, KernelMode, FALSE, &zero);
        if (p->wait_status == STATUS_SUCCESS)
            KeReleaseMutex(p->mutex, FALSE);
    }
    pnpsim_system_leave(p->sys);
    return NULL;
}

static void run_probe(probe *p)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, probe_try, p), 0);
    pthread_join(t, NULL);
}

/* KeReleaseMutex: recursive ownership; 0 returned when the mutex becomes signalled. */
static void test_ke_sync__mutex_is_recursive_and_exclusive(void **state)
{
    KMUTEX m;
    probe p = {0};
    KeInitializeMutex(&m, 0);
    assert_int_equal(KeReadStateMutex(&m), 1);
    assert_nt_status(STATUS_SUCCESS, KeWaitForSingleObject(&m, Executive, KernelMode, FALSE, NULL));
    assert_nt_status(STATUS_SUCCESS, KeWaitForSingleObject(&m, Executive, KernelMode, FALSE, NULL));
    assert_true(m.OwnerThread == KeGetCurrentThread());
    assert_true(KeAreApcsDisabled());
    p.sys = TSYS(state);
    p.mutex = &m;
    run_probe(&p);
    assert_nt_status(STATUS_TIMEOUT, p.wait_status);
    assert_int_not_equal(KeReleaseMutex(&m, FALSE), 0);
    assert_int_equal(KeReleaseMutex(&m, FALSE), 0);
    assert_int_equal(KeReadStateMutex(&m), 1);
    assert_false(KeAreApcsDisabled());
    run_probe(&p);
    assert_nt_status(STATUS_SUCCESS, p.wait_status);
}

/* KeReleaseMutex: releasing a mutex the thread does not own raises STATUS_MUTANT_NOT_OWNED. */
static void test_ke_sync__release_unowned_mutex_bugchecks_0x1e(void **state)
{
    KMUTEX m;
    KeInitializeMutex(&m, 0);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), KMODE_EXCEPTION_NOT_HANDLED, KeReleaseMutex(&m, FALSE));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], (ULONG)STATUS_MUTANT_NOT_OWNED);
}

/* KeReleaseSemaphore returns the previous count; exceeding the limit raises. */
static void test_ke_sync__semaphore_counts_and_limit(void **state)
{
    KSEMAPHORE s;
    LARGE_INTEGER zero;
    zero.QuadPart = 0;
    KeInitializeSemaphore(&s, 1, 2);
    assert_nt_status(STATUS_SUCCESS,
                     KeWaitForSingleObject(&s, Executive, KernelMode, FALSE, &zero));
    assert_nt_status(STATUS_TIMEOUT,
                     KeWaitForSingleObject(&s, Executive, KernelMode, FALSE, &zero));
    assert_int_equal(KeReleaseSemaphore(&s, SEMAPHORE_INCREMENT, 2, FALSE), 0);
    assert_int_equal(KeReadStateSemaphore(&s), 2);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), KMODE_EXCEPTION_NOT_HANDLED,
                           KeReleaseSemaphore(&s, SEMAPHORE_INCREMENT, 1, FALSE));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0],
                     (ULONG)STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    assert_int_equal(KeReadStateSemaphore(&s), 2);
}

/* KeWaitForMultipleObjects: WaitAny returns STATUS_WAIT_0 + index; WaitAll takes all. */
static void test_ke_sync__wait_multiple_any_and_all(void **state)
{
    KEVENT a, b;
    KSEMAPHORE s;
    PVOID objs[3];
    LARGE_INTEGER zero;
    (void)state;
    zero.QuadPart = 0;
    KeInitializeEvent(&a, SynchronizationEvent, FALSE);
    KeInitializeEvent(&b, NotificationEvent, TRUE);
    KeInitializeSemaphore(&s, 1, 1);
    objs[0] = &a;
    objs[1] = &b;
    objs[2] = &s;
    assert_nt_status(STATUS_WAIT_0 + 1, KeWaitForMultipleObjects(3, objs, WaitAny, Executive,
                                                                 KernelMode, FALSE, &zero, NULL));
    assert_nt_status(STATUS_TIMEOUT, KeWaitForMultipleObjects(3, objs, WaitAll, Executive,
                                                              KernelMode, FALSE, &zero, NULL));
    assert_int_equal(KeReadStateSemaphore(&s), 1); /* a failed WaitAll takes nothing */
    KeSetEvent(&a, IO_NO_INCREMENT, FALSE);
    assert_nt_status(STATUS_SUCCESS, KeWaitForMultipleObjects(3, objs, WaitAll, Executive,
                                                              KernelMode, FALSE, &zero, NULL));
    assert_int_equal(KeReadStateEvent(&a), 0);
    assert_int_equal(KeReadStateSemaphore(&s), 0);
}

/* Bug Check 0xC: more than THREAD_WAIT_OBJECTS objects need a wait block array. */
static void test_ke_sync__wait_multiple_without_wait_blocks_bugchecks_0xc(void **state)
{
    KEVENT e[4];
    PVOID objs[4];
    KWAIT_BLOCK blocks[4];
    LARGE_INTEGER zero;
    int i;
    zero.QuadPart = 0;
    for (i = 0; i < 4; i++) {
        KeInitializeEvent(&e[i], NotificationEvent, i == 3);
        objs[i] = &e[i];
    }
    PNPSIM_EXPECT_BUGCHECK(
        TSYS(state), MAXIMUM_WAIT_OBJECTS_EXCEEDED,
        KeWaitForMultipleObjects(4, objs, WaitAny, Executive, KernelMode, FALSE, &zero, NULL));
    assert_nt_status(STATUS_WAIT_0 + 3, KeWaitForMultipleObjects(4, objs, WaitAny, Executive,
                                                                 KernelMode, FALSE, &zero, blocks));
}

/* ExAcquireFastMutex raises to APC_LEVEL and ExReleaseFastMutex restores the IRQL. */
static void test_ke_sync__fast_mutex_raises_irql_and_excludes(void **state)
{
    FAST_MUTEX fm;
    probe p = {0};
    ExInitializeFastMutex(&fm);
    ExAcquireFastMutex(&fm);
    assert_int_equal(KeGetCurrentIrql(), APC_LEVEL);
    p.sys = TSYS(state);
    p.fm = &fm;
    run_probe(&p);
    assert_false(p.got);
    ExReleaseFastMutex(&fm);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    run_probe(&p);
    assert_true(p.got);
    assert_true(ExTryToAcquireFastMutex(&fm));
    ExReleaseFastMutex(&fm);
}

/* Bug Check 0xBF: a thread acquiring a mutex it already owns. */
static void test_ke_sync__fast_mutex_recursion_bugchecks_0xbf(void **state)
{
    FAST_MUTEX fm;
    ExInitializeFastMutex(&fm);
    ExAcquireFastMutex(&fm);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), MUTEX_ALREADY_OWNED, ExAcquireFastMutex(&fm));
    assert_true(pnpsim_bugcheck_last_caught()->parameters[0] == (ULONG_PTR)&fm);
    ExReleaseFastMutex(&fm);
}

/* ExAcquireFastMutex: callers run at <= APC_LEVEL. */
static void test_ke_sync__fast_mutex_at_dispatch_bugchecks(void **state)
{
    FAST_MUTEX fm;
    KIRQL old;
    ExInitializeFastMutex(&fm);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), IRQL_NOT_LESS_OR_EQUAL, ExAcquireFastMutex(&fm));
    KeLowerIrql(old);
}

/* KeAcquireGuardedMutex enters a guarded region and leaves the IRQL alone. */
static void test_ke_sync__guarded_mutex_enters_guarded_region(void **state)
{
    KGUARDED_MUTEX gm;
    (void)state;
    KeInitializeGuardedMutex(&gm);
    KeAcquireGuardedMutex(&gm);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_true(KeAreApcsDisabled());
    KeReleaseGuardedMutex(&gm);
    assert_false(KeAreApcsDisabled());
    assert_true(KeTryToAcquireGuardedMutex(&gm));
    KeReleaseGuardedMutex(&gm);
}

/* ExAcquireResourceSharedLite / ExclusiveLite: readers share, a writer excludes. */
static void test_ke_sync__resource_shared_and_exclusive(void **state)
{
    ERESOURCE r;
    probe p = {0};
    assert_nt_status(STATUS_SUCCESS, ExInitializeResourceLite(&r));
    p.sys = TSYS(state);
    p.res = &r;
    KeEnterCriticalRegion();
    assert_true(ExAcquireResourceSharedLite(&r, TRUE));
    assert_true(ExAcquireResourceSharedLite(&r, TRUE)); /* recursive shared */
    assert_int_equal(ExIsResourceAcquiredSharedLite(&r), 2);
    p.exclusive = 0;
    run_probe(&p);
    assert_true(p.got);
    p.exclusive = 1;
    run_probe(&p);
    assert_false(p.got);
    ExReleaseResourceLite(&r);
    ExReleaseResourceLite(&r);
    assert_true(ExAcquireResourceExclusiveLite(&r, TRUE));
    assert_true(ExAcquireResourceExclusiveLite(&r, TRUE)); /* recursive exclusive */
    assert_true(ExIsResourceAcquiredExclusiveLite(&r));
    p.exclusive = 0;
    run_probe(&p);
    assert_false(p.got);
    ExReleaseResourceLite(&r);
    ExReleaseResourceLite(&r);
    assert_false(ExIsResourceAcquiredExclusiveLite(&r));
    KeLeaveCriticalRegion();
    assert_nt_status(STATUS_SUCCESS, ExDeleteResourceLite(&r));
}

/* Releasing a resource the thread does not own (checked kernel: STATUS_RESOURCE_NOT_OWNED). */
static void test_ke_sync__release_unowned_resource_bugchecks_0x1e(void **state)
{
    ERESOURCE r;
    ExInitializeResourceLite(&r);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), KMODE_EXCEPTION_NOT_HANDLED, ExReleaseResourceLite(&r));
    ExDeleteResourceLite(&r);
}

/* CriticalRegions rule: KeLeaveCriticalRegion without KeEnterCriticalRegion, 0xC4/0x40003. */
static void test_ke_sync__leave_critical_region_without_enter_bugchecks(void **state)
{
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), DRIVER_VERIFIER_DETECTED_VIOLATION,
                           KeLeaveCriticalRegion());
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x00040003);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_ke_sync__mutex_is_recursive_and_exclusive),
        PNPSIM_TEST(test_ke_sync__release_unowned_mutex_bugchecks_0x1e),
        PNPSIM_TEST(test_ke_sync__semaphore_counts_and_limit),
        PNPSIM_TEST(test_ke_sync__wait_multiple_any_and_all),
        PNPSIM_TEST(test_ke_sync__wait_multiple_without_wait_blocks_bugchecks_0xc),
        PNPSIM_TEST(test_ke_sync__fast_mutex_raises_irql_and_excludes),
        PNPSIM_TEST(test_ke_sync__fast_mutex_recursion_bugchecks_0xbf),
        PNPSIM_TEST(test_ke_sync__fast_mutex_at_dispatch_bugchecks),
        PNPSIM_TEST(test_ke_sync__guarded_mutex_enters_guarded_region),
        PNPSIM_TEST(test_ke_sync__resource_shared_and_exclusive),
        PNPSIM_TEST(test_ke_sync__release_unowned_resource_bugchecks_0x1e),
        PNPSIM_TEST(test_ke_sync__leave_critical_region_without_enter_bugchecks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
