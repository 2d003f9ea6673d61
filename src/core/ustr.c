/* SPDX-License-Identifier: MIT */
/*
 * This file implements the library's internal string helpers: UTF-8 <-> UTF-16 conversion
 * (strict on input: malformed UTF-8 is rejected, unpaired UTF-16 surrogates become U+FFFD),
 * a 16-bit wcslen (libc's wcs* functions have the wrong width under -fshort-wchar), ASCII
 * case-insensitive comparison, the UNICODE_STRING well-formedness test every DDI uses, and
 * GUID formatting and parsing in the registry form "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}".
 */
#include <inttypes.h>

#include "pnpsim_int.h"

size_t pnpsim__wcslen(const WCHAR *s)
{
    size_t n = 0;
    if (s == NULL)
        return 0;
    while (s[n] != 0)
        n++;
    return n;
}

/* ---- UTF-8 -> UTF-16 ------------------------------------------------------------------ */

/* Decode one code point from s (NUL-terminated). Returns the number of bytes consumed, or 0
 * if the sequence is malformed (truncated, overlong, a surrogate, or above U+10FFFF). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    uint32_t c = s[0];
    size_t len, i;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
        c &= 0x07;
    } else {
        return 0; /* continuation byte, 0xC0/0xC1 (always overlong) or 0xF5.. */
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0; /* also catches the terminating NUL of a truncated sequence */
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

WCHAR *pnpsim__utf8_to_utf16(pnpsim_system *sys, const char *s, size_t *out_chars)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t units = 0, i = 0, used;
    uint32_t cp;
    WCHAR *w, *o;

    if (out_chars != NULL)
        *out_chars = 0;
    if (s == NULL)
        return NULL;
    /* First pass: validate and count UTF-16 units. */
    while (p[i] != 0) {
        used = utf8_decode(p + i, &cp);
        if (used == 0)
            return NULL;
        units += cp >= 0x10000 ? 2 : 1;
        i += used;
    }
    w = pnpsim__malloc(sys, (units + 1) * sizeof(WCHAR));
    if (w == NULL)
        return NULL;
    o = w;
    for (i = 0; p[i] != 0; i += used) {
        used = utf8_decode(p + i, &cp);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            *o++ = (WCHAR)(0xD800 + (cp >> 10));
            *o++ = (WCHAR)(0xDC00 + (cp & 0x3FF));
        } else {
            *o++ = (WCHAR)cp;
        }
    }
    *o = 0;
    if (out_chars != NULL)
        *out_chars = units;
    return w;
}

/* ---- UTF-16 -> UTF-8 ------------------------------------------------------------------ */

/* Read one code point from s[*i..n): a valid surrogate pair gives one code point, an
 * unpaired surrogate gives U+FFFD. */
static uint32_t utf16_next(const WCHAR *s, size_t n, size_t *i)
{
    uint32_t c = s[*i];
    (*i)++;
    if (c >= 0xD800 && c <= 0xDBFF) {
        if (*i < n && s[*i] >= 0xDC00 && s[*i] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (uint32_t)(s[*i] - 0xDC00);
            (*i)++;
            return c;
        }
        return 0xFFFD;
    }
    if (c >= 0xDC00 && c <= 0xDFFF)
        return 0xFFFD;
    return c;
}

/* Encode cp into out (at least 4 bytes); returns the byte count. */
static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *pnpsim__utf16_to_utf8(pnpsim_system *sys, const WCHAR *s, size_t n)
{
    size_t i = 0, bytes = 0, o = 0;
    char tmp[4];
    char *out;

    if (s == NULL && n > 0)
        return NULL;
    while (i < n)
        bytes += utf8_encode(utf16_next(s, n, &i), tmp);
    out = pnpsim__malloc(sys, bytes + 1);
    if (out == NULL)
        return NULL;
    i = 0;
    while (i < n)
        o += utf8_encode(utf16_next(s, n, &i), out + o);
    out[o] = '\0';
    return out;
}

void pnpsim__utf16_to_utf8_buf(const WCHAR *s, size_t n, char *buf, size_t bufsize)
{
    size_t i = 0, o = 0, len;
    char tmp[4];

    if (buf == NULL || bufsize == 0)
        return;
    if (s != NULL) {
        while (i < n) {
            len = utf8_encode(utf16_next(s, n, &i), tmp);
            if (o + len >= bufsize)
                break; /* never split a character; keep room for the NUL */
            memcpy(buf + o, tmp, len);
            o += len;
        }
    }
    buf[o] = '\0';
}

/* ---- comparisons and checks ----------------------------------------------------------- */

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int pnpsim__stricmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    int cx, cy;
    if (a == NULL || b == NULL)
        return a == b ? 0 : (a == NULL ? -1 : 1);
    for (;;) {
        cx = ascii_lower(*x++);
        cy = ascii_lower(*y++);
        if (cx != cy || cx == 0)
            return cx - cy;
    }
}

bool pnpsim__ustr_valid(PCUNICODE_STRING s)
{
    if (s == NULL)
        return false;
    if ((s->Length & 1) != 0 || (s->MaximumLength & 1) != 0)
        return false;
    if (s->Length > s->MaximumLength)
        return false;
    if (s->Buffer == NULL && s->Length > 0)
        return false;
    return true;
}

/* ---- GUIDs ---------------------------------------------------------------------------- */

/* Without snprintf: names are built from GUIDs on hot paths (interface registration). */
static char *put_hex(char *p, uint32_t v, int digits, const char *hex)
{
    for (int i = digits - 1; i >= 0; i--)
        *p++ = hex[(v >> (i * 4)) & 0xF];
    return p;
}

void pnpsim__guid_format(const GUID *g, bool upper, char buf[39])
{
    const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = buf;
    *p++ = '{';
    p = put_hex(p, (uint32_t)g->Data1, 8, hex);
    *p++ = '-';
    p = put_hex(p, g->Data2, 4, hex);
    *p++ = '-';
    p = put_hex(p, g->Data3, 4, hex);
    *p++ = '-';
    for (int i = 0; i < 8; i++) {
        if (i == 2)
            *p++ = '-';
        p = put_hex(p, g->Data4[i], 2, hex);
    }
    *p++ = '}';
    *p = 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse `digits` hex digits at s into *out; false if any is not a hex digit. */
static bool parse_hex(const char *s, int digits, uint32_t *out)
{
    uint32_t v = 0;
    int i, h;
    for (i = 0; i < digits; i++) {
        h = hex_value(s[i]);
        if (h < 0)
            return false;
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return true;
}

bool pnpsim__guid_parse(const char *s, size_t n, GUID *out)
{
    /* Offsets of the fields in "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}". */
    static const int byte_at[8] = {20, 22, 25, 27, 29, 31, 33, 35};
    GUID g;
    uint32_t v;
    int i;

    if (s == NULL || out == NULL || n != 38)
        return false;
    if (s[0] != '{' || s[9] != '-' || s[14] != '-' || s[19] != '-' || s[24] != '-' || s[37] != '}')
        return false;
    if (!parse_hex(s + 1, 8, &v))
        return false;
    g.Data1 = v;
    if (!parse_hex(s + 10, 4, &v))
        return false;
    g.Data2 = (USHORT)v;
    if (!parse_hex(s + 15, 4, &v))
        return false;
    g.Data3 = (USHORT)v;
    for (i = 0; i < 8; i++) {
        if (!parse_hex(s + byte_at[i], 2, &v))
            return false;
        g.Data4[i] = (UCHAR)v;
    }
    *out = g;
    return true;
}
