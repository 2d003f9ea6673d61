/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the toastmon test driver (toastmon.c), a WDM
 * monitor driver written in the classic toastmon pattern: it waits for arrival of the
 * notifydev interface class, opens each arriving interface, registers for target-device
 * change on the file object, closes its handle on query-remove (so it does not veto),
 * re-opens on remove-cancelled and forgets the device on remove-complete.
 */
#ifndef PNPSIM_TEST_TOASTMON_H
#define PNPSIM_TEST_TOASTMON_H

#include <wdm.h>

DRIVER_INITIALIZE ToastmonDriverEntry;

typedef struct _TOASTMON_STATE {
    BOOLEAN VetoQueryRemove;  /* keep the handle and fail QUERY_REMOVE */
    BOOLEAN LeakRegistration; /* "forget" to unregister on REMOVE_DEVICE (a bug) */
    ULONG Arrivals, Removals; /* interface arrival/removal callbacks */
    ULONG Duplicates;         /* arrivals of an interface already being watched */
    ULONG OpenFailures;
    ULONG QueryRemoves, RemoveCancelled, RemoveComplete, Custom;
    ULONG Watching;     /* targets being watched now */
    ULONG OpenHandles;  /* of those, with an open file object */
    KIRQL CallbackIrql; /* IRQL seen in the last callback */
} TOASTMON_STATE;

extern TOASTMON_STATE Toastmon;

void toastmon_reset(void);

#endif /* PNPSIM_TEST_TOASTMON_H */
