/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the kmdf_func test driver (kmdf_func.c), a KMDF
 * function driver for the children of kmdf_bus ("KMDFBUS\Child"): it imports
 * GUID_KMDF_BUS_INTERFACE with WdfFdoQueryForInterface in EvtDevicePrepareHardware and
 * releases it in EvtDeviceReleaseHardware, creates its own device interface
 * GUID_KMDF_FUNC_INTERFACE (enabled by the framework at start), exports GUID_KMDF_FUNC_QI
 * with WdfDeviceAddQueryInterface, and answers IOCTL_KMDF_FUNC_GET_SERIAL from its default
 * queue.
 */
#ifndef PNPSIM_TEST_KMDF_FUNC_H
#define PNPSIM_TEST_KMDF_FUNC_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE KmdfFuncDriverEntry;

/* {6b1f0d3a-2c4e-4f59-9a7b-81c2d3e4f5a6}: the device interface class of kmdf_func devices. */
DEFINE_GUID(GUID_KMDF_FUNC_INTERFACE, 0x6b1f0d3a, 0x2c4e, 0x4f59, 0x9a, 0x7b, 0x81, 0xc2, 0xd3,
            0xe4, 0xf5, 0xa6);
/* {6b1f0d3b-2c4e-4f59-9a7b-81c2d3e4f5a6}: the driver-defined interface it exports. */
DEFINE_GUID(GUID_KMDF_FUNC_QI, 0x6b1f0d3b, 0x2c4e, 0x4f59, 0x9a, 0x7b, 0x81, 0xc2, 0xd3, 0xe4,
            0xf5, 0xa6);
#define KMDF_FUNC_QI_VERSION 1

typedef ULONG (*PKMDF_FUNC_GET_SERIAL)(PVOID Context);

typedef struct _KMDF_FUNC_QI {
    INTERFACE InterfaceHeader;
    PKMDF_FUNC_GET_SERIAL GetSerial;
} KMDF_FUNC_QI, *PKMDF_FUNC_QI;

/* Output: ULONG, the bus child's serial number as read through the bus interface. */
#define IOCTL_KMDF_FUNC_GET_SERIAL CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef enum _KMDF_FUNC_MODE {
    KmdfFuncCorrect = 0,
    KmdfFuncLeakBusInterface,   /* never releases the bus interface */
    KmdfFuncDoubleRelease       /* releases the bus interface twice */
} KMDF_FUNC_MODE;

typedef struct _KMDF_FUNC_STATS {
    ULONG Devices;              /* EvtDriverDeviceAdd */
    ULONG Prepares;
    ULONG Releases;
    NTSTATUS BusQueryStatus;    /* last WdfFdoQueryForInterface */
    ULONG SerialSeen;           /* GetSerial through the bus interface */
    ULONG RegisterSeen;         /* ReadRegister(5) through the bus interface */
    BOOLEAN BusInterfaceHeld;
    LONG QiReferences;          /* GUID_KMDF_FUNC_QI references outstanding (exporter count) */
    ULONG Ioctls;               /* IOCTLs served */
} KMDF_FUNC_STATS;

void kmdf_func_reset(KMDF_FUNC_MODE Mode);
const KMDF_FUNC_STATS *kmdf_func_stats(void);
WDFDEVICE kmdf_func_last_device(void);

#endif /* PNPSIM_TEST_KMDF_FUNC_H */
