/* simapi.c — the scenario-level Lua module `sim` (and the global print) for the host.
 *
 * Argument errors name the function and say what a correct argument looks like; luaL_error
 * prefixes them with the caller's file:line. Timer callbacks are held as registry references
 * owned by their host_timer_t until the timer fires for the last time or is cancelled. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "dur.h"
#include "det.h"
#include "runtime/rt.h"
#include "scenario_int.h"
#include "runtime/lua_sources.h"
#include "value.h"

extern const rt_lua_source_t host_lua_sources[]; /* build/gen/host_lua_sources.c */

#define TIMER_MT "otpsim.timer"

typedef struct timer_handle { uint64_t id; size_t index; } timer_handle_t;

void host_check_options(lua_State *L, int idx, const char *fname, const char *const *allowed)
{
    idx = lua_absindex(L, idx);
    host_det_push_iter(L, idx);
    int it = lua_gettop(L);
    while (host_det_iter_next(L, it)) {
        lua_pop(L, 1); /* the value */
        int ok = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int i = 0; allowed[i]; i++)
                if (strcmp(allowed[i], lua_tostring(L, -1)) == 0) ok = 1;
        if (!ok) {
            luaL_Buffer b;
            const char *k = host_value_tostring(L, -1);
            luaL_buffinit(L, &b);
            for (int i = 0; allowed[i]; i++) {
                if (i) luaL_addstring(&b, ", ");
                luaL_addstring(&b, allowed[i]);
            }
            luaL_pushresult(&b);
            luaL_error(L, "%s: unknown option '%s' (options: %s)", fname, k, lua_tostring(L, -1));
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* ---- parameters ----------------------------------------------------------------------------- */

static void param_json(lua_State *L, int idx, jbuf_t *b)
{
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) jbuf_i64(b, lua_tointeger(L, idx));
        else jbuf_json_f64(b, lua_tonumber(L, idx));
        break;
    case LUA_TBOOLEAN: jbuf_puts(b, lua_toboolean(L, idx) ? "true" : "false"); break;
    default: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        jbuf_json_str(b, s, n);
    }
    }
}

static int parse_bool(const char *v, int *out)
{
    static const char *const t[] = { "true", "1", "yes", "on", NULL };
    static const char *const f[] = { "false", "0", "no", "off", NULL };
    for (int i = 0; t[i]; i++) if (strcmp(v, t[i]) == 0) return *out = 1, 0;
    for (int i = 0; f[i]; i++) if (strcmp(v, f[i]) == 0) return *out = 0, 0;
    return -1;
}

static int sim_param(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    const char *name = luaL_checkstring(L, 1);
    int t = lua_type(L, 2);
    if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
        return luaL_error(L, "sim.param: parameter '%s' needs a default that is a number, a string "
                             "or a boolean (got %s)", name, luaL_typename(L, 2));
    if (!*name || strchr(name, '='))
        return luaL_error(L, "sim.param: bad parameter name '%s'", name);
    for (size_t i = 0; i < s->nparams; i++)
        if (strcmp(s->params[i].name, name) == 0)
            return luaL_error(L, "sim.param: parameter '%s' is declared twice", name);
    /* {shrink = FLOOR}: `otpsim shrink` may lower this number as far as FLOOR (docs/reproducing.md) */
    bool shrinkable = false;
    lua_Number floor_v = 0;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
            if (strcmp(k, "shrink") != 0)
                return luaL_error(L, "sim.param: parameter '%s': unknown option '%s' (known: shrink)", name, k);
            lua_pop(L, 1);
        }
        lua_getfield(L, 3, "shrink");
        if (!lua_isnil(L, -1)) {
            if (t != LUA_TNUMBER || !lua_isnumber(L, -1))
                return luaL_error(L, "sim.param: parameter '%s': shrink takes a number (the smallest value "
                                     "otpsim shrink may try) and needs a numeric default", name);
            floor_v = lua_tonumber(L, -1);
            if (!(floor_v <= lua_tonumber(L, 2)))
                return luaL_error(L, "sim.param: parameter '%s': shrink floor %s is above the default %s",
                                  name, lua_tostring(L, -1), lua_tostring(L, 2));
            shrinkable = true;
        }
    }
    lua_settop(L, 2);
    const char *given = NULL;
    for (size_t i = 0; i < s->opts->nsets; i++)
        if (strcmp(s->opts->sets[i].name, name) == 0) {
            given = s->opts->sets[i].value; /* the last --set of a name wins */
            s->set_used[i] = true;
        }
    if (given) {
        if (t == LUA_TNUMBER) {
            if (lua_stringtonumber(L, given) == 0)
                return luaL_error(L, "sim.param: --set %s=%s: parameter '%s' takes a number "
                                     "(its default is %s)", name, given, name, lua_tostring(L, 2));
        } else if (t == LUA_TBOOLEAN) {
            int b;
            if (parse_bool(given, &b) != 0)
                return luaL_error(L, "sim.param: --set %s=%s: parameter '%s' takes true or false",
                                  name, given, name);
            lua_pushboolean(L, b);
        } else {
            lua_pushlstring(L, given, strlen(given));
        }
        lua_replace(L, 2);
    }
    if (s->nparams == s->params_cap) {
        size_t cap = s->params_cap ? s->params_cap * 2 : 8;
        host_param_t *p = realloc(s->params, cap * sizeof *p);
        if (!p) return luaL_error(L, "out of memory");
        s->params = p;
        s->params_cap = cap;
    }
    jbuf_t *jb = host_value_push_buffer(L);
    param_json(L, 2, jb);
    host_param_t *p = &s->params[s->nparams];
    p->name = strdup(name);
    p->json = strdup(jbuf_cstr(jb));
    p->shrink = NULL;
    if (shrinkable) {
        char num[64];
        if (floor_v == (lua_Number)(long long)floor_v) snprintf(num, sizeof num, "%lld", (long long)floor_v);
        else snprintf(num, sizeof num, "%.17g", (double)floor_v);
        p->shrink = strdup(num);
    }
    if (!p->name || !p->json || (shrinkable && !p->shrink)) {
        free(p->name);
        free(p->json);
        free(p->shrink);
        return luaL_error(L, "out of memory");
    }
    s->nparams++;
    lua_pop(L, 1);
    return 1;
}

/* ---- timers --------------------------------------------------------------------------------- */

static void push_timer(lua_State *L, host_scenario_t *s, int fn, sim_time_t at, sim_time_t interval,
                       uint64_t count, sim_time_t until)
{
    fn = lua_absindex(L, fn);
    bool unbounded = interval && count == UINT64_MAX && until == SIM_TIME_MAX;
    if (unbounded && s->unbounded_run)
        luaL_error(L, "sim.every: this timer never stops and sim.run has no end, so the run would "
                      "never end; give the timer a count or a 'to' end time, or sim.run a duration");
    if (s->ntimers == s->timers_cap) {
        size_t cap = s->timers_cap ? s->timers_cap * 2 : 16;
        host_timer_t *t = realloc(s->timers, cap * sizeof *t);
        if (!t) luaL_error(L, "out of memory");
        s->timers = t;
        s->timers_cap = cap;
    }
    timer_handle_t *h = lua_newuserdatauv(L, sizeof *h, 0);
    h->id = s->next_udata_id++;
    h->index = s->ntimers;
    luaL_setmetatable(L, TIMER_MT);
    host_timer_t *t = &s->timers[s->ntimers];
    memset(t, 0, sizeof *t);
    lua_Debug ar;
    lua_pushvalue(L, fn);
    lua_getinfo(L, ">S", &ar);
    snprintf(t->where, sizeof t->where, "%s:%d", ar.short_src, ar.linedefined);
    lua_pushvalue(L, fn);
    t->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    t->interval = interval;
    t->remaining = count;
    t->until = until;
    t->active = true;
    s->ntimers++;
    if (unbounded) s->unbounded_timers++;
    host_scenario_arm_timer(s, h->index, at);
}

static sim_time_t now_of(host_scenario_t *s) { return evq_now(&s->w.q); }

static int sim_at(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    sim_time_t at = host_dur_check(L, 1, "sim.at", "time");
    luaL_checktype(L, 2, LUA_TFUNCTION);
    if (at < now_of(s)) {
        char a[32], n[32];
        host_dur_format(at, a, sizeof a);
        host_dur_format(now_of(s), n, sizeof n);
        return luaL_error(L, "sim.at: time %s is in the past (now is %s); use sim.after for a delay", a, n);
    }
    push_timer(L, s, 2, at, 0, 1, SIM_TIME_MAX);
    return 1;
}

static sim_time_t after_now(lua_State *L, host_scenario_t *s, sim_time_t d, const char *fname)
{
    if (d > SIM_TIME_MAX - now_of(s)) luaL_error(L, "%s: delay too large", fname);
    return now_of(s) + d;
}

static int sim_after(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    sim_time_t d = host_dur_check(L, 1, "sim.after", "delay");
    luaL_checktype(L, 2, LUA_TFUNCTION);
    push_timer(L, s, 2, after_now(L, s, d, "sim.after"), 0, 1, SIM_TIME_MAX);
    return 1;
}

static int sim_every(lua_State *L)
{
    static const char *const opts[] = { "count", "start", "to", NULL };
    host_scenario_t *s = host_scenario_of(L);
    sim_time_t iv = host_dur_check(L, 1, "sim.every", "interval");
    if (iv == 0) return luaL_error(L, "sim.every: the interval must be greater than 0");
    luaL_checktype(L, 2, LUA_TFUNCTION);
    uint64_t count = UINT64_MAX;
    sim_time_t until = SIM_TIME_MAX, start = iv;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        host_check_options(L, 3, "sim.every", opts);
        if (lua_getfield(L, 3, "count") != LUA_TNIL) {
            int ok;
            lua_Integer c = lua_tointegerx(L, -1, &ok);
            if (!ok || c < 1) return luaL_error(L, "sim.every: count must be a positive integer");
            count = (uint64_t)c;
        }
        if (lua_getfield(L, 3, "to") != LUA_TNIL) until = host_dur_check(L, -1, "sim.every", "'to' end time");
        if (lua_getfield(L, 3, "start") != LUA_TNIL) start = host_dur_check(L, -1, "sim.every", "start delay");
        lua_pop(L, 3);
    }
    sim_time_t first = after_now(L, s, start, "sim.every");
    if (first > until) count = 0;
    if (count == 0) { /* never fires: still return a handle, already inactive */
        timer_handle_t *h = lua_newuserdatauv(L, sizeof *h, 0);
        h->id = s->next_udata_id++;
        h->index = SIZE_MAX;
        luaL_setmetatable(L, TIMER_MT);
        return 1;
    }
    push_timer(L, s, 2, first, iv, count, until);
    return 1;
}

static int timer_cancel(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    timer_handle_t *h = luaL_checkudata(L, 1, TIMER_MT);
    if (h->index == SIZE_MAX || !s->timers[h->index].active) {
        lua_pushboolean(L, 0);
        return 1;
    }
    host_scenario_cancel_timer(s, h->index);
    lua_pushboolean(L, 1);
    return 1;
}

static int timer_active(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    timer_handle_t *h = luaL_checkudata(L, 1, TIMER_MT);
    lua_pushboolean(L, h->index != SIZE_MAX && s->timers[h->index].active);
    return 1;
}

static int timer_tostring(lua_State *L)
{
    timer_handle_t *h = luaL_checkudata(L, 1, TIMER_MT);
    if (h->index == SIZE_MAX) lua_pushliteral(L, "timer: never");
    else lua_pushfstring(L, "timer: %I", (lua_Integer)h->index + 1);
    return 1;
}

/* ---- time, checks, run ---------------------------------------------------------------------- */

static int sim_now(lua_State *L)
{
    host_dur_push_ms(L, now_of(host_scenario_of(L)));
    return 1;
}

static int sim_seed(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)host_scenario_of(L)->opts->seed);
    return 1;
}

static int sim_check(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    const char *name = luaL_checkstring(L, 1);
    if (!*name) return luaL_error(L, "sim.check: the name must not be empty");
    luaL_checktype(L, 2, LUA_TFUNCTION);
    for (size_t i = 0; i < s->nchecks; i++)
        if (strcmp(s->checks[i].name, name) == 0)
            return luaL_error(L, "sim.check: a check named '%s' already exists", name);
    if (s->nchecks == s->checks_cap) {
        size_t cap = s->checks_cap ? s->checks_cap * 2 : 8;
        host_check_t *c = realloc(s->checks, cap * sizeof *c);
        if (!c) return luaL_error(L, "out of memory");
        s->checks = c;
        s->checks_cap = cap;
    }
    char *dup = strdup(name);
    if (!dup) return luaL_error(L, "out of memory");
    lua_pushvalue(L, 2);
    s->checks[s->nchecks].fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    s->checks[s->nchecks].name = dup;
    s->nchecks++;
    return 0;
}

static int sim_run(lua_State *L)
{
    static const char *const opts[] = { "duration", "to", NULL };
    host_scenario_t *s = host_scenario_of(L);
    if (s->depth > 1)
        return luaL_error(L, "sim.run: may only be called at the top level of the scenario, not from "
                             "a callback or a check");
    sim_time_t end = SIM_TIME_MAX;
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        host_check_options(L, 1, "sim.run", opts);
        int has_d = lua_getfield(L, 1, "duration") != LUA_TNIL;
        int has_u = lua_getfield(L, 1, "to") != LUA_TNIL;
        if (has_d && has_u) return luaL_error(L, "sim.run: give either duration or to, not both");
        if (has_d) end = after_now(L, s, host_dur_check(L, -2, "sim.run", "duration"), "sim.run");
        if (has_u) {
            end = host_dur_check(L, -1, "sim.run", "'to' end time");
            if (end < now_of(s)) {
                char a[32], n[32];
                host_dur_format(end, a, sizeof a);
                host_dur_format(now_of(s), n, sizeof n);
                return luaL_error(L, "sim.run: end time %s is in the past (now is %s)", a, n);
            }
        }
        lua_pop(L, 2);
    }
    host_scenario_check_sets(s);
    if (end == SIM_TIME_MAX && s->unbounded_loads > 0)
        return luaL_error(L, "sim.run: a sim.load without 'to' never stops, so the run would never end; give "
                             "sim.run{duration = ...} (or the load a 'to' end time)");
    if (end == SIM_TIME_MAX && s->unbounded_timers > 0)
        return luaL_error(L, "sim.run: a sim.every timer never stops, so the run would never end; give "
                             "sim.run{duration = ...} (or the timer a count or a 'to' end time)");
    s->ran = true;
    s->unbounded_run = end == SIM_TIME_MAX;
    int rc = host_scenario_advance(s, end);
    s->unbounded_run = false;
    if (rc != 0) {
        lua_pushlstring(L, jbuf_cstr(&s->err), s->err.len);
        return lua_error(L);
    }
    return 0;
}

/* ---- nodes and processes ---------------------------------------------------------------- */

/* Memory sizes: bytes, or a string "512MB", "2GB", "64KB" (binary multiples, as erlang:memory). */
static uint64_t check_bytes(lua_State *L, int idx, const char *fname, const char *what)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        double v = lua_tonumber(L, idx);
        if (!(v >= 1) || v > 1e18) luaL_error(L, "%s: %s must be a number of bytes >= 1", fname, what);
        return (uint64_t)v;
    }
    const char *str = luaL_checkstring(L, idx);
    char *end;
    double v = strtod(str, &end);
    static const struct { const char *unit; double mul; } units[] = {
        { "B", 1 }, { "KB", 1024.0 }, { "MB", 1048576.0 }, { "GB", 1073741824.0 }, { "TB", 1099511627776.0 },
        { "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 },
    };
    if (end != str && v > 0)
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strcmp(end, units[i].unit) == 0) return (uint64_t)(v * units[i].mul);
    luaL_error(L, "%s: bad %s \"%s\" (bytes, or a number and B, KB, MB, GB or TB)", fname, what, str);
    return 0;
}

/* Makes room for per-node host state (boot function, heart delay) up to index idx. */
static void node_slot(lua_State *L, host_scenario_t *s, uint32_t idx)
{
    if (idx < s->nboot) return;
    int *b = realloc(s->boot_ref, (idx + 1) * sizeof *b);
    if (!b) luaL_error(L, "out of memory");
    s->boot_ref = b;
    sim_time_t *h = realloc(s->heart, (idx + 1) * sizeof *h);
    if (!h) luaL_error(L, "out of memory");
    s->heart = h;
    for (uint32_t k = s->nboot; k <= idx; k++) {
        b[k] = LUA_NOREF;
        h[k] = SIM_TIME_MAX;
    }
    s->nboot = idx + 1;
}

static int sim_node(lua_State *L)
{
    static const char *const opts[] = { "boot", "cores", "instr_ns", "quantum", "memory", "speed", "heart", NULL };
    host_scenario_t *s = host_scenario_of(L);
    const char *name = luaL_checkstring(L, 1);
    if (!*name) return luaL_error(L, "sim.node: the name must not be empty");
    if (rt_node_find(s->w.rt, name) >= 0) return luaL_error(L, "sim.node: a node named '%s' already exists", name);
    sim_node_opts_t o = SIM_NODE_DEFAULTS;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        host_check_options(L, 2, "sim.node", opts);
        if (lua_getfield(L, 2, "cores") != LUA_TNIL) {
            int ok;
            lua_Integer c = lua_tointegerx(L, -1, &ok);
            if (!ok || c < 1 || c > 4096)
                return luaL_error(L, "sim.node: cores must be a positive integer (got %s)", luaL_tolstring(L, -1, NULL));
            o.cores = (uint32_t)c;
        }
        if (lua_getfield(L, 2, "instr_ns") != LUA_TNIL) {
            int ok;
            lua_Integer c = lua_tointegerx(L, -1, &ok);
            if (!ok || c < 0 || c > 1000000)
                return luaL_error(L, "sim.node: instr_ns must be an integer >= 0 (virtual ns per Lua instruction)");
            o.instr_ns = (uint32_t)c;
        }
        if (lua_getfield(L, 2, "quantum") != LUA_TNIL) {
            o.quantum_ns = host_dur_check(L, -1, "sim.node", "quantum");
            if (o.quantum_ns == 0) return luaL_error(L, "sim.node: the quantum must be greater than 0");
        }
        if (lua_getfield(L, 2, "boot") != LUA_TNIL && !lua_isfunction(L, -1))
            return luaL_error(L, "sim.node: boot must be a function (the node's first process)");
        lua_pop(L, 4);
    }
    uint64_t memory = 0;
    double speed = 1.0;
    sim_time_t heart = SIM_TIME_MAX;
    if (lua_istable(L, 2)) {
        if (lua_getfield(L, 2, "memory") != LUA_TNIL) memory = check_bytes(L, -1, "sim.node", "memory");
        if (lua_getfield(L, 2, "speed") != LUA_TNIL) {
            speed = luaL_checknumber(L, -1);
            if (!(speed > 0) || speed > 1e6) return luaL_error(L, "sim.node: speed must be > 0 (1 = normal, 2 = twice as fast)");
        }
        if (lua_getfield(L, 2, "heart") != LUA_TNIL) heart = host_dur_check(L, -1, "sim.node", "heart restart delay");
        lua_pop(L, 3);
    }
    uint32_t idx = sim_world_node_add(&s->w, name, &o);
    if (memory) rt_node_set_mem_limit(s->w.rt, idx, memory);
    s->w.nodes[idx].base_factor = 1.0 / speed;
    if (speed != 1.0) sim_world_slow(&s->w, idx, 1.0 / speed);
    node_slot(L, s, idx);
    s->heart[idx] = heart;
    if (lua_istable(L, 2) && lua_getfield(L, 2, "boot") == LUA_TFUNCTION) {
        lua_pushvalue(L, -1);
        s->boot_ref[idx] = luaL_ref(L, LUA_REGISTRYINDEX);
        rt_spawn_lua(s->w.rt, L, idx, lua_gettop(L), 0);
    }
    lua_pushvalue(L, 1);
    return 1;
}

static int sim_spawn(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    int fn = 1;
    uint32_t node;
    if (lua_type(L, 1) == LUA_TSTRING) {
        int n = rt_node_find(s->w.rt, lua_tostring(L, 1));
        if (n < 0) return luaL_error(L, "sim.spawn: no node named '%s' (define it with sim.node)", lua_tostring(L, 1));
        node = (uint32_t)n;
        fn = 2;
    } else {
        node = sim_world_default_node(&s->w);
    }
    if (lua_type(L, fn) != LUA_TFUNCTION)
        return luaL_error(L, "sim.spawn: expected a function (got %s)", luaL_typename(L, fn));
    rt_pid_t pid = rt_spawn_lua(s->w.rt, L, node, fn, lua_gettop(L) - fn);
    lua_pushlightuserdata(L, (void *)(uintptr_t)pid);
    return 1;
}

static int sim_kill(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    rt_pid_t pid = 0;
    if (lua_type(L, 1) == LUA_TLIGHTUSERDATA) {
        pid = (rt_pid_t)(uintptr_t)lua_touserdata(L, 1);
    } else if (lua_type(L, 1) == LUA_TSTRING) {
        pid = rt_whereis(s->w.rt, sim_world_default_node(&s->w), lua_tostring(L, 1));
    } else if (lua_type(L, 1) == LUA_TTABLE) {
        lua_rawgeti(L, 1, 1);
        lua_rawgeti(L, 1, 2);
        int n = lua_type(L, -1) == LUA_TSTRING ? rt_node_find(s->w.rt, lua_tostring(L, -1)) : -1;
        if (n < 0 || lua_type(L, -2) != LUA_TSTRING)
            return luaL_error(L, "sim.kill: a {name, node} target needs a name and a defined node");
        pid = rt_whereis(s->w.rt, (uint32_t)n, lua_tostring(L, -2));
        lua_pop(L, 2);
    } else {
        return luaL_error(L, "sim.kill: expected a pid, a registered name or {name, node} (got %s)",
                          luaL_typename(L, 1));
    }
    if (lua_isnoneornil(L, 2)) {
        lua_settop(L, 1);
        lua_pushliteral(L, "kill");
    }
    char who[64] = "none";
    if (pid) rt_id_format(pid, who, sizeof who);
    sim_world_trace_fault(&s->w, "kill", pid ? rt_node_name(s->w.rt, rt_id_node(pid)) : NULL, who);
    lua_pushboolean(L, pid && rt_exit_signal_from_outside(s->w.rt, L, pid, 2));
    return 1;
}

uint32_t host_check_node(lua_State *L, host_scenario_t *s, int idx, const char *fname)
{
    const char *name = luaL_checkstring(L, idx);
    int n = rt_node_find(s->w.rt, name);
    if (n < 0) luaL_error(L, "%s: no node named '%s'", fname, name);
    return (uint32_t)n;
}

/* sim.restart(node): a node that is down comes back; its boot function runs again. */
static int sim_restart(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    uint32_t n = host_check_node(L, s, 1, "sim.restart");
    if (rt_node_is_up(s->w.rt, n)) return luaL_error(L, "sim.restart: node '%s' is up", lua_tostring(L, 1));
    if (rt_current_pid(s->w.rt)) return luaL_error(L, "sim.restart: only from scenario code, not from a process");
    sim_world_trace_fault(&s->w, "restart", rt_node_name(s->w.rt, n), NULL);
    sim_world_node_up(&s->w, n);
    host_services_restart(s, n);
    if (n < s->nboot && s->boot_ref[n] != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->boot_ref[n]);
        rt_spawn_lua(s->w.rt, L, n, lua_gettop(L), 0);
        lua_pop(L, 1);
    }
    return 0;
}

/* A scheduled restart (restart_after, heart): does nothing if the node is up again already. */
static int restart_later(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    lua_settop(L, 0);
    lua_pushvalue(L, lua_upvalueindex(1));
    int n = rt_node_find(s->w.rt, lua_tostring(L, 1));
    if (n < 0 || rt_node_is_up(s->w.rt, (uint32_t)n)) return 0;
    return sim_restart(L);
}

static void schedule_restart(lua_State *L, host_scenario_t *s, uint32_t n, sim_time_t after)
{
    lua_pushstring(L, rt_node_name(s->w.rt, n));
    lua_pushcclosure(L, restart_later, 1);
    push_timer(L, s, -1, after_now(L, s, after, "restart"), 0, 1, SIM_TIME_MAX);
    lua_pop(L, 2);
}

/* The world's hook after any node death: heart restarts the node if it has a heart delay. */
static int heart_call(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    uint32_t n = (uint32_t)lua_tointeger(L, 1);
    schedule_restart(L, s, n, s->heart[n]);
    return 0;
}

static void on_node_down(void *ctx, uint32_t node, const char *why)
{
    (void)why;
    host_scenario_t *s = ctx;
    if (s->no_heart || node >= s->nboot || s->heart[node] == SIM_TIME_MAX) return;
    lua_State *L = s->L;
    lua_pushcfunction(L, heart_call);
    lua_pushinteger(L, node);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) lua_pop(L, 1); /* out of memory only */
}

/* sim.crash(node [, {restart_after = d}]): every process on the node dies at once. */
static int sim_crash(lua_State *L)
{
    static const char *const opts[] = { "restart_after", NULL };
    host_scenario_t *s = host_scenario_of(L);
    uint32_t n = host_check_node(L, s, 1, "sim.crash");
    sim_time_t after = SIM_TIME_MAX;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        host_check_options(L, 2, "sim.crash", opts);
        if (lua_getfield(L, 2, "restart_after") != LUA_TNIL)
            after = host_dur_check(L, -1, "sim.crash", "restart_after delay");
        lua_pop(L, 1);
    }
    if (rt_current_pid(s->w.rt)) return luaL_error(L, "sim.crash: only from scenario code, not from a process");
    sim_world_trace_fault(&s->w, "crash", rt_node_name(s->w.rt, n), NULL);
    s->no_heart = after != SIM_TIME_MAX; /* restart_after replaces the node's heart delay */
    sim_world_node_down(&s->w, n, "crash");
    s->no_heart = false;
    if (after != SIM_TIME_MAX) schedule_restart(L, s, n, after);
    return 0;
}

/* sim.node_stats(name) → {cores, busy_ms, utilization, run_queue, run_queue_max, slices, processes} */
static int sim_node_stats(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    int n = rt_node_find(s->w.rt, luaL_checkstring(L, 1));
    if (n < 0) return luaL_error(L, "sim.node_stats: no node named '%s'", lua_tostring(L, 1));
    const sim_node_t *nd = &s->w.nodes[n];
    sim_time_t now = evq_now(&s->w.q);
    lua_createtable(L, 0, 7);
    lua_pushinteger(L, nd->opts.cores);
    lua_setfield(L, -2, "cores");
    host_dur_push_ms(L, nd->busy_ns);
    lua_setfield(L, -2, "busy_ms");
    lua_pushnumber(L, now ? (double)nd->busy_ns / ((double)now * nd->opts.cores) : 0.0);
    lua_setfield(L, -2, "utilization");
    lua_pushinteger(L, nd->rq_len);
    lua_setfield(L, -2, "run_queue");
    lua_pushinteger(L, nd->rq_len_max);
    lua_setfield(L, -2, "run_queue_max");
    lua_pushinteger(L, (lua_Integer)nd->slices);
    lua_setfield(L, -2, "slices");
    lua_pushinteger(L, (lua_Integer)rt_node_proc_count(s->w.rt, (uint32_t)n));
    lua_setfield(L, -2, "processes");
    lua_pushinteger(L, (lua_Integer)rt_node_memory(s->w.rt, (uint32_t)n));
    lua_setfield(L, -2, "memory");
    lua_pushboolean(L, rt_node_is_up(s->w.rt, (uint32_t)n));
    lua_setfield(L, -2, "up");
    lua_pushboolean(L, nd->paused);
    lua_setfield(L, -2, "paused");
    lua_pushinteger(L, (lua_Integer)nd->crashes);
    lua_setfield(L, -2, "crashes");
    return 1;
}

static int sim_print(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    int n = lua_gettop(L);
    jbuf_t *b = host_value_push_buffer(L);
    for (int i = 1; i <= n; i++) {
        if (i > 1) jbuf_putc(b, '\t');
        host_value_render(L, i, b);
    }
    if (b->oom) return luaL_error(L, "out of memory");
    host_scenario_print(s, b->p ? b->p : "", b->len);
    return 0;
}

void host_simapi_open(lua_State *L)
{
    static const luaL_Reg sim_funcs[] = {
        { "param", sim_param }, { "at", sim_at }, { "after", sim_after }, { "every", sim_every },
        { "cancel", timer_cancel }, { "now", sim_now }, { "seed", sim_seed },
        { "check", sim_check }, { "run", sim_run }, { "node", sim_node }, { "spawn", sim_spawn },
        { "kill", sim_kill }, { "node_stats", sim_node_stats }, { "crash", sim_crash },
        { "restart", sim_restart }, { NULL, NULL }
    };
    static const luaL_Reg timer_methods[] = {
        { "cancel", timer_cancel }, { "active", timer_active }, { NULL, NULL }
    };
    luaL_newmetatable(L, TIMER_MT);
    luaL_newlib(L, timer_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, timer_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    luaL_newlib(L, sim_funcs);
    host_simnet_open(L);
    host_props_open(L);
    host_simload_open(L);
    for (const rt_lua_source_t *src = host_lua_sources; src->name; src++) { /* sim.nemesis */
        char chunk[64];
        snprintf(chunk, sizeof chunk, "=sim/%s.lua", src->name);
        if (luaL_loadbufferx(L, (const char *)src->src, src->len, chunk, "t") != LUA_OK) lua_error(L);
        lua_pushvalue(L, -2);
        lua_call(L, 1, 0);
    }
    host_scenario_t *s = host_scenario_of(L);
    s->w.on_node_down = on_node_down;
    s->w.on_node_down_ctx = s;
    prng_stream_init(&s->rng_dist, s->opts->seed, "dist");
    host_dist_open(L, &s->rng_dist, &s->next_udata_id);
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "sim"); /* so tracebacks name functions "sim.at" */
    lua_pop(L, 1);
    lua_setglobal(L, "sim");
    lua_pushcfunction(L, sim_print);
    lua_setglobal(L, "print");
}
