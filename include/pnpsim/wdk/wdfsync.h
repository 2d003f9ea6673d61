/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfsync.h> for pnpsim's KMDF layer: framework spin locks
 * (WDFSPINLOCK, raising to DISPATCH_LEVEL) and wait locks (WDFWAITLOCK, PASSIVE_LEVEL
 * waiters with an optional timeout).
 */
#ifndef PNPSIM_WDK_WDFSYNC_H
#define PNPSIM_WDK_WDFSYNC_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

WDFAPI NTSTATUS WdfSpinLockCreate(PWDF_OBJECT_ATTRIBUTES SpinLockAttributes,
                                  WDFSPINLOCK *SpinLock);
WDFAPI VOID WdfSpinLockAcquire(WDFSPINLOCK SpinLock);
WDFAPI VOID WdfSpinLockRelease(WDFSPINLOCK SpinLock);

WDFAPI NTSTATUS WdfWaitLockCreate(PWDF_OBJECT_ATTRIBUTES LockAttributes, WDFWAITLOCK *Lock);
WDFAPI NTSTATUS WdfWaitLockAcquire(WDFWAITLOCK Lock, PLONGLONG Timeout);
WDFAPI VOID WdfWaitLockRelease(WDFWAITLOCK Lock);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFSYNC_H */
