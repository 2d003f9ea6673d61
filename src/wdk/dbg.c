/* SPDX-License-Identifier: MIT */
/*
 * This file implements the debug output and assertion routines drivers call — DbgPrint,
 * DbgPrintEx (KdPrint, KdPrintEx), DbgBreakPoint, RtlAssert (ASSERT, NT_ASSERT) — and the
 * PAGED_CODE() check. Debug output becomes trace records (category PNPSIM_TRACE_DEBUG),
 * attributed to the driver running on the thread.
 *
 * DbgPrint formats are narrow printf formats plus the kernel's string conversions: %wZ
 * (PUNICODE_STRING), %Z (PANSI_STRING), %ws / %ls / %S (NUL-terminated WCHAR string),
 * %wc / %lc / %C (WCHAR) and the MSVC length prefixes I32 / I64 / I. pnpsim formats each
 * conversion itself (wide strings converted to UTF-8), passing the standard ones to
 * vsnprintf one at a time, so no libc wide-character function is involved.
 */
#include "pnpsim_int.h"

#ifndef KMODE_EXCEPTION_NOT_HANDLED
#define KMODE_EXCEPTION_NOT_HANDLED 0x0000001E
#endif

#define DBG_LINE_MAX 1024

/* ======================================================================================
 * Formatting
 * ==================================================================================== */
typedef struct outbuf {
    char *buf;
    size_t cap;
    size_t len; /* characters that would have been written (may exceed cap - 1) */
} outbuf;

static void out_str(outbuf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, o->len++) {
        if (o->len + 1 < o->cap)
            o->buf[o->len] = s[i];
    }
    if (o->cap != 0)
        o->buf[o->len + 1 < o->cap ? o->len : o->cap - 1] = '\0';
}

/* Emit a string honouring width, precision (max chars) and the '-' flag. */
static void out_padded(outbuf *o, const char *s, size_t n, int width, bool left)
{
    size_t pad = width > 0 && (size_t)width > n ? (size_t)width - n : 0;
    if (!left)
        for (size_t i = 0; i < pad; i++)
            out_str(o, " ", 1);
    out_str(o, s, n);
    if (left)
        for (size_t i = 0; i < pad; i++)
            out_str(o, " ", 1);
}

/* UTF-16 (n units, or up to NUL when n == SIZE_MAX) to UTF-8 in tmp. */
static size_t wide_to_utf8(const WCHAR *w, size_t n, char *tmp, size_t tmpsize)
{
    size_t len = 0;
    if (w == NULL) {
        snprintf(tmp, tmpsize, "(null)");
        return strlen(tmp);
    }
    if (n == SIZE_MAX)
        n = pnpsim__wcslen(w);
    pnpsim__utf16_to_utf8_buf(w, n, tmp, tmpsize);
    len = strlen(tmp);
    return len;
}

/* Format fmt with ap into o. Handles the kernel's conversions; see the file comment. */
static void format_dbg(outbuf *o, const char *fmt, va_list ap)
{
    const char *p = fmt;
    while (*p != '\0') {
        char spec[32];
        size_t sl = 0;
        int width = -1, prec = -1;
        bool left = false, star_w = false, star_p = false;
        enum { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_J, L_T, L_BIGL, L_W, L_I32, L_I64, L_I } len =
            L_NONE;
        char conv;
        const char *start;

        if (*p != '%') {
            const char *q = strchr(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            out_str(o, p, n);
            p += n;
            continue;
        }
        start = p++;
        if (*p == '%') {
            out_str(o, "%", 1);
            p++;
            continue;
        }
        spec[sl++] = '%';
        while (*p != '\0' && strchr("-+ #0", *p) != NULL) {
            if (*p == '-')
                left = true;
            if (sl < 8)
                spec[sl++] = *p;
            p++;
        }
        if (*p == '*') {
            star_w = true;
            spec[sl++] = '*';
            p++;
        } else {
            width = 0;
            while (*p >= '0' && *p <= '9') {
                width = width * 10 + (*p - '0');
                if (sl < 16)
                    spec[sl++] = *p;
                p++;
            }
            if (width == 0)
                width = -1;
        }
        if (*p == '.') {
            spec[sl++] = '.';
            p++;
            if (*p == '*') {
                star_p = true;
                spec[sl++] = '*';
                p++;
            } else {
                prec = 0;
                while (*p >= '0' && *p <= '9') {
                    prec = prec * 10 + (*p - '0');
                    if (sl < 24)
                        spec[sl++] = *p;
                    p++;
                }
            }
        }
        if (p[0] == 'h' && p[1] == 'h') {
            len = L_HH;
            p += 2;
        } else if (p[0] == 'l' && p[1] == 'l') {
            len = L_LL;
            p += 2;
        } else if (p[0] == 'I' && p[1] == '6' && p[2] == '4') {
            len = L_I64;
            p += 3;
        } else if (p[0] == 'I' && p[1] == '3' && p[2] == '2') {
            len = L_I32;
            p += 3;
        } else if (*p == 'h') {
            len = L_H;
            p++;
        } else if (*p == 'l') {
            len = L_L;
            p++;
        } else if (*p == 'z') {
            len = L_Z;
            p++;
        } else if (*p == 'j') {
            len = L_J;
            p++;
        } else if (*p == 't') {
            len = L_T;
            p++;
        } else if (*p == 'L') {
            len = L_BIGL;
            p++;
        } else if (*p == 'w') {
            len = L_W;
            p++;
        } else if (*p == 'I') {
            len = L_I;
            p++;
        }
        conv = *p;
        if (conv == '\0') {
            out_str(o, start, strlen(start));
            return;
        }
        p++;
        if (star_w) {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
        }
        if (star_p)
            prec = va_arg(ap, int);

        /* The kernel's own conversions. */
        if (conv == 'Z') {
            char tmp[DBG_LINE_MAX];
            size_t n;
            if (len == L_W) {
                PCUNICODE_STRING us = va_arg(ap, PCUNICODE_STRING);
                if (us == NULL || !pnpsim__ustr_valid(us))
                    n = (size_t)snprintf(tmp, sizeof(tmp), "%s", us == NULL ? "(null)" : "(bad UNICODE_STRING)");
                else
                    n = wide_to_utf8(us->Buffer, us->Length / sizeof(WCHAR), tmp, sizeof(tmp));
            } else {
                const ANSI_STRING *as = va_arg(ap, const ANSI_STRING *);
                if (as == NULL || (as->Buffer == NULL && as->Length != 0)) {
                    n = (size_t)snprintf(tmp, sizeof(tmp), "(null)");
                } else {
                    n = as->Length < sizeof(tmp) - 1 ? as->Length : sizeof(tmp) - 1;
                    if (n != 0)
                        memcpy(tmp, as->Buffer, n);
                    tmp[n] = '\0';
                }
            }
            if (n >= sizeof(tmp))
                n = sizeof(tmp) - 1;
            if (prec >= 0 && (size_t)prec < n)
                n = (size_t)prec;
            out_padded(o, tmp, n, width, left);
            continue;
        }
        if ((conv == 's' && (len == L_W || len == L_L)) || conv == 'S') {
            char tmp[DBG_LINE_MAX];
            const WCHAR *w = va_arg(ap, const WCHAR *);
            size_t n;
            if (w != NULL && prec >= 0) {
                size_t m = 0;
                while (m < (size_t)prec && w[m] != 0)
                    m++;
                n = wide_to_utf8(w, m, tmp, sizeof(tmp));
            } else {
                n = wide_to_utf8(w, SIZE_MAX, tmp, sizeof(tmp));
            }
            out_padded(o, tmp, n, width, left);
            continue;
        }
        if ((conv == 'c' && (len == L_W || len == L_L)) || conv == 'C') {
            char tmp[8];
            WCHAR wc = (WCHAR)va_arg(ap, int);
            size_t n = wide_to_utf8(&wc, 1, tmp, sizeof(tmp));
            out_padded(o, tmp, n, width, left);
            continue;
        }

        /* Standard conversions: one snprintf call per conversion, with the argument read
         * here at the size its length modifier names. */
        {
            char piece[DBG_LINE_MAX];
            char f[48];
            size_t fl = 0;
            f[fl++] = '%';
            for (size_t i = 1; i < sl && fl < 8; i++) {
                if (strchr("-+ #0", spec[i]) == NULL)
                    break;
                f[fl++] = spec[i];
            }
            if (width >= 0)
                f[fl++] = '*';
            if (prec >= 0) {
                f[fl++] = '.';
                f[fl++] = '*';
            }
            f[fl] = '\0';
            switch (conv) {
            case 'd':
            case 'i':
            case 'u':
            case 'x':
            case 'X':
            case 'o': {
                bool is_signed = conv == 'd' || conv == 'i';
                unsigned long long v;
                switch (len) {
                case L_LL:
                case L_I64:
                case L_J:
                    v = va_arg(ap, unsigned long long);
                    break;
                case L_L: {
                    /* Driver code means Windows' long: 32 bits (LLP64), a ULONG or LONG,
                     * even where the host's long is 64 bits. */
                    unsigned int u = va_arg(ap, unsigned int);
                    v = is_signed ? (unsigned long long)(long long)(int)u : u;
                    break;
                }
                case L_Z:
                case L_I:
                case L_T:
                    v = (unsigned long long)va_arg(ap, size_t);
                    if (is_signed)
                        v = (unsigned long long)(long long)(ptrdiff_t)v;
                    break;
                default: {
                    unsigned int u = va_arg(ap, unsigned int);
                    if (len == L_HH)
                        u = is_signed ? (unsigned int)(int)(signed char)u : (u & 0xFFu);
                    else if (len == L_H)
                        u = is_signed ? (unsigned int)(int)(short)u : (u & 0xFFFFu);
                    v = is_signed ? (unsigned long long)(long long)(int)u : u;
                    break;
                }
                }
                snprintf(f + fl, sizeof(f) - fl, "ll%c", conv);
                if (width >= 0 && prec >= 0)
                    snprintf(piece, sizeof(piece), f, width, prec, v);
                else if (width >= 0)
                    snprintf(piece, sizeof(piece), f, width, v);
                else if (prec >= 0)
                    snprintf(piece, sizeof(piece), f, prec, v);
                else
                    snprintf(piece, sizeof(piece), f, v);
                break;
            }
            case 'c': {
                char ch = (char)va_arg(ap, int);
                out_padded(o, &ch, 1, width, left);
                continue;
            }
            case 'e':
            case 'E':
            case 'f':
            case 'F':
            case 'g':
            case 'G':
            case 'a':
            case 'A': {
                double dv = len == L_BIGL ? (double)va_arg(ap, long double) : va_arg(ap, double);
                snprintf(f + fl, sizeof(f) - fl, "%c", conv);
                if (width >= 0 && prec >= 0)
                    snprintf(piece, sizeof(piece), f, width, prec, dv);
                else if (width >= 0)
                    snprintf(piece, sizeof(piece), f, width, dv);
                else if (prec >= 0)
                    snprintf(piece, sizeof(piece), f, prec, dv);
                else
                    snprintf(piece, sizeof(piece), f, dv);
                break;
            }
            case 's': {
                const char *s = va_arg(ap, const char *);
                size_t n;
                if (s == NULL)
                    s = "(null)";
                n = strlen(s);
                if (prec >= 0 && (size_t)prec < n)
                    n = (size_t)prec;
                out_padded(o, s, n, width, left);
                continue;
            }
            case 'p': {
                void *pv = va_arg(ap, void *);
                snprintf(piece, sizeof(piece), "%p", pv);
                out_padded(o, piece, strlen(piece), width, left);
                continue;
            }
            case 'n':
                /* Writing through a format argument is never honoured. */
                (void)va_arg(ap, void *);
                continue;
            default:
                /* Unknown conversion: print it as written. */
                out_str(o, start, (size_t)(p - start));
                continue;
            }
            out_str(o, piece, strlen(piece));
        }
    }
}

/* Format and trace one DbgPrint message. */
static void dbg_emit(const char *ddi, const char *Format, va_list ap)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    char line[DBG_LINE_MAX];
    outbuf o = {line, sizeof(line), 0};
    size_t n;
    line[0] = '\0';
    if (Format == NULL) {
        snprintf(line, sizeof(line), "%s(NULL format)", ddi);
    } else {
        format_dbg(&o, Format, ap);
    }
    n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (sys != NULL)
        pnpsim__trace(sys, PNPSIM_TRACE_DEBUG, NULL, pnpsim__current_driver(), NULL, "%s", line);
    else
        fprintf(stderr, "pnpsim (no current system): %s\n", line);
}

/*
 * Windows behaviour: formats a message (printf-style, plus %wZ, %ws, %Z ...) and sends it
 * to the kernel debugger; callers run at <= DIRQL; returns STATUS_SUCCESS. Since Windows
 * Vista DbgPrint messages are filtered out unless the DEFAULT component's filter lets them
 * through (Microsoft Learn "DbgPrint", "Reading and Filtering Debugging Messages").
 * Simulation: every message becomes a PNPSIM_TRACE_DEBUG trace record (trailing newlines
 * removed), attributed to the driver running on the thread; nothing is filtered.
 */
ULONG __cdecl DbgPrint(PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    dbg_emit("DbgPrint", Format, ap);
    va_end(ap);
    return (ULONG)STATUS_SUCCESS;
}

/*
 * Windows behaviour: DbgPrint for a component (DPFLTR_*_ID) and a level: 0-31 is a bit
 * number (DPFLTR_ERROR_LEVEL 0 ... DPFLTR_INFO_LEVEL 3), a larger value a bit mask; the
 * message is shown if the component's filter mask (or the global one) has the level's bit;
 * by default only error-level messages are shown (Microsoft Learn "DbgPrintEx", "Reading
 * and Filtering Debugging Messages").
 * Simulation: a test tool wants every message, so none is filtered out (a documented
 * divergence); each becomes a PNPSIM_TRACE_DEBUG record. The component and level are not
 * part of the text.
 */
ULONG __cdecl DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    va_list ap;
    PNPSIM_UNUSED(ComponentId);
    PNPSIM_UNUSED(Level);
    va_start(ap, Format);
    dbg_emit("DbgPrintEx", Format, ap);
    va_end(ap);
    return (ULONG)STATUS_SUCCESS;
}

/*
 * Windows behaviour: DbgPrintEx with a va_list (Microsoft Learn "vDbgPrintEx").
 * Simulation: as DbgPrintEx (added for issue 10: WPP stand-ins route through it).
 */
ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format, va_list arglist)
{
    va_list ap;
    PNPSIM_UNUSED(ComponentId);
    PNPSIM_UNUSED(Level);
    va_copy(ap, arglist);
    dbg_emit("vDbgPrintEx", Format, ap);
    va_end(ap);
    return (ULONG)STATUS_SUCCESS;
}

/*
 * Windows behaviour: breaks into the kernel debugger; without a debugger attached, a
 * breakpoint exception in kernel mode is not handled (Microsoft Learn "DbgBreakPoint").
 * Simulation: a breakpoint is not a bug check: it is recorded as a PNPSIM_TRACE_BUGCHECK
 * trace record ("DbgBreakPoint called by <driver>") and execution continues, as with a
 * debugger attached that resumes at once.
 */
VOID NTAPI DbgBreakPoint(void)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    pnpsim__driver *d = pnpsim__driver_from(pnpsim__current_driver());
    const char *who = d != NULL && d->service_name != NULL ? d->service_name : "(test code)";
    if (sys != NULL)
        pnpsim__trace(sys, PNPSIM_TRACE_BUGCHECK, NULL, pnpsim__current_driver(), NULL,
                      "DbgBreakPoint called by %s (a debugger would stop here; continuing)",
                      who);
    else
        fprintf(stderr, "pnpsim: DbgBreakPoint called by %s (continuing)\n", who);
}

/*
 * Windows behaviour: called by ASSERT/NT_ASSERT when an assertion fails: with a debugger
 * attached it stops there; without one, the assertion is an unhandled kernel-mode
 * exception STATUS_ASSERTION_FAILURE (0xC0000420), which bug checks
 * KMODE_EXCEPTION_NOT_HANDLED (0x1E) with parameter 1 the exception code (Microsoft Learn
 * "NT_ASSERT", "Bug Check 0x1E").
 * Simulation: the failed assertion ("file:line: ASSERT(expr) failed[: message]") is written
 * to stderr and the trace, then bug checks 0x1E (STATUS_ASSERTION_FAILURE, 0, 0, 0): a test
 * fails, or catches it with PNPSIM_EXPECT_BUGCHECK(sys, 0x1E, ...). If the bug check handler
 * continues, so does the driver (as after "ignore" in a debugger).
 */
VOID NTAPI RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber,
                     PSTR MutableMessage)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    const char *expr = VoidFailedAssertion != NULL ? (const char *)VoidFailedAssertion : "?";
    const char *file = VoidFileName != NULL ? (const char *)VoidFileName : "?";
    char text[DBG_LINE_MAX];
    snprintf(text, sizeof(text), "%s:%lu: ASSERT(%s) failed%s%s", file,
             (unsigned long)LineNumber, expr, MutableMessage != NULL ? ": " : "",
             MutableMessage != NULL ? MutableMessage : "");
    fprintf(stderr, "pnpsim: %s\n", text);
    fflush(stderr);
    pnpsim__bugcheck(sys, KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)STATUS_ASSERTION_FAILURE,
                     0, 0, 0, "%s", text);
}

/*
 * Windows behaviour: PAGED_CODE() marks a routine that is pageable and must run at
 * <= APC_LEVEL. Pageable code running at DISPATCH_LEVEL or above page-faults when its page
 * is not resident (Driver Verifier's IRQL checking pages it out to force that), which is
 * DRIVER_IRQL_NOT_LESS_OR_EQUAL (0xD1): parameter 2 the IRQL, 3 = 8 (execute) (Microsoft
 * Learn "PAGED_CODE", "Bug Check 0xD1").
 * Simulation: the check is made every time, as if the page were never resident: above
 * APC_LEVEL it bug checks 0xD1 (0, IRQL, 8, 0) naming File:Line.
 */
VOID NTAPI pnpsim_paged_code_check(PCSTR File, ULONG Line)
{
    KIRQL irql = pnpsim__ts()->irql;
    if (irql <= APC_LEVEL)
        return;
    pnpsim__bugcheck(pnpsim__ts()->current, DRIVER_IRQL_NOT_LESS_OR_EQUAL, 0, irql, 8, 0,
                     "%s:%lu: PAGED_CODE() at IRQL %u (pageable code runs at <= APC_LEVEL)",
                     File != NULL ? File : "?", (unsigned long)Line, (unsigned)irql);
}
