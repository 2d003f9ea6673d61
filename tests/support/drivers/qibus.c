/* SPDX-License-Identifier: MIT */
/*
 * This file implements a WDM bus driver written as a driver author writes one, used by
 * pnpsim's query-interface tests. Its FDO sits on a root-enumerated device and reports child
 * PDOs; each child answers IRP_MN_QUERY_INTERFACE for GUID_QIBUS_INTERFACE by filling in a
 * QIBUS_INTERFACE (never more than the Size asked for, the highest version not above the
 * one asked for), referencing it before returning it, and completing the IRP with
 * STATUS_SUCCESS; queries for other GUIDs are completed with the status they came with, as
 * a PDO must ("IRP_MN_QUERY_INTERFACE", windows-semantics.md §9.2).
 */
#include <ntddk.h>

#include "drvlog.h"
#include "qibus.h"

#define DriverEntry QibusDriverEntry

#define QIBUS_TAG 'ubIQ'

const GUID GUID_QIBUS_INTERFACE = {0x6e1f2a40, 0x3b7c, 0x4d5e,
                                   {0x9a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71}};

typedef struct _QIBUS_COMMON {
    BOOLEAN IsFdo;
} QIBUS_COMMON;

typedef struct _QIBUS_CHILD {
    QIBUS_COMMON Common;
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT ParentFdo;
    WCHAR InstanceId[32];
    BOOLEAN Present;
    BOOLEAN InUse;
    volatile LONG InterfaceReferences;
    ULONG Registers[8];
    LONG Slot;
} QIBUS_CHILD, *PQIBUS_CHILD;

typedef struct _QIBUS_FDO {
    QIBUS_COMMON Common;
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT LowerDeviceObject;
    PDEVICE_OBJECT PhysicalDeviceObject;
    PDEVICE_OBJECT Children[QIBUS_MAX_CHILDREN];
} QIBUS_FDO, *PQIBUS_FDO;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE QibusAddDevice;
static DRIVER_UNLOAD QibusUnload;
static DRIVER_DISPATCH QibusDispatchPnp;
static DRIVER_DISPATCH QibusDispatchOther;

/* ---- observation --------------------------------------------------------------------- */
typedef struct _QIBUS_RECORD {
    WCHAR InstanceId[32];
    LONG References; /* copied from the child when it is deleted */
    PQIBUS_CHILD Live;
} QIBUS_RECORD;

static QIBUS_RECORD QibusRecords[QIBUS_MAX_CHILDREN * 2];
static LONG QibusRecordCount;
static PDEVICE_OBJECT QibusLastFdo;
static ULONG QibusAnswered, QibusUnhandled;
static BOOLEAN QibusWriteTooMuch;

void qibus_reset(void)
{
    RtlZeroMemory(QibusRecords, sizeof(QibusRecords));
    QibusRecordCount = 0;
    QibusLastFdo = NULL;
    QibusAnswered = QibusUnhandled = 0;
    QibusWriteTooMuch = FALSE;
}

PDEVICE_OBJECT qibus_last_fdo(void) { return QibusLastFdo; }
ULONG qibus_queries_answered(void) { return QibusAnswered; }
ULONG qibus_queries_unhandled(void) { return QibusUnhandled; }
void qibus_set_write_too_much(BOOLEAN On) { QibusWriteTooMuch = On; }

static BOOLEAN QibusSameId(const WCHAR *A, const WCHAR *B)
{
    UNICODE_STRING a, b;
    RtlInitUnicodeString(&a, A);
    RtlInitUnicodeString(&b, B);
    return RtlEqualUnicodeString(&a, &b, TRUE);
}

LONG qibus_child_references(const WCHAR *InstanceId)
{
    LONG i;
    for (i = QibusRecordCount; i-- > 0;) {
        if (QibusSameId(QibusRecords[i].InstanceId, InstanceId))
            return QibusRecords[i].Live != NULL ? QibusRecords[i].Live->InterfaceReferences
                                                : QibusRecords[i].References;
    }
    return -1;
}

/* ---- the exported interface ------------------------------------------------------------ */

static VOID QibusInterfaceReference(PVOID Context)
{
    InterlockedIncrement(&((PQIBUS_CHILD)Context)->InterfaceReferences);
}

static VOID QibusInterfaceDereference(PVOID Context)
{
    InterlockedDecrement(&((PQIBUS_CHILD)Context)->InterfaceReferences);
}

static ULONG QibusReadRegister(PVOID Context, ULONG Index)
{
    PQIBUS_CHILD child = (PQIBUS_CHILD)Context;
    return Index < RTL_NUMBER_OF(child->Registers) ? child->Registers[Index] : 0;
}

static VOID QibusWriteRegister(PVOID Context, ULONG Index, ULONG Value)
{
    PQIBUS_CHILD child = (PQIBUS_CHILD)Context;
    if (Index < RTL_NUMBER_OF(child->Registers))
        child->Registers[Index] = Value;
}

static NTSTATUS QibusChildQueryInterface(PQIBUS_CHILD Child, PIRP Irp)
{
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    PQIBUS_INTERFACE iface;

    if (!IsEqualGUID(irpStack->Parameters.QueryInterface.InterfaceType, &GUID_QIBUS_INTERFACE)) {
        QibusUnhandled++;
        return Irp->IoStatus.Status; /* not ours: leave the status as it came */
    }
    if (irpStack->Parameters.QueryInterface.Size < sizeof(QIBUS_INTERFACE) ||
        irpStack->Parameters.QueryInterface.Version < 1)
        return STATUS_INVALID_PARAMETER;

    iface = (PQIBUS_INTERFACE)irpStack->Parameters.QueryInterface.Interface;
    if (QibusWriteTooMuch) {
        /* The bug under test: a newer, bigger layout written over a smaller buffer. */
        RtlFillMemory((PUCHAR)iface + sizeof(QIBUS_INTERFACE), 8, 0x5A);
    }
    iface->Size = sizeof(QIBUS_INTERFACE);
    iface->Version = irpStack->Parameters.QueryInterface.Version < QIBUS_INTERFACE_VERSION
                         ? irpStack->Parameters.QueryInterface.Version
                         : QIBUS_INTERFACE_VERSION;
    iface->Context = Child;
    iface->InterfaceReference = QibusInterfaceReference;
    iface->InterfaceDereference = QibusInterfaceDereference;
    iface->ReadRegister = QibusReadRegister;
    iface->WriteRegister = QibusWriteRegister;
    /* The exporter references the interface before it returns it. */
    iface->InterfaceReference(iface->Context);
    QibusAnswered++;
    Irp->IoStatus.Information = 0;
    return STATUS_SUCCESS;
}

/* ---- children ---------------------------------------------------------------------------- */

static VOID QibusDeleteChild(PQIBUS_CHILD Child)
{
    if (Child->Slot >= 0) {
        QibusRecords[Child->Slot].References = Child->InterfaceReferences;
        QibusRecords[Child->Slot].Live = NULL;
    }
    IoDeleteDevice(Child->Self);
}

NTSTATUS qibus_plug_child(PDEVICE_OBJECT Fdo, const WCHAR *InstanceId, ULONG Register0)
{
    PQIBUS_FDO fdo = (PQIBUS_FDO)Fdo->DeviceExtension;
    PDEVICE_OBJECT pdo;
    PQIBUS_CHILD child;
    NTSTATUS status;
    ULONG i, n;

    for (i = 0; i < QIBUS_MAX_CHILDREN && fdo->Children[i] != NULL; i++)
        ;
    if (i == QIBUS_MAX_CHILDREN)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = IoCreateDevice(Fdo->DriverObject, sizeof(QIBUS_CHILD), NULL, FILE_DEVICE_UNKNOWN,
                            FILE_AUTOGENERATED_DEVICE_NAME, FALSE, &pdo);
    if (!NT_SUCCESS(status))
        return status;
    child = (PQIBUS_CHILD)pdo->DeviceExtension;
    RtlZeroMemory(child, sizeof(*child));
    child->Self = pdo;
    child->ParentFdo = Fdo;
    child->Present = TRUE;
    child->Registers[0] = Register0;
    for (n = 0; n + 1 < RTL_NUMBER_OF(child->InstanceId) && InstanceId[n] != 0; n++)
        child->InstanceId[n] = InstanceId[n];
    child->Slot = -1;
    if (QibusRecordCount < (LONG)RTL_NUMBER_OF(QibusRecords)) {
        child->Slot = QibusRecordCount++;
        RtlCopyMemory(QibusRecords[child->Slot].InstanceId, child->InstanceId,
                      sizeof(child->InstanceId));
        QibusRecords[child->Slot].Live = child;
    }
    pdo->Flags &= ~DO_DEVICE_INITIALIZING;
    fdo->Children[i] = pdo;
    IoInvalidateDeviceRelations(fdo->PhysicalDeviceObject, BusRelations);
    return STATUS_SUCCESS;
}

NTSTATUS qibus_unplug_child(PDEVICE_OBJECT Fdo, const WCHAR *InstanceId)
{
    PQIBUS_FDO fdo = (PQIBUS_FDO)Fdo->DeviceExtension;
    ULONG i;
    for (i = 0; i < QIBUS_MAX_CHILDREN; i++) {
        PQIBUS_CHILD child;
        if (fdo->Children[i] == NULL)
            continue;
        child = (PQIBUS_CHILD)fdo->Children[i]->DeviceExtension;
        if (child->Present && QibusSameId(child->InstanceId, InstanceId)) {
            child->Present = FALSE;
            IoInvalidateDeviceRelations(fdo->PhysicalDeviceObject, BusRelations);
            return STATUS_SUCCESS;
        }
    }
    return STATUS_NO_SUCH_DEVICE;
}

static PWCHAR QibusPoolString(const WCHAR *A, const WCHAR *B)
{
    SIZE_T a = 0, b = 0, total;
    PWCHAR w;
    while (A[a] != 0)
        a++;
    if (B != NULL)
        while (B[b] != 0)
            b++;
    total = (a + 1 + (B != NULL ? b + 1 : 0) + 1) * sizeof(WCHAR);
    w = (PWCHAR)ExAllocatePool2(POOL_FLAG_PAGED, total, QIBUS_TAG);
    if (w == NULL)
        return NULL;
    RtlZeroMemory(w, total);
    RtlCopyMemory(w, A, a * sizeof(WCHAR));
    if (B != NULL)
        RtlCopyMemory(w + a + 1, B, b * sizeof(WCHAR));
    return w;
}

static NTSTATUS QibusChildPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PQIBUS_CHILD child = (PQIBUS_CHILD)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = Irp->IoStatus.Status;
    BOOLEAN deleteNow = FALSE;
    PWCHAR text;

    switch (irpStack->MinorFunction) {
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        if (!child->Present) {
            PQIBUS_FDO fdo = (PQIBUS_FDO)child->ParentFdo->DeviceExtension;
            ULONG i;
            for (i = 0; i < QIBUS_MAX_CHILDREN; i++)
                if (fdo->Children[i] == DeviceObject)
                    fdo->Children[i] = NULL;
            deleteNow = TRUE;
        }
        status = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_ID:
        text = NULL;
        switch (irpStack->Parameters.QueryId.IdType) {
        case BusQueryDeviceID:
            text = QibusPoolString(QIBUS_DEVICE_ID, NULL);
            break;
        case BusQueryHardwareIDs:
            text = QibusPoolString(QIBUS_DEVICE_ID, L"QIBUS\\Any");
            break;
        case BusQueryInstanceID:
            text = QibusPoolString(child->InstanceId, NULL);
            break;
        default:
            break;
        }
        if (text != NULL) {
            Irp->IoStatus.Information = (ULONG_PTR)text;
            status = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_QUERY_CAPABILITIES:
        irpStack->Parameters.DeviceCapabilities.Capabilities->SurpriseRemovalOK = 1;
        status = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_INTERFACE:
        status = QibusChildQueryInterface(child, Irp);
        break;
    default:
        break;
    }
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    if (deleteNow)
        QibusDeleteChild(child);
    return status;
}

/* ---- the FDO ------------------------------------------------------------------------------ */

static NTSTATUS QibusFdoPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PQIBUS_FDO fdo = (PQIBUS_FDO)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    ULONG i, n = 0;

    switch (irpStack->MinorFunction) {
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (irpStack->Parameters.QueryDeviceRelations.Type == BusRelations) {
            PDEVICE_RELATIONS rel = (PDEVICE_RELATIONS)ExAllocatePool2(
                POOL_FLAG_PAGED, sizeof(DEVICE_RELATIONS) + QIBUS_MAX_CHILDREN * sizeof(PVOID),
                QIBUS_TAG);
            if (rel == NULL) {
                Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
                IoCompleteRequest(Irp, IO_NO_INCREMENT);
                return STATUS_INSUFFICIENT_RESOURCES;
            }
            for (i = 0; i < QIBUS_MAX_CHILDREN; i++) {
                PDEVICE_OBJECT c = fdo->Children[i];
                if (c != NULL && ((PQIBUS_CHILD)c->DeviceExtension)->Present) {
                    ObReferenceObject(c);
                    rel->Objects[n++] = c;
                }
            }
            rel->Count = n;
            if (Irp->IoStatus.Information != 0)
                ExFreePool((PVOID)Irp->IoStatus.Information);
            Irp->IoStatus.Information = (ULONG_PTR)rel;
            Irp->IoStatus.Status = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        for (i = 0; i < QIBUS_MAX_CHILDREN; i++) {
            if (fdo->Children[i] != NULL) {
                QibusDeleteChild((PQIBUS_CHILD)fdo->Children[i]->DeviceExtension);
                fdo->Children[i] = NULL;
            }
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(fdo->LowerDeviceObject, Irp);
        IoDetachDevice(fdo->LowerDeviceObject);
        IoDeleteDevice(DeviceObject);
        return status;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(fdo->LowerDeviceObject, Irp);
}

static NTSTATUS QibusDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    if (((QIBUS_COMMON *)DeviceObject->DeviceExtension)->IsFdo)
        return QibusFdoPnp(DeviceObject, Irp);
    return QibusChildPnp(DeviceObject, Irp);
}

static NTSTATUS QibusDispatchOther(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    NTSTATUS status;
    if (((QIBUS_COMMON *)DeviceObject->DeviceExtension)->IsFdo) {
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(((PQIBUS_FDO)DeviceObject->DeviceExtension)->LowerDeviceObject, Irp);
    }
    status = Irp->IoStatus.Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG i;
    UNREFERENCED_PARAMETER(RegistryPath);
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = QibusDispatchOther;
    DriverObject->MajorFunction[IRP_MJ_PNP] = QibusDispatchPnp;
    DriverObject->DriverExtension->AddDevice = QibusAddDevice;
    DriverObject->DriverUnload = QibusUnload;
    return STATUS_SUCCESS;
}

static NTSTATUS QibusAddDevice(_In_ PDRIVER_OBJECT DriverObject,
                               _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdoObject;
    PQIBUS_FDO fdo;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(QIBUS_FDO), NULL, FILE_DEVICE_BUS_EXTENDER, 0,
                            FALSE, &fdoObject);
    if (!NT_SUCCESS(status))
        return status;
    fdo = (PQIBUS_FDO)fdoObject->DeviceExtension;
    RtlZeroMemory(fdo, sizeof(*fdo));
    fdo->Common.IsFdo = TRUE;
    fdo->Self = fdoObject;
    fdo->PhysicalDeviceObject = PhysicalDeviceObject;
    fdo->LowerDeviceObject = IoAttachDeviceToDeviceStack(fdoObject, PhysicalDeviceObject);
    if (fdo->LowerDeviceObject == NULL) {
        IoDeleteDevice(fdoObject);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdoObject->Flags &= ~DO_DEVICE_INITIALIZING;
    QibusLastFdo = fdoObject;
    DrvLogAddDevice(DriverObject, PhysicalDeviceObject);
    return STATUS_SUCCESS;
}

static VOID QibusUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
