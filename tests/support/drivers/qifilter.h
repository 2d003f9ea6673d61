/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the qifilter test driver (qifilter.c), a WDM filter
 * that passes IRP_MN_QUERY_INTERFACE (and everything else) down untouched.
 */
#ifndef PNPSIM_TEST_QIFILTER_H
#define PNPSIM_TEST_QIFILTER_H

#include <wdm.h>

DRIVER_INITIALIZE QifilterDriverEntry;

void qifilter_reset(void);
/* IRP_MN_QUERY_INTERFACE IRPs seen on the way down, and their status when they arrived. */
ULONG qifilter_queries_seen(void);
NTSTATUS qifilter_last_arrival_status(void);

#endif /* PNPSIM_TEST_QIFILTER_H */
