/* SPDX-License-Identifier: MIT */
/*
 * This file implements a KMDF bus driver written as KMDF authors write one (the shape of
 * the KMDF "toaster bus" samples, in pnpsim's own code), used by pnpsim's KMDF tests. Its
 * FDO owns a default child list whose identification description is a serial number plus
 * a pool-held name; EvtChildListCreateDevice makes a PDO "KMDFBUS\Child\<serial>" with
 * hardware, compatible and container IDs, device text in two locales, PnP capabilities and
 * the driver-defined interface GUID_KMDF_BUS_INTERFACE (WdfDeviceAddQueryInterface). It can
 * also create static children (WdfFdoAddStaticChild) and raw PDOs. Tests drive it with the
 * hooks in kmdf_bus.h and read what it saw there.
 */
#include <ntddk.h>
#include <wdf.h>
#include <initguid.h>

#include "kmdf_bus.h"

/* Several test drivers link into one test program: each gets a distinct name for its
 * DriverEntry. Everything below is written exactly as it would ship. */
#define DriverEntry KmdfBusDriverEntry

#define KMDF_BUS_TAG 'BfdK'

/* {4d36e97d-e325-11ce-bfc1-08002be10318}: the "System" setup class, for raw children. */
DEFINE_GUID(KMDF_BUS_RAW_CLASS, 0x4d36e97d, 0xe325, 0x11ce, 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1,
            0x03, 0x18);

typedef struct _KMDF_BUS_FDO_CONTEXT {
    ULONG Reserved;
} KMDF_BUS_FDO_CONTEXT, *PKMDF_BUS_FDO_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(KMDF_BUS_FDO_CONTEXT, KmdfBusFdoGetContext)

typedef struct _KMDF_BUS_PDO_CONTEXT {
    ULONG SerialNo;
    LONG RecordIndex;
} KMDF_BUS_PDO_CONTEXT, *PKMDF_BUS_PDO_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(KMDF_BUS_PDO_CONTEXT, KmdfBusPdoGetContext)

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD KmdfBusDeviceAdd;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP KmdfBusFdoCleanup;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP KmdfBusPdoCleanup;
static EVT_WDF_CHILD_LIST_CREATE_DEVICE KmdfBusCreateChild;
static EVT_WDF_CHILD_LIST_SCAN_FOR_CHILDREN KmdfBusScanForChildren;
static EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COPY KmdfBusDescriptionCopy;
static EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_DUPLICATE KmdfBusDescriptionDuplicate;
static EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_COMPARE KmdfBusDescriptionCompare;
static EVT_WDF_CHILD_LIST_IDENTIFICATION_DESCRIPTION_CLEANUP KmdfBusDescriptionCleanup;
static EVT_WDF_DEVICE_EJECT KmdfBusChildEject;
static EVT_WDF_DEVICE_REPORTED_MISSING KmdfBusChildReportedMissing;

/* ---- observation and modes (read by tests through kmdf_bus.h) -------------------------- */
static KMDF_BUS_CHILD_RECORD KmdfBusRecords[KMDF_BUS_MAX_CHILDREN];
static volatile LONG KmdfBusRecordCount;
static KMDF_BUS_DESCRIPTION_STATS KmdfBusStats;
static WDFDEVICE KmdfBusLastFdo;
static volatile LONG KmdfBusAddDevices, KmdfBusFdoCleanups;
static ULONG KmdfBusStaticCount;
static BOOLEAN KmdfBusRawChildren;
static NTSTATUS KmdfBusFailNextCreate;
static ULONG KmdfBusScanSerials[KMDF_BUS_MAX_CHILDREN];
static ULONG KmdfBusScanCount;
static BOOLEAN KmdfBusScanEnabled;

void kmdf_bus_reset(void)
{
    RtlZeroMemory(KmdfBusRecords, sizeof(KmdfBusRecords));
    RtlZeroMemory(&KmdfBusStats, sizeof(KmdfBusStats));
    KmdfBusRecordCount = 0;
    KmdfBusLastFdo = NULL;
    KmdfBusAddDevices = 0;
    KmdfBusFdoCleanups = 0;
    KmdfBusStaticCount = 0;
    KmdfBusRawChildren = FALSE;
    KmdfBusFailNextCreate = STATUS_SUCCESS;
    KmdfBusScanCount = 0;
    KmdfBusScanEnabled = FALSE;
}

WDFDEVICE kmdf_bus_last_fdo(void) { return KmdfBusLastFdo; }
ULONG kmdf_bus_add_device_count(void) { return (ULONG)KmdfBusAddDevices; }
ULONG kmdf_bus_fdo_cleanup_count(void) { return (ULONG)KmdfBusFdoCleanups; }
KMDF_BUS_DESCRIPTION_STATS kmdf_bus_description_stats(void) { return KmdfBusStats; }
void kmdf_bus_set_static_children(ULONG Count) { KmdfBusStaticCount = Count; }
void kmdf_bus_set_raw_children(BOOLEAN Raw) { KmdfBusRawChildren = Raw; }
void kmdf_bus_fail_next_create(NTSTATUS Status) { KmdfBusFailNextCreate = Status; }

void kmdf_bus_set_scan_serials(const ULONG *Serials, ULONG Count)
{
    ULONG i;
    if (Count > KMDF_BUS_MAX_CHILDREN)
        Count = KMDF_BUS_MAX_CHILDREN;
    for (i = 0; i < Count; i++)
        KmdfBusScanSerials[i] = Serials[i];
    KmdfBusScanCount = Count;
    KmdfBusScanEnabled = Serials != NULL;
}

WDFCHILDLIST kmdf_bus_child_list(void)
{
    return KmdfBusLastFdo != NULL ? WdfFdoGetDefaultChildList(KmdfBusLastFdo) : NULL;
}

const KMDF_BUS_CHILD_RECORD *kmdf_bus_child_record(ULONG SerialNo)
{
    LONG i = KmdfBusRecordCount;
    if (i > KMDF_BUS_MAX_CHILDREN)
        i = KMDF_BUS_MAX_CHILDREN;
    while (i-- > 0) {
        if (KmdfBusRecords[i].InUse && KmdfBusRecords[i].SerialNo == SerialNo)
            return &KmdfBusRecords[i];
    }
    return NULL;
}

static KMDF_BUS_CHILD_RECORD *KmdfBusRecordOf(LONG Index)
{
    return Index >= 0 && Index < KMDF_BUS_MAX_CHILDREN ? &KmdfBusRecords[Index] : NULL;
}

/* ---- small string helpers --------------------------------------------------------------- */

/* Append the decimal digits of Value to Buffer (NUL-terminated, Capacity WCHARs). */
static VOID KmdfBusAppendNumber(PWCHAR Buffer, SIZE_T Capacity, ULONG Value)
{
    WCHAR digits[11];
    SIZE_T n = 0, len = 0;
    do {
        digits[n++] = (WCHAR)(L'0' + Value % 10);
        Value /= 10;
    } while (Value != 0 && n < RTL_NUMBER_OF(digits));
    while (Buffer[len] != UNICODE_NULL)
        len++;
    while (n > 0 && len + 1 < Capacity)
        Buffer[len++] = digits[--n];
    Buffer[len] = UNICODE_NULL;
}

static VOID KmdfBusFormat(PWCHAR Buffer, SIZE_T Capacity, const WCHAR *Prefix, ULONG Value,
                          PUNICODE_STRING Out)
{
    SIZE_T i;
    for (i = 0; i + 1 < Capacity && Prefix[i] != UNICODE_NULL; i++)
        Buffer[i] = Prefix[i];
    Buffer[i] = UNICODE_NULL;
    KmdfBusAppendNumber(Buffer, Capacity, Value);
    RtlInitUnicodeString(Out, Buffer);
}

/* ---- the exported interface ------------------------------------------------------------- */

static VOID KmdfBusInterfaceReference(PVOID Context)
{
    KMDF_BUS_CHILD_RECORD *record = (KMDF_BUS_CHILD_RECORD *)Context;
    InterlockedIncrement(&record->InterfaceReferences);
}

static VOID KmdfBusInterfaceDereference(PVOID Context)
{
    KMDF_BUS_CHILD_RECORD *record = (KMDF_BUS_CHILD_RECORD *)Context;
    InterlockedDecrement(&record->InterfaceReferences);
}

static ULONG KmdfBusGetSerial(PVOID Context)
{
    KMDF_BUS_CHILD_RECORD *record = (KMDF_BUS_CHILD_RECORD *)Context;
    record->InterfaceCalls++;
    return record->SerialNo;
}

static ULONG KmdfBusReadRegister(PVOID Context, ULONG Index)
{
    KMDF_BUS_CHILD_RECORD *record = (KMDF_BUS_CHILD_RECORD *)Context;
    record->InterfaceCalls++;
    return (record->SerialNo << 8) | (Index & 0xFF);
}

/* ---- DriverEntry and the FDO ------------------------------------------------------------ */

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    KdPrint(("kmdf_bus: DriverEntry\n"));
    WDF_DRIVER_CONFIG_INIT(&config, KmdfBusDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

/* Create one child PDO from ChildInit (framework-supplied or WdfPdoInitAllocate'd). */
static NTSTATUS KmdfBusCreatePdo(PWDFDEVICE_INIT ChildInit, ULONG SerialNo, BOOLEAN Static,
                                 WDFDEVICE *Pdo)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_PDO_EVENT_CALLBACKS pdoCallbacks;
    WDF_DEVICE_PNP_CAPABILITIES caps;
    WDF_QUERY_INTERFACE_CONFIG qiConfig;
    KMDF_BUS_INTERFACE busInterface;
    PKMDF_BUS_PDO_CONTEXT pdoContext;
    KMDF_BUS_CHILD_RECORD *record = NULL;
    DECLARE_CONST_UNICODE_STRING(deviceId, KMDF_BUS_CHILD_DEVICE_ID);
    DECLARE_CONST_UNICODE_STRING(compatibleId, KMDF_BUS_CHILD_COMPATIBLE_ID);
    DECLARE_CONST_UNICODE_STRING(containerId, L"{2f6a41c8-0b3d-4e7a-91c5-6d8e0f1a2b3c}");
    WCHAR instanceBuffer[16], textBuffer[64], locationBuffer[64];
    UNICODE_STRING instanceId, text, location;
    WDFDEVICE device;
    NTSTATUS status;
    LONG slot;

    PAGED_CODE();

    slot = InterlockedIncrement(&KmdfBusRecordCount) - 1;
    if (slot < KMDF_BUS_MAX_CHILDREN) {
        record = &KmdfBusRecords[slot];
        RtlZeroMemory(record, sizeof(*record));
        record->InUse = TRUE;
        record->SerialNo = SerialNo;
        record->Static = Static;
        record->Raw = KmdfBusRawChildren;
        record->CreateDeviceCalls = Static ? 0 : 1;
    }

    if (KmdfBusFailNextCreate != STATUS_SUCCESS) {
        status = KmdfBusFailNextCreate;
        KmdfBusFailNextCreate = STATUS_SUCCESS;
        return status;
    }

    status = WdfPdoInitAssignDeviceID(ChildInit, &deviceId);
    if (!NT_SUCCESS(status))
        return status;
    KmdfBusFormat(instanceBuffer, RTL_NUMBER_OF(instanceBuffer), L"", SerialNo, &instanceId);
    status = WdfPdoInitAssignInstanceID(ChildInit, &instanceId);
    if (!NT_SUCCESS(status))
        return status;
    status = WdfPdoInitAddHardwareID(ChildInit, &deviceId);
    if (!NT_SUCCESS(status))
        return status;
    status = WdfPdoInitAddCompatibleID(ChildInit, &compatibleId);
    if (!NT_SUCCESS(status))
        return status;
    status = WdfPdoInitAssignContainerID(ChildInit, &containerId);
    if (!NT_SUCCESS(status))
        return status;

    KmdfBusFormat(textBuffer, RTL_NUMBER_OF(textBuffer), L"KMDF bus child ", SerialNo, &text);
    KmdfBusFormat(locationBuffer, RTL_NUMBER_OF(locationBuffer), L"KMDF bus slot ", SerialNo,
                  &location);
    status = WdfPdoInitAddDeviceText(ChildInit, &text, &location, KMDF_BUS_CHILD_LOCALE);
    if (!NT_SUCCESS(status))
        return status;
    KmdfBusFormat(textBuffer, RTL_NUMBER_OF(textBuffer), L"KMDF-Bus-Kind ", SerialNo, &text);
    status = WdfPdoInitAddDeviceText(ChildInit, &text, NULL, KMDF_BUS_CHILD_LOCALE_DE);
    if (!NT_SUCCESS(status))
        return status;
    WdfPdoInitSetDefaultLocale(ChildInit, KMDF_BUS_CHILD_LOCALE);

    if (KmdfBusRawChildren) {
        status = WdfPdoInitAssignRawDevice(ChildInit, &KMDF_BUS_RAW_CLASS);
        if (!NT_SUCCESS(status))
            return status;
    }

    WDF_PDO_EVENT_CALLBACKS_INIT(&pdoCallbacks);
    pdoCallbacks.EvtDeviceEject = KmdfBusChildEject;
    pdoCallbacks.EvtDeviceReportedMissing = KmdfBusChildReportedMissing;
    WdfPdoInitSetEventCallbacks(ChildInit, &pdoCallbacks);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, KMDF_BUS_PDO_CONTEXT);
    attributes.EvtCleanupCallback = KmdfBusPdoCleanup;
    status = WdfDeviceCreate(&ChildInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    if (Pdo != NULL)
        *Pdo = device;

    pdoContext = KmdfBusPdoGetContext(device);
    pdoContext->SerialNo = SerialNo;
    pdoContext->RecordIndex = record != NULL ? slot : -1;
    if (record != NULL)
        record->Pdo = device;

    /* What this bus knows about its children. */
    WDF_DEVICE_PNP_CAPABILITIES_INIT(&caps);
    caps.Removable = WdfTrue;
    caps.EjectSupported = WdfTrue;
    caps.SurpriseRemovalOK = WdfTrue;
    caps.UniqueID = WdfTrue;
    caps.Address = SerialNo;
    caps.UINumber = SerialNo;
    WdfDeviceSetPnpCapabilities(device, &caps);

    /* The interface the child's function driver imports (copied by the framework). */
    if (record != NULL) {
        RtlZeroMemory(&busInterface, sizeof(busInterface));
        busInterface.InterfaceHeader.Size = sizeof(busInterface);
        busInterface.InterfaceHeader.Version = KMDF_BUS_INTERFACE_VERSION;
        busInterface.InterfaceHeader.Context = record;
        busInterface.InterfaceHeader.InterfaceReference = KmdfBusInterfaceReference;
        busInterface.InterfaceHeader.InterfaceDereference = KmdfBusInterfaceDereference;
        busInterface.GetSerial = KmdfBusGetSerial;
        busInterface.ReadRegister = KmdfBusReadRegister;
        WDF_QUERY_INTERFACE_CONFIG_INIT(&qiConfig, (PINTERFACE)&busInterface,
                                        &GUID_KMDF_BUS_INTERFACE, NULL);
        status = WdfDeviceAddQueryInterface(device, &qiConfig);
        if (!NT_SUCCESS(status))
            return status; /* the framework deletes the device */
    }
    return STATUS_SUCCESS;
}

static NTSTATUS KmdfBusAddStatic(WDFDEVICE Fdo, ULONG SerialNo)
{
    PWDFDEVICE_INIT childInit;
    WDFDEVICE child = NULL;
    NTSTATUS status;

    PAGED_CODE();

    childInit = WdfPdoInitAllocate(Fdo);
    if (childInit == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = KmdfBusCreatePdo(childInit, SerialNo, TRUE, &child);
    if (!NT_SUCCESS(status)) {
        /* A failed WdfDeviceCreate leaves the init to us; a later failure deletes the
         * device (WdfDeviceCreate already consumed the init). */
        if (child == NULL)
            WdfDeviceInitFree(childInit);
        else
            WdfObjectDelete(child);
        return status;
    }
    status = WdfFdoAddStaticChild(Fdo, child);
    if (!NT_SUCCESS(status))
        WdfObjectDelete(child);
    return status;
}

static NTSTATUS KmdfBusDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_CHILD_LIST_CONFIG listConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDEVICE fdo;
    NTSTATUS status;
    ULONG i;

    UNREFERENCED_PARAMETER(Driver);
    PAGED_CODE();

    InterlockedIncrement(&KmdfBusAddDevices);
    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_BUS_EXTENDER);
    WdfDeviceInitSetExclusive(DeviceInit, TRUE);

    /* Dynamic enumeration: the identification description is a serial number. */
    WDF_CHILD_LIST_CONFIG_INIT(&listConfig, sizeof(KMDF_BUS_IDENTIFICATION_DESCRIPTION),
                               KmdfBusCreateChild);
    listConfig.EvtChildListIdentificationDescriptionCopy = KmdfBusDescriptionCopy;
    listConfig.EvtChildListIdentificationDescriptionDuplicate = KmdfBusDescriptionDuplicate;
    listConfig.EvtChildListIdentificationDescriptionCompare = KmdfBusDescriptionCompare;
    listConfig.EvtChildListIdentificationDescriptionCleanup = KmdfBusDescriptionCleanup;
    if (KmdfBusScanEnabled)
        listConfig.EvtChildListScanForChildren = KmdfBusScanForChildren;
    WdfFdoInitSetDefaultChildListConfig(DeviceInit, &listConfig, WDF_NO_OBJECT_ATTRIBUTES);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, KMDF_BUS_FDO_CONTEXT);
    attributes.EvtCleanupCallback = KmdfBusFdoCleanup;
    status = WdfDeviceCreate(&DeviceInit, &attributes, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    KmdfBusLastFdo = fdo;

    /* Static enumeration: children known from the start. */
    for (i = 1; i <= KmdfBusStaticCount; i++) {
        status = KmdfBusAddStatic(fdo, i);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

static VOID KmdfBusFdoCleanup(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    InterlockedIncrement(&KmdfBusFdoCleanups);
}

/* ---- the child list --------------------------------------------------------------------- */

static NTSTATUS KmdfBusCreateChild(WDFCHILDLIST ChildList,
                                   PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription,
                                   PWDFDEVICE_INIT ChildInit)
{
    PKMDF_BUS_IDENTIFICATION_DESCRIPTION description =
        CONTAINING_RECORD(IdentificationDescription, KMDF_BUS_IDENTIFICATION_DESCRIPTION, Header);

    UNREFERENCED_PARAMETER(ChildList);
    PAGED_CODE();

    return KmdfBusCreatePdo(ChildInit, description->SerialNo, FALSE, NULL);
}

static VOID KmdfBusScanForChildren(WDFCHILDLIST ChildList)
{
    KMDF_BUS_IDENTIFICATION_DESCRIPTION description;
    ULONG i;

    KmdfBusStats.Scans++;
    WdfChildListBeginScan(ChildList);
    for (i = 0; i < KmdfBusScanCount; i++) {
        WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(&description.Header, sizeof(description));
        description.SerialNo = KmdfBusScanSerials[i];
        description.Name = NULL;
        (void)WdfChildListAddOrUpdateChildDescriptionAsPresent(ChildList, &description.Header,
                                                               NULL);
    }
    WdfChildListEndScan(ChildList);
}

static VOID KmdfBusDescriptionCopy(WDFCHILDLIST ChildList,
                                   PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER Source,
                                   PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER Destination)
{
    PKMDF_BUS_IDENTIFICATION_DESCRIPTION src =
        CONTAINING_RECORD(Source, KMDF_BUS_IDENTIFICATION_DESCRIPTION, Header);
    PKMDF_BUS_IDENTIFICATION_DESCRIPTION dst =
        CONTAINING_RECORD(Destination, KMDF_BUS_IDENTIFICATION_DESCRIPTION, Header);

    UNREFERENCED_PARAMETER(ChildList);
    KmdfBusStats.Copies++;
    /* A shallow copy: the name stays owned by the source. */
    dst->SerialNo = src->SerialNo;
    dst->Name = src->Name;
}

static NTSTATUS KmdfBusDescriptionDuplicate(WDFCHILDLIST ChildList,
                                            PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER Source,
                                            PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER Destination)
{
    PKMDF_BUS_IDENTIFICATION_DESCRIPTION src =
        CONTAINING_RECORD(Source, KMDF_BUS_IDENTIFICATION_DESCRIPTION, Header);
    PKMDF_BUS_IDENTIFICATION_DESCRIPTION dst =
        CONTAINING_RECORD(Destination, KMDF_BUS_IDENTIFICATION_DESCRIPTION, Header);
    SIZE_T length = 0;

    UNREFERENCED_PARAMETER(ChildList);
    KmdfBusStats.Duplicates++;
    dst->SerialNo = src->SerialNo;
    dst->Name = NULL;
    if (src->Name != NULL) {
        while (src->Name[length] != UNICODE_NULL)
            length++;
        dst->Name = (PWCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, (length + 1) * sizeof(WCHAR),
                                            KMDF_BUS_TAG);
        if (dst->Name == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        RtlCopyMemory(dst->Name, src->Name, (length + 1) * sizeof(WCHAR));
    }
    return STATUS_SUCCESS;
}

static BOOLEAN KmdfBusDescriptionCompare(WDFCHILDLIST ChildList,
                                         PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER First,
                                         PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER Second)
{
    PKMDF_BUS_IDENTIFICATION_DESCRIPTION a =
        CONTAINING_RECORD(First, KMDF_BUS_IDENTIFICATION_DESCRIPTION, Header);
    PKMDF_BUS_IDENTIFICATION_DESCRIPTION b =
        CONTAINING_RECORD(Second, KMDF_BUS_IDENTIFICATION_DESCRIPTION, Header);

    UNREFERENCED_PARAMETER(ChildList);
    KmdfBusStats.Compares++;
    return (BOOLEAN)(a->SerialNo == b->SerialNo);
}

static VOID KmdfBusDescriptionCleanup(WDFCHILDLIST ChildList,
                                      PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription)
{
    PKMDF_BUS_IDENTIFICATION_DESCRIPTION description =
        CONTAINING_RECORD(IdentificationDescription, KMDF_BUS_IDENTIFICATION_DESCRIPTION, Header);

    UNREFERENCED_PARAMETER(ChildList);
    KmdfBusStats.Cleanups++;
    if (description->Name != NULL) {
        ExFreePoolWithTag(description->Name, KMDF_BUS_TAG);
        description->Name = NULL;
    }
}

/* ---- the child PDOs --------------------------------------------------------------------- */

static VOID KmdfBusPdoCleanup(WDFOBJECT Object)
{
    PKMDF_BUS_PDO_CONTEXT pdoContext = KmdfBusPdoGetContext(Object);
    KMDF_BUS_CHILD_RECORD *record = KmdfBusRecordOf(pdoContext->RecordIndex);
    if (record != NULL)
        record->ContextCleanups++;
}

static NTSTATUS KmdfBusChildEject(WDFDEVICE Device)
{
    KMDF_BUS_CHILD_RECORD *record = KmdfBusRecordOf(KmdfBusPdoGetContext(Device)->RecordIndex);
    if (record != NULL)
        record->Ejects++;
    return STATUS_SUCCESS;
}

static VOID KmdfBusChildReportedMissing(WDFDEVICE Device)
{
    KMDF_BUS_CHILD_RECORD *record = KmdfBusRecordOf(KmdfBusPdoGetContext(Device)->RecordIndex);
    if (record != NULL)
        record->ReportedMissing++;
}

/* ---- test hooks: the hardware appears and disappears ------------------------------------ */

NTSTATUS kmdf_bus_plug(ULONG SerialNo)
{
    static WCHAR name[] = L"kmdf bus child";
    KMDF_BUS_IDENTIFICATION_DESCRIPTION description;
    WDFCHILDLIST list = kmdf_bus_child_list();

    if (list == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(&description.Header, sizeof(description));
    description.SerialNo = SerialNo;
    description.Name = name;
    return WdfChildListAddOrUpdateChildDescriptionAsPresent(list, &description.Header, NULL);
}

NTSTATUS kmdf_bus_unplug(ULONG SerialNo)
{
    KMDF_BUS_IDENTIFICATION_DESCRIPTION description;
    WDFCHILDLIST list = kmdf_bus_child_list();

    if (list == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(&description.Header, sizeof(description));
    description.SerialNo = SerialNo;
    description.Name = NULL;
    return WdfChildListUpdateChildDescriptionAsMissing(list, &description.Header);
}

NTSTATUS kmdf_bus_add_static_child(ULONG SerialNo)
{
    if (KmdfBusLastFdo == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    return KmdfBusAddStatic(KmdfBusLastFdo, SerialNo);
}
