/* SPDX-License-Identifier: MIT */
/*
 * This file runs the PollWdm corpus driver (pollwdm/, built unchanged with
 * pnpsim_add_driver(... WPP)) through load / start / polling on simulated time / power
 * transitions / remove, and checks that a failing NT_ASSERT inside driver code fails with
 * its expression. Sources: Microsoft Learn "KeSetTimerEx", "PsCreateSystemThread",
 * "RtlQueryRegistryValues", "Handling System Power State Requests", "NT_ASSERT".
 */
#include "pnpsim_test.h"

#include <pnpsim/power.h>
#include <pnpsim/time.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define HWID "ROOT\\POLLWDM"
#define PARAMS "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\pollwdm\\Parameters"
#define IOCTL_POLLWDM_GET_COUNT \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_READ_ACCESS)
#define IOCTL_POLLWDM_SELF_CHECK \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
extern LONG PollWdmDeviceCount;

static NTSTATUS ioctl(pnpsim_device *dev, ULONG code, LONG *out)
{
    KEVENT ev;
    IO_STATUS_BLOCK iosb;
    PDEVICE_OBJECT top = pnpsim_device_top(dev);
    PIRP irp;
    NTSTATUS st;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    irp = IoBuildDeviceIoControlRequest(code, top, NULL, 0, out, out != NULL ? sizeof(*out) : 0,
                                        FALSE, &ev, &iosb);
    assert_non_null(irp);
    st = IoCallDriver(top, irp);
    if (st == STATUS_PENDING) {
        KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
        st = iosb.Status;
    }
    return st;
}

/* The worker is a real thread: wait (host time, bounded) until it has done n polls. */
static LONG wait_polls(pnpsim_device *dev, LONG n)
{
    LONG count = -1;
    int i;
    for (i = 0; i < 500; i++) {
        assert_nt_status(STATUS_SUCCESS, ioctl(dev, IOCTL_POLLWDM_GET_COUNT, &count));
        if (count >= n)
            break;
        {
            LARGE_INTEGER d;
            d.QuadPart = -10 * 10000; /* 10 ms */
            KeDelayExecutionThread(KernelMode, FALSE, &d);
        }
    }
    return count;
}

/* The worker traces after it counted: wait (host time, bounded) for its record. */
static int wait_trace(pnpsim_system *sys, const char *needle)
{
    int i;
    for (i = 0; i < 500; i++) {
        LARGE_INTEGER d;
        if (pnpsim_trace_find(sys, PNPSIM_TRACE_DEBUG, needle) != 0)
            return 1;
        d.QuadPart = -10 * 10000; /* 10 ms */
        KeDelayExecutionThread(KernelMode, FALSE, &d);
    }
    return 0;
}

static pnpsim_device *load_and_start(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "pollwdm", DriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, HWID, drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, HWID, "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    return dev;
}

/* DriverEntry reads Parameters\PollIntervalMs; the timer polls on simulated time only. */
static void test_pollwdm__polls_on_simulated_time_with_registry_interval(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, PARAMS, "PollIntervalMs", 50));
    dev = load_and_start(sys);
    assert_int_equal(PollWdmDeviceCount, 1);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_DEBUG, "interval 50 ms") != 0);
    assert_int_equal(wait_polls(dev, 0), 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(sys, 49 * 1000000ull));
    assert_int_equal(wait_polls(dev, 0), 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_time_advance(sys, 151 * 1000000ull));
    assert_int_equal(wait_polls(dev, 4), 4);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(PollWdmDeviceCount, 0);
}

/* Without the registry value the driver's default (100 ms) applies. */
static void test_pollwdm__default_interval_without_parameters(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = load_and_start(sys);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_DEBUG, "interval 100 ms") != 0);
    pnpsim_time_advance(sys, 250 * 1000000ull);
    assert_int_equal(wait_polls(dev, 2), 2);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

/* WPP: WPP_INIT_TRACING and the trace calls land in the trace, %!FUNC! rendered. */
static void test_pollwdm__wpp_messages_reach_the_trace(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = load_and_start(sys);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_DRIVER, "WPP_INIT_TRACING") != 0);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_DEBUG, "DriverEntry Entry") != 0);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_DEBUG,
                                  "PollWdmStartPolling polling every 100 ms") != 0);
    pnpsim_time_advance(sys, 100 * 1000000ull);
    wait_polls(dev, 1);
    assert_true(wait_trace(sys, "PollWdmWorker poll 1"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_DEBUG, "PollWdmWorker worker exits") != 0);
}

/* System sleep: the driver requests D3 and stops its timer; waking restarts polling. */
static void test_pollwdm__sleep_stops_polling_and_wake_restarts_it(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = load_and_start(sys);
    POWER_STATE s;
    LONG before;
    s.SystemState = PowerSystemSleeping3;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(dev, IRP_MN_QUERY_POWER, SystemPowerState, s));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(dev, IRP_MN_SET_POWER, SystemPowerState, s));
    assert_int_equal(
        pnpsim_device_power_state(pnpsim_device_top(dev), DevicePowerState).DeviceState,
        PowerDeviceD3);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_DEBUG, "PollWdmDevicePowerDone D3") != 0);
    before = wait_polls(dev, 0);
    pnpsim_time_advance(sys, 1000 * 1000000ull);
    assert_int_equal(wait_polls(dev, before), before);
    s.SystemState = PowerSystemWorking;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(dev, IRP_MN_SET_POWER, SystemPowerState, s));
    pnpsim_time_advance(sys, 300 * 1000000ull);
    assert_int_equal(wait_polls(dev, before + 3), before + 3);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
}

/* A failing NT_ASSERT in driver code is a bug found: KMODE_EXCEPTION_NOT_HANDLED with
 * STATUS_ASSERTION_FAILURE, and the report names the expression. */
static void test_pollwdm__failing_driver_assert_reports_expression(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev = load_and_start(sys);
    PNPSIM_EXPECT_BUGCHECK(sys, 0x1E, ioctl(dev, IOCTL_POLLWDM_SELF_CHECK, NULL));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0xC0000420u);
    assert_non_null(strstr(pnpsim_bugcheck_last_caught()->message, "ext->PollCount < 0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_pollwdm__polls_on_simulated_time_with_registry_interval),
        PNPSIM_TEST(test_pollwdm__default_interval_without_parameters),
        PNPSIM_TEST(test_pollwdm__wpp_messages_reach_the_trace),
        PNPSIM_TEST(test_pollwdm__sleep_stops_polling_and_wake_restarts_it),
        PNPSIM_TEST(test_pollwdm__failing_driver_assert_reports_expression),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
