/* SPDX-License-Identifier: MIT */
/*
 * This file declares the simulated system: its creation and destruction, the options it is
 * created with, the thread's current system for DDIs that carry no object, the delivery of
 * deferred PnP work, reboot, status names and the last error's explanation.
 */
#ifndef PNPSIM_SYSTEM_H
#define PNPSIM_SYSTEM_H

#include "wdk/wdm.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An independent simulated Windows system. Many may live in one process; they share nothing. */
typedef struct pnpsim_system pnpsim_system;

/** When queued PnP work (enumeration, work items, notifications) runs. See DESIGN.md. */
typedef enum pnpsim_delivery {
    /** Before the outermost native harness call that caused it returns (default). */
    PNPSIM_DELIVERY_DEFERRED = 0,
    /** Only when the test calls pnpsim_system_run_pending(), or while something waits. */
    PNPSIM_DELIVERY_MANUAL = 1,
    /** On a per-system worker thread, as on Windows (see pnpsim_system_flush()). */
    PNPSIM_DELIVERY_WORKER = 2
} pnpsim_delivery;

#define PNPSIM_CONFIG_VERSION 1

/** Options for pnpsim_system_create(). Initialise with PNPSIM_CONFIG_INIT. */
typedef struct pnpsim_config {
    unsigned int version;      /**< PNPSIM_CONFIG_VERSION */
    pnpsim_delivery delivery;  /**< when deferred work runs */
    const char *name;          /**< shown in traces and reports; NULL: "pnpsim" */
    int trace_to_stderr;       /**< nonzero: narrate every event to stderr as it happens */
    int strict_pnp;            /**< nonzero: verifier-style PnP checks bug check (0xCA) */
} pnpsim_config;

#define PNPSIM_CONFIG_INIT {PNPSIM_CONFIG_VERSION, PNPSIM_DELIVERY_DEFERRED, NULL, 0, 0}

/**
 * Create a simulated system with its root device (HTREE\ROOT\0).
 * @param cfg options, or NULL for the defaults.
 * @param out receives the new system.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a NULL out or unknown config version;
 *         STATUS_INSUFFICIENT_RESOURCES when memory runs out.
 * Ownership: the caller owns the system and destroys it with pnpsim_system_destroy().
 * Thread safety: any thread.
 * Errors: *out is NULL on failure.
 */
PNPSIM_API NTSTATUS pnpsim_system_create(const pnpsim_config *cfg, pnpsim_system **out);

/**
 * Destroy a system: remove every device, unload every driver (DriverUnload runs, pool leaks
 * are reported per driver), free everything. NULL is ignored.
 * Ownership: sys is invalid afterwards.
 * Thread safety: no other thread may use sys during or after the call.
 * Errors: none; leaks are reported through the trace and pnpsim_system_pool_leaks().
 */
PNPSIM_API void pnpsim_system_destroy(pnpsim_system *sys);

/**
 * Shut the system down as Windows does: remove every device (children first) and unload
 * every driver (DriverUnload runs; pool each driver still owns is reported as leaked). The
 * root device stays; the system can be used again (drivers must be loaded again).
 * @return STATUS_SUCCESS.
 * Ownership: every pnpsim_device (but the root) and PDRIVER_OBJECT is invalid afterwards.
 * Thread safety: no other thread may use sys during the call. Errors: none.
 */
PNPSIM_API NTSTATUS pnpsim_system_shutdown(pnpsim_system *sys);

/**
 * Make sys the calling thread's current system, so test code can call WDK routines that
 * take no object (ExAllocatePool2, KeGetCurrentIrql, ...). Calls nest; each enter needs a
 * leave.
 * Ownership: none. Thread safety: affects the calling thread only. Errors: none.
 */
PNPSIM_API void pnpsim_system_enter(pnpsim_system *sys);
/** Undo the matching pnpsim_system_enter(). */
PNPSIM_API void pnpsim_system_leave(pnpsim_system *sys);
/** The calling thread's current system, or NULL. */
PNPSIM_API pnpsim_system *pnpsim_system_current(void);

/**
 * Run queued PnP work now: device enumerations requested with IoInvalidateDeviceRelations,
 * driver work items, and (later) notifications.
 * @return how many queued items ran.
 * Ownership: none. Thread safety: any thread. Errors: none.
 */
PNPSIM_API size_t pnpsim_system_run_pending(pnpsim_system *sys);
/** How many items are queued and not yet run. */
PNPSIM_API size_t pnpsim_system_pending_count(pnpsim_system *sys);
/** In WORKER mode, wait until the worker has drained the queue; otherwise run it. */
PNPSIM_API void pnpsim_system_flush(pnpsim_system *sys);

/**
 * Simulate a reboot: every device is removed and every driver unloaded (as at shutdown),
 * then the root device comes back. Persistent state (the registry store) is kept; devices
 * created with pnpsim_device_create() must be created again by the test, as a bus would
 * re-report them.
 * @return STATUS_SUCCESS, or STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: every pnpsim_device and PDRIVER_OBJECT pointer is invalid afterwards.
 * Thread safety: no other thread may use sys during the call. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_system_reboot(pnpsim_system *sys);

/**
 * Save the system's persistent state to a file: the registry store's non-volatile keys,
 * which hold every device interface registration (DeviceClasses), the devices' Enum keys
 * and the drivers' service keys. Volatile state (interface enable state, devices, drivers)
 * is not saved. The file is written to "<path>.tmp" and renamed over path, so a crash
 * leaves the old or the new file whole (format: pnpsim_registry_save()).
 * @return STATUS_SUCCESS or an error of pnpsim_registry_save().
 * Ownership: none. Thread safety: any thread.
 * Errors: STATUS_INVALID_PARAMETER, STATUS_OBJECT_PATH_NOT_FOUND, STATUS_DISK_FULL,
 *         STATUS_ACCESS_DENIED, STATUS_INSUFFICIENT_RESOURCES; pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_system_save(pnpsim_system *sys, const char *path);

/**
 * Load persistent state saved by pnpsim_system_save(), as a reboot into it would: the
 * registry store is replaced by the file's keys and the device interface manager rebuilds
 * its registrations from DeviceClasses, every one disabled (enable state is volatile).
 * The system must hold no device but the root (freshly created, or after
 * pnpsim_system_reboot() / pnpsim_system_shutdown()). The file is checked completely
 * before anything changes: a damaged, truncated or foreign file, or running out of memory,
 * loads nothing and leaves the system exactly as it was. Registry keys under DeviceClasses
 * that do not have the Windows layout are ignored. The file must not change during the
 * call.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL argument);
 *         STATUS_INVALID_DEVICE_STATE (devices are present); STATUS_OBJECT_NAME_NOT_FOUND
 *         (cannot open); STATUS_FILE_CORRUPT_ERROR (damaged); STATUS_REVISION_MISMATCH
 *         (another format version); STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: registry handles drivers held on the old keys fail with STATUS_KEY_DELETED.
 * Thread safety: no other thread may use sys during the call.
 * Errors: as returned; pnpsim_last_error_message() says why (the damaged line).
 */
PNPSIM_API NTSTATUS pnpsim_system_load(pnpsim_system *sys, const char *path);

/** The system's name (from the config), for messages. */
PNPSIM_API const char *pnpsim_system_name(const pnpsim_system *sys);

/** How many pool allocations leaked when drivers unloaded, since creation. */
PNPSIM_API size_t pnpsim_system_pool_leaks(const pnpsim_system *sys);

/**
 * Number of pool allocations currently outstanding: of every owner (driver == NULL), or of
 * one driver. Allocations made by test code (no driver running) have no driver owner and are
 * counted only under NULL. Blocks a driver leaked at unload stay outstanding until destroy.
 */
PNPSIM_API size_t pnpsim_system_pool_outstanding(pnpsim_system *sys, PDRIVER_OBJECT driver);

/** The symbolic name of a status ("STATUS_OBJECT_NAME_EXISTS"), or its hex value. */
PNPSIM_API const char *pnpsim_status_name(NTSTATUS status);

/** Why the calling thread's last failing pnpsim call failed, in a sentence; "" if none. */
PNPSIM_API const char *pnpsim_last_error_message(void);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_SYSTEM_H */
