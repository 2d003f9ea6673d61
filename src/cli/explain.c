/* SPDX-License-Identifier: MIT */
/*
 * This file implements `pnpsim explain`: what a status or a bug check means where PnP and
 * device interfaces are concerned, which DDI typically returns or raises it in pnpsim, and
 * what usually causes it in a driver or a test. Input is a symbolic name (any case) or a
 * number (decimal or 0x...); small numbers are looked up as bug check codes first.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct explanation {
    ULONG value;
    const char *name;
    const char *text;
} explanation;

static const explanation statuses[] = {
    {0x00000000u, "STATUS_SUCCESS", "The operation succeeded."},
    {0x00000103u, "STATUS_PENDING",
     "The driver queued the IRP and will complete it later (it marked it pending). The\n"
     "caller waits on the IRP's event; pnpsim lets queued work run while it waits. A PnP\n"
     "IRP that is still pending when IRP_MN_REMOVE_DEVICE arrives is a verifier report."},
    {0x40000000u, "STATUS_OBJECT_NAME_EXISTS",
     "A success with information. IoRegisterDeviceInterface returns it for a registration\n"
     "that exists already (same device, class and reference string: the same name comes\n"
     "back); IoSetDeviceInterfaceState(TRUE) on an interface that is\n"
     "already enabled returns STATUS_OBJECT_NAME_EXISTS and changes nothing (no second\n"
     "arrival). NT_SUCCESS() is true for it."},
    {0x80000011u, "STATUS_DEVICE_BUSY",
     "The device cannot do it now. A driver fails IRP_MN_QUERY_REMOVE_DEVICE or\n"
     "IRP_MN_QUERY_STOP_DEVICE with it to veto the removal or stop: the PnP manager sends\n"
     "IRP_MN_CANCEL_REMOVE_DEVICE (or CANCEL_STOP) and the device keeps running."},
    {0xC0000001u, "STATUS_UNSUCCESSFUL", "A generic failure."},
    {0xC0000002u, "STATUS_NOT_IMPLEMENTED", "The routine or request is not implemented."},
    {0xC000000Du, "STATUS_INVALID_PARAMETER",
     "An argument is wrong: NULL where a value is needed, a malformed UNICODE_STRING (odd\n"
     "Length, Length > MaximumLength, NULL Buffer), a symbolic link name that is not an\n"
     "interface name, a reference string containing a backslash, a device object that is\n"
     "not a PDO given to IoRegisterDeviceInterface."},
    {0xC000000Eu, "STATUS_NO_SUCH_DEVICE",
     "The device does not exist (any more), or no function driver is bound to the device's\n"
     "hardware IDs when it is started."},
    {0xC0000010u, "STATUS_INVALID_DEVICE_REQUEST", "The device does not handle this request."},
    {0xC0000023u, "STATUS_BUFFER_TOO_SMALL", "The caller's buffer is too small."},
    {0xC0000034u, "STATUS_OBJECT_NAME_NOT_FOUND",
     "No object has that name. IoSetDeviceInterfaceState returns it for a well-formed name\n"
     "that is not registered, and IoSetDeviceInterfaceState(FALSE) for an interface that is\n"
     "not enabled."},
    {0xC0000035u, "STATUS_OBJECT_NAME_COLLISION",
     "The name is taken: a device with that instance path is present, or a driver with\n"
     "that service name is loaded."},
    {0xC0000056u, "STATUS_DELETE_PENDING",
     "The device is being removed (surprise removal or remove in progress): new opens fail."},
    {0xC000009Au, "STATUS_INSUFFICIENT_RESOURCES",
     "Out of memory (in pnpsim: usually fault injection with pnpsim_fault_alloc). Every\n"
     "pnpsim entry point leaves the system exactly as before when it returns this."},
    {0xC00000BBu, "STATUS_NOT_SUPPORTED",
     "What every PnP IRP's IoStatus.Status is pre-set to. If nobody in the stack handles\n"
     "the IRP it comes back with this status: IRP_MN_QUERY_INTERFACE for an interface no\n"
     "driver exports, for example. A driver that does not handle a PnP IRP must pass it\n"
     "down without touching the status."},
    {0xC0000182u, "STATUS_DEVICE_CONFIGURATION_ERROR",
     "The device is configured wrongly; a driver may fail IRP_MN_START_DEVICE with it. The\n"
     "PnP manager then removes the stack (IRP_MN_REMOVE_DEVICE) and the device gets a\n"
     "problem code."},
    {0xC0000184u, "STATUS_INVALID_DEVICE_STATE",
     "The device is not in a state that allows this: starting a started device, stopping\n"
     "one that is not started, removing one that is already removed."},
    {0xC00002B6u, "STATUS_DEVICE_REMOVED", "The device has been removed."},
};

static const explanation bugchecks[] = {
    {0x0Au, "IRQL_NOT_LESS_OR_EQUAL",
     "A routine was called at too high an IRQL (or touched pageable memory there). In\n"
     "pnpsim: a DDI documented for PASSIVE_LEVEL (IoRegisterDeviceInterface,\n"
     "IoSetDeviceInterfaceState, IoRegisterPlugPlayNotification, ...) called at\n"
     "DISPATCH_LEVEL, e.g. under a spin lock. Parameters: address, IRQL, access, caller."},
    {0x19u, "BAD_POOL_HEADER", "The pool header of a block is damaged."},
    {0x44u, "MULTIPLE_IRP_COMPLETE_REQUESTS",
     "A driver completed an IRP that was already completed (IoCompleteRequest twice), often\n"
     "after passing it down and completing it again."},
    {0xC2u, "BAD_POOL_CALLER",
     "Bad pool request: freeing a block twice, freeing an address that is not pool,\n"
     "allocating at the wrong IRQL. Parameter 1 says which."},
    {0xC4u, "DRIVER_VERIFIER_DETECTED_VIOLATION",
     "Driver Verifier caught a rule violation; parameter 1 names the rule. pnpsim uses the\n"
     "real codes for DDI-compliance IRQL rules and its own parameter-1 values (0x504E51xx)\n"
     "for query-interface mistakes: 0x504E5101 reference leaked, 0x504E5102 released more\n"
     "often than taken, 0x504E5103 interface used after its exporter was removed,\n"
     "0x504E5104 size/version mismatch, 0x504E5105 malformed INTERFACE, 0x504E5106 written\n"
     "past the buffer; 0x504E5201 a PASSIVE-only DDI during a set-power IRP, 0x504E5202 a\n"
     "PnP IRP still pending at remove."},
    {0xC9u, "DRIVER_VERIFIER_IOMANAGER_VIOLATION",
     "The I/O verifier caught an IRP handling mistake: changing the status of a PnP IRP it\n"
     "does not handle, failing one with STATUS_NOT_SUPPORTED, completing without passing\n"
     "down, not detaching or deleting the device on IRP_MN_REMOVE_DEVICE. Parameter 1 is\n"
     "the rule (0x20E, 0x213, 0x215, 0x216, 0x21D, 0x21E, 0x22D..0x22F, 0x306)."},
    {0xCAu, "PNP_DETECTED_FATAL_ERROR",
     "The PnP manager found a fatal error: a device object given as a PDO that is not one\n"
     "(parameter 1 = 2: invalid PDO, e.g. an FDO passed to IoRegisterDeviceInterface), a\n"
     "duplicate PDO, a PDO freed while still referenced."},
    {0xCEu, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS",
     "A driver unloaded while work it queued (timers, DPCs, work items, notification\n"
     "registrations) could still call into it."},
    {0xD1u, "DRIVER_IRQL_NOT_LESS_OR_EQUAL",
     "A driver touched pageable or invalid memory at DISPATCH_LEVEL or above."},
};

static int streqi(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
            return 0;
    return *a == *b;
}

static void show(FILE *out, const char *kind, const explanation *e)
{
    fprintf(out, "%s 0x%08lX %s\n\n%s\n", kind, (unsigned long)e->value, e->name, e->text);
}

int cli_explain(const char *what, FILE *out)
{
    char *end;
    unsigned long long v;
    size_t i;
    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (streqi(what, statuses[i].name)) {
            show(out, "Status", &statuses[i]);
            return 0;
        }
    for (i = 0; i < sizeof(bugchecks) / sizeof(bugchecks[0]); i++)
        if (streqi(what, bugchecks[i].name)) {
            show(out, "Bug check", &bugchecks[i]);
            return 0;
        }
    v = strtoull(what, &end, 0);
    if (*what == '\0' || *end != '\0' || *what == '-' || v > 0xFFFFFFFFull) {
        const char *n = NULL;
        /* A name pnpsim knows but has no explanation for. */
        for (ULONG code = 1; code < 0x200 && n == NULL; code++)
            if (streqi(what, pnpsim_bugcheck_name(code)))
                n = pnpsim_bugcheck_name(code);
        if (n != NULL) {
            fprintf(out, "Bug check %s: see its Microsoft Learn page (\"Bug check ... %s\").\n",
                    n, n);
            return 0;
        }
        fprintf(stderr, "pnpsim explain: '%s' is not a status or bug check this version "
                "knows (try a STATUS_... name, a bug check name, or a number)\n", what);
        return 2;
    }
    if (v < 0x200) {
        for (i = 0; i < sizeof(bugchecks) / sizeof(bugchecks[0]); i++)
            if (bugchecks[i].value == v) {
                show(out, "Bug check", &bugchecks[i]);
                return 0;
            }
    }
    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (statuses[i].value == v) {
            show(out, "Status", &statuses[i]);
            return 0;
        }
    if (v < 0x200)
        fprintf(out, "Bug check 0x%08llX %s (no explanation in this version)\n", v,
                pnpsim_bugcheck_name((ULONG)v));
    fprintf(out, "Status 0x%08llX %s (no explanation in this version)\n", v,
            pnpsim_status_name((NTSTATUS)(ULONG)v));
    return 0;
}
