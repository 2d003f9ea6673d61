/* SPDX-License-Identifier: MIT */
/*
 * This file declares how a test loads WDM drivers into a simulated system and binds them to
 * hardware IDs, as an INF would.
 */
#ifndef PNPSIM_DRIVER_H
#define PNPSIM_DRIVER_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Load a driver: create its DRIVER_OBJECT (name \Driver\<service_name>, registry path
 * \Registry\Machine\System\CurrentControlSet\Services\<service_name>) and run DriverEntry.
 * @param service_name the driver's service name (ASCII, no '\\').
 * @param driver_entry the driver's DriverEntry.
 * @param out receives the driver object (may be NULL).
 * @return DriverEntry's status, or STATUS_INVALID_PARAMETER (NULL/bad arguments),
 *         STATUS_OBJECT_NAME_COLLISION (service already loaded), STATUS_INSUFFICIENT_RESOURCES.
 *         When DriverEntry fails the driver object is deleted and *out is NULL.
 * Ownership: the system owns the driver object; it is unloaded when the last device using it
 *         goes (if it has a DriverUnload), at reboot and at pnpsim_system_destroy().
 * Thread safety: any thread. Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_driver_load(pnpsim_system *sys, const char *service_name,
                                       PDRIVER_INITIALIZE driver_entry, PDRIVER_OBJECT *out);

/**
 * Bind a function driver to a hardware or compatible ID, as an INF match would. A device
 * whose hardware IDs (then compatible IDs) match gets this driver's AddDevice on start.
 * IDs compare case-insensitively. Binding the same ID again replaces the function driver.
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: none. Thread safety: any thread. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_driver_bind(pnpsim_system *sys, const char *hardware_id,
                                       PDRIVER_OBJECT function_driver);

/** Where a filter driver sits in the device stack. */
typedef enum pnpsim_filter_position {
    PNPSIM_FILTER_LOWER = 0, /**< between the PDO and the function driver */
    PNPSIM_FILTER_UPPER = 1  /**< above the function driver */
} pnpsim_filter_position;

/**
 * Bind a filter driver to a hardware ID. Several filters at one position are added in the
 * order they were bound (the first lower filter is closest to the PDO).
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: none. Thread safety: any thread. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_driver_bind_filter(pnpsim_system *sys, const char *hardware_id,
                                              PDRIVER_OBJECT filter_driver,
                                              pnpsim_filter_position position);

/** Find a loaded driver by service name (case-insensitive); NULL if none. Borrowed. */
PNPSIM_API PDRIVER_OBJECT pnpsim_driver_find(pnpsim_system *sys, const char *service_name);

/** The driver's service name. Borrowed; valid while the driver is loaded. */
PNPSIM_API const char *pnpsim_driver_name(PDRIVER_OBJECT driver);

/** Nonzero once the driver's DriverUnload has run (or it was unloaded without one). */
PNPSIM_API int pnpsim_driver_is_unloaded(PDRIVER_OBJECT driver);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_DRIVER_H */
