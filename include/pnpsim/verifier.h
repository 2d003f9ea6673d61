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

/* ---- the verifier: rules, per-rule modes, the record of violations -------------------- */

/** What the verifier does when a rule is broken. */
typedef enum pnpsim_verifier_mode {
    PNPSIM_VERIFIER_BUGCHECK = 0, /**< bug check with the real code (the default) */
    PNPSIM_VERIFIER_RECORD = 1,   /**< record it (pnpsim_verifier_violations) and go on */
    PNPSIM_VERIFIER_OFF = 2       /**< do not check */
} pnpsim_verifier_mode;

/*
 * Rule names (DESIGN.md "Bug checks and the verifier"). IRQL rules use the DDI-compliance
 * rule name of the DDI ("IrqlIoPassive1", ...) or PNPSIM_RULE_IRQL_DDI for a DDI's plain
 * maximum IRQL. Where no Windows code fits, the bug check is 0xC4
 * DRIVER_VERIFIER_DETECTED_VIOLATION with a pnpsim-specific parameter 1 (PNPSIM_C4_*).
 */
#define PNPSIM_RULE_IRQL_DDI "IrqlDdiMaximum"                  /* 0x0A or 0xC4/rule code */
#define PNPSIM_RULE_POWER_IRP_DDIS "PowerIrpDDis"              /* 0xC4/PNPSIM_C4_POWER_IRP_DDIS */
#define PNPSIM_RULE_PNP_STATUS_NOT_PRESET "PnpIrpStatusNotPreset"      /* 0xC9/0x20E */
#define PNPSIM_RULE_PNP_STATUS_CHANGED "PnpIrpStatusChanged"           /* 0xC9/0x213, 0x23B */
#define PNPSIM_RULE_PNP_FAILURE_PASSED_DOWN "PnpIrpFailurePassedDown"  /* 0xC9/0x215 */
#define PNPSIM_RULE_PNP_NOT_SUPPORTED_SET "PnpIrpStatusSetNotSupported" /* 0xC9/0x216 */
#define PNPSIM_RULE_PNP_COMPLETED_NOT_PASSED "PnpIrpCompletedNotPassedDown" /* 0x22D/E/F */
/* 0xC9/0x22E for IRP_MN_QUERY_INTERFACE; default RECORD (a warning, §14) */
#define PNPSIM_RULE_QI_COMPLETED_NOT_PASSED "QueryInterfaceCompletedNotPassedDown"
#define PNPSIM_RULE_PNP_REMOVE_FAILED "PnpRemoveFailed"               /* 0xC9/0x306 */
#define PNPSIM_RULE_PNP_REMOVE_NOT_DETACHED "PnpRemoveNotDetached"    /* 0xC9/0x21D */
#define PNPSIM_RULE_PNP_REMOVE_NOT_DELETED "PnpRemoveNotDeleted"      /* 0xC9/0x21E */
#define PNPSIM_RULE_PNP_PENDING_AT_REMOVE "PnpIrpPendingAtRemove"     /* 0xC4/PNPSIM_C4_... */
#define PNPSIM_RULE_QI_LEAK "InterfaceReferenceLeak"
#define PNPSIM_RULE_QI_OVER_RELEASE "InterfaceOverRelease"
#define PNPSIM_RULE_QI_USE_AFTER_REMOVE "InterfaceUseAfterRemove"
#define PNPSIM_RULE_QI_SIZE_VERSION "InterfaceSizeVersion"
#define PNPSIM_RULE_QI_MALFORMED "InterfaceMalformed"
#define PNPSIM_RULE_POOL "PoolMisuse" /* 0xC2 BAD_POOL_CALLER: double/wild free, tag, IRQL, size */

/* pnpsim-specific parameter 1 values of bug check 0xC4 (no Windows code fits these). */
#define PNPSIM_C4_QI_LEAK 0x504E5101u            /* p2 Context, p3 outstanding, p4 exporter DO */
#define PNPSIM_C4_QI_OVER_RELEASE 0x504E5102u    /* p2 Context, p3 importer DO, p4 exporter DO */
#define PNPSIM_C4_QI_USE_AFTER_REMOVE 0x504E5103u/* p2 Context, p3 importer DO, p4 exporter DO */
#define PNPSIM_C4_QI_SIZE_VERSION 0x504E5104u    /* p2 INTERFACE, p3 asked Size<<16|Version,
                                                    p4 returned Size<<16|Version */
#define PNPSIM_C4_QI_MALFORMED 0x504E5105u       /* p2 INTERFACE, p3 Size, p4 exporter DO */
#define PNPSIM_C4_QI_OVERRUN 0x504E5106u         /* p2 INTERFACE, p3 asked Size, p4 offset */
#define PNPSIM_C4_POWER_IRP_DDIS 0x504E5201u     /* p2 DDI name (const char *), p3 IRP, p4 0 */
#define PNPSIM_C4_PNP_PENDING_AT_REMOVE 0x504E5202u /* p2 IRP, p3 minor, p4 device node PDO */

/** One violation the verifier reported (in any mode but OFF). */
typedef struct pnpsim_verifier_violation {
    ULONG code;               /**< the bug check code (0xC4, 0xC9, 0x0A, ...) */
    ULONG_PTR parameters[4];
    const char *rule;         /**< rule name, e.g. "InterfaceReferenceLeak" */
    const char *ddi;          /**< the DDI or operation that detected it, or NULL */
    const char *driver;       /**< service name of the driver at fault, or NULL */
    const char *message;      /**< what happened, naming interface, exporter, importer */
    pnpsim_verifier_mode mode;/**< what the verifier did (BUGCHECK or RECORD) */
} pnpsim_verifier_violation;

/**
 * Set the mode of one rule, or of every rule when rule is NULL (rules set by name later
 * still take their own mode).
 * @param sys the system.
 * @param rule a PNPSIM_RULE_* name or a DDI-compliance rule name; NULL for all.
 * @param mode what to do when it is broken.
 * @return STATUS_SUCCESS, STATUS_INVALID_PARAMETER (bad sys or mode).
 * Ownership: rule is copied. Thread safety: any thread. Errors: as returned.
 */
PNPSIM_API NTSTATUS pnpsim_verifier_set_mode(pnpsim_system *sys, const char *rule,
                                             pnpsim_verifier_mode mode);
/** The mode a rule has in sys now. */
PNPSIM_API pnpsim_verifier_mode pnpsim_verifier_get_mode(pnpsim_system *sys, const char *rule);
/**
 * The violations reported so far, oldest first.
 * @param sys the system. @param count receives how many (may be NULL).
 * @return a borrowed array, valid until the next violation, pnpsim_verifier_clear or
 * destroy; NULL when there are none.
 * Ownership: borrowed. Thread safety: read while no other thread reports. Errors: none.
 */
PNPSIM_API const pnpsim_verifier_violation *pnpsim_verifier_violations(pnpsim_system *sys,
                                                                       size_t *count);
/** How many violations of rule (NULL: any) have been reported. */
PNPSIM_API size_t pnpsim_verifier_violation_count(pnpsim_system *sys, const char *rule);
/** Forget the reported violations. */
PNPSIM_API void pnpsim_verifier_clear(pnpsim_system *sys);

#ifdef __cplusplus
}
#endif

#endif /* PNPSIM_VERIFIER_H */
