/* SPDX-License-Identifier: MIT */
/*
 * This file tests loading drivers: the DRIVER_OBJECT the simulated I/O manager builds
 * (name, service key, registry path, default dispatch routines), DriverEntry's status,
 * bindings to hardware IDs, and unloading with the pool-leak check.
 */
#include "pnpsim_test.h"

#include <string.h>

static int entry_calls;
static int unload_calls;
static PUNICODE_STRING seen_regpath;
static NTSTATUS entry_result;
static PVOID leaked_block;

static int wstr_equals(PCUNICODE_STRING u, const char *s)
{
    size_t n = strlen(s);
    if (u->Length != n * sizeof(WCHAR))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (u->Buffer[i] != (WCHAR)(unsigned char)s[i])
            return 0;
    }
    return 1;
}

static VOID NTAPI test_unload(PDRIVER_OBJECT DriverObject)
{
    (void)DriverObject;
    unload_calls++;
}

static NTSTATUS NTAPI test_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    entry_calls++;
    seen_regpath = RegistryPath;
    DriverObject->DriverUnload = test_unload;
    return entry_result;
}

static NTSTATUS NTAPI leaking_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    (void)RegistryPath;
    DriverObject->DriverUnload = test_unload;
    leaked_block = ExAllocatePoolWithTag(NonPagedPoolNx, 40, 'kaeL');
    return leaked_block != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

static int reset(void **state)
{
    entry_calls = unload_calls = 0;
    seen_regpath = NULL;
    entry_result = STATUS_SUCCESS;
    leaked_block = NULL;
    return pnpsim_test_setup(state);
}

#define DRIVER_TEST(fn) cmocka_unit_test_setup_teardown(fn, reset, pnpsim_test_teardown)

static void test_driver__load_builds_driver_object(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "toaster", test_entry, &drv));
    assert_non_null(drv);
    assert_int_equal(entry_calls, 1);
    assert_int_equal(drv->Type, IO_TYPE_DRIVER);
    assert_true(wstr_equals(&drv->DriverName, "\\Driver\\toaster"));
    assert_true(wstr_equals(&drv->DriverExtension->ServiceKeyName, "toaster"));
    assert_ptr_equal(drv->DriverExtension->DriverObject, drv);
    assert_non_null(seen_regpath);
    assert_true(wstr_equals(seen_regpath,
                            "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\toaster"));
    assert_string_equal(pnpsim_driver_name(drv), "toaster");
    assert_ptr_equal(pnpsim_driver_find(sys, "TOASTER"), drv);
    assert_false(pnpsim_driver_is_unloaded(drv));
    /* Every dispatch slot the driver left empty has the I/O manager's default. */
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        assert_non_null(drv->MajorFunction[i]);
}

static void test_driver__registry_path_names_an_existing_service_key(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    OBJECT_ATTRIBUTES oa;
    HANDLE key = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "svckey", test_entry, &drv));
    /* Drivers read their parameters from the service key RegistryPath names. */
    InitializeObjectAttributes(&oa, seen_regpath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL,
                               NULL);
    assert_nt_status(STATUS_SUCCESS, ZwOpenKey(&key, KEY_READ, &oa));
    assert_nt_status(STATUS_SUCCESS, ZwClose(key));
}

static void test_driver__load_rejects_bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = (PDRIVER_OBJECT)0x1;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_load(NULL, "x", test_entry, &drv));
    assert_null(drv);
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_load(sys, "x", NULL, &drv));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_load(sys, NULL, test_entry, &drv));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_load(sys, "", test_entry, &drv));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_load(sys, "a\\b", test_entry, &drv));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_load(sys, "a b", test_entry, &drv));
    assert_int_equal(entry_calls, 0);
}

static void test_driver__same_service_twice_collides(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT a, b;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "dup", test_entry, &a));
    assert_nt_status(STATUS_OBJECT_NAME_COLLISION, pnpsim_driver_load(sys, "DUP", test_entry, &b));
    assert_null(b);
    assert_int_equal(entry_calls, 1);
}

static void test_driver__failing_driver_entry_returns_its_status(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = (PDRIVER_OBJECT)0x1;
    entry_result = STATUS_DEVICE_CONFIGURATION_ERROR;
    assert_nt_status(STATUS_DEVICE_CONFIGURATION_ERROR,
                     pnpsim_driver_load(sys, "broken", test_entry, &drv));
    assert_null(drv);
    /* DriverUnload is not called for a driver whose DriverEntry failed. */
    assert_int_equal(unload_calls, 0);
    assert_null(pnpsim_driver_find(sys, "broken"));
    /* The service name is free again. */
    entry_result = STATUS_SUCCESS;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "broken", test_entry, &drv));
}

static void test_driver__shutdown_unloads_and_reports_pool_leaks(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "leaky", leaking_entry, &drv));
    assert_non_null(leaked_block);
    assert_int_equal(pnpsim_system_pool_outstanding(sys, drv), 1);
    assert_int_equal(pnpsim_system_pool_leaks(sys), 0);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_shutdown(sys));
    assert_int_equal(unload_calls, 1);
    assert_true(pnpsim_driver_is_unloaded(drv));
    assert_int_equal(pnpsim_system_pool_leaks(sys), 1);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_POOL, "leak") != 0);
    /* The leak is the point of this test: free it so the fixture stays clean. */
    ExFreePoolWithTag(leaked_block, 'kaeL');
}

static void test_driver__bind_rejects_bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "b", test_entry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\WRONG", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\B", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\B", drv));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_bind(sys, NULL, drv));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_bind(sys, "", drv));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_driver_bind(sys, "ROOT\\B", NULL));
    /* A device object is not a driver object. */
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_driver_bind(sys, "ROOT\\B", (PDRIVER_OBJECT)pnpsim_device_pdo(dev)));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_driver_bind_filter(sys, "ROOT\\B", drv, (pnpsim_filter_position)5));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_bind_filter(sys, "ROOT\\B", drv, PNPSIM_FILTER_UPPER));
}

static void test_driver__start_without_function_driver_fails(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\NODRV", "0", &dev));
    assert_nt_status(STATUS_NO_SUCH_DEVICE, pnpsim_device_start(dev));
    assert_int_equal(pnpsim_device_problem(dev), CM_PROB_FAILED_INSTALL);
    assert_int_equal(pnpsim_device_get_state(dev), PNPSIM_DEVICE_INITIALIZED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        DRIVER_TEST(test_driver__load_builds_driver_object),
        DRIVER_TEST(test_driver__registry_path_names_an_existing_service_key),
        DRIVER_TEST(test_driver__load_rejects_bad_arguments),
        DRIVER_TEST(test_driver__same_service_twice_collides),
        DRIVER_TEST(test_driver__failing_driver_entry_returns_its_status),
        DRIVER_TEST(test_driver__shutdown_unloads_and_reports_pool_leaks),
        DRIVER_TEST(test_driver__bind_rejects_bad_arguments),
        DRIVER_TEST(test_driver__start_without_function_driver_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
