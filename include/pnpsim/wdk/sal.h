/* SPDX-License-Identifier: MIT */
/*
 * This file implements the source annotation language (SAL) vocabulary as no-ops, so driver
 * source annotated for the WDK's static analysis compiles unchanged. Nothing here ever
 * becomes a runtime check. The full vocabulary lives in driverspecs.h's companion list below.
 */
#ifndef PNPSIM_WDK_SAL_H
#define PNPSIM_WDK_SAL_H
#include "pnpsim_sal_list.h"
#endif /* PNPSIM_WDK_SAL_H */
