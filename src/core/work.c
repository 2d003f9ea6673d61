/* SPDX-License-Identifier: MIT */
/*
 * This file implements the system's queue of deferred PnP work — enumeration requests
 * (IoInvalidateDeviceRelations), driver work items, and notifications — and its delivery
 * modes (DESIGN.md "Notification delivery"): DEFERRED runs the queue before the outermost
 * native harness call returns; MANUAL only in pnpsim_system_run_pending() (and while a
 * thread waits, since Windows' worker threads would run then); WORKER on a per-system
 * thread. Items run one at a time, in queue order, with no lock held.
 */
#include "pnpsim_int.h"

static void worker_main(void *arg);

static bool start_worker_locked(pnpsim_system *sys)
{
    if (sys->worker_started)
        return true;
    sys->worker_stop = false;
    if (!pnpsim__thread_create(&sys->worker, worker_main, sys))
        return false;
    sys->worker_started = true;
    return true;
}

void pnpsim__work_queue(pnpsim_system *sys, pnpsim__work *w)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    bool locked = ts->lock_held == sys;
    if (!locked)
        pnpsim__lock(sys);
    InsertTailList(&sys->work, &w->link);
    sys->work_count++;
    if (sys->cfg.delivery == PNPSIM_DELIVERY_WORKER && !sys->destroying) {
        if (!start_worker_locked(sys)) {
            /* No thread: fall back to running it in the next harness call. */
            sys->cfg.delivery = PNPSIM_DELIVERY_DEFERRED;
        }
        pnpsim__cond_broadcast(&sys->work_cond);
    }
    if (!locked)
        pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_WORK, NULL, NULL, NULL, "queued %s", w->what);
}

bool pnpsim__work_run_one(pnpsim_system *sys)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    pnpsim__work *w = NULL;
    uint64_t me;
    bool saved;
    PNPSIM_ASSERT_UNLOCKED(sys);
    /* In WORKER delivery only the worker thread runs queued work. */
    if (sys->cfg.delivery == PNPSIM_DELIVERY_WORKER && !ts->in_worker)
        return false;
    me = pnpsim__thread_id();
    pnpsim__lock(sys);
    /* One item at a time, in queue order: while another thread runs an item, this one
     * leaves the queue to it (that thread drains what this one queued), so two events
     * of one interface are never delivered concurrently or out of order. */
    if (sys->work_owner != 0 && sys->work_owner != me) {
        pnpsim__unlock(sys);
        return false;
    }
    if (!IsListEmpty(&sys->work)) {
        w = CONTAINING_RECORD(RemoveHeadList(&sys->work), pnpsim__work, link);
        sys->work_count--;
        sys->work_owner = me;
        sys->work_owner_depth++;
    }
    if (sys->work_count == 0)
        pnpsim__cond_broadcast(&sys->work_cond);
    pnpsim__unlock(sys);
    if (w == NULL)
        return false;
    saved = ts->in_worker;
    ts->in_worker = true;
    w->run(sys, w);
    ts->in_worker = saved;
    pnpsim__lock(sys);
    if (--sys->work_owner_depth == 0)
        sys->work_owner = 0;
    pnpsim__unlock(sys);
    return true;
}

size_t pnpsim__work_run(pnpsim_system *sys)
{
    size_t n = 0;
    while (pnpsim__work_run_one(sys))
        n++;
    return n;
}

size_t pnpsim_system_run_pending(pnpsim_system *sys)
{
    size_t n;
    if (sys == NULL)
        return 0;
    pnpsim__harness_enter(sys);
    n = pnpsim__work_run(sys);
    pnpsim__harness_leave(sys);
    return n;
}

size_t pnpsim_system_pending_count(pnpsim_system *sys)
{
    size_t n;
    if (sys == NULL)
        return 0;
    pnpsim__lock(sys);
    n = sys->work_count;
    pnpsim__unlock(sys);
    return n;
}

void pnpsim__work_wait_idle(pnpsim_system *sys)
{
    if (sys->cfg.delivery != PNPSIM_DELIVERY_WORKER || pnpsim__ts()->in_worker ||
        !sys->worker_started)
        return;
    pnpsim__lock(sys);
    while (sys->work_count != 0 || sys->work_running)
        pnpsim__cond_wait(&sys->work_cond, &sys->lock);
    pnpsim__unlock(sys);
}

void pnpsim_system_flush(pnpsim_system *sys)
{
    if (sys == NULL)
        return;
    if (sys->cfg.delivery != PNPSIM_DELIVERY_WORKER) {
        pnpsim_system_run_pending(sys);
        return;
    }
    pnpsim__lock(sys);
    while (sys->work_count != 0 || sys->work_running)
        pnpsim__cond_wait(&sys->work_cond, &sys->lock);
    pnpsim__unlock(sys);
}

static void worker_main(void *arg)
{
    pnpsim_system *sys = arg;
    pnpsim__thread_state *ts = pnpsim__ts();
    ts->current = sys;
    ts->in_worker = true;
    pnpsim__lock(sys);
    for (;;) {
        pnpsim__work *w;
        while (IsListEmpty(&sys->work) && !sys->worker_stop)
            pnpsim__cond_wait(&sys->work_cond, &sys->lock);
        if (IsListEmpty(&sys->work) && sys->worker_stop)
            break;
        w = CONTAINING_RECORD(RemoveHeadList(&sys->work), pnpsim__work, link);
        sys->work_count--;
        sys->work_running = true;
        pnpsim__unlock(sys);
        w->run(sys, w);
        pnpsim__lock(sys);
        sys->work_running = false;
        pnpsim__cond_broadcast(&sys->work_cond);
    }
    pnpsim__unlock(sys);
    ts->current = NULL;
}

/* Stop the worker thread (system destroy/shutdown). Caller holds no lock. */
void pnpsim__work_stop_worker(pnpsim_system *sys)
{
    bool started;
    pnpsim__lock(sys);
    started = sys->worker_started;
    sys->worker_stop = true;
    pnpsim__cond_broadcast(&sys->work_cond);
    pnpsim__unlock(sys);
    if (started) {
        pnpsim__thread_join(&sys->worker);
        pnpsim__lock(sys);
        sys->worker_started = false;
        sys->worker_stop = false;
        pnpsim__unlock(sys);
    }
}

/* Discard every queued item without running it (system destroy). */
void pnpsim__work_discard_all(pnpsim_system *sys)
{
    for (;;) {
        pnpsim__work *w = NULL;
        pnpsim__lock(sys);
        if (!IsListEmpty(&sys->work)) {
            w = CONTAINING_RECORD(RemoveHeadList(&sys->work), pnpsim__work, link);
            sys->work_count--;
        }
        pnpsim__unlock(sys);
        if (w == NULL)
            break;
        if (w->discard != NULL)
            w->discard(sys, w);
    }
}
