/* SPDX-License-Identifier: MIT */
/*
 * This file declares what the query-interface ledger (qi.c), the verifier (verifier.c) and
 * the BUS_INTERFACE_STANDARD provider (src/wdk/bus_interface.c) offer the rest of the
 * library: the verifier's single reporting path with per-rule modes, the hooks the I/O
 * manager (io_irp.c), the PnP manager (pnp.c), driver unload (driver.c) and system
 * destruction (system.c) call, and the provider lookup the simulator's PDOs (sim_pdo.c)
 * use to answer IRP_MN_QUERY_INTERFACE.
 */
#ifndef PNPSIM_CORE_QI_H
#define PNPSIM_CORE_QI_H

#include "pnpsim_int.h"
#include "pnpsim/qi.h"

/* ======================================================================================
 * Verifier (verifier.c)
 * ==================================================================================== */

/* The mode rule has in sys (per-system override, else the rule's default). */
pnpsim_verifier_mode pnpsim__verifier_mode(pnpsim_system *sys, const char *rule);

/* Report a broken rule: unless the rule is OFF, record it (pnpsim_verifier_violations),
 * trace it, and in BUGCHECK mode go through pnpsim__bugcheck (which may unwind to a
 * PNPSIM_EXPECT_BUGCHECK, or return when a handler lets the simulation continue). drv is
 * the driver at fault (NULL: the current driver). Returns false when the rule is OFF (the
 * caller behaves as if nothing was wrong), true otherwise (the caller fails softly).
 * Caller may hold sys->lock (it is released around the report). */
bool pnpsim__verifier_report(pnpsim_system *sys, const char *rule, const char *ddi,
                             PDRIVER_OBJECT drv, ULONG code, ULONG_PTR p1, ULONG_PTR p2,
                             ULONG_PTR p3, ULONG_PTR p4, const char *fmt, ...)
    PNPSIM_PRINTF(10, 11);

/* The IRQL rule behind pnpsim__check_irql (bugcheck.c): irql is above max_irql for ddi. */
bool pnpsim__verifier_irql(pnpsim_system *sys, const char *ddi, KIRQL irql, KIRQL max_irql,
                           ULONG_PTR rule_code, const char *rule_name);

/* PowerIrpDDis: DDIs that are PASSIVE_LEVEL-only call this at entry (the device-interface
 * DDIs of src/wdk/io_iface.c and io_notify.c). Returns false when the calling thread is
 * inside a dispatch routine handling IRP_MJ_POWER/IRP_MN_SET_POWER and the violation was
 * reported (the DDI then fails softly); true when the call may proceed. */
bool pnpsim__verifier_check_power_irp_ddis(pnpsim_system *sys, const char *ddi);

/* io_irp.c IofCallDriver, around the dispatch call: the verifier keeps a per-thread stack
 * of the PnP and set-power dispatch calls in progress, so the PnP IRP rules can tell who
 * forwarded or completed an IRP and with which status it arrived, and PowerIrpDDis knows
 * when a thread is handling IRP_MN_SET_POWER. first: the IRP's first IoCallDriver (its
 * sender's send). Returns a token for _end (-1: not tracked). */
int pnpsim__verifier_dispatch_begin(pnpsim_system *sys, PDEVICE_OBJECT dev, PIRP irp, bool first);
void pnpsim__verifier_dispatch_end(int token, NTSTATUS returned);
/* io_irp.c IofCompleteRequest, before the completion walk starts. */
void pnpsim__verifier_irp_completing(pnpsim_system *sys, PIRP irp);

/* pnp.c send_remove, after IRP_MN_REMOVE_DEVICE came back: the stack must be gone, no PnP
 * IRP may still be pending, references held by the stack's drivers are leaks, and
 * references on interfaces the stack exported are now "exporter gone". */
void pnpsim__verifier_after_remove(pnpsim_device *dn, NTSTATUS status);
/* driver.c, after DriverUnload: references its devices still hold are leaks. */
void pnpsim__verifier_driver_unloaded(pnpsim_system *sys, PDRIVER_OBJECT drv);
/* system.c destroy (devices and drivers gone, before memory is released): remaining
 * references are leaks; then the ledger and verifier state are freed. */
void pnpsim__verifier_system_destroy(pnpsim_system *sys);

/* ======================================================================================
 * Query-interface ledger (qi.c)
 * ==================================================================================== */

/* A successful IRP_MN_QUERY_INTERFACE is completing: check the INTERFACE the exporter
 * returned, record it, and put the ledger's trampolines into InterfaceReference /
 * InterfaceDereference. exporter: the device that filled it in; importer_drv: the driver
 * that sent the query (NULL: the test); target: a device of the importer's stack. */
void pnpsim__qi_capture(pnpsim_system *sys, const IO_STACK_LOCATION *sp,
                        PDEVICE_OBJECT exporter, PDRIVER_OBJECT importer_drv,
                        PDEVICE_OBJECT target);
/* Ledger events from the verifier hooks. */
void pnpsim__qi_device_removed(pnpsim_device *dn);
/* dn is being freed (devnode.c): ledger records, test-provided exporters and the
 * BUS_INTERFACE_STANDARD record stop naming it. Caller holds no lock. */
void pnpsim__qi_devnode_freed(pnpsim_device *dn);
/* bus_interface.c's part of it. Caller holds sys->lock. */
void pnpsim__busstd_devnode_freed_locked(pnpsim_device *dn);
void pnpsim__qi_exporter_removed(pnpsim_system *sys, PDEVICE_OBJECT exporter);
void pnpsim__qi_driver_unloaded(pnpsim_system *sys, PDRIVER_OBJECT drv);
void pnpsim__qi_destroy(pnpsim_system *sys);

/* sim_pdo.c: answer IRP_MN_QUERY_INTERFACE on a simulated PDO from the test-provided
 * exporters (pnpsim_qi_provide) and the built-in GUID_BUS_INTERFACE_STANDARD. Returns the
 * status to complete with (the IRP's own status when nothing matches). */
NTSTATUS pnpsim__qi_sim_pdo_query(pnpsim_device *dn, PDEVICE_OBJECT pdo, PIRP irp);

/* Is the exporter device of the interface whose Context is ctx gone (for interface
 * functions pnpsim implements itself)? Reports InterfaceUseAfterRemove when it is. */
/* pnpsim_system_check: NULL when the query-interface ledger (active and released records,
 * test-provided exporters, BUS_INTERFACE_STANDARD records) is consistent, else what is
 * broken. Caller holds sys->lock. */
const char *pnpsim__qi_check_locked(pnpsim_system *sys);

bool pnpsim__qi_check_context_alive(pnpsim_system *sys, PVOID ctx, const char *what);

/* The list bus_interface.c keeps its per-device records in (created on first use; NULL when
 * out of memory). Caller holds sys->lock. */
LIST_ENTRY *pnpsim__qi_busstd_list(pnpsim_system *sys);

/* bus_interface.c: the per-device simulated configuration space and BUS_INTERFACE_STANDARD. */
typedef struct pnpsim__busstd pnpsim__busstd;
/* Fill *iface (Size bytes asked for) with a BUS_INTERFACE_STANDARD for dn, referenced once.
 * Returns STATUS_SUCCESS or the IRP's status when Size/Version cannot be served. */
NTSTATUS pnpsim__busstd_fill(pnpsim_device *dn, PINTERFACE iface, USHORT size, USHORT version,
                             NTSTATUS unhandled);
/* The configuration space of dn, created on first use (NULL when out of memory). */
unsigned char *pnpsim__busstd_config(pnpsim_device *dn, size_t *size);
void pnpsim__busstd_free_all(pnpsim_system *sys);

#endif /* PNPSIM_CORE_QI_H */
