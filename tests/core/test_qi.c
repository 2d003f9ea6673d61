/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of driver-to-driver interfaces (IRP_MN_QUERY_INTERFACE,
 * windows-semantics.md §9) and the INTERFACE reference ledger: the routing of a query
 * through a real device stack (qibus exporting to its children, qifunc importing in START
 * and releasing in REMOVE, qifilter passing it down), the native query and test-provided
 * exporters, BUS_INTERFACE_STANDARD over the simulated configuration space (busstd_func),
 * and every ledger rule broken on purpose: leak, over-release, use after removal,
 * Size/Version not asked for, writing past Size, malformed INTERFACE.
 */
#include <stdlib.h>
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/verifier.h>
#include <wdmguid.h>

#include "drivers/busstd_func.h"
#include "drivers/drvlog.h"
#include "drivers/qibus.h"
#include "drivers/qifilter.h"
#include "drivers/qifunc.h"

#define BUS_HWID "ROOT\\QIBUS"
#define CHILD_HWID "QIBUS\\Child"

/* {0d4c9a51-7e21-4b9a-8c3f-5a6b7c8d9e0f}: exported by nobody. */
static const GUID GUID_NOBODY = {0x0d4c9a51, 0x7e21, 0x4b9a,
                                 {0x8c, 0x3f, 0x5a, 0x6b, 0x7c, 0x8d, 0x9e, 0x0f}};
/* {9f8e7d6c-5b4a-4321-8fed-cba987654321}: the tests' provided interface. */
static const GUID GUID_TEST_IFACE = {0x9f8e7d6c, 0x5b4a, 0x4321,
                                     {0x8f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21}};

typedef struct test_iface {
    INTERFACE Header;
    ULONG (*Answer)(PVOID Context);
} test_iface;

static ULONG answer42(PVOID Context)
{
    (void)Context;
    return 42;
}

static pnpsim_test_fixture *fixture(void **state)
{
    return (pnpsim_test_fixture *)*state;
}

/* Does the most recent violation of rule exist, with code/p1, and a message containing
 * every string given? */
static const pnpsim_verifier_violation *last_violation(pnpsim_system *sys, const char *rule)
{
    size_t n;
    const pnpsim_verifier_violation *v = pnpsim_verifier_violations(sys, &n);
    while (n-- > 0) {
        if (strcmp(v[n].rule, rule) == 0)
            return &v[n];
    }
    return NULL;
}

/* ======================================================================================
 * The qibus scenario
 * ==================================================================================== */

typedef struct qi_scene {
    PDRIVER_OBJECT qibus, qifunc, qifilter;
    pnpsim_device *bus;
    pnpsim_device *child;
} qi_scene;

static pnpsim_device *first_child(pnpsim_device *dev)
{
    return pnpsim_device_first_child(dev);
}

/* qibus on ROOT\QIBUS\0, qifunc on its children (qifilter as a lower filter between qifunc
 * and the child's PDO when filter is set); one child "1" plugged and started. */
static void start_scene(pnpsim_system *sys, qi_scene *s, QIFUNC_BUG bug, int filter)
{
    memset(s, 0, sizeof(*s));
    drvlog_reset();
    qibus_reset();
    qifunc_reset(bug);
    qifilter_reset();
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "qibus", QibusDriverEntry, &s->qibus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, BUS_HWID, s->qibus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "qifunc", QifuncDriverEntry, &s->qifunc));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, CHILD_HWID, s->qifunc));
    if (filter) {
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_driver_load(sys, "qifilter", QifilterDriverEntry, &s->qifilter));
        assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind_filter(sys, CHILD_HWID, s->qifilter,
                                                                   PNPSIM_FILTER_LOWER));
    }
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, BUS_HWID, "0", &s->bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(s->bus));
    assert_nt_status(STATUS_SUCCESS, qibus_plug_child(qibus_last_fdo(), L"1", 0x1234));
    pnpsim_system_run_pending(sys);
    s->child = first_child(s->bus);
    assert_non_null(s->child);
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(s->child));
}

/* §9.2: the importer queries in START; the exporter references once per hand-out. */
static void test_qi__function_driver_imports_in_start_and_releases_in_remove(void **state)
{
    pnpsim_system *sys = TSYS(state);
    qi_scene s;
    start_scene(sys, &s, QIFUNC_CORRECT, 0);
    assert_nt_status(STATUS_SUCCESS, qifunc_query_status());
    assert_int_equal(QIBUS_INTERFACE_VERSION, qifunc_version_seen());
    assert_int_equal(0x1234, qifunc_register0());
    assert_int_equal(1, qibus_queries_answered());
    assert_int_equal(1, pnpsim_qi_ledger_count(sys));
    assert_int_equal(1, pnpsim_qi_outstanding(sys, &GUID_QIBUS_INTERFACE, NULL, s.child));
    assert_int_equal(1, pnpsim_qi_outstanding(sys, NULL, s.child, NULL));
    assert_int_equal(1, qibus_child_references(L"1"));
    /* The trampolines left the other routines alone: the interface still works. */
    assert_int_equal(0x1234, qifunc_read_register(qifunc_last_fdo(), 0));

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.child));
    assert_int_equal(1, qifunc_removes());
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
    assert_int_equal(0, qibus_child_references(L"1"));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, NULL));
}

/* §9.2: a filter that does not export the GUID passes the query down, status untouched. */
static void test_qi__filter_in_the_middle_passes_query_down_untouched(void **state)
{
    pnpsim_system *sys = TSYS(state);
    qi_scene s;
    start_scene(sys, &s, QIFUNC_CORRECT, 1);
    assert_int_equal(1, qifilter_queries_seen());
    assert_nt_status(STATUS_NOT_SUPPORTED, qifilter_last_arrival_status());
    assert_nt_status(STATUS_SUCCESS, qifunc_query_status());
    assert_int_equal(1, qibus_child_references(L"1"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.child));
    assert_int_equal(0, qibus_child_references(L"1"));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, NULL));
}

/* §9.2: the query goes to the top of the sender's own stack, pre-set NOT_SUPPORTED. */
static void test_qi__native_query_goes_to_top_of_stack_and_is_counted(void **state)
{
    pnpsim_system *sys = TSYS(state);
    qi_scene s;
    QIBUS_INTERFACE bus;
    start_scene(sys, &s, QIFUNC_CORRECT, 1);
    memset(&bus, 0xEE, sizeof(bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(s.child, &GUID_QIBUS_INTERFACE,
                                                     sizeof(bus), 1, (PINTERFACE)&bus, NULL));
    assert_int_equal(2, qifilter_queries_seen());
    assert_nt_status(STATUS_NOT_SUPPORTED, qifilter_last_arrival_status());
    /* The highest version not above the one asked for (§9.2). */
    assert_int_equal(1, bus.Version);
    assert_int_equal(sizeof(bus), bus.Size);
    assert_int_equal(0x1234, bus.ReadRegister(bus.Context, 0));
    assert_int_equal(1, pnpsim_qi_outstanding_by_test(sys, &GUID_QIBUS_INTERFACE));
    assert_int_equal(2, qibus_child_references(L"1"));
    /* A reference taken on another's behalf is counted too. */
    bus.InterfaceReference(bus.Context);
    assert_int_equal(2, pnpsim_qi_outstanding_by_test(sys, NULL));
    assert_int_equal(3, qibus_child_references(L"1"));
    bus.InterfaceDereference(bus.Context);
    bus.InterfaceDereference(bus.Context);
    assert_int_equal(0, pnpsim_qi_outstanding_by_test(sys, NULL));
    assert_int_equal(1, qibus_child_references(L"1"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.child));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, NULL));
}

/* §9.2: the PDO completes a query it does not export with the status it came with. */
static void test_qi__unexported_guid_returns_not_supported(void **state)
{
    pnpsim_system *sys = TSYS(state);
    qi_scene s;
    INTERFACE i;
    start_scene(sys, &s, QIFUNC_CORRECT, 0);
    assert_nt_status(STATUS_NOT_SUPPORTED,
                     pnpsim_qi_query(s.child, &GUID_NOBODY, sizeof(i), 1, &i, NULL));
    assert_int_equal(1, qibus_queries_unhandled());
    assert_int_equal(1, pnpsim_qi_ledger_count(sys));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, NULL));
}

static void test_qi__forgotten_release_bugchecks_at_importer_removal(void **state)
{
    pnpsim_system *sys = TSYS(state);
    qi_scene s;
    start_scene(sys, &s, QIFUNC_FORGET_RELEASE, 0);
    fixture(state)->allow_pool_leaks = 1; /* the crash leaves the stack as it was */
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, pnpsim_device_remove(s.child));
    assert_int_equal(PNPSIM_C4_QI_LEAK, pnpsim_bugcheck_last_caught()->parameters[0]);
    assert_int_equal(1, pnpsim_bugcheck_last_caught()->parameters[2]);
    assert_non_null(strstr(pnpsim_bugcheck_last_caught()->message, "qifunc"));
    assert_non_null(strstr(pnpsim_bugcheck_last_caught()->message, "leaked 1 reference"));
}

static void test_qi__forgotten_release_is_recorded_with_interface_exporter_importer(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const pnpsim_verifier_violation *v;
    qi_scene s;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_LEAK, PNPSIM_VERIFIER_RECORD));
    start_scene(sys, &s, QIFUNC_FORGET_RELEASE, 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.child));
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, PNPSIM_RULE_QI_LEAK));
    v = last_violation(sys, PNPSIM_RULE_QI_LEAK);
    assert_non_null(v);
    assert_int_equal(DRIVER_VERIFIER_DETECTED_VIOLATION, v->code);
    assert_int_equal(PNPSIM_C4_QI_LEAK, v->parameters[0]);
    assert_int_equal(PNPSIM_VERIFIER_RECORD, v->mode);
    assert_string_equal("qifunc", v->driver);
    assert_non_null(strstr(v->message, "{6e1f2a40-3b7c-4d5e-9a1b-2c3d4e5f6071}"));
    assert_non_null(strstr(v->message, "qibus (PDO of QIBUS\\Child\\"));
    assert_non_null(strstr(v->message, "IRP_MN_REMOVE_DEVICE"));
    assert_int_equal(0, pnpsim_bugcheck_count(sys));
    /* Reported once: not again at unload or destroy. */
    pnpsim_system_shutdown(sys);
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, PNPSIM_RULE_QI_LEAK));
}

static void test_qi__double_release_is_an_over_release(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const pnpsim_verifier_violation *v;
    qi_scene s;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_OVER_RELEASE, PNPSIM_VERIFIER_RECORD);
    start_scene(sys, &s, QIFUNC_DOUBLE_RELEASE, 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.child));
    v = last_violation(sys, PNPSIM_RULE_QI_OVER_RELEASE);
    assert_non_null(v);
    assert_int_equal(PNPSIM_C4_QI_OVER_RELEASE, v->parameters[0]);
    assert_string_equal("InterfaceDereference", v->ddi);
    assert_non_null(strstr(v->message, "released more times than it was referenced"));
    /* The extra release never reached the exporter. */
    assert_int_equal(0, qibus_child_references(L"1"));
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, NULL));
}

static void test_qi__double_release_bugchecks_by_default(void **state)
{
    pnpsim_system *sys = TSYS(state);
    qi_scene s;
    start_scene(sys, &s, QIFUNC_DOUBLE_RELEASE, 0);
    fixture(state)->allow_pool_leaks = 1;
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, pnpsim_device_remove(s.child));
    assert_int_equal(PNPSIM_C4_QI_OVER_RELEASE, pnpsim_bugcheck_last_caught()->parameters[0]);
}

/* The importer keeps the interface across surprise removal and releases it after the bus
 * has handled IRP_MN_REMOVE_DEVICE (and deleted the PDO). */
static void test_qi__release_after_surprise_removal_and_remove_is_use_after_remove(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const pnpsim_verifier_violation *v;
    qi_scene s;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_USE_AFTER_REMOVE, PNPSIM_VERIFIER_RECORD);
    start_scene(sys, &s, QIFUNC_USE_AFTER_REMOVE, 0);
    assert_nt_status(STATUS_SUCCESS, qibus_unplug_child(qibus_last_fdo(), L"1"));
    pnpsim_system_run_pending(sys);
    assert_int_equal(PNPSIM_DEVICE_DELETED, pnpsim_device_get_state(s.child));
    v = last_violation(sys, PNPSIM_RULE_QI_USE_AFTER_REMOVE);
    assert_non_null(v);
    assert_int_equal(PNPSIM_C4_QI_USE_AFTER_REMOVE, v->parameters[0]);
    assert_non_null(strstr(v->message, "after its exporter"));
    /* Counted as released: no leak on top. */
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, PNPSIM_RULE_QI_LEAK));
}

static void test_qi__release_in_remove_after_surprise_removal_is_fine(void **state)
{
    pnpsim_system *sys = TSYS(state);
    qi_scene s;
    start_scene(sys, &s, QIFUNC_CORRECT, 1);
    assert_nt_status(STATUS_SUCCESS, qibus_unplug_child(qibus_last_fdo(), L"1"));
    pnpsim_system_run_pending(sys);
    assert_int_equal(PNPSIM_DEVICE_DELETED, pnpsim_device_get_state(s.child));
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, NULL));
}

/* §14 choice: fill in, then forward; completing is a recorded warning by default. */
static void test_qi__fdo_completing_successful_query_is_a_recorded_warning(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const pnpsim_verifier_violation *v;
    QIBUS_INTERFACE bus;
    qi_scene s;
    start_scene(sys, &s, QIFUNC_COMPLETE_QUERY, 0);
    assert_int_equal(PNPSIM_VERIFIER_RECORD,
                     pnpsim_verifier_get_mode(sys, PNPSIM_RULE_QI_COMPLETED_NOT_PASSED));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(s.child, &GUID_QIBUS_INTERFACE,
                                                     sizeof(bus), 2, (PINTERFACE)&bus, NULL));
    v = last_violation(sys, PNPSIM_RULE_QI_COMPLETED_NOT_PASSED);
    assert_non_null(v);
    assert_int_equal(DRIVER_VERIFIER_IOMANAGER_VIOLATION, v->code);
    assert_int_equal(0x22E, v->parameters[0]);
    assert_int_equal(0, pnpsim_bugcheck_count(sys));
    /* The handed-out reference is still counted, exporter = qifunc's FDO. */
    assert_int_equal(1, pnpsim_qi_outstanding_by_test(sys, NULL));
    assert_int_equal(2, qibus_child_references(L"1"));
    bus.InterfaceDereference(bus.Context);
    assert_int_equal(0, pnpsim_qi_outstanding_by_test(sys, NULL));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.child));
    assert_int_equal(0, qibus_child_references(L"1"));
}

/* §9.2: never more than Size bytes; Size/Version the importer asked for. */
static void test_qi__exporter_writing_past_size_is_caught(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const pnpsim_verifier_violation *v;
    QIBUS_INTERFACE bus;
    qi_scene s;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_SIZE_VERSION, PNPSIM_VERIFIER_RECORD);
    start_scene(sys, &s, QIFUNC_CORRECT, 0);
    qibus_set_write_too_much(TRUE);
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(s.child, &GUID_QIBUS_INTERFACE,
                                                     sizeof(bus), 2, (PINTERFACE)&bus, NULL));
    qibus_set_write_too_much(FALSE);
    v = last_violation(sys, PNPSIM_RULE_QI_SIZE_VERSION);
    assert_non_null(v);
    assert_int_equal(PNPSIM_C4_QI_OVERRUN, v->parameters[0]);
    assert_int_equal(sizeof(bus), v->parameters[2]);
    assert_int_equal(sizeof(bus), v->parameters[3]);
    bus.InterfaceDereference(bus.Context);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.child));
}

/* ======================================================================================
 * Test-provided exporters on simulated PDOs
 * ==================================================================================== */

static void test_qi__sim_pdo_without_provider_returns_not_supported(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    INTERFACE i;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PLAIN", "0", &dev));
    /* A query may arrive before start: the PDO alone answers it. */
    assert_nt_status(STATUS_NOT_SUPPORTED,
                     pnpsim_qi_query(dev, &GUID_NOBODY, sizeof(i), 1, &i, NULL));
    assert_int_equal(0, pnpsim_qi_ledger_count(sys));
}

static void test_qi__provided_interface_is_answered_with_counting_pair(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    test_iface tmpl, got;
    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.Answer = answer42;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PROV", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_provide(dev, &GUID_TEST_IFACE, &tmpl.Header,
                                                       sizeof(tmpl), 3));
    assert_int_equal(0, pnpsim_qi_provided_references(dev, &GUID_TEST_IFACE));
    memset(&got, 0, sizeof(got));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(got), 3,
                                                     &got.Header, NULL));
    assert_int_equal(sizeof(got), got.Header.Size);
    assert_int_equal(3, got.Header.Version);
    assert_non_null(got.Header.Context);
    assert_int_equal(42, got.Answer(got.Header.Context));
    assert_int_equal(1, pnpsim_qi_provided_references(dev, &GUID_TEST_IFACE));
    assert_int_equal(1, pnpsim_qi_outstanding(sys, &GUID_TEST_IFACE, dev, NULL));
    got.Header.InterfaceReference(got.Header.Context);
    assert_int_equal(2, pnpsim_qi_provided_references(dev, &GUID_TEST_IFACE));
    got.Header.InterfaceDereference(got.Header.Context);
    got.Header.InterfaceDereference(got.Header.Context);
    assert_int_equal(0, pnpsim_qi_provided_references(dev, &GUID_TEST_IFACE));
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
}

static long test_refs;
static VOID test_ref(PVOID Context)
{
    (void)Context;
    test_refs++;
}
static VOID test_deref(PVOID Context)
{
    (void)Context;
    test_refs--;
}

static void test_qi__provided_interface_forwards_to_the_tests_routines(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    test_iface tmpl, got;
    static int ctx;
    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.Header.Context = &ctx;
    tmpl.Header.InterfaceReference = test_ref;
    tmpl.Header.InterfaceDereference = test_deref;
    test_refs = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PROV", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_provide(dev, &GUID_TEST_IFACE, &tmpl.Header,
                                                       sizeof(tmpl), 1));
    assert_int_equal(-1, pnpsim_qi_provided_references(dev, &GUID_TEST_IFACE));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(got), 1,
                                                     &got.Header, NULL));
    assert_ptr_equal(&ctx, got.Header.Context);
    assert_int_equal(1, test_refs);
    /* The importer's calls go through the ledger to the exporter's routines. */
    assert_true(got.Header.InterfaceDereference != test_deref);
    got.Header.InterfaceDereference(got.Header.Context);
    assert_int_equal(0, test_refs);
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
}

static void test_qi__provided_interface_needs_asked_size_and_version(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    test_iface tmpl, got;
    memset(&tmpl, 0, sizeof(tmpl));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PROV", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_provide(dev, &GUID_TEST_IFACE, &tmpl.Header,
                                                       sizeof(tmpl), 2));
    assert_nt_status(STATUS_NOT_SUPPORTED, pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(got),
                                                           1, &got.Header, NULL));
    assert_nt_status(STATUS_NOT_SUPPORTED, pnpsim_qi_query(dev, &GUID_TEST_IFACE,
                                                           sizeof(INTERFACE), 2, &got.Header,
                                                           NULL));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_unprovide(dev, &GUID_TEST_IFACE));
    assert_nt_status(STATUS_NOT_SUPPORTED, pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(got),
                                                           2, &got.Header, NULL));
    assert_int_equal(0, pnpsim_qi_ledger_count(sys));
}

static void test_qi__bad_arguments_are_invalid_parameter(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    INTERFACE i, tmpl;
    unsigned char *p;
    size_t n;
    memset(&tmpl, 0, sizeof(tmpl));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PROV", "0", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_qi_query(NULL, &GUID_NOBODY, sizeof(i), 1, &i, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_qi_query(dev, NULL, sizeof(i), 1, &i, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_qi_query(dev, &GUID_NOBODY, sizeof(i), 1, NULL, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_qi_query(dev, &GUID_NOBODY, sizeof(i) - 1, 1, &i, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_qi_provide(dev, &GUID_NOBODY, &tmpl, sizeof(tmpl) - 1, 1));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_qi_provide(pnpsim_device_root(sys), &GUID_NOBODY, &tmpl,
                                       sizeof(tmpl), 1));
    tmpl.InterfaceReference = test_ref;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_qi_provide(dev, &GUID_NOBODY, &tmpl, sizeof(tmpl), 1));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_qi_config_space(NULL, &p, &n));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_qi_config_space(pnpsim_device_root(sys), &p, &n));
    assert_nt_status(STATUS_NOT_FOUND, pnpsim_qi_unprovide(dev, &GUID_NOBODY));
}

static void test_qi__query_out_of_memory_fails_cleanly(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    test_iface tmpl, got;
    memset(&tmpl, 0, sizeof(tmpl));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PROV", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_provide(dev, &GUID_TEST_IFACE, &tmpl.Header,
                                                       sizeof(tmpl), 1));
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(got), 1, &got.Header, NULL));
    pnpsim_fault_clear(sys);
    assert_int_equal(0, pnpsim_qi_provided_references(dev, &GUID_TEST_IFACE));
    assert_int_equal(0, pnpsim_qi_ledger_count(sys));
}

static int destroy_hits;
static ULONG_PTR destroy_p1;
static void count_handler(void *ctx, ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                          ULONG_PTR p4, const char *message)
{
    (void)ctx;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)message;
    if (code == DRIVER_VERIFIER_DETECTED_VIOLATION) {
        destroy_hits++;
        destroy_p1 = p1;
    }
}

static void test_qi__reference_held_by_the_test_leaks_at_system_destroy(void **state)
{
    pnpsim_system *sys;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_device *dev;
    test_iface tmpl, got;
    (void)state;
    memset(&tmpl, 0, sizeof(tmpl));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &sys));
    pnpsim_system_set_bugcheck_handler(sys, count_handler, NULL);
    pnpsim_system_enter(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\PROV", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_provide(dev, &GUID_TEST_IFACE, &tmpl.Header,
                                                       sizeof(tmpl), 1));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(got), 1,
                                                     &got.Header, NULL));
    destroy_hits = 0;
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    pnpsim_system_enter(TSYS(state));
    assert_int_equal(1, destroy_hits);
    assert_int_equal(PNPSIM_C4_QI_LEAK, destroy_p1);
}

/* ======================================================================================
 * BUS_INTERFACE_STANDARD on simulated PDOs
 * ==================================================================================== */

static pnpsim_device *busstd_device(pnpsim_system *sys, BOOLEAN forget)
{
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    unsigned char *cfg;
    size_t size;
    busstd_func_reset(forget);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "busstd", BusstdFuncDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "PCI\\VEN_8086", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "PCI\\VEN_8086", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_config_space(dev, &cfg, &size));
    assert_int_equal(PNPSIM_QI_CONFIG_SPACE_SIZE, size);
    cfg[0] = 0x86;
    cfg[1] = 0x80;
    return dev;
}

/* §9.3: BUS_INTERFACE_STANDARD gives config space through GetBusData / SetBusData. */
static void test_qi__function_driver_reads_config_space_through_bus_interface(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = busstd_device(sys, FALSE);
    unsigned char *cfg;
    size_t size;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, busstd_func_query_status());
    assert_int_equal(0x8086, busstd_func_vendor_id());
    assert_int_equal(2, busstd_func_bytes_read());
    assert_null(busstd_func_dma_adapter());
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_config_space(dev, &cfg, &size));
    assert_int_equal(BUSSTD_FUNC_MARK, cfg[0x40]);
    assert_int_equal(1, pnpsim_qi_outstanding(sys, &GUID_BUS_INTERFACE_STANDARD, dev, dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, NULL));
}

static void test_qi__bus_interface_used_after_removal_is_reported(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = busstd_device(sys, FALSE);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_USE_AFTER_REMOVE, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_int_equal(4, busstd_func_stale_read(0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(0, busstd_func_stale_read(0));
    v = last_violation(sys, PNPSIM_RULE_QI_USE_AFTER_REMOVE);
    assert_non_null(v);
    assert_string_equal("GetBusData", v->ddi);
    assert_non_null(strstr(v->message, "GUID_BUS_INTERFACE_STANDARD"));
}

static void test_qi__bus_interface_not_released_is_a_leak(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = busstd_device(sys, TRUE);
    const pnpsim_verifier_violation *v;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_LEAK, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    v = last_violation(sys, PNPSIM_RULE_QI_LEAK);
    assert_non_null(v);
    assert_string_equal("busstd", v->driver);
    assert_non_null(strstr(v->message, "GUID_BUS_INTERFACE_STANDARD exported by PnpManager"));
}

static void test_qi__native_bus_interface_query_and_bus_data_bounds(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    BUS_INTERFACE_STANDARD bis;
    unsigned char buf[8], *cfg;
    size_t size;
    PHYSICAL_ADDRESS a, t;
    ULONG space = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\BIS", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_config_space(dev, &cfg, &size));
    cfg[size - 1] = 0x77;
    /* A buffer too small for the interface: not answered. */
    assert_nt_status(STATUS_NOT_SUPPORTED,
                     pnpsim_qi_query(dev, &GUID_BUS_INTERFACE_STANDARD, sizeof(INTERFACE), 1,
                                     (PINTERFACE)&bis, NULL));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(dev, &GUID_BUS_INTERFACE_STANDARD,
                                                     sizeof(bis), 1, (PINTERFACE)&bis, NULL));
    assert_int_equal(sizeof(bis), bis.Size);
    assert_int_equal(1, bis.Version);
    assert_int_equal(1, bis.GetBusData(bis.Context, PCI_WHICHSPACE_CONFIG, buf, (ULONG)size - 1, 8));
    assert_int_equal(0x77, buf[0]);
    assert_int_equal(0, bis.GetBusData(bis.Context, PCI_WHICHSPACE_CONFIG, buf, (ULONG)size, 1));
    assert_int_equal(0, bis.GetBusData(bis.Context, PCI_WHICHSPACE_ROM, buf, 0, 1));
    assert_int_equal(0, bis.SetBusData(bis.Context, PCI_WHICHSPACE_ROM, buf, 0, 1));
    a.QuadPart = 0x1000;
    assert_true(bis.TranslateBusAddress(bis.Context, a, 4, &space, &t));
    assert_true(t.QuadPart == 0x1000);
    bis.InterfaceDereference(bis.Context);
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
}

/* ======================================================================================
 * Malformed INTERFACE, Size/Version not asked for: a small exporter in this file
 * ==================================================================================== */

typedef enum { BAD_SMALL_SIZE, BAD_NULL_DEREF, BAD_BIG_VERSION } bad_kind;
static bad_kind bad_mode;
static long bad_refs;

static VOID bad_ref(PVOID Context)
{
    (void)Context;
    bad_refs++;
}
static VOID bad_deref(PVOID Context)
{
    (void)Context;
    bad_refs--;
}

typedef struct bad_ext {
    PDEVICE_OBJECT lower;
} bad_ext;

static NTSTATUS NTAPI bad_pnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    bad_ext *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    PDEVICE_OBJECT lower = ext->lower;
    if (sp->MinorFunction == IRP_MN_QUERY_INTERFACE &&
        IsEqualGUID(sp->Parameters.QueryInterface.InterfaceType, &GUID_TEST_IFACE)) {
        /* Fill in, then forward (the model), but with a defect. */
        PINTERFACE i = sp->Parameters.QueryInterface.Interface;
        i->Size = bad_mode == BAD_SMALL_SIZE ? 4 : sizeof(INTERFACE);
        i->Version = bad_mode == BAD_BIG_VERSION ? 9 : 1;
        i->Context = ext;
        i->InterfaceReference = bad_ref;
        i->InterfaceDereference = bad_mode == BAD_NULL_DEREF ? NULL : bad_deref;
        bad_ref(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
    } else if (sp->MinorFunction == IRP_MN_START_DEVICE ||
               sp->MinorFunction == IRP_MN_REMOVE_DEVICE ||
               sp->MinorFunction == IRP_MN_QUERY_REMOVE_DEVICE) {
        Irp->IoStatus.Status = STATUS_SUCCESS;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(lower, Irp);
    if (sp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
    }
    return status;
}

static NTSTATUS NTAPI bad_add(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(bad_ext), NULL, FILE_DEVICE_UNKNOWN, 0,
                                     FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ((bad_ext *)fdo->DeviceExtension)->lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI bad_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->MajorFunction[IRP_MJ_PNP] = bad_pnp;
    DriverObject->DriverExtension->AddDevice = bad_add;
    return STATUS_SUCCESS;
}

static pnpsim_device *bad_device(pnpsim_system *sys, bad_kind kind)
{
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    bad_mode = kind;
    bad_refs = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "badexp", bad_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\BADEXP", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\BADEXP", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    return dev;
}

static void test_qi__interface_smaller_than_interface_header_is_malformed(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = bad_device(sys, BAD_SMALL_SIZE);
    const pnpsim_verifier_violation *v;
    INTERFACE i;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_MALFORMED, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(i), 1, &i, NULL));
    v = last_violation(sys, PNPSIM_RULE_QI_MALFORMED);
    assert_non_null(v);
    assert_int_equal(PNPSIM_C4_QI_MALFORMED, v->parameters[0]);
    assert_int_equal(4, v->parameters[2]);
    assert_string_equal("badexp", v->driver);
    assert_int_equal(0, pnpsim_qi_ledger_count(sys));
}

static void test_qi__interface_with_null_dereference_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = bad_device(sys, BAD_NULL_DEREF);
    INTERFACE i;
    fixture(state)->allow_pool_leaks = 1;
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                           pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(i), 1, &i, NULL));
    assert_int_equal(PNPSIM_C4_QI_MALFORMED, pnpsim_bugcheck_last_caught()->parameters[0]);
    assert_non_null(strstr(pnpsim_bugcheck_last_caught()->message, "InterfaceDereference NULL"));
}

static void test_qi__version_higher_than_asked_is_reported(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = bad_device(sys, BAD_BIG_VERSION);
    const pnpsim_verifier_violation *v;
    INTERFACE i;
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_SIZE_VERSION, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_qi_query(dev, &GUID_TEST_IFACE, sizeof(i), 1, &i, NULL));
    v = last_violation(sys, PNPSIM_RULE_QI_SIZE_VERSION);
    assert_non_null(v);
    assert_int_equal(PNPSIM_C4_QI_SIZE_VERSION, v->parameters[0]);
    assert_int_equal((sizeof(INTERFACE) << 16) | 1, v->parameters[2]);
    assert_int_equal((sizeof(INTERFACE) << 16) | 9, v->parameters[3]);
    /* Still recorded and counted: the exporter is badexp's FDO (it filled in, then
     * forwarded; the PDO completed). */
    assert_int_equal(1, pnpsim_qi_outstanding(sys, &GUID_TEST_IFACE, dev, NULL));
    i.InterfaceDereference(i.Context);
    assert_int_equal(0, bad_refs);
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, PNPSIM_RULE_QI_COMPLETED_NOT_PASSED));
}

/* ======================================================================================
 * A driver holding a reference on another stack's interface: leak at its unload
 * ==================================================================================== */

static pnpsim_device *holder_target;
static test_iface holder_iface;
static NTSTATUS holder_status;

static NTSTATUS NTAPI holder_pnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_OBJECT lower = *(PDEVICE_OBJECT *)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    if (sp->MinorFunction == IRP_MN_START_DEVICE || sp->MinorFunction == IRP_MN_REMOVE_DEVICE ||
        sp->MinorFunction == IRP_MN_QUERY_REMOVE_DEVICE)
        Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(lower, Irp);
    if (sp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
    }
    return status;
}

/* AddDevice queries the interface of another device's stack and keeps it (never released). */
static NTSTATUS NTAPI holder_add(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo, top;
    PIO_STACK_LOCATION next;
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    PIRP irp;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(PDEVICE_OBJECT), NULL,
                                     FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    *(PDEVICE_OBJECT *)fdo->DeviceExtension = IoAttachDeviceToDeviceStack(fdo, Pdo);
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    top = IoGetAttachedDeviceReference(pnpsim_device_pdo(holder_target));
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    irp = IoBuildSynchronousFsdRequest(IRP_MJ_PNP, top, NULL, 0, NULL, &event, &iosb);
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    next = IoGetNextIrpStackLocation(irp);
    next->MinorFunction = IRP_MN_QUERY_INTERFACE;
    next->Parameters.QueryInterface.InterfaceType = &GUID_TEST_IFACE;
    next->Parameters.QueryInterface.Size = sizeof(holder_iface);
    next->Parameters.QueryInterface.Version = 1;
    next->Parameters.QueryInterface.Interface = &holder_iface.Header;
    holder_status = IoCallDriver(top, irp);
    ObDereferenceObject(top);
    return STATUS_SUCCESS;
}

static VOID NTAPI holder_unload(PDRIVER_OBJECT DriverObject)
{
    (void)DriverObject;
}

static NTSTATUS NTAPI holder_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->MajorFunction[IRP_MJ_PNP] = holder_pnp;
    DriverObject->DriverExtension->AddDevice = holder_add;
    DriverObject->DriverUnload = holder_unload;
    return STATUS_SUCCESS;
}

static void test_qi__reference_held_by_a_driver_leaks_at_its_unload(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const pnpsim_verifier_violation *v;
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    test_iface tmpl;
    memset(&tmpl, 0, sizeof(tmpl));
    pnpsim_verifier_set_mode(sys, PNPSIM_RULE_QI_LEAK, PNPSIM_VERIFIER_RECORD);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_create(sys, NULL, "ROOT\\PROV", "0", &holder_target));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_provide(holder_target, &GUID_TEST_IFACE,
                                                       &tmpl.Header, sizeof(tmpl), 1));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "holder", holder_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\HOLDER", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\HOLDER", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_nt_status(STATUS_SUCCESS, holder_status);
    assert_int_equal(1, pnpsim_qi_outstanding(sys, &GUID_TEST_IFACE, holder_target,
                                              holder_target));
    /* Its own device goes: the reference is not on that stack, so no leak yet... */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_true(pnpsim_driver_is_unloaded(drv));
    /* ...but the driver unloaded holding it. */
    v = last_violation(sys, PNPSIM_RULE_QI_LEAK);
    assert_non_null(v);
    assert_string_equal("holder", v->driver);
    assert_non_null(strstr(v->message, "the unload of the importer's driver"));
    assert_int_equal(1, pnpsim_verifier_violation_count(sys, NULL));
}

static void test_qi__dump_lists_the_ledger(void **state)
{
    pnpsim_system *sys = TSYS(state);
    qi_scene s;
    char buf[4096];
    FILE *f = tmpfile();
    size_t n;
    assert_non_null(f);
    start_scene(sys, &s, QIFUNC_CORRECT, 0);
    pnpsim_qi_dump(sys, f);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    assert_non_null(strstr(buf, "#1 interface {6e1f2a40-3b7c-4d5e-9a1b-2c3d4e5f6071}"));
    assert_non_null(strstr(buf, "importer qifunc"));
    assert_non_null(strstr(buf, "1 outstanding"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.child));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_qi__function_driver_imports_in_start_and_releases_in_remove),
        PNPSIM_TEST(test_qi__filter_in_the_middle_passes_query_down_untouched),
        PNPSIM_TEST(test_qi__native_query_goes_to_top_of_stack_and_is_counted),
        PNPSIM_TEST(test_qi__unexported_guid_returns_not_supported),
        PNPSIM_TEST(test_qi__forgotten_release_bugchecks_at_importer_removal),
        PNPSIM_TEST(test_qi__forgotten_release_is_recorded_with_interface_exporter_importer),
        PNPSIM_TEST(test_qi__double_release_is_an_over_release),
        PNPSIM_TEST(test_qi__double_release_bugchecks_by_default),
        PNPSIM_TEST(test_qi__release_after_surprise_removal_and_remove_is_use_after_remove),
        PNPSIM_TEST(test_qi__release_in_remove_after_surprise_removal_is_fine),
        PNPSIM_TEST(test_qi__fdo_completing_successful_query_is_a_recorded_warning),
        PNPSIM_TEST(test_qi__exporter_writing_past_size_is_caught),
        PNPSIM_TEST(test_qi__sim_pdo_without_provider_returns_not_supported),
        PNPSIM_TEST(test_qi__provided_interface_is_answered_with_counting_pair),
        PNPSIM_TEST(test_qi__provided_interface_forwards_to_the_tests_routines),
        PNPSIM_TEST(test_qi__provided_interface_needs_asked_size_and_version),
        PNPSIM_TEST(test_qi__bad_arguments_are_invalid_parameter),
        PNPSIM_TEST(test_qi__query_out_of_memory_fails_cleanly),
        PNPSIM_TEST(test_qi__reference_held_by_the_test_leaks_at_system_destroy),
        PNPSIM_TEST(test_qi__function_driver_reads_config_space_through_bus_interface),
        PNPSIM_TEST(test_qi__bus_interface_used_after_removal_is_reported),
        PNPSIM_TEST(test_qi__bus_interface_not_released_is_a_leak),
        PNPSIM_TEST(test_qi__native_bus_interface_query_and_bus_data_bounds),
        PNPSIM_TEST(test_qi__interface_smaller_than_interface_header_is_malformed),
        PNPSIM_TEST(test_qi__interface_with_null_dereference_bugchecks),
        PNPSIM_TEST(test_qi__version_higher_than_asked_is_reported),
        PNPSIM_TEST(test_qi__reference_held_by_a_driver_leaks_at_its_unload),
        PNPSIM_TEST(test_qi__dump_lists_the_ledger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
