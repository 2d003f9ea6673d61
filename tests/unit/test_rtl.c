/* SPDX-License-Identifier: MIT */
/*
 * This file implements the unit tests of pnpsim's Rtl counted-string routines (src/wdk/rtl.c):
 * every routine with its documented statuses, lengths and contents, the bad inputs
 * (NULL, malformed UNICODE_STRINGs, wrong base or flags), out-of-pool paths, and GUID
 * round trips. Documentation pages cited are the routines' Microsoft Learn pages.
 */
#include "pnpsim_test.h"

#include <stdlib.h>
#include <string.h>
#include <wdm.h>

/* A well-known GUID used throughout: {DEADBEEF-29EF-4538-A5FD-B69573A362C0}. */
static const GUID test_guid = {
    0xDEADBEEF, 0x29EF, 0x4538, {0xA5, 0xFD, 0xB6, 0x95, 0x73, 0xA3, 0x62, 0xC0}};

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

/* Assert that the counted string s holds exactly expected (a NUL-terminated literal). */
static void assert_ustr_eq(const UNICODE_STRING *s, const WCHAR *expected)
{
    size_t n = wlen(expected);
    assert_int_equal(s->Length, n * sizeof(WCHAR));
    if (n > 0)
        assert_memory_equal(s->Buffer, expected, n * sizeof(WCHAR));
}

static void assert_wstr_eq(const WCHAR *actual, const WCHAR *expected)
{
    size_t n = wlen(expected);
    assert_int_equal(wlen(actual), n);
    assert_memory_equal(actual, expected, n * sizeof(WCHAR));
}

/* ---- RtlCompareMemory ------------------------------------------------------------------ */

/* RtlCompareMemory: returns the count of leading bytes that match. */
static void test_rtl__compare_memory_counts_matching_prefix(void **state)
{
    const char a[] = "abcdef", b[] = "abcxef";
    (void)state;
    assert_int_equal(RtlCompareMemory(a, b, 6), 3);
    assert_int_equal(RtlCompareMemory(a, a, 6), 6);
    assert_int_equal(RtlCompareMemory(a, b, 0), 0);
    assert_int_equal(RtlCompareMemory(a, b, 2), 2);
}

/* ---- init ------------------------------------------------------------------------------ */

/* RtlInitUnicodeString: Length = bytes without NUL, MaximumLength = Length + 2. */
static void test_rtl__init_unicode_string_sets_lengths(void **state)
{
    UNICODE_STRING s;
    static const WCHAR text[] = L"Hello";
    (void)state;
    RtlInitUnicodeString(&s, text);
    assert_int_equal(s.Length, 10);
    assert_int_equal(s.MaximumLength, 12);
    assert_ptr_equal(s.Buffer, text);

    RtlInitUnicodeString(&s, L"");
    assert_int_equal(s.Length, 0);
    assert_int_equal(s.MaximumLength, 2);

    RtlInitUnicodeString(&s, NULL);
    assert_int_equal(s.Length, 0);
    assert_int_equal(s.MaximumLength, 0);
    assert_null(s.Buffer);
}

/* RtlInitUnicodeStringEx: STATUS_NAME_TOO_LONG above 32766 characters. */
static void test_rtl__init_unicode_string_ex_rejects_too_long(void **state)
{
    WCHAR *big = calloc(32768 + 1, sizeof(WCHAR));
    UNICODE_STRING s = {7, 7, (PWCH)(uintptr_t)0x1};
    size_t i;
    (void)state;
    assert_non_null(big);
    for (i = 0; i < 32767; i++)
        big[i] = L'x';
    assert_nt_status(STATUS_NAME_TOO_LONG, RtlInitUnicodeStringEx(&s, big));
    assert_int_equal(s.Length, 7); /* unchanged */

    big[32766] = 0; /* 32766 characters: the largest that fits */
    assert_nt_status(STATUS_SUCCESS, RtlInitUnicodeStringEx(&s, big));
    assert_int_equal(s.Length, 65532);
    assert_int_equal(s.MaximumLength, 65534);

    assert_nt_status(STATUS_SUCCESS, RtlInitUnicodeStringEx(&s, NULL));
    assert_int_equal(s.Length, 0);
    assert_null(s.Buffer);
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlInitUnicodeStringEx(NULL, L"x"));
    free(big);
}

/* RtlInitUnicodeString cuts an over-long source so the lengths never wrap (pnpsim choice). */
static void test_rtl__init_unicode_string_caps_over_long_source(void **state)
{
    WCHAR *big = calloc(40000, sizeof(WCHAR));
    UNICODE_STRING s;
    size_t i;
    (void)state;
    assert_non_null(big);
    for (i = 0; i < 39999; i++)
        big[i] = L'y';
    RtlInitUnicodeString(&s, big);
    assert_int_equal(s.Length, 65532);
    assert_int_equal(s.MaximumLength, 65534);
    free(big);
}

/* RtlInitAnsiString / RtlInitString: Length = strlen, MaximumLength = Length + 1. */
static void test_rtl__init_ansi_string_sets_lengths(void **state)
{
    ANSI_STRING a;
    STRING s;
    (void)state;
    RtlInitAnsiString(&a, "abc");
    assert_int_equal(a.Length, 3);
    assert_int_equal(a.MaximumLength, 4);
    assert_string_equal(a.Buffer, "abc");
    RtlInitString(&s, "");
    assert_int_equal(s.Length, 0);
    assert_int_equal(s.MaximumLength, 1);
    RtlInitAnsiString(&a, NULL);
    assert_int_equal(a.Length, 0);
    assert_int_equal(a.MaximumLength, 0);
    assert_null(a.Buffer);
}

/* ---- copy / append --------------------------------------------------------------------- */

/* RtlCopyUnicodeString: copies and NUL-terminates when there is room. */
static void test_rtl__copy_unicode_string_copies_and_terminates(void **state)
{
    WCHAR buf[16];
    UNICODE_STRING dst, src;
    (void)state;
    memset(buf, 0xAA, sizeof(buf));
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    RtlInitUnicodeString(&src, L"abc");
    RtlCopyUnicodeString(&dst, &src);
    assert_ustr_eq(&dst, L"abc");
    assert_int_equal(buf[3], 0);
}

/* RtlCopyUnicodeString: truncates to MaximumLength; no terminator when full. */
static void test_rtl__copy_unicode_string_truncates_to_maximum_length(void **state)
{
    WCHAR buf[8];
    UNICODE_STRING dst, src;
    (void)state;
    memset(buf, 0xAA, sizeof(buf));
    RtlInitEmptyUnicodeString(&dst, buf, 3 * sizeof(WCHAR));
    RtlInitUnicodeString(&src, L"abcdef");
    RtlCopyUnicodeString(&dst, &src);
    assert_ustr_eq(&dst, L"abc");
    assert_int_equal(buf[3], 0xAAAA); /* nothing written past MaximumLength */

    /* Exactly fits: copied, but no room for the terminator. */
    RtlInitUnicodeString(&src, L"xyz");
    RtlCopyUnicodeString(&dst, &src);
    assert_ustr_eq(&dst, L"xyz");
    assert_int_equal(buf[3], 0xAAAA);
}

/* RtlCopyUnicodeString: a NULL source sets Length to 0; malformed sources are not read. */
static void test_rtl__copy_unicode_string_null_or_malformed_source(void **state)
{
    WCHAR buf[8] = L"zzz";
    UNICODE_STRING dst, bad = {6, 6, NULL};
    (void)state;
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    dst.Length = 6;
    RtlCopyUnicodeString(&dst, NULL);
    assert_int_equal(dst.Length, 0);
    dst.Length = 6;
    RtlCopyUnicodeString(&dst, &bad); /* NULL Buffer with Length > 0: empty */
    assert_int_equal(dst.Length, 0);
}

/* RtlAppendUnicodeStringToString: appends; NUL-terminates when there is room. */
static void test_rtl__append_unicode_string_to_string_appends(void **state)
{
    WCHAR buf[16];
    UNICODE_STRING dst, src;
    (void)state;
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    RtlInitUnicodeString(&src, L"foo");
    assert_nt_status(STATUS_SUCCESS, RtlAppendUnicodeStringToString(&dst, &src));
    RtlInitUnicodeString(&src, L"bar");
    assert_nt_status(STATUS_SUCCESS, RtlAppendUnicodeStringToString(&dst, &src));
    assert_ustr_eq(&dst, L"foobar");
    assert_int_equal(buf[6], 0);
    /* Appending an empty string is a no-op success. */
    RtlInitUnicodeString(&src, L"");
    assert_nt_status(STATUS_SUCCESS, RtlAppendUnicodeStringToString(&dst, &src));
    assert_ustr_eq(&dst, L"foobar");
}

/* RtlAppendUnicodeStringToString: STATUS_BUFFER_TOO_SMALL, destination unchanged. */
static void test_rtl__append_unicode_string_to_string_too_small_leaves_destination(void **state)
{
    WCHAR buf[5] = L"ab";
    UNICODE_STRING dst = {4, sizeof(buf), buf}, src;
    (void)state;
    RtlInitUnicodeString(&src, L"cdef");
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, RtlAppendUnicodeStringToString(&dst, &src));
    assert_ustr_eq(&dst, L"ab");
    assert_int_equal(buf[2], 0);
    /* Exactly fills the buffer: succeeds without a terminator. */
    RtlInitUnicodeString(&src, L"cde");
    assert_nt_status(STATUS_SUCCESS, RtlAppendUnicodeStringToString(&dst, &src));
    assert_ustr_eq(&dst, L"abcde");
}

/* Malformed UNICODE_STRINGs make the NTSTATUS routines fail (pnpsim choice). */
static void test_rtl__append_rejects_malformed_strings(void **state)
{
    WCHAR buf[8];
    UNICODE_STRING good, odd = {3, 16, buf}, over = {10, 8, buf}, nobuf = {2, 8, NULL};
    (void)state;
    RtlInitEmptyUnicodeString(&good, buf, sizeof(buf));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeStringToString(&odd, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeStringToString(&over, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeStringToString(&nobuf, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeStringToString(&good, &odd));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeStringToString(&good, &nobuf));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeStringToString(&good, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeStringToString(NULL, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeToString(&odd, L"x"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAppendUnicodeToString(NULL, L"x"));
    assert_int_equal(good.Length, 0);
}

/* RtlAppendUnicodeToString: appends a C string; NULL appends nothing; too small fails. */
static void test_rtl__append_unicode_to_string(void **state)
{
    WCHAR buf[6];
    UNICODE_STRING dst;
    (void)state;
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    assert_nt_status(STATUS_SUCCESS, RtlAppendUnicodeToString(&dst, L"ab"));
    assert_nt_status(STATUS_SUCCESS, RtlAppendUnicodeToString(&dst, NULL));
    assert_nt_status(STATUS_SUCCESS, RtlAppendUnicodeToString(&dst, L"cd"));
    assert_ustr_eq(&dst, L"abcd");
    assert_int_equal(buf[4], 0);
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, RtlAppendUnicodeToString(&dst, L"efg"));
    assert_ustr_eq(&dst, L"abcd");
}

/* ---- compare --------------------------------------------------------------------------- */

/* RtlCompareUnicodeString: sign of the first difference, then of the length difference. */
static void test_rtl__compare_unicode_string_orders(void **state)
{
    UNICODE_STRING a, b, c, d;
    (void)state;
    RtlInitUnicodeString(&a, L"apple");
    RtlInitUnicodeString(&b, L"APPLE");
    RtlInitUnicodeString(&c, L"apples");
    RtlInitUnicodeString(&d, L"banana");
    assert_int_equal(RtlCompareUnicodeString(&a, &a, FALSE), 0);
    assert_true(RtlCompareUnicodeString(&a, &b, FALSE) > 0); /* 'a' > 'A' */
    assert_int_equal(RtlCompareUnicodeString(&a, &b, TRUE), 0);
    assert_true(RtlCompareUnicodeString(&a, &c, FALSE) < 0);
    assert_true(RtlCompareUnicodeString(&c, &a, TRUE) > 0);
    assert_true(RtlCompareUnicodeString(&a, &d, TRUE) < 0);
    assert_true(RtlCompareUnicodeString(&d, &b, TRUE) > 0);
}

/* RtlEqualUnicodeString: both case modes, lengths must match. */
static void test_rtl__equal_unicode_string_both_case_modes(void **state)
{
    UNICODE_STRING a, b, c;
    (void)state;
    RtlInitUnicodeString(&a, L"Device\\Foo");
    RtlInitUnicodeString(&b, L"DEVICE\\FOO");
    RtlInitUnicodeString(&c, L"Device\\Fo");
    assert_true(RtlEqualUnicodeString(&a, &b, TRUE));
    assert_false(RtlEqualUnicodeString(&a, &b, FALSE));
    assert_false(RtlEqualUnicodeString(&a, &c, TRUE));
    assert_true(RtlEqualUnicodeString(&a, &a, FALSE));
}

/* Case-insensitive comparison covers Latin-1, Latin Extended-A, Greek and Cyrillic. */
static void test_rtl__equal_unicode_string_insensitive_beyond_ascii(void **state)
{
    UNICODE_STRING a, b;
    (void)state;
    RtlInitUnicodeString(&a, L"\x00e9t\x00e9 \x0101\x017e \x03b1\x03b2\x03c9 \x0436\x0451");
    RtlInitUnicodeString(&b, L"\x00c9T\x00c9 \x0100\x017d \x0391\x0392\x03a9 \x0416\x0401");
    assert_true(RtlEqualUnicodeString(&a, &b, TRUE));
    assert_false(RtlEqualUnicodeString(&a, &b, FALSE));
}

/* RtlUpcaseUnicodeChar / RtlDowncaseUnicodeChar: simple case pairs. */
static void test_rtl__upcase_and_downcase_char_tables(void **state)
{
    static const WCHAR pairs[][2] = {
        {L'a', L'A'},     {L'z', L'Z'},     {0x00e0, 0x00c0}, {0x00fe, 0x00de}, {0x00ff, 0x0178},
        {0x0101, 0x0100}, {0x0133, 0x0132}, {0x013a, 0x0139}, {0x0148, 0x0147}, {0x014b, 0x014a},
        {0x0177, 0x0176}, {0x017a, 0x0179}, {0x017e, 0x017d}, {0x03b1, 0x0391}, {0x03c9, 0x03a9},
        {0x03ac, 0x0386}, {0x03cc, 0x038c}, {0x03ce, 0x038f}, {0x0430, 0x0410}, {0x044f, 0x042f},
        {0x0451, 0x0401}, {0x045f, 0x040f}, {0x0461, 0x0460}, {0x04d1, 0x04d0}, {0x0561, 0x0531},
        {0xff41, 0xff21}, {0x1e01, 0x1e00},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        assert_int_equal(RtlUpcaseUnicodeChar(pairs[i][0]), pairs[i][1]);
        assert_int_equal(RtlDowncaseUnicodeChar(pairs[i][1]), pairs[i][0]);
        assert_int_equal(RtlUpcaseUnicodeChar(pairs[i][1]), pairs[i][1]);
        assert_int_equal(RtlDowncaseUnicodeChar(pairs[i][0]), pairs[i][0]);
    }
    /* Final sigma upcases to capital sigma, which downcases to the ordinary sigma. */
    assert_int_equal(RtlUpcaseUnicodeChar(0x03c2), 0x03a3);
    assert_int_equal(RtlDowncaseUnicodeChar(0x03a3), 0x03c3);
    /* No case: digits, punctuation, division sign, multiplication sign, sharp s, CJK. */
    assert_int_equal(RtlUpcaseUnicodeChar(L'1'), L'1');
    assert_int_equal(RtlUpcaseUnicodeChar(0x00f7), 0x00f7);
    assert_int_equal(RtlDowncaseUnicodeChar(0x00d7), 0x00d7);
    assert_int_equal(RtlUpcaseUnicodeChar(0x00df), 0x00df);
    assert_int_equal(RtlUpcaseUnicodeChar(0x4e2d), 0x4e2d);
}

/* RtlPrefixUnicodeString: String1 a prefix of String2. */
static void test_rtl__prefix_unicode_string(void **state)
{
    UNICODE_STRING p, s, e;
    (void)state;
    RtlInitUnicodeString(&p, L"\\Device\\");
    RtlInitUnicodeString(&s, L"\\DEVICE\\Foo");
    RtlInitUnicodeString(&e, L"");
    assert_true(RtlPrefixUnicodeString(&p, &s, TRUE));
    assert_false(RtlPrefixUnicodeString(&p, &s, FALSE));
    assert_false(RtlPrefixUnicodeString(&s, &p, TRUE));
    assert_true(RtlPrefixUnicodeString(&e, &s, FALSE));
    assert_true(RtlPrefixUnicodeString(&s, &s, FALSE));
}

/* Non-NTSTATUS routines read NULL and malformed strings as their safe prefix (pnpsim). */
static void test_rtl__compare_routines_tolerate_malformed_strings(void **state)
{
    UNICODE_STRING a, nobuf = {8, 8, NULL}, odd;
    (void)state;
    RtlInitUnicodeString(&a, L"ab");
    odd = a;
    odd.Length = 3; /* one and a half characters: only 'a' is read */
    assert_true(RtlCompareUnicodeString(&nobuf, &a, FALSE) < 0);
    assert_true(RtlEqualUnicodeString(&nobuf, NULL, FALSE));
    assert_true(RtlPrefixUnicodeString(&odd, &a, FALSE));
    assert_true(RtlCompareUnicodeString(&odd, &a, FALSE) < 0);
}

/* ---- case conversion of strings -------------------------------------------------------- */

/* RtlUpcaseUnicodeString with AllocateDestinationString: pool buffer, freed with
 * RtlFreeUnicodeString. */
static void test_rtl__upcase_unicode_string_allocates(void **state)
{
    UNICODE_STRING src, dst;
    (void)state;
    RtlInitUnicodeString(&src, L"Hello, \x00e9\x03b1!");
    assert_nt_status(STATUS_SUCCESS, RtlUpcaseUnicodeString(&dst, &src, TRUE));
    assert_ustr_eq(&dst, L"HELLO, \x00c9\x0391!");
    assert_true(dst.MaximumLength >= dst.Length);
    RtlFreeUnicodeString(&dst);
    assert_null(dst.Buffer);
    assert_int_equal(dst.Length, 0);
    assert_int_equal(dst.MaximumLength, 0);
}

/* RtlUpcaseUnicodeString into the caller's buffer; in place; too small -> overflow. */
static void test_rtl__upcase_unicode_string_caller_buffer(void **state)
{
    WCHAR buf[4], inplace[] = L"mixed Case";
    UNICODE_STRING src, dst, ip;
    (void)state;
    RtlInitUnicodeString(&src, L"abc");
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    assert_nt_status(STATUS_SUCCESS, RtlUpcaseUnicodeString(&dst, &src, FALSE));
    assert_ustr_eq(&dst, L"ABC");

    RtlInitUnicodeString(&src, L"abcde");
    dst.Length = 0;
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlUpcaseUnicodeString(&dst, &src, FALSE));
    assert_int_equal(dst.Length, 0);

    RtlInitUnicodeString(&ip, inplace);
    assert_nt_status(STATUS_SUCCESS, RtlUpcaseUnicodeString(&ip, &ip, FALSE));
    assert_wstr_eq(inplace, L"MIXED CASE");
    assert_nt_status(STATUS_SUCCESS, RtlDowncaseUnicodeString(&ip, &ip, FALSE));
    assert_wstr_eq(inplace, L"mixed case");
}

/* RtlDowncaseUnicodeString: allocate and caller-buffer forms. */
static void test_rtl__downcase_unicode_string(void **state)
{
    WCHAR buf[2];
    UNICODE_STRING src, dst;
    (void)state;
    RtlInitUnicodeString(&src, L"ABC\x0416\x0178");
    assert_nt_status(STATUS_SUCCESS, RtlDowncaseUnicodeString(&dst, &src, TRUE));
    assert_ustr_eq(&dst, L"abc\x0436\x00ff");
    RtlFreeUnicodeString(&dst);
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlDowncaseUnicodeString(&dst, &src, FALSE));
}

/* Case conversion: malformed/NULL inputs fail; out of pool -> STATUS_NO_MEMORY, nothing
 * allocated. */
static void test_rtl__upcase_unicode_string_bad_inputs_and_no_memory(void **state)
{
    UNICODE_STRING src, dst = {0, 0, NULL}, odd = {3, 4, (PWCH)L"ab"};
    (void)state;
    RtlInitUnicodeString(&src, L"abc");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUpcaseUnicodeString(&dst, &odd, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUpcaseUnicodeString(&dst, NULL, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUpcaseUnicodeString(NULL, &src, TRUE));
    dst.MaximumLength = 8; /* a MaximumLength but no Buffer */
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUpcaseUnicodeString(&dst, &src, FALSE));
    dst.MaximumLength = 0;
    pnpsim_fault_alloc(TSYS(state), 1, 1);
    assert_nt_status(STATUS_NO_MEMORY, RtlUpcaseUnicodeString(&dst, &src, TRUE));
    assert_null(dst.Buffer);
    pnpsim_fault_alloc(TSYS(state), 1, 1);
    assert_nt_status(STATUS_NO_MEMORY, RtlDowncaseUnicodeString(&dst, &src, TRUE));
    assert_null(dst.Buffer);
    pnpsim_fault_clear(TSYS(state));
}

/* ---- duplicate and free ---------------------------------------------------------------- */

/* RtlDuplicateUnicodeString: copy with and without a terminator. */
static void test_rtl__duplicate_unicode_string_flags(void **state)
{
    UNICODE_STRING src, out;
    (void)state;
    RtlInitUnicodeString(&src, L"dup");
    assert_nt_status(STATUS_SUCCESS, RtlDuplicateUnicodeString(0, &src, &out));
    assert_ustr_eq(&out, L"dup");
    assert_int_equal(out.MaximumLength, 6);
    assert_ptr_not_equal(out.Buffer, src.Buffer);
    RtlFreeUnicodeString(&out);

    assert_nt_status(STATUS_SUCCESS, RtlDuplicateUnicodeString(
                                         RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE, &src, &out));
    assert_ustr_eq(&out, L"dup");
    assert_int_equal(out.MaximumLength, 8);
    assert_int_equal(out.Buffer[3], 0);
    RtlFreeUnicodeString(&out);
}

/* RtlDuplicateUnicodeString of an empty string: nothing allocated unless
 * ALLOCATE_NULL_STRING (with NULL_TERMINATE) asks for a terminated empty buffer. */
static void test_rtl__duplicate_unicode_string_empty(void **state)
{
    UNICODE_STRING src = {0, 0, NULL}, out;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlDuplicateUnicodeString(
                                         RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE, &src, &out));
    assert_null(out.Buffer);
    assert_int_equal(out.Length, 0);
    assert_int_equal(out.MaximumLength, 0);

    assert_nt_status(STATUS_SUCCESS, RtlDuplicateUnicodeString(
                                         RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE |
                                             RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING,
                                         &src, &out));
    assert_non_null(out.Buffer);
    assert_int_equal(out.Length, 0);
    assert_int_equal(out.MaximumLength, 2);
    assert_int_equal(out.Buffer[0], 0);
    RtlFreeUnicodeString(&out);
}

/* RtlDuplicateUnicodeString: bad flags, NULLs, malformed input, out of pool. */
static void test_rtl__duplicate_unicode_string_bad_inputs(void **state)
{
    UNICODE_STRING src, out = {0, 0, NULL}, odd = {1, 2, (PWCH)L"a"};
    (void)state;
    RtlInitUnicodeString(&src, L"x");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlDuplicateUnicodeString(4, &src, &out));
    assert_nt_status(
        STATUS_INVALID_PARAMETER,
        RtlDuplicateUnicodeString(RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING, &src, &out));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlDuplicateUnicodeString(0, NULL, &out));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlDuplicateUnicodeString(0, &src, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlDuplicateUnicodeString(0, &odd, &out));
    assert_null(out.Buffer);
    pnpsim_fault_alloc(TSYS(state), 1, 1);
    assert_nt_status(STATUS_NO_MEMORY, RtlDuplicateUnicodeString(1, &src, &out));
    pnpsim_fault_clear(TSYS(state));
    assert_null(out.Buffer);
}

/* RtlFreeUnicodeString / RtlFreeAnsiString: NULL Buffer is fine; the struct is zeroed. */
static void test_rtl__free_string_tolerates_null_buffer(void **state)
{
    UNICODE_STRING u = {0, 0, NULL};
    ANSI_STRING a = {0, 0, NULL};
    (void)state;
    RtlFreeUnicodeString(&u);
    RtlFreeAnsiString(&a);
    RtlFreeUnicodeString(NULL);
    RtlFreeAnsiString(NULL);
    assert_null(u.Buffer);
    assert_null(a.Buffer);
}

/* ---- GUIDs ----------------------------------------------------------------------------- */

/* RtlStringFromGUID: upper case, braces, Length 76, MaximumLength 78, NUL-terminated
 * (windows-semantics.md section 12: Windows RtlStringFromGUID is upper case). */
static void test_rtl__string_from_guid_is_upper_case_braced(void **state)
{
    UNICODE_STRING s;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringFromGUID(&test_guid, &s));
    assert_int_equal(s.Length, 76);
    assert_int_equal(s.MaximumLength, 78);
    assert_ustr_eq(&s, L"{DEADBEEF-29EF-4538-A5FD-B69573A362C0}");
    assert_int_equal(s.Buffer[38], 0);
    RtlFreeUnicodeString(&s);
}

static void test_rtl__string_from_guid_bad_inputs_and_no_memory(void **state)
{
    UNICODE_STRING s = {0, 0, NULL};
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringFromGUID(NULL, &s));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringFromGUID(&test_guid, NULL));
    pnpsim_fault_alloc(TSYS(state), 1, 1);
    assert_nt_status(STATUS_NO_MEMORY, RtlStringFromGUID(&test_guid, &s));
    pnpsim_fault_clear(TSYS(state));
    assert_null(s.Buffer);
}

/* RtlGUIDFromString: accepts upper and lower case; round-trips with RtlStringFromGUID. */
static void test_rtl__guid_from_string_accepts_both_cases(void **state)
{
    UNICODE_STRING s;
    GUID g;
    (void)state;
    RtlInitUnicodeString(&s, L"{deadbeef-29ef-4538-a5fd-b69573a362c0}");
    memset(&g, 0, sizeof(g));
    assert_nt_status(STATUS_SUCCESS, RtlGUIDFromString(&s, &g));
    assert_true(IsEqualGUID(&g, &test_guid));

    RtlInitUnicodeString(&s, L"{DEADBEEF-29EF-4538-A5FD-B69573A362C0}");
    memset(&g, 0, sizeof(g));
    assert_nt_status(STATUS_SUCCESS, RtlGUIDFromString(&s, &g));
    assert_true(IsEqualGUID(&g, &test_guid));

    assert_nt_status(STATUS_SUCCESS, RtlStringFromGUID(&test_guid, &s));
    memset(&g, 0, sizeof(g));
    assert_nt_status(STATUS_SUCCESS, RtlGUIDFromString(&s, &g));
    assert_true(IsEqualGUID(&g, &test_guid));
    RtlFreeUnicodeString(&s);
}

/* RtlGUIDFromString: anything but an exact braced GUID fails; *Guid is left alone. */
static void test_rtl__guid_from_string_rejects_malformed(void **state)
{
    static const WCHAR *const bad[] = {
        L"DEADBEEF-29EF-4538-A5FD-B69573A362C0",             /* no braces (36) */
        L"{DEADBEEF-29EF-4538-A5FD-B69573A362C}",            /* 37 characters */
        L"{DEADBEEF-29EF-4538-A5FD-B69573A362C0",            /* no closing brace (37) */
        L"(DEADBEEF-29EF-4538-A5FD-B69573A362C0)",           /* wrong brackets */
        L"{DEADBEEG-29EF-4538-A5FD-B69573A362C0}",           /* bad hex */
        L"{DEADBEEF-29EF-4538-A5FD-B69573A362CZ}",           /* bad hex at the end */
        L"{DEADBEEF+29EF-4538-A5FD-B69573A362C0}",           /* wrong separator */
        L"{DEADBEEF-29EF-4538-A5FDB-69573A362C0}",           /* separator moved */
        L"{DEADBEEF-29EF-4538-A5FD-B69573A362C00}",          /* 39 characters */
        L"{ DEADBEEF-29EF-4538-A5FD-B69573A362C}",           /* space */
        L"{DEADBEEF-29EF-4538-A5FD-B69573A362\x0660\x0660}", /* Arabic-Indic digits */
        L"",
    };
    UNICODE_STRING s;
    GUID g, zero;
    size_t i;
    (void)state;
    memset(&zero, 0, sizeof(zero));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&g, 0, sizeof(g));
        RtlInitUnicodeString(&s, bad[i]);
        assert_nt_status(STATUS_INVALID_PARAMETER, RtlGUIDFromString(&s, &g));
        assert_memory_equal(&g, &zero, sizeof(g));
    }
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlGUIDFromString(NULL, &g));
    RtlInitUnicodeString(&s, L"{DEADBEEF-29EF-4538-A5FD-B69573A362C0}");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlGUIDFromString(&s, NULL));
    s.Length = 75; /* odd */
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlGUIDFromString(&s, &g));
}

/* RtlGUIDFromString reads only within Length: a valid GUID cut at Length fails, and an
 * exact 38-character buffer with no terminator after it succeeds. */
static void test_rtl__guid_from_string_reads_only_within_length(void **state)
{
    static const WCHAR text[] = L"{DEADBEEF-29EF-4538-A5FD-B69573A362C0}";
    WCHAR *exact = malloc(38 * sizeof(WCHAR)); /* no room for a terminator */
    UNICODE_STRING s;
    GUID g;
    (void)state;
    assert_non_null(exact);
    memcpy(exact, text, 38 * sizeof(WCHAR));
    s.Buffer = exact;
    s.Length = 38 * sizeof(WCHAR);
    s.MaximumLength = 38 * sizeof(WCHAR);
    assert_nt_status(STATUS_SUCCESS, RtlGUIDFromString(&s, &g));
    assert_true(IsEqualGUID(&g, &test_guid));

    s.Length = 37 * sizeof(WCHAR); /* the closing brace is beyond Length */
    memset(&g, 0, sizeof(g));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlGUIDFromString(&s, &g));
    free(exact);
}

/* ---- ANSI <-> Unicode ------------------------------------------------------------------ */

/* RtlAnsiStringToUnicodeString: allocate form, Latin-1 bytes widen to the same code point. */
static void test_rtl__ansi_to_unicode_allocates(void **state)
{
    ANSI_STRING a;
    UNICODE_STRING u;
    (void)state;
    RtlInitAnsiString(&a, "caf\xe9");
    assert_nt_status(STATUS_SUCCESS, RtlAnsiStringToUnicodeString(&u, &a, TRUE));
    assert_ustr_eq(&u, L"caf\x00e9");
    assert_int_equal(u.MaximumLength, 10);
    assert_int_equal(u.Buffer[4], 0);
    RtlFreeUnicodeString(&u);
}

/* RtlAnsiStringToUnicodeString into the caller's buffer: needs room for the terminator. */
static void test_rtl__ansi_to_unicode_caller_buffer(void **state)
{
    WCHAR buf[4];
    ANSI_STRING a;
    UNICODE_STRING u;
    (void)state;
    RtlInitEmptyUnicodeString(&u, buf, sizeof(buf));
    RtlInitAnsiString(&a, "abc");
    assert_nt_status(STATUS_SUCCESS, RtlAnsiStringToUnicodeString(&u, &a, FALSE));
    assert_ustr_eq(&u, L"abc");
    assert_int_equal(buf[3], 0);

    RtlInitAnsiString(&a, "abcd"); /* 8 bytes fit but the terminator does not */
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlAnsiStringToUnicodeString(&u, &a, FALSE));
    assert_ustr_eq(&u, L"abc"); /* unchanged */
}

static void test_rtl__ansi_to_unicode_bad_inputs(void **state)
{
    WCHAR buf[4];
    char *big = malloc(40000);
    ANSI_STRING bad = {5, 4, (PCHAR) "abcd"}, nobuf = {2, 2, NULL}, huge;
    UNICODE_STRING u = {0, 0, NULL}, nodst = {0, 8, NULL};
    (void)state;
    assert_non_null(big);
    memset(big, 'x', 40000);
    huge.Buffer = big;
    huge.Length = 40000;
    huge.MaximumLength = 40000;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAnsiStringToUnicodeString(&u, &bad, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAnsiStringToUnicodeString(&u, &nobuf, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAnsiStringToUnicodeString(&u, NULL, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAnsiStringToUnicodeString(NULL, &bad, TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER_2, RtlAnsiStringToUnicodeString(&u, &huge, TRUE));
    RtlInitAnsiString(&bad, "ab");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlAnsiStringToUnicodeString(&nodst, &bad, FALSE));
    RtlInitEmptyUnicodeString(&u, buf, 0);
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlAnsiStringToUnicodeString(&u, &bad, FALSE));
    u.Buffer = NULL;
    pnpsim_fault_alloc(TSYS(state), 1, 1);
    assert_nt_status(STATUS_NO_MEMORY, RtlAnsiStringToUnicodeString(&u, &bad, TRUE));
    pnpsim_fault_clear(TSYS(state));
    assert_null(u.Buffer);
    free(big);
}

/* RtlUnicodeStringToAnsiString: Latin-1 kept, other characters become '?'. */
static void test_rtl__unicode_to_ansi_allocates_and_replaces_unmappable(void **state)
{
    UNICODE_STRING u;
    ANSI_STRING a;
    (void)state;
    RtlInitUnicodeString(&u, L"A\x00e9\x0416\x4e2dz");
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringToAnsiString(&a, &u, TRUE));
    assert_int_equal(a.Length, 5);
    assert_int_equal(a.MaximumLength, 6);
    assert_memory_equal(a.Buffer, "A\xe9??z", 6);
    RtlFreeAnsiString(&a);
    assert_null(a.Buffer);
}

static void test_rtl__unicode_to_ansi_caller_buffer_and_bad_inputs(void **state)
{
    char buf[4];
    UNICODE_STRING u, odd = {3, 4, (PWCH)L"ab"};
    ANSI_STRING a = {0, sizeof(buf), buf}, nobuf = {0, 4, NULL};
    (void)state;
    RtlInitUnicodeString(&u, L"abc");
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringToAnsiString(&a, &u, FALSE));
    assert_int_equal(a.Length, 3);
    assert_string_equal(buf, "abc");
    RtlInitUnicodeString(&u, L"abcd");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlUnicodeStringToAnsiString(&a, &u, FALSE));
    assert_int_equal(a.Length, 3);
    assert_string_equal(buf, "abc");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringToAnsiString(&a, &odd, FALSE));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringToAnsiString(&nobuf, &u, FALSE));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringToAnsiString(NULL, &u, FALSE));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringToAnsiString(&a, NULL, FALSE));
    a.Buffer = NULL;
    pnpsim_fault_alloc(TSYS(state), 1, 1);
    assert_nt_status(STATUS_NO_MEMORY, RtlUnicodeStringToAnsiString(&a, &u, TRUE));
    pnpsim_fault_clear(TSYS(state));
    assert_null(a.Buffer);
}

/* ---- integers -------------------------------------------------------------------------- */

/* RtlIntegerToUnicodeString: bases 0/10, 2, 8, 16 (upper-case hex), NUL-terminated. */
static void test_rtl__integer_to_unicode_string_bases(void **state)
{
    WCHAR buf[40];
    UNICODE_STRING s;
    (void)state;
    RtlInitEmptyUnicodeString(&s, buf, sizeof(buf));
    assert_nt_status(STATUS_SUCCESS, RtlIntegerToUnicodeString(1234, 0, &s));
    assert_ustr_eq(&s, L"1234");
    assert_int_equal(buf[4], 0);
    assert_nt_status(STATUS_SUCCESS, RtlIntegerToUnicodeString(0, 10, &s));
    assert_ustr_eq(&s, L"0");
    assert_nt_status(STATUS_SUCCESS, RtlIntegerToUnicodeString(5, 2, &s));
    assert_ustr_eq(&s, L"101");
    assert_nt_status(STATUS_SUCCESS, RtlIntegerToUnicodeString(0xFFFFFFFFu, 2, &s));
    assert_int_equal(s.Length, 64);
    assert_nt_status(STATUS_SUCCESS, RtlIntegerToUnicodeString(8, 8, &s));
    assert_ustr_eq(&s, L"10");
    assert_nt_status(STATUS_SUCCESS, RtlIntegerToUnicodeString(0xBEEF, 16, &s));
    assert_ustr_eq(&s, L"BEEF");
    assert_nt_status(STATUS_SUCCESS, RtlIntegerToUnicodeString(0xFFFFFFFFu, 10, &s));
    assert_ustr_eq(&s, L"4294967295");
}

/* RtlIntegerToUnicodeString: other bases -> STATUS_INVALID_PARAMETER; too small ->
 * STATUS_BUFFER_OVERFLOW (the terminator must fit too). */
static void test_rtl__integer_to_unicode_string_errors(void **state)
{
    WCHAR buf[3];
    UNICODE_STRING s, nobuf = {0, 8, NULL};
    (void)state;
    RtlInitEmptyUnicodeString(&s, buf, sizeof(buf));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlIntegerToUnicodeString(1, 3, &s));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlIntegerToUnicodeString(1, 36, &s));
    assert_nt_status(STATUS_SUCCESS, RtlIntegerToUnicodeString(42, 10, &s));
    assert_ustr_eq(&s, L"42");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlIntegerToUnicodeString(123, 10, &s));
    assert_ustr_eq(&s, L"42");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlIntegerToUnicodeString(1, 10, &nobuf));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlIntegerToUnicodeString(1, 10, NULL));
}

static NTSTATUS to_int(const WCHAR *text, ULONG base, ULONG *value)
{
    UNICODE_STRING s;
    RtlInitUnicodeString(&s, text);
    return RtlUnicodeStringToInteger(&s, base, value);
}

/* RtlUnicodeStringToInteger: the example table of its documentation page. */
static void test_rtl__unicode_string_to_integer_documented_examples(void **state)
{
    ULONG v;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, to_int(L"123", 10, &v));
    assert_int_equal(v, 123);
    assert_nt_status(STATUS_SUCCESS, to_int(L"  -345", 10, &v));
    assert_int_equal((LONG)v, -345);
    v = 99;
    assert_nt_status(STATUS_SUCCESS, to_int(L"xyz", 10, &v));
    assert_int_equal(v, 0);
    assert_nt_status(STATUS_SUCCESS, to_int(L"   +678abc", 10, &v));
    assert_int_equal(v, 678);
    assert_nt_status(STATUS_SUCCESS, to_int(L"   +678abc", 16, &v));
    assert_int_equal(v, 6785724);
    assert_nt_status(STATUS_SUCCESS, to_int(L"007", 10, &v));
    assert_int_equal(v, 7);
    assert_nt_status(STATUS_SUCCESS, to_int(L"789", 8, &v));
    assert_int_equal(v, 7);
    assert_nt_status(STATUS_SUCCESS, to_int(L"FGH", 16, &v));
    assert_int_equal(v, 15);
    v = 99;
    assert_nt_status(STATUS_SUCCESS, to_int(L"      ", 10, &v));
    assert_int_equal(v, 0);
}

/* RtlUnicodeStringToInteger with Base 0: 0x / 0o / 0b prefixes, else decimal. */
static void test_rtl__unicode_string_to_integer_base_zero_prefixes(void **state)
{
    ULONG v;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, to_int(L"0x1F", 0, &v));
    assert_int_equal(v, 31);
    assert_nt_status(STATUS_SUCCESS, to_int(L"0o17", 0, &v));
    assert_int_equal(v, 15);
    assert_nt_status(STATUS_SUCCESS, to_int(L"0b101", 0, &v));
    assert_int_equal(v, 5);
    assert_nt_status(STATUS_SUCCESS, to_int(L"  -0x10", 0, &v));
    assert_int_equal((LONG)v, -16);
    assert_nt_status(STATUS_SUCCESS, to_int(L"019", 0, &v));
    assert_int_equal(v, 19);
    assert_nt_status(STATUS_SUCCESS, to_int(L"4294967295", 0, &v));
    assert_int_equal(v, 0xFFFFFFFFu);
    assert_nt_status(STATUS_SUCCESS, to_int(L"0", 0, &v));
    assert_int_equal(v, 0);
    /* With an explicit base the prefix is not special: "0x1F" in base 16 stops at 'x'. */
    assert_nt_status(STATUS_SUCCESS, to_int(L"0x1F", 16, &v));
    assert_int_equal(v, 0);
    assert_nt_status(STATUS_SUCCESS, to_int(L"1101", 2, &v));
    assert_int_equal(v, 13);
}

/* RtlUnicodeStringToInteger: empty string, bad base, NULL, malformed -> invalid. */
static void test_rtl__unicode_string_to_integer_errors(void **state)
{
    ULONG v = 5;
    UNICODE_STRING empty = {0, 0, NULL}, odd = {3, 4, (PWCH)L"12"}, s;
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringToInteger(&empty, 10, &v));
    assert_int_equal(v, 5);
    assert_nt_status(STATUS_INVALID_PARAMETER, to_int(L"12", 3, &v));
    assert_nt_status(STATUS_INVALID_PARAMETER, to_int(L"12", 17, &v));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringToInteger(&odd, 10, &v));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringToInteger(NULL, 10, &v));
    RtlInitUnicodeString(&s, L"12");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringToInteger(&s, 10, NULL));
    assert_int_equal(v, 5);
    /* Reads only within Length: "12" cut to one character is 1. */
    s.Length = 2;
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringToInteger(&s, 10, &v));
    assert_int_equal(v, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_rtl__compare_memory_counts_matching_prefix),
        PNPSIM_TEST(test_rtl__init_unicode_string_sets_lengths),
        PNPSIM_TEST(test_rtl__init_unicode_string_ex_rejects_too_long),
        PNPSIM_TEST(test_rtl__init_unicode_string_caps_over_long_source),
        PNPSIM_TEST(test_rtl__init_ansi_string_sets_lengths),
        PNPSIM_TEST(test_rtl__copy_unicode_string_copies_and_terminates),
        PNPSIM_TEST(test_rtl__copy_unicode_string_truncates_to_maximum_length),
        PNPSIM_TEST(test_rtl__copy_unicode_string_null_or_malformed_source),
        PNPSIM_TEST(test_rtl__append_unicode_string_to_string_appends),
        PNPSIM_TEST(test_rtl__append_unicode_string_to_string_too_small_leaves_destination),
        PNPSIM_TEST(test_rtl__append_rejects_malformed_strings),
        PNPSIM_TEST(test_rtl__append_unicode_to_string),
        PNPSIM_TEST(test_rtl__compare_unicode_string_orders),
        PNPSIM_TEST(test_rtl__equal_unicode_string_both_case_modes),
        PNPSIM_TEST(test_rtl__equal_unicode_string_insensitive_beyond_ascii),
        PNPSIM_TEST(test_rtl__upcase_and_downcase_char_tables),
        PNPSIM_TEST(test_rtl__prefix_unicode_string),
        PNPSIM_TEST(test_rtl__compare_routines_tolerate_malformed_strings),
        PNPSIM_TEST(test_rtl__upcase_unicode_string_allocates),
        PNPSIM_TEST(test_rtl__upcase_unicode_string_caller_buffer),
        PNPSIM_TEST(test_rtl__downcase_unicode_string),
        PNPSIM_TEST(test_rtl__upcase_unicode_string_bad_inputs_and_no_memory),
        PNPSIM_TEST(test_rtl__duplicate_unicode_string_flags),
        PNPSIM_TEST(test_rtl__duplicate_unicode_string_empty),
        PNPSIM_TEST(test_rtl__duplicate_unicode_string_bad_inputs),
        PNPSIM_TEST(test_rtl__free_string_tolerates_null_buffer),
        PNPSIM_TEST(test_rtl__string_from_guid_is_upper_case_braced),
        PNPSIM_TEST(test_rtl__string_from_guid_bad_inputs_and_no_memory),
        PNPSIM_TEST(test_rtl__guid_from_string_accepts_both_cases),
        PNPSIM_TEST(test_rtl__guid_from_string_rejects_malformed),
        PNPSIM_TEST(test_rtl__guid_from_string_reads_only_within_length),
        PNPSIM_TEST(test_rtl__ansi_to_unicode_allocates),
        PNPSIM_TEST(test_rtl__ansi_to_unicode_caller_buffer),
        PNPSIM_TEST(test_rtl__ansi_to_unicode_bad_inputs),
        PNPSIM_TEST(test_rtl__unicode_to_ansi_allocates_and_replaces_unmappable),
        PNPSIM_TEST(test_rtl__unicode_to_ansi_caller_buffer_and_bad_inputs),
        PNPSIM_TEST(test_rtl__integer_to_unicode_string_bases),
        PNPSIM_TEST(test_rtl__integer_to_unicode_string_errors),
        PNPSIM_TEST(test_rtl__unicode_string_to_integer_documented_examples),
        PNPSIM_TEST(test_rtl__unicode_string_to_integer_base_zero_prefixes),
        PNPSIM_TEST(test_rtl__unicode_string_to_integer_errors),
    };
    return cmocka_run_group_tests_name("rtl", tests, NULL, NULL);
}
