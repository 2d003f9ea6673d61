/* SPDX-License-Identifier: MIT */
/*
 * This file implements the corpus replayer that stands in for libFuzzer when the fuzz
 * targets are built without -DPNPSIM_FUZZ=ON: each argument is a file or a directory, and
 * every file (a directory's files in name order) is read and handed to the target's
 * LLVMFuzzerTestOneInput once. A target reports a defect by aborting, so reaching the end
 * means the whole corpus replayed cleanly. ctest runs it on tests/fuzz/corpus/<target>/
 * (label fuzz) in every lane: native, sanitizers and the MinGW build under Wine.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t size = 0, cap = 0, n;
    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    for (;;) {
        if (size == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 4096;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                fprintf(stderr, "replay: out of memory reading %s\n", path);
                return 1;
            }
            buf = nb;
        }
        n = fread(buf + size, 1, cap - size, f);
        if (n == 0)
            break;
        size += n;
    }
    fclose(f);
    /* An exact-size copy, so that a read past the input is caught by ASan. */
    {
        uint8_t *exact = malloc(size > 0 ? size : 1);
        if (exact == NULL) {
            free(buf);
            return 1;
        }
        if (size > 0)
            memcpy(exact, buf, size);
        free(buf);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays path (a file, or every regular file of a directory). Adds the count to *files. */
static int run_path(const char *path, unsigned *files)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: no such file or directory: %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*files)++;
        return run_file(path);
    }
    d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "replay: cannot list %s\n", path);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *full;
        if (e->d_name[0] == '.')
            continue;
        full = malloc(len);
        if (full == NULL)
            break;
        snprintf(full, len, "%s/%s", path, e->d_name);
        if (stat(full, &st) != 0 || S_ISDIR(st.st_mode)) {
            free(full);
            continue;
        }
        if (count == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
            if (nn == NULL) {
                free(full);
                break;
            }
            names = nn;
        }
        names[count++] = full;
    }
    closedir(d);
    if (count > 0)
        qsort(names, count, sizeof(*names), cmp_names);
    for (size_t i = 0; i < count; i++) {
        if (rc == 0)
            rc = run_file(names[i]);
        (*files)++;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned files = 0;
    int rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc && rc == 0; i++)
        rc = run_path(argv[i], &files);
    if (rc == 0 && files == 0) {
        fprintf(stderr, "replay: no input files\n");
        return 1;
    }
    if (rc == 0)
        printf("replayed %u input(s) cleanly\n", files);
    return rc;
}
