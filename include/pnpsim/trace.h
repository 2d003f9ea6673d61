/* SPDX-License-Identifier: MIT */
/*
 * This file declares the trace: one record per event the simulated PnP manager sees (PnP
 * IRPs sent and completed, device state changes, driver load and unload, pool leaks, bug
 * checks, driver debug output), each with a sequence number, the thread, the simulated IRQL,
 * the device and the driver. Records are kept in a ring per system and can be narrated to a
 * FILE or passed to a callback as they happen, filtered by category and by device.
 */
#ifndef PNPSIM_TRACE_H
#define PNPSIM_TRACE_H

#include <stdio.h>

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Event categories; also usable as a filter mask (1u << category). */
typedef enum pnpsim_trace_category {
    PNPSIM_TRACE_IRP = 0,      /**< PnP (and other) IRPs sent and completed */
    PNPSIM_TRACE_STATE = 1,    /**< device node state changes */
    PNPSIM_TRACE_DRIVER = 2,   /**< driver load/unload, AddDevice */
    PNPSIM_TRACE_DEVICE = 3,   /**< devices created, enumerated, deleted */
    PNPSIM_TRACE_POOL = 4,     /**< pool leaks and misuse */
    PNPSIM_TRACE_BUGCHECK = 5, /**< bug checks and verifier reports */
    PNPSIM_TRACE_DEBUG = 6,    /**< driver debug output (DbgPrint, KdPrint) */
    PNPSIM_TRACE_INTERFACE = 7,/**< device interfaces (later issues) */
    PNPSIM_TRACE_NOTIFY = 8,   /**< notifications (later issues) */
    PNPSIM_TRACE_QI = 9,       /**< query-interface and references (later issues) */
    PNPSIM_TRACE_WORK = 10,    /**< work items and deferred PnP work */
    PNPSIM_TRACE_KMDF = 11     /**< the KMDF framework: callbacks, queues, targets */
} pnpsim_trace_category;

#define PNPSIM_TRACE_ALL 0xFFFFFFFFu

/** One trace record. Strings are owned by the record's system; copy what you keep. */
typedef struct pnpsim_trace_event {
    unsigned long long seq;      /**< 1, 2, 3 ... per system */
    unsigned long long thread;   /**< small per-process thread number */
    KIRQL irql;                  /**< the simulated IRQL when it happened */
    pnpsim_trace_category category;
    int depth;                   /**< IRP nesting depth, for indentation */
    const char *device;          /**< instance path, or NULL */
    const char *driver;          /**< service name, or NULL */
    NTSTATUS status;             /**< result, where the event has one */
    int has_status;              /**< nonzero when status is meaningful */
    const char *text;            /**< the narration, one line, no newline */
} pnpsim_trace_event;

typedef void (*pnpsim_trace_fn)(void *ctx, const pnpsim_trace_event *event);

/** Narrate every event (filtered by mask) to f as it happens; f NULL stops it. */
PNPSIM_API void pnpsim_trace_to_file(pnpsim_system *sys, FILE *f, unsigned int mask);
/**
 * Write every event (filtered by mask) to f as JSON Lines as it happens; f NULL stops it.
 * Schema "pnpsim-trace/1": one object per line, fields always in this order:
 *   {"seq":INT, "thread":INT, "irql":INT, "irql_name":"PASSIVE_LEVEL"|"APC_LEVEL"|
 *    "DISPATCH_LEVEL"|"DIRQL"|"HIGH_LEVEL", "category":"irp"|"state"|"driver"|"device"|
 *    "pool"|"bugcheck"|"debug"|"interface"|"notify"|"qi"|"work", "depth":INT,
 *    "device":INSTANCE_PATH|null, "driver":SERVICE|null, "status":"STATUS_..."|null,
 *    "status_code":"0xXXXXXXXX"|null, "text":NARRATION}
 * Strings are UTF-8 with JSON escapes; no field holds an address. Runs beside the text
 * sink and the callback.
 */
PNPSIM_API void pnpsim_trace_to_json(pnpsim_system *sys, FILE *f, unsigned int mask);
/** The name of a category as the JSON sink writes it ("irp", "state", ...). */
PNPSIM_API const char *pnpsim_trace_category_name(pnpsim_trace_category category);
/** The name of an IRQL ("PASSIVE_LEVEL", "DISPATCH_LEVEL", ...). */
PNPSIM_API const char *pnpsim_trace_irql_name(KIRQL irql);
/**
 * Call fn for every event (filtered by mask); fn NULL removes the callback. Calls are
 * serialized (never two at once, even with WORKER delivery) and may come from any thread
 * that causes an event; fn must not call pnpsim functions on the same system (pure helpers
 * such as pnpsim_status_name are fine).
 */
PNPSIM_API void pnpsim_trace_set_callback(pnpsim_system *sys, pnpsim_trace_fn fn, void *ctx,
                                          unsigned int mask);
/** pnpsim_trace_filter_device() flag: also deliver the events of the drivers in the device's
 *  stack that name no device (DriverEntry, pool leaks, debug output, ...). */
#define PNPSIM_TRACE_FILTER_STACK 0x1u

/**
 * Add a device to the trace's device filter. With no device in the filter every event is
 * delivered; once one or more devices are in it, the sinks (FILE, JSON Lines, callback,
 * trace_to_stderr) receive only:
 *  - events about a filtered device (its IRPs, state changes, interfaces, ...);
 *  - with PNPSIM_TRACE_FILTER_STACK, events that name no device but a driver of that
 *    device's stack: the drivers attached when the filter is set, and every driver that
 *    later appears in an event about the device (so a driver whose AddDevice runs later
 *    is included from then on);
 *  - events that name neither a device nor a driver (about the whole system).
 * The category masks apply as well. The ring (pnpsim_trace_get/find/dump and bug check
 * reports) still keeps every event. Devices are matched by instance path (case
 * insensitive); the device need not exist yet. At most 16 devices.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL sys, NULL or empty path, unknown
 *         flags); STATUS_NAME_TOO_LONG (path of 200 bytes or more);
 *         STATUS_INSUFFICIENT_RESOURCES (17th device).
 * Thread safety: any thread; takes effect for the next event.
 */
PNPSIM_API NTSTATUS pnpsim_trace_filter_device(pnpsim_system *sys, const char *instance_path,
                                               unsigned int flags);
/** Remove every device from the device filter (all events are delivered again). */
PNPSIM_API void pnpsim_trace_filter_clear(pnpsim_system *sys);
/** Number of records kept in the ring (the most recent ones). */
PNPSIM_API size_t pnpsim_trace_count(pnpsim_system *sys);
/**
 * Copy the index-th kept record (0 = oldest kept) into *out. The strings stay valid until the
 * record is overwritten or the system is destroyed.
 * @return nonzero if the record exists.
 */
PNPSIM_API int pnpsim_trace_get(pnpsim_system *sys, size_t index, pnpsim_trace_event *out);
/** Forget the kept records (sequence numbers continue). */
PNPSIM_API void pnpsim_trace_clear(pnpsim_system *sys);
/**
 * Search the kept records for one whose text contains needle (and, if category >= 0, of
 * that category). @return its sequence number, or 0 if none.
 */
PNPSIM_API unsigned long long pnpsim_trace_find(pnpsim_system *sys, int category,
                                                const char *needle);
/** Write the kept records to f as narrated text. */
PNPSIM_API void pnpsim_trace_dump(pnpsim_system *sys, FILE *f);
/** The name of an IRP_MN_* PnP minor function ("IRP_MN_START_DEVICE"). */
PNPSIM_API const char *pnpsim_trace_pnp_minor_name(UCHAR minor);
/** The name of an IRP_MJ_* major function ("IRP_MJ_PNP"). */
PNPSIM_API const char *pnpsim_trace_major_name(UCHAR major);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_TRACE_H */
