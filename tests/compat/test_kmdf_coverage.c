/* SPDX-License-Identifier: MIT */
/*
 * This file keeps README's KMDF DDI table true: every framework method declared in
 * include/pnpsim/wdk/wdf*.h (a line starting with "WDFAPI "; the name is the identifier
 * before the line's first '(') has exactly one row between the kmdf-ddi-table markers,
 * every row names a declared method, and each row's status is working / partial / not
 * implemented. On failure it prints the rows to add or remove.
 */
#include "pnpsim_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 4096

typedef struct names {
    char *v[MAX_NAMES];
    char *header[MAX_NAMES];
    size_t n;
} names;

static void add(names *s, const char *p, size_t len, const char *header)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && strncmp(s->v[i], p, len) == 0)
            return;
    assert_true(s->n < MAX_NAMES);
    s->v[s->n] = calloc(1, len + 1);
    assert_non_null(s->v[s->n]);
    memcpy(s->v[s->n], p, len);
    s->header[s->n] = header != NULL ? strdup(header) : NULL;
    s->n++;
}

static const char *find(const names *s, const char *p)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (strcmp(s->v[i], p) == 0)
            return s->header[i] != NULL ? s->header[i] : "";
    return NULL;
}

static void release(names *s)
{
    size_t i;
    for (i = 0; i < s->n; i++) {
        free(s->v[i]);
        free(s->header[i]);
    }
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

/* The methods one header declares: lines starting with "WDFAPI ". */
static void scan_header(const char *text, const char *header, names *out)
{
    const char *line = text;
    while (line != NULL && *line != '\0') {
        const char *eol = strchr(line, '\n');
        size_t len = eol != NULL ? (size_t)(eol - line) : strlen(line);
        if (len > 7 && strncmp(line, "WDFAPI ", 7) == 0) {
            const char *paren = memchr(line, '(', len);
            if (paren != NULL) {
                const char *end = paren, *start;
                while (end > line && end[-1] == ' ')
                    end--;
                start = end;
                while (start > line && is_ident(start[-1]))
                    start--;
                if (end > start)
                    add(out, start, (size_t)(end - start), header);
            }
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
        if (n < 6 || strncmp(e->d_name, "wdf", 3) != 0 || strcmp(e->d_name + n - 2, ".h") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        text = slurp(path);
        assert_non_null(text);
        scan_header(text, e->d_name, out);
        free(text);
    }
    closedir(d);
}

/* The `name` rows of README's KMDF table; statuses checked on the way. */
static int table_rows(names *out)
{
    char *readme = slurp(PNPSIM_SOURCE_DIR "/README.md");
    char *begin, *end, *p;
    int bad = 0;
    assert_non_null(readme);
    begin = strstr(readme, "<!-- kmdf-ddi-table:begin -->");
    end = strstr(readme, "<!-- kmdf-ddi-table:end -->");
    assert_non_null(begin);
    assert_non_null(end);
    for (p = begin; p != NULL && p < end; p = strchr(p, '\n'), p = p != NULL ? p + 1 : NULL) {
        char *name, *name_end, *col, *status;
        if (strncmp(p, "| `", 3) != 0)
            continue;
        name = p + 3;
        name_end = strchr(name, '`');
        if (name_end == NULL)
            break;
        {
            size_t len = (size_t)(name_end - name);
            char tmp[256];
            if (len >= sizeof(tmp))
                len = sizeof(tmp) - 1;
            memcpy(tmp, name, len);
            tmp[len] = '\0';
            if (find(out, tmp) != NULL) {
                fprintf(stderr, "README KMDF table lists %s twice\n", tmp);
                bad++;
            }
        }
        add(out, name, (size_t)(name_end - name), NULL);
        col = strchr(name_end, '|');
        status = col != NULL ? strchr(col + 1, '|') : NULL;
        if (status == NULL) {
            bad++;
            continue;
        }
        status++;
        while (*status == ' ')
            status++;
        if (strncmp(status, "working |", 9) != 0 && strncmp(status, "partial |", 9) != 0 &&
            strncmp(status, "not implemented |", 17) != 0) {
            fprintf(stderr,
                    "README KMDF row %.*s: status must be working, partial or not implemented\n",
                    (int)(name_end - name), name);
            bad++;
        }
    }
    free(readme);
    return bad;
}

/* README's KMDF table lists exactly the WDFAPI methods of the wdf*.h headers. */
static void test_kmdf_coverage__readme_table_matches_the_headers(void **state)
{
    names decl = {{0}, {0}, 0}, rows = {{0}, {0}, 0};
    size_t i;
    int bad;
    (void)state;
    declared(&decl);
    assert_true(decl.n > 0);
    bad = table_rows(&rows);
    for (i = 0; i < decl.n; i++) {
        if (find(&rows, decl.v[i]) == NULL) {
            fprintf(stderr, "README KMDF table lacks: | `%s` | %s | working | |\n", decl.v[i],
                    decl.header[i]);
            bad++;
        }
    }
    for (i = 0; i < rows.n; i++) {
        if (find(&decl, rows.v[i]) == NULL) {
            fprintf(stderr, "README KMDF table lists %s, which no wdf*.h header declares\n",
                    rows.v[i]);
            bad++;
        }
    }
    release(&decl);
    release(&rows);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kmdf_coverage__readme_table_matches_the_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
