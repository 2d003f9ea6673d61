/* SPDX-License-Identifier: MIT */
/*
 * This file implements the WDK's device interface routines drivers call:
 * IoRegisterDeviceInterface, IoSetDeviceInterfaceState and IoGetDeviceInterfaces. Each
 * checks its IRQL and arguments the way Windows does, then makes one call into the device
 * interface manager (src/core/iface.c), which owns the semantics.
 */
#include "iface.h"

/* DDI-compliance rules of these routines (windows-semantics.md §11; Microsoft Learn
 * devtest pages wdm-irqliopassive1 and wdm-irqliopassive3): bug check 0xC4 parameter 1. */
#define RULE_IRQL_IO_PASSIVE1 0x0002000A
#define RULE_IRQL_IO_PASSIVE3 0x0002000C

/* Bug check 0xCA parameter 1: a PDO-only routine got something that is not a PDO the PnP
 * manager knows (bug-check-0xca--pnp-detected-fatal-error). */
#define PNP_FATAL_INVALID_PDO 0x2

/* The device node of PhysicalDeviceObject, which must be a PDO the PnP manager knows: not
 * NULL, not random memory, not an FDO or filter, not a PDO that was never reported in bus
 * relations or already deleted, and identified (it has an instance path). Otherwise the
 * PnP fatal error 0xCA/0x2 when the system is strict, and STATUS_INVALID_DEVICE_REQUEST. */
static NTSTATUS known_pdo(pnpsim_system *sys, const char *ddi, PDEVICE_OBJECT obj,
                          pnpsim_device **out)
{
    pnpsim__devobj *o = obj != NULL ? pnpsim__devobj_from(obj) : NULL;
    pnpsim_device *dn = NULL;
    ULONG_PTR drv = 0;
    bool ok = false;
    const char *why = "not a device object";

    *out = NULL;
    if (o != NULL) {
        pnpsim__lock(sys);
        dn = o->devnode;
        drv = (ULONG_PTR)o->dev.DriverObject;
        if (!o->is_pdo)
            why = "a function or filter device object";
        else if (o->deleted || dn == NULL || dn->pdo != o)
            why = "a PDO not reported in bus relations, or deleted";
        else if (dn->instance_path == NULL || dn->instance_path[0] == 0)
            why = "a PDO without an instance path";
        else
            ok = true;
        pnpsim__unlock(sys);
    }
    if (!ok) {
        if (sys->cfg.strict_pnp)
            pnpsim__bugcheck(sys, PNP_DETECTED_FATAL_ERROR, PNP_FATAL_INVALID_PDO,
                             (ULONG_PTR)obj, drv, 0,
                             "%s: %p is not a PDO the PnP manager knows (%s)", ddi,
                             (void *)obj, why);
        return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST, "%s: %p is not a PDO (%s)", ddi,
                              (void *)obj, why);
    }
    *out = dn;
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: registers a device interface instance of class InterfaceClassGuid for
 * the device whose PDO is given, optionally qualified by a reference string (no path
 * separators), and returns its symbolic link name, which the caller frees with
 * RtlFreeUnicodeString. Registering an instance that already exists returns
 * STATUS_OBJECT_NAME_EXISTS and the same name; registrations persist across reboots. It
 * neither enables the interface nor notifies anyone. PASSIVE_LEVEL; DDI rule IrqlIoPassive3
 * (IoRegisterDeviceInterface, Microsoft Learn; windows-semantics.md §2.1, §3).
 * Simulation: the name is "\??\<instance path, '\' -> '#'>#{guid, lower case}[\<ref>]" in
 * pool owned by the calling driver (NUL-terminated; MaximumLength = Length + 2). A non-PDO
 * -> STATUS_INVALID_DEVICE_REQUEST, and bug check 0xCA/0x2 with strict PnP checks on. A
 * zero-length reference string counts as none (as ReactOS and KMDF treat it; Windows does
 * not document it). A reference string containing '\', '/' or a NUL character ->
 * STATUS_INVALID_DEVICE_REQUEST. A malformed UNICODE_STRING, or a name that would not fit
 * a UNICODE_STRING -> STATUS_INVALID_PARAMETER. On any failure *SymbolicLinkName is set to
 * an empty string (Buffer NULL), so freeing it is harmless.
 */
NTSTATUS NTAPI IoRegisterDeviceInterface(PDEVICE_OBJECT PhysicalDeviceObject,
                                         const GUID *InterfaceClassGuid,
                                         PUNICODE_STRING ReferenceString,
                                         PUNICODE_STRING SymbolicLinkName)
{
    pnpsim__devobj *o = PhysicalDeviceObject != NULL ? pnpsim__devobj_from(PhysicalDeviceObject)
                                                     : NULL;
    pnpsim_system *sys = o != NULL ? o->hdr.sys : pnpsim__require_system("IoRegisterDeviceInterface");
    pnpsim_device *dn;
    const WCHAR *ref = NULL;
    size_t ref_chars = 0, n;
    WCHAR *buf;
    NTSTATUS status;
    char path[256];

    /* If the bug check handler lets the simulation go on, the call still works. */
    (void)pnpsim__check_irql(sys, "IoRegisterDeviceInterface", PASSIVE_LEVEL,
                             RULE_IRQL_IO_PASSIVE3, "IrqlIoPassive3");
    if (SymbolicLinkName != NULL) {
        SymbolicLinkName->Length = 0;
        SymbolicLinkName->MaximumLength = 0;
        SymbolicLinkName->Buffer = NULL;
    }
    if (InterfaceClassGuid == NULL || SymbolicLinkName == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoRegisterDeviceInterface: %s is NULL",
                              InterfaceClassGuid == NULL ? "InterfaceClassGuid"
                                                         : "SymbolicLinkName");
    status = known_pdo(sys, "IoRegisterDeviceInterface", PhysicalDeviceObject, &dn);
    if (!NT_SUCCESS(status))
        return status;
    if (ReferenceString != NULL) {
        if (!pnpsim__ustr_valid(ReferenceString))
            return pnpsim__status(STATUS_INVALID_PARAMETER,
                                  "IoRegisterDeviceInterface: ReferenceString is not a valid "
                                  "UNICODE_STRING (Length %u, MaximumLength %u, Buffer %p)",
                                  ReferenceString->Length, ReferenceString->MaximumLength,
                                  (void *)ReferenceString->Buffer);
        ref = ReferenceString->Buffer;
        ref_chars = ReferenceString->Length / sizeof(WCHAR);
        for (size_t k = 0; k < ref_chars; k++) {
            if (ref[k] == '\\' || ref[k] == '/' || ref[k] == 0)
                return pnpsim__status(STATUS_INVALID_DEVICE_REQUEST,
                                      "IoRegisterDeviceInterface: the reference string contains "
                                      "an invalid character (%s at %zu)",
                                      ref[k] == 0 ? "NUL" : ref[k] == '/' ? "'/'" : "'\\'", k);
        }
        if (ref_chars == 0)
            ref = NULL;
    }

    pnpsim__lock(sys);
    snprintf(path, sizeof(path), "%s", dn->instance_path);
    pnpsim__unlock(sys);
    n = pnpsim__iface_build_name(path, InterfaceClassGuid, ref, ref_chars, NULL, 0);
    if (n > PNPSIM__IFACE_MAX_NAME_CHARS)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoRegisterDeviceInterface: the name would be %zu characters, "
                              "longer than a UNICODE_STRING holds", n);
    /* The caller's copy first, so that running out of pool registers nothing. */
    buf = pnpsim__pool_alloc(sys, pnpsim__current_driver(), PagedPool, (n + 1) * sizeof(WCHAR),
                             PNPSIM__IFACE_POOL_TAG);
    if (buf == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES,
                              "IoRegisterDeviceInterface: no pool for the name");
    status = pnpsim__iface_register(sys, dn, InterfaceClassGuid, ref, ref_chars,
                                    pnpsim__current_driver(), buf, n + 1);
    if (!NT_SUCCESS(status)) {
        ExFreePool(buf);
        return status;
    }
    buf[n] = 0;
    SymbolicLinkName->Buffer = buf;
    SymbolicLinkName->Length = (USHORT)(n * sizeof(WCHAR));
    SymbolicLinkName->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return status;
}

/*
 * Windows behaviour: enables or disables a registered device interface instance. Enabling
 * a disabled one creates its symbolic link and queues GUID_DEVICE_INTERFACE_ARRIVAL for
 * listeners (not before the device's IRP_MN_START_DEVICE has completed); disabling an
 * enabled one deletes the link and queues GUID_DEVICE_INTERFACE_REMOVAL. Enabling an enabled
 * one -> STATUS_OBJECT_NAME_EXISTS; disabling a disabled one, or a name that is not
 * registered -> STATUS_OBJECT_NAME_NOT_FOUND. Names in kernel ("\??\") or user ("\\?\")
 * form; malformed names -> STATUS_INVALID_PARAMETER. PASSIVE_LEVEL; DDI rule
 * IrqlIoPassive1 (IoSetDeviceInterfaceState, Microsoft Learn; windows-semantics.md §4).
 * Simulation: exactly that state table; the name is read only up to its Length and compared
 * case-insensitively (ASCII letters). Enabling before START completes makes the interface
 * enabled (listed, openable) at once, but its arrival event is queued only when START
 * completes; disabling it before then queues neither event. The events are kept in the
 * system's interface event queue (pnpsim_iface_events()). Out of memory on enable ->
 * STATUS_INSUFFICIENT_RESOURCES with nothing changed; disabling never needs memory.
 */
NTSTATUS NTAPI IoSetDeviceInterfaceState(PUNICODE_STRING SymbolicLinkName, BOOLEAN Enable)
{
    pnpsim_system *sys = pnpsim__require_system("IoSetDeviceInterfaceState");
    (void)pnpsim__check_irql(sys, "IoSetDeviceInterfaceState", PASSIVE_LEVEL,
                             RULE_IRQL_IO_PASSIVE1, "IrqlIoPassive1");
    if (SymbolicLinkName == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoSetDeviceInterfaceState: SymbolicLinkName is NULL");
    if (!pnpsim__ustr_valid(SymbolicLinkName))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoSetDeviceInterfaceState: SymbolicLinkName is not a valid "
                              "UNICODE_STRING (Length %u, MaximumLength %u, Buffer %p)",
                              SymbolicLinkName->Length, SymbolicLinkName->MaximumLength,
                              (void *)SymbolicLinkName->Buffer);
    return pnpsim__iface_set_state(sys, SymbolicLinkName->Buffer,
                                   SymbolicLinkName->Length / sizeof(WCHAR), Enable != FALSE,
                                   pnpsim__current_driver());
}

/*
 * Windows behaviour: returns, in paged pool the caller frees with ExFreePool, a list of
 * the symbolic link names (kernel form, each NUL-terminated, an extra NUL at the end) of
 * the enabled interface instances of a class, of one device when PhysicalDeviceObject is
 * given, or of all registered ones with DEVICE_INTERFACE_INCLUDE_NONACTIVE. No match ->
 * STATUS_SUCCESS and a list holding a single NUL. An invalid PDO ->
 * STATUS_INVALID_DEVICE_REQUEST. The class's default interface, if any, comes first; the
 * order is otherwise unspecified. PASSIVE_LEVEL (IoGetDeviceInterfaces, Microsoft Learn;
 * windows-semantics.md §5).
 * Simulation: as documented; the order is registration order within the class (stable
 * across calls and reboots); default interfaces are not simulated. An invalid PDO also bug
 * checks 0xCA/0x2 when strict PnP checks are on. Flags other than
 * DEVICE_INTERFACE_INCLUDE_NONACTIVE -> STATUS_INVALID_PARAMETER. On failure
 * *SymbolicLinkList is NULL. The buffer is owned by the calling driver (leak tracking).
 */
NTSTATUS NTAPI IoGetDeviceInterfaces(const GUID *InterfaceClassGuid,
                                     PDEVICE_OBJECT PhysicalDeviceObject, ULONG Flags,
                                     PZZWSTR *SymbolicLinkList)
{
    pnpsim__devobj *o = PhysicalDeviceObject != NULL ? pnpsim__devobj_from(PhysicalDeviceObject)
                                                     : NULL;
    pnpsim_system *sys = o != NULL ? o->hdr.sys : pnpsim__require_system("IoGetDeviceInterfaces");
    pnpsim_device *dn = NULL;
    char path[256];
    NTSTATUS status;
    WCHAR *list;

    (void)pnpsim__check_irql(sys, "IoGetDeviceInterfaces", PASSIVE_LEVEL, 0, NULL);
    if (SymbolicLinkList != NULL)
        *SymbolicLinkList = NULL;
    if (InterfaceClassGuid == NULL || SymbolicLinkList == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "IoGetDeviceInterfaces: %s is NULL",
                              InterfaceClassGuid == NULL ? "InterfaceClassGuid"
                                                         : "SymbolicLinkList");
    if ((Flags & ~(ULONG)DEVICE_INTERFACE_INCLUDE_NONACTIVE) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "IoGetDeviceInterfaces: unknown Flags 0x%lX", (unsigned long)Flags);
    if (PhysicalDeviceObject != NULL) {
        status = known_pdo(sys, "IoGetDeviceInterfaces", PhysicalDeviceObject, &dn);
        if (!NT_SUCCESS(status))
            return status;
        pnpsim__lock(sys);
        snprintf(path, sizeof(path), "%s", dn->instance_path);
        pnpsim__unlock(sys);
    }
    status = pnpsim__iface_get_list(sys, InterfaceClassGuid, dn != NULL ? path : NULL,
                                    (Flags & DEVICE_INTERFACE_INCLUDE_NONACTIVE) != 0,
                                    pnpsim__current_driver(), &list, NULL);
    if (NT_SUCCESS(status))
        *SymbolicLinkList = list;
    return status;
}
