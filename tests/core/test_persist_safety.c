/* SPDX-License-Identifier: MIT */
/*
 * This file implements the persistence-safety tests (issue 8): pnpsim_system_save
 * interrupted at each of its write points (pnpsim_fault_save_write) leaves the previous file
 * whole and loadable; truncated, bit-flipped and wrong-version files are rejected with an
 * error naming the problem and the line, and load nothing (the system's dump is unchanged
 * and pnpsim_system_check is clean). The format is described in src/core/registry.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pnpsim_test.h"

#include "drivers/notifydev.h"

#define ND_HWID "ROOT\\NOTIFYDEV"

static void file_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/pnpsim_persist_safety_%s.reg", pnpsim_test_tmp_dir(), name);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long n;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal((size_t)n, fread(b, 1, (size_t)n, f));
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

static void write_all(const char *path, const char *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(len, fwrite(b, 1, len, f));
    fclose(f);
}

/* Start notifydev on ROOT\NOTIFYDEV\<instance>: one registered interface each. */
static void start_device(pnpsim_system *sys, const char *instance)
{
    pnpsim_device *dev = NULL;
    if (pnpsim_driver_find(sys, "notifydev") == NULL) {
        PDRIVER_OBJECT drv = NULL;
        notifydev_reset();
        assert_nt_status(STATUS_SUCCESS,
                         pnpsim_driver_load(sys, "notifydev", NotifydevDriverEntry, &drv));
        assert_nt_status(STATUS_SUCCESS, pnpsim_driver_bind(sys, ND_HWID, drv));
    }
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_create(sys, NULL, ND_HWID, instance, &dev));
    assert_nt_status(STATUS_SUCCESS, pnpsim_device_start(dev));
}

/* How many interfaces of the class a fresh system loading path sees (-1: load failed). */
static long registered_in_file(const char *path)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    pnpsim_system *s = NULL;
    pnpsim_iface_list *l = NULL;
    long n = -1;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(&cfg, &s));
    if (pnpsim_system_load(s, path) == STATUS_SUCCESS &&
        pnpsim_iface_list_class(s, &GUID_NOTIFYDEV_CLASS, PNPSIM_IFACE_INCLUDE_DISABLED, &l) ==
            STATUS_SUCCESS)
        n = (long)l->count;
    pnpsim_iface_list_free(s, l);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_check(s));
    pnpsim_system_destroy(s);
    return n;
}

static void test_persist__save_interrupted_at_every_write_point_keeps_previous_file(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char path[512];
    unsigned long k;
    file_path(path, sizeof(path), "interrupt");
    start_device(sys, "0");
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_save(sys, path));
    assert_int_equal(1, registered_in_file(path));
    start_device(sys, "1"); /* the state to save now has two registrations */
    for (k = 1;; k++) {
        unsigned long before = pnpsim_fault_injected(sys);
        NTSTATUS st;
        assert_nt_status(STATUS_SUCCESS, pnpsim_fault_save_write(sys, k));
        st = pnpsim_system_save(sys, path);
        pnpsim_fault_clear(sys);
        if (pnpsim_fault_injected(sys) == before) {
            /* Past the last write point: the save went through. */
            assert_nt_status(STATUS_SUCCESS, st);
            break;
        }
        assert_true(st == STATUS_DISK_FULL || st == STATUS_ACCESS_DENIED ||
                    st == STATUS_OBJECT_PATH_NOT_FOUND);
        /* The previous file is whole: it loads, with its single registration. */
        assert_int_equal(1, registered_in_file(path));
        assert_system_check(sys);
    }
    /* create, first half, rest, flush+close, replace. */
    assert_int_equal(6, k);
    assert_int_equal(2, registered_in_file(path));
    remove(path);
}

static void test_persist__save_write_rule_bad_arguments(void **state)
{
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_fault_save_write(NULL, 1));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_fault_save_write(TSYS(state), 0));
}

/* Load damaged content into a system that has state of its own (after a reboot: a
 * registration is kept) and check nothing changed. */
static void expect_rejected(pnpsim_system *sys, const char *path, const char *content,
                            size_t len, NTSTATUS expect, const char *must_mention)
{
    char *before;
    write_all(path, content, len);
    before = pnpsim_test_snapshot(sys);
    assert_nt_status(expect, pnpsim_system_load(sys, path));
    if (strstr(pnpsim_last_error_message(), must_mention) == NULL)
        fail_msg("error message \"%s\" does not mention \"%s\"", pnpsim_last_error_message(),
                 must_mention);
    pnpsim_test_assert_unchanged(sys, before);
}

static void prepare(pnpsim_system *sys, const char *path, char **text, size_t *len)
{
    start_device(sys, "0");
    start_device(sys, "1");
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_save(sys, path));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_reboot(sys));
    *text = read_all(path, len);
}

static void test_persist__truncated_file_rejected_naming_the_line(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char path[512], *text;
    size_t len;
    file_path(path, sizeof(path), "truncated");
    prepare(sys, path, &text, &len);
    /* Cut in the middle of a line, at a line boundary, and just before the end line. */
    expect_rejected(sys, path, text, len / 2, STATUS_FILE_CORRUPT_ERROR, "line");
    {
        const char *end = strstr(text, "\nend ");
        assert_non_null(end);
        expect_rejected(sys, path, text, (size_t)(end - text) + 1, STATUS_FILE_CORRUPT_ERROR,
                        "line");
    }
    expect_rejected(sys, path, text, 0, STATUS_FILE_CORRUPT_ERROR, "line");
    free(text);
    remove(path);
}

static void test_persist__bit_flipped_file_rejected_naming_the_line(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char path[512], *text;
    size_t len;
    file_path(path, sizeof(path), "bitflip");
    prepare(sys, path, &text, &len);
    /* A flip anywhere is caught: in a key path, in value data, in the checksum. */
    for (size_t at = 20; at < len; at += len / 7) {
        char *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, text, len);
        copy[at] ^= 0x04;
        expect_rejected(sys, path, copy, len, STATUS_FILE_CORRUPT_ERROR, "line");
        free(copy);
    }
    free(text);
    remove(path);
}

static void test_persist__wrong_version_rejected(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char path[512], *text, *copy;
    size_t len;
    file_path(path, sizeof(path), "version");
    prepare(sys, path, &text, &len);
    assert_memory_equal("pnpsim-registry 1\n", text, 18);
    copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, text, len);
    copy[16] = '2';
    expect_rejected(sys, path, copy, len, STATUS_REVISION_MISMATCH, "line 1");
    memcpy(copy, "pnpsim-regisrty 1\n", 18); /* wrong magic */
    expect_rejected(sys, path, copy, len, STATUS_FILE_CORRUPT_ERROR, "line 1");
    /* The intact file still loads after all these refusals. */
    write_all(path, text, len);
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_load(sys, path));
    assert_system_check(sys);
    free(copy);
    free(text);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_persist__save_interrupted_at_every_write_point_keeps_previous_file),
        PNPSIM_TEST(test_persist__save_write_rule_bad_arguments),
        PNPSIM_TEST(test_persist__truncated_file_rejected_naming_the_line),
        PNPSIM_TEST(test_persist__bit_flipped_file_rejected_naming_the_line),
        PNPSIM_TEST(test_persist__wrong_version_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
