/* SPDX-License-Identifier: MIT */
/*
 * This file implements the smallest useful WDM driver, written exactly as driver source for
 * Windows is written (<wdm.h>, L"..." literals, UNICODE_STRING, RTL_CONSTANT_STRING, a
 * DriverEntry and a DriverUnload), to check that an installed pnpsim compiles it unchanged.
 */
#include <wdm.h>

#include "driver.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD ConsumerUnload;

static const UNICODE_STRING ExpectedRegistryPath =
    RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\consumer_drv");

static LONG EntryCalls;
static LONG UnloadCalls;
static BOOLEAN RegistryPathMatched;

static VOID ConsumerUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UnloadCalls++;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING name;

    EntryCalls++;
    if (DriverObject == NULL || RegistryPath == NULL)
        return STATUS_INVALID_PARAMETER;

    RegistryPathMatched = RtlEqualUnicodeString(RegistryPath, &ExpectedRegistryPath, TRUE);

    RtlInitUnicodeString(&name, L"consumer");
    if (name.Length != 8 * sizeof(WCHAR) || name.MaximumLength != 9 * sizeof(WCHAR))
        return STATUS_UNSUCCESSFUL;

    DriverObject->DriverUnload = ConsumerUnload;
    return STATUS_SUCCESS;
}

int consumer_driver_entry_calls(void)
{
    return (int)EntryCalls;
}

int consumer_driver_unload_calls(void)
{
    return (int)UnloadCalls;
}

int consumer_driver_registry_path_matched(void)
{
    return RegistryPathMatched ? 1 : 0;
}
