/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the pendfunc test driver (pendfunc.c), a WDM
 * function driver that completes IRP_MN_START_DEVICE later from a work item: its entry
 * point, the knobs a test turns (veto query-stop / query-remove, fail start) and the record
 * of every PnP minor code it received with the state it believed its device was in.
 */
#ifndef PNPSIM_TEST_PENDFUNC_H
#define PNPSIM_TEST_PENDFUNC_H

#include <wdm.h>

/* The driver's DriverEntry (its link name; the source calls it DriverEntry). */
DRIVER_INITIALIZE PendfuncDriverEntry;

/* The states the driver tracks for its FDO, as WDM samples do. */
typedef enum _PENDFUNC_DEVICE_STATE {
    PendfuncNotStarted = 0,
    PendfuncStarted,
    PendfuncStopPending,
    PendfuncStopped,
    PendfuncRemovePending,
    PendfuncSurpriseRemovePending,
    PendfuncDeleted
} PENDFUNC_DEVICE_STATE;

#define PENDFUNC_MAX_RECORDS 128

/* Forget every record and restore the defaults: START pended through a work item, no
 * veto, START and AddDevice succeed. Call at the start of each test. */
void pendfunc_reset(void);
/* Pend START and complete it from an IO_WORKITEM (TRUE, default) or complete it inline. */
void pendfunc_set_pend_start(BOOLEAN pend);
/* Status the driver fails IRP_MN_QUERY_STOP_DEVICE / IRP_MN_QUERY_REMOVE_DEVICE with;
 * STATUS_SUCCESS (default) means no veto. */
void pendfunc_set_query_stop_veto(NTSTATUS status);
void pendfunc_set_query_remove_veto(NTSTATUS status);
/* Status START ends with after the lower drivers succeeded it (default STATUS_SUCCESS). */
void pendfunc_set_start_status(NTSTATUS status);
/* Status AddDevice returns without creating anything (default STATUS_SUCCESS: works). */
void pendfunc_set_add_device_status(NTSTATUS status);

/* The PnP minor codes received, in order, and the state the driver was in when each
 * arrived. Index past the end: 0xFF / -1. */
ULONG pendfunc_minor_count(void);
UCHAR pendfunc_minor_at(ULONG index);
int pendfunc_state_at(ULONG index);
/* How many times a minor code was received. */
ULONG pendfunc_minor_seen(UCHAR minor);
/* The driver's current belief about its (most recent) FDO's state. */
PENDFUNC_DEVICE_STATE pendfunc_current_state(void);
/* The most recently created FDO (possibly deleted since; compare only). */
PDEVICE_OBJECT pendfunc_last_fdo(void);

/* Counters. */
ULONG pendfunc_add_device_count(void);
ULONG pendfunc_start_workitems_run(void); /* START completions made from the work item */
ULONG pendfunc_create_count(void);
ULONG pendfunc_cleanup_count(void);
ULONG pendfunc_close_count(void);
ULONG pendfunc_unload_count(void);

#endif /* PNPSIM_TEST_PENDFUNC_H */
