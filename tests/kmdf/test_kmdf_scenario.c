/* SPDX-License-Identifier: MIT */
/*
 * This file implements the end-to-end KMDF test of issue 6: kmdf_bus with static and dynamic
 * children exporting GUID_KMDF_BUS_INTERFACE (WdfDeviceAddQueryInterface), kmdf_func on each
 * child importing it in EvtDevicePrepareHardware and releasing it in
 * EvtDeviceReleaseHardware, its device interface enabled at start and disabled at removal,
 * and kmdf_monitor learning of the interface's arrival, opening it by name as a remote I/O
 * target, importing GUID_KMDF_FUNC_QI through it, sending an IOCTL, and releasing everything
 * at query-remove / remove-complete. Sources: windows-semantics.md §10.2-10.4; Microsoft Learn
 * "Using Driver-Defined Interfaces", "Controlling a General I/O Target's State".
 */
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/verifier.h>

#include "drivers/kmdf_bus.h"
#include "drivers/kmdf_func.h"
#include "drivers/kmdf_monitor.h"

typedef struct scene {
    PDRIVER_OBJECT bus, func, mon;
    pnpsim_device *busdev, *mondev;
} scene;

static void load(pnpsim_system *sys, scene *s, KMDF_MONITOR_MODE mode, ULONG statics)
{
    memset(s, 0, sizeof(*s));
    kmdf_bus_reset();
    kmdf_func_reset(KmdfFuncCorrect);
    kmdf_monitor_reset(mode);
    kmdf_bus_set_static_children(statics);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdfbus", KmdfBusDriverEntry, &s->bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, KMDF_BUS_HARDWARE_ID, s->bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdffunc", KmdfFuncDriverEntry, &s->func));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, KMDF_BUS_CHILD_DEVICE_ID_A, s->func));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdfmon", KmdfMonitorDriverEntry, &s->mon));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, KMDF_MONITOR_HARDWARE_ID, s->mon));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, KMDF_MONITOR_HARDWARE_ID, "0", &s->mondev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(s->mondev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, KMDF_BUS_HARDWARE_ID, "0", &s->busdev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(s->busdev));
    pnpsim_system_run_pending(sys);
}

static pnpsim_device *child(scene *s, const char *instance)
{
    char path[64];
    snprintf(path, sizeof(path), "KMDFBUS\\Child\\%s", instance);
    return pnpsim_device_find(pnpsim_system_current(), path);
}

/* The whole chain for a dynamic child: bus interface imported in PrepareHardware, the func
 * device's interface enabled at start, the monitor opening it and importing the second
 * interface, the IOCTL through the target; graceful removal releases everything. */
static void test_kmdf_scenario__dynamic_child_end_to_end_then_remove_releases_all(void **state)
{
    pnpsim_system *sys = TSYS(state);
    scene s;
    pnpsim_device *c;
    load(sys, &s, KmdfMonitorCorrect, 0);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(7));
    pnpsim_system_run_pending(sys);
    c = child(&s, "7");
    assert_non_null(c);
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(c));

    /* §10.3: WdfFdoQueryForInterface in PrepareHardware, a call through it. */
    assert_nt_status(STATUS_SUCCESS, kmdf_func_stats()->BusQueryStatus);
    assert_int_equal(7, kmdf_func_stats()->SerialSeen);
    assert_int_equal((7u << 8) | 5u, kmdf_func_stats()->RegisterSeen);
    assert_int_equal(1, kmdf_bus_child_record(7)->InterfaceReferences);
    assert_int_equal(1, pnpsim_qi_outstanding(sys, &GUID_KMDF_BUS_INTERFACE, NULL, c));

    /* §10.4 auto-enable; the monitor's arrival callback opened the interface by name. */
    assert_int_equal(1, kmdf_monitor_stats()->Arrivals);
    assert_nt_status(STATUS_SUCCESS, kmdf_monitor_stats()->OpenStatus);
    assert_nt_status(STATUS_SUCCESS, kmdf_monitor_stats()->QiStatus);
    assert_int_equal(7, kmdf_monitor_stats()->QiSerial);
    assert_int_equal(1, kmdf_func_stats()->QiReferences);
    assert_nt_status(STATUS_SUCCESS, kmdf_monitor_stats()->IoctlStatus);
    assert_int_equal(7, kmdf_monitor_stats()->IoctlSerial);
    assert_int_equal(sizeof(ULONG), kmdf_monitor_stats()->IoctlBytes);
    assert_int_equal(1, pnpsim_device_open_count(c));

    /* Graceful removal: query-remove releases the imported interface and closes the target;
     * remove-complete deletes it; ReleaseHardware releases the bus interface. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(c));
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, kmdf_monitor_stats()->QueryRemoves);
    assert_int_equal(1, kmdf_monitor_stats()->RemoveCompletes);
    assert_int_equal(0, kmdf_monitor_stats()->InterfacesHeld);
    assert_int_equal(0, kmdf_monitor_stats()->TargetsLive);
    assert_int_equal(0, kmdf_func_stats()->QiReferences);
    assert_int_equal(0, kmdf_bus_child_record(7)->InterfaceReferences);
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, PNPSIM_RULE_QI_LEAK));
    assert_int_equal(1, kmdf_monitor_stats()->InterfaceRemovals);
}

/* Static children (WdfFdoAddStaticChild) export the bus interface the same way. */
static void test_kmdf_scenario__static_children_export_the_bus_interface(void **state)
{
    pnpsim_system *sys = TSYS(state);
    scene s;
    load(sys, &s, KmdfMonitorCorrect, 2);
    assert_int_equal(2, kmdf_func_stats()->Devices);
    assert_int_equal(2, kmdf_func_stats()->Prepares);
    assert_nt_status(STATUS_SUCCESS, kmdf_func_stats()->BusQueryStatus);
    assert_int_equal(2, kmdf_monitor_stats()->Arrivals);
    assert_int_equal(2, kmdf_func_stats()->QiReferences);
    assert_int_equal(1, kmdf_bus_child_record(1)->InterfaceReferences);
    assert_int_equal(1, kmdf_bus_child_record(2)->InterfaceReferences);
    /* Removing the bus takes the children, the monitor's references and targets with it. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(s.busdev));
    pnpsim_system_run_pending(sys);
    assert_int_equal(0, kmdf_func_stats()->QiReferences);
    assert_int_equal(0, kmdf_monitor_stats()->TargetsLive);
    assert_int_equal(0, kmdf_bus_child_record(1)->InterfaceReferences);
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
}

/* Unplug (surprise removal): remove-complete without query-remove; nothing leaks. */
static void test_kmdf_scenario__unplug_releases_everything_through_remove_complete(void **state)
{
    pnpsim_system *sys = TSYS(state);
    scene s;
    pnpsim_device *c;
    load(sys, &s, KmdfMonitorCorrect, 0);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(3));
    pnpsim_system_run_pending(sys);
    c = child(&s, "3");
    assert_non_null(c);
    assert_int_equal(1, kmdf_monitor_stats()->InterfacesHeld);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_unplug(3));
    pnpsim_system_run_pending(sys);
    assert_int_equal(0, kmdf_monitor_stats()->QueryRemoves);
    assert_int_equal(1, kmdf_monitor_stats()->RemoveCompletes);
    assert_int_equal(0, kmdf_monitor_stats()->InterfacesHeld);
    assert_int_equal(0, kmdf_monitor_stats()->TargetsLive);
    assert_int_equal(0, kmdf_func_stats()->QiReferences);
    assert_int_equal(1, kmdf_func_stats()->Releases);
    assert_int_equal(0, kmdf_bus_child_record(3)->InterfaceReferences);
    assert_int_equal(0, pnpsim_qi_outstanding(sys, NULL, NULL, NULL));
    assert_int_equal(0, pnpsim_verifier_violation_count(sys, PNPSIM_RULE_QI_LEAK));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_kmdf_scenario__dynamic_child_end_to_end_then_remove_releases_all),
        PNPSIM_TEST(test_kmdf_scenario__static_children_export_the_bus_interface),
        PNPSIM_TEST(test_kmdf_scenario__unplug_releases_everything_through_remove_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
