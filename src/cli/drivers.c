/* SPDX-License-Identifier: MIT */
/*
 * This file implements the built-in scriptable WDM driver of the pnpsim command, written
 * as a driver author writes one (against <ntddk.h>) so that what the scenario shows is what
 * a real driver does. One source serves every `driver` line of a scenario: DriverEntry
 * finds its configuration by the service name at the end of its registry path. Depending
 * on the configuration it registers interface classes in AddDevice, enables them in
 * AddDevice or once IRP_MN_START_DEVICE succeeded below it, disables them on surprise
 * removal and removal, queries an interface from its own stack when started and releases
 * it in IRP_MN_REMOVE_DEVICE, vetoes query-remove or query-stop, and, when asked, makes the
 * common mistakes (forget to disable, enable at DISPATCH_LEVEL, leak or over-release a
 * reference, leak pool, enable twice, fail start). A listener configuration subscribes to
 * the arrivals and removals of an interface class in DriverEntry
 * (IoRegisterPlugPlayNotification with PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES)
 * and says what it hears with DbgPrint; it unregisters in DriverUnload unless told to forget.
 */
#include <ntddk.h>
#include <wdmguid.h>

#include <string.h>

#include "cli.h"

#define CLI_MAX_DRIVERS 32
#define CLI_POOL_TAG 0x694C4350u /* "PCLi" */

typedef struct _CLI_EXTENSION {
    PDEVICE_OBJECT Self;
    PDEVICE_OBJECT Lower;
    PDEVICE_OBJECT Pdo;
    const cli_driver_cfg *Cfg;
    UNICODE_STRING Links[CLI_MAX_CLASSES];
    ULONG NumLinks;
    BOOLEAN Enabled;
    INTERFACE Iface;
    BOOLEAN HaveIface;
    PVOID Leaked;
} CLI_EXTENSION, *PCLI_EXTENSION;

static cli_driver_cfg CliCfg[CLI_MAX_DRIVERS];
static int CliCfgCount;
static struct {
    PDRIVER_OBJECT Driver;
    const cli_driver_cfg *Cfg;
    PVOID Entry;
} CliLoaded[CLI_MAX_DRIVERS * 4];
static int CliLoadedCount;

int cli_driver_configure(const cli_driver_cfg *cfg)
{
    int i;
    for (i = 0; i < CliCfgCount; i++) {
        if (strcmp(CliCfg[i].service, cfg->service) == 0) {
            CliCfg[i] = *cfg;
            return 0;
        }
    }
    if (CliCfgCount == CLI_MAX_DRIVERS)
        return -1;
    CliCfg[CliCfgCount++] = *cfg;
    return 0;
}

void cli_drivers_reset(void)
{
    CliCfgCount = 0;
    CliLoadedCount = 0;
}

static int CliEqualNoCase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static const cli_driver_cfg *CliCfgOf(PDRIVER_OBJECT Driver)
{
    int i;
    for (i = CliLoadedCount; i-- > 0;)
        if (CliLoaded[i].Driver == Driver)
            return CliLoaded[i].Cfg;
    return NULL;
}

const cli_driver_cfg *cli_driver_of_device(pnpsim_device *dev)
{
    PDEVICE_OBJECT top = dev != NULL ? pnpsim_device_top(dev) : NULL;
    return top != NULL ? CliCfgOf(top->DriverObject) : NULL;
}

/* ---- interfaces --------------------------------------------------------------------- */

static VOID CliSetInterfaces(PCLI_EXTENSION Ext, BOOLEAN Enable)
{
    ULONG i;
    KIRQL old = PASSIVE_LEVEL;
    BOOLEAN raised = FALSE;
    if (Enable && (Ext->Cfg->bugs & CLI_BUG_WRONG_IRQL)) {
        /* The bug: IoSetDeviceInterfaceState is PASSIVE_LEVEL only. */
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        raised = TRUE;
    }
    for (i = 0; i < Ext->NumLinks; i++) {
        IoSetDeviceInterfaceState(&Ext->Links[i], Enable);
        if (Enable && (Ext->Cfg->bugs & CLI_BUG_ENABLE_TWICE))
            IoSetDeviceInterfaceState(&Ext->Links[i], Enable); /* STATUS_OBJECT_NAME_EXISTS */
    }
    if (raised)
        KeLowerIrql(old);
    Ext->Enabled = Enable;
}

static VOID CliDisable(PCLI_EXTENSION Ext)
{
    if (!Ext->Enabled || (Ext->Cfg->bugs & CLI_BUG_FORGET_DISABLE) ||
        Ext->Cfg->disable_at == CLI_AT_NEVER)
        return;
    CliSetInterfaces(Ext, FALSE);
}

/* ---- query-interface ---------------------------------------------------------------- */

static NTSTATUS CliQuery(PCLI_EXTENSION Ext)
{
    PDEVICE_OBJECT top;
    PIO_STACK_LOCATION next;
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    NTSTATUS status;
    PIRP irp;

    RtlZeroMemory(&Ext->Iface, sizeof(Ext->Iface));
    top = IoGetAttachedDeviceReference(Ext->Self);
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    irp = IoBuildSynchronousFsdRequest(IRP_MJ_PNP, top, NULL, 0, NULL, &event, &iosb);
    if (irp == NULL) {
        ObDereferenceObject(top);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_PNP;
    next->MinorFunction = IRP_MN_QUERY_INTERFACE;
    next->Parameters.QueryInterface.InterfaceType = &Ext->Cfg->query;
    next->Parameters.QueryInterface.Size = sizeof(INTERFACE);
    next->Parameters.QueryInterface.Version = 1;
    next->Parameters.QueryInterface.Interface = &Ext->Iface;
    next->Parameters.QueryInterface.InterfaceSpecificData = NULL;
    status = IoCallDriver(top, irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
        status = iosb.Status;
    }
    ObDereferenceObject(top);
    return status;
}

static VOID CliRelease(PCLI_EXTENSION Ext)
{
    if (!Ext->HaveIface || (Ext->Cfg->bugs & CLI_BUG_LEAK_REFERENCE))
        return;
    if (Ext->Iface.InterfaceDereference != NULL) {
        Ext->Iface.InterfaceDereference(Ext->Iface.Context);
        if (Ext->Cfg->bugs & CLI_BUG_RELEASE_TWICE)
            Ext->Iface.InterfaceDereference(Ext->Iface.Context);
    }
    Ext->HaveIface = FALSE;
}

/* ---- dispatch ----------------------------------------------------------------------- */

static NTSTATUS NTAPI CliStartCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->PendingReturned)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS NTAPI CliDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PCLI_EXTENSION ext = (PCLI_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    KEVENT event;
    ULONG i;

    switch (sp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, CliStartCompletion, &event, TRUE, TRUE, TRUE);
        status = IoCallDriver(ext->Lower, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        if (NT_SUCCESS(status) && (ext->Cfg->bugs & CLI_BUG_FAIL_START))
            status = STATUS_DEVICE_CONFIGURATION_ERROR;
        if (NT_SUCCESS(status)) {
            if (ext->Cfg->enable_at == CLI_AT_START && !ext->Enabled)
                CliSetInterfaces(ext, TRUE);
            if (ext->Cfg->has_query && !ext->HaveIface && NT_SUCCESS(CliQuery(ext)))
                ext->HaveIface = TRUE;
        }
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;

    case IRP_MN_QUERY_REMOVE_DEVICE:
        if (ext->Cfg->veto_query_remove) {
            /* A veto: complete with a failure, do not pass it down. */
            Irp->IoStatus.Status = STATUS_DEVICE_BUSY;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_DEVICE_BUSY;
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_QUERY_STOP_DEVICE:
        if (ext->Cfg->veto_query_stop) {
            Irp->IoStatus.Status = STATUS_DEVICE_BUSY;
            IoCompleteRequest(Irp, IO_NO_INCREMENT);
            return STATUS_DEVICE_BUSY;
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_SURPRISE_REMOVAL:
        if (ext->Cfg->disable_at == CLI_AT_SURPRISE)
            CliDisable(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    case IRP_MN_REMOVE_DEVICE:
        CliDisable(ext);
        CliRelease(ext);
        for (i = 0; i < ext->NumLinks; i++)
            RtlFreeUnicodeString(&ext->Links[i]);
        ext->NumLinks = 0;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(ext->Lower, Irp);
        IoDetachDevice(ext->Lower);
        IoDeleteDevice(DeviceObject);
        return status;

    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->Lower, Irp);
}

static NTSTATUS NTAPI CliDispatchOpenClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI CliDispatchOther(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PCLI_EXTENSION ext = (PCLI_EXTENSION)DeviceObject->DeviceExtension;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->Lower, Irp);
}

static NTSTATUS NTAPI CliAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    const cli_driver_cfg *cfg = CliCfgOf(DriverObject);
    PDEVICE_OBJECT fdo;
    PCLI_EXTENSION ext;
    NTSTATUS status;
    UNICODE_STRING ref;
    WCHAR refbuf[64];
    int i;

    if (cfg == NULL)
        return STATUS_NO_SUCH_DEVICE;
    status = IoCreateDevice(DriverObject, sizeof(CLI_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PCLI_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Self = fdo;
    ext->Pdo = PhysicalDeviceObject;
    ext->Cfg = cfg;
    ext->Lower = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->Lower == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    for (i = 0; cfg->reference[i] != '\0' && i < 63; i++)
        refbuf[i] = (WCHAR)(unsigned char)cfg->reference[i];
    ref.Buffer = refbuf;
    ref.Length = (USHORT)(i * sizeof(WCHAR));
    ref.MaximumLength = ref.Length;
    for (i = 0; i < cfg->nreg; i++) {
        status = IoRegisterDeviceInterface(PhysicalDeviceObject, &cfg->reg[i],
                                           cfg->reference[0] ? &ref : NULL,
                                           &ext->Links[ext->NumLinks]);
        if (NT_SUCCESS(status))
            ext->NumLinks++;
    }
    if (cfg->enable_at == CLI_AT_ADD)
        CliSetInterfaces(ext, TRUE);
    if (cfg->bugs & CLI_BUG_LEAK_POOL)
        ext->Leaked = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, CLI_POOL_TAG);
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI CliListenCallback(PVOID NotificationStructure, PVOID Context)
{
    PDEVICE_INTERFACE_CHANGE_NOTIFICATION n =
        (PDEVICE_INTERFACE_CHANGE_NOTIFICATION)NotificationStructure;
    const cli_driver_cfg *cfg = (const cli_driver_cfg *)Context;
    char name[400];
    USHORT i, len = 0;
    if (n->SymbolicLinkName != NULL) {
        for (i = 0; i < n->SymbolicLinkName->Length / sizeof(WCHAR) && len < sizeof(name) - 1;
             i++)
            name[len++] = n->SymbolicLinkName->Buffer[i] < 0x80
                              ? (char)n->SymbolicLinkName->Buffer[i]
                              : '?';
    }
    name[len] = '\0';
    DbgPrint("listener %s heard %s %s\n", cfg->service,
             IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_ARRIVAL) ? "ARRIVAL"
             : IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_REMOVAL) ? "REMOVAL"
                                                                      : "(other event)",
             name);
    return STATUS_SUCCESS;
}

static VOID NTAPI CliUnload(PDRIVER_OBJECT DriverObject)
{
    int i;
    for (i = CliLoadedCount; i-- > 0;) {
        if (CliLoaded[i].Driver == DriverObject && CliLoaded[i].Entry != NULL) {
            if (!(CliLoaded[i].Cfg->bugs & CLI_BUG_FORGET_UNREGISTER))
                IoUnregisterPlugPlayNotificationEx(CliLoaded[i].Entry);
            CliLoaded[i].Entry = NULL;
        }
    }
}

NTSTATUS NTAPI CliDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    char name[64];
    USHORT n = RegistryPath != NULL ? (USHORT)(RegistryPath->Length / sizeof(WCHAR)) : 0;
    USHORT start = n, len = 0;
    ULONG i;
    int k;

    while (start > 0 && RegistryPath->Buffer[start - 1] != L'\\')
        start--;
    for (i = start; i < n && len < sizeof(name) - 1; i++)
        name[len++] = (char)RegistryPath->Buffer[i];
    name[len] = '\0';
    for (k = 0; k < CliCfgCount; k++) {
        if (CliEqualNoCase(CliCfg[k].service, name))
            break;
    }
    if (k == CliCfgCount || CliLoadedCount == (int)(sizeof(CliLoaded) / sizeof(CliLoaded[0])))
        return STATUS_NO_SUCH_DEVICE;
    CliLoaded[CliLoadedCount].Driver = DriverObject;
    CliLoaded[CliLoadedCount].Cfg = &CliCfg[k];
    CliLoaded[CliLoadedCount].Entry = NULL;
    CliLoadedCount++;
    if (CliCfg[k].has_listen) {
        NTSTATUS status = IoRegisterPlugPlayNotification(
            EventCategoryDeviceInterfaceChange,
            PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, (PVOID)&CliCfg[k].listen,
            DriverObject, CliListenCallback, (PVOID)&CliCfg[k],
            &CliLoaded[CliLoadedCount - 1].Entry);
        if (!NT_SUCCESS(status)) {
            CliLoadedCount--;
            return status;
        }
    }
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = CliDispatchOther;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = CliDispatchOpenClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = CliDispatchOpenClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = CliDispatchOpenClose;
    DriverObject->MajorFunction[IRP_MJ_PNP] = CliDispatchPnp;
    DriverObject->DriverExtension->AddDevice = CliAddDevice;
    DriverObject->DriverUnload = CliUnload;
    return STATUS_SUCCESS;
}
