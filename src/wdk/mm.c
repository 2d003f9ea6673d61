/* SPDX-License-Identifier: MIT */
/*
 * This file implements what drivers ask of the kernel's identity and loader:
 * MmGetSystemRoutineAddress (the pnpsim implementation of every routine pnpsim's WDK
 * headers declare, by name; NULL for any other name), RtlGetVersion, PsGetVersion and
 * IoIsWdmVersionAvailable on a configurable Windows version (pnpsim_kernel_set_version),
 * MmIsAddressValid, and the "declared, logged once" helper that the routines pnpsim does
 * not model use (pnpsim__log_once).
 *
 * The routine table (mm_routines.h) lists every routine declared in include/pnpsim/wdk
 * that pnpsim implements; tests/compat's coverage test checks it against the headers.
 */
#include "ke_int.h"
#include "pnpsim/kernel.h"
#include "pnpsim/wdk/ntstrsafe.h"
#include "pnpsim/wdk/pnpsim_wpp.h"

#define DEFAULT_MAJOR 10
#define DEFAULT_MINOR 0
#define DEFAULT_BUILD 19045

/* ======================================================================================
 * Logged once
 * ==================================================================================== */

/* A DDI pnpsim declares but does not model was called: a trace record every time (tests
 * can see it), and one line on stderr per process and DDI. */
void pnpsim__log_once(volatile long *once, const char *ddi, const char *what)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    if (sys != NULL)
        pnpsim__trace(sys, PNPSIM_TRACE_DRIVER, NULL, pnpsim__current_driver(), NULL,
                      "%s: not modelled by pnpsim: %s", ddi, what);
    if (pnpsim__atomic_inc(once) == 1) {
        fprintf(stderr, "pnpsim: %s is not modelled: %s (logged once)\n", ddi, what);
        fflush(stderr);
    }
}

/* ======================================================================================
 * MmGetSystemRoutineAddress
 * ==================================================================================== */
typedef struct routine {
    const char *name;
    void (*fn)(void);
} routine;

/* Casting between function pointer types is what a routine table needs; the caller casts
 * back to the routine's real type, as drivers do with MmGetSystemRoutineAddress. */
#define PNPSIM_ROUTINE(n) {#n, (void (*)(void))(n)},
static const routine routines[] = {
#include "mm_routines.h"
};
#undef PNPSIM_ROUTINE

/*
 * Windows behaviour: returns the address of the exported kernel or HAL routine named by
 * SystemRoutineName, or NULL if there is none (drivers use it to call routines newer than
 * the oldest Windows they support); PASSIVE_LEVEL (Microsoft Learn
 * "MmGetSystemRoutineAddress").
 * Simulation: looks the name up (case-sensitively, as export names are) among the routines
 * pnpsim's WDK headers declare and pnpsim implements; any other name is NULL, so a driver's
 * fallback path for older Windows runs.
 */
PVOID NTAPI MmGetSystemRoutineAddress(PUNICODE_STRING SystemRoutineName)
{
    char name[128];
    size_t i, n;
    if (SystemRoutineName == NULL || !pnpsim__ustr_valid(SystemRoutineName))
        return NULL;
    n = SystemRoutineName->Length / sizeof(WCHAR);
    if (n == 0 || n >= sizeof(name))
        return NULL;
    for (i = 0; i < n; i++) {
        WCHAR c = SystemRoutineName->Buffer[i];
        if (c == 0 || c > 0x7E)
            return NULL;
        name[i] = (char)c;
    }
    name[n] = 0;
    for (i = 0; i < PNPSIM_ARRAY_SIZE(routines); i++) {
        if (strcmp(routines[i].name, name) == 0) {
            PVOID p;
            memcpy(&p, &routines[i].fn,
                   sizeof(p) < sizeof(routines[i].fn) ? sizeof(p) : sizeof(routines[i].fn));
            return p;
        }
    }
    return NULL;
}

/* ======================================================================================
 * Version
 * ==================================================================================== */
NTSTATUS pnpsim_kernel_set_version(pnpsim_system *sys, ULONG major, ULONG minor, ULONG build)
{
    pnpsim__ke_state *ke;
    if (sys == NULL || major == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "pnpsim_kernel_set_version: %s",
                              sys == NULL ? "sys is NULL" : "major is 0");
    ke = pnpsim__ke_state_of(sys);
    if (ke == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "pnpsim_kernel_set_version: out of memory");
    ke->major = major;
    ke->minor = minor;
    ke->build = build;
    ke->version_set = true;
    return STATUS_SUCCESS;
}

static void version_of(ULONG *major, ULONG *minor, ULONG *build)
{
    pnpsim_system *sys = pnpsim__ts()->current;
    pnpsim__ke_state *ke = sys != NULL ? sys->ke : NULL;
    if (ke != NULL && ke->version_set) {
        *major = ke->major;
        *minor = ke->minor;
        *build = ke->build;
    } else {
        *major = DEFAULT_MAJOR;
        *minor = DEFAULT_MINOR;
        *build = DEFAULT_BUILD;
    }
}

/*
 * Windows behaviour: fills an RTL_OSVERSIONINFOW (or, by dwOSVersionInfoSize, an
 * RTL_OSVERSIONINFOEXW) with the running version; always STATUS_SUCCESS for a valid size;
 * PASSIVE_LEVEL (Microsoft Learn "RtlGetVersion").
 * Simulation: the version of pnpsim_kernel_set_version (default 10.0.19045), platform
 * VER_PLATFORM_WIN32_NT, no service pack, a workstation. A size that is neither structure's
 * is STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation)
{
    ULONG size;
    if (lpVersionInformation == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "RtlGetVersion: NULL");
    size = lpVersionInformation->dwOSVersionInfoSize;
    if (size != sizeof(RTL_OSVERSIONINFOW) && size != sizeof(RTL_OSVERSIONINFOEXW))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlGetVersion: dwOSVersionInfoSize %lu is not the size of "
                              "RTL_OSVERSIONINFOW or RTL_OSVERSIONINFOEXW",
                              (unsigned long)size);
    memset(lpVersionInformation, 0, size);
    lpVersionInformation->dwOSVersionInfoSize = size;
    version_of(&lpVersionInformation->dwMajorVersion, &lpVersionInformation->dwMinorVersion,
               &lpVersionInformation->dwBuildNumber);
    lpVersionInformation->dwPlatformId = VER_PLATFORM_WIN32_NT;
    if (size == sizeof(RTL_OSVERSIONINFOEXW))
        ((PRTL_OSVERSIONINFOEXW)lpVersionInformation)->wProductType = VER_NT_WORKSTATION;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: returns the version numbers through the optional pointers and TRUE
 * for a checked build, FALSE for a free build (Microsoft Learn "PsGetVersion").
 * Simulation: the version of RtlGetVersion; FALSE (a free build); CSDVersion, if given,
 * is set empty.
 */
BOOLEAN NTAPI PsGetVersion(PULONG MajorVersion, PULONG MinorVersion, PULONG BuildNumber,
                           PUNICODE_STRING CSDVersion)
{
    ULONG ma, mi, bu;
    version_of(&ma, &mi, &bu);
    if (MajorVersion != NULL)
        *MajorVersion = ma;
    if (MinorVersion != NULL)
        *MinorVersion = mi;
    if (BuildNumber != NULL)
        *BuildNumber = bu;
    if (CSDVersion != NULL)
        CSDVersion->Length = 0;
    return FALSE;
}

/*
 * Windows behaviour: TRUE if the running Windows supports the given WDM version (Microsoft
 * Learn "IoIsWdmVersionAvailable": 6.0 Vista, 6.1 Windows 7, 6.2 Windows 8, 6.3 Windows 8.1
 * and later).
 * Simulation: the WDM version follows the configured Windows version: 6.3 for 6.3 and 10.x,
 * 6.x for 6.x, 1.0x for older ones.
 */
BOOLEAN NTAPI IoIsWdmVersionAvailable(UCHAR MajorVersion, UCHAR MinorVersion)
{
    ULONG ma, mi, bu, wdm_major, wdm_minor;
    version_of(&ma, &mi, &bu);
    if (ma >= 10) {
        wdm_major = 6;
        wdm_minor = 3;
    } else if (ma == 6) {
        wdm_major = 6;
        wdm_minor = mi;
    } else {
        wdm_major = 1;
        wdm_minor = 0x30;
    }
    return MajorVersion < wdm_major || (MajorVersion == wdm_major && MinorVersion <= wdm_minor)
               ? TRUE
               : FALSE;
}

/*
 * Windows behaviour: TRUE if reading VirtualAddress would not fault (Microsoft Learn
 * "MmIsAddressValid").
 * Simulation: pnpsim cannot probe host memory: FALSE for NULL and the first 64 KB (never
 * mapped on Windows), TRUE otherwise.
 */
BOOLEAN NTAPI MmIsAddressValid(PVOID VirtualAddress)
{
    return (ULONG_PTR)VirtualAddress >= 0x10000u ? TRUE : FALSE;
}

/*
 * Windows behaviour: with DrvRtPoolNxOptIn, makes the driver's NonPagedPool requests use
 * no-execute pool (a driver built with POOL_NX_OPTIN calls it first thing in DriverEntry)
 * (Microsoft Learn "ExInitializeDriverRuntime").
 * Simulation: accepted; pnpsim's pool is never executable, so there is nothing to change.
 */
VOID NTAPI ExInitializeDriverRuntime(ULONG RuntimeFlags)
{
    PNPSIM_UNUSED(RuntimeFlags);
}
