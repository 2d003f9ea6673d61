/* SPDX-License-Identifier: MIT */
/*
 * This file declares the small WDM function driver shared by the um_discovery and picture
 * examples: it registers one device interface per device in AddDevice and enables it once
 * IRP_MN_START_DEVICE has completed below it; it disables it on surprise removal and
 * removal. Loaded as "sensor" (ExampleSensorDriverEntry) its class is
 * GUID_EXAMPLE_SENSOR_INTERFACE; loaded as "hub" (ExampleHubDriverEntry) it is
 * GUID_EXAMPLE_HUB_INTERFACE.
 */
#ifndef EXAMPLE_DRIVER_H
#define EXAMPLE_DRIVER_H

#include <wdm.h>

/* {8d4f2a10-3b6c-4e1d-9a7f-5c2b1e0d3f01} */
DEFINE_GUID(GUID_EXAMPLE_SENSOR_INTERFACE, 0x8d4f2a10, 0x3b6c, 0x4e1d, 0x9a, 0x7f, 0x5c, 0x2b,
            0x1e, 0x0d, 0x3f, 0x01);
/* {8d4f2a10-3b6c-4e1d-9a7f-5c2b1e0d3f02} */
DEFINE_GUID(GUID_EXAMPLE_HUB_INTERFACE, 0x8d4f2a10, 0x3b6c, 0x4e1d, 0x9a, 0x7f, 0x5c, 0x2b,
            0x1e, 0x0d, 0x3f, 0x02);

NTSTATUS ExampleSensorDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
NTSTATUS ExampleHubDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#endif /* EXAMPLE_DRIVER_H */
