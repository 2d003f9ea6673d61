/* SPDX-License-Identifier: MIT */
/*
 * This file implements the framework methods of pnpsim's KMDF I/O and object part that are
 * declared but not modelled: each one reports itself once per system
 * (pnpsim__fx_not_implemented) and fails with STATUS_NOT_IMPLEMENTED - never a silent
 * success. README "KMDF DDI table" lists them as not implemented. (Other parts of the layer
 * keep their unmodelled methods in fx_unmodelled.c.)
 */
#include "kmdf_int.h"

/* Windows behaviour: "WdfRegistryQueryMultiString" fills a collection with one WDFSTRING per
 * string of a REG_MULTI_SZ value. Simulation: not modelled. */
WDFAPI NTSTATUS WdfRegistryQueryMultiString(WDFKEY Key, PCUNICODE_STRING ValueName,
                                            PWDF_OBJECT_ATTRIBUTES StringsAttributes,
                                            WDFCOLLECTION Collection)
{
    PNPSIM_UNUSED(Key);
    PNPSIM_UNUSED(ValueName);
    PNPSIM_UNUSED(StringsAttributes);
    PNPSIM_UNUSED(Collection);
    return pnpsim__fx_not_implemented("WdfRegistryQueryMultiString");
}

/* Windows behaviour: "WdfRegistryAssignMultiString" writes a collection of WDFSTRINGs as a
 * REG_MULTI_SZ value. Simulation: not modelled. */
WDFAPI NTSTATUS WdfRegistryAssignMultiString(WDFKEY Key, PCUNICODE_STRING ValueName,
                                             WDFCOLLECTION StringsCollection)
{
    PNPSIM_UNUSED(Key);
    PNPSIM_UNUSED(ValueName);
    PNPSIM_UNUSED(StringsCollection);
    return pnpsim__fx_not_implemented("WdfRegistryAssignMultiString");
}
