/* SPDX-License-Identifier: MIT */
/*
 * This file implements the shared cmocka fixture declared in pnpsim_test.h, and routes
 * PNPSIM_EXPECT_BUGCHECK failures into cmocka.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pnpsim_test.h"

static void cmocka_failure(const char *message, const char *file, int line)
{
    _fail(file, line);
    (void)message;
}

static void print_failure(const char *message, const char *file, int line)
{
    fprintf(stderr, "%s:%d: %s\n", file, line, message);
    cmocka_failure(message, file, line);
}

static int setup_with(void **state, pnpsim_delivery delivery)
{
    pnpsim_test_fixture *f = calloc(1, sizeof(*f));
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    if (f == NULL)
        return -1;
    cfg.delivery = delivery;
    cfg.name = "test";
    if (getenv("PNPSIM_TRACE") != NULL)
        cfg.trace_to_stderr = 1;
    pnpsim_set_test_failure_handler(print_failure);
    if (pnpsim_system_create(&cfg, &f->sys) != STATUS_SUCCESS) {
        free(f);
        return -1;
    }
    pnpsim_system_enter(f->sys);
    *state = f;
    return 0;
}

int pnpsim_test_setup(void **state)
{
    return setup_with(state, PNPSIM_DELIVERY_DEFERRED);
}

int pnpsim_test_setup_manual(void **state)
{
    return setup_with(state, PNPSIM_DELIVERY_MANUAL);
}

int pnpsim_test_teardown(void **state)
{
    pnpsim_test_fixture *f = *state;
    NTSTATUS check = STATUS_SUCCESS, check_after = STATUS_SUCCESS;
    char why[256] = "";
    size_t leaks;
    int allow;
    if (f == NULL)
        return 0;
    /* Every index and cross-reference of the system must be sound at the end of a test
     * (pnpsim_system_check), unless the test let a bug check unwind (allow_pool_leaks: the
     * system may hold half-done work, as Windows would after a crash). */
    allow = f->allow_pool_leaks;
    if (!allow) {
        check = pnpsim_system_check(f->sys);
        if (check != STATUS_SUCCESS)
            snprintf(why, sizeof(why), "%s", pnpsim_last_error_message());
    }
    /* Remove every device and unload every driver, as at shutdown: drivers free what they
     * own on REMOVE and in DriverUnload; what is left is a leak. */
    pnpsim_system_shutdown(f->sys);
    if (!allow && check == STATUS_SUCCESS) {
        check_after = pnpsim_system_check(f->sys);
        if (check_after != STATUS_SUCCESS)
            snprintf(why, sizeof(why), "after shutdown: %s", pnpsim_last_error_message());
    }
    leaks = pnpsim_system_pool_outstanding(f->sys, NULL);
    pnpsim_system_leave(f->sys);
    pnpsim_system_destroy(f->sys);
    free(f);
    *state = NULL;
    if (check != STATUS_SUCCESS || check_after != STATUS_SUCCESS) {
        fprintf(stderr, "teardown: pnpsim_system_check failed: %s\n", why);
        return -1;
    }
    if (leaks != 0 && !allow) {
        fprintf(stderr, "teardown: %zu pool allocation(s) leaked\n", leaks);
        return -1;
    }
    return 0;
}

char *pnpsim_test_snapshot(pnpsim_system *sys)
{
    char *dump = NULL, *copy;
    NTSTATUS st = pnpsim_dump_string(sys, PNPSIM_DUMP_JSON, &dump);
    if (st != STATUS_SUCCESS)
        fail_msg("pnpsim_test_snapshot: pnpsim_dump_string failed: %s (%s)",
                 pnpsim_status_name(st), pnpsim_last_error_message());
    copy = malloc(strlen(dump) + 1);
    if (copy != NULL)
        memcpy(copy, dump, strlen(dump) + 1);
    pnpsim_dump_free(sys, dump);
    if (copy == NULL)
        fail_msg("pnpsim_test_snapshot: out of memory");
    return copy;
}

void pnpsim_test_assert_unchanged_at(pnpsim_system *sys, char *before, const char *file,
                                     int line)
{
    char *after = pnpsim_test_snapshot(sys);
    int same = strcmp(before, after) == 0;
    NTSTATUS st;
    if (!same)
        fprintf(stderr, "%s:%d: the system changed.\nbefore: %s\nafter:  %s\n", file, line,
                before, after);
    free(before);
    free(after);
    if (!same)
        _fail(file, line);
    st = pnpsim_system_check(sys);
    if (st != STATUS_SUCCESS) {
        fprintf(stderr, "%s:%d: pnpsim_system_check: %s: %s\n", file, line,
                pnpsim_status_name(st), pnpsim_last_error_message());
        _fail(file, line);
    }
}

pnpsim_system *pnpsim_test_sweep_system(const char *name)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_system *sys = NULL;
    cfg.name = name;
    if (getenv("PNPSIM_TRACE") != NULL)
        cfg.trace_to_stderr = 1;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &sys));
    pnpsim_system_enter(sys);
    return sys;
}

void pnpsim_test_sweep_finish(pnpsim_system *sys, const char *what, unsigned long n)
{
    NTSTATUS st = pnpsim_system_check(sys);
    size_t pool;
    if (st != STATUS_SUCCESS)
        fail_msg("%s, run %lu: pnpsim_system_check: %s", what, n, pnpsim_last_error_message());
    pnpsim_system_shutdown(sys);
    st = pnpsim_system_check(sys);
    if (st != STATUS_SUCCESS)
        fail_msg("%s, run %lu: after shutdown: %s", what, n, pnpsim_last_error_message());
    pool = pnpsim_system_pool_outstanding(sys, NULL);
    if (pool != 0 || pnpsim_system_pool_leaks(sys) != 0)
        fail_msg("%s, run %lu: %zu pool blocks outstanding, %zu leaked", what, n, pool,
                 pnpsim_system_pool_leaks(sys));
    pnpsim_system_leave(sys);
    pnpsim_system_destroy(sys);
}

const char *pnpsim_test_tmp_dir(void)
{
    const char *d = getenv("TMPDIR");
    if (d == NULL)
        d = getenv("TEMP");
    return d != NULL ? d : ".";
}
