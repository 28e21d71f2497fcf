/* test_sysstate.c — rt_proc_sys_state: a behaviour's sys state read from C, without running it.
 *
 * Proves: after three casts a gen_server's state reads as sys.get_state would return it (print's
 * rendering, keys in print's order); a gen_statem reads as {state, data}, a gen_event manager as
 * its handlers newest first, a supervisor as its own state, and a suspended process says so; a
 * plain process, a dead one and an unknown pid have no sys state; a state that contains itself
 * or holds thousands of entries reads in bounded text; and reading every behaviour between every
 * event leaves the run exactly as it was — same trace-hash, same object serials (tostring) and
 * same collector byte count (collectgarbage "count"), which the scenario prints at its end. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/scenario.h"
#include "runtime/rt.h"
#include "sim/world.h"
#include "tests/testutil.h"

extern Suite *suite_sysstate(void);

static const char SCENARIO[] =
    "sim.node('a', {instr_ns = 0})\n"
    "local Counter = {\n"
    "  init = function(n) return 'ok', {count = n, seen = {}} end,\n"
    "  handle_cast = function(x, st) st.count = st.count + 1; st.seen[#st.seen + 1] = x; return 'noreply', st end,\n"
    "}\n"
    "local Light = {callback_mode = 'state_functions'}\n"
    "function Light.init() return 'ok', 'off', {flips = 0} end\n"
    "function Light.off(_, _, d) d.flips = d.flips + 1; return 'next_state', 'on', d end\n"
    "function Light.on(_, _, d) d.flips = d.flips + 1; return 'next_state', 'off', d end\n"
    "local H = {name = 'h'}\n"
    "function H.init(n) return 'ok', n end\n"
    "function H.handle_event(k, n) return 'ok', n + k end\n"
    "local Loop = {init = function() local t = {tag = 'me'}; t.self = t; return 'ok', t end}\n"
    "local Big = {init = function() local t = {}; for i = 1, 5000 do t['k' .. i] = i end; return 'ok', t end}\n"
    "local Idle = {init = function() return 'ok', 'idle' end}\n"
    "sim.spawn('a', function()\n"
    "  otp.gen_server.start(Counter, 0, {name = 'counter'})\n"
    "  for i = 1, 3 do otp.gen_server.cast('counter', 'x' .. i) end\n"
    "  otp.gen_statem.start(Light, nil, {name = 'light'})\n"
    "  otp.gen_statem.cast('light', 'flip')\n"
    "  local mgr = otp.gen_event.start({name = 'events'})\n"
    "  otp.gen_event.add_handler(mgr, H, 1)\n"
    "  otp.gen_event.add_handler(mgr, {H, 'b'}, 10)\n"
    "  otp.gen_event.notify(mgr, 5)\n"
    "  otp.supervisor.start({}, {}, {name = 'sup'})\n"
    "  otp.gen_server.start(Loop, nil, {name = 'loop'})\n"
    "  otp.gen_server.start(Big, nil, {name = 'big'})\n"
    "  otp.gen_server.start(Idle, nil, {name = 'idle'})\n"
    "  otp.sys.suspend('idle')\n"
    "  local gone = otp.gen_server.start(Idle, nil, {name = 'gone'})\n"
    "  otp.gen_server.stop(gone)\n"
    "  otp.spawn(function() otp.register('plain', otp.self()); otp.receive() end)\n"
    "  otp.receive()\n"
    "end)\n"
    "sim.at('1s', function()\n"
    "  collectgarbage('collect')\n"
    "  print('identity', tostring({}), collectgarbage('count'))\n"
    "end)\n"
    "sim.run{duration = '2s'}\n";

enum { COUNTER, LIGHT, EVENTS, SUP, LOOP, BIG, IDLE, PLAIN, NNAMES };
static const char *const names[NNAMES] = { "counter", "light", "events", "sup", "loop", "big", "idle", "plain" };

typedef struct probe {
    bool every_event;        /* read every named process between every event */
    uint64_t reads;          /* successful reads during the run */
    bool found[NNAMES];      /* at the end of the run */
    char *text[NNAMES];
    rt_pid_t gone;           /* the process "gone" while it lived, and whether it read then */
    bool gone_read;
    bool gone_after, unknown;  /* read at the end: gone, and ids that name no process */
    size_t wrote;            /* bytes those reads wrote */
} probe_t;

static void read_all(probe_t *pr, struct sim_world *w, bool keep)
{
    int node = rt_node_find(w->rt, "a");
    if (node < 0) return;
    jbuf_t b;
    jbuf_init(&b);
    for (int i = 0; i < NNAMES; i++) {
        rt_pid_t pid = rt_whereis(w->rt, (uint32_t)node, names[i]);
        jbuf_reset(&b);
        bool ok = pid && rt_proc_sys_state(w->rt, pid, &b);
        if (ok) pr->reads++;
        if (!keep) continue;
        pr->found[i] = ok;
        free(pr->text[i]);
        pr->text[i] = strdup(jbuf_cstr(&b));
    }
    jbuf_deinit(&b);
}

static void ob_between(void *ctx, const host_observation_t *o, uint64_t *n, sim_time_t *until)
{
    probe_t *pr = ctx;
    (void)until;
    int node = rt_node_find(o->world->rt, "a");
    rt_pid_t gone = node >= 0 ? rt_whereis(o->world->rt, (uint32_t)node, "gone") : 0;
    if (gone && !pr->gone) {
        jbuf_t b;
        jbuf_init(&b);
        pr->gone = gone;
        pr->gone_read = rt_proc_sys_state(o->world->rt, gone, &b);
        jbuf_deinit(&b);
    }
    if (!pr->every_event) return;
    read_all(pr, o->world, false);
    *n = 1;
}

static void ob_detach(void *ctx, const host_observation_t *o)
{
    probe_t *pr = ctx;
    read_all(pr, o->world, true);
    jbuf_t b;
    jbuf_init(&b);
    const rt_t *rt = o->world->rt;
    pr->gone_after = pr->gone && rt_proc_sys_state(rt, pr->gone, &b);
    pr->unknown = rt_proc_sys_state(rt, rt_id_make(RT_ID_PID, 0, 999999), &b) ||
                  rt_proc_sys_state(rt, rt_id_make(RT_ID_REF, 0, 1), &b) || rt_proc_sys_state(rt, 0, &b);
    pr->wrote = b.len;
    jbuf_deinit(&b);
}

/* Runs the scenario; returns its trace-hash and the line it printed. */
static uint64_t run(probe_t *pr, char *printed, size_t n)
{
    char *path = tu_write_file("sysstate.lua", SCENARIO);
    FILE *out = tmpfile();
    host_observer_t ob = { .ctx = pr, .between = ob_between, .detach = ob_detach };
    host_run_opts_t o = { .path = path, .seed = 3, .lib_dir = "scenarios/lib", .max_instructions = 1000000000,
                          .max_memory = (size_t)1 << 30, .out = out, .observer = &ob };
    host_run_result_t r;
    host_scenario_run(&o, &r);
    ck_assert_msg(r.exit_code == 0, "exit %d: %s", r.exit_code, r.error ? r.error : "");
    uint64_t h = r.trace_hash;
    host_run_result_free(&r);
    rewind(out);
    printed[0] = 0;
    char line[512];
    while (fgets(line, sizeof line, out))
        if (strstr(line, "identity")) snprintf(printed, n, "%s", line);
    fclose(out);
    free(path);
    return h;
}

static void probe_free(probe_t *pr)
{
    for (int i = 0; i < NNAMES; i++) free(pr->text[i]);
}

START_TEST(test_gen_server_state_after_casts)
{
    probe_t pr = { 0 };
    char printed[512];
    run(&pr, printed, sizeof printed);
    ck_assert(pr.found[COUNTER]);
    ck_assert_str_eq(pr.text[COUNTER], "gen_server counter running\n{count = 3, seen = {\"x1\", \"x2\", \"x3\"}}");
    ck_assert(!pr.found[PLAIN]); /* a plain process has no sys state */
    probe_free(&pr);
}
END_TEST

START_TEST(test_other_behaviours)
{
    probe_t pr = { 0 };
    char printed[512];
    run(&pr, printed, sizeof printed);
    ck_assert_str_eq(pr.text[LIGHT], "gen_statem light running\n{\"on\", {flips = 1}}");
    ck_assert_str_eq(pr.text[EVENTS], "gen_event events running\n"
                                      "{{id = \"b\", module = \"h\", state = 15}, {module = \"h\", state = 6}}");
    ck_assert_msg(strncmp(pr.text[SUP], "gen_server sup running\n{", 24) == 0, "%s", pr.text[SUP]);
    ck_assert_msg(strstr(pr.text[SUP], "strategy = \"one_for_one\"") != NULL, "%s", pr.text[SUP]);
    ck_assert_str_eq(pr.text[IDLE], "gen_server idle suspended\n\"idle\"");
    probe_free(&pr);
}
END_TEST

START_TEST(test_bounded)
{
    probe_t pr = { 0 };
    char printed[512];
    run(&pr, printed, sizeof printed);
    /* a table that contains itself: cut at RT_SYS_DEPTH levels */
    ck_assert_str_eq(pr.text[LOOP], "gen_server loop running\n"
                                    "{self = {self = {self = {self = {...}, tag = \"me\"}, tag = \"me\"}, tag = \"me\"}, tag = \"me\"}");
    /* 5000 keys: the RT_SYS_ITEMS first in print's order, the rest counted */
    const char *big = pr.text[BIG];
    ck_assert_msg(strstr(big, "{k1 = 1, k10 = 10, k100 = 100, k1000 = 1000, k1001 = 1001,") != NULL, "%s", big);
    ck_assert_msg(strstr(big, ", ...+4988}") != NULL, "%s", big);
    ck_assert_uint_le(strlen(big), RT_SYS_TEXT_MAX + 8);
    probe_free(&pr);
}
END_TEST

START_TEST(test_dead_and_unknown)
{
    probe_t pr = { 0 };
    char printed[512];
    run(&pr, printed, sizeof printed);
    ck_assert(pr.gone && pr.gone_read); /* while it lived */
    ck_assert(!pr.gone_after);          /* stopped */
    ck_assert(!pr.unknown);             /* never a process: a free pid, a ref, 0 */
    ck_assert_uint_eq(pr.wrote, 0);
    probe_free(&pr);
}
END_TEST

START_TEST(test_reading_never_steers)
{
    probe_t quiet = { 0 }, busy = { .every_event = true };
    char p1[512], p2[512];
    uint64_t h1 = run(&quiet, p1, sizeof p1);
    uint64_t h2 = run(&busy, p2, sizeof p2);
    ck_assert_uint_gt(busy.reads, 200); /* it did read, between every two events */
    ck_assert_uint_eq(h1, h2);
    ck_assert_msg(p1[0] != 0, "the scenario printed nothing");
    ck_assert_str_eq(p1, p2); /* object serials and the collector's live bytes */
    for (int i = 0; i < NNAMES; i++) ck_assert_str_eq(quiet.text[i], busy.text[i]);
    probe_free(&quiet);
    probe_free(&busy);
}
END_TEST

Suite *suite_sysstate(void)
{
    Suite *s = suite_create("sysstate");
    TCase *tc = tcase_create("sys_state");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_gen_server_state_after_casts);
    tcase_add_test(tc, test_other_behaviours);
    tcase_add_test(tc, test_bounded);
    tcase_add_test(tc, test_dead_and_unknown);
    tcase_add_test(tc, test_reading_never_steers);
    suite_add_tcase(s, tc);
    return s;
}
