/*
 * Poll.c - timer-driven polling: a periodic timer's DPC signals a semaphore; a system
 * thread does the work at PASSIVE_LEVEL.
 */
#include "PollWdm.h"
#include "poll.tmh"

_Use_decl_annotations_
VOID PollWdmTimerDpc(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PPOLLWDM_EXTENSION ext = (PPOLLWDM_EXTENSION)DeferredContext;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    NT_ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL);
    KeReleaseSemaphore(&ext->WorkSemaphore, IO_NO_INCREMENT, 1, FALSE);
}

_Use_decl_annotations_
VOID PollWdmWorker(PVOID StartContext)
{
    PPOLLWDM_EXTENSION ext = (PPOLLWDM_EXTENSION)StartContext;
    PVOID objects[2];
    NTSTATUS status;

    PAGED_CODE();
    KeSetPriorityThread(KeGetCurrentThread(), LOW_REALTIME_PRIORITY);
    objects[0] = &ext->StopEvent;
    objects[1] = &ext->WorkSemaphore;
    for (;;) {
        status = KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE,
                                          NULL, NULL);
        if (status == STATUS_WAIT_0) {
            break;
        }
        KeEnterCriticalRegion();
        ExAcquireResourceSharedLite(&ext->StateResource, TRUE);
        ExAcquireFastMutex(&ext->CountLock);
        ext->PollCount++;
        ExReleaseFastMutex(&ext->CountLock);
        ExReleaseResourceLite(&ext->StateResource);
        KeLeaveCriticalRegion();
        TraceEvents(TRACE_LEVEL_VERBOSE, TRACE_DEVICE, "%!FUNC! poll %d", ext->PollCount);
    }
    TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DEVICE, "%!FUNC! worker exits");
    PsTerminateSystemThread(STATUS_SUCCESS);
}

_Use_decl_annotations_
NTSTATUS PollWdmStartPolling(PPOLLWDM_EXTENSION Extension)
{
    HANDLE thread;
    OBJECT_ATTRIBUTES oa;
    LARGE_INTEGER due;
    NTSTATUS status;

    PAGED_CODE();
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, &oa, NULL, NULL, PollWdmWorker,
                                  Extension);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = ObReferenceObjectByHandle(thread, THREAD_ALL_ACCESS, *PsThreadType, KernelMode,
                                       (PVOID *)&Extension->WorkerThread, NULL);
    ZwClose(thread);
    if (!NT_SUCCESS(status)) {
        KeSetEvent(&Extension->StopEvent, IO_NO_INCREMENT, FALSE);
        return status;
    }
    due.QuadPart = -(LONGLONG)Extension->IntervalMs * 10000;
    KeSetTimerEx(&Extension->PollTimer, due, (LONG)Extension->IntervalMs, &Extension->PollDpc);
    Extension->Started = TRUE;
    TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DEVICE, "%!FUNC! polling every %lu ms",
                Extension->IntervalMs);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
VOID PollWdmStopPolling(PPOLLWDM_EXTENSION Extension)
{
    PAGED_CODE();
    if (!Extension->Started) {
        return;
    }
    KeCancelTimer(&Extension->PollTimer);
    KeFlushQueuedDpcs();
    KeSetEvent(&Extension->StopEvent, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(Extension->WorkerThread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(Extension->WorkerThread);
    Extension->WorkerThread = NULL;
    Extension->Started = FALSE;
}
