/* SPDX-License-Identifier: MIT */
/*
 * This file tests system threads: PsCreateSystemThread, waiting on the thread object via
 * ObReferenceObjectByHandle, PsTerminateSystemThread, KeGetCurrentThread,
 * PsGetCurrentThreadId, KeSetPriorityThread. Sources: Microsoft Learn
 * "PsCreateSystemThread", "PsTerminateSystemThread", "ObReferenceObjectByHandle",
 * "KeSetPriorityThread".
 */
#include "pnpsim_test.h"

typedef struct ctx {
    KEVENT go;
    volatile LONG ran;
    PKTHREAD self;
    HANDLE tid;
    KIRQL irql;
    int terminate;
} ctx;

static VOID NTAPI thread_body(PVOID Context)
{
    ctx *c = Context;
    c->self = KeGetCurrentThread();
    c->tid = PsGetCurrentThreadId();
    c->irql = KeGetCurrentIrql();
    KeWaitForSingleObject(&c->go, Executive, KernelMode, FALSE, NULL);
    InterlockedIncrement(&c->ran);
    if (c->terminate)
        PsTerminateSystemThread(STATUS_SUCCESS);
    InterlockedIncrement(&c->ran); /* not reached when terminated */
}

static PVOID start(ctx *c, HANDLE *h)
{
    PVOID obj = NULL;
    OBJECT_ATTRIBUTES oa;
    CLIENT_ID cid;
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    KeInitializeEvent(&c->go, NotificationEvent, FALSE);
    assert_nt_status(STATUS_SUCCESS,
                     PsCreateSystemThread(h, THREAD_ALL_ACCESS, &oa, NULL, &cid, thread_body, c));
    assert_true(cid.UniqueProcess == PsGetCurrentProcessId());
    assert_nt_status(STATUS_SUCCESS, ObReferenceObjectByHandle(*h, THREAD_ALL_ACCESS, *PsThreadType,
                                                               KernelMode, &obj, NULL));
    return obj;
}

/* The driver pattern: create, reference by handle, close the handle, signal, wait on the
 * thread object, dereference. */
static void test_ps_thread__runs_and_can_be_waited_on(void **state)
{
    ctx c = {0};
    HANDLE h;
    PVOID thread = start(&c, &h);
    LARGE_INTEGER zero;
    (void)state;
    zero.QuadPart = 0;
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
    assert_nt_status(STATUS_TIMEOUT,
                     KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, &zero));
    KeSetEvent(&c.go, IO_NO_INCREMENT, FALSE);
    assert_nt_status(STATUS_SUCCESS,
                     KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL));
    assert_int_equal(c.ran, 2);
    assert_true(c.self == (PKTHREAD)thread);
    assert_true(c.tid != PsGetCurrentThreadId());
    assert_true(PsGetThreadId((PETHREAD)thread) == c.tid);
    assert_true(PsIsSystemThread((PETHREAD)thread));
    assert_false(PsIsSystemThread(PsGetCurrentThread()));
    assert_int_equal(c.irql, PASSIVE_LEVEL);
    ObDereferenceObject(thread);
}

/* PsTerminateSystemThread ends the thread at once. */
static void test_ps_thread__terminate_ends_the_thread(void **state)
{
    ctx c = {0};
    HANDLE h;
    PVOID thread;
    (void)state;
    c.terminate = 1;
    thread = start(&c, &h);
    KeSetEvent(&c.go, IO_NO_INCREMENT, FALSE);
    assert_nt_status(STATUS_SUCCESS,
                     KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL));
    assert_int_equal(c.ran, 1);
    ObDereferenceObject(thread);
    ZwClose(h);
}

/* PsTerminateSystemThread from a thread that is not a system thread. */
static void test_ps_thread__terminate_outside_system_thread_is_invalid(void **state)
{
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, PsTerminateSystemThread(STATUS_SUCCESS));
}

/* ObReferenceObjectByHandle: wrong type, bad handle, user-mode access check. */
static void test_ps_thread__reference_by_handle_checks(void **state)
{
    ctx c = {0};
    HANDLE h;
    PVOID thread = start(&c, &h), obj = NULL;
    (void)state;
    assert_nt_status(STATUS_OBJECT_TYPE_MISMATCH,
                     ObReferenceObjectByHandle(h, 0, *IoFileObjectType, KernelMode, &obj, NULL));
    assert_nt_status(
        STATUS_INVALID_HANDLE,
        ObReferenceObjectByHandle((HANDLE)(ULONG_PTR)0x7777, 0, NULL, KernelMode, &obj, NULL));
    assert_nt_status(STATUS_SUCCESS, ObReferenceObjectByHandle(NtCurrentThread(), 0, *PsThreadType,
                                                               KernelMode, &obj, NULL));
    assert_true(obj == KeGetCurrentThread());
    ObDereferenceObject(obj);
    KeSetEvent(&c.go, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(thread);
    ZwClose(h);
}

/* KeSetPriorityThread returns the old priority. */
static void test_ps_thread__set_priority_returns_old(void **state)
{
    PKTHREAD me = KeGetCurrentThread();
    KPRIORITY old;
    (void)state;
    old = KeSetPriorityThread(me, LOW_REALTIME_PRIORITY);
    assert_int_equal(KeQueryPriorityThread(me), LOW_REALTIME_PRIORITY);
    assert_int_equal(KeSetPriorityThread(me, old), LOW_REALTIME_PRIORITY);
    assert_int_equal(KeSetPriorityThread(me, 40), old); /* out of range: unchanged */
    assert_int_equal(KeQueryPriorityThread(me), old);
}

/* PsCreateSystemThread under allocation failure. */
static void test_ps_thread__create_out_of_memory(void **state)
{
    ctx c = {0};
    HANDLE h = (HANDLE)1;
    KeInitializeEvent(&c.go, NotificationEvent, TRUE);
    pnpsim_fault_alloc(TSYS(state), 1, 1);
    assert_nt_status(
        STATUS_INSUFFICIENT_RESOURCES,
        PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, thread_body, &c));
    assert_null(h);
    pnpsim_fault_alloc(TSYS(state), 0, 0);
}

static void test_ps_thread__create_null_arguments(void **state)
{
    HANDLE h;
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     PsCreateSystemThread(NULL, 0, NULL, NULL, NULL, thread_body, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     PsCreateSystemThread(&h, 0, NULL, NULL, NULL, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_ps_thread__runs_and_can_be_waited_on),
        PNPSIM_TEST(test_ps_thread__terminate_ends_the_thread),
        PNPSIM_TEST(test_ps_thread__terminate_outside_system_thread_is_invalid),
        PNPSIM_TEST(test_ps_thread__reference_by_handle_checks),
        PNPSIM_TEST(test_ps_thread__set_priority_returns_old),
        PNPSIM_TEST(test_ps_thread__create_out_of_memory),
        PNPSIM_TEST(test_ps_thread__create_null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
