/* SPDX-License-Identifier: MIT */
/*
 * This file implements device properties of device nodes: IoGetDeviceProperty (the
 * DEVICE_REGISTRY_PROPERTY values, computed from what the bus reported about the device),
 * and the unified property model's IoGetDevicePropertyData / IoSetDevicePropertyData
 * (a few read-only keys computed from the device node, plus the properties drivers set,
 * kept per (key, LCID) in the device node's property list). It also frees those lists.
 *
 * Everything read from a device node is read under sys->lock; no driver code is called.
 * Values are encoded straight into the caller's buffer (two passes: measure, then copy when
 * it fits), so a query allocates nothing and the caller's buffer is untouched on
 * STATUS_BUFFER_TOO_SMALL.
 */
#include "pnpsim_int.h"

#include "pnpsim/wdk/devpkey.h"

/* CM_PROB_FAILED_INSTALL: the device's installation failed (cfg.h). */
#define PNPSIM__CM_PROB_FAILED_INSTALL 0x0000001C

/* The container of devices that are part of the computer itself (Windows shows it for
 * root-enumerated and other non-removable devices). */
static const GUID system_container = {
    0x00000000, 0x0000, 0x0000, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

/* ======================================================================================
 * Encoding into a caller buffer
 * ==================================================================================== */

/* An output buffer: bytes are written only while they fit; `need` counts all of them. */
typedef struct prop_out {
    unsigned char *buf; /* NULL: measure only */
    ULONG cap;
    ULONG need;
} prop_out;

static void out_bytes(prop_out *o, const void *p, size_t n)
{
    if (o->buf != NULL && (size_t)o->need + n <= o->cap)
        memcpy(o->buf + o->need, p, n);
    o->need += (ULONG)n;
}

static void out_wchar(prop_out *o, WCHAR c)
{
    out_bytes(o, &c, sizeof(c));
}

/* Decode one UTF-8 sequence at s (never past its NUL); invalid input gives U+FFFD. */
static uint32_t utf8_next(const unsigned char **ps)
{
    const unsigned char *s = *ps;
    uint32_t cp;
    int extra, i;
    if (s[0] < 0x80) {
        *ps = s + 1;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0) {
        cp = s[0] & 0x1F;
        extra = 1;
    } else if ((s[0] & 0xF0) == 0xE0) {
        cp = s[0] & 0x0F;
        extra = 2;
    } else if ((s[0] & 0xF8) == 0xF0) {
        cp = s[0] & 0x07;
        extra = 3;
    } else {
        *ps = s + 1;
        return 0xFFFD;
    }
    for (i = 1; i <= extra; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *ps = s + i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *ps = s + extra + 1;
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    return cp;
}

/* A UTF-8 string as UTF-16, without its NUL. */
static void out_utf8(prop_out *o, const char *s, size_t max_bytes)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + max_bytes;
    while (p < end && *p != 0) {
        uint32_t cp = utf8_next(&p);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out_wchar(o, (WCHAR)(0xD800 + (cp >> 10)));
            out_wchar(o, (WCHAR)(0xDC00 + (cp & 0x3FF)));
        } else {
            out_wchar(o, (WCHAR)cp);
        }
    }
}

/* A REG_SZ / DEVPROP_TYPE_STRING value: the string and its NUL. */
static void out_sz(prop_out *o, const char *s)
{
    out_utf8(o, s, strlen(s));
    out_wchar(o, 0);
}

/* A REG_MULTI_SZ / DEVPROP_TYPE_STRING_LIST value: each string with its NUL, then a NUL. */
static void out_multi_sz(prop_out *o, char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++)
        out_sz(o, list[i]);
    out_wchar(o, 0);
}

static void out_ulong(prop_out *o, ULONG v)
{
    out_bytes(o, &v, sizeof(v));
}

static bool list_empty(char *const *list)
{
    return list == NULL || list[0] == NULL;
}

/* ======================================================================================
 * What the device node knows (caller holds sys->lock)
 * ==================================================================================== */

/* 64-bit FNV-1a of an ID, case-insensitive (IDs compare case-insensitively). */
static uint64_t id_hash(const char *s, uint64_t seed)
{
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    for (; *s != 0; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        h = (h ^ c) * 0x100000001b3ull;
    }
    return h;
}

/* The device's container ID, by the documented heuristic (install pages "How Container IDs
 * are Generated" and "... from the Removable Device Capability"): the one the bus reported
 * (BusQueryContainerID); else a new one for a removable device; else the parent's. The
 * root (and so every non-removable device under it) is in the computer's container.
 * Windows makes a random GUID for a removable device; pnpsim derives it from the instance
 * path so that runs are reproducible. */
static void container_of(const pnpsim_device *dn, GUID *out, const char **reported)
{
    *reported = NULL;
    for (const pnpsim_device *d = dn; d != NULL; d = d->parent) {
        if (d->container_id != NULL &&
            pnpsim__guid_parse(d->container_id, strlen(d->container_id), out)) {
            *reported = d->container_id;
            return;
        }
        if (d->is_root || d->parent == NULL)
            break;
        if (d->caps.Removable && d->instance_path != NULL) {
            uint64_t a = id_hash(d->instance_path, 0), b = id_hash(d->instance_path, 0x5bd1e995);
            out->Data1 = (ULONG)(a >> 32);
            out->Data2 = (USHORT)(a >> 16);
            out->Data3 = (USHORT)((a & 0x0FFF) | 0x5000); /* name-based (version 5) */
            for (int i = 0; i < 8; i++)
                out->Data4[i] = (UCHAR)(b >> (56 - 8 * i));
            out->Data4[0] = (UCHAR)((out->Data4[0] & 0x3F) | 0x80); /* RFC 4122 variant */
            return;
        }
    }
    *out = system_container;
}

/* The description: what the bus reported as DeviceTextDescription, else the device ID (there
 * is no INF to take a DeviceDesc from). */
static const char *description_of(const pnpsim_device *dn)
{
    return dn->description != NULL ? dn->description : dn->device_id;
}

/* DEVICE_INSTALL_STATE: the simulator "installs" a device by binding drivers to its IDs
 * (pnpsim_driver_bind). */
static bool has_binding(const pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    for (PLIST_ENTRY e = sys->bindings.Flink; e != &sys->bindings; e = e->Flink) {
        pnpsim__binding *b = CONTAINING_RECORD(e, pnpsim__binding, link);
        if (b->role != 0 || b->hwid == NULL)
            continue;
        for (int pass = 0; pass < 2; pass++) {
            char **list = pass == 0 ? dn->hardware_ids : dn->compatible_ids;
            for (size_t i = 0; list != NULL && list[i] != NULL; i++)
                if (pnpsim__stricmp(list[i], b->hwid) == 0)
                    return true;
        }
    }
    return false;
}

static ULONG install_state_of(const pnpsim_device *dn)
{
    if (dn->problem == PNPSIM__CM_PROB_FAILED_INSTALL)
        return InstallStateFailedInstall;
    if (dn->state != PNPSIM_DEVICE_INITIALIZED || has_binding(dn))
        return InstallStateInstalled;
    return InstallStateFinishInstall;
}

/* DEVICE_REMOVAL_POLICY from the capabilities the bus reported. */
static ULONG removal_policy_of(const pnpsim_device *dn)
{
    if (dn->caps.Removable)
        return dn->caps.SurpriseRemovalOK ? RemovalPolicyExpectSurpriseRemoval
                                          : RemovalPolicyExpectOrderlyRemoval;
    if (dn->caps.EjectSupported || dn->caps.DockDevice)
        return RemovalPolicyExpectOrderlyRemoval;
    return RemovalPolicyExpectNoRemoval;
}

/* The PDO's name, UTF-8, or NULL. */
static const char *pdo_name_of(const pnpsim_device *dn)
{
    return dn->pdo != NULL ? dn->pdo->name : NULL;
}

/* The enumerator: the device ID up to its first backslash. */
static void out_enumerator(prop_out *o, const char *device_id)
{
    const char *bs = strchr(device_id, '\\');
    out_utf8(o, device_id, bs != NULL ? (size_t)(bs - device_id) : strlen(device_id));
    out_wchar(o, 0);
}

/* ======================================================================================
 * Argument checks shared by the three DDIs
 * ==================================================================================== */

/* Find the device node of the PDO a property DDI was given. A non-PDO (an FDO or filter,
 * a PDO not yet reported to the PnP manager, or not a device object at all) is the PnP
 * fatal error 0xCA/0x2 when the system is strict (windows-semantics.md §1.1), else the
 * status IoGetDeviceProperty documents. */
static NTSTATUS pdo_devnode(const char *ddi, PDEVICE_OBJECT obj, KIRQL max_irql,
                            pnpsim_device **out)
{
    pnpsim__devobj *o = pnpsim__devobj_from(obj);
    pnpsim_system *sys = o != NULL ? o->hdr.sys : pnpsim__require_system(ddi);
    pnpsim_device *dn = NULL;
    ULONG_PTR drv = 0;
    bool pdo;

    *out = NULL;
    /* If the handler lets the simulation go on, the call still works: it is harmless. */
    (void)pnpsim__check_irql(sys, ddi, max_irql, 0, NULL);
    if (o != NULL) {
        pnpsim__lock(sys);
        dn = o->devnode;
        pdo = o->is_pdo && !o->deleted && dn != NULL && dn->pdo == o;
        drv = (ULONG_PTR)o->dev.DriverObject;
        pnpsim__unlock(sys);
    } else {
        pdo = false;
    }
    if (!pdo) {
        if (sys->cfg.strict_pnp)
            pnpsim__bugcheck(sys, PNP_DETECTED_FATAL_ERROR, 0x2, (ULONG_PTR)obj, drv, 0,
                             "%s: %p is not a PDO the PnP manager knows (%s)", ddi,
                             (void *)obj,
                             o == NULL ? "not a device object"
                             : !o->is_pdo ? "a function or filter device object"
                                          : "a PDO not reported in bus relations, or deleted");
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: %p is not a PDO", ddi,
                              (void *)obj);
    }
    *out = dn;
    return STATUS_SUCCESS;
}

/* LOCALE_NEUTRAL or a real locale; the two "default" pseudo-locales are refused. */
static bool lcid_valid(LCID lcid)
{
    return lcid != LOCALE_SYSTEM_DEFAULT && lcid != LOCALE_USER_DEFAULT;
}

static bool key_equal(const DEVPROPKEY *a, const DEVPROPKEY *b)
{
    return a->pid == b->pid && memcmp(&a->fmtid, &b->fmtid, sizeof(GUID)) == 0;
}

/* ======================================================================================
 * IoGetDeviceProperty
 * ==================================================================================== */

/* Encode property p of dn into o. Caller holds sys->lock. */
static NTSTATUS build_registry_property(const pnpsim_device *dn, DEVICE_REGISTRY_PROPERTY p,
                                        prop_out *o)
{
    switch (p) {
    case DevicePropertyDeviceDescription:
        if (description_of(dn) == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_sz(o, description_of(dn));
        return STATUS_SUCCESS;
    case DevicePropertyHardwareID:
        if (list_empty(dn->hardware_ids))
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_multi_sz(o, dn->hardware_ids);
        return STATUS_SUCCESS;
    case DevicePropertyCompatibleIDs:
        if (list_empty(dn->compatible_ids))
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_multi_sz(o, dn->compatible_ids);
        return STATUS_SUCCESS;
    case DevicePropertyLocationInformation:
        if (dn->location == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_sz(o, dn->location);
        return STATUS_SUCCESS;
    case DevicePropertyPhysicalDeviceObjectName:
        if (pdo_name_of(dn) == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_sz(o, pdo_name_of(dn));
        return STATUS_SUCCESS;
    case DevicePropertyEnumeratorName:
        if (dn->device_id == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_enumerator(o, dn->device_id);
        return STATUS_SUCCESS;
    case DevicePropertyAddress:
        out_ulong(o, dn->caps.Address);
        return STATUS_SUCCESS;
    case DevicePropertyUINumber:
        out_ulong(o, dn->caps.UINumber);
        return STATUS_SUCCESS;
    case DevicePropertyInstallState:
        out_ulong(o, install_state_of(dn));
        return STATUS_SUCCESS;
    case DevicePropertyRemovalPolicy:
        out_ulong(o, removal_policy_of(dn));
        return STATUS_SUCCESS;
    case DevicePropertyContainerID: {
        GUID g;
        const char *reported;
        char text[39];
        container_of(dn, &g, &reported);
        if (reported == NULL) {
            pnpsim__guid_format(&g, false, text);
            reported = text;
        }
        out_sz(o, reported);
        return STATUS_SUCCESS;
    }
    case DevicePropertyBootConfiguration:
    case DevicePropertyBootConfigurationTranslated:
    case DevicePropertyClassName:
    case DevicePropertyClassGuid:
    case DevicePropertyDriverKeyName:
    case DevicePropertyManufacturer:
    case DevicePropertyFriendlyName:
    case DevicePropertyBusTypeGuid:
    case DevicePropertyLegacyBusType:
    case DevicePropertyBusNumber:
    case DevicePropertyResourceRequirements:
    case DevicePropertyAllocatedResources:
        /* Written by the INF, the class installer or the resource arbiters on Windows;
         * the simulator has none of them, so the value is absent. */
        return STATUS_OBJECT_NAME_NOT_FOUND;
    default:
        return STATUS_INVALID_PARAMETER_2;
    }
}

/*
 * Windows behaviour: returns one DEVICE_REGISTRY_PROPERTY of the device whose PDO is given,
 * at PASSIVE_LEVEL: strings as NUL-terminated WCHAR, ID lists as REG_MULTI_SZ, numbers as
 * ULONG. A buffer that is too small gives STATUS_BUFFER_TOO_SMALL with *ResultLength = the
 * size needed; an unknown property STATUS_INVALID_PARAMETER_2; a DeviceObject that is not
 * a PDO "possibly" STATUS_INVALID_DEVICE_REQUEST (IoGetDeviceProperty page). An Address or
 * UINumber of 0xFFFFFFFF means the bus supplied none.
 *
 * Simulation: values come from what the bus reported when the device was identified. A
 * non-PDO bug checks 0xCA/0x2 when cfg.strict_pnp is set (windows-semantics.md §1.1), else
 * returns STATUS_INVALID_DEVICE_REQUEST. A NULL ResultLength, or a NULL PropertyBuffer with
 * a nonzero BufferLength, gives STATUS_INVALID_PARAMETER. Values that need an INF,
 * a class installer or resources (class, driver key, manufacturer, friendly name, bus type,
 * bus number, boot and allocated resources), an empty ID list, and a missing location or
 * PDO name give STATUS_OBJECT_NAME_NOT_FOUND (the registry value does not exist). See
 * README "Divergences and choices" for the description, install state, removal policy and
 * container ID rules.
 */
NTSTATUS NTAPI IoGetDeviceProperty(PDEVICE_OBJECT DeviceObject,
                                   DEVICE_REGISTRY_PROPERTY DeviceProperty, ULONG BufferLength,
                                   PVOID PropertyBuffer, PULONG ResultLength)
{
    pnpsim_device *dn;
    pnpsim_system *sys;
    prop_out o = {NULL, 0, 0};
    NTSTATUS status = pdo_devnode("IoGetDeviceProperty", DeviceObject, PASSIVE_LEVEL, &dn);

    if (!NT_SUCCESS(status))
        return status;
    if (ResultLength == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "IoGetDeviceProperty: ResultLength is NULL");
    *ResultLength = 0;
    if (PropertyBuffer == NULL && BufferLength != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoGetDeviceProperty: PropertyBuffer is NULL but BufferLength is %lu",
                              (unsigned long)BufferLength);
    sys = dn->sys;
    pnpsim__lock(sys);
    status = build_registry_property(dn, DeviceProperty, &o);
    if (NT_SUCCESS(status) && o.need <= BufferLength) {
        o.buf = PropertyBuffer;
        o.cap = BufferLength;
        o.need = 0;
        build_registry_property(dn, DeviceProperty, &o);
    }
    pnpsim__unlock(sys);

    if (status == STATUS_INVALID_PARAMETER_2)
        return pnpsim__status(status, "IoGetDeviceProperty: unknown DeviceProperty %d",
                              (int)DeviceProperty);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "IoGetDeviceProperty: property %d of %s is not set",
                              (int)DeviceProperty, dn->instance_path ? dn->instance_path : "?");
    *ResultLength = o.need;
    if (o.need > BufferLength)
        return pnpsim__status(STATUS_BUFFER_TOO_SMALL,
                              "IoGetDeviceProperty: property %d needs %lu bytes, buffer has %lu",
                              (int)DeviceProperty, (unsigned long)o.need,
                              (unsigned long)BufferLength);
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * IoGetDevicePropertyData / IoSetDevicePropertyData
 * ==================================================================================== */

typedef enum builtin_key {
    BUILTIN_NONE = 0,
    BUILTIN_INSTANCE_ID,
    BUILTIN_HARDWARE_IDS,
    BUILTIN_COMPATIBLE_IDS,
    BUILTIN_DEVICE_DESC,
    BUILTIN_PDO_NAME,
    BUILTIN_ENUMERATOR,
    BUILTIN_PARENT,
    BUILTIN_CONTAINER_ID,
    BUILTIN_LOCATION
} builtin_key;

/* The read-only keys the PnP manager computes from the device node. */
static builtin_key builtin_of(const DEVPROPKEY *key)
{
    static const struct {
        const DEVPROPKEY *key;
        builtin_key which;
    } table[] = {
        {&DEVPKEY_Device_InstanceId, BUILTIN_INSTANCE_ID},
        {&DEVPKEY_Device_HardwareIds, BUILTIN_HARDWARE_IDS},
        {&DEVPKEY_Device_CompatibleIds, BUILTIN_COMPATIBLE_IDS},
        {&DEVPKEY_Device_DeviceDesc, BUILTIN_DEVICE_DESC},
        {&DEVPKEY_Device_PDOName, BUILTIN_PDO_NAME},
        {&DEVPKEY_Device_EnumeratorName, BUILTIN_ENUMERATOR},
        {&DEVPKEY_Device_Parent, BUILTIN_PARENT},
        {&DEVPKEY_Device_ContainerId, BUILTIN_CONTAINER_ID},
        {&DEVPKEY_Device_LocationInfo, BUILTIN_LOCATION},
    };
    for (size_t i = 0; i < PNPSIM_ARRAY_SIZE(table); i++)
        if (key_equal(key, table[i].key))
            return table[i].which;
    return BUILTIN_NONE;
}

/* Encode a built-in key's value. Caller holds sys->lock. */
static NTSTATUS build_builtin(const pnpsim_device *dn, builtin_key which, prop_out *o,
                             DEVPROPTYPE *type)
{
    *type = DEVPROP_TYPE_STRING;
    switch (which) {
    case BUILTIN_INSTANCE_ID:
        if (dn->instance_path == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_sz(o, dn->instance_path);
        return STATUS_SUCCESS;
    case BUILTIN_HARDWARE_IDS:
    case BUILTIN_COMPATIBLE_IDS: {
        char *const *list = which == BUILTIN_HARDWARE_IDS ? dn->hardware_ids : dn->compatible_ids;
        *type = DEVPROP_TYPE_STRING_LIST;
        if (list_empty(list))
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_multi_sz(o, list);
        return STATUS_SUCCESS;
    }
    case BUILTIN_DEVICE_DESC:
        if (description_of(dn) == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_sz(o, description_of(dn));
        return STATUS_SUCCESS;
    case BUILTIN_PDO_NAME:
        if (pdo_name_of(dn) == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_sz(o, pdo_name_of(dn));
        return STATUS_SUCCESS;
    case BUILTIN_ENUMERATOR:
        if (dn->device_id == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_enumerator(o, dn->device_id);
        return STATUS_SUCCESS;
    case BUILTIN_PARENT:
        if (dn->parent == NULL || dn->parent->instance_path == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_sz(o, dn->parent->instance_path);
        return STATUS_SUCCESS;
    case BUILTIN_CONTAINER_ID: {
        GUID g;
        const char *reported;
        *type = DEVPROP_TYPE_GUID;
        container_of(dn, &g, &reported);
        out_bytes(o, &g, sizeof(g));
        return STATUS_SUCCESS;
    }
    case BUILTIN_LOCATION:
        if (dn->location == NULL)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        out_sz(o, dn->location);
        return STATUS_SUCCESS;
    case BUILTIN_NONE:
    default:
        break;
    }
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

/* The stored property (key, lcid), or NULL. Caller holds sys->lock. */
static pnpsim__devprop *find_prop(const pnpsim_device *dn, const DEVPROPKEY *key, LCID lcid,
                                  pnpsim__devprop ***link)
{
    pnpsim__devprop **pp = (pnpsim__devprop **)&dn->props;
    for (; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->lcid == lcid && key_equal(&(*pp)->key, key)) {
            if (link != NULL)
                *link = pp;
            return *pp;
        }
    }
    return NULL;
}

/*
 * Windows behaviour: returns a device property of the unified property model for the
 * device whose PDO is given, with its DEVPROPTYPE, at IRQL <= APC_LEVEL. Lcid is
 * LOCALE_NEUTRAL or a language, never LOCALE_SYSTEM_DEFAULT / LOCALE_USER_DEFAULT; Flags is
 * reserved (0). A short buffer gives STATUS_BUFFER_TOO_SMALL with *RequiredSize set; a
 * property that does not exist STATUS_OBJECT_NAME_NOT_FOUND (IoGetDevicePropertyData page).
 * On Windows the size-0 probe also reports the stored type, and DEVPKEY_Device_InstanceId
 * is a DEVPROP_TYPE_STRING (windows-semantics.md §13 items 6 and 14).
 *
 * Simulation: DEVPKEY_Device_InstanceId, _HardwareIds, _CompatibleIds (STRING_LIST),
 * _DeviceDesc, _PDOName, _EnumeratorName, _Parent, _LocationInfo and _ContainerId (GUID)
 * are computed from the device node for any valid LCID; everything else is what
 * IoSetDevicePropertyData stored for exactly that (key, LCID) — no fallback to
 * LOCALE_NEUTRAL, as on Windows 8 and later. NULL PropertyKey, RequiredSize or Type, a
 * NULL Data with a nonzero Size, a bad LCID or nonzero Flags give STATUS_INVALID_PARAMETER.
 * On STATUS_BUFFER_TOO_SMALL *Type is set too; on STATUS_OBJECT_NAME_NOT_FOUND *RequiredSize
 * is 0 and *Type DEVPROP_TYPE_EMPTY.
 */
NTSTATUS NTAPI IoGetDevicePropertyData(PDEVICE_OBJECT Pdo, const DEVPROPKEY *PropertyKey,
                                       LCID Lcid, ULONG Flags, ULONG Size, PVOID Data,
                                       PULONG RequiredSize, PDEVPROPTYPE Type)
{
    static const char ddi[] = "IoGetDevicePropertyData";
    pnpsim_device *dn;
    pnpsim_system *sys;
    prop_out o = {NULL, 0, 0};
    DEVPROPTYPE type = DEVPROP_TYPE_EMPTY;
    builtin_key which;
    NTSTATUS status = pdo_devnode(ddi, Pdo, APC_LEVEL, &dn);

    if (!NT_SUCCESS(status))
        return status;
    if (PropertyKey == NULL || RequiredSize == NULL || Type == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: %s is NULL", ddi,
                              PropertyKey == NULL    ? "PropertyKey"
                              : RequiredSize == NULL ? "RequiredSize"
                                                     : "Type");
    *RequiredSize = 0;
    *Type = DEVPROP_TYPE_EMPTY;
    if (Data == NULL && Size != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Data is NULL but Size is %lu", ddi,
                              (unsigned long)Size);
    if (!lcid_valid(Lcid))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: Lcid 0x%lx (LOCALE_SYSTEM_DEFAULT / LOCALE_USER_DEFAULT) is "
                              "not allowed; use LOCALE_NEUTRAL or a language",
                              ddi, (unsigned long)Lcid);
    if (Flags != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Flags 0x%lx is reserved (must be 0)",
                              ddi, (unsigned long)Flags);

    which = builtin_of(PropertyKey);
    sys = dn->sys;
    pnpsim__lock(sys);
    if (which != BUILTIN_NONE) {
        status = build_builtin(dn, which, &o, &type);
        if (NT_SUCCESS(status) && o.need <= Size) {
            o.buf = Data;
            o.cap = Size;
            o.need = 0;
            build_builtin(dn, which, &o, &type);
        }
    } else {
        pnpsim__devprop *p = find_prop(dn, PropertyKey, Lcid, NULL);
        if (p == NULL) {
            status = STATUS_OBJECT_NAME_NOT_FOUND;
        } else {
            type = p->type;
            o.need = p->size;
            if (p->size <= Size && p->size != 0)
                memcpy(Data, p->data, p->size);
            status = STATUS_SUCCESS;
        }
    }
    pnpsim__unlock(sys);

    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "%s: %s has no such property (pid %lu, lcid 0x%lx)", ddi,
                              dn->instance_path ? dn->instance_path : "?",
                              (unsigned long)PropertyKey->pid, (unsigned long)Lcid);
    *RequiredSize = o.need;
    *Type = type;
    if (o.need > Size)
        return pnpsim__status(STATUS_BUFFER_TOO_SMALL, "%s: the property needs %lu bytes, buffer has %lu",
                              ddi, (unsigned long)o.need, (unsigned long)Size);
    return STATUS_SUCCESS;
}

/* Size of one element of a fixed-size base type, 0 for variable-size types, -1 if the base
 * type is not a DEVPROPTYPE. */
static long element_size(ULONG base)
{
    switch (base) {
    case DEVPROP_TYPE_NULL:
        return 0;
    case DEVPROP_TYPE_SBYTE:
    case DEVPROP_TYPE_BYTE:
    case DEVPROP_TYPE_BOOLEAN:
        return 1;
    case DEVPROP_TYPE_INT16:
    case DEVPROP_TYPE_UINT16:
        return 2;
    case DEVPROP_TYPE_INT32:
    case DEVPROP_TYPE_UINT32:
    case DEVPROP_TYPE_FLOAT:
    case DEVPROP_TYPE_DEVPROPTYPE:
    case DEVPROP_TYPE_ERROR:
    case DEVPROP_TYPE_NTSTATUS:
        return 4;
    case DEVPROP_TYPE_INT64:
    case DEVPROP_TYPE_UINT64:
    case DEVPROP_TYPE_DOUBLE:
    case DEVPROP_TYPE_CURRENCY:
    case DEVPROP_TYPE_DATE:
    case DEVPROP_TYPE_FILETIME:
        return 8;
    case DEVPROP_TYPE_DECIMAL:
    case DEVPROP_TYPE_GUID:
        return 16;
    case DEVPROP_TYPE_DEVPROPKEY:
        return (long)sizeof(DEVPROPKEY);
    case DEVPROP_TYPE_STRING:
    case DEVPROP_TYPE_SECURITY_DESCRIPTOR:
    case DEVPROP_TYPE_SECURITY_DESCRIPTOR_STRING:
    case DEVPROP_TYPE_STRING_INDIRECT:
        return 0;
    default:
        return -1;
    }
}

static bool is_string_type(ULONG base)
{
    return base == DEVPROP_TYPE_STRING || base == DEVPROP_TYPE_SECURITY_DESCRIPTOR_STRING ||
           base == DEVPROP_TYPE_STRING_INDIRECT;
}

/* Does (Type, Size, Data) describe a well-formed value? Returns why not, or NULL. */
const char *pnpsim__devprop_value_problem(DEVPROPTYPE type, ULONG size, const void *data)
{
    ULONG base = type & DEVPROP_MASK_TYPE, mod = type & DEVPROP_MASK_TYPEMOD;
    long elem;
    const WCHAR *w = data;
    ULONG n = size / (ULONG)sizeof(WCHAR);

    if ((type & ~(ULONG)(DEVPROP_MASK_TYPE | DEVPROP_MASK_TYPEMOD)) != 0 ||
        base > MAX_DEVPROP_TYPE || base == DEVPROP_TYPE_EMPTY)
        return "not a DEVPROPTYPE";
    if (mod != 0 && mod != DEVPROP_TYPEMOD_ARRAY && mod != DEVPROP_TYPEMOD_LIST)
        return "an unknown type modifier";
    elem = element_size(base);
    if (elem < 0)
        return "not a DEVPROPTYPE";
    if (mod == DEVPROP_TYPEMOD_LIST && !is_string_type(base))
        return "DEVPROP_TYPEMOD_LIST on a type that is not a string";
    if (mod == DEVPROP_TYPEMOD_ARRAY && (elem == 0 || base == DEVPROP_TYPE_NULL))
        return "DEVPROP_TYPEMOD_ARRAY on a type without a fixed size";
    if (base == DEVPROP_TYPE_NULL)
        return size == 0 ? NULL : "DEVPROP_TYPE_NULL with data";
    if (elem > 0) {
        if (mod == DEVPROP_TYPEMOD_ARRAY)
            return size % (ULONG)elem == 0 ? NULL : "an array size that is not a multiple of "
                                                    "the element size";
        return size == (ULONG)elem ? NULL : "a size that does not match the type";
    }
    if (is_string_type(base)) {
        if (size % sizeof(WCHAR) != 0 || n == 0)
            return "a string size that is not a positive number of WCHARs";
        if (w[n - 1] != 0)
            return "a string without its terminating NUL";
        if (mod == DEVPROP_TYPEMOD_LIST && n >= 2 && w[n - 2] != 0)
            return "a string list without its final NUL";
    }
    return NULL; /* DEVPROP_TYPE_SECURITY_DESCRIPTOR: opaque bytes */
}

/*
 * Windows behaviour: sets (or, with Data NULL, deletes) a device property of the unified
 * model for the device whose PDO is given, at IRQL <= APC_LEVEL; the data is copied. Lcid
 * is LOCALE_NEUTRAL or a language (not the default pseudo-locales); Flags is 0 or
 * PLUGPLAY_PROPERTY_PERSISTENT, which Windows 8 and later assume always; from Windows 8
 * LOCALE_NEUTRAL is a locale like the others (IoSetDevicePropertyData page). Set, probe,
 * read back and delete with Size 0 / Data NULL all succeed (windows-semantics.md §13 item
 * 14).
 *
 * Simulation: Data NULL, Size 0 or DEVPROP_TYPE_EMPTY deletes the (key, Lcid) value only
 * (Windows 8 semantics) and succeeds even when there was none. Type must be a valid
 * DEVPROPTYPE whose size rules the data keeps (fixed-size types exactly, arrays a
 * multiple, strings NUL-terminated, lists double-NUL-terminated), else
 * STATUS_INVALID_PARAMETER, as are a NULL key, a bad LCID and unknown flags. The keys the
 * PnP manager computes (see IoGetDevicePropertyData) are read-only: STATUS_ACCESS_DENIED.
 * The persistent flag is stored but nothing is persisted across pnpsim_system_reboot yet.
 */
NTSTATUS NTAPI IoSetDevicePropertyData(PDEVICE_OBJECT Pdo, const DEVPROPKEY *PropertyKey,
                                       LCID Lcid, ULONG Flags, DEVPROPTYPE Type, ULONG Size,
                                       PVOID Data)
{
    static const char ddi[] = "IoSetDevicePropertyData";
    pnpsim_device *dn;
    pnpsim_system *sys;
    pnpsim__devprop *node = NULL, *old, **link = NULL;
    const char *problem;
    bool del, existed;
    NTSTATUS status = pdo_devnode(ddi, Pdo, APC_LEVEL, &dn);

    if (!NT_SUCCESS(status))
        return status;
    sys = dn->sys;
    if (PropertyKey == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: PropertyKey is NULL", ddi);
    if (!lcid_valid(Lcid))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: Lcid 0x%lx (LOCALE_SYSTEM_DEFAULT / LOCALE_USER_DEFAULT) is "
                              "not allowed; use LOCALE_NEUTRAL or a language",
                              ddi, (unsigned long)Lcid);
    if ((Flags & ~(ULONG)PLUGPLAY_PROPERTY_PERSISTENT) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: Flags 0x%lx: only PLUGPLAY_PROPERTY_PERSISTENT is defined", ddi,
                              (unsigned long)Flags);
    if (builtin_of(PropertyKey) != BUILTIN_NONE)
        return pnpsim__status(STATUS_ACCESS_DENIED,
                              "%s: property pid %lu is set by the PnP manager and read-only", ddi,
                              (unsigned long)PropertyKey->pid);

    del = Data == NULL || Size == 0 || Type == DEVPROP_TYPE_EMPTY;
    if (!del) {
        problem = pnpsim__devprop_value_problem(Type, Size, Data);
        if (problem != NULL)
            return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: type 0x%lx, %lu bytes: %s", ddi,
                                  (unsigned long)Type, (unsigned long)Size, problem);
        /* Allocate before taking the lock: on failure nothing changes. */
        node = pnpsim__malloc(sys, sizeof(*node) + Size);
        if (node == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory for %lu bytes",
                                  ddi, (unsigned long)Size);
        node->key = *PropertyKey;
        node->lcid = Lcid;
        node->type = Type;
        node->size = Size;
        node->flags = Flags;
        node->data = (unsigned char *)(node + 1);
        memcpy(node->data, Data, Size);
    }

    pnpsim__lock(sys);
    old = find_prop(dn, PropertyKey, Lcid, &link);
    if (old != NULL) {
        *link = old->next;
        old->next = NULL;
    }
    if (node != NULL) {
        node->next = dn->props;
        dn->props = node;
    }
    pnpsim__unlock(sys);
    existed = old != NULL;
    pnpsim__free(sys, old);

    if (pnpsim__trace_on(sys, PNPSIM_TRACE_DEVICE)) {
        char guid[39];
        pnpsim__guid_format(&PropertyKey->fmtid, false, guid);
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, NULL, NULL,
                      "%s %s pid %lu lcid 0x%lx%s", ddi, guid, (unsigned long)PropertyKey->pid,
                      (unsigned long)Lcid,
                      del ? (existed ? " deleted" : " (absent, nothing to delete)")
                          : " set");
    }
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Freeing
 * ==================================================================================== */

void pnpsim__devprop_free(pnpsim_device *dn)
{
    pnpsim__devprop *p, *next;
    if (dn == NULL)
        return;
    p = dn->props;
    dn->props = NULL;
    for (; p != NULL; p = next) {
        next = p->next;
        pnpsim__free(dn->sys, p);
    }
}

void pnpsim__devprop_free_all(pnpsim_system *sys)
{
    if (sys == NULL)
        return;
    for (PLIST_ENTRY e = sys->all_devices.Flink; e != &sys->all_devices; e = e->Flink)
        pnpsim__devprop_free(CONTAINING_RECORD(e, pnpsim_device, all_link));
}
