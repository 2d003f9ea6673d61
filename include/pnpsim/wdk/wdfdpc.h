/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfdpc.h> for pnpsim's KMDF layer: framework DPC objects. Not
 * modelled: the methods exist so drivers compile, log once, and fail (README "KMDF").
 */
#ifndef PNPSIM_WDK_WDFDPC_H
#define PNPSIM_WDK_WDFDPC_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef VOID EVT_WDF_DPC(WDFDPC Dpc);
typedef EVT_WDF_DPC *PFN_WDF_DPC;

typedef struct _WDF_DPC_CONFIG {
    ULONG Size;
    PFN_WDF_DPC EvtDpcFunc;
    ULONG DriverDpcLevel;
    BOOLEAN AutomaticSerialization;
} WDF_DPC_CONFIG, *PWDF_DPC_CONFIG;

FORCEINLINE VOID WDF_DPC_CONFIG_INIT(PWDF_DPC_CONFIG Config, PFN_WDF_DPC EvtDpcFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_DPC_CONFIG));
    Config->Size = sizeof(WDF_DPC_CONFIG);
    Config->EvtDpcFunc = EvtDpcFunc;
    Config->AutomaticSerialization = TRUE;
}

WDFAPI NTSTATUS WdfDpcCreate(PWDF_DPC_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                             WDFDPC *Dpc);
WDFAPI BOOLEAN WdfDpcEnqueue(WDFDPC Dpc);
WDFAPI BOOLEAN WdfDpcCancel(WDFDPC Dpc, BOOLEAN Wait);
WDFAPI WDFOBJECT WdfDpcGetParentObject(WDFDPC Dpc);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFDPC_H */
