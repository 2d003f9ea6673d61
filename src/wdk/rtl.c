/* SPDX-License-Identifier: MIT */
/*
 * This file implements the WDK run-time library's counted-string routines (Rtl* on
 * UNICODE_STRING and ANSI_STRING): initialisation, copy and append, comparison with a real
 * simple-case upcase table, case conversion, duplication, GUID <-> string, ANSI <-> Unicode
 * and integer <-> string conversion. Buffers handed to drivers come from paged pool
 * (ExAllocatePoolWithTag) and are freed by the driver with RtlFree*String, so the pool
 * module's leak accounting sees them.
 *
 * Malformed UNICODE_STRINGs (odd Length, Length > MaximumLength, NULL Buffer with a nonzero
 * Length): Windows does not check them and usually faults or reads garbage. pnpsim's choice
 * is that routines returning NTSTATUS fail with STATUS_INVALID_PARAMETER, and the others
 * never read past Length nor through a NULL Buffer (a NULL string pointer counts as empty).
 */
#include "pnpsim_int.h"

/* The pool tag of every buffer this file allocates: the bytes "rtlS" in memory, which is
 * how debuggers print tags (written in hex to avoid multi-character literals). */
#define RTL_POOL_TAG 0x536C7472u

static void *rtl_alloc(SIZE_T bytes)
{
    return ExAllocatePoolWithTag(PagedPool, bytes, RTL_POOL_TAG);
}

/* The number of whole characters a possibly malformed UNICODE_STRING lets us read. */
static USHORT safe_chars(PCUNICODE_STRING s)
{
    if (s == NULL || s->Buffer == NULL)
        return 0;
    /* Never past the buffer: a Length above MaximumLength is not believed (an over-read
     * found by tests/fuzz/fuzz_strsafe). */
    return (USHORT)((s->Length <= s->MaximumLength ? s->Length : s->MaximumLength) /
                    sizeof(WCHAR));
}

/* A destination whose current contents matter (append): well formed. */
static bool dest_usable(PCUNICODE_STRING d)
{
    return d != NULL && pnpsim__ustr_valid(d) && (d->Buffer != NULL || d->MaximumLength == 0);
}

/* An output-only destination (its Length is overwritten): only Buffer and MaximumLength
 * matter, and a nonzero MaximumLength needs a Buffer. */
static bool out_usable(USHORT maximum_length, const void *buffer)
{
    return buffer != NULL || maximum_length == 0;
}

/* ======================================================================================
 * Memory
 * ==================================================================================== */

/*
 * Windows behaviour: RtlCompareMemory returns the number of leading bytes that are equal,
 * Length when the blocks match (RtlCompareMemory, Microsoft Learn).
 * Simulation: as documented.
 */
SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const unsigned char *a = Source1, *b = Source2;
    SIZE_T i = 0;
    if (Length == 0)
        return 0;
    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

/* ======================================================================================
 * Case mapping: simple (one-to-one) upper/lower case for Basic Latin, Latin-1, Latin
 * Extended-A, Latin Extended Additional, Greek, Cyrillic, Armenian and the fullwidth
 * Latin letters. Characters outside these ranges map to themselves.
 * ==================================================================================== */

/* [first, last] maps by adding delta. */
typedef struct case_span {
    WCHAR first, last;
    int delta;
} case_span;

/* [first, last] alternates upper, lower, upper, ...: upper at even offsets from first. */
typedef struct case_pairs {
    WCHAR first, last;
} case_pairs;

static const case_span lower_to_upper[] = {
    {0x0061, 0x007A, -32},  {0x00E0, 0x00F6, -32}, {0x00F8, 0x00FE, -32},
    {0x00FF, 0x00FF, 0x79}, /* y diaeresis -> U+0178 */
    {0x03AC, 0x03AC, -38},  {0x03AD, 0x03AF, -37}, {0x03B1, 0x03C1, -32},
    {0x03C2, 0x03C2, -31}, /* final sigma -> capital sigma */
    {0x03C3, 0x03CB, -32},  {0x03CC, 0x03CC, -64}, {0x03CD, 0x03CE, -63},
    {0x0430, 0x044F, -32},  {0x0450, 0x045F, -80}, {0x04CF, 0x04CF, -15},
    {0x0561, 0x0586, -48},  {0xFF41, 0xFF5A, -32},
};

static const case_span upper_to_lower[] = {
    {0x0041, 0x005A, 32}, {0x00C0, 0x00D6, 32}, {0x00D8, 0x00DE, 32}, {0x0178, 0x0178, -0x79},
    {0x0386, 0x0386, 38}, {0x0388, 0x038A, 37}, {0x038C, 0x038C, 64}, {0x038E, 0x038F, 63},
    {0x0391, 0x03A1, 32}, {0x03A3, 0x03AB, 32}, {0x0400, 0x040F, 80}, {0x0410, 0x042F, 32},
    {0x04C0, 0x04C0, 15}, {0x0531, 0x0556, 48}, {0xFF21, 0xFF3A, 32},
};

static const case_pairs pairs[] = {
    {0x0100, 0x012F}, {0x0132, 0x0137}, {0x0139, 0x0148}, {0x014A, 0x0177},
    {0x0179, 0x017E}, {0x03D8, 0x03EF}, {0x0460, 0x0481}, {0x048A, 0x04BF},
    {0x04C1, 0x04CE}, {0x04D0, 0x052F}, {0x1E00, 0x1E95}, {0x1EA0, 0x1EFF},
};

static WCHAR map_case(WCHAR c, const case_span *spans, size_t nspans, bool to_upper)
{
    size_t i;
    if (c < 0x80) {
        if (to_upper)
            return (c >= 'a' && c <= 'z') ? (WCHAR)(c - 32) : c;
        return (c >= 'A' && c <= 'Z') ? (WCHAR)(c + 32) : c;
    }
    for (i = 0; i < nspans; i++)
        if (c >= spans[i].first && c <= spans[i].last)
            return (WCHAR)(c + spans[i].delta);
    for (i = 0; i < PNPSIM_ARRAY_SIZE(pairs); i++) {
        if (c >= pairs[i].first && c <= pairs[i].last) {
            bool is_upper = ((c - pairs[i].first) & 1) == 0;
            if (to_upper && !is_upper)
                return (WCHAR)(c - 1);
            if (!to_upper && is_upper && c < pairs[i].last)
                return (WCHAR)(c + 1);
            return c;
        }
    }
    return c;
}

/*
 * Windows behaviour: RtlUpcaseUnicodeChar returns the uppercase form of a Unicode character
 * (RtlUpcaseUnicodeChar, Microsoft Learn); RtlDowncaseUnicodeChar the lowercase form
 * (RtlDowncaseUnicodeChar).
 * Simulation: a built-in simple case table covering Latin (Basic, Latin-1, Extended-A,
 * Extended Additional), Greek, Cyrillic, Armenian and fullwidth Latin; others map to
 * themselves. Dotless i, long s and sharp s are left unchanged (no one-to-one pair).
 */
WCHAR NTAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter)
{
    return map_case(SourceCharacter, lower_to_upper, PNPSIM_ARRAY_SIZE(lower_to_upper), true);
}

WCHAR NTAPI RtlDowncaseUnicodeChar(WCHAR SourceCharacter)
{
    return map_case(SourceCharacter, upper_to_lower, PNPSIM_ARRAY_SIZE(upper_to_lower), false);
}

/* ======================================================================================
 * Initialisation
 * ==================================================================================== */

/*
 * Windows behaviour: RtlInitUnicodeString points Buffer at the source, sets Length to its
 * size in bytes without the terminator and MaximumLength to Length + 2; a NULL source gives
 * zero lengths and a NULL Buffer (RtlInitUnicodeString, Microsoft Learn).
 * Simulation: as documented. A source longer than UNICODE_STRING can describe is cut at
 * 32766 characters (Length 65532, MaximumLength 65534) so the lengths never wrap.
 */
VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    size_t n;
    if (DestinationString == NULL)
        return;
    DestinationString->Buffer = (PWCH)SourceString;
    if (SourceString == NULL) {
        DestinationString->Length = 0;
        DestinationString->MaximumLength = 0;
        return;
    }
    n = pnpsim__wcslen(SourceString);
    if (n > UNICODE_STRING_MAX_CHARS - 1)
        n = UNICODE_STRING_MAX_CHARS - 1;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)(n * sizeof(WCHAR) + sizeof(WCHAR));
}

/*
 * Windows behaviour: RtlInitUnicodeStringEx is RtlInitUnicodeString that fails with
 * STATUS_NAME_TOO_LONG when the source is too long for a UNICODE_STRING
 * (RtlInitUnicodeStringEx, Microsoft Learn).
 * Simulation: more than 32766 characters (so that MaximumLength, which counts the
 * terminator, fits in a USHORT) fails; DestinationString is then left unchanged.
 */
NTSTATUS NTAPI RtlInitUnicodeStringEx(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    size_t n;
    if (DestinationString == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlInitUnicodeStringEx: DestinationString is NULL");
    if (SourceString != NULL) {
        n = pnpsim__wcslen(SourceString);
        if (n > UNICODE_STRING_MAX_CHARS - 1)
            return pnpsim__status(STATUS_NAME_TOO_LONG,
                                  "RtlInitUnicodeStringEx: %lu characters (at most %d)",
                                  (unsigned long)n, UNICODE_STRING_MAX_CHARS - 1);
    }
    RtlInitUnicodeString(DestinationString, SourceString);
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: RtlInitAnsiString / RtlInitString point Buffer at the source, set
 * Length to strlen and MaximumLength to Length + 1; NULL gives zero lengths (RtlInitAnsiString,
 * RtlInitString, Microsoft Learn).
 * Simulation: as documented; a source longer than 65534 bytes is cut there.
 */
VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
    size_t n;
    if (DestinationString == NULL)
        return;
    DestinationString->Buffer = (PCHAR)SourceString;
    if (SourceString == NULL) {
        DestinationString->Length = 0;
        DestinationString->MaximumLength = 0;
        return;
    }
    n = strlen(SourceString);
    if (n > MAXUSHORT - 1)
        n = MAXUSHORT - 1;
    DestinationString->Length = (USHORT)n;
    DestinationString->MaximumLength = (USHORT)(n + 1);
}

VOID NTAPI RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
    RtlInitAnsiString(DestinationString, SourceString);
}

/* ======================================================================================
 * Copy and append
 * ==================================================================================== */

/*
 * Windows behaviour: RtlCopyUnicodeString copies as much of the source as fits in the
 * destination's MaximumLength, sets Length accordingly and NUL-terminates when there is
 * room; a NULL source sets Length to 0 (RtlCopyUnicodeString, Microsoft Learn).
 * Simulation: as documented. A malformed source is read only up to its (even-rounded)
 * Length; a destination with no buffer gets Length 0.
 */
VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    USHORT bytes, room;
    if (DestinationString == NULL)
        return;
    if (DestinationString->Buffer == NULL) {
        DestinationString->Length = 0;
        return;
    }
    room = (USHORT)(DestinationString->MaximumLength & ~1u);
    bytes = (USHORT)(safe_chars(SourceString) * sizeof(WCHAR));
    if (bytes > room)
        bytes = room;
    if (bytes > 0)
        memmove(DestinationString->Buffer, SourceString->Buffer, bytes);
    DestinationString->Length = bytes;
    if (bytes + sizeof(WCHAR) <= room)
        DestinationString->Buffer[bytes / sizeof(WCHAR)] = UNICODE_NULL;
}

/* Append count characters at src to dest (already validated). */
static NTSTATUS append_chars(PUNICODE_STRING Destination, const WCHAR *src, size_t count,
                             const char *ddi)
{
    size_t bytes = count * sizeof(WCHAR);
    size_t total = (size_t)Destination->Length + bytes;
    if (count == 0)
        return STATUS_SUCCESS;
    if (total > Destination->MaximumLength)
        return pnpsim__status(STATUS_BUFFER_TOO_SMALL, "%s: %lu bytes needed, MaximumLength is %u",
                              ddi, (unsigned long)total, (unsigned)Destination->MaximumLength);
    memmove((char *)Destination->Buffer + Destination->Length, src, bytes);
    Destination->Length = (USHORT)total;
    if (total + sizeof(WCHAR) <= Destination->MaximumLength)
        Destination->Buffer[total / sizeof(WCHAR)] = UNICODE_NULL;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: RtlAppendUnicodeStringToString concatenates Source after Destination;
 * if the result does not fit in MaximumLength it returns STATUS_BUFFER_TOO_SMALL and leaves
 * Destination unchanged (RtlAppendUnicodeStringToString, Microsoft Learn).
 * Simulation: as documented; the result is NUL-terminated when there is room. Malformed
 * strings fail with STATUS_INVALID_PARAMETER (pnpsim choice).
 */
NTSTATUS NTAPI RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source)
{
    if (!dest_usable(Destination))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlAppendUnicodeStringToString: malformed or NULL Destination");
    if (Source == NULL || !pnpsim__ustr_valid(Source))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlAppendUnicodeStringToString: malformed or NULL Source");
    return append_chars(Destination, Source->Buffer, Source->Length / sizeof(WCHAR),
                        "RtlAppendUnicodeStringToString");
}

/*
 * Windows behaviour: RtlAppendUnicodeToString appends a NUL-terminated string; a NULL
 * Source appends nothing; STATUS_BUFFER_TOO_SMALL when it does not fit, Destination then
 * unchanged (RtlAppendUnicodeToString, Microsoft Learn).
 * Simulation: as documented; malformed Destination -> STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source)
{
    if (!dest_usable(Destination))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlAppendUnicodeToString: malformed or NULL Destination");
    if (Source == NULL)
        return STATUS_SUCCESS;
    return append_chars(Destination, Source, pnpsim__wcslen(Source), "RtlAppendUnicodeToString");
}

/* ======================================================================================
 * Comparison
 * ==================================================================================== */

/*
 * Windows behaviour: RtlCompareUnicodeString returns zero when the strings are equal, less
 * than zero when String1 sorts first, greater than zero otherwise; with CaseInSensitive
 * characters are upcased before comparing (RtlCompareUnicodeString, Microsoft Learn).
 * Simulation: compares UTF-16 code units (upcased with RtlUpcaseUnicodeChar when
 * CaseInSensitive); a proper prefix sorts first. NULL or malformed strings are read as
 * their safe prefix (NULL = empty).
 */
LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                   BOOLEAN CaseInSensitive)
{
    USHORT n1 = safe_chars(String1), n2 = safe_chars(String2);
    USHORT n = n1 < n2 ? n1 : n2, i;
    WCHAR a, b;
    for (i = 0; i < n; i++) {
        a = String1->Buffer[i];
        b = String2->Buffer[i];
        if (CaseInSensitive) {
            a = RtlUpcaseUnicodeChar(a);
            b = RtlUpcaseUnicodeChar(b);
        }
        if (a != b)
            return (LONG)a - (LONG)b;
    }
    return (LONG)n1 - (LONG)n2;
}

/*
 * Windows behaviour: RtlEqualUnicodeString returns TRUE when the strings are equal,
 * optionally ignoring case (RtlEqualUnicodeString, Microsoft Learn).
 * Simulation: equal lengths and RtlCompareUnicodeString == 0.
 */
BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                    BOOLEAN CaseInSensitive)
{
    if (safe_chars(String1) != safe_chars(String2))
        return FALSE;
    return (BOOLEAN)(RtlCompareUnicodeString(String1, String2, CaseInSensitive) == 0);
}

/*
 * Windows behaviour: RtlPrefixUnicodeString returns TRUE if String1 is a prefix of String2
 * (RtlPrefixUnicodeString, Microsoft Learn).
 * Simulation: as documented; an empty String1 is a prefix of everything.
 */
BOOLEAN NTAPI RtlPrefixUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                     BOOLEAN CaseInSensitive)
{
    USHORT n1 = safe_chars(String1), n2 = safe_chars(String2), i;
    WCHAR a, b;
    if (n1 > n2)
        return FALSE;
    for (i = 0; i < n1; i++) {
        a = String1->Buffer[i];
        b = String2->Buffer[i];
        if (CaseInSensitive) {
            a = RtlUpcaseUnicodeChar(a);
            b = RtlUpcaseUnicodeChar(b);
        }
        if (a != b)
            return FALSE;
    }
    return TRUE;
}

/* ======================================================================================
 * Case conversion of strings
 * ==================================================================================== */

static NTSTATUS convert_case(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString,
                             BOOLEAN AllocateDestinationString, bool upper, const char *ddi)
{
    USHORT n, i;
    PWCH buf;
    if (SourceString == NULL || !pnpsim__ustr_valid(SourceString))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: malformed or NULL SourceString", ddi);
    if (DestinationString == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: DestinationString is NULL", ddi);
    n = (USHORT)(SourceString->Length / sizeof(WCHAR));
    if (AllocateDestinationString) {
        /* Room for a terminator too, although Windows does not promise one. */
        if (SourceString->Length > MAXUSHORT - sizeof(WCHAR))
            return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: source too long", ddi);
        buf = rtl_alloc((SIZE_T)SourceString->Length + sizeof(WCHAR));
        if (buf == NULL)
            return pnpsim__status(STATUS_NO_MEMORY, "%s: out of pool", ddi);
        for (i = 0; i < n; i++)
            buf[i] = upper ? RtlUpcaseUnicodeChar(SourceString->Buffer[i])
                           : RtlDowncaseUnicodeChar(SourceString->Buffer[i]);
        buf[n] = UNICODE_NULL;
        DestinationString->Buffer = buf;
        DestinationString->Length = SourceString->Length;
        DestinationString->MaximumLength = (USHORT)(SourceString->Length + sizeof(WCHAR));
        return STATUS_SUCCESS;
    }
    if (!out_usable(DestinationString->MaximumLength, DestinationString->Buffer))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: malformed DestinationString", ddi);
    if (SourceString->Length > DestinationString->MaximumLength)
        return pnpsim__status(STATUS_BUFFER_OVERFLOW, "%s: %u bytes needed, MaximumLength is %u",
                              ddi, (unsigned)SourceString->Length,
                              (unsigned)DestinationString->MaximumLength);
    /* In place (Destination == Source) works: each character is read before written. */
    for (i = 0; i < n; i++)
        DestinationString->Buffer[i] = upper ? RtlUpcaseUnicodeChar(SourceString->Buffer[i])
                                             : RtlDowncaseUnicodeChar(SourceString->Buffer[i]);
    DestinationString->Length = SourceString->Length;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: RtlUpcaseUnicodeString writes an uppercase copy of the source into the
 * destination, allocating it when AllocateDestinationString is TRUE (freed with
 * RtlFreeUnicodeString); on failure nothing is allocated or converted
 * (RtlUpcaseUnicodeString, Microsoft Learn). A destination too small fails with
 * STATUS_BUFFER_OVERFLOW.
 * Simulation: as documented; the caller's buffer is not NUL-terminated (Windows does not
 * promise it), an allocated one is. Out of pool -> STATUS_NO_MEMORY.
 */
NTSTATUS NTAPI RtlUpcaseUnicodeString(PUNICODE_STRING DestinationString,
                                      PCUNICODE_STRING SourceString,
                                      BOOLEAN AllocateDestinationString)
{
    return convert_case(DestinationString, SourceString, AllocateDestinationString, true,
                        "RtlUpcaseUnicodeString");
}

/*
 * Windows behaviour: RtlDowncaseUnicodeString is the lowercase counterpart of
 * RtlUpcaseUnicodeString (RtlDowncaseUnicodeString, Microsoft Learn).
 * Simulation: as RtlUpcaseUnicodeString.
 */
NTSTATUS NTAPI RtlDowncaseUnicodeString(PUNICODE_STRING DestinationString,
                                        PCUNICODE_STRING SourceString,
                                        BOOLEAN AllocateDestinationString)
{
    return convert_case(DestinationString, SourceString, AllocateDestinationString, false,
                        "RtlDowncaseUnicodeString");
}

/* ======================================================================================
 * Duplicate and free
 * ==================================================================================== */

/*
 * Windows behaviour: RtlDuplicateUnicodeString (exported, flags declared in ntifs.h; no
 * Microsoft Learn reference page) allocates a copy of StringIn, freed with
 * RtlFreeUnicodeString. RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE adds a terminator;
 * RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING (only together with NULL_TERMINATE)
 * allocates even for an empty string; without it an empty input gives an empty, unallocated
 * output. Unknown flags or NULL arguments: STATUS_INVALID_PARAMETER.
 * Simulation: as described (undocumented, so a pnpsim choice); ALLOCATE_NULL_STRING alone,
 * malformed input, or a result that would not fit a UNICODE_STRING ->
 * STATUS_INVALID_PARAMETER. Out of pool -> STATUS_NO_MEMORY.
 */
NTSTATUS NTAPI RtlDuplicateUnicodeString(ULONG Flags, PCUNICODE_STRING StringIn,
                                         PUNICODE_STRING StringOut)
{
    const ULONG all = RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE |
                      RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING;
    bool terminate = (Flags & RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE) != 0;
    size_t max;
    PWCH buf;

    if ((Flags & ~all) != 0 || Flags == RTL_DUPLICATE_UNICODE_STRING_ALLOCATE_NULL_STRING)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlDuplicateUnicodeString: invalid Flags 0x%lx",
                              (unsigned long)Flags);
    if (StringIn == NULL || StringOut == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlDuplicateUnicodeString: NULL StringIn or StringOut");
    if (!pnpsim__ustr_valid(StringIn))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlDuplicateUnicodeString: malformed StringIn");
    if (StringIn->Length == 0 && Flags != all) {
        StringOut->Length = 0;
        StringOut->MaximumLength = 0;
        StringOut->Buffer = NULL;
        return STATUS_SUCCESS;
    }
    max = (size_t)StringIn->Length + (terminate ? sizeof(WCHAR) : 0);
    if (max > MAXUSHORT)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlDuplicateUnicodeString: %lu bytes do not fit",
                              (unsigned long)max);
    buf = rtl_alloc(max);
    if (buf == NULL)
        return pnpsim__status(STATUS_NO_MEMORY, "RtlDuplicateUnicodeString: out of pool");
    if (StringIn->Length > 0)
        memcpy(buf, StringIn->Buffer, StringIn->Length);
    if (terminate)
        buf[StringIn->Length / sizeof(WCHAR)] = UNICODE_NULL;
    StringOut->Buffer = buf;
    StringOut->Length = StringIn->Length;
    StringOut->MaximumLength = (USHORT)max;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: RtlFreeUnicodeString / RtlFreeAnsiString free a buffer allocated by
 * an Rtl routine (RtlFreeUnicodeString, RtlFreeAnsiString, Microsoft Learn).
 * Simulation: ExFreePool of a non-NULL Buffer, then the structure is zeroed, so a second
 * call is harmless.
 */
VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (UnicodeString == NULL)
        return;
    if (UnicodeString->Buffer != NULL)
        ExFreePool(UnicodeString->Buffer);
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = 0;
    UnicodeString->MaximumLength = 0;
}

VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString)
{
    if (AnsiString == NULL)
        return;
    if (AnsiString->Buffer != NULL)
        ExFreePool(AnsiString->Buffer);
    AnsiString->Buffer = NULL;
    AnsiString->Length = 0;
    AnsiString->MaximumLength = 0;
}

/* ======================================================================================
 * GUIDs
 * ==================================================================================== */

/*
 * Windows behaviour: RtlStringFromGUID allocates "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}",
 * freed with RtlFreeUnicodeString; on failure nothing is allocated (RtlStringFromGUID,
 * Microsoft Learn). The hex digits are upper case (windows-semantics.md section 12).
 * Simulation: upper case, Length 76, MaximumLength 78, NUL-terminated, paged pool. NULL
 * arguments -> STATUS_INVALID_PARAMETER; out of pool -> STATUS_NO_MEMORY.
 */
NTSTATUS NTAPI RtlStringFromGUID(REFGUID Guid, PUNICODE_STRING GuidString)
{
    char text[39];
    PWCH buf;
    int i;
    if (Guid == NULL || GuidString == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlStringFromGUID: NULL Guid or GuidString");
    buf = rtl_alloc(39 * sizeof(WCHAR));
    if (buf == NULL)
        return pnpsim__status(STATUS_NO_MEMORY, "RtlStringFromGUID: out of pool");
    pnpsim__guid_format(Guid, true, text);
    for (i = 0; i < 39; i++)
        buf[i] = (WCHAR)(unsigned char)text[i];
    GuidString->Buffer = buf;
    GuidString->Length = 38 * sizeof(WCHAR);
    GuidString->MaximumLength = 39 * sizeof(WCHAR);
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: RtlGUIDFromString converts a braced GUID string into a GUID; on
 * failure no conversion is done (RtlGUIDFromString, Microsoft Learn).
 * Simulation: exactly 38 characters "{8-4-4-4-12}" of hex digits in either case, read
 * only within Length; anything else (or NULL/malformed input) is STATUS_INVALID_PARAMETER
 * and *Guid is left unchanged.
 */
NTSTATUS NTAPI RtlGUIDFromString(PCUNICODE_STRING GuidString, GUID *Guid)
{
    char text[38];
    int i;
    if (GuidString == NULL || Guid == NULL || !pnpsim__ustr_valid(GuidString))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlGUIDFromString: NULL or malformed argument");
    if (GuidString->Length != 38 * sizeof(WCHAR))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlGUIDFromString: Length %u is not that of a braced GUID",
                              (unsigned)GuidString->Length);
    for (i = 0; i < 38; i++) {
        WCHAR c = GuidString->Buffer[i];
        if (c >= 0x80)
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "RtlGUIDFromString: non-ASCII character");
        text[i] = (char)c;
    }
    if (!pnpsim__guid_parse(text, 38, Guid))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlGUIDFromString: not a {8-4-4-4-12} hex GUID");
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * ANSI <-> Unicode
 * ==================================================================================== */

/*
 * Windows behaviour: RtlAnsiStringToUnicodeString converts with the system ANSI code page
 * into the caller's buffer or, with AllocateDestinationString, into a new one freed with
 * RtlFreeUnicodeString; on failure nothing is allocated (RtlAnsiStringToUnicodeString,
 * Microsoft Learn). The result is NUL-terminated; too small a buffer gives
 * STATUS_BUFFER_OVERFLOW; a result too long for a UNICODE_STRING STATUS_INVALID_PARAMETER_2.
 * Simulation: the ANSI code page is Latin-1 (each byte becomes the code point of the same
 * value). The caller's buffer must hold the text and the terminator, else
 * STATUS_BUFFER_OVERFLOW with the destination unchanged. Malformed input ->
 * STATUS_INVALID_PARAMETER; out of pool -> STATUS_NO_MEMORY.
 */
NTSTATUS NTAPI RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString,
                                            PCANSI_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    size_t bytes, i;
    PWCH buf;
    if (DestinationString == NULL || SourceString == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlAnsiStringToUnicodeString: NULL argument");
    if (SourceString->Length > SourceString->MaximumLength ||
        (SourceString->Buffer == NULL && SourceString->Length > 0))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlAnsiStringToUnicodeString: malformed SourceString");
    bytes = (size_t)SourceString->Length * sizeof(WCHAR);
    if (bytes + sizeof(WCHAR) > MAXUSHORT)
        return pnpsim__status(STATUS_INVALID_PARAMETER_2,
                              "RtlAnsiStringToUnicodeString: %u characters do not fit a "
                              "UNICODE_STRING",
                              (unsigned)SourceString->Length);
    if (AllocateDestinationString) {
        buf = rtl_alloc(bytes + sizeof(WCHAR));
        if (buf == NULL)
            return pnpsim__status(STATUS_NO_MEMORY, "RtlAnsiStringToUnicodeString: out of pool");
        DestinationString->Buffer = buf;
        DestinationString->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
    } else {
        if (!out_usable(DestinationString->MaximumLength, DestinationString->Buffer))
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "RtlAnsiStringToUnicodeString: malformed DestinationString");
        if (bytes + sizeof(WCHAR) > DestinationString->MaximumLength)
            return pnpsim__status(STATUS_BUFFER_OVERFLOW,
                                  "RtlAnsiStringToUnicodeString: %lu bytes needed, "
                                  "MaximumLength is %u",
                                  (unsigned long)(bytes + sizeof(WCHAR)),
                                  (unsigned)DestinationString->MaximumLength);
        buf = DestinationString->Buffer;
    }
    for (i = 0; i < SourceString->Length; i++)
        buf[i] = (WCHAR)(unsigned char)SourceString->Buffer[i];
    buf[SourceString->Length] = UNICODE_NULL;
    DestinationString->Length = (USHORT)bytes;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: RtlUnicodeStringToAnsiString converts with the system ANSI code page,
 * into the caller's buffer or a new one freed with RtlFreeAnsiString; on failure nothing is
 * allocated or converted (RtlUnicodeStringToAnsiString, Microsoft Learn). The result is
 * NUL-terminated; too small a buffer gives STATUS_BUFFER_OVERFLOW.
 * Simulation: the ANSI code page is Latin-1: U+0000..U+00FF become that byte, every other
 * UTF-16 unit becomes '?'. The caller's buffer must hold the text and the terminator, else
 * STATUS_BUFFER_OVERFLOW with nothing converted. Malformed input ->
 * STATUS_INVALID_PARAMETER; out of pool -> STATUS_NO_MEMORY.
 */
NTSTATUS NTAPI RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString,
                                            PCUNICODE_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    size_t n, i;
    PCHAR buf;
    if (DestinationString == NULL || SourceString == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlUnicodeStringToAnsiString: NULL argument");
    if (!pnpsim__ustr_valid(SourceString))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlUnicodeStringToAnsiString: malformed SourceString");
    n = SourceString->Length / sizeof(WCHAR);
    if (AllocateDestinationString) {
        buf = rtl_alloc(n + 1);
        if (buf == NULL)
            return pnpsim__status(STATUS_NO_MEMORY, "RtlUnicodeStringToAnsiString: out of pool");
        DestinationString->Buffer = buf;
        DestinationString->MaximumLength = (USHORT)(n + 1);
    } else {
        if (!out_usable(DestinationString->MaximumLength, DestinationString->Buffer))
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "RtlUnicodeStringToAnsiString: malformed DestinationString");
        if (n + 1 > DestinationString->MaximumLength)
            return pnpsim__status(STATUS_BUFFER_OVERFLOW,
                                  "RtlUnicodeStringToAnsiString: %lu bytes needed, "
                                  "MaximumLength is %u",
                                  (unsigned long)(n + 1),
                                  (unsigned)DestinationString->MaximumLength);
        buf = DestinationString->Buffer;
    }
    for (i = 0; i < n; i++) {
        WCHAR c = SourceString->Buffer[i];
        buf[i] = c <= 0xFF ? (CHAR)(unsigned char)c : '?';
    }
    buf[n] = '\0';
    DestinationString->Length = (USHORT)n;
    return STATUS_SUCCESS;
}

/* ======================================================================================
 * Integers
 * ==================================================================================== */

/*
 * Windows behaviour: RtlIntegerToUnicodeString writes Value in base 2, 8, 10 (or 0) or 16
 * as a NUL-terminated string; STATUS_INVALID_PARAMETER for another base,
 * STATUS_BUFFER_OVERFLOW when the buffer is too small (RtlIntegerToUnicodeString,
 * Microsoft Learn).
 * Simulation: upper-case hex digits, no prefix; the buffer must hold the digits and the
 * terminator, else STATUS_BUFFER_OVERFLOW with String unchanged. A String with a
 * MaximumLength but no Buffer -> STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI RtlIntegerToUnicodeString(ULONG Value, ULONG Base, PUNICODE_STRING String)
{
    static const char digits[] = "0123456789ABCDEF";
    WCHAR tmp[33];
    size_t n = 0, i;
    if (Base == 0)
        Base = 10;
    if (Base != 2 && Base != 8 && Base != 10 && Base != 16)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlIntegerToUnicodeString: Base %lu is not 0, 2, 8, 10 or 16",
                              (unsigned long)Base);
    if (String == NULL || !out_usable(String->MaximumLength, String->Buffer))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlIntegerToUnicodeString: malformed or NULL String");
    do {
        tmp[n++] = (WCHAR)digits[Value % Base];
        Value /= Base;
    } while (Value != 0);
    if ((n + 1) * sizeof(WCHAR) > String->MaximumLength)
        return pnpsim__status(STATUS_BUFFER_OVERFLOW,
                              "RtlIntegerToUnicodeString: %lu bytes needed, MaximumLength is %u",
                              (unsigned long)((n + 1) * sizeof(WCHAR)),
                              (unsigned)String->MaximumLength);
    for (i = 0; i < n; i++)
        String->Buffer[i] = tmp[n - 1 - i];
    String->Buffer[n] = UNICODE_NULL;
    String->Length = (USHORT)(n * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

static int digit_value(WCHAR c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/*
 * Windows behaviour: RtlUnicodeStringToInteger skips leading white space, takes an optional
 * '+' or '-', and with Base 0 reads a "0x", "0o" or "0b" prefix (else decimal); digits end
 * at the first character not valid in the base. A string with no valid number gives 0 and
 * STATUS_SUCCESS; an empty string STATUS_INVALID_PARAMETER (RtlUnicodeStringToInteger,
 * Microsoft Learn, with its table of examples).
 * Simulation: as documented; a base other than 0, 2, 8, 10, 16, a NULL Value, or a
 * malformed String -> STATUS_INVALID_PARAMETER. Overflow wraps modulo 2^32; '-' negates in
 * two's complement.
 */
NTSTATUS NTAPI RtlUnicodeStringToInteger(PCUNICODE_STRING String, ULONG Base, PULONG Value)
{
    const WCHAR *s;
    size_t n, i = 0;
    bool negative = false;
    ULONG v = 0;
    int d;

    if (Base != 0 && Base != 2 && Base != 8 && Base != 10 && Base != 16)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlUnicodeStringToInteger: Base %lu is not 0, 2, 8, 10 or 16",
                              (unsigned long)Base);
    if (String == NULL || Value == NULL || !pnpsim__ustr_valid(String))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "RtlUnicodeStringToInteger: NULL or malformed argument");
    n = String->Length / sizeof(WCHAR);
    if (n == 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "RtlUnicodeStringToInteger: empty String");
    s = String->Buffer;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\v' ||
                     s[i] == '\f'))
        i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        negative = s[i] == '-';
        i++;
    }
    if (Base == 0) {
        Base = 10;
        if (i + 1 < n && s[i] == '0') {
            WCHAR p = s[i + 1];
            if (p == 'x' || p == 'X')
                Base = 16;
            else if (p == 'o' || p == 'O')
                Base = 8;
            else if (p == 'b' || p == 'B')
                Base = 2;
            if (Base != 10)
                i += 2;
        }
    }
    for (; i < n; i++) {
        d = digit_value(s[i]);
        if (d >= (int)Base)
            break;
        v = v * Base + (ULONG)d;
    }
    *Value = negative ? (ULONG)(0u - v) : v;
    return STATUS_SUCCESS;
}
