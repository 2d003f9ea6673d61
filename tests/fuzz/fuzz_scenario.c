/* SPDX-License-Identifier: MIT */
/*
 * This file implements the scenario-language fuzz target: the input is a scenario text
 * given to the player of the pnpsim command (cli_run_text, src/cli/scenario.c, linked in
 * without main.c), which parses all of it and, when it parses, plays it on a fresh system
 * with the scriptable drivers. Whatever the text, the player must end with one of its
 * documented exit statuses (0 all expectations held, 1 an expectation failed, 2 a bad
 * scenario) without crashing or leaking (the player records bug checks and goes on). Two
 * things are neutralised before the text is played, so fuzzing writes no files: `dump`
 * commands (which may name an output file) and NUL bytes (the file reader rejects them).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    char *text;
    cli_run_opts opts;
    int rc;

    if (size > 16 * 1024)
        return 0;
    if (sink == NULL) {
        sink = tmpfile();
        if (sink == NULL)
            sink = stdout;
    }
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    for (size_t i = 0; i < size; i++)
        text[i] = data[i] == 0 ? ' ' : (char)data[i];
    text[size] = 0;
    for (size_t i = 0; i + 4 <= size; i++) {
        if (tolower((unsigned char)text[i]) == 'd' && tolower((unsigned char)text[i + 1]) == 'u' &&
            tolower((unsigned char)text[i + 2]) == 'm' && tolower((unsigned char)text[i + 3]) == 'p')
            text[i] = 'x';
    }
    memset(&opts, 0, sizeof(opts));
    opts.delivery = -1;
    opts.out = sink;
    rc = cli_run_text("fuzz.pnpsim", text, &opts);
    if (rc < 0 || rc > 2) {
        fprintf(stderr, "fuzz_scenario: exit status %d\n", rc);
        abort();
    }
    if (sink != stdout)
        rewind(sink); /* keep the scratch file small */
    free(text);
    return 0;
}
