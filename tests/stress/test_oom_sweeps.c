/* SPDX-License-Identifier: MIT */
/*
 * This file implements the out-of-memory sweeps (issue 8, "OOM sweeps"): each lifecycle
 * scenario (driver load, device start with interface registration and enable, hot-plug of
 * children through a bus driver, query-interface, notification registration and delivery,
 * surprise removal, reboot, save/load) runs in a fresh system with its 1st, 2nd, 3rd ...
 * allocation failing (pnpsim_fault_alloc(sys, n, 1)) until a run completes with no
 * injection. Every run must end with pnpsim_system_check clean, no pool outstanding after
 * shutdown, and the scenario's documented outcome: the failing step's error status, or full
 * success (with the scenario's end state) when nothing failed. A second sweep fails each
 * DDI a driver's error path cares about once, in the driver-shaped scenario, and checks
 * the driver unwound. The number of runs per scenario is printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pnpsim_test.h"

#include "drivers/notifydev.h"
#include "drivers/pendfunc.h"
#include "drivers/qibus.h"
#include "drivers/qifunc.h"
#include "drivers/simbus.h"

#define ND_HWID "ROOT\\NOTIFYDEV"
#define ND_PATH "ROOT\\NOTIFYDEV\\0"
#define MAX_RUNS 20000

/* A scenario: returns STATUS_SUCCESS or the first failing step's status; on success it
 * checks its own end state into *ok (never asserts: it runs with faults armed). */
typedef NTSTATUS (*scenario_fn)(pnpsim_system *sys, const char *dir, bool *ok);

#define STEP(expr)                    \
    do {                              \
        NTSTATUS step_st_ = (expr);   \
        if (!NT_SUCCESS(step_st_))    \
            return step_st_;          \
    } while (0)

static NTSTATUS load_notifydev(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv = NULL;
    notifydev_reset();
    STEP(pnpsim_driver_load(sys, "notifydev", NotifydevDriverEntry, &drv));
    return pnpsim_driver_bind(sys, ND_HWID, drv);
}

static size_t enabled(pnpsim_system *sys)
{
    pnpsim_iface_list *l = NULL;
    size_t n = 0;
    if (pnpsim_iface_list_class(sys, &GUID_NOTIFYDEV_CLASS, 0, &l) == STATUS_SUCCESS)
        n = l->count;
    pnpsim_iface_list_free(sys, l);
    return n;
}

static NTSTATUS start_notifydev(pnpsim_system *sys, pnpsim_device **dev)
{
    STEP(load_notifydev(sys));
    STEP(pnpsim_device_create(sys, NULL, ND_HWID, "0", dev));
    return pnpsim_device_start(*dev);
}

/* ---- scenarios ------------------------------------------------------------------------ */

static NTSTATUS sc_driver_load(pnpsim_system *sys, const char *dir, bool *ok)
{
    (void)dir;
    STEP(load_notifydev(sys));
    *ok = pnpsim_driver_find(sys, "notifydev") != NULL;
    return STATUS_SUCCESS;
}

static NTSTATUS sc_device_start(pnpsim_system *sys, const char *dir, bool *ok)
{
    pnpsim_device *dev = NULL;
    (void)dir;
    STEP(start_notifydev(sys, &dev));
    *ok = pnpsim_device_get_state(dev) == PNPSIM_DEVICE_STARTED && enabled(sys) == 1;
    return STATUS_SUCCESS;
}

static NTSTATUS sc_hotplug(pnpsim_system *sys, const char *dir, bool *ok)
{
    PDRIVER_OBJECT bus = NULL, fn = NULL;
    pnpsim_device *busdev = NULL, *child;
    (void)dir;
    simbus_reset();
    pendfunc_reset();
    pendfunc_set_pend_start(FALSE);
    STEP(pnpsim_driver_load(sys, "simbus", SimbusDriverEntry, &bus));
    STEP(pnpsim_driver_bind(sys, "ROOT\\SIMBUS", bus));
    STEP(pnpsim_driver_load(sys, "pendfunc", PendfuncDriverEntry, &fn));
    STEP(pnpsim_driver_bind(sys, "Wine\\Test", fn));
    STEP(pnpsim_device_create(sys, NULL, "ROOT\\SIMBUS", "0", &busdev));
    STEP(pnpsim_device_start(busdev));
    STEP(simbus_plug_child(simbus_last_fdo(), L"Wine\\Test", L"1", TRUE));
    pnpsim_system_run_pending(sys);
    child = pnpsim_device_first_child(busdev);
    *ok = child != NULL && pnpsim_device_get_state(child) == PNPSIM_DEVICE_STARTED;
    return STATUS_SUCCESS;
}

static NTSTATUS sc_query_interface(pnpsim_system *sys, const char *dir, bool *ok)
{
    PDRIVER_OBJECT bus = NULL, fn = NULL;
    pnpsim_device *busdev = NULL, *child;
    (void)dir;
    qibus_reset();
    qifunc_reset(QIFUNC_CORRECT);
    STEP(pnpsim_driver_load(sys, "qibus", QibusDriverEntry, &bus));
    STEP(pnpsim_driver_bind(sys, "ROOT\\QIBUS", bus));
    STEP(pnpsim_driver_load(sys, "qifunc", QifuncDriverEntry, &fn));
    STEP(pnpsim_driver_bind(sys, "QIBUS\\Child", fn));
    STEP(pnpsim_device_create(sys, NULL, "ROOT\\QIBUS", "0", &busdev));
    STEP(pnpsim_device_start(busdev));
    STEP(qibus_plug_child(qibus_last_fdo(), L"1", 0x1234));
    pnpsim_system_run_pending(sys);
    child = pnpsim_device_first_child(busdev);
    *ok = child != NULL && pnpsim_device_get_state(child) == PNPSIM_DEVICE_STARTED &&
          qifunc_query_status() == STATUS_SUCCESS && qifunc_register0() == 0x1234;
    return STATUS_SUCCESS;
}

static NTSTATUS sc_notify(pnpsim_system *sys, const char *dir, bool *ok)
{
    pnpsim_notify_recorder *rec = NULL;
    pnpsim_device *dev = NULL;
    NTSTATUS st;
    (void)dir;
    STEP(pnpsim_notify_recorder_create(sys, &GUID_NOTIFYDEV_CLASS, 0, &rec));
    st = start_notifydev(sys, &dev);
    if (NT_SUCCESS(st))
        st = pnpsim_device_remove(dev);
    if (NT_SUCCESS(st))
        *ok = pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_INTERFACE_ARRIVAL) == 1 &&
              pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_INTERFACE_REMOVAL) == 1;
    pnpsim_notify_recorder_destroy(rec);
    return st;
}

static NTSTATUS sc_surprise_removal(pnpsim_system *sys, const char *dir, bool *ok)
{
    pnpsim_device *dev = NULL;
    (void)dir;
    STEP(start_notifydev(sys, &dev));
    STEP(pnpsim_device_surprise_remove(dev));
    *ok = enabled(sys) == 0 && Notifydev.SurpriseRemovals == 1;
    return STATUS_SUCCESS;
}

static NTSTATUS sc_reboot(pnpsim_system *sys, const char *dir, bool *ok)
{
    pnpsim_device *dev = NULL;
    pnpsim_iface_list *l = NULL;
    (void)dir;
    STEP(start_notifydev(sys, &dev));
    STEP(pnpsim_system_reboot(sys));
    /* Registrations persist, enable state does not (DESIGN.md "Persistence"). */
    STEP(pnpsim_iface_list_class(sys, &GUID_NOTIFYDEV_CLASS, PNPSIM_IFACE_INCLUDE_DISABLED, &l));
    *ok = l->count == 1 && enabled(sys) == 0;
    pnpsim_iface_list_free(sys, l);
    return STATUS_SUCCESS;
}

static NTSTATUS sc_save_load(pnpsim_system *sys, const char *dir, bool *ok)
{
    pnpsim_device *dev = NULL;
    pnpsim_iface_list *l = NULL;
    char path[512];
    snprintf(path, sizeof(path), "%s/oom_sweep_save.reg", dir);
    STEP(start_notifydev(sys, &dev));
    STEP(pnpsim_system_save(sys, path));
    STEP(pnpsim_system_reboot(sys));
    STEP(pnpsim_system_load(sys, path));
    STEP(pnpsim_iface_list_class(sys, &GUID_NOTIFYDEV_CLASS, PNPSIM_IFACE_INCLUDE_DISABLED, &l));
    *ok = l->count == 1;
    pnpsim_iface_list_free(sys, l);
    return STATUS_SUCCESS;
}

/* ---- the sweep ------------------------------------------------------------------------- */

static void sweep(const char *name, scenario_fn fn)
{
    unsigned long n, failures = 0;
    /* PNPSIM_OOM_FROM=n starts the sweep at the nth allocation (to replay one run with
     * PNPSIM_TRACE=1). */
    n = getenv("PNPSIM_OOM_FROM") != NULL ? strtoul(getenv("PNPSIM_OOM_FROM"), NULL, 10) : 1;
    for (n = n != 0 ? n : 1; n <= MAX_RUNS; n++) {
        pnpsim_system *sys = pnpsim_test_sweep_system("oom");
        bool ok = false;
        NTSTATUS st;
        unsigned long injected;
        pnpsim_fault_alloc(sys, n, 1);
        st = fn(sys, pnpsim_test_tmp_dir(), &ok);
        injected = pnpsim_fault_injected(sys);
        pnpsim_fault_clear(sys);
        if (injected == 0) {
            if (st != STATUS_SUCCESS || !ok)
                fail_msg("%s: the run without injection did not succeed: %s (%s)", name,
                         pnpsim_status_name(st), pnpsim_last_error_message());
            pnpsim_test_sweep_finish(sys, name, n);
            break;
        }
        if (!NT_SUCCESS(st)) {
            failures++;
            /* The failing step reports running out of memory (or a driver's own status for
             * it), never a success code and never an invented one. */
            if (!NT_ERROR(st))
                fail_msg("%s, allocation %lu failed: step returned %s", name, n,
                         pnpsim_status_name(st));
        }
        pnpsim_test_sweep_finish(sys, name, n);
    }
    if (n > MAX_RUNS)
        fail_msg("%s: still injecting after %d runs", name, MAX_RUNS);
    print_message("OOM sweep %-20s %5lu runs (%lu failed a step, %lu absorbed)\n", name, n,
                  failures, n - 1 - failures);
}

static void test_oom__driver_load(void **state)
{
    (void)state;
    sweep("driver load", sc_driver_load);
}
static void test_oom__device_start_with_interface(void **state)
{
    (void)state;
    sweep("device start", sc_device_start);
}
static void test_oom__hotplug_children(void **state)
{
    (void)state;
    sweep("hot-plug", sc_hotplug);
}
static void test_oom__query_interface(void **state)
{
    (void)state;
    sweep("query-interface", sc_query_interface);
}
static void test_oom__notification_delivery(void **state)
{
    (void)state;
    sweep("notification", sc_notify);
}
static void test_oom__surprise_removal(void **state)
{
    (void)state;
    sweep("surprise removal", sc_surprise_removal);
}
static void test_oom__reboot(void **state)
{
    (void)state;
    sweep("reboot", sc_reboot);
}
static void test_oom__save_load(void **state)
{
    (void)state;
    sweep("save/load", sc_save_load);
}

/* ---- named-DDI faults in the driver-shaped scenario ------------------------------------ */

typedef struct ddi_case {
    const char *ddi;
    NTSTATUS expect_start; /* what pnpsim_device_start returns */
    size_t expect_enabled;
} ddi_case;

/* notifydev (tests/support/drivers/notifydev.c): AddDevice = IoCreateDevice,
 * IoRegisterDeviceInterface, IoAttachDeviceToDeviceStack, each failure unwound; START
 * enables the interface and carries on if that fails. */
static void test_oom__each_ddi_failed_once_driver_error_path(void **state)
{
    static const ddi_case cases[] = {
        {"IoCreateDevice", STATUS_INSUFFICIENT_RESOURCES, 0},
        {"IoRegisterDeviceInterface", STATUS_INSUFFICIENT_RESOURCES, 0},
        {"IoAttachDeviceToDeviceStack", STATUS_NO_SUCH_DEVICE, 0},
        {"IoSetDeviceInterfaceState", STATUS_SUCCESS, 0},
        {"pnpsim_device_start", STATUS_INSUFFICIENT_RESOURCES, 0},
        {"pnpsim_device_create", STATUS_INSUFFICIENT_RESOURCES, 0},
        {"pnpsim_driver_load", STATUS_INSUFFICIENT_RESOURCES, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pnpsim_system *sys = pnpsim_test_sweep_system("oom");
        pnpsim_device *dev = NULL;
        NTSTATUS st;
        assert_nt_status(STATUS_SUCCESS, pnpsim_fault_ddi(sys, cases[i].ddi, 1, 1,
                                                          STATUS_INSUFFICIENT_RESOURCES));
        st = start_notifydev(sys, &dev);
        if (st != cases[i].expect_start)
            fail_msg("%s failed once: start returned %s, expected %s", cases[i].ddi,
                     pnpsim_status_name(st), pnpsim_status_name(cases[i].expect_start));
        assert_int_equal(1, pnpsim_fault_injected(sys));
        assert_int_equal(cases[i].expect_enabled, enabled(sys));
        if (dev != NULL && st != STATUS_SUCCESS)
            assert_true(pnpsim_device_get_state(dev) != PNPSIM_DEVICE_STARTED);
        pnpsim_fault_clear(sys);
        /* The error path left a usable system: a second start works where the device
         * exists. */
        if (dev != NULL && st != STATUS_SUCCESS &&
            pnpsim_device_get_state(dev) != PNPSIM_DEVICE_DELETED)
            (void)pnpsim_device_start(dev);
        pnpsim_test_sweep_finish(sys, cases[i].ddi, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom__driver_load),
        cmocka_unit_test(test_oom__device_start_with_interface),
        cmocka_unit_test(test_oom__hotplug_children),
        cmocka_unit_test(test_oom__query_interface),
        cmocka_unit_test(test_oom__notification_delivery),
        cmocka_unit_test(test_oom__surprise_removal),
        cmocka_unit_test(test_oom__reboot),
        cmocka_unit_test(test_oom__save_load),
        cmocka_unit_test(test_oom__each_ddi_failed_once_driver_error_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
