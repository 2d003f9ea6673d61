/* SPDX-License-Identifier: MIT */
/*
 * This file declares the small WDM drivers the benchmark loads (benchdrv.c): a function
 * driver that registers and enables one device interface, and a pass-through filter.
 */
#ifndef PNPSIM_BENCHDRV_H
#define PNPSIM_BENCHDRV_H

#include <wdm.h>

/* The interface class the function driver registers. */
extern const GUID BenchInterfaceGuid;

DRIVER_INITIALIZE BenchFunctionDriverEntry;
DRIVER_INITIALIZE BenchFilterDriverEntry;

#endif /* PNPSIM_BENCHDRV_H */
