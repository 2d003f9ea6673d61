/* SPDX-License-Identifier: MIT */
/*
 * This file implements IRPs: allocation and freeing (IoAllocateIrp, IoFreeIrp, IoReuseIrp,
 * IoInitializeIrp), the builders (IoBuildSynchronousFsdRequest,
 * IoBuildAsynchronousFsdRequest, IoBuildDeviceIoControlRequest), sending an IRP down a
 * device stack (IofCallDriver) and completing it back up with Windows' completion algorithm
 * (IofCompleteRequest), completion routines that keep their device object alive
 * (IoSetCompletionRoutineEx), cancellation with the cancel spin lock, and the simulator's own
 * synchronous send (pnpsim__send_irp_sync) that the PnP manager and file opens build on.
 *
 * Every IoCallDriver hop and every completion is one PNPSIM_TRACE_IRP record, indented by
 * the thread's IRP nesting depth.
 */
#include "io_int.h"
#include "qi.h"

/* Driver Verifier I/O verification codes (bug-check-0xc9--driver-verifier-iomanager-violation). */
#define IOV_FREE_NOT_IRP 0x01
#define IOV_CALL_NOT_IRP 0x03
#define IOV_CALL_BAD_DEVICE 0x04
#define IOV_COMPLETE_PENDING 0x06
#define IOV_COMPLETE_CANCEL_SET 0x07
#define IOV_COMPLETE_ABOVE_DISPATCH 0x0E
#define IOV_CALL_ABOVE_DISPATCH 0x10
#define IOV_CALL_CANCEL_SET 0x203
#define IOV_CALL_NULL_DEVICE 0x204
#define IOV_FREE_IN_USE 0x20B
#define IOV_INIT_ALLOCATED 0x20D
/* IrqlIoPassive1 covers IoBuildDeviceIoControlRequest (PASSIVE or APC) (wdm-irqliopassive1). */
#define RULE_IRQL_IO_PASSIVE1 0x0002000A

/* Not in our ntstatus.h; used by IoIsErrorUserInduced only. */
#define PNPSIM__STATUS_VERIFY_REQUIRED ((NTSTATUS)0x80000016L)
#define PNPSIM__STATUS_WRONG_VOLUME ((NTSTATUS)0xC0000012L)

#define SYSBUF_TAG 0x42537249u /* 'IrSB' */

#define SYNC_WAITING ((void *)0)
#define SYNC_DONE ((void *)1)
#define SYNC_ABANDONED ((void *)2)

/* What pnpsim keeps about an IRP it allocated, after its stack locations. */
typedef struct irp_extra {
    bool threaded;     /* built synchronous: the I/O manager finishes and frees it at the top */
    bool copy_out;     /* buffered output: copy SystemBuffer to user_out at the top */
    bool sysbuf_ours;  /* SystemBuffer was allocated by a builder (pool) */
    bool in_flight;    /* sent down by IoCallDriver and not yet back at owner_level */
    CHAR owner_level;  /* CurrentLocation of its sender before the first IoCallDriver */
    void *user_out;
    ULONG out_len;
    /* pnpsim__send_irp_sync */
    void *volatile sync_state;
    KEVENT sync_ev;
} irp_extra;

static irp_extra *extra_of(pnpsim__irp *w)
{
    return (irp_extra *)w->reserved;
}

/* ---- names for traces ------------------------------------------------------------------ */

const char *pnpsim__irp_name(UCHAR major, UCHAR minor, char *buf, size_t size)
{
    static const char *const power_minors[] = {"IRP_MN_WAIT_WAKE", "IRP_MN_POWER_SEQUENCE",
                                               "IRP_MN_SET_POWER", "IRP_MN_QUERY_POWER"};
    const char *mj = pnpsim_trace_major_name(major);
    if (major == IRP_MJ_PNP)
        snprintf(buf, size, "%s/%s", mj, pnpsim_trace_pnp_minor_name(minor));
    else if (major == IRP_MJ_POWER && minor < PNPSIM_ARRAY_SIZE(power_minors))
        snprintf(buf, size, "%s/%s", mj, power_minors[minor]);
    else if (minor != 0)
        snprintf(buf, size, "%s/0x%02x", mj, (unsigned)minor);
    else
        snprintf(buf, size, "%s", mj);
    return buf;
}

/* The part of an IRP's name after its major function name ("" or "IRP_MN_..."), for the
 * traces on every IRP: string literals, so recording the trace formats nothing (the rare
 * numeric minor is formatted into buf). */
static const char *irp_minor_part(UCHAR major, UCHAR minor, char *buf, size_t size)
{
    static const char *const power_minors[] = {"IRP_MN_WAIT_WAKE", "IRP_MN_POWER_SEQUENCE",
                                               "IRP_MN_SET_POWER", "IRP_MN_QUERY_POWER"};
    if (major == IRP_MJ_PNP)
        return pnpsim_trace_pnp_minor_name(minor);
    if (major == IRP_MJ_POWER && minor < PNPSIM_ARRAY_SIZE(power_minors))
        return power_minors[minor];
    if (minor == 0)
        return "";
    snprintf(buf, size, "0x%02x", (unsigned)minor);
    return buf;
}

/* ---- allocation ------------------------------------------------------------------------ */

static PIO_STACK_LOCATION first_location(PIRP irp)
{
    return (PIO_STACK_LOCATION)(irp + 1);
}

static void init_irp(PIRP irp, USHORT packet_size, CCHAR stack_size)
{
    memset(irp, 0, packet_size);
    irp->Type = IO_TYPE_IRP;
    irp->Size = packet_size;
    irp->StackCount = stack_size;
    irp->CurrentLocation = (CHAR)(stack_size + 1);
    irp->ApcEnvironment = 0;
    InitializeListHead(&irp->ThreadListEntry);
    irp->Tail.Overlay.CurrentStackLocation = first_location(irp) + stack_size;
}

pnpsim__irp *pnpsim__irp_from(PIRP irp)
{
    pnpsim__irp *w;
    if ((uintptr_t)irp < 0x10000 || (uintptr_t)irp % sizeof(void *) != 0)
        return NULL;
    if (irp->Type != IO_TYPE_IRP || (irp->AllocationFlags & PNPSIM__IRP_ALLOCATED) == 0)
        return NULL;
    w = CONTAINING_RECORD(irp, pnpsim__irp, irp);
    return w->magic == PNPSIM__IRP_MAGIC ? w : NULL;
}

PIRP pnpsim__irp_alloc(pnpsim_system *sys, CCHAR stack_size)
{
    size_t locs, size;
    pnpsim__irp *w;
    if (stack_size < 0)
        return NULL;
    locs = (size_t)stack_size * sizeof(IO_STACK_LOCATION);
    size = sizeof(pnpsim__irp) + locs + sizeof(irp_extra);
    w = pnpsim__calloc(sys, 1, size);
    if (w == NULL)
        return NULL;
    w->magic = PNPSIM__IRP_MAGIC;
    w->sys = sys;
    w->reserved = (char *)w + sizeof(pnpsim__irp) + locs;
    init_irp(&w->irp, IoSizeOfIrp(stack_size), stack_size);
    w->irp.AllocationFlags = PNPSIM__IRP_ALLOCATED;
    return &w->irp;
}

static void free_sysbuf(pnpsim__irp *w)
{
    irp_extra *ex = extra_of(w);
    if (ex->sysbuf_ours && w->irp.AssociatedIrp.SystemBuffer != NULL)
        ExFreePoolWithTag(w->irp.AssociatedIrp.SystemBuffer, SYSBUF_TAG);
    ex->sysbuf_ours = false;
    w->irp.AssociatedIrp.SystemBuffer = NULL;
}

/* Release an IRP pnpsim allocated, without the checks IoFreeIrp makes. */
static void free_irp(pnpsim__irp *w)
{
    free_sysbuf(w);
    w->freed = true;
    w->magic = PNPSIM__IRP_FREED_MAGIC;
    w->irp.Type = 0; /* what a second IoFreeIrp or IoCompleteRequest will see */
    pnpsim__quarantine(w->sys, w);
}

static pnpsim_system *irp_sys(PIRP irp, const char *ddi)
{
    pnpsim__irp *w = pnpsim__irp_from(irp);
    if (w != NULL)
        return w->sys;
    return pnpsim__ts()->current != NULL ? pnpsim__ts()->current : pnpsim__require_system(ddi);
}

/*
 * Windows behaviour: IoAllocateIrp allocates an IRP with StackSize stack locations,
 * initialised (CurrentLocation = StackSize + 1: no current location yet) or returns NULL;
 * IRQL <= DISPATCH_LEVEL; the caller frees it with IoFreeIrp (nf-wdm-ioallocateirp).
 * Simulation: as described; fault injection makes it return NULL. ChargeQuota is ignored.
 */
PIRP NTAPI IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    pnpsim_system *sys = pnpsim__require_system("IoAllocateIrp");
    PIRP irp;
    PNPSIM_UNUSED(ChargeQuota);
    if (pnpsim__fault_ddi(sys, "IoAllocateIrp", NULL)) /* fault.h */
        return NULL;
    if (!pnpsim__check_irql(sys, "IoAllocateIrp", DISPATCH_LEVEL, 0, NULL))
        return NULL;
    if (StackSize < 0) {
        pnpsim__status(STATUS_INVALID_PARAMETER, "IoAllocateIrp: StackSize %d", (int)StackSize);
        return NULL;
    }
    irp = pnpsim__irp_alloc(sys, StackSize);
    if (irp == NULL)
        pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "IoAllocateIrp: no memory");
    return irp;
}

/*
 * Windows behaviour: IoFreeIrp releases an IRP the caller allocated with IoAllocateIrp (or
 * an asynchronous builder). Driver Verifier reports freeing something that is not an IRP
 * (0xC9 code 0x01, parameter 2 the address) and freeing an IRP still in use (0xC9 I/O error
 * 0x20B) (nf-wdm-iofreeirp; bug-check-0xc9--driver-verifier-iomanager-violation).
 * Simulation: "in use" means sent with IoCallDriver and not yet completed back to its
 * sender. A second IoFreeIrp, or freeing an IRP pnpsim did not allocate (IoInitializeIrp on
 * driver memory: free that with ExFreePool), is code 0x01 (choice: the memory is not an
 * IRP pnpsim can release). An IRP freed while in use is not released if the handler
 * continues.
 */
VOID NTAPI IoFreeIrp(PIRP Irp)
{
    pnpsim__irp *w;
    pnpsim_system *sys = irp_sys(Irp, "IoFreeIrp");
    if (Irp == NULL || Irp->Type != IO_TYPE_IRP || (w = pnpsim__irp_from(Irp)) == NULL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_FREE_NOT_IRP,
                         (ULONG_PTR)Irp, 0, 0,
                         "IoFreeIrp: %p is not an IRP allocated by IoAllocateIrp%s", (void *)Irp,
                         Irp != NULL && Irp->Type != IO_TYPE_IRP ? " (freed twice?)" : "");
        return;
    }
    pnpsim__check_irql(sys, "IoFreeIrp", DISPATCH_LEVEL, 0, NULL);
    if (extra_of(w)->in_flight) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_FREE_IN_USE, 0,
                         (ULONG_PTR)Irp, 0,
                         "IoFreeIrp: IRP %p is still in use (sent with IoCallDriver and not "
                         "completed back to its sender)",
                         (void *)Irp);
        return;
    }
    free_irp(w);
}

/*
 * Windows behaviour: IoReuseIrp reinitialises an IRP allocated with IoAllocateIrp for
 * another request, keeping its allocation attributes, and sets IoStatus.Status to Iostatus
 * (nf-wdm-ioreuseirp).
 * Simulation: as described; IRPs initialised by IoInitializeIrp keep their size. A
 * builder's buffer is released.
 */
VOID NTAPI IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
    pnpsim__irp *w = pnpsim__irp_from(Irp);
    if (Irp == NULL || Irp->Type != IO_TYPE_IRP) {
        pnpsim__bugcheck(irp_sys(Irp, "IoReuseIrp"), DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                         IOV_FREE_NOT_IRP, (ULONG_PTR)Irp, 0, 0,
                         "IoReuseIrp: %p is not an IRP", (void *)Irp);
        return;
    }
    if (w != NULL) {
        irp_extra *ex = extra_of(w);
        free_sysbuf(w);
        memset(ex, 0, sizeof(*ex));
        init_irp(Irp, Irp->Size, Irp->StackCount);
        Irp->AllocationFlags = PNPSIM__IRP_ALLOCATED;
        w->completed = false;
    } else {
        UCHAR flags = Irp->AllocationFlags;
        init_irp(Irp, Irp->Size, Irp->StackCount);
        Irp->AllocationFlags = flags;
    }
    Irp->IoStatus.Status = Iostatus;
}

/*
 * Windows behaviour: IoInitializeIrp initialises an IRP the caller allocated itself
 * (PacketSize >= IoSizeOfIrp(StackSize)). Passing an IRP that came from IoAllocateIrp is
 * Driver Verifier I/O error 0x20D (nf-wdm-ioinitializeirp;
 * bug-check-0xc9--driver-verifier-iomanager-violation).
 * Simulation: as described; a too small PacketSize is traced, not refused.
 */
VOID NTAPI IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    pnpsim__irp *w = pnpsim__irp_from(Irp);
    pnpsim_system *sys = irp_sys(Irp, "IoInitializeIrp");
    if (w != NULL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_INIT_ALLOCATED, 0,
                         (ULONG_PTR)Irp, 0,
                         "IoInitializeIrp: IRP %p was allocated with IoAllocateIrp (use "
                         "IoReuseIrp)",
                         (void *)Irp);
        IoReuseIrp(Irp, STATUS_SUCCESS);
        return;
    }
    if (Irp == NULL || StackSize < 0)
        return;
    if (PacketSize < IoSizeOfIrp(StackSize))
        pnpsim__trace(sys, PNPSIM_TRACE_IRP, NULL, pnpsim__current_driver(), NULL,
                      "IoInitializeIrp: PacketSize %u is smaller than IoSizeOfIrp(%d) = %u",
                      (unsigned)PacketSize, (int)StackSize, (unsigned)IoSizeOfIrp(StackSize));
    init_irp(Irp, PacketSize, StackSize);
}

/* ---- builders -------------------------------------------------------------------------- */

static void *sysbuf_alloc(pnpsim_system *sys, size_t size)
{
    return pnpsim__pool_alloc(sys, NULL, NonPagedPoolNx, size, SYSBUF_TAG);
}

static PIRP build_fsd(pnpsim_system *sys, const char *ddi, ULONG MajorFunction,
                      PDEVICE_OBJECT DeviceObject, PVOID Buffer, ULONG Length,
                      PLARGE_INTEGER StartingOffset, PIO_STATUS_BLOCK IoStatusBlock)
{
    PIRP irp;
    pnpsim__irp *w;
    irp_extra *ex;
    PIO_STACK_LOCATION next;

    if (pnpsim__devobj_from(DeviceObject) == NULL) {
        pnpsim__bad_object(sys, DeviceObject, IO_TYPE_DEVICE, ddi);
        return NULL;
    }
    switch (MajorFunction) {
    case IRP_MJ_READ:
    case IRP_MJ_WRITE:
    case IRP_MJ_FLUSH_BUFFERS:
    case IRP_MJ_SHUTDOWN:
    case IRP_MJ_PNP:
    case IRP_MJ_POWER:
        break;
    default:
        pnpsim__status(STATUS_INVALID_PARAMETER, "%s: major function 0x%02lx is not supported",
                       ddi, (unsigned long)MajorFunction);
        return NULL;
    }
    irp = pnpsim__irp_alloc(sys, DeviceObject->StackSize);
    if (irp == NULL) {
        pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory", ddi);
        return NULL;
    }
    w = pnpsim__irp_from(irp);
    ex = extra_of(w);
    irp->RequestorMode = KernelMode;
    irp->UserIosb = IoStatusBlock;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = (UCHAR)MajorFunction;
    if (MajorFunction == IRP_MJ_READ || MajorFunction == IRP_MJ_WRITE) {
        bool read = MajorFunction == IRP_MJ_READ;
        next->Parameters.Read.Length = Length;
        if (StartingOffset != NULL)
            next->Parameters.Read.ByteOffset = *StartingOffset;
        irp->UserBuffer = Buffer;
        irp->Flags |= read ? IRP_READ_OPERATION : IRP_WRITE_OPERATION;
        if ((DeviceObject->Flags & DO_BUFFERED_IO) != 0 && Length != 0) {
            irp->AssociatedIrp.SystemBuffer = sysbuf_alloc(sys, Length);
            if (irp->AssociatedIrp.SystemBuffer == NULL) {
                free_irp(w);
                pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory for the buffer",
                               ddi);
                return NULL;
            }
            ex->sysbuf_ours = true;
            irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
            if (read) {
                irp->Flags |= IRP_INPUT_OPERATION;
                ex->copy_out = true;
                ex->user_out = Buffer;
                ex->out_len = Length;
            } else if (Buffer != NULL) {
                memcpy(irp->AssociatedIrp.SystemBuffer, Buffer, Length);
            }
        }
        /* DO_DIRECT_IO: MDLs are not modelled; the driver sees UserBuffer only. */
    }
    return irp;
}

/*
 * Windows behaviour: IoBuildAsynchronousFsdRequest builds an IRP for IRP_MJ_READ, WRITE,
 * FLUSH_BUFFERS, SHUTDOWN, PNP or POWER sized for DeviceObject's stack, with the next stack
 * location's major function set; buffered devices get a system buffer, direct I/O an MDL.
 * The caller frees the IRP (typically in its completion routine, which returns
 * STATUS_MORE_PROCESSING_REQUIRED). IRQL <= DISPATCH_LEVEL
 * (nf-wdm-iobuildasynchronousfsdrequest).
 * Simulation: MDLs are not modelled (MdlAddress stays NULL, UserBuffer = Buffer). A
 * buffered read is copied to Buffer, and IoStatusBlock set, if completion reaches the top
 * of the stack; IoFreeIrp releases the system buffer. Other major functions give NULL.
 */
PIRP NTAPI IoBuildAsynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                         PVOID Buffer, ULONG Length,
                                         PLARGE_INTEGER StartingOffset,
                                         PIO_STATUS_BLOCK IoStatusBlock)
{
    pnpsim__obhdr *hdr = pnpsim__ob_header(DeviceObject);
    pnpsim_system *sys = pnpsim__io_sys(hdr);
    if (sys == NULL)
        sys = pnpsim__require_system("IoBuildAsynchronousFsdRequest");
    if (!pnpsim__check_irql(sys, "IoBuildAsynchronousFsdRequest", DISPATCH_LEVEL, 0, NULL))
        return NULL;
    return build_fsd(sys, "IoBuildAsynchronousFsdRequest", MajorFunction, DeviceObject, Buffer,
                     Length, StartingOffset, IoStatusBlock);
}

/*
 * Windows behaviour: IoBuildSynchronousFsdRequest builds the same IRP, but threaded: when
 * it completes, the I/O manager copies the status to IoStatusBlock, sets Event and frees
 * the IRP (the caller waits on Event if IoCallDriver returned STATUS_PENDING and must not
 * free it). IRQL PASSIVE_LEVEL (nf-wdm-iobuildsynchronousfsdrequest).
 * Simulation: as IoBuildAsynchronousFsdRequest; the I/O manager's part runs in
 * IofCompleteRequest when completion reaches the top of the stack.
 */
PIRP NTAPI IoBuildSynchronousFsdRequest(ULONG MajorFunction, PDEVICE_OBJECT DeviceObject,
                                        PVOID Buffer, ULONG Length,
                                        PLARGE_INTEGER StartingOffset, PKEVENT Event,
                                        PIO_STATUS_BLOCK IoStatusBlock)
{
    pnpsim__obhdr *hdr = pnpsim__ob_header(DeviceObject);
    pnpsim_system *sys = pnpsim__io_sys(hdr);
    PIRP irp;
    if (sys == NULL)
        sys = pnpsim__require_system("IoBuildSynchronousFsdRequest");
    if (pnpsim__fault_ddi(sys, "IoBuildSynchronousFsdRequest", NULL)) /* fault.h */
        return NULL;
    if (!pnpsim__check_irql(sys, "IoBuildSynchronousFsdRequest", PASSIVE_LEVEL, 0, NULL))
        return NULL;
    /* Verifier hook (src/core/qi.h): PowerIrpDDis lists this DDI. */
    if (!pnpsim__verifier_check_power_irp_ddis(sys, "IoBuildSynchronousFsdRequest"))
        return NULL;
    irp = build_fsd(sys, "IoBuildSynchronousFsdRequest", MajorFunction, DeviceObject, Buffer,
                    Length, StartingOffset, IoStatusBlock);
    if (irp != NULL) {
        irp->UserEvent = Event;
        irp->Flags |= IRP_SYNCHRONOUS_API;
        extra_of(pnpsim__irp_from(irp))->threaded = true;
    }
    return irp;
}

/*
 * Windows behaviour: IoBuildDeviceIoControlRequest builds a threaded IRP_MJ_(INTERNAL_)
 * DEVICE_CONTROL IRP for DeviceObject's stack. METHOD_BUFFERED: a system buffer of
 * max(input, output) bytes holds the input, and on completion Information bytes of it are
 * copied to OutputBuffer. METHOD_IN/OUT_DIRECT: the input is buffered, the output
 * described by an MDL. METHOD_NEITHER: Parameters.DeviceIoControl.Type3InputBuffer =
 * InputBuffer, UserBuffer = OutputBuffer. On completion IoStatusBlock is set, Event
 * signalled and the IRP freed by the I/O manager. IRQL <= APC_LEVEL (DDI rule
 * IrqlIoPassive1, 0xC4/0x2000A) (nf-wdm-iobuilddeviceiocontrolrequest; wdm-irqliopassive1).
 * Simulation: as described, without MDLs (UserBuffer = OutputBuffer for the direct
 * methods). The copy-back happens when the status is not an error (NT_ERROR false).
 */
PIRP NTAPI IoBuildDeviceIoControlRequest(ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
                                         PVOID InputBuffer, ULONG InputBufferLength,
                                         PVOID OutputBuffer, ULONG OutputBufferLength,
                                         BOOLEAN InternalDeviceIoControl, PKEVENT Event,
                                         PIO_STATUS_BLOCK IoStatusBlock)
{
    pnpsim__obhdr *hdr = pnpsim__ob_header(DeviceObject);
    pnpsim_system *sys = pnpsim__io_sys(hdr);
    PIRP irp;
    pnpsim__irp *w;
    irp_extra *ex;
    PIO_STACK_LOCATION next;
    ULONG method = IoControlCode & 3;

    if (sys == NULL)
        sys = pnpsim__require_system("IoBuildDeviceIoControlRequest");
    if (pnpsim__fault_ddi(sys, "IoBuildDeviceIoControlRequest", NULL)) /* fault.h */
        return NULL;
    if (!pnpsim__check_irql(sys, "IoBuildDeviceIoControlRequest", APC_LEVEL,
                            RULE_IRQL_IO_PASSIVE1, "IrqlIoPassive1"))
        return NULL;
    if (pnpsim__devobj_from(DeviceObject) == NULL) {
        pnpsim__bad_object(sys, DeviceObject, IO_TYPE_DEVICE, "IoBuildDeviceIoControlRequest");
        return NULL;
    }
    irp = pnpsim__irp_alloc(sys, DeviceObject->StackSize);
    if (irp == NULL) {
        pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "IoBuildDeviceIoControlRequest: no memory");
        return NULL;
    }
    w = pnpsim__irp_from(irp);
    ex = extra_of(w);
    irp->RequestorMode = KernelMode;
    irp->UserIosb = IoStatusBlock;
    irp->UserEvent = Event;
    irp->Flags |= IRP_SYNCHRONOUS_API;
    ex->threaded = true;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = InternalDeviceIoControl ? IRP_MJ_INTERNAL_DEVICE_CONTROL
                                                  : IRP_MJ_DEVICE_CONTROL;
    next->Parameters.DeviceIoControl.IoControlCode = IoControlCode;
    next->Parameters.DeviceIoControl.InputBufferLength = InputBufferLength;
    next->Parameters.DeviceIoControl.OutputBufferLength = OutputBufferLength;

    if (method == METHOD_NEITHER) {
        next->Parameters.DeviceIoControl.Type3InputBuffer = InputBuffer;
        irp->UserBuffer = OutputBuffer;
        return irp;
    }
    {
        ULONG len = InputBufferLength;
        if (method == METHOD_BUFFERED && OutputBufferLength > len)
            len = OutputBufferLength;
        if (len != 0) {
            PVOID buf = sysbuf_alloc(sys, len);
            if (buf == NULL) {
                free_irp(w);
                pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                               "IoBuildDeviceIoControlRequest: no memory for the buffer");
                return NULL;
            }
            memset(buf, 0, len);
            if (InputBuffer != NULL && InputBufferLength != 0)
                memcpy(buf, InputBuffer, InputBufferLength);
            irp->AssociatedIrp.SystemBuffer = buf;
            ex->sysbuf_ours = true;
            irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
        }
    }
    irp->UserBuffer = OutputBuffer;
    if (method == METHOD_BUFFERED && OutputBufferLength != 0) {
        irp->Flags |= IRP_INPUT_OPERATION;
        ex->copy_out = true;
        ex->user_out = OutputBuffer;
        ex->out_len = OutputBufferLength;
    }
    return irp;
}

/* ---- calling a driver ------------------------------------------------------------------ */

/*
 * Windows behaviour: IofCallDriver (behind IoCallDriver) moves the IRP to the next stack
 * location (CurrentLocation--; running out is bug check 0x35 NO_MORE_IRP_STACK_LOCATIONS,
 * parameter 1 the IRP), stores DeviceObject in it and calls the driver's dispatch routine
 * for its major function, returning what it returns; IRQL <= DISPATCH_LEVEL. Driver
 * Verifier reports a non-IRP (0xC9 code 0x03), an invalid device object (0x04), a NULL one
 * (I/O error 0x204), a call above DISPATCH_LEVEL (0x10) and a cancel routine left set
 * (0x203) (nf-wdm-iocalldriver; bug-check-0x35--no-more-irp-stack-locations;
 * bug-check-0xc9--driver-verifier-iomanager-violation).
 * Simulation: as described. A device object already deleted still gets the IRP (traced),
 * as its memory is still there. The device is referenced across the dispatch call.
 */
NTSTATUS FASTCALL IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    pnpsim__devobj *dw = pnpsim__devobj_from(DeviceObject);
    pnpsim_system *sys = dw != NULL ? dw->hdr.sys : irp_sys(Irp, "IoCallDriver");
    pnpsim__irp *w;
    PIO_STACK_LOCATION sp;
    PDRIVER_OBJECT drv, saved;
    PDRIVER_DISPATCH fn;
    pnpsim_device *dn;
    pnpsim__callout c;
    NTSTATUS status;
    char name[8];
    const char *mj, *mn;
    bool first_send; /* verifier hook: the IRP's first IoCallDriver */
    int vrf;

    if (Irp == NULL || Irp->Type != IO_TYPE_IRP) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_CALL_NOT_IRP,
                         (ULONG_PTR)Irp, 0, 0, "IoCallDriver: %p is not an IRP", (void *)Irp);
        return STATUS_INVALID_PARAMETER;
    }
    if (DeviceObject == NULL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_CALL_NULL_DEVICE, 0,
                         (ULONG_PTR)Irp, 0, "IoCallDriver: DeviceObject is NULL (IRP %p)",
                         (void *)Irp);
        return STATUS_INVALID_PARAMETER;
    }
    if (dw == NULL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_CALL_BAD_DEVICE,
                         (ULONG_PTR)DeviceObject, 0, 0,
                         "IoCallDriver: %p is not a device object (IRP %p)",
                         (void *)DeviceObject, (void *)Irp);
        return STATUS_INVALID_PARAMETER;
    }
    if (ts->irql > DISPATCH_LEVEL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_CALL_ABOVE_DISPATCH,
                         ts->irql, 0, 0, "IoCallDriver called at IRQL %u", (unsigned)ts->irql);
        return STATUS_INVALID_PARAMETER;
    }
    if (Irp->CancelRoutine != NULL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_CALL_CANCEL_SET, 0,
                         (ULONG_PTR)Irp, (ULONG_PTR)DeviceObject,
                         "IoCallDriver: IRP %p still has a cancel routine set", (void *)Irp);
        return STATUS_INVALID_PARAMETER;
    }
    if (Irp->CurrentLocation - 1 <= 0) {
        pnpsim__bugcheck(sys, NO_MORE_IRP_STACK_LOCATIONS, (ULONG_PTR)Irp, 0, 0, 0,
                         "IoCallDriver: IRP %p has no stack location left for %p (StackCount "
                         "%d)",
                         (void *)Irp, (void *)DeviceObject, (int)Irp->StackCount);
        return STATUS_INVALID_PARAMETER;
    }
    Irp->CurrentLocation--;
    sp = --Irp->Tail.Overlay.CurrentStackLocation;
    sp->DeviceObject = DeviceObject;
    w = pnpsim__irp_from(Irp);
    first_send = w != NULL && !extra_of(w)->in_flight;
    if (w != NULL && !extra_of(w)->in_flight) {
        extra_of(w)->in_flight = true;
        extra_of(w)->owner_level = (CHAR)(Irp->CurrentLocation + 1);
        w->completed = false;
    }

    drv = DeviceObject->DriverObject;
    dn = dw->devnode;
    fn = sp->MajorFunction <= IRP_MJ_MAXIMUM_FUNCTION ? drv->MajorFunction[sp->MajorFunction]
                                                      : NULL;
    mj = pnpsim_trace_major_name(sp->MajorFunction);
    mn = irp_minor_part(sp->MajorFunction, sp->MinorFunction, name, sizeof(name));
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, dn, drv, NULL, "IoCallDriver %s%s%s -> %s (%p)%s", mj,
                  mn[0] != 0 ? "/" : "", mn, dw->name != NULL ? dw->name : "device",
                  (void *)DeviceObject, dw->deleted ? " [device already deleted]" : "");
    if (fn == NULL) {
        Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
        Irp->IoStatus.Information = 0;
        IofCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INVALID_DEVICE_REQUEST;
    }

    pnpsim__ob_ref(&dw->hdr);
    /* Verifier hook (src/core/qi.h): PnP IRP rules and "handling IRP_MN_SET_POWER". */
    vrf = pnpsim__verifier_dispatch_begin(sys, DeviceObject, Irp, first_send);
    ts->irp_depth++;
    pnpsim__set_current_driver(drv, &saved);
    pnpsim__callout_begin(sys, &c, pnpsim_trace_major_name(sp->MajorFunction));
    status = fn(DeviceObject, Irp);
    pnpsim__callout_end(sys, &c);
    pnpsim__set_current_driver(saved, NULL);
    ts->irp_depth--;
    pnpsim__verifier_dispatch_end(vrf, status);
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, dn, drv, &status, "%s%s%s dispatch of %s returned",
                  mj, mn[0] != 0 ? "/" : "", mn, pnpsim_driver_name(drv));
    pnpsim__ob_unref(&dw->hdr);
    return status;
}

/* ---- completion ------------------------------------------------------------------------ */

/* The I/O manager's part once completion has unwound every stack location. */
static void complete_at_top(pnpsim__irp *w)
{
    PIRP irp = &w->irp;
    irp_extra *ex = extra_of(w);
    w->completed = true;
    ex->in_flight = false;
    if (ex->copy_out && ex->user_out != NULL && irp->AssociatedIrp.SystemBuffer != NULL &&
        !NT_ERROR(irp->IoStatus.Status)) {
        size_t n = irp->IoStatus.Information;
        if (n > ex->out_len)
            n = ex->out_len;
        memcpy(ex->user_out, irp->AssociatedIrp.SystemBuffer, n);
    }
    if (ex->copy_out || ex->threaded)
        free_sysbuf(w);
    if (irp->UserIosb != NULL)
        *irp->UserIosb = irp->IoStatus;
    if (ex->threaded) {
        PKEVENT ev = irp->UserEvent;
        free_irp(w);
        if (ev != NULL)
            KeSetEvent(ev, IO_NO_INCREMENT, FALSE);
    }
}

/*
 * Windows behaviour: IofCompleteRequest (behind IoCompleteRequest) walks the stack
 * locations from the current one upward. For each location left it sets PendingReturned
 * from the location's SL_PENDING_RETURNED, then calls the completion routine stored there
 * (by the driver above) if its SL_INVOKE_ON_SUCCESS / _ON_ERROR / _ON_CANCEL flag matches,
 * passing the device object of the location above (NULL above the first location); a
 * routine returning STATUS_MORE_PROCESSING_REQUIRED stops the walk (the IRP is back in its
 * hands). Without a routine, a pending IRP marks the location above pending. A completed
 * IRP (or a freed one) completed again is bug check 0x44 MULTIPLE_IRP_COMPLETE_REQUESTS
 * (parameter 1 the IRP). Driver Verifier reports completing with STATUS_PENDING (0xC9 code
 * 0x06), above DISPATCH_LEVEL (0x0E) and with a cancel routine still set (0x07). At the top
 * the I/O manager finishes threaded IRPs: copies buffered output, sets the caller's
 * IO_STATUS_BLOCK and event and frees the IRP (nf-wdm-iocompleterequest;
 * bug-check-0x44--multiple-irp-complete-requests;
 * bug-check-0xc9--driver-verifier-iomanager-violation).
 * Simulation: as described; IRPs from IoAllocateIrp are not freed at the top. Completion
 * routines run as callouts into the driver that owns the device object they get.
 */
VOID FASTCALL IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    pnpsim__irp *w;
    pnpsim_system *sys;
    PDEVICE_OBJECT cur_dev = NULL;
    pnpsim__devobj *cur_w = NULL;
    char name[8];
    const char *mj, *mn;
    NTSTATUS status;
    PNPSIM_UNUSED(PriorityBoost);

    if ((uintptr_t)Irp < 0x10000 || Irp->Type != IO_TYPE_IRP ||
        Irp->CurrentLocation > Irp->StackCount + 1) {
        sys = ts->current;
        pnpsim__bugcheck(sys, MULTIPLE_IRP_COMPLETE_REQUESTS, (ULONG_PTR)Irp, 0, 0, 0,
                         "IoCompleteRequest: IRP %p was already completed%s", (void *)Irp,
                         Irp != NULL && (uintptr_t)Irp >= 0x10000 && Irp->Type != IO_TYPE_IRP
                             ? " (or is not an IRP / was freed)"
                             : "");
        return;
    }
    w = pnpsim__irp_from(Irp);
    sys = irp_sys(Irp, "IoCompleteRequest");
    status = Irp->IoStatus.Status;
    if (status == STATUS_PENDING || status == (NTSTATUS)-1) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_COMPLETE_PENDING,
                         (ULONG_PTR)(ULONG)status, (ULONG_PTR)Irp, 0,
                         "IoCompleteRequest: IRP %p completed with status 0x%08lx", (void *)Irp,
                         (unsigned long)(ULONG)status);
        return;
    }
    if (ts->irql > DISPATCH_LEVEL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_COMPLETE_ABOVE_DISPATCH,
                         ts->irql, (ULONG_PTR)Irp, 0, "IoCompleteRequest called at IRQL %u",
                         (unsigned)ts->irql);
        return;
    }
    if (Irp->CancelRoutine != NULL) {
        pnpsim__bugcheck(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IOV_COMPLETE_CANCEL_SET,
                         (ULONG_PTR)Irp->CancelRoutine, (ULONG_PTR)Irp, 0,
                         "IoCompleteRequest: IRP %p still has a cancel routine set",
                         (void *)Irp);
        return;
    }

    /* Verifier hook (src/core/qi.h): PnP completion rules, and the QI ledger records a
     * successful IRP_MN_QUERY_INTERFACE before anyone above sees the interface. */
    pnpsim__verifier_irp_completing(sys, Irp);

    if (Irp->CurrentLocation <= Irp->StackCount) {
        cur_dev = Irp->Tail.Overlay.CurrentStackLocation->DeviceObject;
        cur_w = pnpsim__devobj_from(cur_dev);
        mj = pnpsim_trace_major_name(Irp->Tail.Overlay.CurrentStackLocation->MajorFunction);
        mn = irp_minor_part(Irp->Tail.Overlay.CurrentStackLocation->MajorFunction,
                            Irp->Tail.Overlay.CurrentStackLocation->MinorFunction, name,
                            sizeof(name));
    } else {
        mj = "IRP";
        mn = "";
    }
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, cur_w != NULL ? cur_w->devnode : NULL,
                  cur_dev != NULL ? cur_dev->DriverObject : NULL, &status,
                  "IoCompleteRequest %s%s%s (Information 0x%lx)", mj, mn[0] != 0 ? "/" : "", mn,
                  (unsigned long)Irp->IoStatus.Information);

    for (;;) {
        PIO_STACK_LOCATION loc = Irp->Tail.Overlay.CurrentStackLocation;
        PIO_COMPLETION_ROUTINE routine;
        PVOID context;
        UCHAR control;
        bool invoke;

        Irp->CurrentLocation++;
        Irp->Tail.Overlay.CurrentStackLocation++;
        if (Irp->CurrentLocation > Irp->StackCount + 1)
            break; /* the location left was the last one: the walk is done */

        Irp->PendingReturned = (loc->Control & SL_PENDING_RETURNED) != 0;
        if (w != NULL && extra_of(w)->in_flight && Irp->CurrentLocation >= extra_of(w)->owner_level)
            extra_of(w)->in_flight = false; /* back in its sender's hands */
        routine = loc->CompletionRoutine;
        context = loc->Context;
        control = loc->Control;
        status = Irp->IoStatus.Status;
        invoke = routine != NULL &&
                 ((NT_SUCCESS(status) && (control & SL_INVOKE_ON_SUCCESS) != 0) ||
                  (!NT_SUCCESS(status) && (control & SL_INVOKE_ON_ERROR) != 0) ||
                  (Irp->Cancel && (control & SL_INVOKE_ON_CANCEL) != 0));
        loc->Control = 0;
        loc->CompletionRoutine = NULL;
        loc->Context = NULL;
        if (invoke) {
            PDEVICE_OBJECT dev = Irp->CurrentLocation <= Irp->StackCount
                                     ? Irp->Tail.Overlay.CurrentStackLocation->DeviceObject
                                     : NULL;
            pnpsim__devobj *dw = pnpsim__devobj_from(dev);
            PDRIVER_OBJECT drv = dev != NULL ? dev->DriverObject : pnpsim__current_driver();
            PDRIVER_OBJECT saved;
            pnpsim__callout c;
            NTSTATUS r;
            pnpsim__set_current_driver(drv, &saved);
            pnpsim__callout_begin(sys, &c, "completion routine");
            r = routine(dev, Irp, context);
            pnpsim__callout_end(sys, &c);
            pnpsim__set_current_driver(saved, NULL);
            if (r == STATUS_MORE_PROCESSING_REQUIRED) {
                pnpsim__trace(sys, PNPSIM_TRACE_IRP, dw != NULL ? dw->devnode : NULL, drv, &r,
                              "completion routine of %s%s%s took the IRP back", mj,
                              mn[0] != 0 ? "/" : "", mn);
                return;
            }
            if (w != NULL && w->magic != PNPSIM__IRP_MAGIC) {
                /* The routine freed the IRP but let completion go on: Windows would walk
                 * freed memory. Stop here. */
                pnpsim__trace(sys, PNPSIM_TRACE_IRP, dw != NULL ? dw->devnode : NULL, drv, &r,
                              "completion routine freed the IRP without returning "
                              "STATUS_MORE_PROCESSING_REQUIRED");
                return;
            }
        } else if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount) {
            IoMarkIrpPending(Irp);
        }
    }
    if (w != NULL)
        complete_at_top(w);
}

/* ---- IoSetCompletionRoutineEx ---------------------------------------------------------- */

typedef struct completion_ex {
    PIO_COMPLETION_ROUTINE routine;
    PVOID context;
    PDEVICE_OBJECT dev;
    pnpsim_system *sys;
    UCHAR control;
} completion_ex;

static NTSTATUS NTAPI completion_ex_trampoline(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                               PVOID Context)
{
    completion_ex *cx = Context;
    NTSTATUS status = Irp->IoStatus.Status;
    NTSTATUS r = STATUS_SUCCESS;
    bool invoke = (NT_SUCCESS(status) && (cx->control & SL_INVOKE_ON_SUCCESS) != 0) ||
                  (!NT_SUCCESS(status) && (cx->control & SL_INVOKE_ON_ERROR) != 0) ||
                  (Irp->Cancel && (cx->control & SL_INVOKE_ON_CANCEL) != 0);
    if (invoke)
        r = cx->routine(DeviceObject, Irp, cx->context);
    else if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount)
        IoMarkIrpPending(Irp); /* what completion would have done with no routine */
    ObDereferenceObject(cx->dev);
    pnpsim__free(cx->sys, cx);
    return r;
}

/*
 * Windows behaviour: IoSetCompletionRoutineEx sets a completion routine like
 * IoSetCompletionRoutine, but keeps DeviceObject (and so its driver) from going away until
 * the routine has run; it allocates memory for that and returns STATUS_SUCCESS or
 * STATUS_INSUFFICIENT_RESOURCES (nf-wdm-iosetcompletionroutineex).
 * Simulation: a small context references DeviceObject; an internal routine (registered for
 * success, error and cancel) applies the caller's invoke flags, calls the caller's routine
 * and drops the reference. If the IRP is never completed the context leaks, as on Windows.
 */
NTSTATUS NTAPI IoSetCompletionRoutineEx(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                        PIO_COMPLETION_ROUTINE CompletionRoutine,
                                        PVOID Context, BOOLEAN InvokeOnSuccess,
                                        BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel)
{
    pnpsim__devobj *dw = pnpsim__devobj_from(DeviceObject);
    completion_ex *cx;
    if (dw == NULL) {
        pnpsim__bad_object(NULL, DeviceObject, IO_TYPE_DEVICE, "IoSetCompletionRoutineEx");
        return STATUS_INVALID_PARAMETER;
    }
    if (Irp == NULL || Irp->Type != IO_TYPE_IRP || Irp->CurrentLocation <= 1)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoSetCompletionRoutineEx: no next stack location in IRP %p",
                              (void *)Irp);
    cx = pnpsim__malloc(dw->hdr.sys, sizeof(*cx));
    if (cx == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "IoSetCompletionRoutineEx: no memory");
    cx->routine = CompletionRoutine;
    cx->context = Context;
    cx->dev = DeviceObject;
    cx->sys = dw->hdr.sys;
    cx->control = (UCHAR)((InvokeOnSuccess ? SL_INVOKE_ON_SUCCESS : 0) |
                          (InvokeOnError ? SL_INVOKE_ON_ERROR : 0) |
                          (InvokeOnCancel ? SL_INVOKE_ON_CANCEL : 0));
    pnpsim__ob_ref(&dw->hdr);
    IoSetCompletionRoutine(Irp, completion_ex_trampoline, cx, TRUE, TRUE, TRUE);
    return STATUS_SUCCESS;
}

/* ---- cancellation ---------------------------------------------------------------------- */

/*
 * Windows behaviour: IoAcquireCancelSpinLock takes the system-wide cancel spin lock,
 * raising to DISPATCH_LEVEL and returning the previous IRQL; IoReleaseCancelSpinLock
 * releases it and restores that IRQL (nf-wdm-ioacquirecancelspinlock,
 * nf-wdm-ioreleasecancelspinlock).
 * Simulation: one cancel spin lock per simulated system (systems share nothing).
 */
VOID NTAPI IoAcquireCancelSpinLock(PKIRQL Irql)
{
    pnpsim_system *sys = pnpsim__require_system("IoAcquireCancelSpinLock");
    KeAcquireSpinLock(&sys->cancel_lock, Irql);
}

VOID NTAPI IoReleaseCancelSpinLock(KIRQL Irql)
{
    pnpsim_system *sys = pnpsim__require_system("IoReleaseCancelSpinLock");
    KeReleaseSpinLock(&sys->cancel_lock, Irql);
}

/*
 * Windows behaviour: IoCancelIrp sets Irp->Cancel, takes the cancel spin lock and clears
 * the cancel routine; if there was one it stores the old IRQL in Irp->CancelIrql and calls
 * it with the lock held (the routine releases it with IoReleaseCancelSpinLock) and returns
 * TRUE, else it releases the lock and returns FALSE. IRQL <= DISPATCH_LEVEL
 * (nf-wdm-iocancelirp).
 * Simulation: as described; the cancel routine gets the device object of the IRP's current
 * stack location (NULL when it has none). A pointer that is not an IRP returns FALSE.
 */
BOOLEAN NTAPI IoCancelIrp(PIRP Irp)
{
    pnpsim_system *sys;
    PDRIVER_CANCEL routine;
    PDEVICE_OBJECT dev = NULL;
    PDRIVER_OBJECT saved;
    pnpsim__callout c;
    KIRQL irql;

    if ((uintptr_t)Irp < 0x10000 || Irp->Type != IO_TYPE_IRP)
        return FALSE;
    sys = irp_sys(Irp, "IoCancelIrp");
    if (!pnpsim__check_irql(sys, "IoCancelIrp", DISPATCH_LEVEL, 0, NULL))
        return FALSE;
    IoAcquireCancelSpinLock(&irql);
    Irp->Cancel = TRUE;
    routine = IoSetCancelRoutine(Irp, NULL);
    if (routine == NULL) {
        IoReleaseCancelSpinLock(irql);
        pnpsim__trace(sys, PNPSIM_TRACE_IRP, NULL, NULL, NULL,
                      "IoCancelIrp %p: no cancel routine set", (void *)Irp);
        return FALSE;
    }
    Irp->CancelIrql = irql;
    if (Irp->CurrentLocation <= Irp->StackCount)
        dev = Irp->Tail.Overlay.CurrentStackLocation->DeviceObject;
    pnpsim__trace(sys, PNPSIM_TRACE_IRP, NULL, dev != NULL ? dev->DriverObject : NULL, NULL,
                  "IoCancelIrp %p: calling the cancel routine", (void *)Irp);
    pnpsim__set_current_driver(dev != NULL ? dev->DriverObject : NULL, &saved);
    pnpsim__callout_begin(sys, &c, "cancel routine");
    /* The routine runs at DISPATCH_LEVEL and returns at the IRQL it restores with
     * IoReleaseCancelSpinLock(Irp->CancelIrql). */
    c.irql = irql;
    routine(dev, Irp);
    pnpsim__callout_end(sys, &c);
    pnpsim__set_current_driver(saved, NULL);
    return TRUE;
}

/*
 * Windows behaviour: IoIsErrorUserInduced is TRUE for the statuses a user can cause and
 * fix (STATUS_DEVICE_NOT_READY, STATUS_IO_TIMEOUT, STATUS_MEDIA_WRITE_PROTECTED,
 * STATUS_NO_MEDIA_IN_DEVICE, STATUS_UNRECOGNIZED_MEDIA, STATUS_VERIFY_REQUIRED,
 * STATUS_WRONG_VOLUME) (nf-wdm-ioiserroruserinduced).
 * Simulation: as described.
 */
BOOLEAN NTAPI IoIsErrorUserInduced(NTSTATUS Status)
{
    return (BOOLEAN)(Status == STATUS_DEVICE_NOT_READY || Status == STATUS_IO_TIMEOUT ||
                     Status == STATUS_MEDIA_WRITE_PROTECTED ||
                     Status == STATUS_NO_MEDIA_IN_DEVICE || Status == STATUS_UNRECOGNIZED_MEDIA ||
                     Status == PNPSIM__STATUS_VERIFY_REQUIRED ||
                     Status == PNPSIM__STATUS_WRONG_VOLUME);
}

/* ---- the simulator's synchronous send -------------------------------------------------- */

static NTSTATUS NTAPI sync_done(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    irp_extra *ex = Context;
    PNPSIM_UNUSED(DeviceObject);
    if (!pnpsim__atomic_cas_ptr(&ex->sync_state, SYNC_WAITING, SYNC_DONE)) {
        /* The sender gave up on this IRP (its driver returned without completing or
         * pending it); release it now that it is complete. */
        free_irp(CONTAINING_RECORD(Irp, pnpsim__irp, irp));
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    KeSetEvent(&ex->sync_ev, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

NTSTATUS pnpsim__send_irp_sync(pnpsim_system *sys, PDEVICE_OBJECT target,
                               const IO_STACK_LOCATION *params, NTSTATUS initial,
                               ULONG_PTR initial_info, PFILE_OBJECT file, ULONG_PTR *info)
{
    pnpsim__devobj *tw = pnpsim__devobj_from(target);
    PIRP irp;
    pnpsim__irp *w;
    irp_extra *ex;
    PIO_STACK_LOCATION next;
    NTSTATUS status;

    if (info != NULL)
        *info = 0;
    PNPSIM_ASSERT_UNLOCKED(sys);
    if (tw == NULL || params == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "synchronous IRP: %p is not a device object", (void *)target);
    if (!pnpsim__check_irql(sys, "IoCallDriver (synchronous request)", PASSIVE_LEVEL, 0, NULL))
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "synchronous IRP: must be sent at PASSIVE_LEVEL");
    irp = pnpsim__irp_alloc(sys, target->StackSize);
    if (irp == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "synchronous IRP: no memory");
    w = pnpsim__irp_from(irp);
    ex = extra_of(w);
    w->sim_owned = true;
    irp->RequestorMode = KernelMode;
    irp->IoStatus.Status = initial;
    irp->IoStatus.Information = initial_info;
    irp->Tail.Overlay.OriginalFileObject = file;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = params->MajorFunction;
    next->MinorFunction = params->MinorFunction;
    next->Flags = params->Flags;
    next->Parameters = params->Parameters;
    next->FileObject = file;
    KeInitializeEvent(&ex->sync_ev, NotificationEvent, FALSE);
    ex->sync_state = SYNC_WAITING;
    IoSetCompletionRoutine(irp, sync_done, ex, TRUE, TRUE, TRUE);

    status = IofCallDriver(target, irp);
    if (status != STATUS_PENDING &&
        pnpsim__atomic_cas_ptr(&ex->sync_state, SYNC_WAITING, SYNC_ABANDONED)) {
        /* The dispatch routine returned a status but neither completed nor pended the
         * IRP: a driver bug. Do not wait forever; whoever completes it later frees it. */
        pnpsim__trace(sys, PNPSIM_TRACE_IRP, tw->devnode, target->DriverObject, &status,
                      "dispatch returned without completing the IRP or returning "
                      "STATUS_PENDING");
        return status;
    }
    /* Completed, or pending: its completion sets the event (perhaps on another thread). */
    pnpsim__event_wait(sys, &ex->sync_ev);
    status = irp->IoStatus.Status;
    if (info != NULL)
        *info = irp->IoStatus.Information;
    free_irp(w);
    return status;
}
