/* SPDX-License-Identifier: MIT */
/*
 * This file implements the WDK's PnP notification routines: IoRegisterPlugPlayNotification,
 * IoUnregisterPlugPlayNotification(Ex), IoReportTargetDeviceChange(Asynchronous), and
 * IoGetDeviceObjectPointer for device interface names (what a driver does with an arrival).
 * Each validates its arguments and IRQL the way Windows does and makes one call into the
 * notification module (src/core/notify.c), which owns delivery and timing.
 */
#include "notify.h"

#include "io_int.h"
#include "qi.h"

/* The system-defined target events a driver may not report (nf-wdm-ioreporttargetdevicechange). */
static const GUID sys_events[] = {
    {0xcb3a4004, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}},
    {0xcb3a4005, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}},
    {0xcb3a4006, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}},
    {0xcb3a4007, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}},
    {0xcb3a4008, 0x46f0, 0x11d0, {0xb0, 0x8f, 0x00, 0x60, 0x97, 0x13, 0x05, 0x3f}},
};

/* pnpsim's 0xC4 parameter 1 for a synchronous PnP event raised from a PnP notification
 * callback, which deadlocks on Windows (guidelines-for-writing-pnp-notification-callback-
 * routines). */
#define PNPSIM_C4_NOTIFY_SYNC_FROM_CALLBACK 0x504E5302u

/* A kernel registration: a = the callback, b = its context, c = the file object
 * (EventCategoryTargetDeviceChange). */
static NTSTATUS kernel_deliver(pnpsim__notify_reg *r, const pnpsim__notify_payload *p)
{
    PDRIVER_NOTIFICATION_CALLBACK_ROUTINE cb =
        (PDRIVER_NOTIFICATION_CALLBACK_ROUTINE)(uintptr_t)r->a;
    switch (p->what) {
    case PNPSIM__NOTIFY_IFACE_ARRIVAL:
    case PNPSIM__NOTIFY_IFACE_REMOVAL: {
        /* Each callback gets its own copy: one cannot spoil what the next one sees. */
        DEVICE_INTERFACE_CHANGE_NOTIFICATION n = *p->dicn;
        UNICODE_STRING name = *p->dicn->SymbolicLinkName;
        n.SymbolicLinkName = &name;
        return cb(&n, r->b);
    }
    case PNPSIM__NOTIFY_TARGET_QUERY_REMOVE:
    case PNPSIM__NOTIFY_TARGET_REMOVE_CANCELLED:
    case PNPSIM__NOTIFY_TARGET_REMOVE_COMPLETE: {
        TARGET_DEVICE_REMOVAL_NOTIFICATION n;
        n.Version = 1;
        n.Size = (USHORT)sizeof(n);
        n.Event = *p->event_guid;
        n.FileObject = (PFILE_OBJECT)r->c;
        return cb(&n, r->b);
    }
    case PNPSIM__NOTIFY_TARGET_CUSTOM: {
        TARGET_DEVICE_CUSTOM_NOTIFICATION *n = pnpsim__malloc(r->sys, p->custom->Size);
        NTSTATUS status;
        if (n == NULL)
            return STATUS_SUCCESS; /* traced by the allocator; nothing to deliver */
        memcpy(n, p->custom, p->custom->Size);
        n->FileObject = (PFILE_OBJECT)r->c;
        status = cb(n, r->b);
        pnpsim__free(r->sys, n);
        return status;
    }
    default:
        return STATUS_SUCCESS; /* user-mode-only events */
    }
}

/*
 * Windows behaviour: registers a driver callback for a category of PnP events (Microsoft
 * Learn "IoRegisterPlugPlayNotification", windows-semantics.md §7.1, §7.4): for
 * EventCategoryDeviceInterfaceChange, CategoryData is the interface class GUID and the
 * callback gets DEVICE_INTERFACE_CHANGE_NOTIFICATION (Version 1) on each arrival/removal;
 * PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES also reports the interfaces
 * enabled now (possibly twice); for EventCategoryTargetDeviceChange, CategoryData is a
 * file object of the device (not referenced). The driver object is referenced per entry.
 * PASSIVE_LEVEL. ReactOS returns STATUS_NOT_SUPPORTED for an unknown category.
 * Simulation: the entry is inserted, *NotificationEntry is set, then existing interfaces
 * are reported synchronously. EventCategoryHardwareProfileChange returns
 * STATUS_NOT_IMPLEMENTED (no docking is simulated); Reserved/KernelSoftRestart/unknown
 * return STATUS_NOT_SUPPORTED. The target device is found from the file object's device
 * node (Windows asks the stack with IRP_MN_QUERY_DEVICE_RELATIONS/TargetDeviceRelation).
 * A DriverObject or file object that is not one bug checks BAD_OBJECT_HEADER. PowerIrpDDis
 * (windows-semantics.md §11) is checked, as for the unregistration routines.
 */
NTSTATUS NTAPI IoRegisterPlugPlayNotification(IO_NOTIFICATION_EVENT_CATEGORY EventCategory,
                                              ULONG EventCategoryFlags, PVOID EventCategoryData,
                                              PDRIVER_OBJECT DriverObject,
                                              PDRIVER_NOTIFICATION_CALLBACK_ROUTINE CallbackRoutine,
                                              PVOID Context, PVOID *NotificationEntry)
{
    static const char ddi[] = "IoRegisterPlugPlayNotification";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__notify_params prm;
    pnpsim__notify_reg *reg = NULL;
    NTSTATUS status;

    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status)) /* fault.h */
        return status;
    if (NotificationEntry != NULL)
        *NotificationEntry = NULL;
    if (!pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: above PASSIVE_LEVEL", ddi);
    if (!pnpsim__verifier_check_power_irp_ddis(sys, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: PowerIrpDDis", ddi);
    if (NotificationEntry == NULL || CallbackRoutine == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: CallbackRoutine and NotificationEntry are required", ddi);
    if (pnpsim__driver_from(DriverObject) == NULL) {
        pnpsim__bad_object(sys, DriverObject, IO_TYPE_DRIVER, ddi);
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: DriverObject is not a driver "
                              "object",
                              ddi);
    }
    memset(&prm, 0, sizeof(prm));
    prm.driver = DriverObject;
    prm.who = "an IoRegisterPlugPlayNotification callback";
    prm.deliver = kernel_deliver;
    prm.a = (void *)(uintptr_t)CallbackRoutine;
    prm.b = Context;
    prm.publish = NotificationEntry;
    switch (EventCategory) {
    case EventCategoryDeviceInterfaceChange:
        if (EventCategoryData == NULL)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "%s: EventCategoryData must point to the interface class GUID",
                                  ddi);
        if (EventCategoryFlags & ~(ULONG)PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES)
            return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: unknown flags 0x%lx", ddi,
                                  (unsigned long)EventCategoryFlags);
        prm.category = PNPSIM__NOTIFY_CAT_INTERFACE;
        prm.class_guid = *(const GUID *)EventCategoryData;
        prm.include_existing =
            (EventCategoryFlags & PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES) != 0;
        break;
    case EventCategoryTargetDeviceChange: {
        pnpsim__file *f = pnpsim__file_from((PFILE_OBJECT)EventCategoryData);
        pnpsim_device *dn;
        if (f == NULL) {
            pnpsim__bad_object(sys, EventCategoryData, IO_TYPE_FILE, ddi);
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "%s: EventCategoryData must be a file object", ddi);
        }
        if (EventCategoryFlags != 0)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "%s: no flags are defined for EventCategoryTargetDeviceChange",
                                  ddi);
        pnpsim__lock(sys);
        dn = f->devnode != NULL ? f->devnode : pnpsim__devnode_of(f->file.DeviceObject);
        pnpsim__unlock(sys);
        if (dn == NULL)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "%s: the file object is not open on a PnP device", ddi);
        prm.category = PNPSIM__NOTIFY_CAT_TARGET;
        prm.target = dn;
        prm.c = EventCategoryData;
        break;
    }
    case EventCategoryHardwareProfileChange:
        return pnpsim__status(STATUS_NOT_IMPLEMENTED,
                              "%s: EventCategoryHardwareProfileChange is not simulated (no "
                              "docking or hardware profiles)",
                              ddi);
    default:
        return pnpsim__status(STATUS_NOT_SUPPORTED, "%s: category %d is not supported", ddi,
                              (int)EventCategory);
    }
    status = pnpsim__notify_register(sys, &prm, &reg);
    if (!NT_SUCCESS(status))
        *NotificationEntry = NULL;
    return status;
}

/*
 * Windows behaviour: removes a registration; obsolete since Windows 7 because it does not
 * synchronise with callbacks: one may still run after it returns and the driver must
 * tolerate it (Microsoft Learn "IoUnregisterPlugPlayNotification", windows-semantics §7.3).
 * Returns STATUS_SUCCESS for a valid entry. PASSIVE_LEVEL.
 * Simulation: no new callback starts for the entry, but events that were already queued
 * when it was called are still delivered to it (the late calls the docs warn about; in
 * MANUAL delivery a test can make them happen). Unregistering twice bug checks
 * BAD_POOL_CALLER 0x07 (choice; see README).
 */
NTSTATUS NTAPI IoUnregisterPlugPlayNotification(PVOID NotificationEntry)
{
    static const char ddi[] = "IoUnregisterPlugPlayNotification";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: above PASSIVE_LEVEL", ddi);
    if (!pnpsim__verifier_check_power_irp_ddis(sys, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: PowerIrpDDis", ddi);
    return pnpsim__notify_unregister(sys, NotificationEntry, PNPSIM__NOTIFY_UNREG_NO_SYNC, ddi);
}

/*
 * Windows behaviour: removes a registration; after it returns no callback for the entry
 * runs; it may be called from the entry's own callback, except while the registration
 * with INCLUDE_EXISTING_INTERFACES has not returned (Microsoft Learn
 * "IoUnregisterPlugPlayNotificationEx", windows-semantics §7.3). PASSIVE_LEVEL.
 * Simulation: waits for the entry's callbacks running on other threads; from its own
 * callback it returns at once (that callback is the last). The forbidden case bug checks
 * 0xC4 with pnpsim's code 0x504E5301 (Windows documents no code). Twice: BAD_POOL_CALLER
 * 0x07.
 */
NTSTATUS NTAPI IoUnregisterPlugPlayNotificationEx(PVOID NotificationEntry)
{
    static const char ddi[] = "IoUnregisterPlugPlayNotificationEx";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: above PASSIVE_LEVEL", ddi);
    if (!pnpsim__verifier_check_power_irp_ddis(sys, ddi))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: PowerIrpDDis", ddi);
    return pnpsim__notify_unregister(sys, NotificationEntry, PNPSIM__NOTIFY_UNREG_EX, ddi);
}

/* Common checks of the two custom-event routines. */
static NTSTATUS check_custom(pnpsim_system *sys, const char *ddi, PDEVICE_OBJECT pdo,
                             PVOID notification, pnpsim_device **out)
{
    pnpsim__devobj *o = pnpsim__devobj_from(pdo);
    const TARGET_DEVICE_CUSTOM_NOTIFICATION *n = notification;
    pnpsim_device *dn = NULL;
    *out = NULL;
    if (o != NULL) {
        pnpsim__lock(sys);
        dn = o->is_pdo && !o->deleted && o->devnode != NULL && o->devnode->pdo == o ? o->devnode
                                                                                    : NULL;
        pnpsim__unlock(sys);
    }
    if (dn == NULL) {
        /* PNP_DETECTED_FATAL_ERROR 0x2: a PDO-only routine got something else. */
        pnpsim__bugcheck(sys, PNP_DETECTED_FATAL_ERROR, 0x2, (ULONG_PTR)pdo,
                         o != NULL ? (ULONG_PTR)o->dev.DriverObject : 0, 0,
                         "%s: PhysicalDeviceObject %p is not a PDO the PnP manager knows", ddi,
                         (void *)pdo);
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: not a PDO", ddi);
    }
    if (n == NULL || n->Size < FIELD_OFFSET(TARGET_DEVICE_CUSTOM_NOTIFICATION, CustomDataBuffer))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: NotificationStructure must be a TARGET_DEVICE_CUSTOM_"
                              "NOTIFICATION with Size >= its header",
                              ddi);
    for (size_t i = 0; i < PNPSIM_ARRAY_SIZE(sys_events); i++) {
        if (IsEqualGUID(&n->Event, &sys_events[i]))
            return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                                  "%s: system PnP events cannot be reported; use a custom GUID",
                                  ddi);
    }
    if (n->FileObject != NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: NotificationStructure->FileObject "
                              "must be NULL",
                              ddi);
    if (n->NameBufferOffset != -1 &&
        (n->NameBufferOffset < 0 ||
         (ULONG)n->NameBufferOffset +
                 FIELD_OFFSET(TARGET_DEVICE_CUSTOM_NOTIFICATION, CustomDataBuffer) >
             n->Size))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: NameBufferOffset points outside the structure", ddi);
    *out = dn;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: reports a custom event of a device to the target-device registrants
 * and waits until they were notified; system events (GUID_TARGET_DEVICE_QUERY_REMOVE...)
 * give STATUS_INVALID_DEVICE_REQUEST; FileObject must be NULL (the PnP manager fills it per
 * registrant). Calling it from a PnP notification callback deadlocks (Microsoft Learn
 * "IoReportTargetDeviceChange", "Guidelines for Writing PnP Notification Callback
 * Routines"). PASSIVE_LEVEL.
 * Simulation: delivered synchronously to the target registrations of the device; called
 * from inside a notification callback it bug checks 0xC4 with pnpsim's code 0x504E5302
 * instead of hanging.
 */
NTSTATUS NTAPI IoReportTargetDeviceChange(PDEVICE_OBJECT PhysicalDeviceObject,
                                          PVOID NotificationStructure)
{
    static const char ddi[] = "IoReportTargetDeviceChange";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim_device *dn;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: above PASSIVE_LEVEL", ddi);
    status = check_custom(sys, ddi, PhysicalDeviceObject, NotificationStructure, &dn);
    if (!NT_SUCCESS(status))
        return status;
    if (pnpsim__notify_in_callback()) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_DETECTED_VIOLATION,
                         PNPSIM_C4_NOTIFY_SYNC_FROM_CALLBACK, (ULONG_PTR)PhysicalDeviceObject,
                         (ULONG_PTR)NotificationStructure, 0,
                         "%s called from a PnP notification callback: the PnP manager waits for "
                         "the callback that waits for it (deadlock); use "
                         "IoReportTargetDeviceChangeAsynchronous or a work item",
                         ddi);
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: would deadlock", ddi);
    }
    return pnpsim__notify_target_custom(dn, NotificationStructure, true, NULL, NULL);
}

/*
 * Windows behaviour: as IoReportTargetDeviceChange, but returns at once; the optional
 * Callback runs at PASSIVE_LEVEL after the registrants were notified; the structure may be
 * freed on return (the PnP manager copies it) (Microsoft Learn
 * "IoReportTargetDeviceChangeAsynchronous"). IRQL <= DISPATCH_LEVEL.
 * Simulation: the event is a queued PnP work item (delivery mode applies); returns
 * STATUS_SUCCESS once queued.
 */
NTSTATUS NTAPI IoReportTargetDeviceChangeAsynchronous(PDEVICE_OBJECT PhysicalDeviceObject,
                                                      PVOID NotificationStructure,
                                                      PDEVICE_CHANGE_COMPLETE_CALLBACK Callback,
                                                      PVOID Context)
{
    static const char ddi[] = "IoReportTargetDeviceChangeAsynchronous";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim_device *dn;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__check_irql(sys, ddi, DISPATCH_LEVEL, 0, NULL))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: above DISPATCH_LEVEL", ddi);
    status = check_custom(sys, ddi, PhysicalDeviceObject, NotificationStructure, &dn);
    if (!NT_SUCCESS(status))
        return status;
    return pnpsim__notify_target_custom(dn, NotificationStructure, false, Callback, Context);
}

/*
 * Windows behaviour: opens the named device object (or symbolic link to it) and returns a
 * referenced file object and the top of the device's stack; the caller closes it with
 * ObDereferenceObject(FileObject) (Microsoft Learn "IoGetDeviceObjectPointer").
 * PASSIVE_LEVEL. Opening a device interface's link from an arrival callback is the normal
 * pattern (handling-device-interface-change-events).
 * Simulation: names of enabled device interfaces ("\??\", "\\?\", "\GLOBAL??\" or
 * "\DosDevices\" form; IRP_MJ_CREATE goes to the device with the reference string as file
 * name) and "\Device\<name>" of named device objects (src/wdk/io_file.c) are supported.
 * Other names give STATUS_OBJECT_NAME_NOT_FOUND. DesiredAccess is not checked.
 */
NTSTATUS NTAPI IoGetDeviceObjectPointer(PUNICODE_STRING ObjectName, ACCESS_MASK DesiredAccess,
                                        PFILE_OBJECT *FileObject, PDEVICE_OBJECT *DeviceObject)
{
    static const char ddi[] = "IoGetDeviceObjectPointer";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    PFILE_OBJECT f = NULL;
    PDEVICE_OBJECT top = NULL;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: above PASSIVE_LEVEL", ddi);
    if (FileObject == NULL || DeviceObject == NULL || ObjectName == NULL ||
        !pnpsim__ustr_valid(ObjectName) || ObjectName->Length == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: ObjectName must be a well-formed name, FileObject and "
                              "DeviceObject are required",
                              ddi);
    status = pnpsim__io_open_name(sys, ddi, ObjectName->Buffer,
                                  ObjectName->Length / sizeof(WCHAR),
                                  (ULONG)FILE_OPEN << 24, 0, 0, &f, &top);
    if (!NT_SUCCESS(status))
        return status;
    *FileObject = f;
    *DeviceObject = top;
    return STATUS_SUCCESS;
}
