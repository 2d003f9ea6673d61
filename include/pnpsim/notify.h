/* SPDX-License-Identifier: MIT */
/*
 * This file declares the native notification API: subscribe to PnP notifications from a
 * test without writing a driver (interface arrival/removal of a class, target-device events
 * of a device), and a recorder that collects the notifications it receives, in order, for
 * assertions. Subscriptions are delivered exactly like the kernel's
 * IoRegisterPlugPlayNotification entries (same queue, same delivery mode, same order; see
 * README "Notification timing"). All strings are UTF-8.
 */
#ifndef PNPSIM_NOTIFY_H
#define PNPSIM_NOTIFY_H

#include "system.h"
#include "device.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a notification says. */
typedef enum pnpsim_notify_kind {
    PNPSIM_NOTIFY_INTERFACE_ARRIVAL = 1, /**< GUID_DEVICE_INTERFACE_ARRIVAL */
    PNPSIM_NOTIFY_INTERFACE_REMOVAL = 2, /**< GUID_DEVICE_INTERFACE_REMOVAL */
    PNPSIM_NOTIFY_QUERY_REMOVE = 3,      /**< GUID_TARGET_DEVICE_QUERY_REMOVE (vetoable) */
    PNPSIM_NOTIFY_REMOVE_CANCELLED = 4,  /**< GUID_TARGET_DEVICE_REMOVE_CANCELLED */
    PNPSIM_NOTIFY_REMOVE_PENDING = 5,    /**< orderly removal about to happen (user mode's
                                              REMOVEPENDING; not given to kernel entries) */
    PNPSIM_NOTIFY_REMOVE_COMPLETE = 6,   /**< GUID_TARGET_DEVICE_REMOVE_COMPLETE */
    PNPSIM_NOTIFY_CUSTOM = 7,            /**< IoReportTargetDeviceChange[Asynchronous] */
    PNPSIM_NOTIFY_DEVICE_STARTED = 8     /**< a device instance started (user mode only) */
} pnpsim_notify_kind;

/** One notification as a native subscriber sees it. */
typedef struct pnpsim_notify_event {
    unsigned long long seq;       /**< delivery number: increases with every callback made
                                       in the system (kernel, native and user mode) */
    unsigned long long event_seq; /**< the interface event's number (as in
                                       pnpsim_iface_events); 0 for interfaces reported by
                                       PNPSIM_NOTIFY_INCLUDE_EXISTING and target events */
    pnpsim_notify_kind kind;
    GUID event;                /**< the event GUID a kernel callback sees */
    GUID class_guid;           /**< interface events: the interface class */
    const char *name;          /**< interface events: kernel-form name ("\??\..."); else
                                    NULL */
    const char *instance_path; /**< the device concerned, or NULL */
    pnpsim_device *device;     /**< the device node, if it exists */
} pnpsim_notify_event;

/** A native subscriber's callback: the return value is what a kernel callback returns (a
 *  failure from a PNPSIM_NOTIFY_QUERY_REMOVE vetoes the removal). Runs at PASSIVE_LEVEL
 *  with no simulator lock held; may call any pnpsim function. */
typedef NTSTATUS (*pnpsim_notify_fn)(void *context, const pnpsim_notify_event *event);

/** A subscription (an entry in the same table as kernel registrations). */
typedef struct pnpsim_notify_subscription pnpsim_notify_subscription;

/** pnpsim_notify_subscribe_interfaces() flag: report the interfaces enabled now, inside
 *  the call (PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES). */
#define PNPSIM_NOTIFY_INCLUDE_EXISTING 0x1u

/**
 * Subscribe to interface arrival and removal of a class (or of every class).
 * @param class_guid the class, or NULL for every class.
 * @param flags 0 or PNPSIM_NOTIFY_INCLUDE_EXISTING (which needs a class: with NULL it is
 *        ignored).
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL sys/fn/out, unknown flag);
 *         STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: unsubscribe with pnpsim_notify_unsubscribe() (or let destroy free it).
 * Thread safety: any thread. Errors: *out is NULL on failure.
 */
PNPSIM_API NTSTATUS pnpsim_notify_subscribe_interfaces(pnpsim_system *sys, const GUID *class_guid,
                                                       unsigned int flags, pnpsim_notify_fn fn,
                                                       void *context,
                                                       pnpsim_notify_subscription **out);

/**
 * Subscribe to the target-device events of a device (query-remove, remove-cancelled,
 * remove-complete, custom), like EventCategoryTargetDeviceChange on a file object of it.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER; STATUS_INSUFFICIENT_RESOURCES.
 * Ownership, thread safety, errors: as pnpsim_notify_subscribe_interfaces().
 */
PNPSIM_API NTSTATUS pnpsim_notify_subscribe_device(pnpsim_system *sys, pnpsim_device *dev,
                                                   pnpsim_notify_fn fn, void *context,
                                                   pnpsim_notify_subscription **out);

/**
 * Unsubscribe. Like IoUnregisterPlugPlayNotificationEx: no callback runs after it returns
 * (it waits for callbacks running on other threads); it may be called from the callback.
 * @return STATUS_SUCCESS; unsubscribing twice bug checks (see README).
 */
PNPSIM_API NTSTATUS pnpsim_notify_unsubscribe(pnpsim_system *sys, pnpsim_notify_subscription *sub);

/** Number of live registrations of every kind (kernel, native, user mode). */
PNPSIM_API size_t pnpsim_notify_registration_count(pnpsim_system *sys);

/* ---- the recorder ---------------------------------------------------------------------- */

/** Collects notifications in the order they are delivered. */
typedef struct pnpsim_notify_recorder pnpsim_notify_recorder;

/**
 * Create a recorder subscribed to the interface events of a class (NULL: every class).
 * @param flags 0 or PNPSIM_NOTIFY_INCLUDE_EXISTING.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER; STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: destroy with pnpsim_notify_recorder_destroy() before destroying sys.
 * Thread safety: events may arrive on any thread; read it when delivery is quiet
 * (after pnpsim_system_flush() in WORKER mode). Errors: *out is NULL on failure.
 */
PNPSIM_API NTSTATUS pnpsim_notify_recorder_create(pnpsim_system *sys, const GUID *class_guid,
                                                  unsigned int flags, pnpsim_notify_recorder **out);
/** Also record the target-device events of dev. */
PNPSIM_API NTSTATUS pnpsim_notify_recorder_watch_device(pnpsim_notify_recorder *rec,
                                                        pnpsim_device *dev);
/** What the recorder returns to QUERY_REMOVE (default STATUS_SUCCESS; a failure vetoes). */
PNPSIM_API void pnpsim_notify_recorder_set_query_remove_status(pnpsim_notify_recorder *rec,
                                                               NTSTATUS status);
/** Number of notifications recorded. */
PNPSIM_API size_t pnpsim_notify_recorder_count(pnpsim_notify_recorder *rec);
/** The index-th notification (0 = first), or NULL; valid until clear or destroy. */
PNPSIM_API const pnpsim_notify_event *pnpsim_notify_recorder_get(pnpsim_notify_recorder *rec,
                                                                 size_t index);
/** Number of recorded notifications of a kind. */
PNPSIM_API size_t pnpsim_notify_recorder_count_kind(pnpsim_notify_recorder *rec,
                                                    pnpsim_notify_kind kind);
/** Forget what was recorded. */
PNPSIM_API void pnpsim_notify_recorder_clear(pnpsim_notify_recorder *rec);
/** Unsubscribe and free. NULL is ignored. */
PNPSIM_API void pnpsim_notify_recorder_destroy(pnpsim_notify_recorder *rec);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_NOTIFY_H */
