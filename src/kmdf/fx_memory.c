/* SPDX-License-Identifier: MIT */
/*
 * This file implements framework memory objects (WDFMEMORY) of pnpsim's KMDF layer: a
 * buffer allocated from pool by the framework (WdfMemoryCreate) or supplied by the driver
 * (WdfMemoryCreatePreallocated), its accessors and bounded copies, and the memory objects
 * the framework wraps around a request's buffers.
 *
 * Behaviour follows Microsoft Learn ("WdfMemoryCreate", "WdfMemoryCreatePreallocated",
 * "WdfMemoryGetBuffer", "WdfMemoryCopyToBuffer", "WdfMemoryCopyFromBuffer",
 * "WdfMemoryAssignBuffer").
 */
#include "fx_io.h"

static void memory_on_destroy(pnpsim__fx_object *o)
{
    pnpsim__fx_memory *m = (pnpsim__fx_memory *)o;
    if (m->pool && m->buffer != NULL)
        ExFreePool(m->buffer);
    m->buffer = NULL;
}

static const pnpsim__fx_ops memory_ops = {"WDFMEMORY", NULL, memory_on_destroy, false};
static const pnpsim__fx_ops request_memory_ops = {"WDFMEMORY", NULL, NULL, true};

pnpsim__fx_memory *pnpsim__fx_memory_wrap(pnpsim_system *sys, pnpsim__fx_driver *drv,
                                          pnpsim__fx_object *parent, PVOID buffer,
                                          size_t size, const char *ddi)
{
    pnpsim__fx_memory *m = pnpsim__calloc(sys, 1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->buffer = buffer;
    m->size = size;
    m->request_buffer = true;
    if (!NT_SUCCESS(pnpsim__fx_object_init(sys, &m->obj, PNPSIM_FX_MEMORY, &request_memory_ops,
                                           drv, parent, NULL, ddi))) {
        pnpsim__free(sys, m);
        return NULL;
    }
    return m;
}

static pnpsim__fx_memory *get_memory(WDFMEMORY h, const char *ddi)
{
    return (pnpsim__fx_memory *)pnpsim__fx_get((WDFOBJECT)h, PNPSIM_FX_MEMORY, ddi);
}

static NTSTATUS memory_new(pnpsim_system *sys, PWDF_OBJECT_ATTRIBUTES attrs, PVOID buffer,
                           size_t size, bool pool, WDFMEMORY *out, const char *ddi)
{
    pnpsim__fx_memory *m;
    NTSTATUS status;
    pnpsim__fx_object *parent = NULL;
    if (attrs != NULL) {
        status = pnpsim__fx_attributes_check(sys, attrs, ddi);
        if (!NT_SUCCESS(status))
            return status;
        if (attrs->ParentObject != NULL)
            parent = pnpsim__fx_get(attrs->ParentObject, PNPSIM_FX_ANY, ddi);
    }
    m = pnpsim__calloc(sys, 1, sizeof(*m));
    if (m == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    m->buffer = buffer;
    m->size = size;
    m->pool = pool;
    status = pnpsim__fx_object_init(sys, &m->obj, PNPSIM_FX_MEMORY, &memory_ops,
                                    pnpsim__fx_current_driver(sys), parent, attrs, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, m);
        return status;
    }
    *out = (WDFMEMORY)m;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: "WdfMemoryCreate": <= DISPATCH_LEVEL (PASSIVE for paged pool); a
 * buffer of BufferSize bytes from PoolType with PoolTag (0: the driver's tag); BufferSize 0
 * -> STATUS_INVALID_PARAMETER; no memory -> STATUS_INSUFFICIENT_RESOURCES; the driver is
 * the default parent. Simulation: as described; the buffer is pool owned by the driver
 * (freed when the object is destroyed).
 */
WDFAPI NTSTATUS WdfMemoryCreate(PWDF_OBJECT_ATTRIBUTES Attributes, POOL_TYPE PoolType,
                                ULONG PoolTag, size_t BufferSize, WDFMEMORY *Memory,
                                PVOID *Buffer)
{
    static const char ddi[] = "WdfMemoryCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    NTSTATUS status;
    PVOID buf;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, (PoolType & 1) ? PASSIVE_LEVEL : DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Memory, "Memory", ddi))
        return STATUS_INVALID_PARAMETER;
    *Memory = NULL;
    if (Buffer != NULL)
        *Buffer = NULL;
    if (BufferSize == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: BufferSize is 0", ddi);
    buf = ExAllocatePoolWithTag(PoolType, BufferSize, PoolTag != 0 ? PoolTag : 0x20574446u /* 'FDW ' */);
    if (buf == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no pool for %zu bytes", ddi,
                              BufferSize);
    status = memory_new(sys, Attributes, buf, BufferSize, true, Memory, ddi);
    if (!NT_SUCCESS(status)) {
        ExFreePool(buf);
        return status;
    }
    if (Buffer != NULL)
        *Buffer = buf;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: "WdfMemoryCreatePreallocated": wraps the driver's buffer (the
 * framework never frees it); Buffer NULL / BufferSize 0 -> STATUS_INVALID_PARAMETER.
 * Simulation: as described.
 */
WDFAPI NTSTATUS WdfMemoryCreatePreallocated(PWDF_OBJECT_ATTRIBUTES Attributes, PVOID Buffer,
                                            size_t BufferSize, WDFMEMORY *Memory)
{
    static const char ddi[] = "WdfMemoryCreatePreallocated";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(sys, Buffer, "Buffer", ddi) ||
        !pnpsim__fx_check_ptr(sys, Memory, "Memory", ddi))
        return STATUS_INVALID_PARAMETER;
    *Memory = NULL;
    if (BufferSize == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: BufferSize is 0", ddi);
    return memory_new(sys, Attributes, Buffer, BufferSize, false, Memory, ddi);
}

/* Windows behaviour: "WdfMemoryGetBuffer": the buffer and (optionally) its size. */
WDFAPI PVOID WdfMemoryGetBuffer(WDFMEMORY Memory, size_t *BufferSize)
{
    static const char ddi[] = "WdfMemoryGetBuffer";
    pnpsim__fx_memory *m = get_memory(Memory, ddi);
    if (m == NULL || !pnpsim__fx_check_irql(m->obj.sys, DISPATCH_LEVEL, ddi))
        return NULL;
    if (BufferSize != NULL)
        *BufferSize = m->size;
    return m->buffer;
}

/* Windows behaviour: "WdfMemoryAssignBuffer": only for objects from
 * WdfMemoryCreatePreallocated (else STATUS_INVALID_DEVICE_REQUEST); Buffer NULL / size 0
 * -> STATUS_INVALID_PARAMETER. */
WDFAPI NTSTATUS WdfMemoryAssignBuffer(WDFMEMORY Memory, PVOID Buffer, size_t BufferSize)
{
    static const char ddi[] = "WdfMemoryAssignBuffer";
    pnpsim__fx_memory *m = get_memory(Memory, ddi);
    if (m == NULL)
        return STATUS_INVALID_HANDLE;
    if (!pnpsim__fx_check_irql(m->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(m->obj.sys, Buffer, "Buffer", ddi))
        return STATUS_INVALID_PARAMETER;
    if (BufferSize == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: BufferSize is 0", ddi);
    if (m->pool || m->request_buffer)
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                              "%s: the memory object was not created preallocated", ddi);
    m->buffer = Buffer;
    m->size = BufferSize;
    return STATUS_SUCCESS;
}

static NTSTATUS memory_copy(WDFMEMORY Memory, size_t Offset, PVOID Buffer, size_t Count,
                            bool to_object, const char *ddi)
{
    pnpsim__fx_memory *m = get_memory(Memory, ddi);
    NTSTATUS status;
    if (m == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(m->obj.sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(m->obj.sys, DISPATCH_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(m->obj.sys, Buffer, "Buffer", ddi))
        return STATUS_INVALID_PARAMETER;
    if (Count == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: nothing to copy", ddi);
    if (Offset > m->size)
        return pnpsim__status(STATUS_INVALID_BUFFER_SIZE,
                              "%s: offset %zu beyond the %zu-byte buffer", ddi, Offset, m->size);
    if (Count > m->size - Offset)
        return pnpsim__status(STATUS_BUFFER_TOO_SMALL,
                              "%s: %zu bytes at offset %zu do not fit the %zu-byte buffer", ddi,
                              Count, Offset, m->size);
    if (to_object)
        RtlCopyMemory((PUCHAR)m->buffer + Offset, Buffer, Count);
    else
        RtlCopyMemory(Buffer, (PUCHAR)m->buffer + Offset, Count);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfMemoryCopyToBuffer": copies NumBytesToCopyTo bytes from the object
 * at SourceOffset into Buffer; past the end -> STATUS_BUFFER_TOO_SMALL; an offset beyond
 * the buffer -> STATUS_INVALID_BUFFER_SIZE; 0 bytes -> STATUS_INVALID_PARAMETER.
 * Simulation: as described. */
WDFAPI NTSTATUS WdfMemoryCopyToBuffer(WDFMEMORY SourceMemory, size_t SourceOffset,
                                      PVOID Buffer, size_t NumBytesToCopyTo)
{
    return memory_copy(SourceMemory, SourceOffset, Buffer, NumBytesToCopyTo, false,
                       "WdfMemoryCopyToBuffer");
}

/* Windows behaviour: "WdfMemoryCopyFromBuffer": the reverse direction, same statuses. */
WDFAPI NTSTATUS WdfMemoryCopyFromBuffer(WDFMEMORY DestinationMemory, size_t DestinationOffset,
                                        PVOID Buffer, size_t NumBytesToCopyFrom)
{
    return memory_copy(DestinationMemory, DestinationOffset, Buffer, NumBytesToCopyFrom, true,
                       "WdfMemoryCopyFromBuffer");
}
