/* SPDX-License-Identifier: MIT */
/*
 * This file declares fault injection: making the simulator's allocations (its own and the
 * pool's) fail on purpose, so tests can drive the error paths of drivers and of pnpsim.
 */
#ifndef PNPSIM_FAULT_H
#define PNPSIM_FAULT_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Fail allocations in sys: the nth allocation from now fails (1 = the next one), then
 * `count` allocations in all (count 0 means every allocation from the nth on). n == 0
 * turns injection off. Covers the simulator's internal allocations and ExAllocatePool*.
 * Ownership: none. Thread safety: any thread. Errors: none.
 */
PNPSIM_API void pnpsim_fault_alloc(pnpsim_system *sys, unsigned long n, unsigned long count);
/** Turn allocation-failure injection off. */
PNPSIM_API void pnpsim_fault_clear(pnpsim_system *sys);
/** How many allocations have been failed on purpose since creation. */
PNPSIM_API unsigned long pnpsim_fault_injected(pnpsim_system *sys);
/** How many allocations were attempted since creation (for OOM sweeps). */
PNPSIM_API unsigned long pnpsim_fault_alloc_count(pnpsim_system *sys);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_FAULT_H */
