/* SPDX-License-Identifier: MIT */
/*
 * This file declares the native API of the simulated kernel's identity: the Windows
 * version that RtlGetVersion, PsGetVersion and IoIsWdmVersionAvailable report to drivers.
 */
#ifndef PNPSIM_KERNEL_H
#define PNPSIM_KERNEL_H

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Set the Windows version sys reports to drivers (RtlGetVersion, PsGetVersion). The default
 * is Windows 10 22H2: 10.0.19045.
 * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER (sys NULL or major 0);
 *         STATUS_INSUFFICIENT_RESOURCES (the kernel state could not be created).
 * Ownership: none. Thread safety: any thread; set it before loading drivers.
 * Errors: see pnpsim_last_error_message().
 */
PNPSIM_API NTSTATUS pnpsim_kernel_set_version(pnpsim_system *sys, ULONG major, ULONG minor,
                                              ULONG build);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_KERNEL_H */
