/* SPDX-License-Identifier: MIT */
/*
 * This file implements PnP notification delivery (DESIGN.md "Notification delivery",
 * windows-semantics.md §4.3, §7, §8.2): the table of registrations shared by the kernel
 * routines (src/wdk/io_notify.c), the user-mode CfgMgr32 subset (src/um/cfgmgr32.c) and the
 * native test API (include/pnpsim/notify.h); the queue that turns each interface event the
 * interface manager publishes into one deferred PnP work item (PNPSIM__WORK_NOTIFY); the
 * synchronous target-device events of the PnP manager's removal paths; unregistration with
 * and without synchronisation; and the checks on callbacks (IRQL preserved: 0xCA/0xA) and
 * on drivers that unload with live registrations (0xCE).
 *
 * Registrations live on one list in creation order. An event is delivered to the matching
 * registrations that exist when its delivery starts (so a registration made while an
 * arrival is queued sees that arrival even if INCLUDE_EXISTING already reported it: the
 * documented duplicate). Delivery walks the list with sys->lock released around each
 * callback; a registration is pinned while a callback or a walk uses it and freed only when
 * it is unregistered and unpinned, so nothing is freed under a running callback and
 * callbacks may register and unregister freely.
 */
#include "notify.h"
#include "fault_int.h" /* pnpsim__fault_spare_next */

#define REG_MAGIC 0x4E52474Eu /* "NGRN" */
#define HASH_BUCKETS 256u
#define FREED_RING 128u
#define MAX_FRAMES 32

/* The common GUIDs (wdmguid.h), private copies (see iface.c for why). */
static const GUID guid_query_remove = {
    0xcb3a4006, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}};
static const GUID guid_remove_cancelled = {
    0xcb3a4007, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}};
static const GUID guid_remove_complete = {
    0xcb3a4008, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}};
static const GUID guid_arrival = {
    0xcb3a4004, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}};

/* A queued event: an interface arrival/removal or an asynchronous custom event. */
typedef struct notify_event {
    pnpsim__work w;               /* kind PNPSIM__WORK_NOTIFY */
    LIST_ENTRY plink;             /* state->pending, in queue order */
    unsigned long long qseq;      /* queue order */
    int what;                     /* PNPSIM__NOTIFY_* */
    unsigned long long event_seq; /* the interface event's number */
    DEVICE_INTERFACE_CHANGE_NOTIFICATION dicn;
    UNICODE_STRING name;
    char *instance_path; /* the event's own copy ("" if none) */
    TARGET_DEVICE_CUSTOM_NOTIFICATION *custom;
    PDEVICE_CHANGE_COMPLETE_CALLBACK done;
    PVOID done_ctx;
} notify_event;

struct pnpsim__notify_state {
    LIST_ENTRY regs;    /* every registration not yet freed, id order */
    LIST_ENTRY late;    /* unregistered without sync, waiting for the queue */
    LIST_ENTRY pending; /* queued events not yet delivered */
    pnpsim__notify_reg *hash[HASH_BUCKETS];
    void *freed[FREED_RING]; /* entries freed lately (double unregistration) */
    size_t freed_next;
    unsigned long long next_id;
    unsigned long long next_qseq;
    unsigned long long delivery_seq;
    size_t live;
    pnpsim__cond cond; /* a callback finished */
    size_t waiters;    /* threads waiting on cond (sys->lock): no broadcast without one */
    char **devinst;    /* DEVINST n is the instance path devinst[n - 1] */
    size_t devinst_count, devinst_cap;
};

/* Callbacks running on this thread (for IoUnregisterPlugPlayNotificationEx from inside). */
typedef struct frame {
    pnpsim__notify_reg *reg;
    int depth;
} frame;
static PNPSIM_THREAD_LOCAL frame tl_frames[MAX_FRAMES];
static PNPSIM_THREAD_LOCAL int tl_count;

/* ======================================================================================
 * State, hash, freeing
 * ==================================================================================== */

static struct pnpsim__notify_state *state_locked(pnpsim_system *sys, bool create)
{
    struct pnpsim__notify_state *st = sys->notify;
    PNPSIM_ASSERT_LOCKED(sys);
    if (st == NULL && create) {
        st = pnpsim__calloc(sys, 1, sizeof(*st));
        if (st == NULL)
            return NULL;
        InitializeListHead(&st->regs);
        InitializeListHead(&st->late);
        InitializeListHead(&st->pending);
        pnpsim__cond_init(&st->cond);
        st->next_id = 1;
        st->next_qseq = 1;
        sys->notify = st;
    }
    return st;
}

static size_t hash_ptr(const void *p)
{
    uintptr_t v = (uintptr_t)p;
    return (size_t)((v >> 4) ^ (v >> 12)) & (HASH_BUCKETS - 1);
}

static pnpsim__notify_reg *lookup_locked(struct pnpsim__notify_state *st, const void *entry)
{
    if (st == NULL || entry == NULL)
        return NULL;
    for (pnpsim__notify_reg *r = st->hash[hash_ptr(entry)]; r != NULL; r = r->hnext) {
        if ((const void *)r == entry)
            return r;
    }
    return NULL;
}

static bool was_freed_locked(struct pnpsim__notify_state *st, const void *entry)
{
    for (size_t i = 0; st != NULL && i < FREED_RING; i++) {
        if (st->freed[i] == entry)
            return true;
    }
    return false;
}

static void forget_freed_locked(struct pnpsim__notify_state *st, const void *entry)
{
    for (size_t i = 0; i < FREED_RING; i++) {
        if (st->freed[i] == entry)
            st->freed[i] = NULL;
    }
}

static void reg_free_locked(pnpsim_system *sys, struct pnpsim__notify_state *st,
                            pnpsim__notify_reg *r)
{
    pnpsim__notify_reg **pp = &st->hash[hash_ptr(r)];
    while (*pp != NULL && *pp != r)
        pp = &(*pp)->hnext;
    if (*pp == r)
        *pp = r->hnext;
    RemoveEntryList(&r->link);
    st->freed[st->freed_next] = r;
    st->freed_next = (st->freed_next + 1) % FREED_RING;
    if (r->driver != NULL) {
        pnpsim__driver *d = pnpsim__driver_from(r->driver);
        if (d != NULL)
            pnpsim__ob_unref(&d->hdr);
    }
    r->magic = 0;
    pnpsim__free(sys, r->instance_path);
    pnpsim__free(sys, r);
    pnpsim__cond_broadcast(&st->cond);
}

static void unpin_locked(pnpsim_system *sys, struct pnpsim__notify_state *st, pnpsim__notify_reg *r)
{
    PNPSIM_ASSERT(r->pins > 0);
    r->pins--;
    if (r->dead && !r->late && r->pins == 0)
        reg_free_locked(sys, st, r);
}

/* The oldest queued event's sequence (all unregistered-without-sync entries waiting for
 * events up to an older one can go). */
static void release_late_locked(pnpsim_system *sys, struct pnpsim__notify_state *st)
{
    unsigned long long oldest = ~0ull;
    if (!IsListEmpty(&st->pending))
        oldest = CONTAINING_RECORD(st->pending.Flink, notify_event, plink)->qseq;
    while (!IsListEmpty(&st->late)) {
        pnpsim__notify_reg *r = CONTAINING_RECORD(st->late.Flink, pnpsim__notify_reg, late_link);
        if (r->late_until >= oldest)
            break;
        RemoveEntryList(&r->late_link);
        r->late = false;
        if (r->pins == 0)
            reg_free_locked(sys, st, r);
    }
}

/* ======================================================================================
 * Calling one registration
 * ==================================================================================== */

static void frames_prune(void)
{
    int depth = pnpsim__ts()->callout_depth;
    while (tl_count > 0 && tl_frames[tl_count - 1].depth > depth)
        tl_count--;
}

static int frames_running(const pnpsim__notify_reg *r)
{
    int n = 0;
    frames_prune();
    for (int i = 0; i < tl_count; i++) {
        if (tl_frames[i].reg == r)
            n++;
    }
    return n;
}

/* Call r (pinned, inflight counted by the caller, lock held on entry and on return). */
static NTSTATUS call_locked(pnpsim_system *sys, struct pnpsim__notify_state *st,
                            pnpsim__notify_reg *r, const pnpsim__notify_payload *tmpl)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    pnpsim__notify_payload p = *tmpl;
    pnpsim__callout c;
    PDRIVER_OBJECT saved_drv = NULL, drv = r->driver;
    KIRQL before, after;
    NTSTATUS status;
    const char *who = r->who;

    p.delivery_seq = ++st->delivery_seq;
    pnpsim__unlock(sys);

    pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, p.dn, drv, NULL, "notification #%llu: %s to %s %p",
                  p.delivery_seq, pnpsim__trace_notify_name(p.what), who, (void *)r);
    frames_prune();
    if (tl_count < MAX_FRAMES) {
        tl_frames[tl_count].reg = r;
        tl_frames[tl_count].depth = ts->callout_depth + 1;
        tl_count++;
    }
    before = ts->irql;
    pnpsim__set_current_driver(drv, &saved_drv);
    pnpsim__callout_begin(sys, &c, who);
    status = r->deliver(r, &p);
    after = ts->irql;
    ts->irql = before; /* report at the IRQL the PnP manager runs at */
    pnpsim__callout_end(sys, &c);
    pnpsim__set_current_driver(saved_drv, NULL);
    frames_prune();
    for (int i = tl_count; i-- > 0;) {
        if (tl_frames[i].reg == r) {
            memmove(&tl_frames[i], &tl_frames[i + 1], (size_t)(tl_count - i - 1) * sizeof(frame));
            tl_count--;
            break;
        }
    }
    pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, p.dn, drv, &status, "notification #%llu returned",
                  p.delivery_seq);

    pnpsim__lock(sys);
    r->inflight--;
    if (st->waiters != 0)
        pnpsim__cond_broadcast(&st->cond);
    if (after != before) {
        pnpsim__unlock(sys);
        /* PNP_DETECTED_FATAL_ERROR 0xA: (driver object, IRQL after the callback, combined
         * APC disable count: not simulated, 0) (bug-check-0xca, windows-semantics §7.1). */
        pnpsim__bugcheck(sys, PNP_DETECTED_FATAL_ERROR, 0xA, (ULONG_PTR)drv, after, 0,
                         "a PnP notification callback (%s) returned at IRQL %u; it was called "
                         "at IRQL %u and must return at it",
                         who, (unsigned)after, (unsigned)before);
        pnpsim__lock(sys);
    }
    return status;
}

/* May r get a queued event numbered qseq (0: a synchronous event)? */
static bool eligible(const pnpsim__notify_reg *r, unsigned long long qseq)
{
    if (!r->dead)
        return true;
    return qseq != 0 && r->late && qseq <= r->late_until;
}

typedef bool (*match_fn)(pnpsim__notify_reg *r, const void *arg);

/* Deliver p to every registration that exists now, is eligible and matches. With
 * stop_on_failure, the first failing callback stops the walk and its status is returned.
 * Caller holds sys->lock; it is released around each callback. */
static NTSTATUS deliver_locked(pnpsim_system *sys, struct pnpsim__notify_state *st,
                               const pnpsim__notify_payload *p, unsigned long long qseq,
                               match_fn match, const void *arg, bool stop_on_failure, size_t *calls)
{
    unsigned long long max_id = st->next_id;
    PLIST_ENTRY e = st->regs.Flink;
    NTSTATUS result = STATUS_SUCCESS;
    while (e != &st->regs) {
        pnpsim__notify_reg *r = CONTAINING_RECORD(e, pnpsim__notify_reg, link);
        PLIST_ENTRY next;
        NTSTATUS status;
        if (r->id >= max_id)
            break; /* registered during this delivery: not a recipient */
        if (!eligible(r, qseq) || !match(r, arg)) {
            e = e->Flink;
            continue;
        }
        r->pins++;
        r->inflight++;
        status = call_locked(sys, st, r, p);
        if (calls != NULL)
            (*calls)++;
        next = r->link.Flink;
        unpin_locked(sys, st, r);
        e = next;
        if (stop_on_failure && !NT_SUCCESS(status)) {
            result = status;
            break;
        }
    }
    return result;
}

/* ======================================================================================
 * Registration
 * ==================================================================================== */

static bool match_iface(pnpsim__notify_reg *r, const void *arg)
{
    const GUID *cls = arg;
    return r->category == PNPSIM__NOTIFY_CAT_INTERFACE &&
           (r->all_classes || IsEqualGUID(&r->class_guid, cls));
}

static bool match_self(pnpsim__notify_reg *r, const void *arg)
{
    return r == arg;
}

/* INCLUDE_EXISTING: each enabled interface of the class, as an arrival, to r alone.
 * STATUS_INSUFFICIENT_RESOURCES, with nothing reported, when the list cannot be made. */
static NTSTATUS report_existing(pnpsim_system *sys, pnpsim__notify_reg *r)
{
    WCHAR *pool = NULL, *list;
    size_t chars = 0;
    NTSTATUS status;
    status = pnpsim__iface_get_list(sys, &r->class_guid, NULL, false, NULL, &pool, &chars);
    if (!NT_SUCCESS(status) || pool == NULL) {
        pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, NULL, r->driver, &status,
                      "cannot list the existing interfaces for %s", r->who);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    /* Work on an internal copy: a callback may bug check and unwind through here, and
     * internal memory is reclaimed at destroy (pool would be reported as leaked). */
    list = pnpsim__malloc(sys, (chars > 0 ? chars : 1) * sizeof(WCHAR));
    if (list != NULL) {
        memcpy(list, pool, chars * sizeof(WCHAR));
        if (chars == 0)
            list[0] = 0;
    }
    {
        /* The list is pool: ExFreePool finds its system through the current one. */
        pnpsim__thread_state *ts = pnpsim__ts();
        pnpsim_system *saved = ts->current;
        ts->current = sys;
        ExFreePool(pool);
        ts->current = saved;
    }
    if (list == NULL) {
        pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, NULL, r->driver, NULL,
                      "out of memory: existing interfaces not reported to %s", r->who);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (WCHAR *s = list; *s != 0;) {
        size_t n = pnpsim__wcslen(s);
        DEVICE_INTERFACE_CHANGE_NOTIFICATION dicn;
        UNICODE_STRING name;
        pnpsim__notify_payload p;
        struct pnpsim__notify_state *st;
        name.Buffer = s;
        name.Length = (USHORT)(n * sizeof(WCHAR));
        name.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
        dicn.Version = 1;
        dicn.Size = (USHORT)sizeof(dicn);
        dicn.Event = guid_arrival;
        dicn.InterfaceClassGuid = r->class_guid;
        dicn.SymbolicLinkName = &name;
        memset(&p, 0, sizeof(p));
        p.what = PNPSIM__NOTIFY_IFACE_ARRIVAL;
        p.dicn = &dicn;
        p.event_guid = &guid_arrival;
        pnpsim__lock(sys);
        st = sys->notify;
        if (st != NULL && !r->dead)
            deliver_locked(sys, st, &p, 0, match_self, r, false, NULL);
        pnpsim__unlock(sys);
        s += n + 1;
    }
    pnpsim__free(sys, list);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__notify_register(pnpsim_system *sys, const pnpsim__notify_params *params,
                                 pnpsim__notify_reg **out)
{
    struct pnpsim__notify_state *st;
    pnpsim__notify_reg *r;
    char *path = NULL;
    *out = NULL;
    if (params->instance_path != NULL) {
        path = pnpsim__strdup(sys, params->instance_path);
        if (path == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", params->who);
    }
    r = pnpsim__calloc(sys, 1, sizeof(*r));
    if (r == NULL) {
        pnpsim__free(sys, path);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", params->who);
    }
    pnpsim__lock(sys);
    st = state_locked(sys, true);
    if (st == NULL) {
        pnpsim__unlock(sys);
        pnpsim__free(sys, r);
        pnpsim__free(sys, path);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", params->who);
    }
    r->magic = REG_MAGIC;
    r->id = st->next_id++;
    r->sys = sys;
    r->category = params->category;
    r->all_classes = params->all_classes;
    r->class_guid = params->class_guid;
    r->target = params->target;
    r->instance_path = path;
    r->driver = params->driver;
    r->who = params->who;
    r->deliver = params->deliver;
    r->a = params->a;
    r->b = params->b;
    r->c = params->c;
    r->registering = true;
    r->pins = 1; /* the registration call */
    if (r->driver != NULL) {
        pnpsim__driver *d = pnpsim__driver_from(r->driver);
        if (d != NULL)
            pnpsim__ob_ref(&d->hdr); /* the entry references its driver (D-RegN) */
        else
            r->driver = NULL;
    }
    forget_freed_locked(st, r);
    r->hnext = st->hash[hash_ptr(r)];
    st->hash[hash_ptr(r)] = r;
    InsertTailList(&st->regs, &r->link);
    st->live++;
    *out = r;
    if (params->publish != NULL)
        *params->publish = r;
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, params->target, params->driver, NULL,
                  "%s: registration %p (category %d)", params->who, (void *)r, params->category);

    /* Windows inserts the entry first, then reports the existing interfaces (ROS-ntf
     * order; windows-semantics §7.1), so an arrival queued meanwhile is seen twice. */
    if (params->include_existing && params->category == PNPSIM__NOTIFY_CAT_INTERFACE &&
        !NT_SUCCESS(report_existing(sys, r))) {
        /* No memory to list the existing interfaces (nothing was reported): the
         * registration fails as a whole instead of succeeding without the reports its
         * caller asked for (found by tests/fuzz/fuzz_api_sequence). */
        pnpsim__lock(sys);
        r->registering = false;
        if (!r->dead) {
            r->dead = true;
            st->live--;
        }
        *out = NULL;
        if (params->publish != NULL)
            *params->publish = NULL;
        unpin_locked(sys, st, r);
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "%s: no memory to report the existing interfaces", params->who);
    }

    pnpsim__lock(sys);
    r->registering = false;
    unpin_locked(sys, st, r);
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

bool pnpsim__notify_in_callback(void)
{
    frames_prune();
    return tl_count > 0;
}

bool pnpsim__notify_is_live(pnpsim_system *sys, void *entry)
{
    pnpsim__notify_reg *r;
    bool live;
    pnpsim__lock(sys);
    r = lookup_locked(sys->notify, entry);
    live = r != NULL && !r->dead;
    pnpsim__unlock(sys);
    return live;
}

NTSTATUS pnpsim__notify_unregister(pnpsim_system *sys, void *entry, int how, const char *ddi)
{
    struct pnpsim__notify_state *st;
    pnpsim__notify_reg *r;
    bool in_register = false;

    pnpsim__lock(sys);
    st = sys->notify;
    r = lookup_locked(st, entry);
    if (r == NULL || r->dead) {
        bool twice = r != NULL || was_freed_locked(st, entry);
        pnpsim__unlock(sys);
        /* The entry is pool the PnP manager frees on unregistration: a second free is
         * what Verifier catches (BAD_POOL_CALLER 0x07: tag, address); an address it never
         * returned is 0x46. Choice: Windows documents neither case. */
        if (twice)
            pnpsim__bugcheck(sys, BAD_POOL_CALLER, 0x07, 0, PNPSIM__NOTIFY_POOL_TAG,
                             (ULONG_PTR)entry,
                             "%s(%p): the notification entry was already unregistered "
                             "(unregistering twice frees its pool twice)",
                             ddi, entry);
        else
            pnpsim__bugcheck(sys, BAD_POOL_CALLER, 0x46, (ULONG_PTR)entry, 0, 0,
                             "%s(%p): not a notification entry IoRegisterPlugPlayNotification "
                             "returned",
                             ddi, entry);
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: not a live notification entry", ddi);
    }
    if (how == PNPSIM__NOTIFY_UNREG_EX && r->registering && frames_running(r) > 0) {
        in_register = true;
        how = PNPSIM__NOTIFY_UNREG_NO_SYNC;
    }
    r->dead = true;
    st->live--;
    if (how == PNPSIM__NOTIFY_UNREG_NO_SYNC && !IsListEmpty(&st->pending)) {
        /* No synchronisation (D-Unreg): what is already queued may still arrive. */
        r->late = true;
        r->late_until = st->next_qseq - 1;
        InsertTailList(&st->late, &r->late_link);
    }
    pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, r->target, r->driver, NULL, "%s(%p)%s", ddi, entry,
                  r->late ? ": events already queued may still be delivered" : "");
    if (how == PNPSIM__NOTIFY_UNREG_EX) {
        /* No callback after return: wait for those running on other threads (a callback
         * unregistering itself cannot wait for itself; it returns at once). */
        r->pins++;
        while (r->inflight - frames_running(r) > 0) {
            st->waiters++;
            pnpsim__cond_wait(&st->cond, &sys->lock);
            st->waiters--;
        }
        unpin_locked(sys, st, r);
    } else if (r->pins == 0 && !r->late) {
        reg_free_locked(sys, st, r);
    }
    pnpsim__unlock(sys);
    if (in_register) {
        /* IoUnregisterPlugPlayNotificationEx may be called from the callback, except while
         * IoRegisterPlugPlayNotification with INCLUDE_EXISTING_INTERFACES has not returned
         * (D-UnregEx; windows-semantics §7.3). Windows does not say what happens; pnpsim
         * reports it as a verifier violation (0xC4, pnpsim code). */
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_DETECTED_VIOLATION, 0x504E5301u, (ULONG_PTR)entry, 0,
                         0,
                         "%s(%p) called from the entry's own callback while "
                         "IoRegisterPlugPlayNotification(INCLUDE_EXISTING_INTERFACES) is still "
                         "reporting existing interfaces",
                         ddi, entry);
    }
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Queued events
 * ==================================================================================== */

static bool match_target(pnpsim__notify_reg *r, const void *arg)
{
    return r->category == PNPSIM__NOTIFY_CAT_TARGET && r->target == arg && !r->complete_sent;
}

static void event_free(pnpsim_system *sys, notify_event *ev)
{
    pnpsim__free(sys, ev->custom);
    pnpsim__free(sys, ev);
}

static void event_run(pnpsim_system *sys, pnpsim__work *w)
{
    notify_event *ev = CONTAINING_RECORD(w, notify_event, w);
    struct pnpsim__notify_state *st;
    pnpsim__notify_payload p;
    char *name8 = NULL;
    memset(&p, 0, sizeof(p));
    p.name_utf8 = &name8;
    p.what = ev->what;
    p.event_seq = ev->event_seq;
    p.instance_path = ev->instance_path;
    if (ev->what == PNPSIM__NOTIFY_TARGET_CUSTOM) {
        p.custom = ev->custom;
        p.event_guid = &ev->custom->Event;
    } else {
        p.dicn = &ev->dicn;
        p.event_guid = &ev->dicn.Event;
    }
    pnpsim__lock(sys);
    /* The device node as it is now: device nodes are freed at shutdown and reboot, while
     * their events may still be queued (the instance path is the event's own copy). */
    p.dn = ev->instance_path[0] != 0 ? pnpsim__devnode_find_locked(sys, ev->instance_path) : NULL;
    st = sys->notify;
    if (st != NULL) {
        if (ev->what == PNPSIM__NOTIFY_TARGET_CUSTOM)
            deliver_locked(sys, st, &p, ev->qseq, match_target, p.dn, false, NULL);
        else
            deliver_locked(sys, st, &p, ev->qseq, match_iface, &ev->dicn.InterfaceClassGuid, false,
                           NULL);
        RemoveEntryList(&ev->plink);
        release_late_locked(sys, st);
    }
    pnpsim__unlock(sys);
    pnpsim__free(sys, name8);
    if (ev->done != NULL) {
        pnpsim__callout c;
        pnpsim__callout_begin(sys, &c, "a DEVICE_CHANGE_COMPLETE_CALLBACK");
        ev->done(ev->done_ctx);
        pnpsim__callout_end(sys, &c);
    }
    event_free(sys, ev);
}

static void event_discard(pnpsim_system *sys, pnpsim__work *w)
{
    notify_event *ev = CONTAINING_RECORD(w, notify_event, w);
    pnpsim__lock(sys);
    if (sys->notify != NULL) {
        RemoveEntryList(&ev->plink);
        release_late_locked(sys, sys->notify);
    }
    pnpsim__unlock(sys);
    event_free(sys, ev);
}

static void event_queue_locked(pnpsim_system *sys, struct pnpsim__notify_state *st,
                               notify_event *ev, const char *what)
{
    ev->qseq = st->next_qseq++;
    ev->w.run = event_run;
    ev->w.discard = event_discard;
    ev->w.what = what;
    ev->w.kind = PNPSIM__WORK_NOTIFY;
    InsertTailList(&st->pending, &ev->plink);
    pnpsim__work_queue(sys, &ev->w);
}

void *pnpsim__notify_prealloc_locked(pnpsim_system *sys, size_t name_bytes, size_t path_len,
                                     size_t *size)
{
    PNPSIM_ASSERT_LOCKED(sys);
    *size = 0;
    if (state_locked(sys, true) == NULL)
        return NULL;
    *size = sizeof(notify_event) + name_bytes + path_len;
    return pnpsim__malloc(sys, *size);
}

void pnpsim__notify_iface_event_locked(pnpsim_system *sys, pnpsim__iface_event *iev)
{
    struct pnpsim__notify_state *st;
    notify_event *ev;
    size_t name_bytes, path_len;
    PNPSIM_ASSERT_LOCKED(sys);
    if (iev == NULL)
        return;
    if (sys->destroying) {
        pnpsim__free(sys, iev->notify_rec);
        iev->notify_rec = NULL;
        return;
    }
    st = state_locked(sys, true);
    name_bytes = (size_t)iev->name.Length + sizeof(WCHAR);
    path_len = iev->instance_path != NULL ? strlen(iev->instance_path) + 1 : 1;
    ev = NULL;
    if (iev->notify_rec != NULL && iev->notify_rec_size >= sizeof(*ev) + name_bytes + path_len)
        ev = iev->notify_rec; /* preallocated with the event: never fails */
    else
        pnpsim__free(sys, iev->notify_rec);
    iev->notify_rec = NULL;
    if (ev == NULL && st != NULL)
        ev = pnpsim__malloc(sys, sizeof(*ev) + name_bytes + path_len);
    if (st == NULL && ev != NULL) {
        pnpsim__free(sys, ev);
        ev = NULL;
    }
    if (ev == NULL) {
        /* Choice: an event that cannot be queued for lack of memory is lost (traced). */
        pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, NULL, NULL, NULL,
                      "out of memory: interface event #%llu not delivered", iev->seq);
        return;
    }
    memset(ev, 0, sizeof(*ev));
    ev->what = iev->arrival ? PNPSIM__NOTIFY_IFACE_ARRIVAL : PNPSIM__NOTIFY_IFACE_REMOVAL;
    ev->event_seq = iev->seq;
    ev->dicn = iev->notification;
    ev->name.Buffer = (PWCH)(void *)(ev + 1);
    memcpy(ev->name.Buffer, iev->name.Buffer, iev->name.Length);
    ev->name.Buffer[iev->name.Length / sizeof(WCHAR)] = 0;
    ev->name.Length = iev->name.Length;
    ev->name.MaximumLength = (USHORT)name_bytes;
    ev->dicn.SymbolicLinkName = &ev->name;
    ev->instance_path = (char *)(ev + 1) + name_bytes;
    if (iev->instance_path != NULL)
        memcpy(ev->instance_path, iev->instance_path, path_len);
    else
        ev->instance_path[0] = 0;
    event_queue_locked(sys, st, ev,
                       iev->arrival ? "interface arrival notification"
                                    : "interface removal notification");
}

NTSTATUS pnpsim__notify_target_custom(pnpsim_device *dn,
                                      const TARGET_DEVICE_CUSTOM_NOTIFICATION *custom,
                                      bool synchronous, PDEVICE_CHANGE_COMPLETE_CALLBACK done,
                                      PVOID ctx)
{
    pnpsim_system *sys = dn->sys;
    struct pnpsim__notify_state *st;
    TARGET_DEVICE_CUSTOM_NOTIFICATION *copy;
    copy = pnpsim__malloc(sys, custom->Size);
    if (copy == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "custom notification: no memory");
    memcpy(copy, custom, custom->Size);
    copy->FileObject = NULL;
    if (synchronous) {
        pnpsim__notify_payload p;
        memset(&p, 0, sizeof(p));
        p.what = PNPSIM__NOTIFY_TARGET_CUSTOM;
        p.custom = copy;
        p.event_guid = &copy->Event;
        p.dn = dn;
        p.instance_path = dn->instance_path;
        pnpsim__lock(sys);
        st = sys->notify;
        if (st != NULL)
            deliver_locked(sys, st, &p, 0, match_target, dn, false, NULL);
        pnpsim__unlock(sys);
        pnpsim__free(sys, copy);
        return STATUS_SUCCESS;
    } else {
        size_t path_len = strlen(dn->instance_path != NULL ? dn->instance_path : "") + 1;
        notify_event *ev = pnpsim__calloc(sys, 1, sizeof(*ev) + path_len);
        pnpsim__lock(sys);
        st = ev != NULL ? state_locked(sys, true) : NULL;
        if (st == NULL) {
            pnpsim__unlock(sys);
            pnpsim__free(sys, ev);
            pnpsim__free(sys, copy);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "custom notification: no memory");
        }
        ev->what = PNPSIM__NOTIFY_TARGET_CUSTOM;
        ev->custom = copy;
        ev->instance_path = (char *)(ev + 1);
        memcpy(ev->instance_path, dn->instance_path != NULL ? dn->instance_path : "", path_len);
        ev->done = done;
        ev->done_ctx = ctx;
        event_queue_locked(sys, st, ev, "custom target device notification");
        pnpsim__unlock(sys);
        return STATUS_SUCCESS;
    }
}

/* ======================================================================================
 * Target device events (the PnP manager's removal paths)
 * ==================================================================================== */

static bool match_target_asked(pnpsim__notify_reg *r, const void *arg)
{
    if (!match_target(r, arg) || !r->asked)
        return false;
    r->asked = false;
    return true;
}

static bool match_target_ask(pnpsim__notify_reg *r, const void *arg)
{
    if (!match_target(r, arg))
        return false;
    r->asked = true;
    return true;
}

static bool match_target_complete(pnpsim__notify_reg *r, const void *arg)
{
    if (!match_target(r, arg))
        return false;
    r->asked = false;
    r->complete_sent = true;
    return true;
}

static bool match_instance(pnpsim__notify_reg *r, const void *arg);

static void target_payload(pnpsim__notify_payload *p, pnpsim_device *dn, int what, const GUID *g)
{
    memset(p, 0, sizeof(*p));
    p->what = what;
    p->dn = dn;
    p->instance_path = dn->instance_path;
    p->event_guid = g;
}

NTSTATUS pnpsim__notify_target_query_remove(pnpsim_device *dn)
{
    pnpsim_system *sys;
    struct pnpsim__notify_state *st;
    pnpsim__notify_payload p;
    NTSTATUS status = STATUS_SUCCESS;
    if (dn == NULL)
        return STATUS_SUCCESS;
    sys = dn->sys;
    target_payload(&p, dn, PNPSIM__NOTIFY_TARGET_QUERY_REMOVE, &guid_query_remove);
    pnpsim__lock(sys);
    st = sys->notify;
    if (st != NULL)
        status = deliver_locked(sys, st, &p, 0, match_target_ask, dn, true, NULL);
    pnpsim__unlock(sys);
    if (!NT_SUCCESS(status)) {
        pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, dn, NULL, &status,
                      "GUID_TARGET_DEVICE_QUERY_REMOVE vetoed: removal of %s cancelled",
                      dn->instance_path);
        pnpsim__notify_target_remove_cancelled(dn);
        return pnpsim__status(status,
                              "a target device notification callback vetoed the "
                              "removal of %s",
                              dn->instance_path);
    }
    return STATUS_SUCCESS;
}

void pnpsim__notify_target_remove_cancelled(pnpsim_device *dn)
{
    pnpsim_system *sys;
    pnpsim__notify_payload p;
    if (dn == NULL)
        return;
    sys = dn->sys;
    target_payload(&p, dn, PNPSIM__NOTIFY_TARGET_REMOVE_CANCELLED, &guid_remove_cancelled);
    pnpsim__lock(sys);
    if (sys->notify != NULL)
        deliver_locked(sys, sys->notify, &p, 0, match_target_asked, dn, false, NULL);
    pnpsim__unlock(sys);
}

void pnpsim__notify_target_remove_complete(pnpsim_device *dn)
{
    pnpsim_system *sys;
    pnpsim__notify_payload p;
    if (dn == NULL)
        return;
    sys = dn->sys;
    pnpsim__lock(sys);
    if (sys->notify != NULL) {
        if (!dn->missing) {
            /* Orderly removal: user-mode handle registrations hear REMOVEPENDING first. */
            target_payload(&p, dn, PNPSIM__NOTIFY_TARGET_REMOVE_PENDING, &guid_remove_complete);
            deliver_locked(sys, sys->notify, &p, 0, match_target, dn, false, NULL);
        }
        target_payload(&p, dn, PNPSIM__NOTIFY_TARGET_REMOVE_COMPLETE, &guid_remove_complete);
        deliver_locked(sys, sys->notify, &p, 0, match_target_complete, dn, false, NULL);
        if (sys->notify != NULL) {
            target_payload(&p, dn, PNPSIM__NOTIFY_INSTANCE_REMOVED, NULL);
            deliver_locked(sys, sys->notify, &p, 0, match_instance, dn, false, NULL);
        }
    }
    pnpsim__unlock(sys);
}

static bool match_instance(pnpsim__notify_reg *r, const void *arg)
{
    const pnpsim_device *dn = arg;
    return r->category == PNPSIM__NOTIFY_CAT_INSTANCE &&
           (r->instance_path == NULL ||
            (dn->instance_path != NULL &&
             pnpsim__stricmp(r->instance_path, dn->instance_path) == 0));
}

void pnpsim__notify_device_started(pnpsim_device *dn)
{
    pnpsim_system *sys;
    pnpsim__notify_payload p;
    if (dn == NULL)
        return;
    sys = dn->sys;
    target_payload(&p, dn, PNPSIM__NOTIFY_INSTANCE_STARTED, NULL);
    pnpsim__lock(sys);
    if (sys->notify != NULL)
        deliver_locked(sys, sys->notify, &p, 0, match_instance, dn, false, NULL);
    pnpsim__unlock(sys);
}

/* ======================================================================================
 * Driver unload, destroy
 * ==================================================================================== */

void pnpsim__notify_driver_unloading(pnpsim_system *sys, PDRIVER_OBJECT drv)
{
    for (;;) {
        struct pnpsim__notify_state *st;
        pnpsim__notify_reg *victim = NULL;
        void *cb = NULL;
        const char *who = NULL;
        pnpsim__lock(sys);
        st = sys->notify;
        for (PLIST_ENTRY e = st != NULL ? st->regs.Flink : NULL; e != NULL && e != &st->regs;
             e = e->Flink) {
            pnpsim__notify_reg *r = CONTAINING_RECORD(e, pnpsim__notify_reg, link);
            if (!r->dead && r->driver == drv) {
                victim = r;
                break;
            }
        }
        if (victim == NULL) {
            pnpsim__unlock(sys);
            return;
        }
        /* Drop it first (no callback into the unloaded driver whatever the handler does). */
        victim->dead = true;
        st->live--;
        cb = victim->a;
        who = victim->who;
        if (victim->pins == 0)
            reg_free_locked(sys, st, victim);
        pnpsim__unlock(sys);
        /* DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS: what a later callback into
         * the unloaded image would cause (p1 the callback address, p2 0 = read/execute,
         * p3 the entry). Choice: Windows keeps an unloading driver's image while its
         * registrations reference the driver object; pnpsim reports it at once. */
        pnpsim__bugcheck(sys, DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, (ULONG_PTR)cb,
                         0, (ULONG_PTR)victim, 0,
                         "driver %s unloaded with a live PnP notification registration %p (%s);"
                         " it must call IoUnregisterPlugPlayNotificationEx before unloading",
                         pnpsim_driver_name(drv) ? pnpsim_driver_name(drv) : "?", (void *)victim,
                         who);
    }
}

void pnpsim__notify_fini(pnpsim_system *sys)
{
    struct pnpsim__notify_state *st;
    if (sys == NULL)
        return;
    pnpsim__lock(sys);
    st = sys->notify;
    sys->notify = NULL;
    pnpsim__unlock(sys);
    if (st == NULL)
        return;
    /* Queued events are the work queue's (discarded before this); free the registrations
     * without touching their drivers (which go at destroy too). */
    while (!IsListEmpty(&st->regs)) {
        pnpsim__notify_reg *r =
            CONTAINING_RECORD(RemoveHeadList(&st->regs), pnpsim__notify_reg, link);
        pnpsim__free(sys, r->instance_path);
        pnpsim__free(sys, r);
    }
    pnpsim__cond_destroy(&st->cond);
    for (size_t i = 0; i < st->devinst_count; i++)
        pnpsim__free(sys, st->devinst[i]);
    pnpsim__free(sys, st->devinst);
    pnpsim__free(sys, st);
}

/* ======================================================================================
 * DEVINST handles
 * ==================================================================================== */

/* The table keeps instance paths, not device nodes: device nodes are freed at reboot and
 * shutdown, and a DEVINST must stay safe to pass afterwards. */
ULONG pnpsim__notify_devinst(pnpsim_system *sys, pnpsim_device *dn)
{
    struct pnpsim__notify_state *st;
    ULONG h = 0;
    char *copy;
    if (dn == NULL || dn->instance_path == NULL)
        return 0;
    copy = pnpsim__strdup(sys, dn->instance_path);
    if (copy == NULL)
        return 0;
    pnpsim__lock(sys);
    st = state_locked(sys, true);
    for (size_t i = 0; st != NULL && i < st->devinst_count; i++) {
        if (pnpsim__stricmp(st->devinst[i], copy) == 0) {
            h = (ULONG)(i + 1);
            break;
        }
    }
    if (st != NULL && h == 0) {
        if (st->devinst_count == st->devinst_cap) {
            size_t cap = st->devinst_cap ? st->devinst_cap * 2 : 16;
            char **v = pnpsim__realloc(sys, st->devinst, cap * sizeof(*v));
            if (v != NULL) {
                st->devinst = v;
                st->devinst_cap = cap;
            }
        }
        if (st->devinst_count < st->devinst_cap) {
            st->devinst[st->devinst_count++] = copy;
            copy = NULL;
            h = (ULONG)st->devinst_count;
        }
    }
    pnpsim__unlock(sys);
    pnpsim__free(sys, copy);
    return h;
}

pnpsim_device *pnpsim__notify_devinst_node(pnpsim_system *sys, ULONG devinst)
{
    pnpsim_device *dn = NULL;
    pnpsim__lock(sys);
    if (sys->notify != NULL && devinst >= 1 && devinst <= sys->notify->devinst_count)
        dn = pnpsim__devnode_find_locked(sys, sys->notify->devinst[devinst - 1]);
    pnpsim__unlock(sys);
    return dn;
}

void pnpsim__notify_foreach_locked(pnpsim_system *sys,
                                   void (*fn)(void *ctx, const pnpsim__notify_reg *reg),
                                   void *ctx)
{
    PNPSIM_ASSERT_LOCKED(sys);
    if (sys->notify == NULL)
        return;
    for (PLIST_ENTRY e = sys->notify->regs.Flink; e != &sys->notify->regs; e = e->Flink) {
        pnpsim__notify_reg *r = CONTAINING_RECORD(e, pnpsim__notify_reg, link);
        if (!r->dead)
            fn(ctx, r);
    }
}


/* ======================================================================================
 * Native API (include/pnpsim/notify.h)
 * ==================================================================================== */

static pnpsim_notify_kind native_kind(int what)
{
    switch (what) {
    case PNPSIM__NOTIFY_IFACE_ARRIVAL:
        return PNPSIM_NOTIFY_INTERFACE_ARRIVAL;
    case PNPSIM__NOTIFY_IFACE_REMOVAL:
        return PNPSIM_NOTIFY_INTERFACE_REMOVAL;
    case PNPSIM__NOTIFY_TARGET_QUERY_REMOVE:
        return PNPSIM_NOTIFY_QUERY_REMOVE;
    case PNPSIM__NOTIFY_TARGET_REMOVE_CANCELLED:
        return PNPSIM_NOTIFY_REMOVE_CANCELLED;
    case PNPSIM__NOTIFY_TARGET_REMOVE_PENDING:
        return PNPSIM_NOTIFY_REMOVE_PENDING;
    case PNPSIM__NOTIFY_TARGET_REMOVE_COMPLETE:
        return PNPSIM_NOTIFY_REMOVE_COMPLETE;
    case PNPSIM__NOTIFY_TARGET_CUSTOM:
        return PNPSIM_NOTIFY_CUSTOM;
    default:
        return PNPSIM_NOTIFY_DEVICE_STARTED;
    }
}

/* a = pnpsim_notify_fn, b = context. */
static NTSTATUS native_deliver(pnpsim__notify_reg *r, const pnpsim__notify_payload *p)
{
    pnpsim_notify_fn fn = (pnpsim_notify_fn)(uintptr_t)r->a;
    pnpsim_notify_event ev;
    char *name = NULL;
    NTSTATUS status;
    memset(&ev, 0, sizeof(ev));
    ev.seq = p->delivery_seq;
    ev.event_seq = p->event_seq;
    ev.kind = native_kind(p->what);
    if (p->event_guid != NULL)
        ev.event = *p->event_guid;
    if (p->dicn != NULL) {
        const UNICODE_STRING *u = p->dicn->SymbolicLinkName;
        ev.class_guid = p->dicn->InterfaceClassGuid;
        if (p->name_utf8 != NULL && *p->name_utf8 != NULL) {
            ev.name = *p->name_utf8; /* converted for an earlier subscriber of this event */
        } else {
            /* A delivery cannot fail, so injected faults spare the copy (fault_int.h): a
             * subscriber never gets a NULL name (found by the entry-point sweep with
             * INCLUDE_EXISTING, whose events are converted here, at delivery). */
            pnpsim__fault_spare_next(r->sys);
            name = pnpsim__utf16_to_utf8(r->sys, u->Buffer, u->Length / sizeof(WCHAR));
            pnpsim__fault_spare_next(NULL);
            ev.name = name;
            if (p->name_utf8 != NULL) {
                *p->name_utf8 = name; /* the event's delivery frees it */
                name = NULL;
            }
        }
    }
    ev.instance_path =
        p->instance_path != NULL && p->instance_path[0] != 0 ? p->instance_path : NULL;
    ev.device = p->dn;
    /* Target events only go to the one subscription of that device: the removal path does
     * not deliver REMOVE_PENDING to kernel entries, but native subscribers see it. */
    status = fn(r->b, &ev);
    pnpsim__free(r->sys, name);
    return status;
}

static NTSTATUS native_subscribe(pnpsim_system *sys, pnpsim__notify_params *prm,
                                 pnpsim_notify_fn fn, void *context,
                                 pnpsim_notify_subscription **out)
{
    pnpsim__notify_reg *r = NULL;
    NTSTATUS status;
    prm->deliver = native_deliver;
    prm->a = (void *)(uintptr_t)fn;
    prm->b = context;
    pnpsim__harness_enter(sys);
    status = pnpsim__notify_register(sys, prm, &r);
    if (NT_SUCCESS(status))
        *out = (pnpsim_notify_subscription *)(void *)r;
    pnpsim__harness_leave(sys);
    return status;
}

NTSTATUS pnpsim_notify_subscribe_interfaces(pnpsim_system *sys, const GUID *class_guid,
                                            unsigned int flags, pnpsim_notify_fn fn, void *context,
                                            pnpsim_notify_subscription **out)
{
    pnpsim__notify_params prm;
    if (out != NULL)
        *out = NULL;
    if (sys == NULL || fn == NULL || out == NULL || (flags & ~PNPSIM_NOTIFY_INCLUDE_EXISTING))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_notify_subscribe_interfaces: sys, fn and out are required;"
                              " flags may only be PNPSIM_NOTIFY_INCLUDE_EXISTING");
    memset(&prm, 0, sizeof(prm));
    prm.category = PNPSIM__NOTIFY_CAT_INTERFACE;
    prm.all_classes = class_guid == NULL;
    if (class_guid != NULL)
        prm.class_guid = *class_guid;
    prm.include_existing = (flags & PNPSIM_NOTIFY_INCLUDE_EXISTING) != 0 && class_guid != NULL;
    prm.who = "a native interface subscription";
    return native_subscribe(sys, &prm, fn, context, out);
}

NTSTATUS pnpsim_notify_subscribe_device(pnpsim_system *sys, pnpsim_device *dev, pnpsim_notify_fn fn,
                                        void *context, pnpsim_notify_subscription **out)
{
    pnpsim__notify_params prm;
    if (out != NULL)
        *out = NULL;
    if (sys == NULL || dev == NULL || dev->sys != sys || fn == NULL || out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_notify_subscribe_device: sys, a device of it, fn and out "
                              "are required");
    memset(&prm, 0, sizeof(prm));
    prm.category = PNPSIM__NOTIFY_CAT_TARGET;
    prm.target = dev;
    prm.who = "a native device subscription";
    return native_subscribe(sys, &prm, fn, context, out);
}

NTSTATUS pnpsim_notify_unsubscribe(pnpsim_system *sys, pnpsim_notify_subscription *sub)
{
    if (sys == NULL || sub == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_notify_unsubscribe: sys and sub are required");
    return pnpsim__notify_unregister(sys, sub, PNPSIM__NOTIFY_UNREG_EX,
                                     "pnpsim_notify_unsubscribe");
}

size_t pnpsim_notify_registration_count(pnpsim_system *sys)
{
    size_t n;
    if (sys == NULL)
        return 0;
    pnpsim__lock(sys);
    n = sys->notify != NULL ? sys->notify->live : 0;
    pnpsim__unlock(sys);
    return n;
}

/* ---- recorder ------------------------------------------------------------------------- */

typedef struct rec_sub {
    struct rec_sub *next;
    pnpsim_notify_subscription *sub;
} rec_sub;

struct pnpsim_notify_recorder {
    pnpsim_system *sys;
    pnpsim__mutex lock;
    rec_sub *subs;
    pnpsim_notify_event **items;
    size_t count, cap;
    NTSTATUS query_remove_status;
};

static NTSTATUS recorder_fn(void *context, const pnpsim_notify_event *ev)
{
    pnpsim_notify_recorder *rec = context;
    pnpsim_system *sys = rec->sys;
    size_t name_len = ev->name != NULL ? strlen(ev->name) + 1 : 0;
    size_t path_len = ev->instance_path != NULL ? strlen(ev->instance_path) + 1 : 0;
    pnpsim_notify_event *copy;
    NTSTATUS result;
    /* A recorder must not lose what it was told: injected faults spare its copies (a test
     * asserting notifications would otherwise see an event vanish). */
    pnpsim__fault_spare_next(sys);
    copy = pnpsim__malloc(sys, sizeof(*copy) + name_len + path_len);
    if (copy != NULL) {
        char *s = (char *)(copy + 1);
        *copy = *ev;
        if (ev->name != NULL) {
            memcpy(s, ev->name, name_len);
            copy->name = s;
            s += name_len;
        }
        if (ev->instance_path != NULL) {
            memcpy(s, ev->instance_path, path_len);
            copy->instance_path = s;
        }
    }
    pnpsim__mutex_lock(&rec->lock);
    if (copy != NULL && rec->count == rec->cap) {
        size_t cap = rec->cap ? rec->cap * 2 : 16;
        pnpsim_notify_event **v;
        pnpsim__fault_spare_next(sys);
        v = pnpsim__realloc(sys, rec->items, cap * sizeof(*v));
        if (v != NULL) {
            rec->items = v;
            rec->cap = cap;
        }
    }
    if (copy != NULL && rec->count < rec->cap) {
        rec->items[rec->count++] = copy;
        copy = NULL;
    }
    result = ev->kind == PNPSIM_NOTIFY_QUERY_REMOVE ? rec->query_remove_status : STATUS_SUCCESS;
    pnpsim__mutex_unlock(&rec->lock);
    if (copy != NULL)
        pnpsim__free(sys, copy);
    return result;
}

static NTSTATUS recorder_add(pnpsim_notify_recorder *rec, pnpsim_notify_subscription *sub)
{
    rec_sub *s = pnpsim__calloc(rec->sys, 1, sizeof(*s));
    if (s == NULL) {
        pnpsim_notify_unsubscribe(rec->sys, sub);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "recorder: no memory");
    }
    s->sub = sub;
    pnpsim__mutex_lock(&rec->lock);
    s->next = rec->subs;
    rec->subs = s;
    pnpsim__mutex_unlock(&rec->lock);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_notify_recorder_create(pnpsim_system *sys, const GUID *class_guid,
                                       unsigned int flags, pnpsim_notify_recorder **out)
{
    pnpsim_notify_recorder *rec;
    pnpsim_notify_subscription *sub = NULL;
    rec_sub *s;
    NTSTATUS status;
    if (out != NULL)
        *out = NULL;
    if (sys == NULL || out == NULL || (flags & ~PNPSIM_NOTIFY_INCLUDE_EXISTING))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_notify_recorder_create: sys and out are required");
    rec = pnpsim__calloc(sys, 1, sizeof(*rec));
    s = pnpsim__calloc(sys, 1, sizeof(*s));
    if (rec == NULL || s == NULL) {
        pnpsim__free(sys, rec);
        pnpsim__free(sys, s);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "recorder: no memory");
    }
    rec->sys = sys;
    rec->query_remove_status = STATUS_SUCCESS;
    pnpsim__mutex_init(&rec->lock);
    /* The list entry exists before the subscription can deliver (INCLUDE_EXISTING). */
    rec->subs = s;
    status = pnpsim_notify_subscribe_interfaces(sys, class_guid, flags, recorder_fn, rec, &sub);
    if (!NT_SUCCESS(status)) {
        pnpsim__mutex_destroy(&rec->lock);
        pnpsim__free(sys, s);
        pnpsim__free(sys, rec);
        return status;
    }
    s->sub = sub;
    *out = rec;
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_notify_recorder_watch_device(pnpsim_notify_recorder *rec, pnpsim_device *dev)
{
    pnpsim_notify_subscription *sub = NULL;
    NTSTATUS status;
    if (rec == NULL || dev == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_notify_recorder_watch_device: rec and dev are required");
    status = pnpsim_notify_subscribe_device(rec->sys, dev, recorder_fn, rec, &sub);
    if (!NT_SUCCESS(status))
        return status;
    return recorder_add(rec, sub);
}

void pnpsim_notify_recorder_set_query_remove_status(pnpsim_notify_recorder *rec, NTSTATUS status)
{
    if (rec == NULL)
        return;
    pnpsim__mutex_lock(&rec->lock);
    rec->query_remove_status = status;
    pnpsim__mutex_unlock(&rec->lock);
}

size_t pnpsim_notify_recorder_count(pnpsim_notify_recorder *rec)
{
    size_t n;
    if (rec == NULL)
        return 0;
    pnpsim__mutex_lock(&rec->lock);
    n = rec->count;
    pnpsim__mutex_unlock(&rec->lock);
    return n;
}

const pnpsim_notify_event *pnpsim_notify_recorder_get(pnpsim_notify_recorder *rec, size_t index)
{
    const pnpsim_notify_event *ev = NULL;
    if (rec == NULL)
        return NULL;
    pnpsim__mutex_lock(&rec->lock);
    if (index < rec->count)
        ev = rec->items[index];
    pnpsim__mutex_unlock(&rec->lock);
    return ev;
}

size_t pnpsim_notify_recorder_count_kind(pnpsim_notify_recorder *rec, pnpsim_notify_kind kind)
{
    size_t n = 0;
    if (rec == NULL)
        return 0;
    pnpsim__mutex_lock(&rec->lock);
    for (size_t i = 0; i < rec->count; i++) {
        if (rec->items[i]->kind == kind)
            n++;
    }
    pnpsim__mutex_unlock(&rec->lock);
    return n;
}

void pnpsim_notify_recorder_clear(pnpsim_notify_recorder *rec)
{
    if (rec == NULL)
        return;
    pnpsim__mutex_lock(&rec->lock);
    for (size_t i = 0; i < rec->count; i++)
        pnpsim__free(rec->sys, rec->items[i]);
    rec->count = 0;
    pnpsim__mutex_unlock(&rec->lock);
}

void pnpsim_notify_recorder_destroy(pnpsim_notify_recorder *rec)
{
    pnpsim_system *sys;
    if (rec == NULL)
        return;
    sys = rec->sys;
    while (rec->subs != NULL) {
        rec_sub *s = rec->subs;
        rec->subs = s->next;
        if (s->sub != NULL && pnpsim__notify_is_live(sys, s->sub))
            pnpsim_notify_unsubscribe(sys, s->sub);
        pnpsim__free(sys, s);
    }
    pnpsim_notify_recorder_clear(rec);
    pnpsim__free(sys, rec->items);
    pnpsim__mutex_destroy(&rec->lock);
    pnpsim__free(sys, rec);
}

/* pnpsim_system_check (src/core/check.c): the registration list, the address hash, the
 * late list and the queue of pending events are consistent. Caller holds sys->lock.
 * Returns NULL when sound, else what is broken (a static string). */
const char *pnpsim__notify_check_locked(pnpsim_system *sys)
{
    struct pnpsim__notify_state *st = sys->notify;
    size_t regs = 0, hashed = 0, guard;
    PLIST_ENTRY e;
    if (st == NULL)
        return NULL;
    guard = 0;
    for (e = st->regs.Flink; e != &st->regs; e = e->Flink) {
        pnpsim__notify_reg *r = CONTAINING_RECORD(e, pnpsim__notify_reg, link);
        if (e->Flink->Blink != e || ++guard > 10000000)
            return "notification registration list is corrupt";
        if (r->magic != REG_MAGIC || r->sys != sys)
            return "a notification registration has a bad magic or system";
        if (r->late && r->late_link.Flink == NULL)
            return "a late notification registration is not on the late list";
        regs++;
    }
    for (size_t b = 0; b < HASH_BUCKETS; b++) {
        for (pnpsim__notify_reg *r = st->hash[b]; r != NULL; r = r->hnext) {
            if (hash_ptr(r) != b)
                return "a notification registration is in the wrong hash bucket";
            if (++hashed > regs)
                return "the notification hash holds more entries than the registration list";
        }
    }
    if (hashed != regs)
        return "a notification registration is missing from the address hash";
    guard = 0;
    for (e = st->pending.Flink; e != &st->pending; e = e->Flink)
        if (e->Flink->Blink != e || ++guard > 100000000)
            return "the pending notification list is corrupt";
    return NULL;
}
