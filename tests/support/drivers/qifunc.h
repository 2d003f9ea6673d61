/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the qifunc test driver (qifunc.c): a WDM function
 * driver for qibus children that imports QIBUS_INTERFACE in IRP_MN_START_DEVICE and releases
 * it in IRP_MN_REMOVE_DEVICE, with switches for the classic mistakes.
 */
#ifndef PNPSIM_TEST_QIFUNC_H
#define PNPSIM_TEST_QIFUNC_H

#include <wdm.h>

DRIVER_INITIALIZE QifuncDriverEntry;

typedef enum _QIFUNC_BUG {
    QIFUNC_CORRECT = 0,
    QIFUNC_FORGET_RELEASE,     /* never calls InterfaceDereference */
    QIFUNC_DOUBLE_RELEASE,     /* calls InterfaceDereference twice in REMOVE */
    QIFUNC_USE_AFTER_REMOVE,   /* keeps the interface across surprise removal and releases
                                  it only after the bus has handled IRP_MN_REMOVE_DEVICE */
    QIFUNC_COMPLETE_QUERY      /* also exports the interface itself and completes the QI
                                  instead of passing it down */
} QIFUNC_BUG;

void qifunc_reset(QIFUNC_BUG Bug);
/* What START saw: the query's status, the version returned, register 0 read through it. */
NTSTATUS qifunc_query_status(void);
USHORT qifunc_version_seen(void);
ULONG qifunc_register0(void);
/* Pass through the interface while the device runs (test hook; 0 if not imported). */
ULONG qifunc_read_register(PDEVICE_OBJECT Fdo, ULONG Index);
PDEVICE_OBJECT qifunc_last_fdo(void);
ULONG qifunc_removes(void);

#endif /* PNPSIM_TEST_QIFUNC_H */
