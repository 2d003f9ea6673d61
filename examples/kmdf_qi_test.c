/* SPDX-License-Identifier: MIT */
/*
 * This file implements the example "test a KMDF driver's query-interface consumption
 * against a test-provided bus interface": a small KMDF function driver that imports a bus
 * driver's interface with WdfFdoQueryForInterface in EvtDevicePrepareHardware, calls through
 * it, and releases it in EvtDeviceReleaseHardware (Microsoft Learn "Using Driver-Defined
 * Interfaces"); and a plain main() (any test framework works the same way) in which no bus
 * driver exists at all: the simulated PDO exports the interface the test describes
 * (pnpsim_qi_provide), and pnpsim counts the references the driver takes and drops.
 * Build: link pnpsim::kmdf.
 */
#include <stdio.h>

/* ======================================================================================
 * Part 1: the interface contract (normally a header shared by the bus and its clients)
 * ==================================================================================== */
#include <ntddk.h>
#include <wdf.h>
#include <initguid.h>

/* {3f1d2c4b-6a5e-4d7f-9c8b-1a2b3c4d5e6f} */
DEFINE_GUID(GUID_WIDGETBUS_INTERFACE, 0x3f1d2c4b, 0x6a5e, 0x4d7f, 0x9c, 0x8b, 0x1a, 0x2b, 0x3c,
            0x4d, 0x5e, 0x6f);
#define WIDGETBUS_INTERFACE_VERSION 1

typedef ULONG (*PWIDGETBUS_READ_SERIAL)(PVOID Context);

typedef struct _WIDGETBUS_INTERFACE {
    INTERFACE InterfaceHeader; /* Size, Version, Context, InterfaceReference/Dereference */
    PWIDGETBUS_READ_SERIAL ReadSerial;
} WIDGETBUS_INTERFACE, *PWIDGETBUS_INTERFACE;

/* ======================================================================================
 * Part 2: the KMDF driver under test (normally its own files, compiled unchanged)
 * ==================================================================================== */
typedef struct _WIDGET_CONTEXT {
    WIDGETBUS_INTERFACE Bus;
    BOOLEAN BusHeld;
    ULONG Serial;
} WIDGET_CONTEXT, *PWIDGET_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(WIDGET_CONTEXT, WidgetGetContext)

static EVT_WDF_DRIVER_DEVICE_ADD WidgetDeviceAdd;
static EVT_WDF_DEVICE_PREPARE_HARDWARE WidgetPrepareHardware;
static EVT_WDF_DEVICE_RELEASE_HARDWARE WidgetReleaseHardware;

static ULONG WidgetLastSerial; /* something for the test to look at */

static NTSTATUS WidgetDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, WidgetDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

static NTSTATUS WidgetDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDEVICE device;

    UNREFERENCED_PARAMETER(Driver);
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
    pnp.EvtDevicePrepareHardware = WidgetPrepareHardware;
    pnp.EvtDeviceReleaseHardware = WidgetReleaseHardware;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, WIDGET_CONTEXT);
    return WdfDeviceCreate(&DeviceInit, &attributes, &device);
}

/* Import the bus interface from our own stack and use it. The framework sends
 * IRP_MN_QUERY_INTERFACE to the device below; the exporter references the interface
 * before it returns it, so from here on we hold one reference. */
static NTSTATUS WidgetPrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw,
                                      WDFCMRESLIST ResourcesTranslated)
{
    PWIDGET_CONTEXT ctx = WidgetGetContext(Device);
    NTSTATUS status;

    UNREFERENCED_PARAMETER(ResourcesRaw);
    UNREFERENCED_PARAMETER(ResourcesTranslated);
    status = WdfFdoQueryForInterface(Device, &GUID_WIDGETBUS_INTERFACE, (PINTERFACE)&ctx->Bus,
                                     sizeof(WIDGETBUS_INTERFACE), WIDGETBUS_INTERFACE_VERSION,
                                     NULL);
    if (!NT_SUCCESS(status))
        return status; /* the start fails */
    ctx->BusHeld = TRUE;
    ctx->Serial = ctx->Bus.ReadSerial(ctx->Bus.InterfaceHeader.Context);
    WidgetLastSerial = ctx->Serial;
    return STATUS_SUCCESS;
}

/* Release exactly the one reference we took (stop, removal, surprise removal). */
static NTSTATUS WidgetReleaseHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesTranslated)
{
    PWIDGET_CONTEXT ctx = WidgetGetContext(Device);

    UNREFERENCED_PARAMETER(ResourcesTranslated);
    if (ctx->BusHeld) {
        ctx->Bus.InterfaceHeader.InterfaceDereference(ctx->Bus.InterfaceHeader.Context);
        ctx->BusHeld = FALSE;
    }
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Part 3: the test, playing the bus driver's part
 * ==================================================================================== */
#include <pnpsim/pnpsim.h>

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond,   \
                    pnpsim_last_error_message());                                          \
            return 1;                                                                      \
        }                                                                                  \
    } while (0)

/* The bus side of the contract, implemented by the test. Context is what the test put in
 * the template: here a call counter. */
static ULONG TestReadSerial(PVOID Context)
{
    (*(int *)Context)++;
    return 0x1234;
}

int main(void)
{
    pnpsim_system *sys = NULL;
    PDRIVER_OBJECT driver = NULL;
    pnpsim_device *dev = NULL;
    WIDGETBUS_INTERFACE busif;
    int serial_reads = 0;

    CHECK(pnpsim_system_create(NULL, &sys) == STATUS_SUCCESS);
    pnpsim_system_enter(sys); /* the current system of this thread, for the DDIs */
    CHECK(pnpsim_driver_load(sys, "widget", WidgetDriverEntry, &driver) == STATUS_SUCCESS);
    CHECK(pnpsim_driver_bind(sys, "ROOT\\WIDGET", driver) == STATUS_SUCCESS);
    CHECK(pnpsim_device_create(sys, NULL, "ROOT\\WIDGET", "0", &dev) == STATUS_SUCCESS);

    /* 1. The device's PDO exports the bus interface. With InterfaceReference and
     *    InterfaceDereference left NULL, pnpsim supplies a counting pair. */
    RtlZeroMemory(&busif, sizeof(busif));
    busif.InterfaceHeader.Context = &serial_reads;
    busif.ReadSerial = TestReadSerial;
    CHECK(pnpsim_qi_provide(dev, &GUID_WIDGETBUS_INTERFACE, &busif.InterfaceHeader,
                            sizeof(busif), WIDGETBUS_INTERFACE_VERSION) == STATUS_SUCCESS);

    /* 2. Start: EvtDevicePrepareHardware queries the interface and calls through it. */
    CHECK(pnpsim_device_start(dev) == STATUS_SUCCESS);
    CHECK(serial_reads == 1);
    CHECK(WidgetLastSerial == 0x1234);
    CHECK(pnpsim_qi_provided_references(dev, &GUID_WIDGETBUS_INTERFACE) == 1);
    CHECK(pnpsim_qi_outstanding(sys, &GUID_WIDGETBUS_INTERFACE, NULL, dev) == 1); /* by widget */

    /* 3. Remove: EvtDeviceReleaseHardware drops the reference; none is left anywhere. */
    CHECK(pnpsim_device_remove(dev) == STATUS_SUCCESS);
    CHECK(pnpsim_qi_provided_references(dev, &GUID_WIDGETBUS_INTERFACE) == 0);
    CHECK(pnpsim_qi_outstanding(sys, NULL, NULL, NULL) == 0);

    /* 4. The checks a test fixture makes at the end: no leaked pool, no verifier report. */
    pnpsim_system_shutdown(sys);
    CHECK(pnpsim_system_pool_outstanding(sys, NULL) == 0);
    {
        size_t violations = 0;
        pnpsim_verifier_violations(sys, &violations);
        CHECK(violations == 0);
    }
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    printf("kmdf_qi example: the driver used the bus interface and released it\n");
    return 0;
}
