/* SPDX-License-Identifier: MIT */
/*
 * This file tests debug output and assertions: DbgPrint / DbgPrintEx / KdPrint formatting
 * (including the kernel's %wZ, %ws, %S, %Z, %wc conversions) into the trace, DbgBreakPoint,
 * RtlAssert (ASSERT) and PAGED_CODE(). Sources: Microsoft Learn "DbgPrint", "DbgPrintEx",
 * "NT_ASSERT", "Bug Check 0x1E", "Bug Check 0xD1"; README "Divergences and choices".
 */
#include "pnpsim_test.h"

#include <string.h>

/* Called through a pointer so that the compiler's printf checking does not reject the
 * kernel's own conversions (%wZ ...), exactly as a driver built with the WDK would pass. */
static ULONG(__cdecl *volatile dbg_print)(PCSTR Format, ...) = DbgPrint;

/* The message of the last bug check sys recorded (a copy the system owns). */
static const char *last_bugcheck_message(pnpsim_system *sys)
{
    pnpsim_violation v;
    size_t n = pnpsim_bugcheck_count(sys);
    if (n == 0 || !pnpsim_bugcheck_get(sys, n - 1, &v))
        return "";
    return v.message;
}

/* The text of the last PNPSIM_TRACE_DEBUG record. */
static const char *last_debug(pnpsim_system *sys)
{
    static char text[1024];
    size_t n = pnpsim_trace_count(sys);
    text[0] = '\0';
    while (n-- > 0) {
        pnpsim_trace_event ev;
        if (pnpsim_trace_get(sys, n, &ev) && ev.category == PNPSIM_TRACE_DEBUG) {
            snprintf(text, sizeof(text), "%s", ev.text);
            break;
        }
    }
    return text;
}

static void test_dbg__dbgprint_goes_to_the_trace_without_newline(void **state)
{
    pnpsim_system *sys = TSYS(state);
    assert_int_equal(DbgPrint("hello %d %s 0x%08x\n", 42, "world", 0xBEEFu), STATUS_SUCCESS);
    assert_string_equal(last_debug(sys), "hello 42 world 0x0000beef");
    KdPrint(("kd %u%%\n", 7u));
    assert_string_equal(last_debug(sys), "kd 7%");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "info %ld", -5L);
    assert_string_equal(last_debug(sys), "info -5");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "error %c", 'x');
    assert_string_equal(last_debug(sys), "error x");
}

static void test_dbg__standard_conversions_with_width_and_precision(void **state)
{
    pnpsim_system *sys = TSYS(state);
    DbgPrint("[%5d|%-4s|%.2s|%*d|%llx|%hhu|%zu]", 12, "ab", "xyz", 3, 7,
             0x1122334455ULL, (unsigned char)200, (size_t)9);
    assert_string_equal(last_debug(sys), "[   12|ab  |xy|  7|1122334455|200|9]");
    dbg_print("%I64u and %p", (ULONGLONG)12345678901ULL, (void *)0);
    assert_true(strncmp(last_debug(sys), "12345678901 and ", 16) == 0);
}

static void test_dbg__kernel_string_conversions(void **state)
{
    pnpsim_system *sys = TSYS(state);
    static WCHAR wbuf[] = L"Dev\u00e9";
    UNICODE_STRING us;
    ANSI_STRING as;
    us.Buffer = wbuf;
    us.Length = 3 * sizeof(WCHAR); /* "Dev": not NUL-terminated use of the buffer */
    us.MaximumLength = sizeof(wbuf);
    as.Buffer = (PCHAR) "ansi-text";
    as.Length = 4;
    as.MaximumLength = 10;
    dbg_print("%wZ|%ws|%S|%Z|%wc|%ls", &us, wbuf, L"s", &as, (int)L'W', L"l");
    assert_string_equal(last_debug(sys), "Dev|Dev\xc3\xa9|s|ansi|W|l");
}

static void test_dbg__bad_strings_do_not_crash(void **state)
{
    pnpsim_system *sys = TSYS(state);
    UNICODE_STRING odd;
    static WCHAR b[4] = {'a', 'b', 0, 0};
    odd.Buffer = b;
    odd.Length = 3; /* odd: malformed */
    odd.MaximumLength = 8;
    dbg_print("%wZ %wZ %s %ws", &odd, (PUNICODE_STRING)NULL, (char *)NULL, (WCHAR *)NULL);
    assert_string_equal(last_debug(sys), "(bad UNICODE_STRING) (null) (null) (null)");
}

/* pnpsim's choice: a breakpoint is traced, not a bug check. */
static void test_dbg__breakpoint_is_traced_and_continues(void **state)
{
    pnpsim_system *sys = TSYS(state);
    DbgBreakPoint();
    KdBreakPoint();
    assert_int_equal(pnpsim_bugcheck_count(sys), 0);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_BUGCHECK, "DbgBreakPoint called by") != 0);
}

/* NT_ASSERT without a debugger: STATUS_ASSERTION_FAILURE unhandled, Bug Check 0x1E. */
static void test_dbg__failed_assert_bugchecks_0x1e_assertion_failure(void **state)
{
    pnpsim_system *sys = TSYS(state);
    volatile int zero = 0;
    ASSERT(zero == 0); /* holds: nothing happens */
    assert_int_equal(pnpsim_bugcheck_count(sys), 0);
    PNPSIM_EXPECT_BUGCHECK(sys, 0x1E, ASSERT(zero == 1));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0],
                     (ULONG_PTR)(ULONG)STATUS_ASSERTION_FAILURE);
    assert_non_null(strstr(last_bugcheck_message(sys), "ASSERT(zero == 1) failed"));
    PNPSIM_EXPECT_BUGCHECK(sys, 0x1E, ASSERTMSG("must be one", zero == 1));
    assert_non_null(strstr(last_bugcheck_message(sys), ": must be one"));
}

/* Pageable code at DISPATCH_LEVEL: DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xD1), execute access. */
static void test_dbg__paged_code_above_apc_bugchecks_0xd1(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KIRQL old;
    PAGED_CODE(); /* PASSIVE_LEVEL: fine */
    KeRaiseIrql(APC_LEVEL, &old);
    PAGED_CODE(); /* APC_LEVEL: fine */
    KeLowerIrql(old);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_IRQL_NOT_LESS_OR_EQUAL, PAGED_CODE());
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], DISPATCH_LEVEL);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], 8);
    assert_non_null(strstr(last_bugcheck_message(sys), "test_dbg.c"));
    KeLowerIrql(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_dbg__dbgprint_goes_to_the_trace_without_newline),
        PNPSIM_TEST(test_dbg__standard_conversions_with_width_and_precision),
        PNPSIM_TEST(test_dbg__kernel_string_conversions),
        PNPSIM_TEST(test_dbg__bad_strings_do_not_crash),
        PNPSIM_TEST(test_dbg__breakpoint_is_traced_and_continues),
        PNPSIM_TEST(test_dbg__failed_assert_bugchecks_0x1e_assertion_failure),
        PNPSIM_TEST(test_dbg__paged_code_above_apc_bugchecks_0xd1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
