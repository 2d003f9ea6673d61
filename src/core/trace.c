/* SPDX-License-Identifier: MIT */
/*
 * This file implements the trace: a numbered record of every event the simulation sees,
 * kept in a per-system ring (allocated on first use) and narrated to a FILE or a callback
 * as it happens. The ring also feeds bug check reports ("the last events") and lets tests
 * look for what happened. Sinks run on the thread that caused the event, possibly with the
 * system lock held: they must not call back into the same system.
 */
#include "pnpsim_int.h"

#define TRACE_RING 256
#define TRACE_CHUNK 16 /* records are allocated 16 at a time, as the ring fills */
#define TRACE_TEXT 320 /* longest narration */
#define TRACE_ARGS 12
#define SINK_EXTRA(t) ((t)->json != NULL)
#define TRACE_STRS 200
#define TRACE_FILTER_DEVICES 16
#define TRACE_FILTER_DRIVERS 32
#define TRACE_FILTER_PATH 200
#define TRACE_FILTER_SERVICE 48

typedef union trace_arg {
    long long i;
    unsigned long long u;
    double d;
    void *p;
} trace_arg;

typedef struct trace_rec {
    pnpsim_trace_event ev;
    const char *fmt;           /* text not produced yet: format and arguments below */
    char *text;                /* the produced text (malloc), or NULL */
    unsigned int by_ref;       /* bit n: args[n] is a pointer to a static string, not an
                                  offset into strs (static_str()) */
    trace_arg args[TRACE_ARGS];
    char strs[TRACE_STRS];     /* device, driver and the %s arguments */
} trace_rec;

struct pnpsim__trace_state {
    pnpsim__mutex lock;
    trace_rec *chunks[TRACE_RING / TRACE_CHUNK]; /* the ring, allocated as it fills */
    size_t cap;               /* records allocated; below TRACE_RING the ring never wrapped */
    size_t head;              /* index of the oldest kept record */
    size_t count;
    unsigned long long seq;
    FILE *file;
    FILE *json;               /* JSON Lines sink (pnpsim_trace_to_json), or NULL */
    unsigned int json_mask;
    unsigned int file_mask;
    pnpsim_trace_fn fn;
    void *fn_ctx;
    unsigned int fn_mask;
    /* Device filter (pnpsim_trace_filter_device): instance paths, and the service names of
     * the drivers in their stacks whose device-less events also pass. */
    size_t filter_devices;
    char filter_path[TRACE_FILTER_DEVICES][TRACE_FILTER_PATH];
    unsigned int filter_flags[TRACE_FILTER_DEVICES];
    size_t filter_drivers;
    char filter_driver[TRACE_FILTER_DRIVERS][TRACE_FILTER_SERVICE];
};

static const char minor_names[][40] = {
    "IRP_MN_START_DEVICE", "IRP_MN_QUERY_REMOVE_DEVICE", "IRP_MN_REMOVE_DEVICE",
    "IRP_MN_CANCEL_REMOVE_DEVICE", "IRP_MN_STOP_DEVICE", "IRP_MN_QUERY_STOP_DEVICE",
    "IRP_MN_CANCEL_STOP_DEVICE", "IRP_MN_QUERY_DEVICE_RELATIONS", "IRP_MN_QUERY_INTERFACE",
    "IRP_MN_QUERY_CAPABILITIES", "IRP_MN_QUERY_RESOURCES",
    "IRP_MN_QUERY_RESOURCE_REQUIREMENTS", "IRP_MN_QUERY_DEVICE_TEXT",
    "IRP_MN_FILTER_RESOURCE_REQUIREMENTS", "IRP_MN_0x0E", "IRP_MN_READ_CONFIG",
    "IRP_MN_WRITE_CONFIG", "IRP_MN_EJECT", "IRP_MN_SET_LOCK", "IRP_MN_QUERY_ID",
    "IRP_MN_QUERY_PNP_DEVICE_STATE", "IRP_MN_QUERY_BUS_INFORMATION",
    "IRP_MN_DEVICE_USAGE_NOTIFICATION", "IRP_MN_SURPRISE_REMOVAL", "IRP_MN_0x18",
    "IRP_MN_DEVICE_ENUMERATED"};

static const char major_names[][32] = {
    "IRP_MJ_CREATE", "IRP_MJ_CREATE_NAMED_PIPE", "IRP_MJ_CLOSE", "IRP_MJ_READ",
    "IRP_MJ_WRITE", "IRP_MJ_QUERY_INFORMATION", "IRP_MJ_SET_INFORMATION", "IRP_MJ_QUERY_EA",
    "IRP_MJ_SET_EA", "IRP_MJ_FLUSH_BUFFERS", "IRP_MJ_QUERY_VOLUME_INFORMATION",
    "IRP_MJ_SET_VOLUME_INFORMATION", "IRP_MJ_DIRECTORY_CONTROL", "IRP_MJ_FILE_SYSTEM_CONTROL",
    "IRP_MJ_DEVICE_CONTROL", "IRP_MJ_INTERNAL_DEVICE_CONTROL", "IRP_MJ_SHUTDOWN",
    "IRP_MJ_LOCK_CONTROL", "IRP_MJ_CLEANUP", "IRP_MJ_CREATE_MAILSLOT", "IRP_MJ_QUERY_SECURITY",
    "IRP_MJ_SET_SECURITY", "IRP_MJ_POWER", "IRP_MJ_SYSTEM_CONTROL", "IRP_MJ_DEVICE_CHANGE",
    "IRP_MJ_QUERY_QUOTA", "IRP_MJ_SET_QUOTA", "IRP_MJ_PNP"};

/* The notification kinds (PNPSIM__NOTIFY_* of notify.h, in order) as every delivery's trace
 * names them: kept here so that recording them copies nothing (static_str). */
static const char notify_names[][40] = {
    "?", "GUID_DEVICE_INTERFACE_ARRIVAL", "GUID_DEVICE_INTERFACE_REMOVAL",
    "GUID_TARGET_DEVICE_QUERY_REMOVE", "GUID_TARGET_DEVICE_REMOVE_CANCELLED", "remove pending",
    "GUID_TARGET_DEVICE_REMOVE_COMPLETE", "custom target event", "device instance started",
    "device instance removed"};

const char *pnpsim__trace_notify_name(int what)
{
    if (what > 0 && (size_t)what < PNPSIM_ARRAY_SIZE(notify_names))
        return notify_names[what];
    return notify_names[0];
}

const char *pnpsim_trace_pnp_minor_name(UCHAR minor)
{
    if (minor < PNPSIM_ARRAY_SIZE(minor_names))
        return minor_names[minor];
    return "IRP_MN_(unknown)";
}

const char *pnpsim_trace_major_name(UCHAR major)
{
    if (major < PNPSIM_ARRAY_SIZE(major_names))
        return major_names[major];
    return "IRP_MJ_(unknown)";
}

static const char *const category_names[] = {"irp",    "state", "driver", "device",
                                             "pool",   "bugcheck", "debug", "interface",
                                             "notify", "qi",    "work",  "kmdf"};

/* Finished systems park their trace state (the ring's record chunks included) here for the
 * next system to take: a test suite creates and destroys a system per test, and reusing
 * warm memory instead of allocating the state and its chunks again is most of what
 * recording the first events of a system costs. At most TRACE_PARKED states are kept, so
 * the memory held after the last system is gone is bounded (about 100 KB per full ring). */
#define TRACE_PARKED 4
static pnpsim__mutex parked_lock;
static void *volatile parked_state; /* NULL, 1 initialising, 2 ready */
static pnpsim__trace_state *parked[TRACE_PARKED];
static size_t parked_count;

/* parked_lock, initialised once by whichever system comes first. */
static void parked_init(void)
{
    if (parked_state == (void *)2)
        return;
    if (pnpsim__atomic_cas_ptr(&parked_state, NULL, (void *)1)) {
        pnpsim__mutex_init(&parked_lock);
        pnpsim__atomic_cas_ptr(&parked_state, (void *)1, (void *)2);
    }
    while (parked_state != (void *)2)
        pnpsim__cpu_relax();
}

void pnpsim__trace_init(pnpsim_system *sys)
{
    /* Called at system creation; the state is plain malloc so fault injection cannot make
     * tracing fail half-way. */
    pnpsim__trace_state *t = NULL;
    parked_init();
    pnpsim__mutex_lock(&parked_lock);
    if (parked_count > 0)
        t = parked[--parked_count];
    pnpsim__mutex_unlock(&parked_lock);
    if (t == NULL) {
        t = calloc(1, sizeof(*t));
        if (t != NULL)
            pnpsim__mutex_init(&t->lock);
    }
    sys->trace = t;
}

void pnpsim__trace_fini(pnpsim_system *sys)
{
    pnpsim__trace_state *t = sys->trace;
    bool kept = false;
    if (t == NULL)
        return;
    sys->trace = NULL;
    /* Texts are produced on demand (render()). */
    for (size_t i = 0; i < t->cap; i++) {
        trace_rec *r = &t->chunks[i / TRACE_CHUNK][i % TRACE_CHUNK];
        free(r->text);
        r->text = NULL;
    }
    /* Back to the state of a new system, the chunks and the lock kept. */
    t->head = t->count = 0;
    t->seq = 0;
    t->file = t->json = NULL;
    t->json_mask = t->file_mask = t->fn_mask = 0;
    t->fn = NULL;
    t->fn_ctx = NULL;
    t->filter_devices = t->filter_drivers = 0;
    parked_init();
    pnpsim__mutex_lock(&parked_lock);
    if (parked_count < TRACE_PARKED) {
        parked[parked_count++] = t;
        kept = true;
    }
    pnpsim__mutex_unlock(&parked_lock);
    if (kept)
        return;
    pnpsim__mutex_destroy(&t->lock);
    for (size_t i = 0; i < PNPSIM_ARRAY_SIZE(t->chunks); i++)
        free(t->chunks[i]);
    free(t);
}

bool pnpsim__trace_on(pnpsim_system *sys, pnpsim_trace_category cat)
{
    PNPSIM_UNUSED(cat);
    /* The ring always records (bug check reports need it). */
    return sys != NULL && sys->trace != NULL;
}

/* JSON Lines sink: one object per event, fields in the order documented in trace.h
 * (schema "pnpsim-trace/1"); strings escaped as JSON requires. */
static void json_string(FILE *f, const char *s)
{
    if (s == NULL) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\r') {
            fputs("\\r", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

const char *pnpsim_trace_irql_name(KIRQL irql)
{
    switch (irql) {
    case PASSIVE_LEVEL: return "PASSIVE_LEVEL";
    case APC_LEVEL: return "APC_LEVEL";
    case DISPATCH_LEVEL: return "DISPATCH_LEVEL";
    default: return irql >= HIGH_LEVEL ? "HIGH_LEVEL" : "DIRQL";
    }
}

const char *pnpsim_trace_category_name(pnpsim_trace_category category)
{
    if ((unsigned)category < PNPSIM_ARRAY_SIZE(category_names))
        return category_names[category];
    return "unknown";
}

static void print_json(FILE *f, const pnpsim_trace_event *ev)
{
    fprintf(f, "{\"seq\":%llu,\"thread\":%llu,\"irql\":%u,\"irql_name\":\"%s\",\"category\":",
            ev->seq, ev->thread, (unsigned)ev->irql, pnpsim_trace_irql_name(ev->irql));
    json_string(f, pnpsim_trace_category_name(ev->category));
    fprintf(f, ",\"depth\":%d,\"device\":", ev->depth);
    json_string(f, ev->device);
    fputs(",\"driver\":", f);
    json_string(f, ev->driver);
    fputs(",\"status\":", f);
    if (ev->has_status) {
        json_string(f, pnpsim_status_name(ev->status));
        fprintf(f, ",\"status_code\":\"0x%08X\"", (unsigned)ev->status);
    } else {
        fputs("null,\"status_code\":null", f);
    }
    fputs(",\"text\":", f);
    json_string(f, ev->text);
    fputs("}\n", f);
}

/* Deferred formatting. Recording an event copies its arguments (strings into the record's
 * string pool) and keeps the format, a string literal of the library; the text is produced
 * (into its own allocation) only when someone reads it: a sink, pnpsim_trace_get/find/dump,
 * a bug check report. A format this code does not handle is formatted at once. Records stay
 * small (and are allocated 16 at a time as the ring fills) so that a short-lived system costs
 * little to create and destroy. */
typedef struct fmt_spec {
    const char *start; /* the '%' */
    size_t len;        /* through the conversion character */
    char conv;
    int lenmod;        /* 0 none, 1 hh, 2 h, 3 l, 4 ll, 5 z, 6 j, 7 t */
    bool star_w, star_p, has_prec;
    int prec;          /* literal precision, when has_prec and !star_p */
} fmt_spec;

/* Parse the conversion at p (just after a '%'); NULL for one this code does not handle. */
static const char *parse_spec(const char *p, fmt_spec *s)
{
    s->start = p - 1;
    s->star_w = s->star_p = s->has_prec = false;
    s->prec = 0;
    s->lenmod = 0;
    while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0')
        p++;
    if (*p == '*') {
        s->star_w = true;
        p++;
    } else {
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == '.') {
        s->has_prec = true;
        p++;
        if (*p == '*') {
            s->star_p = true;
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                s->prec = s->prec * 10 + (*p++ - '0');
        }
    }
    switch (*p) {
    case 'h': s->lenmod = p[1] == 'h' ? 1 : 2; p += p[1] == 'h' ? 2 : 1; break;
    case 'l': s->lenmod = p[1] == 'l' ? 4 : 3; p += p[1] == 'l' ? 2 : 1; break;
    case 'z': s->lenmod = 5; p++; break;
    case 'j': s->lenmod = 6; p++; break;
    case 't': s->lenmod = 7; p++; break;
    default: break;
    }
    s->conv = *p;
    switch (*p) {
    case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p': case '%':
        break;
    case 'c': case 's':
        if (s->lenmod != 0)
            return NULL; /* wide characters */
        break;
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
        break;
    default:
        return NULL;
    }
    s->len = (size_t)(p + 1 - s->start);
    return p + 1;
}

/* A format's conversions, parsed once (formats are string literals of the library, so the
 * pointer identifies one): recording an event then only walks this plan instead of parsing
 * the format again (that parsing was most of the cost of an event). */
typedef struct fmt_conv {
    char conv;
    signed char lenmod;
    bool star_w, star_p, has_prec;
    int prec;
} fmt_conv;

typedef struct fmt_plan {
    const char *fmt;
    bool ok;          /* false: capture_args() cannot capture it (formatted at once) */
    unsigned char n;
    fmt_conv c[TRACE_ARGS];
} fmt_plan;

/* Process-wide, filled once per slot and never changed after: claim[] picks the one writer,
 * ready[] publishes the slot. A format whose slot another format holds is parsed each time. */
#define PLAN_SLOTS 512
static fmt_plan plans[PLAN_SLOTS];
static void *volatile plan_claim[PLAN_SLOTS];
static volatile long plan_ready[PLAN_SLOTS];

static void plan_build(const char *fmt, fmt_plan *pl)
{
    size_t nargs = 0;
    fmt_spec sp;
    const char *p = fmt;
    pl->fmt = fmt;
    pl->ok = false;
    pl->n = 0;
    while ((p = strchr(p, '%')) != NULL) {
        fmt_conv *c;
        p = parse_spec(p + 1, &sp);
        if (p == NULL)
            return;
        if (sp.conv == '%')
            continue;
        /* The capture loop's own limit: a conversion needs room for up to 3 arguments. */
        if (nargs + 3 > TRACE_ARGS)
            return;
        c = &pl->c[pl->n++];
        c->conv = sp.conv;
        c->lenmod = (signed char)sp.lenmod;
        c->star_w = sp.star_w;
        c->star_p = sp.star_p;
        c->has_prec = sp.has_prec;
        c->prec = sp.prec;
        nargs += 1u + (sp.star_w ? 1u : 0u) + (sp.star_p ? 1u : 0u);
    }
    pl->ok = true;
}

/* fmt's plan: the cached one, or one built into *local. A format probes four slots from
 * its hash before giving up on the cache. */
static const fmt_plan *plan_for(const char *fmt, fmt_plan *local)
{
    size_t h = (size_t)((uintptr_t)fmt >> 3);
    for (size_t k = 0; k < 4; k++) {
        size_t i = (h + k) % PLAN_SLOTS;
        if (pnpsim__atomic_load(&plan_ready[i]) == 1) {
            if (plans[i].fmt == fmt)
                return &plans[i];
        } else if (pnpsim__atomic_cas_ptr(&plan_claim[i], NULL, (void *)fmt)) {
            plan_build(fmt, &plans[i]);
            pnpsim__atomic_store(&plan_ready[i], 1);
            return &plans[i];
        } else if (pnpsim__atomic_cas_ptr(&plan_claim[i], (void *)fmt, (void *)fmt)) {
            break; /* claimed for fmt: being built by another thread right now */
        }
    }
    plan_build(fmt, local);
    return local;
}

/* A string that lives as long as the process, so a record may point to it instead of
 * copying it: the IRP and notification names of the tables above (most IRP events carry
 * two), and the empty
 * and "/" separators (recognised by content; the record then points to its own literal). */
static const char *static_str(const char *s)
{
    uintptr_t a = (uintptr_t)s;
    if (a - (uintptr_t)minor_names < sizeof(minor_names) ||
        a - (uintptr_t)major_names < sizeof(major_names) ||
        a - (uintptr_t)notify_names < sizeof(notify_names))
        return s;
    if (s[0] == 0)
        return "";
    if (s[0] == '/' && s[1] == 0)
        return "/";
    return NULL;
}

/* strlen(s), at most max (s need not be terminated within max, as "%.*s" allows). */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != 0)
        n++;
    return n;
}

/* memcpy called, never expanded inline: with the length bounded by a record's pool,
 * compilers expand it into block-copy instructions whose start-up cost dominated recording
 * short strings; the library's routine copies them in a few vector moves. */
static void *(*volatile copy_bytes)(void *, const void *, size_t) = memcpy;

/* Copy s into dst, at most max - 1 bytes and a terminator; returns the bytes copied. With
 * bounded, s need not be terminated within max - 1 bytes (a "%.*s" argument). */
static size_t copy_str(char *dst, const char *s, size_t max, bool bounded)
{
    size_t n = bounded ? bounded_len(s, max - 1) : strlen(s);
    if (n >= max)
        n = max - 1;
    copy_bytes(dst, s, n);
    dst[n] = 0;
    return n;
}

/* Copy the arguments pl's format consumes from ap into r (pl->ok). A %s argument that does
 * not fit in what is left of r's string pool is cut short. */
static void capture_args(trace_rec *r, size_t used, const fmt_plan *pl, va_list ap)
{
    size_t n = 0;
    for (unsigned ci = 0; ci < pl->n; ci++) {
        const fmt_conv *s = &pl->c[ci];
        long prec = -1;
        if (s->star_w)
            r->args[n++].i = va_arg(ap, int);
        if (s->star_p) {
            r->args[n].i = va_arg(ap, int);
            prec = (long)r->args[n++].i;
        } else if (s->has_prec) {
            prec = s->prec;
        }
        switch (s->conv) {
        case 'd': case 'i':
            switch (s->lenmod) {
            case 1: r->args[n].i = (signed char)va_arg(ap, int); break;
            case 2: r->args[n].i = (short)va_arg(ap, int); break;
            case 3: r->args[n].i = va_arg(ap, long); break;
            case 4: r->args[n].i = va_arg(ap, long long); break;
            case 5: r->args[n].i = (long long)va_arg(ap, size_t); break;
            case 6: r->args[n].i = (long long)va_arg(ap, intmax_t); break;
            case 7: r->args[n].i = (long long)va_arg(ap, ptrdiff_t); break;
            default: r->args[n].i = va_arg(ap, int); break;
            }
            break;
        case 'u': case 'o': case 'x': case 'X':
            switch (s->lenmod) {
            case 1: r->args[n].u = (unsigned char)va_arg(ap, unsigned); break;
            case 2: r->args[n].u = (unsigned short)va_arg(ap, unsigned); break;
            case 3: r->args[n].u = va_arg(ap, unsigned long); break;
            case 4: r->args[n].u = va_arg(ap, unsigned long long); break;
            case 5: r->args[n].u = va_arg(ap, size_t); break;
            case 6: r->args[n].u = (unsigned long long)va_arg(ap, uintmax_t); break;
            case 7: r->args[n].u = (unsigned long long)va_arg(ap, ptrdiff_t); break;
            default: r->args[n].u = va_arg(ap, unsigned); break;
            }
            break;
        case 'c':
            r->args[n].i = va_arg(ap, int);
            break;
        case 'p':
            r->args[n].p = va_arg(ap, void *);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *), *fixed;
            size_t len;
            if (str == NULL)
                str = "(null)";
            if (prec < 0 && (fixed = static_str(str)) != NULL) {
                r->args[n].p = (void *)(uintptr_t)fixed;
                r->by_ref |= 1u << n;
                break;
            }
            if (used >= TRACE_STRS) { /* the pool is full: the rest reads "" */
                r->args[n].p = (void *)(uintptr_t)"";
                r->by_ref |= 1u << n;
                break;
            }
            len = TRACE_STRS - used; /* room, terminator included */
            if (prec >= 0 && (size_t)prec + 1 < len)
                len = (size_t)prec + 1;
            r->args[n].u = used;
            used += copy_str(r->strs + used, str, len, prec >= 0) + 1;
            break;
        }
        default: /* floating point */
            r->args[n].d = va_arg(ap, double);
            break;
        }
        n++;
    }
}

/* Give r its text (a copy of text[0..n)); "" if there is no memory for it. */
static void set_text(trace_rec *r, const char *text, size_t n)
{
    free(r->text);
    r->text = malloc(n + 1);
    if (r->text != NULL) {
        memcpy(r->text, text, n);
        r->text[n] = 0;
    }
    r->ev.text = r->text != NULL ? r->text : "";
}

/* Produce r's text from its format and captured arguments (once). */
static void render(trace_rec *r)
{
    const char *p = r->fmt, *pct;
    size_t at = 0, n = 0;
    fmt_spec s;
    char spec[48], text[TRACE_TEXT];
    int w;

    if (p == NULL)
        return;
    r->fmt = NULL;
    while (at + 1 < TRACE_TEXT && (pct = strchr(p, '%')) != NULL) {
        size_t lit = (size_t)(pct - p), k = 0;
        if (lit > TRACE_TEXT - 1 - at)
            lit = TRACE_TEXT - 1 - at;
        memcpy(text + at, p, lit);
        at += lit;
        p = parse_spec(pct + 1, &s);
        if (s.conv == '%') {
            if (at + 1 < TRACE_TEXT)
                text[at++] = '%';
            continue;
        }
        /* The spec with '*' replaced by the captured numbers and, for integers, "ll". */
        for (const char *q = s.start; q < s.start + s.len - 1 && k < sizeof(spec) - 24; q++) {
            if (*q == '*')
                k += (size_t)snprintf(spec + k, sizeof(spec) - k, "%d", (int)r->args[n++].i);
            else if (*q != 'h' && *q != 'l' && *q != 'z' && *q != 'j' && *q != 't')
                spec[k++] = *q;
        }
        if (strchr("diuoxX", s.conv) != NULL) {
            spec[k++] = 'l';
            spec[k++] = 'l';
        }
        spec[k++] = s.conv;
        spec[k] = 0;
        switch (s.conv) {
        case 'd': case 'i':
            w = snprintf(text + at, TRACE_TEXT - at, spec, r->args[n].i);
            break;
        case 'u': case 'o': case 'x': case 'X':
            w = snprintf(text + at, TRACE_TEXT - at, spec, r->args[n].u);
            break;
        case 'c':
            w = snprintf(text + at, TRACE_TEXT - at, spec, (int)r->args[n].i);
            break;
        case 'p':
            w = snprintf(text + at, TRACE_TEXT - at, spec, r->args[n].p);
            break;
        case 's':
            w = snprintf(text + at, TRACE_TEXT - at, spec,
                         (r->by_ref & (1u << n)) ? (const char *)r->args[n].p
                                                 : r->strs + r->args[n].u);
            break;
        default:
            w = snprintf(text + at, TRACE_TEXT - at, spec, r->args[n].d);
            break;
        }
        n++;
        if (w > 0)
            at += (size_t)w < TRACE_TEXT - at ? (size_t)w : TRACE_TEXT - 1 - at;
    }
    if (at + 1 < TRACE_TEXT && p != NULL) {
        size_t lit = strlen(p);
        if (lit > TRACE_TEXT - 1 - at)
            lit = TRACE_TEXT - 1 - at;
        memcpy(text + at, p, lit);
        at += lit;
    }
    text[at] = 0;
    set_text(r, text, at);
}

/* The record at ring position idx. */
static trace_rec *slot(pnpsim__trace_state *t, size_t idx)
{
    return &t->chunks[idx / TRACE_CHUNK][idx % TRACE_CHUNK];
}

/* Record i (0 = oldest kept), rendered. Caller holds the trace lock. */
static trace_rec *rec_at(pnpsim__trace_state *t, size_t i)
{
    trace_rec *r = slot(t, (t->head + i) % t->cap);
    render(r);
    return r;
}

/* Copy at most max-1 bytes of s into r's string pool at *used; returns the copy. */
static const char *pool_str(trace_rec *r, size_t *used, const char *s, size_t max)
{
    char *dst = r->strs + *used;
    *used += copy_str(dst, s, max, false) + 1;
    return dst;
}

static void print_event(FILE *f, const pnpsim_trace_event *ev)
{
    int indent = ev->depth > 0 ? ev->depth * 2 : 0;
    if (indent > 40)
        indent = 40;
    fprintf(f, "[%5llu] %-8s %*s%s", ev->seq, category_names[ev->category], indent, "",
            ev->text);
    if (ev->has_status)
        fprintf(f, " -> %s", pnpsim_status_name(ev->status));
    fputc('\n', f);
}

/* Remember service as a driver of a filtered device's stack. Caller holds the trace lock. */
static void filter_learn_driver(pnpsim__trace_state *t, const char *service)
{
    if (service == NULL)
        return;
    for (size_t i = 0; i < t->filter_drivers; i++)
        if (pnpsim__stricmp(t->filter_driver[i], service) == 0)
            return;
    if (t->filter_drivers < TRACE_FILTER_DRIVERS) {
        char *dst = t->filter_driver[t->filter_drivers++];
        size_t n = bounded_len(service, TRACE_FILTER_SERVICE - 1);
        memcpy(dst, service, n);
        dst[n] = 0;
    }
}

/* Whether the recorded event ev passes the device filter (always, when there is none).
 * Caller holds the trace lock. */
static bool filter_pass(pnpsim__trace_state *t, const pnpsim_trace_event *ev, bool learn)
{
    if (t->filter_devices == 0)
        return true;
    if (ev->device != NULL) {
        for (size_t i = 0; i < t->filter_devices; i++) {
            if (pnpsim__stricmp(t->filter_path[i], ev->device) == 0) {
                if ((t->filter_flags[i] & PNPSIM_TRACE_FILTER_STACK) && ev->driver != NULL &&
                    learn)
                    filter_learn_driver(t, ev->driver);
                return true;
            }
        }
        return false;
    }
    if (ev->driver == NULL)
        return true; /* about the whole system (a bug check outside driver code, ...) */
    for (size_t i = 0; i < t->filter_drivers; i++)
        if (pnpsim__stricmp(t->filter_driver[i], ev->driver) == 0)
            return true;
    return false;
}

void pnpsim__trace(pnpsim_system *sys, pnpsim_trace_category cat, pnpsim_device *dev,
                   PDRIVER_OBJECT drv, const NTSTATUS *status, const char *fmt, ...)
{
    bool pass, learn = false;
    pnpsim__trace_state *t;
    pnpsim__thread_state *ts = pnpsim__ts();
    trace_rec *r;
    va_list ap;
    size_t used;
    pnpsim_trace_fn fn;
    fmt_plan local;
    const fmt_plan *pl;

    if (sys == NULL || (t = sys->trace) == NULL)
        return;
    pnpsim__mutex_lock(&t->lock);
    if (t->count == t->cap && t->cap < TRACE_RING && t->head == 0) {
        trace_rec **c = &t->chunks[t->cap / TRACE_CHUNK];
        if (*c == NULL && (*c = malloc(TRACE_CHUNK * sizeof(**c))) != NULL) {
            for (size_t i = 0; i < TRACE_CHUNK; i++)
                (*c)[i].text = NULL;
        }
        if (*c != NULL)
            t->cap += TRACE_CHUNK;
    }
    if (t->cap == 0) {
        pnpsim__mutex_unlock(&t->lock);
        return;
    }
    if (t->count < t->cap) {
        r = slot(t, (t->head + t->count) % t->cap);
        t->count++;
    } else {
        r = slot(t, t->head);
        t->head = (t->head + 1) % t->cap;
    }
    r->ev.seq = ++t->seq;
    r->ev.thread = ts->thread_id != 0 ? ts->thread_id : (ts->thread_id = pnpsim__thread_id());
    r->ev.irql = ts->irql;
    r->ev.category = cat;
    r->ev.depth = ts->irp_depth;
    r->ev.status = status != NULL ? *status : 0;
    r->ev.has_status = status != NULL;
    used = 0;
    r->ev.device = NULL;
    if (dev != NULL && dev->instance_path != NULL)
        r->ev.device = pool_str(r, &used, dev->instance_path, 120);
    r->ev.driver = NULL;
    if (drv != NULL) {
        pnpsim__driver *d = pnpsim__driver_from(drv);
        r->ev.driver = pool_str(r, &used, d && d->service_name ? d->service_name : "?", 48);
        learn = d != NULL && !d->builtin;
    }
    free(r->text);
    r->text = NULL;
    r->ev.text = "";
    r->fmt = fmt;
    r->by_ref = 0;
    /* The plan decides before the arguments are read, so they are read once (no va_copy). */
    pl = plan_for(fmt, &local);
    va_start(ap, fmt);
    if (pl->ok) {
        capture_args(r, used, pl, ap);
    } else {
        char text[TRACE_TEXT];
        int n = vsnprintf(text, sizeof(text), fmt, ap);
        r->fmt = NULL;
        set_text(r, text, n < 0 ? 0 : (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
    }
    va_end(ap);
    /* The simulator's own bus driver (the PDOs of root devices) is in every stack: it is
     * never learnt as a driver of a filtered device's stack. */
    pass = filter_pass(t, &r->ev, learn);
    fn = pass && (t->fn_mask & (1u << cat)) ? t->fn : NULL;
    if (pass && (fn != NULL || sys->cfg.trace_to_stderr || t->file != NULL || SINK_EXTRA(t)))
        render(r);
    if (pass && t->json != NULL && (t->json_mask & (1u << cat)))
        print_json(t->json, &r->ev);
    if (pass && t->file != NULL && (t->file_mask & (1u << cat)))
        print_event(t->file, &r->ev);
    if (pass && sys->cfg.trace_to_stderr && t->file != stderr)
        print_event(stderr, &r->ev);
    /* The callback runs under the trace lock: callbacks never run concurrently (WORKER
     * delivery traces from several threads) and the record's strings cannot be recycled
     * under it. As documented, a sink must not call back into the same system. */
    if (fn != NULL) {
        pnpsim_trace_event copy = r->ev;
        fn(t->fn_ctx, &copy);
    }
    pnpsim__mutex_unlock(&t->lock);
}

void pnpsim_trace_to_json(pnpsim_system *sys, FILE *f, unsigned int mask)
{
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    sys->trace->json = f;
    sys->trace->json_mask = mask;
    pnpsim__mutex_unlock(&sys->trace->lock);
}

void pnpsim_trace_to_file(pnpsim_system *sys, FILE *f, unsigned int mask)
{
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    sys->trace->file = f;
    sys->trace->file_mask = mask;
    pnpsim__mutex_unlock(&sys->trace->lock);
}

void pnpsim_trace_set_callback(pnpsim_system *sys, pnpsim_trace_fn fn, void *ctx,
                               unsigned int mask)
{
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    sys->trace->fn = fn;
    sys->trace->fn_ctx = ctx;
    sys->trace->fn_mask = fn != NULL ? mask : 0;
    pnpsim__mutex_unlock(&sys->trace->lock);
}

NTSTATUS pnpsim_trace_filter_device(pnpsim_system *sys, const char *instance_path,
                                    unsigned int flags)
{
    char services[TRACE_FILTER_DRIVERS][TRACE_FILTER_SERVICE];
    size_t nservices = 0;
    pnpsim__trace_state *t;
    NTSTATUS status = STATUS_SUCCESS;

    if (sys == NULL || (t = sys->trace) == NULL || instance_path == NULL ||
        instance_path[0] == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_trace_filter_device: NULL system or empty instance path");
    if (strlen(instance_path) >= TRACE_FILTER_PATH)
        return pnpsim__status(STATUS_NAME_TOO_LONG,
                              "pnpsim_trace_filter_device: instance path longer than %d bytes",
                              TRACE_FILTER_PATH - 1);
    if ((flags & ~(unsigned)PNPSIM_TRACE_FILTER_STACK) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_trace_filter_device: unknown flags 0x%X", flags);
    if (flags & PNPSIM_TRACE_FILTER_STACK) {
        /* The drivers of the device's stack as it is now (PDO up); drivers that join later
         * are learnt from the events about the device that name them. */
        pnpsim_device *dn;
        pnpsim__lock(sys);
        dn = pnpsim__devnode_find_locked(sys, instance_path);
        if (dn != NULL && dn->pdo != NULL) {
            for (PDEVICE_OBJECT d = &dn->pdo->dev; d != NULL && nservices < TRACE_FILTER_DRIVERS;
                 d = d->AttachedDevice) {
                pnpsim__driver *drv = pnpsim__driver_from(d->DriverObject);
                if (drv != NULL && drv->service_name != NULL && !drv->builtin)
                    snprintf(services[nservices++], TRACE_FILTER_SERVICE, "%s",
                             drv->service_name);
            }
        }
        pnpsim__unlock(sys);
    }
    pnpsim__mutex_lock(&t->lock);
    {
        size_t i;
        for (i = 0; i < t->filter_devices; i++)
            if (pnpsim__stricmp(t->filter_path[i], instance_path) == 0)
                break;
        if (i == t->filter_devices) {
            if (i == TRACE_FILTER_DEVICES) {
                status = STATUS_INSUFFICIENT_RESOURCES;
            } else {
                snprintf(t->filter_path[i], TRACE_FILTER_PATH, "%s", instance_path);
                t->filter_flags[i] = 0;
                t->filter_devices++;
            }
        }
        if (status == STATUS_SUCCESS) {
            t->filter_flags[i] |= flags;
            for (size_t k = 0; k < nservices; k++)
                filter_learn_driver(t, services[k]);
        }
    }
    pnpsim__mutex_unlock(&t->lock);
    if (status != STATUS_SUCCESS)
        return pnpsim__status(status, "pnpsim_trace_filter_device: more than %d devices",
                              TRACE_FILTER_DEVICES);
    return STATUS_SUCCESS;
}

void pnpsim_trace_filter_clear(pnpsim_system *sys)
{
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    sys->trace->filter_devices = 0;
    sys->trace->filter_drivers = 0;
    pnpsim__mutex_unlock(&sys->trace->lock);
}

size_t pnpsim_trace_count(pnpsim_system *sys)
{
    size_t n;
    if (sys == NULL || sys->trace == NULL)
        return 0;
    pnpsim__mutex_lock(&sys->trace->lock);
    n = sys->trace->count;
    pnpsim__mutex_unlock(&sys->trace->lock);
    return n;
}

int pnpsim_trace_get(pnpsim_system *sys, size_t index, pnpsim_trace_event *out)
{
    int ok = 0;
    if (sys == NULL || sys->trace == NULL || out == NULL)
        return 0;
    pnpsim__mutex_lock(&sys->trace->lock);
    if (index < sys->trace->count) {
        *out = rec_at(sys->trace, index)->ev;
        ok = 1;
    }
    pnpsim__mutex_unlock(&sys->trace->lock);
    return ok;
}

void pnpsim_trace_clear(pnpsim_system *sys)
{
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    sys->trace->head = 0;
    sys->trace->count = 0;
    pnpsim__mutex_unlock(&sys->trace->lock);
}

unsigned long long pnpsim_trace_find(pnpsim_system *sys, int category, const char *needle)
{
    unsigned long long found = 0;
    if (sys == NULL || sys->trace == NULL || needle == NULL)
        return 0;
    pnpsim__mutex_lock(&sys->trace->lock);
    for (size_t i = 0; i < sys->trace->count; i++) {
        trace_rec *r = rec_at(sys->trace, i);
        if ((category < 0 || (int)r->ev.category == category) && strstr(r->ev.text, needle)) {
            found = r->ev.seq;
            break;
        }
    }
    pnpsim__mutex_unlock(&sys->trace->lock);
    return found;
}

void pnpsim_trace_dump(pnpsim_system *sys, FILE *f)
{
    if (sys == NULL || sys->trace == NULL || f == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    for (size_t i = 0; i < sys->trace->count; i++)
        print_event(f, &rec_at(sys->trace, i)->ev);
    pnpsim__mutex_unlock(&sys->trace->lock);
}

void pnpsim__trace_tail(pnpsim_system *sys, FILE *f, size_t n)
{
    size_t start;
    if (sys == NULL || sys->trace == NULL)
        return;
    pnpsim__mutex_lock(&sys->trace->lock);
    start = sys->trace->count > n ? sys->trace->count - n : 0;
    for (size_t i = start; i < sys->trace->count; i++)
        print_event(f, &rec_at(sys->trace, i)->ev);
    pnpsim__mutex_unlock(&sys->trace->lock);
}
