/* SPDX-License-Identifier: MIT */
/*
 * This file declares what the generated WPP stand-ins (<file>.tmh, written by
 * pnpsim_add_driver(... WPP)) call: WPP_INIT_TRACING / WPP_CLEANUP and every trace
 * function land in pnpsim's trace as debug output, with the WPP format extensions
 * (%!FUNC!, %!STATUS!, ...) and the arguments rendered.
 */
#ifndef PNPSIM_WDK_PNPSIM_WPP_H
#define PNPSIM_WDK_PNPSIM_WPP_H

#include "wdm.h"
#include "evntrace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* WPP_INIT_TRACING(DriverObject, RegistryPath): DriverObject may be a PDRIVER_OBJECT or a
 * PDEVICE_OBJECT (the old form), RegistryPath may be NULL. */
NTKERNELAPI VOID NTAPI pnpsim_wpp_init(PVOID DriverObject, PVOID RegistryPath);
NTKERNELAPI VOID NTAPI pnpsim_wpp_cleanup(PVOID DriverObject);
/* One trace call: the function's name as the driver spelled it (TraceEvents,
 * DoTraceMessage ...), the level and flags (0 when the function has none), the WPP
 * message format and its arguments. */
NTKERNELAPI VOID __cdecl pnpsim_wpp_trace(PCSTR File, ULONG Line, PCSTR Function,
                                          PCSTR TraceFunction, ULONG Level, ULONG Flags,
                                          PCSTR Format, ...);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_PNPSIM_WPP_H */
