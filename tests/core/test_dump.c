/* SPDX-License-Identifier: MIT */
/*
 * This file tests the state dump (pnpsim/dump.h), the JSON Lines trace sink
 * (pnpsim_trace_to_json) and the installed cmocka integration header (pnpsim/cmocka.h),
 * which every test here uses as its fixture. The dump tests build one fixed system (a
 * function driver written below as a WDM driver, two devices of which one is started, an
 * interface exported by a simulated PDO and a reference the test holds) and compare the
 * text, JSON and DOT dumps with golden copies: ordering is fixed and nothing printed
 * depends on an address.
 */
#include <ntddk.h>
#include <wdmguid.h> /* before initguid.h: declarations of the event GUIDs */
#include <initguid.h>

#include <string.h>

#include <pnpsim/cmocka.h>

/* ---- a small WDM function driver: registers GOLD_CLASS with reference "R" in AddDevice,
 * enables it when started, disables it on removal ------------------------------------- */

DEFINE_GUID(GOLD_CLASS, 0x11223344, 0x5566, 0x7788, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
            0x00);
DEFINE_GUID(GOLD_BUSIF, 0x0badf00d, 0x0001, 0x0002, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
            0x0a);

typedef struct _GOLD_EXT {
    PDEVICE_OBJECT Lower;
    UNICODE_STRING Link;
} GOLD_EXT, *PGOLD_EXT;

static NTSTATUS NTAPI GoldStartDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Irp->PendingReturned)
        KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS NTAPI GoldPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PGOLD_EXT ext = (PGOLD_EXT)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    KEVENT ev;
    switch (sp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        KeInitializeEvent(&ev, NotificationEvent, FALSE);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, GoldStartDone, &ev, TRUE, TRUE, TRUE);
        status = IoCallDriver(ext->Lower, Irp);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
            status = Irp->IoStatus.Status;
        }
        if (NT_SUCCESS(status))
            IoSetDeviceInterfaceState(&ext->Link, TRUE);
        Irp->IoStatus.Status = status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    case IRP_MN_REMOVE_DEVICE:
        IoSetDeviceInterfaceState(&ext->Link, FALSE);
        RtlFreeUnicodeString(&ext->Link);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(ext->Lower, Irp);
        IoDetachDevice(ext->Lower);
        IoDeleteDevice(DeviceObject);
        return status;
    case IRP_MN_SURPRISE_REMOVAL:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->Lower, Irp);
}

static NTSTATUS NTAPI GoldAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    PGOLD_EXT ext;
    UNICODE_STRING ref;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(GOLD_EXT), NULL, FILE_DEVICE_UNKNOWN,
                                     0, FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (PGOLD_EXT)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    RtlInitUnicodeString(&ref, L"R");
    status = IoRegisterDeviceInterface(Pdo, &GOLD_CLASS, &ref, &ext->Link);
    if (!NT_SUCCESS(status)) {
        IoDetachDevice(ext->Lower);
        IoDeleteDevice(fdo);
        return status;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static VOID NTAPI GoldUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

static NTSTATUS NTAPI GoldDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = GoldPnp;
    DriverObject->DriverExtension->AddDevice = GoldAddDevice;
    DriverObject->DriverUnload = GoldUnload;
    return STATUS_SUCCESS;
}

/* ---- the fixed system ------------------------------------------------------------------ */

static NTSTATUS gold_listener(void *context, const pnpsim_notify_event *event)
{
    (void)context;
    (void)event;
    return STATUS_SUCCESS;
}

typedef struct gold {
    pnpsim_device *dev0, *dev1;
    INTERFACE held;
    pnpsim_notify_subscription *sub_class, *sub_dev;
} gold;

/* Two devices bound to golddrv, ROOT\GOLD\0 started, ROOT\GOLD\1 only created; the PDO of
 * ROOT\GOLD\0 exports GOLD_BUSIF and the test holds one reference on it; the test is
 * subscribed (one callback) to GOLD_CLASS arrivals and to ROOT\GOLD\0's target events. */
static void build_gold(pnpsim_system *sys, gold *g)
{
    INTERFACE tmpl;
    pnpsim_cmocka_load(sys, "golddrv", GoldDriverEntry, "ROOT\\GOLD");
    g->dev0 = pnpsim_cmocka_start(sys, "ROOT\\GOLD", "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\GOLD", "1", &g->dev1));
    memset(&tmpl, 0, sizeof(tmpl));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_qi_provide(g->dev0, &GOLD_BUSIF, &tmpl, sizeof(INTERFACE), 1));
    memset(&g->held, 0, sizeof(g->held));
    assert_nt_status(STATUS_SUCCESS, pnpsim_qi_query(g->dev0, &GOLD_BUSIF, sizeof(INTERFACE), 1,
                                                     &g->held, NULL));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_interfaces(
                                         sys, &GOLD_CLASS, 0, gold_listener, NULL, &g->sub_class));
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_device(sys, g->dev0, gold_listener,
                                                                    NULL, &g->sub_dev));
}

static void release_gold(gold *g)
{
    g->held.InterfaceDereference(g->held.Context);
}

static char *dump_of(pnpsim_system *sys, pnpsim_dump_format f)
{
    char *s = NULL;
    assert_nt_status(STATUS_SUCCESS, pnpsim_dump_string(sys, f, &s));
    assert_non_null(s);
    return s;
}

static void assert_golden(const char *what, const char *expected, const char *actual)
{
    if (strcmp(expected, actual) != 0) {
        print_error("%s dump differs from the golden copy; actual:\n%s\n", what, actual);
        fail();
    }
}

static const char golden_text[] =
    "System \"test\": 3 device node(s), 2 driver(s)\n"
    "Device tree (pre-order; stacks listed top first):\n"
    "  DevNode HTREE\\ROOT\\0\n"
    "    State DeviceNodeStarted\n"
    "    PDO          \\Driver\\PnpManager  \\Device\\00000000\n"
    "    DevNode ROOT\\GOLD\\0\n"
    "      State DeviceNodeStarted\n"
    "      FDO          \\Driver\\golddrv\n"
    "      PDO          \\Driver\\PnpManager  \\Device\\00000001\n"
    "      Interface \\??\\ROOT#GOLD#0#{11223344-5566-7788-99aa-bbccddeeff00}\\R enabled\n"
    "    DevNode ROOT\\GOLD\\1\n"
    "      State DeviceNodeInitialized\n"
    "      PDO          \\Driver\\PnpManager  \\Device\\00000002\n"
    "Drivers (load order):\n"
    "  \\Driver\\PnpManager  pool 0 allocation(s), 0 byte(s)\n"
    "  \\Driver\\golddrv  pool 1 allocation(s), 114 byte(s)\n"
    "Outstanding query-interface references (importer -> exporter):\n"
    "  test -> exported from the stack of ROOT\\GOLD\\0  x1\n"
    "Notification subscriptions (registration order):\n"
    "  test  interface {11223344-5566-7788-99aa-bbccddeeff00}  native callback #1\n"
    "  test  target-device ROOT\\GOLD\\0  native callback #1\n"
    "Pool: 1 allocation(s) outstanding, 0 leaked at unload\n";

static const char golden_json[] =
    "{\"schema\":\"pnpsim-dump/1\",\"system\":\"test\",\n"
    "\"devices\":[\n"
    " {\"instance_path\":\"HTREE\\\\ROOT\\\\0\",\"device_id\":\"HTREE\\\\ROOT\","
    "\"instance_id\":\"0\",\"parent\":null,\"level\":0,\"state\":\"DeviceNodeStarted\","
    "\"problem\":0,\"open_handles\":0,\"stack\":[{\"role\":\"PDO\",\"driver\":\"PnpManager\","
    "\"name\":\"\\\\Device\\\\00000000\"}],\"interfaces\":[]},\n"
    " {\"instance_path\":\"ROOT\\\\GOLD\\\\0\",\"device_id\":\"ROOT\\\\GOLD\","
    "\"instance_id\":\"0\",\"parent\":\"HTREE\\\\ROOT\\\\0\",\"level\":1,"
    "\"state\":\"DeviceNodeStarted\",\"problem\":0,\"open_handles\":0,"
    "\"stack\":[{\"role\":\"PDO\",\"driver\":\"PnpManager\",\"name\":\"\\\\Device\\\\00000001\"},"
    "{\"role\":\"FDO\",\"driver\":\"golddrv\",\"name\":null}],"
    "\"interfaces\":[{\"name\":\"\\\\??\\\\ROOT#GOLD#0#{11223344-5566-7788-99aa-bbccddeeff00}\\\\R\",\"class\":\"{11223344-5566-7788-99aa-bbccddeeff00}\",\"reference\":\"R\",\"enabled\":true,\"arrival_pending\":false}]},\n"
    " {\"instance_path\":\"ROOT\\\\GOLD\\\\1\",\"device_id\":\"ROOT\\\\GOLD\","
    "\"instance_id\":\"1\",\"parent\":\"HTREE\\\\ROOT\\\\0\",\"level\":1,"
    "\"state\":\"DeviceNodeInitialized\",\"problem\":0,\"open_handles\":0,"
    "\"stack\":[{\"role\":\"PDO\",\"driver\":\"PnpManager\","
    "\"name\":\"\\\\Device\\\\00000002\"}],\"interfaces\":[]}],\n"
    "\"drivers\":[\n"
    " {\"service\":\"PnpManager\",\"pool_allocations\":0,\"pool_bytes\":0,\"unloaded\":false},\n"
    " {\"service\":\"golddrv\",\"pool_allocations\":1,\"pool_bytes\":114,\"unloaded\":false}],\n"
    "\"references\":[\n"
    " {\"importer\":\"test\",\"exporter\":\"ROOT\\\\GOLD\\\\0\",\"count\":1}],\n"
    "\"subscriptions\":[\n"
    " {\"subscriber\":\"test\",\"api\":\"native\",\"category\":\"interface\","
    "\"class\":\"{11223344-5566-7788-99aa-bbccddeeff00}\",\"target\":null,\"callback\":1},\n"
    " {\"subscriber\":\"test\",\"api\":\"native\",\"category\":\"target-device\",\"class\":null,"
    "\"target\":\"ROOT\\\\GOLD\\\\0\",\"callback\":1}],\n"
    "\"pool\":{\"outstanding\":1,\"leaked\":0}}\n";

static const char golden_dot[] =
    "digraph pnpsim {\n"
    "  graph [rankdir=TB, compound=true, fontname=\"Helvetica\", label=\"test\", labelloc=t];\n"
    "  node [fontname=\"Helvetica\", fontsize=10];\n"
    "  edge [fontname=\"Helvetica\", fontsize=9];\n"
    "  subgraph cluster_d0 {\n"
    "    label=\"HTREE\\\\ROOT\\\\0\\nDeviceNodeStarted\";\n"
    "    style=\"rounded,filled\"; color=\"black\"; fillcolor=\"aliceblue\";\n"
    "    d0_o0 [shape=box, style=filled, fillcolor=\"lightyellow\", label=\"PDO\\n\\\\Driver\\\\PnpManager\"];\n"
    "  }\n"
    "  subgraph cluster_d1 {\n"
    "    label=\"ROOT\\\\GOLD\\\\0\\nDeviceNodeStarted\";\n"
    "    style=\"rounded,filled\"; color=\"black\"; fillcolor=\"aliceblue\";\n"
    "    d1_o1 [shape=box, style=filled, fillcolor=\"lightblue\", label=\"FDO\\n\\\\Driver\\\\golddrv\"];\n"
    "    d1_o0 [shape=box, style=filled, fillcolor=\"lightyellow\", label=\"PDO\\n\\\\Driver\\\\PnpManager\"];\n"
    "    d1_o1 -> d1_o0 [arrowhead=none, style=bold];\n"
    "  }\n"
    "  d1_i0 [shape=ellipse, style=filled, fillcolor=\"palegreen\", color=\"darkgreen\", label=\"enabled\\n{11223344-5566-7788-99aa-bbccddeeff00}\\n\\\\R\"];\n"
    "  d1_o0 -> d1_i0 [arrowhead=none, style=solid];\n"
    "  subgraph cluster_d2 {\n"
    "    label=\"ROOT\\\\GOLD\\\\1\\nDeviceNodeInitialized\";\n"
    "    style=\"rounded,filled,dashed\"; color=\"gray40\"; fillcolor=\"gray95\";\n"
    "    d2_o0 [shape=box, style=filled, fillcolor=\"lightyellow\", label=\"PDO\\n\\\\Driver\\\\PnpManager\"];\n"
    "  }\n"
    "  d0_o0 -> d1_o1 [ltail=cluster_d0, lhead=cluster_d1];\n"
    "  d0_o0 -> d2_o0 [ltail=cluster_d0, lhead=cluster_d2];\n"
    "  drv0 [shape=component, style=filled, fillcolor=\"whitesmoke\", label=\"\\\\Driver\\\\PnpManager\\npool 0 allocation(s), 0 byte(s)\"];\n"
    "  drv1 [shape=component, style=filled, fillcolor=\"mistyrose\", label=\"\\\\Driver\\\\golddrv\\npool 1 allocation(s), 114 byte(s)\"];\n"
    "  test [shape=house, label=\"test code\"];\n"
    "  cls0 [shape=hexagon, style=filled, fillcolor=\"lightcyan\", label=\"class\\n{11223344-5566-7788-99aa-bbccddeeff00}\"];\n"
    "  test -> cls0 [color=\"darkorange\", fontcolor=\"darkorange\", style=dashed, constraint=false, label=\"callback #1\"];\n"
    "  test -> d1_o1 [color=\"darkorange\", fontcolor=\"darkorange\", style=dashed, constraint=false, label=\"target-device\\ncallback #1\"];\n"
    "  test -> d1_o0 [color=\"blue\", fontcolor=\"blue\", style=bold, constraint=false, label=\"QI ref x1\"];\n"
    "}\n";

/* ---- tests ------------------------------------------------------------------------------ */

static void test_dump__text_matches_golden_copy(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    gold g;
    char *s;
    build_gold(sys, &g);
    s = dump_of(sys, PNPSIM_DUMP_TEXT);
    assert_golden("text", golden_text, s);
    pnpsim_dump_free(sys, s);
    release_gold(&g);
}

static void test_dump__json_matches_golden_copy(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    gold g;
    char *s;
    build_gold(sys, &g);
    s = dump_of(sys, PNPSIM_DUMP_JSON);
    assert_golden("JSON", golden_json, s);
    pnpsim_dump_free(sys, s);
    release_gold(&g);
}

static void test_dump__dot_matches_golden_copy(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    gold g;
    char *s;
    build_gold(sys, &g);
    s = dump_of(sys, PNPSIM_DUMP_DOT);
    assert_golden("DOT", golden_dot, s);
    pnpsim_dump_free(sys, s);
    release_gold(&g);
}

/* No address appears: the same scenario in a second, separate system dumps identically. */
static void test_dump__is_identical_across_systems_and_address_free(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state), *other = NULL;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    gold g, g2;
    char *a, *b;
    build_gold(sys, &g);
    cfg.name = "test";
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &other));
    pnpsim_system_enter(other);
    build_gold(other, &g2);
    for (int f = PNPSIM_DUMP_TEXT; f <= PNPSIM_DUMP_DOT; f++) {
        a = dump_of(sys, (pnpsim_dump_format)f);
        b = dump_of(other, (pnpsim_dump_format)f);
        assert_string_equal(a, b);
        assert_null(strstr(a, "0x"));
        pnpsim_dump_free(sys, a);
        pnpsim_dump_free(other, b);
    }
    release_gold(&g2);
    pnpsim_system_leave(other);
    pnpsim_system_destroy(other);
    /* enter/leave nest on one system only and destroying the current system clears it:
     * make the fixture's system current again (the fixture's teardown leaves it). */
    pnpsim_system_enter(sys);
    release_gold(&g);
}

/* Removal shows in the dump: the interface is disabled, the device gone from the tree. */
static void test_dump__shows_disabled_interfaces_and_removed_devices(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    gold g;
    char *s;
    build_gold(sys, &g);
    release_gold(&g);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(g.dev0));
    s = dump_of(sys, PNPSIM_DUMP_TEXT);
    assert_non_null(strstr(s, "State DeviceNodeRemoved"));
    assert_non_null(strstr(s, "\\R disabled"));
    assert_non_null(strstr(s, "  none\n"));
    pnpsim_dump_free(sys, s);
    s = dump_of(sys, PNPSIM_DUMP_DOT);
    assert_non_null(strstr(s, "label=\"disabled\\n{11223344"));
    pnpsim_dump_free(sys, s);
}

static void test_dump__writes_to_a_file(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    FILE *f = tmpfile();
    char buf[256];
    size_t n;
    assert_non_null(f);
    assert_nt_status(STATUS_SUCCESS, pnpsim_dump(sys, PNPSIM_DUMP_JSON, f));
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_true(strncmp(buf, "{\"schema\":\"pnpsim-dump/1\"", 25) == 0);
}

static void test_dump__rejects_bad_arguments(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    char *s = (char *)"untouched";
    pnpsim_dump_format f = PNPSIM_DUMP_DOT;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_dump(NULL, PNPSIM_DUMP_TEXT, stdout));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_dump(sys, PNPSIM_DUMP_TEXT, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_dump(sys, (pnpsim_dump_format)7, stdout));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_dump_string(sys, PNPSIM_DUMP_TEXT, NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER,
                     pnpsim_dump_string(sys, (pnpsim_dump_format)-1, &s));
    assert_null(s);
    pnpsim_dump_free(sys, NULL);
    assert_int_equal(pnpsim_dump_format_parse("JSON", &f), 0);
    assert_int_equal(f, PNPSIM_DUMP_JSON);
    assert_int_equal(pnpsim_dump_format_parse("dot", &f), 0);
    assert_int_equal(f, PNPSIM_DUMP_DOT);
    assert_int_equal(pnpsim_dump_format_parse("svg", &f), -1);
    assert_int_equal(pnpsim_dump_format_parse(NULL, &f), -1);
}

/* Out of memory at any allocation: the dump fails cleanly and leaks nothing. */
static void test_dump__out_of_memory_fails_cleanly(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    gold g;
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    unsigned long n;
    build_gold(sys, &g);
    for (n = 1; n < 500 && st == STATUS_INSUFFICIENT_RESOURCES; n++) {
        char *s = (char *)"untouched";
        pnpsim_fault_alloc(sys, n, 1);
        st = pnpsim_dump_string(sys, PNPSIM_DUMP_DOT, &s);
        pnpsim_fault_clear(sys);
        if (st == STATUS_INSUFFICIENT_RESOURCES)
            assert_null(s);
        else
            pnpsim_dump_free(sys, s);
    }
    assert_nt_status(STATUS_SUCCESS, st);
    assert_true(n > 2);
    release_gold(&g);
}

/* ---- the JSON Lines trace sink ------------------------------------------------------- */

static void test_trace_json__one_escaped_object_per_event_in_field_order(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    FILE *f = tmpfile();
    char line[1024];
    int lines = 0, saw_escape = 0, saw_status = 0;
    assert_non_null(f);
    pnpsim_trace_to_json(sys, f, PNPSIM_TRACE_ALL);
    pnpsim_cmocka_load(sys, "golddrv", GoldDriverEntry, "ROOT\\GOLD");
    DbgPrint("a \"quoted\"\tword\n");
    pnpsim_trace_to_json(sys, NULL, 0);
    pnpsim_device_root(sys); /* no more lines after the sink is removed */
    rewind(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        lines++;
        assert_true(strncmp(line, "{\"seq\":", 7) == 0);
        assert_non_null(strstr(line, ",\"thread\":"));
        assert_true(strstr(line, "\"thread\":") < strstr(line, "\"irql\":"));
        assert_true(strstr(line, "\"irql_name\":") < strstr(line, "\"category\":"));
        assert_true(strstr(line, "\"category\":") < strstr(line, "\"depth\":"));
        assert_true(strstr(line, "\"device\":") < strstr(line, "\"driver\":"));
        assert_true(strstr(line, "\"status\":") < strstr(line, "\"status_code\":"));
        assert_true(strstr(line, "\"status_code\":") < strstr(line, "\"text\":"));
        assert_true(strcmp(line + strlen(line) - 2, "}\n") == 0);
        if (strstr(line, "a \\\"quoted\\\"\\tword") != NULL)
            saw_escape = 1;
        if (strstr(line, "\"status\":\"STATUS_SUCCESS\",\"status_code\":\"0x00000000\"") != NULL)
            saw_status = 1;
    }
    fclose(f);
    assert_true(lines >= 3);
    assert_true(saw_escape);
    assert_true(saw_status);
    assert_string_equal(pnpsim_trace_category_name(PNPSIM_TRACE_QI), "qi");
    assert_string_equal(pnpsim_trace_irql_name(DISPATCH_LEVEL), "DISPATCH_LEVEL");
}

/* ---- pnpsim/cmocka.h's teardown --------------------------------------------------------
 * These run without a fixture of their own and drive setup/teardown by hand. */

/* The fixture's teardown fails (returns nonzero) on a pool leak. */
static void test_cmocka_fixture__teardown_fails_on_pool_leak(void **state)
{
    void *inner = NULL;
    (void)state;
    assert_int_equal(pnpsim_cmocka_setup(&inner), 0);
    assert_non_null(ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'kaeL'));
    assert_int_not_equal(pnpsim_cmocka_teardown(&inner), 0);
    assert_null(inner);
    assert_null(pnpsim_system_current());
}

/* ... on an interface reference nobody released. */
static void test_cmocka_fixture__teardown_fails_on_outstanding_reference(void **state)
{
    void *inner = NULL;
    pnpsim_system *sys;
    pnpsim_device *dev = NULL;
    INTERFACE tmpl, got;
    (void)state;
    assert_int_equal(pnpsim_cmocka_setup(&inner), 0);
    sys = PNPSIM_SYS(&inner);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, "ROOT\\REF", "0", &dev));
    memset(&tmpl, 0, sizeof(tmpl));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_qi_provide(dev, &GOLD_BUSIF, &tmpl, sizeof(INTERFACE), 1));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_qi_query(dev, &GOLD_BUSIF, sizeof(INTERFACE), 1, &got, NULL));
    assert_int_not_equal(pnpsim_cmocka_teardown(&inner), 0);
}

/* ... on a bug check nobody expected (recorded, and the test goes on until teardown). */
static void test_cmocka_fixture__teardown_fails_on_unexpected_bugcheck(void **state)
{
    void *inner = NULL;
    void *p;
    (void)state;
    assert_int_equal(pnpsim_cmocka_setup(&inner), 0);
    p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'elbD');
    ExFreePool(p);
    ExFreePool(p); /* BAD_POOL_CALLER */
    assert_int_equal(PNPSIM_FIXTURE(&inner)->unexpected_bugchecks, 1);
    assert_non_null(strstr(PNPSIM_FIXTURE(&inner)->first_bugcheck, "BAD_POOL_CALLER"));
    assert_int_not_equal(pnpsim_cmocka_teardown(&inner), 0);
}

/* An expected bug check does not fail the test. */
static void test_cmocka_fixture__expected_bugcheck_passes(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    void *p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 'elbD');
    ExFreePool(p);
    PNPSIM_EXPECT_BUGCHECK(sys, 0xC2, ExFreePool(p));
    assert_int_equal(pnpsim_bugcheck_last_caught()->code, 0xC2);
    assert_int_equal(PNPSIM_FIXTURE(state)->unexpected_bugchecks, 0);
}

/* A clean test passes teardown. */
static void test_cmocka_fixture__clean_test_passes_teardown(void **state)
{
    void *inner = NULL;
    (void)state;
    assert_int_equal(pnpsim_cmocka_setup_manual(&inner), 0);
    pnpsim_cmocka_load(PNPSIM_SYS(&inner), "golddrv", GoldDriverEntry, "ROOT\\GOLD");
    pnpsim_cmocka_start(PNPSIM_SYS(&inner), "ROOT\\GOLD", "0");
    assert_int_equal(pnpsim_cmocka_teardown(&inner), 0);
}

/* The recorder of <pnpsim/cmocka.h>: arrival when golddrv enables GOLD_CLASS after START
 * completes, removal when it disables it on removal, in delivery order
 * (windows-semantics.md §4.3, §7). */
static void test_cmocka__recorder_sees_arrival_then_removal_in_order(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    static const char link[] = "\\??\\ROOT#GOLD#0#{11223344-5566-7788-99aa-bbccddeeff00}\\R";
    pnpsim_notify_recorder *rec = pnpsim_recorder_start(sys, &GOLD_CLASS);
    pnpsim_device *dev;
    pnpsim_cmocka_load(sys, "golddrv", GoldDriverEntry, "ROOT\\GOLD");
    dev = pnpsim_cmocka_start(sys, "ROOT\\GOLD", "0");
    assert_int_equal(pnpsim_recorder_count(rec), 1);
    assert_notification(rec, 0, PNPSIM_NOTIFY_INTERFACE_ARRIVAL, link);
    assert_memory_equal(&pnpsim_recorder_event(rec, 0)->event, &GUID_DEVICE_INTERFACE_ARRIVAL,
                        sizeof(GUID));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_int_equal(pnpsim_recorder_count(rec), 2);
    assert_notification(rec, 1, PNPSIM_NOTIFY_INTERFACE_REMOVAL, "\\??\\root#gold#0#{11223344-5566-7788-99AA-BBCCDDEEFF00}\\R");
    assert_memory_equal(&pnpsim_recorder_event(rec, 1)->event, &GUID_DEVICE_INTERFACE_REMOVAL,
                        sizeof(GUID));
    assert_true(pnpsim_recorder_event(rec, 0)->seq < pnpsim_recorder_event(rec, 1)->seq);
    pnpsim_recorder_stop(rec);
}

static void test_cmocka__recorder_with_existing_and_target_events(void **state)
{
    pnpsim_system *sys = PNPSIM_SYS(state);
    pnpsim_notify_recorder *rec;
    pnpsim_device *dev;
    pnpsim_cmocka_load(sys, "golddrv", GoldDriverEntry, "ROOT\\GOLD");
    dev = pnpsim_cmocka_start(sys, "ROOT\\GOLD", "0");
    /* Enabled before the recorder started: reported inside the start call. */
    rec = pnpsim_recorder_start_existing(sys, &GOLD_CLASS);
    assert_int_equal(pnpsim_recorder_count(rec), 1);
    assert_notification(rec, 0, PNPSIM_NOTIFY_INTERFACE_ARRIVAL, NULL);
    pnpsim_recorder_watch(rec, dev);
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_remove(dev));
    assert_true(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_QUERY_REMOVE) == 1);
    assert_true(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_REMOVE_COMPLETE) == 1);
    assert_true(pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_INTERFACE_REMOVAL) == 1);
    pnpsim_recorder_stop(rec);
    pnpsim_recorder_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_CMOCKA_TEST(test_cmocka__recorder_sees_arrival_then_removal_in_order),
        PNPSIM_CMOCKA_TEST(test_cmocka__recorder_with_existing_and_target_events),
        PNPSIM_CMOCKA_TEST(test_dump__text_matches_golden_copy),
        PNPSIM_CMOCKA_TEST(test_dump__json_matches_golden_copy),
        PNPSIM_CMOCKA_TEST(test_dump__dot_matches_golden_copy),
        PNPSIM_CMOCKA_TEST(test_dump__is_identical_across_systems_and_address_free),
        PNPSIM_CMOCKA_TEST(test_dump__shows_disabled_interfaces_and_removed_devices),
        PNPSIM_CMOCKA_TEST(test_dump__writes_to_a_file),
        PNPSIM_CMOCKA_TEST(test_dump__rejects_bad_arguments),
        PNPSIM_CMOCKA_TEST(test_dump__out_of_memory_fails_cleanly),
        PNPSIM_CMOCKA_TEST(test_trace_json__one_escaped_object_per_event_in_field_order),
        cmocka_unit_test(test_cmocka_fixture__teardown_fails_on_pool_leak),
        cmocka_unit_test(test_cmocka_fixture__teardown_fails_on_outstanding_reference),
        cmocka_unit_test(test_cmocka_fixture__teardown_fails_on_unexpected_bugcheck),
        PNPSIM_CMOCKA_TEST(test_cmocka_fixture__expected_bugcheck_passes),
        cmocka_unit_test(test_cmocka_fixture__clean_test_passes_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
