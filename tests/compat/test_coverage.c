/* SPDX-License-Identifier: MIT */
/*
 * This file keeps README's DDI coverage table true: every routine declared in
 * the headers of include/pnpsim/wdk has exactly one row (and every row names a declared routine),
 * each row's status is working / partial / not implemented, and every declared routine is
 * in src/wdk/mm_routines.h (so MmGetSystemRoutineAddress returns it). On failure it prints
 * the rows or lines to add.
 */
#include "pnpsim_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 2048

typedef struct names {
    char *v[MAX_NAMES];
    size_t n;
} names;

static void add(names *s, const char *p, size_t len)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && strncmp(s->v[i], p, len) == 0)
            return;
    assert_true(s->n < MAX_NAMES);
    s->v[s->n] = calloc(1, len + 1);
    assert_non_null(s->v[s->n]);
    memcpy(s->v[s->n], p, len);
    s->n++;
}

static int has(const names *s, const char *p)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (strcmp(s->v[i], p) == 0)
            return 1;
    return 0;
}

static void release(names *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        free(s->v[i]);
    s->n = 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    long size;
    char *buf;
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = calloc(1, (size_t)size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int is_ident(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Routines declared in one header: lines that start with a declaration macro; the name is
 * the identifier before the line's first '('. */
static void scan_header(const char *text, names *out)
{
    static const char *const macros[] = {"NTKERNELAPI ",  "NTSYSAPI ",      "NTHALAPI ",
                                         "NTSTRSAFEDDI ", "NTSTRSAFEVAPI ", "NTSTRSAFEAPI "};
    const char *line = text;
    while (line != NULL && *line != '\0') {
        const char *eol = strchr(line, '\n');
        size_t len = eol != NULL ? (size_t)(eol - line) : strlen(line);
        size_t m;
        for (m = 0; m < sizeof(macros) / sizeof(macros[0]); m++) {
            size_t ml = strlen(macros[m]);
            const char *paren, *end, *start;
            if (len < ml || strncmp(line, macros[m], ml) != 0)
                continue;
            paren = memchr(line, '(', len);
            if (paren == NULL || memchr(line, ';', (size_t)(paren - line)) != NULL)
                break;
            end = paren;
            while (end > line && (end[-1] == ' '))
                end--;
            start = end;
            while (start > line && is_ident(start[-1]))
                start--;
            if (end > start)
                add(out, start, (size_t)(end - start));
            break;
        }
        line = eol != NULL ? eol + 1 : NULL;
    }
}

static void declared(names *out)
{
    const char *dir = PNPSIM_SOURCE_DIR "/include/pnpsim/wdk";
    DIR *d = opendir(dir);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        char *text;
        size_t n = strlen(e->d_name);
        if (n < 3 || strcmp(e->d_name + n - 2, ".h") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        text = slurp(path);
        assert_non_null(text);
        scan_header(text, out);
        free(text);
    }
    closedir(d);
}

/* `name` rows of README's table; statuses checked on the way. */
static int table_rows(names *out)
{
    char *readme = slurp(PNPSIM_SOURCE_DIR "/README.md");
    char *begin, *end, *p;
    int bad = 0;
    assert_non_null(readme);
    begin = strstr(readme, "<!-- ddi-coverage:begin -->");
    end = strstr(readme, "<!-- ddi-coverage:end -->");
    assert_non_null(begin);
    assert_non_null(end);
    for (p = begin; p != NULL && p < end; p = strchr(p, '\n'), p = p != NULL ? p + 1 : NULL) {
        char *name, *name_end, *status;
        if (strncmp(p, "| `", 3) != 0)
            continue;
        name = p + 3;
        name_end = strchr(name, '`');
        if (name_end == NULL)
            break;
        add(out, name, (size_t)(name_end - name));
        status = strchr(strchr(name_end + 2, '|') + 1, '|');
        if (status == NULL)
            continue;
        status++;
        while (*status == ' ')
            status++;
        if (strncmp(status, "working |", 9) != 0 && strncmp(status, "partial |", 9) != 0 &&
            strncmp(status, "not implemented |", 17) != 0) {
            fprintf(stderr,
                    "README coverage row %.*s: status must be working, partial or "
                    "not implemented\n",
                    (int)(name_end - name), name);
            bad++;
        }
    }
    free(readme);
    return bad;
}

static void routine_table(names *out)
{
    char *text = slurp(PNPSIM_SOURCE_DIR "/src/wdk/mm_routines.h");
    const char *p;
    assert_non_null(text);
    for (p = strstr(text, "PNPSIM_ROUTINE("); p != NULL; p = strstr(p, "PNPSIM_ROUTINE(")) {
        const char *q = p + 15, *e = strchr(q, ')');
        if (e == NULL)
            break;
        add(out, q, (size_t)(e - q));
        p = e;
    }
    free(text);
}

/* README's table lists exactly the declared routines. */
static void test_coverage__readme_table_matches_the_headers(void **state)
{
    names decl = {{0}, 0}, rows = {{0}, 0};
    size_t i;
    int missing = 0, extra = 0, bad;
    (void)state;
    declared(&decl);
    bad = table_rows(&rows);
    assert_true(decl.n > 100);
    for (i = 0; i < decl.n; i++) {
        if (!has(&rows, decl.v[i])) {
            fprintf(stderr, "README coverage table lacks: | `%s` | <header> | working | |\n",
                    decl.v[i]);
            missing++;
        }
    }
    for (i = 0; i < rows.n; i++) {
        if (!has(&decl, rows.v[i])) {
            fprintf(stderr, "README coverage table lists %s, which no header declares\n",
                    rows.v[i]);
            extra++;
        }
    }
    release(&decl);
    release(&rows);
    assert_int_equal(missing, 0);
    assert_int_equal(extra, 0);
    assert_int_equal(bad, 0);
}

/* MmGetSystemRoutineAddress's table (mm_routines.h) lists exactly the declared routines. */
static void test_coverage__routine_table_matches_the_headers(void **state)
{
    names decl = {{0}, 0}, table = {{0}, 0};
    size_t i;
    int missing = 0, extra = 0;
    (void)state;
    declared(&decl);
    routine_table(&table);
    for (i = 0; i < decl.n; i++) {
        if (!has(&table, decl.v[i])) {
            fprintf(stderr, "src/wdk/mm_routines.h lacks: PNPSIM_ROUTINE(%s)\n", decl.v[i]);
            missing++;
        }
    }
    for (i = 0; i < table.n; i++) {
        if (!has(&decl, table.v[i])) {
            fprintf(stderr, "src/wdk/mm_routines.h lists %s, which no header declares\n",
                    table.v[i]);
            extra++;
        }
    }
    release(&decl);
    release(&table);
    assert_int_equal(missing, 0);
    assert_int_equal(extra, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coverage__readme_table_matches_the_headers),
        cmocka_unit_test(test_coverage__routine_table_matches_the_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
