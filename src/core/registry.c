/* SPDX-License-Identifier: MIT */
/*
 * This file implements the registry store: one in-memory tree of keys per system (see
 * registry.h for the model and the lock contract), the per-system handle table behind the
 * HANDLEs drivers get from ZwCreateKey/ZwOpenKey (and later from other modules), the native
 * test API of <pnpsim/registry.h>, and saving/loading the persistent (non-volatile) part.
 *
 * Data structures: each key keeps its subkeys and its values in arrays in creation order
 * (enumeration by index is O(1)) plus an open-addressing hash table per array mapping a
 * case-folded name to its index (look-up by name is O(1) expected). Deleting rebuilds the
 * table of that one key in place (no allocation). Every mutation allocates everything it
 * needs first, then links: a failed allocation leaves the store unchanged.
 *
 * Case folding: ASCII and Latin-1 letters (U+00E0..U+00FE except U+00F7) compare equal to
 * their upper case; Windows uses its full Unicode upcase table (divergence for other
 * scripts).
 *
 * Save file format ("pnpsim-registry", version 1), UTF-8/ASCII text, one record per line,
 * lines end with "\n":
 *
 *     pnpsim-registry 1
 *     key <last-write> :<path>
 *     value :<name> <type> <data>
 *     ...
 *     end <keys> <values> <checksum>
 *
 * - Keys are written depth-first, parents before children, subkeys in creation order; only
 *   non-volatile keys (a volatile key's subtree is volatile too). <path> is relative to
 *   \Registry, components separated by '\' (the root itself is the empty path ":").
 *   A key's parent must appear before it.
 * - <last-write> is the key's last-write time in decimal (100 ns units since 1601).
 * - value lines belong to the closest key line above them, in creation order.
 * - Names are escaped per UTF-16 code unit: '!'..'~' except '%' and '\' are written as
 *   themselves, every other code unit as '%' followed by exactly four lower-case hex digits
 *   (so spaces, '%', '\' and non-ASCII text survive, unpaired surrogates included).
 * - <type> is REG_NONE, REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_MULTI_SZ,
 *   REG_QWORD, or '#' and a decimal number for any other type value.
 * - <data> is the raw bytes in lower-case hex (two digits per byte), or '-' when empty.
 * - end: the number of key and value lines, and the FNV-1a 32-bit hash (8 lower-case hex
 *   digits) of every byte of the file before the "end" line. Nothing may follow it.
 * The file is written to "<path>.tmp" and renamed over <path> (pnpsim__file_replace), so a
 * crash leaves either the old or the new file whole. The parser is strict: any damage
 * (wrong magic or version, unknown record, bad escape or hex, unknown type, duplicate key or
 * value, missing parent, missing or wrong end line, trailing data) rejects the whole file
 * with STATUS_FILE_CORRUPT_ERROR (STATUS_REVISION_MISMATCH for another version) and a
 * message naming the line; the file is parsed into a new tree that replaces the store only
 * when everything succeeded.
 */
#include "registry.h"

#include "iface.h"

#include <errno.h>
#include <inttypes.h>

#include "pnpsim/registry.h"

/* Key access rights (the WDK's values). */
#define R_KEY_QUERY_VALUE 0x0001u
#define R_KEY_SET_VALUE 0x0002u
#define R_KEY_CREATE_SUB_KEY 0x0004u
#define R_KEY_ENUMERATE_SUB_KEYS 0x0008u
#define R_KEY_NOTIFY 0x0010u
#define R_KEY_CREATE_LINK 0x0020u
#define R_DELETE 0x00010000u
#define R_READ_CONTROL 0x00020000u
#define R_WRITE_DAC 0x00040000u
#define R_WRITE_OWNER 0x00080000u
#define R_SYNCHRONIZE 0x00100000u
#define R_MAXIMUM_ALLOWED 0x02000000u
#define R_GENERIC_READ 0x80000000u
#define R_GENERIC_WRITE 0x40000000u
#define R_GENERIC_EXECUTE 0x20000000u
#define R_GENERIC_ALL 0x10000000u
#define R_KEY_READ (R_READ_CONTROL | R_KEY_QUERY_VALUE | R_KEY_ENUMERATE_SUB_KEYS | R_KEY_NOTIFY)
#define R_KEY_WRITE (R_READ_CONTROL | R_KEY_SET_VALUE | R_KEY_CREATE_SUB_KEY)
#define R_KEY_ALL_ACCESS                                                                 \
    (R_DELETE | R_READ_CONTROL | R_WRITE_DAC | R_WRITE_OWNER | R_KEY_QUERY_VALUE |       \
     R_KEY_SET_VALUE | R_KEY_CREATE_SUB_KEY | R_KEY_ENUMERATE_SUB_KEYS | R_KEY_NOTIFY |  \
     R_KEY_CREATE_LINK)

/* ======================================================================================
 * Structures
 * ==================================================================================== */
typedef struct regval {
    WCHAR *name;
    size_t name_len;
    uint32_t hash;
    ULONG type;
    ULONG size;
    unsigned char *data;
} regval;

/* Open-addressing table of indexes (+1; 0 = empty) into an array; capacity a power of 2,
 * kept at least twice the entry count. */
typedef struct name_index {
    uint32_t *slot;
    size_t cap;
} name_index;

struct pnpsim__regkey {
    pnpsim__regkey *parent;     /* NULL for \Registry and for deleted keys */
    WCHAR *name;
    size_t name_len;
    uint32_t hash;
    bool is_volatile;
    bool deleted;
    bool predefined;
    bool gate;                  /* ...\CurrentControlSet\Control and \Enum: lazy_gate() */
    unsigned long refs;         /* open handles */
    int64_t last_write;
    pnpsim__regkey **sub;       /* creation order */
    size_t nsub, capsub;
    name_index subidx;
    regval *val;                /* creation order */
    size_t nval, capval;
    name_index validx;
};

typedef struct handle_entry {
    int kind;                   /* 0: free */
    uint8_t gen;
    void *obj;
    ACCESS_MASK access;
    pnpsim__handle_close_fn close;
    PDRIVER_OBJECT owner;
} handle_entry;

struct pnpsim__registry {
    pnpsim__regkey *root;
    handle_entry *handles;
    size_t nhandles, caphandles;
    size_t free_hint;
    uint64_t epoch;             /* changes whenever a key is freed or detached (cached keys) */
};

/* ======================================================================================
 * Names
 * ==================================================================================== */
static WCHAR fold(WCHAR c)
{
    if (c >= 'a' && c <= 'z')
        return (WCHAR)(c - 32);
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return (WCHAR)(c - 32);
    return c;
}

static uint32_t name_hash(const WCHAR *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) {
        WCHAR c = fold(s[i]);
        h = (h ^ (uint32_t)(c & 0xFF)) * 16777619u;
        h = (h ^ (uint32_t)(c >> 8)) * 16777619u;
    }
    return h;
}

static bool name_eq(const WCHAR *a, size_t an, const WCHAR *b, size_t bn)
{
    size_t i;
    if (an != bn)
        return false;
    for (i = 0; i < an; i++)
        if (fold(a[i]) != fold(b[i]))
            return false;
    return true;
}

static WCHAR *wdup(pnpsim_system *sys, const WCHAR *s, size_t n)
{
    WCHAR *p = pnpsim__malloc(sys, (n + 1) * sizeof(WCHAR));
    if (p == NULL)
        return NULL;
    if (n != 0)
        memcpy(p, s, n * sizeof(WCHAR));
    p[n] = 0;
    return p;
}

/* ======================================================================================
 * Name index (shared by subkeys and values)
 * ==================================================================================== */
typedef struct index_ops {
    const WCHAR *(*name)(const void *arr, size_t i, size_t *len, uint32_t *hash);
} index_ops;

static const WCHAR *sub_name(const void *arr, size_t i, size_t *len, uint32_t *hash)
{
    pnpsim__regkey *const *sub = arr;
    *len = sub[i]->name_len;
    *hash = sub[i]->hash;
    return sub[i]->name;
}

static const WCHAR *val_name(const void *arr, size_t i, size_t *len, uint32_t *hash)
{
    const regval *v = arr;
    *len = v[i].name_len;
    *hash = v[i].hash;
    return v[i].name;
}

static const index_ops sub_ops = {sub_name};
static const index_ops val_ops = {val_name};

static void index_put(name_index *ix, uint32_t hash, size_t i)
{
    size_t mask = ix->cap - 1, p = hash & mask;
    if (ix->cap == 0)
        return; /* a small array: searched linearly */
    while (ix->slot[p] != 0)
        p = (p + 1) & mask;
    ix->slot[p] = (uint32_t)(i + 1);
}

/* Index of the entry named (s, n) among the count in arr, or (size_t)-1. */
static size_t index_find(const name_index *ix, const index_ops *ops, const void *arr,
                         size_t count, const WCHAR *s, size_t n)
{
    uint32_t h;
    size_t mask, p;
    if (count == 0)
        return (size_t)-1;
    h = name_hash(s, n);
    if (ix->cap == 0) {
        /* Small arrays (most keys have a few subkeys and values) have no table. */
        for (p = 0; p < count; p++) {
            size_t len;
            uint32_t eh;
            const WCHAR *en = ops->name(arr, p, &len, &eh);
            if (eh == h && name_eq(en, len, s, n))
                return p;
        }
        return (size_t)-1;
    }
    mask = ix->cap - 1;
    for (p = h & mask; ix->slot[p] != 0; p = (p + 1) & mask) {
        size_t i = ix->slot[p] - 1, len;
        uint32_t eh;
        const WCHAR *en = ops->name(arr, i, &len, &eh);
        if (eh == h && name_eq(en, len, s, n))
            return i;
    }
    return (size_t)-1;
}

static void index_rebuild(name_index *ix, const index_ops *ops, const void *arr, size_t count)
{
    size_t i;
    if (ix->cap == 0)
        return;
    memset(ix->slot, 0, ix->cap * sizeof(uint32_t));
    for (i = 0; i < count; i++) {
        size_t len;
        uint32_t h;
        ops->name(arr, i, &len, &h);
        index_put(ix, h, i);
    }
}

/* Make room for one more entry in an array of elem-sized items and its index (allocating
 * before anything changes). Arrays start with room for 2 and get a hash table only past
 * SMALL_ARRAY entries: a registry of a million interfaces is mostly keys with one or two
 * values or subkeys, where a table and spare room would cost more than the entries. */
#define SMALL_ARRAY 8
static bool reserve_one(pnpsim_system *sys, void **arr, size_t *cap, size_t count, size_t elem,
                        name_index *ix, const index_ops *ops)
{
    if (count + 1 > *cap) {
        size_t ncap = *cap ? *cap * 2 : 2;
        void *n = pnpsim__realloc(sys, *arr, ncap * elem);
        if (n == NULL)
            return false;
        *arr = n;
        *cap = ncap;
    }
    if (count + 1 > SMALL_ARRAY && (count + 1) * 2 > ix->cap) {
        size_t ncap = ix->cap ? ix->cap * 2 : 8;
        while (ncap < (count + 1) * 2)
            ncap *= 2; /* the first table comes at SMALL_ARRAY entries */
        uint32_t *slots = pnpsim__calloc(sys, ncap, sizeof(uint32_t));
        if (slots == NULL)
            return false;
        pnpsim__free(sys, ix->slot);
        ix->slot = slots;
        ix->cap = ncap;
        index_rebuild(ix, ops, *arr, count);
    }
    return true;
}

/* ======================================================================================
 * Keys
 * ==================================================================================== */
static int64_t now(void)
{
    return pnpsim__system_time_100ns();
}

static pnpsim__regkey *key_new(pnpsim_system *sys, const WCHAR *name, size_t n, bool vol)
{
    /* The name lives in the same allocation, right after the key. */
    pnpsim__regkey *k = pnpsim__malloc(sys, sizeof(*k) + (n + 1) * sizeof(WCHAR));
    if (k == NULL)
        return NULL;
    memset(k, 0, sizeof(*k));
    k->name = (WCHAR *)(k + 1);
    if (n != 0)
        memcpy(k->name, name, n * sizeof(WCHAR));
    k->name[n] = 0;
    k->name_len = n;
    k->hash = name_hash(name, n);
    k->is_volatile = vol;
    k->last_write = now();
    return k;
}

static void key_free_values(pnpsim_system *sys, pnpsim__regkey *k)
{
    size_t i;
    for (i = 0; i < k->nval; i++) {
        pnpsim__free(sys, k->val[i].name);
        pnpsim__free(sys, k->val[i].data);
    }
    pnpsim__free(sys, k->val);
    pnpsim__free(sys, k->validx.slot);
    k->val = NULL;
    k->nval = k->capval = 0;
    k->validx.slot = NULL;
    k->validx.cap = 0;
}

/* Free a key and (recursively) its subkeys that no handle references; referenced ones are
 * marked deleted and detached (their last handle frees them). */
static void key_free_tree(pnpsim_system *sys, pnpsim__regkey *k)
{
    size_t i;
    for (i = 0; i < k->nsub; i++)
        key_free_tree(sys, k->sub[i]);
    pnpsim__free(sys, k->sub);
    pnpsim__free(sys, k->subidx.slot);
    k->sub = NULL;
    k->nsub = k->capsub = 0;
    k->subidx.slot = NULL;
    k->subidx.cap = 0;
    k->parent = NULL;
    k->deleted = true;
    if (sys->registry != NULL)
        sys->registry->epoch++;
    if (k->refs == 0) {
        key_free_values(sys, k);
        pnpsim__free(sys, k);
    }
}

/* Link child (already sized by reserve_one on parent) as parent's last subkey. */
static void key_link(pnpsim__regkey *parent, pnpsim__regkey *child)
{
    child->parent = parent;
    parent->sub[parent->nsub] = child;
    index_put(&parent->subidx, child->hash, parent->nsub);
    parent->nsub++;
    parent->last_write = now();
}

static void key_unlink(pnpsim__regkey *k)
{
    pnpsim__regkey *p = k->parent;
    size_t i;
    if (p == NULL)
        return;
    for (i = 0; i < p->nsub && p->sub[i] != k; i++)
        ;
    PNPSIM_ASSERT(i < p->nsub);
    memmove(&p->sub[i], &p->sub[i + 1], (p->nsub - i - 1) * sizeof(p->sub[0]));
    p->nsub--;
    index_rebuild(&p->subidx, &sub_ops, p->sub, p->nsub);
    p->last_write = now();
    k->parent = NULL;
}

/* Interface registrations are written to the registry lazily (iface.c, "Lazy persistence"):
 * before a walk passes the Control key (DeviceClasses is under it), before any use of a key
 * handle and before a save, the pending ones are written, so nobody can see the registry
 * without them. Writing may fail for memory: the rest then stays pending. */
static NTSTATUS lazy_gate(pnpsim_system *sys)
{
    if (sys != NULL && sys->enum_pending != 0)
        pnpsim__iface_enum_flush_locked(sys, NULL); /* best effort, as identification was */
    if (sys != NULL && sys->iface != NULL && pnpsim__iface_pending(sys) &&
        !NT_SUCCESS(pnpsim__iface_materialize_locked(sys)))
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "out of memory writing the interface registrations");
    return STATUS_SUCCESS;
}

static pnpsim__regkey *key_child(const pnpsim__regkey *k, const WCHAR *s, size_t n)
{
    size_t i = index_find(&k->subidx, &sub_ops, k->sub, k->nsub, s, n);
    return i == (size_t)-1 ? NULL : k->sub[i];
}

static const WCHAR reg_registry[] = {'R', 'E', 'G', 'I', 'S', 'T', 'R', 'Y'};

/* Predefined keys, as paths relative to \Registry ('\'-separated, NUL-terminated). */
static const char *const predefined_paths[] = {
    "MACHINE", "MACHINE\\SYSTEM", "MACHINE\\SYSTEM\\CurrentControlSet",
    "MACHINE\\SYSTEM\\CurrentControlSet\\Control", "MACHINE\\SYSTEM\\CurrentControlSet\\Enum",
    "MACHINE\\SYSTEM\\CurrentControlSet\\Services", "USER"};

/* The predefined keys that cannot be deleted: \Registry, Machine, User. */
static bool undeletable(const pnpsim__regkey *k)
{
    return k->predefined;
}

/* Create the predefined keys missing under root. false on OOM (root may then hold some of
 * them: the caller frees root). */
static bool ensure_predefined(pnpsim_system *sys, pnpsim__regkey *root)
{
    size_t i;
    root->predefined = true;
    for (i = 0; i < PNPSIM_ARRAY_SIZE(predefined_paths); i++) {
        const char *p = predefined_paths[i];
        pnpsim__regkey *k = root;
        while (*p != 0) {
            WCHAR comp[64];
            size_t n = 0;
            pnpsim__regkey *c;
            while (*p != 0 && *p != '\\')
                comp[n++] = (WCHAR)(unsigned char)*p++;
            if (*p == '\\')
                p++;
            c = key_child(k, comp, n);
            if (c == NULL) {
                c = key_new(sys, comp, n, false);
                if (c == NULL)
                    return false;
                if (!reserve_one(sys, (void **)&k->sub, &k->capsub, k->nsub, sizeof(k->sub[0]),
                                 &k->subidx, &sub_ops)) {
                    key_free_tree(sys, c);
                    return false;
                }
                key_link(k, c);
            }
            k = c;
        }
        if (strcmp(predefined_paths[i], "MACHINE\\SYSTEM\\CurrentControlSet\\Control") == 0 ||
            strcmp(predefined_paths[i], "MACHINE\\SYSTEM\\CurrentControlSet\\Enum") == 0)
            k->gate = true;
        /* \Registry\Machine and \Registry\User themselves cannot be deleted. */
        if (strchr(predefined_paths[i], '\\') == NULL)
            k->predefined = true;
    }
    return true;
}

static pnpsim__regkey *new_root(pnpsim_system *sys)
{
    pnpsim__regkey *root = key_new(sys, reg_registry, PNPSIM_ARRAY_SIZE(reg_registry), false);
    if (root == NULL)
        return NULL;
    if (!ensure_predefined(sys, root)) {
        key_free_tree(sys, root);
        return NULL;
    }
    return root;
}

pnpsim__registry *pnpsim__registry_get(pnpsim_system *sys)
{
    pnpsim__registry *r;
    if (sys->registry != NULL)
        return sys->registry;
    r = pnpsim__calloc(sys, 1, sizeof(*r));
    if (r == NULL)
        return NULL;
    r->root = new_root(sys);
    if (r->root == NULL) {
        pnpsim__free(sys, r);
        return NULL;
    }
    r->epoch = 1;
    sys->registry = r;
    return r;
}

uint64_t pnpsim__registry_epoch(pnpsim_system *sys)
{
    return sys->registry != NULL ? sys->registry->epoch : 0;
}

void pnpsim__registry_fini(pnpsim_system *sys)
{
    pnpsim__registry *r = sys->registry;
    size_t i;
    if (r == NULL)
        return;
    /* Drop the handles' references first so the tree walk frees every key; deleted keys
     * still held only by handles are freed as their last reference goes. */
    for (i = 0; i < r->nhandles; i++) {
        handle_entry *e = &r->handles[i];
        if (e->kind == PNPSIM__HANDLE_KEY) {
            pnpsim__regkey *k = e->obj;
            if (--k->refs == 0 && k->deleted) {
                key_free_values(sys, k);
                        pnpsim__free(sys, k);
            }
        }
        e->kind = 0;
    }
    key_free_tree(sys, r->root);
    pnpsim__free(sys, r->handles);
    pnpsim__free(sys, r);
    sys->registry = NULL;
}

/* Delete every volatile key under k (volatile keys only have volatile subkeys). */
static void drop_volatile_under(pnpsim_system *sys, pnpsim__regkey *k)
{
    size_t i = 0;
    while (i < k->nsub) {
        pnpsim__regkey *c = k->sub[i];
        if (c->is_volatile) {
            key_unlink(c);
            key_free_tree(sys, c);
        } else {
            drop_volatile_under(sys, c);
            i++;
        }
    }
}

void pnpsim__registry_drop_volatile(pnpsim_system *sys)
{
    PNPSIM_ASSERT_LOCKED(sys);
    if (sys->registry != NULL)
        drop_volatile_under(sys, sys->registry->root);
}

/* ---- path parsing -------------------------------------------------------------------- */
typedef struct path_walk {
    const WCHAR *p;
    size_t left;
} path_walk;

/* Next component into (*s, *n); false at the end. Returns STATUS_OBJECT_NAME_INVALID for
 * an empty or too long component through *bad. */
static bool next_comp(path_walk *w, const WCHAR **s, size_t *n, NTSTATUS *bad)
{
    size_t i = 0;
    if (w->left == 0)
        return false;
    while (i < w->left && w->p[i] != '\\')
        i++;
    *s = w->p;
    *n = i;
    if (i == 0 || i > PNPSIM__REG_MAX_KEY_NAME)
        *bad = pnpsim__status(STATUS_OBJECT_NAME_INVALID,
                              "registry path has an empty or over-long (>255) component");
    if (i < w->left) {
        w->p += i + 1;
        w->left -= i + 1;
        if (w->left == 0) /* trailing '\' */
            *bad = pnpsim__status(STATUS_OBJECT_NAME_INVALID,
                                  "registry path ends with '\\'");
    } else {
        w->p += i;
        w->left = 0;
    }
    return true;
}

/* Resolve the start of a walk: base or \Registry. */
static NTSTATUS walk_start(pnpsim_system *sys, pnpsim__regkey *base, const WCHAR *path,
                           size_t len, pnpsim__regkey **start, path_walk *w)
{
    pnpsim__registry *r = pnpsim__registry_get(sys);
    if (r == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory for the registry");
    if (len != 0 && path == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "registry path buffer is NULL");
    if (base != NULL) {
        if (base->deleted)
            return pnpsim__status(STATUS_KEY_DELETED, "the base key was deleted");
        if (len != 0 && path[0] == '\\')
            return pnpsim__status(STATUS_OBJECT_PATH_SYNTAX_BAD,
                                  "relative registry path starts with '\\'");
        *start = base;
        w->p = path;
        w->left = len;
        return STATUS_SUCCESS;
    }
    if (len == 0 || path[0] != '\\')
        return pnpsim__status(STATUS_OBJECT_PATH_SYNTAX_BAD,
                              "absolute registry path must start with '\\'");
    w->p = path + 1;
    w->left = len - 1;
    {
        const WCHAR *s;
        size_t n;
        NTSTATUS bad = STATUS_SUCCESS;
        if (!next_comp(w, &s, &n, &bad))
            return pnpsim__status(STATUS_OBJECT_NAME_INVALID, "registry path is just '\\'");
        if (bad != STATUS_SUCCESS)
            return bad;
        if (!name_eq(s, n, reg_registry, PNPSIM_ARRAY_SIZE(reg_registry)))
            return pnpsim__status(w->left == 0 ? STATUS_OBJECT_NAME_NOT_FOUND
                                               : STATUS_OBJECT_PATH_NOT_FOUND,
                                  "registry paths start with \\Registry");
    }
    *start = r->root;
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__regkey_open(pnpsim_system *sys, pnpsim__regkey *base, const WCHAR *path,
                             size_t len, pnpsim__regkey **out)
{
    pnpsim__regkey *k;
    path_walk w;
    const WCHAR *s;
    size_t n;
    NTSTATUS st, bad = STATUS_SUCCESS;
    PNPSIM_ASSERT_LOCKED(sys);
    st = walk_start(sys, base, path, len, &k, &w);
    if (st != STATUS_SUCCESS)
        return st;
    while (next_comp(&w, &s, &n, &bad)) {
        pnpsim__regkey *c;
        if (bad != STATUS_SUCCESS)
            return bad;
        if (k->gate && (st = lazy_gate(sys)) != STATUS_SUCCESS)
            return st;
        c = key_child(k, s, n);
        if (c == NULL) {
            char buf[128];
            pnpsim__utf16_to_utf8_buf(s, n, buf, sizeof(buf));
            return pnpsim__status(w.left == 0 ? STATUS_OBJECT_NAME_NOT_FOUND
                                              : STATUS_OBJECT_PATH_NOT_FOUND,
                                  "registry key \"%s\" not found", buf);
        }
        k = c;
    }
    *out = k;
    return STATUS_SUCCESS;
}

/* pnpsim__regkey_create; *top_new gets the topmost key created (NULL if none). */
static NTSTATUS create_impl(pnpsim_system *sys, pnpsim__regkey *base, const WCHAR *path,
                            size_t len, ULONG options, bool intermediates, pnpsim__regkey **out,
                            ULONG *disposition, pnpsim__regkey **top_new)
{
    pnpsim__regkey *k, *chain = NULL, *tail = NULL, *attach;
    path_walk w, rest;
    const WCHAR *s;
    size_t n;
    bool vol = (options & PNPSIM__REG_OPTION_VOLATILE) != 0;
    NTSTATUS st, bad = STATUS_SUCCESS;
    PNPSIM_ASSERT_LOCKED(sys);
    *top_new = NULL;
    st = walk_start(sys, base, path, len, &k, &w);
    if (st != STATUS_SUCCESS)
        return st;
    /* Walk what exists. */
    for (;;) {
        path_walk before = w;
        pnpsim__regkey *c;
        if (!next_comp(&w, &s, &n, &bad)) {
            /* everything exists */
            *out = k;
            if (disposition != NULL)
                *disposition = PNPSIM__REG_OPENED_EXISTING_KEY;
            return STATUS_SUCCESS;
        }
        if (bad != STATUS_SUCCESS)
            return bad;
        if (k->gate && (st = lazy_gate(sys)) != STATUS_SUCCESS)
            return st;
        c = key_child(k, s, n);
        if (c == NULL) {
            rest = before;
            break;
        }
        k = c;
    }
    if (w.left != 0 && !intermediates)
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND,
                              "the parent of the registry key to create does not exist");
    /* Check the remaining components before allocating anything. */
    {
        path_walk chk = rest;
        while (next_comp(&chk, &s, &n, &bad))
            if (bad != STATUS_SUCCESS)
                return bad;
    }
    if (k->is_volatile && !vol)
        return pnpsim__status(STATUS_CHILD_MUST_BE_VOLATILE,
                              "a non-volatile key cannot be created under a volatile key");
    /* Allocate the new chain (each new key with room for its one child). */
    attach = k;
    while (next_comp(&rest, &s, &n, &bad)) {
        pnpsim__regkey *c = key_new(sys, s, n, vol);
        if (c == NULL)
            goto oom;
        if (tail == NULL) {
            chain = c;
        } else {
            if (!reserve_one(sys, (void **)&tail->sub, &tail->capsub, 0, sizeof(tail->sub[0]),
                             &tail->subidx, &sub_ops)) {
                key_free_tree(sys, c);
                goto oom;
            }
            key_link(tail, c);
        }
        tail = c;
    }
    if (!reserve_one(sys, (void **)&attach->sub, &attach->capsub, attach->nsub,
                     sizeof(attach->sub[0]), &attach->subidx, &sub_ops))
        goto oom;
    key_link(attach, chain);
    *top_new = chain;
    *out = tail;
    if (disposition != NULL)
        *disposition = PNPSIM__REG_CREATED_NEW_KEY;
    return STATUS_SUCCESS;
oom:
    if (chain != NULL)
        key_free_tree(sys, chain);
    return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory creating a registry key");
}

NTSTATUS pnpsim__regkey_create(pnpsim_system *sys, pnpsim__regkey *base, const WCHAR *path,
                               size_t len, ULONG options, bool intermediates,
                               pnpsim__regkey **out, ULONG *disposition)
{
    pnpsim__regkey *top;
    return create_impl(sys, base, path, len, options, intermediates, out, disposition, &top);
}

static bool subtree_has_predefined(const pnpsim__regkey *k)
{
    size_t i;
    if (undeletable(k))
        return true;
    for (i = 0; i < k->nsub; i++)
        if (subtree_has_predefined(k->sub[i]))
            return true;
    return false;
}

NTSTATUS pnpsim__regkey_delete(pnpsim_system *sys, pnpsim__regkey *key, bool recursive)
{
    PNPSIM_ASSERT_LOCKED(sys);
    if (key->deleted)
        return pnpsim__status(STATUS_KEY_DELETED, "the registry key was already deleted");
    if (key->nsub != 0 && !recursive)
        return pnpsim__status(STATUS_CANNOT_DELETE, "the registry key has subkeys");
    if (subtree_has_predefined(key))
        return pnpsim__status(STATUS_ACCESS_DENIED,
                              "\\Registry, \\Registry\\Machine and \\Registry\\User cannot be "
                              "deleted");
    key_unlink(key);
    key_free_tree(sys, key);
    return STATUS_SUCCESS;
}

const WCHAR *pnpsim__regkey_name(const pnpsim__regkey *key, size_t *len)
{
    *len = key->name_len;
    return key->name;
}

WCHAR *pnpsim__regkey_path(pnpsim_system *sys, const pnpsim__regkey *key, size_t *len)
{
    const pnpsim__regkey *k;
    size_t total = 0, pos;
    WCHAR *p;
    for (k = key; k != NULL; k = k->parent)
        total += 1 + k->name_len;
    p = pnpsim__malloc(sys, (total + 1) * sizeof(WCHAR));
    if (p == NULL)
        return NULL;
    pos = total;
    p[total] = 0;
    for (k = key; k != NULL; k = k->parent) {
        pos -= k->name_len;
        memcpy(p + pos, k->name, k->name_len * sizeof(WCHAR));
        p[--pos] = '\\';
    }
    if (len != NULL)
        *len = total;
    return p;
}

bool pnpsim__regkey_is_volatile(const pnpsim__regkey *key)
{
    return key->is_volatile;
}

bool pnpsim__regkey_is_deleted(const pnpsim__regkey *key)
{
    return key->deleted;
}

int64_t pnpsim__regkey_last_write(const pnpsim__regkey *key)
{
    return key->last_write;
}

ULONG pnpsim__regkey_subkey_count(const pnpsim__regkey *key)
{
    return (ULONG)key->nsub;
}

ULONG pnpsim__regkey_value_count(const pnpsim__regkey *key)
{
    return (ULONG)key->nval;
}

pnpsim__regkey *pnpsim__regkey_subkey_at(const pnpsim__regkey *key, ULONG index)
{
    return index < key->nsub ? key->sub[index] : NULL;
}

/* ======================================================================================
 * Values
 * ==================================================================================== */
static void view_of(const regval *v, pnpsim__regval_view *out)
{
    out->name = v->name;
    out->name_len = v->name_len;
    out->type = v->type;
    out->data = v->data;
    out->size = v->size;
}

NTSTATUS pnpsim__regkey_set_value(pnpsim_system *sys, pnpsim__regkey *key, const WCHAR *name,
                                  size_t name_len, ULONG type, const void *data, ULONG size)
{
    size_t i;
    unsigned char *copy = NULL;
    PNPSIM_ASSERT_LOCKED(sys);
    if (key->deleted)
        return pnpsim__status(STATUS_KEY_DELETED, "the registry key was deleted");
    if (name_len > PNPSIM__REG_MAX_VALUE_NAME)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "registry value name too long");
    if (size != 0 && data == NULL)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "registry value data is NULL");
    i = index_find(&key->validx, &val_ops, key->val, key->nval, name, name_len);
    if (i != (size_t)-1 && size != 0 && key->val[i].size == size) {
        /* Same size (a DWORD flag flipping): overwrite in place, nothing to allocate. */
        memmove(key->val[i].data, data, size);
        key->val[i].type = type;
        key->last_write = now();
        return STATUS_SUCCESS;
    }
    if (size != 0) {
        copy = pnpsim__malloc(sys, size);
        if (copy == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory for a value");
        memcpy(copy, data, size);
    }
    if (i != (size_t)-1) {
        pnpsim__free(sys, key->val[i].data);
        key->val[i].data = copy;
        key->val[i].size = size;
        key->val[i].type = type;
    } else {
        regval *v;
        WCHAR *nm = wdup(sys, name, name_len);
        if (nm == NULL ||
            !reserve_one(sys, (void **)&key->val, &key->capval, key->nval, sizeof(regval),
                         &key->validx, &val_ops)) {
            pnpsim__free(sys, nm);
            pnpsim__free(sys, copy);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory for a value");
        }
        v = &key->val[key->nval];
        v->name = nm;
        v->name_len = name_len;
        v->hash = name_hash(name, name_len);
        v->type = type;
        v->size = size;
        v->data = copy;
        index_put(&key->validx, v->hash, key->nval);
        key->nval++;
    }
    key->last_write = now();
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__regkey_query_value(pnpsim_system *sys, pnpsim__regkey *key, const WCHAR *name,
                                    size_t name_len, pnpsim__regval_view *out)
{
    size_t i;
    PNPSIM_ASSERT_LOCKED(sys);
    if (key->deleted)
        return pnpsim__status(STATUS_KEY_DELETED, "the registry key was deleted");
    i = index_find(&key->validx, &val_ops, key->val, key->nval, name, name_len);
    if (i == (size_t)-1) {
        char buf[128];
        pnpsim__utf16_to_utf8_buf(name, name_len, buf, sizeof(buf));
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND, "registry value \"%s\" not found",
                              buf);
    }
    view_of(&key->val[i], out);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__regkey_value_at(pnpsim_system *sys, pnpsim__regkey *key, ULONG index,
                                 pnpsim__regval_view *out)
{
    PNPSIM_ASSERT_LOCKED(sys);
    if (key->deleted)
        return pnpsim__status(STATUS_KEY_DELETED, "the registry key was deleted");
    if (index >= key->nval)
        return STATUS_NO_MORE_ENTRIES;
    view_of(&key->val[index], out);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim__regkey_delete_value(pnpsim_system *sys, pnpsim__regkey *key, const WCHAR *name,
                                     size_t name_len)
{
    size_t i;
    PNPSIM_ASSERT_LOCKED(sys);
    if (key->deleted)
        return pnpsim__status(STATUS_KEY_DELETED, "the registry key was deleted");
    i = index_find(&key->validx, &val_ops, key->val, key->nval, name, name_len);
    if (i == (size_t)-1)
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND, "registry value not found");
    pnpsim__free(sys, key->val[i].name);
    pnpsim__free(sys, key->val[i].data);
    memmove(&key->val[i], &key->val[i + 1], (key->nval - i - 1) * sizeof(regval));
    key->nval--;
    index_rebuild(&key->validx, &val_ops, key->val, key->nval);
    key->last_write = now();
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Handles
 * ==================================================================================== */
/* Handle values: bit 31 set (kernel handles are "negative" on Windows), an 8-bit
 * generation in bits 23..30 (a closed handle's value is not valid again for 255 reuses of
 * its slot), slot + 1 in bits 2..22 (low two bits clear, as Windows handles). */
#define HANDLE_SLOTS_MAX 0x1FFFFFu

static HANDLE handle_value(size_t slot, uint8_t gen)
{
    ULONG_PTR v = 0x80000000u | ((ULONG_PTR)(gen & 0xFF) << 23) | ((ULONG_PTR)(slot + 1) << 2);
    return (HANDLE)v;
}

static handle_entry *handle_entry_of(pnpsim__registry *r, HANDLE h, size_t *slot_out)
{
    ULONG_PTR v = (ULONG_PTR)h;
    size_t slot;
    handle_entry *e;
    if (r == NULL || (v & 0x80000003u) != 0x80000000u ||
        (v & ~(ULONG_PTR)0xFFFFFFFFu) != 0)
        return NULL;
    slot = (size_t)((v >> 2) & HANDLE_SLOTS_MAX);
    if (slot == 0 || slot > r->nhandles)
        return NULL;
    slot--;
    e = &r->handles[slot];
    if (e->kind == 0 || e->gen != (uint8_t)((v >> 23) & 0xFF))
        return NULL;
    if (slot_out != NULL)
        *slot_out = slot;
    return e;
}

NTSTATUS pnpsim__handle_create(pnpsim_system *sys, int kind, void *obj, ACCESS_MASK access,
                               pnpsim__handle_close_fn close, HANDLE *out)
{
    pnpsim__registry *r = pnpsim__registry_get(sys);
    size_t slot;
    handle_entry *e;
    PNPSIM_ASSERT_LOCKED(sys);
    if (r == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory for the registry");
    for (slot = r->free_hint; slot < r->nhandles && r->handles[slot].kind != 0; slot++)
        ;
    if (slot == r->nhandles) {
        if (r->nhandles == r->caphandles) {
            size_t ncap = r->caphandles ? r->caphandles * 2 : 16;
            handle_entry *n;
            if (ncap > HANDLE_SLOTS_MAX)
                return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "handle table is full");
            n = pnpsim__realloc(sys, r->handles, ncap * sizeof(*n));
            if (n == NULL)
                return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                      "out of memory for a handle");
            r->handles = n;
            r->caphandles = ncap;
        }
        memset(&r->handles[r->nhandles], 0, sizeof(handle_entry));
        r->nhandles++;
    }
    e = &r->handles[slot];
    e->kind = kind;
    e->gen = (uint8_t)(e->gen + 1);
    e->obj = obj;
    e->access = access;
    e->close = close;
    e->owner = pnpsim__current_driver();
    r->free_hint = slot + 1;
    *out = handle_value(slot, e->gen);
    return STATUS_SUCCESS;
}

void *pnpsim__handle_lookup(pnpsim_system *sys, HANDLE h, int kind, ACCESS_MASK *access,
                            int *kind_out)
{
    handle_entry *e;
    PNPSIM_ASSERT_LOCKED(sys);
    e = handle_entry_of(sys->registry, h, NULL);
    if (e == NULL || (kind != 0 && e->kind != kind))
        return NULL;
    if (access != NULL)
        *access = e->access;
    if (kind_out != NULL)
        *kind_out = e->kind;
    return e->obj;
}

NTSTATUS pnpsim__handle_close(pnpsim_system *sys, HANDLE h)
{
    handle_entry *e;
    size_t slot;
    pnpsim__handle_close_fn close;
    void *obj;
    PNPSIM_ASSERT_UNLOCKED(sys);
    pnpsim__lock(sys);
    e = handle_entry_of(sys->registry, h, &slot);
    if (e == NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INVALID_HANDLE, "%p is not an open handle", h);
    }
    close = e->close;
    obj = e->obj;
    e->kind = 0;
    e->obj = NULL;
    if (slot < sys->registry->free_hint)
        sys->registry->free_hint = slot;
    pnpsim__unlock(sys);
    if (close != NULL)
        close(sys, obj);
    return STATUS_SUCCESS;
}

size_t pnpsim__registry_check_driver_handles(pnpsim_system *sys, PDRIVER_OBJECT drv)
{
    size_t i, count = 0;
    pnpsim__registry *r;
    static const char *const kinds[] = {"?", "key", "file", "thread", "symbolic link",
                                        "object"};
    pnpsim__lock(sys);
    r = sys->registry;
    for (i = 0; r != NULL && i < r->nhandles; i++) {
        handle_entry *e = &r->handles[i];
        if (e->kind != 0 && e->owner == drv) {
            char path[256] = "";
            if (e->kind == PNPSIM__HANDLE_KEY) {
                pnpsim__regkey *k = e->obj;
                WCHAR *p = pnpsim__regkey_path(sys, k, NULL);
                if (p != NULL) {
                    pnpsim__utf16_to_utf8_buf(p, pnpsim__wcslen(p), path, sizeof(path));
                    pnpsim__free(sys, p);
                }
            }
            count++;
            pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, drv, NULL,
                          "leaked %s handle %p %s (opened and never closed with ZwClose)",
                          kinds[e->kind > 0 && e->kind <= 5 ? e->kind : 0],
                          handle_value(i, e->gen), path);
        }
    }
    pnpsim__unlock(sys);
    return count;
}

/* ---- key handles --------------------------------------------------------------------- */
static void key_handle_close(pnpsim_system *sys, void *obj)
{
    pnpsim__regkey *k = obj;
    pnpsim__lock(sys);
    PNPSIM_ASSERT(k->refs > 0);
    if (--k->refs == 0 && k->deleted) {
        key_free_values(sys, k);
        pnpsim__free(sys, k);
    }
    pnpsim__unlock(sys);
}

static ACCESS_MASK map_key_access(ACCESS_MASK a)
{
    if (a & R_GENERIC_READ)
        a |= R_KEY_READ;
    if (a & R_GENERIC_WRITE)
        a |= R_KEY_WRITE;
    if (a & R_GENERIC_EXECUTE)
        a |= R_KEY_READ;
    if (a & (R_GENERIC_ALL | R_MAXIMUM_ALLOWED))
        a |= R_KEY_ALL_ACCESS;
    return a & ~(ACCESS_MASK)(R_GENERIC_READ | R_GENERIC_WRITE | R_GENERIC_EXECUTE |
                              R_GENERIC_ALL | R_MAXIMUM_ALLOWED);
}

NTSTATUS pnpsim__regkey_handle_create(pnpsim_system *sys, pnpsim__regkey *key,
                                      ACCESS_MASK access, HANDLE *out)
{
    NTSTATUS st = pnpsim__handle_create(sys, PNPSIM__HANDLE_KEY, key, map_key_access(access),
                                        key_handle_close, out);
    if (st == STATUS_SUCCESS)
        key->refs++;
    return st;
}

NTSTATUS pnpsim__regkey_from_handle(pnpsim_system *sys, HANDLE h, ACCESS_MASK need,
                                    pnpsim__regkey **out)
{
    ACCESS_MASK granted;
    int kind;
    NTSTATUS st;
    pnpsim__regkey *k = pnpsim__handle_lookup(sys, h, 0, &granted, &kind);
    if (k == NULL)
        return pnpsim__status(STATUS_INVALID_HANDLE, "%p is not an open handle", h);
    if (kind != PNPSIM__HANDLE_KEY)
        return pnpsim__status(STATUS_OBJECT_TYPE_MISMATCH, "%p is not a registry key handle",
                              h);
    if ((granted & need) != need)
        return pnpsim__status(STATUS_ACCESS_DENIED,
                              "key handle %p was opened without access 0x%lx", h,
                              (unsigned long)need);
    if (k->deleted)
        return pnpsim__status(STATUS_KEY_DELETED, "the registry key of %p was deleted", h);
    st = lazy_gate(sys); /* the handle may be on DeviceClasses or below */
    if (st != STATUS_SUCCESS)
        return st;
    *out = k;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Save / load
 * ==================================================================================== */
typedef struct sbuf {
    pnpsim_system *sys;
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        char *np;
        while (b->len + n + 1 > ncap)
            ncap *= 2;
        np = pnpsim__realloc(b->sys, b->p, ncap);
        if (np == NULL) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_name(sbuf *b, const WCHAR *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        WCHAR c = s[i];
        if (c >= '!' && c <= '~' && c != '%' && c != '\\') {
            char ch = (char)c;
            sb_put(b, &ch, 1);
        } else {
            char tmp[8];
            snprintf(tmp, sizeof(tmp), "%%%04x", (unsigned)c);
            sb_put(b, tmp, 5);
        }
    }
}

static const struct {
    ULONG type;
    const char *name;
} type_names[] = {{PNPSIM__REG_NONE, "REG_NONE"},           {PNPSIM__REG_SZ, "REG_SZ"},
                  {PNPSIM__REG_EXPAND_SZ, "REG_EXPAND_SZ"}, {PNPSIM__REG_BINARY, "REG_BINARY"},
                  {PNPSIM__REG_DWORD, "REG_DWORD"},         {PNPSIM__REG_MULTI_SZ, "REG_MULTI_SZ"},
                  {PNPSIM__REG_QWORD, "REG_QWORD"}};

static void write_key(sbuf *b, const pnpsim__regkey *k, const pnpsim__regkey *root,
                      unsigned long *nkeys, unsigned long *nvals)
{
    const pnpsim__regkey *chain[512];
    size_t depth = 0, i;
    char tmp[64];
    if (k->is_volatile)
        return;
    for (const pnpsim__regkey *p = k; p != root && depth < PNPSIM_ARRAY_SIZE(chain);
         p = p->parent)
        chain[depth++] = p;
    snprintf(tmp, sizeof(tmp), "key %" PRId64 " :", k->last_write);
    sb_str(b, tmp);
    for (i = depth; i > 0; i--) {
        sb_name(b, chain[i - 1]->name, chain[i - 1]->name_len);
        if (i > 1)
            sb_put(b, "\\", 1);
    }
    sb_put(b, "\n", 1);
    (*nkeys)++;
    for (i = 0; i < k->nval; i++) {
        const regval *v = &k->val[i];
        size_t t, j;
        sb_str(b, "value :");
        sb_name(b, v->name, v->name_len);
        for (t = 0; t < PNPSIM_ARRAY_SIZE(type_names) && type_names[t].type != v->type; t++)
            ;
        if (t < PNPSIM_ARRAY_SIZE(type_names))
            snprintf(tmp, sizeof(tmp), " %s ", type_names[t].name);
        else
            snprintf(tmp, sizeof(tmp), " #%lu ", (unsigned long)v->type);
        sb_str(b, tmp);
        if (v->size == 0)
            sb_put(b, "-", 1);
        for (j = 0; j < v->size; j++) {
            snprintf(tmp, sizeof(tmp), "%02x", v->data[j]);
            sb_put(b, tmp, 2);
        }
        sb_put(b, "\n", 1);
        (*nvals)++;
    }
    for (i = 0; i < k->nsub; i++)
        write_key(b, k->sub[i], root, nkeys, nvals);
}

static uint32_t fnv1a(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

/* Serialize the persistent part (caller holds the lock). */
static NTSTATUS serialize(pnpsim_system *sys, sbuf *b)
{
    pnpsim__registry *r = pnpsim__registry_get(sys);
    unsigned long nkeys = 0, nvals = 0;
    char tmp[96];
    if (r == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory for the registry");
    if (!NT_SUCCESS(lazy_gate(sys)))
        return STATUS_INSUFFICIENT_RESOURCES;
    sb_str(b, "pnpsim-registry 1\n");
    write_key(b, r->root, r->root, &nkeys, &nvals);
    snprintf(tmp, sizeof(tmp), "end %lu %lu %08lx\n", nkeys, nvals,
             (unsigned long)(b->oom ? 0 : fnv1a(b->p, b->len)));
    sb_str(b, tmp);
    if (b->oom)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory saving the registry");
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_registry_save(pnpsim_system *sys, const char *path)
{
    sbuf b = {sys, NULL, 0, 0, false};
    NTSTATUS st;
    char *tmp_path;
    FILE *f;
    size_t plen;
    bool ok;
    if (sys == NULL || path == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_registry_save: NULL argument");
    pnpsim__lock(sys);
    st = serialize(sys, &b);
    pnpsim__unlock(sys);
    if (st != STATUS_SUCCESS) {
        pnpsim__free(sys, b.p);
        return st;
    }
    plen = strlen(path);
    tmp_path = pnpsim__malloc(sys, plen + 5);
    if (tmp_path == NULL) {
        pnpsim__free(sys, b.p);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory saving the registry");
    }
    memcpy(tmp_path, path, plen);
    memcpy(tmp_path + plen, ".tmp", 5);
    f = pnpsim__fault_write(sys, "create") ? NULL : fopen(tmp_path, "wb"); /* fault.h */
    if (f == NULL) {
        st = pnpsim__status(STATUS_OBJECT_PATH_NOT_FOUND, "cannot create %s: %s", tmp_path,
                            strerror(errno));
    } else {
        ok = fwrite(b.p, 1, b.len / 2, f) == b.len / 2 && !pnpsim__fault_write(sys, "write") &&
             fwrite(b.p + b.len / 2, 1, b.len - b.len / 2, f) == b.len - b.len / 2 &&
             !pnpsim__fault_write(sys, "write the rest"); /* fault.h: interrupted writes */
        ok = (fflush(f) == 0) && !pnpsim__fault_write(sys, "flush") && ok;
        ok = (fclose(f) == 0) && ok;
        if (!ok) {
            remove(tmp_path);
            st = pnpsim__status(STATUS_DISK_FULL, "cannot write %s", tmp_path);
        } else if (pnpsim__fault_write(sys, "replace") || !pnpsim__file_replace(tmp_path, path)) {
            remove(tmp_path);
            st = pnpsim__status(STATUS_ACCESS_DENIED, "cannot rename %s over %s", tmp_path, path);
        }
    }
    pnpsim__free(sys, tmp_path);
    pnpsim__free(sys, b.p);
    return st;
}

/* ---- parser -------------------------------------------------------------------------- */
typedef struct parser {
    pnpsim_system *sys;
    const char *path;
    unsigned long line;
    WCHAR *name;            /* scratch for decoded names */
    size_t name_cap;
} parser;

#define CORRUPT(ps, ...) corrupt(ps, __VA_ARGS__)

static NTSTATUS corrupt(parser *ps, const char *what, ...) PNPSIM_PRINTF(2, 3);
static NTSTATUS corrupt(parser *ps, const char *what, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, what);
    vsnprintf(msg, sizeof(msg), what, ap);
    va_end(ap);
    return pnpsim__status(STATUS_FILE_CORRUPT_ERROR, "%s line %lu: %s", ps->path, ps->line, msg);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode an escaped name token [s, e) into ps->name; *n gets the length. */
static NTSTATUS decode_name(parser *ps, const char *s, const char *e, bool key_path, size_t *n)
{
    size_t need = (size_t)(e - s) + 1, len = 0;
    if (need > ps->name_cap) {
        WCHAR *nn = pnpsim__realloc(ps->sys, ps->name, need * sizeof(WCHAR));
        if (nn == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory loading");
        ps->name = nn;
        ps->name_cap = need;
    }
    while (s < e) {
        if (*s == '%') {
            int d[4], i;
            if (e - s < 5)
                return CORRUPT(ps, "truncated %% escape");
            for (i = 0; i < 4; i++)
                if ((d[i] = hexval(s[1 + i])) < 0)
                    return CORRUPT(ps, "bad %% escape");
            ps->name[len++] = (WCHAR)((d[0] << 12) | (d[1] << 8) | (d[2] << 4) | d[3]);
            s += 5;
        } else if (*s == '\\' && key_path) {
            ps->name[len++] = '\\';
            s++;
        } else if (*s >= '!' && *s <= '~' && *s != '\\') {
            ps->name[len++] = (WCHAR)*s++;
        } else {
            return CORRUPT(ps, "character 0x%02x must be escaped", (unsigned char)*s);
        }
    }
    *n = len;
    return STATUS_SUCCESS;
}

static bool parse_ulong(const char *s, const char *e, unsigned long *out)
{
    unsigned long v = 0;
    if (s == e || e - s > 10)
        return false;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (v > (0xFFFFFFFFul - (unsigned long)(*s - '0')) / 10)
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    *out = v;
    return true;
}

static bool parse_i64(const char *s, const char *e, int64_t *out)
{
    int64_t v = 0;
    if (s == e || e - s > 18)
        return false;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return true;
}

/* Split [s, e) at the first space: token [s, *te), rest after it. */
static const char *token(const char *s, const char *e, const char **te)
{
    const char *p = s;
    while (p < e && *p != ' ')
        p++;
    *te = p;
    return p < e ? p + 1 : p;
}

static NTSTATUS parse_key_line(parser *ps, pnpsim__regkey *root, const char *s, const char *e,
                               bool cur_is_set, pnpsim__regkey **cur)
{
    const char *te, *rest = token(s, e, &te);
    int64_t lw;
    size_t n, i, start;
    pnpsim__regkey *k = root;
    NTSTATUS st;
    if (!parse_i64(s, te, &lw) || rest >= e || *rest != ':')
        return CORRUPT(ps, "bad key line");
    st = decode_name(ps, rest + 1, e, true, &n);
    if (st != STATUS_SUCCESS)
        return st;
    if (n == 0) {
        if (cur_is_set)
            return CORRUPT(ps, "duplicate root key (the root key must come first, once)");
        root->last_write = lw;
        *cur = root;
        return STATUS_SUCCESS;
    }
    /* Walk to the parent; the last component must be new. */
    start = 0;
    for (i = 0; i <= n; i++) {
        if (i == n || ps->name[i] == '\\') {
            size_t len = i - start;
            pnpsim__regkey *c;
            if (len == 0 || len > PNPSIM__REG_MAX_KEY_NAME)
                return CORRUPT(ps, "empty or over-long key name component");
            c = key_child(k, ps->name + start, len);
            if (i == n) {
                if (c != NULL)
                    return CORRUPT(ps, "duplicate key");
                c = key_new(ps->sys, ps->name + start, len, false);
                if (c == NULL ||
                    !reserve_one(ps->sys, (void **)&k->sub, &k->capsub, k->nsub,
                                 sizeof(k->sub[0]), &k->subidx, &sub_ops)) {
                    if (c != NULL)
                        key_free_tree(ps->sys, c);
                    return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory loading");
                }
                {
                    int64_t parent_lw = k->last_write; /* linking touches the parent */
                    key_link(k, c);
                    k->last_write = parent_lw;
                }
                c->last_write = lw;
                *cur = c;
                return STATUS_SUCCESS;
            }
            if (c == NULL)
                return CORRUPT(ps, "key's parent was not defined before it");
            k = c;
            start = i + 1;
        }
    }
    return CORRUPT(ps, "bad key line");
}

static NTSTATUS parse_value_line(parser *ps, pnpsim__regkey *cur, const char *s, const char *e)
{
    const char *te, *rest, *tt, *data;
    size_t n, t, dn, i;
    ULONG type = 0;
    unsigned char *bytes = NULL;
    int64_t lw;
    NTSTATUS st;
    if (cur == NULL)
        return CORRUPT(ps, "value before any key");
    if (s >= e || *s != ':')
        return CORRUPT(ps, "bad value line");
    rest = token(s, e, &te);
    st = decode_name(ps, s + 1, te, false, &n);
    if (st != STATUS_SUCCESS)
        return st;
    if (index_find(&cur->validx, &val_ops, cur->val, cur->nval, ps->name, n) != (size_t)-1)
        return CORRUPT(ps, "duplicate value");
    data = token(rest, e, &tt);
    for (t = 0; t < PNPSIM_ARRAY_SIZE(type_names); t++)
        if ((size_t)(tt - rest) == strlen(type_names[t].name) &&
            memcmp(rest, type_names[t].name, (size_t)(tt - rest)) == 0)
            break;
    if (t < PNPSIM_ARRAY_SIZE(type_names)) {
        type = type_names[t].type;
    } else {
        unsigned long tv;
        if (tt - rest < 2 || *rest != '#' || !parse_ulong(rest + 1, tt, &tv))
            return CORRUPT(ps, "unknown value type");
        type = (ULONG)tv;
    }
    if (data >= e && tt >= e)
        return CORRUPT(ps, "value data missing");
    dn = (size_t)(e - data);
    if (dn == 1 && *data == '-') {
        dn = 0;
    } else {
        if (dn == 0 || dn % 2 != 0)
            return CORRUPT(ps, "bad hex data");
        dn /= 2;
        bytes = pnpsim__malloc(ps->sys, dn);
        if (bytes == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory loading");
        for (i = 0; i < dn; i++) {
            int hi = hexval(data[2 * i]), lo = hexval(data[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                pnpsim__free(ps->sys, bytes);
                return CORRUPT(ps, "bad hex data");
            }
            bytes[i] = (unsigned char)(hi << 4 | lo);
        }
    }
    lw = cur->last_write;
    st = pnpsim__regkey_set_value(ps->sys, cur, ps->name, n, type, bytes, (ULONG)dn);
    cur->last_write = lw;
    pnpsim__free(ps->sys, bytes);
    return st;
}

/* Parse the whole file text into a new root. */
static NTSTATUS parse(parser *ps, const char *text, size_t len, pnpsim__regkey **out)
{
    pnpsim__regkey *root, *cur = NULL;
    const char *p = text, *end = text + len;
    unsigned long nkeys = 0, nvals = 0;
    bool seen_root = false;
    NTSTATUS st = STATUS_SUCCESS;
    root = key_new(ps->sys, reg_registry, PNPSIM_ARRAY_SIZE(reg_registry), false);
    if (root == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory loading");
    ps->line = 0;
    for (;;) {
        const char *nl, *le, *te, *rest;
        ps->line++;
        if (p >= end) {
            st = CORRUPT(ps, "unexpected end of file (no end line: truncated?)");
            break;
        }
        nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL) {
            st = CORRUPT(ps, "line not terminated (truncated?)");
            break;
        }
        le = nl;
        if (ps->line == 1) {
            unsigned long ver;
            static const char magic[] = "pnpsim-registry ";
            if ((size_t)(le - p) <= sizeof(magic) - 1 || memcmp(p, magic, sizeof(magic) - 1) != 0) {
                st = CORRUPT(ps, "not a pnpsim registry file");
                break;
            }
            if (!parse_ulong(p + sizeof(magic) - 1, le, &ver)) {
                st = CORRUPT(ps, "bad version");
                break;
            }
            if (ver != 1) {
                st = pnpsim__status(STATUS_REVISION_MISMATCH,
                                    "%s line 1: registry file version %lu (this build reads 1)",
                                    ps->path, ver);
                break;
            }
            p = nl + 1;
            continue;
        }
        rest = token(p, le, &te);
        if (te - p == 3 && memcmp(p, "key", 3) == 0) {
            if (!seen_root && !(le - rest >= 2 && le[-1] == ':' && le[-2] == ' ')) {
                st = CORRUPT(ps, "the first key must be the root (\":\")");
                break;
            }
            st = parse_key_line(ps, root, rest, le, seen_root, &cur);
            seen_root = true;
            nkeys++;
        } else if (te - p == 5 && memcmp(p, "value", 5) == 0) {
            st = parse_value_line(ps, cur, rest, le);
            nvals++;
        } else if (te - p == 3 && memcmp(p, "end", 3) == 0) {
            const char *t1e, *t2e, *t3e, *r2, *r3;
            unsigned long k, v, sum;
            int i;
            r2 = token(rest, le, &t1e);
            r3 = token(r2, le, &t2e);
            token(r3, le, &t3e);
            if (!parse_ulong(rest, t1e, &k) || !parse_ulong(r2, t2e, &v) || t3e != le ||
                le - r3 != 8) {
                st = CORRUPT(ps, "bad end line");
                break;
            }
            sum = 0;
            for (i = 0; i < 8; i++) {
                int d = hexval(r3[i]);
                if (d < 0)
                    break;
                sum = sum << 4 | (unsigned long)d;
            }
            if (i < 8) {
                st = CORRUPT(ps, "bad checksum");
                break;
            }
            if (k != nkeys || v != nvals) {
                st = CORRUPT(ps, "end line counts %lu keys and %lu values, file has %lu and %lu",
                             k, v, nkeys, nvals);
                break;
            }
            if (sum != fnv1a(text, (size_t)(p - text))) {
                st = CORRUPT(ps, "checksum mismatch (file damaged)");
                break;
            }
            if (nl + 1 != end) {
                ps->line++;
                st = CORRUPT(ps, "data after the end line");
                break;
            }
            if (!seen_root) {
                st = CORRUPT(ps, "no root key");
                break;
            }
            break;
        } else {
            st = CORRUPT(ps, "unknown record");
        }
        if (st != STATUS_SUCCESS)
            break;
        p = nl + 1;
    }
    if (st == STATUS_SUCCESS && !ensure_predefined(ps->sys, root))
        st = pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory loading");
    if (st != STATUS_SUCCESS) {
        key_free_tree(ps->sys, root);
        return st;
    }
    *out = root;
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_registry_load(pnpsim_system *sys, const char *path)
{
    FILE *f;
    char *text = NULL;
    size_t len = 0, cap = 0;
    parser ps;
    pnpsim__regkey *root = NULL;
    pnpsim__registry *r;
    NTSTATUS st;
    if (sys == NULL || path == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_registry_load: NULL argument");
    f = fopen(path, "rb");
    if (f == NULL)
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND, "cannot open %s: %s", path,
                              strerror(errno));
    for (;;) {
        size_t got;
        if (len + 4096 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *n = pnpsim__realloc(sys, text, ncap);
            if (n == NULL) {
                fclose(f);
                pnpsim__free(sys, text);
                return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory loading");
            }
            text = n;
            cap = ncap;
        }
        got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fclose(f);
        pnpsim__free(sys, text);
        return pnpsim__status(STATUS_FILE_CORRUPT_ERROR, "cannot read %s", path);
    }
    fclose(f);
    memset(&ps, 0, sizeof(ps));
    ps.sys = sys;
    ps.path = path;
    pnpsim__lock(sys);
    st = parse(&ps, text, len, &root);
    pnpsim__free(sys, ps.name);
    pnpsim__free(sys, text);
    if (st != STATUS_SUCCESS) {
        pnpsim__unlock(sys);
        return st;
    }
    r = pnpsim__registry_get(sys);
    if (r == NULL) {
        pnpsim__unlock(sys);
        key_free_tree(sys, root);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory for the registry");
    }
    /* Swap: the old tree goes (handles to it now see STATUS_KEY_DELETED), with the
     * interface registrations written to it (as if they had been written eagerly). */
    lazy_gate(sys);
    r->root->predefined = false;
    key_free_tree(sys, r->root);
    r->root = root;
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Native API (UTF-8)
 * ==================================================================================== */
/* Convert and resolve an absolute UTF-8 path; the caller holds the lock. */
static NTSTATUS native_key(pnpsim_system *sys, const char *key_path, bool create,
                           pnpsim__regkey **out)
{
    size_t n;
    WCHAR *w;
    NTSTATUS st;
    if (key_path == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "registry key path is NULL");
    w = pnpsim__utf8_to_utf16(sys, key_path, &n);
    if (w == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory (or bad UTF-8)");
    st = create ? pnpsim__regkey_create(sys, NULL, w, n, 0, true, out, NULL)
                : pnpsim__regkey_open(sys, NULL, w, n, out);
    pnpsim__free(sys, w);
    return st;
}

static NTSTATUS native_set(pnpsim_system *sys, const char *key_path, const char *value_name,
                           ULONG type, const void *data, size_t size)
{
    pnpsim__regkey *k;
    WCHAR *vn = NULL;
    size_t vlen = 0;
    NTSTATUS st;
    if (sys == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "sys is NULL");
    if (size > 0xFFFFFFFFu)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "registry value too large");
    pnpsim__lock(sys);
    if (value_name != NULL && (vn = pnpsim__utf8_to_utf16(sys, value_name, &vlen)) == NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory (or bad UTF-8)");
    }
    /* Create the key only when the value can be set too: a chain of keys created here is
     * removed again if setting the value fails. */
    if (key_path == NULL) {
        st = pnpsim__status(STATUS_INVALID_PARAMETER, "registry key path is NULL");
    } else {
        size_t n;
        WCHAR *w = pnpsim__utf8_to_utf16(sys, key_path, &n);
        pnpsim__regkey *top = NULL;
        if (w == NULL) {
            st = pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory (or bad UTF-8)");
        } else {
            st = create_impl(sys, NULL, w, n, 0, true, &k, NULL, &top);
            pnpsim__free(sys, w);
            if (st == STATUS_SUCCESS) {
                st = pnpsim__regkey_set_value(sys, k, vn, vlen, type, data, (ULONG)size);
                if (st != STATUS_SUCCESS && top != NULL) {
                    key_unlink(top);
                    key_free_tree(sys, top);
                }
            }
        }
    }
    pnpsim__free(sys, vn);
    pnpsim__unlock(sys);
    return st;
}

NTSTATUS pnpsim_registry_set_value(pnpsim_system *sys, const char *key_path,
                                   const char *value_name, ULONG type, const void *data,
                                   size_t size)
{
    return native_set(sys, key_path, value_name, type, data, size);
}

NTSTATUS pnpsim_registry_set_string(pnpsim_system *sys, const char *key_path,
                                    const char *value_name, const char *value)
{
    WCHAR *w;
    size_t n;
    NTSTATUS st;
    if (sys == NULL || value == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "NULL argument");
    w = pnpsim__utf8_to_utf16(sys, value, &n);
    if (w == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory (or bad UTF-8)");
    st = native_set(sys, key_path, value_name, PNPSIM__REG_SZ, w, (n + 1) * sizeof(WCHAR));
    pnpsim__free(sys, w);
    return st;
}

NTSTATUS pnpsim_registry_set_dword(pnpsim_system *sys, const char *key_path,
                                   const char *value_name, uint32_t value)
{
    ULONG v = value;
    return native_set(sys, key_path, value_name, PNPSIM__REG_DWORD, &v, sizeof(v));
}

static NTSTATUS native_get(pnpsim_system *sys, const char *key_path, const char *value_name,
                           pnpsim__regkey **k, pnpsim__regval_view *v)
{
    WCHAR *vn = NULL;
    size_t vlen = 0;
    NTSTATUS st;
    if (value_name != NULL && (vn = pnpsim__utf8_to_utf16(sys, value_name, &vlen)) == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory (or bad UTF-8)");
    st = native_key(sys, key_path, false, k);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_query_value(sys, *k, vn, vlen, v);
    pnpsim__free(sys, vn);
    return st;
}

NTSTATUS pnpsim_registry_get_string(pnpsim_system *sys, const char *key_path,
                                    const char *value_name, char *buf, size_t buf_size,
                                    size_t *needed)
{
    pnpsim__regkey *k;
    pnpsim__regval_view v;
    NTSTATUS st;
    char *u;
    size_t chars, ulen;
    if (sys == NULL || (buf == NULL && buf_size != 0))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "NULL argument");
    pnpsim__lock(sys);
    st = native_get(sys, key_path, value_name, &k, &v);
    if (st == STATUS_SUCCESS && v.type != PNPSIM__REG_SZ && v.type != PNPSIM__REG_EXPAND_SZ)
        st = pnpsim__status(STATUS_OBJECT_TYPE_MISMATCH, "value is not REG_SZ/REG_EXPAND_SZ");
    if (st != STATUS_SUCCESS) {
        pnpsim__unlock(sys);
        return st;
    }
    chars = v.size / sizeof(WCHAR);
    {
        const WCHAR *w = v.data;
        size_t i;
        for (i = 0; i < chars && w[i] != 0; i++)
            ;
        chars = i;
        u = pnpsim__utf16_to_utf8(sys, w, chars);
    }
    pnpsim__unlock(sys);
    if (u == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory");
    ulen = strlen(u);
    if (needed != NULL)
        *needed = ulen + 1;
    if (buf_size < ulen + 1) {
        pnpsim__free(sys, u);
        return pnpsim__status(STATUS_BUFFER_TOO_SMALL, "string needs %zu bytes", ulen + 1);
    }
    memcpy(buf, u, ulen + 1);
    pnpsim__free(sys, u);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_registry_get_dword(pnpsim_system *sys, const char *key_path,
                                   const char *value_name, uint32_t *value)
{
    pnpsim__regkey *k;
    pnpsim__regval_view v;
    NTSTATUS st;
    if (sys == NULL || value == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "NULL argument");
    pnpsim__lock(sys);
    st = native_get(sys, key_path, value_name, &k, &v);
    if (st == STATUS_SUCCESS && (v.type != PNPSIM__REG_DWORD || v.size != sizeof(ULONG)))
        st = pnpsim__status(STATUS_OBJECT_TYPE_MISMATCH, "value is not a REG_DWORD");
    if (st == STATUS_SUCCESS)
        memcpy(value, v.data, sizeof(ULONG));
    pnpsim__unlock(sys);
    return st;
}

bool pnpsim_registry_key_exists(pnpsim_system *sys, const char *key_path)
{
    pnpsim__regkey *k;
    NTSTATUS st;
    if (sys == NULL)
        return false;
    pnpsim__lock(sys);
    st = native_key(sys, key_path, false, &k);
    pnpsim__unlock(sys);
    return st == STATUS_SUCCESS;
}

NTSTATUS pnpsim_registry_create_key(pnpsim_system *sys, const char *key_path, bool is_volatile)
{
    pnpsim__regkey *k;
    size_t n;
    WCHAR *w;
    NTSTATUS st;
    if (sys == NULL || key_path == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "NULL argument");
    pnpsim__lock(sys);
    w = pnpsim__utf8_to_utf16(sys, key_path, &n);
    if (w == NULL) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "out of memory (or bad UTF-8)");
    }
    st = pnpsim__regkey_create(sys, NULL, w, n, is_volatile ? PNPSIM__REG_OPTION_VOLATILE : 0,
                               true, &k, NULL);
    pnpsim__free(sys, w);
    pnpsim__unlock(sys);
    return st;
}

NTSTATUS pnpsim_registry_delete_key(pnpsim_system *sys, const char *key_path)
{
    pnpsim__regkey *k;
    NTSTATUS st;
    if (sys == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "sys is NULL");
    pnpsim__lock(sys);
    st = native_key(sys, key_path, false, &k);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_delete(sys, k, true);
    pnpsim__unlock(sys);
    return st;
}
