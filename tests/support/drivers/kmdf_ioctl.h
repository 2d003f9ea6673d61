/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the kmdf_ioctl test driver (kmdf_ioctl.c), a KMDF
 * function driver written as the KMDF samples are written: a sequential default queue for
 * IOCTLs and writes, a parallel queue for reads, a manual queue requests can be parked on,
 * and file object callbacks. Tests send it IRPs, read what it saw, and ask it to complete
 * what it holds.
 */
#ifndef PNPSIM_TEST_KMDF_IOCTL_H
#define PNPSIM_TEST_KMDF_IOCTL_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE KmdfIoctlDriverEntry;

#define KMDF_IOCTL_HARDWARE_ID "ROOT\\KMDFIOCTL"

/* Copies the input (at least 4 bytes) to the output (at least as large as the input). */
#define IOCTL_KMDF_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* The driver keeps the request until kmdf_ioctl_release_held. */
#define IOCTL_KMDF_HOLD CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Records WdfRequestGetParameters (kmdf_ioctl_stats()->Params) and completes. */
#define IOCTL_KMDF_PARAMS CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Completes with Information one byte larger than the output buffer. */
#define IOCTL_KMDF_OVERREPORT                                                                  \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x903, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Takes a reference on the request and completes it twice. */
#define IOCTL_KMDF_COMPLETE_TWICE                                                              \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x904, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Forwards the request to the manual queue (kmdf_ioctl_complete_manual takes it out). */
#define IOCTL_KMDF_PARK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x905, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef enum _KMDF_IOCTL_MODE {
    KmdfIoctlNormal = 0,
    KmdfIoctlNoQueues,      /* EvtDriverDeviceAdd creates no queue and no file callbacks */
} KMDF_IOCTL_MODE;

#define KMDF_IOCTL_MAX_HELD 8

typedef struct _KMDF_IOCTL_STATS {
    LONG IoctlCalls;            /* EvtIoDeviceControl */
    LONG ReadCalls;             /* EvtIoRead */
    LONG WriteCalls;            /* EvtIoWrite */
    LONG ReadsInDriver;         /* reads presented and not yet completed */
    LONG MaxReadsInDriver;      /* the most reads the driver held at once */
    LONG Creates, Cleanups, Closes; /* file object callbacks */
    LONG StopCalls;             /* EvtIoStop */
    ULONG LastStopFlags;
    NTSTATUS RetrieveInputStatus;  /* last WdfRequestRetrieveInputBuffer */
    NTSTATUS RetrieveOutputStatus; /* last WdfRequestRetrieveOutputBuffer */
    WDF_REQUEST_PARAMETERS Params; /* IOCTL_KMDF_PARAMS */
    size_t LastWriteLength;
    WDFFILEOBJECT LastFile;     /* the file object of the last request / create */
    BOOLEAN LastFileMatches;    /* WdfRequestGetFileObject == the created file object */
} KMDF_IOCTL_STATS;

void kmdf_ioctl_reset(KMDF_IOCTL_MODE Mode);
const KMDF_IOCTL_STATS *kmdf_ioctl_stats(void);
WDFDEVICE kmdf_ioctl_device(void);
WDFQUEUE kmdf_ioctl_default_queue(void);
WDFQUEUE kmdf_ioctl_read_queue(void);
WDFQUEUE kmdf_ioctl_manual_queue(void);
/* How many requests the driver holds (IOCTL_KMDF_HOLD and reads). */
ULONG kmdf_ioctl_held_count(void);
/* Complete every held request with Status (Information 0). Returns how many. */
ULONG kmdf_ioctl_release_held(NTSTATUS Status);
/* WdfIoQueueRetrieveNextRequest on the manual queue; completes what it got with Status. */
NTSTATUS kmdf_ioctl_complete_manual(NTSTATUS Status);

#endif /* PNPSIM_TEST_KMDF_IOCTL_H */
