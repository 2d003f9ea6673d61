/* SPDX-License-Identifier: MIT */
/*
 * This file declares what the two halves of pnpsim's KMDF bus-driver support share:
 * fx_pdo.c (PDO inits, the PDO's IDs, text and PnP answers) and fx_childlist.c (static
 * children and child lists with their descriptions, reported in BusRelations).
 *
 * Locking: the records below are guarded by sys->lock (short sections). Driver callbacks
 * (description copy/compare/cleanup, EvtChildListCreateDevice, PDO events) run with no lock
 * held. KMDF itself calls the description callbacks under the child list's spin lock; pnpsim
 * runs them unlocked, which only matters to a driver that changes one list from two threads
 * at once (README "KMDF", divergences).
 */
#ifndef PNPSIM_KMDF_FX_BUS_H
#define PNPSIM_KMDF_FX_BUS_H

#include "kmdf_int.h"

/* One WdfPdoInitAddDeviceText entry. */
typedef struct pnpsim__fx_text {
    struct pnpsim__fx_text *next;
    LCID locale;
    WCHAR *description;  /* NUL-terminated, pnpsim__malloc'ed */
    WCHAR *location;     /* NULL: none given */
} pnpsim__fx_text;

typedef struct pnpsim__fx_child pnpsim__fx_child;
typedef struct pnpsim__fx_childlist pnpsim__fx_childlist;

/* Everything WdfPdoInit* records (init->pdo_init), and a PDO's copy of it. */
struct pnpsim__fx_pdo_init {
    WCHAR *device_id;
    WCHAR *instance_id;
    WCHAR *container_id;
    WCHAR *hardware_ids;     /* MULTI_SZ body: strings with their NULs, no final extra NUL */
    size_t hardware_chars;
    WCHAR *compatible_ids;
    size_t compatible_chars;
    pnpsim__fx_text *texts;  /* in the order added */
    LCID default_locale;
    bool default_locale_set;
    bool raw;
    GUID raw_class;
    WDF_PDO_EVENT_CALLBACKS callbacks;
    bool callbacks_set;
    /* Set by the child list for the init it passes to EvtChildListCreateDevice. */
    pnpsim__fx_child *child;
};

/* d->pdo_data of a PDO created by WdfDeviceCreate. */
struct pnpsim__fx_pdo {
    struct pnpsim__fx_pdo_init ids;  /* a deep copy of the init's (ids.child: description) */
    bool is_static;          /* WdfFdoAddStaticChild */
    bool static_missing;     /* a static child marked missing (WdfPdoMarkMissing, eject) */
    bool reported;           /* the last BusRelations answer included it */
    bool missing_notified;   /* EvtDeviceReportedMissing ran */
};

/* One description of a dynamic child list. */
struct pnpsim__fx_child {
    LIST_ENTRY link;         /* pnpsim__fx_childlist.children */
    pnpsim__fx_childlist *list;
    PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER id;   /* IdentificationDescriptionSize */
    PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER addr;        /* AddressDescriptionSize or NULL */
    bool present;            /* the driver's last word: present */
    bool scan_seen;          /* reported during the current scan */
    bool creating;           /* EvtChildListCreateDevice is running for it */
    ULONG tried_round;       /* the BusRelations round that last tried to create it */
    pnpsim__fx_device *pdo;  /* its WDFDEVICE once created */
};

struct pnpsim__fx_childlist {
    pnpsim__fx_object obj;   /* must be first */
    pnpsim__fx_device *device;  /* the FDO that reports the children */
    WDF_CHILD_LIST_CONFIG cfg;
    LIST_ENTRY link;         /* pnpsim__fx_bus.lists */
    LIST_ENTRY children;     /* pnpsim__fx_child.link, in the order added */
    ULONG scans;             /* WdfChildListBeginScan depth */
    ULONG iterations;        /* WdfChildListBeginIteration depth */
    bool changed;            /* a change to report once no scan/iteration is open */
    bool linked;             /* in bus->lists */
};

/* One static child. */
typedef struct pnpsim__fx_static {
    LIST_ENTRY link;
    pnpsim__fx_device *pdo;
} pnpsim__fx_static;

/* d->bus of an FDO with children. */
struct pnpsim__fx_bus {
    pnpsim__fx_childlist *default_list;
    LIST_ENTRY lists;        /* pnpsim__fx_childlist.link */
    LIST_ENTRY statics;      /* pnpsim__fx_static.link */
    ULONG static_locks;      /* WdfFdoLockStaticChildListForIteration depth */
    bool static_changed;
    bool removing;
    ULONG round;             /* BusRelations answers so far */
    ULONG d0_scans;          /* EvtChildListScanForChildren rounds run */
};

/* fx_pdo.c: a PDO init for a child of parent (WdfPdoInitAllocate's work), or NULL. */
PWDFDEVICE_INIT pnpsim__fx_pdo_init_new(pnpsim_system *sys, pnpsim__fx_device *parent,
                                        const char *ddi);
/* fx_childlist.c: the FDO's bus record, created on first use (NULL: out of memory). */
pnpsim__fx_bus *pnpsim__fx_bus_of(pnpsim__fx_device *fdo, bool create);
/* fx_childlist.c: a change of the FDO's children: IoInvalidateDeviceRelations when started. */
void pnpsim__fx_bus_invalidate(pnpsim__fx_device *fdo);
/* fx_childlist.c: the PDO is going away: forget it (its description, its static entry). */
void pnpsim__fx_bus_pdo_gone(pnpsim__fx_device *pdo);
/* fx_childlist.c: mark the PDO's child missing (eject, WdfPdoMarkMissing). */
NTSTATUS pnpsim__fx_bus_mark_missing(pnpsim__fx_device *pdo);
/* fx_childlist.c: the FDO entered D0: EvtChildListScanForChildren of each of its lists
 * ("EvtChildListScanForChildren": called each time the parent enters D0). For fx_pnp.c to
 * call after EvtDeviceD0Entry; until it does, the first BusRelations in D0 runs the scan. */
void pnpsim__fx_bus_d0_entered(pnpsim__fx_device *fdo);
/* fx_childlist.c: is the PDO's child still present (reported)? */
bool pnpsim__fx_bus_child_present(pnpsim__fx_device *pdo);

#endif /* PNPSIM_KMDF_FX_BUS_H */
