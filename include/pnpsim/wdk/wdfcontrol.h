/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfcontrol.h> for pnpsim's KMDF layer: control device objects
 * (non-PnP devices a driver creates for its own use). Not modelled: the methods exist so
 * drivers compile, log once, and fail (README "KMDF").
 */
#ifndef PNPSIM_WDK_WDFCONTROL_H
#define PNPSIM_WDK_WDFCONTROL_H

#include "wdfdevice.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum _WDF_DEVICE_SHUTDOWN_FLAGS {
    WdfDeviceShutdown = 0x01,
    WdfDeviceLastChanceShutdown = 0x02
} WDF_DEVICE_SHUTDOWN_FLAGS;

typedef VOID EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION *PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION;

WDFAPI PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER Driver,
                                                    const UNICODE_STRING *SDDLString);
WDFAPI VOID WdfControlDeviceInitSetShutdownNotification(
    PWDFDEVICE_INIT DeviceInit, PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION Notification, UCHAR Flags);
WDFAPI VOID WdfControlFinishInitializing(WDFDEVICE Device);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFCONTROL_H */
