/* SPDX-License-Identifier: MIT */
/*
 * This file implements the one place every failure is made (pnpsim__status, which records
 * why for pnpsim_last_error_message) and the report of a broken internal invariant.
 */
#include "pnpsim_int.h"

NTSTATUS pnpsim__status(NTSTATUS status, const char *fmt, ...)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    va_list ap;
    int n;
    n = snprintf(ts->last_error, sizeof(ts->last_error), "%s: ", pnpsim_status_name(status));
    if (n < 0 || (size_t)n >= sizeof(ts->last_error))
        n = 0;
    va_start(ap, fmt);
    vsnprintf(ts->last_error + n, sizeof(ts->last_error) - (size_t)n, fmt, ap);
    va_end(ap);
    return status;
}

const char *pnpsim_last_error_message(void)
{
    return pnpsim__ts()->last_error;
}

void pnpsim__internal_error(const char *file, int line, const char *what)
{
    fprintf(stderr, "pnpsim internal error at %s:%d: %s\n", file, line, what);
    fflush(stderr);
    abort();
}
