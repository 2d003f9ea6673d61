/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfmemory.h> for pnpsim's KMDF layer: framework memory objects
 * (WDFMEMORY: a buffer with a framework handle, allocated from pool or supplied by the
 * driver) and the memory descriptors the I/O target methods take (WDF_MEMORY_DESCRIPTOR:
 * a plain buffer, an MDL, or a WDFMEMORY with an optional offset/length window).
 */
#ifndef PNPSIM_WDK_WDFMEMORY_H
#define PNPSIM_WDK_WDFMEMORY_H

#include "wdfobject.h"

#ifdef __cplusplus
extern "C" {
#endif

/* KMDF's own status values (facility 0x20, wdfstatus.h) the I/O and object methods of
 * pnpsim's KMDF layer return. */
#ifndef STATUS_WDF_PAUSED
#define STATUS_WDF_PAUSED ((NTSTATUS)0xC0200203L)
#define STATUS_WDF_BUSY ((NTSTATUS)0xC0200204L)
#define STATUS_WDF_REQUEST_ALREADY_PENDING ((NTSTATUS)0xC0200207L)
#define STATUS_WDF_REQUEST_INVALID_STATE ((NTSTATUS)0xC0200209L)
#define STATUS_WDF_NO_CALLBACK ((NTSTATUS)0xC020020BL)
#define STATUS_WDF_PARENT_NOT_SPECIFIED ((NTSTATUS)0xC0200212L)
#endif

/* A window into a WDFMEMORY's buffer: offset from its start and length in bytes. */
typedef struct _WDFMEMORY_OFFSET {
    size_t BufferOffset;
    size_t BufferLength;
} WDFMEMORY_OFFSET, *PWDFMEMORY_OFFSET;

typedef enum _WDF_MEMORY_DESCRIPTOR_TYPE {
    WdfMemoryDescriptorTypeInvalid = 0,
    WdfMemoryDescriptorTypeBuffer,
    WdfMemoryDescriptorTypeMdl,
    WdfMemoryDescriptorTypeHandle
} WDF_MEMORY_DESCRIPTOR_TYPE;

/* Which memory an I/O target method reads or writes; Type says which union member holds. */
typedef struct _WDF_MEMORY_DESCRIPTOR {
    WDF_MEMORY_DESCRIPTOR_TYPE Type;
    union {
        struct {
            PVOID Buffer;
            ULONG Length;
        } BufferType;
        struct {
            PMDL Mdl;
            ULONG BufferLength;
        } MdlType;
        struct {
            WDFMEMORY Memory;
            PWDFMEMORY_OFFSET Offsets;
        } HandleType;
    } u;
} WDF_MEMORY_DESCRIPTOR, *PWDF_MEMORY_DESCRIPTOR;

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(PWDF_MEMORY_DESCRIPTOR Descriptor,
                                                   PVOID Buffer, ULONG BufferLength)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeBuffer;
    Descriptor->u.BufferType.Buffer = Buffer;
    Descriptor->u.BufferType.Length = BufferLength;
}

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(PWDF_MEMORY_DESCRIPTOR Descriptor,
                                                   WDFMEMORY Memory,
                                                   PWDFMEMORY_OFFSET Offsets)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeHandle;
    Descriptor->u.HandleType.Memory = Memory;
    Descriptor->u.HandleType.Offsets = Offsets;
}

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_MDL(PWDF_MEMORY_DESCRIPTOR Descriptor, PMDL Mdl,
                                                ULONG BufferLength)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeMdl;
    Descriptor->u.MdlType.Mdl = Mdl;
    Descriptor->u.MdlType.BufferLength = BufferLength;
}

/* ---- memory objects ------------------------------------------------------------------- */
WDFAPI NTSTATUS WdfMemoryCreate(PWDF_OBJECT_ATTRIBUTES Attributes, POOL_TYPE PoolType,
                                ULONG PoolTag, size_t BufferSize, WDFMEMORY *Memory,
                                PVOID *Buffer);
WDFAPI NTSTATUS WdfMemoryCreatePreallocated(PWDF_OBJECT_ATTRIBUTES Attributes, PVOID Buffer,
                                            size_t BufferSize, WDFMEMORY *Memory);
WDFAPI PVOID WdfMemoryGetBuffer(WDFMEMORY Memory, size_t *BufferSize);
WDFAPI NTSTATUS WdfMemoryAssignBuffer(WDFMEMORY Memory, PVOID Buffer, size_t BufferSize);
WDFAPI NTSTATUS WdfMemoryCopyToBuffer(WDFMEMORY SourceMemory, size_t SourceOffset,
                                      PVOID Buffer, size_t NumBytesToCopyTo);
WDFAPI NTSTATUS WdfMemoryCopyFromBuffer(WDFMEMORY DestinationMemory, size_t DestinationOffset,
                                        PVOID Buffer, size_t NumBytesToCopyFrom);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFMEMORY_H */
