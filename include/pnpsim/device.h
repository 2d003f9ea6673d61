/* SPDX-License-Identifier: MIT */
/*
 * This file declares the simulated devices (device nodes): creating PDOs on the root bus or
 * under another simulated device, driving them through the PnP lifecycle (start, stop,
 * remove, surprise removal), finding them, and reading their IDs and state.
 */
#ifndef PNPSIM_DEVICE_H
#define PNPSIM_DEVICE_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A device node: one PDO and the stack built on it. Owned by its system. */
typedef struct pnpsim_device pnpsim_device;

/**
 * PnP states of a device node, named after Windows' device-node states (!devnode). The
 * transitions are those of the PnP manager: see README "Device lifecycle".
 */
typedef enum pnpsim_device_state {
    PNPSIM_DEVICE_INITIALIZED = 0,  /**< PDO reported and identified; no drivers yet */
    PNPSIM_DEVICE_DRIVERS_ADDED,    /**< AddDevice ran for every driver of the stack */
    PNPSIM_DEVICE_START_PENDING,    /**< IRP_MN_START_DEVICE sent, not completed */
    PNPSIM_DEVICE_STARTED,          /**< started */
    PNPSIM_DEVICE_QUERY_STOPPED,    /**< IRP_MN_QUERY_STOP_DEVICE succeeded */
    PNPSIM_DEVICE_STOPPED,          /**< IRP_MN_STOP_DEVICE done */
    PNPSIM_DEVICE_QUERY_REMOVED,    /**< IRP_MN_QUERY_REMOVE_DEVICE succeeded */
    PNPSIM_DEVICE_SURPRISE_REMOVED, /**< IRP_MN_SURPRISE_REMOVAL done; waits for handles */
    PNPSIM_DEVICE_REMOVED,          /**< IRP_MN_REMOVE_DEVICE done; the PDO is still present */
    PNPSIM_DEVICE_DELETED           /**< gone: the PDO is no longer present */
} pnpsim_device_state;

/** The state's name, e.g. "DeviceNodeStarted". */
PNPSIM_API const char *pnpsim_device_state_name(pnpsim_device_state state);

/**
 * Create a device: a PDO owned by the simulator's bus, on the root bus (parent NULL) or as a
 * child of another device (a hot-plug of a simulated bus's child). Its instance path is
 * <device_id>\<instance_id>; its hardware ID list is { device_id } until changed with
 * pnpsim_device_set_ids(). The device is identified (IRP_MN_QUERY_ID and
 * IRP_MN_QUERY_CAPABILITIES go to its PDO) but not started.
 * @param device_id bus-reported device ID, e.g. "ROOT\\WINETEST" (case preserved).
 * @param instance_id instance ID, e.g. "0"; no '\\'.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER for NULL or malformed IDs (illegal
 *         characters, '\\' in the instance ID, too long); STATUS_OBJECT_NAME_COLLISION if a
 *         present device already has that instance path; STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: the system owns the device. Thread safety: any thread. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_device_create(pnpsim_system *sys, pnpsim_device *parent,
                                         const char *device_id, const char *instance_id,
                                         pnpsim_device **out);

/**
 * Set the hardware and compatible IDs a simulated PDO reports, before it starts. Each list is
 * NULL-terminated; NULL leaves that list unchanged.
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER (bad ID, or not a simulator-owned PDO),
 *         STATUS_INVALID_DEVICE_STATE (already started), STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: none. Thread safety: any thread. Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_device_set_ids(pnpsim_device *dev, const char *const *hardware_ids,
                                          const char *const *compatible_ids);

/**
 * Set what a simulated PDO's IRP_MN_QUERY_CAPABILITIES reports as UniqueID (default TRUE).
 * With FALSE, the instance path gets the parent's ParentIdPrefix, as on Windows.
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_INVALID_DEVICE_STATE.
 * Ownership: none. Thread safety: any thread. Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_device_set_unique_id(pnpsim_device *dev, BOOLEAN unique);

/**
 * Start a device: load its stack (AddDevice for lower filters, the function driver, upper
 * filters, in that order) if it has none, then send IRP_MN_START_DEVICE to the top of the
 * stack. A driver may pend START and complete it later (from a work item): the call then
 * waits, letting queued work run. Children the device reports are enumerated and started.
 * @return STATUS_SUCCESS; the failing AddDevice or START status (the stack is then torn
 *         down with IRP_MN_REMOVE_DEVICE, as Windows does); STATUS_INVALID_DEVICE_STATE if
 *         the device is not in a startable state; STATUS_NO_SUCH_DEVICE if no function
 *         driver is bound and the PDO is not raw. The call returns once START has
 *         completed, in every delivery mode: while it waits for a pended START, queued
 *         work (the driver's work items) runs, as Windows' worker threads would.
 * Ownership: none. Thread safety: any thread. Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_device_start(pnpsim_device *dev);

/**
 * Orderly removal: IRP_MN_QUERY_REMOVE_DEVICE (children first); a failure vetoes it,
 * IRP_MN_CANCEL_REMOVE_DEVICE follows and the veto status is returned; otherwise
 * IRP_MN_REMOVE_DEVICE (children first). The PDO stays present (state REMOVED) and can be
 * started again.
 * @return STATUS_SUCCESS, the veto status, STATUS_INVALID_DEVICE_STATE.
 * Ownership: none. Thread safety: any thread. Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_device_remove(pnpsim_device *dev);

/**
 * Surprise removal, as when the hardware disappears: IRP_MN_SURPRISE_REMOVAL (children
 * first), then, once no handle to the device is open, IRP_MN_REMOVE_DEVICE. The device is
 * then gone (state DELETED).
 * @return STATUS_SUCCESS, STATUS_INVALID_DEVICE_STATE.
 * Ownership: none. Thread safety: any thread. Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_device_surprise_remove(pnpsim_device *dev);

/**
 * Stop for rebalance: IRP_MN_QUERY_STOP_DEVICE (a failure vetoes: IRP_MN_CANCEL_STOP_DEVICE
 * follows and the veto status is returned), then IRP_MN_STOP_DEVICE. pnpsim_device_start()
 * restarts it.
 * @return STATUS_SUCCESS, the veto status, STATUS_INVALID_DEVICE_STATE.
 * Ownership: none. Thread safety: any thread. Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_device_stop(pnpsim_device *dev);

/**
 * Uninstall: remove the device if needed and forget it for good (later issues: its interface
 * registrations go too).
 */
PNPSIM_API NTSTATUS pnpsim_device_uninstall(pnpsim_device *dev);

/** The device's PDO. Borrowed; valid while the device exists. */
PNPSIM_API PDEVICE_OBJECT pnpsim_device_pdo(pnpsim_device *dev);
/** The top of the device's stack (not referenced), or the PDO if no driver is attached. */
PNPSIM_API PDEVICE_OBJECT pnpsim_device_top(pnpsim_device *dev);
/** Find a present device by instance path (case-insensitive), e.g. "ROOT\\WINETEST\\0". */
PNPSIM_API pnpsim_device *pnpsim_device_find(pnpsim_system *sys, const char *instance_path);
/** The device node of a device object (any object in a device's stack); NULL otherwise. */
PNPSIM_API pnpsim_device *pnpsim_device_from_object(PDEVICE_OBJECT device_object);
/** The system's root device (HTREE\ROOT\0). */
PNPSIM_API pnpsim_device *pnpsim_device_root(pnpsim_system *sys);

/** Tree walking. Borrowed pointers; NULL at the ends. Children are in report order. */
PNPSIM_API pnpsim_device *pnpsim_device_parent(pnpsim_device *dev);
PNPSIM_API pnpsim_device *pnpsim_device_first_child(pnpsim_device *dev);
PNPSIM_API pnpsim_device *pnpsim_device_next_sibling(pnpsim_device *dev);

/** The instance path as Windows builds it (bus-reported case). Borrowed. */
PNPSIM_API const char *pnpsim_device_instance_path(pnpsim_device *dev);
/** The bus-reported device ID. Borrowed. */
PNPSIM_API const char *pnpsim_device_id(pnpsim_device *dev);
/** The instance ID after the PnP manager's adjustments (ParentIdPrefix). Borrowed. */
PNPSIM_API const char *pnpsim_device_instance_id(pnpsim_device *dev);
/** The device's current PnP state. */
PNPSIM_API pnpsim_device_state pnpsim_device_get_state(pnpsim_device *dev);
/** The devnode's problem code (CM_PROB_*), 0 if none. */
PNPSIM_API ULONG pnpsim_device_problem(pnpsim_device *dev);
/** Number of open handles (file objects) on the device's stack. */
PNPSIM_API ULONG pnpsim_device_open_count(pnpsim_device *dev);

/**
 * Open the device as an application would open its PDO: IRP_MJ_CREATE goes to the top of the
 * stack; the returned file object is closed with ObDereferenceObject (IRP_MJ_CLEANUP and
 * IRP_MJ_CLOSE follow). An open handle holds back IRP_MN_REMOVE_DEVICE after surprise removal.
 * @param file_name the name remaining after the device (the reference string of an
 *        interface), UTF-8, or NULL.
 * @return the create status; STATUS_NO_SUCH_DEVICE / STATUS_DELETE_PENDING when the device is
 *         not started or being removed; STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: the caller owns one reference on *out; ObDereferenceObject closes it.
 * Thread safety: any thread. Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_device_open(pnpsim_device *dev, const char *file_name,
                                       PFILE_OBJECT *out);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_DEVICE_H */
