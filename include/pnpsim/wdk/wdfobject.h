/* SPDX-License-Identifier: MIT */
/*
 * This file implements <wdfobject.h> for pnpsim's KMDF layer: object attributes, typed
 * context areas (WDF_DECLARE_CONTEXT_TYPE and friends), and the generic object methods
 * (create, delete, reference, dereference, context lookup and allocation). The context
 * type information WDF_DECLARE_CONTEXT_TYPE emits in every translation unit that uses it
 * is a mergeable definition (selectany / weak), so several driver files may include the
 * same header.
 */
#ifndef PNPSIM_WDK_WDFOBJECT_H
#define PNPSIM_WDK_WDFOBJECT_H

#include "wdftypes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef VOID EVT_WDF_OBJECT_CONTEXT_CLEANUP(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;
typedef VOID EVT_WDF_OBJECT_CONTEXT_DESTROY(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

typedef enum _WDF_EXECUTION_LEVEL {
    WdfExecutionLevelInvalid = 0x00,
    WdfExecutionLevelInheritFromParent,
    WdfExecutionLevelPassive,
    WdfExecutionLevelDispatch
} WDF_EXECUTION_LEVEL;

typedef enum _WDF_SYNCHRONIZATION_SCOPE {
    WdfSynchronizationScopeInvalid = 0x00,
    WdfSynchronizationScopeInheritFromParent,
    WdfSynchronizationScopeDevice,
    WdfSynchronizationScopeQueue,
    WdfSynchronizationScopeNone
} WDF_SYNCHRONIZATION_SCOPE;

typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO WDF_OBJECT_CONTEXT_TYPE_INFO,
    *PWDF_OBJECT_CONTEXT_TYPE_INFO;
typedef const WDF_OBJECT_CONTEXT_TYPE_INFO *PCWDF_OBJECT_CONTEXT_TYPE_INFO;
typedef PCWDF_OBJECT_CONTEXT_TYPE_INFO(__cdecl *PFN_GET_UNIQUE_CONTEXT_TYPE)(VOID);

struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
    ULONG Size;
    LPCSTR ContextName;
    size_t ContextSize;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO UniqueType;
    PFN_GET_UNIQUE_CONTEXT_TYPE EvtDriverGetUniqueContextType;
};

typedef struct _WDF_OBJECT_ATTRIBUTES {
    ULONG Size;
    PFN_WDF_OBJECT_CONTEXT_CLEANUP EvtCleanupCallback;
    PFN_WDF_OBJECT_CONTEXT_DESTROY EvtDestroyCallback;
    WDF_EXECUTION_LEVEL ExecutionLevel;
    WDF_SYNCHRONIZATION_SCOPE SynchronizationScope;
    WDFOBJECT ParentObject;
    size_t ContextSizeOverride;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO ContextTypeInfo;
} WDF_OBJECT_ATTRIBUTES, *PWDF_OBJECT_ATTRIBUTES;

FORCEINLINE VOID WDF_OBJECT_ATTRIBUTES_INIT(PWDF_OBJECT_ATTRIBUTES Attributes)
{
    RtlZeroMemory(Attributes, sizeof(WDF_OBJECT_ATTRIBUTES));
    Attributes->Size = sizeof(WDF_OBJECT_ATTRIBUTES);
    Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
    Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
}

/* The names the context macros build. */
#define WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) _WDF_##_contexttype##_TYPE_INFO
#define WDF_TYPE_NAME_POINTER_TYPE(_contexttype) WDF_POINTER_TYPE_##_contexttype
#define WDF_GET_CONTEXT_TYPE_INFO(_contexttype) \
    (WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype).UniqueType)

/* A definition every translation unit may emit; the linker keeps one. */
#if defined(_MSC_VER) || defined(__MINGW32__)
#define PNPSIM_WDF_SELECTANY __declspec(selectany)
#elif defined(__GNUC__)
#define PNPSIM_WDF_SELECTANY __attribute__((weak))
#else
#define PNPSIM_WDF_SELECTANY
#endif

#define WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype, _UniqueType, _GetUniqueType, _section) \
    typedef _contexttype *WDF_TYPE_NAME_POINTER_TYPE(_contexttype);                      \
    PNPSIM_WDF_SELECTANY const WDF_OBJECT_CONTEXT_TYPE_INFO                               \
        WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) = {                                      \
            sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO),                                          \
            #_contexttype,                                                                 \
            sizeof(_contexttype),                                                          \
            _UniqueType,                                                                   \
            _GetUniqueType,                                                                \
    }

#define WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)                  \
    FORCEINLINE WDF_TYPE_NAME_POINTER_TYPE(_contexttype) _castingfunction(             \
        WDFOBJECT Handle)                                                               \
    {                                                                                   \
        return (WDF_TYPE_NAME_POINTER_TYPE(_contexttype))WdfObjectGetTypedContextWorker( \
            Handle, WDF_GET_CONTEXT_TYPE_INFO(_contexttype));                           \
    }

#define WDF_DECLARE_CONTEXT_TYPE(_contexttype) \
    WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, WdfObjectGet_##_contexttype)

#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction)             \
    WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype,                                          \
                                 &WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype), NULL, );    \
    WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)

#define WDF_DECLARE_SHARED_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction,      \
                                                  _UniqueType)                          \
    WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype, &WDF_TYPE_NAME_TO_TYPE_INFO(_UniqueType), \
                                 NULL, );                                               \
    WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)

#define WdfObjectGetTypedContext(handle, type) \
    ((type *)WdfObjectGetTypedContextWorker((WDFOBJECT)(handle), WDF_GET_CONTEXT_TYPE_INFO(type)))

/* Attach a context type to attributes. */
#define WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype) \
    (_attributes)->ContextTypeInfo = WDF_GET_CONTEXT_TYPE_INFO(_contexttype)
#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(_attributes, _contexttype) \
    WDF_OBJECT_ATTRIBUTES_INIT(_attributes);                               \
    WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype)

/* Object methods (wdfobject.h). */
WDFAPI PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle,
                                     PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo);
WDFAPI NTSTATUS WdfObjectAllocateContext(WDFOBJECT Handle, PWDF_OBJECT_ATTRIBUTES ContextAttributes,
                                  PVOID *Context);
WDFAPI WDFOBJECT WdfObjectContextGetObject(PVOID ContextPointer);
WDFAPI VOID WdfObjectReferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCHAR File);
WDFAPI VOID WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCHAR File);
WDFAPI NTSTATUS WdfObjectCreate(PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object);
WDFAPI VOID WdfObjectDelete(WDFOBJECT Object);
WDFAPI NTSTATUS WdfObjectQuery(WDFOBJECT Object, const GUID *Guid, ULONG QueryBufferLength,
                        PVOID QueryBuffer);

#define WdfObjectReference(Handle) \
    WdfObjectReferenceActual((WDFOBJECT)(Handle), NULL, __LINE__, (PCHAR)__FILE__)
#define WdfObjectReferenceWithTag(Handle, Tag) \
    WdfObjectReferenceActual((WDFOBJECT)(Handle), (PVOID)(Tag), __LINE__, (PCHAR)__FILE__)
#define WdfObjectDereference(Handle) \
    WdfObjectDereferenceActual((WDFOBJECT)(Handle), NULL, __LINE__, (PCHAR)__FILE__)
#define WdfObjectDereferenceWithTag(Handle, Tag) \
    WdfObjectDereferenceActual((WDFOBJECT)(Handle), (PVOID)(Tag), __LINE__, (PCHAR)__FILE__)

/* Synchronization scope locks of an object (device or queue). */
WDFAPI VOID WdfObjectAcquireLock(WDFOBJECT Object);
WDFAPI VOID WdfObjectReleaseLock(WDFOBJECT Object);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_WDFOBJECT_H */
