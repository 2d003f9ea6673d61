/* SPDX-License-Identifier: MIT */
/*
 * This file runs dialect/Dialect.c (built with pnpsim_add_driver): SAL-annotated driver
 * code compiles and runs with the annotations as no-ops (__analysis_assume never becomes a
 * runtime check), the ntintsafe routines report overflow, FORCEINLINE routines work through
 * an INTERFACE table. Source: Microsoft Learn "RtlSizeTMult", "ntintsafe.h", "SAL 2.0".
 */
#include "pnpsim_test.h"

#include <ntintsafe.h>
#include <string.h>

NTSTATUS DialectAllocateRecords(SIZE_T Count, SIZE_T ElementSize, PVOID *Records,
                                PSIZE_T TotalBytes);
VOID DialectFreeRecords(PVOID Records);
LONG DialectUseInterface(VOID);
NTSTATUS DialectFormat(PSTR Buffer, size_t Count, ULONG Value);

static void test_dialect__annotated_code_runs(void **state)
{
    PVOID p = NULL;
    SIZE_T total = 0;
    char buf[32];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, DialectAllocateRecords(4, 8, &p, &total));
    assert_non_null(p);
    assert_true(total == 32 + sizeof(ULONG));
    DialectFreeRecords(p);
    /* __analysis_assume(Count != 0) is not a runtime check: Count 0 still runs. */
    assert_nt_status(STATUS_SUCCESS, DialectAllocateRecords(0, 8, &p, NULL));
    DialectFreeRecords(p);
    assert_int_equal(DialectUseInterface(), 1);
    assert_nt_status(STATUS_SUCCESS, DialectFormat(buf, sizeof(buf), 4000000000u));
    assert_string_equal(buf, "value=4000000000");
}

/* RtlSizeTMult: overflow gives STATUS_INTEGER_OVERFLOW and SIZE_T_ERROR. */
static void test_dialect__intsafe_overflow(void **state)
{
    PVOID p = (PVOID)1;
    SIZE_T r = 0;
    ULONG u = 0;
    USHORT s = 0;
    (void)state;
    assert_nt_status(STATUS_INTEGER_OVERFLOW, DialectAllocateRecords((SIZE_T)-1 / 2, 3, &p, NULL));
    assert_null(p);
    assert_nt_status(STATUS_INTEGER_OVERFLOW, RtlSizeTMult((SIZE_T)-1, 2, &r));
    assert_true(r == SIZE_T_ERROR);
    assert_nt_status(STATUS_SUCCESS, RtlULongAdd(0xFFFFFFFEu, 1, &u));
    assert_int_equal(u, 0xFFFFFFFFu);
    assert_nt_status(STATUS_INTEGER_OVERFLOW, RtlULongAdd(0xFFFFFFFFu, 1, &u));
    assert_nt_status(STATUS_INTEGER_OVERFLOW, RtlULongSub(1, 2, &u));
    assert_nt_status(STATUS_INTEGER_OVERFLOW, RtlULongToUShort(0x10000u, &s));
    assert_int_equal(s, 0xFFFF);
    assert_nt_status(STATUS_INTEGER_OVERFLOW, RtlULongLongToULong(0x100000000ull, &u));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_dialect__annotated_code_runs),
        PNPSIM_TEST(test_dialect__intsafe_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
