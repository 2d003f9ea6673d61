/*
 * PollWdm.h - a WDM function driver that polls its device on a timer and does the work in a
 * system thread. Written as a real driver is, for pnpsim's compatibility corpus.
 */
#pragma once

#include <NTDDK.h>   /* the WDK's headers spelled in another case, as some drivers do */
#include <ntstrsafe.h>
#include <ntintsafe.h>
#include <driverspecs.h>

#include "Trace.h"

#define POLLWDM_TAG 'lloP'
#define POLLWDM_DEFAULT_INTERVAL_MS 100
#define IOCTL_POLLWDM_GET_COUNT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_READ_ACCESS)
#define IOCTL_POLLWDM_SELF_CHECK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _POLLWDM_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDevice;
    PDEVICE_OBJECT Pdo;
    KTIMER PollTimer;
    KDPC PollDpc;
    KSEMAPHORE WorkSemaphore;
    KEVENT StopEvent;
    PKTHREAD WorkerThread;
    FAST_MUTEX CountLock;
    ERESOURCE StateResource;
    LONG PollCount;
    ULONG IntervalMs;
    BOOLEAN Started;
    DEVICE_POWER_STATE DevicePowerState;
} POLLWDM_EXTENSION, *PPOLLWDM_EXTENSION;

typedef struct _POLLWDM_GLOBALS {
    ULONG IntervalMs;
    ULONG Verbose;
    UNICODE_STRING FriendlyName;
    PVOID NotificationEntry;
} POLLWDM_GLOBALS;

extern POLLWDM_GLOBALS PollWdmGlobals;

DRIVER_INITIALIZE DriverEntry;
DRIVER_ADD_DEVICE PollWdmAddDevice;
DRIVER_UNLOAD PollWdmUnload;
_Dispatch_type_(IRP_MJ_PNP) DRIVER_DISPATCH PollWdmDispatchPnp;
_Dispatch_type_(IRP_MJ_POWER) DRIVER_DISPATCH PollWdmDispatchPower;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH PollWdmDispatchIoctl;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH PollWdmDispatchCreateClose;
KDEFERRED_ROUTINE PollWdmTimerDpc;
KSTART_ROUTINE PollWdmWorker;
DRIVER_NOTIFICATION_CALLBACK_ROUTINE PollWdmInterfaceArrival;

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS PollWdmStartPolling(_In_ PPOLLWDM_EXTENSION Extension);
_IRQL_requires_max_(PASSIVE_LEVEL)
VOID PollWdmStopPolling(_In_ PPOLLWDM_EXTENSION Extension);
