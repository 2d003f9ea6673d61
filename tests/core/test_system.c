/* SPDX-License-Identifier: MIT */
/*
 * This file tests the simulated system itself: creation options and their validation, the
 * root device, the thread's current system, independent systems, status names, the last
 * error message, fault injection of the internal allocator, reboot and shutdown.
 */
#include "pnpsim_test.h"

#include <string.h>

static void test_system__create_with_defaults_has_started_root(void **state)
{
    pnpsim_system *sys = NULL;
    pnpsim_device *root;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &sys));
    assert_non_null(sys);
    root = pnpsim_device_root(sys);
    assert_non_null(root);
    /* The root device node's instance path is HTREE\ROOT\0, as !devnode shows it. */
    assert_string_equal(pnpsim_device_instance_path(root), "HTREE\\ROOT\\0");
    assert_int_equal(pnpsim_device_get_state(root), PNPSIM_DEVICE_STARTED);
    assert_null(pnpsim_device_parent(root));
    assert_null(pnpsim_device_first_child(root));
    assert_string_equal(pnpsim_system_name(sys), "pnpsim");
    pnpsim_system_destroy(sys);
}

static void test_system__create_rejects_bad_arguments(void **state)
{
    pnpsim_system *sys = (pnpsim_system *)0x1;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    (void)state;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_create(NULL, NULL));
    cfg.version = 99;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_create(&cfg, &sys));
    assert_null(sys);
    assert_non_null(strstr(pnpsim_last_error_message(), "PNPSIM_CONFIG_INIT"));
    cfg.version = PNPSIM_CONFIG_VERSION;
    cfg.delivery = (pnpsim_delivery)7;
    sys = (pnpsim_system *)0x1;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_create(&cfg, &sys));
    assert_null(sys);
}

static void test_system__destroy_null_is_ignored(void **state)
{
    (void)state;
    pnpsim_system_destroy(NULL);
    assert_null(pnpsim_system_current());
}

static void test_system__name_comes_from_config(void **state)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_system *sys;
    (void)state;
    cfg.name = "bench-A";
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &sys));
    assert_string_equal(pnpsim_system_name(sys), "bench-A");
    pnpsim_system_destroy(sys);
}

static void test_system__enter_leave_nest_and_restore(void **state)
{
    pnpsim_system *a, *b;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &a));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &b));
    assert_null(pnpsim_system_current());
    pnpsim_system_enter(a);
    pnpsim_system_enter(a);
    assert_ptr_equal(pnpsim_system_current(), a);
    pnpsim_system_leave(a);
    assert_ptr_equal(pnpsim_system_current(), a);
    pnpsim_system_leave(a);
    assert_null(pnpsim_system_current());
    /* Leaving a system that is not current changes nothing. */
    pnpsim_system_enter(b);
    pnpsim_system_leave(a);
    assert_ptr_equal(pnpsim_system_current(), b);
    pnpsim_system_leave(b);
    pnpsim_system_destroy(a);
    pnpsim_system_destroy(b);
}

static void test_system__systems_are_independent(void **state)
{
    pnpsim_system *a, *b;
    pnpsim_device *da, *db;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &a));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &b));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(a, NULL, "ROOT\\ONE", "0", &da));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(b, NULL, "ROOT\\ONE", "0", &db));
    assert_ptr_not_equal(da, db);
    assert_ptr_equal(pnpsim_device_find(a, "ROOT\\ONE\\0"), da);
    assert_ptr_equal(pnpsim_device_find(b, "root\\one\\0"), db);
    pnpsim_system_destroy(a);
    assert_ptr_equal(pnpsim_device_find(b, "ROOT\\ONE\\0"), db);
    pnpsim_system_destroy(b);
}

static void test_system__status_names(void **state)
{
    (void)state;
    assert_string_equal(pnpsim_status_name(STATUS_SUCCESS), "STATUS_SUCCESS");
    assert_string_equal(pnpsim_status_name(STATUS_OBJECT_NAME_EXISTS), "STATUS_OBJECT_NAME_EXISTS");
    assert_string_equal(pnpsim_status_name(STATUS_INVALID_DEVICE_STATE),
                        "STATUS_INVALID_DEVICE_STATE");
    assert_string_equal(pnpsim_status_name(STATUS_NOT_SUPPORTED), "STATUS_NOT_SUPPORTED");
    /* Unknown values print as hex. */
    assert_string_equal(pnpsim_status_name((NTSTATUS)0xC0DE0001), "0xC0DE0001");
}

static void test_system__fault_injection_fails_creation_cleanly(void **state)
{
    pnpsim_system *sys;
    pnpsim_device *dev;
    unsigned long before;
    (void)state;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &sys));
    before = pnpsim_fault_alloc_count(sys);
    pnpsim_fault_alloc(sys, 1, 1);
    dev = (pnpsim_device *)0x1;
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     pnpsim_device_create(sys, NULL, "ROOT\\OOM", "0", &dev));
    assert_null(dev);
    assert_int_equal(pnpsim_fault_injected(sys), 1);
    assert_true(pnpsim_fault_alloc_count(sys) > before);
    /* Nothing half-made is left behind, and the next attempt works. */
    assert_null(pnpsim_device_find(sys, "ROOT\\OOM\\0"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\OOM", "0", &dev));
    assert_ptr_equal(pnpsim_device_find(sys, "ROOT\\OOM\\0"), dev);
    pnpsim_fault_clear(sys);
    pnpsim_system_destroy(sys);
}

static void test_system__oom_sweep_of_device_create(void **state)
{
    /* Fail the 1st, 2nd, ... allocation of pnpsim_device_create until none fires: each
     * run either succeeds or fails with STATUS_INSUFFICIENT_RESOURCES and leaves no
     * device behind. */
    unsigned long n;
    (void)state;
    for (n = 1; n < 200; n++) {
        pnpsim_system *sys;
        pnpsim_device *dev = NULL;
        NTSTATUS status;
        unsigned long injected;
        assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &sys));
        pnpsim_fault_alloc(sys, n, 1);
        status = pnpsim_device_create(sys, NULL, "ROOT\\SWEEP", "0", &dev);
        injected = pnpsim_fault_injected(sys);
        pnpsim_fault_clear(sys);
        if (injected == 0) {
            assert_nt_status(STATUS_SUCCESS, status);
            pnpsim_system_destroy(sys);
            break;
        }
        if (NT_SUCCESS(status)) {
            assert_ptr_equal(pnpsim_device_find(sys, "ROOT\\SWEEP\\0"), dev);
        } else {
            assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, status);
            assert_null(pnpsim_device_find(sys, "ROOT\\SWEEP\\0"));
        }
        pnpsim_system_destroy(sys);
    }
    assert_true(n > 1);
    assert_true(n < 200);
}

static void test_system__reboot_removes_devices_and_keeps_root(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\R", "0", &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
    assert_null(pnpsim_device_find(sys, "ROOT\\R\\0"));
    assert_non_null(pnpsim_device_root(sys));
    assert_int_equal(pnpsim_device_get_state(pnpsim_device_root(sys)), PNPSIM_DEVICE_STARTED);
    /* The bus reports the device again after the reboot. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\R", "0", &dev));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_reboot(NULL));
}

static void test_system__pending_count_is_zero_when_idle(void **state)
{
    pnpsim_system *sys = TSYS(state);
    assert_int_equal(pnpsim_system_pending_count(sys), 0);
    assert_int_equal(pnpsim_system_run_pending(sys), 0);
    assert_int_equal(pnpsim_system_run_pending(NULL), 0);
}

static void test_system__state_names_follow_devnode_states(void **state)
{
    (void)state;
    assert_string_equal(pnpsim_device_state_name(PNPSIM_DEVICE_STARTED), "DeviceNodeStarted");
    assert_string_equal(pnpsim_device_state_name(PNPSIM_DEVICE_INITIALIZED),
                        "DeviceNodeInitialized");
    assert_string_equal(pnpsim_device_state_name((pnpsim_device_state)99), "DeviceNode(unknown)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system__create_with_defaults_has_started_root),
        cmocka_unit_test(test_system__create_rejects_bad_arguments),
        cmocka_unit_test(test_system__destroy_null_is_ignored),
        cmocka_unit_test(test_system__name_comes_from_config),
        cmocka_unit_test(test_system__enter_leave_nest_and_restore),
        cmocka_unit_test(test_system__systems_are_independent),
        cmocka_unit_test(test_system__status_names),
        cmocka_unit_test(test_system__fault_injection_fails_creation_cleanly),
        cmocka_unit_test(test_system__oom_sweep_of_device_create),
        PNPSIM_TEST(test_system__reboot_removes_devices_and_keeps_root),
        PNPSIM_TEST(test_system__pending_count_is_zero_when_idle),
        cmocka_unit_test(test_system__state_names_follow_devnode_states),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
