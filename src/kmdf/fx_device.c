/* SPDX-License-Identifier: MIT */
/*
 * This file implements framework device objects of pnpsim's KMDF layer: the WDFDEVICE_INIT
 * settings, WdfDeviceCreate (a WDM device object with the framework's dispatch routines,
 * attached to the stack for function and filter drivers), the WDM accessors, PnP
 * capabilities and state, WdfDeviceSetFailed, symbolic links, the framework's dispatch
 * routine with its IRP preprocess hook, and the device's deletion at removal.
 */
#include "kmdf_int.h"

/* ======================================================================================
 * WDFDEVICE_INIT
 * ==================================================================================== */

bool pnpsim__fx_init_check(pnpsim_system *sys, PWDFDEVICE_INIT init, const char *ddi)
{
    if (!pnpsim__fx_check_ptr(sys, init, "DeviceInit", ddi))
        return false;
    if (init->magic != PNPSIM__FX_INIT_MAGIC || init->sys != sys) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_WDF_INVALID_HANDLE, ddi, WDF_INVALID_HANDLE,
                             (ULONG_PTR)init, 0, "%s: %p is not a WDFDEVICE_INIT", ddi,
                             (void *)init);
        return false;
    }
    return true;
}

void pnpsim__fx_init_free(PWDFDEVICE_INIT init)
{
    pnpsim_system *sys;
    if (init == NULL)
        return;
    sys = init->sys;
    if (init->pdo_init != NULL)
        pnpsim__fx_pdo_init_free(init);
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        pnpsim__free(sys, init->preprocess_minors[i]);
    pnpsim__free(sys, init->child_list_config);
    pnpsim__free(sys, init->name);
    init->magic = 0;
    pnpsim__free(sys, init);
}

static PWDFDEVICE_INIT get_init(PWDFDEVICE_INIT init, const char *ddi)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    if (sys == NULL || !pnpsim__fx_init_check(sys, init, ddi))
        return NULL;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return NULL;
    return init;
}

/* Windows behaviour: "WdfDeviceInitSetPnpPowerEventCallbacks": copies the callbacks; a
 * structure of the wrong Size is a verifier error and is ignored. */
WDFAPI VOID WdfDeviceInitSetPnpPowerEventCallbacks(PWDFDEVICE_INIT DeviceInit,
                                                   PWDF_PNPPOWER_EVENT_CALLBACKS Callbacks)
{
    static const char ddi[] = "WdfDeviceInitSetPnpPowerEventCallbacks";
    PWDFDEVICE_INIT init = get_init(DeviceInit, ddi);
    if (init == NULL || !pnpsim__fx_check_ptr(init->sys, Callbacks, "PnpPowerEventCallbacks", ddi))
        return;
    if (Callbacks->Size != sizeof(*Callbacks)) {
        pnpsim__fx_violation(init->sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)Callbacks, 0,
                             "%s: WDF_PNPPOWER_EVENT_CALLBACKS.Size is %lu, expected %lu", ddi,
                             (unsigned long)Callbacks->Size, (unsigned long)sizeof(*Callbacks));
        return;
    }
    init->pnp = *Callbacks;
}

WDFAPI VOID WdfDeviceInitSetPowerPolicyEventCallbacks(
    PWDFDEVICE_INIT DeviceInit, PWDF_POWER_POLICY_EVENT_CALLBACKS Callbacks)
{
    static const char ddi[] = "WdfDeviceInitSetPowerPolicyEventCallbacks";
    PWDFDEVICE_INIT init = get_init(DeviceInit, ddi);
    if (init == NULL ||
        !pnpsim__fx_check_ptr(init->sys, Callbacks, "PowerPolicyEventCallbacks", ddi))
        return;
    if (Callbacks->Size != sizeof(*Callbacks)) {
        pnpsim__fx_violation(init->sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)Callbacks, 0,
                             "%s: WDF_POWER_POLICY_EVENT_CALLBACKS.Size is %lu, expected %lu",
                             ddi, (unsigned long)Callbacks->Size,
                             (unsigned long)sizeof(*Callbacks));
        return;
    }
    init->power_policy = *Callbacks;
}

WDFAPI VOID WdfDeviceInitSetPowerPolicyOwnership(PWDFDEVICE_INIT DeviceInit,
                                                 BOOLEAN IsPowerPolicyOwner)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfDeviceInitSetPowerPolicyOwnership");
    if (init == NULL)
        return;
    init->power_policy_owner_set = true;
    init->power_policy_owner = IsPowerPolicyOwner;
}

WDFAPI VOID WdfDeviceInitSetIoType(PWDFDEVICE_INIT DeviceInit, WDF_DEVICE_IO_TYPE IoType)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfDeviceInitSetIoType");
    if (init == NULL)
        return;
    if (IoType <= WdfDeviceIoUndefined || IoType >= WdfDeviceIoMaximum) {
        pnpsim__fx_violation(init->sys, PNPSIM_RULE_KMDF_WRONG_STATE, "WdfDeviceInitSetIoType",
                             PNPSIM_WDF_WRONG_STATE, (ULONG_PTR)IoType, 0,
                             "WdfDeviceInitSetIoType: invalid I/O type %d", (int)IoType);
        return;
    }
    init->io_type = IoType;
}

WDFAPI VOID WdfDeviceInitSetExclusive(PWDFDEVICE_INIT DeviceInit, BOOLEAN IsExclusive)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfDeviceInitSetExclusive");
    if (init != NULL)
        init->exclusive = IsExclusive;
}

WDFAPI VOID WdfDeviceInitSetDeviceType(PWDFDEVICE_INIT DeviceInit, DEVICE_TYPE DeviceType)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfDeviceInitSetDeviceType");
    if (init != NULL)
        init->device_type = DeviceType;
}

WDFAPI VOID WdfDeviceInitSetCharacteristics(PWDFDEVICE_INIT DeviceInit,
                                            ULONG DeviceCharacteristics, BOOLEAN OrInValues)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfDeviceInitSetCharacteristics");
    if (init == NULL)
        return;
    if (OrInValues)
        init->characteristics |= DeviceCharacteristics;
    else
        init->characteristics = DeviceCharacteristics;
}

/* Windows behaviour: "WdfDeviceInitAssignName": names the device object (\Device\...);
 * a NULL name removes an earlier one; STATUS_INSUFFICIENT_RESOURCES when out of memory. */
WDFAPI NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceName)
{
    static const char ddi[] = "WdfDeviceInitAssignName";
    PWDFDEVICE_INIT init = get_init(DeviceInit, ddi);
    WCHAR *copy;
    size_t n;
    NTSTATUS status;
    if (init == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(init->sys, ddi, &status))
        return status;
    if (DeviceName == NULL) {
        pnpsim__free(init->sys, init->name);
        init->name = NULL;
        return STATUS_SUCCESS;
    }
    if (!pnpsim__ustr_valid(DeviceName) || DeviceName->Length == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: malformed or empty name", ddi);
    n = DeviceName->Length / sizeof(WCHAR);
    copy = pnpsim__calloc(init->sys, n + 1, sizeof(WCHAR));
    if (copy == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    memcpy(copy, DeviceName->Buffer, n * sizeof(WCHAR));
    pnpsim__free(init->sys, init->name);
    init->name = copy;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfDeviceInitAssignSDDLString" sets the security descriptor.
 * Simulation: pnpsim has no security model; the string is checked and otherwise
 * ignored (README "KMDF"). */
WDFAPI NTSTATUS WdfDeviceInitAssignSDDLString(PWDFDEVICE_INIT DeviceInit,
                                              PCUNICODE_STRING SDDLString)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfDeviceInitAssignSDDLString");
    if (init == NULL)
        return STATUS_INVALID_PARAMETER;
    if (SDDLString != NULL && !pnpsim__ustr_valid(SDDLString))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "WdfDeviceInitAssignSDDLString: malformed UNICODE_STRING");
    return STATUS_SUCCESS;
}

WDFAPI VOID WdfDeviceInitSetDeviceClass(PWDFDEVICE_INIT DeviceInit, const GUID *DeviceClassGuid)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfDeviceInitSetDeviceClass");
    if (init == NULL ||
        !pnpsim__fx_check_ptr(init->sys, DeviceClassGuid, "DeviceClassGuid",
                              "WdfDeviceInitSetDeviceClass"))
        return;
    init->device_class = *DeviceClassGuid;
    init->device_class_set = true;
}

WDFAPI VOID WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT DeviceInit,
                                             PWDF_FILEOBJECT_CONFIG FileObjectConfig,
                                             PWDF_OBJECT_ATTRIBUTES FileObjectAttributes)
{
    static const char ddi[] = "WdfDeviceInitSetFileObjectConfig";
    PWDFDEVICE_INIT init = get_init(DeviceInit, ddi);
    if (init == NULL || !pnpsim__fx_check_ptr(init->sys, FileObjectConfig, "FileObjectConfig", ddi))
        return;
    if (FileObjectConfig->Size != sizeof(*FileObjectConfig)) {
        pnpsim__fx_violation(init->sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)FileObjectConfig, 0,
                             "%s: WDF_FILEOBJECT_CONFIG.Size is %lu, expected %lu", ddi,
                             (unsigned long)FileObjectConfig->Size,
                             (unsigned long)sizeof(*FileObjectConfig));
        return;
    }
    init->file_config = *FileObjectConfig;
    init->file_config_set = true;
    if (FileObjectAttributes != NULL) {
        init->file_attributes = *FileObjectAttributes;
        init->file_attributes_set = true;
    }
}

WDFAPI VOID WdfDeviceInitSetRequestAttributes(PWDFDEVICE_INIT DeviceInit,
                                              PWDF_OBJECT_ATTRIBUTES RequestAttributes)
{
    static const char ddi[] = "WdfDeviceInitSetRequestAttributes";
    PWDFDEVICE_INIT init = get_init(DeviceInit, ddi);
    if (init == NULL || !pnpsim__fx_check_ptr(init->sys, RequestAttributes, "RequestAttributes", ddi))
        return;
    init->request_attributes = *RequestAttributes;
    init->request_attributes_set = true;
}

WDFAPI VOID WdfDeviceInitSetPowerPageable(PWDFDEVICE_INIT DeviceInit)
{
    (void)get_init(DeviceInit, "WdfDeviceInitSetPowerPageable");
}

WDFAPI VOID WdfDeviceInitSetPowerNotPageable(PWDFDEVICE_INIT DeviceInit)
{
    (void)get_init(DeviceInit, "WdfDeviceInitSetPowerNotPageable");
}

WDFAPI VOID WdfDeviceInitSetIoInCallerContextCallback(PWDFDEVICE_INIT DeviceInit,
                                                      PFN_WDF_IO_IN_CALLER_CONTEXT Callback)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfDeviceInitSetIoInCallerContextCallback");
    if (init != NULL)
        init->io_in_caller_context = Callback;
}

/* Windows behaviour: "WdfDeviceInitAssignWdmIrpPreprocessCallback": the callback sees IRPs
 * of one major function (and the listed minors, or all when none are listed) before the
 * framework; it continues with WdfDeviceWdmDispatchPreprocessedIrp. A major above
 * IRP_MJ_MAXIMUM_FUNCTION is STATUS_INVALID_PARAMETER. */
WDFAPI NTSTATUS WdfDeviceInitAssignWdmIrpPreprocessCallback(
    PWDFDEVICE_INIT DeviceInit, PFN_WDFDEVICE_WDM_IRP_PREPROCESS EvtDeviceWdmIrpPreprocess,
    UCHAR MajorFunction, PUCHAR MinorFunctions, ULONG NumMinorFunctions)
{
    static const char ddi[] = "WdfDeviceInitAssignWdmIrpPreprocessCallback";
    PWDFDEVICE_INIT init = get_init(DeviceInit, ddi);
    UCHAR *minors = NULL;
    NTSTATUS status;
    if (init == NULL)
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(init->sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_ptr(init->sys, (const void *)(uintptr_t)EvtDeviceWdmIrpPreprocess,
                              "EvtDeviceWdmIrpPreprocess", ddi))
        return STATUS_INVALID_PARAMETER;
    if (MajorFunction > IRP_MJ_MAXIMUM_FUNCTION)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: major function 0x%x out of range",
                              ddi, MajorFunction);
    if (NumMinorFunctions > 0) {
        if (MinorFunctions == NULL)
            return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: MinorFunctions is NULL", ddi);
        minors = pnpsim__malloc(init->sys, NumMinorFunctions);
        if (minors == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
        memcpy(minors, MinorFunctions, NumMinorFunctions);
    }
    pnpsim__free(init->sys, init->preprocess_minors[MajorFunction]);
    init->preprocess[MajorFunction] = EvtDeviceWdmIrpPreprocess;
    init->preprocess_minors[MajorFunction] = minors;
    init->preprocess_minor_count[MajorFunction] = NumMinorFunctions;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfDeviceInitFree": frees an init the driver allocated
 * (WdfPdoInitAllocate, WdfControlDeviceInitAllocate) when WdfDeviceCreate was not called
 * or failed. Freeing the framework's own init (from EvtDriverDeviceAdd) is a bug. */
WDFAPI VOID WdfDeviceInitFree(PWDFDEVICE_INIT DeviceInit)
{
    static const char ddi[] = "WdfDeviceInitFree";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    if (sys == NULL || !pnpsim__fx_init_check(sys, DeviceInit, ddi))
        return;
    if (!DeviceInit->allocated) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)DeviceInit, 0,
                             "%s: this WDFDEVICE_INIT belongs to the framework "
                             "(EvtDriverDeviceAdd / EvtChildListCreateDevice)",
                             ddi);
        return;
    }
    pnpsim__fx_init_free(DeviceInit);
}

/* ---- WDFDEVICE_INIT for function and filter drivers (wdffdo.h) ------------------------ */

/* Windows behaviour: "WdfFdoInitSetFilter": the device is a filter: I/O it has no queue
 * for is passed down, and it does not become the power policy owner. */
WDFAPI VOID WdfFdoInitSetFilter(PWDFDEVICE_INIT DeviceInit)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfFdoInitSetFilter");
    if (init == NULL)
        return;
    if (init->is_pdo) {
        pnpsim__fx_violation(init->sys, PNPSIM_RULE_KMDF_WRONG_STATE, "WdfFdoInitSetFilter",
                             PNPSIM_WDF_WRONG_STATE, (ULONG_PTR)DeviceInit, 0,
                             "WdfFdoInitSetFilter on a PDO's WDFDEVICE_INIT");
        return;
    }
    init->is_filter = true;
}

WDFAPI PDEVICE_OBJECT WdfFdoInitWdmGetPhysicalDevice(PWDFDEVICE_INIT DeviceInit)
{
    pnpsim_system *sys = pnpsim__require_system("WdfFdoInitWdmGetPhysicalDevice");
    if (sys == NULL || !pnpsim__fx_init_check(sys, DeviceInit, "WdfFdoInitWdmGetPhysicalDevice"))
        return NULL;
    return DeviceInit->is_pdo ? NULL : DeviceInit->pdo;
}

WDFAPI VOID WdfFdoInitSetEventCallbacks(PWDFDEVICE_INIT DeviceInit,
                                        PWDF_FDO_EVENT_CALLBACKS FdoEventCallbacks)
{
    static const char ddi[] = "WdfFdoInitSetEventCallbacks";
    PWDFDEVICE_INIT init = get_init(DeviceInit, ddi);
    if (init == NULL || !pnpsim__fx_check_ptr(init->sys, FdoEventCallbacks, "FdoEventCallbacks", ddi))
        return;
    if (FdoEventCallbacks->Size != sizeof(*FdoEventCallbacks)) {
        pnpsim__fx_violation(init->sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi, PNPSIM_WDF_WRONG_STATE,
                             (ULONG_PTR)FdoEventCallbacks, 0,
                             "%s: WDF_FDO_EVENT_CALLBACKS.Size is %lu, expected %lu", ddi,
                             (unsigned long)FdoEventCallbacks->Size,
                             (unsigned long)sizeof(*FdoEventCallbacks));
        return;
    }
    init->fdo_callbacks = *FdoEventCallbacks;
}

WDFAPI NTSTATUS WdfFdoInitOpenRegistryKey(PWDFDEVICE_INIT DeviceInit, ULONG DeviceInstanceKeyType,
                                          ACCESS_MASK DesiredAccess,
                                          PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    UNREFERENCED_PARAMETER(DeviceInit);
    UNREFERENCED_PARAMETER(DeviceInstanceKeyType);
    UNREFERENCED_PARAMETER(DesiredAccess);
    UNREFERENCED_PARAMETER(KeyAttributes);
    if (Key != NULL)
        *Key = NULL;
    return pnpsim__fx_not_implemented("WdfFdoInitOpenRegistryKey");
}

/* Windows behaviour: "WdfFdoInitQueryProperty": IoGetDeviceProperty on the PDO. */
WDFAPI NTSTATUS WdfFdoInitQueryProperty(PWDFDEVICE_INIT DeviceInit,
                                        DEVICE_REGISTRY_PROPERTY DeviceProperty, ULONG BufferLength,
                                        PVOID PropertyBuffer, PULONG ResultLength)
{
    PWDFDEVICE_INIT init = get_init(DeviceInit, "WdfFdoInitQueryProperty");
    if (init == NULL || init->is_pdo || init->pdo == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    return IoGetDeviceProperty(init->pdo, DeviceProperty, BufferLength, PropertyBuffer,
                               ResultLength);
}

/* ======================================================================================
 * Devices
 * ==================================================================================== */

pnpsim_device *pnpsim__fx_devnode(pnpsim__fx_device *d)
{
    return d->pdo != NULL ? pnpsim__devnode_of(d->pdo) : NULL;
}

void pnpsim__fx_trace(pnpsim__fx_device *d, const NTSTATUS *status, const char *fmt, ...)
{
    pnpsim_system *sys = d->obj.sys;
    char msg[400];
    va_list ap;
    if (!pnpsim__trace_on(sys, PNPSIM_TRACE_KMDF))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pnpsim__trace(sys, PNPSIM_TRACE_KMDF, pnpsim__fx_devnode(d),
                  d->obj.driver != NULL ? d->obj.driver->wdm : NULL, status, "%s", msg);
}

pnpsim__fx_device *pnpsim__fx_device_of(PDEVICE_OBJECT dev)
{
    pnpsim__devobj *dobj;
    pnpsim__fx_device *d;
    pnpsim_system *sys;
    if (dev == NULL || (dobj = pnpsim__devobj_from(dev)) == NULL || dobj->deleted)
        return NULL;
    sys = dobj->hdr.sys;
    if (pnpsim__fx_driver_of(sys, dev->DriverObject) == NULL || dev->DeviceExtension == NULL)
        return NULL;
    d = *(pnpsim__fx_device **)dev->DeviceExtension;
    if (d == NULL || pnpsim__fx_lookup(sys, d) == NULL || d->obj.type != PNPSIM_FX_DEVICE)
        return NULL;
    return d;
}

pnpsim__fx_device *pnpsim__fx_get_device(WDFDEVICE h, const char *ddi)
{
    return (pnpsim__fx_device *)pnpsim__fx_get(h, PNPSIM_FX_DEVICE, ddi);
}

/* At deletion (after the children and EvtCleanupCallback): the WDM device object goes. */
static void device_on_delete(pnpsim__fx_object *o)
{
    pnpsim__fx_device *d = (pnpsim__fx_device *)o;
    PDEVICE_OBJECT self = d->self;
    pnpsim__fx_iotarget_device_removing(d);
    if (self != NULL) {
        if (d->lower != NULL)
            IoDetachDevice(d->lower);
        d->lower = NULL;
        *(pnpsim__fx_device **)self->DeviceExtension = NULL;
        d->self = NULL;
        IoDeleteDevice(self);
    }
    d->pnp_state = WdfDevStatePnpDeleted;
}

static void device_on_destroy(pnpsim__fx_object *o)
{
    pnpsim__fx_device *d = (pnpsim__fx_device *)o;
    pnpsim_system *sys = o->sys;
    pnpsim__fx_qi_destroy(d);
    pnpsim__fx_iotarget_device_destroy(d);
    pnpsim__fx_io_destroy(d);
    if (d->is_pdo)
        pnpsim__fx_pdo_destroy(d);
    else
        pnpsim__fx_bus_destroy(d);
    pnpsim__fx_iface_free_all(d);
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        pnpsim__free(sys, d->preprocess_minors[i]);
    pnpsim__free(sys, d->symlink.Buffer);
    pnpsim__lock(sys);
    RemoveEntryList(&d->driver_link);
    InitializeListHead(&d->driver_link);
    pnpsim__unlock(sys);
}

static const pnpsim__fx_ops device_ops = {"WDFDEVICE", device_on_delete, device_on_destroy, true};

bool pnpsim__fx_driver_may_delete(pnpsim__fx_object *o)
{
    pnpsim__fx_device *d = (pnpsim__fx_device *)o;
    return o->type == PNPSIM_FX_DEVICE && d->is_pdo && d->self != NULL &&
           pnpsim__devnode_of(d->self) == NULL;
}

void pnpsim__fx_device_delete(pnpsim__fx_device *d)
{
    pnpsim__fx_trace(d, NULL, "the framework deletes WDFDEVICE %p", (void *)d);
    pnpsim__fx_object_delete(&d->obj);
}

/* Windows behaviour: "WdfDeviceCreate": PASSIVE_LEVEL; creates the framework device and
 * its WDM device object (function and filter drivers: attached to the top of the PDO's
 * stack; bus drivers' PDOs: named automatically); on success *DeviceInit becomes NULL and
 * the framework owns the init; on failure the driver keeps it (and must free an init it
 * allocated). The device's parent is always the driver (ParentObject must be NULL:
 * STATUS_INVALID_PARAMETER). A function or filter device created twice from the same
 * init is STATUS_INVALID_DEVICE_STATE. */
WDFAPI NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT *DeviceInit,
                                PWDF_OBJECT_ATTRIBUTES DeviceAttributes, WDFDEVICE *Device)
{
    static const char ddi[] = "WdfDeviceCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    PWDFDEVICE_INIT init;
    pnpsim__fx_driver *drv;
    pnpsim__fx_device *d;
    PDEVICE_OBJECT self = NULL;
    UNICODE_STRING name, *pname = NULL;
    ULONG chars;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (!pnpsim__fx_check_ptr(sys, DeviceInit, "DeviceInit", ddi) ||
        !pnpsim__fx_check_ptr(sys, Device, "Device", ddi))
        return STATUS_INVALID_PARAMETER;
    *Device = NULL;
    init = *DeviceInit;
    if (!pnpsim__fx_init_check(sys, init, ddi))
        return STATUS_INVALID_PARAMETER;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (init->created != NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "%s: this WDFDEVICE_INIT already created a device", ddi);
    if (init->is_control)
        return pnpsim__fx_not_implemented("WdfDeviceCreate (control device)");
    status = pnpsim__fx_attributes_check(sys, DeviceAttributes, ddi);
    if (!NT_SUCCESS(status))
        return status;
    if (DeviceAttributes != NULL && DeviceAttributes->ParentObject != NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: a device's parent is its driver; ParentObject must be NULL",
                              ddi);
    drv = init->driver;
    d = pnpsim__calloc(sys, 1, sizeof(*d));
    if (d == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    InitializeListHead(&d->ifaces);
    InitializeListHead(&d->qi_entries);
    InitializeListHead(&d->driver_link);
    d->is_pdo = init->is_pdo;
    d->is_filter = init->is_filter;
    d->parent = init->parent;
    d->pnp = init->pnp;
    d->power_policy = init->power_policy;
    d->io_type = init->io_type;
    d->fdo_callbacks = init->fdo_callbacks;
    d->pnp_state = WdfDevStatePnpInit;
    d->power = PowerDeviceD3;
    WDF_DEVICE_STATE_INIT(&d->device_state);
    WDF_DEVICE_PNP_CAPABILITIES_INIT(&d->pnp_caps);

    /* The WDM device object: its extension holds the framework device. */
    chars = init->characteristics;
    if (init->name != NULL) {
        RtlInitUnicodeString(&name, init->name);
        pname = &name;
    } else if (init->is_pdo) {
        chars |= FILE_AUTOGENERATED_DEVICE_NAME; /* a PDO must have a name */
    }
    status = IoCreateDevice(drv->wdm, (ULONG)sizeof(void *), pname, init->device_type, chars,
                            init->exclusive, &self);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, d);
        return status;
    }
    *(pnpsim__fx_device **)self->DeviceExtension = NULL;
    if (init->io_type == WdfDeviceIoBuffered)
        self->Flags |= DO_BUFFERED_IO;
    else if (init->io_type == WdfDeviceIoDirect)
        self->Flags |= DO_DIRECT_IO;
    d->self = self;
    status = pnpsim__fx_object_init(sys, &d->obj, PNPSIM_FX_DEVICE, &device_ops, drv, &drv->obj,
                                    DeviceAttributes, ddi);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(self);
        pnpsim__free(sys, d);
        return status;
    }
    pnpsim__lock(sys);
    InsertTailList(&drv->devices, &d->driver_link);
    pnpsim__unlock(sys);
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++) {
        d->preprocess[i] = init->preprocess[i];
        d->preprocess_minors[i] = init->preprocess_minors[i];
        d->preprocess_minor_count[i] = init->preprocess_minor_count[i];
        init->preprocess_minors[i] = NULL;
    }
    if (init->is_pdo) {
        d->pdo = self;
        self->Flags |= DO_BUS_ENUMERATED_DEVICE;
        status = pnpsim__fx_pdo_created(d, init);
    } else {
        d->lower = IoAttachDeviceToDeviceStack(self, init->pdo);
        if (d->lower == NULL) {
            status = pnpsim__status(STATUS_NO_SUCH_DEVICE,
                                    "%s: the device could not be attached to the stack", ddi);
        } else {
            d->pdo = init->pdo;
            /* Power-pageable and buffered/direct flags follow the device below. */
            self->Flags |= d->lower->Flags & (DO_POWER_PAGABLE);
            status = pnpsim__fx_bus_created(d, init);
        }
    }
    if (NT_SUCCESS(status))
        status = pnpsim__fx_io_created(d, init);
    *(pnpsim__fx_device **)self->DeviceExtension = d;
    if (!NT_SUCCESS(status)) {
        pnpsim__fx_object_delete(&d->obj);
        return status;
    }
    self->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    pnpsim__fx_trace(d, NULL, "WdfDeviceCreate: %s %p (WDM device object %p)",
                     d->is_pdo ? "PDO" : d->is_filter ? "filter device" : "FDO", (void *)d,
                     (void *)self);
    *DeviceInit = NULL;
    if (init->allocated)
        pnpsim__fx_init_free(init);
    else
        init->created = d;
    *Device = (WDFDEVICE)d;
    return STATUS_SUCCESS;
}

WDFAPI PDEVICE_OBJECT WdfDeviceWdmGetDeviceObject(WDFDEVICE Device)
{
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, "WdfDeviceWdmGetDeviceObject");
    return d != NULL ? d->self : NULL;
}

/* Windows behaviour: "WdfDeviceWdmGetAttachedDevice": the next-lower device object, NULL
 * for a PDO. */
WDFAPI PDEVICE_OBJECT WdfDeviceWdmGetAttachedDevice(WDFDEVICE Device)
{
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, "WdfDeviceWdmGetAttachedDevice");
    return d != NULL ? d->lower : NULL;
}

WDFAPI PDEVICE_OBJECT WdfDeviceWdmGetPhysicalDevice(WDFDEVICE Device)
{
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, "WdfDeviceWdmGetPhysicalDevice");
    return d != NULL ? d->pdo : NULL;
}

/* Windows behaviour: "WdfWdmDeviceGetWdfDeviceHandle": NULL for a device object the
 * framework does not own. */
WDFAPI WDFDEVICE WdfWdmDeviceGetWdfDeviceHandle(PDEVICE_OBJECT DeviceObject)
{
    pnpsim_system *sys = pnpsim__require_system("WdfWdmDeviceGetWdfDeviceHandle");
    if (sys == NULL || !pnpsim__fx_check_ptr(sys, DeviceObject, "DeviceObject",
                                             "WdfWdmDeviceGetWdfDeviceHandle"))
        return NULL;
    return (WDFDEVICE)pnpsim__fx_device_of(DeviceObject);
}

WDFAPI WDFDRIVER WdfDeviceGetDriver(WDFDEVICE Device)
{
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, "WdfDeviceGetDriver");
    return d != NULL ? (WDFDRIVER)d->obj.driver : NULL;
}

/* Windows behaviour: "WdfDeviceSetPnpCapabilities": values other than WdfUseDefault
 * override what the bus reports in IRP_MN_QUERY_CAPABILITIES (Address and UINumber
 * other than (ULONG)-1); Size mismatch is a verifier error. */
WDFAPI VOID WdfDeviceSetPnpCapabilities(WDFDEVICE Device,
                                        PWDF_DEVICE_PNP_CAPABILITIES PnpCapabilities)
{
    static const char ddi[] = "WdfDeviceSetPnpCapabilities";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL || !pnpsim__fx_check_ptr(d->obj.sys, PnpCapabilities, "PnpCapabilities", ddi) ||
        !pnpsim__fx_check_irql(d->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    if (PnpCapabilities->Size != sizeof(*PnpCapabilities)) {
        pnpsim__fx_violation(d->obj.sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi,
                             PNPSIM_WDF_WRONG_STATE, (ULONG_PTR)Device, 0,
                             "%s: WDF_DEVICE_PNP_CAPABILITIES.Size is %lu, expected %lu", ddi,
                             (unsigned long)PnpCapabilities->Size,
                             (unsigned long)sizeof(*PnpCapabilities));
        return;
    }
    pnpsim__lock(d->obj.sys);
    d->pnp_caps = *PnpCapabilities;
    d->pnp_caps_set = true;
    pnpsim__unlock(d->obj.sys);
}

/* Windows behaviour: "WdfDeviceSetDeviceState": sets the PNP_DEVICE_STATE bits reported
 * in IRP_MN_QUERY_PNP_DEVICE_STATE and asks PnP to query them (IoInvalidateDeviceState). */
WDFAPI VOID WdfDeviceSetDeviceState(WDFDEVICE Device, PWDF_DEVICE_STATE DeviceState)
{
    static const char ddi[] = "WdfDeviceSetDeviceState";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL || !pnpsim__fx_check_ptr(d->obj.sys, DeviceState, "DeviceState", ddi) ||
        !pnpsim__fx_check_irql(d->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    if (DeviceState->Size != sizeof(*DeviceState)) {
        pnpsim__fx_violation(d->obj.sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi,
                             PNPSIM_WDF_WRONG_STATE, (ULONG_PTR)Device, 0,
                             "%s: WDF_DEVICE_STATE.Size is %lu, expected %lu", ddi,
                             (unsigned long)DeviceState->Size,
                             (unsigned long)sizeof(*DeviceState));
        return;
    }
    pnpsim__lock(d->obj.sys);
    d->device_state = *DeviceState;
    pnpsim__unlock(d->obj.sys);
    if (pnpsim__fx_devnode(d) != NULL && d->started)
        IoInvalidateDeviceState(d->pdo);
}

WDFAPI VOID WdfDeviceGetDeviceState(WDFDEVICE Device, PWDF_DEVICE_STATE DeviceState)
{
    static const char ddi[] = "WdfDeviceGetDeviceState";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL || !pnpsim__fx_check_ptr(d->obj.sys, DeviceState, "DeviceState", ddi))
        return;
    pnpsim__lock(d->obj.sys);
    *DeviceState = d->device_state;
    pnpsim__unlock(d->obj.sys);
}

WDFAPI WDF_DEVICE_PNP_STATE WdfDeviceGetDevicePnpState(WDFDEVICE Device)
{
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, "WdfDeviceGetDevicePnpState");
    return d != NULL ? d->pnp_state : WdfDevStatePnpInvalid;
}

/* Windows behaviour: "WdfDeviceSetFailed": the device has failed; the framework reports
 * PNP_DEVICE_FAILED so the PnP manager tears the stack down (and, with
 * WdfDeviceFailedAttemptRestart, tries to start it again). Simulation: pnpsim's PnP
 * manager surprise-removes a failed device and leaves it with a problem code; a restart
 * is not attempted (README "KMDF"). */
WDFAPI VOID WdfDeviceSetFailed(WDFDEVICE Device, WDF_DEVICE_FAILED_ACTION FailedAction)
{
    static const char ddi[] = "WdfDeviceSetFailed";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL || !pnpsim__fx_check_irql(d->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    if (FailedAction != WdfDeviceFailedAttemptRestart && FailedAction != WdfDeviceFailedNoRestart) {
        pnpsim__fx_violation(d->obj.sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi,
                             PNPSIM_WDF_WRONG_STATE, (ULONG_PTR)Device, 0,
                             "%s: invalid WDF_DEVICE_FAILED_ACTION %d", ddi, (int)FailedAction);
        return;
    }
    pnpsim__fx_trace(d, NULL, "WdfDeviceSetFailed(%s)",
                     FailedAction == WdfDeviceFailedNoRestart ? "WdfDeviceFailedNoRestart"
                                                              : "WdfDeviceFailedAttemptRestart");
    pnpsim__lock(d->obj.sys);
    d->failed = true;
    d->failed_action = FailedAction;
    pnpsim__unlock(d->obj.sys);
    if (pnpsim__fx_devnode(d) != NULL)
        IoInvalidateDeviceState(d->pdo);
}

/* Windows behaviour: "WdfDeviceCreateSymbolicLink": a symbolic link to the device's name.
 * Simulation: pnpsim's object manager has no general symbolic links (only device
 * interface links), so this is not modelled (README "KMDF"). */
WDFAPI NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE Device, PCUNICODE_STRING SymbolicLinkName)
{
    static const char ddi[] = "WdfDeviceCreateSymbolicLink";
    if (pnpsim__fx_get_device(Device, ddi) == NULL)
        return STATUS_INVALID_HANDLE;
    UNREFERENCED_PARAMETER(SymbolicLinkName);
    return pnpsim__fx_not_implemented(ddi);
}

/* Windows behaviour: "WdfDeviceAssignS0IdleSettings": the power policy owner's idle
 * settings; STATUS_INVALID_DEVICE_REQUEST when the device is not the power policy owner;
 * STATUS_INFO_LENGTH_MISMATCH for a wrong Size. Simulation: the settings are checked and
 * recorded; simulated devices never idle out (README "KMDF"). */
WDFAPI NTSTATUS WdfDeviceAssignS0IdleSettings(WDFDEVICE Device,
                                              PWDF_DEVICE_POWER_POLICY_IDLE_SETTINGS Settings)
{
    static const char ddi[] = "WdfDeviceAssignS0IdleSettings";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_irql(d->obj.sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!pnpsim__fx_check_ptr(d->obj.sys, Settings, "Settings", ddi))
        return STATUS_INVALID_PARAMETER;
    if (Settings->Size != sizeof(*Settings))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH,
                              "%s: WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS.Size is %lu", ddi,
                              (unsigned long)Settings->Size);
    if (d->is_filter)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: a filter device is not the power policy owner", ddi);
    if (Settings->IdleCaps < IdleCannotWakeFromS0 || Settings->IdleCaps > IdleUsbSelectiveSuspend)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: invalid IdleCaps %d", ddi,
                              (int)Settings->IdleCaps);
    pnpsim__lock(d->obj.sys);
    d->idle = *Settings;
    d->idle_set = true;
    pnpsim__unlock(d->obj.sys);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfDeviceStopIdle" keeps the device in D0 (and returns
 * STATUS_PENDING when it must first wake, without WaitForD0). Simulation: a simulated
 * device never idles out, so this succeeds at once; the calls are counted in pairs. */
WDFAPI NTSTATUS WdfDeviceStopIdleNoTrack(WDFDEVICE Device, BOOLEAN WaitForD0)
{
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, "WdfDeviceStopIdle");
    UNREFERENCED_PARAMETER(WaitForD0);
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    if (!d->started || d->removed || d->surprise_removed)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "WdfDeviceStopIdle: the device is not started");
    return STATUS_SUCCESS;
}

WDFAPI VOID WdfDeviceResumeIdleNoTrack(WDFDEVICE Device)
{
    (void)pnpsim__fx_get_device(Device, "WdfDeviceResumeIdle");
}

WDFAPI NTSTATUS WdfDeviceStopIdleActual(WDFDEVICE Device, BOOLEAN WaitForD0, PVOID Tag,
                                        LONG Line, PCHAR File)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(Line);
    UNREFERENCED_PARAMETER(File);
    return WdfDeviceStopIdleNoTrack(Device, WaitForD0);
}

WDFAPI VOID WdfDeviceResumeIdleActual(WDFDEVICE Device, PVOID Tag, LONG Line, PCHAR File)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(Line);
    UNREFERENCED_PARAMETER(File);
    WdfDeviceResumeIdleNoTrack(Device);
}

/* ======================================================================================
 * The framework's dispatch routine
 * ==================================================================================== */

NTSTATUS pnpsim__fx_complete(PIRP irp, NTSTATUS status, ULONG_PTR info)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS pnpsim__fx_forward(pnpsim__fx_device *d, PIRP irp)
{
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(d->lower, irp);
}

static NTSTATUS NTAPI forward_sync_done(PDEVICE_OBJECT dev, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(dev);
    if (irp->PendingReturned)
        KeSetEvent((PKEVENT)ctx, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

NTSTATUS pnpsim__fx_forward_sync(pnpsim__fx_device *d, PIRP irp)
{
    KEVENT done;
    NTSTATUS status;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, forward_sync_done, &done, TRUE, TRUE, TRUE);
    status = IoCallDriver(d->lower, irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        status = irp->IoStatus.Status;
    }
    return status;
}

static NTSTATUS dispatch_inner(pnpsim__fx_device *d, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    switch (sp->MajorFunction) {
    case IRP_MJ_PNP:
        return pnpsim__fx_pnp(d, irp);
    case IRP_MJ_POWER:
        return pnpsim__fx_power(d, irp);
    case IRP_MJ_SYSTEM_CONTROL:
        /* WMI is not modelled: pass it down, or complete it unchanged at the bottom. */
        if (!d->is_pdo && d->lower != NULL)
            return pnpsim__fx_forward(d, irp);
        {
            NTSTATUS status = irp->IoStatus.Status;
            IoCompleteRequest(irp, IO_NO_INCREMENT);
            return status;
        }
    default:
        return pnpsim__fx_io_dispatch(d, irp);
    }
}

static bool preprocess_wants(pnpsim__fx_device *d, UCHAR major, UCHAR minor)
{
    if (major > IRP_MJ_MAXIMUM_FUNCTION || d->preprocess[major] == NULL)
        return false;
    if (d->preprocess_minor_count[major] == 0)
        return true;
    for (ULONG i = 0; i < d->preprocess_minor_count[major]; i++)
        if (d->preprocess_minors[major][i] == minor)
            return true;
    return false;
}

NTSTATUS NTAPI pnpsim__fx_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    pnpsim__fx_device *d = pnpsim__fx_device_of(dev);
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS status;
    if (d == NULL) {
        /* A device object the framework no longer owns (deleted) or never owned. */
        if (sp->MajorFunction == IRP_MJ_POWER)
            PoStartNextPowerIrp(irp);
        return pnpsim__fx_complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
    pnpsim__fx_ref(&d->obj);
    if (preprocess_wants(d, sp->MajorFunction, sp->MinorFunction)) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(d->obj.sys, d->obj.driver, &call, "EvtDeviceWdmIrpPreprocess");
        status = d->preprocess[sp->MajorFunction]((WDFDEVICE)d, irp);
        pnpsim__fx_call_end(d->obj.sys, &call);
    } else {
        status = dispatch_inner(d, irp);
    }
    pnpsim__fx_unref(&d->obj);
    return status;
}

/* Windows behaviour: "WdfDeviceWdmDispatchPreprocessedIrp": hands an IRP the driver's
 * preprocess callback has looked at back to the framework. */
WDFAPI NTSTATUS WdfDeviceWdmDispatchPreprocessedIrp(WDFDEVICE Device, PIRP Irp)
{
    static const char ddi[] = "WdfDeviceWdmDispatchPreprocessedIrp";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    if (d == NULL || !pnpsim__fx_check_ptr(d->obj.sys, Irp, "Irp", ddi))
        return STATUS_INVALID_PARAMETER;
    /* The preprocess callback copied or skipped the stack location as KMDF asks
     * (IoSkipCurrentIrpStackLocation before the call): take it back. */
    IoSetNextIrpStackLocation(Irp);
    return dispatch_inner(d, Irp);
}
