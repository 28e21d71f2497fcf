/* test_semantics.c — the OTP conformance scenarios: every scenario in tests/runtime/semantics/, one per
 * rule of shared/docs/otp-semantics.md §1 (processes, signals, links, monitors, exit reasons,
 * names) and §2 (gen_server), and the CPU model scenarios of tests/runtime/cpu/, run through
 * bin/otpsim as a user runs them.
 *
 * Each scenario is self-checking (sim.check on exact messages, order and reasons), so a case
 * passes iff otpsim exits 0; on failure the case prints the scenario's whole stdout and stderr
 * (the failing checks, the reproduce line) and keeps the FAIL lines in the assertion message.
 * One TCase per file, named by the file's base name, so `CK_RUN_CASE=<rule>` runs one rule.
 * One more case runs the mutual-call deadlock twice with one seed and compares trace hashes
 * (§2.2: the winner must be a deterministic function of the schedule).
 *
 * A scenario that stopped ending (an endless loop no longer preempted) must fail, not hang: in
 * fork mode each case caps its CPU time, and otpsim, spawned from it, inherits the cap. */
#include <check.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tests/testutil.h"

/* Declared here for -Wmissing-prototypes; the definition must start its line for the runner's
 * suite scan, which matches definitions starting with "Suite *suite_". */
extern Suite *suite_semantics(void);

#define SEMANTICS_GLOB "tests/runtime/semantics/*.lua"
#define CPU_GLOB "tests/runtime/cpu/*.lua"
#define DEADLOCK_SCENARIO "tests/runtime/semantics/gen_server_mutual_call_deadlock.lua"
#define CASE_TIMEOUT_S 30
#define CPU_LIMIT_S 25

/* The scenario paths, found when the suite is built (before the fork) and read by the cases.
 * Owned by this file for the life of the runner, like the TCase names made from them. */
static glob_t scenarios;
static int scenarios_found;

START_TEST(test_scenario)
{
    ck_assert_int_lt(_i, (int)scenarios.gl_pathc);
    const char *path = scenarios.gl_pathv[_i];
    tu_cpu_cap(CPU_LIMIT_S);
    tu_result_t r = tu_run("run", path, NULL);
    if (r.code != 0) {
        fprintf(stderr, "==== %s: exit %d\n---- stdout ----\n%s---- stderr ----\n%s----\n", path, r.code,
                r.out ? r.out : "", r.err ? r.err : "");
    }
    ck_assert_msg(r.code == 0, "%s: otpsim exited %d (0 = every check passed)\n%s", path, r.code,
                  tu_failure_lines(r.out, r.err));
    tu_result_free(&r);
}
END_TEST

START_TEST(test_none_found)
{
    ck_abort_msg("no scenario matches %s (run from the repository root)", SEMANTICS_GLOB);
}
END_TEST

/* §2.2 mutual call: the same seed gives the same outcome and the same trace, in two processes. */
START_TEST(test_deadlock_deterministic)
{
    tu_cpu_cap(CPU_LIMIT_S);
    char hash[2][64];
    for (int k = 0; k < 2; k++) {
        tu_result_t r = tu_run("run", DEADLOCK_SCENARIO, "--seed", "7", "--quiet", NULL);
        if (r.code != 0) fprintf(stderr, "---- stdout ----\n%s---- stderr ----\n%s", r.out, r.err);
        ck_assert_msg(r.code == 0, "run %d of %s exited %d\n%s", k + 1, DEADLOCK_SCENARIO, r.code,
                      tu_failure_lines(r.out, r.err));
        ck_assert_msg(tu_line_value(r.out, "trace-hash", hash[k], sizeof hash[k]) == 0,
                      "no trace-hash line in the output of run %d", k + 1);
        tu_result_free(&r);
    }
    ck_assert_str_eq(hash[0], hash[1]);
}
END_TEST

Suite *suite_semantics(void)
{
    Suite *s = suite_create("semantics");
    if (!scenarios_found) {
        scenarios_found = 1;
        if (glob(SEMANTICS_GLOB, 0, NULL, &scenarios) != 0) scenarios.gl_pathc = 0;
        /* the CPU model's scenarios (cores, run queues, preemption) run the same way */
        if (scenarios.gl_pathc) glob(CPU_GLOB, GLOB_APPEND, NULL, &scenarios);
    }
    if (scenarios.gl_pathc == 0) {
        TCase *tc = tcase_create("scenarios_found");
        tcase_add_test(tc, test_none_found);
        suite_add_tcase(s, tc);
        return s;
    }
    tu_add_file_cases(s, &scenarios, test_scenario, CASE_TIMEOUT_S);
    TCase *tc = tcase_create("mutual_call_deadlock_same_seed_same_trace");
    tcase_set_timeout(tc, CASE_TIMEOUT_S);
    tcase_add_test(tc, test_deadlock_deterministic);
    suite_add_tcase(s, tc);
    return s;
}
