/* SPDX-License-Identifier: MIT */
/*
 * This file tests the bug check path: PNPSIM_EXPECT_BUGCHECK catching a driver's own
 * KeBugCheckEx with its parameters, handlers that record and continue, the record of
 * violations, bug check names, and the IRQL check around calls into driver code
 * (IRQL_UNEXPECTED_VALUE when a driver returns at a different IRQL).
 */
#include "pnpsim_test.h"

#include <string.h>

static void test_bugcheck__expect_catches_kebugcheckex(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const pnpsim_violation *v;
    PNPSIM_EXPECT_BUGCHECK(sys, MANUALLY_INITIATED_CRASH,
                           KeBugCheckEx(MANUALLY_INITIATED_CRASH, 1, 2, 3, 4));
    v = pnpsim_bugcheck_last_caught();
    assert_int_equal(v->code, MANUALLY_INITIATED_CRASH);
    assert_int_equal(v->parameters[0], 1);
    assert_int_equal(v->parameters[3], 4);
    assert_string_equal(v->name, "MANUALLY_INITIATED_CRASH");
    assert_int_equal(pnpsim_bugcheck_count(sys), 1);
}

static void test_bugcheck__names(void **state)
{
    (void)state;
    assert_string_equal(pnpsim_bugcheck_name(0xC2), "BAD_POOL_CALLER");
    assert_string_equal(pnpsim_bugcheck_name(0xCA), "PNP_DETECTED_FATAL_ERROR");
    assert_string_equal(pnpsim_bugcheck_name(0x44), "MULTIPLE_IRP_COMPLETE_REQUESTS");
    assert_string_equal(pnpsim_bugcheck_name(0x1234), "0x1234");
}

typedef struct seen {
    int count;
    ULONG code;
    ULONG_PTR p1;
} seen;

static void counting_handler(void *ctx, ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                             ULONG_PTR p4, const char *message)
{
    seen *s = ctx;
    (void)p2;
    (void)p3;
    (void)p4;
    (void)message;
    s->count++;
    s->code = code;
    s->p1 = p1;
}

static NTSTATUS NTAPI raising_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    KIRQL old;
    (void)DriverObject;
    (void)RegistryPath;
    /* A driver bug: returns at DISPATCH_LEVEL. */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    return STATUS_SUCCESS;
}

static void test_bugcheck__driver_returning_at_raised_irql_is_caught(void **state)
{
    pnpsim_system *sys = TSYS(state);
    seen s = {0};
    pnpsim_violation v;
    PDRIVER_OBJECT drv;
    pnpsim_system_set_bugcheck_handler(sys, counting_handler, &s);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "raiser", raising_entry, &drv));
    /* IRQL_UNEXPECTED_VALUE, parameter 1 = (current << 16) | (expected << 8) | 2 (a
     * callout), per the bug check 0xC8 page. */
    assert_int_equal(s.count, 1);
    assert_int_equal(s.code, IRQL_UNEXPECTED_VALUE);
    assert_int_equal(s.p1, (DISPATCH_LEVEL << 16) | (PASSIVE_LEVEL << 8) | 2);
    /* The simulator restored the caller's IRQL. */
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_int_equal(pnpsim_bugcheck_count(sys), 1);
    assert_true(pnpsim_bugcheck_get(sys, 0, &v));
    assert_int_equal(v.code, IRQL_UNEXPECTED_VALUE);
    assert_non_null(strstr(v.message, "DriverEntry"));
    assert_false(pnpsim_bugcheck_get(sys, 1, &v));
}

static int expectation_failures;
static char last_failure[512];

static void capture_failure(const char *message, const char *file, int line)
{
    (void)file;
    (void)line;
    expectation_failures++;
    strncpy(last_failure, message, sizeof(last_failure) - 1);
}

static void test_bugcheck__expect_reports_missing_or_wrong_bugcheck(void **state)
{
    pnpsim_system *sys = TSYS(state);
    volatile int x = 0; /* changed between setjmp and longjmp */
    pnpsim_set_test_failure_handler(capture_failure);
    expectation_failures = 0;
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, x++);
    assert_int_equal(expectation_failures, 1);
    assert_non_null(strstr(last_failure, "none happened"));
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, KeBugCheckEx(0xE2, 0, 0, 0, 0));
    assert_int_equal(expectation_failures, 2);
    assert_non_null(strstr(last_failure, "MANUALLY_INITIATED_CRASH"));
    assert_int_equal(x, 1);
    /* Put the fixture's handler back for the rest of the tests. */
    pnpsim_test_teardown(state);
    pnpsim_test_setup(state);
}

static void test_bugcheck__record_and_continue_handler_records(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_violation v;
    PDRIVER_OBJECT drv;
    pnpsim_system_set_bugcheck_handler(sys, pnpsim_bugcheck_record_and_continue, NULL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "raiser2", raising_entry, &drv));
    assert_int_equal(pnpsim_bugcheck_count(sys), 1);
    assert_true(pnpsim_bugcheck_get(sys, 0, &v));
    assert_string_equal(v.name, "IRQL_UNEXPECTED_VALUE");
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_BUGCHECK, "IRQL_UNEXPECTED_VALUE") != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_bugcheck__expect_catches_kebugcheckex),
        cmocka_unit_test(test_bugcheck__names),
        PNPSIM_TEST(test_bugcheck__driver_returning_at_raised_irql_is_caught),
        PNPSIM_TEST(test_bugcheck__expect_reports_missing_or_wrong_bugcheck),
        PNPSIM_TEST(test_bugcheck__record_and_continue_handler_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
