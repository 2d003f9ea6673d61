/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdftypes.h> for pnpsim's KMDF layer: the framework's handle types
 * (PVOID-based, as in the real headers, so drivers that redeclare them still compile), the
 * common enumerations and macros every other wdf*.h uses, and the KMDF version pnpsim
 * reports (1.33). Names and layouts follow KMDF 1.15 and later.
 */
#ifndef PNPSIM_WDK_WDFTYPES_H
#define PNPSIM_WDK_WDFTYPES_H

#include "ntddk.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef KMDF_VERSION_MAJOR
#define KMDF_VERSION_MAJOR 1
#endif
#ifndef KMDF_VERSION_MINOR
#define KMDF_VERSION_MINOR 33
#endif

#define WDFAPI PNPSIM_API
#define WDFEXPORT(a) a
#define WDF_EXTERN_C
#define WDF_EXTERN_C_START
#define WDF_EXTERN_C_END
#define WDF_NO_OBJECT_ATTRIBUTES NULL
#define WDF_NO_EVENT_CALLBACK NULL
#define WDF_NO_HANDLE NULL
#define WDF_NO_CONTEXT NULL
#define WDF_NO_SEND_OPTIONS NULL

/* Handles: every framework object is named by an opaque pointer-sized handle. As in the
 * WDK's kernel-mode headers (no STRICT), each handle type is a plain PVOID, so handle types
 * convert into one another silently and a driver may redeclare them. */
#define PNPSIM_WDF_HANDLE(name) typedef PVOID name
typedef HANDLE WDFOBJECT, *PWDFOBJECT;
PNPSIM_WDF_HANDLE(WDFDRIVER);
PNPSIM_WDF_HANDLE(WDFDEVICE);
PNPSIM_WDF_HANDLE(WDFWMIPROVIDER);
PNPSIM_WDF_HANDLE(WDFWMIINSTANCE);
PNPSIM_WDF_HANDLE(WDFQUEUE);
PNPSIM_WDF_HANDLE(WDFREQUEST);
PNPSIM_WDF_HANDLE(WDFFILEOBJECT);
PNPSIM_WDF_HANDLE(WDFDPC);
PNPSIM_WDF_HANDLE(WDFTIMER);
PNPSIM_WDF_HANDLE(WDFWORKITEM);
PNPSIM_WDF_HANDLE(WDFINTERRUPT);
PNPSIM_WDF_HANDLE(WDFWAITLOCK);
PNPSIM_WDF_HANDLE(WDFSPINLOCK);
PNPSIM_WDF_HANDLE(WDFMEMORY);
PNPSIM_WDF_HANDLE(WDFLOOKASIDE);
PNPSIM_WDF_HANDLE(WDFIOTARGET);
PNPSIM_WDF_HANDLE(WDFUSBDEVICE);
PNPSIM_WDF_HANDLE(WDFUSBINTERFACE);
PNPSIM_WDF_HANDLE(WDFUSBPIPE);
PNPSIM_WDF_HANDLE(WDFDMAENABLER);
PNPSIM_WDF_HANDLE(WDFDMATRANSACTION);
PNPSIM_WDF_HANDLE(WDFCOMMONBUFFER);
PNPSIM_WDF_HANDLE(WDFKEY);
PNPSIM_WDF_HANDLE(WDFSTRING);
PNPSIM_WDF_HANDLE(WDFCOLLECTION);
PNPSIM_WDF_HANDLE(WDFCHILDLIST);
PNPSIM_WDF_HANDLE(WDFIORESREQLIST);
PNPSIM_WDF_HANDLE(WDFIORESLIST);
PNPSIM_WDF_HANDLE(WDFCMRESLIST);
PNPSIM_WDF_HANDLE(WDFCOMPANIONTARGET);
PNPSIM_WDF_HANDLE(WDFTASKQUEUE);
typedef struct WDFDEVICE_INIT *PWDFDEVICE_INIT;
typedef struct WDFCXDEVICE_INIT *PWDFCXDEVICE_INIT;
typedef WDFOBJECT WDFCONTEXT;

typedef ULONG WDF_MAJOR_VERSION;
typedef ULONG WDF_MINOR_VERSION;
typedef ULONG WDF_BUILD_NUMBER;

/* A three-way Boolean used where "leave the framework's default" is an answer. */
typedef enum _WDF_TRI_STATE {
    WdfFalse = FALSE,
    WdfTrue = TRUE,
    WdfUseDefault = 2
} WDF_TRI_STATE, *PWDF_TRI_STATE;

/* Used in WDF_*_INIT helpers as the "not specified" value of LONG fields. */
#define WDF_ALIGN_SIZE_DOWN(Length, AlignTo) ((Length) & ~((AlignTo) - 1))
#define WDF_ALIGN_SIZE_UP(Length, AlignTo) (((Length) + (AlignTo) - 1) & ~((AlignTo) - 1))
#define WDF_PTR_ADD_OFFSET_TYPE(_ptr, _offset, _type) ((_type)(((PUCHAR)(_ptr)) + (_offset)))
#define WDF_PTR_ADD_OFFSET(_ptr, _offset) WDF_PTR_ADD_OFFSET_TYPE(_ptr, _offset, PVOID)
#define WDF_PTR_GET_OFFSET(_base, _addr) ((size_t)(((PUCHAR)(_addr)) - ((PUCHAR)(_base))))

/* Relative and absolute timeouts in 100-ns units, as KMDF's helpers compute them. */
#define WDF_TIMEOUT_TO_SEC ((LONGLONG)1 * 10 * 1000 * 1000)
#define WDF_TIMEOUT_TO_MS ((LONGLONG)1 * 10 * 1000)
#define WDF_TIMEOUT_TO_US ((LONGLONG)1 * 10)
FORCEINLINE LONGLONG WDF_REL_TIMEOUT_IN_SEC(ULONGLONG Time)
{
    return (LONGLONG)Time * -WDF_TIMEOUT_TO_SEC;
}
FORCEINLINE LONGLONG WDF_ABS_TIMEOUT_IN_SEC(ULONGLONG Time)
{
    return (LONGLONG)Time * WDF_TIMEOUT_TO_SEC;
}
FORCEINLINE LONGLONG WDF_REL_TIMEOUT_IN_MS(ULONGLONG Time)
{
    return (LONGLONG)Time * -WDF_TIMEOUT_TO_MS;
}
FORCEINLINE LONGLONG WDF_ABS_TIMEOUT_IN_MS(ULONGLONG Time)
{
    return (LONGLONG)Time * WDF_TIMEOUT_TO_MS;
}
FORCEINLINE LONGLONG WDF_REL_TIMEOUT_IN_US(ULONGLONG Time)
{
    return (LONGLONG)Time * -WDF_TIMEOUT_TO_US;
}
FORCEINLINE LONGLONG WDF_ABS_TIMEOUT_IN_US(ULONGLONG Time)
{
    return (LONGLONG)Time * WDF_TIMEOUT_TO_US;
}

/* Device power states as the framework names them. */
typedef enum _WDF_POWER_DEVICE_STATE {
    WdfPowerDeviceInvalid = 0,
    WdfPowerDeviceD0,
    WdfPowerDeviceD1,
    WdfPowerDeviceD2,
    WdfPowerDeviceD3,
    WdfPowerDeviceD3Final,
    WdfPowerDevicePrepareForHibernation,
    WdfPowerDeviceMaximum
} WDF_POWER_DEVICE_STATE, *PWDF_POWER_DEVICE_STATE;

typedef enum _WDF_DEVICE_IO_TYPE {
    WdfDeviceIoUndefined = 0,
    WdfDeviceIoNeither,
    WdfDeviceIoBuffered,
    WdfDeviceIoDirect,
    WdfDeviceIoBufferedOrDirect = 4,
    WdfDeviceIoMaximum
} WDF_DEVICE_IO_TYPE, *PWDF_DEVICE_IO_TYPE;

typedef enum _WDF_SPECIAL_FILE_TYPE {
    WdfSpecialFileUndefined = 0,
    WdfSpecialFilePaging = 1,
    WdfSpecialFileHibernation,
    WdfSpecialFileDump,
    WdfSpecialFileBoot,
    WdfSpecialFilePostDisplay,
    WdfSpecialFileGuestAssigned,
    WdfSpecialFileMax
} WDF_SPECIAL_FILE_TYPE, *PWDF_SPECIAL_FILE_TYPE;

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFTYPES_H */
