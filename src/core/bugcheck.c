/* SPDX-License-Identifier: MIT */
/*
 * This file implements the single bug check path (DESIGN.md "Bug checks and the verifier"):
 * every violation the simulator detects, and every KeBugCheckEx a driver makes, arrives in
 * pnpsim__bugcheck with the real Windows code and parameters. It is recorded, then handed to
 * the innermost PNPSIM_EXPECT_BUGCHECK of the thread (which unwinds to it), or to the
 * system's handler (which may let the simulation continue), or to the default handler,
 * which prints a report and aborts. It also implements the IRQL rule check used by DDIs.
 */
#include "pnpsim_int.h"
#include "qi.h"

static const struct {
    ULONG code;
    const char *name;
} bugcheck_names[] = {
    {0x05, "INVALID_PROCESS_ATTACH_ATTEMPT"},
    {0x09, "IRQL_NOT_GREATER_OR_EQUAL"},
    {0x0A, "IRQL_NOT_LESS_OR_EQUAL"},
    {0x0F, "SPIN_LOCK_ALREADY_OWNED"},
    {0x10, "SPIN_LOCK_NOT_OWNED"},
    {0x18, "REFERENCE_BY_POINTER"},
    {0x19, "BAD_POOL_HEADER"},
    {0x35, "NO_MORE_IRP_STACK_LOCATIONS"},
    {0x44, "MULTIPLE_IRP_COMPLETE_REQUESTS"},
    {0x4A, "IRQL_GT_ZERO_AT_SYSTEM_SERVICE"},
    {0x96, "INVALID_WORK_QUEUE_ITEM"},
    {0x9F, "DRIVER_POWER_STATE_FAILURE"},
    {0xB8, "ATTEMPTED_SWITCH_FROM_DPC"},
    {0xC1, "SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION"},
    {0xC2, "BAD_POOL_CALLER"},
    {0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION"},
    {0xC7, "TIMER_OR_DPC_INVALID"},
    {0xC8, "IRQL_UNEXPECTED_VALUE"},
    {0xC9, "DRIVER_VERIFIER_IOMANAGER_VIOLATION"},
    {0xCA, "PNP_DETECTED_FATAL_ERROR"},
    {0xCB, "DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS"},
    {0xCE, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS"},
    {0xD1, "DRIVER_IRQL_NOT_LESS_OR_EQUAL"},
    {0xE2, "MANUALLY_INITIATED_CRASH"},
    {0xE4, "WORKER_INVALID"},
    {0x10D, "WDF_VIOLATION"},
};

const char *pnpsim_bugcheck_name(ULONG code)
{
    static PNPSIM_THREAD_LOCAL char unknown[16];
    for (size_t i = 0; i < PNPSIM_ARRAY_SIZE(bugcheck_names); i++) {
        if (bugcheck_names[i].code == code)
            return bugcheck_names[i].name;
    }
    snprintf(unknown, sizeof(unknown), "0x%X", (unsigned)code);
    return unknown;
}

static pnpsim_test_failure_fn test_failure_fn;

void pnpsim_set_test_failure_handler(pnpsim_test_failure_fn fn)
{
    test_failure_fn = fn;
}

static void test_failure(const char *message, const char *file, int line)
{
    if (test_failure_fn != NULL) {
        test_failure_fn(message, file, line);
        return;
    }
    fprintf(stderr, "%s:%d: %s\n", file, line, message);
    abort();
}

void pnpsim_system_set_bugcheck_handler(pnpsim_system *sys, pnpsim_bugcheck_fn fn, void *ctx)
{
    if (sys == NULL)
        return;
    pnpsim__lock(sys);
    sys->bugcheck_fn = fn;
    sys->bugcheck_ctx = ctx;
    pnpsim__unlock(sys);
}

void pnpsim_bugcheck_record_and_continue(void *ctx, ULONG code, ULONG_PTR p1, ULONG_PTR p2,
                                         ULONG_PTR p3, ULONG_PTR p4, const char *message)
{
    /* Recording already happened in pnpsim__bugcheck; returning means "continue". */
    PNPSIM_UNUSED(ctx);
    PNPSIM_UNUSED(code);
    PNPSIM_UNUSED(p1);
    PNPSIM_UNUSED(p2);
    PNPSIM_UNUSED(p3);
    PNPSIM_UNUSED(p4);
    PNPSIM_UNUSED(message);
}

size_t pnpsim_bugcheck_count(pnpsim_system *sys)
{
    size_t n;
    pnpsim__lock(sys);
    n = sys->violation_count;
    pnpsim__unlock(sys);
    return n;
}

int pnpsim_bugcheck_get(pnpsim_system *sys, size_t index, pnpsim_violation *out)
{
    int ok = 0;
    pnpsim__lock(sys);
    if (index < sys->violation_count && out != NULL) {
        *out = sys->violations[index];
        ok = 1;
    }
    pnpsim__unlock(sys);
    return ok;
}

const pnpsim_violation *pnpsim_bugcheck_last_caught(void)
{
    return &pnpsim__ts()->last_caught;
}

static void record(pnpsim_system *sys, ULONG code, const ULONG_PTR p[4], const char *message)
{
    pnpsim_violation *v;
    char *copy;
    if (sys->violation_count == sys->violation_cap) {
        size_t cap = sys->violation_cap ? sys->violation_cap * 2 : 8;
        /* Plain malloc: recording a bug check must not itself be subject to fault
         * injection, or an OOM sweep could lose the report it is checking for. */
        pnpsim_violation *nv = realloc(sys->violations, cap * sizeof(*nv));
        if (nv == NULL)
            return;
        sys->violations = nv;
        sys->violation_cap = cap;
    }
    copy = malloc(strlen(message) + 1);
    if (copy != NULL)
        strcpy(copy, message);
    v = &sys->violations[sys->violation_count++];
    v->code = code;
    memcpy(v->parameters, p, sizeof(v->parameters));
    v->name = pnpsim_bugcheck_name(code);
    v->message = copy != NULL ? copy : "(out of memory)";
}

void pnpsim__bugcheck_free_records(pnpsim_system *sys)
{
    for (size_t i = 0; i < sys->violation_count; i++) {
        if (strcmp(sys->violations[i].message, "(out of memory)") != 0)
            free((void *)sys->violations[i].message);
    }
    free(sys->violations);
    sys->violations = NULL;
    sys->violation_count = sys->violation_cap = 0;
}

static void default_report(pnpsim_system *sys, ULONG code, const ULONG_PTR p[4],
                           const char *message)
{
    fprintf(stderr,
            "\n*** pnpsim: BUG CHECK 0x%08X %s\n"
            "*** (%p, %p, %p, %p)\n"
            "*** %s\n",
            (unsigned)code, pnpsim_bugcheck_name(code), (void *)p[0], (void *)p[1],
            (void *)p[2], (void *)p[3], message);
    if (sys != NULL) {
        fprintf(stderr, "*** system \"%s\"; the last events:\n", sys->name);
        pnpsim__trace_tail(sys, stderr, 12);
    }
    fprintf(stderr, "*** On Windows this crashes the machine. Expect it in a test with "
                    "PNPSIM_EXPECT_BUGCHECK, or set a handler with "
                    "pnpsim_system_set_bugcheck_handler.\n");
    fflush(stderr);
}

void pnpsim__bugcheck(pnpsim_system *sys, ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                      ULONG_PTR p4, const char *fmt, ...)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    char message[512];
    ULONG_PTR p[4] = {p1, p2, p3, p4};
    pnpsim_bugcheck_fn fn = NULL;
    void *ctx = NULL;
    bool was_locked;
    pnpsim_bugcheck_expect *e;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);

    if (sys == NULL)
        sys = ts->current;
    was_locked = sys != NULL && ts->lock_held == sys;
    if (sys != NULL) {
        if (!was_locked)
            pnpsim__lock(sys);
        record(sys, code, p, message);
        fn = sys->bugcheck_fn;
        ctx = sys->bugcheck_ctx;
        pnpsim__unlock(sys);
        pnpsim__trace(sys, PNPSIM_TRACE_BUGCHECK, NULL, pnpsim__current_driver(), NULL,
                      "BUG CHECK 0x%X %s (%p, %p, %p, %p): %s", (unsigned)code,
                      pnpsim_bugcheck_name(code), (void *)p1, (void *)p2, (void *)p3,
                      (void *)p4, message);
    }

    e = ts->expect;
    if (e != NULL && (e->sys == NULL || e->sys == sys)) {
        /* Unwind to the expectation, as the crash would unwind everything on Windows. The
         * system lock is released (above); the thread's state is put back as it was when
         * the expectation began. */
        e->hit = 1;
        e->code = code;
        memcpy(e->parameters, p, sizeof(e->parameters));
        snprintf(e->message, sizeof(e->message), "%s", message);
        if (sys != NULL)
            sys->crashed = true;
        longjmp(e->env, 1);
    }

    if (fn != NULL) {
        fn(ctx, code, p1, p2, p3, p4, message);
        if (was_locked)
            pnpsim__lock(sys);
        return;
    }

    default_report(sys, code, p, message);
    abort();
}

void pnpsim_bugcheck_expect_begin(pnpsim_system *sys, pnpsim_bugcheck_expect *e, ULONG expected,
                                  const char *file, int line, const char *statement)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    memset(e, 0, sizeof(*e));
    e->sys = sys;
    e->expected = expected;
    e->file = file;
    e->line = line;
    e->statement = statement;
    e->prev = ts->expect;
    e->saved[0] = ts->current;
    e->saved[1] = (void *)(uintptr_t)ts->irql;
    e->saved[2] = (void *)(intptr_t)ts->harness_depth;
    e->saved[3] = (void *)(intptr_t)((ts->irp_depth << 16) | (ts->callout_depth & 0xFFFF));
    e->saved[4] = pnpsim__current_driver();
    e->saved[5] = (void *)ts->lock_held;
    ts->expect = e;
}

int pnpsim_bugcheck_expect_end(pnpsim_bugcheck_expect *e)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    char why[768];
    intptr_t depths = (intptr_t)e->saved[3];
    ts->expect = e->prev;
    ts->current = e->saved[0];
    ts->irql = (KIRQL)(uintptr_t)e->saved[1];
    ts->harness_depth = (int)(intptr_t)e->saved[2];
    ts->irp_depth = (int)(depths >> 16);
    ts->callout_depth = (int)(depths & 0xFFFF);
    ts->in_worker = false;
    pnpsim__set_current_driver((PDRIVER_OBJECT)e->saved[4], NULL);
    if (e->hit) {
        ts->last_caught.code = e->code;
        memcpy(ts->last_caught.parameters, e->parameters, sizeof(e->parameters));
        ts->last_caught.name = pnpsim_bugcheck_name(e->code);
        snprintf(ts->last_caught_message, sizeof(ts->last_caught_message), "%s", e->message);
        ts->last_caught.message = ts->last_caught_message;
    } else {
        memset(&ts->last_caught, 0, sizeof(ts->last_caught));
    }
    if (e->hit && e->code == e->expected)
        return 1;
    if (e->hit)
        snprintf(why, sizeof(why), "expected bug check 0x%X %s from `%s`, got 0x%X %s: %s",
                 (unsigned)e->expected, pnpsim_bugcheck_name(e->expected), e->statement,
                 (unsigned)e->code, pnpsim_bugcheck_name(e->code), e->message);
    else
        snprintf(why, sizeof(why), "expected bug check 0x%X %s from `%s`, but none happened",
                 (unsigned)e->expected, pnpsim_bugcheck_name(e->expected), e->statement);
    test_failure(why, e->file, e->line);
    return 0;
}

pnpsim_system *pnpsim__require_system(const char *ddi)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    if (sys == NULL) {
        /* No Windows code applies: this is a harness error, not a driver bug. */
        fprintf(stderr,
                "pnpsim: %s was called on a thread with no current system. Call "
                "pnpsim_system_enter(sys) first (driver code called by pnpsim has one).\n",
                ddi);
        fflush(stderr);
        abort();
    }
    return sys;
}

bool pnpsim__check_irql(pnpsim_system *sys, const char *ddi, KIRQL max_irql, ULONG_PTR rule_code,
                        const char *rule_name)
{
    KIRQL irql = pnpsim__ts()->irql;
    if (irql <= max_irql)
        return true;
    /* The verifier reports it with the rule's code, in the rule's mode (verifier.c). */
    return pnpsim__verifier_irql(sys, ddi, irql, max_irql, rule_code, rule_name);
}
