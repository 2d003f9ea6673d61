/* SPDX-License-Identifier: MIT */
/*
 * This file implements the shared cmocka fixture of pnpsim's own tests: a fresh system per
 * test (entered as the thread's current system), torn down with checks that nothing leaked,
 * and assertions that print status names. Include after <cmocka.h>'s prerequisites.
 */
#ifndef PNPSIM_TEST_H
#define PNPSIM_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pnpsim/pnpsim.h>

/* assert_nt_status(expected, actual): compares NTSTATUS values and prints both names. */
#define assert_nt_status(expected, actual)                                                  \
    do {                                                                                    \
        NTSTATUS pnpsim_t_e_ = (expected), pnpsim_t_a_ = (actual);                          \
        if (pnpsim_t_e_ != pnpsim_t_a_)                                                     \
            fail_msg("expected %s, got %s", pnpsim_status_name(pnpsim_t_e_),              \
                     pnpsim_status_name(pnpsim_t_a_));                                      \
    } while (0)

/* The state each test gets through cmocka's void **state. */
typedef struct pnpsim_test_fixture {
    pnpsim_system *sys;
    int allow_pool_leaks; /* a test that leaks on purpose sets this */
} pnpsim_test_fixture;

/* cmocka setup/teardown: create a system (DEFERRED delivery) and enter it; on teardown,
 * leave it, check no pool is outstanding (unless allowed) and destroy it. */
int pnpsim_test_setup(void **state);
int pnpsim_test_teardown(void **state);
/* Same, with a chosen delivery mode. */
int pnpsim_test_setup_manual(void **state);

#define PNPSIM_TEST(fn) cmocka_unit_test_setup_teardown(fn, pnpsim_test_setup, pnpsim_test_teardown)
#define PNPSIM_TEST_MANUAL(fn) \
    cmocka_unit_test_setup_teardown(fn, pnpsim_test_setup_manual, pnpsim_test_teardown)

/* The fixture's system. */
#define TSYS(state) (((pnpsim_test_fixture *)*(state))->sys)

/* Fault-injection helpers (include/pnpsim/fault.h). pnpsim_test_snapshot returns the
 * pnpsim_dump JSON of sys (a malloc'd copy; call it with no fault armed). After a call that
 * failed, pnpsim_test_assert_unchanged(sys, before) asserts the dump is byte for byte the
 * same and pnpsim_system_check is clean, then frees before. */
char *pnpsim_test_snapshot(pnpsim_system *sys);
void pnpsim_test_assert_unchanged_at(pnpsim_system *sys, char *before, const char *file,
                                     int line);
#define pnpsim_test_assert_unchanged(sys, before) \
    pnpsim_test_assert_unchanged_at((sys), (before), __FILE__, __LINE__)
/* Out-of-memory sweeps (tests/stress): pnpsim_test_sweep_system makes a fresh system named
 * name, entered (PNPSIM_TRACE in the environment narrates it to stderr);
 * pnpsim_test_sweep_finish checks it, shuts it down, checks again, fails on outstanding or
 * leaked pool and destroys it (what and n name the run in messages). pnpsim_test_tmp_dir is
 * $TMPDIR, else $TEMP, else ".". */
pnpsim_system *pnpsim_test_sweep_system(const char *name);
void pnpsim_test_sweep_finish(pnpsim_system *sys, const char *what, unsigned long n);
const char *pnpsim_test_tmp_dir(void);
/* assert_system_check(sys): pnpsim_system_check is clean (prints the broken invariant). */
#define assert_system_check(sys)                                                            \
    do {                                                                                    \
        NTSTATUS pnpsim_t_c_ = pnpsim_system_check(sys);                                   \
        if (pnpsim_t_c_ != STATUS_SUCCESS)                                                  \
            fail_msg("pnpsim_system_check: %s: %s", pnpsim_status_name(pnpsim_t_c_),      \
                     pnpsim_last_error_message());                                          \
    } while (0)

#endif /* PNPSIM_TEST_H */
