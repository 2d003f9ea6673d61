/* SPDX-License-Identifier: MIT */
/*
 * This file tests RtlQueryRegistryValues (direct and callback entries, defaults, REQUIRED,
 * TYPECHECK, REG_MULTI_SZ expansion, subkeys, DELETE) and RtlWriteRegistryValue /
 * RtlCheckRegistryKey / RtlDeleteRegistryValue on a driver's service key filled by the
 * test. Source: Microsoft Learn "RtlQueryRegistryValues", "RTL_QUERY_REGISTRY_TABLE".
 */
#include "pnpsim_test.h"

#include <string.h>

#define SVC "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\rqdrv"

typedef struct seen {
    int calls;
    ULONG types[8];
    WCHAR first[32];
    ULONG lens[8];
} seen;

static NTSTATUS NTAPI collect(PWSTR ValueName, ULONG ValueType, PVOID ValueData, ULONG ValueLength,
                              PVOID Context, PVOID EntryContext)
{
    seen *s = Context;
    (void)ValueName;
    (void)EntryContext;
    if (s->calls < 8) {
        s->types[s->calls] = ValueType;
        s->lens[s->calls] = ValueLength;
    }
    if (s->calls == 0 && ValueType == REG_SZ && ValueLength <= sizeof(s->first))
        memcpy(s->first, ValueData, ValueLength);
    s->calls++;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI fail_routine(PWSTR ValueName, ULONG ValueType, PVOID ValueData,
                                   ULONG ValueLength, PVOID Context, PVOID EntryContext)
{
    (void)ValueName;
    (void)ValueType;
    (void)ValueData;
    (void)ValueLength;
    (void)Context;
    (void)EntryContext;
    return STATUS_INSUFFICIENT_RESOURCES;
}

static void fill(pnpsim_system *sys)
{
    static const WCHAR multi[] = L"one\0two\0";
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_set_dword(sys, SVC "\\Parameters", "PollMs", 250));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_set_string(sys, SVC "\\Parameters", "Name", "widget"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_value(sys, SVC "\\Parameters", "List",
                                                               REG_MULTI_SZ, multi, sizeof(multi)));
}

/* DIRECT entries: ULONG, UNICODE_STRING allocated from pool, defaults for missing values. */
static void test_rtl_registry__direct_entries_and_defaults(void **state)
{
    RTL_QUERY_REGISTRY_TABLE t[4];
    ULONG poll = 0, missing = 0, def = 42;
    UNICODE_STRING name = {0, 0, NULL};
    fill(TSYS(state));
    memset(t, 0, sizeof(t));
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
    t[0].Name = L"PollMs";
    t[0].EntryContext = &poll;
    t[0].DefaultType = (REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE;
    t[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[1].Name = L"Name";
    t[1].EntryContext = &name;
    t[2].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[2].Name = L"Missing";
    t[2].EntryContext = &missing;
    t[2].DefaultType = REG_DWORD;
    t[2].DefaultData = &def;
    t[2].DefaultLength = sizeof(def);
    assert_nt_status(STATUS_SUCCESS, RtlQueryRegistryValues(RTL_REGISTRY_SERVICES,
                                                            L"rqdrv\\Parameters", t, NULL, NULL));
    assert_int_equal(poll, 250);
    assert_int_equal(missing, 42);
    assert_int_equal(name.Length, 6 * sizeof(WCHAR));
    assert_memory_equal(name.Buffer, L"widget", 6 * sizeof(WCHAR));
    RtlFreeUnicodeString(&name);
}

/* TYPECHECK: a DIRECT entry whose value has another type fails. */
static void test_rtl_registry__typecheck_mismatch_fails(void **state)
{
    RTL_QUERY_REGISTRY_TABLE t[2];
    ULONG v = 7;
    fill(TSYS(state));
    memset(t, 0, sizeof(t));
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK;
    t[0].Name = L"Name";
    t[0].EntryContext = &v;
    t[0].DefaultType = (REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE;
    assert_nt_status(
        STATUS_OBJECT_TYPE_MISMATCH,
        RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, L"" SVC "\\Parameters", t, NULL, NULL));
    assert_int_equal(v, 7);
}

/* REQUIRED: a missing value fails with STATUS_OBJECT_NAME_NOT_FOUND. */
static void test_rtl_registry__required_missing_value_fails(void **state)
{
    RTL_QUERY_REGISTRY_TABLE t[2];
    ULONG v = 0;
    fill(TSYS(state));
    memset(t, 0, sizeof(t));
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED;
    t[0].Name = L"Nope";
    t[0].EntryContext = &v;
    assert_nt_status(
        STATUS_OBJECT_NAME_NOT_FOUND,
        RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"rqdrv\\Parameters", t, NULL, NULL));
}

/* Callback entries: a REG_MULTI_SZ is split into one REG_SZ call per string; a NULL Name
 * enumerates every value of the key; a failing routine stops the walk. */
static void test_rtl_registry__callbacks_split_multi_sz_and_enumerate(void **state)
{
    RTL_QUERY_REGISTRY_TABLE t[2];
    seen s;
    fill(TSYS(state));
    memset(t, 0, sizeof(t));
    memset(&s, 0, sizeof(s));
    t[0].QueryRoutine = collect;
    t[0].Name = L"List";
    assert_nt_status(STATUS_SUCCESS, RtlQueryRegistryValues(RTL_REGISTRY_SERVICES,
                                                            L"rqdrv\\Parameters", t, &s, NULL));
    assert_int_equal(s.calls, 2);
    assert_int_equal(s.types[0], REG_SZ);
    assert_int_equal(s.lens[0], 4 * sizeof(WCHAR));
    assert_memory_equal(s.first, L"one", 4 * sizeof(WCHAR));
    memset(&s, 0, sizeof(s));
    t[0].Name = NULL;
    t[0].Flags = RTL_QUERY_REGISTRY_NOEXPAND;
    t[1].QueryRoutine = NULL;
    assert_nt_status(STATUS_SUCCESS, RtlQueryRegistryValues(RTL_REGISTRY_SERVICES,
                                                            L"rqdrv\\Parameters", t, &s, NULL));
    assert_int_equal(s.calls, 3);
    t[0].QueryRoutine = fail_routine;
    assert_nt_status(
        STATUS_INSUFFICIENT_RESOURCES,
        RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"rqdrv\\Parameters", t, NULL, NULL));
}

/* SUBKEY entries move to a subkey of Path. */
static void test_rtl_registry__subkey_entry(void **state)
{
    RTL_QUERY_REGISTRY_TABLE t[3];
    ULONG poll = 0;
    fill(TSYS(state));
    memset(t, 0, sizeof(t));
    t[0].Flags = RTL_QUERY_REGISTRY_SUBKEY;
    t[0].Name = L"Parameters";
    t[1].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[1].Name = L"PollMs";
    t[1].EntryContext = &poll;
    assert_nt_status(STATUS_SUCCESS,
                     RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"rqdrv", t, NULL, NULL));
    assert_int_equal(poll, 250);
}

/* Missing key: STATUS_OBJECT_NAME_NOT_FOUND, or success with RTL_REGISTRY_OPTIONAL. */
static void test_rtl_registry__missing_key_and_optional(void **state)
{
    RTL_QUERY_REGISTRY_TABLE t[2];
    ULONG v = 0;
    (void)state;
    memset(t, 0, sizeof(t));
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[0].Name = L"X";
    t[0].EntryContext = &v;
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"nosuch", t, NULL, NULL));
    assert_nt_status(STATUS_SUCCESS,
                     RtlQueryRegistryValues(RTL_REGISTRY_SERVICES | RTL_REGISTRY_OPTIONAL,
                                            L"nosuch", t, NULL, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"nosuch", NULL, NULL, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlQueryRegistryValues(77, L"x", t, NULL, NULL));
}

/* RtlWriteRegistryValue creates the key; RtlDeleteRegistryValue removes the value. */
static void test_rtl_registry__write_check_delete(void **state)
{
    ULONG v = 9;
    uint32_t got = 0;
    fill(TSYS(state));
    assert_nt_status(STATUS_SUCCESS, RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"rqdrv\\State",
                                                           L"Count", REG_DWORD, &v, sizeof(v)));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_dword(TSYS(state), SVC "\\State", "Count", &got));
    assert_int_equal(got, 9);
    assert_nt_status(STATUS_SUCCESS, RtlCheckRegistryKey(RTL_REGISTRY_SERVICES, L"rqdrv\\State"));
    assert_nt_status(STATUS_SUCCESS,
                     RtlDeleteRegistryValue(RTL_REGISTRY_SERVICES, L"rqdrv\\State", L"Count"));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND,
                     pnpsim_registry_get_dword(TSYS(state), SVC "\\State", "Count", &got));
}

/* PASSIVE_LEVEL only (the Zw* rule IrqlZwPassive). */
static void test_rtl_registry__at_dispatch_bugchecks(void **state)
{
    RTL_QUERY_REGISTRY_TABLE t[2];
    ULONG v = 0;
    KIRQL old;
    fill(TSYS(state));
    memset(t, 0, sizeof(t));
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT;
    t[0].Name = L"PollMs";
    t[0].EntryContext = &v;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(
        TSYS(state), DRIVER_VERIFIER_DETECTED_VIOLATION,
        RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"rqdrv\\Parameters", t, NULL, NULL));
    KeLowerIrql(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_rtl_registry__direct_entries_and_defaults),
        PNPSIM_TEST(test_rtl_registry__typecheck_mismatch_fails),
        PNPSIM_TEST(test_rtl_registry__required_missing_value_fails),
        PNPSIM_TEST(test_rtl_registry__callbacks_split_multi_sz_and_enumerate),
        PNPSIM_TEST(test_rtl_registry__subkey_entry),
        PNPSIM_TEST(test_rtl_registry__missing_key_and_optional),
        PNPSIM_TEST(test_rtl_registry__write_check_delete),
        PNPSIM_TEST(test_rtl_registry__at_dispatch_bugchecks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
