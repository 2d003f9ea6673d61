/* SPDX-License-Identifier: MIT */
/*
 * This file tests remove locks: IoInitializeRemoveLock, IoAcquireRemoveLock,
 * IoReleaseRemoveLock, IoReleaseRemoveLockAndWait, and the Driver Verifier bug checks for
 * their misuse. Sources: Microsoft Learn "Using Remove Locks", "IoAcquireRemoveLock",
 * "IoReleaseRemoveLockAndWait", "Bug Check 0xC4" (0xD5, 0xD6, 0xD7).
 */
#include "pnpsim_test.h"

#include <pthread.h>
#include <string.h>

#define TAG_RL 0x6B6C6D52u /* "Rmlk" */

static void test_remlock__initialize_sets_count_one_not_removed(void **state)
{
    IO_REMOVE_LOCK lock;
    (void)state;
    IoInitializeRemoveLock(&lock, TAG_RL, 0, 0);
    assert_int_equal(lock.Common.IoCount, 1);
    assert_false(lock.Common.Removed);
    assert_int_equal(KeReadStateEvent(&lock.Common.RemoveEvent), 0);
}

static void test_remlock__acquire_and_release_count(void **state)
{
    IO_REMOVE_LOCK lock;
    int tag1, tag2;
    (void)state;
    IoInitializeRemoveLock(&lock, TAG_RL, 0, 0);
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag1));
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag2));
    assert_int_equal(lock.Common.IoCount, 3);
    IoReleaseRemoveLock(&lock, &tag2);
    IoReleaseRemoveLock(&lock, &tag1);
    assert_int_equal(lock.Common.IoCount, 1);
}

/* "Using Remove Locks": once IoReleaseRemoveLockAndWait was called, acquires fail with
 * STATUS_DELETE_PENDING. */
static void test_remlock__acquire_after_release_and_wait_is_delete_pending(void **state)
{
    IO_REMOVE_LOCK lock;
    int tag;
    (void)state;
    IoInitializeRemoveLock(&lock, TAG_RL, 0, 0);
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag));
    IoReleaseRemoveLockAndWait(&lock, &tag);
    assert_true(lock.Common.Removed);
    assert_int_equal(lock.Common.IoCount, 0);
    assert_nt_status(STATUS_DELETE_PENDING, IoAcquireRemoveLock(&lock, &tag));
    assert_int_equal(lock.Common.IoCount, 0);
}

/* The wait lasts until the last outstanding reference is released: here by a work item,
 * which the waiting thread runs (DESIGN.md: waits let queued work run). */
typedef struct remlock_ctx {
    IO_REMOVE_LOCK lock;
    int tag;
    int released;
} remlock_ctx;

static VOID NTAPI release_routine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    remlock_ctx *c = Context;
    (void)DeviceObject;
    c->released = 1;
    IoReleaseRemoveLock(&c->lock, &c->tag);
}

static void test_remlock__release_and_wait_waits_for_outstanding_release(void **state)
{
    pnpsim_system *sys = TSYS(state);
    static remlock_ctx c;
    pnpsim_device *dev;
    PIO_WORKITEM item;
    int mine;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\REMLOCK", "0", &dev));
    item = IoAllocateWorkItem(pnpsim_device_pdo(dev));
    assert_non_null(item);
    memset(&c, 0, sizeof(c));
    IoInitializeRemoveLock(&c.lock, TAG_RL, 0, 0);
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&c.lock, &c.tag)); /* outstanding I/O */
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&c.lock, &mine));
    IoQueueWorkItem(item, release_routine, DelayedWorkQueue, &c);
    IoReleaseRemoveLockAndWait(&c.lock, &mine);
    assert_int_equal(c.released, 1);
    assert_int_equal(c.lock.Common.IoCount, 0);
    assert_int_equal(KeReadStateEvent(&c.lock.Common.RemoveEvent), 1);
    IoFreeWorkItem(item);
}

/* The same with the release made by another thread. */
static void *release_thread(void *p)
{
    remlock_ctx *c = p;
    LARGE_INTEGER d;
    d.QuadPart = -20 * 10000LL;
    KeDelayExecutionThread(KernelMode, FALSE, &d);
    c->released = 1;
    IoReleaseRemoveLock(&c->lock, &c->tag);
    return NULL;
}

static void test_remlock__release_and_wait_is_woken_by_another_thread(void **state)
{
    static remlock_ctx c;
    pthread_t t;
    int mine;
    (void)state;
    memset(&c, 0, sizeof(c));
    IoInitializeRemoveLock(&c.lock, TAG_RL, 0, 0);
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&c.lock, &c.tag));
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&c.lock, &mine));
    assert_int_equal(pthread_create(&t, NULL, release_thread, &c), 0);
    IoReleaseRemoveLockAndWait(&c.lock, &mine);
    assert_int_equal(c.released, 1);
    pthread_join(t, NULL);
    assert_int_equal(c.lock.Common.IoCount, 0);
}

/* Bug Check 0xC4 parameter 1 = 0xD5: a release no acquire covers. */
static void test_remlock__release_more_than_acquired_bugchecks_0xc4_0xd5(void **state)
{
    pnpsim_system *sys = TSYS(state);
    IO_REMOVE_LOCK lock;
    int tag;
    IoInitializeRemoveLock(&lock, TAG_RL, 0, 0);
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag));
    IoReleaseRemoveLock(&lock, &tag);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, IoReleaseRemoveLock(&lock, &tag));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0xD5);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)&lock);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], (ULONG_PTR)&tag);
    assert_int_equal(lock.Common.IoCount, 1); /* restored */
}

/* Bug Check 0xC4 parameter 1 = 0xD6: IoReleaseRemoveLockAndWait without an acquire. */
static void test_remlock__release_and_wait_without_acquire_bugchecks_0xd6(void **state)
{
    pnpsim_system *sys = TSYS(state);
    IO_REMOVE_LOCK lock;
    int tag;
    IoInitializeRemoveLock(&lock, TAG_RL, 0, 0);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           IoReleaseRemoveLockAndWait(&lock, &tag));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0xD6);
    assert_false(lock.Common.Removed);
}

/* Bug Check 0xC4 parameter 1 = 0xD7: a remove lock cannot be initialized again. */
static void test_remlock__reinitialize_after_release_and_wait_bugchecks_0xd7(void **state)
{
    pnpsim_system *sys = TSYS(state);
    IO_REMOVE_LOCK lock;
    int tag;
    IoInitializeRemoveLock(&lock, TAG_RL, 0, 0);
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag));
    IoReleaseRemoveLockAndWait(&lock, &tag);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           IoInitializeRemoveLock(&lock, TAG_RL, 0, 0));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0xD7);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], (ULONG_PTR)&lock);
}

static void test_remlock__acquire_above_dispatch_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    IO_REMOVE_LOCK lock;
    KIRQL old;
    int tag;
    IoInitializeRemoveLock(&lock, TAG_RL, 0, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag)); /* fine here */
    IoReleaseRemoveLock(&lock, &tag);
    KeLowerIrql(old);
    KeRaiseIrql(HIGH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL, IoAcquireRemoveLock(&lock, &tag));
    KeLowerIrql(old);
    assert_int_equal(lock.Common.IoCount, 1);
}

static void test_remlock__release_and_wait_above_passive_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    IO_REMOVE_LOCK lock;
    KIRQL old;
    int tag;
    IoInitializeRemoveLock(&lock, TAG_RL, 0, 0);
    assert_nt_status(STATUS_SUCCESS, IoAcquireRemoveLock(&lock, &tag));
    KeRaiseIrql(APC_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, IRQL_NOT_LESS_OR_EQUAL, IoReleaseRemoveLockAndWait(&lock, &tag));
    KeLowerIrql(old);
    assert_false(lock.Common.Removed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_remlock__initialize_sets_count_one_not_removed),
        PNPSIM_TEST(test_remlock__acquire_and_release_count),
        PNPSIM_TEST(test_remlock__acquire_after_release_and_wait_is_delete_pending),
        PNPSIM_TEST(test_remlock__release_and_wait_waits_for_outstanding_release),
        PNPSIM_TEST(test_remlock__release_and_wait_is_woken_by_another_thread),
        PNPSIM_TEST(test_remlock__release_more_than_acquired_bugchecks_0xc4_0xd5),
        PNPSIM_TEST(test_remlock__release_and_wait_without_acquire_bugchecks_0xd6),
        PNPSIM_TEST(test_remlock__reinitialize_after_release_and_wait_bugchecks_0xd7),
        PNPSIM_TEST(test_remlock__acquire_above_dispatch_bugchecks),
        PNPSIM_TEST(test_remlock__release_and_wait_above_passive_bugchecks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
