/* SPDX-License-Identifier: MIT */
/*
 * This file implements the framework driver object of pnpsim's KMDF layer: WdfDriverCreate
 * (which turns a WDM DRIVER_OBJECT into a framework driver: the framework's dispatch
 * routines, AddDevice and DriverUnload), the framework's AddDevice (a WDFDEVICE_INIT for
 * EvtDriverDeviceAdd), DriverUnload (EvtDriverUnload, then the driver object's deletion),
 * and the driver methods.
 */
#include "kmdf_int.h"

pnpsim__fx_driver *pnpsim__fx_driver_of(pnpsim_system *sys, PDRIVER_OBJECT drv)
{
    pnpsim__fx_driver *found = NULL;
    pnpsim__kmdf_state *st;
    if (sys == NULL || drv == NULL)
        return NULL;
    pnpsim__lock(sys);
    st = pnpsim__kmdf_state_of(sys, false);
    if (st != NULL) {
        for (PLIST_ENTRY e = st->drivers.Flink; e != &st->drivers; e = e->Flink) {
            pnpsim__fx_driver *d = CONTAINING_RECORD(e, pnpsim__fx_driver, link);
            if (d->wdm == drv && !d->obj.deleting) {
                found = d;
                break;
            }
        }
    }
    pnpsim__unlock(sys);
    return found;
}

pnpsim__fx_driver *pnpsim__fx_current_driver(pnpsim_system *sys)
{
    pnpsim__fx_driver *d = pnpsim__fx_driver_of(sys, pnpsim__current_driver());
    pnpsim__kmdf_state *st;
    if (d != NULL || sys == NULL)
        return d;
    /* Called from a test rather than from driver code: the only framework driver, if
     * there is exactly one. */
    pnpsim__lock(sys);
    st = pnpsim__kmdf_state_of(sys, false);
    if (st != NULL && !IsListEmpty(&st->drivers) && st->drivers.Flink->Flink == &st->drivers)
        d = CONTAINING_RECORD(st->drivers.Flink, pnpsim__fx_driver, link);
    pnpsim__unlock(sys);
    return d;
}

static void driver_on_destroy(pnpsim__fx_object *o)
{
    pnpsim__fx_driver *d = (pnpsim__fx_driver *)o;
    pnpsim_system *sys = o->sys;
    pnpsim__lock(sys);
    RemoveEntryList(&d->link);
    InitializeListHead(&d->link);
    pnpsim__unlock(sys);
    pnpsim__free(sys, d->regpath);
}

static const pnpsim__fx_ops driver_ops = {"WDFDRIVER", NULL, driver_on_destroy, true};

/* The framework's AddDevice: a WDFDEVICE_INIT for EvtDriverDeviceAdd. */
static NTSTATUS NTAPI fx_add_device(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    pnpsim_system *sys = pnpsim__require_system("AddDevice");
    pnpsim__fx_driver *d = pnpsim__fx_driver_of(sys, DriverObject);
    PWDFDEVICE_INIT init;
    pnpsim__fx_call call;
    NTSTATUS status;
    if (d == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "AddDevice: %s has no framework driver",
                              pnpsim_driver_name(DriverObject));
    if (d->cfg.EvtDriverDeviceAdd == NULL)
        return STATUS_SUCCESS; /* KMDF: no callback, nothing to add */
    init = pnpsim__calloc(sys, 1, sizeof(*init));
    if (init == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "AddDevice: out of memory");
    init->magic = PNPSIM__FX_INIT_MAGIC;
    init->sys = sys;
    init->driver = d;
    init->pdo = Pdo;
    init->io_type = WdfDeviceIoBuffered;
    init->device_type = FILE_DEVICE_UNKNOWN;
    pnpsim__fx_ref(&d->obj);
    pnpsim__trace(sys, PNPSIM_TRACE_KMDF, pnpsim__devnode_of(Pdo), DriverObject, NULL,
                  "EvtDriverDeviceAdd(%s)", pnpsim_driver_name(DriverObject));
    pnpsim__fx_call_begin(sys, d, &call, "EvtDriverDeviceAdd");
    status = d->cfg.EvtDriverDeviceAdd((WDFDRIVER)d, init);
    pnpsim__fx_call_end(sys, &call);
    pnpsim__trace(sys, PNPSIM_TRACE_KMDF, pnpsim__devnode_of(Pdo), DriverObject, &status,
                  "EvtDriverDeviceAdd(%s) returned", pnpsim_driver_name(DriverObject));
    if (!NT_SUCCESS(status) && init->created != NULL) {
        /* KMDF deletes a device created by an EvtDriverDeviceAdd that then failed. */
        pnpsim__fx_device_delete(init->created);
    }
    pnpsim__fx_init_free(init);
    pnpsim__fx_unref(&d->obj);
    return status;
}

/* The framework's DriverUnload: EvtDriverUnload, then the driver object and its children. */
static VOID NTAPI fx_driver_unload(PDRIVER_OBJECT DriverObject)
{
    pnpsim_system *sys = pnpsim__require_system("DriverUnload");
    pnpsim__fx_driver *d = pnpsim__fx_driver_of(sys, DriverObject);
    if (d == NULL)
        return;
    d->unloading = true;
    if (d->cfg.EvtDriverUnload != NULL) {
        pnpsim__fx_call call;
        pnpsim__fx_call_begin(sys, d, &call, "EvtDriverUnload");
        d->cfg.EvtDriverUnload((WDFDRIVER)d);
        pnpsim__fx_call_end(sys, &call);
    }
    pnpsim__fx_object_delete(&d->obj);
}

/* Windows behaviour: "WdfDriverCreate": called from DriverEntry (DDI rule DriverCreate),
 * at PASSIVE_LEVEL; DriverConfig->Size must match (STATUS_INFO_LENGTH_MISMATCH); the
 * framework takes over the driver's dispatch table, AddDevice (unless
 * WdfDriverInitNonPnpDriver) and DriverUnload (PnP drivers; non-PnP drivers only with
 * EvtDriverUnload); a PnP driver must supply EvtDriverDeviceAdd (STATUS_INVALID_PARAMETER).
 * Simulation: a second WdfDriverCreate on the same driver object fails with
 * STATUS_INVALID_DEVICE_STATE (undocumented; README "KMDF"). */
WDFAPI NTSTATUS WdfDriverCreate(PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath,
                                PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                                PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver)
{
    static const char ddi[] = "WdfDriverCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__driver *wd;
    pnpsim__fx_driver *d;
    pnpsim__kmdf_state *st;
    NTSTATUS status;
    size_t n = 0;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (Driver != NULL)
        *Driver = NULL;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!pnpsim__fx_check_ptr(sys, DriverObject, "DriverObject", ddi) ||
        !pnpsim__fx_check_ptr(sys, DriverConfig, "DriverConfig", ddi))
        return STATUS_INVALID_PARAMETER;
    wd = pnpsim__driver_from(DriverObject);
    if (wd == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: %p is not a driver object", ddi,
                              (void *)DriverObject);
    if (wd->entry_done) {
        pnpsim__fx_violation(sys, PNPSIM_RULE_DRIVER_CREATE, ddi, PNPSIM_WDF_DRIVER_CREATE,
                             (ULONG_PTR)DriverObject, 0,
                             "%s called for %s outside its DriverEntry (DriverCreate)", ddi,
                             wd->service_name);
        return STATUS_INVALID_DEVICE_STATE;
    }
    if (DriverConfig->Size != sizeof(WDF_DRIVER_CONFIG))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH,
                              "%s: WDF_DRIVER_CONFIG.Size is %lu, expected %lu", ddi,
                              (unsigned long)DriverConfig->Size,
                              (unsigned long)sizeof(WDF_DRIVER_CONFIG));
    if (!(DriverConfig->DriverInitFlags & WdfDriverInitNonPnpDriver) &&
        DriverConfig->EvtDriverDeviceAdd == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: a PnP driver needs EvtDriverDeviceAdd", ddi);
    if ((DriverConfig->DriverInitFlags & WdfDriverInitNonPnpDriver) &&
        DriverConfig->EvtDriverDeviceAdd != NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: a non-PnP driver must not set EvtDriverDeviceAdd", ddi);
    if (DriverAttributes != NULL && DriverAttributes->ParentObject != NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: a driver object has no parent", ddi);
    if (pnpsim__fx_driver_of(sys, DriverObject) != NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "%s: %s already has a framework driver object", ddi,
                              wd->service_name);
    d = pnpsim__calloc(sys, 1, sizeof(*d));
    if (d == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    if (RegistryPath != NULL && pnpsim__ustr_valid(RegistryPath) && RegistryPath->Buffer != NULL)
        n = RegistryPath->Length / sizeof(WCHAR);
    d->regpath = pnpsim__calloc(sys, n + 1, sizeof(WCHAR));
    if (d->regpath == NULL) {
        pnpsim__free(sys, d);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    }
    if (n > 0)
        memcpy(d->regpath, RegistryPath->Buffer, n * sizeof(WCHAR));
    d->wdm = DriverObject;
    d->cfg = *DriverConfig;
    InitializeListHead(&d->devices);
    InitializeListHead(&d->link);
    pnpsim__lock(sys);
    st = pnpsim__kmdf_state_of(sys, true);
    pnpsim__unlock(sys);
    if (st == NULL) {
        pnpsim__free(sys, d->regpath);
        pnpsim__free(sys, d);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    }
    status = pnpsim__fx_object_init(sys, &d->obj, PNPSIM_FX_DRIVER, &driver_ops, d, NULL,
                                    DriverAttributes, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, d->regpath);
        pnpsim__free(sys, d);
        return status;
    }
    pnpsim__lock(sys);
    InsertTailList(&st->drivers, &d->link);
    pnpsim__unlock(sys);
    if (!(DriverConfig->DriverInitFlags & WdfDriverInitNoDispatchOverride)) {
        for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
            DriverObject->MajorFunction[i] = pnpsim__fx_dispatch;
    }
    if (!(DriverConfig->DriverInitFlags & WdfDriverInitNonPnpDriver)) {
        DriverObject->DriverExtension->AddDevice = fx_add_device;
        DriverObject->DriverUnload = fx_driver_unload;
    } else if (DriverConfig->EvtDriverUnload != NULL) {
        DriverObject->DriverUnload = fx_driver_unload;
    }
    pnpsim__trace(sys, PNPSIM_TRACE_KMDF, NULL, DriverObject, NULL,
                  "WdfDriverCreate(%s): the framework owns the dispatch table%s",
                  wd->service_name,
                  (DriverConfig->DriverInitFlags & WdfDriverInitNonPnpDriver) ? " (non-PnP)" : "");
    if (Driver != NULL)
        *Driver = (WDFDRIVER)d;
    return STATUS_SUCCESS;
}

static pnpsim__fx_driver *get_driver(WDFDRIVER h, const char *ddi)
{
    return (pnpsim__fx_driver *)pnpsim__fx_get(h, PNPSIM_FX_DRIVER, ddi);
}

WDFAPI PWSTR WdfDriverGetRegistryPath(WDFDRIVER Driver)
{
    pnpsim__fx_driver *d = get_driver(Driver, "WdfDriverGetRegistryPath");
    return d != NULL ? d->regpath : NULL;
}

WDFAPI PDRIVER_OBJECT WdfDriverWdmGetDriverObject(WDFDRIVER Driver)
{
    pnpsim__fx_driver *d = get_driver(Driver, "WdfDriverWdmGetDriverObject");
    return d != NULL ? d->wdm : NULL;
}

/* Windows behaviour: "WdfWdmDriverGetWdfDriverHandle" returns NULL for a driver object the
 * framework does not own. */
WDFAPI WDFDRIVER WdfWdmDriverGetWdfDriverHandle(PDRIVER_OBJECT DriverObject)
{
    pnpsim_system *sys = pnpsim__require_system("WdfWdmDriverGetWdfDriverHandle");
    if (sys == NULL ||
        !pnpsim__fx_check_ptr(sys, DriverObject, "DriverObject", "WdfWdmDriverGetWdfDriverHandle"))
        return NULL;
    return (WDFDRIVER)pnpsim__fx_driver_of(sys, DriverObject);
}

/* Windows behaviour: "WdfGetDriver" returns the calling driver's framework driver object.
 * Simulation: every driver shares pnpsim's one copy of the framework, so "the calling
 * driver" is the driver on whose behalf the thread runs (DriverEntry, a callback, a
 * dispatch routine); from test code, the only framework driver if there is exactly one,
 * else NULL (README "KMDF"). */
WDFAPI WDFDRIVER WdfGetDriver(VOID)
{
    pnpsim_system *sys = pnpsim__require_system("WdfGetDriver");
    return sys != NULL ? (WDFDRIVER)pnpsim__fx_current_driver(sys) : NULL;
}

/* Windows behaviour: "WdfDriverIsVersionAvailable": TRUE when the framework's version is
 * at least the one asked for. Simulation: pnpsim reports KMDF 1.33. */
WDFAPI BOOLEAN WdfDriverIsVersionAvailable(WDFDRIVER Driver,
                                           PWDF_DRIVER_VERSION_AVAILABLE_PARAMS Params)
{
    static const char ddi[] = "WdfDriverIsVersionAvailable";
    pnpsim__fx_driver *d = get_driver(Driver, ddi);
    if (d == NULL || !pnpsim__fx_check_ptr(d->obj.sys, Params, "VersionAvailableParams", ddi))
        return FALSE;
    if (Params->Size != sizeof(*Params))
        return FALSE;
    return Params->MajorVersion < 1 ||
           (Params->MajorVersion == 1 && Params->MinorVersion <= KMDF_VERSION_MINOR);
}

/* Windows behaviour: "WdfDriverRetrieveVersionString" fills a WDFSTRING with the
 * framework's version text. Simulation: "Kernel Mode Driver Framework (pnpsim) 1.33". */
WDFAPI NTSTATUS WdfDriverRetrieveVersionString(WDFDRIVER Driver, WDFSTRING String)
{
    static const char ddi[] = "WdfDriverRetrieveVersionString";
    static const WCHAR text[] = u"Kernel Mode Driver Framework (pnpsim) 1.33";
    pnpsim__fx_driver *d = get_driver(Driver, ddi);
    pnpsim__fx_string *s;
    UNICODE_STRING u;
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_irql(d->obj.sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    s = (pnpsim__fx_string *)pnpsim__fx_get(String, PNPSIM_FX_STRING, ddi);
    if (s == NULL)
        return STATUS_INVALID_HANDLE;
    u.Buffer = (PWCH)text;
    u.Length = (USHORT)(sizeof(text) - sizeof(WCHAR));
    u.MaximumLength = (USHORT)sizeof(text);
    return pnpsim__fx_string_assign(s, &u);
}
