/* SPDX-License-Identifier: MIT */
/*
 * This file implements the scenario player of the pnpsim command: a small line-based
 * language (grammar in the README, "Scenario files") that builds a simulated system, loads
 * the built-in scriptable driver under several service names, creates, hot-plugs, starts,
 * stops, removes and surprise-removes devices, opens handles, exports and queries
 * interfaces, reboots, saves and loads the registry, and checks expectations. A scenario is
 * first parsed and checked as a whole (every error is reported as FILE:LINE: message and
 * the run ends with exit status 2 before anything happens); then it is played while the
 * simulator narrates every event. Expectations that do not hold make the exit status 1.
 * The player never crashes on bad input: bug checks are recorded and the play goes on.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <pnpsim/dump.h>

#include "cli.h"

#define MAX_ARGS 48
#define MAX_CLASSES 64

typedef struct cmd {
    int line;
    int argc;
    char *argv[MAX_ARGS];
    char *raw; /* the line as written (trimmed) */
} cmd;

typedef struct named_class {
    char name[64];
    GUID guid;
} named_class;

typedef struct handle {
    char path[200];
    PFILE_OBJECT file;
} handle;

typedef struct test_ref {
    char path[200];
    GUID guid;
    INTERFACE iface;
} test_ref;

typedef struct ctx {
    const char *name;
    const cli_run_opts *opts;
    FILE *out;   /* trace narration */
    FILE *info;  /* commands, expectations, messages */
    pnpsim_system *sys;
    cmd *cmds;
    int ncmds;
    named_class classes[MAX_CLASSES];
    int nclasses;
    handle handles[64];
    int nhandles;
    test_ref refs[64];
    int nrefs;
    char **events;     /* narrated events since the last action */
    size_t nevents, capevents;
    NTSTATUS last_status;
    int have_status;
    size_t bugcheck_mark, violation_mark;
    int failures;
    int errors;
    int stop;          /* a runtime error ended the play */
    int step_eof;
    pnpsim_delivery delivery;
} ctx;

static void error_at(ctx *c, int line, const char *fmt, ...) PNPSIM_PRINTF(3, 4);
static void error_at(ctx *c, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: error: ", c->name, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    c->errors++;
}

static int streqi(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* ---- parsing ------------------------------------------------------------------------ */

/* Split one line into tokens in place: whitespace separates, "..." quotes (no escapes),
 * '#' outside quotes starts a comment. Returns -1 on an unterminated quote. */
static int tokenize(char *s, cmd *out)
{
    out->argc = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        if (*s == '\0' || *s == '#')
            return 0;
        if (out->argc == MAX_ARGS)
            return -2;
        if (*s == '"') {
            char *end = strchr(s + 1, '"');
            if (end == NULL)
                return -1;
            *end = '\0';
            out->argv[out->argc++] = s + 1;
            s = end + 1;
            continue;
        }
        out->argv[out->argc++] = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\r')
            s++;
        if (*s)
            *s++ = '\0';
    }
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

static int parse_guid(const char *s, GUID *g)
{
    /* {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, braces optional */
    static const int groups[5] = {8, 4, 4, 4, 12};
    unsigned char bytes[16];
    int nb = 0, hi = -1;
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '{' && s[len - 1] == '}') {
        s++;
        len -= 2;
    }
    if (len != 36)
        return -1;
    for (int gi = 0, pos = 0; gi < 5; gi++) {
        for (int k = 0; k < groups[gi]; k++, pos++) {
            int v = hexval((unsigned char)s[pos]);
            if (v < 0)
                return -1;
            if (hi < 0)
                hi = v;
            else {
                bytes[nb++] = (unsigned char)(hi << 4 | v);
                hi = -1;
            }
        }
        if (gi < 4) {
            if (s[pos] != '-')
                return -1;
            pos++;
        }
    }
    g->Data1 = (ULONG)bytes[0] << 24 | (ULONG)bytes[1] << 16 | (ULONG)bytes[2] << 8 | bytes[3];
    g->Data2 = (USHORT)(bytes[4] << 8 | bytes[5]);
    g->Data3 = (USHORT)(bytes[6] << 8 | bytes[7]);
    memcpy(g->Data4, bytes + 8, 8);
    return 0;
}

/* A class: a name defined with `class`, or a GUID literal. */
static int lookup_class(ctx *c, const char *s, GUID *g)
{
    for (int i = 0; i < c->nclasses; i++) {
        if (streqi(c->classes[i].name, s)) {
            *g = c->classes[i].guid;
            return 0;
        }
    }
    return parse_guid(s, g);
}

static int parse_number(const char *s, unsigned long long *out)
{
    char *end;
    if (s == NULL || *s == '\0' || *s == '-')
        return -1;
    *out = strtoull(s, &end, 0);
    return *end == '\0' ? 0 : -1;
}

/* Split "a,b,c" into out (modifies s). */
static int split_commas(char *s, char **out, int max)
{
    int n = 0;
    char *p = s;
    while (p != NULL && *p) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*p && n < max)
            out[n++] = p;
        p = comma ? comma + 1 : NULL;
    }
    return n;
}

static int parse_driver(ctx *c, const cmd *k, cli_driver_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    if (k->argc < 3) {
        error_at(c, k->line, "usage: driver SERVICE function|bus|consumer|filter|listener "
                 "[key=value...]");
        return -1;
    }
    if (strlen(k->argv[1]) >= sizeof(cfg->service) || strchr(k->argv[1], '\\')) {
        error_at(c, k->line, "bad service name '%s'", k->argv[1]);
        return -1;
    }
    snprintf(cfg->service, sizeof(cfg->service), "%s", k->argv[1]);
    if (!streqi(k->argv[2], "function") && !streqi(k->argv[2], "bus") &&
        !streqi(k->argv[2], "consumer") && !streqi(k->argv[2], "filter") &&
        !streqi(k->argv[2], "listener")) {
        error_at(c, k->line, "unknown driver kind '%s' (function, bus, consumer, filter or "
                 "listener)",
                 k->argv[2]);
        return -1;
    }
    snprintf(cfg->kind, sizeof(cfg->kind), "%s", k->argv[2]);
    cfg->enable_at = CLI_AT_START;
    cfg->disable_at = CLI_AT_SURPRISE;
    for (int i = 3; i < k->argc; i++) {
        char buf[256], *eq, *items[16];
        int n;
        snprintf(buf, sizeof(buf), "%s", k->argv[i]);
        eq = strchr(buf, '=');
        if (eq == NULL) {
            error_at(c, k->line, "driver option '%s' is not key=value", k->argv[i]);
            return -1;
        }
        *eq++ = '\0';
        n = split_commas(eq, items, 16);
        if (strcmp(buf, "register") == 0) {
            for (int j = 0; j < n; j++) {
                if (cfg->nreg == CLI_MAX_CLASSES) {
                    error_at(c, k->line, "at most %d classes per driver", CLI_MAX_CLASSES);
                    return -1;
                }
                if (lookup_class(c, items[j], &cfg->reg[cfg->nreg++]) != 0) {
                    error_at(c, k->line, "unknown interface class '%s' (define it with "
                             "`class NAME {GUID}` first)", items[j]);
                    return -1;
                }
            }
        } else if (strcmp(buf, "reference") == 0) {
            if (strlen(eq) >= sizeof(cfg->reference)) {
                error_at(c, k->line, "reference string too long");
                return -1;
            }
            snprintf(cfg->reference, sizeof(cfg->reference), "%s", eq);
        } else if (strcmp(buf, "enable") == 0) {
            if (strcmp(eq, "add") == 0)
                cfg->enable_at = CLI_AT_ADD;
            else if (strcmp(eq, "start") == 0)
                cfg->enable_at = CLI_AT_START;
            else if (strcmp(eq, "never") == 0)
                cfg->enable_at = CLI_AT_NEVER;
            else {
                error_at(c, k->line, "enable= takes add, start or never, not '%s'", eq);
                return -1;
            }
        } else if (strcmp(buf, "disable") == 0) {
            if (strcmp(eq, "surprise") == 0)
                cfg->disable_at = CLI_AT_SURPRISE;
            else if (strcmp(eq, "remove") == 0)
                cfg->disable_at = CLI_AT_REMOVE;
            else if (strcmp(eq, "never") == 0)
                cfg->disable_at = CLI_AT_NEVER;
            else {
                error_at(c, k->line, "disable= takes surprise, remove or never, not '%s'", eq);
                return -1;
            }
        } else if (strcmp(buf, "query") == 0 || strcmp(buf, "export") == 0 ||
                   strcmp(buf, "listen") == 0) {
            GUID g;
            if (n != 1 || lookup_class(c, items[0], &g) != 0) {
                error_at(c, k->line, "%s= takes one known interface class", buf);
                return -1;
            }
            if (buf[0] == 'q') {
                cfg->has_query = 1;
                cfg->query = g;
            } else if (buf[0] == 'l') {
                cfg->has_listen = 1;
                cfg->listen = g;
            } else {
                cfg->has_export = 1;
                cfg->export_ = g;
            }
        } else if (strcmp(buf, "veto") == 0) {
            for (int j = 0; j < n; j++) {
                if (strcmp(items[j], "query-remove") == 0)
                    cfg->veto_query_remove = 1;
                else if (strcmp(items[j], "query-stop") == 0)
                    cfg->veto_query_stop = 1;
                else {
                    error_at(c, k->line, "veto= takes query-remove and/or query-stop, not '%s'",
                             items[j]);
                    return -1;
                }
            }
        } else if (strcmp(buf, "bug") == 0) {
            static const struct { const char *name; unsigned bit; } bugs[] = {
                {"forget-disable", CLI_BUG_FORGET_DISABLE}, {"wrong-irql", CLI_BUG_WRONG_IRQL},
                {"leak-reference", CLI_BUG_LEAK_REFERENCE},
                {"release-twice", CLI_BUG_RELEASE_TWICE}, {"leak-pool", CLI_BUG_LEAK_POOL},
                {"enable-twice", CLI_BUG_ENABLE_TWICE}, {"fail-start", CLI_BUG_FAIL_START},
                {"forget-unregister", CLI_BUG_FORGET_UNREGISTER}};
            for (int j = 0; j < n; j++) {
                size_t b;
                for (b = 0; b < sizeof(bugs) / sizeof(bugs[0]); b++)
                    if (strcmp(items[j], bugs[b].name) == 0)
                        break;
                if (b == sizeof(bugs) / sizeof(bugs[0])) {
                    error_at(c, k->line, "unknown bug '%s' (forget-disable, wrong-irql, "
                             "leak-reference, release-twice, leak-pool, enable-twice, "
                             "fail-start, forget-unregister)", items[j]);
                    return -1;
                }
                cfg->bugs |= bugs[b].bit;
            }
        } else {
            error_at(c, k->line, "unknown driver option '%s' (register, reference, enable, "
                     "disable, query, export, listen, veto, bug)", buf);
            return -1;
        }
    }
    return 0;
}

typedef struct cmd_spec {
    const char *name;
    int min, max; /* argument counts after the command word */
    const char *usage;
} cmd_spec;

static const cmd_spec specs[] = {
    {"system", 2, 2, "system delivery deferred|manual|worker  |  system name NAME"},
    {"class", 2, 2, "class NAME {GUID}"},
    {"driver", 2, MAX_ARGS - 1, "driver SERVICE function|bus|consumer|filter|listener "
                                "[key=value...]"},
    {"bind", 2, 3, "bind HARDWARE_ID SERVICE [lower|upper]"},
    {"create", 2, 6, "create DEVICE_ID INSTANCE_ID [under PARENT_PATH] [hwid ID[,ID...]]"},
    {"plug", 3, 3, "plug PARENT_PATH DEVICE_ID INSTANCE_ID"},
    {"unplug", 1, 1, "unplug PATH"},
    {"start", 1, 1, "start PATH"},
    {"stop", 1, 1, "stop PATH"},
    {"remove", 1, 1, "remove PATH"},
    {"surprise-remove", 1, 1, "surprise-remove PATH"},
    {"uninstall", 1, 1, "uninstall PATH"},
    {"open", 1, 1, "open PATH"},
    {"close", 1, 1, "close PATH"},
    {"provide", 2, 2, "provide PATH CLASS"},
    {"query", 2, 2, "query PATH CLASS"},
    {"release", 2, 2, "release PATH CLASS"},
    {"register", 2, 3, "register PATH CLASS [REFERENCE]"},
    {"enable", 2, 3, "enable PATH CLASS [REFERENCE]"},
    {"disable", 2, 3, "disable PATH CLASS [REFERENCE]"},
    {"run-pending", 0, 0, "run-pending"},
    {"reboot", 0, 0, "reboot"},
    {"save", 1, 1, "save FILE"},
    {"load", 1, 1, "load FILE"},
    {"say", 1, MAX_ARGS - 1, "say TEXT..."},
    {"dump", 0, 2, "dump [text|json|dot] [FILE]"},
    {"expect", 1, MAX_ARGS - 1, "expect status|state|interfaces|registered|event|no-event|"
                                "bugcheck|violation|references|pool-leaks ..."},
};

static const cmd_spec *find_spec(const char *name)
{
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
        if (strcmp(specs[i].name, name) == 0)
            return &specs[i];
    return NULL;
}

/* Does the word a scenario uses name the state called n? "Started", "DeviceNodeStarted"
 * and the full name all do; a parenthesised suffix ("(RemovePendingCloses)") may be left
 * out. */
static int state_word_matches(const char *want, const char *n)
{
    char core[96];
    size_t len;
    if (streqi(want, n))
        return 1;
    snprintf(core, sizeof(core), "%s", n);
    len = strcspn(core, " (");
    core[len] = '\0';
    if (streqi(want, core))
        return 1;
    return strncmp(core, "DeviceNode", 10) == 0 && streqi(want, core + 10);
}

static int is_state_name(const char *s)
{
    if (streqi(s, "absent"))
        return 1;
    for (int st = PNPSIM_DEVICE_INITIALIZED; st <= PNPSIM_DEVICE_DELETED; st++)
        if (state_word_matches(s, pnpsim_device_state_name((pnpsim_device_state)st)))
            return 1;
    return 0;
}

/* Check an `expect` line's shape. */
static void check_expect(ctx *c, const cmd *k)
{
    const char *what = k->argv[1];
    GUID g;
    unsigned long long n;
    if (strcmp(what, "status") == 0) {
        if (k->argc != 3)
            error_at(c, k->line, "usage: expect status STATUS_NAME|0xCODE");
        else if (strncmp(k->argv[2], "STATUS_", 7) != 0 && parse_number(k->argv[2], &n) != 0)
            error_at(c, k->line, "'%s' is not a status (STATUS_... or a number)", k->argv[2]);
    } else if (strcmp(what, "state") == 0) {
        if (k->argc != 4)
            error_at(c, k->line, "usage: expect state PATH STATE");
        else if (!is_state_name(k->argv[3]))
            error_at(c, k->line, "unknown device state '%s' (Started, Removed, Deleted, "
                     "absent, ... or DeviceNode*)", k->argv[3]);
    } else if (strcmp(what, "interfaces") == 0 || strcmp(what, "registered") == 0) {
        const char *last = k->argv[k->argc - 1];
        if (k->argc < 5 || strcmp(k->argv[3], "==") != 0 || k->argv[4][0] != '[' ||
            last[0] == '\0' || last[strlen(last) - 1] != ']')
            error_at(c, k->line, "usage: expect %s CLASS == [ITEM, ...]", what);
        else if (lookup_class(c, k->argv[2], &g) != 0)
            error_at(c, k->line, "unknown interface class '%s'", k->argv[2]);
    } else if (strcmp(what, "event") == 0 || strcmp(what, "no-event") == 0) {
        if (k->argc < 3)
            error_at(c, k->line, "usage: expect %s TEXT", what);
    } else if (strcmp(what, "bugcheck") == 0) {
        if (k->argc != 3)
            error_at(c, k->line, "usage: expect bugcheck NAME|0xCODE|none");
    } else if (strcmp(what, "violation") == 0) {
        if (k->argc != 3)
            error_at(c, k->line, "usage: expect violation RULE|none");
    } else if (strcmp(what, "references") == 0) {
        if ((k->argc != 3 && k->argc != 4) || parse_number(k->argv[2], &n) != 0)
            error_at(c, k->line, "usage: expect references COUNT [EXPORTER_PATH]");
    } else if (strcmp(what, "pool-leaks") == 0) {
        if (k->argc != 3 || parse_number(k->argv[2], &n) != 0)
            error_at(c, k->line, "usage: expect pool-leaks COUNT");
    } else {
        error_at(c, k->line, "unknown expectation '%s' (status, state, interfaces, "
                 "registered, event, no-event, bugcheck, violation, references, pool-leaks)",
                 what);
    }
}

/* Parse and check the whole scenario. Returns 0 if it is well formed. */
static int parse_all(ctx *c, char *text)
{
    char *p = text;
    int line = 0, seen_action = 0;
    cli_driver_cfg cfg;
    while (p != NULL && *p) {
        char *nl = strchr(p, '\n');
        char *raw;
        cmd *k;
        int r;
        line++;
        if (nl)
            *nl = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        raw = strdup(p);
        if (raw == NULL) {
            error_at(c, line, "out of memory");
            return -1;
        }
        {
            size_t rl = strlen(raw);
            while (rl > 0 && (raw[rl - 1] == '\r' || raw[rl - 1] == ' '))
                raw[--rl] = '\0';
        }
        k = &c->cmds[c->ncmds];
        memset(k, 0, sizeof(*k));
        r = tokenize(p, k);
        if (r == -1) {
            error_at(c, line, "unterminated quote");
            free(raw);
        } else if (r == -2) {
            error_at(c, line, "too many words (at most %d)", MAX_ARGS);
            free(raw);
        } else if (k->argc == 0) {
            free(raw);
        } else {
            const cmd_spec *spec = find_spec(k->argv[0]);
            k->line = line;
            k->raw = raw;
            c->ncmds++;
            if (spec == NULL) {
                error_at(c, line, "unknown command '%s'", k->argv[0]);
            } else if (k->argc - 1 < spec->min || k->argc - 1 > spec->max) {
                error_at(c, line, "wrong number of arguments; usage: %s", spec->usage);
            } else if (strcmp(spec->name, "system") == 0) {
                if (seen_action)
                    error_at(c, line, "`system` must come before every other command");
                else if (strcmp(k->argv[1], "delivery") == 0) {
                    if (strcmp(k->argv[2], "deferred") == 0)
                        c->delivery = PNPSIM_DELIVERY_DEFERRED;
                    else if (strcmp(k->argv[2], "manual") == 0)
                        c->delivery = PNPSIM_DELIVERY_MANUAL;
                    else if (strcmp(k->argv[2], "worker") == 0)
                        c->delivery = PNPSIM_DELIVERY_WORKER;
                    else
                        error_at(c, line, "unknown delivery '%s' (deferred, manual, worker)",
                                 k->argv[2]);
                } else if (strcmp(k->argv[1], "name") != 0) {
                    error_at(c, line, "usage: %s", spec->usage);
                }
            } else if (strcmp(spec->name, "class") == 0) {
                GUID g;
                if (parse_guid(k->argv[2], &g) != 0)
                    error_at(c, line, "'%s' is not a GUID ({xxxxxxxx-xxxx-xxxx-xxxx-"
                             "xxxxxxxxxxxx})", k->argv[2]);
                else if (c->nclasses == MAX_CLASSES)
                    error_at(c, line, "too many classes");
                else {
                    snprintf(c->classes[c->nclasses].name, sizeof(c->classes[0].name), "%s",
                             k->argv[1]);
                    c->classes[c->nclasses++].guid = g;
                }
            } else {
                seen_action = 1;
                if (strcmp(spec->name, "driver") == 0)
                    parse_driver(c, k, &cfg);
                else if (strcmp(spec->name, "expect") == 0)
                    check_expect(c, k);
                else if (strcmp(spec->name, "bind") == 0 && k->argc == 4 &&
                         strcmp(k->argv[3], "lower") != 0 && strcmp(k->argv[3], "upper") != 0)
                    error_at(c, line, "bind position must be lower or upper, not '%s'",
                             k->argv[3]);
                else if (strcmp(spec->name, "dump") == 0 && k->argc >= 2) {
                    pnpsim_dump_format f;
                    if (pnpsim_dump_format_parse(k->argv[1], &f) != 0)
                        error_at(c, line, "dump format must be text, json or dot");
                } else if (strcmp(spec->name, "create") == 0) {
                    for (int i = 3; i < k->argc; i += 2) {
                        if (i + 1 >= k->argc || (strcmp(k->argv[i], "under") != 0 &&
                                                 strcmp(k->argv[i], "hwid") != 0)) {
                            error_at(c, line, "usage: %s", spec->usage);
                            break;
                        }
                    }
                } else if (strcmp(spec->name, "provide") == 0 ||
                           strcmp(spec->name, "query") == 0 ||
                           strcmp(spec->name, "release") == 0 ||
                           strcmp(spec->name, "register") == 0 ||
                           strcmp(spec->name, "enable") == 0 ||
                           strcmp(spec->name, "disable") == 0) {
                    GUID g;
                    if (lookup_class(c, k->argv[2], &g) != 0)
                        error_at(c, line, "unknown interface class '%s'", k->argv[2]);
                }
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    return c->errors ? -1 : 0;
}

/* ---- playing ------------------------------------------------------------------------ */

static void rt_error(ctx *c, const cmd *k, const char *fmt, ...) PNPSIM_PRINTF(3, 4);
static void rt_error(ctx *c, const cmd *k, const char *fmt, ...)
{
    va_list ap;
    fflush(c->info);
    fprintf(stderr, "%s:%d: error: ", c->name, k->line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    c->stop = 1;
}

static void on_event(void *vctx, const pnpsim_trace_event *ev)
{
    ctx *c = vctx;
    char line[600];
    char *copy;
    snprintf(line, sizeof(line), "%s %s%s%s", pnpsim_trace_category_name(ev->category),
             ev->text, ev->has_status ? " -> " : "",
             ev->has_status ? pnpsim_status_name(ev->status) : "");
    if (c->nevents == c->capevents) {
        size_t cap = c->capevents ? c->capevents * 2 : 256;
        char **ne = realloc(c->events, cap * sizeof(*ne));
        if (ne == NULL)
            return;
        c->events = ne;
        c->capevents = cap;
    }
    copy = strdup(line);
    if (copy != NULL)
        c->events[c->nevents++] = copy;
}

static void clear_events(ctx *c)
{
    for (size_t i = 0; i < c->nevents; i++)
        free(c->events[i]);
    c->nevents = 0;
}

static pnpsim_device *need_device(ctx *c, const cmd *k, const char *path)
{
    pnpsim_device *d = pnpsim_device_find(c->sys, path);
    if (d == NULL)
        rt_error(c, k, "no device '%s' is present", path);
    return d;
}

static void set_status(ctx *c, NTSTATUS s)
{
    c->last_status = s;
    c->have_status = 1;
    fprintf(c->info, "   => %s\n", pnpsim_status_name(s));
}

static void settle(ctx *c)
{
    if (c->delivery == PNPSIM_DELIVERY_WORKER)
        pnpsim_system_flush(c->sys);
}

/* Copy an ASCII/UTF-8 name into a UNICODE_STRING over buf. */
static void to_ustr(const char *s, WCHAR *buf, size_t cap, UNICODE_STRING *u)
{
    size_t i;
    for (i = 0; s[i] && i < cap; i++)
        buf[i] = (WCHAR)(unsigned char)s[i];
    u->Buffer = buf;
    u->Length = (USHORT)(i * sizeof(WCHAR));
    u->MaximumLength = u->Length;
}

/* The name of dev's interface of class g (with reference ref, or the first). */
static int find_iface_name(ctx *c, const char *path, const GUID *g, const char *ref, char *out,
                           size_t cap)
{
    pnpsim_iface_list *l = NULL;
    int found = -1;
    if (pnpsim_iface_list_device(c->sys, path, &l) != STATUS_SUCCESS)
        return -1;
    for (size_t i = 0; i < l->count; i++) {
        const pnpsim_iface_info *it = &l->items[i];
        if (memcmp(&it->class_guid, g, sizeof(*g)) != 0)
            continue;
        if (ref != NULL && (it->reference == NULL || !streqi(it->reference, ref)))
            continue;
        if (ref == NULL && found == 0)
            continue;
        snprintf(out, cap, "%s", it->name);
        found = 0;
        break;
    }
    pnpsim_iface_list_free(c->sys, l);
    return found;
}

static void do_driver(ctx *c, const cmd *k)
{
    cli_driver_cfg cfg;
    PDRIVER_OBJECT drv = NULL;
    if (parse_driver(c, k, &cfg) != 0 || cli_driver_configure(&cfg) != 0) {
        rt_error(c, k, "cannot configure driver '%s' (too many drivers)", k->argv[1]);
        return;
    }
    set_status(c, pnpsim_driver_load(c->sys, cfg.service, CliDriverEntry, &drv));
}

static void do_bind(ctx *c, const cmd *k)
{
    PDRIVER_OBJECT drv = pnpsim_driver_find(c->sys, k->argv[2]);
    if (drv == NULL) {
        rt_error(c, k, "no driver '%s' is loaded (load it with `driver %s KIND`)", k->argv[2],
                 k->argv[2]);
        return;
    }
    if (k->argc == 4)
        set_status(c, pnpsim_driver_bind_filter(c->sys, k->argv[1], drv,
                                                strcmp(k->argv[3], "lower") == 0
                                                    ? PNPSIM_FILTER_LOWER
                                                    : PNPSIM_FILTER_UPPER));
    else
        set_status(c, pnpsim_driver_bind(c->sys, k->argv[1], drv));
}

static void export_to_child(ctx *c, pnpsim_device *parent, pnpsim_device *child)
{
    const cli_driver_cfg *pcfg = cli_driver_of_device(parent);
    if (pcfg != NULL && pcfg->has_export) {
        INTERFACE tmpl;
        memset(&tmpl, 0, sizeof(tmpl));
        tmpl.Size = sizeof(INTERFACE);
        tmpl.Version = 1;
        pnpsim_qi_provide(child, &pcfg->export_, &tmpl, sizeof(INTERFACE), 1);
    }
}

static void do_create(ctx *c, const cmd *k, int plug)
{
    pnpsim_device *parent = NULL, *dev = NULL;
    const char *hwid = NULL;
    NTSTATUS s;
    if (plug) {
        parent = need_device(c, k, k->argv[1]);
        if (parent == NULL)
            return;
        s = pnpsim_device_create(c->sys, parent, k->argv[2], k->argv[3], &dev);
    } else {
        for (int i = 3; i + 1 < k->argc; i += 2) {
            if (strcmp(k->argv[i], "under") == 0) {
                parent = need_device(c, k, k->argv[i + 1]);
                if (parent == NULL)
                    return;
            } else {
                hwid = k->argv[i + 1];
            }
        }
        s = pnpsim_device_create(c->sys, parent, k->argv[1], k->argv[2], &dev);
    }
    if (NT_SUCCESS(s) && hwid != NULL) {
        char buf[512], *ids[16];
        const char *cids[17];
        int n;
        snprintf(buf, sizeof(buf), "%s", hwid);
        n = split_commas(buf, ids, 16);
        for (int i = 0; i < n; i++)
            cids[i] = ids[i];
        cids[n] = NULL;
        s = pnpsim_device_set_ids(dev, cids, NULL);
    }
    if (NT_SUCCESS(s) && parent != NULL)
        export_to_child(c, parent, dev);
    if (NT_SUCCESS(s) && plug)
        s = pnpsim_device_start(dev);
    set_status(c, s);
}

static void do_lifecycle(ctx *c, const cmd *k)
{
    pnpsim_device *d = need_device(c, k, k->argv[1]);
    const char *w = k->argv[0];
    if (d == NULL)
        return;
    if (strcmp(w, "start") == 0)
        set_status(c, pnpsim_device_start(d));
    else if (strcmp(w, "stop") == 0)
        set_status(c, pnpsim_device_stop(d));
    else if (strcmp(w, "remove") == 0)
        set_status(c, pnpsim_device_remove(d));
    else if (strcmp(w, "uninstall") == 0)
        set_status(c, pnpsim_device_uninstall(d));
    else
        set_status(c, pnpsim_device_surprise_remove(d));
}

static void do_open_close(ctx *c, const cmd *k)
{
    if (strcmp(k->argv[0], "open") == 0) {
        pnpsim_device *d = need_device(c, k, k->argv[1]);
        PFILE_OBJECT f = NULL;
        NTSTATUS s;
        if (d == NULL)
            return;
        if (c->nhandles == (int)(sizeof(c->handles) / sizeof(c->handles[0]))) {
            rt_error(c, k, "too many open handles");
            return;
        }
        s = pnpsim_device_open(d, NULL, &f);
        if (NT_SUCCESS(s)) {
            snprintf(c->handles[c->nhandles].path, sizeof(c->handles[0].path), "%s", k->argv[1]);
            c->handles[c->nhandles++].file = f;
        }
        set_status(c, s);
        return;
    }
    for (int i = 0; i < c->nhandles; i++) {
        if (streqi(c->handles[i].path, k->argv[1])) {
            PFILE_OBJECT f = c->handles[i].file;
            c->handles[i] = c->handles[--c->nhandles];
            ObDereferenceObject(f);
            pnpsim_system_run_pending(c->sys);
            set_status(c, STATUS_SUCCESS);
            return;
        }
    }
    rt_error(c, k, "no handle to '%s' is open (open it with `open %s`)", k->argv[1], k->argv[1]);
}

static void do_qi(ctx *c, const cmd *k)
{
    GUID g;
    pnpsim_device *d;
    lookup_class(c, k->argv[2], &g);
    if (strcmp(k->argv[0], "release") == 0) {
        for (int i = 0; i < c->nrefs; i++) {
            if (streqi(c->refs[i].path, k->argv[1]) &&
                memcmp(&c->refs[i].guid, &g, sizeof(g)) == 0) {
                INTERFACE it = c->refs[i].iface;
                c->refs[i] = c->refs[--c->nrefs];
                if (it.InterfaceDereference != NULL)
                    it.InterfaceDereference(it.Context);
                set_status(c, STATUS_SUCCESS);
                return;
            }
        }
        rt_error(c, k, "the scenario holds no %s interface of '%s' (query it first)",
                 k->argv[2], k->argv[1]);
        return;
    }
    d = need_device(c, k, k->argv[1]);
    if (d == NULL)
        return;
    if (strcmp(k->argv[0], "provide") == 0) {
        INTERFACE tmpl;
        memset(&tmpl, 0, sizeof(tmpl));
        tmpl.Size = sizeof(INTERFACE);
        tmpl.Version = 1;
        set_status(c, pnpsim_qi_provide(d, &g, &tmpl, sizeof(INTERFACE), 1));
    } else {
        INTERFACE it;
        NTSTATUS s;
        memset(&it, 0, sizeof(it));
        if (c->nrefs == (int)(sizeof(c->refs) / sizeof(c->refs[0]))) {
            rt_error(c, k, "too many references held");
            return;
        }
        s = pnpsim_qi_query(d, &g, sizeof(INTERFACE), 1, &it, NULL);
        if (NT_SUCCESS(s)) {
            snprintf(c->refs[c->nrefs].path, sizeof(c->refs[0].path), "%s", k->argv[1]);
            c->refs[c->nrefs].guid = g;
            c->refs[c->nrefs++].iface = it;
        }
        set_status(c, s);
    }
}

static void do_iface_ddi(ctx *c, const cmd *k)
{
    GUID g;
    pnpsim_device *d = need_device(c, k, k->argv[1]);
    const char *ref = k->argc == 4 ? k->argv[3] : NULL;
    WCHAR buf[600];
    UNICODE_STRING u;
    if (d == NULL)
        return;
    lookup_class(c, k->argv[2], &g);
    if (strcmp(k->argv[0], "register") == 0) {
        UNICODE_STRING link = {0, 0, NULL};
        NTSTATUS s;
        if (ref != NULL)
            to_ustr(ref, buf, 600, &u);
        s = IoRegisterDeviceInterface(pnpsim_device_pdo(d), &g, ref ? &u : NULL, &link);
        if (NT_SUCCESS(s)) {
            char name[600];
            size_t i, n = link.Length / sizeof(WCHAR);
            for (i = 0; i < n && i < sizeof(name) - 1; i++)
                name[i] = link.Buffer[i] < 0x80 ? (char)link.Buffer[i] : '?';
            name[i] = '\0';
            fprintf(c->info, "   symbolic link name: %s\n", name);
            RtlFreeUnicodeString(&link);
        }
        set_status(c, s);
    } else {
        char name[600];
        if (find_iface_name(c, k->argv[1], &g, ref, name, sizeof(name)) != 0) {
            rt_error(c, k, "'%s' has no registered %s interface%s%s", k->argv[1], k->argv[2],
                     ref ? " with reference " : "", ref ? ref : "");
            return;
        }
        to_ustr(name, buf, 600, &u);
        set_status(c, IoSetDeviceInterfaceState(&u, strcmp(k->argv[0], "enable") == 0));
    }
}

static void do_dump(ctx *c, const cmd *k)
{
    pnpsim_dump_format f = PNPSIM_DUMP_TEXT;
    FILE *to = c->info;
    if (k->argc >= 2)
        pnpsim_dump_format_parse(k->argv[1], &f);
    if (k->argc == 3) {
        to = fopen(k->argv[2], "w");
        if (to == NULL) {
            rt_error(c, k, "cannot write '%s'", k->argv[2]);
            return;
        }
    }
    pnpsim_dump(c->sys, f, to);
    if (to != c->info)
        fclose(to);
}

static void expect_result(ctx *c, const cmd *k, int ok, const char *fmt, ...) PNPSIM_PRINTF(4, 5);
static void expect_result(ctx *c, const cmd *k, int ok, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        fprintf(c->info, "   ok: %s\n", k->raw);
        return;
    }
    c->failures++;
    fprintf(c->info, "   FAILED: %s\n", k->raw);
    fflush(c->info);
    fprintf(stderr, "%s:%d: expectation failed: %s\n    ", c->name, k->line, k->raw);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int state_matches(const char *want, pnpsim_device *d)
{
    const char *n;
    if (d == NULL)
        return streqi(want, "absent") || streqi(want, "Deleted") ||
               streqi(want, "DeviceNodeDeleted");
    n = pnpsim_device_state_name(pnpsim_device_get_state(d));
    return state_word_matches(want, n);
}

static void expect_list(ctx *c, const cmd *k, int include_disabled)
{
    GUID g;
    char buf[2048] = "", *items[64], actual[4096] = "";
    int nitems = 0, used[64] = {0}, ok;
    pnpsim_iface_list *l = NULL;
    size_t pos = 0;
    lookup_class(c, k->argv[2], &g);
    for (int i = 4; i < k->argc; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "," : "", k->argv[i]);
    }
    /* strip the brackets */
    {
        char *s = buf + 1;
        size_t len = strlen(s);
        if (len > 0)
            s[len - 1] = '\0';
        nitems = split_commas(s, items, 64);
        for (int i = 0; i < nitems; i++) {
            while (*items[i] == ' ')
                items[i]++;
        }
    }
    if (pnpsim_iface_list_class(c->sys, &g, include_disabled ? PNPSIM_IFACE_INCLUDE_DISABLED : 0,
                                &l) != STATUS_SUCCESS) {
        expect_result(c, k, 0, "could not list the interfaces");
        return;
    }
    ok = (int)l->count == nitems;
    for (size_t i = 0; i < l->count; i++) {
        const pnpsim_iface_info *it = &l->items[i];
        int hit = 0;
        pos += (size_t)snprintf(actual + pos, pos < sizeof(actual) ? sizeof(actual) - pos : 0,
                                "%s%s%s", i ? ", " : "", it->name,
                                include_disabled && !it->enabled ? " (disabled)" : "");
        if (pos >= sizeof(actual))
            pos = sizeof(actual) - 1;
        for (int j = 0; j < nitems && !hit; j++) {
            if (!used[j] && (streqi(items[j], it->name) || streqi(items[j], it->user_name) ||
                             streqi(items[j], it->instance_path))) {
                used[j] = 1;
                hit = 1;
            }
        }
        if (!hit)
            ok = 0;
    }
    pnpsim_iface_list_free(c->sys, l);
    expect_result(c, k, ok, "actual %s interfaces of %s: [%s]",
                  include_disabled ? "registered" : "enabled", k->argv[2], actual);
}

static void join_args(const cmd *k, int from, char *out, size_t cap)
{
    out[0] = '\0';
    for (int i = from; i < k->argc; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", i > from ? " " : "", k->argv[i]);
    }
}

static void do_expect(ctx *c, const cmd *k)
{
    const char *what = k->argv[1];
    if (strcmp(what, "status") == 0) {
        unsigned long long n;
        int ok;
        if (!c->have_status) {
            expect_result(c, k, 0, "no command before it returned a status");
            return;
        }
        if (parse_number(k->argv[2], &n) == 0)
            ok = (unsigned long long)(ULONG)c->last_status == n;
        else
            ok = streqi(k->argv[2], pnpsim_status_name(c->last_status));
        expect_result(c, k, ok, "the last command returned %s",
                      pnpsim_status_name(c->last_status));
    } else if (strcmp(what, "state") == 0) {
        pnpsim_device *d = pnpsim_device_find(c->sys, k->argv[2]);
        expect_result(c, k, state_matches(k->argv[3], d), "%s is %s", k->argv[2],
                      d ? pnpsim_device_state_name(pnpsim_device_get_state(d)) : "absent");
    } else if (strcmp(what, "interfaces") == 0 || strcmp(what, "registered") == 0) {
        expect_list(c, k, strcmp(what, "registered") == 0);
    } else if (strcmp(what, "event") == 0 || strcmp(what, "no-event") == 0) {
        char text[512];
        int found = 0;
        join_args(k, 2, text, sizeof(text));
        for (size_t i = 0; i < c->nevents && !found; i++)
            found = strstr(c->events[i], text) != NULL;
        if (what[0] == 'e')
            expect_result(c, k, found, "no event since the last command contains \"%s\"",
                          text);
        else
            expect_result(c, k, !found, "an event since the last command contains \"%s\"",
                          text);
    } else if (strcmp(what, "bugcheck") == 0) {
        size_t n = pnpsim_bugcheck_count(c->sys);
        unsigned long long code = 0;
        int want_none = streqi(k->argv[2], "none"), numeric = parse_number(k->argv[2], &code) == 0;
        int found = 0;
        char seen[512] = "";
        for (size_t i = c->bugcheck_mark; i < n; i++) {
            pnpsim_violation v;
            if (!pnpsim_bugcheck_get(c->sys, i, &v))
                continue;
            {
                size_t len = strlen(seen);
                snprintf(seen + len, sizeof(seen) - len, "%s0x%lX %s", len ? ", " : "",
                         (unsigned long)v.code, v.name ? v.name : "");
            }
            if (numeric ? v.code == code : (v.name != NULL && streqi(v.name, k->argv[2])))
                found = 1;
        }
        if (want_none)
            expect_result(c, k, n == c->bugcheck_mark, "bug checks since the last command: %s",
                          seen);
        else
            expect_result(c, k, found, "bug checks since the last command: %s",
                          seen[0] ? seen : "none");
    } else if (strcmp(what, "violation") == 0) {
        size_t n = 0;
        const pnpsim_verifier_violation *v = pnpsim_verifier_violations(c->sys, &n);
        int found = 0;
        char seen[512] = "";
        for (size_t i = c->violation_mark; i < n; i++) {
            size_t len = strlen(seen);
            snprintf(seen + len, sizeof(seen) - len, "%s%s", len ? ", " : "",
                     v[i].rule ? v[i].rule : "?");
            if (v[i].rule != NULL && streqi(v[i].rule, k->argv[2]))
                found = 1;
        }
        if (streqi(k->argv[2], "none"))
            expect_result(c, k, n <= c->violation_mark, "violations: %s", seen);
        else
            expect_result(c, k, found, "violations since the last command: %s",
                          seen[0] ? seen : "none");
    } else if (strcmp(what, "references") == 0) {
        unsigned long long want = 0;
        pnpsim_device *exp = NULL;
        long have;
        parse_number(k->argv[2], &want);
        if (k->argc == 4 && (exp = need_device(c, k, k->argv[3])) == NULL)
            return;
        have = pnpsim_qi_outstanding(c->sys, NULL, exp, NULL);
        expect_result(c, k, have >= 0 && (unsigned long long)have == want,
                      "%ld outstanding reference(s)", have);
    } else if (strcmp(what, "pool-leaks") == 0) {
        unsigned long long want = 0;
        size_t have = pnpsim_system_pool_leaks(c->sys);
        parse_number(k->argv[2], &want);
        expect_result(c, k, have == want, "%zu pool leak(s) reported", have);
    }
}

static NTSTATUS create_system(ctx *c, const char *sysname)
{
    pnpsim_config cfg = PNPSIM_CONFIG_INIT;
    NTSTATUS s;
    cfg.delivery = c->delivery;
    cfg.name = sysname;
    s = pnpsim_system_create(&cfg, &c->sys);
    if (!NT_SUCCESS(s))
        return s;
    pnpsim_system_set_bugcheck_handler(c->sys, pnpsim_bugcheck_record_and_continue, NULL);
    if (c->opts->json)
        pnpsim_trace_to_json(c->sys, c->out, PNPSIM_TRACE_ALL);
    else
        pnpsim_trace_to_file(c->sys, c->out, PNPSIM_TRACE_ALL);
    pnpsim_trace_set_callback(c->sys, on_event, c, PNPSIM_TRACE_ALL);
    pnpsim_system_enter(c->sys);
    return STATUS_SUCCESS;
}

static void play(ctx *c)
{
    for (int i = 0; i < c->ncmds && !c->stop; i++) {
        const cmd *k = &c->cmds[i];
        const char *w = k->argv[0];
        if (strcmp(w, "system") == 0 || strcmp(w, "class") == 0)
            continue;
        if (strcmp(w, "say") == 0) {
            char text[1024];
            join_args(k, 1, text, sizeof(text));
            fprintf(c->info, "\n==== %s ====\n", text);
            fflush(c->info);
            continue;
        }
        if (strcmp(w, "expect") == 0) {
            do_expect(c, k);
            continue;
        }
        if (c->opts->step && !c->step_eof) {
            char buf[64];
            fprintf(stderr, "[step] %s:%d: %s  (Enter to go on) ", c->name, k->line, k->raw);
            fflush(stderr);
            if (fgets(buf, sizeof(buf), stdin) == NULL)
                c->step_eof = 1;
        }
        fprintf(c->info, "\n%s:%d: %s\n", c->name, k->line, k->raw);
        fflush(c->info);
        clear_events(c);
        c->bugcheck_mark = pnpsim_bugcheck_count(c->sys);
        pnpsim_verifier_violations(c->sys, &c->violation_mark);
        c->have_status = 0;
        if (strcmp(w, "driver") == 0)
            do_driver(c, k);
        else if (strcmp(w, "bind") == 0)
            do_bind(c, k);
        else if (strcmp(w, "create") == 0)
            do_create(c, k, 0);
        else if (strcmp(w, "plug") == 0)
            do_create(c, k, 1);
        else if (strcmp(w, "unplug") == 0 || strcmp(w, "surprise-remove") == 0 ||
                 strcmp(w, "start") == 0 || strcmp(w, "stop") == 0 ||
                 strcmp(w, "remove") == 0 || strcmp(w, "uninstall") == 0)
            do_lifecycle(c, k);
        else if (strcmp(w, "open") == 0 || strcmp(w, "close") == 0)
            do_open_close(c, k);
        else if (strcmp(w, "provide") == 0 || strcmp(w, "query") == 0 ||
                 strcmp(w, "release") == 0)
            do_qi(c, k);
        else if (strcmp(w, "register") == 0 || strcmp(w, "enable") == 0 ||
                 strcmp(w, "disable") == 0)
            do_iface_ddi(c, k);
        else if (strcmp(w, "run-pending") == 0) {
            size_t n = pnpsim_system_run_pending(c->sys);
            fprintf(c->info, "   ran %zu queued item(s)\n", n);
        } else if (strcmp(w, "reboot") == 0) {
            /* Handles and held references die with the devices. */
            c->nhandles = 0;
            c->nrefs = 0;
            set_status(c, pnpsim_system_reboot(c->sys));
        } else if (strcmp(w, "save") == 0)
            set_status(c, pnpsim_registry_save(c->sys, k->argv[1]));
        else if (strcmp(w, "load") == 0)
            set_status(c, pnpsim_registry_load(c->sys, k->argv[1]));
        else if (strcmp(w, "dump") == 0)
            do_dump(c, k);
        settle(c);
        fflush(c->out);
        fflush(c->info);
    }
}

int cli_render_dot(const char *dot_file, const char *image_file)
{
    char command[2048];
    size_t n = strlen(image_file);
    const char *fmt = n > 4 && streqi(image_file + n - 4, ".svg") ? "svg" : "png";
    if (strchr(dot_file, '"') || strchr(image_file, '"'))
        return -1;
    snprintf(command, sizeof(command), "dot -T%s -o \"%s\" \"%s\"", fmt, image_file, dot_file);
    return system(command) == 0 ? 0 : -1;
}

static int write_pictures(ctx *c)
{
    const char *dot = c->opts->dot_file;
    char tmp[1024];
    FILE *f;
    int rc = 0;
    if (dot == NULL && c->opts->png_file == NULL)
        return 0;
    if (dot == NULL) {
        snprintf(tmp, sizeof(tmp), "%s.dot", c->opts->png_file);
        dot = tmp;
    }
    f = fopen(dot, "w");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot write '%s'\n", c->name, dot);
        return 2;
    }
    pnpsim_dump(c->sys, PNPSIM_DUMP_DOT, f);
    fclose(f);
    fprintf(c->info, "\nwrote %s\n", dot);
    if (c->opts->png_file != NULL) {
        if (cli_render_dot(dot, c->opts->png_file) == 0)
            fprintf(c->info, "wrote %s\n", c->opts->png_file);
        else {
            fprintf(stderr, "%s: could not render %s with Graphviz `dot` (is it installed?); "
                    "the DOT file is %s\n", c->name, c->opts->png_file, dot);
            rc = 2;
        }
    }
    return rc;
}

int cli_run_text(const char *name, const char *text, const cli_run_opts *opts)
{
    ctx c;
    char *copy;
    size_t lines = 1;
    int rc;
    const char *sysname = name;
    /* The system is named after the file, without its directory (dumps stay path-free). */
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            sysname = p + 1;
    memset(&c, 0, sizeof(c));
    c.name = name;
    c.opts = opts;
    c.out = opts->out != NULL ? opts->out : stdout;
    c.info = opts->json ? stderr : c.out;
    c.delivery = PNPSIM_DELIVERY_DEFERRED;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    copy = strdup(text);
    c.cmds = calloc(lines, sizeof(cmd));
    if (copy == NULL || c.cmds == NULL) {
        fprintf(stderr, "%s: out of memory\n", name);
        free(copy);
        free(c.cmds);
        return 2;
    }
    if (parse_all(&c, copy) != 0) {
        fprintf(stderr, "%s: %d error(s); nothing was run\n", name, c.errors);
        rc = 2;
        goto out;
    }
    if (opts->delivery >= 0)
        c.delivery = (pnpsim_delivery)opts->delivery;
    for (int i = 0; i < c.ncmds; i++)
        if (strcmp(c.cmds[i].argv[0], "system") == 0 && strcmp(c.cmds[i].argv[1], "name") == 0)
            sysname = c.cmds[i].argv[2];
    if (!NT_SUCCESS(create_system(&c, sysname))) {
        fprintf(stderr, "%s: cannot create a system\n", name);
        rc = 2;
        goto out;
    }
    fprintf(c.info, "pnpsim: playing %s (delivery %s)\n", name,
            c.delivery == PNPSIM_DELIVERY_MANUAL   ? "manual"
            : c.delivery == PNPSIM_DELIVERY_WORKER ? "worker"
                                                   : "deferred");
    play(&c);
    rc = c.stop ? 2 : write_pictures(&c);
    /* Close what the scenario left open, release held references, shut down. */
    fprintf(c.info, "\n(end of %s: shutting the system down)\n", name);
    for (int i = 0; i < c.nhandles; i++)
        ObDereferenceObject(c.handles[i].file);
    for (int i = 0; i < c.nrefs; i++)
        if (c.refs[i].iface.InterfaceDereference != NULL)
            c.refs[i].iface.InterfaceDereference(c.refs[i].iface.Context);
    pnpsim_trace_set_callback(c.sys, NULL, NULL, 0);
    pnpsim_system_shutdown(c.sys);
    pnpsim_trace_to_file(c.sys, NULL, 0);
    pnpsim_trace_to_json(c.sys, NULL, 0);
    pnpsim_system_leave(c.sys);
    pnpsim_system_destroy(c.sys);
    if (rc == 0 && c.failures > 0)
        rc = 1;
    if (!c.stop)
        fprintf(c.info, "\n%s: %s (%d expectation(s) failed)\n", name,
                c.failures ? "FAILED" : "all expectations held", c.failures);
out:
    clear_events(&c);
    free(c.events);
    for (int i = 0; i < c.ncmds; i++)
        free(c.cmds[i].raw);
    free(c.cmds);
    free(copy);
    cli_drivers_reset();
    return rc;
}

int cli_run_file(const char *path, const cli_run_opts *opts)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;
    int rc;
    if (f == NULL) {
        fprintf(stderr, "%s:0: error: cannot open the scenario file\n", path);
        return 2;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        size > 16 * 1024 * 1024) {
        fclose(f);
        fprintf(stderr, "%s:0: error: cannot read the scenario file\n", path);
        return 2;
    }
    text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        fclose(f);
        fprintf(stderr, "%s:0: error: cannot read the scenario file\n", path);
        return 2;
    }
    fclose(f);
    text[size] = '\0';
    if (strlen(text) != (size_t)size) {
        free(text);
        fprintf(stderr, "%s:0: error: the scenario file contains a NUL byte\n", path);
        return 2;
    }
    rc = cli_run_text(path, text, opts);
    free(text);
    return rc;
}
