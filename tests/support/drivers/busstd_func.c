/* SPDX-License-Identifier: MIT */
/*
 * This file implements a WDM function driver written as a driver author writes one, used by
 * pnpsim's query-interface tests: after the lower drivers have started the device, it asks
 * its stack for BUS_INTERFACE_STANDARD with an IRP it allocates itself (IoAllocateIrp, a
 * completion routine that signals an event and returns STATUS_MORE_PROCESSING_REQUIRED,
 * IoFreeIrp), reads the vendor ID from configuration space with GetBusData, writes a byte
 * with SetBusData, asks for a DMA adapter, and releases the interface in
 * IRP_MN_REMOVE_DEVICE ("Obtaining Device Configuration Information at IRQL =
 * DISPATCH_LEVEL", BUS_INTERFACE_STANDARD).
 */
#include <ntddk.h>
#include <wdmguid.h>

#include "busstd_func.h"
#include "drvlog.h"

#define DriverEntry BusstdFuncDriverEntry

typedef struct _BUSSTD_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDeviceObject;
    BUS_INTERFACE_STANDARD Bus;
    BOOLEAN HaveBus;
} BUSSTD_EXTENSION, *PBUSSTD_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE BusstdAddDevice;
static DRIVER_DISPATCH BusstdDispatchPnp;
static DRIVER_DISPATCH BusstdDispatchOther;
static IO_COMPLETION_ROUTINE BusstdSignal;

static BOOLEAN BusstdForget;
static NTSTATUS BusstdQueryStatus;
static USHORT BusstdVendor;
static ULONG BusstdBytes;
static PVOID BusstdDma;
static BUS_INTERFACE_STANDARD BusstdStale;

void busstd_func_reset(BOOLEAN ForgetRelease)
{
    BusstdForget = ForgetRelease;
    BusstdQueryStatus = STATUS_PENDING;
    BusstdVendor = 0;
    BusstdBytes = 0;
    BusstdDma = (PVOID)(ULONG_PTR)1;
    RtlZeroMemory(&BusstdStale, sizeof(BusstdStale));
}

NTSTATUS busstd_func_query_status(void) { return BusstdQueryStatus; }
USHORT busstd_func_vendor_id(void) { return BusstdVendor; }
ULONG busstd_func_bytes_read(void) { return BusstdBytes; }
PVOID busstd_func_dma_adapter(void) { return BusstdDma; }

ULONG busstd_func_stale_read(ULONG Offset)
{
    UCHAR buffer[4];
    if (BusstdStale.GetBusData == NULL)
        return 0;
    return BusstdStale.GetBusData(BusstdStale.Context, PCI_WHICHSPACE_CONFIG, buffer, Offset,
                                  sizeof(buffer));
}

static NTSTATUS BusstdSignal(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS BusstdQueryInterface(PBUSSTD_EXTENSION Ext)
{
    PDEVICE_OBJECT top = IoGetAttachedDeviceReference(Ext->Self);
    PIO_STACK_LOCATION next;
    KEVENT event;
    NTSTATUS status;
    PIRP irp;

    PAGED_CODE();
    irp = IoAllocateIrp(top->StackSize, FALSE);
    if (irp == NULL) {
        ObDereferenceObject(top);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_PNP;
    next->MinorFunction = IRP_MN_QUERY_INTERFACE;
    next->Parameters.QueryInterface.InterfaceType = &GUID_BUS_INTERFACE_STANDARD;
    next->Parameters.QueryInterface.Size = sizeof(BUS_INTERFACE_STANDARD);
    next->Parameters.QueryInterface.Version = 1;
    next->Parameters.QueryInterface.Interface = (PINTERFACE)&Ext->Bus;
    next->Parameters.QueryInterface.InterfaceSpecificData = NULL;
    IoSetCompletionRoutine(irp, BusstdSignal, &event, TRUE, TRUE, TRUE);
    status = IoCallDriver(top, irp);
    if (status == STATUS_PENDING)
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
    status = irp->IoStatus.Status;
    IoFreeIrp(irp);
    ObDereferenceObject(top);
    return status;
}

static NTSTATUS BusstdDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PBUSSTD_EXTENSION ext = (PBUSSTD_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    KEVENT event;

    switch (irpStack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, BusstdSignal, &event, TRUE, TRUE, TRUE);
        status = IoCallDriver(ext->LowerDeviceObject, Irp);
        if (status == STATUS_PENDING)
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
        status = Irp->IoStatus.Status;
        if (NT_SUCCESS(status)) {
            BusstdQueryStatus = BusstdQueryInterface(ext);
            if (NT_SUCCESS(BusstdQueryStatus)) {
                UCHAR mark = BUSSTD_FUNC_MARK;
                ULONG registers = 0;
                ext->HaveBus = TRUE;
                BusstdStale = ext->Bus;
                BusstdBytes = ext->Bus.GetBusData(ext->Bus.Context, PCI_WHICHSPACE_CONFIG,
                                                  &BusstdVendor, 0, sizeof(BusstdVendor));
                ext->Bus.SetBusData(ext->Bus.Context, PCI_WHICHSPACE_CONFIG, &mark, 0x40, 1);
                BusstdDma = ext->Bus.GetDmaAdapter(ext->Bus.Context, NULL, &registers);
            }
        }
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;

    case IRP_MN_REMOVE_DEVICE:
        if (ext->HaveBus && !BusstdForget)
            ext->Bus.InterfaceDereference(ext->Bus.Context);
        ext->HaveBus = FALSE;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(ext->LowerDeviceObject, Irp);
        IoDetachDevice(ext->LowerDeviceObject);
        IoDeleteDevice(DeviceObject);
        return status;

    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDeviceObject, Irp);
}

static NTSTATUS BusstdDispatchOther(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(((PBUSSTD_EXTENSION)DeviceObject->DeviceExtension)->LowerDeviceObject,
                        Irp);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG i;
    UNREFERENCED_PARAMETER(RegistryPath);
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = BusstdDispatchOther;
    DriverObject->MajorFunction[IRP_MJ_PNP] = BusstdDispatchPnp;
    DriverObject->DriverExtension->AddDevice = BusstdAddDevice;
    return STATUS_SUCCESS;
}

static NTSTATUS BusstdAddDevice(_In_ PDRIVER_OBJECT DriverObject,
                                _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo;
    PBUSSTD_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(BUSSTD_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PBUSSTD_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Self = fdo;
    ext->LowerDeviceObject = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDeviceObject == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    DrvLogAddDevice(DriverObject, PhysicalDeviceObject);
    return STATUS_SUCCESS;
}
