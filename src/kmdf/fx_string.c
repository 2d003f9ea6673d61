/* SPDX-License-Identifier: MIT */
/*
 * This file implements framework string objects (WDFSTRING) of pnpsim's KMDF layer:
 * WdfStringCreate, WdfStringGetUnicodeString, and the assignment the framework uses to
 * hand strings to drivers (interface names, version text).
 */
#include "kmdf_int.h"

static void string_on_destroy(pnpsim__fx_object *o)
{
    pnpsim__fx_string *s = (pnpsim__fx_string *)o;
    pnpsim__free(o->sys, s->value.Buffer);
    s->value.Buffer = NULL;
}

static const pnpsim__fx_ops string_ops = {"WDFSTRING", NULL, string_on_destroy, false};

NTSTATUS pnpsim__fx_string_assign(pnpsim__fx_string *str, PCUNICODE_STRING s)
{
    pnpsim_system *sys = str->obj.sys;
    size_t n = s != NULL && s->Buffer != NULL ? s->Length / sizeof(WCHAR) : 0;
    WCHAR *buf = pnpsim__calloc(sys, n + 1, sizeof(WCHAR));
    if (buf == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "WDFSTRING: out of memory");
    if (n > 0)
        memcpy(buf, s->Buffer, n * sizeof(WCHAR));
    pnpsim__lock(sys);
    pnpsim__free(sys, str->value.Buffer);
    str->value.Buffer = buf;
    str->value.Length = (USHORT)(n * sizeof(WCHAR));
    str->value.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    pnpsim__unlock(sys);
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfStringCreate": a string object, optionally initialized from a
 * UNICODE_STRING (copied); PASSIVE_LEVEL; STATUS_INVALID_PARAMETER for a malformed
 * string. The default parent is the driver. */
WDFAPI NTSTATUS WdfStringCreate(PCUNICODE_STRING UnicodeString,
                                PWDF_OBJECT_ATTRIBUTES StringAttributes, WDFSTRING *String)
{
    static const char ddi[] = "WdfStringCreate";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__fx_string *s;
    NTSTATUS status;
    if (sys == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (!pnpsim__fx_check_ptr(sys, String, "String", ddi))
        return STATUS_INVALID_PARAMETER;
    *String = NULL;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (UnicodeString != NULL && !pnpsim__ustr_valid(UnicodeString))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: malformed UNICODE_STRING", ddi);
    s = pnpsim__calloc(sys, 1, sizeof(*s));
    if (s == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    status = pnpsim__fx_object_init(sys, &s->obj, PNPSIM_FX_STRING, &string_ops,
                                    pnpsim__fx_current_driver(sys), NULL, StringAttributes, ddi);
    if (!NT_SUCCESS(status)) {
        pnpsim__free(sys, s);
        return status;
    }
    status = pnpsim__fx_string_assign(s, UnicodeString);
    if (!NT_SUCCESS(status)) {
        pnpsim__fx_object_delete(&s->obj);
        return status;
    }
    *String = (WDFSTRING)s;
    return STATUS_SUCCESS;
}

/* Windows behaviour: "WdfStringGetUnicodeString": the UNICODE_STRING the object holds
 * (its buffer stays owned by the object). */
WDFAPI VOID WdfStringGetUnicodeString(WDFSTRING String, PUNICODE_STRING UnicodeString)
{
    static const char ddi[] = "WdfStringGetUnicodeString";
    pnpsim__fx_string *s = (pnpsim__fx_string *)pnpsim__fx_get(String, PNPSIM_FX_STRING, ddi);
    if (s == NULL || !pnpsim__fx_check_ptr(s->obj.sys, UnicodeString, "UnicodeString", ddi))
        return;
    pnpsim__lock(s->obj.sys);
    *UnicodeString = s->value;
    pnpsim__unlock(s->obj.sys);
}
