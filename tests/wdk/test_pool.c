/* SPDX-License-Identifier: MIT */
/*
 * This file tests the executive pool (ExAllocatePool*, ExFreePool*) and its tracker: tags,
 * owners, zeroing, POOL_FLAGS validation, the BAD_POOL_CALLER (0xC2) bug checks with their
 * documented parameters, fault injection and leak reports at driver unload.
 * Sources: Microsoft Learn "ExAllocatePoolWithTag", "ExAllocatePool2", "ExFreePoolWithTag",
 * "Bug Check 0xC2 BAD_POOL_CALLER".
 */
#include "pnpsim_test.h"

#include <stdint.h>
#include <string.h>

/* A pool tag spelled as it shows in a pool dump (no multi-character constants). */
#define TAG4(a, b, c, d) \
    ((ULONG)(unsigned char)(a) | (ULONG)(unsigned char)(b) << 8 | (ULONG)(unsigned char)(c) << 16 | \
     (ULONG)(unsigned char)(d) << 24)
#define TAG_TEST TAG4('T', 'e', 's', 't') /* "Test" in a pool dump */
#define TAG_OTHER TAG4('O', 't', 'h', 'r')

static void test_pool__alloc_with_tag_is_aligned_tracked_and_freed(void **state)
{
    pnpsim_system *sys = TSYS(state);
    unsigned char *p = ExAllocatePoolWithTag(NonPagedPoolNx, 40, TAG_TEST);
    assert_non_null(p);
    /* 64-bit Windows aligns small blocks on 16 bytes (ExAllocatePoolWithTag remarks). */
    assert_int_equal(((uintptr_t)p) % 16, 0);
    memset(p, 0x5A, 40);
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 1);
    ExFreePoolWithTag(p, TAG_TEST);
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 0);
}

static void test_pool__test_code_blocks_have_no_driver_owner(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *p = ExAllocatePoolWithTag(PagedPool, 8, TAG_TEST);
    assert_non_null(p);
    /* system.h: allocations made by test code are counted only under NULL. */
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 1);
    ExFreePool(p);
}

static void test_pool__allocate_pool_uses_tag_none(void **state)
{
    void *p = ExAllocatePool(NonPagedPool, 16);
    (void)state;
    assert_non_null(p);
    /* ExAllocatePool tags with 'enoN' ("None"): freeing with that tag is accepted. */
    ExFreePoolWithTag(p, TAG4('N', 'o', 'n', 'e'));
}

static void test_pool__with_tag_priority_and_uninitialized_allocate(void **state)
{
    unsigned char *a = ExAllocatePoolWithTagPriority(NonPagedPoolNx, 32, TAG_TEST,
                                                     HighPoolPriority);
    unsigned char *b = ExAllocatePoolUninitialized(PagedPool, 32, TAG_TEST);
    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    /* pnpsim fills uninitialized pool with 0xCD (README) so reads of it show. */
    assert_int_equal(b[0], 0xCD);
    assert_int_equal(b[31], 0xCD);
    ExFreePoolWithTag(a, TAG_TEST);
    ExFreePoolWithTag(b, TAG_TEST);
}

static void test_pool__allocate_pool_zero_zeroes(void **state)
{
    unsigned char *p = ExAllocatePoolZero(NonPagedPoolNx, 64, TAG_TEST);
    (void)state;
    assert_non_null(p);
    for (int i = 0; i < 64; i++)
        assert_int_equal(p[i], 0);
    ExFreePool(p);
}

/* ExAllocatePool2: "memory is initialized to zero unless POOL_FLAG_UNINITIALIZED". */
static void test_pool__pool2_zeroes_unless_uninitialized(void **state)
{
    unsigned char *z = ExAllocatePool2(POOL_FLAG_NON_PAGED, 48, TAG_TEST);
    unsigned char *u = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, 48, TAG_TEST);
    (void)state;
    assert_non_null(z);
    assert_non_null(u);
    for (int i = 0; i < 48; i++)
        assert_int_equal(z[i], 0);
    assert_int_equal(u[0], 0xCD);
    ExFreePoolWithTag(z, TAG_TEST);
    ExFreePoolWithTag(u, TAG_TEST);
}

/* ExAllocatePool2: "invalid POOL_FLAGS" and "Tag is set to 0" return NULL. */
static void test_pool__pool2_invalid_flags_and_tag_zero_return_null(void **state)
{
    pnpsim_system *sys = TSYS(state);
    assert_null(ExAllocatePool2(0, 16, TAG_TEST));                                   /* no type */
    assert_null(ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_NON_PAGED, 16, TAG_TEST)); /* two */
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED2, 16, TAG_TEST));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | 0x00100000ULL, 16, TAG_TEST)); /* unknown */
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 0));
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 0);
    assert_int_equal(pnpsim_bugcheck_count(sys), 0);
}

/* POOL_FLAGS: unknown optional flags (the high 32 bits) are ignored. */
static void test_pool__pool2_unknown_optional_flag_is_ignored(void **state)
{
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE | 0x0000010000000000ULL, 16, TAG_TEST);
    (void)state;
    assert_non_null(p);
    ExFreePoolWithTag(p, TAG_TEST);
}

/* Bug Check 0xC2, parameter 1 = 0x00: zero-byte allocation (0, pool type, tag). */
static void test_pool__zero_bytes_bugchecks_0xc2_param_0(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExAllocatePoolWithTag(PagedPool, 0, TAG_TEST));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x00);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], PagedPool);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], TAG_TEST);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExAllocatePool2(POOL_FLAG_PAGED, 0, TAG_TEST));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x00);
}

/* Bug Check 0xC2, parameter 1 = 0x9B: tag 0 (pool type, size, caller's address). */
static void test_pool__tag_zero_bugchecks_0xc2_param_9b(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExAllocatePoolWithTag(NonPagedPoolNx, 24, 0));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x9B);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], NonPagedPoolNx);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], 24);
}

/* Bug Check 0xC2, parameter 1 = 0x9A: MustSucceed pool types are no longer supported. */
static void test_pool__must_succeed_bugchecks_0xc2_param_9a(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER,
                           ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 8, TAG_TEST));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x9A);
}

/* Bug Check 0xC2, parameter 1 = 0x07: double free (reserved, header contents, address). */
static void test_pool__double_free_bugchecks_0xc2_param_7(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *p = ExAllocatePoolWithTag(NonPagedPoolNx, 16, TAG_TEST);
    assert_non_null(p);
    ExFreePool(p);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExFreePool(p));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x07);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], TAG_TEST);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], (ULONG_PTR)p);
}

/* Bug Check 0xC2, parameter 1 = 0x46: free of an invalid pool address (starting address). */
static void test_pool__free_of_pointer_never_allocated_bugchecks_0x46(void **state)
{
    pnpsim_system *sys = TSYS(state);
    static char not_pool[32];
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExFreePool(not_pool + 16));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x46);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)(not_pool + 16));
}

static void test_pool__free_of_interior_pointer_bugchecks_0x46(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char *p = ExAllocatePoolWithTag(NonPagedPoolNx, 64, TAG_TEST);
    assert_non_null(p);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExFreePool(p + 16));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x46);
    ExFreePool(p);
}

/* pnpsim's choice (README): ExFreePool(NULL) is "free of an invalid pool address". */
static void test_pool__free_null_bugchecks_0x46(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExFreePool(NULL));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x46);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], 0);
}

/* Bug Check 0xC2, parameter 1 = 0x0A: wrong tag (address, allocator's tag, tag used). */
static void test_pool__free_with_wrong_tag_bugchecks_0xc2_param_a(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *p = ExAllocatePoolWithTag(PagedPool, 16, TAG_TEST);
    assert_non_null(p);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExFreePoolWithTag(p, TAG_OTHER));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x0A);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)p);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], TAG_TEST);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], TAG_OTHER);
    /* The block was not freed by the failed call. */
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 1);
    ExFreePoolWithTag(p, TAG_TEST);
}

/* The PROTECTED_POOL bit (0x80000000) is not part of the tag comparison. */
static void test_pool__protected_bit_is_ignored_in_tag_check(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *p = ExAllocatePoolWithTag(PagedPool, 16, TAG_TEST | 0x80000000u);
    assert_non_null(p);
    ExFreePoolWithTag(p, TAG_TEST);
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 0);
}

/* Bug Check 0xC2, parameter 1 = 0x08: allocation at a bad IRQL (IRQL, type, size). */
static void test_pool__paged_alloc_at_dispatch_bugchecks_0xc2_param_8(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KIRQL old;
    void *p;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    /* Nonpaged pool is fine at DISPATCH_LEVEL. */
    p = ExAllocatePoolWithTag(NonPagedPoolNx, 8, TAG_TEST);
    assert_non_null(p);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExAllocatePoolWithTag(PagedPool, 100, TAG_TEST));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x08);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], DISPATCH_LEVEL);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], PagedPool);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], 100);
    ExFreePool(p);
    KeLowerIrql(old);
}

static void test_pool__nonpaged_alloc_above_dispatch_bugchecks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KIRQL old;
    KeRaiseIrql(HIGH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER,
                           ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, TAG_TEST));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x08);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], HIGH_LEVEL);
    KeLowerIrql(old);
}

/* Bug Check 0xC2, parameter 1 = 0x09: free at a bad IRQL (IRQL, type, address). */
static void test_pool__paged_free_at_dispatch_bugchecks_0xc2_param_9(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KIRQL old;
    void *p = ExAllocatePoolWithTag(PagedPool, 8, TAG_TEST);
    assert_non_null(p);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, BAD_POOL_CALLER, ExFreePoolWithTag(p, TAG_TEST));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x09);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], PagedPool);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[3], (ULONG_PTR)p);
    KeLowerIrql(old);
    ExFreePoolWithTag(p, TAG_TEST);
}

/* fault.h: the n-th allocation from now fails; pool allocations count. */
static void test_pool__injected_failure_returns_null(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *p;
    pnpsim_fault_alloc(sys, 1, 1);
    assert_null(ExAllocatePoolWithTag(NonPagedPoolNx, 16, TAG_TEST));
    p = ExAllocatePoolWithTag(NonPagedPoolNx, 16, TAG_TEST); /* only one failure */
    assert_non_null(p);
    assert_int_equal(pnpsim_fault_injected(sys), 1);
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 1);
    ExFreePool(p);
    pnpsim_fault_alloc(sys, 1, 1);
    assert_null(ExAllocatePool2(POOL_FLAG_PAGED, 16, TAG_TEST));
    pnpsim_fault_clear(sys);
}

static void test_pool__many_blocks_are_tracked(void **state)
{
    pnpsim_system *sys = TSYS(state);
    enum { N = 3000 };
    static void *blocks[N];
    for (int i = 0; i < N; i++) {
        blocks[i] = ExAllocatePoolWithTag(NonPagedPoolNx, (SIZE_T)(i % 100) + 1, TAG_TEST);
        assert_non_null(blocks[i]);
    }
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), N);
    /* Free every other one, then the rest in reverse: the set survives deletions. */
    for (int i = 0; i < N; i += 2)
        ExFreePoolWithTag(blocks[i], TAG_TEST);
    for (int i = N - 1; i >= 0; i--) {
        if (i % 2 == 1)
            ExFreePoolWithTag(blocks[i], TAG_TEST);
    }
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 0);
}

/* ---- leaks at driver unload -------------------------------------------------------- */
static void *leaky_block;

static VOID NTAPI leaky_unload(PDRIVER_OBJECT DriverObject)
{
    (void)DriverObject; /* forgets to free leaky_block */
}

static NTSTATUS NTAPI leaky_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    leaky_block = ExAllocatePoolWithTag(NonPagedPoolNx, 24, TAG4('L', 'e', 'a', 'k'));
    if (leaky_block == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    DriverObject->DriverUnload = leaky_unload;
    return STATUS_SUCCESS;
}

static void test_pool__leak_reported_at_driver_unload(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "leaky", leaky_entry, &drv));
    assert_non_null(drv);
    /* The block is the driver's. */
    assert_int_equal(pnpsim_system_pool_outstanding(sys, drv), 1);
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_shutdown(sys));
    assert_int_equal(pnpsim_system_pool_leaks(sys), 1);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_POOL, "pool leak at unload: driver leaky, "
                                                          "tag 'Leak'") != 0);
    /* Leaked blocks stay outstanding until the system is destroyed. */
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 1);
    ((pnpsim_test_fixture *)*state)->allow_pool_leaks = 1;
}

static NTSTATUS NTAPI tidy_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

static VOID NTAPI tidy_unload(PDRIVER_OBJECT DriverObject)
{
    (void)DriverObject;
    ExFreePoolWithTag(leaky_block, TAG4('T', 'i', 'd', 'y'));
    leaky_block = NULL;
}

static NTSTATUS NTAPI tidy_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    leaky_block = ExAllocatePoolWithTag(PagedPool, 24, TAG4('T', 'i', 'd', 'y'));
    if (leaky_block == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    DriverObject->DriverUnload = tidy_unload;
    return STATUS_SUCCESS;
}

static void test_pool__driver_that_frees_in_unload_leaks_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "tidy", tidy_entry, &drv));
    assert_int_equal(pnpsim_system_pool_outstanding(sys, drv), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_shutdown(sys));
    assert_int_equal(pnpsim_system_pool_leaks(sys), 0);
    assert_int_equal(pnpsim_system_pool_outstanding(sys, NULL), 0);
}

/* The pool rules go through the verifier's modes: recorded, a double free does not stop the
 * test and the violation carries the bug check's parameters (0xC2/0x07). */
static void test_pool__double_free_can_be_recorded_instead_of_bugchecking(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const pnpsim_verifier_violation *v;
    size_t n = 0;
    PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 24, 'TseT');
    assert_non_null(p);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_verifier_set_mode(sys, PNPSIM_RULE_POOL, PNPSIM_VERIFIER_RECORD));
    ExFreePoolWithTag(p, 'TseT');
    ExFreePoolWithTag(p, 'TseT');
    assert_int_equal(pnpsim_verifier_violation_count(sys, PNPSIM_RULE_POOL), 1);
    v = pnpsim_verifier_violations(sys, &n);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].code, BAD_POOL_CALLER);
    assert_int_equal(v[0].parameters[0], 0x07);
    assert_string_equal(v[0].rule, "PoolMisuse");
    pnpsim_verifier_clear(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_pool__alloc_with_tag_is_aligned_tracked_and_freed),
        PNPSIM_TEST(test_pool__test_code_blocks_have_no_driver_owner),
        PNPSIM_TEST(test_pool__allocate_pool_uses_tag_none),
        PNPSIM_TEST(test_pool__with_tag_priority_and_uninitialized_allocate),
        PNPSIM_TEST(test_pool__allocate_pool_zero_zeroes),
        PNPSIM_TEST(test_pool__pool2_zeroes_unless_uninitialized),
        PNPSIM_TEST(test_pool__pool2_invalid_flags_and_tag_zero_return_null),
        PNPSIM_TEST(test_pool__pool2_unknown_optional_flag_is_ignored),
        PNPSIM_TEST(test_pool__zero_bytes_bugchecks_0xc2_param_0),
        PNPSIM_TEST(test_pool__tag_zero_bugchecks_0xc2_param_9b),
        PNPSIM_TEST(test_pool__must_succeed_bugchecks_0xc2_param_9a),
        PNPSIM_TEST(test_pool__double_free_bugchecks_0xc2_param_7),
        PNPSIM_TEST(test_pool__free_of_pointer_never_allocated_bugchecks_0x46),
        PNPSIM_TEST(test_pool__free_of_interior_pointer_bugchecks_0x46),
        PNPSIM_TEST(test_pool__free_null_bugchecks_0x46),
        PNPSIM_TEST(test_pool__free_with_wrong_tag_bugchecks_0xc2_param_a),
        PNPSIM_TEST(test_pool__protected_bit_is_ignored_in_tag_check),
        PNPSIM_TEST(test_pool__paged_alloc_at_dispatch_bugchecks_0xc2_param_8),
        PNPSIM_TEST(test_pool__nonpaged_alloc_above_dispatch_bugchecks),
        PNPSIM_TEST(test_pool__paged_free_at_dispatch_bugchecks_0xc2_param_9),
        PNPSIM_TEST(test_pool__injected_failure_returns_null),
        PNPSIM_TEST(test_pool__many_blocks_are_tracked),
        PNPSIM_TEST(test_pool__leak_reported_at_driver_unload),
        PNPSIM_TEST(test_pool__driver_that_frees_in_unload_leaks_nothing),
        PNPSIM_TEST(test_pool__double_free_can_be_recorded_instead_of_bugchecking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
