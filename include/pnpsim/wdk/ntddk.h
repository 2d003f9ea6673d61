/* SPDX-License-Identifier: MIT */
/*
 * This file implements <ntddk.h> for pnpsim: everything <wdm.h> has; the few ntddk-only
 * routines pnpsim implements are declared in wdm.h as well.
 */
#ifndef PNPSIM_WDK_NTDDK_H
#define PNPSIM_WDK_NTDDK_H
#include "wdm.h"
#endif /* PNPSIM_WDK_NTDDK_H */
