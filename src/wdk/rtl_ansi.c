/* SPDX-License-Identifier: MIT */
/*
 * This file implements the ANSI-string routines of issue 10's list that rtl.c does not
 * have: the conversion sizes behind RtlAnsiStringToUnicodeSize / RtlUnicodeStringToAnsiSize
 * (RtlxAnsiStringToUnicodeSize, RtlxUnicodeStringToAnsiSize), RtlCharToInteger,
 * RtlEqualString and RtlCopyString. The ANSI code page is Latin-1, as in rtl.c: one byte
 * per UTF-16 unit each way.
 */
#include "pnpsim_int.h"

static bool astr_valid(const STRING *s)
{
    return s != NULL && s->Length <= s->MaximumLength && (s->Buffer != NULL || s->Length == 0);
}

/*
 * Windows behaviour: the number of bytes a UNICODE_STRING buffer needs to hold the
 * conversion of AnsiString, terminator included (Microsoft Learn
 * "RtlAnsiStringToUnicodeSize").
 * Simulation: (Length + 1) * sizeof(WCHAR) (Latin-1: one unit per byte); 0 for a
 * malformed or NULL string.
 */
ULONG NTAPI RtlxAnsiStringToUnicodeSize(PCANSI_STRING AnsiString)
{
    if (!astr_valid(AnsiString))
        return 0;
    return ((ULONG)AnsiString->Length + 1u) * (ULONG)sizeof(WCHAR);
}

/*
 * Windows behaviour: the number of bytes an ANSI_STRING buffer needs for the conversion of
 * UnicodeString, terminator included (Microsoft Learn "RtlUnicodeStringToAnsiSize").
 * Simulation: Length / sizeof(WCHAR) + 1 (Latin-1); 0 for a malformed or NULL string.
 */
ULONG NTAPI RtlxUnicodeStringToAnsiSize(PCUNICODE_STRING UnicodeString)
{
    if (UnicodeString == NULL || !pnpsim__ustr_valid(UnicodeString))
        return 0;
    return (ULONG)UnicodeString->Length / (ULONG)sizeof(WCHAR) + 1u;
}

/*
 * Windows behaviour: converts a NUL-terminated ANSI string to an integer: leading blanks
 * skipped, an optional sign, a 0x/0o/0b prefix when Base is 0 (default 10); Base 2, 8,
 * 10 or 16; digits stop at the first non-digit; STATUS_INVALID_PARAMETER for another
 * base (Microsoft Learn "RtlCharToInteger").
 * Simulation: as described; a NULL String or Value is STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI RtlCharToInteger(PCSZ String, ULONG Base, PULONG Value)
{
    const char *p = String;
    bool neg = false;
    ULONG v = 0;
    if (String == NULL || Value == NULL)
        return pnpsim__status(STATUS_ACCESS_VIOLATION, "RtlCharToInteger: NULL argument");
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (Base == 0) {
        Base = 10;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            Base = 16;
            p += 2;
        } else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
            Base = 8;
            p += 2;
        } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
            Base = 2;
            p += 2;
        }
    } else if (Base != 2 && Base != 8 && Base != 10 && Base != 16) {
        return pnpsim__status(STATUS_INVALID_PARAMETER, "RtlCharToInteger: base %lu",
                              (unsigned long)Base);
    }
    for (;; p++) {
        ULONG d;
        if (*p >= '0' && *p <= '9')
            d = (ULONG)(*p - '0');
        else if (*p >= 'a' && *p <= 'f')
            d = (ULONG)(*p - 'a' + 10);
        else if (*p >= 'A' && *p <= 'F')
            d = (ULONG)(*p - 'A' + 10);
        else
            break;
        if (d >= Base)
            break;
        v = v * Base + d;
    }
    *Value = neg ? (ULONG)(0u - v) : v;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: TRUE if the two counted strings are equal, optionally ignoring case
 * (Microsoft Learn "RtlEqualString").
 * Simulation: ASCII case folding; malformed strings are unequal.
 */
BOOLEAN NTAPI RtlEqualString(const STRING *String1, const STRING *String2, BOOLEAN CaseInSensitive)
{
    USHORT i;
    if (!astr_valid(String1) || !astr_valid(String2) || String1->Length != String2->Length)
        return FALSE;
    for (i = 0; i < String1->Length; i++) {
        char a = String1->Buffer[i], b = String2->Buffer[i];
        if (CaseInSensitive) {
            if (a >= 'a' && a <= 'z')
                a = (char)(a - 32);
            if (b >= 'a' && b <= 'z')
                b = (char)(b - 32);
        }
        if (a != b)
            return FALSE;
    }
    return TRUE;
}

/*
 * Windows behaviour: copies as much of SourceString as fits into DestinationString's
 * buffer; a NULL source makes the destination empty (Microsoft Learn "RtlCopyString").
 * Simulation: as described; the copy is NUL-terminated when there is room.
 */
VOID NTAPI RtlCopyString(PSTRING DestinationString, const STRING *SourceString)
{
    USHORT n;
    if (DestinationString == NULL)
        return;
    if (SourceString == NULL || !astr_valid(SourceString)) {
        DestinationString->Length = 0;
        return;
    }
    n = SourceString->Length < DestinationString->MaximumLength ? SourceString->Length
                                                                : DestinationString->MaximumLength;
    if (n > 0)
        memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    if (n < DestinationString->MaximumLength)
        DestinationString->Buffer[n] = 0;
}
