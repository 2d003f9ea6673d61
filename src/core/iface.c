/* SPDX-License-Identifier: MIT */
/*
 * This file implements the device interface manager: the table of registered interface
 * instances, their names, the enable/disable state machine, the queue of interface arrival
 * and removal events, the hooks through which the PnP manager resets and removes them as
 * devices start, go away, are uninstalled and as the system reboots, and the native
 * inspection API (include/pnpsim/iface.h). The WDK routines are thin adapters over it
 * (src/wdk/io_iface.c). Windows behaviour is windows-semantics.md §1.3, §2-§5.
 *
 * Data model. An instance is one (device instance path, class GUID, reference string)
 * triple; its kernel-form name "\??\<path with '\' -> '#'>#{guid}[\<ref>]" is stored once,
 * with the case of the first registration. Three hash indexes find instances: by name
 * (the part after the 4-character prefix, ASCII case-insensitive, so "\??\" and "\\?\"
 * spellings hash alike), by class GUID (each class keeps its instances and, separately, its
 * enabled instances, both in registration order) and by device instance path
 * (case-insensitive). No per-call path scans anything but its own result.
 *
 * Registrations are keyed by instance path, not by device node: they outlive removal,
 * device node destruction and reboot, and go only when the device is uninstalled. The
 * device record caches the live device node (to know whether START has completed) together
 * with the generation in which it was seen; pnpsim__iface_reboot() starts a new generation.
 *
 * Persistence. The registry store is the persistent truth: every registration is written
 * under DeviceClasses in the layout of windows-semantics.md §2.3 (see "Persistence" below),
 * the enable state in the volatile Control\Linked value, and pnpsim_system_load rebuilds
 * these indexes (the fast path) from the registry. The device's Enum key and its parent's
 * ParentIdPrefix are written here too, when the PnP manager identifies a device node.
 *
 * Events. Each enable preallocates both the arrival and the removal record, so disabling
 * (by the driver or by the PnP manager in a hook that cannot fail) never allocates, and an
 * enable that cannot get memory fails with nothing changed.
 */
#include "iface.h"
#include "registry.h"
#include "notify.h" /* pnpsim__notify_iface_event_locked */

/* GUID_DEVICE_INTERFACE_ARRIVAL / _REMOVAL (wdmguid.h). Private copies: the exported
 * definitions live in src/wdk/io_wdmguid.c so that a driver defining them itself (initguid.h)
 * never collides with an object file the library pulls in. */
static const GUID guid_arrival = {
    0xcb3a4004, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}};
static const GUID guid_removal = {
    0xcb3a4005, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}};

#define PREFIX_CHARS 4u /* "\??\" */
#define GUID_CHARS 38u  /* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" */

/* ======================================================================================
 * Structures
 * ==================================================================================== */

typedef struct iface_class iface_class;
typedef struct iface_dev iface_dev;
typedef struct iface_inst iface_inst;

struct iface_inst {
    uint32_t hash;                  /* of the name's body, case-folded */
    /* (the flags share hash's 8 bytes: a million of these must stay small) */
    bool enabled;
    bool published;                 /* its arrival was queued: disabling queues a removal */
    bool unpersisted;               /* not written to the registry yet (pending list) */
    bool ever_linked;               /* enabled since boot: Control\Linked is due */
    iface_inst *cls_prev, *cls_next; /* the class's instances, registration order */
    iface_inst *on_prev, *on_next;  /* the class's enabled instances, registration order */
    iface_inst *dev_prev, *dev_next; /* the device's instances, registration order */
    iface_class *cls;
    iface_dev *dev;
    unsigned long long order;       /* registration order, system-wide */
    pnpsim__iface_event *held_arrival; /* enabled before START completed: not yet queued */
    pnpsim__iface_event *removal;   /* preallocated removal record while enabled */
    uint32_t name_chars;            /* without the NUL (at most PNPSIM__IFACE_MAX_NAME_CHARS) */
    uint32_t ref_at;                /* index of the reference string's first character, 0 */
    union {
        struct {                    /* persisted: its Control key, valid while the */
            pnpsim__regkey *control; /* registry's epoch is control_epoch (0: unknown) */
            uint64_t control_epoch;
        } k;
        struct {                    /* unpersisted: the state's pending list */
            iface_inst *prev, *next;
        } pend;
    } u;
    WCHAR name[];                   /* kernel form, NUL-terminated */
};

struct iface_class {
    iface_class *next;              /* hash chain */
    uint32_t hash;
    GUID guid;
    iface_inst *head, *tail;        /* all instances */
    iface_inst *on_head, *on_tail;  /* enabled instances */
    size_t count;
};

struct iface_dev {
    iface_dev *next;                /* hash chain */
    uint32_t hash;
    pnpsim_device *dn;              /* live device node seen in generation dn_gen, or NULL */
    unsigned long dn_gen;
    unsigned long dn_boot;
    iface_inst *head, *tail;
    size_t count;
    char path[];                    /* instance path, case of the first registration */
};

/* A chained hash table whose elements carry their chain pointer and hash at fixed offsets. */
typedef struct htab {
    void **b;
    size_t mask;                    /* bucket count - 1 (a power of two) */
    size_t n;
    size_t next_off, hash_off;
} htab;

/* The name index: open addressing with linear probing, each slot holding the instance and
 * its name's hash. A look-up reads the slots (one cache line, usually) and then only the
 * instance whose hash matches; growing rehashes the slots without touching an instance
 * (at a million interfaces, chained growth walked every record: a cache miss each). The
 * instance's address is kept as two 32-bit halves so that a slot is 12 bytes, not 16. */
typedef struct name_slot {
    uint32_t hash;
    uint32_t lo, hi;                /* the instance's address; 0, 0: empty */
} name_slot;

static iface_inst *slot_inst(const name_slot *s)
{
    return (iface_inst *)(uintptr_t)(((uint64_t)s->hi << 32) | s->lo);
}

static void slot_set(name_slot *s, iface_inst *i, uint32_t hash)
{
    uint64_t a = (uint64_t)(uintptr_t)i;
    s->hash = hash;
    s->lo = (uint32_t)a;
    s->hi = (uint32_t)(a >> 32);
}

static bool slot_empty(const name_slot *s)
{
    return (s->lo | s->hi) == 0;
}

typedef struct name_index {
    name_slot *s;
    size_t mask;                    /* slot count - 1 (a power of two) */
    size_t n;
} name_index;

struct pnpsim__iface_state {
    name_index names;
    htab classes, devs;
    unsigned long long next_order;
    unsigned long long next_event_seq;
    unsigned long generation;       /* bumped by pnpsim__iface_reboot */
    unsigned long boot;             /* sys->boot_count the enable state belongs to */
    pnpsim__iface_event *ev_head, *ev_tail;
    size_t ev_count;
    /* Registrations not written to the registry yet: written in order by
     * pnpsim__iface_materialize_locked when the registry is next looked at there. */
    iface_inst *pend_head, *pend_tail;
    bool materializing;
};

/* ======================================================================================
 * Hashing and hash tables
 * ==================================================================================== */

/* The registry's case folding (registry.c: ASCII and Latin-1 letters), so that two names
 * are the same instance exactly when they are the same DeviceClasses key (§2.3): with ASCII
 * folding only, references "\u00e9" and "\u00c9" made two instances sharing one key (found
 * by tests/fuzz/fuzz_api_sequence). */
static WCHAR fold(WCHAR c)
{
    if (c >= 'a' && c <= 'z')
        return (WCHAR)(c - ('a' - 'A'));
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return (WCHAR)(c - 0x20);
    return c;
}

static uint32_t fnv_step(uint32_t h, unsigned v)
{
    return (h ^ (uint32_t)v) * 16777619u;
}

static uint32_t hash_wide(const WCHAR *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = fnv_step(h, fold(s[i]));
    return h;
}

static uint32_t hash_path(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = fnv_step(h, fold((unsigned char)*s));
    return h;
}

static uint32_t hash_guid(const GUID *g)
{
    const unsigned char *p = (const unsigned char *)g;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof(*g); i++)
        h = fnv_step(h, p[i]);
    return h;
}

static void **nextp(const htab *t, void *e)
{
    return (void **)((char *)e + t->next_off);
}

static uint32_t hashof(const htab *t, void *e)
{
    return *(uint32_t *)((char *)e + t->hash_off);
}

static bool htab_init(pnpsim_system *sys, htab *t, size_t next_off, size_t hash_off)
{
    t->b = pnpsim__calloc(sys, 16, sizeof(void *));
    t->mask = 15;
    t->n = 0;
    t->next_off = next_off;
    t->hash_off = hash_off;
    return t->b != NULL;
}

static void htab_insert(pnpsim_system *sys, htab *t, void *e)
{
    size_t i;
    if (t->n >= t->mask + 1) {
        /* Grow; if there is no memory, the chains just get longer (the insert still works,
         * so the call that inserts never fails for this). */
        size_t nb = (t->mask + 1) * 2;
        void **b = pnpsim__calloc(sys, nb, sizeof(void *));
        if (b != NULL) {
            for (size_t k = 0; k <= t->mask; k++) {
                void *x = t->b[k];
                while (x != NULL) {
                    void *nx = *nextp(t, x);
                    size_t j = hashof(t, x) & (nb - 1);
                    *nextp(t, x) = b[j];
                    b[j] = x;
                    x = nx;
                }
            }
            pnpsim__free(sys, t->b);
            t->b = b;
            t->mask = nb - 1;
        }
    }
    i = hashof(t, e) & t->mask;
    *nextp(t, e) = t->b[i];
    t->b[i] = e;
    t->n++;
}

static bool names_init(pnpsim_system *sys, name_index *t)
{
    t->s = pnpsim__calloc(sys, 16, sizeof(*t->s));
    t->mask = 15;
    t->n = 0;
    return t->s != NULL;
}

/* Room for one more instance: the index grows when it would be more than 3/4 full. False
 * (nothing changed) only when it cannot grow and has no free slot left to spare; an index
 * that cannot grow but has room just gets fuller, like a chained table's longer chains. */
static bool names_reserve(pnpsim_system *sys, name_index *t)
{
    size_t cap = t->mask + 1, nb;
    name_slot *b;
    if ((t->n + 1) * 4 <= cap * 3)
        return true;
    nb = cap * 2;
    b = pnpsim__calloc(sys, nb, sizeof(*b));
    if (b == NULL)
        return t->n + 2 <= cap; /* keep an empty slot: probes end on one */
    for (size_t k = 0; k < cap; k++) {
        size_t j;
        if (slot_empty(&t->s[k]))
            continue;
        for (j = t->s[k].hash & (nb - 1); !slot_empty(&b[j]); j = (j + 1) & (nb - 1))
            ;
        b[j] = t->s[k];
    }
    pnpsim__free(sys, t->s);
    t->s = b;
    t->mask = nb - 1;
    return true;
}

/* Insert i (names_reserve() said there is room). */
static void names_insert(name_index *t, iface_inst *i)
{
    size_t j = i->hash & t->mask;
    while (!slot_empty(&t->s[j]))
        j = (j + 1) & t->mask;
    slot_set(&t->s[j], i, i->hash);
    t->n++;
}

/* Remove i, moving later slots of the probe run back so that no probe stops early. */
static void names_remove(name_index *t, iface_inst *i)
{
    size_t at = i->hash & t->mask, j;
    while (slot_inst(&t->s[at]) != i) {
        if (slot_empty(&t->s[at]))
            return;
        at = (at + 1) & t->mask;
    }
    for (j = (at + 1) & t->mask; !slot_empty(&t->s[j]); j = (j + 1) & t->mask) {
        size_t home = t->s[j].hash & t->mask;
        /* The entry at j may fill the hole at `at` unless its home lies in (at, j]. */
        bool stays = at <= j ? (home > at && home <= j) : (home > at || home <= j);
        if (!stays) {
            t->s[at] = t->s[j];
            at = j;
        }
    }
    slot_set(&t->s[at], NULL, 0);
    t->n--;
}

static void htab_remove(htab *t, void *e)
{
    void **pp = &t->b[hashof(t, e) & t->mask];
    while (*pp != NULL) {
        if (*pp == e) {
            *pp = *nextp(t, e);
            t->n--;
            return;
        }
        pp = nextp(t, *pp);
    }
}

/* ======================================================================================
 * State
 * ==================================================================================== */

static struct pnpsim__iface_state *state_peek(pnpsim_system *sys);

/* A new, empty state (not installed), or NULL when out of memory. */
static struct pnpsim__iface_state *state_new(pnpsim_system *sys)
{
    struct pnpsim__iface_state *st = pnpsim__calloc(sys, 1, sizeof(*st));
    if (st == NULL)
        return NULL;
    if (!names_init(sys, &st->names) ||
        !htab_init(sys, &st->classes, offsetof(iface_class, next), offsetof(iface_class, hash)) ||
        !htab_init(sys, &st->devs, offsetof(iface_dev, next), offsetof(iface_dev, hash))) {
        pnpsim__free(sys, st->names.s);
        pnpsim__free(sys, st->classes.b);
        pnpsim__free(sys, st->devs.b);
        pnpsim__free(sys, st);
        return NULL;
    }
    st->boot = sys->boot_count;
    return st;
}

static struct pnpsim__iface_state *state_get(pnpsim_system *sys)
{
    struct pnpsim__iface_state *st = state_peek(sys);
    if (st != NULL)
        return st;
    st = state_new(sys);
    if (st != NULL)
        sys->iface = st;
    return st;
}

static void reset_all_locked(pnpsim_system *sys, struct pnpsim__iface_state *st);

/* The state, or NULL when nothing was ever registered. Enable state is volatile: the first
 * look after a reboot resets it even if the reboot hook did not run. */
static struct pnpsim__iface_state *state_peek(pnpsim_system *sys)
{
    struct pnpsim__iface_state *st = sys->iface;
    PNPSIM_ASSERT_LOCKED(sys);
    if (st != NULL && st->boot != sys->boot_count)
        reset_all_locked(sys, st);
    return st;
}

static iface_inst *find_inst(struct pnpsim__iface_state *st, const WCHAR *body, size_t n)
{
    uint32_t h = hash_wide(body, n);
    const name_index *t = &st->names;
    for (size_t j = h & t->mask; !slot_empty(&t->s[j]); j = (j + 1) & t->mask) {
        iface_inst *i;
        size_t k;
        if (t->s[j].hash != h)
            continue;
        i = slot_inst(&t->s[j]);
        if (i->name_chars - PREFIX_CHARS != n)
            continue;
        if (memcmp(i->name + PREFIX_CHARS, body, n * sizeof(WCHAR)) == 0)
            return i; /* the usual case: the very spelling returned at registration */
        for (k = 0; k < n; k++) {
            if (fold(i->name[PREFIX_CHARS + k]) != fold(body[k]))
                break;
        }
        if (k == n)
            return i;
    }
    return NULL;
}

static iface_class *find_class(struct pnpsim__iface_state *st, const GUID *g)
{
    uint32_t h = hash_guid(g);
    for (iface_class *c = st->classes.b[h & st->classes.mask]; c != NULL; c = c->next) {
        if (c->hash == h && IsEqualGUID(&c->guid, g))
            return c;
    }
    return NULL;
}

static iface_dev *find_dev(struct pnpsim__iface_state *st, const char *path)
{
    uint32_t h = hash_path(path);
    for (iface_dev *d = st->devs.b[h & st->devs.mask]; d != NULL; d = d->next) {
        if (d->hash == h && pnpsim__stricmp(d->path, path) == 0)
            return d;
    }
    return NULL;
}

/* The device's live device node, or NULL when it is not present. The cached pointer is
 * trusted only within the generation (and boot) it was seen in; otherwise it is looked up
 * again (rare: the first enable after a reboot or a re-plug). */
static pnpsim_device *dev_node(pnpsim_system *sys, iface_dev *d)
{
    struct pnpsim__iface_state *st = sys->iface;
    pnpsim_device *dn = d->dn;
    if (dn != NULL && d->dn_gen == st->generation && d->dn_boot == sys->boot_count &&
        dn->state != PNPSIM_DEVICE_DELETED)
        return dn;
    dn = pnpsim__devnode_find_locked(sys, d->path);
    d->dn = dn;
    d->dn_gen = st->generation;
    d->dn_boot = sys->boot_count;
    return dn;
}

/* IRP_MN_START_DEVICE has completed for the device (and it has not gone away since). */
static bool start_completed(const pnpsim_device *dn)
{
    if (dn == NULL)
        return false;
    switch (dn->state) {
    case PNPSIM_DEVICE_STARTED:
    case PNPSIM_DEVICE_QUERY_STOPPED:
    case PNPSIM_DEVICE_STOPPED:
    case PNPSIM_DEVICE_QUERY_REMOVED:
        return true;
    default:
        return false;
    }
}

static void trace_name(const WCHAR *name, size_t n, char *buf, size_t size)
{
    /* Names are nearly always ASCII: copy those directly (this runs on every set-state). */
    size_t k;
    for (k = 0; k < n && k + 1 < size && name[k] != 0 && name[k] < 0x80; k++)
        buf[k] = (char)name[k];
    if (k == n || k + 1 == size) {
        buf[k] = 0;
        return;
    }
    pnpsim__utf16_to_utf8_buf(name, n, buf, size);
}

/* ======================================================================================
 * Persistence: the registry store keeps every registration, in the layout of
 * windows-semantics.md §2.3:
 *
 *   \Registry\Machine\System\CurrentControlSet\Control\DeviceClasses\{guid}
 *       ##?#<instance path, '\' -> '#'>#{guid}          DeviceInstance  REG_SZ
 *           #  or  #<reference string>                  SymbolicLink    REG_SZ (\\?\ form)
 *               Control            (volatile)           Linked          REG_DWORD 1 / 0
 *               Device Parameters  (IoOpenDeviceInterfaceRegistryKey, made on first open)
 *               Properties\{fmtid}\NNNN (IoSetDeviceInterfacePropertyData)
 *
 * The in-memory indexes are the fast path; the registry is the persistent truth they are
 * rebuilt from after pnpsim_system_load (pnpsim__iface_rebuild). Registrations are written
 * lazily (see "Lazy persistence" below). Key pointers are kept only with the registry's
 * epoch (the Control key, between enable and disable): any freed key invalidates them, so a
 * registry replaced by a load never leaves a dangling pointer here; every other use looks
 * the key up by path. Every function below runs under sys->lock.
 * ==================================================================================== */

static const WCHAR dc_root[] =
    u"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\DeviceClasses";
static const WCHAR enum_root[] = u"\\Registry\\Machine\\System\\CurrentControlSet\\Enum";

/* A bounded UTF-16 path under construction (overflow makes it invalid, never longer). */
typedef struct wpath {
    WCHAR s[1100];
    size_t n;
    bool overflow;
} wpath;

static void wp_put(wpath *p, const WCHAR *s, size_t n)
{
    if (p->overflow || p->n + n >= PNPSIM_ARRAY_SIZE(p->s)) {
        p->overflow = true;
        return;
    }
    memcpy(p->s + p->n, s, n * sizeof(WCHAR));
    p->n += n;
    p->s[p->n] = 0;
}

static void wp_ascii(wpath *p, const char *s)
{
    for (; *s; s++) {
        WCHAR c = (WCHAR)(unsigned char)*s;
        wp_put(p, &c, 1);
    }
}

/* The interface's device key name "##?#<device>#{guid}" and instance key name "#[ref]"
 * (pointers into i->name with their lengths). */
static size_t dev_part_chars(const iface_inst *i)
{
    return (i->ref_at != 0 ? i->ref_at - 1 : i->name_chars) - PREFIX_CHARS;
}

/* path := DeviceClasses\{guid}[\##?#...[\#ref]]; depth 0 class, 1 device, 2 instance. */
static void inst_path(wpath *p, const iface_inst *i, int depth)
{
    static const WCHAR hash_prefix[] = {'#', '#', '?', '#'};
    static const WCHAR sep = '\\', hash = '#';
    char g[39];
    p->n = 0;
    p->overflow = false;
    wp_put(p, dc_root, PNPSIM_ARRAY_SIZE(dc_root) - 1);
    wp_put(p, &sep, 1);
    pnpsim__guid_format(&i->cls->guid, false, g);
    wp_ascii(p, g);
    if (depth >= 1) {
        wp_put(p, &sep, 1);
        wp_put(p, hash_prefix, 4);
        wp_put(p, i->name + PREFIX_CHARS, dev_part_chars(i));
    }
    if (depth >= 2) {
        wp_put(p, &sep, 1);
        wp_put(p, &hash, 1);
        if (i->ref_at != 0)
            wp_put(p, i->name + i->ref_at, i->name_chars - i->ref_at);
    }
}

static void pend_unlink(struct pnpsim__iface_state *st, iface_inst *i);

/* The instance key, or NULL (not in the registry, or no registry). */
static pnpsim__regkey *inst_key(pnpsim_system *sys, const iface_inst *i)
{
    wpath p;
    pnpsim__regkey *k = NULL;
    if (sys->registry == NULL)
        return NULL;
    inst_path(&p, i, 2);
    if (p.overflow || !NT_SUCCESS(pnpsim__regkey_open(sys, NULL, p.s, p.n, &k)))
        return NULL;
    return k;
}

static NTSTATUS set_sz(pnpsim_system *sys, pnpsim__regkey *k, const WCHAR *value,
                       const WCHAR *s, size_t n)
{
    WCHAR buf[1100];
    if (n + 1 > PNPSIM_ARRAY_SIZE(buf))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "registry string too long");
    memcpy(buf, s, n * sizeof(WCHAR));
    buf[n] = 0;
    return pnpsim__regkey_set_value(sys, k, value, pnpsim__wcslen(value), PNPSIM__REG_SZ, buf,
                                    (ULONG)((n + 1) * sizeof(WCHAR)));
}

/* Create one level (relative to base) remembering whether it is new, for rollback. */
static NTSTATUS create_level(pnpsim_system *sys, pnpsim__regkey *base, const WCHAR *name,
                             size_t n, ULONG options, pnpsim__regkey **out, bool *created)
{
    ULONG disp = 0;
    NTSTATUS st = pnpsim__regkey_create(sys, base, name, n, options, false, out, &disp);
    *created = NT_SUCCESS(st) && disp == PNPSIM__REG_CREATED_NEW_KEY;
    return st;
}

/* Whether the registration's registry key names fit: key name components are limited to 255
 * characters (§2.3 keys; the registry's limit), so a reference string longer than 254
 * characters cannot be stored. */
static NTSTATUS registration_fits(const iface_inst *i)
{
    size_t pl = strlen(i->dev->path), dn_chars = 4 + dev_part_chars(i);
    wpath p;
    if (dn_chars > 255 || (i->ref_at != 0 && i->name_chars - i->ref_at > 254) || pl >= 256)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoRegisterDeviceInterface: a registry key name of the interface "
                              "would be longer than 255 characters");
    inst_path(&p, i, 2);
    if (p.overflow)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "interface registry path too long");
    return STATUS_SUCCESS;
}

/* Write the registration's keys and values. On failure everything this call created is
 * deleted again (deleting never allocates), so the registry is as it was. */
static NTSTATUS persist_registration(pnpsim_system *sys, const iface_inst *i)
{
    static const WCHAR v_devinst[] = u"DeviceInstance", v_link[] = u"SymbolicLink";
    pnpsim__regkey *keys[5] = {NULL, NULL, NULL, NULL, NULL};
    bool created[5] = {false, false, false, false, false};
    WCHAR path_w[256], link[PNPSIM_ARRAY_SIZE(((wpath *)0)->s)];
    const WCHAR *comp[5];
    size_t comp_n[5];
    char g[39];
    WCHAR gw[39];
    wpath p;
    size_t pl = strlen(i->dev->path), dn_chars = 4 + dev_part_chars(i), k;
    WCHAR devname[300], instname[300];
    NTSTATUS st = STATUS_SUCCESS;
    int level;

    /* Key name components are limited to 255 characters (§2.3 keys; the registry's limit):
     * a reference string longer than 254 characters cannot be stored. */
    if (dn_chars > 255 || (i->ref_at != 0 && i->name_chars - i->ref_at > 254) || pl >= 256)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoRegisterDeviceInterface: a registry key name of the interface "
                              "would be longer than 255 characters");
    inst_path(&p, i, 2);
    if (p.overflow)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "interface registry path too long");
    /* DeviceClasses, {guid}, ##?#..., #ref, created level by level from Control. */
    {
        static const WCHAR control[] =
            u"\\Registry\\Machine\\System\\CurrentControlSet\\Control";
        st = pnpsim__regkey_create(sys, NULL, control, PNPSIM_ARRAY_SIZE(control) - 1, 0, true,
                                   &keys[0], NULL);
        if (!NT_SUCCESS(st))
            return st;
    }
    pnpsim__guid_format(&i->cls->guid, false, g);
    for (k = 0; k < 38; k++)
        gw[k] = (WCHAR)g[k];
    devname[0] = '#';
    devname[1] = '#';
    devname[2] = '?';
    devname[3] = '#';
    memcpy(devname + 4, i->name + PREFIX_CHARS, dev_part_chars(i) * sizeof(WCHAR));
    instname[0] = '#';
    k = i->ref_at != 0 ? i->name_chars - i->ref_at : 0;
    if (k != 0)
        memcpy(instname + 1, i->name + i->ref_at, k * sizeof(WCHAR));
    comp[1] = u"DeviceClasses";
    comp_n[1] = 13;
    comp[2] = gw;
    comp_n[2] = 38;
    comp[3] = devname;
    comp_n[3] = dn_chars;
    comp[4] = instname;
    comp_n[4] = 1 + k;
    for (level = 1; level <= 4 && NT_SUCCESS(st); level++)
        st = create_level(sys, keys[level - 1], comp[level], comp_n[level], 0, &keys[level],
                          &created[level]);
    if (NT_SUCCESS(st)) {
        for (k = 0; k < pl; k++)
            path_w[k] = (WCHAR)(unsigned char)i->dev->path[k];
        st = set_sz(sys, keys[3], v_devinst, path_w, pl);
    }
    if (NT_SUCCESS(st)) {
        memcpy(link, i->name, i->name_chars * sizeof(WCHAR));
        link[1] = '\\'; /* the user form, \\?\... (§2.2) */
        st = set_sz(sys, keys[4], v_link, link, i->name_chars);
    }
    if (!NT_SUCCESS(st)) {
        for (level = 4; level >= 1; level--) {
            if (created[level] && keys[level] != NULL)
                pnpsim__regkey_delete(sys, keys[level], true);
        }
        return pnpsim__status(st, "IoRegisterDeviceInterface: could not write the registration "
                                  "to the registry");
    }
    return STATUS_SUCCESS;
}

/* Delete the registration's instance key (with Control, Device Parameters, Properties) and
 * its device key when that has no other instance. The class key stays, as on Windows. */
static void unpersist_registration(pnpsim_system *sys, iface_inst *i)
{
    wpath p;
    pnpsim__regkey *k;
    if (i->unpersisted) {
        /* Write it first: what uninstalling leaves (the class key) must be as if it had
         * been written at registration. Out of memory: it just goes. */
        pnpsim__iface_materialize_locked(sys);
        if (i->unpersisted) {
            pend_unlink(sys->iface, i);
            return;
        }
    }
    k = inst_key(sys, i);
    if (k == NULL)
        return;
    pnpsim__regkey_delete(sys, k, true);
    inst_path(&p, i, 1);
    if (!p.overflow && NT_SUCCESS(pnpsim__regkey_open(sys, NULL, p.s, p.n, &k)) &&
        pnpsim__regkey_subkey_count(k) == 0)
        pnpsim__regkey_delete(sys, k, false);
}

/* Lazy persistence. Writing a registration's keys costs a dozen allocations and about 1.5 KB;
 * a registry of a million interfaces that nobody reads under DeviceClasses should not pay
 * that. So a registration is kept on a pending list and written (keys, values, and
 * Control\Linked when it was enabled since boot) the first time anyone looks at the
 * registry where it would show: registry.c calls pnpsim__iface_materialize_locked before a
 * path walk passes ...\CurrentControlSet\Control, before any use of a key handle, and
 * before a save. What a reader sees is therefore exactly what eager writing would have
 * produced (windows-semantics.md §2.3). */
static void pend_link(struct pnpsim__iface_state *st, iface_inst *i)
{
    i->unpersisted = true;
    i->u.pend.next = NULL;
    i->u.pend.prev = st->pend_tail;
    if (st->pend_tail != NULL)
        st->pend_tail->u.pend.next = i;
    else
        st->pend_head = i;
    st->pend_tail = i;
}

static void pend_unlink(struct pnpsim__iface_state *st, iface_inst *i)
{
    if (i->u.pend.prev != NULL)
        i->u.pend.prev->u.pend.next = i->u.pend.next;
    else
        st->pend_head = i->u.pend.next;
    if (i->u.pend.next != NULL)
        i->u.pend.next->u.pend.prev = i->u.pend.prev;
    else
        st->pend_tail = i->u.pend.prev;
    i->unpersisted = false;
    i->u.k.control = NULL;
    i->u.k.control_epoch = 0;
}

bool pnpsim__iface_pending(pnpsim_system *sys)
{
    struct pnpsim__iface_state *st = sys->iface;
    return st != NULL && st->pend_head != NULL && !st->materializing;
}

static NTSTATUS persist_linked(pnpsim_system *sys, iface_inst *i, bool on);

NTSTATUS pnpsim__iface_materialize_locked(pnpsim_system *sys)
{
    struct pnpsim__iface_state *st = sys->iface;
    NTSTATUS status = STATUS_SUCCESS;
    PNPSIM_ASSERT_LOCKED(sys);
    if (st == NULL || st->materializing)
        return STATUS_SUCCESS;
    st->materializing = true;
    while (st->pend_head != NULL) {
        iface_inst *i = st->pend_head;
        status = persist_registration(sys, i);
        if (!NT_SUCCESS(status))
            break; /* out of memory: it stays pending (tried again at the next look) */
        pend_unlink(st, i);
        if (i->ever_linked) {
            status = persist_linked(sys, i, i->enabled);
            if (!NT_SUCCESS(status))
                break; /* the keys are there; Control\Linked reads as not linked */
        }
    }
    st->materializing = false;
    return status;
}

/* Record the enabled state in the volatile Control\Linked value. Setting 1 may fail (out of
 * memory: nothing changed). Setting 0 never fails: when the value cannot be written the
 * volatile Control key is deleted instead, which reads the same (not linked). */
static NTSTATUS persist_linked(pnpsim_system *sys, iface_inst *i, bool on)
{
    static const WCHAR control[] = u"Control", linked[] = u"Linked";
    pnpsim__regkey *ik, *ck = NULL;
    ULONG v = on ? 1u : 0u;
    bool created = false;
    NTSTATUS st;
    uint64_t epoch;
    if (i->unpersisted) {
        /* Written with the registration (pnpsim__iface_materialize_locked). */
        if (on)
            i->ever_linked = true;
        return STATUS_SUCCESS;
    }
    epoch = pnpsim__registry_epoch(sys);
    /* Fast path: the Control key found last time, when no key was freed since (enable and
     * disable then cost one in-place value write, no path walk). */
    if (epoch != 0 && i->u.k.control_epoch == epoch) {
        ck = i->u.k.control;
        goto write;
    }
    i->u.k.control_epoch = 0;
    ik = inst_key(sys, i);
    if (ik == NULL && on) {
        /* The registry lost the key (a test deleted it): write the registration again. */
        st = persist_registration(sys, i);
        if (!NT_SUCCESS(st))
            return st;
        ik = inst_key(sys, i);
        if (ik == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "interface key missing");
    }
    if (ik == NULL)
        return STATUS_SUCCESS;
    if (on)
        st = create_level(sys, ik, control, 7, PNPSIM__REG_OPTION_VOLATILE, &ck, &created);
    else
        st = pnpsim__regkey_open(sys, ik, control, 7, &ck);
    if (!NT_SUCCESS(st))
        return on ? st : STATUS_SUCCESS;
write:
    st = pnpsim__regkey_set_value(sys, ck, linked, 6, PNPSIM__REG_DWORD, &v, sizeof(v));
    if (!NT_SUCCESS(st)) {
        if (on && !created)
            return st;
        i->u.k.control_epoch = 0;
        pnpsim__regkey_delete(sys, ck, true);
        return on ? st : STATUS_SUCCESS;
    }
    i->u.k.control = ck;
    i->u.k.control_epoch = pnpsim__registry_epoch(sys);
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Names
 * ==================================================================================== */

static void put(WCHAR *buf, size_t cap, size_t *at, WCHAR c)
{
    if (buf != NULL && *at < cap)
        buf[*at] = c;
    (*at)++;
}

size_t pnpsim__iface_build_name(const char *instance_path, const GUID *class_guid,
                                const WCHAR *ref, size_t ref_chars, WCHAR *buf, size_t cap)
{
    static const char prefix[] = "\\??\\";
    char g[39];
    size_t at = 0;
    for (const char *p = prefix; *p; p++)
        put(buf, cap, &at, (WCHAR)*p);
    /* Instance paths are ASCII (the PnP manager refuses other ID characters, §1.2). Only
     * '\' is munged; the bus-reported case is kept (§2.1). */
    for (const unsigned char *p = (const unsigned char *)instance_path; *p; p++)
        put(buf, cap, &at, *p == '\\' ? (WCHAR)'#' : (WCHAR)*p);
    put(buf, cap, &at, '#');
    pnpsim__guid_format(class_guid, false, g);
    for (size_t k = 0; k < GUID_CHARS; k++)
        put(buf, cap, &at, (WCHAR)g[k]);
    if (ref != NULL && ref_chars > 0) {
        put(buf, cap, &at, '\\');
        for (size_t k = 0; k < ref_chars; k++)
            put(buf, cap, &at, ref[k]);
    }
    if (buf != NULL && at < cap)
        buf[at] = 0;
    return at;
}

NTSTATUS pnpsim__iface_parse_name(const WCHAR *s, size_t n, pnpsim__iface_name *out)
{
    const WCHAR *body;
    size_t body_n, end, k;
    char g[GUID_CHARS];
    bool user;

    if (s == NULL || n < PREFIX_CHARS)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "interface name too short for a \\??\\ or \\\\?\\ prefix");
    if (s[0] != '\\' || s[2] != '?' || s[3] != '\\' || (s[1] != '?' && s[1] != '\\'))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "interface name does not start with \\??\\ or \\\\?\\");
    user = s[1] == '\\';
    body = s + PREFIX_CHARS;
    body_n = n - PREFIX_CHARS;
    /* The reference string starts at the first '\' after the prefix. */
    for (end = 0; end < body_n && body[end] != '\\'; end++)
        ;
    /* At least one character, then the 38-character braced GUID, before it. */
    if (end < GUID_CHARS + 1)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "interface name has no device part before its {class GUID}");
    for (k = 0; k < GUID_CHARS; k++) {
        WCHAR c = body[end - GUID_CHARS + k];
        if (c > 0x7F)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "interface name: no {class GUID} before the reference string");
        g[k] = (char)c;
    }
    if (!pnpsim__guid_parse(g, GUID_CHARS, &out->class_guid))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "interface name: no {class GUID} before the reference string");
    out->body = body;
    out->body_chars = body_n;
    out->ref = end < body_n ? body + end + 1 : NULL;
    out->ref_chars = end < body_n ? body_n - end - 1 : 0;
    out->user_form = user;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Events
 * ==================================================================================== */

static pnpsim__iface_event *event_new(pnpsim_system *sys, const iface_inst *i, bool arrival)
{
    size_t path_len = strlen(i->dev->path) + 1;
    size_t name_bytes = (i->name_chars + 1) * sizeof(WCHAR);
    pnpsim__iface_event *ev = pnpsim__malloc(sys, sizeof(*ev) + name_bytes + path_len);
    void *rec;
    size_t rec_size;
    WCHAR *nb;
    if (ev == NULL)
        return NULL;
    /* The listeners' delivery record comes now too: publishing must not fail later. */
    rec = pnpsim__notify_prealloc_locked(sys, name_bytes, path_len, &rec_size);
    if (rec == NULL) {
        pnpsim__free(sys, ev);
        return NULL;
    }
    memset(ev, 0, sizeof(*ev));
    ev->notify_rec = rec;
    ev->notify_rec_size = rec_size;
    nb = (WCHAR *)(ev + 1);
    memcpy(nb, i->name, name_bytes);
    ev->instance_path = (char *)nb + name_bytes;
    memcpy(ev->instance_path, i->dev->path, path_len);
    ev->arrival = arrival;
    ev->name.Buffer = nb;
    ev->name.Length = (USHORT)(i->name_chars * sizeof(WCHAR));
    ev->name.MaximumLength = (USHORT)name_bytes;
    ev->notification.Version = 1;
    ev->notification.Size = (USHORT)sizeof(DEVICE_INTERFACE_CHANGE_NOTIFICATION);
    ev->notification.Event = arrival ? guid_arrival : guid_removal;
    ev->notification.InterfaceClassGuid = i->cls->guid;
    ev->notification.SymbolicLinkName = &ev->name;
    return ev;
}

/* Free an event (and its unused delivery record). */
static void event_free(pnpsim_system *sys, pnpsim__iface_event *ev)
{
    if (ev == NULL)
        return;
    pnpsim__free(sys, ev->notify_rec);
    pnpsim__free(sys, ev);
}

static void event_publish(pnpsim_system *sys, pnpsim__iface_event *ev, pnpsim_device *dn,
                          PDRIVER_OBJECT drv)
{
    struct pnpsim__iface_state *st = sys->iface;
    char nm[400];
    ev->seq = ++st->next_event_seq;
    ev->next = NULL;
    if (st->ev_tail != NULL)
        st->ev_tail->next = ev;
    else
        st->ev_head = ev;
    st->ev_tail = ev;
    st->ev_count++;
    trace_name(ev->name.Buffer, ev->name.Length / sizeof(WCHAR), nm, sizeof(nm));
    pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, dn, drv, NULL,
                  "interface event #%llu queued: %s %s", ev->seq,
                  ev->arrival ? "GUID_DEVICE_INTERFACE_ARRIVAL" : "GUID_DEVICE_INTERFACE_REMOVAL",
                  nm);
    /* The notification module (src/core/notify.c) queues its delivery to listeners. */
    pnpsim__notify_iface_event_locked(sys, ev);
}

pnpsim__iface_event *pnpsim__iface_events_first_locked(pnpsim_system *sys)
{
    PNPSIM_ASSERT_LOCKED(sys);
    return sys->iface != NULL ? sys->iface->ev_head : NULL;
}

/* ======================================================================================
 * Enabled lists and transitions
 * ==================================================================================== */

static void on_link(iface_inst *i)
{
    iface_class *c = i->cls;
    iface_inst *after = c->on_tail;
    /* Keep registration order: enabling usually follows it, so this is O(1) in practice. */
    while (after != NULL && after->order > i->order)
        after = after->on_prev;
    i->on_prev = after;
    i->on_next = after != NULL ? after->on_next : c->on_head;
    if (i->on_next != NULL)
        i->on_next->on_prev = i;
    else
        c->on_tail = i;
    if (after != NULL)
        after->on_next = i;
    else
        c->on_head = i;
}

static void on_unlink(iface_inst *i)
{
    iface_class *c = i->cls;
    if (i->on_prev != NULL)
        i->on_prev->on_next = i->on_next;
    else
        c->on_head = i->on_next;
    if (i->on_next != NULL)
        i->on_next->on_prev = i->on_prev;
    else
        c->on_tail = i->on_prev;
    i->on_prev = i->on_next = NULL;
}

/* Disable an enabled instance: the link goes, and listeners that saw its arrival are told
 * of its removal (an arrival still held back is dropped: nobody saw it). Never allocates. */
static void disable_locked(pnpsim_system *sys, iface_inst *i, pnpsim_device *dn,
                           PDRIVER_OBJECT drv, const char *who, const char *name8)
{
    char nm[400];
    i->enabled = false;
    on_unlink(i);
    persist_linked(sys, i, false);
    if (i->held_arrival != NULL) {
        event_free(sys, i->held_arrival);
        i->held_arrival = NULL;
        event_free(sys, i->removal);
    } else if (i->published) {
        event_publish(sys, i->removal, dn, drv);
    } else {
        event_free(sys, i->removal);
    }
    i->removal = NULL;
    i->published = false;
    if (name8 == NULL) /* the caller's UTF-8 copy of the name, or made here */
        trace_name(i->name, i->name_chars, nm, sizeof(nm));
    pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, dn, drv, NULL,
                  "interface disabled by %s, symbolic link removed: %s", who,
                  name8 != NULL ? name8 : nm);
}

/* Drop an enabled instance's state without any event (reboot: nobody is listening). */
static void reset_locked(pnpsim_system *sys, iface_inst *i)
{
    if (!i->enabled)
        return;
    i->enabled = false;
    on_unlink(i);
    persist_linked(sys, i, false);
    event_free(sys, i->held_arrival);
    event_free(sys, i->removal);
    i->held_arrival = NULL;
    i->removal = NULL;
    i->published = false;
}

/* ======================================================================================
 * Registration
 * ==================================================================================== */

/* Add the registration (path, class, ref) to st, or find it. With persist, the registry
 * gets it too (and a failure there adds nothing). *out receives the instance; *existed
 * whether it was already registered. STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES or the
 * registry's failure, with st unchanged on failure. Caller holds sys->lock. */
static NTSTATUS add_inst(pnpsim_system *sys, struct pnpsim__iface_state *st, const char *path,
                         const GUID *class_guid, const WCHAR *ref, size_t ref_chars,
                         bool persist, iface_inst **out, bool *existed)
{
    iface_inst *i, *old;
    iface_class *c;
    iface_dev *d;
    bool new_class = false, new_dev = false;
    size_t n = pnpsim__iface_build_name(path, class_guid, ref, ref_chars, NULL, 0);
    NTSTATUS status;

    *existed = false;
    i = pnpsim__malloc(sys, sizeof(*i) + (n + 1) * sizeof(WCHAR));
    if (i == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(i, 0, sizeof(*i));
    pnpsim__iface_build_name(path, class_guid, ref, ref_chars, i->name, n + 1);
    i->name_chars = n;
    i->ref_at = (ref != NULL && ref_chars > 0) ? n - ref_chars : 0;
    i->hash = hash_wide(i->name + PREFIX_CHARS, n - PREFIX_CHARS);
    old = find_inst(st, i->name + PREFIX_CHARS, n - PREFIX_CHARS);
    if (old != NULL) {
        pnpsim__free(sys, i);
        *out = old;
        *existed = true;
        return STATUS_SUCCESS;
    }
    c = find_class(st, class_guid);
    if (c == NULL) {
        c = pnpsim__calloc(sys, 1, sizeof(*c));
        if (c == NULL) {
            pnpsim__free(sys, i);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        c->guid = *class_guid;
        c->hash = hash_guid(class_guid);
        new_class = true;
    }
    d = find_dev(st, path);
    if (d == NULL) {
        size_t pl = strlen(path) + 1;
        d = pnpsim__calloc(sys, 1, sizeof(*d) + pl);
        if (d == NULL) {
            if (new_class)
                pnpsim__free(sys, c);
            pnpsim__free(sys, i);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        memcpy(d->path, path, pl);
        d->hash = hash_path(d->path);
        new_dev = true;
    }
    i->cls = c;
    i->dev = d;
    status = persist ? registration_fits(i) : STATUS_SUCCESS;
    if (NT_SUCCESS(status) && !names_reserve(sys, &st->names))
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (!NT_SUCCESS(status)) {
        if (new_dev)
            pnpsim__free(sys, d);
        if (new_class)
            pnpsim__free(sys, c);
        pnpsim__free(sys, i);
        return status;
    }

    /* Commit: nothing below can fail. */
    if (new_class)
        htab_insert(sys, &st->classes, c);
    if (new_dev)
        htab_insert(sys, &st->devs, d);
    i->order = ++st->next_order;
    i->cls_prev = c->tail;
    if (c->tail != NULL)
        c->tail->cls_next = i;
    else
        c->head = i;
    c->tail = i;
    c->count++;
    i->dev_prev = d->tail;
    if (d->tail != NULL)
        d->tail->dev_next = i;
    else
        d->head = i;
    d->tail = i;
    d->count++;
    names_insert(&st->names, i);
    if (persist)
        pend_link(st, i); /* written to the registry when someone looks (lazy persistence) */
    *out = i;
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__iface_register(pnpsim_system *sys, pnpsim_device *dn, const GUID *class_guid,
                                const WCHAR *ref, size_t ref_chars, PDRIVER_OBJECT caller,
                                WCHAR *name_out, size_t name_cap)
{
    struct pnpsim__iface_state *st;
    iface_inst *i = NULL;
    bool existed = false;
    size_t n;
    NTSTATUS status;
    char nm[400];

    pnpsim__lock(sys);
    n = pnpsim__iface_build_name(dn->instance_path, class_guid, ref, ref_chars, NULL, 0);
    if (n > PNPSIM__IFACE_MAX_NAME_CHARS || n + 1 > name_cap) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoRegisterDeviceInterface: the interface name would be %zu "
                              "characters, more than a UNICODE_STRING holds", n);
    }
    st = state_get(sys);
    status = st != NULL ? add_inst(sys, st, dn->instance_path, class_guid, ref, ref_chars, true,
                                   &i, &existed)
                        : STATUS_INSUFFICIENT_RESOURCES;
    if (!NT_SUCCESS(status)) {
        pnpsim__unlock(sys);
        return pnpsim__status(status, "IoRegisterDeviceInterface: could not record the "
                                      "registration");
    }
    /* The device record learns the live device node. */
    i->dev->dn = dn;
    i->dev->dn_gen = st->generation;
    i->dev->dn_boot = sys->boot_count;
    /* The stored name: an earlier registration's spelling when it exists (§3 item 3). */
    memcpy(name_out, i->name, (i->name_chars + 1) * sizeof(WCHAR));
    trace_name(i->name, i->name_chars, nm, sizeof(nm));
    status = existed ? STATUS_OBJECT_NAME_EXISTS : STATUS_SUCCESS;
    pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, dn, caller, &status,
                  existed ? "IoRegisterDeviceInterface: already registered: %s"
                          : "IoRegisterDeviceInterface: registered %s",
                  nm);
    pnpsim__unlock(sys);
    return status;
}

/* ======================================================================================
 * Enable / disable
 * ==================================================================================== */

NTSTATUS pnpsim__iface_set_state(pnpsim_system *sys, const WCHAR *name, size_t n, bool enable,
                                 PDRIVER_OBJECT caller)
{
    pnpsim__iface_name pn;
    struct pnpsim__iface_state *st;
    iface_inst *i;
    pnpsim_device *dn;
    NTSTATUS status = pnpsim__iface_parse_name(name, n, &pn);
    char nm[400];

    if (!NT_SUCCESS(status))
        return status;
    pnpsim__lock(sys);
    st = state_peek(sys);
    i = st != NULL ? find_inst(st, pn.body, pn.body_chars) : NULL;
    if (i == NULL) {
        pnpsim__unlock(sys);
        trace_name(name, n, nm, sizeof(nm));
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND,
                              "IoSetDeviceInterfaceState: %s is not a registered interface", nm);
    }
    dn = dev_node(sys, i->dev);
    trace_name(i->name, i->name_chars, nm, sizeof(nm));
    if (!enable) {
        if (!i->enabled) {
            pnpsim__unlock(sys);
            return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND,
                                  "IoSetDeviceInterfaceState(FALSE): %s is not enabled", nm);
        }
        disable_locked(sys, i, dn, caller, "IoSetDeviceInterfaceState", nm);
        pnpsim__unlock(sys);
        return STATUS_SUCCESS;
    }
    if (i->enabled) {
        status = STATUS_OBJECT_NAME_EXISTS;
        pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, dn, caller, &status,
                      "IoSetDeviceInterfaceState(TRUE): already enabled: %s", nm);
        pnpsim__unlock(sys);
        return status;
    }
    {
        pnpsim__iface_event *arr = event_new(sys, i, true);
        pnpsim__iface_event *rem = arr != NULL ? event_new(sys, i, false) : NULL;
        if (rem == NULL) {
            event_free(sys, arr);
            pnpsim__unlock(sys);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                  "IoSetDeviceInterfaceState(TRUE): no memory for %s", nm);
        }
        /* Control\Linked = 1 (volatile: the enabled state does not survive a reboot). */
        status = persist_linked(sys, i, true);
        if (!NT_SUCCESS(status)) {
            event_free(sys, arr);
            event_free(sys, rem);
            pnpsim__unlock(sys);
            return pnpsim__status(status, "IoSetDeviceInterfaceState(TRUE): could not record "
                                          "the state of %s", nm);
        }
        i->enabled = true;
        i->removal = rem;
        on_link(i);
        status = STATUS_SUCCESS;
        pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, dn, caller, &status,
                      "interface enabled, symbolic link created: %s", nm);
        if (start_completed(dn)) {
            i->published = true;
            event_publish(sys, arr, dn, caller);
        } else {
            /* Arrival waits for IRP_MN_START_DEVICE to complete (§4.3). */
            i->held_arrival = arr;
            pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, dn, caller, NULL,
                          "arrival of %s held back until the device has started", nm);
        }
    }
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__iface_resolve_link_locked(pnpsim_system *sys, const WCHAR *name, size_t n,
                                           pnpsim_device **dn, const WCHAR **ref,
                                           size_t *ref_chars)
{
    pnpsim__iface_name pn;
    iface_inst *i;
    NTSTATUS status = pnpsim__iface_parse_name(name, n, &pn);
    PNPSIM_ASSERT_LOCKED(sys);
    if (!NT_SUCCESS(status))
        return status;
    i = state_peek(sys) != NULL ? find_inst(sys->iface, pn.body, pn.body_chars) : NULL;
    if (i == NULL || !i->enabled)
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND,
                              "no symbolic link: the interface is %s",
                              i == NULL ? "not registered" : "not enabled");
    if (dn != NULL)
        *dn = dev_node(sys, i->dev);
    if (ref != NULL)
        *ref = i->ref_at != 0 ? i->name + i->ref_at : NULL;
    if (ref_chars != NULL)
        *ref_chars = i->ref_at != 0 ? i->name_chars - i->ref_at : 0;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Enumeration (IoGetDeviceInterfaces)
 * ==================================================================================== */

/* Walk the instances a query selects, calling fn for each (under the lock). The walk costs
 * what its result costs: the class's enabled list, the class's full list, or the device's
 * list (a device has few interfaces). */
typedef struct walk_q {
    const GUID *cls;
    const char *path;
    bool all;
} walk_q;

static void walk(struct pnpsim__iface_state *st, const walk_q *q,
                 void (*fn)(void *ctx, iface_inst *i), void *ctx)
{
    if (st == NULL)
        return;
    if (q->path != NULL) {
        iface_dev *d = find_dev(st, q->path);
        for (iface_inst *i = d != NULL ? d->head : NULL; i != NULL; i = i->dev_next) {
            if ((q->cls == NULL || IsEqualGUID(&i->cls->guid, q->cls)) && (q->all || i->enabled))
                fn(ctx, i);
        }
        return;
    }
    {
        iface_class *c = find_class(st, q->cls);
        if (c == NULL)
            return;
        if (q->all) {
            for (iface_inst *i = c->head; i != NULL; i = i->cls_next)
                fn(ctx, i);
        } else {
            for (iface_inst *i = c->on_head; i != NULL; i = i->on_next)
                fn(ctx, i);
        }
    }
}

typedef struct multi_sz {
    WCHAR *buf;
    size_t cap, at;
} multi_sz;

static void add_multi_sz(void *ctx, iface_inst *i)
{
    multi_sz *m = ctx;
    if (m->buf != NULL && m->at + i->name_chars + 1 <= m->cap)
        memcpy(m->buf + m->at, i->name, (i->name_chars + 1) * sizeof(WCHAR));
    m->at += i->name_chars + 1;
}

NTSTATUS pnpsim__iface_get_list(pnpsim_system *sys, const GUID *class_guid,
                                const char *instance_path, bool include_nonactive,
                                PDRIVER_OBJECT owner, WCHAR **out, size_t *out_chars)
{
    walk_q q = {class_guid, instance_path, include_nonactive};
    multi_sz m = {NULL, 0, 0};
    WCHAR *buf = NULL;
    size_t cap = 0;

    *out = NULL;
    /* Measure under the lock, allocate pool without it, fill under it; if the list grew in
     * between, try again with the new size. */
    for (;;) {
        pnpsim__lock(sys);
        m.buf = buf;
        m.cap = cap;
        m.at = 0;
        walk(state_peek(sys), &q, add_multi_sz, &m);
        if (buf != NULL && m.at + 1 <= cap) {
            buf[m.at] = 0; /* the MULTI_SZ's final NUL; a lone NUL when nothing matched */
            pnpsim__unlock(sys);
            break;
        }
        pnpsim__unlock(sys);
        if (buf != NULL)
            ExFreePool(buf);
        cap = m.at + 1;
        buf = pnpsim__pool_alloc(sys, owner, PagedPool, cap * sizeof(WCHAR),
                                 PNPSIM__IFACE_POOL_TAG);
        if (buf == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                  "IoGetDeviceInterfaces: no pool for %zu characters", cap);
    }
    *out = buf;
    if (out_chars != NULL)
        *out_chars = m.at + 1;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Lifecycle hooks
 * ==================================================================================== */

void pnpsim__iface_device_started(pnpsim_device *dn)
{
    pnpsim_system *sys;
    iface_dev *d;
    if (dn == NULL || dn->instance_path == NULL)
        return;
    sys = dn->sys;
    pnpsim__lock(sys);
    d = state_peek(sys) != NULL ? find_dev(sys->iface, dn->instance_path) : NULL;
    if (d != NULL) {
        d->dn = dn;
        d->dn_gen = sys->iface->generation;
        d->dn_boot = sys->boot_count;
        for (iface_inst *i = d->head; i != NULL; i = i->dev_next) {
            if (i->enabled && i->held_arrival != NULL) {
                pnpsim__iface_event *ev = i->held_arrival;
                i->held_arrival = NULL;
                i->published = true;
                event_publish(sys, ev, dn, NULL);
            }
        }
    }
    pnpsim__unlock(sys);
}

void pnpsim__iface_device_gone(pnpsim_device *dn)
{
    pnpsim_system *sys;
    iface_dev *d;
    if (dn == NULL || dn->instance_path == NULL)
        return;
    sys = dn->sys;
    pnpsim__lock(sys);
    d = state_peek(sys) != NULL ? find_dev(sys->iface, dn->instance_path) : NULL;
    for (iface_inst *i = d != NULL ? d->head : NULL; i != NULL; i = i->dev_next) {
        if (i->enabled)
            disable_locked(sys, i, dn, NULL, "the PnP manager (device removed)", NULL);
    }
    pnpsim__unlock(sys);
}

static void reset_all_locked(pnpsim_system *sys, struct pnpsim__iface_state *st)
{
    st->generation++;
    st->boot = sys->boot_count;
    for (size_t k = 0; k <= st->devs.mask; k++) {
        for (iface_dev *d = st->devs.b[k]; d != NULL; d = d->next) {
            d->dn = NULL;
            for (iface_inst *i = d->head; i != NULL; i = i->dev_next) {
                reset_locked(sys, i);
                i->ever_linked = false; /* the volatile Control key does not survive */
            }
        }
    }
    pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, NULL, NULL, NULL,
                  "reboot: every interface is disabled; %zu registrations kept", st->names.n);
}

void pnpsim__iface_reboot(pnpsim_system *sys)
{
    pnpsim__lock(sys);
    if (sys->iface != NULL)
        reset_all_locked(sys, sys->iface);
    pnpsim__unlock(sys);
}

static void inst_free_locked(pnpsim_system *sys, iface_inst *i)
{
    struct pnpsim__iface_state *st = sys->iface;
    iface_class *c = i->cls;
    reset_locked(sys, i);
    unpersist_registration(sys, i);
    names_remove(&st->names, i);
    if (i->cls_prev != NULL)
        i->cls_prev->cls_next = i->cls_next;
    else
        c->head = i->cls_next;
    if (i->cls_next != NULL)
        i->cls_next->cls_prev = i->cls_prev;
    else
        c->tail = i->cls_prev;
    if (--c->count == 0) {
        htab_remove(&st->classes, c);
        pnpsim__free(sys, c);
    }
    pnpsim__free(sys, i);
}

/* Uninstalling a device deletes its hardware key (Enum\<instance path>) and its software
 * key (the Enum key's Driver value names it), as SetupDiRemoveDevice does (WT-sapi).
 * Never allocates. Caller holds the lock. */
static void delete_device_keys_locked(pnpsim_system *sys, const char *instance_path)
{
    static const WCHAR cls_root[] =
        u"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Class\\";
    static const WCHAR sep = '\\';
    wpath p = {{0}, 0, false};
    pnpsim__regkey *ek = NULL, *dk = NULL;
    pnpsim__regval_view v;
    if (sys->registry == NULL)
        return;
    wp_put(&p, enum_root, PNPSIM_ARRAY_SIZE(enum_root) - 1);
    wp_put(&p, &sep, 1);
    wp_ascii(&p, instance_path);
    if (p.overflow || !NT_SUCCESS(pnpsim__regkey_open(sys, NULL, p.s, p.n, &ek)))
        return;
    if (NT_SUCCESS(pnpsim__regkey_query_value(sys, ek, u"Driver", 6, &v)) &&
        v.type == PNPSIM__REG_SZ && v.size >= sizeof(WCHAR)) {
        wpath q = {{0}, 0, false};
        size_t n = v.size / sizeof(WCHAR);
        const WCHAR *w = v.data;
        while (n > 0 && w[n - 1] == 0)
            n--;
        wp_put(&q, cls_root, PNPSIM_ARRAY_SIZE(cls_root) - 1);
        wp_put(&q, w, n);
        if (!q.overflow && n > 0 && NT_SUCCESS(pnpsim__regkey_open(sys, NULL, q.s, q.n, &dk)))
            pnpsim__regkey_delete(sys, dk, true);
    }
    pnpsim__regkey_delete(sys, ek, true);
}

void pnpsim__iface_device_uninstalled(pnpsim_system *sys, const char *instance_path)
{
    iface_dev *d;
    size_t n = 0;
    if (sys == NULL || instance_path == NULL)
        return;
    pnpsim__lock(sys);
    delete_device_keys_locked(sys, instance_path);
    d = state_peek(sys) != NULL ? find_dev(sys->iface, instance_path) : NULL;
    if (d != NULL) {
        iface_inst *i = d->head;
        while (i != NULL) {
            iface_inst *nx = i->dev_next;
            if (i->enabled)
                disable_locked(sys, i, NULL, NULL, "the PnP manager (device uninstalled)",
                               NULL);
            inst_free_locked(sys, i);
            n++;
            i = nx;
        }
        htab_remove(&sys->iface->devs, d);
        pnpsim__free(sys, d);
        pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, NULL, NULL, NULL,
                      "%s uninstalled: %zu interface registrations deleted", instance_path, n);
    }
    pnpsim__unlock(sys);
}

/* Free a state and everything it holds (its event queue too when events is true). */
static void state_free(pnpsim_system *sys, struct pnpsim__iface_state *st, bool events)
{
    for (size_t k = 0; k <= st->devs.mask; k++) {
        iface_dev *d = st->devs.b[k];
        while (d != NULL) {
            iface_dev *nd = d->next;
            iface_inst *i = d->head;
            while (i != NULL) {
                iface_inst *ni = i->dev_next;
                event_free(sys, i->held_arrival);
                event_free(sys, i->removal);
                pnpsim__free(sys, i);
                i = ni;
            }
            pnpsim__free(sys, d);
            d = nd;
        }
    }
    for (size_t k = 0; k <= st->classes.mask; k++) {
        iface_class *c = st->classes.b[k];
        while (c != NULL) {
            iface_class *nc = c->next;
            pnpsim__free(sys, c);
            c = nc;
        }
    }
    while (events && st->ev_head != NULL) {
        pnpsim__iface_event *ev = st->ev_head;
        st->ev_head = ev->next;
        event_free(sys, ev);
    }
    pnpsim__free(sys, st->names.s);
    pnpsim__free(sys, st->classes.b);
    pnpsim__free(sys, st->devs.b);
    pnpsim__free(sys, st);
}

void pnpsim__iface_fini(pnpsim_system *sys)
{
    struct pnpsim__iface_state *st;
    if (sys == NULL)
        return;
    pnpsim__lock(sys);
    st = sys->iface;
    sys->iface = NULL;
    pnpsim__unlock(sys);
    if (st != NULL)
        state_free(sys, st, true);
}

/* ======================================================================================
 * Rebuilding the indexes from a registry (pnpsim_system_load)
 * ==================================================================================== */

/* One registration read from DeviceClasses. */
typedef struct rebuild_rec {
    char *path;
    GUID guid;
    WCHAR *ref;      /* NULL: none */
    size_t ref_chars;
} rebuild_rec;

typedef struct rebuild_set {
    rebuild_rec *v;
    size_t n, cap;
} rebuild_set;

static void rebuild_set_free(pnpsim_system *sys, rebuild_set *rs)
{
    for (size_t k = 0; k < rs->n; k++) {
        pnpsim__free(sys, rs->v[k].path);
        pnpsim__free(sys, rs->v[k].ref);
    }
    pnpsim__free(sys, rs->v);
    rs->v = NULL;
    rs->n = rs->cap = 0;
}

/* The DeviceInstance REG_SZ of a device key as UTF-8 (ASCII only: instance paths are), or
 * NULL when absent or malformed. Allocated from sys. Caller holds src->lock. */
static char *read_instance_path(pnpsim_system *src, pnpsim__regkey *dk, pnpsim_system *sys,
                                bool *oom)
{
    static const WCHAR v_devinst[] = u"DeviceInstance";
    pnpsim__regval_view v;
    const WCHAR *w;
    size_t n;
    char *out;
    if (!NT_SUCCESS(pnpsim__regkey_query_value(src, dk, v_devinst, 14, &v)) ||
        v.type != PNPSIM__REG_SZ || v.size < sizeof(WCHAR) || v.size % sizeof(WCHAR) != 0)
        return NULL;
    w = v.data;
    n = v.size / sizeof(WCHAR);
    while (n > 0 && w[n - 1] == 0)
        n--;
    if (n == 0 || n >= 200)
        return NULL;
    out = pnpsim__malloc(sys, n + 1);
    if (out == NULL) {
        *oom = true;
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        if (w[k] <= 0x20 || w[k] > 0x7F || w[k] == ',') {
            pnpsim__free(sys, out);
            return NULL;
        }
        out[k] = (char)w[k];
    }
    out[n] = 0;
    return out;
}

/* Collect every well-formed registration under src's DeviceClasses key into rs (memory
 * from sys). Keys that do not have the §2.3 shape (class key not a braced GUID, device key
 * without a DeviceInstance, instance key not starting with '#') are skipped. Caller holds
 * no lock. STATUS_SUCCESS or STATUS_INSUFFICIENT_RESOURCES (rs then empty). */
static NTSTATUS collect(pnpsim_system *src, pnpsim_system *sys, rebuild_set *rs)
{
    pnpsim__regkey *root = NULL;
    bool oom = false;
    pnpsim__lock(src);
    if (src->registry == NULL ||
        !NT_SUCCESS(pnpsim__regkey_open(src, NULL, dc_root, PNPSIM_ARRAY_SIZE(dc_root) - 1,
                                        &root))) {
        pnpsim__unlock(src);
        return STATUS_SUCCESS;
    }
    for (ULONG a = 0; !oom && a < pnpsim__regkey_subkey_count(root); a++) {
        pnpsim__regkey *ck = pnpsim__regkey_subkey_at(root, a);
        size_t gn;
        const WCHAR *gname = pnpsim__regkey_name(ck, &gn);
        char g[GUID_CHARS];
        GUID guid;
        bool ok = gn == GUID_CHARS;
        for (size_t k = 0; ok && k < GUID_CHARS; k++) {
            ok = gname[k] < 0x80;
            g[k] = (char)gname[k];
        }
        if (!ok || !pnpsim__guid_parse(g, GUID_CHARS, &guid))
            continue;
        for (ULONG b = 0; !oom && b < pnpsim__regkey_subkey_count(ck); b++) {
            pnpsim__regkey *dk = pnpsim__regkey_subkey_at(ck, b);
            char *path = read_instance_path(src, dk, sys, &oom);
            if (path == NULL)
                continue;
            for (ULONG c = 0; !oom && c < pnpsim__regkey_subkey_count(dk); c++) {
                pnpsim__regkey *ik = pnpsim__regkey_subkey_at(dk, c);
                size_t rn;
                const WCHAR *rname = pnpsim__regkey_name(ik, &rn);
                rebuild_rec *r;
                bool bad = rn == 0 || rname[0] != '#';
                for (size_t k = 1; !bad && k < rn; k++)
                    bad = rname[k] == '/' || rname[k] == 0;
                if (bad)
                    continue;
                if (rs->n == rs->cap) {
                    size_t nc = rs->cap ? rs->cap * 2 : 16;
                    rebuild_rec *nv = pnpsim__realloc(sys, rs->v, nc * sizeof(*nv));
                    if (nv == NULL) {
                        oom = true;
                        break;
                    }
                    rs->v = nv;
                    rs->cap = nc;
                }
                r = &rs->v[rs->n];
                memset(r, 0, sizeof(*r));
                r->guid = guid;
                r->ref_chars = rn - 1;
                if (rn > 1) {
                    r->ref = pnpsim__malloc(sys, (rn - 1) * sizeof(WCHAR));
                    if (r->ref == NULL) {
                        oom = true;
                        break;
                    }
                    memcpy(r->ref, rname + 1, (rn - 1) * sizeof(WCHAR));
                }
                r->path = pnpsim__strdup(sys, path);
                if (r->path == NULL) {
                    pnpsim__free(sys, r->ref);
                    oom = true;
                    break;
                }
                rs->n++;
            }
            pnpsim__free(sys, path);
        }
    }
    pnpsim__unlock(src);
    if (oom) {
        rebuild_set_free(sys, rs);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

/* Phase 1 of a load: the interface indexes src's registry describes, built aside for sys.
 * Caller holds no lock. */
NTSTATUS pnpsim__iface_rebuild_prepare(pnpsim_system *sys, pnpsim_system *src,
                                       struct pnpsim__iface_state **out)
{
    rebuild_set rs = {NULL, 0, 0};
    struct pnpsim__iface_state *st;
    NTSTATUS status = collect(src, sys, &rs);
    *out = NULL;
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "no memory to read the interface registrations");
    st = state_new(sys);
    if (st == NULL) {
        rebuild_set_free(sys, &rs);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "no memory for the interface indexes");
    }
    pnpsim__lock(sys);
    for (size_t k = 0; k < rs.n && NT_SUCCESS(status); k++) {
        iface_inst *i;
        bool existed;
        size_t n = pnpsim__iface_build_name(rs.v[k].path, &rs.v[k].guid, rs.v[k].ref,
                                            rs.v[k].ref_chars, NULL, 0);
        if (n > PNPSIM__IFACE_MAX_NAME_CHARS)
            continue;
        status = add_inst(sys, st, rs.v[k].path, &rs.v[k].guid, rs.v[k].ref, rs.v[k].ref_chars,
                          false, &i, &existed);
    }
    pnpsim__unlock(sys);
    rebuild_set_free(sys, &rs);
    if (!NT_SUCCESS(status)) {
        state_free(sys, st, true);
        return pnpsim__status(status, "no memory for the interface indexes");
    }
    *out = st;
    return STATUS_SUCCESS;
}

/* Phase 2: install the prepared indexes (every interface disabled: the enable state is
 * volatile and a saved registry has none). The event queue and its numbering carry over.
 * Cannot fail. Caller holds no lock. */
void pnpsim__iface_rebuild_commit(pnpsim_system *sys, struct pnpsim__iface_state *st)
{
    struct pnpsim__iface_state *old;
    pnpsim__lock(sys);
    old = sys->iface;
    if (old != NULL) {
        st->ev_head = old->ev_head;
        st->ev_tail = old->ev_tail;
        st->ev_count = old->ev_count;
        st->next_event_seq = old->next_event_seq;
        st->generation = old->generation + 1;
        old->ev_head = old->ev_tail = NULL;
        old->ev_count = 0;
    }
    st->boot = sys->boot_count;
    sys->iface = st;
    pnpsim__trace(sys, PNPSIM_TRACE_INTERFACE, NULL, NULL, NULL,
                  "interface registrations loaded: %zu", st->names.n);
    if (old != NULL)
        state_free(sys, old, true);
    pnpsim__unlock(sys);
}

/* Drop prepared indexes that were not committed. */
void pnpsim__iface_rebuild_discard(pnpsim_system *sys, struct pnpsim__iface_state *st)
{
    if (st != NULL)
        state_free(sys, st, true);
}

/* ======================================================================================
 * Look-ups for the WDK routines on interface names (io_iface.c)
 * ==================================================================================== */

static void fill_view(pnpsim_system *sys, iface_inst *i, pnpsim__iface_view *out)
{
    out->name = i->name;
    out->name_chars = i->name_chars;
    out->ref = i->ref_at != 0 ? i->name + i->ref_at : NULL;
    out->ref_chars = i->ref_at != 0 ? i->name_chars - i->ref_at : 0;
    out->class_guid = i->cls->guid;
    out->instance_path = i->dev->path;
    out->enabled = i->enabled;
    out->dn = dev_node(sys, i->dev);
    out->inst = i;
}

NTSTATUS pnpsim__iface_find_locked(pnpsim_system *sys, const WCHAR *name, size_t n,
                                   pnpsim__iface_view *out)
{
    pnpsim__iface_name pn;
    iface_inst *i;
    NTSTATUS status = pnpsim__iface_parse_name(name, n, &pn);
    PNPSIM_ASSERT_LOCKED(sys);
    if (!NT_SUCCESS(status))
        return status;
    i = state_peek(sys) != NULL ? find_inst(sys->iface, pn.body, pn.body_chars) : NULL;
    if (i == NULL) {
        char nm[400];
        trace_name(name, n, nm, sizeof(nm));
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND, "%s is not a registered interface",
                              nm);
    }
    fill_view(sys, i, out);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__iface_alias_locked(pnpsim_system *sys, const pnpsim__iface_view *of,
                                    const GUID *alias_class, pnpsim__iface_view *out)
{
    const iface_inst *src = of->inst;
    PNPSIM_ASSERT_LOCKED(sys);
    /* Same device, same reference string (both none counts), the other class (§6.1). The
     * device's list is short: a scan of it costs what the device has. */
    for (iface_inst *i = src->dev->head; i != NULL; i = i->dev_next) {
        size_t a = i->ref_at != 0 ? i->name_chars - i->ref_at : 0;
        size_t k;
        if (!IsEqualGUID(&i->cls->guid, alias_class) || a != of->ref_chars)
            continue;
        for (k = 0; k < a; k++) {
            if (fold(i->name[i->ref_at + k]) != fold(of->ref[k]))
                break;
        }
        if (k == a) {
            fill_view(sys, i, out);
            return STATUS_SUCCESS;
        }
    }
    return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND,
                          "IoGetDeviceInterfaceAlias: the device has no interface of that class "
                          "with the same reference string");
}

NTSTATUS pnpsim__iface_key_locked(pnpsim_system *sys, const pnpsim__iface_view *v,
                                  pnpsim__regkey **out)
{
    iface_inst *i = v->inst;
    pnpsim__regkey *k;
    PNPSIM_ASSERT_LOCKED(sys);
    /* A registration not written yet is written now (out of memory: nothing changes). */
    if (i->unpersisted && !NT_SUCCESS(pnpsim__iface_materialize_locked(sys)))
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "out of memory writing the interface registration");
    k = inst_key(sys, i);
    if (k == NULL) {
        /* A registry that lost the key (a test deleted it) gets it back. */
        NTSTATUS st = persist_registration(sys, i);
        if (!NT_SUCCESS(st))
            return st;
        k = inst_key(sys, i);
        if (k == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "interface key missing");
    }
    *out = k;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * The device's Enum key (written when the PnP manager identifies a device node)
 * ==================================================================================== */

NTSTATUS pnpsim__iface_enum_key_locked(pnpsim_system *sys, const char *instance_path,
                                       bool hwprofile, pnpsim__regkey **out)
{
    static const WCHAR hwp[] =
        u"\\Registry\\Machine\\System\\CurrentControlSet\\Hardware Profiles\\Current"
        u"\\System\\CurrentControlSet\\Enum";
    static const WCHAR sep = '\\';
    wpath p = {{0}, 0, false};
    PNPSIM_ASSERT_LOCKED(sys);
    if (hwprofile)
        wp_put(&p, hwp, PNPSIM_ARRAY_SIZE(hwp) - 1);
    else
        wp_put(&p, enum_root, PNPSIM_ARRAY_SIZE(enum_root) - 1);
    wp_put(&p, &sep, 1);
    wp_ascii(&p, instance_path);
    if (p.overflow)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "instance path too long");
    return pnpsim__regkey_create(sys, NULL, p.s, p.n, 0, true, out, NULL);
}

/* A NULL-terminated list of UTF-8 strings as REG_MULTI_SZ data (sys allocation). */
static WCHAR *multi_sz_of(pnpsim_system *sys, char *const *list, ULONG *size)
{
    size_t n = 1, at = 0;
    WCHAR *w;
    for (size_t k = 0; list != NULL && list[k] != NULL; k++)
        n += strlen(list[k]) + 1;
    w = pnpsim__malloc(sys, n * sizeof(WCHAR));
    if (w == NULL)
        return NULL;
    for (size_t k = 0; list != NULL && list[k] != NULL; k++) {
        for (const unsigned char *c = (const unsigned char *)list[k]; *c; c++)
            w[at++] = *c;
        w[at++] = 0;
    }
    w[at++] = 0;
    *size = (ULONG)(at * sizeof(WCHAR));
    return w;
}

static void set_sz_utf8(pnpsim_system *sys, pnpsim__regkey *k, const WCHAR *value,
                        const char *s, NTSTATUS *worst)
{
    size_t n;
    WCHAR *w;
    NTSTATUS st;
    if (s == NULL)
        return;
    w = pnpsim__utf8_to_utf16(sys, s, &n);
    st = w != NULL ? pnpsim__regkey_set_value(sys, k, value, pnpsim__wcslen(value),
                                              PNPSIM__REG_SZ, w,
                                              (ULONG)((n + 1) * sizeof(WCHAR)))
                   : STATUS_INSUFFICIENT_RESOURCES;
    pnpsim__free(sys, w);
    if (!NT_SUCCESS(st))
        *worst = st;
}

/* Write dn's Enum key and its parent's ParentIdPrefix (what identification found). Caller
 * holds the lock. */
static void write_enum_locked(pnpsim_system *sys, pnpsim_device *dn)
{
    pnpsim__regkey *ek = NULL, *pk = NULL;
    NTSTATUS st, worst = STATUS_SUCCESS;
    if (dn->instance_path == NULL || dn->instance_path[0] == 0)
        return;
    st = pnpsim__iface_enum_key_locked(sys, dn->instance_path, false, &ek);
    if (NT_SUCCESS(st)) {
        ULONG size = 0;
        WCHAR *w = multi_sz_of(sys, dn->hardware_ids, &size);
        st = w != NULL ? pnpsim__regkey_set_value(sys, ek, u"HardwareID", 10,
                                                  PNPSIM__REG_MULTI_SZ, w, size)
                       : STATUS_INSUFFICIENT_RESOURCES;
        pnpsim__free(sys, w);
        if (!NT_SUCCESS(st))
            worst = st;
        if (dn->compatible_ids != NULL && dn->compatible_ids[0] != NULL) {
            w = multi_sz_of(sys, dn->compatible_ids, &size);
            st = w != NULL ? pnpsim__regkey_set_value(sys, ek, u"CompatibleIDs", 13,
                                                      PNPSIM__REG_MULTI_SZ, w, size)
                           : STATUS_INSUFFICIENT_RESOURCES;
            pnpsim__free(sys, w);
            if (!NT_SUCCESS(st))
                worst = st;
        }
        set_sz_utf8(sys, ek, u"DeviceDesc", dn->description, &worst);
        set_sz_utf8(sys, ek, u"LocationInformation", dn->location, &worst);
        set_sz_utf8(sys, ek, u"ContainerID", dn->container_id, &worst);
    } else {
        worst = st;
    }
    /* The parent's ParentIdPrefix, which made this child's instance ID unique (§1.2, §13
     * items 4-5). */
    if (!dn->caps.UniqueID && dn->parent != NULL && !dn->parent->is_root &&
        dn->parent->parent_id_prefix != NULL && dn->parent->instance_path != NULL) {
        st = pnpsim__iface_enum_key_locked(sys, dn->parent->instance_path, false, &pk);
        if (NT_SUCCESS(st))
            set_sz_utf8(sys, pk, u"ParentIdPrefix", dn->parent->parent_id_prefix, &worst);
        else
            worst = st;
    }
    if (!NT_SUCCESS(worst))
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, NULL, &worst,
                      "could not write the Enum key of %s completely (it is made again on "
                      "IoOpenDeviceRegistryKey)", dn->instance_path);
}

void pnpsim__iface_enum_flush_locked(pnpsim_system *sys, pnpsim_device *dn)
{
    PNPSIM_ASSERT_LOCKED(sys);
    /* Writing walks the registry into Enum, whose gate calls back here: once is enough. */
    if (sys->enum_pending == 0 || sys->enum_flushing)
        return;
    sys->enum_flushing = true;
    if (dn != NULL) {
        if (dn->enum_pending) {
            dn->enum_pending = false;
            sys->enum_pending--;
            if (!sys->final_shutdown)
                write_enum_locked(sys, dn);
        }
    } else {
        for (PLIST_ENTRY e = sys->all_devices.Flink;
             e != &sys->all_devices && sys->enum_pending > 0; e = e->Flink) {
            pnpsim_device *d = CONTAINING_RECORD(e, pnpsim_device, all_link);
            if (!d->enum_pending)
                continue;
            d->enum_pending = false;
            sys->enum_pending--;
            write_enum_locked(sys, d);
        }
    }
    sys->enum_flushing = false;
}

void pnpsim__iface_devnode_identified(pnpsim_device *dn)
{
    pnpsim_system *sys;
    if (dn == NULL)
        return;
    sys = dn->sys;
    pnpsim__lock(sys);
    if (dn->instance_path != NULL && dn->instance_path[0] != 0 && !dn->enum_pending) {
        dn->enum_pending = true;
        sys->enum_pending++;
    }
    pnpsim__unlock(sys);
}

/* ======================================================================================
 * Native inspection API
 * ==================================================================================== */

/* UTF-16 (n chars) as UTF-8 into out (NULL: measure). Returns bytes without the NUL; lone
 * surrogates become U+FFFD. */
static size_t utf8_from_wide(const WCHAR *s, size_t n, char *out)
{
    size_t at = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t cp = s[k];
        unsigned char b[4];
        size_t len;
        if (cp >= 0xD800 && cp <= 0xDBFF && k + 1 < n && s[k + 1] >= 0xDC00 && s[k + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[k + 1] - 0xDC00u);
            k++;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        if (cp < 0x80) {
            b[0] = (unsigned char)cp;
            len = 1;
        } else if (cp < 0x800) {
            b[0] = (unsigned char)(0xC0 | (cp >> 6));
            b[1] = (unsigned char)(0x80 | (cp & 0x3F));
            len = 2;
        } else if (cp < 0x10000) {
            b[0] = (unsigned char)(0xE0 | (cp >> 12));
            b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            b[2] = (unsigned char)(0x80 | (cp & 0x3F));
            len = 3;
        } else {
            b[0] = (unsigned char)(0xF0 | (cp >> 18));
            b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
            b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            b[3] = (unsigned char)(0x80 | (cp & 0x3F));
            len = 4;
        }
        if (out != NULL)
            memcpy(out + at, b, len);
        at += len;
    }
    return at;
}

/* Building a snapshot list: pass 1 measures (items == NULL), pass 2 fills. */
typedef struct snap {
    pnpsim_iface_list *list;
    char *strings;
    size_t count;
    size_t bytes;
} snap;

static const char *snap_str(snap *s, const WCHAR *w, size_t n, bool user_prefix)
{
    size_t len = utf8_from_wide(w, n, NULL) + 1;
    char *p = NULL;
    if (s->list != NULL) {
        p = s->strings + s->bytes;
        utf8_from_wide(w, n, p);
        p[len - 1] = 0;
        if (user_prefix)
            p[1] = '\\';
    }
    s->bytes += len;
    return p;
}

static void snap_add(void *ctx, iface_inst *i)
{
    snap *s = ctx;
    pnpsim_iface_info *it = s->list != NULL ? &s->list->items[s->count] : NULL;
    const char *name = snap_str(s, i->name, i->name_chars, false);
    const char *user = snap_str(s, i->name, i->name_chars, true);
    const char *ref = i->ref_at != 0
                          ? snap_str(s, i->name + i->ref_at, i->name_chars - i->ref_at, false)
                          : NULL;
    size_t pl = strlen(i->dev->path) + 1;
    if (it != NULL) {
        it->name = name;
        it->user_name = user;
        it->class_guid = i->cls->guid;
        it->reference = ref;
        it->instance_path = s->strings + s->bytes;
        memcpy(s->strings + s->bytes, i->dev->path, pl);
        it->enabled = i->enabled;
        it->arrival_pending = i->held_arrival != NULL;
    }
    s->bytes += pl;
    s->count++;
}

/* Snapshot what q selects (or the one instance one) into a single allocation. Caller holds
 * sys->lock. */
static NTSTATUS snapshot_locked(pnpsim_system *sys, const walk_q *q, iface_inst *one,
                                pnpsim_iface_list **out)
{
    snap s = {NULL, NULL, 0, 0};
    size_t head;
    if (one != NULL)
        snap_add(&s, one);
    else
        walk(state_peek(sys), q, snap_add, &s);
    head = sizeof(pnpsim_iface_list) + s.count * sizeof(pnpsim_iface_info);
    s.list = pnpsim__malloc(sys, head + s.bytes);
    if (s.list == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "no memory for the interface list");
    s.list->count = s.count;
    s.list->items = (pnpsim_iface_info *)(s.list + 1);
    s.strings = (char *)s.list + head;
    s.count = 0;
    s.bytes = 0;
    if (one != NULL)
        snap_add(&s, one);
    else
        walk(sys->iface, q, snap_add, &s);
    *out = s.list;
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_iface_list_class(pnpsim_system *sys, const GUID *class_guid,
                                 unsigned int flags, pnpsim_iface_list **out)
{
    walk_q q;
    NTSTATUS status;
    if (out != NULL)
        *out = NULL;
    if (sys == NULL || class_guid == NULL || out == NULL ||
        (flags & ~PNPSIM_IFACE_INCLUDE_DISABLED) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_iface_list_class: NULL argument or unknown flag");
    q.cls = class_guid;
    q.path = NULL;
    q.all = (flags & PNPSIM_IFACE_INCLUDE_DISABLED) != 0;
    pnpsim__lock(sys);
    status = snapshot_locked(sys, &q, NULL, out);
    pnpsim__unlock(sys);
    return status;
}

NTSTATUS pnpsim_iface_list_device(pnpsim_system *sys, const char *instance_path,
                                  pnpsim_iface_list **out)
{
    walk_q q;
    NTSTATUS status;
    if (out != NULL)
        *out = NULL;
    if (sys == NULL || instance_path == NULL || out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_iface_list_device: NULL argument");
    q.cls = NULL;
    q.path = instance_path;
    q.all = true;
    pnpsim__lock(sys);
    status = snapshot_locked(sys, &q, NULL, out);
    pnpsim__unlock(sys);
    return status;
}

NTSTATUS pnpsim_iface_lookup(pnpsim_system *sys, const char *name, pnpsim_iface_list **out)
{
    pnpsim__iface_name pn;
    WCHAR *w;
    size_t n;
    NTSTATUS status;
    iface_inst *i;
    if (out != NULL)
        *out = NULL;
    if (sys == NULL || name == NULL || out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_iface_lookup: NULL argument");
    w = pnpsim__utf8_to_utf16(sys, name, &n);
    if (w == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "pnpsim_iface_lookup: no memory (or invalid UTF-8)");
    status = pnpsim__iface_parse_name(w, n, &pn);
    if (NT_SUCCESS(status)) {
        pnpsim__lock(sys);
        i = state_peek(sys) != NULL ? find_inst(sys->iface, pn.body, pn.body_chars) : NULL;
        if (i == NULL)
            status = pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND,
                                    "pnpsim_iface_lookup: %s is not registered", name);
        else
            status = snapshot_locked(sys, NULL, i, out);
        pnpsim__unlock(sys);
    }
    pnpsim__free(sys, w);
    return status;
}

void pnpsim_iface_list_free(pnpsim_system *sys, pnpsim_iface_list *list)
{
    if (sys != NULL && list != NULL)
        pnpsim__free(sys, list);
}

NTSTATUS pnpsim_iface_events(pnpsim_system *sys, pnpsim_iface_event_list **out)
{
    pnpsim_iface_event_list *l;
    size_t count = 0, wide = 0, narrow = 0, head;
    UNICODE_STRING *us;
    char *wp, *np;
    if (out != NULL)
        *out = NULL;
    if (sys == NULL || out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_iface_events: NULL argument");
    pnpsim__lock(sys);
    for (pnpsim__iface_event *e = pnpsim__iface_events_first_locked(sys); e; e = e->next) {
        count++;
        wide += e->name.MaximumLength;
        narrow += utf8_from_wide(e->name.Buffer, e->name.Length / sizeof(WCHAR), NULL) + 1 +
                  strlen(e->instance_path) + 1;
    }
    /* One block: the list, the items, their UNICODE_STRINGs, the UTF-16 names (even
     * sizes, so each stays aligned), then the UTF-8 strings. */
    head = sizeof(*l) + count * (sizeof(pnpsim_iface_event) + sizeof(UNICODE_STRING));
    l = pnpsim__malloc(sys, head + wide + narrow);
    if (l == NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_iface_events: no memory");
    }
    l->count = count;
    l->items = (pnpsim_iface_event *)(l + 1);
    us = (UNICODE_STRING *)(l->items + count);
    wp = (char *)l + head;
    np = wp + wide;
    count = 0;
    for (pnpsim__iface_event *e = pnpsim__iface_events_first_locked(sys); e; e = e->next) {
        pnpsim_iface_event *it = &l->items[count];
        UNICODE_STRING *u = &us[count++];
        size_t nl;
        memcpy(wp, e->name.Buffer, e->name.MaximumLength);
        u->Buffer = (PWCH)(void *)wp;
        u->Length = e->name.Length;
        u->MaximumLength = e->name.MaximumLength;
        wp += e->name.MaximumLength;
        it->seq = e->seq;
        it->arrival = e->arrival;
        it->notification = e->notification;
        it->notification.SymbolicLinkName = u;
        it->name = np;
        nl = utf8_from_wide(e->name.Buffer, e->name.Length / sizeof(WCHAR), np);
        np[nl] = 0;
        np += nl + 1;
        it->instance_path = np;
        nl = strlen(e->instance_path) + 1;
        memcpy(np, e->instance_path, nl);
        np += nl;
    }
    pnpsim__unlock(sys);
    *out = l;
    return STATUS_SUCCESS;
}

void pnpsim_iface_events_free(pnpsim_system *sys, pnpsim_iface_event_list *list)
{
    if (sys != NULL && list != NULL)
        pnpsim__free(sys, list);
}

void pnpsim_iface_events_clear(pnpsim_system *sys)
{
    struct pnpsim__iface_state *st;
    if (sys == NULL)
        return;
    pnpsim__lock(sys);
    st = sys->iface;
    while (st != NULL && st->ev_head != NULL) {
        pnpsim__iface_event *ev = st->ev_head;
        st->ev_head = ev->next;
        event_free(sys, ev);
    }
    if (st != NULL) {
        st->ev_tail = NULL;
        st->ev_count = 0;
    }
    pnpsim__unlock(sys);
}
