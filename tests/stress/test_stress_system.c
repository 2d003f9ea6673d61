/* SPDX-License-Identifier: MIT */
/*
 * This file implements the system concurrency stress test (issue 8): four threads do random
 * operations on one system — register interfaces on their own device, enable and disable
 * them, enumerate the class, subscribe and unsubscribe notifications, some of which
 * unsubscribe themselves from inside their callback while delivery is under way — in WORKER
 * and in DEFERRED delivery; and eight threads each drive a system of their own in
 * parallel. Afterwards everything is accounted for against the per-thread logs: every
 * registration is listed, every interface's enable state is the one its thread left, a
 * witness subscription saw exactly one arrival per successful enable and one removal per
 * successful disable, alternating per interface (windows-semantics.md §4.1, §4.3: each
 * enable produces one arrival, each disable one removal), no callback ran after its
 * unsubscribe returned (IoUnregisterPlugPlayNotificationEx semantics, §7.3), and only the
 * witness is left registered. Threads never call cmocka asserts: they record, the main
 * thread asserts. Meant to run under ThreadSanitizer too; counts are modest so it takes a
 * few seconds under sanitizers.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wdm.h>

#include "pnpsim_test.h"

#define THREADS 4
#define OPS 300
#define REFS 6
#define SUBS_PER_THREAD 4
#define SYSTEMS 8
#define SYSTEM_OPS 200

/* {5a7d0c11-8e2b-4c3f-9d10-aa55cc33ee77} */
static const GUID StressClass = {
    0x5a7d0c11, 0x8e2b, 0x4c3f, {0x9d, 0x10, 0xaa, 0x55, 0xcc, 0x33, 0xee, 0x77}};

/* ---- a pass-through function driver -------------------------------------------------------- */

typedef struct st_ext {
    PDEVICE_OBJECT lower;
} st_ext;

static NTSTATUS NTAPI StPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    st_ext *ext = (st_ext *)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT lower = ext->lower;
    NTSTATUS status;
    if (sp->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;
    }
    if (sp->MinorFunction == IRP_MN_START_DEVICE || sp->MinorFunction == IRP_MN_QUERY_REMOVE_DEVICE ||
        sp->MinorFunction == IRP_MN_SURPRISE_REMOVAL)
        Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(lower, Irp);
}

static NTSTATUS NTAPI StAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT fdo;
    st_ext *ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(st_ext), NULL, FILE_DEVICE_UNKNOWN, 0,
                                     FALSE, &fdo);
    if (!NT_SUCCESS(status))
        return status;
    ext = (st_ext *)fdo->DeviceExtension;
    ext->lower = IoAttachDeviceToDeviceStack(fdo, Pdo);
    if (ext->lower == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static VOID NTAPI StUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

static NTSTATUS NTAPI StDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_PNP] = StPnp;
    DriverObject->DriverExtension->AddDevice = StAddDevice;
    DriverObject->DriverUnload = StUnload;
    return STATUS_SUCCESS;
}

/* ---- per-thread random numbers -------------------------------------------------------------- */

static unsigned rnd(unsigned *s)
{
    unsigned x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* ---- the witness: every event of the class, per interface ---------------------------------- */

#define MAX_IFACES (THREADS * REFS)

static struct witness {
    pthread_mutex_t lock;
    char names[MAX_IFACES][160];
    int count;
    int arrivals[MAX_IFACES], removals[MAX_IFACES];
    int enabled_seen[MAX_IFACES]; /* 1 after an arrival, 0 after a removal */
    int out_of_order, unknown;
} W;

static int witness_index(const char *name)
{
    for (int i = 0; i < W.count; i++)
        if (strcmp(W.names[i], name) == 0)
            return i;
    return -1;
}

static NTSTATUS witness_fn(void *ctx, const pnpsim_notify_event *ev)
{
    int i;
    (void)ctx;
    pthread_mutex_lock(&W.lock);
    i = ev->name != NULL ? witness_index(ev->name) : -1;
    if (i < 0) {
        W.unknown++;
    } else if (ev->kind == PNPSIM_NOTIFY_INTERFACE_ARRIVAL) {
        W.out_of_order += W.enabled_seen[i] != 0;
        W.enabled_seen[i] = 1;
        W.arrivals[i]++;
    } else if (ev->kind == PNPSIM_NOTIFY_INTERFACE_REMOVAL) {
        W.out_of_order += W.enabled_seen[i] != 1;
        W.enabled_seen[i] = 0;
        W.removals[i]++;
    } else {
        W.unknown++;
    }
    pthread_mutex_unlock(&W.lock);
    return STATUS_SUCCESS;
}

/* ---- churning subscriptions ------------------------------------------------------------------ */

typedef struct churn_sub {
    pnpsim_system *sys;
    _Atomic(pnpsim_notify_subscription *) handle;
    atomic_int closed;      /* set by the owner once unsubscribe returned */
    atomic_int self_close;  /* this one unsubscribes itself from its callback */
    atomic_int self_closed; /* the callback did unsubscribe (1) or failed to (-1) */
    atomic_int calls, late;
} churn_sub;

static NTSTATUS churn_fn(void *ctx, const pnpsim_notify_event *ev)
{
    churn_sub *c = ctx;
    (void)ev;
    atomic_fetch_add(&c->calls, 1);
    if (atomic_load(&c->closed))
        atomic_fetch_add(&c->late, 1);
    if (atomic_load(&c->self_close)) {
        pnpsim_notify_subscription *h = atomic_exchange(&c->handle, NULL);
        if (h != NULL) {
            /* Unsubscribing from the callback, during delivery (allowed: notify.h). */
            NTSTATUS st = pnpsim_notify_unsubscribe(c->sys, h);
            atomic_store(&c->self_closed, NT_SUCCESS(st) ? 1 : -1);
            atomic_store(&c->closed, 1);
        }
    }
    return STATUS_SUCCESS;
}

/* ---- one system, several threads --------------------------------------------------------------- */

typedef struct worker {
    pnpsim_system *sys;
    pnpsim_device *dev;
    int index;
    unsigned seed;
    /* the thread's log */
    UNICODE_STRING names[REFS];
    int registered[REFS];
    int enabled[REFS];
    int enables[REFS], disables[REFS];
    int subscribed, unsubscribed, self_unsubscribed;
    int enumerations;
    int failures;
    char why[160];
    churn_sub subs[OPS];
    int nsubs;
} worker;

static void note_failure(worker *w, const char *what, NTSTATUS st)
{
    if (w->failures++ == 0)
        snprintf(w->why, sizeof(w->why), "thread %d: %s: %s", w->index, what,
                 pnpsim_status_name(st));
}

/* The thread's own interfaces must appear in a class listing exactly when enabled (no other
 * thread changes them). */
static void check_listing(worker *w)
{
    PZZWSTR list = NULL;
    NTSTATUS st = IoGetDeviceInterfaces(&StressClass, NULL, 0, &list);
    if (!NT_SUCCESS(st)) {
        note_failure(w, "IoGetDeviceInterfaces", st);
        return;
    }
    for (int r = 0; r < REFS; r++) {
        int found = 0;
        if (!w->registered[r])
            continue;
        for (const WCHAR *p = list; *p; ) {
            size_t n = 0;
            while (p[n])
                n++;
            if (n * sizeof(WCHAR) == w->names[r].Length &&
                memcmp(p, w->names[r].Buffer, w->names[r].Length) == 0)
                found = 1;
            p += n + 1;
        }
        if (found != w->enabled[r])
            note_failure(w, found ? "a disabled interface is listed" : "an enabled interface is not listed",
                         STATUS_UNSUCCESSFUL);
    }
    ExFreePool(list);
    w->enumerations++;
}

static void *worker_main(void *p)
{
    worker *w = p;
    pnpsim_system_enter(w->sys);
    for (int k = 0; k < OPS; k++) {
        unsigned op = rnd(&w->seed) % 8;
        int r = (int)(rnd(&w->seed) % REFS);
        NTSTATUS st;
        switch (op) {
        case 0: { /* register (again: STATUS_OBJECT_NAME_EXISTS, same name) */
            WCHAR rb[8];
            UNICODE_STRING ref, name;
            rb[0] = 'r';
            rb[1] = (WCHAR)('0' + r);
            ref.Buffer = rb;
            ref.Length = ref.MaximumLength = 2 * sizeof(WCHAR);
            st = IoRegisterDeviceInterface(pnpsim_device_pdo(w->dev), &StressClass, &ref, &name);
            if (st != (w->registered[r] ? STATUS_OBJECT_NAME_EXISTS : STATUS_SUCCESS)) {
                note_failure(w, "IoRegisterDeviceInterface", st);
                break;
            }
            if (w->registered[r]) {
                if (!RtlEqualUnicodeString(&name, &w->names[r], FALSE))
                    note_failure(w, "re-registration returned another name", st);
                RtlFreeUnicodeString(&name);
            } else {
                w->names[r] = name;
                w->registered[r] = 1;
            }
            break;
        }
        case 1: case 2: /* enable */
            if (!w->registered[r])
                break;
            st = IoSetDeviceInterfaceState(&w->names[r], TRUE);
            if (st != (w->enabled[r] ? STATUS_OBJECT_NAME_EXISTS : STATUS_SUCCESS))
                note_failure(w, "IoSetDeviceInterfaceState(TRUE)", st);
            else if (st == STATUS_SUCCESS)
                w->enabled[r] = 1, w->enables[r]++;
            break;
        case 3: case 4: /* disable */
            if (!w->registered[r])
                break;
            st = IoSetDeviceInterfaceState(&w->names[r], FALSE);
            if (st != (w->enabled[r] ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND))
                note_failure(w, "IoSetDeviceInterfaceState(FALSE)", st);
            else if (st == STATUS_SUCCESS)
                w->enabled[r] = 0, w->disables[r]++;
            break;
        case 5:
            check_listing(w);
            break;
        case 6: { /* subscribe; a third of them close themselves from the callback */
            churn_sub *c = &w->subs[w->nsubs];
            pnpsim_notify_subscription *h = NULL;
            if (w->nsubs - w->unsubscribed - w->self_unsubscribed >= SUBS_PER_THREAD)
                break;
            c->sys = w->sys;
            atomic_store(&c->self_close, rnd(&w->seed) % 3 == 0);
            st = pnpsim_notify_subscribe_interfaces(
                w->sys, &StressClass, (rnd(&w->seed) & 1) ? PNPSIM_NOTIFY_INCLUDE_EXISTING : 0,
                churn_fn, c, &h);
            if (!NT_SUCCESS(st)) {
                note_failure(w, "pnpsim_notify_subscribe_interfaces", st);
                break;
            }
            atomic_store(&c->handle, h);
            w->nsubs++;
            w->subscribed++;
            break;
        }
        default: { /* unsubscribe the oldest still open (unless its callback does it) */
            for (int i = 0; i < w->nsubs; i++) {
                churn_sub *c = &w->subs[i];
                pnpsim_notify_subscription *h;
                if (atomic_load(&c->closed))
                    continue;
                h = atomic_exchange(&c->handle, NULL);
                if (h == NULL)
                    continue; /* the callback has it */
                st = pnpsim_notify_unsubscribe(w->sys, h);
                if (!NT_SUCCESS(st))
                    note_failure(w, "pnpsim_notify_unsubscribe", st);
                atomic_store(&c->closed, 1);
                w->unsubscribed++;
                break;
            }
            break;
        }
        }
    }
    /* Close what is left; a subscription whose callback is closing it is waited for by
     * the main thread (after the flush). */
    for (int i = 0; i < w->nsubs; i++) {
        churn_sub *c = &w->subs[i];
        pnpsim_notify_subscription *h = atomic_exchange(&c->handle, NULL);
        if (h == NULL)
            continue;
        if (!NT_SUCCESS(pnpsim_notify_unsubscribe(w->sys, h)))
            note_failure(w, "pnpsim_notify_unsubscribe (end)", STATUS_UNSUCCESSFUL);
        atomic_store(&c->closed, 1);
        w->unsubscribed++;
    }
    pnpsim_system_leave(w->sys);
    return NULL;
}

static worker Workers[THREADS];

static void run_one_system(pnpsim_delivery delivery)
{
    pnpsim_system *sys = NULL;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    PDRIVER_OBJECT drv = NULL;
    pnpsim_notify_subscription *witness = NULL;
    pthread_t t[THREADS];
    long ops_total = 0;

    memset(&W, 0, sizeof(W));
    pthread_mutex_init(&W.lock, NULL);
    memset(Workers, 0, sizeof(Workers));
    cfg.delivery = delivery;
    cfg.name = delivery == PNPSIM_DELIVERY_WORKER ? "stress-worker" : "stress-deferred";
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &sys));
    pnpsim_system_enter(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_load(sys, "stressdrv", StDriverEntry, &drv));
    assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, "ROOT\\STRESS", drv));
    /* The interface names the witness accounts for, known before any event. */
    for (int i = 0; i < THREADS; i++) {
        char inst[4];
        snprintf(inst, sizeof(inst), "%d", i);
        Workers[i].sys = sys;
        Workers[i].index = i;
        Workers[i].seed = 0x9E3779B9u * (unsigned)(i + 1) + (unsigned)delivery;
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_device_create(sys, NULL, "ROOT\\STRESS", inst, &Workers[i].dev));
        assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(Workers[i].dev));
        for (int r = 0; r < REFS; r++)
            snprintf(W.names[W.count++], sizeof(W.names[0]),
                     "\\??\\ROOT#STRESS#%d#{5a7d0c11-8e2b-4c3f-9d10-aa55cc33ee77}\\r%d", i, r);
    }
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_subscribe_interfaces(
                                         sys, &StressClass, 0, witness_fn, NULL, &witness));

    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &Workers[i]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pnpsim_system_flush(sys);
    pnpsim_system_run_pending(sys);

    /* Every thread's log, accounted for. */
    for (int i = 0; i < THREADS; i++) {
        worker *w = &Workers[i];
        pnpsim_iface_list *l = NULL;
        if (w->failures != 0)
            fail_msg("%s (%d failures)", w->why, w->failures);
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_iface_list_device(sys, pnpsim_device_instance_path(w->dev), &l));
        for (int r = 0; r < REFS; r++) {
            int idx = i * REFS + r, listed = 0;
            char want[160];
            if (!w->registered[r])
                continue;
            snprintf(want, sizeof(want), "%s", W.names[idx]);
            for (size_t k = 0; k < l->count; k++) {
                if (strcmp(l->items[k].name, want) == 0) {
                    listed = 1;
                    assert_int_equal(!!l->items[k].enabled, w->enabled[r]);
                }
            }
            assert_true(listed);
            /* One arrival per successful enable, one removal per successful disable. */
            assert_int_equal(W.arrivals[idx], w->enables[r]);
            assert_int_equal(W.removals[idx], w->disables[r]);
            ops_total += w->enables[r] + w->disables[r];
        }
        {
            int reg = 0;
            for (int r = 0; r < REFS; r++)
                reg += w->registered[r];
            assert_int_equal((int)l->count, reg);
        }
        pnpsim_iface_list_free(sys, l);
        for (int k = 0; k < w->nsubs; k++) {
            churn_sub *c = &w->subs[k];
            assert_int_equal(atomic_load(&c->late), 0);
            assert_true(atomic_load(&c->closed));
            assert_true(atomic_load(&c->self_closed) >= 0);
            if (atomic_load(&c->self_closed) == 1)
                w->self_unsubscribed++;
        }
        assert_int_equal(w->subscribed, w->unsubscribed + w->self_unsubscribed);
        for (int r = 0; r < REFS; r++)
            if (w->registered[r])
                RtlFreeUnicodeString(&w->names[r]);
    }
    /* Per-interface order: queued work runs one item at a time, in queue order, in every
     * delivery mode, so a removal never overtakes its arrival. */
    assert_int_equal(W.out_of_order, 0);
    assert_int_equal(W.unknown, 0);
    assert_int_equal(pnpsim_notify_registration_count(sys), 1);
    assert_nt_status(STATUS_SUCCESS, pnpsim_notify_unsubscribe(sys, witness));
    assert_int_equal(pnpsim_notify_registration_count(sys), 0);
    printf("    %s: %d threads x %d operations, %ld interface transitions, all accounted for\n",
           cfg.name, THREADS, OPS, ops_total);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    pthread_mutex_destroy(&W.lock);
}

/* Issue 8: four threads on one system, WORKER delivery. */
static void test_stress_system__threads_on_one_system_account_for_everything_worker(void **state)
{
    (void)state;
    run_one_system(PNPSIM_DELIVERY_WORKER);
}

/* Issue 8: the same in DEFERRED delivery (each thread delivers what its calls queued). */
static void test_stress_system__threads_on_one_system_account_for_everything_deferred(void **state)
{
    (void)state;
    run_one_system(PNPSIM_DELIVERY_DEFERRED);
}

/* ---- many systems, one per thread ------------------------------------------------------------- */

typedef struct sys_worker {
    int index;
    unsigned seed;
    int failures;
    char why[200];
    int enables, disables, events_seen, events_expected;
} sys_worker;

static void sw_fail(sys_worker *w, const char *what, NTSTATUS st)
{
    if (w->failures++ == 0)
        snprintf(w->why, sizeof(w->why), "system %d: %s: %s (%s)", w->index, what,
                 pnpsim_status_name(st), pnpsim_last_error_message());
}

static void *system_main(void *p)
{
    sys_worker *w = p;
    pnpsim_system *sys = NULL;
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    PDRIVER_OBJECT drv = NULL;
    pnpsim_device *dev[2];
    UNICODE_STRING names[2][3];
    int enabled[2][3] = {{0}};
    pnpsim_notify_recorder *rec = NULL;
    char nm[16];
    NTSTATUS st;

    snprintf(nm, sizeof(nm), "parallel-%d", w->index);
    cfg.name = nm;
    cfg.delivery = (w->index % 3) == 0 ? PNPSIM_DELIVERY_WORKER
                   : (w->index % 3) == 1 ? PNPSIM_DELIVERY_DEFERRED
                                         : PNPSIM_DELIVERY_MANUAL;
    if (!NT_SUCCESS(st = pnpsim_system_create(&cfg, &sys))) {
        sw_fail(w, "pnpsim_system_create", st);
        return NULL;
    }
    pnpsim_system_enter(sys);
    if (!NT_SUCCESS(st = pnpsim_driver_load(sys, "stressdrv", StDriverEntry, &drv)) ||
        !NT_SUCCESS(st = pnpsim_driver_bind(sys, "ROOT\\PAR", drv)) ||
        !NT_SUCCESS(st = pnpsim_notify_recorder_create(sys, &StressClass, 0, &rec))) {
        sw_fail(w, "setup", st);
        goto out;
    }
    for (int d = 0; d < 2; d++) {
        char inst[2] = {(char)('0' + d), 0};
        if (!NT_SUCCESS(st = pnpsim_device_create(sys, NULL, "ROOT\\PAR", inst, &dev[d])) ||
            !NT_SUCCESS(st = pnpsim_device_start(dev[d]))) {
            sw_fail(w, "device", st);
            goto out;
        }
        for (int r = 0; r < 3; r++) {
            WCHAR rb[2] = {(WCHAR)('a' + r), 0};
            UNICODE_STRING ref = {sizeof(WCHAR), sizeof(WCHAR), rb};
            st = IoRegisterDeviceInterface(pnpsim_device_pdo(dev[d]), &StressClass, &ref,
                                           &names[d][r]);
            if (st != STATUS_SUCCESS) {
                sw_fail(w, "IoRegisterDeviceInterface", st);
                goto out;
            }
        }
    }
    for (int k = 0; k < SYSTEM_OPS; k++) {
        int d = (int)(rnd(&w->seed) % 2), r = (int)(rnd(&w->seed) % 3);
        BOOLEAN on = (BOOLEAN)(rnd(&w->seed) & 1);
        st = IoSetDeviceInterfaceState(&names[d][r], on);
        if (st == STATUS_SUCCESS) {
            enabled[d][r] = on;
            on ? w->enables++ : w->disables++;
        } else if (st != (on ? STATUS_OBJECT_NAME_EXISTS : STATUS_OBJECT_NAME_NOT_FOUND)) {
            sw_fail(w, "IoSetDeviceInterfaceState", st);
        }
        if (k % 50 == 0)
            pnpsim_system_run_pending(sys);
    }
    /* Device 1 goes: its enabled interfaces are removed by the PnP manager. */
    if (!NT_SUCCESS(st = pnpsim_device_surprise_remove(dev[1])))
        sw_fail(w, "pnpsim_device_surprise_remove", st);
    for (int r = 0; r < 3; r++)
        if (enabled[1][r])
            w->disables++, enabled[1][r] = 0;
    pnpsim_system_flush(sys);
    pnpsim_system_run_pending(sys);
    w->events_seen = (int)pnpsim_notify_recorder_count(rec);
    w->events_expected = w->enables + w->disables;
    if ((int)pnpsim_notify_recorder_count_kind(rec, PNPSIM_NOTIFY_INTERFACE_ARRIVAL) != w->enables)
        sw_fail(w, "arrivals recorded", STATUS_UNSUCCESSFUL);
    {
        pnpsim_iface_list *l = NULL;
        int on = 0;
        if (NT_SUCCESS(pnpsim_iface_list_class(sys, &StressClass, 0, &l))) {
            for (int r = 0; r < 3; r++)
                on += enabled[0][r];
            if ((int)l->count != on)
                sw_fail(w, "enabled interfaces listed", STATUS_UNSUCCESSFUL);
            pnpsim_iface_list_free(sys, l);
        } else {
            sw_fail(w, "pnpsim_iface_list_class", STATUS_UNSUCCESSFUL);
        }
    }
    for (int d = 0; d < 2; d++)
        for (int r = 0; r < 3; r++)
            RtlFreeUnicodeString(&names[d][r]);
out:
    pnpsim_notify_recorder_destroy(rec);
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
    return NULL;
}

/* Issue 8: eight systems in parallel threads share nothing (system.h). */
static void test_stress_system__parallel_systems_share_nothing(void **state)
{
    pthread_t t[SYSTEMS];
    sys_worker w[SYSTEMS];
    int total = 0;
    (void)state;
    memset(w, 0, sizeof(w));
    for (int i = 0; i < SYSTEMS; i++) {
        w[i].index = i;
        w[i].seed = 0x2545F491u * (unsigned)(i + 3);
        assert_int_equal(pthread_create(&t[i], NULL, system_main, &w[i]), 0);
    }
    for (int i = 0; i < SYSTEMS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < SYSTEMS; i++) {
        if (w[i].failures != 0)
            fail_msg("%s (%d failures)", w[i].why, w[i].failures);
        assert_true(w[i].enables > 0);
        assert_int_equal(w[i].events_seen, w[i].events_expected);
        total += w[i].events_seen;
    }
    printf("    %d systems in parallel, %d notifications, all accounted for\n", SYSTEMS, total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress_system__threads_on_one_system_account_for_everything_worker),
        cmocka_unit_test(test_stress_system__threads_on_one_system_account_for_everything_deferred),
        cmocka_unit_test(test_stress_system__parallel_systems_share_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
