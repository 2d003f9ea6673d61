/* SPDX-License-Identifier: MIT */
/*
 * This file implements the tests of the registry store through its native API
 * (<pnpsim/registry.h>): setting and reading values, keys and deletion, out of memory
 * leaving the store unchanged, and saving/loading the persistent part: round trip,
 * volatile keys not saved, and damaged files (truncated, bit-flipped, wrong version,
 * trailing data, bad escapes) rejected with nothing loaded. The file format is the one
 * documented at the top of src/core/registry.c.
 */
#include "pnpsim_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pnpsim/wdk/wdm.h>

#define SVC "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\regtest"

static char tmp_path[256];

static const char *file_path(const char *tag)
{
    snprintf(tmp_path, sizeof(tmp_path), "pnpsim_test_registry_%s_%ld.txt", tag,
             (long)(size_t)&tmp_path % 100000);
    return tmp_path;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void write_all(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* ---- native API ---------------------------------------------------------------------- */

static void test_registry__set_and_get_string_and_dword(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char buf[32];
    size_t need = 0;
    uint32_t v = 0;
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_string(sys, SVC "\\Parameters", "Name", "héllo"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC, "Start", 3));
    assert_true(pnpsim_registry_key_exists(sys, SVC "\\PARAMETERS"));
    assert_nt_status(STATUS_SUCCESS,
                     pnpsim_registry_get_string(sys, SVC "\\Parameters", "name", buf, sizeof(buf), &need));
    assert_string_equal(buf, "héllo");
    assert_int_equal(need, strlen("héllo") + 1);
    assert_nt_status(STATUS_BUFFER_TOO_SMALL,
                     pnpsim_registry_get_string(sys, SVC "\\Parameters", "Name", buf, 3, &need));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(sys, SVC, "start", &v));
    assert_int_equal(v, 3);
    assert_nt_status(STATUS_OBJECT_TYPE_MISMATCH, pnpsim_registry_get_dword(sys, SVC "\\Parameters", "Name", &v));
    assert_nt_status(STATUS_OBJECT_TYPE_MISMATCH,
                     pnpsim_registry_get_string(sys, SVC, "Start", buf, sizeof(buf), NULL));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, pnpsim_registry_get_dword(sys, SVC, "nope", &v));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, pnpsim_registry_get_dword(sys, SVC "\\nokey", "x", &v));
}

static void test_registry__bad_arguments(void **state)
{
    pnpsim_system *sys = TSYS(state);
    uint32_t v;
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_registry_set_dword(NULL, SVC, "x", 1));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_registry_set_dword(sys, NULL, "x", 1));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_registry_set_string(sys, SVC, "x", NULL));
    assert_nt_status(STATUS_INVALID_PARAMETER, pnpsim_registry_get_dword(sys, SVC, "x", NULL));
    assert_nt_status(STATUS_OBJECT_PATH_SYNTAX_BAD, pnpsim_registry_set_dword(sys, "Registry\\X", "x", 1));
    assert_nt_status(STATUS_OBJECT_PATH_NOT_FOUND, pnpsim_registry_set_dword(sys, "\\Other\\X", "x", 1));
    assert_nt_status(STATUS_OBJECT_NAME_INVALID, pnpsim_registry_set_dword(sys, SVC "\\\\x", "x", 1));
    assert_false(pnpsim_registry_key_exists(sys, NULL));
    assert_false(pnpsim_registry_key_exists(sys, "\\Registry\\Nothing"));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, pnpsim_registry_get_dword(sys, SVC, "x", &v));
}

/* Predefined keys exist and the roots cannot be deleted. */
static void test_registry__predefined_keys(void **state)
{
    pnpsim_system *sys = TSYS(state);
    assert_true(pnpsim_registry_key_exists(sys, "\\Registry"));
    assert_true(pnpsim_registry_key_exists(sys, "\\Registry\\Machine\\System\\CurrentControlSet\\Control"));
    assert_true(pnpsim_registry_key_exists(sys, "\\Registry\\Machine\\System\\CurrentControlSet\\Enum"));
    assert_true(pnpsim_registry_key_exists(sys, "\\Registry\\User"));
    assert_nt_status(STATUS_ACCESS_DENIED, pnpsim_registry_delete_key(sys, "\\Registry\\Machine"));
    assert_nt_status(STATUS_ACCESS_DENIED, pnpsim_registry_delete_key(sys, "\\Registry"));
    assert_true(pnpsim_registry_key_exists(sys, "\\Registry\\Machine\\System"));
}

static void test_registry__delete_key_removes_subtree(void **state)
{
    pnpsim_system *sys = TSYS(state);
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC "\\a\\b\\c", "x", 1));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_delete_key(sys, SVC "\\a"));
    assert_false(pnpsim_registry_key_exists(sys, SVC "\\a\\b\\c"));
    assert_false(pnpsim_registry_key_exists(sys, SVC "\\a"));
    assert_true(pnpsim_registry_key_exists(sys, SVC));
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, pnpsim_registry_delete_key(sys, SVC "\\a"));
}

/* Many subkeys: look-ups stay correct through table growth and deletions (hash index). */
static void test_registry__many_subkeys_and_deletions(void **state)
{
    pnpsim_system *sys = TSYS(state);
    char path[160];
    int i;
    uint32_t v;
    for (i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), SVC "\\k%d", i);
        assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, path, "i", (uint32_t)i));
    }
    for (i = 0; i < 300; i += 3) {
        snprintf(path, sizeof(path), SVC "\\K%d", i);
        assert_nt_status(STATUS_SUCCESS, pnpsim_registry_delete_key(sys, path));
    }
    for (i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), SVC "\\k%d", i);
        if (i % 3 == 0) {
            assert_false(pnpsim_registry_key_exists(sys, path));
        } else {
            assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(sys, path, "I", &v));
            assert_int_equal(v, (uint32_t)i);
        }
    }
}

/* Out of memory at every allocation of a set: STATUS_INSUFFICIENT_RESOURCES and the store
 * unchanged (no half-created key chain, old value kept). */
static void test_registry__out_of_memory_sweep_leaves_store_unchanged(void **state)
{
    pnpsim_system *sys = TSYS(state);
    unsigned long n;
    NTSTATUS st = STATUS_INSUFFICIENT_RESOURCES;
    uint32_t v;
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC, "Old", 1));
    for (n = 1; n < 100; n++) {
        pnpsim_fault_alloc(sys, n, 1);
        st = pnpsim_registry_set_dword(sys, SVC "\\new1\\new2", "v", 5);
        pnpsim_fault_clear(sys);
        if (st == STATUS_SUCCESS)
            break;
        assert_nt_status(STATUS_INSUFFICIENT_RESOURCES, st);
        assert_false(pnpsim_registry_key_exists(sys, SVC "\\new1"));
        pnpsim_fault_alloc(sys, n, 1);
        st = pnpsim_registry_set_dword(sys, SVC, "Old", 2);
        pnpsim_fault_clear(sys);
        assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(sys, SVC, "Old", &v));
        assert_int_equal(v, st == STATUS_SUCCESS ? 2u : 1u);
        assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC, "Old", 1));
    }
    assert_true(n > 1 && n < 100);
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(sys, SVC "\\new1\\new2", "v", &v));
    assert_int_equal(v, 5);
}

/* ---- save / load --------------------------------------------------------------------- */

static void fill_sample(pnpsim_system *sys)
{
    static const unsigned char blob[] = {0, 1, 0xFE, 0x25, 0x5C};
    static const WCHAR multi[] = L"a\0bc\0";
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_string(sys, SVC "\\Parameters", "Friendly Name", "x y%z\\w"));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC, "Start", 3));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_value(sys, SVC, "Blob", REG_BINARY, blob, sizeof(blob)));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_value(sys, SVC, "Multi", REG_MULTI_SZ, multi, sizeof(multi)));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_value(sys, SVC, "", REG_NONE, NULL, 0));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_value(sys, SVC, "Odd", 0x1234, "ab", 2));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_create_key(sys, SVC "\\Key With Space\\Ünïcode", false));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_create_key(sys, SVC "\\Volatile", true));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC "\\Volatile", "gone", 1));
}

static void test_registry__save_load_round_trip_skips_volatile(void **state)
{
    pnpsim_system *sys = TSYS(state), *other;
    const char *path = file_path("rt");
    char buf[64];
    uint32_t v = 0;
    fill_sample(sys);
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_save(sys, path));
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &other));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_load(other, path));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_string(other, SVC "\\Parameters", "friendly name", buf, sizeof(buf), NULL));
    assert_string_equal(buf, "x y%z\\w");
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(other, SVC, "Start", &v));
    assert_int_equal(v, 3);
    assert_true(pnpsim_registry_key_exists(other, SVC "\\Key With Space\\Ünïcode"));
    assert_false(pnpsim_registry_key_exists(other, SVC "\\Volatile"));
    assert_true(pnpsim_registry_key_exists(other, "\\Registry\\User"));
    /* saving the loaded store gives the same file */
    {
        const char *path2 = "pnpsim_test_registry_rt2.txt";
        size_t l1, l2;
        char *a, *b;
        assert_nt_status(STATUS_SUCCESS, pnpsim_registry_save(other, path2));
        a = read_all(path, &l1);
        b = read_all(path2, &l2);
        assert_int_equal(l1, l2);
        assert_memory_equal(a, b, l1);
        assert_non_null(strstr(a, "pnpsim-registry 1\n"));
        assert_null(strstr(a, "Volatile"));
        free(a);
        free(b);
        remove(path2);
    }
    pnpsim_system_destroy(other);
    if (pnpsim_system_current() != sys) /* destroy may have changed the current system */
        pnpsim_system_enter(sys);
    remove(path);
}

/* Load replaces the store: keys not in the file are gone; Zw handles on old keys then fail
 * with STATUS_KEY_DELETED until closed. */
static void test_registry__load_replaces_store(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const char *path = file_path("replace");
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    HANDLE h;
    ULONG v = 1;
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC, "Saved", 1));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_save(sys, path));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC "\\Later", "x", 1));
    RtlInitUnicodeString(&us, L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\regtest\\Later");
    InitializeObjectAttributes(&oa, &us, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_nt_status(STATUS_SUCCESS, ZwOpenKey(&h, KEY_ALL_ACCESS, &oa));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_load(sys, path));
    assert_false(pnpsim_registry_key_exists(sys, SVC "\\Later"));
    assert_true(pnpsim_registry_key_exists(sys, SVC));
    RtlInitUnicodeString(&us, L"x");
    assert_nt_status(STATUS_KEY_DELETED, ZwSetValueKey(h, &us, 0, REG_DWORD, &v, sizeof(v)));
    assert_nt_status(STATUS_SUCCESS, ZwClose(h));
    remove(path);
}

/* A damaged file is rejected with the given status and nothing is loaded. */
static void expect_rejected(pnpsim_system *sys, const char *path, const char *data, size_t len,
                            NTSTATUS expected)
{
    uint32_t v = 0;
    write_all(path, data, len);
    assert_nt_status(expected, pnpsim_registry_load(sys, path));
    assert_non_null(strstr(pnpsim_last_error_message(), "line"));
    /* the store is as before */
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(sys, SVC, "Marker", &v));
    assert_int_equal(v, 42);
    assert_false(pnpsim_registry_key_exists(sys, SVC "\\Parameters"));
}

static void test_registry__damaged_files_are_rejected_and_nothing_loaded(void **state)
{
    pnpsim_system *sys = TSYS(state), *src;
    const char *path = file_path("damage");
    char *good, *bad;
    size_t len, i;
    assert_nt_status(STATUS_SUCCESS, pnpsim_system_create(NULL, &src));
    fill_sample(src);
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_save(src, path));
    pnpsim_system_destroy(src);
    if (pnpsim_system_current() != sys)
        pnpsim_system_enter(sys);
    good = read_all(path, &len);
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC, "Marker", 42));
    bad = malloc(len + 32);
    assert_non_null(bad);

    /* truncated: every length in the header, then a spread of lengths through the file
     * (each one a file write and a load, which is slow on some file systems) */
    for (i = 0; i < len; i += i < 40 ? 1 : 13)
        expect_rejected(sys, path, good, i, STATUS_FILE_CORRUPT_ERROR);
    /* one bit flipped, at a spread of positions including the first and last bytes */
    for (i = 0; i < len; i = (i + 7 < len || i == len - 1) ? i + 7 : len - 1) {
        memcpy(bad, good, len);
        bad[i] ^= 0x04;
        write_all(path, bad, len);
        {
            NTSTATUS st = pnpsim_registry_load(sys, path);
            uint32_t v = 0;
            assert_true(st == STATUS_FILE_CORRUPT_ERROR || st == STATUS_REVISION_MISMATCH);
            assert_nt_status(STATUS_SUCCESS, pnpsim_registry_get_dword(sys, SVC, "Marker", &v));
            assert_int_equal(v, 42);
        }
    }
    /* wrong version */
    memcpy(bad, good, len);
    bad[16] = '2';
    expect_rejected(sys, path, bad, len, STATUS_REVISION_MISMATCH);
    /* trailing data after the end line */
    memcpy(bad, good, len);
    memcpy(bad + len, "key 0 :X\n", 9);
    expect_rejected(sys, path, bad, len + 9, STATUS_FILE_CORRUPT_ERROR);
    /* a hand-written file with a bad escape (checksum cannot save it) */
    {
        static const char text[] = "pnpsim-registry 1\nkey 0 :\nkey 0 :MACHINE%zz\nend 2 0 00000000\n";
        expect_rejected(sys, path, text, sizeof(text) - 1, STATUS_FILE_CORRUPT_ERROR);
    }
    /* a second root line, a key whose parent was not defined, an unknown type */
    {
        static const char t1[] = "pnpsim-registry 1\nkey 0 :\nkey 0 :\nend 2 0 00000000\n";
        static const char t2[] = "pnpsim-registry 1\nkey 0 :\nkey 0 :A\\B\nend 2 0 00000000\n";
        static const char t3[] =
            "pnpsim-registry 1\nkey 0 :\nvalue :v REG_WHAT 00\nend 1 1 00000000\n";
        expect_rejected(sys, path, t1, sizeof(t1) - 1, STATUS_FILE_CORRUPT_ERROR);
        expect_rejected(sys, path, t2, sizeof(t2) - 1, STATUS_FILE_CORRUPT_ERROR);
        expect_rejected(sys, path, t3, sizeof(t3) - 1, STATUS_FILE_CORRUPT_ERROR);
    }
    assert_nt_status(STATUS_OBJECT_NAME_NOT_FOUND, pnpsim_registry_load(sys, "/nonexistent/dir/x"));
    free(bad);
    free(good);
    remove(path);
}

/* The save replaces an existing file (written to <path>.tmp, then renamed). */
static void test_registry__save_replaces_existing_file(void **state)
{
    pnpsim_system *sys = TSYS(state);
    const char *path = file_path("replace_file");
    char tmp[300];
    size_t len;
    char *text;
    FILE *f;
    write_all(path, "old contents\n", 13);
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_set_dword(sys, SVC, "New", 1));
    assert_nt_status(STATUS_SUCCESS, pnpsim_registry_save(sys, path));
    text = read_all(path, &len);
    assert_non_null(strstr(text, "value :New REG_DWORD 01000000\n"));
    free(text);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "rb");
    assert_null(f);
    assert_nt_status(STATUS_OBJECT_PATH_NOT_FOUND, pnpsim_registry_save(sys, "/nonexistent/dir/x"));
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        PNPSIM_TEST(test_registry__set_and_get_string_and_dword),
        PNPSIM_TEST(test_registry__bad_arguments),
        PNPSIM_TEST(test_registry__predefined_keys),
        PNPSIM_TEST(test_registry__delete_key_removes_subtree),
        PNPSIM_TEST(test_registry__many_subkeys_and_deletions),
        PNPSIM_TEST(test_registry__out_of_memory_sweep_leaves_store_unchanged),
        PNPSIM_TEST(test_registry__save_load_round_trip_skips_volatile),
        PNPSIM_TEST(test_registry__load_replaces_store),
        PNPSIM_TEST(test_registry__damaged_files_are_rejected_and_nothing_loaded),
        PNPSIM_TEST(test_registry__save_replaces_existing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
