/* SPDX-License-Identifier: MIT */
/*
 * This file implements the string fuzz target: <ntstrsafe.h> and the UNICODE_STRING
 * routines of <wdm.h> with fuzzed contents and sizes.
 *   - printf: a format built from the input, restricted to safe conversions whose argument
 *     types are fixed by position (int, unsigned, string of the function's width, 64-bit,
 *     %wZ, string of the other width, %c), with fuzzed literal text, flags, width and
 *     precision, goes to RtlStringCchPrintfW/A, RtlStringCbPrintfW/A and
 *     RtlUnicodeStringPrintf with a fuzzed size; the oracle is libc snprintf on the narrow
 *     equivalent: the whole text and STATUS_SUCCESS when it fits, else the text cut to the
 *     size with STATUS_BUFFER_OVERFLOW (ntstrsafe pages on Microsoft Learn).
 *   - copy/cat/length: RtlStringCchCopyW/A, RtlStringCchCopyNW, RtlStringCchCatW,
 *     RtlStringCchLengthW/A with fuzzed contents, sizes and unterminated destinations.
 *   - UNICODE_STRING routines (RtlCopyUnicodeString, RtlAppendUnicodeStringToString,
 *     RtlCompareUnicodeString, RtlEqualUnicodeString, RtlPrefixUnicodeString,
 *     RtlUpcaseUnicodeString, RtlDowncaseUnicodeString, RtlUnicodeStringToAnsiString,
 *     RtlUnicodeStringCopy, RtlUnicodeStringCat) with hostile Length / MaximumLength /
 *     Buffer combinations (odd, Length > MaximumLength, NULL Buffer): checked against a
 *     plain model when the strings are well formed; with malformed ones the routine must
 *     fail, bug check (recorded) or stay inside the buffers (ASan).
 * Every buffer is an exact-size allocation, so any write or read past a size is caught.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntstrsafe.h>
#include <wdm.h>

#include <pnpsim/pnpsim.h>

typedef struct input {
    const uint8_t *p;
    size_t n, at;
} input;

static unsigned u8(input *in)
{
    return in->at < in->n ? in->p[in->at++] : 0u;
}

static void fail(const char *what, NTSTATUS st, const char *detail)
{
    fprintf(stderr, "fuzz_strsafe: %s: %s%s%s\n", what, pnpsim_status_name(st),
            detail ? ": " : "", detail ? detail : "");
    abort();
}

/* ---- printf --------------------------------------------------------------------------- */

static void put(char *s, size_t *at, size_t cap, const char *t)
{
    while (*t && *at + 1 < cap)
        s[(*at)++] = *t++;
    s[*at] = 0;
}

/* Flags, width and precision (precision only when prec_ok). The '+' and ' ' flags only
 * with signed conversions: the C standard defines them for those alone, and C libraries
 * disagree elsewhere (msvcrt and MinGW's printf put the blank before "% u", glibc does
 * not), so the libc oracle would differ by platform. */
static void spec(input *in, char *fmt, size_t *at, size_t cap, int prec_ok, int sign_ok)
{
    unsigned v = u8(in);
    char tmp[24];
    static const char flags[] = "-0#+ ";
    if (v & 1)
        tmp[0] = flags[(v >> 1) % (sign_ok ? 5 : 3)], tmp[1] = 0, put(fmt, at, cap, tmp);
    if (v & 16)
        snprintf(tmp, sizeof(tmp), "%u", u8(in) % 21), put(fmt, at, cap, tmp);
    if ((v & 32) && prec_ok)
        snprintf(tmp, sizeof(tmp), ".%u", u8(in) % 21), put(fmt, at, cap, tmp);
}

static void text_of(input *in, char *s, size_t cap)
{
    size_t n = u8(in) % (cap - 1);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)(32 + u8(in) % 95);
    s[n] = 0;
}

static void widen(const char *s, WCHAR *w)
{
    while ((*w++ = (WCHAR)(unsigned char)*s++) != 0)
        ;
}

static void fuzz_printf(input *in)
{
    /* pnpsim's format (ASCII; widened for W) and libc's, built side by side. */
    char pf[256], cf[256], lit[16];
    size_t pa = 0, ca = 0;
    int32_t a0 = (int32_t)(u8(in) << 24 | u8(in) << 16 | u8(in) << 8 | u8(in));
    uint32_t a1 = (uint32_t)(u8(in) << 24 | u8(in) << 8 | u8(in));
    int64_t a3 = (int64_t)(((uint64_t)a1 << 32 | (uint32_t)a0) * (uint64_t)(1 + u8(in)));
    char s2[24], s4[24], s5[24];
    WCHAR w2[24], w4[24], w5[24];
    UNICODE_STRING us4;
    int a6 = 32 + (int)(u8(in) % 95);
    unsigned mode = u8(in);
    int wide = (mode & 1) || (mode >> 1) % 3 == 2; /* RtlUnicodeStringPrintf is wide */
    char full[1024];
    int full_n;

    text_of(in, s2, sizeof(s2));
    text_of(in, s4, sizeof(s4));
    text_of(in, s5, sizeof(s5));
    widen(s2, w2);
    widen(s4, w4);
    widen(s5, w5);
    us4.Buffer = w4;
    us4.Length = (USHORT)(strlen(s4) * sizeof(WCHAR));
    us4.MaximumLength = (USHORT)sizeof(w4);
    pf[0] = cf[0] = 0;
    for (int slot = 0; slot < 7; slot++) {
        unsigned v = u8(in);
        /* literal text before the conversion */
        size_t ln = v % 4;
        for (size_t i = 0; i < ln; i++) {
            char c = (char)(32 + u8(in) % 95);
            if (c == '%')
                c = '_';
            lit[i] = c;
        }
        lit[ln] = 0;
        put(pf, &pa, sizeof(pf), lit);
        put(cf, &ca, sizeof(cf), lit);
        if (v & 0x80) /* the conversion is left out: later ones shift to later slots */
            break;
        {
            size_t p0 = pa, c0 = ca;
            (void)p0;
            (void)c0;
            put(pf, &pa, sizeof(pf), "%");
            put(cf, &ca, sizeof(cf), "%");
            switch (slot) {
            case 0: {
                static const char *const conv[] = {"d", "i", "x", "X", "o", "u"};
                size_t before = pa;
                spec(in, pf, &pa, sizeof(pf), 1, (v >> 2) % 6 < 2);
                put(cf, &ca, sizeof(cf), pf + before);
                put(pf, &pa, sizeof(pf), conv[(v >> 2) % 6]);
                put(cf, &ca, sizeof(cf), conv[(v >> 2) % 6]);
                break;
            }
            case 1: {
                static const char *const conv[] = {"u", "x", "X", "o", "lu", "lx"};
                static const char *const cconv[] = {"u", "x", "X", "o", "u", "x"};
                size_t before = pa;
                spec(in, pf, &pa, sizeof(pf), 1, 0);
                put(cf, &ca, sizeof(cf), pf + before);
                put(pf, &pa, sizeof(pf), conv[(v >> 2) % 6]);
                put(cf, &ca, sizeof(cf), cconv[(v >> 2) % 6]);
                break;
            }
            case 2: {
                size_t before = pa;
                spec(in, pf, &pa, sizeof(pf), 1, 0);
                put(cf, &ca, sizeof(cf), pf + before);
                put(pf, &pa, sizeof(pf), "s");
                put(cf, &ca, sizeof(cf), "s");
                break;
            }
            case 3: {
                static const char *const conv[] = {"I64d", "lld", "I64x", "llu", "I64X"};
                static const char *const cconv[] = {"lld", "lld", "llx", "llu", "llX"};
                size_t before = pa;
                spec(in, pf, &pa, sizeof(pf), 1, (v >> 2) % 5 < 2);
                put(cf, &ca, sizeof(cf), pf + before);
                put(pf, &pa, sizeof(pf), conv[(v >> 2) % 5]);
                put(cf, &ca, sizeof(cf), cconv[(v >> 2) % 5]);
                break;
            }
            case 4:
                put(pf, &pa, sizeof(pf), "wZ");
                put(cf, &ca, sizeof(cf), "s");
                break;
            case 5:
                put(pf, &pa, sizeof(pf), (v & 4) ? "S" : wide ? "hs" : "ls");
                put(cf, &ca, sizeof(cf), "s");
                break;
            default:
                put(pf, &pa, sizeof(pf), "c");
                put(cf, &ca, sizeof(cf), "c");
                break;
            }
        }
    }
    /* libc's answer: the same arguments, strings narrow. */
    full_n = snprintf(full, sizeof(full), cf, (int)a0, (unsigned)a1, s2, (long long)a3, s4, s5, a6);
    if (full_n < 0 || (size_t)full_n >= sizeof(full))
        return;
    {
        size_t cch = u8(in) % 300;
        unsigned which = (mode >> 1) % 3;
        NTSTATUS st, want;
        size_t got_n;
        if (which == 2) {
            /* RtlUnicodeStringPrintf: counted, no terminator. */
            UNICODE_STRING d;
            WCHAR wf[256];
            size_t max_chars = cch;
            WCHAR *buf = malloc(max_chars > 0 ? max_chars * sizeof(WCHAR) : 1);
            widen(pf, wf);
            d.Buffer = buf;
            d.Length = 0;
            d.MaximumLength = (USHORT)(max_chars * sizeof(WCHAR));
            st = RtlUnicodeStringPrintf(&d, wf, (int)a0, (unsigned)a1, w2, (long long)a3, &us4,
                                        s5, a6);
            if (max_chars == 0) {
                if (NT_SUCCESS(st) && full_n > 0)
                    fail("RtlUnicodeStringPrintf into an empty buffer", st, pf);
                free(buf);
                return;
            }
            want = (size_t)full_n <= max_chars ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
            if (st != want)
                fail("RtlUnicodeStringPrintf status", st, pf);
            got_n = d.Length / sizeof(WCHAR);
            if (got_n != ((size_t)full_n < max_chars ? (size_t)full_n : max_chars))
                fail("RtlUnicodeStringPrintf length", st, pf);
            for (size_t i = 0; i < got_n; i++)
                if (buf[i] != (WCHAR)(unsigned char)full[i])
                    fail("RtlUnicodeStringPrintf text", st, pf);
            free(buf);
            return;
        }
        if (wide) {
            WCHAR wf[256];
            WCHAR *buf = malloc(cch > 0 ? cch * sizeof(WCHAR) : 1);
            widen(pf, wf);
            if (which == 0)
                st = RtlStringCchPrintfW(buf, cch, wf, (int)a0, (unsigned)a1, w2, (long long)a3,
                                         &us4, s5, a6);
            else
                st = RtlStringCbPrintfW(buf, cch * sizeof(WCHAR), wf, (int)a0, (unsigned)a1, w2,
                                        (long long)a3, &us4, s5, a6);
            if (cch == 0) {
                if (st != STATUS_INVALID_PARAMETER)
                    fail("RtlStringC?PrintfW with no room", st, pf);
                free(buf);
                return;
            }
            want = (size_t)full_n < cch ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
            if (st != want)
                fail("RtlStringC?PrintfW status", st, pf);
            for (got_n = 0; got_n < cch && buf[got_n]; got_n++)
                ;
            if (got_n == cch)
                fail("RtlStringC?PrintfW left no terminator", st, pf);
            if (got_n != ((size_t)full_n < cch ? (size_t)full_n : cch - 1))
                fail("RtlStringC?PrintfW length", st, pf);
            for (size_t i = 0; i < got_n; i++)
                if (buf[i] != (WCHAR)(unsigned char)full[i])
                    fail("RtlStringC?PrintfW text", st, pf);
            free(buf);
        } else {
            char *buf = malloc(cch > 0 ? cch : 1);
            if (which == 0)
                st = RtlStringCchPrintfA(buf, cch, pf, (int)a0, (unsigned)a1, s2, (long long)a3,
                                         &us4, w5, a6);
            else
                st = RtlStringCbPrintfA(buf, cch, pf, (int)a0, (unsigned)a1, s2, (long long)a3,
                                        &us4, w5, a6);
            if (cch == 0) {
                if (st != STATUS_INVALID_PARAMETER)
                    fail("RtlStringC?PrintfA with no room", st, pf);
                free(buf);
                return;
            }
            want = (size_t)full_n < cch ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
            if (st != want)
                fail("RtlStringC?PrintfA status", st, pf);
            got_n = strnlen(buf, cch);
            if (got_n == cch)
                fail("RtlStringC?PrintfA left no terminator", st, pf);
            if (got_n != ((size_t)full_n < cch ? (size_t)full_n : cch - 1) ||
                memcmp(buf, full, got_n) != 0)
                fail("RtlStringC?PrintfA text", st, pf);
            free(buf);
        }
    }
}

/* ---- copy / cat / length --------------------------------------------------------------- */

static void fuzz_copy(input *in)
{
    size_t cch = u8(in) % 64, sn = u8(in) % 64, dn = u8(in) % 64;
    WCHAR *src = malloc((sn + 1) * sizeof(WCHAR));
    WCHAR *dst = malloc(cch > 0 ? cch * sizeof(WCHAR) : 1);
    unsigned op = u8(in) % 4;
    NTSTATUS st;
    size_t len;
    for (size_t i = 0; i < sn; i++)
        src[i] = (WCHAR)(1 + u8(in) % 0xFF);
    src[sn] = 0;
    /* The destination's previous content: dn characters then a terminator, if it fits. */
    for (size_t i = 0; i < cch; i++)
        dst[i] = (WCHAR)(i < dn ? 'a' + i % 26 : 0);
    switch (op) {
    case 0:
        st = RtlStringCchCopyW(dst, cch, src);
        if (cch == 0) {
            if (st != STATUS_INVALID_PARAMETER)
                fail("RtlStringCchCopyW size 0", st, NULL);
            break;
        }
        if (st != (sn < cch ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW))
            fail("RtlStringCchCopyW", st, NULL);
        len = sn < cch ? sn : cch - 1;
        if (memcmp(dst, src, len * sizeof(WCHAR)) != 0 || dst[len] != 0)
            fail("RtlStringCchCopyW text", st, NULL);
        break;
    case 1: {
        size_t n = u8(in) % 80;
        st = RtlStringCchCopyNW(dst, cch, src, n);
        if (cch == 0) {
            if (st != STATUS_INVALID_PARAMETER)
                fail("RtlStringCchCopyNW size 0", st, NULL);
            break;
        }
        {
            size_t want = sn < n ? sn : n;
            if (st != (want < cch ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW))
                fail("RtlStringCchCopyNW", st, NULL);
            len = want < cch ? want : cch - 1;
            if (memcmp(dst, src, len * sizeof(WCHAR)) != 0 || dst[len] != 0)
                fail("RtlStringCchCopyNW text", st, NULL);
        }
        break;
    }
    case 2: {
        int terminated = dn < cch;
        st = RtlStringCchCatW(dst, cch, src);
        if (cch == 0 || !terminated) {
            if (st != STATUS_INVALID_PARAMETER)
                fail("RtlStringCchCatW on a full or empty buffer", st, NULL);
            break;
        }
        if (st != (dn + sn < cch ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW))
            fail("RtlStringCchCatW", st, NULL);
        len = dn + sn < cch ? dn + sn : cch - 1;
        if (dst[len] != 0 || memcmp(dst + dn, src, (len - dn) * sizeof(WCHAR)) != 0)
            fail("RtlStringCchCatW text", st, NULL);
        break;
    }
    default: {
        size_t got = 12345;
        int terminated = dn < cch;
        st = RtlStringCchLengthW(cch > 0 ? dst : NULL, cch, &got);
        if (cch == 0 || !terminated) {
            if (st != STATUS_INVALID_PARAMETER)
                fail("RtlStringCchLengthW without a terminator", st, NULL);
            break;
        }
        if (st != STATUS_SUCCESS || got != dn)
            fail("RtlStringCchLengthW", st, NULL);
        {
            char *a = malloc(cch);
            for (size_t i = 0; i < cch; i++)
                a[i] = (char)dst[i];
            st = RtlStringCchLengthA(a, cch, &got);
            if (st != STATUS_SUCCESS || got != dn)
                fail("RtlStringCchLengthA", st, NULL);
            free(a);
        }
        break;
    }
    }
    free(src);
    free(dst);
}

/* ---- UNICODE_STRING routines ------------------------------------------------------------ */

/* A UNICODE_STRING with fuzzed shape; *ok when well formed. The buffer is exactly
 * MaximumLength bytes (or absent). */
static void ustr_of(input *in, UNICODE_STRING *s, WCHAR **mem, int *ok)
{
    unsigned shape = u8(in);
    USHORT max = (USHORT)(u8(in) % 48 * 2), len = (USHORT)(u8(in) % 48 * 2);
    if (len > max)
        len = max;
    *mem = malloc(max > 0 ? max : 1);
    for (size_t i = 0; i < max / 2u; i++)
        (*mem)[i] = (WCHAR)((shape & 8) ? 0x41 + u8(in) % 26 + (u8(in) & 1) * 32
                                        : u8(in) | (u8(in) & 1) << 8);
    s->Buffer = *mem;
    s->Length = len;
    s->MaximumLength = max;
    *ok = 1;
    switch (shape % 8) {
    case 5: s->Length |= 1; *ok = 0; break;                         /* odd */
    case 6: s->Length = (USHORT)(max + 2); *ok = 0; break;          /* Length > Maximum */
    case 7: /* NULL buffer: well formed only when it claims no room at all */
        s->Buffer = NULL;
        *ok = s->Length == 0 && s->MaximumLength == 0;
        break;
    default: break;
    }
}

static WCHAR up(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 32) : c;
}

static void fuzz_ustr(input *in)
{
    UNICODE_STRING a, b;
    WCHAR *ma, *mb;
    int oka, okb;
    unsigned op = u8(in) % 9;
    BOOLEAN ci = (BOOLEAN)(u8(in) & 1);
    NTSTATUS st;
    ustr_of(in, &a, &ma, &oka);
    ustr_of(in, &b, &mb, &okb);
    switch (op) {
    case 0: { /* RtlCopyUnicodeString(a <- b): as much as fits. */
        size_t n;
        RtlCopyUnicodeString(&a, &b);
        if (!oka || !okb)
            break;
        n = b.Length < a.MaximumLength ? b.Length : a.MaximumLength;
        if (a.Length != n || (n > 0 && memcmp(a.Buffer, b.Buffer, n) != 0))
            fail("RtlCopyUnicodeString", 0, NULL);
        break;
    }
    case 1: { /* RtlAppendUnicodeStringToString: all or STATUS_BUFFER_TOO_SMALL. */
        USHORT old = a.Length;
        st = RtlAppendUnicodeStringToString(&a, &b);
        if (!oka || !okb)
            break;
        if ((size_t)old + b.Length > a.MaximumLength) {
            if (st != STATUS_BUFFER_TOO_SMALL || a.Length != old)
                fail("RtlAppendUnicodeStringToString (too small)", st, NULL);
        } else if (st != STATUS_SUCCESS || a.Length != old + b.Length ||
                   (b.Length > 0 && memcmp((char *)a.Buffer + old, b.Buffer, b.Length) != 0)) {
            fail("RtlAppendUnicodeStringToString", st, NULL);
        }
        break;
    }
    case 2: case 3: { /* Compare / Equal / Prefix against a plain loop (ASCII fold). */
        LONG c = RtlCompareUnicodeString(&a, &b, ci);
        BOOLEAN eq = RtlEqualUnicodeString(&a, &b, ci);
        BOOLEAN pre = RtlPrefixUnicodeString(&a, &b, ci);
        size_t na, nb, i, k;
        int ascii = 1;
        if (!oka || !okb)
            break;
        na = a.Length / 2;
        nb = b.Length / 2;
        for (i = 0; i < na; i++)
            ascii &= a.Buffer[i] < 0x80;
        for (i = 0; i < nb; i++)
            ascii &= b.Buffer[i] < 0x80;
        if (ci && !ascii)
            break; /* full Unicode folding is not modelled here */
        for (k = 0; k < na && k < nb; k++) {
            WCHAR x = ci ? up(a.Buffer[k]) : a.Buffer[k], y = ci ? up(b.Buffer[k]) : b.Buffer[k];
            if (x != y)
                break;
        }
        {
            int want = k < na && k < nb
                           ? ((ci ? up(a.Buffer[k]) : a.Buffer[k]) <
                                      (ci ? up(b.Buffer[k]) : b.Buffer[k])
                                  ? -1
                                  : 1)
                       : na < nb ? -1
                       : na > nb ? 1
                                 : 0;
            if ((c < 0 ? -1 : c > 0) != want)
                fail("RtlCompareUnicodeString sign", 0, NULL);
            if (!eq != !(want == 0))
                fail("RtlEqualUnicodeString", 0, NULL);
            if (!pre != !(k == na && na <= nb))
                fail("RtlPrefixUnicodeString", 0, NULL);
        }
        break;
    }
    case 4: case 5: { /* Upcase / Downcase, allocating or in place. */
        UNICODE_STRING d;
        int alloc = (int)(u8(in) & 1);
        d = a;
        if (op == 4)
            st = RtlUpcaseUnicodeString(alloc ? &d : &a, &b, alloc ? TRUE : FALSE);
        else
            st = RtlDowncaseUnicodeString(alloc ? &d : &a, &b, alloc ? TRUE : FALSE);
        if (NT_SUCCESS(st) && alloc)
            RtlFreeUnicodeString(&d);
        if (oka && okb && !alloc && b.Length > a.MaximumLength && NT_SUCCESS(st))
            fail("Rtl*caseUnicodeString into a short buffer succeeded", st, NULL);
        break;
    }
    case 6: { /* RtlUnicodeStringToAnsiString, allocating. */
        ANSI_STRING s;
        memset(&s, 0, sizeof(s));
        st = RtlUnicodeStringToAnsiString(&s, &b, TRUE);
        if (NT_SUCCESS(st)) {
            if ((b.Length & 1) || b.Length > b.MaximumLength || (b.Buffer == NULL && b.Length))
                fail("RtlUnicodeStringToAnsiString accepted a malformed string", st, NULL);
            if (s.Length != b.Length / 2 || s.Buffer[s.Length] != 0)
                fail("RtlUnicodeStringToAnsiString length", st, NULL);
            RtlFreeAnsiString(&s);
        }
        break;
    }
    case 7: /* RtlUnicodeStringCopy (ntstrsafe) */
        st = RtlUnicodeStringCopy(&a, &b);
        if (!oka || !okb) {
            if (NT_SUCCESS(st))
                fail("RtlUnicodeStringCopy accepted a malformed string", st, NULL);
            break;
        }
        if (a.MaximumLength == 0 && b.Length > 0) {
            if (NT_SUCCESS(st))
                fail("RtlUnicodeStringCopy into nothing", st, NULL);
            break;
        }
        if (st != (b.Length <= a.MaximumLength ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW) &&
            !(a.Buffer == NULL && st == STATUS_INVALID_PARAMETER))
            fail("RtlUnicodeStringCopy", st, NULL);
        break;
    default: { /* RtlUnicodeStringCat (ntstrsafe) */
        USHORT old = a.Length;
        st = RtlUnicodeStringCat(&a, &b);
        if (!oka || !okb) {
            if (NT_SUCCESS(st))
                fail("RtlUnicodeStringCat accepted a malformed string", st, NULL);
            break;
        }
        if (NT_SUCCESS(st) && (size_t)old + b.Length > a.MaximumLength)
            fail("RtlUnicodeStringCat claims a fit", st, NULL);
        if (st == STATUS_SUCCESS && a.Length != old + b.Length)
            fail("RtlUnicodeStringCat length", st, NULL);
        break;
    }
    }
    free(ma);
    free(mb);
}

static pnpsim_system *Sys;

static void teardown(void)
{
    pnpsim_system_leave(Sys);
    pnpsim_system_destroy(Sys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size, 0};
    if (Sys == NULL) {
        pnpsim_config cfg = PNPSIM_CONFIG_INIT;
        cfg.name = "fuzz_strsafe";
        if (!NT_SUCCESS(pnpsim_system_create(&cfg, &Sys)))
            abort();
        /* Misuse of a DDI that bug checks on Windows is recorded, not fatal. */
        pnpsim_system_set_bugcheck_handler(Sys, pnpsim_bugcheck_record_and_continue, NULL);
        pnpsim_system_enter(Sys);
        atexit(teardown);
    }
    for (int round = 0; round < 16 && in.at < in.n; round++) {
        switch (u8(&in) % 3) {
        case 0: fuzz_printf(&in); break;
        case 1: fuzz_copy(&in); break;
        default: fuzz_ustr(&in); break;
        }
    }
    if (pnpsim_system_pool_outstanding(Sys, NULL) != 0)
        fail("pool outstanding", 0, NULL);
    return 0;
}
