/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the user-mode CfgMgr32 subset (<cfgmgr32.h>) on the
 * same simulated system as the drivers: interface lists and their sizes, interface
 * properties and property keys, device nodes, and CM_Register_Notification for interface
 * classes, device handles and device instances. The validation rows are those of
 * windows-semantics.md §8 and §13 items 28-37 (Wine's cfgmgr32 tests, which pass on
 * Windows); each test names its item. The last test is a small discovery program written
 * as an application would write it.
 */
#include <stdlib.h>
#include <string.h>

#include <wdm.h>
#include <cfgmgr32.h>

#include "pnpsim_test.h"

#include "drivers/notifydev.h"

#define DEV_HWID "ROOT\\NOTIFYDEV"
#define DEV0_USER L"\\\\?\\ROOT#NOTIFYDEV#0#{6b7a1c3e-5d2f-4b8a-9c41-0f3e2d1a7b55}"
#define DEV0_USER_A "\\\\?\\ROOT#NOTIFYDEV#0#{6b7a1c3e-5d2f-4b8a-9c41-0f3e2d1a7b55}"

/* DEVPKEY_DeviceInterface_Enabled / _ClassGuid (devpkey.h), local copies. */
static const DEVPROPKEY key_enabled = {
    {0x026e516e, 0xb814, 0x414b, {0x83, 0xcd, 0x85, 0x6d, 0x6f, 0xef, 0x48, 0x22}}, 3};
static const DEVPROPKEY key_class = {
    {0x026e516e, 0xb814, 0x414b, {0x83, 0xcd, 0x85, 0x6d, 0x6f, 0xef, 0x48, 0x22}}, 4};
static const DEVPROPKEY key_instance = {
    {0x78c34fc8, 0x104a, 0x4aca, {0x9e, 0xa4, 0x52, 0x4d, 0x52, 0x99, 0x6e, 0x57}}, 256};

static void load_driver(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv = NULL;
    notifydev_reset();
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "notifydev", NotifydevDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, DEV_HWID, drv));
}

static pnpsim_device *started_device(pnpsim_system *sys, const char *instance)
{
    pnpsim_device *dev = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, instance, &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    return dev;
}

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

static int wequal(const WCHAR *a, const WCHAR *b)
{
    return wlen(a) == wlen(b) && memcmp(a, b, wlen(a) * sizeof(WCHAR)) == 0;
}

static unsigned char Junk[512];

static LPGUID cls(void)
{
    return (LPGUID)&GUID_NOTIFYDEV_CLASS;
}

/* ======================================================================================
 * Interface lists (§8.1, §13 items 28, 29, 31)
 * ==================================================================================== */

/* §8.1: an empty list has size 1 (just the final NUL). */
static void test_cfgmgr32__empty_list_has_size_one(void **state)
{
    ULONG size = 99;
    WCHAR buf[4] = {1, 1, 1, 1};
    (void)state;
    assert_int_equal(CM_Get_Device_Interface_List_SizeW(&size, cls(), NULL, 0), CR_SUCCESS);
    assert_int_equal(size, 1);
    assert_int_equal(CM_Get_Device_Interface_ListW(cls(), NULL, buf, 4, 0), CR_SUCCESS);
    assert_int_equal(buf[0], 0);
}

/* §8.1, §13 item 28: user-form names; A and W sizes are equal and the lists equivalent;
 * item 29: the '#'-separated device segments are the device's instance path. */
static void test_cfgmgr32__list_is_user_form_and_a_equals_w(void **state)
{
    pnpsim_system *sys = TSYS(state);
    ULONG wsize = 0, asize = 0;
    WCHAR wbuf[256];
    char abuf[256];
    load_driver(sys);
    started_device(sys, "0");
    assert_int_equal(CM_Get_Device_Interface_List_SizeW(&wsize, cls(), NULL, 0), CR_SUCCESS);
    assert_int_equal(CM_Get_Device_Interface_List_SizeA(&asize, cls(), NULL, 0), CR_SUCCESS);
    assert_int_equal(wsize, wlen(DEV0_USER) + 2);
    assert_int_equal(asize, wsize);
    assert_int_equal(CM_Get_Device_Interface_ListW(cls(), NULL, wbuf, wsize, 0), CR_SUCCESS);
    assert_true(wequal(wbuf, DEV0_USER));
    assert_int_equal(wbuf[wsize - 1], 0);
    assert_int_equal(CM_Get_Device_Interface_ListA(cls(), NULL, abuf, asize, 0), CR_SUCCESS);
    assert_string_equal(abuf, DEV0_USER_A);
    for (ULONG i = 0; i < wsize; i++)
        assert_int_equal((WCHAR)(unsigned char)abuf[i], wbuf[i]);
    /* item 29: ROOT#NOTIFYDEV#0 are the levels of ROOT\NOTIFYDEV\0. */
    assert_memory_equal(wbuf + 4, L"ROOT#NOTIFYDEV#0#", 17 * sizeof(WCHAR));
}

/* §8.1: PRESENT lists enabled interfaces only; ALL_DEVICES every registered one; the
 * optional device ID filters; a short buffer gives CR_BUFFER_SMALL; item 31: the PRESENT
 * count equals the enabled interfaces the system knows (SetupDi's PRESENT count). */
static void test_cfgmgr32__present_all_devices_and_filter(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_iface_list *l = NULL;
    pnpsim_device *d1;
    ULONG size = 0;
    WCHAR buf[512];
    WCHAR dev1[] = L"ROOT\\NOTIFYDEV\\1";
    WCHAR nobody[] = L"ROOT\\NOBODY\\7";
    load_driver(sys);
    started_device(sys, "0");
    d1 = started_device(sys, "1");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(d1)); /* registered, disabled */
    assert_int_equal(CM_Get_Device_Interface_List_SizeW(&size, cls(), NULL,
                                                        CM_GET_DEVICE_INTERFACE_LIST_PRESENT),
                     CR_SUCCESS);
    assert_int_equal(size, wlen(DEV0_USER) + 2);
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_class(sys, &GUID_NOTIFYDEV_CLASS, 0, &l));
    assert_int_equal(l->count, 1);
    pnpsim_iface_list_free(sys, l);
    assert_int_equal(CM_Get_Device_Interface_List_SizeW(&size, cls(), NULL,
                                                        CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES),
                     CR_SUCCESS);
    assert_int_equal(size, 2 * (wlen(DEV0_USER) + 1) + 1);
    assert_int_equal(CM_Get_Device_Interface_ListW(cls(), dev1, buf, 512,
                                                   CM_GET_DEVICE_INTERFACE_LIST_ALL_DEVICES),
                     CR_SUCCESS);
    assert_memory_equal(buf + 4, L"ROOT#NOTIFYDEV#1#", 17 * sizeof(WCHAR));
    assert_int_equal(CM_Get_Device_Interface_ListW(cls(), dev1, buf, 512, 0), CR_SUCCESS);
    assert_int_equal(buf[0], 0);
    assert_int_equal(CM_Get_Device_Interface_ListW(cls(), NULL, buf, 5, 0), CR_BUFFER_SMALL);
    assert_int_equal(CM_Get_Device_Interface_List_SizeW(&size, cls(), nobody, 0),
                     CR_NO_SUCH_DEVNODE);
}

/* Argument checks of the list calls. */
static void test_cfgmgr32__list_bad_arguments(void **state)
{
    ULONG size = 0;
    WCHAR buf[8];
    (void)state;
    assert_int_equal(CM_Get_Device_Interface_List_SizeW(NULL, cls(), NULL, 0), CR_INVALID_POINTER);
    assert_int_equal(CM_Get_Device_Interface_List_SizeW(&size, NULL, NULL, 0), CR_INVALID_POINTER);
    assert_int_equal(CM_Get_Device_Interface_List_SizeW(&size, cls(), NULL, 2), CR_INVALID_FLAG);
    assert_int_equal(CM_Get_Device_Interface_ListW(cls(), NULL, NULL, 8, 0), CR_INVALID_POINTER);
    assert_int_equal(CM_Get_Device_Interface_ListW(cls(), NULL, buf, 0, 0), CR_INVALID_POINTER);
    assert_int_equal(CM_Get_Device_Interface_ListW(cls(), NULL, buf, 8, 4), CR_INVALID_FLAG);
}

/* ======================================================================================
 * Interface properties (§13 items 32-34, 36)
 * ==================================================================================== */

/* §13 item 32: the validation rows of CM_Get_Device_Interface_PropertyW with
 * DEVPKEY_Device_InstanceId, then a correct read. */
static void test_cfgmgr32__property_validation_item_32(void **state)
{
    pnpsim_system *sys = TSYS(state);
    DEVPROPTYPE type;
    ULONG size;
    WCHAR buf[128];
    load_driver(sys);
    started_device(sys, "0");
    /* NULL buffer with nonzero size: CR_INVALID_POINTER, type and size untouched. */
    type = 0xdead;
    size = 10;
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_instance, &type, NULL, &size, 0),
        CR_INVALID_POINTER);
    assert_int_equal(type, 0xdead);
    assert_int_equal(size, 10);
    /* NULL buffer, size 0: CR_BUFFER_SMALL, type STRING, size set. */
    size = 0;
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_instance, &type, NULL, &size, 0),
        CR_BUFFER_SMALL);
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_int_equal(size, sizeof(L"ROOT\\NOTIFYDEV\\0"));
    /* NULL key: CR_FAILURE. */
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, NULL, &type, (PBYTE)buf, &size, 0),
        CR_FAILURE);
    /* NULL type, NULL size or NULL path: CR_INVALID_POINTER. */
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_instance, NULL, (PBYTE)buf, &size, 0),
        CR_INVALID_POINTER);
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_instance, &type, (PBYTE)buf, NULL, 0),
        CR_INVALID_POINTER);
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(NULL, &key_instance, &type, (PBYTE)buf, &size, 0),
        CR_INVALID_POINTER);
    /* Flags 1: CR_INVALID_FLAG. */
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_instance, &type, (PBYTE)buf, &size, 1),
        CR_INVALID_FLAG);
    /* One byte short: CR_BUFFER_SMALL. */
    size = sizeof(L"ROOT\\NOTIFYDEV\\0") - 1;
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_instance, &type, (PBYTE)buf, &size, 0),
        CR_BUFFER_SMALL);
    /* The right size: the instance ID. */
    size = sizeof(buf);
    type = 0;
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_instance, &type, (PBYTE)buf, &size, 0),
        CR_SUCCESS);
    assert_int_equal(type, DEVPROP_TYPE_STRING);
    assert_true(wequal(buf, L"ROOT\\NOTIFYDEV\\0"));
}

/* §13 items 33 and 34: Enabled is a 1-byte BOOLEAN 0xFF; ClassGuid a GUID; a zero key
 * CR_NO_SUCH_VALUE; an unknown path "qqq" CR_NO_SUCH_DEVICE_INTERFACE. */
static void test_cfgmgr32__property_values_items_33_34(void **state)
{
    pnpsim_system *sys = TSYS(state);
    DEVPROPKEY zero;
    DEVPROPTYPE type = 0;
    ULONG size;
    BYTE buf[64];
    load_driver(sys);
    started_device(sys, "0");
    size = sizeof(buf);
    assert_int_equal(
        CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_enabled, &type, buf, &size, 0),
        CR_SUCCESS);
    assert_int_equal(type, DEVPROP_TYPE_BOOLEAN);
    assert_int_equal(size, 1);
    assert_int_equal(buf[0], 0xFF);
    size = sizeof(buf);
    assert_int_equal(CM_Get_Device_Interface_PropertyW(DEV0_USER, &key_class, &type, buf, &size, 0),
                     CR_SUCCESS);
    assert_int_equal(type, DEVPROP_TYPE_GUID);
    assert_int_equal(size, sizeof(GUID));
    assert_memory_equal(buf, &GUID_NOTIFYDEV_CLASS, sizeof(GUID));
    memset(&zero, 0, sizeof(zero));
    size = sizeof(buf);
    assert_int_equal(CM_Get_Device_Interface_PropertyW(DEV0_USER, &zero, &type, buf, &size, 0),
                     CR_NO_SUCH_VALUE);
    size = sizeof(buf);
    assert_int_equal(CM_Get_Device_Interface_PropertyW(L"qqq", &key_enabled, &type, buf, &size, 0),
                     CR_NO_SUCH_DEVICE_INTERFACE);
}

/* §13 item 36: CM_Get_Device_Interface_Property_KeysW validation and the first keys. */
static void test_cfgmgr32__property_keys_item_36(void **state)
{
    pnpsim_system *sys = TSYS(state);
    DEVPROPKEY keys[16];
    ULONG count;
    WCHAR name[128];
    load_driver(sys);
    started_device(sys, "0");
    count = 5;
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(NULL, keys, &count, 0),
                     CR_INVALID_POINTER);
    assert_int_equal(count, 5);
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(L"qqq", keys, &count, 0),
                     CR_INVALID_DATA);
    assert_int_equal(count, 0);
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(DEV0_USER, keys, NULL, 0),
                     CR_INVALID_POINTER);
    count = 3;
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(DEV0_USER, NULL, &count, 0),
                     CR_INVALID_POINTER);
    count = 0;
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(DEV0_USER, NULL, &count, 0),
                     CR_BUFFER_SMALL);
    assert_true(count >= 3);
    count = 16;
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(DEV0_USER, keys, &count, 0),
                     CR_SUCCESS);
    assert_memory_equal(&keys[0], &key_enabled, sizeof(DEVPROPKEY));
    assert_memory_equal(&keys[1], &key_instance, sizeof(DEVPROPKEY));
    assert_memory_equal(&keys[2], &key_class, sizeof(DEVPROPKEY));
    /* A changed GUID digit: no such interface. */
    memcpy(name, DEV0_USER, sizeof(DEV0_USER));
    name[wlen(name) - 2] = '6';
    count = 16;
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(name, keys, &count, 0),
                     CR_NO_SUCH_DEVICE_INTERFACE);
    /* '{' replaced by '.': malformed. */
    memcpy(name, DEV0_USER, sizeof(DEV0_USER));
    name[wlen(name) - 38] = '.';
    count = 16;
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(name, keys, &count, 0),
                     CR_INVALID_DATA);
    /* Cut just before the GUID: malformed. */
    memcpy(name, DEV0_USER, sizeof(DEV0_USER));
    name[wlen(name) - 38] = 0;
    count = 16;
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(name, keys, &count, 0),
                     CR_INVALID_DATA);
    /* A changed character in the instance part: no such interface. */
    memcpy(name, DEV0_USER, sizeof(DEV0_USER));
    name[4 + 15] = '9'; /* ROOT#NOTIFYDEV#0 -> ROOT#NOTIFYDEV#9 */
    count = 16;
    assert_int_equal(CM_Get_Device_Interface_Property_KeysW(name, keys, &count, 0),
                     CR_NO_SUCH_DEVICE_INTERFACE);
}

/* ======================================================================================
 * Device nodes
 * ==================================================================================== */

static void test_cfgmgr32__locate_devnode_id_and_status(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    DEVINST di = 77, root = 0;
    WCHAR id[MAX_DEVICE_ID_LEN];
    WCHAR dev0[] = L"root\\notifydev\\0";
    WCHAR nobody[] = L"ROOT\\NOBODY\\0";
    ULONG status = 0, problem = 99;
    load_driver(sys);
    dev = started_device(sys, "0");
    assert_int_equal(CM_Locate_DevNodeW(&di, dev0, CM_LOCATE_DEVNODE_NORMAL), CR_SUCCESS);
    assert_int_not_equal(di, 0);
    assert_int_equal(CM_Get_Device_IDW(di, id, MAX_DEVICE_ID_LEN, 0), CR_SUCCESS);
    assert_true(wequal(id, L"ROOT\\NOTIFYDEV\\0"));
    assert_int_equal(CM_Get_Device_IDW(di, id, 5, 0), CR_BUFFER_SMALL);
    assert_int_equal(CM_Get_DevNode_Status(&status, &problem, di, 0), CR_SUCCESS);
    assert_true(status & DN_STARTED);
    assert_true(status & DN_DRIVER_LOADED);
    assert_true(status & DN_ROOT_ENUMERATED);
    assert_int_equal(problem, 0);
    /* The root: NULL ID. */
    assert_int_equal(CM_Locate_DevNodeW(&root, NULL, 0), CR_SUCCESS);
    assert_int_equal(CM_Get_Device_IDW(root, id, MAX_DEVICE_ID_LEN, 0), CR_SUCCESS);
    assert_true(wequal(id, L"HTREE\\ROOT\\0"));
    /* Removed (disabled): problem code, not started. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(CM_Get_DevNode_Status(&status, &problem, di, 0), CR_SUCCESS);
    assert_false(status & DN_STARTED);
    assert_true(status & DN_HAS_PROBLEM);
    assert_int_equal(problem, CM_PROB_DISABLED);
    /* Errors. */
    assert_int_equal(CM_Locate_DevNodeW(NULL, dev0, 0), CR_INVALID_POINTER);
    assert_int_equal(CM_Locate_DevNodeW(&di, dev0, 8), CR_INVALID_FLAG);
    assert_int_equal(CM_Locate_DevNodeW(&di, nobody, 0), CR_NO_SUCH_DEVNODE);
    assert_int_equal(di, 0);
    assert_int_equal(CM_Get_Device_IDW(12345, id, MAX_DEVICE_ID_LEN, 0), CR_INVALID_DEVNODE);
    assert_int_equal(CM_Get_Device_IDW(root, NULL, 10, 0), CR_INVALID_POINTER);
    assert_int_equal(CM_Get_Device_IDW(root, id, MAX_DEVICE_ID_LEN, 1), CR_INVALID_FLAG);
    assert_int_equal(CM_Get_DevNode_Status(NULL, &problem, root, 0), CR_INVALID_POINTER);
    assert_int_equal(CM_Get_DevNode_Status(&status, &problem, 0, 0), CR_INVALID_DEVNODE);
    assert_int_equal(CM_Get_DevNode_Status(&status, &problem, root, 1), CR_INVALID_FLAG);
}

/* ======================================================================================
 * Notifications (§8.2, §13 item 37)
 * ==================================================================================== */

#define MAX_CM 16
static struct {
    ULONG calls;
    CM_NOTIFY_ACTION action[MAX_CM];
    CM_NOTIFY_FILTER_TYPE type[MAX_CM];
    GUID guid[MAX_CM];
    WCHAR text[MAX_CM][128];
    HCMNOTIFICATION handle[MAX_CM];
    DWORD veto; /* returned to QUERYREMOVE */
} Cm;

static DWORD CALLBACK cm_callback(HCMNOTIFICATION h, PVOID ctx, CM_NOTIFY_ACTION action,
                                  PCM_NOTIFY_EVENT_DATA data, DWORD size)
{
    ULONG i = Cm.calls++;
    (void)ctx;
    (void)size;
    if (i >= MAX_CM)
        return ERROR_SUCCESS;
    Cm.handle[i] = h;
    Cm.action[i] = action;
    Cm.type[i] = data->FilterType;
    if (data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE) {
        Cm.guid[i] = data->u.DeviceInterface.ClassGuid;
        if (wlen(data->u.DeviceInterface.SymbolicLink) < 128)
            memcpy(Cm.text[i], data->u.DeviceInterface.SymbolicLink,
                   (wlen(data->u.DeviceInterface.SymbolicLink) + 1) * sizeof(WCHAR));
    } else if (data->FilterType == CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE) {
        if (wlen(data->u.DeviceInstance.InstanceId) < 128)
            memcpy(Cm.text[i], data->u.DeviceInstance.InstanceId,
                   (wlen(data->u.DeviceInstance.InstanceId) + 1) * sizeof(WCHAR));
    } else {
        Cm.guid[i] = data->u.DeviceHandle.EventGuid;
    }
    return action == CM_NOTIFY_ACTION_DEVICEQUERYREMOVE ? Cm.veto : ERROR_SUCCESS;
}

static void iface_filter(CM_NOTIFY_FILTER *f)
{
    memset(f, 0, sizeof(*f));
    f->cbSize = sizeof(*f);
    f->FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    f->u.DeviceInterface.ClassGuid = GUID_NOTIFYDEV_CLASS;
}

/* §8.2 / §13 item 37 (WT-cfg): the CM_Register_Notification validation table; on failure
 * the handle stays NULL; CM_Unregister_Notification returns CR_SUCCESS. */
static void test_cfgmgr32__register_notification_validation_item_37(void **state)
{
    CM_NOTIFY_FILTER f;
    HCMNOTIFICATION h = (HCMNOTIFICATION)(void *)&f;
    (void)state;
    assert_int_equal(CM_Register_Notification(NULL, NULL, NULL, NULL), CR_FAILURE);
    assert_int_equal(CM_Register_Notification(NULL, NULL, cm_callback, &h), CR_INVALID_DATA);
    assert_null(h);
    iface_filter(&f);
    f.cbSize = 0;
    assert_int_equal(CM_Register_Notification(&f, NULL, cm_callback, &h), CR_INVALID_DATA);
    assert_null(h);
    f.cbSize = sizeof(f) + 1;
    assert_int_equal(CM_Register_Notification(&f, NULL, cm_callback, &h), CR_INVALID_DATA);
    assert_null(h);
    iface_filter(&f);
    f.Flags = CM_NOTIFY_FILTER_FLAG_ALL_INTERFACE_CLASSES; /* with a non-zero GUID */
    assert_int_equal(CM_Register_Notification(&f, NULL, cm_callback, &h), CR_INVALID_DATA);
    assert_null(h);
    memset(&f.u.DeviceInterface.ClassGuid, 0, sizeof(GUID));
    assert_int_equal(CM_Register_Notification(&f, NULL, cm_callback, &h), CR_SUCCESS);
    assert_non_null(h);
    assert_int_equal(CM_Unregister_Notification(h), CR_SUCCESS);
    iface_filter(&f);
    assert_int_equal(CM_Register_Notification(&f, NULL, cm_callback, &h), CR_SUCCESS);
    assert_non_null(h);
    assert_int_equal(CM_Unregister_Notification(h), CR_SUCCESS);
    /* pnpsim's choices for the rest. */
    assert_int_equal(CM_Unregister_Notification(h), CR_INVALID_DATA);
    assert_int_equal(CM_Unregister_Notification(NULL), CR_INVALID_POINTER);
    f.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
    f.u.DeviceHandle.hTarget = (HANDLE)(Junk + 256); /* not a file object */
    assert_int_equal(CM_Register_Notification(&f, NULL, cm_callback, &h), CR_INVALID_DATA);
    f.FilterType = CM_NOTIFY_FILTER_TYPE_MAX;
    assert_int_equal(CM_Register_Notification(&f, NULL, cm_callback, &h), CR_INVALID_DATA);
}

/* §8.2: arrival and removal in user form; existing interfaces are not reported (register,
 * then list). */
static void test_cfgmgr32__interface_notifications(void **state)
{
    pnpsim_system *sys = TSYS(state);
    CM_NOTIFY_FILTER f;
    HCMNOTIFICATION h = NULL;
    pnpsim_device *d0;
    load_driver(sys);
    memset(&Cm, 0, sizeof(Cm));
    started_device(sys, "1");
    iface_filter(&f);
    assert_int_equal(CM_Register_Notification(&f, &Cm, cm_callback, &h), CR_SUCCESS);
    assert_int_equal(Cm.calls, 0); /* "1" already existed: not reported */
    d0 = started_device(sys, "0");
    assert_int_equal(Cm.calls, 1);
    assert_int_equal(Cm.action[0], CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL);
    assert_int_equal(Cm.type[0], CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE);
    assert_ptr_equal(Cm.handle[0], h);
    assert_memory_equal(&Cm.guid[0], &GUID_NOTIFYDEV_CLASS, sizeof(GUID));
    assert_true(wequal(Cm.text[0], DEV0_USER));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(d0));
    assert_int_equal(Cm.calls, 2);
    assert_int_equal(Cm.action[1], CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL);
    assert_int_equal(CM_Unregister_Notification(h), CR_SUCCESS);
}

/* §8.2 (I-UMN): a device-handle registration hears QUERYREMOVE (ERROR_CANCELLED vetoes,
 * then QUERYREMOVEFAILED), REMOVEPENDING and REMOVECOMPLETE. */
static void test_cfgmgr32__device_handle_notifications_and_veto(void **state)
{
    pnpsim_system *sys = TSYS(state);
    CM_NOTIFY_FILTER f;
    HCMNOTIFICATION h = NULL;
    PFILE_OBJECT file = NULL;
    pnpsim_device *d0;
    load_driver(sys);
    memset(&Cm, 0, sizeof(Cm));
    d0 = started_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(d0, NULL, &file));
    memset(&f, 0, sizeof(f));
    f.cbSize = sizeof(f);
    f.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
    f.u.DeviceHandle.hTarget = file;
    assert_int_equal(CM_Register_Notification(&f, &Cm, cm_callback, &h), CR_SUCCESS);
    Cm.veto = ERROR_CANCELLED;
    assert_true(!NT_SUCCESS(pnpsim_device_remove(d0)));
    assert_int_equal(Cm.calls, 2);
    assert_int_equal(Cm.action[0], CM_NOTIFY_ACTION_DEVICEQUERYREMOVE);
    assert_int_equal(Cm.type[0], CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE);
    assert_int_equal(Cm.action[1], CM_NOTIFY_ACTION_DEVICEQUERYREMOVEFAILED);
    Cm.veto = ERROR_SUCCESS;
    ObDereferenceObject(file);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(d0));
    assert_int_equal(Cm.calls, 5);
    assert_int_equal(Cm.action[2], CM_NOTIFY_ACTION_DEVICEQUERYREMOVE);
    assert_int_equal(Cm.action[3], CM_NOTIFY_ACTION_DEVICEREMOVEPENDING);
    assert_int_equal(Cm.action[4], CM_NOTIFY_ACTION_DEVICEREMOVECOMPLETE);
    assert_int_equal(CM_Unregister_Notification(h), CR_SUCCESS);
}

/* Device-instance registrations hear STARTED and REMOVED for their device. */
static void test_cfgmgr32__device_instance_notifications(void **state)
{
    pnpsim_system *sys = TSYS(state);
    CM_NOTIFY_FILTER f;
    HCMNOTIFICATION h = NULL;
    pnpsim_device *d0 = NULL;
    load_driver(sys);
    memset(&Cm, 0, sizeof(Cm));
    memset(&f, 0, sizeof(f));
    f.cbSize = sizeof(f);
    f.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
    memcpy(f.u.DeviceInstance.InstanceId, L"ROOT\\NOTIFYDEV\\0", sizeof(L"ROOT\\NOTIFYDEV\\0"));
    assert_int_equal(CM_Register_Notification(&f, &Cm, cm_callback, &h), CR_SUCCESS);
    started_device(sys, "1");
    assert_int_equal(Cm.calls, 0);
    d0 = started_device(sys, "0");
    assert_int_equal(Cm.calls, 1);
    assert_int_equal(Cm.action[0], CM_NOTIFY_ACTION_DEVICEINSTANCESTARTED);
    assert_true(wequal(Cm.text[0], L"ROOT\\NOTIFYDEV\\0"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(d0));
    assert_int_equal(Cm.calls, 2);
    assert_int_equal(Cm.action[1], CM_NOTIFY_ACTION_DEVICEINSTANCEREMOVED);
    assert_int_equal(CM_Unregister_Notification(h), CR_SUCCESS);
    /* ALL_DEVICE_INSTANCES with an ID, or no ID without it: CR_INVALID_DATA. */
    f.Flags = CM_NOTIFY_FILTER_FLAG_ALL_DEVICE_INSTANCES;
    assert_int_equal(CM_Register_Notification(&f, &Cm, cm_callback, &h), CR_INVALID_DATA);
    f.Flags = 0;
    f.u.DeviceInstance.InstanceId[0] = 0;
    assert_int_equal(CM_Register_Notification(&f, &Cm, cm_callback, &h), CR_INVALID_DATA);
}

/* ======================================================================================
 * A discovery program (I-UMN: register first, then list; tolerate the overlap)
 * ==================================================================================== */

#define MAX_FOUND 8
static struct {
    WCHAR names[MAX_FOUND][128];
    ULONG count;
} Found;

static void found_add(const WCHAR *name)
{
    for (ULONG i = 0; i < Found.count; i++) {
        if (wequal(Found.names[i], name))
            return; /* seen in both the list and a notification */
    }
    if (Found.count < MAX_FOUND && wlen(name) < 128)
        memcpy(Found.names[Found.count++], name, (wlen(name) + 1) * sizeof(WCHAR));
}

static DWORD CALLBACK discovery_callback(HCMNOTIFICATION h, PVOID ctx, CM_NOTIFY_ACTION action,
                                         PCM_NOTIFY_EVENT_DATA data, DWORD size)
{
    (void)h;
    (void)ctx;
    (void)size;
    if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL)
        found_add(data->u.DeviceInterface.SymbolicLink);
    return ERROR_SUCCESS;
}

static void test_cfgmgr32__discovery_program(void **state)
{
    pnpsim_system *sys = TSYS(state);
    CM_NOTIFY_FILTER f;
    HCMNOTIFICATION h = NULL;
    WCHAR *list = NULL;
    ULONG size = 0;
    CONFIGRET cr;
    load_driver(sys);
    memset(&Found, 0, sizeof(Found));
    started_device(sys, "0");
    iface_filter(&f);
    assert_int_equal(CM_Register_Notification(&f, NULL, discovery_callback, &h), CR_SUCCESS);
    /* The list can grow between the two calls: loop on CR_BUFFER_SMALL. */
    do {
        assert_int_equal(CM_Get_Device_Interface_List_SizeW(&size, cls(), NULL, 0), CR_SUCCESS);
        free(list);
        list = malloc(size * sizeof(WCHAR));
        assert_non_null(list);
        cr = CM_Get_Device_Interface_ListW(cls(), NULL, list, size, 0);
    } while (cr == CR_BUFFER_SMALL);
    assert_int_equal(cr, CR_SUCCESS);
    for (WCHAR *p = list; *p != 0; p += wlen(p) + 1)
        found_add(p);
    free(list);
    started_device(sys, "1");
    assert_int_equal(Found.count, 2);
    assert_true(wequal(Found.names[0], DEV0_USER));
    assert_int_equal(CM_Unregister_Notification(h), CR_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_cfgmgr32__empty_list_has_size_one),
        PNPSIM_TEST(test_cfgmgr32__list_is_user_form_and_a_equals_w),
        PNPSIM_TEST(test_cfgmgr32__present_all_devices_and_filter),
        PNPSIM_TEST(test_cfgmgr32__list_bad_arguments),
        PNPSIM_TEST(test_cfgmgr32__property_validation_item_32),
        PNPSIM_TEST(test_cfgmgr32__property_values_items_33_34),
        PNPSIM_TEST(test_cfgmgr32__property_keys_item_36),
        PNPSIM_TEST(test_cfgmgr32__locate_devnode_id_and_status),
        PNPSIM_TEST(test_cfgmgr32__register_notification_validation_item_37),
        PNPSIM_TEST(test_cfgmgr32__interface_notifications),
        PNPSIM_TEST(test_cfgmgr32__device_handle_notifications_and_veto),
        PNPSIM_TEST(test_cfgmgr32__device_instance_notifications),
        PNPSIM_TEST(test_cfgmgr32__discovery_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
