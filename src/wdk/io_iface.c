/* SPDX-License-Identifier: MIT */
/*
 * This file implements the WDK's device interface routines drivers call:
 * IoRegisterDeviceInterface, IoSetDeviceInterfaceState, IoGetDeviceInterfaces,
 * IoGetDeviceInterfaceAlias, IoOpenDeviceInterfaceRegistryKey, IoOpenDeviceRegistryKey and
 * IoGet/SetDeviceInterfacePropertyData. Each checks its IRQL and arguments the way Windows
 * does, then works through the device interface manager (src/core/iface.c), which owns the
 * semantics, and the registry store (src/core/registry.c), where interfaces and devices keep
 * their keys and properties.
 */
#include "iface.h"

#include "pnpsim/wdk/devpkey.h"

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
    if (pnpsim__fault_ddi(sys, "IoRegisterDeviceInterface", &status)) /* fault.h */
        return status;
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
    NTSTATUS fst;
    if (pnpsim__fault_ddi(sys, "IoSetDeviceInterfaceState", &fst)) /* fault.h */
        return fst;
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
    if (pnpsim__fault_ddi(sys, "IoGetDeviceInterfaces", &status)) /* fault.h */
        return status;
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

/* ======================================================================================
 * Aliases, registry keys and properties of interfaces (windows-semantics.md §6)
 * ==================================================================================== */

/* A name argument: NULL or a malformed UNICODE_STRING -> STATUS_INVALID_PARAMETER. */
static NTSTATUS check_name_arg(const char *ddi, PCUNICODE_STRING s)
{
    if (s == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: SymbolicLinkName is NULL", ddi);
    if (!pnpsim__ustr_valid(s))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: SymbolicLinkName is not a valid UNICODE_STRING (Length %u, "
                              "MaximumLength %u, Buffer %p)",
                              ddi, s->Length, s->MaximumLength, (void *)s->Buffer);
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: returns the name of the alias of an interface instance in another
 * class: the instance of AliasInterfaceClassGuid registered for the same device with the
 * same reference string (both none counts). The caller frees the name with
 * RtlFreeUnicodeString. No such alias -> STATUS_OBJECT_NAME_NOT_FOUND (or
 * STATUS_OBJECT_PATH_NOT_FOUND); an invalid name -> STATUS_INVALID_HANDLE. PASSIVE_LEVEL
 * (IoGetDeviceInterfaceAlias, Microsoft Learn; windows-semantics.md §6.1).
 * Simulation: as documented; the alias may be enabled or not (registered is enough, as
 * ReactOS does; Windows does not say). The returned name keeps the input's prefix ("\??\"
 * in, "\??\" out; "\\?\" in, "\\?\" out, as ReactOS) and the alias's stored spelling. A
 * malformed name -> STATUS_INVALID_HANDLE; a name that is well formed but not registered
 * -> STATUS_OBJECT_NAME_NOT_FOUND; NULL arguments or a malformed UNICODE_STRING ->
 * STATUS_INVALID_PARAMETER. On failure *AliasSymbolicLinkName is empty (Buffer NULL). The
 * buffer is pool of the calling driver (leak tracking).
 */
NTSTATUS NTAPI IoGetDeviceInterfaceAlias(PUNICODE_STRING SymbolicLinkName,
                                         const GUID *AliasInterfaceClassGuid,
                                         PUNICODE_STRING AliasSymbolicLinkName)
{
    static const char ddi[] = "IoGetDeviceInterfaceAlias";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__iface_view v, a;
    NTSTATUS status;
    WCHAR *tmp = NULL, *buf;
    size_t n = 0;

    (void)pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL);
    if (AliasSymbolicLinkName != NULL) {
        AliasSymbolicLinkName->Length = 0;
        AliasSymbolicLinkName->MaximumLength = 0;
        AliasSymbolicLinkName->Buffer = NULL;
    }
    if (pnpsim__fault_ddi(sys, ddi, &status)) /* fault.h */
        return status;
    if (AliasInterfaceClassGuid == NULL || AliasSymbolicLinkName == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: %s is NULL", ddi,
                              AliasInterfaceClassGuid == NULL ? "AliasInterfaceClassGuid"
                                                              : "AliasSymbolicLinkName");
    status = check_name_arg(ddi, SymbolicLinkName);
    if (!NT_SUCCESS(status))
        return status;
    pnpsim__lock(sys);
    status = pnpsim__iface_find_locked(sys, SymbolicLinkName->Buffer,
                                       SymbolicLinkName->Length / sizeof(WCHAR), &v);
    if (status == STATUS_INVALID_PARAMETER)
        status = pnpsim__status(STATUS_INVALID_HANDLE, "%s: not an interface name", ddi);
    if (NT_SUCCESS(status))
        status = pnpsim__iface_alias_locked(sys, &v, AliasInterfaceClassGuid, &a);
    if (NT_SUCCESS(status)) {
        n = a.name_chars;
        tmp = pnpsim__malloc(sys, (n + 1) * sizeof(WCHAR));
        if (tmp != NULL)
            memcpy(tmp, a.name, (n + 1) * sizeof(WCHAR));
    }
    pnpsim__unlock(sys);
    if (!NT_SUCCESS(status))
        return status;
    buf = tmp != NULL ? pnpsim__pool_alloc(sys, pnpsim__current_driver(), PagedPool,
                                           (n + 1) * sizeof(WCHAR), PNPSIM__IFACE_POOL_TAG)
                      : NULL;
    if (buf == NULL) {
        pnpsim__free(sys, tmp);
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: no memory for the name", ddi);
    }
    memcpy(buf, tmp, (n + 1) * sizeof(WCHAR));
    pnpsim__free(sys, tmp);
    if (SymbolicLinkName->Length >= 2 * sizeof(WCHAR) && SymbolicLinkName->Buffer[1] == '\\')
        buf[1] = '\\';
    AliasSymbolicLinkName->Buffer = buf;
    AliasSymbolicLinkName->Length = (USHORT)(n * sizeof(WCHAR));
    AliasSymbolicLinkName->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: opens (creating it if needed) the non-volatile registry key of an
 * interface instance where drivers keep their data; the caller closes the handle with
 * ZwClose. No key for the name -> STATUS_OBJECT_NAME_NOT_FOUND (or _PATH_NOT_FOUND); a bad
 * name -> STATUS_INVALID_PARAMETER. PASSIVE_LEVEL (IoOpenDeviceInterfaceRegistryKey,
 * Microsoft Learn; windows-semantics.md §2.3, §6.2).
 * Simulation: the key is DeviceClasses\{guid}\##?#<device>#{guid}\#<ref>\Device Parameters,
 * created non-volatile on first open, for enabled and disabled (registered) interfaces
 * alike; the handle grants DesiredAccess as ZwOpenKey would. Both prefixes, any case. On
 * failure *DeviceInterfaceRegKey is NULL.
 */
NTSTATUS NTAPI IoOpenDeviceInterfaceRegistryKey(PUNICODE_STRING SymbolicLinkName,
                                                ACCESS_MASK DesiredAccess,
                                                PHANDLE DeviceInterfaceRegKey)
{
    static const char ddi[] = "IoOpenDeviceInterfaceRegistryKey";
    static const WCHAR params[] = u"Device Parameters";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__iface_view v;
    pnpsim__regkey *ik = NULL, *pk = NULL;
    NTSTATUS status;
    HANDLE h = NULL;

    (void)pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL);
    if (DeviceInterfaceRegKey == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: DeviceInterfaceRegKey is NULL", ddi);
    if (pnpsim__fault_ddi(sys, ddi, &status)) /* fault.h */
        return status;
    *DeviceInterfaceRegKey = NULL;
    status = check_name_arg(ddi, SymbolicLinkName);
    if (!NT_SUCCESS(status))
        return status;
    pnpsim__lock(sys);
    status = pnpsim__iface_find_locked(sys, SymbolicLinkName->Buffer,
                                       SymbolicLinkName->Length / sizeof(WCHAR), &v);
    if (NT_SUCCESS(status))
        status = pnpsim__iface_key_locked(sys, &v, &ik);
    if (NT_SUCCESS(status)) {
        ULONG disp = 0;
        status = pnpsim__regkey_create(sys, ik, params, PNPSIM_ARRAY_SIZE(params) - 1, 0, false,
                                       &pk, &disp);
        if (NT_SUCCESS(status)) {
            status = pnpsim__regkey_handle_create(sys, pk, DesiredAccess, &h);
            if (!NT_SUCCESS(status) && disp == PNPSIM__REG_CREATED_NEW_KEY)
                pnpsim__regkey_delete(sys, pk, false);
        }
    }
    pnpsim__unlock(sys);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "%s: cannot open the interface's key", ddi);
    *DeviceInterfaceRegKey = h;
    return STATUS_SUCCESS;
}

/* The stand-in device setup class of the software keys (PLUGPLAY_REGKEY_DRIVER): pnpsim
 * devices have no INF and so no setup class; they all get the System class's GUID. */
static const WCHAR system_class[] = u"{4d36e97d-e325-11ce-bfc1-08002be10318}";

/* The device's software key Control\Class\{class}\NNNN (or the one under Hardware
 * Profiles\Current), allocated on first use and remembered in the Enum key's Driver value
 * ("{class}\NNNN"), as Windows records it. Caller holds sys->lock. */
static NTSTATUS driver_key_locked(pnpsim_system *sys, const char *instance_path, bool hwprofile,
                                  pnpsim__regkey **out)
{
    static const WCHAR cls_root[] =
        u"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Class";
    static const WCHAR hwp_root[] =
        u"\\Registry\\Machine\\System\\CurrentControlSet\\Hardware Profiles\\Current\\System"
        u"\\CurrentControlSet\\Control\\Class";
    static const WCHAR v_driver[] = u"Driver";
    pnpsim__regkey *ek = NULL, *ck = NULL, *nk = NULL;
    pnpsim__regval_view val;
    WCHAR drv[64], path[200];
    size_t dl = 0, pl, rl;
    bool allocated = false;
    ULONG disp = 0;
    NTSTATUS st = pnpsim__iface_enum_key_locked(sys, instance_path, false, &ek);

    if (!NT_SUCCESS(st))
        return st;
    if (NT_SUCCESS(pnpsim__regkey_query_value(sys, ek, v_driver, 6, &val)) &&
        val.type == PNPSIM__REG_SZ && val.size >= 2 * sizeof(WCHAR) &&
        val.size / sizeof(WCHAR) < PNPSIM_ARRAY_SIZE(drv)) {
        dl = val.size / sizeof(WCHAR);
        memcpy(drv, val.data, dl * sizeof(WCHAR));
        while (dl > 0 && drv[dl - 1] == 0)
            dl--;
    }
    if (dl == 0) {
        /* First use: the first free NNNN under the class key. */
        memcpy(path, cls_root, sizeof(cls_root) - sizeof(WCHAR));
        pl = PNPSIM_ARRAY_SIZE(cls_root) - 1;
        path[pl++] = '\\';
        memcpy(path + pl, system_class, sizeof(system_class) - sizeof(WCHAR));
        pl += PNPSIM_ARRAY_SIZE(system_class) - 1;
        st = pnpsim__regkey_create(sys, NULL, path, pl, 0, true, &ck, NULL);
        if (!NT_SUCCESS(st))
            return st;
        for (unsigned k = 0; k < 10000; k++) {
            WCHAR nn[4];
            pnpsim__regkey *probe;
            nn[0] = (WCHAR)('0' + k / 1000);
            nn[1] = (WCHAR)('0' + k / 100 % 10);
            nn[2] = (WCHAR)('0' + k / 10 % 10);
            nn[3] = (WCHAR)('0' + k % 10);
            if (NT_SUCCESS(pnpsim__regkey_open(sys, ck, nn, 4, &probe)))
                continue;
            st = pnpsim__regkey_create(sys, ck, nn, 4, 0, false, &nk, &disp);
            if (!NT_SUCCESS(st))
                return st;
            memcpy(drv, system_class, sizeof(system_class) - sizeof(WCHAR));
            dl = PNPSIM_ARRAY_SIZE(system_class) - 1;
            drv[dl++] = '\\';
            memcpy(drv + dl, nn, sizeof(nn));
            dl += 4;
            drv[dl] = 0;
            st = pnpsim__regkey_set_value(sys, ek, v_driver, 6, PNPSIM__REG_SZ, drv,
                                          (ULONG)((dl + 1) * sizeof(WCHAR)));
            if (!NT_SUCCESS(st)) {
                pnpsim__regkey_delete(sys, nk, true);
                return st;
            }
            allocated = true;
            break;
        }
        if (!allocated)
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "no free software key number");
        if (!hwprofile) {
            *out = nk;
            return STATUS_SUCCESS;
        }
    }
    /* Open (creating) <root>\<Driver value>. */
    rl = hwprofile ? PNPSIM_ARRAY_SIZE(hwp_root) - 1 : PNPSIM_ARRAY_SIZE(cls_root) - 1;
    if (rl + 1 + dl > PNPSIM_ARRAY_SIZE(path))
        return pnpsim__status(STATUS_OBJECT_NAME_INVALID, "Driver value too long");
    memcpy(path, hwprofile ? hwp_root : cls_root, rl * sizeof(WCHAR));
    path[rl] = '\\';
    memcpy(path + rl + 1, drv, dl * sizeof(WCHAR));
    return pnpsim__regkey_create(sys, NULL, path, rl + 1 + dl, 0, true, out, NULL);
}

/*
 * Windows behaviour: opens a device instance's registry key: its hardware key
 * (PLUGPLAY_REGKEY_DEVICE: the "Device Parameters" key under
 * HKLM\SYSTEM\CurrentControlSet\Enum\<instance path>) or its software key
 * (PLUGPLAY_REGKEY_DRIVER: Control\Class\{setup class}\NNNN), relative to the current
 * hardware profile with PLUGPLAY_REGKEY_CURRENT_HWPROFILE (deprecated). The keys are
 * non-volatile; the caller closes the handle with ZwClose. An illegal set of flags or a
 * device object that is not a valid PDO -> STATUS_INVALID_PARAMETER. PASSIVE_LEVEL
 * (IoOpenDeviceRegistryKey, Microsoft Learn).
 * Simulation: keys are created on first open. The software key's setup class is always
 * the System class {4d36e97d-e325-11ce-bfc1-08002be10318} (stand-in: simulated devices are
 * installed without an INF); its NNNN is the first free number, recorded in the Enum key's
 * Driver value. With CURRENT_HWPROFILE the keys are the same paths under
 * "Hardware Profiles\Current\System\CurrentControlSet" (the hardware key without its
 * Device Parameters subkey). A non-PDO also bug checks 0xCA/0x2 with strict PnP checks on.
 * DEVICE and DRIVER together, neither, or unknown bits -> STATUS_INVALID_PARAMETER. On
 * failure *DeviceRegKey is NULL.
 */
NTSTATUS NTAPI IoOpenDeviceRegistryKey(PDEVICE_OBJECT DeviceObject, ULONG DevInstKeyType,
                                       ACCESS_MASK DesiredAccess, PHANDLE DeviceRegKey)
{
    static const char ddi[] = "IoOpenDeviceRegistryKey";
    static const WCHAR params[] = u"Device Parameters";
    pnpsim__devobj *o = DeviceObject != NULL ? pnpsim__devobj_from(DeviceObject) : NULL;
    pnpsim_system *sys = o != NULL ? o->hdr.sys : pnpsim__require_system(ddi);
    ULONG which = DevInstKeyType & (PLUGPLAY_REGKEY_DEVICE | PLUGPLAY_REGKEY_DRIVER);
    bool hwp = (DevInstKeyType & PLUGPLAY_REGKEY_CURRENT_HWPROFILE) != 0;
    pnpsim_device *dn;
    pnpsim__regkey *k = NULL;
    NTSTATUS status;
    HANDLE h = NULL;
    char path[256];

    (void)pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL);
    if (DeviceRegKey == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: DeviceRegKey is NULL", ddi);
    *DeviceRegKey = NULL;
    if ((DevInstKeyType & ~(ULONG)(PLUGPLAY_REGKEY_DEVICE | PLUGPLAY_REGKEY_DRIVER |
                                   PLUGPLAY_REGKEY_CURRENT_HWPROFILE)) != 0 ||
        (which != PLUGPLAY_REGKEY_DEVICE && which != PLUGPLAY_REGKEY_DRIVER))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: DevInstKeyType 0x%lx: give exactly one of "
                              "PLUGPLAY_REGKEY_DEVICE and PLUGPLAY_REGKEY_DRIVER, optionally "
                              "with PLUGPLAY_REGKEY_CURRENT_HWPROFILE",
                              ddi, (unsigned long)DevInstKeyType);
    status = known_pdo(sys, ddi, DeviceObject, &dn);
    if (!NT_SUCCESS(status))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: not a valid PDO", ddi);
    pnpsim__lock(sys);
    snprintf(path, sizeof(path), "%s", dn->instance_path);
    if (which == PLUGPLAY_REGKEY_DEVICE) {
        status = pnpsim__iface_enum_key_locked(sys, path, hwp, &k);
        if (NT_SUCCESS(status) && !hwp)
            status = pnpsim__regkey_create(sys, k, params, PNPSIM_ARRAY_SIZE(params) - 1, 0,
                                           false, &k, NULL);
    } else {
        status = driver_key_locked(sys, path, hwp, &k);
    }
    if (NT_SUCCESS(status))
        status = pnpsim__regkey_handle_create(sys, k, DesiredAccess, &h);
    pnpsim__unlock(sys);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "%s: cannot open the key of %s", ddi, path);
    *DeviceRegKey = h;
    return STATUS_SUCCESS;
}

/* ---- interface properties ------------------------------------------------------------ */

enum { IP_CUSTOM, IP_ENABLED, IP_CLASS, IP_INSTANCE, IP_FRIENDLY, IP_REFERENCE };

static bool key_eq(const DEVPROPKEY *a, const DEVPROPKEY *b)
{
    return a->pid == b->pid && IsEqualGUID(&a->fmtid, &b->fmtid);
}

static int iface_prop_of(const DEVPROPKEY *k)
{
    if (key_eq(k, &DEVPKEY_DeviceInterface_Enabled))
        return IP_ENABLED;
    if (key_eq(k, &DEVPKEY_DeviceInterface_ClassGuid))
        return IP_CLASS;
    if (key_eq(k, &DEVPKEY_Device_InstanceId))
        return IP_INSTANCE;
    if (key_eq(k, &DEVPKEY_DeviceInterface_FriendlyName))
        return IP_FRIENDLY;
    if (key_eq(k, &DEVPKEY_DeviceInterface_ReferenceString))
        return IP_REFERENCE;
    return IP_CUSTOM;
}

/* LOCALE_NEUTRAL or a language; never the two "default" pseudo-locales. */
static bool iface_lcid_ok(LCID lcid)
{
    return lcid != LOCALE_SYSTEM_DEFAULT && lcid != LOCALE_USER_DEFAULT;
}

/* Custom properties live in the registry under the instance key:
 * Properties\{fmtid}\<pid, 4 hex digits>, value "" (LOCALE_NEUTRAL) or the LCID in 4 hex
 * digits, registry type 0xFFFF0000 | DEVPROPTYPE. */
#define IFACE_PROP_REGTYPE(t) (0xFFFF0000u | (ULONG)(t))

static size_t hex4(WCHAR *out, unsigned long v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    size_t n = 0, k;
    do {
        tmp[n++] = digits[v & 0xF];
        v >>= 4;
    } while (v != 0 && n < sizeof(tmp));
    while (n < 4)
        tmp[n++] = '0';
    for (k = 0; k < n; k++)
        out[k] = (WCHAR)tmp[n - 1 - k];
    return n;
}

/* Open (create: with the volatility persistent asks for) the property's key. */
static NTSTATUS custom_key_locked(pnpsim_system *sys, pnpsim__regkey *ik, const DEVPROPKEY *key,
                                  bool create, bool persistent, pnpsim__regkey **out)
{
    WCHAR path[64];
    char g[39];
    size_t n = 0;
    static const WCHAR props[] = u"Properties\\";
    memcpy(path, props, sizeof(props) - sizeof(WCHAR));
    n = PNPSIM_ARRAY_SIZE(props) - 1;
    pnpsim__guid_format(&key->fmtid, false, g);
    for (size_t k = 0; k < 38; k++)
        path[n++] = (WCHAR)g[k];
    path[n++] = '\\';
    n += hex4(path + n, key->pid);
    if (!create)
        return pnpsim__regkey_open(sys, ik, path, n, out);
    {
        /* Properties\{fmtid} non-volatile; the leaf per the flag (an existing leaf keeps
         * its volatility). */
        pnpsim__regkey *parent = NULL;
        size_t leaf = n - 1;
        NTSTATUS st;
        while (path[leaf] != '\\')
            leaf--;
        st = pnpsim__regkey_create(sys, ik, path, leaf, 0, true, &parent, NULL);
        if (!NT_SUCCESS(st))
            return st;
        return pnpsim__regkey_create(sys, parent, path + leaf + 1, n - leaf - 1,
                                     persistent ? 0 : PNPSIM__REG_OPTION_VOLATILE, false, out,
                                     NULL);
    }
}

static size_t lcid_value_name(LCID lcid, WCHAR out[16])
{
    return lcid == LOCALE_NEUTRAL ? 0 : hex4(out, lcid);
}

/*
 * Windows behaviour: returns a property of a device interface instance with its
 * DEVPROPTYPE. A short buffer -> STATUS_BUFFER_TOO_SMALL with *RequiredSize the size
 * needed; an invalid LCID -> STATUS_UNSUCCESSFUL; an unsupported property ->
 * STATUS_NOT_IMPLEMENTED. Lcid is LOCALE_NEUTRAL or a language, never LOCALE_SYSTEM_DEFAULT
 * or LOCALE_USER_DEFAULT; Flags is reserved (0). PASSIVE_LEVEL
 * (IoGetDeviceInterfacePropertyData, Microsoft Learn). DEVPKEY_DeviceInterface_Enabled is a
 * 1-byte DEVPROP_TYPE_BOOLEAN, DEVPROP_TRUE (0xFF) when enabled; _ClassGuid a
 * DEVPROP_TYPE_GUID; DEVPKEY_Device_InstanceId the owner's instance ID as a
 * DEVPROP_TYPE_STRING (windows-semantics.md §6.3, §13 items 16 and 33).
 * Simulation: Enabled, ClassGuid, Device_InstanceId (stored case) and ReferenceString
 * (absent when there is none) are computed for any valid LCID; FriendlyName is the
 * instance key's FriendlyName value (any LCID); every other key is what
 * IoSetDeviceInterfacePropertyData stored for exactly that (key, LCID). A property that is
 * not set -> STATUS_OBJECT_NAME_NOT_FOUND with *RequiredSize 0 and *Type
 * DEVPROP_TYPE_EMPTY (choice, as IoGetDevicePropertyData; no key is "unsupported"). A
 * name that is not registered -> STATUS_OBJECT_NAME_NOT_FOUND (as Wine maps it); a
 * malformed name, NULL PropertyKey/RequiredSize/Type, Data NULL with Size > 0 or nonzero
 * Flags -> STATUS_INVALID_PARAMETER. On STATUS_BUFFER_TOO_SMALL *Type is set too and the
 * buffer is untouched.
 */
NTSTATUS NTAPI IoGetDeviceInterfacePropertyData(PUNICODE_STRING SymbolicLinkName,
                                                const DEVPROPKEY *PropertyKey, LCID Lcid,
                                                ULONG Flags, ULONG Size, PVOID Data,
                                                PULONG RequiredSize, PDEVPROPTYPE Type)
{
    static const char ddi[] = "IoGetDeviceInterfacePropertyData";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__iface_view v;
    pnpsim__regkey *ik = NULL, *pk = NULL;
    pnpsim__regval_view val;
    NTSTATUS status;
    DEVPROPTYPE type = DEVPROP_TYPE_EMPTY;
    ULONG need = 0;
    unsigned char small[16];
    const void *src = NULL;
    WCHAR vn[16];

    (void)pnpsim__check_irql(sys, ddi, PASSIVE_LEVEL, 0, NULL);
    if (PropertyKey == NULL || RequiredSize == NULL || Type == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: %s is NULL", ddi,
                              PropertyKey == NULL    ? "PropertyKey"
                              : RequiredSize == NULL ? "RequiredSize"
                                                     : "Type");
    *RequiredSize = 0;
    *Type = DEVPROP_TYPE_EMPTY;
    status = check_name_arg(ddi, SymbolicLinkName);
    if (!NT_SUCCESS(status))
        return status;
    if (Data == NULL && Size != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Data is NULL but Size is %lu", ddi,
                              (unsigned long)Size);
    if (Flags != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: Flags 0x%lx is reserved (must be 0)",
                              ddi, (unsigned long)Flags);
    if (!iface_lcid_ok(Lcid))
        return pnpsim__status(STATUS_UNSUCCESSFUL,
                              "%s: Lcid 0x%lx is not valid (LOCALE_SYSTEM_DEFAULT / "
                              "LOCALE_USER_DEFAULT); use LOCALE_NEUTRAL or a language",
                              ddi, (unsigned long)Lcid);
    pnpsim__lock(sys);
    status = pnpsim__iface_find_locked(sys, SymbolicLinkName->Buffer,
                                       SymbolicLinkName->Length / sizeof(WCHAR), &v);
    if (NT_SUCCESS(status)) {
        switch (iface_prop_of(PropertyKey)) {
        case IP_ENABLED:
            type = DEVPROP_TYPE_BOOLEAN;
            small[0] = v.enabled ? (unsigned char)DEVPROP_TRUE : (unsigned char)DEVPROP_FALSE;
            src = small;
            need = 1;
            break;
        case IP_CLASS:
            type = DEVPROP_TYPE_GUID;
            memcpy(small, &v.class_guid, sizeof(GUID));
            src = small;
            need = sizeof(GUID);
            break;
        case IP_INSTANCE:
            type = DEVPROP_TYPE_STRING;
            need = (ULONG)((strlen(v.instance_path) + 1) * sizeof(WCHAR));
            break;
        case IP_REFERENCE:
            if (v.ref == NULL) {
                status = STATUS_OBJECT_NAME_NOT_FOUND;
                break;
            }
            type = DEVPROP_TYPE_STRING;
            need = (ULONG)((v.ref_chars + 1) * sizeof(WCHAR));
            break;
        case IP_FRIENDLY:
            status = pnpsim__iface_key_locked(sys, &v, &ik);
            if (NT_SUCCESS(status))
                status = pnpsim__regkey_query_value(sys, ik, u"FriendlyName", 12, &val);
            if (NT_SUCCESS(status)) {
                type = DEVPROP_TYPE_STRING;
                src = val.data;
                need = val.size;
            }
            break;
        default:
            status = pnpsim__iface_key_locked(sys, &v, &ik);
            if (NT_SUCCESS(status))
                status = custom_key_locked(sys, ik, PropertyKey, false, false, &pk);
            if (NT_SUCCESS(status))
                status = pnpsim__regkey_query_value(sys, pk, vn, lcid_value_name(Lcid, vn),
                                                    &val);
            if (NT_SUCCESS(status) && (val.type & 0xFFFF0000u) != 0xFFFF0000u)
                status = STATUS_OBJECT_NAME_NOT_FOUND;
            if (NT_SUCCESS(status)) {
                type = val.type & 0xFFFFu;
                src = val.data;
                need = val.size;
            }
            break;
        }
        if (status == STATUS_OBJECT_PATH_NOT_FOUND)
            status = STATUS_OBJECT_NAME_NOT_FOUND;
    }
    if (NT_SUCCESS(status) && need <= Size && need > 0) {
        if (src != NULL) {
            memcpy(Data, src, need);
        } else {
            /* Strings computed from ASCII instance paths or the stored reference string. */
            WCHAR *w = Data;
            size_t k = 0;
            if (iface_prop_of(PropertyKey) == IP_INSTANCE) {
                for (; v.instance_path[k]; k++)
                    w[k] = (WCHAR)(unsigned char)v.instance_path[k];
            } else {
                for (; k < v.ref_chars; k++)
                    w[k] = v.ref[k];
            }
            w[k] = 0;
        }
    }
    pnpsim__unlock(sys);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status == STATUS_INVALID_PARAMETER ||
                                      status == STATUS_INSUFFICIENT_RESOURCES
                                  ? status
                                  : STATUS_OBJECT_NAME_NOT_FOUND,
                              "%s: no such interface or property (pid %lu, lcid 0x%lx)", ddi,
                              (unsigned long)PropertyKey->pid, (unsigned long)Lcid);
    *RequiredSize = need;
    *Type = type;
    if (need > Size)
        return pnpsim__status(STATUS_BUFFER_TOO_SMALL, "%s: the property needs %lu bytes, the "
                                                       "buffer has %lu",
                              ddi, (unsigned long)need, (unsigned long)Size);
    return STATUS_SUCCESS;
}

/*
 * Windows behaviour: sets (Data NULL: deletes) a property of a device interface instance;
 * the data is copied. Flags PLUGPLAY_PROPERTY_PERSISTENT keeps it across restarts, 0 does
 * not. An invalid LCID -> STATUS_UNSUCCESSFUL; an unsupported property ->
 * STATUS_NOT_IMPLEMENTED. IRQL <= APC_LEVEL (IoSetDeviceInterfacePropertyData, Microsoft
 * Learn). DEVPKEY_DeviceInterface_FriendlyName is read/write (registry value FriendlyName);
 * Enabled and ClassGuid are read-only (windows-semantics.md §6.3).
 * Simulation: the read-only keys (Enabled, ClassGuid, Device_InstanceId, ReferenceString)
 * -> STATUS_ACCESS_DENIED (choice: Windows does not document the status; Wine would map
 * to it). FriendlyName takes a NUL-terminated DEVPROP_TYPE_STRING for any valid LCID and
 * is kept in the instance key's FriendlyName value (persistent whatever the flag). Other
 * keys are stored per (key, LCID) under the instance key's Properties subkey; without
 * PLUGPLAY_PROPERTY_PERSISTENT the value's key is volatile (gone at reboot), a key that
 * exists keeps its volatility. Data NULL, Size 0 or DEVPROP_TYPE_EMPTY deletes and
 * succeeds even when nothing was set. Values that break their type's size rules, NULL
 * PropertyKey, unknown Flags, a malformed name -> STATUS_INVALID_PARAMETER; a name not
 * registered -> STATUS_OBJECT_NAME_NOT_FOUND. Out of memory -> STATUS_INSUFFICIENT_RESOURCES
 * with nothing changed.
 */
NTSTATUS NTAPI IoSetDeviceInterfacePropertyData(PUNICODE_STRING SymbolicLinkName,
                                                const DEVPROPKEY *PropertyKey, LCID Lcid,
                                                ULONG Flags, DEVPROPTYPE Type, ULONG Size,
                                                PVOID Data)
{
    static const char ddi[] = "IoSetDeviceInterfacePropertyData";
    pnpsim_system *sys = pnpsim__require_system(ddi);
    pnpsim__iface_view v;
    pnpsim__regkey *ik = NULL, *pk = NULL;
    NTSTATUS status;
    bool del = Data == NULL || Size == 0 || Type == DEVPROP_TYPE_EMPTY;
    int which;
    WCHAR vn[16];

    (void)pnpsim__check_irql(sys, ddi, APC_LEVEL, 0, NULL);
    status = check_name_arg(ddi, SymbolicLinkName);
    if (!NT_SUCCESS(status))
        return status;
    if (PropertyKey == NULL)
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: PropertyKey is NULL", ddi);
    if ((Flags & ~(ULONG)PLUGPLAY_PROPERTY_PERSISTENT) != 0)
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: Flags 0x%lx: only PLUGPLAY_PROPERTY_PERSISTENT is defined", ddi,
                              (unsigned long)Flags);
    if (!iface_lcid_ok(Lcid))
        return pnpsim__status(STATUS_UNSUCCESSFUL,
                              "%s: Lcid 0x%lx is not valid (LOCALE_SYSTEM_DEFAULT / "
                              "LOCALE_USER_DEFAULT); use LOCALE_NEUTRAL or a language",
                              ddi, (unsigned long)Lcid);
    which = iface_prop_of(PropertyKey);
    if (which != IP_CUSTOM && which != IP_FRIENDLY)
        return pnpsim__status(STATUS_ACCESS_DENIED, "%s: property pid %lu is read-only", ddi,
                              (unsigned long)PropertyKey->pid);
    if (!del) {
        const char *problem = which == IP_FRIENDLY && Type != DEVPROP_TYPE_STRING
                                  ? "FriendlyName is a DEVPROP_TYPE_STRING"
                                  : pnpsim__devprop_value_problem(Type, Size, Data);
        if (problem != NULL)
            return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: type 0x%lx, %lu bytes: %s", ddi,
                                  (unsigned long)Type, (unsigned long)Size, problem);
    }
    pnpsim__lock(sys);
    status = pnpsim__iface_find_locked(sys, SymbolicLinkName->Buffer,
                                       SymbolicLinkName->Length / sizeof(WCHAR), &v);
    if (NT_SUCCESS(status))
        status = pnpsim__iface_key_locked(sys, &v, &ik);
    if (NT_SUCCESS(status) && which == IP_FRIENDLY) {
        if (del) {
            (void)pnpsim__regkey_delete_value(sys, ik, u"FriendlyName", 12);
        } else {
            status = pnpsim__regkey_set_value(sys, ik, u"FriendlyName", 12, PNPSIM__REG_SZ, Data,
                                              Size);
        }
    } else if (NT_SUCCESS(status)) {
        size_t nl = lcid_value_name(Lcid, vn);
        if (del) {
            if (NT_SUCCESS(custom_key_locked(sys, ik, PropertyKey, false, false, &pk))) {
                (void)pnpsim__regkey_delete_value(sys, pk, vn, nl);
                if (pnpsim__regkey_value_count(pk) == 0 && pnpsim__regkey_subkey_count(pk) == 0)
                    pnpsim__regkey_delete(sys, pk, false);
            }
        } else {
            bool existed = NT_SUCCESS(custom_key_locked(sys, ik, PropertyKey, false, false, &pk));
            status = custom_key_locked(sys, ik, PropertyKey, true,
                                       (Flags & PLUGPLAY_PROPERTY_PERSISTENT) != 0, &pk);
            if (NT_SUCCESS(status)) {
                status = pnpsim__regkey_set_value(sys, pk, vn, nl, IFACE_PROP_REGTYPE(Type),
                                                  Data, Size);
                if (!NT_SUCCESS(status) && !existed)
                    pnpsim__regkey_delete(sys, pk, false);
            }
        }
    }
    pnpsim__unlock(sys);
    if (!NT_SUCCESS(status))
        return pnpsim__status(status, "%s: cannot set property pid %lu", ddi,
                              (unsigned long)PropertyKey->pid);
    return STATUS_SUCCESS;
}
