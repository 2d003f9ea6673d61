/* SPDX-License-Identifier: MIT */
/*
 * This file implements the run-time side of the WPP stand-ins pnpsim_add_driver(... WPP)
 * generates (include/pnpsim/wdk/pnpsim_wpp.h): WPP_INIT_TRACING and WPP_CLEANUP become
 * trace records, and every trace call becomes driver debug output (PNPSIM_TRACE_DEBUG, as
 * DbgPrintEx) with its format rendered: the WPP extensions are rewritten into text or into
 * printf conversions before the arguments are formatted by the debug-output formatter.
 *
 * Choices (README "Divergences and choices"): %!FUNC!, %!FILE!, %!LINE!, %!LEVEL!,
 * %!FLAGS! and %!COMPNAME! become the call site's values; %!STATUS!, %!HRESULT! and
 * %!WINERROR! print their 32-bit argument in hex (0x%08x) rather than by name; %!GUID!
 * prints the pointer; %!bool! prints 0/1; any other %!TYPE! prints a 32-bit argument in
 * hex. A single `l` on an integer conversion (%lu, %lx) is taken as Windows' 32-bit long.
 * Messages are never filtered by level or flags.
 */
#include "pnpsim_int.h"
#include "pnpsim/wdk/pnpsim_wpp.h"

#define WPP_FORMAT_MAX 1024

static void put(char *out, size_t *n, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len && *n + 1 < WPP_FORMAT_MAX; i++)
        out[(*n)++] = s[i];
}

/* Put text that must appear literally (every % doubled). */
static void put_literal(char *out, size_t *n, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '%')
            put(out, n, "%%", 2);
        else
            put(out, n, s, 1);
    }
}

static const char *base_name(const char *path)
{
    const char *b = path;
    for (; path != NULL && *path != '\0'; path++)
        if (*path == '/' || *path == '\\')
            b = path + 1;
    return b != NULL ? b : "";
}

/* Rewrite a WPP format into a DbgPrint format. */
static void rewrite(const char *fmt, char *out, PCSTR File, ULONG Line, PCSTR Function, ULONG Level,
                    ULONG Flags)
{
    size_t n = 0;
    char num[32];
    while (*fmt != '\0') {
        const char *end;
        if (fmt[0] == '%' && fmt[1] == '!' && (end = strchr(fmt + 2, '!')) != NULL &&
            end - fmt < 40) {
            size_t len = (size_t)(end - (fmt + 2));
            const char *name = fmt + 2;
#define IS(s) (len == sizeof(s) - 1 && strncmp(name, s, len) == 0)
            if (IS("FUNC")) {
                put_literal(out, &n, Function != NULL ? Function : "?");
            } else if (IS("FILE")) {
                put_literal(out, &n, base_name(File));
            } else if (IS("LINE")) {
                snprintf(num, sizeof(num), "%lu", (unsigned long)Line);
                put_literal(out, &n, num);
            } else if (IS("LEVEL")) {
                snprintf(num, sizeof(num), "%lu", (unsigned long)Level);
                put_literal(out, &n, num);
            } else if (IS("FLAGS")) {
                snprintf(num, sizeof(num), "0x%lx", (unsigned long)Flags);
                put_literal(out, &n, num);
            } else if (IS("COMPNAME")) {
                put_literal(out, &n, "pnpsim");
            } else if (IS("GUID")) {
                put(out, &n, "%p", 2);
            } else if (IS("bool")) {
                put(out, &n, "%d", 2);
            } else {
                put(out, &n, "0x%08x", 6); /* STATUS, HRESULT, WINERROR and the rest */
            }
#undef IS
            fmt = end + 1;
            continue;
        }
        if (fmt[0] == '%' && fmt[1] == '%') {
            put(out, &n, "%%", 2);
            fmt += 2;
            continue;
        }
        if (fmt[0] == '%') {
            /* Copy the conversion; a single 'l' on an integer conversion means 32 bits on
             * Windows (LLP64), so it is dropped (the argument is a ULONG/LONG). */
            put(out, &n, fmt++, 1);
            while (*fmt != '\0' && strchr("-+ #0123456789.*", *fmt) != NULL)
                put(out, &n, fmt++, 1);
            if (fmt[0] == 'l' && fmt[1] != 'l' && fmt[1] != '\0' &&
                strchr("diuxXo", fmt[1]) != NULL)
                fmt++;
            continue;
        }
        put(out, &n, fmt, 1);
        fmt++;
    }
    out[n] = '\0';
}

NTKERNELAPI VOID __cdecl pnpsim_wpp_trace(PCSTR File, ULONG Line, PCSTR Function,
                                          PCSTR TraceFunction, ULONG Level, ULONG Flags,
                                          PCSTR Format, ...)
{
    char fmt[WPP_FORMAT_MAX];
    va_list ap;
    PNPSIM_UNUSED(TraceFunction);
    rewrite(Format != NULL ? Format : "(NULL WPP format)", fmt, File, Line, Function, Level, Flags);
    va_start(ap, Format);
    vDbgPrintEx(DPFLTR_IHVDRIVER_ID, Level, fmt, ap);
    va_end(ap);
}

NTKERNELAPI VOID NTAPI pnpsim_wpp_init(PVOID DriverObject, PVOID RegistryPath)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    PNPSIM_UNUSED(RegistryPath);
    if (sys != NULL)
        pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, pnpsim__current_driver(), NULL,
                      "WPP_INIT_TRACING(%p): WPP messages go to the trace as debug output",
                      DriverObject);
}

NTKERNELAPI VOID NTAPI pnpsim_wpp_cleanup(PVOID DriverObject)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    if (sys != NULL)
        pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, pnpsim__current_driver(), NULL,
                      "WPP_CLEANUP(%p)", DriverObject);
}
