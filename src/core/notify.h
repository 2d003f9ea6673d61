/* SPDX-License-Identifier: MIT */
/*
 * This file declares the notification module's internal API (notify.c): one table of
 * registrations (kernel IoRegisterPlugPlayNotification entries, native test subscriptions,
 * user-mode CM_Register_Notification handles), the queue that turns the interface manager's
 * events into deferred PnP work (PNPSIM__WORK_NOTIFY items), synchronous target-device
 * events for the PnP manager's removal paths, and the hooks the rest of the library calls.
 *
 * Every function here takes sys->lock itself unless its name ends in _locked; none is
 * called with the lock held unless it says so. Callbacks always run with no lock held.
 */
#ifndef PNPSIM_CORE_NOTIFY_H
#define PNPSIM_CORE_NOTIFY_H

#include "iface.h"

/* Pool tag of the structures handed to kernel callbacks ("PnPn"). */
#define PNPSIM__NOTIFY_POOL_TAG 0x6E506E50u

/* ---- what a registration listens to ---------------------------------------------------- */
enum {
    PNPSIM__NOTIFY_CAT_INTERFACE = 1, /* interface arrival/removal of a class (or all) */
    PNPSIM__NOTIFY_CAT_TARGET = 2,    /* target device events of one device node */
    PNPSIM__NOTIFY_CAT_INSTANCE = 3,  /* device instance started/removed (CM only) */
    PNPSIM__NOTIFY_CAT_HWPROFILE = 4  /* hardware profile changes (never raised) */
};

/* What one delivery carries (built by notify.c, turned into each registration's own
 * structure by its deliver function). */
enum {
    PNPSIM__NOTIFY_IFACE_ARRIVAL = 1,
    PNPSIM__NOTIFY_IFACE_REMOVAL,
    PNPSIM__NOTIFY_TARGET_QUERY_REMOVE,
    PNPSIM__NOTIFY_TARGET_REMOVE_CANCELLED,
    PNPSIM__NOTIFY_TARGET_REMOVE_PENDING, /* CM only: orderly removal is about to happen */
    PNPSIM__NOTIFY_TARGET_REMOVE_COMPLETE,
    PNPSIM__NOTIFY_TARGET_CUSTOM,
    PNPSIM__NOTIFY_INSTANCE_STARTED,
    PNPSIM__NOTIFY_INSTANCE_REMOVED
};

typedef struct pnpsim__notify_payload {
    int what;                                         /* PNPSIM__NOTIFY_* above */
    unsigned long long event_seq;                     /* the interface event's sequence number, 0 */
    const DEVICE_INTERFACE_CHANGE_NOTIFICATION *dicn; /* interface events */
    const char *instance_path;                        /* the device concerned (UTF-8) or NULL */
    pnpsim_device *dn;                                /* the live device node, or NULL */
    const TARGET_DEVICE_CUSTOM_NOTIFICATION *custom;  /* custom events (reporter's copy) */
    const GUID *event_guid;                           /* the GUID a kernel callback sees */
    unsigned long long delivery_seq;                  /* this callback's number (per system) */
    char **name_utf8;                                 /* interface events: a slot caching the
                                                         UTF-8 name for native subscribers
                                                         (NULL: convert per call) */
} pnpsim__notify_payload;

typedef struct pnpsim__notify_reg pnpsim__notify_reg;

/* A registration's delivery function: called with no lock held, at PASSIVE_LEVEL, inside
 * the module's callout bracket. Returns what the callback returned (a failure vetoes a
 * QUERY_REMOVE). */
typedef NTSTATUS (*pnpsim__notify_deliver_fn)(pnpsim__notify_reg *reg,
                                              const pnpsim__notify_payload *p);

/* How to create a registration (pnpsim__notify_register). */
typedef struct pnpsim__notify_params {
    int category;              /* PNPSIM__NOTIFY_CAT_* */
    bool all_classes;          /* interface: every class */
    GUID class_guid;           /* interface: the class */
    bool include_existing;     /* interface: report enabled interfaces inside the call */
    pnpsim_device *target;     /* target: the device node */
    const char *instance_path; /* instance: one device (NULL: all) */
    PDRIVER_OBJECT driver;     /* kernel: the registering driver (referenced) */
    const char *who;           /* "IoRegisterPlugPlayNotification", for messages */
    pnpsim__notify_deliver_fn deliver;
    void *a, *b, *c; /* the caller's: callback, context, file object... */
    void **publish;  /* receives the entry before the first callback, or NULL */
} pnpsim__notify_params;

/* One registration. Owners (io_notify.c, cfgmgr32.c, the native API) read sys, driver,
 * a, b, c and category; everything else belongs to notify.c. */
struct pnpsim__notify_reg {
    LIST_ENTRY link;           /* state->regs, in id order, until freed */
    LIST_ENTRY late_link;      /* state->late while `late` */
    pnpsim__notify_reg *hnext; /* address hash chain */
    uint32_t magic;
    unsigned long long id;
    pnpsim_system *sys;
    int category;
    bool all_classes;
    GUID class_guid;
    pnpsim_device *target;
    char *instance_path;   /* CM device instance filter, or NULL */
    PDRIVER_OBJECT driver; /* referenced (kernel registrations) */
    const char *who;
    pnpsim__notify_deliver_fn deliver;
    void *a, *b, *c;
    bool dead;                     /* unregistered: no new callbacks */
    bool late;                     /* unregistered without sync: queued events still go */
    bool registering;              /* the registration call has not returned */
    bool asked;                    /* got QUERY_REMOVE in the current removal */
    bool complete_sent;            /* got REMOVE_COMPLETE: nothing more for it */
    unsigned long long late_until; /* queued events up to this sequence still go */
    int pins;                      /* callbacks running + iterations + registration */
    int inflight;                  /* callbacks running now */
};

/* Create a registration. With include_existing, the interfaces enabled now are delivered
 * (as arrivals, event_seq 0) before this returns. *out is set before the first callback
 * (so a callback may unregister it). STATUS_SUCCESS or STATUS_INSUFFICIENT_RESOURCES.
 * Caller holds no lock. */
NTSTATUS pnpsim__notify_register(pnpsim_system *sys, const pnpsim__notify_params *params,
                                 pnpsim__notify_reg **out);

/* How a registration goes (pnpsim__notify_unregister). */
enum {
    PNPSIM__NOTIFY_UNREG_EX = 1,     /* no callback after return (waits for other threads) */
    PNPSIM__NOTIFY_UNREG_NO_SYNC = 2 /* events already queued may still be delivered */
};
/* Unregister. Returns STATUS_SUCCESS; an entry that is not live bug checks (BAD_POOL_CALLER
 * 0x07 for one already unregistered, 0x46 for one never returned) and returns
 * STATUS_INVALID_PARAMETER if the handler continues. ddi names the routine. */
NTSTATUS pnpsim__notify_unregister(pnpsim_system *sys, void *entry, int how, const char *ddi);
/* The calling thread is inside a notification callback (of any registration). */
bool pnpsim__notify_in_callback(void);
/* The registration entry is a live one of sys (any category). Caller holds no lock. */
bool pnpsim__notify_is_live(pnpsim_system *sys, void *entry);

/* ---- events ------------------------------------------------------------------------------ */

/* The interface manager published ev (caller holds sys->lock: iface.c event_publish).
 * A copy is queued as a PNPSIM__WORK_NOTIFY item and delivered per the delivery mode to
 * the matching registrations that exist when its delivery starts. Never calls out. */
void pnpsim__notify_iface_event_locked(pnpsim_system *sys, pnpsim__iface_event *ev);
/* The delivery record of an interface event, allocated together with the event before any
 * state changes (iface.c event_new), so publishing cannot fail for memory. Returns NULL
 * when out of memory; *size receives its size. Caller holds sys->lock. Free an unpublished
 * one with pnpsim__free. */
void *pnpsim__notify_prealloc_locked(pnpsim_system *sys, size_t name_bytes, size_t path_len,
                                     size_t *size);

/* A custom target event (IoReportTargetDeviceChange[Asynchronous]): delivered now
 * (synchronous) or queued (then done(ctx) runs after delivery). custom is copied. */
NTSTATUS pnpsim__notify_target_custom(pnpsim_device *dn,
                                      const TARGET_DEVICE_CUSTOM_NOTIFICATION *custom,
                                      bool synchronous, PDEVICE_CHANGE_COMPLETE_CALLBACK done,
                                      PVOID ctx);

/* ---- hooks of the PnP manager (src/core/pnp.c); caller holds no lock --------------------- */

/* Before IRP_MN_QUERY_REMOVE_DEVICE: GUID_TARGET_DEVICE_QUERY_REMOVE to every target-device
 * registration of dn. A failure from one vetoes: the registrations that were asked get
 * GUID_TARGET_DEVICE_REMOVE_CANCELLED at once and the failure is returned. */
NTSTATUS pnpsim__notify_target_query_remove(pnpsim_device *dn);
/* The removal was vetoed later (by an IRP_MN_QUERY_REMOVE_DEVICE): REMOVE_CANCELLED. */
void pnpsim__notify_target_remove_cancelled(pnpsim_device *dn);
/* After IRP_MN_REMOVE_DEVICE (orderly) or IRP_MN_SURPRISE_REMOVAL: REMOVE_COMPLETE, once
 * per registration. */
void pnpsim__notify_target_remove_complete(pnpsim_device *dn);
/* After IRP_MN_START_DEVICE completed: CM DEVICEINSTANCESTARTED (optional hook). */
void pnpsim__notify_device_started(pnpsim_device *dn);

/* After DriverUnload returned: live registrations of drv are a violation (bug check 0xCE);
 * if the handler continues they are dropped without further callbacks. */
void pnpsim__notify_driver_unloading(pnpsim_system *sys, PDRIVER_OBJECT drv);

/* Call fn for every live registration (not unregistered), in registration order (state
 * dumps). Caller holds sys->lock; fn must not call into the system. */
void pnpsim__notify_foreach_locked(pnpsim_system *sys,
                                   void (*fn)(void *ctx, const pnpsim__notify_reg *reg),
                                   void *ctx);

/* System destroy: free every registration and queued event (no callbacks). */
void pnpsim__notify_fini(pnpsim_system *sys);
/* pnpsim_system_check: NULL when the registrations and queued events are consistent, else
 * what is broken. Caller holds sys->lock. */
const char *pnpsim__notify_check_locked(pnpsim_system *sys);

/* ---- user-mode device instance handles (DEVINST) ---------------------------------------- */

/* The DEVINST of dn in sys (1, 2, ... stable for the system's life), 0 on no memory. */
ULONG pnpsim__notify_devinst(pnpsim_system *sys, pnpsim_device *dn);
/* The device node of a DEVINST, or NULL. */
pnpsim_device *pnpsim__notify_devinst_node(pnpsim_system *sys, ULONG devinst);

#endif /* PNPSIM_CORE_NOTIFY_H */
