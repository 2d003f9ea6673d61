/* SPDX-License-Identifier: MIT */
/*
 * This file implements the notification stress test (issue 4): in WORKER delivery, two
 * threads disable and enable their device's interface over and over while a third
 * subscribes and unsubscribes; a subscriber that lives through it all must see every event
 * exactly once and in order per interface (removal, arrival, removal, ...), and no
 * callback may run for a subscription after its unsubscribe returned
 * (IoUnregisterPlugPlayNotificationEx semantics, windows-semantics.md §7.3). Meant to run
 * under ThreadSanitizer too. Threads never call cmocka asserts: they count failures and
 * the main thread checks the counts.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <wdm.h>

#include "pnpsim_test.h"

#include "drivers/notifydev.h"

#define TOGGLES 1000
#define CHURN 2000
#define TOGGLERS 2

/* ---- the long-lived subscriber: per-interface sequence check --------------------------- */
static struct {
    atomic_int arrivals[TOGGLERS], removals[TOGGLERS];
    atomic_int out_of_order;
    atomic_int unknown;
    atomic_int expect_removal[TOGGLERS]; /* 1: the next event of that interface must be a removal */
} Life;

static const char *const Names[TOGGLERS] = {
    "\\??\\ROOT#NOTIFYDEV#0#{6b7a1c3e-5d2f-4b8a-9c41-0f3e2d1a7b55}",
    "\\??\\ROOT#NOTIFYDEV#1#{6b7a1c3e-5d2f-4b8a-9c41-0f3e2d1a7b55}",
};

static NTSTATUS life_fn(void *ctx, const pnpsim_notify_event *ev)
{
    int i;
    (void)ctx;
    for (i = 0; i < TOGGLERS; i++) {
        if (ev->name != NULL && strcmp(ev->name, Names[i]) == 0)
            break;
    }
    if (i == TOGGLERS) {
        atomic_fetch_add(&Life.unknown, 1);
        return STATUS_SUCCESS;
    }
    if (ev->kind == PNPSIM_NOTIFY_INTERFACE_REMOVAL) {
        if (!atomic_load(&Life.expect_removal[i]))
            atomic_fetch_add(&Life.out_of_order, 1);
        atomic_store(&Life.expect_removal[i], 0);
        atomic_fetch_add(&Life.removals[i], 1);
    } else {
        if (atomic_load(&Life.expect_removal[i]))
            atomic_fetch_add(&Life.out_of_order, 1);
        atomic_store(&Life.expect_removal[i], 1);
        atomic_fetch_add(&Life.arrivals[i], 1);
    }
    return STATUS_SUCCESS;
}

/* ---- the churning subscriber ------------------------------------------------------------- */
static struct {
    atomic_int closed[CHURN];
    atomic_int late_calls; /* callbacks after unsubscribe returned: must stay 0 */
    atomic_int calls;
    atomic_int failures;
} Churn;

static NTSTATUS churn_fn(void *ctx, const pnpsim_notify_event *ev)
{
    atomic_int *closed = ctx;
    (void)ev;
    atomic_fetch_add(&Churn.calls, 1);
    if (atomic_load(closed))
        atomic_fetch_add(&Churn.late_calls, 1);
    return STATUS_SUCCESS;
}

typedef struct worker_args {
    pnpsim_system *sys;
    int index;
    int failures;
} worker_args;

static void *toggler(void *p)
{
    worker_args *a = p;
    UNICODE_STRING name;
    WCHAR buf[128];
    size_t n = strlen(Names[a->index]);
    for (size_t i = 0; i < n; i++)
        buf[i] = (WCHAR)Names[a->index][i];
    name.Buffer = buf;
    name.Length = (USHORT)(n * sizeof(WCHAR));
    name.MaximumLength = name.Length;
    pnpsim_system_enter(a->sys);
    for (int k = 0; k < TOGGLES; k++) {
        if (IoSetDeviceInterfaceState(&name, FALSE) != STATUS_SUCCESS)
            a->failures++;
        if (IoSetDeviceInterfaceState(&name, TRUE) != STATUS_SUCCESS)
            a->failures++;
    }
    pnpsim_system_leave(a->sys);
    return NULL;
}

static void *churner(void *p)
{
    worker_args *a = p;
    for (int k = 0; k < CHURN; k++) {
        pnpsim_notify_subscription *sub = NULL;
        if (pnpsim_notify_subscribe_interfaces(
                a->sys, &GUID_NOTIFYDEV_CLASS, (k & 1) ? PNPSIM_NOTIFY_INCLUDE_EXISTING : 0,
                churn_fn, &Churn.closed[k], &sub) != STATUS_SUCCESS) {
            a->failures++;
            continue;
        }
        if (k % 3 == 0)
            sched_yield();
        if (pnpsim_notify_unsubscribe(a->sys, sub) != STATUS_SUCCESS)
            a->failures++;
        atomic_store(&Churn.closed[k], 1);
    }
    return NULL;
}

/* Issue 4 stress: every event accounted for, per-interface order kept, no late callback
 * after an Ex-style unsubscribe, nothing deadlocks. */
static void test_notify_stress__toggle_while_subscribing_in_worker_mode(void **state)
{
    pnpsim_system *sys = NULL;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    PDRIVER_OBJECT drv = NULL;
    pnpsim_device *dev[TOGGLERS];
    pnpsim_notify_subscription *life = NULL;
    pthread_t t[TOGGLERS + 1];
    worker_args args[TOGGLERS + 1];
    (void)state;

    memset(&Life, 0, sizeof(Life));
    memset(&Churn, 0, sizeof(Churn));
    cfg.delivery = PNPSIM_DELIVERY_WORKER;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &sys));
    pnpsim_system_enter(sys);
    notifydev_reset();
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "notifydev", NotifydevDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\NOTIFYDEV", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_interfaces(sys, &GUID_NOTIFYDEV_CLASS,
                                                                        0, life_fn, NULL, &life));
    for (int i = 0; i < TOGGLERS; i++) {
        char inst[2] = {(char)('0' + i), 0};
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_device_create(sys, NULL, "ROOT\\NOTIFYDEV", inst, &dev[i]));
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev[i]));
    }
    pnpsim_system_flush(sys);
    for (int i = 0; i < TOGGLERS; i++) {
        assert_int_equal(atomic_load(&Life.arrivals[i]), 1);
        assert_int_equal(atomic_load(&Life.expect_removal[i]), 1);
    }

    for (int i = 0; i <= TOGGLERS; i++) {
        args[i].sys = sys;
        args[i].index = i;
        args[i].failures = 0;
        assert_int_equal(pthread_create(&t[i], NULL, i < TOGGLERS ? toggler : churner, &args[i]),
                         0);
    }
    for (int i = 0; i <= TOGGLERS; i++)
        pthread_join(t[i], NULL);
    pnpsim_system_flush(sys);

    for (int i = 0; i <= TOGGLERS; i++)
        assert_int_equal(args[i].failures, 0);
    for (int i = 0; i < TOGGLERS; i++) {
        assert_int_equal(atomic_load(&Life.arrivals[i]), 1 + TOGGLES);
        assert_int_equal(atomic_load(&Life.removals[i]), TOGGLES);
    }
    assert_int_equal(atomic_load(&Life.out_of_order), 0);
    assert_int_equal(atomic_load(&Life.unknown), 0);
    assert_int_equal(atomic_load(&Churn.late_calls), 0);
    assert_true(atomic_load(&Churn.calls) > 0); /* INCLUDE_EXISTING reports, at least */
    assert_int_equal(pnpsim_notify_registration_count(sys), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_unsubscribe(sys, life));
    assert_int_equal(pnpsim_notify_registration_count(sys), 0);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notify_stress__toggle_while_subscribing_in_worker_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
