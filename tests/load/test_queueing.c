/* test_queueing.c — the load generator and the CPU model against queueing theory
 * (shared/docs/capacity-validation.md §3.5-3.6, §4, §6), run through bin/otpsim as a user runs
 * it: every .lua scenario in tests/load/, one TCase each (named by the file's base name, so
 * `CK_RUN_CASE=mm1_rho08` runs one).
 *
 * The scenarios are self-checking (sim.check): they compute the theory (M/M/1, Erlang C, M/D/1,
 * Pollaczek–Khinchine, exact MVA, a deterministic Lindley recursion), estimate the simulated
 * values with batch means and 95 % confidence intervals, and check the operational laws to
 * rounding error; see tests/load/lib/queueing.lua and each file's header for the numbers. A case
 * passes iff otpsim exits 0 with "result: pass (0 of N checks failed)" and N "ok" lines; on
 * failure it prints the whole output and keeps the FAIL lines in the assertion message.
 *
 * The statistical checks use fixed seeds, so they cannot flake: seed 1, or the N of a line
 * "-- test seed: N" in the scenario (its header says why). A 95 % interval misses the truth 5 % of
 * the time, so a change that moves the random draws can make one fail without anything being
 * wrong: run tests/load/coverage.sh SCENARIO (pass rates over 20 seeds, and the seeds' pooled
 * estimates) before concluding either way.
 *
 * Three small scenarios are regressions of load-generator bugs this suite found (a Lua request
 * finished at the start of its last slice; request numbers in a backlog; garbage of short
 * requests never collected): lua_request_completion, request_numbers, request_garbage.
 *
 * Two more cases read the coordinated-omission scenario's --json result (metrics.loads) — the
 * uncorrected and corrected p99 as HdrHistogram reports them — and run it twice for the same
 * trace-hash. */
#include <check.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tests/testutil.h"

/* Declared here for -Wmissing-prototypes; the definition must start its line for the runner's
 * suite scan, which matches definitions starting with "Suite *suite_". */
extern Suite *suite_queueing(void);

#define LOAD_GLOB "tests/load/*.lua"
#define CO_SCENARIO "tests/load/coordinated_omission.lua"
#define CASE_TIMEOUT_S 300 /* wall clock: the longest scenario takes ~6 s alone, more on a busy machine */
#define CPU_LIMIT_S 120

static glob_t scenarios;
static int scenarios_found;

/* Lines of out starting with prefix. */
static int count_lines(const char *out, const char *prefix)
{
    int n = 0;
    size_t pl = strlen(prefix);
    for (const char *p = out; p && *p;) {
        if (strncmp(p, prefix, pl) == 0) n++;
        p = strchr(p, '\n');
        if (p) p++;
    }
    return n;
}

/* The seed a scenario is tested with: the number on a line "-- test seed: N" in it, else 1. */
static void test_seed(const char *path, char *buf, size_t n)
{
    snprintf(buf, n, "1");
    char *text = tu_read_file(path);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    const char *p = strstr(text, "\n-- test seed: ");
    if (p) {
        long v = strtol(p + strlen("\n-- test seed: "), NULL, 10);
        if (v > 0) snprintf(buf, n, "%ld", v);
    }
    free(text);
}

START_TEST(test_scenario)
{
    ck_assert_int_lt(_i, (int)scenarios.gl_pathc);
    const char *path = scenarios.gl_pathv[_i];
    tu_cpu_cap(CPU_LIMIT_S);
    char seed[32];
    test_seed(path, seed, sizeof seed);
    tu_result_t r = tu_run("run", path, "--quiet", "--seed", seed, NULL);
    if (r.code != 0)
        fprintf(stderr, "==== %s: exit %d\n---- stdout ----\n%s---- stderr ----\n%s----\n", path, r.code, r.out ? r.out : "",
                r.err ? r.err : "");
    ck_assert_msg(r.code == 0, "%s: otpsim exited %d (0 = every check passed)\n%s", path, r.code, tu_failure_lines(r.out, r.err));
    char res[128];
    ck_assert_msg(tu_line_value(r.out, "result", res, sizeof res) == 0, "%s: no result line", path);
    int failed = -1, total = -1;
    ck_assert_msg(sscanf(res, "pass (%d of %d checks failed)", &failed, &total) == 2, "%s: result '%s'", path, res);
    ck_assert_int_eq(failed, 0);
    ck_assert_msg(total >= 1, "%s: no checks", path);
    ck_assert_int_eq(count_lines(r.out, "  ok"), total);
    ck_assert_int_eq(count_lines(r.out, "  FAIL"), 0);
    tu_result_free(&r);
}
END_TEST

START_TEST(test_none_found)
{
    ck_abort_msg("no scenario matches %s (run from the repository root)", LOAD_GLOB);
}
END_TEST

/* The number after "key": following the keys in order in a JSON text (a small, sufficient
 * walk: each key is looked for after the previous one). */
static double json_number(const char *json, const char *const *keys, int nkeys)
{
    const char *p = json;
    for (int i = 0; i < nkeys && p; i++) {
        char pat[80];
        snprintf(pat, sizeof pat, "\"%s\":", keys[i]);
        p = strstr(p, pat);
        if (p) p += strlen(pat);
    }
    ck_assert_msg(p != NULL, "key %s not found in the --json result", keys[nkeys - 1]);
    char *end;
    double v = strtod(p, &end);
    ck_assert_msg(end != p, "no number after %s", keys[nkeys - 1]);
    return v;
}

/* capacity-validation.md §3.5: with one connection (concurrency = 1) the stall shows in one
 * service-time sample, while the response times (from the intended send times) spread it over
 * the 111 requests it delayed. HdrHistogram reports the highest value of a sample's bucket:
 * 1 ms -> 1.000447 ms, 816 ms -> 816.316415 ms (buckets of 512 ns and 524 288 ns). */
START_TEST(test_co_json)
{
    tu_cpu_cap(CPU_LIMIT_S);
    char *json_path = tu_write_file("co.json", "");
    tu_result_t r = tu_run("run", CO_SCENARIO, "--quiet", "--json", json_path, NULL);
    ck_assert_msg(r.code == 0, "exit %d\n%s", r.code, tu_failure_lines(r.out, r.err));
    char *json = tu_read_file(json_path);
    ck_assert_ptr_nonnull(json);
    static const struct { const char *load, *kind, *stat; double want; } rows[] = {
        { "wrk", "service", "p99", 1.000447 },    { "wrk", "service", "p999", 1.000447 },
        { "wrk", "service", "max", 996.0 },       { "wrk", "response", "p90", 1.000447 },
        { "wrk", "response", "p99", 816.316415 }, { "wrk", "response", "max", 996.0 },
        { "open", "service", "p99", 816.316415 }, { "open", "response", "p99", 816.316415 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *keys[] = { "loads", rows[i].load, rows[i].kind, rows[i].stat };
        double v = json_number(json, keys, 4);
        ck_assert_msg(v > rows[i].want - 1e-6 && v < rows[i].want + 1e-6, "%s %s %s: %.6f, want %.6f", rows[i].load,
                      rows[i].kind, rows[i].stat, v, rows[i].want);
    }
    const char *count_keys[] = { "loads", "wrk", "count" };
    ck_assert(json_number(json, count_keys, 3) == 1999);
    free(json);
    unlink(json_path);
    char *slash = strrchr(json_path, '/');
    if (slash) {
        *slash = 0;
        rmdir(json_path); /* the temporary directory tu_write_file made */
    }
    free(json_path);
    tu_result_free(&r);
}
END_TEST

START_TEST(test_co_deterministic)
{
    tu_cpu_cap(CPU_LIMIT_S);
    char hash[2][64];
    for (int k = 0; k < 2; k++) {
        tu_result_t r = tu_run("run", CO_SCENARIO, "--quiet", NULL);
        ck_assert_msg(r.code == 0, "run %d exited %d\n%s", k + 1, r.code, tu_failure_lines(r.out, r.err));
        ck_assert(tu_line_value(r.out, "trace-hash", hash[k], sizeof hash[k]) == 0);
        tu_result_free(&r);
    }
    ck_assert_str_eq(hash[0], hash[1]);
}
END_TEST

static void add_case(Suite *s, const char *name, const TTest *t)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, CASE_TIMEOUT_S);
    tcase_add_test(tc, t);
    suite_add_tcase(s, tc);
}

Suite *suite_queueing(void)
{
    Suite *s = suite_create("queueing");
    if (!scenarios_found) {
        scenarios_found = 1;
        if (glob(LOAD_GLOB, 0, NULL, &scenarios) != 0) scenarios.gl_pathc = 0;
    }
    if (scenarios.gl_pathc == 0) {
        add_case(s, "scenarios_found", test_none_found);
        return s;
    }
    tu_add_file_cases(s, &scenarios, test_scenario, CASE_TIMEOUT_S);
    add_case(s, "coordinated_omission_json", test_co_json);
    add_case(s, "coordinated_omission_same_seed_same_trace", test_co_deterministic);
    return s;
}
