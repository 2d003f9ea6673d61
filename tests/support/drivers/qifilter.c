/* SPDX-License-Identifier: MIT */
/*
 * This file implements a WDM filter driver written as a driver author writes one, used by
 * pnpsim's query-interface tests: it exports no interface, so it passes
 * IRP_MN_QUERY_INTERFACE down without touching IoStatus.Status and without completing it
 * ("Using IRP_MN_QUERY_INTERFACE", windows-semantics.md §9.2), as it passes everything.
 */
#include <ntddk.h>

#include "drvlog.h"
#include "qifilter.h"

#define DriverEntry QifilterDriverEntry

typedef struct _QIFILTER_EXTENSION {
    PDEVICE_OBJECT LowerDeviceObject;
} QIFILTER_EXTENSION, *PQIFILTER_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE QifilterAddDevice;
static DRIVER_DISPATCH QifilterDispatch;

static ULONG QifilterQueries;
static NTSTATUS QifilterArrival;

void qifilter_reset(void)
{
    QifilterQueries = 0;
    QifilterArrival = 0;
}

ULONG qifilter_queries_seen(void) { return QifilterQueries; }
NTSTATUS qifilter_last_arrival_status(void) { return QifilterArrival; }

static NTSTATUS QifilterDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PQIFILTER_EXTENSION ext = (PQIFILTER_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->LowerDeviceObject;
    NTSTATUS status;

    if (irpStack->MajorFunction == IRP_MJ_PNP &&
        irpStack->MinorFunction == IRP_MN_QUERY_INTERFACE) {
        QifilterQueries++;
        QifilterArrival = Irp->IoStatus.Status;
    }
    if (irpStack->MajorFunction == IRP_MJ_PNP &&
        irpStack->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG i;
    UNREFERENCED_PARAMETER(RegistryPath);
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = QifilterDispatch;
    DriverObject->DriverExtension->AddDevice = QifilterAddDevice;
    return STATUS_SUCCESS;
}

static NTSTATUS QifilterAddDevice(_In_ PDRIVER_OBJECT DriverObject,
                                  _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT filter;
    PQIFILTER_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(QIFILTER_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            0, FALSE, &filter);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PQIFILTER_EXTENSION)filter->DeviceExtension;
    ext->LowerDeviceObject = IoAttachDeviceToDeviceStack(filter, PhysicalDeviceObject);
    if (ext->LowerDeviceObject == NULL) {
        IoDeleteDevice(filter);
        return STATUS_NO_SUCH_DEVICE;
    }
    filter->Flags &= ~DO_DEVICE_INITIALIZING;
    DrvLogAddDevice(DriverObject, PhysicalDeviceObject);
    return STATUS_SUCCESS;
}
