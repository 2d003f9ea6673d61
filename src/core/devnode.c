/* SPDX-License-Identifier: MIT */
/*
 * This file implements device nodes: the root device, devices the test creates on the
 * simulator's bus, identification of every new PDO the way the PnP manager does it
 * (IRP_MN_QUERY_ID for the device, instance, hardware, compatible and container IDs,
 * IRP_MN_QUERY_CAPABILITIES pre-filled as Windows pre-fills it, IRP_MN_QUERY_DEVICE_TEXT),
 * instance paths with the parent's ParentIdPrefix when the ID is not unique, the tree and
 * its look-ups, and freeing device nodes at shutdown.
 */
#include "pnpsim_int.h"
#include "iface.h" /* pnpsim__iface_devnode_identified */
#include "qi.h"    /* pnpsim__qi_devnode_freed */

static const char *const state_names[] = {
    "DeviceNodeInitialized",   "DeviceNodeDriversAdded", "DeviceNodeStartPending",
    "DeviceNodeStarted",       "DeviceNodeQueryStopped", "DeviceNodeStopped",
    "DeviceNodeQueryRemoved",  "DeviceNodeSurpriseRemoved (RemovePendingCloses)",
    "DeviceNodeRemoved",       "DeviceNodeDeleted"};

const char *pnpsim_device_state_name(pnpsim_device_state state)
{
    if ((unsigned)state < PNPSIM_ARRAY_SIZE(state_names))
        return state_names[state];
    return "DeviceNode(unknown)";
}

void pnpsim__devnode_set_state(pnpsim_device *dn, pnpsim_device_state st)
{
    pnpsim_device_state old = dn->state;
    if (old == st)
        return;
    dn->state = st;
    pnpsim__trace(dn->sys, PNPSIM_TRACE_STATE, dn, NULL, NULL, "%s: %s -> %s",
                  dn->instance_path ? dn->instance_path : "(new device)",
                  pnpsim_device_state_name(old), pnpsim_device_state_name(st));
}

/* ---- ID validation ----------------------------------------------------------------- */

/* Windows' rule for bus-reported IDs: characters above 0x20 and below 0x80, no ','
 * (windows-semantics.md §1.2: K-QID forbids space; BC-CA lists 0x20 as legal — we follow
 * the IRP_MN_QUERY_ID page, which is the stricter contract drivers are written to). */
static bool id_char_ok(unsigned c)
{
    return c > 0x20 && c < 0x80 && c != ',';
}

static bool valid_id_utf8(const char *s, bool allow_backslash, size_t max)
{
    size_t n = 0;
    if (s == NULL)
        return false;
    for (; *s; s++, n++) {
        if (!id_char_ok((unsigned char)*s) || (!allow_backslash && *s == '\\'))
            return false;
    }
    return n > 0 && n < max;
}

/* ---- string lists -------------------------------------------------------------------- */

static void free_list(pnpsim_system *sys, char **list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; list[i] != NULL; i++)
        pnpsim__free(sys, list[i]);
    pnpsim__free(sys, list);
}

static char **dup_list(pnpsim_system *sys, const char *const *src)
{
    size_t n = 0;
    char **list;
    while (src != NULL && src[n] != NULL)
        n++;
    list = pnpsim__calloc(sys, n + 1, sizeof(char *));
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        list[i] = pnpsim__strdup(sys, src[i]);
        if (list[i] == NULL) {
            free_list(sys, list);
            return NULL;
        }
    }
    return list;
}

/* ---- the instance path index ------------------------------------------------------------ */

/* Linked device nodes by instance path (ASCII case-insensitive), so that finding a device
 * (every creation and enumeration checks for a collision) does not scan every device the
 * system ever had. Open addressing; deleted nodes stay indexed as they stay in
 * sys->all_devices. If the index cannot get memory it is abandoned and lookups scan. */
typedef struct pnpsim__devpath_index pnpsim__devpath_index;
struct pnpsim__devpath_index {
    bool broken;
    size_t cap, used; /* slots (a power of two), occupied slots including tombstones */
    pnpsim_device **slots;
};

static pnpsim__devpath_index devpath_broken = {true, 0, 0, NULL};
static pnpsim_device devpath_tomb_node;
#define DEVPATH_TOMB (&devpath_tomb_node)

static size_t devpath_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        h = (h ^ (c >= 'a' && c <= 'z' ? c - 32u : c)) * 16777619u;
    }
    return h;
}

static void devpath_abandon(pnpsim_system *sys)
{
    if (sys->devpaths != NULL && sys->devpaths != &devpath_broken) {
        pnpsim__free(sys, sys->devpaths->slots);
        pnpsim__free(sys, sys->devpaths);
    }
    sys->devpaths = &devpath_broken;
}

static void devpath_put(pnpsim__devpath_index *ix, pnpsim_device *dn)
{
    size_t i = devpath_hash(dn->instance_path) & (ix->cap - 1);
    while (ix->slots[i] != NULL && ix->slots[i] != DEVPATH_TOMB)
        i = (i + 1) & (ix->cap - 1);
    if (ix->slots[i] == NULL)
        ix->used++;
    ix->slots[i] = dn;
}

/* Index dn (linked, with an instance path). Caller holds sys->lock. */
static void devpath_insert(pnpsim_system *sys, pnpsim_device *dn)
{
    pnpsim__devpath_index *ix = sys->devpaths;
    if (dn->instance_path == NULL || IsListEmpty(&dn->all_link) || ix == &devpath_broken)
        return;
    if (ix == NULL) {
        ix = pnpsim__calloc(sys, 1, sizeof(*ix));
        if (ix == NULL) {
            devpath_abandon(sys);
            return;
        }
        sys->devpaths = ix;
    }
    if ((ix->used + 1) * 2 > ix->cap) {
        size_t ncap = ix->cap ? ix->cap * 2 : 64;
        pnpsim_device **old = ix->slots;
        size_t ocap = ix->cap;
        ix->slots = pnpsim__calloc(sys, ncap, sizeof(*ix->slots));
        if (ix->slots == NULL) {
            ix->slots = old;
            devpath_abandon(sys);
            return;
        }
        ix->cap = ncap;
        ix->used = 0;
        for (size_t i = 0; i < ocap; i++)
            if (old[i] != NULL && old[i] != DEVPATH_TOMB)
                devpath_put(ix, old[i]);
        pnpsim__free(sys, old);
    }
    devpath_put(ix, dn);
}

/* Forget dn (before its instance path changes). Caller holds sys->lock. */
static void devpath_remove(pnpsim_system *sys, pnpsim_device *dn)
{
    pnpsim__devpath_index *ix = sys->devpaths;
    size_t i;
    if (ix == NULL || ix == &devpath_broken || ix->cap == 0 || dn->instance_path == NULL)
        return;
    for (i = devpath_hash(dn->instance_path) & (ix->cap - 1); ix->slots[i] != NULL;
         i = (i + 1) & (ix->cap - 1)) {
        if (ix->slots[i] == dn) {
            ix->slots[i] = DEVPATH_TOMB;
            return;
        }
    }
}

/* ---- device nodes -------------------------------------------------------------------- */

static void devnode_free(pnpsim_system *sys, pnpsim_device *dn)
{
    pnpsim__qi_devnode_freed(dn);
    if (dn->enum_pending) {
        /* Its Enum key outlives it (iface.h): the pending keys are written now, in creation
         * order, unless the registry goes too (then just dn is forgotten). */
        pnpsim__lock(sys);
        pnpsim__iface_enum_flush_locked(sys, sys->final_shutdown ? dn : NULL);
        pnpsim__unlock(sys);
    }
    pnpsim__devprop_free(dn);
    free_list(sys, dn->sim_hardware_ids);
    free_list(sys, dn->sim_compatible_ids);
    pnpsim__free(sys, dn->device_id);
    pnpsim__free(sys, dn->bus_instance_id);
    pnpsim__free(sys, dn->instance_id);
    pnpsim__free(sys, dn->instance_path);
    free_list(sys, dn->hardware_ids);
    free_list(sys, dn->compatible_ids);
    pnpsim__free(sys, dn->container_id);
    pnpsim__free(sys, dn->description);
    pnpsim__free(sys, dn->location);
    pnpsim__free(sys, dn->parent_id_prefix);
    if (dn->pdo != NULL) {
        if (dn->pdo->devnode == dn)
            dn->pdo->devnode = NULL;
        pnpsim__ob_unref(&dn->pdo->hdr);
    }
    pnpsim__free(sys, dn);
}

/* A new device node for a PDO (not yet linked, not identified). Takes a reference on the
 * PDO. Caller holds no lock. */
pnpsim_device *pnpsim__devnode_new(pnpsim_system *sys, pnpsim_device *parent,
                                   PDEVICE_OBJECT pdo, bool sim_owned)
{
    pnpsim_device *dn = pnpsim__calloc(sys, 1, sizeof(*dn));
    pnpsim__devobj *w = pnpsim__devobj_from(pdo);
    if (dn == NULL)
        return NULL;
    dn->sys = sys;
    dn->parent = parent;
    InitializeListHead(&dn->children);
    InitializeListHead(&dn->sibling_link);
    InitializeListHead(&dn->all_link);
    dn->pdo = w;
    pnpsim__ob_ref(&w->hdr);
    w->devnode = dn;
    w->is_pdo = true;
    w->ext.DeviceNode = dn;
    dn->sim_owned = sim_owned;
    dn->state = PNPSIM_DEVICE_INITIALIZED;
    dn->unique_id = TRUE;
    dn->level = parent != NULL ? parent->level + 1 : 0;
    return dn;
}

/* Link a devnode under its parent and into the system list. Caller holds sys->lock. */
void pnpsim__devnode_link(pnpsim_device *dn)
{
    PNPSIM_ASSERT_LOCKED(dn->sys);
    if (dn->parent != NULL)
        InsertTailList(&dn->parent->children, &dn->sibling_link);
    InsertTailList(&dn->sys->all_devices, &dn->all_link);
    devpath_insert(dn->sys, dn);
}

/* Unlink from the tree (the devnode stays in sys->all_devices, as a deleted node, until
 * shutdown: test code may still ask for its state). Caller holds sys->lock. */
void pnpsim__devnode_unlink(pnpsim_device *dn)
{
    PNPSIM_ASSERT_LOCKED(dn->sys);
    RemoveEntryList(&dn->sibling_link);
    InitializeListHead(&dn->sibling_link);
}

/* ParentIdPrefix of dn, used by its children whose IDs are not unique. Windows' values
 * look like "7&2a5e8e5&0" (level, hash, counter; lower-case hex) and its algorithm is not
 * documented: ours is (dn's level + 1) & FNV-1a of dn's instance path & 0. Caller holds
 * sys->lock. */
static const char *parent_id_prefix(pnpsim_device *dn)
{
    if (dn->parent_id_prefix == NULL && dn->instance_path != NULL) {
        uint32_t h = 2166136261u;
        char buf[40];
        for (const char *p = dn->instance_path; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (c >= 'a' && c <= 'z')
                c = (unsigned char)(c - 'a' + 'A');
            h = (h ^ c) * 16777619u;
        }
        snprintf(buf, sizeof(buf), "%x&%x&%x", dn->level + 1, (unsigned)h, 0u);
        dn->parent_id_prefix = pnpsim__strdup(dn->sys, buf);
    }
    return dn->parent_id_prefix;
}

const char *pnpsim__devnode_parent_id_prefix(pnpsim_device *dn)
{
    const char *p;
    pnpsim__lock(dn->sys);
    p = parent_id_prefix(dn);
    pnpsim__unlock(dn->sys);
    return p;
}

/* ---- identification ------------------------------------------------------------------ */

/* Where identification without an IRP puts the answer (pnpsim__pnp_irp_direct). */
typedef struct direct_out {
    bool used;
    char ***list;
    char **str;
} direct_out;

static NTSTATUS direct_id(pnpsim_device *dn, const IO_STACK_LOCATION *sp, void *ctx)
{
    direct_out *o = ctx;
    const char *one[2];
    const char *const *items;
    bool multi;
    NTSTATUS status = STATUS_SUCCESS;
    o->used = true;
    pnpsim__lock(dn->sys);
    if (!pnpsim__sim_pdo_ids_locked(dn, sp->Parameters.QueryId.IdType, one, &items, &multi))
        status = STATUS_NOT_SUPPORTED;
    else if (multi ? (*o->list = dup_list(dn->sys, items)) == NULL
                   : (*o->str = pnpsim__strdup(dn->sys, items[0])) == NULL)
        status = STATUS_INSUFFICIENT_RESOURCES;
    pnpsim__unlock(dn->sys);
    return status;
}

static NTSTATUS direct_text(pnpsim_device *dn, const IO_STACK_LOCATION *sp, void *ctx)
{
    direct_out *o = ctx;
    const char *text;
    NTSTATUS status = STATUS_NOT_SUPPORTED;
    o->used = true;
    pnpsim__lock(dn->sys);
    text = pnpsim__sim_pdo_text(dn, sp->Parameters.QueryDeviceText.DeviceTextType);
    if (text != NULL)
        status = (*o->str = pnpsim__strdup(dn->sys, text)) != NULL
                     ? STATUS_SUCCESS
                     : STATUS_INSUFFICIENT_RESOURCES;
    pnpsim__unlock(dn->sys);
    return status;
}

static NTSTATUS query_string(pnpsim_device *dn, BUS_QUERY_ID_TYPE type, bool multi,
                             ULONG id_kind, char ***out_list, char **out_str)
{
    direct_out direct = {false, out_list, out_str};
    pnpsim_system *sys = dn->sys;
    IO_STACK_LOCATION sp;
    ULONG_PTR info = 0;
    NTSTATUS status;
    WCHAR *w;
    size_t total = 0, count = 0;

    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_PNP;
    sp.MinorFunction = IRP_MN_QUERY_ID;
    sp.Parameters.QueryId.IdType = type;
    status = pnpsim__pnp_irp_direct(dn, &sp, &info, direct_id, &direct);
    if (direct.used) /* the simulator's own IDs: valid by construction (pnpsim_device_create) */
        return status;
    w = (WCHAR *)info;
    if (!NT_SUCCESS(status) || w == NULL) {
        if (w != NULL && NT_SUCCESS(status) == 0)
            ExFreePool(w);
        return NT_SUCCESS(status) ? STATUS_NOT_SUPPORTED : status;
    }
    /* Measure and validate (illegal characters bug check 0xCA/0x3 with the ID type). */
    for (;;) {
        size_t len = pnpsim__wcslen(w + total);
        if (len == 0 && (multi || total == 0))
            break;
        for (size_t i = 0; i < len; i++) {
            WCHAR c = w[total + i];
            bool ok = id_char_ok(c) || (type == BusQueryDeviceID && c == '\\') ||
                      ((type == BusQueryHardwareIDs || type == BusQueryCompatibleIDs) &&
                       c == '\\');
            if (type == BusQueryInstanceID && c == '\\')
                ok = false;
            if (!ok && type != BusQueryContainerID) {
                pnpsim__bugcheck(sys, PNP_DETECTED_FATAL_ERROR, 0x3,
                                 (ULONG_PTR)&dn->pdo->dev, (ULONG_PTR)w, id_kind,
                                 "the bus driver of %s returned an ID containing the illegal "
                                 "character 0x%04X (IRP_MN_QUERY_ID type %d)",
                                 dn->device_id ? dn->device_id : "a new PDO", (unsigned)c,
                                 (int)type);
                ExFreePool(w);
                return STATUS_INVALID_PARAMETER;
            }
        }
        total += len + 1;
        count++;
        if (!multi)
            break;
    }
    if (multi) {
        char **list = pnpsim__calloc(sys, count + 1, sizeof(char *));
        size_t off = 0;
        if (list == NULL) {
            ExFreePool(w);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        for (size_t i = 0; i < count; i++) {
            size_t len = pnpsim__wcslen(w + off);
            list[i] = pnpsim__utf16_to_utf8(sys, w + off, len);
            if (list[i] == NULL) {
                free_list(sys, list);
                ExFreePool(w);
                return STATUS_INSUFFICIENT_RESOURCES;
            }
            off += len + 1;
        }
        *out_list = list;
    } else {
        *out_str = pnpsim__utf16_to_utf8(sys, w, pnpsim__wcslen(w));
        if (*out_str == NULL) {
            ExFreePool(w);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    ExFreePool(w);
    return STATUS_SUCCESS;
}

static char *query_text(pnpsim_device *dn, DEVICE_TEXT_TYPE type)
{
    IO_STACK_LOCATION sp;
    ULONG_PTR info = 0;
    NTSTATUS status;
    char *s = NULL;
    direct_out direct = {false, NULL, &s};
    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_PNP;
    sp.MinorFunction = IRP_MN_QUERY_DEVICE_TEXT;
    sp.Parameters.QueryDeviceText.DeviceTextType = type;
    sp.Parameters.QueryDeviceText.LocaleId = 0x409;
    status = pnpsim__pnp_irp_direct(dn, &sp, &info, direct_text, &direct);
    if (direct.used)
        return NT_SUCCESS(status) ? s : NULL;
    if (info != 0) {
        if (NT_SUCCESS(status))
            s = pnpsim__utf16_to_utf8(dn->sys, (WCHAR *)info, pnpsim__wcslen((WCHAR *)info));
        ExFreePool((PVOID)info);
    }
    return s;
}

/* Fill DEVICE_CAPABILITIES as the PnP manager does before sending
 * IRP_MN_QUERY_CAPABILITIES (windows-semantics.md §1.1, §13 item 10). */
void pnpsim__caps_prefill(DEVICE_CAPABILITIES *caps)
{
    memset(caps, 0, sizeof(*caps));
    caps->Size = sizeof(*caps);
    caps->Version = 1;
    caps->Address = 0xFFFFFFFF;
    caps->UINumber = 0xFFFFFFFF;
    for (size_t i = 0; i < PNPSIM_ARRAY_SIZE(caps->DeviceState); i++)
        caps->DeviceState[i] = PowerDeviceUnspecified;
    caps->SystemWake = PowerSystemUnspecified;
    caps->DeviceWake = PowerDeviceUnspecified;
}

NTSTATUS pnpsim__devnode_query_caps(pnpsim_device *dn, DEVICE_CAPABILITIES *caps)
{
    IO_STACK_LOCATION sp;
    ULONG_PTR info = 0;
    pnpsim__caps_prefill(caps);
    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_PNP;
    sp.MinorFunction = IRP_MN_QUERY_CAPABILITIES;
    sp.Parameters.DeviceCapabilities.Capabilities = caps;
    return pnpsim__pnp_irp(dn, &sp, &info);
}

/* Identify a new PDO: ask its stack for its IDs, capabilities and text, then build the
 * instance path. Caller holds no lock; dn is not yet linked. */
NTSTATUS pnpsim__devnode_identify(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    char *device_id = NULL, *instance = NULL, *container = NULL, *path = NULL, *iid = NULL;
    char **hwids = NULL, **compat = NULL;
    DEVICE_CAPABILITIES caps;
    NTSTATUS status;
    size_t n;

    status = query_string(dn, BusQueryDeviceID, false, 1, NULL, &device_id);
    if (!NT_SUCCESS(status) || device_id == NULL || *device_id == '\0') {
        pnpsim__free(sys, device_id);
        return pnpsim__status(NT_SUCCESS(status) ? STATUS_INVALID_DEVICE_REQUEST : status,
                              "a new PDO did not answer IRP_MN_QUERY_ID(BusQueryDeviceID)");
    }
    status = query_string(dn, BusQueryInstanceID, false, 2, NULL, &instance);
    if (status == STATUS_INSUFFICIENT_RESOURCES || status == STATUS_INVALID_PARAMETER)
        goto fail;
    status = query_string(dn, BusQueryHardwareIDs, true, 3, &hwids, NULL);
    if (status == STATUS_INSUFFICIENT_RESOURCES || status == STATUS_INVALID_PARAMETER)
        goto fail;
    status = query_string(dn, BusQueryCompatibleIDs, true, 4, &compat, NULL);
    if (status == STATUS_INSUFFICIENT_RESOURCES || status == STATUS_INVALID_PARAMETER)
        goto fail;
    status = query_string(dn, BusQueryContainerID, false, 0, NULL, &container);
    if (status == STATUS_INSUFFICIENT_RESOURCES)
        goto fail;
    status = pnpsim__devnode_query_caps(dn, &caps);
    if (status == STATUS_INSUFFICIENT_RESOURCES) /* no IRP: the caps decide the path */
        goto fail;
    if (!NT_SUCCESS(status)) {
        pnpsim__caps_prefill(&caps);
        caps.UniqueID = TRUE;
    }

    /* Instance path: <device ID>\<instance ID>, the instance ID prefixed with the parent's
     * ParentIdPrefix when the capabilities say it is not unique (§1.2, §13 items 4-5). */
    if (instance == NULL) {
        instance = pnpsim__strdup(sys, "");
        if (instance == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto fail;
        }
    }
    if (!caps.UniqueID && dn->parent != NULL && !dn->parent->is_root) {
        const char *prefix;
        pnpsim__lock(sys);
        prefix = parent_id_prefix(dn->parent);
        pnpsim__unlock(sys);
        if (prefix == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto fail;
        }
        n = strlen(prefix) + 1 + strlen(instance) + 1;
        iid = pnpsim__malloc(sys, n);
        if (iid == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto fail;
        }
        snprintf(iid, n, "%s&%s", prefix, instance);
    } else {
        iid = pnpsim__strdup(sys, instance);
        if (iid == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto fail;
        }
    }
    n = strlen(device_id) + 1 + strlen(iid) + 1;
    if (n - 1 >= 200) {
        status = pnpsim__status(STATUS_INVALID_PARAMETER,
                                "instance path of %s is longer than MAX_DEVICE_ID_LEN", device_id);
        goto fail;
    }
    path = pnpsim__malloc(sys, n);
    if (path == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    snprintf(path, n, "%s\\%s", device_id, iid);
    if (hwids == NULL) {
        const char *only[] = {device_id, NULL};
        hwids = dup_list(sys, only);
        if (hwids == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto fail;
        }
    }
    if (compat == NULL) {
        const char *none[] = {NULL};
        compat = dup_list(sys, none);
        if (compat == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto fail;
        }
    }

    pnpsim__lock(sys);
    devpath_remove(sys, dn); /* re-indexed under its new path below */
    pnpsim__free(sys, dn->device_id);
    pnpsim__free(sys, dn->instance_id);
    pnpsim__free(sys, dn->instance_path);
    free_list(sys, dn->hardware_ids);
    free_list(sys, dn->compatible_ids);
    pnpsim__free(sys, dn->container_id);
    dn->device_id = device_id;
    dn->instance_id = iid;
    dn->instance_path = path;
    devpath_insert(sys, dn);
    dn->hardware_ids = hwids;
    dn->compatible_ids = compat;
    dn->container_id = container;
    dn->caps = caps;
    pnpsim__unlock(sys);
    pnpsim__free(sys, instance);

    {
        char *desc = query_text(dn, DeviceTextDescription);
        char *loc = query_text(dn, DeviceTextLocationInformation);
        pnpsim__lock(sys);
        pnpsim__free(sys, dn->description);
        pnpsim__free(sys, dn->location);
        dn->description = desc;
        dn->location = loc;
        pnpsim__unlock(sys);
    }
    /* The device interface manager (src/core/iface.c) writes the device's Enum key and,
     * for a child whose ID is not unique, the parent's ParentIdPrefix value (§13 item 5). */
    pnpsim__iface_devnode_identified(dn);
    return STATUS_SUCCESS;

fail:
    pnpsim__free(sys, device_id);
    pnpsim__free(sys, instance);
    pnpsim__free(sys, container);
    pnpsim__free(sys, iid);
    pnpsim__free(sys, path);
    free_list(sys, hwids);
    free_list(sys, compat);
    return status;
}

/* A present device (in the tree, not deleted) with this instance path, or NULL. Caller
 * holds sys->lock. */
pnpsim_device *pnpsim__devnode_find_locked(pnpsim_system *sys, const char *path)
{
    pnpsim__devpath_index *ix = sys->devpaths;
    if (ix != NULL && ix != &devpath_broken) {
        for (size_t i = ix->cap ? devpath_hash(path) & (ix->cap - 1) : 0;
             ix->cap != 0 && ix->slots[i] != NULL; i = (i + 1) & (ix->cap - 1)) {
            pnpsim_device *dn = ix->slots[i];
            if (dn != DEVPATH_TOMB && dn->state != PNPSIM_DEVICE_DELETED &&
                dn->instance_path != NULL && pnpsim__stricmp(dn->instance_path, path) == 0)
                return dn;
        }
        return NULL;
    }
    for (PLIST_ENTRY e = sys->all_devices.Flink; e != &sys->all_devices; e = e->Flink) {
        pnpsim_device *dn = CONTAINING_RECORD(e, pnpsim_device, all_link);
        if (dn->state != PNPSIM_DEVICE_DELETED && dn->instance_path != NULL &&
            pnpsim__stricmp(dn->instance_path, path) == 0)
            return dn;
    }
    return NULL;
}

/* ---- the root and the simulator's bus ------------------------------------------------ */

static NTSTATUS create_sim_pdo(pnpsim_system *sys, PDEVICE_OBJECT *out)
{
    NTSTATUS status;
    PDEVICE_OBJECT pdo;
    status = pnpsim__device_object_create(sys, &sys->sim_bus->drv, 0, NULL, FILE_DEVICE_BUS_EXTENDER,
                                          FILE_AUTOGENERATED_DEVICE_NAME, FALSE, &pdo);
    if (!NT_SUCCESS(status))
        return status;
    pdo->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    pdo->Flags |= DO_BUS_ENUMERATED_DEVICE;
    pnpsim__devobj_from(pdo)->sim_pdo = true;
    *out = pdo;
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__system_build_root(pnpsim_system *sys)
{
    PDEVICE_OBJECT pdo;
    pnpsim_device *root;
    NTSTATUS status;
    if (sys->sim_bus == NULL) {
        status = pnpsim__driver_create_sim_bus(sys);
        if (!NT_SUCCESS(status))
            return status;
    }
    status = create_sim_pdo(sys, &pdo);
    if (!NT_SUCCESS(status))
        return status;
    root = pnpsim__devnode_new(sys, NULL, pdo, true);
    if (root == NULL) {
        IoDeleteDevice(pdo);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    /* The creation reference of the PDO now belongs to the device node's life. */
    root->is_root = true;
    root->reported = true;
    root->device_id = pnpsim__strdup(sys, "HTREE\\ROOT");
    root->bus_instance_id = pnpsim__strdup(sys, "0");
    root->instance_id = pnpsim__strdup(sys, "0");
    root->instance_path = pnpsim__strdup(sys, "HTREE\\ROOT\\0");
    {
        const char *ids[] = {"HTREE\\ROOT", NULL};
        const char *none[] = {NULL};
        root->hardware_ids = dup_list(sys, ids);
        root->compatible_ids = dup_list(sys, none);
    }
    pnpsim__caps_prefill(&root->caps);
    root->caps.UniqueID = TRUE;
    if (root->device_id == NULL || root->instance_id == NULL || root->instance_path == NULL ||
        root->bus_instance_id == NULL || root->hardware_ids == NULL ||
        root->compatible_ids == NULL) {
        devnode_free(sys, root);
        IoDeleteDevice(pdo);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    root->state = PNPSIM_DEVICE_STARTED;
    pnpsim__lock(sys);
    pnpsim__devnode_link(root);
    sys->root = root;
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

/* ---- native API: creation and settings ------------------------------------------------ */

NTSTATUS pnpsim_device_create(pnpsim_system *sys, pnpsim_device *parent, const char *device_id,
                              const char *instance_id, pnpsim_device **out)
{
    PDEVICE_OBJECT pdo;
    pnpsim_device *dn;
    NTSTATUS status;

    if (out != NULL)
        *out = NULL;
    if (sys == NULL || out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_create: sys and out are required");
    if (pnpsim__fault_ddi(sys, "pnpsim_device_create", &status)) /* fault.h */
        return status;
    if (!valid_id_utf8(device_id, true, 200) || device_id[0] == '\\' ||
        device_id[strlen(device_id) - 1] == '\\')
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_create: \"%s\" is not a valid device ID (printable "
                              "ASCII above space, no ',')",
                              device_id ? device_id : "(null)");
    if (!valid_id_utf8(instance_id, false, 200))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_create: \"%s\" is not a valid instance ID (no '\\', "
                              "printable ASCII above space, no ',')",
                              instance_id ? instance_id : "(null)");
    if (parent == NULL)
        parent = sys->root;
    if (parent->sys != sys)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_create: the parent belongs to another system");
    pnpsim__harness_enter(sys);
    pnpsim__lock(sys);
    if (parent->state != PNPSIM_DEVICE_STARTED) {
        pnpsim__unlock(sys);
        pnpsim__harness_leave(sys);
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "pnpsim_device_create: the parent %s is not started",
                              parent->instance_path);
    }
    pnpsim__unlock(sys);

    status = create_sim_pdo(sys, &pdo);
    if (!NT_SUCCESS(status)) {
        pnpsim__harness_leave(sys);
        return pnpsim__status(status, "pnpsim_device_create: could not create the PDO");
    }
    dn = pnpsim__devnode_new(sys, parent, pdo, true);
    if (dn == NULL || (dn->device_id = pnpsim__strdup(sys, device_id)) == NULL ||
        (dn->bus_instance_id = pnpsim__strdup(sys, instance_id)) == NULL) {
        if (dn != NULL)
            devnode_free(sys, dn);
        IoDeleteDevice(pdo);
        pnpsim__harness_leave(sys);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_device_create: no memory");
    }
    /* The simulated PDO answers from these settings; the PnP manager then identifies it
     * through IRPs exactly as it would a driver's PDO. */
    status = pnpsim__devnode_identify(dn);
    if (NT_SUCCESS(status)) {
        pnpsim__lock(sys);
        if (pnpsim__devnode_find_locked(sys, dn->instance_path) != NULL) {
            pnpsim__unlock(sys);
            status = pnpsim__status(STATUS_OBJECT_NAME_COLLISION,
                                    "pnpsim_device_create: %s already exists", dn->instance_path);
        } else {
            dn->reported = true;
            pnpsim__devnode_link(dn);
            pnpsim__unlock(sys);
        }
    }
    if (!NT_SUCCESS(status)) {
        devnode_free(sys, dn);
        IoDeleteDevice(pdo);
        pnpsim__harness_leave(sys);
        return status;
    }
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, NULL, NULL, "device %s created under %s",
                  dn->instance_path, parent->instance_path);
    *out = dn;
    pnpsim__harness_leave(sys);
    return STATUS_SUCCESS;
}

static bool settable(pnpsim_device *dn)
{
    return dn != NULL && dn->sim_owned && !dn->is_root &&
           (dn->state == PNPSIM_DEVICE_INITIALIZED || dn->state == PNPSIM_DEVICE_REMOVED);
}

NTSTATUS pnpsim_device_set_ids(pnpsim_device *dev, const char *const *hardware_ids,
                               const char *const *compatible_ids)
{
    pnpsim_system *sys;
    char **hw = NULL, **compat = NULL, **old_hw, **old_compat;
    NTSTATUS status;
    if (dev == NULL || !dev->sim_owned || dev->is_root)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_set_ids: not a simulator-owned device");
    sys = dev->sys;
    for (int l = 0; l < 2; l++) {
        const char *const *list = l == 0 ? hardware_ids : compatible_ids;
        for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
            if (!valid_id_utf8(list[i], true, 200))
                return pnpsim__status(STATUS_INVALID_PARAMETER,
                                      "pnpsim_device_set_ids: \"%s\" is not a valid ID", list[i]);
        }
    }
    if (hardware_ids != NULL && hardware_ids[0] == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_set_ids: the hardware ID list is empty");
    if (!settable(dev))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "pnpsim_device_set_ids: %s is in state %s", dev->instance_path,
                              pnpsim_device_state_name(dev->state));
    if (hardware_ids != NULL && (hw = dup_list(sys, hardware_ids)) == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_device_set_ids: no memory");
    if (compatible_ids != NULL && (compat = dup_list(sys, compatible_ids)) == NULL) {
        free_list(sys, hw);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_device_set_ids: no memory");
    }
    pnpsim__lock(sys);
    old_hw = dev->sim_hardware_ids;
    old_compat = dev->sim_compatible_ids;
    if (hw != NULL)
        dev->sim_hardware_ids = hw;
    if (compat != NULL)
        dev->sim_compatible_ids = compat;
    pnpsim__unlock(sys);
    /* Re-identify so the PnP manager's copy matches what the PDO now reports. */
    pnpsim__harness_enter(sys);
    status = pnpsim__devnode_identify(dev);
    pnpsim__harness_leave(sys);
    /* The old lists go once the new ones are in use; a failed identify (out of memory)
     * puts them back, so the device is as it was. */
    pnpsim__lock(sys);
    if (!NT_SUCCESS(status)) {
        dev->sim_hardware_ids = old_hw;
        dev->sim_compatible_ids = old_compat;
        old_hw = hw;
        old_compat = compat;
    }
    if (hw != NULL)
        free_list(sys, old_hw);
    if (compat != NULL)
        free_list(sys, old_compat);
    pnpsim__unlock(sys);
    return status;
}

NTSTATUS pnpsim_device_set_unique_id(pnpsim_device *dev, BOOLEAN unique)
{
    NTSTATUS status;
    char *old_path;
    if (dev == NULL || !dev->sim_owned || dev->is_root)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_set_unique_id: not a simulator-owned device");
    if (!settable(dev))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "pnpsim_device_set_unique_id: %s is in state %s",
                              dev->instance_path, pnpsim_device_state_name(dev->state));
    pnpsim__lock(dev->sys);
    dev->unique_id = unique ? TRUE : FALSE;
    old_path = pnpsim__strdup(dev->sys, dev->instance_path);
    pnpsim__unlock(dev->sys);
    pnpsim__harness_enter(dev->sys);
    status = pnpsim__devnode_identify(dev);
    pnpsim__harness_leave(dev->sys);
    if (NT_SUCCESS(status) && old_path != NULL && strcmp(old_path, dev->instance_path) != 0)
        pnpsim__trace(dev->sys, PNPSIM_TRACE_DEVICE, dev, NULL, NULL, "instance path %s -> %s",
                      old_path, dev->instance_path);
    pnpsim__free(dev->sys, old_path);
    return status;
}

/* ---- native API: look-ups and getters ------------------------------------------------ */

pnpsim_device *pnpsim__devnode_of(PDEVICE_OBJECT dev)
{
    pnpsim__devobj *w = pnpsim__devobj_from(dev);
    return w != NULL ? w->devnode : NULL;
}

PDEVICE_OBJECT pnpsim_device_pdo(pnpsim_device *dev)
{
    return dev != NULL && dev->pdo != NULL ? &dev->pdo->dev : NULL;
}

PDEVICE_OBJECT pnpsim_device_top(pnpsim_device *dev)
{
    if (dev == NULL || dev->pdo == NULL)
        return NULL;
    return pnpsim__stack_top(&dev->pdo->dev);
}

pnpsim_device *pnpsim_device_find(pnpsim_system *sys, const char *instance_path)
{
    pnpsim_device *dn;
    if (sys == NULL || instance_path == NULL)
        return NULL;
    pnpsim__lock(sys);
    dn = pnpsim__devnode_find_locked(sys, instance_path);
    pnpsim__unlock(sys);
    return dn;
}

pnpsim_device *pnpsim_device_from_object(PDEVICE_OBJECT device_object)
{
    return pnpsim__devnode_of(device_object);
}

pnpsim_device *pnpsim_device_root(pnpsim_system *sys)
{
    return sys != NULL ? sys->root : NULL;
}

pnpsim_device *pnpsim_device_parent(pnpsim_device *dev)
{
    return dev != NULL ? dev->parent : NULL;
}

pnpsim_device *pnpsim_device_first_child(pnpsim_device *dev)
{
    pnpsim_device *c = NULL;
    if (dev == NULL)
        return NULL;
    pnpsim__lock(dev->sys);
    if (!IsListEmpty(&dev->children))
        c = CONTAINING_RECORD(dev->children.Flink, pnpsim_device, sibling_link);
    pnpsim__unlock(dev->sys);
    return c;
}

pnpsim_device *pnpsim_device_next_sibling(pnpsim_device *dev)
{
    pnpsim_device *c = NULL;
    if (dev == NULL || dev->parent == NULL)
        return NULL;
    pnpsim__lock(dev->sys);
    if (dev->sibling_link.Flink != &dev->parent->children && dev->sibling_link.Flink != &dev->sibling_link)
        c = CONTAINING_RECORD(dev->sibling_link.Flink, pnpsim_device, sibling_link);
    pnpsim__unlock(dev->sys);
    return c;
}

const char *pnpsim_device_instance_path(pnpsim_device *dev)
{
    return dev != NULL ? dev->instance_path : NULL;
}

const char *pnpsim_device_id(pnpsim_device *dev)
{
    return dev != NULL ? dev->device_id : NULL;
}

const char *pnpsim_device_instance_id(pnpsim_device *dev)
{
    return dev != NULL ? dev->instance_id : NULL;
}

pnpsim_device_state pnpsim_device_get_state(pnpsim_device *dev)
{
    pnpsim_device_state st;
    if (dev == NULL)
        return PNPSIM_DEVICE_DELETED;
    pnpsim__lock(dev->sys);
    st = dev->state;
    pnpsim__unlock(dev->sys);
    return st;
}

ULONG pnpsim_device_problem(pnpsim_device *dev)
{
    return dev != NULL ? dev->problem : 0;
}

ULONG pnpsim_device_open_count(pnpsim_device *dev)
{
    ULONG n;
    if (dev == NULL)
        return 0;
    pnpsim__lock(dev->sys);
    n = (ULONG)dev->open_handles;
    pnpsim__unlock(dev->sys);
    return n;
}

/* ---- teardown ---------------------------------------------------------------------------- */

/* Free every device node (shutdown). Devices still present are removed first by the
 * caller (pnp.c); here they are just released. Caller holds no lock. */
void pnpsim__devnode_free_all(pnpsim_system *sys)
{
    pnpsim__lock(sys);
    devpath_abandon(sys);   /* lookups scan until every node is gone... */
    sys->devpaths = NULL;   /* ...then the index starts again with the next device */
    pnpsim__unlock(sys);
    for (;;) {
        pnpsim_device *dn = NULL;
        pnpsim__lock(sys);
        if (!IsListEmpty(&sys->all_devices)) {
            /* Newest first: children were created after their parents. */
            dn = CONTAINING_RECORD(RemoveTailList(&sys->all_devices), pnpsim_device, all_link);
            RemoveEntryList(&dn->sibling_link);
            InitializeListHead(&dn->sibling_link);
            if (dn == sys->root)
                sys->root = NULL;
        }
        pnpsim__unlock(sys);
        if (dn == NULL)
            break;
        devnode_free(sys, dn);
    }
}
