/* SPDX-License-Identifier: MIT */
/*
 * This file declares the internals of pnpsim's KMDF layer (src/kmdf/): the framework object
 * model every Wdf* handle names, the driver, device and device-init records, the handle
 * checks that bug check with WDF_VIOLATION (0x10D), callouts into framework callbacks, and
 * the hooks the PnP dispatcher (fx_pnp.c) calls into the other parts of the layer (child
 * lists and PDOs, query-interface, queues, I/O targets). KMDF is built the way the real
 * framework is built: on top of the WDM layer. A WDFDEVICE owns a WDM device object whose
 * dispatch routines are the framework's; PnP reaches the framework through ordinary IRPs.
 *
 * Locking: the handle table and object trees are guarded by sys->lock (short sections, never
 * across a callout). Framework callbacks run through pnpsim__fx_call_begin/end.
 */
#ifndef PNPSIM_KMDF_INT_H
#define PNPSIM_KMDF_INT_H

#include "pnpsim_int.h"
#include "qi.h"
#include "pnpsim/wdk/wdf.h"

/* ======================================================================================
 * Objects and handles
 * ==================================================================================== */
#define PNPSIM__FX_MAGIC 0x4F584650u /* "PFXO" */

typedef enum pnpsim__fx_type {
    PNPSIM_FX_ANY = 0, /* for generic object methods: any framework object */
    PNPSIM_FX_OBJECT,  /* WdfObjectCreate */
    PNPSIM_FX_DRIVER,
    PNPSIM_FX_DEVICE,
    PNPSIM_FX_QUEUE,
    PNPSIM_FX_REQUEST,
    PNPSIM_FX_IOTARGET,
    PNPSIM_FX_STRING,
    PNPSIM_FX_MEMORY,
    PNPSIM_FX_CHILDLIST,
    PNPSIM_FX_SPINLOCK,
    PNPSIM_FX_WAITLOCK,
    PNPSIM_FX_TIMER,
    PNPSIM_FX_WORKITEM,
    PNPSIM_FX_COLLECTION,
    PNPSIM_FX_KEY,
    PNPSIM_FX_FILEOBJECT,
    PNPSIM_FX_CMRESLIST,
    PNPSIM_FX_IORESREQLIST,
    PNPSIM_FX_IORESLIST,
    PNPSIM_FX_TYPE_COUNT
} pnpsim__fx_type;

typedef struct pnpsim__fx_object pnpsim__fx_object;
typedef struct pnpsim__fx_driver pnpsim__fx_driver;
typedef struct pnpsim__fx_device pnpsim__fx_device;

/* One typed context area of an object. The driver's data follows, 16-byte aligned. */
typedef struct pnpsim__fx_context {
    struct pnpsim__fx_context *next;
    pnpsim__fx_object *owner;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO type; /* the UniqueType the driver asks for */
    PFN_WDF_OBJECT_CONTEXT_CLEANUP cleanup;
    PFN_WDF_OBJECT_CONTEXT_DESTROY destroy;
    size_t size;
    uint64_t align_pad;
} pnpsim__fx_context;

/* Type-specific behaviour of an object. */
typedef struct pnpsim__fx_ops {
    const char *name; /* "WDFDEVICE", ... */
    /* Runs when deletion starts, after the children were deleted and after the driver's
     * EvtCleanupCallback (may call driver code; no lock held). May be NULL. */
    void (*on_delete)(pnpsim__fx_object *o);
    /* Runs when the last reference goes, after EvtDestroyCallback, before the memory is
     * released: free what the object owns. May be NULL. */
    void (*on_destroy)(pnpsim__fx_object *o);
    /* Nonzero: the driver may not WdfObjectDelete it (the framework owns its lifetime);
     * WdfObjectDelete then reports a verifier error and does nothing. */
    bool framework_owned;
} pnpsim__fx_ops;

struct pnpsim__fx_object {
    uint32_t magic;
    pnpsim__fx_type type;
    pnpsim_system *sys;
    const pnpsim__fx_ops *ops;
    pnpsim__fx_driver *driver;   /* the driver the object belongs to */
    pnpsim__fx_object *parent;   /* NULL for the driver object */
    LIST_ENTRY children;         /* pnpsim__fx_object.sibling */
    LIST_ENTRY sibling;
    volatile long refs;          /* 1 for existence + WdfObjectReference + internal refs */
    bool deleting;               /* deletion started (children, cleanup) */
    bool cleaned;                /* EvtCleanupCallback ran */
    bool existence_dropped;      /* the existence reference was released */
    WDF_EXECUTION_LEVEL exec_level;
    WDF_SYNCHRONIZATION_SCOPE sync_scope;
    pnpsim__fx_context *contexts; /* in allocation order; the first is the attributes' */
};

/* Initialize and register a new object (allocated by the caller with pnpsim__calloc; the
 * fx object must be the first member of the caller's struct). attrs may be NULL. parent
 * NULL means the driver (for objects other than the driver itself). Allocates the context
 * from attrs. Returns STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES, or
 * STATUS_INVALID_PARAMETER / STATUS_INFO_LENGTH_MISMATCH for bad attributes. On failure
 * nothing is registered and the caller frees its allocation. Caller holds no lock. */
NTSTATUS pnpsim__fx_object_init(pnpsim_system *sys, pnpsim__fx_object *o, pnpsim__fx_type type,
                                const pnpsim__fx_ops *ops, pnpsim__fx_driver *driver,
                                pnpsim__fx_object *parent, PWDF_OBJECT_ATTRIBUTES attrs,
                                const char *ddi);
/* Check attributes the way KMDF does (Size, ParentObject handle, context size). */
NTSTATUS pnpsim__fx_attributes_check(pnpsim_system *sys, PWDF_OBJECT_ATTRIBUTES attrs,
                                     const char *ddi);
/* Delete an object as WdfObjectDelete does (children first, cleanup callbacks, then the
 * existence reference). Framework-internal deletions use this too. No lock held. */
void pnpsim__fx_object_delete(pnpsim__fx_object *o);
void pnpsim__fx_ref(pnpsim__fx_object *o);
void pnpsim__fx_unref(pnpsim__fx_object *o);

/* Validate a handle passed to ddi: NULL -> WDF_VIOLATION 0x4; not a live framework object
 * of this system -> 0x5; wrong type (want != PNPSIM_FX_ANY) -> 0x5. Returns the object, or
 * NULL when the violation was recorded and the DDI must fail softly. */
pnpsim__fx_object *pnpsim__fx_get(WDFOBJECT h, pnpsim__fx_type want, const char *ddi);
/* Same without bug checks: the object or NULL. */
pnpsim__fx_object *pnpsim__fx_lookup(pnpsim_system *sys, WDFOBJECT h);
#define PNPSIM_FX_HANDLE(o) ((WDFOBJECT)(o))

/* KmdfIrql: the caller's IRQL must not exceed max. Reports rule "KmdfIrql" (WDF_VIOLATION,
 * PNPSIM_WDF_IRQL_TOO_HIGH) and returns false when it does. */
bool pnpsim__fx_check_irql(pnpsim_system *sys, KIRQL max, const char *ddi);
/* A required pointer parameter is NULL: WDF_VIOLATION 0x4 (rule "WdfRequiredParameterNull").
 * Returns false (fail softly) when reported. */
bool pnpsim__fx_check_ptr(pnpsim_system *sys, const void *p, const char *what, const char *ddi);
/* A DDI pnpsim does not model: logs once per DDI and system, returns STATUS_NOT_IMPLEMENTED.
 * For VOID DDIs the verifier rule "KmdfNotImplemented" is reported (RECORD by default). */
NTSTATUS pnpsim__fx_not_implemented(const char *ddi);
void pnpsim__fx_not_implemented_void(const char *ddi);
/* A verifier report for KMDF misuse (rule name, WDF_VIOLATION parameter 1..3). */
void pnpsim__fx_violation(pnpsim_system *sys, const char *rule, const char *ddi, ULONG_PTR p1,
                          ULONG_PTR p2, ULONG_PTR p3, const char *fmt, ...) PNPSIM_PRINTF(7, 8);

/* Rule names of the KMDF layer (verifier.h modes apply). */
#define PNPSIM_RULE_WDF_INVALID_HANDLE "WdfInvalidHandle"       /* 0x10D/0x5 */
#define PNPSIM_RULE_WDF_NULL_PARAMETER "WdfRequiredParameterNull" /* 0x10D/0x4 */
#define PNPSIM_RULE_WDF_OBJECT_ERROR "WdfObjectError"           /* 0x10D/0x7 */
#define PNPSIM_RULE_WDF_CALLBACK_IRQL "WdfCallbackIrqlMismatch" /* 0x10D/0xE */
#define PNPSIM_RULE_KMDF_IRQL "KmdfIrql"                        /* 0x10D/PNPSIM_WDF_IRQL_TOO_HIGH */
#define PNPSIM_RULE_DRIVER_CREATE "DriverCreate"                /* 0x10D/PNPSIM_WDF_DRIVER_CREATE */
#define PNPSIM_RULE_KMDF_NOT_IMPLEMENTED "KmdfNotImplemented"   /* RECORD by default */
#define PNPSIM_RULE_KMDF_WRONG_STATE "KmdfWrongState"           /* 0x10D/PNPSIM_WDF_WRONG_STATE */

/* ======================================================================================
 * Callouts into framework callbacks
 * ==================================================================================== */
typedef struct pnpsim__fx_call {
    pnpsim__callout c;
    PDRIVER_OBJECT saved_driver;
    KIRQL irql;
    const char *what;
} pnpsim__fx_call;
/* Around every call of a driver's Evt* callback: makes sys current, attributes pool to the
 * driver, and on return checks the IRQL is the one it was called at (WDF_VIOLATION 0xE).
 * No lock may be held. */
void pnpsim__fx_call_begin(pnpsim_system *sys, pnpsim__fx_driver *drv, pnpsim__fx_call *c,
                           const char *what);
void pnpsim__fx_call_end(pnpsim_system *sys, pnpsim__fx_call *c);

/* ======================================================================================
 * Drivers
 * ==================================================================================== */
struct pnpsim__fx_driver {
    pnpsim__fx_object obj;       /* must be first */
    PDRIVER_OBJECT wdm;
    WDF_DRIVER_CONFIG cfg;
    WCHAR *regpath;              /* NUL-terminated copy of the registry path */
    LIST_ENTRY link;             /* pnpsim__kmdf_state.drivers */
    LIST_ENTRY devices;          /* pnpsim__fx_device.driver_link */
    bool unloading;
};

/* The framework driver of a WDM driver object, or NULL. */
pnpsim__fx_driver *pnpsim__fx_driver_of(pnpsim_system *sys, PDRIVER_OBJECT drv);
/* The driver the calling code belongs to (pnpsim__current_driver), or NULL. */
pnpsim__fx_driver *pnpsim__fx_current_driver(pnpsim_system *sys);

/* ======================================================================================
 * Devices
 * ==================================================================================== */
#define PNPSIM__FX_INIT_MAGIC 0x54494E49u /* "INIT" */

typedef struct pnpsim__fx_pdo_init pnpsim__fx_pdo_init;     /* fx_pdo.c */
typedef struct pnpsim__fx_pdo pnpsim__fx_pdo;               /* fx_pdo.c */
typedef struct pnpsim__fx_bus pnpsim__fx_bus;               /* fx_childlist.c */
typedef struct pnpsim__fx_io pnpsim__fx_io;                 /* fx_queue.c */
typedef struct pnpsim__fx_iotarget pnpsim__fx_iotarget;     /* fx_iotarget.c */

/* WDFDEVICE_INIT: everything a driver sets before WdfDeviceCreate. */
struct WDFDEVICE_INIT {
    uint32_t magic;
    pnpsim_system *sys;
    pnpsim__fx_driver *driver;
    bool is_pdo;                 /* from WdfPdoInitAllocate */
    bool is_filter;              /* WdfFdoInitSetFilter */
    bool is_control;             /* WdfControlDeviceInitAllocate (not modelled) */
    bool allocated;              /* allocated by the driver (PDO/control): WdfDeviceInitFree */
    PDEVICE_OBJECT pdo;          /* FDO: the PDO AddDevice was given */
    pnpsim__fx_device *parent;   /* PDO: the bus driver's FDO */
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_POWER_POLICY_EVENT_CALLBACKS power_policy;
    bool power_policy_owner_set;
    BOOLEAN power_policy_owner;
    WDF_FILEOBJECT_CONFIG file_config;
    WDF_OBJECT_ATTRIBUTES file_attributes;
    bool file_config_set;
    bool file_attributes_set;
    WDF_OBJECT_ATTRIBUTES request_attributes;
    bool request_attributes_set;
    WDF_DEVICE_IO_TYPE io_type;
    DEVICE_TYPE device_type;
    ULONG characteristics;
    BOOLEAN exclusive;
    WCHAR *name;                 /* WdfDeviceInitAssignName, NUL-terminated */
    GUID device_class;
    bool device_class_set;
    PFN_WDF_IO_IN_CALLER_CONTEXT io_in_caller_context;
    PFN_WDFDEVICE_WDM_IRP_PREPROCESS preprocess[IRP_MJ_MAXIMUM_FUNCTION + 1];
    UCHAR *preprocess_minors[IRP_MJ_MAXIMUM_FUNCTION + 1]; /* NULL: every minor */
    ULONG preprocess_minor_count[IRP_MJ_MAXIMUM_FUNCTION + 1];
    WDF_FDO_EVENT_CALLBACKS fdo_callbacks;
    /* fx_childlist.c: the default child list configuration (WdfFdoInitSetDefaultChildListConfig) */
    void *child_list_config;     /* pnpsim__calloc'ed copy, freed by pnpsim__fx_init_free */
    WDF_OBJECT_ATTRIBUTES child_list_attributes;
    bool child_list_attributes_set;
    /* fx_pdo.c: IDs, text, raw flag ... */
    pnpsim__fx_pdo_init *pdo_init;
    /* Set by WdfDeviceCreate for a framework-provided init (AddDevice,
     * EvtChildListCreateDevice): the device it created. */
    pnpsim__fx_device *created;
};

/* Free a WDFDEVICE_INIT and everything it owns (caller holds no lock). */
void pnpsim__fx_init_free(PWDFDEVICE_INIT init);
/* A driver-allocated or framework-supplied init: validate (NULL -> 0x10D/0x4). */
bool pnpsim__fx_init_check(pnpsim_system *sys, PWDFDEVICE_INIT init, const char *ddi);

/* One interface created by WdfDeviceCreateDeviceInterface (§10.4). */
typedef struct pnpsim__fx_iface {
    LIST_ENTRY link;
    GUID guid;
    WCHAR *ref;                  /* NULL: no reference string */
    USHORT ref_bytes;
    UNICODE_STRING name;         /* registered symbolic link name (Buffer NULL until then) */
    bool registered;
    bool auto_enable;            /* cleared by WdfDeviceSetDeviceInterfaceStateEx only */
    bool state;                  /* last state the driver asked for */
} pnpsim__fx_iface;

struct pnpsim__fx_device {
    pnpsim__fx_object obj;       /* must be first */
    PDEVICE_OBJECT self;         /* the WDM device object */
    PDEVICE_OBJECT lower;        /* FDO/filter: the next-lower device object */
    PDEVICE_OBJECT pdo;          /* the stack's PDO (self for a PDO) */
    bool is_pdo;
    bool is_filter;
    pnpsim__fx_device *parent;   /* PDO: the bus FDO */
    LIST_ENTRY driver_link;      /* pnpsim__fx_driver.devices */
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_POWER_POLICY_EVENT_CALLBACKS power_policy;
    WDF_DEVICE_PNP_STATE pnp_state;
    WDF_DEVICE_IO_TYPE io_type;
    bool hardware_prepared;      /* EvtDevicePrepareHardware succeeded, not yet released */
    bool in_d0;                  /* EvtDeviceD0Entry succeeded, not yet exited */
    bool self_managed_started;   /* EvtDeviceSelfManagedIoInit ran (cleanup due) */
    bool self_managed_suspended;
    bool started;                /* START completed successfully */
    bool stopped;                /* STOP_DEVICE (rebalance) left it stopped */
    bool surprise_removed;
    bool removed;                /* REMOVE_DEVICE handled */
    bool interfaces_disabled;    /* removal cleanup ran */
    bool failed;                 /* WdfDeviceSetFailed */
    WDF_DEVICE_FAILED_ACTION failed_action;
    WDF_DEVICE_PNP_CAPABILITIES pnp_caps;
    bool pnp_caps_set;
    WDF_DEVICE_STATE device_state;
    WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS idle;
    bool idle_set;
    DEVICE_POWER_STATE power;    /* current device power state (D0 while in_d0) */
    UNICODE_STRING symlink;      /* WdfDeviceCreateSymbolicLink */
    LIST_ENTRY ifaces;           /* pnpsim__fx_iface.link (fx_iface.c) */
    PFN_WDFDEVICE_WDM_IRP_PREPROCESS preprocess[IRP_MJ_MAXIMUM_FUNCTION + 1];
    UCHAR *preprocess_minors[IRP_MJ_MAXIMUM_FUNCTION + 1];
    ULONG preprocess_minor_count[IRP_MJ_MAXIMUM_FUNCTION + 1];
    WDF_FDO_EVENT_CALLBACKS fdo_callbacks;
    /* Owned by fx_qi.c: WdfDeviceAddQueryInterface entries, in insertion order. */
    LIST_ENTRY qi_entries;
    /* Owned by fx_iotarget.c: the local I/O target (created on first use). */
    pnpsim__fx_iotarget *local_target;
    /* Owned by fx_queue.c: queues, the default queue, file object settings. */
    pnpsim__fx_io *io;
    /* Owned by fx_childlist.c: static children and the default child list (FDOs). */
    pnpsim__fx_bus *bus;
    /* Owned by fx_pdo.c: IDs, text, capabilities of a PDO; presence as reported. */
    pnpsim__fx_pdo *pdo_data;
};

/* The framework device of a WDM device object created by WdfDeviceCreate, or NULL. */
pnpsim__fx_device *pnpsim__fx_device_of(PDEVICE_OBJECT dev);
/* Validate a WDFDEVICE handle (WDF_VIOLATION on misuse). */
pnpsim__fx_device *pnpsim__fx_get_device(WDFDEVICE h, const char *ddi);
/* The framework's WDM dispatch routine for every major function of a KMDF driver. */
NTSTATUS NTAPI pnpsim__fx_dispatch(PDEVICE_OBJECT dev, PIRP irp);
/* PnP and power handling (fx_pnp.c), called by pnpsim__fx_dispatch. */
NTSTATUS pnpsim__fx_pnp(pnpsim__fx_device *d, PIRP irp);
NTSTATUS pnpsim__fx_power(pnpsim__fx_device *d, PIRP irp);
/* IRP helpers for the framework's own dispatch code. */
NTSTATUS pnpsim__fx_complete(PIRP irp, NTSTATUS status, ULONG_PTR info);
NTSTATUS pnpsim__fx_forward(pnpsim__fx_device *d, PIRP irp);       /* skip + call lower */
NTSTATUS pnpsim__fx_forward_sync(pnpsim__fx_device *d, PIRP irp);  /* wait; IRP is ours again */
/* Delete the device (framework-initiated, at removal): detaches, deletes the WDM object,
 * runs the object's cleanup and destroy callbacks. */
void pnpsim__fx_device_delete(pnpsim__fx_device *d);
/* May the driver WdfObjectDelete this framework-owned object? True for a PDO PnP does not
 * know yet (KMDF lets a bus driver delete a PDO it failed to report). */
bool pnpsim__fx_driver_may_delete(pnpsim__fx_object *o);
/* Trace a framework event about device d. */
void pnpsim__fx_trace(pnpsim__fx_device *d, const NTSTATUS *status, const char *fmt, ...)
    PNPSIM_PRINTF(3, 4);
/* The device node of a framework device (NULL before PnP knows the PDO). */
pnpsim_device *pnpsim__fx_devnode(pnpsim__fx_device *d);

/* ---- device interfaces (fx_iface.c) ---------------------------------------------------- */
/* Register deferred interfaces of a PDO (IRP_MN_QUERY_RESOURCE_REQUIREMENTS; every time,
 * accepting STATUS_OBJECT_NAME_EXISTS). */
void pnpsim__fx_iface_register_deferred(pnpsim__fx_device *d);
/* Start: enable every registered interface whose auto-enable flag is set. */
void pnpsim__fx_iface_auto_enable(pnpsim__fx_device *d);
/* Removal and surprise removal: disable every registered interface. */
void pnpsim__fx_iface_disable_all(pnpsim__fx_device *d);
void pnpsim__fx_iface_free_all(pnpsim__fx_device *d);

/* ---- strings (fx_string.c) ------------------------------------------------------------ */
typedef struct pnpsim__fx_string {
    pnpsim__fx_object obj; /* must be first */
    UNICODE_STRING value;  /* Buffer pnpsim__malloc'ed, NUL-terminated, or NULL */
} pnpsim__fx_string;
/* Replace a WDFSTRING's value with a copy of s. STATUS_SUCCESS or INSUFFICIENT_RESOURCES. */
NTSTATUS pnpsim__fx_string_assign(pnpsim__fx_string *str, PCUNICODE_STRING s);

/* ======================================================================================
 * Hooks into the other parts of the layer, called by fx_device.c / fx_pnp.c
 * ==================================================================================== */

/* fx_pdo.c: WdfDeviceCreate of a PDO init: take over the init's IDs etc. */
NTSTATUS pnpsim__fx_pdo_created(pnpsim__fx_device *d, PWDFDEVICE_INIT init);
/* fx_pdo.c: PnP IRPs only a bus driver answers (QUERY_ID, QUERY_DEVICE_TEXT,
 * QUERY_CAPABILITIES, QUERY_BUS_INFORMATION, QUERY_RESOURCES, QUERY_RESOURCE_REQUIREMENTS,
 * EJECT, SET_LOCK, ...). Returns true and *status when it handled the minor (the caller
 * completes the IRP with *status and irp->IoStatus.Information as set). */
bool pnpsim__fx_pdo_pnp(pnpsim__fx_device *d, PIRP irp, NTSTATUS *status);
/* fx_pdo.c: at IRP_MN_REMOVE_DEVICE of a PDO: true when the framework deletes the PDO now
 * (the child was reported missing, or the parent is going away), false to keep it for a
 * later start. */
bool pnpsim__fx_pdo_remove_deletes(pnpsim__fx_device *d);
/* fx_pdo.c: the device is being destroyed: free the PDO data. */
void pnpsim__fx_pdo_destroy(pnpsim__fx_device *d);
/* fx_pdo.c: free a PDO init's data (WdfDeviceInitFree, failed WdfDeviceCreate). */
void pnpsim__fx_pdo_init_free(PWDFDEVICE_INIT init);

/* fx_childlist.c: WdfDeviceCreate of an FDO: create the default child list if configured. */
NTSTATUS pnpsim__fx_bus_created(pnpsim__fx_device *d, PWDFDEVICE_INIT init);
/* fx_childlist.c: IRP_MN_QUERY_DEVICE_RELATIONS(BusRelations) on an FDO with children:
 * add the present children's PDOs to the relations (creating PDOs for new descriptions),
 * setting irp->IoStatus (Status, Information). Called before the IRP is passed down. */
void pnpsim__fx_bus_relations(pnpsim__fx_device *d, PIRP irp);
/* fx_childlist.c: the FDO is being removed: its children go with it. */
void pnpsim__fx_bus_removing(pnpsim__fx_device *d);
void pnpsim__fx_bus_destroy(pnpsim__fx_device *d);

/* fx_qi.c: IRP_MN_QUERY_INTERFACE (§10.2): answers, forwards or completes the IRP. */
NTSTATUS pnpsim__fx_qi_dispatch(pnpsim__fx_device *d, PIRP irp);
void pnpsim__fx_qi_destroy(pnpsim__fx_device *d);

/* fx_iotarget.c: the device is being removed / destroyed: close its targets. */
void pnpsim__fx_iotarget_device_removing(pnpsim__fx_device *d);
void pnpsim__fx_iotarget_device_destroy(pnpsim__fx_device *d);

/* fx_queue.c: WdfDeviceCreate: take over file object settings and request attributes. */
NTSTATUS pnpsim__fx_io_created(pnpsim__fx_device *d, PWDFDEVICE_INIT init);
/* fx_queue.c: every IRP major other than PnP and power (create, close, cleanup, read,
 * write, device control, internal device control, ...): queue it or forward/complete. */
NTSTATUS pnpsim__fx_io_dispatch(pnpsim__fx_device *d, PIRP irp);
/* fx_queue.c: power-managed queues start (true) or stop (false) with D0 entry/exit. */
void pnpsim__fx_io_power(pnpsim__fx_device *d, bool on);
/* fx_queue.c: removal: purge every queue (pending requests complete with
 * STATUS_CANCELLED / STATUS_DELETE_PENDING as KMDF does). */
void pnpsim__fx_io_purge(pnpsim__fx_device *d);
void pnpsim__fx_io_destroy(pnpsim__fx_device *d);

/* ======================================================================================
 * Per-system state (fx_object.c)
 * ==================================================================================== */
typedef struct pnpsim__kmdf_state {
    void **handles;          /* open-addressing set of live objects */
    size_t handle_cap;       /* power of two */
    size_t handle_count;
    LIST_ENTRY drivers;      /* pnpsim__fx_driver.link */
    char **logged;           /* DDIs already logged as not implemented */
    size_t logged_count;
} pnpsim__kmdf_state;

/* The KMDF state of sys, created on first use (NULL when out of memory). Caller holds
 * sys->lock. */
pnpsim__kmdf_state *pnpsim__kmdf_state_of(pnpsim_system *sys, bool create);
/* System destroy: release the state (every object's memory goes with the system's
 * allocations). */
void pnpsim__kmdf_fini(pnpsim_system *sys);

#endif /* PNPSIM_KMDF_INT_H */
