/* SPDX-License-Identifier: MIT */
/*
 * This file tests pnpsim's KMDF I/O queues and requests through kmdf_ioctl, a function
 * driver shaped like the KMDF samples: sequential, parallel and manual dispatch, IOCTL round
 * trips and buffer retrieval errors, request parameters, power-managed queues held outside
 * D0, the purge at removal, file object callbacks, devices without queues, the verifier's
 * request checks (double completion, Information beyond the output buffer) and WDFMEMORY.
 * Sources: Microsoft Learn "Dispatching Methods for I/O Requests", "Power Management for I/O
 * Queues", "WdfRequestRetrieveInputBuffer", "WdfRequestComplete", "Bug Check 0x10D
 * WDF_VIOLATION", windows-semantics.md §9-§11.
 */
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/fault.h>
#include <pnpsim/power.h>
#include <pnpsim/verifier.h>
#include <wdf.h>

#include "drivers/kmdf_bus.h"
#include "drivers/kmdf_ioctl.h"

typedef struct io_fixture {
    pnpsim_system *sys;
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    PDEVICE_OBJECT top;
} io_fixture;

static io_fixture start_ioctl(void **state, KMDF_IOCTL_MODE mode)
{
    io_fixture f;
    f.sys = TSYS(state);
    kmdf_ioctl_reset(mode);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(f.sys, "kmdfioctl", KmdfIoctlDriverEntry, &f.drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(f.sys, KMDF_IOCTL_HARDWARE_ID, f.drv));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_create(f.sys, NULL, KMDF_IOCTL_HARDWARE_ID, "0", &f.dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(f.dev));
    f.top = pnpsim_device_top(f.dev);
    return f;
}

/* One IRP in flight: the event and status block outlive the call. */
typedef struct io_op {
    KEVENT event;
    IO_STATUS_BLOCK iosb;
    NTSTATUS sent; /* what IoCallDriver returned */
} io_op;

/* Completed: the I/O manager signalled the event (the framework returns STATUS_PENDING for
 * every request it queues, even one completed before IoCallDriver returned). */
static bool op_done(io_op *op) { return KeReadStateEvent(&op->event) != 0; }
static NTSTATUS op_status(io_op *op)
{
    if (op_done(op))
        return op->iosb.Status;
    return op->sent;
}

static NTSTATUS send_ioctl(PDEVICE_OBJECT top, PFILE_OBJECT file, ULONG code, void *in,
                           ULONG in_len, void *out, ULONG out_len, io_op *op)
{
    PIRP irp;
    KeInitializeEvent(&op->event, NotificationEvent, FALSE);
    op->iosb.Status = STATUS_PENDING;
    op->iosb.Information = 0;
    irp = IoBuildDeviceIoControlRequest(code, top, in, in_len, out, out_len, FALSE, &op->event,
                                        &op->iosb);
    assert_non_null(irp);
    IoGetNextIrpStackLocation(irp)->FileObject = file;
    op->sent = IoCallDriver(top, irp);
    return op_status(op);
}

static NTSTATUS send_rw(PDEVICE_OBJECT top, ULONG major, void *buf, ULONG len, io_op *op)
{
    LARGE_INTEGER offset;
    PIRP irp;
    offset.QuadPart = 0;
    KeInitializeEvent(&op->event, NotificationEvent, FALSE);
    op->iosb.Status = STATUS_PENDING;
    irp = IoBuildSynchronousFsdRequest(major, top, buf, len, &offset, &op->event, &op->iosb);
    assert_non_null(irp);
    op->sent = IoCallDriver(top, irp);
    return op_status(op);
}

/* "WdfRequestRetrieveInputBuffer" / "WdfRequestRetrieveOutputBuffer": a METHOD_BUFFERED
 * IOCTL's buffers are the system buffer; the driver copies, completes with Information. */
static void test_kmdf_queue__ioctl_round_trip_returns_the_echoed_bytes(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR in[6] = {1, 2, 3, 4, 5, 6}, out[8];
    io_op op;
    memset(out, 0, sizeof(out));
    assert_nt_status(STATUS_SUCCESS,
                     send_ioctl(f.top, NULL, IOCTL_KMDF_ECHO, in, sizeof(in), out, sizeof(out), &op));
    assert_int_equal(op.iosb.Information, sizeof(in));
    assert_memory_equal(out, in, sizeof(in));
    assert_int_equal(kmdf_ioctl_stats()->IoctlCalls, 1);
}

/* "WdfRequestRetrieveInputBuffer", Return value: STATUS_BUFFER_TOO_SMALL when the buffer is
 * shorter than MinimumRequiredLength; the same for the output buffer. */
static void test_kmdf_queue__retrieve_buffer_below_minimum_fails_buffer_too_small(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR in[6] = {0}, out[8];
    io_op op;
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     send_ioctl(f.top, NULL, IOCTL_KMDF_ECHO, in, 2, out, sizeof(out), &op));
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, kmdf_ioctl_stats()->RetrieveInputStatus);
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     send_ioctl(f.top, NULL, IOCTL_KMDF_ECHO, in, sizeof(in), out, 4, &op));
    assert_nt_status(STATUS_SUCCESS, kmdf_ioctl_stats()->RetrieveInputStatus);
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, kmdf_ioctl_stats()->RetrieveOutputStatus);
    /* No input at all: the input buffer cannot be retrieved either. */
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     send_ioctl(f.top, NULL, IOCTL_KMDF_ECHO, NULL, 0, out, sizeof(out), &op));
    /* An IOCTL the driver does not know. */
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     send_ioctl(f.top, NULL,
                                CTL_CODE(FILE_DEVICE_UNKNOWN, 0x9FF, METHOD_BUFFERED,
                                         FILE_ANY_ACCESS),
                                NULL, 0, NULL, 0, &op));
}

/* "WdfRequestGetParameters": Type WdfRequestTypeDeviceControl and the IOCTL's lengths and
 * code, as the I/O stack location holds them. */
static void test_kmdf_queue__get_parameters_reports_the_ioctl(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR in[3] = {0}, out[5];
    const WDF_REQUEST_PARAMETERS *p = &kmdf_ioctl_stats()->Params;
    io_op op;
    assert_nt_status(STATUS_SUCCESS, send_ioctl(f.top, NULL, IOCTL_KMDF_PARAMS, in, sizeof(in),
                                                out, sizeof(out), &op));
    assert_int_equal(p->Size, sizeof(WDF_REQUEST_PARAMETERS));
    assert_int_equal(p->Type, WdfRequestTypeDeviceControl);
    assert_int_equal(p->Parameters.DeviceIoControl.IoControlCode, IOCTL_KMDF_PARAMS);
    assert_int_equal(p->Parameters.DeviceIoControl.InputBufferLength, sizeof(in));
    assert_int_equal(p->Parameters.DeviceIoControl.OutputBufferLength, sizeof(out));
}

/* "Dispatching Methods for I/O Requests", sequential: the framework delivers the next
 * request only after the driver completed (or forwarded) the one it holds. */
static void test_kmdf_queue__sequential_queue_waits_for_the_held_request(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR in[4] = {9, 8, 7, 6}, out[4];
    io_op hold, echo;
    ULONG count = 0;
    assert_nt_status(STATUS_PENDING,
                     send_ioctl(f.top, NULL, IOCTL_KMDF_HOLD, NULL, 0, NULL, 0, &hold));
    assert_int_equal(kmdf_ioctl_held_count(), 1);
    assert_nt_status(STATUS_PENDING, send_ioctl(f.top, NULL, IOCTL_KMDF_ECHO, in, sizeof(in),
                                                out, sizeof(out), &echo));
    assert_int_equal(kmdf_ioctl_stats()->IoctlCalls, 1); /* not presented yet */
    assert_false(op_done(&echo));
    assert_int_equal(WdfIoQueueGetState(kmdf_ioctl_default_queue(), &count, NULL) &
                         WdfIoQueueDriverNoRequests,
                     0);
    assert_int_equal(count, 1); /* one waiting in the queue */
    assert_int_equal(kmdf_ioctl_release_held(STATUS_SUCCESS), 1);
    assert_true(op_done(&hold));
    assert_nt_status(STATUS_SUCCESS, op_status(&hold));
    /* The held request's completion let the queue present the echo. */
    assert_true(op_done(&echo));
    assert_nt_status(STATUS_SUCCESS, op_status(&echo));
    assert_int_equal(kmdf_ioctl_stats()->IoctlCalls, 2);
    assert_memory_equal(out, in, sizeof(in));
}

/* "Dispatching Methods for I/O Requests", parallel: requests are presented as they arrive,
 * however many the driver already holds. */
static void test_kmdf_queue__parallel_queue_presents_reads_at_once(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR b1[4], b2[4], b3[4];
    io_op r1, r2, r3;
    assert_nt_status(STATUS_PENDING, send_rw(f.top, IRP_MJ_READ, b1, sizeof(b1), &r1));
    assert_nt_status(STATUS_PENDING, send_rw(f.top, IRP_MJ_READ, b2, sizeof(b2), &r2));
    assert_nt_status(STATUS_PENDING, send_rw(f.top, IRP_MJ_READ, b3, sizeof(b3), &r3));
    assert_int_equal(kmdf_ioctl_stats()->ReadCalls, 3);
    assert_int_equal(kmdf_ioctl_stats()->MaxReadsInDriver, 3);
    /* Reads go to the read queue only (WdfDeviceConfigureRequestDispatching). */
    assert_int_equal(kmdf_ioctl_stats()->IoctlCalls, 0);
    assert_int_equal(kmdf_ioctl_release_held(STATUS_SUCCESS), 3);
    assert_true(op_done(&r1) && op_done(&r2) && op_done(&r3));
    assert_nt_status(STATUS_SUCCESS, op_status(&r2));
}

/* Writes reach the default queue's EvtIoWrite with the length; the request's input memory
 * is the written buffer ("WdfRequestRetrieveInputMemory"). */
static void test_kmdf_queue__write_reaches_the_default_queue(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR buf[10] = {5};
    io_op w;
    assert_nt_status(STATUS_SUCCESS, send_rw(f.top, IRP_MJ_WRITE, buf, sizeof(buf), &w));
    assert_int_equal(w.iosb.Information, sizeof(buf));
    assert_int_equal(kmdf_ioctl_stats()->WriteCalls, 1);
    assert_int_equal(kmdf_ioctl_stats()->LastWriteLength, sizeof(buf));
}

/* "WdfIoQueueRetrieveNextRequest": a manual queue keeps requests until the driver asks;
 * STATUS_NO_MORE_ENTRIES when it is empty. */
static void test_kmdf_queue__manual_queue_keeps_requests_until_retrieved(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    io_op p1, p2;
    ULONG count = 0;
    assert_nt_status(STATUS_NO_MORE_ENTRIES, kmdf_ioctl_complete_manual(STATUS_SUCCESS));
    assert_nt_status(STATUS_PENDING, send_ioctl(f.top, NULL, IOCTL_KMDF_PARK, NULL, 0, NULL, 0, &p1));
    /* Forwarded: the sequential default queue is free for the next request. */
    assert_nt_status(STATUS_PENDING, send_ioctl(f.top, NULL, IOCTL_KMDF_PARK, NULL, 0, NULL, 0, &p2));
    assert_int_equal(kmdf_ioctl_stats()->IoctlCalls, 2);
    (void)WdfIoQueueGetState(kmdf_ioctl_manual_queue(), &count, NULL);
    assert_int_equal(count, 2);
    assert_nt_status(STATUS_SUCCESS, kmdf_ioctl_complete_manual(STATUS_SUCCESS));
    assert_true(op_done(&p1));
    assert_false(op_done(&p2));
    assert_nt_status(STATUS_SUCCESS, kmdf_ioctl_complete_manual(STATUS_UNSUCCESSFUL));
    assert_nt_status(STATUS_UNSUCCESSFUL, op_status(&p2));
    assert_nt_status(STATUS_NO_MORE_ENTRIES, kmdf_ioctl_complete_manual(STATUS_SUCCESS));
}

/* "Power Management for I/O Queues": a power-managed queue delivers nothing while the
 * device is not in D0 and resumes when it returns to D0 (windows-semantics.md §11). */
static void test_kmdf_queue__power_managed_queue_is_held_in_d3(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR in[4] = {1, 2, 3, 4}, out[4];
    POWER_STATE ps;
    io_op op;
    ps.DeviceState = PowerDeviceD3;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(f.dev, IRP_MN_SET_POWER, DevicePowerState, ps));
    assert_nt_status(STATUS_PENDING, send_ioctl(f.top, NULL, IOCTL_KMDF_ECHO, in, sizeof(in),
                                                out, sizeof(out), &op));
    assert_int_equal(kmdf_ioctl_stats()->IoctlCalls, 0);
    assert_false(op_done(&op));
    ps.DeviceState = PowerDeviceD0;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(f.dev, IRP_MN_SET_POWER, DevicePowerState, ps));
    assert_true(op_done(&op));
    assert_nt_status(STATUS_SUCCESS, op_status(&op));
    assert_int_equal(kmdf_ioctl_stats()->IoctlCalls, 1);
    assert_memory_equal(out, in, sizeof(in));
}

/* A request the driver holds when the device leaves D0 gets EvtIoStop with
 * WdfRequestStopActionSuspend ("EvtIoStop"). */
static void test_kmdf_queue__power_down_sends_evt_io_stop_for_held_requests(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    POWER_STATE ps;
    io_op op;
    assert_nt_status(STATUS_PENDING, send_ioctl(f.top, NULL, IOCTL_KMDF_HOLD, NULL, 0, NULL, 0, &op));
    ps.DeviceState = PowerDeviceD3;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(f.dev, IRP_MN_SET_POWER, DevicePowerState, ps));
    assert_int_equal(kmdf_ioctl_stats()->StopCalls, 1);
    assert_true(kmdf_ioctl_stats()->LastStopFlags & WdfRequestStopActionSuspend);
    assert_int_equal(kmdf_ioctl_release_held(STATUS_SUCCESS), 1);
    assert_nt_status(STATUS_SUCCESS, op_status(&op));
}

/* Removal purges the queues: requests waiting in a queue complete with STATUS_CANCELLED,
 * requests the driver holds get EvtIoStop(Purge) ("WdfIoQueuePurge", "EvtIoStop"). */
static void test_kmdf_queue__removal_cancels_pending_requests(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    io_op held, waiting, parked;
    assert_nt_status(STATUS_PENDING, send_ioctl(f.top, NULL, IOCTL_KMDF_PARK, NULL, 0, NULL, 0, &parked));
    assert_nt_status(STATUS_PENDING, send_ioctl(f.top, NULL, IOCTL_KMDF_HOLD, NULL, 0, NULL, 0, &held));
    assert_nt_status(STATUS_PENDING, send_ioctl(f.top, NULL, IOCTL_KMDF_HOLD, NULL, 0, NULL, 0, &waiting));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(f.dev));
    assert_true(op_done(&waiting));
    assert_nt_status(STATUS_CANCELLED, op_status(&waiting));
    assert_true(op_done(&parked));
    assert_nt_status(STATUS_CANCELLED, op_status(&parked));
    assert_true(op_done(&held));
    assert_nt_status(STATUS_CANCELLED, op_status(&held));
    assert_true(kmdf_ioctl_stats()->LastStopFlags & WdfRequestStopActionPurge);
    assert_int_equal(kmdf_ioctl_held_count(), 0);
}

/* "WDF_FILEOBJECT_CONFIG": EvtDeviceFileCreate on open, EvtFileCleanup and EvtFileClose
 * when the last handle and reference go; requests carry the framework file object
 * ("WdfRequestGetFileObject"). */
static void test_kmdf_queue__file_callbacks_run_on_open_and_close(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR in[4] = {1, 1, 1, 1}, out[4];
    PFILE_OBJECT file = NULL;
    io_op op;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(f.dev, NULL, &file));
    assert_int_equal(kmdf_ioctl_stats()->Creates, 1);
    assert_non_null(kmdf_ioctl_stats()->LastFile);
    assert_ptr_equal(WdfFileObjectWdmGetFileObject(kmdf_ioctl_stats()->LastFile), file);
    assert_ptr_equal(WdfFileObjectGetDevice(kmdf_ioctl_stats()->LastFile), kmdf_ioctl_device());
    assert_int_equal(pnpsim_device_open_count(f.dev), 1);
    assert_nt_status(STATUS_SUCCESS, send_ioctl(f.top, file, IOCTL_KMDF_ECHO, in, sizeof(in),
                                                out, sizeof(out), &op));
    assert_true(kmdf_ioctl_stats()->LastFileMatches);
    ObDereferenceObject(file);
    assert_int_equal(kmdf_ioctl_stats()->Cleanups, 1);
    assert_int_equal(kmdf_ioctl_stats()->Closes, 1);
    assert_int_equal(pnpsim_device_open_count(f.dev), 0);
}

/* No queue for a request type: a function driver's device passes the IRP down the stack
 * (FxPkgIo: "forward if no queue" for FDOs and filters). pnpsim's root PDO answers an IOCTL
 * it does not know with what it answers without the KMDF driver on top. */
static void test_kmdf_queue__fdo_without_queue_forwards_the_request(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNoQueues);
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(f.dev);
    io_op direct, through;
    NTSTATUS expected = send_ioctl(pdo, NULL, IOCTL_KMDF_ECHO, NULL, 0, NULL, 0, &direct);
    assert_nt_status(expected, send_ioctl(f.top, NULL, IOCTL_KMDF_ECHO, NULL, 0, NULL, 0, &through));
    assert_int_equal(kmdf_ioctl_stats()->IoctlCalls, 0);
    /* Without file object callbacks, create and close succeed (the framework's default). */
    {
        PFILE_OBJECT file = NULL;
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(f.dev, NULL, &file));
        ObDereferenceObject(file);
    }
}

/* A KMDF PDO without a queue completes the request with STATUS_INVALID_DEVICE_REQUEST
 * (nothing below it to forward to; FxPkgIo). kmdf_bus's child PDOs create no queues. */
static void test_kmdf_queue__pdo_without_queue_fails_invalid_device_request(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT bus;
    pnpsim_device *root, *child;
    const KMDF_BUS_CHILD_RECORD *rec;
    io_op op;
    kmdf_bus_reset();
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdfbus", KmdfBusDriverEntry, &bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, KMDF_BUS_HARDWARE_ID, bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, KMDF_BUS_HARDWARE_ID, "0", &root));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(root));
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(7));
    pnpsim_system_run_pending(sys);
    rec = kmdf_bus_child_record(7);
    assert_non_null(rec);
    child = pnpsim_device_find(sys, "KMDFBUS\\Child\\7");
    assert_non_null(child);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     send_ioctl(pnpsim_device_pdo(child), NULL, IOCTL_KMDF_ECHO, NULL, 0, NULL,
                                0, &op));
}

/* Bug Check 0x10D WDF_VIOLATION, parameter 1 0x6 (request fatal error), parameter 2 0x2:
 * the driver completed a request that was already completed (it still referenced it). */
static void test_kmdf_queue__double_completion_bugchecks_wdf_violation(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    pnpsim_violation v;
    io_op op;
    pnpsim_system_set_bugcheck_handler(f.sys, pnpsim_bugcheck_record_and_continue, NULL);
    assert_nt_status(STATUS_SUCCESS,
                     send_ioctl(f.top, NULL, IOCTL_KMDF_COMPLETE_TWICE, NULL, 0, NULL, 0, &op));
    assert_int_equal(pnpsim_bugcheck_count(f.sys), 1);
    assert_true(pnpsim_bugcheck_get(f.sys, 0, &v));
    assert_int_equal(v.code, WDF_VIOLATION);
    assert_int_equal(v.parameters[0], WDF_REQUEST_FATAL_ERROR);
    assert_int_equal(v.parameters[1], WDF_REQUEST_FATAL_ERROR_NULL_IRP);
}

/* Copies what a WDF_VIOLATION 0x6/0x4 points at while the data is alive (the request goes
 * once the simulation continues). */
typedef struct mismatch_seen {
    int hits;
    ULONG_PTR p1, p2;
    WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH_DATA data;
} mismatch_seen;

static void on_mismatch(void *ctx, ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                        ULONG_PTR p4, const char *message)
{
    mismatch_seen *m = ctx;
    (void)message;
    (void)p4;
    if (code != WDF_VIOLATION)
        return;
    m->hits++;
    m->p1 = p1;
    m->p2 = p2;
    if (p1 == WDF_REQUEST_FATAL_ERROR && p2 == WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH)
        m->data = *(PWDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH_DATA)p3;
}

/* Bug Check 0x10D, parameter 1 0x6, parameter 2 0x4: Information larger than the output
 * buffer of a buffered IOCTL; parameter 3 points at the mismatch data. */
static void test_kmdf_queue__information_beyond_output_bugchecks_0x6_0x4(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    UCHAR out[4];
    mismatch_seen m;
    io_op op;
    memset(&m, 0, sizeof(m));
    pnpsim_system_set_bugcheck_handler(f.sys, on_mismatch, &m);
    assert_nt_status(STATUS_SUCCESS, send_ioctl(f.top, NULL, IOCTL_KMDF_OVERREPORT, NULL, 0,
                                                out, sizeof(out), &op));
    assert_int_equal(m.hits, 1);
    assert_int_equal(m.p1, WDF_REQUEST_FATAL_ERROR);
    assert_int_equal(m.p2, WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH);
    assert_int_equal(m.data.OutputBufferLength, sizeof(out));
    assert_int_equal(m.data.Information, sizeof(out) + 1);
    assert_int_equal(m.data.MajorFunction, IRP_MJ_DEVICE_CONTROL);
    /* Simulation: the framework continues with Information clamped to the buffer. */
    assert_int_equal(op.iosb.Information, sizeof(out));
}

/* Queue methods with bad handles: WDF_VIOLATION 0x4 for NULL, 0x5 for a wrong type. */
static void test_kmdf_queue__bad_handles_bugcheck(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    WDFREQUEST req;
    PNPSIM_EXPECT_BUGCHECK(f.sys, WDF_VIOLATION,
                           (void)WdfIoQueueRetrieveNextRequest(NULL, &req));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_REQUIRED_PARAMETER_IS_NULL);
    PNPSIM_EXPECT_BUGCHECK(f.sys, WDF_VIOLATION,
                           (void)WdfIoQueueRetrieveNextRequest(
                               (WDFQUEUE)kmdf_ioctl_device(), &req));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_INVALID_HANDLE);
    PNPSIM_EXPECT_BUGCHECK(f.sys, WDF_VIOLATION,
                           WdfRequestComplete((WDFREQUEST)kmdf_ioctl_manual_queue(),
                                              STATUS_SUCCESS));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_INVALID_HANDLE);
}

/* "WdfIoQueueRetrieveNextRequest": IRQL <= DISPATCH_LEVEL is fine;
 * "WdfIoQueueStopSynchronously": PASSIVE_LEVEL only (KmdfIrql). */
static void test_kmdf_queue__stop_synchronously_above_passive_bugchecks(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    WDFREQUEST req;
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_nt_status(STATUS_NO_MORE_ENTRIES,
                     WdfIoQueueRetrieveNextRequest(kmdf_ioctl_manual_queue(), &req));
    PNPSIM_EXPECT_BUGCHECK(f.sys, WDF_VIOLATION,
                           WdfIoQueueStopSynchronously(kmdf_ioctl_manual_queue()));
    KeLowerIrql(old);
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], PNPSIM_WDF_IRQL_TOO_HIGH);
}

/* "WdfIoQueueCreate": a bad Config->Size -> STATUS_INFO_LENGTH_MISMATCH; a second default
 * queue -> failure; out of memory -> STATUS_INSUFFICIENT_RESOURCES, nothing left behind. */
static void test_kmdf_queue__queue_create_errors(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    WDF_IO_QUEUE_CONFIG cfg;
    WDFQUEUE q = NULL;
    WDF_IO_QUEUE_CONFIG_INIT(&cfg, WdfIoQueueDispatchManual);
    cfg.Size = 4;
    assert_nt_status(STATUS_INFO_LENGTH_MISMATCH,
                     WdfIoQueueCreate(kmdf_ioctl_device(), &cfg, WDF_NO_OBJECT_ATTRIBUTES, &q));
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&cfg, WdfIoQueueDispatchManual);
    assert_false(NT_SUCCESS(
        WdfIoQueueCreate(kmdf_ioctl_device(), &cfg, WDF_NO_OBJECT_ATTRIBUTES, &q)));
    WDF_IO_QUEUE_CONFIG_INIT(&cfg, WdfIoQueueDispatchManual);
    pnpsim_fault_alloc(f.sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     WdfIoQueueCreate(kmdf_ioctl_device(), &cfg, WDF_NO_OBJECT_ATTRIBUTES, &q));
    pnpsim_fault_alloc(f.sys, 0, 0);
    assert_nt_status(STATUS_SUCCESS,
                     WdfIoQueueCreate(kmdf_ioctl_device(), &cfg, WDF_NO_OBJECT_ATTRIBUTES, &q));
    assert_ptr_equal(WdfIoQueueGetDevice(q), kmdf_ioctl_device());
}

/* "WdfMemoryCreate", "WdfMemoryCopyToBuffer", "WdfMemoryCopyFromBuffer": copies within the
 * buffer succeed; past the end -> STATUS_BUFFER_TOO_SMALL; an offset beyond the buffer ->
 * STATUS_INVALID_BUFFER_SIZE; BufferSize 0 -> STATUS_INVALID_PARAMETER; no pool ->
 * STATUS_INSUFFICIENT_RESOURCES. */
static void test_kmdf_queue__memory_create_and_copy(void **state)
{
    io_fixture f = start_ioctl(state, KmdfIoctlNormal);
    WDFMEMORY mem = NULL, pre = NULL;
    PVOID buf = NULL;
    size_t size = 0;
    UCHAR src[8] = {1, 2, 3, 4, 5, 6, 7, 8}, dst[8] = {0}, local[4];
    assert_nt_status(STATUS_SUCCESS,
                     WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 'tseT', 8, &mem, &buf));
    assert_ptr_equal(WdfMemoryGetBuffer(mem, &size), buf);
    assert_int_equal(size, 8);
    assert_nt_status(STATUS_SUCCESS, WdfMemoryCopyFromBuffer(mem, 0, src, 8));
    assert_nt_status(STATUS_SUCCESS, WdfMemoryCopyToBuffer(mem, 4, dst, 4));
    assert_memory_equal(dst, src + 4, 4);
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, WdfMemoryCopyToBuffer(mem, 6, dst, 4));
    assert_nt_status(STATUS_INVALID_BUFFER_SIZE, WdfMemoryCopyFromBuffer(mem, 9, src, 1));
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfMemoryCopyToBuffer(mem, 0, dst, 0));
    assert_nt_status(STATUS_SUCCESS, WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES,
                                                                 local, sizeof(local), &pre));
    assert_ptr_equal(WdfMemoryGetBuffer(pre, NULL), local);
    WdfObjectDelete(pre);
    WdfObjectDelete(mem);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 0, &mem, NULL));
    assert_null(mem);
    pnpsim_fault_alloc(f.sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 16, &mem, NULL));
    pnpsim_fault_alloc(f.sys, 0, 0);
    assert_null(mem);
    PNPSIM_EXPECT_BUGCHECK(f.sys, WDF_VIOLATION, (void)WdfMemoryCopyToBuffer(NULL, 0, dst, 1));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_REQUIRED_PARAMETER_IS_NULL);
    PNPSIM_EXPECT_BUGCHECK(f.sys, WDF_VIOLATION,
                           (void)WdfMemoryGetBuffer((WDFMEMORY)kmdf_ioctl_device(), NULL));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], WDF_INVALID_HANDLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_kmdf_queue__ioctl_round_trip_returns_the_echoed_bytes),
        PNPSIM_TEST(test_kmdf_queue__retrieve_buffer_below_minimum_fails_buffer_too_small),
        PNPSIM_TEST(test_kmdf_queue__get_parameters_reports_the_ioctl),
        PNPSIM_TEST(test_kmdf_queue__sequential_queue_waits_for_the_held_request),
        PNPSIM_TEST(test_kmdf_queue__parallel_queue_presents_reads_at_once),
        PNPSIM_TEST(test_kmdf_queue__write_reaches_the_default_queue),
        PNPSIM_TEST(test_kmdf_queue__manual_queue_keeps_requests_until_retrieved),
        PNPSIM_TEST(test_kmdf_queue__power_managed_queue_is_held_in_d3),
        PNPSIM_TEST(test_kmdf_queue__power_down_sends_evt_io_stop_for_held_requests),
        PNPSIM_TEST(test_kmdf_queue__removal_cancels_pending_requests),
        PNPSIM_TEST(test_kmdf_queue__file_callbacks_run_on_open_and_close),
        PNPSIM_TEST(test_kmdf_queue__fdo_without_queue_forwards_the_request),
        PNPSIM_TEST(test_kmdf_queue__pdo_without_queue_fails_invalid_device_request),
        PNPSIM_TEST(test_kmdf_queue__double_completion_bugchecks_wdf_violation),
        PNPSIM_TEST(test_kmdf_queue__information_beyond_output_bugchecks_0x6_0x4),
        PNPSIM_TEST(test_kmdf_queue__bad_handles_bugcheck),
        PNPSIM_TEST(test_kmdf_queue__stop_synchronously_above_passive_bugchecks),
        PNPSIM_TEST(test_kmdf_queue__queue_create_errors),
        PNPSIM_TEST(test_kmdf_queue__memory_create_and_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
