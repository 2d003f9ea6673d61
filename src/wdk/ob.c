/* SPDX-License-Identifier: MIT */
/*
 * This file implements the object manager subset pnpsim needs: the object header that sits
 * in front of every DEVICE_OBJECT, DRIVER_OBJECT and FILE_OBJECT, its reference count
 * (ObfReferenceObject / ObfDereferenceObject), what happens when the count reaches zero, the
 * checks that turn a bad object pointer or an over-dereference into the bug check Windows
 * gives, and the quarantine that keeps freed object memory readable for a while so that
 * those checks do not themselves touch freed memory.
 */
#include "io_int.h"

/* Every object body follows its header directly, with no padding, on every target (LP64,
 * LLP64 and 32-bit): ob_probe relies on it. */
_Static_assert(offsetof(pnpsim__devobj, dev) == sizeof(pnpsim__obhdr),
               "DEVICE_OBJECT must follow its object header directly");
_Static_assert(offsetof(pnpsim__driver, drv) == sizeof(pnpsim__obhdr),
               "DRIVER_OBJECT must follow its object header directly");
_Static_assert(offsetof(pnpsim__file, file) == sizeof(pnpsim__obhdr),
               "FILE_OBJECT must follow its object header directly");

#define QUARANTINE_SLOTS (sizeof(((pnpsim_system *)0)->ob_quarantine) / sizeof(void *))

pnpsim__ob_state pnpsim__ob_probe(const void *body, pnpsim__obhdr **out)
{
    const pnpsim__obhdr *hdr;
    uintptr_t addr = (uintptr_t)body;
    if (out != NULL)
        *out = NULL;
    /* NULL, small integers and misaligned pointers are never objects; reading in front of
     * them would be a crash of the simulator rather than a report. */
    if (addr < 0x10000 || addr % sizeof(void *) != 0)
        return PNPSIM__OB_NONE;
    hdr = (const pnpsim__obhdr *)((const char *)body - sizeof(pnpsim__obhdr));
    if (hdr->magic == PNPSIM__OB_MAGIC) {
        if (out != NULL)
            *out = (pnpsim__obhdr *)hdr;
        return PNPSIM__OB_LIVE;
    }
    if (hdr->magic == PNPSIM__OB_FREED_MAGIC) {
        if (out != NULL)
            *out = (pnpsim__obhdr *)hdr;
        return PNPSIM__OB_FREED;
    }
    return PNPSIM__OB_NONE;
}

pnpsim__obhdr *pnpsim__ob_header(const void *body)
{
    pnpsim__obhdr *hdr;
    return pnpsim__ob_probe(body, &hdr) == PNPSIM__OB_LIVE ? hdr : NULL;
}

pnpsim_system *pnpsim__io_sys(const pnpsim__obhdr *hdr)
{
    if (hdr != NULL && hdr->sys != NULL)
        return hdr->sys;
    return pnpsim__ts()->current;
}

static const char *type_name(int type)
{
    switch (type) {
    case IO_TYPE_DEVICE:
        return "DEVICE_OBJECT";
    case IO_TYPE_DRIVER:
        return "DRIVER_OBJECT";
    case IO_TYPE_FILE:
        return "FILE_OBJECT";
    default:
        return "object";
    }
}

void pnpsim__bad_object(pnpsim_system *sys, const void *p, int type, const char *ddi)
{
    pnpsim__obhdr *hdr;
    pnpsim__ob_state st = pnpsim__ob_probe(p, &hdr);
    if (sys == NULL)
        sys = pnpsim__io_sys(hdr);
    if (st == PNPSIM__OB_FREED) {
        /* The object's last reference is gone: on Windows its memory is free pool and the
         * routine works on a dead object, which REFERENCE_BY_POINTER reports. */
        pnpsim__bugcheck(sys, REFERENCE_BY_POINTER, (ULONG_PTR)hdr->type, (ULONG_PTR)p, 0, 0,
                         "%s: %s %p was already deleted (its last reference is gone)", ddi,
                         type_name(hdr->type), p);
        return;
    }
    pnpsim__bugcheck(sys, PNPSIM__BAD_OBJECT_HEADER,
                     p != NULL ? (ULONG_PTR)p - sizeof(pnpsim__obhdr) : 0, 0, 0, 0,
                     "%s: %p is not a %s%s", ddi, p, type_name(type),
                     st == PNPSIM__OB_LIVE ? " (it is an object of another type)" : "");
}

void pnpsim__quarantine(pnpsim_system *sys, void *p)
{
    long n;
    void *old;
    if (p == NULL)
        return;
    if (sys->destroying) {
        pnpsim__free(sys, p);
        return;
    }
    n = pnpsim__atomic_inc(&sys->ob_quarantine_next);
    old = InterlockedExchangePointer((PVOID volatile *)&sys->ob_quarantine[(unsigned long)n %
                                                                           QUARANTINE_SLOTS],
                                     p);
    if (old != NULL)
        pnpsim__free(sys, old);
}

void pnpsim__ob_ref(pnpsim__obhdr *hdr)
{
    pnpsim__atomic_inc(&hdr->refs);
}

/* Drop one reference; returns the new count. At zero the object is destroyed, except a
 * device object that IoDeleteDevice has not deleted yet: its creation reference was
 * dropped by someone else, an over-dereference Windows reports as REFERENCE_BY_POINTER. */
static LONG_PTR ob_release(pnpsim__obhdr *hdr, const void *body, const char *ddi)
{
    long n = pnpsim__atomic_dec(&hdr->refs);
    if (n > 0)
        return n;
    if (n < 0 || (hdr->type == IO_TYPE_DEVICE && !PNPSIM_DEVOBJ((PDEVICE_OBJECT)body)->deleted)) {
        /* Put the count back so that the object stays consistent if the handler lets the
         * simulation continue. */
        pnpsim__atomic_inc(&hdr->refs);
        pnpsim__bugcheck(hdr->sys, REFERENCE_BY_POINTER, (ULONG_PTR)hdr->type, (ULONG_PTR)body,
                         0, 0,
                         "%s: the reference count of %s %p would drop to %ld%s", ddi,
                         type_name(hdr->type), body, n,
                         n == 0 ? " before IoDeleteDevice (one dereference too many)" : "");
        return n < 0 ? 0 : 1;
    }
    if (hdr->destroy != NULL)
        hdr->destroy(hdr);
    return 0;
}

void pnpsim__ob_unref(pnpsim__obhdr *hdr)
{
    ob_release(hdr, (const char *)hdr + sizeof(*hdr), "ObDereferenceObject");
}

/*
 * Windows behaviour: ObfReferenceObject (the routine behind ObReferenceObject) increments
 * the pointer count of an object and returns the new count; any IRQL <= DISPATCH_LEVEL
 * (Microsoft Learn: nf-wdm-obfreferenceobject).
 * Simulation: objects are pnpsim's device, driver and file objects. A pointer that is not
 * one bug checks BAD_OBJECT_HEADER (0x189); an object already freed bug checks
 * REFERENCE_BY_POINTER (0x18). Both are choices: Windows would corrupt memory or fault.
 */
LONG_PTR FASTCALL ObfReferenceObject(PVOID Object)
{
    pnpsim__obhdr *hdr;
    if (pnpsim__ob_probe(Object, &hdr) != PNPSIM__OB_LIVE) {
        pnpsim__bad_object(NULL, Object, 0, "ObfReferenceObject");
        return 0;
    }
    return pnpsim__atomic_inc(&hdr->refs);
}

/*
 * Windows behaviour: ObfDereferenceObject (behind ObDereferenceObject) decrements the
 * pointer count and deletes a temporary object whose count reaches zero; a count that goes
 * below zero, or to zero while the object is still in use, is bug check 0x18
 * REFERENCE_BY_POINTER (parameter 1 the object type, 2 the object); IRQL <= DISPATCH_LEVEL
 * (nf-wdm-obfdereferenceobject; bug-check-0x18--reference-by-pointer).
 * Simulation: returns the new count. A device object reaching zero before IoDeleteDevice
 * (its creation reference taken by an extra dereference) and any dereference of an object
 * already freed bug check 0x18; parameter 1 is pnpsim's IO_TYPE_* of the object, not an
 * OBJECT_TYPE pointer. A FILE_OBJECT reaching zero is closed: IRP_MJ_CLEANUP and
 * IRP_MJ_CLOSE go to its device stack (io_file.c). Non-objects bug check 0x189.
 */
LONG_PTR FASTCALL ObfDereferenceObject(PVOID Object)
{
    pnpsim__obhdr *hdr;
    if (pnpsim__ob_probe(Object, &hdr) != PNPSIM__OB_LIVE) {
        pnpsim__bad_object(NULL, Object, 0, "ObfDereferenceObject");
        return 0;
    }
    if (!pnpsim__check_irql(hdr->sys, "ObfDereferenceObject", DISPATCH_LEVEL, 0, NULL))
        return pnpsim__atomic_load(&hdr->refs);
    return ob_release(hdr, Object, "ObfDereferenceObject");
}
