/* SPDX-License-Identifier: MIT */
/*
 * This file implements the API-sequence fuzz target: the input bytes decode into a
 * sequence of operations on one simulated system (create root devices, start, remove and
 * surprise-remove them, register interfaces with well-formed and malformed reference
 * strings, enable and disable them by well-formed and malformed names, IoGetDeviceInterfaces,
 * aliases and registry keys, native subscriptions and their delivery, query-interface,
 * reboot, and an allocation fault armed for the next operation). After every operation the
 * library is compared with a small reference model written from windows-semantics.md:
 *   - names (§2.1): "\??\<instance path, '\' -> '#'>#{guid, lower case}[\<ref>]", spelled
 *     as at the first registration; identity of an instance is (device, class, reference
 *     string) compared case-insensitively, as the registry key that holds it (§2.3);
 *   - registration statuses (§3), the enable state machine and its statuses (§4.1), name
 *     validation (§4.2: prefix "\??\" or "\\?\", a braced GUID just before the reference
 *     string, at least one character before it);
 *   - arrivals held back until the device has started, removals only for published
 *     arrivals, removal when the device goes, every interface disabled at reboot (§4.3);
 *   - IoGetDeviceInterfaces lists (§5, registration order as pnpsim documents);
 *   - the notifications each native subscriber receives, in order.
 * Any disagreement prints the operation log and aborts. An operation that fails with
 * STATUS_INSUFFICIENT_RESOURCES under an armed fault must leave the model's state intact.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wdm.h>

#include <pnpsim/pnpsim.h>

/* ==== input ============================================================================== */

typedef struct input {
    const uint8_t *p;
    size_t n, at;
} input;

static unsigned u8(input *in)
{
    return in->at < in->n ? in->p[in->at++] : 0u;
}

static int more(const input *in)
{
    return in->at < in->n;
}

/* ==== failure reporting ================================================================== */

static char OpLog[64][96];
static unsigned OpCount;

static void oplog(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(OpLog[OpCount % 64], sizeof(OpLog[0]), fmt, ap);
    va_end(ap);
    OpCount++;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    unsigned first = OpCount > 64 ? OpCount - 64 : 0;
    fprintf(stderr, "fuzz_api_sequence: model disagreement after %u operation(s):\n", OpCount);
    for (unsigned i = first; i < OpCount; i++)
        fprintf(stderr, "  #%u %s\n", i, OpLog[i % 64]);
    fprintf(stderr, "  => ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  last error: %s\n", pnpsim_last_error_message());
    abort();
}

#define CHECK_STATUS(what, expected, actual)                                                \
    do {                                                                                    \
        NTSTATUS e_ = (expected), a_ = (actual);                                            \
        if (e_ != a_)                                                                       \
            die("%s: expected %s, got %s", what, pnpsim_status_name(e_),                   \
                pnpsim_status_name(a_));                                                    \
    } while (0)

/* ==== the driver: a pass-through function driver ========================================= */

typedef struct fz_ext {
    PDEVICE_OBJECT lower;
} fz_ext;

static NTSTATUS NTAPI FzPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    fz_ext *ext = (fz_ext *)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->lower;
    NTSTATUS status;
    if (sp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;
    }
    if (sp->MinorFunction == IRP_MN_START_DEVICE || sp->MinorFunction == IRP_MN_QUERY_REMOVE_DEVICE ||
        sp->MinorFunction == IRP_MN_SURPRISE_REMOVAL ||
        sp->MinorFunction == IRP_MN_CANCEL_REMOVE_DEVICE)
        Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

static NTSTATUS NTAPI FzCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI FzAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    fz_ext *ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(fz_ext), NULL, FILE_DEVICE_UNKNOWN, 0,
                                     FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (fz_ext *)fdo->DeviceExtension;
    ext->lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    if (ext->lower == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static VOID NTAPI FzUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

static NTSTATUS NTAPI FzDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = FzPnp;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = FzCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = FzCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = FzCreateClose;
    DriverObject->DriverExtension->AddDevice = FzAddDevice;
    DriverObject->DriverUnload = FzUnload;
    return STATUS_SUCCESS;
}

/* ==== the reference model ================================================================ */

#define NSLOT 4
#define NCLASS 3
#define NREF 4 /* distinct reference-string identities: none, "a", "Ref1", "\u00e9" */
#define NREG (NSLOT * NCLASS * NREF + 8)
#define NSUB 6
#define MAXNAME 160
#define MAXLOG 512

static const char *const DevIds[2] = {"ROOT\\FUZZ", "ROOT\\FUZZB"};
static const GUID Classes[NCLASS] = {
    {0x1f0e2d3c, 0x4b5a, 0x6978, {0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0}},
    {0xdeadbeef, 0x29ef, 0x4538, {0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62, 0xc2}},
    {0x00000000, 0x0000, 0x0000, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}},
};
static const GUID QiGuids[2] = {
    {0x71ab0c31, 0x0001, 0x4f00, {0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}},
    {0x71ab0c31, 0x0002, 0x4f00, {0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02}},
};

enum { D_ABSENT = 0, D_INIT, D_STARTED, D_REMOVED };

typedef struct mdev {
    int state;
    pnpsim_device *dev;
    char path[64]; /* as created (case varies) */
    int qi[2];     /* provided */
} mdev;

typedef struct mreg {
    int used;
    int slot, cls;
    WCHAR ref[8]; /* folded identity is compared; stored as first registered */
    size_t ref_n;
    WCHAR name[MAXNAME];
    size_t name_n;
    int enabled, published;
} mreg;

typedef struct mevent {
    int arrival;
    int cls;
    char name[MAXNAME * 3];
    int batch; /* 0: ordered; else events of one reboot, compared as a set */
} mevent;

typedef struct msub {
    int live;
    int all;   /* every class */
    int cls;
    pnpsim_notify_subscription *h;
    mevent exp[MAXLOG], got[MAXLOG];
    size_t nexp, ngot;
    int overflow;
} msub;

static struct model {
    pnpsim_system *sys;
    PDRIVER_OBJECT drv;
    int manual;
    mdev dev[NSLOT];
    mreg reg[NREG];
    size_t nreg;
    msub sub[NSUB];
    mevent queue[MAXLOG];
    size_t nqueue;
    int batch;     /* current batch tag for delivered events */
    int fault;     /* armed for the current operation */
} M;

static WCHAR wfold(WCHAR c)
{
    if (c >= 'a' && c <= 'z')
        return (WCHAR)(c - 32);
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return (WCHAR)(c - 32);
    return c;
}

static int wsame(const WCHAR *a, size_t an, const WCHAR *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (wfold(a[i]) != wfold(b[i]))
            return 0;
    return 1;
}

static size_t utf8_of(const WCHAR *w, size_t n, char *out, size_t cap)
{
    size_t at = 0;
    for (size_t i = 0; i < n && at + 4 < cap; i++) {
        unsigned c = w[i];
        if (c < 0x80) {
            out[at++] = (char)c;
        } else if (c < 0x800) {
            out[at++] = (char)(0xC0 | (c >> 6));
            out[at++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[at++] = (char)(0xE0 | (c >> 12));
            out[at++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[at++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[at] = 0;
    return at;
}

static size_t wput_ascii(WCHAR *w, size_t at, const char *s)
{
    while (*s && at < MAXNAME)
        w[at++] = (WCHAR)(unsigned char)*s++;
    return at;
}

/* §2.1: "\??\" + instance path with '\' -> '#' + "#{guid lower}" + ["\" ref]. */
static size_t model_name(int slot, int cls, const WCHAR *ref, size_t ref_n, WCHAR *out)
{
    char g[64];
    const GUID *q = &Classes[cls];
    size_t at = wput_ascii(out, 0, "\\??\\");
    for (const char *p = M.dev[slot].path; *p && at < MAXNAME; p++)
        out[at++] = *p == '\\' ? (WCHAR)'#' : (WCHAR)(unsigned char)*p;
    snprintf(g, sizeof(g), "#{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
             (unsigned long)q->Data1, q->Data2, q->Data3, q->Data4[0], q->Data4[1], q->Data4[2],
             q->Data4[3], q->Data4[4], q->Data4[5], q->Data4[6], q->Data4[7]);
    at = wput_ascii(out, at, g);
    if (ref_n > 0) {
        out[at++] = '\\';
        for (size_t i = 0; i < ref_n; i++)
            out[at++] = ref[i];
    }
    return at;
}

static int hexdig(WCHAR c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* §4.2: 1 well formed (body = after the prefix), 0 malformed. */
static int model_parse(const WCHAR *s, size_t n, const WCHAR **body, size_t *body_n)
{
    static const char shape[] = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
    size_t end, start;
    if (n < 4 || s[0] != '\\' || s[2] != '?' || s[3] != '\\' || (s[1] != '?' && s[1] != '\\'))
        return 0;
    for (end = 4; end < n && s[end] != '\\'; end++)
        ;
    if (end - 4 < 39)
        return 0;
    start = end - 38;
    for (size_t k = 0; k < 38; k++) {
        WCHAR c = s[start + k];
        if (shape[k] == 'x' ? !hexdig(c) : c != (WCHAR)shape[k])
            return 0;
    }
    *body = s + 4;
    *body_n = n - 4;
    return 1;
}

static mreg *find_reg_body(const WCHAR *body, size_t n)
{
    for (size_t i = 0; i < M.nreg; i++)
        if (wsame(M.reg[i].name + 4, M.reg[i].name_n - 4, body, n))
            return &M.reg[i];
    return NULL;
}

static mreg *find_reg(int slot, int cls, const WCHAR *ref, size_t ref_n)
{
    for (size_t i = 0; i < M.nreg; i++) {
        mreg *r = &M.reg[i];
        if (r->slot == slot && r->cls == cls && wsame(r->ref, r->ref_n, ref, ref_n))
            return r;
    }
    return NULL;
}

static void queue_event(mreg *r, int arrival)
{
    mevent *e;
    if (M.nqueue == MAXLOG)
        die("model event queue overflow");
    e = &M.queue[M.nqueue++];
    e->arrival = arrival;
    e->cls = r->cls;
    utf8_of(r->name, r->name_n, e->name, sizeof(e->name));
    e->batch = 0;
}

static void expect_event(msub *s, const mevent *e, int batch)
{
    if (s->nexp == MAXLOG) {
        s->overflow = 1;
        return;
    }
    s->exp[s->nexp] = *e;
    s->exp[s->nexp].batch = batch;
    s->nexp++;
}

/* Deliver the model queue to the live subscriptions (what run_pending does). */
static void model_deliver(void)
{
    for (size_t k = 0; k < M.nqueue; k++)
        for (int s = 0; s < NSUB; s++)
            if (M.sub[s].live && (M.sub[s].all || M.sub[s].cls == M.queue[k].cls))
                expect_event(&M.sub[s], &M.queue[k], M.batch);
    M.nqueue = 0;
}

static void model_disable(mreg *r)
{
    if (r->published)
        queue_event(r, 0);
    r->enabled = r->published = 0;
}

/* The device of slot goes: the PnP manager disables its interfaces (§4.3, §1.3). */
static void model_gone(int slot)
{
    for (size_t i = 0; i < M.nreg; i++)
        if (M.reg[i].slot == slot && M.reg[i].enabled)
            model_disable(&M.reg[i]);
}

static void model_started(int slot)
{
    for (size_t i = 0; i < M.nreg; i++) {
        mreg *r = &M.reg[i];
        if (r->slot == slot && r->enabled && !r->published) {
            r->published = 1;
            queue_event(r, 1);
        }
    }
}

/* ==== comparing the library with the model ============================================== */

static NTSTATUS NTAPI sub_fn(void *ctx, const pnpsim_notify_event *ev)
{
    msub *s = ctx;
    mevent *e;
    if (s->ngot == MAXLOG) {
        s->overflow = 1;
        return STATUS_SUCCESS;
    }
    e = &s->got[s->ngot++];
    e->arrival = ev->kind == PNPSIM_NOTIFY_INTERFACE_ARRIVAL;
    if (ev->kind != PNPSIM_NOTIFY_INTERFACE_ARRIVAL && ev->kind != PNPSIM_NOTIFY_INTERFACE_REMOVAL)
        e->arrival = -1;
    e->cls = -1;
    for (int c = 0; c < NCLASS; c++)
        if (IsEqualGUID(&ev->class_guid, &Classes[c]))
            e->cls = c;
    snprintf(e->name, sizeof(e->name), "%s", ev->name != NULL ? ev->name : "(null)");
    e->batch = M.batch;
    return STATUS_SUCCESS;
}

static int ev_cmp(const void *a, const void *b)
{
    const mevent *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : x->arrival - y->arrival;
}

static void compare_logs(void)
{
    for (int s = 0; s < NSUB; s++) {
        msub *m = &M.sub[s];
        size_t i = 0;
        if (m->overflow)
            continue;
        if (m->nexp != m->ngot) {
            for (size_t k = 0; k < m->nexp; k++)
                fprintf(stderr, "   expected %s %s\n", m->exp[k].arrival ? "ARRIVAL" : "REMOVAL",
                        m->exp[k].name);
            for (size_t k = 0; k < m->ngot; k++)
                fprintf(stderr, "   got      %s %s\n", m->got[k].arrival ? "ARRIVAL" : "REMOVAL",
                        m->got[k].name);
            die("subscription %d: %zu notifications expected, %zu received", s, m->nexp,
                m->ngot);
        }
        while (i < m->nexp) {
            size_t j = i + 1;
            if (m->exp[i].batch != 0) {
                while (j < m->nexp && m->exp[j].batch == m->exp[i].batch)
                    j++;
                qsort(&m->exp[i], j - i, sizeof(mevent), ev_cmp);
                qsort(&m->got[i], j - i, sizeof(mevent), ev_cmp);
            }
            for (size_t k = i; k < j; k++) {
                if (m->exp[k].arrival != m->got[k].arrival || m->exp[k].cls != m->got[k].cls ||
                    strcmp(m->exp[k].name, m->got[k].name) != 0)
                    die("subscription %d, notification %zu: expected %s %s, got %s %s", s, k,
                        m->exp[k].arrival ? "ARRIVAL" : "REMOVAL", m->exp[k].name,
                        m->got[k].arrival == 1 ? "ARRIVAL" : "REMOVAL/other", m->got[k].name);
                m->exp[k].batch = m->got[k].batch = 0;
            }
            i = j;
        }
    }
}

static void compare_state(void)
{
    char want[MAXNAME * 3];
    size_t live = 0;
    for (int c = 0; c < NCLASS; c++) {
        for (int pass = 0; pass < 2; pass++) {
            pnpsim_iface_list *l = NULL;
            size_t k = 0;
            NTSTATUS st = pnpsim_iface_list_class(M.sys, &Classes[c],
                                                  pass ? PNPSIM_IFACE_INCLUDE_DISABLED : 0, &l);
            CHECK_STATUS("pnpsim_iface_list_class", STATUS_SUCCESS, st);
            for (size_t i = 0; i < M.nreg; i++) {
                const mreg *r = &M.reg[i];
                const pnpsim_iface_info *it;
                if (r->cls != c || (!pass && !r->enabled))
                    continue;
                utf8_of(r->name, r->name_n, want, sizeof(want));
                if (k >= l->count)
                    die("class %d: %s missing from the list (%zu listed)", c, want, l->count);
                it = &l->items[k++];
                if (strcmp(it->name, want) != 0)
                    die("class %d, item %zu: expected %s, listed %s", c, k - 1, want, it->name);
                if (!it->enabled != !r->enabled)
                    die("%s: enabled %d, model %d", want, it->enabled, r->enabled);
                if (!it->arrival_pending != !(r->enabled && !r->published))
                    die("%s: arrival_pending %d, model enabled %d published %d", want,
                        it->arrival_pending, r->enabled, r->published);
                if ((it->reference == NULL) != (r->ref_n == 0))
                    die("%s: reference %s, model has %s", want,
                        it->reference ? it->reference : "(none)", r->ref_n ? "one" : "none");
            }
            if (k != l->count)
                die("class %d: %zu interfaces listed, model has %zu (first extra %s)", c,
                    l->count, k, l->items[k].name);
            pnpsim_iface_list_free(M.sys, l);
        }
    }
    for (int s = 0; s < NSUB; s++)
        live += M.sub[s].live != 0;
    if (pnpsim_notify_registration_count(M.sys) != live)
        die("%zu notification registrations, model has %zu",
            pnpsim_notify_registration_count(M.sys), live);
    for (int d = 0; d < NSLOT; d++) {
        pnpsim_device *found;
        if (M.dev[d].state == D_ABSENT)
            continue;
        found = pnpsim_device_find(M.sys, M.dev[d].path);
        if (found != M.dev[d].dev)
            die("device %s: pnpsim_device_find disagrees", M.dev[d].path);
        {
            pnpsim_device_state st = pnpsim_device_get_state(found);
            int want_st = M.dev[d].state == D_INIT      ? PNPSIM_DEVICE_INITIALIZED
                          : M.dev[d].state == D_STARTED ? PNPSIM_DEVICE_STARTED
                                                        : PNPSIM_DEVICE_REMOVED;
            if ((int)st != want_st)
                die("device %s: state %s, model %s", M.dev[d].path,
                    pnpsim_device_state_name(st),
                    pnpsim_device_state_name((pnpsim_device_state)want_st));
        }
    }
    if (pnpsim_system_pool_outstanding(M.sys, NULL) != 0)
        die("%zu pool allocations outstanding", pnpsim_system_pool_outstanding(M.sys, NULL));
    if (pnpsim_qi_outstanding_by_test(M.sys, NULL) != 0)
        die("QI references held by the test: %ld", pnpsim_qi_outstanding_by_test(M.sys, NULL));
    compare_logs();
}

/* ==== names the operations use ========================================================== */

typedef struct name_arg {
    UNICODE_STRING us;
    WCHAR buf[MAXNAME + 8];
    int null_ptr;
    int malformed; /* the UNICODE_STRING itself is invalid */
} name_arg;

/* A name: a registration's spelled a variety of ways, or bytes from the input. */
static void make_name(input *in, name_arg *a)
{
    unsigned how = u8(in);
    size_t n = 0;
    memset(a, 0, sizeof(*a));
    if (M.nreg > 0 && how < 200) {
        const mreg *r = &M.reg[u8(in) % M.nreg];
        memcpy(a->buf, r->name, r->name_n * sizeof(WCHAR));
        n = r->name_n;
        switch (how % 10) {
        case 0: case 1: case 2: break;                      /* as returned */
        case 3: a->buf[1] = '\\'; break;                    /* user form */
        case 4:                                             /* upper case */
            for (size_t i = 0; i < n; i++)
                if (a->buf[i] >= 'a' && a->buf[i] <= 'z')
                    a->buf[i] = (WCHAR)(a->buf[i] - 32);
            break;
        case 5:                                             /* lower case */
            for (size_t i = 0; i < n; i++)
                if (a->buf[i] >= 'A' && a->buf[i] <= 'Z')
                    a->buf[i] = (WCHAR)(a->buf[i] + 32);
            break;
        case 6: a->buf[n++] = '\\'; break;                  /* empty reference string */
        case 7: n = u8(in) % (n + 1); break;                /* truncated */
        case 8: a->buf[u8(in) % n] = (WCHAR)u8(in); break;  /* one unit changed */
        case 9: a->buf[n++] = (WCHAR)(u8(in) | 1); break;   /* one more */
        }
    } else if (how < 240) {
        n = u8(in) % 80;
        for (size_t i = 0; i < n; i++) {
            unsigned c = u8(in);
            a->buf[i] = c < 0xF0 ? (WCHAR)c : (WCHAR)(0xD800 + (c & 0xF) * 0x80);
        }
    } else if (how < 250) {
        a->null_ptr = 1;
        return;
    } else {
        /* A malformed UNICODE_STRING around a good name. */
        a->buf[0] = 0;
        a->us.Buffer = how == 250 ? NULL : a->buf;
        a->us.Length = how == 250 ? 4 : how == 251 ? 3 : 20;
        a->us.MaximumLength = how == 252 ? 10 : 20;
        a->malformed = how <= 252; /* 253..255: ten NULs, well formed as a UNICODE_STRING */
        return;
    }
    a->us.Buffer = a->buf;
    a->us.Length = (USHORT)(n * sizeof(WCHAR));
    a->us.MaximumLength = (USHORT)(a->us.Length + (u8(in) & 1) * 2);
}

/* The registration the name designates (model), or NULL; *bad for a malformed name. */
static mreg *resolve(const name_arg *a, int *bad)
{
    const WCHAR *body;
    size_t body_n;
    *bad = 0;
    if (a->null_ptr || a->malformed ||
        !model_parse(a->us.Buffer, a->us.Length / sizeof(WCHAR), &body, &body_n)) {
        *bad = 1;
        return NULL;
    }
    return find_reg_body(body, body_n);
}

/* ==== operations ========================================================================= */

static int slot_of(input *in)
{
    return (int)(u8(in) % NSLOT);
}

static void op_create(input *in)
{
    int s = slot_of(in);
    unsigned v = u8(in);
    mdev *d = &M.dev[s];
    pnpsim_device *dev = NULL;
    NTSTATUS st;
    char path[64];
    snprintf(path, sizeof(path), "%s", DevIds[s >> 1]);
    if (v & 1) /* the bus reports another case: names keep the first registration's */
        for (char *p = path + 5; *p; p++)
            *p = (char)(*p + ('a' - 'A'));
    oplog("create %s\\%d%s", path, s & 1, M.fault ? " (fault armed)" : "");
    st = pnpsim_device_create(M.sys, NULL, path, (s & 1) ? "1" : "0", &dev);
    if (d->state != D_ABSENT) {
        /* Out of memory may be found before the collision: nothing changes either way. */
        if (!(M.fault && st == STATUS_INSUFFICIENT_RESOURCES))
            CHECK_STATUS("pnpsim_device_create (present)", STATUS_OBJECT_NAME_COLLISION, st);
        return;
    }
    if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES) {
        char full[80];
        snprintf(full, sizeof(full), "%.40s\\%d", path, s & 1);
        if (pnpsim_device_find(M.sys, full) != NULL)
            die("pnpsim_device_create failed for lack of memory but the device exists");
        return;
    }
    CHECK_STATUS("pnpsim_device_create", STATUS_SUCCESS, st);
    d->state = D_INIT;
    d->dev = dev;
    snprintf(d->path, sizeof(d->path), "%.40s\\%d", path, s & 1);
    d->qi[0] = d->qi[1] = 0;
}

static void op_lifecycle(input *in, int what)
{
    int s = slot_of(in);
    mdev *d = &M.dev[s];
    NTSTATUS st, want;
    if (d->state == D_ABSENT)
        return;
    if (what == 0) {
        oplog("start %s", d->path);
        st = pnpsim_device_start(d->dev);
        want = d->state == D_INIT || d->state == D_REMOVED ? STATUS_SUCCESS
                                                           : STATUS_INVALID_DEVICE_STATE;
        CHECK_STATUS("pnpsim_device_start", want, st);
        if (st == STATUS_SUCCESS) {
            d->state = D_STARTED;
            model_started(s);
        }
    } else if (what == 1) {
        oplog("remove %s", d->path);
        st = pnpsim_device_remove(d->dev);
        want = d->state == D_INIT || d->state == D_STARTED ? STATUS_SUCCESS
                                                           : STATUS_INVALID_DEVICE_STATE;
        CHECK_STATUS("pnpsim_device_remove", want, st);
        if (st == STATUS_SUCCESS) {
            d->state = D_REMOVED;
            model_gone(s);
        }
    } else {
        oplog("surprise-remove %s", d->path);
        st = pnpsim_device_surprise_remove(d->dev);
        CHECK_STATUS("pnpsim_device_surprise_remove", STATUS_SUCCESS, st);
        model_gone(s);
        d->state = D_ABSENT;
        d->dev = NULL;
        if (pnpsim_device_find(M.sys, d->path) != NULL)
            die("%s still present after surprise removal", d->path);
    }
}

static void op_register(input *in)
{
    int s = slot_of(in), cls = (int)(u8(in) % NCLASS);
    unsigned rs = u8(in) % 13;
    mdev *d = &M.dev[s];
    UNICODE_STRING ref, name;
    WCHAR rbuf[8];
    PUNICODE_STRING refp = &ref;
    NTSTATUS st, want;
    int bad_chars = 0, malformed = 0;
    size_t rn = 0;
    memset(&name, 0x5A, sizeof(name));
    switch (rs) {
    case 0: refp = NULL; break;
    case 1: break;                                            /* "" counts as none */
    case 2: rbuf[rn++] = 'a'; break;
    case 3: rbuf[rn++] = 'A'; break;                          /* same instance as "a" */
    case 4: rbuf[0] = 'R'; rbuf[1] = 'e'; rbuf[2] = 'f'; rbuf[3] = '1'; rn = 4; break;
    case 5: rbuf[0] = 0xE9; rn = 1; break;                    /* e acute */
    case 6: rbuf[0] = 0xC9; rn = 1; break;                    /* E acute: same key */
    case 7: rbuf[0] = 'x'; rbuf[1] = '\\'; rbuf[2] = 'y'; rn = 3; bad_chars = 1; break;
    case 8: rbuf[0] = 'x'; rbuf[1] = '/'; rn = 2; bad_chars = 1; break;
    case 9: rbuf[0] = 'n'; rbuf[1] = 0; rbuf[2] = 'l'; rn = 3; bad_chars = 1; break;
    default: rbuf[0] = 'q'; rn = 1; malformed = 1; break;
    }
    ref.Buffer = rbuf;
    ref.Length = (USHORT)(rn * sizeof(WCHAR));
    ref.MaximumLength = (USHORT)sizeof(rbuf);
    if (rs == 10)
        ref.Length = 3;
    else if (rs == 11)
        ref.MaximumLength = 0;
    else if (rs == 12)
        ref.Buffer = NULL;
    oplog("register %s class %d ref#%u%s", d->state ? d->path : "(NULL PDO)", cls, rs,
          M.fault ? " (fault armed)" : "");
    st = IoRegisterDeviceInterface(d->state ? pnpsim_device_pdo(d->dev) : NULL, &Classes[cls],
                                   refp, &name);
    if (d->state == D_ABSENT)
        want = STATUS_INVALID_DEVICE_REQUEST;
    else if (malformed)
        want = STATUS_INVALID_PARAMETER;
    else if (bad_chars)
        want = STATUS_INVALID_DEVICE_REQUEST;
    else
        want = find_reg(s, cls, rbuf, refp ? rn : 0) ? STATUS_OBJECT_NAME_EXISTS
                                                     : STATUS_SUCCESS;
    if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES)
        want = st;
    CHECK_STATUS("IoRegisterDeviceInterface", want, st);
    if (!NT_SUCCESS(st)) {
        if (name.Buffer != NULL || name.Length != 0)
            die("IoRegisterDeviceInterface failed but left a name");
        return;
    }
    {
        mreg *r = find_reg(s, cls, rbuf, refp ? rn : 0);
        if (r == NULL) {
            if (M.nreg == NREG)
                die("model registration table full");
            r = &M.reg[M.nreg++];
            memset(r, 0, sizeof(*r));
            r->used = 1;
            r->slot = s;
            r->cls = cls;
            memcpy(r->ref, rbuf, rn * sizeof(WCHAR));
            r->ref_n = refp ? rn : 0;
            r->name_n = model_name(s, cls, r->ref, r->ref_n, r->name);
        }
        if (name.Length != r->name_n * sizeof(WCHAR) ||
            name.MaximumLength != name.Length + sizeof(WCHAR) ||
            memcmp(name.Buffer, r->name, name.Length) != 0 || name.Buffer[r->name_n] != 0) {
            char got[MAXNAME * 3], want_s[MAXNAME * 3];
            utf8_of(name.Buffer, name.Length / 2, got, sizeof(got));
            utf8_of(r->name, r->name_n, want_s, sizeof(want_s));
            die("IoRegisterDeviceInterface returned %s, expected %s", got, want_s);
        }
    }
    RtlFreeUnicodeString(&name);
}

static void op_set_state(input *in, int enable)
{
    name_arg a;
    mreg *r;
    int bad;
    NTSTATUS st, want;
    char nm[MAXNAME * 3];
    make_name(in, &a);
    r = resolve(&a, &bad);
    utf8_of(a.buf, a.us.Length / 2 < MAXNAME ? a.us.Length / 2 : 0, nm, sizeof(nm));
    oplog("%s %s%s", enable ? "enable" : "disable",
          a.null_ptr ? "(NULL)" : a.malformed ? "(malformed UNICODE_STRING)" : nm,
          M.fault ? " (fault armed)" : "");
    st = IoSetDeviceInterfaceState(a.null_ptr ? NULL : &a.us, enable ? TRUE : FALSE);
    if (bad)
        want = STATUS_INVALID_PARAMETER;
    else if (r == NULL)
        want = STATUS_OBJECT_NAME_NOT_FOUND;
    else if (enable)
        want = r->enabled ? STATUS_OBJECT_NAME_EXISTS : STATUS_SUCCESS;
    else
        want = r->enabled ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
    if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES)
        want = st; /* nothing changed (checked after the operation) */
    CHECK_STATUS("IoSetDeviceInterfaceState", want, st);
    if (st != STATUS_SUCCESS)
        return;
    if (enable) {
        r->enabled = 1;
        if (M.dev[r->slot].state == D_STARTED) {
            r->published = 1;
            queue_event(r, 1);
        }
    } else {
        model_disable(r);
    }
}

static void op_get_interfaces(input *in)
{
    int cls = (int)(u8(in) % NCLASS);
    unsigned sel = u8(in);
    int s = (int)(sel % (NSLOT + 1)) - 1; /* -1: every device */
    ULONG flags = (sel >> 3) % 3 == 2 ? 2 : (sel >> 3) % 3;
    PZZWSTR list = NULL;
    NTSTATUS st, want = STATUS_SUCCESS;
    PDEVICE_OBJECT pdo = NULL;
    if (s >= 0) {
        if (M.dev[s].state == D_ABSENT)
            s = -1;
        else
            pdo = pnpsim_device_pdo(M.dev[s].dev);
    }
    oplog("IoGetDeviceInterfaces class %d %s flags %lu%s", cls, s >= 0 ? M.dev[s].path : "(all)",
          (unsigned long)flags, M.fault ? " (fault armed)" : "");
    st = IoGetDeviceInterfaces(&Classes[cls], pdo, flags, &list);
    if (flags > 1)
        want = STATUS_INVALID_PARAMETER;
    if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES)
        want = st;
    CHECK_STATUS("IoGetDeviceInterfaces", want, st);
    if (st != STATUS_SUCCESS) {
        if (list != NULL)
            die("IoGetDeviceInterfaces failed but returned a list");
        return;
    }
    {
        const WCHAR *p = list;
        for (size_t i = 0; i < M.nreg; i++) {
            const mreg *r = &M.reg[i];
            size_t n;
            if (r->cls != cls || (s >= 0 && r->slot != s) || (!flags && !r->enabled))
                continue;
            for (n = 0; p[n]; n++)
                ;
            if (n != r->name_n || memcmp(p, r->name, n * sizeof(WCHAR)) != 0) {
                char want_s[MAXNAME * 3], got[MAXNAME * 3];
                utf8_of(r->name, r->name_n, want_s, sizeof(want_s));
                utf8_of(p, n, got, sizeof(got));
                die("IoGetDeviceInterfaces: expected %s, listed %s", want_s, got);
            }
            p += n + 1;
        }
        if (*p != 0) {
            char got[MAXNAME * 3];
            size_t n;
            for (n = 0; p[n]; n++)
                ;
            utf8_of(p, n, got, sizeof(got));
            die("IoGetDeviceInterfaces lists %s, which the model does not", got);
        }
    }
    ExFreePool(list);
}

static void op_subscribe(input *in)
{
    unsigned v = u8(in);
    int s, cls = (int)(v % (NCLASS + 1)) - 1, existing = (v >> 4) & 1;
    msub *m = NULL;
    NTSTATUS st;
    for (s = 0; s < NSUB; s++)
        if (!M.sub[s].live) {
            m = &M.sub[s];
            break;
        }
    if (m == NULL)
        return;
    oplog("subscribe %d class %d%s%s", s, cls, existing ? " include-existing" : "",
          M.fault ? " (fault armed)" : "");
    memset(m, 0, sizeof(*m));
    m->all = cls < 0;
    m->cls = cls;
    st = pnpsim_notify_subscribe_interfaces(M.sys, cls < 0 ? NULL : &Classes[cls],
                                            existing ? PNPSIM_NOTIFY_INCLUDE_EXISTING : 0, sub_fn,
                                            m, &m->h);
    if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES) {
        if (m->ngot != 0)
            die("a subscription that failed delivered %zu notifications", m->ngot);
        return;
    }
    CHECK_STATUS("pnpsim_notify_subscribe_interfaces", STATUS_SUCCESS, st);
    m->live = 1;
    if (existing && cls >= 0) {
        /* The enabled interfaces of the class, as arrivals, inside the call. */
        for (size_t i = 0; i < M.nreg; i++) {
            mevent e;
            if (M.reg[i].cls != cls || !M.reg[i].enabled)
                continue;
            e.arrival = 1;
            e.cls = cls;
            utf8_of(M.reg[i].name, M.reg[i].name_n, e.name, sizeof(e.name));
            expect_event(m, &e, 0);
        }
    }
}

static void op_unsubscribe(input *in)
{
    int s = (int)(u8(in) % NSUB);
    if (!M.sub[s].live)
        return;
    oplog("unsubscribe %d", s);
    compare_logs();
    CHECK_STATUS("pnpsim_notify_unsubscribe", STATUS_SUCCESS,
                 pnpsim_notify_unsubscribe(M.sys, M.sub[s].h));
    M.sub[s].live = 0;
    M.sub[s].nexp = M.sub[s].ngot = 0;
}

static void load_driver(void)
{
    CHECK_STATUS("pnpsim_driver_load", STATUS_SUCCESS,
                 pnpsim_driver_load(M.sys, "fuzzdrv", FzDriverEntry, &M.drv));
    for (int i = 0; i < 2; i++)
        CHECK_STATUS("pnpsim_driver_bind", STATUS_SUCCESS,
                     pnpsim_driver_bind(M.sys, DevIds[i], M.drv));
}

static void op_reboot(void)
{
    oplog("reboot");
    M.batch = (int)OpCount;
    model_deliver();
    for (int s = 0; s < NSLOT; s++) {
        model_gone(s);
        M.dev[s].state = D_ABSENT;
        M.dev[s].dev = NULL;
    }
    model_deliver();
    CHECK_STATUS("pnpsim_system_reboot", STATUS_SUCCESS, pnpsim_system_reboot(M.sys));
    pnpsim_system_run_pending(M.sys);
    M.batch = 0;
    load_driver();
}

static void op_qi(input *in)
{
    int s = slot_of(in);
    unsigned v = u8(in);
    int g = (int)(v & 1);
    mdev *d = &M.dev[s];
    NTSTATUS st;
    if (d->state == D_ABSENT)
        return;
    switch ((v >> 1) % 3) {
    case 0: {
        INTERFACE tmpl;
        memset(&tmpl, 0, sizeof(tmpl));
        oplog("qi provide %d on %s%s", g, d->path, M.fault ? " (fault armed)" : "");
        st = pnpsim_qi_provide(d->dev, &QiGuids[g], &tmpl, sizeof(tmpl), 1);
        if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES)
            return;
        CHECK_STATUS("pnpsim_qi_provide", STATUS_SUCCESS, st);
        d->qi[g] = 1;
        break;
    }
    case 1:
        oplog("qi unprovide %d on %s", g, d->path);
        st = pnpsim_qi_unprovide(d->dev, &QiGuids[g]);
        /* Unproviding again is harmless (success, or STATUS_NOT_FOUND if never provided). */
        if (d->qi[g] || st != STATUS_NOT_FOUND)
            CHECK_STATUS("pnpsim_qi_unprovide", STATUS_SUCCESS, st);
        d->qi[g] = 0;
        break;
    default: {
        INTERFACE got;
        memset(&got, 0, sizeof(got));
        oplog("qi query %d on %s%s", g, d->path, M.fault ? " (fault armed)" : "");
        st = pnpsim_qi_query(d->dev, &QiGuids[g], sizeof(got), 1, &got, NULL);
        if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES)
            return;
        CHECK_STATUS("pnpsim_qi_query", d->qi[g] ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED, st);
        if (NT_SUCCESS(st)) {
            if (got.InterfaceDereference == NULL)
                die("pnpsim_qi_query succeeded without an InterfaceDereference");
            got.InterfaceDereference(got.Context);
        }
        break;
    }
    }
}

static void op_alias_or_key(input *in)
{
    name_arg a;
    mreg *r;
    int bad;
    unsigned v = u8(in);
    NTSTATUS st, want;
    char nm[MAXNAME * 3];
    make_name(in, &a);
    r = resolve(&a, &bad);
    utf8_of(a.buf, a.us.Length / 2 < MAXNAME ? a.us.Length / 2 : 0, nm, sizeof(nm));
    if (v & 1) {
        HANDLE h = NULL;
        oplog("IoOpenDeviceInterfaceRegistryKey %s%s", a.null_ptr ? "(NULL)" : nm,
              M.fault ? " (fault armed)" : "");
        st = IoOpenDeviceInterfaceRegistryKey(a.null_ptr ? NULL : &a.us, KEY_READ, &h);
        want = bad ? STATUS_INVALID_PARAMETER
               : r ? STATUS_SUCCESS
                   : STATUS_OBJECT_NAME_NOT_FOUND;
        if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES)
            want = st;
        if (want == STATUS_OBJECT_NAME_NOT_FOUND && st == STATUS_OBJECT_PATH_NOT_FOUND)
            want = st; /* both documented */
        CHECK_STATUS("IoOpenDeviceInterfaceRegistryKey", want, st);
        if (NT_SUCCESS(st))
            ZwClose(h);
    } else {
        int cls = (int)((v >> 1) % NCLASS);
        UNICODE_STRING alias;
        mreg *ar = NULL;
        memset(&alias, 0x5A, sizeof(alias));
        oplog("IoGetDeviceInterfaceAlias %s class %d%s", a.null_ptr ? "(NULL)" : nm, cls,
              M.fault ? " (fault armed)" : "");
        st = IoGetDeviceInterfaceAlias(a.null_ptr ? NULL : &a.us, &Classes[cls], &alias);
        if (r != NULL)
            ar = find_reg(r->slot, cls, r->ref, r->ref_n);
        if (a.null_ptr || a.malformed)
            want = STATUS_INVALID_PARAMETER;
        else if (bad)
            want = STATUS_INVALID_HANDLE;
        else if (r == NULL || ar == NULL)
            want = STATUS_OBJECT_NAME_NOT_FOUND; /* in its own class: itself (ar == r) */
        else
            want = STATUS_SUCCESS;
        if (M.fault && st == STATUS_INSUFFICIENT_RESOURCES)
            want = st;
        if (want == STATUS_OBJECT_NAME_NOT_FOUND && st == STATUS_OBJECT_PATH_NOT_FOUND)
            want = st; /* both documented */
        CHECK_STATUS("IoGetDeviceInterfaceAlias", want, st);
        if (NT_SUCCESS(st)) {
            /* The alias's name; the prefix may follow the input's (ReactOS keeps it). */
            if (alias.Length != ar->name_n * sizeof(WCHAR) ||
                memcmp(alias.Buffer + 2, ar->name + 2, alias.Length - 4) != 0 ||
                alias.Buffer[0] != '\\' || alias.Buffer[2] != '?' ||
                (alias.Buffer[1] != '?' && alias.Buffer[1] != '\\')) {
                char got[MAXNAME * 3];
                utf8_of(alias.Buffer, alias.Length / 2, got, sizeof(got));
                die("IoGetDeviceInterfaceAlias returned %s", got);
            }
            RtlFreeUnicodeString(&alias);
        } else if (alias.Buffer != NULL) {
            die("IoGetDeviceInterfaceAlias failed but left a name");
        }
    }
}

/* ==== the target ========================================================================= */

static void teardown(void)
{
    for (int s = 0; s < NSUB; s++)
        if (M.sub[s].live)
            pnpsim_notify_unsubscribe(M.sys, M.sub[s].h);
    pnpsim_system_leave(M.sys);
    pnpsim_system_destroy(M.sys);
    M.sys = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size, 0};
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    unsigned head = u8(&in);
    unsigned steps = 0;

    memset(&M, 0, sizeof(M));
    OpCount = 0;
    M.manual = !(head & 1);
    cfg.delivery = M.manual ? PNPSIM_DELIVERY_MANUAL : PNPSIM_DELIVERY_DEFERRED;
    cfg.name = "fuzz_api_sequence";
    if (!NT_SUCCESS(pnpsim_system_create(&cfg, &M.sys)))
        die("pnpsim_system_create failed");
    pnpsim_system_enter(M.sys);
    load_driver();

    while (more(&in) && steps++ < 400) {
        unsigned op = u8(&in) % 16;
        if (op == 15) { /* arm an allocation fault for the next operation */
            unsigned nth = 1 + u8(&in) % 8;
            unsigned next = in.at < in.n ? in.p[in.at] % 16 : 0;
            /* Lifecycle operations and reboot are swept by the OOM tests, not here. (Enable
             * and disable are fuzzed with faults: an interface event's delivery record is
             * allocated with the event, before the state changes.) */
            if (M.fault || !more(&in) || next == 1 || next == 2 || next == 3 || next == 9 ||
                next == 11 || next == 15)
                continue;
            oplog("fault: allocation %u from now fails", nth);
            pnpsim_fault_alloc(M.sys, nth, 1);
            M.fault = 1;
            continue;
        }
        switch (op) {
        case 0: op_create(&in); break;
        case 1: op_lifecycle(&in, 0); break;
        case 2: op_lifecycle(&in, 1); break;
        case 3: op_lifecycle(&in, 2); break;
        case 4: case 5: op_register(&in); break;
        case 6: op_set_state(&in, 1); break;
        case 7: op_set_state(&in, 0); break;
        case 8: op_get_interfaces(&in); break;
        case 9: oplog("run pending"); pnpsim_system_run_pending(M.sys); model_deliver(); break;
        case 10: op_subscribe(&in); break;
        case 11: op_reboot(); break;
        case 12: op_unsubscribe(&in); break;
        case 13: op_qi(&in); break;
        default: op_alias_or_key(&in); break;
        }
        if (M.fault) {
            pnpsim_fault_clear(M.sys);
            M.fault = 0;
        }
        if (!M.manual) {
            /* DEFERRED: whatever an operation queued is delivered by the time the test
             * looks (by the operation itself, or here). */
            pnpsim_system_run_pending(M.sys);
            model_deliver();
        }
        compare_state();
    }
    pnpsim_system_run_pending(M.sys);
    model_deliver();
    compare_state();
    teardown();
    return 0;
}
