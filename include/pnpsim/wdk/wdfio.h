/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfio.h> for pnpsim's KMDF layer: I/O queues (WDF_IO_QUEUE_CONFIG,
 * the dispatch types, the queue event callbacks, WdfIoQueueCreate and the queue methods),
 * request dispatching per major function, and the framework file object methods.
 */
#ifndef PNPSIM_WDK_WDFIO_H
#define PNPSIM_WDK_WDFIO_H

#include "wdfobject.h"
#include "wdfrequest.h"

#ifdef __cplusplus
extern "C" {
#endif


typedef enum _WDF_IO_QUEUE_DISPATCH_TYPE {
    WdfIoQueueDispatchInvalid = 0,
    WdfIoQueueDispatchSequential,
    WdfIoQueueDispatchParallel,
    WdfIoQueueDispatchManual,
    WdfIoQueueDispatchMax
} WDF_IO_QUEUE_DISPATCH_TYPE;

/* Queue state bits WdfIoQueueGetState reports. */
typedef enum _WDF_IO_QUEUE_STATE {
    WdfIoQueueAcceptRequests = 0x01,
    WdfIoQueueDispatchRequests = 0x02,
    WdfIoQueueNoRequests = 0x04,
    WdfIoQueueDriverNoRequests = 0x08,
    WdfIoQueuePnpHeld = 0x10
} WDF_IO_QUEUE_STATE;

#define WDF_IO_QUEUE_IDLE(_state) \
    ((((_state) & WdfIoQueueNoRequests) != 0) && (((_state) & WdfIoQueueDriverNoRequests) != 0))
#define WDF_IO_QUEUE_READY(_state) \
    ((((_state) & WdfIoQueueDispatchRequests) != 0) && (((_state) & WdfIoQueueAcceptRequests) != 0))
#define WDF_IO_QUEUE_PURGED(_state) \
    ((((_state) & WdfIoQueueAcceptRequests) == 0) && (((_state) & WdfIoQueueDispatchRequests) == 0))
#define WDF_IO_QUEUE_STOPPED(_state)                                                              \
    ((((_state) & WdfIoQueueDispatchRequests) == 0) &&                                            \
     (((_state) & WdfIoQueueAcceptRequests) != 0) &&                                              \
     (((_state) & WdfIoQueueDriverNoRequests) != 0))
#define WDF_IO_QUEUE_DRAINED(_state) \
    ((((_state) & WdfIoQueueAcceptRequests) == 0) && WDF_IO_QUEUE_IDLE(_state))

/* ---- queue event callbacks ------------------------------------------------------------ */
typedef VOID EVT_WDF_IO_QUEUE_IO_DEFAULT(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_DEFAULT *PFN_WDF_IO_QUEUE_IO_DEFAULT;
typedef VOID EVT_WDF_IO_QUEUE_IO_STOP(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags);
typedef EVT_WDF_IO_QUEUE_IO_STOP *PFN_WDF_IO_QUEUE_IO_STOP;
typedef VOID EVT_WDF_IO_QUEUE_IO_RESUME(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_RESUME *PFN_WDF_IO_QUEUE_IO_RESUME;
typedef VOID EVT_WDF_IO_QUEUE_IO_READ(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_READ *PFN_WDF_IO_QUEUE_IO_READ;
typedef VOID EVT_WDF_IO_QUEUE_IO_WRITE(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_WRITE *PFN_WDF_IO_QUEUE_IO_WRITE;
typedef VOID EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request,
                                               size_t OutputBufferLength,
                                               size_t InputBufferLength, ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL;
typedef VOID EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request,
                                                        size_t OutputBufferLength,
                                                        size_t InputBufferLength,
                                                        ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL;
typedef VOID EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE *PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE;
typedef VOID EVT_WDF_IO_QUEUE_STATE(WDFQUEUE Queue, WDFCONTEXT Context);
typedef EVT_WDF_IO_QUEUE_STATE *PFN_WDF_IO_QUEUE_STATE;

/* ActionFlags of EvtIoStop. */
typedef enum _WDF_REQUEST_STOP_ACTION_FLAGS {
    WdfRequestStopActionInvalid = 0,
    WdfRequestStopActionSuspend = 0x01,
    WdfRequestStopActionPurge = 0x02,
    WdfRequestStopRequestCancelable = 0x10000000
} WDF_REQUEST_STOP_ACTION_FLAGS;

/* ---- WDF_IO_QUEUE_CONFIG -------------------------------------------------------------- */
typedef struct _WDF_IO_QUEUE_CONFIG {
    ULONG Size;
    WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
    WDF_TRI_STATE PowerManaged;
    BOOLEAN AllowZeroLengthRequests;
    BOOLEAN DefaultQueue;
    PFN_WDF_IO_QUEUE_IO_DEFAULT EvtIoDefault;
    PFN_WDF_IO_QUEUE_IO_READ EvtIoRead;
    PFN_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;
    PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
    PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL EvtIoInternalDeviceControl;
    PFN_WDF_IO_QUEUE_IO_STOP EvtIoStop;
    PFN_WDF_IO_QUEUE_IO_RESUME EvtIoResume;
    PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE EvtIoCanceledOnQueue;
    union {
        struct {
            ULONG NumberOfPresentedRequests;
        } Parallel;
    } Settings;
    WDFDRIVER Driver;
} WDF_IO_QUEUE_CONFIG, *PWDF_IO_QUEUE_CONFIG;

FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT(PWDF_IO_QUEUE_CONFIG Config,
                                          WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    RtlZeroMemory(Config, sizeof(WDF_IO_QUEUE_CONFIG));
    Config->Size = sizeof(WDF_IO_QUEUE_CONFIG);
    Config->PowerManaged = WdfUseDefault;
    Config->DispatchType = DispatchType;
    if (Config->DispatchType == WdfIoQueueDispatchParallel)
        Config->Settings.Parallel.NumberOfPresentedRequests = (ULONG)-1;
}

FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(PWDF_IO_QUEUE_CONFIG Config,
                                                        WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    WDF_IO_QUEUE_CONFIG_INIT(Config, DispatchType);
    Config->DefaultQueue = TRUE;
}

/* ---- queues --------------------------------------------------------------------------- */
WDFAPI NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config,
                                 PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue);
WDFAPI NTSTATUS WdfDeviceConfigureRequestDispatching(WDFDEVICE Device, WDFQUEUE Queue,
                                                     WDF_REQUEST_TYPE RequestType);
WDFAPI WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE Queue);
WDFAPI WDF_IO_QUEUE_STATE WdfIoQueueGetState(WDFQUEUE Queue, PULONG QueueRequests,
                                             PULONG DriverRequests);
WDFAPI VOID WdfIoQueueStart(WDFQUEUE Queue);
WDFAPI VOID WdfIoQueueStop(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopComplete,
                           WDFCONTEXT Context);
WDFAPI VOID WdfIoQueueStopSynchronously(WDFQUEUE Queue);
WDFAPI VOID WdfIoQueueStopAndPurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
                                   WDFCONTEXT Context);
WDFAPI VOID WdfIoQueueStopAndPurgeSynchronously(WDFQUEUE Queue);
WDFAPI VOID WdfIoQueuePurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE PurgeComplete,
                            WDFCONTEXT Context);
WDFAPI VOID WdfIoQueuePurgeSynchronously(WDFQUEUE Queue);
WDFAPI VOID WdfIoQueueDrain(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE DrainComplete,
                            WDFCONTEXT Context);
WDFAPI VOID WdfIoQueueDrainSynchronously(WDFQUEUE Queue);
WDFAPI NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest);
WDFAPI NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE Queue, WDFFILEOBJECT FileObject,
                                                      WDFREQUEST *OutRequest);
WDFAPI NTSTATUS WdfIoQueueFindRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest,
                                      WDFFILEOBJECT FileObject,
                                      PWDF_REQUEST_PARAMETERS Parameters,
                                      WDFREQUEST *OutRequest);
WDFAPI NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest,
                                               WDFREQUEST *OutRequest);
WDFAPI NTSTATUS WdfIoQueueReadyNotify(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE QueueReady,
                                      WDFCONTEXT Context);

/* ---- framework file objects ----------------------------------------------------------- */
WDFAPI WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT FileObject);
WDFAPI PUNICODE_STRING WdfFileObjectGetFileName(WDFFILEOBJECT FileObject);
WDFAPI ULONG WdfFileObjectGetFlags(WDFFILEOBJECT FileObject);
WDFAPI PFILE_OBJECT WdfFileObjectWdmGetFileObject(WDFFILEOBJECT FileObject);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFIO_H */
