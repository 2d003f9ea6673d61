/* SPDX-License-Identifier: MIT */
/*
 * This file implements the executive pool (ExAllocatePool*, ExFreePool*) as drivers see it,
 * and the pool tracker behind it: every block handed out is recorded per system with its
 * owner driver, tag, size, pool type and an allocation sequence number, so that leaks are
 * reported when a driver unloads or the system is destroyed, and so that misuse Windows
 * bug checks on (double free, freeing a pointer the pool never returned, wrong tag, zero
 * bytes, tag 0, wrong IRQL) becomes BAD_POOL_CALLER (0xC2) with the documented parameters.
 *
 * Layout: each block is one malloc'd area holding a header, then the caller's bytes at a
 * 16-byte aligned address (as 64-bit Windows aligns small pool blocks). An open-addressing
 * hash set maps user pointers to headers, so a wild pointer is recognised without ever
 * being dereferenced. A bounded ring remembers recently freed pointers ("tombstones"), so a
 * double free is told apart from a pointer that was never allocated.
 *
 * The tracker's own tables are allocated with plain malloc, not pnpsim__malloc: one
 * ExAllocatePool* call must be exactly one fault-injection attempt, so that
 * pnpsim_fault_alloc(sys, n, 1) fails the n-th pool allocation and nothing else.
 */
#include "ke_int.h"
#include "qi.h"

/* Pool misuse goes through the verifier's PoolMisuse rule (bug check by default; record or
 * off per system with pnpsim_verifier_set_mode). */
#define POOL_VIOLATION(sys, ...)                                                          \
    pnpsim__verifier_report((sys), PNPSIM_RULE_POOL, NULL, NULL, BAD_POOL_CALLER, __VA_ARGS__)


/* ======================================================================================
 * Constants
 * ==================================================================================== */
#define POOL_MAGIC 0x4C4F4F50u      /* "POOL": live block */
#define POOL_MAGIC_FREE 0x45455246u /* "FREE": freed (only seen in the tombstone ring) */
#define POOL_TAG_NONE 0x656E6F4Eu   /* 'enoN': the tag ExAllocatePool uses, "None" in memory */
#define POOL_TAG_PROTECTED 0x80000000u
#define POOL_TOMBSTONES 1024u       /* freed pointers remembered for double-free detection */
#define POOL_FILL_UNINIT 0xCD       /* uninitialized allocations, as debug heaps do */
#define POOL_FILL_FREED 0xDD        /* freed memory, so use after free shows */

/* POOL_TYPE modifier bits a caller may OR into PoolType (wdm.h documents them); they do
 * not change the pool a block comes from. */
#define POOL_TYPE_MODIFIERS (8u | 16u | 256u) /* QUOTA_FAIL_INSTEAD_OF_RAISE, RAISE, COLD */

/* ======================================================================================
 * Tracker state
 * ==================================================================================== */

/* One owner of pool: a driver (while loaded) or the test itself (drv == NULL). A driver's
 * record is detached at its leak check (unload), so a later driver object at the same
 * address gets a record of its own; the name stays for reports. */
typedef struct pool_owner {
    struct pool_owner *next;
    PDRIVER_OBJECT drv; /* NULL for the test's own blocks, or once detached */
    bool detached;
    char name[48];
    size_t live;
} pool_owner;

typedef struct pool_block {
    uint32_t magic;
    ULONG tag;
    POOL_TYPE type;
    bool reported;       /* already reported as a leak (at unload) */
    size_t size;
    unsigned long long seq;
    pool_owner *owner;
    void *raw;           /* what malloc returned */
    struct pool_block *prev, *next; /* every live block, in allocation order */
} pool_block;

typedef struct tombstone {
    const void *ptr;
    ULONG tag;
    size_t size;
} tombstone;

struct pnpsim__pool_state {
    pnpsim__mutex lock;      /* guards everything below; never held across a bug check */
    pool_block *head, *tail; /* live blocks */
    size_t live;
    unsigned long long seq;
    /* open-addressing hash set: user pointer -> block; NULL empty, DELETED removed */
    pool_block **slots;
    size_t cap;              /* power of two */
    size_t used;             /* live entries + deleted markers */
    tombstone ring[POOL_TOMBSTONES];
    size_t ring_next;
    size_t ring_count;
    pool_owner *owners;
};

static pool_block deleted_marker;
#define DELETED (&deleted_marker)

static inline void *user_ptr(pool_block *b)
{
    return (unsigned char *)b + sizeof(pool_block) +
           ((16 - (sizeof(pool_block) % 16)) % 16);
}

#define POOL_HDR_SPAN (sizeof(pool_block) + ((16 - (sizeof(pool_block) % 16)) % 16))

static size_t hash_ptr(const void *p, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

/* Find the slot holding p, or NULL. Caller holds the pool lock. */
static pool_block **set_find(struct pnpsim__pool_state *ps, const void *p)
{
    size_t i;
    if (ps->cap == 0)
        return NULL;
    i = hash_ptr(p, ps->cap);
    for (size_t n = 0; n < ps->cap; n++, i = (i + 1) & (ps->cap - 1)) {
        pool_block *b = ps->slots[i];
        if (b == NULL)
            return NULL;
        if (b != DELETED && user_ptr(b) == p)
            return &ps->slots[i];
    }
    return NULL;
}

static bool set_grow(struct pnpsim__pool_state *ps)
{
    size_t ncap = ps->cap ? ps->cap * 2 : 256;
    pool_block **ns;
    /* Only live entries move; rehashing drops the deleted markers. */
    if (ps->cap != 0 && ps->live * 4 < ps->cap)
        ncap = ps->cap; /* mostly deleted markers: rebuild at the same size */
    ns = calloc(ncap, sizeof(*ns));
    if (ns == NULL)
        return false;
    for (size_t i = 0; i < ps->cap; i++) {
        pool_block *b = ps->slots[i];
        if (b != NULL && b != DELETED) {
            size_t j = hash_ptr(user_ptr(b), ncap);
            while (ns[j] != NULL)
                j = (j + 1) & (ncap - 1);
            ns[j] = b;
        }
    }
    free(ps->slots);
    ps->slots = ns;
    ps->cap = ncap;
    ps->used = ps->live;
    return true;
}

static bool set_insert(struct pnpsim__pool_state *ps, pool_block *b)
{
    size_t i;
    if ((ps->used + 1) * 4 > ps->cap * 3 && !set_grow(ps))
        return false;
    i = hash_ptr(user_ptr(b), ps->cap);
    while (ps->slots[i] != NULL && ps->slots[i] != DELETED)
        i = (i + 1) & (ps->cap - 1);
    if (ps->slots[i] == NULL)
        ps->used++;
    ps->slots[i] = b;
    return true;
}

/* The owner record of drv (NULL: the test), created on first use. Caller holds the lock. */
static pool_owner *owner_get(struct pnpsim__pool_state *ps, PDRIVER_OBJECT drv)
{
    pool_owner *o;
    for (o = ps->owners; o != NULL; o = o->next) {
        if (!o->detached && o->drv == drv)
            return o;
    }
    o = calloc(1, sizeof(*o));
    if (o == NULL)
        return NULL;
    o->drv = drv;
    if (drv == NULL) {
        snprintf(o->name, sizeof(o->name), "(test code)");
    } else {
        pnpsim__driver *d = pnpsim__driver_from(drv);
        snprintf(o->name, sizeof(o->name), "%s",
                 d != NULL && d->service_name != NULL ? d->service_name : "(unknown driver)");
    }
    o->next = ps->owners;
    ps->owners = o;
    return o;
}

static void tag_chars(ULONG tag, char out[5])
{
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)((tag >> (8 * i)) & 0xFF);
        out[i] = (c >= 0x20 && c < 0x7F) ? (char)c : '.';
    }
    out[4] = '\0';
}

static bool pool_type_paged(POOL_TYPE type)
{
    return ((unsigned)type & 1u) != 0;
}

static const char *pool_type_name(POOL_TYPE type)
{
    return pool_type_paged(type) ? "paged" : "nonpaged";
}

/* Keep the driver object's counters (pnpsim__driver.pool_live/pool_bytes) in step.
 * Caller holds the pool lock; the owner is attached, so its driver is loaded. */
static void driver_account(pool_owner *o, size_t size, bool add)
{
    pnpsim__driver *d;
    if (o == NULL || o->drv == NULL || o->detached)
        return;
    d = pnpsim__driver_from(o->drv);
    if (d == NULL)
        return;
    if (add) {
        d->pool_live++;
        d->pool_bytes += size;
    } else {
        if (d->pool_live > 0)
            d->pool_live--;
        d->pool_bytes = d->pool_bytes >= size ? d->pool_bytes - size : 0;
    }
}

/* ======================================================================================
 * Internal API (pnpsim_int.h)
 * ==================================================================================== */
static PNPSIM_THREAD_LOCAL PDRIVER_OBJECT current_driver;

PDRIVER_OBJECT pnpsim__current_driver(void)
{
    return current_driver;
}

void pnpsim__set_current_driver(PDRIVER_OBJECT drv, PDRIVER_OBJECT *saved)
{
    if (saved != NULL)
        *saved = current_driver;
    current_driver = drv;
}

void pnpsim__pool_init(pnpsim_system *sys)
{
    /* Not calloc: the 24 KB tombstone ring is only read below ring_count, so zeroing it
     * would be most of the cost of creating a system. */
    struct pnpsim__pool_state *ps = malloc(sizeof(*ps));
    sys->pool = ps;
    if (ps == NULL)
        return; /* every allocation will fail softly (NULL) */
    memset(ps, 0, offsetof(struct pnpsim__pool_state, ring));
    memset((char *)ps + offsetof(struct pnpsim__pool_state, ring) + sizeof(ps->ring), 0,
           sizeof(*ps) - offsetof(struct pnpsim__pool_state, ring) - sizeof(ps->ring));
    pnpsim__mutex_init(&ps->lock);
}

/* Allocate and record a block. No checks but fault injection; NULL on failure. */
static void *pool_alloc_block(pnpsim_system *sys, PDRIVER_OBJECT owner, POOL_TYPE type,
                              size_t size, ULONG tag, bool zero)
{
    struct pnpsim__pool_state *ps = sys->pool;
    pool_block *b;
    void *raw;
    void *user;
    size_t total;

    if (ps == NULL || pnpsim__fault_pool(sys, tag) || pnpsim__fault_should_fail(sys))
        return NULL;
    if (size > SIZE_MAX - POOL_HDR_SPAN - 16)
        return NULL;
    total = POOL_HDR_SPAN + 16 + (size ? size : 1);
    raw = malloc(total);
    if (raw == NULL)
        return NULL;
    /* Place the header so that the user pointer after it is 16-byte aligned whatever
     * alignment malloc gave. */
    {
        uintptr_t u = (uintptr_t)raw + POOL_HDR_SPAN;
        u = (u + 15u) & ~(uintptr_t)15u;
        user = (void *)u;
        b = (pool_block *)(u - POOL_HDR_SPAN);
    }
    memset(b, 0, sizeof(*b));
    b->magic = POOL_MAGIC;
    b->tag = tag;
    b->type = type;
    b->size = size;
    b->raw = raw;
    memset(user, zero ? 0 : POOL_FILL_UNINIT, size);

    pnpsim__mutex_lock(&ps->lock);
    b->owner = owner_get(ps, owner);
    if (b->owner == NULL || !set_insert(ps, b)) {
        pnpsim__mutex_unlock(&ps->lock);
        free(raw);
        return NULL;
    }
    b->seq = ++ps->seq;
    b->prev = ps->tail;
    if (ps->tail != NULL)
        ps->tail->next = b;
    else
        ps->head = b;
    ps->tail = b;
    ps->live++;
    b->owner->live++;
    driver_account(b->owner, size, true);
    /* The address may have a tombstone from an earlier life: it stays, since the ring is
     * only read for an address that is not live, newest first (pool_free). */
    pnpsim__mutex_unlock(&ps->lock);
    return user;
}

/* Unlink and release a block. Caller holds the pool lock. */
static void pool_release_locked(struct pnpsim__pool_state *ps, pool_block **slot, bool remember)
{
    pool_block *b = *slot;
    void *user = user_ptr(b);
    *slot = DELETED;
    if (b->prev != NULL)
        b->prev->next = b->next;
    else
        ps->head = b->next;
    if (b->next != NULL)
        b->next->prev = b->prev;
    else
        ps->tail = b->prev;
    ps->live--;
    if (b->owner != NULL && b->owner->live > 0)
        b->owner->live--;
    driver_account(b->owner, b->size, false);
    if (remember) {
        tombstone *t = &ps->ring[ps->ring_next];
        t->ptr = user;
        t->tag = b->tag;
        t->size = b->size;
        ps->ring_next = (ps->ring_next + 1) % POOL_TOMBSTONES;
        if (ps->ring_count < POOL_TOMBSTONES)
            ps->ring_count++;
    }
    memset(user, POOL_FILL_FREED, b->size);
    b->magic = POOL_MAGIC_FREE;
    free(b->raw);
}

void *pnpsim__pool_alloc(pnpsim_system *sys, PDRIVER_OBJECT owner, POOL_TYPE type, size_t size,
                         ULONG tag)
{
    if (sys == NULL)
        return NULL;
    return pool_alloc_block(sys, owner, type, size, tag, true);
}

static void trace_leak(pnpsim_system *sys, pool_block *b, const char *when)
{
    char tc[5];
    tag_chars(b->tag, tc);
    pnpsim__trace(sys, PNPSIM_TRACE_POOL, NULL,
                  b->owner != NULL && !b->owner->detached ? b->owner->drv : NULL, NULL,
                  "pool leak %s: driver %s, tag '%s' (0x%08X), %llu bytes of %s pool, "
                  "allocation #%llu at %p",
                  when, b->owner != NULL ? b->owner->name : "?", tc, (unsigned)b->tag,
                  (unsigned long long)b->size,
                  pool_type_name(b->type), b->seq, user_ptr(b));
}

size_t pnpsim__pool_check_driver_leaks(pnpsim_system *sys, PDRIVER_OBJECT drv)
{
    struct pnpsim__pool_state *ps;
    pool_owner *o = NULL;
    pool_block **leaks = NULL;
    size_t n = 0, cap = 0;

    if (sys == NULL || (ps = sys->pool) == NULL || drv == NULL)
        return 0;
    pnpsim__mutex_lock(&ps->lock);
    for (o = ps->owners; o != NULL; o = o->next) {
        if (!o->detached && o->drv == drv)
            break;
    }
    if (o != NULL) {
        /* Collect (in allocation order) so that tracing happens without the pool lock:
         * a trace callback may call back into the pool. */
        for (pool_block *b = ps->head; b != NULL; b = b->next) {
            if (b->owner != o || b->reported)
                continue;
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                pool_block **nl = realloc(leaks, ncap * sizeof(*nl));
                if (nl == NULL)
                    break;
                leaks = nl;
                cap = ncap;
            }
            b->reported = true;
            leaks[n++] = b;
        }
        /* The driver object may go away after unload: stop pointing at it. */
        o->drv = NULL;
        o->detached = true;
    }
    /* The blocks stay allocated (and in the list) until the system is destroyed, so the
     * pointers in `leaks` stay valid as long as nobody frees them meanwhile; copy what the
     * trace needs before unlocking. */
    {
        typedef struct {
            ULONG tag;
            size_t size;
            POOL_TYPE type;
            unsigned long long seq;
            void *user;
        } leak_info;
        leak_info *info = n ? malloc(n * sizeof(*info)) : NULL;
        size_t ninfo = 0;
        char name[48];
        snprintf(name, sizeof(name), "%s", o != NULL ? o->name : "?");
        if (info != NULL) {
            for (size_t i = 0; i < n; i++) {
                info[i].tag = leaks[i]->tag;
                info[i].size = leaks[i]->size;
                info[i].type = leaks[i]->type;
                info[i].seq = leaks[i]->seq;
                info[i].user = user_ptr(leaks[i]);
            }
            ninfo = n;
        }
        pnpsim__mutex_unlock(&ps->lock);
        free(leaks);
        for (size_t i = 0; i < ninfo; i++) {
            char tc[5];
            tag_chars(info[i].tag, tc);
            pnpsim__trace(sys, PNPSIM_TRACE_POOL, NULL, drv, NULL,
                          "pool leak at unload: driver %s, tag '%s' (0x%08X), %llu bytes of %s "
                          "pool, allocation #%llu at %p",
                          name, tc, (unsigned)info[i].tag, (unsigned long long)info[i].size,
                          pool_type_name(info[i].type), info[i].seq, info[i].user);
        }
        free(info);
    }
    if (n != 0) {
        pnpsim__lock(sys);
        sys->pool_leaks += n;
        pnpsim__unlock(sys);
    }
    return n;
}

void pnpsim__pool_fini(pnpsim_system *sys, bool report)
{
    struct pnpsim__pool_state *ps;
    if (sys == NULL || (ps = sys->pool) == NULL)
        return;
    /* The system is being destroyed: no other thread may use it now. */
    while (ps->head != NULL) {
        pool_block *b = ps->head;
        pool_block **slot = set_find(ps, user_ptr(b));
        if (report && !b->reported)
            trace_leak(sys, b, "at system destroy");
        PNPSIM_ASSERT(slot != NULL);
        pool_release_locked(ps, slot, false);
    }
    while (ps->owners != NULL) {
        pool_owner *o = ps->owners;
        ps->owners = o->next;
        free(o);
    }
    free(ps->slots);
    pnpsim__mutex_destroy(&ps->lock);
    free(ps);
    sys->pool = NULL;
}

size_t pnpsim_system_pool_outstanding(pnpsim_system *sys, PDRIVER_OBJECT driver)
{
    struct pnpsim__pool_state *ps;
    size_t n = 0;
    if (sys == NULL || (ps = sys->pool) == NULL)
        return 0;
    pnpsim__mutex_lock(&ps->lock);
    if (driver == NULL) {
        n = ps->live;
    } else {
        for (pool_owner *o = ps->owners; o != NULL; o = o->next) {
            if (!o->detached && o->drv == driver)
                n += o->live;
        }
    }
    pnpsim__mutex_unlock(&ps->lock);
    return n;
}

/* ======================================================================================
 * Allocation DDIs
 * ==================================================================================== */

/* The checks every allocation DDI makes, in Windows' order. Returns false when a bug check
 * was recorded and the caller must return NULL (record-and-continue). */
static bool alloc_checks(pnpsim_system *sys, const char *ddi, POOL_TYPE type, SIZE_T size,
                         ULONG tag, bool tag_zero_bugchecks)
{
    KIRQL irql = pnpsim__ts()->irql;
    POOL_TYPE base = (POOL_TYPE)((unsigned)type & ~POOL_TYPE_MODIFIERS);
    if (irql > DISPATCH_LEVEL || (pool_type_paged(base) && irql > APC_LEVEL)) {
        POOL_VIOLATION(sys, 0x08, irql, (ULONG_PTR)type, (ULONG_PTR)size,
                         "%s: %s pool requested at IRQL %u (paged pool needs <= APC_LEVEL, "
                         "nonpaged <= DISPATCH_LEVEL)",
                         ddi, pool_type_name(base), (unsigned)irql);
        return false;
    }
    if (((unsigned)base & 2u) != 0) {
        POOL_VIOLATION(sys, 0x9A, (ULONG_PTR)type, (ULONG_PTR)size, tag,
                         "%s: a MustSucceed pool type (%d) is no longer supported", ddi,
                         (int)type);
        return false;
    }
    if (size == 0) {
        POOL_VIOLATION(sys, 0x00, 0, (ULONG_PTR)type, tag,
                         "%s: zero-byte pool allocation", ddi);
        return false;
    }
    if (tag == 0 && tag_zero_bugchecks) {
        POOL_VIOLATION(sys, 0x9B, (ULONG_PTR)type, (ULONG_PTR)size, 0,
                         "%s: pool tag 0 is not allowed", ddi);
        return false;
    }
    return true;
}

static PVOID alloc_ddi(const char *ddi, POOL_TYPE type, SIZE_T size, ULONG tag, bool zero)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    void *p;
    if (pnpsim__fault_ddi(sys, ddi, NULL)) /* fault.h */
        return NULL;
    if (!alloc_checks(sys, ddi, type, size, tag, true))
        return NULL;
    p = pool_alloc_block(sys, pnpsim__current_driver(), type, size, tag, zero);
    if (p == NULL)
        pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of pool (%llu bytes)", ddi,
                       (unsigned long long)size);
    return p;
}

/*
 * Windows behaviour: allocates pool of the given type; NULL when memory is short; the tag
 * identifies the allocation; callers at DISPATCH_LEVEL must ask for nonpaged pool
 * (Microsoft Learn "ExAllocatePoolWithTag"). Misuse bug checks BAD_POOL_CALLER
 * ("Bug Check 0xC2"): 0x08 bad IRQL, 0x00 zero bytes, 0x9B tag 0, 0x9A MustSucceed.
 * Simulation: the block is tracked with its owner driver; uninitialized bytes are filled
 * with 0xCD so reads of them show. The 0x9B "caller's address" parameter is 0.
 */
PVOID NTAPI ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return alloc_ddi("ExAllocatePoolWithTag", PoolType, NumberOfBytes, Tag, false);
}

/*
 * Windows behaviour: ExAllocatePoolWithTag with the tag 'enoN' ("None" in a pool dump)
 * (Microsoft Learn "ExAllocatePool", deprecated).
 * Simulation: exactly that.
 */
PVOID NTAPI ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return alloc_ddi("ExAllocatePool", PoolType, NumberOfBytes, POOL_TAG_NONE, false);
}

/*
 * Windows behaviour: ExAllocatePoolWithTag with a priority hint for low-memory conditions
 * (Microsoft Learn "ExAllocatePoolWithTagPriority").
 * Simulation: the priority is accepted and ignored (memory is never short unless injected).
 */
PVOID NTAPI ExAllocatePoolWithTagPriority(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
                                          EX_POOL_PRIORITY Priority)
{
    PNPSIM_UNUSED(Priority);
    return alloc_ddi("ExAllocatePoolWithTagPriority", PoolType, NumberOfBytes, Tag, false);
}

/*
 * Windows behaviour: zeroed pool of PoolType (Microsoft Learn "ExAllocatePoolZero").
 * Simulation: ExAllocatePoolWithTag, zeroed.
 */
PVOID NTAPI ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return alloc_ddi("ExAllocatePoolZero", PoolType, NumberOfBytes, Tag, true);
}

/*
 * Windows behaviour: pool of PoolType whose contents are not initialized (Microsoft Learn
 * "ExAllocatePoolUninitialized").
 * Simulation: ExAllocatePoolWithTag; the bytes are 0xCD.
 */
PVOID NTAPI ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return alloc_ddi("ExAllocatePoolUninitialized", PoolType, NumberOfBytes, Tag, false);
}

#define POOL_FLAGS_KNOWN_REQUIRED                                                         \
    (POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_SESSION |                  \
     POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED |         \
     POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)
#define POOL_FLAGS_REQUIRED_MASK 0x00000000FFFFFFFFULL

/*
 * Windows behaviour: allocates pool described by POOL_FLAGS; the memory is zeroed unless
 * POOL_FLAG_UNINITIALIZED; returns NULL (or raises, with POOL_FLAG_RAISE_ON_FAILURE) when
 * memory is short, when Tag is 0 and when invalid POOL_FLAGS are given; NumberOfBytes must
 * be non-zero (Microsoft Learn "ExAllocatePool2", "POOL_FLAGS"). Required flags (the low 32
 * bits) that are unknown make the call fail; unknown optional flags are ignored.
 * Simulation: exactly one of POOL_FLAG_PAGED / NON_PAGED / NON_PAGED_EXECUTE must be given,
 * reserved or unknown required bits fail. POOL_FLAG_RAISE_ON_FAILURE is not modelled (there
 * is no structured exception to raise): the call returns NULL. POOL_FLAG_USE_QUOTA and
 * SESSION are accepted and ignored. A zero size bug checks 0xC2/0x00 as the older routines.
 */
PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    static const char ddi[] = "ExAllocatePool2";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    POOL_FLAGS required = Flags & POOL_FLAGS_REQUIRED_MASK;
    unsigned kinds = ((Flags & POOL_FLAG_PAGED) != 0) + ((Flags & POOL_FLAG_NON_PAGED) != 0) +
                     ((Flags & POOL_FLAG_NON_PAGED_EXECUTE) != 0);
    POOL_TYPE type;
    void *p;

    if (pnpsim__fault_ddi(sys, ddi, NULL)) /* fault.h */
        return NULL;
    if (kinds != 1 || (required & ~(POOL_FLAGS)POOL_FLAGS_KNOWN_REQUIRED) != 0) {
        pnpsim__status(STATUS_INVALID_PARAMETER,
                       "%s: invalid POOL_FLAGS 0x%llX (exactly one of POOL_FLAG_PAGED, "
                       "POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE is required)",
                       ddi, (unsigned long long)Flags);
        return NULL;
    }
    if (Tag == 0) {
        pnpsim__status(STATUS_INVALID_PARAMETER, "%s: pool tag 0 is not allowed", ddi);
        return NULL;
    }
    if (Flags & POOL_FLAG_PAGED)
        type = (Flags & POOL_FLAG_CACHE_ALIGNED) ? PagedPoolCacheAligned : PagedPool;
    else if (Flags & POOL_FLAG_NON_PAGED)
        type = (Flags & POOL_FLAG_CACHE_ALIGNED) ? NonPagedPoolNxCacheAligned : NonPagedPoolNx;
    else
        type = (Flags & POOL_FLAG_CACHE_ALIGNED) ? NonPagedPoolCacheAligned : NonPagedPoolExecute;
    if (!alloc_checks(sys, ddi, type, NumberOfBytes, Tag, false))
        return NULL;
    p = pool_alloc_block(sys, pnpsim__current_driver(), type, NumberOfBytes, Tag,
                         (Flags & POOL_FLAG_UNINITIALIZED) == 0);
    if (p == NULL)
        pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of pool (%llu bytes)", ddi,
                       (unsigned long long)NumberOfBytes);
    return p;
}

/* ======================================================================================
 * Free DDIs
 * ==================================================================================== */
static void free_ddi(const char *ddi, PVOID P, bool check_tag, ULONG Tag)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    struct pnpsim__pool_state *ps = sys->pool;
    KIRQL irql = pnpsim__ts()->irql;
    pool_block **slot;
    pool_block *b;
    ULONG old_tag = 0;
    bool was_freed = false;

    if (ps == NULL)
        return;
    if (P == NULL) {
        /* Windows faults on ExFreePool(NULL); the nearest pool code is "free of an invalid
         * pool address" (see README, Divergences and choices). */
        POOL_VIOLATION(sys, 0x46, 0, 0, 0, "%s(NULL)", ddi);
        return;
    }
    pnpsim__mutex_lock(&ps->lock);
    slot = set_find(ps, P);
    if (slot == NULL) {
        /* Newest first: an address freed, reused and freed again reports its last tag. */
        for (size_t k = 1; k <= ps->ring_count; k++) {
            const tombstone *t =
                &ps->ring[(ps->ring_next + POOL_TOMBSTONES - k) % POOL_TOMBSTONES];
            if (t->ptr == P) {
                was_freed = true;
                old_tag = t->tag;
                break;
            }
        }
        pnpsim__mutex_unlock(&ps->lock);
        if (was_freed)
            POOL_VIOLATION(sys, 0x07, 0, old_tag, (ULONG_PTR)P,
                             "%s(%p): the block was already freed (double free)", ddi, P);
        else
            POOL_VIOLATION(sys, 0x46, (ULONG_PTR)P, 0, 0,
                             "%s(%p): not an address the pool returned", ddi, P);
        return;
    }
    b = *slot;
    if (irql > DISPATCH_LEVEL || (pool_type_paged(b->type) && irql > APC_LEVEL)) {
        POOL_TYPE type = b->type;
        pnpsim__mutex_unlock(&ps->lock);
        POOL_VIOLATION(sys, 0x09, irql, (ULONG_PTR)type, (ULONG_PTR)P,
                         "%s(%p): %s pool freed at IRQL %u", ddi, P, pool_type_name(type),
                         (unsigned)irql);
        return;
    }
    if (check_tag && (b->tag & ~POOL_TAG_PROTECTED) != (Tag & ~POOL_TAG_PROTECTED)) {
        ULONG alloc_tag = b->tag;
        char a[5], u[5];
        pnpsim__mutex_unlock(&ps->lock);
        tag_chars(alloc_tag, a);
        tag_chars(Tag, u);
        POOL_VIOLATION(sys, 0x0A, (ULONG_PTR)P, alloc_tag, Tag,
                         "%s(%p): allocated with tag '%s', freed with tag '%s'", ddi, P, a, u);
        return;
    }
    {
        /* A set timer or a queued DPC inside the block would fire into freed memory:
         * Windows bug checks 0xC7 when it finds one there. They are unlinked first, so
         * the free itself is harmless when the bug check is recorded. */
        pnpsim__ke_free_hit hit;
        size_t size = b->size;
        bool live = pnpsim__ke_check_free(sys, P, size, &hit);
        pool_release_locked(ps, slot, true);
        pnpsim__mutex_unlock(&ps->lock);
        if (live)
            pnpsim__bugcheck(sys, TIMER_OR_DPC_INVALID, (ULONG_PTR)hit.kind,
                             (ULONG_PTR)hit.object, (ULONG_PTR)P, (ULONG_PTR)P + size,
                             "%s(%p): the block holds a %s that is still %s (%p); cancel it "
                             "(KeCancelTimer / KeRemoveQueueDpc) before freeing", ddi, P,
                             hit.kind == 0 ? "KTIMER" : "KDPC",
                             hit.kind == 0 ? "set" : "queued or attached to a set timer",
                             hit.object);
    }
}

/*
 * Windows behaviour: frees a block of pool; IRQL <= DISPATCH_LEVEL, <= APC_LEVEL for paged
 * pool (Microsoft Learn "ExFreePool"). Freeing twice bug checks 0xC2/0x07 (parameter 3 the
 * pool header contents, 4 the address); an address the pool never returned 0xC2/0x46; a
 * bad IRQL 0xC2/0x09 ("Bug Check 0xC2 BAD_POOL_CALLER"). Freeing a block that holds a set
 * KTIMER or a queued KDPC bug checks 0xC7 (parameter 1: 0 timer, 1 DPC; 2 the object; 3 and
 * 4 the range checked) ("Bug Check 0xC7 TIMER_OR_DPC_INVALID").
 * Simulation: as documented; 0xC7 also when a set timer elsewhere has its KDPC in the block
 * (parameter 1 = 1, the DPC); the timers and DPCs found are unlinked before the bug check,
 * and the block is freed. Parameter 3 of 0x07 is the freed block's tag (pnpsim's header
 * is not Windows'). Double frees are recognised among the last 1024 frees; older ones are
 * reported as 0x46. ExFreePool(NULL) bug checks 0xC2/0x46 with address 0.
 */
VOID NTAPI ExFreePool(PVOID P)
{
    free_ddi("ExFreePool", P, false, 0);
}

/*
 * Windows behaviour: as ExFreePool, and the tag must be the one the block was allocated
 * with, else 0xC2/0x0A (address, allocator's tag, tag used); the PROTECTED_POOL bit
 * (0x80000000) is not part of the comparison (Microsoft Learn "ExFreePoolWithTag", "Bug
 * Check 0xC2 BAD_POOL_CALLER").
 * Simulation: exactly that.
 */
VOID NTAPI ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    free_ddi("ExFreePoolWithTag", P, true, Tag);
}
