/* SPDX-License-Identifier: MIT */
/*
 * This file implements the framework methods of pnpsim's KMDF layer for what pnpsim does
 * not simulate: control devices, framework DPCs and hardware interrupts. Each exists so a
 * driver compiles unchanged; each logs once and fails with STATUS_NOT_IMPLEMENTED (NULL /
 * FALSE where the method returns a handle or a Boolean), or, for a VOID method, reports
 * the verifier rule KmdfNotImplemented. README "KMDF" lists them.
 */
#include "kmdf_int.h"

WDFAPI PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER Driver,
                                                    const UNICODE_STRING *SDDLString)
{
    UNREFERENCED_PARAMETER(Driver);
    UNREFERENCED_PARAMETER(SDDLString);
    (void)pnpsim__fx_not_implemented("WdfControlDeviceInitAllocate");
    return NULL;
}

WDFAPI VOID WdfControlDeviceInitSetShutdownNotification(
    PWDFDEVICE_INIT DeviceInit, PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION Notification, UCHAR Flags)
{
    UNREFERENCED_PARAMETER(DeviceInit);
    UNREFERENCED_PARAMETER(Notification);
    UNREFERENCED_PARAMETER(Flags);
    pnpsim__fx_not_implemented_void("WdfControlDeviceInitSetShutdownNotification");
}

WDFAPI VOID WdfControlFinishInitializing(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    pnpsim__fx_not_implemented_void("WdfControlFinishInitializing");
}

WDFAPI NTSTATUS WdfDpcCreate(PWDF_DPC_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                             WDFDPC *Dpc)
{
    UNREFERENCED_PARAMETER(Config);
    UNREFERENCED_PARAMETER(Attributes);
    if (Dpc != NULL)
        *Dpc = NULL;
    return pnpsim__fx_not_implemented("WdfDpcCreate");
}

WDFAPI BOOLEAN WdfDpcEnqueue(WDFDPC Dpc)
{
    UNREFERENCED_PARAMETER(Dpc);
    (void)pnpsim__fx_not_implemented("WdfDpcEnqueue");
    return FALSE;
}

WDFAPI BOOLEAN WdfDpcCancel(WDFDPC Dpc, BOOLEAN Wait)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Wait);
    (void)pnpsim__fx_not_implemented("WdfDpcCancel");
    return FALSE;
}

WDFAPI WDFOBJECT WdfDpcGetParentObject(WDFDPC Dpc)
{
    UNREFERENCED_PARAMETER(Dpc);
    (void)pnpsim__fx_not_implemented("WdfDpcGetParentObject");
    return NULL;
}

/* Windows behaviour: "WdfInterruptCreate" connects an interrupt resource. Simulation: no
 * hardware interrupts exist; a driver whose EvtDevicePrepareHardware or
 * EvtDriverDeviceAdd requires one fails there with STATUS_NOT_IMPLEMENTED. */
WDFAPI NTSTATUS WdfInterruptCreate(WDFDEVICE Device, PWDF_INTERRUPT_CONFIG Configuration,
                                   PWDF_OBJECT_ATTRIBUTES Attributes, WDFINTERRUPT *Interrupt)
{
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Configuration);
    UNREFERENCED_PARAMETER(Attributes);
    if (Interrupt != NULL)
        *Interrupt = NULL;
    return pnpsim__fx_not_implemented("WdfInterruptCreate");
}

WDFAPI BOOLEAN WdfInterruptQueueDpcForIsr(WDFINTERRUPT Interrupt)
{
    UNREFERENCED_PARAMETER(Interrupt);
    (void)pnpsim__fx_not_implemented("WdfInterruptQueueDpcForIsr");
    return FALSE;
}

WDFAPI BOOLEAN WdfInterruptSynchronize(WDFINTERRUPT Interrupt,
                                       PFN_WDF_INTERRUPT_SYNCHRONIZE Callback, WDFCONTEXT Context)
{
    UNREFERENCED_PARAMETER(Interrupt);
    UNREFERENCED_PARAMETER(Callback);
    UNREFERENCED_PARAMETER(Context);
    (void)pnpsim__fx_not_implemented("WdfInterruptSynchronize");
    return FALSE;
}

WDFAPI VOID WdfInterruptAcquireLock(WDFINTERRUPT Interrupt)
{
    UNREFERENCED_PARAMETER(Interrupt);
    pnpsim__fx_not_implemented_void("WdfInterruptAcquireLock");
}

WDFAPI VOID WdfInterruptReleaseLock(WDFINTERRUPT Interrupt)
{
    UNREFERENCED_PARAMETER(Interrupt);
    pnpsim__fx_not_implemented_void("WdfInterruptReleaseLock");
}

WDFAPI VOID WdfInterruptEnable(WDFINTERRUPT Interrupt)
{
    UNREFERENCED_PARAMETER(Interrupt);
    pnpsim__fx_not_implemented_void("WdfInterruptEnable");
}

WDFAPI VOID WdfInterruptDisable(WDFINTERRUPT Interrupt)
{
    UNREFERENCED_PARAMETER(Interrupt);
    pnpsim__fx_not_implemented_void("WdfInterruptDisable");
}

WDFAPI WDFDEVICE WdfInterruptGetDevice(WDFINTERRUPT Interrupt)
{
    UNREFERENCED_PARAMETER(Interrupt);
    (void)pnpsim__fx_not_implemented("WdfInterruptGetDevice");
    return NULL;
}
