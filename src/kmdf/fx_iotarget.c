/* SPDX-License-Identifier: MIT */
/*
 * This file implements I/O targets in pnpsim's KMDF layer: the local target of a function or
 * filter device (WdfDeviceGetIoTarget: the next-lower device of its own stack, always open),
 * and remote targets (WdfIoTargetCreate + WdfIoTargetOpen) opened by name, as ZwCreateFile
 * opens a device interface's symbolic link or a "\Device\..." name (IRP_MJ_CREATE to the
 * target stack), or from an existing DEVICE_OBJECT. A target opened by name registers for
 * EventCategoryTargetDeviceChange on its file object, so its device's query-remove,
 * remove-cancelled and remove-complete reach it: without driver callbacks it closes for the
 * query-remove, reopens on cancel and closes on remove-complete, as KMDF does
 * (FxIoTargetRemote::_PlugPlayNotification); with callbacks, the callbacks decide.
 * Synchronous IOCTLs and WdfIoTargetQueryForInterface go to the opened device.
 *
 * Locking: a target's fields are changed under sys->lock in short sections; file objects
 * are closed, IRPs sent and driver callbacks called without it.
 */
#include "kmdf_int.h"

#include "pnpsim/wdk/wdmguid.h"
#include "wdk/io_int.h"
#include "core/fault_int.h" /* pnpsim__fault_spare_begin */

struct pnpsim__fx_iotarget {
    pnpsim__fx_object obj;       /* must be first */
    pnpsim__fx_device *device;   /* the device the target was created for */
    bool local;                  /* the device's local target */
    WDF_IO_TARGET_STATE state;
    WDF_IO_TARGET_OPEN_TYPE open_type; /* of the last successful open (for reopen) */
    PDEVICE_OBJECT target;       /* where I/O goes */
    PDEVICE_OBJECT target_pdo;   /* the PDO of the target's stack, or NULL */
    PFILE_OBJECT file;           /* the open file, or NULL */
    bool own_file;               /* opened by name: dereferenced when closed */
    PVOID notify;                /* target-device-change registration */
    /* Stored open parameters (WdfIoTargetOpenReopen). */
    WCHAR *name;
    USHORT name_bytes;
    ULONG create_options;
    ULONG file_attributes;
    ULONG share_access;
    PDEVICE_OBJECT existing;
    PFILE_OBJECT existing_file;
    PFN_WDF_IO_TARGET_QUERY_REMOVE evt_query_remove;
    PFN_WDF_IO_TARGET_REMOVE_CANCELED evt_remove_canceled;
    PFN_WDF_IO_TARGET_REMOVE_COMPLETE evt_remove_complete;
};

typedef pnpsim__fx_iotarget fx_target;

/* Declared in fx_qi.c. */
NTSTATUS pnpsim__fx_query_for_interface(pnpsim_system *sys, PDEVICE_OBJECT dev, const GUID *guid,
                                        PINTERFACE iface, USHORT size, USHORT version,
                                        PVOID specific);

static const char *state_name(WDF_IO_TARGET_STATE s)
{
    switch (s) {
    case WdfIoTargetStarted: return "started";
    case WdfIoTargetStopped: return "stopped";
    case WdfIoTargetClosedForQueryRemove: return "closed for query-remove";
    case WdfIoTargetClosed: return "closed";
    case WdfIoTargetDeleted: return "deleted";
    case WdfIoTargetPurged: return "purged";
    default: return "undefined";
    }
}

/* ======================================================================================
 * Closing
 * ==================================================================================== */

typedef enum close_reason { CLOSE_PLAIN, CLOSE_QUERY_REMOVE, CLOSE_DELETE } close_reason;

/* Close t: release the file (CLEANUP/CLOSE go to the target stack), and unless the close is
 * for a query-remove, the target-device-change registration. Caller holds no lock. */
static void target_close(fx_target *t, close_reason why)
{
    pnpsim_system *sys = t->obj.sys;
    PFILE_OBJECT file;
    PVOID notify = NULL;
    bool own;
    pnpsim__lock(sys);
    file = t->file;
    own = t->own_file;
    t->file = NULL;
    t->own_file = false;
    t->target = NULL;
    t->target_pdo = NULL;
    if (why != CLOSE_QUERY_REMOVE) {
        notify = t->notify;
        t->notify = NULL;
    }
    if (!t->local)
        t->state = why == CLOSE_QUERY_REMOVE ? WdfIoTargetClosedForQueryRemove
                   : why == CLOSE_DELETE     ? WdfIoTargetDeleted
                                             : WdfIoTargetClosed;
    pnpsim__unlock(sys);
    if (notify != NULL)
        IoUnregisterPlugPlayNotificationEx(notify);
    if (file != NULL && own)
        ObDereferenceObject(file);
    if (t->device != NULL)
        pnpsim__fx_trace(t->device, NULL, "I/O target %p %s", (void *)t, state_name(t->state));
}

static void target_on_delete(pnpsim__fx_object *o)
{
    fx_target *t = (fx_target *)o;
    pnpsim_system *sys = o->sys;
    target_close(t, CLOSE_DELETE);
    pnpsim__lock(sys);
    if (t->local && t->device != NULL && t->device->local_target == t)
        t->device->local_target = NULL;
    t->state = WdfIoTargetDeleted;
    pnpsim__unlock(sys);
}

static void target_on_destroy(pnpsim__fx_object *o)
{
    fx_target *t = (fx_target *)o;
    pnpsim__free(o->sys, t->name);
    t->name = NULL;
}

static const pnpsim__fx_ops remote_ops = {"WDFIOTARGET", target_on_delete, target_on_destroy,
                                          false};
static const pnpsim__fx_ops local_ops = {"WDFIOTARGET", target_on_delete, target_on_destroy,
                                         true};

void pnpsim__fx_iotarget_device_removing(pnpsim__fx_device *d)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__lock(sys);
    if (d->local_target != NULL)
        d->local_target->state = WdfIoTargetDeleted;
    pnpsim__unlock(sys);
}

void pnpsim__fx_iotarget_device_destroy(pnpsim__fx_device *d)
{
    d->local_target = NULL; /* a child of the device: deleted with it */
}

/* ======================================================================================
 * Target-device-change notifications
 * ==================================================================================== */

static NTSTATUS open_stored(fx_target *t, const char *ddi);

/* EventCategoryTargetDeviceChange callback of a target opened by name (KMDF
 * FxIoTargetRemote::_PlugPlayNotification). */
static NTSTATUS NTAPI target_notification(PVOID NotificationStructure, PVOID Context)
{
    PTARGET_DEVICE_REMOVAL_NOTIFICATION n = (PTARGET_DEVICE_REMOVAL_NOTIFICATION)NotificationStructure;
    fx_target *t = (fx_target *)Context;
    pnpsim_system *sys = t->obj.sys;
    WDFIOTARGET h = (WDFIOTARGET)PNPSIM_FX_HANDLE(&t->obj);
    NTSTATUS status = STATUS_SUCCESS;
    pnpsim__fx_call call;

    pnpsim__fx_ref(&t->obj); /* the callback may delete the target */
    if (memcmp(&n->Event, &GUID_TARGET_DEVICE_QUERY_REMOVE, sizeof(GUID)) == 0) {
        if (t->evt_query_remove != NULL) {
            pnpsim__fx_call_begin(sys, t->obj.driver, &call, "EvtIoTargetQueryRemove");
            status = t->evt_query_remove(h);
            pnpsim__fx_call_end(sys, &call);
            pnpsim__fx_trace(t->device, &status, "EvtIoTargetQueryRemove returned");
        } else {
            target_close(t, CLOSE_QUERY_REMOVE);
        }
    } else if (memcmp(&n->Event, &GUID_TARGET_DEVICE_REMOVE_CANCELLED, sizeof(GUID)) == 0) {
        if (t->evt_remove_canceled != NULL) {
            pnpsim__fx_call_begin(sys, t->obj.driver, &call, "EvtIoTargetRemoveCanceled");
            t->evt_remove_canceled(h);
            pnpsim__fx_call_end(sys, &call);
        } else {
            status = open_stored(t, "WdfIoTargetOpen (reopen after a cancelled removal)");
        }
    } else if (memcmp(&n->Event, &GUID_TARGET_DEVICE_REMOVE_COMPLETE, sizeof(GUID)) == 0) {
        if (t->evt_remove_complete != NULL) {
            pnpsim__fx_call_begin(sys, t->obj.driver, &call, "EvtIoTargetRemoveComplete");
            t->evt_remove_complete(h);
            pnpsim__fx_call_end(sys, &call);
        } else {
            target_close(t, CLOSE_PLAIN);
        }
    }
    pnpsim__fx_unref(&t->obj);
    return status;
}

/* ======================================================================================
 * Opening
 * ==================================================================================== */

/* Open t with its stored parameters (by name or existing device). Caller holds no lock. */
static NTSTATUS open_stored(fx_target *t, const char *ddi)
{
    pnpsim_system *sys = t->obj.sys;
    PFILE_OBJECT file = NULL;
    PDEVICE_OBJECT top = NULL, pdo = NULL;
    PVOID notify = NULL;
    bool need_notify;
    NTSTATUS status;

    if (t->open_type == WdfIoTargetOpenUseExistingDevice) {
        pnpsim__lock(sys);
        t->target = t->existing;
        t->file = t->existing_file;
        t->own_file = false;
        {
            pnpsim_device *dn = pnpsim__devnode_of(t->existing);
            t->target_pdo = dn != NULL && dn->pdo != NULL ? &dn->pdo->dev : NULL;
        }
        t->state = WdfIoTargetStarted;
        pnpsim__unlock(sys);
        return STATUS_SUCCESS;
    }
    status = pnpsim__io_open_name(sys, ddi, t->name, t->name_bytes / sizeof(WCHAR),
                                  (FILE_OPEN << 24) | (t->create_options & 0x00FFFFFF),
                                  t->file_attributes, (USHORT)t->share_access, &file, &top);
    if (!NT_SUCCESS(status))
        return status;
    pnpsim__lock(sys);
    need_notify = t->notify == NULL;
    {
        pnpsim_device *dn = pnpsim__devnode_of(top);
        pdo = dn != NULL && dn->pdo != NULL ? &dn->pdo->dev : NULL;
    }
    pnpsim__unlock(sys);
    if (need_notify) {
        status = IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, file,
                                                t->obj.driver->wdm, target_notification, t,
                                                &notify);
        if (!NT_SUCCESS(status)) {
            ObDereferenceObject(file);
            return status;
        }
    }
    pnpsim__lock(sys);
    t->file = file;
    t->own_file = true;
    t->target = top;
    t->target_pdo = pdo;
    if (need_notify)
        t->notify = notify;
    t->state = WdfIoTargetStarted;
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: creates a remote I/O target object for the device (its parent by
 * default), not yet open. PASSIVE_LEVEL (Microsoft Learn "WdfIoTargetCreate").
 * Simulation: the target starts in WdfIoTargetClosed (KMDF names no initial state; choice).
 */
WDFAPI NTSTATUS WdfIoTargetCreate(WDFDEVICE Device, PWDF_OBJECT_ATTRIBUTES IoTargetAttributes,
                                  WDFIOTARGET *IoTarget)
{
    static const char ddi[] = "WdfIoTargetCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    fx_target *t;
    NTSTATUS status;

    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: above PASSIVE_LEVEL", ddi);
    if (!pnpsim__fx_check_ptr(sys, IoTarget, "IoTarget", ddi))
        return STATUS_INVALID_PARAMETER;
    *IoTarget = NULL;
    t = pnpsim__calloc(sys, 1, sizeof(*t));
    if (t == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", ddi);
    t->device = d;
    t->state = WdfIoTargetClosed;
    status = pnpsim__fx_object_init(sys, &t->obj, PNPSIM_FX_IOTARGET, &remote_ops, d->obj.driver,
                                    &d->obj, IoTargetAttributes, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, t);
        return status;
    }
    *IoTarget = (WDFIOTARGET)PNPSIM_FX_HANDLE(&t->obj);
    return STATUS_SUCCESS;
}

/* A remote target handle for ddi (the local target is reported as the wrong type, as
 * KMDF's handle check for FX_TYPE_IO_TARGET_REMOTE does). */
static fx_target *get_remote(WDFIOTARGET h, const char *ddi)
{
    fx_target *t = (fx_target *)pnpsim__fx_get(h, PNPSIM_FX_IOTARGET, ddi);
    if (t != NULL && t->local) {
        pnpsim__fx_violation(t->obj.sys, PNPSIM_RULE_WDF_INVALID_HANDLE, ddi, WDF_INVALID_HANDLE,
                             (ULONG_PTR)h, 0,
                             "%s: %p is a device's local I/O target, not a remote one", ddi,
                             (void *)h);
        return NULL;
    }
    return t;
}

/*
 * Windows behaviour: opens a remote target: by name (ZwCreateFile on TargetDeviceName; a
 * name that does not exist fails, e.g. STATUS_OBJECT_NAME_NOT_FOUND for a disabled device
 * interface), an existing device object, or reopens with the stored settings (from
 * EvtIoTargetRemoveCanceled). OpenParams->Size must match (STATUS_INFO_LENGTH_MISMATCH); the
 * callbacks take effect for the device's removal. PASSIVE_LEVEL (Microsoft Learn
 * "WdfIoTargetOpen", "WDF_IO_TARGET_OPEN_PARAMS", "Controlling a General I/O Target's
 * State"; KMDF FxIoTargetRemote::Open / OpenTargetHandle).
 * Simulation: names as IoGetDeviceObjectPointer accepts them (src/wdk/io_file.c); the target
 * device is the top of the opened stack. Open of a target that is open:
 * STATUS_INVALID_DEVICE_STATE (choice). Reopen of a never-opened target:
 * STATUS_INVALID_DEVICE_STATE (choice). WdfIoTargetOpenLocalTargetByFile is UMDF-only:
 * STATUS_INVALID_PARAMETER. DesiredAccess, EaBuffer and AllocationSize are not checked.
 */
WDFAPI NTSTATUS WdfIoTargetOpen(WDFIOTARGET IoTarget, PWDF_IO_TARGET_OPEN_PARAMS OpenParams)
{
    static const char ddi[] = "WdfIoTargetOpen";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    fx_target *t;
    WDF_IO_TARGET_STATE st;
    NTSTATUS status;

    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    t = get_remote(IoTarget, ddi);
    if (t == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: above PASSIVE_LEVEL", ddi);
    if (!pnpsim__fx_check_ptr(sys, OpenParams, "OpenParams", ddi))
        return STATUS_INVALID_PARAMETER;
    if (OpenParams->Size != sizeof(WDF_IO_TARGET_OPEN_PARAMS))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH, "%s: OpenParams->Size is %lu, expected %lu",
                              ddi, (unsigned long)OpenParams->Size,
                              (unsigned long)sizeof(WDF_IO_TARGET_OPEN_PARAMS));
    pnpsim__lock(sys);
    st = t->state;
    pnpsim__unlock(sys);

    switch (OpenParams->Type) {
    case WdfIoTargetOpenReopen:
        if (t->open_type == WdfIoTargetOpenUndefined)
            return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                                  "%s: reopen of a target that was never opened", ddi);
        if (st == WdfIoTargetStarted || st == WdfIoTargetStopped || st == WdfIoTargetPurged)
            return STATUS_SUCCESS; /* still open */
        break;
    case WdfIoTargetOpenByName: {
        PCUNICODE_STRING nm = &OpenParams->TargetDeviceName;
        WCHAR *copy;
        if (!pnpsim__ustr_valid(nm) || nm->Length == 0 || nm->Buffer == NULL)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "%s: TargetDeviceName is not a well-formed name", ddi);
        if (st == WdfIoTargetStarted || st == WdfIoTargetStopped || st == WdfIoTargetPurged)
            return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the target is already open",
                                  ddi);
        copy = pnpsim__malloc(sys, nm->Length + sizeof(WCHAR));
        if (copy == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", ddi);
        memcpy(copy, nm->Buffer, nm->Length);
        copy[nm->Length / sizeof(WCHAR)] = 0;
        pnpsim__free(sys, t->name);
        t->name = copy;
        t->name_bytes = nm->Length;
        t->create_options = OpenParams->CreateOptions;
        t->file_attributes = OpenParams->FileAttributes;
        t->share_access = OpenParams->ShareAccess;
        break;
    }
    case WdfIoTargetOpenUseExistingDevice:
        if (OpenParams->TargetDeviceObject == NULL)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "%s: TargetDeviceObject is required", ddi);
        if (st == WdfIoTargetStarted || st == WdfIoTargetStopped || st == WdfIoTargetPurged)
            return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the target is already open",
                                  ddi);
        t->existing = OpenParams->TargetDeviceObject;
        t->existing_file = OpenParams->TargetFileObject;
        break;
    default:
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: OpenParams->Type %d is not valid",
                              ddi, (int)OpenParams->Type);
    }
    if (OpenParams->Type != WdfIoTargetOpenReopen) {
        t->open_type = OpenParams->Type;
        t->evt_query_remove = OpenParams->EvtIoTargetQueryRemove;
        t->evt_remove_canceled = OpenParams->EvtIoTargetRemoveCanceled;
        t->evt_remove_complete = OpenParams->EvtIoTargetRemoveComplete;
    }
    status = open_stored(t, ddi);
    if (NT_SUCCESS(status))
        OpenParams->FileInformation = FILE_OPENED;
    pnpsim__fx_trace(t->device, &status, "WdfIoTargetOpen (%s)",
                     t->open_type == WdfIoTargetOpenByName ? "by name" : "existing device");
    return status;
}

/*
 * Windows behaviour: closes a remote target temporarily because its device may be removed
 * (from EvtIoTargetQueryRemove); the target keeps its removal notifications so it can be
 * reopened when the removal is cancelled. PASSIVE_LEVEL (Microsoft Learn
 * "WdfIoTargetCloseForQueryRemove").
 * Simulation: the same; the file is released at once (IRP_MJ_CLEANUP/CLOSE).
 */
WDFAPI VOID WdfIoTargetCloseForQueryRemove(WDFIOTARGET IoTarget)
{
    static const char ddi[] = "WdfIoTargetCloseForQueryRemove";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    fx_target *t;
    if (sys == NULL || (t = get_remote(IoTarget, ddi)) == NULL)
        return;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return;
    target_close(t, CLOSE_QUERY_REMOVE);
}

/*
 * Windows behaviour: closes a remote target for good (its removal notifications end); it may
 * be opened again with WdfIoTargetOpen. PASSIVE_LEVEL (Microsoft Learn "WdfIoTargetClose").
 * Simulation: the same.
 */
WDFAPI VOID WdfIoTargetClose(WDFIOTARGET IoTarget)
{
    static const char ddi[] = "WdfIoTargetClose";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    fx_target *t;
    if (sys == NULL || (t = get_remote(IoTarget, ddi)) == NULL)
        return;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return;
    target_close(t, CLOSE_PLAIN);
}

/* ======================================================================================
 * State
 * ==================================================================================== */

static fx_target *get_target(WDFIOTARGET h, const char *ddi, KIRQL max)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    fx_target *t;
    if (sys == NULL)
        return NULL;
    t = (fx_target *)pnpsim__fx_get(h, PNPSIM_FX_IOTARGET, ddi);
    if (t == NULL || !pnpsim__fx_check_irql(sys, max, ddi))
        return NULL;
    return t;
}

static bool is_open(WDF_IO_TARGET_STATE s)
{
    return s == WdfIoTargetStarted || s == WdfIoTargetStopped || s == WdfIoTargetPurged;
}

/*
 * Windows behaviour: lets a stopped or purged target send I/O again. <= DISPATCH_LEVEL
 * (Microsoft Learn "WdfIoTargetStart").
 * Simulation: a closed or deleted target gives STATUS_INVALID_DEVICE_STATE.
 */
WDFAPI NTSTATUS WdfIoTargetStart(WDFIOTARGET IoTarget)
{
    static const char ddi[] = "WdfIoTargetStart";
    fx_target *t = get_target(IoTarget, ddi, DISPATCH_LEVEL);
    NTSTATUS status = STATUS_SUCCESS;
    if (t == NULL)
        return STATUS_INVALID_PARAMETER;
    pnpsim__lock(t->obj.sys);
    if (is_open(t->state))
        t->state = WdfIoTargetStarted;
    else
        status = STATUS_INVALID_DEVICE_STATE;
    pnpsim__unlock(t->obj.sys);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "%s: the target is %s", ddi, state_name(t->state));
    return status;
}

/*
 * Windows behaviour: stops a target: requests sent later fail (unless
 * WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE) until WdfIoTargetStart. <= DISPATCH_LEVEL
 * (Microsoft Learn "WdfIoTargetStop").
 * Simulation: only synchronous sends exist, so nothing is in flight; Action is checked.
 */
WDFAPI VOID WdfIoTargetStop(WDFIOTARGET IoTarget, WDF_IO_TARGET_SENT_IO_ACTION Action)
{
    static const char ddi[] = "WdfIoTargetStop";
    fx_target *t = get_target(IoTarget, ddi, DISPATCH_LEVEL);
    if (t == NULL)
        return;
    if (Action < WdfIoTargetCancelSentIo || Action > WdfIoTargetLeaveSentIoPending) {
        pnpsim__fx_violation(t->obj.sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)IoTarget, 0, "%s: Action %d is not valid", ddi,
                             (int)Action);
        return;
    }
    pnpsim__lock(t->obj.sys);
    if (is_open(t->state))
        t->state = WdfIoTargetStopped;
    pnpsim__unlock(t->obj.sys);
}

/*
 * Windows behaviour: purges a target: pending I/O is cancelled and new requests fail until
 * WdfIoTargetStart. <= DISPATCH_LEVEL, KMDF 1.11 (Microsoft Learn "WdfIoTargetPurge").
 * Simulation: as WdfIoTargetStop, the state becomes WdfIoTargetPurged.
 */
WDFAPI VOID WdfIoTargetPurge(WDFIOTARGET IoTarget, WDF_IO_TARGET_PURGE_IO_ACTION Action)
{
    static const char ddi[] = "WdfIoTargetPurge";
    fx_target *t = get_target(IoTarget, ddi, DISPATCH_LEVEL);
    if (t == NULL)
        return;
    if (Action != WdfIoTargetPurgeIoAndWait && Action != WdfIoTargetPurgeIo) {
        pnpsim__fx_violation(t->obj.sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)IoTarget, 0, "%s: Action %d is not valid", ddi,
                             (int)Action);
        return;
    }
    pnpsim__lock(t->obj.sys);
    if (is_open(t->state))
        t->state = WdfIoTargetPurged;
    pnpsim__unlock(t->obj.sys);
}

/* Windows behaviour: the target's state. <= DISPATCH_LEVEL ("WdfIoTargetGetState").
 * Simulation: the same. */
WDFAPI WDF_IO_TARGET_STATE WdfIoTargetGetState(WDFIOTARGET IoTarget)
{
    fx_target *t = get_target(IoTarget, "WdfIoTargetGetState", DISPATCH_LEVEL);
    WDF_IO_TARGET_STATE s;
    if (t == NULL)
        return WdfIoTargetStateUndefined;
    pnpsim__lock(t->obj.sys);
    s = t->state;
    pnpsim__unlock(t->obj.sys);
    return s;
}

/* ======================================================================================
 * What the target is
 * ==================================================================================== */

/* Windows behaviour: the device the target belongs to. <= DISPATCH_LEVEL
 * ("WdfIoTargetGetDevice"). Simulation: the same. */
WDFAPI WDFDEVICE WdfIoTargetGetDevice(WDFIOTARGET IoTarget)
{
    fx_target *t = get_target(IoTarget, "WdfIoTargetGetDevice", DISPATCH_LEVEL);
    return t != NULL && t->device != NULL ? (WDFDEVICE)PNPSIM_FX_HANDLE(&t->device->obj) : NULL;
}

/* Windows behaviour: the DEVICE_OBJECT I/O is sent to (NULL while closed). <= DISPATCH_LEVEL
 * ("WdfIoTargetWdmGetTargetDeviceObject"). Simulation: the same. */
WDFAPI PDEVICE_OBJECT WdfIoTargetWdmGetTargetDeviceObject(WDFIOTARGET IoTarget)
{
    fx_target *t = get_target(IoTarget, "WdfIoTargetWdmGetTargetDeviceObject", DISPATCH_LEVEL);
    PDEVICE_OBJECT dev;
    if (t == NULL)
        return NULL;
    pnpsim__lock(t->obj.sys);
    dev = t->target;
    pnpsim__unlock(t->obj.sys);
    return dev;
}

/* Windows behaviour: the PDO of the target's stack (NULL when not known). <= DISPATCH_LEVEL
 * ("WdfIoTargetWdmGetTargetPhysicalDevice"). Simulation: the same. */
WDFAPI PDEVICE_OBJECT WdfIoTargetWdmGetTargetPhysicalDevice(WDFIOTARGET IoTarget)
{
    fx_target *t = get_target(IoTarget, "WdfIoTargetWdmGetTargetPhysicalDevice", DISPATCH_LEVEL);
    PDEVICE_OBJECT dev;
    if (t == NULL)
        return NULL;
    pnpsim__lock(t->obj.sys);
    dev = t->target_pdo;
    pnpsim__unlock(t->obj.sys);
    return dev;
}

/* Windows behaviour: the FILE_OBJECT of a target opened by name or given one (else NULL).
 * <= DISPATCH_LEVEL ("WdfIoTargetWdmGetTargetFileObject"). Simulation: the same. */
WDFAPI PFILE_OBJECT WdfIoTargetWdmGetTargetFileObject(WDFIOTARGET IoTarget)
{
    fx_target *t = get_target(IoTarget, "WdfIoTargetWdmGetTargetFileObject", DISPATCH_LEVEL);
    PFILE_OBJECT f;
    if (t == NULL)
        return NULL;
    pnpsim__lock(t->obj.sys);
    f = t->file;
    pnpsim__unlock(t->obj.sys);
    return f;
}

/* Windows behaviour: the kernel handle of a target opened by name
 * ("WdfIoTargetWdmGetTargetFileHandle"). Simulation: not modelled (targets keep a file
 * object, not a handle): NULL, reported as not implemented. */
WDFAPI HANDLE WdfIoTargetWdmGetTargetFileHandle(WDFIOTARGET IoTarget)
{
    PNPSIM_UNUSED(IoTarget);
    pnpsim__fx_not_implemented_void("WdfIoTargetWdmGetTargetFileHandle");
    return NULL;
}

/* ======================================================================================
 * The local target
 * ==================================================================================== */

/*
 * Windows behaviour: the local I/O target of a function or filter driver's device: the next
 * lower driver of its stack; the framework owns it (Microsoft Learn "WdfDeviceGetIoTarget",
 * "Initializing a General I/O Target"). <= DISPATCH_LEVEL.
 * Simulation: created on first use (KMDF creates it with the device), always started until
 * the device is removed; NULL for a PDO (KMDF has no default target there). Its creation
 * is spared by fault injection, as it cannot fail on Windows; NULL only when the process
 * itself is out of memory.
 */
WDFAPI WDFIOTARGET WdfDeviceGetIoTarget(WDFDEVICE Device)
{
    static const char ddi[] = "WdfDeviceGetIoTarget";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_device *d;
    fx_target *t, *other;
    pnpsim_system *spared;
    if (sys == NULL)
        return NULL;
    d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL || !pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) || d->is_pdo)
        return NULL;
    pnpsim__lock(sys);
    t = d->local_target;
    pnpsim__unlock(sys);
    if (t != NULL)
        return (WDFIOTARGET)PNPSIM_FX_HANDLE(&t->obj);
    /* KMDF made it with the device, so this call cannot fail there: injected faults spare
     * it (fault_int.h; a NULL here made the driver's next call bug check 0x10D). */
    spared = pnpsim__fault_spare_begin(sys);
    t = pnpsim__calloc(sys, 1, sizeof(*t));
    if (t == NULL) {
        pnpsim__fault_spare_end(spared);
        return NULL;
    }
    t->device = d;
    t->local = true;
    t->state = WdfIoTargetStarted;
    t->target = d->lower;
    t->target_pdo = d->pdo;
    if (!NT_SUCCESS(pnpsim__fx_object_init(sys, &t->obj, PNPSIM_FX_IOTARGET, &local_ops,
                                           d->obj.driver, &d->obj, NULL, ddi))) {
        pnpsim__fault_spare_end(spared);
        pnpsim__free(sys, t);
        return NULL;
    }
    pnpsim__fault_spare_end(spared);
    pnpsim__lock(sys);
    other = d->local_target;
    if (other == NULL)
        d->local_target = t;
    pnpsim__unlock(sys);
    if (other != NULL) {
        pnpsim__fx_object_delete(&t->obj);
        t = other;
    }
    return (WDFIOTARGET)PNPSIM_FX_HANDLE(&t->obj);
}

/* ======================================================================================
 * Query interface and synchronous I/O
 * ==================================================================================== */

/*
 * Windows behaviour: sends IRP_MN_QUERY_INTERFACE to the top of the remote target's stack and
 * waits; the final status (STATUS_NOT_SUPPORTED if nobody answered). The importer must
 * release the interface when the target's device goes (EvtIoTargetQueryRemove /
 * EvtIoTargetRemoveComplete). PASSIVE_LEVEL (Microsoft Learn "WdfIoTargetQueryForInterface";
 * windows-semantics.md §10.3).
 * Simulation: the same; a target that is not open gives STATUS_INVALID_DEVICE_STATE. The
 * ledger records the reference with the calling driver as importer, for the target's stack:
 * a reference still held when that device is removed is a leak.
 */
WDFAPI NTSTATUS WdfIoTargetQueryForInterface(WDFIOTARGET IoTarget, LPCGUID InterfaceType,
                                             PINTERFACE Interface, USHORT Size, USHORT Version,
                                             PVOID InterfaceSpecificData)
{
    static const char ddi[] = "WdfIoTargetQueryForInterface";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    fx_target *t;
    PDEVICE_OBJECT dev;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    t = (fx_target *)pnpsim__fx_get(IoTarget, PNPSIM_FX_IOTARGET, ddi);
    if (t == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: above PASSIVE_LEVEL", ddi);
    if (!pnpsim__fx_check_ptr(sys, InterfaceType, "InterfaceType", ddi) ||
        !pnpsim__fx_check_ptr(sys, Interface, "Interface", ddi))
        return STATUS_INVALID_PARAMETER;
    pnpsim__lock(sys);
    dev = is_open(t->state) ? t->target : NULL;
    if (dev != NULL)
        ObReferenceObject(dev);
    pnpsim__unlock(sys);
    if (dev == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the target is %s", ddi,
                              state_name(t->state));
    status = pnpsim__fx_query_for_interface(sys, dev, InterfaceType, Interface, Size, Version,
                                            InterfaceSpecificData);
    ObDereferenceObject(dev);
    pnpsim__fx_trace(t->device, &status, "WdfIoTargetQueryForInterface");
    return status;
}

/* The buffer a memory descriptor names (NULL descriptor: none). A WDFMEMORY descriptor's
 * window (WDFMEMORY_OFFSET) must lie inside the object's buffer: an offset/length sum that
 * overflows is STATUS_INTEGER_OVERFLOW, a window past the end STATUS_INVALID_BUFFER_SIZE (KMDF
 * IFxMemory::ValidateMemoryOffsets); BufferLength 0 means the rest of the buffer after
 * BufferOffset (Microsoft Learn "WDFMEMORY_OFFSET"). MDL descriptors are not modelled
 * (pnpsim has no MDLs): STATUS_NOT_IMPLEMENTED. */
static NTSTATUS descriptor_buffer(PWDF_MEMORY_DESCRIPTOR m, const char *ddi, PVOID *buf,
                                  ULONG *len)
{
    *buf = NULL;
    *len = 0;
    if (m == NULL)
        return STATUS_SUCCESS;
    switch (m->Type) {
    case WdfMemoryDescriptorTypeBuffer:
        *buf = m->u.BufferType.Buffer;
        *len = m->u.BufferType.Length;
        if (*buf == NULL && *len != 0)
            return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: descriptor Buffer is NULL", ddi);
        return STATUS_SUCCESS;
    case WdfMemoryDescriptorTypeHandle: {
        size_t size = 0, off = 0, n;
        PUCHAR base;
        PWDFMEMORY_OFFSET o = m->u.HandleType.Offsets;
        /* WdfMemoryGetBuffer validates the handle (WDF_VIOLATION on misuse). */
        base = (PUCHAR)WdfMemoryGetBuffer(m->u.HandleType.Memory, &size);
        if (base == NULL)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "%s: the descriptor's WDFMEMORY is not valid", ddi);
        n = size;
        if (o != NULL) {
            off = o->BufferOffset;
            if (o->BufferLength != 0 && off + o->BufferLength < off)
                return pnpsim__status(STATUS_INTEGER_OVERFLOW,
                                      "%s: WDFMEMORY_OFFSET overflows", ddi);
            if (off > size || (o->BufferLength != 0 && off + o->BufferLength > size))
                return pnpsim__status(STATUS_INVALID_BUFFER_SIZE,
                                      "%s: WDFMEMORY_OFFSET %zu+%zu is outside the %zu-byte "
                                      "buffer",
                                      ddi, off, o->BufferLength, size);
            n = o->BufferLength != 0 ? o->BufferLength : size - off;
        }
        if (n > 0xFFFFFFFFu)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "%s: a buffer of %zu bytes does not fit an IRP", ddi, n);
        *buf = base + off;
        *len = (ULONG)n;
        return STATUS_SUCCESS;
    }
    case WdfMemoryDescriptorTypeMdl:
        return pnpsim__fx_not_implemented("WdfIoTargetSendIoctlSynchronously (MDL "
                                          "descriptor)");
    default:
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: descriptor Type %d is not valid",
                              ddi, (int)m->Type);
    }
}

static NTSTATUS send_ioctl(const char *ddi, WDFIOTARGET IoTarget, WDFREQUEST Request,
                           ULONG IoctlCode, PWDF_MEMORY_DESCRIPTOR InputBuffer,
                           PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                           PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesReturned,
                           BOOLEAN internal)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    fx_target *t;
    PVOID in, out;
    ULONG inlen, outlen;
    PDEVICE_OBJECT dev;
    PFILE_OBJECT file;
    KEVENT done;
    IO_STATUS_BLOCK iosb;
    PIRP irp;
    NTSTATUS status;

    if (BytesReturned != NULL)
        *BytesReturned = 0;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    t = (fx_target *)pnpsim__fx_get(IoTarget, PNPSIM_FX_IOTARGET, ddi);
    if (t == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: above PASSIVE_LEVEL", ddi);
    if (Request != NULL)
        return pnpsim__fx_not_implemented(internal ? "WdfIoTargetSendInternalIoctlSynchronously "
                                                     "(with a Request)"
                                                   : "WdfIoTargetSendIoctlSynchronously (with a "
                                                     "Request)");
    if (RequestOptions != NULL && RequestOptions->Size != sizeof(WDF_REQUEST_SEND_OPTIONS))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH,
                              "%s: RequestOptions->Size is %lu, expected %lu", ddi,
                              (unsigned long)RequestOptions->Size,
                              (unsigned long)sizeof(WDF_REQUEST_SEND_OPTIONS));
    status = descriptor_buffer(InputBuffer, ddi, &in, &inlen);
    if (NT_SUCCESS(status))
        status = descriptor_buffer(OutputBuffer, ddi, &out, &outlen);
    if (!NT_SUCCESS(status))
        return status;

    pnpsim__lock(sys);
    dev = t->target;
    file = t->file;
    if (t->state != WdfIoTargetStarted &&
        !(RequestOptions != NULL &&
          (RequestOptions->Flags & WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE) &&
          is_open(t->state)))
        dev = NULL;
    if (dev != NULL)
        ObReferenceObject(dev);
    if (dev != NULL && file != NULL)
        ObReferenceObject(file);
    pnpsim__unlock(sys);
    if (dev == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the target is %s", ddi,
                              state_name(t->state));

    KeInitializeEvent(&done, NotificationEvent, FALSE);
    irp = IoBuildDeviceIoControlRequest(IoctlCode, dev, in, inlen, out, outlen, internal, &done,
                                        &iosb);
    if (irp == NULL) {
        status = pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no IRP", ddi);
    } else {
        IoGetNextIrpStackLocation(irp)->FileObject = file;
        status = IoCallDriver(dev, irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
            status = iosb.Status;
        }
        if (BytesReturned != NULL)
            *BytesReturned = iosb.Information;
    }
    if (file != NULL)
        ObDereferenceObject(file);
    ObDereferenceObject(dev);
    pnpsim__fx_trace(t->device, &status, "%s(0x%lX)", ddi, (unsigned long)IoctlCode);
    return status;
}

/*
 * Windows behaviour: builds an IOCTL request, sends it to the target and waits; the IRP's
 * status, and the bytes it returned in *BytesReturned. A target that is not started fails
 * STATUS_INVALID_DEVICE_STATE unless WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE. PASSIVE_LEVEL
 * (Microsoft Learn "WdfIoTargetSendIoctlSynchronously",
 * "WdfIoTargetSendInternalIoctlSynchronously").
 * Simulation: Request must be NULL (a driver-supplied request: STATUS_NOT_IMPLEMENTED);
 * buffer and WDFMEMORY descriptors (with an optional WDFMEMORY_OFFSET window) are supported,
 * MDL descriptors are not (STATUS_NOT_IMPLEMENTED: pnpsim has no MDLs); timeouts are not
 * modelled (the call waits).
 */
WDFAPI NTSTATUS WdfIoTargetSendIoctlSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                  ULONG IoctlCode,
                                                  PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                  PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                  PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                  PULONG_PTR BytesReturned)
{
    return send_ioctl("WdfIoTargetSendIoctlSynchronously", IoTarget, Request, IoctlCode,
                      InputBuffer, OutputBuffer, RequestOptions, BytesReturned, FALSE);
}

WDFAPI NTSTATUS WdfIoTargetSendInternalIoctlSynchronously(
    WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, PWDF_MEMORY_DESCRIPTOR InputBuffer,
    PWDF_MEMORY_DESCRIPTOR OutputBuffer, PWDF_REQUEST_SEND_OPTIONS RequestOptions,
    PULONG_PTR BytesReturned)
{
    return send_ioctl("WdfIoTargetSendInternalIoctlSynchronously", IoTarget, Request, IoctlCode,
                      InputBuffer, OutputBuffer, RequestOptions, BytesReturned, TRUE);
}

/* Windows behaviour: synchronous read/write through a target ("WdfIoTargetSendReadSynchronously",
 * "WdfIoTargetSendWriteSynchronously"). Simulation: not implemented. */
WDFAPI NTSTATUS WdfIoTargetSendReadSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                 PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                 PLONGLONG DeviceOffset,
                                                 PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                 PULONG_PTR BytesRead)
{
    PNPSIM_UNUSED(IoTarget);
    PNPSIM_UNUSED(Request);
    PNPSIM_UNUSED(OutputBuffer);
    PNPSIM_UNUSED(DeviceOffset);
    PNPSIM_UNUSED(RequestOptions);
    if (BytesRead != NULL)
        *BytesRead = 0;
    return pnpsim__fx_not_implemented("WdfIoTargetSendReadSynchronously");
}

WDFAPI NTSTATUS WdfIoTargetSendWriteSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                  PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                  PLONGLONG DeviceOffset,
                                                  PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                  PULONG_PTR BytesWritten)
{
    PNPSIM_UNUSED(IoTarget);
    PNPSIM_UNUSED(Request);
    PNPSIM_UNUSED(InputBuffer);
    PNPSIM_UNUSED(DeviceOffset);
    PNPSIM_UNUSED(RequestOptions);
    if (BytesWritten != NULL)
        *BytesWritten = 0;
    return pnpsim__fx_not_implemented("WdfIoTargetSendWriteSynchronously");
}
