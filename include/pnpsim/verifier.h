/* SPDX-License-Identifier: MIT */
/*
 * This file declares bug checks as tests see them: the per-system handler, the record of
 * violations when the handler lets the simulation continue, and PNPSIM_EXPECT_BUGCHECK,
 * which runs a statement and checks that it bug checks with a given code.
 */
#ifndef PNPSIM_VERIFIER_H
#define PNPSIM_VERIFIER_H

#include <setjmp.h>

#include "system.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A bug check handler. If it returns, the simulator records the violation and goes on (the
 * DDI that detected it returns as harmlessly as it can). The default handler prints a
 * report (code, name, parameters, message, last trace events) to stderr and aborts.
 */
typedef void (*pnpsim_bugcheck_fn)(void *ctx, ULONG code, ULONG_PTR p1, ULONG_PTR p2,
                                   ULONG_PTR p3, ULONG_PTR p4, const char *message);

/** Set sys's handler; fn NULL restores the default (report and abort). */
PNPSIM_API void pnpsim_system_set_bugcheck_handler(pnpsim_system *sys, pnpsim_bugcheck_fn fn,
                                                   void *ctx);

/** A handler that records and continues, for teaching and for tests that collect several. */
PNPSIM_API void pnpsim_bugcheck_record_and_continue(void *ctx, ULONG code, ULONG_PTR p1,
                                                    ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4,
                                                    const char *message);

/** One recorded violation. */
typedef struct pnpsim_violation {
    ULONG code;
    ULONG_PTR parameters[4];
    const char *name;    /**< "BAD_POOL_CALLER" */
    const char *message; /**< what happened, naming the DDI and driver */
} pnpsim_violation;

/** How many bug checks sys has seen (handled, recorded or caught). */
PNPSIM_API size_t pnpsim_bugcheck_count(pnpsim_system *sys);
/** The index-th bug check seen (0 = first); returns nonzero if it exists. */
PNPSIM_API int pnpsim_bugcheck_get(pnpsim_system *sys, size_t index, pnpsim_violation *out);
/** The name of a bug check code ("DRIVER_VERIFIER_DETECTED_VIOLATION"), or "0x%X". */
PNPSIM_API const char *pnpsim_bugcheck_name(ULONG code);

/* ---- expecting a bug check ----------------------------------------------------------- */

/** State of one PNPSIM_EXPECT_BUGCHECK; used through the macro. */
typedef struct pnpsim_bugcheck_expect {
    jmp_buf env;
    pnpsim_system *sys;
    ULONG expected;
    const char *file;
    int line;
    const char *statement;
    int hit;
    ULONG code;
    ULONG_PTR parameters[4];
    char message[512];
    void *saved[6]; /* thread state restored when the bug check is caught */
    struct pnpsim_bugcheck_expect *prev;
} pnpsim_bugcheck_expect;

PNPSIM_API void pnpsim_bugcheck_expect_begin(pnpsim_system *sys, pnpsim_bugcheck_expect *e,
                                             ULONG expected, const char *file, int line,
                                             const char *statement);
/**
 * Finish an expectation. @return nonzero if the expected bug check happened; otherwise the
 * failure handler (pnpsim_set_test_failure_handler) is called with an explanation.
 */
PNPSIM_API int pnpsim_bugcheck_expect_end(pnpsim_bugcheck_expect *e);

/** Called when a PNPSIM_EXPECT_* check fails; the default prints and aborts. */
typedef void (*pnpsim_test_failure_fn)(const char *message, const char *file, int line);
/** Route expectation failures into a test framework (pnpsim/cmocka.h does it for cmocka). */
PNPSIM_API void pnpsim_set_test_failure_handler(pnpsim_test_failure_fn fn);

/**
 * Run statement; check that it bug checks with code (the bug check unwinds out of the
 * statement, as the crash would on Windows). Parameters are then in the expectation record
 * PNPSIM_LAST_BUGCHECK. The system should be destroyed afterwards unless the test knows
 * the state is sound: like Windows after a crash, it may hold half-done work.
 */
#define PNPSIM_EXPECT_BUGCHECK(sys, code, statement)                                    \
    do {                                                                                \
        pnpsim_bugcheck_expect pnpsim__expect_;                                         \
        pnpsim_bugcheck_expect_begin((sys), &pnpsim__expect_, (ULONG)(code), __FILE__,  \
                                     __LINE__, #statement);                             \
        if (setjmp(pnpsim__expect_.env) == 0) {                                         \
            statement;                                                                  \
        }                                                                               \
        pnpsim_bugcheck_expect_end(&pnpsim__expect_);                                   \
    } while (0)

/** The last bug check caught by PNPSIM_EXPECT_BUGCHECK on this thread (code 0 if none). */
PNPSIM_API const pnpsim_violation *pnpsim_bugcheck_last_caught(void);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_VERIFIER_H */
