/* SPDX-License-Identifier: MIT */
/*
 * This file declares what the allocator (alloc.c) offers fault injection (fault.c) and
 * the invariant checker (check.c): an allocation that injection never fails, for the
 * injector's own state, and the allocator's accounting.
 */
#ifndef PNPSIM_CORE_FAULT_INT_H
#define PNPSIM_CORE_FAULT_INT_H

#include "pnpsim_int.h"

/* A zeroed block recorded like every other (freed at destroy), never failed on purpose.
 * Caller holds sys->lock_alloc. NULL when the C library is out of memory. */
void *pnpsim__alloc_unfaulted_locked(pnpsim_system *sys, size_t size);

/* Walk the allocation list: *count receives its length. Returns false (with *why) when the
 * list is broken or its length disagrees with sys->alloc_live. Takes sys->lock_alloc. */
bool pnpsim__alloc_check(pnpsim_system *sys, unsigned long *count, const char **why);

/* Spare the calling thread's next allocation in sys from injection (NULL: cancel). The PnP
 * manager uses it for the IRPs it cannot fail to send (REMOVE, SURPRISE_REMOVAL, STOP and the
 * cancels): Windows sends those from must-succeed paths, so an injected fault there would
 * only break the driver contract, not exercise an error path. */
void pnpsim__fault_spare_next(pnpsim_system *sys);

/* pnpsim__fault_should_fail for a caller that holds sys->lock_alloc (the allocator, which
 * counts the attempt and records the block in one locked section): counts the attempt,
 * stores its number in *attempt and says whether it fails. The caller traces a failure with
 * pnpsim__fault_trace_injected once the lock is released. */
bool pnpsim__fault_should_fail_locked(pnpsim_system *sys, unsigned long *attempt);
void pnpsim__fault_trace_injected(pnpsim_system *sys, unsigned long attempt);

/* Spare every allocation of the calling thread in sys from injection until the matching
 * end (the PnP manager's bookkeeping at shutdown, and work Windows cannot fail for lack of
 * memory). Sections nest: begin returns what was spared before, end puts it back. */
pnpsim_system *pnpsim__fault_spare_begin(pnpsim_system *sys);
void pnpsim__fault_spare_end(pnpsim_system *prev);

#endif /* PNPSIM_CORE_FAULT_INT_H */
