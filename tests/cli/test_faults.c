/* test_faults.c — the nemesis and the run-time properties, driven through bin/otpsim.
 *
 * sim.always stops the run at its first violation and names the virtual time and event number;
 * sim.eventually passes the first time it holds after the faults stop and fails when the bound
 * passes; the nemesis draws its schedule (and, in swarm mode, its fault kinds) from the seed and
 * nothing else; and the five-node example (scenarios/kv_cluster.lua) passes while its planted bug
 * is found by the nemesis within the first 100 seeds but not without faults. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

extern Suite *suite_faults(void);

static char *scenario(const char *text)
{
    char *p = tu_write_file("s.lua", text);
    ck_assert_msg(p != NULL, "cannot write scenario");
    return p;
}

START_TEST(test_always_stops_at_first_violation)
{
    char *s = scenario("local n = 0\n"
                       "sim.spawn(function() for i = 1, 10 do otp.sleep(10); n = n + 1 end end)\n"
                       "sim.always('n below 5', function() return n < 5, 'n=' .. n end)\n"
                       "sim.run{duration = '1s'}\n");
    tu_result_t r = tu_run("run", s, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.out, "FAIL  n below 5: violated at 50ms (event ") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "): n=5") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "sim-time: 50ms") != NULL, "the run stops at the violation: %s", r.out);
    tu_result_free(&r);
    free(s);
}
END_TEST

START_TEST(test_always_sampled_every)
{
    /* sampled every 100 ms: a violation between samples that heals before the next is missed */
    char *s = scenario("local bad = false\n"
                       "sim.at(130, function() bad = true end)\n"
                       "sim.at(160, function() bad = false end)\n"
                       "sim.at(330, function() bad = true end)\n"
                       "sim.always('sampled', function() return not bad end, {every = 100})\n"
                       "sim.run{duration = '1s'}\n");
    tu_result_t r = tu_run("run", s, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.out, "sampled: violated at 400ms") != NULL, "%s", r.out);
    tu_result_free(&r);
    free(s);
}
END_TEST

START_TEST(test_eventually_holds_and_fails)
{
    char *s = scenario("local up = false\n"
                       "sim.at(1500, function() up = true end)\n"
                       "sim.eventually('in time', function() return up end, '1s', {after = 1000})\n"
                       "sim.eventually('too slow', function() return up end, '200ms', {after = 1000})\n"
                       "sim.eventually('never', function() return false, 'still down' end, '5s', {after = 1000})\n"
                       "sim.run{duration = '3s'}\n");
    tu_result_t r = tu_run("run", s, NULL);
    ck_assert_int_eq(r.code, 1);
    ck_assert_msg(strstr(r.out, "ok    in time: held 500ms after the faults stopped") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "FAIL  too slow: did not hold within 200ms at 1.2s") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "FAIL  never: run ended") != NULL, "%s", r.out);
    tu_result_free(&r);
    free(s);
}
END_TEST

/* An explicit schedule naming a node the run does not have: an error, unless existing_nodes_only
 * (what otpsim shrink passes when it tries fewer nodes) restricts each fault to the nodes there:
 * a crash of the missing node is dropped, a partition keeps the nodes that exist on each side. */
START_TEST(test_nemesis_replay_existing_nodes_only)
{
    char *s = scenario("sim.node('a') sim.node('b')\n"
                       "local only = sim.param('only', true)\n"
                       "local h = sim.nemesis{to = 500, existing_nodes_only = only, schedule = {\n"
                       "  {at = 100, stop = 200, kind = 'crash', node = 'c'},\n"
                       "  {at = 100, stop = 300, kind = 'partition', a = {'a', 'c'}, b = {'b'}},\n"
                       "  {at = 150, stop = 250, kind = 'partition', a = {'c'}, b = {'a', 'b'}}}}\n"
                       "sim.at(120, function() print('cut', sim.node_stats('a').up, #h.schedule) end)\n"
                       "sim.at(400, function()\n"
                       "  local f = h.schedule[1]\n"
                       "  print(f.kind, table.concat(f.a, ','), table.concat(f.b, ','))\n"
                       "end)\n"
                       "sim.run{duration = '1s'}\n");
    tu_result_t r = tu_run("run", s, "--trace", "/dev/null", NULL);
    ck_assert_msg(r.code == 0, "%s%s", r.out, r.err);
    ck_assert_msg(strstr(r.out, "cut\ttrue\t1") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "partition\ta\tb") != NULL, "%s", r.out);
    tu_result_free(&r);
    r = tu_run("run", s, "--set", "only=false", NULL);
    ck_assert_msg(r.code == 2, "%s%s", r.out, r.err);
    ck_assert_msg(strstr(r.err, "'c'") != NULL, "%s", r.err);
    tu_result_free(&r);
    free(s);
}
END_TEST

/* The nemesis's note in the trace: its plan. */
static char *nemesis_plan(const char *s, const char *seed, bool swarm)
{
    char trace[4096];
    snprintf(trace, sizeof trace, "%s.%s.jsonl", s, seed);
    tu_result_t r = tu_run("run", s, "-q", "--seed", seed, "--set", swarm ? "swarm=true" : "swarm=false",
                           "--trace", trace, NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s %s", r.code, r.out, r.err);
    tu_result_free(&r);
    char *t = tu_read_file(trace);
    ck_assert_ptr_nonnull(t);
    /* every fault line, concatenated: the schedule */
    size_t cap = strlen(t) + 1, len = 0;
    char *out = calloc(cap, 1);
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"))
        if (strstr(line, "\"kind\":\"fault\"")) {
            size_t n = strlen(line);
            memcpy(out + len, line, n);
            len += n;
            out[len++] = '\n';
        }
    free(t);
    return out;
}

START_TEST(test_nemesis_schedule_from_seed)
{
    char *s = scenario("for i = 1, 4 do sim.node('n' .. i) end\n"
                       "sim.nemesis{rate = 2, from = '1s', to = '20s', swarm = sim.param('swarm', false)}\n"
                       "sim.run{duration = '30s'}\n");
    char *a1 = nemesis_plan(s, "1", false), *a2 = nemesis_plan(s, "1", false), *b = nemesis_plan(s, "2", false);
    ck_assert_str_eq(a1, a2);
    ck_assert_msg(strcmp(a1, b) != 0, "seeds 1 and 2 gave the same fault schedule");
    ck_assert_msg(strstr(a1, "\"fault\":\"nemesis\"") && strstr(a1, "\"fault\":\"nemesis_end\""), "%s", a1);
    /* at least a few faults in 19 s at 2/s; everything heals at the end */
    int n = 0;
    for (const char *p = a1; (p = strstr(p, "\n")); p++) n++;
    ck_assert_msg(n >= 10, "only %d fault events", n);
    ck_assert_msg(strstr(a1, "\"fault\":\"heal\",\"detail\":\"all\""), "%s", a1);
    /* swarm: the enabled kinds and weights are drawn from the seed */
    int differ = 0;
    char first_plan[512] = "";
    for (int seed = 1; seed <= 6; seed++) {
        char sd[16];
        snprintf(sd, sizeof sd, "%d", seed);
        char *p = nemesis_plan(s, sd, true);
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        if (seed == 1) snprintf(first_plan, sizeof first_plan, "%s", p);
        else if (strcmp(first_plan, p) != 0) differ++;
        free(p);
    }
    ck_assert_msg(differ > 0, "swarm plans never differ: %s", first_plan);
    free(a1);
    free(a2);
    free(b);
    free(s);
}
END_TEST

START_TEST(test_nemesis_bad_options)
{
    char *s = scenario("sim.node('a'); sim.node('b')\n"
                       "sim.nemesis{faults = {'crash', 'meteor'}, to = '10s'}\n");
    tu_result_t r = tu_run("run", s, NULL);
    ck_assert_int_eq(r.code, 2);
    ck_assert_msg(strstr(r.err, "s.lua:2:") && strstr(r.err, "unknown fault 'meteor'"), "%s", r.err);
    tu_result_free(&r);
    free(s);
}
END_TEST

START_TEST(test_kv_cluster_passes)
{
    tu_result_t r = tu_run("run", "scenarios/kv_cluster.lua", NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.out);
    ck_assert_msg(strstr(r.out, "ok    versions never go back") && strstr(r.out, "ok    replicas converge"), "%s", r.out);
    tu_result_free(&r);
}
END_TEST

START_TEST(test_kv_cluster_bug_found_by_nemesis)
{
    int found = 0;
    for (int seed = 1; seed <= 100 && !found; seed++) {
        char sd[16];
        snprintf(sd, sizeof sd, "%d", seed);
        tu_result_t r = tu_run("run", "scenarios/kv_cluster.lua", "-q", "--seed", sd, "--set", "buggy=true", NULL);
        ck_assert_msg(r.code == 0 || r.code == 1, "seed %d: exit %d %s", seed, r.code, r.err);
        if (r.code == 1) {
            ck_assert_msg(strstr(r.out, "FAIL  versions never go back: violated at "), "%s", r.out);
            ck_assert_msg(strstr(r.out, "reproduce: ") && strstr(r.out, "buggy=true"), "%s", r.out);
            found = seed;
        }
        tu_result_free(&r);
    }
    ck_assert_msg(found > 0, "the nemesis did not find the planted bug in seeds 1..100");
    /* without faults the same bug stays hidden: updates from one owner arrive in order */
    tu_result_t r = tu_run("run", "scenarios/kv_cluster.lua", "-q", "--set", "buggy=true", "--set", "nemesis=false", NULL);
    ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.out);
    tu_result_free(&r);
}
END_TEST

Suite *suite_faults(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_always_stops_at_first_violation);
    tcase_add_test(tc, test_always_sampled_every);
    tcase_add_test(tc, test_eventually_holds_and_fails);
    tcase_add_test(tc, test_nemesis_schedule_from_seed);
    tcase_add_test(tc, test_nemesis_replay_existing_nodes_only);
    tcase_add_test(tc, test_nemesis_bad_options);
    tcase_add_test(tc, test_kv_cluster_passes);
    tcase_add_test(tc, test_kv_cluster_bug_found_by_nemesis);
    suite_add_tcase(s, tc);
    return s;
}
