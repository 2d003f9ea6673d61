/* SPDX-License-Identifier: MIT */
/*
 * This file implements the entry point of the pnpsim command:
 *   pnpsim run SCENARIO [--json] [--dot FILE] [--png FILE] [--delivery MODE] [--step]
 *   pnpsim demo [--json] [--dot FILE] [--png FILE] [--delivery MODE] [--step]
 *   pnpsim explain STATUS|BUGCHECK
 * Exit status: 0 success (every expectation held), 1 an expectation failed, 2 bad usage or
 * bad scenario input (reported as FILE:LINE: message).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: pnpsim run SCENARIO [--json] [--dot FILE] [--png FILE]\n"
          "                           [--delivery deferred|manual|worker] [--step]\n"
          "       pnpsim demo [same options]     play the bundled demo scenario\n"
          "       pnpsim explain STATUS|BUGCHECK what a status or bug check means\n"
          "       pnpsim help\n"
          "Exit status: 0 ok, 1 an expectation failed, 2 bad usage or scenario.\n",
          f);
}

static int parse_opts(int argc, char **argv, int first, cli_run_opts *o)
{
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0)
            o->json = 1;
        else if (strcmp(a, "--step") == 0)
            o->step = 1;
        else if ((strcmp(a, "--dot") == 0 || strcmp(a, "--png") == 0 ||
                  strcmp(a, "--delivery") == 0) && i + 1 < argc) {
            const char *v = argv[++i];
            if (a[2] == 'd' && a[3] == 'o')
                o->dot_file = v;
            else if (a[2] == 'p')
                o->png_file = v;
            else if (strcmp(v, "deferred") == 0)
                o->delivery = PNPSIM_DELIVERY_DEFERRED;
            else if (strcmp(v, "manual") == 0)
                o->delivery = PNPSIM_DELIVERY_MANUAL;
            else if (strcmp(v, "worker") == 0)
                o->delivery = PNPSIM_DELIVERY_WORKER;
            else {
                fprintf(stderr, "pnpsim: unknown delivery '%s' (deferred, manual, worker)\n", v);
                return -1;
            }
        } else {
            fprintf(stderr, "pnpsim: unknown or incomplete option '%s'\n", a);
            return -1;
        }
    }
    return 0;
}

static int run_demo(const cli_run_opts *o)
{
    size_t len = 1;
    char *text;
    int rc;
    for (size_t i = 0; pnpsim_cli_demo_lines[i] != NULL; i++)
        len += strlen(pnpsim_cli_demo_lines[i]);
    text = malloc(len);
    if (text == NULL)
        return 2;
    text[0] = '\0';
    for (size_t i = 0; pnpsim_cli_demo_lines[i] != NULL; i++)
        strcat(text, pnpsim_cli_demo_lines[i]);
    rc = cli_run_text("demo.pnpsim", text, o);
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    cli_run_opts o;
    memset(&o, 0, sizeof(o));
    o.delivery = -1;
    o.out = stdout;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "explain") == 0) {
        if (argc != 3) {
            usage(stderr);
            return 2;
        }
        return cli_explain(argv[2], stdout);
    }
    if (strcmp(argv[1], "run") == 0) {
        if (argc < 3 || argv[2][0] == '-') {
            usage(stderr);
            return 2;
        }
        if (parse_opts(argc, argv, 3, &o) != 0)
            return 2;
        return cli_run_file(argv[2], &o);
    }
    if (strcmp(argv[1], "demo") == 0) {
        if (parse_opts(argc, argv, 2, &o) != 0)
            return 2;
        /* The picture goes next to the story unless the user chose where. */
        if (o.dot_file == NULL)
            o.dot_file = "pnpsim-demo.dot";
        return run_demo(&o);
    }
    fprintf(stderr, "pnpsim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
