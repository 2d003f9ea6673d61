/* SPDX-License-Identifier: MIT */
/*
 * This file is pnpsim's one internal header, included by every source file of the library
 * (as sqliteInt.h is in SQLite). It defines the simulated system, the private wrappers that
 * embed the WDK objects (reached with CONTAINING_RECORD or the object header), the device
 * node, the per-thread state, and the internal functions each module offers the others.
 *
 * Lock contract: each system has one mutex (sys->lock) guarding its object graph. It is
 * never held while calling out into driver or test code (dispatch and completion routines,
 * DriverEntry, AddDevice, DriverUnload, work items, callbacks, bug check handlers):
 * reference what you need, unlock, call, relock. PNPSIM_ASSERT_LOCKED documents and checks
 * the places that need it.
 */
#ifndef PNPSIM_INT_H
#define PNPSIM_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pnpsim/pnpsim.h"
#include "../platform/platform.h"

/* ======================================================================================
 * Small helpers
 * ==================================================================================== */
#define PNPSIM_UNUSED(x) ((void)(x))
#define PNPSIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Internal invariant checks: abort with a message in every build (a broken invariant in the
 * simulator must never pass silently as a driver bug). */
#define PNPSIM_ASSERT(cond)                                                        \
    do {                                                                           \
        if (!(cond))                                                               \
            pnpsim__internal_error(__FILE__, __LINE__, "assertion failed: " #cond); \
    } while (0)
PNPSIM_NORETURN void pnpsim__internal_error(const char *file, int line, const char *what);

/* ======================================================================================
 * Per-thread state
 * ==================================================================================== */
typedef struct pnpsim__thread_state {
    pnpsim_system *current;          /* the thread's current system (enter/leave, callouts) */
    uint64_t thread_id;              /* pnpsim__thread_id(), once known (the trace) */
    int enter_depth;                 /* nesting of pnpsim_system_enter */
    KIRQL irql;                      /* the simulated IRQL */
    pnpsim_system *lock_held;        /* the system whose lock this thread holds, or NULL */
    int harness_depth;               /* nesting of native harness calls (DEFERRED delivery) */
    pnpsim_system *harness_saved[32];/* current system before each harness call */
    int irp_depth;                   /* IRP nesting, for trace indentation */
    int callout_depth;               /* nesting of calls into driver code */
    bool in_worker;                  /* running queued work */
    pnpsim_bugcheck_expect *expect;  /* innermost PNPSIM_EXPECT_BUGCHECK on this thread */
    pnpsim_violation last_caught;    /* last caught bug check */
    char last_caught_message[512];
    char last_error[256];            /* pnpsim_last_error_message() */
} pnpsim__thread_state;

pnpsim__thread_state *pnpsim__ts(void);

/* ======================================================================================
 * Memory: every internal allocation goes through here (fault injection, accounting).
 * The allocation header links each block into its system so that a system torn down after
 * a caught bug check can still free everything.
 * ==================================================================================== */
void *pnpsim__malloc(pnpsim_system *sys, size_t size);
void *pnpsim__calloc(pnpsim_system *sys, size_t count, size_t size);
void *pnpsim__realloc(pnpsim_system *sys, void *p, size_t size);
void pnpsim__free(pnpsim_system *sys, void *p);
char *pnpsim__strdup(pnpsim_system *sys, const char *s);
/* True (and counted) when fault injection says this allocation must fail. */
bool pnpsim__fault_should_fail(pnpsim_system *sys);
/* Fault injection hooks (src/core/fault.c, include/pnpsim/fault.h). Contract, stable for
 * every layer (wdk, kmdf, um, native): call pnpsim__fault_ddi(sys, "ExactDdiName", &status)
 * first thing in a DDI, before any check or state change; when it returns true the call
 * must fail at once with *status (or its NULL / CONFIGRET equivalent) and change nothing.
 * It counts the call only while a rule is armed, costs one atomic load otherwise, traces
 * the injection, takes only sys->lock_alloc (callable with or without sys->lock held).
 * status may be NULL. sys NULL returns false. pnpsim__fault_pool: same for a pool
 * allocation of `tag` (true: return NULL). pnpsim__fault_write: save's write point `what`
 * must fail (true). */
bool pnpsim__fault_ddi(pnpsim_system *sys, const char *ddi, NTSTATUS *status);
bool pnpsim__fault_pool(pnpsim_system *sys, ULONG tag);
bool pnpsim__fault_write(pnpsim_system *sys, const char *what);
size_t pnpsim__alloc_free_all(pnpsim_system *sys);

/* ======================================================================================
 * Errors, bug checks, trace
 * ==================================================================================== */
/* Record why a call fails (pnpsim_last_error_message) and return status: one breakpoint
 * here catches every failure the simulator reports. */
NTSTATUS pnpsim__status(NTSTATUS status, const char *fmt, ...) PNPSIM_PRINTF(2, 3);

/* The one path for every bug check. If the handler returns, this returns (record and
 * continue); if a PNPSIM_EXPECT_BUGCHECK is active it unwinds to it (releasing sys->lock
 * if this thread holds it); otherwise the default handler reports and aborts. sys may be
 * NULL when no system can be found (the report says so). */
void pnpsim__bugcheck(pnpsim_system *sys, ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                      ULONG_PTR p4, const char *fmt, ...) PNPSIM_PRINTF(7, 8);

/* The system for a DDI that carries no object: the thread's current system, or a bug check
 * naming the DDI when there is none. */
pnpsim_system *pnpsim__require_system(const char *ddi);

/* src/kmdf/fx_object.c: release the KMDF layer's per-system state (system destroy, after
 * devices and drivers are gone). */
void pnpsim__kmdf_fini(pnpsim_system *sys);
/* pnpsim_system_check: NULL when the KMDF handle table and object tree are consistent,
 * else what is broken. Caller holds sys->lock. */
const char *pnpsim__kmdf_check_locked(pnpsim_system *sys);

/* IRQL rule check for a DDI: if the current IRQL is above max_irql, bug check. When the
 * DDI has a DDI-compliance rule with a 0xC4 code (rule_code != 0) that code is used with
 * parameters (rule_code, 0, 0, 0) and the rule's name; otherwise IRQL_NOT_LESS_OR_EQUAL.
 * Returns false when the violation was recorded and the caller must fail softly. */
bool pnpsim__check_irql(pnpsim_system *sys, const char *ddi, KIRQL max_irql, ULONG_PTR rule_code,
                        const char *rule_name);

/* Trace an event. dev/drv may be NULL. */
void pnpsim__trace(pnpsim_system *sys, pnpsim_trace_category cat, pnpsim_device *dev,
                   PDRIVER_OBJECT drv, const NTSTATUS *status, const char *fmt, ...)
    PNPSIM_PRINTF(6, 7);
/* The name of a notification kind (PNPSIM__NOTIFY_*) as traces write it; recorded by
 * reference. */
const char *pnpsim__trace_notify_name(int what);
/* Nonzero when someone listens to category cat (cheap check before formatting). */
bool pnpsim__trace_on(pnpsim_system *sys, pnpsim_trace_category cat);
void pnpsim__trace_init(pnpsim_system *sys);
void pnpsim__trace_fini(pnpsim_system *sys);
/* Print the last n trace records to f (bug check reports). */
void pnpsim__trace_tail(pnpsim_system *sys, FILE *f, size_t n);

/* ======================================================================================
 * Locking
 * ==================================================================================== */
void pnpsim__lock(pnpsim_system *sys);
void pnpsim__unlock(pnpsim_system *sys);
#define PNPSIM_ASSERT_LOCKED(sys) PNPSIM_ASSERT(pnpsim__ts()->lock_held == (sys))
#define PNPSIM_ASSERT_UNLOCKED(sys) PNPSIM_ASSERT(pnpsim__ts()->lock_held != (sys))

/* ======================================================================================
 * Objects: every DEVICE_OBJECT, DRIVER_OBJECT and FILE_OBJECT is preceded in memory by an
 * object header, as on Windows. ObReferenceObject/ObDereferenceObject work on it; the
 * object is destroyed when the count reaches zero.
 * ==================================================================================== */
#define PNPSIM__OB_MAGIC 0x424F5350u /* "PSOB" */

typedef struct pnpsim__obhdr {
    uint32_t magic;
    uint16_t type; /* IO_TYPE_DEVICE, IO_TYPE_DRIVER, IO_TYPE_FILE */
    uint16_t flags;
    volatile long refs;
    pnpsim_system *sys;
    void (*destroy)(struct pnpsim__obhdr *hdr);
    void *reserved;
} pnpsim__obhdr;

#define PNPSIM__OBHDR_SIZE sizeof(pnpsim__obhdr)
/* The header of an object body, or NULL if body is not a pnpsim object. */
pnpsim__obhdr *pnpsim__ob_header(const void *body);
void pnpsim__ob_ref(pnpsim__obhdr *hdr);
void pnpsim__ob_unref(pnpsim__obhdr *hdr);

/* ---- device objects ------------------------------------------------------------------- */
typedef struct pnpsim__devobj {
    pnpsim__obhdr hdr; /* must be first: DEVICE_OBJECT follows it directly */
    DEVICE_OBJECT dev;
    DEVOBJ_EXTENSION ext;        /* dev.DeviceObjectExtension; ext.AttachedTo = lower */
    pnpsim_device *devnode;      /* the device node whose stack this object is in */
    char *name;                  /* UTF-8 device name ("\Device\X"), or NULL */
    WCHAR *name_w;               /* the same, UTF-16, NUL-terminated */
    bool deleted;                /* IoDeleteDevice was called */
    bool is_pdo;                 /* created as a PDO (by a bus driver or the simulator) */
    bool sim_pdo;                /* owned by the simulator's bus */
    bool detached;               /* IoDetachDevice was called on the device below it */
    PDEVICE_OBJECT prev_device;  /* the one before it in its driver's NextDevice chain, so
                                    IoDeleteDevice unlinks in O(1) (sys->lock) */
    /* DeviceExtension storage follows, 16-byte aligned. */
} pnpsim__devobj;

pnpsim__devobj *pnpsim__devobj_from(PDEVICE_OBJECT dev); /* NULL if not a device object */
#define PNPSIM_DEVOBJ(d) CONTAINING_RECORD((d), pnpsim__devobj, dev)

/* Create a device object for driver drv (the IoCreateDevice core). Caller holds no lock. */
NTSTATUS pnpsim__device_object_create(pnpsim_system *sys, PDRIVER_OBJECT drv, ULONG ext_size,
                                      PUNICODE_STRING name, DEVICE_TYPE type, ULONG chars,
                                      BOOLEAN exclusive, PDEVICE_OBJECT *out);
/* The top of the stack containing dev (not referenced). */
PDEVICE_OBJECT pnpsim__stack_top(PDEVICE_OBJECT dev);
/* The bottom of the stack containing dev (the PDO). */
PDEVICE_OBJECT pnpsim__stack_bottom(PDEVICE_OBJECT dev);

/* ---- driver objects ------------------------------------------------------------------- */
typedef struct pnpsim__driver {
    pnpsim__obhdr hdr; /* must be first */
    DRIVER_OBJECT drv;
    DRIVER_EXTENSION ext;
    char *service_name;
    WCHAR *name_w;      /* "\Driver\<service>" */
    WCHAR *regpath_w;   /* "\Registry\Machine\System\CurrentControlSet\Services\<service>" */
    UNICODE_STRING registry_path;
    LIST_ENTRY link;    /* sys->drivers */
    bool entry_done;    /* DriverEntry succeeded */
    bool unloaded;      /* DriverUnload ran (or the driver was unloaded without one) */
    bool builtin;       /* the simulator's own bus driver */
    unsigned long pool_live;  /* outstanding pool allocations owned by this driver */
    unsigned long long pool_bytes;
} pnpsim__driver;

pnpsim__driver *pnpsim__driver_from(PDRIVER_OBJECT drv); /* NULL if not a driver object */

NTSTATUS pnpsim__driver_ensure_loaded(pnpsim_system *sys, pnpsim__driver *d);
NTSTATUS pnpsim__driver_create_sim_bus(pnpsim_system *sys);
size_t pnpsim__driver_stack_for(pnpsim_device *dn, pnpsim__driver **out, size_t max,
                                bool *has_function);
void pnpsim__driver_unload_all(pnpsim_system *sys);
void pnpsim__driver_free_all(pnpsim_system *sys);
void pnpsim__devnode_teardown_all(pnpsim_system *sys);

/* Unload a driver if it has no devices left and has a DriverUnload (or force at shutdown):
 * runs DriverUnload, then the pool-leak check. Caller holds no lock. */
void pnpsim__driver_maybe_unload(pnpsim_system *sys, pnpsim__driver *d, bool force);

/* ---- file objects --------------------------------------------------------------------- */
typedef struct pnpsim__file {
    pnpsim__obhdr hdr; /* must be first */
    FILE_OBJECT file;
    pnpsim_device *devnode; /* counted in devnode->open_handles while open */
    WCHAR *name_w;
    bool closed;            /* cleanup and close were sent */
    bool bare;              /* opened on a named device object outside any device node */
} pnpsim__file;

pnpsim__file *pnpsim__file_from(PFILE_OBJECT f);

/* ======================================================================================
 * IRPs
 * ==================================================================================== */
#define PNPSIM__IRP_MAGIC 0x50524950u /* "PIRP" */

typedef struct pnpsim__irp {
    uint32_t magic;
    bool completed;           /* IoCompleteRequest ran to the end */
    bool freed;
    bool sim_owned;           /* sent by the simulator (PnP manager) */
    pnpsim_system *sys;
    KEVENT *done_event;       /* set when completion reaches the top (sim IRPs) */
    void *reserved;
    IRP irp;                  /* IO_STACK_LOCATIONs follow */
} pnpsim__irp;

pnpsim__irp *pnpsim__irp_from(PIRP irp); /* NULL if not an IRP pnpsim allocated */
PIRP pnpsim__irp_alloc(pnpsim_system *sys, CCHAR stack_size);

/* Send a PnP (IRP_MJ_PNP) IRP the way the PnP manager does: to the top of the devnode's
 * stack, IoStatus.Status pre-set to STATUS_NOT_SUPPORTED, at PASSIVE_LEVEL, and wait for
 * completion (letting queued work run while it is pending). The stack location is filled
 * from *params (MajorFunction/MinorFunction/Parameters only). On return *info receives
 * IoStatus.Information. Caller holds no lock. */
NTSTATUS pnpsim__pnp_irp(pnpsim_device *dn, const IO_STACK_LOCATION *params, ULONG_PTR *info);
/* The same, except that when nothing but the simulator's own PDO is in dn's stack the
 * answer is read by direct(dn, params, ctx) (its status is the IRP's), so the caller gets
 * it in its own form (identification reads UTF-8 copies, devnode.c). */
typedef NTSTATUS (*pnpsim__pnp_direct_fn)(pnpsim_device *dn, const IO_STACK_LOCATION *params,
                                          void *ctx);
NTSTATUS pnpsim__pnp_irp_direct(pnpsim_device *dn, const IO_STACK_LOCATION *params,
                                ULONG_PTR *info, pnpsim__pnp_direct_fn direct, void *ctx);
/* Same, but to an explicit device object (the top of its stack is NOT looked up). */
NTSTATUS pnpsim__send_irp_sync(pnpsim_system *sys, PDEVICE_OBJECT target,
                               const IO_STACK_LOCATION *params, NTSTATUS initial,
                               ULONG_PTR initial_info, PFILE_OBJECT file, ULONG_PTR *info);

/* ======================================================================================
 * Deferred work (PnP queue): enumeration requests, driver work items, later notifications.
 * ==================================================================================== */
typedef struct pnpsim__work {
    LIST_ENTRY link;
    void (*run)(pnpsim_system *sys, struct pnpsim__work *w); /* must free w (or reuse it) */
    void (*discard)(pnpsim_system *sys, struct pnpsim__work *w); /* at destroy; frees w */
    const char *what;          /* for traces */
    int kind;                  /* PNPSIM__WORK_* */
} pnpsim__work;

enum { PNPSIM__WORK_ENUMERATE = 1, PNPSIM__WORK_ITEM = 2, PNPSIM__WORK_NOTIFY = 3,
       PNPSIM__WORK_OTHER = 4 };

/* Queue work (caller holds no lock). */
void pnpsim__work_queue(pnpsim_system *sys, pnpsim__work *w);
/* Run queued work until the queue is empty (or only `kinds` filter match). Returns count.
 * Caller holds no lock. */
size_t pnpsim__work_run(pnpsim_system *sys);
/* WORKER delivery: wait until the worker has run everything queued (no-op in the other
 * modes and on the worker itself). Caller holds no lock. */
void pnpsim__work_wait_idle(pnpsim_system *sys);
/* Run one queued item if any; returns true if one ran. */
bool pnpsim__work_run_one(pnpsim_system *sys);
void pnpsim__work_stop_worker(pnpsim_system *sys);
void pnpsim__work_discard_all(pnpsim_system *sys);
void pnpsim__bugcheck_free_records(pnpsim_system *sys);

/* Native harness calls bracket themselves with these: the outermost one on a thread runs
 * queued work before returning (DEFERRED delivery). */
void pnpsim__harness_enter(pnpsim_system *sys);
void pnpsim__harness_leave(pnpsim_system *sys);

/* Callouts into driver code: make sys current, check the IRQL is restored on return. */
typedef struct pnpsim__callout {
    pnpsim_system *saved_current;
    KIRQL irql;
    const char *what;
} pnpsim__callout;
void pnpsim__callout_begin(pnpsim_system *sys, pnpsim__callout *c, const char *what);
void pnpsim__callout_end(pnpsim_system *sys, pnpsim__callout *c);

/* ======================================================================================
 * Dispatcher (KEVENT etc.): one process-wide lock and condition variable, like the
 * dispatcher lock. Waiting on an unsignalled object first lets the current system's queued
 * work run (the simulated worker threads get the CPU).
 * ==================================================================================== */
void pnpsim__dispatcher_init(void);
/* Wait for an event set by the simulator itself (no IRQL checks). */
void pnpsim__event_wait(pnpsim_system *sys, PKEVENT ev);

/* ======================================================================================
 * Pool (ExAllocatePool*): tracked per system, tag and owner driver.
 * ==================================================================================== */
void pnpsim__pool_init(pnpsim_system *sys);
/* Free every block still allocated (system destroy), reporting them as leaks of their
 * owners when report is true. */
void pnpsim__pool_fini(pnpsim_system *sys, bool report);
/* Report (trace + count) every block owned by drv still allocated: called at unload. */
size_t pnpsim__pool_check_driver_leaks(pnpsim_system *sys, PDRIVER_OBJECT drv);
/* Allocate pool owned by drv (NULL: the system/test) for the simulator's own hand-outs
 * (buffers a driver later frees with ExFreePool). */
void *pnpsim__pool_alloc(pnpsim_system *sys, PDRIVER_OBJECT owner, POOL_TYPE type, size_t size,
                         ULONG tag);
/* The driver currently running on this thread (the owner of new pool), or NULL. */
PDRIVER_OBJECT pnpsim__current_driver(void);
void pnpsim__set_current_driver(PDRIVER_OBJECT drv, PDRIVER_OBJECT *saved);

/* ======================================================================================
 * Device nodes
 * ==================================================================================== */
typedef struct pnpsim__binding {
    LIST_ENTRY link;
    char *hwid;
    pnpsim__driver *driver;
    int role; /* 0 function, 1 lower filter, 2 upper filter */
} pnpsim__binding;

typedef struct pnpsim__devprop {
    struct pnpsim__devprop *next;
    DEVPROPKEY key;
    LCID lcid;
    DEVPROPTYPE type;
    ULONG size;
    unsigned char *data;
    ULONG flags;                /* PLUGPLAY_PROPERTY_PERSISTENT as set (not yet persisted) */
} pnpsim__devprop;

struct pnpsim_device {
    pnpsim_system *sys;
    pnpsim_device *parent;
    LIST_ENTRY children;        /* of pnpsim_device.sibling_link, in report order */
    LIST_ENTRY sibling_link;
    LIST_ENTRY all_link;        /* sys->all_devices */
    pnpsim__devobj *pdo;        /* referenced while the devnode lives */
    char *device_id;            /* as reported */
    char *bus_instance_id;      /* instance ID as the bus reported it */
    char *instance_id;          /* after ParentIdPrefix */
    char *instance_path;        /* device_id + '\' + instance_id */
    char **hardware_ids;        /* NULL-terminated */
    char **compatible_ids;      /* NULL-terminated */
    char *container_id;
    char *description;
    char *location;
    char *parent_id_prefix;     /* for this device's children, made on first use */
    unsigned level;             /* root = 0 */
    unsigned child_counter;     /* ParentIdPrefix counter source */
    DEVICE_CAPABILITIES caps;
    pnpsim_device_state state;
    ULONG problem;
    bool sim_owned;             /* PDO belongs to the simulator's bus */
    bool is_root;
    bool enum_pending;          /* identified, Enum key not written yet (iface.c) */
    bool reported;              /* present in the parent's last bus relations */
    bool missing;               /* the bus stopped reporting it (or surprise removal) */
    bool remove_pending;        /* surprise removed; REMOVE waits for the last close */
    bool enumerating;           /* an enumeration request is queued */
    bool start_failed;
    unsigned long open_handles;
    pnpsim__devprop *props;
    /* simulated PDO settings: what the simulator's PDO reports */
    char **sim_hardware_ids;    /* NULL: { device_id } */
    char **sim_compatible_ids;  /* NULL: none */
    BOOLEAN unique_id;
    BOOLEAN raw_ok;
};

/* devnode.c */
pnpsim_device *pnpsim__devnode_new(pnpsim_system *sys, pnpsim_device *parent,
                                   PDEVICE_OBJECT pdo, bool sim_owned);
void pnpsim__devnode_link(pnpsim_device *dn);
void pnpsim__devnode_unlink(pnpsim_device *dn);
NTSTATUS pnpsim__devnode_identify(pnpsim_device *dn);
NTSTATUS pnpsim__devnode_query_caps(pnpsim_device *dn, DEVICE_CAPABILITIES *caps);
void pnpsim__caps_prefill(DEVICE_CAPABILITIES *caps);
pnpsim_device *pnpsim__devnode_find_locked(pnpsim_system *sys, const char *path);
const char *pnpsim__devnode_parent_id_prefix(pnpsim_device *dn);
void pnpsim__devnode_free_all(pnpsim_system *sys);
/* io_devprop.c */
void pnpsim__devprop_free(pnpsim_device *dn);
void pnpsim__devprop_free_all(pnpsim_system *sys);
/* Why (type, size, data) is not a well-formed property value of that DEVPROPTYPE, or NULL
 * (shared by device and device-interface properties). */
const char *pnpsim__devprop_value_problem(DEVPROPTYPE type, ULONG size, const void *data);

/* Transition with a trace record. Caller holds sys->lock. */
void pnpsim__devnode_set_state(pnpsim_device *dn, pnpsim_device_state st);
/* The device node a device object belongs to (walks down to the PDO). */
pnpsim_device *pnpsim__devnode_of(PDEVICE_OBJECT dev);
/* A file object on the device closed (after CLEANUP/CLOSE): may send the held-back
 * IRP_MN_REMOVE_DEVICE of a surprise-removed device. Caller holds no lock. */
void pnpsim__devnode_handle_closed(pnpsim_device *dn);
/* Queue enumeration of dn's bus relations (IoInvalidateDeviceRelations). */
void pnpsim__devnode_request_enumeration(pnpsim_device *dn);

/* The dispatch routine of the simulator's own PDOs (root bus and simulated children). */
NTSTATUS NTAPI pnpsim__sim_pdo_dispatch(PDEVICE_OBJECT dev, PIRP irp);
/* The answer of dn's simulator-owned PDO to the PnP IRP sp, given without an IRP when
 * nothing but that PDO is in the stack (pnpsim__pnp_irp): *status is the status the IRP
 * would arrive with, *info its Information; both are updated. False (nothing done) for
 * IRP_MN_QUERY_INTERFACE and non-PnP parameters. */
bool pnpsim__sim_pdo_answer(pnpsim_device *dn, const IO_STACK_LOCATION *sp, NTSTATUS *status,
                            ULONG_PTR *info);
/* What dn's simulator-owned PDO answers, shared by its IRP dispatch and identification
 * without an IRP (devnode.c): the NULL-terminated strings of IRP_MN_QUERY_ID(type) in
 * *items (one[] holds a single string) and whether they are a multi-string, false when it
 * does not answer that type (caller holds the system lock); the text of
 * IRP_MN_QUERY_DEVICE_TEXT(type), or NULL when it has none. */
bool pnpsim__sim_pdo_ids_locked(pnpsim_device *dn, BUS_QUERY_ID_TYPE type, const char *one[2],
                                const char *const **items, bool *multi);
const char *pnpsim__sim_pdo_text(pnpsim_device *dn, DEVICE_TEXT_TYPE type);

/* ======================================================================================
 * The system
 * ==================================================================================== */
typedef struct pnpsim__trace_state pnpsim__trace_state;
typedef struct pnpsim__pool_state pnpsim__pool_state;

struct pnpsim_system {
    pnpsim__mutex lock;
    pnpsim__mutex lock_alloc;        /* guards the allocation list and fault counters only */
    pnpsim_config cfg;
    char *name;

    /* allocation accounting and fault injection */
    LIST_ENTRY allocs;               /* every live internal allocation */
    unsigned long alloc_live;
    unsigned long alloc_attempts;
    unsigned long fault_at;          /* fail the allocation whose attempt number is this */
    unsigned long fault_count;       /* how many to fail from fault_at (0 = all) */
    unsigned long fault_injected;
    struct pnpsim__fault_state *fault; /* fault.c: the other rules (under lock_alloc) */
    volatile long fault_rules;       /* armed DDI/pool/write rules (the cheap check) */

    /* drivers and devices */
    LIST_ENTRY drivers;              /* pnpsim__driver.link */
    LIST_ENTRY bindings;             /* pnpsim__binding.link */
    LIST_ENTRY all_devices;          /* pnpsim_device.all_link */
    size_t enum_pending;             /* device nodes whose Enum key is still to be written */
    bool enum_flushing;              /* pnpsim__iface_enum_flush_locked is running */
    pnpsim_device *root;
    pnpsim__driver *sim_bus;         /* the simulator's own bus driver (\Driver\PnpManager) */
    unsigned long next_device_number;/* \Device\0000001a style names */
    unsigned long explicit_auto_names;/* explicit names of that form given (io_device.c) */
    unsigned long boot_count;

    /* deferred work */
    LIST_ENTRY work;                 /* pnpsim__work.link */
    size_t work_count;
    bool work_running;               /* a thread is draining the queue */
    uint64_t work_owner;             /* DEFERRED/MANUAL: the thread running an item (0: none);
                                      * items run one at a time, in queue order */
    int work_owner_depth;            /* nesting of that thread's runs (waits inside items) */
    pnpsim__thread worker;
    bool worker_started;
    bool worker_stop;
    pnpsim__cond work_cond;

    /* bug checks */
    pnpsim_bugcheck_fn bugcheck_fn;
    void *bugcheck_ctx;
    pnpsim_violation *violations;    /* every bug check seen */
    size_t violation_count;
    size_t violation_cap;
    bool crashed;                    /* a bug check was caught: teardown is lenient */

    /* pool and trace (owned by pool.c and trace.c) */
    pnpsim__pool_state *pool;
    pnpsim__trace_state *trace;
    size_t pool_leaks;

    bool destroying;
    bool final_shutdown;             /* the shutdown of pnpsim_system_destroy: no new root */

    /* Object manager and I/O manager (src/wdk/ob.c, io_irp.c): the memory of freed device
     * objects, file objects and IRPs is held here for a while before it is released, so a
     * second IoDeleteDevice / IoFreeIrp / ObDereferenceObject is detected (bug check)
     * instead of touching freed memory; pnpsim__alloc_free_all releases what is left. And
     * the system's cancel spin lock (IoAcquireCancelSpinLock). */
    void *volatile ob_quarantine[64];
    volatile long ob_quarantine_next;
    KSPIN_LOCK cancel_lock;

    /* The registry store and handle table (registry.c), created on first use. */
    struct pnpsim__registry *registry;

    /* The device interface manager (src/core/iface.c), created on first use. */
    struct pnpsim__iface_state *iface;

    /* Device nodes by instance path (src/core/devnode.c), built as devices are linked. */
    struct pnpsim__devpath_index *devpaths;

    /* PnP notification registrations and queued events (src/core/notify.c), created on
     * first use; freed by pnpsim__notify_fini. */
    struct pnpsim__notify_state *notify;

    /* The KMDF layer's handle table and drivers (src/kmdf/fx_object.c), created on first
     * use; released by pnpsim__kmdf_fini at destroy. */
    struct pnpsim__kmdf_state *kmdf;

    /* The query-interface ledger and the verifier's modes and record (src/core/qi.c,
     * verifier.c), created on first use. */
    struct pnpsim__qi_state *qi;
    struct pnpsim__verifier_state *verifier;

    /* Simulated time, timers, DPCs, system threads and the reported Windows version
     * (src/wdk/ke_timer.c, ps_thread.c, mm.c), created on first use; pnpsim__ke_fini joins
     * system threads still running at destroy. */
    struct pnpsim__ke_state *ke;
};

/* System destroy: report and join system threads still running, forget timers and queued
 * DPCs (src/wdk/ke_timer.c). Caller holds no lock. */
void pnpsim__ke_fini(pnpsim_system *sys);

/* Sim bus driver and root device (system.c). */
NTSTATUS pnpsim__system_build_root(pnpsim_system *sys);

/* ======================================================================================
 * Strings (ustr.c): UTF-8 <-> UTF-16 and the few wide helpers the library needs. Never
 * libc wcs* (wrong width under -fshort-wchar).
 * ==================================================================================== */
size_t pnpsim__wcslen(const WCHAR *s);
/* UTF-8 -> newly allocated NUL-terminated UTF-16 (internal allocator); NULL on OOM/bad input. */
WCHAR *pnpsim__utf8_to_utf16(pnpsim_system *sys, const char *s, size_t *out_chars);
/* UTF-16 (n chars) -> newly allocated UTF-8 (internal allocator). */
char *pnpsim__utf16_to_utf8(pnpsim_system *sys, const WCHAR *s, size_t n);
/* Same, into a caller buffer (truncated, always terminated); for traces. */
void pnpsim__utf16_to_utf8_buf(const WCHAR *s, size_t n, char *buf, size_t bufsize);
/* Case-insensitive ASCII compare of UTF-8 strings. */
int pnpsim__stricmp(const char *a, const char *b);
/* A UNICODE_STRING is well formed: even lengths, Length <= MaximumLength, Buffer non-NULL
 * when Length > 0. */
bool pnpsim__ustr_valid(PCUNICODE_STRING s);
/* GUID as "{xxxxxxxx-xxxx-...}" lower or upper case into buf (39 bytes). */
void pnpsim__guid_format(const GUID *g, bool upper, char buf[39]);
bool pnpsim__guid_parse(const char *s, size_t n, GUID *out);

#endif /* PNPSIM_INT_H */
