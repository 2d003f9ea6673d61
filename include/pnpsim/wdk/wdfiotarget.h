/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfiotarget.h> for pnpsim's KMDF layer: I/O targets. A device's
 * local target (WdfDeviceGetIoTarget) sends to the next-lower driver of its own stack; a
 * remote target (WdfIoTargetCreate + WdfIoTargetOpen) is another device, opened by name (a
 * device interface's symbolic link or a "\Device\..." name) or from an existing
 * DEVICE_OBJECT, that follows the removal of its device through EvtIoTargetQueryRemove,
 * EvtIoTargetRemoveCanceled and EvtIoTargetRemoveComplete.
 */
#ifndef PNPSIM_WDK_WDFIOTARGET_H
#define PNPSIM_WDK_WDFIOTARGET_H

#include "wdfobject.h"
#include "wdfmemory.h"
#include "wdfrequest.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum _WDF_IO_TARGET_STATE {
    WdfIoTargetStateUndefined = 0,
    WdfIoTargetStarted,
    WdfIoTargetStopped,
    WdfIoTargetClosedForQueryRemove,
    WdfIoTargetClosed,
    WdfIoTargetDeleted,
    WdfIoTargetPurged /* KMDF 1.11 */
} WDF_IO_TARGET_STATE, *PWDF_IO_TARGET_STATE;

typedef enum _WDF_IO_TARGET_OPEN_TYPE {
    WdfIoTargetOpenUndefined = 0,
    WdfIoTargetOpenUseExistingDevice = 1,
    WdfIoTargetOpenByName = 2,
    WdfIoTargetOpenReopen = 3,
    WdfIoTargetOpenLocalTargetByFile = 4,
    WdfIoTargetOpenMax
} WDF_IO_TARGET_OPEN_TYPE;

typedef enum _WDF_IO_TARGET_SENT_IO_ACTION {
    WdfIoTargetSentIoUndefined = 0,
    WdfIoTargetCancelSentIo,
    WdfIoTargetWaitForSentIoToComplete,
    WdfIoTargetLeaveSentIoPending
} WDF_IO_TARGET_SENT_IO_ACTION;

typedef enum _WDF_IO_TARGET_PURGE_IO_ACTION {
    WdfIoTargetPurgeIoUndefined = 0,
    WdfIoTargetPurgeIoAndWait = 1,
    WdfIoTargetPurgeIo = 2
} WDF_IO_TARGET_PURGE_IO_ACTION;

/* Removal of a remote target's device: query (a failure vetoes), cancelled, complete. */
typedef NTSTATUS EVT_WDF_IO_TARGET_QUERY_REMOVE(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_QUERY_REMOVE *PFN_WDF_IO_TARGET_QUERY_REMOVE;
typedef VOID EVT_WDF_IO_TARGET_REMOVE_CANCELED(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_REMOVE_CANCELED *PFN_WDF_IO_TARGET_REMOVE_CANCELED;
typedef VOID EVT_WDF_IO_TARGET_REMOVE_COMPLETE(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_REMOVE_COMPLETE *PFN_WDF_IO_TARGET_REMOVE_COMPLETE;

typedef struct _WDF_IO_TARGET_OPEN_PARAMS {
    ULONG Size;
    WDF_IO_TARGET_OPEN_TYPE Type;
    PFN_WDF_IO_TARGET_QUERY_REMOVE EvtIoTargetQueryRemove;
    PFN_WDF_IO_TARGET_REMOVE_CANCELED EvtIoTargetRemoveCanceled;
    PFN_WDF_IO_TARGET_REMOVE_COMPLETE EvtIoTargetRemoveComplete;
    /* WdfIoTargetOpenUseExistingDevice: the device object and optional file object. */
    PDEVICE_OBJECT TargetDeviceObject;
    PFILE_OBJECT TargetFileObject;
    /* WdfIoTargetOpenByName: what to open and how (ZwCreateFile's parameters). */
    UNICODE_STRING TargetDeviceName;
    ACCESS_MASK DesiredAccess;
    ULONG ShareAccess;
    ULONG FileAttributes;
    ULONG CreateDisposition;
    ULONG CreateOptions;
    PVOID EaBuffer;
    ULONG EaBufferLength;
    PLONGLONG AllocationSize;
    ULONG FileInformation; /* out: what ZwCreateFile reported */
    /* WdfIoTargetOpenLocalTargetByFile (KMDF 1.21+ in UMDF only; unused here). */
    UNICODE_STRING FileName;
} WDF_IO_TARGET_OPEN_PARAMS, *PWDF_IO_TARGET_OPEN_PARAMS;

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(PWDF_IO_TARGET_OPEN_PARAMS Params,
                                                                PDEVICE_OBJECT DeviceObject)
{
    RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
    Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
    Params->Type = WdfIoTargetOpenUseExistingDevice;
    Params->TargetDeviceObject = DeviceObject;
}

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(PWDF_IO_TARGET_OPEN_PARAMS Params,
                                                               PCUNICODE_STRING TargetDeviceName,
                                                               ACCESS_MASK DesiredAccess)
{
    RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
    Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
    Params->Type = WdfIoTargetOpenByName;
    Params->TargetDeviceName = *TargetDeviceName;
    Params->DesiredAccess = DesiredAccess;
    Params->CreateOptions = FILE_NON_DIRECTORY_FILE;
}

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(PWDF_IO_TARGET_OPEN_PARAMS Params,
                                                             PCUNICODE_STRING TargetDeviceName,
                                                             ACCESS_MASK DesiredAccess)
{
    WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(Params, TargetDeviceName, DesiredAccess);
    Params->CreateDisposition = FILE_OPEN;
}

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(PWDF_IO_TARGET_OPEN_PARAMS Params)
{
    RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
    Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
    Params->Type = WdfIoTargetOpenReopen;
}

/* ---- creating, opening, closing -------------------------------------------------------- */
WDFAPI NTSTATUS WdfIoTargetCreate(WDFDEVICE Device, PWDF_OBJECT_ATTRIBUTES IoTargetAttributes,
                                  WDFIOTARGET *IoTarget);
WDFAPI NTSTATUS WdfIoTargetOpen(WDFIOTARGET IoTarget, PWDF_IO_TARGET_OPEN_PARAMS OpenParams);
WDFAPI VOID WdfIoTargetCloseForQueryRemove(WDFIOTARGET IoTarget);
WDFAPI VOID WdfIoTargetClose(WDFIOTARGET IoTarget);

/* ---- state ------------------------------------------------------------------------------ */
WDFAPI NTSTATUS WdfIoTargetStart(WDFIOTARGET IoTarget);
WDFAPI VOID WdfIoTargetStop(WDFIOTARGET IoTarget, WDF_IO_TARGET_SENT_IO_ACTION Action);
WDFAPI VOID WdfIoTargetPurge(WDFIOTARGET IoTarget, WDF_IO_TARGET_PURGE_IO_ACTION Action);
WDFAPI WDF_IO_TARGET_STATE WdfIoTargetGetState(WDFIOTARGET IoTarget);

/* ---- what the target is ------------------------------------------------------------------ */
WDFAPI WDFDEVICE WdfIoTargetGetDevice(WDFIOTARGET IoTarget);
WDFAPI PDEVICE_OBJECT WdfIoTargetWdmGetTargetDeviceObject(WDFIOTARGET IoTarget);
WDFAPI PDEVICE_OBJECT WdfIoTargetWdmGetTargetPhysicalDevice(WDFIOTARGET IoTarget);
WDFAPI PFILE_OBJECT WdfIoTargetWdmGetTargetFileObject(WDFIOTARGET IoTarget);
WDFAPI HANDLE WdfIoTargetWdmGetTargetFileHandle(WDFIOTARGET IoTarget);

/* ---- driver-defined interfaces of the target's stack (§10.3) ---------------------------- */
WDFAPI NTSTATUS WdfIoTargetQueryForInterface(WDFIOTARGET IoTarget, LPCGUID InterfaceType,
                                             PINTERFACE Interface, USHORT Size, USHORT Version,
                                             PVOID InterfaceSpecificData);

/* ---- synchronous I/O ----------------------------------------------------------------------- */
WDFAPI NTSTATUS WdfIoTargetSendIoctlSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                  ULONG IoctlCode,
                                                  PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                  PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                  PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                  PULONG_PTR BytesReturned);
WDFAPI NTSTATUS WdfIoTargetSendInternalIoctlSynchronously(
    WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, PWDF_MEMORY_DESCRIPTOR InputBuffer,
    PWDF_MEMORY_DESCRIPTOR OutputBuffer, PWDF_REQUEST_SEND_OPTIONS RequestOptions,
    PULONG_PTR BytesReturned);
WDFAPI NTSTATUS WdfIoTargetSendReadSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                 PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                 PLONGLONG DeviceOffset,
                                                 PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                 PULONG_PTR BytesRead);
WDFAPI NTSTATUS WdfIoTargetSendWriteSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                  PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                  PLONGLONG DeviceOffset,
                                                  PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                  PULONG_PTR BytesWritten);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFIOTARGET_H */
