/* SPDX-License-Identifier: MIT */
/*
 * This file implements KMDF bus enumeration: the static children of a bus driver's FDO
 * (WdfFdoAddStaticChild and its iteration), dynamic child lists (WDFCHILDLIST: the default
 * list of WdfFdoInitSetDefaultChildListConfig and lists made with WdfChildListCreate) with
 * their identification and address descriptions, scans and iterations, and the FDO's
 * answer to IRP_MN_QUERY_DEVICE_RELATIONS(BusRelations): PDOs created through
 * EvtChildListCreateDevice for new descriptions, present children reported (referenced as
 * WDM requires), missing ones left out so that the PnP manager removes them ("Dynamic
 * Enumeration", "Static Enumeration", "Power-Down and Removal Sequence for a Bus Driver").
 */
#include <string.h>

#include "fx_bus.h"

/* ======================================================================================
 * The bus record of an FDO
 * ==================================================================================== */

pnpsim__fx_bus *pnpsim__fx_bus_of(pnpsim__fx_device *fdo, bool create)
{
    pnpsim_system *sys = fdo->obj.sys;
    pnpsim__fx_bus *b = fdo->bus;
    if (b != NULL || !create)
        return b;
    b = pnpsim__calloc(sys, 1, sizeof(*b));
    if (b == NULL)
        return NULL;
    InitializeListHead(&b->lists);
    InitializeListHead(&b->statics);
    pnpsim__lock(sys);
    if (fdo->bus == NULL) {
        fdo->bus = b;
        b = NULL;
    }
    pnpsim__unlock(sys);
    pnpsim__free(sys, b); /* another thread was first */
    return fdo->bus;
}

void pnpsim__fx_bus_invalidate(pnpsim__fx_device *fdo)
{
    /* KMDF reports changes to the PnP manager once the FDO has started; before that the
     * PnP manager asks for the children itself after start. */
    if (fdo->started && !fdo->removed && !fdo->surprise_removed && fdo->pdo != NULL &&
        (fdo->bus == NULL || !fdo->bus->removing)) {
        pnpsim__fx_trace(fdo, NULL, "children changed: IoInvalidateDeviceRelations(BusRelations)");
        IoInvalidateDeviceRelations(fdo->pdo, BusRelations);
    }
}

/* ======================================================================================
 * Descriptions
 * ==================================================================================== */

static void call_id_cleanup(pnpsim__fx_childlist *l, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER id)
{
    if (l->cfg.EvtChildListIdentificationDescriptionCleanup != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(l->obj.sys, l->obj.driver, &call,
                              "EvtChildListIdentificationDescriptionCleanup");
        l->cfg.EvtChildListIdentificationDescriptionCleanup((WDFCHILDLIST)l, id);
        pnpsim__fx_call_end(l->obj.sys, &call);
    }
}

static void call_addr_cleanup(pnpsim__fx_childlist *l, PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER a)
{
    if (l->cfg.EvtChildListAddressDescriptionCleanup != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(l->obj.sys, l->obj.driver, &call,
                              "EvtChildListAddressDescriptionCleanup");
        l->cfg.EvtChildListAddressDescriptionCleanup((WDFCHILDLIST)l, a);
        pnpsim__fx_call_end(l->obj.sys, &call);
    }
}

/* Copy an identification description from src to dst (both the list's size): the driver's
 * copy callback, else the bytes. */
static void id_copy(pnpsim__fx_childlist *l, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER src,
                    PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER dst)
{
    if (l->cfg.EvtChildListIdentificationDescriptionCopy != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(l->obj.sys, l->obj.driver, &call,
                              "EvtChildListIdentificationDescriptionCopy");
        l->cfg.EvtChildListIdentificationDescriptionCopy((WDFCHILDLIST)l, src, dst);
        pnpsim__fx_call_end(l->obj.sys, &call);
    } else {
        memcpy(dst, src, l->cfg.IdentificationDescriptionSize);
    }
}

static void addr_copy(pnpsim__fx_childlist *l, PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER src,
                      PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER dst)
{
    if (l->cfg.EvtChildListAddressDescriptionCopy != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(l->obj.sys, l->obj.driver, &call,
                              "EvtChildListAddressDescriptionCopy");
        l->cfg.EvtChildListAddressDescriptionCopy((WDFCHILDLIST)l, src, dst);
        pnpsim__fx_call_end(l->obj.sys, &call);
    } else {
        memcpy(dst, src, l->cfg.AddressDescriptionSize);
    }
}

/* The framework's own copy of a description the driver passed in: Duplicate when set
 * (it may allocate), else Copy, else the bytes. */
static NTSTATUS id_duplicate(pnpsim__fx_childlist *l,
                             PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER src,
                             PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER dst)
{
    NTSTATUS status = STATUS_SUCCESS;
    if (l->cfg.EvtChildListIdentificationDescriptionDuplicate != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(l->obj.sys, l->obj.driver, &call,
                              "EvtChildListIdentificationDescriptionDuplicate");
        status = l->cfg.EvtChildListIdentificationDescriptionDuplicate((WDFCHILDLIST)l, src, dst);
        pnpsim__fx_call_end(l->obj.sys, &call);
    } else {
        id_copy(l, src, dst);
    }
    return status;
}

static NTSTATUS addr_duplicate(pnpsim__fx_childlist *l, PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER src,
                               PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER dst)
{
    NTSTATUS status = STATUS_SUCCESS;
    if (l->cfg.EvtChildListAddressDescriptionDuplicate != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(l->obj.sys, l->obj.driver, &call,
                              "EvtChildListAddressDescriptionDuplicate");
        status = l->cfg.EvtChildListAddressDescriptionDuplicate((WDFCHILDLIST)l, src, dst);
        pnpsim__fx_call_end(l->obj.sys, &call);
    } else {
        addr_copy(l, src, dst);
    }
    return status;
}

/* Equal descriptions: cmp (a retrieve-info's), else the list's compare callback, else the
 * bytes. */
static bool id_equal(pnpsim__fx_childlist *l, PFN_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COMPARE cmp,
                     PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER a,
                     PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER b)
{
    if (cmp == NULL)
        cmp = l->cfg.EvtChildListIdentificationDescriptionCompare;
    if (cmp != NULL) {
        pnpsim__fx_call call;
        BOOLEAN r;
        pnpsim__fx_call_begin(l->obj.sys, l->obj.driver, &call,
                              "EvtChildListIdentificationDescriptionCompare");
        r = cmp((WDFCHILDLIST)l, a, b);
        pnpsim__fx_call_end(l->obj.sys, &call);
        return r != FALSE;
    }
    return memcmp(a, b, l->cfg.IdentificationDescriptionSize) == 0;
}

/* Free a description record (unlinked by the caller; no lock held). */
static void child_free(pnpsim__fx_childlist *l, pnpsim__fx_child *c)
{
    pnpsim_system *sys = l->obj.sys;
    call_id_cleanup(l, c->id);
    if (c->addr != NULL)
        call_addr_cleanup(l, c->addr);
    pnpsim__free(sys, c->id);
    pnpsim__free(sys, c->addr);
    pnpsim__free(sys, c);
}

/* The description equal to id: present ones first, then missing ones (NULL: none). */
static pnpsim__fx_child *child_find(pnpsim__fx_childlist *l,
                                    PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER id,
                                    PFN_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COMPARE cmp,
                                    bool present_only)
{
    pnpsim__fx_child *missing = NULL;
    for (PLIST_ENTRY e = l->children.Flink; e != &l->children; e = e->Flink) {
        pnpsim__fx_child *c = CONTAINING_RECORD(e, pnpsim__fx_child, link);
        if (!id_equal(l, cmp, id, c->id))
            continue;
        if (c->present)
            return c;
        if (missing == NULL)
            missing = c;
    }
    return present_only ? NULL : missing;
}

/* Report a change of l now unless a scan or iteration is open (then at its end). */
static void list_changed(pnpsim__fx_childlist *l)
{
    bool now;
    pnpsim__lock(l->obj.sys);
    l->changed = true;
    now = l->scans == 0 && l->iterations == 0;
    if (now)
        l->changed = false;
    pnpsim__unlock(l->obj.sys);
    if (now)
        pnpsim__fx_bus_invalidate(l->device);
}

/* ======================================================================================
 * WDFCHILDLIST objects
 * ==================================================================================== */

static void list_on_delete(pnpsim__fx_object *o)
{
    pnpsim__fx_childlist *l = (pnpsim__fx_childlist *)o;
    pnpsim_system *sys = o->sys;
    pnpsim__fx_bus *b = l->device->bus;
    for (;;) {
        pnpsim__fx_child *c = NULL;
        pnpsim__lock(sys);
        if (!IsListEmpty(&l->children)) {
            c = CONTAINING_RECORD(RemoveHeadList(&l->children), pnpsim__fx_child, link);
            if (c->pdo != NULL && c->pdo->pdo_data != NULL)
                c->pdo->pdo_data->ids.child = NULL;
        }
        pnpsim__unlock(sys);
        if (c == NULL)
            break;
        child_free(l, c);
    }
    pnpsim__lock(sys);
    if (l->linked) {
        RemoveEntryList(&l->link);
        l->linked = false;
    }
    if (b != NULL && b->default_list == l)
        b->default_list = NULL;
    pnpsim__unlock(sys);
}

static const pnpsim__fx_ops childlist_ops = {"WDFCHILDLIST", list_on_delete, NULL, false};

static NTSTATUS list_create(pnpsim_system *sys, pnpsim__fx_device *d,
                            const WDF_CHILD_LIST_CONFIG *cfg, PWDF_OBJECT_ATTRIBUTES attrs,
                            const char *ddi, pnpsim__fx_childlist **out)
{
    pnpsim__fx_childlist *l;
    pnpsim__fx_bus *b;
    NTSTATUS status;
    *out = NULL;
    if (cfg->Size != sizeof(WDF_CHILD_LIST_CONFIG))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH,
                              "%s: WDF_CHILD_LIST_CONFIG.Size is %lu, expected %lu", ddi,
                              (unsigned long)cfg->Size,
                              (unsigned long)sizeof(WDF_CHILD_LIST_CONFIG));
    if (cfg->EvtChildListCreateDevice == NULL ||
        cfg->IdentificationDescriptionSize < sizeof(WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER) ||
        (cfg->AddressDescriptionSize != 0 &&
         cfg->AddressDescriptionSize < sizeof(WDF_CHILD_ADDRESS_DESCRIPTION_HEADER)))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: the child list configuration needs EvtChildListCreateDevice "
                              "and description sizes of at least their headers",
                              ddi);
    b = pnpsim__fx_bus_of(d, true);
    if (b == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    l = pnpsim__calloc(sys, 1, sizeof(*l));
    if (l == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    l->device = d;
    l->cfg = *cfg;
    InitializeListHead(&l->children);
    InitializeListHead(&l->link);
    status = pnpsim__fx_object_init(sys, &l->obj, PNPSIM_FX_CHILDLIST, &childlist_ops,
                                    d->obj.driver, &d->obj, attrs, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, l);
        return status;
    }
    pnpsim__lock(sys);
    InsertTailList(&b->lists, &l->link);
    l->linked = true;
    pnpsim__unlock(sys);
    *out = l;
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__fx_bus_created(pnpsim__fx_device *d, PWDFDEVICE_INIT init)
{
    pnpsim__fx_childlist *l;
    NTSTATUS status;
    if (init->child_list_config == NULL)
        return STATUS_SUCCESS;
    status = list_create(d->obj.sys, d, (const WDF_CHILD_LIST_CONFIG *)init->child_list_config,
                         init->child_list_attributes_set ? &init->child_list_attributes : NULL,
                         "WdfDeviceCreate", &l);
    if (!NT_SUCCESS(status))
        return status;
    d->bus->default_list = l;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfFdoInitSetDefaultChildListConfig": the FDO gets a default child
 * list, created by WdfDeviceCreate with this configuration (copied) and attributes; call
 * from EvtDriverDeviceAdd at PASSIVE_LEVEL. A wrong Size is a verifier error.
 * Simulation: the checks of WdfChildListCreate run at WdfDeviceCreate, which then fails
 * with their status. */
WDFAPI VOID WdfFdoInitSetDefaultChildListConfig(PWDFDEVICE_INIT DeviceInit,
                                                PWDF_CHILD_LIST_CONFIG Config,
                                                PWDF_OBJECT_ATTRIBUTES DefaultChildListAttributes)
{
    static const char ddi[] = "WdfFdoInitSetDefaultChildListConfig";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    WDF_CHILD_LIST_CONFIG *copy;
    if (sys == NULL || !pnpsim__fx_init_check(sys, DeviceInit, ddi) ||
        !pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Config, "Config", ddi))
        return;
    if (DeviceInit->is_pdo || Config->Size != sizeof(WDF_CHILD_LIST_CONFIG)) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE, 0,
                             Config->Size,
                             "%s: %s", ddi,
                             DeviceInit->is_pdo ? "a PDO's init cannot have a child list"
                                                : "WDF_CHILD_LIST_CONFIG.Size is wrong");
        return;
    }
    copy = pnpsim__malloc(sys, sizeof(*copy));
    if (copy == NULL) {
        NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
        pnpsim__trace(sys, PNPSIM_TRACE_KMDF, NULL, pnpsim__current_driver(), &st,
                      "%s: out of memory: the FDO gets no default child list", ddi);
        return;
    }
    *copy = *Config;
    pnpsim__free(sys, DeviceInit->child_list_config);
    DeviceInit->child_list_config = copy;
    if (DefaultChildListAttributes != NULL) {
        DeviceInit->child_list_attributes = *DefaultChildListAttributes;
        DeviceInit->child_list_attributes_set = true;
    } else {
        DeviceInit->child_list_attributes_set = false;
    }
}

/* Windows behaviour: "WdfChildListCreate": an additional child list of Device;
 * STATUS_INFO_LENGTH_MISMATCH for a wrong Config Size, STATUS_INVALID_PARAMETER for a
 * missing EvtChildListCreateDevice or a description size smaller than its header;
 * IRQL <= DISPATCH_LEVEL. Its children are reported with the device's BusRelations. */
WDFAPI NTSTATUS WdfChildListCreate(WDFDEVICE Device, PWDF_CHILD_LIST_CONFIG Config,
                                   PWDF_OBJECT_ATTRIBUTES ChildListAttributes,
                                   WDFCHILDLIST *ChildList)
{
    static const char ddi[] = "WdfChildListCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    pnpsim__fx_childlist *l;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL || !pnpsim__fx_check_ptr(sys, Config, "Config", ddi) ||
        !pnpsim__fx_check_ptr(sys, ChildList, "ChildList", ddi))
        return STATUS_INVALID_PARAMETER;
    *ChildList = NULL;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (d->is_pdo)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: only a bus driver's FDO reports children", ddi);
    status = list_create(sys, d, Config, ChildListAttributes, ddi, &l);
    if (NT_SUCCESS(status))
        *ChildList = (WDFCHILDLIST)l;
    return status;
}

/* Windows behaviour: "WdfFdoGetDefaultChildList": the default child list, NULL when the
 * driver configured none; IRQL <= DISPATCH_LEVEL. */
WDFAPI WDFCHILDLIST WdfFdoGetDefaultChildList(WDFDEVICE Fdo)
{
    static const char ddi[] = "WdfFdoGetDefaultChildList";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    if (sys == NULL)
        return NULL;
    d = pnpsim__fx_get_device(Fdo, ddi);
    if (d == NULL || !pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) || d->bus == NULL)
        return NULL;
    return (WDFCHILDLIST)d->bus->default_list;
}

/* Windows behaviour: "WdfChildListGetDevice": the device the list belongs to. */
WDFAPI WDFDEVICE WdfChildListGetDevice(WDFCHILDLIST ChildList)
{
    pnpsim__fx_childlist *l = (pnpsim__fx_childlist *)pnpsim__fx_get(
        ChildList, PNPSIM_FX_CHILDLIST, "WdfChildListGetDevice");
    return l != NULL ? (WDFDEVICE)l->device : NULL;
}

static pnpsim__fx_childlist *list_get(pnpsim_system *sys, WDFCHILDLIST h, const char *ddi)
{
    pnpsim__fx_childlist *l =
        (pnpsim__fx_childlist *)pnpsim__fx_get(h, PNPSIM_FX_CHILDLIST, ddi);
    if (l == NULL || !pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return l;
}

static bool id_ok(pnpsim_system *sys, pnpsim__fx_childlist *l,
                  PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER id, const char *ddi,
                  NTSTATUS *status)
{
    if (!pnpsim__fx_check_ptr(sys, id, "IdentificationDescription", ddi)) {
        *status = STATUS_INVALID_PARAMETER;
        return false;
    }
    if (id->IdentificationDescriptionSize != l->cfg.IdentificationDescriptionSize) {
        *status = pnpsim__status(STATUS_INVALID_PARAMETER,
                                 "%s: IdentificationDescriptionSize is %lu, the list's is %lu",
                                 ddi, (unsigned long)id->IdentificationDescriptionSize,
                                 (unsigned long)l->cfg.IdentificationDescriptionSize);
        return false;
    }
    return true;
}

/* ======================================================================================
 * Dynamic children: add, update, scan
 * ==================================================================================== */

/* Windows behaviour: "WdfChildListAddOrUpdateChildDescriptionAsPresent": adds a
 * description (copied with EvtChildListIdentificationDescriptionDuplicate/Copy) and marks
 * it present; when an equal one is already present it returns STATUS_OBJECT_NAME_EXISTS
 * (its address description is updated); STATUS_INVALID_PARAMETER for a size mismatch;
 * STATUS_INVALID_DEVICE_REQUEST for an address description on a list without them;
 * STATUS_INSUFFICIENT_RESOURCES; IRQL <= DISPATCH_LEVEL. Outside a scan the PnP manager is
 * told at once (IoInvalidateDeviceRelations).
 * Simulation: a description equal to one reported missing whose PDO still exists gets a
 * new record (a new PDO once the old one is removed). */
WDFAPI NTSTATUS WdfChildListAddOrUpdateChildDescriptionAsPresent(
    WDFCHILDLIST ChildList, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription,
    PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER AddressDescription)
{
    static const char ddi[] = "WdfChildListAddOrUpdateChildDescriptionAsPresent";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    pnpsim__fx_child *c;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!id_ok(sys, l, IdentificationDescription, ddi, &status))
        return status;
    if (AddressDescription != NULL && l->cfg.AddressDescriptionSize == 0)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: the list has no address descriptions", ddi);
    if (AddressDescription != NULL &&
        AddressDescription->AddressDescriptionSize != l->cfg.AddressDescriptionSize)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: AddressDescriptionSize is %lu, the list's is %lu", ddi,
                              (unsigned long)AddressDescription->AddressDescriptionSize,
                              (unsigned long)l->cfg.AddressDescriptionSize);

    c = child_find(l, IdentificationDescription, NULL, false);
    if (c != NULL && (c->present || c->pdo == NULL)) {
        bool was_present = c->present;
        if (AddressDescription != NULL && c->addr != NULL) {
            call_addr_cleanup(l, c->addr);
            status = addr_duplicate(l, AddressDescription, c->addr);
            if (!NT_SUCCESS(status))
                return status;
        }
        pnpsim__lock(sys);
        c->present = true;
        c->scan_seen = true;
        pnpsim__unlock(sys);
        if (was_present)
            return STATUS_OBJECT_NAME_EXISTS;
        list_changed(l);
        return STATUS_SUCCESS;
    }

    c = pnpsim__calloc(sys, 1, sizeof(*c));
    if (c == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    c->list = l;
    c->id = pnpsim__calloc(sys, 1, l->cfg.IdentificationDescriptionSize);
    if (l->cfg.AddressDescriptionSize != 0)
        c->addr = pnpsim__calloc(sys, 1, l->cfg.AddressDescriptionSize);
    if (c->id == NULL || (l->cfg.AddressDescriptionSize != 0 && c->addr == NULL)) {
        pnpsim__free(sys, c->id);
        pnpsim__free(sys, c->addr);
        pnpsim__free(sys, c);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    }
    c->id->IdentificationDescriptionSize = l->cfg.IdentificationDescriptionSize;
    status = id_duplicate(l, IdentificationDescription, c->id);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, c->id);
        pnpsim__free(sys, c->addr);
        pnpsim__free(sys, c);
        return status;
    }
    if (c->addr != NULL) {
        c->addr->AddressDescriptionSize = l->cfg.AddressDescriptionSize;
        if (AddressDescription != NULL) {
            status = addr_duplicate(l, AddressDescription, c->addr);
            if (!NT_SUCCESS(status)) {
                pnpsim__free(sys, c->addr);
                c->addr = NULL;
                child_free(l, c);
                return status;
            }
        }
    }
    pnpsim__lock(sys);
    c->present = true;
    c->scan_seen = true;
    InsertTailList(&l->children, &c->link);
    pnpsim__unlock(sys);
    list_changed(l);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfChildListUpdateChildDescriptionAsMissing": marks a present child
 * missing; the framework reports it missing and the PnP manager removes it;
 * STATUS_NO_SUCH_DEVICE when no present child has that description; IRQL <= DISPATCH_LEVEL. */
WDFAPI NTSTATUS WdfChildListUpdateChildDescriptionAsMissing(
    WDFCHILDLIST ChildList, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription)
{
    static const char ddi[] = "WdfChildListUpdateChildDescriptionAsMissing";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    pnpsim__fx_child *c;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!id_ok(sys, l, IdentificationDescription, ddi, &status))
        return status;
    c = child_find(l, IdentificationDescription, NULL, true);
    if (c == NULL)
        return pnpsim__status(STATUS_NO_SUCH_DEVICE, "%s: no present child has that "
                              "description", ddi);
    pnpsim__lock(sys);
    c->present = false;
    pnpsim__unlock(sys);
    list_changed(l);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfChildListUpdateAllChildDescriptionsAsPresent": every child
 * description the list has is marked present again (those reported missing but still
 * known); IRQL <= DISPATCH_LEVEL. */
WDFAPI VOID WdfChildListUpdateAllChildDescriptionsAsPresent(WDFCHILDLIST ChildList)
{
    static const char ddi[] = "WdfChildListUpdateAllChildDescriptionsAsPresent";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    bool changed = false;
    if (sys == NULL)
        return;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL)
        return;
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = l->children.Flink; e != &l->children; e = e->Flink) {
        pnpsim__fx_child *c = CONTAINING_RECORD(e, pnpsim__fx_child, link);
        if (!c->present) {
            c->present = true;
            changed = true;
        }
        c->scan_seen = true;
    }
    pnpsim__unlock(sys);
    if (changed)
        list_changed(l);
}

/* Windows behaviour: "WdfChildListBeginScan": starts a scan; every child the driver does
 * not report (AddOrUpdate...) before WdfChildListEndScan is then marked missing; the PnP
 * manager hears of the changes at EndScan. Scans nest. IRQL <= DISPATCH_LEVEL. */
WDFAPI VOID WdfChildListBeginScan(WDFCHILDLIST ChildList)
{
    static const char ddi[] = "WdfChildListBeginScan";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    if (sys == NULL)
        return;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL)
        return;
    pnpsim__lock(sys);
    if (l->scans++ == 0) {
        for (PLIST_ENTRY e = l->children.Flink; e != &l->children; e = e->Flink)
            CONTAINING_RECORD(e, pnpsim__fx_child, link)->scan_seen = false;
    }
    pnpsim__unlock(sys);
}

/* Windows behaviour: "WdfChildListEndScan": ends the scan; unreported children are marked
 * missing and the PnP manager is told (IoInvalidateDeviceRelations). Without a matching
 * BeginScan: a verifier error (KmdfWrongState here). */
WDFAPI VOID WdfChildListEndScan(WDFCHILDLIST ChildList)
{
    static const char ddi[] = "WdfChildListEndScan";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    bool report = false;
    if (sys == NULL)
        return;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL)
        return;
    pnpsim__lock(sys);
    if (l->scans == 0) {
        pnpsim__unlock(sys);
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)ChildList, 0, "%s without WdfChildListBeginScan", ddi);
        return;
    }
    if (--l->scans == 0) {
        for (PLIST_ENTRY e = l->children.Flink; e != &l->children; e = e->Flink) {
            pnpsim__fx_child *c = CONTAINING_RECORD(e, pnpsim__fx_child, link);
            if (c->present && !c->scan_seen) {
                c->present = false;
                l->changed = true;
            }
        }
        report = l->changed && l->iterations == 0;
        if (report)
            l->changed = false;
    }
    pnpsim__unlock(sys);
    if (report)
        pnpsim__fx_bus_invalidate(l->device);
}

/* ======================================================================================
 * Iteration and retrieval
 * ==================================================================================== */

#define FX_ITER_MAGIC ((PVOID)(ULONG_PTR)0x49544552u) /* "ITER" */

/* Windows behaviour: "WdfChildListBeginIteration": starts walking the list with the
 * WDF_RETRIEVE_CHILD_FLAGS of the iterator; changes made meanwhile are reported at
 * WdfChildListEndIteration. IRQL <= DISPATCH_LEVEL. */
WDFAPI VOID WdfChildListBeginIteration(WDFCHILDLIST ChildList, PWDF_CHILD_LIST_ITERATOR Iterator)
{
    static const char ddi[] = "WdfChildListBeginIteration";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    if (sys == NULL)
        return;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL || !pnpsim__fx_check_ptr(sys, Iterator, "Iterator", ddi))
        return;
    if (Iterator->Size != sizeof(WDF_CHILD_LIST_ITERATOR)) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)ChildList, Iterator->Size,
                             "%s: WDF_CHILD_LIST_ITERATOR.Size is %lu", ddi,
                             (unsigned long)Iterator->Size);
        return;
    }
    pnpsim__lock(sys);
    l->iterations++;
    pnpsim__unlock(sys);
    Iterator->Reserved[0] = NULL;            /* how many entries were passed */
    Iterator->Reserved[1] = (PVOID)l;
    Iterator->Reserved[2] = FX_ITER_MAGIC;
}

static bool flags_match(ULONG flags, const pnpsim__fx_child *c)
{
    if (!c->present)
        return (flags & WdfRetrieveMissingChildren) != 0;
    if (c->pdo == NULL)
        return (flags & WdfRetrievePendingChildren) != 0;
    return (flags & WdfRetrievePresentChildren) != 0;
}

/* Copy what a WDF_CHILD_RETRIEVE_INFO asks for out of c. */
static void fill_info(pnpsim__fx_childlist *l, pnpsim__fx_child *c, PWDF_CHILD_RETRIEVE_INFO info)
{
    if (info == NULL)
        return;
    if (info->IdentificationDescription != NULL)
        id_copy(l, c->id, info->IdentificationDescription);
    if (info->AddressDescription != NULL && c->addr != NULL)
        addr_copy(l, c->addr, info->AddressDescription);
    info->Status = c->pdo != NULL ? WdfChildListRetrieveDeviceSuccess
                                  : WdfChildListRetrieveDeviceNotYetCreated;
}

/* Windows behaviour: "WdfChildListRetrieveNextDevice": the next child matching the
 * iterator's flags (and Info's compare callback, if any); STATUS_NO_MORE_ENTRIES at the
 * end; STATUS_INFO_LENGTH_MISMATCH for a wrong iterator Size; STATUS_INVALID_DEVICE_STATE
 * without WdfChildListBeginIteration; STATUS_INVALID_DEVICE_REQUEST for an address
 * description on a list without them; STATUS_INVALID_PARAMETER for bad flags. *Device is
 * NULL for a pending child (no PDO yet). IRQL <= DISPATCH_LEVEL. */
WDFAPI NTSTATUS WdfChildListRetrieveNextDevice(WDFCHILDLIST ChildList,
                                               PWDF_CHILD_LIST_ITERATOR Iterator,
                                               WDFDEVICE *Device, PWDF_CHILD_RETRIEVE_INFO Info)
{
    static const char ddi[] = "WdfChildListRetrieveNextDevice";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    PFN_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COMPARE cmp = NULL;
    ULONG_PTR index, i = 0;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL || !pnpsim__fx_check_ptr(sys, Iterator, "Iterator", ddi) ||
        !pnpsim__fx_check_ptr(sys, Device, "Device", ddi))
        return STATUS_INVALID_PARAMETER;
    *Device = NULL;
    if (Iterator->Size != sizeof(WDF_CHILD_LIST_ITERATOR))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH,
                              "%s: WDF_CHILD_LIST_ITERATOR.Size is %lu", ddi,
                              (unsigned long)Iterator->Size);
    if (Iterator->Reserved[1] != (PVOID)l || Iterator->Reserved[2] != FX_ITER_MAGIC)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "%s: WdfChildListBeginIteration was not called", ddi);
    if ((Iterator->Flags & WdfRetrieveAllChildren) == 0 ||
        (Iterator->Flags & ~(ULONG)WdfRetrieveAllChildren) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: bad iterator flags 0x%lx", ddi,
                              (unsigned long)Iterator->Flags);
    if (Info != NULL) {
        if (Info->Size != sizeof(WDF_CHILD_RETRIEVE_INFO))
            return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH,
                                  "%s: WDF_CHILD_RETRIEVE_INFO.Size is %lu", ddi,
                                  (unsigned long)Info->Size);
        if (Info->AddressDescription != NULL && l->cfg.AddressDescriptionSize == 0)
            return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                                  "%s: the list has no address descriptions", ddi);
        if (Info->IdentificationDescription != NULL)
            cmp = Info->EvtChildListIdentificationDescriptionCompare;
    }
    index = (ULONG_PTR)Iterator->Reserved[0];
    for (PLIST_ENTRY e = l->children.Flink; e != &l->children; e = e->Flink, i++) {
        pnpsim__fx_child *c = CONTAINING_RECORD(e, pnpsim__fx_child, link);
        if (i < index || !flags_match(Iterator->Flags, c))
            continue;
        if (cmp != NULL) {
            pnpsim__fx_call call;
            BOOLEAN eq;
            pnpsim__fx_call_begin(sys, l->obj.driver, &call,
                                  "EvtChildListIdentificationDescriptionCompare");
            eq = cmp((WDFCHILDLIST)l, Info->IdentificationDescription, c->id);
            pnpsim__fx_call_end(sys, &call);
            if (!eq)
                continue;
        }
        Iterator->Reserved[0] = (PVOID)(i + 1);
        *Device = c->pdo != NULL ? (WDFDEVICE)c->pdo : NULL;
        fill_info(l, c, Info);
        return STATUS_SUCCESS;
    }
    Iterator->Reserved[0] = (PVOID)i;
    if (Info != NULL)
        Info->Status = WdfChildListRetrieveDeviceNoSuchDevice;
    return STATUS_NO_MORE_ENTRIES;
}

/* Windows behaviour: "WdfChildListEndIteration": ends the walk; changes made meanwhile are
 * reported to the PnP manager now. */
WDFAPI VOID WdfChildListEndIteration(WDFCHILDLIST ChildList, PWDF_CHILD_LIST_ITERATOR Iterator)
{
    static const char ddi[] = "WdfChildListEndIteration";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    bool report = false;
    if (sys == NULL)
        return;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL || !pnpsim__fx_check_ptr(sys, Iterator, "Iterator", ddi))
        return;
    pnpsim__lock(sys);
    if (l->iterations == 0 || Iterator->Reserved[1] != (PVOID)l ||
        Iterator->Reserved[2] != FX_ITER_MAGIC) {
        pnpsim__unlock(sys);
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)ChildList, 0,
                             "%s without WdfChildListBeginIteration", ddi);
        return;
    }
    l->iterations--;
    report = l->iterations == 0 && l->scans == 0 && l->changed;
    if (report)
        l->changed = false;
    pnpsim__unlock(sys);
    Iterator->Reserved[0] = Iterator->Reserved[1] = Iterator->Reserved[2] = NULL;
    if (report)
        pnpsim__fx_bus_invalidate(l->device);
}

/* Windows behaviour: "WdfChildListRetrievePdo": the PDO of the child whose description
 * matches RetrieveInfo's (its compare callback, else the list's, else the bytes); NULL with
 * Status WdfChildListRetrieveDeviceNotYetCreated when the PDO does not exist yet, or
 * WdfChildListRetrieveDeviceNoSuchDevice. IRQL <= DISPATCH_LEVEL. */
WDFAPI WDFDEVICE WdfChildListRetrievePdo(WDFCHILDLIST ChildList,
                                         PWDF_CHILD_RETRIEVE_INFO RetrieveInfo)
{
    static const char ddi[] = "WdfChildListRetrievePdo";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    pnpsim__fx_child *c;
    if (sys == NULL)
        return NULL;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL || !pnpsim__fx_check_ptr(sys, RetrieveInfo, "RetrieveInfo", ddi))
        return NULL;
    if (RetrieveInfo->Size != sizeof(WDF_CHILD_RETRIEVE_INFO) ||
        !pnpsim__fx_check_ptr(sys, RetrieveInfo->IdentificationDescription,
                              "RetrieveInfo->IdentificationDescription", ddi)) {
        pnpsim__status(STATUS_INFO_LENGTH_MISMATCH, "%s: bad WDF_CHILD_RETRIEVE_INFO", ddi);
        return NULL;
    }
    c = child_find(l, RetrieveInfo->IdentificationDescription,
                   RetrieveInfo->EvtChildListIdentificationDescriptionCompare, false);
    if (c == NULL) {
        RetrieveInfo->Status = WdfChildListRetrieveDeviceNoSuchDevice;
        return NULL;
    }
    if (RetrieveInfo->AddressDescription != NULL && c->addr != NULL)
        addr_copy(l, c->addr, RetrieveInfo->AddressDescription);
    RetrieveInfo->Status = c->pdo != NULL ? WdfChildListRetrieveDeviceSuccess
                                          : WdfChildListRetrieveDeviceNotYetCreated;
    return (WDFDEVICE)c->pdo;
}

/* Windows behaviour: "WdfChildListRetrieveAddressDescription": copies the address
 * description of the present child with that identification description;
 * STATUS_NO_SUCH_DEVICE when there is none; STATUS_INVALID_DEVICE_REQUEST when the list
 * has no address descriptions; STATUS_INVALID_PARAMETER for a size mismatch. */
WDFAPI NTSTATUS WdfChildListRetrieveAddressDescription(
    WDFCHILDLIST ChildList, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription,
    PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER AddressDescription)
{
    static const char ddi[] = "WdfChildListRetrieveAddressDescription";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    pnpsim__fx_child *c;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL || !pnpsim__fx_check_ptr(sys, AddressDescription, "AddressDescription", ddi))
        return STATUS_INVALID_PARAMETER;
    if (!id_ok(sys, l, IdentificationDescription, ddi, &status))
        return status;
    if (l->cfg.AddressDescriptionSize == 0)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: the list has no address descriptions", ddi);
    if (AddressDescription->AddressDescriptionSize != l->cfg.AddressDescriptionSize)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: AddressDescriptionSize mismatch",
                              ddi);
    c = child_find(l, IdentificationDescription, NULL, true);
    if (c == NULL)
        return pnpsim__status(STATUS_NO_SUCH_DEVICE, "%s: no present child has that "
                              "description", ddi);
    addr_copy(l, c->addr, AddressDescription);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfChildListRequestChildEject": asks the PnP manager to eject the
 * child (IoRequestDeviceEject); TRUE when a child with a PDO was found. */
WDFAPI BOOLEAN WdfChildListRequestChildEject(
    WDFCHILDLIST ChildList, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription)
{
    static const char ddi[] = "WdfChildListRequestChildEject";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_childlist *l;
    pnpsim__fx_child *c;
    NTSTATUS status;
    if (sys == NULL)
        return FALSE;
    l = list_get(sys, ChildList, ddi);
    if (l == NULL || !id_ok(sys, l, IdentificationDescription, ddi, &status))
        return FALSE;
    c = child_find(l, IdentificationDescription, NULL, true);
    if (c == NULL || c->pdo == NULL || c->pdo->self == NULL)
        return FALSE;
    IoRequestDeviceEject(c->pdo->self);
    return TRUE;
}

/* ======================================================================================
 * Static children
 * ==================================================================================== */

/* Windows behaviour: "WdfFdoAddStaticChild": adds a PDO (made from WdfPdoInitAllocate) to
 * the FDO's static child list; reported at the next BusRelations; after start the PnP
 * manager is told (at WdfFdoUnlockStaticChildListFromIteration when the list is locked).
 * STATUS_OBJECT_NAME_EXISTS when the child is already in the list;
 * STATUS_INVALID_PARAMETER when Child is not a PDO of this FDO. IRQL <= DISPATCH_LEVEL. */
WDFAPI NTSTATUS WdfFdoAddStaticChild(WDFDEVICE Fdo, WDFDEVICE Child)
{
    static const char ddi[] = "WdfFdoAddStaticChild";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d, *child;
    pnpsim__fx_static *s;
    pnpsim__fx_bus *b;
    NTSTATUS status;
    bool report;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    d = pnpsim__fx_get_device(Fdo, ddi);
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    child = pnpsim__fx_get_device(Child, ddi);
    if (child == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (d->is_pdo || !child->is_pdo || child->pdo_data == NULL || child->parent != d ||
        child->pdo_data->ids.child != NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: Child must be a PDO created from WdfPdoInitAllocate(Fdo)",
                              ddi);
    if (child->pdo_data->is_static)
        return pnpsim__status(STATUS_OBJECT_NAME_EXISTS, "%s: already a static child", ddi);
    b = pnpsim__fx_bus_of(d, true);
    s = pnpsim__calloc(sys, 1, sizeof(*s));
    if (b == NULL || s == NULL) {
        pnpsim__free(sys, s);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    }
    s->pdo = child;
    pnpsim__lock(sys);
    child->pdo_data->is_static = true;
    InsertTailList(&b->statics, &s->link);
    report = b->static_locks == 0;
    if (!report)
        b->static_changed = true;
    pnpsim__unlock(sys);
    pnpsim__fx_trace(d, NULL, "WdfFdoAddStaticChild(%p)", (void *)child);
    if (report)
        pnpsim__fx_bus_invalidate(d);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfFdoLockStaticChildListForIteration": holds back reports of static
 * child changes until WdfFdoUnlockStaticChildListFromIteration; needed around
 * WdfFdoRetrieveNextStaticChild. IRQL <= DISPATCH_LEVEL. */
WDFAPI VOID WdfFdoLockStaticChildListForIteration(WDFDEVICE Fdo)
{
    static const char ddi[] = "WdfFdoLockStaticChildListForIteration";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    pnpsim__fx_bus *b;
    if (sys == NULL)
        return;
    d = pnpsim__fx_get_device(Fdo, ddi);
    if (d == NULL || !pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return;
    b = pnpsim__fx_bus_of(d, true);
    if (b == NULL) {
        NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
        pnpsim__fx_trace(d, &st, "%s: out of memory", ddi);
        return;
    }
    pnpsim__lock(sys);
    b->static_locks++;
    pnpsim__unlock(sys);
}

/* Windows behaviour: "WdfFdoUnlockStaticChildListFromIteration": releases the lock; changes
 * made meanwhile are reported to the PnP manager. */
WDFAPI VOID WdfFdoUnlockStaticChildListFromIteration(WDFDEVICE Fdo)
{
    static const char ddi[] = "WdfFdoUnlockStaticChildListFromIteration";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    pnpsim__fx_bus *b;
    bool report = false;
    if (sys == NULL)
        return;
    d = pnpsim__fx_get_device(Fdo, ddi);
    if (d == NULL || !pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return;
    b = d->bus;
    pnpsim__lock(sys);
    if (b == NULL || b->static_locks == 0) {
        pnpsim__unlock(sys);
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)Fdo, 0,
                             "%s without WdfFdoLockStaticChildListForIteration", ddi);
        return;
    }
    if (--b->static_locks == 0 && b->static_changed) {
        b->static_changed = false;
        report = true;
    }
    pnpsim__unlock(sys);
    if (report)
        pnpsim__fx_bus_invalidate(d);
}

/* Windows behaviour: "WdfFdoRetrieveNextStaticChild": the static child after PreviousChild
 * (NULL: the first) matching Flags (WDF_RETRIEVE_CHILD_FLAGS), NULL at the end; only
 * between Lock... and Unlock...StaticChildList (else a verifier error). */
WDFAPI WDFDEVICE WdfFdoRetrieveNextStaticChild(WDFDEVICE Fdo, WDFDEVICE PreviousChild, ULONG Flags)
{
    static const char ddi[] = "WdfFdoRetrieveNextStaticChild";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d, *found = NULL;
    pnpsim__fx_bus *b;
    bool after;
    if (sys == NULL)
        return NULL;
    d = pnpsim__fx_get_device(Fdo, ddi);
    if (d == NULL || !pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return NULL;
    b = d->bus;
    if (b == NULL || b->static_locks == 0) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)Fdo, 0,
                             "%s outside WdfFdoLockStaticChildListForIteration", ddi);
        return NULL;
    }
    pnpsim__lock(sys);
    after = PreviousChild == NULL;
    for (PLIST_ENTRY e = b->statics.Flink; e != &b->statics; e = e->Flink) {
        pnpsim__fx_static *s = CONTAINING_RECORD(e, pnpsim__fx_static, link);
        const pnpsim__fx_pdo *p = s->pdo->pdo_data;
        ULONG kind;
        if (!after) {
            after = (WDFDEVICE)s->pdo == PreviousChild;
            continue;
        }
        kind = p == NULL || p->static_missing ? WdfRetrieveMissingChildren
               : p->reported                  ? WdfRetrievePresentChildren
                                              : WdfRetrievePendingChildren;
        if (Flags & kind) {
            found = s->pdo;
            break;
        }
    }
    pnpsim__unlock(sys);
    return (WDFDEVICE)found;
}

/* ======================================================================================
 * Hooks: PDOs going away, marked missing
 * ==================================================================================== */

void pnpsim__fx_bus_pdo_gone(pnpsim__fx_device *pdo)
{
    pnpsim_system *sys = pdo->obj.sys;
    pnpsim__fx_pdo *p = pdo->pdo_data;
    pnpsim__fx_child *drop = NULL;
    pnpsim__fx_static *st = NULL;
    pnpsim__fx_bus *b = pdo->parent != NULL ? pdo->parent->bus : NULL;
    if (p == NULL)
        return;
    pnpsim__lock(sys);
    if (p->ids.child != NULL) {
        pnpsim__fx_child *c = p->ids.child;
        p->ids.child = NULL;
        if (c->pdo == pdo) {
            c->pdo = NULL;
            if (!c->present && !c->creating) {
                RemoveEntryList(&c->link);
                drop = c;
            }
        }
    }
    if (p->is_static && b != NULL) {
        for (PLIST_ENTRY e = b->statics.Flink; e != &b->statics; e = e->Flink) {
            pnpsim__fx_static *s = CONTAINING_RECORD(e, pnpsim__fx_static, link);
            if (s->pdo == pdo) {
                RemoveEntryList(&s->link);
                st = s;
                break;
            }
        }
    }
    pnpsim__unlock(sys);
    if (drop != NULL)
        child_free(drop->list, drop);
    pnpsim__free(sys, st);
}

NTSTATUS pnpsim__fx_bus_mark_missing(pnpsim__fx_device *pdo)
{
    pnpsim_system *sys = pdo->obj.sys;
    pnpsim__fx_pdo *p = pdo->pdo_data;
    pnpsim__fx_childlist *l = NULL;
    bool was = false, statics = false, report;
    if (p == NULL)
        return STATUS_INVALID_PARAMETER;
    pnpsim__lock(sys);
    if (p->ids.child != NULL) {
        l = p->ids.child->list;
        was = p->ids.child->present;
        p->ids.child->present = false;
    } else if (p->is_static) {
        statics = true;
        was = !p->static_missing;
        p->static_missing = true;
    }
    pnpsim__unlock(sys);
    if (l == NULL && !statics)
        return pnpsim__status(STATUS_NO_SUCH_DEVICE,
                              "WdfPdoMarkMissing: the PDO is not in a child list of its parent");
    if (!was)
        return STATUS_SUCCESS;
    if (l != NULL) {
        list_changed(l);
        return STATUS_SUCCESS;
    }
    pnpsim__lock(sys);
    report = pdo->parent->bus == NULL || pdo->parent->bus->static_locks == 0;
    if (!report)
        pdo->parent->bus->static_changed = true;
    pnpsim__unlock(sys);
    if (report)
        pnpsim__fx_bus_invalidate(pdo->parent);
    return STATUS_SUCCESS;
}

bool pnpsim__fx_bus_child_present(pnpsim__fx_device *pdo)
{
    pnpsim_system *sys = pdo->obj.sys;
    pnpsim__fx_pdo *p = pdo->pdo_data;
    bool present = false;
    pnpsim__lock(sys);
    if (p != NULL && pdo->parent != NULL && pdo->parent->bus != NULL &&
        !pdo->parent->bus->removing) {
        if (p->ids.child != NULL)
            present = p->ids.child->present;
        else if (p->is_static)
            present = !p->static_missing;
    }
    pnpsim__unlock(sys);
    return present;
}

/* ======================================================================================
 * BusRelations
 * ==================================================================================== */

void pnpsim__fx_bus_d0_entered(pnpsim__fx_device *fdo)
{
    pnpsim_system *sys = fdo->obj.sys;
    pnpsim__fx_bus *b = fdo->bus;
    ULONG done = 0;
    if (b == NULL)
        return;
    pnpsim__lock(sys);
    b->d0_scans++;
    pnpsim__unlock(sys);
    for (;;) {
        pnpsim__fx_childlist *l = NULL;
        ULONG i = 0;
        pnpsim__fx_call call;
        pnpsim__lock(sys);
        for (PLIST_ENTRY le = b->lists.Flink; le != &b->lists; le = le->Flink, i++) {
            pnpsim__fx_childlist *cl = CONTAINING_RECORD(le, pnpsim__fx_childlist, link);
            if (i >= done && cl->cfg.EvtChildListScanForChildren != NULL && !cl->obj.deleting) {
                l = cl;
                pnpsim__fx_ref(&l->obj);
                break;
            }
        }
        pnpsim__unlock(sys);
        if (l == NULL)
            return;
        done = i + 1;
        pnpsim__fx_trace(fdo, NULL, "EvtChildListScanForChildren (the parent entered D0)");
        pnpsim__fx_call_begin(sys, l->obj.driver, &call, "EvtChildListScanForChildren");
        l->cfg.EvtChildListScanForChildren((WDFCHILDLIST)l);
        pnpsim__fx_call_end(sys, &call);
        pnpsim__fx_unref(&l->obj);
    }
}

/* Create PDOs for present descriptions that have none (EvtChildListCreateDevice). A
 * failed creation drops the description: the child is not reported. */
static void create_new_children(pnpsim__fx_device *d, ULONG round)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_bus *b = d->bus;
    for (;;) {
        pnpsim__fx_childlist *l = NULL;
        pnpsim__fx_child *c = NULL;
        PWDFDEVICE_INIT init;
        pnpsim__fx_device *created;
        pnpsim__fx_call call;
        NTSTATUS status;

        pnpsim__lock(sys);
        for (PLIST_ENTRY le = b->lists.Flink; le != &b->lists && c == NULL; le = le->Flink) {
            pnpsim__fx_childlist *cl = CONTAINING_RECORD(le, pnpsim__fx_childlist, link);
            if (cl->obj.deleting)
                continue;
            for (PLIST_ENTRY e = cl->children.Flink; e != &cl->children; e = e->Flink) {
                pnpsim__fx_child *k = CONTAINING_RECORD(e, pnpsim__fx_child, link);
                if (k->present && k->pdo == NULL && !k->creating && k->tried_round != round) {
                    c = k;
                    l = cl;
                    c->creating = true;
                    c->tried_round = round;
                    pnpsim__fx_ref(&l->obj);
                    break;
                }
            }
        }
        pnpsim__unlock(sys);
        if (c == NULL)
            return;

        init = pnpsim__fx_pdo_init_new(sys, d, "EvtChildListCreateDevice");
        if (init == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            init->allocated = false; /* the framework's: freed below */
            init->pdo_init->child = c;
            pnpsim__fx_trace(d, NULL, "EvtChildListCreateDevice for a new child description");
            pnpsim__fx_call_begin(sys, l->obj.driver, &call, "EvtChildListCreateDevice");
            status = l->cfg.EvtChildListCreateDevice((WDFCHILDLIST)l, c->id, init);
            pnpsim__fx_call_end(sys, &call);
            created = init->created;
            if (NT_SUCCESS(status) && created == NULL)
                status = pnpsim__status(STATUS_UNSUCCESSFUL,
                                        "EvtChildListCreateDevice succeeded without calling "
                                        "WdfDeviceCreate");
            if (!NT_SUCCESS(status) && created != NULL)
                pnpsim__fx_device_delete(created);
            pnpsim__fx_init_free(init);
        }
        pnpsim__lock(sys);
        c->creating = false;
        if (!NT_SUCCESS(status) && c->pdo == NULL)
            RemoveEntryList(&c->link);
        pnpsim__unlock(sys);
        if (!NT_SUCCESS(status)) {
            pnpsim__fx_trace(d, &status, "EvtChildListCreateDevice failed: the child is not "
                                         "reported and its description is dropped");
            if (c->pdo == NULL)
                child_free(l, c);
        }
        pnpsim__fx_unref(&l->obj);
    }
}

/* A PDO the FDO may report: created, not being deleted. */
static bool reportable(pnpsim__fx_device *pdo)
{
    return pdo != NULL && pdo->self != NULL && !pdo->obj.deleting && pdo->pdo_data != NULL;
}

void pnpsim__fx_bus_relations(pnpsim__fx_device *d, PIRP irp)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_bus *b = d->bus;
    PDEVICE_RELATIONS prev = (PDEVICE_RELATIONS)irp->IoStatus.Information, rel;
    ULONG nprev = prev != NULL ? prev->Count : 0, n = 0, cap = 0, i;
    pnpsim__fx_device **report = NULL, **missing = NULL, **doomed = NULL;
    ULONG nmissing = 0, ndoomed = 0;
    LIST_ENTRY drop;
    ULONG round;

    if (b == NULL || b->removing)
        return;
    if (b->d0_scans == 0 && d->in_d0)
        pnpsim__fx_bus_d0_entered(d);
    pnpsim__lock(sys);
    round = ++b->round;
    pnpsim__unlock(sys);
    create_new_children(d, round);

    /* Count what may be reported (an upper bound), then collect. */
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = b->statics.Flink; e != &b->statics; e = e->Flink)
        cap++;
    for (PLIST_ENTRY le = b->lists.Flink; le != &b->lists; le = le->Flink) {
        pnpsim__fx_childlist *l = CONTAINING_RECORD(le, pnpsim__fx_childlist, link);
        for (PLIST_ENTRY e = l->children.Flink; e != &l->children; e = e->Flink)
            cap++;
    }
    pnpsim__unlock(sys);
    report = pnpsim__calloc(sys, cap + 1, sizeof(*report));
    missing = pnpsim__calloc(sys, cap + 1, sizeof(*missing));
    doomed = pnpsim__calloc(sys, cap + 1, sizeof(*doomed));
    rel = ExAllocatePool2(POOL_FLAG_PAGED,
                          sizeof(DEVICE_RELATIONS) + (nprev + cap) * sizeof(PDEVICE_OBJECT),
                          0x6C527846u /* "FxRl" */);
    if (report == NULL || missing == NULL || doomed == NULL || rel == NULL) {
        NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
        pnpsim__free(sys, report);
        pnpsim__free(sys, missing);
        pnpsim__free(sys, doomed);
        if (rel != NULL)
            ExFreePool(rel);
        pnpsim__fx_trace(d, &st, "BusRelations: out of memory; the children stay as they were");
        irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        return;
    }

    InitializeListHead(&drop);
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = b->statics.Flink; e != &b->statics && n < cap; e = e->Flink) {
        pnpsim__fx_static *s = CONTAINING_RECORD(e, pnpsim__fx_static, link);
        pnpsim__fx_pdo *p = s->pdo->pdo_data;
        if (!reportable(s->pdo))
            continue;
        if (!p->static_missing) {
            p->reported = true;
            report[n++] = s->pdo;
        } else {
            p->reported = false;
            if (!p->missing_notified) {
                p->missing_notified = true;
                missing[nmissing++] = s->pdo;
            }
            if (s->pdo->removed)
                doomed[ndoomed++] = s->pdo;
        }
    }
    for (PLIST_ENTRY le = b->lists.Flink; le != &b->lists; le = le->Flink) {
        pnpsim__fx_childlist *l = CONTAINING_RECORD(le, pnpsim__fx_childlist, link);
        PLIST_ENTRY e = l->children.Flink;
        while (e != &l->children) {
            pnpsim__fx_child *c = CONTAINING_RECORD(e, pnpsim__fx_child, link);
            e = e->Flink;
            if (c->present) {
                if (reportable(c->pdo) && n < cap) {
                    c->pdo->pdo_data->reported = true;
                    report[n++] = c->pdo;
                }
            } else if (c->pdo == NULL) {
                if (!c->creating) {
                    /* Never reported: nothing for the PnP manager to remove. */
                    RemoveEntryList(&c->link);
                    InsertTailList(&drop, &c->link);
                }
            } else if (c->pdo->pdo_data != NULL) {
                pnpsim__fx_pdo *p = c->pdo->pdo_data;
                p->reported = false;
                if (!p->missing_notified) {
                    p->missing_notified = true;
                    missing[nmissing++] = c->pdo;
                }
                if (c->pdo->removed)
                    doomed[ndoomed++] = c->pdo;
            }
        }
    }
    for (i = 0; i < n; i++)
        pnpsim__fx_ref(&report[i]->obj);
    for (i = 0; i < nmissing; i++)
        pnpsim__fx_ref(&missing[i]->obj);
    for (i = 0; i < ndoomed; i++)
        pnpsim__fx_ref(&doomed[i]->obj);
    pnpsim__unlock(sys);

    /* Keep what the drivers above reported, then ours, each referenced (WDM). */
    for (i = 0; i < nprev; i++)
        rel->Objects[i] = prev->Objects[i];
    for (i = 0; i < n; i++) {
        rel->Objects[nprev + i] = report[i]->self;
        ObReferenceObject(report[i]->self);
        pnpsim__fx_unref(&report[i]->obj);
    }
    rel->Count = nprev + n;
    if (prev != NULL)
        ExFreePool(prev);
    irp->IoStatus.Information = (ULONG_PTR)rel;
    irp->IoStatus.Status = STATUS_SUCCESS;
    pnpsim__fx_trace(d, NULL, "BusRelations: %lu child(ren) reported, %lu newly missing",
                     (unsigned long)n, (unsigned long)nmissing);

    for (i = 0; i < nmissing; i++) {
        pnpsim__fx_device *m = missing[i];
        PFN_WDF_DEVICE_REPORTED_MISSING cb =
            m->pdo_data != NULL ? m->pdo_data->ids.callbacks.EvtDeviceReportedMissing : NULL;
        if (cb != NULL) {
            pnpsim__fx_call call;
            pnpsim__fx_call_begin(sys, m->obj.driver, &call, "EvtDeviceReportedMissing");
            cb((WDFDEVICE)m);
            pnpsim__fx_call_end(sys, &call);
        }
        pnpsim__fx_unref(&m->obj);
    }
    /* A missing child whose PDO was already removed and whose device node is gone (an
     * ejected device) gets no further REMOVE: the framework deletes the PDO now. One
     * removed while present gets a second REMOVE from the PnP manager instead. */
    for (i = 0; i < ndoomed; i++) {
        pnpsim_device *dn = pnpsim__fx_devnode(doomed[i]);
        if (dn == NULL || pnpsim_device_get_state(dn) == PNPSIM_DEVICE_DELETED) {
            pnpsim__fx_trace(doomed[i], NULL, "the child is missing and its device node is "
                                              "gone (ejected): the framework deletes its PDO");
            pnpsim__fx_device_delete(doomed[i]);
        }
        pnpsim__fx_unref(&doomed[i]->obj);
    }
    while (!IsListEmpty(&drop)) {
        pnpsim__fx_child *c = CONTAINING_RECORD(RemoveHeadList(&drop), pnpsim__fx_child, link);
        child_free(c->list, c);
    }
    pnpsim__free(sys, report);
    pnpsim__free(sys, missing);
    pnpsim__free(sys, doomed);
}

/* ======================================================================================
 * Removal of the FDO
 * ==================================================================================== */

void pnpsim__fx_bus_removing(pnpsim__fx_device *d)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_bus *b = d->bus;
    if (b == NULL)
        return;
    pnpsim__lock(sys);
    b->removing = true;
    pnpsim__unlock(sys);
    /* The PnP manager removed the children first; the framework now deletes every PDO it
     * still has (present children included), then frees the descriptions. */
    for (;;) {
        pnpsim__fx_device *pdo = NULL;
        pnpsim__lock(sys);
        for (PLIST_ENTRY e = b->statics.Flink; e != &b->statics && pdo == NULL; e = e->Flink) {
            pnpsim__fx_static *s = CONTAINING_RECORD(e, pnpsim__fx_static, link);
            if (!s->pdo->obj.deleting)
                pdo = s->pdo;
        }
        for (PLIST_ENTRY le = b->lists.Flink; le != &b->lists && pdo == NULL; le = le->Flink) {
            pnpsim__fx_childlist *l = CONTAINING_RECORD(le, pnpsim__fx_childlist, link);
            for (PLIST_ENTRY e = l->children.Flink; e != &l->children; e = e->Flink) {
                pnpsim__fx_child *c = CONTAINING_RECORD(e, pnpsim__fx_child, link);
                if (c->pdo != NULL && !c->pdo->obj.deleting) {
                    pdo = c->pdo;
                    break;
                }
            }
        }
        if (pdo != NULL)
            pnpsim__fx_ref(&pdo->obj);
        pnpsim__unlock(sys);
        if (pdo == NULL)
            break;
        pnpsim__fx_device_delete(pdo);
        pnpsim__fx_unref(&pdo->obj);
    }
    for (PLIST_ENTRY le = b->lists.Flink; le != &b->lists; le = le->Flink) {
        pnpsim__fx_childlist *l = CONTAINING_RECORD(le, pnpsim__fx_childlist, link);
        for (;;) {
            pnpsim__fx_child *c = NULL;
            pnpsim__lock(sys);
            if (!IsListEmpty(&l->children)) {
                c = CONTAINING_RECORD(RemoveHeadList(&l->children), pnpsim__fx_child, link);
                if (c->pdo != NULL && c->pdo->pdo_data != NULL)
                    c->pdo->pdo_data->ids.child = NULL;
            }
            pnpsim__unlock(sys);
            if (c == NULL)
                break;
            child_free(l, c);
        }
    }
}

void pnpsim__fx_bus_destroy(pnpsim__fx_device *d)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_bus *b = d->bus;
    if (b == NULL)
        return;
    pnpsim__lock(sys);
    d->bus = NULL;
    while (!IsListEmpty(&b->lists)) {
        pnpsim__fx_childlist *l =
            CONTAINING_RECORD(RemoveHeadList(&b->lists), pnpsim__fx_childlist, link);
        l->linked = false;
    }
    while (!IsListEmpty(&b->statics)) {
        pnpsim__fx_static *s =
            CONTAINING_RECORD(RemoveHeadList(&b->statics), pnpsim__fx_static, link);
        if (s->pdo->pdo_data != NULL)
            s->pdo->pdo_data->is_static = false;
        pnpsim__unlock(sys);
        pnpsim__free(sys, s);
        pnpsim__lock(sys);
    }
    pnpsim__unlock(sys);
    pnpsim__free(sys, b);
}
