/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfworkitem.h> for pnpsim's KMDF layer: framework work items
 * (WDFWORKITEM), run at PASSIVE_LEVEL on the simulated system's work queue.
 */
#ifndef PNPSIM_WDK_WDFWORKITEM_H
#define PNPSIM_WDK_WDFWORKITEM_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef VOID EVT_WDF_WORKITEM(WDFWORKITEM WorkItem);
typedef EVT_WDF_WORKITEM *PFN_WDF_WORKITEM;

typedef struct _WDF_WORKITEM_CONFIG {
    ULONG Size;
    PFN_WDF_WORKITEM EvtWorkItemFunc;
    BOOLEAN AutomaticSerialization;
} WDF_WORKITEM_CONFIG, *PWDF_WORKITEM_CONFIG;

FORCEINLINE VOID WDF_WORKITEM_CONFIG_INIT(PWDF_WORKITEM_CONFIG Config,
                                          PFN_WDF_WORKITEM EvtWorkItemFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_WORKITEM_CONFIG));
    Config->Size = sizeof(WDF_WORKITEM_CONFIG);
    Config->EvtWorkItemFunc = EvtWorkItemFunc;
    Config->AutomaticSerialization = TRUE;
}

WDFAPI NTSTATUS WdfWorkItemCreate(PWDF_WORKITEM_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                                  WDFWORKITEM *WorkItem);
WDFAPI VOID WdfWorkItemEnqueue(WDFWORKITEM WorkItem);
WDFAPI WDFOBJECT WdfWorkItemGetParentObject(WDFWORKITEM WorkItem);
WDFAPI VOID WdfWorkItemFlush(WDFWORKITEM WorkItem);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFWORKITEM_H */
