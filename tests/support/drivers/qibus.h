/* SPDX-License-Identifier: MIT */
/*
 * This file declares what tests see of the qibus test driver (qibus.c): a WDM bus driver
 * whose child PDOs export a custom driver-to-driver interface, QIBUS_INTERFACE, to the
 * stacks built on them (IRP_MN_QUERY_INTERFACE, windows-semantics.md §9), the hooks that
 * plug and unplug children, and what the bus saw: each child's interface reference count as
 * the exporter keeps it.
 */
#ifndef PNPSIM_TEST_QIBUS_H
#define PNPSIM_TEST_QIBUS_H

#include <wdm.h>

DRIVER_INITIALIZE QibusDriverEntry;

/* {6e1f2a40-3b7c-4d5e-9a1b-2c3d4e5f6071} */
extern const GUID GUID_QIBUS_INTERFACE;
#define QIBUS_INTERFACE_VERSION 2

typedef ULONG (*PQIBUS_READ_REGISTER)(PVOID Context, ULONG Index);
typedef VOID (*PQIBUS_WRITE_REGISTER)(PVOID Context, ULONG Index, ULONG Value);

/* The exported interface: the INTERFACE header first, as every interface starts. */
typedef struct _QIBUS_INTERFACE {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    PQIBUS_READ_REGISTER ReadRegister;
    PQIBUS_WRITE_REGISTER WriteRegister;
} QIBUS_INTERFACE, *PQIBUS_INTERFACE;

#define QIBUS_DEVICE_ID L"QIBUS\\Child"
#define QIBUS_MAX_CHILDREN 8

void qibus_reset(void);
/* The most recently created bus FDO. */
PDEVICE_OBJECT qibus_last_fdo(void);
/* Plug a child (its register 0 reads Register0) and ask the PnP manager to enumerate. */
NTSTATUS qibus_plug_child(PDEVICE_OBJECT Fdo, const WCHAR *InstanceId, ULONG Register0);
/* Unplug a present child; the PnP manager surprise-removes it. */
NTSTATUS qibus_unplug_child(PDEVICE_OBJECT Fdo, const WCHAR *InstanceId);
/* The interface references the child's PDO holds as the exporter counts them (-1: none). */
LONG qibus_child_references(const WCHAR *InstanceId);
/* How many QUERY_INTERFACE IRPs the children answered / left untouched. */
ULONG qibus_queries_answered(void);
ULONG qibus_queries_unhandled(void);
/* Make the children write more than the importer's Size (a buggy exporter). */
void qibus_set_write_too_much(BOOLEAN On);

#endif /* PNPSIM_TEST_QIBUS_H */
