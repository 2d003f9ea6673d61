/* SPDX-License-Identifier: MIT */
/*
 * This file implements device objects as the I/O manager keeps them: creation with a
 * zeroed, 16-byte aligned device extension and an optional (or generated) name that is
 * unique in the system, deletion whose memory outlives the last reference, device stacks
 * (attach above the current top, detach, walk up and down), and the validation that turns a
 * pointer that is not a device object into a bug check.
 *
 * Stack links (AttachedDevice upward, DEVOBJ_EXTENSION.AttachedTo downward) and each
 * driver's DeviceObject/NextDevice chain change only under sys->lock.
 */
#include "io_int.h"

#define EXT_ALIGN 16u
#define WRAPPER_SIZE ((sizeof(pnpsim__devobj) + EXT_ALIGN - 1) & ~(size_t)(EXT_ALIGN - 1))
/* Device names are at most this long (the object manager limits a name to 32767 chars;
 * UNICODE_STRING already limits it to 32767). */
#define AUTONAME_CHARS 32

/* IrqlIoPassive1 / IrqlIoPassive3 (Microsoft Learn devtest wdm-irqliopassive1, -3). */
#define RULE_IRQL_IO_PASSIVE1 0x0002000A
#define RULE_IRQL_IO_PASSIVE3 0x0002000C
/* Driver Verifier I/O verification codes (bug-check-0xc9--driver-verifier-iomanager-violation). */
#define IOV_DELETE_WHILE_ATTACHED 0x201
#define IOV_DETACH_NOT_ATTACHED 0x202

pnpsim__devobj *pnpsim__devobj_from(PDEVICE_OBJECT dev)
{
    pnpsim__obhdr *hdr;
    if (pnpsim__ob_probe(dev, &hdr) != PNPSIM__OB_LIVE || hdr->type != IO_TYPE_DEVICE ||
        dev->Type != IO_TYPE_DEVICE)
        return NULL;
    return PNPSIM_DEVOBJ(dev);
}

PDEVICE_OBJECT pnpsim__stack_top(PDEVICE_OBJECT dev)
{
    if (dev == NULL)
        return NULL;
    while (dev->AttachedDevice != NULL)
        dev = dev->AttachedDevice;
    return dev;
}

PDEVICE_OBJECT pnpsim__stack_bottom(PDEVICE_OBJECT dev)
{
    if (dev == NULL)
        return NULL;
    while (dev->DeviceObjectExtension != NULL && dev->DeviceObjectExtension->AttachedTo != NULL)
        dev = dev->DeviceObjectExtension->AttachedTo;
    return dev;
}

static const char *devname(const pnpsim__devobj *w)
{
    return w->name != NULL ? w->name : "(unnamed)";
}

static void devobj_destroy(pnpsim__obhdr *hdr)
{
    pnpsim__devobj *w = CONTAINING_RECORD(hdr, pnpsim__devobj, hdr);
    pnpsim_system *sys = hdr->sys;
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, NULL, w->dev.DriverObject, NULL,
                  "device object %s (%p) freed: last reference gone", devname(w),
                  (void *)&w->dev);
    pnpsim__free(sys, w->name);
    pnpsim__free(sys, w->name_w);
    w->name = NULL;
    w->name_w = NULL;
    /* Keep the memory readable for a while so that a late IoDeleteDevice or
     * ObDereferenceObject is reported rather than touching freed memory. */
    hdr->magic = PNPSIM__OB_FREED_MAGIC;
    w->dev.Type = 0;
    pnpsim__quarantine(sys, w);
}

/* ---- names ----------------------------------------------------------------------------- */

/* Is a device with this name (case-insensitive, as the object manager compares) present?
 * Caller holds sys->lock. */
static bool name_in_use(pnpsim_system *sys, const char *name)
{
    PNPSIM_ASSERT_LOCKED(sys);
    for (PLIST_ENTRY e = sys->drivers.Flink; e != &sys->drivers; e = e->Flink) {
        pnpsim__driver *d = CONTAINING_RECORD(e, pnpsim__driver, link);
        for (PDEVICE_OBJECT dev = d->drv.DeviceObject; dev != NULL; dev = dev->NextDevice) {
            const pnpsim__devobj *w = PNPSIM_DEVOBJ(dev);
            if (w->name != NULL && pnpsim__stricmp(w->name, name) == 0)
                return true;
        }
    }
    return false;
}

/* Whether an explicit name has the form of a generated one (\Device\ and 8 hex digits,
 * any case): such a name can collide with a later generated name. */
static bool looks_generated(const char *name)
{
    static const char prefix[] = "\\device\\";
    size_t i;
    for (i = 0; i < sizeof(prefix) - 1; i++)
        if (name[i] == 0 || (name[i] | 0x20) != (prefix[i] | 0x20))
            return false;
    for (; i < sizeof(prefix) - 1 + 8; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || ((name[i] | 0x20) >= 'a' &&
                                                      (name[i] | 0x20) <= 'f')))
            return false;
    return name[i] == 0;
}

/* Check an explicit name the way the object manager parses it, and copy it (UTF-8 and
 * NUL-terminated UTF-16). */
static NTSTATUS copy_name(pnpsim_system *sys, PCUNICODE_STRING name, char **utf8, WCHAR **wide)
{
    size_t n = name->Length / sizeof(WCHAR);
    *utf8 = NULL;
    *wide = NULL;
    if (name->Buffer[0] != u'\\')
        return pnpsim__status(STATUS_OBJECT_PATH_SYNTAX_BAD,
                              "IoCreateDevice: the device name must be absolute (start with '\\')");
    for (size_t i = 0; i < n; i++) {
        if (name->Buffer[i] == 0)
            return pnpsim__status(STATUS_OBJECT_NAME_INVALID,
                                  "IoCreateDevice: the device name contains a NUL character");
        if (name->Buffer[i] == u'\\' && (i + 1 == n || name->Buffer[i + 1] == u'\\'))
            return pnpsim__status(STATUS_OBJECT_NAME_INVALID,
                                  "IoCreateDevice: the device name has an empty component");
    }
    *wide = pnpsim__malloc(sys, (n + 1) * sizeof(WCHAR));
    if (*wide == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "IoCreateDevice: no memory");
    memcpy(*wide, name->Buffer, n * sizeof(WCHAR));
    (*wide)[n] = 0;
    *utf8 = pnpsim__utf16_to_utf8(sys, name->Buffer, n);
    if (*utf8 == NULL) {
        pnpsim__free(sys, *wide);
        *wide = NULL;
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "IoCreateDevice: no memory");
    }
    return STATUS_SUCCESS;
}

/* ---- creation -------------------------------------------------------------------------- */

NTSTATUS pnpsim__device_object_create(pnpsim_system *sys, PDRIVER_OBJECT drv, ULONG ext_size,
                                      PUNICODE_STRING name, DEVICE_TYPE type, ULONG chars,
                                      BOOLEAN exclusive, PDEVICE_OBJECT *out)
{
    pnpsim__driver *d = pnpsim__driver_from(drv);
    pnpsim__devobj *w;
    char *name8 = NULL;
    WCHAR *namew = NULL;
    bool autoname = (chars & FILE_AUTOGENERATED_DEVICE_NAME) != 0;
    NTSTATUS status;

    if (out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "IoCreateDevice: DeviceObject is NULL");
    *out = NULL;
    if (d == NULL) {
        pnpsim__bad_object(sys, drv, IO_TYPE_DRIVER, "IoCreateDevice");
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoCreateDevice: DriverObject is not a driver object");
    }
    if (ext_size > 0x7FFFFFFFu - WRAPPER_SIZE)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "IoCreateDevice: device extension of %lu bytes is too large",
                              (unsigned long)ext_size);
    if (!autoname && name != NULL) {
        if (!pnpsim__ustr_valid(name))
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "IoCreateDevice: DeviceName is not a well-formed "
                                  "UNICODE_STRING (Length %u, MaximumLength %u, Buffer %p)",
                                  name->Length, name->MaximumLength, (void *)name->Buffer);
        if (name->Length > 0) {
            status = copy_name(sys, name, &name8, &namew);
            if (!NT_SUCCESS(status))
                return status;
        }
    } else if (autoname) {
        name8 = pnpsim__malloc(sys, AUTONAME_CHARS);
        namew = pnpsim__malloc(sys, AUTONAME_CHARS * sizeof(WCHAR));
        if (name8 == NULL || namew == NULL) {
            pnpsim__free(sys, name8);
            pnpsim__free(sys, namew);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "IoCreateDevice: no memory");
        }
    }

    w = pnpsim__calloc(sys, 1, WRAPPER_SIZE + ext_size);
    if (w == NULL) {
        pnpsim__free(sys, name8);
        pnpsim__free(sys, namew);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "IoCreateDevice: no memory for the device object");
    }
    w->hdr.magic = PNPSIM__OB_MAGIC;
    w->hdr.type = IO_TYPE_DEVICE;
    w->hdr.refs = 1; /* the creation reference, dropped by IoDeleteDevice */
    w->hdr.sys = sys;
    w->hdr.destroy = devobj_destroy;
    w->dev.Type = IO_TYPE_DEVICE;
    w->dev.Size = (USHORT)(sizeof(DEVICE_OBJECT) + ext_size);
    w->dev.ReferenceCount = 0;
    w->dev.DriverObject = drv;
    w->dev.DeviceExtension = ext_size != 0 ? (char *)w + WRAPPER_SIZE : NULL;
    w->dev.DeviceType = type;
    w->dev.Characteristics = chars & ~(ULONG)FILE_AUTOGENERATED_DEVICE_NAME;
    w->dev.StackSize = 1;
    w->dev.AlignmentRequirement = 0; /* FILE_BYTE_ALIGNMENT */
    w->dev.Flags = DO_DEVICE_INITIALIZING;
    if (exclusive)
        w->dev.Flags |= DO_EXCLUSIVE;
    if (name8 != NULL)
        w->dev.Flags |= DO_DEVICE_HAS_NAME;
    InitializeListHead(&w->dev.Queue.ListEntry);
    w->dev.DeviceQueue.Size = (CSHORT)sizeof(KDEVICE_QUEUE);
    InitializeListHead(&w->dev.DeviceQueue.DeviceListHead);
    KeInitializeEvent(&w->dev.DeviceLock, SynchronizationEvent, TRUE);
    w->dev.DeviceObjectExtension = &w->ext;
    w->ext.Type = IO_TYPE_DEVICE_OBJECT_EXTENSION;
    w->ext.Size = (USHORT)sizeof(DEVOBJ_EXTENSION);
    w->ext.DeviceObject = &w->dev;

    pnpsim__lock(sys);
    if (!autoname && name8 != NULL && looks_generated(name8))
        sys->explicit_auto_names++; /* from now on generated names are checked */
    if (autoname) {
        /* Windows style: \Device\0000002a, from a system-wide counter; skip numbers a
         * driver took explicitly. */
        for (;;) {
            unsigned long num = sys->next_device_number++;
            snprintf(name8, AUTONAME_CHARS, "\\Device\\%08lx", num & 0xFFFFFFFFul);
            /* Generated numbers do not repeat (short of 2^32 devices), so only a name a
             * driver gave explicitly in this form can collide: without one, no O(n) scan. */
            if (sys->explicit_auto_names == 0 || !name_in_use(sys, name8))
                break;
        }
        for (size_t i = 0;; i++) {
            namew[i] = (WCHAR)(unsigned char)name8[i];
            if (name8[i] == '\0')
                break;
        }
    } else if (name8 != NULL && name_in_use(sys, name8)) {
        pnpsim__unlock(sys);
        status = pnpsim__status(STATUS_OBJECT_NAME_COLLISION,
                                "IoCreateDevice: a device named %s already exists", name8);
        pnpsim__free(sys, name8);
        pnpsim__free(sys, namew);
        pnpsim__free(sys, w);
        return status;
    }
    w->name = name8;
    w->name_w = namew;
    /* New devices go to the head of the driver's list, as on Windows. */
    w->dev.NextDevice = drv->DeviceObject;
    w->prev_device = NULL;
    if (drv->DeviceObject != NULL)
        PNPSIM_DEVOBJ(drv->DeviceObject)->prev_device = &w->dev;
    drv->DeviceObject = &w->dev;
    pnpsim__unlock(sys);

    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, NULL, drv, NULL,
                  "IoCreateDevice: %s (%p), type 0x%lx, extension %lu bytes", devname(w),
                  (void *)&w->dev, (unsigned long)type, (unsigned long)ext_size);
    *out = &w->dev;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: IoCreateDevice creates a device object for the driver with a zeroed
 * device extension of DeviceExtensionSize bytes, StackSize 1, DO_DEVICE_INITIALIZING set,
 * linked at the head of DriverObject->DeviceObject; a name already in use gives
 * STATUS_OBJECT_NAME_COLLISION; FILE_AUTOGENERATED_DEVICE_NAME makes the I/O manager
 * generate one; IRQL PASSIVE_LEVEL (DDI rule IrqlIoPassive1, 0xC4/0x2000A)
 * (nf-wdm-iocreatedevice; devtest wdm-irqliopassive1).
 * Simulation: the extension is 16-byte aligned right after pnpsim's wrapper. Names must be
 * absolute ('\' first, else STATUS_OBJECT_PATH_SYNTAX_BAD), without empty components or
 * NULs (STATUS_OBJECT_NAME_INVALID); object directories are not modelled (any directory is
 * accepted). A malformed UNICODE_STRING gives STATUS_INVALID_PARAMETER and an empty one
 * (Length 0) means no name (choices). Generated names are \Device\%08lx from a per-system
 * counter and the FILE_AUTOGENERATED_DEVICE_NAME bit is not kept in Characteristics.
 * Exclusive sets DO_EXCLUSIVE. No VPB is created for disk-type devices.
 */
NTSTATUS NTAPI IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                              PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                              ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                              PDEVICE_OBJECT *DeviceObject)
{
    pnpsim__obhdr *hdr = pnpsim__ob_header(DriverObject);
    pnpsim_system *sys = pnpsim__io_sys(hdr);
    if (sys == NULL)
        sys = pnpsim__require_system("IoCreateDevice");
    if (DeviceObject != NULL)
        *DeviceObject = NULL;
    NTSTATUS fst;
    if (pnpsim__fault_ddi(sys, "IoCreateDevice", &fst)) /* fault.h */
        return fst;
    if (!pnpsim__check_irql(sys, "IoCreateDevice", PASSIVE_LEVEL, RULE_IRQL_IO_PASSIVE1,
                            "IrqlIoPassive1"))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "IoCreateDevice: called above PASSIVE_LEVEL");
    return pnpsim__device_object_create(sys, DriverObject, DeviceExtensionSize, DeviceName,
                                        DeviceType, DeviceCharacteristics, Exclusive,
                                        DeviceObject);
}

/* ---- deletion -------------------------------------------------------------------------- */

/*
 * Windows behaviour: IoDeleteDevice removes a device object from the system (its name and
 * its driver's list); the memory goes when the last reference does; a device that another
 * device is still attached to stays until that one detaches. Driver Verifier reports a
 * device that deletes itself while still attached to a lower device (IoDetachDevice not
 * called): 0xC9 code 0x201. IRQL PASSIVE_LEVEL (nf-wdm-iodeletedevice;
 * bug-check-0xc9--driver-verifier-iomanager-violation).
 * Simulation: as described. Deleting the same device twice bug checks REFERENCE_BY_POINTER
 * (0x18; parameter 1 IO_TYPE_DEVICE, parameter 2 the device): its creation reference would
 * be dropped twice (choice). After the 0x201 report the device is detached by the
 * simulator, so that a handler that continues leaves a consistent stack.
 */
VOID NTAPI IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    pnpsim__devobj *w = pnpsim__devobj_from(DeviceObject);
    pnpsim_system *sys;
    PDEVICE_OBJECT *pp, lower;
    bool still_above;

    if (w == NULL) {
        pnpsim__bad_object(NULL, DeviceObject, IO_TYPE_DEVICE, "IoDeleteDevice");
        return;
    }
    sys = w->hdr.sys;
    pnpsim__check_irql(sys, "IoDeleteDevice", PASSIVE_LEVEL, 0, NULL);
    if (w->deleted) {
        pnpsim__bugcheck(sys, REFERENCE_BY_POINTER, IO_TYPE_DEVICE, (ULONG_PTR)DeviceObject, 0,
                         0, "IoDeleteDevice: device object %s (%p) was already deleted",
                         devname(w), (void *)DeviceObject);
        return;
    }
    lower = w->ext.AttachedTo;
    if (lower != NULL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_DELETE_WHILE_ATTACHED, 0,
                         0, (ULONG_PTR)DeviceObject,
                         "IoDeleteDevice: device object %s (%p) is still attached to %p "
                         "(IoDetachDevice was not called)",
                         devname(w), (void *)DeviceObject, (void *)lower);
        pnpsim__lock(sys);
        if (lower->AttachedDevice == DeviceObject)
            lower->AttachedDevice = NULL;
        w->ext.AttachedTo = NULL;
        pnpsim__unlock(sys);
    }

    pnpsim__lock(sys);
    if (w->deleted) { /* lost a race with another IoDeleteDevice */
        pnpsim__unlock(sys);
        pnpsim__bugcheck(sys, REFERENCE_BY_POINTER, IO_TYPE_DEVICE, (ULONG_PTR)DeviceObject, 0,
                         0, "IoDeleteDevice: device object %p was already deleted",
                         (void *)DeviceObject);
        return;
    }
    /* Unlink from the driver's chain (the back link makes it O(1): a driver with many
     * devices, the simulator's bus above all, deletes them in any order). */
    pp = w->prev_device != NULL ? &w->prev_device->NextDevice
                                : &DeviceObject->DriverObject->DeviceObject;
    if (*pp == DeviceObject) {
        *pp = DeviceObject->NextDevice;
        if (DeviceObject->NextDevice != NULL)
            PNPSIM_DEVOBJ(DeviceObject->NextDevice)->prev_device = w->prev_device;
    }
    DeviceObject->NextDevice = NULL;
    w->prev_device = NULL;
    w->deleted = true;
    still_above = DeviceObject->AttachedDevice != NULL;
    pnpsim__unlock(sys);

    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, w->devnode, DeviceObject->DriverObject, NULL,
                  "IoDeleteDevice: %s (%p)%s", devname(w), (void *)DeviceObject,
                  still_above ? "; a device is still attached above it: freed after it "
                                "detaches"
                              : "");
    /* With a device still attached above, the creation reference is dropped when that
     * device detaches (IoDetachDevice), as Windows defers the deletion. */
    if (!still_above)
        pnpsim__ob_unref(&w->hdr);
}

/* ---- stacks ------------------------------------------------------------------------- */

static PDEVICE_OBJECT attach(pnpsim__devobj *src, PDEVICE_OBJECT target,
                             PDEVICE_OBJECT *attached_to, const char *ddi)
{
    pnpsim_system *sys = src->hdr.sys;
    PDEVICE_OBJECT top;
    pnpsim__devobj *tw;
    const char *why = NULL;

    pnpsim__lock(sys);
    top = pnpsim__stack_top(target);
    tw = PNPSIM_DEVOBJ(top);
    if (tw->deleted || PNPSIM_DEVOBJ(target)->deleted)
        why = "the target device is being deleted";
    else if (tw->hdr.sys != sys)
        why = "the target belongs to another simulated system";
    else if (src->ext.AttachedTo != NULL || src->dev.AttachedDevice != NULL)
        why = "the source device is already part of a stack";
    else if (top == &src->dev || pnpsim__stack_bottom(target) == &src->dev)
        why = "the source device is in the target's stack";
    if (why != NULL) {
        pnpsim__unlock(sys);
        pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, NULL, src->dev.DriverObject, NULL,
                      "%s: %s (%p) not attached: %s", ddi, devname(src), (void *)&src->dev,
                      why);
        return NULL;
    }
    /* Set before the link is made, so an IRP that reaches the source at once can already
     * be passed down (the point of the Safe variant). */
    if (attached_to != NULL)
        *attached_to = top;
    src->dev.StackSize = (CCHAR)(top->StackSize + 1);
    if (top->AlignmentRequirement > src->dev.AlignmentRequirement)
        src->dev.AlignmentRequirement = top->AlignmentRequirement;
    if (src->dev.SectorSize == 0)
        src->dev.SectorSize = top->SectorSize;
    src->devnode = tw->devnode;
    src->detached = false;
    src->ext.AttachedTo = top;
    top->AttachedDevice = &src->dev;
    pnpsim__unlock(sys);

    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, src->devnode, src->dev.DriverObject, NULL,
                  "%s: %s (%p) attached above %s (%p), StackSize %d", ddi, devname(src),
                  (void *)&src->dev, devname(tw), (void *)top, (int)src->dev.StackSize);
    return top;
}

/*
 * Windows behaviour: IoAttachDeviceToDeviceStack attaches SourceDevice above the current
 * top of the stack containing TargetDevice and returns that top device (NULL if it could
 * not, e.g. the target is being unloaded or deleted); SourceDevice->StackSize becomes the
 * top's StackSize + 1 and the alignment requirement is carried up. IRQL <= DISPATCH_LEVEL
 * (nf-wdm-ioattachdevicetodevicestack; windows-semantics.md 1.1).
 * Simulation: as described; the source also joins the target's device node. The DDI rule
 * PnpSameDeviceObject (a valid target) is checked statically on Windows; here a source or
 * target that is not a device object bug checks BAD_OBJECT_HEADER (0x189) (choice). A
 * source already in a stack, or attached to its own stack, gets NULL.
 */
PDEVICE_OBJECT NTAPI IoAttachDeviceToDeviceStack(PDEVICE_OBJECT SourceDevice,
                                                 PDEVICE_OBJECT TargetDevice)
{
    pnpsim__devobj *src = pnpsim__devobj_from(SourceDevice);
    pnpsim__devobj *tgt = pnpsim__devobj_from(TargetDevice);
    if (src == NULL || tgt == NULL) {
        pnpsim__bad_object(NULL, src == NULL ? (void *)SourceDevice : (void *)TargetDevice,
                           IO_TYPE_DEVICE, "IoAttachDeviceToDeviceStack");
        return NULL;
    }
    if (pnpsim__fault_ddi(src->hdr.sys, "IoAttachDeviceToDeviceStack", NULL)) /* fault.h */
        return NULL;
    if (!pnpsim__check_irql(src->hdr.sys, "IoAttachDeviceToDeviceStack", DISPATCH_LEVEL, 0,
                            NULL))
        return NULL;
    return attach(src, TargetDevice, NULL, "IoAttachDeviceToDeviceStack");
}

/*
 * Windows behaviour: IoAttachDeviceToDeviceStackSafe does the same, but stores the device
 * attached to in *AttachedToDeviceObject before the attachment is visible (so a filter's
 * dispatch routine can pass IRPs down at once); returns STATUS_SUCCESS or
 * STATUS_NO_SUCH_DEVICE; IRQL <= DISPATCH_LEVEL (nf-wdm-ioattachdevicetodevicestacksafe).
 * Simulation: as described; bad object pointers as IoAttachDeviceToDeviceStack.
 */
NTSTATUS NTAPI IoAttachDeviceToDeviceStackSafe(PDEVICE_OBJECT SourceDevice,
                                               PDEVICE_OBJECT TargetDevice,
                                               PDEVICE_OBJECT *AttachedToDeviceObject)
{
    pnpsim__devobj *src = pnpsim__devobj_from(SourceDevice);
    pnpsim__devobj *tgt = pnpsim__devobj_from(TargetDevice);
    if (AttachedToDeviceObject == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoAttachDeviceToDeviceStackSafe: AttachedToDeviceObject is NULL");
    *AttachedToDeviceObject = NULL;
    if (src == NULL || tgt == NULL) {
        pnpsim__bad_object(NULL, src == NULL ? (void *)SourceDevice : (void *)TargetDevice,
                           IO_TYPE_DEVICE, "IoAttachDeviceToDeviceStackSafe");
        return STATUS_NO_SUCH_DEVICE;
    }
    NTSTATUS fst;
    if (pnpsim__fault_ddi(src->hdr.sys, "IoAttachDeviceToDeviceStackSafe", &fst)) /* fault.h */
        return fst;
    if (!pnpsim__check_irql(src->hdr.sys, "IoAttachDeviceToDeviceStackSafe", DISPATCH_LEVEL,
                            0, NULL))
        return STATUS_NO_SUCH_DEVICE;
    if (attach(src, TargetDevice, AttachedToDeviceObject, "IoAttachDeviceToDeviceStackSafe") ==
        NULL)
        return pnpsim__status(STATUS_NO_SUCH_DEVICE,
                              "IoAttachDeviceToDeviceStackSafe: the target cannot be attached to");
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: IoDetachDevice(TargetDevice) detaches the device attached directly
 * above TargetDevice (it clears TargetDevice->AttachedDevice); if TargetDevice was deleted
 * meanwhile, its deletion completes now. Detaching from a device nothing is attached to is
 * Driver Verifier 0xC9 code 0x202. IRQL PASSIVE_LEVEL (DDI rule IrqlIoPassive3,
 * 0xC4/0x2000C) (nf-wdm-iodetachdevice; devtest wdm-irqliopassive3).
 * Simulation: as described; on an IRQL violation the detach still happens.
 */
VOID NTAPI IoDetachDevice(PDEVICE_OBJECT TargetDevice)
{
    pnpsim__devobj *tw = pnpsim__devobj_from(TargetDevice);
    pnpsim_system *sys;
    PDEVICE_OBJECT upper;
    pnpsim__devobj *uw;
    bool release;

    if (tw == NULL) {
        pnpsim__bad_object(NULL, TargetDevice, IO_TYPE_DEVICE, "IoDetachDevice");
        return;
    }
    sys = tw->hdr.sys;
    pnpsim__check_irql(sys, "IoDetachDevice", PASSIVE_LEVEL, RULE_IRQL_IO_PASSIVE3,
                       "IrqlIoPassive3");
    pnpsim__lock(sys);
    upper = TargetDevice->AttachedDevice;
    if (upper == NULL) {
        pnpsim__unlock(sys);
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_DETACH_NOT_ATTACHED, 0, 0,
                         (ULONG_PTR)TargetDevice,
                         "IoDetachDevice: nothing is attached to device object %s (%p) "
                         "(detached twice?)",
                         devname(tw), (void *)TargetDevice);
        return;
    }
    uw = PNPSIM_DEVOBJ(upper);
    TargetDevice->AttachedDevice = NULL;
    uw->ext.AttachedTo = NULL;
    uw->detached = true;
    release = tw->deleted;
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, tw->devnode, upper->DriverObject, NULL,
                  "IoDetachDevice: %s (%p) detached from %s (%p)", devname(uw), (void *)upper,
                  devname(tw), (void *)TargetDevice);
    if (release) /* IoDeleteDevice deferred its reference to this moment */
        pnpsim__ob_unref(&tw->hdr);
}

/*
 * Windows behaviour: IoGetAttachedDevice returns the highest device object in the stack
 * of DeviceObject, without taking a reference; IRQL <= DISPATCH_LEVEL
 * (nf-ntifs-iogetattacheddevice).
 * Simulation: as described.
 */
PDEVICE_OBJECT NTAPI IoGetAttachedDevice(PDEVICE_OBJECT DeviceObject)
{
    pnpsim__devobj *w = pnpsim__devobj_from(DeviceObject);
    PDEVICE_OBJECT top;
    if (w == NULL) {
        pnpsim__bad_object(NULL, DeviceObject, IO_TYPE_DEVICE, "IoGetAttachedDevice");
        return NULL;
    }
    pnpsim__lock(w->hdr.sys);
    top = pnpsim__stack_top(DeviceObject);
    pnpsim__unlock(w->hdr.sys);
    return top;
}

/*
 * Windows behaviour: IoGetAttachedDeviceReference returns the highest device object in
 * the stack, referenced (release with ObDereferenceObject); IRQL <= DISPATCH_LEVEL. After
 * an FDO attaches to a PDO, IoGetAttachedDeviceReference(pdo) is the FDO
 * (nf-wdm-iogetattacheddevicereference; windows-semantics.md 13 item 8).
 * Simulation: as described.
 */
PDEVICE_OBJECT NTAPI IoGetAttachedDeviceReference(PDEVICE_OBJECT DeviceObject)
{
    pnpsim__devobj *w = pnpsim__devobj_from(DeviceObject);
    PDEVICE_OBJECT top;
    if (w == NULL) {
        pnpsim__bad_object(NULL, DeviceObject, IO_TYPE_DEVICE, "IoGetAttachedDeviceReference");
        return NULL;
    }
    pnpsim__check_irql(w->hdr.sys, "IoGetAttachedDeviceReference", DISPATCH_LEVEL, 0, NULL);
    pnpsim__lock(w->hdr.sys);
    top = pnpsim__stack_top(DeviceObject);
    pnpsim__ob_ref(&PNPSIM_DEVOBJ(top)->hdr);
    pnpsim__unlock(w->hdr.sys);
    return top;
}

/*
 * Windows behaviour: IoGetLowerDeviceObject returns the next-lower device object in the
 * stack, referenced, or NULL if DeviceObject is at the bottom (not attached); IRQL <=
 * DISPATCH_LEVEL (nf-ntifs-iogetlowerdeviceobject).
 * Simulation: as described.
 */
PDEVICE_OBJECT NTAPI IoGetLowerDeviceObject(PDEVICE_OBJECT DeviceObject)
{
    pnpsim__devobj *w = pnpsim__devobj_from(DeviceObject);
    PDEVICE_OBJECT lower;
    if (w == NULL) {
        pnpsim__bad_object(NULL, DeviceObject, IO_TYPE_DEVICE, "IoGetLowerDeviceObject");
        return NULL;
    }
    pnpsim__check_irql(w->hdr.sys, "IoGetLowerDeviceObject", DISPATCH_LEVEL, 0, NULL);
    pnpsim__lock(w->hdr.sys);
    lower = w->ext.AttachedTo;
    if (lower != NULL)
        pnpsim__ob_ref(&PNPSIM_DEVOBJ(lower)->hdr);
    pnpsim__unlock(w->hdr.sys);
    return lower;
}

/*
 * Windows behaviour: IoGetRelatedDeviceObject returns the device object at the top of the
 * stack a file object was opened on (the one to send IRPs for that file to), unreferenced
 * (nf-wdm-iogetrelateddeviceobject).
 * Simulation: file systems and VPBs are not modelled: it is the top of the stack of
 * FileObject->DeviceObject. A pointer that is not a file object bug checks 0x189.
 */
PDEVICE_OBJECT NTAPI IoGetRelatedDeviceObject(PFILE_OBJECT FileObject)
{
    pnpsim__file *f = pnpsim__file_from(FileObject);
    pnpsim__devobj *w;
    PDEVICE_OBJECT top;
    if (f == NULL) {
        pnpsim__bad_object(NULL, FileObject, IO_TYPE_FILE, "IoGetRelatedDeviceObject");
        return NULL;
    }
    w = pnpsim__devobj_from(FileObject->DeviceObject);
    if (w == NULL)
        return FileObject->DeviceObject;
    pnpsim__lock(w->hdr.sys);
    top = pnpsim__stack_top(FileObject->DeviceObject);
    pnpsim__unlock(w->hdr.sys);
    return top;
}
