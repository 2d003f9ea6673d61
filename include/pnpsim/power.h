/* SPDX-License-Identifier: MIT */
/*
 * This file declares the native API that drives power transitions: sending IRP_MJ_POWER
 * IRPs (IRP_MN_QUERY_POWER, IRP_MN_SET_POWER) for system or device power states to a
 * device's stack, as the power manager does, and reading the power state drivers
 * reported with PoSetPowerState.
 */
#ifndef PNPSIM_POWER_H
#define PNPSIM_POWER_H

#include "device.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Send one power IRP to the top of dev's stack and wait for it to complete: minor is
 * IRP_MN_QUERY_POWER or IRP_MN_SET_POWER, type SystemPowerState (state.SystemState,
 * PowerSystemWorking .. PowerSystemShutdown) or DevicePowerState (state.DeviceState,
 * PowerDeviceD0 .. PowerDeviceD3). IoStatus.Status starts as STATUS_NOT_SUPPORTED;
 * ShutdownType is PowerActionSleep for S1-S3, PowerActionHibernate for S4,
 * PowerActionShutdown for S5 and PowerActionNone otherwise. Device power IRPs a driver
 * requests meanwhile (PoRequestPowerIrp) run before this returns.
 * @return the IRP's final status; STATUS_INVALID_PARAMETER for a bad dev, minor, type or
 *         state; STATUS_INVALID_DEVICE_STATE when the device is not started.
 * Ownership: none. Thread safety: any thread, not while holding a spin lock.
 * Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_device_set_power(pnpsim_device *dev, UCHAR minor, POWER_STATE_TYPE type,
                                            POWER_STATE state);

/**
 * The power state the device object last reported with PoSetPowerState (type
 * DevicePowerState: PowerDeviceD0 at creation; SystemPowerState: PowerSystemWorking).
 * Ownership: none. Thread safety: any thread. Errors: PowerDeviceUnspecified for NULL.
 */
PNPSIM_API POWER_STATE pnpsim_device_power_state(PDEVICE_OBJECT device_object,
                                                 POWER_STATE_TYPE type);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_POWER_H */
