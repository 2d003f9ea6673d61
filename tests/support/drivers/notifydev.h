/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the notifydev test driver (notifydev.c), a WDM
 * function driver written as the WDK toaster function driver is: it registers a device
 * interface of GUID_NOTIFYDEV_CLASS in AddDevice, enables it once IRP_MN_START_DEVICE
 * completed, disables it on surprise removal or removal, and accepts opens. Tests use it as
 * the device other drivers and applications are notified about.
 */
#ifndef PNPSIM_TEST_NOTIFYDEV_H
#define PNPSIM_TEST_NOTIFYDEV_H

#include <wdm.h>

/* {6b7a1c3e-5d2f-4b8a-9c41-0f3e2d1a7b55} */
extern const GUID GUID_NOTIFYDEV_CLASS;

DRIVER_INITIALIZE NotifydevDriverEntry;

/* What the driver saw, and switches a test sets. */
typedef struct _NOTIFYDEV_STATE {
    BOOLEAN FailQueryRemove; /* fail IRP_MN_QUERY_REMOVE_DEVICE (a driver-level veto) */
    BOOLEAN NoEnable;        /* do not enable the interface on start */
    ULONG Opens, Closes;
    ULONG QueryRemoves, CancelRemoves, Removes, SurpriseRemovals;
    PDEVICE_OBJECT LastPdo; /* the PDO of the last AddDevice */
} NOTIFYDEV_STATE;

extern NOTIFYDEV_STATE Notifydev;

/* Forget everything (call at the start of a test). */
void notifydev_reset(void);

#endif /* PNPSIM_TEST_NOTIFYDEV_H */
