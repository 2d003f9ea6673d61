/* SPDX-License-Identifier: MIT */
/*
 * This file is the umbrella header of pnpsim's native harness API: include it in test code
 * to build a simulated system, load drivers, drive devices through PnP and observe what
 * happened. Driver code includes the WDK headers (<wdm.h>, <ntddk.h>) instead.
 */
#ifndef PNPSIM_PNPSIM_H
#define PNPSIM_PNPSIM_H

#include "system.h"
#include "driver.h"
#include "device.h"
#include "trace.h"
#include "fault.h"
#include "verifier.h"
#include "registry.h"
#include "iface.h"
#include "notify.h"
#include "qi.h"
#include "time.h"
#include "power.h"
#include "kernel.h"
#include "dump.h"

#define PNPSIM_VERSION_MAJOR 0
#define PNPSIM_VERSION_MINOR 1
#define PNPSIM_VERSION_PATCH 0
#define PNPSIM_VERSION_STRING "0.1.0"

#endif /* PNPSIM_PNPSIM_H */
