/* scenario.c — one scenario run: state set-up, the guarded Lua calls, the event loop, checks.
 *
 * Every call into Lua goes through call_guarded: lua_pcall with a traceback handler and a fresh
 * instruction budget. A count hook charges instructions; when the budget or the memory limit is
 * exceeded the run is "dying": the hook then fires on every instruction and re-raises the same
 * error, so no pcall inside the script can swallow it and the error always reaches the host,
 * naming the line where the limit was hit. The first script error stops the run (exit 2); the
 * trace up to it is kept. */
#include "scenario_int.h"

#include <errno.h>
#include <inttypes.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "det.h"
#include "dur.h"
#include "runtime/rt.h"
#include "sandbox.h"
#include "base/invariant.h"
#include "value.h"

#define HOOK_STEP 1000

/* For signal-time cleanup: a copy of the temporary trace path (no allocation at signal time). */
static char signal_tmp_path[4096];

void host_scenario_cleanup_on_signal(void)
{
    if (signal_tmp_path[0]) unlink(signal_tmp_path);
}

static void invariant_cleanup(void *ctx)
{
    host_scenario_t *s = ctx;
    trace_abandon(&s->w.tr);
    signal_tmp_path[0] = 0;
}

host_scenario_t *host_scenario_of(lua_State *L)
{
    return *(host_scenario_t **)lua_getextraspace(L);
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    SIM_ASSERT(p != NULL);
    memcpy(p, s, n);
    return p;
}

/* ---- guarded calls -------------------------------------------------------------------------- */

/* Enters the dying state: fatal_msg = "<file:line of the innermost Lua function>: why". Only
 * reads the stack, so it is safe inside the allocator. */
static void start_dying(host_scenario_t *s, lua_State *L, const char *why)
{
    if (s->dying) return;
    s->dying = true;
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(s->fatal_msg, sizeof s->fatal_msg, "%s:%d: %s", ar.short_src, ar.currentline, why);
            return;
        }
    }
    snprintf(s->fatal_msg, sizeof s->fatal_msg, "%s", why);
}

static void memory_limit_hit(void *ctx)
{
    host_scenario_t *s = ctx;
    char why[224];
    snprintf(why, sizeof why, "memory limit exceeded (%zu MiB of Lua heap; raise it with --max-memory)",
             s->opts->max_memory >> 20);
    lua_State *proc = s->w.rt ? rt_current_thread(s->w.rt) : NULL;
    if (proc) { /* name the process: the error is the run's, not the process's */
        char pid[48];
        rt_id_format(rt_current_pid(s->w.rt), pid, sizeof pid);
        size_t n = strlen(why);
        snprintf(why + n, sizeof why - n, " in process %s", pid);
    }
    start_dying(s, proc ? proc : s->L, why);
}

static void guard_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    host_scenario_t *s = host_scenario_of(L);
    if (!s->dying) {
        if (host_alloc_gc_due(&s->alloc)) host_det_collect(L, &s->alloc);
        s->instr_used += HOOK_STEP;
        s->instr_total += HOOK_STEP;
        uint64_t max = s->opts->max_instructions;
        if (!(max && s->instr_used > max)) return;
        char why[200];
        snprintf(why, sizeof why, "instruction limit exceeded (%" PRIu64 " Lua instructions in one "
                 "callback; raise it with --max-instructions)", max);
        start_dying(s, L, why);
    }
    lua_sethook(L, guard_hook, LUA_MASKCOUNT, 1);
    lua_pushlstring(L, s->fatal_msg, strlen(s->fatal_msg));
    lua_error(L);
}

static int traceback_handler(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    if (s->dying) {
        lua_pushlstring(L, s->fatal_msg, strlen(s->fatal_msg));
    } else if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
        lua_pushvalue(L, 1);
        lua_tolstring(L, -1, NULL); /* numbers become strings */
    } else {
        lua_pushliteral(L, "error object: ");
        host_value_tostring(L, 1);
        lua_concat(L, 2);
    }
    if (s->err_detail.len == 0) {
        luaL_traceback(L, L, NULL, 1);
        jbuf_puts(&s->err_detail, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    return 1;
}

/* Records the first script error of the run and traces it. */
static void record_error(host_scenario_t *s, const char *msg)
{
    if (s->failed) return;
    s->failed = true;
    jbuf_reset(&s->err);
    jbuf_puts(&s->err, msg);
    trace_begin(&s->w.tr, evq_now(&s->w.q), "error");
    trace_str(&s->w.tr, "text", msg);
    trace_end(&s->w.tr);
}

/* Calls the function below nargs arguments on the stack with a fresh budget. Returns the pcall
 * status; on error the message is left on the stack (and recorded unless `soft`). */
static int call_guarded(host_scenario_t *s, int nargs, int nres, bool soft)
{
    lua_State *L = s->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback_handler);
    lua_insert(L, base);
    uint64_t saved = s->instr_used;
    s->instr_used = 0;
    jbuf_reset(&s->err_detail);
    s->depth++;
    int st = lua_pcall(L, nargs, nres, base);
    s->depth--;
    s->instr_used = saved;
    lua_remove(L, base);
    if (st != LUA_OK) {
        if (s->dying) {
            lua_pop(L, 1);
            lua_pushlstring(L, s->fatal_msg, strlen(s->fatal_msg));
        } else if (st == LUA_ERRMEM) {
            lua_pop(L, 1);
            lua_pushliteral(L, "out of memory (the host ran out, below --max-memory)");
        }
        if (!soft || s->dying) record_error(s, lua_tostring(L, -1));
    }
    return st;
}

/* ---- timers and the event loop -------------------------------------------------------------- */

int host_scenario_call(host_scenario_t *s, int nargs, int nres, bool soft) { return call_guarded(s, nargs, nres, soft); }

static void timer_release(host_scenario_t *s, host_timer_t *t)
{
    if (!t->active) return;
    t->active = false;
    if (t->interval && t->remaining == UINT64_MAX && t->until == SIM_TIME_MAX) s->unbounded_timers--;
    luaL_unref(s->L, LUA_REGISTRYINDEX, t->fn_ref);
    t->fn_ref = LUA_NOREF;
}

void host_scenario_cancel_timer(host_scenario_t *s, size_t t)
{
    if (!s->timers[t].active) return;
    evq_cancel(&s->w.q, s->timers[t].ev);
    s->timers[t].ev = 0;
    timer_release(s, &s->timers[t]);
}

static void timer_fire(void *ctx, uint64_t arg)
{
    host_scenario_t *s = ctx;
    host_timer_t *t = &s->timers[arg];
    SIM_ASSERT(t->active);
    t->ev = 0;
    sim_time_t now = evq_now(&s->w.q);
    if (t->remaining != UINT64_MAX) t->remaining--;
    lua_rawgeti(s->L, LUA_REGISTRYINDEX, t->fn_ref);
    if (t->interval && t->remaining > 0 && now <= SIM_TIME_MAX - t->interval &&
        now + t->interval <= t->until)
        host_scenario_arm_timer(s, arg, now + t->interval);
    else
        timer_release(s, t);
    trace_begin(&s->w.tr, now, "timer");
    trace_u64(&s->w.tr, "timer", arg + 1);
    trace_str(&s->w.tr, "fn", t->where);
    trace_end(&s->w.tr);
    if (call_guarded(s, 0, 1, false) != LUA_OK) {
        lua_pop(s->L, 1);
        return;
    }
    /* a callback returning false stops its timer */
    if (lua_isboolean(s->L, -1) && !lua_toboolean(s->L, -1)) host_scenario_cancel_timer(s, arg);
    lua_pop(s->L, 1);
}

void host_scenario_arm_timer(host_scenario_t *s, size_t t, sim_time_t at)
{
    evq_id_t id = evq_push(&s->w.q, at, timer_fire, s, t);
    if (!id) luaL_error(s->L, "out of memory scheduling a timer");
    s->timers[t].ev = id;
}

static void observation_fill(host_scenario_t *s, host_observation_t *o, sim_time_t run_end, int exit_code)
{
    if (s->obs_nslos != s->nslos) { /* slos[] may have moved: rebuild the views */
        host_slo_view_t *v = realloc(s->obs_slos, (s->nslos + 1) * sizeof *v);
        SIM_ASSERT(v != NULL);
        for (size_t i = 0; i < s->nslos; i++)
            v[i] = (host_slo_view_t){ s->slos[i].load, s->slos[i].metric, s->slos[i].text, s->slos[i].op, s->slos[i].value };
        s->obs_slos = v;
        s->obs_nslos = s->nslos;
    }
    *o = (host_observation_t){ .world = &s->w, .next_time = evq_peek_time(&s->w.q), .run_end = run_end,
                               .slos = s->obs_slos, .nslos = s->obs_nslos, .exit_code = exit_code };
}

/* Calls the observer between events; it reads the world and says when to call it again. */
static void observe_between(host_scenario_t *s, sim_time_t run_end)
{
    const host_observer_t *ob = s->opts->observer;
    host_observation_t o;
    observation_fill(s, &o, run_end, -1);
    uint64_t n = 1;
    sim_time_t until = SIM_TIME_MAX;
    ob->between(ob->ctx, &o, &n, &until);
    s->obs_events = n ? n : 1;
    s->obs_until = until;
    if (ob->abandon && ob->abandon(ob->ctx)) record_error(s, "the run was abandoned by its observer (a rewind)");
}

int host_scenario_advance(host_scenario_t *s, sim_time_t end)
{
    evq_event_t ev;
    bool observed = s->opts->observer && s->opts->observer->between;
    while (!s->failed && !s->stopped && evq_peek_time(&s->w.q) <= end) {
        /* a run without an end stops when only the ticks of healthy connections are left */
        if (end == SIM_TIME_MAX && evq_len(&s->w.q) <= s->w.background && net_quiescent(&s->w.net)) break;
        if (observed && (s->obs_events == 0 || evq_peek_time(&s->w.q) > s->obs_until)) {
            observe_between(s, end);
            if (s->failed) break;
        }
        if (!evq_pop(&s->w.q, &ev)) break;
        if (observed) s->obs_events--;
        ev.fn(ev.ctx, ev.arg);
        /* collect between events too: short processes may never reach an instruction hook */
        if (host_alloc_gc_due(&s->alloc)) host_det_collect(s->L, &s->alloc);
        if (s->props_each) host_props_after_event(s);
        if (s->alloc.limit_hit && !s->failed) {
            if (!s->dying) memory_limit_hit(s);
            record_error(s, s->fatal_msg);
        }
    }
    if (s->failed) return -1;
    if (s->stopped) return 0; /* a property was violated: the clock stays at the violation */
    if (end != SIM_TIME_MAX && end > evq_now(&s->w.q)) evq_advance(&s->w.q, end);
    return 0;
}

void host_scenario_check_sets(host_scenario_t *s)
{
    if (s->sets_checked) return;
    s->sets_checked = true;
    for (size_t i = 0; i < s->opts->nsets; i++) {
        if (s->set_used[i]) continue;
        lua_State *L = s->L;
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (size_t p = 0; p < s->nparams; p++) {
            if (p) luaL_addstring(&b, ", ");
            luaL_addstring(&b, s->params[p].name);
        }
        luaL_pushresult(&b);
        lua_pushfstring(L, "--set %s=%s: this scenario declares no parameter '%s' (%s%s)",
                        s->opts->sets[i].name, s->opts->sets[i].value, s->opts->sets[i].name,
                        s->nparams ? "it declares: " : "it declares no parameters",
                        lua_tostring(L, -1));
        record_error(s, lua_tostring(L, -1));
        lua_error(L);
    }
}

void host_scenario_print(host_scenario_t *s, const char *text, size_t n)
{
    rt_pid_t pid = s->w.rt ? rt_current_pid(s->w.rt) : 0;
    sim_time_t now = pid ? rt_now(s->w.rt) : evq_now(&s->w.q);
    char who[64] = "";
    trace_begin(&s->w.tr, now, "print");
    if (pid) {
        rt_id_format(pid, who, sizeof who);
        trace_str(&s->w.tr, "node", rt_node_name(s->w.rt, rt_id_node(pid)));
        trace_str(&s->w.tr, "pid", who);
    }
    trace_strn(&s->w.tr, "text", text, n);
    trace_end(&s->w.tr);
    if (!s->opts->quiet && s->opts->out)
        fprintf(s->opts->out, "[%" PRIu64 ".%06" PRIu64 "s]%s%s %.*s\n", now / SIM_TIME_S,
                (now % SIM_TIME_S) / SIM_TIME_US, pid ? " " : "", who, (int)n, text);
}

/* ---- set-up --------------------------------------------------------------------------------- */

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    char *d = xstrdup(path);
    d[slash - path] = 0;
    return d;
}

static int open_state(host_scenario_t *s)
{
    s->alloc.limit = s->opts->max_memory;
    s->alloc.on_limit = memory_limit_hit;
    s->alloc.on_limit_ctx = s;
    s->L = lua_newstate(host_alloc_fn, &s->alloc);
    if (!s->L) return -1;
    *(host_scenario_t **)lua_getextraspace(s->L) = s;
    lua_sethook(s->L, guard_hook, LUA_MASKCOUNT, HOOK_STEP);
    return 0;
}

/* Called from process threads every few hundred instructions: deterministic collections, and
 * the memory limit (a process cannot catch it: the run stops). */
static void process_tick(void *ctx, lua_State *L)
{
    host_scenario_t *s = ctx;
    if (host_alloc_gc_due(&s->alloc)) host_det_collect(L, &s->alloc);
}

static int setup_libs(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    host_sandbox_open(L, &s->dirs);
    host_det_open(L, &s->alloc, s->opts->seed, &s->w.q.now);
    if (sim_world_start_runtime(&s->w, L) != 0) luaL_error(L, "out of memory");
    s->w.tick = process_tick;
    s->w.tick_ctx = s;
    host_simapi_open(L);
    return 0;
}

/* Calls a check function and turns its results into (ok, detail string), in protected mode. */
int host_check_call(lua_State *L)
{
    lua_settop(L, 1);
    lua_call(L, 0, 2);
    int ok = lua_toboolean(L, 1); /* the results replaced the function at 1 */
    if (!lua_isnil(L, 2)) host_value_tostring(L, 2);
    else lua_pushstring(L, ok ? "" : lua_isnil(L, 1) ? "returned nil" : "returned false");
    lua_pushboolean(L, ok);
    lua_insert(L, -2);
    return 2;
}

static void run_checks(host_scenario_t *s, host_run_result_t *res)
{
    lua_State *L = s->L;
    res->checks = calloc(s->nchecks + s->nprops + s->nslos + 1, sizeof *res->checks);
    SIM_ASSERT(res->checks != NULL);
    for (size_t i = 0; i < s->nchecks && !s->failed; i++) {
        host_check_result_t *c = &res->checks[res->nchecks++];
        c->name = xstrdup(s->checks[i].name);
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->checks[i].fn_ref);
        int top = lua_gettop(L) - 1;
        lua_pushcfunction(L, host_check_call);
        lua_insert(L, -2);
        if (call_guarded(s, 1, 2, true) != LUA_OK) {
            c->ok = false;
            c->detail = xstrdup(lua_tostring(L, -1));
        } else {
            c->ok = lua_toboolean(L, -2);
            c->detail = xstrdup(lua_tostring(L, -1));
        }
        lua_settop(L, top);
        trace_begin(&s->w.tr, evq_now(&s->w.q), "check");
        trace_str(&s->w.tr, "name", c->name);
        trace_bool(&s->w.tr, "ok", c->ok);
        trace_str(&s->w.tr, "detail", c->detail);
        trace_end(&s->w.tr);
        c->event = trace_events(&s->w.tr);
    }
    host_props_results(s, res);
    host_slo_results(s, res);
}

static void fill_result(host_scenario_t *s, host_run_result_t *res)
{
    res->params = calloc(s->nparams ? s->nparams : 1, sizeof *res->params);
    SIM_ASSERT(res->params != NULL);
    for (size_t i = 0; i < s->nparams; i++) {
        res->params[i].name = xstrdup(s->params[i].name);
        res->params[i].json = xstrdup(s->params[i].json);
        res->params[i].shrink = s->params[i].shrink ? xstrdup(s->params[i].shrink) : NULL;
    }
    res->nparams = s->nparams;
    res->sim_time = evq_now(&s->w.q);
    jbuf_t m;
    jbuf_init(&m);
    jbuf_printf(&m, "{\"kernel\":{\"events_scheduled\":%" PRIu64 "},\"lua\":{\"instructions\":%" PRIu64
                ",\"object_bytes_peak\":%zu},\"counters\":{", s->w.q.next_seq - 1, s->instr_total, s->alloc.obj_peak);
    size_t nk;
    const char **keys = strmap_keys(&s->w.counters, &nk);
    for (size_t i = 0; i < nk; i++) {
        uint64_t v = 0;
        strmap_get(&s->w.counters, keys[i], &v);
        if (i) jbuf_putc(&m, ',');
        jbuf_json_str(&m, keys[i], strlen(keys[i]));
        jbuf_printf(&m, ":%" PRId64, (int64_t)v);
    }
    free(keys);
    jbuf_puts(&m, "},");
    host_loads_json(s, &m);
    /* per node: what capacity reports need (docs/json-format.md) */
    jbuf_puts(&m, ",\"nodes\":{");
    sim_time_t now = evq_now(&s->w.q);
    for (uint32_t i = 0; i < s->w.nnodes; i++) {
        const sim_node_t *nd = &s->w.nodes[i];
        const char *nm = rt_node_name(s->w.rt, i);
        if (i) jbuf_putc(&m, ',');
        jbuf_json_str(&m, nm, strlen(nm));
        jbuf_printf(&m, ":{\"cores\":%u,\"utilization\":%.6f,\"busy_ms\":%.6f,\"run_queue_max\":%u,"
                    "\"memory\":%" PRIu64 ",\"memory_peak\":%" PRIu64 ",\"processes\":%zu,\"crashes\":%" PRIu64 ",\"up\":%s}",
                    nd->opts.cores, now ? (double)nd->busy_ns / ((double)now * nd->opts.cores) : 0.0,
                    (double)nd->busy_ns / 1e6, nd->rq_len_max, rt_node_memory(s->w.rt, i),
                    rt_node_memory_peak(s->w.rt, i), rt_node_proc_count(s->w.rt, i), nd->crashes,
                    rt_node_is_up(s->w.rt, i) ? "true" : "false");
    }
    jbuf_puts(&m, "},\"processes\":{");
    for (uint32_t i = 0; i < s->w.loads.nwatch; i++) {
        const load_watch_t *wt = &s->w.loads.watch[i];
        char nm[300];
        snprintf(nm, sizeof nm, "%s@%s", wt->name, rt_node_name(s->w.rt, wt->node));
        if (i) jbuf_putc(&m, ',');
        jbuf_json_str(&m, nm, strlen(nm));
        rt_proc_info_t pi;
        rt_pid_t wpid = rt_whereis(s->w.rt, wt->node, wt->name);
        double busy = wpid && rt_proc_info(s->w.rt, wpid, &pi) ? (double)pi.cpu_ns / 1e6 : 0;
        jbuf_printf(&m, ":{\"mailbox_max\":%u,\"busy_ms\":%.6f,\"utilization\":%.6f}", wt->mailbox_max, busy,
                    now ? busy * 1e6 / (double)now : 0.0);
    }
    jbuf_puts(&m, "}}");
    res->metrics_json = xstrdup(jbuf_cstr(&m));
    if (s->w.loads.csv.len) res->metrics_csv = xstrdup(jbuf_cstr(&s->w.loads.csv));
    jbuf_deinit(&m);
}

void host_scenario_run(const host_run_opts_t *opts, host_run_result_t *res)
{
    memset(res, 0, sizeof *res);
    host_scenario_t *s = calloc(1, sizeof *s);
    SIM_ASSERT(s != NULL);
    s->opts = opts;
    s->next_udata_id = 1;
    jbuf_init(&s->err);
    jbuf_init(&s->err_detail);
    s->set_used = calloc(opts->nsets + 1, sizeof *s->set_used);
    SIM_ASSERT(s->set_used != NULL);
    if (sim_world_init(&s->w, opts->seed, opts->trace_path) != 0) {
        jbuf_printf(&s->err, "cannot write trace %s: %s", opts->trace_path, strerror(errno));
        res->exit_code = HOST_EXIT_USAGE;
        SIM_ASSERT(sim_world_init(&s->w, opts->seed, NULL) == 0);
        goto done;
    }
    if (trace_tmp_path(&s->w.tr)) snprintf(signal_tmp_path, sizeof signal_tmp_path, "%s", trace_tmp_path(&s->w.tr));
    sim_invariant_context_set(opts->seed, &s->w.q.now, &s->w.tr.events);
    sim_invariant_cleanup_set(invariant_cleanup, s);

    s->scenario_dir = dir_of(opts->path);
    s->dirs = (host_sandbox_dirs_t){ s->scenario_dir, opts->lib_dir ? opts->lib_dir : "scenarios/lib" };
    if (open_state(s) != 0) {
        record_error(s, "cannot create a Lua state (out of memory)");
        goto done;
    }
    lua_State *L = s->L;
    lua_pushcfunction(L, setup_libs);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        record_error(s, "cannot set up the Lua environment (out of memory)");
        goto done;
    }
    if (opts->observer && opts->observer->attach) opts->observer->attach(opts->observer->ctx, &s->w);
    const char *base = strrchr(opts->path, '/');
    base = base ? base + 1 : opts->path;
    lua_pushfstring(L, "@%s", base);
    int st = host_sandbox_loadfile(L, opts->path, lua_tostring(L, -1));
    lua_remove(L, -2);
    if (st != LUA_OK) {
        record_error(s, lua_tostring(L, -1));
        lua_pop(L, 1);
        goto done;
    }
    if (call_guarded(s, 0, 0, false) != LUA_OK) {
        lua_pop(L, 1);
        goto done;
    }
    if (!s->ran) { /* the implicit sim.run{} at the end of the script */
        lua_getglobal(L, "sim");
        lua_getfield(L, -1, "run");
        lua_remove(L, -2);
        if (call_guarded(s, 0, 0, false) != LUA_OK) {
            lua_pop(L, 1);
            goto done;
        }
    }
    run_checks(s, res);

done:
    if (s->failed) {
        res->exit_code = HOST_EXIT_USAGE;
        res->error = xstrdup(jbuf_cstr(&s->err));
        if (s->err_detail.len) res->error_detail = xstrdup(jbuf_cstr(&s->err_detail));
    } else if (res->exit_code == HOST_EXIT_USAGE) {
        res->error = xstrdup(jbuf_cstr(&s->err));
    } else {
        for (size_t i = 0; i < res->nchecks; i++)
            if (!res->checks[i].ok) res->exit_code = HOST_EXIT_CHECK_FAILED;
    }
    trace_begin(&s->w.tr, evq_now(&s->w.q), "end");
    trace_str(&s->w.tr, "status", res->exit_code == 0 ? "pass" : res->exit_code == 1 ? "fail" : "error");
    trace_end(&s->w.tr);
    fill_result(s, res);
    res->trace_hash = trace_hash(&s->w.tr);
    res->events = trace_events(&s->w.tr);
    if (opts->observer && opts->observer->detach && s->w.rt) {
        host_observation_t o;
        observation_fill(s, &o, evq_now(&s->w.q), res->exit_code);
        opts->observer->detach(opts->observer->ctx, &o);
    }
    trace_observer_set(&s->w.tr, NULL);
    if (s->L) {
        s->dying = false;
        s->instr_used = 0;
        sim_world_deinit(&s->w); /* the runtime first: it holds registry references */
        lua_close(s->L);
    } else {
        sim_world_deinit(&s->w);
    }
    sim_invariant_cleanup_set(NULL, NULL);
    if (trace_commit(&s->w.tr) != 0 && opts->trace_path) {
        free(res->error);
        res->error = malloc(4200);
        SIM_ASSERT(res->error != NULL);
        snprintf(res->error, 4200, "cannot write trace %s: %s", opts->trace_path, strerror(errno));
        res->exit_code = HOST_EXIT_USAGE;
    }
    signal_tmp_path[0] = 0;
    sim_invariant_context_set(opts->seed, NULL, NULL);
    for (size_t i = 0; i < s->nparams; i++) {
        free(s->params[i].name);
        free(s->params[i].json);
        free(s->params[i].shrink);
    }
    for (size_t i = 0; i < s->nchecks; i++) free(s->checks[i].name);
    free(s->params);
    free(s->checks);
    free(s->timers);
    host_props_free(s);
    host_services_free(s);
    free(s->slos);
    free(s->obs_slos);
    free(s->boot_ref);
    free(s->heart);
    free(s->set_used);
    free(s->scenario_dir);
    jbuf_deinit(&s->err);
    jbuf_deinit(&s->err_detail);
    free(s);
}

void host_run_result_free(host_run_result_t *res)
{
    for (size_t i = 0; i < res->nchecks; i++) {
        free(res->checks[i].name);
        free(res->checks[i].detail);
    }
    for (size_t i = 0; i < res->nparams; i++) {
        free(res->params[i].name);
        free(res->params[i].json);
        free(res->params[i].shrink);
    }
    free(res->checks);
    free(res->params);
    free(res->error);
    free(res->error_detail);
    free(res->metrics_json);
    free(res->metrics_csv);
    memset(res, 0, sizeof *res);
}
