/* SPDX-License-Identifier: MIT */
/*
 * This file implements file objects: opening a simulated device as an application opens
 * its PDO (pnpsim_device_open: a FILE_OBJECT and IRP_MJ_CREATE to the top of the stack),
 * and closing it when its last reference goes (IRP_MJ_CLEANUP, then IRP_MJ_CLOSE, then the
 * device node learns a handle closed, which may release a held-back IRP_MN_REMOVE_DEVICE).
 */
#include "io_int.h"

/* FILE_OPEN create disposition, in the high byte of Parameters.Create.Options. */
#define PNPSIM__FILE_OPEN 0x00000001ul

pnpsim__file *pnpsim__file_from(PFILE_OBJECT f)
{
    pnpsim__obhdr *hdr;
    if (pnpsim__ob_probe(f, &hdr) != PNPSIM__OB_LIVE || hdr->type != IO_TYPE_FILE ||
        f->Type != IO_TYPE_FILE)
        return NULL;
    return CONTAINING_RECORD(f, pnpsim__file, file);
}

static void file_free(pnpsim_system *sys, pnpsim__file *f)
{
    pnpsim__free(sys, f->name_w);
    f->name_w = NULL;
    f->file.FileName.Buffer = NULL;
    f->hdr.magic = PNPSIM__OB_FREED_MAGIC;
    f->file.Type = 0;
    pnpsim__quarantine(sys, f);
}

static NTSTATUS send_simple(pnpsim_system *sys, PDEVICE_OBJECT top, UCHAR major, pnpsim__file *f)
{
    IO_STACK_LOCATION sp;
    ULONG_PTR info;
    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = major;
    return pnpsim__send_irp_sync(sys, top, &sp, STATUS_SUCCESS, 0, &f->file, &info);
}

/* CLEANUP and CLOSE to the current top of the stack the file was opened on, then the
 * device node's handle count. Caller holds no lock; runs at PASSIVE_LEVEL. */
static void file_close(pnpsim__file *f)
{
    pnpsim_system *sys = f->hdr.sys;
    pnpsim_device *dn = f->devnode;
    PDEVICE_OBJECT top = NULL;
    pnpsim__devobj *tw = NULL;

    /* Drivers may reference and dereference the file while it closes: hold it at 1. */
    pnpsim__atomic_store(&f->hdr.refs, 1);
    f->closed = true;
    pnpsim__lock(sys);
    if (pnpsim__devobj_from(f->file.DeviceObject) != NULL) {
        top = pnpsim__stack_top(f->file.DeviceObject);
        tw = PNPSIM_DEVOBJ(top);
        pnpsim__ob_ref(&tw->hdr);
    }
    pnpsim__unlock(sys);
    if (top != NULL) {
        if (tw->deleted)
            pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, top->DriverObject, NULL,
                          "file object %p closes on a deleted device object %p",
                          (void *)&f->file, (void *)top);
        send_simple(sys, top, IRP_MJ_CLEANUP, f);
        send_simple(sys, top, IRP_MJ_CLOSE, f);
        pnpsim__ob_unref(&tw->hdr);
    }
    if (pnpsim__atomic_load(&f->hdr.refs) != 1)
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, NULL, NULL,
                      "file object %p: a driver kept a reference across IRP_MJ_CLOSE",
                      (void *)&f->file);
    pnpsim__lock(sys);
    if (dn != NULL && dn->open_handles > 0)
        dn->open_handles--;
    if (f->file.DeviceObject != NULL && f->file.DeviceObject->ReferenceCount > 0)
        f->file.DeviceObject->ReferenceCount--;
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dn, NULL, NULL, "file object %p closed",
                  (void *)&f->file);
    if (dn != NULL)
        pnpsim__devnode_handle_closed(dn);
    file_free(sys, f);
}

typedef struct close_work {
    pnpsim__work w;
    pnpsim__file *f;
} close_work;

static void close_work_run(pnpsim_system *sys, pnpsim__work *w)
{
    close_work *cw = CONTAINING_RECORD(w, close_work, w);
    pnpsim__file *f = cw->f;
    pnpsim__free(sys, cw);
    file_close(f);
}

static void close_work_discard(pnpsim_system *sys, pnpsim__work *w)
{
    close_work *cw = CONTAINING_RECORD(w, close_work, w);
    pnpsim__file *f = cw->f;
    pnpsim__free(sys, cw);
    file_free(sys, f);
}

void pnpsim__file_last_reference(pnpsim__obhdr *hdr)
{
    pnpsim__file *f = CONTAINING_RECORD(hdr, pnpsim__file, hdr);
    pnpsim_system *sys = hdr->sys;
    if (f->closed || f->devnode == NULL) {
        file_free(sys, f);
        return;
    }
    if (pnpsim__ts()->irql > PASSIVE_LEVEL || pnpsim__ts()->lock_held == sys) {
        /* Windows closes a file dereferenced at raised IRQL from a worker thread. */
        close_work *cw = pnpsim__calloc(sys, 1, sizeof(*cw));
        if (cw != NULL) {
            pnpsim__atomic_store(&f->hdr.refs, 1);
            f->closed = true;
            cw->f = f;
            cw->w.run = close_work_run;
            cw->w.discard = close_work_discard;
            cw->w.what = "close file object";
            cw->w.kind = PNPSIM__WORK_OTHER;
            pnpsim__work_queue(sys, &cw->w);
            return;
        }
        /* No memory for the work item: close now. */
    }
    file_close(f);
}

/*
 * Opening a device (public, include/pnpsim/device.h).
 * Windows behaviour: opening a device sends IRP_MJ_CREATE with a new FILE_OBJECT to the
 * top of the device's stack (FileName is the rest of the path after the device name,
 * e.g. "\ref" for an interface's reference string); a device that is not started, or that
 * was surprise removed, cannot be opened (windows-semantics.md 2.4, 13 item 25).
 * Simulation: allowed in the STARTED, QUERY_STOPPED, STOPPED and QUERY_REMOVED states (the
 * driver decides whether to fail the create while a stop or removal is pending), otherwise
 * STATUS_NO_SUCH_DEVICE (choice). The IRP's IoStatus.Status starts as STATUS_SUCCESS
 * (choice: not documented). The file is opened for read and write access, unshared.
 */
NTSTATUS pnpsim_device_open(pnpsim_device *dev, const char *file_name, PFILE_OBJECT *out)
{
    pnpsim_system *sys;
    pnpsim__file *f;
    PDEVICE_OBJECT pdo, top;
    pnpsim__devobj *tw;
    IO_STACK_LOCATION sp;
    ULONG_PTR info;
    NTSTATUS status;
    pnpsim_device_state st;

    if (out != NULL)
        *out = NULL;
    if (dev == NULL || out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_device_open: dev and out are "
                                                        "required");
    sys = dev->sys;
    if (!pnpsim__check_irql(sys, "pnpsim_device_open", PASSIVE_LEVEL, 0, NULL))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "pnpsim_device_open: called above PASSIVE_LEVEL");
    pnpsim__harness_enter(sys);

    f = pnpsim__calloc(sys, 1, sizeof(*f));
    if (f == NULL) {
        status = pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_device_open: no memory");
        goto out;
    }
    if (file_name != NULL && file_name[0] != '\0') {
        size_t n = 0;
        WCHAR *rest = pnpsim__utf8_to_utf16(sys, file_name, &n);
        if (rest == NULL || n > 32000) {
            pnpsim__free(sys, rest);
            pnpsim__free(sys, f);
            status = pnpsim__status(rest == NULL ? STATUS_INSUFFICIENT_RESOURCES
                                                 : STATUS_OBJECT_NAME_INVALID,
                                    "pnpsim_device_open: cannot use file name \"%s\"",
                                    file_name);
            goto out;
        }
        f->name_w = pnpsim__malloc(sys, (n + 2) * sizeof(WCHAR));
        if (f->name_w == NULL) {
            pnpsim__free(sys, rest);
            pnpsim__free(sys, f);
            status = pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                    "pnpsim_device_open: no memory");
            goto out;
        }
        f->name_w[0] = u'\\';
        memcpy(f->name_w + 1, rest, (n + 1) * sizeof(WCHAR));
        pnpsim__free(sys, rest);
        f->file.FileName.Buffer = f->name_w;
        f->file.FileName.Length = (USHORT)((n + 1) * sizeof(WCHAR));
        f->file.FileName.MaximumLength = (USHORT)((n + 2) * sizeof(WCHAR));
    }
    f->hdr.magic = PNPSIM__OB_MAGIC;
    f->hdr.type = IO_TYPE_FILE;
    f->hdr.refs = 1;
    f->hdr.sys = sys;
    f->hdr.destroy = pnpsim__file_last_reference;
    f->file.Type = IO_TYPE_FILE;
    f->file.Size = (CSHORT)sizeof(FILE_OBJECT);
    f->file.ReadAccess = TRUE;
    f->file.WriteAccess = TRUE;
    KeInitializeEvent(&f->file.Lock, SynchronizationEvent, FALSE);
    KeInitializeEvent(&f->file.Event, NotificationEvent, FALSE);
    InitializeListHead(&f->file.IrpList);

    pnpsim__lock(sys);
    st = dev->state;
    pdo = dev->pdo != NULL ? &dev->pdo->dev : NULL;
    if (pdo == NULL || dev->remove_pending ||
        (st != PNPSIM_DEVICE_STARTED && st != PNPSIM_DEVICE_QUERY_STOPPED &&
         st != PNPSIM_DEVICE_STOPPED && st != PNPSIM_DEVICE_QUERY_REMOVED)) {
        pnpsim__unlock(sys);
        pnpsim__free(sys, f->name_w);
        pnpsim__free(sys, f);
        status = pnpsim__status(STATUS_NO_SUCH_DEVICE,
                                "pnpsim_device_open: %s is not open-able in state %s",
                                dev->instance_path != NULL ? dev->instance_path : "device",
                                pnpsim_device_state_name(st));
        goto out;
    }
    f->file.DeviceObject = pdo;
    top = pnpsim__stack_top(pdo);
    tw = PNPSIM_DEVOBJ(top);
    pnpsim__ob_ref(&tw->hdr);
    pnpsim__unlock(sys);

    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_CREATE;
    sp.Parameters.Create.Options = (ULONG)(PNPSIM__FILE_OPEN << 24);
    status = pnpsim__send_irp_sync(sys, top, &sp, STATUS_SUCCESS, 0, &f->file, &info);
    pnpsim__ob_unref(&tw->hdr);
    if (!NT_SUCCESS(status) || status == STATUS_PENDING) {
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dev, top->DriverObject, &status,
                      "open of %s failed", dev->instance_path);
        /* Nothing was opened: no CLEANUP or CLOSE follows. */
        f->closed = true;
        file_free(sys, f);
        goto out;
    }
    pnpsim__lock(sys);
    dev->open_handles++;
    pdo->ReferenceCount++;
    f->devnode = dev;
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dev, NULL, &status, "opened file object %p%s%s",
                  (void *)&f->file, file_name != NULL ? " \\" : "",
                  file_name != NULL ? file_name : "");
    *out = &f->file;

out:
    pnpsim__harness_leave(sys);
    return status;
}
