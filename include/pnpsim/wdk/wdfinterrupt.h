/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfinterrupt.h> for pnpsim's KMDF layer: framework interrupt
 * objects. pnpsim simulates no hardware interrupts: the methods exist so drivers compile,
 * log once, and fail (README "KMDF").
 */
#ifndef PNPSIM_WDK_WDFINTERRUPT_H
#define PNPSIM_WDK_WDFINTERRUPT_H

#include "wdfobject.h"
#include "wdfresource.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef BOOLEAN EVT_WDF_INTERRUPT_ISR(WDFINTERRUPT Interrupt, ULONG MessageID);
typedef EVT_WDF_INTERRUPT_ISR *PFN_WDF_INTERRUPT_ISR;
typedef BOOLEAN EVT_WDF_INTERRUPT_SYNCHRONIZE(WDFINTERRUPT Interrupt, WDFCONTEXT Context);
typedef EVT_WDF_INTERRUPT_SYNCHRONIZE *PFN_WDF_INTERRUPT_SYNCHRONIZE;
typedef VOID EVT_WDF_INTERRUPT_DPC(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject);
typedef EVT_WDF_INTERRUPT_DPC *PFN_WDF_INTERRUPT_DPC;
typedef NTSTATUS EVT_WDF_INTERRUPT_ENABLE(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice);
typedef EVT_WDF_INTERRUPT_ENABLE *PFN_WDF_INTERRUPT_ENABLE;
typedef NTSTATUS EVT_WDF_INTERRUPT_DISABLE(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice);
typedef EVT_WDF_INTERRUPT_DISABLE *PFN_WDF_INTERRUPT_DISABLE;
typedef VOID EVT_WDF_INTERRUPT_WORKITEM(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject);
typedef EVT_WDF_INTERRUPT_WORKITEM *PFN_WDF_INTERRUPT_WORKITEM;

typedef struct _WDF_INTERRUPT_CONFIG {
    ULONG Size;
    WDFSPINLOCK SpinLock;
    WDF_TRI_STATE ShareVector;
    BOOLEAN FloatingSave;
    BOOLEAN AutomaticSerialization;
    PFN_WDF_INTERRUPT_ISR EvtInterruptIsr;
    PFN_WDF_INTERRUPT_DPC EvtInterruptDpc;
    PFN_WDF_INTERRUPT_ENABLE EvtInterruptEnable;
    PFN_WDF_INTERRUPT_DISABLE EvtInterruptDisable;
    PFN_WDF_INTERRUPT_WORKITEM EvtInterruptWorkItem;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR InterruptRaw;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR InterruptTranslated;
    WDFWAITLOCK WaitLock;
    BOOLEAN PassiveHandling;
    WDF_TRI_STATE ReportInactiveOnPowerDown;
    BOOLEAN CanWakeDevice;
} WDF_INTERRUPT_CONFIG, *PWDF_INTERRUPT_CONFIG;

FORCEINLINE VOID WDF_INTERRUPT_CONFIG_INIT(PWDF_INTERRUPT_CONFIG Configuration,
                                           PFN_WDF_INTERRUPT_ISR EvtInterruptIsr,
                                           PFN_WDF_INTERRUPT_DPC EvtInterruptDpc)
{
    RtlZeroMemory(Configuration, sizeof(WDF_INTERRUPT_CONFIG));
    Configuration->Size = sizeof(WDF_INTERRUPT_CONFIG);
    Configuration->ShareVector = WdfUseDefault;
    Configuration->EvtInterruptIsr = EvtInterruptIsr;
    Configuration->EvtInterruptDpc = EvtInterruptDpc;
    Configuration->ReportInactiveOnPowerDown = WdfUseDefault;
}

WDFAPI NTSTATUS WdfInterruptCreate(WDFDEVICE Device, PWDF_INTERRUPT_CONFIG Configuration,
                                   PWDF_OBJECT_ATTRIBUTES Attributes, WDFINTERRUPT *Interrupt);
WDFAPI BOOLEAN WdfInterruptQueueDpcForIsr(WDFINTERRUPT Interrupt);
WDFAPI BOOLEAN WdfInterruptSynchronize(WDFINTERRUPT Interrupt,
                                       PFN_WDF_INTERRUPT_SYNCHRONIZE Callback, WDFCONTEXT Context);
WDFAPI VOID WdfInterruptAcquireLock(WDFINTERRUPT Interrupt);
WDFAPI VOID WdfInterruptReleaseLock(WDFINTERRUPT Interrupt);
WDFAPI VOID WdfInterruptEnable(WDFINTERRUPT Interrupt);
WDFAPI VOID WdfInterruptDisable(WDFINTERRUPT Interrupt);
WDFAPI WDFDEVICE WdfInterruptGetDevice(WDFINTERRUPT Interrupt);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFINTERRUPT_H */
