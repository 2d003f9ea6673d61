/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of notification timing and the native notification API
 * (include/pnpsim/notify.h): when interface arrival and removal are delivered in each
 * delivery mode (never inside IoSetDeviceInterfaceState, only after START completed, in
 * order), INCLUDE_EXISTING and the documented duplicate, unsubscription, reentrancy, the
 * target-device events of the PnP manager's removal paths (query-remove veto, cancel,
 * remove-complete, surprise removal) and the recorder. The device is the notifydev test
 * driver (a WDM function driver). Windows behaviour: windows-semantics.md §4.3, §7, §1.3.
 */
#include <string.h>

#include "pnpsim_test.h"

#include "drivers/notifydev.h"

#define DEV_HWID "ROOT\\NOTIFYDEV"
#define DEV0_NAME "\\??\\ROOT#NOTIFYDEV#0#{6b7a1c3e-5d2f-4b8a-9c41-0f3e2d1a7b55}"

static PDRIVER_OBJECT load_driver(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv = NULL;
    notifydev_reset();
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "notifydev", NotifydevDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, DEV_HWID, drv));
    return drv;
}

static pnpsim_device *make_device(pnpsim_system *sys, const char *instance)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, instance, &dev));
    return dev;
}

static pnpsim_notify_recorder *recorder(pnpsim_system *sys, unsigned flags)
{
    pnpsim_notify_recorder *rec = NULL;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_notify_recorder_create(sys, &GUID_NOTIFYDEV_CLASS, flags, &rec));
    return rec;
}

static void assert_event(pnpsim_notify_recorder *rec, size_t i, pnpsim_notify_kind kind)
{
    const pnpsim_notify_event *ev = pnpsim_notify_recorder_get(rec, i);
    assert_non_null(ev);
    assert_int_equal(ev->kind, kind);
}

/* ======================================================================================
 * Interface events: timing per delivery mode
 * ==================================================================================== */

/* §4.3 and DESIGN.md: in DEFERRED mode the arrival queued by the driver's enable in its
 * start handler is delivered before pnpsim_device_start returns, with the class, the
 * kernel-form name, the device and the interface event's number. */
static void test_notify__deferred_arrival_is_delivered_before_start_returns(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    const pnpsim_notify_event *ev;
    load_driver(sys);
    rec = recorder(sys, 0);
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_int_equal(pnpsim_notify_recorder_count(rec), 1);
    ev = pnpsim_notify_recorder_get(rec, 0);
    assert_int_equal(ev->kind, PNPSIM_NOTIFY_INTERFACE_ARRIVAL);
    assert_memory_equal(&ev->class_guid, &GUID_NOTIFYDEV_CLASS, sizeof(GUID));
    assert_string_equal(ev->name, DEV0_NAME);
    assert_string_equal(ev->instance_path, "ROOT\\NOTIFYDEV\\0");
    assert_ptr_equal(ev->device, dev);
    assert_true(ev->event_seq > 0);
    assert_true(ev->seq > 0);
    pnpsim_notify_recorder_destroy(rec);
}

/* DESIGN.md MANUAL mode: nothing is delivered until the test runs the queue; the queued
 * notification is one work item. */
static void test_notify__manual_arrival_waits_for_run_pending(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    load_driver(sys);
    rec = recorder(sys, 0);
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_int_equal(pnpsim_notify_recorder_count(rec), 0);
    assert_true(pnpsim_system_pending_count(sys) >= 1);
    assert_true(pnpsim_system_run_pending(sys) >= 1);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 1);
    assert_event(rec, 0, PNPSIM_NOTIFY_INTERFACE_ARRIVAL);
    pnpsim_notify_recorder_destroy(rec);
}

/* A subscriber that checks, when called, that the enable call has returned. */
static struct {
    int in_set_state;
    int called_inside;
    int calls;
} Inside;

static NTSTATUS inside_fn(void *ctx, const pnpsim_notify_event *ev)
{
    (void)ctx;
    (void)ev;
    Inside.calls++;
    if (Inside.in_set_state)
        Inside.called_inside++;
    return STATUS_SUCCESS;
}

/* §4.3, DESIGN.md: never inside IoSetDeviceInterfaceState, in DEFERRED mode either (test
 * code calling the DDI directly: the event waits for the next harness call). */
static void test_notify__never_delivered_inside_set_state(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_subscription *sub = NULL;
    pnpsim_device *dev;
    UNICODE_STRING name;
    load_driver(sys);
    Notifydev.NoEnable = TRUE;
    memset(&Inside, 0, sizeof(Inside));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_interfaces(sys, &GUID_NOTIFYDEV_CLASS,
                                                                        0, inside_fn, NULL, &sub));
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    /* The driver registered it in AddDevice: this returns the same name. */
    assert_nt_status(
        STATUS_OBJECT_NAME_EXISTS,
        IoRegisterDeviceInterface(pnpsim_device_pdo(dev), &GUID_NOTIFYDEV_CLASS, NULL, &name));
    Inside.in_set_state = 1;
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, TRUE));
    Inside.in_set_state = 0;
    assert_int_equal(Inside.calls, 0);
    pnpsim_system_run_pending(sys);
    assert_int_equal(Inside.calls, 1);
    assert_int_equal(Inside.called_inside, 0);
    assert_nt_status(STATUS_SUCCESS, IoSetDeviceInterfaceState(&name, FALSE));
    RtlFreeUnicodeString(&name);
    pnpsim_system_run_pending(sys);
    assert_int_equal(Inside.calls, 2);
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_unsubscribe(sys, sub));
}

/* §4.3: the removal follows the driver's disable in IRP_MN_REMOVE_DEVICE; order per
 * subscriber is the order of the events (arrival, removal, arrival, removal). */
static void test_notify__events_keep_their_order(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    load_driver(sys);
    rec = recorder(sys, 0);
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(pnpsim_notify_recorder_count(rec), 0);
    pnpsim_system_run_pending(sys);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 4);
    assert_event(rec, 0, PNPSIM_NOTIFY_INTERFACE_ARRIVAL);
    assert_event(rec, 1, PNPSIM_NOTIFY_INTERFACE_REMOVAL);
    assert_event(rec, 2, PNPSIM_NOTIFY_INTERFACE_ARRIVAL);
    assert_event(rec, 3, PNPSIM_NOTIFY_INTERFACE_REMOVAL);
    for (size_t i = 1; i < 4; i++) {
        assert_true(pnpsim_notify_recorder_get(rec, i)->seq >
                    pnpsim_notify_recorder_get(rec, i - 1)->seq);
        assert_true(pnpsim_notify_recorder_get(rec, i)->event_seq >
                    pnpsim_notify_recorder_get(rec, i - 1)->event_seq);
    }
    pnpsim_notify_recorder_destroy(rec);
}

/* Out of memory can no longer lose a notification: an interface event's delivery record is
 * allocated with the event when the interface is enabled, so a disable that runs with every
 * allocation failing still succeeds and the removal still reaches the listener (found by
 * tests/fuzz/fuzz_api_sequence; before the fix the removal was lost). */
static void test_notify__disable_under_memory_pressure_still_notifies(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    UNICODE_STRING name;
    NTSTATUS status;
    load_driver(sys);
    rec = recorder(sys, 0);
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    pnpsim_system_run_pending(sys);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 1);
    RtlInitUnicodeString(&name, L"\\??\\ROOT#NOTIFYDEV#0#{6b7a1c3e-5d2f-4b8a-9c41-0f3e2d1a7b55}");
    pnpsim_fault_alloc(sys, 1, 0); /* every allocation from now on fails */
    status = IoSetDeviceInterfaceState(&name, FALSE);
    pnpsim_fault_clear(sys);
    assert_nt_status(STATUS_SUCCESS, status);
    pnpsim_system_run_pending(sys);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 2);
    assert_event(rec, 1, PNPSIM_NOTIFY_INTERFACE_REMOVAL);
    pnpsim_notify_recorder_destroy(rec);
}

/* A subscriber of another class hears nothing; a subscriber of every class hears all. */
static void test_notify__class_filter(void **state)
{
    static const GUID other = {0x1, 0x2, 0x3, {4, 5, 6, 7, 8, 9, 10, 11}};
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *mine, *others, *all;
    load_driver(sys);
    mine = recorder(sys, 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_recorder_create(sys, &other, 0, &others));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_recorder_create(sys, NULL, 0, &all));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(make_device(sys, "0")));
    assert_int_equal(pnpsim_notify_recorder_count(mine), 1);
    assert_int_equal(pnpsim_notify_recorder_count(others), 0);
    assert_int_equal(pnpsim_notify_recorder_count(all), 1);
    pnpsim_notify_recorder_destroy(mine);
    pnpsim_notify_recorder_destroy(others);
    pnpsim_notify_recorder_destroy(all);
}

/* §7.1: INCLUDE_EXISTING reports the interfaces enabled now inside the registration call
 * (as arrivals, event_seq 0); without it nothing is reported. */
static void test_notify__include_existing_reports_inside_the_call(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *with, *without;
    load_driver(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(make_device(sys, "0")));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(make_device(sys, "1")));
    with = recorder(sys, PNPSIM_NOTIFY_INCLUDE_EXISTING);
    without = recorder(sys, 0);
    assert_int_equal(pnpsim_notify_recorder_count(with), 2);
    assert_int_equal(pnpsim_notify_recorder_get(with, 0)->event_seq, 0);
    assert_string_equal(pnpsim_notify_recorder_get(with, 0)->name, DEV0_NAME);
    assert_int_equal(pnpsim_notify_recorder_count(without), 0);
    pnpsim_notify_recorder_destroy(with);
    pnpsim_notify_recorder_destroy(without);
}

/* §7.1 (D-RegN): "a single existing interface may be reported twice": in MANUAL mode the
 * arrival queued before the registration is delivered after INCLUDE_EXISTING reported it. */
static void test_notify__manual_reproduces_the_documented_duplicate(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    load_driver(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(make_device(sys, "0")));
    rec = recorder(sys, PNPSIM_NOTIFY_INCLUDE_EXISTING);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 1);
    pnpsim_system_run_pending(sys);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 2);
    assert_event(rec, 1, PNPSIM_NOTIFY_INTERFACE_ARRIVAL);
    assert_string_equal(pnpsim_notify_recorder_get(rec, 0)->name,
                        pnpsim_notify_recorder_get(rec, 1)->name);
    assert_int_equal(pnpsim_notify_recorder_get(rec, 0)->event_seq, 0);
    assert_true(pnpsim_notify_recorder_get(rec, 1)->event_seq > 0);
    pnpsim_notify_recorder_destroy(rec);
}

/* WORKER mode: the PnP worker thread delivers; pnpsim_system_flush waits for it. */
static void test_notify__worker_mode_delivers_on_the_worker(void **state)
{
    pnpsim_system *sys = NULL;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    PDRIVER_OBJECT drv = NULL;
    (void)state;
    cfg.delivery = PNPSIM_DELIVERY_WORKER;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &sys));
    notifydev_reset();
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "notifydev", NotifydevDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, DEV_HWID, drv));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_notify_recorder_create(sys, &GUID_NOTIFYDEV_CLASS, 0, &rec));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    pnpsim_system_flush(sys);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    pnpsim_system_flush(sys);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 2);
    assert_event(rec, 1, PNPSIM_NOTIFY_INTERFACE_REMOVAL);
    pnpsim_notify_recorder_destroy(rec);
    pnpsim_system_destroy(sys);
}

/* ======================================================================================
 * Unsubscription and reentrancy
 * ==================================================================================== */

static void test_notify__unsubscribed_hears_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_subscription *sub = NULL;
    load_driver(sys);
    memset(&Inside, 0, sizeof(Inside));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_interfaces(sys, &GUID_NOTIFYDEV_CLASS,
                                                                        0, inside_fn, NULL, &sub));
    assert_int_equal(pnpsim_notify_registration_count(sys), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(make_device(sys, "0")));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_unsubscribe(sys, sub));
    assert_int_equal(pnpsim_notify_registration_count(sys), 0);
    pnpsim_system_run_pending(sys);
    assert_int_equal(Inside.calls, 0);
}

/* Unsubscribing twice bug checks (the entry's pool would be freed twice): BAD_POOL_CALLER
 * 0x07 with the entry in parameter 4 (choice, README "Divergences and choices"). */
static void test_notify__unsubscribe_twice_bugchecks_bad_pool_caller(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_subscription *sub = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_interfaces(sys, &GUID_NOTIFYDEV_CLASS,
                                                                        0, inside_fn, NULL, &sub));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_unsubscribe(sys, sub));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, pnpsim_notify_unsubscribe(sys, sub));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x07);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], (ULONG_PTR)sub);
}

/* Callbacks may register and unregister (themselves and others). */
static struct {
    pnpsim_system *sys;
    pnpsim_notify_subscription *self, *other, *added;
    int self_calls, other_calls, added_calls;
} Re;

static NTSTATUS re_other(void *ctx, const pnpsim_notify_event *ev)
{
    (void)ctx;
    (void)ev;
    Re.other_calls++;
    return STATUS_SUCCESS;
}

static NTSTATUS re_added(void *ctx, const pnpsim_notify_event *ev)
{
    (void)ctx;
    (void)ev;
    Re.added_calls++;
    return STATUS_SUCCESS;
}

static NTSTATUS re_self(void *ctx, const pnpsim_notify_event *ev)
{
    (void)ctx;
    (void)ev;
    Re.self_calls++;
    pnpsim_notify_unsubscribe(Re.sys, Re.self);  /* itself, from its own callback */
    pnpsim_notify_unsubscribe(Re.sys, Re.other); /* another one, not yet called */
    pnpsim_notify_subscribe_interfaces(Re.sys, &GUID_NOTIFYDEV_CLASS, 0, re_added, NULL, &Re.added);
    return STATUS_SUCCESS;
}

/* §7.3 reentrancy: unregistering itself and another entry, and registering, from a
 * callback: the other entry is not called for this event, the new one not for the event
 * being delivered (it did not exist when delivery started) but for the next. */
static void test_notify__callbacks_may_register_and_unregister(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    load_driver(sys);
    memset(&Re, 0, sizeof(Re));
    Re.sys = sys;
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_interfaces(
                                         sys, &GUID_NOTIFYDEV_CLASS, 0, re_self, NULL, &Re.self));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_interfaces(
                                         sys, &GUID_NOTIFYDEV_CLASS, 0, re_other, NULL, &Re.other));
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_int_equal(Re.self_calls, 1);
    assert_int_equal(Re.other_calls, 0);
    assert_int_equal(Re.added_calls, 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(Re.self_calls, 1);
    assert_int_equal(Re.added_calls, 1);
    assert_int_equal(pnpsim_notify_registration_count(sys), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_unsubscribe(sys, Re.added));
}

/* ======================================================================================
 * Target device events (§7.4, §1.3)
 * ==================================================================================== */

/* Orderly removal: QUERY_REMOVE, then (user mode's REMOVE_PENDING), REMOVE_COMPLETE after
 * IRP_MN_REMOVE_DEVICE; nothing more after that. */
static void test_notify__orderly_removal_sends_query_then_complete(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    load_driver(sys);
    rec = recorder(sys, 0);
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_recorder_watch_device(rec, dev));
    pnpsim_notify_recorder_clear(rec);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_QUERY_REMOVE), 1);
    assert_int_equal(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_REMOVE_COMPLETE), 1);
    assert_int_equal(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_REMOVE_CANCELLED), 0);
    assert_event(rec, 0, PNPSIM_NOTIFY_QUERY_REMOVE);
    assert_int_equal(Notifydev.QueryRemoves, 1);
    pnpsim_notify_recorder_destroy(rec);
}

/* §7.4: a failing status from QUERY_REMOVE vetoes the removal; the registrant then gets
 * REMOVE_CANCELLED, no IRP_MN_QUERY_REMOVE_DEVICE is sent and the device stays started. */
static void test_notify__query_remove_veto_cancels_the_removal(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    load_driver(sys);
    rec = recorder(sys, 0);
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_recorder_watch_device(rec, dev));
    pnpsim_notify_recorder_clear(rec);
    pnpsim_notify_recorder_set_query_remove_status(rec, STATUS_UNSUCCESSFUL);
    assert_nt_status(STATUS_UNSUCCESSFUL, pnpsim_device_remove(dev));
    assert_int_equal(pnpsim_device_get_state(dev), PNPSIM_DEVICE_STARTED);
    assert_int_equal(Notifydev.QueryRemoves, 0);
    assert_int_equal(pnpsim_notify_recorder_count(rec), 2);
    assert_event(rec, 0, PNPSIM_NOTIFY_QUERY_REMOVE);
    assert_event(rec, 1, PNPSIM_NOTIFY_REMOVE_CANCELLED);
    /* Allowed now: the removal goes through. */
    pnpsim_notify_recorder_set_query_remove_status(rec, STATUS_SUCCESS);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_REMOVE_COMPLETE), 1);
    pnpsim_notify_recorder_destroy(rec);
}

/* A veto by the driver's IRP_MN_QUERY_REMOVE_DEVICE also cancels for the registrants. */
static void test_notify__driver_veto_sends_remove_cancelled(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    load_driver(sys);
    rec = recorder(sys, 0);
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_recorder_watch_device(rec, dev));
    pnpsim_notify_recorder_clear(rec);
    Notifydev.FailQueryRemove = TRUE;
    assert_true(!NT_SUCCESS(pnpsim_device_remove(dev)));
    assert_int_equal(pnpsim_notify_recorder_count(rec), 2);
    assert_event(rec, 0, PNPSIM_NOTIFY_QUERY_REMOVE);
    assert_event(rec, 1, PNPSIM_NOTIFY_REMOVE_CANCELLED);
    assert_int_equal(Notifydev.CancelRemoves, 1);
    Notifydev.FailQueryRemove = FALSE;
    pnpsim_notify_recorder_destroy(rec);
}

/* §1.3 (K-SR): after a surprise removal registrants get REMOVE_COMPLETE (no QUERY_REMOVE),
 * and the interface removal arrives; the later IRP_MN_REMOVE_DEVICE sends nothing more. */
static void test_notify__surprise_removal_sends_remove_complete(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    load_driver(sys);
    rec = recorder(sys, 0);
    dev = make_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_recorder_watch_device(rec, dev));
    pnpsim_notify_recorder_clear(rec);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));
    assert_int_equal(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_QUERY_REMOVE), 0);
    assert_int_equal(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_REMOVE_COMPLETE), 1);
    assert_int_equal(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_REMOVE_PENDING), 0);
    assert_int_equal(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_INTERFACE_REMOVAL), 1);
    pnpsim_notify_recorder_destroy(rec);
}

/* ======================================================================================
 * Bad arguments, out of memory
 * ==================================================================================== */

static void test_notify__bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_subscription *sub = (pnpsim_notify_subscription *)(void *)&sub;
    pnpsim_notify_recorder *rec = NULL;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_notify_subscribe_interfaces(NULL, NULL, 0, inside_fn, NULL, &sub));
    assert_null(sub);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_notify_subscribe_interfaces(sys, NULL, 0, NULL, NULL, &sub));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_notify_subscribe_interfaces(sys, NULL, 0x10, inside_fn, NULL, &sub));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_notify_subscribe_interfaces(sys, NULL, 0, inside_fn, NULL, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_notify_subscribe_device(sys, NULL, inside_fn, NULL, &sub));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_notify_unsubscribe(sys, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_notify_recorder_create(sys, NULL, 2, &rec));
    assert_null(rec);
    assert_int_equal(pnpsim_notify_registration_count(NULL), 0);
    assert_int_equal(pnpsim_notify_recorder_count(NULL), 0);
    assert_null(pnpsim_notify_recorder_get(NULL, 0));
    pnpsim_notify_recorder_destroy(NULL);
}

/* Every allocation failure leaves nothing registered. */
static void test_notify__out_of_memory_registers_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_notify_subscription *sub = NULL;
    NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;
    for (unsigned long n = 1; n < 20 && status == STATUS_INSUFFICIENT_RESOURCES; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        status = pnpsim_notify_subscribe_interfaces(sys, &GUID_NOTIFYDEV_CLASS, 0, inside_fn, NULL,
                                                    &sub);
        pnpsim_fault_alloc(sys, 0, 0);
        if (status == STATUS_INSUFFICIENT_RESOURCES) {
            assert_null(sub);
            assert_int_equal(pnpsim_notify_registration_count(sys), 0);
        }
    }
    assert_nt_status(STATUS_SUCCESS, status);
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_unsubscribe(sys, sub));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_notify__deferred_arrival_is_delivered_before_start_returns),
        PNPSIM_TEST_MANUAL(test_notify__manual_arrival_waits_for_run_pending),
        PNPSIM_TEST(test_notify__never_delivered_inside_set_state),
        PNPSIM_TEST_MANUAL(test_notify__events_keep_their_order),
        PNPSIM_TEST_MANUAL(test_notify__disable_under_memory_pressure_still_notifies),
        PNPSIM_TEST(test_notify__class_filter),
        PNPSIM_TEST(test_notify__include_existing_reports_inside_the_call),
        PNPSIM_TEST_MANUAL(test_notify__manual_reproduces_the_documented_duplicate),
        cmocka_unit_test(test_notify__worker_mode_delivers_on_the_worker),
        PNPSIM_TEST_MANUAL(test_notify__unsubscribed_hears_nothing),
        PNPSIM_TEST(test_notify__unsubscribe_twice_bugchecks_bad_pool_caller),
        PNPSIM_TEST(test_notify__callbacks_may_register_and_unregister),
        PNPSIM_TEST(test_notify__orderly_removal_sends_query_then_complete),
        PNPSIM_TEST(test_notify__query_remove_veto_cancels_the_removal),
        PNPSIM_TEST(test_notify__driver_veto_sends_remove_cancelled),
        PNPSIM_TEST(test_notify__surprise_removal_sends_remove_complete),
        PNPSIM_TEST(test_notify__bad_arguments),
        PNPSIM_TEST(test_notify__out_of_memory_registers_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
