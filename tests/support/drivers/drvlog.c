/* SPDX-License-Identifier: MIT */
/*
 * This file implements the test drivers' shared AddDevice journal declared in drvlog.h: a
 * fixed array filled with interlocked operations, so it may be written from any thread.
 */
#include <wdm.h>

#include "drvlog.h"

typedef struct _DRVLOG_ENTRY {
    PDRIVER_OBJECT Driver;
    PDEVICE_OBJECT Pdo;
} DRVLOG_ENTRY;

static DRVLOG_ENTRY DrvLogEntries[DRVLOG_MAX_ENTRIES];
static volatile LONG DrvLogCount;

VOID DrvLogAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject)
{
    LONG slot = InterlockedIncrement(&DrvLogCount) - 1;

    if (slot < DRVLOG_MAX_ENTRIES) {
        DrvLogEntries[slot].Driver = DriverObject;
        DrvLogEntries[slot].Pdo = PhysicalDeviceObject;
    }
}

void drvlog_reset(void)
{
    RtlZeroMemory(DrvLogEntries, sizeof(DrvLogEntries));
    InterlockedExchange(&DrvLogCount, 0);
}

ULONG drvlog_add_device_count(void)
{
    LONG n = DrvLogCount;
    return (ULONG)(n > DRVLOG_MAX_ENTRIES ? DRVLOG_MAX_ENTRIES : n);
}

PDRIVER_OBJECT drvlog_add_device_driver(ULONG index)
{
    return index < drvlog_add_device_count() ? DrvLogEntries[index].Driver : NULL;
}

PDEVICE_OBJECT drvlog_add_device_pdo(ULONG index)
{
    return index < drvlog_add_device_count() ? DrvLogEntries[index].Pdo : NULL;
}
