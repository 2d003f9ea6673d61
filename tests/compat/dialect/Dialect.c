/*
 * Dialect.c - driver-style code that leans on the header dialect: SAL and driverspecs
 * annotations everywhere, __analysis_assume, ntintsafe arithmetic, UFIELD_OFFSET, pool
 * tags, a #pragma between call arguments, a FORCEINLINE routine stored in an INTERFACE
 * table, and a repeated WDK typedef.
 */
#include <wdm.h>
#include <driverspecs.h>
#include <sal.h>
#include <ntintsafe.h>
#include <ntstrsafe.h>

/* Drivers sometimes repeat WDK typedefs; an identical redefinition must compile. */
typedef VOID (*PINTERFACE_REFERENCE)(PVOID Context);

typedef struct _DIALECT_RECORD {
    ULONG Size;
    _Field_size_bytes_(Size) UCHAR Data[1];
} DIALECT_RECORD, *PDIALECT_RECORD;

_Must_inspect_result_
_IRQL_requires_max_(DISPATCH_LEVEL)
_Success_(return >= 0)
NTSTATUS
DialectAllocateRecords(
    _In_range_(1, 1000) SIZE_T Count,
    _In_ SIZE_T ElementSize,
    _Outptr_result_buffer_(Count) _At_(*Records, __drv_allocatesMem(Mem)) PVOID *Records,
    _Out_opt_ PSIZE_T TotalBytes
    )
{
    SIZE_T total = 0;
    NTSTATUS status;

    __analysis_assume(Count != 0);
    _Analysis_assume_(ElementSize != 0);
    status = RtlSizeTMult(Count, ElementSize, &total);
    if (!NT_SUCCESS(status)) {
        *Records = NULL;
        return status;
    }
    status = RtlSizeTAdd(total, UFIELD_OFFSET(DIALECT_RECORD, Data), &total);
    if (!NT_SUCCESS(status)) {
        *Records = NULL;
        return status;
    }
    *Records = ExAllocatePool2(POOL_FLAG_NON_PAGED,
#pragma prefast(suppress: 6001, "a pragma between arguments")
                               total,
                               'tciD');
    if (TotalBytes != NULL) {
        *TotalBytes = total;
    }
    return *Records != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID DialectFreeRecords(_In_ __drv_freesMem(Mem) _Frees_ptr_ PVOID Records)
{
    ExFreePoolWithTag(Records, 'tciD');
}

static LONG DialectReferences;

FORCEINLINE VOID DialectReference(_In_ PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    InterlockedIncrement(&DialectReferences);
}

FORCEINLINE VOID DialectDereference(_In_ PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    InterlockedDecrement(&DialectReferences);
}

/* FORCEINLINE routines whose addresses go into an INTERFACE table. */
_IRQL_requires_max_(PASSIVE_LEVEL)
LONG DialectUseInterface(VOID)
{
    INTERFACE iface;
    RtlZeroMemory(&iface, sizeof(iface));
    iface.Size = sizeof(iface);
    iface.Version = 1;
    iface.InterfaceReference = DialectReference;
    iface.InterfaceDereference = DialectDereference;
    iface.InterfaceReference(iface.Context);
    iface.InterfaceReference(iface.Context);
    iface.InterfaceDereference(iface.Context);
    return DialectReferences;
}

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS DialectFormat(_Out_writes_z_(Count) PSTR Buffer, _In_ size_t Count, _In_ ULONG Value)
{
    PAGED_CODE();
    return RtlStringCchPrintfA(Buffer, Count, "value=%lu", Value);
}
