/* SPDX-License-Identifier: MIT */
/*
 * This file declares the native API of driver-to-driver interfaces (IRP_MN_QUERY_INTERFACE,
 * windows-semantics.md §9): querying an interface the way a driver does, letting a
 * simulated PDO export an interface a test describes (so a function driver's consumption of
 * a bus interface is testable with no bus driver), the simulated configuration space behind
 * the BUS_INTERFACE_STANDARD every simulated PDO exports, and the reference ledger that
 * accounts for every INTERFACE handed out.
 */
#ifndef PNPSIM_QI_H
#define PNPSIM_QI_H

#include <stdio.h>

#include "device.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Size of the simulated configuration space of each simulated PDO (PCI's legacy 256). */
#define PNPSIM_QI_CONFIG_SPACE_SIZE 256

/**
 * Query an interface as a driver does: an IRP_MJ_PNP/IRP_MN_QUERY_INTERFACE IRP with
 * IoStatus.Status pre-set to STATUS_NOT_SUPPORTED, sent at PASSIVE_LEVEL to the top of
 * dev's own stack. The simulator allocates the buffer the exporter fills, zeroed and
 * followed by guard bytes (writing past size is a verifier report), then copies size bytes
 * to iface. The reference the exporter took is held by "the test": release it with
 * iface->InterfaceDereference(iface->Context) (counted by the ledger).
 * @param dev the device whose stack is asked. @param guid the interface type.
 * @param size bytes of iface (>= sizeof(INTERFACE)). @param version the highest version
 * the caller understands. @param iface receives the interface. @param specific_data
 * InterfaceSpecificData (may be NULL).
 * @return the IRP's final status: STATUS_SUCCESS, STATUS_NOT_SUPPORTED (nobody exports it),
 * a driver's failure, STATUS_INVALID_PARAMETER, STATUS_NO_SUCH_DEVICE (deleted),
 * STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: iface is the caller's; the reference in it is the caller's to release.
 * Thread safety: any thread at PASSIVE_LEVEL. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_qi_query(pnpsim_device *dev, const GUID *guid, USHORT size,
                                    USHORT version, PINTERFACE iface, PVOID specific_data);

/**
 * Make the simulated PDO of dev export an interface: queries for guid reaching it are
 * answered with a copy of template_ (size bytes, version), with Size and Version set, and
 * referenced once before it is returned. If template_'s InterfaceReference and
 * InterfaceDereference are NULL, pnpsim supplies a counting pair (see
 * pnpsim_qi_provided_references) and, when Context is NULL, a Context of its own. A query
 * asking for less than size bytes or a version below version is left unanswered
 * (STATUS_NOT_SUPPORTED). Providing the same guid again replaces the template.
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER (not a simulated PDO, NULL, size <
 * sizeof(INTERFACE)), STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: template_ is copied. Thread safety: any thread. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_qi_provide(pnpsim_device *dev, const GUID *guid,
                                      const INTERFACE *template_, USHORT size, USHORT version);
/** Stop exporting guid from dev (references already handed out stay valid). */
PNPSIM_API NTSTATUS pnpsim_qi_unprovide(pnpsim_device *dev, const GUID *guid);
/** References held on dev's provided guid by pnpsim's own counting pair (-1: none). */
PNPSIM_API long pnpsim_qi_provided_references(pnpsim_device *dev, const GUID *guid);

/**
 * The simulated configuration space behind dev's BUS_INTERFACE_STANDARD (GetBusData /
 * SetBusData with PCI_WHICHSPACE_CONFIG). Tests fill and inspect it directly.
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER (not a simulated PDO),
 * STATUS_INSUFFICIENT_RESOURCES.
 * Ownership: borrowed, valid until the system is destroyed. Thread safety: the caller
 * serialises its own accesses with the driver's. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_qi_config_space(pnpsim_device *dev, unsigned char **ptr,
                                           size_t *size);

/**
 * Outstanding references recorded by the ledger.
 * @param sys the system. @param guid only this interface type (NULL: any).
 * @param exporter only interfaces exported by a device of this node (NULL: any).
 * @param importer only references held by drivers of this node's stack (NULL: any
 * importer, the test included).
 * @return the sum of outstanding references (never negative).
 * Thread safety: any thread. Errors: none.
 */
PNPSIM_API long pnpsim_qi_outstanding(pnpsim_system *sys, const GUID *guid,
                                      pnpsim_device *exporter, pnpsim_device *importer);
/** Outstanding references held by the test itself (interfaces from pnpsim_qi_query). */
PNPSIM_API long pnpsim_qi_outstanding_by_test(pnpsim_system *sys, const GUID *guid);
/** Number of queries recorded by the ledger (every successful one). */
PNPSIM_API size_t pnpsim_qi_ledger_count(pnpsim_system *sys);
/** Write the ledger (one line per query: interface, exporter, importer, references). */
PNPSIM_API void pnpsim_qi_dump(pnpsim_system *sys, FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_QI_H */
