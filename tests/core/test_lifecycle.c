/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the PnP lifecycle of root-enumerated devices: creating
 * devices, building their stacks (lower filters, function driver, upper filters), start
 * (including a START the function driver pends and completes from a work item), stop and
 * removal with and without vetoes, surprise removal held back by an open handle,
 * DriverUnload when a driver's last device goes, wrong-state operations, bad arguments and
 * running out of memory. The drivers are WDM sources from tests/support/drivers compiled
 * unchanged. Windows behaviour is cited from windows-semantics.md (§1, §13) and the
 * Microsoft Learn pages named in comments.
 */
#include <string.h>

#include "pnpsim_test.h"

#include "drivers/drvlog.h"
#include "drivers/filter.h"
#include "drivers/pendfunc.h"

#define HWID "ROOT\\PENDFUNC"
#define INSTANCE_PATH "ROOT\\PENDFUNC\\0"

/* ---- helpers ----------------------------------------------------------------------------- */

static void reset_drivers(void)
{
    drvlog_reset();
    filter_reset();
    pendfunc_reset();
}

static PDRIVER_OBJECT load_pendfunc(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv = NULL;
    reset_drivers();
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "pendfunc", PendfuncDriverEntry, &drv));
    assert_non_null(drv);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, HWID, drv));
    return drv;
}

static pnpsim_device *create_device(pnpsim_system *sys)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, HWID, "0", &dev));
    assert_non_null(dev);
    return dev;
}

static pnpsim_device *create_started(pnpsim_system *sys)
{
    pnpsim_device *dev = create_device(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(dev));
    return dev;
}

/* The state-changing minor codes (the ones that drive the device's PnP state machine). The
 * PnP manager also sends queries (capabilities, resource requirements, device state,
 * relations) whose number and place Windows does not promise; exact sequences below are
 * of the state-changing IRPs only. */
static int is_state_minor(UCHAR minor)
{
    switch (minor) {
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        return 1;
    default:
        return 0;
    }
}

/* Assert that pendfunc saw exactly these state-changing minors, in this order, and that
 * it believed it was in the given states when each arrived (states may be NULL). */
static void assert_pendfunc_sequence(const UCHAR *expected, const int *states, size_t n)
{
    ULONG i;
    size_t k = 0;
    for (i = 0; i < pendfunc_minor_count(); i++) {
        UCHAR minor = pendfunc_minor_at(i);
        if (!is_state_minor(minor))
            continue;
        if (k >= n)
            fail_msg("unexpected extra %s (#%zu)", pnpsim_trace_pnp_minor_name(minor), k);
        if (minor != expected[k])
            fail_msg("state IRP #%zu: expected %s, got %s", k,
                     pnpsim_trace_pnp_minor_name(expected[k]), pnpsim_trace_pnp_minor_name(minor));
        if (states != NULL && pendfunc_state_at(i) != states[k])
            fail_msg("state IRP #%zu (%s): driver was in state %d, expected %d", k,
                     pnpsim_trace_pnp_minor_name(minor), pendfunc_state_at(i), states[k]);
        k++;
    }
    if (k != n)
        fail_msg("saw %zu state-changing IRPs, expected %zu", k, n);
}

static void assert_filter_sequence(PDRIVER_OBJECT drv, const UCHAR *expected, size_t n)
{
    ULONG i;
    size_t k = 0;
    for (i = 0; i < filter_pnp_count(drv); i++) {
        UCHAR minor = filter_pnp_minor(drv, i);
        if (!is_state_minor(minor))
            continue;
        if (k >= n || minor != expected[k])
            fail_msg("filter %s: state IRP #%zu is %s", pnpsim_driver_name(drv), k,
                     pnpsim_trace_pnp_minor_name(minor));
        k++;
    }
    if (k != n)
        fail_msg("filter %s saw %zu state-changing IRPs, expected %zu", pnpsim_driver_name(drv),
                 k, n);
}

/* ---- creation ---------------------------------------------------------------------------- */

/* A created device is identified but has no drivers yet (device.h; §1.1: AddDevice runs
 * when the PnP manager loads the stack, before START). */
static void test_lifecycle__create_identifies_without_adding_drivers(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;

    load_pendfunc(sys);
    dev = create_device(sys);
    assert_int_equal(PNPSIM_DEVICE_INITIALIZED, pnpsim_device_get_state(dev));
    assert_ptr_equal(dev, pnpsim_device_find(sys, INSTANCE_PATH));
    /* Instance paths compare case-insensitively (§1.2). */
    assert_ptr_equal(dev, pnpsim_device_find(sys, "root\\pendfunc\\0"));
    assert_string_equal(INSTANCE_PATH, pnpsim_device_instance_path(dev));
    assert_string_equal(HWID, pnpsim_device_id(dev));
    assert_string_equal("0", pnpsim_device_instance_id(dev));
    assert_ptr_equal(pnpsim_device_root(sys), pnpsim_device_parent(dev));
    assert_non_null(pnpsim_device_pdo(dev));
    assert_ptr_equal(pnpsim_device_pdo(dev), pnpsim_device_top(dev));
    assert_int_equal(0, pendfunc_add_device_count());
    assert_int_equal(0, pendfunc_minor_count());
}

/* A second present device with the same instance path is a collision (device.h). */
static void test_lifecycle__create_same_instance_path_twice_collides(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev2 = NULL;

    load_pendfunc(sys);
    create_device(sys);
    assert_nt_status(STATUS_OBJECT_NAME_COLLISION,
                     pnpsim_device_create(sys, NULL, "root\\PendFunc", "0", &dev2));
    assert_null(dev2);
}

/* Bad IDs: NULL, '\\' in the instance ID, characters <= 0x20, > 0x7F or ',' (§1.2, from
 * the IRP_MN_QUERY_ID page), too long (MAX_DEVICE_ID_LEN 200). Nothing is created. */
static void test_lifecycle__create_bad_arguments_return_invalid_parameter(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = NULL;
    char longid[260];

    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(NULL, NULL, HWID, "0", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, NULL, "0", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, HWID, NULL, &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, HWID, "0", NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, "", "0", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, HWID, "", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, HWID, "a\\b", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_device_create(sys, NULL, "ROOT\\PEND FUNC", "0", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_device_create(sys, NULL, "ROOT\\PEND,FUNC", "0", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, HWID, "0,1", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_device_create(sys, NULL, "ROOT\\P\xc3\xa9ND", "0", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, HWID, "\t", &dev));
    memset(longid, 'A', sizeof(longid) - 1);
    memcpy(longid, "ROOT\\", 5);
    longid[sizeof(longid) - 1] = '\0';
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_create(sys, NULL, longid, "0", &dev));
    assert_null(dev);
    assert_null(pnpsim_device_find(sys, INSTANCE_PATH));
    assert_null(pnpsim_device_find(sys, "ROOT\\PENDFUNC\\a\\b"));
    assert_null(pnpsim_device_first_child(pnpsim_device_root(sys)));
}

/* The harness calls reject NULL (device.h). */
static void test_lifecycle__null_device_returns_invalid_parameter(void **state)
{
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_start(NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_stop(NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_remove(NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_device_surprise_remove(NULL));
}

/* Out of memory: the first allocation fails, nothing is created, the system works after
 * (DESIGN.md "Faults are first-class"). */
static void test_lifecycle__create_out_of_memory_creates_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = NULL;

    load_pendfunc(sys);
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     pnpsim_device_create(sys, NULL, HWID, "0", &dev));
    assert_null(dev);
    assert_true(pnpsim_fault_injected(sys) >= 1);
    assert_null(pnpsim_device_find(sys, INSTANCE_PATH));
    pnpsim_fault_clear(sys);
    dev = create_device(sys);
    assert_ptr_equal(dev, pnpsim_device_find(sys, INSTANCE_PATH));
}

/* Sweep: fail the 1st, 2nd, ... allocation of pnpsim_device_create until one call
 * succeeds; every failure returns STATUS_INSUFFICIENT_RESOURCES and leaves no device. */
static void test_lifecycle__create_fault_sweep_leaves_nothing_behind(void **state)
{
    pnpsim_system *sys = TSYS(state);
    unsigned long n;
    int succeeded = 0;

    load_pendfunc(sys);
    for (n = 1; n < 200 && !succeeded; n++) {
        pnpsim_device *dev = NULL;
        NTSTATUS status;
        pnpsim_fault_alloc(sys, n, 1);
        status = pnpsim_device_create(sys, NULL, HWID, "0", &dev);
        pnpsim_fault_clear(sys);
        if (status == STATUS_SUCCESS) {
            succeeded = 1;
            assert_ptr_equal(dev, pnpsim_device_find(sys, INSTANCE_PATH));
        } else {
            assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, status);
            assert_null(dev);
            assert_null(pnpsim_device_find(sys, INSTANCE_PATH));
        }
    }
    assert_true(succeeded);
    assert_int_equal(PNPSIM_DEVICE_INITIALIZED,
                     pnpsim_device_get_state(pnpsim_device_find(sys, INSTANCE_PATH)));
}

/* ---- start ------------------------------------------------------------------------------- */

/* pendfunc forwards START down, pends it and completes it from an IO_WORKITEM; the
 * harness call waits for that completion, letting the work item run (device.h). After
 * AddDevice, IoGetAttachedDeviceReference(pdo) is the FDO (§13 item 8). */
static void test_lifecycle__start_pended_by_driver_completes_from_work_item(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    PDEVICE_OBJECT top;
    static const UCHAR seq[] = {IRP_MN_START_DEVICE};
    static const int states[] = {PendfuncNotStarted};
    ULONG i;

    load_pendfunc(sys);
    dev = create_started(sys);
    assert_int_equal(1, pendfunc_add_device_count());
    assert_int_equal(1, pendfunc_start_workitems_run());
    assert_int_equal(PendfuncStarted, pendfunc_current_state());
    assert_pendfunc_sequence(seq, states, 1);
    /* Nothing the PnP manager sends before START changes the device's state (§1.1: IDs,
     * capabilities and resources are gathered first). */
    for (i = 0; i < pendfunc_minor_count() && pendfunc_minor_at(i) != IRP_MN_START_DEVICE; i++)
        assert_false(is_state_minor(pendfunc_minor_at(i)));

    assert_ptr_equal(pendfunc_last_fdo(), pnpsim_device_top(dev));
    top = IoGetAttachedDeviceReference(pnpsim_device_pdo(dev));
    assert_ptr_equal(pendfunc_last_fdo(), top);
    ObDereferenceObject(top);
    assert_ptr_equal(dev, pnpsim_device_from_object(top));
    assert_int_equal(0, pnpsim_system_pending_count(sys));
}

/* The same driver completing START inline: no work item, same result. */
static void test_lifecycle__start_completed_inline(void **state)
{
    pnpsim_system *sys = TSYS(state);

    load_pendfunc(sys);
    pendfunc_set_pend_start(FALSE);
    create_started(sys);
    assert_int_equal(0, pendfunc_start_workitems_run());
    assert_int_equal(PendfuncStarted, pendfunc_current_state());
}

/* In MANUAL delivery the pended START finishes only when queued work runs: the harness
 * returns STATUS_PENDING with the device START_PENDING (device.h). */
static void test_lifecycle__start_pended_in_manual_mode_finishes_in_run_pending(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    NTSTATUS status;

    load_pendfunc(sys);
    dev = create_device(sys);
    status = pnpsim_device_start(dev);
    if (status == STATUS_PENDING) {
        assert_int_equal(PNPSIM_DEVICE_START_PENDING, pnpsim_device_get_state(dev));
        assert_int_equal(0, pendfunc_start_workitems_run());
        assert_true(pnpsim_system_pending_count(sys) >= 1);
        assert_true(pnpsim_system_run_pending(sys) >= 1);
    } else {
        /* The simulator may also wait for the driver's own work item (it lets queued
         * work run while an IRP it sent is pending). */
        assert_nt_status(STATUS_SUCCESS, status);
    }
    assert_int_equal(1, pendfunc_start_workitems_run());
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(dev));
}

/* A failed START is followed by IRP_MN_REMOVE_DEVICE and the device gets a problem code
 * (device.h; CM_PROB_FAILED_START). */
static void test_lifecycle__start_failure_is_returned_and_stack_torn_down(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    static const UCHAR seq[] = {IRP_MN_START_DEVICE, IRP_MN_REMOVE_DEVICE};

    load_pendfunc(sys);
    pendfunc_set_start_status(STATUS_DEVICE_NOT_READY);
    dev = create_device(sys);
    assert_nt_status(STATUS_DEVICE_NOT_READY, pnpsim_device_start(dev));
    assert_pendfunc_sequence(seq, NULL, 2);
    assert_int_equal(PNPSIM_DEVICE_REMOVED, pnpsim_device_get_state(dev));
    assert_int_not_equal(0, pnpsim_device_problem(dev));
    assert_ptr_equal(pnpsim_device_pdo(dev), pnpsim_device_top(dev));
}

/* AddDevice failing fails the start with its status; no START is sent. */
static void test_lifecycle__add_device_failure_is_returned(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;

    load_pendfunc(sys);
    pendfunc_set_add_device_status(STATUS_INSUFFICIENT_RESOURCES);
    dev = create_device(sys);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, pnpsim_device_start(dev));
    assert_int_equal(1, pendfunc_add_device_count());
    assert_int_equal(0, pendfunc_minor_seen(IRP_MN_START_DEVICE));
    assert_int_not_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(dev));
}

/* No function driver bound and the PDO is not raw: nothing can drive it (device.h). */
static void test_lifecycle__start_without_function_driver_fails(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = NULL;

    reset_drivers();
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\NODRIVER", "0", &dev));
    assert_nt_status(STATUS_NO_SUCH_DEVICE, pnpsim_device_start(dev));
    assert_int_not_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(dev));
}

/* ---- filters ----------------------------------------------------------------------------- */

/* AddDevice order: lower filters, the function driver, upper filters, each attaching on
 * top of the previous (§1.1; "Adding a PnP device to a running system"). Bind order at the
 * same position decides order within it (driver.h). Filters copy the device type,
 * characteristics and I/O flags of the device below. */
static void test_lifecycle__stack_built_lower_filter_function_upper_filter(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT func, lower = NULL, upper = NULL;
    PDEVICE_OBJECT top, mid, fdo;
    pnpsim_device *dev;
    static const UCHAR start_remove[] = {IRP_MN_START_DEVICE, IRP_MN_QUERY_REMOVE_DEVICE,
                                         IRP_MN_REMOVE_DEVICE};

    func = load_pendfunc(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "upperflt", FilterDriverEntry, &upper));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "lowerflt", FilterDriverEntry, &lower));
    /* Bound upper first on purpose: position, not bind order, decides. */
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_bind_filter(sys, HWID, upper, PNPSIM_FILTER_UPPER));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_bind_filter(sys, HWID, lower, PNPSIM_FILTER_LOWER));
    dev = create_started(sys);

    assert_int_equal(3, drvlog_add_device_count());
    assert_ptr_equal(lower, drvlog_add_device_driver(0));
    assert_ptr_equal(func, drvlog_add_device_driver(1));
    assert_ptr_equal(upper, drvlog_add_device_driver(2));
    assert_ptr_equal(pnpsim_device_pdo(dev), drvlog_add_device_pdo(0));
    assert_ptr_equal(pnpsim_device_pdo(dev), drvlog_add_device_pdo(1));
    assert_ptr_equal(pnpsim_device_pdo(dev), drvlog_add_device_pdo(2));

    /* The stack, top down: upper filter, pendfunc's FDO, lower filter, PDO. */
    top = pnpsim_device_top(dev);
    assert_ptr_equal(upper, top->DriverObject);
    fdo = IoGetLowerDeviceObject(top);
    assert_non_null(fdo);
    assert_ptr_equal(pendfunc_last_fdo(), fdo);
    mid = IoGetLowerDeviceObject(fdo);
    assert_non_null(mid);
    assert_ptr_equal(lower, mid->DriverObject);
    /* The upper filter looks like pendfunc's FDO (DO_BUFFERED_IO | DO_POWER_PAGABLE). */
    assert_int_equal(fdo->DeviceType, top->DeviceType);
    assert_int_equal(DO_BUFFERED_IO | DO_POWER_PAGABLE,
                     top->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO | DO_POWER_PAGABLE));
    assert_int_equal(0, top->Flags & DO_DEVICE_INITIALIZING);
    assert_int_equal(pnpsim_device_pdo(dev)->DeviceType, mid->DeviceType);
    ObDereferenceObject(fdo);
    ObDereferenceObject(mid);

    /* PnP IRPs go to the top of the stack and every driver sees them (§1.1). */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_filter_sequence(upper, start_remove, 3);
    assert_filter_sequence(lower, start_remove, 3);
    assert_pendfunc_sequence(start_remove, NULL, 3);
    assert_int_equal(filter_pnp_count(upper), filter_pnp_count(lower));
    assert_int_equal(filter_pnp_count(upper), pendfunc_minor_count());
    assert_int_equal(1, filter_add_device_count(upper));
    assert_int_equal(1, filter_add_device_count(lower));
}

/* ---- stop -------------------------------------------------------------------------------- */

/* QUERY_STOP then STOP; start again sends START without a new AddDevice (device.h;
 * "Stopping a Device for Resource Rebalancing"). */
static void test_lifecycle__stop_then_restart(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    static const UCHAR seq[] = {IRP_MN_START_DEVICE, IRP_MN_QUERY_STOP_DEVICE,
                                IRP_MN_STOP_DEVICE, IRP_MN_START_DEVICE};
    static const int states[] = {PendfuncNotStarted, PendfuncStarted, PendfuncStopPending,
                                 PendfuncStopped};

    load_pendfunc(sys);
    dev = create_started(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_stop(dev));
    assert_int_equal(PNPSIM_DEVICE_STOPPED, pnpsim_device_get_state(dev));
    assert_int_equal(PendfuncStopped, pendfunc_current_state());
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(dev));
    assert_pendfunc_sequence(seq, states, 4);
    assert_int_equal(1, pendfunc_add_device_count());
    assert_int_equal(2, pendfunc_start_workitems_run());
}

/* A failed QUERY_STOP vetoes: CANCEL_STOP follows and the veto status is returned. */
static void test_lifecycle__stop_veto_sends_cancel_stop_and_returns_veto(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    static const UCHAR seq[] = {IRP_MN_START_DEVICE, IRP_MN_QUERY_STOP_DEVICE,
                                IRP_MN_CANCEL_STOP_DEVICE};

    load_pendfunc(sys);
    dev = create_started(sys);
    pendfunc_set_query_stop_veto(STATUS_DEVICE_BUSY);
    assert_nt_status(STATUS_DEVICE_BUSY, pnpsim_device_stop(dev));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(dev));
    assert_int_equal(PendfuncStarted, pendfunc_current_state());
    assert_pendfunc_sequence(seq, NULL, 3);
}

/* ---- remove ------------------------------------------------------------------------------ */

/* Orderly removal: QUERY_REMOVE, REMOVE; the PDO stays present (REMOVED); pendfunc left
 * the stack; its last device gone, DriverUnload runs (driver.h; "Removing a Device"). */
static void test_lifecycle__remove_succeeds_and_unloads_driver(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    static const UCHAR seq[] = {IRP_MN_START_DEVICE, IRP_MN_QUERY_REMOVE_DEVICE,
                                IRP_MN_REMOVE_DEVICE};
    static const int states[] = {PendfuncNotStarted, PendfuncStarted, PendfuncRemovePending};

    drv = load_pendfunc(sys);
    dev = create_started(sys);
    assert_int_equal(0, pendfunc_unload_count());
    assert_false(pnpsim_driver_is_unloaded(drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_pendfunc_sequence(seq, states, 3);
    assert_int_equal(PendfuncDeleted, pendfunc_current_state());
    assert_int_equal(PNPSIM_DEVICE_REMOVED, pnpsim_device_get_state(dev));
    assert_ptr_equal(dev, pnpsim_device_find(sys, INSTANCE_PATH));
    assert_ptr_equal(pnpsim_device_pdo(dev), pnpsim_device_top(dev));
    assert_int_equal(1, pendfunc_unload_count());
    assert_true(pnpsim_driver_is_unloaded(drv));
}

/* A failed QUERY_REMOVE vetoes: CANCEL_REMOVE follows and the veto status is returned;
 * the device keeps running (device.h; "Handling an IRP_MN_QUERY_REMOVE_DEVICE Request"). */
static void test_lifecycle__remove_veto_sends_cancel_remove_and_returns_veto(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    static const UCHAR seq[] = {IRP_MN_START_DEVICE, IRP_MN_QUERY_REMOVE_DEVICE,
                                IRP_MN_CANCEL_REMOVE_DEVICE};
    static const int states[] = {PendfuncNotStarted, PendfuncStarted, PendfuncStarted};

    load_pendfunc(sys);
    dev = create_started(sys);
    pendfunc_set_query_remove_veto(STATUS_ACCESS_DENIED);
    assert_nt_status(STATUS_ACCESS_DENIED, pnpsim_device_remove(dev));
    assert_pendfunc_sequence(seq, states, 3);
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(dev));
    assert_int_equal(PendfuncStarted, pendfunc_current_state());
    assert_int_equal(0, pendfunc_unload_count());

    /* Lifting the veto, the same call succeeds. */
    pendfunc_set_query_remove_veto(STATUS_SUCCESS);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(PNPSIM_DEVICE_REMOVED, pnpsim_device_get_state(dev));
}

/* ---- surprise removal -------------------------------------------------------------------- */

/* SURPRISE_REMOVAL at once; REMOVE only after the last handle closes; then the device is
 * gone (§1.3; §13 item 13; "Handling an IRP_MN_SURPRISE_REMOVAL Request"). */
static void test_lifecycle__surprise_remove_waits_for_last_handle(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PFILE_OBJECT file = NULL, file2 = NULL;
    pnpsim_device *dev;
    static const UCHAR before_close[] = {IRP_MN_START_DEVICE, IRP_MN_SURPRISE_REMOVAL};
    static const UCHAR after_close[] = {IRP_MN_START_DEVICE, IRP_MN_SURPRISE_REMOVAL,
                                       IRP_MN_REMOVE_DEVICE};
    static const int states[] = {PendfuncNotStarted, PendfuncStarted,
                                 PendfuncSurpriseRemovePending};

    load_pendfunc(sys);
    dev = create_started(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(dev, NULL, &file));
    assert_non_null(file);
    assert_int_equal(1, pendfunc_create_count());
    assert_int_equal(1, pnpsim_device_open_count(dev));

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));
    assert_int_equal(PNPSIM_DEVICE_SURPRISE_REMOVED, pnpsim_device_get_state(dev));
    assert_pendfunc_sequence(before_close, NULL, 2);
    assert_int_equal(0, pendfunc_minor_seen(IRP_MN_QUERY_REMOVE_DEVICE));
    assert_int_equal(PendfuncSurpriseRemovePending, pendfunc_current_state());
    pnpsim_system_run_pending(sys);
    assert_int_equal(0, pendfunc_minor_seen(IRP_MN_REMOVE_DEVICE));

    /* New opens fail while removal is pending. */
    assert_true(!NT_SUCCESS(pnpsim_device_open(dev, NULL, &file2)));
    assert_null(file2);

    ObDereferenceObject(file);
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, pendfunc_cleanup_count());
    assert_int_equal(1, pendfunc_close_count());
    assert_pendfunc_sequence(after_close, states, 3);
    assert_int_equal(0, pendfunc_minor_seen(IRP_MN_QUERY_REMOVE_DEVICE));
    assert_int_equal(0, pendfunc_minor_seen(IRP_MN_CANCEL_REMOVE_DEVICE));
    assert_null(pnpsim_device_find(sys, INSTANCE_PATH));
    assert_int_equal(1, pendfunc_unload_count());
}

/* Without open handles REMOVE follows SURPRISE_REMOVAL inside the same call. */
static void test_lifecycle__surprise_remove_without_handles_removes_at_once(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    static const UCHAR seq[] = {IRP_MN_START_DEVICE, IRP_MN_SURPRISE_REMOVAL,
                                IRP_MN_REMOVE_DEVICE};

    load_pendfunc(sys);
    dev = create_started(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));
    assert_pendfunc_sequence(seq, NULL, 3);
    assert_null(pnpsim_device_find(sys, INSTANCE_PATH));
}

/* ---- wrong states ------------------------------------------------------------------------ */

static void test_lifecycle__wrong_state_operations_return_invalid_device_state(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PFILE_OBJECT file = NULL;
    pnpsim_device *dev;
    ULONG seen;

    load_pendfunc(sys);
    dev = create_device(sys);
    /* Not started: nothing to stop. */
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_device_stop(dev));

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    /* Started: cannot start again. */
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_device_start(dev));

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_stop(dev));
    /* Stopped: cannot stop again. */
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_device_stop(dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(dev, NULL, &file));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(dev));
    seen = pendfunc_minor_count();
    /* Surprise-removed (REMOVE held back by the handle): no start, stop, remove or second
     * surprise removal; no IRP reaches the driver. */
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_device_start(dev));
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_device_stop(dev));
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_device_remove(dev));
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_device_surprise_remove(dev));
    assert_int_equal(seen, pendfunc_minor_count());
    ObDereferenceObject(file);
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, pendfunc_minor_seen(IRP_MN_REMOVE_DEVICE));

    /* The root device is not a harness device to start. */
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, pnpsim_device_start(pnpsim_device_root(sys)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_lifecycle__create_identifies_without_adding_drivers),
        PNPSIM_TEST(test_lifecycle__create_same_instance_path_twice_collides),
        PNPSIM_TEST(test_lifecycle__create_bad_arguments_return_invalid_parameter),
        PNPSIM_TEST(test_lifecycle__null_device_returns_invalid_parameter),
        PNPSIM_TEST(test_lifecycle__create_out_of_memory_creates_nothing),
        PNPSIM_TEST(test_lifecycle__create_fault_sweep_leaves_nothing_behind),
        PNPSIM_TEST(test_lifecycle__start_pended_by_driver_completes_from_work_item),
        PNPSIM_TEST(test_lifecycle__start_completed_inline),
        PNPSIM_TEST_MANUAL(test_lifecycle__start_pended_in_manual_mode_finishes_in_run_pending),
        PNPSIM_TEST(test_lifecycle__start_failure_is_returned_and_stack_torn_down),
        PNPSIM_TEST(test_lifecycle__add_device_failure_is_returned),
        PNPSIM_TEST(test_lifecycle__start_without_function_driver_fails),
        PNPSIM_TEST(test_lifecycle__stack_built_lower_filter_function_upper_filter),
        PNPSIM_TEST(test_lifecycle__stop_then_restart),
        PNPSIM_TEST(test_lifecycle__stop_veto_sends_cancel_stop_and_returns_veto),
        PNPSIM_TEST(test_lifecycle__remove_succeeds_and_unloads_driver),
        PNPSIM_TEST(test_lifecycle__remove_veto_sends_cancel_remove_and_returns_veto),
        PNPSIM_TEST(test_lifecycle__surprise_remove_waits_for_last_handle),
        PNPSIM_TEST(test_lifecycle__surprise_remove_without_handles_removes_at_once),
        PNPSIM_TEST(test_lifecycle__wrong_state_operations_return_invalid_device_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
