/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the kmdf_bus test driver (kmdf_bus.c), a KMDF bus
 * driver written as KMDF authors write one: its FDO (on ROOT\KMDFBUS) owns a default child
 * list whose identification description is a serial number; each child PDO is
 * "KMDFBUS\Child\<serial>" and exports GUID_KMDF_BUS_INTERFACE to the stack built on it
 * (WdfDeviceAddQueryInterface). Tests plug and unplug children with the hooks below (as
 * hardware would appear and vanish), switch the driver to static children or raw PDOs, and
 * read what the driver saw.
 */
#ifndef PNPSIM_TEST_KMDF_BUS_H
#define PNPSIM_TEST_KMDF_BUS_H

#include <ntddk.h>
#include <wdf.h>

/* The driver's DriverEntry (its link name; the source calls it DriverEntry). */
DRIVER_INITIALIZE KmdfBusDriverEntry;

/* The hardware ID the bus's FDO binds to, and what each child reports. */
#define KMDF_BUS_HARDWARE_ID "ROOT\\KMDFBUS"
#define KMDF_BUS_CHILD_DEVICE_ID L"KMDFBUS\\Child"      /* device ID = first hardware ID */
#define KMDF_BUS_CHILD_COMPATIBLE_ID L"KMDFBUS\\Compatible"
#define KMDF_BUS_CHILD_DEVICE_ID_A "KMDFBUS\\Child"     /* the same, for pnpsim_driver_bind */
#define KMDF_BUS_CHILD_LOCALE 0x409                     /* en-US: the default locale */
#define KMDF_BUS_CHILD_LOCALE_DE 0x407                  /* de-DE: a second text */
/* Instance ID of a child: its serial number in decimal ("7"); path KMDFBUS\Child\7. */

/* {c0a9f1e2-64b7-4d3a-8e21-5f7a3b9c0d14} */
DEFINE_GUID(GUID_KMDF_BUS_INTERFACE, 0xc0a9f1e2, 0x64b7, 0x4d3a, 0x8e, 0x21, 0x5f, 0x7a, 0x3b,
            0x9c, 0x0d, 0x14);
#define KMDF_BUS_INTERFACE_VERSION 1

typedef ULONG (*PKMDF_BUS_GET_SERIAL)(PVOID Context);
/* Register Index of the child: (Serial << 8) | (Index & 0xFF). */
typedef ULONG (*PKMDF_BUS_READ_REGISTER)(PVOID Context, ULONG Index);

/* The interface each child exports: the INTERFACE header first, as every interface starts.
 * InterfaceReference/InterfaceDereference count the references kmdf_bus_child_record shows. */
typedef struct _KMDF_BUS_INTERFACE {
    INTERFACE InterfaceHeader;
    PKMDF_BUS_GET_SERIAL GetSerial;
    PKMDF_BUS_READ_REGISTER ReadRegister;
} KMDF_BUS_INTERFACE, *PKMDF_BUS_INTERFACE;

/* The identification description of a child (the child list's description type): the
 * serial number and a name the driver keeps in pool (duplicated by
 * EvtChildListIdentificationDescriptionDuplicate, freed by ...Cleanup). */
typedef struct _KMDF_BUS_IDENTIFICATION_DESCRIPTION {
    WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER Header;
    ULONG SerialNo;
    PWCHAR Name;  /* NUL-terminated; may be NULL */
} KMDF_BUS_IDENTIFICATION_DESCRIPTION, *PKMDF_BUS_IDENTIFICATION_DESCRIPTION;

#define KMDF_BUS_MAX_CHILDREN 16

/* What one child saw; it outlives the PDO so a test can read it after removal. */
typedef struct _KMDF_BUS_CHILD_RECORD {
    BOOLEAN InUse;
    BOOLEAN Static;             /* created with WdfFdoAddStaticChild */
    BOOLEAN Raw;                /* created with WdfPdoInitAssignRawDevice */
    ULONG SerialNo;
    WDFDEVICE Pdo;              /* compare only: may be deleted */
    ULONG CreateDeviceCalls;    /* EvtChildListCreateDevice for this serial */
    ULONG ContextCleanups;      /* the PDO's EvtCleanupCallback ran */
    ULONG ReportedMissing;      /* EvtDeviceReportedMissing */
    ULONG Ejects;               /* EvtDeviceEject */
    LONG InterfaceReferences;   /* exporter's count of GUID_KMDF_BUS_INTERFACE references */
    ULONG InterfaceCalls;       /* GetSerial + ReadRegister calls */
} KMDF_BUS_CHILD_RECORD;

/* Forget every record and reset every mode (call at the start of a test). */
void kmdf_bus_reset(void);
/* The most recently created bus FDO (compare only after removal). */
WDFDEVICE kmdf_bus_last_fdo(void);
/* Its default child list (NULL before the FDO exists). */
WDFCHILDLIST kmdf_bus_child_list(void);

/* Modes, read when the FDO is created (EvtDriverDeviceAdd) or a child is: */
/* Create Count static children (serials 1..Count) in EvtDriverDeviceAdd. */
void kmdf_bus_set_static_children(ULONG Count);
/* Children are raw PDOs (WdfPdoInitAssignRawDevice with GUID_DEVCLASS_SYSTEM-like class). */
void kmdf_bus_set_raw_children(BOOLEAN Raw);
/* EvtChildListCreateDevice fails with Status for the next child it creates (once). */
void kmdf_bus_fail_next_create(NTSTATUS Status);
/* Serials EvtChildListScanForChildren reports (BeginScan, AddOrUpdate..., EndScan);
 * Count 0 with Serials NULL: no scan callback registered (the default). */
void kmdf_bus_set_scan_serials(const ULONG *Serials, ULONG Count);

/*
 * Hardware hooks (call at PASSIVE_LEVEL from test code; let queued work run afterwards,
 * e.g. pnpsim_system_run_pending()). They act on the last FDO's default child list.
 * kmdf_bus_plug: WdfChildListAddOrUpdateChildDescriptionAsPresent (STATUS_SUCCESS, or
 * STATUS_OBJECT_NAME_EXISTS when that serial is already present). kmdf_bus_unplug:
 * WdfChildListUpdateChildDescriptionAsMissing (STATUS_NO_SUCH_DEVICE when absent).
 * kmdf_bus_add_static_child: WdfPdoInitAllocate + WdfDeviceCreate + WdfFdoAddStaticChild
 * on the last FDO (IoInvalidateDeviceRelations follows when the FDO has started).
 */
NTSTATUS kmdf_bus_plug(ULONG SerialNo);
NTSTATUS kmdf_bus_unplug(ULONG SerialNo);
NTSTATUS kmdf_bus_add_static_child(ULONG SerialNo);

/* The newest record of the child with that serial, or NULL. */
const KMDF_BUS_CHILD_RECORD *kmdf_bus_child_record(ULONG SerialNo);

/* Description callback counts (EvtChildListIdentificationDescription*). */
typedef struct _KMDF_BUS_DESCRIPTION_STATS {
    ULONG Compares;
    ULONG Copies;
    ULONG Duplicates;
    ULONG Cleanups;
    ULONG Scans;          /* EvtChildListScanForChildren */
} KMDF_BUS_DESCRIPTION_STATS;
KMDF_BUS_DESCRIPTION_STATS kmdf_bus_description_stats(void);

/* How many times EvtDriverDeviceAdd / the FDO's context cleanup ran. */
ULONG kmdf_bus_add_device_count(void);
ULONG kmdf_bus_fdo_cleanup_count(void);

#endif /* PNPSIM_TEST_KMDF_BUS_H */
