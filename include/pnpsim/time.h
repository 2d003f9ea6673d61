/* SPDX-License-Identifier: MIT */
/*
 * This file declares simulated time: the clock behind kernel timers (KeSetTimer), DPCs they
 * queue, KeQueryInterruptTime, KeQueryTickCount and KeQueryPerformanceCounter. It starts at
 * zero when the system is created and moves only when the test advances it, so timer-driven
 * driver code runs the same way every time.
 */
#ifndef PNPSIM_TIME_H
#define PNPSIM_TIME_H

#include <stdint.h>

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Advance sys's simulated time by ns nanoseconds. Every timer that falls due on the way
 * fires in due-time order (the clock stops at each due time): it is signalled (waking its
 * waiters), its DPC is queued, and queued DPCs run on the calling thread at DISPATCH_LEVEL
 * before time moves on. A periodic timer fires once per period crossed.
 * @param sys the system.
 * @param ns how far to move the clock (0: only run DPCs already queued).
 * @return STATUS_SUCCESS, or STATUS_INVALID_PARAMETER (sys NULL), or
 *         STATUS_INSUFFICIENT_RESOURCES (the kernel state could not be created).
 * Ownership: none.
 * Thread safety: any thread not holding a spin lock; concurrent advances are serialised
 *   only at each timer.
 * Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_time_advance(pnpsim_system *sys, uint64_t ns);

/**
 * sys's simulated time since the system was created, in nanoseconds.
 * Ownership: none. Thread safety: any thread. Errors: none (0 for a NULL sys).
 */
PNPSIM_API uint64_t pnpsim_time_now(pnpsim_system *sys);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_TIME_H */
