/* SPDX-License-Identifier: MIT */
/*
 * This file implements device interfaces of framework devices in pnpsim's KMDF layer
 * (windows-semantics.md §10.4, from KMDF's fxdeviceinterfaceapi.cpp, fxdeviceinterfacekm.cpp,
 * fxpkgpdokm.cpp and pnpstatemachine.cpp): WdfDeviceCreateDeviceInterface (registration at
 * once for a function device, deferred for a PDO PnP does not know yet),
 * WdfDeviceSetDeviceInterfaceState(Ex), WdfDeviceRetrieveDeviceInterfaceString, the
 * automatic enable when the device has started and the automatic disable at removal and
 * surprise removal.
 */
#include "kmdf_int.h"

/* Register one interface with the I/O manager (IoRegisterDeviceInterface on the PDO).
 * STATUS_OBJECT_NAME_EXISTS (registered before, e.g. a PDO's second
 * IRP_MN_QUERY_RESOURCE_REQUIREMENTS) counts as success. */
static NTSTATUS register_one(pnpsim__fx_device *d, pnpsim__fx_iface *fi)
{
    UNICODE_STRING ref, name;
    NTSTATUS status;
    if (fi->ref != NULL) {
        ref.Buffer = fi->ref;
        ref.Length = fi->ref_bytes;
        ref.MaximumLength = (USHORT)(fi->ref_bytes + sizeof(WCHAR));
    }
    RtlZeroMemory(&name, sizeof(name));
    status = IoRegisterDeviceInterface(d->pdo, &fi->guid, fi->ref != NULL ? &ref : NULL, &name);
    if (!NT_SUCCESS(status))
        return status;
    if (fi->registered) {
        RtlFreeUnicodeString(&name);
        return STATUS_SUCCESS;
    }
    fi->name = name;
    fi->registered = true;
    return STATUS_SUCCESS;
}

/* Is d a PDO the PnP manager does not know yet (created, not reported in BusRelations)? */
static bool pdo_unknown_to_pnp(pnpsim__fx_device *d)
{
    return d->is_pdo && pnpsim__devnode_of(d->self) == NULL;
}

/* Windows behaviour (§10.4; "WdfDeviceCreateDeviceInterface"): PASSIVE_LEVEL; the
 * reference string is validated; a control device gets STATUS_INVALID_DEVICE_REQUEST; a
 * function or filter device registers with IoRegisterDeviceInterface at once and fails
 * with its error; a PDO not yet known to PnP defers the registration (success now) to
 * IRP_MN_QUERY_RESOURCE_REQUIREMENTS. The same (GUID, reference) twice adds two entries.
 * Interfaces created after the device started stay disabled until the driver enables
 * them. */
WDFAPI NTSTATUS WdfDeviceCreateDeviceInterface(WDFDEVICE Device, const GUID *InterfaceClassGUID,
                                               PCUNICODE_STRING ReferenceString)
{
    static const char ddi[] = "WdfDeviceCreateDeviceInterface";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    pnpsim_system *sys;
    pnpsim__fx_iface *fi;
    NTSTATUS status;
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    sys = d->obj.sys;
    if (pnpsim__fault_ddi(sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!pnpsim__fx_check_ptr(sys, InterfaceClassGUID, "InterfaceClassGUID", ddi))
        return STATUS_INVALID_PARAMETER;
    if (ReferenceString != NULL && !pnpsim__ustr_valid(ReferenceString))
        return pnpsim__status(STATUS_INVALID_PARAMETER,
                              "%s: malformed reference string UNICODE_STRING", ddi);
    fi = pnpsim__calloc(sys, 1, sizeof(*fi));
    if (fi == NULL)
        return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
    fi->guid = *InterfaceClassGUID;
    fi->auto_enable = true;
    fi->state = true;
    if (ReferenceString != NULL && ReferenceString->Buffer != NULL) {
        fi->ref_bytes = ReferenceString->Length;
        fi->ref = pnpsim__calloc(sys, fi->ref_bytes / sizeof(WCHAR) + 1, sizeof(WCHAR));
        if (fi->ref == NULL) {
            pnpsim__free(sys, fi);
            return pnpsim__status(STATUS_INSUFFICIENT_RESOURCES, "%s: out of memory", ddi);
        }
        memcpy(fi->ref, ReferenceString->Buffer, fi->ref_bytes);
    }
    if (!pdo_unknown_to_pnp(d)) {
        status = register_one(d, fi);
        if (!NT_SUCCESS(status)) {
            pnpsim__free(sys, fi->ref);
            pnpsim__free(sys, fi);
            return status;
        }
    }
    pnpsim__lock(sys);
    InsertTailList(&d->ifaces, &fi->link);
    pnpsim__unlock(sys);
    pnpsim__fx_trace(d, NULL, "WdfDeviceCreateDeviceInterface: %s", fi->registered
                         ? "registered"
                         : "registration deferred until PnP knows the PDO");
    return STATUS_SUCCESS;
}

/* The first entry with the GUID and a byte-identical reference string (NULL matches only
 * entries without one). */
static pnpsim__fx_iface *find(pnpsim__fx_device *d, const GUID *guid, PCUNICODE_STRING ref)
{
    pnpsim__fx_iface *found = NULL;
    pnpsim__lock(d->obj.sys);
    for (PLIST_ENTRY e = d->ifaces.Flink; e != &d->ifaces; e = e->Flink) {
        pnpsim__fx_iface *fi = CONTAINING_RECORD(e, pnpsim__fx_iface, link);
        if (!IsEqualGUID(&fi->guid, guid))
            continue;
        if (ref == NULL || ref->Buffer == NULL) {
            if (fi->ref == NULL) {
                found = fi;
                break;
            }
        } else if (fi->ref != NULL && fi->ref_bytes == ref->Length &&
                   memcmp(fi->ref, ref->Buffer, ref->Length) == 0) {
            found = fi;
            break;
        }
    }
    pnpsim__unlock(d->obj.sys);
    return found;
}

static void set_state(const char *ddi, WDFDEVICE Device, const GUID *guid, PCUNICODE_STRING ref,
                      BOOLEAN enable, bool ex)
{
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    pnpsim__fx_iface *fi;
    if (d == NULL)
        return;
    if (!pnpsim__fx_check_irql(d->obj.sys, PASSIVE_LEVEL, ddi) ||
        !pnpsim__fx_check_ptr(d->obj.sys, guid, "InterfaceClassGUID", ddi))
        return;
    if (ref != NULL && !pnpsim__ustr_valid(ref)) {
        pnpsim__fx_violation(d->obj.sys, PNPSIM_RULE_KMDF_WRONG_STATE, ddi,
                             PNPSIM_WDF_WRONG_STATE, (ULONG_PTR)Device, 0,
                             "%s: malformed reference string", ddi);
        return;
    }
    fi = find(d, guid, ref);
    if (fi == NULL) {
        pnpsim__fx_trace(d, NULL, "%s: no such interface on this device: nothing done", ddi);
        return;
    }
    fi->state = enable ? true : false;
    if (ex)
        fi->auto_enable = false; /* the Ex call always clears auto-enable (§10.4) */
    if (fi->registered) {
        NTSTATUS status = IoSetDeviceInterfaceState(&fi->name, enable);
        /* KMDF ignores the result. */
        pnpsim__fx_trace(d, &status, "%s(%s): IoSetDeviceInterfaceState", ddi,
                         enable ? "TRUE" : "FALSE");
    }
}

/* Windows behaviour (§10.4; "WdfDeviceSetDeviceInterfaceState"): records the state and,
 * when the interface is registered, calls IoSetDeviceInterfaceState at once, ignoring its
 * result; the auto-enable flag is left alone (a FALSE call before start does not stop the
 * automatic enable); no matching interface: nothing happens. */
WDFAPI VOID WdfDeviceSetDeviceInterfaceState(WDFDEVICE Device, const GUID *InterfaceClassGUID,
                                             PCUNICODE_STRING ReferenceString,
                                             BOOLEAN IsInterfaceEnabled)
{
    set_state("WdfDeviceSetDeviceInterfaceState", Device, InterfaceClassGUID, ReferenceString,
              IsInterfaceEnabled, false);
}

/* Windows behaviour (§10.4; "WdfDeviceSetDeviceInterfaceStateEx", KMDF 1.31): as above,
 * but the auto-enable flag is always cleared, so FALSE before start keeps the interface
 * disabled at start. */
WDFAPI VOID WdfDeviceSetDeviceInterfaceStateEx(WDFDEVICE Device, const GUID *InterfaceClassGUID,
                                               PCUNICODE_STRING ReferenceString,
                                               BOOLEAN IsInterfaceEnabled)
{
    set_state("WdfDeviceSetDeviceInterfaceStateEx", Device, InterfaceClassGUID, ReferenceString,
              IsInterfaceEnabled, true);
}

/* Windows behaviour (§10.4; "WdfDeviceRetrieveDeviceInterfaceString"):
 * STATUS_OBJECT_NAME_NOT_FOUND without a matching interface; STATUS_INVALID_DEVICE_STATE
 * when it is not registered yet (PDO not reported); else the kernel-form name. */
WDFAPI NTSTATUS WdfDeviceRetrieveDeviceInterfaceString(WDFDEVICE Device,
                                                       const GUID *InterfaceClassGUID,
                                                       PCUNICODE_STRING ReferenceString,
                                                       WDFSTRING String)
{
    static const char ddi[] = "WdfDeviceRetrieveDeviceInterfaceString";
    pnpsim__fx_device *d = pnpsim__fx_get_device(Device, ddi);
    pnpsim__fx_string *s;
    pnpsim__fx_iface *fi;
    NTSTATUS status;
    if (d == NULL)
        return STATUS_INVALID_HANDLE;
    if (pnpsim__fault_ddi(d->obj.sys, ddi, &status))
        return status;
    if (!pnpsim__fx_check_irql(d->obj.sys, PASSIVE_LEVEL, ddi))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!pnpsim__fx_check_ptr(d->obj.sys, InterfaceClassGUID, "InterfaceClassGUID", ddi))
        return STATUS_INVALID_PARAMETER;
    s = (pnpsim__fx_string *)pnpsim__fx_get(String, PNPSIM_FX_STRING, ddi);
    if (s == NULL)
        return STATUS_INVALID_HANDLE;
    if (ReferenceString != NULL && !pnpsim__ustr_valid(ReferenceString))
        return pnpsim__status(STATUS_INVALID_PARAMETER, "%s: malformed reference string", ddi);
    fi = find(d, InterfaceClassGUID, ReferenceString);
    if (fi == NULL)
        return pnpsim__status(STATUS_OBJECT_NAME_NOT_FOUND,
                              "%s: the device has no such interface", ddi);
    if (!fi->registered)
        return pnpsim__status(STATUS_INVALID_DEVICE_STATE,
                              "%s: the interface is not registered yet (PDO not reported)", ddi);
    return pnpsim__fx_string_assign(s, &fi->name);
}

void pnpsim__fx_iface_register_deferred(pnpsim__fx_device *d)
{
    for (PLIST_ENTRY e = d->ifaces.Flink; e != &d->ifaces; e = e->Flink) {
        pnpsim__fx_iface *fi = CONTAINING_RECORD(e, pnpsim__fx_iface, link);
        NTSTATUS status = register_one(d, fi);
        if (!NT_SUCCESS(status))
            pnpsim__fx_trace(d, &status, "deferred IoRegisterDeviceInterface failed");
    }
}

void pnpsim__fx_iface_auto_enable(pnpsim__fx_device *d)
{
    for (PLIST_ENTRY e = d->ifaces.Flink; e != &d->ifaces; e = e->Flink) {
        pnpsim__fx_iface *fi = CONTAINING_RECORD(e, pnpsim__fx_iface, link);
        if (fi->auto_enable && fi->registered) {
            NTSTATUS status = IoSetDeviceInterfaceState(&fi->name, TRUE);
            fi->state = true;
            pnpsim__fx_trace(d, &status, "device started: interface enabled automatically");
        }
    }
}

void pnpsim__fx_iface_disable_all(pnpsim__fx_device *d)
{
    for (PLIST_ENTRY e = d->ifaces.Flink; e != &d->ifaces; e = e->Flink) {
        pnpsim__fx_iface *fi = CONTAINING_RECORD(e, pnpsim__fx_iface, link);
        if (fi->registered) {
            NTSTATUS status = IoSetDeviceInterfaceState(&fi->name, FALSE);
            pnpsim__fx_trace(d, &status, "device removed: interface disabled");
        }
    }
}

void pnpsim__fx_iface_free_all(pnpsim__fx_device *d)
{
    pnpsim_system *sys = d->obj.sys;
    while (!IsListEmpty(&d->ifaces)) {
        pnpsim__fx_iface *fi =
            CONTAINING_RECORD(RemoveHeadList(&d->ifaces), pnpsim__fx_iface, link);
        if (fi->name.Buffer != NULL)
            RtlFreeUnicodeString(&fi->name);
        pnpsim__free(sys, fi->ref);
        pnpsim__free(sys, fi);
    }
}
