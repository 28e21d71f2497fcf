/* test_repro.c — reproducing failures (docs/reproducing.md): `otpsim diff` and the determinism
 * audit `otpsim run --check-determinism`, driven as a user drives them (bin/otpsim in a child).
 *
 * - diff: identical traces exit 0; a planted divergence (one changed --set parameter) is found
 *   at the first line where the two files differ, computed here independently; a truncated and
 *   a malformed trace exit 2 with a message naming the problem; usage errors exit 2.
 * - the audit over every scenario in scenarios/ (all in parallel, to keep `make test` fast):
 *   no scenario diverges between two processes.
 * - the audit catches nondeterminism: the hidden test option --test-perturb-second-run makes
 *   the second run draw one extra random number; the audit exits 3 and names the event. */
#include <check.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

extern Suite *suite_repro(void);

static char *tmpdir(void)
{
    char *d = strdup("/tmp/otpsim-repro-XXXXXX");
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    ck_assert_ptr_nonnull(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static void rm_rf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* The 1-based number of the first line where two files differ (0: identical). */
static size_t first_diff_line(const char *a, const char *b)
{
    size_t line = 1;
    for (; *a || *b; a++, b++) {
        if (*a != *b) return line;
        if (*a == '\n') line++;
    }
    return 0;
}

START_TEST(diff_identical_and_planted_divergence)
{
    char *d = tmpdir();
    char *a = path_in(d, "a.jsonl"), *b = path_in(d, "b.jsonl");
    tu_result_t r = tu_run("run", "scenarios/quickstart.lua", "-q", "--trace", a, NULL);
    ck_assert_int_eq(r.code, 0);
    tu_result_free(&r);
    r = tu_run("run", "scenarios/quickstart.lua", "-q", "--set", "rate=210", "--trace", b, NULL);
    ck_assert_int_le(r.code, 1);
    tu_result_free(&r);

    r = tu_run("diff", a, a, NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "identical:"));
    ck_assert_ptr_nonnull(strstr(r.out, "events per kind:"));
    tu_result_free(&r);

    char *ta = tu_read_file(a), *tb = tu_read_file(b);
    size_t want = first_diff_line(ta, tb);
    ck_assert_uint_gt(want, 1);
    r = tu_run("diff", a, b, NULL);
    ck_assert_int_eq(r.code, 1);
    char head[64];
    snprintf(head, sizeof head, "first divergent event: %zu ", want);
    ck_assert_msg(strstr(r.out, head) != NULL, "want '%s' in:\n%s", head, r.out);
    char ev[64];
    snprintf(ev, sizeof ev, "  A {\"ev\":%zu,", want);
    ck_assert_ptr_nonnull(strstr(r.out, ev));
    snprintf(ev, sizeof ev, "  B {\"ev\":%zu,", want);
    ck_assert_ptr_nonnull(strstr(r.out, ev));
    ck_assert_ptr_nonnull(strstr(r.out, "before (the same in both):"));
    ck_assert_ptr_nonnull(strstr(r.out, "  spawn "));
    tu_result_free(&r);

    /* truncated: cut in the middle of a line */
    char *t = path_in(d, "cut.jsonl");
    FILE *f = fopen(t, "w");
    ck_assert_ptr_nonnull(f);
    fwrite(ta, 1, strlen(ta) / 2, f);
    fclose(f);
    r = tu_run("diff", a, t, NULL);
    ck_assert_int_eq(r.code, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "truncated"));
    tu_result_free(&r);
    /* malformed: a line that is not JSON */
    f = fopen(t, "w");
    fputs("{\"ev\":1,\"t\":0,\"kind\":\"node\",\"node\":\"a\",\"cores\":2}\n{\"ev\":2,\"t\":0,\"kind\":\n", f);
    fclose(f);
    r = tu_run("diff", t, a, NULL);
    ck_assert_int_eq(r.code, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "cut.jsonl:2: malformed"));
    tu_result_free(&r);
    /* not a trace at all: wrong numbering */
    f = fopen(t, "w");
    fputs("{\"ev\":5,\"t\":0,\"kind\":\"node\"}\n", f);
    fclose(f);
    r = tu_run("diff", t, a, NULL);
    ck_assert_int_eq(r.code, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "malformed"));
    tu_result_free(&r);
    r = tu_run("diff", a, NULL);
    ck_assert_int_eq(r.code, 2);
    tu_result_free(&r);
    r = tu_run("diff", a, "/nonexistent/x.jsonl", NULL);
    ck_assert_int_eq(r.code, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "cannot open"));
    tu_result_free(&r);
    free(ta);
    free(tb);
    free(t);
    free(a);
    free(b);
    rm_rf(d);
    free(d);
}
END_TEST

/* Every scenario in scenarios/, audited in parallel: each child's output goes to a file. */
START_TEST(audit_every_scenario)
{
    glob_t g;
    ck_assert_int_eq(glob("scenarios/*.lua", 0, NULL, &g), 0);
    ck_assert_uint_gt(g.gl_pathc, 0);
    char *d = tmpdir();
    pid_t *pids = calloc(g.gl_pathc, sizeof *pids);
    ck_assert_ptr_nonnull(pids);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char name[32];
        snprintf(name, sizeof name, "%zu.out", i);
        char *out = path_in(d, name);
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0) _exit(126);
            dup2(fd, 1);
            dup2(fd, 2);
            alarm(120);
            execl(tu_bin(), tu_bin(), "run", g.gl_pathv[i], "-q", "--check-determinism", (char *)NULL);
            _exit(127);
        }
        free(out);
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        int st = 0;
        ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
        char name[32];
        snprintf(name, sizeof name, "%zu.out", i);
        char *out = path_in(d, name);
        char *text = tu_read_file(out);
        ck_assert_ptr_nonnull(text);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) <= 1, "%s: audit exit %d:\n%s", g.gl_pathv[i],
                      WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), text);
        ck_assert_msg(strstr(text, "determinism: ok") != NULL, "%s:\n%s", g.gl_pathv[i], text);
        free(text);
        free(out);
    }
    free(pids);
    globfree(&g);
    rm_rf(d);
    free(d);
}
END_TEST

START_TEST(audit_catches_planted_nondeterminism)
{
    tu_result_t r = tu_run("run", "scenarios/quickstart.lua", "-q", "--check-determinism",
                           "--test-perturb-second-run", NULL);
    ck_assert_int_eq(r.code, 3);
    ck_assert_ptr_nonnull(strstr(r.out, "first divergent event: "));
    ck_assert_ptr_nonnull(strstr(r.out, "determinism: FAILED"));
    ck_assert_ptr_nonnull(strstr(r.out, "  A {\"ev\":"));
    ck_assert_ptr_nonnull(strstr(r.out, "  B {\"ev\":"));
    tu_result_free(&r);
    /* and an honest audit passes with the run's own exit code */
    r = tu_run("run", "scenarios/quickstart.lua", "-q", "--check-determinism", NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "determinism: ok"));
    ck_assert_ptr_nonnull(strstr(r.out, "trace-hash: "));
    tu_result_free(&r);
    /* a failing check keeps exit 1 */
    r = tu_run("run", "scenarios/quickstart.lua", "-q", "--set", "rate=380", "--check-determinism", NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "determinism: ok"));
    tu_result_free(&r);
    r = tu_run("run", "scenarios/quickstart.lua", "--check-determinism", "--trace", "/tmp/x.jsonl", NULL);
    ck_assert_int_eq(r.code, 2);
    tu_result_free(&r);
}
END_TEST

START_TEST(until_stops_at_the_moment)
{
    char *d = tmpdir();
    char *full = path_in(d, "full.jsonl"), *part = path_in(d, "part.jsonl");
    tu_result_t r = tu_run("run", "scenarios/quickstart.lua", "-q", "--trace", full, NULL);
    ck_assert_int_eq(r.code, 0);
    char hash_full[64], hash_plain[64];
    ck_assert_int_eq(tu_line_value(r.out, "trace-hash", hash_full, sizeof hash_full), 0);
    tu_result_free(&r);
    r = tu_run("run", "scenarios/quickstart.lua", "-q", NULL);
    ck_assert_int_eq(tu_line_value(r.out, "trace-hash", hash_plain, sizeof hash_plain), 0);
    ck_assert_str_eq(hash_full, hash_plain); /* the run's own observer never steers */
    tu_result_free(&r);

    r = tu_run("run", "scenarios/quickstart.lua", "-q", "--until", "1s", "--trace", part, NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "stopped: --until at event "));
    ck_assert_ptr_nonnull(strstr(r.out, "the checks are not judged"));
    ck_assert_ptr_nonnull(strstr(r.out, "nodes:"));
    ck_assert_ptr_null(strstr(r.out, "checks:"));
    tu_result_free(&r);
    char *tf = tu_read_file(full), *tp = tu_read_file(part);
    ck_assert_ptr_nonnull(tp);
    size_t lp = strlen(tp);
    ck_assert_uint_gt(lp, 0);
    ck_assert_int_eq(strncmp(tf, tp, lp), 0); /* a prefix of the full trace */
    /* its last event is at or before 1 s; the full trace's next one is after */
    const char *last = tp + lp - 1;
    while (last > tp && last[-1] != '\n') last--;
    const char *t = strstr(last, "\"t\":");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_le(strtoll(t + 4, NULL, 10), 1000000000LL);
    t = strstr(tf + lp, "\"t\":");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_gt(strtoll(t + 4, NULL, 10), 1000000000LL);
    free(tf);
    free(tp);

    r = tu_run("run", "scenarios/quickstart.lua", "-q", "--until-event", "500", NULL);
    ck_assert_int_eq(r.code, 0);
    const char *at = strstr(r.out, "stopped: --until-event at event ");
    ck_assert_ptr_nonnull(at);
    long ev = strtol(at + strlen("stopped: --until-event at event "), NULL, 10);
    ck_assert_int_ge(ev, 500);
    ck_assert_int_le(ev, 520);
    tu_result_free(&r);
    r = tu_run("run", "scenarios/quickstart.lua", "--until", "soon", NULL);
    ck_assert_int_eq(r.code, 2);
    tu_result_free(&r);
    r = tu_run("run", "scenarios/quickstart.lua", "--until-event", "0", NULL);
    ck_assert_int_eq(r.code, 2);
    tu_result_free(&r);
    free(full);
    free(part);
    rm_rf(d);
    free(d);
}
END_TEST

START_TEST(failing_check_names_its_event)
{
    char *d = tmpdir();
    char *tr = path_in(d, "t.jsonl");
    tu_result_t r = tu_run("run", "scenarios/quickstart.lua", "-q", "--set", "rate=380", "--trace", tr, NULL);
    ck_assert_int_eq(r.code, 1);
    const char *f = strstr(r.out, "FAIL  p99 latency within the SLO");
    ck_assert_ptr_nonnull(f);
    const char *e = strstr(f, "(event ");
    ck_assert_ptr_nonnull(e);
    long ev = strtol(e + 7, NULL, 10);
    ck_assert_int_gt(ev, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "watch it: "));
    ck_assert_ptr_nonnull(strstr(r.out, " --until-event "));
    char *text = tu_read_file(tr);
    char want[128];
    snprintf(want, sizeof want, "{\"ev\":%ld,", ev);
    const char *line = strstr(text, want);
    ck_assert_ptr_nonnull(line);
    const char *kind = "\"kind\":\"check\",\"name\":\"p99 latency within the SLO\",\"ok\":false";
    ck_assert_int_eq(strncmp(strstr(line, "\"kind\":"), kind, strlen(kind)), 0);
    free(text);
    tu_result_free(&r);
    free(tr);
    rm_rf(d);
    free(d);
}
END_TEST

/* Runs a shell command line; returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

START_TEST(sweep_finds_failing_seeds_and_they_replay)
{
    char *d = tmpdir();
    char *full = path_in(d, "full.json");
    tu_result_t r = tu_run("sweep", "scenarios/quickstart.lua", "--seeds", "1..8", "--set", "rate=255", "--jobs", "2",
                           "--progress", "none", "--json", full, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "seeds run: 8  passed: 4  failed: 4"));
    ck_assert_ptr_nonnull(strstr(r.out, "    reproduce: "));
    tu_result_free(&r);
    /* every failing seed replays with the trace-hash the sweep saw */
    char *j = tu_read_file(full);
    ck_assert_ptr_nonnull(j);
    int replayed = 0;
    for (const char *p = strstr(j, "{\"seed\":"); p; p = strstr(p + 1, "{\"seed\":")) {
        if (!strstr(p, "\"exit_code\":1") || strstr(p, "\"exit_code\":1") > strchr(p, '}')) continue;
        char seed[32], hash[32];
        snprintf(seed, sizeof seed, "%ld", strtol(p + 8, NULL, 10));
        const char *h = strstr(p, "\"trace_hash\":\"");
        ck_assert_ptr_nonnull(h);
        memcpy(hash, h + 14, 16);
        hash[16] = 0;
        r = tu_run("run", "scenarios/quickstart.lua", "--seed", seed, "--set", "rate=255", "-q", NULL);
        ck_assert_int_eq(r.code, 1);
        char got[64];
        ck_assert_int_eq(tu_line_value(r.out, "trace-hash", got, sizeof got), 0);
        ck_assert_str_eq(got, hash);
        tu_result_free(&r);
        replayed++;
    }
    ck_assert_int_eq(replayed, 4);
    free(j);

    /* --stop-on-fail, one job at a time: the first failing seed stops the sweep */
    r = tu_run("sweep", "scenarios/quickstart.lua", "--seeds", "1..8", "--set", "rate=300", "--jobs", "1",
               "--progress", "none", "--stop-on-fail", NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "seeds run: 1  passed: 0  failed: 1  not run: 7"));
    ck_assert_ptr_nonnull(strstr(r.out, "--stop-on-fail"));
    tu_result_free(&r);
    r = tu_run("sweep", "scenarios/quickstart.lua", "--seeds", "3", "--progress", "none", NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "seeds run: 3  passed: 3  failed: 0"));
    tu_result_free(&r);
    const char *bad[][4] = { { "scenarios/quickstart.lua", NULL }, { "scenarios/quickstart.lua", "--seeds", "0", NULL },
                             { "scenarios/quickstart.lua", "--seeds", "5..2", NULL }, { "--seeds", "3", NULL },
                             { "scenarios/quickstart.lua", "--seeds", "3", "--shard" } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *args[6] = { "sweep" };
        for (size_t k = 0; k < 4 && bad[i][k]; k++) args[k + 1] = bad[i][k];
        r = tu_runv(args);
        ck_assert_int_eq(r.code, 2);
        tu_result_free(&r);
    }
    free(full);
    rm_rf(d);
    free(d);
}
END_TEST

/* Three shards run through GNU parallel, merged: the same result file as the unsharded sweep. */
START_TEST(sweep_shards_through_gnu_parallel_merge_to_the_whole)
{
    if (system("command -v parallel > /dev/null 2>&1") != 0) {
        ck_abort_msg("GNU parallel is not installed (make deps-test installs it)");
    }
    char *d = tmpdir();
    const char *bin = tu_bin();
    ck_assert_int_eq(sh("%s sweep scenarios/quickstart.lua --seeds 3..11 --set rate=255 --jobs 2 --progress none "
                        "--json %s/full.json > %s/full.out 2>&1", bin, d, d), 1);
    ck_assert_int_le(sh("parallel --will-cite -j 3 %s sweep scenarios/quickstart.lua --seeds 3..11 --set rate=255 "
                        "--jobs 1 --progress none --shard {}/3 --json %s/shard{}.json '>' %s/shard{}.out ::: 1 2 3",
                        bin, d, d), 3);
    ck_assert_int_eq(sh("%s sweep --merge %s/shard1.json %s/shard2.json %s/shard3.json --json %s/merged.json > %s/merge.out",
                        bin, d, d, d, d, d), 1);
    char *p1 = path_in(d, "full.json"), *p2 = path_in(d, "merged.json"), *s2 = path_in(d, "shard2.json");
    char *a = tu_read_file(p1), *b = tu_read_file(p2), *sh2 = tu_read_file(s2);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(sh2);
    ck_assert_str_eq(a, b);
    ck_assert_ptr_nonnull(strstr(sh2, "\"shard\":{\"k\":2,\"n\":3}"));
    ck_assert_ptr_nonnull(strstr(sh2, "{\"seed\":4,"));
    ck_assert_ptr_null(strstr(sh2, "{\"seed\":3,"));
    /* shards of different sweeps do not merge */
    ck_assert_int_eq(sh("%s sweep scenarios/quickstart.lua --seeds 3..11 --set rate=300 --progress none --shard 1/3 "
                        "--json %s/other.json > /dev/null 2>&1", bin, d), 1);
    ck_assert_int_eq(sh("%s sweep --merge %s/shard1.json %s/other.json > /dev/null 2>&1", bin, d, d), 2);
    ck_assert_int_eq(sh("%s sweep --merge %s/full.out > /dev/null 2>&1", bin, d), 2);
    free(a);
    free(b);
    free(sh2);
    free(p1);
    free(p2);
    free(s2);
    rm_rf(d);
    free(d);
}
END_TEST

/* The planted bug: acknowledged writes are lost only when a partition cutting b from c and a
 * crash of b overlap. The sweep finds failing seeds; shrink cuts 20+ faults down to those two
 * and the declared parameters (3 client nodes writing 50 times a second) down to one client
 * writing less often; the printed sim.at calls, pasted into the scenario in place of the
 * nemesis, still fail with those parameters; the written minimal scenario reproduces. */
START_TEST(shrink_planted_bug_to_partition_and_crash)
{
    const char *sc = "tests/repro/lost_write.lua";
    tu_result_t r = tu_run("sweep", sc, "--seeds", "1..10", "--progress", "none", NULL);
    ck_assert_int_eq(r.code, 1);
    const char *fs = strstr(r.out, "  seed ");
    ck_assert_ptr_nonnull(fs);
    char seed[32];
    snprintf(seed, sizeof seed, "%ld", strtol(fs + 7, NULL, 10));
    tu_result_free(&r);
    r = tu_run("run", sc, "--set", "nemesis=false", "-q", NULL);
    ck_assert_int_eq(r.code, 0); /* no faults, no bug */
    tu_result_free(&r);

    char *d = tmpdir();
    char *min = path_in(d, "min.lua");
    r = tu_run("shrink", sc, "--seed", seed, "--out", min, NULL);
    ck_assert_msg(r.code == 0, "%s%s", r.out, r.err);
    const char *inj = strstr(r.out, "the nemesis injected ");
    ck_assert_ptr_nonnull(inj);
    ck_assert_int_ge(strtol(inj + strlen("the nemesis injected "), NULL, 10), 20);
    ck_assert_msg(strstr(r.out, "minimal fault schedule (2 faults") != NULL, "%s", r.out);
    ck_assert_ptr_nonnull(strstr(r.out, "sim.partition("));
    ck_assert_ptr_nonnull(strstr(r.out, "sim.crash(\"b\")"));
    ck_assert_ptr_nonnull(strstr(r.out, "reproduce: "));
    /* fewer nodes, less load: the parameters declared with a shrink floor */
    ck_assert_msg(strstr(r.out, "shrink: parameter clients: 3 -> 1 ") != NULL, "%s", r.out);
    const char *wp = strstr(r.out, "shrink: parameter writes: 50 -> ");
    ck_assert_ptr_nonnull(wp);
    long writes = strtol(wp + strlen("shrink: parameter writes: 50 -> "), NULL, 10);
    ck_assert_int_ge(writes, 1);
    ck_assert_int_lt(writes, 50);
    char wset[32];
    snprintf(wset, sizeof wset, "writes=%ld", writes);
    ck_assert_ptr_nonnull(strstr(r.out, "-- with --set clients=1 --set writes="));
    ck_assert_ptr_null(strstr(r.out, "\"a2\"")); /* the schedule names no node that is gone */
    ck_assert_ptr_nonnull(strstr(r.out, "--set 'clients=1'"));
    /* paste the sim.at lines into the scenario, with the nemesis off */
    char *text = tu_read_file(sc);
    ck_assert_ptr_nonnull(text);
    char *mark = strstr(text, "-- PASTE HERE");
    ck_assert_ptr_nonnull(mark);
    char *pasted = path_in(d, "lost_write.lua");
    FILE *f = fopen(pasted, "w");
    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, (size_t)(mark - text), f);
    for (const char *p = strstr(r.out, "\nsim.at("); p; p = strstr(p + 1, "\nsim.at(")) {
        const char *e = strchr(p + 1, '\n');
        fwrite(p + 1, 1, (size_t)(e - p), f);
    }
    fputs(mark + strlen("-- PASTE HERE"), f);
    fclose(f);
    tu_result_free(&r);
    r = tu_run("run", pasted, "--set", "nemesis=false", "--set", "clients=1", "--set", wset, "-q", NULL);
    ck_assert_msg(r.code == 1, "%s", r.out);
    ck_assert_ptr_nonnull(strstr(r.out, "FAIL  no acknowledged write lost"));
    tu_result_free(&r);
    r = tu_run("run", min, "--seed", seed, "--set", "clients=1", "--set", wset, "-q", NULL);
    ck_assert_int_eq(r.code, 1);
    tu_result_free(&r);
    /* a passing seed has nothing to shrink; usage errors */
    r = tu_run("shrink", sc, "--seed", seed, "--check", "no such check", "--out", min, NULL);
    ck_assert_int_eq(r.code, 1);
    tu_result_free(&r);
    r = tu_run("shrink", sc, NULL);
    ck_assert_int_eq(r.code, 2);
    tu_result_free(&r);
    r = tu_run("shrink", "scenarios/quickstart.lua", "--seed", "1", NULL);
    ck_assert_int_eq(r.code, 2);
    tu_result_free(&r);
    free(text);
    free(pasted);
    free(min);
    rm_rf(d);
    free(d);
}
END_TEST

/* kv_cluster.lua's planted merge bug (--set buggy=true) at seed 3: the nemesis's five faults on
 * five nodes come down to one fault between two nodes (its `nodes` parameter declares a shrink
 * floor of 2); a failure that a sim.always stops early still has its schedule recorded; the
 * reproduce command printed fails the same check. */
START_TEST(shrink_kv_cluster_to_two_nodes)
{
    char *d = tmpdir();
    char *min = path_in(d, "kv_min.lua");
    tu_result_t r = tu_run("shrink", "scenarios/kv_cluster.lua", "--seed", "3", "--set", "buggy=true", "--out", min, NULL);
    ck_assert_msg(r.code == 0, "%s%s", r.out, r.err);
    const char *inj = strstr(r.out, "the nemesis injected ");
    ck_assert_ptr_nonnull(inj);
    ck_assert_int_ge(strtol(inj + strlen("the nemesis injected "), NULL, 10), 2);
    ck_assert_msg(strstr(r.out, "minimal fault schedule (1 fault,") != NULL, "%s", r.out);
    const char *np = strstr(r.out, "shrink: parameter nodes: 5 -> ");
    ck_assert_msg(np != NULL, "%s", r.out);
    long nodes = strtol(np + strlen("shrink: parameter nodes: 5 -> "), NULL, 10);
    ck_assert_int_ge(nodes, 2);
    ck_assert_int_lt(nodes, 5);
    char nset[32];
    snprintf(nset, sizeof nset, "nodes=%ld", nodes);
    tu_result_free(&r);
    r = tu_run("run", min, "--seed", "3", "--set", "buggy=true", "--set", nset, "-q", NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.out, "FAIL  versions never go back") != NULL, "%s", r.out);
    tu_result_free(&r);
    free(min);
    rm_rf(d);
    free(d);
}
END_TEST

START_TEST(perfetto_export)
{
    char *d = tmpdir();
    char *pf = path_in(d, "run.json");
    tu_result_t r = tu_run("run", "scenarios/kv_cluster.lua", "-q", NULL);
    char plain[64], with[64];
    ck_assert_int_eq(tu_line_value(r.out, "trace-hash", plain, sizeof plain), 0);
    tu_result_free(&r);
    r = tu_run("run", "scenarios/kv_cluster.lua", "-q", "--perfetto", pf, NULL);
    ck_assert_int_eq(r.code, 0);
    ck_assert_int_eq(tu_line_value(r.out, "trace-hash", with, sizeof with), 0);
    ck_assert_str_eq(plain, with); /* exporting never changes the run */
    tu_result_free(&r);
    char *j = tu_read_file(pf);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(strncmp(j, "{\"displayTimeUnit\":\"ms\"", 23), 0);
    ck_assert_ptr_nonnull(strstr(j, "\"traceEvents\":["));
    ck_assert_ptr_nonnull(strstr(j, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"kv1\"}}"));
    ck_assert_ptr_nonnull(strstr(j, "{\"ph\":\"B\",\"name\":\"<0.1.0>\""));
    ck_assert_ptr_nonnull(strstr(j, "\"ph\":\"E\""));
    ck_assert_ptr_nonnull(strstr(j, "{\"ph\":\"i\",\"name\":\"fault\""));
    ck_assert_ptr_nonnull(strstr(j, "\"s\":\"g\""));
    size_t len = strlen(j);
    ck_assert_int_eq(strcmp(j + len - 4, "\n]}\n"), 0);
    free(j);
    /* a JSON parser accepts it (where python3 is installed) */
    if (system("command -v python3 > /dev/null 2>&1") == 0)
        ck_assert_int_eq(sh("python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d[\"traceEvents\"]) > 1000' %s", pf), 0);
    r = tu_run("run", "scenarios/quickstart.lua", "-q", "--perfetto", "/nonexistent/dir/x.json", NULL);
    ck_assert_int_eq(r.code, 2);
    tu_result_free(&r);
    free(pf);
    rm_rf(d);
    free(d);
}
END_TEST

/* --until with --viz opens the live view paused at that moment (issue: "with --viz the run opens
 * paused there"): under Xvfb, with frames recorded every 200 ms, the run shows 0..1 s (6 frames)
 * and then holds, paused and alive, until it is killed; no "stopped:" report (the run was not
 * cut). No wall-clock bound on how long the start takes: the test waits (up to a minute) for the
 * sixth frame, then gives the run a second to show a seventh if it were not paused. */
START_TEST(until_with_viz_opens_paused_there)
{
    char dir[] = "/tmp/otpsim-untilviz-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "exec 2>/dev/null; D=%s; setsid xvfb-run -a %s run tests/viz/partition_restart.lua --until 1s --viz --viz-record $D "
             "--viz-every 200ms > $D/out.txt 2>&1 & pid=$!; "
             "for i in $(seq 600); do [ $(ls $D/frame-*.png 2>/dev/null | wc -l) -ge 6 ] && break; sleep 0.1; done; "
             "sleep 1; n=$(ls $D/frame-*.png 2>/dev/null | wc -l); alive=0; kill -0 $pid 2>/dev/null && alive=1; "
             "kill -TERM -$pid 2>/dev/null; wait $pid; echo \"$n $alive\" > $D/result.txt",
             dir, tu_bin());
    ck_assert_int_eq(system(cmd), 0);
    char path[1100];
    snprintf(path, sizeof path, "%s/result.txt", dir);
    char *res = tu_read_file(path);
    ck_assert_ptr_nonnull(res);
    int frames = -1, alive = -1;
    ck_assert_int_eq(sscanf(res, "%d %d", &frames, &alive), 2);
    ck_assert_msg(frames == 6, "frames at 0, 0.2, ..., 1 s, then paused: got %d", frames);
    ck_assert_msg(alive == 1, "the paused view should hold until killed");
    free(res);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    char *out = tu_read_file(path);
    ck_assert_ptr_nonnull(out);
    ck_assert_msg(strstr(out, "stopped:") == NULL, "the run was cut instead of paused:\n%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *suite_repro(void)
{
    Suite *s = suite_create("repro");
    TCase *tc = tcase_create("diff");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, diff_identical_and_planted_divergence);
    suite_add_tcase(s, tc);
    tc = tcase_create("until");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, until_stops_at_the_moment);
    tcase_add_test(tc, failing_check_names_its_event);
    tcase_add_test(tc, until_with_viz_opens_paused_there);
    suite_add_tcase(s, tc);
    tc = tcase_create("sweep");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sweep_finds_failing_seeds_and_they_replay);
    tcase_add_test(tc, sweep_shards_through_gnu_parallel_merge_to_the_whole);
    suite_add_tcase(s, tc);
    tc = tcase_create("shrink");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shrink_planted_bug_to_partition_and_crash);
    tcase_add_test(tc, shrink_kv_cluster_to_two_nodes);
    suite_add_tcase(s, tc);
    tc = tcase_create("perfetto");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, perfetto_export);
    suite_add_tcase(s, tc);
    tc = tcase_create("determinism");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, audit_every_scenario);
    tcase_add_test(tc, audit_catches_planted_nondeterminism);
    suite_add_tcase(s, tc);
    return s;
}
