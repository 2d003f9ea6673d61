/* SPDX-License-Identifier: MIT */
/*
 * This file implements the user-mode Configuration Manager subset of <cfgmgr32.h> over the
 * simulated system the calling thread has entered: interface lists in user form ("\\?\"),
 * interface properties, device nodes (DEVINST), and CM_Register_Notification for interface
 * classes, device handles and device instances, delivered through the same queue as the
 * kernel's notifications (src/core/notify.c). Every CONFIGRET follows windows-semantics.md
 * §8 and the Windows-validated rows of §13 items 28-37 (Wine's cfgmgr32 tests).
 */
#include "notify.h"

#include "pnpsim/wdk/cfgmgr32.h"

/* DEVPKEY_DeviceInterface_* and DEVPKEY_Device_InstanceId (devpkey.h), private copies. */
static const DEVPROPKEY key_enabled = {
    {0x026e516e, 0xb814, 0x414b, {0x83, 0xcd, 0x85, 0x6d, 0x6f, 0xef, 0x48, 0x22}}, 3};
static const DEVPROPKEY key_class = {
    {0x026e516e, 0xb814, 0x414b, {0x83, 0xcd, 0x85, 0x6d, 0x6f, 0xef, 0x48, 0x22}}, 4};
static const DEVPROPKEY key_instance = {
    {0x78c34fc8, 0x104a, 0x4aca, {0x9e, 0xa4, 0x52, 0x4d, 0x52, 0x99, 0x6e, 0x57}}, 256};

/* The system a CM call works on: the thread's current one (NULL: CR_NO_CM_SERVICES). */
static pnpsim_system *cm_sys(void)
{
    return pnpsim_system_current();
}

/* "\??\" -> "\\?\" in place over a MULTI_SZ of n characters. */
static void to_user_form(WCHAR *s)
{
    while (*s != 0) {
        size_t n = pnpsim__wcslen(s);
        if (n >= 4 && s[0] == '\\' && s[1] == '?' && s[2] == '?' && s[3] == '\\')
            s[1] = '\\';
        s += n + 1;
    }
}

/* Free a pool list with sys current (ExFreePool finds the pool through it). */
static void free_list(pnpsim_system *sys, WCHAR *list)
{
    pnpsim__thread_state *ts = pnpsim__ts();
    pnpsim_system *saved = ts->current;
    ts->current = sys;
    ExFreePool(list);
    ts->current = saved;
}

/* Get the user-form list (allocated with the internal allocator) of class's interfaces,
 * optionally of one device. */
static CONFIGRET get_list(pnpsim_system *sys, const GUID *cls, const char *path, ULONG flags,
                          WCHAR **out, size_t *chars)
{
    WCHAR *pool = NULL, *copy;
    size_t n = 0;
    NTSTATUS status;
    *out = NULL;
    if (path != NULL && path[0] != 0 && pnpsim_device_find(sys, path) == NULL)
        return CR_NO_SUCH_DEVNODE;
    status = pnpsim__iface_get_list(sys, cls, path != NULL && path[0] != 0 ? path : NULL,
                                    (flags & CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES) != 0, NULL,
                                    &pool, &n);
    if (!NT_SUCCESS(status) || pool == NULL)
        return CR_OUT_OF_MEMORY;
    copy = pnpsim__malloc(sys, (n > 0 ? n : 1) * sizeof(WCHAR));
    if (copy == NULL) {
        free_list(sys, pool);
        return CR_OUT_OF_MEMORY;
    }
    memcpy(copy, pool, n * sizeof(WCHAR));
    free_list(sys, pool);
    if (n == 0)
        copy[0] = 0, n = 1;
    to_user_form(copy);
    *out = copy;
    *chars = n;
    return CR_SUCCESS;
}

static char *path_from_w(pnpsim_system *sys, const WCHAR *id, CONFIGRET *cr)
{
    char *s;
    *cr = CR_SUCCESS;
    if (id == NULL || id[0] == 0)
        return NULL;
    s = pnpsim__utf16_to_utf8(sys, id, pnpsim__wcslen(id));
    if (s == NULL)
        *cr = CR_OUT_OF_MEMORY;
    return s;
}

/* ======================================================================================
 * Interface lists
 * ==================================================================================== */

static CONFIGRET list_size(PULONG pulLen, LPGUID cls, const char *path, ULONG flags)
{
    pnpsim_system *sys = cm_sys();
    WCHAR *list;
    size_t n = 0;
    CONFIGRET cr;
    if (pulLen == NULL || cls == NULL)
        return CR_INVALID_POINTER;
    *pulLen = 0;
    if (flags & ~(ULONG)CM_GET_DEVICE_INTERFACE_LIST_BITS)
        return CR_INVALID_FLAG;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    cr = get_list(sys, cls, path, flags, &list, &n);
    if (cr != CR_SUCCESS)
        return cr;
    pnpsim__free(sys, list);
    *pulLen = (ULONG)n;
    return CR_SUCCESS;
}

/*
 * Windows behaviour: the size in characters (with the final NUL; 1 for an empty list) of
 * the MULTI_SZ CM_Get_Device_Interface_List returns; A and W sizes are equal (windows-
 * semantics.md §8.1, §13 item 28). Simulation: same; an unknown device ID gives
 * CR_NO_SUCH_DEVNODE (choice).
 */
CONFIGRET WINAPI CM_Get_Device_Interface_List_SizeW(PULONG pulLen, LPGUID InterfaceClassGuid,
                                                    DEVINSTID_W pDeviceID, ULONG ulFlags)
{
    pnpsim_system *sys = cm_sys();
    CONFIGRET cr;
    char *path;
    if (sys == NULL || pDeviceID == NULL || pDeviceID[0] == 0)
        return list_size(pulLen, InterfaceClassGuid, NULL, ulFlags);
    path = path_from_w(sys, pDeviceID, &cr);
    if (cr != CR_SUCCESS)
        return cr;
    cr = list_size(pulLen, InterfaceClassGuid, path, ulFlags);
    pnpsim__free(sys, path);
    return cr;
}

/* Windows behaviour: as CM_Get_Device_Interface_List_SizeW (§13 item 28). */
CONFIGRET WINAPI CM_Get_Device_Interface_List_SizeA(PULONG pulLen, LPGUID InterfaceClassGuid,
                                                    DEVINSTID_A pDeviceID, ULONG ulFlags)
{
    return list_size(pulLen, InterfaceClassGuid, pDeviceID, ulFlags);
}

static CONFIGRET list_get(LPGUID cls, const char *path, void *buffer, ULONG len, ULONG flags,
                          bool wide)
{
    pnpsim_system *sys = cm_sys();
    WCHAR *list;
    size_t n = 0;
    CONFIGRET cr;
    if (cls == NULL || buffer == NULL || len == 0)
        return CR_INVALID_POINTER;
    if (flags & ~(ULONG)CM_GET_DEVICE_INTERFACE_LIST_BITS)
        return CR_INVALID_FLAG;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    cr = get_list(sys, cls, path, flags, &list, &n);
    if (cr != CR_SUCCESS)
        return cr;
    if (n > len) {
        /* The list grew since the size call (or the buffer is short): callers loop. */
        if (wide)
            ((WCHAR *)buffer)[0] = 0;
        else
            ((char *)buffer)[0] = 0;
        pnpsim__free(sys, list);
        return CR_BUFFER_SMALL;
    }
    if (wide) {
        memcpy(buffer, list, n * sizeof(WCHAR));
    } else {
        char *b = buffer;
        for (size_t i = 0; i < n; i++)
            b[i] = list[i] < 0x80 ? (char)list[i] : '?';
    }
    pnpsim__free(sys, list);
    return CR_SUCCESS;
}

/*
 * Windows behaviour: the user-form names ("\\?\...") of a class's interfaces as a MULTI_SZ:
 * enabled interfaces of present devices by default (CM_GET_DEVICE_INTERFACE_LIST_PRESENT),
 * every registered one with CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES, optionally of one
 * device; CR_BUFFER_SMALL when the buffer is short (Microsoft Learn
 * "CM_Get_Device_Interface_ListW", windows-semantics.md §8.1). Simulation: same, in
 * registration order; NULL buffer or zero length is CR_INVALID_POINTER.
 */
CONFIGRET WINAPI CM_Get_Device_Interface_ListW(LPGUID InterfaceClassGuid, DEVINSTID_W pDeviceID,
                                               PZZWSTR Buffer, ULONG BufferLen, ULONG ulFlags)
{
    pnpsim_system *sys = cm_sys();
    CONFIGRET cr;
    char *path;
    NTSTATUS fst;
    if (pnpsim__fault_ddi(sys, "CM_Get_Device_Interface_List", &fst)) /* fault.h */
        return fst == STATUS_INSUFFICIENT_RESOURCES ? CR_OUT_OF_MEMORY : CR_FAILURE;
    if (sys == NULL || pDeviceID == NULL || pDeviceID[0] == 0)
        return list_get(InterfaceClassGuid, NULL, Buffer, BufferLen, ulFlags, true);
    path = path_from_w(sys, pDeviceID, &cr);
    if (cr != CR_SUCCESS)
        return cr;
    cr = list_get(InterfaceClassGuid, path, Buffer, BufferLen, ulFlags, true);
    pnpsim__free(sys, path);
    return cr;
}

/* Windows behaviour: as CM_Get_Device_Interface_ListW, in ANSI (§13 item 28). */
CONFIGRET WINAPI CM_Get_Device_Interface_ListA(LPGUID InterfaceClassGuid, DEVINSTID_A pDeviceID,
                                               PZZSTR Buffer, ULONG BufferLen, ULONG ulFlags)
{
    return list_get(InterfaceClassGuid, pDeviceID, Buffer, BufferLen, ulFlags, false);
}

/* ======================================================================================
 * Interface properties
 * ==================================================================================== */

/* Look an interface up by its user- or kernel-form name: CR_SUCCESS with *out (free with
 * pnpsim_iface_list_free), CR_INVALID_DATA (malformed), CR_NO_SUCH_DEVICE_INTERFACE. */
static CONFIGRET lookup(pnpsim_system *sys, LPCWSTR name, pnpsim_iface_list **out)
{
    char *s = pnpsim__utf16_to_utf8(sys, name, pnpsim__wcslen(name));
    NTSTATUS status;
    *out = NULL;
    if (s == NULL)
        return CR_OUT_OF_MEMORY;
    status = pnpsim_iface_lookup(sys, s, out);
    pnpsim__free(sys, s);
    if (status == STATUS_INVALID_PARAMETER)
        return CR_INVALID_DATA;
    if (status == STATUS_INSUFFICIENT_RESOURCES)
        return CR_OUT_OF_MEMORY;
    if (!NT_SUCCESS(status) || *out == NULL || (*out)->count != 1) {
        if (*out != NULL)
            pnpsim_iface_list_free(sys, *out);
        *out = NULL;
        return CR_NO_SUCH_DEVICE_INTERFACE;
    }
    return CR_SUCCESS;
}

/*
 * Windows behaviour (windows-semantics.md §13 items 32-34, asserted on Windows by Wine's
 * tests): NULL buffer with a nonzero size, NULL type, NULL size or NULL path give
 * CR_INVALID_POINTER with nothing written; a NULL key CR_FAILURE; flags CR_INVALID_FLAG;
 * an unknown path CR_NO_SUCH_DEVICE_INTERFACE; an unknown key CR_NO_SUCH_VALUE; a short
 * buffer CR_BUFFER_SMALL with the type and needed size set. DEVPKEY_Device_InstanceId is a
 * STRING, DEVPKEY_DeviceInterface_Enabled a BOOLEAN (0xFF when enabled),
 * DEVPKEY_DeviceInterface_ClassGuid a GUID.
 * Simulation: those three keys.
 */
CONFIGRET WINAPI CM_Get_Device_Interface_PropertyW(LPCWSTR pszDeviceInterface,
                                                   const DEVPROPKEY *PropertyKey,
                                                   DEVPROPTYPE *PropertyType, PBYTE PropertyBuffer,
                                                   PULONG PropertyBufferSize, ULONG ulFlags)
{
    pnpsim_system *sys = cm_sys();
    pnpsim_iface_list *l = NULL;
    unsigned char tmp[16];
    const void *data = tmp;
    WCHAR *wide = NULL;
    ULONG size;
    DEVPROPTYPE type;
    CONFIGRET cr;

    if (pszDeviceInterface == NULL || PropertyType == NULL || PropertyBufferSize == NULL)
        return CR_INVALID_POINTER;
    if (PropertyBuffer == NULL && *PropertyBufferSize != 0)
        return CR_INVALID_POINTER;
    if (PropertyKey == NULL)
        return CR_FAILURE;
    if (ulFlags != 0)
        return CR_INVALID_FLAG;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    cr = lookup(sys, pszDeviceInterface, &l);
    if (cr == CR_INVALID_DATA)
        cr = CR_NO_SUCH_DEVICE_INTERFACE; /* §13 item 34: "qqq" */
    if (cr != CR_SUCCESS)
        return cr;
    if (memcmp(PropertyKey, &key_enabled, sizeof(DEVPROPKEY)) == 0) {
        type = DEVPROP_TYPE_BOOLEAN;
        size = 1;
        tmp[0] = l->items[0].enabled ? 0xFF : 0x00;
    } else if (memcmp(PropertyKey, &key_class, sizeof(DEVPROPKEY)) == 0) {
        type = DEVPROP_TYPE_GUID;
        size = sizeof(GUID);
        memcpy(tmp, &l->items[0].class_guid, sizeof(GUID));
    } else if (memcmp(PropertyKey, &key_instance, sizeof(DEVPROPKEY)) == 0) {
        size_t n = 0;
        type = DEVPROP_TYPE_STRING;
        wide = pnpsim__utf8_to_utf16(sys, l->items[0].instance_path, &n);
        if (wide == NULL) {
            pnpsim_iface_list_free(sys, l);
            return CR_OUT_OF_MEMORY;
        }
        size = (ULONG)((n + 1) * sizeof(WCHAR));
        data = wide;
    } else {
        pnpsim_iface_list_free(sys, l);
        return CR_NO_SUCH_VALUE;
    }
    pnpsim_iface_list_free(sys, l);
    *PropertyType = type;
    if (*PropertyBufferSize < size) {
        *PropertyBufferSize = size;
        pnpsim__free(sys, wide);
        return CR_BUFFER_SMALL;
    }
    memcpy(PropertyBuffer, data, size);
    *PropertyBufferSize = size;
    pnpsim__free(sys, wide);
    return CR_SUCCESS;
}

/*
 * Windows behaviour (§13 item 36): NULL path, NULL count, or NULL buffer with a nonzero
 * count give CR_INVALID_POINTER (count untouched); a malformed name ("qqq", "{" replaced,
 * cut before the GUID) CR_INVALID_DATA with count 0; a well-formed unknown name
 * CR_NO_SUCH_DEVICE_INTERFACE; count 0 CR_BUFFER_SMALL with the count set; the first keys
 * are Enabled, InstanceId, ClassGuid.
 * Simulation: exactly those three keys (Windows lists 10 or 11).
 */
CONFIGRET WINAPI CM_Get_Device_Interface_Property_KeysW(LPCWSTR pszDeviceInterface,
                                                        DEVPROPKEY *PropertyKeyArray,
                                                        PULONG PropertyKeyCount, ULONG ulFlags)
{
    pnpsim_system *sys = cm_sys();
    pnpsim_iface_list *l = NULL;
    CONFIGRET cr;
    if (pszDeviceInterface == NULL || PropertyKeyCount == NULL)
        return CR_INVALID_POINTER;
    if (PropertyKeyArray == NULL && *PropertyKeyCount != 0)
        return CR_INVALID_POINTER;
    if (ulFlags != 0)
        return CR_INVALID_FLAG;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    cr = lookup(sys, pszDeviceInterface, &l);
    if (cr != CR_SUCCESS) {
        *PropertyKeyCount = 0;
        return cr;
    }
    pnpsim_iface_list_free(sys, l);
    if (*PropertyKeyCount < 3) {
        *PropertyKeyCount = 3;
        return CR_BUFFER_SMALL;
    }
    PropertyKeyArray[0] = key_enabled;
    PropertyKeyArray[1] = key_instance;
    PropertyKeyArray[2] = key_class;
    *PropertyKeyCount = 3;
    return CR_SUCCESS;
}

/* ======================================================================================
 * Device nodes
 * ==================================================================================== */

static bool present(pnpsim_device *dn)
{
    pnpsim_device_state st = pnpsim_device_get_state(dn);
    return st != PNPSIM_DEVICE_DELETED;
}

/*
 * Windows behaviour: a DEVINST for a device instance ID (NULL or empty: the root); a
 * device that is not present is found only with CM_LOCATE_DEVNODE_PHANTOM; unknown IDs give
 * CR_NO_SUCH_DEVNODE, a NULL handle pointer CR_INVALID_POINTER, other flags
 * CR_INVALID_FLAG (Microsoft Learn "CM_Locate_DevNodeW"). Simulation: same; IDs compare
 * case-insensitively.
 */
CONFIGRET WINAPI CM_Locate_DevNodeW(PDEVINST pdnDevInst, DEVINSTID_W pDeviceID, ULONG ulFlags)
{
    pnpsim_system *sys = cm_sys();
    pnpsim_device *dn;
    CONFIGRET cr;
    char *path;
    ULONG h;
    if (pdnDevInst == NULL)
        return CR_INVALID_POINTER;
    *pdnDevInst = 0;
    if (ulFlags & ~(ULONG)CM_LOCATE_DEVNODE_BITS)
        return CR_INVALID_FLAG;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    if (pDeviceID != NULL && pnpsim__wcslen(pDeviceID) >= MAX_DEVICE_ID_LEN)
        return CR_INVALID_DEVICE_ID;
    path = path_from_w(sys, pDeviceID, &cr);
    if (cr != CR_SUCCESS)
        return cr;
    dn = path != NULL ? pnpsim_device_find(sys, path) : pnpsim_device_root(sys);
    pnpsim__free(sys, path);
    if (dn == NULL)
        return CR_NO_SUCH_DEVNODE;
    if (!present(dn) && !(ulFlags & CM_LOCATE_DEVNODE_PHANTOM))
        return CR_NO_SUCH_DEVNODE;
    h = pnpsim__notify_devinst(sys, dn);
    if (h == 0)
        return CR_OUT_OF_MEMORY;
    *pdnDevInst = h;
    return CR_SUCCESS;
}

/*
 * Windows behaviour: the device instance ID of a DEVINST; CR_INVALID_POINTER for a NULL
 * buffer, CR_INVALID_FLAG, CR_INVALID_DEVNODE for a bad handle, CR_BUFFER_SMALL when the
 * buffer cannot hold it (Microsoft Learn "CM_Get_Device_IDW"). Simulation: the buffer must
 * also hold the terminating NUL (choice); a short buffer receives nothing.
 */
CONFIGRET WINAPI CM_Get_Device_IDW(DEVINST dnDevInst, PWSTR Buffer, ULONG BufferLen, ULONG ulFlags)
{
    pnpsim_system *sys = cm_sys();
    pnpsim_device *dn;
    WCHAR *w;
    size_t n = 0;
    if (Buffer == NULL)
        return CR_INVALID_POINTER;
    if (ulFlags != 0)
        return CR_INVALID_FLAG;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    dn = pnpsim__notify_devinst_node(sys, dnDevInst);
    if (dn == NULL)
        return CR_INVALID_DEVNODE;
    w = pnpsim__utf8_to_utf16(sys, pnpsim_device_instance_path(dn), &n);
    if (w == NULL)
        return CR_OUT_OF_MEMORY;
    if (BufferLen < n + 1) {
        pnpsim__free(sys, w);
        return CR_BUFFER_SMALL;
    }
    memcpy(Buffer, w, (n + 1) * sizeof(WCHAR));
    pnpsim__free(sys, w);
    return CR_SUCCESS;
}

/*
 * Windows behaviour: the DN_* status and CM_PROB_* problem of a device node;
 * CR_INVALID_POINTER, CR_INVALID_FLAG, CR_INVALID_DEVNODE for a bad handle,
 * CR_NO_SUCH_DEVINST when the device is no longer present (Microsoft Learn
 * "CM_Get_DevNode_Status"). Simulation: DN_STARTED|DN_DRIVER_LOADED while started,
 * DN_HAS_PROBLEM with the problem code, DN_ROOT_ENUMERATED for children of the root, and
 * DN_NT_ENUMERATOR|DN_NT_DRIVER always.
 */
CONFIGRET WINAPI CM_Get_DevNode_Status(PULONG pulStatus, PULONG pulProblemNumber, DEVINST dnDevInst,
                                       ULONG ulFlags)
{
    pnpsim_system *sys = cm_sys();
    pnpsim_device *dn;
    pnpsim_device_state st;
    ULONG status = DN_NT_ENUMERATOR | DN_NT_DRIVER, problem;
    if (pulStatus == NULL || pulProblemNumber == NULL)
        return CR_INVALID_POINTER;
    *pulStatus = 0;
    *pulProblemNumber = 0;
    if (ulFlags != 0)
        return CR_INVALID_FLAG;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    dn = pnpsim__notify_devinst_node(sys, dnDevInst);
    if (dn == NULL)
        return CR_INVALID_DEVNODE;
    if (!present(dn))
        return CR_NO_SUCH_DEVINST;
    st = pnpsim_device_get_state(dn);
    problem = pnpsim_device_problem(dn);
    if (st == PNPSIM_DEVICE_STARTED || st == PNPSIM_DEVICE_QUERY_STOPPED ||
        st == PNPSIM_DEVICE_QUERY_REMOVED)
        status |= DN_STARTED | DN_DRIVER_LOADED;
    else if (st == PNPSIM_DEVICE_DRIVERS_ADDED || st == PNPSIM_DEVICE_STOPPED)
        status |= DN_DRIVER_LOADED;
    if (problem != 0)
        status |= DN_HAS_PROBLEM;
    if (pnpsim_device_parent(dn) == pnpsim_device_root(sys))
        status |= DN_ROOT_ENUMERATED;
    *pulStatus = status;
    *pulProblemNumber = problem;
    return CR_SUCCESS;
}

/* ======================================================================================
 * Notifications
 * ==================================================================================== */

/* A user-mode registration: a = callback, b = context, c = the filter's handle. */
static NTSTATUS cm_deliver(pnpsim__notify_reg *r, const pnpsim__notify_payload *p)
{
    PCM_NOTIFY_CALLBACK cb = (PCM_NOTIFY_CALLBACK)(uintptr_t)r->a;
    CM_NOTIFY_ACTION action;
    PCM_NOTIFY_EVENT_DATA data;
    size_t size;
    DWORD ret;
    NTSTATUS status = STATUS_SUCCESS;

    switch (p->what) {
    case PNPSIM__NOTIFY_IFACE_ARRIVAL:
    case PNPSIM__NOTIFY_IFACE_REMOVAL: {
        const UNICODE_STRING *u = p->dicn->SymbolicLinkName;
        size_t n = u->Length / sizeof(WCHAR);
        size = FIELD_OFFSET(CM_NOTIFY_EVENT_DATA, u.DeviceInterface.SymbolicLink) +
               (n + 1) * sizeof(WCHAR);
        data = pnpsim__calloc(r->sys, 1, size);
        if (data == NULL)
            return STATUS_SUCCESS;
        data->FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
        data->u.DeviceInterface.ClassGuid = p->dicn->InterfaceClassGuid;
        {
            /* The name follows the structure (ANYSIZE_ARRAY): write through a pointer. */
            WCHAR *link =
                (WCHAR *)(void *)((char *)data + FIELD_OFFSET(CM_NOTIFY_EVENT_DATA,
                                                              u.DeviceInterface.SymbolicLink));
            memcpy(link, u->Buffer, n * sizeof(WCHAR));
            if (n >= 2)
                link[1] = '\\'; /* user form "\\?\" */
        }
        action = p->what == PNPSIM__NOTIFY_IFACE_ARRIVAL ? CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL
                                                         : CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL;
        break;
    }
    case PNPSIM__NOTIFY_TARGET_QUERY_REMOVE:
    case PNPSIM__NOTIFY_TARGET_REMOVE_CANCELLED:
    case PNPSIM__NOTIFY_TARGET_REMOVE_PENDING:
    case PNPSIM__NOTIFY_TARGET_REMOVE_COMPLETE:
    case PNPSIM__NOTIFY_TARGET_CUSTOM: {
        ULONG extra = 0;
        if (p->what == PNPSIM__NOTIFY_TARGET_CUSTOM)
            extra = p->custom->Size -
                    (ULONG)FIELD_OFFSET(TARGET_DEVICE_CUSTOM_NOTIFICATION, CustomDataBuffer);
        size = FIELD_OFFSET(CM_NOTIFY_EVENT_DATA, u.DeviceHandle.Data) + (extra ? extra : 1);
        data = pnpsim__calloc(r->sys, 1, size);
        if (data == NULL)
            return STATUS_SUCCESS;
        data->FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
        data->u.DeviceHandle.NameOffset = -1;
        if (p->event_guid != NULL)
            data->u.DeviceHandle.EventGuid = *p->event_guid;
        if (p->what == PNPSIM__NOTIFY_TARGET_CUSTOM) {
            data->u.DeviceHandle.NameOffset = p->custom->NameBufferOffset;
            data->u.DeviceHandle.DataSize = extra;
            memcpy((char *)data + FIELD_OFFSET(CM_NOTIFY_EVENT_DATA, u.DeviceHandle.Data),
                   (const char *)p->custom +
                       FIELD_OFFSET(TARGET_DEVICE_CUSTOM_NOTIFICATION, CustomDataBuffer),
                   extra);
        }
        action = p->what == PNPSIM__NOTIFY_TARGET_QUERY_REMOVE ? CM_NOTIFY_ACTION_DEVICEQUERYREMOVE
                 : p->what == PNPSIM__NOTIFY_TARGET_REMOVE_CANCELLED
                     ? CM_NOTIFY_ACTION_DEVICEQUERYREMOVEFAILED
                 : p->what == PNPSIM__NOTIFY_TARGET_REMOVE_PENDING
                     ? CM_NOTIFY_ACTION_DEVICEREMOVEPENDING
                 : p->what == PNPSIM__NOTIFY_TARGET_REMOVE_COMPLETE
                     ? CM_NOTIFY_ACTION_DEVICEREMOVECOMPLETE
                     : CM_NOTIFY_ACTION_DEVICECUSTOMEVENT;
        break;
    }
    case PNPSIM__NOTIFY_INSTANCE_STARTED:
    case PNPSIM__NOTIFY_INSTANCE_REMOVED: {
        size_t n = 0;
        WCHAR *w =
            pnpsim__utf8_to_utf16(r->sys, p->instance_path != NULL ? p->instance_path : "", &n);
        if (w == NULL)
            return STATUS_SUCCESS;
        size = FIELD_OFFSET(CM_NOTIFY_EVENT_DATA, u.DeviceInstance.InstanceId) +
               (n + 1) * sizeof(WCHAR);
        data = pnpsim__calloc(r->sys, 1, size);
        if (data == NULL) {
            pnpsim__free(r->sys, w);
            return STATUS_SUCCESS;
        }
        data->FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
        memcpy((char *)data + FIELD_OFFSET(CM_NOTIFY_EVENT_DATA, u.DeviceInstance.InstanceId), w,
               (n + 1) * sizeof(WCHAR));
        pnpsim__free(r->sys, w);
        action = p->what == PNPSIM__NOTIFY_INSTANCE_STARTED
                     ? CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED
                     : CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED;
        break;
    }
    default:
        return STATUS_SUCCESS;
    }
    ret = cb((HCMNOTIFICATION)(void *)r, r->b, action, data, (DWORD)size);
    /* Only a QUERYREMOVE can be vetoed, by ERROR_CANCELLED (Microsoft Learn
     * "CM_Register_Notification"). */
    if (action == CM_NOTIFY_ACTION_DEVICEQUERYREMOVE && ret == (DWORD)ERROR_CANCELLED)
        status = STATUS_UNSUCCESSFUL;
    pnpsim__free(r->sys, data);
    return status;
}

static bool guid_is_zero(const GUID *g)
{
    static const GUID zero;
    return memcmp(g, &zero, sizeof(zero)) == 0;
}

/*
 * Windows behaviour (windows-semantics.md §8.2, §13 item 37; Microsoft Learn
 * "CM_Register_Notification"): all arguments NULL gives CR_FAILURE; a NULL filter, a
 * cbSize that is not the structure's size, or ALL_INTERFACE_CLASSES with a non-zero GUID
 * give CR_INVALID_DATA, and the handle stays NULL; existing interfaces are not reported
 * (register, then list: an interface enabled in between shows up in both). Device-handle
 * registrations get QUERYREMOVE (veto with ERROR_CANCELLED), QUERYREMOVEFAILED,
 * REMOVEPENDING, REMOVECOMPLETE and custom events.
 * Simulation: the handle of a DEVICEHANDLE filter is a FILE_OBJECT from pnpsim_device_open
 * (anything else: CR_INVALID_DATA). Callbacks run on the delivery mode's thread.
 */
CONFIGRET WINAPI CM_Register_Notification(PCM_NOTIFY_FILTER pFilter, PVOID pContext,
                                          PCM_NOTIFY_CALLBACK pCallback,
                                          PHCMNOTIFICATION pNotifyContext)
{
    pnpsim_system *sys = cm_sys();
    pnpsim__notify_params prm;
    pnpsim__notify_reg *reg = NULL;
    NTSTATUS status;

    if (pFilter == NULL && pContext == NULL && pCallback == NULL && pNotifyContext == NULL)
        return CR_FAILURE;
    if (pNotifyContext != NULL)
        *pNotifyContext = NULL;
    if (pFilter == NULL || pFilter->cbSize != sizeof(CM_NOTIFY_FILTER))
        return CR_INVALID_DATA;
    if (pCallback == NULL || pNotifyContext == NULL)
        return CR_INVALID_POINTER;
    if (pFilter->Flags & ~(DWORD)CM_NOTIFY_FILTER_VALID_FLAGS)
        return CR_INVALID_FLAG;
    if (pFilter->Reserved != 0)
        return CR_INVALID_DATA;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    memset(&prm, 0, sizeof(prm));
    prm.deliver = cm_deliver;
    prm.a = (void *)(uintptr_t)pCallback;
    prm.b = pContext;
    prm.who = "a CM_Register_Notification callback";
    switch (pFilter->FilterType) {
    case CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE:
        if (pFilter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES)
            return CR_INVALID_FLAG;
        prm.category = PNPSIM__NOTIFY_CAT_INTERFACE;
        if (pFilter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES) {
            if (!guid_is_zero(&pFilter->u.DeviceInterface.ClassGuid))
                return CR_INVALID_DATA;
            prm.all_classes = true;
        } else {
            prm.class_guid = pFilter->u.DeviceInterface.ClassGuid;
        }
        break;
    case CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE: {
        pnpsim__file *f = pnpsim__file_from((PFILE_OBJECT)pFilter->u.DeviceHandle.hTarget);
        pnpsim_device *dn = NULL;
        if (pFilter->Flags != 0)
            return CR_INVALID_FLAG;
        if (f != NULL) {
            pnpsim__lock(sys);
            dn = f->devnode;
            pnpsim__unlock(sys);
        }
        if (dn == NULL || f->hdr.sys != sys)
            return CR_INVALID_DATA;
        prm.category = PNPSIM__NOTIFY_CAT_TARGET;
        prm.target = dn;
        prm.c = pFilter->u.DeviceHandle.hTarget;
        break;
    }
    case CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE: {
        const WCHAR *id = pFilter->u.DeviceInstance.InstanceId;
        size_t n = 0;
        if (pFilter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES)
            return CR_INVALID_FLAG;
        while (n < MAX_DEVICE_ID_LEN && id[n] != 0)
            n++;
        if (n == MAX_DEVICE_ID_LEN)
            return CR_INVALID_DATA;
        prm.category = PNPSIM__NOTIFY_CAT_INSTANCE;
        if (pFilter->Flags & CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES) {
            if (n != 0)
                return CR_INVALID_DATA;
        } else {
            char *path;
            if (n == 0)
                return CR_INVALID_DATA;
            path = pnpsim__utf16_to_utf8(sys, id, n);
            if (path == NULL)
                return CR_OUT_OF_MEMORY;
            prm.instance_path = path;
            status = pnpsim__notify_register(sys, &prm, &reg);
            pnpsim__free(sys, path);
            if (!NT_SUCCESS(status))
                return CR_OUT_OF_MEMORY;
            *pNotifyContext = (HCMNOTIFICATION)(void *)reg;
            return CR_SUCCESS;
        }
        break;
    }
    default:
        return CR_INVALID_DATA;
    }
    status = pnpsim__notify_register(sys, &prm, &reg);
    if (!NT_SUCCESS(status))
        return CR_OUT_OF_MEMORY;
    *pNotifyContext = (HCMNOTIFICATION)(void *)reg;
    return CR_SUCCESS;
}

/*
 * Windows behaviour: closes a notification handle; CR_SUCCESS (§13 item 37). No callback
 * runs after it returns; calling it from the handle's own callback deadlocks on Windows
 * (the docs say to defer it to another thread).
 * Simulation: from the handle's own callback it unregisters at once (that callback is the
 * last) and traces a warning instead of hanging; an unknown or closed handle gives
 * CR_INVALID_DATA (choice).
 */
CONFIGRET WINAPI CM_Unregister_Notification(HCMNOTIFICATION NotifyContext)
{
    pnpsim_system *sys = cm_sys();
    if (NotifyContext == NULL)
        return CR_INVALID_POINTER;
    if (sys == NULL)
        return CR_NO_CM_SERVICES;
    if (!pnpsim__notify_is_live(sys, NotifyContext))
        return CR_INVALID_DATA;
    if (pnpsim__notify_in_callback())
        pnpsim__trace(sys, PNPSIM_TRACE_NOTIFY, NULL, NULL, NULL,
                      "warning: CM_Unregister_Notification(%p) called from a notification "
                      "callback (deadlocks on Windows: defer it to another thread)",
                      (void *)NotifyContext);
    pnpsim__notify_unregister(sys, NotifyContext, PNPSIM__NOTIFY_UNREG_EX,
                              "CM_Unregister_Notification");
    return CR_SUCCESS;
}
