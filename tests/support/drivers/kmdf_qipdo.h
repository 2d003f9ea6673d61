/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the kmdf_qipdo test driver (kmdf_qipdo.c), a small
 * KMDF bus driver whose FDO (on ROOT\KMDFQIPDO) exports GUID_KMDF_QIPDO_PARENT and has one
 * static child PDO, "KMDFQIPDO\Child\1", that exports driver-defined interfaces in every way
 * WdfDeviceAddQueryInterface allows on a PDO: a stored interface newer and larger than old
 * requesters ask for, a query sent on to the parent's stack (SendQueryToParentStack), an
 * imported (two-way) interface answered by EvtDeviceProcessQueryInterfaceRequest, and a
 * stored interface whose callback declines with STATUS_NOT_SUPPORTED.
 */
#ifndef PNPSIM_TEST_KMDF_QIPDO_H
#define PNPSIM_TEST_KMDF_QIPDO_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE KmdfQiPdoDriverEntry;

#define KMDF_QIPDO_HARDWARE_ID "ROOT\\KMDFQIPDO"
#define KMDF_QIPDO_CHILD_PATH "KMDFQIPDO\\Child\\1"

/* {3e1c5a70-9d42-4b8e-a6f1-0c2d4e6f8a01}: exported by the FDO (value KMDF_QIPDO_PARENT_VALUE);
 * the child sends queries for it to the parent's stack. */
DEFINE_GUID(GUID_KMDF_QIPDO_PARENT, 0x3e1c5a70, 0x9d42, 0x4b8e, 0xa6, 0xf1, 0x0c, 0x2d, 0x4e,
            0x6f, 0x8a, 0x01);
/* {3e1c5a71-...}: the child's stored interface, Size sizeof(KMDF_QIPDO_INTERFACE), Version 2. */
DEFINE_GUID(GUID_KMDF_QIPDO_SIZED, 0x3e1c5a71, 0x9d42, 0x4b8e, 0xa6, 0xf1, 0x0c, 0x2d, 0x4e,
            0x6f, 0x8a, 0x01);
/* {3e1c5a72-...}: imported: the requester's buffer goes to the child's callback uncopied. */
DEFINE_GUID(GUID_KMDF_QIPDO_IMPORT, 0x3e1c5a72, 0x9d42, 0x4b8e, 0xa6, 0xf1, 0x0c, 0x2d, 0x4e,
            0x6f, 0x8a, 0x01);
/* {3e1c5a73-...}: stored, but the child's callback returns STATUS_NOT_SUPPORTED. */
DEFINE_GUID(GUID_KMDF_QIPDO_DECLINE, 0x3e1c5a73, 0x9d42, 0x4b8e, 0xa6, 0xf1, 0x0c, 0x2d, 0x4e,
            0x6f, 0x8a, 0x01);

#define KMDF_QIPDO_SIZED_VERSION 2
#define KMDF_QIPDO_PARENT_VALUE 0x50415245u /* "PARE" */
#define KMDF_QIPDO_CHILD_VALUE 0x4348494Cu  /* "CHIL" */

typedef ULONG (*PKMDF_QIPDO_GET_VALUE)(PVOID Context);

/* GUID_KMDF_QIPDO_PARENT, _SIZED and _DECLINE. */
typedef struct _KMDF_QIPDO_INTERFACE {
    INTERFACE InterfaceHeader;
    PKMDF_QIPDO_GET_VALUE GetValue;
} KMDF_QIPDO_INTERFACE, *PKMDF_QIPDO_INTERFACE;

/* GUID_KMDF_QIPDO_IMPORT: the requester fills RequesterCookie, the exporter the rest. */
typedef struct _KMDF_QIPDO_IMPORT_INTERFACE {
    INTERFACE InterfaceHeader;
    ULONG RequesterCookie;
    ULONG ExporterCookie;
} KMDF_QIPDO_IMPORT_INTERFACE, *PKMDF_QIPDO_IMPORT_INTERFACE;

typedef struct _KMDF_QIPDO_STATS {
    LONG ParentReferences;   /* exporter counts of each interface */
    LONG SizedReferences;
    LONG ImportReferences;
    LONG DeclineReferences;
    ULONG ImportCalls;       /* EvtDeviceProcessQueryInterfaceRequest for _IMPORT */
    ULONG ImportCookieSeen;  /* RequesterCookie as the callback saw it */
    ULONG DeclineCalls;
    NTSTATUS ChildStatus;    /* creating the static child */
} KMDF_QIPDO_STATS;

void kmdf_qipdo_reset(void);
const KMDF_QIPDO_STATS *kmdf_qipdo_stats(void);

#endif /* PNPSIM_TEST_KMDF_QIPDO_H */
