/* SPDX-License-Identifier: MIT */
/*
 * This file implements saving and loading a simulated system's persistent state
 * (pnpsim_system_save / pnpsim_system_load, include/pnpsim/system.h). The registry store is
 * the persistent truth: it holds the device interface registrations (DeviceClasses), the
 * devices' Enum keys and the drivers' service keys, and is written and read with
 * pnpsim_registry_save / pnpsim_registry_load. After a load the device interface manager
 * rebuilds its in-memory indexes (its fast path) from the DeviceClasses keys.
 *
 * Loading is all or nothing. The file is first loaded into a scratch system, which checks
 * it completely; the interface indexes are built from the scratch registry, aside; only
 * then is the real store replaced (the same file, already known good) and the indexes
 * installed, a step that cannot fail. A damaged file or a lack of memory at any point
 * leaves the system as it was.
 *
 * Saving is crash-safe: the file is written to "<path>.tmp" and renamed over the old one
 * (registry.c, pnpsim__file_replace), so an interruption at any write point (simulated with
 * pnpsim_fault_save_write) leaves the previous file whole.
 */
#include "iface.h"
#include "pnpsim/registry.h"

NTSTATUS pnpsim_system_save(pnpsim_system *sys, const char *path)
{
    NTSTATUS status;
    if (sys == NULL || path == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_system_save: NULL argument");
    if (pnpsim__fault_ddi(sys, "pnpsim_system_save", &status))
        return status;
    return pnpsim_registry_save(sys, path);
}

/* Some device other than the root is present. */
static bool has_devices(pnpsim_system *sys)
{
    bool any = false;
    pnpsim__lock(sys);
    for (PLIST_ENTRY e = sys->all_devices.Flink; e != &sys->all_devices && !any; e = e->Flink) {
        pnpsim_device *dn = CONTAINING_RECORD(e, pnpsim_device, all_link);
        any = !dn->is_root && dn->state != PNPSIM_DEVICE_DELETED;
    }
    pnpsim__unlock(sys);
    return any;
}

NTSTATUS pnpsim_system_load(pnpsim_system *sys, const char *path)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_system *scratch = NULL;
    struct pnpsim__iface_state *st = NULL;
    NTSTATUS status;
    char why[256];

    if (sys == NULL || path == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_system_load: NULL argument");
    if (pnpsim__fault_ddi(sys, "pnpsim_system_load", &status))
        return status;
    if (has_devices(sys))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "pnpsim_system_load: devices are present; load into a new system "
                              "or after pnpsim_system_reboot");

    /* 1. Check the file completely in a scratch system. */
    cfg.name = "pnpsim_system_load scratch";
    cfg.delivery = PNPSIM_DELIVERY_MANUAL;
    status = pnpsim_system_create(&cfg, &scratch);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "pnpsim_system_load: no memory");
    status = pnpsim_registry_load(scratch, path);
    if (!NT_SUCCESS(status)) {
        snprintf(why, sizeof(why), "%s", pnpsim_last_error_message());
        pnpsim_system_destroy(scratch);
        return pnpsim__status(status, "pnpsim_system_load: %s: nothing loaded (%s)", path, why);
    }

    /* 2. The interface indexes the file describes, built aside. */
    status = pnpsim__iface_rebuild_prepare(sys, scratch, &st);
    pnpsim_system_destroy(scratch);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "pnpsim_system_load: %s: nothing loaded (no memory)", path);

    /* 3. Replace the store (checks the file again; a failure changes nothing), then install
     * the indexes (cannot fail). */
    status = pnpsim_registry_load(sys, path);
    if (!NT_SUCCESS(status)) {
        snprintf(why, sizeof(why), "%s", pnpsim_last_error_message());
        pnpsim__iface_rebuild_discard(sys, st);
        return pnpsim__status(status, "pnpsim_system_load: %s: nothing loaded (%s)", path, why);
    }
    pnpsim__iface_rebuild_commit(sys, st);
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, NULL, NULL, &status, "loaded persistent state from %s",
                  path);
    return STATUS_SUCCESS;
}
