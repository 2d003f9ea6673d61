/* SPDX-License-Identifier: MIT */
/*
 * This file declares the test drivers' shared AddDevice journal: every driver under
 * tests/support/drivers calls DrvLogAddDevice() from its AddDevice routine, so a test can
 * check the order in which the PnP manager built a device stack (lower filters, then the
 * function driver, then upper filters). It is test instrumentation, not a pnpsim header.
 */
#ifndef PNPSIM_TEST_DRVLOG_H
#define PNPSIM_TEST_DRVLOG_H

#include <wdm.h>

#define DRVLOG_MAX_ENTRIES 64

/* Record that DriverObject's AddDevice ran for PhysicalDeviceObject (called by drivers). */
VOID DrvLogAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject);

/* Test side: forget every entry. */
void drvlog_reset(void);
/* Test side: number of AddDevice calls recorded since the last reset. */
ULONG drvlog_add_device_count(void);
/* Test side: the driver / PDO of the index-th AddDevice call (NULL past the end). */
PDRIVER_OBJECT drvlog_add_device_driver(ULONG index);
PDEVICE_OBJECT drvlog_add_device_pdo(ULONG index);

#endif /* PNPSIM_TEST_DRVLOG_H */
