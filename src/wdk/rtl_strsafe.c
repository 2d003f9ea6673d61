/* SPDX-License-Identifier: MIT */
/*
 * This file implements pnpsim's <ntstrsafe.h>: the bounded copy, concatenate, length and
 * printf functions on NUL-terminated WCHAR and char buffers, the RtlUnicodeString* family
 * on counted strings, and the one formatter behind every printf variant. The formatter is
 * written here (never libc's wide printf, whose wchar_t is 32 bits on Linux) and follows the
 * Windows kernel conventions: %s takes the width of the function (wide in W, char in A),
 * %S the other one, %wZ a PUNICODE_STRING, %Z a PANSI_STRING, l is 32 bits, I64 / ll are
 * 64 bits and I / z are pointer-sized.
 *
 * Windows behaviour shared by every function here (ntstrsafe.h pages on Microsoft Learn,
 * e.g. RtlStringCchCopyW, RtlStringCchCatW, RtlUnicodeStringCat): STATUS_SUCCESS when the
 * whole result fit; STATUS_BUFFER_OVERFLOW when it was truncated (a NUL-terminated buffer is
 * still terminated); STATUS_INVALID_PARAMETER for a NULL pointer, a size of zero or above
 * NTSTRSAFE_MAX_CCH, a destination already full (no terminator within its size) or a
 * malformed UNICODE_STRING. The UNICODE_STRING functions never write a terminator.
 * Simulation: as documented. Where the WDK's inline versions would fault on a NULL
 * argument, these return STATUS_INVALID_PARAMETER; a failed copy or printf into a buffer of
 * valid size leaves it holding the empty string.
 */
#include "pnpsim_int.h"
#include "pnpsim/wdk/ntstrsafe.h"

/* ======================================================================================
 * Unit access: one worker serves the WCHAR and char forms.
 * ==================================================================================== */

static uint32_t unit_get(const void *p, bool wide, size_t i)
{
    return wide ? ((const WCHAR *)p)[i] : (uint32_t)((const unsigned char *)p)[i];
}

/* Store u; a unit that does not fit a char (Latin-1 convention) becomes '?'. */
static void unit_put(void *p, bool wide, size_t i, uint32_t u)
{
    if (wide)
        ((WCHAR *)p)[i] = (WCHAR)u;
    else
        ((char *)p)[i] = (char)(unsigned char)(u <= 0xFF ? u : '?');
}

/* Length of a NUL-terminated string, looking at no more than max units; returns max when
 * no terminator was found within them. */
static size_t bounded_len(const void *s, bool wide, size_t max)
{
    size_t n = 0;
    while (n < max && unit_get(s, wide, n) != 0)
        n++;
    return n;
}

/* ======================================================================================
 * The formatter
 * ==================================================================================== */

typedef struct fmt_out {
    void *buf;
    bool wide;
    size_t cap;     /* units available for text (the terminator, if any, is not counted) */
    size_t len;     /* units written */
    bool truncated; /* some output did not fit; once set nothing more is written */
} fmt_out;

static void out_unit(fmt_out *o, uint32_t u)
{
    if (o->truncated)
        return;
    if (o->len >= o->cap) {
        o->truncated = true;
        return;
    }
    unit_put(o->buf, o->wide, o->len++, u);
}

static void out_repeat(fmt_out *o, uint32_t u, size_t count)
{
    while (count-- > 0 && !o->truncated)
        out_unit(o, u);
}

enum size_mod {
    SZ_NONE,
    SZ_HH,
    SZ_H,
    SZ_L,  /* l: 32 bits (LONG), or wide for c/s */
    SZ_LL, /* ll, I64: 64 bits */
    SZ_I32,
    SZ_PTR,  /* I, z, t: pointer-sized */
    SZ_J,    /* intmax_t */
    SZ_W,    /* w: wide for c, s, Z */
    SZ_LDBL, /* L: long double */
};

typedef struct fmt_spec {
    bool left, plus, space, zero, alt;
    int width; /* 0 when absent */
    int prec;  /* -1 when absent */
    enum size_mod size;
} fmt_spec;

/* Emit text (wide or narrow units) honouring width, precision and '-'. */
static void emit_text(fmt_out *o, const fmt_spec *sp, const void *text, bool text_wide, size_t len)
{
    size_t i, pad = 0;
    if (sp->prec >= 0 && (size_t)sp->prec < len)
        len = (size_t)sp->prec;
    if (sp->width > 0 && (size_t)sp->width > len)
        pad = (size_t)sp->width - len;
    if (!sp->left)
        out_repeat(o, ' ', pad);
    for (i = 0; i < len && !o->truncated; i++)
        out_unit(o, unit_get(text, text_wide, i));
    if (sp->left)
        out_repeat(o, ' ', pad);
}

static void emit_int(fmt_out *o, const fmt_spec *sp, uint64_t mag, bool negative, bool is_signed,
                     unsigned base, bool upper)
{
    const char *digs = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[72];
    char prefix[3];
    size_t nd = 0, np = 0, zeros = 0, body, pad = 0;
    uint64_t v = mag;

    if (!(sp->prec == 0 && mag == 0)) {
        do {
            digits[nd++] = digs[v % base];
            v /= base;
        } while (v != 0);
    }
    if (is_signed) {
        if (negative)
            prefix[np++] = '-';
        else if (sp->plus)
            prefix[np++] = '+';
        else if (sp->space)
            prefix[np++] = ' ';
    }
    if (sp->alt && base == 16 && mag != 0) {
        prefix[np++] = '0';
        prefix[np++] = upper ? 'X' : 'x';
    }
    if (sp->prec > 0 && (size_t)sp->prec > nd)
        zeros = (size_t)sp->prec - nd;
    if (sp->alt && base == 8 && zeros == 0 && (nd == 0 || digits[nd - 1] != '0'))
        zeros = 1;
    body = np + zeros + nd;
    if (sp->width > 0 && (size_t)sp->width > body) {
        if (sp->zero && !sp->left && sp->prec < 0)
            zeros += (size_t)sp->width - body;
        else
            pad = (size_t)sp->width - body;
    }
    if (!sp->left)
        out_repeat(o, ' ', pad);
    for (size_t i = 0; i < np; i++)
        out_unit(o, (unsigned char)prefix[i]);
    out_repeat(o, '0', zeros);
    while (nd > 0 && !o->truncated)
        out_unit(o, (unsigned char)digits[--nd]);
    if (sp->left)
        out_repeat(o, ' ', pad);
}

static void emit_float(fmt_out *o, const fmt_spec *sp, double value, char conv)
{
    char spec[16], text[768];
    size_t n = 0;
    int len;
    fmt_spec plain = *sp;
    spec[n++] = '%';
    if (sp->left)
        spec[n++] = '-';
    if (sp->plus)
        spec[n++] = '+';
    if (sp->space)
        spec[n++] = ' ';
    if (sp->zero)
        spec[n++] = '0';
    if (sp->alt)
        spec[n++] = '#';
    spec[n++] = '*';
    spec[n++] = '.';
    spec[n++] = '*';
    spec[n++] = conv;
    spec[n] = '\0';
    /* libc formats the number (narrow snprintf is fine; only wide printf has the wrong
     * width). Width is applied by libc only when it fits the local buffer, otherwise by
     * emit_text; precision is capped so the longest %f of a double still fits. */
    len = snprintf(text, sizeof(text), spec, sp->width > 400 ? 0 : sp->width,
                   sp->prec > 300 ? 300 : sp->prec, value);
    if (len < 0)
        return;
    if ((size_t)len >= sizeof(text))
        len = (int)sizeof(text) - 1;
    plain.prec = -1;
    plain.zero = false;
    emit_text(o, &plain, text, false, (size_t)len);
}

/* Read the format's unit at *i (0 at the end). */
static uint32_t fmt_peek(const void *fmt, bool wide, size_t i)
{
    return unit_get(fmt, wide, i);
}

static const char null_text[] = "(null)";

/* Format into o. fmt_wide says whether the format (and the "natural" width of %s and %c)
 * is WCHAR. */
static void format(fmt_out *o, const void *fmt, bool fmt_wide, va_list *ap)
{
    size_t i = 0, start;
    uint32_t c;

    while ((c = fmt_peek(fmt, fmt_wide, i)) != 0 && !o->truncated) {
        fmt_spec sp;
        bool known = true;
        if (c != '%') {
            out_unit(o, c);
            i++;
            continue;
        }
        start = i++;
        memset(&sp, 0, sizeof(sp));
        sp.prec = -1;
        /* flags */
        for (;; i++) {
            c = fmt_peek(fmt, fmt_wide, i);
            if (c == '-')
                sp.left = true;
            else if (c == '+')
                sp.plus = true;
            else if (c == ' ')
                sp.space = true;
            else if (c == '0')
                sp.zero = true;
            else if (c == '#')
                sp.alt = true;
            else
                break;
        }
        /* width */
        if (c == '*') {
            int w = va_arg(*ap, int);
            if (w < 0) {
                sp.left = true;
                w = w == INT32_MIN ? INT32_MAX : -w;
            }
            sp.width = w;
            c = fmt_peek(fmt, fmt_wide, ++i);
        } else {
            while (c >= '0' && c <= '9') {
                if (sp.width < NTSTRSAFE_MAX_CCH / 10)
                    sp.width = sp.width * 10 + (int)(c - '0');
                c = fmt_peek(fmt, fmt_wide, ++i);
            }
        }
        /* precision */
        if (c == '.') {
            c = fmt_peek(fmt, fmt_wide, ++i);
            sp.prec = 0;
            if (c == '*') {
                int p = va_arg(*ap, int);
                sp.prec = p < 0 ? -1 : p;
                c = fmt_peek(fmt, fmt_wide, ++i);
            } else {
                while (c >= '0' && c <= '9') {
                    if (sp.prec < NTSTRSAFE_MAX_CCH / 10)
                        sp.prec = sp.prec * 10 + (int)(c - '0');
                    c = fmt_peek(fmt, fmt_wide, ++i);
                }
            }
        }
        /* size */
        if (c == 'h') {
            sp.size = SZ_H;
            c = fmt_peek(fmt, fmt_wide, ++i);
            if (c == 'h') {
                sp.size = SZ_HH;
                c = fmt_peek(fmt, fmt_wide, ++i);
            }
        } else if (c == 'l') {
            sp.size = SZ_L;
            c = fmt_peek(fmt, fmt_wide, ++i);
            if (c == 'l') {
                sp.size = SZ_LL;
                c = fmt_peek(fmt, fmt_wide, ++i);
            }
        } else if (c == 'w') {
            sp.size = SZ_W;
            c = fmt_peek(fmt, fmt_wide, ++i);
        } else if (c == 'I') {
            if (fmt_peek(fmt, fmt_wide, i + 1) == '6' && fmt_peek(fmt, fmt_wide, i + 2) == '4') {
                sp.size = SZ_LL;
                i += 3;
            } else if (fmt_peek(fmt, fmt_wide, i + 1) == '3' &&
                       fmt_peek(fmt, fmt_wide, i + 2) == '2') {
                sp.size = SZ_I32;
                i += 3;
            } else {
                sp.size = SZ_PTR;
                i += 1;
            }
            c = fmt_peek(fmt, fmt_wide, i);
        } else if (c == 'z' || c == 't') {
            sp.size = SZ_PTR;
            c = fmt_peek(fmt, fmt_wide, ++i);
        } else if (c == 'j') {
            sp.size = SZ_J;
            c = fmt_peek(fmt, fmt_wide, ++i);
        } else if (c == 'L') {
            sp.size = SZ_LDBL;
            c = fmt_peek(fmt, fmt_wide, ++i);
        }

        switch (c) {
        case '%':
            out_unit(o, '%');
            break;
        case 'c':
        case 'C': {
            /* %c is the function's own width, %C the other; h forces char, l/w WCHAR.
             * Either way the argument arrives promoted to int. */
            int v = va_arg(*ap, int);
            bool wide = (c == 'c') ? fmt_wide : !fmt_wide;
            WCHAR wc;
            if (sp.size == SZ_H)
                wide = false;
            else if (sp.size == SZ_L || sp.size == SZ_W)
                wide = true;
            wc = wide ? (WCHAR)v : (WCHAR)(unsigned char)v;
            sp.prec = -1;
            emit_text(o, &sp, &wc, true, 1);
            break;
        }
        case 's':
        case 'S': {
            const void *s = va_arg(*ap, const void *);
            bool wide = (c == 's') ? fmt_wide : !fmt_wide;
            size_t max = sp.prec >= 0 ? (size_t)sp.prec : (size_t)NTSTRSAFE_MAX_CCH;
            if (sp.size == SZ_H)
                wide = false;
            else if (sp.size == SZ_L || sp.size == SZ_W)
                wide = true;
            if (s == NULL)
                emit_text(o, &sp, null_text, false, sizeof(null_text) - 1);
            else
                emit_text(o, &sp, s, wide, bounded_len(s, wide, max));
            break;
        }
        case 'Z': {
            /* %wZ (or %lZ): PUNICODE_STRING; %Z / %hZ: PANSI_STRING (in both W and A). */
            if (sp.size == SZ_W || sp.size == SZ_L) {
                PCUNICODE_STRING us = va_arg(*ap, PCUNICODE_STRING);
                if (us == NULL || us->Buffer == NULL)
                    emit_text(o, &sp, null_text, false, sizeof(null_text) - 1);
                else
                    emit_text(o, &sp, us->Buffer, true, us->Length / sizeof(WCHAR));
            } else {
                PCANSI_STRING as = va_arg(*ap, PCANSI_STRING);
                if (as == NULL || as->Buffer == NULL)
                    emit_text(o, &sp, null_text, false, sizeof(null_text) - 1);
                else
                    emit_text(o, &sp, as->Buffer, false, as->Length);
            }
            break;
        }
        case 'd':
        case 'i': {
            int64_t v;
            switch (sp.size) {
            case SZ_LL:
                v = va_arg(*ap, long long);
                break;
            case SZ_J:
                v = (int64_t)va_arg(*ap, intmax_t);
                break;
            case SZ_PTR:
                v = (int64_t)va_arg(*ap, ptrdiff_t);
                break;
            case SZ_H:
                v = (short)va_arg(*ap, int);
                break;
            case SZ_HH:
                v = (signed char)va_arg(*ap, int);
                break;
            default: /* none, l (LONG is 32 bits), I32 */
                v = va_arg(*ap, int);
                break;
            }
            emit_int(o, &sp, v < 0 ? 0u - (uint64_t)v : (uint64_t)v, v < 0, true, 10, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v;
            switch (sp.size) {
            case SZ_LL:
                v = va_arg(*ap, unsigned long long);
                break;
            case SZ_J:
                v = (uint64_t)va_arg(*ap, uintmax_t);
                break;
            case SZ_PTR:
                v = (uint64_t)va_arg(*ap, size_t);
                break;
            case SZ_H:
                v = (unsigned short)va_arg(*ap, unsigned int);
                break;
            case SZ_HH:
                v = (unsigned char)va_arg(*ap, unsigned int);
                break;
            default:
                v = va_arg(*ap, unsigned int);
                break;
            }
            emit_int(o, &sp, v, false, false, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X');
            break;
        }
        case 'p': {
            /* Windows prints a pointer as upper-case hex, zero-padded to its full width. */
            void *p = va_arg(*ap, void *);
            fmt_spec pp = sp;
            pp.prec = (int)(sizeof(void *) * 2);
            pp.alt = false;
            pp.plus = pp.space = false;
            emit_int(o, &pp, (uint64_t)(uintptr_t)p, false, false, 16, true);
            break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A': {
            long double v;
            if (sp.size == SZ_LDBL)
                v = va_arg(*ap, long double);
            else
                v = va_arg(*ap, double);
            emit_float(o, &sp, (double)v, (char)c);
            break;
        }
        default:
            known = false;
            break;
        }
        if (!known) {
            /* Unknown conversion (or %n, which Windows refuses): copy it through as text
             * without consuming an argument. */
            size_t k;
            for (k = start; k < i; k++)
                out_unit(o, fmt_peek(fmt, fmt_wide, k));
            if (c == 0)
                break;
            out_unit(o, c);
        }
        i++;
    }
}

/* ======================================================================================
 * NUL-terminated buffer workers (wide selects WCHAR or char)
 * ==================================================================================== */

static NTSTATUS bad_param(const char *ddi, const char *why)
{
    return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: %s", ddi, why);
}

/* A destination size in characters is valid: 1..NTSTRSAFE_MAX_CCH. */
static bool cch_valid(size_t cch)
{
    return cch != 0 && cch <= NTSTRSAFE_MAX_CCH;
}

/* Copy up to max_src units of src (stopping at its terminator) to dest[0..cch), always
 * terminating. */
static NTSTATUS copy_worker(void *dest, size_t cch, const void *src, size_t max_src, bool wide,
                            const char *ddi)
{
    size_t i = 0;
    if (!cch_valid(cch))
        return bad_param(ddi, "destination size is 0 or above NTSTRSAFE_MAX_CCH");
    if (dest == NULL)
        return bad_param(ddi, "destination is NULL");
    if (src == NULL) {
        unit_put(dest, wide, 0, 0);
        return bad_param(ddi, "source is NULL");
    }
    while (i < max_src && unit_get(src, wide, i) != 0) {
        if (i == cch - 1) {
            unit_put(dest, wide, i, 0);
            return pnpsim__status(STATUS_BUFFER_OVERFLOW, "%s: truncated to %lu characters", ddi,
                                  (unsigned long)i);
        }
        unit_put(dest, wide, i, unit_get(src, wide, i));
        i++;
    }
    unit_put(dest, wide, i, 0);
    return STATUS_SUCCESS;
}

static NTSTATUS cat_worker(void *dest, size_t cch, const void *src, bool wide, const char *ddi)
{
    size_t len;
    if (!cch_valid(cch))
        return bad_param(ddi, "destination size is 0 or above NTSTRSAFE_MAX_CCH");
    if (dest == NULL || src == NULL)
        return bad_param(ddi, "NULL pointer");
    len = bounded_len(dest, wide, cch);
    if (len == cch)
        return bad_param(ddi, "destination is not terminated within its size (already full)");
    if (wide)
        return copy_worker((WCHAR *)dest + len, cch - len, src, (size_t)NTSTRSAFE_MAX_CCH, true,
                           ddi);
    return copy_worker((char *)dest + len, cch - len, src, (size_t)NTSTRSAFE_MAX_CCH, false, ddi);
}

static NTSTATUS length_worker(const void *psz, size_t cch_max, size_t *out, bool wide,
                              const char *ddi)
{
    size_t len;
    if (out != NULL)
        *out = 0;
    if (psz == NULL)
        return bad_param(ddi, "string is NULL");
    if (cch_max > NTSTRSAFE_MAX_CCH)
        return bad_param(ddi, "maximum is above NTSTRSAFE_MAX_CCH");
    len = bounded_len(psz, wide, cch_max);
    if (len == cch_max)
        return bad_param(ddi, "string is longer than the maximum");
    if (out != NULL)
        *out = len;
    return STATUS_SUCCESS;
}

static NTSTATUS printf_worker(void *dest, size_t cch, const void *fmt, bool wide, va_list *ap,
                              const char *ddi)
{
    fmt_out o;
    if (!cch_valid(cch))
        return bad_param(ddi, "destination size is 0 or above NTSTRSAFE_MAX_CCH");
    if (dest == NULL)
        return bad_param(ddi, "destination is NULL");
    if (fmt == NULL) {
        unit_put(dest, wide, 0, 0);
        return bad_param(ddi, "format is NULL");
    }
    o.buf = dest;
    o.wide = wide;
    o.cap = cch - 1;
    o.len = 0;
    o.truncated = false;
    format(&o, fmt, wide, ap);
    unit_put(dest, wide, o.len, 0);
    if (o.truncated)
        return pnpsim__status(STATUS_BUFFER_OVERFLOW, "%s: output truncated to %lu characters", ddi,
                              (unsigned long)o.len);
    return STATUS_SUCCESS;
}

/* Byte counts to character counts; a byte size above the maximum maps to an invalid count. */
static size_t cb_to_cch_w(size_t cb)
{
    if (cb > (size_t)NTSTRSAFE_MAX_CCH * sizeof(WCHAR))
        return (size_t)NTSTRSAFE_MAX_CCH + 1;
    return cb / sizeof(WCHAR);
}

/* ======================================================================================
 * Copy
 * ==================================================================================== */

NTSTATUS NTAPI RtlStringCchCopyW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc)
{
    return copy_worker(pszDest, cchDest, pszSrc, (size_t)NTSTRSAFE_MAX_CCH, true,
                       "RtlStringCchCopyW");
}

NTSTATUS NTAPI RtlStringCchCopyA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc)
{
    return copy_worker(pszDest, cchDest, pszSrc, (size_t)NTSTRSAFE_MAX_CCH, false,
                       "RtlStringCchCopyA");
}

NTSTATUS NTAPI RtlStringCbCopyW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc)
{
    return copy_worker(pszDest, cb_to_cch_w(cbDest), pszSrc, (size_t)NTSTRSAFE_MAX_CCH, true,
                       "RtlStringCbCopyW");
}

NTSTATUS NTAPI RtlStringCbCopyA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc)
{
    return copy_worker(pszDest, cbDest, pszSrc, (size_t)NTSTRSAFE_MAX_CCH, false,
                       "RtlStringCbCopyA");
}

/* The N forms read at most cchToCopy characters of the source (which need not be
 * terminated within them); cchToCopy above NTSTRSAFE_MAX_CCH is STATUS_INVALID_PARAMETER
 * (RtlStringCchCopyNW, Microsoft Learn). */
NTSTATUS NTAPI RtlStringCchCopyNW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, STRSAFE_PCNZWCH pszSrc,
                                  size_t cchToCopy)
{
    if (cchToCopy > NTSTRSAFE_MAX_CCH) {
        if (pszDest != NULL && cch_valid(cchDest))
            pszDest[0] = 0;
        return bad_param("RtlStringCchCopyNW", "cchToCopy is above NTSTRSAFE_MAX_CCH");
    }
    return copy_worker(pszDest, cchDest, pszSrc, cchToCopy, true, "RtlStringCchCopyNW");
}

NTSTATUS NTAPI RtlStringCchCopyNA(NTSTRSAFE_PSTR pszDest, size_t cchDest, STRSAFE_PCNZCH pszSrc,
                                  size_t cchToCopy)
{
    if (cchToCopy > NTSTRSAFE_MAX_CCH) {
        if (pszDest != NULL && cch_valid(cchDest))
            pszDest[0] = 0;
        return bad_param("RtlStringCchCopyNA", "cchToCopy is above NTSTRSAFE_MAX_CCH");
    }
    return copy_worker(pszDest, cchDest, pszSrc, cchToCopy, false, "RtlStringCchCopyNA");
}

NTSTATUS NTAPI RtlStringCbCopyNW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, STRSAFE_PCNZWCH pszSrc,
                                 size_t cbToCopy)
{
    size_t cch = cb_to_cch_w(cbDest);
    if (cbToCopy > (size_t)NTSTRSAFE_MAX_CCH * sizeof(WCHAR)) {
        if (pszDest != NULL && cch_valid(cch))
            pszDest[0] = 0;
        return bad_param("RtlStringCbCopyNW", "cbToCopy is above the maximum");
    }
    return copy_worker(pszDest, cch, pszSrc, cbToCopy / sizeof(WCHAR), true, "RtlStringCbCopyNW");
}

NTSTATUS NTAPI RtlStringCbCopyNA(NTSTRSAFE_PSTR pszDest, size_t cbDest, STRSAFE_PCNZCH pszSrc,
                                 size_t cbToCopy)
{
    return RtlStringCchCopyNA(pszDest, cbDest, pszSrc, cbToCopy);
}

/* ======================================================================================
 * Concatenate
 * ==================================================================================== */

NTSTATUS NTAPI RtlStringCchCatW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc)
{
    return cat_worker(pszDest, cchDest, pszSrc, true, "RtlStringCchCatW");
}

NTSTATUS NTAPI RtlStringCchCatA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc)
{
    return cat_worker(pszDest, cchDest, pszSrc, false, "RtlStringCchCatA");
}

NTSTATUS NTAPI RtlStringCbCatW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc)
{
    return cat_worker(pszDest, cb_to_cch_w(cbDest), pszSrc, true, "RtlStringCbCatW");
}

NTSTATUS NTAPI RtlStringCbCatA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc)
{
    return cat_worker(pszDest, cbDest, pszSrc, false, "RtlStringCbCatA");
}

/* ======================================================================================
 * Length
 * ==================================================================================== */

NTSTATUS NTAPI RtlStringCchLengthW(STRSAFE_PCNZWCH psz, size_t cchMax, size_t *pcchLength)
{
    return length_worker(psz, cchMax, pcchLength, true, "RtlStringCchLengthW");
}

NTSTATUS NTAPI RtlStringCchLengthA(STRSAFE_PCNZCH psz, size_t cchMax, size_t *pcchLength)
{
    return length_worker(psz, cchMax, pcchLength, false, "RtlStringCchLengthA");
}

/* The Cb forms take and return byte counts (the terminator never counted). */
NTSTATUS NTAPI RtlStringCbLengthW(STRSAFE_PCNZWCH psz, size_t cbMax, size_t *pcbLength)
{
    size_t cch = 0;
    NTSTATUS st = length_worker(psz, cb_to_cch_w(cbMax), &cch, true, "RtlStringCbLengthW");
    if (pcbLength != NULL)
        *pcbLength = NT_SUCCESS(st) ? cch * sizeof(WCHAR) : 0;
    return st;
}

NTSTATUS NTAPI RtlStringCbLengthA(STRSAFE_PCNZCH psz, size_t cbMax, size_t *pcbLength)
{
    return length_worker(psz, cbMax, pcbLength, false, "RtlStringCbLengthA");
}

/* ======================================================================================
 * Formatted output
 * ==================================================================================== */

NTSTATUS NTAPI RtlStringCchVPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cchDest,
                                    NTSTRSAFE_PCWSTR pszFormat, va_list argList)
{
    va_list ap;
    NTSTATUS st;
    va_copy(ap, argList);
    st = printf_worker(pszDest, cchDest, pszFormat, true, &ap, "RtlStringCchVPrintfW");
    va_end(ap);
    return st;
}

NTSTATUS NTAPI RtlStringCchVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest,
                                    NTSTRSAFE_PCSTR pszFormat, va_list argList)
{
    va_list ap;
    NTSTATUS st;
    va_copy(ap, argList);
    st = printf_worker(pszDest, cchDest, pszFormat, false, &ap, "RtlStringCchVPrintfA");
    va_end(ap);
    return st;
}

NTSTATUS NTAPI RtlStringCbVPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cbDest,
                                   NTSTRSAFE_PCWSTR pszFormat, va_list argList)
{
    va_list ap;
    NTSTATUS st;
    va_copy(ap, argList);
    st = printf_worker(pszDest, cb_to_cch_w(cbDest), pszFormat, true, &ap, "RtlStringCbVPrintfW");
    va_end(ap);
    return st;
}

NTSTATUS NTAPI RtlStringCbVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat,
                                   va_list argList)
{
    va_list ap;
    NTSTATUS st;
    va_copy(ap, argList);
    st = printf_worker(pszDest, cbDest, pszFormat, false, &ap, "RtlStringCbVPrintfA");
    va_end(ap);
    return st;
}

NTSTATUS __cdecl RtlStringCchPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cchDest,
                                     NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, pszFormat);
    st = printf_worker(pszDest, cchDest, pszFormat, true, &ap, "RtlStringCchPrintfW");
    va_end(ap);
    return st;
}

NTSTATUS __cdecl RtlStringCchPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest,
                                     NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, pszFormat);
    st = printf_worker(pszDest, cchDest, pszFormat, false, &ap, "RtlStringCchPrintfA");
    va_end(ap);
    return st;
}

NTSTATUS __cdecl RtlStringCbPrintfW(NTSTRSAFE_PWSTR pszDest, size_t cbDest,
                                    NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, pszFormat);
    st = printf_worker(pszDest, cb_to_cch_w(cbDest), pszFormat, true, &ap, "RtlStringCbPrintfW");
    va_end(ap);
    return st;
}

NTSTATUS __cdecl RtlStringCbPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest,
                                    NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, pszFormat);
    st = printf_worker(pszDest, cbDest, pszFormat, false, &ap, "RtlStringCbPrintfA");
    va_end(ap);
    return st;
}

/* ======================================================================================
 * UNICODE_STRING functions
 * ==================================================================================== */

/* The ntstrsafe validity rule: even lengths, Length <= MaximumLength, MaximumLength within
 * NTSTRSAFE_UNICODE_STRING_MAX_CCH characters, and a Buffer unless both lengths are 0. */
static bool us_valid(PCUNICODE_STRING s)
{
    if (s == NULL || !pnpsim__ustr_valid(s))
        return false;
    if (s->MaximumLength > NTSTRSAFE_UNICODE_STRING_MAX_CCH * sizeof(WCHAR))
        return false;
    if (s->Buffer == NULL && s->MaximumLength != 0)
        return false;
    return true;
}

/* Write count units of src at dest's offset `at` (characters), truncating at MaximumLength
 * and setting Length. No terminator (the functions never write one). */
static NTSTATUS us_put(PUNICODE_STRING dest, size_t at, const WCHAR *src, size_t count,
                       const char *ddi)
{
    size_t room = dest->MaximumLength / sizeof(WCHAR) - at, n = count < room ? count : room;
    if (count > 0 && room == 0)
        return bad_param(ddi, "destination is already full");
    if (n > 0)
        memmove(dest->Buffer + at, src, n * sizeof(WCHAR));
    dest->Length = (USHORT)((at + n) * sizeof(WCHAR));
    if (n < count)
        return pnpsim__status(STATUS_BUFFER_OVERFLOW, "%s: truncated to %lu characters", ddi,
                              (unsigned long)(at + n));
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: RtlUnicodeStringInit points the structure at pszSrc (which may be
 * NULL: an empty string) with MaximumLength = Length + 2; a string of
 * NTSTRSAFE_UNICODE_STRING_MAX_CCH characters or more (with its terminator) or a NULL
 * DestinationString with a non-NULL pszSrc is STATUS_INVALID_PARAMETER (RtlUnicodeStringInit,
 * Microsoft Learn).
 * Simulation: as documented; on failure a non-NULL DestinationString is left empty.
 */
NTSTATUS NTAPI RtlUnicodeStringInit(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    size_t n;
    if (DestinationString == NULL)
        return pszSrc == NULL ? STATUS_SUCCESS
                              : bad_param("RtlUnicodeStringInit", "DestinationString is NULL");
    DestinationString->Length = 0;
    DestinationString->MaximumLength = 0;
    DestinationString->Buffer = NULL;
    if (pszSrc == NULL)
        return STATUS_SUCCESS;
    n = bounded_len(pszSrc, true, NTSTRSAFE_UNICODE_STRING_MAX_CCH);
    if (n == NTSTRSAFE_UNICODE_STRING_MAX_CCH)
        return bad_param("RtlUnicodeStringInit", "string too long for a UNICODE_STRING");
    DestinationString->Buffer = (PWCH)pszSrc;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: RtlUnicodeStringCopy copies SourceString into DestinationString's
 * buffer; STATUS_BUFFER_OVERFLOW when truncated (RtlUnicodeStringCopy, Microsoft Learn).
 * Simulation: as documented; no terminator is written. A destination of MaximumLength 0
 * with a non-empty source is STATUS_INVALID_PARAMETER, as the page lists.
 */
NTSTATUS NTAPI RtlUnicodeStringCopy(PUNICODE_STRING DestinationString,
                                    PCUNICODE_STRING SourceString)
{
    if (!us_valid(DestinationString) || !us_valid(SourceString))
        return bad_param("RtlUnicodeStringCopy", "NULL or malformed UNICODE_STRING");
    return us_put(DestinationString, 0, SourceString->Buffer, SourceString->Length / sizeof(WCHAR),
                  "RtlUnicodeStringCopy");
}

/*
 * Windows behaviour: RtlUnicodeStringCopyString copies a NUL-terminated string into the
 * UNICODE_STRING's buffer (RtlUnicodeStringCopyString, Microsoft Learn).
 * Simulation: as RtlUnicodeStringCopy.
 */
NTSTATUS NTAPI RtlUnicodeStringCopyString(PUNICODE_STRING DestinationString,
                                          NTSTRSAFE_PCWSTR pszSrc)
{
    if (!us_valid(DestinationString) || pszSrc == NULL)
        return bad_param("RtlUnicodeStringCopyString", "NULL or malformed argument");
    return us_put(DestinationString, 0, pszSrc,
                  bounded_len(pszSrc, true, DestinationString->MaximumLength / sizeof(WCHAR) + 1),
                  "RtlUnicodeStringCopyString");
}

/*
 * Windows behaviour: RtlUnicodeStringCat appends SourceString; STATUS_BUFFER_OVERFLOW when
 * truncated; STATUS_INVALID_PARAMETER for malformed strings, NULL pointers or a destination
 * already full (RtlUnicodeStringCat, Microsoft Learn).
 * Simulation: as documented; "already full" means Length == MaximumLength with a
 * non-empty source. No terminator is written.
 */
NTSTATUS NTAPI RtlUnicodeStringCat(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!us_valid(DestinationString) || !us_valid(SourceString))
        return bad_param("RtlUnicodeStringCat", "NULL or malformed UNICODE_STRING");
    return us_put(DestinationString, DestinationString->Length / sizeof(WCHAR),
                  SourceString->Buffer, SourceString->Length / sizeof(WCHAR),
                  "RtlUnicodeStringCat");
}

/*
 * Windows behaviour: RtlUnicodeStringCatString appends a NUL-terminated string
 * (RtlUnicodeStringCatString, Microsoft Learn).
 * Simulation: as RtlUnicodeStringCat.
 */
NTSTATUS NTAPI RtlUnicodeStringCatString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    size_t at;
    if (!us_valid(DestinationString) || pszSrc == NULL)
        return bad_param("RtlUnicodeStringCatString", "NULL or malformed argument");
    at = DestinationString->Length / sizeof(WCHAR);
    return us_put(
        DestinationString, at, pszSrc,
        bounded_len(pszSrc, true, DestinationString->MaximumLength / sizeof(WCHAR) - at + 1),
        "RtlUnicodeStringCatString");
}

/*
 * Windows behaviour: RtlUnicodeStringPrintf formats into the UNICODE_STRING's buffer
 * without a terminator; STATUS_BUFFER_OVERFLOW when truncated; STATUS_INVALID_PARAMETER for
 * a malformed destination or NULL pointers (RtlUnicodeStringPrintf, Microsoft Learn).
 * Simulation: as documented; Length is the formatted length (MaximumLength when truncated).
 */
NTSTATUS NTAPI RtlUnicodeStringVPrintf(PUNICODE_STRING DestinationString,
                                       NTSTRSAFE_PCWSTR pszFormat, va_list argList)
{
    fmt_out o;
    va_list ap;
    if (!us_valid(DestinationString) || pszFormat == NULL)
        return bad_param("RtlUnicodeStringVPrintf", "NULL or malformed argument");
    o.buf = DestinationString->Buffer;
    o.wide = true;
    o.cap = DestinationString->MaximumLength / sizeof(WCHAR);
    o.len = 0;
    o.truncated = false;
    va_copy(ap, argList);
    format(&o, pszFormat, true, &ap);
    va_end(ap);
    DestinationString->Length = (USHORT)(o.len * sizeof(WCHAR));
    if (o.truncated) {
        if (o.cap == 0)
            return bad_param("RtlUnicodeStringPrintf", "destination has no room");
        return pnpsim__status(STATUS_BUFFER_OVERFLOW,
                              "RtlUnicodeStringPrintf: output truncated to %lu characters",
                              (unsigned long)o.len);
    }
    return STATUS_SUCCESS;
}

NTSTATUS __cdecl RtlUnicodeStringPrintf(PUNICODE_STRING DestinationString,
                                        NTSTRSAFE_PCWSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS st;
    va_start(ap, pszFormat);
    st = RtlUnicodeStringVPrintf(DestinationString, pszFormat, ap);
    va_end(ap);
    return st;
}
