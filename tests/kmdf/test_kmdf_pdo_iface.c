/* SPDX-License-Identifier: MIT */
/*
 * This file tests device interfaces a KMDF bus driver creates on its PDOs
 * (windows-semantics.md §10.4, from KMDF's fxdeviceinterfaceapi.cpp and fxpkgpdokm.cpp):
 * WdfDeviceCreateDeviceInterface on a PDO PnP does not know yet succeeds and defers the
 * registration; WdfDeviceRetrieveDeviceInterfaceString then answers
 * STATUS_INVALID_DEVICE_STATE; the interface is registered when the PDO receives
 * IRP_MN_QUERY_RESOURCE_REQUIREMENTS, enabled when the child has started, and disabled when
 * it is removed. The bus driver below is written the way KMDF bus drivers are written.
 */
#include <string.h>

#include "pnpsim_test.h"
#include <wdf.h>

/* {2E1C9F40-5A7B-4D3E-8C21-6F4A0B9D7E35} */
static const GUID GUID_PDO_IFACE = {0x2e1c9f40, 0x5a7b, 0x4d3e,
                                    {0x8c, 0x21, 0x6f, 0x4a, 0x0b, 0x9d, 0x7e, 0x35}};
/* {3B8D2A61-0C4F-4E77-9A10-5D6E7F809A1B} */
static const GUID GUID_PDO_CLASS = {0x3b8d2a61, 0x0c4f, 0x4e77,
                                    {0x9a, 0x10, 0x5d, 0x6e, 0x7f, 0x80, 0x9a, 0x1b}};

#define BUS_HWID "ROOT\\KMDFIFBUS"

static NTSTATUS ChildCreateStatus;  /* WdfDeviceCreateDeviceInterface on the new PDO */
static NTSTATUS ChildRetrieveStatus;/* WdfDeviceRetrieveDeviceInterfaceString right after */
static WDFDEVICE Child;

static EVT_WDF_DRIVER_DEVICE_ADD IfBusDeviceAdd;

static NTSTATUS IfBusCreateChild(WDFDEVICE Bus)
{
    DECLARE_CONST_UNICODE_STRING(deviceId, L"KMDFIFBUS\\Child");
    DECLARE_CONST_UNICODE_STRING(instanceId, L"0");
    DECLARE_CONST_UNICODE_STRING(text, L"Interface child");
    PWDFDEVICE_INIT init;
    WDFSTRING name;
    NTSTATUS status;

    init = WdfPdoInitAllocate(Bus);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = WdfPdoInitAssignDeviceID(init, &deviceId);
    if (NT_SUCCESS(status))
        status = WdfPdoInitAddHardwareID(init, &deviceId);
    if (NT_SUCCESS(status))
        status = WdfPdoInitAssignInstanceID(init, &instanceId);
    if (NT_SUCCESS(status))
        status = WdfPdoInitAddDeviceText(init, &text, &text, 0x409);
    if (NT_SUCCESS(status)) {
        WdfPdoInitSetDefaultLocale(init, 0x409);
        status = WdfPdoInitAssignRawDevice(init, &GUID_PDO_CLASS);
    }
    if (NT_SUCCESS(status))
        status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &Child);
    if (!NT_SUCCESS(status)) {
        if (init != NULL)
            WdfDeviceInitFree(init);
        return status;
    }
    /* PnP does not know this PDO yet: the registration waits. */
    ChildCreateStatus = WdfDeviceCreateDeviceInterface(Child, &GUID_PDO_IFACE, NULL);
    status = WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &name);
    if (NT_SUCCESS(status)) {
        ChildRetrieveStatus =
            WdfDeviceRetrieveDeviceInterfaceString(Child, &GUID_PDO_IFACE, NULL, name);
        WdfObjectDelete(name);
    }
    return WdfFdoAddStaticChild(Bus, Child);
}

static NTSTATUS IfBusDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDFDEVICE bus;
    NTSTATUS status;
    UNREFERENCED_PARAMETER(Driver);
    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_BUS_EXTENDER);
    status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &bus);
    if (!NT_SUCCESS(status))
        return status;
    return IfBusCreateChild(bus);
}

static NTSTATUS IfBusDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, IfBusDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

static size_t ifaces(pnpsim_system *sys, unsigned flags, char *instance, size_t size)
{
    pnpsim_iface_list *list = NULL;
    size_t n;
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_class(sys, &GUID_PDO_IFACE, flags, &list));
    n = list->count;
    if (n > 0 && instance != NULL)
        snprintf(instance, size, "%s", list->items[0].instance_path);
    pnpsim_iface_list_free(sys, list);
    return n;
}

static void test_kmdf_pdo_iface__registration_waits_for_pnp_then_enables_at_start(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    pnpsim_device *bus, *child;
    char instance[128] = "";
    WDFSTRING name;

    ChildCreateStatus = ChildRetrieveStatus = STATUS_PENDING;
    Child = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdfifbus", IfBusDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, BUS_HWID, drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, BUS_HWID, "0", &bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(bus));
    pnpsim_system_run_pending(sys);

    /* §10.4: success, registration deferred; the string is not there yet. */
    assert_nt_status(STATUS_SUCCESS, ChildCreateStatus);
    assert_nt_status(STATUS_INVALID_DEVICE_STATE, ChildRetrieveStatus);

    /* PnP enumerated and started the raw child: registered, then enabled at start. */
    child = pnpsim_device_first_child(bus);
    assert_non_null(child);
    assert_int_equal(pnpsim_device_get_state(child), PNPSIM_DEVICE_STARTED);
    assert_int_equal(ifaces(sys, PNPSIM_IFACE_INCLUDE_DISABLED, instance, sizeof(instance)), 1);
    assert_string_equal(instance, pnpsim_device_instance_path(child));
    assert_int_equal(ifaces(sys, 0, NULL, 0), 1);
    assert_nt_status(STATUS_SUCCESS, WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &name));
    assert_nt_status(STATUS_SUCCESS,
                     WdfDeviceRetrieveDeviceInterfaceString(Child, &GUID_PDO_IFACE, NULL, name));
    WdfObjectDelete(name);

    /* Removing the bus removes the child first; its interface is disabled on the way. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(bus));
    assert_int_equal(ifaces(sys, 0, NULL, 0), 0);
    assert_int_equal(ifaces(sys, PNPSIM_IFACE_INCLUDE_DISABLED, NULL, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_kmdf_pdo_iface__registration_waits_for_pnp_then_enables_at_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
