/* SPDX-License-Identifier: MIT */
/*
 * This file implements the Zw* registry routines drivers call (ZwCreateKey, ZwOpenKey,
 * ZwSetValueKey, ZwQueryValueKey, ZwEnumerateKey, ZwEnumerateValueKey, ZwQueryKey,
 * ZwDeleteKey, ZwDeleteValueKey, ZwFlushKey) and ZwClose, over the system's registry store
 * (src/core/registry.c). They check arguments and IRQL, translate OBJECT_ATTRIBUTES and the
 * information classes, and make one call into the store under sys->lock. No driver code is
 * called with the lock held (ZwClose of another module's handle runs its close function
 * unlocked).
 *
 * Choices where Windows is undocumented or where the kernel would fault (see README,
 * "Divergences and choices"):
 * - A NULL pointer where the routine must read or write (KeyHandle, ObjectAttributes,
 *   ValueName, ResultLength, a non-empty buffer) returns STATUS_ACCESS_VIOLATION, the status
 *   the Nt* routines give for an unreadable argument; Windows kernel-mode callers would
 *   fault instead.
 * - An odd UNICODE_STRING Length in an object name is STATUS_OBJECT_NAME_INVALID (the object
 *   manager's status); other malformed UNICODE_STRINGs (Length > MaximumLength, NULL Buffer
 *   with Length > 0) and malformed value names are STATUS_INVALID_PARAMETER.
 * - Registry names are always compared case-insensitively (as the Windows registry does),
 *   with or without OBJ_CASE_INSENSITIVE. Every handle is a kernel handle; OBJ_KERNEL_HANDLE
 *   is accepted and not required.
 * - ZwCreateKey never creates missing intermediate keys (STATUS_OBJECT_NAME_NOT_FOUND),
 *   as on Windows; key classes (the Class argument) are not stored, so ClassLength is 0 and
 *   ClassOffset 0xFFFFFFFF. REG_OPTION_CREATE_LINK (symbolic-link keys) is not modelled:
 *   STATUS_NOT_IMPLEMENTED.
 * - Deleting a key with subkeys: STATUS_CANNOT_DELETE. Subkeys and values enumerate in
 *   creation order (Windows: arbitrary; subkeys usually sorted).
 * - ZwQueryKey/ZwEnumerateKey model KeyBasicInformation, KeyNodeInformation,
 *   KeyFullInformation and (ZwQueryKey) KeyNameInformation; the value routines model
 *   KeyValueBasic/Full/Partial information and their Align64 forms. Other classes:
 *   STATUS_INVALID_PARAMETER.
 * - ZwClose of a handle that is not open returns STATUS_INVALID_HANDLE (Windows may bug
 *   check 0x93 INVALID_KERNEL_HANDLE for a bad kernel handle).
 */
#include "pnpsim_int.h"
#include "registry.h"

/* DDI compliance rule IrqlZwPassive: bug check 0xC4 parameter 1 (Microsoft Learn
 * "IrqlZwPassive rule (wdm)"). */
#define RULE_IRQL_ZW_PASSIVE 0x0002001F

#define VALUE_INFO_FULL_DATA_ALIGN 4u /* DataOffset alignment of KeyValueFullInformation */

/* ======================================================================================
 * Helpers
 * ==================================================================================== */
static pnpsim_system *zw_enter(const char *ddi)
{
    pnpsim_system *sys = pnpsim__require_system(ddi);
    if (sys != NULL)
        pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, RULE_IRQL_ZW_PASSIVE, "IrqlZwPassive");
    return sys;
}

/* Validate a value name: NULL is an access violation; malformed is an invalid parameter. */
static NTSTATUS check_value_name(const char *ddi, PCUNICODE_STRING name)
{
    if (name == NULL)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "%s: ValueName is NULL", ddi);
    if (!pnpsim__ustr_valid(name))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: malformed ValueName", ddi);
    return STATUS_SUCCESS;
}

/* Check ObjectAttributes and resolve its RootDirectory (caller holds the lock). */
static NTSTATUS resolve_attributes(pnpsim_system *sys, const char *ddi, POBJECT_ATTRIBUTES oa,
                                   pnpsim__regkey **base, const WCHAR **path, size_t *len)
{
    PUNICODE_STRING name;
    NTSTATUS st;
    if (oa == NULL)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "%s: ObjectAttributes is NULL", ddi);
    if (oa->Length != sizeof(OBJECT_ATTRIBUTES))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: ObjectAttributes->Length is %lu, not sizeof(OBJECT_ATTRIBUTES)"
                              " (use InitializeObjectAttributes)",
                              ddi, (unsigned long)oa->Length);
    if ((oa->Attributes & ~(ULONG)OBJ_VALID_ATTRIBUTES) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: invalid Attributes 0x%lx", ddi,
                              (unsigned long)oa->Attributes);
    name = oa->ObjectName;
    if (name != NULL) {
        if (name->Length % 2 != 0)
            return pnpsim__status(STATUS_OBJECT_NAME_INVALID, "%s: odd ObjectName->Length",
                                  ddi);
        if (!pnpsim__ustr_valid(name))
            return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: malformed ObjectName", ddi);
    }
    *base = NULL;
    if (oa->RootDirectory != NULL) {
        st = pnpsim__regkey_from_handle(sys, oa->RootDirectory, 0, base);
        if (st != STATUS_SUCCESS)
            return st;
    }
    *path = name != NULL ? name->Buffer : NULL;
    *len = name != NULL ? name->Length / sizeof(WCHAR) : 0;
    return STATUS_SUCCESS;
}

/* Bytes written into a caller buffer only while they fit. */
typedef struct out_buf {
    unsigned char *p;
    ULONG cap;
} out_buf;

static void put(out_buf *o, ULONG off, const void *src, ULONG n)
{
    if (off >= o->cap || n == 0)
        return;
    if (n > o->cap - off)
        n = o->cap - off;
    memcpy(o->p + off, src, n);
}

static void put_ulong(out_buf *o, ULONG off, ULONG v)
{
    put(o, off, &v, sizeof(v));
}

static ULONG align_up(ULONG v, ULONG a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Fill one of the value information classes. Fixed part too small: STATUS_BUFFER_TOO_SMALL
 * (nothing written); fixed part fits but not everything: STATUS_BUFFER_OVERFLOW (fixed part
 * and what fits written); *result always the full size. */
static NTSTATUS fill_value_info(const char *ddi, KEY_VALUE_INFORMATION_CLASS cls,
                                const pnpsim__regval_view *v, PVOID info, ULONG length,
                                PULONG result)
{
    out_buf o = {(unsigned char *)info, length};
    ULONG name_bytes = (ULONG)(v->name_len * sizeof(WCHAR));
    ULONG fixed, full, data_off = 0;
    switch (cls) {
    case KeyValueBasicInformation:
        fixed = (ULONG)FIELD_OFFSET(KEY_VALUE_BASIC_INFORMATION, Name);
        full = fixed + name_bytes;
        break;
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64:
        fixed = (ULONG)FIELD_OFFSET(KEY_VALUE_FULL_INFORMATION, Name);
        data_off = align_up(fixed + name_bytes, cls == KeyValueFullInformation
                                                     ? VALUE_INFO_FULL_DATA_ALIGN
                                                     : 8u);
        full = data_off + v->size;
        break;
    case KeyValuePartialInformation:
        fixed = (ULONG)FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data);
        full = fixed + v->size;
        break;
    case KeyValuePartialInformationAlign64:
        fixed = 2 * sizeof(ULONG); /* Type, DataLength */
        full = fixed + v->size;
        break;
    default:
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: KeyValueInformationClass %d is not a supported class", ddi,
                              (int)cls);
    }
    if (result == NULL)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "%s: ResultLength is NULL", ddi);
    if (info == NULL && length != 0)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "%s: buffer is NULL", ddi);
    *result = full;
    if (length < fixed)
        return STATUS_BUFFER_TOO_SMALL;
    switch (cls) {
    case KeyValueBasicInformation:
        put_ulong(&o, 0, 0);
        put_ulong(&o, 4, v->type);
        put_ulong(&o, 8, name_bytes);
        put(&o, fixed, v->name, name_bytes);
        break;
    case KeyValueFullInformation:
    case KeyValueFullInformationAlign64:
        put_ulong(&o, 0, 0);
        put_ulong(&o, 4, v->type);
        put_ulong(&o, 8, data_off);
        put_ulong(&o, 12, v->size);
        put_ulong(&o, 16, name_bytes);
        put(&o, fixed, v->name, name_bytes);
        put(&o, data_off, v->data, v->size);
        break;
    case KeyValuePartialInformation:
        put_ulong(&o, 0, 0);
        put_ulong(&o, 4, v->type);
        put_ulong(&o, 8, v->size);
        put(&o, fixed, v->data, v->size);
        break;
    default: /* KeyValuePartialInformationAlign64 */
        put_ulong(&o, 0, v->type);
        put_ulong(&o, 4, v->size);
        put(&o, fixed, v->data, v->size);
        break;
    }
    return full > length ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

/* Fill one of the key information classes about key k (caller holds the lock). */
static NTSTATUS fill_key_info(pnpsim_system *sys, const char *ddi, pnpsim__regkey *k,
                              KEY_INFORMATION_CLASS cls, bool allow_name, PVOID info,
                              ULONG length, PULONG result)
{
    out_buf o = {(unsigned char *)info, length};
    size_t nlen;
    const WCHAR *name = pnpsim__regkey_name(k, &nlen);
    ULONG name_bytes = (ULONG)(nlen * sizeof(WCHAR));
    ULONG fixed, full;
    LARGE_INTEGER lw;
    WCHAR *path = NULL;
    size_t plen = 0;
    lw.QuadPart = pnpsim__regkey_last_write(k);
    switch (cls) {
    case KeyBasicInformation:
        fixed = (ULONG)FIELD_OFFSET(KEY_BASIC_INFORMATION, Name);
        full = fixed + name_bytes;
        break;
    case KeyNodeInformation:
        fixed = (ULONG)FIELD_OFFSET(KEY_NODE_INFORMATION, Name);
        full = fixed + name_bytes;
        break;
    case KeyFullInformation:
        fixed = (ULONG)FIELD_OFFSET(KEY_FULL_INFORMATION, Class);
        full = fixed;
        break;
    case KeyNameInformation:
        if (allow_name) {
            fixed = (ULONG)FIELD_OFFSET(KEY_NAME_INFORMATION, Name);
            path = pnpsim__regkey_path(sys, k, &plen);
            if (path == NULL)
                return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
            full = fixed + (ULONG)(plen * sizeof(WCHAR));
            break;
        }
        /* fall through */
    default:
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: KeyInformationClass %d is not a supported class", ddi,
                              (int)cls);
    }
    if (result == NULL || (info == NULL && length != 0)) {
        pnpsim__free(sys, path);
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "%s: NULL ResultLength or buffer", ddi);
    }
    *result = full;
    if (length < fixed) {
        pnpsim__free(sys, path);
        return STATUS_BUFFER_TOO_SMALL;
    }
    switch (cls) {
    case KeyBasicInformation:
        put(&o, 0, &lw, sizeof(lw));
        put_ulong(&o, 8, 0);
        put_ulong(&o, 12, name_bytes);
        put(&o, fixed, name, name_bytes);
        break;
    case KeyNodeInformation:
        put(&o, 0, &lw, sizeof(lw));
        put_ulong(&o, 8, 0);
        put_ulong(&o, 12, 0xFFFFFFFFu); /* no class */
        put_ulong(&o, 16, 0);
        put_ulong(&o, 20, name_bytes);
        put(&o, fixed, name, name_bytes);
        break;
    case KeyFullInformation: {
        ULONG i, max_name = 0, max_vname = 0, max_data = 0;
        ULONG nsub = pnpsim__regkey_subkey_count(k), nval = pnpsim__regkey_value_count(k);
        for (i = 0; i < nsub; i++) {
            size_t l;
            pnpsim__regkey_name(pnpsim__regkey_subkey_at(k, i), &l);
            if (l * sizeof(WCHAR) > max_name)
                max_name = (ULONG)(l * sizeof(WCHAR));
        }
        for (i = 0; i < nval; i++) {
            pnpsim__regval_view v;
            if (pnpsim__regkey_value_at(sys, k, i, &v) != STATUS_SUCCESS)
                break;
            if (v.name_len * sizeof(WCHAR) > max_vname)
                max_vname = (ULONG)(v.name_len * sizeof(WCHAR));
            if (v.size > max_data)
                max_data = v.size;
        }
        put(&o, 0, &lw, sizeof(lw));
        put_ulong(&o, 8, 0);
        put_ulong(&o, 12, 0xFFFFFFFFu);
        put_ulong(&o, 16, 0);
        put_ulong(&o, 20, nsub);
        put_ulong(&o, 24, max_name);
        put_ulong(&o, 28, 0);
        put_ulong(&o, 32, nval);
        put_ulong(&o, 36, max_vname);
        put_ulong(&o, 40, max_data);
        break;
    }
    default: /* KeyNameInformation */
        put_ulong(&o, 0, (ULONG)(plen * sizeof(WCHAR)));
        put(&o, fixed, path, (ULONG)(plen * sizeof(WCHAR)));
        break;
    }
    pnpsim__free(sys, path);
    return full > length ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

/* ======================================================================================
 * Opening and creating
 * ==================================================================================== */

/*
 * Windows behaviour: ZwCreateKey creates a new key or opens an existing one (Disposition
 * says which: REG_CREATED_NEW_KEY / REG_OPENED_EXISTING_KEY); CreateOptions
 * REG_OPTION_VOLATILE makes a key that is not preserved across reboot, and a non-volatile
 * key cannot be created under a volatile one; the name may be absolute (\Registry\...) or
 * relative to RootDirectory; IRQL PASSIVE_LEVEL, rule IrqlZwPassive (Microsoft Learn
 * "ZwCreateKey function (wdm.h)", "IrqlZwPassive rule (wdm)").
 * Simulation: the system's in-memory store; intermediate keys are never created
 * (STATUS_OBJECT_NAME_NOT_FOUND); Class is checked and ignored; on any failure no key is
 * created and *KeyHandle is untouched. See the file comment for the other choices.
 */
NTSTATUS NTAPI ZwCreateKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                           POBJECT_ATTRIBUTES ObjectAttributes, ULONG TitleIndex,
                           PUNICODE_STRING Class, ULONG CreateOptions, PULONG Disposition)
{
    pnpsim_system *sys = zw_enter("ZwCreateKey");
    pnpsim__regkey *base, *key;
    const WCHAR *path = NULL;
    size_t len = 0;
    ULONG disp = 0;
    HANDLE h;
    NTSTATUS st;
    PNPSIM_UNUSED(TitleIndex);
    if (pnpsim__fault_ddi(sys, "ZwCreateKey", &st)) /* fault.h */
        return st;
    if (KeyHandle == NULL)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "ZwCreateKey: KeyHandle is NULL");
    if ((CreateOptions & ~(ULONG)REG_LEGAL_OPTION) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "ZwCreateKey: bad CreateOptions 0x%lx",
                              (unsigned long)CreateOptions);
    if (CreateOptions & REG_OPTION_CREATE_LINK)
        return pnpsim__status(STATUS_NOT_IMPLEMENTED,
                              "ZwCreateKey: REG_OPTION_CREATE_LINK (symbolic-link keys) is not "
                              "modelled");
    if (Class != NULL && !pnpsim__ustr_valid(Class))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "ZwCreateKey: malformed Class");
    pnpsim__lock(sys);
    st = resolve_attributes(sys, "ZwCreateKey", ObjectAttributes, &base, &path, &len);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_create(sys, base, path, len,
                                   (CreateOptions & REG_OPTION_VOLATILE)
                                       ? PNPSIM__REG_OPTION_VOLATILE
                                       : 0,
                                   false, &key, &disp);
    if (st == STATUS_SUCCESS) {
        st = pnpsim__regkey_handle_create(sys, key, DesiredAccess, &h);
        if (st != STATUS_SUCCESS && disp == PNPSIM__REG_CREATED_NEW_KEY)
            (void)pnpsim__regkey_delete(sys, key, false);
    }
    pnpsim__unlock(sys);
    if (st != STATUS_SUCCESS)
        return st;
    *KeyHandle = h;
    if (Disposition != NULL)
        *Disposition = disp;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: ZwOpenKey opens an existing key (absolute or relative to
 * RootDirectory); STATUS_OBJECT_NAME_NOT_FOUND when it does not exist, and the object
 * manager's STATUS_OBJECT_PATH_NOT_FOUND when a parent is missing; PASSIVE_LEVEL (Microsoft
 * Learn "ZwOpenKey function (wdm.h)").
 * Simulation: as ZwCreateKey without creating anything. An empty name relative to
 * RootDirectory opens the root key again.
 */
NTSTATUS NTAPI ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                         POBJECT_ATTRIBUTES ObjectAttributes)
{
    pnpsim_system *sys = zw_enter("ZwOpenKey");
    pnpsim__regkey *base, *key;
    const WCHAR *path = NULL;
    size_t len = 0;
    HANDLE h;
    NTSTATUS st;
    if (pnpsim__fault_ddi(sys, "ZwOpenKey", &st)) /* fault.h */
        return st;
    if (KeyHandle == NULL)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "ZwOpenKey: KeyHandle is NULL");
    pnpsim__lock(sys);
    st = resolve_attributes(sys, "ZwOpenKey", ObjectAttributes, &base, &path, &len);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_open(sys, base, path, len, &key);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_handle_create(sys, key, DesiredAccess, &h);
    pnpsim__unlock(sys);
    if (st != STATUS_SUCCESS)
        return st;
    *KeyHandle = h;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Values
 * ==================================================================================== */

/*
 * Windows behaviour: ZwSetValueKey creates or replaces a value entry; the handle needs
 * KEY_SET_VALUE; an empty ValueName is the key's default value; PASSIVE_LEVEL (Microsoft
 * Learn "ZwSetValueKey function (wdm.h)").
 * Simulation: any Type value is stored as given with a copy of the data; TitleIndex is
 * ignored. Out of memory leaves the old value in place.
 */
NTSTATUS NTAPI ZwSetValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName, ULONG TitleIndex,
                             ULONG Type, PVOID Data, ULONG DataSize)
{
    pnpsim_system *sys = zw_enter("ZwSetValueKey");
    pnpsim__regkey *key;
    NTSTATUS st;
    PNPSIM_UNUSED(TitleIndex);
    st = check_value_name("ZwSetValueKey", ValueName);
    if (st != STATUS_SUCCESS)
        return st;
    if (Data == NULL && DataSize != 0)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "ZwSetValueKey: Data is NULL");
    pnpsim__lock(sys);
    st = pnpsim__regkey_from_handle(sys, KeyHandle, KEY_SET_VALUE, &key);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_set_value(sys, key, ValueName->Buffer,
                                      ValueName->Length / sizeof(WCHAR), Type, Data, DataSize);
    pnpsim__unlock(sys);
    return st;
}

/*
 * Windows behaviour: ZwQueryValueKey returns a value entry as KEY_VALUE_BASIC_INFORMATION,
 * KEY_VALUE_FULL_INFORMATION or KEY_VALUE_PARTIAL_INFORMATION. STATUS_OBJECT_NAME_NOT_FOUND
 * when the value does not exist; STATUS_BUFFER_TOO_SMALL when nothing was written,
 * STATUS_BUFFER_OVERFLOW when only partial data was written; in both cases *ResultLength is
 * the size needed; STATUS_INVALID_PARAMETER for a bad information class; the handle needs
 * KEY_QUERY_VALUE (Microsoft Learn "ZwQueryValueKey function (wdm.h)").
 * Simulation: the fixed part of the structure decides between TOO_SMALL (it does not fit,
 * nothing is written) and OVERFLOW (it fits: it is written, then as much of the name and
 * data as fits). KeyValueFullInformation aligns DataOffset to 4 bytes (Align64: 8).
 */
NTSTATUS NTAPI ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                               KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
                               PVOID KeyValueInformation, ULONG Length, PULONG ResultLength)
{
    pnpsim_system *sys = zw_enter("ZwQueryValueKey");
    pnpsim__regkey *key;
    pnpsim__regval_view v;
    NTSTATUS st;
    st = check_value_name("ZwQueryValueKey", ValueName);
    if (st != STATUS_SUCCESS)
        return st;
    pnpsim__lock(sys);
    st = pnpsim__regkey_from_handle(sys, KeyHandle, KEY_QUERY_VALUE, &key);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_query_value(sys, key, ValueName->Buffer,
                                        ValueName->Length / sizeof(WCHAR), &v);
    if (st == STATUS_SUCCESS)
        st = fill_value_info("ZwQueryValueKey", KeyValueInformationClass, &v,
                             KeyValueInformation, Length, ResultLength);
    pnpsim__unlock(sys);
    return st;
}

/*
 * Windows behaviour: ZwEnumerateValueKey returns the Index-th value of an open key in the
 * same structures as ZwQueryValueKey; STATUS_NO_MORE_ENTRIES when Index is past the last
 * value; the handle needs KEY_QUERY_VALUE (Microsoft Learn "ZwEnumerateValueKey function
 * (wdm.h)").
 * Simulation: values are numbered in creation order; deleting one renumbers the rest.
 */
NTSTATUS NTAPI ZwEnumerateValueKey(HANDLE KeyHandle, ULONG Index,
                                   KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
                                   PVOID KeyValueInformation, ULONG Length, PULONG ResultLength)
{
    pnpsim_system *sys = zw_enter("ZwEnumerateValueKey");
    pnpsim__regkey *key;
    pnpsim__regval_view v;
    NTSTATUS st;
    pnpsim__lock(sys);
    st = pnpsim__regkey_from_handle(sys, KeyHandle, KEY_QUERY_VALUE, &key);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_value_at(sys, key, Index, &v);
    if (st == STATUS_SUCCESS)
        st = fill_value_info("ZwEnumerateValueKey", KeyValueInformationClass, &v,
                             KeyValueInformation, Length, ResultLength);
    pnpsim__unlock(sys);
    return st;
}

/*
 * Windows behaviour: ZwDeleteValueKey removes a value entry; STATUS_OBJECT_NAME_NOT_FOUND
 * when it does not exist; the handle needs KEY_SET_VALUE (Microsoft Learn
 * "ZwDeleteValueKey function (wdm.h)").
 * Simulation: as documented.
 */
NTSTATUS NTAPI ZwDeleteValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName)
{
    pnpsim_system *sys = zw_enter("ZwDeleteValueKey");
    pnpsim__regkey *key;
    NTSTATUS st;
    st = check_value_name("ZwDeleteValueKey", ValueName);
    if (st != STATUS_SUCCESS)
        return st;
    pnpsim__lock(sys);
    st = pnpsim__regkey_from_handle(sys, KeyHandle, KEY_SET_VALUE, &key);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_delete_value(sys, key, ValueName->Buffer,
                                         ValueName->Length / sizeof(WCHAR));
    pnpsim__unlock(sys);
    return st;
}

/* ======================================================================================
 * Keys
 * ==================================================================================== */

/*
 * Windows behaviour: ZwEnumerateKey returns the Index-th subkey as KEY_BASIC_INFORMATION,
 * KEY_NODE_INFORMATION or KEY_FULL_INFORMATION; STATUS_NO_MORE_ENTRIES past the last subkey;
 * STATUS_BUFFER_OVERFLOW / STATUS_BUFFER_TOO_SMALL with *ResultLength the size needed; the
 * handle needs KEY_ENUMERATE_SUB_KEYS (Microsoft Learn "ZwEnumerateKey function (wdm.h)").
 * Simulation: subkeys are numbered in creation order (Windows: arbitrary).
 */
NTSTATUS NTAPI ZwEnumerateKey(HANDLE KeyHandle, ULONG Index,
                              KEY_INFORMATION_CLASS KeyInformationClass, PVOID KeyInformation,
                              ULONG Length, PULONG ResultLength)
{
    pnpsim_system *sys = zw_enter("ZwEnumerateKey");
    pnpsim__regkey *key, *sub;
    NTSTATUS st;
    pnpsim__lock(sys);
    st = pnpsim__regkey_from_handle(sys, KeyHandle, KEY_ENUMERATE_SUB_KEYS, &key);
    if (st == STATUS_SUCCESS) {
        if (KeyInformationClass != KeyBasicInformation &&
            KeyInformationClass != KeyNodeInformation &&
            KeyInformationClass != KeyFullInformation) {
            st = pnpsim__status(STATUS_INVALID_PARAMETER,
                                "ZwEnumerateKey: KeyInformationClass %d is not supported",
                                (int)KeyInformationClass);
        } else {
            sub = pnpsim__regkey_subkey_at(key, Index);
            if (sub == NULL)
                st = STATUS_NO_MORE_ENTRIES;
            else
                st = fill_key_info(sys, "ZwEnumerateKey", sub, KeyInformationClass, false,
                                   KeyInformation, Length, ResultLength);
        }
    }
    pnpsim__unlock(sys);
    return st;
}

/*
 * Windows behaviour: ZwQueryKey returns information about the key itself: basic, node,
 * full (subkey and value counts, longest names and data) or name (its full path); same
 * size-probe statuses as ZwEnumerateKey; KeyNameInformation needs no particular access,
 * the others KEY_QUERY_VALUE (Microsoft Learn "ZwQueryKey function (wdm.h)").
 * Simulation: KeyNameInformation gives "\REGISTRY\MACHINE\..." in stored case.
 */
NTSTATUS NTAPI ZwQueryKey(HANDLE KeyHandle, KEY_INFORMATION_CLASS KeyInformationClass,
                          PVOID KeyInformation, ULONG Length, PULONG ResultLength)
{
    pnpsim_system *sys = zw_enter("ZwQueryKey");
    pnpsim__regkey *key;
    NTSTATUS st;
    pnpsim__lock(sys);
    st = pnpsim__regkey_from_handle(
        sys, KeyHandle, KeyInformationClass == KeyNameInformation ? 0 : KEY_QUERY_VALUE, &key);
    if (st == STATUS_SUCCESS)
        st = fill_key_info(sys, "ZwQueryKey", key, KeyInformationClass, true, KeyInformation,
                           Length, ResultLength);
    pnpsim__unlock(sys);
    return st;
}

/*
 * Windows behaviour: ZwDeleteKey deletes an open key; the handle needs DELETE access; the
 * handle and every other handle to the key become invalid for further use but must still
 * be closed with ZwClose (Microsoft Learn "ZwDeleteKey function (wdm.h)").
 * Simulation: a key with subkeys is refused with STATUS_CANNOT_DELETE; later operations on
 * any handle of a deleted key return STATUS_KEY_DELETED; ZwClose frees it.
 */
NTSTATUS NTAPI ZwDeleteKey(HANDLE KeyHandle)
{
    pnpsim_system *sys = zw_enter("ZwDeleteKey");
    pnpsim__regkey *key;
    NTSTATUS st;
    pnpsim__lock(sys);
    st = pnpsim__regkey_from_handle(sys, KeyHandle, DELETE, &key);
    if (st == STATUS_SUCCESS)
        st = pnpsim__regkey_delete(sys, key, false);
    pnpsim__unlock(sys);
    return st;
}

/*
 * Windows behaviour: ZwFlushKey forces a key's changes to disk (Microsoft Learn "ZwFlushKey
 * function (wdm.h)").
 * Simulation: the store lives in memory; the handle is validated and STATUS_SUCCESS
 * returned. pnpsim_registry_save writes the persistent part to a file.
 */
NTSTATUS NTAPI ZwFlushKey(HANDLE KeyHandle)
{
    pnpsim_system *sys = zw_enter("ZwFlushKey");
    pnpsim__regkey *key;
    NTSTATUS st;
    pnpsim__lock(sys);
    st = pnpsim__regkey_from_handle(sys, KeyHandle, 0, &key);
    pnpsim__unlock(sys);
    return st;
}

/*
 * Windows behaviour: ZwClose closes a handle of any object type; PASSIVE_LEVEL, rule
 * IrqlZwPassive (Microsoft Learn "NtClose function (ntifs.h)", "IrqlZwPassive rule (wdm)").
 * Simulation: any handle the system gave out (registry keys and the kinds other modules
 * register in the handle table); a handle that is not open (never opened, already closed,
 * NULL, another system's) returns STATUS_INVALID_HANDLE.
 */
NTSTATUS NTAPI ZwClose(HANDLE Handle)
{
    pnpsim_system *sys = zw_enter("ZwClose");
    return pnpsim__handle_close(sys, Handle);
}
