/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfbugcodes.h>: parameter 1 of bug check 0x10D WDF_VIOLATION, as
 * listed on the "Bug Check 0x10D WDF_VIOLATION" page, plus the values pnpsim uses where
 * KMDF itself only breaks into the debugger (0x504E57xx, "PNW"; README "KMDF").
 */
#ifndef PNPSIM_WDK_WDFBUGCODES_H
#define PNPSIM_WDK_WDFBUGCODES_H

#ifndef WDF_VIOLATION
#define WDF_VIOLATION ((ULONG)0x0000010DL)
#endif

typedef enum _WDF_BUGCHECK_CODES {
    WDF_POWER_ROUTINE_TIMED_OUT = 0x1,
    WDF_RECURSIVE_LOCK = 0x2,
    WDF_VERIFIER_FATAL_ERROR = 0x3,
    WDF_REQUIRED_PARAMETER_IS_NULL = 0x4,
    WDF_INVALID_HANDLE = 0x5,
    WDF_REQUEST_FATAL_ERROR = 0x6,
    WDF_OBJECT_ERROR = 0x7,
    WDF_DMA_FATAL_ERROR = 0x8,
    WDF_INVALID_INTERRUPT = 0x9,
    WDF_QUEUE_FATAL_ERROR = 0xA,
    WDF_INVALID_LOCK_OPERATION = 0xB,
    WDF_PNP_FATAL_ERROR = 0xC,
    WDF_POWER_MULTIPLE_PPO = 0xD,
    WDF_VERIFIER_IRQL_MISMATCH = 0xE,
    WDF_VERIFIER_CRITICAL_REGION_MISMATCH = 0xF
} WDF_BUGCHECK_CODES;

typedef enum _WDF_REQUEST_FATAL_ERROR_CODES {
    WDF_REQUEST_FATAL_ERROR_NO_MORE_STACK_LOCATIONS = 0x1,
    WDF_REQUEST_FATAL_ERROR_NULL_IRP = 0x2,
    WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT = 0x3,
    WDF_REQUEST_FATAL_ERROR_INFORMATION_LENGTH_MISMATCH = 0x4,
    WDF_REQUEST_FATAL_ERROR_REQUEST_NOT_IN_QUEUE = 0x5
} WDF_REQUEST_FATAL_ERROR_CODES;

/* pnpsim: a framework method called above its maximum IRQL (KmdfIrql; p2 IRQL, p3 maximum,
 * p4 the method's name as const char *). */
#define PNPSIM_WDF_IRQL_TOO_HIGH 0x504E5701u
/* pnpsim: WdfDriverCreate called outside DriverEntry (DriverCreate; p2 DRIVER_OBJECT). */
#define PNPSIM_WDF_DRIVER_CREATE 0x504E5702u
/* pnpsim: a VOID method pnpsim does not model was called (p4 its name as const char *). */
#define PNPSIM_WDF_NOT_IMPLEMENTED 0x504E5703u
/* pnpsim: a DDI called at the wrong time or on the wrong kind of device, where KMDF
 * asserts in its verifier (p2 handle, p4 method name as const char *). */
#define PNPSIM_WDF_WRONG_STATE 0x504E5704u

#endif /* PNPSIM_WDK_WDFBUGCODES_H */
