/* SPDX-License-Identifier: MIT */
/*
 * This file declares the private records of the KMDF I/O part (fx_queue.c, fx_request.c,
 * fx_memory.c): the per-device I/O package, queues, requests, framework file objects and
 * memory objects, and the calls these files make into one another. Nothing outside the
 * I/O part includes it (the rest of the layer sees only the hooks in kmdf_int.h).
 *
 * Locking: queue lists, counters and request flags are guarded by sys->lock, never held
 * across a callout into the driver or an IoCallDriver / IoCompleteRequest.
 */
#ifndef PNPSIM_KMDF_FX_IO_H
#define PNPSIM_KMDF_FX_IO_H

#include "kmdf_int.h"

typedef struct pnpsim__fx_queue pnpsim__fx_queue;
typedef struct pnpsim__fx_request pnpsim__fx_request;

/* A framework synchronization lock (fx_sync.c): the lock of a device or queue object
 * (WdfObjectAcquireLock) and the body of a WDFSPINLOCK / WDFWAITLOCK. A spin lock raises to
 * DISPATCH_LEVEL; a passive lock is a synchronization event (a wait lock). */
typedef struct pnpsim__fx_lock {
    KSPIN_LOCK spin;
    KIRQL old_irql;         /* the IRQL the holder of the spin lock had */
    bool passive_held;      /* the holder took the event, not the spin lock */
    KEVENT event;           /* signalled while a passive lock is free */
    void *owner;            /* pnpsim__ts() of the holder, NULL when free */
} pnpsim__fx_lock;
void pnpsim__fx_lock_init(pnpsim__fx_lock *l);

/* fx_timer.c: the parent rule of timers and work items: attrs->ParentObject must be given
 * (else STATUS_WDF_PARENT_NOT_SPECIFIED) and be a device or an object whose chain of parents
 * leads to one (else STATUS_INVALID_DEVICE_REQUEST). On success *device is that device. */
NTSTATUS pnpsim__fx_parent_device(pnpsim_system *sys, PWDF_OBJECT_ATTRIBUTES attrs,
                                  pnpsim__fx_device **device, const char *ddi);
/* fx_timer.c / fx_workitem.c: wait (at PASSIVE_LEVEL) until *count drops to 0, signalled
 * through idle, running the system's queued work meanwhile. */
void pnpsim__fx_wait_idle(pnpsim_system *sys, volatile long *count, PKEVENT idle);

typedef struct pnpsim__fx_memory {
    pnpsim__fx_object obj;  /* must be first */
    PVOID buffer;
    size_t size;
    bool pool;              /* buffer allocated by WdfMemoryCreate (freed with the object) */
    bool request_buffer;    /* a request's input/output buffer (framework-owned object) */
} pnpsim__fx_memory;

typedef struct pnpsim__fx_fileobj {
    pnpsim__fx_object obj;  /* must be first */
    pnpsim__fx_device *device;
    PFILE_OBJECT wdm;
    LIST_ENTRY link;        /* pnpsim__fx_io.files */
} pnpsim__fx_fileobj;

struct pnpsim__fx_io {
    LIST_ENTRY queues;                                 /* pnpsim__fx_queue.link */
    pnpsim__fx_queue *default_queue;
    pnpsim__fx_queue *by_type[IRP_MJ_MAXIMUM_FUNCTION + 1];
    WDF_FILEOBJECT_CONFIG file_config;
    bool file_config_set;
    WDF_OBJECT_ATTRIBUTES file_attributes;
    bool file_attributes_set;
    WDF_OBJECT_ATTRIBUTES request_attributes;
    bool request_attributes_set;
    bool powered;                                      /* D0: power-managed queues run */
    bool removed;                                      /* purged at removal */
    LIST_ENTRY files;                                  /* pnpsim__fx_fileobj.link */
    pnpsim__fx_lock lock;                              /* the device's WdfObjectAcquireLock */
};

struct pnpsim__fx_queue {
    pnpsim__fx_object obj;  /* must be first */
    pnpsim__fx_device *device;
    WDF_IO_QUEUE_CONFIG cfg;
    bool power_managed;
    bool accepting;
    bool dispatching;
    bool presenting;        /* one thread presents requests at a time */
    LIST_ENTRY pending;     /* pnpsim__fx_request.qlink, waiting on the queue */
    ULONG pending_count;
    ULONG driver_count;     /* presented (or retrieved) and not yet completed */
    LIST_ENTRY owned;       /* pnpsim__fx_request.olink, presented to the driver */
    LIST_ENTRY link;        /* pnpsim__fx_io.queues */
    PKEVENT idle_event;     /* the *Synchronously variants wait on it */
    PFN_WDF_IO_QUEUE_STATE idle_cb; /* stop / purge / drain completion */
    WDFCONTEXT idle_ctx;
    bool idle_needs_empty;  /* purge / drain: the queue must be empty too */
    PFN_WDF_IO_QUEUE_STATE ready_cb;
    WDFCONTEXT ready_ctx;
    pnpsim__fx_lock lock;   /* the queue's WdfObjectAcquireLock */
};

struct pnpsim__fx_request {
    pnpsim__fx_object obj;  /* must be first */
    pnpsim__fx_device *device;
    PIRP irp;               /* NULL once completed */
    pnpsim__fx_queue *queue;
    LIST_ENTRY qlink;
    bool on_queue;
    LIST_ENTRY olink;       /* pnpsim__fx_queue.owned while presented */
    bool owned;
    pnpsim__fx_fileobj *create_file; /* IRP_MJ_CREATE: the file object being opened */
    bool presented;
    bool completed;
    bool driver_created;    /* WdfRequestCreate: the IRP is ours */
    bool sent;
    bool formatted;
    bool cancelable;
    PFN_WDF_REQUEST_CANCEL cancel_cb;
    ULONG_PTR info;
    NTSTATUS status;
    PFN_WDF_REQUEST_COMPLETION_ROUTINE completion;
    WDFCONTEXT completion_ctx;
    WDF_REQUEST_COMPLETION_PARAMS cparams;
    WDFIOTARGET target;
    bool sync;
    KEVENT sync_done;
    pnpsim__fx_memory *in_mem;
    pnpsim__fx_memory *out_mem;
    WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH_DATA mismatch;
};

/* fx_request.c: a framework request for an incoming IRP (parent: the device). NULL when out
 * of memory. */
pnpsim__fx_request *pnpsim__fx_request_new(pnpsim__fx_device *d, PIRP irp);
/* fx_request.c: complete an incoming request (the IRP and the request object go). */
void pnpsim__fx_request_complete(pnpsim__fx_request *r, NTSTATUS status, ULONG_PTR info,
                                 CCHAR boost, const char *ddi);
/* fx_request.c: the framework request an IRP carries while the framework owns it. */
pnpsim__fx_request *pnpsim__fx_request_of_irp(PIRP irp);
/* fx_queue.c: a request was completed / left the driver: let the queue go on. */
void pnpsim__fx_queue_request_done(pnpsim__fx_queue *q);
/* fx_queue.c: put a request on a queue (STATUS_PENDING, or the failure it completed with). */
NTSTATUS pnpsim__fx_queue_insert(pnpsim__fx_queue *q, pnpsim__fx_request *r, bool head);
/* fx_queue.c: the framework file object of a WDM file object on device d, or NULL. */
pnpsim__fx_fileobj *pnpsim__fx_file_of(pnpsim__fx_device *d, PFILE_OBJECT f);
/* fx_memory.c: wrap a buffer the framework owns into a WDFMEMORY (parent given). */
pnpsim__fx_memory *pnpsim__fx_memory_wrap(pnpsim_system *sys, pnpsim__fx_driver *drv,
                                          pnpsim__fx_object *parent, PVOID buffer,
                                          size_t size, const char *ddi);

#endif /* PNPSIM_KMDF_FX_IO_H */
