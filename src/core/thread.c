/* SPDX-License-Identifier: MIT */
/*
 * This file implements the per-thread state (current system, simulated IRQL, lock
 * ownership, nesting counters), the system lock with its ownership checks, the bracket
 * around native harness calls that runs deferred work in DEFERRED delivery, and the bracket
 * around every call into driver code (callouts) that checks the IRQL comes back unchanged.
 */
#include "pnpsim_int.h"

static PNPSIM_THREAD_LOCAL pnpsim__thread_state thread_state;

pnpsim__thread_state *pnpsim__ts(void)
{
    return &thread_state;
}

/* Lock-order and callout checks, in debug builds (issue 8): a thread holds at most one
 * system lock (sys->lock is the outermost lock; lock_alloc, the pool, trace and dispatcher
 * locks are leaves taken inside it), and no system lock is held while driver code runs.
 * A violation aborts through pnpsim__internal_error naming the rule. */
#ifndef NDEBUG
#define LOCK_RULE(cond, what)                                          \
    do {                                                               \
        if (!(cond))                                                   \
            pnpsim__internal_error(__FILE__, __LINE__, what);          \
    } while (0)
#else
#define LOCK_RULE(cond, what) ((void)0)
#endif

void pnpsim__lock(pnpsim_system *sys)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    PNPSIM_ASSERT(ts->lock_held != sys); /* the lock is not recursive */
    LOCK_RULE(ts->lock_held == NULL,
              "lock order: taking a system lock while holding another system's lock");
    pnpsim__mutex_lock(&sys->lock);
    ts->lock_held = sys;
}

void pnpsim__unlock(pnpsim_system *sys)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    PNPSIM_ASSERT(ts->lock_held == sys);
    ts->lock_held = NULL;
    pnpsim__mutex_unlock(&sys->lock);
}

void pnpsim_system_enter(pnpsim_system *sys)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    if (sys == NULL)
        return;
    /* The previous current system is not stacked: enter/leave pairs are expected to nest
     * on one system, which is what tests do. */
    ts->current = sys;
    ts->enter_depth++;
}

void pnpsim_system_leave(pnpsim_system *sys)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    if (sys == NULL || ts->current != sys)
        return;
    if (ts->enter_depth > 0 && --ts->enter_depth == 0)
        ts->current = NULL;
}

pnpsim_system *pnpsim_system_current(void)
{
    return pnpsim__ts()->current;
}

void pnpsim__harness_enter(pnpsim_system *sys)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    /* A harness call makes its system current for the WDK routines the simulation calls
     * (and the driver code it calls), and puts the previous one back when it returns. */
    if (ts->harness_depth < (int)PNPSIM_ARRAY_SIZE(ts->harness_saved))
        ts->harness_saved[ts->harness_depth] = ts->current;
    ts->harness_depth++;
    ts->current = sys;
}

void pnpsim__harness_leave(pnpsim_system *sys)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    PNPSIM_ASSERT(ts->harness_depth > 0);
    if (ts->harness_depth == 1 && sys->cfg.delivery == PNPSIM_DELIVERY_DEFERRED &&
        !ts->in_worker)
        pnpsim__work_run(sys);
    ts->harness_depth--;
    if (ts->harness_depth < (int)PNPSIM_ARRAY_SIZE(ts->harness_saved))
        ts->current = ts->harness_saved[ts->harness_depth];
}

void pnpsim__callout_begin(pnpsim_system *sys, pnpsim__callout *c, const char *what)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    PNPSIM_ASSERT_UNLOCKED(sys);
    LOCK_RULE(ts->lock_held == NULL, "a system lock is held across a callout into driver code");
    c->saved_current = ts->current;
    c->irql = ts->irql;
    c->what = what;
    ts->current = sys;
    ts->callout_depth++;
}

void pnpsim__callout_end(pnpsim_system *sys, pnpsim__callout *c)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    ts->callout_depth--;
    ts->current = c->saved_current;
    if (ts->irql != c->irql) {
        KIRQL now = ts->irql;
        /* Restore first, so the report (and a handler that continues) runs at the IRQL
         * the caller expects. */
        ts->irql = c->irql;
        /* IRQL_UNEXPECTED_VALUE parameter 1: (current << 16) | (expected << 8) | unique;
         * unique value 2 means "a callout", parameter 2 the callout routine. */
        pnpsim__bugcheck(sys, IRQL_UNEXPECTED_VALUE,
                         ((ULONG_PTR)now << 16) | ((ULONG_PTR)c->irql << 8) | 2, 0, 0, 0,
                         "%s returned at IRQL %u, but was called at IRQL %u", c->what,
                         (unsigned)now, (unsigned)c->irql);
    }
}
