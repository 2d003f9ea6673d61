/* SPDX-License-Identifier: MIT */
/*
 * This file implements file objects: opening a simulated device as an application opens
 * its PDO (pnpsim_device_open: a FILE_OBJECT and IRP_MJ_CREATE to the top of the stack),
 * opening a device by name (a device interface's symbolic link or "\Device\<name>") for
 * IoGetDeviceObjectPointer and ZwCreateFile/ZwOpenFile (a file handle that ZwClose closes),
 * and closing a file when its last reference goes (IRP_MJ_CLEANUP, then IRP_MJ_CLOSE, then
 * the device node learns a handle closed, which may release a held-back
 * IRP_MN_REMOVE_DEVICE).
 */
#include "io_int.h"
#include "iface.h"
#include "registry.h"


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
    if (f->closed || (f->devnode == NULL && !f->bare)) {
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

/* A new file object whose FileName is "\" + rest (n chars; none when n is 0). */
static NTSTATUS file_alloc(pnpsim_system *sys, const char *ddi, const WCHAR *rest, size_t n,
                           pnpsim__file **out)
{
    pnpsim__file *f;
    *out = NULL;
    if (n > 32000)
        return pnpsim__status(STATUS_OBJECT_NAME_INVALID, "%s: file name too long", ddi);
    f = pnpsim__calloc(sys, 1, sizeof(*f));
    if (f == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", ddi);
    if (n > 0) {
        f->name_w = pnpsim__malloc(sys, (n + 2) * sizeof(WCHAR));
        if (f->name_w == NULL) {
            pnpsim__free(sys, f);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", ddi);
        }
        f->name_w[0] = u'\\';
        memcpy(f->name_w + 1, rest, n * sizeof(WCHAR));
        f->name_w[n + 1] = 0;
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
    *out = f;
    return STATUS_SUCCESS;
}

static bool devnode_openable(pnpsim_device *dev)
{
    pnpsim_device_state st = dev->state;
    return dev->pdo != NULL && !dev->remove_pending &&
           (st == PNPSIM_DEVICE_STARTED || st == PNPSIM_DEVICE_QUERY_STOPPED ||
            st == PNPSIM_DEVICE_STOPPED || st == PNPSIM_DEVICE_QUERY_REMOVED);
}

/* Send IRP_MJ_CREATE for f to the top of the stack of target (the device object the file
 * is opened on: the PDO of dev, or a named device object) and account the open. Frees f on
 * failure. With dev NULL the target's device node is looked up (NULL: a device outside any
 * device node). Caller holds no lock. */
static NTSTATUS file_open_on(pnpsim_system *sys, const char *ddi, pnpsim_device *dev,
                             PDEVICE_OBJECT target, pnpsim__file *f, ULONG options,
                             ULONG attributes, USHORT share, PDEVICE_OBJECT *top_out)
{
    PDEVICE_OBJECT top;
    pnpsim__devobj *tw;
    IO_STACK_LOCATION sp;
    ULONG_PTR info;
    NTSTATUS status;
    char what[160];

    pnpsim__lock(sys);
    if (dev == NULL)
        dev = pnpsim__devnode_of(target);
    if (target == NULL || (dev != NULL && !devnode_openable(dev)) ||
        (dev == NULL && PNPSIM_DEVOBJ(target)->deleted)) {
        pnpsim_device_state st = dev != NULL ? dev->state : PNPSIM_DEVICE_REMOVED;
        snprintf(what, sizeof(what), "%s", dev != NULL && dev->instance_path != NULL
                                               ? dev->instance_path : "device");
        pnpsim__unlock(sys);
        pnpsim__free(sys, f->name_w);
        pnpsim__free(sys, f);
        return pnpsim__status(STATUS_NO_SUCH_DEVICE, "%s: %s is not open-able in state %s", ddi,
                              what, pnpsim_device_state_name(st));
    }
    f->file.DeviceObject = target;
    top = pnpsim__stack_top(target);
    tw = PNPSIM_DEVOBJ(top);
    pnpsim__ob_ref(&tw->hdr);
    pnpsim__unlock(sys);

    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_CREATE;
    sp.Parameters.Create.Options = options;
    sp.Parameters.Create.FileAttributes = (USHORT)attributes;
    sp.Parameters.Create.ShareAccess = share;
    status = pnpsim__send_irp_sync(sys, top, &sp, STATUS_SUCCESS, 0, &f->file, &info);
    if (!NT_SUCCESS(status) || status == STATUS_PENDING) {
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dev, top->DriverObject, &status,
                      "%s: IRP_MJ_CREATE failed", ddi);
        pnpsim__ob_unref(&tw->hdr);
        /* Nothing was opened: no CLEANUP or CLOSE follows. */
        f->closed = true;
        file_free(sys, f);
        return status == STATUS_PENDING ? STATUS_UNSUCCESSFUL : status;
    }
    pnpsim__lock(sys);
    if (dev != NULL)
        dev->open_handles++;
    target->ReferenceCount++;
    f->devnode = dev;
    f->bare = dev == NULL;
    pnpsim__unlock(sys);
    if (top_out != NULL)
        *top_out = top;
    pnpsim__ob_unref(&tw->hdr);
    return STATUS_SUCCESS;
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
    pnpsim__file *f = NULL;
    WCHAR *rest = NULL;
    size_t n = 0;
    NTSTATUS status;

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
    if (file_name != NULL && file_name[0] != '\0') {
        rest = pnpsim__utf8_to_utf16(sys, file_name, &n);
        if (rest == NULL) {
            status = pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                    "pnpsim_device_open: cannot use file name \"%s\"",
                                    file_name);
            goto out;
        }
    }
    status = file_alloc(sys, "pnpsim_device_open", rest, n, &f);
    pnpsim__free(sys, rest);
    if (!NT_SUCCESS(status))
        goto out;
    status = file_open_on(sys, "pnpsim_device_open", dev, dev->pdo != NULL ? &dev->pdo->dev : NULL,
                          f, (ULONG)(FILE_OPEN << 24), 0, 0, NULL);
    if (!NT_SUCCESS(status))
        goto out;
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, dev, NULL, &status, "opened file object %p%s%s",
                  (void *)&f->file, file_name != NULL ? " \\" : "",
                  file_name != NULL ? file_name : "");
    *out = &f->file;

out:
    pnpsim__harness_leave(sys);
    return status;
}

/* ======================================================================================
 * Opening by name
 * ==================================================================================== */

/* Does s (n chars) start with the ASCII prefix p, ignoring case? */
static bool has_prefix(const WCHAR *s, size_t n, const char *p)
{
    size_t k;
    for (k = 0; p[k] != 0; k++) {
        WCHAR c, d = (WCHAR)(unsigned char)p[k];
        if (k >= n)
            return false;
        c = s[k];
        if (c >= 'A' && c <= 'Z')
            c = (WCHAR)(c + 32);
        if (d >= 'A' && d <= 'Z')
            d = (WCHAR)(d + 32);
        if (c != d)
            return false;
    }
    return true;
}

/* The named device object "\Device\<name>" that name (n chars) starts with, followed by the
 * end or a '\' (*rest_at: where the rest begins). Caller holds sys->lock. */
static PDEVICE_OBJECT find_named_device_locked(pnpsim_system *sys, const WCHAR *name, size_t n,
                                               size_t *rest_at)
{
    for (PLIST_ENTRY e = sys->drivers.Flink; e != &sys->drivers; e = e->Flink) {
        pnpsim__driver *d = CONTAINING_RECORD(e, pnpsim__driver, link);
        for (PDEVICE_OBJECT o = d->drv.DeviceObject; o != NULL; o = o->NextDevice) {
            pnpsim__devobj *w = PNPSIM_DEVOBJ(o);
            size_t len;
            if (w->name_w == NULL || w->deleted)
                continue;
            len = pnpsim__wcslen(w->name_w);
            if (len > n || (len < n && name[len] != '\\'))
                continue;
            {
                size_t k;
                for (k = 0; k < len; k++) {
                    WCHAR a = name[k], b = w->name_w[k];
                    if (a >= 'A' && a <= 'Z')
                        a = (WCHAR)(a + 32);
                    if (b >= 'A' && b <= 'Z')
                        b = (WCHAR)(b + 32);
                    if (a != b)
                        break;
                }
                if (k == len) {
                    *rest_at = len < n ? len + 1 : n;
                    return o;
                }
            }
        }
    }
    return NULL;
}

NTSTATUS pnpsim__io_open_name(pnpsim_system *sys, const char *ddi, const WCHAR *name, size_t n,
                              ULONG create_options, ULONG attributes, USHORT share,
                              PFILE_OBJECT *file, PDEVICE_OBJECT *top)
{
    WCHAR *link = NULL;
    const WCHAR *ref = NULL;
    size_t ref_chars = 0;
    pnpsim_device *dn = NULL;
    PDEVICE_OBJECT target = NULL;
    pnpsim__file *f = NULL;
    NTSTATUS status;
    size_t skip = 0;

    *file = NULL;
    *top = NULL;
    /* "\GLOBAL??\X" and "\DosDevices\X" name what "\??\X" names. */
    if (has_prefix(name, n, "\\GLOBAL??\\"))
        skip = 10;
    else if (has_prefix(name, n, "\\DosDevices\\"))
        skip = 12;
    if (skip != 0) {
        link = pnpsim__malloc(sys, (n - skip + 4 + 1) * sizeof(WCHAR));
        if (link == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", ddi);
        link[0] = u'\\';
        link[1] = u'?';
        link[2] = u'?';
        link[3] = u'\\';
        memcpy(link + 4, name + skip, (n - skip) * sizeof(WCHAR));
        n = n - skip + 4;
        link[n] = 0;
        name = link;
    }

    pnpsim__lock(sys);
    if (has_prefix(name, n, "\\??\\") || has_prefix(name, n, "\\\\?\\")) {
        status = pnpsim__iface_resolve_link_locked(sys, name, n, &dn, &ref, &ref_chars);
        if (status == STATUS_INVALID_PARAMETER)
            status = STATUS_OBJECT_NAME_NOT_FOUND; /* not an interface: no such link */
        if (NT_SUCCESS(status) && (dn == NULL || dn->pdo == NULL))
            status = STATUS_OBJECT_NAME_NOT_FOUND;
        if (NT_SUCCESS(status))
            target = &dn->pdo->dev;
    } else if (has_prefix(name, n, "\\Device\\")) {
        size_t at = 0;
        target = find_named_device_locked(sys, name, n, &at);
        status = target != NULL ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
        if (target != NULL) {
            ref = at < n ? name + at : NULL;
            ref_chars = at < n ? n - at : 0;
        }
    } else {
        status = STATUS_OBJECT_NAME_NOT_FOUND;
    }
    if (NT_SUCCESS(status)) {
        /* The rest is copied before the lock goes (the interface may be disabled). */
        pnpsim__unlock(sys);
        status = file_alloc(sys, ddi, ref, ref_chars, &f);
        pnpsim__free(sys, link);
        if (!NT_SUCCESS(status))
            return status;
        status = file_open_on(sys, ddi, dn, target, f, create_options, attributes, share, top);
        if (!NT_SUCCESS(status))
            return status;
        *file = &f->file;
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, f->devnode, NULL, &status,
                      "%s opened file object %p", ddi, (void *)&f->file);
        return STATUS_SUCCESS;
    }
    pnpsim__unlock(sys);
    {
        char nm[200];
        pnpsim__utf16_to_utf8_buf(name, n, nm, sizeof(nm));
        pnpsim__free(sys, link);
        return pnpsim__status(status, "%s: %s names no open-able device (a disabled or "
                                      "unregistered interface, or no such device object)",
                              ddi, nm);
    }
}

/* ======================================================================================
 * ZwCreateFile / ZwOpenFile
 * ==================================================================================== */

/* DDI compliance rule IrqlZwPassive: bug check 0xC4 parameter 1 (Microsoft Learn
 * "IrqlZwPassive rule (wdm)"). */
#define RULE_IRQL_ZW_PASSIVE 0x0002001F

static void file_handle_close(pnpsim_system *sys, void *obj)
{
    PNPSIM_UNUSED(sys);
    ObDereferenceObject(obj);
}

static NTSTATUS zw_open(const char *ddi, PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                        POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                        ULONG FileAttributes, ULONG ShareAccess, ULONG CreateDisposition,
                        ULONG CreateOptions, ULONG EaLength)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    PUNICODE_STRING name;
    PFILE_OBJECT file = NULL;
    PDEVICE_OBJECT top = NULL;
    HANDLE h = NULL;
    NTSTATUS status;

    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, RULE_IRQL_ZW_PASSIVE, "IrqlZwPassive"))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: above PASSIVE_LEVEL", ddi);
    if (FileHandle == NULL || IoStatusBlock == NULL || ObjectAttributes == NULL)
        return pnpsim__status(STATUS_ACCESS_VIOLATION,
                              "%s: FileHandle, ObjectAttributes and IoStatusBlock are required",
                              ddi);
    *FileHandle = NULL;
    name = ObjectAttributes->ObjectName;
    if (name == NULL)
        return pnpsim__status(STATUS_OBJECT_NAME_INVALID, "%s: no ObjectName", ddi);
    if (name->Length % 2 != 0)
        return pnpsim__status(STATUS_OBJECT_NAME_INVALID, "%s: odd ObjectName Length", ddi);
    if (!pnpsim__ustr_valid(name))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: malformed ObjectName", ddi);
    if (name->Length == 0)
        return pnpsim__status(STATUS_OBJECT_NAME_INVALID, "%s: empty ObjectName", ddi);
    if (ObjectAttributes->RootDirectory != NULL)
        return pnpsim__status(STATUS_NOT_IMPLEMENTED,
                              "%s: names relative to a RootDirectory are not modelled", ddi);
    if (CreateDisposition > FILE_MAXIMUM_DISPOSITION || EaLength != 0 ||
        (ShareAccess & ~(ULONG)(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)) != 0 ||
        (CreateOptions & 0xFF000000u) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: bad CreateDisposition, ShareAccess, CreateOptions or EA", ddi);
    status = pnpsim__io_open_name(sys, ddi, name->Buffer, name->Length / sizeof(WCHAR),
                                  (CreateDisposition << 24) | CreateOptions, FileAttributes,
                                  (USHORT)ShareAccess, &file, &top);
    if (!NT_SUCCESS(status)) {
        IoStatusBlock->Status = status;
        IoStatusBlock->Information = 0;
        return status;
    }
    pnpsim__lock(sys);
    status = pnpsim__handle_create(sys, PNPSIM__HANDLE_FILE, file, DesiredAccess,
                                   file_handle_close, &h);
    pnpsim__unlock(sys);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(file); /* CLEANUP and CLOSE */
        return pnpsim__status(status, "%s: no memory for a handle", ddi);
    }
    *FileHandle = h;
    IoStatusBlock->Status = STATUS_SUCCESS;
    IoStatusBlock->Information = FILE_OPENED;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: opens (or creates) a file or device by object name and returns a
 * handle; for a device object (or a symbolic link to one, such as a device interface's
 * "\??\..." link) the I/O manager sends IRP_MJ_CREATE to the top of the device's stack with
 * the rest of the name as the FILE_OBJECT's FileName, the disposition in the high byte of
 * Parameters.Create.Options; STATUS_OBJECT_NAME_NOT_FOUND when no object has that name (a
 * disabled interface has no symbolic link, windows-semantics.md §2.4). IoStatusBlock
 * receives the final status and FILE_OPENED/FILE_CREATED...; the handle is closed with
 * ZwClose (IRP_MJ_CLEANUP, then IRP_MJ_CLOSE when the last reference goes); PASSIVE_LEVEL
 * (Microsoft Learn "ZwCreateFile function (wdm.h)", "IrqlZwPassive rule (wdm)").
 * Simulation: device names only: interface links ("\??\", "\\?\", "\GLOBAL??\",
 * "\DosDevices\" forms) and "\Device\<name>" (case-insensitive) of named device objects;
 * anything else STATUS_OBJECT_NAME_NOT_FOUND. DesiredAccess is recorded on the handle, not
 * checked; share access is passed to the driver, not enforced; EAs and AllocationSize are
 * not modelled (EaLength must be 0); Information is always FILE_OPENED. A NULL FileHandle,
 * ObjectAttributes or IoStatusBlock returns STATUS_ACCESS_VIOLATION (Windows would fault).
 * ZwClose sends CLEANUP and CLOSE together when the last reference to the file goes
 * (divergence: Windows sends CLEANUP when the last handle closes).
 */
NTSTATUS NTAPI ZwCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                            POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                            PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess,
                            ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
                            ULONG EaLength)
{
    PNPSIM_UNUSED(AllocationSize);
    PNPSIM_UNUSED(EaBuffer);
    return zw_open("ZwCreateFile", FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock,
                   FileAttributes, ShareAccess, CreateDisposition, CreateOptions, EaLength);
}

/*
 * Windows behaviour: opens an existing file or device: ZwCreateFile with FILE_OPEN
 * (Microsoft Learn "ZwOpenFile function (wdm.h)").
 * Simulation: exactly that (see ZwCreateFile).
 */
NTSTATUS NTAPI ZwOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                          POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
                          ULONG ShareAccess, ULONG OpenOptions)
{
    return zw_open("ZwOpenFile", FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, 0,
                   ShareAccess, FILE_OPEN, OpenOptions, 0);
}
