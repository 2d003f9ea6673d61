/* SPDX-License-Identifier: MIT */
/*
 * This file implements fault injection (include/pnpsim/fault.h): the allocation rules
 * (the nth and `count` after it, every nth, seeded random) that pnpsim__malloc and the pool
 * consult through pnpsim__fault_should_fail, and the rules that fail the nth call of a named
 * DDI, the nth pool allocation of a tag or the kth write point of a save. Every rule lives
 * under sys->lock_alloc, a leaf lock, so the hooks can be called with or without the system
 * lock held. While no DDI, pool or write rule is armed a hook costs one atomic load
 * (sys->fault_rules), so the DDIs can call it unconditionally.
 */
#include "pnpsim_int.h"
#include "fault_int.h"

enum { RULE_DDI = 1, RULE_POOL = 2, RULE_WRITE = 3 };

typedef struct fault_rule {
    int kind;              /* RULE_*, 0: free slot */
    char ddi[64];          /* RULE_DDI: the routine's name */
    ULONG tag;             /* RULE_POOL: the pool tag */
    NTSTATUS status;       /* what the failed call returns */
    unsigned long seen;    /* matching calls since the rule was armed */
    unsigned long n;       /* the first failing call (1-based) */
    unsigned long count;   /* how many fail; 0: all from n on */
} fault_rule;

struct pnpsim__fault_state {
    /* allocation rule other than "nth + count" (sys->fault_at) */
    unsigned long every;       /* fail every nth attempt counted from every_base */
    unsigned long every_base;
    bool random;
    uint64_t rng;              /* xorshift64* state */
    uint64_t threshold;        /* fail when the top 32 bits of a draw are below this */
    fault_rule rules[PNPSIM_FAULT_MAX_RULES];
};

/* The state, created on first use. Caller holds sys->lock_alloc. NULL when out of memory
 * (the state is not subject to injection itself). */
static struct pnpsim__fault_state *state_locked(pnpsim_system *sys)
{
    if (sys->fault == NULL)
        sys->fault = pnpsim__alloc_unfaulted_locked(sys, sizeof(*sys->fault));
    return sys->fault;
}

static uint64_t xorshift64s(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* ======================================================================================
 * Allocation rules
 * ==================================================================================== */
/* The system whose next allocation on this thread is spared (pnpsim__fault_spare_next). */
static PNPSIM_THREAD_LOCAL pnpsim_system *spared;

void pnpsim__fault_spare_next(pnpsim_system *sys)
{
    spared = sys;
}

/* The system whose allocations on this thread are all spared (pnpsim__fault_spare_begin). */
static PNPSIM_THREAD_LOCAL pnpsim_system *spared_all;

pnpsim_system *pnpsim__fault_spare_begin(pnpsim_system *sys)
{
    pnpsim_system *prev = spared_all;
    spared_all = sys;
    return prev;
}

void pnpsim__fault_spare_end(pnpsim_system *prev)
{
    spared_all = prev;
}

bool pnpsim__fault_should_fail_locked(pnpsim_system *sys, unsigned long *attempt)
{
    bool fail = false;
    struct pnpsim__fault_state *fs = sys->fault;
    *attempt = ++sys->alloc_attempts;
    if (spared == sys)
        spared = NULL;
    else if (spared_all == sys)
        ;
    else if (sys->fault_at != 0 && sys->alloc_attempts >= sys->fault_at &&
        (sys->fault_count == 0 || sys->alloc_attempts < sys->fault_at + sys->fault_count))
        fail = true;
    else if (fs != NULL && fs->every != 0 &&
             (sys->alloc_attempts - fs->every_base) % fs->every == 0)
        fail = true;
    else if (fs != NULL && fs->random && (xorshift64s(&fs->rng) >> 32) < fs->threshold)
        fail = true;
    if (fail)
        sys->fault_injected++;
    return fail;
}

void pnpsim__fault_trace_injected(pnpsim_system *sys, unsigned long attempt)
{
    pnpsim__trace(sys, PNPSIM_TRACE_BUGCHECK, NULL, NULL, NULL,
                  "fault injected: allocation %lu fails", attempt);
}

bool pnpsim__fault_should_fail(pnpsim_system *sys)
{
    unsigned long attempt;
    bool fail;
    pnpsim__mutex_lock(&sys->lock_alloc);
    fail = pnpsim__fault_should_fail_locked(sys, &attempt);
    pnpsim__mutex_unlock(&sys->lock_alloc);
    if (fail)
        pnpsim__fault_trace_injected(sys, attempt);
    return fail;
}

/* Disarm every allocation rule. Caller holds sys->lock_alloc. */
static void alloc_rules_off_locked(pnpsim_system *sys)
{
    sys->fault_at = 0;
    sys->fault_count = 0;
    if (sys->fault != NULL) {
        sys->fault->every = 0;
        sys->fault->random = false;
    }
}

void pnpsim_fault_alloc(pnpsim_system *sys, unsigned long n, unsigned long count)
{
    if (sys == NULL)
        return;
    pnpsim__mutex_lock(&sys->lock_alloc);
    alloc_rules_off_locked(sys);
    sys->fault_at = n == 0 ? 0 : sys->alloc_attempts + n;
    sys->fault_count = count;
    pnpsim__mutex_unlock(&sys->lock_alloc);
}

void pnpsim_fault_alloc_every(pnpsim_system *sys, unsigned long n)
{
    struct pnpsim__fault_state *fs;
    if (sys == NULL)
        return;
    pnpsim__mutex_lock(&sys->lock_alloc);
    alloc_rules_off_locked(sys);
    if (n != 0 && (fs = state_locked(sys)) != NULL) {
        fs->every = n;
        fs->every_base = sys->alloc_attempts;
    }
    pnpsim__mutex_unlock(&sys->lock_alloc);
}

void pnpsim_fault_alloc_random(pnpsim_system *sys, unsigned long long seed, double probability)
{
    struct pnpsim__fault_state *fs;
    if (sys == NULL)
        return;
    if (!(probability > 0.0)) /* also catches NaN */
        probability = 0.0;
    if (probability > 1.0)
        probability = 1.0;
    pnpsim__mutex_lock(&sys->lock_alloc);
    alloc_rules_off_locked(sys);
    if (probability > 0.0 && (fs = state_locked(sys)) != NULL) {
        fs->random = true;
        fs->rng = seed != 0 ? (uint64_t)seed : 0x9E3779B97F4A7C15ULL;
        fs->threshold = (uint64_t)(probability * 4294967296.0);
    }
    pnpsim__mutex_unlock(&sys->lock_alloc);
}

/* ======================================================================================
 * DDI, pool-tag and write-point rules
 * ==================================================================================== */
static NTSTATUS arm(pnpsim_system *sys, const fault_rule *r, const char *who)
{
    struct pnpsim__fault_state *fs;
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    pnpsim__mutex_lock(&sys->lock_alloc);
    fs = state_locked(sys);
    for (size_t i = 0; fs != NULL && i < PNPSIM_FAULT_MAX_RULES; i++) {
        if (fs->rules[i].kind == 0) {
            fs->rules[i] = *r;
            pnpsim__atomic_inc(&sys->fault_rules);
            st = STATUS_SUCCESS;
            break;
        }
    }
    pnpsim__mutex_unlock(&sys->lock_alloc);
    if (st != STATUS_SUCCESS)
        return pnpsim__status(st, "%s: %d fault rules are armed already", who,
                              PNPSIM_FAULT_MAX_RULES);
    return st;
}

NTSTATUS pnpsim_fault_ddi(pnpsim_system *sys, const char *ddi, unsigned long n,
                          unsigned long count, NTSTATUS status)
{
    fault_rule r;
    size_t len;
    if (sys == NULL || ddi == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_fault_ddi: NULL argument");
    len = strlen(ddi);
    if (len == 0 || len >= sizeof(r.ddi))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_fault_ddi: the DDI name must be 1 to %u bytes",
                              (unsigned)sizeof(r.ddi) - 1);
    if (n == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_fault_ddi: n counts calls from 1 (the next call)");
    if (!NT_ERROR(status))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_fault_ddi: %s is not an error status",
                              pnpsim_status_name(status));
    memset(&r, 0, sizeof(r));
    r.kind = RULE_DDI;
    memcpy(r.ddi, ddi, len + 1);
    r.n = n;
    r.count = count;
    r.status = status;
    return arm(sys, &r, "pnpsim_fault_ddi");
}

NTSTATUS pnpsim_fault_pool_tag(pnpsim_system *sys, ULONG tag, unsigned long n,
                               unsigned long count)
{
    fault_rule r;
    if (sys == NULL || n == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_fault_pool_tag: NULL system or n 0");
    memset(&r, 0, sizeof(r));
    r.kind = RULE_POOL;
    r.tag = tag;
    r.n = n;
    r.count = count;
    r.status = STATUS_INSUFFICIENT_RESOURCES;
    return arm(sys, &r, "pnpsim_fault_pool_tag");
}

NTSTATUS pnpsim_fault_save_write(pnpsim_system *sys, unsigned long k)
{
    fault_rule r;
    if (sys == NULL || k == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_fault_save_write: NULL system or k 0");
    memset(&r, 0, sizeof(r));
    r.kind = RULE_WRITE;
    r.n = k;
    r.count = 1;
    r.status = STATUS_DISK_FULL;
    return arm(sys, &r, "pnpsim_fault_save_write");
}

void pnpsim_fault_clear(pnpsim_system *sys)
{
    if (sys == NULL)
        return;
    pnpsim__mutex_lock(&sys->lock_alloc);
    alloc_rules_off_locked(sys);
    if (sys->fault != NULL)
        memset(sys->fault->rules, 0, sizeof(sys->fault->rules));
    pnpsim__atomic_store(&sys->fault_rules, 0);
    pnpsim__mutex_unlock(&sys->lock_alloc);
}

unsigned long pnpsim_fault_injected(pnpsim_system *sys)
{
    unsigned long n;
    if (sys == NULL)
        return 0;
    pnpsim__mutex_lock(&sys->lock_alloc);
    n = sys->fault_injected;
    pnpsim__mutex_unlock(&sys->lock_alloc);
    return n;
}

unsigned long pnpsim_fault_alloc_count(pnpsim_system *sys)
{
    unsigned long n;
    if (sys == NULL)
        return 0;
    pnpsim__mutex_lock(&sys->lock_alloc);
    n = sys->alloc_attempts;
    pnpsim__mutex_unlock(&sys->lock_alloc);
    return n;
}

/* Count a call against every rule it matches; true (with the first firing rule's status and
 * call number) when one fires. Exhausted rules are disarmed. */
static bool match(pnpsim_system *sys, int kind, const char *ddi, ULONG tag, NTSTATUS *status,
                  unsigned long *call)
{
    struct pnpsim__fault_state *fs;
    bool fire = false;
    pnpsim__mutex_lock(&sys->lock_alloc);
    fs = sys->fault;
    for (size_t i = 0; fs != NULL && i < PNPSIM_FAULT_MAX_RULES; i++) {
        fault_rule *r = &fs->rules[i];
        if (r->kind != kind || (kind == RULE_DDI && strcmp(r->ddi, ddi) != 0) ||
            (kind == RULE_POOL && r->tag != tag))
            continue;
        r->seen++;
        if (!fire && r->seen >= r->n && (r->count == 0 || r->seen < r->n + r->count)) {
            fire = true;
            *status = r->status;
            *call = r->seen;
        }
        if (r->count != 0 && r->seen >= r->n + r->count - 1) {
            r->kind = 0; /* exhausted */
            pnpsim__atomic_dec(&sys->fault_rules);
        }
    }
    if (fire)
        sys->fault_injected++;
    pnpsim__mutex_unlock(&sys->lock_alloc);
    return fire;
}

bool pnpsim__fault_ddi(pnpsim_system *sys, const char *ddi, NTSTATUS *status)
{
    NTSTATUS st = STATUS_SUCCESS;
    unsigned long call = 0;
    if (sys == NULL || pnpsim__atomic_load(&sys->fault_rules) == 0)
        return false;
    if (!match(sys, RULE_DDI, ddi, 0, &st, &call))
        return false;
    pnpsim__trace(sys, PNPSIM_TRACE_BUGCHECK, NULL, NULL, &st,
                  "fault injected: call %lu of %s fails", call, ddi);
    pnpsim__status(st, "fault injected: call %lu of %s fails with %s", call, ddi,
                   pnpsim_status_name(st));
    if (status != NULL)
        *status = st;
    return true;
}

bool pnpsim__fault_pool(pnpsim_system *sys, ULONG tag)
{
    NTSTATUS st = STATUS_SUCCESS;
    unsigned long call = 0;
    char t[5];
    if (sys == NULL || pnpsim__atomic_load(&sys->fault_rules) == 0)
        return false;
    if (!match(sys, RULE_POOL, NULL, tag, &st, &call))
        return false;
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)(tag >> (8 * i));
        t[i] = (c >= 0x20 && c < 0x7F) ? (char)c : '.';
    }
    t[4] = '\0';
    pnpsim__trace(sys, PNPSIM_TRACE_BUGCHECK, NULL, NULL, &st,
                  "fault injected: pool allocation %lu with tag '%s' fails", call, t);
    return true;
}

bool pnpsim__fault_write(pnpsim_system *sys, const char *what)
{
    NTSTATUS st = STATUS_SUCCESS;
    unsigned long call = 0;
    if (sys == NULL || pnpsim__atomic_load(&sys->fault_rules) == 0)
        return false;
    if (!match(sys, RULE_WRITE, NULL, 0, &st, &call))
        return false;
    pnpsim__trace(sys, PNPSIM_TRACE_BUGCHECK, NULL, NULL, &st,
                  "fault injected: save interrupted at write point %lu (%s)", call, what);
    return true;
}
