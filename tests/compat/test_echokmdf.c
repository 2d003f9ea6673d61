/* SPDX-License-Identifier: MIT */
/*
 * This file runs the Echo KMDF sample driver of the compatibility corpus (two source files
 * sharing a context type, a mixed-case include, a default queue serving IOCTLs), built with
 * pnpsim_add_driver(... KMDF), through load, start, IOCTLs sent from the test, and removal.
 */
#include <string.h>

#include "pnpsim_test.h"
#include <wdf.h>

#include "echokmdf/Device.h"

#define HWID "ROOT\\ECHOKMDF"

static size_t enabled_interfaces(pnpsim_system *sys)
{
    pnpsim_iface_list *list = NULL;
    size_t n;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_iface_list_class(sys, &GUID_DEVINTERFACE_ECHOKMDF, 0, &list));
    n = list->count;
    pnpsim_iface_list_free(sys, list);
    return n;
}

static NTSTATUS ioctl(PDEVICE_OBJECT top, ULONG code, void *in, ULONG in_len, void *out,
                      ULONG out_len, ULONG_PTR *info)
{
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    NTSTATUS status;
    PIRP irp;
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    irp = IoBuildDeviceIoControlRequest(code, top, in, in_len, out, out_len, FALSE, &event,
                                        &iosb);
    if (irp == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = IoCallDriver(top, irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
        status = iosb.Status;
    }
    *info = iosb.Information;
    return status;
}

static void test_echokmdf__serves_ioctls_through_its_default_queue(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    UCHAR in[4] = {1, 2, 3, 4}, out[8];
    ULONG count = 0;
    ULONG_PTR info = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "echokmdf", EchoDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, HWID, drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, HWID, "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_int_equal(enabled_interfaces(sys), 1);

    memset(out, 0, sizeof(out));
    assert_nt_status(STATUS_SUCCESS, ioctl(pnpsim_device_top(dev), IOCTL_ECHO_REVERSE, in,
                                           sizeof(in), out, sizeof(out), &info));
    assert_int_equal(info, 4);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[3], 1);
    /* Output buffer smaller than the input: WdfRequestRetrieveOutputBuffer fails with
     * STATUS_BUFFER_TOO_SMALL ("WdfRequestRetrieveOutputBuffer", Return value). */
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, ioctl(pnpsim_device_top(dev), IOCTL_ECHO_REVERSE,
                                                    in, sizeof(in), out, 2, &info));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     ioctl(pnpsim_device_top(dev), CTL_CODE(FILE_DEVICE_UNKNOWN, 0x8FF,
                                                            METHOD_BUFFERED, FILE_ANY_ACCESS),
                           NULL, 0, NULL, 0, &info));
    assert_nt_status(STATUS_SUCCESS, ioctl(pnpsim_device_top(dev), IOCTL_ECHO_COUNT, NULL, 0,
                                           &count, sizeof(count), &info));
    assert_int_equal(count, 4);

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(enabled_interfaces(sys), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_echokmdf__serves_ioctls_through_its_default_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
