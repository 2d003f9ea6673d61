/* SPDX-License-Identifier: MIT */
/*
 * This file implements pnpsim's cmocka integration, header-only so that any cmocka test can
 * use it without linking anything but pnpsim: a fixture that gives every test a fresh
 * system (entered as the thread's current system) and, on teardown, shuts it down and fails
 * the test, with a report, when query-interface references are still outstanding when
 * the test ends, pool is still allocated after shutdown, the verifier recorded a violation, or a bug check happened that no
 * PNPSIM_EXPECT_BUGCHECK expected; assert_nt_status() printing status names;
 * PNPSIM_EXPECT_BUGCHECK failures routed into cmocka; one-line helpers to load and bind
 * a driver and to create and start a device; and a notification recorder for assertions.
 *
 *   #include <pnpsim/cmocka.h>      (includes <cmocka.h> and its prerequisites)
 *   static void test_start(void **state)
 *   {
 *       pnpsim_system *sys = PNPSIM_SYS(state);
 *       pnpsim_cmocka_load(sys, "mydrv", MyDriverEntry, "ROOT\\MYDEV");
 *       pnpsim_device *dev = pnpsim_cmocka_start(sys, "ROOT\\MYDEV", "0");
 *       assert_int_equal(pnpsim_device_get_state(dev), PNPSIM_DEVICE_STARTED);
 *   }
 *   int main(void)
 *   {
 *       const struct CMUnitTest tests[] = { PNPSIM_CMOCKA_TEST(test_start) };
 *       return cmocka_run_group_tests(tests, NULL, NULL);
 *   }
 */
#ifndef PNPSIM_CMOCKA_H
#define PNPSIM_CMOCKA_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pnpsim.h"
#include "dump.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The state a PNPSIM_CMOCKA_TEST gets through cmocka's void **state. */
typedef struct pnpsim_cmocka_fixture {
    pnpsim_system *sys;
    int allow_pool_leaks;     /**< a test that leaks pool on purpose sets this */
    int allow_references;     /**< a test that leaves references on purpose sets this */
    int allow_violations;     /**< a test that breaks verifier rules on purpose sets this */
    size_t unexpected_bugchecks; /**< bug checks no PNPSIM_EXPECT_BUGCHECK expected */
    char first_bugcheck[512];    /**< the first one's report */
} pnpsim_cmocka_fixture;

/** The fixture's system / the fixture itself, from cmocka's state. */
#define PNPSIM_SYS(state) (((pnpsim_cmocka_fixture *)*(state))->sys)
#define PNPSIM_FIXTURE(state) ((pnpsim_cmocka_fixture *)*(state))

#ifndef assert_nt_status
/** Compare NTSTATUS values; on failure print both names ("expected STATUS_X, got STATUS_Y"). */
#define assert_nt_status(expected, actual)                                               \
    do {                                                                                 \
        NTSTATUS pnpsim_cm_e_ = (expected), pnpsim_cm_a_ = (actual);                     \
        if (pnpsim_cm_e_ != pnpsim_cm_a_)                                                \
            fail_msg("expected %s, got %s", pnpsim_status_name(pnpsim_cm_e_),           \
                     pnpsim_status_name(pnpsim_cm_a_));                                  \
    } while (0)
#endif

/* PNPSIM_EXPECT_BUGCHECK failures become cmocka failures at the statement's file:line. */
static inline void pnpsim_cmocka_expect_failed(const char *message, const char *file, int line)
{
    print_error("%s:%d: %s\n", file, line, message);
    _fail(file, line);
}

/* Bug checks that reach the handler were not expected: record them and go on (the DDI
 * fails as harmlessly as it can); teardown fails the test with the first report. */
static inline void pnpsim_cmocka_bugcheck_handler(void *ctx, ULONG code, ULONG_PTR p1,
                                                  ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4,
                                                  const char *message)
{
    pnpsim_cmocka_fixture *f = (pnpsim_cmocka_fixture *)ctx;
    if (f->unexpected_bugchecks++ == 0)
        snprintf(f->first_bugcheck, sizeof(f->first_bugcheck),
                 "bug check 0x%lX %s (0x%llX, 0x%llX, 0x%llX, 0x%llX): %s",
                 (unsigned long)code, pnpsim_bugcheck_name(code), (unsigned long long)p1,
                 (unsigned long long)p2, (unsigned long long)p3, (unsigned long long)p4,
                 message != NULL ? message : "");
    pnpsim_bugcheck_record_and_continue(NULL, code, p1, p2, p3, p4, message);
}

/** Setup with a chosen delivery mode; see pnpsim_cmocka_setup(). */
static inline int pnpsim_cmocka_setup_with(void **state, pnpsim_delivery delivery)
{
    pnpsim_cmocka_fixture *f = (pnpsim_cmocka_fixture *)calloc(1, sizeof(*f));
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    if (f == NULL)
        return -1;
    cfg.delivery = delivery;
    cfg.name = "test";
    cfg.trace_to_stderr = getenv("PNPSIM_TRACE") != NULL;
    pnpsim_set_test_failure_handler(pnpsim_cmocka_expect_failed);
    if (pnpsim_system_create(&cfg, &f->sys) != STATUS_SUCCESS) {
        free(f);
        return -1;
    }
    pnpsim_system_set_bugcheck_handler(f->sys, pnpsim_cmocka_bugcheck_handler, f);
    pnpsim_system_enter(f->sys);
    *state = f;
    return 0;
}

/** cmocka setup: a fresh system (DEFERRED delivery), entered as the current system. */
static inline int pnpsim_cmocka_setup(void **state)
{
    return pnpsim_cmocka_setup_with(state, PNPSIM_DELIVERY_DEFERRED);
}

/** cmocka setup with MANUAL delivery. */
static inline int pnpsim_cmocka_setup_manual(void **state)
{
    return pnpsim_cmocka_setup_with(state, PNPSIM_DELIVERY_MANUAL);
}

/**
 * cmocka teardown: note the query-interface references still outstanding, shut the
 * system down (every device removed, every driver unloaded, as at shutdown), then fail
 * (return -1, with a report on stderr) if references were outstanding, pool is still
 * allocated, the verifier recorded violations, or an unexpected bug check happened; then
 * destroy the system.
 */
static inline int pnpsim_cmocka_teardown(void **state)
{
    pnpsim_cmocka_fixture *f = (pnpsim_cmocka_fixture *)*state;
    size_t pool, nviol = 0, recorded = 0;
    long refs;
    const pnpsim_verifier_violation *v;
    int bad = 0;
    if (f == NULL)
        return 0;
    /* References still held when the test ends (by the test or by drivers) are leaks. */
    refs = pnpsim_qi_outstanding(f->sys, NULL, NULL, NULL);
    if (refs > 0 && !f->allow_references)
        pnpsim_qi_dump(f->sys, stderr);
    pnpsim_system_shutdown(f->sys);
    pool = pnpsim_system_pool_outstanding(f->sys, NULL);
    v = pnpsim_verifier_violations(f->sys, &nviol);
    for (size_t i = 0; i < nviol; i++)
        recorded += v[i].mode == PNPSIM_VERIFIER_RECORD;
    if (pool != 0 && !f->allow_pool_leaks) {
        print_error("pnpsim teardown: %zu pool allocation(s) still allocated after "
                       "shutdown (leaked)\n", pool);
        bad = 1;
    }
    if (refs > 0 && !f->allow_references) {
        print_error("pnpsim teardown: %ld query-interface reference(s) never released "
                       "(the ledger is above)\n", refs);
        bad = 1;
    }
    if (recorded != 0 && !f->allow_violations) {
        print_error("pnpsim teardown: %zu verifier violation(s) recorded:\n", recorded);
        for (size_t i = 0; i < nviol; i++)
            if (v[i].mode == PNPSIM_VERIFIER_RECORD)
                print_error("  %s (0x%lX): %s\n", v[i].rule ? v[i].rule : "?",
                               (unsigned long)v[i].code, v[i].message ? v[i].message : "");
        bad = 1;
    }
    if (f->unexpected_bugchecks != 0 && !f->allow_violations) {
        print_error("pnpsim teardown: %zu unexpected bug check(s); the first: %s\n",
                       f->unexpected_bugchecks, f->first_bugcheck);
        bad = 1;
    }
    pnpsim_system_leave(f->sys);
    pnpsim_system_destroy(f->sys);
    free(f);
    *state = NULL;
    return bad ? -1 : 0;
}

/** A cmocka test with the pnpsim fixture. */
#define PNPSIM_CMOCKA_TEST(fn) \
    cmocka_unit_test_setup_teardown(fn, pnpsim_cmocka_setup, pnpsim_cmocka_teardown)
#define PNPSIM_CMOCKA_TEST_MANUAL(fn) \
    cmocka_unit_test_setup_teardown(fn, pnpsim_cmocka_setup_manual, pnpsim_cmocka_teardown)

/** Load a driver by its DriverEntry and bind it to hardware_id (NULL: no binding); the
 *  test fails on error. @return the driver object. */
#define pnpsim_cmocka_load(sys, service, entry, hardware_id) \
    pnpsim_cmocka_load_at((sys), (service), (entry), (hardware_id), __FILE__, __LINE__)
static inline PDRIVER_OBJECT pnpsim_cmocka_load_at(pnpsim_system *sys, const char *service,
                                                   PDRIVER_INITIALIZE entry,
                                                   const char *hardware_id, const char *file,
                                                   int line)
{
    PDRIVER_OBJECT drv = NULL;
    NTSTATUS s = pnpsim_driver_load(sys, service, entry, &drv);
    if (s == STATUS_SUCCESS && hardware_id != NULL)
        s = pnpsim_driver_bind(sys, hardware_id, drv);
    if (s != STATUS_SUCCESS) {
        print_error("%s:%d: loading driver %s failed: %s (%s)\n", file, line, service,
                       pnpsim_status_name(s), pnpsim_last_error_message());
        _fail(file, line);
    }
    return drv;
}

/** Create a root-enumerated device <device_id>\<instance_id> and start it; the test fails
 *  on error. @return the device. */
#define pnpsim_cmocka_start(sys, device_id, instance_id) \
    pnpsim_cmocka_start_at((sys), (device_id), (instance_id), __FILE__, __LINE__)
static inline pnpsim_device *pnpsim_cmocka_start_at(pnpsim_system *sys, const char *device_id,
                                                    const char *instance_id, const char *file,
                                                    int line)
{
    pnpsim_device *dev = NULL;
    NTSTATUS s = pnpsim_device_create(sys, NULL, device_id, instance_id, &dev);
    if (s == STATUS_SUCCESS)
        s = pnpsim_device_start(dev);
    if (s != STATUS_SUCCESS) {
        print_error("%s:%d: starting %s\\%s failed: %s (%s)\n", file, line, device_id,
                       instance_id, pnpsim_status_name(s), pnpsim_last_error_message());
        _fail(file, line);
    }
    return dev;
}

/* ---- notification recorder -------------------------------------------------------------
 * Thin cmocka wrappers over the recorder of <pnpsim/notify.h> (pnpsim_notify_recorder_*,
 * which any other framework calls directly): start recording the interface arrivals and
 * removals of a class (and, with pnpsim_recorder_watch, a device's target-device events),
 * then assert on what arrived, in delivery order:
 *
 *   pnpsim_notify_recorder *rec = pnpsim_recorder_start(sys, &GUID_MY_CLASS);
 *   pnpsim_cmocka_start(sys, "ROOT\\MYDEV", "0");           (the driver enables it)
 *   assert_int_equal(pnpsim_recorder_count(rec), 1);
 *   assert_notification(rec, 0, PNPSIM_NOTIFY_INTERFACE_ARRIVAL, "\\??\\ROOT#MYDEV#0#{...}");
 *   pnpsim_recorder_stop(rec);                               (optional: destroy frees it)
 *
 * pnpsim_recorder_event(rec, i)->event is the GUID a kernel callback sees
 * (GUID_DEVICE_INTERFACE_ARRIVAL, ...), ->name the symbolic link (kernel form), ->seq the
 * delivery order. */

/** Record the interface events of class_guid (NULL: every class); the test fails on error. */
#define pnpsim_recorder_start(sys, class_guid) \
    pnpsim_recorder_start_at((sys), (class_guid), 0, __FILE__, __LINE__)
/** Same, also reporting the interfaces enabled now (PNPSIM_NOTIFY_INCLUDE_EXISTING). */
#define pnpsim_recorder_start_existing(sys, class_guid) \
    pnpsim_recorder_start_at((sys), (class_guid), PNPSIM_NOTIFY_INCLUDE_EXISTING, __FILE__, \
                             __LINE__)
static inline pnpsim_notify_recorder *pnpsim_recorder_start_at(pnpsim_system *sys,
                                                               const GUID *class_guid,
                                                               unsigned int flags,
                                                               const char *file, int line)
{
    pnpsim_notify_recorder *rec = NULL;
    NTSTATUS s = pnpsim_notify_recorder_create(sys, class_guid, flags, &rec);
    if (s != STATUS_SUCCESS) {
        print_error("%s:%d: starting a notification recorder failed: %s (%s)\n", file, line,
                    pnpsim_status_name(s), pnpsim_last_error_message());
        _fail(file, line);
    }
    return rec;
}

/** Also record the target-device events of dev; the test fails on error. */
#define pnpsim_recorder_watch(rec, dev) \
    do {                                                                              \
        NTSTATUS pnpsim_rw_ = pnpsim_notify_recorder_watch_device((rec), (dev));      \
        if (pnpsim_rw_ != STATUS_SUCCESS)                                             \
            fail_msg("watching a device failed: %s", pnpsim_status_name(pnpsim_rw_)); \
    } while (0)

/** Number of notifications recorded so far. */
#define pnpsim_recorder_count(rec) pnpsim_notify_recorder_count(rec)

/** The index-th recorded notification (0 = first); the test fails when there is none. */
#define pnpsim_recorder_event(rec, index) \
    pnpsim_recorder_event_at((rec), (index), __FILE__, __LINE__)
static inline const pnpsim_notify_event *pnpsim_recorder_event_at(pnpsim_notify_recorder *rec,
                                                                  size_t index,
                                                                  const char *file, int line)
{
    const pnpsim_notify_event *ev = pnpsim_notify_recorder_get(rec, index);
    if (ev == NULL) {
        print_error("%s:%d: notification #%zu was not recorded (%zu recorded)\n", file, line,
                    index, pnpsim_notify_recorder_count(rec));
        _fail(file, line);
    }
    return ev;
}

/** Assert the index-th notification is of kind and (name non-NULL) names that symbolic
 *  link (compared ignoring ASCII case, as Windows compares interface names). */
#define assert_notification(rec, index, kind, name) \
    pnpsim_assert_notification_at((rec), (index), (kind), (name), __FILE__, __LINE__)
static inline void pnpsim_assert_notification_at(pnpsim_notify_recorder *rec, size_t index,
                                                 pnpsim_notify_kind kind, const char *name,
                                                 const char *file, int line)
{
    const pnpsim_notify_event *ev = pnpsim_recorder_event_at(rec, index, file, line);
    int same = ev->name != NULL && name != NULL;
    for (size_t i = 0; same; i++) {
        char a = ev->name[i], b = name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (char)(b + 32);
        if (a != b)
            same = 0;
        else if (a == 0)
            break;
    }
    if (ev->kind != kind || (name != NULL && !same)) {
        print_error("%s:%d: notification #%zu is kind %d on %s; expected kind %d on %s\n", file,
                    line, index, (int)ev->kind, ev->name ? ev->name : "(no name)", (int)kind,
                    name ? name : "(any)");
        _fail(file, line);
    }
}

/** Stop recording and free the recorder (NULL is ignored). */
#define pnpsim_recorder_stop(rec) pnpsim_notify_recorder_destroy(rec)

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_CMOCKA_H */
