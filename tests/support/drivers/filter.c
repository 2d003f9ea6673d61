/* SPDX-License-Identifier: MIT */
/*
 * This file implements a WDM filter driver written as a driver author writes one, used by
 * pnpsim's tests as an upper or a lower filter: AddDevice attaches a filter device object
 * that takes the device type, characteristics and I/O flags of the device below it, and
 * every IRP is passed down untouched. What it saw is kept in globals the tests read
 * through filter.h.
 */
#include <ntddk.h>

#include "drvlog.h"
#include "filter.h"

/* Several test drivers link into one test program: each gets a distinct name for its
 * DriverEntry. Everything below is written exactly as it would ship. */
#define DriverEntry FilterDriverEntry

#define FILTER_TAG 'tliF'

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDeviceObject;
    PDEVICE_OBJECT PhysicalDeviceObject;
    IO_REMOVE_LOCK RemoveLock;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE FilterAddDevice;
static DRIVER_UNLOAD FilterUnload;
static DRIVER_DISPATCH FilterDispatchAny;

/* ---- observation (read by tests through filter.h) ------------------------------------ */
typedef struct _FILTER_RECORD {
    PDRIVER_OBJECT Driver;
    UCHAR Major;
    UCHAR Minor;
} FILTER_RECORD;

static FILTER_RECORD FilterRecords[FILTER_MAX_RECORDS];
static volatile LONG FilterRecordCount;
static PDRIVER_OBJECT FilterAddDrivers[FILTER_MAX_RECORDS];
static volatile LONG FilterAddCount;
static volatile LONG FilterUnloadCount;

static VOID FilterRecord(PDRIVER_OBJECT Driver, UCHAR Major, UCHAR Minor)
{
    LONG slot = InterlockedIncrement(&FilterRecordCount) - 1;

    if (slot < FILTER_MAX_RECORDS) {
        FilterRecords[slot].Driver = Driver;
        FilterRecords[slot].Major = Major;
        FilterRecords[slot].Minor = Minor;
    }
}

static ULONG FilterRecorded(void)
{
    LONG n = FilterRecordCount;
    return (ULONG)(n > FILTER_MAX_RECORDS ? FILTER_MAX_RECORDS : n);
}

void filter_reset(void)
{
    RtlZeroMemory(FilterRecords, sizeof(FilterRecords));
    RtlZeroMemory(FilterAddDrivers, sizeof(FilterAddDrivers));
    InterlockedExchange(&FilterRecordCount, 0);
    InterlockedExchange(&FilterAddCount, 0);
    InterlockedExchange(&FilterUnloadCount, 0);
}

ULONG filter_pnp_count(PDRIVER_OBJECT Driver)
{
    ULONG i, n = 0;
    for (i = 0; i < FilterRecorded(); i++)
        if (FilterRecords[i].Driver == Driver && FilterRecords[i].Major == IRP_MJ_PNP)
            n++;
    return n;
}

UCHAR filter_pnp_minor(PDRIVER_OBJECT Driver, ULONG index)
{
    ULONG i;
    for (i = 0; i < FilterRecorded(); i++) {
        if (FilterRecords[i].Driver != Driver || FilterRecords[i].Major != IRP_MJ_PNP)
            continue;
        if (index-- == 0)
            return FilterRecords[i].Minor;
    }
    return 0xFF;
}

ULONG filter_major_count(PDRIVER_OBJECT Driver, UCHAR major)
{
    ULONG i, n = 0;
    for (i = 0; i < FilterRecorded(); i++)
        if (FilterRecords[i].Driver == Driver && FilterRecords[i].Major == major)
            n++;
    return n;
}

ULONG filter_add_device_count(PDRIVER_OBJECT Driver)
{
    LONG i, n = FilterAddCount;
    ULONG count = 0;
    for (i = 0; i < n && i < FILTER_MAX_RECORDS; i++)
        if (FilterAddDrivers[i] == Driver)
            count++;
    return count;
}

ULONG filter_unload_count(void)
{
    return (ULONG)FilterUnloadCount;
}

/* ---- the driver ------------------------------------------------------------------------ */

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG i;

    UNREFERENCED_PARAMETER(RegistryPath);
    KdPrint(("filter: DriverEntry\n"));

    /* A filter must pass on every IRP it does not understand, so every major function
     * goes to the same pass-through routine. */
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = FilterDispatchAny;
    DriverObject->DriverExtension->AddDevice = FilterAddDevice;
    DriverObject->DriverUnload = FilterUnload;
    return STATUS_SUCCESS;
}

static NTSTATUS FilterAddDevice(_In_ PDRIVER_OBJECT DriverObject,
                                _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT filterDeviceObject = NULL;
    PDEVICE_EXTENSION deviceExtension;
    PDEVICE_OBJECT lower;
    NTSTATUS status;
    LONG slot;

    PAGED_CODE();

    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            0, FALSE, &filterDeviceObject);
    if (!NT_SUCCESS(status))
        return status;

    deviceExtension = (PDEVICE_EXTENSION)filterDeviceObject->DeviceExtension;
    RtlZeroMemory(deviceExtension, sizeof(DEVICE_EXTENSION));
    deviceExtension->Self = filterDeviceObject;
    deviceExtension->PhysicalDeviceObject = PhysicalDeviceObject;
    IoInitializeRemoveLock(&deviceExtension->RemoveLock, FILTER_TAG, 0, 0);

    lower = IoAttachDeviceToDeviceStack(filterDeviceObject, PhysicalDeviceObject);
    if (lower == NULL) {
        IoDeleteDevice(filterDeviceObject);
        return STATUS_NO_SUCH_DEVICE;
    }
    deviceExtension->LowerDeviceObject = lower;

    /* A filter is invisible: it looks like the device below it to the I/O manager. */
    filterDeviceObject->DeviceType = lower->DeviceType;
    filterDeviceObject->Characteristics = lower->Characteristics;
    filterDeviceObject->Flags |= lower->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO | DO_POWER_PAGABLE);
    filterDeviceObject->Flags &= ~DO_DEVICE_INITIALIZING;

    slot = InterlockedIncrement(&FilterAddCount) - 1;
    if (slot < FILTER_MAX_RECORDS)
        FilterAddDrivers[slot] = DriverObject;
    DrvLogAddDevice(DriverObject, PhysicalDeviceObject);
    return STATUS_SUCCESS;
}

static NTSTATUS FilterDispatchAny(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION deviceExtension = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    UCHAR major = irpStack->MajorFunction;
    UCHAR minor = irpStack->MinorFunction;
    NTSTATUS status;

    FilterRecord(DeviceObject->DriverObject, major, minor);

    status = IoAcquireRemoveLock(&deviceExtension->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) {
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    }

    if (major == IRP_MJ_PNP && minor == IRP_MN_REMOVE_DEVICE) {
        /* Wait for every IRP in flight, pass the removal down, then leave the stack. */
        IoReleaseRemoveLockAndWait(&deviceExtension->RemoveLock, Irp);
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(deviceExtension->LowerDeviceObject, Irp);
        IoDetachDevice(deviceExtension->LowerDeviceObject);
        IoDeleteDevice(DeviceObject);
        return status;
    }

    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(deviceExtension->LowerDeviceObject, Irp);
    IoReleaseRemoveLock(&deviceExtension->RemoveLock, Irp);
    return status;
}

static VOID FilterUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PAGED_CODE();
    ASSERT(DriverObject->DeviceObject == NULL);
    InterlockedIncrement(&FilterUnloadCount);
    KdPrint(("filter: unloaded\n"));
}
