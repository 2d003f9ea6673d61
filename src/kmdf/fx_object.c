/* SPDX-License-Identifier: MIT */
/*
 * This file implements the framework object model of pnpsim's KMDF layer: the per-system
 * handle table (every live framework object), handle validation with WDF_VIOLATION
 * (0x10D) bug checks, typed context areas, parent/child lifetime with EvtCleanupCallback
 * and EvtDestroyCallback, WdfObjectCreate/Delete/Reference/Dereference, and the common
 * checks (IRQL, required parameters, not-implemented methods) the other files use.
 *
 * Windows behaviour: "Framework Object Life Cycle", "Framework Object Context Space",
 * "Using Object Handles" and the WdfObject* pages: deleting an object deletes its children
 * first; EvtCleanupCallback runs when deletion starts, EvtDestroyCallback when the last
 * reference goes; a context is found by its type; the bug check 0x10D page lists the codes.
 * Simulation: handles are the objects' addresses, checked against the table before use, so
 * a stale or forged handle is reported instead of dereferenced.
 */
#include "kmdf_int.h"

#include "pnpsim/verifier.h"

/* ======================================================================================
 * The handle table: open addressing over object addresses (sys->lock)
 * ==================================================================================== */

#define TOMBSTONE ((void *)(uintptr_t)1)

pnpsim__kmdf_state *pnpsim__kmdf_state_of(pnpsim_system *sys, bool create)
{
    if (sys->kmdf == NULL && create) {
        pnpsim__kmdf_state *st = pnpsim__calloc(sys, 1, sizeof(*st));
        if (st == NULL)
            return NULL;
        InitializeListHead(&st->drivers);
        sys->kmdf = st;
    }
    return sys->kmdf;
}

void pnpsim__kmdf_fini(pnpsim_system *sys)
{
    pnpsim__kmdf_state *st = sys->kmdf;
    if (st == NULL)
        return;
    for (size_t i = 0; i < st->logged_count; i++)
        pnpsim__free(sys, st->logged[i]);
    pnpsim__free(sys, st->logged);
    pnpsim__free(sys, st->handles);
    pnpsim__free(sys, st);
    sys->kmdf = NULL;
}

static size_t slot_of(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

static bool table_grow(pnpsim_system *sys, pnpsim__kmdf_state *st)
{
    size_t cap = st->handle_cap ? st->handle_cap * 2 : 64;
    void **t = pnpsim__calloc(sys, cap, sizeof(void *));
    if (t == NULL)
        return false;
    for (size_t i = 0; i < st->handle_cap; i++) {
        void *p = st->handles[i];
        if (p != NULL && p != TOMBSTONE) {
            size_t s = slot_of(p, cap);
            while (t[s] != NULL)
                s = (s + 1) & (cap - 1);
            t[s] = p;
        }
    }
    pnpsim__free(sys, st->handles);
    st->handles = t;
    st->handle_cap = cap;
    return true;
}

/* Caller holds sys->lock. */
static bool table_add(pnpsim_system *sys, void *p)
{
    pnpsim__kmdf_state *st = pnpsim__kmdf_state_of(sys, true);
    size_t s;
    if (st == NULL)
        return false;
    if ((st->handle_count + 1) * 2 > st->handle_cap && !table_grow(sys, st))
        return false;
    s = slot_of(p, st->handle_cap);
    while (st->handles[s] != NULL && st->handles[s] != TOMBSTONE)
        s = (s + 1) & (st->handle_cap - 1);
    st->handles[s] = p;
    st->handle_count++;
    return true;
}

static size_t table_find(pnpsim__kmdf_state *st, const void *p)
{
    size_t s, n;
    if (st == NULL || st->handle_cap == 0)
        return (size_t)-1;
    s = slot_of(p, st->handle_cap);
    for (n = 0; n < st->handle_cap && st->handles[s] != NULL; n++) {
        if (st->handles[s] == p)
            return s;
        s = (s + 1) & (st->handle_cap - 1);
    }
    return (size_t)-1;
}

static void table_remove(pnpsim_system *sys, const void *p)
{
    pnpsim__kmdf_state *st = sys->kmdf;
    size_t s = table_find(st, p);
    if (s != (size_t)-1) {
        st->handles[s] = TOMBSTONE;
        st->handle_count--;
    }
}

pnpsim__fx_object *pnpsim__fx_lookup(pnpsim_system *sys, WDFOBJECT h)
{
    pnpsim__fx_object *o = NULL;
    if (sys == NULL || h == NULL)
        return NULL;
    pnpsim__lock(sys);
    if (table_find(sys->kmdf, h) != (size_t)-1)
        o = (pnpsim__fx_object *)h;
    pnpsim__unlock(sys);
    return o;
}

/* ======================================================================================
 * Checks and reports
 * ==================================================================================== */

void pnpsim__fx_violation(pnpsim_system *sys, const char *rule, const char *ddi, ULONG_PTR p1,
                          ULONG_PTR p2, ULONG_PTR p3, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pnpsim__verifier_report(sys, rule, ddi, NULL, WDF_VIOLATION, p1, p2, p3, 0, "%s", msg);
}

static const char *type_name(pnpsim__fx_type t)
{
    static const char *const names[] = {
        "framework object", "WDFOBJECT",     "WDFDRIVER",     "WDFDEVICE",
        "WDFQUEUE",         "WDFREQUEST",    "WDFIOTARGET",   "WDFSTRING",
        "WDFMEMORY",        "WDFCHILDLIST",  "WDFSPINLOCK",   "WDFWAITLOCK",
        "WDFTIMER",         "WDFWORKITEM",   "WDFCOLLECTION", "WDFKEY",
        "WDFFILEOBJECT",    "WDFCMRESLIST",  "WDFIORESREQLIST", "WDFIORESLIST"};
    return (unsigned)t < PNPSIM_ARRAY_SIZE(names) ? names[t] : "?";
}

pnpsim__fx_object *pnpsim__fx_get(WDFOBJECT h, pnpsim__fx_type want, const char *ddi)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_object *o;
    if (sys == NULL)
        return NULL;
    if (h == NULL) {
        /* "A NULL parameter was passed to a function that required a non-NULL value." */
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_NULL_PARAMETER, ddi,
                             WDF_REQUIRED_PARAMETER_IS_NULL, 0, 0,
                             "%s: the %s handle is NULL", ddi, type_name(want));
        return NULL;
    }
    o = pnpsim__fx_lookup(sys, h);
    if (o == NULL) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_INVALID_HANDLE, ddi, WDF_INVALID_HANDLE,
                             (ULONG_PTR)h, 0,
                             "%s: %p is not a live framework object (deleted, or not a "
                             "handle at all)",
                             ddi, h);
        return NULL;
    }
    if (want != PNPSIM_FX_ANY && o->type != want) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_INVALID_HANDLE, ddi, WDF_INVALID_HANDLE,
                             (ULONG_PTR)h, 0, "%s: handle %p is a %s, not a %s", ddi, h,
                             type_name(o->type), type_name(want));
        return NULL;
    }
    return o;
}

bool pnpsim__fx_check_irql(pnpsim_system *sys, KIRQL max, const char *ddi)
{
    KIRQL now = pnpsim__ts()->irql;
    if (now <= max)
        return true;
    pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_IRQL, ddi, PNPSIM_WDF_IRQL_TOO_HIGH, now, max,
                         "%s called at IRQL %u; its maximum is %u (KmdfIrql)", ddi,
                         (unsigned)now, (unsigned)max);
    return false;
}

bool pnpsim__fx_check_ptr(pnpsim_system *sys, const void *p, const char *what, const char *ddi)
{
    if (p != NULL)
        return true;
    pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_NULL_PARAMETER, ddi, WDF_REQUIRED_PARAMETER_IS_NULL,
                         0, 0, "%s: required parameter %s is NULL", ddi, what);
    return false;
}

/* True the first time ddi is seen in sys. */
static bool first_time(pnpsim_system *sys, const char *ddi)
{
    pnpsim__kmdf_state *st;
    bool first = true;
    char **grown;
    pnpsim__lock(sys);
    st = pnpsim__kmdf_state_of(sys, true);
    if (st != NULL) {
        for (size_t i = 0; i < st->logged_count; i++) {
            if (strcmp(st->logged[i], ddi) == 0) {
                first = false;
                break;
            }
        }
        if (first) {
            grown = pnpsim__realloc(sys, st->logged, (st->logged_count + 1) * sizeof(char *));
            if (grown != NULL) {
                st->logged = grown;
                st->logged[st->logged_count] = pnpsim__strdup(sys, ddi);
                if (st->logged[st->logged_count] != NULL)
                    st->logged_count++;
            }
        }
    }
    pnpsim__unlock(sys);
    return first;
}

NTSTATUS pnpsim__fx_not_implemented(const char *ddi)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    if (sys != NULL && first_time(sys, ddi)) {
        NTSTATUS st = STATUS_NOT_IMPLEMENTED;
        pnpsim__trace(sys, PNPSIM_TRACE_BUGCHECK, NULL, pnpsim__current_driver(), &st,
                      "%s is not modelled by pnpsim: it fails with STATUS_NOT_IMPLEMENTED "
                      "(README \"KMDF\")",
                      ddi);
        fprintf(stderr, "pnpsim: %s is not modelled; it returns STATUS_NOT_IMPLEMENTED\n", ddi);
    }
    return pnpsim__status(STATUS_NOT_IMPLEMENTED, "%s is not modelled by pnpsim", ddi);
}

void pnpsim__fx_not_implemented_void(const char *ddi)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    if (sys == NULL)
        return;
    if (first_time(sys, ddi))
        fprintf(stderr, "pnpsim: %s is not modelled; the call does nothing\n", ddi);
    pnpsim__verifier_report(sys, PNPSIM_RULE_KMDF_NOT_IMPLEMENTED, ddi, NULL, WDF_VIOLATION,
                            PNPSIM_WDF_NOT_IMPLEMENTED, 0, 0, (ULONG_PTR)ddi,
                            "%s is not modelled by pnpsim: the call did nothing", ddi);
}

/* ======================================================================================
 * Callouts
 * ==================================================================================== */

void pnpsim__fx_call_begin(pnpsim_system *sys, pnpsim__fx_driver *drv, pnpsim__fx_call *c,
                           const char *what)
{
    pnpsim__callout_begin(sys, &c->c, what);
    pnpsim__set_current_driver(drv != NULL ? drv->wdm : NULL, &c->saved_driver);
    c->irql = pnpsim__ts()->irql;
    c->what = what;
}

void pnpsim__fx_call_end(pnpsim_system *sys, pnpsim__fx_call *c)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    KIRQL now = ts->irql;
    PDRIVER_OBJECT ignored;
    pnpsim__set_current_driver(c->saved_driver, &ignored);
    if (now != c->irql) {
        /* Restore first so the report, and a handler that continues, see the caller's
         * IRQL; then WDF_VIOLATION 0xE: "An event callback function did not return at the
         * same IRQL at which it was called." */
        ts->irql = c->irql;
        pnpsim__callout_end(sys, &c->c);
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_CALLBACK_IRQL, c->what,
                             WDF_VERIFIER_IRQL_MISMATCH, c->irql, now,
                             "%s was called at IRQL %u and returned at IRQL %u", c->what,
                             (unsigned)c->irql, (unsigned)now);
        return;
    }
    pnpsim__callout_end(sys, &c->c);
}

/* ======================================================================================
 * Objects
 * ==================================================================================== */

static pnpsim__fx_context *context_new(pnpsim_system *sys, pnpsim__fx_object *o,
                                       PWDF_OBJECT_ATTRIBUTES attrs)
{
    size_t size = attrs->ContextTypeInfo->ContextSize;
    pnpsim__fx_context *c;
    if (attrs->ContextSizeOverride > size)
        size = attrs->ContextSizeOverride;
    c = pnpsim__calloc(sys, 1, sizeof(*c) + size);
    if (c == NULL)
        return NULL;
    c->owner = o;
    c->type = attrs->ContextTypeInfo->UniqueType != NULL ? attrs->ContextTypeInfo->UniqueType
                                                         : attrs->ContextTypeInfo;
    c->cleanup = attrs->EvtCleanupCallback;
    c->destroy = attrs->EvtDestroyCallback;
    c->size = size;
    return c;
}

static void *context_data(pnpsim__fx_context *c)
{
    return c + 1;
}

NTSTATUS pnpsim__fx_attributes_check(pnpsim_system *sys, PWDF_OBJECT_ATTRIBUTES attrs,
                                     const char *ddi)
{
    if (attrs == NULL)
        return STATUS_SUCCESS;
    if (attrs->Size != sizeof(WDF_OBJECT_ATTRIBUTES))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH,
                              "%s: WDF_OBJECT_ATTRIBUTES.Size is %lu, expected %lu", ddi,
                              (unsigned long)attrs->Size,
                              (unsigned long)sizeof(WDF_OBJECT_ATTRIBUTES));
    if (attrs->ContextTypeInfo != NULL && attrs->ContextTypeInfo->ContextSize == 0 &&
        attrs->ContextSizeOverride == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: the context type %s has size 0", ddi,
                              attrs->ContextTypeInfo->ContextName
                                  ? attrs->ContextTypeInfo->ContextName
                                  : "?");
    if (attrs->ContextSizeOverride != 0 && attrs->ContextTypeInfo == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: ContextSizeOverride without ContextTypeInfo", ddi);
    if (attrs->ParentObject != NULL && pnpsim__fx_lookup(sys, attrs->ParentObject) == NULL) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_INVALID_HANDLE, ddi, WDF_INVALID_HANDLE,
                             (ULONG_PTR)attrs->ParentObject, 0,
                             "%s: ParentObject %p is not a live framework object", ddi,
                             attrs->ParentObject);
        return STATUS_INVALID_HANDLE;
    }
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__fx_object_init(pnpsim_system *sys, pnpsim__fx_object *o, pnpsim__fx_type type,
                                const pnpsim__fx_ops *ops, pnpsim__fx_driver *driver,
                                pnpsim__fx_object *parent, PWDF_OBJECT_ATTRIBUTES attrs,
                                const char *ddi)
{
    pnpsim__fx_context *ctx = NULL;
    NTSTATUS status = pnpsim__fx_attributes_check(sys, attrs, ddi);
    if (!NT_SUCCESS(status))
        return status;
    o->magic = PNPSIM__FX_MAGIC;
    o->type = type;
    o->sys = sys;
    o->ops = ops;
    o->driver = driver;
    o->refs = 1;
    o->exec_level = WdfExecutionLevelInheritFromParent;
    o->sync_scope = WdfSynchronizationScopeInheritFromParent;
    InitializeListHead(&o->children);
    InitializeListHead(&o->sibling);
    if (attrs != NULL) {
        if (attrs->ParentObject != NULL)
            parent = (pnpsim__fx_object *)attrs->ParentObject;
        o->exec_level = attrs->ExecutionLevel;
        o->sync_scope = attrs->SynchronizationScope;
        if (attrs->ContextTypeInfo != NULL) {
            ctx = context_new(sys, o, attrs);
            if (ctx == NULL)
                return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                      "%s: out of memory for the object context", ddi);
        } else if (attrs->EvtCleanupCallback != NULL || attrs->EvtDestroyCallback != NULL) {
            /* Callbacks without a context: keep them in a context record of size 0. */
            ctx = pnpsim__calloc(sys, 1, sizeof(*ctx));
            if (ctx == NULL)
                return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                      "%s: out of memory for the object", ddi);
            ctx->owner = o;
            ctx->cleanup = attrs->EvtCleanupCallback;
            ctx->destroy = attrs->EvtDestroyCallback;
        }
    }
    if (parent == NULL && driver != NULL && type != PNPSIM_FX_DRIVER)
        parent = &driver->obj;
    o->contexts = ctx;
    pnpsim__lock(sys);
    if (!table_add(sys, o)) {
        pnpsim__unlock(sys);
        pnpsim__free(sys, ctx);
        o->contexts = NULL;
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "%s: out of memory for the handle table", ddi);
    }
    o->parent = parent;
    if (parent != NULL) {
        InsertTailList(&parent->children, &o->sibling);
        pnpsim__atomic_inc(&parent->refs); /* a child keeps its parent's memory */
    }
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

void pnpsim__fx_ref(pnpsim__fx_object *o)
{
    pnpsim__atomic_inc(&o->refs);
}

/* The last reference went: EvtDestroyCallback(s), type teardown, memory. */
static void object_destroy(pnpsim__fx_object *o)
{
    pnpsim_system *sys = o->sys;
    pnpsim__fx_object *parent;
    pnpsim__fx_context *c;
    for (c = o->contexts; c != NULL; c = c->next) {
        if (c->destroy != NULL) {
            pnpsim__fx_call call;
            pnpsim__fx_call_begin(sys, o->driver, &call, "EvtDestroyCallback");
            c->destroy(PNPSIM_FX_HANDLE(o));
            pnpsim__fx_call_end(sys, &call);
        }
    }
    if (o->ops != NULL && o->ops->on_destroy != NULL)
        o->ops->on_destroy(o);
    pnpsim__lock(sys);
    table_remove(sys, o);
    parent = o->parent;
    if (parent != NULL)
        RemoveEntryList(&o->sibling);
    pnpsim__unlock(sys);
    while (o->contexts != NULL) {
        c = o->contexts;
        o->contexts = c->next;
        pnpsim__free(sys, c);
    }
    o->magic = 0;
    pnpsim__free(sys, o);
    if (parent != NULL)
        pnpsim__fx_unref(parent);
}

void pnpsim__fx_unref(pnpsim__fx_object *o)
{
    if (pnpsim__atomic_dec(&o->refs) == 0)
        object_destroy(o);
}

void pnpsim__fx_object_delete(pnpsim__fx_object *o)
{
    pnpsim_system *sys = o->sys;
    pnpsim__fx_context *c;
    pnpsim__lock(sys);
    if (o->deleting) {
        pnpsim__unlock(sys);
        return;
    }
    o->deleting = true;
    pnpsim__fx_ref(o); /* keep o while its children and callbacks run */
    pnpsim__unlock(sys);

    /* Children first, newest first (KMDF deletes the child list in reverse order). */
    for (;;) {
        pnpsim__fx_object *child = NULL;
        PLIST_ENTRY e;
        pnpsim__lock(sys);
        for (e = o->children.Blink; e != &o->children; e = e->Blink) {
            pnpsim__fx_object *k = CONTAINING_RECORD(e, pnpsim__fx_object, sibling);
            if (!k->deleting) {
                child = k;
                pnpsim__fx_ref(child);
                break;
            }
        }
        pnpsim__unlock(sys);
        if (child == NULL)
            break;
        pnpsim__fx_object_delete(child);
        pnpsim__fx_unref(child);
    }
    for (c = o->contexts; c != NULL; c = c->next) {
        if (c->cleanup != NULL) {
            pnpsim__fx_call call;
            pnpsim__fx_call_begin(sys, o->driver, &call, "EvtCleanupCallback");
            c->cleanup(PNPSIM_FX_HANDLE(o));
            pnpsim__fx_call_end(sys, &call);
        }
    }
    o->cleaned = true;
    if (o->ops != NULL && o->ops->on_delete != NULL)
        o->ops->on_delete(o);
    o->existence_dropped = true;
    pnpsim__fx_unref(o); /* the existence reference */
    pnpsim__fx_unref(o); /* ours */
}

/* ======================================================================================
 * Object methods (wdfobject.h)
 * ==================================================================================== */

/* Windows behaviour: WdfObjectGetTypedContextWorker returns the context of the given type,
 * or NULL when the object has none of that type ("WdfObjectGetTypedContextWorker").
 * Simulation: types match by their unique type-information object; definitions emitted
 * in several translation units and merged by the linker are one object; as a fallback,
 * equal name and size match. */
WDFAPI PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle,
                                            PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    pnpsim__fx_object *o = pnpsim__fx_get(Handle, PNPSIM_FX_ANY, "WdfObjectGetTypedContextWorker");
    pnpsim__fx_context *c;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO want;
    if (o == NULL || TypeInfo == NULL)
        return NULL;
    want = TypeInfo->UniqueType != NULL ? TypeInfo->UniqueType : TypeInfo;
    for (c = o->contexts; c != NULL; c = c->next)
        if (c->type == want)
            return context_data(c);
    for (c = o->contexts; c != NULL; c = c->next) {
        if (c->type != NULL && c->type->ContextName != NULL && want->ContextName != NULL &&
            strcmp(c->type->ContextName, want->ContextName) == 0 &&
            c->type->ContextSize == want->ContextSize)
            return context_data(c);
    }
    return NULL;
}

/* Windows behaviour: "WdfObjectAllocateContext": adds a context of another type to an
 * existing object; STATUS_OBJECT_NAME_EXISTS (and the existing context) when the object
 * already has that type; STATUS_DELETE_PENDING once deletion started;
 * STATUS_INVALID_PARAMETER without a context type; IRQL <= DISPATCH_LEVEL. */
WDFAPI NTSTATUS WdfObjectAllocateContext(WDFOBJECT Handle,
                                         PWDF_OBJECT_ATTRIBUTES ContextAttributes,
                                         PVOID *Context)
{
    static const char ddi[] = "WdfObjectAllocateContext";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_object *o;
    pnpsim__fx_context *c, *last;
    PVOID existing;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    o = pnpsim__fx_get(Handle, PNPSIM_FX_ANY, ddi);
    if (o == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_ptr(sys, ContextAttributes, "ContextAttributes", ddi))
        return STATUS_INVALID_PARAMETER;
    if (Context != NULL)
        *Context = NULL;
    status = pnpsim__fx_attributes_check(sys, ContextAttributes, ddi);
    if (!NT_SUCCESS(status))
        return status;
    if (ContextAttributes->ContextTypeInfo == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: no context type given", ddi);
    if (ContextAttributes->ParentObject != NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: ParentObject must be NULL when adding a context", ddi);
    existing = WdfObjectGetTypedContextWorker(Handle, ContextAttributes->ContextTypeInfo);
    if (existing != NULL) {
        if (Context != NULL)
            *Context = existing;
        return STATUS_OBJECT_NAME_EXISTS;
    }
    if (o->deleting)
        return pnpsim__status(STATUS_DELETE_PENDING, "%s: the object is being deleted", ddi);
    c = context_new(sys, o, ContextAttributes);
    if (c == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    pnpsim__lock(sys);
    if (o->contexts == NULL) {
        o->contexts = c;
    } else {
        for (last = o->contexts; last->next != NULL; last = last->next)
            ;
        last->next = c;
    }
    pnpsim__unlock(sys);
    if (Context != NULL)
        *Context = context_data(c);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfObjectContextGetObject" returns the object a context belongs to.
 * Simulation: the context record sits right before the data. */
WDFAPI WDFOBJECT WdfObjectContextGetObject(PVOID ContextPointer)
{
    pnpsim_system *sys = pnpsim__require_system("WdfObjectContextGetObject");
    pnpsim__fx_context *c;
    if (sys == NULL ||
        !pnpsim__fx_check_ptr(sys, ContextPointer, "ContextPointer", "WdfObjectContextGetObject"))
        return NULL;
    c = (pnpsim__fx_context *)ContextPointer - 1;
    if (pnpsim__fx_lookup(sys, c->owner) == NULL) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_INVALID_HANDLE, "WdfObjectContextGetObject",
                             WDF_INVALID_HANDLE, (ULONG_PTR)ContextPointer, 0,
                             "WdfObjectContextGetObject: %p is not a framework object's context",
                             ContextPointer);
        return NULL;
    }
    return PNPSIM_FX_HANDLE(c->owner);
}

WDFAPI VOID WdfObjectReferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCHAR File)
{
    pnpsim__fx_object *o = pnpsim__fx_get(Handle, PNPSIM_FX_ANY, "WdfObjectReference");
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(Line);
    UNREFERENCED_PARAMETER(File);
    if (o != NULL)
        pnpsim__fx_ref(o);
}

/* Windows behaviour: dropping the reference that keeps an object alive with
 * WdfObjectDereference instead of WdfObjectDelete is WDF_VIOLATION 0x7 (bug check 0x10D). */
WDFAPI VOID WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCHAR File)
{
    static const char ddi[] = "WdfObjectDereference";
    pnpsim__fx_object *o = pnpsim__fx_get(Handle, PNPSIM_FX_ANY, ddi);
    bool last;
    UNREFERENCED_PARAMETER(Tag);
    if (o == NULL)
        return;
    pnpsim__lock(o->sys);
    last = o->refs <= 1 && !o->existence_dropped;
    pnpsim__unlock(o->sys);
    if (last) {
        pnpsim__fx_violation(o->sys, PNPSIM_RULE_WDF_OBJECT_ERROR, ddi, WDF_OBJECT_ERROR,
                             (ULONG_PTR)Handle, 0,
                             "%s on %p (%s:%ld) would release the reference that keeps it "
                             "alive: delete it with WdfObjectDelete",
                             ddi, Handle, File != NULL ? File : "?", (long)Line);
        return;
    }
    pnpsim__fx_unref(o);
}

static const pnpsim__fx_ops object_ops = {"WDFOBJECT", NULL, NULL, false};

/* Windows behaviour: "WdfObjectCreate" creates a general framework object; its parent is
 * the attributes' ParentObject or the driver; IRQL <= DISPATCH_LEVEL. */
WDFAPI NTSTATUS WdfObjectCreate(PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object)
{
    static const char ddi[] = "WdfObjectCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_object *o;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (!pnpsim__fx_check_ptr(sys, Object, "Object", ddi))
        return STATUS_INVALID_PARAMETER;
    *Object = NULL;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    o = pnpsim__calloc(sys, 1, sizeof(*o));
    if (o == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    status = pnpsim__fx_object_init(sys, o, PNPSIM_FX_OBJECT, &object_ops,
                                    pnpsim__fx_current_driver(sys), NULL, Attributes, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, o);
        return status;
    }
    *Object = PNPSIM_FX_HANDLE(o);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfObjectDelete": deletes the object and its children; objects the
 * framework owns (drivers, framework-created devices, requests the framework delivered,
 * default queues ...) must not be deleted by the driver — KMDF's verifier reports it. */
WDFAPI VOID WdfObjectDelete(WDFOBJECT Object)
{
    static const char ddi[] = "WdfObjectDelete";
    pnpsim__fx_object *o = pnpsim__fx_get(Object, PNPSIM_FX_ANY, ddi);
    if (o == NULL)
        return;
    if (!pnpsim__fx_check_irql(o->sys, DISPATCH_LEVEL, ddi))
        return;
    if (o->ops != NULL && o->ops->framework_owned && !pnpsim__fx_driver_may_delete(o)) {
        pnpsim__fx_violation(o->sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)Object, 0,
                             "%s: %s %p is owned by the framework and cannot be deleted by "
                             "the driver",
                             ddi, o->ops->name, Object);
        return;
    }
    pnpsim__fx_object_delete(o);
}

WDFAPI NTSTATUS WdfObjectQuery(WDFOBJECT Object, const GUID *Guid, ULONG QueryBufferLength,
                               PVOID QueryBuffer)
{
    UNREFERENCED_PARAMETER(Object);
    UNREFERENCED_PARAMETER(Guid);
    UNREFERENCED_PARAMETER(QueryBufferLength);
    UNREFERENCED_PARAMETER(QueryBuffer);
    return pnpsim__fx_not_implemented("WdfObjectQuery");
}

/* pnpsim_system_check (src/core/check.c): every handle in the table is a live framework
 * object of this system whose parent is live and lists it among its children. Caller holds
 * sys->lock. NULL when sound, else what is broken. */
const char *pnpsim__kmdf_check_locked(pnpsim_system *sys)
{
    pnpsim__kmdf_state *st = sys->kmdf;
    size_t n = 0;
    if (st == NULL)
        return NULL;
    for (size_t i = 0; i < st->handle_cap; i++) {
        pnpsim__fx_object *o = st->handles[i];
        bool listed = false;
        if (o == NULL || o == TOMBSTONE)
            continue;
        n++;
        if (o->magic != PNPSIM__FX_MAGIC || o->sys != sys || o->type <= PNPSIM_FX_ANY ||
            o->type >= PNPSIM_FX_TYPE_COUNT)
            return "a KMDF handle names a damaged object";
        if (o->parent == NULL)
            continue;
        if (table_find(st, o->parent) == (size_t)-1)
            return "a KMDF object's parent is not a live object";
        for (PLIST_ENTRY e = o->parent->children.Flink; e != &o->parent->children;
             e = e->Flink) {
            if (e == &o->sibling) {
                listed = true;
                break;
            }
        }
        if (!listed)
            return "a KMDF object is missing from its parent's children";
    }
    if (n != st->handle_count)
        return "the KMDF handle table's count is wrong";
    return NULL;
}
