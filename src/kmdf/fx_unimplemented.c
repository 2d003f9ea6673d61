/* SPDX-License-Identifier: MIT */
/*
 * This file implements the framework methods pnpsim's KMDF layer declares but does not model
 * yet: each one reports itself once per system (pnpsim__fx_not_implemented) and fails with
 * STATUS_NOT_IMPLEMENTED, or returns nothing / NULL / 0 after the "KmdfNotImplemented"
 * verifier report - never a silent success. README "KMDF" lists them as not implemented.
 */
#include "kmdf_int.h"

WDFAPI NTSTATUS WdfSpinLockCreate(PWDF_OBJECT_ATTRIBUTES SpinLockAttributes, WDFSPINLOCK *SpinLock)
{
    (void)SpinLockAttributes;
    (void)SpinLock;
    return pnpsim__fx_not_implemented("WdfSpinLockCreate");
}

WDFAPI VOID WdfSpinLockAcquire(WDFSPINLOCK SpinLock)
{
    (void)SpinLock;
    pnpsim__fx_not_implemented_void("WdfSpinLockAcquire");
}

WDFAPI VOID WdfSpinLockRelease(WDFSPINLOCK SpinLock)
{
    (void)SpinLock;
    pnpsim__fx_not_implemented_void("WdfSpinLockRelease");
}

WDFAPI NTSTATUS WdfWaitLockCreate(PWDF_OBJECT_ATTRIBUTES LockAttributes, WDFWAITLOCK *Lock)
{
    (void)LockAttributes;
    (void)Lock;
    return pnpsim__fx_not_implemented("WdfWaitLockCreate");
}

WDFAPI NTSTATUS WdfWaitLockAcquire(WDFWAITLOCK Lock, PLONGLONG Timeout)
{
    (void)Lock;
    (void)Timeout;
    return pnpsim__fx_not_implemented("WdfWaitLockAcquire");
}

WDFAPI VOID WdfWaitLockRelease(WDFWAITLOCK Lock)
{
    (void)Lock;
    pnpsim__fx_not_implemented_void("WdfWaitLockRelease");
}

WDFAPI NTSTATUS WdfTimerCreate(PWDF_TIMER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFTIMER *Timer)
{
    (void)Config;
    (void)Attributes;
    (void)Timer;
    return pnpsim__fx_not_implemented("WdfTimerCreate");
}

WDFAPI BOOLEAN WdfTimerStart(WDFTIMER Timer, LONGLONG DueTime)
{
    (void)Timer;
    (void)DueTime;
    pnpsim__fx_not_implemented_void("WdfTimerStart");
    return 0;
}

WDFAPI BOOLEAN WdfTimerStop(WDFTIMER Timer, BOOLEAN Wait)
{
    (void)Timer;
    (void)Wait;
    pnpsim__fx_not_implemented_void("WdfTimerStop");
    return 0;
}

WDFAPI WDFOBJECT WdfTimerGetParentObject(WDFTIMER Timer)
{
    (void)Timer;
    pnpsim__fx_not_implemented_void("WdfTimerGetParentObject");
    return NULL;
}

WDFAPI NTSTATUS WdfWorkItemCreate(PWDF_WORKITEM_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFWORKITEM *WorkItem)
{
    (void)Config;
    (void)Attributes;
    (void)WorkItem;
    return pnpsim__fx_not_implemented("WdfWorkItemCreate");
}

WDFAPI VOID WdfWorkItemEnqueue(WDFWORKITEM WorkItem)
{
    (void)WorkItem;
    pnpsim__fx_not_implemented_void("WdfWorkItemEnqueue");
}

WDFAPI WDFOBJECT WdfWorkItemGetParentObject(WDFWORKITEM WorkItem)
{
    (void)WorkItem;
    pnpsim__fx_not_implemented_void("WdfWorkItemGetParentObject");
    return NULL;
}

WDFAPI VOID WdfWorkItemFlush(WDFWORKITEM WorkItem)
{
    (void)WorkItem;
    pnpsim__fx_not_implemented_void("WdfWorkItemFlush");
}

WDFAPI NTSTATUS WdfCollectionCreate(PWDF_OBJECT_ATTRIBUTES CollectionAttributes, WDFCOLLECTION *Collection)
{
    (void)CollectionAttributes;
    (void)Collection;
    return pnpsim__fx_not_implemented("WdfCollectionCreate");
}

WDFAPI ULONG WdfCollectionGetCount(WDFCOLLECTION Collection)
{
    (void)Collection;
    pnpsim__fx_not_implemented_void("WdfCollectionGetCount");
    return 0;
}

WDFAPI NTSTATUS WdfCollectionAdd(WDFCOLLECTION Collection, WDFOBJECT Object)
{
    (void)Collection;
    (void)Object;
    return pnpsim__fx_not_implemented("WdfCollectionAdd");
}

WDFAPI VOID WdfCollectionRemove(WDFCOLLECTION Collection, WDFOBJECT Item)
{
    (void)Collection;
    (void)Item;
    pnpsim__fx_not_implemented_void("WdfCollectionRemove");
}

WDFAPI VOID WdfCollectionRemoveItem(WDFCOLLECTION Collection, ULONG Index)
{
    (void)Collection;
    (void)Index;
    pnpsim__fx_not_implemented_void("WdfCollectionRemoveItem");
}

WDFAPI WDFOBJECT WdfCollectionGetItem(WDFCOLLECTION Collection, ULONG Index)
{
    (void)Collection;
    (void)Index;
    pnpsim__fx_not_implemented_void("WdfCollectionGetItem");
    return NULL;
}

WDFAPI WDFOBJECT WdfCollectionGetFirstItem(WDFCOLLECTION Collection)
{
    (void)Collection;
    pnpsim__fx_not_implemented_void("WdfCollectionGetFirstItem");
    return NULL;
}

WDFAPI WDFOBJECT WdfCollectionGetLastItem(WDFCOLLECTION Collection)
{
    (void)Collection;
    pnpsim__fx_not_implemented_void("WdfCollectionGetLastItem");
    return NULL;
}

WDFAPI NTSTATUS WdfRegistryOpenKey(WDFKEY ParentKey, PCUNICODE_STRING KeyName, ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    (void)ParentKey;
    (void)KeyName;
    (void)DesiredAccess;
    (void)KeyAttributes;
    (void)Key;
    return pnpsim__fx_not_implemented("WdfRegistryOpenKey");
}

WDFAPI NTSTATUS WdfRegistryCreateKey(WDFKEY ParentKey, PCUNICODE_STRING KeyName, ACCESS_MASK DesiredAccess, ULONG CreateOptions, PULONG CreateDisposition, PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    (void)ParentKey;
    (void)KeyName;
    (void)DesiredAccess;
    (void)CreateOptions;
    (void)CreateDisposition;
    (void)KeyAttributes;
    (void)Key;
    return pnpsim__fx_not_implemented("WdfRegistryCreateKey");
}

WDFAPI VOID WdfRegistryClose(WDFKEY Key)
{
    (void)Key;
    pnpsim__fx_not_implemented_void("WdfRegistryClose");
}

WDFAPI HANDLE WdfRegistryWdmGetHandle(WDFKEY Key)
{
    (void)Key;
    pnpsim__fx_not_implemented_void("WdfRegistryWdmGetHandle");
    return NULL;
}

WDFAPI NTSTATUS WdfRegistryRemoveKey(WDFKEY Key)
{
    (void)Key;
    return pnpsim__fx_not_implemented("WdfRegistryRemoveKey");
}

WDFAPI NTSTATUS WdfRegistryRemoveValue(WDFKEY Key, PCUNICODE_STRING ValueName)
{
    (void)Key;
    (void)ValueName;
    return pnpsim__fx_not_implemented("WdfRegistryRemoveValue");
}

WDFAPI NTSTATUS WdfRegistryQueryValue(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueLength, PVOID Value, PULONG ValueLengthQueried, PULONG ValueType)
{
    (void)Key;
    (void)ValueName;
    (void)ValueLength;
    (void)Value;
    (void)ValueLengthQueried;
    (void)ValueType;
    return pnpsim__fx_not_implemented("WdfRegistryQueryValue");
}

WDFAPI NTSTATUS WdfRegistryQueryMemory(WDFKEY Key, PCUNICODE_STRING ValueName, POOL_TYPE PoolType, PWDF_OBJECT_ATTRIBUTES MemoryAttributes, WDFMEMORY *Memory, PULONG ValueType)
{
    (void)Key;
    (void)ValueName;
    (void)PoolType;
    (void)MemoryAttributes;
    (void)Memory;
    (void)ValueType;
    return pnpsim__fx_not_implemented("WdfRegistryQueryMemory");
}

WDFAPI NTSTATUS WdfRegistryQueryMultiString(WDFKEY Key, PCUNICODE_STRING ValueName, PWDF_OBJECT_ATTRIBUTES StringsAttributes, WDFCOLLECTION Collection)
{
    (void)Key;
    (void)ValueName;
    (void)StringsAttributes;
    (void)Collection;
    return pnpsim__fx_not_implemented("WdfRegistryQueryMultiString");
}

WDFAPI NTSTATUS WdfRegistryQueryUnicodeString(WDFKEY Key, PCUNICODE_STRING ValueName, PUSHORT ValueByteLength, PUNICODE_STRING Value)
{
    (void)Key;
    (void)ValueName;
    (void)ValueByteLength;
    (void)Value;
    return pnpsim__fx_not_implemented("WdfRegistryQueryUnicodeString");
}

WDFAPI NTSTATUS WdfRegistryQueryString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String)
{
    (void)Key;
    (void)ValueName;
    (void)String;
    return pnpsim__fx_not_implemented("WdfRegistryQueryString");
}

WDFAPI NTSTATUS WdfRegistryQueryULong(WDFKEY Key, PCUNICODE_STRING ValueName, PULONG Value)
{
    (void)Key;
    (void)ValueName;
    (void)Value;
    return pnpsim__fx_not_implemented("WdfRegistryQueryULong");
}

WDFAPI NTSTATUS WdfRegistryAssignValue(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType, ULONG ValueLength, PVOID Value)
{
    (void)Key;
    (void)ValueName;
    (void)ValueType;
    (void)ValueLength;
    (void)Value;
    return pnpsim__fx_not_implemented("WdfRegistryAssignValue");
}

WDFAPI NTSTATUS WdfRegistryAssignMemory(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType, WDFMEMORY Memory, PWDFMEMORY_OFFSET MemoryOffsets)
{
    (void)Key;
    (void)ValueName;
    (void)ValueType;
    (void)Memory;
    (void)MemoryOffsets;
    return pnpsim__fx_not_implemented("WdfRegistryAssignMemory");
}

WDFAPI NTSTATUS WdfRegistryAssignMultiString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFCOLLECTION StringsCollection)
{
    (void)Key;
    (void)ValueName;
    (void)StringsCollection;
    return pnpsim__fx_not_implemented("WdfRegistryAssignMultiString");
}

WDFAPI NTSTATUS WdfRegistryAssignUnicodeString(WDFKEY Key, PCUNICODE_STRING ValueName, PCUNICODE_STRING Value)
{
    (void)Key;
    (void)ValueName;
    (void)Value;
    return pnpsim__fx_not_implemented("WdfRegistryAssignUnicodeString");
}

WDFAPI NTSTATUS WdfRegistryAssignString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String)
{
    (void)Key;
    (void)ValueName;
    (void)String;
    return pnpsim__fx_not_implemented("WdfRegistryAssignString");
}

WDFAPI NTSTATUS WdfRegistryAssignULong(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG Value)
{
    (void)Key;
    (void)ValueName;
    (void)Value;
    return pnpsim__fx_not_implemented("WdfRegistryAssignULong");
}

WDFAPI NTSTATUS WdfDeviceOpenRegistryKey(WDFDEVICE Device, ULONG DeviceInstanceKeyType, ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    (void)Device;
    (void)DeviceInstanceKeyType;
    (void)DesiredAccess;
    (void)KeyAttributes;
    (void)Key;
    return pnpsim__fx_not_implemented("WdfDeviceOpenRegistryKey");
}

WDFAPI NTSTATUS WdfDeviceQueryProperty(WDFDEVICE Device, DEVICE_REGISTRY_PROPERTY DeviceProperty, ULONG BufferLength, PVOID PropertyBuffer, PULONG ResultLength)
{
    (void)Device;
    (void)DeviceProperty;
    (void)BufferLength;
    (void)PropertyBuffer;
    (void)ResultLength;
    return pnpsim__fx_not_implemented("WdfDeviceQueryProperty");
}

WDFAPI NTSTATUS WdfDeviceAllocAndQueryProperty(WDFDEVICE Device, DEVICE_REGISTRY_PROPERTY DeviceProperty, POOL_TYPE PoolType, PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes, WDFMEMORY *PropertyMemory)
{
    (void)Device;
    (void)DeviceProperty;
    (void)PoolType;
    (void)PropertyMemoryAttributes;
    (void)PropertyMemory;
    return pnpsim__fx_not_implemented("WdfDeviceAllocAndQueryProperty");
}
/* Declared by wdfobject.h / wdfdriver.h; owned by the I/O part (not modelled yet). */
WDFAPI VOID WdfObjectAcquireLock(WDFOBJECT Object)
{
    (void)Object;
    pnpsim__fx_not_implemented_void("WdfObjectAcquireLock");
}

WDFAPI VOID WdfObjectReleaseLock(WDFOBJECT Object)
{
    (void)Object;
    pnpsim__fx_not_implemented_void("WdfObjectReleaseLock");
}

WDFAPI NTSTATUS WdfDriverOpenParametersRegistryKey(WDFDRIVER Driver, ACCESS_MASK DesiredAccess,
                                                   PWDF_OBJECT_ATTRIBUTES KeyAttributes,
                                                   WDFKEY *Key)
{
    (void)Driver;
    (void)DesiredAccess;
    (void)KeyAttributes;
    if (Key != NULL)
        *Key = NULL;
    return pnpsim__fx_not_implemented("WdfDriverOpenParametersRegistryKey");
}
