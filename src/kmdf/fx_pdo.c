/* SPDX-License-Identifier: MIT */
/*
 * This file implements the KMDF physical device objects a bus driver creates: the
 * WdfPdoInit* settings of a PDO's WDFDEVICE_INIT (IDs, device text, raw mode, PDO event
 * callbacks), the WdfPdo* methods, and the PnP answers the framework gives for a KMDF PDO
 * (IRP_MN_QUERY_ID, QUERY_DEVICE_TEXT, QUERY_CAPABILITIES, QUERY_RESOURCES,
 * QUERY_RESOURCE_REQUIREMENTS, EJECT, SET_LOCK, QUERY_DEVICE_RELATIONS(TargetDeviceRelation)),
 * answered as WDM bus drivers answer them: pool the PnP manager frees, status untouched when
 * there is nothing to say ("Enumerating the Devices on a Bus", KMDF "Creating Device Objects
 * in a Bus Driver").
 */
#include <string.h>

#include "fx_bus.h"

#define FX_PDO_TAG 0x6F507846u /* "FxPo" */

/* ======================================================================================
 * Strings
 * ==================================================================================== */

/* A NUL-terminated pnpsim__malloc'ed copy of s (validated by the caller). */
static WCHAR *dup_ustr(pnpsim_system *sys, PCUNICODE_STRING s)
{
    size_t n = s->Length / sizeof(WCHAR);
    WCHAR *w = pnpsim__malloc(sys, (n + 1) * sizeof(WCHAR));
    if (w == NULL)
        return NULL;
    if (n > 0)
        memcpy(w, s->Buffer, n * sizeof(WCHAR));
    w[n] = 0;
    return w;
}

static WCHAR *dup_wz(pnpsim_system *sys, const WCHAR *s)
{
    size_t n;
    WCHAR *w;
    if (s == NULL)
        return NULL;
    n = pnpsim__wcslen(s);
    w = pnpsim__malloc(sys, (n + 1) * sizeof(WCHAR));
    if (w != NULL)
        memcpy(w, s, (n + 1) * sizeof(WCHAR));
    return w;
}

/* A pool copy (owned by the PnP manager once handed over) of n WCHARs plus `extra` NULs. */
static WCHAR *pool_copy(const WCHAR *s, size_t n, size_t extra)
{
    WCHAR *w = ExAllocatePool2(POOL_FLAG_PAGED, (n + extra) * sizeof(WCHAR), FX_PDO_TAG);
    if (w == NULL)
        return NULL;
    if (n > 0)
        memcpy(w, s, n * sizeof(WCHAR));
    for (size_t i = 0; i < extra; i++)
        w[n + i] = 0;
    return w;
}

static void text_free_all(pnpsim_system *sys, pnpsim__fx_text *t)
{
    while (t != NULL) {
        pnpsim__fx_text *next = t->next;
        pnpsim__free(sys, t->description);
        pnpsim__free(sys, t->location);
        pnpsim__free(sys, t);
        t = next;
    }
}

static void ids_free(pnpsim_system *sys, struct pnpsim__fx_pdo_init *p)
{
    pnpsim__free(sys, p->device_id);
    pnpsim__free(sys, p->instance_id);
    pnpsim__free(sys, p->container_id);
    pnpsim__free(sys, p->hardware_ids);
    pnpsim__free(sys, p->compatible_ids);
    text_free_all(sys, p->texts);
    memset(p, 0, sizeof(*p));
}

/* Deep copy of src into dst (zeroed). False on out of memory (dst then freed). */
static bool ids_copy(pnpsim_system *sys, struct pnpsim__fx_pdo_init *dst,
                     const struct pnpsim__fx_pdo_init *src)
{
    pnpsim__fx_text **tail = &dst->texts;
    *dst = *src;
    dst->device_id = dst->instance_id = dst->container_id = NULL;
    dst->hardware_ids = dst->compatible_ids = NULL;
    dst->texts = NULL;
    dst->device_id = dup_wz(sys, src->device_id);
    dst->instance_id = dup_wz(sys, src->instance_id);
    dst->container_id = dup_wz(sys, src->container_id);
    if (src->hardware_chars > 0) {
        dst->hardware_ids = pnpsim__malloc(sys, src->hardware_chars * sizeof(WCHAR));
        if (dst->hardware_ids != NULL)
            memcpy(dst->hardware_ids, src->hardware_ids, src->hardware_chars * sizeof(WCHAR));
    }
    if (src->compatible_chars > 0) {
        dst->compatible_ids = pnpsim__malloc(sys, src->compatible_chars * sizeof(WCHAR));
        if (dst->compatible_ids != NULL)
            memcpy(dst->compatible_ids, src->compatible_ids,
                   src->compatible_chars * sizeof(WCHAR));
    }
    if ((src->device_id != NULL && dst->device_id == NULL) ||
        (src->instance_id != NULL && dst->instance_id == NULL) ||
        (src->container_id != NULL && dst->container_id == NULL) ||
        (src->hardware_chars > 0 && dst->hardware_ids == NULL) ||
        (src->compatible_chars > 0 && dst->compatible_ids == NULL))
        goto oom;
    for (const pnpsim__fx_text *t = src->texts; t != NULL; t = t->next) {
        pnpsim__fx_text *c = pnpsim__calloc(sys, 1, sizeof(*c));
        if (c == NULL)
            goto oom;
        *tail = c;
        tail = &c->next;
        c->locale = t->locale;
        c->description = dup_wz(sys, t->description);
        c->location = dup_wz(sys, t->location);
        if (c->description == NULL || (t->location != NULL && c->location == NULL))
            goto oom;
    }
    return true;
oom:
    ids_free(sys, dst);
    return false;
}

/* ======================================================================================
 * WDFDEVICE_INIT of a PDO
 * ==================================================================================== */

PWDFDEVICE_INIT pnpsim__fx_pdo_init_new(pnpsim_system *sys, pnpsim__fx_device *parent,
                                        const char *ddi)
{
    PWDFDEVICE_INIT init = pnpsim__calloc(sys, 1, sizeof(*init));
    if (init == NULL) {
        pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
        return NULL;
    }
    init->pdo_init = pnpsim__calloc(sys, 1, sizeof(*init->pdo_init));
    if (init->pdo_init == NULL) {
        pnpsim__free(sys, init);
        pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
        return NULL;
    }
    init->magic = PNPSIM__FX_INIT_MAGIC;
    init->sys = sys;
    init->driver = parent->obj.driver;
    init->is_pdo = true;
    init->allocated = true;
    init->parent = parent;
    init->io_type = WdfDeviceIoBuffered;
    init->device_type = FILE_DEVICE_UNKNOWN;
    init->characteristics = FILE_AUTOGENERATED_DEVICE_NAME | FILE_DEVICE_SECURE_OPEN;
    return init;
}

void pnpsim__fx_pdo_init_free(PWDFDEVICE_INIT init)
{
    if (init == NULL || init->pdo_init == NULL)
        return;
    ids_free(init->sys, init->pdo_init);
    pnpsim__free(init->sys, init->pdo_init);
    init->pdo_init = NULL;
}

/* Windows behaviour: "WdfPdoInitAllocate": a bus driver allocates a WDFDEVICE_INIT for a
 * new PDO (static children; EvtChildListCreateDevice gets one from the framework); NULL on
 * failure; IRQL PASSIVE_LEVEL. The init is freed by a successful WdfDeviceCreate, else by
 * WdfDeviceInitFree.
 * Simulation: ParentDevice must be an FDO (a PDO parent is reported as KmdfWrongState and
 * NULL returned). Fault point "WdfPdoInitAllocate". */
WDFAPI PWDFDEVICE_INIT WdfPdoInitAllocate(WDFDEVICE ParentDevice)
{
    static const char ddi[] = "WdfPdoInitAllocate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *parent;
    NTSTATUS status;
    if (sys == NULL || pnpsim__fault_ddi(sys, ddi, &status))
        return NULL;
    parent = (pnpsim__fx_device *)pnpsim__fx_get(ParentDevice, PNPSIM_FX_DEVICE, ddi);
    if (parent == NULL || !pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return NULL;
    if (parent->is_pdo) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)ParentDevice, 0,
                             "%s: the parent device %p is a PDO; a child's parent must be a "
                             "bus driver's FDO",
                             ddi, ParentDevice);
        return NULL;
    }
    return pnpsim__fx_pdo_init_new(sys, parent, ddi);
}

/* Common checks of the WdfPdoInit* methods: a valid PDO init at PASSIVE_LEVEL. */
static struct pnpsim__fx_pdo_init *pdo_init_of(pnpsim_system *sys, PWDFDEVICE_INIT init,
                                               const char *ddi, NTSTATUS *status)
{
    *status = STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_init_check(sys, init, ddi))
        return NULL;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi)) {
        *status = STATUS_INVALID_DEVICE_REQUEST;
        return NULL;
    }
    if (!init->is_pdo || init->pdo_init == NULL) {
        *status = pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                                 "%s: the WDFDEVICE_INIT is not a PDO's (WdfPdoInitAllocate "
                                 "or EvtChildListCreateDevice)",
                                 ddi);
        return NULL;
    }
    *status = STATUS_SUCCESS;
    return init->pdo_init;
}

/* A string parameter: non-NULL (0x10D/0x4), well formed, not empty. */
static bool string_ok(pnpsim_system *sys, PCUNICODE_STRING s, const char *what, const char *ddi,
                      NTSTATUS *status)
{
    if (!pnpsim__fx_check_ptr(sys, s, what, ddi)) {
        *status = STATUS_INVALID_PARAMETER;
        return false;
    }
    if (!pnpsim__ustr_valid(s) || s->Length == 0) {
        *status = pnpsim__status(STATUS_INVALID_PARAMETER, "%s: %s is not a valid non-empty "
                                 "UNICODE_STRING", ddi, what);
        return false;
    }
    return true;
}

static NTSTATUS assign_one(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING s, const char *what,
                           const char *ddi, size_t field)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    struct pnpsim__fx_pdo_init *p;
    NTSTATUS status;
    WCHAR *copy, **slot;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    p = pdo_init_of(sys, DeviceInit, ddi, &status);
    if (p == NULL || !string_ok(sys, s, what, ddi, &status))
        return status;
    copy = dup_ustr(sys, s);
    if (copy == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    slot = (WCHAR **)((char *)p + field);
    pnpsim__free(sys, *slot);
    *slot = copy;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfPdoInitAssignDeviceID": the device ID the PDO reports for
 * IRP_MN_QUERY_ID(BusQueryDeviceID); PASSIVE_LEVEL; STATUS_INSUFFICIENT_RESOURCES.
 * Simulation: a second call replaces the first. */
WDFAPI NTSTATUS WdfPdoInitAssignDeviceID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceID)
{
    return assign_one(DeviceInit, DeviceID, "DeviceID", "WdfPdoInitAssignDeviceID",
                      offsetof(struct pnpsim__fx_pdo_init, device_id));
}

/* Windows behaviour: "WdfPdoInitAssignInstanceID": the instance ID (BusQueryInstanceID). */
WDFAPI NTSTATUS WdfPdoInitAssignInstanceID(PWDFDEVICE_INIT DeviceInit,
                                           PCUNICODE_STRING InstanceID)
{
    return assign_one(DeviceInit, InstanceID, "InstanceID", "WdfPdoInitAssignInstanceID",
                      offsetof(struct pnpsim__fx_pdo_init, instance_id));
}

/* Windows behaviour: "WdfPdoInitAssignContainerID": the container ID (BusQueryContainerID,
 * KMDF 1.11). */
WDFAPI NTSTATUS WdfPdoInitAssignContainerID(PWDFDEVICE_INIT DeviceInit,
                                            PCUNICODE_STRING ContainerID)
{
    return assign_one(DeviceInit, ContainerID, "ContainerID", "WdfPdoInitAssignContainerID",
                      offsetof(struct pnpsim__fx_pdo_init, container_id));
}

static NTSTATUS add_multi(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING s, const char *what,
                          const char *ddi, bool hardware)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    struct pnpsim__fx_pdo_init *p;
    NTSTATUS status;
    WCHAR **buf;
    size_t *chars, n;
    WCHAR *grown;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    p = pdo_init_of(sys, DeviceInit, ddi, &status);
    if (p == NULL || !string_ok(sys, s, what, ddi, &status))
        return status;
    buf = hardware ? &p->hardware_ids : &p->compatible_ids;
    chars = hardware ? &p->hardware_chars : &p->compatible_chars;
    n = s->Length / sizeof(WCHAR);
    grown = pnpsim__realloc(sys, *buf, (*chars + n + 1) * sizeof(WCHAR));
    if (grown == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    memcpy(grown + *chars, s->Buffer, n * sizeof(WCHAR));
    grown[*chars + n] = 0;
    *buf = grown;
    *chars += n + 1;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfPdoInitAddHardwareID": appends to the hardware ID list
 * (BusQueryHardwareIDs, most specific first, the order of the calls). */
WDFAPI NTSTATUS WdfPdoInitAddHardwareID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING HardwareID)
{
    return add_multi(DeviceInit, HardwareID, "HardwareID", "WdfPdoInitAddHardwareID", true);
}

/* Windows behaviour: "WdfPdoInitAddCompatibleID": appends to the compatible ID list. */
WDFAPI NTSTATUS WdfPdoInitAddCompatibleID(PWDFDEVICE_INIT DeviceInit,
                                          PCUNICODE_STRING CompatibleID)
{
    return add_multi(DeviceInit, CompatibleID, "CompatibleID", "WdfPdoInitAddCompatibleID",
                     false);
}

/* Windows behaviour: "WdfPdoInitAddDeviceText": a description and location for one locale,
 * answered for IRP_MN_QUERY_DEVICE_TEXT with that LocaleId; DeviceLocation is optional in
 * the docs' example only as a string. PASSIVE_LEVEL.
 * Simulation: DeviceDescription is required; DeviceLocation may be NULL (no location text).
 * A second call for the same locale replaces the first (undocumented). */
WDFAPI NTSTATUS WdfPdoInitAddDeviceText(PWDFDEVICE_INIT DeviceInit,
                                        PCUNICODE_STRING DeviceDescription,
                                        PCUNICODE_STRING DeviceLocation, LCID LocaleId)
{
    static const char ddi[] = "WdfPdoInitAddDeviceText";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    struct pnpsim__fx_pdo_init *p;
    pnpsim__fx_text *t, **pp;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    p = pdo_init_of(sys, DeviceInit, ddi, &status);
    if (p == NULL || !string_ok(sys, DeviceDescription, "DeviceDescription", ddi, &status))
        return status;
    if (DeviceLocation != NULL && !string_ok(sys, DeviceLocation, "DeviceLocation", ddi, &status))
        return status;
    t = pnpsim__calloc(sys, 1, sizeof(*t));
    if (t == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    t->locale = LocaleId;
    t->description = dup_ustr(sys, DeviceDescription);
    t->location = DeviceLocation != NULL ? dup_ustr(sys, DeviceLocation) : NULL;
    if (t->description == NULL || (DeviceLocation != NULL && t->location == NULL)) {
        text_free_all(sys, t);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    }
    for (pp = &p->texts; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->locale == LocaleId) {
            pnpsim__fx_text *old = *pp;
            t->next = old->next;
            old->next = NULL;
            *pp = t;
            text_free_all(sys, old);
            return STATUS_SUCCESS;
        }
    }
    *pp = t;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfPdoInitSetDefaultLocale": the locale whose text is answered when
 * IRP_MN_QUERY_DEVICE_TEXT asks for a locale the driver gave no text for. */
WDFAPI VOID WdfPdoInitSetDefaultLocale(PWDFDEVICE_INIT DeviceInit, LCID LocaleId)
{
    static const char ddi[] = "WdfPdoInitSetDefaultLocale";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    struct pnpsim__fx_pdo_init *p;
    NTSTATUS status;
    if (sys == NULL)
        return;
    p = pdo_init_of(sys, DeviceInit, ddi, &status);
    if (p == NULL)
        return;
    p->default_locale = LocaleId;
    p->default_locale_set = true;
}

/* Windows behaviour: "WdfPdoInitAssignRawDevice": the PDO can run without a function
 * driver (raw mode: DEVICE_CAPABILITIES.RawDeviceOK); DeviceClassGuid names its setup
 * class; PASSIVE_LEVEL. */
WDFAPI NTSTATUS WdfPdoInitAssignRawDevice(PWDFDEVICE_INIT DeviceInit, const GUID *DeviceClassGuid)
{
    static const char ddi[] = "WdfPdoInitAssignRawDevice";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    struct pnpsim__fx_pdo_init *p;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    p = pdo_init_of(sys, DeviceInit, ddi, &status);
    if (p == NULL)
        return status;
    if (!pnpsim__fx_check_ptr(sys, DeviceClassGuid, "DeviceClassGuid", ddi))
        return STATUS_INVALID_PARAMETER;
    p->raw = true;
    p->raw_class = *DeviceClassGuid;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfPdoInitSetEventCallbacks": the PDO's event callbacks
 * (WDF_PDO_EVENT_CALLBACKS); PASSIVE_LEVEL.
 * Simulation: a wrong Size is reported as KmdfWrongState and the call ignored. */
WDFAPI VOID WdfPdoInitSetEventCallbacks(PWDFDEVICE_INIT DeviceInit,
                                        PWDF_PDO_EVENT_CALLBACKS DispatchTable)
{
    static const char ddi[] = "WdfPdoInitSetEventCallbacks";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    struct pnpsim__fx_pdo_init *p;
    NTSTATUS status;
    if (sys == NULL)
        return;
    p = pdo_init_of(sys, DeviceInit, ddi, &status);
    if (p == NULL || !pnpsim__fx_check_ptr(sys, DispatchTable, "DispatchTable", ddi))
        return;
    if (DispatchTable->Size != sizeof(WDF_PDO_EVENT_CALLBACKS)) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE, 0,
                             DispatchTable->Size, "%s: DispatchTable->Size is %lu, expected %lu",
                             ddi, (unsigned long)DispatchTable->Size,
                             (unsigned long)sizeof(WDF_PDO_EVENT_CALLBACKS));
        return;
    }
    p->callbacks = *DispatchTable;
    p->callbacks_set = true;
}

/* Windows behaviour: "WdfPdoInitAllowForwardingRequestToParent" (KMDF 1.9): lets the PDO's
 * queues forward requests to the parent's with WdfRequestForwardToParentDeviceIoQueue.
 * Simulation: not modelled. */
WDFAPI VOID WdfPdoInitAllowForwardingRequestToParent(PWDFDEVICE_INIT DeviceInit)
{
    (void)DeviceInit;
    pnpsim__fx_not_implemented_void("WdfPdoInitAllowForwardingRequestToParent");
}

/* ======================================================================================
 * Hooks: creation, destruction, removal
 * ==================================================================================== */

NTSTATUS pnpsim__fx_pdo_created(pnpsim__fx_device *d, PWDFDEVICE_INIT init)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_pdo *p;
    if (init->pdo_init == NULL)
        return STATUS_SUCCESS;
    if (init->pdo_init->device_id == NULL)
        /* KMDF refuses a PDO without a device ID: the PnP manager could not name it. */
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "WdfDeviceCreate: the PDO has no device ID "
                              "(WdfPdoInitAssignDeviceID was not called)");
    p = pnpsim__calloc(sys, 1, sizeof(*p));
    if (p == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "WdfDeviceCreate: out of memory");
    if (!ids_copy(sys, &p->ids, init->pdo_init)) {
        pnpsim__free(sys, p);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "WdfDeviceCreate: out of memory");
    }
    /* The parent's memory stays until this PDO is destroyed (the PDO's bookkeeping points
     * into the parent's bus record). */
    if (d->parent != NULL)
        pnpsim__fx_ref(&d->parent->obj);
    pnpsim__lock(sys);
    d->pdo_data = p;
    if (p->ids.child != NULL)
        p->ids.child->pdo = d;
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

void pnpsim__fx_pdo_destroy(pnpsim__fx_device *d)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_pdo *p = d->pdo_data;
    if (p == NULL)
        return;
    pnpsim__fx_bus_pdo_gone(d);
    pnpsim__lock(sys);
    d->pdo_data = NULL;
    pnpsim__unlock(sys);
    ids_free(sys, &p->ids);
    pnpsim__free(sys, p);
    if (d->parent != NULL)
        pnpsim__fx_unref(&d->parent->obj);
}

bool pnpsim__fx_pdo_remove_deletes(pnpsim__fx_device *d)
{
    /* "Power-Down and Removal Sequence for a Bus Driver": the framework deletes the PDO
     * once the device is physically gone (reported missing) or its parent goes; a PDO
     * still present survives IRP_MN_REMOVE_DEVICE and can be started again. */
    if (d->pdo_data == NULL)
        return true;
    return !pnpsim__fx_bus_child_present(d);
}

/* ======================================================================================
 * PnP answers of a KMDF PDO
 * ==================================================================================== */

static NTSTATUS answer_id(pnpsim__fx_device *d, PIRP irp, PIO_STACK_LOCATION sp)
{
    struct pnpsim__fx_pdo_init *p = &d->pdo_data->ids;
    const WCHAR *one = NULL;
    WCHAR *w;
    switch (sp->Parameters.QueryId.IdType) {
    case BusQueryDeviceID:
        one = p->device_id;
        break;
    case BusQueryInstanceID:
        one = p->instance_id;
        break;
    case BusQueryContainerID:
        one = p->container_id;
        break;
    case BusQueryHardwareIDs:
    case BusQueryCompatibleIDs: {
        bool hw = sp->Parameters.QueryId.IdType == BusQueryHardwareIDs;
        size_t n = hw ? p->hardware_chars : p->compatible_chars;
        if (n == 0)
            return irp->IoStatus.Status;
        w = pool_copy(hw ? p->hardware_ids : p->compatible_ids, n, 1);
        if (w == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        irp->IoStatus.Information = (ULONG_PTR)w;
        return STATUS_SUCCESS;
    }
    default:
        return irp->IoStatus.Status;
    }
    if (one == NULL)
        return irp->IoStatus.Status; /* nothing assigned: the status it came with */
    w = pool_copy(one, pnpsim__wcslen(one), 1);
    if (w == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    irp->IoStatus.Information = (ULONG_PTR)w;
    return STATUS_SUCCESS;
}

static NTSTATUS answer_text(pnpsim__fx_device *d, PIRP irp, PIO_STACK_LOCATION sp)
{
    struct pnpsim__fx_pdo_init *p = &d->pdo_data->ids;
    const pnpsim__fx_text *t, *hit = NULL, *dflt = NULL;
    const WCHAR *s;
    WCHAR *w;
    for (t = p->texts; t != NULL; t = t->next) {
        if (t->locale == sp->Parameters.QueryDeviceText.LocaleId && hit == NULL)
            hit = t;
        if (p->default_locale_set && t->locale == p->default_locale && dflt == NULL)
            dflt = t;
    }
    if (hit == NULL)
        hit = dflt;
    if (hit == NULL)
        return irp->IoStatus.Status;
    if (sp->Parameters.QueryDeviceText.DeviceTextType == DeviceTextDescription)
        s = hit->description;
    else if (sp->Parameters.QueryDeviceText.DeviceTextType == DeviceTextLocationInformation)
        s = hit->location;
    else
        s = NULL;
    if (s == NULL)
        return irp->IoStatus.Status;
    w = pool_copy(s, pnpsim__wcslen(s), 1);
    if (w == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    irp->IoStatus.Information = (ULONG_PTR)w;
    return STATUS_SUCCESS;
}

static void tri(WDF_TRI_STATE v, ULONG *bit_value)
{
    if (v != WdfUseDefault)
        *bit_value = v == WdfTrue ? 1 : 0;
}

static NTSTATUS answer_caps(pnpsim__fx_device *d, PIO_STACK_LOCATION sp)
{
    PDEVICE_CAPABILITIES c = sp->Parameters.DeviceCapabilities.Capabilities;
    ULONG v;
    if (c == NULL || c->Version != 1 || c->Size < sizeof(DEVICE_CAPABILITIES))
        return STATUS_UNSUCCESSFUL;
    /* KMDF's PDO: the system states map to D0 in S0 and D3 elsewhere unless the driver set
     * power capabilities; WdfDeviceSetPnpCapabilities values override the pre-filled ones
     * (WdfUseDefault leaves them). */
    for (int s = PowerSystemWorking; s < PowerSystemMaximum; s++) {
        if (c->DeviceState[s] == PowerDeviceUnspecified)
            c->DeviceState[s] = s == PowerSystemWorking ? PowerDeviceD0 : PowerDeviceD3;
    }
    if (d->pnp_caps_set) {
        const WDF_DEVICE_PNP_CAPABILITIES *w = &d->pnp_caps;
#define PNPSIM_FX_CAP(field)     \
    v = c->field;                \
    tri(w->field, &v);           \
    c->field = v ? 1 : 0
        PNPSIM_FX_CAP(LockSupported);
        PNPSIM_FX_CAP(EjectSupported);
        PNPSIM_FX_CAP(Removable);
        PNPSIM_FX_CAP(DockDevice);
        PNPSIM_FX_CAP(UniqueID);
        PNPSIM_FX_CAP(SilentInstall);
        PNPSIM_FX_CAP(SurpriseRemovalOK);
        PNPSIM_FX_CAP(HardwareDisabled);
        PNPSIM_FX_CAP(NoDisplayInUI);
#undef PNPSIM_FX_CAP
        if (w->Address != (ULONG)-1)
            c->Address = w->Address;
        if (w->UINumber != (ULONG)-1)
            c->UINumber = w->UINumber;
    }
    if (d->pdo_data->ids.raw)
        c->RawDeviceOK = 1;
    return STATUS_SUCCESS;
}

/* A short-lived framework object handed to a resource callback (WDFCMRESLIST /
 * WDFIORESREQLIST): empty, since simulated PDOs have no hardware resources. */
typedef struct fx_reslist {
    pnpsim__fx_object obj;
} fx_reslist;
static const pnpsim__fx_ops cmres_ops = {"WDFCMRESLIST", NULL, NULL, true};
static const pnpsim__fx_ops ioreq_ops = {"WDFIORESREQLIST", NULL, NULL, true};

static NTSTATUS call_resource_callback(pnpsim__fx_device *d, PIRP irp, bool requirements)
{
    pnpsim_system *sys = d->obj.sys;
    const WDF_PDO_EVENT_CALLBACKS *cb = &d->pdo_data->ids.callbacks;
    fx_reslist *l;
    pnpsim__fx_call call;
    NTSTATUS status;
    if (requirements ? cb->EvtDeviceResourceRequirementsQuery == NULL
                     : cb->EvtDeviceResourcesQuery == NULL)
        return irp->IoStatus.Status; /* no resources: the status it came with */
    l = pnpsim__calloc(sys, 1, sizeof(*l));
    if (l == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = pnpsim__fx_object_init(sys, &l->obj,
                                    requirements ? PNPSIM_FX_IORESREQLIST : PNPSIM_FX_CMRESLIST,
                                    requirements ? &ioreq_ops : &cmres_ops, d->obj.driver,
                                    &d->obj, NULL, "IRP_MN_QUERY_RESOURCES");
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, l);
        return status;
    }
    pnpsim__fx_call_begin(sys, d->obj.driver, &call,
                          requirements ? "EvtDeviceResourceRequirementsQuery"
                                       : "EvtDeviceResourcesQuery");
    if (requirements)
        status = cb->EvtDeviceResourceRequirementsQuery((WDFDEVICE)d, (WDFIORESREQLIST)l);
    else
        status = cb->EvtDeviceResourcesQuery((WDFDEVICE)d, (WDFCMRESLIST)l);
    pnpsim__fx_call_end(sys, &call);
    pnpsim__fx_trace(d, &status, "%s returned",
                     requirements ? "EvtDeviceResourceRequirementsQuery"
                                  : "EvtDeviceResourcesQuery");
    pnpsim__fx_object_delete(&l->obj);
    if (NT_SUCCESS(status))
        irp->IoStatus.Information = 0; /* the list stays empty: no resources */
    return status;
}

/* A PDO event callback returning NTSTATUS; none registered: STATUS_SUCCESS. */
static NTSTATUS call_simple(pnpsim__fx_device *d, const char *what, PFN_WDF_DEVICE_EJECT eject,
                            PFN_WDF_DEVICE_SET_LOCK set_lock, BOOLEAN locked)
{
    pnpsim__fx_call call;
    NTSTATUS status = STATUS_SUCCESS;
    if (eject == NULL && set_lock == NULL)
        return STATUS_SUCCESS;
    pnpsim__fx_call_begin(d->obj.sys, d->obj.driver, &call, what);
    status = eject != NULL ? eject((WDFDEVICE)d) : set_lock((WDFDEVICE)d, locked);
    pnpsim__fx_call_end(d->obj.sys, &call);
    pnpsim__fx_trace(d, &status, "%s returned", what);
    return status;
}

bool pnpsim__fx_pdo_pnp(pnpsim__fx_device *d, PIRP irp, NTSTATUS *status)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    if (d->pdo_data == NULL)
        return false;
    switch (sp->MinorFunction) {
    case IRP_MN_QUERY_ID:
        *status = answer_id(d, irp, sp);
        return true;
    case IRP_MN_QUERY_DEVICE_TEXT:
        *status = answer_text(d, irp, sp);
        return true;
    case IRP_MN_QUERY_CAPABILITIES:
        *status = answer_caps(d, sp);
        return true;
    case IRP_MN_QUERY_BUS_INFORMATION:
        /* No WdfDeviceSetBusInformationForChildren: the status it came with. */
        *status = irp->IoStatus.Status;
        return true;
    case IRP_MN_QUERY_RESOURCES:
        *status = call_resource_callback(d, irp, false);
        return true;
    case IRP_MN_QUERY_RESOURCE_REQUIREMENTS:
        *status = call_resource_callback(d, irp, true);
        return true;
    case IRP_MN_EJECT:
        *status = call_simple(d, "EvtDeviceEject", d->pdo_data->ids.callbacks.EvtDeviceEject,
                              NULL, FALSE);
        /* KMDF marks an ejected child missing so the next BusRelations leaves it out. */
        if (NT_SUCCESS(*status))
            pnpsim__fx_bus_mark_missing(d);
        return true;
    case IRP_MN_SET_LOCK:
        *status = call_simple(d, "EvtDeviceSetLock", NULL,
                              d->pdo_data->ids.callbacks.EvtDeviceSetLock,
                              sp->Parameters.SetLock.Lock);
        return true;
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (sp->Parameters.QueryDeviceRelations.Type == TargetDeviceRelation) {
            PDEVICE_RELATIONS rel = ExAllocatePool2(POOL_FLAG_PAGED, sizeof(DEVICE_RELATIONS),
                                                    FX_PDO_TAG);
            if (rel == NULL) {
                *status = STATUS_INSUFFICIENT_RESOURCES;
                return true;
            }
            rel->Count = 1;
            rel->Objects[0] = d->self;
            ObReferenceObject(d->self);
            irp->IoStatus.Information = (ULONG_PTR)rel;
            *status = STATUS_SUCCESS;
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* ======================================================================================
 * PDO methods
 * ==================================================================================== */

/* A WDFDEVICE that must be a PDO (else KmdfWrongState and NULL). */
static pnpsim__fx_device *pdo_of(pnpsim_system *sys, WDFDEVICE Device, const char *ddi)
{
    pnpsim__fx_device *d = (pnpsim__fx_device *)pnpsim__fx_get(Device, PNPSIM_FX_DEVICE, ddi);
    if (d == NULL)
        return NULL;
    if (!d->is_pdo || d->pdo_data == NULL) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)Device, 0, "%s: device %p is not a PDO", ddi, Device);
        return NULL;
    }
    return d;
}

/* Windows behaviour: "WdfPdoMarkMissing": the device is no longer present; the framework
 * reports it missing at the next BusRelations. STATUS_SUCCESS, or an error when the PDO's
 * child list entry cannot be found; IRQL <= DISPATCH_LEVEL. Works for static children and
 * dynamic ones alike. */
WDFAPI NTSTATUS WdfPdoMarkMissing(WDFDEVICE Device)
{
    static const char ddi[] = "WdfPdoMarkMissing";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    d = pdo_of(sys, Device, ddi);
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    return pnpsim__fx_bus_mark_missing(d);
}

/* Windows behaviour: "WdfPdoRequestEject": asks the PnP manager to eject the device
 * (IoRequestDeviceEject); IRQL <= DISPATCH_LEVEL. */
WDFAPI VOID WdfPdoRequestEject(WDFDEVICE Device)
{
    static const char ddi[] = "WdfPdoRequestEject";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    if (sys == NULL)
        return;
    d = pdo_of(sys, Device, ddi);
    if (d == NULL || !pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return;
    pnpsim__fx_trace(d, NULL, "WdfPdoRequestEject: IoRequestDeviceEject");
    IoRequestDeviceEject(d->self);
}

/* Windows behaviour: "WdfPdoGetParent": the parent FDO of a PDO; IRQL <= DISPATCH_LEVEL. */
WDFAPI WDFDEVICE WdfPdoGetParent(WDFDEVICE Device)
{
    static const char ddi[] = "WdfPdoGetParent";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    if (sys == NULL)
        return NULL;
    d = pdo_of(sys, Device, ddi);
    if (d == NULL || !pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return (WDFDEVICE)d->parent;
}

/* Windows behaviour: "WdfPdoRetrieveIdentificationDescription": copies the PDO's
 * identification description (dynamic children only) into the caller's buffer, through
 * EvtChildListIdentificationDescriptionCopy when set; STATUS_INVALID_DEVICE_REQUEST for a
 * static child; STATUS_INVALID_PARAMETER for a size mismatch; IRQL <= DISPATCH_LEVEL. */
WDFAPI NTSTATUS WdfPdoRetrieveIdentificationDescription(
    WDFDEVICE Device, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription)
{
    static const char ddi[] = "WdfPdoRetrieveIdentificationDescription";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    pnpsim__fx_child *c;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    d = pdo_of(sys, Device, ddi);
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, IdentificationDescription, "IdentificationDescription", ddi))
        return STATUS_INVALID_PARAMETER;
    c = d->pdo_data->ids.child;
    if (c == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: the PDO is a static child (no description)", ddi);
    if (IdentificationDescription->IdentificationDescriptionSize !=
        c->list->cfg.IdentificationDescriptionSize)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: IdentificationDescriptionSize %lu, the list's is %lu", ddi,
                              (unsigned long)IdentificationDescription->IdentificationDescriptionSize,
                              (unsigned long)c->list->cfg.IdentificationDescriptionSize);
    if (c->list->cfg.EvtChildListIdentificationDescriptionCopy != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(sys, c->list->obj.driver, &call,
                              "EvtChildListIdentificationDescriptionCopy");
        c->list->cfg.EvtChildListIdentificationDescriptionCopy((WDFCHILDLIST)c->list, c->id,
                                                               IdentificationDescription);
        pnpsim__fx_call_end(sys, &call);
    } else {
        memcpy(IdentificationDescription, c->id, c->list->cfg.IdentificationDescriptionSize);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS address_op(WDFDEVICE Device, PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER a,
                           const char *ddi, bool update)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    pnpsim__fx_child *c;
    pnpsim__fx_childlist *l;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    d = pdo_of(sys, Device, ddi);
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, a, "AddressDescription", ddi))
        return STATUS_INVALID_PARAMETER;
    c = d->pdo_data->ids.child;
    if (c == NULL || c->addr == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: the PDO has no address description", ddi);
    l = c->list;
    if (a->AddressDescriptionSize != l->cfg.AddressDescriptionSize)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: AddressDescriptionSize %lu, the list's is %lu", ddi,
                              (unsigned long)a->AddressDescriptionSize,
                              (unsigned long)l->cfg.AddressDescriptionSize);
    if (update && l->cfg.EvtChildListAddressDescriptionCleanup != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(sys, l->obj.driver, &call, "EvtChildListAddressDescriptionCleanup");
        l->cfg.EvtChildListAddressDescriptionCleanup((WDFCHILDLIST)l, c->addr);
        pnpsim__fx_call_end(sys, &call);
    }
    if (update && l->cfg.EvtChildListAddressDescriptionDuplicate != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(sys, l->obj.driver, &call,
                              "EvtChildListAddressDescriptionDuplicate");
        status = l->cfg.EvtChildListAddressDescriptionDuplicate((WDFCHILDLIST)l, a, c->addr);
        pnpsim__fx_call_end(sys, &call);
        return status;
    }
    if (l->cfg.EvtChildListAddressDescriptionCopy != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(sys, l->obj.driver, &call, "EvtChildListAddressDescriptionCopy");
        if (update)
            l->cfg.EvtChildListAddressDescriptionCopy((WDFCHILDLIST)l, a, c->addr);
        else
            l->cfg.EvtChildListAddressDescriptionCopy((WDFCHILDLIST)l, c->addr, a);
        pnpsim__fx_call_end(sys, &call);
    } else if (update) {
        memcpy(c->addr, a, l->cfg.AddressDescriptionSize);
    } else {
        memcpy(a, c->addr, l->cfg.AddressDescriptionSize);
    }
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfPdoRetrieveAddressDescription": copies the PDO's address
 * description; STATUS_INVALID_DEVICE_REQUEST when the child has none (static child, or a
 * list without address descriptions); IRQL <= DISPATCH_LEVEL. */
WDFAPI NTSTATUS WdfPdoRetrieveAddressDescription(WDFDEVICE Device,
                                                 PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER AddressDescription)
{
    return address_op(Device, AddressDescription, "WdfPdoRetrieveAddressDescription", false);
}

/* Windows behaviour: "WdfPdoUpdateAddressDescription": replaces the PDO's address
 * description (cleanup of the old one, then duplicate/copy of the new one). */
WDFAPI NTSTATUS WdfPdoUpdateAddressDescription(WDFDEVICE Device,
                                               PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER AddressDescription)
{
    return address_op(Device, AddressDescription, "WdfPdoUpdateAddressDescription", true);
}

/* Windows behaviour: "WdfPdoAddEjectionRelationsPhysicalDevice" and friends (KMDF 1.9):
 * devices ejected with this PDO (IRP_MN_QUERY_DEVICE_RELATIONS(EjectionRelations)).
 * Simulation: ejection relations are not modelled by the PnP manager. */
WDFAPI NTSTATUS WdfPdoAddEjectionRelationsPhysicalDevice(WDFDEVICE Device,
                                                         PDEVICE_OBJECT PhysicalDevice)
{
    (void)Device;
    (void)PhysicalDevice;
    return pnpsim__fx_not_implemented("WdfPdoAddEjectionRelationsPhysicalDevice");
}

WDFAPI VOID WdfPdoRemoveEjectionRelationsPhysicalDevice(WDFDEVICE Device,
                                                        PDEVICE_OBJECT PhysicalDevice)
{
    (void)Device;
    (void)PhysicalDevice;
    pnpsim__fx_not_implemented_void("WdfPdoRemoveEjectionRelationsPhysicalDevice");
}

WDFAPI VOID WdfPdoClearEjectionRelationsDevices(WDFDEVICE Device)
{
    (void)Device;
    pnpsim__fx_not_implemented_void("WdfPdoClearEjectionRelationsDevices");
}
