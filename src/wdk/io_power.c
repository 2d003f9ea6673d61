/* SPDX-License-Identifier: MIT */
/*
 * This file implements the power manager routines drivers call (PoCallDriver,
 * PoStartNextPowerIrp, PoSetPowerState, PoRequestPowerIrp, idle detection) and the native
 * call that plays the power manager: pnpsim_device_set_power() sends IRP_MJ_POWER
 * IRP_MN_QUERY_POWER / IRP_MN_SET_POWER for system or device power states to the top of a
 * device's stack.
 *
 * The power state a driver reports with PoSetPowerState is kept in its device object's
 * DEVOBJ_EXTENSION.PowerFlags (low nibble: system state, next nibble: device state), where
 * Windows keeps it too; pnpsim_device_power_state() reads it back.
 *
 * Power IRPs are sent synchronously on the calling thread at PASSIVE_LEVEL (DO_POWER_INRUSH
 * and non-pageable power paths are not distinguished). Since Windows Vista the power
 * manager no longer serialises power IRPs per device, so PoStartNextPowerIrp has nothing to
 * do and PoCallDriver is IoCallDriver (Microsoft Learn "PoCallDriver",
 * "PoStartNextPowerIrp").
 */
#include "ke_int.h"
#include "pnpsim/power.h"

#define POWER_FLAGS_SYSTEM_MASK 0x0Fu
#define POWER_FLAGS_DEVICE_SHIFT 4
#define POWER_FLAGS_DEVICE_MASK 0xF0u

/* Device object power states, as PoSetPowerState recorded them. A fresh extension holds 0:
 * read as PowerSystemWorking / PowerDeviceD0. */
static POWER_STATE read_state(PDEVICE_OBJECT dev, POWER_STATE_TYPE type)
{
    POWER_STATE s;
    ULONG flags = dev->DeviceObjectExtension != NULL ? dev->DeviceObjectExtension->PowerFlags : 0;
    if (type == SystemPowerState) {
        ULONG v = flags & POWER_FLAGS_SYSTEM_MASK;
        s.SystemState = v == 0 ? PowerSystemWorking : (SYSTEM_POWER_STATE)v;
    } else {
        ULONG v = (flags & POWER_FLAGS_DEVICE_MASK) >> POWER_FLAGS_DEVICE_SHIFT;
        s.DeviceState = v == 0 ? PowerDeviceD0 : (DEVICE_POWER_STATE)v;
    }
    return s;
}

POWER_STATE pnpsim_device_power_state(PDEVICE_OBJECT device_object, POWER_STATE_TYPE type)
{
    POWER_STATE s;
    if (device_object == NULL || pnpsim__devobj_from(device_object) == NULL) {
        s.DeviceState = PowerDeviceUnspecified;
        return s;
    }
    return read_state(device_object, type);
}

/*
 * Windows behaviour: passes a power IRP to the next driver; since Windows Vista drivers may
 * call IoCallDriver instead (Microsoft Learn "PoCallDriver").
 * Simulation: IoCallDriver.
 */
NTSTATUS NTAPI PoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return IofCallDriver(DeviceObject, Irp);
}

/*
 * Windows behaviour: lets the power manager send the next power IRP; since Windows Vista
 * it does nothing (Microsoft Learn "PoStartNextPowerIrp").
 * Simulation: nothing, as on Vista and later.
 */
VOID NTAPI PoStartNextPowerIrp(PIRP Irp)
{
    PNPSIM_UNUSED(Irp);
}

/*
 * Windows behaviour: tells the power manager the device's new system or device power
 * state and returns the previous one; any IRQL <= DISPATCH_LEVEL (Microsoft Learn
 * "PoSetPowerState").
 * Simulation: recorded in the device object's extension (file comment); traced.
 */
POWER_STATE NTAPI PoSetPowerState(PDEVICE_OBJECT DeviceObject, POWER_STATE_TYPE Type,
                                  POWER_STATE State)
{
    pnpsim__devobj *d = DeviceObject != NULL ? pnpsim__devobj_from(DeviceObject) : NULL;
    POWER_STATE old;
    ULONG v;
    if (d == NULL) {
        pnpsim__bugcheck(pnpsim__ts()->current, 0x7E, (ULONG_PTR)(ULONG)STATUS_ACCESS_VIOLATION,
                         (ULONG_PTR)DeviceObject, 0, 0,
                         "PoSetPowerState: %p is not a device object", (void *)DeviceObject);
        old.DeviceState = PowerDeviceUnspecified;
        return old;
    }
    old = read_state(DeviceObject, Type);
    if (Type == SystemPowerState) {
        v = (ULONG)State.SystemState & POWER_FLAGS_SYSTEM_MASK;
        d->ext.PowerFlags = (d->ext.PowerFlags & ~POWER_FLAGS_SYSTEM_MASK) | v;
    } else {
        v = ((ULONG)State.DeviceState << POWER_FLAGS_DEVICE_SHIFT) & POWER_FLAGS_DEVICE_MASK;
        d->ext.PowerFlags = (d->ext.PowerFlags & ~POWER_FLAGS_DEVICE_MASK) | v;
    }
    if (d->hdr.sys != NULL)
        pnpsim__trace(
            d->hdr.sys, PNPSIM_TRACE_STATE, d->devnode, DeviceObject->DriverObject, NULL,
            "PoSetPowerState: %s state %s%d", Type == SystemPowerState ? "system" : "device",
            Type == SystemPowerState ? "S" : "D",
            Type == SystemPowerState ? (int)State.SystemState - 1 : (int)State.DeviceState - 1);
    return old;
}

/* A power IRP the driver asked for: what to tell its completion function. */
typedef struct power_request {
    PREQUEST_POWER_COMPLETE complete;
    PVOID context;
    POWER_STATE state;
    UCHAR minor;
    PDEVICE_OBJECT target;
    pnpsim_system *sys;
} power_request;

static NTSTATUS NTAPI power_request_done(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    power_request *r = Context;
    pnpsim_system *sys = r->sys;
    PNPSIM_UNUSED(DeviceObject);
    if (r->complete != NULL)
        r->complete(r->target, r->minor, r->state, r->context, &Irp->IoStatus);
    ObDereferenceObject(r->target);
    IoFreeIrp(Irp);
    pnpsim__free(sys, r);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/*
 * Windows behaviour: allocates a power IRP (IRP_MN_SET_POWER, IRP_MN_QUERY_POWER with a
 * device power state, or IRP_MN_WAIT_WAKE) and sends it to the top of the stack of
 * DeviceObject (the PDO); when it completes CompletionFunction runs with its IoStatus and
 * the power manager frees it. Returns STATUS_PENDING; system power IRPs cannot be requested
 * (STATUS_INVALID_PARAMETER_2); <= DISPATCH_LEVEL (Microsoft Learn "PoRequestPowerIrp").
 * Simulation: as described; the IRP is sent at once on the calling thread, so with a stack
 * that completes synchronously the completion function has run when this returns. *Irp,
 * if asked for, is the IRP sent (it may be freed already).
 */
NTSTATUS NTAPI PoRequestPowerIrp(PDEVICE_OBJECT DeviceObject, UCHAR MinorFunction,
                                 POWER_STATE PowerState, PREQUEST_POWER_COMPLETE CompletionFunction,
                                 PVOID Context, PIRP *Irp)
{
    pnpsim__devobj *d = DeviceObject != NULL ? pnpsim__devobj_from(DeviceObject) : NULL;
    pnpsim_system *sys = d != NULL ? d->hdr.sys : pnpsim__require_system("PoRequestPowerIrp");
    PDEVICE_OBJECT top;
    power_request *r;
    PIRP irp;
    PIO_STACK_LOCATION sp;
    if (Irp != NULL)
        *Irp = NULL;
    if (d == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER_1,
                              "PoRequestPowerIrp: %p is not a device object", (void *)DeviceObject);
    if (MinorFunction != IRP_MN_SET_POWER && MinorFunction != IRP_MN_QUERY_POWER &&
        MinorFunction != IRP_MN_WAIT_WAKE)
        return pnpsim__status(STATUS_INVALID_PARAMETER_2,
                              "PoRequestPowerIrp: minor 0x%x cannot be requested (system power "
                              "IRPs come from the power manager only)",
                              (unsigned)MinorFunction);
    if (!pnpsim__check_irql(sys, "PoRequestPowerIrp", DISPATCH_LEVEL, 0, NULL))
        return STATUS_INVALID_DEVICE_STATE;
    r = pnpsim__calloc(sys, 1, sizeof(*r));
    if (r == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "PoRequestPowerIrp: out of memory");
    top = IoGetAttachedDeviceReference(DeviceObject);
    irp = IoAllocateIrp((CCHAR)(top->StackSize + 1), FALSE);
    if (irp == NULL) {
        ObDereferenceObject(top);
        pnpsim__free(sys, r);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "PoRequestPowerIrp: no IRP");
    }
    r->complete = CompletionFunction;
    r->context = Context;
    r->state = PowerState;
    r->minor = MinorFunction;
    r->target = top;
    r->sys = sys;
    /* The first location is the requester's (the power manager's): its completion routine
     * calls CompletionFunction and frees the IRP. */
    IoSetNextIrpStackLocation(irp);
    IoGetCurrentIrpStackLocation(irp)->DeviceObject = top;
    sp = IoGetNextIrpStackLocation(irp);
    sp->MajorFunction = IRP_MJ_POWER;
    sp->MinorFunction = MinorFunction;
    if (MinorFunction == IRP_MN_WAIT_WAKE) {
        sp->Parameters.WaitWake.PowerState = PowerState.SystemState;
    } else {
        sp->Parameters.Power.Type = DevicePowerState;
        sp->Parameters.Power.State = PowerState;
        sp->Parameters.Power.ShutdownType = PowerActionNone;
    }
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    irp->IoStatus.Information = 0;
    IoSetCompletionRoutine(irp, power_request_done, r, TRUE, TRUE, TRUE);
    if (Irp != NULL)
        *Irp = irp;
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, d->devnode, top->DriverObject, NULL,
                  "PoRequestPowerIrp: IRP_MJ_POWER minor 0x%x D%d", (unsigned)MinorFunction,
                  (int)PowerState.DeviceState - 1);
    IofCallDriver(top, irp);
    return STATUS_PENDING;
}

/*
 * Windows behaviour: enables idle detection for the device and returns a pointer to its
 * idle counter, or NULL when idle detection cannot be enabled (Microsoft Learn
 * "PoRegisterDeviceForIdleDetection").
 * Simulation: idle detection is not modelled: NULL (the documented failure), logged once.
 */
PULONG NTAPI PoRegisterDeviceForIdleDetection(PDEVICE_OBJECT DeviceObject,
                                              ULONG ConservationIdleTime, ULONG PerformanceIdleTime,
                                              DEVICE_POWER_STATE State)
{
    static volatile long once;
    PNPSIM_UNUSED(DeviceObject);
    PNPSIM_UNUSED(ConservationIdleTime);
    PNPSIM_UNUSED(PerformanceIdleTime);
    PNPSIM_UNUSED(State);
    pnpsim__log_once(&once, "PoRegisterDeviceForIdleDetection",
                     "idle detection is not modelled; returning NULL");
    return NULL;
}

/*
 * Windows behaviour: marks the device busy for idle detection (Microsoft Learn
 * "PoSetDeviceBusyEx").
 * Simulation: clears the counter, as the WDK's PoSetDeviceBusy macro does.
 */
VOID NTAPI PoSetDeviceBusyEx(PULONG IdlePointer)
{
    if (IdlePointer != NULL)
        *(volatile ULONG *)IdlePointer = 0;
}

NTSTATUS pnpsim_device_set_power(pnpsim_device *dev, UCHAR minor, POWER_STATE_TYPE type,
                                 POWER_STATE state)
{
    pnpsim_system *sys;
    IO_STACK_LOCATION sp;
    PDEVICE_OBJECT top;
    pnpsim__thread_state *ts = pnpsim__ts();
    KIRQL saved;
    NTSTATUS status;
    ULONG_PTR info = 0;
    int n;
    if (dev == NULL || dev->pdo == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_device_set_power: no device");
    sys = dev->sys;
    if (minor != IRP_MN_SET_POWER && minor != IRP_MN_QUERY_POWER)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_set_power: minor 0x%x is not SET/QUERY_POWER",
                              (unsigned)minor);
    n = type == SystemPowerState ? (int)state.SystemState : (int)state.DeviceState;
    if ((type == SystemPowerState && (n < PowerSystemWorking || n > PowerSystemShutdown)) ||
        (type == DevicePowerState && (n < PowerDeviceD0 || n > PowerDeviceD3)) ||
        (type != SystemPowerState && type != DevicePowerState))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_device_set_power: state %d is not valid for its type", n);
    if (dev->state != PNPSIM_DEVICE_STARTED)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "pnpsim_device_set_power: %s is not started",
                              dev->instance_path != NULL ? dev->instance_path : "the device");
    memset(&sp, 0, sizeof(sp));
    sp.MajorFunction = IRP_MJ_POWER;
    sp.MinorFunction = minor;
    sp.Parameters.Power.Type = type;
    sp.Parameters.Power.State = state;
    sp.Parameters.Power.ShutdownType = type != SystemPowerState ? PowerActionNone
                                       : n >= PowerSystemSleeping1 && n <= PowerSystemSleeping3
                                           ? PowerActionSleep
                                       : n == PowerSystemHibernate ? PowerActionHibernate
                                       : n == PowerSystemShutdown  ? PowerActionShutdown
                                                                   : PowerActionNone;
    if (type == SystemPowerState)
        sp.Parameters.Power.SystemPowerStateContext.TargetSystemState = (ULONG)n & 0xF;
    pnpsim__harness_enter(sys);
    saved = ts->irql;
    ts->irql = PASSIVE_LEVEL;
    top = IoGetAttachedDeviceReference(&dev->pdo->dev);
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, dev, top->DriverObject, NULL,
                  "power manager sends IRP_MJ_POWER %s %s%d",
                  minor == IRP_MN_SET_POWER ? "IRP_MN_SET_POWER" : "IRP_MN_QUERY_POWER",
                  type == SystemPowerState ? "S" : "D", n - 1);
    status = pnpsim__send_irp_sync(sys, top, &sp, STATUS_NOT_SUPPORTED, 0, NULL, &info);
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, dev, top->DriverObject, &status,
                  "IRP_MJ_POWER %s completed",
                  minor == IRP_MN_SET_POWER ? "IRP_MN_SET_POWER" : "IRP_MN_QUERY_POWER");
    ObDereferenceObject(top);
    ts->irql = saved;
    pnpsim__harness_leave(sys);
    return status;
}
