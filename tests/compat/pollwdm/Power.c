/*
 * Power.c - IRP_MJ_POWER: the driver is its device's power policy owner.
 */
#include "PollWdm.h"
#include "Power.tmh"

static REQUEST_POWER_COMPLETE PollWdmDevicePowerDone;

static VOID PollWdmDevicePowerDone(PDEVICE_OBJECT DeviceObject, UCHAR MinorFunction,
                                   POWER_STATE PowerState, PVOID Context,
                                   PIO_STATUS_BLOCK IoStatus)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(MinorFunction);
    UNREFERENCED_PARAMETER(Context);
    TracePower(TRACE_LEVEL_INFORMATION, "%!FUNC! D%d %!STATUS!", PowerState.DeviceState - 1,
               IoStatus->Status);
}

_Use_decl_annotations_
NTSTATUS PollWdmDispatchPower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPOLLWDM_EXTENSION ext = (PPOLLWDM_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    POWER_STATE state = stack->Parameters.Power.State;

    if (stack->MinorFunction == IRP_MN_SET_POWER) {
        if (stack->Parameters.Power.Type == SystemPowerState) {
            POWER_STATE deviceState;
            deviceState.DeviceState =
                state.SystemState == PowerSystemWorking ? PowerDeviceD0 : PowerDeviceD3;
            PoRequestPowerIrp(ext->Pdo, IRP_MN_SET_POWER, deviceState, PollWdmDevicePowerDone,
                              ext, NULL);
        } else {
            LARGE_INTEGER due;
            ext->DevicePowerState = state.DeviceState;
            PoSetPowerState(DeviceObject, DevicePowerState, state);
            if (state.DeviceState == PowerDeviceD0 && ext->Started) {
                due.QuadPart = -(LONGLONG)ext->IntervalMs * 10000;
                KeSetTimerEx(&ext->PollTimer, due, (LONG)ext->IntervalMs, &ext->PollDpc);
            } else {
                KeCancelTimer(&ext->PollTimer);
            }
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
    } else if (stack->MinorFunction == IRP_MN_QUERY_POWER) {
        Irp->IoStatus.Status = STATUS_SUCCESS;
    }
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}
