/* SPDX-License-Identifier: MIT */
/*
 * This file tests the trace: numbered records for device creation, PnP IRPs and state
 * changes, the callback and FILE sinks with their category masks, look-ups, and the names
 * of IRP major and minor functions.
 */
#include "pnpsim_test.h"

#include <stdio.h>
#include <string.h>

#include <wdm.h>

#include "drivers/filter.h"

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

typedef struct irp_texts {
    int count;
    char text[48][200];
    NTSTATUS status[48];
    int has_status[48];
} irp_texts;

static void keep_irp_text(void *ctx, const pnpsim_trace_event *ev)
{
    irp_texts *t = ctx;
    if (t->count < 48) {
        snprintf(t->text[t->count], sizeof(t->text[0]), "%s", ev->text);
        t->status[t->count] = ev->status;
        t->has_status[t->count] = ev->has_status;
        t->count++;
    }
}

static int texts_containing(const irp_texts *t, const char *needle)
{
    int n = 0;
    for (int i = 0; i < t->count; i++)
        n += strstr(t->text[i], needle) != NULL;
    return n;
}

/* README "Divergences and choices": while nothing but the simulator's own PDO is in a
 * stack, the PnP manager's IRPs to it are answered without an IRP: each still shows as
 * "sends" and "completed" with the status a real IRP got, in Windows' identification order
 * (windows-semantics.md §1.1: IDs, capabilities, text), but no IoCallDriver hop. Once a
 * driver is in the stack, the IRPs go through the I/O manager again. */
static void test_trace__bare_simulator_pdo_answers_without_an_irp(void **state)
{
    static const struct {
        const char *what;
        NTSTATUS status;
    } expected[] = {
        {"IRP_MN_QUERY_ID(BusQueryDeviceID)", STATUS_SUCCESS},
        {"IRP_MN_QUERY_ID(BusQueryInstanceID)", STATUS_SUCCESS},
        {"IRP_MN_QUERY_ID(BusQueryHardwareIDs)", STATUS_SUCCESS},
        {"IRP_MN_QUERY_ID(BusQueryCompatibleIDs)", STATUS_NOT_SUPPORTED},
        {"IRP_MN_QUERY_ID(BusQueryContainerID)", STATUS_NOT_SUPPORTED},
        {"IRP_MN_QUERY_CAPABILITIES", STATUS_SUCCESS},
        {"IRP_MN_QUERY_DEVICE_TEXT(DeviceTextDescription)", STATUS_SUCCESS},
        {"IRP_MN_QUERY_DEVICE_TEXT(DeviceTextLocationInformation)", STATUS_NOT_SUPPORTED},
    };
    pnpsim_system *sys = TSYS(state);
    static irp_texts t;
    pnpsim_device *dev;
    PDRIVER_OBJECT drv = NULL;

    memset(&t, 0, sizeof(t));
    pnpsim_trace_set_callback(sys, keep_irp_text, &t, 1u << PNPSIM_TRACE_IRP);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\BARE", "7", &dev));
    assert_int_equal(t.count, 2 * (int)(sizeof(expected) / sizeof(expected[0])));
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        char completed[120];
        assert_non_null(strstr(t.text[2 * i], "PnP manager sends"));
        assert_non_null(strstr(t.text[2 * i], expected[i].what));
        snprintf(completed, sizeof(completed), "%s completed", expected[i].what);
        assert_string_equal(t.text[2 * i + 1], completed);
        assert_true(t.has_status[2 * i + 1]);
        assert_nt_status(expected[i].status, t.status[2 * i + 1]);
    }
    assert_int_equal(texts_containing(&t, "IoCallDriver"), 0);
    /* The answers are the device's: its IDs made its instance path. */
    assert_string_equal(pnpsim_device_instance_path(dev), "ROOT\\BARE\\7");
    assert_string_equal(pnpsim_device_id(dev), "ROOT\\BARE");

    /* A driver in the stack: START goes down through it as a real IRP. */
    filter_reset();
    memset(&t, 0, sizeof(t));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "bare_fdo", FilterDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\WITHDRV", drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\WITHDRV", "0", &dev));
    assert_int_equal(texts_containing(&t, "IoCallDriver"), 0); /* identified before AddDevice */
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
    assert_true(texts_containing(&t, "IoCallDriver IRP_MJ_PNP/IRP_MN_START_DEVICE") >= 1);
    {
        ULONG starts = 0;
        for (ULONG i = 0; i < filter_pnp_count(drv); i++)
            starts += filter_pnp_minor(drv, i) == IRP_MN_START_DEVICE;
        assert_int_equal(starts, 1); /* the driver's dispatch saw the real IRP */
    }
    pnpsim_trace_set_callback(sys, NULL, NULL, 0);
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

/* ---- device filter ------------------------------------------------------------------
 * A minimal function driver (FDO over the PDO, everything passed down, DriverUnload) so
 * that events name a device and its driver, and unload events name the driver only. */
static NTSTATUS TrAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(PDEVICE_OBJECT), NULL,
                                     FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    *(PDEVICE_OBJECT *)fdo->DeviceExtension = IoAttachDeviceToDeviceStack(fdo, Pdo);
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS TrPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDEVICE_OBJECT lower = *(PDEVICE_OBJECT *)DeviceObject->DeviceExtension;
    UCHAR minor = IoGetCurrentIrpStackLocation(Irp)->MinorFunction;
    NTSTATUS status;
    if (minor == IRP_MN_START_DEVICE || minor == IRP_MN_QUERY_REMOVE_DEVICE ||
        minor == IRP_MN_REMOVE_DEVICE)
        Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(lower, Irp);
    if (minor == IRP_MN_REMOVE_DEVICE) {
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
    }
    return status;
}

static VOID TrUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

static NTSTATUS TrDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = TrAddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = TrPnp;
    DriverObject->DriverUnload = TrUnload;
    return STATUS_SUCCESS;
}

#define MAX_SEEN 512
typedef struct seen_events {
    size_t n;
    unsigned long long seq[MAX_SEEN];
} seen_events;

static void remember(void *ctx, const pnpsim_trace_event *ev)
{
    seen_events *s = ctx;
    if (s->n < MAX_SEEN)
        s->seq[s->n++] = ev->seq;
}

static int str_ieq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Start two devices, each with its own function driver; return the sequence number of the
 * last event before the filtered part begins. */
static void two_started_devices(pnpsim_system *sys, pnpsim_device **a, pnpsim_device **b)
{
    PDRIVER_OBJECT da, db;
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "trdrva", TrDriverEntry, &da));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\TRA", da));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "trdrvb", TrDriverEntry, &db));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\TRB", db));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\TRA", "0", a));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\TRB", "0", b));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(*a));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(*b));
}

/* The delivered sequence numbers must be exactly the ring's events (after first_seq) that
 * the rule lets through. */
static void assert_delivered_exactly(pnpsim_system *sys, const seen_events *seen,
                                     unsigned long long first_seq, const char *dev_a,
                                     const char *dev_b, const char *stack_driver,
                                     size_t *about_driver_only)
{
    pnpsim_trace_event ev;
    size_t k = 0;
    *about_driver_only = 0;
    for (size_t i = 0; pnpsim_trace_get(sys, i, &ev); i++) {
        int pass;
        if (ev.seq <= first_seq)
            continue;
        if (ev.device != NULL)
            pass = str_ieq(ev.device, dev_a) || str_ieq(ev.device, dev_b);
        else if (ev.driver == NULL)
            pass = 1;
        else
            pass = str_ieq(ev.driver, stack_driver);
        if (ev.device == NULL && ev.driver != NULL && pass)
            (*about_driver_only)++;
        if (!pass)
            continue;
        assert_true(k < seen->n);
        assert_int_equal(seen->seq[k], ev.seq);
        k++;
    }
    assert_int_equal(k, seen->n);
}

static void test_trace__device_filter_delivers_only_that_devices_events(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *a, *b;
    seen_events seen = {0};
    unsigned long long first;
    size_t driver_only;
    pnpsim_trace_event ev;
    two_started_devices(sys, &a, &b);
    assert_nt_status(STATUS_SUCCESS, pnpsim_trace_filter_device(sys, "ROOT\\TRA\\0", 0));
    assert_true(pnpsim_trace_get(sys, pnpsim_trace_count(sys) - 1, &ev));
    first = ev.seq;
    pnpsim_trace_set_callback(sys, remember, &seen, PNPSIM_TRACE_ALL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(a));
    pnpsim_trace_set_callback(sys, NULL, NULL, 0);
    /* Events about ROOT\TRA\0 were delivered; ROOT\TRB\0's and the drivers' own events
     * (unload) were not, though the ring kept them. */
    assert_true(seen.n > 0);
    assert_delivered_exactly(sys, &seen, first, "ROOT\\TRA\\0", NULL, NULL, &driver_only);
    assert_int_equal(driver_only, 0);
    assert_true(pnpsim_trace_find(sys, -1, "DriverUnload(trdrva)") > first);
}

static void test_trace__device_filter_with_stack_adds_the_stacks_driver_events(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *a, *b;
    seen_events seen = {0};
    unsigned long long first;
    size_t driver_only;
    pnpsim_trace_event ev;
    two_started_devices(sys, &a, &b);
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_trace_filter_device(sys, "root\\tra\\0", PNPSIM_TRACE_FILTER_STACK));
    assert_true(pnpsim_trace_get(sys, pnpsim_trace_count(sys) - 1, &ev));
    first = ev.seq;
    pnpsim_trace_set_callback(sys, remember, &seen, PNPSIM_TRACE_ALL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(a));
    pnpsim_trace_set_callback(sys, NULL, NULL, 0);
    /* trdrva's unload events (no device named) now pass; trdrvb's do not. */
    assert_delivered_exactly(sys, &seen, first, "ROOT\\TRA\\0", NULL, "trdrva", &driver_only);
    assert_true(driver_only >= 2); /* "DriverUnload(trdrva)", "driver trdrva unloaded" */
}

static void test_trace__device_filter_takes_several_devices_and_clears(void **state)
{
    pnpsim_system *sys = TSYS(state);
    pnpsim_device *a, *b, *c;
    seen_events seen = {0};
    collected all = {0, 0, 0, 1};
    unsigned long long first;
    size_t driver_only;
    pnpsim_trace_event ev;
    two_started_devices(sys, &a, &b);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\TRC", "0", &c));
    assert_nt_status(STATUS_SUCCESS, pnpsim_trace_filter_device(sys, "ROOT\\TRA\\0", 0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_trace_filter_device(sys, "ROOT\\TRB\\0", 0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_trace_filter_device(sys, "ROOT\\TRB\\0", 0));
    assert_true(pnpsim_trace_get(sys, pnpsim_trace_count(sys) - 1, &ev));
    first = ev.seq;
    pnpsim_trace_set_callback(sys, remember, &seen, PNPSIM_TRACE_ALL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(c));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(b));
    pnpsim_trace_set_callback(sys, NULL, NULL, 0);
    assert_delivered_exactly(sys, &seen, first, "ROOT\\TRA\\0", "ROOT\\TRB\\0", NULL,
                             &driver_only);
    assert_true(seen.n > 0);
    /* Cleared: everything is delivered again. */
    pnpsim_trace_filter_clear(sys);
    assert_true(pnpsim_trace_get(sys, pnpsim_trace_count(sys) - 1, &ev));
    first = ev.seq;
    pnpsim_trace_set_callback(sys, collect, &all, PNPSIM_TRACE_ALL);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(a));
    pnpsim_trace_set_callback(sys, NULL, NULL, 0);
    assert_true(pnpsim_trace_get(sys, pnpsim_trace_count(sys) - 1, &ev));
    assert_int_equal(all.count, (int)(ev.seq - first));
    assert_true(all.ordered);
    assert_true(pnpsim_trace_find(sys, -1, "driver trdrva unloaded") != 0);
}

static void test_trace__device_filter_rejects_bad_input(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char longpath[260];
    char path[32];
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_trace_filter_device(NULL, "ROOT\\X\\0", 0));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_trace_filter_device(sys, NULL, 0));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_trace_filter_device(sys, "", 0));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_trace_filter_device(sys, "ROOT\\X\\0", 0x80));
    memset(longpath, 'A', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = 0;
    assert_nt_status(STATUS_NAME_TOO_LONG, pnpsim_trace_filter_device(sys, longpath, 0));
    for (int i = 0; i < 16; i++) {
        snprintf(path, sizeof(path), "ROOT\\F%d\\0", i);
        assert_nt_status(STATUS_SUCCESS, pnpsim_trace_filter_device(sys, path, 0));
    }
    assert_nt_status(STATUS_INSUFFICIENT_RESOURCES,
                     pnpsim_trace_filter_device(sys, "ROOT\\F16\\0", 0));
    pnpsim_trace_filter_clear(sys);
    pnpsim_trace_filter_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_trace__device_creation_is_narrated_with_query_ids),
        PNPSIM_TEST(test_trace__callback_sees_ordered_filtered_events),
        PNPSIM_TEST(test_trace__bare_simulator_pdo_answers_without_an_irp),
        PNPSIM_TEST(test_trace__file_sink_narrates),
        cmocka_unit_test(test_trace__irp_names),
        PNPSIM_TEST(test_trace__device_filter_delivers_only_that_devices_events),
        PNPSIM_TEST(test_trace__device_filter_with_stack_adds_the_stacks_driver_events),
        PNPSIM_TEST(test_trace__device_filter_takes_several_devices_and_clears),
        PNPSIM_TEST(test_trace__device_filter_rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
