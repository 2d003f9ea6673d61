/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdftimer.h> for pnpsim's KMDF layer: framework timers (WDFTIMER),
 * one-shot or periodic, running on pnpsim's simulated clock (they fire when the test
 * advances time with pnpsim_time_advance).
 */
#ifndef PNPSIM_WDK_WDFTIMER_H
#define PNPSIM_WDK_WDFTIMER_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TolerableDelayUnlimited ((ULONG)-1)

typedef VOID EVT_WDF_TIMER(WDFTIMER Timer);
typedef EVT_WDF_TIMER *PFN_WDF_TIMER;

typedef struct _WDF_TIMER_CONFIG {
    ULONG Size;
    PFN_WDF_TIMER EvtTimerFunc;
    ULONG Period;
    BOOLEAN AutomaticSerialization;
    ULONG TolerableDelay;
    BOOLEAN UseHighResolutionTimer;
} WDF_TIMER_CONFIG, *PWDF_TIMER_CONFIG;

FORCEINLINE VOID WDF_TIMER_CONFIG_INIT(PWDF_TIMER_CONFIG Config, PFN_WDF_TIMER EvtTimerFunc)
{
    RtlZeroMemory(Config, sizeof(WDF_TIMER_CONFIG));
    Config->Size = sizeof(WDF_TIMER_CONFIG);
    Config->EvtTimerFunc = EvtTimerFunc;
    Config->Period = 0;
    Config->AutomaticSerialization = TRUE;
    Config->TolerableDelay = 0;
}

FORCEINLINE VOID WDF_TIMER_CONFIG_INIT_PERIODIC(PWDF_TIMER_CONFIG Config,
                                                PFN_WDF_TIMER EvtTimerFunc, LONG Period)
{
    RtlZeroMemory(Config, sizeof(WDF_TIMER_CONFIG));
    Config->Size = sizeof(WDF_TIMER_CONFIG);
    Config->EvtTimerFunc = EvtTimerFunc;
    Config->Period = (ULONG)Period;
    Config->AutomaticSerialization = TRUE;
    Config->TolerableDelay = 0;
}

WDFAPI NTSTATUS WdfTimerCreate(PWDF_TIMER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                               WDFTIMER *Timer);
WDFAPI BOOLEAN WdfTimerStart(WDFTIMER Timer, LONGLONG DueTime);
WDFAPI BOOLEAN WdfTimerStop(WDFTIMER Timer, BOOLEAN Wait);
WDFAPI WDFOBJECT WdfTimerGetParentObject(WDFTIMER Timer);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFTIMER_H */
