/* SPDX-License-Identifier: MIT */
/*
 * This file declares the test controls of kmdf_lifecycle.c, a KMDF function driver that
 * logs every PnP/power callback the framework calls, creates a device interface, and can
 * be told to fail a callback or to use the interface DDIs at chosen moments.
 */
#ifndef KMDF_LIFECYCLE_H
#define KMDF_LIFECYCLE_H

#include <ntddk.h>
#include <wdf.h>

/* {6C7A0F1E-4F55-4B8E-9D43-2B4E5C6F7A81} */
DEFINE_GUID(GUID_KMDF_LIFECYCLE_INTERFACE, 0x6c7a0f1e, 0x4f55, 0x4b8e, 0x9d, 0x43, 0x2b, 0x4e,
            0x5c, 0x6f, 0x7a, 0x81);

typedef enum KMDF_LIFECYCLE_MODE {
    KmdfLifecycleNormal = 0,
    KmdfLifecycleFailPrepareHardware, /* EvtDevicePrepareHardware fails */
    KmdfLifecycleFailD0Entry,         /* EvtDeviceD0Entry fails */
    KmdfLifecycleDisableBeforeStart,  /* WdfDeviceSetDeviceInterfaceState(FALSE) in DeviceAdd */
    KmdfLifecycleDisableExBeforeStart,/* WdfDeviceSetDeviceInterfaceStateEx(FALSE) in DeviceAdd */
    KmdfLifecycleNoInterface,         /* no WdfDeviceCreateDeviceInterface */
    KmdfLifecycleVetoQueryRemove,     /* EvtDeviceQueryRemove fails */
    KmdfLifecycleRaiseIrqlInD0Entry,  /* EvtDeviceD0Entry returns at DISPATCH_LEVEL */
    KmdfLifecycleFailDeviceAdd        /* EvtDriverDeviceAdd fails after WdfDeviceCreate */
} KMDF_LIFECYCLE_MODE;

DRIVER_INITIALIZE KmdfLifecycleDriverEntry;

/* Reset the log and choose the behaviour for the next devices. */
void kmdf_lifecycle_reset(KMDF_LIFECYCLE_MODE mode);
/* The callbacks called so far, comma-separated ("DeviceAdd,PrepareHardware,D0Entry(D3Final),..."). */
const char *kmdf_lifecycle_log(void);
/* The framework device of the last EvtDriverDeviceAdd (NULL after it was destroyed). */
WDFDEVICE kmdf_lifecycle_device(void);
/* How many device contexts were cleaned up / destroyed. */
ULONG kmdf_lifecycle_cleanups(void);
ULONG kmdf_lifecycle_destroys(void);

#endif /* KMDF_LIFECYCLE_H */
