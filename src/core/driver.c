/* SPDX-License-Identifier: MIT */
/*
 * This file implements drivers as the simulated system loads them: the DRIVER_OBJECT with
 * its DRIVER_EXTENSION, name and registry path, DriverEntry, the INF-like bindings of
 * function and filter drivers to hardware IDs, and unloading (DriverUnload, then the
 * pool-leak check) when a PnP driver's last device goes or the system shuts down.
 */
#include "pnpsim_int.h"
#include "notify.h"
#include "registry.h"
#include "qi.h"

static const WCHAR driver_prefix[] = u"\\Driver\\";
static const WCHAR regpath_prefix[] = u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";

static NTSTATUS NTAPI invalid_device_request(PDEVICE_OBJECT dev, PIRP irp)
{
    /* Windows fills every MajorFunction slot a driver leaves empty with a routine that
     * completes the IRP with STATUS_INVALID_DEVICE_REQUEST. */
    PNPSIM_UNUSED(dev);
    irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_INVALID_DEVICE_REQUEST;
}

pnpsim__driver *pnpsim__driver_from(PDRIVER_OBJECT drv)
{
    pnpsim__obhdr *hdr;
    if (drv == NULL)
        return NULL;
    hdr = pnpsim__ob_header(drv);
    if (hdr == NULL || hdr->type != IO_TYPE_DRIVER || drv->Type != IO_TYPE_DRIVER)
        return NULL;
    return CONTAINING_RECORD(drv, pnpsim__driver, drv);
}

static void driver_destroy(pnpsim__obhdr *hdr)
{
    /* Driver objects live until the system goes: test code keeps their pointers to ask
     * whether they unloaded. pnpsim__driver_free_all frees them. */
    PNPSIM_UNUSED(hdr);
}

static WCHAR *concat_w(pnpsim_system *sys, const WCHAR *prefix, const char *name)
{
    size_t plen = pnpsim__wcslen(prefix), nlen = strlen(name);
    WCHAR *w = pnpsim__malloc(sys, (plen + nlen + 1) * sizeof(WCHAR));
    if (w == NULL)
        return NULL;
    memcpy(w, prefix, plen * sizeof(WCHAR));
    for (size_t i = 0; i < nlen; i++)
        w[plen + i] = (WCHAR)(unsigned char)name[i];
    w[plen + nlen] = 0;
    return w;
}

static void init_major_functions(pnpsim__driver *d)
{
    for (size_t i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        d->drv.MajorFunction[i] = invalid_device_request;
    d->drv.DriverUnload = NULL;
    d->drv.DriverStartIo = NULL;
    d->ext.AddDevice = NULL;
}

/* Create a driver object (not yet in sys->drivers). */
static pnpsim__driver *driver_create(pnpsim_system *sys, const char *service_name)
{
    pnpsim__driver *d = pnpsim__calloc(sys, 1, sizeof(*d));
    size_t n;
    if (d == NULL)
        return NULL;
    d->hdr.magic = PNPSIM__OB_MAGIC;
    d->hdr.type = IO_TYPE_DRIVER;
    d->hdr.refs = 1;
    d->hdr.sys = sys;
    d->hdr.destroy = driver_destroy;
    d->service_name = pnpsim__strdup(sys, service_name);
    d->name_w = concat_w(sys, driver_prefix, service_name);
    d->regpath_w = concat_w(sys, regpath_prefix, service_name);
    if (d->service_name == NULL || d->name_w == NULL || d->regpath_w == NULL) {
        pnpsim__free(sys, d->service_name);
        pnpsim__free(sys, d->name_w);
        pnpsim__free(sys, d->regpath_w);
        pnpsim__free(sys, d);
        return NULL;
    }
    d->drv.Type = IO_TYPE_DRIVER;
    d->drv.Size = (CSHORT)sizeof(DRIVER_OBJECT);
    d->drv.DriverExtension = &d->ext;
    d->ext.DriverObject = &d->drv;
    n = pnpsim__wcslen(d->name_w);
    d->drv.DriverName.Buffer = d->name_w;
    d->drv.DriverName.Length = (USHORT)(n * sizeof(WCHAR));
    d->drv.DriverName.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    n = strlen(service_name);
    d->ext.ServiceKeyName.Buffer = d->name_w + pnpsim__wcslen(driver_prefix);
    d->ext.ServiceKeyName.Length = (USHORT)(n * sizeof(WCHAR));
    d->ext.ServiceKeyName.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    n = pnpsim__wcslen(d->regpath_w);
    d->registry_path.Buffer = d->regpath_w;
    d->registry_path.Length = (USHORT)(n * sizeof(WCHAR));
    d->registry_path.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    init_major_functions(d);
    return d;
}

static void driver_free(pnpsim_system *sys, pnpsim__driver *d)
{
    pnpsim__free(sys, d->service_name);
    pnpsim__free(sys, d->name_w);
    pnpsim__free(sys, d->regpath_w);
    d->hdr.magic = 0;
    pnpsim__free(sys, d);
}

static bool valid_service_name(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 200)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7F || c == '\\' || c == '/')
            return false;
    }
    return true;
}

/* Run DriverEntry; on failure the caller deletes the object. Caller holds no lock. */
static NTSTATUS run_driver_entry(pnpsim_system *sys, pnpsim__driver *d)
{
    pnpsim__callout c;
    PDRIVER_OBJECT saved;
    NTSTATUS status;
    d->drv.DriverInit = d->drv.DriverInit;
    pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, &d->drv, NULL, "DriverEntry(%s)",
                  d->service_name);
    pnpsim__set_current_driver(&d->drv, &saved);
    pnpsim__callout_begin(sys, &c, "DriverEntry");
    status = d->drv.DriverInit(&d->drv, &d->registry_path);
    pnpsim__callout_end(sys, &c);
    pnpsim__set_current_driver(saved, NULL);
    pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, &d->drv, &status, "DriverEntry(%s) returned",
                  d->service_name);
    if (NT_SUCCESS(status)) {
        d->entry_done = true;
        d->unloaded = false;
        /* Devices created in DriverEntry are ready once it returns: the I/O manager
         * clears DO_DEVICE_INITIALIZING for them. */
        for (PDEVICE_OBJECT dev = d->drv.DeviceObject; dev != NULL; dev = dev->NextDevice)
            dev->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    }
    return status;
}

NTSTATUS pnpsim_driver_load(pnpsim_system *sys, const char *service_name,
                            PDRIVER_INITIALIZE driver_entry, PDRIVER_OBJECT *out)
{
    pnpsim__driver *d;
    NTSTATUS status;
    if (out != NULL)
        *out = NULL;
    if (sys == NULL || driver_entry == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_driver_load: sys and driver_entry are required");
    if (!valid_service_name(service_name))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_driver_load: \"%s\" is not a valid service name",
                              service_name ? service_name : "(null)");
    if (pnpsim__fault_ddi(sys, "pnpsim_driver_load", &status)) /* fault.h */
        return status;
    if (pnpsim_driver_find(sys, service_name) != NULL)
        return pnpsim__status(STATUS_OBJECT_NAME_COLLISION,
                              "pnpsim_driver_load: a driver \"%s\" is already loaded",
                              service_name);
    pnpsim__harness_enter(sys);
    d = driver_create(sys, service_name);
    if (d == NULL) {
        pnpsim__harness_leave(sys);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "pnpsim_driver_load: no memory for driver \"%s\"", service_name);
    }
    d->drv.DriverInit = driver_entry;
    pnpsim__lock(sys);
    InsertTailList(&sys->drivers, &d->link);
    {
        /* The service key RegistryPath names exists, as the driver's installation made
         * it; tests may fill it beforehand with pnpsim_registry_set_*. */
        pnpsim__regkey *key;
        NTSTATUS ks = pnpsim__registry_get(sys) != NULL
                          ? pnpsim__regkey_create(sys, NULL, d->regpath_w,
                                                  pnpsim__wcslen(d->regpath_w), 0, true, &key,
                                                  NULL)
                          : STATUS_INSUFFICIENT_RESOURCES;
        if (!NT_SUCCESS(ks)) {
            RemoveEntryList(&d->link);
            pnpsim__unlock(sys);
            driver_free(sys, d);
            pnpsim__harness_leave(sys);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                  "pnpsim_driver_load: no memory for the service key of \"%s\"",
                                  service_name);
        }
    }
    pnpsim__unlock(sys);
    status = run_driver_entry(sys, d);
    if (!NT_SUCCESS(status)) {
        /* DriverEntry failed: Windows deletes the driver object without calling
         * DriverUnload; pool it kept is a leak. */
        pnpsim__pool_check_driver_leaks(sys, &d->drv);
        pnpsim__lock(sys);
        RemoveEntryList(&d->link);
        pnpsim__unlock(sys);
        d->unloaded = true;
        /* Keep the memory until the system goes if the driver created devices (they
         * point at it); otherwise free it now. */
        if (d->drv.DeviceObject == NULL)
            driver_free(sys, d);
        else {
            pnpsim__lock(sys);
            InsertTailList(&sys->drivers, &d->link);
            pnpsim__unlock(sys);
        }
        pnpsim__harness_leave(sys);
        return pnpsim__status(status, "pnpsim_driver_load: DriverEntry of \"%s\" failed",
                              service_name);
    }
    pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, &d->drv, NULL, "driver %s loaded",
                  d->service_name);
    if (out != NULL)
        *out = &d->drv;
    pnpsim__harness_leave(sys);
    return STATUS_SUCCESS;
}

/* Reload a driver that unloaded when its last device went (Windows loads it again when a
 * device needs it). Caller holds no lock. */
NTSTATUS pnpsim__driver_ensure_loaded(pnpsim_system *sys, pnpsim__driver *d)
{
    if (!d->unloaded)
        return STATUS_SUCCESS;
    init_major_functions(d);
    pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, &d->drv, NULL, "reloading driver %s",
                  d->service_name);
    return run_driver_entry(sys, d);
}

static NTSTATUS bind(pnpsim_system *sys, const char *hwid, PDRIVER_OBJECT drv, int role)
{
    pnpsim__driver *d = pnpsim__driver_from(drv);
    pnpsim__binding *b;
    if (sys == NULL || hwid == NULL || *hwid == '\0' || d == NULL || d->hdr.sys != sys)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_driver_bind: needs a system, a hardware ID and a driver "
                              "loaded in that system");
    if (strlen(hwid) >= 200)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_driver_bind: ID too long");
    b = pnpsim__calloc(sys, 1, sizeof(*b));
    if (b == NULL || (b->hwid = pnpsim__strdup(sys, hwid)) == NULL) {
        pnpsim__free(sys, b);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_driver_bind: no memory");
    }
    b->driver = d;
    b->role = role;
    pnpsim__lock(sys);
    if (role == 0) {
        /* A new function-driver binding for the same ID replaces the old one. */
        for (PLIST_ENTRY e = sys->bindings.Flink; e != &sys->bindings; e = e->Flink) {
            pnpsim__binding *o = CONTAINING_RECORD(e, pnpsim__binding, link);
            if (o->role == 0 && pnpsim__stricmp(o->hwid, hwid) == 0) {
                RemoveEntryList(&o->link);
                pnpsim__free(sys, o->hwid);
                pnpsim__free(sys, o);
                break;
            }
        }
    }
    InsertTailList(&sys->bindings, &b->link);
    pnpsim__unlock(sys);
    pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, drv, NULL, "bound %s as %s for %s",
                  d->service_name, role == 0 ? "function driver" : role == 1 ? "lower filter"
                                                                             : "upper filter",
                  hwid);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_driver_bind(pnpsim_system *sys, const char *hardware_id,
                            PDRIVER_OBJECT function_driver)
{
    return bind(sys, hardware_id, function_driver, 0);
}

NTSTATUS pnpsim_driver_bind_filter(pnpsim_system *sys, const char *hardware_id,
                                   PDRIVER_OBJECT filter_driver, pnpsim_filter_position position)
{
    if (position != PNPSIM_FILTER_LOWER && position != PNPSIM_FILTER_UPPER)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_driver_bind_filter: unknown position %d", (int)position);
    return bind(sys, hardware_id, filter_driver, position == PNPSIM_FILTER_LOWER ? 1 : 2);
}

PDRIVER_OBJECT pnpsim_driver_find(pnpsim_system *sys, const char *service_name)
{
    PDRIVER_OBJECT found = NULL;
    if (sys == NULL || service_name == NULL)
        return NULL;
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = sys->drivers.Flink; e != &sys->drivers; e = e->Flink) {
        pnpsim__driver *d = CONTAINING_RECORD(e, pnpsim__driver, link);
        /* An unloaded driver's object stays (tests may still ask about it), but the name
         * is free for a new load (after a reboot, say). */
        if (!d->builtin && !d->unloaded && pnpsim__stricmp(d->service_name, service_name) == 0) {
            found = &d->drv;
            break;
        }
    }
    pnpsim__unlock(sys);
    return found;
}

const char *pnpsim_driver_name(PDRIVER_OBJECT driver)
{
    pnpsim__driver *d = pnpsim__driver_from(driver);
    return d != NULL ? d->service_name : NULL;
}

int pnpsim_driver_is_unloaded(PDRIVER_OBJECT driver)
{
    pnpsim__driver *d = pnpsim__driver_from(driver);
    return d != NULL && d->unloaded;
}

/* The drivers bound to a devnode's IDs, in AddDevice order: lower filters, the function
 * driver, upper filters. Returns the count (at most max). Caller holds sys->lock. */
size_t pnpsim__driver_stack_for(pnpsim_device *dn, pnpsim__driver **out, size_t max,
                                bool *has_function)
{
    pnpsim_system *sys = dn->sys;
    pnpsim__driver *function = NULL;
    size_t n = 0;
    PNPSIM_ASSERT_LOCKED(sys);
    /* The function driver: the first ID in rank order (hardware IDs, then compatible
     * IDs) that has a binding, as INF ranking picks the best match. */
    for (int list = 0; list < 2 && function == NULL; list++) {
        char **ids = list == 0 ? dn->hardware_ids : dn->compatible_ids;
        for (size_t i = 0; ids != NULL && ids[i] != NULL && function == NULL; i++) {
            for (PLIST_ENTRY e = sys->bindings.Flink; e != &sys->bindings; e = e->Flink) {
                pnpsim__binding *b = CONTAINING_RECORD(e, pnpsim__binding, link);
                if (b->role == 0 && pnpsim__stricmp(b->hwid, ids[i]) == 0) {
                    function = b->driver;
                    break;
                }
            }
        }
    }
    *has_function = function != NULL;
    for (int role = 1; role <= 2; role++) {
        if (role == 2 && function != NULL && n < max)
            out[n++] = function;
        for (PLIST_ENTRY e = sys->bindings.Flink; e != &sys->bindings; e = e->Flink) {
            pnpsim__binding *b = CONTAINING_RECORD(e, pnpsim__binding, link);
            bool match = false;
            if (b->role != role)
                continue;
            for (int list = 0; list < 2 && !match; list++) {
                char **ids = list == 0 ? dn->hardware_ids : dn->compatible_ids;
                for (size_t i = 0; ids != NULL && ids[i] != NULL; i++) {
                    if (pnpsim__stricmp(b->hwid, ids[i]) == 0) {
                        match = true;
                        break;
                    }
                }
            }
            if (match && n < max)
                out[n++] = b->driver;
        }
    }
    return n;
}

void pnpsim__driver_maybe_unload(pnpsim_system *sys, pnpsim__driver *d, bool force)
{
    pnpsim__callout c;
    PDRIVER_OBJECT saved;
    PDRIVER_UNLOAD unload;
    if (d->builtin || d->unloaded || !d->entry_done)
        return;
    /* A PnP driver unloads when its last device object is deleted (if it has an unload
     * routine); at shutdown every driver goes. */
    if (!force && (d->drv.DeviceObject != NULL || d->drv.DriverUnload == NULL ||
                   d->ext.AddDevice == NULL))
        return;
    unload = d->drv.DriverUnload;
    if (force && sys->crashed && d->drv.DeviceObject != NULL) {
        /* After a caught bug check the stacks were never torn down: unloading a driver
         * that still owns devices would only trip its own assertions. */
        d->unloaded = true;
        pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, &d->drv, NULL,
                      "driver %s not unloaded: the system crashed with its devices present",
                      d->service_name);
        return;
    }
    d->unloaded = true;
    d->drv.Flags |= DRVO_UNLOAD_INVOKED;
    if (unload != NULL) {
        pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, &d->drv, NULL, "DriverUnload(%s)",
                      d->service_name);
        pnpsim__set_current_driver(&d->drv, &saved);
        pnpsim__callout_begin(sys, &c, "DriverUnload");
        unload(&d->drv);
        pnpsim__callout_end(sys, &c);
        pnpsim__set_current_driver(saved, NULL);
    } else {
        pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, &d->drv, NULL,
                      "driver %s has no DriverUnload: unloaded at shutdown without one",
                      d->service_name);
    }
    pnpsim__notify_driver_unloading(sys, &d->drv);
    pnpsim__pool_check_driver_leaks(sys, &d->drv);
    pnpsim__registry_check_driver_handles(sys, &d->drv);
    /* Interface references its devices still hold are leaks (qi.h). */
    pnpsim__verifier_driver_unloaded(sys, &d->drv);
    pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, &d->drv, NULL, "driver %s unloaded",
                  d->service_name);
}

void pnpsim__driver_unload_all(pnpsim_system *sys)
{
    /* Unload in reverse load order (the last loaded goes first). */
    for (;;) {
        pnpsim__driver *victim = NULL;
        pnpsim__lock(sys);
        for (PLIST_ENTRY e = sys->drivers.Blink; e != &sys->drivers; e = e->Blink) {
            pnpsim__driver *d = CONTAINING_RECORD(e, pnpsim__driver, link);
            if (!d->builtin && !d->unloaded && d->entry_done) {
                victim = d;
                break;
            }
        }
        pnpsim__unlock(sys);
        if (victim == NULL)
            break;
        pnpsim__driver_maybe_unload(sys, victim, true);
    }
    /* Forget bindings and free unloaded drivers' objects that no device references. */
    pnpsim__lock(sys);
    while (!IsListEmpty(&sys->bindings)) {
        pnpsim__binding *b = CONTAINING_RECORD(RemoveHeadList(&sys->bindings), pnpsim__binding,
                                               link);
        pnpsim__free(sys, b->hwid);
        pnpsim__free(sys, b);
    }
    pnpsim__unlock(sys);
}

void pnpsim__driver_free_all(pnpsim_system *sys)
{
    pnpsim__lock(sys);
    while (!IsListEmpty(&sys->drivers)) {
        pnpsim__driver *d = CONTAINING_RECORD(RemoveHeadList(&sys->drivers), pnpsim__driver,
                                              link);
        driver_free(sys, d);
    }
    sys->sim_bus = NULL;
    pnpsim__unlock(sys);
}

/* The simulator's own bus driver, which owns root-enumerated and simulated PDOs. */
NTSTATUS pnpsim__driver_create_sim_bus(pnpsim_system *sys)
{
    pnpsim__driver *d = driver_create(sys, "PnpManager");
    if (d == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (size_t i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        d->drv.MajorFunction[i] = pnpsim__sim_pdo_dispatch;
    d->builtin = true;
    d->entry_done = true;
    pnpsim__lock(sys);
    InsertTailList(&sys->drivers, &d->link);
    sys->sim_bus = d;
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}
