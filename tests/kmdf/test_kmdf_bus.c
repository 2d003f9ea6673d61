/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of KMDF bus drivers: the kmdf_bus test driver (a KMDF bus
 * driver shaped like the toaster bus samples) with static children (WdfFdoAddStaticChild)
 * and a dynamic default child list, the PnP answers the framework gives for its PDOs, scans
 * and iterations, raw PDOs, parent removal, and the misuse the framework bug checks on.
 * Sources: Microsoft Learn "Dynamic Enumeration", "Static Enumeration", "Creating Device
 * Objects in a Bus Driver", "Power-Down and Removal Sequence for a Bus Driver", the pages of
 * each Wdf* method named in a test, and windows-semantics.md §10-§11.
 */
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/fault.h>
#include <pnpsim/verifier.h>

#include "drivers/kmdf_bus.h"
#include "drivers/pendfunc.h"

typedef struct bus_fixture {
    pnpsim_system *sys;
    PDRIVER_OBJECT bus, func;
    pnpsim_device *busdev;
    WDFDEVICE fdo;
    WDFCHILDLIST list;
} bus_fixture;

/* Load kmdf_bus on ROOT\KMDFBUS\0 (statics static children) and, unless raw, pendfunc (a
 * WDM function driver) on the children's hardware ID; start the bus. */
static void start_bus_ex(pnpsim_system *sys, bus_fixture *b, ULONG statics, bool bind_func)
{
    memset(b, 0, sizeof(*b));
    b->sys = sys;
    kmdf_bus_reset();
    pendfunc_reset();
    pendfunc_set_pend_start(FALSE);
    kmdf_bus_set_static_children(statics);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "kmdfbus", KmdfBusDriverEntry, &b->bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, KMDF_BUS_HARDWARE_ID, b->bus));
    if (bind_func) {
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_driver_load(sys, "pendfunc", PendfuncDriverEntry, &b->func));
        assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, KMDF_BUS_CHILD_DEVICE_ID_A, b->func));
    }
}

static void start_bus(pnpsim_system *sys, bus_fixture *b, ULONG statics)
{
    start_bus_ex(sys, b, statics, true);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, KMDF_BUS_HARDWARE_ID, "0", &b->busdev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(b->busdev));
    pnpsim_system_run_pending(sys);
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(b->busdev));
    b->fdo = kmdf_bus_last_fdo();
    assert_non_null(b->fdo);
    b->list = kmdf_bus_child_list();
    assert_non_null(b->list);
}

static pnpsim_device *child(pnpsim_system *sys, ULONG serial)
{
    char path[64];
    snprintf(path, sizeof(path), "KMDFBUS\\Child\\%lu", (unsigned long)serial);
    return pnpsim_device_find(sys, path);
}

static ULONG child_count(pnpsim_device *bus)
{
    ULONG n = 0;
    for (pnpsim_device *c = pnpsim_device_first_child(bus); c != NULL;
         c = pnpsim_device_next_sibling(c))
        if (pnpsim_device_get_state(c) != PNPSIM_DEVICE_DELETED)
            n++;
    return n;
}

static void describe(KMDF_BUS_IDENTIFICATION_DESCRIPTION *d, ULONG serial)
{
    WDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER_INIT(&d->Header, sizeof(*d));
    d->SerialNo = serial;
    d->Name = NULL;
}

/* ---- sending a PnP IRP to a PDO, as the PnP manager does -------------------------------- */

typedef struct pnp_result {
    NTSTATUS status;
    ULONG_PTR information;
} pnp_result;

static NTSTATUS NTAPI pnp_done(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    pnp_result *r = Context;
    (void)DeviceObject;
    r->status = Irp->IoStatus.Status;
    r->information = Irp->IoStatus.Information;
    IoFreeIrp(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static pnp_result send_pnp(PDEVICE_OBJECT pdo, const IO_STACK_LOCATION *params)
{
    pnp_result r = {STATUS_PENDING, 0};
    PIRP irp = IoAllocateIrp(pdo->StackSize, FALSE);
    PIO_STACK_LOCATION sp;
    assert_non_null(irp);
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    irp->IoStatus.Information = 0;
    sp = IoGetNextIrpStackLocation(irp);
    *sp = *params;
    sp->MajorFunction = IRP_MJ_PNP;
    IoSetCompletionRoutine(irp, pnp_done, &r, TRUE, TRUE, TRUE);
    (void)IoCallDriver(pdo, irp);
    assert_int_not_equal(STATUS_PENDING, r.status);
    return r;
}

static pnp_result query_id(PDEVICE_OBJECT pdo, BUS_QUERY_ID_TYPE type)
{
    IO_STACK_LOCATION sp;
    memset(&sp, 0, sizeof(sp));
    sp.MinorFunction = IRP_MN_QUERY_ID;
    sp.Parameters.QueryId.IdType = type;
    return send_pnp(pdo, &sp);
}

static pnp_result query_text(PDEVICE_OBJECT pdo, DEVICE_TEXT_TYPE type, LCID locale)
{
    IO_STACK_LOCATION sp;
    memset(&sp, 0, sizeof(sp));
    sp.MinorFunction = IRP_MN_QUERY_DEVICE_TEXT;
    sp.Parameters.QueryDeviceText.DeviceTextType = type;
    sp.Parameters.QueryDeviceText.LocaleId = locale;
    return send_pnp(pdo, &sp);
}

/* Compare a pool answer with an ASCII string (then free the answer). */
static void assert_wide(const char *expected, pnp_result r)
{
    const WCHAR *w = (const WCHAR *)r.information;
    size_t i;
    assert_nt_status(STATUS_SUCCESS, r.status);
    assert_non_null(w);
    for (i = 0; expected[i] != '\0'; i++)
        assert_int_equal((WCHAR)expected[i], w[i]);
    assert_int_equal(0, w[i]);
    ExFreePool((PVOID)w);
}

/* A MULTI_SZ with one string. */
static void assert_multi_one(const char *expected, pnp_result r)
{
    const WCHAR *w = (const WCHAR *)r.information;
    size_t n = strlen(expected);
    assert_nt_status(STATUS_SUCCESS, r.status);
    assert_non_null(w);
    for (size_t i = 0; i < n; i++)
        assert_int_equal((WCHAR)expected[i], w[i]);
    assert_int_equal(0, w[n]);
    assert_int_equal(0, w[n + 1]);
    ExFreePool((PVOID)w);
}

/* ---- static children ------------------------------------------------------------------- */

/* "Static Enumeration": children added with WdfFdoAddStaticChild in EvtDriverDeviceAdd are
 * reported at the first BusRelations; the PnP manager identifies them from the IDs, text
 * and capabilities the driver set on the PDO init ("WdfPdoInitAssignDeviceID",
 * "...AddHardwareID", "...AddDeviceText", "WdfDeviceSetPnpCapabilities"). */
static void test_kmdf_bus__static_children_are_enumerated_with_their_ids(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;
    pnpsim_device *c1, *c2;
    PDEVICE_OBJECT pdo;

    start_bus(sys, &b, 2);
    assert_int_equal(2, child_count(b.busdev));
    c1 = child(sys, 1);
    c2 = child(sys, 2);
    assert_non_null(c1);
    assert_non_null(c2);
    assert_ptr_equal(b.busdev, pnpsim_device_parent(c1));
    assert_ptr_equal(c1, pnpsim_device_first_child(b.busdev)); /* report order */
    assert_string_equal("KMDFBUS\\Child", pnpsim_device_id(c1));
    assert_string_equal("1", pnpsim_device_instance_id(c1)); /* UniqueID: no prefix (§1.2) */
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(c1));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(c2));
    assert_true(kmdf_bus_child_record(1)->Static);
    assert_int_equal(0, kmdf_bus_child_record(1)->CreateDeviceCalls);

    pdo = pnpsim_device_pdo(c1);
    assert_ptr_equal(WdfDeviceWdmGetDeviceObject(kmdf_bus_child_record(1)->Pdo), pdo);
    assert_ptr_equal(b.fdo, WdfPdoGetParent(kmdf_bus_child_record(1)->Pdo));
    assert_wide("KMDFBUS\\Child", query_id(pdo, BusQueryDeviceID));
    assert_wide("1", query_id(pdo, BusQueryInstanceID));
    assert_multi_one("KMDFBUS\\Child", query_id(pdo, BusQueryHardwareIDs));
    assert_multi_one("KMDFBUS\\Compatible", query_id(pdo, BusQueryCompatibleIDs));
    assert_wide("{2f6a41c8-0b3d-4e7a-91c5-6d8e0f1a2b3c}", query_id(pdo, BusQueryContainerID));
    /* An ID type the driver has no answer for: the status it came with. */
    assert_nt_status(STATUS_NOT_SUPPORTED, query_id(pdo, (BUS_QUERY_ID_TYPE)99).status);
}

/* "WdfPdoInitAddDeviceText" / "WdfPdoInitSetDefaultLocale": the text of the asked locale,
 * else the default locale's; a location the driver did not give stays unanswered. */
static void test_kmdf_bus__device_text_is_answered_per_locale_with_the_default(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;
    PDEVICE_OBJECT pdo;

    start_bus(sys, &b, 1);
    pdo = pnpsim_device_pdo(child(sys, 1));
    assert_wide("KMDF bus child 1", query_text(pdo, DeviceTextDescription, 0x409));
    assert_wide("KMDF bus slot 1", query_text(pdo, DeviceTextLocationInformation, 0x409));
    assert_wide("KMDF-Bus-Kind 1", query_text(pdo, DeviceTextDescription, 0x407));
    assert_nt_status(STATUS_NOT_SUPPORTED,
                     query_text(pdo, DeviceTextLocationInformation, 0x407).status);
    /* Japanese was not given: the default locale (en-US) answers. */
    assert_wide("KMDF bus child 1", query_text(pdo, DeviceTextDescription, 0x411));
}

/* IRP_MN_QUERY_CAPABILITIES on a KMDF PDO: WdfDeviceSetPnpCapabilities values override the
 * pre-filled structure, WdfUseDefault leaves it ("WDF_DEVICE_PNP_CAPABILITIES"); the
 * framework maps S0 to D0 and the sleep states to D3 by default. */
static void test_kmdf_bus__capabilities_carry_the_drivers_values(void **state)
{
    pnpsim_system *sys = TSYS(state);
    DEVICE_CAPABILITIES caps;
    IO_STACK_LOCATION sp;
    bus_fixture b;
    pnp_result r;

    start_bus(sys, &b, 1);
    memset(&caps, 0, sizeof(caps));
    caps.Size = sizeof(caps);
    caps.Version = 1;
    caps.Address = caps.UINumber = 0xFFFFFFFF;
    memset(&sp, 0, sizeof(sp));
    sp.MinorFunction = IRP_MN_QUERY_CAPABILITIES;
    sp.Parameters.DeviceCapabilities.Capabilities = &caps;
    r = send_pnp(pnpsim_device_pdo(child(sys, 1)), &sp);
    assert_nt_status(STATUS_SUCCESS, r.status);
    assert_int_equal(1, caps.Removable);
    assert_int_equal(1, caps.EjectSupported);
    assert_int_equal(1, caps.SurpriseRemovalOK);
    assert_int_equal(1, caps.UniqueID);
    assert_int_equal(0, caps.LockSupported); /* WdfUseDefault: left as pre-filled */
    assert_int_equal(0, caps.RawDeviceOK);
    assert_int_equal(1, caps.Address);
    assert_int_equal(1, caps.UINumber);
    assert_int_equal(PowerDeviceD0, caps.DeviceState[PowerSystemWorking]);
    assert_int_equal(PowerDeviceD3, caps.DeviceState[PowerSystemSleeping3]);

    /* A wrong Version is refused, as bus drivers do. */
    caps.Version = 2;
    assert_nt_status(STATUS_UNSUCCESSFUL, send_pnp(pnpsim_device_pdo(child(sys, 1)), &sp).status);
}

/* "WdfPdoMarkMissing" on a static child: the next BusRelations leaves it out, the PnP
 * manager removes it, EvtDeviceReportedMissing runs and the framework deletes the PDO. */
static void test_kmdf_bus__static_child_marked_missing_is_removed_and_deleted(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;

    start_bus(sys, &b, 2);
    assert_nt_status(STATUS_SUCCESS, WdfPdoMarkMissing(kmdf_bus_child_record(2)->Pdo));
    assert_true(pnpsim_system_pending_count(sys) >= 1); /* IoInvalidateDeviceRelations */
    pnpsim_system_run_pending(sys);
    assert_null(child(sys, 2));
    assert_non_null(child(sys, 1));
    assert_int_equal(1, kmdf_bus_child_record(2)->ReportedMissing);
    assert_int_equal(1, kmdf_bus_child_record(2)->ContextCleanups);
    assert_int_equal(0, kmdf_bus_child_record(1)->ContextCleanups);
    assert_int_equal(1, child_count(b.busdev));
}

/* "WdfFdoAddStaticChild" after start tells the PnP manager at once; under
 * WdfFdoLockStaticChildListForIteration only at the unlock. WdfFdoRetrieveNextStaticChild
 * walks the children with the flags of WDF_RETRIEVE_CHILD_FLAGS. */
static void test_kmdf_bus__static_child_added_after_start_is_reported_at_unlock(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;
    WDFDEVICE c;

    start_bus(sys, &b, 1);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_add_static_child(5));
    assert_true(pnpsim_system_pending_count(sys) >= 1);
    pnpsim_system_run_pending(sys);
    assert_non_null(child(sys, 5));

    WdfFdoLockStaticChildListForIteration(b.fdo);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_add_static_child(6));
    assert_int_equal(0, pnpsim_system_pending_count(sys));
    c = WdfFdoRetrieveNextStaticChild(b.fdo, NULL, WdfRetrievePresentChildren);
    assert_ptr_equal(kmdf_bus_child_record(1)->Pdo, c);
    c = WdfFdoRetrieveNextStaticChild(b.fdo, c, WdfRetrievePresentChildren);
    assert_ptr_equal(kmdf_bus_child_record(5)->Pdo, c);
    assert_null(WdfFdoRetrieveNextStaticChild(b.fdo, c, WdfRetrievePresentChildren));
    /* 6 is added but not yet reported: pending. */
    assert_ptr_equal(kmdf_bus_child_record(6)->Pdo,
                     WdfFdoRetrieveNextStaticChild(b.fdo, NULL, WdfRetrievePendingChildren));
    WdfFdoUnlockStaticChildListFromIteration(b.fdo);
    assert_true(pnpsim_system_pending_count(sys) >= 1);
    pnpsim_system_run_pending(sys);
    assert_non_null(child(sys, 6));
    assert_int_equal(3, child_count(b.busdev));

    /* Adding the same PDO twice. */
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS,
                     WdfFdoAddStaticChild(b.fdo, kmdf_bus_child_record(6)->Pdo));
    /* Retrieving outside the lock is a framework verifier error. */
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfFdoRetrieveNextStaticChild(b.fdo, NULL, 1));
    assert_int_equal(PNPSIM_WDF_WRONG_STATE, pnpsim_bugcheck_last_caught()->parameters[0]);
}

/* ---- dynamic children ------------------------------------------------------------------ */

/* "Dynamic Enumeration": a description added as present is reported; the framework calls
 * EvtChildListCreateDevice once for it; unplugged (UpdateChildDescriptionAsMissing) it is
 * no longer reported, the PnP manager surprise-removes and removes it, and the framework
 * deletes the PDO at its REMOVE ("Power-Down and Removal Sequence for a Bus Driver"): the
 * context cleanup runs and the description's cleanup callback frees what Duplicate made. */
static void test_kmdf_bus__dynamic_plug_and_unplug(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const KMDF_BUS_CHILD_RECORD *rec;
    KMDF_BUS_IDENTIFICATION_DESCRIPTION d;
    WDF_CHILD_RETRIEVE_INFO info;
    KMDF_BUS_DESCRIPTION_STATS st;
    bus_fixture b;
    pnpsim_device *c;

    start_bus(sys, &b, 0);
    assert_int_equal(0, child_count(b.busdev));
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(7));
    assert_true(pnpsim_system_pending_count(sys) >= 1);
    pnpsim_system_run_pending(sys);
    c = child(sys, 7);
    assert_non_null(c);
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(c));
    rec = kmdf_bus_child_record(7);
    assert_non_null(rec);
    assert_false(rec->Static);
    assert_int_equal(1, rec->CreateDeviceCalls);
    st = kmdf_bus_description_stats();
    assert_int_equal(1, st.Duplicates); /* the framework's own copy of the description */

    /* Another enumeration does not create it again. */
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(8));
    pnpsim_system_run_pending(sys);
    assert_int_equal(2, child_count(b.busdev));
    assert_int_equal(1, kmdf_bus_child_record(7)->CreateDeviceCalls);

    describe(&d, 7);
    WDF_CHILD_RETRIEVE_INFO_INIT(&info, &d.Header);
    assert_ptr_equal(rec->Pdo, WdfChildListRetrievePdo(b.list, &info));
    assert_int_equal(WdfChildListRetrieveDeviceSuccess, info.Status);
    assert_ptr_equal(b.fdo, WdfChildListGetDevice(b.list));
    assert_ptr_equal(b.list, WdfFdoGetDefaultChildList(b.fdo));

    assert_nt_status(STATUS_SUCCESS, kmdf_bus_unplug(7));
    pnpsim_system_run_pending(sys);
    assert_null(child(sys, 7));
    assert_int_equal(PNPSIM_DEVICE_DELETED, pnpsim_device_get_state(c));
    assert_int_equal(1, rec->ContextCleanups);
    assert_int_equal(1, rec->ReportedMissing);
    st = kmdf_bus_description_stats();
    assert_int_equal(1, st.Cleanups);
    WDF_CHILD_RETRIEVE_INFO_INIT(&info, &d.Header);
    assert_null(WdfChildListRetrievePdo(b.list, &info));
    assert_int_equal(WdfChildListRetrieveDeviceNoSuchDevice, info.Status);
    assert_int_equal(1, child_count(b.busdev));

    /* Plugged again: a new PDO. */
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(7));
    pnpsim_system_run_pending(sys);
    assert_non_null(child(sys, 7));
    assert_ptr_not_equal(rec, kmdf_bus_child_record(7));
    assert_int_equal(1, kmdf_bus_child_record(7)->CreateDeviceCalls);
}

/* "WdfChildListAddOrUpdateChildDescriptionAsPresent": an equal description already present
 * (by EvtChildListIdentificationDescriptionCompare) returns STATUS_OBJECT_NAME_EXISTS;
 * one child. "WdfChildListUpdateChildDescriptionAsMissing": STATUS_NO_SUCH_DEVICE when no
 * present child has the description. */
static void test_kmdf_bus__add_twice_is_object_name_exists_and_one_child(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;
    ULONG compares;

    start_bus(sys, &b, 0);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(3));
    compares = kmdf_bus_description_stats().Compares;
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS, kmdf_bus_plug(3));
    assert_true(kmdf_bus_description_stats().Compares > compares);
    assert_int_equal(1, kmdf_bus_description_stats().Duplicates);
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, child_count(b.busdev));
    assert_int_equal(1, kmdf_bus_child_record(3)->CreateDeviceCalls);

    assert_nt_status(STATUS_NO_SUCH_DEVICE, kmdf_bus_unplug(4));
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_unplug(3));
    assert_nt_status(STATUS_NO_SUCH_DEVICE, kmdf_bus_unplug(3));
    pnpsim_system_run_pending(sys);
    assert_int_equal(0, child_count(b.busdev));
}

/* "WdfChildListBeginScan" / "WdfChildListEndScan": children not reported during the scan
 * are marked missing at EndScan, and the PnP manager hears of the changes only then. */
static void test_kmdf_bus__scan_marks_unreported_children_missing_at_end(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KMDF_BUS_IDENTIFICATION_DESCRIPTION d;
    bus_fixture b;

    start_bus(sys, &b, 0);
    /* EndScan without BeginScan is a verifier error. */
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfChildListEndScan(b.list));
    assert_int_equal(PNPSIM_WDF_WRONG_STATE, pnpsim_bugcheck_last_caught()->parameters[0]);

    for (ULONG s = 1; s <= 3; s++)
        assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(s));
    pnpsim_system_run_pending(sys);
    assert_int_equal(3, child_count(b.busdev));

    WdfChildListBeginScan(b.list);
    describe(&d, 1);
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS,
                     WdfChildListAddOrUpdateChildDescriptionAsPresent(b.list, &d.Header, NULL));
    describe(&d, 4);
    assert_nt_status(STATUS_SUCCESS,
                     WdfChildListAddOrUpdateChildDescriptionAsPresent(b.list, &d.Header, NULL));
    describe(&d, 3);
    assert_nt_status(STATUS_OBJECT_NAME_EXISTS,
                     WdfChildListAddOrUpdateChildDescriptionAsPresent(b.list, &d.Header, NULL));
    assert_int_equal(0, pnpsim_system_pending_count(sys)); /* nothing told before EndScan */
    WdfChildListEndScan(b.list);
    assert_true(pnpsim_system_pending_count(sys) >= 1);
    pnpsim_system_run_pending(sys);
    assert_non_null(child(sys, 1));
    assert_null(child(sys, 2));
    assert_non_null(child(sys, 3));
    assert_non_null(child(sys, 4));
    assert_int_equal(1, kmdf_bus_child_record(2)->ContextCleanups);
    /* A caught bug check skips the teardown's removals: remove the bus here. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b.busdev));
}

/* EvtChildListScanForChildren: "the framework calls it each time the parent device enters
 * its working (D0) state"; what the scan reports is enumerated. */
static void test_kmdf_bus__scan_callback_reports_children_when_the_bus_starts(void **state)
{
    pnpsim_system *sys = TSYS(state);
    static const ULONG serials[] = {11, 12};
    bus_fixture b;

    start_bus_ex(sys, &b, 0, true);
    kmdf_bus_set_scan_serials(serials, 2);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, KMDF_BUS_HARDWARE_ID, "0", &b.busdev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(b.busdev));
    pnpsim_system_run_pending(sys);
    assert_true(kmdf_bus_description_stats().Scans >= 1);
    assert_non_null(child(sys, 11));
    assert_non_null(child(sys, 12));
    assert_int_equal(2, child_count(b.busdev));
}

/* "WdfChildListRetrieveNextDevice": STATUS_INVALID_DEVICE_STATE without BeginIteration,
 * STATUS_INFO_LENGTH_MISMATCH for a wrong iterator Size, STATUS_NO_MORE_ENTRIES at the end
 * (Info->Status NoSuchDevice); a pending child has no device yet (NotYetCreated); changes
 * made during the iteration reach the PnP manager at EndIteration. */
static void test_kmdf_bus__iteration_statuses(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KMDF_BUS_IDENTIFICATION_DESCRIPTION d;
    WDF_CHILD_LIST_ITERATOR it;
    WDF_CHILD_RETRIEVE_INFO info;
    WDFDEVICE dev = (WDFDEVICE)1;
    bus_fixture b;
    ULONG seen = 0;

    start_bus(sys, &b, 0);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(1));
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(2));
    pnpsim_system_run_pending(sys);

    WDF_CHILD_LIST_ITERATOR_INIT(&it, WdfRetrievePresentChildren);
    assert_nt_status(STATUS_INVALID_DEVICE_STATE,
                     WdfChildListRetrieveNextDevice(b.list, &it, &dev, NULL));
    assert_null(dev);

    WdfChildListBeginIteration(b.list, &it);
    describe(&d, 0);
    WDF_CHILD_RETRIEVE_INFO_INIT(&info, &d.Header);
    while (NT_SUCCESS(WdfChildListRetrieveNextDevice(b.list, &it, &dev, &info))) {
        assert_non_null(dev);
        assert_int_equal(WdfChildListRetrieveDeviceSuccess, info.Status);
        assert_ptr_equal(kmdf_bus_child_record(d.SerialNo)->Pdo, dev);
        seen++;
    }
    assert_int_equal(2, seen);
    assert_nt_status(STATUS_NO_MORE_ENTRIES,
                     WdfChildListRetrieveNextDevice(b.list, &it, &dev, &info));
    assert_int_equal(WdfChildListRetrieveDeviceNoSuchDevice, info.Status);
    assert_null(dev);

    /* A child added during the iteration waits for EndIteration. */
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(3));
    assert_int_equal(0, pnpsim_system_pending_count(sys));
    it.Size = sizeof(it) - 1;
    assert_nt_status(STATUS_INFO_LENGTH_MISMATCH,
                     WdfChildListRetrieveNextDevice(b.list, &it, &dev, NULL));
    it.Size = sizeof(it);
    info.Size = 3;
    assert_nt_status(STATUS_INFO_LENGTH_MISMATCH,
                     WdfChildListRetrieveNextDevice(b.list, &it, &dev, &info));
    WdfChildListEndIteration(b.list, &it);
    assert_true(pnpsim_system_pending_count(sys) >= 1);

    /* Before the PnP manager asked, 3 is pending: no device yet. */
    WDF_CHILD_LIST_ITERATOR_INIT(&it, WdfRetrievePendingChildren);
    WdfChildListBeginIteration(b.list, &it);
    describe(&d, 0);
    WDF_CHILD_RETRIEVE_INFO_INIT(&info, &d.Header);
    assert_nt_status(STATUS_SUCCESS, WdfChildListRetrieveNextDevice(b.list, &it, &dev, &info));
    assert_null(dev);
    assert_int_equal(3, d.SerialNo);
    assert_int_equal(WdfChildListRetrieveDeviceNotYetCreated, info.Status);
    assert_nt_status(STATUS_NO_MORE_ENTRIES, WdfChildListRetrieveNextDevice(b.list, &it, &dev, NULL));
    WdfChildListEndIteration(b.list, &it);

    pnpsim_system_run_pending(sys);
    assert_non_null(child(sys, 3));

    /* Bad flags. */
    WDF_CHILD_LIST_ITERATOR_INIT(&it, 0);
    WdfChildListBeginIteration(b.list, &it);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfChildListRetrieveNextDevice(b.list, &it, &dev, NULL));
    WdfChildListEndIteration(b.list, &it);
}

/* "WdfPdoInitAssignRawDevice": a raw PDO starts without a function driver (RawDeviceOK). */
static void test_kmdf_bus__raw_child_starts_without_a_function_driver(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;
    pnpsim_device *c;

    start_bus_ex(sys, &b, 0, false);
    kmdf_bus_set_raw_children(TRUE);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, KMDF_BUS_HARDWARE_ID, "0", &b.busdev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(b.busdev));
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(9));
    pnpsim_system_run_pending(sys);
    c = child(sys, 9);
    assert_non_null(c);
    assert_true(kmdf_bus_child_record(9)->Raw);
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(c));
    assert_ptr_equal(pnpsim_device_pdo(c), pnpsim_device_top(c)); /* no driver above */
}

/* The description callbacks: Duplicate makes the framework's copy (pool the driver frees
 * in Cleanup: the fixture's leak check proves it ran), Copy serves
 * WdfPdoRetrieveIdentificationDescription, Compare finds equal descriptions. */
static void test_kmdf_bus__description_callbacks_copy_compare_cleanup(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KMDF_BUS_IDENTIFICATION_DESCRIPTION d;
    KMDF_BUS_DESCRIPTION_STATS st;
    bus_fixture b;
    ULONG copies;

    start_bus(sys, &b, 1);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(4));
    pnpsim_system_run_pending(sys);
    copies = kmdf_bus_description_stats().Copies;
    describe(&d, 0);
    assert_nt_status(STATUS_SUCCESS,
                     WdfPdoRetrieveIdentificationDescription(kmdf_bus_child_record(4)->Pdo, &d.Header));
    assert_int_equal(4, d.SerialNo);
    assert_non_null(d.Name); /* the framework's copy, duplicated into pool */
    assert_int_equal(copies + 1, kmdf_bus_description_stats().Copies);
    /* A static child has no description. */
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     WdfPdoRetrieveIdentificationDescription(kmdf_bus_child_record(1)->Pdo, &d.Header));
    /* Wrong size. */
    d.Header.IdentificationDescriptionSize = 4;
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     WdfPdoRetrieveIdentificationDescription(kmdf_bus_child_record(4)->Pdo, &d.Header));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     WdfChildListAddOrUpdateChildDescriptionAsPresent(b.list, &d.Header, NULL));
    /* No address descriptions in this list. */
    describe(&d, 4);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     WdfPdoRetrieveAddressDescription(kmdf_bus_child_record(4)->Pdo,
                                                      (PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER)&d.Header));
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     WdfChildListAddOrUpdateChildDescriptionAsPresent(
                         b.list, &d.Header, (PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER)&d.Header));

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b.busdev));
    st = kmdf_bus_description_stats();
    assert_int_equal(st.Duplicates, st.Cleanups);
}

/* "WdfPdoRequestEject": the PnP manager ejects the child (query-remove, remove,
 * IRP_MN_EJECT); EvtDeviceEject runs, KMDF then marks the child missing, and since its
 * device node is gone the framework deletes the PDO at the next BusRelations. */
static void test_kmdf_bus__ejected_child_is_deleted(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const KMDF_BUS_CHILD_RECORD *rec;
    bus_fixture b;

    start_bus(sys, &b, 0);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(4));
    pnpsim_system_run_pending(sys);
    rec = kmdf_bus_child_record(4);
    WdfPdoRequestEject(rec->Pdo);
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, rec->Ejects);
    assert_null(child(sys, 4));
    assert_int_equal(1, rec->ContextCleanups);
    assert_int_equal(1, kmdf_bus_description_stats().Cleanups);
    assert_nt_status(STATUS_NO_SUCH_DEVICE, kmdf_bus_unplug(4));
}

/* A child removed while still present keeps its PDO; unplugged later, the PnP manager
 * sends IRP_MN_REMOVE_DEVICE again and the framework deletes the PDO then ("Removing a
 * Device in a Bus Driver"). */
static void test_kmdf_bus__child_removed_then_unplugged_is_deleted_at_the_second_remove(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const KMDF_BUS_CHILD_RECORD *rec;
    pnpsim_device *c;
    bus_fixture b;

    start_bus(sys, &b, 0);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(6));
    pnpsim_system_run_pending(sys);
    c = child(sys, 6);
    rec = kmdf_bus_child_record(6);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(c));
    assert_int_equal(0, rec->ContextCleanups);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_unplug(6));
    pnpsim_system_run_pending(sys);
    assert_int_equal(PNPSIM_DEVICE_DELETED, pnpsim_device_get_state(c));
    assert_int_equal(1, rec->ContextCleanups);
    assert_int_equal(1, kmdf_bus_description_stats().Cleanups);
}

/* Every internal allocation failing in turn while a child is plugged and enumerated: each
 * attempt either fails cleanly or enumerates the child; the system stays consistent and
 * the teardown finds no leak. */
static void test_kmdf_bus__plug_survives_each_allocation_failing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;
    ULONG serial = 100;

    start_bus(sys, &b, 0);
    /* When the bus runs out of memory building BusRelations it fails the IRP, and the
     * framework completes it (a failure passed down would be Verifier 0xC9/0x215). */
    for (unsigned long n = 1; n <= 400; n++, serial++) {
        unsigned long injected = pnpsim_fault_injected(sys);
        NTSTATUS status;
        pnpsim_fault_alloc(sys, n, 1);
        status = kmdf_bus_plug(serial);
        pnpsim_system_run_pending(sys);
        pnpsim_fault_clear(sys);
        if (pnpsim_fault_injected(sys) == injected) {
            /* Nothing failed any more: every allocation point was tried. */
            assert_nt_status(STATUS_SUCCESS, status);
            assert_non_null(child(sys, serial));
            break;
        }
        assert_true(status == STATUS_SUCCESS || status == STATUS_INSUFFICIENT_RESOURCES);
        if (status == STATUS_SUCCESS && child(sys, serial) == NULL) {
            /* The enumeration failed: asking again reports it. */
            IoInvalidateDeviceRelations(pnpsim_device_pdo(b.busdev), BusRelations);
            pnpsim_system_run_pending(sys);
        }
        assert_system_check(sys);
    }
    /* Every description the framework kept is cleaned up with the bus (the names the
     * driver's Duplicate allocated are pool: the fixture's leak check proves it). */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b.busdev));
    assert_int_equal(0, child_count(b.busdev));
}

/* Parent removal: the PnP manager removes the children first; the framework then deletes
 * every PDO it still has (present ones survive their own REMOVE until then) and frees the
 * descriptions; the FDO goes last. */
static void test_kmdf_bus__parent_removal_removes_every_child_first(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *c1, *c5;
    bus_fixture b;

    start_bus(sys, &b, 1);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(5));
    pnpsim_system_run_pending(sys);
    c1 = child(sys, 1);
    c5 = child(sys, 5);
    assert_non_null(c1);
    assert_non_null(c5);

    /* A present child's PDO survives its own REMOVE (it can be started again). */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(c5));
    assert_int_equal(PNPSIM_DEVICE_REMOVED, pnpsim_device_get_state(c5));
    assert_int_equal(0, kmdf_bus_child_record(5)->ContextCleanups);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(c5));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(c5));

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b.busdev));
    /* Both children's stacks got IRP_MN_REMOVE_DEVICE (their function driver saw it: 5
     * twice) before the parent's PDOs went; the child device nodes are gone. */
    assert_int_equal(3, pendfunc_minor_seen(IRP_MN_REMOVE_DEVICE));
    assert_int_equal(PNPSIM_DEVICE_DELETED, pnpsim_device_get_state(c1));
    assert_int_equal(PNPSIM_DEVICE_DELETED, pnpsim_device_get_state(c5));
    assert_int_equal(1, kmdf_bus_child_record(1)->ContextCleanups);
    assert_int_equal(1, kmdf_bus_child_record(5)->ContextCleanups);
    assert_int_equal(1, kmdf_bus_fdo_cleanup_count());
    assert_int_equal(kmdf_bus_description_stats().Duplicates,
                     kmdf_bus_description_stats().Cleanups);
}

/* Surprise removal of the bus takes the children with it. */
static void test_kmdf_bus__surprise_removal_of_the_bus_deletes_children(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;

    start_bus(sys, &b, 1);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(2));
    pnpsim_system_run_pending(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(b.busdev));
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, kmdf_bus_child_record(1)->ContextCleanups);
    assert_int_equal(1, kmdf_bus_child_record(2)->ContextCleanups);
    assert_int_equal(1, kmdf_bus_fdo_cleanup_count());
}

/* ---- misuse ---------------------------------------------------------------------------- */

/* "Bug Check 0x10D WDF_VIOLATION": a NULL handle is parameter 1 = 0x4, a handle of the
 * wrong type 0x5 (windows-semantics.md §11; KMDF's handle validation). */
static void test_kmdf_bus__wrong_and_null_handles_bugcheck_wdf_violation(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KMDF_BUS_IDENTIFICATION_DESCRIPTION d;
    WDF_CHILD_LIST_ITERATOR it;
    bus_fixture b;

    start_bus(sys, &b, 1);
    describe(&d, 1);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfChildListBeginScan((WDFCHILDLIST)b.fdo));
    assert_int_equal(WDF_INVALID_HANDLE, pnpsim_bugcheck_last_caught()->parameters[0]);
    assert_int_equal((ULONG_PTR)b.fdo, pnpsim_bugcheck_last_caught()->parameters[1]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION,
                           WdfChildListAddOrUpdateChildDescriptionAsPresent((WDFCHILDLIST)b.fdo,
                                                                            &d.Header, NULL));
    assert_int_equal(WDF_INVALID_HANDLE, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfFdoGetDefaultChildList((WDFDEVICE)b.list));
    assert_int_equal(WDF_INVALID_HANDLE, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfPdoGetParent((WDFDEVICE)b.list));
    assert_int_equal(WDF_INVALID_HANDLE, pnpsim_bugcheck_last_caught()->parameters[0]);

    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION,
                           WdfChildListUpdateChildDescriptionAsMissing(NULL, &d.Header));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfPdoMarkMissing(NULL));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfPdoInitAllocate(NULL));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION,
                           WdfChildListAddOrUpdateChildDescriptionAsPresent(b.list, NULL, NULL));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfChildListBeginIteration(b.list, NULL));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    WDF_CHILD_LIST_ITERATOR_INIT(&it, WdfRetrieveAllChildren);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfChildListRetrieveNextDevice(b.list, &it, NULL, NULL));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);

    /* An FDO is not a PDO; a PDO cannot be a parent. */
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfPdoMarkMissing(b.fdo));
    assert_int_equal(PNPSIM_WDF_WRONG_STATE, pnpsim_bugcheck_last_caught()->parameters[0]);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfPdoInitAllocate(kmdf_bus_child_record(1)->Pdo));
    assert_int_equal(PNPSIM_WDF_WRONG_STATE, pnpsim_bugcheck_last_caught()->parameters[0]);
}

/* KmdfIrql: WdfPdoInitAllocate is PASSIVE_LEVEL only ("WdfPdoInitAllocate"); the child
 * list methods run up to DISPATCH_LEVEL ("WdfChildListBeginScan"). */
static void test_kmdf_bus__irql_rules(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;
    KIRQL old;

    start_bus(sys, &b, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfPdoInitAllocate(b.fdo));
    assert_int_equal(PNPSIM_WDF_IRQL_TOO_HIGH, pnpsim_bugcheck_last_caught()->parameters[0]);
    assert_int_equal(DISPATCH_LEVEL, pnpsim_bugcheck_last_caught()->parameters[1]);
    WdfChildListBeginScan(b.list);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(1));
    WdfChildListEndScan(b.list);
    KeLowerIrql(old);
    pnpsim_system_run_pending(sys);
    assert_non_null(child(sys, 1));
    /* A caught bug check skips the teardown's removals: remove the bus here. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b.busdev));
}

static NTSTATUS unused_create(WDFCHILDLIST ChildList,
                              PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER Description,
                              PWDFDEVICE_INIT ChildInit)
{
    (void)ChildList;
    (void)Description;
    (void)ChildInit;
    return STATUS_UNSUCCESSFUL;
}

/* "WdfChildListCreate": STATUS_INFO_LENGTH_MISMATCH for a wrong Config Size,
 * STATUS_INVALID_PARAMETER without EvtChildListCreateDevice or with a description size
 * below its header; a second list's children are reported with the default list's. */
static void test_kmdf_bus__child_list_create_validates_its_config(void **state)
{
    pnpsim_system *sys = TSYS(state);
    KMDF_BUS_IDENTIFICATION_DESCRIPTION d;
    WDF_CHILD_LIST_CONFIG cfg;
    WDFCHILDLIST list = (WDFCHILDLIST)1;
    bus_fixture b;

    start_bus(sys, &b, 0);
    WDF_CHILD_LIST_CONFIG_INIT(&cfg, sizeof(KMDF_BUS_IDENTIFICATION_DESCRIPTION), unused_create);
    cfg.Size -= 1;
    assert_nt_status(STATUS_INFO_LENGTH_MISMATCH, WdfChildListCreate(b.fdo, &cfg, NULL, &list));
    assert_null(list);
    WDF_CHILD_LIST_CONFIG_INIT(&cfg, sizeof(KMDF_BUS_IDENTIFICATION_DESCRIPTION), NULL);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfChildListCreate(b.fdo, &cfg, NULL, &list));
    WDF_CHILD_LIST_CONFIG_INIT(&cfg, 2, unused_create);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfChildListCreate(b.fdo, &cfg, NULL, &list));
    /* A PDO does not report children. */
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_add_static_child(1));
    WDF_CHILD_LIST_CONFIG_INIT(&cfg, sizeof(KMDF_BUS_IDENTIFICATION_DESCRIPTION), unused_create);
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST,
                     WdfChildListCreate(kmdf_bus_child_record(1)->Pdo, &cfg, NULL, &list));

    /* A second list: its child's creation fails, so nothing is reported, and the
     * description is dropped. */
    assert_nt_status(STATUS_SUCCESS, WdfChildListCreate(b.fdo, &cfg, NULL, &list));
    assert_non_null(list);
    pnpsim_system_run_pending(sys);
    describe(&d, 42);
    assert_nt_status(STATUS_SUCCESS,
                     WdfChildListAddOrUpdateChildDescriptionAsPresent(list, &d.Header, NULL));
    pnpsim_system_run_pending(sys);
    assert_null(child(sys, 42));
    assert_nt_status(STATUS_NO_SUCH_DEVICE, WdfChildListUpdateChildDescriptionAsMissing(list, &d.Header));
    assert_int_equal(1, child_count(b.busdev));
}

/* The PDO init methods: malformed strings are STATUS_INVALID_PARAMETER; WdfDeviceCreate of
 * a PDO without a device ID fails (the init stays the driver's: WdfDeviceInitFree). */
static void test_kmdf_bus__pdo_init_rejects_bad_strings_and_a_missing_device_id(void **state)
{
    pnpsim_system *sys = TSYS(state);
    UNICODE_STRING s;
    PWDFDEVICE_INIT init;
    WDFDEVICE dev = NULL;
    WCHAR text[] = L"abc";
    bus_fixture b;

    start_bus(sys, &b, 0);
    init = WdfPdoInitAllocate(b.fdo);
    assert_non_null(init);
    s.Buffer = text;
    s.Length = 3; /* odd */
    s.MaximumLength = sizeof(text);
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfPdoInitAssignDeviceID(init, &s));
    s.Length = 8;
    s.MaximumLength = 6; /* Length > MaximumLength */
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfPdoInitAddHardwareID(init, &s));
    s.Buffer = NULL;
    s.Length = s.MaximumLength = 2;
    assert_nt_status(STATUS_INVALID_PARAMETER, WdfPdoInitAssignInstanceID(init, &s));
    PNPSIM_EXPECT_BUGCHECK(sys, WDF_VIOLATION, WdfPdoInitAddCompatibleID(init, NULL));
    assert_int_equal(WDF_REQUIRED_PARAMETER_IS_NULL, pnpsim_bugcheck_last_caught()->parameters[0]);
    RtlInitUnicodeString(&s, L"Only text");
    assert_nt_status(STATUS_SUCCESS, WdfPdoInitAddDeviceText(init, &s, NULL, 0x409));
    assert_nt_status(STATUS_SUCCESS, WdfPdoInitAddDeviceText(init, &s, &s, 0x409)); /* replaces */
    assert_nt_status(STATUS_INVALID_DEVICE_REQUEST, WdfDeviceCreate(&init, NULL, &dev));
    assert_null(dev);
    assert_non_null(init);
    WdfDeviceInitFree(init);
}

/* Out of memory: WdfPdoInitAllocate failing leaves no child; WdfDeviceCreate failing
 * inside EvtChildListCreateDevice means the child is not reported and its description is
 * dropped; the bus stays consistent and the same child can be plugged again. */
static void test_kmdf_bus__out_of_memory_leaves_the_bus_consistent(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;

    start_bus(sys, &b, 0);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_fault_ddi(sys, "WdfPdoInitAllocate", 1, 1, STATUS_INSUFFICIENT_RESOURCES));
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, kmdf_bus_add_static_child(1));
    pnpsim_system_run_pending(sys);
    assert_int_equal(0, child_count(b.busdev));

    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_fault_ddi(sys, "WdfDeviceCreate", 1, 1, STATUS_INSUFFICIENT_RESOURCES));
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(5));
    pnpsim_system_run_pending(sys);
    assert_null(child(sys, 5));
    assert_int_equal(1, kmdf_bus_description_stats().Cleanups);
    assert_int_equal(0, child_count(b.busdev));

    /* The driver's callback failing is the same. */
    kmdf_bus_fail_next_create(STATUS_DEVICE_NOT_READY);
    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(5));
    pnpsim_system_run_pending(sys);
    assert_null(child(sys, 5));

    assert_nt_status(STATUS_SUCCESS, kmdf_bus_plug(5));
    pnpsim_system_run_pending(sys);
    assert_non_null(child(sys, 5));
    assert_int_equal(1, child_count(b.busdev));

    /* A failed description duplicate (pool) fails the add and adds nothing. */
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_fault_ddi(sys, "WdfChildListAddOrUpdateChildDescriptionAsPresent",
                                      1, 1, STATUS_INSUFFICIENT_RESOURCES));
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, kmdf_bus_plug(6));
    assert_nt_status(STATUS_NO_SUCH_DEVICE, kmdf_bus_unplug(6));
    assert_system_check(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_kmdf_bus__static_children_are_enumerated_with_their_ids),
        PNPSIM_TEST(test_kmdf_bus__device_text_is_answered_per_locale_with_the_default),
        PNPSIM_TEST(test_kmdf_bus__capabilities_carry_the_drivers_values),
        PNPSIM_TEST(test_kmdf_bus__static_child_marked_missing_is_removed_and_deleted),
        PNPSIM_TEST(test_kmdf_bus__static_child_added_after_start_is_reported_at_unlock),
        PNPSIM_TEST(test_kmdf_bus__dynamic_plug_and_unplug),
        PNPSIM_TEST(test_kmdf_bus__add_twice_is_object_name_exists_and_one_child),
        PNPSIM_TEST(test_kmdf_bus__scan_marks_unreported_children_missing_at_end),
        PNPSIM_TEST(test_kmdf_bus__scan_callback_reports_children_when_the_bus_starts),
        PNPSIM_TEST(test_kmdf_bus__iteration_statuses),
        PNPSIM_TEST(test_kmdf_bus__raw_child_starts_without_a_function_driver),
        PNPSIM_TEST(test_kmdf_bus__description_callbacks_copy_compare_cleanup),
        PNPSIM_TEST(test_kmdf_bus__ejected_child_is_deleted),
        PNPSIM_TEST(test_kmdf_bus__child_removed_then_unplugged_is_deleted_at_the_second_remove),
        PNPSIM_TEST(test_kmdf_bus__plug_survives_each_allocation_failing),
        PNPSIM_TEST(test_kmdf_bus__parent_removal_removes_every_child_first),
        PNPSIM_TEST(test_kmdf_bus__surprise_removal_of_the_bus_deletes_children),
        PNPSIM_TEST(test_kmdf_bus__wrong_and_null_handles_bugcheck_wdf_violation),
        PNPSIM_TEST(test_kmdf_bus__irql_rules),
        PNPSIM_TEST(test_kmdf_bus__child_list_create_validates_its_config),
        PNPSIM_TEST(test_kmdf_bus__pdo_init_rejects_bad_strings_and_a_missing_device_id),
        PNPSIM_TEST(test_kmdf_bus__out_of_memory_leaves_the_bus_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
