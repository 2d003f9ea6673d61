/* SPDX-License-Identifier: MIT */
/*
 * This file implements the BUS_INTERFACE_STANDARD that every simulated PDO exports
 * (GUID_BUS_INTERFACE_STANDARD, windows-semantics.md §9.3) over a per-device simulated
 * configuration space of PNPSIM_QI_CONFIG_SPACE_SIZE bytes that tests fill and inspect with
 * pnpsim_qi_config_space(). GetBusData / SetBusData read and write it, TranslateBusAddress
 * translates one-to-one, and GetDmaAdapter returns NULL (DMA is not modelled).
 */
#include "qi.h"

typedef struct busstd_rec {
    LIST_ENTRY link;
    pnpsim_system *sys;
    pnpsim_device *dn;
    volatile long refs;
    unsigned char config[PNPSIM_QI_CONFIG_SPACE_SIZE];
} busstd_rec;

/* The record of dn, created on first use. Caller holds sys->lock. */
static busstd_rec *rec_of(pnpsim_device *dn, bool create)
{
    LIST_ENTRY *list = pnpsim__qi_busstd_list(dn->sys);
    busstd_rec *r;
    if (list == NULL)
        return NULL;
    for (PLIST_ENTRY e = list->Flink; e != list; e = e->Flink) {
        r = CONTAINING_RECORD(e, busstd_rec, link);
        if (r->dn == dn)
            return r;
    }
    if (!create)
        return NULL;
    r = pnpsim__calloc(dn->sys, 1, sizeof(*r));
    if (r == NULL)
        return NULL;
    r->sys = dn->sys;
    r->dn = dn;
    InsertTailList(list, &r->link);
    return r;
}

void pnpsim__busstd_devnode_freed_locked(pnpsim_device *dn)
{
    LIST_ENTRY *list = dn->sys->qi != NULL ? pnpsim__qi_busstd_list(dn->sys) : NULL;
    if (list == NULL)
        return;
    /* The record stays (an importer may still hold its Context); it just never matches a
     * later device node at the same address. */
    for (PLIST_ENTRY e = list->Flink; e != list; e = e->Flink) {
        busstd_rec *r = CONTAINING_RECORD(e, busstd_rec, link);
        if (r->dn == dn)
            r->dn = NULL;
    }
}

unsigned char *pnpsim__busstd_config(pnpsim_device *dn, size_t *size)
{
    busstd_rec *r;
    pnpsim__lock(dn->sys);
    r = rec_of(dn, true);
    pnpsim__unlock(dn->sys);
    if (size != NULL)
        *size = r != NULL ? sizeof(r->config) : 0;
    return r != NULL ? r->config : NULL;
}

NTSTATUS pnpsim_qi_config_space(pnpsim_device *dev, unsigned char **ptr, size_t *size)
{
    unsigned char *p;
    if (dev == NULL || ptr == NULL || !dev->sim_owned || dev->is_root)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "pnpsim_qi_config_space: needs a device made by "
                              "pnpsim_device_create and a pointer to fill");
    p = pnpsim__busstd_config(dev, size);
    if (p == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "pnpsim_qi_config_space: no memory");
    *ptr = p;
    return STATUS_SUCCESS;
}

void pnpsim__busstd_free_all(pnpsim_system *sys)
{
    LIST_ENTRY *list;
    pnpsim__lock(sys);
    list = sys->qi != NULL ? pnpsim__qi_busstd_list(sys) : NULL;
    while (list != NULL && !IsListEmpty(list))
        pnpsim__free(sys, CONTAINING_RECORD(RemoveHeadList(list), busstd_rec, link));
    pnpsim__unlock(sys);
}

/* ---- the interface's routines (Context is the busstd_rec) ------------------------------ */

static VOID busstd_reference(PVOID Context)
{
    busstd_rec *r = Context;
    pnpsim__atomic_inc(&r->refs);
}

static VOID busstd_dereference(PVOID Context)
{
    busstd_rec *r = Context;
    pnpsim__atomic_dec(&r->refs);
}

/*
 * Windows behaviour: TranslateBusAddress translates a bus-relative address to a system
 * physical address, AddressSpace saying memory (0) or I/O (1) space; it returns FALSE when
 * the address cannot be translated (nc-wdm-translate_bus_address). Callable at any IRQL
 * once the interface was obtained (D-BIS).
 * Simulation: no hardware ranges are simulated: the translation is the identity and
 * AddressSpace is left as given. A call after the PDO was removed is a verifier report
 * (InterfaceUseAfterRemove) and returns FALSE.
 */
static BOOLEAN busstd_translate(PVOID Context, PHYSICAL_ADDRESS BusAddress, ULONG Length,
                                PULONG AddressSpace, PPHYSICAL_ADDRESS TranslatedAddress)
{
    busstd_rec *r = Context;
    PNPSIM_UNUSED(Length);
    PNPSIM_UNUSED(AddressSpace);
    if (!pnpsim__qi_check_context_alive(r->sys, Context, "TranslateBusAddress"))
        return FALSE;
    if (TranslatedAddress == NULL)
        return FALSE;
    *TranslatedAddress = BusAddress;
    return TRUE;
}

/*
 * Windows behaviour: GetDmaAdapter returns the DMA adapter for the device described by
 * DeviceDescriptor and the number of map registers, or NULL (nc-wdm-get_dma_adapter).
 * Simulation: DMA is not modelled: NULL, *NumberOfMapRegisters = 0.
 */
static struct _DMA_ADAPTER *busstd_get_dma_adapter(PVOID Context,
                                                   struct _DEVICE_DESCRIPTION *DeviceDescriptor,
                                                   PULONG NumberOfMapRegisters)
{
    busstd_rec *r = Context;
    PNPSIM_UNUSED(DeviceDescriptor);
    if (NumberOfMapRegisters != NULL)
        *NumberOfMapRegisters = 0;
    if (pnpsim__qi_check_context_alive(r->sys, Context, "GetDmaAdapter"))
        pnpsim__trace(r->sys, PNPSIM_TRACE_QI, r->dn, pnpsim__current_driver(), NULL,
                      "GetDmaAdapter: DMA is not simulated, returning NULL");
    return NULL;
}

/* Bytes of [Offset, Offset+Length) inside the configuration space. */
static ULONG clamp(ULONG Offset, ULONG Length)
{
    if (Offset >= PNPSIM_QI_CONFIG_SPACE_SIZE)
        return 0;
    if (Length > PNPSIM_QI_CONFIG_SPACE_SIZE - Offset)
        return PNPSIM_QI_CONFIG_SPACE_SIZE - Offset;
    return Length;
}

/*
 * Windows behaviour: GetBusData reads Length bytes at Offset of the bus data DataType
 * (PCI_WHICHSPACE_CONFIG for configuration space) into Buffer and returns the number of
 * bytes read (nc-wdm-get_set_device_data).
 * Simulation: reads the simulated configuration space; other data types and offsets past
 * its end read 0 bytes. A call after the PDO was removed is a verifier report and reads 0.
 */
static ULONG busstd_get_bus_data(PVOID Context, ULONG DataType, PVOID Buffer, ULONG Offset,
                                 ULONG Length)
{
    busstd_rec *r = Context;
    ULONG n;
    if (!pnpsim__qi_check_context_alive(r->sys, Context, "GetBusData"))
        return 0;
    if (DataType != PCI_WHICHSPACE_CONFIG || Buffer == NULL)
        return 0;
    n = clamp(Offset, Length);
    if (n != 0)
        memcpy(Buffer, r->config + Offset, n);
    return n;
}

/*
 * Windows behaviour: SetBusData writes Length bytes from Buffer at Offset of the bus data
 * DataType and returns the number of bytes written (nc-wdm-get_set_device_data).
 * Simulation: writes the simulated configuration space, as GetBusData reads it.
 */
static ULONG busstd_set_bus_data(PVOID Context, ULONG DataType, PVOID Buffer, ULONG Offset,
                                 ULONG Length)
{
    busstd_rec *r = Context;
    ULONG n;
    if (!pnpsim__qi_check_context_alive(r->sys, Context, "SetBusData"))
        return 0;
    if (DataType != PCI_WHICHSPACE_CONFIG || Buffer == NULL)
        return 0;
    n = clamp(Offset, Length);
    if (n != 0)
        memcpy(r->config + Offset, Buffer, n);
    return n;
}

NTSTATUS pnpsim__busstd_fill(pnpsim_device *dn, PINTERFACE iface, USHORT size, USHORT version,
                             NTSTATUS unhandled)
{
    PBUS_INTERFACE_STANDARD bis = (PBUS_INTERFACE_STANDARD)iface;
    busstd_rec *r;
    /* Version 1 is the only one; a smaller buffer cannot hold the interface. */
    if (size < sizeof(BUS_INTERFACE_STANDARD) || version < 1)
        return unhandled;
    pnpsim__lock(dn->sys);
    r = rec_of(dn, true);
    pnpsim__unlock(dn->sys);
    if (r == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    bis->Size = sizeof(BUS_INTERFACE_STANDARD);
    bis->Version = 1;
    bis->Context = r;
    bis->InterfaceReference = busstd_reference;
    bis->InterfaceDereference = busstd_dereference;
    bis->TranslateBusAddress = busstd_translate;
    bis->GetDmaAdapter = busstd_get_dma_adapter;
    bis->SetBusData = busstd_set_bus_data;
    bis->GetBusData = busstd_get_bus_data;
    busstd_reference(r); /* referenced before it is handed out (§9.2) */
    return STATUS_SUCCESS;
}
