/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of bus enumeration: the simbus WDM bus driver (from
 * tests/support/drivers, compiled unchanged) runs on a root-enumerated device, plugs and
 * unplugs children with IoInvalidateDeviceRelations(BusRelations), and the simulated PnP
 * manager identifies, starts, surprise-removes and removes them as Windows does. Windows
 * behaviour is cited from windows-semantics.md §1 and the acceptance list of §13.
 */
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/verifier.h>

#include "drivers/drvlog.h"
#include "drivers/filter.h"
#include "drivers/pendfunc.h"
#include "drivers/simbus.h"

#define BUS_HWID "ROOT\\SIMBUS"
#define BUS_PATH "ROOT\\SIMBUS\\0"
#define CHILD_PATH "Wine\\Test\\1"

typedef struct bus_fixture {
    PDRIVER_OBJECT simbus;
    PDRIVER_OBJECT pendfunc;
    pnpsim_device *bus;
    PDEVICE_OBJECT fdo;
} bus_fixture;

/* Load simbus on ROOT\SIMBUS\0 and pendfunc as the children's function driver, and start
 * the bus. */
static void start_bus(pnpsim_system *sys, bus_fixture *b)
{
    PDEVICE_OBJECT attached;

    drvlog_reset();
    filter_reset();
    pendfunc_reset();
    simbus_reset();
    memset(b, 0, sizeof(*b));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "simbus", SimbusDriverEntry, &b->simbus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, BUS_HWID, b->simbus));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "pendfunc", PendfuncDriverEntry, &b->pendfunc));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "Wine\\Test", b->pendfunc));
    pendfunc_set_pend_start(FALSE);

    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, BUS_HWID, "0", &b->bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(b->bus));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(b->bus));
    b->fdo = simbus_last_fdo();
    assert_non_null(b->fdo);

    /* §13 item 8: after IoAttachDeviceToDeviceStack(fdo, pdo) the PDO's attached device
     * is the FDO. */
    attached = IoGetAttachedDeviceReference(pnpsim_device_pdo(b->bus));
    assert_ptr_equal(b->fdo, attached);
    ObDereferenceObject(attached);
    /* A started bus is asked for its children at once: it has none yet. */
    assert_true(simbus_fdo_minor_seen(IRP_MN_QUERY_DEVICE_RELATIONS) >= 1);
    assert_null(pnpsim_device_first_child(b->bus));
}

/* The last child of dev in report order, or NULL. */
static pnpsim_device *last_child(pnpsim_device *dev)
{
    pnpsim_device *c = pnpsim_device_first_child(dev), *last = NULL;
    for (; c != NULL; c = pnpsim_device_next_sibling(c))
        last = c;
    return last;
}

/* Plug a child by calling the driver's hook directly, then let the queued enumeration run
 * (a DDI called by test code waits for pnpsim_system_run_pending: DESIGN.md delivery). */
static pnpsim_device *plug(pnpsim_system *sys, bus_fixture *b, const WCHAR *devid,
                           const WCHAR *instance, BOOLEAN unique)
{
    assert_nt_status(STATUS_SUCCESS, simbus_plug_child(b->fdo, devid, instance, unique));
    assert_true(pnpsim_system_run_pending(sys) >= 1);
    return last_child(b->bus);
}

/* ---- plug -------------------------------------------------------------------------------- */

/* A reported child becomes a device node Wine\Test\1 (§1.2: device ID + '\' + instance ID,
 * bus case kept), identified with capabilities pre-filled exactly as §13 item 10 says,
 * started with NULL resource lists (§13 item 11), with its function driver on top
 * (§13 item 8). */
static void test_bus__plugged_child_is_enumerated_identified_and_started(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const SIMBUS_CHILD_RECORD *rec;
    const DEVICE_CAPABILITIES *caps;
    PDEVICE_OBJECT attached;
    pnpsim_device *child;
    bus_fixture b;
    int i;

    start_bus(sys, &b);
    assert_nt_status(STATUS_SUCCESS, simbus_plug_child(b.fdo, L"Wine\\Test", L"1", TRUE));
    assert_null(pnpsim_device_find(sys, CHILD_PATH));
    assert_true(pnpsim_system_pending_count(sys) >= 1);
    assert_true(pnpsim_system_run_pending(sys) >= 1);

    child = pnpsim_device_find(sys, CHILD_PATH);
    assert_non_null(child);
    assert_string_equal(CHILD_PATH, pnpsim_device_instance_path(child));
    assert_string_equal("Wine\\Test", pnpsim_device_id(child));
    assert_string_equal("1", pnpsim_device_instance_id(child));
    assert_ptr_equal(b.bus, pnpsim_device_parent(child));
    assert_ptr_equal(child, pnpsim_device_first_child(b.bus));
    assert_null(pnpsim_device_next_sibling(child));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(child));
    assert_int_equal(1, simbus_last_relations_count());

    rec = simbus_child_record(L"Wine\\Test", L"1");
    assert_non_null(rec);
    assert_ptr_equal(rec->Pdo, pnpsim_device_pdo(child));
    assert_false(rec->Deleted);
    assert_true(rec->Started);

    /* §13 item 10: the first IRP_MN_QUERY_CAPABILITIES arrives pre-filled. */
    assert_true(rec->CapabilitiesQueries >= 1);
    caps = &rec->CapabilitiesReceived;
    assert_int_equal(sizeof(DEVICE_CAPABILITIES), caps->Size);
    assert_int_equal(1, caps->Version);
    assert_int_equal(0xFFFFFFFFu, caps->Address);
    assert_int_equal(0xFFFFFFFFu, caps->UINumber);
    for (i = 0; i < POWER_SYSTEM_MAXIMUM; i++)
        assert_int_equal(PowerDeviceUnspecified, caps->DeviceState[i]);
    assert_int_equal(PowerSystemUnspecified, caps->SystemWake);
    assert_int_equal(PowerDeviceUnspecified, caps->DeviceWake);
    assert_int_equal(0, caps->D1Latency);
    assert_int_equal(0, caps->D2Latency);
    assert_int_equal(0, caps->D3Latency);
    assert_int_equal(0, caps->DeviceD1 | caps->DeviceD2 | caps->LockSupported |
                            caps->EjectSupported | caps->Removable | caps->DockDevice |
                            caps->UniqueID | caps->SilentInstall | caps->RawDeviceOK |
                            caps->SurpriseRemovalOK | caps->WakeFromD0 | caps->WakeFromD1 |
                            caps->WakeFromD2 | caps->WakeFromD3 | caps->HardwareDisabled |
                            caps->NonDynamic | caps->WarmEjectSupported | caps->NoDisplayInUI);

    /* §1.1: identification before AddDevice and START. */
    assert_true(rec->MinorSeen[IRP_MN_QUERY_ID] >= 2);
    assert_int_equal(1, rec->MinorSeen[IRP_MN_START_DEVICE]);
    assert_int_equal(IRP_MN_QUERY_ID, rec->Sequence[0]);

    /* §13 item 11: a resource-less child starts with both lists NULL. */
    assert_int_equal(1, rec->StartCount);
    assert_null(rec->StartAllocatedResources);
    assert_null(rec->StartAllocatedResourcesTranslated);

    /* §13 item 8 for the child: pendfunc's FDO is on top of the child's PDO. */
    assert_int_equal(1, pendfunc_add_device_count());
    assert_ptr_equal(pnpsim_device_pdo(child), drvlog_add_device_pdo(drvlog_add_device_count() - 1));
    attached = IoGetAttachedDeviceReference(pnpsim_device_pdo(child));
    assert_ptr_equal(pendfunc_last_fdo(), attached);
    ObDereferenceObject(attached);
    assert_int_equal(PendfuncStarted, pendfunc_current_state());
}

/* A child whose function driver pends START completes it from its work item during
 * enumeration (device.h: the PnP manager waits, letting queued work run). */
static void test_bus__child_with_pended_start_is_started(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *child;
    bus_fixture b;

    start_bus(sys, &b);
    pendfunc_set_pend_start(TRUE);
    child = plug(sys, &b, L"Wine\\Test", L"1", TRUE);
    assert_non_null(child);
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, pendfunc_start_workitems_run());
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(child));
}

/* UniqueID FALSE: the instance ID becomes <ParentIdPrefix>&<bus instance ID>; the prefix
 * is the parent's, non-empty and the same for siblings (§1.2; §13 item 4). */
static void test_bus__non_unique_children_get_parent_id_prefix(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *first, *second;
    const char *id1, *id2;
    size_t len1, len2;
    char path[256];
    bus_fixture b;

    start_bus(sys, &b);
    first = plug(sys, &b, L"Wine\\Test", L"1", FALSE);
    second = plug(sys, &b, L"Wine\\Test", L"2", FALSE);
    assert_non_null(first);
    assert_non_null(second);
    assert_ptr_not_equal(first, second);

    id1 = pnpsim_device_instance_id(first);
    id2 = pnpsim_device_instance_id(second);
    len1 = strlen(id1);
    len2 = strlen(id2);
    assert_true(len1 > 2 && len2 > 2);
    assert_string_equal("&1", id1 + len1 - 2);
    assert_string_equal("&2", id2 + len2 - 2);
    /* Same non-empty prefix for siblings. */
    assert_int_equal(len1, len2);
    assert_memory_equal(id1, id2, len1 - 2);
    assert_null(strchr(id1, '\\'));

    snprintf(path, sizeof(path), "Wine\\Test\\%s", id1);
    assert_string_equal(path, pnpsim_device_instance_path(first));
    assert_ptr_equal(first, pnpsim_device_find(sys, path));
    /* The bus-reported instance ID alone is not the instance path. */
    assert_null(pnpsim_device_find(sys, CHILD_PATH));
    assert_int_equal(2, simbus_last_relations_count());
    assert_ptr_equal(first, pnpsim_device_first_child(b.bus));
    assert_ptr_equal(second, pnpsim_device_next_sibling(first));
}

/* ---- unplug ------------------------------------------------------------------------------ */

/* A child dropped from BusRelations gets exactly one IRP_MN_SURPRISE_REMOVAL, no
 * QUERY_REMOVE / CANCEL_REMOVE, and no REMOVE while a handle is open (§1.3; §13 item 13).
 * After the handle closes REMOVE follows, and the bus driver deletes the PDO it no longer
 * reports ("Removing a Device in a Bus Driver"). */
static void test_bus__unplugged_child_surprise_removed_then_removed_after_close(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const SIMBUS_CHILD_RECORD *rec;
    PFILE_OBJECT file = NULL;
    pnpsim_device *child;
    bus_fixture b;

    start_bus(sys, &b);
    child = plug(sys, &b, L"Wine\\Test", L"1", TRUE);
    assert_non_null(child);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_open(child, NULL, &file));
    assert_non_null(file);

    assert_nt_status(STATUS_SUCCESS, simbus_unplug_child(b.fdo, L"1"));
    pnpsim_system_run_pending(sys);
    rec = simbus_child_record(L"Wine\\Test", L"1");
    assert_non_null(rec);
    assert_int_equal(0, simbus_last_relations_count());
    assert_int_equal(1, rec->MinorSeen[IRP_MN_SURPRISE_REMOVAL]);
    assert_int_equal(0, rec->MinorSeen[IRP_MN_QUERY_REMOVE_DEVICE]);
    assert_int_equal(0, rec->MinorSeen[IRP_MN_CANCEL_REMOVE_DEVICE]);
    assert_int_equal(0, rec->MinorSeen[IRP_MN_REMOVE_DEVICE]);
    assert_false(rec->Deleted);
    assert_int_equal(1, pendfunc_minor_seen(IRP_MN_SURPRISE_REMOVAL));
    assert_int_equal(0, pendfunc_minor_seen(IRP_MN_REMOVE_DEVICE));
    assert_int_equal(PNPSIM_DEVICE_SURPRISE_REMOVED, pnpsim_device_get_state(child));

    /* Another enumeration does not surprise-remove it twice. */
    IoInvalidateDeviceRelations(pnpsim_device_pdo(b.bus), BusRelations);
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, rec->MinorSeen[IRP_MN_SURPRISE_REMOVAL]);

    ObDereferenceObject(file);
    pnpsim_system_run_pending(sys);
    assert_int_equal(1, rec->MinorSeen[IRP_MN_SURPRISE_REMOVAL]);
    assert_int_equal(1, rec->MinorSeen[IRP_MN_REMOVE_DEVICE]);
    assert_int_equal(0, rec->MinorSeen[IRP_MN_QUERY_REMOVE_DEVICE]);
    assert_true(rec->Deleted);
    assert_int_equal(1, pendfunc_minor_seen(IRP_MN_REMOVE_DEVICE));
    assert_null(pnpsim_device_find(sys, CHILD_PATH));
    assert_null(pnpsim_device_first_child(b.bus));
    /* The bus itself is untouched. */
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(b.bus));
    assert_int_equal(0, simbus_fdo_minor_seen(IRP_MN_SURPRISE_REMOVAL));
}

/* Unplug then plug again: the same instance path comes back as a new device node. */
static void test_bus__replugged_child_comes_back(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *child;
    bus_fixture b;

    start_bus(sys, &b);
    child = plug(sys, &b, L"Wine\\Test", L"1", TRUE);
    assert_non_null(child);
    assert_nt_status(STATUS_SUCCESS, simbus_unplug_child(b.fdo, L"1"));
    pnpsim_system_run_pending(sys);
    assert_null(pnpsim_device_find(sys, CHILD_PATH));
    child = plug(sys, &b, L"Wine\\Test", L"1", TRUE);
    assert_non_null(child);
    assert_ptr_equal(child, pnpsim_device_find(sys, CHILD_PATH));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(child));
    assert_int_equal(2, pendfunc_add_device_count());
}

/* Orderly removal of the bus removes its children first (§1.3: children before their
 * parent); the bus driver deletes its remaining PDOs on its own REMOVE; both drivers
 * unload when their last device goes. */
static void test_bus__removing_bus_removes_children_first(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const SIMBUS_CHILD_RECORD *rec;
    pnpsim_device *child;
    bus_fixture b;

    start_bus(sys, &b);
    child = plug(sys, &b, L"Wine\\Test", L"1", TRUE);
    assert_non_null(child);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b.bus));
    rec = simbus_child_record(L"Wine\\Test", L"1");
    assert_int_equal(1, rec->MinorSeen[IRP_MN_QUERY_REMOVE_DEVICE]);
    assert_int_equal(1, rec->MinorSeen[IRP_MN_REMOVE_DEVICE]);
    assert_int_equal(0, rec->MinorSeen[IRP_MN_SURPRISE_REMOVAL]);
    assert_true(rec->Deleted);
    assert_int_equal(1, simbus_fdo_minor_seen(IRP_MN_REMOVE_DEVICE));
    assert_int_equal(1, pendfunc_minor_seen(IRP_MN_REMOVE_DEVICE));
    assert_int_equal(PNPSIM_DEVICE_REMOVED, pnpsim_device_get_state(b.bus));
    assert_null(pnpsim_device_find(sys, CHILD_PATH));
    assert_int_equal(1, pendfunc_unload_count());
    assert_int_equal(1, simbus_unload_count());
}

/* A veto by the child's driver vetoes the removal of its parent (device.h: QUERY_REMOVE
 * goes to children first; a failure cancels it everywhere). */
static void test_bus__child_veto_blocks_bus_removal(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const SIMBUS_CHILD_RECORD *rec;
    pnpsim_device *child;
    bus_fixture b;

    start_bus(sys, &b);
    child = plug(sys, &b, L"Wine\\Test", L"1", TRUE);
    assert_non_null(child);
    pendfunc_set_query_remove_veto(STATUS_DEVICE_BUSY);
    assert_nt_status(STATUS_DEVICE_BUSY, pnpsim_device_remove(b.bus));
    rec = simbus_child_record(L"Wine\\Test", L"1");
    assert_int_equal(0, rec->MinorSeen[IRP_MN_REMOVE_DEVICE]);
    assert_int_equal(1, pendfunc_minor_seen(IRP_MN_CANCEL_REMOVE_DEVICE));
    assert_int_equal(0, simbus_fdo_minor_seen(IRP_MN_REMOVE_DEVICE));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(b.bus));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(child));
    pendfunc_set_query_remove_veto(STATUS_SUCCESS);
}

/* ---- delivery modes ---------------------------------------------------------------------- */

/* MANUAL delivery: the enumeration IoInvalidateDeviceRelations queued waits for
 * pnpsim_system_run_pending (§13 item 12: the call returns without enumerating). */
static void test_bus__manual_delivery_enumerates_only_in_run_pending(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;
    const SIMBUS_CHILD_RECORD *rec;

    start_bus(sys, &b);
    pnpsim_system_run_pending(sys);
    assert_int_equal(0, pnpsim_system_pending_count(sys));
    assert_nt_status(STATUS_SUCCESS, simbus_plug_child(b.fdo, L"Wine\\Test", L"1", TRUE));
    assert_int_equal(1, pnpsim_system_pending_count(sys));
    assert_null(pnpsim_device_find(sys, CHILD_PATH));
    rec = simbus_child_record(L"Wine\\Test", L"1");
    assert_non_null(rec);
    assert_int_equal(0, rec->SequenceLength); /* no IRP has reached the new PDO yet */
    assert_true(pnpsim_system_run_pending(sys) >= 1);
    assert_non_null(pnpsim_device_find(sys, CHILD_PATH));
    assert_int_equal(0, pnpsim_system_pending_count(sys));
}

/* ---- misbehaving bus ----------------------------------------------------------------------- */

/* A bus reporting an ID with an illegal character (here a space) crashes Windows with bug
 * check 0xCA, parameter 1 = 0x3 (§1.2; Bug Check 0xCA PNP_DETECTED_FATAL_ERROR). */
static void test_bus__illegal_character_in_child_id_bugchecks_0xca_3(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;

    ((pnpsim_test_fixture *)*state)->allow_pool_leaks = 1; /* the crash strands pool */
    start_bus(sys, &b);
    assert_nt_status(STATUS_SUCCESS, simbus_plug_child(b.fdo, L"Wine\\Bad Id", L"1", TRUE));
    PNPSIM_EXPECT_BUGCHECK(sys, PNP_DETECTED_FATAL_ERROR, pnpsim_system_run_pending(sys));
    assert_int_equal(PNP_DETECTED_FATAL_ERROR, pnpsim_bugcheck_last_caught()->code);
    assert_int_equal(0x3, pnpsim_bugcheck_last_caught()->parameters[0]);
    /* The machine would be down; here the test tidies up: removing the bus lets simbus
     * delete the PDO the PnP manager refused, so the driver can unload cleanly. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b.bus));
    assert_true(simbus_child_record(L"Wine\\Bad Id", L"1")->Deleted);
}

/* The driver's own hooks check their arguments. */
static void test_bus__hooks_reject_bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    bus_fixture b;

    start_bus(sys, &b);
    assert_nt_status(STATUS_INVALID_PARAMETER, simbus_plug_child(NULL, L"Wine\\Test", L"1", TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, simbus_plug_child(b.fdo, NULL, L"1", TRUE));
    assert_nt_status(STATUS_INVALID_PARAMETER, simbus_plug_child(b.fdo, L"Wine\\Test", NULL, TRUE));
    assert_nt_status(STATUS_NO_SUCH_DEVICE, simbus_unplug_child(b.fdo, L"9"));
    assert_int_equal(0, pnpsim_system_pending_count(sys));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_bus__plugged_child_is_enumerated_identified_and_started),
        PNPSIM_TEST(test_bus__child_with_pended_start_is_started),
        PNPSIM_TEST(test_bus__non_unique_children_get_parent_id_prefix),
        PNPSIM_TEST(test_bus__unplugged_child_surprise_removed_then_removed_after_close),
        PNPSIM_TEST(test_bus__replugged_child_comes_back),
        PNPSIM_TEST(test_bus__removing_bus_removes_children_first),
        PNPSIM_TEST(test_bus__child_veto_blocks_bus_removal),
        PNPSIM_TEST_MANUAL(test_bus__manual_delivery_enumerates_only_in_run_pending),
        PNPSIM_TEST(test_bus__illegal_character_in_child_id_bugchecks_0xca_3),
        PNPSIM_TEST(test_bus__hooks_reject_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
