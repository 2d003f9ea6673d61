/* SPDX-License-Identifier: MIT */
/*
 * This file implements <driverspecs.h> for pnpsim: the driver annotations (_IRQL_*,
 * _Kernel_*, __drv_*) of the WDK's static analysis, as no-ops. The vocabulary lives in
 * pnpsim_sal_list.h together with sal.h's.
 */
#ifndef PNPSIM_WDK_DRIVERSPECS_H
#define PNPSIM_WDK_DRIVERSPECS_H
#include "pnpsim_sal_list.h"
#endif /* PNPSIM_WDK_DRIVERSPECS_H */
