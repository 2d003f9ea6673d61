/* SPDX-License-Identifier: MIT */
/*
 * This file implements framework collections (WDFCOLLECTION) for pnpsim's KMDF layer: an
 * ordered list of framework objects, each held with a reference from WdfCollectionAdd until
 * it is removed or the collection is deleted ("Framework Object Collections").
 */
#include "fx_io.h"

typedef struct pnpsim__fx_collection {
    pnpsim__fx_object obj; /* must be first */
    pnpsim__fx_object **items;
    ULONG count;
    ULONG cap;
} pnpsim__fx_collection;

/* Deletion releases the reference held on every item. */
static void collection_on_delete(pnpsim__fx_object *o)
{
    pnpsim__fx_collection *c = (pnpsim__fx_collection *)o;
    pnpsim_system *sys = o->sys;
    pnpsim__fx_object **items;
    ULONG n;
    pnpsim__lock(sys);
    items = c->items;
    n = c->count;
    c->items = NULL;
    c->count = c->cap = 0;
    pnpsim__unlock(sys);
    for (ULONG i = 0; i < n; i++)
        pnpsim__fx_unref(items[i]);
    pnpsim__free(sys, items);
}

static const pnpsim__fx_ops collection_ops = {"WDFCOLLECTION", collection_on_delete, NULL, false};

static pnpsim__fx_collection *get_collection(WDFCOLLECTION h, const char *ddi)
{
    pnpsim__fx_collection *c =
        (pnpsim__fx_collection *)pnpsim__fx_get((WDFOBJECT)h, PNPSIM_FX_COLLECTION, ddi);
    if (c != NULL && !pnpsim__fx_check_irql(c->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return c;
}

/* Windows behaviour: "WdfCollectionCreate": <= DISPATCH_LEVEL; an empty collection whose
 * default parent is the driver. Simulation: as described. */
WDFAPI NTSTATUS WdfCollectionCreate(PWDF_OBJECT_ATTRIBUTES CollectionAttributes,
                                    WDFCOLLECTION *Collection)
{
    static const char ddi[] = "WdfCollectionCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_collection *c;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Collection, "Collection", ddi))
        return STATUS_INVALID_PARAMETER;
    *Collection = NULL;
    if (CollectionAttributes != NULL) {
        status = pnpsim__fx_attributes_check(sys, CollectionAttributes, ddi);
        if (!NT_SUCCESS(status))
            return status;
    }
    c = pnpsim__calloc(sys, 1, sizeof(*c));
    if (c == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    status = pnpsim__fx_object_init(sys, &c->obj, PNPSIM_FX_COLLECTION, &collection_ops,
                                    pnpsim__fx_current_driver(sys), NULL, CollectionAttributes,
                                    ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, c);
        return status;
    }
    *Collection = (WDFCOLLECTION)c;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfCollectionGetCount": <= DISPATCH_LEVEL; the number of objects. */
WDFAPI ULONG WdfCollectionGetCount(WDFCOLLECTION Collection)
{
    pnpsim__fx_collection *c = get_collection(Collection, "WdfCollectionGetCount");
    ULONG n;
    if (c == NULL)
        return 0;
    pnpsim__lock(c->obj.sys);
    n = c->count;
    pnpsim__unlock(c->obj.sys);
    return n;
}

/* Windows behaviour: "WdfCollectionAdd": <= DISPATCH_LEVEL; appends the object and takes
 * a reference on it; STATUS_INSUFFICIENT_RESOURCES without memory (nothing is added).
 * Simulation: as described; an object may be added more than once (each time referenced). */
WDFAPI NTSTATUS WdfCollectionAdd(WDFCOLLECTION Collection, WDFOBJECT Object)
{
    static const char ddi[] = "WdfCollectionAdd";
    pnpsim__fx_collection *c = get_collection(Collection, ddi);
    pnpsim__fx_object *o;
    pnpsim_system *sys;
    NTSTATUS status;
    if (c == NULL)
        return STATUS_INVALID_HANDLE;
    sys = c->obj.sys;
    o = pnpsim__fx_get(Object, PNPSIM_FX_ANY, ddi);
    if (o == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    pnpsim__lock(sys);
    if (c->count == c->cap) {
        ULONG cap = c->cap != 0 ? c->cap * 2 : 4;
        pnpsim__fx_object **items = pnpsim__malloc(sys, cap * sizeof(*items));
        if (items == NULL) {
            pnpsim__unlock(sys);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
        }
        if (c->count != 0)
            memcpy(items, c->items, c->count * sizeof(*items));
        pnpsim__free(sys, c->items);
        c->items = items;
        c->cap = cap;
    }
    c->items[c->count++] = o;
    pnpsim__fx_ref(o);
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

/* Remove entry i (the caller holds sys->lock); returns the object, whose reference the
 * caller releases after unlocking. */
static pnpsim__fx_object *remove_at(pnpsim__fx_collection *c, ULONG i)
{
    pnpsim__fx_object *o = c->items[i];
    memmove(&c->items[i], &c->items[i + 1], (c->count - i - 1) * sizeof(*c->items));
    c->count--;
    return o;
}

/* Windows behaviour: "WdfCollectionRemove": <= DISPATCH_LEVEL; removes the object and
 * releases the collection's reference on it. Simulation: the first occurrence is removed;
 * an object that is not in the collection is left alone (Windows does not document it). */
WDFAPI VOID WdfCollectionRemove(WDFCOLLECTION Collection, WDFOBJECT Item)
{
    static const char ddi[] = "WdfCollectionRemove";
    pnpsim__fx_collection *c = get_collection(Collection, ddi);
    pnpsim__fx_object *o = NULL;
    if (c == NULL || !pnpsim__fx_check_ptr(c->obj.sys, Item, "Item", ddi))
        return;
    pnpsim__lock(c->obj.sys);
    for (ULONG i = 0; i < c->count; i++) {
        if (c->items[i] == (pnpsim__fx_object *)Item) {
            o = remove_at(c, i);
            break;
        }
    }
    pnpsim__unlock(c->obj.sys);
    if (o != NULL)
        pnpsim__fx_unref(o);
    else
        (void)pnpsim__status(STATUS_NOT_FOUND, "%s: %p is not in collection %p", ddi, Item,
                             (void *)Collection);
}

/* Windows behaviour: "WdfCollectionRemoveItem": <= DISPATCH_LEVEL; removes the object at
 * Index (item i+1 becomes item i) and releases the reference. Simulation: an index past the
 * end is left alone (Windows does not document it). */
WDFAPI VOID WdfCollectionRemoveItem(WDFCOLLECTION Collection, ULONG Index)
{
    static const char ddi[] = "WdfCollectionRemoveItem";
    pnpsim__fx_collection *c = get_collection(Collection, ddi);
    pnpsim__fx_object *o = NULL;
    if (c == NULL)
        return;
    pnpsim__lock(c->obj.sys);
    if (Index < c->count)
        o = remove_at(c, Index);
    pnpsim__unlock(c->obj.sys);
    if (o != NULL)
        pnpsim__fx_unref(o);
    else
        (void)pnpsim__status(STATUS_INVALID_PARAMETER, "%s: index %lu is past the end", ddi,
                             (unsigned long)Index);
}

static WDFOBJECT item_at(WDFCOLLECTION Collection, ULONG Index, int which, const char *ddi)
{
    pnpsim__fx_collection *c = get_collection(Collection, ddi);
    WDFOBJECT h = NULL;
    if (c == NULL)
        return NULL;
    pnpsim__lock(c->obj.sys);
    if (which < 0 && c->count != 0)
        Index = c->count - 1;
    if (Index < c->count)
        h = (WDFOBJECT)c->items[Index];
    pnpsim__unlock(c->obj.sys);
    return h;
}

/* Windows behaviour: "WdfCollectionGetItem": <= DISPATCH_LEVEL; the object at Index, or
 * NULL if Index is invalid. */
WDFAPI WDFOBJECT WdfCollectionGetItem(WDFCOLLECTION Collection, ULONG Index)
{
    return item_at(Collection, Index, 0, "WdfCollectionGetItem");
}

/* Windows behaviour: "WdfCollectionGetFirstItem": the first object, NULL when empty. */
WDFAPI WDFOBJECT WdfCollectionGetFirstItem(WDFCOLLECTION Collection)
{
    return item_at(Collection, 0, 0, "WdfCollectionGetFirstItem");
}

/* Windows behaviour: "WdfCollectionGetLastItem": the last object, NULL when empty. */
WDFAPI WDFOBJECT WdfCollectionGetLastItem(WDFCOLLECTION Collection)
{
    return item_at(Collection, 0, -1, "WdfCollectionGetLastItem");
}
