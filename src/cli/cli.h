/* SPDX-License-Identifier: MIT */
/*
 * This file declares what the parts of the pnpsim command share: the configuration of the
 * built-in scriptable WDM driver (one per `driver` line of a scenario), the scenario player,
 * and `explain`.
 */
#ifndef PNPSIM_CLI_H
#define PNPSIM_CLI_H

#include <stdio.h>

#include <pnpsim/pnpsim.h>

#define CLI_MAX_CLASSES 4

/* When the scriptable driver does something. */
enum { CLI_AT_NEVER = 0, CLI_AT_ADD = 1, CLI_AT_START = 2, CLI_AT_SURPRISE = 3, CLI_AT_REMOVE = 4 };

/* Bug switches of the scriptable driver. */
#define CLI_BUG_FORGET_DISABLE 0x01u /* never disables its interfaces */
#define CLI_BUG_WRONG_IRQL 0x02u     /* enables its interfaces at DISPATCH_LEVEL */
#define CLI_BUG_LEAK_REFERENCE 0x04u /* never releases the interface it queried */
#define CLI_BUG_RELEASE_TWICE 0x08u  /* releases the queried interface twice */
#define CLI_BUG_LEAK_POOL 0x10u      /* allocates pool in AddDevice and never frees it */
#define CLI_BUG_ENABLE_TWICE 0x20u   /* enables its interfaces twice */
#define CLI_BUG_FAIL_START 0x40u     /* fails IRP_MN_START_DEVICE */
#define CLI_BUG_FORGET_UNREGISTER 0x80u /* never unregisters its notification entry */

typedef struct cli_driver_cfg {
    char service[64];
    char kind[16];             /* "function", "bus", "consumer", "filter", "listener" (narration only) */
    GUID reg[CLI_MAX_CLASSES]; /* interface classes registered in AddDevice */
    int nreg;
    char reference[64];        /* reference string of the registrations ("" none) */
    int enable_at;             /* CLI_AT_ADD, CLI_AT_START or CLI_AT_NEVER */
    int disable_at;            /* CLI_AT_SURPRISE (surprise removal and remove), CLI_AT_REMOVE,
                                  CLI_AT_NEVER */
    int has_query;             /* query `query` from its own stack once started */
    GUID query;
    int has_export;            /* children plugged under it export `export` */
    GUID export_;
    int has_listen;            /* subscribe to arrivals/removals of `listen` (DriverEntry) */
    GUID listen;
    int veto_query_remove, veto_query_stop;
    unsigned bugs;
} cli_driver_cfg;

/* Register (or replace) the configuration a built-in driver loaded as cfg->service uses. */
int cli_driver_configure(const cli_driver_cfg *cfg);
/* The built-in driver's DriverEntry (finds its configuration by service name). */
NTSTATUS NTAPI CliDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);
/* The configuration of the driver owning the top of dev's stack, or NULL. */
const cli_driver_cfg *cli_driver_of_device(pnpsim_device *dev);
/* Forget every configuration (end of a run). */
void cli_drivers_reset(void);

/* Options of `pnpsim run`. */
typedef struct cli_run_opts {
    int json;                 /* narrate as JSON Lines */
    const char *dot_file;     /* write the final state as DOT here */
    const char *png_file;     /* render the final state to PNG here (Graphviz `dot`) */
    int delivery;             /* -1: the scenario's choice; else a pnpsim_delivery */
    int step;                 /* pause before each step */
    FILE *out;                /* narration */
} cli_run_opts;

/* Play a scenario held in text (name is used in messages). Returns the exit status:
 * 0 all expectations held, 1 an expectation failed, 2 bad scenario or usage. */
int cli_run_text(const char *name, const char *text, const cli_run_opts *opts);
/* Same, reading the file. */
int cli_run_file(const char *path, const cli_run_opts *opts);
/* `pnpsim explain WHAT`: returns the exit status. */
int cli_explain(const char *what, FILE *out);
/* Write dot_file as PNG (or SVG when png_file ends in .svg) with Graphviz. 0 on success. */
int cli_render_dot(const char *dot_file, const char *image_file);

/* The bundled demo scenario, one line per entry, NULL-terminated (generated). */
extern const char *const pnpsim_cli_demo_lines[];

#endif /* PNPSIM_CLI_H */
