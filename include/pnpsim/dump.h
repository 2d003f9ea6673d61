/* SPDX-License-Identifier: MIT */
/*
 * This file declares the state dump: the whole simulated system (device tree, each device's
 * stack with its drivers, device states, interfaces with names, classes and enabled state,
 * outstanding query-interface references, notification subscriptions, pool usage per
 * driver) written as narrated text
 * in the spirit of the debugger's `!devnode 0 1`, as JSON (schema "pnpsim-dump/1",
 * documented below and in the README), or as a Graphviz DOT picture.
 *
 * Every format is address-free and ordered deterministically (devices in tree pre-order,
 * children in report order, interfaces in registration order, drivers in load order), so
 * dumps of the same scenario compare equal byte for byte and serve as golden files.
 *
 * JSON schema "pnpsim-dump/1" (one object; fields always in this order):
 *   { "schema": "pnpsim-dump/1",
 *     "system": NAME,
 *     "devices": [ {                      tree pre-order, root first
 *         "instance_path": STR, "device_id": STR, "instance_id": STR,
 *         "parent": STR|null, "level": INT,
 *         "state": "DeviceNodeStarted"|..., "problem": INT, "open_handles": INT,
 *         "stack": [ { "role": "PDO"|"lower-filter"|"FDO"|"upper-filter"|"device",
 *                      "driver": SERVICE, "name": "\\Device\\..."|null } ],   bottom first
 *         "interfaces": [ { "name": "\\??\\...", "class": "{guid}",
 *                           "reference": STR|null, "enabled": BOOL,
 *                           "arrival_pending": BOOL } ] } ],
 *     "drivers": [ { "service": STR, "pool_allocations": INT, "pool_bytes": INT,
 *                    "unloaded": BOOL } ],
 *     "references": [ { "importer": INSTANCE_PATH|"test", "exporter": INSTANCE_PATH,
 *                       "count": INT } ],       outstanding query-interface references
 *     "subscriptions": [ { "subscriber": SERVICE|"test"|"user-mode",
 *                          "api": "kernel"|"native"|"user-mode",
 *                          "category": "interface"|"target-device"|"hardware-profile"|
 *                                      "device-instance",
 *                          "class": "{guid}"|null,       interface: null = every class
 *                          "target": INSTANCE_PATH|null, target device (or CM filter)
 *                          "callback": INT } ],          1, 2, ... per subscriber: the
 *                           distinct callback functions in order of first registration
 *                           (no addresses); live notification registrations, in
 *                           registration order
 *     "pool": { "outstanding": INT, "leaked": INT } }
 */
#ifndef PNPSIM_DUMP_H
#define PNPSIM_DUMP_H

#include <stdio.h>

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output formats of pnpsim_dump(). */
typedef enum pnpsim_dump_format {
    PNPSIM_DUMP_TEXT = 0, /**< narrated tree, like !devnode 0 1 */
    PNPSIM_DUMP_JSON = 1, /**< schema "pnpsim-dump/1" (see above) */
    PNPSIM_DUMP_DOT = 2   /**< Graphviz digraph: tree, stacks, interfaces, references,
                               drivers with their pool, subscriptions (subscriber -> class
                               or target device) */
} pnpsim_dump_format;

/**
 * Write the whole state of sys to f in the given format.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL sys or f, unknown format);
 *         STATUS_INSUFFICIENT_RESOURCES (nothing is written then).
 * Ownership: none. Thread safety: call while no other thread changes sys (the tree is
 *         snapshotted under the system lock, interfaces and references just after).
 * Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_dump(pnpsim_system *sys, pnpsim_dump_format format, FILE *f);

/**
 * The same dump as a NUL-terminated string.
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: free *out with pnpsim_dump_free(sys, *out) before destroying sys.
 * Thread safety: as pnpsim_dump(). Errors: *out is NULL on failure.
 */
PNPSIM_API NTSTATUS pnpsim_dump_string(pnpsim_system *sys, pnpsim_dump_format format,
                                       char **out);
/** Free a string from pnpsim_dump_string(). NULL is ignored. */
PNPSIM_API void pnpsim_dump_free(pnpsim_system *sys, char *s);

/** Parse "text", "json" or "dot" (any case). @return 0 and *out set, or -1. */
PNPSIM_API int pnpsim_dump_format_parse(const char *name, pnpsim_dump_format *out);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_DUMP_H */
