/* SPDX-License-Identifier: MIT */
/*
 * This file implements the unit tests of pnpsim's <ntstrsafe.h> (src/wdk/rtl_strsafe.c):
 * copy, concatenate, length and printf in their Cch/Cb, W/A forms, the RtlUnicodeString*
 * family, and the formatter's conversions, flags, widths and precisions. Statuses follow
 * the functions' Microsoft Learn pages (RtlStringCchCopyW, RtlStringCchCatW,
 * RtlStringCchLengthW, RtlStringCchCopyNW, RtlUnicodeStringInit, RtlUnicodeStringCat,
 * RtlUnicodeStringPrintf): STATUS_BUFFER_OVERFLOW on truncation, STATUS_INVALID_PARAMETER
 * for bad sizes and pointers.
 */
#include "pnpsim_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wdm.h>
#include <ntstrsafe.h>

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

/* Compare a WCHAR string with an expected literal, printing both (as UTF-8-ish ASCII) when
 * they differ. */
#define assert_wstr(actual, expected) assert_wstr_at((actual), (expected), __FILE__, __LINE__)
static void assert_wstr_at(const WCHAR *actual, const WCHAR *expected, const char *file, int line)
{
    size_t n = wlen(expected), i;
    if (wlen(actual) != n || memcmp(actual, expected, n * sizeof(WCHAR)) != 0) {
        char a[256], e[256];
        for (i = 0; i < 255 && actual[i]; i++)
            a[i] = actual[i] < 0x80 ? (char)actual[i] : '?';
        a[i] = 0;
        for (i = 0; i < 255 && expected[i]; i++)
            e[i] = expected[i] < 0x80 ? (char)expected[i] : '?';
        e[i] = 0;
        print_error("%s:%d: got \"%s\", expected \"%s\"\n", file, line, a, e);
        _fail(file, line);
    }
}

static void assert_ustr(const UNICODE_STRING *s, const WCHAR *expected)
{
    size_t n = wlen(expected);
    assert_int_equal(s->Length, n * sizeof(WCHAR));
    if (n > 0)
        assert_memory_equal(s->Buffer, expected, n * sizeof(WCHAR));
}

/* ---- copy ------------------------------------------------------------------------------ */

static void test_strsafe__cch_copy_w_fits_and_truncates(void **state)
{
    WCHAR buf[6];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCopyW(buf, 6, L"hello"));
    assert_wstr(buf, L"hello");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchCopyW(buf, 6, L"hello!"));
    assert_wstr(buf, L"hello");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchCopyW(buf, 1, L"x"));
    assert_int_equal(buf[0], 0);
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCopyW(buf, 1, L""));
    assert_int_equal(buf[0], 0);
}

static void test_strsafe__cch_copy_rejects_bad_sizes_and_nulls(void **state)
{
    WCHAR buf[4] = L"abc";
    char abuf[4] = "abc";
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCopyW(buf, 0, L"x"));
    assert_wstr(buf, L"abc"); /* a zero-size destination is not touched */
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     RtlStringCchCopyW(buf, (size_t)NTSTRSAFE_MAX_CCH + 1, L"x"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCopyW(NULL, 4, L"x"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCopyW(buf, 4, NULL));
    assert_int_equal(buf[0], 0); /* left empty */
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCopyA(abuf, 0, "x"));
    assert_string_equal(abuf, "abc");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCopyA(abuf, 4, NULL));
    assert_string_equal(abuf, "");
}

static void test_strsafe__cch_copy_a_fits_and_truncates(void **state)
{
    char buf[4];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCopyA(buf, sizeof(buf), "abc"));
    assert_string_equal(buf, "abc");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchCopyA(buf, sizeof(buf), "abcd"));
    assert_string_equal(buf, "abc");
}

/* The Cb forms take byte sizes: an odd byte count rounds down to whole WCHARs. */
static void test_strsafe__cb_copy_uses_byte_sizes(void **state)
{
    WCHAR buf[8];
    char abuf[3];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCbCopyW(buf, 4 * sizeof(WCHAR), L"abc"));
    assert_wstr(buf, L"abc");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCbCopyW(buf, 7, L"abcd")); /* 3 chars */
    assert_wstr(buf, L"ab");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCbCopyW(buf, 1, L"a"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCbCopyW(buf, 0, L"a"));
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCbCopyA(abuf, sizeof(abuf), "xyz"));
    assert_string_equal(abuf, "xy");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCbCopyA(abuf, 0, "x"));
}

/* RtlStringCchCopyN: copies at most cchToCopy characters; the source need not be
 * terminated within them; no padding. */
static void test_strsafe__cch_copy_n(void **state)
{
    static const WCHAR unterminated[3] = {L'x', L'y', L'z'};
    WCHAR buf[8];
    char abuf[8];
    (void)state;
    memset(buf, 0x55, sizeof(buf));
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCopyNW(buf, 8, L"abcdef", 3));
    assert_wstr(buf, L"abc");
    assert_int_equal(buf[4], 0x5555); /* not padded */
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCopyNW(buf, 8, unterminated, 3));
    assert_wstr(buf, L"xyz");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCopyNW(buf, 8, L"ab", 100));
    assert_wstr(buf, L"ab");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchCopyNW(buf, 3, L"abcdef", 5));
    assert_wstr(buf, L"ab");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCopyNW(buf, 8, L"abc", 0));
    assert_wstr(buf, L"");
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     RtlStringCchCopyNW(buf, 8, L"abc", (size_t)NTSTRSAFE_MAX_CCH + 1));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCopyNW(buf, 0, L"abc", 1));
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCopyNA(abuf, 8, "hello", 4));
    assert_string_equal(abuf, "hell");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchCopyNA(abuf, 3, "hello", 4));
    assert_string_equal(abuf, "he");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCopyNA(abuf, 8, NULL, 4));
}

/* ---- concatenate ----------------------------------------------------------------------- */

static void test_strsafe__cch_cat_appends_and_truncates(void **state)
{
    WCHAR buf[8] = L"abc";
    char abuf[6] = "ab";
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCatW(buf, 8, L"def"));
    assert_wstr(buf, L"abcdef");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchCatW(buf, 8, L"ghi"));
    assert_wstr(buf, L"abcdefg");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCatA(abuf, sizeof(abuf), "cd"));
    assert_string_equal(abuf, "abcd");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchCatA(abuf, sizeof(abuf), "efg"));
    assert_string_equal(abuf, "abcde");
}

/* An unterminated destination ("already full") is STATUS_INVALID_PARAMETER. */
static void test_strsafe__cch_cat_rejects_full_destination_and_bad_args(void **state)
{
    WCHAR buf[3] = {L'a', L'b', L'c'};
    WCHAR ok[4] = L"ab";
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCatW(buf, 3, L"d"));
    assert_int_equal(buf[2], L'c');
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCatW(ok, 0, L"d"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCatW(NULL, 4, L"d"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchCatW(ok, 4, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     RtlStringCchCatW(ok, (size_t)NTSTRSAFE_MAX_CCH + 1, L"d"));
    assert_wstr(ok, L"ab");
    /* Full but terminated: appending nothing succeeds, anything else overflows. */
    assert_nt_status(STATUS_SUCCESS, RtlStringCchCatW(ok, 3, L""));
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchCatW(ok, 3, L"x"));
    assert_wstr(ok, L"ab");
}

static void test_strsafe__cb_cat(void **state)
{
    WCHAR buf[6] = L"12";
    char abuf[5] = "12";
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCbCatW(buf, sizeof(buf), L"345"));
    assert_wstr(buf, L"12345");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCbCatW(buf, sizeof(buf), L"6"));
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCbCatA(abuf, sizeof(abuf), "345"));
    assert_string_equal(abuf, "1234");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCbCatW(buf, 1, L"6"));
}

/* ---- length ---------------------------------------------------------------------------- */

static void test_strsafe__length_functions(void **state)
{
    static const WCHAR five[] = L"abcde";
    size_t n = 99;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchLengthW(five, 6, &n));
    assert_int_equal(n, 5);
    assert_nt_status(STATUS_SUCCESS, RtlStringCchLengthW(five, NTSTRSAFE_MAX_CCH, &n));
    assert_int_equal(n, 5);
    assert_nt_status(STATUS_SUCCESS, RtlStringCchLengthW(five, 6, NULL));
    n = 99;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchLengthW(five, 5, &n));
    assert_int_equal(n, 0);
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchLengthW(NULL, 5, &n));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchLengthW(five, 0, &n));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     RtlStringCchLengthW(five, (size_t)NTSTRSAFE_MAX_CCH + 1, &n));

    assert_nt_status(STATUS_SUCCESS, RtlStringCchLengthA("abc", 4, &n));
    assert_int_equal(n, 3);
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchLengthA("abc", 3, &n));

    assert_nt_status(STATUS_SUCCESS, RtlStringCbLengthW(five, sizeof(five), &n));
    assert_int_equal(n, 10);
    n = 99;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCbLengthW(five, 10, &n));
    assert_int_equal(n, 0);
    assert_nt_status(STATUS_SUCCESS, RtlStringCbLengthA("abc", 4, &n));
    assert_int_equal(n, 3);
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCbLengthA(NULL, 4, &n));
}

/* ---- printf: conversions --------------------------------------------------------------- */

static void test_strsafe__printf_w_integers(void **state)
{
    WCHAR buf[128];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 128, L"%d %i %u %x %X %o", -42, 7,
                                                         3000000000u, 0xbeefu, 0xbeefu, 8u));
    assert_wstr(buf, L"-42 7 3000000000 beef BEEF 10");
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfW(buf, 128, L"[%5d][%-5d][%05d][%+d][% d][%.3d]", 42, 42,
                                         -42, 42, 42, 7));
    assert_wstr(buf, L"[   42][42   ][-0042][+42][ 42][007]");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 128, L"%#x %#X %#o %#x %.0d|", 255u,
                                                         255u, 8u, 0u, 0));
    assert_wstr(buf, L"0xff 0XFF 010 0 |");
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfW(buf, 128, L"%*d|%-*d|%.*d", 4, 1, 3, 2, 3, 5));
    assert_wstr(buf, L"   1|2  |005");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 128, L"%*d|", -3, 9));
    assert_wstr(buf, L"9  |");
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfW(buf, 128, L"%hd %hu %hhd", 70000, 70000, 300));
    assert_wstr(buf, L"4464 4464 44");
}

/* Windows widths: l is 32 bits (LONG/ULONG), I64 and ll 64, I and z pointer-sized. */
static void test_strsafe__printf_w_size_prefixes(void **state)
{
    WCHAR buf[160];
    LONG l = -1;
    ULONG ul = 0xFFFFFFFFu;
    LONGLONG ll = -1234567890123LL;
    ULONGLONG ull = 0xFEDCBA9876543210ULL;
    SIZE_T sz = 123456;
    SSIZE_T ssz = -5;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 160, L"%ld %lu %lx", l, ul, ul));
    assert_wstr(buf, L"-1 4294967295 ffffffff");
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfW(buf, 160, L"%I64d %I64u %I64x %I64X", ll, ull, ull, ull));
    assert_wstr(buf, L"-1234567890123 18364758544493064720 fedcba9876543210 FEDCBA9876543210");
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfW(buf, 160, L"%lld %llu %llx", ll, ull, ull));
    assert_wstr(buf, L"-1234567890123 18364758544493064720 fedcba9876543210");
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfW(buf, 160, L"%zd %zu %Iu %Id %I32d", ssz, sz, sz, ssz, -7));
    assert_wstr(buf, L"-5 123456 123456 -5 -7");
}

/* %p: upper-case hex padded to the pointer's width, no prefix. */
static void test_strsafe__printf_pointer(void **state)
{
    WCHAR buf[40];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 40, L"%p", (void *)0xAB12));
    if (sizeof(void *) == 8)
        assert_wstr(buf, L"000000000000AB12");
    else
        assert_wstr(buf, L"0000AB12");
}

/* In the W functions %s / %c are wide, %S / %C narrow; h and l / w force the width. */
static void test_strsafe__printf_w_strings_and_chars(void **state)
{
    WCHAR buf[128];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 128, L"%s|%S|%ws|%hs|%ls", L"wide",
                                                         "narrow", L"ws", "hs", L"ls"));
    assert_wstr(buf, L"wide|narrow|ws|hs|ls");
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfW(buf, 128, L"%c%C%wc%hc", L'\x0416', 'n', L'w', 'h'));
    assert_wstr(buf, L"\x0416nwh");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 128, L"[%6s][%-6s][%.2s][%*.*s]",
                                                         L"abc", L"abc", L"abc", 4, 1, L"xyz"));
    assert_wstr(buf, L"[   abc][abc   ][ab][   x]");
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfW(buf, 128, L"%s|%S", (WCHAR *)NULL, (char *)NULL));
    assert_wstr(buf, L"(null)|(null)");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 128, L"100%% %c", L'%'));
    assert_wstr(buf, L"100% %");
}

/* %wZ takes a PUNICODE_STRING (Length, not a terminator, ends it); %Z a PANSI_STRING. */
static void test_strsafe__printf_counted_strings(void **state)
{
    WCHAR buf[64];
    char abuf[64];
    UNICODE_STRING u;
    ANSI_STRING a;
    (void)state;
    RtlInitUnicodeString(&u, L"\\Device\\Foo");
    u.Length -= 2 * sizeof(WCHAR); /* "\Device\F" */
    RtlInitAnsiString(&a, "ansi!");
    a.Length = 4;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 64, L"<%wZ><%Z>", &u, &a));
    assert_wstr(buf, L"<\\Device\\F><ansi>");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 64, L"<%12wZ><%-5Z>", &u, &a));
    assert_wstr(buf, L"<   \\Device\\F><ansi >");
    assert_nt_status(
        STATUS_SUCCESS,
        RtlStringCchPrintfW(buf, 64, L"<%wZ><%Z>", (PUNICODE_STRING)NULL, (PANSI_STRING)NULL));
    assert_wstr(buf, L"<(null)><(null)>");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfA(abuf, 64, "<%wZ><%Z>", &u, &a));
    assert_string_equal(abuf, "<\\Device\\F><ansi>");
}

/* In the A functions %s is char*, %S / %ws / %ls wide (narrowed, non-Latin-1 -> '?'). */
static void test_strsafe__printf_a_conversions(void **state)
{
    char buf[128];
    (void)state;
    assert_nt_status(STATUS_SUCCESS,
                     RtlStringCchPrintfA(buf, 128, "%s|%S|%ws|%ls|%hs|%c|%C", "n", L"w\x0416",
                                         L"ws", L"ls", "hs", 'c', L'C'));
    assert_string_equal(buf, "n|w?|ws|ls|hs|c|C");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfA(buf, 128, "%d %05u %-4x| %I64d %p", -3,
                                                         12u, 10u, (LONGLONG)-9, (void *)1));
    if (sizeof(void *) == 8)
        assert_string_equal(buf, "-3 00012 a   | -9 0000000000000001");
    else
        assert_string_equal(buf, "-3 00012 a   | -9 00000001");
}

static void test_strsafe__printf_floating_point(void **state)
{
    WCHAR buf[64];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 64, L"%.2f|%8.3f|%-6.1f|%g|%+.1f",
                                                         3.14159, 2.5, -1.75, 0.5, 2.0));
    assert_wstr(buf, L"3.14|   2.500|-1.8  |0.5|+2.0");
}

/* An unknown conversion is copied through as text and consumes no argument. */
static void test_strsafe__printf_unknown_conversion_is_literal(void **state)
{
    WCHAR buf[32];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 32, L"a%qb%d", 5));
    assert_wstr(buf, L"a%qb5");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 32, L"end%"));
    assert_wstr(buf, L"end%");
}

/* ---- printf: sizes and truncation ------------------------------------------------------ */

static void test_strsafe__printf_truncates_with_buffer_overflow(void **state)
{
    WCHAR buf[6];
    char abuf[4];
    (void)state;
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchPrintfW(buf, 6, L"%d-%s", 12345, L"x"));
    assert_wstr(buf, L"12345");
    assert_nt_status(STATUS_SUCCESS, RtlStringCchPrintfW(buf, 6, L"%5d", 1));
    assert_wstr(buf, L"    1");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchPrintfW(buf, 6, L"%1000000d", 1));
    assert_wstr(buf, L"     ");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCchPrintfA(abuf, 4, "%s", "abcdef"));
    assert_string_equal(abuf, "abc");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlStringCbPrintfW(buf, 7, L"%s", L"abcdef"));
    assert_wstr(buf, L"ab");
    assert_nt_status(STATUS_SUCCESS, RtlStringCbPrintfA(abuf, 4, "%d", 123));
    assert_string_equal(abuf, "123");
}

static void test_strsafe__printf_rejects_bad_arguments(void **state)
{
    WCHAR buf[4] = L"abc";
    char abuf[4] = "abc";
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchPrintfW(buf, 0, L"x"));
    assert_wstr(buf, L"abc");
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     RtlStringCchPrintfW(buf, (size_t)NTSTRSAFE_MAX_CCH + 1, L"x"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchPrintfW(NULL, 4, L"x"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCchPrintfW(buf, 4, NULL));
    assert_int_equal(buf[0], 0);
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCbPrintfW(buf, 1, L"x"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlStringCbPrintfA(abuf, 0, "x"));
    assert_string_equal(abuf, "abc");
}

static NTSTATUS vprintf_w(WCHAR *buf, size_t cch, const WCHAR *fmt, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, fmt);
    st = RtlStringCchVPrintfW(buf, cch, fmt, ap);
    va_end(ap);
    return st;
}

static NTSTATUS vprintf_a(char *buf, size_t cch, const char *fmt, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, fmt);
    st = RtlStringCchVPrintfA(buf, cch, fmt, ap);
    va_end(ap);
    return st;
}

static NTSTATUS vprintf_cbw(WCHAR *buf, size_t cb, const WCHAR *fmt, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, fmt);
    st = RtlStringCbVPrintfW(buf, cb, fmt, ap);
    va_end(ap);
    return st;
}

static NTSTATUS vprintf_cba(char *buf, size_t cb, const char *fmt, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, fmt);
    st = RtlStringCbVPrintfA(buf, cb, fmt, ap);
    va_end(ap);
    return st;
}

static void test_strsafe__vprintf_variants(void **state)
{
    WCHAR buf[16];
    char abuf[16];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, vprintf_w(buf, 16, L"%s=%d", L"x", 1));
    assert_wstr(buf, L"x=1");
    assert_nt_status(STATUS_SUCCESS, vprintf_a(abuf, 16, "%s=%d", "y", 2));
    assert_string_equal(abuf, "y=2");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, vprintf_cbw(buf, 4 * sizeof(WCHAR), L"%d", 12345));
    assert_wstr(buf, L"123");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, vprintf_cba(abuf, 3, "%d", 12345));
    assert_string_equal(abuf, "12");
    assert_nt_status(STATUS_INVALID_PARAMETER, vprintf_w(buf, 0, L"%d", 1));
}

/* ---- UNICODE_STRING functions ---------------------------------------------------------- */

static void test_strsafe__unicode_string_init(void **state)
{
    UNICODE_STRING s = {1, 1, NULL};
    WCHAR *big = calloc(32768, sizeof(WCHAR));
    size_t i;
    (void)state;
    assert_non_null(big);
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringInit(&s, L"init"));
    assert_ustr(&s, L"init");
    assert_int_equal(s.MaximumLength, 10);
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringInit(&s, NULL));
    assert_int_equal(s.Length, 0);
    assert_int_equal(s.MaximumLength, 0);
    assert_null(s.Buffer);
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringInit(NULL, L"x"));

    for (i = 0; i < 32767; i++)
        big[i] = L'q';
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringInit(&s, big));
    assert_int_equal(s.Length, 0);
    assert_null(s.Buffer);
    big[32766] = 0; /* 32766 characters fit */
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringInit(&s, big));
    assert_int_equal(s.Length, 65532);
    assert_int_equal(s.MaximumLength, 65534);
    free(big);
}

/* RtlUnicodeStringCopy: no terminator; truncation sets Length = MaximumLength. */
static void test_strsafe__unicode_string_copy(void **state)
{
    WCHAR buf[4];
    UNICODE_STRING dst, src;
    (void)state;
    memset(buf, 0x55, sizeof(buf));
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    RtlInitUnicodeString(&src, L"ab");
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringCopy(&dst, &src));
    assert_ustr(&dst, L"ab");
    assert_int_equal(buf[2], 0x5555); /* no terminator written */
    RtlInitUnicodeString(&src, L"abcdef");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlUnicodeStringCopy(&dst, &src));
    assert_ustr(&dst, L"abcd");
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringCopyString(&dst, L"xy"));
    assert_ustr(&dst, L"xy");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlUnicodeStringCopyString(&dst, L"12345"));
    assert_ustr(&dst, L"1234");
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringCopyString(&dst, L""));
    assert_int_equal(dst.Length, 0);
}

/* Malformed UNICODE_STRINGs and NULL pointers are STATUS_INVALID_PARAMETER. */
static void test_strsafe__unicode_string_functions_reject_malformed(void **state)
{
    WCHAR buf[4];
    UNICODE_STRING good, odd = {1, 8, buf}, oddmax = {0, 7, buf}, over = {8, 6, buf},
                         nobuf = {0, 8, NULL}, zero = {0, 0, buf};
    (void)state;
    RtlInitEmptyUnicodeString(&good, buf, sizeof(buf));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopy(&odd, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopy(&oddmax, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopy(&over, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopy(&nobuf, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopy(&good, &odd));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopy(&good, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopy(NULL, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCat(&over, &good));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCat(&good, &nobuf));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopyString(&good, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCatString(&odd, L"x"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringPrintf(&over, L"x"));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringPrintf(&good, NULL));
    /* A zero-size destination with a non-empty source (documented as invalid). */
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCopyString(&zero, L"x"));
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringCopyString(&zero, L""));
}

/* RtlUnicodeStringCat / CatString: append, truncate, and a full destination is invalid. */
static void test_strsafe__unicode_string_cat(void **state)
{
    WCHAR buf[6];
    UNICODE_STRING dst, src;
    (void)state;
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    RtlInitUnicodeString(&src, L"ab");
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringCat(&dst, &src));
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringCatString(&dst, L"cd"));
    assert_ustr(&dst, L"abcd");
    assert_nt_status(STATUS_BUFFER_OVERFLOW, RtlUnicodeStringCatString(&dst, L"efg"));
    assert_ustr(&dst, L"abcdef");
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlUnicodeStringCat(&dst, &src));
    assert_ustr(&dst, L"abcdef");
    RtlInitUnicodeString(&src, L"");
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringCat(&dst, &src));
    assert_ustr(&dst, L"abcdef");
}

/* RtlUnicodeStringPrintf: no terminator; truncation gives Length = MaximumLength. */
static void test_strsafe__unicode_string_printf(void **state)
{
    WCHAR buf[8];
    UNICODE_STRING dst, name;
    (void)state;
    memset(buf, 0x55, sizeof(buf));
    RtlInitEmptyUnicodeString(&dst, buf, sizeof(buf));
    RtlInitUnicodeString(&name, L"Dev");
    assert_nt_status(STATUS_SUCCESS, RtlUnicodeStringPrintf(&dst, L"%wZ%02d", &name, 7));
    assert_ustr(&dst, L"Dev07");
    assert_int_equal(buf[5], 0x5555);
    assert_nt_status(STATUS_BUFFER_OVERFLOW,
                     RtlUnicodeStringPrintf(&dst, L"\\Device\\%wZ%d", &name, 1));
    assert_ustr(&dst, L"\\Device\\");
    assert_int_equal(dst.Length, dst.MaximumLength);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_strsafe__cch_copy_w_fits_and_truncates),
        PNPSIM_TEST(test_strsafe__cch_copy_rejects_bad_sizes_and_nulls),
        PNPSIM_TEST(test_strsafe__cch_copy_a_fits_and_truncates),
        PNPSIM_TEST(test_strsafe__cb_copy_uses_byte_sizes),
        PNPSIM_TEST(test_strsafe__cch_copy_n),
        PNPSIM_TEST(test_strsafe__cch_cat_appends_and_truncates),
        PNPSIM_TEST(test_strsafe__cch_cat_rejects_full_destination_and_bad_args),
        PNPSIM_TEST(test_strsafe__cb_cat),
        PNPSIM_TEST(test_strsafe__length_functions),
        PNPSIM_TEST(test_strsafe__printf_w_integers),
        PNPSIM_TEST(test_strsafe__printf_w_size_prefixes),
        PNPSIM_TEST(test_strsafe__printf_pointer),
        PNPSIM_TEST(test_strsafe__printf_w_strings_and_chars),
        PNPSIM_TEST(test_strsafe__printf_counted_strings),
        PNPSIM_TEST(test_strsafe__printf_a_conversions),
        PNPSIM_TEST(test_strsafe__printf_floating_point),
        PNPSIM_TEST(test_strsafe__printf_unknown_conversion_is_literal),
        PNPSIM_TEST(test_strsafe__printf_truncates_with_buffer_overflow),
        PNPSIM_TEST(test_strsafe__printf_rejects_bad_arguments),
        PNPSIM_TEST(test_strsafe__vprintf_variants),
        PNPSIM_TEST(test_strsafe__unicode_string_init),
        PNPSIM_TEST(test_strsafe__unicode_string_copy),
        PNPSIM_TEST(test_strsafe__unicode_string_functions_reject_malformed),
        PNPSIM_TEST(test_strsafe__unicode_string_cat),
        PNPSIM_TEST(test_strsafe__unicode_string_printf),
    };
    return cmocka_run_group_tests_name("strsafe", tests, NULL, NULL);
}
