/* SPDX-License-Identifier: MIT */
/*
 * This file implements pnpsim's demo: it loads a bus driver and a function driver (both
 * ordinary WDM source, in demo_drivers/), starts the bus, hot-plugs a child device and
 * pulls it out again, while the simulator narrates every step the Windows PnP manager
 * takes: IRPs sent down device stacks, AddDevice calls, state changes. Headings in plain
 * English say what is about to happen and why. The program exits 0 only if the expected
 * things happened: the child appeared, started, and was surprise-removed.
 */
#include <stdio.h>

#include <pnpsim/pnpsim.h>

#include "demo_drivers.h"

static int failures;

static void heading(const char *title, const char *explanation)
{
    printf("\n==== %s ====\n%s\n\n", title, explanation);
    fflush(stdout);
}

static void expect(int ok, const char *what)
{
    printf("  %s %s\n", ok ? "[ok]  " : "[FAIL]", what);
    if (!ok)
        failures++;
}

int main(void)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    PDRIVER_OBJECT bus_driver = NULL, func_driver = NULL;
    pnpsim_device *bus = NULL, *widget;
    pnpsim_system *sys = NULL;
    NTSTATUS status;

    cfg.name = "demo";
    status = pnpsim_system_create(&cfg, &sys);
    if (status != STATUS_SUCCESS) {
        fprintf(stderr, "pnpsim_system_create: %s\n", pnpsim_status_name(status));
        return 1;
    }
    /* Narrate every event to stdout, and let this thread call kernel routines directly
     * (the demo's "hardware" does, through the bus driver's plug/unplug functions). */
    pnpsim_trace_to_file(sys, stdout, PNPSIM_TRACE_ALL);
    pnpsim_system_enter(sys);

    heading("1. Loading two drivers",
            "Windows runs each driver's DriverEntry once, when the driver is loaded. A driver\n"
            "does not create devices there: it only says which routines handle which IRPs\n"
            "and which AddDevice to call. The INF file then ties drivers to hardware IDs:\n"
            "here the bus driver serves ROOT\\DEMOBUS and the function driver DEMO\\WIDGET.");
    expect(pnpsim_driver_load(sys, "demobus", DemoBusDriverEntry, &bus_driver) == STATUS_SUCCESS,
           "bus driver loaded");
    expect(pnpsim_driver_load(sys, "demofunc", DemoFuncDriverEntry, &func_driver) ==
               STATUS_SUCCESS,
           "function driver loaded");
    expect(pnpsim_driver_bind(sys, "ROOT\\DEMOBUS", bus_driver) == STATUS_SUCCESS,
           "ROOT\\DEMOBUS -> demobus");
    expect(pnpsim_driver_bind(sys, "DEMO\\WIDGET", func_driver) == STATUS_SUCCESS,
           "DEMO\\WIDGET -> demofunc");

    heading("2. Creating and starting the bus device",
            "A root-enumerated device is reported by the PnP manager's own root bus. The PnP\n"
            "manager asks its PDO who it is (IRP_MN_QUERY_ID) and what it can do\n"
            "(IRP_MN_QUERY_CAPABILITIES), calls the bus driver's AddDevice, which puts an FDO\n"
            "on top of the PDO, and sends IRP_MN_START_DEVICE to the top of the stack. A\n"
            "started bus is asked for its children right away (IRP_MN_QUERY_DEVICE_RELATIONS):\n"
            "it has none yet.");
    status = pnpsim_device_create(sys, NULL, "ROOT\\DEMOBUS", "0", &bus);
    expect(status == STATUS_SUCCESS, "bus device ROOT\\DEMOBUS\\0 created");
    if (bus != NULL) {
        expect(pnpsim_device_start(bus) == STATUS_SUCCESS, "bus device started");
        expect(pnpsim_device_get_state(bus) == PNPSIM_DEVICE_STARTED, "bus state is Started");
    }

    heading("3. Plugging in a widget",
            "The bus notices new hardware. It creates a PDO for it and calls\n"
            "IoInvalidateDeviceRelations: \"my children changed\". That call returns at once;\n"
            "the PnP manager does the work later, on its own thread. Here that work runs when\n"
            "we call pnpsim_system_run_pending(): it asks the bus for its children again,\n"
            "finds the new PDO, identifies it, finds the function driver bound to DEMO\\WIDGET,\n"
            "calls its AddDevice and starts the new device.");
    expect(DemoBusPlugWidget(L"1") == STATUS_SUCCESS, "widget plugged into the bus");
    printf("  queued PnP work items: %zu\n", pnpsim_system_pending_count(sys));
    pnpsim_system_run_pending(sys);
    widget = pnpsim_device_find(sys, "DEMO\\WIDGET\\1");
    expect(widget != NULL, "child device DEMO\\WIDGET\\1 appeared");
    expect(widget != NULL && pnpsim_device_parent(widget) == bus, "its parent is the bus");
    expect(widget != NULL && pnpsim_device_get_state(widget) == PNPSIM_DEVICE_STARTED,
           "child started");
    expect(DemoFuncGetStats()->AddDeviceCalls == 1 && DemoFuncGetStats()->StartCalls == 1,
           "function driver got AddDevice and IRP_MN_START_DEVICE");

    heading("4. Pulling the widget out",
            "The bus stops reporting the child and invalidates its relations again. The PnP\n"
            "manager sees the child missing: this is a surprise removal. It sends\n"
            "IRP_MN_SURPRISE_REMOVAL (no query first: the hardware is already gone), and,\n"
            "since nobody has the device open, IRP_MN_REMOVE_DEVICE right after. The\n"
            "function driver detaches and deletes its FDO; the bus deletes the PDO.");
    expect(DemoBusUnplugWidget() == STATUS_SUCCESS, "widget pulled out");
    pnpsim_system_run_pending(sys);
    expect(DemoFuncGetStats()->SurpriseRemovalCalls == 1, "IRP_MN_SURPRISE_REMOVAL delivered");
    expect(DemoFuncGetStats()->RemoveCalls == 1, "IRP_MN_REMOVE_DEVICE delivered");
    expect(pnpsim_device_find(sys, "DEMO\\WIDGET\\1") == NULL, "child device is gone");

    heading("5. Shutting down",
            "At shutdown every device is removed, children before their parents, and a\n"
            "driver whose last device is gone is unloaded (its DriverUnload runs).");
    pnpsim_system_shutdown(sys);
    expect(pnpsim_system_pool_outstanding(sys, NULL) == 0, "no pool left allocated");
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);

    printf("\n%s\n", failures == 0 ? "Demo finished: everything happened as expected."
                                   : "Demo finished with unexpected results.");
    return failures == 0 ? 0 : 1;
}
