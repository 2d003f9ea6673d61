/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the Zw* registry routines (ZwCreateKey, ZwOpenKey,
 * ZwSetValueKey, ZwQueryValueKey, ZwEnumerateKey, ZwEnumerateValueKey, ZwQueryKey,
 * ZwDeleteKey, ZwDeleteValueKey, ZwFlushKey, ZwClose) as a driver calls them: every status,
 * the size-probe protocol of each information class, volatile keys, relative opens, bad
 * handles and bad arguments, IRQL, and out of memory. Sources: the Microsoft Learn pages of
 * each routine (named per test) and the choices documented in src/wdk/zw_registry.c.
 */
#include "pnpsim_test.h"

#include <string.h>

#include <pnpsim/wdk/wdm.h>

#define PARAMS L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\zwtest"

static void init_us(UNICODE_STRING *us, const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    us->Buffer = (PWSTR)s;
    us->Length = (USHORT)(n * sizeof(WCHAR));
    us->MaximumLength = (USHORT)(us->Length + sizeof(WCHAR));
}

static NTSTATUS create_key(HANDLE root, const WCHAR *name, ULONG options, HANDLE *h, ULONG *disp)
{
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    init_us(&us, name);
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, root, NULL);
    return ZwCreateKey(h, KEY_ALL_ACCESS, &oa, 0, NULL, options, disp);
}

static NTSTATUS open_key(HANDLE root, const WCHAR *name, ACCESS_MASK access, HANDLE *h)
{
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    init_us(&us, name);
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, root, NULL);
    return ZwOpenKey(h, access, &oa);
}

static NTSTATUS set_dword(HANDLE h, const WCHAR *name, ULONG v)
{
    UNICODE_STRING us;
    init_us(&us, name);
    return ZwSetValueKey(h, &us, 0, REG_DWORD, &v, sizeof(v));
}

static NTSTATUS set_sz(HANDLE h, const WCHAR *name, const WCHAR *s)
{
    UNICODE_STRING us;
    size_t n = 0;
    while (s[n] != 0)
        n++;
    init_us(&us, name);
    return ZwSetValueKey(h, &us, 0, REG_SZ, (PVOID)s, (ULONG)((n + 1) * sizeof(WCHAR)));
}

static HANDLE make_params(void)
{
    HANDLE h = NULL;
    assert_nt_status(STATUS_SUCCESS, create_key(NULL, PARAMS, 0, &h, NULL));
    return h;
}

/* ---- create / open ------------------------------------------------------------------- */

/* ZwCreateKey (Microsoft Learn): Disposition says whether the key was created or opened. */
static void test_zw__create_reports_disposition(void **state)
{
    HANDLE h1, h2;
    ULONG disp = 0;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, create_key(NULL, PARAMS, 0, &h1, &disp));
    assert_int_equal(disp, REG_CREATED_NEW_KEY);
    assert_nt_status(STATUS_SUCCESS, create_key(NULL, PARAMS, 0, &h2, &disp));
    assert_int_equal(disp, REG_OPENED_EXISTING_KEY);
    assert_true(h1 != h2);
    assert_nt_status(STATUS_SUCCESS, ZwClose(h1));
    assert_nt_status(STATUS_SUCCESS, ZwClose(h2));
}

/* ZwCreateKey does not create missing intermediate keys (NtCreateKey behaviour). */
static void test_zw__create_with_missing_parent_is_name_not_found(void **state)
{
    HANDLE h = NULL;
    (void)state;
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     create_key(NULL, PARAMS L"\\missing\\child", 0, &h, NULL));
    assert_null(h);
    assert_false(pnpsim_registry_key_exists(TSYS(state), "\\Registry\\Machine\\System\\"
                                                         "CurrentControlSet\\Services\\zwtest"));
}

/* ZwOpenKey (Microsoft Learn): missing key -> STATUS_OBJECT_NAME_NOT_FOUND; a missing
 * parent is the object manager's STATUS_OBJECT_PATH_NOT_FOUND. Names are case-insensitive. */
static void test_zw__open_statuses_and_case_insensitivity(void **state)
{
    HANDLE h = make_params(), h2;
    (void)state;
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, open_key(NULL, PARAMS L"\\nope", KEY_READ, &h2));
    assert_nt_status(STATUS_OBJECT_PATH_NOT_FOUND,
                     open_key(NULL, PARAMS L"\\nope\\deeper", KEY_READ, &h2));
    assert_nt_status(STATUS_SUCCESS,
                     open_key(NULL, L"\\REGISTRY\\machine\\SYSTEM\\currentcontrolset\\SERVICES\\"
                                    L"ZWTEST",
                              KEY_READ, &h2));
    ZwClose(h2);
    ZwClose(h);
}

/* Object-manager path syntax: absolute names start with '\', relative ones do not; empty
 * components are invalid; names outside \Registry are not found. */
static void test_zw__bad_paths(void **state)
{
    HANDLE h = make_params(), h2 = NULL;
    (void)state;
    assert_nt_status(STATUS_OBJECT_PATH_SYNTAX_BAD, open_key(NULL, L"Registry\\Machine", KEY_READ, &h2));
    assert_nt_status(STATUS_OBJECT_PATH_SYNTAX_BAD, open_key(h, L"\\sub", KEY_READ, &h2));
    assert_nt_status(STATUS_OBJECT_NAME_INVALID,
                     open_key(NULL, L"\\Registry\\\\Machine", KEY_READ, &h2));
    assert_nt_status(STATUS_OBJECT_NAME_INVALID, open_key(NULL, L"\\Registry\\Machine\\", KEY_READ, &h2));
    assert_nt_status(STATUS_OBJECT_PATH_NOT_FOUND, open_key(NULL, L"\\Device\\Foo", KEY_READ, &h2));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, open_key(NULL, L"\\Device", KEY_READ, &h2));
    assert_nt_status(STATUS_OBJECT_PATH_SYNTAX_BAD, open_key(NULL, L"", KEY_READ, &h2));
    assert_null(h2);
    ZwClose(h);
}

/* Relative opens through RootDirectory; an empty relative name opens the root key again. */
static void test_zw__relative_create_and_open(void **state)
{
    HANDLE h = make_params(), sub, again, self;
    ULONG disp;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, create_key(h, L"Parameters", 0, &sub, &disp));
    assert_int_equal(disp, REG_CREATED_NEW_KEY);
    assert_nt_status(STATUS_SUCCESS, set_dword(sub, L"Mode", 7));
    assert_nt_status(STATUS_SUCCESS, open_key(NULL, PARAMS L"\\Parameters", KEY_READ, &again));
    assert_nt_status(STATUS_SUCCESS, open_key(h, L"", KEY_READ, &self));
    ZwClose(self);
    ZwClose(again);
    ZwClose(sub);
    ZwClose(h);
    {
        uint32_t v = 0;
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_registry_get_dword(TSYS(state),
                                                   "\\Registry\\Machine\\System\\CurrentControlSet"
                                                   "\\Services\\zwtest\\Parameters",
                                                   "mode", &v));
        assert_int_equal(v, 7);
    }
}

/* A closed or never-opened handle as RootDirectory, or to any routine: STATUS_INVALID_HANDLE. */
static void test_zw__bad_and_closed_handles_are_invalid(void **state)
{
    HANDLE h = make_params(), h2;
    ULONG len;
    UCHAR buf[64];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
    assert_nt_status(STATUS_INVALID_HANDLE, ZwClose(h));
    assert_nt_status(STATUS_INVALID_HANDLE, open_key(h, L"x", KEY_READ, &h2));
    assert_nt_status(STATUS_INVALID_HANDLE, set_dword(h, L"v", 1));
    assert_nt_status(STATUS_INVALID_HANDLE, ZwQueryKey(h, KeyBasicInformation, buf, sizeof(buf), &len));
    assert_nt_status(STATUS_INVALID_HANDLE, ZwClose(NULL));
    assert_nt_status(STATUS_INVALID_HANDLE, ZwClose((HANDLE)(ULONG_PTR)0x1234));
    assert_nt_status(STATUS_INVALID_HANDLE, ZwFlushKey((HANDLE)(ULONG_PTR)0x80000004));
}

/* Handles of one system are not valid in another. */
static void test_zw__handle_of_another_system_is_invalid(void **state)
{
    pnpsim_system *other;
    HANDLE h = make_params();
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &other));
    pnpsim_system_enter(other);
    assert_nt_status(STATUS_INVALID_HANDLE, ZwFlushKey(h));
    pnpsim_system_leave(other);
    pnpsim_system_destroy(other);
    if (pnpsim_system_current() != TSYS(state))
        pnpsim_system_enter(TSYS(state));
    assert_nt_status(STATUS_SUCCESS, ZwFlushKey(h));
    ZwClose(h);
}

/* Malformed arguments: documented choices in zw_registry.c. */
static void test_zw__bad_arguments(void **state)
{
    HANDLE h = make_params(), h2 = NULL;
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    WCHAR name[] = L"\\Registry\\Machine";
    ULONG v = 1;
    (void)state;
    assert_nt_status(STATUS_ACCESS_VIOLATION, ZwOpenKey(&h2, KEY_READ, NULL));
    init_us(&us, name);
    InitializeObjectAttributes(&oa, &us, 0, NULL, NULL);
    assert_nt_status(STATUS_ACCESS_VIOLATION, ZwOpenKey(NULL, KEY_READ, &oa));
    oa.Length = 3;
    assert_nt_status(STATUS_INVALID_PARAMETER, ZwOpenKey(&h2, KEY_READ, &oa));
    oa.Length = sizeof(oa);
    oa.Attributes = 0x80000000u;
    assert_nt_status(STATUS_INVALID_PARAMETER, ZwOpenKey(&h2, KEY_READ, &oa));
    oa.Attributes = 0;
    us.Length = 3; /* odd */
    assert_nt_status(STATUS_OBJECT_NAME_INVALID, ZwOpenKey(&h2, KEY_READ, &oa));
    us.Length = (USHORT)(us.MaximumLength + 2); /* Length > MaximumLength */
    assert_nt_status(STATUS_INVALID_PARAMETER, ZwOpenKey(&h2, KEY_READ, &oa));
    us.Buffer = NULL;
    us.Length = 4;
    us.MaximumLength = 4;
    assert_nt_status(STATUS_INVALID_PARAMETER, ZwOpenKey(&h2, KEY_READ, &oa));
    assert_null(h2);
    /* value names */
    assert_nt_status(STATUS_ACCESS_VIOLATION, ZwSetValueKey(h, NULL, 0, REG_DWORD, &v, 4));
    init_us(&us, L"v");
    us.Length = 1;
    assert_nt_status(STATUS_INVALID_PARAMETER, ZwSetValueKey(h, &us, 0, REG_DWORD, &v, 4));
    init_us(&us, L"v");
    assert_nt_status(STATUS_ACCESS_VIOLATION, ZwSetValueKey(h, &us, 0, REG_DWORD, NULL, 4));
    /* options */
    init_us(&us, PARAMS L"\\x");
    InitializeObjectAttributes(&oa, &us, 0, NULL, NULL);
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     ZwCreateKey(&h2, KEY_ALL_ACCESS, &oa, 0, NULL, 0x1000, NULL));
    assert_nt_status(STATUS_NOT_IMPLEMENTED,
                     ZwCreateKey(&h2, KEY_ALL_ACCESS, &oa, 0, NULL, REG_OPTION_CREATE_LINK, NULL));
    ZwClose(h);
}

/* The handle's granted access is checked: KEY_QUERY_VALUE to read, KEY_SET_VALUE to write,
 * KEY_ENUMERATE_SUB_KEYS to enumerate, DELETE to delete (Microsoft Learn, each routine). */
static void test_zw__access_rights_are_checked(void **state)
{
    HANDLE h = make_params(), r, w;
    UNICODE_STRING us;
    UCHAR buf[256];
    ULONG len;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, set_dword(h, L"v", 1));
    assert_nt_status(STATUS_SUCCESS, open_key(NULL, PARAMS, KEY_READ, &r));
    assert_nt_status(STATUS_SUCCESS, open_key(NULL, PARAMS, KEY_SET_VALUE, &w));
    assert_nt_status(STATUS_ACCESS_DENIED, set_dword(r, L"v", 2));
    assert_nt_status(STATUS_ACCESS_DENIED, ZwDeleteKey(r));
    init_us(&us, L"v");
    assert_nt_status(STATUS_ACCESS_DENIED,
                     ZwQueryValueKey(w, &us, KeyValuePartialInformation, buf, sizeof(buf), &len));
    assert_nt_status(STATUS_ACCESS_DENIED, ZwEnumerateKey(w, 0, KeyBasicInformation, buf, sizeof(buf), &len));
    assert_nt_status(STATUS_SUCCESS, set_dword(w, L"v", 2));
    assert_nt_status(STATUS_SUCCESS,
                     ZwQueryValueKey(r, &us, KeyValuePartialInformation, buf, sizeof(buf), &len));
    assert_int_equal(((PKEY_VALUE_PARTIAL_INFORMATION)buf)->Data[0], 2);
    /* KeyNameInformation needs no access right */
    assert_nt_status(STATUS_SUCCESS, ZwQueryKey(w, KeyNameInformation, buf, sizeof(buf), &len));
    ZwClose(r);
    ZwClose(w);
    ZwClose(h);
}

/* ---- values -------------------------------------------------------------------------- */

/* ZwQueryValueKey (Microsoft Learn): a missing value is STATUS_OBJECT_NAME_NOT_FOUND; an
 * invalid information class is STATUS_INVALID_PARAMETER. */
static void test_zw__query_missing_value_and_bad_class(void **state)
{
    HANDLE h = make_params();
    UNICODE_STRING us;
    UCHAR buf[64];
    ULONG len = 0;
    (void)state;
    init_us(&us, L"missing");
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, sizeof(buf), &len));
    assert_nt_status(STATUS_SUCCESS, set_dword(h, L"present", 5));
    init_us(&us, L"present");
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     ZwQueryValueKey(h, &us, (KEY_VALUE_INFORMATION_CLASS)77, buf, sizeof(buf), &len));
    assert_nt_status(STATUS_ACCESS_VIOLATION,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, sizeof(buf), NULL));
    ZwClose(h);
}

/* Size-probe protocol, KeyValuePartialInformation (Microsoft Learn "ZwQueryValueKey"):
 * too small for the fixed part -> STATUS_BUFFER_TOO_SMALL, nothing written; fixed part fits
 * -> STATUS_BUFFER_OVERFLOW with partial data; *ResultLength always the full size. */
static void test_zw__query_value_partial_size_probe(void **state)
{
    HANDLE h = make_params();
    UNICODE_STRING us;
    UCHAR buf[64];
    ULONG len = 0, full = FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data) + 8;
    PKEY_VALUE_PARTIAL_INFORMATION p = (PKEY_VALUE_PARTIAL_INFORMATION)buf;
    UCHAR data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    (void)state;
    init_us(&us, L"Blob");
    assert_nt_status(STATUS_SUCCESS, ZwSetValueKey(h, &us, 0, REG_BINARY, data, sizeof(data)));
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformation, NULL, 0, &len));
    assert_int_equal(len, full);
    memset(buf, 0xCC, sizeof(buf));
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, 11, &len));
    assert_int_equal(len, full);
    assert_int_equal(buf[0], 0xCC);
    memset(buf, 0xCC, sizeof(buf));
    assert_nt_status(STATUS_BUFFER_OVERFLOW,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, full - 3, &len));
    assert_int_equal(len, full);
    assert_int_equal(p->Type, REG_BINARY);
    assert_int_equal(p->DataLength, 8);
    assert_memory_equal(p->Data, data, 5);
    assert_int_equal(buf[full - 3], 0xCC);
    assert_nt_status(STATUS_SUCCESS,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, full, &len));
    assert_int_equal(len, full);
    assert_memory_equal(p->Data, data, 8);
    ZwClose(h);
}

/* Size-probe protocol, KeyValueBasicInformation (name only). */
static void test_zw__query_value_basic_size_probe(void **state)
{
    HANDLE h = make_params();
    UNICODE_STRING us;
    UCHAR buf[64];
    ULONG len = 0, fixed = FIELD_OFFSET(KEY_VALUE_BASIC_INFORMATION, Name);
    PKEY_VALUE_BASIC_INFORMATION b = (PKEY_VALUE_BASIC_INFORMATION)buf;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, set_dword(h, L"Speed", 9));
    init_us(&us, L"SPEED");
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     ZwQueryValueKey(h, &us, KeyValueBasicInformation, buf, fixed - 1, &len));
    assert_int_equal(len, fixed + 10);
    assert_nt_status(STATUS_BUFFER_OVERFLOW,
                     ZwQueryValueKey(h, &us, KeyValueBasicInformation, buf, fixed + 4, &len));
    assert_int_equal(b->NameLength, 10);
    assert_int_equal(b->Type, REG_DWORD);
    assert_memory_equal(b->Name, L"Sp", 4);
    assert_nt_status(STATUS_SUCCESS,
                     ZwQueryValueKey(h, &us, KeyValueBasicInformation, buf, sizeof(buf), &len));
    assert_int_equal(len, fixed + 10);
    assert_memory_equal(b->Name, L"Speed", 10); /* stored case */
    ZwClose(h);
}

/* Size-probe protocol, KeyValueFullInformation: name, then data at DataOffset. */
static void test_zw__query_value_full_size_probe(void **state)
{
    HANDLE h = make_params();
    UNICODE_STRING us;
    ULONG buf32[32];
    UCHAR *buf = (UCHAR *)buf32;
    ULONG len = 0, fixed = FIELD_OFFSET(KEY_VALUE_FULL_INFORMATION, Name);
    PKEY_VALUE_FULL_INFORMATION f = (PKEY_VALUE_FULL_INFORMATION)buf;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, set_sz(h, L"Abc", L"xyz"));
    init_us(&us, L"abc");
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     ZwQueryValueKey(h, &us, KeyValueFullInformation, buf, fixed - 1, &len));
    assert_int_equal(len, 28 + 8); /* 20 + 6 name bytes -> offset 28 (4-aligned), 8 data bytes */
    assert_nt_status(STATUS_BUFFER_OVERFLOW,
                     ZwQueryValueKey(h, &us, KeyValueFullInformation, buf, fixed, &len));
    assert_int_equal(f->DataOffset, 28);
    assert_int_equal(f->DataLength, 8);
    assert_int_equal(f->NameLength, 6);
    assert_nt_status(STATUS_SUCCESS,
                     ZwQueryValueKey(h, &us, KeyValueFullInformation, buf, sizeof(buf32), &len));
    assert_int_equal(len, 36);
    assert_memory_equal(f->Name, L"Abc", 6);
    assert_memory_equal(buf + f->DataOffset, L"xyz", 8);
    ZwClose(h);
}

/* The Align64 forms (KEY_VALUE_INFORMATION_CLASS, Microsoft Learn): full information with
 * DataOffset 8-aligned; partial information as Type, DataLength, Data. */
static void test_zw__query_value_align64_classes(void **state)
{
    HANDLE h = make_params();
    UNICODE_STRING us;
    ULONG buf32[32];
    UCHAR *buf = (UCHAR *)buf32;
    ULONG len = 0;
    ULONG64 q = 0x1122334455667788ull;
    (void)state;
    init_us(&us, L"Q");
    assert_nt_status(STATUS_SUCCESS, ZwSetValueKey(h, &us, 0, REG_QWORD, &q, sizeof(q)));
    assert_nt_status(STATUS_SUCCESS,
                     ZwQueryValueKey(h, &us, KeyValueFullInformationAlign64, buf, sizeof(buf32), &len));
    assert_int_equal(((PKEY_VALUE_FULL_INFORMATION)buf)->DataOffset, 24); /* 20 + 2 -> 24 */
    assert_int_equal(len, 32);
    assert_memory_equal(buf + 24, &q, 8);
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformationAlign64, buf, 7, &len));
    assert_int_equal(len, 16);
    assert_nt_status(STATUS_SUCCESS,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformationAlign64, buf, 16, &len));
    assert_int_equal(buf32[0], REG_QWORD);
    assert_int_equal(buf32[1], 8);
    assert_memory_equal(buf + 8, &q, 8);
    ZwClose(h);
}

/* Setting replaces type and data; deleting removes; deleting again is NAME_NOT_FOUND
 * (Microsoft Learn "ZwDeleteValueKey"). The empty name is the default value. */
static void test_zw__set_replace_and_delete_value(void **state)
{
    HANDLE h = make_params();
    UNICODE_STRING us, empty;
    UCHAR buf[64];
    ULONG len;
    PKEY_VALUE_PARTIAL_INFORMATION p = (PKEY_VALUE_PARTIAL_INFORMATION)buf;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, set_dword(h, L"v", 1));
    assert_nt_status(STATUS_SUCCESS, set_sz(h, L"V", L"s"));
    init_us(&us, L"v");
    assert_nt_status(STATUS_SUCCESS,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, sizeof(buf), &len));
    assert_int_equal(p->Type, REG_SZ);
    assert_int_equal(p->DataLength, 4);
    RtlInitUnicodeString(&empty, NULL);
    assert_nt_status(STATUS_SUCCESS, ZwSetValueKey(h, &empty, 0, REG_NONE, NULL, 0));
    assert_nt_status(STATUS_SUCCESS,
                     ZwQueryValueKey(h, &empty, KeyValuePartialInformation, buf, sizeof(buf), &len));
    assert_int_equal(p->Type, REG_NONE);
    assert_int_equal(p->DataLength, 0);
    assert_nt_status(STATUS_SUCCESS, ZwDeleteValueKey(h, &us));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, ZwDeleteValueKey(h, &us));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     ZwQueryValueKey(h, &us, KeyValuePartialInformation, buf, sizeof(buf), &len));
    ZwClose(h);
}

/* ZwEnumerateValueKey (Microsoft Learn): by index, STATUS_NO_MORE_ENTRIES past the end. */
static void test_zw__enumerate_values_in_creation_order(void **state)
{
    HANDLE h = make_params();
    UCHAR buf[64];
    ULONG len;
    PKEY_VALUE_BASIC_INFORMATION b = (PKEY_VALUE_BASIC_INFORMATION)buf;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, set_dword(h, L"b", 1));
    assert_nt_status(STATUS_SUCCESS, set_dword(h, L"a", 2));
    assert_nt_status(STATUS_SUCCESS, ZwEnumerateValueKey(h, 0, KeyValueBasicInformation, buf, sizeof(buf), &len));
    assert_int_equal(b->Name[0], 'b');
    assert_nt_status(STATUS_SUCCESS, ZwEnumerateValueKey(h, 1, KeyValueBasicInformation, buf, sizeof(buf), &len));
    assert_int_equal(b->Name[0], 'a');
    assert_nt_status(STATUS_NO_MORE_ENTRIES,
                     ZwEnumerateValueKey(h, 2, KeyValueBasicInformation, buf, sizeof(buf), &len));
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     ZwEnumerateValueKey(h, 1, KeyValuePartialInformation, buf, 4, &len));
    assert_int_equal(len, FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data) + 4);
    ZwClose(h);
}

/* ---- keys ---------------------------------------------------------------------------- */

/* ZwEnumerateKey (Microsoft Learn): subkeys by index (creation order here), the size probe,
 * STATUS_NO_MORE_ENTRIES past the end. */
static void test_zw__enumerate_subkeys(void **state)
{
    HANDLE h = make_params(), s1, s2;
    ULONG buf64[16];
    UCHAR *buf = (UCHAR *)buf64;
    ULONG len;
    PKEY_BASIC_INFORMATION b = (PKEY_BASIC_INFORMATION)buf;
    PKEY_NODE_INFORMATION n = (PKEY_NODE_INFORMATION)buf;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, create_key(h, L"Zeta", 0, &s1, NULL));
    assert_nt_status(STATUS_SUCCESS, create_key(h, L"Alpha", 0, &s2, NULL));
    assert_nt_status(STATUS_SUCCESS, ZwEnumerateKey(h, 0, KeyBasicInformation, buf, sizeof(buf64), &len));
    assert_int_equal(b->NameLength, 8);
    assert_memory_equal(b->Name, L"Zeta", 8);
    assert_int_equal(len, FIELD_OFFSET(KEY_BASIC_INFORMATION, Name) + 8);
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, ZwEnumerateKey(h, 1, KeyBasicInformation, buf, 8, &len));
    assert_int_equal(len, FIELD_OFFSET(KEY_BASIC_INFORMATION, Name) + 10);
    assert_nt_status(STATUS_BUFFER_OVERFLOW,
                     ZwEnumerateKey(h, 1, KeyBasicInformation, buf, FIELD_OFFSET(KEY_BASIC_INFORMATION, Name) + 2, &len));
    assert_int_equal(b->NameLength, 10);
    assert_nt_status(STATUS_SUCCESS, ZwEnumerateKey(h, 1, KeyNodeInformation, buf, sizeof(buf64), &len));
    assert_int_equal(n->NameLength, 10);
    assert_int_equal(n->ClassLength, 0);
    assert_nt_status(STATUS_NO_MORE_ENTRIES, ZwEnumerateKey(h, 2, KeyBasicInformation, buf, sizeof(buf64), &len));
    assert_nt_status(STATUS_INVALID_PARAMETER, ZwEnumerateKey(h, 0, KeyNameInformation, buf, sizeof(buf64), &len));
    ZwClose(s1);
    ZwClose(s2);
    ZwClose(h);
}

/* ZwEnumerateKey with KeyFullInformation describes the subkey (counts of its own). */
static void test_zw__enumerate_subkey_full_information(void **state)
{
    HANDLE h = make_params(), s;
    ULONG buf64[32];
    ULONG len;
    PKEY_FULL_INFORMATION f = (PKEY_FULL_INFORMATION)buf64;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, create_key(h, L"S", 0, &s, NULL));
    assert_nt_status(STATUS_SUCCESS, set_dword(s, L"one", 1));
    assert_nt_status(STATUS_SUCCESS, ZwEnumerateKey(h, 0, KeyFullInformation, buf64, sizeof(buf64), &len));
    assert_int_equal(len, FIELD_OFFSET(KEY_FULL_INFORMATION, Class));
    assert_int_equal(f->SubKeys, 0);
    assert_int_equal(f->Values, 1);
    assert_int_equal(f->MaxValueDataLen, 4);
    assert_int_equal(f->ClassLength, 0);
    ZwClose(s);
    ZwClose(h);
}

/* A key deleted behind a driver's back (pnpsim_registry_delete_key) leaves its handles
 * failing with STATUS_KEY_DELETED; ZwClose still closes them. */
static void test_zw__handles_on_key_deleted_by_harness(void **state)
{
    HANDLE h = make_params(), s;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, create_key(h, L"Sub", 0, &s, NULL));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_delete_key(TSYS(state), "\\Registry\\Machine\\System\\"
                                                             "CurrentControlSet\\Services\\zwtest"));
    assert_nt_status(STATUS_KEY_DELETED, set_dword(s, L"x", 1));
    assert_nt_status(STATUS_KEY_DELETED, ZwFlushKey(h));
    assert_nt_status(STATUS_SUCCESS, ZwClose(s));
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
}

/* ZwQueryKey (Microsoft Learn): full information counts subkeys and values and gives the
 * longest names and data; name information is the full path. */
static void test_zw__query_key_full_and_name(void **state)
{
    HANDLE h = make_params(), s;
    ULONG buf64[64];
    UCHAR *buf = (UCHAR *)buf64;
    ULONG len;
    PKEY_FULL_INFORMATION f = (PKEY_FULL_INFORMATION)buf;
    PKEY_NAME_INFORMATION nm = (PKEY_NAME_INFORMATION)buf;
    static const WCHAR expect[] = L"\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\zwtest";
    (void)state;
    assert_nt_status(STATUS_SUCCESS, create_key(h, L"Sub12", 0, &s, NULL));
    assert_nt_status(STATUS_SUCCESS, set_dword(h, L"a", 1));
    assert_nt_status(STATUS_SUCCESS, set_sz(h, L"Longer", L"12345"));
    assert_nt_status(STATUS_BUFFER_TOO_SMALL, ZwQueryKey(h, KeyFullInformation, buf, 8, &len));
    assert_int_equal(len, FIELD_OFFSET(KEY_FULL_INFORMATION, Class));
    assert_nt_status(STATUS_SUCCESS, ZwQueryKey(h, KeyFullInformation, buf, sizeof(buf64), &len));
    assert_int_equal(f->SubKeys, 1);
    assert_int_equal(f->Values, 2);
    assert_int_equal(f->MaxNameLen, 10);
    assert_int_equal(f->MaxValueNameLen, 12);
    assert_int_equal(f->MaxValueDataLen, 12);
    assert_nt_status(STATUS_SUCCESS, ZwQueryKey(h, KeyNameInformation, buf, sizeof(buf64), &len));
    assert_int_equal(nm->NameLength, sizeof(expect) - 2);
    assert_memory_equal(nm->Name, expect, sizeof(expect) - 2);
    assert_nt_status(STATUS_INVALID_PARAMETER, ZwQueryKey(h, KeyCachedInformation, buf, sizeof(buf64), &len));
    ZwClose(s);
    ZwClose(h);
}

/* Deleting: a key with subkeys cannot be deleted (STATUS_CANNOT_DELETE); after deletion
 * every handle to the key fails with STATUS_KEY_DELETED until closed (Microsoft Learn
 * "ZwDeleteKey": the handles become invalid, close them with ZwClose). */
static void test_zw__delete_key_with_children_and_handles(void **state)
{
    HANDLE h = make_params(), s, s2;
    ULONG len;
    UCHAR buf[64];
    (void)state;
    assert_nt_status(STATUS_SUCCESS, create_key(h, L"Child", 0, &s, NULL));
    assert_nt_status(STATUS_SUCCESS, open_key(h, L"Child", KEY_READ, &s2));
    assert_nt_status(STATUS_CANNOT_DELETE, ZwDeleteKey(h));
    assert_nt_status(STATUS_SUCCESS, ZwDeleteKey(s));
    assert_nt_status(STATUS_KEY_DELETED, ZwDeleteKey(s));
    assert_nt_status(STATUS_KEY_DELETED, ZwQueryKey(s2, KeyBasicInformation, buf, sizeof(buf), &len));
    assert_nt_status(STATUS_KEY_DELETED, set_dword(s, L"x", 1));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, open_key(h, L"Child", KEY_READ, &s2));
    assert_nt_status(STATUS_SUCCESS, ZwClose(s));
    assert_nt_status(STATUS_SUCCESS, ZwClose(s2));
    assert_nt_status(STATUS_SUCCESS, ZwDeleteKey(h));
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
    assert_false(pnpsim_registry_key_exists(TSYS(state), "\\Registry\\Machine\\System\\"
                                                         "CurrentControlSet\\Services\\zwtest"));
}

/* ZwCreateKey (Microsoft Learn): REG_OPTION_VOLATILE keys are not preserved; a non-volatile
 * key cannot go under a volatile one (STATUS_CHILD_MUST_BE_VOLATILE). Volatile keys are not
 * saved (see tests/core/test_registry.c) and vanish on reboot. */
static void test_zw__volatile_keys(void **state)
{
    HANDLE h = make_params(), v, c, c2;
    ULONG disp;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, create_key(h, L"Vol", REG_OPTION_VOLATILE, &v, &disp));
    assert_nt_status(STATUS_CHILD_MUST_BE_VOLATILE, create_key(v, L"Persistent", 0, &c, NULL));
    assert_nt_status(STATUS_SUCCESS, create_key(v, L"AlsoVolatile", REG_OPTION_VOLATILE, &c, NULL));
    /* opening an existing key ignores the options */
    assert_nt_status(STATUS_SUCCESS, create_key(v, L"AlsoVolatile", 0, &c2, &disp));
    assert_int_equal(disp, REG_OPENED_EXISTING_KEY);
    ZwClose(c2);
    ZwClose(c);
    ZwClose(v);
    ZwClose(h);
}

/* ZwFlushKey validates the handle and succeeds. */
static void test_zw__flush(void **state)
{
    HANDLE h = make_params();
    (void)state;
    assert_nt_status(STATUS_SUCCESS, ZwFlushKey(h));
    ZwClose(h);
    assert_nt_status(STATUS_INVALID_HANDLE, ZwFlushKey(h));
}

/* IrqlZwPassive (Microsoft Learn "IrqlZwPassive rule (wdm)"): Zw* above PASSIVE_LEVEL is bug
 * check 0xC4 with parameter 1 = 0x2001F. */
static void test_zw__above_passive_bugchecks_irql_zw_passive(void **state)
{
    pnpsim_system *sys = TSYS(state);
    HANDLE h = make_params();
    KIRQL old;
    KeRaiseIrql(APC_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, 0xC4, ZwClose(h));
    assert_int_equal(pnpsim_bugcheck_last_caught()->parameters[0], 0x2001F);
    KeLowerIrql(old);
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
}

/* Out of memory: STATUS_INSUFFICIENT_RESOURCES and nothing created or changed. */
static void test_zw__out_of_memory_changes_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    HANDLE h = make_params(), s = NULL;
    unsigned long n;
    bool created = false;
    assert_nt_status(STATUS_SUCCESS, set_dword(h, L"Keep", 1));
    for (n = 1; n < 50 && !created; n++) {
        NTSTATUS st;
        uint32_t v = 0;
        pnpsim_fault_alloc(sys, n, 1);
        st = create_key(h, L"NewKey", 0, &s, NULL);
        pnpsim_fault_clear(sys);
        if (st == STATUS_SUCCESS) {
            created = true;
            break;
        }
        assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, st);
        assert_false(pnpsim_registry_key_exists(sys, "\\Registry\\Machine\\System\\CurrentControlSet"
                                                     "\\Services\\zwtest\\NewKey"));
        pnpsim_fault_alloc(sys, n, 1);
        st = set_dword(h, L"Keep", 2);
        pnpsim_fault_clear(sys);
        if (st != STATUS_SUCCESS) {
            assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, st);
            assert_nt_status(STATUS_SUCCESS,
                             pnpsim_registry_get_dword(sys, "\\Registry\\Machine\\System\\"
                                                            "CurrentControlSet\\Services\\zwtest",
                                                       "Keep", &v));
            assert_int_equal(v, 1);
        } else {
            assert_nt_status(STATUS_SUCCESS, set_dword(h, L"Keep", 1));
        }
    }
    assert_true(created);
    assert_true(n > 1); /* at least one failure was injected */
    ZwClose(s);
    ZwClose(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_zw__create_reports_disposition),
        PNPSIM_TEST(test_zw__create_with_missing_parent_is_name_not_found),
        PNPSIM_TEST(test_zw__open_statuses_and_case_insensitivity),
        PNPSIM_TEST(test_zw__bad_paths),
        PNPSIM_TEST(test_zw__relative_create_and_open),
        PNPSIM_TEST(test_zw__bad_and_closed_handles_are_invalid),
        PNPSIM_TEST(test_zw__handle_of_another_system_is_invalid),
        PNPSIM_TEST(test_zw__bad_arguments),
        PNPSIM_TEST(test_zw__access_rights_are_checked),
        PNPSIM_TEST(test_zw__query_missing_value_and_bad_class),
        PNPSIM_TEST(test_zw__query_value_partial_size_probe),
        PNPSIM_TEST(test_zw__query_value_basic_size_probe),
        PNPSIM_TEST(test_zw__query_value_full_size_probe),
        PNPSIM_TEST(test_zw__query_value_align64_classes),
        PNPSIM_TEST(test_zw__set_replace_and_delete_value),
        PNPSIM_TEST(test_zw__enumerate_values_in_creation_order),
        PNPSIM_TEST(test_zw__enumerate_subkeys),
        PNPSIM_TEST(test_zw__enumerate_subkey_full_information),
        PNPSIM_TEST(test_zw__handles_on_key_deleted_by_harness),
        PNPSIM_TEST(test_zw__query_key_full_and_name),
        PNPSIM_TEST(test_zw__delete_key_with_children_and_handles),
        PNPSIM_TEST(test_zw__volatile_keys),
        PNPSIM_TEST(test_zw__flush),
        PNPSIM_TEST(test_zw__above_passive_bugchecks_irql_zw_passive),
        PNPSIM_TEST(test_zw__out_of_memory_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
