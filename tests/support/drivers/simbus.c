/* SPDX-License-Identifier: MIT */
/*
 * This file implements a WDM bus driver written as a driver author writes one, used by
 * pnpsim's tests. Its FDO sits on a root-enumerated device and keeps a list of child PDOs;
 * it reports them in IRP_MN_QUERY_DEVICE_RELATIONS(BusRelations), and each child PDO
 * answers the PnP manager's identification IRPs (QUERY_ID, QUERY_CAPABILITIES,
 * QUERY_DEVICE_TEXT) and state changes, following "Enumerating the Devices on a Bus" and
 * "Removing a Device in a Bus Driver". Tests plug and unplug children with the hooks in
 * simbus.h and read what the driver saw there.
 */
#include <ntddk.h>

#include "drvlog.h"
#include "simbus.h"

/* Several test drivers link into one test program: each gets a distinct name for its
 * DriverEntry. Everything below is written exactly as it would ship. */
#define DriverEntry SimbusDriverEntry

#define SIMBUS_TAG 'suBS'

/* Both extensions start with this, so a dispatch routine can tell FDO from PDO. */
typedef struct _COMMON_DEVICE_EXTENSION {
    BOOLEAN IsFdo;
    PDEVICE_OBJECT Self;
} COMMON_DEVICE_EXTENSION, *PCOMMON_DEVICE_EXTENSION;

typedef struct _FDO_DEVICE_EXTENSION {
    COMMON_DEVICE_EXTENSION Common;
    PDEVICE_OBJECT LowerDeviceObject;
    PDEVICE_OBJECT PhysicalDeviceObject;
    IO_REMOVE_LOCK RemoveLock;
    KSPIN_LOCK ChildLock;      /* guards ChildList and each child's Present flag */
    LIST_ENTRY ChildList;
    ULONG ChildCount;
    BOOLEAN Started;
} FDO_DEVICE_EXTENSION, *PFDO_DEVICE_EXTENSION;

typedef struct _PDO_DEVICE_EXTENSION {
    COMMON_DEVICE_EXTENSION Common;
    PDEVICE_OBJECT ParentFdo;
    LIST_ENTRY Link;           /* in the parent's ChildList */
    PWCHAR DeviceId;           /* NonPagedPool, NUL-terminated */
    PWCHAR InstanceId;
    BOOLEAN UniqueId;
    BOOLEAN Present;           /* still plugged in: reported in BusRelations */
    BOOLEAN ReportedMissing;   /* a BusRelations answer left it out */
    BOOLEAN Started;
    LONG RecordIndex;          /* into SimbusChildRecords */
} PDO_DEVICE_EXTENSION, *PPDO_DEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE SimbusAddDevice;
static DRIVER_UNLOAD SimbusUnload;
static DRIVER_DISPATCH SimbusDispatchPnp;
static DRIVER_DISPATCH SimbusDispatchCreateClose;
static DRIVER_DISPATCH SimbusDispatchOther;
static IO_COMPLETION_ROUTINE SimbusSyncCompletion;

static const WCHAR SimbusExtraHardwareId[] = L"SimBus\\Child";
static const WCHAR SimbusCompatibleId[] = L"SimBus\\Compatible";
static const WCHAR SimbusContainerId[] = L"{8a6b2d10-5c1e-4c7a-9f0e-3d2b1a0c9e87}";
static const WCHAR SimbusDescription[] = L"Simulated bus child device";
static const WCHAR SimbusLocation[] = L"SimBus slot";

/* ---- observation (read by tests through simbus.h) ------------------------------------- */
static SIMBUS_CHILD_RECORD SimbusChildRecords[SIMBUS_MAX_CHILDREN];
static volatile LONG SimbusChildRecordCount;
static UCHAR SimbusFdoMinors[SIMBUS_MAX_SEQUENCE];
static volatile LONG SimbusFdoMinorCount;
static PDEVICE_OBJECT SimbusLastFdo;
static ULONG SimbusLastRelationsCount;
static volatile LONG SimbusAddDevices, SimbusUnloads;

void simbus_reset(void)
{
    RtlZeroMemory(SimbusChildRecords, sizeof(SimbusChildRecords));
    RtlZeroMemory(SimbusFdoMinors, sizeof(SimbusFdoMinors));
    SimbusChildRecordCount = 0;
    SimbusFdoMinorCount = 0;
    SimbusLastFdo = NULL;
    SimbusLastRelationsCount = 0;
    SimbusAddDevices = 0;
    SimbusUnloads = 0;
}

PDEVICE_OBJECT simbus_last_fdo(void) { return SimbusLastFdo; }
ULONG simbus_last_relations_count(void) { return SimbusLastRelationsCount; }
ULONG simbus_add_device_count(void) { return (ULONG)SimbusAddDevices; }
ULONG simbus_unload_count(void) { return (ULONG)SimbusUnloads; }

ULONG simbus_fdo_minor_count(void)
{
    LONG n = SimbusFdoMinorCount;
    return (ULONG)(n > SIMBUS_MAX_SEQUENCE ? SIMBUS_MAX_SEQUENCE : n);
}

UCHAR simbus_fdo_minor_at(ULONG index)
{
    return index < simbus_fdo_minor_count() ? SimbusFdoMinors[index] : 0xFF;
}

ULONG simbus_fdo_minor_seen(UCHAR minor)
{
    ULONG i, n = 0;
    for (i = 0; i < simbus_fdo_minor_count(); i++)
        if (SimbusFdoMinors[i] == minor)
            n++;
    return n;
}

static BOOLEAN SimbusSameId(const WCHAR *A, const WCHAR *B)
{
    UNICODE_STRING a, b;
    RtlInitUnicodeString(&a, A);
    RtlInitUnicodeString(&b, B);
    return RtlEqualUnicodeString(&a, &b, TRUE);
}

const SIMBUS_CHILD_RECORD *simbus_child_record(const WCHAR *DeviceId, const WCHAR *InstanceId)
{
    LONG i = SimbusChildRecordCount;

    if (i > SIMBUS_MAX_CHILDREN)
        i = SIMBUS_MAX_CHILDREN;
    while (i-- > 0) {
        const SIMBUS_CHILD_RECORD *r = &SimbusChildRecords[i];
        if (r->InUse && SimbusSameId(r->DeviceId, DeviceId) &&
            SimbusSameId(r->InstanceId, InstanceId))
            return r;
    }
    return NULL;
}

static SIMBUS_CHILD_RECORD *SimbusRecordOf(PPDO_DEVICE_EXTENSION PdoExtension)
{
    if (PdoExtension->RecordIndex < 0)
        return NULL;
    return &SimbusChildRecords[PdoExtension->RecordIndex];
}

static VOID SimbusCopyId(PWCHAR Destination, SIZE_T Capacity, const WCHAR *Source)
{
    SIZE_T i;
    for (i = 0; i + 1 < Capacity && Source[i] != UNICODE_NULL; i++)
        Destination[i] = Source[i];
    Destination[i] = UNICODE_NULL;
}

/* ---- helpers -------------------------------------------------------------------------- */

static SIZE_T SimbusStringBytes(const WCHAR *String)
{
    SIZE_T n = 0;
    while (String[n] != UNICODE_NULL)
        n++;
    return (n + 1) * sizeof(WCHAR);
}

/* A pool copy of a NUL-terminated string (the PnP manager frees QUERY_ID answers). */
static PWCHAR SimbusDuplicateString(POOL_FLAGS Flags, const WCHAR *String)
{
    SIZE_T bytes = SimbusStringBytes(String);
    PWCHAR copy = (PWCHAR)ExAllocatePool2(Flags, bytes, SIMBUS_TAG);
    if (copy != NULL)
        RtlCopyMemory(copy, String, bytes);
    return copy;
}

/* A pool REG_MULTI_SZ: each string NUL-terminated, one more NUL at the end. */
static PWCHAR SimbusMultiSz(const WCHAR *First, const WCHAR *Second)
{
    SIZE_T first = SimbusStringBytes(First);
    SIZE_T second = Second != NULL ? SimbusStringBytes(Second) : 0;
    PWCHAR buffer = (PWCHAR)ExAllocatePool2(POOL_FLAG_PAGED, first + second + sizeof(WCHAR),
                                            SIMBUS_TAG);
    if (buffer == NULL)
        return NULL;
    RtlCopyMemory(buffer, First, first);
    if (Second != NULL)
        RtlCopyMemory((PUCHAR)buffer + first, Second, second);
    buffer[(first + second) / sizeof(WCHAR)] = UNICODE_NULL;
    return buffer;
}

static VOID SimbusDeleteChild(PDEVICE_OBJECT Pdo)
{
    PPDO_DEVICE_EXTENSION pdoExtension = (PPDO_DEVICE_EXTENSION)Pdo->DeviceExtension;
    SIMBUS_CHILD_RECORD *record = SimbusRecordOf(pdoExtension);

    KdPrint(("simbus: deleting a child PDO\n"));
    if (record != NULL)
        record->Deleted = TRUE;
    ExFreePoolWithTag(pdoExtension->DeviceId, SIMBUS_TAG);
    ExFreePoolWithTag(pdoExtension->InstanceId, SIMBUS_TAG);
    pdoExtension->DeviceId = NULL;
    pdoExtension->InstanceId = NULL;
    IoDeleteDevice(Pdo);
}

/* ---- test hooks: the hardware appears and disappears ---------------------------------- */

NTSTATUS simbus_plug_child(PDEVICE_OBJECT Fdo, const WCHAR *DeviceId, const WCHAR *InstanceId,
                           BOOLEAN UniqueId)
{
    PFDO_DEVICE_EXTENSION fdoExtension;
    PPDO_DEVICE_EXTENSION pdoExtension;
    PDEVICE_OBJECT pdo = NULL;
    SIMBUS_CHILD_RECORD *record;
    NTSTATUS status;
    KIRQL irql;
    LONG slot;

    if (Fdo == NULL || DeviceId == NULL || InstanceId == NULL)
        return STATUS_INVALID_PARAMETER;
    fdoExtension = (PFDO_DEVICE_EXTENSION)Fdo->DeviceExtension;
    ASSERT(fdoExtension->Common.IsFdo);

    status = IoCreateDevice(Fdo->DriverObject, sizeof(PDO_DEVICE_EXTENSION), NULL,
                            FILE_DEVICE_UNKNOWN,
                            FILE_AUTOGENERATED_DEVICE_NAME | FILE_DEVICE_SECURE_OPEN, FALSE,
                            &pdo);
    if (!NT_SUCCESS(status))
        return status;

    pdoExtension = (PPDO_DEVICE_EXTENSION)pdo->DeviceExtension;
    RtlZeroMemory(pdoExtension, sizeof(PDO_DEVICE_EXTENSION));
    pdoExtension->Common.IsFdo = FALSE;
    pdoExtension->Common.Self = pdo;
    pdoExtension->ParentFdo = Fdo;
    pdoExtension->UniqueId = UniqueId;
    pdoExtension->RecordIndex = -1;
    pdoExtension->DeviceId = SimbusDuplicateString(POOL_FLAG_NON_PAGED, DeviceId);
    pdoExtension->InstanceId = SimbusDuplicateString(POOL_FLAG_NON_PAGED, InstanceId);
    if (pdoExtension->DeviceId == NULL || pdoExtension->InstanceId == NULL) {
        if (pdoExtension->DeviceId != NULL)
            ExFreePoolWithTag(pdoExtension->DeviceId, SIMBUS_TAG);
        if (pdoExtension->InstanceId != NULL)
            ExFreePoolWithTag(pdoExtension->InstanceId, SIMBUS_TAG);
        IoDeleteDevice(pdo);
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    slot = InterlockedIncrement(&SimbusChildRecordCount) - 1;
    if (slot < SIMBUS_MAX_CHILDREN) {
        record = &SimbusChildRecords[slot];
        record->InUse = TRUE;
        record->Pdo = pdo;
        SimbusCopyId(record->DeviceId, RTL_NUMBER_OF(record->DeviceId), DeviceId);
        SimbusCopyId(record->InstanceId, RTL_NUMBER_OF(record->InstanceId), InstanceId);
        pdoExtension->RecordIndex = slot;
    }

    pdo->Flags |= DO_POWER_PAGABLE;
    pdo->Flags &= ~DO_DEVICE_INITIALIZING;

    KeAcquireSpinLock(&fdoExtension->ChildLock, &irql);
    pdoExtension->Present = TRUE;
    InsertTailList(&fdoExtension->ChildList, &pdoExtension->Link);
    fdoExtension->ChildCount++;
    KeReleaseSpinLock(&fdoExtension->ChildLock, irql);

    IoInvalidateDeviceRelations(fdoExtension->PhysicalDeviceObject, BusRelations);
    return STATUS_SUCCESS;
}

NTSTATUS simbus_unplug_child(PDEVICE_OBJECT Fdo, const WCHAR *InstanceId)
{
    PFDO_DEVICE_EXTENSION fdoExtension;
    PLIST_ENTRY entry;
    BOOLEAN found = FALSE;
    KIRQL irql;

    if (Fdo == NULL || InstanceId == NULL)
        return STATUS_INVALID_PARAMETER;
    fdoExtension = (PFDO_DEVICE_EXTENSION)Fdo->DeviceExtension;

    KeAcquireSpinLock(&fdoExtension->ChildLock, &irql);
    for (entry = fdoExtension->ChildList.Flink; entry != &fdoExtension->ChildList;
         entry = entry->Flink) {
        PPDO_DEVICE_EXTENSION child = CONTAINING_RECORD(entry, PDO_DEVICE_EXTENSION, Link);
        if (child->Present && SimbusSameId(child->InstanceId, InstanceId)) {
            child->Present = FALSE;
            found = TRUE;
            break;
        }
    }
    KeReleaseSpinLock(&fdoExtension->ChildLock, irql);

    if (!found)
        return STATUS_NO_SUCH_DEVICE;
    IoInvalidateDeviceRelations(fdoExtension->PhysicalDeviceObject, BusRelations);
    return STATUS_SUCCESS;
}

/* ---- DriverEntry, AddDevice, Unload --------------------------------------------------- */

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG i;

    UNREFERENCED_PARAMETER(RegistryPath);
    KdPrint(("simbus: DriverEntry\n"));

    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = SimbusDispatchOther;
    DriverObject->MajorFunction[IRP_MJ_PNP] = SimbusDispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = SimbusDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = SimbusDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = SimbusDispatchCreateClose;
    DriverObject->DriverExtension->AddDevice = SimbusAddDevice;
    DriverObject->DriverUnload = SimbusUnload;
    return STATUS_SUCCESS;
}

static NTSTATUS SimbusAddDevice(_In_ PDRIVER_OBJECT DriverObject,
                                _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PFDO_DEVICE_EXTENSION fdoExtension;
    PDEVICE_OBJECT fdo = NULL;
    NTSTATUS status;

    PAGED_CODE();

    status = IoCreateDevice(DriverObject, sizeof(FDO_DEVICE_EXTENSION), NULL,
                            FILE_DEVICE_BUS_EXTENDER, FILE_DEVICE_SECURE_OPEN, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;

    fdoExtension = (PFDO_DEVICE_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(fdoExtension, sizeof(FDO_DEVICE_EXTENSION));
    fdoExtension->Common.IsFdo = TRUE;
    fdoExtension->Common.Self = fdo;
    fdoExtension->PhysicalDeviceObject = PhysicalDeviceObject;
    KeInitializeSpinLock(&fdoExtension->ChildLock);
    InitializeListHead(&fdoExtension->ChildList);
    IoInitializeRemoveLock(&fdoExtension->RemoveLock, SIMBUS_TAG, 0, 0);

    fdoExtension->LowerDeviceObject = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (fdoExtension->LowerDeviceObject == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }

    fdo->Flags |= DO_POWER_PAGABLE;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;

    SimbusLastFdo = fdo;
    InterlockedIncrement(&SimbusAddDevices);
    DrvLogAddDevice(DriverObject, PhysicalDeviceObject);
    return STATUS_SUCCESS;
}

static VOID SimbusUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PAGED_CODE();
    ASSERT(DriverObject->DeviceObject == NULL);
    InterlockedIncrement(&SimbusUnloads);
    KdPrint(("simbus: unloaded\n"));
}

/* ---- the FDO --------------------------------------------------------------------------- */

static NTSTATUS SimbusSyncCompletion(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp,
                                     _In_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->PendingReturned)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS SimbusFdoBusRelations(PFDO_DEVICE_EXTENSION FdoExtension, PIRP Irp)
{
    PDEVICE_RELATIONS previous = (PDEVICE_RELATIONS)Irp->IoStatus.Information;
    PDEVICE_RELATIONS relations;
    ULONG previousCount = previous != NULL ? previous->Count : 0;
    ULONG present, reported, i;
    PLIST_ENTRY entry;
    SIZE_T size;
    KIRQL irql;

    PAGED_CODE();

    for (;;) {
        /* Count, allocate outside the spin lock (paged pool), then fill; retry if a
         * child was plugged in between. */
        present = 0;
        KeAcquireSpinLock(&FdoExtension->ChildLock, &irql);
        for (entry = FdoExtension->ChildList.Flink; entry != &FdoExtension->ChildList;
             entry = entry->Flink)
            if (CONTAINING_RECORD(entry, PDO_DEVICE_EXTENSION, Link)->Present)
                present++;
        KeReleaseSpinLock(&FdoExtension->ChildLock, irql);

        size = sizeof(DEVICE_RELATIONS) +
               sizeof(PDEVICE_OBJECT) * (previousCount + present);
        relations = (PDEVICE_RELATIONS)ExAllocatePool2(POOL_FLAG_PAGED, size, SIMBUS_TAG);
        if (relations == NULL) {
            /* Leave what the drivers above reported alone and fail the IRP. */
            return STATUS_INSUFFICIENT_RESOURCES;
        }

        /* Keep the relations other drivers already reported. */
        for (i = 0; i < previousCount; i++)
            relations->Objects[i] = previous->Objects[i];
        reported = previousCount;

        KeAcquireSpinLock(&FdoExtension->ChildLock, &irql);
        for (entry = FdoExtension->ChildList.Flink; entry != &FdoExtension->ChildList;
             entry = entry->Flink) {
            PPDO_DEVICE_EXTENSION child = CONTAINING_RECORD(entry, PDO_DEVICE_EXTENSION, Link);
            if (!child->Present) {
                child->ReportedMissing = TRUE;
                continue;
            }
            if (reported == previousCount + present)
                break; /* more than counted: retry */
            ObReferenceObject(child->Common.Self);
            relations->Objects[reported++] = child->Common.Self;
        }
        if (entry == &FdoExtension->ChildList) {
            KeReleaseSpinLock(&FdoExtension->ChildLock, irql);
            break;
        }
        KeReleaseSpinLock(&FdoExtension->ChildLock, irql);
        for (i = previousCount; i < reported; i++)
            ObDereferenceObject(relations->Objects[i]);
        ExFreePoolWithTag(relations, SIMBUS_TAG);
    }

    relations->Count = reported;
    SimbusLastRelationsCount = reported - previousCount;
    if (previous != NULL)
        ExFreePool(previous);
    Irp->IoStatus.Information = (ULONG_PTR)relations;
    return STATUS_SUCCESS;
}

static NTSTATUS SimbusFdoPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PFDO_DEVICE_EXTENSION fdoExtension = (PFDO_DEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    KEVENT event;
    LONG slot;

    PAGED_CODE();

    slot = InterlockedIncrement(&SimbusFdoMinorCount) - 1;
    if (slot < SIMBUS_MAX_SEQUENCE)
        SimbusFdoMinors[slot] = irpStack->MinorFunction;

    status = IoAcquireRemoveLock(&fdoExtension->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) {
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    }

    switch (irpStack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        /* The lower drivers start first; finish the IRP once they are done. */
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, SimbusSyncCompletion, &event, TRUE, TRUE, TRUE);
        status = IoCallDriver(fdoExtension->LowerDeviceObject, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        if (NT_SUCCESS(status))
            fdoExtension->Started = TRUE;
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        IoReleaseRemoveLock(&fdoExtension->RemoveLock, Irp);
        return status;

    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (irpStack->Parameters.QueryDeviceRelations.Type == BusRelations) {
            status = SimbusFdoBusRelations(fdoExtension, Irp);
            if (!NT_SUCCESS(status)) {
                Irp->IoStatus.Status = status;
                IoCompleteRequest(Irp, IO_NO_INCREMENT);
                IoReleaseRemoveLock(&fdoExtension->RemoveLock, Irp);
                return status;
            }
            Irp->IoStatus.Status = STATUS_SUCCESS;
        }
        break;

    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        fdoExtension->Started = FALSE;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_REMOVE_DEVICE: {
        LIST_ENTRY doomed;
        KIRQL irql;

        fdoExtension->Started = FALSE;
        IoReleaseRemoveLockAndWait(&fdoExtension->RemoveLock, Irp);

        /* The PnP manager removed the children first; the PDOs still on the list are
         * deleted with their parent. */
        InitializeListHead(&doomed);
        KeAcquireSpinLock(&fdoExtension->ChildLock, &irql);
        while (!IsListEmpty(&fdoExtension->ChildList))
            InsertTailList(&doomed, RemoveHeadList(&fdoExtension->ChildList));
        fdoExtension->ChildCount = 0;
        KeReleaseSpinLock(&fdoExtension->ChildLock, irql);
        while (!IsListEmpty(&doomed)) {
            PPDO_DEVICE_EXTENSION child =
                CONTAINING_RECORD(RemoveHeadList(&doomed), PDO_DEVICE_EXTENSION, Link);
            child->Present = FALSE;
            SimbusDeleteChild(child->Common.Self);
        }

        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(fdoExtension->LowerDeviceObject, Irp);
        IoDetachDevice(fdoExtension->LowerDeviceObject);
        IoDeleteDevice(DeviceObject);
        return status;
    }

    default:
        break;
    }

    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(fdoExtension->LowerDeviceObject, Irp);
    IoReleaseRemoveLock(&fdoExtension->RemoveLock, Irp);
    return status;
}

/* ---- the child PDOs --------------------------------------------------------------------- */

static NTSTATUS SimbusPdoQueryId(PPDO_DEVICE_EXTENSION PdoExtension, PIRP Irp)
{
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    PWCHAR buffer;

    PAGED_CODE();

    switch (irpStack->Parameters.QueryId.IdType) {
    case BusQueryDeviceID:
        buffer = SimbusDuplicateString(POOL_FLAG_PAGED, PdoExtension->DeviceId);
        break;
    case BusQueryInstanceID:
        buffer = SimbusDuplicateString(POOL_FLAG_PAGED, PdoExtension->InstanceId);
        break;
    case BusQueryHardwareIDs:
        /* The most specific ID (the device ID) first. */
        buffer = SimbusMultiSz(PdoExtension->DeviceId, SimbusExtraHardwareId);
        break;
    case BusQueryCompatibleIDs:
        buffer = SimbusMultiSz(SimbusCompatibleId, NULL);
        break;
    case BusQueryContainerID:
        buffer = SimbusDuplicateString(POOL_FLAG_PAGED, SimbusContainerId);
        break;
    default:
        /* Not supported: complete with the status it came with. */
        return Irp->IoStatus.Status;
    }

    if (buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Irp->IoStatus.Information = (ULONG_PTR)buffer;
    return STATUS_SUCCESS;
}

static NTSTATUS SimbusPdoPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPDO_DEVICE_EXTENSION pdoExtension = (PPDO_DEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);
    SIMBUS_CHILD_RECORD *record = SimbusRecordOf(pdoExtension);
    NTSTATUS status = Irp->IoStatus.Status;
    PDEVICE_CAPABILITIES capabilities;
    PDEVICE_RELATIONS relations;
    BOOLEAN deleteNow = FALSE;

    PAGED_CODE();

    if (record != NULL) {
        if (irpStack->MinorFunction < RTL_NUMBER_OF(record->MinorSeen))
            record->MinorSeen[irpStack->MinorFunction]++;
        if (record->SequenceLength < SIMBUS_MAX_SEQUENCE)
            record->Sequence[record->SequenceLength++] = irpStack->MinorFunction;
    }

    switch (irpStack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        if (record != NULL) {
            record->StartCount++;
            record->StartAllocatedResources = irpStack->Parameters.StartDevice.AllocatedResources;
            record->StartAllocatedResourcesTranslated =
                irpStack->Parameters.StartDevice.AllocatedResourcesTranslated;
            record->Started = TRUE;
        }
        pdoExtension->Started = TRUE;
        status = STATUS_SUCCESS;
        break;

    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        status = STATUS_SUCCESS;
        break;

    case IRP_MN_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        pdoExtension->Started = FALSE;
        if (record != NULL)
            record->Started = FALSE;
        status = STATUS_SUCCESS;
        break;

    case IRP_MN_REMOVE_DEVICE:
        pdoExtension->Started = FALSE;
        if (record != NULL)
            record->Started = FALSE;
        /* A child that is still plugged in keeps its PDO (it can be started again); one
         * the bus no longer reports goes away now. */
        if (!pdoExtension->Present) {
            PFDO_DEVICE_EXTENSION fdoExtension =
                (PFDO_DEVICE_EXTENSION)pdoExtension->ParentFdo->DeviceExtension;
            KIRQL irql;

            KeAcquireSpinLock(&fdoExtension->ChildLock, &irql);
            RemoveEntryList(&pdoExtension->Link);
            fdoExtension->ChildCount--;
            KeReleaseSpinLock(&fdoExtension->ChildLock, irql);
            deleteNow = TRUE;
        }
        status = STATUS_SUCCESS;
        break;

    case IRP_MN_QUERY_CAPABILITIES:
        capabilities = irpStack->Parameters.DeviceCapabilities.Capabilities;
        if (record != NULL) {
            /* Keep the first query's contents, as the PnP manager pre-filled them. */
            if (record->CapabilitiesQueries++ == 0)
                record->CapabilitiesReceived = *capabilities;
        }
        if (capabilities->Version != 1 || capabilities->Size < sizeof(DEVICE_CAPABILITIES)) {
            status = STATUS_UNSUCCESSFUL;
            break;
        }
        /* Keep what the PnP manager pre-filled; say what this bus knows. */
        capabilities->UniqueID = pdoExtension->UniqueId ? 1 : 0;
        capabilities->SurpriseRemovalOK = 1;
        status = STATUS_SUCCESS;
        break;

    case IRP_MN_QUERY_ID:
        status = SimbusPdoQueryId(pdoExtension, Irp);
        break;

    case IRP_MN_QUERY_DEVICE_TEXT:
        if (irpStack->Parameters.QueryDeviceText.DeviceTextType == DeviceTextDescription ||
            irpStack->Parameters.QueryDeviceText.DeviceTextType ==
                DeviceTextLocationInformation) {
            PWCHAR text = SimbusDuplicateString(
                POOL_FLAG_PAGED,
                irpStack->Parameters.QueryDeviceText.DeviceTextType == DeviceTextDescription
                    ? SimbusDescription
                    : SimbusLocation);
            if (text == NULL) {
                status = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            Irp->IoStatus.Information = (ULONG_PTR)text;
            status = STATUS_SUCCESS;
        }
        break;

    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (irpStack->Parameters.QueryDeviceRelations.Type == TargetDeviceRelation) {
            relations = (PDEVICE_RELATIONS)ExAllocatePool2(POOL_FLAG_PAGED,
                                                           sizeof(DEVICE_RELATIONS), SIMBUS_TAG);
            if (relations == NULL) {
                status = STATUS_INSUFFICIENT_RESOURCES;
                break;
            }
            relations->Count = 1;
            relations->Objects[0] = DeviceObject;
            ObReferenceObject(DeviceObject);
            Irp->IoStatus.Information = (ULONG_PTR)relations;
            status = STATUS_SUCCESS;
        }
        break;

    default:
        /* Everything else: the status it came with, untouched. */
        break;
    }

    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    if (deleteNow)
        SimbusDeleteChild(DeviceObject);
    return status;
}

static NTSTATUS SimbusDispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PCOMMON_DEVICE_EXTENSION common = (PCOMMON_DEVICE_EXTENSION)DeviceObject->DeviceExtension;

    PAGED_CODE();

    if (common->IsFdo)
        return SimbusFdoPnp(DeviceObject, Irp);
    return SimbusPdoPnp(DeviceObject, Irp);
}

static NTSTATUS SimbusDispatchCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PCOMMON_DEVICE_EXTENSION common = (PCOMMON_DEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION irpStack = IoGetCurrentIrpStackLocation(Irp);

    PAGED_CODE();

    if (!common->IsFdo && irpStack->MajorFunction == IRP_MJ_CREATE) {
        SIMBUS_CHILD_RECORD *record = SimbusRecordOf((PPDO_DEVICE_EXTENSION)common);
        if (record != NULL)
            record->Opens++;
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS SimbusDispatchOther(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PCOMMON_DEVICE_EXTENSION common = (PCOMMON_DEVICE_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status;

    if (common->IsFdo) {
        /* Not ours: the device below decides. */
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(((PFDO_DEVICE_EXTENSION)common)->LowerDeviceObject, Irp);
    }
    /* A PDO is the bottom of its stack: it completes what it does not handle. */
    status = Irp->IoStatus.Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
