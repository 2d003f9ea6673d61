/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of device properties: IoGetDeviceProperty and
 * IoGetDevicePropertyData / IoSetDevicePropertyData on simulated root devices and on the
 * children of a small WDM bus driver defined here (which reports device text, capabilities
 * and a container ID), plus a tiny WDM function driver whose FDO is the "not a PDO" case.
 */
#include "pnpsim_test.h"

#include <string.h>

#include <pnpsim/wdk/wdm.h>
#include <pnpsim/wdk/devpkey.h>

#define TAG_BUS 'suBT'

/* A driver-defined property key (not one the PnP manager computes). */
static const DEVPROPKEY test_key = {
    {0xdeadbeef, 0x29ef, 0x4538, {0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62, 0xc0}}, 2};
static const DEVPROPKEY test_key2 = {
    {0xdeadbeef, 0x29ef, 0x4538, {0xa5, 0xfd, 0xb6, 0x95, 0x73, 0xa3, 0x62, 0xc0}}, 3};

/* ======================================================================================
 * A tiny WDM function driver: AddDevice attaches an FDO, PnP IRPs go down.
 * ==================================================================================== */

typedef struct fdo_ext {
    PDEVICE_OBJECT lower;
} fdo_ext;

static NTSTATUS NTAPI fn_pnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    fdo_ext *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    if (sp->MinorFunction == IRP_MN_START_DEVICE || sp->MinorFunction == IRP_MN_REMOVE_DEVICE)
        Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(ext->lower, Irp);
    if (sp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        IoDetachDevice(ext->lower);
        IoDeleteDevice(DeviceObject);
    }
    return status;
}

static NTSTATUS NTAPI fn_add_device(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    fdo_ext *ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(fdo_ext), NULL, FILE_DEVICE_UNKNOWN,
                                     0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = fdo->DeviceExtension;
    ext->lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    if (ext->lower == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI fn_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->DriverExtension->AddDevice = fn_add_device;
    DriverObject->MajorFunction[IRP_MJ_PNP] = fn_pnp;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * A small WDM bus driver: its FDO reports three children whose PDOs answer the
 * identification IRPs with device text, capabilities and (for child 1) a container ID.
 * ==================================================================================== */

#define BUS_CHILDREN 3

typedef struct bus_ext {
    BOOLEAN is_pdo;
    PDEVICE_OBJECT lower;                  /* FDO: the device below */
    PDEVICE_OBJECT children[BUS_CHILDREN]; /* FDO: the child PDOs once created */
    int index;                             /* PDO: 1..3 */
} bus_ext;

static PWCHAR pool_wstr(const WCHAR *s, size_t chars_with_nuls)
{
    PWCHAR p = ExAllocatePoolWithTag(PagedPool, chars_with_nuls * sizeof(WCHAR), TAG_BUS);
    if (p != NULL)
        memcpy(p, s, chars_with_nuls * sizeof(WCHAR));
    return p;
}

static NTSTATUS child_query_id(bus_ext *ext, PIRP Irp, BUS_QUERY_ID_TYPE type)
{
    static const WCHAR device_id[] = L"WINE\\TEST";
    static const WCHAR hwids[] = L"WINE\\TEST\0WINE\\ANY\0";
    static const WCHAR compat[] = L"WINE\\COMPAT\0";
    static const WCHAR container[] = L"{12345678-1234-5678-9abc-def012345678}";
    WCHAR instance[2] = {(WCHAR)(L'0' + ext->index), 0};
    PWCHAR out = NULL;
    switch (type) {
    case BusQueryDeviceID:
        out = pool_wstr(device_id, sizeof(device_id) / sizeof(WCHAR));
        break;
    case BusQueryInstanceID:
        out = pool_wstr(instance, 2);
        break;
    case BusQueryHardwareIDs:
        out = pool_wstr(hwids, sizeof(hwids) / sizeof(WCHAR));
        break;
    case BusQueryCompatibleIDs:
        if (ext->index != 1)
            return Irp->IoStatus.Status;
        out = pool_wstr(compat, sizeof(compat) / sizeof(WCHAR));
        break;
    case BusQueryContainerID:
        if (ext->index != 1)
            return Irp->IoStatus.Status;
        out = pool_wstr(container, sizeof(container) / sizeof(WCHAR));
        break;
    default:
        return Irp->IoStatus.Status;
    }
    if (out == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Irp->IoStatus.Information = (ULONG_PTR)out;
    return STATUS_SUCCESS;
}

static NTSTATUS child_pnp(bus_ext *ext, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = Irp->IoStatus.Status;
    switch (sp->MinorFunction) {
    case IRP_MN_QUERY_ID:
        status = child_query_id(ext, Irp, sp->Parameters.QueryId.IdType);
        break;
    case IRP_MN_QUERY_CAPABILITIES: {
        PDEVICE_CAPABILITIES caps = sp->Parameters.DeviceCapabilities.Capabilities;
        caps->UniqueID = 1;
        if (ext->index == 1) {
            caps->Address = 3;
            caps->UINumber = 7;
            caps->Removable = 1;
            caps->SurpriseRemovalOK = 1;
        } else if (ext->index == 3) {
            caps->Removable = 1;
            caps->SurpriseRemovalOK = 0;
        }
        status = STATUS_SUCCESS;
        break;
    }
    case IRP_MN_QUERY_DEVICE_TEXT:
        if (ext->index == 1) {
            static const WCHAR desc[] = L"Wine t\x00ebst device";
            static const WCHAR loc[] = L"Port_#0001.Hub_#0002";
            PWCHAR out = NULL;
            if (sp->Parameters.QueryDeviceText.DeviceTextType == DeviceTextDescription)
                out = pool_wstr(desc, sizeof(desc) / sizeof(WCHAR));
            else if (sp->Parameters.QueryDeviceText.DeviceTextType ==
                     DeviceTextLocationInformation)
                out = pool_wstr(loc, sizeof(loc) / sizeof(WCHAR));
            else
                break;
            if (out == NULL) {
                status = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            Irp->IoStatus.Information = (ULONG_PTR)out;
            status = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
    case IRP_MN_REMOVE_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
        /* The child PDOs are deleted with the bus FDO, not on their own removal. */
        status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS bus_report_children(PDEVICE_OBJECT fdo, bus_ext *ext, PIRP Irp)
{
    static const WCHAR *const names[BUS_CHILDREN] = {
        L"\\Device\\winetest_pnp_1", L"\\Device\\winetest_pnp_2", L"\\Device\\winetest_pnp_3"};
    PDEVICE_RELATIONS rel;
    for (int i = 0; i < BUS_CHILDREN; i++) {
        UNICODE_STRING name;
        bus_ext *cext;
        NTSTATUS status;
        if (ext->children[i] != NULL)
            continue;
        RtlInitUnicodeString(&name, names[i]);
        status = IoCreateDevice(fdo->DriverObject, sizeof(bus_ext), &name, FILE_DEVICE_UNKNOWN,
                                0, FALSE, &ext->children[i]);
        if (!NT_SUCCESS(status))
            return status;
        cext = ext->children[i]->DeviceExtension;
        cext->is_pdo = TRUE;
        cext->index = i + 1;
        ext->children[i]->Flags &= ~DO_DEVICE_INITIALIZING;
    }
    rel = ExAllocatePoolWithTag(PagedPool,
                                sizeof(DEVICE_RELATIONS) + (BUS_CHILDREN - 1) * sizeof(PVOID),
                                TAG_BUS);
    if (rel == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    rel->Count = BUS_CHILDREN;
    for (int i = 0; i < BUS_CHILDREN; i++) {
        rel->Objects[i] = ext->children[i];
        ObReferenceObject(ext->children[i]);
    }
    Irp->IoStatus.Information = (ULONG_PTR)rel;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI bus_pnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    bus_ext *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    if (ext->is_pdo)
        return child_pnp(ext, Irp);
    switch (sp->MinorFunction) {
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (sp->Parameters.QueryDeviceRelations.Type == BusRelations) {
            status = bus_report_children(DeviceObject, ext, Irp);
            if (!NT_SUCCESS(status)) {
                Irp->IoStatus.Status = status;
                IoCompleteRequest(Irp, IO_NO_INCREMENT);
                return status;
            }
            Irp->IoStatus.Status = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_START_DEVICE:
    case IRP_MN_REMOVE_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(ext->lower, Irp);
    if (sp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        for (int i = 0; i < BUS_CHILDREN; i++) {
            if (ext->children[i] != NULL)
                IoDeleteDevice(ext->children[i]);
            ext->children[i] = NULL;
        }
        IoDetachDevice(ext->lower);
        IoDeleteDevice(DeviceObject);
    }
    return status;
}

static NTSTATUS NTAPI bus_add_device(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    bus_ext *ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(bus_ext), NULL, FILE_DEVICE_BUS_EXTENDER,
                                     0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = fdo->DeviceExtension;
    memset(ext, 0, sizeof(*ext));
    ext->lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    if (ext->lower == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI bus_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->DriverExtension->AddDevice = bus_add_device;
    DriverObject->MajorFunction[IRP_MJ_PNP] = bus_pnp;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Helpers
 * ==================================================================================== */

static pnpsim_device *make_device(pnpsim_system *sys, const char *id, const char *instance)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, id, instance, &dev));
    assert_non_null(dev);
    return dev;
}

static pnpsim_device *winetest(pnpsim_system *sys)
{
    return make_device(sys, "ROOT\\WINETEST", "0");
}

/* A started ROOT\WINETEST device with the function driver above; *fdo gets its FDO. */
static pnpsim_device *started_with_fdo(pnpsim_system *sys, PDEVICE_OBJECT *fdo)
{
    PDRIVER_OBJECT drv = NULL;
    pnpsim_device *dev;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "wtfunc", fn_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\WINETEST", drv));
    dev = winetest(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    *fdo = pnpsim_device_top(dev);
    assert_true(*fdo != pnpsim_device_pdo(dev));
    return dev;
}

/* The bus device started, its children enumerated; returns child n (1..3). */
static pnpsim_device *bus_child(pnpsim_system *sys, int n)
{
    static const char *const paths[BUS_CHILDREN] = {"WINE\\TEST\\1", "WINE\\TEST\\2",
                                                    "WINE\\TEST\\3"};
    pnpsim_device *child;
    if (pnpsim_device_find(sys, "ROOT\\WTBUS\\0") == NULL) {
        PDRIVER_OBJECT drv = NULL;
        pnpsim_device *bus;
        assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "wtbus", bus_entry, &drv));
        assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\WTBUS", drv));
        bus = make_device(sys, "ROOT\\WTBUS", "0");
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(bus));
        pnpsim_system_run_pending(sys);
    }
    child = pnpsim_device_find(sys, paths[n - 1]);
    assert_non_null(child);
    return child;
}

/* Length in bytes of a UTF-16 string with its NUL (or of a MULTI_SZ with its final NUL). */
static ULONG wbytes(const WCHAR *s)
{
    ULONG n = 0;
    while (s[n] != 0)
        n++;
    return (n + 1) * (ULONG)sizeof(WCHAR);
}

static ULONG multi_bytes(const WCHAR *s)
{
    ULONG n = 0;
    while (s[n] != 0 || s[n + 1] != 0)
        n++;
    return (n + 2) * (ULONG)sizeof(WCHAR);
}

/* IoGetDeviceProperty into a buffer; checks it succeeds and returns the length. */
static ULONG get_prop(PDEVICE_OBJECT pdo, DEVICE_REGISTRY_PROPERTY p, void *buf, ULONG size)
{
    ULONG len = 0xdead;
    memset(buf, 0xcc, size);
    assert_nt_status(STATUS_SUCCESS, IoGetDeviceProperty(pdo, p, size, buf, &len));
    return len;
}

static void assert_not_found(PDEVICE_OBJECT pdo, DEVICE_REGISTRY_PROPERTY p)
{
    WCHAR buf[64];
    ULONG len = 0xdead;
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDeviceProperty(pdo, p, sizeof(buf), buf, &len));
    assert_int_equal(len, 0);
}

/* ======================================================================================
 * IoGetDeviceProperty
 * ==================================================================================== */

/* IoGetDeviceProperty page: DeviceDescription is a NUL-terminated WCHAR string; the
 * simulator's root PDO reports the device ID as its device text. */
static void test_devprop__description_of_root_device_is_its_device_id(void **state)
{
    pnpsim_device *dev = winetest(TSYS(state));
    WCHAR buf[64];
    ULONG len = get_prop(pnpsim_device_pdo(dev), DevicePropertyDeviceDescription, buf, sizeof(buf));
    assert_int_equal(len, wbytes(L"ROOT\\WINETEST"));
    assert_memory_equal(buf, L"ROOT\\WINETEST", len);
}

/* The device text a bus driver reports (IRP_MN_QUERY_DEVICE_TEXT), non-ASCII included. */
static void test_devprop__description_and_location_come_from_the_bus(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(bus_child(TSYS(state), 1));
    WCHAR buf[64];
    ULONG len = get_prop(pdo, DevicePropertyDeviceDescription, buf, sizeof(buf));
    assert_int_equal(len, wbytes(L"Wine t\x00ebst device"));
    assert_memory_equal(buf, L"Wine t\x00ebst device", len);
    len = get_prop(pdo, DevicePropertyLocationInformation, buf, sizeof(buf));
    assert_int_equal(len, wbytes(L"Port_#0001.Hub_#0002"));
    assert_memory_equal(buf, L"Port_#0001.Hub_#0002", len);
}

/* No location text: the value does not exist (pnpsim choice, README). */
static void test_devprop__location_without_text_is_not_found(void **state)
{
    assert_not_found(pnpsim_device_pdo(winetest(TSYS(state))), DevicePropertyLocationInformation);
    assert_not_found(pnpsim_device_pdo(bus_child(TSYS(state), 2)),
                     DevicePropertyLocationInformation);
}

/* IoGetDeviceProperty page: HardwareID / CompatibleIDs are REG_MULTI_SZ (each string
 * NUL-terminated, then a final NUL), exactly as reported (windows-semantics.md §13 item 27). */
static void test_devprop__hardware_and_compatible_ids_are_multi_sz(void **state)
{
    static const char *const hw[] = {"ROOT\\WINETEST", "WINETEST_HW", NULL};
    static const char *const compat[] = {"GENERIC_DEVICE", NULL};
    static const WCHAR hw_w[] = L"ROOT\\WINETEST\0WINETEST_HW\0";
    static const WCHAR compat_w[] = L"GENERIC_DEVICE\0";
    pnpsim_device *dev = winetest(TSYS(state));
    WCHAR buf[64];
    ULONG len;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_set_ids(dev, hw, compat));
    len = get_prop(pnpsim_device_pdo(dev), DevicePropertyHardwareID, buf, sizeof(buf));
    assert_int_equal(len, multi_bytes(hw_w));
    assert_memory_equal(buf, hw_w, len);
    len = get_prop(pnpsim_device_pdo(dev), DevicePropertyCompatibleIDs, buf, sizeof(buf));
    assert_int_equal(len, multi_bytes(compat_w));
    assert_memory_equal(buf, compat_w, len);
}

static void test_devprop__bus_reported_ids_are_returned(void **state)
{
    static const WCHAR hw_w[] = L"WINE\\TEST\0WINE\\ANY\0";
    static const WCHAR compat_w[] = L"WINE\\COMPAT\0";
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(bus_child(TSYS(state), 1));
    WCHAR buf[64];
    ULONG len = get_prop(pdo, DevicePropertyHardwareID, buf, sizeof(buf));
    assert_int_equal(len, multi_bytes(hw_w));
    assert_memory_equal(buf, hw_w, len);
    len = get_prop(pdo, DevicePropertyCompatibleIDs, buf, sizeof(buf));
    assert_int_equal(len, multi_bytes(compat_w));
    assert_memory_equal(buf, compat_w, len);
}

/* A device whose bus reports no compatible IDs has no such value (pnpsim choice, README). */
static void test_devprop__no_compatible_ids_is_not_found(void **state)
{
    assert_not_found(pnpsim_device_pdo(winetest(TSYS(state))), DevicePropertyCompatibleIDs);
    assert_not_found(pnpsim_device_pdo(bus_child(TSYS(state), 2)), DevicePropertyCompatibleIDs);
}

/* IoGetDeviceProperty page: STATUS_BUFFER_TOO_SMALL with *ResultLength = the size needed;
 * drivers probe with a zero length and a NULL buffer. */
static void test_devprop__short_buffer_reports_required_length(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    ULONG need = wbytes(L"ROOT\\WINETEST"), len = 0xdead;
    WCHAR buf[64];
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     IoGetDeviceProperty(pdo, DevicePropertyDeviceDescription, 0, NULL, &len));
    assert_int_equal(len, need);
    memset(buf, 0xcc, sizeof(buf));
    len = 0;
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, IoGetDeviceProperty(pdo, DevicePropertyDeviceDescription,
                                                                  need - 2, buf, &len));
    assert_int_equal(len, need);
    assert_int_equal(((unsigned char *)buf)[0], 0xcc); /* untouched */
    len = 0;
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDeviceProperty(pdo, DevicePropertyDeviceDescription, need, buf, &len));
    assert_int_equal(len, need);
    len = 0xdead;
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     IoGetDeviceProperty(pdo, DevicePropertyAddress, 3, buf, &len));
    assert_int_equal(len, sizeof(ULONG));
}

/* pnpsim checks: ResultLength is required; a NULL buffer needs a zero length. */
static void test_devprop__null_result_length_or_buffer_is_invalid_parameter(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    WCHAR buf[64];
    ULONG len = 0xdead;
    assert_nt_status(STATUS_INVALID_PARAMETER, IoGetDeviceProperty(pdo, DevicePropertyDeviceDescription,
                                                                   sizeof(buf), buf, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDeviceProperty(pdo, DevicePropertyDeviceDescription, 100, NULL, &len));
}

/* IoGetDeviceProperty page: an unhandled DeviceProperty is STATUS_INVALID_PARAMETER_2. */
static void test_devprop__unknown_property_is_invalid_parameter_2(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    WCHAR buf[64];
    ULONG len = 0xdead;
    assert_nt_status(STATUS_INVALID_PARAMETER_2,
                     IoGetDeviceProperty(pdo, (DEVICE_REGISTRY_PROPERTY)0x17, sizeof(buf), buf, &len));
    assert_nt_status(STATUS_INVALID_PARAMETER_2,
                     IoGetDeviceProperty(pdo, (DEVICE_REGISTRY_PROPERTY)-1, sizeof(buf), buf, &len));
}

/* IoGetDeviceProperty page: PhysicalDeviceObjectName is the PDO's name. */
static void test_devprop__pdo_name(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(bus_child(TSYS(state), 2));
    WCHAR buf[64];
    ULONG len = get_prop(pdo, DevicePropertyPhysicalDeviceObjectName, buf, sizeof(buf));
    assert_int_equal(len, wbytes(L"\\Device\\winetest_pnp_2"));
    assert_memory_equal(buf, L"\\Device\\winetest_pnp_2", len);

    /* The simulator's own PDOs are named too (\Device\<number>). */
    pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    len = get_prop(pdo, DevicePropertyPhysicalDeviceObjectName, buf, sizeof(buf));
    assert_true(len > wbytes(L"\\Device\\"));
    assert_memory_equal(buf, L"\\Device\\", 8 * sizeof(WCHAR));
    assert_int_equal(buf[len / sizeof(WCHAR) - 1], 0);
}

/* IoGetDeviceProperty page: EnumeratorName, "such as PCI or root". */
static void test_devprop__enumerator_name(void **state)
{
    WCHAR buf[64];
    ULONG len = get_prop(pnpsim_device_pdo(winetest(TSYS(state))), DevicePropertyEnumeratorName,
                         buf, sizeof(buf));
    assert_int_equal(len, wbytes(L"ROOT"));
    assert_memory_equal(buf, L"ROOT", len);
    len = get_prop(pnpsim_device_pdo(bus_child(TSYS(state), 1)), DevicePropertyEnumeratorName,
                   buf, sizeof(buf));
    assert_int_equal(len, wbytes(L"WINE"));
    assert_memory_equal(buf, L"WINE", len);
}

/* IoGetDeviceProperty page: Address and UINumber are ULONGs; 0xFFFFFFFF means the bus
 * supplied none (the PnP manager pre-fills them so, windows-semantics.md §1.1). */
static void test_devprop__address_and_ui_number(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(bus_child(TSYS(state), 1));
    ULONG v = 0, len;
    len = get_prop(pdo, DevicePropertyAddress, &v, sizeof(v));
    assert_int_equal(len, sizeof(ULONG));
    assert_int_equal(v, 3);
    len = get_prop(pdo, DevicePropertyUINumber, &v, sizeof(v));
    assert_int_equal(len, sizeof(ULONG));
    assert_int_equal(v, 7);

    pdo = pnpsim_device_pdo(bus_child(TSYS(state), 2));
    get_prop(pdo, DevicePropertyAddress, &v, sizeof(v));
    assert_int_equal(v, 0xFFFFFFFFu);
    get_prop(pdo, DevicePropertyUINumber, &v, sizeof(v));
    assert_int_equal(v, 0xFFFFFFFFu);
}

/* DEVICE_INSTALL_STATE (pnpsim choice, README): FinishInstall until a driver is bound,
 * Installed once one is. */
static void test_devprop__install_state_follows_driver_binding(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = NULL;
    pnpsim_device *dev = winetest(sys);
    ULONG v = 0xdead;
    get_prop(pnpsim_device_pdo(dev), DevicePropertyInstallState, &v, sizeof(v));
    assert_int_equal(v, InstallStateFinishInstall);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "wtfunc", fn_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "root\\winetest", drv));
    get_prop(pnpsim_device_pdo(dev), DevicePropertyInstallState, &v, sizeof(v));
    assert_int_equal(v, InstallStateInstalled);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    get_prop(pnpsim_device_pdo(dev), DevicePropertyInstallState, &v, sizeof(v));
    assert_int_equal(v, InstallStateInstalled);
}

/* DEVICE_REMOVAL_POLICY from the capabilities (pnpsim choice, README). */
static void test_devprop__removal_policy_follows_capabilities(void **state)
{
    ULONG v = 0;
    get_prop(pnpsim_device_pdo(bus_child(TSYS(state), 1)), DevicePropertyRemovalPolicy, &v,
             sizeof(v));
    assert_int_equal(v, RemovalPolicyExpectSurpriseRemoval);
    get_prop(pnpsim_device_pdo(bus_child(TSYS(state), 2)), DevicePropertyRemovalPolicy, &v,
             sizeof(v));
    assert_int_equal(v, RemovalPolicyExpectNoRemoval);
    get_prop(pnpsim_device_pdo(bus_child(TSYS(state), 3)), DevicePropertyRemovalPolicy, &v,
             sizeof(v));
    assert_int_equal(v, RemovalPolicyExpectOrderlyRemoval);
}

/* Container IDs ("How Container IDs are Generated"): the bus's, else a new one for a
 * removable device, else the parent's; the root is in the computer's container. */
static void test_devprop__container_id(void **state)
{
    pnpsim_system *sys = TSYS(state);
    WCHAR buf[64], parent[64], again[64];
    ULONG len;
    len = get_prop(pnpsim_device_pdo(bus_child(sys, 1)), DevicePropertyContainerID, buf,
                   sizeof(buf));
    assert_int_equal(len, wbytes(L"{12345678-1234-5678-9abc-def012345678}"));
    assert_memory_equal(buf, L"{12345678-1234-5678-9abc-def012345678}", len);

    /* Child 2 is not removable: it is in its parent's (the bus device's) container. */
    get_prop(pnpsim_device_pdo(pnpsim_device_find(sys, "ROOT\\WTBUS\\0")),
             DevicePropertyContainerID, parent, sizeof(parent));
    len = get_prop(pnpsim_device_pdo(bus_child(sys, 2)), DevicePropertyContainerID, buf,
                   sizeof(buf));
    assert_int_equal(len, 39 * sizeof(WCHAR));
    assert_memory_equal(buf, parent, len);

    /* Child 3 is removable: a container of its own, the same on every query. */
    len = get_prop(pnpsim_device_pdo(bus_child(sys, 3)), DevicePropertyContainerID, buf,
                   sizeof(buf));
    assert_int_equal(len, 39 * sizeof(WCHAR));
    assert_int_equal(buf[0], L'{');
    assert_int_equal(buf[37], L'}');
    assert_memory_not_equal(buf, parent, len);
    get_prop(pnpsim_device_pdo(bus_child(sys, 3)), DevicePropertyContainerID, again,
             sizeof(again));
    assert_memory_equal(buf, again, len);

    len = get_prop(pnpsim_device_pdo(pnpsim_device_root(sys)), DevicePropertyContainerID, buf,
                   sizeof(buf));
    assert_int_equal(len, wbytes(L"{00000000-0000-0000-ffff-ffffffffffff}"));
    assert_memory_equal(buf, L"{00000000-0000-0000-ffff-ffffffffffff}", len);
}

/* Values Windows takes from the INF, class installer or resource arbiters: absent. */
static void test_devprop__installer_and_resource_properties_are_not_found(void **state)
{
    static const DEVICE_REGISTRY_PROPERTY absent[] = {
        DevicePropertyBootConfiguration, DevicePropertyBootConfigurationTranslated,
        DevicePropertyClassName,         DevicePropertyClassGuid,
        DevicePropertyDriverKeyName,     DevicePropertyManufacturer,
        DevicePropertyFriendlyName,      DevicePropertyBusTypeGuid,
        DevicePropertyLegacyBusType,     DevicePropertyBusNumber,
        DevicePropertyResourceRequirements, DevicePropertyAllocatedResources};
    PDEVICE_OBJECT fdo;
    pnpsim_device *dev = started_with_fdo(TSYS(state), &fdo);
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        assert_not_found(pnpsim_device_pdo(dev), absent[i]);
}

/* IoGetDeviceProperty page: a DeviceObject that is not a PDO is
 * STATUS_INVALID_DEVICE_REQUEST (without cfg.strict_pnp). */
static void test_devprop__fdo_is_invalid_device_request(void **state)
{
    PDEVICE_OBJECT fdo;
    WCHAR buf[64];
    ULONG len = 0xdead, size = 0xdead;
    DEVPROPTYPE type;
    started_with_fdo(TSYS(state), &fdo);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoGetDeviceProperty(fdo, DevicePropertyDeviceDescription, sizeof(buf), buf,
                                         &len));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoGetDevicePropertyData(fdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                             sizeof(buf), buf, &size, &type));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoSetDevicePropertyData(fdo, &test_key, LOCALE_NEUTRAL, 0,
                                             DEVPROP_TYPE_UINT32, sizeof(len), &len));
}

/* Not a device object at all (memory that merely looks like one). */
static void test_devprop__non_object_is_invalid_device_request(void **state)
{
    struct {
        unsigned char before[128];
        DEVICE_OBJECT obj;
    } fake;
    WCHAR buf[16];
    ULONG len = 0xdead;
    (void)state;
    memset(&fake, 0, sizeof(fake));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoGetDeviceProperty(&fake.obj, DevicePropertyDeviceDescription, sizeof(buf),
                                         buf, &len));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     IoGetDeviceProperty(NULL, DevicePropertyDeviceDescription, sizeof(buf), buf,
                                         &len));
}

/* Bug check 0xCA PNP_DETECTED_FATAL_ERROR, parameter 1 = 0x2 (invalid PDO), 2 = the
 * purported PDO, 3 = its driver object (bug-check-0xca page; windows-semantics.md §1.1). */
static void test_devprop__strict_fdo_bugchecks_pnp_detected_fatal_error(void **state)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_system *sys = NULL;
    PDEVICE_OBJECT fdo;
    WCHAR buf[16];
    ULONG len = 0xdead;
    const pnpsim_violation *v;
    (void)state;
    cfg.strict_pnp = 1;
    cfg.name = "strict";
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &sys));
    pnpsim_system_enter(sys);
    started_with_fdo(sys, &fdo);
    PNPSIM_EXPECT_BUGCHECK(sys, PNP_DETECTED_FATAL_ERROR,
                           IoGetDeviceProperty(fdo, DevicePropertyDeviceDescription, sizeof(buf),
                                               buf, &len));
    v = pnpsim_bugcheck_last_caught();
    assert_int_equal(v->code, PNP_DETECTED_FATAL_ERROR);
    assert_int_equal(v->parameters[0], 0x2);
    assert_true(v->parameters[1] == (ULONG_PTR)fdo);
    assert_true(v->parameters[2] == (ULONG_PTR)fdo->DriverObject);
    PNPSIM_EXPECT_BUGCHECK(sys, PNP_DETECTED_FATAL_ERROR,
                           IoSetDevicePropertyData(fdo, &test_key, LOCALE_NEUTRAL, 0,
                                                   DEVPROP_TYPE_UINT32, sizeof(len), &len));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    pnpsim_system_enter(TSYS(state));
}

/* IoGetDeviceProperty page: PASSIVE_LEVEL only. */
static void test_devprop__get_above_passive_bugchecks(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    WCHAR buf[64];
    ULONG len = 0;
    KIRQL old;
    KeRaiseIrql(APC_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), IRQL_NOT_LESS_OR_EQUAL,
                           IoGetDeviceProperty(pdo, DevicePropertyDeviceDescription, sizeof(buf),
                                               buf, &len));
    KeLowerIrql(old);
}

/* IoGet/SetDevicePropertyData pages: IRQL <= APC_LEVEL (APC_LEVEL itself is fine). */
static void test_devprop__data_ddis_allow_apc_level_not_dispatch(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    ULONG v = 5, size = 0;
    DEVPROPTYPE type = 0;
    KIRQL old;
    KeRaiseIrql(APC_LEVEL, &old);
    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             sizeof(v), &v, &size, &type));
    KeLowerIrql(old);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(TSYS(state), IRQL_NOT_LESS_OR_EQUAL,
                           IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                   DEVPROP_TYPE_UINT32, sizeof(v), &v));
    KeLowerIrql(old);
}

/* ======================================================================================
 * IoGetDevicePropertyData / IoSetDevicePropertyData
 * ==================================================================================== */

/* windows-semantics.md §13 item 6: DEVPKEY_Device_InstanceId with LOCALE_NEUTRAL succeeds
 * with DEVPROP_TYPE_STRING (the instance path, NUL included). */
static void test_devprop__instance_id_is_a_string(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    WCHAR buf[64];
    ULONG size = 0xdead;
    DEVPROPTYPE type = 0xdead;
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0, 0,
                                             NULL, &size, &type));
    assert_int_equal(size, wbytes(L"ROOT\\WINETEST\\0"));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    size = 0;
    type = 0;
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                             sizeof(buf), buf, &size, &type));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_int_equal(size, wbytes(L"ROOT\\WINETEST\\0"));
    assert_memory_equal(buf, L"ROOT\\WINETEST\\0", size);
}

/* The other keys the PnP manager computes from the device node. */
static void test_devprop__computed_keys(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(bus_child(sys, 1));
    static const WCHAR hw_w[] = L"WINE\\TEST\0WINE\\ANY\0";
    static const GUID container = {
        0x12345678, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}};
    union {
        WCHAR w[64];
        GUID g;
    } buf;
    ULONG size;
    DEVPROPTYPE type;

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_HardwareIds,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_int_equal(type, DEVPROP_TYPE_STRING_LIST);
    assert_int_equal(size, multi_bytes(hw_w));
    assert_memory_equal(buf.w, hw_w, size);

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_CompatibleIds,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_int_equal(type, DEVPROP_TYPE_STRING_LIST);
    assert_memory_equal(buf.w, L"WINE\\COMPAT\0", size);

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_DeviceDesc,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_memory_equal(buf.w, L"Wine t\x00ebst device", size);

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_PDOName,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_int_equal(size, wbytes(L"\\Device\\winetest_pnp_1"));
    assert_memory_equal(buf.w, L"\\Device\\winetest_pnp_1", size);

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_EnumeratorName,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_memory_equal(buf.w, L"WINE", size);

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_Parent,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_int_equal(size, wbytes(L"ROOT\\WTBUS\\0"));
    assert_memory_equal(buf.w, L"ROOT\\WTBUS\\0", size);

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_LocationInfo,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_memory_equal(buf.w, L"Port_#0001.Hub_#0002", size);

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_ContainerId,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_int_equal(type, DEVPROP_TYPE_GUID);
    assert_int_equal(size, sizeof(GUID));
    assert_memory_equal(&buf.g, &container, sizeof(GUID));

    /* A language LCID reads the same computed values. */
    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId,
                                                             0x0409, 0, sizeof(buf), &buf, &size,
                                                             &type));
    assert_memory_equal(buf.w, L"WINE\\TEST\\1", size);

    /* A root-enumerated device's parent is the root; the root has none. */
    pdo = pnpsim_device_pdo(winetest(sys));
    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &DEVPKEY_Device_Parent,
                                                             LOCALE_NEUTRAL, 0, sizeof(buf), &buf,
                                                             &size, &type));
    assert_memory_equal(buf.w, L"HTREE\\ROOT\\0", size);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDevicePropertyData(pnpsim_device_pdo(pnpsim_device_root(sys)),
                                             &DEVPKEY_Device_Parent, LOCALE_NEUTRAL, 0,
                                             sizeof(buf), &buf, &size, &type));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_CompatibleIds, LOCALE_NEUTRAL,
                                             0, sizeof(buf), &buf, &size, &type));
}

/* windows-semantics.md §13 item 14 (Wine test_device_properties, run on Windows). */
static void test_devprop__set_probe_read_delete_round_trip(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    static const WCHAR value[] = L"Wine is not an emulator";
    WCHAR buf[64];
    ULONG size = 0xdead;
    DEVPROPTYPE type = 0xdead;

    assert_nt_status(STATUS_SUCCESS,
                     IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0, DEVPROP_TYPE_STRING,
                                             sizeof(value), (PVOID)value));
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0, 0, NULL, &size,
                                             &type));
    assert_int_equal(size, sizeof(value));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    memset(buf, 0, sizeof(buf));
    size = 0;
    type = 0;
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0, sizeof(buf), buf,
                                             &size, &type));
    assert_int_equal(size, sizeof(value));
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_memory_equal(buf, value, sizeof(value));

    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_STRING, 0, NULL));
    size = 0xdead;
    type = 0xdead;
    /* IoGetDevicePropertyData page: a property that does not exist. */
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0, sizeof(buf), buf,
                                             &size, &type));
    assert_int_equal(size, 0);
    assert_int_equal(type, DEVPROP_TYPE_EMPTY);
    /* Deleting what is not there succeeds (pnpsim choice). */
    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_EMPTY, 0, NULL));
}

/* IoSetDevicePropertyData page: the data is copied; setting again replaces value and type;
 * from Windows 8 each LCID (LOCALE_NEUTRAL too) holds its own value. */
static void test_devprop__values_are_copied_and_kept_per_key_and_lcid(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    ULONG v = 1, out = 0, size;
    UCHAR bytes[3] = {1, 2, 3}, got[8];
    DEVPROPTYPE type;

    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    v = 2;
    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key, 0x0409,
                                                             PLUGPLAY_PROPERTY_PERSISTENT,
                                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    v = 3;
    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key2, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    v = 99; /* the stored copies do not see this */

    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             sizeof(out), &out, &size, &type));
    assert_int_equal(out, 1);
    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &test_key, 0x0409, 0,
                                                             sizeof(out), &out, &size, &type));
    assert_int_equal(out, 2);
    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &test_key2, LOCALE_NEUTRAL, 0,
                                                             sizeof(out), &out, &size, &type));
    assert_int_equal(out, 3);
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDevicePropertyData(pdo, &test_key, 0x0407, 0, sizeof(out), &out, &size,
                                             &type));

    /* Replace with another type. */
    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_BINARY, sizeof(bytes),
                                                             bytes));
    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             sizeof(got), got, &size, &type));
    assert_int_equal(type, DEVPROP_TYPE_BINARY);
    assert_int_equal(size, sizeof(bytes));
    assert_memory_equal(got, bytes, sizeof(bytes));

    /* Deleting the neutral value leaves the 0x0409 one. */
    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_BINARY, 0, NULL));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0, sizeof(got), got,
                                             &size, &type));
    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &test_key, 0x0409, 0,
                                                             sizeof(out), &out, &size, &type));
    assert_int_equal(out, 2);
    /* The rest is freed with the device node (the fixture checks nothing leaks). */
}

/* Properties are per device. */
static void test_devprop__properties_belong_to_one_device(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT a = pnpsim_device_pdo(winetest(sys));
    PDEVICE_OBJECT b = pnpsim_device_pdo(make_device(sys, "ROOT\\WINETEST", "1"));
    ULONG v = 7, size;
    DEVPROPTYPE type;
    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(a, &test_key, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     IoGetDevicePropertyData(b, &test_key, LOCALE_NEUTRAL, 0, sizeof(v), &v, &size,
                                             &type));
}

/* IoGet/SetDevicePropertyData pages: LOCALE_SYSTEM_DEFAULT / LOCALE_USER_DEFAULT are not
 * allowed; Get's Flags is reserved (0); Set's is 0 or PLUGPLAY_PROPERTY_PERSISTENT. The
 * statuses are pnpsim's choice (README). */
static void test_devprop__bad_arguments_are_invalid_parameter(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    WCHAR buf[64];
    ULONG v = 1, size;
    DEVPROPTYPE type;

    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDevicePropertyData(pdo, NULL, LOCALE_NEUTRAL, 0, sizeof(buf), buf, &size,
                                             &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                             sizeof(buf), buf, NULL, &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                             sizeof(buf), buf, &size, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                             sizeof(buf), NULL, &size, &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId,
                                             LOCALE_SYSTEM_DEFAULT, 0, sizeof(buf), buf, &size,
                                             &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_USER_DEFAULT,
                                             0, sizeof(buf), buf, &size, &type));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 1,
                                             sizeof(buf), buf, &size, &type));

    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoSetDevicePropertyData(pdo, NULL, LOCALE_NEUTRAL, 0, DEVPROP_TYPE_UINT32,
                                             sizeof(v), &v));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoSetDevicePropertyData(pdo, &test_key, LOCALE_SYSTEM_DEFAULT, 0,
                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoSetDevicePropertyData(pdo, &test_key, LOCALE_USER_DEFAULT, 0,
                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 2,
                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    assert_nt_status(STATUS_SUCCESS,
                     IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL,
                                             PLUGPLAY_PROPERTY_PERSISTENT, DEVPROP_TYPE_UINT32,
                                             sizeof(v), &v));
}

/* DEVPROPTYPE rules (DEVPROP_TYPE_* pages): a base type up to MAX_DEVPROP_TYPE with no
 * modifier, ARRAY (fixed-size types) or LIST (string types), and data that fits the type. */
static void test_devprop__malformed_type_or_data_is_invalid_parameter(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    static const WCHAR no_nul[3] = {L'a', L'b', L'c'};
    static const WCHAR list_one_nul[] = {L'a', 0, L'b', 0, L'c'};
    static const WCHAR good_list[] = L"a\0bc\0";
    UCHAR bytes[8] = {0};
    ULONG size;
    DEVPROPTYPE type;
    struct {
        DEVPROPTYPE type;
        ULONG size;
        const void *data;
    } bad[] = {
        {MAX_DEVPROP_TYPE + 1, 4, bytes},
        {DEVPROP_TYPE_UINT32 | 0x4000, 4, bytes},
        {DEVPROP_TYPE_UINT32 | 0x00010000, 4, bytes},
        {DEVPROP_TYPE_UINT32 | DEVPROP_TYPEMOD_LIST, 4, bytes},
        {DEVPROP_TYPE_STRING | DEVPROP_TYPEMOD_ARRAY, 4, L"a"},
        {DEVPROP_TYPE_UINT32, 3, bytes},
        {DEVPROP_TYPE_GUID, 8, bytes},
        {DEVPROP_TYPE_UINT16 | DEVPROP_TYPEMOD_ARRAY, 3, bytes},
        {DEVPROP_TYPE_STRING, sizeof(no_nul), no_nul},
        {DEVPROP_TYPE_STRING, 3, L"ab"},
        {DEVPROP_TYPE_STRING_LIST, sizeof(list_one_nul), list_one_nul},
        {DEVPROP_TYPE_NULL, 4, bytes},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_nt_status(STATUS_INVALID_PARAMETER,
                         IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0, bad[i].type,
                                                 bad[i].size, (PVOID)bad[i].data));
        assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                         IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0, sizeof(bytes),
                                                 bytes, &size, &type));
    }
    assert_nt_status(STATUS_SUCCESS,
                     IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                             DEVPROP_TYPE_STRING_LIST, sizeof(good_list),
                                             (PVOID)good_list));
    assert_nt_status(STATUS_SUCCESS,
                     IoSetDevicePropertyData(pdo, &test_key2, LOCALE_NEUTRAL, 0,
                                             DEVPROP_TYPE_UINT16 | DEVPROP_TYPEMOD_ARRAY, 6,
                                             bytes));
}

/* Keys the PnP manager computes are read-only (pnpsim choice: STATUS_ACCESS_DENIED). */
static void test_devprop__computed_keys_are_read_only(void **state)
{
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(TSYS(state)));
    static const WCHAR other[] = L"OTHER\\0";
    WCHAR buf[64];
    ULONG size;
    DEVPROPTYPE type;
    assert_nt_status(STATUS_ACCESS_DENIED,
                     IoSetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                             DEVPROP_TYPE_STRING, sizeof(other), (PVOID)other));
    assert_nt_status(STATUS_ACCESS_DENIED,
                     IoSetDevicePropertyData(pdo, &DEVPKEY_Device_HardwareIds, LOCALE_NEUTRAL, 0,
                                             DEVPROP_TYPE_STRING_LIST, 0, NULL));
    assert_nt_status(STATUS_SUCCESS,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0,
                                             sizeof(buf), buf, &size, &type));
    assert_memory_equal(buf, L"ROOT\\WINETEST\\0", size);
}

/* Out of memory: the set fails with STATUS_INSUFFICIENT_RESOURCES and the old value stays. */
static void test_devprop__set_out_of_memory_keeps_old_value(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDEVICE_OBJECT pdo = pnpsim_device_pdo(winetest(sys));
    ULONG v = 1, out = 0, size;
    DEVPROPTYPE type;
    assert_nt_status(STATUS_SUCCESS, IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    v = 2;
    pnpsim_fault_alloc(sys, 1, 1);
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     IoSetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                             DEVPROP_TYPE_UINT32, sizeof(v), &v));
    pnpsim_fault_clear(sys);
    assert_nt_status(STATUS_SUCCESS, IoGetDevicePropertyData(pdo, &test_key, LOCALE_NEUTRAL, 0,
                                                             sizeof(out), &out, &size, &type));
    assert_int_equal(out, 1);
    /* Queries allocate nothing: they work while every allocation fails. */
    pnpsim_fault_alloc(sys, 1, 0);
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     IoGetDevicePropertyData(pdo, &DEVPKEY_Device_InstanceId, LOCALE_NEUTRAL, 0, 0,
                                             NULL, &size, &type));
    assert_int_equal(size, wbytes(L"ROOT\\WINETEST\\0"));
    pnpsim_fault_clear(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_devprop__description_of_root_device_is_its_device_id),
        PNPSIM_TEST(test_devprop__description_and_location_come_from_the_bus),
        PNPSIM_TEST(test_devprop__location_without_text_is_not_found),
        PNPSIM_TEST(test_devprop__hardware_and_compatible_ids_are_multi_sz),
        PNPSIM_TEST(test_devprop__bus_reported_ids_are_returned),
        PNPSIM_TEST(test_devprop__no_compatible_ids_is_not_found),
        PNPSIM_TEST(test_devprop__short_buffer_reports_required_length),
        PNPSIM_TEST(test_devprop__null_result_length_or_buffer_is_invalid_parameter),
        PNPSIM_TEST(test_devprop__unknown_property_is_invalid_parameter_2),
        PNPSIM_TEST(test_devprop__pdo_name),
        PNPSIM_TEST(test_devprop__enumerator_name),
        PNPSIM_TEST(test_devprop__address_and_ui_number),
        PNPSIM_TEST(test_devprop__install_state_follows_driver_binding),
        PNPSIM_TEST(test_devprop__removal_policy_follows_capabilities),
        PNPSIM_TEST(test_devprop__container_id),
        PNPSIM_TEST(test_devprop__installer_and_resource_properties_are_not_found),
        PNPSIM_TEST(test_devprop__fdo_is_invalid_device_request),
        PNPSIM_TEST(test_devprop__non_object_is_invalid_device_request),
        PNPSIM_TEST(test_devprop__strict_fdo_bugchecks_pnp_detected_fatal_error),
        PNPSIM_TEST(test_devprop__get_above_passive_bugchecks),
        PNPSIM_TEST(test_devprop__data_ddis_allow_apc_level_not_dispatch),
        PNPSIM_TEST(test_devprop__instance_id_is_a_string),
        PNPSIM_TEST(test_devprop__computed_keys),
        PNPSIM_TEST(test_devprop__set_probe_read_delete_round_trip),
        PNPSIM_TEST(test_devprop__values_are_copied_and_kept_per_key_and_lcid),
        PNPSIM_TEST(test_devprop__properties_belong_to_one_device),
        PNPSIM_TEST(test_devprop__bad_arguments_are_invalid_parameter),
        PNPSIM_TEST(test_devprop__malformed_type_or_data_is_invalid_parameter),
        PNPSIM_TEST(test_devprop__computed_keys_are_read_only),
        PNPSIM_TEST(test_devprop__set_out_of_memory_keeps_old_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
