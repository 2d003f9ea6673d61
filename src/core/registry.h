/* SPDX-License-Identifier: MIT */
/*
 * This file declares the internal API of the registry store (registry.c): one in-memory tree
 * of keys per system, rooted at \Registry, that the device-interface manager, the service
 * keys of drivers and the Zw* routines (src/wdk/zw_registry.c) share; and the per-system
 * handle table that gives drivers HANDLEs (registry keys now, other kinds later) which
 * ZwClose validates and closes.
 *
 * Keys: names are case-insensitive and case-preserving (UTF-16); each key has a volatile
 * flag, values (name -> type + bytes), subkeys kept in creation order (enumeration order is
 * creation order; Windows documents it as arbitrary) and a last-write time. Look-ups of a
 * child key or a value by name use a per-key hash table (no list scan).
 *
 * Lock contract: every function here except pnpsim__registry_fini and pnpsim__handle_close
 * is called with sys->lock held (PNPSIM_ASSERT_LOCKED); key pointers returned are borrowed
 * and stay valid until the lock is released or the key is deleted. Every failing function
 * leaves the store exactly as it was (including on STATUS_INSUFFICIENT_RESOURCES).
 */
#ifndef PNPSIM_REGISTRY_INT_H
#define PNPSIM_REGISTRY_INT_H

#include "pnpsim_int.h"

typedef struct pnpsim__registry pnpsim__registry;
typedef struct pnpsim__regkey pnpsim__regkey;

/* Registry value types and key options (the WDK's values; wdm.h defines the same). */
#define PNPSIM__REG_NONE 0
#define PNPSIM__REG_SZ 1
#define PNPSIM__REG_EXPAND_SZ 2
#define PNPSIM__REG_BINARY 3
#define PNPSIM__REG_DWORD 4
#define PNPSIM__REG_MULTI_SZ 7
#define PNPSIM__REG_QWORD 11
#define PNPSIM__REG_OPTION_VOLATILE 0x00000001u
#define PNPSIM__REG_CREATED_NEW_KEY 0x00000001u
#define PNPSIM__REG_OPENED_EXISTING_KEY 0x00000002u

/* Longest key or value name component, in characters (the Windows registry limits). */
#define PNPSIM__REG_MAX_KEY_NAME 255u
#define PNPSIM__REG_MAX_VALUE_NAME 16383u

/* The system's store, created on first use (with \Registry, \Registry\Machine,
 * \Registry\Machine\System, ...\CurrentControlSet\{Control,Enum,Services} and
 * \Registry\User). NULL when out of memory. Caller holds sys->lock. */
pnpsim__registry *pnpsim__registry_get(pnpsim_system *sys);
/* Free the store and the handle table (system destroy). Caller holds no lock. */
void pnpsim__registry_fini(pnpsim_system *sys);
/* A number that changes whenever a key is freed or detached (deleted, volatile keys dropped,
 * registry loaded): a key pointer remembered with it is valid while it is unchanged.
 * 0 when there is no registry. Caller holds sys->lock. */
uint64_t pnpsim__registry_epoch(pnpsim_system *sys);
/* Reboot: delete every volatile key (handles to them then fail with STATUS_KEY_DELETED). */
void pnpsim__registry_drop_volatile(pnpsim_system *sys);

/* ---- keys ---------------------------------------------------------------------------- */
/* Open a key. path (len characters, not necessarily NUL-terminated) is absolute
 * ("\Registry\Machine\...") when base is NULL, else relative to base (no leading '\'; an
 * empty path opens base itself). Statuses: STATUS_OBJECT_PATH_SYNTAX_BAD (absolute path not
 * starting with '\', relative path starting with '\'), STATUS_OBJECT_NAME_INVALID (empty
 * component, component longer than 255 characters), STATUS_OBJECT_NAME_NOT_FOUND (last
 * component missing), STATUS_OBJECT_PATH_NOT_FOUND (an intermediate component missing),
 * STATUS_KEY_DELETED (base was deleted). */
NTSTATUS pnpsim__regkey_open(pnpsim_system *sys, pnpsim__regkey *base, const WCHAR *path,
                             size_t len, pnpsim__regkey **out);
/* Create (or open) a key. options: PNPSIM__REG_OPTION_VOLATILE or 0. With intermediates
 * true, missing intermediate keys are created too (with the same volatility); otherwise a
 * missing parent is STATUS_OBJECT_NAME_NOT_FOUND, as ZwCreateKey. A non-volatile key under a
 * volatile one: STATUS_CHILD_MUST_BE_VOLATILE. An existing key is opened whatever its
 * volatility. *disposition (optional) gets PNPSIM__REG_CREATED_NEW_KEY or
 * PNPSIM__REG_OPENED_EXISTING_KEY. */
NTSTATUS pnpsim__regkey_create(pnpsim_system *sys, pnpsim__regkey *base, const WCHAR *path,
                               size_t len, ULONG options, bool intermediates,
                               pnpsim__regkey **out, ULONG *disposition);
/* Delete a key. Without recursive, a key with subkeys fails with STATUS_CANNOT_DELETE. The
 * predefined keys (\Registry, \Registry\Machine, \Registry\User) cannot be deleted
 * (STATUS_ACCESS_DENIED). Open handles to deleted keys fail with STATUS_KEY_DELETED. */
NTSTATUS pnpsim__regkey_delete(pnpsim_system *sys, pnpsim__regkey *key, bool recursive);

/* The key's own name (not NUL-terminated) and its length in characters. */
const WCHAR *pnpsim__regkey_name(const pnpsim__regkey *key, size_t *len);
/* The full path ("\REGISTRY\MACHINE\...", stored case) as a newly allocated NUL-terminated
 * string (internal allocator; free with pnpsim__free); NULL when out of memory. */
WCHAR *pnpsim__regkey_path(pnpsim_system *sys, const pnpsim__regkey *key, size_t *len);
bool pnpsim__regkey_is_volatile(const pnpsim__regkey *key);
bool pnpsim__regkey_is_deleted(const pnpsim__regkey *key);
/* Last write time (100 ns units since 1601, like KeQuerySystemTime). */
int64_t pnpsim__regkey_last_write(const pnpsim__regkey *key);
ULONG pnpsim__regkey_subkey_count(const pnpsim__regkey *key);
ULONG pnpsim__regkey_value_count(const pnpsim__regkey *key);
/* The index-th subkey in creation order, or NULL past the end. O(1). */
pnpsim__regkey *pnpsim__regkey_subkey_at(const pnpsim__regkey *key, ULONG index);

/* ---- values -------------------------------------------------------------------------- */
/* A value as stored (borrowed; valid until the lock is released or the value changes). */
typedef struct pnpsim__regval_view {
    const WCHAR *name;
    size_t name_len; /* characters */
    ULONG type;
    const void *data;
    ULONG size;      /* bytes */
} pnpsim__regval_view;

/* Set (create or replace) a value. name_len 0 is the key's default value. */
NTSTATUS pnpsim__regkey_set_value(pnpsim_system *sys, pnpsim__regkey *key, const WCHAR *name,
                                  size_t name_len, ULONG type, const void *data, ULONG size);
/* Find a value: STATUS_OBJECT_NAME_NOT_FOUND when absent. */
NTSTATUS pnpsim__regkey_query_value(pnpsim_system *sys, pnpsim__regkey *key, const WCHAR *name,
                                    size_t name_len, pnpsim__regval_view *out);
/* The index-th value in creation order: STATUS_NO_MORE_ENTRIES past the end. */
NTSTATUS pnpsim__regkey_value_at(pnpsim_system *sys, pnpsim__regkey *key, ULONG index,
                                 pnpsim__regval_view *out);
/* Delete a value: STATUS_OBJECT_NAME_NOT_FOUND when absent. */
NTSTATUS pnpsim__regkey_delete_value(pnpsim_system *sys, pnpsim__regkey *key, const WCHAR *name,
                                     size_t name_len);

/* ---- handles ------------------------------------------------------------------------- */
/* Kinds of HANDLE the system gives drivers. Other modules add theirs here. */
enum {
    PNPSIM__HANDLE_KEY = 1,
    PNPSIM__HANDLE_FILE = 2,
    PNPSIM__HANDLE_THREAD = 3,
    PNPSIM__HANDLE_SYMLINK = 4,
    PNPSIM__HANDLE_OTHER = 5
};

/* Called by pnpsim__handle_close (ZwClose) with no lock held, once per handle. */
typedef void (*pnpsim__handle_close_fn)(pnpsim_system *sys, void *obj);

/* Make a handle for obj (kind, granted access). The owner recorded for leak reports is the
 * driver running on this thread (pnpsim__current_driver). Caller holds sys->lock.
 * STATUS_INSUFFICIENT_RESOURCES when the table cannot grow. */
NTSTATUS pnpsim__handle_create(pnpsim_system *sys, int kind, void *obj, ACCESS_MASK access,
                               pnpsim__handle_close_fn close, HANDLE *out);
/* The object of an open handle of that kind (kind 0: any), and its granted access and kind;
 * NULL when h is not an open handle of this system. Caller holds sys->lock. */
void *pnpsim__handle_lookup(pnpsim_system *sys, HANDLE h, int kind, ACCESS_MASK *access,
                            int *kind_out);
/* Close a handle of any kind: STATUS_INVALID_HANDLE when it is not open. Caller holds no
 * lock (the kind's close function runs unlocked). */
NTSTATUS pnpsim__handle_close(pnpsim_system *sys, HANDLE h);
/* Report (trace) every handle owned by drv still open and return how many; called at
 * driver unload. Caller holds no lock. */
size_t pnpsim__registry_check_driver_handles(pnpsim_system *sys, PDRIVER_OBJECT drv);

/* Key handles: a handle holds a reference on its key (a deleted key lives until its last
 * handle closes). */
NTSTATUS pnpsim__regkey_handle_create(pnpsim_system *sys, pnpsim__regkey *key,
                                      ACCESS_MASK access, HANDLE *out);
/* The key of a key handle, checking the handle grants `need` (any bit of need when
 * need_any): STATUS_INVALID_HANDLE (not an open key handle; a handle of another kind is
 * STATUS_OBJECT_TYPE_MISMATCH), STATUS_ACCESS_DENIED, STATUS_KEY_DELETED. */
NTSTATUS pnpsim__regkey_from_handle(pnpsim_system *sys, HANDLE h, ACCESS_MASK need,
                                    pnpsim__regkey **out);

#endif /* PNPSIM_REGISTRY_INT_H */
