/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfcollection.h> for pnpsim's KMDF layer: framework collections
 * (WDFCOLLECTION), ordered lists of framework objects, each held with a reference.
 */
#ifndef PNPSIM_WDK_WDFCOLLECTION_H
#define PNPSIM_WDK_WDFCOLLECTION_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

WDFAPI NTSTATUS WdfCollectionCreate(PWDF_OBJECT_ATTRIBUTES CollectionAttributes,
                                    WDFCOLLECTION *Collection);
WDFAPI ULONG WdfCollectionGetCount(WDFCOLLECTION Collection);
WDFAPI NTSTATUS WdfCollectionAdd(WDFCOLLECTION Collection, WDFOBJECT Object);
WDFAPI VOID WdfCollectionRemove(WDFCOLLECTION Collection, WDFOBJECT Item);
WDFAPI VOID WdfCollectionRemoveItem(WDFCOLLECTION Collection, ULONG Index);
WDFAPI WDFOBJECT WdfCollectionGetItem(WDFCOLLECTION Collection, ULONG Index);
WDFAPI WDFOBJECT WdfCollectionGetFirstItem(WDFCOLLECTION Collection);
WDFAPI WDFOBJECT WdfCollectionGetLastItem(WDFCOLLECTION Collection);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFCOLLECTION_H */
