/* SPDX-License-Identifier: MIT */
/*
 * This file declares the device interface manager's internal API (iface.c): the table of
 * registered interface instances with its three hash indexes (name, class, device), the
 * enable/disable state machine, the queue of interface change events, and the hooks the PnP
 * manager calls as devices start, go away, are uninstalled and as the system reboots.
 *
 * Everything here takes sys->lock itself unless its name ends in _locked. No function here
 * calls driver code.
 */
#ifndef PNPSIM_CORE_IFACE_H
#define PNPSIM_CORE_IFACE_H

#include "pnpsim_int.h"
#include "registry.h"

/* The longest interface name, in characters: UNICODE_STRING.Length is a USHORT counting
 * bytes, and the returned string also carries its NUL within MaximumLength. */
#define PNPSIM__IFACE_MAX_NAME_CHARS 32766u

/* Pool tag of the buffers the interface routines hand to drivers ("PnPi"). */
#define PNPSIM__IFACE_POOL_TAG 0x69506E50u

/* ---- names ---------------------------------------------------------------------------- */

/* A parsed interface name (no allocation: pointers into the caller's buffer). */
typedef struct pnpsim__iface_name {
    const WCHAR *body;   /* what follows the 4-character prefix */
    size_t body_chars;
    GUID class_guid;     /* the GUID in the name */
    const WCHAR *ref;    /* reference string (after its '\'), or NULL */
    size_t ref_chars;
    bool user_form;      /* "\\?\" rather than "\??\" */
} pnpsim__iface_name;

/* Parse a kernel- or user-form name of n characters, never reading past s[n-1] (windows-
 * semantics.md §4.2): prefix "\??\" or "\\?\"; the reference string starts at the first '\'
 * after the prefix; the 38 characters before it (or before the end) are a braced GUID; at
 * least one character precedes the GUID. STATUS_SUCCESS or STATUS_INVALID_PARAMETER (out,
 * which must not be NULL, is then unspecified). */
NTSTATUS pnpsim__iface_parse_name(const WCHAR *s, size_t n, pnpsim__iface_name *out);

/* Build the kernel-form name "\??\<path with '\' -> '#'>#{guid}[\<ref>]" into buf (cap
 * characters, NUL added when it fits). Returns the length in characters without the NUL
 * (the needed size is that + 1). buf may be NULL to measure. */
size_t pnpsim__iface_build_name(const char *instance_path, const GUID *class_guid,
                                const WCHAR *ref, size_t ref_chars, WCHAR *buf, size_t cap);

/* ---- registration and state ------------------------------------------------------------ */

/* Register (dn's instance path, class, ref). ref NULL or ref_chars 0: no reference string.
 * STATUS_SUCCESS (new), STATUS_OBJECT_NAME_EXISTS (already registered: nothing changes but
 * the device record's live device node), STATUS_INSUFFICIENT_RESOURCES (nothing registered),
 * STATUS_INVALID_PARAMETER (the name would be longer than PNPSIM__IFACE_MAX_NAME_CHARS).
 * On success the registered name (the stored one: an earlier registration's spelling when
 * it exists) is copied into name_out, which has room for name_cap characters: the length
 * pnpsim__iface_build_name() measures plus its NUL. The caller validated everything else
 * (ref has no separators, dn is a known PDO's node). Caller holds no lock. */
NTSTATUS pnpsim__iface_register(pnpsim_system *sys, pnpsim_device *dn, const GUID *class_guid,
                                const WCHAR *ref, size_t ref_chars, PDRIVER_OBJECT caller,
                                WCHAR *name_out, size_t name_cap);

/* IoSetDeviceInterfaceState's core: parse name (n chars), find it, apply the state table of
 * windows-semantics.md §4.1. Statuses: SUCCESS, OBJECT_NAME_EXISTS, OBJECT_NAME_NOT_FOUND,
 * INVALID_PARAMETER (malformed name), INSUFFICIENT_RESOURCES (enable only; state unchanged). */
NTSTATUS pnpsim__iface_set_state(pnpsim_system *sys, const WCHAR *name, size_t n, bool enable,
                                 PDRIVER_OBJECT caller);

/* IoGetDeviceInterfaces' core: a pool MULTI_SZ (owned by owner) of the kernel-form names of
 * class's interfaces, all or enabled only, of one device (instance_path non-NULL) or of
 * all. *out_chars receives the buffer's length in characters (with both final NULs).
 * STATUS_SUCCESS or STATUS_INSUFFICIENT_RESOURCES. Caller holds no lock. */
NTSTATUS pnpsim__iface_get_list(pnpsim_system *sys, const GUID *class_guid,
                                const char *instance_path, bool include_nonactive,
                                PDRIVER_OBJECT owner, WCHAR **out, size_t *out_chars);

/* An enabled interface's "symbolic link": the device node (live, may be NULL if the device
 * is not present) and the reference string (UTF-16, borrowed until the lock is released)
 * that opening name resolves to. STATUS_OBJECT_NAME_NOT_FOUND when the name is not an
 * enabled interface; STATUS_INVALID_PARAMETER when malformed. Caller holds sys->lock. */
NTSTATUS pnpsim__iface_resolve_link_locked(pnpsim_system *sys, const WCHAR *name, size_t n,
                                           pnpsim_device **dn, const WCHAR **ref,
                                           size_t *ref_chars);

/* ---- events --------------------------------------------------------------------------- */

/* One queued interface change event with the exact notification record Windows hands to
 * EventCategoryDeviceInterfaceChange callbacks. The record and its name live as long as
 * the event (its memory is one internal allocation). */
typedef struct pnpsim__iface_event {
    struct pnpsim__iface_event *next;
    unsigned long long seq;                   /* 1, 2, ... per system */
    bool arrival;
    DEVICE_INTERFACE_CHANGE_NOTIFICATION notification; /* SymbolicLinkName -> &name */
    UNICODE_STRING name;                      /* kernel form, NUL-terminated */
    char *instance_path;                      /* the owner device (UTF-8, in this block) */
    void *notify_rec;                         /* notify.c's record for its delivery,
                                               * allocated with the event (so publishing
                                               * never allocates); taken when published */
    size_t notify_rec_size;
} pnpsim__iface_event;

/* The queued events, oldest first (borrowed; caller holds sys->lock). The notification
 * module (issue 4) consumes them from here. */
pnpsim__iface_event *pnpsim__iface_events_first_locked(pnpsim_system *sys);

/* ---- lifecycle hooks (called by the PnP manager, src/core/pnp.c; caller holds no lock) -- */

/* dn finished IRP_MN_START_DEVICE: publish the arrivals held back for its interfaces. */
void pnpsim__iface_device_started(pnpsim_device *dn);
/* dn was surprise-removed or removed: the PnP manager disables every still-enabled
 * interface of the device (windows-semantics.md §1.3). */
void pnpsim__iface_device_gone(pnpsim_device *dn);
/* The system rebooted: enable state is volatile and resets; registrations stay. */
void pnpsim__iface_reboot(pnpsim_system *sys);
/* The device was uninstalled: its registrations go. */
void pnpsim__iface_device_uninstalled(pnpsim_system *sys, const char *instance_path);
/* System destroy: free everything. */
void pnpsim__iface_fini(pnpsim_system *sys);
/* Registrations are written to the registry lazily (iface.c, "Lazy persistence"): whether
 * some are not written yet, and write them (STATUS_INSUFFICIENT_RESOURCES leaves the rest
 * pending). registry.c calls these before anyone can see DeviceClasses. Caller holds
 * sys->lock. */
bool pnpsim__iface_pending(pnpsim_system *sys);
NTSTATUS pnpsim__iface_materialize_locked(pnpsim_system *sys);

/* ---- registry-backed look-ups for the WDK routines (src/wdk/io_iface.c) ---------------- */

/* A registered interface as the WDK routines see it: pointers borrowed until sys->lock is
 * released. */
typedef struct pnpsim__iface_view {
    const WCHAR *name;          /* kernel form, stored spelling, NUL-terminated */
    size_t name_chars;
    const WCHAR *ref;           /* reference string, or NULL */
    size_t ref_chars;
    GUID class_guid;
    const char *instance_path;  /* the owner device */
    bool enabled;
    pnpsim_device *dn;          /* the live device node, or NULL when not present */
    void *inst;                 /* iface.c's record */
} pnpsim__iface_view;

/* Find name (n chars, either prefix, any case): STATUS_INVALID_PARAMETER (malformed),
 * STATUS_OBJECT_NAME_NOT_FOUND (not registered). Caller holds sys->lock. */
NTSTATUS pnpsim__iface_find_locked(pnpsim_system *sys, const WCHAR *name, size_t n,
                                   pnpsim__iface_view *out);
/* The alias of *of in alias_class: same device, same reference string (windows-
 * semantics.md §6.1). STATUS_OBJECT_NAME_NOT_FOUND when there is none. Caller holds the
 * lock. */
NTSTATUS pnpsim__iface_alias_locked(pnpsim_system *sys, const pnpsim__iface_view *of,
                                    const GUID *alias_class, pnpsim__iface_view *out);
/* The interface's instance key DeviceClasses\{guid}\##?#...\#ref (written again if a test
 * deleted it). Caller holds the lock. */
NTSTATUS pnpsim__iface_key_locked(pnpsim_system *sys, const pnpsim__iface_view *v,
                                  pnpsim__regkey **out);
/* The device's hardware key ...\CurrentControlSet\Enum\<instance path> (or the one under
 * Hardware Profiles\Current), created with its parents when missing (non-volatile).
 * Caller holds the lock. */
NTSTATUS pnpsim__iface_enum_key_locked(pnpsim_system *sys, const char *instance_path,
                                       bool hwprofile, pnpsim__regkey **out);

/* ---- hooks of the device node code and of persistence (src/core/persist.c) ------------ */

/* The PnP manager identified dn (pnpsim__devnode_identify): its Enum key (HardwareID,
 * CompatibleIDs, DeviceDesc, LocationInformation, ContainerID) and, when its ID is not
 * unique, its parent's ParentIdPrefix value are to be written. The writing is lazy, like
 * the interface registrations': dn is marked pending and the keys are written, in the order
 * the devices were created, by pnpsim__iface_enum_flush_locked before anyone can look at
 * the Enum keys (a registry walk into Enum or Control, a key handle, a save) and before dn
 * is freed (except in the final shutdown, when the registry goes too). Best effort (a
 * failure is traced; the keys are made again on demand). Caller holds no lock. */
void pnpsim__iface_devnode_identified(pnpsim_device *dn);

/* Write the Enum keys of every pending device node (all of them when dn is NULL, else just
 * dn's). Caller holds the lock. */
void pnpsim__iface_enum_flush_locked(pnpsim_system *sys, pnpsim_device *dn);

/* Loading: build the interface indexes that src's registry describes, aside (phase 1, may
 * fail with STATUS_INSUFFICIENT_RESOURCES and nothing changed); install them in sys
 * (phase 2, cannot fail; every interface disabled); or drop them. No lock held. */
NTSTATUS pnpsim__iface_rebuild_prepare(pnpsim_system *sys, pnpsim_system *src,
                                       struct pnpsim__iface_state **out);
void pnpsim__iface_rebuild_commit(pnpsim_system *sys, struct pnpsim__iface_state *st);
void pnpsim__iface_rebuild_discard(pnpsim_system *sys, struct pnpsim__iface_state *st);

#endif /* PNPSIM_CORE_IFACE_H */
