/* SPDX-License-Identifier: MIT */
/*
 * This file implements a WDM function driver written as a driver author writes one, used by
 * pnpsim's query-interface tests. In IRP_MN_START_DEVICE it lets the lower drivers start,
 * then queries GUID_QIBUS_INTERFACE the WDM way ("Using IRP_MN_QUERY_INTERFACE": an
 * IoBuildSynchronousFsdRequest IRP_MJ_PNP IRP with the status pre-set to
 * STATUS_NOT_SUPPORTED, sent to the top of its own stack, waited on), keeps the interface
 * and releases it in IRP_MN_REMOVE_DEVICE before passing REMOVE down. QIFUNC_BUG selects a
 * buggy variant.
 */
#include <ntddk.h>

#include "drvlog.h"
#include "qibus.h"
#include "qifunc.h"

#define DriverEntry QifuncDriverEntry

typedef struct _QIFUNC_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDeviceObject;
    PDEVICE_OBJECT PhysicalDeviceObject;
    QIBUS_INTERFACE Bus;
    BOOLEAN HaveBus;
} QIFUNC_EXTENSION, *PQIFUNC_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE QifuncAddDevice;
static DRIVER_DISPATCH QifuncDispatchPnp;
static DRIVER_DISPATCH QifuncDispatchOther;
static IO_COMPLETION_ROUTINE QifuncStartCompletion;

static QIFUNC_BUG QifuncBug;
static NTSTATUS QifuncQueryStatus;
static USHORT QifuncVersion;
static ULONG QifuncRegister0;
static PDEVICE_OBJECT QifuncLastFdo;
static ULONG QifuncRemoves;

void qifunc_reset(QIFUNC_BUG Bug)
{
    QifuncBug = Bug;
    QifuncQueryStatus = STATUS_PENDING;
    QifuncVersion = 0;
    QifuncRegister0 = 0;
    QifuncLastFdo = NULL;
    QifuncRemoves = 0;
}

NTSTATUS qifunc_query_status(void) { return QifuncQueryStatus; }
USHORT qifunc_version_seen(void) { return QifuncVersion; }
ULONG qifunc_register0(void) { return QifuncRegister0; }
PDEVICE_OBJECT qifunc_last_fdo(void) { return QifuncLastFdo; }
ULONG qifunc_removes(void) { return QifuncRemoves; }

ULONG qifunc_read_register(PDEVICE_OBJECT Fdo, ULONG Index)
{
    PQIFUNC_EXTENSION ext = (PQIFUNC_EXTENSION)Fdo->DeviceExtension;
    return ext->HaveBus ? ext->Bus.ReadRegister(ext->Bus.Context, Index) : 0;
}

/* Query GUID_QIBUS_INTERFACE from the top of our own stack (PASSIVE_LEVEL). */
static NTSTATUS QifuncQueryBusInterface(PQIFUNC_EXTENSION Ext)
{
    PDEVICE_OBJECT top;
    PIO_STACK_LOCATION next;
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    NTSTATUS status;
    PIRP irp;

    PAGED_CODE();
    RtlZeroMemory(&Ext->Bus, sizeof(Ext->Bus));
    top = IoGetAttachedDeviceReference(Ext->Self);
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    irp = IoBuildSynchronousFsdRequest(IRP_MJ_PNP, top, NULL, 0, NULL, &event, &iosb);
    if (irp == NULL) {
        ObDereferenceObject(top);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    /* Every PnP IRP starts out "not supported". */
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_PNP;
    next->MinorFunction = IRP_MN_QUERY_INTERFACE;
    next->Parameters.QueryInterface.InterfaceType = &GUID_QIBUS_INTERFACE;
    next->Parameters.QueryInterface.Size = sizeof(QIBUS_INTERFACE);
    next->Parameters.QueryInterface.Version = QIBUS_INTERFACE_VERSION;
    next->Parameters.QueryInterface.Interface = (PINTERFACE)&Ext->Bus;
    next->Parameters.QueryInterface.InterfaceSpecificData = NULL;
    status = IoCallDriver(top, irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
        status = iosb.Status;
    }
    ObDereferenceObject(top);
    return status;
}

static VOID QifuncRelease(PQIFUNC_EXTENSION Ext)
{
    if (!Ext->HaveBus)
        return;
    Ext->Bus.InterfaceDereference(Ext->Bus.Context);
    if (QifuncBug == QIFUNC_DOUBLE_RELEASE)
        Ext->Bus.InterfaceDereference(Ext->Bus.Context);
    Ext->HaveBus = FALSE;
}

static NTSTATUS QifuncStartCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->PendingReturned)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS QifuncDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PQIFUNC_EXTENSION ext = (PQIFUNC_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    KEVENT event;

    switch (irpStack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, QifuncStartCompletion, &event, TRUE, TRUE, TRUE);
        status = IoCallDriver(ext->LowerDeviceObject, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        if (NT_SUCCESS(status)) {
            /* The bus is started: import its interface. */
            QifuncQueryStatus = QifuncQueryBusInterface(ext);
            if (NT_SUCCESS(QifuncQueryStatus)) {
                ext->HaveBus = TRUE;
                QifuncVersion = ext->Bus.Version;
                QifuncRegister0 = ext->Bus.ReadRegister(ext->Bus.Context, 0);
            }
        }
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;

    case IRP_MN_QUERY_INTERFACE:
        if (QifuncBug == QIFUNC_COMPLETE_QUERY && ext->HaveBus &&
            IsEqualGUID(irpStack->Parameters.QueryInterface.InterfaceType,
                        &GUID_QIBUS_INTERFACE) &&
            irpStack->Parameters.QueryInterface.Size >= sizeof(QIBUS_INTERFACE)) {
            /* Hand out the bus's interface ourselves (referenced for the receiver) and
             * complete the IRP: the variant pnpsim flags as a warning (§14). */
            PQIBUS_INTERFACE out = (PQIBUS_INTERFACE)irpStack->Parameters.QueryInterface.Interface;
            *out = ext->Bus;
            out->InterfaceReference(out->Context);
            Irp->IoStatus.Status = STATUS_SUCCESS;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_SUCCESS;
        }
        break; /* not ours to answer: pass it down untouched */

    case IRP_MN_SURPRISE_REMOVAL:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_REMOVE_DEVICE:
        QifuncRemoves++;
        if (QifuncBug != QIFUNC_FORGET_RELEASE && QifuncBug != QIFUNC_USE_AFTER_REMOVE)
            QifuncRelease(ext); /* before the bus deletes the PDO */
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(ext->LowerDeviceObject, Irp);
        if (QifuncBug == QIFUNC_USE_AFTER_REMOVE)
            QifuncRelease(ext); /* too late: the exporter has handled REMOVE */
        IoDetachDevice(ext->LowerDeviceObject);
        IoDeleteDevice(DeviceObject);
        return status;

    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDeviceObject, Irp);
}

static NTSTATUS QifuncDispatchOther(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PQIFUNC_EXTENSION ext = (PQIFUNC_EXTENSION)DeviceObject->DeviceExtension;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDeviceObject, Irp);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG i;
    UNREFERENCED_PARAMETER(RegistryPath);
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = QifuncDispatchOther;
    DriverObject->MajorFunction[IRP_MJ_PNP] = QifuncDispatchPnp;
    DriverObject->DriverExtension->AddDevice = QifuncAddDevice;
    return STATUS_SUCCESS;
}

static NTSTATUS QifuncAddDevice(_In_ PDRIVER_OBJECT DriverObject,
                                _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo;
    PQIFUNC_EXTENSION ext;
    NTSTATUS status;

    PAGED_CODE();
    status = IoCreateDevice(DriverObject, sizeof(QIFUNC_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PQIFUNC_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Self = fdo;
    ext->PhysicalDeviceObject = PhysicalDeviceObject;
    ext->LowerDeviceObject = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDeviceObject == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    QifuncLastFdo = fdo;
    DrvLogAddDevice(DriverObject, PhysicalDeviceObject);
    return STATUS_SUCCESS;
}
