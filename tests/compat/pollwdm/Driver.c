/*
 * Driver.c - DriverEntry, AddDevice, PnP and IOCTL dispatch of the PollWdm driver.
 */
#include "pollwdm.h"   /* the file on disk is PollWdm.h */
#include "Driver.tmh"

#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, PollWdmAddDevice)
#pragma alloc_text(PAGE, PollWdmUnload)
#pragma alloc_text(PAGE, PollWdmDispatchPnp)
#pragma warning(disable: 4127)

POLLWDM_GLOBALS PollWdmGlobals;
LONG PollWdmDeviceCount;

/* {8f1a2b3c-4d5e-4f60-8172-93a4b5c6d7e8} */
static const GUID GUID_DEVINTERFACE_POLLWDM_TARGET =
    { 0x8f1a2b3c, 0x4d5e, 0x4f60, { 0x81, 0x72, 0x93, 0xa4, 0xb5, 0xc6, 0xd7, 0xe8 } };

static NTSTATUS PollWdmReadParameters(_In_ PUNICODE_STRING RegistryPath)
{
    RTL_QUERY_REGISTRY_TABLE table[4];
    ULONG defaultInterval = POLLWDM_DEFAULT_INTERVAL_MS;
    ULONG defaultVerbose = 0;
    NTSTATUS status;

    PAGED_CODE();

    RtlZeroMemory(table, sizeof(table));
    table[0].Flags = RTL_QUERY_REGISTRY_SUBKEY;
    table[0].Name = L"Parameters";
    table[1].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
    table[1].Name = L"PollIntervalMs";
    table[1].EntryContext = &PollWdmGlobals.IntervalMs;
    table[1].DefaultType = (REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_DWORD;
    table[1].DefaultData = &defaultInterval;
    table[1].DefaultLength = sizeof(ULONG);
    table[2].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
    table[2].Name = L"Verbose";
    table[2].EntryContext = &PollWdmGlobals.Verbose;
    table[2].DefaultType = (REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_DWORD;
    table[2].DefaultData = &defaultVerbose;
    table[2].DefaultLength = sizeof(ULONG);

    status = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE | RTL_REGISTRY_OPTIONAL,
                                    RegistryPath->Buffer, table, NULL, NULL);
    if (!NT_SUCCESS(status)) {
        TraceEvents(TRACE_LEVEL_ERROR, TRACE_DRIVER, "%!FUNC! RtlQueryRegistryValues failed %!STATUS!", status);
        PollWdmGlobals.IntervalMs = defaultInterval;
    }
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    ExInitializeDriverRuntime(DrvRtPoolNxOptIn);
    WPP_INIT_TRACING(DriverObject, RegistryPath);
    TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DRIVER, "%!FUNC! Entry %wZ", RegistryPath);

    RtlZeroMemory(&PollWdmGlobals, sizeof(PollWdmGlobals));
    status = PollWdmReadParameters(RegistryPath);
    if (!NT_SUCCESS(status)) {
        WPP_CLEANUP(DriverObject);
        return status;
    }
    KdPrintEx((DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "PollWdm: interval %lu ms\n",
               PollWdmGlobals.IntervalMs));

    DriverObject->DriverExtension->AddDevice = PollWdmAddDevice;
    DriverObject->DriverUnload = PollWdmUnload;
    DriverObject->MajorFunction[IRP_MJ_PNP] = PollWdmDispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = PollWdmDispatchPower;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = PollWdmDispatchIoctl;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = PollWdmDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = PollWdmDispatchCreateClose;

    status = IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange,
#pragma warning(suppress: 28160) /* a #pragma inside the argument list, as real drivers have */
                                            0,
                                            (PVOID)&GUID_DEVINTERFACE_POLLWDM_TARGET,
                                            DriverObject,
                                            PollWdmInterfaceArrival,
                                            NULL,
                                            &PollWdmGlobals.NotificationEntry);
    if (!NT_SUCCESS(status)) {
        TraceEvents(TRACE_LEVEL_WARNING, TRACE_DRIVER,
                    "%!FUNC! IoRegisterPlugPlayNotification %!STATUS!", status);
        PollWdmGlobals.NotificationEntry = NULL;
    }
    return STATUS_SUCCESS;
}

/* Declared with the role typedef, defined with the narrower notification type. */
NTSTATUS PollWdmInterfaceArrival(PDEVICE_INTERFACE_CHANGE_NOTIFICATION Notification, PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    TraceEvents(TRACE_LEVEL_VERBOSE, TRACE_DRIVER, "%!FUNC! %wZ", Notification->SymbolicLinkName);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
VOID PollWdmUnload(PDRIVER_OBJECT DriverObject)
{
    PAGED_CODE();
    if (PollWdmGlobals.NotificationEntry != NULL) {
        IoUnregisterPlugPlayNotificationEx(PollWdmGlobals.NotificationEntry);
    }
    TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DRIVER, "%!FUNC! Exit");
    WPP_CLEANUP(DriverObject);
}

_Use_decl_annotations_
NTSTATUS PollWdmAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo = NULL;
    PPOLLWDM_EXTENSION ext;
    NTSTATUS status;

    PAGED_CODE();

    status = IoCreateDevice(DriverObject, sizeof(POLLWDM_EXTENSION), NULL, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &fdo);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PPOLLWDM_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Self = fdo;
    ext->Pdo = PhysicalDeviceObject;
    ext->IntervalMs = PollWdmGlobals.IntervalMs;
    ext->DevicePowerState = PowerDeviceD0;
    KeInitializeTimerEx(&ext->PollTimer, NotificationTimer);
    KeInitializeDpc(&ext->PollDpc, PollWdmTimerDpc, ext);
    KeInitializeSemaphore(&ext->WorkSemaphore, 0, MAXLONG);
    KeInitializeEvent(&ext->StopEvent, NotificationEvent, FALSE);
    ExInitializeFastMutex(&ext->CountLock);
    ExInitializeResourceLite(&ext->StateResource);

    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        ExDeleteResourceLite(&ext->StateResource);
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags |= DO_BUFFERED_IO | DO_POWER_PAGABLE;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    InterlockedIncrement(&PollWdmDeviceCount);
    TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DEVICE, "%!FUNC! fdo %p", fdo);
    return STATUS_SUCCESS;
}

static IO_COMPLETION_ROUTINE PollWdmStartCompletion;

static NTSTATUS PollWdmStartCompletion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

_Use_decl_annotations_
NTSTATUS PollWdmDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPOLLWDM_EXTENSION ext = (PPOLLWDM_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    KEVENT event;

    PAGED_CODE();

    switch (stack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, PollWdmStartCompletion, &event, TRUE, TRUE, TRUE);
        status = IoCallDriver(ext->LowerDevice, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        if (NT_SUCCESS(status)) {
            status = PollWdmStartPolling(ext);
        }
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;

    case IRP_MN_REMOVE_DEVICE:
        PollWdmStopPolling(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(ext->LowerDevice, Irp);
        IoDetachDevice(ext->LowerDevice);
        ExDeleteResourceLite(&ext->StateResource);
        InterlockedDecrement(&PollWdmDeviceCount);
        IoDeleteDevice(DeviceObject);
        return status;

    case IRP_MN_SURPRISE_REMOVAL:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;

    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDevice, Irp);
}

_Use_decl_annotations_
NTSTATUS PollWdmDispatchCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS PollWdmDispatchIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPOLLWDM_EXTENSION ext = (PPOLLWDM_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;
    ULONG_PTR info = 0;
    SIZE_T needed;

    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_POLLWDM_GET_COUNT:
        status = RtlSizeTMult(1, sizeof(LONG), &needed);
        if (NT_SUCCESS(status) && stack->Parameters.DeviceIoControl.OutputBufferLength < needed) {
            status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        ExAcquireFastMutex(&ext->CountLock);
        *(PLONG)Irp->AssociatedIrp.SystemBuffer = ext->PollCount;
        ExReleaseFastMutex(&ext->CountLock);
        info = sizeof(LONG);
        status = STATUS_SUCCESS;
        break;
    case IOCTL_POLLWDM_SELF_CHECK:
        /* A driver assertion: the test checks that a failing one fails the test. */
        NT_ASSERT(ext->PollCount < 0);
        status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = info;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
