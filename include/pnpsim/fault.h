/* SPDX-License-Identifier: MIT */
/*
 * This file declares fault injection: making the simulator's allocations (its own and the
 * pool's), chosen DDIs, pool allocations of a chosen tag and the write points of
 * pnpsim_system_save fail on purpose, so tests can drive the error paths of drivers and of
 * pnpsim itself; and the invariant checker that proves a failure left the system whole.
 *
 * Every injected failure is counted (pnpsim_fault_injected) and traced (category
 * PNPSIM_TRACE_BUGCHECK, text starting "fault injected:"). Allocation rules (nth, every nth,
 * random) exclude one another: arming one replaces the previous one. DDI, pool-tag and
 * write-point rules add up (at most PNPSIM_FAULT_MAX_RULES at a time) and are independent of
 * the allocation rule. None of them survives pnpsim_fault_clear().
 *
 * Example: drive a driver's error path when its second interface registration fails.
 *
 *     pnpsim_fault_ddi(sys, "IoRegisterDeviceInterface", 2, 1, STATUS_INSUFFICIENT_RESOURCES);
 *     assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, pnpsim_device_start(dev));
 *     assert_int_equal(1, pnpsim_fault_injected(sys));
 *     assert_nt_status(STATUS_SUCCESS, pnpsim_system_check(sys));
 */
#ifndef PNPSIM_FAULT_H
#define PNPSIM_FAULT_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How many DDI, pool-tag and write-point rules can be armed at once. */
#define PNPSIM_FAULT_MAX_RULES 16

/**
 * Fail allocations in sys: the nth allocation from now fails (1 = the next one), then
 * `count` allocations in all (count 0 means every allocation from the nth on). n == 0
 * turns allocation injection off. Covers the simulator's internal allocations and
 * ExAllocatePool*. Replaces any earlier allocation rule (every nth, random).
 * @param sys the system (NULL is ignored).
 * @param n which allocation attempt, counted from now, fails first; 0 disarms.
 * @param count how many consecutive attempts fail; 0: all from the nth on.
 * Ownership: none. Thread safety: any thread. Errors: none.
 */
PNPSIM_API void pnpsim_fault_alloc(pnpsim_system *sys, unsigned long n, unsigned long count);

/**
 * Fail every nth allocation from now (the nth, the 2nth, ...). Replaces any earlier
 * allocation rule.
 * @param sys the system (NULL is ignored).
 * @param n the period; 0 disarms the allocation rule, 1 fails every allocation.
 * Ownership: none. Thread safety: any thread. Errors: none.
 */
PNPSIM_API void pnpsim_fault_alloc_every(pnpsim_system *sys, unsigned long n);

/**
 * Fail each allocation from now with the given probability, drawn from a deterministic
 * pseudo-random sequence (xorshift64*) started from seed: the same seed and the same calls
 * fail the same allocations on every platform. Replaces any earlier allocation rule.
 * @param sys the system (NULL is ignored).
 * @param seed any value (0 is replaced by a fixed non-zero constant).
 * @param probability 0.0 (never; disarms) to 1.0 (always); values outside are clamped.
 * Ownership: none. Thread safety: any thread (the sequence is shared by the system's
 *         threads, so it is only reproducible when one thread allocates). Errors: none.
 */
PNPSIM_API void pnpsim_fault_alloc_random(pnpsim_system *sys, unsigned long long seed,
                                          double probability);

/**
 * Fail calls of a named DDI: counting the calls of ddi from now, calls n .. n+count-1 fail
 * (count 0: every call from the nth on) and return `status` (or what the DDI's contract
 * says a failure looks like: NULL for IoAllocateIrp, IoAllocateWorkItem,
 * IoBuildSynchronousFsdRequest, IoBuildDeviceIoControlRequest and ExAllocatePool*; a
 * CONFIGRET for CM_* routines, CR_OUT_OF_MEMORY when status is
 * STATUS_INSUFFICIENT_RESOURCES, else CR_FAILURE). A failed call changes nothing.
 * Names are the DDIs' exact names, case-sensitive: IoRegisterDeviceInterface,
 * IoSetDeviceInterfaceState, IoGetDeviceInterfaces, IoGetDeviceInterfaceAlias,
 * IoOpenDeviceInterfaceRegistryKey, IoRegisterPlugPlayNotification, IoCreateDevice,
 * IoAttachDeviceToDeviceStack, IoAttachDeviceToDeviceStackSafe, IoAllocateIrp,
 * IoBuildSynchronousFsdRequest, IoBuildDeviceIoControlRequest, IoAllocateWorkItem,
 * IoCreateSymbolicLink, ZwCreateKey, ZwOpenKey, PsCreateSystemThread,
 * CM_Get_Device_Interface_List, ExAllocatePool2, ExAllocatePoolWithTag, ExAllocatePool,
 * ExAllocatePoolZero, ExAllocatePoolUninitialized, ExAllocatePoolWithTagPriority, and the
 * native pnpsim_driver_load, pnpsim_device_create, pnpsim_device_start, pnpsim_system_save,
 * pnpsim_system_load. Arming a name nothing calls is not an error (it never fires).
 * @param sys the system.
 * @param ddi the routine's name (copied; at most 63 bytes).
 * @param n which call, counted from now, fails first (1 = the next); must be >= 1.
 * @param count how many consecutive calls fail; 0: every call from the nth on.
 * @param status the failure status; must be an error status (NT_ERROR).
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL sys or ddi, empty or too long name,
 *         n 0, status not an error); STATUS_INSUFFICIENT_RESOURCES when
 *         PNPSIM_FAULT_MAX_RULES rules are armed.
 * Ownership: none. Thread safety: any thread. Errors: as returned; nothing is armed.
 */
PNPSIM_API NTSTATUS pnpsim_fault_ddi(pnpsim_system *sys, const char *ddi, unsigned long n,
                                     unsigned long count, NTSTATUS status);

/**
 * Fail pool allocations of one tag: counting the ExAllocatePool* calls with this tag from
 * now (and the simulator's own hand-outs of pool with it), calls n .. n+count-1 return NULL
 * (count 0: every one from the nth on).
 * @param sys the system.
 * @param tag the pool tag as the driver passes it (e.g. 'gaTx' for "xTag").
 * @param n which allocation with the tag fails first (1 = the next); must be >= 1.
 * @param count how many consecutive ones fail; 0: all from the nth on.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL sys, n 0);
 *         STATUS_INSUFFICIENT_RESOURCES when PNPSIM_FAULT_MAX_RULES rules are armed.
 * Ownership: none. Thread safety: any thread. Errors: as returned; nothing is armed.
 */
PNPSIM_API NTSTATUS pnpsim_fault_pool_tag(pnpsim_system *sys, ULONG tag, unsigned long n,
                                          unsigned long count);

/**
 * Interrupt pnpsim_system_save (and pnpsim_registry_save) at its kth write point from now,
 * as if the process died there: the write points are, in order, creating the temporary
 * file, writing its first half, writing the rest, flushing and closing it, and replacing
 * the target with it. The interrupted save returns STATUS_DISK_FULL (the file steps) or
 * STATUS_ACCESS_DENIED (the replacement); the previous file at the path stays whole and
 * loadable. One rule fails one write point.
 * @param sys the system.
 * @param k which write point, counted from now over every save, fails (1 = the next).
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER (NULL sys, k 0);
 *         STATUS_INSUFFICIENT_RESOURCES when PNPSIM_FAULT_MAX_RULES rules are armed.
 * Ownership: none. Thread safety: any thread. Errors: as returned; nothing is armed.
 */
PNPSIM_API NTSTATUS pnpsim_fault_save_write(pnpsim_system *sys, unsigned long k);

/**
 * Disarm every fault rule (allocation, DDI, pool tag, write point). The counters of
 * pnpsim_fault_injected and pnpsim_fault_alloc_count keep counting.
 * Ownership: none. Thread safety: any thread. Errors: none.
 */
PNPSIM_API void pnpsim_fault_clear(pnpsim_system *sys);

/**
 * How many failures have been injected since creation: allocations, DDI calls, pool-tag
 * allocations and save write points together.
 * Ownership: none. Thread safety: any thread. Errors: none (0 for NULL sys).
 */
PNPSIM_API unsigned long pnpsim_fault_injected(pnpsim_system *sys);

/**
 * How many internal and pool allocations were attempted since creation (for OOM sweeps).
 * Ownership: none. Thread safety: any thread. Errors: none (0 for NULL sys).
 */
PNPSIM_API unsigned long pnpsim_fault_alloc_count(pnpsim_system *sys);

/**
 * Check every internal index and cross-reference of sys: the device tree (parent and child
 * links, levels, every node in the all-devices list), the instance-path index, the device
 * stacks, the interface registry (the indexes by name, by class and by device agree and
 * each enabled interface belongs to a present device), the notification registrations,
 * the query-interface ledger, the pool accounting per driver, the driver list and the
 * allocator's own accounting. Use it after a failed call to prove nothing was left
 * half-done.
 * @param sys the system.
 * @return STATUS_SUCCESS when everything holds; STATUS_INTERNAL_ERROR with
 *         pnpsim_last_error_message() naming the first broken invariant;
 *         STATUS_INVALID_PARAMETER for NULL sys.
 * Ownership: none. Thread safety: any thread; takes the system lock, so call it while no
 *         PnP operation is half-way on another thread. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_system_check(pnpsim_system *sys);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_FAULT_H */
