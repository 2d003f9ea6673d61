/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfresource.h> for pnpsim's KMDF layer: the resource lists
 * EvtDevicePrepareHardware and EvtDeviceReleaseHardware receive. pnpsim simulates no
 * hardware resources, so the lists are always empty (README "KMDF").
 */
#ifndef PNPSIM_WDK_WDFRESOURCE_H
#define PNPSIM_WDK_WDFRESOURCE_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _CM_PARTIAL_RESOURCE_DESCRIPTOR *PCM_PARTIAL_RESOURCE_DESCRIPTOR;

WDFAPI ULONG WdfCmResourceListGetCount(WDFCMRESLIST List);
WDFAPI PCM_PARTIAL_RESOURCE_DESCRIPTOR WdfCmResourceListGetDescriptor(WDFCMRESLIST List,
                                                                      ULONG Index);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFRESOURCE_H */
