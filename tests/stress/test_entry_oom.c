/* SPDX-License-Identifier: MIT */
/*
 * This file implements the entry-point OOM sweep (issue 8, "Fault injection"): one table
 * row per public entry point that can allocate (native, WDK, KMDF, CfgMgr32). For each row
 * and for n = 1, 2, 3 ... a fresh system runs the row's setup with no fault armed, takes a
 * snapshot (pnpsim_test_snapshot), arms pnpsim_fault_alloc(sys, n, 1), makes the call and
 * disarms. When an injection fired and the call failed, the status must be the row's
 * documented failure (STATUS_INSUFFICIENT_RESOURCES, NULL for the allocators, CR_OUT_OF_MEMORY
 * for CM_*), the output parameters empty, the JSON dump byte for byte the same, the
 * invariant checker clean and the simulator's internal allocation count unchanged (nothing
 * leaked). When it fired and the call succeeded, the row must say a fallback may absorb
 * it. The sweep stops at the first n that fires nothing; that run must succeed. The same is
 * done with pnpsim_fault_alloc(sys, n, 0) (every allocation from the nth on fails). Every
 * run ends with shutdown, the checker and no pool outstanding.
 *
 * Entry points left out on purpose:
 * - pnpsim_system_create: there is no system to arm a fault on before it exists (its own
 *   OOM paths are covered by tests/core/test_system.c).
 * - pnpsim_system_destroy, pnpsim_iface_list_free and the other free/close routines: they
 *   only release memory.
 * - pnpsim_system_run_pending / pnpsim_system_flush / pnpsim_time_advance: they run queued
 *   work whose allocations belong to the work's own DDI (enumeration, notification
 *   delivery, timers); the scenario sweeps in test_oom_sweeps.c drive them under OOM.
 * - pnpsim_verifier_set_mode, the bug check records and the trace sinks: they allocate
 *   with plain malloc on purpose (they must work when the simulator's allocator is failing).
 * - IofCallDriver / IofCompleteRequest / PoCallDriver / WdfRequestComplete* and the queue
 *   state methods: they reach allocation only through the query-interface ledger's capture
 *   at completion, which is best-effort by design (a failed capture is traced, the IRP
 *   completes); the ledger sweep is in test_oom_sweeps.c (query-interface).
 * - pnpsim_device_start, and with it WdfDeviceCreate of an FDO, WdfDeviceInitAssignName,
 *   WdfFdoInitOpenRegistryKey, WdfDeviceInitAssignWdmIrpPreprocessCallback (only callable
 *   inside EvtDriverDeviceAdd): a failed start changes the system by design (the devnode
 *   keeps a problem code, CM_PROB_FAILED_ADD/START) and runs driver code whose own error
 *   paths decide what stays; the row-level "nothing changed" proof does not apply as is
 *   (open: a start with notifydev absorbs some injected failures, and a kmdf_ioctl start
 *   can leave more than the problem code). Covered by the scenario sweeps in
 *   test_oom_sweeps.c and tests/kmdf/test_kmdf_device.c. WdfDeviceCreate of a PDO has its
 *   own row.
 * - WdfDeviceCreateSymbolicLink, WdfInterruptCreate, WdfDpcCreate, WdfControlDeviceInitAllocate and the other methods
 *   pnpsim does not model (src/kmdf/fx_unmodelled.c): they fail with STATUS_NOT_IMPLEMENTED
 *   whatever the memory; the allocation is the trace of the first call.
 * - WdfDeviceSetDeviceInterfaceState: VOID; a row could not tell a dropped request from one
 *   that had nothing to do in the time given (to add).
 * - IoCreateSymbolicLink: declared by no pnpsim header yet (fault.h names it for the day it
 *   is); IoGetDeviceProperty / IoGetDevicePropertyData and the IoWMI* routines: they do not
 *   allocate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/fault.h>
#include <pnpsim/verifier.h>

#include <ntddk.h>
#include <wdf.h>
#include <cfgmgr32.h>

#include "drivers/kmdf_bus.h"
#include "drivers/kmdf_ioctl.h"
#include "drivers/notifydev.h"

/* White-box: the simulator's count of live internal allocations (a failed call must leave
 * it as it was: nothing leaked). */
#include "../../src/core/pnpsim_int.h"

#define ND_HWID "ROOT\\NOTIFYDEV"
#define MAX_RUNS 2000
#define CR_STATUS(cr) ((NTSTATUS)(0xE0CF0000u | (ULONG)(cr))) /* a CONFIGRET as a status */
#define NULL_STATUS STATUS_INSUFFICIENT_RESOURCES /* a routine returning NULL: "failed" */

/* A class only this test registers, and a second one for aliases. */
static const GUID GUID_OOM_CLASS = {0x4d1e7a90, 0x2b3c, 0x4f5d,
                                    {0x8e, 0x6f, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc5}};
static const GUID GUID_OOM_ALIAS = {0x4d1e7a91, 0x2b3c, 0x4f5d,
                                    {0x8e, 0x6f, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc6}};
static const GUID GUID_OOM_QI = {0x4d1e7a92, 0x2b3c, 0x4f5d,
                                 {0x8e, 0x6f, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc7}};
/* A device property key of the test's own (devprop tests use one the same way). */
static const DEVPROPKEY OOM_PROPKEY = {
    {0x4d1e7a93, 0x2b3c, 0x4f5d, {0x8e, 0x6f, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc8}}, 2};
/* DEVPKEY_DeviceInterface_FriendlyName (devpkey.h), a local copy. */
static const DEVPROPKEY OOM_IFACE_FRIENDLY = {
    {0x026e516e, 0xb814, 0x414b, {0x83, 0xcd, 0x85, 0x6d, 0x6f, 0xef, 0x48, 0x22}}, 2};

/* ---- the context a row works in --------------------------------------------------------- */

typedef struct ctx {
    pnpsim_system *sys;
    char dir[400];
    char path[512];
    /* notifydev on ROOT\NOTIFYDEV\0 */
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    PDEVICE_OBJECT pdo, top;
    WCHAR link_buf[200]; /* notifydev's interface, kernel form */
    UNICODE_STRING link;
    WCHAR user_link[200]; /* the same, user form */
    WCHAR reg_buf[200];   /* GUID_OOM_CLASS registered on the device (disabled), kernel form */
    UNICODE_STRING reg;
    /* KMDF */
    WDFDEVICE wdev;
    WDFOBJECT wobj;
    WDFCOLLECTION coll;
    WDFSTRING wstr;
    WDFIOTARGET target;
    WDFKEY wkey;
    PWDFDEVICE_INIT init;
    /* WDK state built by a setup */
    HANDLE key;
    PIRP irp;
    KEVENT event;
    IO_STATUS_BLOCK iosb;
    UCHAR buf[64];
    /* outputs of the call under test */
    PVOID out;
    HANDLE out_handle;
    UNICODE_STRING out_us;
    ANSI_STRING out_as;
    PFILE_OBJECT out_fo;
    PDEVICE_OBJECT out_do;
    WDFOBJECT out_wdf;
    pnpsim_device *out_dev;
    pnpsim_iface_list *out_list;
    pnpsim_notify_subscription *out_sub;
    pnpsim_notify_recorder *out_rec;
    INTERFACE out_iface;
    HCMNOTIFICATION out_cm;
    NTSTATUS call_st;
    /* set by a call whose failure left an output the DDI says is empty */
    const char *bad;
} ctx;

typedef NTSTATUS (*step_fn)(ctx *c);
typedef void (*cleanup_fn)(ctx *c, bool succeeded);

enum { L_NATIVE, L_WDK, L_KMDF, L_CM, L_COUNT };
static const char *const layer_names[L_COUNT] = {"native", "WDK", "KMDF", "CfgMgr32"};

#define ABSORBS 0x1u /* an injected failure may be absorbed by a fallback (call succeeds) */
/* A failed call may keep grown container capacity (a registry key's subkey or value array
 * grown before the failing allocation): more live allocations, no state. */
#define CAPACITY 0x2u
/* STATUS_NO_MEMORY is accepted too (the Rtl routines' word for "no pool"). */
#define OR_NO_MEMORY 0x4u

typedef struct entry {
    const char *name;
    int layer;
    step_fn setup;
    step_fn call;
    NTSTATUS expect; /* the documented failure (CR_STATUS(...) for CM_*) */
    unsigned flags;
    cleanup_fn cleanup; /* runs after the checks, no fault armed; frees what the call made */
} entry;

#define TRY(expr)                     \
    do {                              \
        NTSTATUS try_st_ = (expr);    \
        if (!NT_SUCCESS(try_st_))     \
            return try_st_;           \
    } while (0)

#define OUT_EMPTY(c, cond, what)       \
    do {                               \
        if (!(cond) && (c)->bad == NULL) \
            (c)->bad = (what);         \
    } while (0)

/* An output a failed WDK call left NULL or did not touch (the test preset it to c): the
 * pages of ZwCreateKey, IoCreateDevice, PsCreateSystemThread ... do not say what a failure
 * stores, only that nothing was made. */
#define UNSET(c, p) ((p) == NULL || (const void *)(p) == (const void *)(c))

static void ascii_to_w(WCHAR *dst, size_t cap, const char *src)
{
    size_t i;
    for (i = 0; i + 1 < cap && src[i] != 0; i++)
        dst[i] = (WCHAR)(unsigned char)src[i];
    dst[i] = 0;
}

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

static void init_us(UNICODE_STRING *u, WCHAR *buf)
{
    u->Buffer = buf;
    u->Length = (USHORT)(wlen(buf) * sizeof(WCHAR));
    u->MaximumLength = (USHORT)(u->Length + sizeof(WCHAR));
}

/* ---- setups ------------------------------------------------------------------------------ */

static NTSTATUS s_none(ctx *c)
{
    (void)c;
    return STATUS_SUCCESS;
}

static NTSTATUS s_nd_loaded(ctx *c)
{
    notifydev_reset();
    TRY(pnpsim_driver_load(c->sys, "notifydev", NotifydevDriverEntry, &c->drv));
    return STATUS_SUCCESS;
}

static NTSTATUS s_nd_bound(ctx *c)
{
    TRY(s_nd_loaded(c));
    return pnpsim_driver_bind(c->sys, ND_HWID, c->drv);
}

static NTSTATUS s_nd_created(ctx *c)
{
    TRY(s_nd_bound(c));
    TRY(pnpsim_device_create(c->sys, NULL, ND_HWID, "0", &c->dev));
    c->pdo = pnpsim_device_pdo(c->dev);
    return STATUS_SUCCESS;
}

/* notifydev started: its interface enabled; c->link / c->user_link name it. */
static NTSTATUS s_nd(ctx *c)
{
    pnpsim_iface_list *l = NULL;
    TRY(s_nd_created(c));
    TRY(pnpsim_device_start(c->dev));
    pnpsim_system_run_pending(c->sys);
    c->top = pnpsim_device_top(c->dev);
    TRY(pnpsim_iface_list_class(c->sys, &GUID_NOTIFYDEV_CLASS, 0, &l));
    if (l->count != 1) {
        pnpsim_iface_list_free(c->sys, l);
        return STATUS_UNSUCCESSFUL;
    }
    ascii_to_w(c->link_buf, 200, l->items[0].name);
    ascii_to_w(c->user_link, 200, l->items[0].user_name);
    pnpsim_iface_list_free(c->sys, l);
    init_us(&c->link, c->link_buf);
    return STATUS_SUCCESS;
}

/* s_nd, plus GUID_OOM_CLASS registered (not enabled) on the device with reference "ref";
 * GUID_OOM_ALIAS registered with the same reference (so it is an alias of it). */
static NTSTATUS s_nd_reg(ctx *c)
{
    UNICODE_STRING ref, name = {0, 0, NULL};
    TRY(s_nd(c));
    RtlInitUnicodeString(&ref, L"ref");
    TRY(IoRegisterDeviceInterface(c->pdo, &GUID_OOM_CLASS, &ref, &name));
    if (name.Length >= sizeof(c->reg_buf)) {
        RtlFreeUnicodeString(&name);
        return STATUS_BUFFER_OVERFLOW;
    }
    memcpy(c->reg_buf, name.Buffer, name.Length);
    c->reg_buf[name.Length / sizeof(WCHAR)] = 0;
    RtlFreeUnicodeString(&name);
    init_us(&c->reg, c->reg_buf);
    TRY(IoRegisterDeviceInterface(c->pdo, &GUID_OOM_ALIAS, &ref, &name));
    RtlFreeUnicodeString(&name);
    return STATUS_SUCCESS;
}

static NTSTATUS s_nd_reg_enabled(ctx *c)
{
    TRY(s_nd_reg(c));
    return IoSetDeviceInterfaceState(&c->reg, TRUE);
}

/* The device's hardware key opened (c->key). */
static NTSTATUS s_nd_key(ctx *c)
{
    TRY(s_nd(c));
    TRY(IoOpenDeviceRegistryKey(c->pdo, PLUGPLAY_REGKEY_DEVICE, KEY_ALL_ACCESS, &c->key));
    {
        UNICODE_STRING v;
        ULONG one = 1;
        RtlInitUnicodeString(&v, L"Existing");
        TRY(ZwSetValueKey(c->key, &v, 0, REG_DWORD, &one, sizeof(one)));
    }
    {
        OBJECT_ATTRIBUTES oa;
        UNICODE_STRING sub;
        HANDLE h = NULL;
        RtlInitUnicodeString(&sub, L"Sub");
        InitializeObjectAttributes(&oa, &sub, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, c->key,
                                   NULL);
        TRY(ZwCreateKey(&h, KEY_ALL_ACCESS, &oa, 0, NULL, REG_OPTION_NON_VOLATILE, NULL));
        ZwClose(h);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS s_kmdf(ctx *c)
{
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    kmdf_ioctl_reset(KmdfIoctlNormal);
    TRY(pnpsim_driver_load(c->sys, "kmdfoom", KmdfIoctlDriverEntry, &drv));
    TRY(pnpsim_driver_bind(c->sys, KMDF_IOCTL_HARDWARE_ID, drv));
    TRY(pnpsim_device_create(c->sys, NULL, KMDF_IOCTL_HARDWARE_ID, "0", &dev));
    TRY(pnpsim_device_start(dev));
    pnpsim_system_run_pending(c->sys);
    c->wdev = kmdf_ioctl_device();
    return c->wdev != NULL ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

static NTSTATUS s_kmdf_nd(ctx *c)
{
    TRY(s_nd(c));
    return s_kmdf(c);
}

static NTSTATUS s_kmdf_obj(ctx *c)
{
    TRY(s_kmdf(c));
    return WdfObjectCreate(WDF_NO_OBJECT_ATTRIBUTES, &c->wobj);
}

static NTSTATUS s_kmdf_coll(ctx *c)
{
    TRY(s_kmdf_obj(c));
    return WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &c->coll);
}

static NTSTATUS s_kmdf_string(ctx *c)
{
    TRY(s_kmdf(c));
    return WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &c->wstr);
}

static NTSTATUS s_kmdf_iface(ctx *c)
{
    TRY(s_kmdf_string(c));
    return WdfDeviceCreateDeviceInterface(c->wdev, &GUID_OOM_CLASS, NULL);
}

static NTSTATUS s_kmdf_target(ctx *c)
{
    TRY(s_kmdf_nd(c));
    return WdfIoTargetCreate(c->wdev, WDF_NO_OBJECT_ATTRIBUTES, &c->target);
}

/* A target opened on kmdf_ioctl's own device (it answers IOCTL_KMDF_ECHO). */
static NTSTATUS s_kmdf_target_open(ctx *c)
{
    WDF_IO_TARGET_OPEN_PARAMS p;
    TRY(s_kmdf(c));
    TRY(WdfIoTargetCreate(c->wdev, WDF_NO_OBJECT_ATTRIBUTES, &c->target));
    WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(&p, WdfDeviceWdmGetDeviceObject(c->wdev));
    return WdfIoTargetOpen(c->target, &p);
}

/* The kmdf_ioctl device's hardware key (WDFKEY) with a value and a subkey. */
static NTSTATUS s_kmdf_key(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Existing");
    DECLARE_CONST_UNICODE_STRING(sub, L"Sub");
    WDFKEY k = NULL;
    TRY(s_kmdf_string(c));
    TRY(WdfDeviceOpenRegistryKey(c->wdev, PLUGPLAY_REGKEY_DEVICE, KEY_ALL_ACCESS,
                                 WDF_NO_OBJECT_ATTRIBUTES, &c->wkey));
    TRY(WdfRegistryAssignULong(c->wkey, &name, 7));
    TRY(WdfRegistryCreateKey(c->wkey, &sub, KEY_ALL_ACCESS, REG_OPTION_NON_VOLATILE, NULL,
                             WDF_NO_OBJECT_ATTRIBUTES, &k));
    WdfRegistryClose(k);
    return STATUS_SUCCESS;
}

static NTSTATUS s_kmdf_bus(ctx *c)
{
    PDRIVER_OBJECT drv;
    pnpsim_device *dev;
    kmdf_bus_reset();
    TRY(pnpsim_driver_load(c->sys, "kmdfbusoom", KmdfBusDriverEntry, &drv));
    TRY(pnpsim_driver_bind(c->sys, KMDF_BUS_HARDWARE_ID, drv));
    TRY(pnpsim_device_create(c->sys, NULL, KMDF_BUS_HARDWARE_ID, "0", &dev));
    TRY(pnpsim_device_start(dev));
    pnpsim_system_run_pending(c->sys);
    c->wdev = kmdf_bus_last_fdo();
    return c->wdev != NULL ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

/* A PDO init ready for WdfDeviceCreate. */
static NTSTATUS s_kmdf_pdo_init(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(id, L"KMDFBUS\\OomChild");
    DECLARE_CONST_UNICODE_STRING(inst, L"77");
    DECLARE_CONST_UNICODE_STRING(text, L"OOM child");
    TRY(s_kmdf_bus(c));
    c->init = WdfPdoInitAllocate(c->wdev);
    if (c->init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    TRY(WdfPdoInitAssignDeviceID(c->init, &id));
    TRY(WdfPdoInitAddHardwareID(c->init, &id));
    TRY(WdfPdoInitAssignInstanceID(c->init, &inst));
    TRY(WdfPdoInitAddDeviceText(c->init, &text, &text, 0x409));
    WdfPdoInitSetDefaultLocale(c->init, 0x409);
    return STATUS_SUCCESS;
}

static NTSTATUS s_kmdf_pdo_init_only(ctx *c)
{
    TRY(s_kmdf_bus(c));
    c->init = WdfPdoInitAllocate(c->wdev);
    return c->init != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS s_registry(ctx *c)
{
    TRY(pnpsim_registry_set_dword(c->sys, "\\Registry\\Machine\\Software\\Oom\\Key", "Value",
                                  1));
    return pnpsim_registry_set_string(c->sys, "\\Registry\\Machine\\Software\\Oom\\Key", "Str",
                                      "text");
}

static NTSTATUS s_saved(ctx *c)
{
    TRY(s_nd(c));
    snprintf(c->path, sizeof(c->path), "%s/entry_oom_save.reg", c->dir);
    TRY(pnpsim_system_save(c->sys, c->path));
    return pnpsim_system_reboot(c->sys);
}

static NTSTATUS s_registry_saved(ctx *c)
{
    TRY(s_registry(c));
    snprintf(c->path, sizeof(c->path), "%s/entry_oom_registry.reg", c->dir);
    return pnpsim_registry_save(c->sys, c->path);
}

static NTSTATUS s_path(ctx *c)
{
    TRY(s_nd(c));
    snprintf(c->path, sizeof(c->path), "%s/entry_oom_out.tmp", c->dir);
    return STATUS_SUCCESS;
}

/* ---- cleanups ---------------------------------------------------------------------------- */

static void cl_pool(ctx *c, bool ok)
{
    if (ok && c->out != NULL)
        ExFreePool(c->out);
}

static void cl_us(ctx *c, bool ok)
{
    if (ok)
        RtlFreeUnicodeString(&c->out_us);
}

static void cl_as(ctx *c, bool ok)
{
    if (ok)
        RtlFreeAnsiString(&c->out_as);
}

static void cl_handle(ctx *c, bool ok)
{
    if (ok && c->out_handle != NULL)
        ZwClose(c->out_handle);
}

static void cl_key(ctx *c, bool ok)
{
    (void)ok;
    if (c->key != NULL)
        ZwClose(c->key);
}

static void cl_key_handle(ctx *c, bool ok)
{
    cl_handle(c, ok);
    cl_key(c, ok);
}

static void cl_list(ctx *c, bool ok)
{
    (void)ok;
    pnpsim_iface_list_free(c->sys, c->out_list);
}

static void cl_fo(ctx *c, bool ok)
{
    if (ok && c->out_fo != NULL)
        ObDereferenceObject(c->out_fo);
}

static void cl_irp(ctx *c, bool ok)
{
    if (ok && c->out != NULL)
        IoFreeIrp((PIRP)c->out);
}

static void cl_workitem(ctx *c, bool ok)
{
    if (ok && c->out != NULL)
        IoFreeWorkItem((PIO_WORKITEM)c->out);
}

static void cl_device(ctx *c, bool ok)
{
    if (ok && c->out_do != NULL)
        IoDeleteDevice(c->out_do);
}

static void cl_wdf(ctx *c, bool ok)
{
    if (ok && c->out_wdf != NULL)
        WdfObjectDelete(c->out_wdf);
}

static void cl_wkey(ctx *c, bool ok)
{
    if (ok && c->out_wdf != NULL)
        WdfRegistryClose((WDFKEY)c->out_wdf);
    if (c->wkey != NULL)
        WdfRegistryClose(c->wkey);
}

static void cl_wkey_only(ctx *c, bool ok)
{
    (void)ok;
    if (c->wkey != NULL)
        WdfRegistryClose(c->wkey);
}

static void cl_wkey_mem(ctx *c, bool ok)
{
    cl_wdf(c, ok);
    cl_wkey_only(c, ok);
}

static void cl_init(ctx *c, bool ok)
{
    /* WdfDeviceCreate consumed the init on success (the pointer is NULL then). */
    (void)ok;
    if (c->init != NULL)
        WdfDeviceInitFree(c->init);
}

static void cl_sub(ctx *c, bool ok)
{
    if (ok)
        pnpsim_notify_unsubscribe(c->sys, c->out_sub);
}

static void cl_rec(ctx *c, bool ok)
{
    (void)ok;
    pnpsim_notify_recorder_destroy(c->out_rec);
}

static void cl_cm(ctx *c, bool ok)
{
    if (ok)
        CM_Unregister_Notification(c->out_cm);
}

static void cl_pnp_entry(ctx *c, bool ok)
{
    if (ok)
        IoUnregisterPlugPlayNotification(c->out);
}

static void cl_qi(ctx *c, bool ok)
{
    if (ok && c->out_iface.InterfaceDereference != NULL)
        c->out_iface.InterfaceDereference(c->out_iface.Context);
}

static void cl_file(ctx *c, bool ok)
{
    (void)ok;
    remove(c->path);
}

/* ---- native rows ------------------------------------------------------------------------- */

static NTSTATUS n_driver_load(ctx *c)
{
    PDRIVER_OBJECT drv = (PDRIVER_OBJECT)(void *)c;
    NTSTATUS st;
    notifydev_reset();
    st = pnpsim_driver_load(c->sys, "notifydev", NotifydevDriverEntry, &drv);
    OUT_EMPTY(c, NT_SUCCESS(st) || drv == NULL, "*out not NULL");
    return st;
}

static NTSTATUS n_driver_bind(ctx *c)
{
    return pnpsim_driver_bind(c->sys, ND_HWID, c->drv);
}

static NTSTATUS n_driver_bind_filter(ctx *c)
{
    return pnpsim_driver_bind_filter(c->sys, ND_HWID, c->drv, PNPSIM_FILTER_UPPER);
}

static NTSTATUS n_device_create(ctx *c)
{
    NTSTATUS st;
    c->out_dev = (pnpsim_device *)(void *)c;
    st = pnpsim_device_create(c->sys, NULL, ND_HWID, "0", &c->out_dev);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_dev == NULL, "*out not NULL");
    return st;
}

static NTSTATUS n_device_set_ids(ctx *c)
{
    static const char *const hw[] = {"ROOT\\NOTIFYDEV", "OOM\\Hardware", NULL};
    static const char *const compat[] = {"OOM\\Compatible", NULL};
    return pnpsim_device_set_ids(c->dev, hw, compat);
}

static NTSTATUS n_device_set_unique_id(ctx *c)
{
    return pnpsim_device_set_unique_id(c->dev, FALSE);
}

static NTSTATUS n_device_stop(ctx *c)
{
    return pnpsim_device_stop(c->dev);
}

static NTSTATUS n_device_remove(ctx *c)
{
    return pnpsim_device_remove(c->dev);
}

static NTSTATUS n_device_surprise_remove(ctx *c)
{
    return pnpsim_device_surprise_remove(c->dev);
}

static NTSTATUS n_device_uninstall(ctx *c)
{
    return pnpsim_device_uninstall(c->dev);
}

static NTSTATUS n_device_open(ctx *c)
{
    NTSTATUS st;
    c->out_fo = (PFILE_OBJECT)(void *)c;
    st = pnpsim_device_open(c->dev, NULL, &c->out_fo);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_fo == NULL, "*out not NULL");
    return st;
}

static NTSTATUS n_device_set_power(ctx *c)
{
    POWER_STATE s;
    s.DeviceState = PowerDeviceD3;
    return pnpsim_device_set_power(c->dev, IRP_MN_SET_POWER, DevicePowerState, s);
}

static NTSTATUS n_iface_list_class(ctx *c)
{
    NTSTATUS st;
    c->out_list = (pnpsim_iface_list *)(void *)c;
    st = pnpsim_iface_list_class(c->sys, &GUID_NOTIFYDEV_CLASS, PNPSIM_IFACE_INCLUDE_DISABLED,
                                 &c->out_list);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_list == NULL, "*out not NULL");
    if (!NT_SUCCESS(st))
        c->out_list = NULL;
    return st;
}

static NTSTATUS n_iface_list_device(ctx *c)
{
    NTSTATUS st;
    c->out_list = (pnpsim_iface_list *)(void *)c;
    st = pnpsim_iface_list_device(c->sys, "ROOT\\NOTIFYDEV\\0", &c->out_list);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_list == NULL, "*out not NULL");
    if (!NT_SUCCESS(st))
        c->out_list = NULL;
    return st;
}

static NTSTATUS n_iface_lookup(ctx *c)
{
    NTSTATUS st;
    char name[200];
    size_t i;
    for (i = 0; c->user_link[i] != 0 && i + 1 < sizeof(name); i++)
        name[i] = (char)c->user_link[i];
    name[i] = 0;
    c->out_list = (pnpsim_iface_list *)(void *)c;
    st = pnpsim_iface_lookup(c->sys, name, &c->out_list);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_list == NULL, "*out not NULL");
    if (!NT_SUCCESS(st))
        c->out_list = NULL;
    return st;
}

static NTSTATUS n_iface_events(ctx *c)
{
    pnpsim_iface_event_list *l = (pnpsim_iface_event_list *)(void *)c;
    NTSTATUS st = pnpsim_iface_events(c->sys, &l);
    OUT_EMPTY(c, NT_SUCCESS(st) || l == NULL, "*out not NULL");
    if (NT_SUCCESS(st))
        pnpsim_iface_events_free(c->sys, l);
    return st;
}

/* Set when a subscriber is handed an interface event without its name. */
static bool null_name_seen;

static NTSTATUS ignore_event(void *context, const pnpsim_notify_event *event)
{
    (void)context;
    if (event->name == NULL &&
        (event->kind == PNPSIM_NOTIFY_INTERFACE_ARRIVAL ||
         event->kind == PNPSIM_NOTIFY_INTERFACE_REMOVAL))
        null_name_seen = true;
    return STATUS_SUCCESS;
}

static NTSTATUS n_notify_subscribe_interfaces(ctx *c)
{
    NTSTATUS st;
    c->out_sub = (pnpsim_notify_subscription *)(void *)c;
    null_name_seen = false;
    st = pnpsim_notify_subscribe_interfaces(c->sys, &GUID_NOTIFYDEV_CLASS,
                                            PNPSIM_NOTIFY_INCLUDE_EXISTING, ignore_event, NULL,
                                            &c->out_sub);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_sub == NULL, "*out not NULL");
    OUT_EMPTY(c, !null_name_seen, "an existing interface was delivered without its name");
    return st;
}

static NTSTATUS n_notify_subscribe_device(ctx *c)
{
    NTSTATUS st;
    c->out_sub = (pnpsim_notify_subscription *)(void *)c;
    st = pnpsim_notify_subscribe_device(c->sys, c->dev, ignore_event, NULL, &c->out_sub);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_sub == NULL, "*out not NULL");
    return st;
}

static NTSTATUS n_notify_recorder_create(ctx *c)
{
    NTSTATUS st;
    c->out_rec = (pnpsim_notify_recorder *)(void *)c;
    st = pnpsim_notify_recorder_create(c->sys, &GUID_NOTIFYDEV_CLASS,
                                       PNPSIM_NOTIFY_INCLUDE_EXISTING, &c->out_rec);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_rec == NULL, "*out not NULL");
    if (!NT_SUCCESS(st))
        c->out_rec = NULL;
    return st;
}

static NTSTATUS s_nd_recorder(ctx *c)
{
    TRY(s_nd(c));
    return pnpsim_notify_recorder_create(c->sys, &GUID_NOTIFYDEV_CLASS, 0, &c->out_rec);
}

static NTSTATUS n_notify_recorder_watch_device(ctx *c)
{
    return pnpsim_notify_recorder_watch_device(c->out_rec, c->dev);
}

static NTSTATUS n_qi_provide(ctx *c)
{
    INTERFACE t;
    memset(&t, 0, sizeof(t));
    return pnpsim_qi_provide(c->dev, &GUID_OOM_QI, &t, sizeof(t), 1);
}

static NTSTATUS s_nd_provided(ctx *c)
{
    TRY(s_nd(c));
    return n_qi_provide(c);
}

static NTSTATUS n_qi_query(ctx *c)
{
    NTSTATUS st;
    memset(&c->out_iface, 0, sizeof(c->out_iface));
    st = pnpsim_qi_query(c->dev, &GUID_OOM_QI, sizeof(INTERFACE), 1, &c->out_iface, NULL);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_iface.InterfaceDereference == NULL,
              "the interface was filled in");
    return st;
}

static NTSTATUS n_qi_config_space(ctx *c)
{
    unsigned char *p = NULL;
    size_t size = 0;
    return pnpsim_qi_config_space(c->dev, &p, &size);
}

static NTSTATUS n_registry_set_value(ctx *c)
{
    static const unsigned char data[] = {1, 2, 3, 4, 5};
    return pnpsim_registry_set_value(c->sys, "\\Registry\\Machine\\Software\\Oom\\New\\Deeper",
                                     "Bin", REG_BINARY, data, sizeof(data));
}

static NTSTATUS n_registry_set_string(ctx *c)
{
    return pnpsim_registry_set_string(c->sys, "\\Registry\\Machine\\Software\\Oom\\Key", "Str2",
                                      "more text");
}

static NTSTATUS n_registry_set_dword(ctx *c)
{
    return pnpsim_registry_set_dword(c->sys, "\\Registry\\Machine\\Software\\Oom\\Other", "D", 5);
}

static NTSTATUS n_registry_get_string(ctx *c)
{
    char buf[32];
    size_t needed = 0;
    return pnpsim_registry_get_string(c->sys, "\\Registry\\Machine\\Software\\Oom\\Key", "Str",
                                      buf, sizeof(buf), &needed);
}

static NTSTATUS n_registry_get_dword(ctx *c)
{
    uint32_t v = 0;
    return pnpsim_registry_get_dword(c->sys, "\\Registry\\Machine\\Software\\Oom\\Key", "Value",
                                     &v);
}

static NTSTATUS n_registry_key_exists(ctx *c)
{
    /* A bool: "false" on failure is what the header documents for a key that cannot be
     * looked up; the key exists, so false means the lookup failed. */
    return pnpsim_registry_key_exists(c->sys, "\\Registry\\Machine\\Software\\Oom\\Key")
               ? STATUS_SUCCESS
               : STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS n_registry_create_key(ctx *c)
{
    return pnpsim_registry_create_key(c->sys, "\\Registry\\Machine\\Software\\Oom\\A\\B", false);
}

static NTSTATUS n_registry_delete_key(ctx *c)
{
    return pnpsim_registry_delete_key(c->sys, "\\Registry\\Machine\\Software\\Oom\\Key");
}

static NTSTATUS n_registry_save(ctx *c)
{
    snprintf(c->path, sizeof(c->path), "%s/entry_oom_registry.reg", c->dir);
    return pnpsim_registry_save(c->sys, c->path);
}

static NTSTATUS n_registry_load(ctx *c)
{
    return pnpsim_registry_load(c->sys, c->path);
}

static NTSTATUS n_dump(ctx *c)
{
    FILE *f = fopen(c->path, "w");
    NTSTATUS st;
    if (f == NULL)
        return STATUS_UNSUCCESSFUL;
    st = pnpsim_dump(c->sys, PNPSIM_DUMP_JSON, f);
    fclose(f);
    return st;
}

static NTSTATUS n_dump_string(ctx *c)
{
    char *s = (char *)c;
    NTSTATUS st = pnpsim_dump_string(c->sys, PNPSIM_DUMP_TEXT, &s);
    OUT_EMPTY(c, NT_SUCCESS(st) || s == NULL, "*out not NULL");
    if (NT_SUCCESS(st))
        pnpsim_dump_free(c->sys, s);
    return st;
}

static NTSTATUS n_system_save(ctx *c)
{
    snprintf(c->path, sizeof(c->path), "%s/entry_oom_save.reg", c->dir);
    return pnpsim_system_save(c->sys, c->path);
}

static NTSTATUS n_system_load(ctx *c)
{
    return pnpsim_system_load(c->sys, c->path);
}

static NTSTATUS n_system_reboot(ctx *c)
{
    return pnpsim_system_reboot(c->sys);
}

static NTSTATUS n_system_shutdown(ctx *c)
{
    return pnpsim_system_shutdown(c->sys);
}

static NTSTATUS n_system_check(ctx *c)
{
    return pnpsim_system_check(c->sys);
}

/* ---- WDK rows ---------------------------------------------------------------------------- */

static NTSTATUS w_register_interface(ctx *c)
{
    UNICODE_STRING ref;
    NTSTATUS st;
    RtlInitUnicodeString(&ref, L"new");
    memset(&c->out_us, 0, sizeof(c->out_us));
    st = IoRegisterDeviceInterface(c->pdo, &GUID_OOM_CLASS, &ref, &c->out_us);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_us.Buffer == NULL, "SymbolicLinkName has a buffer");
    return st;
}

static NTSTATUS w_set_state_enable(ctx *c)
{
    return IoSetDeviceInterfaceState(&c->reg, TRUE);
}

static NTSTATUS w_set_state_disable(ctx *c)
{
    return IoSetDeviceInterfaceState(&c->reg, FALSE);
}

static NTSTATUS w_get_interfaces(ctx *c)
{
    PZZWSTR list = (PZZWSTR)(void *)c;
    NTSTATUS st = IoGetDeviceInterfaces(&GUID_NOTIFYDEV_CLASS, NULL,
                                        DEVICE_INTERFACE_INCLUDE_NONACTIVE, &list);
    OUT_EMPTY(c, NT_SUCCESS(st) || list == NULL, "SymbolicLinkList not NULL");
    c->out = NT_SUCCESS(st) ? list : NULL;
    return st;
}

static NTSTATUS w_get_interfaces_pdo(ctx *c)
{
    PZZWSTR list = (PZZWSTR)(void *)c;
    NTSTATUS st = IoGetDeviceInterfaces(&GUID_OOM_CLASS, c->pdo, 0, &list);
    OUT_EMPTY(c, NT_SUCCESS(st) || list == NULL, "SymbolicLinkList not NULL");
    c->out = NT_SUCCESS(st) ? list : NULL;
    return st;
}

static NTSTATUS w_get_alias(ctx *c)
{
    NTSTATUS st;
    memset(&c->out_us, 0, sizeof(c->out_us));
    st = IoGetDeviceInterfaceAlias(&c->reg, &GUID_OOM_ALIAS, &c->out_us);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_us.Buffer == NULL, "AliasSymbolicLinkName has a buffer");
    return st;
}

static NTSTATUS w_open_interface_key(ctx *c)
{
    NTSTATUS st;
    c->out_handle = (HANDLE)(void *)c;
    st = IoOpenDeviceInterfaceRegistryKey(&c->reg, KEY_ALL_ACCESS, &c->out_handle);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "DeviceInterfaceRegKey not NULL");
    return st;
}

static NTSTATUS w_open_device_key(ctx *c)
{
    NTSTATUS st;
    c->out_handle = (HANDLE)(void *)c;
    st = IoOpenDeviceRegistryKey(c->pdo, PLUGPLAY_REGKEY_DEVICE, KEY_ALL_ACCESS, &c->out_handle);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "DeviceRegKey not NULL");
    return st;
}

static NTSTATUS w_open_driver_key(ctx *c)
{
    NTSTATUS st;
    c->out_handle = (HANDLE)(void *)c;
    st = IoOpenDeviceRegistryKey(c->pdo, PLUGPLAY_REGKEY_DRIVER, KEY_ALL_ACCESS, &c->out_handle);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "DeviceRegKey not NULL");
    return st;
}

static NTSTATUS w_get_iface_property(ctx *c)
{
    WCHAR buf[64];
    ULONG size = 0;
    DEVPROPTYPE type = DEVPROP_TYPE_EMPTY;
    return IoGetDeviceInterfacePropertyData(&c->reg, &OOM_IFACE_FRIENDLY, LOCALE_NEUTRAL, 0,
                                            sizeof(buf), buf, &size, &type);
}

static NTSTATUS w_set_iface_property(ctx *c)
{
    static const WCHAR name[] = L"Friendly";
    return IoSetDeviceInterfacePropertyData(&c->reg, &OOM_IFACE_FRIENDLY, LOCALE_NEUTRAL, 0,
                                            DEVPROP_TYPE_STRING, sizeof(name), (PVOID)name);
}

static NTSTATUS s_nd_reg_property(ctx *c)
{
    TRY(s_nd_reg(c));
    return w_set_iface_property(c);
}

static NTSTATUS w_set_device_property(ctx *c)
{
    ULONG v = 42;
    return IoSetDevicePropertyData(c->pdo, &OOM_PROPKEY, LOCALE_NEUTRAL, 0, DEVPROP_TYPE_UINT32,
                                   sizeof(v), &v);
}

static NTSTATUS NTAPI pnp_callback(PVOID NotificationStructure, PVOID Context)
{
    (void)NotificationStructure;
    (void)Context;
    return STATUS_SUCCESS;
}

static NTSTATUS w_register_pnp_interface(ctx *c)
{
    NTSTATUS st;
    c->out = (PVOID)c;
    st = IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange,
                                        PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
                                        (PVOID)&GUID_NOTIFYDEV_CLASS, c->drv, pnp_callback, NULL,
                                        &c->out);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out), "NotificationEntry not NULL");
    return st;
}

static NTSTATUS s_nd_file(ctx *c)
{
    TRY(s_nd(c));
    return pnpsim_device_open(c->dev, NULL, &c->out_fo);
}

static NTSTATUS w_register_pnp_target(ctx *c)
{
    NTSTATUS st;
    c->out = (PVOID)c;
    st = IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, c->out_fo, c->drv,
                                        pnp_callback, NULL, &c->out);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out), "NotificationEntry not NULL");
    return st;
}

static void cl_pnp_target(ctx *c, bool ok)
{
    cl_pnp_entry(c, ok);
    ObDereferenceObject(c->out_fo);
}

static NTSTATUS w_get_device_object_pointer(ctx *c)
{
    NTSTATUS st;
    c->out_fo = (PFILE_OBJECT)(void *)c;
    c->out_do = (PDEVICE_OBJECT)(void *)c;
    st = IoGetDeviceObjectPointer(&c->link, FILE_READ_DATA, &c->out_fo, &c->out_do);
    /* The page does not say what a failure leaves there: only a pointer it made is wrong. */
    OUT_EMPTY(c, NT_SUCCESS(st) || ((c->out_fo == NULL || c->out_fo == (PFILE_OBJECT)(void *)c) &&
                                    (c->out_do == NULL || c->out_do == (PDEVICE_OBJECT)(void *)c)),
              "FileObject/DeviceObject set by a failed call");
    return st;
}

static NTSTATUS w_create_device(ctx *c)
{
    NTSTATUS st;
    c->out_do = (PDEVICE_OBJECT)(void *)c;
    st = IoCreateDevice(c->drv, 16, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &c->out_do);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_do), "DeviceObject not NULL");
    return st;
}

static NTSTATUS w_create_named_device(ctx *c)
{
    UNICODE_STRING name;
    NTSTATUS st;
    RtlInitUnicodeString(&name, L"\\Device\\OomNamed");
    c->out_do = (PDEVICE_OBJECT)(void *)c;
    st = IoCreateDevice(c->drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &c->out_do);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_do), "DeviceObject not NULL");
    return st;
}

static NTSTATUS ptr_status(ctx *c, PVOID p)
{
    c->out = p;
    return p != NULL ? STATUS_SUCCESS : NULL_STATUS;
}

static NTSTATUS w_allocate_irp(ctx *c)
{
    return ptr_status(c, IoAllocateIrp(4, FALSE));
}

static NTSTATUS w_allocate_workitem(ctx *c)
{
    return ptr_status(c, IoAllocateWorkItem(c->top));
}

static NTSTATUS w_ex_allocate_pool2(ctx *c)
{
    return ptr_status(c, ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, 'mooE'));
}

static NTSTATUS w_ex_allocate_pool_with_tag(ctx *c)
{
    return ptr_status(c, ExAllocatePoolWithTag(NonPagedPoolNx, 100, 'mooE'));
}

static NTSTATUS w_ex_allocate_pool(ctx *c)
{
    return ptr_status(c, ExAllocatePool(NonPagedPoolNx, 100));
}

static NTSTATUS w_ex_allocate_pool_zero(ctx *c)
{
    return ptr_status(c, ExAllocatePoolZero(NonPagedPoolNx, 100, 'mooE'));
}

static NTSTATUS w_ex_allocate_pool_uninit(ctx *c)
{
    return ptr_status(c, ExAllocatePoolUninitialized(NonPagedPoolNx, 100, 'mooE'));
}

static NTSTATUS w_ex_allocate_pool_priority(ctx *c)
{
    return ptr_status(c, ExAllocatePoolWithTagPriority(NonPagedPoolNx, 100, 'mooE',
                                                       NormalPoolPriority));
}

/* IRPs that must be sent: the cleanup sends them to notifydev (which fails what it does not
 * handle), and the I/O manager frees them at completion. */
static NTSTATUS w_build_sync_read(ctx *c)
{
    LARGE_INTEGER off;
    off.QuadPart = 0;
    KeInitializeEvent(&c->event, NotificationEvent, FALSE);
    return ptr_status(c, IoBuildSynchronousFsdRequest(IRP_MJ_READ, c->top, c->buf,
                                                      sizeof(c->buf), &off, &c->event, &c->iosb));
}

static NTSTATUS w_build_ioctl(ctx *c)
{
    KeInitializeEvent(&c->event, NotificationEvent, FALSE);
    return ptr_status(c, IoBuildDeviceIoControlRequest(
                             CTL_CODE(FILE_DEVICE_UNKNOWN, 0x999, METHOD_BUFFERED, FILE_ANY_ACCESS),
                             c->top, c->buf, 16, c->buf, sizeof(c->buf), FALSE, &c->event,
                             &c->iosb));
}

static void cl_send_irp(ctx *c, bool ok)
{
    if (ok && c->out != NULL)
        (void)IoCallDriver(c->top, (PIRP)c->out);
}

static NTSTATUS NTAPI free_on_completion(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    (void)DeviceObject;
    (void)Context;
    IoFreeIrp(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS w_build_async_read(ctx *c)
{
    LARGE_INTEGER off;
    off.QuadPart = 0;
    return ptr_status(c, IoBuildAsynchronousFsdRequest(IRP_MJ_READ, c->top, c->buf,
                                                       sizeof(c->buf), &off, &c->iosb));
}

static void cl_send_async(ctx *c, bool ok)
{
    if (ok && c->out != NULL) {
        IoSetCompletionRoutine((PIRP)c->out, free_on_completion, NULL, TRUE, TRUE, TRUE);
        (void)IoCallDriver(c->top, (PIRP)c->out);
    }
}

static NTSTATUS s_nd_irp(ctx *c)
{
    TRY(s_nd(c));
    c->irp = IoAllocateIrp(c->top->StackSize, FALSE);
    if (c->irp == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    IoGetNextIrpStackLocation(c->irp)->MajorFunction = IRP_MJ_FLUSH_BUFFERS;
    return STATUS_SUCCESS;
}

static NTSTATUS w_set_completion_routine_ex(ctx *c)
{
    return IoSetCompletionRoutineEx(c->top, c->irp, free_on_completion, NULL, TRUE, TRUE, TRUE);
}

static void cl_completion_ex(ctx *c, bool ok)
{
    if (ok) {
        (void)IoCallDriver(c->top, c->irp); /* the routine frees it (and the Ex context) */
    } else {
        IoFreeIrp(c->irp);
    }
}

static NTSTATUS w_zw_create_key(ctx *c)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    NTSTATUS st;
    RtlInitUnicodeString(&name, L"NewSub");
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, c->key,
                               NULL);
    c->out_handle = (HANDLE)(void *)c;
    st = ZwCreateKey(&c->out_handle, KEY_ALL_ACCESS, &oa, 0, NULL, REG_OPTION_NON_VOLATILE, NULL);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "KeyHandle not NULL");
    return st;
}

static NTSTATUS w_zw_create_key_abs(ctx *c)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    NTSTATUS st;
    RtlInitUnicodeString(&name, L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\OomZw");
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    c->out_handle = (HANDLE)(void *)c;
    st = ZwCreateKey(&c->out_handle, KEY_ALL_ACCESS, &oa, 0, NULL, REG_OPTION_NON_VOLATILE, NULL);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "KeyHandle not NULL");
    return st;
}

static NTSTATUS w_zw_open_key(ctx *c)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    NTSTATUS st;
    RtlInitUnicodeString(&name, L"Sub");
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, c->key,
                               NULL);
    c->out_handle = (HANDLE)(void *)c;
    st = ZwOpenKey(&c->out_handle, KEY_READ, &oa);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "KeyHandle not NULL");
    return st;
}

static NTSTATUS w_zw_set_value(ctx *c)
{
    UNICODE_STRING v;
    ULONG two = 2;
    RtlInitUnicodeString(&v, L"NewValue");
    return ZwSetValueKey(c->key, &v, 0, REG_DWORD, &two, sizeof(two));
}

static NTSTATUS w_zw_query_value(ctx *c)
{
    UNICODE_STRING v;
    ULONG len = 0;
    RtlInitUnicodeString(&v, L"Existing");
    return ZwQueryValueKey(c->key, &v, KeyValuePartialInformation, c->buf, sizeof(c->buf), &len);
}

static NTSTATUS w_zw_enumerate_value(ctx *c)
{
    ULONG len = 0;
    return ZwEnumerateValueKey(c->key, 0, KeyValueBasicInformation, c->buf, sizeof(c->buf), &len);
}

static NTSTATUS w_zw_enumerate_key(ctx *c)
{
    ULONG len = 0;
    return ZwEnumerateKey(c->key, 0, KeyBasicInformation, c->buf, sizeof(c->buf), &len);
}

static NTSTATUS w_zw_query_key(ctx *c)
{
    ULONG len = 0;
    return ZwQueryKey(c->key, KeyBasicInformation, c->buf, sizeof(c->buf), &len);
}

static NTSTATUS w_zw_delete_value(ctx *c)
{
    UNICODE_STRING v;
    RtlInitUnicodeString(&v, L"Existing");
    return ZwDeleteValueKey(c->key, &v);
}

static NTSTATUS w_zw_flush_key(ctx *c)
{
    return ZwFlushKey(c->key);
}

static NTSTATUS s_nd_subkey(ctx *c)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING sub;
    TRY(s_nd_key(c));
    RtlInitUnicodeString(&sub, L"Sub");
    InitializeObjectAttributes(&oa, &sub, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, c->key, NULL);
    return ZwOpenKey(&c->out_handle, KEY_ALL_ACCESS, &oa);
}

static NTSTATUS w_zw_delete_key(ctx *c)
{
    return ZwDeleteKey(c->out_handle);
}

static void cl_subkey(ctx *c, bool ok)
{
    (void)ok;
    ZwClose(c->out_handle);
    ZwClose(c->key);
}

static NTSTATUS w_zw_create_file(ctx *c)
{
    OBJECT_ATTRIBUTES oa;
    NTSTATUS st;
    InitializeObjectAttributes(&oa, &c->link, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    c->out_handle = (HANDLE)(void *)c;
    st = ZwCreateFile(&c->out_handle, GENERIC_READ, &oa, &c->iosb, NULL, FILE_ATTRIBUTE_NORMAL,
                      FILE_SHARE_READ, FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL, 0);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "FileHandle not NULL");
    return st;
}

static NTSTATUS w_zw_open_file(ctx *c)
{
    OBJECT_ATTRIBUTES oa;
    NTSTATUS st;
    InitializeObjectAttributes(&oa, &c->link, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    c->out_handle = (HANDLE)(void *)c;
    st = ZwOpenFile(&c->out_handle, GENERIC_READ, &oa, &c->iosb, FILE_SHARE_READ, 0);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "FileHandle not NULL");
    return st;
}

static NTSTATUS w_rtl_duplicate(ctx *c)
{
    UNICODE_STRING src;
    NTSTATUS st;
    RtlInitUnicodeString(&src, L"Duplicate me");
    memset(&c->out_us, 0, sizeof(c->out_us));
    st = RtlDuplicateUnicodeString(RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE, &src, &c->out_us);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_us.Buffer == NULL, "DestinationString has a buffer");
    return st;
}

static NTSTATUS w_rtl_ansi_to_unicode(ctx *c)
{
    ANSI_STRING a;
    NTSTATUS st;
    RtlInitAnsiString(&a, "Convert me");
    memset(&c->out_us, 0, sizeof(c->out_us));
    st = RtlAnsiStringToUnicodeString(&c->out_us, &a, TRUE);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_us.Buffer == NULL, "DestinationString has a buffer");
    return st;
}

static NTSTATUS w_rtl_unicode_to_ansi(ctx *c)
{
    UNICODE_STRING u;
    NTSTATUS st;
    RtlInitUnicodeString(&u, L"Convert me");
    memset(&c->out_as, 0, sizeof(c->out_as));
    st = RtlUnicodeStringToAnsiString(&c->out_as, &u, TRUE);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_as.Buffer == NULL, "DestinationString has a buffer");
    return st;
}

static NTSTATUS w_rtl_upcase(ctx *c)
{
    UNICODE_STRING u;
    NTSTATUS st;
    RtlInitUnicodeString(&u, L"Upcase me");
    memset(&c->out_us, 0, sizeof(c->out_us));
    st = RtlUpcaseUnicodeString(&c->out_us, &u, TRUE);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_us.Buffer == NULL, "DestinationString has a buffer");
    return st;
}

static NTSTATUS w_rtl_downcase(ctx *c)
{
    UNICODE_STRING u;
    NTSTATUS st;
    RtlInitUnicodeString(&u, L"Downcase ME");
    memset(&c->out_us, 0, sizeof(c->out_us));
    st = RtlDowncaseUnicodeString(&c->out_us, &u, TRUE);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_us.Buffer == NULL, "DestinationString has a buffer");
    return st;
}

static NTSTATUS w_rtl_string_from_guid(ctx *c)
{
    NTSTATUS st;
    memset(&c->out_us, 0, sizeof(c->out_us));
    st = RtlStringFromGUID(&GUID_OOM_CLASS, &c->out_us);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_us.Buffer == NULL, "GuidString has a buffer");
    return st;
}

static NTSTATUS s_rtl_params(ctx *c)
{
    TRY(s_nd(c));
    TRY(pnpsim_registry_set_string(c->sys,
                                   "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"
                                   "notifydev\\Parameters",
                                   "Name", "a string value"));
    return STATUS_SUCCESS;
}

static NTSTATUS w_rtl_query_registry_values(ctx *c)
{
    RTL_QUERY_REGISTRY_TABLE t[2];
    NTSTATUS st;
    memset(t, 0, sizeof(t));
    memset(&c->out_us, 0, sizeof(c->out_us));
    t[0].Flags = RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_REQUIRED |
                 RTL_QUERY_REGISTRY_TYPECHECK;
    t[0].Name = L"Name";
    t[0].EntryContext = &c->out_us;
    t[0].DefaultType = (REG_SZ << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE;
    st = RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, L"notifydev\\Parameters", t, NULL, NULL);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_us.Buffer == NULL, "the string has a buffer");
    return st;
}

static NTSTATUS w_rtl_write_registry_value(ctx *c)
{
    ULONG v = 3;
    return RtlWriteRegistryValue(RTL_REGISTRY_SERVICES, L"notifydev\\Parameters", L"Written",
                                 REG_DWORD, &v, sizeof(v));
}

static NTSTATUS w_rtl_create_registry_key(ctx *c)
{
    return RtlCreateRegistryKey(RTL_REGISTRY_SERVICES, L"notifydev\\Parameters\\Created");
}

static NTSTATUS w_rtl_check_registry_key(ctx *c)
{
    return RtlCheckRegistryKey(RTL_REGISTRY_SERVICES, L"notifydev\\Parameters");
}

static NTSTATUS w_rtl_delete_registry_value(ctx *c)
{
    return RtlDeleteRegistryValue(RTL_REGISTRY_SERVICES, L"notifydev\\Parameters", L"Name");
}

static VOID NTAPI thread_main(PVOID StartContext)
{
    (void)StartContext;
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static NTSTATUS w_ps_create_system_thread(ctx *c)
{
    NTSTATUS st;
    c->out_handle = (HANDLE)(void *)c;
    st = PsCreateSystemThread(&c->out_handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, thread_main,
                              NULL);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, c->out_handle), "ThreadHandle not NULL");
    return st;
}

static void cl_thread(ctx *c, bool ok)
{
    PVOID thread = NULL;
    if (!ok)
        return;
    if (NT_SUCCESS(ObReferenceObjectByHandle(c->out_handle, SYNCHRONIZE, NULL, KernelMode,
                                             &thread, NULL))) {
        (void)KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL);
        ObDereferenceObject(thread);
    }
    ZwClose(c->out_handle);
}

static NTSTATUS w_report_target_change(ctx *c)
{
    TARGET_DEVICE_CUSTOM_NOTIFICATION n;
    memset(&n, 0, sizeof(n));
    n.Version = 1;
    n.Size = (USHORT)sizeof(n);
    n.Event = GUID_OOM_CLASS;
    n.NameBufferOffset = -1;
    return IoReportTargetDeviceChange(c->pdo, &n);
}

static NTSTATUS w_report_target_change_async(ctx *c)
{
    TARGET_DEVICE_CUSTOM_NOTIFICATION n;
    memset(&n, 0, sizeof(n));
    n.Version = 1;
    n.Size = (USHORT)sizeof(n);
    n.Event = GUID_OOM_CLASS;
    n.NameBufferOffset = -1;
    return IoReportTargetDeviceChangeAsynchronous(c->pdo, &n, NULL, NULL);
}

static NTSTATUS w_po_request_power_irp(ctx *c)
{
    POWER_STATE s;
    NTSTATUS st;
    s.DeviceState = PowerDeviceD2;
    st = PoRequestPowerIrp(c->pdo, IRP_MN_SET_POWER, s, NULL, NULL, NULL);
    return st == STATUS_PENDING ? STATUS_SUCCESS : st;
}

/* The void DDIs that queue work: on OOM the request is dropped (nothing queued, nothing
 * changed); the call maps "nothing queued" to STATUS_INSUFFICIENT_RESOURCES. */
static NTSTATUS queued_status(ctx *c, size_t before)
{
    return pnpsim_system_pending_count(c->sys) > before ? STATUS_SUCCESS
                                                        : STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS w_invalidate_relations(ctx *c)
{
    size_t before = pnpsim_system_pending_count(c->sys);
    IoInvalidateDeviceRelations(c->pdo, BusRelations);
    return queued_status(c, before);
}

static NTSTATUS w_invalidate_state(ctx *c)
{
    size_t before = pnpsim_system_pending_count(c->sys);
    IoInvalidateDeviceState(c->pdo);
    return queued_status(c, before);
}

static NTSTATUS w_request_eject(ctx *c)
{
    size_t before = pnpsim_system_pending_count(c->sys);
    IoRequestDeviceEject(c->pdo);
    return queued_status(c, before);
}

/* ---- KMDF rows --------------------------------------------------------------------------- */

static NTSTATUS KmdfMiniDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    (void)Driver;
    (void)DeviceInit;
    return STATUS_SUCCESS;
}

static NTSTATUS KmdfMiniDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, KmdfMiniDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

/* The service key exists before a driver loads (its installation made it); a failed load
 * leaves it, as Windows does. */
static NTSTATUS s_kmdfmini_installed(ctx *c)
{
    return pnpsim_registry_create_key(
        c->sys, "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\kmdfmini", false);
}

static NTSTATUS k_driver_create(ctx *c)
{
    PDRIVER_OBJECT drv = NULL;
    return pnpsim_driver_load(c->sys, "kmdfmini", KmdfMiniDriverEntry, &drv);
}

static NTSTATUS s_kmdf_created(ctx *c)
{
    PDRIVER_OBJECT drv;
    kmdf_ioctl_reset(KmdfIoctlNormal);
    TRY(pnpsim_driver_load(c->sys, "kmdfoom", KmdfIoctlDriverEntry, &drv));
    TRY(pnpsim_driver_bind(c->sys, KMDF_IOCTL_HARDWARE_ID, drv));
    return pnpsim_device_create(c->sys, NULL, KMDF_IOCTL_HARDWARE_ID, "0", &c->dev);
}

static NTSTATUS s_kmdf_started(ctx *c)
{
    TRY(s_kmdf_created(c));
    TRY(pnpsim_device_start(c->dev));
    pnpsim_system_run_pending(c->sys);
    return STATUS_SUCCESS;
}

/* WDF_OUT(c, call, h): make the call, then look at h (sequenced: the comma operator). */
#define WDF_OUT(c, call, h) ((c)->call_st = (call), wdf_out((c), (c)->call_st, (WDFOBJECT)(h)))

static NTSTATUS wdf_out(ctx *c, NTSTATUS st, WDFOBJECT h)
{
    c->out_wdf = NT_SUCCESS(st) ? h : NULL;
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, h), "a failed create stored a handle");
    return st;
}

static NTSTATUS k_object_create(ctx *c)
{
    WDFOBJECT h = (WDFOBJECT)(void *)c;
    return WDF_OUT(c, WdfObjectCreate(WDF_NO_OBJECT_ATTRIBUTES, &h), h);
}

typedef struct oom_context {
    ULONG value;
} OOM_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(OOM_CONTEXT, oom_context_get)

static NTSTATUS k_object_allocate_context(ctx *c)
{
    WDF_OBJECT_ATTRIBUTES a;
    PVOID p = (PVOID)c;
    NTSTATUS st;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, OOM_CONTEXT);
    st = WdfObjectAllocateContext(c->wobj, &a, &p);
    OUT_EMPTY(c, NT_SUCCESS(st) || p == NULL, "Context not NULL");
    return st;
}

static NTSTATUS k_collection_create(ctx *c)
{
    WDFCOLLECTION h = (WDFCOLLECTION)(void *)c;
    return WDF_OUT(c, WdfCollectionCreate(WDF_NO_OBJECT_ATTRIBUTES, &h), (WDFOBJECT)h);
}

static NTSTATUS k_collection_add(ctx *c)
{
    return WdfCollectionAdd(c->coll, c->wobj);
}

static NTSTATUS k_memory_create(ctx *c)
{
    WDFMEMORY h = (WDFMEMORY)(void *)c;
    PVOID buf = (PVOID)c;
    NTSTATUS st = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 'mooK', 200, &h, &buf);
    OUT_EMPTY(c, NT_SUCCESS(st) || UNSET(c, buf), "a failed create stored a Buffer");
    return WDF_OUT(c, st, (WDFOBJECT)h);
}

static NTSTATUS k_memory_create_preallocated(ctx *c)
{
    WDFMEMORY h = (WDFMEMORY)(void *)c;
    return WDF_OUT(c, WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, c->buf, sizeof(c->buf), &h),
                   (WDFOBJECT)h);
}

static NTSTATUS k_string_create(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(s, L"a framework string");
    WDFSTRING h = (WDFSTRING)(void *)c;
    return WDF_OUT(c, WdfStringCreate(&s, WDF_NO_OBJECT_ATTRIBUTES, &h), (WDFOBJECT)h);
}

static NTSTATUS k_spin_lock_create(ctx *c)
{
    WDFSPINLOCK h = (WDFSPINLOCK)(void *)c;
    return WDF_OUT(c, WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &h), (WDFOBJECT)h);
}

static NTSTATUS k_wait_lock_create(ctx *c)
{
    WDFWAITLOCK h = (WDFWAITLOCK)(void *)c;
    return WDF_OUT(c, WdfWaitLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &h), (WDFOBJECT)h);
}

static VOID OomTimerFunc(WDFTIMER Timer)
{
    (void)Timer;
}

static NTSTATUS k_timer_create(ctx *c)
{
    WDF_TIMER_CONFIG cfg;
    WDF_OBJECT_ATTRIBUTES a;
    WDFTIMER h = (WDFTIMER)(void *)c;
    WDF_TIMER_CONFIG_INIT(&cfg, OomTimerFunc);
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = c->wdev;
    return WDF_OUT(c, WdfTimerCreate(&cfg, &a, &h), (WDFOBJECT)h);
}

static VOID OomWorkItemFunc(WDFWORKITEM WorkItem)
{
    (void)WorkItem;
}

static NTSTATUS k_workitem_create(ctx *c)
{
    WDF_WORKITEM_CONFIG cfg;
    WDF_OBJECT_ATTRIBUTES a;
    WDFWORKITEM h = (WDFWORKITEM)(void *)c;
    WDF_WORKITEM_CONFIG_INIT(&cfg, OomWorkItemFunc);
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = c->wdev;
    return WDF_OUT(c, WdfWorkItemCreate(&cfg, &a, &h), (WDFOBJECT)h);
}

static VOID OomEvtIoDefault(WDFQUEUE Queue, WDFREQUEST Request)
{
    (void)Queue;
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static NTSTATUS k_queue_create(ctx *c)
{
    WDF_IO_QUEUE_CONFIG cfg;
    WDFQUEUE h = (WDFQUEUE)(void *)c;
    WDF_IO_QUEUE_CONFIG_INIT(&cfg, WdfIoQueueDispatchSequential);
    cfg.EvtIoDefault = OomEvtIoDefault;
    return WDF_OUT(c, WdfIoQueueCreate(c->wdev, &cfg, WDF_NO_OBJECT_ATTRIBUTES, &h), (WDFOBJECT)h);
}

static NTSTATUS k_iotarget_create(ctx *c)
{
    WDFIOTARGET h = (WDFIOTARGET)(void *)c;
    return WDF_OUT(c, WdfIoTargetCreate(c->wdev, WDF_NO_OBJECT_ATTRIBUTES, &h), (WDFOBJECT)h);
}

static NTSTATUS k_iotarget_open_by_name(ctx *c)
{
    WDF_IO_TARGET_OPEN_PARAMS p;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&p, &c->link, STANDARD_RIGHTS_ALL);
    return WdfIoTargetOpen(c->target, &p);
}

static NTSTATUS k_iotarget_open_existing(ctx *c)
{
    WDF_IO_TARGET_OPEN_PARAMS p;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(&p, c->top);
    return WdfIoTargetOpen(c->target, &p);
}

static NTSTATUS k_iotarget_send_ioctl(ctx *c)
{
    WDF_MEMORY_DESCRIPTOR in, out;
    ULONG v = 0x12345678, r = 0;
    ULONG_PTR bytes = 0;
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&in, &v, sizeof(v));
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out, &r, sizeof(r));
    return WdfIoTargetSendIoctlSynchronously(c->target, NULL, IOCTL_KMDF_ECHO, &in, &out, NULL,
                                             &bytes);
}

static NTSTATUS k_request_create(ctx *c)
{
    WDFREQUEST h = (WDFREQUEST)(void *)c;
    return WDF_OUT(c, WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, c->target, &h), (WDFOBJECT)h);
}

static NTSTATUS k_create_device_interface(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(ref, L"kref");
    return WdfDeviceCreateDeviceInterface(c->wdev, &GUID_OOM_CLASS, &ref);
}

static NTSTATUS k_retrieve_interface_string(ctx *c)
{
    return WdfDeviceRetrieveDeviceInterfaceString(c->wdev, &GUID_OOM_CLASS, NULL, c->wstr);
}

static VOID OomIfRef(PVOID Context)
{
    (void)Context;
}

static NTSTATUS k_add_query_interface(ctx *c)
{
    WDF_QUERY_INTERFACE_CONFIG cfg;
    INTERFACE iface;
    memset(&iface, 0, sizeof(iface));
    iface.Size = sizeof(iface);
    iface.Version = 1;
    iface.InterfaceReference = OomIfRef;
    iface.InterfaceDereference = OomIfRef;
    WDF_QUERY_INTERFACE_CONFIG_INIT(&cfg, &iface, &GUID_OOM_QI, NULL);
    return WdfDeviceAddQueryInterface(c->wdev, &cfg);
}

static NTSTATUS s_kmdf_provided(ctx *c)
{
    INTERFACE t;
    TRY(s_kmdf_created(c));
    memset(&t, 0, sizeof(t));
    TRY(pnpsim_qi_provide(c->dev, &GUID_OOM_QI, &t, sizeof(t), 1));
    TRY(pnpsim_device_start(c->dev));
    pnpsim_system_run_pending(c->sys);
    c->wdev = kmdf_ioctl_device();
    return c->wdev != NULL ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

/* The default I/O target is made on first use: get it before the snapshot. */
static NTSTATUS s_kmdf_provided_target(ctx *c)
{
    TRY(s_kmdf_provided(c));
    c->target = WdfDeviceGetIoTarget(c->wdev);
    return c->target != NULL ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

/* KMDF creates the default target with the device, so WdfDeviceGetIoTarget cannot fail
 * ("WdfDeviceGetIoTarget" returns the handle, no status): under injected faults it still
 * returns the target (found here: it returned NULL, and the driver's next call bug
 * checked 0x10D). The sweep then finds no allocation point. */
static NTSTATUS k_device_get_io_target(ctx *c)
{
    c->target = WdfDeviceGetIoTarget(c->wdev);
    return c->target != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS k_fdo_query_for_interface(ctx *c)
{
    NTSTATUS st;
    memset(&c->out_iface, 0, sizeof(c->out_iface));
    st = WdfFdoQueryForInterface(c->wdev, &GUID_OOM_QI, &c->out_iface, sizeof(INTERFACE), 1,
                                 NULL);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_iface.InterfaceDereference == NULL,
              "the interface was filled in");
    return st;
}

static NTSTATUS k_iotarget_query_for_interface(ctx *c)
{
    NTSTATUS st;
    memset(&c->out_iface, 0, sizeof(c->out_iface));
    st = WdfIoTargetQueryForInterface(c->target, &GUID_OOM_QI, &c->out_iface,
                                      sizeof(INTERFACE), 1, NULL);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->out_iface.InterfaceDereference == NULL,
              "the interface was filled in");
    return st;
}

static NTSTATUS k_device_open_registry_key(ctx *c)
{
    WDFKEY h = (WDFKEY)(void *)c;
    return WDF_OUT(c, WdfDeviceOpenRegistryKey(c->wdev, PLUGPLAY_REGKEY_DEVICE, KEY_ALL_ACCESS,
                                               WDF_NO_OBJECT_ATTRIBUTES, &h),
                   (WDFOBJECT)h);
}

static NTSTATUS k_driver_open_parameters_key(ctx *c)
{
    WDFKEY h = (WDFKEY)(void *)c;
    return WDF_OUT(c, WdfDriverOpenParametersRegistryKey(WdfGetDriver(), KEY_ALL_ACCESS,
                                                         WDF_NO_OBJECT_ATTRIBUTES, &h),
                   (WDFOBJECT)h);
}

static NTSTATUS k_registry_open_key(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(sub, L"Sub");
    WDFKEY h = (WDFKEY)(void *)c;
    return WDF_OUT(c, WdfRegistryOpenKey(c->wkey, &sub, KEY_READ, WDF_NO_OBJECT_ATTRIBUTES, &h),
                   (WDFOBJECT)h);
}

static NTSTATUS k_registry_create_key(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(sub, L"NewSub");
    WDFKEY h = (WDFKEY)(void *)c;
    return WDF_OUT(c, WdfRegistryCreateKey(c->wkey, &sub, KEY_ALL_ACCESS, REG_OPTION_NON_VOLATILE,
                                           NULL, WDF_NO_OBJECT_ATTRIBUTES, &h),
                   (WDFOBJECT)h);
}

static NTSTATUS s_kmdf_subkey(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(sub, L"Sub");
    WDFKEY h = NULL;
    TRY(s_kmdf_key(c));
    TRY(WdfRegistryOpenKey(c->wkey, &sub, KEY_ALL_ACCESS, WDF_NO_OBJECT_ATTRIBUTES, &h));
    c->out_wdf = (WDFOBJECT)h;
    return STATUS_SUCCESS;
}

static NTSTATUS k_registry_remove_opened_key(ctx *c)
{
    NTSTATUS st = WdfRegistryRemoveKey((WDFKEY)c->out_wdf);
    if (NT_SUCCESS(st))
        c->out_wdf = NULL; /* removing closes the key */
    return st;
}

static void cl_subkey_wdf(ctx *c, bool ok)
{
    (void)ok;
    if (c->out_wdf != NULL)
        WdfRegistryClose((WDFKEY)c->out_wdf);
    cl_wkey_only(c, ok);
}

static NTSTATUS k_registry_remove_value(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Existing");
    return WdfRegistryRemoveValue(c->wkey, &name);
}

static NTSTATUS k_registry_assign_ulong(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"New");
    return WdfRegistryAssignULong(c->wkey, &name, 9);
}

static NTSTATUS k_registry_assign_value(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Bin");
    return WdfRegistryAssignValue(c->wkey, &name, REG_BINARY, 8, c->buf);
}

static NTSTATUS k_registry_assign_unicode_string(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Text");
    DECLARE_CONST_UNICODE_STRING(value, L"some text");
    return WdfRegistryAssignUnicodeString(c->wkey, &name, &value);
}

static NTSTATUS k_registry_assign_string(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Text");
    return WdfRegistryAssignString(c->wkey, &name, c->wstr);
}

static NTSTATUS k_registry_assign_memory(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Mem");
    WDFMEMORY mem = NULL;
    NTSTATUS st;
    TRY(WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, c->buf, 8, &mem));
    st = WdfRegistryAssignMemory(c->wkey, &name, REG_BINARY, mem, NULL);
    WdfObjectDelete(mem);
    return st;
}

static NTSTATUS k_registry_query_ulong(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Existing");
    ULONG v = 0;
    return WdfRegistryQueryULong(c->wkey, &name, &v);
}

static NTSTATUS k_registry_query_value(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Existing");
    ULONG len = 0, type = 0;
    return WdfRegistryQueryValue(c->wkey, &name, sizeof(c->buf), c->buf, &len, &type);
}

static NTSTATUS k_registry_query_memory(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Existing");
    WDFMEMORY h = (WDFMEMORY)(void *)c;
    ULONG type = 0;
    return WDF_OUT(c, WdfRegistryQueryMemory(c->wkey, &name, NonPagedPoolNx,
                                             WDF_NO_OBJECT_ATTRIBUTES, &h, &type),
                   (WDFOBJECT)h);
}

static NTSTATUS s_kmdf_key_text(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Text");
    DECLARE_CONST_UNICODE_STRING(value, L"stored text");
    TRY(s_kmdf_key(c));
    return WdfRegistryAssignUnicodeString(c->wkey, &name, &value);
}

static NTSTATUS k_registry_query_unicode_string(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Text");
    WCHAR buf[32];
    UNICODE_STRING s;
    USHORT len = 0;
    s.Buffer = buf;
    s.Length = 0;
    s.MaximumLength = sizeof(buf);
    return WdfRegistryQueryUnicodeString(c->wkey, &name, &len, &s);
}

static NTSTATUS k_registry_query_string(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(name, L"Text");
    return WdfRegistryQueryString(c->wkey, &name, c->wstr);
}

static NTSTATUS k_alloc_and_query_property(ctx *c)
{
    WDFMEMORY h = (WDFMEMORY)(void *)c;
    return WDF_OUT(c, WdfDeviceAllocAndQueryProperty(c->wdev, DevicePropertyHardwareID,
                                                     NonPagedPoolNx, WDF_NO_OBJECT_ATTRIBUTES, &h),
                   (WDFOBJECT)h);
}

static NTSTATUS k_driver_retrieve_version_string(ctx *c)
{
    return WdfDriverRetrieveVersionString(WdfGetDriver(), c->wstr);
}

static NTSTATUS k_pdo_init_allocate(ctx *c)
{
    return ptr_status(c, WdfPdoInitAllocate(c->wdev));
}

static void cl_pdo_init(ctx *c, bool ok)
{
    if (ok && c->out != NULL)
        WdfDeviceInitFree((PWDFDEVICE_INIT)c->out);
}

static NTSTATUS k_pdo_init_assign_device_id(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(id, L"KMDFBUS\\OomChild");
    return WdfPdoInitAssignDeviceID(c->init, &id);
}

static NTSTATUS k_pdo_init_add_hardware_id(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(id, L"KMDFBUS\\OomChild");
    return WdfPdoInitAddHardwareID(c->init, &id);
}

static NTSTATUS k_pdo_init_add_compatible_id(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(id, L"KMDFBUS\\OomCompatible");
    return WdfPdoInitAddCompatibleID(c->init, &id);
}

static NTSTATUS k_pdo_init_assign_instance_id(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(id, L"5");
    return WdfPdoInitAssignInstanceID(c->init, &id);
}

static NTSTATUS k_pdo_init_add_device_text(ctx *c)
{
    DECLARE_CONST_UNICODE_STRING(text, L"OOM text");
    return WdfPdoInitAddDeviceText(c->init, &text, &text, 0x409);
}

static NTSTATUS k_device_create_pdo(ctx *c)
{
    WDFDEVICE h = (WDFDEVICE)(void *)c;
    NTSTATUS st = WdfDeviceCreate(&c->init, WDF_NO_OBJECT_ATTRIBUTES, &h);
    OUT_EMPTY(c, NT_SUCCESS(st) || c->init != NULL, "the init was consumed by a failed create");
    OUT_EMPTY(c, NT_SUCCESS(st) || h == NULL, "Device not NULL");
    if (NT_SUCCESS(st))
        c->init = NULL;
    return st;
}

static NTSTATUS k_add_static_child(ctx *c)
{
    (void)c;
    return kmdf_bus_add_static_child(3);
}

static NTSTATUS k_child_list_add(ctx *c)
{
    (void)c;
    return kmdf_bus_plug(4);
}

/* ---- CfgMgr32 rows ----------------------------------------------------------------------- */

static NTSTATUS cr(CONFIGRET r)
{
    return r == CR_SUCCESS ? STATUS_SUCCESS : CR_STATUS(r);
}

static NTSTATUS c_list_size_w(ctx *c)
{
    ULONG len = 99;
    CONFIGRET r = CM_Get_Device_Interface_List_SizeW(&len, (LPGUID)&GUID_NOTIFYDEV_CLASS, NULL,
                                                     CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    OUT_EMPTY(c, r == CR_SUCCESS || len == 0, "*pulLen not 0");
    return cr(r);
}

static NTSTATUS c_list_size_a(ctx *c)
{
    ULONG len = 99;
    CONFIGRET r = CM_Get_Device_Interface_List_SizeA(&len, (LPGUID)&GUID_NOTIFYDEV_CLASS, NULL,
                                                     CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    OUT_EMPTY(c, r == CR_SUCCESS || len == 0, "*pulLen not 0");
    return cr(r);
}

static NTSTATUS c_list_w(ctx *c)
{
    WCHAR buf[400];
    CONFIGRET r;
    buf[0] = 0x55;
    r = CM_Get_Device_Interface_ListW((LPGUID)&GUID_NOTIFYDEV_CLASS, NULL, buf, 400,
                                      CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    return cr(r);
}

static NTSTATUS c_list_a(ctx *c)
{
    char buf[400];
    CONFIGRET r;
    (void)c;
    r = CM_Get_Device_Interface_ListA((LPGUID)&GUID_NOTIFYDEV_CLASS, NULL, buf, sizeof(buf),
                                      CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    return cr(r);
}

static NTSTATUS c_list_w_device(ctx *c)
{
    WCHAR buf[400];
    CONFIGRET r = CM_Get_Device_Interface_ListW((LPGUID)&GUID_NOTIFYDEV_CLASS,
                                                (DEVINSTID_W)L"ROOT\\NOTIFYDEV\\0", buf, 400,
                                                CM_GET_DEVICE_INTERFACE_LIST_PRESENT);
    (void)c;
    return cr(r);
}

/* DEVPKEY_DeviceInterface_Enabled (devpkey.h), a local copy. */
static const DEVPROPKEY OOM_IFACE_ENABLED = {
    {0x026e516e, 0xb814, 0x414b, {0x83, 0xcd, 0x85, 0x6d, 0x6f, 0xef, 0x48, 0x22}}, 3};

static NTSTATUS c_property_w(ctx *c)
{
    DEVPROPTYPE type = 0;
    BYTE buf[16];
    ULONG size = sizeof(buf);
    return cr(CM_Get_Device_Interface_PropertyW(c->user_link, &OOM_IFACE_ENABLED, &type, buf,
                                                &size, 0));
}

static NTSTATUS c_property_keys_w(ctx *c)
{
    DEVPROPKEY keys[16];
    ULONG n = 16;
    return cr(CM_Get_Device_Interface_Property_KeysW(c->user_link, keys, &n, 0));
}

static NTSTATUS c_locate_devnode(ctx *c)
{
    DEVINST d = 0x5555;
    CONFIGRET r = CM_Locate_DevNodeW(&d, (DEVINSTID_W)L"ROOT\\NOTIFYDEV\\0",
                                     CM_LOCATE_DEVNODE_NORMAL);
    OUT_EMPTY(c, r == CR_SUCCESS || d == 0, "*pdnDevInst not 0");
    return cr(r);
}

static NTSTATUS s_nd_devinst(ctx *c)
{
    DEVINST d = 0;
    TRY(s_nd(c));
    if (CM_Locate_DevNodeW(&d, (DEVINSTID_W)L"ROOT\\NOTIFYDEV\\0", CM_LOCATE_DEVNODE_NORMAL) !=
        CR_SUCCESS)
        return STATUS_UNSUCCESSFUL;
    c->out = (PVOID)(ULONG_PTR)d;
    return STATUS_SUCCESS;
}

static NTSTATUS c_get_device_id(ctx *c)
{
    WCHAR buf[100];
    return cr(CM_Get_Device_IDW((DEVINST)(ULONG_PTR)c->out, buf, 100, 0));
}

static DWORD CALLBACK cm_cb(HCMNOTIFICATION h, PVOID ctx_, CM_NOTIFY_ACTION action,
                            PCM_NOTIFY_EVENT_DATA data, DWORD size)
{
    (void)h;
    (void)ctx_;
    (void)action;
    (void)data;
    (void)size;
    return ERROR_SUCCESS;
}

static NTSTATUS c_register_notification_iface(ctx *c)
{
    CM_NOTIFY_FILTER f;
    CONFIGRET r;
    memset(&f, 0, sizeof(f));
    f.cbSize = sizeof(f);
    f.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
    f.u.DeviceInterface.ClassGuid = GUID_NOTIFYDEV_CLASS;
    c->out_cm = (HCMNOTIFICATION)(void *)c;
    r = CM_Register_Notification(&f, NULL, cm_cb, &c->out_cm);
    OUT_EMPTY(c, r == CR_SUCCESS || c->out_cm == NULL, "*pNotifyContext not NULL");
    return cr(r);
}

static NTSTATUS c_register_notification_instance(ctx *c)
{
    CM_NOTIFY_FILTER f;
    CONFIGRET r;
    static const WCHAR inst[] = L"ROOT\\NOTIFYDEV\\0";
    memset(&f, 0, sizeof(f));
    f.cbSize = sizeof(f);
    f.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINSTANCE;
    memcpy(f.u.DeviceInstance.InstanceId, inst, sizeof(inst));
    c->out_cm = (HCMNOTIFICATION)(void *)c;
    r = CM_Register_Notification(&f, NULL, cm_cb, &c->out_cm);
    OUT_EMPTY(c, r == CR_SUCCESS || c->out_cm == NULL, "*pNotifyContext not NULL");
    return cr(r);
}

static NTSTATUS c_register_notification_handle(ctx *c)
{
    CM_NOTIFY_FILTER f;
    CONFIGRET r;
    memset(&f, 0, sizeof(f));
    f.cbSize = sizeof(f);
    f.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEHANDLE;
    f.u.DeviceHandle.hTarget = (HANDLE)c->out_fo; /* pnpsim's handles are file objects */
    c->out_cm = (HCMNOTIFICATION)(void *)c;
    r = CM_Register_Notification(&f, NULL, cm_cb, &c->out_cm);
    OUT_EMPTY(c, r == CR_SUCCESS || c->out_cm == NULL, "*pNotifyContext not NULL");
    return cr(r);
}

static void cl_cm_handle(ctx *c, bool ok)
{
    cl_cm(c, ok);
    ObDereferenceObject(c->out_fo);
}

/* ---- the table --------------------------------------------------------------------------- */

#define ROW(layer, name, setup, call, expect, flags, cleanup) \
    {name, layer, setup, call, expect, flags, cleanup}
#define NOMEM STATUS_INSUFFICIENT_RESOURCES
#define CR_NOMEM CR_STATUS(CR_OUT_OF_MEMORY)

static const entry Entries[] = {
    /* native */
    ROW(L_NATIVE, "pnpsim_driver_load", s_none, n_driver_load, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_driver_bind", s_nd_loaded, n_driver_bind, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_driver_bind_filter", s_nd_loaded, n_driver_bind_filter, NOMEM, 0, NULL),
    /* Absorbs (create, set_ids, set_unique_id): IRP_MN_QUERY_DEVICE_TEXT is optional; without
     * memory for it the device has no text, as when its bus answers none. */
    ROW(L_NATIVE, "pnpsim_device_create", s_nd_bound, n_device_create, NOMEM, ABSORBS, NULL),
    ROW(L_NATIVE, "pnpsim_device_set_ids", s_nd_created, n_device_set_ids, NOMEM, ABSORBS, NULL),
    ROW(L_NATIVE, "pnpsim_device_set_unique_id", s_nd_created, n_device_set_unique_id, NOMEM,
        ABSORBS,
        NULL),
    ROW(L_NATIVE, "pnpsim_device_stop", s_nd, n_device_stop, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_device_remove", s_nd, n_device_remove, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_device_surprise_remove", s_nd, n_device_surprise_remove, NOMEM, 0,
        NULL),
    ROW(L_NATIVE, "pnpsim_device_uninstall", s_nd, n_device_uninstall, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_device_open", s_nd, n_device_open, NOMEM, 0, cl_fo),
    /* Absorbs: a framework device's power path carries on without some allocations. */
    ROW(L_NATIVE, "pnpsim_device_set_power", s_kmdf_started, n_device_set_power, NOMEM, ABSORBS,
        NULL),
    ROW(L_NATIVE, "pnpsim_iface_list_class", s_nd_reg, n_iface_list_class, NOMEM, 0, cl_list),
    ROW(L_NATIVE, "pnpsim_iface_list_device", s_nd_reg, n_iface_list_device, NOMEM, 0, cl_list),
    ROW(L_NATIVE, "pnpsim_iface_lookup", s_nd, n_iface_lookup, NOMEM, 0, cl_list),
    ROW(L_NATIVE, "pnpsim_iface_events", s_nd, n_iface_events, NOMEM, 0, NULL),
    /* Found here: with no memory for the UTF-8 name, an existing interface reached the
     * native callback with name NULL; the delivery's copy is now spared (notify.c). */
    ROW(L_NATIVE, "pnpsim_notify_subscribe_interfaces", s_nd, n_notify_subscribe_interfaces,
        NOMEM, 0, cl_sub),
    ROW(L_NATIVE, "pnpsim_notify_subscribe_device", s_nd, n_notify_subscribe_device, NOMEM, 0,
        cl_sub),
    ROW(L_NATIVE, "pnpsim_notify_recorder_create", s_nd, n_notify_recorder_create, NOMEM, 0,
        cl_rec),
    ROW(L_NATIVE, "pnpsim_notify_recorder_watch_device", s_nd_recorder,
        n_notify_recorder_watch_device, NOMEM, 0, cl_rec),
    ROW(L_NATIVE, "pnpsim_qi_provide", s_nd, n_qi_provide, NOMEM, CAPACITY, NULL), /* to analyse */
    /* Absorbs: the query-interface ledger's capture at completion is best effort. */
    ROW(L_NATIVE, "pnpsim_qi_query", s_nd_provided, n_qi_query, NOMEM, ABSORBS, cl_qi),
    ROW(L_NATIVE, "pnpsim_qi_config_space", s_nd, n_qi_config_space, NOMEM, CAPACITY, NULL),
    ROW(L_NATIVE, "pnpsim_registry_set_value", s_registry, n_registry_set_value, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_registry_set_string", s_registry, n_registry_set_string, NOMEM, 0,
        NULL),
    ROW(L_NATIVE, "pnpsim_registry_set_dword", s_registry, n_registry_set_dword, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_registry_get_string", s_registry, n_registry_get_string, NOMEM, 0,
        NULL),
    ROW(L_NATIVE, "pnpsim_registry_get_dword", s_registry, n_registry_get_dword, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_registry_key_exists", s_registry, n_registry_key_exists, NOMEM, 0,
        NULL),
    ROW(L_NATIVE, "pnpsim_registry_create_key", s_registry, n_registry_create_key, NOMEM, 0,
        NULL),
    ROW(L_NATIVE, "pnpsim_registry_delete_key", s_registry, n_registry_delete_key, NOMEM, 0,
        NULL),
    ROW(L_NATIVE, "pnpsim_registry_save", s_registry, n_registry_save, NOMEM, 0, cl_file),
    ROW(L_NATIVE, "pnpsim_registry_load", s_registry_saved, n_registry_load, NOMEM, 0, cl_file),
    ROW(L_NATIVE, "pnpsim_dump", s_path, n_dump, NOMEM, 0, cl_file),
    ROW(L_NATIVE, "pnpsim_dump_string", s_nd, n_dump_string, NOMEM, 0, NULL),
    ROW(L_NATIVE, "pnpsim_system_save", s_nd, n_system_save, NOMEM, 0, cl_file),
    ROW(L_NATIVE, "pnpsim_system_load", s_saved, n_system_load, NOMEM, 0, cl_file),
    /* Absorbs: removal cannot fail (as at shutdown); what a device's removal could not
     * allocate is skipped, and the restart has nothing to start. */
    ROW(L_NATIVE, "pnpsim_system_reboot", s_nd, n_system_reboot, NOMEM, ABSORBS, NULL),
    ROW(L_NATIVE, "pnpsim_system_shutdown", s_nd, n_system_shutdown, NOMEM, ABSORBS, NULL),
    ROW(L_NATIVE, "pnpsim_system_check", s_nd_reg_enabled, n_system_check, NOMEM, 0, NULL),

    /* WDK */
    ROW(L_WDK, "IoRegisterDeviceInterface", s_nd, w_register_interface, NOMEM, 0, cl_us),
    ROW(L_WDK, "IoSetDeviceInterfaceState(TRUE)", s_nd_reg, w_set_state_enable, NOMEM, CAPACITY,
        NULL),
    ROW(L_WDK, "IoSetDeviceInterfaceState(FALSE)", s_nd_reg_enabled, w_set_state_disable, NOMEM,
        0, NULL),
    ROW(L_WDK, "IoGetDeviceInterfaces", s_nd_reg, w_get_interfaces, NOMEM, 0, cl_pool),
    ROW(L_WDK, "IoGetDeviceInterfaces(PDO)", s_nd_reg_enabled, w_get_interfaces_pdo, NOMEM, 0,
        cl_pool),
    ROW(L_WDK, "IoGetDeviceInterfaceAlias", s_nd_reg, w_get_alias, NOMEM, 0, cl_us),
    /* Capacity: the interface's Device Parameters key is created on the first open (as Windows
     * does) before the handle; it stays. */
    ROW(L_WDK, "IoOpenDeviceInterfaceRegistryKey", s_nd_reg, w_open_interface_key, NOMEM, CAPACITY,
        cl_handle),
    /* Capacity: the device's Device Parameters / driver key is created before the handle. */
    ROW(L_WDK, "IoOpenDeviceRegistryKey(DEVICE)", s_nd, w_open_device_key, NOMEM, CAPACITY,
        cl_handle),
    ROW(L_WDK, "IoOpenDeviceRegistryKey(DRIVER)", s_nd, w_open_driver_key, NOMEM, CAPACITY,
        cl_handle),
    ROW(L_WDK, "IoGetDeviceInterfacePropertyData", s_nd_reg_property, w_get_iface_property, NOMEM,
        0, NULL),
    ROW(L_WDK, "IoSetDeviceInterfacePropertyData", s_nd_reg, w_set_iface_property, NOMEM, 0,
        NULL),
    ROW(L_WDK, "IoSetDevicePropertyData", s_nd, w_set_device_property, NOMEM, 0, NULL),
    ROW(L_WDK, "IoRegisterPlugPlayNotification(interface)", s_nd, w_register_pnp_interface,
        NOMEM, 0, cl_pnp_entry),
    ROW(L_WDK, "IoRegisterPlugPlayNotification(target)", s_nd_file, w_register_pnp_target, NOMEM,
        0, cl_pnp_target),
    ROW(L_WDK, "IoGetDeviceObjectPointer", s_nd, w_get_device_object_pointer, NOMEM, 0, cl_fo),
    ROW(L_WDK, "IoCreateDevice", s_nd, w_create_device, NOMEM, 0, cl_device),
    ROW(L_WDK, "IoCreateDevice(named)", s_nd, w_create_named_device, NOMEM, 0, cl_device),
    ROW(L_WDK, "IoAllocateIrp", s_nd, w_allocate_irp, NULL_STATUS, 0, cl_irp),
    ROW(L_WDK, "IoBuildSynchronousFsdRequest", s_nd, w_build_sync_read, NULL_STATUS, 0,
        cl_send_irp),
    ROW(L_WDK, "IoBuildAsynchronousFsdRequest", s_nd, w_build_async_read, NULL_STATUS, 0,
        cl_send_async),
    ROW(L_WDK, "IoBuildDeviceIoControlRequest", s_nd, w_build_ioctl, NULL_STATUS, 0, cl_send_irp),
    ROW(L_WDK, "IoSetCompletionRoutineEx", s_nd_irp, w_set_completion_routine_ex, NOMEM, 0,
        cl_completion_ex),
    ROW(L_WDK, "IoAllocateWorkItem", s_nd, w_allocate_workitem, NULL_STATUS, 0, cl_workitem),
    ROW(L_WDK, "ExAllocatePool2", s_nd, w_ex_allocate_pool2, NULL_STATUS, 0, cl_pool),
    ROW(L_WDK, "ExAllocatePoolWithTag", s_nd, w_ex_allocate_pool_with_tag, NULL_STATUS, 0,
        cl_pool),
    ROW(L_WDK, "ExAllocatePool", s_nd, w_ex_allocate_pool, NULL_STATUS, 0, cl_pool),
    ROW(L_WDK, "ExAllocatePoolZero", s_nd, w_ex_allocate_pool_zero, NULL_STATUS, 0, cl_pool),
    ROW(L_WDK, "ExAllocatePoolUninitialized", s_nd, w_ex_allocate_pool_uninit, NULL_STATUS, 0,
        cl_pool),
    ROW(L_WDK, "ExAllocatePoolWithTagPriority", s_nd, w_ex_allocate_pool_priority, NULL_STATUS, 0,
        cl_pool),
    ROW(L_WDK, "ZwCreateKey(relative)", s_nd_key, w_zw_create_key, NOMEM, 0, cl_key_handle),
    ROW(L_WDK, "ZwCreateKey(absolute)", s_nd, w_zw_create_key_abs, NOMEM, 0, cl_handle),
    ROW(L_WDK, "ZwOpenKey", s_nd_key, w_zw_open_key, NOMEM, 0, cl_key_handle),
    ROW(L_WDK, "ZwSetValueKey", s_nd_key, w_zw_set_value, NOMEM, 0, cl_key),
    ROW(L_WDK, "ZwQueryValueKey", s_nd_key, w_zw_query_value, NOMEM, 0, cl_key),
    ROW(L_WDK, "ZwEnumerateValueKey", s_nd_key, w_zw_enumerate_value, NOMEM, 0, cl_key),
    ROW(L_WDK, "ZwEnumerateKey", s_nd_key, w_zw_enumerate_key, NOMEM, 0, cl_key),
    ROW(L_WDK, "ZwQueryKey", s_nd_key, w_zw_query_key, NOMEM, 0, cl_key),
    ROW(L_WDK, "ZwDeleteValueKey", s_nd_key, w_zw_delete_value, NOMEM, 0, cl_key),
    ROW(L_WDK, "ZwDeleteKey", s_nd_subkey, w_zw_delete_key, NOMEM, 0, cl_subkey),
    ROW(L_WDK, "ZwFlushKey", s_nd_key, w_zw_flush_key, NOMEM, 0, cl_key),
    ROW(L_WDK, "ZwCreateFile", s_nd, w_zw_create_file, NOMEM, 0, cl_handle),
    ROW(L_WDK, "ZwOpenFile", s_nd, w_zw_open_file, NOMEM, 0, cl_handle),
    /* The Rtl string routines report allocation failure as STATUS_NO_MEMORY. */
    ROW(L_WDK, "RtlDuplicateUnicodeString", s_nd, w_rtl_duplicate, STATUS_NO_MEMORY, 0, cl_us),
    ROW(L_WDK, "RtlAnsiStringToUnicodeString(TRUE)", s_nd, w_rtl_ansi_to_unicode, STATUS_NO_MEMORY, 0,
        cl_us),
    ROW(L_WDK, "RtlUnicodeStringToAnsiString(TRUE)", s_nd, w_rtl_unicode_to_ansi, STATUS_NO_MEMORY, 0,
        cl_as),
    ROW(L_WDK, "RtlUpcaseUnicodeString(TRUE)", s_nd, w_rtl_upcase, STATUS_NO_MEMORY, 0, cl_us),
    ROW(L_WDK, "RtlDowncaseUnicodeString(TRUE)", s_nd, w_rtl_downcase, STATUS_NO_MEMORY, 0, cl_us),
    ROW(L_WDK, "RtlStringFromGUID", s_nd, w_rtl_string_from_guid, STATUS_NO_MEMORY, 0, cl_us),
    /* Internal buffers: STATUS_INSUFFICIENT_RESOURCES; the DIRECT string's pool: NO_MEMORY. */
    ROW(L_WDK, "RtlQueryRegistryValues(DIRECT)", s_rtl_params, w_rtl_query_registry_values, NOMEM,
        OR_NO_MEMORY, cl_us),
    ROW(L_WDK, "RtlWriteRegistryValue", s_rtl_params, w_rtl_write_registry_value, NOMEM, 0, NULL),
    ROW(L_WDK, "RtlCreateRegistryKey", s_rtl_params, w_rtl_create_registry_key, NOMEM, 0, NULL),
    ROW(L_WDK, "RtlCheckRegistryKey", s_rtl_params, w_rtl_check_registry_key, NOMEM, 0, NULL),
    ROW(L_WDK, "RtlDeleteRegistryValue", s_rtl_params, w_rtl_delete_registry_value, NOMEM, 0,
        NULL),
    ROW(L_WDK, "PsCreateSystemThread", s_nd, w_ps_create_system_thread, NOMEM, 0, cl_thread),
    ROW(L_WDK, "IoReportTargetDeviceChange", s_nd, w_report_target_change, NOMEM, 0, NULL),
    ROW(L_WDK, "IoReportTargetDeviceChangeAsynchronous", s_nd, w_report_target_change_async,
        NOMEM, 0, NULL),
    ROW(L_WDK, "PoRequestPowerIrp", s_nd, w_po_request_power_irp, NOMEM, 0, NULL),
    ROW(L_WDK, "IoInvalidateDeviceRelations", s_nd, w_invalidate_relations, NOMEM, 0, NULL),
    ROW(L_WDK, "IoInvalidateDeviceState", s_nd, w_invalidate_state, NOMEM, 0, NULL),
    ROW(L_WDK, "IoRequestDeviceEject", s_nd, w_request_eject, NOMEM, 0, NULL),

    /* KMDF */
    /* Capacity: the framework's handle table is created (and kept) on first use. */
    ROW(L_KMDF, "WdfDriverCreate", s_kmdfmini_installed, k_driver_create, NOMEM, CAPACITY, NULL),
    ROW(L_KMDF, "WdfObjectCreate", s_kmdf, k_object_create, NOMEM, 0, cl_wdf),
    ROW(L_KMDF, "WdfObjectAllocateContext", s_kmdf_obj, k_object_allocate_context, NOMEM, 0,
        NULL),
    ROW(L_KMDF, "WdfCollectionCreate", s_kmdf, k_collection_create, NOMEM, 0, cl_wdf),
    ROW(L_KMDF, "WdfCollectionAdd", s_kmdf_coll, k_collection_add, NOMEM, 0, NULL),
    ROW(L_KMDF, "WdfMemoryCreate", s_kmdf, k_memory_create, NOMEM, 0, cl_wdf),
    ROW(L_KMDF, "WdfMemoryCreatePreallocated", s_kmdf, k_memory_create_preallocated, NOMEM, 0,
        cl_wdf),
    ROW(L_KMDF, "WdfStringCreate", s_kmdf, k_string_create, NOMEM, 0, cl_wdf),
    ROW(L_KMDF, "WdfSpinLockCreate", s_kmdf, k_spin_lock_create, NOMEM, 0, cl_wdf),
    ROW(L_KMDF, "WdfWaitLockCreate", s_kmdf, k_wait_lock_create, NOMEM, 0, cl_wdf),
    ROW(L_KMDF, "WdfTimerCreate", s_kmdf, k_timer_create, NOMEM, 0, cl_wdf),
    ROW(L_KMDF, "WdfWorkItemCreate", s_kmdf, k_workitem_create, NOMEM, 0, cl_wdf),
    ROW(L_KMDF, "WdfIoQueueCreate", s_kmdf, k_queue_create, NOMEM, 0, NULL),
    ROW(L_KMDF, "WdfIoTargetCreate", s_kmdf, k_iotarget_create, NOMEM, 0, cl_wdf),
    /* Capacity (open finding): a failed open by name keeps one block (to analyse). */
    ROW(L_KMDF, "WdfIoTargetOpen(by name)", s_kmdf_target, k_iotarget_open_by_name, NOMEM,
        CAPACITY, NULL),
    ROW(L_KMDF, "WdfIoTargetOpen(existing device)", s_kmdf_target, k_iotarget_open_existing,
        NOMEM, 0, NULL),
    ROW(L_KMDF, "WdfIoTargetSendIoctlSynchronously", s_kmdf_target_open, k_iotarget_send_ioctl,
        NOMEM, 0, NULL),
    ROW(L_KMDF, "WdfRequestCreate", s_kmdf_target_open, k_request_create, NOMEM, 0, cl_wdf),
    /* Capacity (open finding): a failure after the registration keeps 4 blocks (to analyse:
     * the persistent registration may stay, as IoRegisterDeviceInterface's would). */
    ROW(L_KMDF, "WdfDeviceCreateDeviceInterface", s_kmdf, k_create_device_interface, NOMEM,
        CAPACITY, NULL),
    ROW(L_KMDF, "WdfDeviceRetrieveDeviceInterfaceString", s_kmdf_iface,
        k_retrieve_interface_string, NOMEM, 0, NULL),
    ROW(L_KMDF, "WdfDeviceAddQueryInterface", s_kmdf, k_add_query_interface, NOMEM, 0, NULL),
    ROW(L_KMDF, "WdfDeviceGetIoTarget", s_kmdf_provided, k_device_get_io_target, NOMEM, 0,
        NULL),
    /* Absorbs: the ledger capture (as pnpsim_qi_query). */
    ROW(L_KMDF, "WdfFdoQueryForInterface", s_kmdf_provided, k_fdo_query_for_interface, NOMEM, ABSORBS,
        cl_qi),
    ROW(L_KMDF, "WdfIoTargetQueryForInterface", s_kmdf_provided_target, k_iotarget_query_for_interface,
        NOMEM, ABSORBS, cl_qi),
    /* Capacity: as IoOpenDeviceRegistryKey (the key is created before the handle). */
    ROW(L_KMDF, "WdfDeviceOpenRegistryKey", s_kmdf, k_device_open_registry_key, NOMEM, CAPACITY,
        cl_wkey_mem),
    ROW(L_KMDF, "WdfDriverOpenParametersRegistryKey", s_kmdf, k_driver_open_parameters_key, NOMEM,
        CAPACITY, cl_wkey_mem),
    ROW(L_KMDF, "WdfRegistryOpenKey", s_kmdf_key, k_registry_open_key, NOMEM, 0, cl_wkey),
    ROW(L_KMDF, "WdfRegistryCreateKey", s_kmdf_key, k_registry_create_key, NOMEM, CAPACITY,
        cl_wkey), /* the key is made before the WDFKEY */
    ROW(L_KMDF, "WdfRegistryRemoveKey", s_kmdf_subkey, k_registry_remove_opened_key, NOMEM, 0,
        cl_subkey_wdf),
    ROW(L_KMDF, "WdfRegistryRemoveValue", s_kmdf_key, k_registry_remove_value, NOMEM, 0,
        cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryAssignULong", s_kmdf_key, k_registry_assign_ulong, NOMEM, 0,
        cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryAssignValue", s_kmdf_key, k_registry_assign_value, NOMEM, 0,
        cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryAssignUnicodeString", s_kmdf_key, k_registry_assign_unicode_string,
        NOMEM, 0, cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryAssignString", s_kmdf_key, k_registry_assign_string, NOMEM, 0,
        cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryAssignMemory", s_kmdf_key, k_registry_assign_memory, NOMEM, 0,
        cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryQueryULong", s_kmdf_key, k_registry_query_ulong, NOMEM, 0,
        cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryQueryValue", s_kmdf_key, k_registry_query_value, NOMEM, 0,
        cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryQueryMemory", s_kmdf_key, k_registry_query_memory, NOMEM, 0,
        cl_wkey_mem),
    ROW(L_KMDF, "WdfRegistryQueryUnicodeString", s_kmdf_key_text, k_registry_query_unicode_string,
        NOMEM, 0, cl_wkey_only),
    ROW(L_KMDF, "WdfRegistryQueryString", s_kmdf_key_text, k_registry_query_string, NOMEM, 0,
        cl_wkey_only),
    ROW(L_KMDF, "WdfDeviceAllocAndQueryProperty", s_kmdf, k_alloc_and_query_property, NOMEM, 0,
        cl_wdf),
    ROW(L_KMDF, "WdfDriverRetrieveVersionString", s_kmdf_string, k_driver_retrieve_version_string,
        NOMEM, 0, NULL),
    ROW(L_KMDF, "WdfPdoInitAllocate", s_kmdf_bus, k_pdo_init_allocate, NULL_STATUS, 0,
        cl_pdo_init),
    ROW(L_KMDF, "WdfPdoInitAssignDeviceID", s_kmdf_pdo_init_only, k_pdo_init_assign_device_id,
        NOMEM, 0, cl_init),
    ROW(L_KMDF, "WdfPdoInitAddHardwareID", s_kmdf_pdo_init_only, k_pdo_init_add_hardware_id,
        NOMEM, 0, cl_init),
    ROW(L_KMDF, "WdfPdoInitAddCompatibleID", s_kmdf_pdo_init_only, k_pdo_init_add_compatible_id,
        NOMEM, 0, cl_init),
    ROW(L_KMDF, "WdfPdoInitAssignInstanceID", s_kmdf_pdo_init_only, k_pdo_init_assign_instance_id,
        NOMEM, 0, cl_init),
    ROW(L_KMDF, "WdfPdoInitAddDeviceText", s_kmdf_pdo_init_only, k_pdo_init_add_device_text,
        NOMEM, 0, cl_init),
    ROW(L_KMDF, "WdfDeviceCreate(PDO)", s_kmdf_pdo_init, k_device_create_pdo, NOMEM, 0, cl_init),
    /* Absorbs: the child is enumerated in the call (device text is optional, as for
     * pnpsim_device_create). */
    ROW(L_KMDF, "WdfFdoAddStaticChild", s_kmdf_bus, k_add_static_child, NOMEM, ABSORBS, NULL),
    /* Absorbs: the child's identification drops optional device text (as for
     * WdfFdoAddStaticChild). The enumeration request the add makes (IoInvalidateDeviceRelations)
     * was dropped under OOM (found here); it is now spared, as Windows never loses it. */
    ROW(L_KMDF, "WdfChildListAddOrUpdateChildDescriptionAsPresent", s_kmdf_bus, k_child_list_add,
        NOMEM, ABSORBS, NULL),

    /* CfgMgr32 */
    ROW(L_CM, "CM_Get_Device_Interface_List_SizeW", s_nd, c_list_size_w, CR_NOMEM, 0, NULL),
    ROW(L_CM, "CM_Get_Device_Interface_List_SizeA", s_nd, c_list_size_a, CR_NOMEM, 0, NULL),
    ROW(L_CM, "CM_Get_Device_Interface_ListW", s_nd, c_list_w, CR_NOMEM, 0, NULL),
    ROW(L_CM, "CM_Get_Device_Interface_ListA", s_nd, c_list_a, CR_NOMEM, 0, NULL),
    ROW(L_CM, "CM_Get_Device_Interface_ListW(device)", s_nd, c_list_w_device, CR_NOMEM, 0, NULL),
    ROW(L_CM, "CM_Get_Device_Interface_PropertyW", s_nd, c_property_w, CR_NOMEM, 0, NULL),
    ROW(L_CM, "CM_Get_Device_Interface_Property_KeysW", s_nd, c_property_keys_w, CR_NOMEM, 0,
        NULL),
    ROW(L_CM, "CM_Locate_DevNodeW", s_nd, c_locate_devnode, CR_NOMEM, 0, NULL),
    ROW(L_CM, "CM_Get_Device_IDW", s_nd_devinst, c_get_device_id, CR_NOMEM, 0, NULL),
    ROW(L_CM, "CM_Register_Notification(interface)", s_nd, c_register_notification_iface,
        CR_NOMEM, 0, cl_cm),
    ROW(L_CM, "CM_Register_Notification(instance)", s_nd, c_register_notification_instance,
        CR_NOMEM, 0, cl_cm),
    ROW(L_CM, "CM_Register_Notification(handle)", s_nd_file, c_register_notification_handle,
        CR_NOMEM, 0, cl_cm_handle),
};

/* ---- the sweep --------------------------------------------------------------------------- */

/* Live internal allocations, not counting freed objects kept in quarantine (ob.c keeps
 * the memory of the last 64 freed device/file objects readable to report late use). */
static unsigned long live_allocations(pnpsim_system *sys)
{
    unsigned long n;
    pnpsim__mutex_lock(&sys->lock_alloc);
    n = sys->alloc_live;
    pnpsim__mutex_unlock(&sys->lock_alloc);
    for (size_t i = 0; i < sizeof(sys->ob_quarantine) / sizeof(sys->ob_quarantine[0]); i++)
        if (sys->ob_quarantine[i] != NULL)
            n--;
    return n;
}

static const char *status_text(NTSTATUS st, char *buf, size_t size)
{
    if (((ULONG)st & 0xFFFF0000u) == 0xE0CF0000u)
        snprintf(buf, size, "CONFIGRET 0x%lX", (unsigned long)((ULONG)st & 0xFFFFu));
    else
        snprintf(buf, size, "%s", pnpsim_status_name(st));
    return buf;
}

/* The handle table is allocated at the first handle and kept (capacity, not state). */
static void warm_handle_table(void)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    HANDLE h = NULL;
    RtlInitUnicodeString(&name, L"\\Registry\\Machine");
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    if (NT_SUCCESS(ZwOpenKey(&h, KEY_READ, &oa)))
        ZwClose(h);
}

typedef struct sweep_result {
    unsigned long points;   /* runs in which an injection fired */
    unsigned long failed;   /* ... and the call failed as documented */
    unsigned long absorbed; /* ... and the call succeeded (allowed rows only) */
} sweep_result;

/* One row, one allocation rule (count 1: the nth allocation fails; count 0: all from the
 * nth on). */
static sweep_result sweep_row(const entry *e, unsigned long count)
{
    sweep_result r = {0, 0, 0};
    unsigned long n;
    unsigned long from = 1;
    if (getenv("PNPSIM_OOM_FROM") != NULL)
        from = strtoul(getenv("PNPSIM_OOM_FROM"), NULL, 10);
    for (n = from != 0 ? from : 1; n <= MAX_RUNS; n++) {
        ctx c;
        char *before;
        unsigned long injected, live;
        NTSTATUS st;
        char a[64], b[64];
        memset(&c, 0, sizeof(c));
        c.sys = pnpsim_test_sweep_system("entry-oom");
        snprintf(c.dir, sizeof(c.dir), "%s", pnpsim_test_tmp_dir());
        st = e->setup(&c);
        if (st != STATUS_SUCCESS)
            fail_msg("entry %s: setup failed: %s (%s)", e->name, pnpsim_status_name(st),
                     pnpsim_last_error_message());
        /* The registry store is created on first use, and interface registrations are
         * written to it lazily, at the first look at ...\Control (both are caches of state
         * the system already has, not state a call adds): make both happen before
         * counting live allocations. */
        (void)pnpsim_registry_key_exists(
            c.sys, "\\Registry\\Machine\\System\\CurrentControlSet\\Control\\DeviceClasses");
        warm_handle_table();
        before = pnpsim_test_snapshot(c.sys);
        live = live_allocations(c.sys);
        injected = pnpsim_fault_injected(c.sys);
        pnpsim_fault_alloc(c.sys, n, count);
        st = e->call(&c);
        pnpsim_fault_clear(c.sys);
        injected = pnpsim_fault_injected(c.sys) - injected;
        if (injected == 0) {
            free(before);
            if (st != STATUS_SUCCESS)
                fail_msg("entry %s: the call without injection failed: %s (%s)", e->name,
                         status_text(st, a, sizeof(a)), pnpsim_last_error_message());
            if (e->cleanup != NULL)
                e->cleanup(&c, true);
            pnpsim_test_sweep_finish(c.sys, e->name, n);
            break;
        }
        r.points++;
        if (NT_SUCCESS(st)) {
            free(before);
            if (!(e->flags & ABSORBS))
                fail_msg("entry %s, allocation %lu (count %lu) failed: the call succeeded "
                         "anyway (%s)",
                         e->name, n, count, status_text(st, a, sizeof(a)));
            r.absorbed++;
            if (e->cleanup != NULL)
                e->cleanup(&c, true);
        } else {
            r.failed++;
            if (st != e->expect && !((e->flags & OR_NO_MEMORY) && st == STATUS_NO_MEMORY))
                fail_msg("entry %s, allocation %lu (count %lu) failed: returned %s, expected %s "
                         "(%s)",
                         e->name, n, count, status_text(st, a, sizeof(a)),
                         status_text(e->expect, b, sizeof(b)), pnpsim_last_error_message());
            if (c.bad != NULL)
                fail_msg("entry %s, allocation %lu (count %lu) failed: %s", e->name, n, count,
                         c.bad);
            if (live_allocations(c.sys) != live && !(e->flags & CAPACITY))
                fail_msg("entry %s, allocation %lu (count %lu) failed: %lu internal "
                         "allocation(s) live before, %lu after",
                         e->name, n, count, live, live_allocations(c.sys));
            pnpsim_test_assert_unchanged(c.sys, before);
            if (e->cleanup != NULL)
                e->cleanup(&c, false);
        }
        pnpsim_test_sweep_finish(c.sys, e->name, n);
    }
    if (n > MAX_RUNS)
        fail_msg("entry %s: still injecting after %d runs", e->name, MAX_RUNS);
    return r;
}

static unsigned long Totals[L_COUNT][2]; /* rows, injected failures per layer */

static void sweep_layer(int layer)
{
    unsigned long rows = 0, total = 0;
    for (size_t i = 0; i < sizeof(Entries) / sizeof(Entries[0]); i++) {
        const entry *e = &Entries[i];
        sweep_result one, all;
        if (e->layer != layer)
            continue;
        /* PNPSIM_OOM_ROW=name runs only that row (with PNPSIM_OOM_FROM and PNPSIM_TRACE to
         * replay one run). */
        if (getenv("PNPSIM_OOM_ROW") != NULL && strcmp(getenv("PNPSIM_OOM_ROW"), e->name) != 0)
            continue;
        one = sweep_row(e, 1);
        all = sweep_row(e, 0);
        print_message("entry %s: %lu allocation points (%lu absorbed; from-nth-on: %lu runs)\n",
                      e->name, one.points, one.absorbed, all.points);
        rows++;
        total += one.points + all.points;
    }
    print_message("entry-point sweep (%s): %lu entry points, %lu injected failures\n",
                  layer_names[layer], rows, total);
    Totals[layer][0] = rows;
    Totals[layer][1] = total;
}

static void test_entry_oom__native_entry_points_fail_cleanly(void **state)
{
    (void)state;
    sweep_layer(L_NATIVE);
}

static void test_entry_oom__wdk_entry_points_fail_cleanly(void **state)
{
    (void)state;
    sweep_layer(L_WDK);
}

static void test_entry_oom__kmdf_entry_points_fail_cleanly(void **state)
{
    (void)state;
    sweep_layer(L_KMDF);
}

static void test_entry_oom__cfgmgr32_entry_points_fail_cleanly(void **state)
{
    (void)state;
    sweep_layer(L_CM);
}

/* The total line (after the four layers have run). */
static void test_entry_oom__totals(void **state)
{
    unsigned long rows = 0, total = 0;
    (void)state;
    for (int l = 0; l < L_COUNT; l++) {
        rows += Totals[l][0];
        total += Totals[l][1];
    }
    print_message("entry-point sweep: %lu entry points, %lu injected failures\n", rows, total);
    assert_true(rows > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_oom__native_entry_points_fail_cleanly),
        cmocka_unit_test(test_entry_oom__wdk_entry_points_fail_cleanly),
        cmocka_unit_test(test_entry_oom__kmdf_entry_points_fail_cleanly),
        cmocka_unit_test(test_entry_oom__cfgmgr32_entry_points_fail_cleanly),
        cmocka_unit_test(test_entry_oom__totals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
