/* SPDX-License-Identifier: MIT */
/*
 * This file tests the trace: numbered records for device creation, PnP IRPs and state
 * changes, the callback and FILE sinks with their category masks, look-ups, and the names
 * of IRP major and minor functions.
 */
#include "pnpsim_test.h"

#include <stdio.h>
#include <string.h>

typedef struct collected {
    int count;
    int irp_events;
    unsigned long long last_seq;
    int ordered;
} collected;

static void collect(void *ctx, const pnpsim_trace_event *ev)
{
    collected *c = ctx;
    if (c->count > 0 && ev->seq != c->last_seq + 1)
        c->ordered = 0;
    c->last_seq = ev->seq;
    c->count++;
    if (ev->category == PNPSIM_TRACE_IRP)
        c->irp_events++;
}

static void test_trace__device_creation_is_narrated_with_query_ids(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    pnpsim_trace_event ev;
    size_t n;
    unsigned long long seq;
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\TRACED", "0", &dev));
    seq = pnpsim_trace_find(sys, PNPSIM_TRACE_IRP, "IRP_MN_QUERY_ID");
    assert_true(seq != 0);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_IRP, "IRP_MN_QUERY_CAPABILITIES") > seq);
    assert_true(pnpsim_trace_find(sys, PNPSIM_TRACE_DEVICE, "ROOT\\TRACED\\0 created") != 0);
    assert_int_equal(pnpsim_trace_find(sys, PNPSIM_TRACE_POOL, "IRP_MN_QUERY_ID"), 0);
    n = pnpsim_trace_count(sys);
    assert_true(n > 3);
    assert_true(pnpsim_trace_get(sys, n - 1, &ev));
    assert_non_null(ev.text);
    assert_false(pnpsim_trace_get(sys, n, &ev));
    pnpsim_trace_clear(sys);
    assert_int_equal(pnpsim_trace_count(sys), 0);
    assert_int_equal(pnpsim_trace_find(sys, -1, "IRP_MN_QUERY_ID"), 0);
}

static void test_trace__callback_sees_ordered_filtered_events(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    collected all = {0, 0, 0, 1}, irp_only = {0, 0, 0, 1};
    pnpsim_trace_set_callback(sys, collect, &all, PNPSIM_TRACE_ALL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\CB", "0", &dev));
    pnpsim_trace_set_callback(sys, collect, &irp_only, 1u << PNPSIM_TRACE_IRP);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\CB", "1", &dev));
    pnpsim_trace_set_callback(sys, NULL, NULL, 0);
    assert_true(all.count > 0);
    assert_true(all.ordered);
    assert_true(irp_only.count > 0);
    assert_int_equal(irp_only.count, irp_only.irp_events);
}

static void test_trace__file_sink_narrates(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *dev;
    char buf[8192];
    size_t n;
    FILE *f = tmpfile();
    assert_non_null(f);
    pnpsim_trace_to_file(sys, f, PNPSIM_TRACE_ALL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\FILE", "0", &dev));
    pnpsim_trace_to_file(sys, NULL, 0);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "IRP_MN_QUERY_ID"));
    assert_non_null(strstr(buf, "-> STATUS_SUCCESS"));
}

static void test_trace__irp_names(void **state)
{
    (void)state;
    assert_string_equal(pnpsim_trace_pnp_minor_name(IRP_MN_START_DEVICE), "IRP_MN_START_DEVICE");
    assert_string_equal(pnpsim_trace_pnp_minor_name(IRP_MN_SURPRISE_REMOVAL),
                        "IRP_MN_SURPRISE_REMOVAL");
    assert_string_equal(pnpsim_trace_pnp_minor_name(0x7F), "IRP_MN_(unknown)");
    assert_string_equal(pnpsim_trace_major_name(IRP_MJ_PNP), "IRP_MJ_PNP");
    assert_string_equal(pnpsim_trace_major_name(IRP_MJ_CREATE), "IRP_MJ_CREATE");
    assert_string_equal(pnpsim_trace_major_name(0x40), "IRP_MJ_(unknown)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_trace__device_creation_is_narrated_with_query_ids),
        PNPSIM_TEST(test_trace__callback_sees_ordered_filtered_events),
        PNPSIM_TEST(test_trace__file_sink_narrates),
        cmocka_unit_test(test_trace__irp_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
