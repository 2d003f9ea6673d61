/* SPDX-License-Identifier: MIT */
/*
 * This file tests power IRPs: pnpsim_device_set_power() sending IRP_MN_QUERY_POWER /
 * IRP_MN_SET_POWER for system and device states to a WDM function driver written the usual
 * way (system IRP -> PoRequestPowerIrp for the device IRP; PoSetPowerState;
 * PoStartNextPowerIrp + PoCallDriver), a query veto, and the argument checks. Sources:
 * Microsoft Learn "PoRequestPowerIrp", "PoSetPowerState", "PoCallDriver",
 * "Handling System Power State Requests".
 */
#include "pnpsim_test.h"

#include <pnpsim/power.h>
#include <string.h>

#define HWID "ROOT\\PWRTEST"

typedef struct {
    PDEVICE_OBJECT lower;
} EXT;

static int system_sets, device_sets, queries, completions;
static BOOLEAN veto_query;
static DEVICE_POWER_STATE last_device_state;

static NTSTATUS NTAPI pwr_add(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    NTSTATUS st =
        IoCreateDevice(DriverObject, sizeof(EXT), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(st))
        return st;
    ((EXT *)fdo->DeviceExtension)->lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    fdo->Flags |= DO_POWER_PAGABLE;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI pwr_pnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    EXT *ext = DeviceObject->DeviceExtension;
    PDEVICE_OBJECT lower = ext->lower;
    UCHAR minor = IoGetCurrentIrpStackLocation(Irp)->MinorFunction;
    NTSTATUS st;
    IoSkipCurrentIrpStackLocation(Irp);
    st = IoCallDriver(lower, Irp);
    if (minor == IRP_MN_REMOVE_DEVICE) {
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
    }
    return st;
}

static VOID NTAPI device_irp_done(PDEVICE_OBJECT DeviceObject, UCHAR MinorFunction,
                                  POWER_STATE PowerState, PVOID Context, PIO_STATUS_BLOCK IoStatus)
{
    (void)DeviceObject;
    (void)MinorFunction;
    (void)PowerState;
    (void)Context;
    if (NT_SUCCESS(IoStatus->Status))
        completions++;
}

static NTSTATUS NTAPI pwr_power(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    EXT *ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    if (sp->MinorFunction == IRP_MN_QUERY_POWER) {
        queries++;
        if (veto_query) {
            PoStartNextPowerIrp(Irp);
            Irp->IoStatus.Status = STATUS_UNSUCCESSFUL;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_UNSUCCESSFUL;
        }
    } else if (sp->MinorFunction == IRP_MN_SET_POWER) {
        if (sp->Parameters.Power.Type == SystemPowerState) {
            POWER_STATE ds;
            system_sets++;
            ds.DeviceState = sp->Parameters.Power.State.SystemState == PowerSystemWorking
                                 ? PowerDeviceD0
                                 : PowerDeviceD3;
            PoRequestPowerIrp(ext->lower, IRP_MN_SET_POWER, ds, device_irp_done, NULL, NULL);
        } else {
            device_sets++;
            last_device_state = sp->Parameters.Power.State.DeviceState;
            PoSetPowerState(DeviceObject, DevicePowerState, sp->Parameters.Power.State);
        }
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->lower, Irp);
}

static NTSTATUS NTAPI pwr_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->DriverExtension->AddDevice = pwr_add;
    DriverObject->MajorFunction[IRP_MJ_PNP] = pwr_pnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = pwr_power;
    return STATUS_SUCCESS;
}

static pnpsim_device *started(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    system_sets = device_sets = queries = completions = 0;
    veto_query = FALSE;
    last_device_state = PowerDeviceUnspecified;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "pwrtest", pwr_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, HWID, drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, HWID, "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    return dev;
}

/* A system sleep: the policy owner requests D3 from its SET_POWER(S3) handler. */
static void test_io_power__system_sleep_leads_to_device_d3(void **state)
{
    pnpsim_device *dev = started(TSYS(state));
    POWER_STATE s;
    s.SystemState = PowerSystemSleeping3;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(dev, IRP_MN_QUERY_POWER, SystemPowerState, s));
    assert_int_equal(queries, 1);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(dev, IRP_MN_SET_POWER, SystemPowerState, s));
    assert_int_equal(system_sets, 1);
    assert_int_equal(device_sets, 1);
    assert_int_equal(completions, 1);
    assert_int_equal(last_device_state, PowerDeviceD3);
    assert_int_equal(
        pnpsim_device_power_state(pnpsim_device_top(dev), DevicePowerState).DeviceState,
        PowerDeviceD3);
    s.SystemState = PowerSystemWorking;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(dev, IRP_MN_SET_POWER, SystemPowerState, s));
    assert_int_equal(
        pnpsim_device_power_state(pnpsim_device_top(dev), DevicePowerState).DeviceState,
        PowerDeviceD0);
}

/* A driver that fails IRP_MN_QUERY_POWER vetoes the transition. */
static void test_io_power__query_veto_returns_driver_status(void **state)
{
    pnpsim_device *dev = started(TSYS(state));
    POWER_STATE s;
    veto_query = TRUE;
    s.SystemState = PowerSystemHibernate;
    assert_nt_status(STATUS_UNSUCCESSFUL,
                     pnpsim_device_set_power(dev, IRP_MN_QUERY_POWER, SystemPowerState, s));
}

/* Device power IRPs sent directly. */
static void test_io_power__device_set_power_reaches_driver(void **state)
{
    pnpsim_device *dev = started(TSYS(state));
    POWER_STATE s;
    s.DeviceState = PowerDeviceD2;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_set_power(dev, IRP_MN_SET_POWER, DevicePowerState, s));
    assert_int_equal(last_device_state, PowerDeviceD2);
}

static void test_io_power__bad_arguments(void **state)
{
    pnpsim_device *dev = started(TSYS(state)), *other;
    POWER_STATE s;
    s.DeviceState = PowerDeviceMaximum;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_device_set_power(dev, IRP_MN_SET_POWER, DevicePowerState, s));
    s.DeviceState = PowerDeviceD1;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_device_set_power(dev, IRP_MN_WAIT_WAKE, DevicePowerState, s));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_device_set_power(NULL, IRP_MN_SET_POWER, DevicePowerState, s));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_device_create(TSYS(state), NULL, "ROOT\\NODRV", "0", &other));
    assert_nt_status(STATUS_INVALID_DEVICE_STATE,
                     pnpsim_device_set_power(other, IRP_MN_SET_POWER, DevicePowerState, s));
    /* PoRequestPowerIrp: system power IRPs come only from the power manager. */
    s.SystemState = PowerSystemSleeping1;
    assert_nt_status(STATUS_INVALID_PARAMETER_2,
                     PoRequestPowerIrp(pnpsim_device_pdo(dev), 0x07, s, NULL, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_io_power__system_sleep_leads_to_device_d3),
        PNPSIM_TEST(test_io_power__query_veto_returns_driver_status),
        PNPSIM_TEST(test_io_power__device_set_power_reaches_driver),
        PNPSIM_TEST(test_io_power__bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
