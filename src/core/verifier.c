/* SPDX-License-Identifier: MIT */
/*
 * This file implements the verifier (DESIGN.md "Bug checks and the verifier"): one path for
 * every broken rule, with a per-system mode per rule (bug check with the real code, record
 * and continue, or off) and a record of what was reported; the IRQL rules behind
 * pnpsim__check_irql; PowerIrpDDis; and the PnP IRP rules of Driver Verifier's I/O
 * verification (bug check 0xC9, windows-semantics.md §9.2 and §11), watched from hooks in
 * the I/O manager (IofCallDriver, IofCompleteRequest) and the PnP manager (after
 * IRP_MN_REMOVE_DEVICE): status not pre-set, status changed or failed the wrong way,
 * successful PnP IRPs completed instead of passed down, REMOVE failed, a stack not torn
 * down after REMOVE, PnP IRPs still pending at removal.
 *
 * The dispatch calls in progress are kept per thread in a small array (not on the C stack),
 * so a PNPSIM_EXPECT_BUGCHECK that unwinds through them leaves nothing dangling: entries
 * deeper than the thread's IRP nesting depth are stale and dropped.
 */
#include "qi.h"

#define IOV_PNP_STATUS_NOT_PRESET 0x20E
#define IOV_PNP_STATUS_CHANGED_FORWARD 0x213
#define IOV_PNP_FAILURE_PASSED_DOWN 0x215
#define IOV_PNP_NOT_SUPPORTED_SET 0x216
#define IOV_REMOVE_NOT_DETACHED 0x21D
#define IOV_REMOVE_NOT_DELETED 0x21E
#define IOV_PNP_NOT_UNDERSTOOD_COMPLETED 0x22D
#define IOV_PNP_SUCCESS_COMPLETED 0x22E
#define IOV_PNP_UNTOUCHED_COMPLETED 0x22F
#define IOV_PNP_STATUS_CHANGED_COMPLETE 0x23B
#define IOV_REMOVE_FAILED 0x306

#define MAX_FRAMES 64
#define MAX_PENDING 64

typedef struct rule_override {
    char *name;
    pnpsim_verifier_mode mode;
} rule_override;

typedef struct pending_irp {
    PIRP irp;
    pnpsim_device *dn;
    UCHAR minor;
} pending_irp;

struct pnpsim__verifier_state {
    rule_override *overrides;
    size_t override_count;
    int all_mode;                       /* -1: none */
    pnpsim_verifier_violation *v;       /* strings live in one malloc block per entry */
    void **blocks;
    size_t count, cap;
    pending_irp pending[MAX_PENDING];   /* PnP IRPs sent and not yet completed */
};

typedef struct vrf_frame {
    pnpsim_system *sys;
    PIRP irp;
    PDEVICE_OBJECT dev;
    PDRIVER_OBJECT sender;
    PDEVICE_OBJECT qi_exporter;
    NTSTATUS arrive_status;
    int depth;                          /* the thread's irp_depth when the call began */
    UCHAR major, minor;
    bool first, forwarded, completed, is_pdo;
} vrf_frame;

static PNPSIM_THREAD_LOCAL vrf_frame frames[MAX_FRAMES];
static PNPSIM_THREAD_LOCAL int frame_count;

/* Rules whose default is not BUGCHECK. */
static const struct {
    const char *rule;
    pnpsim_verifier_mode mode;
} rule_defaults[] = {
    /* §14: whether a WDM FDO may complete a successful QI without forwarding it is not
     * documented; pnpsim's model is "fill in, then forward" and flags the other way as a
     * warning (recorded, not a crash). */
    {PNPSIM_RULE_QI_COMPLETED_NOT_PASSED, PNPSIM_VERIFIER_RECORD},
    /* A VOID KMDF method pnpsim does not model (src/kmdf): the driver learns it from the
     * record and the log, the test goes on (README "KMDF drivers"). */
    {"KmdfNotImplemented", PNPSIM_VERIFIER_RECORD},
};

/* ======================================================================================
 * State, modes, the record
 * ==================================================================================== */

static struct pnpsim__verifier_state *state(pnpsim_system *sys, bool create)
{
    if (sys->verifier == NULL && create && !sys->destroying) {
        /* Plain calloc, like the bug check records: the verifier must work during an
         * out-of-memory sweep without shifting its fault counts. */
        sys->verifier = calloc(1, sizeof(*sys->verifier));
        if (sys->verifier != NULL)
            sys->verifier->all_mode = -1;
    }
    return sys->verifier;
}

static pnpsim_verifier_mode mode_locked(pnpsim_system *sys, const char *rule)
{
    struct pnpsim__verifier_state *vs = sys->verifier;
    if (vs != NULL && rule != NULL) {
        for (size_t i = 0; i < vs->override_count; i++) {
            if (strcmp(vs->overrides[i].name, rule) == 0)
                return vs->overrides[i].mode;
        }
    }
    if (vs != NULL && vs->all_mode >= 0)
        return (pnpsim_verifier_mode)vs->all_mode;
    for (size_t i = 0; rule != NULL && i < PNPSIM_ARRAY_SIZE(rule_defaults); i++) {
        if (strcmp(rule_defaults[i].rule, rule) == 0)
            return rule_defaults[i].mode;
    }
    return PNPSIM_VERIFIER_BUGCHECK;
}

pnpsim_verifier_mode pnpsim__verifier_mode(pnpsim_system *sys, const char *rule)
{
    pnpsim_verifier_mode m;
    bool locked = pnpsim__ts()->lock_held == sys;
    if (!locked)
        pnpsim__lock(sys);
    m = mode_locked(sys, rule);
    if (!locked)
        pnpsim__unlock(sys);
    return m;
}

NTSTATUS pnpsim_verifier_set_mode(pnpsim_system *sys, const char *rule, pnpsim_verifier_mode mode)
{
    struct pnpsim__verifier_state *vs;
    if (sys == NULL || (unsigned)mode > PNPSIM_VERIFIER_OFF)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_verifier_set_mode: bad system or mode %d", (int)mode);
    pnpsim__lock(sys);
    vs = state(sys, true);
    if (vs == NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_verifier_set_mode: no memory");
    }
    if (rule == NULL) {
        /* Every rule: forget the per-rule settings. */
        for (size_t i = 0; i < vs->override_count; i++)
            free(vs->overrides[i].name);
        vs->override_count = 0;
        vs->all_mode = (int)mode;
        pnpsim__unlock(sys);
        return STATUS_SUCCESS;
    }
    for (size_t i = 0; i < vs->override_count; i++) {
        if (strcmp(vs->overrides[i].name, rule) == 0) {
            vs->overrides[i].mode = mode;
            pnpsim__unlock(sys);
            return STATUS_SUCCESS;
        }
    }
    {
        rule_override *n = realloc(vs->overrides, (vs->override_count + 1) * sizeof(*n));
        char *copy = malloc(strlen(rule) + 1);
        if (n != NULL)
            vs->overrides = n;
        if (n == NULL || copy == NULL) {
            free(copy);
            pnpsim__unlock(sys);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                  "pnpsim_verifier_set_mode: no memory");
        }
        strcpy(copy, rule);
        vs->overrides[vs->override_count].name = copy;
        vs->overrides[vs->override_count].mode = mode;
        vs->override_count++;
    }
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

pnpsim_verifier_mode pnpsim_verifier_get_mode(pnpsim_system *sys, const char *rule)
{
    if (sys == NULL)
        return PNPSIM_VERIFIER_BUGCHECK;
    return pnpsim__verifier_mode(sys, rule);
}

const pnpsim_verifier_violation *pnpsim_verifier_violations(pnpsim_system *sys, size_t *count)
{
    const pnpsim_verifier_violation *v = NULL;
    size_t n = 0;
    if (sys != NULL) {
        pnpsim__lock(sys);
        if (sys->verifier != NULL && sys->verifier->count != 0) {
            v = sys->verifier->v;
            n = sys->verifier->count;
        }
        pnpsim__unlock(sys);
    }
    if (count != NULL)
        *count = n;
    return v;
}

size_t pnpsim_verifier_violation_count(pnpsim_system *sys, const char *rule)
{
    size_t n = 0;
    if (sys == NULL)
        return 0;
    pnpsim__lock(sys);
    if (sys->verifier != NULL) {
        for (size_t i = 0; i < sys->verifier->count; i++) {
            if (rule == NULL || strcmp(sys->verifier->v[i].rule, rule) == 0)
                n++;
        }
    }
    pnpsim__unlock(sys);
    return n;
}

static void clear_locked(struct pnpsim__verifier_state *vs)
{
    for (size_t i = 0; i < vs->count; i++)
        free(vs->blocks[i]);
    vs->count = 0;
}

void pnpsim_verifier_clear(pnpsim_system *sys)
{
    if (sys == NULL)
        return;
    pnpsim__lock(sys);
    if (sys->verifier != NULL)
        clear_locked(sys->verifier);
    pnpsim__unlock(sys);
}

static char *copy_into(char **p, const char *s)
{
    char *start = *p;
    size_t n = strlen(s) + 1;
    memcpy(start, s, n);
    *p += n;
    return start;
}

/* Append a violation (lock held). */
static void record_locked(pnpsim_system *sys, const char *rule, const char *ddi,
                          const char *driver, ULONG code, const ULONG_PTR p[4],
                          const char *message, pnpsim_verifier_mode mode)
{
    struct pnpsim__verifier_state *vs = state(sys, true);
    pnpsim_verifier_violation *v;
    size_t need;
    char *block, *w;
    if (vs == NULL)
        return;
    if (vs->count == vs->cap) {
        size_t cap = vs->cap ? vs->cap * 2 : 8;
        pnpsim_verifier_violation *nv = realloc(vs->v, cap * sizeof(*nv));
        void **nb;
        if (nv == NULL)
            return;
        vs->v = nv;
        nb = realloc(vs->blocks, cap * sizeof(*nb));
        if (nb == NULL)
            return;
        vs->blocks = nb;
        vs->cap = cap;
    }
    need = strlen(rule) + 1 + (ddi ? strlen(ddi) + 1 : 0) + (driver ? strlen(driver) + 1 : 0) +
           strlen(message) + 1;
    block = malloc(need);
    if (block == NULL)
        return;
    w = block;
    v = &vs->v[vs->count];
    vs->blocks[vs->count] = block;
    vs->count++;
    v->code = code;
    memcpy(v->parameters, p, sizeof(v->parameters));
    v->rule = copy_into(&w, rule);
    v->ddi = ddi ? copy_into(&w, ddi) : NULL;
    v->driver = driver ? copy_into(&w, driver) : NULL;
    v->message = copy_into(&w, message);
    v->mode = mode;
}

bool pnpsim__verifier_report(pnpsim_system *sys, const char *rule, const char *ddi,
                             PDRIVER_OBJECT drv, ULONG code, ULONG_PTR p1, ULONG_PTR p2,
                             ULONG_PTR p3, ULONG_PTR p4, const char *fmt, ...)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    ULONG_PTR p[4] = {p1, p2, p3, p4};
    char message[512];
    pnpsim_verifier_mode mode;
    bool was_locked;
    const char *drvname;
    va_list ap;

    if (sys == NULL)
        sys = ts->current;
    if (sys == NULL) {
        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);
        pnpsim__bugcheck(NULL, code, p1, p2, p3, p4, "%s", message);
        return true;
    }
    if (drv == NULL)
        drv = pnpsim__current_driver();
    drvname = drv != NULL ? pnpsim_driver_name(drv) : NULL;
    was_locked = ts->lock_held == sys;
    if (!was_locked)
        pnpsim__lock(sys);
    mode = mode_locked(sys, rule);
    if (mode == PNPSIM_VERIFIER_OFF) {
        if (!was_locked)
            pnpsim__unlock(sys);
        return false;
    }
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    record_locked(sys, rule, ddi, drvname, code, p, message, mode);
    pnpsim__unlock(sys);

    if (mode == PNPSIM_VERIFIER_RECORD) {
        pnpsim__trace(sys, PNPSIM_TRACE_BUGCHECK, NULL, drv, NULL,
                      "verifier rule %s broken (recorded, would be bug check 0x%X %s "
                      "(%p, %p, %p, %p)): %s",
                      rule, (unsigned)code, pnpsim_bugcheck_name(code), (void *)p1, (void *)p2,
                      (void *)p3, (void *)p4, message);
    } else {
        pnpsim__bugcheck(sys, code, p1, p2, p3, p4, "%s", message);
    }
    if (was_locked)
        pnpsim__lock(sys);
    return true;
}

bool pnpsim__verifier_irql(pnpsim_system *sys, const char *ddi, KIRQL irql, KIRQL max_irql,
                           ULONG_PTR rule_code, const char *rule_name)
{
    const char *rule = rule_name != NULL ? rule_name : PNPSIM_RULE_IRQL_DDI;
    bool reported;
    if (rule_code != 0)
        reported = pnpsim__verifier_report(
            sys, rule, ddi, NULL, DRIVER_VERIFIER_DETECTED_VIOLATION, rule_code, 0, 0, 0,
            "%s called at IRQL %u; its maximum is %u (DDI compliance rule %s)", ddi,
            (unsigned)irql, (unsigned)max_irql, rule_name ? rule_name : "?");
    else
        reported = pnpsim__verifier_report(sys, rule, ddi, NULL, IRQL_NOT_LESS_OR_EQUAL, 0, irql,
                                           0, 0, "%s called at IRQL %u; its maximum is %u", ddi,
                                           (unsigned)irql, (unsigned)max_irql);
    return !reported;
}

/* ======================================================================================
 * Per-thread dispatch frames
 * ==================================================================================== */

/* Drop frames left behind by a bug check that unwound through their dispatch calls. */
static void prune(void)
{
    int depth = pnpsim__ts()->irp_depth;
    while (frame_count > 0 && frames[frame_count - 1].depth >= depth)
        frame_count--;
}

static vrf_frame *find_frame(PIRP irp, PDEVICE_OBJECT dev)
{
    for (int i = frame_count; i-- > 0;) {
        if (frames[i].irp == irp && (dev == NULL || frames[i].dev == dev))
            return &frames[i];
    }
    return NULL;
}

bool pnpsim__verifier_check_power_irp_ddis(pnpsim_system *sys, const char *ddi)
{
    vrf_frame *f = NULL;
    prune();
    for (int i = frame_count; i-- > 0;) {
        if (frames[i].sys == sys && frames[i].major == IRP_MJ_POWER &&
            frames[i].minor == IRP_MN_SET_POWER) {
            f = &frames[i];
            break;
        }
    }
    if (f == NULL)
        return true;
    return !pnpsim__verifier_report(
        sys, PNPSIM_RULE_POWER_IRP_DDIS, ddi, f->dev->DriverObject,
        DRIVER_VERIFIER_DETECTED_VIOLATION, PNPSIM_C4_POWER_IRP_DDIS, (ULONG_PTR)ddi,
        (ULONG_PTR)f->irp, 0,
        "%s was called while %s was handling IRP_MJ_POWER/IRP_MN_SET_POWER; only DISPATCH-"
        "safe DDIs may be called there (DDI compliance rule PowerIrpDDis)",
        ddi, pnpsim_driver_name(f->dev->DriverObject) ? pnpsim_driver_name(f->dev->DriverObject)
                                                      : "a driver");
}

/* "qifunc's device (FDO/filter) on ROOT\X\0" for messages. */
static const char *describe(PDEVICE_OBJECT dev, char *buf, size_t size)
{
    pnpsim__devobj *w = pnpsim__devobj_from(dev);
    const char *drv = dev != NULL ? pnpsim_driver_name(dev->DriverObject) : NULL;
    const char *path = w != NULL && w->devnode != NULL ? w->devnode->instance_path : NULL;
    bool pdo = w != NULL && (w->devnode != NULL ? &w->devnode->pdo->dev == dev
                                                : w->ext.AttachedTo == NULL);
    snprintf(buf, size, "%s's %s of %s", drv ? drv : "?", pdo ? "PDO" : "device",
             path ? path : "a device being enumerated");
    return buf;
}

static bool known_pnp_minor(UCHAR minor)
{
    return minor <= IRP_MN_DEVICE_ENUMERATED && minor != 0x0E;
}

static void pending_add(pnpsim_system *sys, PIRP irp, PDEVICE_OBJECT dev, UCHAR minor)
{
    pnpsim__devobj *w = pnpsim__devobj_from(dev);
    struct pnpsim__verifier_state *vs;
    pnpsim__lock(sys);
    vs = state(sys, true);
    if (vs != NULL) {
        for (size_t i = 0; i < MAX_PENDING; i++) {
            if (vs->pending[i].irp == NULL) {
                vs->pending[i].irp = irp;
                vs->pending[i].dn = w != NULL ? w->devnode : NULL;
                vs->pending[i].minor = minor;
                break;
            }
        }
    }
    pnpsim__unlock(sys);
}

static void pending_remove(pnpsim_system *sys, PIRP irp)
{
    pnpsim__lock(sys);
    if (sys->verifier != NULL) {
        for (size_t i = 0; i < MAX_PENDING; i++) {
            if (sys->verifier->pending[i].irp == irp)
                sys->verifier->pending[i].irp = NULL;
        }
    }
    pnpsim__unlock(sys);
}

static ULONG_PTR dispatch_of(PDEVICE_OBJECT dev)
{
    return dev != NULL && dev->DriverObject != NULL
               ? (ULONG_PTR)dev->DriverObject->MajorFunction[IRP_MJ_PNP]
               : 0;
}

/* The IRP leaves frame f's device downward (IoCallDriver from its dispatch routine). */
static void check_forward(vrf_frame *f, PIRP irp)
{
    NTSTATUS s = irp->IoStatus.Status, a = f->arrive_status;
    char who[192];
    const char *minor = pnpsim_trace_pnp_minor_name(f->minor);
    f->forwarded = true;
    if (f->minor == IRP_MN_QUERY_INTERFACE && NT_SUCCESS(s) && !NT_SUCCESS(a) &&
        f->qi_exporter == NULL)
        f->qi_exporter = f->dev;
    if (!NT_SUCCESS(s) && s != STATUS_NOT_SUPPORTED && s != a) {
        pnpsim__verifier_report(
            f->sys, PNPSIM_RULE_PNP_FAILURE_PASSED_DOWN, "IoCallDriver", f->dev->DriverObject,
            DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_PNP_FAILURE_PASSED_DOWN, dispatch_of(f->dev),
            (ULONG_PTR)irp, (ULONG_PTR)f->dev,
            "%s passed %s down with the failure status %s; a failed PnP IRP must be completed, "
            "not passed down (Driver Verifier I/O error 0x215)",
            describe(f->dev, who, sizeof(who)), minor, pnpsim_status_name(s));
    } else if (a != STATUS_NOT_SUPPORTED && s == STATUS_NOT_SUPPORTED) {
        pnpsim__verifier_report(
            f->sys, PNPSIM_RULE_PNP_NOT_SUPPORTED_SET, "IoCallDriver", f->dev->DriverObject,
            DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_PNP_NOT_SUPPORTED_SET, dispatch_of(f->dev),
            (ULONG_PTR)irp, (ULONG_PTR)f->dev,
            "%s changed the status of %s from %s to STATUS_NOT_SUPPORTED, which is reserved "
            "for the operating system (Driver Verifier I/O error 0x216)",
            describe(f->dev, who, sizeof(who)), minor, pnpsim_status_name(a));
    } else if (!known_pnp_minor(f->minor) && s != a) {
        pnpsim__verifier_report(
            f->sys, PNPSIM_RULE_PNP_STATUS_CHANGED, "IoCallDriver", f->dev->DriverObject,
            DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_PNP_STATUS_CHANGED_FORWARD,
            dispatch_of(f->dev), (ULONG_PTR)irp, (ULONG_PTR)f->dev,
            "%s changed the status of IRP_MJ_PNP minor 0x%02X, which it does not understand, "
            "from %s to %s before passing it down (Driver Verifier I/O error 0x213)",
            describe(f->dev, who, sizeof(who)), (unsigned)f->minor, pnpsim_status_name(a),
            pnpsim_status_name(s));
    }
}

int pnpsim__verifier_dispatch_begin(pnpsim_system *sys, PDEVICE_OBJECT dev, PIRP irp, bool first)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    pnpsim__devobj *w = pnpsim__devobj_from(dev);
    vrf_frame *parent, *f;
    UCHAR major = sp->MajorFunction, minor = sp->MinorFunction;

    if (major != IRP_MJ_PNP && !(major == IRP_MJ_POWER && minor == IRP_MN_SET_POWER))
        return -1;
    prune();
    if (major == IRP_MJ_PNP) {
        if (first) {
            if (irp->IoStatus.Status != STATUS_NOT_SUPPORTED) {
                char who[192];
                PDRIVER_OBJECT sender = pnpsim__current_driver();
                pnpsim__verifier_report(
                    sys, PNPSIM_RULE_PNP_STATUS_NOT_PRESET, "IoCallDriver", sender,
                    DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_PNP_STATUS_NOT_PRESET, 0,
                    (ULONG_PTR)irp, (ULONG_PTR)dev,
                    "%s sent %s to %s with IoStatus.Status %s; a PnP IRP's status must be "
                    "pre-set to STATUS_NOT_SUPPORTED (Driver Verifier I/O error 0x20E)",
                    sender ? pnpsim_driver_name(sender) : "the test",
                    pnpsim_trace_pnp_minor_name(minor), describe(dev, who, sizeof(who)),
                    pnpsim_status_name(irp->IoStatus.Status));
            }
            pending_add(sys, irp, dev, minor);
        } else if ((parent = find_frame(irp, NULL)) != NULL && !parent->completed) {
            check_forward(parent, irp);
        }
    }
    if (frame_count >= MAX_FRAMES)
        return -1;
    f = &frames[frame_count];
    memset(f, 0, sizeof(*f));
    f->sys = sys;
    f->irp = irp;
    f->dev = dev;
    f->sender = first ? pnpsim__current_driver() : NULL;
    f->arrive_status = irp->IoStatus.Status;
    f->depth = pnpsim__ts()->irp_depth;
    f->major = major;
    f->minor = minor;
    f->first = first;
    f->is_pdo = w != NULL && w->ext.AttachedTo == NULL;
    return frame_count++;
}

void pnpsim__verifier_dispatch_end(int token, NTSTATUS returned)
{
    vrf_frame f;
    PNPSIM_UNUSED(returned);
    if (token < 0 || token >= frame_count)
        return;
    f = frames[token];
    frame_count = token;
    /* A device that has handled IRP_MN_REMOVE_DEVICE no longer backs the interfaces it
     * exported: later references and dereferences are "use after removal". */
    if (f.major == IRP_MJ_PNP && f.minor == IRP_MN_REMOVE_DEVICE)
        pnpsim__qi_exporter_removed(f.sys, f.dev);
}

/* The sender of irp (its first frame on this thread), or NULL (the test, or unknown). */
static vrf_frame *first_frame(PIRP irp)
{
    for (int i = 0; i < frame_count; i++) {
        if (frames[i].irp == irp && frames[i].first)
            return &frames[i];
    }
    return NULL;
}

static void check_completion(pnpsim_system *sys, vrf_frame *f, PIRP irp)
{
    NTSTATUS s = irp->IoStatus.Status, a = f->arrive_status;
    const char *minor = pnpsim_trace_pnp_minor_name(f->minor);
    char who[192];
    f->completed = true;
    /* The description is made only for a report (this runs on every PnP completion). */
    if (f->minor == IRP_MN_REMOVE_DEVICE && !NT_SUCCESS(s))
        pnpsim__verifier_report(sys, PNPSIM_RULE_PNP_REMOVE_FAILED, "IoCompleteRequest",
                                f->dev->DriverObject, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                                IOV_REMOVE_FAILED, dispatch_of(f->dev), (ULONG_PTR)irp,
                                (ULONG_PTR)f->dev,
                                "%s completed IRP_MN_REMOVE_DEVICE with %s; REMOVE must not fail "
                                "(Driver Verifier I/O error 0x306)",
                                describe(f->dev, who, sizeof(who)), pnpsim_status_name(s));
    if (a != STATUS_NOT_SUPPORTED && s == STATUS_NOT_SUPPORTED) {
        pnpsim__verifier_report(sys, PNPSIM_RULE_PNP_NOT_SUPPORTED_SET, "IoCompleteRequest",
                                f->dev->DriverObject, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                                IOV_PNP_NOT_SUPPORTED_SET, dispatch_of(f->dev), (ULONG_PTR)irp,
                                (ULONG_PTR)f->dev,
                                "%s completed %s after changing its status from %s to "
                                "STATUS_NOT_SUPPORTED, which is reserved for the operating "
                                "system (Driver Verifier I/O error 0x216)",
                                describe(f->dev, who, sizeof(who)), minor, pnpsim_status_name(a));
        return;
    }
    if (f->is_pdo) {
        if (!known_pnp_minor(f->minor) && s != a)
            pnpsim__verifier_report(sys, PNPSIM_RULE_PNP_STATUS_CHANGED, "IoCompleteRequest",
                                    f->dev->DriverObject, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                                    IOV_PNP_STATUS_CHANGED_COMPLETE, dispatch_of(f->dev),
                                    (ULONG_PTR)irp, (ULONG_PTR)f->dev,
                                    "%s completed IRP_MJ_PNP minor 0x%02X, which it does not "
                                    "understand, with its status changed from %s to %s "
                                    "(Driver Verifier I/O error 0x23B)",
                                    describe(f->dev, who, sizeof(who)), (unsigned)f->minor,
                                    pnpsim_status_name(a), pnpsim_status_name(s));
        return;
    }
    if (f->forwarded)
        return;
    if (s == STATUS_NOT_SUPPORTED) {
        pnpsim__verifier_report(sys, PNPSIM_RULE_PNP_COMPLETED_NOT_PASSED, "IoCompleteRequest",
                                f->dev->DriverObject, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                                IOV_PNP_UNTOUCHED_COMPLETED, dispatch_of(f->dev), (ULONG_PTR)irp,
                                (ULONG_PTR)f->dev,
                                "%s completed %s with STATUS_NOT_SUPPORTED instead of passing "
                                "it down; only the PDO completes a PnP IRP it does not handle "
                                "(Driver Verifier I/O error 0x22F)",
                                describe(f->dev, who, sizeof(who)), minor);
    } else if (NT_SUCCESS(s) && f->minor == IRP_MN_QUERY_INTERFACE) {
        pnpsim__verifier_report(sys, PNPSIM_RULE_QI_COMPLETED_NOT_PASSED, "IoCompleteRequest",
                                f->dev->DriverObject, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                                IOV_PNP_SUCCESS_COMPLETED, dispatch_of(f->dev), (ULONG_PTR)irp,
                                (ULONG_PTR)f->dev,
                                "warning: %s answered IRP_MN_QUERY_INTERFACE and completed it "
                                "instead of passing it down; pnpsim's model (as KMDF does) is "
                                "fill in the interface, then forward (Driver Verifier I/O "
                                "error 0x22E)",
                                describe(f->dev, who, sizeof(who)));
    } else if (NT_SUCCESS(s)) {
        bool understood = known_pnp_minor(f->minor);
        pnpsim__verifier_report(sys, PNPSIM_RULE_PNP_COMPLETED_NOT_PASSED, "IoCompleteRequest",
                                f->dev->DriverObject, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                                understood ? IOV_PNP_SUCCESS_COMPLETED
                                           : IOV_PNP_NOT_UNDERSTOOD_COMPLETED,
                                dispatch_of(f->dev), (ULONG_PTR)irp, (ULONG_PTR)f->dev,
                                "%s completed %s with %s instead of passing it down; a "
                                "function or filter driver passes successful PnP IRPs down "
                                "to the PDO (Driver Verifier I/O error 0x%X)",
                                describe(f->dev, who, sizeof(who)), minor, pnpsim_status_name(s),
                                understood ? IOV_PNP_SUCCESS_COMPLETED
                                           : IOV_PNP_NOT_UNDERSTOOD_COMPLETED);
    }
}

void pnpsim__verifier_irp_completing(pnpsim_system *sys, PIRP irp)
{
    PIO_STACK_LOCATION sp;
    PDEVICE_OBJECT dev;
    vrf_frame *f, *sender;
    if (irp->CurrentLocation > irp->StackCount)
        return;
    sp = IoGetCurrentIrpStackLocation(irp);
    if (sp->MajorFunction != IRP_MJ_PNP)
        return;
    dev = sp->DeviceObject;
    prune();
    pending_remove(sys, irp);
    f = find_frame(irp, dev);
    if (f != NULL && !f->completed)
        check_completion(sys, f, irp);
    if (sp->MinorFunction == IRP_MN_QUERY_INTERFACE && NT_SUCCESS(irp->IoStatus.Status)) {
        PDEVICE_OBJECT exporter = NULL;
        for (int i = 0; i < frame_count && exporter == NULL; i++) {
            if (frames[i].irp == irp && frames[i].qi_exporter != NULL)
                exporter = frames[i].qi_exporter;
        }
        if (exporter == NULL)
            exporter = dev;
        sender = first_frame(irp);
        pnpsim__qi_capture(sys, sp, exporter, sender != NULL ? sender->sender : NULL,
                           sender != NULL ? sender->dev : dev);
    }
}

/* ======================================================================================
 * Removal, unload, destroy
 * ==================================================================================== */

void pnpsim__verifier_after_remove(pnpsim_device *dn, NTSTATUS status)
{
    pnpsim_system *sys = dn->sys;
    PDEVICE_OBJECT left[16];
    bool deleted[16];
    size_t n = 0;
    pending_irp stuck[8];
    size_t nstuck = 0;
    char who[192];
    PNPSIM_UNUSED(status);

    if (sys->crashed)
        return;
    pnpsim__lock(sys);
    for (PDEVICE_OBJECT d = dn->pdo->dev.AttachedDevice; d != NULL && n < 16;
         d = d->AttachedDevice) {
        pnpsim__devobj *w = pnpsim__devobj_from(d);
        left[n] = d;
        deleted[n] = w != NULL && w->deleted;
        n++;
    }
    if (sys->verifier != NULL) {
        for (size_t i = 0; i < MAX_PENDING && nstuck < 8; i++) {
            if (sys->verifier->pending[i].irp != NULL && sys->verifier->pending[i].dn == dn) {
                stuck[nstuck++] = sys->verifier->pending[i];
                sys->verifier->pending[i].irp = NULL;
            }
        }
    }
    pnpsim__unlock(sys);

    /* The ledger first: the stack's drivers had to release what they imported. */
    pnpsim__qi_device_removed(dn);

    for (size_t i = 0; i < n; i++) {
        pnpsim__verifier_report(
            sys, PNPSIM_RULE_PNP_REMOVE_NOT_DETACHED, "IRP_MN_REMOVE_DEVICE",
            left[i]->DriverObject, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_REMOVE_NOT_DETACHED,
            dispatch_of(left[i]), 0, (ULONG_PTR)left[i],
            "after IRP_MN_REMOVE_DEVICE, %s is still attached to the stack of %s%s; the driver "
            "must IoDetachDevice and IoDeleteDevice its device object when it handles REMOVE "
            "(Driver Verifier I/O error 0x21D)",
            describe(left[i], who, sizeof(who)), dn->instance_path,
            deleted[i] ? " (deleted, never detached)" : " (neither detached nor deleted)");
    }
    /* Detached but never deleted: still in its driver's device list, still of this node. */
    {
        PDEVICE_OBJECT orphans[16];
        size_t norphans = 0;
        pnpsim__lock(sys);
        for (PLIST_ENTRY e = sys->drivers.Flink; e != &sys->drivers; e = e->Flink) {
            pnpsim__driver *d = CONTAINING_RECORD(e, pnpsim__driver, link);
            if (d->builtin)
                continue;
            for (PDEVICE_OBJECT o = d->drv.DeviceObject; o != NULL && norphans < 16;
                 o = o->NextDevice) {
                pnpsim__devobj *w = pnpsim__devobj_from(o);
                if (w != NULL && w->devnode == dn && o != &dn->pdo->dev && !w->deleted &&
                    w->ext.AttachedTo == NULL && o->AttachedDevice == NULL && !w->is_pdo)
                    orphans[norphans++] = o;
            }
        }
        pnpsim__unlock(sys);
        for (size_t i = 0; i < norphans; i++)
            pnpsim__verifier_report(
                sys, PNPSIM_RULE_PNP_REMOVE_NOT_DELETED, "IRP_MN_REMOVE_DEVICE",
                orphans[i]->DriverObject, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                IOV_REMOVE_NOT_DELETED, dispatch_of(orphans[i]), 0, (ULONG_PTR)orphans[i],
                "after IRP_MN_REMOVE_DEVICE, %s was detached from the stack of %s but not "
                "deleted (IoDeleteDevice) (Driver Verifier I/O error 0x21E)",
                describe(orphans[i], who, sizeof(who)), dn->instance_path);
    }
    for (size_t i = 0; i < nstuck; i++) {
        pnpsim__verifier_report(
            sys, PNPSIM_RULE_PNP_PENDING_AT_REMOVE, "IRP_MN_REMOVE_DEVICE", NULL,
            DRIVER_VERIFIER_DETECTED_VIOLATION, PNPSIM_C4_PNP_PENDING_AT_REMOVE,
            (ULONG_PTR)stuck[i].irp, stuck[i].minor, (ULONG_PTR)&dn->pdo->dev,
            "%s (IRP %p) sent to the stack of %s was still pending (never completed) when the "
            "device was removed (pnpsim rule PnpIrpPendingAtRemove)",
            pnpsim_trace_pnp_minor_name(stuck[i].minor), (void *)stuck[i].irp,
            dn->instance_path);
    }
}

void pnpsim__verifier_driver_unloaded(pnpsim_system *sys, PDRIVER_OBJECT drv)
{
    if (sys->crashed)
        return;
    pnpsim__qi_driver_unloaded(sys, drv);
}

void pnpsim__verifier_system_destroy(pnpsim_system *sys)
{
    struct pnpsim__verifier_state *vs;
    /* Leaks are reported (unless the system crashed), then the ledger is freed. */
    pnpsim__busstd_free_all(sys);
    pnpsim__qi_destroy(sys);
    pnpsim__lock(sys);
    vs = sys->verifier;
    sys->verifier = NULL;
    pnpsim__unlock(sys);
    if (vs == NULL)
        return;
    clear_locked(vs);
    for (size_t i = 0; i < vs->override_count; i++)
        free(vs->overrides[i].name);
    free(vs->overrides);
    free(vs->v);
    free(vs->blocks);
    free(vs);
}
