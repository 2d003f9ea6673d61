/* SPDX-License-Identifier: MIT */
/*
 * This file implements <ntintsafe.h> for pnpsim: the kernel's overflow-checked integer
 * arithmetic and conversions (RtlSizeTMult, RtlULongAdd, RtlULongLongToULong, ...). Each
 * returns STATUS_SUCCESS with the result, or STATUS_INTEGER_OVERFLOW with *pResult set to
 * the type's error value (all bits set for unsigned types, -1 for signed ones), as the
 * WDK's versions do (Microsoft Learn "ntintsafe.h").
 */
#ifndef PNPSIM_WDK_NTINTSAFE_H
#define PNPSIM_WDK_NTINTSAFE_H

#include <limits.h>
#include <stdint.h>

#include "ntdef.h"
#include "ntstatus.h"

#ifdef __cplusplus
extern "C" {
#endif

#define USHORT_ERROR ((USHORT)0xffffu)
#define UCHAR_ERROR ((UCHAR)0xffu)
#define UINT_ERROR ((UINT)~0u)
#define ULONG_ERROR ((ULONG)0xffffffffu)
#define DWORD_ERROR ULONG_ERROR
#define ULONGLONG_ERROR ((ULONGLONG)~0ull)
#define SIZE_T_ERROR ((SIZE_T) ~(SIZE_T)0)
#define ULONG_PTR_ERROR ((ULONG_PTR) ~(ULONG_PTR)0)
#define LONG_ERROR ((LONG)-1)
#define LONGLONG_ERROR ((LONGLONG)-1)
/* Windows' LONG and ULONG are 32 bits everywhere (LLP64); the host's long may not be. */
#define PNPSIM_ULONG32_MAX 0xFFFFFFFFu
#define PNPSIM_LONG32_MAX 0x7FFFFFFF
#define PNPSIM_LONG32_MIN (-0x7FFFFFFF - 1)

FORCEINLINE NTSTATUS RtlUShortAdd(USHORT Augend, USHORT Addend, USHORT *pResult)
{
    if ((ULONGLONG)Augend + (ULONGLONG)Addend > (ULONGLONG)USHRT_MAX) {
        *pResult = USHORT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (USHORT)(Augend + Addend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlUShortSub(USHORT Minuend, USHORT Subtrahend, USHORT *pResult)
{
    if (Subtrahend > Minuend) {
        *pResult = USHORT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (USHORT)(Minuend - Subtrahend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlUShortMult(USHORT Multiplicand, USHORT Multiplier, USHORT *pResult)
{
    if ((ULONGLONG)Multiplicand * (ULONGLONG)Multiplier > (ULONGLONG)USHRT_MAX) {
        *pResult = USHORT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (USHORT)(Multiplicand * Multiplier);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlUIntAdd(UINT Augend, UINT Addend, UINT *pResult)
{
    if ((ULONGLONG)Augend + (ULONGLONG)Addend > (ULONGLONG)UINT_MAX) {
        *pResult = UINT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (UINT)(Augend + Addend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlUIntSub(UINT Minuend, UINT Subtrahend, UINT *pResult)
{
    if (Subtrahend > Minuend) {
        *pResult = UINT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (UINT)(Minuend - Subtrahend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlUIntMult(UINT Multiplicand, UINT Multiplier, UINT *pResult)
{
    if ((ULONGLONG)Multiplicand * (ULONGLONG)Multiplier > (ULONGLONG)UINT_MAX) {
        *pResult = UINT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (UINT)(Multiplicand * Multiplier);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongAdd(ULONG Augend, ULONG Addend, ULONG *pResult)
{
    if ((ULONGLONG)Augend + (ULONGLONG)Addend > (ULONGLONG)PNPSIM_ULONG32_MAX) {
        *pResult = ULONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG)(Augend + Addend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongSub(ULONG Minuend, ULONG Subtrahend, ULONG *pResult)
{
    if (Subtrahend > Minuend) {
        *pResult = ULONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG)(Minuend - Subtrahend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongMult(ULONG Multiplicand, ULONG Multiplier, ULONG *pResult)
{
    if ((ULONGLONG)Multiplicand * (ULONGLONG)Multiplier > (ULONGLONG)PNPSIM_ULONG32_MAX) {
        *pResult = ULONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG)(Multiplicand * Multiplier);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongLongAdd(ULONGLONG Augend, ULONGLONG Addend, ULONGLONG *pResult)
{
    if (Augend > (ULONGLONG)(ULLONG_MAX - Addend)) {
        *pResult = ULONGLONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONGLONG)(Augend + Addend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongLongSub(ULONGLONG Minuend, ULONGLONG Subtrahend, ULONGLONG *pResult)
{
    if (Subtrahend > Minuend) {
        *pResult = ULONGLONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONGLONG)(Minuend - Subtrahend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongLongMult(ULONGLONG Multiplicand, ULONGLONG Multiplier,
                                      ULONGLONG *pResult)
{
    if (Multiplicand != 0 && Multiplier > (ULONGLONG)(ULLONG_MAX / Multiplicand)) {
        *pResult = ULONGLONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONGLONG)(Multiplicand * Multiplier);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlSizeTAdd(SIZE_T Augend, SIZE_T Addend, SIZE_T *pResult)
{
    if (Augend > (SIZE_T)(SIZE_MAX - Addend)) {
        *pResult = SIZE_T_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (SIZE_T)(Augend + Addend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlSizeTSub(SIZE_T Minuend, SIZE_T Subtrahend, SIZE_T *pResult)
{
    if (Subtrahend > Minuend) {
        *pResult = SIZE_T_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (SIZE_T)(Minuend - Subtrahend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlSizeTMult(SIZE_T Multiplicand, SIZE_T Multiplier, SIZE_T *pResult)
{
    if (Multiplicand != 0 && Multiplier > (SIZE_T)(SIZE_MAX / Multiplicand)) {
        *pResult = SIZE_T_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (SIZE_T)(Multiplicand * Multiplier);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongPtrAdd(ULONG_PTR Augend, ULONG_PTR Addend, ULONG_PTR *pResult)
{
    if (Augend > (ULONG_PTR)(UINTPTR_MAX - Addend)) {
        *pResult = ULONG_PTR_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG_PTR)(Augend + Addend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongPtrSub(ULONG_PTR Minuend, ULONG_PTR Subtrahend, ULONG_PTR *pResult)
{
    if (Subtrahend > Minuend) {
        *pResult = ULONG_PTR_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG_PTR)(Minuend - Subtrahend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongPtrMult(ULONG_PTR Multiplicand, ULONG_PTR Multiplier,
                                     ULONG_PTR *pResult)
{
    if (Multiplicand != 0 && Multiplier > (ULONG_PTR)(UINTPTR_MAX / Multiplicand)) {
        *pResult = ULONG_PTR_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG_PTR)(Multiplicand * Multiplier);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlDWordAdd(DWORD Augend, DWORD Addend, DWORD *pResult)
{
    if ((ULONGLONG)Augend + (ULONGLONG)Addend > (ULONGLONG)PNPSIM_ULONG32_MAX) {
        *pResult = DWORD_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (DWORD)(Augend + Addend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlDWordSub(DWORD Minuend, DWORD Subtrahend, DWORD *pResult)
{
    if (Subtrahend > Minuend) {
        *pResult = DWORD_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (DWORD)(Minuend - Subtrahend);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlDWordMult(DWORD Multiplicand, DWORD Multiplier, DWORD *pResult)
{
    if ((ULONGLONG)Multiplicand * (ULONGLONG)Multiplier > (ULONGLONG)PNPSIM_ULONG32_MAX) {
        *pResult = DWORD_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (DWORD)(Multiplicand * Multiplier);
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongLongToULong(ULONGLONG Operand, ULONG *pResult)
{
    if (Operand > (ULONGLONG)PNPSIM_ULONG32_MAX) {
        *pResult = ULONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongLongToUInt(ULONGLONG Operand, UINT *pResult)
{
    if (Operand > (ULONGLONG)UINT_MAX) {
        *pResult = UINT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (UINT)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongLongToSizeT(ULONGLONG Operand, SIZE_T *pResult)
{
    if (Operand > (ULONGLONG)SIZE_MAX) {
        *pResult = SIZE_T_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (SIZE_T)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongToUShort(ULONG Operand, USHORT *pResult)
{
    if (Operand > (ULONG)USHRT_MAX) {
        *pResult = USHORT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (USHORT)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlUIntToUShort(UINT Operand, USHORT *pResult)
{
    if (Operand > (UINT)USHRT_MAX) {
        *pResult = USHORT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (USHORT)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongToUChar(ULONG Operand, UCHAR *pResult)
{
    if (Operand > (ULONG)UCHAR_MAX) {
        *pResult = UCHAR_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (UCHAR)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlSizeTToULong(SIZE_T Operand, ULONG *pResult)
{
    if (Operand > (SIZE_T)PNPSIM_ULONG32_MAX) {
        *pResult = ULONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlSizeTToUInt(SIZE_T Operand, UINT *pResult)
{
    if (Operand > (SIZE_T)UINT_MAX) {
        *pResult = UINT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (UINT)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlSizeTToUShort(SIZE_T Operand, USHORT *pResult)
{
    if (Operand > (SIZE_T)USHRT_MAX) {
        *pResult = USHORT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (USHORT)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongPtrToULong(ULONG_PTR Operand, ULONG *pResult)
{
    if (Operand > (ULONG_PTR)PNPSIM_ULONG32_MAX) {
        *pResult = ULONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongToLong(ULONG Operand, LONG *pResult)
{
    if (Operand > (ULONG)PNPSIM_LONG32_MAX) {
        *pResult = LONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (LONG)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlULongLongToLongLong(ULONGLONG Operand, LONGLONG *pResult)
{
    if (Operand > (ULONGLONG)LLONG_MAX) {
        *pResult = LONGLONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (LONGLONG)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlLongToULong(LONG Operand, ULONG *pResult)
{
    if (Operand < 0) {
        *pResult = ULONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlLongToSizeT(LONG Operand, SIZE_T *pResult)
{
    if (Operand < 0) {
        *pResult = SIZE_T_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (SIZE_T)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlLongLongToULongLong(LONGLONG Operand, ULONGLONG *pResult)
{
    if (Operand < 0) {
        *pResult = ULONGLONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONGLONG)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlIntToUInt(INT Operand, UINT *pResult)
{
    if (Operand < 0) {
        *pResult = UINT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (UINT)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlLongToUInt(LONG Operand, UINT *pResult)
{
    if (Operand < 0) {
        *pResult = UINT_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (UINT)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlLongLongToULong(LONGLONG Operand, ULONG *pResult)
{
    if (Operand < 0 || (ULONGLONG)Operand > (ULONGLONG)PNPSIM_ULONG32_MAX) {
        *pResult = ULONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = (ULONG)Operand;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlLongAdd(LONG Augend, LONG Addend, LONG *pResult)
{
    if ((Addend > 0 && Augend > PNPSIM_LONG32_MAX - Addend) ||
        (Addend < 0 && Augend < PNPSIM_LONG32_MIN - Addend)) {
        *pResult = LONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = Augend + Addend;
    return STATUS_SUCCESS;
}
FORCEINLINE NTSTATUS RtlLongSub(LONG Minuend, LONG Subtrahend, LONG *pResult)
{
    if ((Subtrahend < 0 && Minuend > PNPSIM_LONG32_MAX + Subtrahend) ||
        (Subtrahend > 0 && Minuend < PNPSIM_LONG32_MIN + Subtrahend)) {
        *pResult = LONG_ERROR;
        return STATUS_INTEGER_OVERFLOW;
    }
    *pResult = Minuend - Subtrahend;
    return STATUS_SUCCESS;
}

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_WDK_NTINTSAFE_H */
