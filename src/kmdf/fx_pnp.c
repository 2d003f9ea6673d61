/* SPDX-License-Identifier: MIT */
/*
 * This file implements the PnP and power handling of pnpsim's KMDF layer: the framework's
 * answer to every IRP_MJ_PNP and IRP_MJ_POWER IRP, calling the driver's PnP/power event
 * callbacks in KMDF's documented order on start, stop, orderly removal and surprise
 * removal, enabling device interfaces when the device has started and disabling them at
 * removal (§10.4), and the resource lists the callbacks receive (no hardware resources are
 * simulated: the lists are empty).
 *
 * Windows behaviour (the "PnP and Power Management Scenarios" pages: "A User Plugs in a
 * Device", "A User Unplugs a Device", "Power-Up Sequence for a Function or Filter Driver",
 * "Power-Down and Removal Sequence for a Function or Filter Driver / for a Bus Driver"):
 *   start:   EvtDevicePrepareHardware, EvtDeviceD0Entry(WdfPowerDeviceD3Final),
 *            EvtDeviceD0EntryPostInterruptsEnabled, power-managed queues start,
 *            EvtDeviceSelfManagedIoInit (first start) / ...Restart (later), interfaces
 *            enabled (PnpEventEnableInterfaces), START completes;
 *   stop:    EvtDeviceSelfManagedIoSuspend, queues stop, EvtDeviceD0ExitPreInterruptsDisabled,
 *            EvtDeviceD0Exit(WdfPowerDeviceD3Final), EvtDeviceReleaseHardware;
 *   orderly removal: the stop sequence, then EvtDeviceSelfManagedIoFlush and
 *            EvtDeviceSelfManagedIoCleanup; interfaces disabled; the device deleted;
 *   surprise removal: EvtDeviceSurpriseRemoval first, then (if in D0) the stop sequence;
 *            flush and cleanup at IRP_MN_REMOVE_DEVICE.
 * Function and filter devices act after the lower drivers started (START is forwarded
 * first) and before the lower drivers stop (other IRPs are handled, then forwarded).
 */
#include "kmdf_int.h"
#include "fx_bus.h"

/* ======================================================================================
 * Callback helpers
 * ==================================================================================== */

static NTSTATUS call_status(pnpsim__fx_device *d, const char *what,
                            NTSTATUS (*fn)(WDFDEVICE), bool *called)
{
    pnpsim__fx_call call;
    NTSTATUS status;
    if (fn == NULL)
        return STATUS_SUCCESS;
    if (called != NULL)
        *called = true;
    pnpsim__fx_call_begin(d->obj.sys, d->obj.driver, &call, what);
    status = fn((WDFDEVICE)d);
    pnpsim__fx_call_end(d->obj.sys, &call);
    pnpsim__fx_trace(d, &status, "%s", what);
    return status;
}

static void call_void(pnpsim__fx_device *d, const char *what, VOID (*fn)(WDFDEVICE))
{
    pnpsim__fx_call call;
    if (fn == NULL)
        return;
    pnpsim__fx_call_begin(d->obj.sys, d->obj.driver, &call, what);
    fn((WDFDEVICE)d);
    pnpsim__fx_call_end(d->obj.sys, &call);
    pnpsim__fx_trace(d, NULL, "%s", what);
}

static const char *power_name(WDF_POWER_DEVICE_STATE s)
{
    static const char *const names[] = {"WdfPowerDeviceInvalid", "WdfPowerDeviceD0",
                                        "WdfPowerDeviceD1",      "WdfPowerDeviceD2",
                                        "WdfPowerDeviceD3",      "WdfPowerDeviceD3Final",
                                        "WdfPowerDevicePrepareForHibernation"};
    return (unsigned)s < PNPSIM_ARRAY_SIZE(names) ? names[s] : "?";
}

static NTSTATUS call_power(pnpsim__fx_device *d, const char *what,
                           NTSTATUS (*fn)(WDFDEVICE, WDF_POWER_DEVICE_STATE),
                           WDF_POWER_DEVICE_STATE state)
{
    pnpsim__fx_call call;
    NTSTATUS status;
    if (fn == NULL)
        return STATUS_SUCCESS;
    pnpsim__fx_call_begin(d->obj.sys, d->obj.driver, &call, what);
    status = fn((WDFDEVICE)d, state);
    pnpsim__fx_call_end(d->obj.sys, &call);
    pnpsim__fx_trace(d, &status, "%s(%s)", what, power_name(state));
    return status;
}

/* ======================================================================================
 * Resource lists (WDFCMRESLIST): empty, as no hardware resources are simulated
 * ==================================================================================== */

static const pnpsim__fx_ops reslist_ops = {"WDFCMRESLIST", NULL, NULL, true};

static WDFCMRESLIST reslist_new(pnpsim__fx_device *d)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_object *o = pnpsim__calloc(sys, 1, sizeof(*o));
    if (o == NULL)
        return NULL;
    if (!NT_SUCCESS(pnpsim__fx_object_init(sys, o, PNPSIM_FX_CMRESLIST, &reslist_ops,
                                           d->obj.driver, &d->obj, NULL, "EvtDevicePrepareHardware"))) {
        pnpsim__free(sys, o);
        return NULL;
    }
    return (WDFCMRESLIST)o;
}

static void reslist_delete(WDFCMRESLIST l)
{
    if (l != NULL)
        pnpsim__fx_object_delete((pnpsim__fx_object *)l);
}

/* Windows behaviour: "WdfCmResourceListGetCount": the number of descriptors in the list.
 * Simulation: no hardware resources are simulated; the lists are empty. */
WDFAPI ULONG WdfCmResourceListGetCount(WDFCMRESLIST List)
{
    (void)pnpsim__fx_get(List, PNPSIM_FX_CMRESLIST, "WdfCmResourceListGetCount");
    return 0;
}

/* Windows behaviour: "WdfCmResourceListGetDescriptor": NULL for an index past the end. */
WDFAPI PCM_PARTIAL_RESOURCE_DESCRIPTOR WdfCmResourceListGetDescriptor(WDFCMRESLIST List,
                                                                      ULONG Index)
{
    UNREFERENCED_PARAMETER(Index);
    (void)pnpsim__fx_get(List, PNPSIM_FX_CMRESLIST, "WdfCmResourceListGetDescriptor");
    return NULL;
}

/* ======================================================================================
 * Sequences
 * ==================================================================================== */

/* D0 entry: EvtDeviceD0Entry, post-interrupts, queues, self-managed I/O. */
static NTSTATUS power_up(pnpsim__fx_device *d, WDF_POWER_DEVICE_STATE previous)
{
    NTSTATUS status;
    status = call_power(d, "EvtDeviceD0Entry", d->pnp.EvtDeviceD0Entry, previous);
    if (!NT_SUCCESS(status))
        return status;
    status = call_power(d, "EvtDeviceD0EntryPostInterruptsEnabled",
                        d->pnp.EvtDeviceD0EntryPostInterruptsEnabled, previous);
    if (!NT_SUCCESS(status)) {
        (void)call_power(d, "EvtDeviceD0Exit", d->pnp.EvtDeviceD0Exit, WdfPowerDeviceD3Final);
        return status;
    }
    d->in_d0 = true;
    d->power = PowerDeviceD0;
    if (!d->is_pdo && d->bus != NULL)
        pnpsim__fx_bus_d0_entered(d); /* EvtChildListScanForChildren at every D0 entry */
    pnpsim__fx_io_power(d, true);
    if (!d->self_managed_started) {
        bool called = false;
        status = call_status(d, "EvtDeviceSelfManagedIoInit", d->pnp.EvtDeviceSelfManagedIoInit,
                             &called);
        d->self_managed_started = true; /* cleanup is due even when init failed */
        d->self_managed_suspended = false;
    } else if (d->self_managed_suspended) {
        status = call_status(d, "EvtDeviceSelfManagedIoRestart",
                             d->pnp.EvtDeviceSelfManagedIoRestart, NULL);
        d->self_managed_suspended = false;
    }
    return status;
}

/* D0 exit: self-managed I/O suspended, queues stopped, EvtDeviceD0Exit(target). */
static void power_down(pnpsim__fx_device *d, WDF_POWER_DEVICE_STATE target)
{
    if (!d->in_d0)
        return;
    if (d->self_managed_started && !d->self_managed_suspended) {
        (void)call_status(d, "EvtDeviceSelfManagedIoSuspend",
                          d->pnp.EvtDeviceSelfManagedIoSuspend, NULL);
        d->self_managed_suspended = true;
    }
    pnpsim__fx_io_power(d, false);
    (void)call_power(d, "EvtDeviceD0ExitPreInterruptsDisabled",
                     d->pnp.EvtDeviceD0ExitPreInterruptsDisabled, target);
    (void)call_power(d, "EvtDeviceD0Exit", d->pnp.EvtDeviceD0Exit, target);
    d->in_d0 = false;
    d->power = target == WdfPowerDeviceD1   ? PowerDeviceD1
               : target == WdfPowerDeviceD2 ? PowerDeviceD2
                                            : PowerDeviceD3;
}

static void release_hardware(pnpsim__fx_device *d)
{
    if (!d->hardware_prepared)
        return;
    d->hardware_prepared = false;
    if (d->pnp.EvtDeviceReleaseHardware != NULL) {
        pnpsim__fx_call call;
        WDFCMRESLIST translated = reslist_new(d);
        NTSTATUS status;
        pnpsim__fx_call_begin(d->obj.sys, d->obj.driver, &call, "EvtDeviceReleaseHardware");
        status = d->pnp.EvtDeviceReleaseHardware((WDFDEVICE)d, translated);
        pnpsim__fx_call_end(d->obj.sys, &call);
        pnpsim__fx_trace(d, &status, "EvtDeviceReleaseHardware");
        reslist_delete(translated);
    }
}

/* The framework's part of IRP_MN_START_DEVICE (after the lower drivers started). */
static NTSTATUS start_device(pnpsim__fx_device *d)
{
    bool restart = d->stopped;
    NTSTATUS status = STATUS_SUCCESS;
    d->pnp_state = WdfDevStatePnpInitStarting;
    if (d->pnp.EvtDevicePrepareHardware != NULL) {
        pnpsim__fx_call call;
        WDFCMRESLIST raw = reslist_new(d), translated = reslist_new(d);
        if (raw == NULL || translated == NULL) {
            reslist_delete(raw);
            reslist_delete(translated);
            d->pnp_state = WdfDevStatePnpFailed;
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                                  "START: out of memory for the resource lists");
        }
        pnpsim__fx_call_begin(d->obj.sys, d->obj.driver, &call, "EvtDevicePrepareHardware");
        status = d->pnp.EvtDevicePrepareHardware((WDFDEVICE)d, raw, translated);
        pnpsim__fx_call_end(d->obj.sys, &call);
        pnpsim__fx_trace(d, &status, "EvtDevicePrepareHardware");
        reslist_delete(raw);
        reslist_delete(translated);
    }
    /* KMDF calls EvtDeviceReleaseHardware after a failed EvtDevicePrepareHardware too
     * (its "failed own hardware" state releases the hardware). */
    d->hardware_prepared = true;
    if (!NT_SUCCESS(status)) {
        release_hardware(d);
        d->pnp_state = WdfDevStatePnpFailed;
        return status;
    }
    d->pnp_state = WdfDevStatePnpHardwareAvailable;
    status = power_up(d, WdfPowerDeviceD3Final);
    if (!NT_SUCCESS(status)) {
        power_down(d, WdfPowerDeviceD3Final);
        release_hardware(d);
        d->pnp_state = WdfDevStatePnpFailed;
        return status;
    }
    d->pnp_state = WdfDevStatePnpEnableInterfaces;
    if (!restart)
        pnpsim__fx_iface_auto_enable(d);
    d->started = true;
    d->stopped = false;
    d->removed = false;
    d->interfaces_disabled = false;
    d->pnp_state = WdfDevStatePnpStarted;
    return STATUS_SUCCESS;
}

/* The common part of removal and surprise removal: power down, release, interfaces off. */
static void tear_down(pnpsim__fx_device *d)
{
    power_down(d, WdfPowerDeviceD3Final);
    release_hardware(d);
    if (!d->interfaces_disabled) {
        pnpsim__fx_iface_disable_all(d);
        d->interfaces_disabled = true;
    }
    d->started = false;
}

static void remove_cleanup(pnpsim__fx_device *d)
{
    tear_down(d);
    pnpsim__fx_io_purge(d);
    if (d->self_managed_started) {
        call_void(d, "EvtDeviceSelfManagedIoFlush", d->pnp.EvtDeviceSelfManagedIoFlush);
        call_void(d, "EvtDeviceSelfManagedIoCleanup", d->pnp.EvtDeviceSelfManagedIoCleanup);
        d->self_managed_started = false;
        d->self_managed_suspended = false;
    }
    pnpsim__fx_iotarget_device_removing(d);
    d->removed = true;
    d->pnp_state = WdfDevStatePnpRemoved;
}

/* ======================================================================================
 * IRP_MJ_PNP
 * ==================================================================================== */

/* Finish an IRP the framework handled: a PDO completes it, an FDO/filter passes it down
 * with the status set. */
static NTSTATUS done(pnpsim__fx_device *d, PIRP irp, NTSTATUS status)
{
    if (d->is_pdo)
        return pnpsim__fx_complete(irp, status, irp->IoStatus.Information);
    if (!NT_SUCCESS(status))
        return pnpsim__fx_complete(irp, status, 0);
    irp->IoStatus.Status = status;
    return pnpsim__fx_forward(d, irp);
}

/* An IRP the framework does not handle: a PDO completes it unchanged, others pass it. */
static NTSTATUS untouched(pnpsim__fx_device *d, PIRP irp)
{
    if (d->is_pdo) {
        NTSTATUS status = irp->IoStatus.Status;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        return status;
    }
    return pnpsim__fx_forward(d, irp);
}

static void apply_tri(BOOLEAN *field, WDF_TRI_STATE v)
{
    if (v != WdfUseDefault)
        *field = v == WdfTrue;
}

/* WdfDeviceSetPnpCapabilities values over what the stack below reported. */
static void apply_caps(pnpsim__fx_device *d, PDEVICE_CAPABILITIES caps)
{
    WDF_DEVICE_PNP_CAPABILITIES c;
    BOOLEAN b;
    if (!d->pnp_caps_set || caps == NULL)
        return;
    pnpsim__lock(d->obj.sys);
    c = d->pnp_caps;
    pnpsim__unlock(d->obj.sys);
#define PNPSIM_CAP(field)          \
    b = (BOOLEAN)caps->field;      \
    apply_tri(&b, c.field);        \
    caps->field = b ? 1 : 0
    PNPSIM_CAP(LockSupported);
    PNPSIM_CAP(EjectSupported);
    PNPSIM_CAP(Removable);
    PNPSIM_CAP(DockDevice);
    PNPSIM_CAP(UniqueID);
    PNPSIM_CAP(SilentInstall);
    PNPSIM_CAP(SurpriseRemovalOK);
    PNPSIM_CAP(HardwareDisabled);
    PNPSIM_CAP(NoDisplayInUI);
#undef PNPSIM_CAP
    if (c.Address != (ULONG)-1)
        caps->Address = c.Address;
    if (c.UINumber != (ULONG)-1)
        caps->UINumber = c.UINumber;
}

static ULONG_PTR pnp_state_bits(pnpsim__fx_device *d)
{
    WDF_DEVICE_STATE s;
    ULONG_PTR bits = 0;
    pnpsim__lock(d->obj.sys);
    s = d->device_state;
    if (d->failed)
        bits |= PNP_DEVICE_FAILED;
    pnpsim__unlock(d->obj.sys);
    if (s.Disabled == WdfTrue)
        bits |= PNP_DEVICE_DISABLED;
    if (s.DontDisplayInUI == WdfTrue)
        bits |= PNP_DEVICE_DONT_DISPLAY_IN_UI;
    if (s.Failed == WdfTrue)
        bits |= PNP_DEVICE_FAILED;
    if (s.NotDisableable == WdfTrue)
        bits |= PNP_DEVICE_NOT_DISABLEABLE;
    if (s.Removed == WdfTrue)
        bits |= PNP_DEVICE_REMOVED;
    if (s.ResourcesChanged == WdfTrue)
        bits |= PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED;
    return bits;
}

NTSTATUS pnpsim__fx_pnp(pnpsim__fx_device *d, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS status;

    switch (sp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        if (!d->is_pdo) {
            status = pnpsim__fx_forward_sync(d, irp);
            if (!NT_SUCCESS(status))
                return pnpsim__fx_complete(irp, status, irp->IoStatus.Information);
        }
        status = start_device(d);
        return pnpsim__fx_complete(irp, status, 0);

    case IRP_MN_QUERY_STOP_DEVICE:
        status = call_status(d, "EvtDeviceQueryStop", d->pnp.EvtDeviceQueryStop, NULL);
        if (NT_SUCCESS(status))
            d->pnp_state = WdfDevStatePnpQueryStopPending;
        return done(d, irp, status);

    case IRP_MN_CANCEL_STOP_DEVICE:
        if (d->pnp_state == WdfDevStatePnpQueryStopPending)
            d->pnp_state = WdfDevStatePnpStarted;
        return done(d, irp, STATUS_SUCCESS);

    case IRP_MN_STOP_DEVICE:
        /* Rebalance: interfaces keep their state (§10.4). */
        power_down(d, WdfPowerDeviceD3Final);
        release_hardware(d);
        d->started = false;
        d->stopped = true;
        d->pnp_state = WdfDevStatePnpStopped;
        return done(d, irp, STATUS_SUCCESS);

    case IRP_MN_QUERY_REMOVE_DEVICE:
        status = call_status(d, "EvtDeviceQueryRemove", d->pnp.EvtDeviceQueryRemove, NULL);
        if (NT_SUCCESS(status))
            d->pnp_state = WdfDevStatePnpQueryRemovePending;
        return done(d, irp, status);

    case IRP_MN_CANCEL_REMOVE_DEVICE:
        if (d->pnp_state == WdfDevStatePnpQueryRemovePending)
            d->pnp_state = d->started ? WdfDevStatePnpStarted : WdfDevStatePnpInit;
        return done(d, irp, STATUS_SUCCESS);

    case IRP_MN_SURPRISE_REMOVAL:
        d->surprise_removed = true;
        d->pnp_state = WdfDevStatePnpSurpriseRemove;
        call_void(d, "EvtDeviceSurpriseRemoval", d->pnp.EvtDeviceSurpriseRemoval);
        tear_down(d);
        return done(d, irp, STATUS_SUCCESS);

    case IRP_MN_REMOVE_DEVICE:
        remove_cleanup(d);
        if (!d->is_pdo) {
            if (d->bus != NULL)
                pnpsim__fx_bus_removing(d);
            irp->IoStatus.Status = STATUS_SUCCESS;
            status = pnpsim__fx_forward(d, irp);
            pnpsim__fx_device_delete(d);
            return status;
        }
        status = pnpsim__fx_complete(irp, STATUS_SUCCESS, 0);
        if (pnpsim__fx_pdo_remove_deletes(d)) {
            pnpsim__fx_device_delete(d);
        } else {
            /* The child is still present: KMDF keeps the PDO for a later start. */
            d->surprise_removed = false;
            d->stopped = false;
        }
        return status;

    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (d->pnp.EvtDeviceRelationsQuery != NULL) {
            pnpsim__fx_call call;
            pnpsim__fx_call_begin(d->obj.sys, d->obj.driver, &call, "EvtDeviceRelationsQuery");
            d->pnp.EvtDeviceRelationsQuery((WDFDEVICE)d, sp->Parameters.QueryDeviceRelations.Type);
            pnpsim__fx_call_end(d->obj.sys, &call);
        }
        if (!d->is_pdo) {
            if (sp->Parameters.QueryDeviceRelations.Type == BusRelations && d->bus != NULL) {
                pnpsim__fx_bus_relations(d, irp);
                /* A failure (out of memory building the relations) is completed, never
                 * passed down (Verifier 0xC9/0x215). */
                if (!NT_SUCCESS(irp->IoStatus.Status) &&
                    irp->IoStatus.Status != STATUS_NOT_SUPPORTED)
                    return pnpsim__fx_complete(irp, irp->IoStatus.Status, 0);
            }
            return pnpsim__fx_forward(d, irp);
        }
        break; /* a PDO: fx_pdo.c (TargetDeviceRelation), else unchanged */

    case IRP_MN_QUERY_INTERFACE:
        return pnpsim__fx_qi_dispatch(d, irp);

    case IRP_MN_QUERY_CAPABILITIES:
        if (!d->is_pdo) {
            status = pnpsim__fx_forward_sync(d, irp);
            if (NT_SUCCESS(status))
                apply_caps(d, sp->Parameters.DeviceCapabilities.Capabilities);
            return pnpsim__fx_complete(irp, status, irp->IoStatus.Information);
        }
        break; /* fx_pdo.c answers, applying d->pnp_caps */

    case IRP_MN_QUERY_PNP_DEVICE_STATE:
        if (!d->is_pdo) {
            ULONG_PTR bits = pnp_state_bits(d);
            status = pnpsim__fx_forward_sync(d, irp);
            if (bits != 0 && (NT_SUCCESS(status) || status == STATUS_NOT_SUPPORTED)) {
                ULONG_PTR below = NT_SUCCESS(status) ? irp->IoStatus.Information : 0;
                return pnpsim__fx_complete(irp, STATUS_SUCCESS, below | bits);
            }
            return pnpsim__fx_complete(irp, status, irp->IoStatus.Information);
        }
        return pnpsim__fx_complete(irp, STATUS_SUCCESS,
                                   irp->IoStatus.Information | pnp_state_bits(d));

    case IRP_MN_QUERY_RESOURCE_REQUIREMENTS:
        if (d->is_pdo)
            pnpsim__fx_iface_register_deferred(d);
        break;

    default:
        break;
    }
    if (d->is_pdo) {
        if (pnpsim__fx_pdo_pnp(d, irp, &status))
            return pnpsim__fx_complete(irp, status, irp->IoStatus.Information);
    }
    return untouched(d, irp);
}

/* ======================================================================================
 * IRP_MJ_POWER
 * ==================================================================================== */

static WDF_POWER_DEVICE_STATE wdf_power(DEVICE_POWER_STATE s)
{
    switch (s) {
    case PowerDeviceD0:
        return WdfPowerDeviceD0;
    case PowerDeviceD1:
        return WdfPowerDeviceD1;
    case PowerDeviceD2:
        return WdfPowerDeviceD2;
    default:
        return WdfPowerDeviceD3;
    }
}

/* Windows behaviour: the framework powers the device down (D0 exit) before passing a
 * Dx set-power IRP down, and up (D0 entry) after the lower drivers completed a D0 one;
 * system power IRPs and queries pass through. Simulation: device power IRPs drive the same
 * D0 entry/exit callbacks as start and stop; wake is not modelled. */
NTSTATUS pnpsim__fx_power(pnpsim__fx_device *d, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS status = STATUS_SUCCESS;
    bool device_set = sp->MinorFunction == IRP_MN_SET_POWER &&
                      sp->Parameters.Power.Type == DevicePowerState;
    if (device_set && d->started) {
        DEVICE_POWER_STATE target = sp->Parameters.Power.State.DeviceState;
        POWER_STATE ps;
        ps.DeviceState = target;
        if (target != PowerDeviceD0 && d->in_d0) {
            power_down(d, wdf_power(target));
            (void)PoSetPowerState(d->self, DevicePowerState, ps);
        } else if (target == PowerDeviceD0 && !d->in_d0) {
            WDF_POWER_DEVICE_STATE previous = wdf_power(d->power);
            if (!d->is_pdo) {
                status = pnpsim__fx_forward_sync(d, irp);
                if (NT_SUCCESS(status))
                    status = power_up(d, previous);
                if (NT_SUCCESS(status))
                    (void)PoSetPowerState(d->self, DevicePowerState, ps);
                PoStartNextPowerIrp(irp);
                return pnpsim__fx_complete(irp, status, irp->IoStatus.Information);
            }
            status = power_up(d, previous);
            if (NT_SUCCESS(status))
                (void)PoSetPowerState(d->self, DevicePowerState, ps);
        }
    }
    PoStartNextPowerIrp(irp);
    if (!d->is_pdo) {
        if (sp->MinorFunction == IRP_MN_SET_POWER || sp->MinorFunction == IRP_MN_QUERY_POWER)
            irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(irp);
        return PoCallDriver(d->lower, irp);
    }
    if (sp->MinorFunction == IRP_MN_SET_POWER || sp->MinorFunction == IRP_MN_QUERY_POWER)
        return pnpsim__fx_complete(irp, status, 0);
    status = irp->IoStatus.Status;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}
