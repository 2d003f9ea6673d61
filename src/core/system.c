/* SPDX-License-Identifier: MIT */
/*
 * This file implements the simulated system's life: creation with its root device
 * (HTREE\ROOT\0) and the simulator's own bus driver, shutdown (every device removed,
 * children first, every driver unloaded with its pool-leak check), reboot (shutdown, then
 * the root comes back; persistent state is kept) and destruction.
 */
#include "pnpsim_int.h"
#include "notify.h"
#include "iface.h"
#include "registry.h"
#include "qi.h"


NTSTATUS pnpsim_system_create(const pnpsim_config *cfg, pnpsim_system **out)
{
    pnpsim_system *sys;
    pnpsim_config defaults = PNPSIM_CONFIG_INIT;
    NTSTATUS status;

    if (out == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_system_create: out is NULL");
    *out = NULL;
    if (cfg == NULL)
        cfg = &defaults;
    if (cfg->version != PNPSIM_CONFIG_VERSION)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_system_create: config version %u, expected %u "
                              "(initialise it with PNPSIM_CONFIG_INIT)",
                              cfg->version, PNPSIM_CONFIG_VERSION);
    if ((unsigned)cfg->delivery > PNPSIM_DELIVERY_WORKER)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_system_create: unknown delivery mode %d", cfg->delivery);

    sys = calloc(1, sizeof(*sys));
    if (sys == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_system_create: no memory");
    pnpsim__mutex_init(&sys->lock);
    pnpsim__mutex_init(&sys->lock_alloc);
    pnpsim__cond_init(&sys->work_cond);
    InitializeListHead(&sys->allocs);
    InitializeListHead(&sys->drivers);
    InitializeListHead(&sys->bindings);
    InitializeListHead(&sys->all_devices);
    InitializeListHead(&sys->work);
    sys->cfg = *cfg;
    sys->cfg.name = NULL;
    pnpsim__dispatcher_init();
    pnpsim__trace_init(sys);
    pnpsim__pool_init(sys);

    sys->name = pnpsim__strdup(sys, cfg->name ? cfg->name : "pnpsim");
    if (sys->name == NULL || sys->trace == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    status = pnpsim__system_build_root(sys);
    if (!NT_SUCCESS(status))
        goto fail;
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, sys->root, NULL, NULL,
                  "system \"%s\" created (delivery %s)", sys->name,
                  sys->cfg.delivery == PNPSIM_DELIVERY_DEFERRED ? "deferred"
                  : sys->cfg.delivery == PNPSIM_DELIVERY_MANUAL ? "manual" : "worker");
    *out = sys;
    return STATUS_SUCCESS;

fail:
    pnpsim_system_destroy(sys);
    return pnpsim__status(status, "pnpsim_system_create: could not build the system");
}

NTSTATUS pnpsim_system_shutdown(pnpsim_system *sys)
{
    if (sys == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_system_shutdown: sys is NULL");
    pnpsim__harness_enter(sys);
    /* Let whatever is queued finish first, as Windows drains its PnP queue at shutdown. */
    if (!sys->crashed)
        pnpsim__work_run(sys);
    pnpsim__devnode_teardown_all(sys);
    pnpsim__iface_reboot(sys);
    if (!sys->crashed)
        pnpsim__work_run(sys);
    pnpsim__driver_unload_all(sys);
    pnpsim__harness_leave(sys);
    return STATUS_SUCCESS;
}

NTSTATUS pnpsim_system_reboot(pnpsim_system *sys)
{
    NTSTATUS status;
    if (sys == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_system_reboot: sys is NULL");
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, NULL, NULL, NULL, "reboot: shutting down");
    pnpsim_system_shutdown(sys);
    pnpsim__work_stop_worker(sys);
    /* Volatile keys (an interface's Control\Linked, say) do not survive a reboot. */
    pnpsim__lock(sys);
    pnpsim__registry_drop_volatile(sys);
    pnpsim__unlock(sys);
    sys->boot_count++;
    status = STATUS_SUCCESS;
    pnpsim__trace(sys, PNPSIM_TRACE_DEVICE, sys->root, NULL, &status, "reboot: boot %lu",
                  sys->boot_count + 1);
    return status;
}

void pnpsim_system_destroy(pnpsim_system *sys)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    pnpsim_system *saved;
    if (sys == NULL)
        return;
    saved = ts->current;
    ts->current = sys;
    /* The last shutdown does not bring a new root back only to delete it again. */
    sys->final_shutdown = true;
    if (sys->root != NULL)
        pnpsim_system_shutdown(sys);
    sys->destroying = true;
    pnpsim__work_stop_worker(sys);
    pnpsim__work_discard_all(sys);
    pnpsim__ke_fini(sys); /* system threads, timers, DPCs (src/wdk/ke_timer.c) */
    pnpsim__devnode_teardown_all(sys);
    /* Interface references still held are leaks; then the ledger and verifier go (qi.h). */
    pnpsim__verifier_system_destroy(sys);
    /* Pool blocks name their owner driver: report and free them while the driver objects
     * still exist. */
    pnpsim__pool_fini(sys, !sys->crashed);
    pnpsim__driver_free_all(sys);
    pnpsim__registry_fini(sys);
    pnpsim__iface_fini(sys);
    pnpsim__notify_fini(sys);
    pnpsim__kmdf_fini(sys); /* src/kmdf: the handle table (objects go with the allocations) */
    pnpsim__alloc_free_all(sys);
    pnpsim__bugcheck_free_records(sys);
    pnpsim__trace_fini(sys);
    pnpsim__cond_destroy(&sys->work_cond);
    pnpsim__mutex_destroy(&sys->lock_alloc);
    pnpsim__mutex_destroy(&sys->lock);
    ts->current = saved == sys ? NULL : saved;
    if (ts->current == NULL)
        ts->enter_depth = 0;
    free(sys);
}

const char *pnpsim_system_name(const pnpsim_system *sys)
{
    return sys != NULL && sys->name != NULL ? sys->name : "pnpsim";
}

size_t pnpsim_system_pool_leaks(const pnpsim_system *sys)
{
    return sys != NULL ? sys->pool_leaks : 0;
}
