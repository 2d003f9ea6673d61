/* SPDX-License-Identifier: MIT */
/*
 * This file tests IRPs: allocation and freeing, stack locations, IoCallDriver down a
 * three-deep stack of test dispatch routines, Windows' completion algorithm (completion
 * routines bottom-up, STATUS_MORE_PROCESSING_REQUIRED, PendingReturned propagation), the
 * builders (synchronous FSD request with its event, DeviceIoControl METHOD_BUFFERED round
 * trip, METHOD_NEITHER), IoSetCompletionRoutineEx, IoCancelIrp, and the bug checks for
 * misuse (0x44 double completion, 0x35 no stack locations, 0xC9 codes). Sources: Microsoft
 * Learn nf-wdm-ioallocateirp, nf-wdm-iofreeirp, nf-wdm-iocalldriver,
 * nf-wdm-iocompleterequest, nf-wdm-iobuildsynchronousfsdrequest,
 * nf-wdm-iobuilddeviceiocontrolrequest, nf-wdm-iosetcompletionroutineex,
 * nf-wdm-iocancelirp, bug checks 0x35, 0x44 and 0xC9.
 */
#include "pnpsim_test.h"

#include <string.h>

#define IOCTL_TEST_BUFFERED CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_TEST_NEITHER CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_NEITHER, FILE_ANY_ACCESS)

/* ---- a layered test driver --------------------------------------------------------------- */

typedef struct layer {
    int level;               /* 1 = bottom */
    PDEVICE_OBJECT self;
    PDEVICE_OBJECT lower;
    int mode;                /* how the layer handles IRPs, see below */
} layer;

enum {
    LAYER_ROUTINE = 0,    /* copy down with a completion routine */
    LAYER_SKIP = 1,       /* skip down, no routine */
    LAYER_MORE = 2,       /* routine returns STATUS_MORE_PROCESSING_REQUIRED */
    BOTTOM_COMPLETE = 10, /* bottom: complete at once */
    BOTTOM_PEND = 11      /* bottom: mark pending, keep the IRP, return STATUS_PENDING */
};

static char order[128];
static PIRP held;          /* the IRP a bottom or LAYER_MORE layer kept */
static PDEVICE_OBJECT routine_dev_seen[8];
static int seen_pending_returned;

static void note(char what, int level)
{
    size_t n = strlen(order);
    if (n + 3 < sizeof(order)) {
        order[n] = what;
        order[n + 1] = (char)('0' + level);
        order[n + 2] = '\0';
    }
}

static NTSTATUS NTAPI layer_completion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    layer *l = Context;
    note('C', l->level);
    routine_dev_seen[l->level] = DeviceObject;
    if (Irp->PendingReturned)
        IoMarkIrpPending(Irp);
    if (l->mode == LAYER_MORE) {
        held = Irp;
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI layer_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    layer *l = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    assert_ptr_equal(sp->DeviceObject, DeviceObject);
    note('D', l->level);
    if (l->lower == NULL) {
        if (l->mode == BOTTOM_PEND) {
            IoMarkIrpPending(Irp);
            held = Irp;
            return STATUS_PENDING;
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        Irp->IoStatus.Information = 42;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
    }
    if (l->mode == LAYER_SKIP) {
        IoSkipCurrentIrpStackLocation(Irp);
    } else {
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, layer_completion, l, TRUE, TRUE, TRUE);
    }
    return IoCallDriver(l->lower, Irp);
}

static NTSTATUS NTAPI layer_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = layer_dispatch;
    DriverObject->MajorFunction[IRP_MJ_READ] = layer_dispatch;
    return STATUS_SUCCESS;
}

typedef struct stack3 {
    PDRIVER_OBJECT drv;
    PDEVICE_OBJECT dev[4]; /* [1] bottom .. [3] top */
} stack3;

static void build_stack(pnpsim_system *sys, stack3 *s, int depth, int mid_mode, int bottom_mode)
{
    memset(s, 0, sizeof(*s));
    order[0] = '\0';
    held = NULL;
    seen_pending_returned = -1;
    memset(routine_dev_seen, 0, sizeof(routine_dev_seen));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "layers", layer_entry, &s->drv));
    for (int i = 1; i <= depth; i++) {
        layer *l;
        assert_nt_status(STATUS_SUCCESS, IoCreateDevice(s->drv, sizeof(layer), NULL,
                                                        FILE_DEVICE_UNKNOWN, 0, FALSE,
                                                        &s->dev[i]));
        l = s->dev[i]->DeviceExtension;
        l->level = i;
        l->self = s->dev[i];
        l->mode = i == 1 ? bottom_mode : mid_mode;
        if (i > 1)
            l->lower = IoAttachDeviceToDeviceStack(s->dev[i], s->dev[1]);
        s->dev[i]->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    }
}

static void destroy_stack(stack3 *s, int depth)
{
    for (int i = depth; i >= 1; i--) {
        if (i > 1)
            IoDetachDevice(s->dev[i - 1]);
        IoDeleteDevice(s->dev[i]);
    }
}

/* The test's own completion routine at the top (the IRP's sender). */
static NTSTATUS NTAPI sender_done(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    int *count = Context;
    assert_null(DeviceObject); /* the sender has no stack location of its own */
    seen_pending_returned = Irp->PendingReturned ? 1 : 0;
    note('T', 0);
    (*count)++;
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static PIRP make_irp(PDEVICE_OBJECT top, int *count)
{
    PIRP irp = IoAllocateIrp(top->StackSize, FALSE);
    PIO_STACK_LOCATION next;
    assert_non_null(irp);
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    next->Parameters.DeviceIoControl.IoControlCode = IOCTL_TEST_NEITHER;
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    IoSetCompletionRoutine(irp, sender_done, count, TRUE, TRUE, TRUE);
    return irp;
}

/* ---- allocation ------------------------------------------------------------------------ */

/* nf-wdm-ioallocateirp: StackSize locations follow the IRP; no location is current yet. */
static void test_irp__allocate_initialises_the_irp_and_its_stack(void **state)
{
    PIRP irp = IoAllocateIrp(3, FALSE);
    PIO_STACK_LOCATION first;
    (void)state;
    assert_non_null(irp);
    assert_int_equal(irp->Type, IO_TYPE_IRP);
    assert_int_equal(irp->Size, IoSizeOfIrp(3));
    assert_int_equal(irp->StackCount, 3);
    assert_int_equal(irp->CurrentLocation, 4);
    first = (PIO_STACK_LOCATION)(irp + 1);
    assert_ptr_equal(irp->Tail.Overlay.CurrentStackLocation, first + 3);
    assert_ptr_equal(IoGetNextIrpStackLocation(irp), first + 2);
    for (size_t i = 0; i < 3 * sizeof(IO_STACK_LOCATION); i++)
        assert_int_equal(((unsigned char *)first)[i], 0);
    assert_null(irp->AssociatedIrp.SystemBuffer);
    assert_false(irp->Cancel);
    IoFreeIrp(irp);
}

static void test_irp__allocate_out_of_memory_returns_null(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_fault_alloc(sys, 1, 1);
    assert_null(IoAllocateIrp(2, FALSE));
    pnpsim_fault_clear(sys);
}

static void test_irp__free_twice_bugchecks_0xc9_0x1(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoFreeIrp(irp);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoFreeIrp(irp));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x1);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[1], (ULONG_PTR)irp);
}

/* An IRP pnpsim did not allocate (IoInitializeIrp on the driver's memory). */
static void test_irp__free_of_a_foreign_irp_bugchecks_0xc9_0x1(void **state)
{
    pnpsim_system *sys = TSYS(state);
    union {
        IRP irp;
        unsigned char bytes[sizeof(IRP) + 2 * sizeof(IO_STACK_LOCATION)];
    } mem;
    IoInitializeIrp(&mem.irp, IoSizeOfIrp(2), 2);
    assert_int_equal(mem.irp.Type, IO_TYPE_IRP);
    assert_int_equal(mem.irp.CurrentLocation, 3);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoFreeIrp(&mem.irp));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x1);
}

/* ---- IoCallDriver and completion ------------------------------------------------------- */

/* Dispatch goes top-down; completion routines run bottom-up, each with its own device. */
static void test_irp__call_down_three_layers_and_complete_bottom_up(void **state)
{
    pnpsim_system *sys = TSYS(state);
    stack3 s;
    int done = 0;
    PIRP irp;
    build_stack(sys, &s, 3, LAYER_ROUTINE, BOTTOM_COMPLETE);
    assert_int_equal(s.dev[3]->StackSize, 3);
    irp = make_irp(s.dev[3], &done);
    assert_nt_status(STATUS_SUCCESS, IoCallDriver(s.dev[3], irp));
    assert_string_equal(order, "D3D2D1C2C3T0");
    assert_int_equal(done, 1);
    assert_ptr_equal(routine_dev_seen[2], s.dev[2]);
    assert_ptr_equal(routine_dev_seen[3], s.dev[3]);
    assert_nt_status(STATUS_SUCCESS, irp->IoStatus.Status);
    assert_int_equal(irp->IoStatus.Information, 42);
    assert_int_equal(seen_pending_returned, 0);
    assert_int_equal(irp->CurrentLocation, irp->StackCount + 1); /* back with its sender */
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_IRP, "IoCallDriver IRP_MJ_DEVICE_CONTROL") != 0);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_IRP, "IoCompleteRequest") != 0);
    IoFreeIrp(irp);
    destroy_stack(&s, 3);
}

/* STATUS_MORE_PROCESSING_REQUIRED stops the walk; completing again resumes it above. */
static void test_irp__more_processing_required_stops_completion(void **state)
{
    pnpsim_system *sys = TSYS(state);
    stack3 s;
    int done = 0;
    PIRP irp;
    build_stack(sys, &s, 3, LAYER_MORE, BOTTOM_COMPLETE);
    irp = make_irp(s.dev[3], &done);
    IoCallDriver(s.dev[3], irp);
    assert_string_equal(order, "D3D2D1C2");
    assert_ptr_equal(held, irp);
    assert_int_equal(done, 0);
    /* Layer 2 finishes its work and completes the IRP again: layer 3's routine, then ours. */
    ((layer *)s.dev[3]->DeviceExtension)->mode = LAYER_ROUTINE;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    assert_string_equal(order, "D3D2D1C2C3T0");
    assert_int_equal(done, 1);
    IoFreeIrp(irp);
    destroy_stack(&s, 3);
}

/* Without completion routines, a pending IRP marks each location above pending, so the
 * sender sees PendingReturned. */
static void test_irp__pending_returned_propagates_up(void **state)
{
    pnpsim_system *sys = TSYS(state);
    stack3 s;
    int done = 0;
    PIRP irp;
    build_stack(sys, &s, 3, LAYER_SKIP, BOTTOM_PEND);
    irp = make_irp(s.dev[3], &done);
    assert_nt_status(STATUS_PENDING, IoCallDriver(s.dev[3], irp));
    assert_ptr_equal(held, irp);
    assert_int_equal(done, 0);
    /* Freeing it now would free an IRP still in use: 0xC9 / 0x20B. */
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoFreeIrp(irp));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x20B);
    held->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(held, IO_NO_INCREMENT);
    assert_int_equal(done, 1);
    assert_int_equal(seen_pending_returned, 1);
    IoFreeIrp(irp);
    destroy_stack(&s, 3);
}

/* With completion routines that follow the rule "if PendingReturned, IoMarkIrpPending". */
static void test_irp__pending_returned_with_completion_routines(void **state)
{
    pnpsim_system *sys = TSYS(state);
    stack3 s;
    int done = 0;
    PIRP irp;
    build_stack(sys, &s, 3, LAYER_ROUTINE, BOTTOM_PEND);
    irp = make_irp(s.dev[3], &done);
    assert_nt_status(STATUS_PENDING, IoCallDriver(s.dev[3], irp));
    held->IoStatus.Status = STATUS_UNSUCCESSFUL;
    IoCompleteRequest(held, IO_NO_INCREMENT);
    assert_string_equal(order, "D3D2D1C2C3T0");
    assert_int_equal(seen_pending_returned, 1);
    assert_nt_status(STATUS_UNSUCCESSFUL, irp->IoStatus.Status);
    IoFreeIrp(irp);
    destroy_stack(&s, 3);
}

/* Bug check 0x44, parameter 1 = the IRP. */
static void test_irp__double_completion_bugchecks_0x44(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetNextIrpStackLocation(irp); /* the test owns the only location */
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    PNPSIM_EXPECT_BUGCHECK(sys, MULTIPLE_IRP_COMPLETE_REQUESTS,
                           IoCompleteRequest(irp, IO_NO_INCREMENT));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], (ULONG_PTR)irp);
    IoFreeIrp(irp);
}

/* Bug check 0x35, parameter 1 = the IRP. */
static void test_irp__no_stack_location_left_bugchecks_0x35(void **state)
{
    pnpsim_system *sys = TSYS(state);
    stack3 s;
    PIRP irp;
    build_stack(sys, &s, 1, LAYER_ROUTINE, BOTTOM_COMPLETE);
    irp = IoAllocateIrp(0, FALSE);
    PNPSIM_EXPECT_BUGCHECK(sys, NO_MORE_IRP_STACK_LOCATIONS, IoCallDriver(s.dev[1], irp));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], (ULONG_PTR)irp);
    IoFreeIrp(irp);
}

/* 0xC9 / 0x06: completing with STATUS_PENDING. */
static void test_irp__complete_with_status_pending_bugchecks_0xc9_0x6(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetNextIrpStackLocation(irp);
    irp->IoStatus.Status = STATUS_PENDING;
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION,
                           IoCompleteRequest(irp, IO_NO_INCREMENT));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x6);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[2], (ULONG_PTR)irp);
}

/* 0xC9 / 0x03 (not an IRP) and 0x204 (NULL device object). */
static void test_irp__call_driver_with_bad_arguments_bugchecks_0xc9(void **state)
{
    pnpsim_system *sys = TSYS(state);
    stack3 s;
    PIRP irp;
    IRP junk;
    build_stack(sys, &s, 1, LAYER_ROUTINE, BOTTOM_COMPLETE);
    memset(&junk, 0, sizeof(junk));
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoCallDriver(s.dev[1], &junk));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x3);
    irp = IoAllocateIrp(1, FALSE);
    PNPSIM_EXPECT_BUGCHECK(sys, DRIVER_VERIFIER_IOMANAGER_VIOLATION, IoCallDriver(NULL, irp));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x204);
    IoFreeIrp(irp);
}

/* ---- builders -------------------------------------------------------------------------- */

/* A buffered read: the driver fills SystemBuffer; the I/O manager copies it out, sets the
 * IO_STATUS_BLOCK and the event, and frees the IRP. */
static NTSTATUS NTAPI read_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    (void)DeviceObject;
    assert_int_equal(sp->MajorFunction, IRP_MJ_READ);
    assert_int_equal(sp->Parameters.Read.Length, 8);
    assert_int_equal(sp->Parameters.Read.ByteOffset.QuadPart, 512);
    assert_non_null(Irp->AssociatedIrp.SystemBuffer);
    memcpy(Irp->AssociatedIrp.SystemBuffer, "pnpsim!!", 8);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 8;
    if (held == (PIRP)1) { /* pend it: the test completes it later */
        IoMarkIrpPending(Irp);
        held = Irp;
        return STATUS_PENDING;
    }
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI io_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->MajorFunction[IRP_MJ_READ] = read_dispatch;
    return STATUS_SUCCESS;
}

static void test_irp__synchronous_fsd_read_sets_event_and_status(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    PDEVICE_OBJECT dev;
    KEVENT ev;
    IO_STATUS_BLOCK iosb;
    LARGE_INTEGER off;
    char buf[9] = {0};
    PIRP irp;
    NTSTATUS status;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "reader", io_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, IoCreateDevice(drv, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    dev->Flags |= DO_BUFFERED_IO;
    off.QuadPart = 512;
    for (int pend = 0; pend <= 1; pend++) {
        memset(buf, 0, sizeof(buf));
        memset(&iosb, 0xFF, sizeof(iosb));
        held = pend ? (PIRP)1 : NULL;
        KeInitializeEvent(&ev, NotificationEvent, FALSE);
        irp = IoBuildSynchronousFsdRequest(IRP_MJ_READ, dev, buf, 8, &off, &ev, &iosb);
        assert_non_null(irp);
        status = IoCallDriver(dev, irp);
        if (pend) {
            assert_nt_status(STATUS_PENDING, status);
            assert_int_equal(KeReadStateEvent(&ev), 0);
            IoCompleteRequest(held, IO_NO_INCREMENT);
        }
        assert_int_not_equal(KeReadStateEvent(&ev), 0);
        assert_nt_status(STATUS_SUCCESS, iosb.Status);
        assert_int_equal(iosb.Information, 8);
        assert_string_equal(buf, "pnpsim!!");
    }
    /* The I/O manager freed the IRP: completing it again is a double completion. */
    PNPSIM_EXPECT_BUGCHECK(sys, MULTIPLE_IRP_COMPLETE_REQUESTS, IoCompleteRequest(irp, 0));
}

static NTSTATUS NTAPI ioctl_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    (void)DeviceObject;
    if (sp->Parameters.DeviceIoControl.IoControlCode == IOCTL_TEST_BUFFERED) {
        unsigned char *b = Irp->AssociatedIrp.SystemBuffer;
        ULONG in = sp->Parameters.DeviceIoControl.InputBufferLength;
        assert_int_equal(in, 4);
        assert_int_equal(sp->Parameters.DeviceIoControl.OutputBufferLength, 6);
        assert_memory_equal(b, "abcd", 4);
        for (int i = 0; i < 6; i++)
            b[i] = (unsigned char)('0' + i);
        Irp->IoStatus.Information = 5; /* only 5 bytes are copied back */
        Irp->IoStatus.Status = STATUS_SUCCESS;
    } else {
        assert_int_equal(sp->Parameters.DeviceIoControl.IoControlCode, IOCTL_TEST_NEITHER);
        memcpy(Irp->UserBuffer, sp->Parameters.DeviceIoControl.Type3InputBuffer, 2);
        Irp->IoStatus.Information = 2;
        Irp->IoStatus.Status = STATUS_SUCCESS;
    }
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI ioctl_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = ioctl_dispatch;
    return STATUS_SUCCESS;
}

static void test_irp__ioctl_method_buffered_round_trip(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    PDEVICE_OBJECT dev;
    KEVENT ev;
    IO_STATUS_BLOCK iosb;
    char out[7] = "zzzzzz";
    char nin[2] = {'h', 'i'}, nout[3] = {0};
    PIRP irp;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "ioctl", ioctl_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, IoCreateDevice(drv, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    irp = IoBuildDeviceIoControlRequest(IOCTL_TEST_BUFFERED, dev, "abcd", 4, out, 6, FALSE, &ev,
                                        &iosb);
    assert_non_null(irp);
    assert_int_equal(IoGetNextIrpStackLocation(irp)->MajorFunction, IRP_MJ_DEVICE_CONTROL);
    assert_nt_status(STATUS_SUCCESS, IoCallDriver(dev, irp));
    assert_int_not_equal(KeReadStateEvent(&ev), 0);
    assert_int_equal(iosb.Information, 5);
    assert_string_equal(out, "01234z");

    /* METHOD_NEITHER: the driver gets the caller's pointers. */
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    irp = IoBuildDeviceIoControlRequest(IOCTL_TEST_NEITHER, dev, nin, 2, nout, 2, TRUE, &ev,
                                        &iosb);
    assert_int_equal(IoGetNextIrpStackLocation(irp)->MajorFunction,
                     IRP_MJ_INTERNAL_DEVICE_CONTROL);
    drv->MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = ioctl_dispatch;
    IoCallDriver(dev, irp);
    assert_string_equal(nout, "hi");
    assert_int_equal(iosb.Information, 2);
}

static void test_irp__ioctl_out_of_memory_returns_null(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    PDEVICE_OBJECT dev;
    KEVENT ev;
    IO_STATUS_BLOCK iosb;
    char out[4];
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "ioctl", ioctl_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, IoCreateDevice(drv, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev));
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    for (unsigned long n = 1; n <= 2; n++) { /* the IRP, then its system buffer */
        pnpsim_fault_alloc(sys, n, 1);
        assert_null(IoBuildDeviceIoControlRequest(IOCTL_TEST_BUFFERED, dev, "abcd", 4, out, 4,
                                                  FALSE, &ev, &iosb));
    }
    pnpsim_fault_clear(sys);
}

/* ---- completion routine Ex, cancel, misc ------------------------------------------------- */

static int ex_calls;
static NTSTATUS NTAPI ex_routine(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    (void)DeviceObject;
    (void)Irp;
    ex_calls += *(int *)Context;
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* nf-wdm-iosetcompletionroutineex: the device is referenced until the routine ran. */
static void test_irp__completion_routine_ex_holds_the_device(void **state)
{
    pnpsim_system *sys = TSYS(state);
    stack3 s;
    PIRP irp;
    int one = 1;
    build_stack(sys, &s, 1, LAYER_ROUTINE, BOTTOM_COMPLETE);
    irp = IoAllocateIrp(1, FALSE);
    IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    ex_calls = 0;
    assert_nt_status(STATUS_SUCCESS, IoSetCompletionRoutineEx(s.dev[1], irp, ex_routine, &one,
                                                              TRUE, TRUE, TRUE));
    assert_int_equal(ObReferenceObject(s.dev[1]), 3); /* creation + routine + this one */
    ObDereferenceObject(s.dev[1]);
    IoCallDriver(s.dev[1], irp);
    assert_int_equal(ex_calls, 1);
    assert_int_equal(ObReferenceObject(s.dev[1]), 2); /* the routine's reference is gone */
    ObDereferenceObject(s.dev[1]);
    /* Out of memory. */
    IoReuseIrp(irp, STATUS_SUCCESS);
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     IoSetCompletionRoutineEx(s.dev[1], irp, ex_routine, &one, TRUE, TRUE, TRUE));
    pnpsim_fault_clear(sys);
    IoFreeIrp(irp);
    destroy_stack(&s, 1);
}

static int cancel_calls;
static VOID NTAPI cancel_routine(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    (void)DeviceObject;
    cancel_calls++;
    assert_true(Irp->Cancel);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/* nf-wdm-iocancelirp: TRUE and the routine runs if one is set; FALSE otherwise. */
static void test_irp__cancel_calls_the_cancel_routine(void **state)
{
    pnpsim_system *sys = TSYS(state);
    stack3 s;
    int done = 0;
    PIRP irp;
    build_stack(sys, &s, 1, LAYER_ROUTINE, BOTTOM_PEND);
    irp = make_irp(s.dev[1], &done);
    assert_nt_status(STATUS_PENDING, IoCallDriver(s.dev[1], irp));
    cancel_calls = 0;
    IoSetCancelRoutine(irp, cancel_routine);
    assert_true(IoCancelIrp(irp));
    assert_int_equal(cancel_calls, 1);
    assert_int_equal(done, 1);
    assert_nt_status(STATUS_CANCELLED, irp->IoStatus.Status);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    /* No routine set: FALSE, but the IRP is marked cancelled. */
    IoReuseIrp(irp, STATUS_SUCCESS);
    assert_false(irp->Cancel);
    assert_false(IoCancelIrp(irp));
    assert_true(irp->Cancel);
    IoFreeIrp(irp);
    destroy_stack(&s, 1);
}

static void test_irp__is_error_user_induced(void **state)
{
    (void)state;
    assert_true(IoIsErrorUserInduced(STATUS_DEVICE_NOT_READY));
    assert_true(IoIsErrorUserInduced(STATUS_NO_MEDIA_IN_DEVICE));
    assert_true(IoIsErrorUserInduced(STATUS_MEDIA_WRITE_PROTECTED));
    assert_false(IoIsErrorUserInduced(STATUS_SUCCESS));
    assert_false(IoIsErrorUserInduced(STATUS_INSUFFICIENT_RESOURCES));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_irp__allocate_initialises_the_irp_and_its_stack),
        PNPSIM_TEST(test_irp__allocate_out_of_memory_returns_null),
        PNPSIM_TEST(test_irp__free_twice_bugchecks_0xc9_0x1),
        PNPSIM_TEST(test_irp__free_of_a_foreign_irp_bugchecks_0xc9_0x1),
        PNPSIM_TEST(test_irp__call_down_three_layers_and_complete_bottom_up),
        PNPSIM_TEST(test_irp__more_processing_required_stops_completion),
        PNPSIM_TEST(test_irp__pending_returned_propagates_up),
        PNPSIM_TEST(test_irp__pending_returned_with_completion_routines),
        PNPSIM_TEST(test_irp__double_completion_bugchecks_0x44),
        PNPSIM_TEST(test_irp__no_stack_location_left_bugchecks_0x35),
        PNPSIM_TEST(test_irp__complete_with_status_pending_bugchecks_0xc9_0x6),
        PNPSIM_TEST(test_irp__call_driver_with_bad_arguments_bugchecks_0xc9),
        PNPSIM_TEST(test_irp__synchronous_fsd_read_sets_event_and_status),
        PNPSIM_TEST(test_irp__ioctl_method_buffered_round_trip),
        PNPSIM_TEST(test_irp__ioctl_out_of_memory_returns_null),
        PNPSIM_TEST(test_irp__completion_routine_ex_holds_the_device),
        PNPSIM_TEST(test_irp__cancel_calls_the_cancel_routine),
        PNPSIM_TEST(test_irp__is_error_user_induced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
