/* SPDX-License-Identifier: MIT */
/*
 * This file implements the simulator's internal allocator: every allocation of a system
 * goes through here so that fault injection (fault.c) can fail any of them and so
 * that a system torn down after a caught bug check can still free everything it owns.
 */
#include "pnpsim_int.h"
#include "fault_int.h"

/* Just the links (16 bytes on 64-bit targets, which keeps malloc's 16-byte alignment for
 * the block after it): the header is paid by every internal allocation, a million
 * interfaces included. pnpsim__realloc needs no recorded size: it moves the whole block
 * with realloc and relinks it. */
typedef struct alloc_hdr {
    LIST_ENTRY link;
} alloc_hdr;

_Static_assert(sizeof(alloc_hdr) % (2 * sizeof(void *)) == 0,
               "allocation header must keep malloc's alignment");

void *pnpsim__malloc(pnpsim_system *sys, size_t size)
{
    /* One locked section per allocation: the attempt is counted (and perhaps failed) and
     * the block recorded together; the block is allocated before, outside the lock. */
    alloc_hdr *h = malloc(sizeof(*h) + (size ? size : 1));
    unsigned long attempt;
    bool fail;
    pnpsim__mutex_lock(&sys->lock_alloc);
    fail = pnpsim__fault_should_fail_locked(sys, &attempt);
    if (!fail && h != NULL) {
        InsertTailList(&sys->allocs, &h->link);
        sys->alloc_live++;
    }
    pnpsim__mutex_unlock(&sys->lock_alloc);
    if (fail) {
        free(h);
        pnpsim__fault_trace_injected(sys, attempt);
        return NULL;
    }
    return h != NULL ? h + 1 : NULL;
}

void *pnpsim__calloc(pnpsim_system *sys, size_t count, size_t size)
{
    void *p;
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    p = pnpsim__malloc(sys, count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

void *pnpsim__realloc(pnpsim_system *sys, void *p, size_t size)
{
    alloc_hdr *old, *h;
    unsigned long attempt;
    bool fail;
    if (p == NULL)
        return pnpsim__malloc(sys, size);
    old = (alloc_hdr *)p - 1;
    pnpsim__mutex_lock(&sys->lock_alloc);
    fail = pnpsim__fault_should_fail_locked(sys, &attempt);
    h = NULL;
    if (!fail) {
        /* Unlinked while realloc may move it; relinked wherever it ends up (the old block
         * when realloc fails, which then keeps its contents). */
        RemoveEntryList(&old->link);
        h = realloc(old, sizeof(*h) + (size ? size : 1));
        InsertTailList(&sys->allocs, h != NULL ? &h->link : &old->link);
    }
    pnpsim__mutex_unlock(&sys->lock_alloc);
    if (fail)
        pnpsim__fault_trace_injected(sys, attempt);
    return h != NULL ? h + 1 : NULL;
}

void pnpsim__free(pnpsim_system *sys, void *p)
{
    alloc_hdr *h;
    if (p == NULL)
        return;
    h = (alloc_hdr *)p - 1;
    pnpsim__mutex_lock(&sys->lock_alloc);
    RemoveEntryList(&h->link);
    sys->alloc_live--;
    pnpsim__mutex_unlock(&sys->lock_alloc);
    free(h);
}

char *pnpsim__strdup(pnpsim_system *sys, const char *s)
{
    size_t n;
    char *d;
    if (s == NULL)
        return NULL;
    n = strlen(s) + 1;
    d = pnpsim__malloc(sys, n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* Free every allocation still recorded (system destroy). Returns how many there were. */
size_t pnpsim__alloc_free_all(pnpsim_system *sys)
{
    size_t n = 0;
    while (!IsListEmpty(&sys->allocs)) {
        alloc_hdr *h = CONTAINING_RECORD(RemoveHeadList(&sys->allocs), alloc_hdr, link);
        free(h);
        n++;
    }
    sys->alloc_live = 0;
    return n;
}

void *pnpsim__alloc_unfaulted_locked(pnpsim_system *sys, size_t size)
{
    alloc_hdr *h = calloc(1, sizeof(*h) + (size ? size : 1));
    if (h == NULL)
        return NULL;
    InsertTailList(&sys->allocs, &h->link);
    sys->alloc_live++;
    return h + 1;
}

bool pnpsim__alloc_check(pnpsim_system *sys, unsigned long *count, const char **why)
{
    unsigned long n = 0;
    bool ok = true;
    *why = NULL;
    pnpsim__mutex_lock(&sys->lock_alloc);
    for (PLIST_ENTRY e = sys->allocs.Flink; e != &sys->allocs; e = e->Flink) {
        if (e->Flink->Blink != e) {
            *why = "the allocation list is broken (Flink->Blink does not point back)";
            ok = false;
            break;
        }
        if (++n > sys->alloc_live) {
            *why = "the allocation list is longer than the live-allocation count";
            ok = false;
            break;
        }
    }
    if (ok && n != sys->alloc_live) {
        *why = "the allocation list is shorter than the live-allocation count";
        ok = false;
    }
    pnpsim__mutex_unlock(&sys->lock_alloc);
    *count = n;
    return ok;
}
