/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfregistry.h> for pnpsim's KMDF layer: framework registry keys
 * (WDFKEY) over the simulated registry (open, create, query and assign values, remove),
 * the device's own registry keys (WdfDeviceOpenRegistryKey) and device properties
 * (WdfDeviceQueryProperty, WdfDeviceAllocAndQueryProperty; declared in wdfdevice.h in the
 * WDK, here because this part implements them).
 */
#ifndef PNPSIM_WDK_WDFREGISTRY_H
#define PNPSIM_WDK_WDFREGISTRY_H

#include "wdfobject.h"
#include "wdfmemory.h"
#include "wdfstring.h"

#ifdef __cplusplus
extern "C" {
#endif

/* DeviceInstanceKeyType flags beyond the PLUGPLAY_REGKEY_* values. */
#ifndef WDF_REGKEY_DEVICE_SUBKEY
#define WDF_REGKEY_DEVICE_SUBKEY 0x00000008
#define WDF_REGKEY_DRIVER_SUBKEY 0x00000010
#endif

WDFAPI NTSTATUS WdfRegistryOpenKey(WDFKEY ParentKey, PCUNICODE_STRING KeyName,
                                   ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes,
                                   WDFKEY *Key);
WDFAPI NTSTATUS WdfRegistryCreateKey(WDFKEY ParentKey, PCUNICODE_STRING KeyName,
                                     ACCESS_MASK DesiredAccess, ULONG CreateOptions,
                                     PULONG CreateDisposition,
                                     PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key);
WDFAPI VOID WdfRegistryClose(WDFKEY Key);
WDFAPI HANDLE WdfRegistryWdmGetHandle(WDFKEY Key);
WDFAPI NTSTATUS WdfRegistryRemoveKey(WDFKEY Key);
WDFAPI NTSTATUS WdfRegistryRemoveValue(WDFKEY Key, PCUNICODE_STRING ValueName);
WDFAPI NTSTATUS WdfRegistryQueryValue(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueLength,
                                      PVOID Value, PULONG ValueLengthQueried, PULONG ValueType);
WDFAPI NTSTATUS WdfRegistryQueryMemory(WDFKEY Key, PCUNICODE_STRING ValueName, POOL_TYPE PoolType,
                                       PWDF_OBJECT_ATTRIBUTES MemoryAttributes, WDFMEMORY *Memory,
                                       PULONG ValueType);
WDFAPI NTSTATUS WdfRegistryQueryMultiString(WDFKEY Key, PCUNICODE_STRING ValueName,
                                            PWDF_OBJECT_ATTRIBUTES StringsAttributes,
                                            WDFCOLLECTION Collection);
WDFAPI NTSTATUS WdfRegistryQueryUnicodeString(WDFKEY Key, PCUNICODE_STRING ValueName,
                                              PUSHORT ValueByteLength, PUNICODE_STRING Value);
WDFAPI NTSTATUS WdfRegistryQueryString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String);
WDFAPI NTSTATUS WdfRegistryQueryULong(WDFKEY Key, PCUNICODE_STRING ValueName, PULONG Value);
WDFAPI NTSTATUS WdfRegistryAssignValue(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType,
                                       ULONG ValueLength, PVOID Value);
WDFAPI NTSTATUS WdfRegistryAssignMemory(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType,
                                        WDFMEMORY Memory, PWDFMEMORY_OFFSET MemoryOffsets);
WDFAPI NTSTATUS WdfRegistryAssignMultiString(WDFKEY Key, PCUNICODE_STRING ValueName,
                                             WDFCOLLECTION StringsCollection);
WDFAPI NTSTATUS WdfRegistryAssignUnicodeString(WDFKEY Key, PCUNICODE_STRING ValueName,
                                               PCUNICODE_STRING Value);
WDFAPI NTSTATUS WdfRegistryAssignString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String);
WDFAPI NTSTATUS WdfRegistryAssignULong(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG Value);

/* The device's hardware (PLUGPLAY_REGKEY_DEVICE) or software (PLUGPLAY_REGKEY_DRIVER) key. */
WDFAPI NTSTATUS WdfDeviceOpenRegistryKey(WDFDEVICE Device, ULONG DeviceInstanceKeyType,
                                         ACCESS_MASK DesiredAccess,
                                         PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key);
WDFAPI NTSTATUS WdfDeviceQueryProperty(WDFDEVICE Device, DEVICE_REGISTRY_PROPERTY DeviceProperty,
                                       ULONG BufferLength, PVOID PropertyBuffer,
                                       PULONG ResultLength);
WDFAPI NTSTATUS WdfDeviceAllocAndQueryProperty(WDFDEVICE Device,
                                               DEVICE_REGISTRY_PROPERTY DeviceProperty,
                                               POOL_TYPE PoolType,
                                               PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes,
                                               WDFMEMORY *PropertyMemory);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFREGISTRY_H */
