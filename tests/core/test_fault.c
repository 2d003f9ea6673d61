/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of fault injection (include/pnpsim/fault.h): the
 * allocation rules (nth, every nth, seeded random), failing the nth call of a named DDI with
 * a chosen status, pool allocations by tag, and the invariant checker pnpsim_system_check
 * with the snapshot comparison of the test fixture. A driver written against the WDK
 * (tests/support/drivers/notifydev.c) has its error paths driven through the DDI rules.
 */
#include <string.h>

#include "pnpsim_test.h"
#include <pnpsim/verifier.h>
#include <wdmguid.h>

#include "drivers/notifydev.h"

/* White-box: the checker's negative tests corrupt internal structures on purpose. */
#include "../../src/core/pnpsim_int.h"

/* A class only these tests use. */
static const GUID GUID_DEVCLASS_NET_FOR_FAULT_TEST = {
    0x5f1c2b7a, 0x3e4d, 0x4c1b, {0x9a, 0x0e, 0x7d, 0x21, 0x6c, 0x55, 0x10, 0xf3}};

#define DEV_HWID "ROOT\\NOTIFYDEV"

static PDRIVER_OBJECT load_notifydev(pnpsim_system *sys)
{
    PDRIVER_OBJECT drv = NULL;
    notifydev_reset();
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_driver_load(sys, "notifydev", NotifydevDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, DEV_HWID, drv));
    return drv;
}

static size_t enabled_count(pnpsim_system *sys)
{
    pnpsim_iface_list *l = NULL;
    size_t n;
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_class(sys, &GUID_NOTIFYDEV_CLASS, 0, &l));
    n = l->count;
    pnpsim_iface_list_free(sys, l);
    return n;
}

/* ---- allocation rules ----------------------------------------------------------------- */

static void test_fault__alloc_every_nth_fails_each_nth_pool_allocation(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *p[9];
    int failed = 0;
    unsigned long before = pnpsim_fault_injected(sys);
    pnpsim_fault_alloc_every(sys, 3);
    for (int i = 0; i < 9; i++) {
        p[i] = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'tlfT');
        /* The 3rd, 6th and 9th allocation from arming fail. */
        if ((i + 1) % 3 == 0)
            assert_null(p[i]);
        else
            assert_non_null(p[i]);
        failed += p[i] == NULL;
    }
    pnpsim_fault_clear(sys);
    assert_int_equal(3, failed);
    assert_int_equal(before + 3, pnpsim_fault_injected(sys));
    for (int i = 0; i < 9; i++) {
        if (p[i] != NULL)
            ExFreePoolWithTag(p[i], 'tlfT');
    }
}

static void test_fault__alloc_every_zero_disarms(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *p;
    pnpsim_fault_alloc_every(sys, 1);
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'tlfT'));
    pnpsim_fault_alloc_every(sys, 0);
    p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'tlfT');
    assert_non_null(p);
    ExFreePoolWithTag(p, 'tlfT');
}

/* Run 64 allocations under a random rule; returns the failure pattern as bits. */
static unsigned long long random_pattern(pnpsim_system *sys, unsigned long long seed, double p)
{
    unsigned long long bits = 0;
    pnpsim_fault_alloc_random(sys, seed, p);
    for (int i = 0; i < 64; i++) {
        void *b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, 'dnaR');
        if (b == NULL)
            bits |= 1ULL << i;
        else
            ExFreePoolWithTag(b, 'dnaR');
    }
    pnpsim_fault_clear(sys);
    return bits;
}

static int popcount64(unsigned long long v)
{
    int n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

static void test_fault__alloc_random_is_deterministic_per_seed(void **state)
{
    pnpsim_system *sys = TSYS(state);
    unsigned long long a = random_pattern(sys, 42, 0.5);
    unsigned long long b = random_pattern(sys, 42, 0.5);
    unsigned long long c = random_pattern(sys, 43, 0.5);
    assert_true(a == b);
    assert_true(a != c);
    /* A fair coin over 64 draws lands well inside [8, 56]. */
    assert_true(popcount64(a) >= 8 && popcount64(a) <= 56);
    assert_true(random_pattern(sys, 42, 0.0) == 0);
    assert_true(random_pattern(sys, 42, 1.0) == ~0ULL);
    assert_true(random_pattern(sys, 42, 7.0) == ~0ULL); /* clamped */
}

static void test_fault__new_alloc_rule_replaces_the_previous(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *p;
    pnpsim_fault_alloc(sys, 1, 0); /* every allocation */
    pnpsim_fault_alloc_every(sys, 2);
    p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'tlfT'); /* 1st: succeeds now */
    assert_non_null(p);
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'tlfT'));
    pnpsim_fault_clear(sys);
    ExFreePoolWithTag(p, 'tlfT');
}

/* ---- pool tag rules ------------------------------------------------------------------- */

static void test_fault__pool_tag_fails_only_that_tag(void **state)
{
    pnpsim_system *sys = TSYS(state);
    void *a, *b, *c, *d;
    assert_nt_status(STATUS_SUCCESS, pnpsim_fault_pool_tag(sys, 'gaTx', 2, 1));
    a = ExAllocatePoolWithTag(NonPagedPoolNx, 8, 'gaTx'); /* 1st xTag */
    b = ExAllocatePoolZero(NonPagedPoolNx, 8, 'rhtO');    /* another tag */
    c = ExAllocatePool2(POOL_FLAG_PAGED, 8, 'gaTx');      /* 2nd xTag: fails */
    d = ExAllocatePool2(POOL_FLAG_PAGED, 8, 'gaTx');      /* 3rd: the rule is spent */
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_non_null(d);
    ExFreePoolWithTag(a, 'gaTx');
    ExFreePoolWithTag(b, 'rhtO');
    ExFreePoolWithTag(d, 'gaTx');
}

static void test_fault__pool_tag_bad_arguments(void **state)
{
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_fault_pool_tag(NULL, 'gaTx', 1, 1));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_fault_pool_tag(TSYS(state), 'gaTx', 0, 1));
}

/* ---- DDI rules ------------------------------------------------------------------------ */

static void test_fault__ddi_rule_bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char longname[80];
    memset(longname, 'A', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_fault_ddi(NULL, "IoCreateDevice", 1, 1, STATUS_NO_MEMORY));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_fault_ddi(sys, NULL, 1, 1, STATUS_NO_MEMORY));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_fault_ddi(sys, "", 1, 1, STATUS_NO_MEMORY));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_fault_ddi(sys, longname, 1, 1, STATUS_NO_MEMORY));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_fault_ddi(sys, "IoCreateDevice", 0, 1, STATUS_NO_MEMORY));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_fault_ddi(sys, "IoCreateDevice", 1, 1, STATUS_SUCCESS));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_fault_ddi(sys, "IoCreateDevice", 1, 1, STATUS_PENDING));
}

static void test_fault__ddi_rules_are_bounded(void **state)
{
    pnpsim_system *sys = TSYS(state);
    for (int i = 0; i < PNPSIM_FAULT_MAX_RULES; i++)
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_fault_ddi(sys, "NeverCalled", 1, 0, STATUS_UNSUCCESSFUL));
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     pnpsim_fault_ddi(sys, "NeverCalled", 1, 0, STATUS_UNSUCCESSFUL));
    pnpsim_fault_clear(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_fault_ddi(sys, "NeverCalled", 1, 1, STATUS_UNSUCCESSFUL));
    pnpsim_fault_clear(sys);
}

/* The brief's example: the 2nd IoRegisterDeviceInterface fails with
 * STATUS_INSUFFICIENT_RESOURCES; notifydev's AddDevice deletes its FDO and fails, so the
 * second device does not start and nothing is registered for it. */
static void test_fault__second_register_interface_fails_driver_unwinds(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = NULL, *d1 = NULL;
    unsigned long injected = pnpsim_fault_injected(sys);
    pnpsim_iface_list *l = NULL;
    char *before;
    load_notifydev(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "0", &d0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "1", &d1));
    assert_nt_status(STATUS_SUCCESS, pnpsim_fault_ddi(sys, "IoRegisterDeviceInterface", 2, 1,
                                                      STATUS_INSUFFICIENT_RESOURCES));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(d0));
    before = pnpsim_test_snapshot(sys);
    assert_true(pnpsim_device_start(d1) != STATUS_SUCCESS);
    assert_int_equal(injected + 1, pnpsim_fault_injected(sys));
    assert_int_equal(PNPSIM_DEVICE_STARTED, pnpsim_device_get_state(d0));
    assert_true(pnpsim_device_get_state(d1) != PNPSIM_DEVICE_STARTED);
    assert_nt_status(STATUS_SUCCESS, pnpsim_iface_list_device(sys, "ROOT\\NOTIFYDEV\\1", &l));
    assert_int_equal(0, l->count);
    pnpsim_iface_list_free(sys, l);
    assert_int_equal(1, enabled_count(sys));
    assert_system_check(sys);
    free(before);
}

static void test_fault__set_state_fault_leaves_interface_disabled(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = NULL;
    load_notifydev(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "0", &d0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_fault_ddi(sys, "IoSetDeviceInterfaceState", 1, 1,
                                                      STATUS_INSUFFICIENT_RESOURCES));
    /* notifydev treats a failed enable as "not enabled" and starts anyway. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(d0));
    assert_int_equal(0, enabled_count(sys));
    assert_system_check(sys);
}

static void test_fault__ddi_fault_returns_chosen_status_and_changes_nothing(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = NULL;
    UNICODE_STRING name = {0};
    char *before;
    NTSTATUS st;
    load_notifydev(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "0", &d0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(d0));
    before = pnpsim_test_snapshot(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_fault_ddi(sys, "IoRegisterDeviceInterface", 1, 1,
                                                      STATUS_DEVICE_NOT_READY));
    st = IoRegisterDeviceInterface(pnpsim_device_pdo(d0), &GUID_DEVCLASS_NET_FOR_FAULT_TEST,
                                   NULL, &name);
    assert_nt_status(STATUS_DEVICE_NOT_READY, st);
    assert_null(name.Buffer);
    assert_non_null(strstr(pnpsim_last_error_message(), "fault injected"));
    pnpsim_test_assert_unchanged(sys, before);
    /* The rule is spent: the next call works. */
    st = IoRegisterDeviceInterface(pnpsim_device_pdo(d0), &GUID_DEVCLASS_NET_FOR_FAULT_TEST,
                                   NULL, &name);
    if (st != STATUS_SUCCESS)
        fail_msg("%s", pnpsim_last_error_message());
    RtlFreeUnicodeString(&name);
}

static void test_fault__null_returning_ddis_return_null(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = NULL;
    PDEVICE_OBJECT pdo;
    PIRP irp;
    PIO_WORKITEM wi;
    load_notifydev(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "0", &d0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(d0));
    pdo = pnpsim_device_pdo(d0);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_fault_ddi(sys, "IoAllocateIrp", 1, 1, STATUS_INSUFFICIENT_RESOURCES));
    assert_nt_status(STATUS_SUCCESS, pnpsim_fault_ddi(sys, "IoAllocateWorkItem", 1, 1,
                                                      STATUS_INSUFFICIENT_RESOURCES));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_fault_ddi(sys, "ExAllocatePool2", 1, 1, STATUS_INSUFFICIENT_RESOURCES));
    assert_null(IoAllocateIrp(2, FALSE));
    assert_null(IoAllocateWorkItem(pdo));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, 8, 'tlfT'));
    irp = IoAllocateIrp(2, FALSE);
    assert_non_null(irp);
    IoFreeIrp(irp);
    wi = IoAllocateWorkItem(pdo);
    assert_non_null(wi);
    IoFreeWorkItem(wi);
    assert_system_check(sys);
}

static void test_fault__ddi_rule_with_count_zero_fails_every_call_until_cleared(void **state)
{
    pnpsim_system *sys = TSYS(state);
    PDRIVER_OBJECT drv = NULL;
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_fault_ddi(sys, "pnpsim_driver_load", 2, 0, STATUS_NO_MEMORY));
    notifydev_reset();
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "nd0", NotifydevDriverEntry, &drv));
    assert_nt_status(STATUS_NO_MEMORY, pnpsim_driver_load(sys, "nd1", NotifydevDriverEntry, &drv));
    assert_null(drv);
    assert_nt_status(STATUS_NO_MEMORY, pnpsim_driver_load(sys, "nd1", NotifydevDriverEntry, &drv));
    assert_null(pnpsim_driver_find(sys, "nd1"));
    pnpsim_fault_clear(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "nd1", NotifydevDriverEntry, &drv));
    assert_system_check(sys);
}

/* ---- the checker ---------------------------------------------------------------------- */

static void test_fault__check_is_clean_on_a_busy_system(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = NULL, *d1 = NULL;
    assert_system_check(sys);
    load_notifydev(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "0", &d0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "1", &d1));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(d0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(d1));
    assert_system_check(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_surprise_remove(d1));
    assert_system_check(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
    assert_system_check(sys);
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_system_check(NULL));
}

/* A broken cross-reference is named: corrupt a device node's level and its parent's child
 * list behind the simulator's back (the internal header, as a white-box test), check, and
 * restore. */
static void test_fault__check_names_the_broken_invariant(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = NULL;
    load_notifydev(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, DEV_HWID, "0", &d0));
    d0->level = 7;
    assert_nt_status(STATUS_INTERNAL_ERROR, pnpsim_system_check(sys));
    assert_non_null(strstr(pnpsim_last_error_message(), "level 7"));
    assert_non_null(strstr(pnpsim_last_error_message(), "ROOT\\NOTIFYDEV\\0"));
    d0->level = 1;
    RemoveEntryList(&d0->sibling_link);
    assert_nt_status(STATUS_INTERNAL_ERROR, pnpsim_system_check(sys));
    assert_non_null(strstr(pnpsim_last_error_message(), "not in its parent's child list"));
    InsertTailList(&d0->parent->children, &d0->sibling_link);
    assert_system_check(sys);
}

/* The query-interface ledger is walked too: an interface handed out and held is a clean
 * record; a broken link of the ledger's record list is named (the list head is the first
 * member of the ledger state, qi.c), and restored. */
static void test_fault__check_walks_the_query_interface_ledger(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = NULL;
    BUS_INTERFACE_STANDARD bus;
    LIST_ENTRY *entries, *saved;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\QICHECK", "0", &d0));
    memset(&bus, 0, sizeof(bus));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(d0, &GUID_BUS_INTERFACE_STANDARD,
                                                     sizeof(bus), 1, (PINTERFACE)&bus, NULL));
    assert_system_check(sys);
    entries = (LIST_ENTRY *)(void *)sys->qi;
    saved = entries->Flink->Blink;
    entries->Flink->Blink = entries->Flink; /* the first record no longer points back */
    assert_nt_status(STATUS_INTERNAL_ERROR, pnpsim_system_check(sys));
    assert_non_null(strstr(pnpsim_last_error_message(), "query-interface ledger"));
    entries->Flink->Blink = saved;
    assert_system_check(sys);
    bus.InterfaceDereference(bus.Context);
    assert_system_check(sys);
}

/* A driver's NextDevice chain carries back links (IoDeleteDevice unlinks through them in
 * constant time); a wrong one is named. */
static void test_fault__check_verifies_device_chain_back_links(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *d0 = NULL, *d1 = NULL;
    pnpsim__devobj *w;
    PDEVICE_OBJECT saved;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\CHAIN", "0", &d0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\CHAIN", "1", &d1));
    /* Both PDOs belong to the simulator's bus; d0's comes after d1's (newest first). */
    w = PNPSIM_DEVOBJ(pnpsim_device_pdo(d0));
    saved = w->prev_device;
    assert_ptr_equal(pnpsim_device_pdo(d1), saved);
    w->prev_device = NULL;
    assert_nt_status(STATUS_INTERNAL_ERROR, pnpsim_system_check(sys));
    assert_non_null(strstr(pnpsim_last_error_message(), "back link"));
    w->prev_device = saved;
    assert_system_check(sys);
    /* Deleting from the middle of the chain keeps it whole. */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(d1));
    assert_system_check(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_fault__alloc_every_nth_fails_each_nth_pool_allocation),
        PNPSIM_TEST(test_fault__alloc_every_zero_disarms),
        PNPSIM_TEST(test_fault__alloc_random_is_deterministic_per_seed),
        PNPSIM_TEST(test_fault__new_alloc_rule_replaces_the_previous),
        PNPSIM_TEST(test_fault__pool_tag_fails_only_that_tag),
        PNPSIM_TEST(test_fault__pool_tag_bad_arguments),
        PNPSIM_TEST(test_fault__ddi_rule_bad_arguments),
        PNPSIM_TEST(test_fault__ddi_rules_are_bounded),
        PNPSIM_TEST(test_fault__second_register_interface_fails_driver_unwinds),
        PNPSIM_TEST(test_fault__set_state_fault_leaves_interface_disabled),
        PNPSIM_TEST(test_fault__ddi_fault_returns_chosen_status_and_changes_nothing),
        PNPSIM_TEST(test_fault__null_returning_ddis_return_null),
        PNPSIM_TEST(test_fault__ddi_rule_with_count_zero_fails_every_call_until_cleared),
        PNPSIM_TEST(test_fault__check_is_clean_on_a_busy_system),
        PNPSIM_TEST(test_fault__check_names_the_broken_invariant),
        PNPSIM_TEST(test_fault__check_walks_the_query_interface_ledger),
        PNPSIM_TEST(test_fault__check_verifies_device_chain_back_links),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
