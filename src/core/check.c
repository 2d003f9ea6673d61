/* SPDX-License-Identifier: MIT */
/*
 * This file implements the invariant checker, pnpsim_system_check (include/pnpsim/fault.h):
 * a walk over every index and cross-reference of a system that reports the first one that
 * does not hold. Fault-injection tests run it after every failed call to prove that the
 * failure left nothing half-done. The structures declared in pnpsim_int.h (device tree,
 * device stacks, drivers, bindings, the work queue, the allocator) are walked directly under
 * the system lock; the interface registry, whose records are private to iface.c, is checked
 * through its own look-ups against the persistent truth (the DeviceClasses keys of the
 * registry store): every registered class lists its instances, each one is found again by
 * name with the same class, device and state, appears in its device's list, and is enabled
 * only while its device is present.
 */
#include "fault_int.h"
#include "notify.h"
#include "qi.h" /* pnpsim__qi_check_locked */
#include "registry.h"
#include "pnpsim/iface.h"

#define MAX_STACK 64

typedef struct checker {
    pnpsim_system *sys;
    char why[240];
    bool failed;
} checker;

static bool fail(checker *c, const char *fmt, ...) PNPSIM_PRINTF(2, 3);
static bool fail(checker *c, const char *fmt, ...)
{
    va_list ap;
    if (!c->failed) {
        va_start(ap, fmt);
        vsnprintf(c->why, sizeof(c->why), fmt, ap);
        va_end(ap);
        c->failed = true;
    }
    return false;
}

/* A doubly linked list headed by head is whole: every Flink's Blink points back and the
 * walk ends at the head within limit steps. *n receives the length. */
static bool list_ok(checker *c, const LIST_ENTRY *head, size_t limit, size_t *n, const char *what)
{
    size_t k = 0;
    const LIST_ENTRY *e = head;
    do {
        if (e->Flink == NULL || e->Flink->Blink != e)
            return fail(c, "%s: list link broken after %zu entries", what, k);
        e = e->Flink;
        if (e != head && ++k > limit)
            return fail(c, "%s: list does not end (cycle?)", what);
    } while (e != head);
    if (n != NULL)
        *n = k;
    return true;
}

static bool in_all_devices(pnpsim_system *sys, const pnpsim_device *dn)
{
    for (PLIST_ENTRY e = sys->all_devices.Flink; e != &sys->all_devices; e = e->Flink) {
        if (CONTAINING_RECORD(e, pnpsim_device, all_link) == dn)
            return true;
    }
    return false;
}

static bool is_live_driver(pnpsim_system *sys, PDRIVER_OBJECT drv)
{
    for (PLIST_ENTRY e = sys->drivers.Flink; e != &sys->drivers; e = e->Flink) {
        if (&CONTAINING_RECORD(e, pnpsim__driver, link)->drv == drv)
            return true;
    }
    return false;
}

/* One device node: its links, its name and index entry, its stack. Caller holds the lock. */
static bool check_devnode(checker *c, pnpsim_device *dn, size_t ndev)
{
    pnpsim_system *sys = c->sys;
    const char *p = dn->instance_path != NULL ? dn->instance_path : "(no path)";
    size_t nchild;

    if (dn->sys != sys)
        return fail(c, "device %s: belongs to another system", p);
    if (dn->state == PNPSIM_DEVICE_DELETED)
        return true; /* kept for late references; no longer in the tree */
    if (dn->instance_path == NULL || dn->device_id == NULL || dn->instance_id == NULL)
        return fail(c, "device %p: no instance path, device ID or instance ID", (void *)dn);
    if (!dn->is_root) {
        size_t dl = strlen(dn->device_id);
        if (strncmp(dn->instance_path, dn->device_id, dl) != 0 || dn->instance_path[dl] != '\\' ||
            strcmp(dn->instance_path + dl + 1, dn->instance_id) != 0)
            return fail(c, "device %s: instance path is not device ID \\ instance ID (%s, %s)",
                        p, dn->device_id, dn->instance_id);
    }
    if (pnpsim__devnode_find_locked(sys, dn->instance_path) != dn)
        return fail(c, "device %s: the instance-path index does not find it", p);
    if (dn->is_root) {
        if (dn != sys->root || dn->parent != NULL || dn->level != 0)
            return fail(c, "device %s: a root that is not sys->root or has a parent", p);
    } else {
        bool found = false;
        if (dn->parent == NULL || !in_all_devices(sys, dn->parent))
            return fail(c, "device %s: parent missing or not a device of the system", p);
        if (dn->parent->state == PNPSIM_DEVICE_DELETED)
            return fail(c, "device %s: its parent %s is deleted", p, dn->parent->instance_path);
        if (dn->level != dn->parent->level + 1)
            return fail(c, "device %s: level %u under a parent of level %u", p, dn->level,
                        dn->parent->level);
        for (PLIST_ENTRY e = dn->parent->children.Flink; e != &dn->parent->children;
             e = e->Flink)
            found = found || CONTAINING_RECORD(e, pnpsim_device, sibling_link) == dn;
        if (!found)
            return fail(c, "device %s: not in its parent's child list", p);
    }
    if (!list_ok(c, &dn->children, ndev, &nchild, p))
        return false;
    for (PLIST_ENTRY e = dn->children.Flink; e != &dn->children; e = e->Flink) {
        pnpsim_device *ch = CONTAINING_RECORD(e, pnpsim_device, sibling_link);
        if (ch->parent != dn)
            return fail(c, "device %s: child %s names another parent", p,
                        ch->instance_path ? ch->instance_path : "?");
    }
    /* The stack, bottom up: every device object names this node and the one below. */
    if (dn->pdo != NULL) {
        PDEVICE_OBJECT below = NULL, d = &dn->pdo->dev;
        int depth = 0;
        if (dn->pdo->hdr.magic != PNPSIM__OB_MAGIC || dn->pdo->hdr.type != IO_TYPE_DEVICE)
            return fail(c, "device %s: the PDO has no device object header", p);
        if (!dn->pdo->is_pdo)
            return fail(c, "device %s: the PDO is not marked as a PDO", p);
        for (; d != NULL; below = d, d = d->AttachedDevice) {
            pnpsim__devobj *o = pnpsim__devobj_from(d);
            if (o == NULL)
                return fail(c, "device %s: a device object in its stack has no header", p);
            if (++depth > MAX_STACK)
                return fail(c, "device %s: the stack does not end (cycle?)", p);
            if (o->devnode != dn)
                return fail(c, "device %s: a device object of its stack names another device "
                               "node", p);
            if (below != NULL && o->ext.AttachedTo != below)
                return fail(c, "device %s: AttachedDevice and AttachedTo disagree at depth %d",
                            p, depth);
            if (d->DriverObject != NULL && !is_live_driver(sys, d->DriverObject))
                return fail(c, "device %s: a device object of a driver not in the driver list",
                            p);
        }
    }
    return true;
}

/* Everything pnpsim_int.h declares. Caller holds the lock. */
static bool check_locked(checker *c)
{
    pnpsim_system *sys = c->sys;
    size_t ndev, ndrv, nbind, nwork, roots = 0;

    if (!list_ok(c, &sys->all_devices, 1u << 24, &ndev, "all devices") ||
        !list_ok(c, &sys->drivers, 1u << 20, &ndrv, "drivers") ||
        !list_ok(c, &sys->bindings, 1u << 20, &nbind, "bindings") ||
        !list_ok(c, &sys->work, 1u << 24, &nwork, "work queue"))
        return false;
    if (nwork != sys->work_count)
        return fail(c, "work queue: %zu items queued but work_count is %zu", nwork,
                    sys->work_count);
    if (sys->root == NULL || !in_all_devices(sys, sys->root))
        return fail(c, "the root device is missing from the device list");
    for (PLIST_ENTRY e = sys->all_devices.Flink; e != &sys->all_devices; e = e->Flink) {
        pnpsim_device *dn = CONTAINING_RECORD(e, pnpsim_device, all_link);
        roots += dn->is_root && dn->state != PNPSIM_DEVICE_DELETED;
        if (!check_devnode(c, dn, ndev))
            return false;
    }
    if (roots != 1)
        return fail(c, "%zu root devices", roots);

    for (PLIST_ENTRY e = sys->drivers.Flink; e != &sys->drivers; e = e->Flink) {
        pnpsim__driver *d = CONTAINING_RECORD(e, pnpsim__driver, link);
        if (d->hdr.magic != PNPSIM__OB_MAGIC || d->hdr.type != IO_TYPE_DRIVER || d->hdr.sys != sys)
            return fail(c, "driver list: an entry is not a driver object of this system");
        if (d->service_name == NULL)
            return fail(c, "driver list: a driver without a service name");
        if (d->drv.DriverExtension != &d->ext || d->ext.DriverObject != &d->drv)
            return fail(c, "driver %s: DriverExtension does not point back", d->service_name);
        {
            /* The NextDevice chain and its back links (IoDeleteDevice unlinks through them). */
            PDEVICE_OBJECT prev = NULL;
            size_t n = 0;
            for (PDEVICE_OBJECT o = d->drv.DeviceObject; o != NULL; o = o->NextDevice) {
                if (pnpsim__devobj_from(o) == NULL || o->DriverObject != &d->drv)
                    return fail(c, "driver %s: its device chain holds a device object of "
                                   "another driver", d->service_name);
                if (PNPSIM_DEVOBJ(o)->prev_device != prev)
                    return fail(c, "driver %s: a device's back link in the NextDevice chain is "
                                   "wrong", d->service_name);
                if (++n > (1u << 24))
                    return fail(c, "driver %s: the device chain loops", d->service_name);
                prev = o;
            }
        }
        for (PLIST_ENTRY f = e->Flink; f != &sys->drivers; f = f->Flink) {
            pnpsim__driver *o = CONTAINING_RECORD(f, pnpsim__driver, link);
            if (o->service_name != NULL && pnpsim__stricmp(o->service_name, d->service_name) == 0 &&
                !o->unloaded && !d->unloaded)
                return fail(c, "driver list: two loaded drivers named %s", d->service_name);
        }
    }
    for (PLIST_ENTRY e = sys->bindings.Flink; e != &sys->bindings; e = e->Flink) {
        pnpsim__binding *b = CONTAINING_RECORD(e, pnpsim__binding, link);
        if (b->hwid == NULL || b->driver == NULL || !is_live_driver(sys, &b->driver->drv))
            return fail(c, "binding %s: its driver is not in the driver list",
                        b->hwid ? b->hwid : "?");
    }
    return true;
}

/* Pool accounting: each driver's counters match the pool tracker. No lock held. */
static bool check_pool(checker *c)
{
    pnpsim_system *sys = c->sys;
    size_t n = 0, total, sum = 0;
    PDRIVER_OBJECT drv[256];
    unsigned long live[256];
    const char *names[256];
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = sys->drivers.Flink; e != &sys->drivers && n < 256; e = e->Flink) {
        pnpsim__driver *d = CONTAINING_RECORD(e, pnpsim__driver, link);
        if (d->unloaded)
            continue; /* its leaks were reported at unload and its counters frozen */
        drv[n] = &d->drv;
        live[n] = d->pool_live;
        names[n++] = d->service_name;
    }
    pnpsim__unlock(sys);
    total = pnpsim_system_pool_outstanding(sys, NULL);
    for (size_t i = 0; i < n; i++) {
        size_t got = pnpsim_system_pool_outstanding(sys, drv[i]);
        if (got != live[i])
            return fail(c, "pool: driver %s owns %zu blocks but its counter says %lu", names[i],
                        got, live[i]);
        sum += got;
    }
    if (sum > total)
        return fail(c, "pool: drivers own %zu blocks, more than the %zu outstanding", sum, total);
    return true;
}

/* ---- interfaces ------------------------------------------------------------------------ */

static bool same_guid(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

static bool str_eq_ci(const char *a, const char *b)
{
    return a != NULL && b != NULL && pnpsim__stricmp(a, b) == 0;
}

/* The registered classes: the subkeys of DeviceClasses that are GUIDs. */
static NTSTATUS registered_classes(checker *c, GUID **out, size_t *count)
{
    static const WCHAR path[] =
        u"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\DeviceClasses";
    pnpsim_system *sys = c->sys;
    pnpsim__regkey *dc = NULL;
    GUID *g = NULL;
    size_t n = 0;
    ULONG k;
    *out = NULL;
    *count = 0;
    pnpsim__lock(sys);
    if (pnpsim__registry_get(sys) == NULL ||
        pnpsim__regkey_open(sys, NULL, path, PNPSIM_ARRAY_SIZE(path) - 1, &dc) != STATUS_SUCCESS) {
        pnpsim__unlock(sys);
        return STATUS_SUCCESS; /* no class registered yet */
    }
    k = pnpsim__regkey_subkey_count(dc);
    if (k != 0 && (g = pnpsim__calloc(sys, k, sizeof(*g))) == NULL) {
        pnpsim__unlock(sys);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (ULONG i = 0; i < k; i++) {
        size_t len;
        const WCHAR *w = pnpsim__regkey_name(pnpsim__regkey_subkey_at(dc, i), &len);
        char a[40];
        if (len != 38)
            continue;
        for (size_t j = 0; j < len; j++)
            a[j] = w[j] < 0x80 ? (char)w[j] : '?';
        a[len] = '\0';
        if (pnpsim__guid_parse(a, len, &g[n]))
            n++;
    }
    pnpsim__unlock(sys);
    *out = g;
    *count = n;
    return STATUS_SUCCESS;
}

static bool check_interfaces(checker *c, NTSTATUS *oom)
{
    pnpsim_system *sys = c->sys;
    GUID *cls = NULL;
    size_t ncls = 0;
    bool ok = true;
    char gs[39];

    *oom = registered_classes(c, &cls, &ncls);
    if (*oom != STATUS_SUCCESS)
        return false;
    for (size_t i = 0; i < ncls && ok; i++) {
        pnpsim_iface_list *all = NULL, *on = NULL;
        size_t enabled = 0;
        pnpsim__guid_format(&cls[i], false, gs);
        if ((*oom = pnpsim_iface_list_class(sys, &cls[i], PNPSIM_IFACE_INCLUDE_DISABLED, &all)) !=
                STATUS_SUCCESS ||
            (*oom = pnpsim_iface_list_class(sys, &cls[i], 0, &on)) != STATUS_SUCCESS) {
            pnpsim_iface_list_free(sys, all);
            ok = false;
            break;
        }
        for (size_t j = 0; j < all->count && ok; j++) {
            const pnpsim_iface_info *it = &all->items[j];
            pnpsim_iface_list *by_name = NULL, *by_dev = NULL;
            bool in_dev = false;
            if (!same_guid(&it->class_guid, &cls[i])) {
                ok = fail(c, "interface %s: listed under class %s but has another class",
                          it->name, gs);
                break;
            }
            if ((*oom = pnpsim_iface_lookup(sys, it->name, &by_name)) != STATUS_SUCCESS &&
                *oom != STATUS_OBJECT_NAME_NOT_FOUND) {
                ok = false;
                break;
            }
            *oom = STATUS_SUCCESS;
            if (by_name == NULL || by_name->count != 1 ||
                !same_guid(&by_name->items[0].class_guid, &it->class_guid) ||
                !str_eq_ci(by_name->items[0].instance_path, it->instance_path) ||
                by_name->items[0].enabled != it->enabled)
                ok = fail(c, "interface %s: the name index disagrees with the class index",
                          it->name);
            pnpsim_iface_list_free(sys, by_name);
            if (!ok)
                break;
            if ((*oom = pnpsim_iface_list_device(sys, it->instance_path, &by_dev)) !=
                STATUS_SUCCESS) {
                ok = false;
                break;
            }
            for (size_t k = 0; k < by_dev->count; k++)
                in_dev = in_dev || str_eq_ci(by_dev->items[k].name, it->name);
            pnpsim_iface_list_free(sys, by_dev);
            if (!in_dev) {
                ok = fail(c, "interface %s: missing from the list of its device %s", it->name,
                          it->instance_path);
                break;
            }
            if (it->enabled) {
                pnpsim_device *dn = pnpsim_device_find(sys, it->instance_path);
                enabled++;
                if (dn == NULL || pnpsim_device_get_state(dn) == PNPSIM_DEVICE_DELETED)
                    ok = fail(c, "interface %s: enabled but its device %s is not present",
                              it->name, it->instance_path);
            }
        }
        if (ok && on->count != enabled)
            ok = fail(c, "class %s: %zu interfaces enabled but the enabled index has %zu", gs,
                      enabled, on->count);
        pnpsim_iface_list_free(sys, all);
        pnpsim_iface_list_free(sys, on);
    }
    pnpsim__free(sys, cls);
    return ok;
}

NTSTATUS pnpsim_system_check(pnpsim_system *sys)
{
    checker c;
    unsigned long nalloc;
    const char *why = NULL;
    NTSTATUS oom = STATUS_SUCCESS;
    bool ok;

    if (sys == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_system_check: sys is NULL");
    memset(&c, 0, sizeof(c));
    c.sys = sys;
    pnpsim__lock(sys);
    ok = check_locked(&c);
    if (ok && (why = pnpsim__notify_check_locked(sys)) != NULL)
        ok = fail(&c, "notifications: %s", why);
    if (ok && (why = pnpsim__qi_check_locked(sys)) != NULL)
        ok = fail(&c, "query-interface ledger: %s", why);
    if (ok && (why = pnpsim__kmdf_check_locked(sys)) != NULL)
        ok = fail(&c, "KMDF: %s", why);
    why = NULL;
    pnpsim__unlock(sys);
    if (ok && !pnpsim__alloc_check(sys, &nalloc, &why))
        ok = fail(&c, "allocator: %s", why);
    ok = ok && check_pool(&c);
    ok = ok && check_interfaces(&c, &oom);
    if (oom != STATUS_SUCCESS && !c.failed)
        return pnpsim__status(oom, "pnpsim_system_check: could not check the interfaces (%s)",
                              pnpsim_status_name(oom));
    if (!ok)
        return pnpsim__status(STATUS_INTERNAL_ERROR, "pnpsim_system_check: %s", c.why);
    return STATUS_SUCCESS;
}
