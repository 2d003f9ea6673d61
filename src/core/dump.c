/* SPDX-License-Identifier: MIT */
/*
 * This file implements the state dump (pnpsim/dump.h): a snapshot of the device tree taken
 * under the system lock (instance paths, states, the device objects of each stack with
 * their drivers and roles, drivers and their pool), then, with the lock released, each
 * device's interfaces and the outstanding query-interface references through the public
 * inspection calls. The snapshot is rendered as text, JSON or Graphviz DOT. Nothing printed
 * depends on an address: objects are named by instance path, service name, device name or
 * position, so dumps of one scenario are byte-identical from run to run.
 */
#include "pnpsim_int.h"
#include "pnpsim/dump.h"
#include "notify.h"

/* ---- a growable string ---------------------------------------------------------------- */
typedef struct sb {
    pnpsim_system *sys;
    char *buf;
    size_t len, cap;
    bool oom;
} sb;

static void sb_putn(sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        char *nb;
        while (b->len + n + 1 > cap)
            cap *= 2;
        nb = pnpsim__realloc(b->sys, b->buf, cap);
        if (nb == NULL) {
            b->oom = true;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sb_puts(sb *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

static void sb_printf(sb *b, const char *fmt, ...) PNPSIM_PRINTF(2, 3);
static void sb_printf(sb *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        sb_putn(b, small, (size_t)n);
        return;
    }
    {
        char *big = pnpsim__malloc(b->sys, (size_t)n + 1);
        if (big == NULL) {
            b->oom = true;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb_putn(b, big, (size_t)n);
        pnpsim__free(b->sys, big);
    }
}

/* A JSON string literal (or null). */
static void sb_json_str(sb *b, const char *s)
{
    if (s == NULL) {
        sb_puts(b, "null");
        return;
    }
    sb_putn(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': sb_puts(b, "\\\""); break;
        case '\\': sb_puts(b, "\\\\"); break;
        case '\n': sb_puts(b, "\\n"); break;
        case '\r': sb_puts(b, "\\r"); break;
        case '\t': sb_puts(b, "\\t"); break;
        default:
            if (c < 0x20)
                sb_printf(b, "\\u%04x", c);
            else
                sb_putn(b, (const char *)&c, 1);
        }
    }
    sb_putn(b, "\"", 1);
}

/* A DOT double-quoted string body (without the quotes). */
static void sb_dot_str(sb *b, const char *s)
{
    for (; s != NULL && *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_putn(b, "\\", 1);
        sb_putn(b, s, 1);
    }
}

/* ---- the snapshot --------------------------------------------------------------------- */
#define DUMP_MAX_STACK 16

typedef struct dump_obj {
    const char *role;
    char *driver;
    char *name;
} dump_obj;

typedef struct dump_dev {
    pnpsim_device *dn;
    char *path, *device_id, *instance_id;
    int parent;  /* index, -1 for the root */
    unsigned level;
    pnpsim_device_state state;
    ULONG problem;
    unsigned long open_handles;
    size_t nobj;
    dump_obj obj[DUMP_MAX_STACK];
    pnpsim_iface_list *ifaces;
} dump_dev;

typedef struct dump_drv {
    char *service;
    unsigned long pool_live;
    unsigned long long pool_bytes;
    bool unloaded;
} dump_drv;

typedef struct dump_ref {
    int importer; /* device index, -1: the test */
    int exporter;
    long count;
} dump_ref;

typedef struct dump_sub {
    char *subscriber;     /* service name, "test" (native API) or "user-mode" (CfgMgr32) */
    bool is_driver;
    const char *api;      /* "kernel", "native", "user-mode" */
    const char *category; /* "interface", "target-device", "hardware-profile", "instance" */
    bool all_classes;
    GUID class_guid;
    char *target;         /* target device's instance path (or CM instance filter) */
    const void *callback; /* only to number distinct callbacks; never printed */
    int callback_no;      /* 1, 2, ... per subscriber, in order of first appearance */
} dump_sub;

typedef struct dump_snap {
    dump_sub *sub;
    size_t nsub, capsub;
    pnpsim_system *sys;
    dump_dev *dev;
    size_t ndev, capdev;
    dump_drv *drv;
    size_t ndrv;
    dump_ref *ref;
    size_t nref;
    bool oom;
} dump_snap;

static char *dup_or_null(dump_snap *s, const char *str)
{
    char *d;
    if (str == NULL)
        return NULL;
    d = pnpsim__strdup(s->sys, str);
    if (d == NULL)
        s->oom = true;
    return d;
}

/* The function driver of dn as INF ranking picks it (see pnpsim__driver_stack_for). */
static pnpsim__driver *function_driver_locked(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    for (int list = 0; list < 2; list++) {
        char **ids = list == 0 ? dn->hardware_ids : dn->compatible_ids;
        for (size_t i = 0; ids != NULL && ids[i] != NULL; i++) {
            for (PLIST_ENTRY e = sys->bindings.Flink; e != &sys->bindings; e = e->Flink) {
                pnpsim__binding *b = CONTAINING_RECORD(e, pnpsim__binding, link);
                if (b->role == 0 && pnpsim__stricmp(b->hwid, ids[i]) == 0)
                    return b->driver;
            }
        }
    }
    return NULL;
}

static void snap_device_locked(dump_snap *s, pnpsim_device *dn, int parent)
{
    dump_dev *d;
    int self;
    pnpsim__driver *fn;
    bool seen_fdo = false;
    PDEVICE_OBJECT o;

    if (s->oom)
        return;
    if (s->ndev == s->capdev) {
        size_t cap = s->capdev ? s->capdev * 2 : 16;
        dump_dev *nd = pnpsim__realloc(s->sys, s->dev, cap * sizeof(*nd));
        if (nd == NULL) {
            s->oom = true;
            return;
        }
        s->dev = nd;
        s->capdev = cap;
    }
    self = (int)s->ndev++;
    d = &s->dev[self];
    memset(d, 0, sizeof(*d));
    d->dn = dn;
    d->path = dup_or_null(s, dn->instance_path);
    d->device_id = dup_or_null(s, dn->device_id);
    d->instance_id = dup_or_null(s, dn->instance_id);
    d->parent = parent;
    d->level = dn->level;
    d->state = dn->state;
    d->problem = dn->problem;
    d->open_handles = dn->open_handles;
    fn = function_driver_locked(dn);
    for (o = dn->pdo != NULL ? &dn->pdo->dev : NULL; o != NULL && d->nobj < DUMP_MAX_STACK;
         o = o->AttachedDevice) {
        pnpsim__devobj *w = pnpsim__devobj_from(o);
        pnpsim__driver *drv = pnpsim__driver_from(o->DriverObject);
        dump_obj *ob = &d->obj[d->nobj++];
        if (o == &dn->pdo->dev)
            ob->role = "PDO";
        else if (fn != NULL && drv == fn && !seen_fdo) {
            ob->role = "FDO";
            seen_fdo = true;
        } else if (fn != NULL)
            ob->role = seen_fdo ? "upper-filter" : "lower-filter";
        else
            ob->role = "device";
        ob->driver = dup_or_null(s, drv != NULL && drv->service_name ? drv->service_name : "?");
        ob->name = dup_or_null(s, w != NULL ? w->name : NULL);
    }
    for (PLIST_ENTRY e = dn->children.Flink; e != &dn->children; e = e->Flink)
        snap_device_locked(s, CONTAINING_RECORD(e, pnpsim_device, sibling_link), self);
}

static void snap_free(dump_snap *s)
{
    for (size_t i = 0; i < s->ndev; i++) {
        dump_dev *d = &s->dev[i];
        pnpsim__free(s->sys, d->path);
        pnpsim__free(s->sys, d->device_id);
        pnpsim__free(s->sys, d->instance_id);
        for (size_t j = 0; j < d->nobj; j++) {
            pnpsim__free(s->sys, d->obj[j].driver);
            pnpsim__free(s->sys, d->obj[j].name);
        }
        pnpsim_iface_list_free(s->sys, d->ifaces);
    }
    pnpsim__free(s->sys, s->dev);
    for (size_t i = 0; i < s->ndrv; i++)
        pnpsim__free(s->sys, s->drv[i].service);
    pnpsim__free(s->sys, s->drv);
    pnpsim__free(s->sys, s->ref);
    for (size_t i = 0; i < s->nsub; i++) {
        pnpsim__free(s->sys, s->sub[i].subscriber);
        pnpsim__free(s->sys, s->sub[i].target);
    }
    pnpsim__free(s->sys, s->sub);
}

static void add_ref(dump_snap *s, int importer, int exporter, long count)
{
    dump_ref *nr;
    if (s->oom)
        return;
    nr = pnpsim__realloc(s->sys, s->ref, (s->nref + 1) * sizeof(*nr));
    if (nr == NULL) {
        s->oom = true;
        return;
    }
    s->ref = nr;
    s->ref[s->nref].importer = importer;
    s->ref[s->nref].exporter = exporter;
    s->ref[s->nref].count = count;
    s->nref++;
}

/* One live notification registration (pnpsim__notify_foreach_locked). Caller holds
 * sys->lock. */
static void snap_sub_locked(void *ctx, const pnpsim__notify_reg *r)
{
    dump_snap *s = ctx;
    dump_sub *d;
    const char *who = r->who != NULL ? r->who : "";
    pnpsim__driver *drv = r->driver != NULL ? pnpsim__driver_from(r->driver) : NULL;
    if (s->oom)
        return;
    if (s->nsub == s->capsub) {
        size_t cap = s->capsub ? s->capsub * 2 : 8;
        dump_sub *n = pnpsim__realloc(s->sys, s->sub, cap * sizeof(*n));
        if (n == NULL) {
            s->oom = true;
            return;
        }
        s->sub = n;
        s->capsub = cap;
    }
    d = &s->sub[s->nsub++];
    memset(d, 0, sizeof(*d));
    d->is_driver = drv != NULL;
    d->api = drv != NULL ? "kernel" : strstr(who, "CM_") != NULL ? "user-mode" : "native";
    d->subscriber = dup_or_null(s, drv != NULL   ? (drv->service_name ? drv->service_name : "?")
                                   : strcmp(d->api, "user-mode") == 0 ? "user-mode"
                                                                       : "test");
    switch (r->category) {
    case PNPSIM__NOTIFY_CAT_INTERFACE: d->category = "interface"; break;
    case PNPSIM__NOTIFY_CAT_TARGET: d->category = "target-device"; break;
    case PNPSIM__NOTIFY_CAT_HWPROFILE: d->category = "hardware-profile"; break;
    default: d->category = "device-instance"; break;
    }
    d->all_classes = r->all_classes;
    d->class_guid = r->class_guid;
    if (r->category == PNPSIM__NOTIFY_CAT_TARGET && r->target != NULL)
        d->target = dup_or_null(s, r->target->instance_path);
    else if (r->category == PNPSIM__NOTIFY_CAT_INSTANCE && r->instance_path != NULL)
        d->target = dup_or_null(s, r->instance_path);
    d->callback = r->a;
    d->callback_no = 1;
    for (size_t i = 0; i + 1 < s->nsub; i++) {
        const dump_sub *o = &s->sub[i];
        if (o->subscriber == NULL || d->subscriber == NULL ||
            strcmp(o->subscriber, d->subscriber) != 0)
            continue;
        if (o->callback == d->callback) {
            d->callback_no = o->callback_no;
            break;
        }
        if (o->callback_no >= d->callback_no)
            d->callback_no = o->callback_no + 1;
    }
}

static NTSTATUS snap_take(pnpsim_system *sys, dump_snap *s)
{
    size_t ndrv = 0;
    memset(s, 0, sizeof(*s));
    s->sys = sys;
    pnpsim__lock(sys);
    if (sys->root != NULL)
        snap_device_locked(s, sys->root, -1);
    for (PLIST_ENTRY e = sys->drivers.Flink; e != &sys->drivers; e = e->Flink)
        ndrv++;
    if (!s->oom && ndrv > 0) {
        s->drv = pnpsim__calloc(sys, ndrv, sizeof(*s->drv));
        if (s->drv == NULL)
            s->oom = true;
    }
    /* Drivers in load order (the list is kept in creation order). */
    for (PLIST_ENTRY e = sys->drivers.Flink; !s->oom && e != &sys->drivers; e = e->Flink) {
        pnpsim__driver *d = CONTAINING_RECORD(e, pnpsim__driver, link);
        dump_drv *o = &s->drv[s->ndrv++];
        o->service = dup_or_null(s, d->service_name ? d->service_name : "?");
        o->pool_live = d->pool_live;
        o->pool_bytes = d->pool_bytes;
        o->unloaded = d->unloaded;
    }
    pnpsim__notify_foreach_locked(sys, snap_sub_locked, s);
    pnpsim__unlock(sys);
    /* Interfaces and references through the public calls (they take the lock). */
    for (size_t i = 0; i < s->ndev && !s->oom; i++) {
        if (s->dev[i].path != NULL &&
            pnpsim_iface_list_device(sys, s->dev[i].path, &s->dev[i].ifaces) ==
                STATUS_INSUFFICIENT_RESOURCES)
            s->oom = true;
    }
    for (size_t e = 0; e < s->ndev && !s->oom; e++) {
        long total = pnpsim_qi_outstanding(sys, NULL, s->dev[e].dn, NULL), sum = 0;
        if (total <= 0)
            continue;
        for (size_t i = 0; i < s->ndev; i++) {
            long c = pnpsim_qi_outstanding(sys, NULL, s->dev[e].dn, s->dev[i].dn);
            if (c > 0) {
                add_ref(s, (int)i, (int)e, c);
                sum += c;
            }
        }
        if (total > sum)
            add_ref(s, -1, (int)e, total - sum);
    }
    if (s->oom) {
        snap_free(s);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_dump: out of memory");
    }
    return STATUS_SUCCESS;
}

/* ---- renderers ------------------------------------------------------------------------ */
static const char *importer_name(const dump_snap *s, int i)
{
    return i < 0 ? "test" : s->dev[i].path;
}

static void render_text(const dump_snap *s, sb *b)
{
    size_t outstanding = pnpsim_system_pool_outstanding(s->sys, NULL);
    sb_printf(b, "System \"%s\": %zu device node(s), %zu driver(s)\n",
              pnpsim_system_name(s->sys), s->ndev, s->ndrv);
    sb_puts(b, "Device tree (pre-order; stacks listed top first):\n");
    for (size_t i = 0; i < s->ndev; i++) {
        const dump_dev *d = &s->dev[i];
        int ind = (int)d->level * 2 + 2;
        sb_printf(b, "%*sDevNode %s\n", ind, "", d->path ? d->path : "?");
        sb_printf(b, "%*s  State %s", ind, "", pnpsim_device_state_name(d->state));
        if (d->problem != 0)
            sb_printf(b, "  Problem %lu", (unsigned long)d->problem);
        if (d->open_handles != 0)
            sb_printf(b, "  OpenHandles %lu", d->open_handles);
        sb_puts(b, "\n");
        for (size_t j = d->nobj; j-- > 0;)
            sb_printf(b, "%*s  %-12s \\Driver\\%s%s%s\n", ind, "", d->obj[j].role,
                      d->obj[j].driver, d->obj[j].name ? "  " : "",
                      d->obj[j].name ? d->obj[j].name : "");
        for (size_t j = 0; d->ifaces != NULL && j < d->ifaces->count; j++) {
            const pnpsim_iface_info *it = &d->ifaces->items[j];
            char g[39];
            pnpsim__guid_format(&it->class_guid, false, g);
            sb_printf(b, "%*s  Interface %s %s%s\n", ind, "", it->name,
                      it->enabled ? "enabled" : "disabled",
                      it->arrival_pending ? " (arrival pending start)" : "");
        }
    }
    sb_puts(b, "Drivers (load order):\n");
    for (size_t i = 0; i < s->ndrv; i++)
        sb_printf(b, "  \\Driver\\%s  pool %lu allocation(s), %llu byte(s)%s\n",
                  s->drv[i].service, s->drv[i].pool_live, s->drv[i].pool_bytes,
                  s->drv[i].unloaded ? "  (unloaded)" : "");
    sb_puts(b, "Outstanding query-interface references (importer -> exporter):\n");
    if (s->nref == 0)
        sb_puts(b, "  none\n");
    /* importer -1 is the test itself (pnpsim_qi_query). */
    for (size_t i = 0; i < s->nref; i++)
        sb_printf(b, "  %s%s -> exported from the stack of %s  x%ld\n",
                  s->ref[i].importer < 0 ? "" : "drivers of ", importer_name(s, s->ref[i].importer),
                  s->dev[s->ref[i].exporter].path, s->ref[i].count);
    sb_puts(b, "Notification subscriptions (registration order):\n");
    if (s->nsub == 0)
        sb_puts(b, "  none\n");
    for (size_t i = 0; i < s->nsub; i++) {
        const dump_sub *d = &s->sub[i];
        char g[39];
        sb_printf(b, "  %s%s  %s ", d->is_driver ? "\\Driver\\" : "", d->subscriber,
                  d->category);
        if (strcmp(d->category, "interface") == 0) {
            pnpsim__guid_format(&d->class_guid, false, g);
            sb_puts(b, d->all_classes ? "(every class)" : g);
        } else {
            sb_puts(b, d->target != NULL ? d->target : "(any)");
        }
        sb_printf(b, "  %s callback #%d\n", d->api, d->callback_no);
    }
    sb_printf(b, "Pool: %zu allocation(s) outstanding, %zu leaked at unload\n", outstanding,
              pnpsim_system_pool_leaks(s->sys));
}

static void render_json(const dump_snap *s, sb *b)
{
    sb_puts(b, "{\"schema\":\"pnpsim-dump/1\",\"system\":");
    sb_json_str(b, pnpsim_system_name(s->sys));
    sb_puts(b, ",\n\"devices\":[");
    for (size_t i = 0; i < s->ndev; i++) {
        const dump_dev *d = &s->dev[i];
        sb_puts(b, i ? ",\n {" : "\n {");
        sb_puts(b, "\"instance_path\":");
        sb_json_str(b, d->path);
        sb_puts(b, ",\"device_id\":");
        sb_json_str(b, d->device_id);
        sb_puts(b, ",\"instance_id\":");
        sb_json_str(b, d->instance_id);
        sb_puts(b, ",\"parent\":");
        sb_json_str(b, d->parent >= 0 ? s->dev[d->parent].path : NULL);
        sb_printf(b, ",\"level\":%u,\"state\":", d->level);
        sb_json_str(b, pnpsim_device_state_name(d->state));
        sb_printf(b, ",\"problem\":%lu,\"open_handles\":%lu,\"stack\":[",
                  (unsigned long)d->problem, d->open_handles);
        for (size_t j = 0; j < d->nobj; j++) {
            sb_puts(b, j ? ",{\"role\":" : "{\"role\":");
            sb_json_str(b, d->obj[j].role);
            sb_puts(b, ",\"driver\":");
            sb_json_str(b, d->obj[j].driver);
            sb_puts(b, ",\"name\":");
            sb_json_str(b, d->obj[j].name);
            sb_puts(b, "}");
        }
        sb_puts(b, "],\"interfaces\":[");
        for (size_t j = 0; d->ifaces != NULL && j < d->ifaces->count; j++) {
            const pnpsim_iface_info *it = &d->ifaces->items[j];
            char g[39];
            pnpsim__guid_format(&it->class_guid, false, g);
            sb_puts(b, j ? ",{\"name\":" : "{\"name\":");
            sb_json_str(b, it->name);
            sb_puts(b, ",\"class\":");
            sb_json_str(b, g);
            sb_puts(b, ",\"reference\":");
            sb_json_str(b, it->reference);
            sb_printf(b, ",\"enabled\":%s,\"arrival_pending\":%s}",
                      it->enabled ? "true" : "false", it->arrival_pending ? "true" : "false");
        }
        sb_puts(b, "]}");
    }
    sb_puts(b, "],\n\"drivers\":[");
    for (size_t i = 0; i < s->ndrv; i++) {
        sb_puts(b, i ? ",\n {\"service\":" : "\n {\"service\":");
        sb_json_str(b, s->drv[i].service);
        sb_printf(b, ",\"pool_allocations\":%lu,\"pool_bytes\":%llu,\"unloaded\":%s}",
                  s->drv[i].pool_live, s->drv[i].pool_bytes,
                  s->drv[i].unloaded ? "true" : "false");
    }
    sb_puts(b, "],\n\"references\":[");
    for (size_t i = 0; i < s->nref; i++) {
        sb_puts(b, i ? ",\n {\"importer\":" : "\n {\"importer\":");
        sb_json_str(b, importer_name(s, s->ref[i].importer));
        sb_puts(b, ",\"exporter\":");
        sb_json_str(b, s->dev[s->ref[i].exporter].path);
        sb_printf(b, ",\"count\":%ld}", s->ref[i].count);
    }
    sb_puts(b, "],\n\"subscriptions\":[");
    for (size_t i = 0; i < s->nsub; i++) {
        const dump_sub *d = &s->sub[i];
        char g[39];
        sb_puts(b, i ? ",\n {\"subscriber\":" : "\n {\"subscriber\":");
        sb_json_str(b, d->subscriber);
        sb_puts(b, ",\"api\":");
        sb_json_str(b, d->api);
        sb_puts(b, ",\"category\":");
        sb_json_str(b, d->category);
        sb_puts(b, ",\"class\":");
        pnpsim__guid_format(&d->class_guid, false, g);
        sb_json_str(b, strcmp(d->category, "interface") == 0 && !d->all_classes ? g : NULL);
        sb_puts(b, ",\"target\":");
        sb_json_str(b, d->target);
        sb_printf(b, ",\"callback\":%d}", d->callback_no);
    }
    sb_printf(b, "],\n\"pool\":{\"outstanding\":%zu,\"leaked\":%zu}}\n",
              pnpsim_system_pool_outstanding(s->sys, NULL), pnpsim_system_pool_leaks(s->sys));
}

/* The node a tree or reference edge attaches to: the top of the device's stack. */
static void dot_top(sb *b, const dump_snap *s, size_t i)
{
    size_t top = s->dev[i].nobj ? s->dev[i].nobj - 1 : 0;
    sb_printf(b, "d%zu_o%zu", i, top);
}

static void render_dot(const dump_snap *s, sb *b)
{
    sb_puts(b, "digraph pnpsim {\n");
    sb_puts(b, "  graph [rankdir=TB, compound=true, fontname=\"Helvetica\", label=\"");
    sb_dot_str(b, pnpsim_system_name(s->sys));
    sb_puts(b, "\", labelloc=t];\n");
    sb_puts(b, "  node [fontname=\"Helvetica\", fontsize=10];\n");
    sb_puts(b, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (size_t i = 0; i < s->ndev; i++) {
        const dump_dev *d = &s->dev[i];
        bool started = d->state == PNPSIM_DEVICE_STARTED;
        sb_printf(b, "  subgraph cluster_d%zu {\n    label=\"", i);
        sb_dot_str(b, d->path);
        sb_printf(b, "\\n%s\";\n    style=\"rounded%s\"; color=\"%s\"; fillcolor=\"%s\";\n",
                  pnpsim_device_state_name(d->state), started ? ",filled" : ",filled,dashed",
                  started ? "black" : "gray40", started ? "aliceblue" : "gray95");
        if (d->nobj == 0)
            sb_printf(b, "    d%zu_o0 [shape=point];\n", i);
        for (size_t j = d->nobj; j-- > 0;) {
            sb_printf(b, "    d%zu_o%zu [shape=box, style=filled, fillcolor=\"%s\", label=\"%s\\n",
                      i, j,
                      strcmp(d->obj[j].role, "PDO") == 0   ? "lightyellow"
                      : strcmp(d->obj[j].role, "FDO") == 0 ? "lightblue"
                                                           : "white",
                      d->obj[j].role);
            sb_puts(b, "\\\\Driver\\\\");
            sb_dot_str(b, d->obj[j].driver);
            sb_puts(b, "\"];\n");
        }
        /* The stack as a vertical group: top above bottom. */
        for (size_t j = d->nobj; j-- > 1;)
            sb_printf(b, "    d%zu_o%zu -> d%zu_o%zu [arrowhead=none, style=bold];\n", i, j, i,
                      j - 1);
        sb_puts(b, "  }\n");
        for (size_t j = 0; d->ifaces != NULL && j < d->ifaces->count; j++) {
            const pnpsim_iface_info *it = &d->ifaces->items[j];
            char g[39];
            pnpsim__guid_format(&it->class_guid, false, g);
            sb_printf(b, "  d%zu_i%zu [shape=ellipse, ", i, j);
            if (it->enabled)
                sb_puts(b, "style=filled, fillcolor=\"palegreen\", color=\"darkgreen\", label=\"");
            else
                sb_puts(b, "style=dashed, color=\"gray50\", fontcolor=\"gray40\", label=\"");
            sb_puts(b, it->enabled ? "enabled" : "disabled");
            sb_printf(b, "\\n%s", g);
            if (it->reference != NULL) {
                sb_puts(b, "\\n\\\\");
                sb_dot_str(b, it->reference);
            }
            sb_puts(b, "\"];\n");
            sb_printf(b, "  d%zu_o0 -> d%zu_i%zu [arrowhead=none, style=%s];\n", i, i, j,
                      it->enabled ? "solid" : "dashed");
        }
    }
    for (size_t i = 0; i < s->ndev; i++) {
        if (s->dev[i].parent < 0)
            continue;
        sb_printf(b, "  d%d_o0 -> ", s->dev[i].parent);
        dot_top(b, s, i);
        sb_printf(b, " [ltail=cluster_d%d, lhead=cluster_d%zu];\n", s->dev[i].parent, i);
    }
    /* Drivers with their pool usage; subscriptions as edges from the subscriber to the
     * interface class (one node per class) or to the target device. */
    for (size_t i = 0; i < s->ndrv; i++) {
        sb_printf(b, "  drv%zu [shape=component, style=filled, fillcolor=\"%s\", label=\"", i,
                  s->drv[i].pool_live != 0 ? "mistyrose" : "whitesmoke");
        sb_puts(b, "\\\\Driver\\\\");
        sb_dot_str(b, s->drv[i].service);
        sb_printf(b, "\\npool %lu allocation(s), %llu byte(s)%s\"];\n", s->drv[i].pool_live,
                  s->drv[i].pool_bytes, s->drv[i].unloaded ? "\\n(unloaded)" : "");
    }
    {
        bool test_node = false, user_node = false;
        for (size_t i = 0; i < s->nref; i++)
            test_node |= s->ref[i].importer < 0;
        for (size_t i = 0; i < s->nsub; i++) {
            test_node |= !s->sub[i].is_driver && strcmp(s->sub[i].api, "native") == 0;
            user_node |= strcmp(s->sub[i].api, "user-mode") == 0;
        }
        if (test_node)
            sb_puts(b, "  test [shape=house, label=\"test code\"];\n");
        if (user_node)
            sb_puts(b, "  usermode [shape=house, label=\"user mode (CfgMgr32)\"];\n");
    }
    for (size_t i = 0; i < s->nsub; i++) {
        const dump_sub *d = &s->sub[i];
        char g[39];
        size_t first = i;
        bool iface = strcmp(d->category, "interface") == 0;
        pnpsim__guid_format(&d->class_guid, false, g);
        /* The class node is declared by the first subscription to that class. */
        for (size_t j = 0; iface && j < i; j++)
            if (strcmp(s->sub[j].category, "interface") == 0 &&
                s->sub[j].all_classes == d->all_classes &&
                (d->all_classes || memcmp(&s->sub[j].class_guid, &d->class_guid,
                                          sizeof(GUID)) == 0)) {
                first = j;
                break;
            }
        if (iface && first == i)
            sb_printf(b, "  cls%zu [shape=hexagon, style=filled, fillcolor=\"lightcyan\", "
                         "label=\"class\\n%s\"];\n",
                      i, d->all_classes ? "(every class)" : g);
        sb_puts(b, "  ");
        if (d->is_driver) {
            size_t k;
            for (k = 0; k < s->ndrv; k++)
                if (strcmp(s->drv[k].service, d->subscriber) == 0)
                    break;
            sb_printf(b, "drv%zu", k);
        } else {
            sb_puts(b, strcmp(d->api, "user-mode") == 0 ? "usermode" : "test");
        }
        if (iface) {
            sb_printf(b, " -> cls%zu", first);
        } else {
            size_t k;
            for (k = 0; k < s->ndev; k++)
                if (d->target != NULL && s->dev[k].path != NULL &&
                    strcmp(s->dev[k].path, d->target) == 0)
                    break;
            if (k < s->ndev) {
                sb_puts(b, " -> ");
                dot_top(b, s, k);
            } else {
                sb_printf(b, " -> sub%zu_none;\n  sub%zu_none [shape=plaintext, label=\"%s\"]",
                          i, i, d->category);
            }
        }
        sb_printf(b, " [color=\"darkorange\", fontcolor=\"darkorange\", style=dashed, "
                     "constraint=false, label=\"%s%scallback #%d\"];\n",
                  iface ? "" : d->category, iface ? "" : "\\n", d->callback_no);
    }
    for (size_t i = 0; i < s->nref; i++) {
        sb_puts(b, "  ");
        if (s->ref[i].importer < 0)
            sb_puts(b, "test");
        else
            dot_top(b, s, (size_t)s->ref[i].importer);
        sb_printf(b, " -> d%d_o0", s->ref[i].exporter);
        sb_printf(b, " [color=\"blue\", fontcolor=\"blue\", style=bold, constraint=false, "
                     "label=\"QI ref x%ld\"];\n",
                  s->ref[i].count);
    }
    sb_puts(b, "}\n");
}

static NTSTATUS render(pnpsim_system *sys, pnpsim_dump_format format, sb *b)
{
    dump_snap s;
    NTSTATUS status;
    if (sys == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_dump: NULL system");
    if (format != PNPSIM_DUMP_TEXT && format != PNPSIM_DUMP_JSON && format != PNPSIM_DUMP_DOT)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_dump: unknown format %d",
                              (int)format);
    memset(b, 0, sizeof(*b));
    b->sys = sys;
    status = snap_take(sys, &s);
    if (!NT_SUCCESS(status))
        return status;
    if (format == PNPSIM_DUMP_TEXT)
        render_text(&s, b);
    else if (format == PNPSIM_DUMP_JSON)
        render_json(&s, b);
    else
        render_dot(&s, b);
    snap_free(&s);
    if (b->oom || b->buf == NULL) {
        pnpsim__free(sys, b->buf);
        b->buf = NULL;
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_dump: out of memory");
    }
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_dump(pnpsim_system *sys, pnpsim_dump_format format, FILE *f)
{
    sb b;
    NTSTATUS status;
    if (f == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_dump: NULL FILE");
    status = render(sys, format, &b);
    if (!NT_SUCCESS(status))
        return status;
    fwrite(b.buf, 1, b.len, f);
    fflush(f);
    pnpsim__free(sys, b.buf);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_dump_string(pnpsim_system *sys, pnpsim_dump_format format, char **out)
{
    sb b;
    NTSTATUS status;
    if (out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_dump_string: NULL out");
    *out = NULL;
    status = render(sys, format, &b);
    if (NT_SUCCESS(status))
        *out = b.buf;
    return status;
}

void pnpsim_dump_free(pnpsim_system *sys, char *s)
{
    if (sys != NULL && s != NULL)
        pnpsim__free(sys, s);
}

int pnpsim_dump_format_parse(const char *name, pnpsim_dump_format *out)
{
    if (name == NULL || out == NULL)
        return -1;
    if (pnpsim__stricmp(name, "text") == 0)
        *out = PNPSIM_DUMP_TEXT;
    else if (pnpsim__stricmp(name, "json") == 0)
        *out = PNPSIM_DUMP_JSON;
    else if (pnpsim__stricmp(name, "dot") == 0)
        *out = PNPSIM_DUMP_DOT;
    else
        return -1;
    return 0;
}
