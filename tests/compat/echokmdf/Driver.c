/*
 * Driver.c - DriverEntry and EvtDriverDeviceAdd of the Echo KMDF sample driver, written the
 * way KMDF drivers are written (SAL, PAGED_CODE, alloc_text, a device interface, a context).
 */
#include <ntddk.h>
#include <wdf.h>
#include <initguid.h>      // GUID_DEVINTERFACE_ECHOKMDF is defined in this file
#include "device.h"        // Device.h, spelled in another case as drivers do

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, EchoDriverEntry)
#pragma alloc_text(PAGE, EchoEvtDeviceAdd)
#endif

#define DriverEntry EchoDriverEntry

_Use_decl_annotations_
NTSTATUS
DriverEntry(
    PDRIVER_OBJECT DriverObject,
    PUNICODE_STRING RegistryPath
    )
{
    WDF_DRIVER_CONFIG config;
    NTSTATUS status;

    WDF_DRIVER_CONFIG_INIT(&config, EchoEvtDeviceAdd);
    status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                             WDF_NO_HANDLE);
    if (!NT_SUCCESS(status)) {
        KdPrint(("Echo: WdfDriverCreate failed 0x%x\n", status));
    }
    return status;
}

_Use_decl_annotations_
NTSTATUS
EchoEvtDeviceAdd(
    WDFDRIVER Driver,
    PWDFDEVICE_INIT DeviceInit
    )
{
    WDF_OBJECT_ATTRIBUTES deviceAttributes;
    PDEVICE_CONTEXT deviceContext;
    WDFDEVICE device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    PAGED_CODE();

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&deviceAttributes, DEVICE_CONTEXT);
    status = WdfDeviceCreate(&DeviceInit, &deviceAttributes, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    deviceContext = DeviceGetContext(device);
    deviceContext->Requests = 0;

    status = WdfDeviceCreateDeviceInterface(device, &GUID_DEVINTERFACE_ECHOKMDF, NULL);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    return EchoQueueInitialize(device);
}
