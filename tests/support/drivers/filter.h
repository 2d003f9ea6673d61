/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the filter test driver (filter.c): its entry point
 * and the record of the IRPs each filter driver object saw. The same source can be loaded
 * several times under different service names (one as a lower filter, one as an upper
 * filter): records are kept per DRIVER_OBJECT.
 */
#ifndef PNPSIM_TEST_FILTER_H
#define PNPSIM_TEST_FILTER_H

#include <wdm.h>

/* The driver's DriverEntry (its link name; the source calls it DriverEntry). */
DRIVER_INITIALIZE FilterDriverEntry;

#define FILTER_MAX_RECORDS 128

/* Forget every record and counter (call at the start of a test). */
void filter_reset(void);
/* Number of IRP_MJ_PNP IRPs the filter loaded as Driver saw, and the index-th minor code
 * (0xFF past the end). */
ULONG filter_pnp_count(PDRIVER_OBJECT Driver);
UCHAR filter_pnp_minor(PDRIVER_OBJECT Driver, ULONG index);
/* How many IRPs with this major function (any minor) Driver saw. */
ULONG filter_major_count(PDRIVER_OBJECT Driver, UCHAR major);
/* How many times Driver's AddDevice / DriverUnload ran. */
ULONG filter_add_device_count(PDRIVER_OBJECT Driver);
ULONG filter_unload_count(void);

#endif /* PNPSIM_TEST_FILTER_H */
