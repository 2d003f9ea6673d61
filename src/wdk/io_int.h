/* SPDX-License-Identifier: MIT */
/*
 * This file declares what the object manager subset (ob.c) and the I/O manager files
 * (io_device.c, io_irp.c, io_file.c) share among themselves and nobody else: probing a
 * pointer for an object header, the quarantine that keeps freed object and IRP memory
 * readable for a while, the bug check codes they use that wdm.h does not name, and the
 * marker pnpsim puts in the IRPs it allocates.
 */
#ifndef PNPSIM_WDK_IO_INT_H
#define PNPSIM_WDK_IO_INT_H

#include "pnpsim_int.h"

/* BAD_OBJECT_HEADER: the nearest documented code for "this pointer is not an object of the
 * type the routine takes" (bug-check-0x189--bad-object-header: parameter 3 = 0, the type
 * is corrupt). */
#define PNPSIM__BAD_OBJECT_HEADER 0x00000189

/* The header magic of an object whose memory was released (kept in the quarantine). */
#define PNPSIM__OB_FREED_MAGIC 0x4645534Fu /* "OSEF" */
/* The pnpsim__irp magic of an IRP that was freed (kept in the quarantine). */
#define PNPSIM__IRP_FREED_MAGIC 0x46524950u

/* IRP.AllocationFlags bit that marks IRPs pnpsim allocated (IoAllocateIrp and the
 * builders); Windows' own bits are 0x01..0x08. IoInitializeIrp'd IRPs never carry it. */
#define PNPSIM__IRP_ALLOCATED 0x80

typedef enum pnpsim__ob_state {
    PNPSIM__OB_NONE = 0, /* not an object (or NULL) */
    PNPSIM__OB_LIVE = 1, /* a live object; *hdr set */
    PNPSIM__OB_FREED = 2 /* an object whose last reference is gone (quarantined) */
} pnpsim__ob_state;

/* Look at the header in front of body without trusting it. */
pnpsim__ob_state pnpsim__ob_probe(const void *body, pnpsim__obhdr **hdr);

/* Hand memory (an internal allocation) to sys's quarantine: it is released later, when
 * newer memory pushes it out, or at system destroy. */
void pnpsim__quarantine(pnpsim_system *sys, void *p);

/* The system a DDI works in: the object's when it has one, else the thread's current one
 * (may be NULL: pnpsim__bugcheck reports that). */
pnpsim_system *pnpsim__io_sys(const pnpsim__obhdr *hdr);

/* Bug check for a pointer that should be a live object of type `type` (IO_TYPE_*) and is
 * not: REFERENCE_BY_POINTER when it is an object already freed, BAD_OBJECT_HEADER
 * otherwise. */
void pnpsim__bad_object(pnpsim_system *sys, const void *p, int type, const char *ddi);

/* The file close path (io_file.c): called by ObfDereferenceObject when a FILE_OBJECT's
 * count reaches zero. */
void pnpsim__file_last_reference(pnpsim__obhdr *hdr);

/* Open a device by object name as IoGetDeviceObjectPointer and ZwCreateFile do (io_file.c):
 * a device interface's symbolic link ("\??\", "\\?\", "\GLOBAL??\" or "\DosDevices\"
 * form; the reference string becomes the file name) or "\Device\<name>[\rest]". IRP_MJ_CREATE
 * goes to the top of the device's stack with create_options (disposition in the high
 * byte), attributes and share access. Returns a referenced file object and the top of the
 * stack. STATUS_OBJECT_NAME_NOT_FOUND for a name that names nothing open-able (a disabled
 * interface, an unknown device). Caller holds no lock; PASSIVE_LEVEL. */
NTSTATUS pnpsim__io_open_name(pnpsim_system *sys, const char *ddi, const WCHAR *name, size_t n,
                              ULONG create_options, ULONG attributes, USHORT share,
                              PFILE_OBJECT *file, PDEVICE_OBJECT *top);

/* Name of an IRP's major/minor pair for traces, into buf. */
const char *pnpsim__irp_name(UCHAR major, UCHAR minor, char *buf, size_t size);

#endif /* PNPSIM_WDK_IO_INT_H */
