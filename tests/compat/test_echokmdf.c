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

/* ---- a KMDF upper filter with no queues, named, exclusive ------------------------------- */

static ULONG FilterAdds;
static WDFDEVICE FilterDevice;

static NTSTATUS FilterDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\EchoFilter");
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Driver);
    WdfFdoInitSetFilter(DeviceInit);
    WdfDeviceInitSetExclusive(DeviceInit, FALSE);
    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_UNKNOWN);
    status = WdfDeviceInitAssignName(DeviceInit, &name);
    if (!NT_SUCCESS(status))
        return status;
    status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &FilterDevice);
    if (NT_SUCCESS(status))
        FilterAdds++;
    return status;
}

static NTSTATUS FilterDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, FilterDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

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

/* "WdfFdoInitSetFilter": a filter device passes on the I/O it has no queue for, so IOCTLs
 * sent to the top of the stack reach the function driver below; the name assigned with
 * WdfDeviceInitAssignName opens the stack. */
static void test_echokmdf__a_kmdf_upper_filter_without_queues_passes_ioctls_down(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv, filter;
    pnpsim_device *dev;
    PDEVICE_OBJECT opened = NULL;
    PFILE_OBJECT file = NULL;
    UCHAR in[3] = {7, 8, 9}, out[3] = {0, 0, 0};
    ULONG_PTR info = 0;
    UNICODE_STRING name;
    FilterAdds = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "echokmdf", EchoDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "echoflt", FilterDriverEntry, &filter));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, HWID, drv));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_bind_filter(sys, HWID, filter, PNPSIM_FILTER_UPPER));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, HWID, "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_int_equal(FilterAdds, 1);
    assert_ptr_equal(pnpsim_device_top(dev), WdfDeviceWdmGetDeviceObject(FilterDevice));
    assert_nt_status(STATUS_SUCCESS, ioctl(pnpsim_device_top(dev), IOCTL_ECHO_REVERSE, in,
                                           sizeof(in), out, sizeof(out), &info));
    assert_int_equal(info, 3);
    assert_int_equal(out[0], 9);
    RtlInitUnicodeString(&name, L"\\Device\\EchoFilter");
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceObjectPointer(&name, FILE_READ_DATA, &file, &opened));
    assert_ptr_equal(opened, pnpsim_device_top(dev));
    ObDereferenceObject(file);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(enabled_interfaces(sys), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_echokmdf__serves_ioctls_through_its_default_queue),
        PNPSIM_TEST(test_echokmdf__a_kmdf_upper_filter_without_queues_passes_ioctls_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
