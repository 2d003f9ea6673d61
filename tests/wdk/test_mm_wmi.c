/* SPDX-License-Identifier: MIT */
/*
 * This file tests MmGetSystemRoutineAddress, RtlGetVersion / PsGetVersion /
 * IoIsWdmVersionAvailable with a configured version, the WMI routines' documented neutral
 * answers, and the ANSI size helpers. Sources: Microsoft Learn "MmGetSystemRoutineAddress",
 * "RtlGetVersion", "PsGetVersion", "IoWMIRegistrationControl", "IoWMIWriteEvent",
 * "RtlAnsiStringToUnicodeSize", "RtlCharToInteger".
 */
#include "pnpsim_test.h"

#include <pnpsim/kernel.h>
#include <string.h>

typedef PVOID(NTAPI *alloc2_fn)(POOL_FLAGS, SIZE_T, ULONG);

/* A driver resolving a newer routine at run time gets pnpsim's implementation. */
static void test_mm__system_routine_address_resolves_implemented_names(void **state)
{
    UNICODE_STRING name;
    alloc2_fn alloc2;
    PVOID p, q;
    NTSTATUS(NTAPI * wait_fn)(PVOID, KWAIT_REASON, KPROCESSOR_MODE, BOOLEAN, PLARGE_INTEGER);
    (void)state;
    RtlInitUnicodeString(&name, L"ExAllocatePool2");
    p = MmGetSystemRoutineAddress(&name);
    assert_non_null(p);
    /* Drivers cast the address to the routine's type; ISO C spells that with memcpy. */
    memcpy(&alloc2, &p, sizeof(p));
    p = alloc2(POOL_FLAG_NON_PAGED, 16, 'tseT');
    assert_non_null(p);
    ExFreePoolWithTag(p, 'tseT');
    RtlInitUnicodeString(&name, L"KeWaitForSingleObject");
    q = MmGetSystemRoutineAddress(&name);
    memcpy(&wait_fn, &q, sizeof(q));
    assert_true(wait_fn == KeWaitForSingleObject);
    RtlInitUnicodeString(&name, L"ExAllocatePool3");
    assert_null(MmGetSystemRoutineAddress(&name));
    RtlInitUnicodeString(&name, L"exallocatepool2"); /* export names are case-sensitive */
    assert_null(MmGetSystemRoutineAddress(&name));
    assert_null(MmGetSystemRoutineAddress(NULL));
}

static void test_mm__version_is_configurable(void **state)
{
    RTL_OSVERSIONINFOW v;
    RTL_OSVERSIONINFOEXW vx;
    ULONG ma = 0, mi = 0, bu = 0;
    memset(&v, 0, sizeof(v));
    v.dwOSVersionInfoSize = sizeof(v);
    assert_nt_status(STATUS_SUCCESS, RtlGetVersion(&v));
    assert_int_equal(v.dwMajorVersion, 10);
    assert_int_equal(v.dwBuildNumber, 19045);
    assert_nt_status(STATUS_SUCCESS, pnpsim_kernel_set_version(TSYS(state), 6, 1, 7601));
    memset(&vx, 0, sizeof(vx));
    vx.dwOSVersionInfoSize = sizeof(vx);
    assert_nt_status(STATUS_SUCCESS, RtlGetVersion((PRTL_OSVERSIONINFOW)&vx));
    assert_int_equal(vx.dwMajorVersion, 6);
    assert_int_equal(vx.dwMinorVersion, 1);
    assert_int_equal(vx.wProductType, VER_NT_WORKSTATION);
    assert_false(PsGetVersion(&ma, &mi, &bu, NULL));
    assert_int_equal(bu, 7601);
    assert_true(IoIsWdmVersionAvailable(6, 1));
    assert_false(IoIsWdmVersionAvailable(6, 2));
    v.dwOSVersionInfoSize = 3;
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlGetVersion(&v));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_kernel_set_version(NULL, 10, 0, 1));
}

/* WMI: providers succeed neutrally (the event buffer is freed, no leak); consumers get
 * STATUS_NOT_IMPLEMENTED. */
static void test_wmi__provider_calls_succeed_and_consumers_are_not_implemented(void **state)
{
    PDEVICE_OBJECT dev = NULL;
    PVOID ev, block = (PVOID)1;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, IoWMIRegistrationControl(NULL, WMIREG_ACTION_UPDATE_GUIDS));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     IoWMIRegistrationControl(dev, WMIREG_ACTION_REGISTER));
    ev = ExAllocatePoolWithTag(NonPagedPoolNx, 64, 'imwT');
    assert_non_null(ev);
    assert_nt_status(STATUS_SUCCESS, IoWMIWriteEvent(ev)); /* freed by "WMI" */
    assert_nt_status(STATUS_NOT_IMPLEMENTED, IoWMIOpenBlock(NULL, 0, &block));
    assert_null(block);
    assert_nt_status(STATUS_NOT_IMPLEMENTED, IoWMISetNotificationCallback(NULL, NULL, NULL));
}

static void test_rtl_ansi__sizes_and_char_to_integer(void **state)
{
    ANSI_STRING a;
    UNICODE_STRING u;
    ULONG v = 0;
    (void)state;
    RtlInitAnsiString(&a, "hello");
    assert_int_equal(RtlAnsiStringToUnicodeSize(&a), 6 * sizeof(WCHAR));
    RtlInitUnicodeString(&u, L"hello");
    assert_int_equal(RtlUnicodeStringToAnsiSize(&u), 6);
    assert_nt_status(STATUS_SUCCESS, RtlCharToInteger("  -0x10", 0, &v));
    assert_int_equal((LONG)v, -16);
    assert_nt_status(STATUS_SUCCESS, RtlCharToInteger("777", 8, &v));
    assert_int_equal(v, 511);
    assert_nt_status(STATUS_INVALID_PARAMETER, RtlCharToInteger("1", 7, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_mm__system_routine_address_resolves_implemented_names),
        PNPSIM_TEST(test_mm__version_is_configurable),
        PNPSIM_TEST(test_wmi__provider_calls_succeed_and_consumers_are_not_implemented),
        PNPSIM_TEST(test_rtl_ansi__sizes_and_char_to_integer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
