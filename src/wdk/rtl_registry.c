/* SPDX-License-Identifier: MIT */
/*
 * This file implements the registry helpers of the kernel's run-time library:
 * RtlQueryRegistryValues (callback and direct entries, subkeys, defaults, required values,
 * type checks, deletion), RtlWriteRegistryValue, RtlDeleteRegistryValue,
 * RtlCheckRegistryKey and RtlCreateRegistryKey. They are written over the Zw* key routines
 * (zw_registry.c), so they see the same store, the same IRQL rule (PASSIVE_LEVEL) and the
 * same handle accounting as a driver's own Zw* calls.
 *
 * Choices where Windows is undocumented (README "Divergences and choices"):
 * - REG_EXPAND_SZ values are not expanded (there is no environment): they are passed on
 *   as stored, with their type.
 * - A SUBKEY entry naming a subkey that does not exist ends the walk with
 *   STATUS_OBJECT_NAME_NOT_FOUND (ZwOpenKey's status), whatever its flags.
 * - A DIRECT entry with RTL_QUERY_REGISTRY_NOSTRING that meets a string value fails with
 *   STATUS_INVALID_PARAMETER.
 * - The Environment parameter is ignored.
 */
#include "pnpsim_int.h"

#define RTLREG_POOL_TAG 0x67655252u /* 'RReg' */

static const WCHAR prefix_services[] = u"\\Registry\\Machine\\System\\CurrentControlSet\\Services";
static const WCHAR prefix_control[] = u"\\Registry\\Machine\\System\\CurrentControlSet\\Control";
static const WCHAR prefix_windows_nt[] =
    u"\\Registry\\Machine\\Software\\Microsoft\\Windows NT\\CurrentVersion";
static const WCHAR prefix_devicemap[] = u"\\Registry\\Machine\\Hardware\\DeviceMap";
static const WCHAR prefix_user[] = u"\\Registry\\User\\.Default";

static bool is_string_type(ULONG type)
{
    return type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ;
}

/* Length in WCHARs of a NUL-terminated string. */
static size_t wlen(PCWSTR s)
{
    return s != NULL ? pnpsim__wcslen(s) : 0;
}

/* Open the key RelativeTo/Path names (created when create is true). *owned tells whether
 * the caller must ZwClose it (not for RTL_REGISTRY_HANDLE). */
static NTSTATUS open_key(pnpsim_system *sys, ULONG RelativeTo, PCWSTR Path, bool create,
                         HANDLE *out, bool *owned, const char *ddi)
{
    ULONG rel = RelativeTo & ~(ULONG)RTL_REGISTRY_OPTIONAL;
    const WCHAR *prefix;
    size_t np, nq, n;
    WCHAR *full;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    NTSTATUS st;
    *out = NULL;
    *owned = false;
    if (rel & RTL_REGISTRY_HANDLE) {
        *out = (HANDLE)Path;
        return STATUS_SUCCESS;
    }
    switch (rel) {
    case RTL_REGISTRY_ABSOLUTE:
        prefix = u"";
        break;
    case RTL_REGISTRY_SERVICES:
        prefix = prefix_services;
        break;
    case RTL_REGISTRY_CONTROL:
        prefix = prefix_control;
        break;
    case RTL_REGISTRY_WINDOWS_NT:
        prefix = prefix_windows_nt;
        break;
    case RTL_REGISTRY_DEVICEMAP:
        prefix = prefix_devicemap;
        break;
    case RTL_REGISTRY_USER:
        prefix = prefix_user;
        break;
    default:
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: RelativeTo 0x%lx is not valid", ddi,
                              (unsigned long)RelativeTo);
    }
    np = pnpsim__wcslen(prefix);
    nq = wlen(Path);
    if (rel == RTL_REGISTRY_ABSOLUTE && nq == 0)
        return pnpsim__status(STATUS_OBJECT_PATH_SYNTAX_BAD, "%s: no absolute Path", ddi);
    n = np + 1 + nq;
    if (n * sizeof(WCHAR) > 0xFFFEu)
        return pnpsim__status(STATUS_NAME_TOO_LONG, "%s: the key path is too long", ddi);
    full = pnpsim__malloc(sys, (n + 1) * sizeof(WCHAR));
    if (full == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    memcpy(full, prefix, np * sizeof(WCHAR));
    n = np;
    if (nq > 0 && np > 0 && Path[0] != u'\\')
        full[n++] = u'\\';
    memcpy(full + n, Path, nq * sizeof(WCHAR));
    n += nq;
    full[n] = 0;
    name.Buffer = full;
    name.Length = (USHORT)(n * sizeof(WCHAR));
    name.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    if (create)
        st = ZwCreateKey(out, KEY_ALL_ACCESS, &oa, 0, NULL, REG_OPTION_NON_VOLATILE, NULL);
    else
        st = ZwOpenKey(out, KEY_ALL_ACCESS, &oa);
    pnpsim__free(sys, full);
    if (NT_SUCCESS(st))
        *owned = true;
    return st;
}

/* Open the subkey name of parent. */
static NTSTATUS open_subkey(HANDLE parent, PWSTR name_w, HANDLE *out)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    size_t n = wlen(name_w);
    if (n * sizeof(WCHAR) > 0xFFFEu)
        return STATUS_NAME_TOO_LONG;
    name.Buffer = name_w;
    name.Length = (USHORT)(n * sizeof(WCHAR));
    name.MaximumLength = name.Length;
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, parent, NULL);
    return ZwOpenKey(out, KEY_ALL_ACCESS, &oa);
}

/* Query a value as KEY_VALUE_PARTIAL_INFORMATION into a new buffer (*out, pnpsim__free). */
static NTSTATUS query_value(pnpsim_system *sys, HANDLE h, PCWSTR name_w,
                            KEY_VALUE_PARTIAL_INFORMATION **out)
{
    UNICODE_STRING name;
    ULONG size = 256, need = 0;
    size_t n = wlen(name_w);
    *out = NULL;
    name.Buffer = (PWCH)name_w;
    name.Length = (USHORT)(n * sizeof(WCHAR));
    name.MaximumLength = name.Length;
    for (;;) {
        KEY_VALUE_PARTIAL_INFORMATION *info = pnpsim__malloc(sys, size);
        NTSTATUS st;
        if (info == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        st = ZwQueryValueKey(h, &name, KeyValuePartialInformation, info, size, &need);
        if (NT_SUCCESS(st)) {
            *out = info;
            return st;
        }
        pnpsim__free(sys, info);
        if ((st != STATUS_BUFFER_OVERFLOW && st != STATUS_BUFFER_TOO_SMALL) || need <= size)
            return st;
        size = need;
    }
}

/* The index-th value as KEY_VALUE_FULL_INFORMATION (*out, pnpsim__free). */
static NTSTATUS enum_value(pnpsim_system *sys, HANDLE h, ULONG index,
                           KEY_VALUE_FULL_INFORMATION **out)
{
    ULONG size = 512, need = 0;
    *out = NULL;
    for (;;) {
        KEY_VALUE_FULL_INFORMATION *info = pnpsim__malloc(sys, size + sizeof(WCHAR));
        NTSTATUS st;
        if (info == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        st = ZwEnumerateValueKey(h, index, KeyValueFullInformation, info, size, &need);
        if (NT_SUCCESS(st)) {
            *out = info;
            return st;
        }
        pnpsim__free(sys, info);
        if ((st != STATUS_BUFFER_OVERFLOW && st != STATUS_BUFFER_TOO_SMALL) || need <= size)
            return st;
        size = need;
    }
}

/* Store a value into a DIRECT entry's EntryContext (Microsoft Learn
 * "RtlQueryRegistryValues", RTL_QUERY_REGISTRY_DIRECT). */
static NTSTATUS store_direct(PRTL_QUERY_REGISTRY_TABLE e, ULONG type, const void *data, ULONG len)
{
    if (e->EntryContext == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlQueryRegistryValues: DIRECT entry without EntryContext");
    if (is_string_type(type)) {
        PUNICODE_STRING us = e->EntryContext;
        const WCHAR *w = data;
        ULONG chars = len / sizeof(WCHAR), bytes;
        if (e->Flags & RTL_QUERY_REGISTRY_NOSTRING)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "RtlQueryRegistryValues: a string value met a DIRECT "
                                  "entry marked NOSTRING");
        if (type == REG_MULTI_SZ) {
            if (chars > 0 && w[chars - 1] == 0)
                chars--; /* keep the inner terminators, drop the list's final one */
        } else {
            ULONG i;
            for (i = 0; i < chars && w[i] != 0; i++)
                ;
            chars = i;
        }
        bytes = chars * (ULONG)sizeof(WCHAR);
        if (bytes > 0xFFFCu)
            return STATUS_BUFFER_TOO_SMALL;
        if (us->Buffer == NULL) {
            us->Buffer = ExAllocatePoolWithTag(PagedPool, bytes + sizeof(WCHAR), RTLREG_POOL_TAG);
            if (us->Buffer == NULL)
                return pnpsim__status(STATUS_NO_MEMORY,
                                      "RtlQueryRegistryValues: no pool for a string value");
            us->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
        } else if (bytes > us->MaximumLength) {
            return pnpsim__status(STATUS_BUFFER_TOO_SMALL,
                                  "RtlQueryRegistryValues: the UNICODE_STRING of a DIRECT "
                                  "entry holds %u bytes, the value needs %lu",
                                  (unsigned)us->MaximumLength, (unsigned long)bytes);
        }
        memcpy(us->Buffer, w, bytes);
        us->Length = (USHORT)bytes;
        if (bytes + sizeof(WCHAR) <= us->MaximumLength)
            us->Buffer[chars] = 0;
        return STATUS_SUCCESS;
    }
    if (len <= sizeof(ULONG)) {
        memcpy(e->EntryContext, data, len);
        return STATUS_SUCCESS;
    }
    {
        LONG size = *(PLONG)e->EntryContext;
        unsigned char *p = e->EntryContext;
        if (size < 0) {
            if ((ULONG)(-(LONGLONG)size) < len)
                return pnpsim__status(STATUS_BUFFER_TOO_SMALL,
                                      "RtlQueryRegistryValues: direct buffer of %ld bytes, "
                                      "value of %lu",
                                      (long)-size, (unsigned long)len);
            memcpy(p, data, len);
        } else {
            ULONG hdr[2];
            if ((ULONG)size < len + 2 * sizeof(ULONG))
                return pnpsim__status(STATUS_BUFFER_TOO_SMALL,
                                      "RtlQueryRegistryValues: direct buffer of %ld bytes, "
                                      "value of %lu plus its header",
                                      (long)size, (unsigned long)len);
            hdr[0] = len;
            hdr[1] = type;
            memcpy(p, hdr, sizeof(hdr));
            memcpy(p + sizeof(hdr), data, len);
        }
    }
    return STATUS_SUCCESS;
}

/* Hand one value to an entry (direct store or callback). */
static NTSTATUS deliver(PRTL_QUERY_REGISTRY_TABLE e, PWSTR name, ULONG type, void *data, ULONG len,
                        PVOID Context)
{
    if (e->Flags & RTL_QUERY_REGISTRY_DIRECT) {
        if (e->Flags & RTL_QUERY_REGISTRY_TYPECHECK) {
            ULONG want = (e->DefaultType & RTL_QUERY_REGISTRY_TYPECHECK_MASK) >>
                         RTL_QUERY_REGISTRY_TYPECHECK_SHIFT;
            if (want != type)
                return pnpsim__status(STATUS_OBJECT_TYPE_MISMATCH,
                                      "RtlQueryRegistryValues: value type %lu, the entry's "
                                      "TYPECHECK wants %lu",
                                      (unsigned long)type, (unsigned long)want);
        }
        return store_direct(e, type, data, len);
    }
    if (type == REG_MULTI_SZ && !(e->Flags & RTL_QUERY_REGISTRY_NOEXPAND)) {
        /* One call per string of the list, each as REG_SZ. */
        WCHAR *w = data;
        ULONG chars = len / sizeof(WCHAR), i = 0;
        while (i < chars && w[i] != 0) {
            ULONG start = i;
            NTSTATUS st;
            while (i < chars && w[i] != 0)
                i++;
            st = e->QueryRoutine(name, REG_SZ, w + start,
                                 (i - start + (i < chars ? 1 : 0)) * (ULONG)sizeof(WCHAR), Context,
                                 e->EntryContext);
            if (!NT_SUCCESS(st))
                return st;
            i++;
        }
        return STATUS_SUCCESS;
    }
    return e->QueryRoutine(name, type, data, len, Context, e->EntryContext);
}

/* The default of an entry whose value is missing (DefaultLength 0 for strings: computed). */
static NTSTATUS deliver_default(PRTL_QUERY_REGISTRY_TABLE e, PVOID Context)
{
    ULONG type = e->DefaultType & ~(ULONG)RTL_QUERY_REGISTRY_TYPECHECK_MASK;
    ULONG len = e->DefaultLength;
    if (type == REG_NONE)
        return STATUS_SUCCESS;
    if (len == 0 && e->DefaultData != NULL && is_string_type(type)) {
        const WCHAR *w = e->DefaultData;
        size_t n = 0;
        if (type == REG_MULTI_SZ) {
            while (w[n] != 0 || w[n + 1] != 0)
                n++;
            n += 2;
        } else {
            n = pnpsim__wcslen(w) + 1;
        }
        len = (ULONG)(n * sizeof(WCHAR));
    }
    return deliver(e, e->Name, type, e->DefaultData, len, Context);
}

/* Run entry e against key h. */
static NTSTATUS run_entry(pnpsim_system *sys, HANDLE h, PRTL_QUERY_REGISTRY_TABLE e, bool whole_key,
                          PVOID Context)
{
    NTSTATUS st;
    if (whole_key) {
        ULONG i;
        if (e->Flags & RTL_QUERY_REGISTRY_DIRECT)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "RtlQueryRegistryValues: a DIRECT entry needs a Name");
        for (i = 0;; i++) {
            KEY_VALUE_FULL_INFORMATION *info;
            WCHAR *name;
            st = enum_value(sys, h, i, &info);
            if (st == STATUS_NO_MORE_ENTRIES) {
                if (i == 0 && (e->Flags & RTL_QUERY_REGISTRY_NOVALUE))
                    return e->QueryRoutine(NULL, REG_NONE, NULL, 0, Context, e->EntryContext);
                return STATUS_SUCCESS;
            }
            if (!NT_SUCCESS(st))
                return st;
            /* QueryRoutine gets a NUL-terminated name: copy it out of the record. */
            name = pnpsim__malloc(sys, info->NameLength + sizeof(WCHAR));
            if (name == NULL) {
                pnpsim__free(sys, info);
                return STATUS_INSUFFICIENT_RESOURCES;
            }
            memcpy(name, info->Name, info->NameLength);
            name[info->NameLength / sizeof(WCHAR)] = 0;
            st = deliver(e, name, info->Type, (unsigned char *)info + info->DataOffset,
                         info->DataLength, Context);
            pnpsim__free(sys, name);
            pnpsim__free(sys, info);
            if (!NT_SUCCESS(st))
                return st;
        }
    }
    {
        KEY_VALUE_PARTIAL_INFORMATION *info;
        st = query_value(sys, h, e->Name, &info);
        if (st == STATUS_OBJECT_NAME_NOT_FOUND) {
            if (e->Flags & RTL_QUERY_REGISTRY_REQUIRED)
                return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND,
                                      "RtlQueryRegistryValues: a REQUIRED value is missing");
            return deliver_default(e, Context);
        }
        if (!NT_SUCCESS(st))
            return st;
        st = deliver(e, e->Name, info->Type, info->Data, info->DataLength, Context);
        pnpsim__free(sys, info);
        if (NT_SUCCESS(st) && (e->Flags & RTL_QUERY_REGISTRY_DELETE)) {
            UNICODE_STRING name;
            name.Buffer = e->Name;
            name.Length = (USHORT)(wlen(e->Name) * sizeof(WCHAR));
            name.MaximumLength = name.Length;
            ZwDeleteValueKey(h, &name);
        }
        return st;
    }
}

/*
 * Windows behaviour: queries several values of a key (RelativeTo + Path) in one call,
 * walking QueryTable to the entry with NULL QueryRoutine and NULL Name. An entry with a Name
 * queries that value, one without enumerates all values of the current key; SUBKEY entries
 * move to a subkey and TOPKEY back. A callback entry calls QueryRoutine (REG_MULTI_SZ once
 * per string unless NOEXPAND); a DIRECT entry stores into EntryContext (a UNICODE_STRING for
 * strings, allocated from paged pool when its Buffer is NULL; the data for values of at
 * most a ULONG; a sized buffer otherwise); TYPECHECK makes a DIRECT entry fail with
 * STATUS_OBJECT_TYPE_MISMATCH when the value's type is not the one in DefaultType's top
 * byte. A missing value uses the default (DefaultType not REG_NONE) or fails when REQUIRED.
 * A failing QueryRoutine stops the walk with its status. PASSIVE_LEVEL (Microsoft Learn
 * "RtlQueryRegistryValues", "RTL_QUERY_REGISTRY_TABLE").
 * Simulation: as described, over the Zw* routines (file comment for the choices).
 */
NTSTATUS NTAPI RtlQueryRegistryValues(ULONG RelativeTo, PCWSTR Path,
                                      PRTL_QUERY_REGISTRY_TABLE QueryTable, PVOID Context,
                                      PVOID Environment)
{
    static const char ddi[] = "RtlQueryRegistryValues";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    HANDLE top, cur;
    bool owned;
    NTSTATUS st;
    PRTL_QUERY_REGISTRY_TABLE e;
    PNPSIM_UNUSED(Environment);
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    if (QueryTable == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: QueryTable is NULL", ddi);
    st = open_key(sys, RelativeTo, Path, false, &top, &owned, ddi);
    if (!NT_SUCCESS(st)) {
        if ((RelativeTo & RTL_REGISTRY_OPTIONAL) && st == STATUS_OBJECT_NAME_NOT_FOUND)
            return STATUS_SUCCESS;
        return st;
    }
    cur = top;
    for (e = QueryTable; e->QueryRoutine != NULL || e->Name != NULL; e++) {
        bool whole_key = e->Name == NULL;
        if (e->Flags & (RTL_QUERY_REGISTRY_TOPKEY | RTL_QUERY_REGISTRY_SUBKEY)) {
            if (cur != top && cur != NULL)
                ZwClose(cur);
            cur = top;
        }
        if (e->Flags & RTL_QUERY_REGISTRY_SUBKEY) {
            HANDLE sub = NULL;
            st = open_subkey(top, e->Name, &sub);
            if (!NT_SUCCESS(st)) {
                cur = top;
                goto out;
            }
            cur = sub;
            whole_key = true;
            if (e->QueryRoutine == NULL)
                continue;
        }
        if (e->QueryRoutine == NULL && !(e->Flags & RTL_QUERY_REGISTRY_DIRECT)) {
            if (e->Flags & RTL_QUERY_REGISTRY_TOPKEY)
                continue;
            st = pnpsim__status(STATUS_INVALID_PARAMETER,
                                "%s: an entry has neither a QueryRoutine nor DIRECT", ddi);
            goto out;
        }
        if (cur == NULL)
            continue;
        st = run_entry(sys, cur, e, whole_key, Context);
        if (!NT_SUCCESS(st))
            goto out;
    }
    st = STATUS_SUCCESS;
out:
    if (cur != top && cur != NULL)
        ZwClose(cur);
    if (owned)
        ZwClose(top);
    return st;
}

/*
 * Windows behaviour: writes a value to the key RelativeTo + Path, creating the key if it
 * does not exist; PASSIVE_LEVEL (Microsoft Learn "RtlWriteRegistryValue").
 * Simulation: ZwCreateKey (non-volatile) + ZwSetValueKey.
 */
NTSTATUS NTAPI RtlWriteRegistryValue(ULONG RelativeTo, PCWSTR Path, PCWSTR ValueName,
                                     ULONG ValueType, PVOID ValueData, ULONG ValueLength)
{
    static const char ddi[] = "RtlWriteRegistryValue";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    HANDLE h;
    bool owned;
    UNICODE_STRING name;
    NTSTATUS st;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    st = open_key(sys, RelativeTo, Path, true, &h, &owned, ddi);
    if (!NT_SUCCESS(st))
        return st;
    name.Buffer = (PWCH)ValueName;
    name.Length = (USHORT)(wlen(ValueName) * sizeof(WCHAR));
    name.MaximumLength = name.Length;
    st = ZwSetValueKey(h, &name, 0, ValueType, ValueData, ValueLength);
    if (owned)
        ZwClose(h);
    return st;
}

/*
 * Windows behaviour: deletes a value of the key RelativeTo + Path; PASSIVE_LEVEL (Microsoft
 * Learn "RtlDeleteRegistryValue").
 * Simulation: ZwOpenKey + ZwDeleteValueKey.
 */
NTSTATUS NTAPI RtlDeleteRegistryValue(ULONG RelativeTo, PCWSTR Path, PCWSTR ValueName)
{
    static const char ddi[] = "RtlDeleteRegistryValue";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    HANDLE h;
    bool owned;
    UNICODE_STRING name;
    NTSTATUS st;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    st = open_key(sys, RelativeTo, Path, false, &h, &owned, ddi);
    if (!NT_SUCCESS(st))
        return st;
    name.Buffer = (PWCH)ValueName;
    name.Length = (USHORT)(wlen(ValueName) * sizeof(WCHAR));
    name.MaximumLength = name.Length;
    st = ZwDeleteValueKey(h, &name);
    if (owned)
        ZwClose(h);
    return st;
}

/*
 * Windows behaviour: STATUS_SUCCESS if the key RelativeTo + Path exists (Microsoft Learn
 * "RtlCheckRegistryKey").
 * Simulation: ZwOpenKey's status.
 */
NTSTATUS NTAPI RtlCheckRegistryKey(ULONG RelativeTo, PWSTR Path)
{
    static const char ddi[] = "RtlCheckRegistryKey";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    HANDLE h;
    bool owned;
    NTSTATUS st;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    st = open_key(sys, RelativeTo, Path, false, &h, &owned, ddi);
    if (NT_SUCCESS(st) && owned)
        ZwClose(h);
    return st;
}

/*
 * Windows behaviour: creates the key RelativeTo + Path (its parent must exist)
 * (Microsoft Learn "RtlCreateRegistryKey").
 * Simulation: ZwCreateKey (non-volatile).
 */
NTSTATUS NTAPI RtlCreateRegistryKey(ULONG RelativeTo, PWSTR Path)
{
    static const char ddi[] = "RtlCreateRegistryKey";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    HANDLE h;
    bool owned;
    NTSTATUS st;
    if (sys == NULL)
        return STATUS_INVALID_PARAMETER;
    st = open_key(sys, RelativeTo, Path, true, &h, &owned, ddi);
    if (NT_SUCCESS(st) && owned)
        ZwClose(h);
    return st;
}
