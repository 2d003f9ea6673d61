/* SPDX-License-Identifier: MIT */
/*
 * This file implements framework registry keys (WDFKEY) for pnpsim's KMDF layer over the
 * simulated registry (zw_registry.c): WdfRegistryOpenKey/CreateKey/Close/WdmGetHandle/
 * RemoveKey/RemoveValue, the query and assign methods for values, ULONGs, Unicode strings,
 * WDFSTRINGs and WDFMEMORY, WdfDriverOpenParametersRegistryKey (the service key's
 * Parameters subkey), WdfDeviceOpenRegistryKey (IoOpenDeviceRegistryKey) and the device
 * property queries WdfDeviceQueryProperty / WdfDeviceAllocAndQueryProperty
 * (IoGetDeviceProperty). Every method runs at PASSIVE_LEVEL and returns
 * STATUS_INVALID_DEVICE_REQUEST above it, as the methods' Learn pages document.
 * Multi-string values (WDFCOLLECTION of WDFSTRINGs) are not modelled (fx_unimplemented.c).
 */
#include "fx_io.h"

typedef struct pnpsim__fx_key {
    pnpsim__fx_object obj; /* must be first */
    HANDLE handle;         /* NULL once closed */
} pnpsim__fx_key;

static void key_on_destroy(pnpsim__fx_object *o)
{
    pnpsim__fx_key *k = (pnpsim__fx_key *)o;
    if (k->handle != NULL)
        (void)ZwClose(k->handle);
    k->handle = NULL;
}

static const pnpsim__fx_ops key_ops = {"WDFKEY", NULL, key_on_destroy, false};

/* Validate a WDFKEY handle and the IRQL. */
static pnpsim__fx_key *get_key(WDFKEY h, const char *ddi, NTSTATUS *status)
{
    pnpsim__fx_key *k = (pnpsim__fx_key *)pnpsim__fx_get((WDFOBJECT)h, PNPSIM_FX_KEY, ddi);
    *status = STATUS_SUCCESS;
    if (k == NULL) {
        *status = STATUS_INVALID_HANDLE;
        return NULL;
    }
    if (!pnpsim__fx_check_irql(k->obj.sys, PASSIVE_LEVEL, ddi)) {
        *status = STATUS_INVALID_DEVICE_REQUEST;
        return NULL;
    }
    if (pnpsim__fault_ddi(k->obj.sys, ddi, status))
        return NULL;
    return k;
}

/* A UNICODE_STRING parameter must be well formed. */
static bool ustr_ok(pnpsim_system *sys, PCUNICODE_STRING s, const char *what, const char *ddi)
{
    if (!pnpsim__fx_check_ptr(sys, s, what, ddi))
        return false;
    if ((s->Length & 1) != 0 || s->Length > s->MaximumLength ||
        (s->Buffer == NULL && s->Length != 0)) {
        (void)pnpsim__status(STATUS_INVALID_PARAMETER, "%s: %s is not a valid UNICODE_STRING",
                             ddi, what);
        return false;
    }
    return true;
}

/* Wrap an open registry handle into a WDFKEY (the handle is closed on failure). */
static NTSTATUS key_new(pnpsim_system *sys, pnpsim__fx_driver *drv, pnpsim__fx_object *parent,
                        HANDLE h, PWDF_OBJECT_ATTRIBUTES attrs, WDFKEY *out, const char *ddi)
{
    pnpsim__fx_key *k = pnpsim__calloc(sys, 1, sizeof(*k));
    NTSTATUS status;
    if (k == NULL) {
        (void)ZwClose(h);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    }
    status = pnpsim__fx_object_init(sys, &k->obj, PNPSIM_FX_KEY, &key_ops, drv, parent, attrs,
                                    ddi);
    if (!NT_SUCCESS(status)) {
        (void)ZwClose(h);
        pnpsim__free(sys, k);
        return status;
    }
    k->handle = h;
    *out = (WDFKEY)k;
    return STATUS_SUCCESS;
}

/* Common checks of the methods creating a key: the output pointer, the attributes. */
static pnpsim_system *create_checks(PWDF_OBJECT_ATTRIBUTES attrs, WDFKEY *key, const char *ddi,
                                    NTSTATUS *status)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    *status = STATUS_INVALID_DEVICE_STATE;
    if (sys == NULL)
        return NULL;
    if (pnpsim__fault_ddi(sys, ddi, status))
        return NULL;
    *status = STATUS_INVALID_DEVICE_REQUEST;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return NULL;
    *status = STATUS_INVALID_PARAMETER;
    if (!pnpsim__fx_check_ptr(sys, key, "Key", ddi))
        return NULL;
    *key = NULL;
    if (attrs != NULL) {
        *status = pnpsim__fx_attributes_check(sys, attrs, ddi);
        if (!NT_SUCCESS(*status))
            return NULL;
    }
    *status = STATUS_SUCCESS;
    return sys;
}

static NTSTATUS open_or_create(WDFKEY ParentKey, PCUNICODE_STRING KeyName,
                               ACCESS_MASK DesiredAccess, bool create, ULONG CreateOptions,
                               PULONG CreateDisposition, PWDF_OBJECT_ATTRIBUTES KeyAttributes,
                               WDFKEY *Key, const char *ddi)
{
    NTSTATUS status;
    pnpsim_system *sys = create_checks(KeyAttributes, Key, ddi, &status);
    pnpsim__fx_key *parent = NULL;
    OBJECT_ATTRIBUTES oa;
    HANDLE h = NULL;
    if (sys == NULL)
        return status;
    if (ParentKey != NULL) {
        parent = (pnpsim__fx_key *)pnpsim__fx_get((WDFOBJECT)ParentKey, PNPSIM_FX_KEY, ddi);
        if (parent == NULL)
            return STATUS_INVALID_HANDLE;
    }
    if (!ustr_ok(sys, KeyName, "KeyName", ddi))
        return STATUS_INVALID_PARAMETER;
    InitializeObjectAttributes(&oa, (PUNICODE_STRING)KeyName,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               parent != NULL ? parent->handle : NULL, NULL);
    if (create)
        status = ZwCreateKey(&h, DesiredAccess, &oa, 0, NULL, CreateOptions, CreateDisposition);
    else
        status = ZwOpenKey(&h, DesiredAccess, &oa);
    if (!NT_SUCCESS(status))
        return status;
    return key_new(sys, pnpsim__fx_current_driver(sys), NULL, h, KeyAttributes, Key, ddi);
}

/* Windows behaviour: "WdfRegistryOpenKey": PASSIVE_LEVEL; opens KeyName (absolute, or
 * relative to ParentKey); STATUS_OBJECT_NAME_NOT_FOUND when it does not exist; the default
 * parent of the key object is the driver. Simulation: ZwOpenKey. */
WDFAPI NTSTATUS WdfRegistryOpenKey(WDFKEY ParentKey, PCUNICODE_STRING KeyName,
                                   ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes,
                                   WDFKEY *Key)
{
    return open_or_create(ParentKey, KeyName, DesiredAccess, false, 0, NULL, KeyAttributes, Key,
                          "WdfRegistryOpenKey");
}

/* Windows behaviour: "WdfRegistryCreateKey": PASSIVE_LEVEL; creates or opens the key;
 * CreateDisposition receives REG_CREATED_NEW_KEY or REG_OPENED_EXISTING_KEY.
 * Simulation: ZwCreateKey. */
WDFAPI NTSTATUS WdfRegistryCreateKey(WDFKEY ParentKey, PCUNICODE_STRING KeyName,
                                     ACCESS_MASK DesiredAccess, ULONG CreateOptions,
                                     PULONG CreateDisposition,
                                     PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    return open_or_create(ParentKey, KeyName, DesiredAccess, true, CreateOptions,
                          CreateDisposition, KeyAttributes, Key, "WdfRegistryCreateKey");
}

/* Windows behaviour: "WdfRegistryClose": PASSIVE_LEVEL; closes the key and deletes the key
 * object. */
WDFAPI VOID WdfRegistryClose(WDFKEY Key)
{
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, "WdfRegistryClose", &status);
    if (k == NULL)
        return;
    pnpsim__fx_object_delete(&k->obj);
}

/* Windows behaviour: "WdfRegistryWdmGetHandle": <= DISPATCH_LEVEL; the key's handle. */
WDFAPI HANDLE WdfRegistryWdmGetHandle(WDFKEY Key)
{
    static const char ddi[] = "WdfRegistryWdmGetHandle";
    pnpsim__fx_key *k = (pnpsim__fx_key *)pnpsim__fx_get((WDFOBJECT)Key, PNPSIM_FX_KEY, ddi);
    if (k == NULL || !pnpsim__fx_check_irql(k->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    return k->handle;
}

/* Windows behaviour: "WdfRegistryRemoveKey": PASSIVE_LEVEL; removes the key from the
 * registry and, on success, deletes the key object (the driver does not close it).
 * Simulation: ZwDeleteKey (a key with subkeys fails as ZwDeleteKey fails). */
WDFAPI NTSTATUS WdfRegistryRemoveKey(WDFKEY Key)
{
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, "WdfRegistryRemoveKey", &status);
    if (k == NULL)
        return status;
    status = ZwDeleteKey(k->handle);
    if (NT_SUCCESS(status))
        pnpsim__fx_object_delete(&k->obj);
    return status;
}

/* Windows behaviour: "WdfRegistryRemoveValue": PASSIVE_LEVEL; STATUS_OBJECT_NAME_NOT_FOUND
 * when the value does not exist. Simulation: ZwDeleteValueKey. */
WDFAPI NTSTATUS WdfRegistryRemoveValue(WDFKEY Key, PCUNICODE_STRING ValueName)
{
    static const char ddi[] = "WdfRegistryRemoveValue";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    if (k == NULL)
        return status;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    return ZwDeleteValueKey(k->handle, (PUNICODE_STRING)ValueName);
}

/* Read a value into a pnpsim__malloc'ed KEY_VALUE_PARTIAL_INFORMATION (*out, caller
 * frees). */
static NTSTATUS read_value(pnpsim__fx_key *k, PCUNICODE_STRING name,
                           PKEY_VALUE_PARTIAL_INFORMATION *out, const char *ddi)
{
    pnpsim_system *sys = k->obj.sys;
    ULONG need = 0;
    PKEY_VALUE_PARTIAL_INFORMATION info;
    NTSTATUS status;
    *out = NULL;
    status = ZwQueryValueKey(k->handle, (PUNICODE_STRING)name, KeyValuePartialInformation, NULL,
                             0, &need);
    if (status != STATUS_BUFFER_TOO_SMALL && status != STATUS_BUFFER_OVERFLOW)
        return NT_SUCCESS(status) ? STATUS_UNSUCCESSFUL : status;
    info = pnpsim__malloc(sys, need);
    if (info == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    status = ZwQueryValueKey(k->handle, (PUNICODE_STRING)name, KeyValuePartialInformation, info,
                             need, &need);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, info);
        return status;
    }
    *out = info;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfRegistryQueryValue": PASSIVE_LEVEL; copies the value's data into
 * Value; ValueLengthQueried / ValueType (optional) receive its size and type; a buffer too
 * small (or Value NULL) -> STATUS_BUFFER_OVERFLOW with the size needed in
 * ValueLengthQueried; STATUS_OBJECT_NAME_NOT_FOUND when the value does not exist.
 * Simulation: as described; nothing is copied on STATUS_BUFFER_OVERFLOW. */
WDFAPI NTSTATUS WdfRegistryQueryValue(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueLength,
                                      PVOID Value, PULONG ValueLengthQueried, PULONG ValueType)
{
    static const char ddi[] = "WdfRegistryQueryValue";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    PKEY_VALUE_PARTIAL_INFORMATION info;
    if (k == NULL)
        return status;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    if (Value == NULL && ValueLength != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Value is NULL, ValueLength %lu",
                              ddi, (unsigned long)ValueLength);
    status = read_value(k, ValueName, &info, ddi);
    if (!NT_SUCCESS(status))
        return status;
    if (ValueLengthQueried != NULL)
        *ValueLengthQueried = info->DataLength;
    if (ValueType != NULL)
        *ValueType = info->Type;
    if (Value == NULL || ValueLength < info->DataLength)
        status = pnpsim__status(STATUS_BUFFER_OVERFLOW, "%s: the value has %lu bytes", ddi,
                                (unsigned long)info->DataLength);
    else
        RtlCopyMemory(Value, info->Data, info->DataLength);
    pnpsim__free(k->obj.sys, info);
    return status;
}

/* Windows behaviour: "WdfRegistryQueryMemory": PASSIVE_LEVEL; the value's data in a new
 * WDFMEMORY from PoolType (default parent: the key). Simulation: WdfMemoryCreate. */
WDFAPI NTSTATUS WdfRegistryQueryMemory(WDFKEY Key, PCUNICODE_STRING ValueName, POOL_TYPE PoolType,
                                       PWDF_OBJECT_ATTRIBUTES MemoryAttributes, WDFMEMORY *Memory,
                                       PULONG ValueType)
{
    static const char ddi[] = "WdfRegistryQueryMemory";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    PKEY_VALUE_PARTIAL_INFORMATION info;
    WDF_OBJECT_ATTRIBUTES attrs;
    PVOID buf = NULL;
    if (k == NULL)
        return status;
    if (!pnpsim__fx_check_ptr(k->obj.sys, Memory, "Memory", ddi))
        return STATUS_INVALID_PARAMETER;
    *Memory = NULL;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    status = read_value(k, ValueName, &info, ddi);
    if (!NT_SUCCESS(status))
        return status;
    if (MemoryAttributes != NULL) {
        attrs = *MemoryAttributes;
    } else {
        WDF_OBJECT_ATTRIBUTES_INIT(&attrs);
    }
    if (attrs.ParentObject == NULL)
        attrs.ParentObject = (WDFOBJECT)Key;
    status = WdfMemoryCreate(&attrs, PoolType, 0, info->DataLength != 0 ? info->DataLength : 1,
                             Memory, &buf);
    if (NT_SUCCESS(status)) {
        RtlCopyMemory(buf, info->Data, info->DataLength);
        if (ValueType != NULL)
            *ValueType = info->Type;
    }
    pnpsim__free(k->obj.sys, info);
    return status;
}

/* Read a REG_SZ / REG_EXPAND_SZ value (STATUS_OBJECT_TYPE_MISMATCH for other types). */
static NTSTATUS read_string(pnpsim__fx_key *k, PCUNICODE_STRING name,
                            PKEY_VALUE_PARTIAL_INFORMATION *out, const char *ddi)
{
    NTSTATUS status = read_value(k, name, out, ddi);
    if (!NT_SUCCESS(status))
        return status;
    if ((*out)->Type != REG_SZ && (*out)->Type != REG_EXPAND_SZ) {
        pnpsim__free(k->obj.sys, *out);
        *out = NULL;
        return pnpsim__status(STATUS_OBJECT_TYPE_MISMATCH, "%s: the value is not a string",
                              ddi);
    }
    return STATUS_SUCCESS;
}

/* The string's length in bytes without trailing NULs. */
static USHORT string_bytes(const KEY_VALUE_PARTIAL_INFORMATION *info)
{
    ULONG n = info->DataLength & ~1u;
    const UCHAR *p = info->Data;
    while (n >= 2 && p[n - 1] == 0 && p[n - 2] == 0)
        n -= 2;
    return n > 0xFFFEu ? (USHORT)0xFFFEu : (USHORT)n;
}

/* Windows behaviour: "WdfRegistryQueryUnicodeString": PASSIVE_LEVEL; a REG_SZ value
 * (else STATUS_OBJECT_TYPE_MISMATCH) copied into Value; ValueByteLength receives the
 * string's size including the terminating NUL; Value NULL returns only that size; a
 * Value buffer too small -> STATUS_BUFFER_OVERFLOW (partial data).
 * Simulation: as described; REG_EXPAND_SZ is accepted too (unexpanded); on
 * STATUS_BUFFER_OVERFLOW Value holds the first MaximumLength bytes. */
WDFAPI NTSTATUS WdfRegistryQueryUnicodeString(WDFKEY Key, PCUNICODE_STRING ValueName,
                                              PUSHORT ValueByteLength, PUNICODE_STRING Value)
{
    static const char ddi[] = "WdfRegistryQueryUnicodeString";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    PKEY_VALUE_PARTIAL_INFORMATION info;
    USHORT bytes;
    if (k == NULL)
        return status;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    if (Value == NULL && ValueByteLength == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: Value and ValueByteLength are both NULL", ddi);
    if (Value != NULL && Value->Buffer == NULL && Value->MaximumLength != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Value->Buffer is NULL", ddi);
    status = read_string(k, ValueName, &info, ddi);
    if (!NT_SUCCESS(status))
        return status;
    bytes = string_bytes(info);
    if (ValueByteLength != NULL)
        *ValueByteLength = (USHORT)(bytes + sizeof(WCHAR));
    if (Value != NULL) {
        USHORT copy = bytes <= Value->MaximumLength ? bytes : (USHORT)(Value->MaximumLength & ~1u);
        if (copy != 0)
            RtlCopyMemory(Value->Buffer, info->Data, copy);
        Value->Length = copy;
        if (copy < bytes)
            status = pnpsim__status(STATUS_BUFFER_OVERFLOW,
                                    "%s: the string has %u bytes, the buffer %u", ddi,
                                    (unsigned)bytes, (unsigned)Value->MaximumLength);
        else if (bytes + sizeof(WCHAR) <= Value->MaximumLength)
            Value->Buffer[bytes / sizeof(WCHAR)] = 0;
    }
    pnpsim__free(k->obj.sys, info);
    return status;
}

/* Windows behaviour: "WdfRegistryQueryString": PASSIVE_LEVEL; a REG_SZ value into a
 * WDFSTRING. Simulation: as described. */
WDFAPI NTSTATUS WdfRegistryQueryString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String)
{
    static const char ddi[] = "WdfRegistryQueryString";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    pnpsim__fx_string *str;
    PKEY_VALUE_PARTIAL_INFORMATION info;
    UNICODE_STRING u;
    if (k == NULL)
        return status;
    str = (pnpsim__fx_string *)pnpsim__fx_get((WDFOBJECT)String, PNPSIM_FX_STRING, ddi);
    if (str == NULL)
        return STATUS_INVALID_HANDLE;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    status = read_string(k, ValueName, &info, ddi);
    if (!NT_SUCCESS(status))
        return status;
    u.Buffer = (PWCH)(void *)info->Data;
    u.Length = u.MaximumLength = string_bytes(info);
    status = pnpsim__fx_string_assign(str, &u);
    pnpsim__free(k->obj.sys, info);
    return status;
}

/* Windows behaviour: "WdfRegistryQueryULong": PASSIVE_LEVEL; a REG_DWORD value (else
 * STATUS_OBJECT_TYPE_MISMATCH); STATUS_OBJECT_NAME_NOT_FOUND when it does not exist. */
WDFAPI NTSTATUS WdfRegistryQueryULong(WDFKEY Key, PCUNICODE_STRING ValueName, PULONG Value)
{
    static const char ddi[] = "WdfRegistryQueryULong";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    PKEY_VALUE_PARTIAL_INFORMATION info;
    if (k == NULL)
        return status;
    if (!pnpsim__fx_check_ptr(k->obj.sys, Value, "Value", ddi) ||
        !ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    status = read_value(k, ValueName, &info, ddi);
    if (!NT_SUCCESS(status))
        return status;
    if (info->Type != REG_DWORD || info->DataLength != sizeof(ULONG))
        status = pnpsim__status(STATUS_OBJECT_TYPE_MISMATCH, "%s: the value is not a REG_DWORD",
                                ddi);
    else
        RtlCopyMemory(Value, info->Data, sizeof(ULONG));
    pnpsim__free(k->obj.sys, info);
    return status;
}

/* Windows behaviour: "WdfRegistryAssignValue": PASSIVE_LEVEL; writes the value (creating
 * it). Simulation: ZwSetValueKey. */
WDFAPI NTSTATUS WdfRegistryAssignValue(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType,
                                       ULONG ValueLength, PVOID Value)
{
    static const char ddi[] = "WdfRegistryAssignValue";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    if (k == NULL)
        return status;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    if (Value == NULL && ValueLength != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Value is NULL", ddi);
    return ZwSetValueKey(k->handle, (PUNICODE_STRING)ValueName, 0, ValueType, Value, ValueLength);
}

/* Windows behaviour: "WdfRegistryAssignMemory": the bytes of a WDFMEMORY (optionally a
 * window of it) as a value of ValueType. Simulation: as described. */
WDFAPI NTSTATUS WdfRegistryAssignMemory(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG ValueType,
                                        WDFMEMORY Memory, PWDFMEMORY_OFFSET MemoryOffsets)
{
    static const char ddi[] = "WdfRegistryAssignMemory";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    pnpsim__fx_memory *m;
    size_t off = 0, len;
    if (k == NULL)
        return status;
    m = (pnpsim__fx_memory *)pnpsim__fx_get((WDFOBJECT)Memory, PNPSIM_FX_MEMORY, ddi);
    if (m == NULL)
        return STATUS_INVALID_HANDLE;
    len = m->size;
    if (MemoryOffsets != NULL) {
        off = MemoryOffsets->BufferOffset;
        len = MemoryOffsets->BufferLength != 0 ? MemoryOffsets->BufferLength : m->size - off;
        if (off > m->size || len > m->size - off)
            return pnpsim__status(STATUS_INVALID_BUFFER_SIZE,
                                  "%s: the offsets leave the %zu-byte buffer", ddi, m->size);
    }
    if (len > 0xFFFFFFFFu)
        return STATUS_INVALID_BUFFER_SIZE;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    return ZwSetValueKey(k->handle, (PUNICODE_STRING)ValueName, 0, ValueType,
                         (PUCHAR)m->buffer + off, (ULONG)len);
}

/* Write s as a NUL-terminated REG_SZ. */
static NTSTATUS assign_string(pnpsim__fx_key *k, PCUNICODE_STRING name, PCUNICODE_STRING s,
                              const char *ddi)
{
    pnpsim_system *sys = k->obj.sys;
    ULONG bytes = (ULONG)s->Length + sizeof(WCHAR);
    WCHAR *buf = pnpsim__malloc(sys, bytes);
    NTSTATUS status;
    if (buf == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    if (s->Length != 0)
        RtlCopyMemory(buf, s->Buffer, s->Length);
    buf[s->Length / sizeof(WCHAR)] = 0;
    status = ZwSetValueKey(k->handle, (PUNICODE_STRING)name, 0, REG_SZ, buf, bytes);
    pnpsim__free(sys, buf);
    return status;
}

/* Windows behaviour: "WdfRegistryAssignUnicodeString": PASSIVE_LEVEL; writes a REG_SZ.
 * Simulation: the data is the string followed by a terminating NUL. */
WDFAPI NTSTATUS WdfRegistryAssignUnicodeString(WDFKEY Key, PCUNICODE_STRING ValueName,
                                               PCUNICODE_STRING Value)
{
    static const char ddi[] = "WdfRegistryAssignUnicodeString";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    if (k == NULL)
        return status;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi) ||
        !ustr_ok(k->obj.sys, Value, "Value", ddi))
        return STATUS_INVALID_PARAMETER;
    return assign_string(k, ValueName, Value, ddi);
}

/* Windows behaviour: "WdfRegistryAssignString": PASSIVE_LEVEL; a WDFSTRING as REG_SZ. */
WDFAPI NTSTATUS WdfRegistryAssignString(WDFKEY Key, PCUNICODE_STRING ValueName, WDFSTRING String)
{
    static const char ddi[] = "WdfRegistryAssignString";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    pnpsim__fx_string *str;
    if (k == NULL)
        return status;
    str = (pnpsim__fx_string *)pnpsim__fx_get((WDFOBJECT)String, PNPSIM_FX_STRING, ddi);
    if (str == NULL)
        return STATUS_INVALID_HANDLE;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    return assign_string(k, ValueName, &str->value, ddi);
}

/* Windows behaviour: "WdfRegistryAssignULong": PASSIVE_LEVEL; writes a REG_DWORD. */
WDFAPI NTSTATUS WdfRegistryAssignULong(WDFKEY Key, PCUNICODE_STRING ValueName, ULONG Value)
{
    static const char ddi[] = "WdfRegistryAssignULong";
    NTSTATUS status;
    pnpsim__fx_key *k = get_key(Key, ddi, &status);
    if (k == NULL)
        return status;
    if (!ustr_ok(k->obj.sys, ValueName, "ValueName", ddi))
        return STATUS_INVALID_PARAMETER;
    return ZwSetValueKey(k->handle, (PUNICODE_STRING)ValueName, 0, REG_DWORD, &Value,
                         sizeof(Value));
}

/* ---- the driver's and the device's keys ------------------------------------------------- */

/* Windows behaviour: "WdfDriverOpenParametersRegistryKey": PASSIVE_LEVEL; opens the
 * Parameters subkey of the driver's service key (KMDF creates it when missing); the key
 * object's default parent is the driver. Simulation: ZwOpenKey of the registry path given
 * to DriverEntry, then ZwCreateKey of "Parameters". */
WDFAPI NTSTATUS WdfDriverOpenParametersRegistryKey(WDFDRIVER Driver, ACCESS_MASK DesiredAccess,
                                                   PWDF_OBJECT_ATTRIBUTES KeyAttributes,
                                                   WDFKEY *Key)
{
    static const char ddi[] = "WdfDriverOpenParametersRegistryKey";
    static const WCHAR parameters[] = u"Parameters";
    pnpsim__fx_driver *drv =
        (pnpsim__fx_driver *)pnpsim__fx_get((WDFOBJECT)Driver, PNPSIM_FX_DRIVER, ddi);
    UNICODE_STRING path, sub;
    OBJECT_ATTRIBUTES oa;
    HANDLE service = NULL, h = NULL;
    pnpsim_system *sys;
    NTSTATUS status;
    if (drv == NULL)
        return STATUS_INVALID_HANDLE;
    sys = create_checks(KeyAttributes, Key, ddi, &status);
    if (sys == NULL)
        return status;
    if (drv->regpath == NULL)
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND, "%s: the driver has no registry path",
                              ddi);
    RtlInitUnicodeString(&path, drv->regpath);
    InitializeObjectAttributes(&oa, &path, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = ZwOpenKey(&service, KEY_READ, &oa);
    if (!NT_SUCCESS(status))
        return status;
    sub.Buffer = (PWCH)parameters;
    sub.Length = (USHORT)(sizeof(parameters) - sizeof(WCHAR));
    sub.MaximumLength = (USHORT)sizeof(parameters);
    InitializeObjectAttributes(&oa, &sub, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, service, NULL);
    status = ZwCreateKey(&h, DesiredAccess, &oa, 0, NULL, REG_OPTION_NON_VOLATILE, NULL);
    (void)ZwClose(service);
    if (!NT_SUCCESS(status))
        return status;
    return key_new(sys, drv, NULL, h, KeyAttributes, Key, ddi);
}

/* Windows behaviour: "WdfDeviceOpenRegistryKey": PASSIVE_LEVEL; PLUGPLAY_REGKEY_DEVICE
 * (hardware key) or PLUGPLAY_REGKEY_DRIVER (software key), optionally with
 * PLUGPLAY_REGKEY_CURRENT_HWPROFILE; the key object's default parent is the device.
 * Simulation: IoOpenDeviceRegistryKey on the device's PDO; WDF_REGKEY_DEVICE_SUBKEY /
 * WDF_REGKEY_DRIVER_SUBKEY are not modelled (STATUS_NOT_IMPLEMENTED, logged once). */
WDFAPI NTSTATUS WdfDeviceOpenRegistryKey(WDFDEVICE Device, ULONG DeviceInstanceKeyType,
                                         ACCESS_MASK DesiredAccess,
                                         PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key)
{
    static const char ddi[] = "WdfDeviceOpenRegistryKey";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    pnpsim_system *sys;
    NTSTATUS status;
    HANDLE h = NULL;
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    sys = create_checks(KeyAttributes, Key, ddi, &status);
    if (sys == NULL)
        return status;
    if (DeviceInstanceKeyType & (WDF_REGKEY_DEVICE_SUBKEY | WDF_REGKEY_DRIVER_SUBKEY))
        return pnpsim__fx_not_implemented("WdfDeviceOpenRegistryKey(WDF_REGKEY_*_SUBKEY)");
    if (d->pdo == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the device has no PDO yet", ddi);
    status = IoOpenDeviceRegistryKey(d->pdo, DeviceInstanceKeyType, DesiredAccess, &h);
    if (!NT_SUCCESS(status))
        return status;
    return key_new(sys, d->obj.driver, &d->obj, h, KeyAttributes, Key, ddi);
}

/* Windows behaviour: "WdfDeviceQueryProperty": PASSIVE_LEVEL; IoGetDeviceProperty of the
 * device's PDO: STATUS_BUFFER_TOO_SMALL with *ResultLength the size needed.
 * Simulation: IoGetDeviceProperty. */
WDFAPI NTSTATUS WdfDeviceQueryProperty(WDFDEVICE Device, DEVICE_REGISTRY_PROPERTY DeviceProperty,
                                       ULONG BufferLength, PVOID PropertyBuffer,
                                       PULONG ResultLength)
{
    static const char ddi[] = "WdfDeviceQueryProperty";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    NTSTATUS status;
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(d->obj.sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(d->obj.sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!pnpsim__fx_check_ptr(d->obj.sys, ResultLength, "ResultLength", ddi))
        return STATUS_INVALID_PARAMETER;
    *ResultLength = 0;
    if (d->pdo == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the device has no PDO yet", ddi);
    return IoGetDeviceProperty(d->pdo, DeviceProperty, BufferLength, PropertyBuffer,
                               ResultLength);
}

/* Windows behaviour: "WdfDeviceAllocAndQueryProperty": PASSIVE_LEVEL; the property in a new
 * WDFMEMORY from PoolType whose default parent is the device. Simulation: the size is
 * queried first, then the memory created and filled; nothing is left on failure. */
WDFAPI NTSTATUS WdfDeviceAllocAndQueryProperty(WDFDEVICE Device,
                                               DEVICE_REGISTRY_PROPERTY DeviceProperty,
                                               POOL_TYPE PoolType,
                                               PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes,
                                               WDFMEMORY *PropertyMemory)
{
    static const char ddi[] = "WdfDeviceAllocAndQueryProperty";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    WDF_OBJECT_ATTRIBUTES attrs;
    ULONG need = 0;
    PVOID buf = NULL;
    WDFMEMORY mem = NULL;
    NTSTATUS status;
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(d->obj.sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(d->obj.sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!pnpsim__fx_check_ptr(d->obj.sys, PropertyMemory, "PropertyMemory", ddi))
        return STATUS_INVALID_PARAMETER;
    *PropertyMemory = NULL;
    if (d->pdo == NULL)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE, "%s: the device has no PDO yet", ddi);
    status = IoGetDeviceProperty(d->pdo, DeviceProperty, 0, NULL, &need);
    if (status != STATUS_BUFFER_TOO_SMALL)
        return NT_SUCCESS(status) ? STATUS_UNSUCCESSFUL : status;
    if (PropertyMemoryAttributes != NULL) {
        attrs = *PropertyMemoryAttributes;
    } else {
        WDF_OBJECT_ATTRIBUTES_INIT(&attrs);
    }
    if (attrs.ParentObject == NULL)
        attrs.ParentObject = (WDFOBJECT)Device;
    status = WdfMemoryCreate(&attrs, PoolType, 0, need, &mem, &buf);
    if (!NT_SUCCESS(status))
        return status;
    status = IoGetDeviceProperty(d->pdo, DeviceProperty, need, buf, &need);
    if (!NT_SUCCESS(status)) {
        WdfObjectDelete(mem);
        return status;
    }
    *PropertyMemory = mem;
    return STATUS_SUCCESS;
}
