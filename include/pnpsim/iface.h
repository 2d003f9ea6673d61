/* SPDX-License-Identifier: MIT */
/*
 * This file declares the native inspection API of device interfaces: listing the interface
 * instances of a class or of a device (name in kernel "\??\" and user "\\?\" form, class,
 * reference string, owner device, enabled state), looking one up by any spelling of its
 * name, and reading the interface arrival/removal events the simulated PnP manager queued.
 * Drivers use the WDK routines instead (IoRegisterDeviceInterface, IoSetDeviceInterfaceState,
 * IoGetDeviceInterfaces). All strings are UTF-8.
 */
#ifndef PNPSIM_IFACE_H
#define PNPSIM_IFACE_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One registered device interface instance, as a snapshot. */
typedef struct pnpsim_iface_info {
    const char *name;          /**< kernel form, "\??\ROOT#WINETEST#0#{guid}[\ref]" */
    const char *user_name;     /**< user form, "\\?\ROOT#WINETEST#0#{guid}[\ref]" */
    GUID class_guid;           /**< the interface class */
    const char *reference;     /**< the reference string, or NULL when there is none */
    const char *instance_path; /**< the owner device's instance path (bus-reported case) */
    int enabled;               /**< nonzero while enabled (IoSetDeviceInterfaceState TRUE) */
    int arrival_pending;       /**< enabled, but the arrival waits for the device to start */
} pnpsim_iface_info;

/** A snapshot list of interfaces; one allocation, freed with pnpsim_iface_list_free(). */
typedef struct pnpsim_iface_list {
    size_t count;
    pnpsim_iface_info *items; /**< count entries, in the order IoGetDeviceInterfaces uses */
} pnpsim_iface_list;

/** pnpsim_iface_list_class() flag: include disabled (registered only) interfaces. */
#define PNPSIM_IFACE_INCLUDE_DISABLED 0x1u

/**
 * List the interfaces of a class, in registration order (the order IoGetDeviceInterfaces
 * uses).
 * @param flags 0 (enabled only) or PNPSIM_IFACE_INCLUDE_DISABLED.
 * @param out receives the list (possibly empty: count 0).
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER (NULL argument, unknown flag),
 *         STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: the caller frees *out with pnpsim_iface_list_free() before destroying sys.
 * Thread safety: any thread; the snapshot is consistent.
 * Errors: *out is NULL on failure.
 */
PNPSIM_API NTSTATUS pnpsim_iface_list_class(pnpsim_system *sys, const GUID *class_guid,
                                            unsigned int flags, pnpsim_iface_list **out);

/**
 * List every registered interface of a device (enabled or not), in registration order.
 * The device need not be present: registrations outlive removal and reboot.
 * @param instance_path e.g. "ROOT\\WINETEST\\0" (compared case-insensitively).
 * @return STATUS_SUCCESS (count 0 if it has none), STATUS_INVALID_PARAMETER,
 *         STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: free *out with pnpsim_iface_list_free(). Thread safety: any thread.
 * Errors: *out is NULL on failure.
 */
PNPSIM_API NTSTATUS pnpsim_iface_list_device(pnpsim_system *sys, const char *instance_path,
                                             pnpsim_iface_list **out);

/**
 * Look an interface up by name: kernel ("\??\") or user ("\\?\") prefix, any case.
 * @param out receives a list of exactly one entry.
 * @return STATUS_SUCCESS, STATUS_OBJECT_NAME_NOT_FOUND (well-formed, not registered),
 *         STATUS_INVALID_PARAMETER (NULL argument or malformed name, as
 *         IoSetDeviceInterfaceState judges it), STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: free *out with pnpsim_iface_list_free(). Thread safety: any thread.
 * Errors: *out is NULL on failure.
 */
PNPSIM_API NTSTATUS pnpsim_iface_lookup(pnpsim_system *sys, const char *name,
                                        pnpsim_iface_list **out);

/**
 * Free a list returned by the functions above. NULL is ignored.
 * Ownership: list is invalid afterwards. Thread safety: any thread. Errors: none.
 */
PNPSIM_API void pnpsim_iface_list_free(pnpsim_system *sys, pnpsim_iface_list *list);

/** One queued interface change event (what kernel listeners are or will be told). */
typedef struct pnpsim_iface_event {
    unsigned long long seq;  /**< 1, 2, ... per system, in the order the events were queued */
    int arrival;             /**< nonzero: GUID_DEVICE_INTERFACE_ARRIVAL; else REMOVAL */
    /** The exact record: Version 1, Size, Event, InterfaceClassGuid, SymbolicLinkName
     *  (kernel form; points into the snapshot). */
    DEVICE_INTERFACE_CHANGE_NOTIFICATION notification;
    const char *name;          /**< SymbolicLinkName as UTF-8 */
    const char *instance_path; /**< the owner device */
} pnpsim_iface_event;

/** A snapshot of the event queue; one allocation, freed with pnpsim_iface_events_free(). */
typedef struct pnpsim_iface_event_list {
    size_t count;
    pnpsim_iface_event *items; /**< oldest first */
} pnpsim_iface_event_list;

/**
 * Snapshot the queued interface change events, oldest first. Arrivals appear when they are
 * published: at IoSetDeviceInterfaceState(TRUE) for a started device, else when its
 * IRP_MN_START_DEVICE completes.
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: free *out with pnpsim_iface_events_free() before destroying sys.
 * Thread safety: any thread. Errors: *out is NULL on failure.
 */
PNPSIM_API NTSTATUS pnpsim_iface_events(pnpsim_system *sys, pnpsim_iface_event_list **out);

/** Free a snapshot from pnpsim_iface_events(). NULL is ignored. */
PNPSIM_API void pnpsim_iface_events_free(pnpsim_system *sys, pnpsim_iface_event_list *list);

/**
 * Forget the queued events (sequence numbers continue).
 * Ownership: none. Thread safety: any thread. Errors: none.
 */
PNPSIM_API void pnpsim_iface_events_clear(pnpsim_system *sys);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_IFACE_H */
