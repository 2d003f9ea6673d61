/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfstring.h> for pnpsim's KMDF layer: framework string objects (WDFSTRING).
 */
#ifndef PNPSIM_WDK_WDFSTRING_H
#define PNPSIM_WDK_WDFSTRING_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

WDFAPI NTSTATUS WdfStringCreate(PCUNICODE_STRING UnicodeString,
                                PWDF_OBJECT_ATTRIBUTES StringAttributes, WDFSTRING *String);
WDFAPI VOID WdfStringGetUnicodeString(WDFSTRING String, PUNICODE_STRING UnicodeString);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFSTRING_H */
