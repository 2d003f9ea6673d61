/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfrequest.h> for pnpsim's KMDF layer: framework request objects
 * (WDFREQUEST: an I/O request packet as the framework presents it), their parameters,
 * buffers, completion, cancellation, and sending them on to I/O targets
 * (WDF_REQUEST_SEND_OPTIONS, completion routines, reuse).
 */
#ifndef PNPSIM_WDK_WDFREQUEST_H
#define PNPSIM_WDK_WDFREQUEST_H

#include "wdfobject.h"
#include "wdfmemory.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef POINTER_ALIGNMENT
#define POINTER_ALIGNMENT
#endif

/* The request type is the IRP major function code. */
typedef enum _WDF_REQUEST_TYPE {
    WdfRequestTypeCreate = 0x0,
    WdfRequestTypeCreateNamedPipe = 0x1,
    WdfRequestTypeClose = 0x2,
    WdfRequestTypeRead = 0x3,
    WdfRequestTypeWrite = 0x4,
    WdfRequestTypeQueryInformation = 0x5,
    WdfRequestTypeSetInformation = 0x6,
    WdfRequestTypeQueryEA = 0x7,
    WdfRequestTypeSetEA = 0x8,
    WdfRequestTypeFlushBuffers = 0x9,
    WdfRequestTypeQueryVolumeInformation = 0xa,
    WdfRequestTypeSetVolumeInformation = 0xb,
    WdfRequestTypeDirectoryControl = 0xc,
    WdfRequestTypeFileSystemControl = 0xd,
    WdfRequestTypeDeviceControl = 0xe,
    WdfRequestTypeDeviceControlInternal = 0xf,
    WdfRequestTypeShutdown = 0x10,
    WdfRequestTypeLockControl = 0x11,
    WdfRequestTypeCleanup = 0x12,
    WdfRequestTypeCreateMailSlot = 0x13,
    WdfRequestTypeQuerySecurity = 0x14,
    WdfRequestTypeSetSecurity = 0x15,
    WdfRequestTypePower = 0x16,
    WdfRequestTypeSystemControl = 0x17,
    WdfRequestTypeDeviceChange = 0x18,
    WdfRequestTypeQueryQuota = 0x19,
    WdfRequestTypeSetQuota = 0x1A,
    WdfRequestTypePnp = 0x1B,
    WdfRequestTypeOther = 0x1C,
    WdfRequestTypeUsb = 0x40,
    WdfRequestTypeNoFormat = 0xFF,
    WdfRequestTypeMax
} WDF_REQUEST_TYPE;

/* ---- parameters ----------------------------------------------------------------------- */
typedef struct _WDF_REQUEST_PARAMETERS {
    USHORT Size;
    UCHAR MinorFunction;
    WDF_REQUEST_TYPE Type;
    union {
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;
            USHORT POINTER_ALIGNMENT FileAttributes;
            USHORT ShareAccess;
            ULONG POINTER_ALIGNMENT EaLength;
        } Create;
        struct {
            size_t Length;
            ULONG POINTER_ALIGNMENT Key;
            LONGLONG DeviceOffset;
        } Read;
        struct {
            size_t Length;
            ULONG POINTER_ALIGNMENT Key;
            LONGLONG DeviceOffset;
        } Write;
        struct {
            size_t OutputBufferLength;
            size_t POINTER_ALIGNMENT InputBufferLength;
            ULONG POINTER_ALIGNMENT IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
        struct {
            PVOID Arg1;
            PVOID Arg2;
            ULONG POINTER_ALIGNMENT IoControlCode;
            PVOID Arg4;
        } Others;
    } Parameters;
} WDF_REQUEST_PARAMETERS, *PWDF_REQUEST_PARAMETERS;

FORCEINLINE VOID WDF_REQUEST_PARAMETERS_INIT(PWDF_REQUEST_PARAMETERS Parameters)
{
    RtlZeroMemory(Parameters, sizeof(WDF_REQUEST_PARAMETERS));
    Parameters->Size = sizeof(WDF_REQUEST_PARAMETERS);
}

/* ---- sending to I/O targets ----------------------------------------------------------- */
typedef enum _WDF_REQUEST_SEND_OPTIONS_FLAGS {
    WDF_REQUEST_SEND_OPTION_TIMEOUT = 0x00000001,
    WDF_REQUEST_SEND_OPTION_SYNCHRONOUS = 0x00000002,
    WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE = 0x00000004,
    WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET = 0x00000008,
    WDF_REQUEST_SEND_OPTION_IMPERSONATE_CLIENT = 0x00010000,
    WDF_REQUEST_SEND_OPTION_IMPERSONATION_IGNORE_FAILURE = 0x00020000
} WDF_REQUEST_SEND_OPTIONS_FLAGS;

typedef struct _WDF_REQUEST_SEND_OPTIONS {
    ULONG Size;
    ULONG Flags;
    LONGLONG Timeout;
} WDF_REQUEST_SEND_OPTIONS, *PWDF_REQUEST_SEND_OPTIONS;

FORCEINLINE VOID WDF_REQUEST_SEND_OPTIONS_INIT(PWDF_REQUEST_SEND_OPTIONS Options, ULONG Flags)
{
    RtlZeroMemory(Options, sizeof(WDF_REQUEST_SEND_OPTIONS));
    Options->Size = sizeof(WDF_REQUEST_SEND_OPTIONS);
    Options->Flags = Flags;
}

FORCEINLINE VOID WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(PWDF_REQUEST_SEND_OPTIONS Options,
                                                      LONGLONG Timeout)
{
    Options->Flags |= WDF_REQUEST_SEND_OPTION_TIMEOUT;
    Options->Timeout = Timeout;
}

/* What a completion routine learns about a request it sent. */
typedef struct _WDF_REQUEST_COMPLETION_PARAMS {
    ULONG Size;
    WDF_REQUEST_TYPE Type;
    IO_STATUS_BLOCK IoStatus;
    union {
        struct {
            WDFMEMORY Buffer;
            size_t Length;
            size_t Offset;
        } Write;
        struct {
            WDFMEMORY Buffer;
            size_t Length;
            size_t Offset;
        } Read;
        struct {
            ULONG IoControlCode;
            struct {
                WDFMEMORY Buffer;
                size_t Offset;
            } Input;
            struct {
                WDFMEMORY Buffer;
                size_t Offset;
                size_t Length;
            } Output;
        } Ioctl;
        struct {
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument1;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument2;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument3;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument4;
        } Others;
        struct {
            PVOID Completion; /* PWDF_USB_REQUEST_COMPLETION_PARAMS (USB is not modelled) */
        } Usb;
    } Parameters;
} WDF_REQUEST_COMPLETION_PARAMS, *PWDF_REQUEST_COMPLETION_PARAMS;

FORCEINLINE VOID WDF_REQUEST_COMPLETION_PARAMS_INIT(PWDF_REQUEST_COMPLETION_PARAMS Params)
{
    RtlZeroMemory(Params, sizeof(WDF_REQUEST_COMPLETION_PARAMS));
    Params->Size = sizeof(WDF_REQUEST_COMPLETION_PARAMS);
    Params->Type = WdfRequestTypeNoFormat;
}

typedef VOID EVT_WDF_REQUEST_COMPLETION_ROUTINE(WDFREQUEST Request, WDFIOTARGET Target,
                                               PWDF_REQUEST_COMPLETION_PARAMS Params,
                                               WDFCONTEXT Context);
typedef EVT_WDF_REQUEST_COMPLETION_ROUTINE *PFN_WDF_REQUEST_COMPLETION_ROUTINE;
typedef VOID EVT_WDF_REQUEST_CANCEL(WDFREQUEST Request);
typedef EVT_WDF_REQUEST_CANCEL *PFN_WDF_REQUEST_CANCEL;

/* ---- reuse ---------------------------------------------------------------------------- */
typedef enum _WDF_REQUEST_REUSE_FLAGS {
    WDF_REQUEST_REUSE_NO_FLAGS = 0x00000000,
    WDF_REQUEST_REUSE_SET_NEW_IRP = 0x00000001
} WDF_REQUEST_REUSE_FLAGS;

typedef struct _WDF_REQUEST_REUSE_PARAMS {
    ULONG Size;
    ULONG Flags;
    NTSTATUS Status;
    PIRP NewIrp;
} WDF_REQUEST_REUSE_PARAMS, *PWDF_REQUEST_REUSE_PARAMS;

FORCEINLINE VOID WDF_REQUEST_REUSE_PARAMS_INIT(PWDF_REQUEST_REUSE_PARAMS Params, ULONG Flags,
                                               NTSTATUS Status)
{
    RtlZeroMemory(Params, sizeof(WDF_REQUEST_REUSE_PARAMS));
    Params->Size = sizeof(WDF_REQUEST_REUSE_PARAMS);
    Params->Flags = Flags;
    Params->Status = Status;
}

FORCEINLINE VOID WDF_REQUEST_REUSE_PARAMS_SET_NEW_IRP(PWDF_REQUEST_REUSE_PARAMS Params,
                                                      PIRP NewIrp)
{
    Params->Flags |= WDF_REQUEST_REUSE_SET_NEW_IRP;
    Params->NewIrp = NewIrp;
}

/* Parameter 3 of WDF_VIOLATION 0x6/0x4: the driver completed a request with more bytes of
 * Information than the request's output buffer holds. */
typedef struct _WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH_DATA {
    WDFREQUEST Request;
    PIRP Irp;
    ULONG OutputBufferLength;
    ULONG_PTR Information;
    UCHAR MajorFunction;
} WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH_DATA,
    *PWDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH_DATA;

/* ---- request methods ------------------------------------------------------------------ */
WDFAPI NTSTATUS WdfRequestCreate(PWDF_OBJECT_ATTRIBUTES RequestAttributes, WDFIOTARGET IoTarget,
                                 WDFREQUEST *Request);
WDFAPI NTSTATUS WdfRequestReuse(WDFREQUEST Request, PWDF_REQUEST_REUSE_PARAMS ReuseParams);
WDFAPI VOID WdfRequestComplete(WDFREQUEST Request, NTSTATUS Status);
WDFAPI VOID WdfRequestCompleteWithInformation(WDFREQUEST Request, NTSTATUS Status,
                                              ULONG_PTR Information);
WDFAPI VOID WdfRequestCompleteWithPriorityBoost(WDFREQUEST Request, NTSTATUS Status,
                                                CCHAR PriorityBoost);
WDFAPI VOID WdfRequestSetInformation(WDFREQUEST Request, ULONG_PTR Information);
WDFAPI ULONG_PTR WdfRequestGetInformation(WDFREQUEST Request);
WDFAPI NTSTATUS WdfRequestGetStatus(WDFREQUEST Request);
WDFAPI VOID WdfRequestGetParameters(WDFREQUEST Request, PWDF_REQUEST_PARAMETERS Parameters);
WDFAPI NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST Request, size_t MinimumRequiredLength,
                                              PVOID *Buffer, size_t *Length);
WDFAPI NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST Request, size_t MinimumRequiredSize,
                                               PVOID *Buffer, size_t *Length);
WDFAPI NTSTATUS WdfRequestRetrieveInputMemory(WDFREQUEST Request, WDFMEMORY *Memory);
WDFAPI NTSTATUS WdfRequestRetrieveOutputMemory(WDFREQUEST Request, WDFMEMORY *Memory);
WDFAPI NTSTATUS WdfRequestRetrieveInputWdmMdl(WDFREQUEST Request, PMDL *Mdl);
WDFAPI NTSTATUS WdfRequestRetrieveOutputWdmMdl(WDFREQUEST Request, PMDL *Mdl);
WDFAPI NTSTATUS WdfRequestRetrieveUnsafeUserInputBuffer(WDFREQUEST Request,
                                                        size_t MinimumRequiredLength,
                                                        PVOID *InputBuffer, size_t *Length);
WDFAPI NTSTATUS WdfRequestRetrieveUnsafeUserOutputBuffer(WDFREQUEST Request,
                                                         size_t MinimumRequiredLength,
                                                         PVOID *OutputBuffer, size_t *Length);
WDFAPI NTSTATUS WdfRequestProbeAndLockUserBufferForRead(WDFREQUEST Request, PVOID Buffer,
                                                        size_t Length, WDFMEMORY *MemoryObject);
WDFAPI NTSTATUS WdfRequestProbeAndLockUserBufferForWrite(WDFREQUEST Request, PVOID Buffer,
                                                         size_t Length, WDFMEMORY *MemoryObject);
WDFAPI PIRP WdfRequestWdmGetIrp(WDFREQUEST Request);
WDFAPI WDFQUEUE WdfRequestGetIoQueue(WDFREQUEST Request);
WDFAPI WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST Request);
WDFAPI KPROCESSOR_MODE WdfRequestGetRequestorMode(WDFREQUEST Request);
WDFAPI BOOLEAN WdfRequestIsFrom32BitProcess(WDFREQUEST Request);
WDFAPI VOID WdfRequestMarkCancelable(WDFREQUEST Request, PFN_WDF_REQUEST_CANCEL EvtRequestCancel);
WDFAPI NTSTATUS WdfRequestMarkCancelableEx(WDFREQUEST Request,
                                           PFN_WDF_REQUEST_CANCEL EvtRequestCancel);
WDFAPI NTSTATUS WdfRequestUnmarkCancelable(WDFREQUEST Request);
WDFAPI BOOLEAN WdfRequestIsCanceled(WDFREQUEST Request);
WDFAPI BOOLEAN WdfRequestCancelSentRequest(WDFREQUEST Request);
WDFAPI VOID WdfRequestStopAcknowledge(WDFREQUEST Request, BOOLEAN Requeue);
WDFAPI NTSTATUS WdfRequestRequeue(WDFREQUEST Request);
WDFAPI NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST Request, WDFQUEUE DestinationQueue);
WDFAPI VOID WdfRequestFormatRequestUsingCurrentType(WDFREQUEST Request);
WDFAPI VOID WdfRequestWdmFormatUsingStackLocation(WDFREQUEST Request, PIO_STACK_LOCATION Stack);
WDFAPI VOID WdfRequestSetCompletionRoutine(WDFREQUEST Request,
                                           PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine,
                                           WDFCONTEXT CompletionContext);
WDFAPI VOID WdfRequestGetCompletionParams(WDFREQUEST Request,
                                          PWDF_REQUEST_COMPLETION_PARAMS Params);
WDFAPI BOOLEAN WdfRequestSend(WDFREQUEST Request, WDFIOTARGET Target,
                              PWDF_REQUEST_SEND_OPTIONS Options);
WDFAPI NTSTATUS WdfRequestAllocateTimer(WDFREQUEST Request);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFREQUEST_H */
