/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the kmdf_monitor test driver (kmdf_monitor.c), a KMDF
 * driver on a root device (ROOT\KMDFMON) that watches GUID_KMDF_FUNC_INTERFACE arrivals, opens
 * each arrived interface as a remote I/O target by name, imports GUID_KMDF_FUNC_QI through
 * it with WdfIoTargetQueryForInterface, sends IOCTL_KMDF_FUNC_GET_SERIAL with
 * WdfIoTargetSendIoctlSynchronously, and follows the device's removal through
 * EvtIoTargetQueryRemove / RemoveCanceled / RemoveComplete (like the KMDF toastmon sample).
 */
#ifndef PNPSIM_TEST_KMDF_MONITOR_H
#define PNPSIM_TEST_KMDF_MONITOR_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE KmdfMonitorDriverEntry;

#define KMDF_MONITOR_HARDWARE_ID "ROOT\\KMDFMON"

typedef enum _KMDF_MONITOR_MODE {
    KmdfMonitorCorrect = 0,
    KmdfMonitorNoCallbacks,     /* open without EvtIoTarget* callbacks: framework defaults */
    KmdfMonitorVetoQueryRemove, /* EvtIoTargetQueryRemove fails with STATUS_UNSUCCESSFUL */
    KmdfMonitorLeakInterface    /* never releases GUID_KMDF_FUNC_QI */
} KMDF_MONITOR_MODE;

typedef struct _KMDF_MONITOR_STATS {
    ULONG Arrivals;
    ULONG InterfaceRemovals;
    NTSTATUS OpenStatus;        /* last WdfIoTargetOpen */
    NTSTATUS QiStatus;          /* last WdfIoTargetQueryForInterface */
    ULONG QiSerial;             /* GetSerial through GUID_KMDF_FUNC_QI */
    NTSTATUS IoctlStatus;       /* last WdfIoTargetSendIoctlSynchronously */
    ULONG IoctlSerial;
    ULONG_PTR IoctlBytes;
    ULONG QueryRemoves;
    ULONG RemoveCanceled;
    ULONG RemoveCompletes;
    LONG InterfacesHeld;        /* GUID_KMDF_FUNC_QI references the monitor holds */
    LONG TargetsLive;           /* WDFIOTARGETs not yet deleted */
    WDF_IO_TARGET_STATE LastState; /* target state seen at the last callback's end */
} KMDF_MONITOR_STATS;

void kmdf_monitor_reset(KMDF_MONITOR_MODE Mode);
const KMDF_MONITOR_STATS *kmdf_monitor_stats(void);
/* The most recently opened target (compare only once deleted). */
WDFIOTARGET kmdf_monitor_last_target(void);

#endif /* PNPSIM_TEST_KMDF_MONITOR_H */
