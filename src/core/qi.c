/* SPDX-License-Identifier: MIT */
/*
 * This file implements driver-to-driver interfaces (windows-semantics.md §9): the native
 * query (pnpsim_qi_query, an IRP_MN_QUERY_INTERFACE sent as a driver sends it, into a
 * guarded buffer), the exporters tests give simulated PDOs (pnpsim_qi_provide), and the
 * reference ledger. Every successful query is recorded when its completion starts (the
 * verifier's IofCompleteRequest hook calls pnpsim__qi_capture): the INTERFACE the exporter
 * returned is checked, and its InterfaceReference / InterfaceDereference are replaced by
 * ledger trampolines that find the record by Context, count, and forward to the exporter's
 * routines. Leaks (at the importer's removal, its driver's unload, system destroy), releases
 * below zero, use after the exporter's removal, Size/Version the importer did not ask for
 * and malformed INTERFACEs are verifier reports (0xC4 with pnpsim's PNPSIM_C4_QI_* codes).
 *
 * Lock contract: the ledger is guarded by sys->lock; exporter routines are called without
 * it.
 */
#include "qi.h"

#include "pnpsim/wdk/wdmguid.h"

#define GUARD_BYTES 32
#define GUARD_FILL 0xA5
#define DESC 200

typedef struct qi_entry {
    LIST_ENTRY link;
    unsigned long id;
    GUID guid;
    USHORT asked_size, asked_version, size, version;
    PVOID context;
    PINTERFACE buffer;              /* the query's buffer (compare only) */
    PINTERFACE_REFERENCE ref;       /* the exporter's routines */
    PINTERFACE_DEREFERENCE deref;
    PDEVICE_OBJECT exporter;        /* compare only */
    pnpsim_device *exporter_dn;
    PDRIVER_OBJECT importer_drv;    /* NULL: the test */
    pnpsim_device *importer_dn;     /* NULL: the test */
    long outstanding;
    unsigned long refs, derefs;
    bool exporter_gone;
    bool leak_reported;
    char iface_name[64];
    char exporter_desc[DESC];
    char importer_desc[DESC];
} qi_entry;

typedef struct qi_provider {
    LIST_ENTRY link;
    pnpsim_device *dn;
    GUID guid;
    unsigned char *tmpl;
    USHORT size, version;
    bool active;
    bool own_routines;               /* pnpsim's counting pair */
    PVOID context;
    volatile long refs;
} qi_provider;

struct pnpsim__qi_state {
    LIST_ENTRY entries;              /* first: a white-box checker test reaches it by a cast */
    LIST_ENTRY providers;
    LIST_ENTRY busstd;               /* bus_interface.c's per-device records */
    LIST_ENTRY released;             /* entries whose references all went, newest last */
    size_t released_count;
    unsigned long next_id;           /* also the number of queries ever recorded */
};

/* Released entries are kept for a while, so a release after the last one (an
 * over-release) or a late call is still recognised; older ones are freed, which keeps the
 * lookups short however many queries a long test makes. */
#define RELEASED_KEPT 64

/* Every entry of q: the active ones, then the released ones. */
#define FOR_EACH_ENTRY(q, x, ...)                                                          \
    do {                                                                                   \
        LIST_ENTRY *lists_[2] = {&(q)->entries, &(q)->released};                           \
        for (int li_ = 0; li_ < 2; li_++) {                                                \
            for (PLIST_ENTRY e_ = lists_[li_]->Blink; e_ != lists_[li_]; e_ = e_->Blink) { \
                qi_entry *x = CONTAINING_RECORD(e_, qi_entry, link);                       \
                __VA_ARGS__                                                                \
            }                                                                              \
        }                                                                                  \
    } while (0)

static struct pnpsim__qi_state *qi_state(pnpsim_system *sys, bool create)
{
    PNPSIM_ASSERT_LOCKED(sys);
    if (sys->qi == NULL && create) {
        sys->qi = pnpsim__calloc(sys, 1, sizeof(*sys->qi));
        if (sys->qi != NULL) {
            InitializeListHead(&sys->qi->entries);
            InitializeListHead(&sys->qi->providers);
            InitializeListHead(&sys->qi->busstd);
            InitializeListHead(&sys->qi->released);
        }
    }
    return sys->qi;
}

LIST_ENTRY *pnpsim__qi_busstd_list(pnpsim_system *sys)
{
    struct pnpsim__qi_state *q = qi_state(sys, true);
    return q != NULL ? &q->busstd : NULL;
}

/* Append s to buf (size bytes, *at used), truncating, always terminated. The ledger builds
 * its descriptions on every query: plain copies, not snprintf. */
static void cat(char *buf, size_t size, size_t *at, const char *s)
{
    size_t n = strlen(s);
    if (*at + 1 >= size)
        return;
    if (n > size - 1 - *at)
        n = size - 1 - *at;
    memcpy(buf + *at, s, n);
    *at += n;
    buf[*at] = 0;
}

static void copy_str(char *buf, size_t size, const char *s)
{
    size_t at = 0;
    buf[0] = 0;
    cat(buf, size, &at, s);
}

static void guid_label(const GUID *g, char *buf, size_t size)
{
    char s[39];
    size_t at = 0;
    buf[0] = 0;
    if (memcmp(g, &GUID_BUS_INTERFACE_STANDARD, sizeof(GUID)) == 0) {
        cat(buf, size, &at, "GUID_BUS_INTERFACE_STANDARD");
        return;
    }
    pnpsim__guid_format(g, false, s);
    cat(buf, size, &at, "interface ");
    cat(buf, size, &at, s);
}

static void describe_dev(PDEVICE_OBJECT dev, PDRIVER_OBJECT drv, char *buf, size_t size)
{
    pnpsim__devobj *w = pnpsim__devobj_from(dev);
    const char *name = drv != NULL ? pnpsim_driver_name(drv) : NULL;
    const char *path = w != NULL && w->devnode != NULL ? w->devnode->instance_path : NULL;
    bool pdo = w != NULL && (w->devnode != NULL ? &w->devnode->pdo->dev == dev
                                                : w->ext.AttachedTo == NULL);
    size_t at = 0;
    buf[0] = 0;
    cat(buf, size, &at, name ? name : "?");
    if (w == NULL)
        return;
    cat(buf, size, &at, pdo ? " (PDO of " : " (device of ");
    cat(buf, size, &at, path ? path : "?");
    cat(buf, size, &at, ")");
}

/* ======================================================================================
 * Trampolines
 * ==================================================================================== */

/* The record for Context: the current driver's with references first, then any with
 * references, then the newest. Lock held. */
static qi_entry *find_entry(struct pnpsim__qi_state *q, PVOID ctx, bool want_refs)
{
    PDRIVER_OBJECT cur = pnpsim__current_driver();
    qi_entry *any = NULL, *with_refs = NULL;
    if (q == NULL)
        return NULL;
    FOR_EACH_ENTRY(q, x, {
        if (x->context != ctx)
            continue;
        if (any == NULL)
            any = x;
        if (x->outstanding > 0 || !want_refs) {
            if (x->importer_drv == cur && !x->exporter_gone)
                return x;
            if (with_refs == NULL)
                with_refs = x;
        }
    });
    return with_refs != NULL ? with_refs : any;
}

static pnpsim_system *trampoline_sys(const char *ddi)
{
    return pnpsim__require_system(ddi);
}

static void report_use_after_remove(pnpsim_system *sys, qi_entry *x, const char *what)
{
    pnpsim__verifier_report(sys, PNPSIM_RULE_QI_USE_AFTER_REMOVE, what, NULL,
                            DRIVER_VERIFIER_DETECTED_VIOLATION, PNPSIM_C4_QI_USE_AFTER_REMOVE,
                            (ULONG_PTR)x->context, (ULONG_PTR)x->importer_drv,
                            (ULONG_PTR)x->exporter,
                            "%s was called on %s after its exporter %s was removed (importer "
                            "%s); release interfaces before passing IRP_MN_REMOVE_DEVICE down "
                            "and never call them afterwards (pnpsim rule %s)",
                            what, x->iface_name, x->exporter_desc, x->importer_desc,
                            PNPSIM_RULE_QI_USE_AFTER_REMOVE);
}

/* x's last reference went: keep it among the recently released. Lock held. */
static void entry_released(struct pnpsim__qi_state *q, qi_entry *x, pnpsim_system *sys)
{
    RemoveEntryList(&x->link);
    InsertTailList(&q->released, &x->link);
    if (++q->released_count > RELEASED_KEPT) {
        PLIST_ENTRY old = RemoveHeadList(&q->released);
        q->released_count--;
        pnpsim__free(sys, CONTAINING_RECORD(old, qi_entry, link));
    }
}

/* x is referenced again after its last release. Lock held. */
static void entry_revived(struct pnpsim__qi_state *q, qi_entry *x)
{
    if (x->outstanding != 0)
        return;
    RemoveEntryList(&x->link);
    q->released_count--;
    InsertTailList(&q->entries, &x->link);
}

static VOID ledger_reference(PVOID Context)
{
    pnpsim_system *sys = trampoline_sys("InterfaceReference");
    qi_entry *x;
    PINTERFACE_REFERENCE fn;
    pnpsim__lock(sys);
    x = find_entry(sys->qi, Context, false);
    if (x == NULL) {
        pnpsim__unlock(sys);
        pnpsim__trace(sys, PNPSIM_TRACE_QI, NULL, NULL, NULL,
                      "InterfaceReference(%p): no interface with this Context was handed out",
                      Context);
        return;
    }
    if (x->exporter_gone) {
        pnpsim__unlock(sys);
        report_use_after_remove(sys, x, "InterfaceReference");
        return;
    }
    entry_revived(sys->qi, x);
    x->outstanding++;
    x->refs++;
    fn = x->ref;
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_QI, NULL, pnpsim__current_driver(), NULL,
                  "InterfaceReference on %s (exported by %s): %ld outstanding", x->iface_name,
                  x->exporter_desc, x->outstanding);
    fn(Context);
}

static VOID ledger_dereference(PVOID Context)
{
    pnpsim_system *sys = trampoline_sys("InterfaceDereference");
    qi_entry *x;
    PINTERFACE_DEREFERENCE fn;
    pnpsim__lock(sys);
    x = find_entry(sys->qi, Context, true);
    if (x == NULL) {
        pnpsim__unlock(sys);
        pnpsim__trace(sys, PNPSIM_TRACE_QI, NULL, NULL, NULL,
                      "InterfaceDereference(%p): no interface with this Context was handed out",
                      Context);
        return;
    }
    if (x->outstanding <= 0) {
        pnpsim__unlock(sys);
        pnpsim__verifier_report(
            sys, PNPSIM_RULE_QI_OVER_RELEASE, "InterfaceDereference", NULL,
            DRIVER_VERIFIER_DETECTED_VIOLATION, PNPSIM_C4_QI_OVER_RELEASE, (ULONG_PTR)Context,
            (ULONG_PTR)x->importer_drv, (ULONG_PTR)x->exporter,
            "InterfaceDereference on %s (exporter %s, importer %s) with no reference "
            "outstanding: the interface was released more times than it was referenced "
            "(pnpsim rule %s)",
            x->iface_name, x->exporter_desc, x->importer_desc, PNPSIM_RULE_QI_OVER_RELEASE);
        return;
    }
    x->outstanding--;
    x->derefs++;
    fn = x->deref;
    if (x->outstanding == 0)
        entry_released(sys->qi, x, sys);
    if (x->exporter_gone) {
        pnpsim__unlock(sys);
        report_use_after_remove(sys, x, "InterfaceDereference");
        return;
    }
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_QI, NULL, pnpsim__current_driver(), NULL,
                  "InterfaceDereference on %s (exported by %s): %ld outstanding", x->iface_name,
                  x->exporter_desc, x->outstanding);
    fn(Context);
}

/* ======================================================================================
 * Recording a query
 * ==================================================================================== */

/* i already carries the ledger's trampolines: either the same query completed a second
 * time (a driver re-completed it after its completion routine), or a driver re-exported an
 * interface it imported. */
static void handed_on(pnpsim_system *sys, PINTERFACE i, PDRIVER_OBJECT exporter_drv,
                      PDRIVER_OBJECT importer_drv, pnpsim__devobj *tw, const char *name,
                      const char *idesc)
{
    struct pnpsim__qi_state *q;
    qi_entry *src = NULL, *x;
    pnpsim__lock(sys);
    q = sys->qi;
    if (q == NULL) {
        pnpsim__unlock(sys);
        return;
    }
    FOR_EACH_ENTRY(q, y, {
        if (y->context != i->Context)
            continue;
        if (y->buffer == i && y->importer_drv == importer_drv) {
            pnpsim__unlock(sys);
            return; /* completed twice: already recorded */
        }
        if (src == NULL && y->importer_drv == exporter_drv && y->outstanding > 0)
            src = y;
    });
    x = src != NULL ? pnpsim__calloc(sys, 1, sizeof(*x)) : NULL;
    if (x == NULL) {
        pnpsim__unlock(sys);
        return;
    }
    *x = *src;
    src->outstanding--;
    if (src->outstanding == 0)
        entry_released(q, src, sys);
    x->id = ++q->next_id;
    x->buffer = i;
    x->importer_drv = importer_drv;
    x->importer_dn = importer_drv != NULL && tw != NULL ? tw->devnode : NULL;
    x->outstanding = 1;
    x->refs = x->derefs = 0;
    x->leak_reported = false;
    snprintf(x->exporter_desc, sizeof(x->exporter_desc), "%.120s, handed on by %.60s",
             src->exporter_desc,
             exporter_drv && pnpsim_driver_name(exporter_drv) ? pnpsim_driver_name(exporter_drv)
                                                              : "?");
    copy_str(x->importer_desc, sizeof(x->importer_desc), idesc);
    InsertTailList(&q->entries, &x->link);
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_QI, NULL, exporter_drv, NULL,
                  "ledger #%lu: %s handed on to %s: 1 reference outstanding", x->id, name, idesc);
}

void pnpsim__qi_capture(pnpsim_system *sys, const IO_STACK_LOCATION *sp, PDEVICE_OBJECT exporter,
                        PDRIVER_OBJECT importer_drv, PDEVICE_OBJECT target)
{
    PINTERFACE i = sp->Parameters.QueryInterface.Interface;
    const GUID *guid = sp->Parameters.QueryInterface.InterfaceType;
    USHORT asked_size = sp->Parameters.QueryInterface.Size;
    USHORT asked_version = sp->Parameters.QueryInterface.Version;
    PDRIVER_OBJECT exporter_drv = exporter != NULL ? exporter->DriverObject : NULL;
    pnpsim__devobj *tw = pnpsim__devobj_from(target);
    pnpsim__devobj *ew = pnpsim__devobj_from(exporter);
    struct pnpsim__qi_state *q;
    char name[64], edesc[DESC], idesc[DESC];
    qi_entry *x;

    if (i == NULL || guid == NULL)
        return;
    guid_label(guid, name, sizeof(name));
    describe_dev(exporter, exporter_drv, edesc, sizeof(edesc));
    if (importer_drv != NULL) {
        size_t at = 0;
        idesc[0] = 0;
        cat(idesc, sizeof(idesc), &at,
            pnpsim_driver_name(importer_drv) ? pnpsim_driver_name(importer_drv) : "?");
        cat(idesc, sizeof(idesc), &at, " (for the stack of ");
        cat(idesc, sizeof(idesc), &at,
            tw != NULL && tw->devnode != NULL && tw->devnode->instance_path != NULL
                ? tw->devnode->instance_path
                : "?");
        cat(idesc, sizeof(idesc), &at, ")");
    } else {
        copy_str(idesc, sizeof(idesc), "the test");
    }

    if (i->Size < sizeof(INTERFACE) || i->InterfaceReference == NULL ||
        i->InterfaceDereference == NULL) {
        pnpsim__verifier_report(sys, PNPSIM_RULE_QI_MALFORMED, "IRP_MN_QUERY_INTERFACE",
                                exporter_drv, DRIVER_VERIFIER_DETECTED_VIOLATION,
                                PNPSIM_C4_QI_MALFORMED, (ULONG_PTR)i, i->Size,
                                (ULONG_PTR)exporter,
                                "%s answered %s with STATUS_SUCCESS but an INTERFACE with Size "
                                "%u (at least %u) and InterfaceReference %s, "
                                "InterfaceDereference %s (importer %s; pnpsim rule %s)",
                                edesc, name, (unsigned)i->Size, (unsigned)sizeof(INTERFACE),
                                i->InterfaceReference ? "set" : "NULL",
                                i->InterfaceDereference ? "set" : "NULL", idesc,
                                PNPSIM_RULE_QI_MALFORMED);
        return;
    }
    if (i->InterfaceReference == ledger_reference) {
        /* The exporter handed on an interface it imported itself (and referenced it, through
         * the ledger, for the receiver): move that reference to a record of its own. */
        handed_on(sys, i, exporter_drv, importer_drv, tw, name, idesc);
        return;
    }
    if (i->Size > asked_size || i->Version > asked_version)
        pnpsim__verifier_report(sys, PNPSIM_RULE_QI_SIZE_VERSION, "IRP_MN_QUERY_INTERFACE",
                                exporter_drv, DRIVER_VERIFIER_DETECTED_VIOLATION,
                                PNPSIM_C4_QI_SIZE_VERSION, (ULONG_PTR)i,
                                ((ULONG_PTR)asked_size << 16) | asked_version,
                                ((ULONG_PTR)i->Size << 16) | i->Version,
                                "%s returned %s with Size %u / Version %u, but its importer "
                                "(%s) asked for Size %u / Version %u; an exporter never writes "
                                "more than Size bytes nor a higher version (pnpsim rule %s)",
                                edesc, name, (unsigned)i->Size, (unsigned)i->Version, idesc,
                                (unsigned)asked_size, (unsigned)asked_version,
                                PNPSIM_RULE_QI_SIZE_VERSION);

    pnpsim__lock(sys);
    q = qi_state(sys, true);
    x = q != NULL ? pnpsim__calloc(sys, 1, sizeof(*x)) : NULL;
    if (x == NULL) {
        pnpsim__unlock(sys);
        pnpsim__trace(sys, PNPSIM_TRACE_QI, NULL, exporter_drv, NULL,
                      "out of memory: %s from %s is not tracked by the ledger", name, edesc);
        return;
    }
    x->id = ++q->next_id;
    x->guid = *guid;
    x->asked_size = asked_size;
    x->asked_version = asked_version;
    x->size = i->Size;
    x->version = i->Version;
    x->context = i->Context;
    x->buffer = i;
    x->ref = i->InterfaceReference;
    x->deref = i->InterfaceDereference;
    x->exporter = exporter;
    x->exporter_dn = ew != NULL ? ew->devnode : NULL;
    x->importer_drv = importer_drv;
    x->importer_dn = importer_drv != NULL && tw != NULL ? tw->devnode : NULL;
    x->outstanding = 1; /* the exporter referenced it before returning it */
    copy_str(x->iface_name, sizeof(x->iface_name), name);
    copy_str(x->exporter_desc, sizeof(x->exporter_desc), edesc);
    copy_str(x->importer_desc, sizeof(x->importer_desc), idesc);
    InsertTailList(&q->entries, &x->link);
    i->InterfaceReference = ledger_reference;
    i->InterfaceDereference = ledger_dereference;
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_QI, ew != NULL ? ew->devnode : NULL, exporter_drv, NULL,
                  "ledger #%lu: %s (Size %u, Version %u, Context %p) exported by %s to %s: 1 "
                  "reference outstanding",
                  x->id, name, (unsigned)x->size, (unsigned)x->version, x->context, edesc, idesc);
}

/* ======================================================================================
 * Removal, unload, destroy
 * ==================================================================================== */

/* Report the leaks of every entry matching (lock not held). */
static void report_leaks(pnpsim_system *sys, pnpsim_device *importer_dn, PDRIVER_OBJECT drv,
                         bool all, const char *when)
{
    for (;;) {
        qi_entry *leak = NULL;
        qi_entry copy;
        pnpsim__lock(sys);
        if (sys->qi != NULL) {
            for (PLIST_ENTRY e = sys->qi->entries.Flink; e != &sys->qi->entries; e = e->Flink) {
                qi_entry *x = CONTAINING_RECORD(e, qi_entry, link);
                if (x->outstanding <= 0 || x->leak_reported)
                    continue;
                if (all || (importer_dn != NULL && x->importer_dn == importer_dn) ||
                    (drv != NULL && x->importer_drv == drv)) {
                    x->leak_reported = true;
                    leak = x;
                    copy = *x;
                    break;
                }
            }
        }
        pnpsim__unlock(sys);
        if (leak == NULL)
            return;
        pnpsim__verifier_report(sys, PNPSIM_RULE_QI_LEAK, when, copy.importer_drv,
                                DRIVER_VERIFIER_DETECTED_VIOLATION, PNPSIM_C4_QI_LEAK,
                                (ULONG_PTR)copy.context, (ULONG_PTR)copy.outstanding,
                                (ULONG_PTR)copy.exporter,
                                "%s leaked %ld reference(s) on %s exported by %s: still held at "
                                "%s; call Interface->InterfaceDereference(Interface->Context) "
                                "when done, at the latest in IRP_MN_REMOVE_DEVICE (pnpsim rule "
                                "%s)",
                                copy.importer_desc, copy.outstanding, copy.iface_name,
                                copy.exporter_desc, when, PNPSIM_RULE_QI_LEAK);
    }
}

void pnpsim__qi_device_removed(pnpsim_device *dn)
{
    report_leaks(dn->sys, dn, NULL, false, "IRP_MN_REMOVE_DEVICE of the importer's device");
    pnpsim__lock(dn->sys);
    if (dn->sys->qi != NULL) {
        FOR_EACH_ENTRY(dn->sys->qi, x, {
            if (x->exporter_dn == dn)
                x->exporter_gone = true;
        });
    }
    pnpsim__unlock(dn->sys);
}

void pnpsim__qi_devnode_freed(pnpsim_device *dn)
{
    pnpsim_system *sys = dn->sys;
    pnpsim__lock(sys);
    if (sys->qi != NULL) {
        /* A device freed without a REMOVE (never started, or the root at shutdown) must
         * not stay named either: a new node at the same address would inherit its records
         * (found by pnpsim_system_check walking the ledger). */
        FOR_EACH_ENTRY(sys->qi, x, {
            if (x->exporter_dn == dn) {
                x->exporter_gone = true;
                x->exporter_dn = NULL;
            }
            if (x->importer_dn == dn)
                x->importer_dn = NULL;
        });
        for (PLIST_ENTRY e = sys->qi->providers.Flink; e != &sys->qi->providers; e = e->Flink) {
            qi_provider *p = CONTAINING_RECORD(e, qi_provider, link);
            if (p->dn == dn) {
                p->dn = NULL;
                p->active = false;
            }
        }
    }
    pnpsim__busstd_devnode_freed_locked(dn);
    pnpsim__unlock(sys);
}

void pnpsim__qi_exporter_removed(pnpsim_system *sys, PDEVICE_OBJECT exporter)
{
    pnpsim__lock(sys);
    if (sys->qi != NULL) {
        FOR_EACH_ENTRY(sys->qi, x, {
            if (x->exporter == exporter)
                x->exporter_gone = true;
        });
    }
    pnpsim__unlock(sys);
}

void pnpsim__qi_driver_unloaded(pnpsim_system *sys, PDRIVER_OBJECT drv)
{
    report_leaks(sys, NULL, drv, false, "the unload of the importer's driver");
}

bool pnpsim__qi_check_context_alive(pnpsim_system *sys, PVOID ctx, const char *what)
{
    qi_entry copy, *gone = NULL;
    bool alive = false;
    pnpsim__lock(sys);
    if (sys->qi != NULL) {
        FOR_EACH_ENTRY(sys->qi, x, {
            if (x->context != ctx)
                continue;
            if (!x->exporter_gone) {
                alive = true;
                break;
            }
            if (gone == NULL) {
                gone = x;
                copy = *x;
            }
        });
    }
    pnpsim__unlock(sys);
    if (alive || gone == NULL)
        return true;
    report_use_after_remove(sys, &copy, what);
    return false;
}

void pnpsim__qi_destroy(pnpsim_system *sys)
{
    if (!sys->crashed)
        report_leaks(sys, NULL, NULL, true, "system destroy");
    pnpsim__lock(sys);
    if (sys->qi != NULL) {
        while (!IsListEmpty(&sys->qi->entries))
            pnpsim__free(sys, CONTAINING_RECORD(RemoveHeadList(&sys->qi->entries), qi_entry,
                                                link));
        while (!IsListEmpty(&sys->qi->released))
            pnpsim__free(sys, CONTAINING_RECORD(RemoveHeadList(&sys->qi->released), qi_entry,
                                                link));
        while (!IsListEmpty(&sys->qi->providers)) {
            qi_provider *p = CONTAINING_RECORD(RemoveHeadList(&sys->qi->providers),
                                               qi_provider, link);
            pnpsim__free(sys, p->tmpl);
            pnpsim__free(sys, p);
        }
        pnpsim__free(sys, sys->qi);
        sys->qi = NULL;
    }
    pnpsim__unlock(sys);
}

/* ======================================================================================
 * Inspection
 * ==================================================================================== */

long pnpsim_qi_outstanding(pnpsim_system *sys, const GUID *guid, pnpsim_device *exporter,
                           pnpsim_device *importer)
{
    long n = 0;
    if (sys == NULL)
        return 0;
    pnpsim__lock(sys);
    if (sys->qi != NULL) {
        for (PLIST_ENTRY e = sys->qi->entries.Flink; e != &sys->qi->entries; e = e->Flink) {
            qi_entry *x = CONTAINING_RECORD(e, qi_entry, link);
            if (x->outstanding <= 0)
                continue;
            if (guid != NULL && memcmp(guid, &x->guid, sizeof(GUID)) != 0)
                continue;
            if (exporter != NULL && x->exporter_dn != exporter)
                continue;
            if (importer != NULL && x->importer_dn != importer)
                continue;
            n += x->outstanding;
        }
    }
    pnpsim__unlock(sys);
    return n;
}

long pnpsim_qi_outstanding_by_test(pnpsim_system *sys, const GUID *guid)
{
    long n = 0;
    if (sys == NULL)
        return 0;
    pnpsim__lock(sys);
    if (sys->qi != NULL) {
        for (PLIST_ENTRY e = sys->qi->entries.Flink; e != &sys->qi->entries; e = e->Flink) {
            qi_entry *x = CONTAINING_RECORD(e, qi_entry, link);
            if (x->outstanding > 0 && x->importer_drv == NULL &&
                (guid == NULL || memcmp(guid, &x->guid, sizeof(GUID)) == 0))
                n += x->outstanding;
        }
    }
    pnpsim__unlock(sys);
    return n;
}

/* ---- pnpsim_system_check ----------------------------------------------------------- */

static int ptr_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;
    return x < y ? -1 : x > y;
}

/* A list of at most limit entries whose links agree both ways; *n its length. */
static bool qi_list_ok(const LIST_ENTRY *head, size_t limit, size_t *n)
{
    size_t k = 0;
    for (const LIST_ENTRY *e = head->Flink;; e = e->Flink) {
        if (e == NULL || e->Blink == NULL || e->Blink->Flink != e)
            return false;
        if (e == head)
            break;
        if (++k > limit)
            return false;
    }
    *n = k;
    return true;
}

const char *pnpsim__qi_check_locked(pnpsim_system *sys)
{
    struct pnpsim__qi_state *q = sys->qi;
    const char *why = NULL;
    size_t nactive, nreleased, nprov, nbus, ndev = 0, k = 0;
    void **devs = NULL;
    PNPSIM_ASSERT_LOCKED(sys);
    if (q == NULL)
        return NULL;
    if (!qi_list_ok(&q->entries, (size_t)1 << 28, &nactive) ||
        !qi_list_ok(&q->released, (size_t)1 << 28, &nreleased))
        return "a ledger list is broken";
    if (!qi_list_ok(&q->providers, (size_t)1 << 28, &nprov))
        return "the list of test-provided exporters is broken";
    if (!qi_list_ok(&q->busstd, (size_t)1 << 28, &nbus))
        return "the list of BUS_INTERFACE_STANDARD records is broken";
    if (nreleased != q->released_count || nreleased > RELEASED_KEPT)
        return "the count of released ledger records is wrong";
    if (nactive + nreleased > q->next_id)
        return "more ledger records than queries ever recorded";
    /* The live device nodes, sorted, to look exporters up in (plain malloc: the checker
     * must not be subject to fault injection). */
    for (PLIST_ENTRY e = sys->all_devices.Flink; e != &sys->all_devices; e = e->Flink)
        ndev++;
    devs = malloc((ndev ? ndev : 1) * sizeof(*devs));
    if (devs != NULL) {
        for (PLIST_ENTRY e = sys->all_devices.Flink; e != &sys->all_devices; e = e->Flink)
            devs[k++] = CONTAINING_RECORD(e, pnpsim_device, all_link);
        qsort(devs, ndev, sizeof(*devs), ptr_cmp);
    }
    FOR_EACH_ENTRY(q, x, {
        if (why != NULL)
            break;
        if (x->id == 0 || x->id > q->next_id)
            why = "a ledger record has an id no query was given";
        else if (x->ref == NULL || x->deref == NULL)
            why = "a ledger record lost the exporter's reference routines";
        else if (x->outstanding < 0)
            why = "a ledger record has a negative reference count";
        else if (!x->exporter_gone && x->exporter_dn != NULL && devs != NULL &&
                 bsearch(&x->exporter_dn, devs, ndev, sizeof(*devs), ptr_cmp) == NULL)
            why = "a ledger record names an exporter device node that no longer exists, "
                  "without being marked removed";
    });
    /* Active records hold references; released ones none (entry_released/revived). */
    for (PLIST_ENTRY e = q->entries.Flink; why == NULL && e != &q->entries; e = e->Flink)
        if (CONTAINING_RECORD(e, qi_entry, link)->outstanding <= 0)
            why = "an active ledger record holds no reference";
    for (PLIST_ENTRY e = q->released.Flink; why == NULL && e != &q->released; e = e->Flink)
        if (CONTAINING_RECORD(e, qi_entry, link)->outstanding != 0)
            why = "a released ledger record still holds references";
    for (PLIST_ENTRY e = q->providers.Flink; why == NULL && e != &q->providers; e = e->Flink) {
        qi_provider *p = CONTAINING_RECORD(e, qi_provider, link);
        if (p->size > 0 && p->tmpl == NULL)
            why = "a test-provided exporter lost its interface template";
        else if (p->refs < 0)
            why = "a test-provided exporter has a negative reference count";
        else if (p->active && p->dn != NULL && devs != NULL &&
                 bsearch(&p->dn, devs, ndev, sizeof(*devs), ptr_cmp) == NULL)
            why = "an active test-provided exporter names a device node that no longer exists";
    }
    free(devs);
    return why;
}

size_t pnpsim_qi_ledger_count(pnpsim_system *sys)
{
    size_t n = 0;
    if (sys == NULL)
        return 0;
    pnpsim__lock(sys);
    if (sys->qi != NULL)
        n = sys->qi->next_id;
    pnpsim__unlock(sys);
    return n;
}

void pnpsim_qi_dump(pnpsim_system *sys, FILE *f)
{
    if (sys == NULL || f == NULL)
        return;
    pnpsim__lock(sys);
    fprintf(f, "query-interface ledger of \"%s\":\n", sys->name);
    if (sys->qi != NULL) {
        FOR_EACH_ENTRY(sys->qi, x, {
            fprintf(f,
                    "  #%lu %s Size %u Version %u Context %p: exporter %s%s, importer %s, "
                    "%ld outstanding (%lu references, %lu dereferences)%s\n",
                    x->id, x->iface_name, (unsigned)x->size, (unsigned)x->version, x->context,
                    x->exporter_desc, x->exporter_gone ? " [removed]" : "", x->importer_desc,
                    x->outstanding, x->refs, x->derefs, x->leak_reported ? " [leak reported]" : "");
        });
    }
    pnpsim__unlock(sys);
}

/* ======================================================================================
 * Test-provided exporters
 * ==================================================================================== */

static qi_provider *find_provider(struct pnpsim__qi_state *q, pnpsim_device *dn, const GUID *g)
{
    if (q == NULL)
        return NULL;
    for (PLIST_ENTRY e = q->providers.Flink; e != &q->providers; e = e->Flink) {
        qi_provider *p = CONTAINING_RECORD(e, qi_provider, link);
        if (p->dn == dn && memcmp(&p->guid, g, sizeof(GUID)) == 0)
            return p;
    }
    return NULL;
}

static qi_provider *provider_by_context(pnpsim_system *sys, PVOID ctx)
{
    qi_provider *found = NULL;
    pnpsim__lock(sys);
    if (sys->qi != NULL) {
        for (PLIST_ENTRY e = sys->qi->providers.Flink; e != &sys->qi->providers; e = e->Flink) {
            qi_provider *p = CONTAINING_RECORD(e, qi_provider, link);
            if (p->own_routines && (p->context == ctx || (PVOID)p == ctx)) {
                found = p;
                break;
            }
        }
    }
    pnpsim__unlock(sys);
    return found;
}

/* pnpsim's counting pair for provided interfaces without routines of their own. */
static VOID provider_reference(PVOID Context)
{
    qi_provider *p = provider_by_context(pnpsim__require_system("InterfaceReference"), Context);
    if (p != NULL)
        pnpsim__atomic_inc(&p->refs);
}

static VOID provider_dereference(PVOID Context)
{
    qi_provider *p = provider_by_context(pnpsim__require_system("InterfaceDereference"), Context);
    if (p != NULL)
        pnpsim__atomic_dec(&p->refs);
}

static bool is_sim_pdo(pnpsim_device *dev)
{
    return dev != NULL && dev->sim_owned && !dev->is_root && dev->pdo != NULL;
}

NTSTATUS pnpsim_qi_provide(pnpsim_device *dev, const GUID *guid, const INTERFACE *template_,
                           USHORT size, USHORT version)
{
    pnpsim_system *sys;
    struct pnpsim__qi_state *q;
    qi_provider *p;
    unsigned char *copy;
    if (!is_sim_pdo(dev) || guid == NULL || template_ == NULL || size < sizeof(INTERFACE))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_qi_provide: needs a device made by pnpsim_device_create, "
                              "a GUID and a template of at least sizeof(INTERFACE) bytes");
    if ((template_->InterfaceReference == NULL) != (template_->InterfaceDereference == NULL))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_qi_provide: give both InterfaceReference and "
                              "InterfaceDereference, or neither");
    sys = dev->sys;
    copy = pnpsim__malloc(sys, size);
    if (copy == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_qi_provide: no memory");
    memcpy(copy, template_, size);
    pnpsim__lock(sys);
    q = qi_state(sys, true);
    p = find_provider(q, dev, guid);
    if (q != NULL && p == NULL) {
        p = pnpsim__calloc(sys, 1, sizeof(*p));
        if (p != NULL) {
            p->dn = dev;
            p->guid = *guid;
            InsertTailList(&q->providers, &p->link);
        }
    }
    if (p == NULL) {
        pnpsim__unlock(sys);
        pnpsim__free(sys, copy);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_qi_provide: no memory");
    }
    pnpsim__free(sys, p->tmpl);
    p->tmpl = copy;
    p->size = size;
    p->version = version;
    p->active = true;
    p->own_routines = template_->InterfaceReference == NULL;
    p->context = template_->Context != NULL ? template_->Context : (PVOID)p;
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_qi_unprovide(pnpsim_device *dev, const GUID *guid)
{
    qi_provider *p;
    if (!is_sim_pdo(dev) || guid == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_qi_unprovide: bad arguments");
    pnpsim__lock(dev->sys);
    p = find_provider(dev->sys->qi, dev, guid);
    if (p != NULL)
        p->active = false;
    pnpsim__unlock(dev->sys);
    return p != NULL ? STATUS_SUCCESS
                     : pnpsim__status(STATUS_NOT_FOUND, "pnpsim_qi_unprovide: not provided");
}

long pnpsim_qi_provided_references(pnpsim_device *dev, const GUID *guid)
{
    qi_provider *p;
    long n = -1;
    if (dev == NULL || guid == NULL)
        return -1;
    pnpsim__lock(dev->sys);
    p = find_provider(dev->sys->qi, dev, guid);
    if (p != NULL && p->own_routines)
        n = pnpsim__atomic_load(&p->refs);
    pnpsim__unlock(dev->sys);
    return n;
}

NTSTATUS pnpsim__qi_sim_pdo_query(pnpsim_device *dn, PDEVICE_OBJECT pdo, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    const GUID *guid = sp->Parameters.QueryInterface.InterfaceType;
    PINTERFACE iface = sp->Parameters.QueryInterface.Interface;
    USHORT size = sp->Parameters.QueryInterface.Size;
    USHORT version = sp->Parameters.QueryInterface.Version;
    pnpsim_system *sys = dn->sys;
    qi_provider *p;
    PINTERFACE_REFERENCE ref = NULL;
    PVOID ctx = NULL;
    PNPSIM_UNUSED(pdo);

    if (guid == NULL || iface == NULL)
        return irp->IoStatus.Status;
    pnpsim__lock(sys);
    p = find_provider(sys->qi, dn, guid);
    if (p != NULL && p->active) {
        if (size < p->size || version < p->version) {
            pnpsim__unlock(sys);
            pnpsim__trace(sys, PNPSIM_TRACE_QI, dn, NULL, NULL,
                          "the provided interface needs Size %u / Version %u; the query asked "
                          "for Size %u / Version %u: not answered",
                          (unsigned)p->size, (unsigned)p->version, (unsigned)size,
                          (unsigned)version);
            return irp->IoStatus.Status;
        }
        memcpy(iface, p->tmpl, p->size);
        iface->Size = p->size;
        iface->Version = p->version;
        iface->Context = p->context;
        if (p->own_routines) {
            iface->InterfaceReference = provider_reference;
            iface->InterfaceDereference = provider_dereference;
        }
        ref = iface->InterfaceReference;
        ctx = iface->Context;
        pnpsim__unlock(sys);
        /* The exporter references the interface before handing it out (§9.2). */
        ref(ctx);
        return STATUS_SUCCESS;
    }
    pnpsim__unlock(sys);
    if (memcmp(guid, &GUID_BUS_INTERFACE_STANDARD, sizeof(GUID)) == 0)
        return pnpsim__busstd_fill(dn, iface, size, version, irp->IoStatus.Status);
    return irp->IoStatus.Status;
}

/* ======================================================================================
 * The native query
 * ==================================================================================== */

NTSTATUS pnpsim_qi_query(pnpsim_device *dev, const GUID *guid, USHORT size, USHORT version,
                         PINTERFACE iface, PVOID specific_data)
{
    pnpsim_system *sys;
    IO_STACK_LOCATION sp;
    PDEVICE_OBJECT top;
    unsigned char *buf;
    NTSTATUS status;

    if (dev == NULL || guid == NULL || iface == NULL || size < sizeof(INTERFACE))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_qi_query: needs a device, a GUID and an interface buffer "
                              "of at least sizeof(INTERFACE) bytes (size %u)",
                              (unsigned)size);
    sys = dev->sys;
    if (pnpsim_device_get_state(dev) == PNPSIM_DEVICE_DELETED || dev->pdo == NULL ||
        dev->pdo->deleted)
        return pnpsim__status(STATUS_NO_SUCH_DEVICE, "pnpsim_qi_query: %s is gone",
                              dev->instance_path);
    /* The sender allocates the buffer, zeroed (§9.2); guard bytes after it catch an
     * exporter writing more than Size. */
    buf = pnpsim__malloc(sys, (size_t)size + GUARD_BYTES);
    if (buf == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_qi_query: no memory");
    memset(buf, 0, size);
    memset(buf + size, GUARD_FILL, GUARD_BYTES);

    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_PNP;
    sp.MinorFunction = IRP_MN_QUERY_INTERFACE;
    sp.Parameters.QueryInterface.InterfaceType = guid;
    sp.Parameters.QueryInterface.Size = size;
    sp.Parameters.QueryInterface.Version = version;
    sp.Parameters.QueryInterface.Interface = (PINTERFACE)(void *)buf;
    sp.Parameters.QueryInterface.InterfaceSpecificData = specific_data;

    pnpsim__harness_enter(sys);
    top = IoGetAttachedDeviceReference(&dev->pdo->dev);
    pnpsim__trace(sys, PNPSIM_TRACE_QI, dev, top->DriverObject, NULL,
                  "the test sends IRP_MN_QUERY_INTERFACE (Size %u, Version %u) to the top of "
                  "the stack of %s",
                  (unsigned)size, (unsigned)version, dev->instance_path);
    status = pnpsim__send_irp_sync(sys, top, &sp, STATUS_NOT_SUPPORTED, 0, NULL, NULL);
    ObDereferenceObject(top);
    for (size_t k = 0; k < GUARD_BYTES; k++) {
        if (buf[size + k] != GUARD_FILL) {
            pnpsim__verifier_report(sys, PNPSIM_RULE_QI_SIZE_VERSION, "IRP_MN_QUERY_INTERFACE",
                                    NULL, DRIVER_VERIFIER_DETECTED_VIOLATION,
                                    PNPSIM_C4_QI_OVERRUN, (ULONG_PTR)buf, size, size + k,
                                    "the exporter of the interface queried on %s wrote past "
                                    "the %u bytes the importer asked for (first byte changed "
                                    "at offset %u) (pnpsim rule %s)",
                                    dev->instance_path, (unsigned)size, (unsigned)(size + k),
                                    PNPSIM_RULE_QI_SIZE_VERSION);
            break;
        }
    }
    if (NT_SUCCESS(status))
        memcpy(iface, buf, size);
    pnpsim__free(sys, buf);
    pnpsim__harness_leave(sys);
    return status;
}
