/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the busstd_func test driver (busstd_func.c): a WDM
 * function driver that imports BUS_INTERFACE_STANDARD from its PDO in IRP_MN_START_DEVICE,
 * reads and writes configuration space through it, and releases it in
 * IRP_MN_REMOVE_DEVICE.
 */
#ifndef PNPSIM_TEST_BUSSTD_FUNC_H
#define PNPSIM_TEST_BUSSTD_FUNC_H

#include <wdm.h>

DRIVER_INITIALIZE BusstdFuncDriverEntry;

/* ForgetRelease: never dereference the interface. */
void busstd_func_reset(BOOLEAN ForgetRelease);
NTSTATUS busstd_func_query_status(void);
/* Configuration space as START read it: the 16-bit vendor ID at offset 0, and bytes read. */
USHORT busstd_func_vendor_id(void);
ULONG busstd_func_bytes_read(void);
/* START writes this byte at offset 0x40 through SetBusData. */
#define BUSSTD_FUNC_MARK 0x5C
/* What GetDmaAdapter returned (NULL expected: DMA is not simulated). */
PVOID busstd_func_dma_adapter(void);
/* A late call through the interface START obtained, as a stale timer would make it after
 * the device is gone: GetBusData of 4 bytes at Offset; returns the byte count. */
ULONG busstd_func_stale_read(ULONG Offset);

#endif /* PNPSIM_TEST_BUSSTD_FUNC_H */
