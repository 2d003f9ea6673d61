/* SPDX-License-Identifier: MIT */
/*
 * This file declares what the consumer check's driver (driver.c) exposes to its harness:
 * its DriverEntry and counters of what ran.
 */
#ifndef PNPSIM_CONSUMER_DRIVER_H
#define PNPSIM_CONSUMER_DRIVER_H

#include <wdm.h>

DRIVER_INITIALIZE DriverEntry;

int consumer_driver_entry_calls(void);
int consumer_driver_unload_calls(void);
int consumer_driver_registry_path_matched(void);

#endif
