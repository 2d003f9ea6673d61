/* SPDX-License-Identifier: MIT */
/*
 * This file declares the two teaching drivers of the pnpsim demo: a bus driver
 * (demo_bus.c) whose "hardware" a program can plug and unplug, and a function driver
 * (demo_func.c) for the children it reports. A real driver has no such header: the demo
 * needs one because its drivers live in the same program as the code that drives them.
 */
#ifndef PNPSIM_DEMO_DRIVERS_H
#define PNPSIM_DEMO_DRIVERS_H

#include <wdm.h>

/* Each driver's DriverEntry, under a name of its own (two drivers share one program). */
DRIVER_INITIALIZE DemoBusDriverEntry;
DRIVER_INITIALIZE DemoFuncDriverEntry;

/* "Insert" a widget into the demo bus: the bus creates a PDO for it and tells the PnP
 * manager its children changed. Returns the NTSTATUS of the bus driver. */
NTSTATUS DemoBusPlugWidget(const WCHAR *InstanceId);
/* "Pull out" the widget: the bus stops reporting it and tells the PnP manager. */
NTSTATUS DemoBusUnplugWidget(void);

/* What the function driver saw, for the demo's final check. */
typedef struct _DEMO_FUNC_STATS {
    LONG AddDeviceCalls;
    LONG StartCalls;
    LONG SurpriseRemovalCalls;
    LONG RemoveCalls;
} DEMO_FUNC_STATS;
const DEMO_FUNC_STATS *DemoFuncGetStats(void);

#endif /* PNPSIM_DEMO_DRIVERS_H */
