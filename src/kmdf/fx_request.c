/* SPDX-License-Identifier: MIT */
/*
 * This file implements the framework request objects of pnpsim's KMDF layer: the WDFREQUEST
 * the framework builds around each incoming IRP, its parameters and buffers (buffered,
 * direct and neither I/O as KMDF documents them), completion with the verifier's checks
 * (double completion, Information larger than the output buffer), cancellation, forwarding
 * to another queue, driver-created requests, and sending requests to I/O targets.
 *
 * Behaviour follows Microsoft Learn (the WdfRequestXxx pages, "Accessing Data Buffers in
 * WDF Drivers", "Canceling I/O Requests", "Sending I/O Requests Synchronously"), the
 * "Bug Check 0x10D WDF_VIOLATION" page and KMDF's open-source FxRequest.
 *
 * Locking: request flags and queue links are guarded by sys->lock, never held across a
 * callout, IoCompleteRequest or IoCallDriver.
 */
#include "fx_io.h"

#define PNPSIM__FX_IRP_SLOT 3 /* Tail.Overlay.DriverContext slot naming the request */

static void request_on_delete(pnpsim__fx_object *o)
{
    pnpsim__fx_request *r = (pnpsim__fx_request *)o;
    /* A request deleted with its device while the driver still held it: KMDF would have
     * waited; pnpsim cancels the IRP so that nothing leaks. */
    if (!r->driver_created && r->irp != NULL && !r->completed && !r->sent)
        pnpsim__fx_request_complete(r, STATUS_CANCELLED, 0, IO_NO_INCREMENT, NULL);
}

static void request_on_destroy(pnpsim__fx_object *o)
{
    pnpsim__fx_request *r = (pnpsim__fx_request *)o;
    if (r->driver_created && r->irp != NULL) {
        IoFreeIrp(r->irp);
        r->irp = NULL;
    }
}

static const pnpsim__fx_ops request_ops = {"WDFREQUEST", request_on_delete, request_on_destroy,
                                           false};

pnpsim__fx_request *pnpsim__fx_request_of_irp(PIRP irp)
{
    return irp != NULL ? (pnpsim__fx_request *)irp->Tail.Overlay.DriverContext[PNPSIM__FX_IRP_SLOT]
                       : NULL;
}

pnpsim__fx_request *pnpsim__fx_request_new(pnpsim__fx_device *d, PIRP irp)
{
    pnpsim_system *sys = d->obj.sys;
    pnpsim__fx_request *r = pnpsim__calloc(sys, 1, sizeof(*r));
    PWDF_OBJECT_ATTRIBUTES attrs = NULL;
    if (r == NULL)
        return NULL;
    r->device = d;
    r->irp = irp;
    r->status = STATUS_PENDING;
    if (d->io != NULL && d->io->request_attributes_set)
        attrs = &d->io->request_attributes;
    if (!NT_SUCCESS(pnpsim__fx_object_init(sys, &r->obj, PNPSIM_FX_REQUEST, &request_ops,
                                           d->obj.driver, &d->obj, attrs, "WDFREQUEST"))) {
        pnpsim__free(sys, r);
        return NULL;
    }
    irp->Tail.Overlay.DriverContext[PNPSIM__FX_IRP_SLOT] = r;
    return r;
}

static pnpsim__fx_request *get_request(WDFREQUEST h, const char *ddi)
{
    return (pnpsim__fx_request *)pnpsim__fx_get((WDFOBJECT)h, PNPSIM_FX_REQUEST, ddi);
}

/* Output buffer length of an incoming request (0 when it has none). */
static size_t output_length(PIO_STACK_LOCATION sp)
{
    switch (sp->MajorFunction) {
    case IRP_MJ_READ:
        return sp->Parameters.Read.Length;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        return sp->Parameters.DeviceIoControl.OutputBufferLength;
    default:
        return 0;
    }
}

void pnpsim__fx_request_complete(pnpsim__fx_request *r, NTSTATUS status, ULONG_PTR info,
                                 CCHAR boost, const char *ddi)
{
    pnpsim_system *sys = r->obj.sys;
    pnpsim__fx_queue *q;
    PIRP irp = r->irp;
    PIO_STACK_LOCATION sp;
    pnpsim__fx_fileobj *create_file;
    UCHAR major;

    if (r->completed || irp == NULL || r->driver_created) {
        /* Bug check 0x10D, parameter 1 0x6 (WDF_REQUEST_FATAL_ERROR), parameter 2 0x2: the
         * request no longer carries an IRP (it was completed already). */
        pnpsim__bugcheck(sys, WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR,
                         WDF_REQUEST_FATAL_ERROR_NULL_IRP, (ULONG_PTR)r,
                         (ULONG_PTR)(ddi != NULL ? ddi : "WdfRequestComplete"),
                         "%s: WDFREQUEST %p has no IRP to complete (already completed, or "
                         "created by the driver)",
                         ddi != NULL ? ddi : "WdfRequestComplete", (void *)r);
        return;
    }
    sp = IoGetCurrentIrpStackLocation(irp);
    major = sp->MajorFunction;
    if (ddi != NULL && NT_SUCCESS(status) &&
        (major == IRP_MJ_READ ||
         ((major == IRP_MJ_DEVICE_CONTROL || major == IRP_MJ_INTERNAL_DEVICE_CONTROL) &&
          METHOD_FROM_CTL_CODE(sp->Parameters.DeviceIoControl.IoControlCode) ==
              METHOD_BUFFERED)) &&
        info > output_length(sp)) {
        /* Bug check 0x10D/0x6/0x4: more bytes reported than the output buffer holds. */
        r->mismatch.Request = (WDFREQUEST)r;
        r->mismatch.Irp = irp;
        r->mismatch.OutputBufferLength = (ULONG)output_length(sp);
        r->mismatch.Information = info;
        r->mismatch.MajorFunction = major;
        pnpsim__bugcheck(sys, WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR,
                         WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH,
                         (ULONG_PTR)&r->mismatch, 0,
                         "%s: Information %lu exceeds the output buffer (%lu bytes)", ddi,
                         (unsigned long)info, (unsigned long)output_length(sp));
        info = output_length(sp);
    }
    pnpsim__lock(sys);
    if (r->completed) {
        pnpsim__unlock(sys);
        return;
    }
    r->completed = true;
    q = r->queue;
    if (r->on_queue) {
        RemoveEntryList(&r->qlink);
        r->on_queue = false;
        q->pending_count--;
    }
    if (r->owned) {
        RemoveEntryList(&r->olink);
        r->owned = false;
        q->driver_count--;
    }
    create_file = r->create_file;
    r->create_file = NULL;
    r->status = status;
    r->info = info;
    r->irp = NULL;
    pnpsim__unlock(sys);
    if (r->cancelable)
        (void)IoSetCancelRoutine(irp, NULL);
    irp->Tail.Overlay.DriverContext[PNPSIM__FX_IRP_SLOT] = NULL;
    if (major == IRP_MJ_CREATE && !NT_SUCCESS(status) && create_file != NULL)
        pnpsim__fx_object_delete(&create_file->obj);
    pnpsim__fx_trace(r->device, &status, "WDFREQUEST %p (major 0x%x) completed, Information %lu",
                     (void *)r, (unsigned)major, (unsigned long)info);
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, boost);
    if (q != NULL)
        pnpsim__fx_ref(&q->obj);
    pnpsim__fx_object_delete(&r->obj);
    if (q != NULL) {
        pnpsim__fx_queue_request_done(q);
        pnpsim__fx_unref(&q->obj);
    }
}

/* Windows behaviour: "WdfRequestComplete" / "...WithInformation" / "...WithPriorityBoost":
 * <= DISPATCH_LEVEL; completes the request (the request object goes away). Completing again
 * is a verifier bug check (0x10D); Information larger than the output buffer of a read or
 * buffered IOCTL is 0x10D/0x6/0x4. Simulation: as described; a second completion of a
 * request the driver still references is 0x10D/0x6/0x2, of one it does not reference
 * 0x10D/0x5 (the handle is gone). */
WDFAPI VOID WdfRequestCompleteWithPriorityBoost(WDFREQUEST Request, NTSTATUS Status,
                                                CCHAR PriorityBoost)
{
    static const char ddi[] = "WdfRequestCompleteWithPriorityBoost";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    pnpsim__fx_request_complete(r, Status, r->info, PriorityBoost, ddi);
}

WDFAPI VOID WdfRequestComplete(WDFREQUEST Request, NTSTATUS Status)
{
    static const char ddi[] = "WdfRequestComplete";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    pnpsim__fx_request_complete(r, Status, r->info, IO_NO_INCREMENT, ddi);
}

WDFAPI VOID WdfRequestCompleteWithInformation(WDFREQUEST Request, NTSTATUS Status,
                                              ULONG_PTR Information)
{
    static const char ddi[] = "WdfRequestCompleteWithInformation";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    pnpsim__fx_request_complete(r, Status, Information, IO_NO_INCREMENT, ddi);
}

/* Windows behaviour: "WdfRequestSetInformation" / "WdfRequestGetInformation": the IRP's
 * IoStatus.Information to be. Simulation: as described. */
WDFAPI VOID WdfRequestSetInformation(WDFREQUEST Request, ULONG_PTR Information)
{
    static const char ddi[] = "WdfRequestSetInformation";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    r->info = Information;
}

WDFAPI ULONG_PTR WdfRequestGetInformation(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetInformation";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return 0;
    return r->info;
}

/* Windows behaviour: "WdfRequestGetStatus": the status of a request that was sent (the
 * IRP's IoStatus.Status), STATUS_PENDING before. Simulation: as described. */
WDFAPI NTSTATUS WdfRequestGetStatus(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetStatus";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_HANDLE;
    if (r->cparams.Size != 0)
        return r->cparams.IoStatus.Status;
    if (r->irp != NULL && !r->driver_created && !r->sent)
        return r->irp->IoStatus.Status;
    return r->status;
}

/* Windows behaviour: "WdfRequestGetParameters": fills WDF_REQUEST_PARAMETERS from the IRP's
 * current stack location. Simulation: as described. */
WDFAPI VOID WdfRequestGetParameters(WDFREQUEST Request, PWDF_REQUEST_PARAMETERS Parameters)
{
    static const char ddi[] = "WdfRequestGetParameters";
    pnpsim__fx_request *r = get_request(Request, ddi);
    PIO_STACK_LOCATION sp;
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(r->obj.sys, Parameters, "Parameters", ddi) || r->irp == NULL)
        return;
    sp = r->driver_created ? IoGetNextIrpStackLocation(r->irp)
                           : IoGetCurrentIrpStackLocation(r->irp);
    RtlZeroMemory(Parameters, sizeof(*Parameters));
    Parameters->Size = sizeof(*Parameters);
    Parameters->Type = (WDF_REQUEST_TYPE)sp->MajorFunction;
    Parameters->MinorFunction = sp->MinorFunction;
    switch (sp->MajorFunction) {
    case IRP_MJ_CREATE:
        Parameters->Parameters.Create.SecurityContext = sp->Parameters.Create.SecurityContext;
        Parameters->Parameters.Create.Options = sp->Parameters.Create.Options;
        Parameters->Parameters.Create.FileAttributes = sp->Parameters.Create.FileAttributes;
        Parameters->Parameters.Create.ShareAccess = sp->Parameters.Create.ShareAccess;
        Parameters->Parameters.Create.EaLength = sp->Parameters.Create.EaLength;
        break;
    case IRP_MJ_READ:
        Parameters->Parameters.Read.Length = sp->Parameters.Read.Length;
        Parameters->Parameters.Read.Key = sp->Parameters.Read.Key;
        Parameters->Parameters.Read.DeviceOffset = sp->Parameters.Read.ByteOffset.QuadPart;
        break;
    case IRP_MJ_WRITE:
        Parameters->Parameters.Write.Length = sp->Parameters.Write.Length;
        Parameters->Parameters.Write.Key = sp->Parameters.Write.Key;
        Parameters->Parameters.Write.DeviceOffset = sp->Parameters.Write.ByteOffset.QuadPart;
        break;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        Parameters->Parameters.DeviceIoControl.OutputBufferLength =
            sp->Parameters.DeviceIoControl.OutputBufferLength;
        Parameters->Parameters.DeviceIoControl.InputBufferLength =
            sp->Parameters.DeviceIoControl.InputBufferLength;
        Parameters->Parameters.DeviceIoControl.IoControlCode =
            sp->Parameters.DeviceIoControl.IoControlCode;
        Parameters->Parameters.DeviceIoControl.Type3InputBuffer =
            sp->Parameters.DeviceIoControl.Type3InputBuffer;
        break;
    default:
        Parameters->Parameters.Others.Arg1 = sp->Parameters.Others.Argument1;
        Parameters->Parameters.Others.Arg2 = sp->Parameters.Others.Argument2;
        Parameters->Parameters.Others.Arg4 = sp->Parameters.Others.Argument4;
        break;
    }
}

/* Where a request's input (want_output false) or output buffer is, as KMDF documents in
 * "Accessing Data Buffers in WDF Drivers": buffered I/O -> the system buffer; direct I/O ->
 * the MDL (pnpsim builds none: the caller's buffer, UserBuffer); neither I/O and
 * METHOD_NEITHER -> STATUS_INVALID_DEVICE_REQUEST (WdfRequestRetrieveUnsafeUser*Buffer is for
 * those). Reads have no input buffer and writes no output buffer. */
static NTSTATUS locate_buffer(pnpsim__fx_request *r, bool want_output, PVOID *buf, size_t *len,
                              const char *ddi)
{
    PIRP irp = r->irp;
    PIO_STACK_LOCATION sp;
    ULONG flags;
    *buf = NULL;
    *len = 0;
    if (irp == NULL || r->driver_created)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: the request has no I/O buffer",
                              ddi);
    sp = IoGetCurrentIrpStackLocation(irp);
    flags = r->device != NULL && r->device->self != NULL ? r->device->self->Flags : 0;
    switch (sp->MajorFunction) {
    case IRP_MJ_READ:
    case IRP_MJ_WRITE:
        if (want_output != (sp->MajorFunction == IRP_MJ_READ))
            return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: a %s has no %s buffer",
                                  ddi, sp->MajorFunction == IRP_MJ_READ ? "read" : "write",
                                  want_output ? "output" : "input");
        *len = sp->MajorFunction == IRP_MJ_READ ? sp->Parameters.Read.Length
                                                : sp->Parameters.Write.Length;
        if (flags & DO_BUFFERED_IO)
            *buf = irp->AssociatedIrp.SystemBuffer;
        else if (flags & DO_DIRECT_IO)
            *buf = irp->UserBuffer;
        else
            return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                                  "%s: the device uses neither buffered nor direct I/O", ddi);
        return STATUS_SUCCESS;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL: {
        ULONG method = METHOD_FROM_CTL_CODE(sp->Parameters.DeviceIoControl.IoControlCode);
        if (method == METHOD_NEITHER) {
            if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL)
                return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                                      "%s: METHOD_NEITHER IOCTL 0x%lx: use the unsafe user "
                                      "buffer methods", ddi,
                                      (unsigned long)sp->Parameters.DeviceIoControl.IoControlCode);
            *buf = want_output ? irp->UserBuffer
                               : sp->Parameters.DeviceIoControl.Type3InputBuffer;
        } else if (!want_output || method == METHOD_BUFFERED) {
            *buf = irp->AssociatedIrp.SystemBuffer;
        } else {
            *buf = irp->MdlAddress != NULL ? NULL : irp->UserBuffer;
        }
        *len = want_output ? sp->Parameters.DeviceIoControl.OutputBufferLength
                           : sp->Parameters.DeviceIoControl.InputBufferLength;
        return STATUS_SUCCESS;
    }
    default:
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: major 0x%x has no data buffer", ddi, (unsigned)sp->MajorFunction);
    }
}

static NTSTATUS retrieve_buffer(WDFREQUEST Request, size_t min, PVOID *Buffer, size_t *Length,
                                bool output, const char *ddi)
{
    pnpsim__fx_request *r = get_request(Request, ddi);
    pnpsim_system *sys;
    NTSTATUS status;
    PVOID buf;
    size_t len;
    if (r == NULL)
        return STATUS_INVALID_HANDLE;
    sys = r->obj.sys;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Buffer, "Buffer", ddi))
        return STATUS_INVALID_PARAMETER;
    *Buffer = NULL;
    if (Length != NULL)
        *Length = 0;
    status = locate_buffer(r, output, &buf, &len, ddi);
    if (!NT_SUCCESS(status))
        return status;
    if (len == 0 || buf == NULL || len < min)
        return pnpsim__status(STATUS_BUFFER_TOO_SMALL,
                              "%s: buffer of %zu bytes, at least %zu required", ddi, len,
                              min == 0 ? (size_t)1 : min);
    *Buffer = buf;
    if (Length != NULL)
        *Length = len;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfRequestRetrieveInputBuffer" / "WdfRequestRetrieveOutputBuffer":
 * <= DISPATCH_LEVEL; STATUS_BUFFER_TOO_SMALL when the buffer is empty or shorter than
 * MinimumRequiredLength; STATUS_INVALID_DEVICE_REQUEST for a request type without such a
 * buffer or METHOD_NEITHER. Simulation: as described (see locate_buffer). */
WDFAPI NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST Request, size_t MinimumRequiredLength,
                                              PVOID *Buffer, size_t *Length)
{
    return retrieve_buffer(Request, MinimumRequiredLength, Buffer, Length, false,
                           "WdfRequestRetrieveInputBuffer");
}

WDFAPI NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST Request, size_t MinimumRequiredSize,
                                               PVOID *Buffer, size_t *Length)
{
    return retrieve_buffer(Request, MinimumRequiredSize, Buffer, Length, true,
                           "WdfRequestRetrieveOutputBuffer");
}

static NTSTATUS retrieve_memory(WDFREQUEST Request, WDFMEMORY *Memory, bool output,
                                const char *ddi)
{
    pnpsim__fx_request *r = get_request(Request, ddi);
    pnpsim_system *sys;
    NTSTATUS status;
    PVOID buf;
    size_t len;
    pnpsim__fx_memory **slot;
    if (r == NULL)
        return STATUS_INVALID_HANDLE;
    sys = r->obj.sys;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Memory, "Memory", ddi))
        return STATUS_INVALID_PARAMETER;
    *Memory = NULL;
    status = locate_buffer(r, output, &buf, &len, ddi);
    if (!NT_SUCCESS(status))
        return status;
    if (len == 0 || buf == NULL)
        return pnpsim__status(STATUS_BUFFER_TOO_SMALL, "%s: the buffer is empty", ddi);
    slot = output ? &r->out_mem : &r->in_mem;
    if (*slot == NULL) {
        *slot = pnpsim__fx_memory_wrap(sys, r->obj.driver, &r->obj, buf, len, ddi);
        if (*slot == NULL)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    }
    *Memory = (WDFMEMORY)*slot;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfRequestRetrieveInputMemory" / "...OutputMemory": a framework
 * memory object for the buffer, owned by the request. Simulation: as described. */
WDFAPI NTSTATUS WdfRequestRetrieveInputMemory(WDFREQUEST Request, WDFMEMORY *Memory)
{
    return retrieve_memory(Request, Memory, false, "WdfRequestRetrieveInputMemory");
}

WDFAPI NTSTATUS WdfRequestRetrieveOutputMemory(WDFREQUEST Request, WDFMEMORY *Memory)
{
    return retrieve_memory(Request, Memory, true, "WdfRequestRetrieveOutputMemory");
}

WDFAPI NTSTATUS WdfRequestRetrieveInputWdmMdl(WDFREQUEST Request, PMDL *Mdl)
{
    (void)Request;
    (void)Mdl;
    return pnpsim__fx_not_implemented("WdfRequestRetrieveInputWdmMdl");
}

WDFAPI NTSTATUS WdfRequestRetrieveOutputWdmMdl(WDFREQUEST Request, PMDL *Mdl)
{
    (void)Request;
    (void)Mdl;
    return pnpsim__fx_not_implemented("WdfRequestRetrieveOutputWdmMdl");
}

WDFAPI NTSTATUS WdfRequestRetrieveUnsafeUserInputBuffer(WDFREQUEST Request,
                                                        size_t MinimumRequiredLength,
                                                        PVOID *InputBuffer, size_t *Length)
{
    (void)Request;
    (void)MinimumRequiredLength;
    (void)InputBuffer;
    (void)Length;
    return pnpsim__fx_not_implemented("WdfRequestRetrieveUnsafeUserInputBuffer");
}

WDFAPI NTSTATUS WdfRequestRetrieveUnsafeUserOutputBuffer(WDFREQUEST Request,
                                                         size_t MinimumRequiredLength,
                                                         PVOID *OutputBuffer, size_t *Length)
{
    (void)Request;
    (void)MinimumRequiredLength;
    (void)OutputBuffer;
    (void)Length;
    return pnpsim__fx_not_implemented("WdfRequestRetrieveUnsafeUserOutputBuffer");
}

WDFAPI NTSTATUS WdfRequestProbeAndLockUserBufferForRead(WDFREQUEST Request, PVOID Buffer,
                                                        size_t Length, WDFMEMORY *MemoryObject)
{
    (void)Request;
    (void)Buffer;
    (void)Length;
    (void)MemoryObject;
    return pnpsim__fx_not_implemented("WdfRequestProbeAndLockUserBufferForRead");
}

WDFAPI NTSTATUS WdfRequestProbeAndLockUserBufferForWrite(WDFREQUEST Request, PVOID Buffer,
                                                         size_t Length, WDFMEMORY *MemoryObject)
{
    (void)Request;
    (void)Buffer;
    (void)Length;
    (void)MemoryObject;
    return pnpsim__fx_not_implemented("WdfRequestProbeAndLockUserBufferForWrite");
}

/* Windows behaviour: "WdfRequestWdmGetIrp": the IRP (valid until completion). Simulation:
 * as described. */
WDFAPI PIRP WdfRequestWdmGetIrp(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestWdmGetIrp";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return r->irp;
}

/* Windows behaviour: "WdfRequestGetIoQueue": the queue that delivered the request, NULL for
 * driver-created ones. Simulation: as described. */
WDFAPI WDFQUEUE WdfRequestGetIoQueue(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetIoQueue";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return (WDFQUEUE)r->queue;
}

/* Windows behaviour: "WdfRequestGetFileObject": the framework file object of the request's
 * FILE_OBJECT, or NULL. Simulation: as described. */
WDFAPI WDFFILEOBJECT WdfRequestGetFileObject(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetFileObject";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) || r->irp == NULL ||
        r->driver_created)
        return NULL;
    if (r->create_file != NULL)
        return (WDFFILEOBJECT)r->create_file;
    return (WDFFILEOBJECT)pnpsim__fx_file_of(r->device,
                                             IoGetCurrentIrpStackLocation(r->irp)->FileObject);
}

/* Windows behaviour: "WdfRequestGetRequestorMode": the IRP's RequestorMode. */
WDFAPI KPROCESSOR_MODE WdfRequestGetRequestorMode(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetRequestorMode";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) || r->irp == NULL)
        return KernelMode;
    return r->irp->RequestorMode;
}

WDFAPI BOOLEAN WdfRequestIsFrom32BitProcess(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestIsFrom32BitProcess";
    pnpsim__fx_request *r = get_request(Request, ddi);
    (void)r;
    return FALSE;
}

/* The I/O manager cancels an IRP whose request the driver marked cancelable. */
static VOID NTAPI request_cancel_routine(PDEVICE_OBJECT dev, PIRP irp)
{
    pnpsim__fx_request *r = pnpsim__fx_request_of_irp(irp);
    PFN_WDF_REQUEST_CANCEL cb;
    pnpsim__fx_call c;
    (void)dev;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    if (r == NULL)
        return;
    cb = r->cancel_cb;
    r->cancelable = false;
    if (cb == NULL)
        return;
    pnpsim__fx_call_begin(r->obj.sys, r->obj.driver, &c, "EvtRequestCancel");
    cb((WDFREQUEST)r);
    pnpsim__fx_call_end(r->obj.sys, &c);
}

static NTSTATUS mark_cancelable(pnpsim__fx_request *r, PFN_WDF_REQUEST_CANCEL cb, bool ex)
{
    PIRP irp = r->irp;
    if (irp == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    r->cancel_cb = cb;
    r->cancelable = true;
    IoSetCancelRoutine(irp, request_cancel_routine);
    if (irp->Cancel && IoSetCancelRoutine(irp, NULL) != NULL) {
        r->cancelable = false;
        if (ex)
            return STATUS_CANCELLED; /* "WdfRequestMarkCancelableEx": not marked */
        /* "WdfRequestMarkCancelable": already cancelled: the callback runs now. */
        pnpsim__fx_call c;
        pnpsim__fx_call_begin(r->obj.sys, r->obj.driver, &c, "EvtRequestCancel");
        cb((WDFREQUEST)r);
        pnpsim__fx_call_end(r->obj.sys, &c);
    }
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfRequestMarkCancelable(Ex)": <= DISPATCH_LEVEL; EvtRequestCancel
 * runs if the IRP is cancelled; Ex returns STATUS_CANCELLED (not marked) if it already was,
 * the plain form calls the callback at once. EvtRequestCancel is required.
 * Simulation: as described. */
WDFAPI VOID WdfRequestMarkCancelable(WDFREQUEST Request, PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    static const char ddi[] = "WdfRequestMarkCancelable";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(r->obj.sys, (const void *)(uintptr_t)EvtRequestCancel,
                              "EvtRequestCancel", ddi))
        return;
    (void)mark_cancelable(r, EvtRequestCancel, false);
}

WDFAPI NTSTATUS WdfRequestMarkCancelableEx(WDFREQUEST Request,
                                           PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    static const char ddi[] = "WdfRequestMarkCancelableEx";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(r->obj.sys, (const void *)(uintptr_t)EvtRequestCancel,
                              "EvtRequestCancel", ddi))
        return STATUS_INVALID_PARAMETER;
    return mark_cancelable(r, EvtRequestCancel, true);
}

/* Windows behaviour: "WdfRequestUnmarkCancelable": STATUS_CANCELLED if the cancel callback
 * has been or is being called (the driver must not complete it then ... the callback does);
 * STATUS_SUCCESS otherwise. Simulation: as described. */
WDFAPI NTSTATUS WdfRequestUnmarkCancelable(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestUnmarkCancelable";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) || r->irp == NULL)
        return STATUS_INVALID_PARAMETER;
    if (IoSetCancelRoutine(r->irp, NULL) == NULL)
        return STATUS_CANCELLED;
    r->cancelable = false;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfRequestIsCanceled": the IRP's Cancel flag. */
WDFAPI BOOLEAN WdfRequestIsCanceled(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestIsCanceled";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) || r->irp == NULL)
        return FALSE;
    return r->irp->Cancel;
}

/* Windows behaviour: "WdfRequestCancelSentRequest": cancels a request the driver sent to an
 * I/O target (IoCancelIrp). Simulation: as described. */
WDFAPI BOOLEAN WdfRequestCancelSentRequest(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestCancelSentRequest";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) || r->irp == NULL ||
        !r->sent)
        return FALSE;
    return IoCancelIrp(r->irp);
}

/* Windows behaviour: "WdfRequestStopAcknowledge": the driver acknowledges EvtIoStop;
 * Requeue TRUE puts the request back at the head of its queue. Simulation: as described
 * (without Requeue the driver keeps the request). */
WDFAPI VOID WdfRequestStopAcknowledge(WDFREQUEST Request, BOOLEAN Requeue)
{
    static const char ddi[] = "WdfRequestStopAcknowledge";
    pnpsim__fx_request *r = get_request(Request, ddi);
    pnpsim__fx_queue *q;
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) || !Requeue)
        return;
    q = r->queue;
    if (q == NULL || r->irp == NULL)
        return;
    pnpsim__lock(r->obj.sys);
    if (r->owned) {
        RemoveEntryList(&r->olink);
        r->owned = false;
        q->driver_count--;
    }
    pnpsim__unlock(r->obj.sys);
    (void)pnpsim__fx_queue_insert(q, r, true);
}

/* Windows behaviour: "WdfRequestRequeue": a request from a manual queue goes back to the
 * head of that queue; other queues -> STATUS_INVALID_DEVICE_REQUEST. */
WDFAPI NTSTATUS WdfRequestRequeue(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestRequeue";
    pnpsim__fx_request *r = get_request(Request, ddi);
    pnpsim__fx_queue *q;
    if (r == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_PARAMETER;
    q = r->queue;
    if (q == NULL || q->cfg.DispatchType != WdfIoQueueDispatchManual || !r->owned)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: only a request from a manual queue can be requeued", ddi);
    pnpsim__lock(r->obj.sys);
    RemoveEntryList(&r->olink);
    r->owned = false;
    q->driver_count--;
    pnpsim__unlock(r->obj.sys);
    return pnpsim__fx_queue_insert(q, r, true) == STATUS_PENDING ? STATUS_SUCCESS
                                                                 : STATUS_INVALID_DEVICE_STATE;
}

/*
 * Windows behaviour: "WdfRequestForwardToIoQueue": <= DISPATCH_LEVEL; moves a request the
 * driver received from one queue to another queue of the same device; the same queue ->
 * STATUS_INVALID_DEVICE_REQUEST; a queue that does not accept requests ->
 * STATUS_INVALID_DEVICE_STATE (the request stays the driver's). Simulation: as described.
 */
WDFAPI NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST Request, WDFQUEUE DestinationQueue)
{
    static const char ddi[] = "WdfRequestForwardToIoQueue";
    pnpsim__fx_request *r = get_request(Request, ddi);
    pnpsim__fx_queue *dst, *src;
    pnpsim_system *sys;
    NTSTATUS status;
    if (r == NULL)
        return STATUS_INVALID_HANDLE;
    sys = r->obj.sys;
    dst = (pnpsim__fx_queue *)pnpsim__fx_get((WDFOBJECT)DestinationQueue, PNPSIM_FX_QUEUE, ddi);
    if (dst == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return STATUS_INVALID_PARAMETER;
    src = r->queue;
    if (src == dst || !r->owned || r->irp == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: the request is not the driver's or the queue is its own", ddi);
    if (dst->device != r->device)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: the destination queue belongs to another device", ddi);
    pnpsim__lock(sys);
    if (!dst->accepting) {
        pnpsim__unlock(sys);
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "%s: the destination queue does not accept requests", ddi);
    }
    RemoveEntryList(&r->olink);
    r->owned = false;
    src->driver_count--;
    pnpsim__unlock(sys);
    pnpsim__fx_trace(r->device, NULL, "WDFREQUEST %p forwarded from WDFQUEUE %p to %p",
                     (void *)r, (void *)src, (void *)dst);
    (void)pnpsim__fx_queue_insert(dst, r, false);
    pnpsim__fx_queue_request_done(src);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfRequestFormatRequestUsingCurrentType": the next stack location
 * becomes a copy of the current one (to send the request on unchanged). */
WDFAPI VOID WdfRequestFormatRequestUsingCurrentType(WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestFormatRequestUsingCurrentType";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    if (r->irp == NULL || r->driver_created) {
        pnpsim__bugcheck(r->obj.sys, WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR,
                         WDF_REQUEST_FATAL_ERROR_NULL_IRP, (ULONG_PTR)r, (ULONG_PTR)ddi,
                         "%s: WDFREQUEST %p has no current stack location to copy", ddi,
                         (void *)r);
        return;
    }
    if (r->irp->CurrentLocation <= 1) {
        pnpsim__bugcheck(r->obj.sys, WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR,
                         WDF_REQUEST_FATAL_ERROR_NO_MORE_STACK_LOCATIONS, (ULONG_PTR)r->irp, 0,
                         "%s: the IRP has no next stack location", ddi);
        return;
    }
    IoCopyCurrentIrpStackLocationToNext(r->irp);
    r->formatted = true;
}

/* Windows behaviour: "WdfRequestWdmFormatUsingStackLocation": the next stack location
 * becomes a copy of Stack. */
WDFAPI VOID WdfRequestWdmFormatUsingStackLocation(WDFREQUEST Request, PIO_STACK_LOCATION Stack)
{
    static const char ddi[] = "WdfRequestWdmFormatUsingStackLocation";
    pnpsim__fx_request *r = get_request(Request, ddi);
    PIO_STACK_LOCATION next;
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(r->obj.sys, Stack, "Stack", ddi) || r->irp == NULL)
        return;
    if (r->irp->CurrentLocation <= 1) {
        pnpsim__bugcheck(r->obj.sys, WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR,
                         WDF_REQUEST_FATAL_ERROR_NO_MORE_STACK_LOCATIONS, (ULONG_PTR)r->irp, 0,
                         "%s: the IRP has no next stack location", ddi);
        return;
    }
    next = IoGetNextIrpStackLocation(r->irp);
    *next = *Stack;
    next->CompletionRoutine = NULL;
    next->Context = NULL;
    next->Control = 0;
    r->formatted = true;
}

/* Windows behaviour: "WdfRequestSetCompletionRoutine": the routine the framework calls when
 * the target completes the request. */
WDFAPI VOID WdfRequestSetCompletionRoutine(WDFREQUEST Request,
                                           PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine,
                                           WDFCONTEXT CompletionContext)
{
    static const char ddi[] = "WdfRequestSetCompletionRoutine";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi))
        return;
    r->completion = CompletionRoutine;
    r->completion_ctx = CompletionContext;
}

WDFAPI VOID WdfRequestGetCompletionParams(WDFREQUEST Request,
                                          PWDF_REQUEST_COMPLETION_PARAMS Params)
{
    static const char ddi[] = "WdfRequestGetCompletionParams";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL || !pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(r->obj.sys, Params, "Params", ddi))
        return;
    *Params = r->cparams;
    Params->Size = sizeof(*Params);
}

/* IRP completion routine of a request the driver sent: record the result, then wake the
 * synchronous sender or call the driver's completion routine. The IRP stays ours
 * (STATUS_MORE_PROCESSING_REQUIRED) until the driver completes or deletes the request. */
static NTSTATUS NTAPI sent_completion(PDEVICE_OBJECT dev, PIRP irp, PVOID ctx)
{
    pnpsim__fx_request *r = ctx;
    PIO_STACK_LOCATION sp;
    (void)dev;
    sp = r->driver_created || r->irp == NULL ? NULL : IoGetCurrentIrpStackLocation(irp);
    RtlZeroMemory(&r->cparams, sizeof(r->cparams));
    r->cparams.Size = sizeof(r->cparams);
    r->cparams.Type = sp != NULL ? (WDF_REQUEST_TYPE)sp->MajorFunction : WdfRequestTypeOther;
    r->cparams.IoStatus = irp->IoStatus;
    r->status = irp->IoStatus.Status;
    r->sent = false;
    if (r->sync) {
        KeSetEvent(&r->sync_done, IO_NO_INCREMENT, FALSE);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    if (r->completion != NULL) {
        pnpsim__fx_call c;
        pnpsim__fx_call_begin(r->obj.sys, r->obj.driver, &c, "EvtRequestCompletionRoutine");
        r->completion((WDFREQUEST)r, r->target, &r->cparams, r->completion_ctx);
        pnpsim__fx_call_end(r->obj.sys, &c);
    } else if (!r->driver_created) {
        /* pnpsim's choice: without a completion routine the framework completes an incoming
         * request with the target's result. */
        pnpsim__fx_request_complete(r, irp->IoStatus.Status, irp->IoStatus.Information,
                                    IO_NO_INCREMENT, NULL);
    }
    pnpsim__fx_unref(&r->obj);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/*
 * Windows behaviour: "WdfRequestSend": sends the request to the target's device object;
 * TRUE when sent (the result comes by completion routine or, for
 * WDF_REQUEST_SEND_OPTION_SYNCHRONOUS, is in WdfRequestGetStatus on return), FALSE when it
 * could not be sent (WdfRequestGetStatus says why). WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET:
 * the request leaves the driver (it must not be formatted; no completion routine). Sending
 * a request that is already sent: 0x10D/0x6/0x3. Synchronous with a timeout: the request is
 * cancelled when the timeout expires (STATUS_IO_TIMEOUT-like: the target's status).
 * Simulation: as described; the target's device and file object come from
 * WdfIoTargetWdmGetTargetDeviceObject / WdfIoTargetWdmGetTargetFileObject; an unformatted
 * request is formatted with its current type; timeouts are not modelled (the wait ends
 * when the target completes).
 */
WDFAPI BOOLEAN WdfRequestSend(WDFREQUEST Request, WDFIOTARGET Target,
                              PWDF_REQUEST_SEND_OPTIONS Options)
{
    static const char ddi[] = "WdfRequestSend";
    pnpsim__fx_request *r = get_request(Request, ddi);
    pnpsim_system *sys;
    PDEVICE_OBJECT tdev;
    PFILE_OBJECT tfile;
    PIRP irp;
    ULONG flags = 0;
    NTSTATUS status;
    if (r == NULL)
        return FALSE;
    sys = r->obj.sys;
    if (pnpsim__fault_ddi(sys, ddi, &status)) {
        r->status = status;
        return FALSE;
    }
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi))
        return FALSE;
    if (Options != NULL) {
        if (Options->Size != sizeof(WDF_REQUEST_SEND_OPTIONS)) {
            r->status = pnpsim__status(STATUS_INFO_LENGTH_MISMATCH, "%s: Options->Size %lu", ddi,
                                       (unsigned long)Options->Size);
            return FALSE;
        }
        flags = Options->Flags;
    }
    if (r->sent) {
        pnpsim__bugcheck(sys, WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR,
                         WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT, (ULONG_PTR)r, 0,
                         "%s: WDFREQUEST %p has already been sent", ddi, (void *)r);
        return FALSE;
    }
    irp = r->irp;
    if (irp == NULL) {
        pnpsim__bugcheck(sys, WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR,
                         WDF_REQUEST_FATAL_ERROR_NULL_IRP, (ULONG_PTR)r, (ULONG_PTR)ddi,
                         "%s: WDFREQUEST %p has no IRP", ddi, (void *)r);
        return FALSE;
    }
    tdev = WdfIoTargetWdmGetTargetDeviceObject(Target);
    tfile = WdfIoTargetWdmGetTargetFileObject(Target);
    if (tdev == NULL) {
        r->status = pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the target is not open", ddi);
        return FALSE;
    }
    if (flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) {
        pnpsim__fx_queue *q = r->queue;
        if (r->driver_created || r->formatted) {
            r->status = pnpsim__status(STATUS_INVALID_PARAMETER,
                                       "%s: send-and-forget needs an unformatted incoming "
                                       "request", ddi);
            return FALSE;
        }
        pnpsim__lock(sys);
        if (r->owned) {
            RemoveEntryList(&r->olink);
            r->owned = false;
            q->driver_count--;
        }
        r->completed = true;
        r->irp = NULL;
        pnpsim__unlock(sys);
        irp->Tail.Overlay.DriverContext[PNPSIM__FX_IRP_SLOT] = NULL;
        pnpsim__fx_trace(r->device, NULL, "WdfRequestSend: WDFREQUEST %p sent and forgotten",
                         (void *)r);
        if (q != NULL)
            pnpsim__fx_ref(&q->obj);
        pnpsim__fx_object_delete(&r->obj);
        IoSkipCurrentIrpStackLocation(irp);
        if (tfile != NULL)
            IoGetNextIrpStackLocation(irp)->FileObject = tfile;
        (void)IoCallDriver(tdev, irp);
        if (q != NULL) {
            pnpsim__fx_queue_request_done(q);
            pnpsim__fx_unref(&q->obj);
        }
        return TRUE;
    }
    if (!r->formatted) {
        if (r->driver_created) {
            r->status = pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                                       "%s: a driver-created request must be formatted", ddi);
            return FALSE;
        }
        if (irp->CurrentLocation <= 1) {
            pnpsim__bugcheck(sys, WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR,
                             WDF_REQUEST_FATAL_ERROR_NO_MORE_STACK_LOCATIONS, (ULONG_PTR)irp, 0,
                             "%s: the IRP has no stack location left for the target", ddi);
            return FALSE;
        }
        IoCopyCurrentIrpStackLocationToNext(irp);
    }
    if (tfile != NULL && IoGetNextIrpStackLocation(irp)->FileObject == NULL)
        IoGetNextIrpStackLocation(irp)->FileObject = tfile;
    r->target = Target;
    r->sync = (flags & WDF_REQUEST_SEND_OPTION_SYNCHRONOUS) != 0;
    r->sent = true;
    r->formatted = false;
    r->status = STATUS_PENDING;
    if (r->sync) {
        if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi)) {
            r->sent = false;
            return FALSE;
        }
        KeInitializeEvent(&r->sync_done, NotificationEvent, FALSE);
    } else {
        pnpsim__fx_ref(&r->obj); /* until the completion routine ran */
    }
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    IoSetCompletionRoutine(irp, sent_completion, r, TRUE, TRUE, TRUE);
    pnpsim__fx_trace(r->device, NULL, "WdfRequestSend: WDFREQUEST %p to device object %p%s",
                     (void *)r, (void *)tdev, r->sync ? " (synchronous)" : "");
    status = IoCallDriver(tdev, irp);
    if (r->sync) {
        if (status == STATUS_PENDING)
            KeWaitForSingleObject(&r->sync_done, Executive, KernelMode, FALSE, NULL);
        r->sync = false;
    }
    return TRUE;
}

/*
 * Windows behaviour: "WdfRequestCreate": PASSIVE_LEVEL... (<= DISPATCH_LEVEL); a request the
 * driver sends itself, with an IRP of the target's stack size (1 without a target); the
 * driver deletes it (WdfObjectDelete) or reuses it.
 * Simulation: as described; the IRP has one more stack location than the target's stack.
 */
WDFAPI NTSTATUS WdfRequestCreate(PWDF_OBJECT_ATTRIBUTES RequestAttributes, WDFIOTARGET IoTarget,
                                 WDFREQUEST *Request)
{
    static const char ddi[] = "WdfRequestCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_driver *drv;
    pnpsim__fx_request *r;
    NTSTATUS status;
    CCHAR stack = 1;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Request, "Request", ddi))
        return STATUS_INVALID_PARAMETER;
    *Request = NULL;
    if (IoTarget != NULL) {
        PDEVICE_OBJECT tdev = WdfIoTargetWdmGetTargetDeviceObject(IoTarget);
        if (tdev != NULL)
            stack = (CCHAR)(tdev->StackSize + 1);
    }
    if (RequestAttributes != NULL) {
        status = pnpsim__fx_attributes_check(sys, RequestAttributes, ddi);
        if (!NT_SUCCESS(status))
            return status;
    }
    drv = pnpsim__fx_current_driver(sys);
    r = pnpsim__calloc(sys, 1, sizeof(*r));
    if (r == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    r->irp = IoAllocateIrp(stack, FALSE);
    if (r->irp == NULL) {
        pnpsim__free(sys, r);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no IRP", ddi);
    }
    r->driver_created = true;
    r->status = STATUS_SUCCESS;
    status = pnpsim__fx_object_init(sys, &r->obj, PNPSIM_FX_REQUEST, &request_ops, drv, NULL,
                                    RequestAttributes, ddi);
    if (!NT_SUCCESS(status)) {
        IoFreeIrp(r->irp);
        pnpsim__free(sys, r);
        return status;
    }
    r->irp->Tail.Overlay.DriverContext[PNPSIM__FX_IRP_SLOT] = r;
    *Request = (WDFREQUEST)r;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfRequestReuse": a driver-created request returns to its initial
 * state (IRP reinitialized with ReuseParams->Status); Size wrong ->
 * STATUS_INFO_LENGTH_MISMATCH; a request still sent -> STATUS_INVALID_DEVICE_REQUEST.
 * Simulation: WDF_REQUEST_REUSE_SET_NEW_IRP is not supported (STATUS_NOT_IMPLEMENTED). */
WDFAPI NTSTATUS WdfRequestReuse(WDFREQUEST Request, PWDF_REQUEST_REUSE_PARAMS ReuseParams)
{
    static const char ddi[] = "WdfRequestReuse";
    pnpsim__fx_request *r = get_request(Request, ddi);
    if (r == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_irql(r->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(r->obj.sys, ReuseParams, "ReuseParams", ddi))
        return STATUS_INVALID_PARAMETER;
    if (ReuseParams->Size != sizeof(WDF_REQUEST_REUSE_PARAMS))
        return pnpsim__status(STATUS_INFO_LENGTH_MISMATCH, "%s: ReuseParams->Size %lu", ddi,
                              (unsigned long)ReuseParams->Size);
    if (ReuseParams->Flags & WDF_REQUEST_REUSE_SET_NEW_IRP)
        return pnpsim__fx_not_implemented("WdfRequestReuse(WDF_REQUEST_REUSE_SET_NEW_IRP)");
    if (!r->driver_created || r->sent || r->irp == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: only an idle driver-created request can be reused", ddi);
    IoReuseIrp(r->irp, ReuseParams->Status);
    r->irp->Tail.Overlay.DriverContext[PNPSIM__FX_IRP_SLOT] = r;
    r->status = ReuseParams->Status;
    r->formatted = false;
    r->completion = NULL;
    r->completion_ctx = NULL;
    RtlZeroMemory(&r->cparams, sizeof(r->cparams));
    return STATUS_SUCCESS;
}

WDFAPI NTSTATUS WdfRequestAllocateTimer(WDFREQUEST Request)
{
    (void)Request;
    return pnpsim__fx_not_implemented("WdfRequestAllocateTimer");
}
