/* simload.c — the scenario's load API: sim.load, arrival schedules (sim.constant, sim.poisson,
 * sim.ramp, sim.steps, sim.spike, sim.rates_csv), key distributions (sim.uniform_key, sim.zipf,
 * sim.pareto), sim.metrics, sim.watch and sim.slo (docs/load.md, docs/lua-api.md). The generator
 * itself is sim/load.c; this file turns Lua descriptions into it and runs the Lua parts of
 * requests (message builders, request functions in client processes). */
#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "dist.h"
#include "dur.h"
#include "runtime/term.h"
#include "scenario_int.h"
#include "sim/service.h"

#define ARRIVAL_KEY "_arrival"
#define KEYS_KEY "_keys"

/* ---- arrival schedules: tables {_arrival = "poisson" | "even", segs = {{t0, t1, r0, r1}...}} ---- */
static double check_rate(lua_State *L, int idx, const char *fname)
{
    double r = luaL_checknumber(L, idx);
    if (!(r >= 0) || r > 1e9) luaL_error(L, "%s: a rate is requests per second, >= 0 (got %s)", fname, lua_tostring(L, idx));
    return r;
}

static void push_seg(lua_State *L, int segs, sim_time_t t0, sim_time_t t1, double r0, double r1)
{
    lua_createtable(L, 4, 0);
    lua_pushinteger(L, (lua_Integer)t0);
    lua_rawseti(L, -2, 1);
    if (t1 == SIM_TIME_MAX) lua_pushnil(L);
    else lua_pushinteger(L, (lua_Integer)t1);
    lua_rawseti(L, -2, 2);
    lua_pushnumber(L, r0);
    lua_rawseti(L, -2, 3);
    lua_pushnumber(L, r1);
    lua_rawseti(L, -2, 4);
    lua_rawseti(L, segs, (lua_Integer)lua_rawlen(L, segs) + 1);
}

/* Pushes {_arrival = spacing, segs = {}} and returns the stack index of segs. */
static int new_arrival(lua_State *L, const char *spacing)
{
    lua_createtable(L, 0, 2);
    lua_pushstring(L, spacing);
    lua_setfield(L, -2, ARRIVAL_KEY);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "segs");
    return lua_gettop(L);
}

/* The spacing option of the time-varying schedules: {poisson = true} (default) or false. */
static const char *spacing_opt(lua_State *L, int idx, const char *fname)
{
    if (lua_type(L, idx) != LUA_TTABLE) return "poisson";
    static const char *const opts[] = { "poisson", NULL };
    host_check_options(L, idx, fname, opts);
    lua_getfield(L, idx, "poisson");
    bool p = lua_isnil(L, -1) || lua_toboolean(L, -1);
    lua_pop(L, 1);
    return p ? "poisson" : "even";
}

static int sim_constant(lua_State *L)
{
    double r = check_rate(L, 1, "sim.constant");
    int segs = new_arrival(L, "even");
    push_seg(L, segs, 0, SIM_TIME_MAX, r, r);
    lua_pop(L, 1);
    return 1;
}

static int sim_poisson(lua_State *L)
{
    double r = check_rate(L, 1, "sim.poisson");
    int segs = new_arrival(L, "poisson");
    push_seg(L, segs, 0, SIM_TIME_MAX, r, r);
    lua_pop(L, 1);
    return 1;
}

/* sim.ramp(r0, r1, duration [, {poisson = true}]): linear from r0 to r1, then r1. */
static int sim_ramp(lua_State *L)
{
    double r0 = check_rate(L, 1, "sim.ramp"), r1 = check_rate(L, 2, "sim.ramp");
    sim_time_t d = host_dur_check(L, 3, "sim.ramp", "duration");
    int segs = new_arrival(L, spacing_opt(L, 4, "sim.ramp"));
    if (d) push_seg(L, segs, 0, d, r0, r1);
    push_seg(L, segs, d, SIM_TIME_MAX, r1, r1);
    lua_pop(L, 1);
    return 1;
}

/* sim.steps{{at = t, rate = r}, ..., poisson = true}: piecewise constant, from t = 0. */
static int sim_steps(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "poisson");
    const char *sp = lua_isnil(L, -1) || lua_toboolean(L, -1) ? "poisson" : "even";
    lua_pop(L, 1);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    if (n == 0) return luaL_error(L, "sim.steps: give a list of {at = time, rate = r}");
    int segs = new_arrival(L, sp);
    sim_time_t prev_at = 0;
    double prev_rate = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        if (!lua_istable(L, -1)) return luaL_error(L, "sim.steps: step %d is not a table {at = time, rate = r}", (int)i);
        lua_getfield(L, -1, "at");
        sim_time_t at = lua_isnil(L, -1) ? 0 : host_dur_check(L, -1, "sim.steps", "'at' time");
        lua_getfield(L, -2, "rate");
        double r = check_rate(L, -1, "sim.steps");
        lua_pop(L, 3);
        if (i > 1 && at <= prev_at) return luaL_error(L, "sim.steps: step %d must come after step %d", (int)i, (int)i - 1);
        if (i == 1 && at > 0) push_seg(L, segs, 0, at, 0, 0);
        if (i > 1) push_seg(L, segs, prev_at, at, prev_rate, prev_rate);
        prev_at = at;
        prev_rate = r;
    }
    push_seg(L, segs, prev_at, SIM_TIME_MAX, prev_rate, prev_rate);
    lua_pop(L, 1);
    return 1;
}

/* sim.spike{base = r, peak = r, at = t, duration = d, poisson = true} */
static int sim_spike(lua_State *L)
{
    static const char *const opts[] = { "base", "peak", "at", "duration", "poisson", NULL };
    luaL_checktype(L, 1, LUA_TTABLE);
    host_check_options(L, 1, "sim.spike", opts);
    lua_getfield(L, 1, "base");
    double base = check_rate(L, -1, "sim.spike");
    lua_getfield(L, 1, "peak");
    double peak = check_rate(L, -1, "sim.spike");
    lua_getfield(L, 1, "at");
    sim_time_t at = host_dur_check(L, -1, "sim.spike", "'at' time");
    lua_getfield(L, 1, "duration");
    sim_time_t d = host_dur_check(L, -1, "sim.spike", "duration");
    lua_getfield(L, 1, "poisson");
    const char *sp = lua_isnil(L, -1) || lua_toboolean(L, -1) ? "poisson" : "even";
    lua_pop(L, 5);
    int segs = new_arrival(L, sp);
    if (at) push_seg(L, segs, 0, at, base, base);
    if (d) push_seg(L, segs, at, at + d, peak, peak);
    push_seg(L, segs, at + d, SIM_TIME_MAX, base, base);
    lua_pop(L, 1);
    return 1;
}

/* sim.rates_csv(file [, {poisson = true}]): lines "seconds,rate" (a header line is skipped);
 * the rate holds until the next line's time. The path is relative to the scenario's folder. */
static int sim_rates_csv(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    const char *file = luaL_checkstring(L, 1);
    const char *sp = spacing_opt(L, 2, "sim.rates_csv");
    char path[4096];
    const char *slash = strrchr(s->opts->path, '/');
    if (file[0] == '/' || !slash) snprintf(path, sizeof path, "%s", file);
    else snprintf(path, sizeof path, "%.*s/%s", (int)(slash - s->opts->path), s->opts->path, file);
    FILE *f = fopen(path, "r");
    if (!f) return luaL_error(L, "sim.rates_csv: cannot read %s: %s", path, strerror(errno));
    int segs = new_arrival(L, sp);
    char line[512];
    int lineno = 0, rows = 0;
    sim_time_t prev_at = 0;
    double prev_rate = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || *p == 0) continue;
        char *end;
        double t = strtod(p, &end);
        if (end == p) {
            if (rows == 0) continue; /* a header before the first row */
            fclose(f);
            return luaL_error(L, "sim.rates_csv: %s:%d: expected \"seconds,rate\"", path, lineno);
        }
        while (*end == ' ' || *end == ',' || *end == '\t' || *end == ';') end++;
        char *e2;
        double r = strtod(end, &e2);
        if (e2 == end || !(t >= 0) || !(r >= 0)) {
            fclose(f);
            return luaL_error(L, "sim.rates_csv: %s:%d: expected \"seconds,rate\" with both >= 0", path, lineno);
        }
        sim_time_t at = (sim_time_t)llround(t * 1e9);
        if (rows > 0 && at <= prev_at) {
            fclose(f);
            return luaL_error(L, "sim.rates_csv: %s:%d: times must increase", path, lineno);
        }
        if (rows == 0 && at > 0) push_seg(L, segs, 0, at, 0, 0);
        if (rows > 0) push_seg(L, segs, prev_at, at, prev_rate, prev_rate);
        prev_at = at;
        prev_rate = r;
        rows++;
    }
    fclose(f);
    if (rows == 0) return luaL_error(L, "sim.rates_csv: %s has no rows", path);
    push_seg(L, segs, prev_at, SIM_TIME_MAX, prev_rate, prev_rate);
    lua_pop(L, 1);
    return 1;
}

/* ---- key distributions: {_keys = kind, ...} ------------------------------------------------- */
static int sim_uniform_key(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    if (n < 1) return luaL_error(L, "sim.uniform_key: n must be >= 1");
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "uniform");
    lua_setfield(L, -2, KEYS_KEY);
    lua_pushinteger(L, n);
    lua_setfield(L, -2, "n");
    return 1;
}

static int sim_zipf(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    double sx = luaL_checknumber(L, 2);
    if (n < 1 || n > 100000000) return luaL_error(L, "sim.zipf: n must be from 1 to 1e8");
    if (!(sx > 0) || sx > 100) return luaL_error(L, "sim.zipf: the exponent must be > 0");
    lua_createtable(L, 0, 3);
    lua_pushliteral(L, "zipf");
    lua_setfield(L, -2, KEYS_KEY);
    lua_pushinteger(L, n);
    lua_setfield(L, -2, "n");
    lua_pushnumber(L, sx);
    lua_setfield(L, -2, "s");
    return 1;
}

static int sim_pareto(lua_State *L)
{
    double xm = luaL_checknumber(L, 1), a = luaL_checknumber(L, 2);
    if (!(xm >= 1) || !(a > 0)) return luaL_error(L, "sim.pareto: the scale must be >= 1 and the shape > 0");
    lua_createtable(L, 0, 3);
    lua_pushliteral(L, "pareto");
    lua_setfield(L, -2, KEYS_KEY);
    lua_pushnumber(L, xm);
    lua_setfield(L, -2, "xm");
    lua_pushnumber(L, a);
    lua_setfield(L, -2, "alpha");
    return 1;
}

static void read_keys(lua_State *L, int idx, load_keys_t *k)
{
    if (lua_type(L, idx) != LUA_TTABLE || lua_getfield(L, idx, KEYS_KEY) != LUA_TSTRING)
        luaL_error(L, "sim.load: key must be sim.uniform_key(n), sim.zipf(n, s) or sim.pareto(xm, alpha)");
    const char *kind = lua_tostring(L, -1);
    lua_getfield(L, idx, "n");
    lua_getfield(L, idx, "s");
    lua_getfield(L, idx, "xm");
    lua_getfield(L, idx, "alpha");
    if (strcmp(kind, "uniform") == 0) {
        k->kind = LOAD_KEY_UNIFORM;
        k->n = (uint64_t)lua_tointeger(L, -4);
    } else if (strcmp(kind, "zipf") == 0) {
        k->kind = LOAD_KEY_ZIPF;
        k->n = (uint64_t)lua_tointeger(L, -4);
        k->s = lua_tonumber(L, -3);
        k->cdf = malloc(k->n * sizeof *k->cdf);
        if (!k->cdf) luaL_error(L, "sim.zipf: out of memory");
        double sum = 0;
        for (uint64_t i = 0; i < k->n; i++) sum += 1.0 / pow((double)(i + 1), k->s);
        double acc = 0;
        for (uint64_t i = 0; i < k->n; i++) {
            acc += 1.0 / pow((double)(i + 1), k->s) / sum;
            k->cdf[i] = acc;
        }
        k->cdf[k->n - 1] = 1.0;
    } else {
        k->kind = LOAD_KEY_PARETO;
        k->xm = lua_tonumber(L, -2);
        k->alpha = lua_tonumber(L, -1);
    }
    lua_pop(L, 5);
}

/* ---- sim.load -------------------------------------------------------------------------------- */
static void read_dist(lua_State *L, int idx, load_dist_t *d, const char *what)
{
    int kind;
    double a, b;
    if (host_dist_params(L, idx, &kind, &a, &b) == 0) {
        d->kind = kind;
        if (kind == 3) {
            d->a = a + log(1e6);
            d->b = b;
        } else {
            d->a = a * 1e6;
            d->b = b * 1e6;
        }
        return;
    }
    d->kind = 0;
    d->a = (double)host_dur_check(L, idx, "sim.load", what);
}

/* The target at idx: a pid, a registered name on the load's node, or {name, node}. */
static void read_target(lua_State *L, host_scenario_t *s, int idx, load_op_t *op, uint32_t home)
{
    op->target_node = home;
    if (lua_type(L, idx) == LUA_TLIGHTUSERDATA) {
        op->target = (uint64_t)(uintptr_t)lua_touserdata(L, idx);
    } else if (lua_type(L, idx) == LUA_TSTRING) {
        op->target_name = strdup(lua_tostring(L, idx));
    } else if (lua_type(L, idx) == LUA_TTABLE) {
        lua_rawgeti(L, idx, 1);
        lua_rawgeti(L, idx, 2);
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "sim.load: a {name, node} target needs two strings");
        op->target_name = strdup(lua_tostring(L, -2));
        op->target_node = host_check_node(L, s, -1, "sim.load");
        lua_pop(L, 2);
    } else {
        luaL_error(L, "sim.load: target must be a pid, a registered name or {name, node}");
    }
}

/* Reads an operation (call/cast/send/request + target) from the table at idx into op. */
static void read_op(lua_State *L, host_scenario_t *s, int idx, load_op_t *op, uint32_t home, int def_target)
{
    static const char *const kinds[] = { "call", "cast", "send", "request" };
    int found = -1;
    for (int k = 0; k < 4; k++) {
        if (lua_getfield(L, idx, kinds[k]) != LUA_TNIL) {
            if (found >= 0) luaL_error(L, "sim.load: give one of call, cast, send or request, not both %s and %s", kinds[found], kinds[k]);
            found = k;
        }
        lua_pop(L, 1);
    }
    if (found < 0) luaL_error(L, "sim.load: say what a request does: call = msg, cast = msg, send = msg or request = function(ctx)");
    op->kind = found == 0 ? LOAD_OP_CALL : found == 1 ? LOAD_OP_CAST : found == 2 ? LOAD_OP_SEND : LOAD_OP_LUA;
    op->host_ref = LUA_NOREF;
    lua_getfield(L, idx, kinds[found]);
    if (op->kind == LOAD_OP_LUA) {
        if (!lua_isfunction(L, -1)) luaL_error(L, "sim.load: request must be a function(ctx)");
        op->host_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        return;
    }
    if (lua_isfunction(L, -1)) { /* built per request: fn(key, n) -> message */
        op->host_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
        jbuf_t b;
        jbuf_init(&b);
        bool has_refs = false;
        const char *err;
        if (rt_term_encode(L, -1, &b, &has_refs, &err) != 0 || has_refs) {
            jbuf_deinit(&b);
            if (has_refs) luaL_error(L, "sim.load: a static message cannot hold functions or userdata; build it with a function(key, n)");
            luaL_error(L, "sim.load: bad message: %s", err);
        }
        op->msg = malloc(b.len ? b.len : 1);
        SIM_ASSERT(op->msg != NULL);
        memcpy(op->msg, b.p, b.len);
        op->msg_len = (uint32_t)b.len;
        jbuf_deinit(&b);
        lua_pop(L, 1);
    }
    if (lua_getfield(L, idx, "target") != LUA_TNIL) read_target(L, s, lua_gettop(L), op, home);
    else if (def_target) read_target(L, s, def_target, op, home);
    else luaL_error(L, "sim.load: a call, cast or send needs a target");
    lua_pop(L, 1);
}

static uint32_t op_index(lua_State *L, const load_t *l, const char *name)
{
    for (uint32_t i = 0; i < l->nops; i++)
        if (strcmp(l->ops[i].name, name) == 0) return i;
    luaL_error(L, "sim.load: a session step names '%s', which is not one of the load's ops", name);
    return 0;
}

/* sessions = {{name = n, weight = w, steps = {"op", {op = "op", think = d}, ...}}, ...} */
static void read_sessions(lua_State *L, int idx, load_t *l)
{
    if (!l->closed) luaL_error(L, "sim.load: sessions belong to a closed loop (users = N, think = ...)");
    if (!lua_istable(L, idx) || lua_rawlen(L, idx) == 0) luaL_error(L, "sim.load: sessions must be a list of sessions");
    uint32_t n = (uint32_t)lua_rawlen(L, idx);
    l->sessions = calloc(n, sizeof *l->sessions);
    SIM_ASSERT(l->sessions != NULL);
    l->nsessions = n;
    for (uint32_t i = 0; i < n; i++) {
        load_session_t *ss = &l->sessions[i];
        lua_rawgeti(L, idx, i + 1);
        int t = lua_gettop(L);
        if (!lua_istable(L, t)) luaL_error(L, "sim.load: session %d is not a table", (int)i + 1);
        static const char *const sopts[] = { "name", "weight", "steps", NULL };
        host_check_options(L, t, "sim.load (a session)", sopts);
        lua_getfield(L, t, "name");
        char def[32];
        snprintf(def, sizeof def, "session%u", i + 1);
        ss->name = strdup(lua_isstring(L, -1) ? lua_tostring(L, -1) : def);
        lua_getfield(L, t, "weight");
        ss->weight = lua_isnil(L, -1) ? 1.0 : lua_tonumber(L, -1);
        if (!(ss->weight > 0)) luaL_error(L, "sim.load: session %d: weight must be > 0", (int)i + 1);
        if (lua_getfield(L, t, "steps") != LUA_TTABLE || lua_rawlen(L, -1) == 0)
            luaL_error(L, "sim.load: session %d needs steps = {\"op\", {op = \"op\", think = d}, ...}", (int)i + 1);
        int st = lua_gettop(L);
        ss->nsteps = (uint32_t)lua_rawlen(L, st);
        ss->op = calloc(ss->nsteps, sizeof *ss->op);
        ss->think = calloc(ss->nsteps, sizeof *ss->think);
        SIM_ASSERT(ss->op && ss->think);
        for (uint32_t k = 0; k < ss->nsteps; k++) {
            lua_rawgeti(L, st, k + 1);
            if (lua_type(L, -1) == LUA_TSTRING) {
                ss->op[k] = op_index(L, l, lua_tostring(L, -1));
            } else if (lua_istable(L, -1)) {
                int sp = lua_gettop(L);
                if (lua_getfield(L, sp, "op") != LUA_TSTRING) luaL_error(L, "sim.load: a session step needs op = (an op's name)");
                ss->op[k] = op_index(L, l, lua_tostring(L, -1));
                if (lua_getfield(L, sp, "think") != LUA_TNIL) read_dist(L, lua_gettop(L), &ss->think[k], "step think time");
            } else {
                luaL_error(L, "sim.load: a session step is an op's name or {op = name, think = d}");
            }
            lua_settop(L, st);
        }
        lua_settop(L, idx);
    }
}

static int sim_load(lua_State *L)
{
    static const char *const opts[] = { "name", "node", "arrival", "users", "think", "from", "to", "timeout",
                                        "concurrency", "target", "call", "cast", "send", "request", "ops", "key", "sessions", NULL };
    host_scenario_t *s = host_scenario_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    host_check_options(L, 1, "sim.load", opts);
    if (lua_getfield(L, 1, "name") != LUA_TSTRING) return luaL_error(L, "sim.load: name (a string) is required");
    const char *name = lua_tostring(L, -1);
    if (load_find(&s->w.loads, name)) return luaL_error(L, "sim.load: a load named '%s' exists", name);
    load_t *l = calloc(1, sizeof *l);
    SIM_ASSERT(l != NULL);
    /* l is anchored in a userdata until it is handed over, so errors below leak nothing but it */
    load_t **anchor = lua_newuserdatauv(L, sizeof *anchor, 0);
    *anchor = l;
    l->name = strdup(name);
    l->to = SIM_TIME_MAX;
    l->from = evq_now(&s->w.q);
    l->timeout = 5 * SIM_TIME_S; /* as gen_server:call's default; "infinity" turns it off */
    if (lua_getfield(L, 1, "node") != LUA_TNIL) l->node = host_check_node(L, s, -1, "sim.load");
    else l->node = sim_world_default_node(&s->w);
    if (lua_getfield(L, 1, "from") != LUA_TNIL) l->from = host_dur_check(L, -1, "sim.load", "'from' time");
    if (lua_getfield(L, 1, "to") != LUA_TNIL) l->to = host_dur_check(L, -1, "sim.load", "'to' time");
    if (l->to <= l->from) return luaL_error(L, "sim.load: 'to' must be after 'from'");
    if (lua_getfield(L, 1, "timeout") != LUA_TNIL) {
        if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "infinity") == 0) l->timeout = 0;
        else l->timeout = host_dur_check(L, -1, "sim.load", "timeout");
    }
    if (lua_getfield(L, 1, "concurrency") != LUA_TNIL) {
        lua_Integer c = luaL_checkinteger(L, -1);
        if (c < 1) return luaL_error(L, "sim.load: concurrency must be >= 1");
        l->concurrency = (uint32_t)c;
    }
    lua_settop(L, 2);
    int has_arrival = lua_getfield(L, 1, "arrival") != LUA_TNIL;
    int has_users = lua_getfield(L, 1, "users") != LUA_TNIL;
    if (has_arrival == has_users) return luaL_error(L, "sim.load: give either arrival = (open loop) or users = (closed loop)");
    if (has_arrival) {
        if (!lua_istable(L, 3) || lua_getfield(L, 3, ARRIVAL_KEY) != LUA_TSTRING)
            return luaL_error(L, "sim.load: arrival must be sim.constant, sim.poisson, sim.ramp, sim.steps, sim.spike or sim.rates_csv");
        l->spacing = strcmp(lua_tostring(L, -1), "poisson") == 0 ? LOAD_POISSON : LOAD_EVEN;
        lua_getfield(L, 3, "segs");
        int segs = lua_gettop(L);
        l->nsegs = (uint32_t)lua_rawlen(L, segs);
        l->segs = calloc(l->nsegs ? l->nsegs : 1, sizeof *l->segs);
        for (uint32_t i = 0; i < l->nsegs; i++) {
            lua_rawgeti(L, segs, i + 1);
            lua_rawgeti(L, -1, 1);
            lua_rawgeti(L, -2, 2);
            lua_rawgeti(L, -3, 3);
            lua_rawgeti(L, -4, 4);
            l->segs[i] = (load_seg_t){ (sim_time_t)lua_tointeger(L, -4),
                                       lua_isnil(L, -3) ? SIM_TIME_MAX : (sim_time_t)lua_tointeger(L, -3),
                                       lua_tonumber(L, -2), lua_tonumber(L, -1) };
            lua_pop(L, 5);
        }
    } else {
        lua_Integer u = luaL_checkinteger(L, 4);
        if (u < 1 || u > 10000000) return luaL_error(L, "sim.load: users must be from 1 to 1e7");
        l->closed = true;
        l->users = (uint32_t)u;
        if (lua_getfield(L, 1, "think") == LUA_TNIL) return luaL_error(L, "sim.load: a closed loop needs think = (a time or a distribution)");
        read_dist(L, -1, &l->think, "think time");
    }
    lua_settop(L, 2);
    if (lua_getfield(L, 1, "key") != LUA_TNIL) read_keys(L, 3, &l->keys);
    lua_settop(L, 2);
    int def_target = lua_getfield(L, 1, "target") != LUA_TNIL ? 3 : 0;
    if (lua_getfield(L, 1, "ops") != LUA_TNIL) {
        int ops = lua_gettop(L);
        if (!lua_istable(L, ops) || lua_rawlen(L, ops) == 0) return luaL_error(L, "sim.load: ops must be a list of operations");
        l->nops = (uint32_t)lua_rawlen(L, ops);
        l->ops = calloc(l->nops, sizeof *l->ops);
        for (uint32_t i = 0; i < l->nops; i++) l->ops[i].host_ref = LUA_NOREF;
        for (uint32_t i = 0; i < l->nops; i++) {
            lua_rawgeti(L, ops, i + 1);
            int o = lua_gettop(L);
            if (!lua_istable(L, o)) return luaL_error(L, "sim.load: operation %d is not a table", (int)i + 1);
            static const char *const op_opts[] = { "name", "weight", "target", "call", "cast", "send", "request", NULL };
            host_check_options(L, o, "sim.load (an operation)", op_opts);
            lua_getfield(L, o, "name");
            char def[32];
            snprintf(def, sizeof def, "op%u", i + 1);
            l->ops[i].name = strdup(lua_isstring(L, -1) ? lua_tostring(L, -1) : def);
            lua_getfield(L, o, "weight");
            l->ops[i].weight = lua_isnil(L, -1) ? 1.0 : lua_tonumber(L, -1);
            if (!(l->ops[i].weight > 0)) return luaL_error(L, "sim.load: operation %d: weight must be > 0", (int)i + 1);
            lua_pop(L, 2);
            read_op(L, s, o, &l->ops[i], l->node, def_target);
            lua_settop(L, ops);
        }
    } else {
        l->nops = 1;
        l->ops = calloc(1, sizeof *l->ops);
        l->ops[0].name = strdup("request");
        l->ops[0].weight = 1;
        l->ops[0].host_ref = LUA_NOREF;
        read_op(L, s, 1, &l->ops[0], l->node, def_target);
    }
    lua_settop(L, 2);
    if (lua_getfield(L, 1, "sessions") != LUA_TNIL) read_sessions(L, 3, l);
    *anchor = NULL;
    if (load_add(&s->w.loads, l) != 0) return luaL_error(L, "out of memory");
    if (l->to == SIM_TIME_MAX) s->unbounded_loads++;
    lua_pushstring(L, l->name);
    return 1;
}

/* ---- callbacks from sim/load.c ------------------------------------------------------------ */
static int build_call(lua_State *L)
{
    /* 1 = fn, 2 = key, 3 = n: the message, encoded into the jbuf at upvalue... */
    lua_call(L, 2, 1);
    return 1;
}

static int host_build(void *ctx, load_t *l, load_op_t *op, uint64_t key, uint64_t seq, jbuf_t *out)
{
    (void)l;
    host_scenario_t *s = ctx;
    lua_State *L = s->L;
    int top = lua_gettop(L);
    lua_pushcfunction(L, build_call);
    lua_rawgeti(L, LUA_REGISTRYINDEX, op->host_ref);
    lua_pushinteger(L, (lua_Integer)key);
    lua_pushinteger(L, (lua_Integer)seq);
    int rc = -1;
    if (host_scenario_call(s, 3, 1, true) == LUA_OK) {
        bool has_refs = false;
        const char *err;
        if (rt_term_encode(L, -1, out, &has_refs, &err) == 0 && !has_refs) rc = 0;
        else if (has_refs) rt_term_release(L, (const uint8_t *)out->p, (uint32_t)out->len);
    }
    lua_settop(L, top);
    return rc;
}

/* The process running a Lua request: started(), then request(ctx) under pcall, then done(). */
static const char REQUEST_WRAPPER[] =
    "local started, done = ...\n"
    "return function(fn, ctx, li, req, gen)\n"
    "  started(li, req, gen)\n"
    "  local ok, r1, r2 = pcall(fn, ctx)\n"
    "  if ok and r1 == false then ok = false end\n"
    "  done(li, req, gen, ok)\n"
    "end\n";

static int req_started(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    load_set_t *ls = &s->w.loads;
    lua_Integer li = luaL_checkinteger(L, 1);
    if (li < 0 || (uint32_t)li >= ls->n) return 0;
    load_lua_started(ls, ls->loads[li], (uint32_t)luaL_checkinteger(L, 2), (uint32_t)luaL_checkinteger(L, 3), rt_now(s->w.rt));
    return 0;
}

static int req_done(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    load_set_t *ls = &s->w.loads;
    lua_Integer li = luaL_checkinteger(L, 1);
    if (li < 0 || (uint32_t)li >= ls->n) return 0;
    load_lua_done(ls, ls->loads[li], (uint32_t)luaL_checkinteger(L, 2), (uint32_t)luaL_checkinteger(L, 3),
                  lua_toboolean(L, 4) ? LOAD_OK : LOAD_ERROR, rt_now(s->w.rt));
    return 0;
}

static int spawn_request(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    load_t *l = lua_touserdata(L, 1);
    load_op_t *op = lua_touserdata(L, 2);
    uint32_t req = (uint32_t)lua_tointeger(L, 3), gen = (uint32_t)lua_tointeger(L, 4);
    lua_Integer key = lua_tointeger(L, 5), seq = lua_tointeger(L, 6);
    lua_settop(L, 0);
    if (s->request_wrapper_ref == LUA_NOREF) {
        if (luaL_loadbufferx(L, REQUEST_WRAPPER, sizeof REQUEST_WRAPPER - 1, "=sim.load", "t") != LUA_OK) return lua_error(L);
        lua_pushcfunction(L, req_started);
        lua_pushcfunction(L, req_done);
        lua_call(L, 2, 1);
        s->request_wrapper_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->request_wrapper_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, op->host_ref);
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, key);
    lua_setfield(L, -2, "key");
    lua_pushinteger(L, seq);
    lua_setfield(L, -2, "n");
    lua_pushstring(L, op->name);
    lua_setfield(L, -2, "op");
    lua_pushstring(L, l->name);
    lua_setfield(L, -2, "load");
    lua_pushinteger(L, l->index);
    lua_pushinteger(L, req);
    lua_pushinteger(L, gen);
    rt_pid_t pid = rt_spawn_lua(s->w.rt, L, l->node, 1, 5);
    lua_pushlightuserdata(L, (void *)(uintptr_t)pid);
    return 1;
}

static rt_pid_t host_start(void *ctx, load_t *l, uint32_t req, uint32_t gen, load_op_t *op, uint64_t key, uint64_t seq)
{
    host_scenario_t *s = ctx;
    lua_State *L = s->L;
    int top = lua_gettop(L);
    lua_pushcfunction(L, spawn_request);
    lua_pushlightuserdata(L, l);
    lua_pushlightuserdata(L, op);
    lua_pushinteger(L, req);
    lua_pushinteger(L, gen);
    lua_pushinteger(L, (lua_Integer)key);
    lua_pushinteger(L, (lua_Integer)seq);
    rt_pid_t pid = 0;
    if (lua_pcall(L, 6, 1, 0) == LUA_OK) pid = (rt_pid_t)(uintptr_t)lua_touserdata(L, -1);
    lua_settop(L, top);
    return pid;
}

static void host_cancel(void *ctx, rt_pid_t pid)
{
    host_scenario_t *s = ctx;
    lua_State *L = s->L;
    lua_pushliteral(L, "kill");
    rt_exit_signal_from_outside(s->w.rt, L, pid, lua_gettop(L));
    lua_pop(L, 1);
}

/* ---- sim.metrics(name) ---------------------------------------------------------------------- */
static void push_hist(lua_State *L, const hdr_t *h)
{
    lua_createtable(L, 0, 6);
    lua_pushnumber(L, hdr_mean(h) / 1e6);
    lua_setfield(L, -2, "mean");
    static const struct { const char *k; double p; } ps[] = { { "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p999", 99.9 } };
    for (size_t i = 0; i < 4; i++) {
        lua_pushnumber(L, (double)hdr_value_at_percentile(h, ps[i].p) / 1e6);
        lua_setfield(L, -2, ps[i].k);
    }
    lua_pushnumber(L, h->total ? (double)h->max / 1e6 : 0);
    lua_setfield(L, -2, "max");
}

static sim_time_t active_time(host_scenario_t *s, const load_t *l)
{
    sim_time_t now = evq_now(&s->w.q), end = l->to < now ? l->to : now;
    return end > l->from ? end - l->from : 0;
}

static void push_stats(lua_State *L, const load_stats_t *st, sim_time_t active)
{
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, (lua_Integer)st->count);
    lua_setfield(L, -2, "count");
    lua_pushinteger(L, (lua_Integer)st->ok);
    lua_setfield(L, -2, "ok");
    lua_pushinteger(L, (lua_Integer)st->errors);
    lua_setfield(L, -2, "errors");
    lua_pushinteger(L, (lua_Integer)st->timeouts);
    lua_setfield(L, -2, "timeouts");
    lua_pushnumber(L, active ? (double)st->count / ((double)active / 1e9) : 0);
    lua_setfield(L, -2, "rate");
    push_hist(L, &st->response);
    lua_setfield(L, -2, "response");
    push_hist(L, &st->service);
    lua_setfield(L, -2, "service");
}

static int sim_metrics(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    load_t *l = load_find(&s->w.loads, luaL_checkstring(L, 1));
    if (!l) return luaL_error(L, "sim.metrics: no load named '%s'", lua_tostring(L, 1));
    sim_time_t active = active_time(s, l);
    push_stats(L, &l->total, active);
    lua_createtable(L, 0, (int)l->nops);
    for (uint32_t i = 0; i < l->nops; i++) {
        push_stats(L, &l->ops[i].stats, active);
        lua_setfield(L, -2, l->ops[i].name);
    }
    lua_setfield(L, -2, "ops");
    return 1;
}

/* sim.watch(name [, node]): the time series follows that registered process's mailbox length. */
static int sim_watch(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    const char *name = luaL_checkstring(L, 1);
    uint32_t node = lua_isnoneornil(L, 2) ? sim_world_default_node(&s->w) : host_check_node(L, s, 2, "sim.watch");
    load_watch_add(&s->w.loads, name, node);
    return 0;
}

/* sim.series{interval = "1s"}: the time series' sampling period (and starts it). */
static int sim_series(lua_State *L)
{
    static const char *const opts[] = { "interval", NULL };
    host_scenario_t *s = host_scenario_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    host_check_options(L, 1, "sim.series", opts);
    if (lua_getfield(L, 1, "interval") != LUA_TNIL) {
        sim_time_t d = host_dur_check(L, -1, "sim.series", "interval");
        if (d < SIM_TIME_MS) return luaL_error(L, "sim.series: the interval must be at least 1ms");
        if (s->w.loads.sampling) return luaL_error(L, "sim.series: set the interval before the first sim.load or sim.watch");
        s->w.loads.interval = d;
    }
    load_sampling_start(&s->w.loads);
    return 0;
}

/* ---- sim.service ------------------------------------------------------------------------- */
/* sim.service{name = n, node = nd, work = ms | distribution, reply = value}: a gen_server-
 * compatible C stub (sim/service.h) registered as name on node; restarted with its node. */
static int sim_service(lua_State *L)
{
    static const char *const opts[] = { "name", "node", "work", "reply", NULL };
    host_scenario_t *s = host_scenario_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    host_check_options(L, 1, "sim.service", opts);
    if (lua_getfield(L, 1, "name") != LUA_TSTRING) return luaL_error(L, "sim.service: name (a string) is required");
    uint32_t node = lua_getfield(L, 1, "node") != LUA_TNIL ? host_check_node(L, s, 3, "sim.service")
                                                            : sim_world_default_node(&s->w);
    load_dist_t work = { 0, 0, 0 };
    if (lua_getfield(L, 1, "work") != LUA_TNIL) read_dist(L, 4, &work, "work");
    jbuf_t b;
    jbuf_init(&b);
    if (lua_getfield(L, 1, "reply") == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushliteral(L, "ok");
    }
    bool has_refs = false;
    const char *err;
    if (rt_term_encode(L, 5, &b, &has_refs, &err) != 0 || has_refs) {
        if (has_refs) rt_term_release(L, (const uint8_t *)b.p, (uint32_t)b.len);
        jbuf_deinit(&b);
        return luaL_error(L, "sim.service: the reply must be a plain value (no functions or userdata)");
    }
    if (rt_whereis(s->w.rt, node, lua_tostring(L, 2))) {
        jbuf_deinit(&b);
        return luaL_error(L, "sim.service: the name '%s' is taken on %s", lua_tostring(L, 2), rt_node_name(s->w.rt, node));
    }
    sim_service_t *svc = calloc(1, sizeof *svc);
    SIM_ASSERT(svc != NULL);
    svc->name = strdup(lua_tostring(L, 2));
    svc->node = node;
    svc->work = work;
    svc->reply = malloc(b.len);
    SIM_ASSERT(svc->name && svc->reply);
    memcpy(svc->reply, b.p, b.len);
    svc->reply_len = (uint32_t)b.len;
    jbuf_deinit(&b);
    char stream[160];
    snprintf(stream, sizeof stream, "service:%s", svc->name);
    prng_stream_init(&svc->rng, s->opts->seed, stream);
    sim_service_t **ns = realloc(s->services, (s->nservices + 1) * sizeof *ns);
    SIM_ASSERT(ns != NULL);
    s->services = ns;
    s->services[s->nservices++] = svc;
    rt_pid_t pid = sim_service_start(&s->w, svc);
    lua_pushlightuserdata(L, (void *)(uintptr_t)pid);
    return 1;
}

void host_services_restart(host_scenario_t *s, uint32_t node)
{
    for (size_t i = 0; i < s->nservices; i++)
        if (s->services[i]->node == node) sim_service_start(&s->w, s->services[i]);
}

void host_services_free(host_scenario_t *s)
{
    for (size_t i = 0; i < s->nservices; i++) {
        free(s->services[i]->name);
        free(s->services[i]->reply);
        jbuf_deinit(&s->services[i]->buf);
        free(s->services[i]);
    }
    free(s->services);
}

/* ---- SLOs --------------------------------------------------------------------------------- */
/* sim.slo{load = "api", p99 = "50ms", error_rate = 0.001, availability = 0.999, throughput = r,
 *         "p99 < 50ms", ...}: thresholds on a load's whole-run summary, judged at the end. */
static int sim_slo(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getfield(L, 1, "load") != LUA_TSTRING) return luaL_error(L, "sim.slo: load = (a load's name) is required");
    const char *load = lua_tostring(L, -1);
    static const char *const keys[] = { "mean", "p50", "p90", "p99", "p999", "max", "error_rate", "availability", "throughput", NULL };
    /* keyed thresholds first, in a fixed order, then the strings in list order */
    for (int i = 0; keys[i]; i++) {
        if (lua_getfield(L, 1, keys[i]) == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        host_slo_t t = { 0 };
        snprintf(t.load, sizeof t.load, "%s", load);
        snprintf(t.metric, sizeof t.metric, "%s", keys[i]);
        bool lat = i < 6;
        t.op = (strcmp(keys[i], "availability") == 0 || strcmp(keys[i], "throughput") == 0) ? 1 : -1; /* >= : <= */
        if (lat) t.value = (double)host_dur_check(L, -1, "sim.slo", keys[i]) / 1e6;
        else t.value = luaL_checknumber(L, -1);
        snprintf(t.text, sizeof t.text, "%s %s %g%s", keys[i], t.op > 0 ? ">=" : "<=", t.value, lat ? "ms" : "");
        host_slo_add(s, &t);
        lua_pop(L, 1);
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        const char *str = luaL_checkstring(L, -1);
        host_slo_t t = { 0 };
        snprintf(t.load, sizeof t.load, "%s", load);
        char metric[32], op[3], val[64];
        if (sscanf(str, " %31[a-z0-9_] %2[<>=] %63s", metric, op, val) != 3)
            return luaL_error(L, "sim.slo: cannot read \"%s\" (a threshold such as \"p99 < 50ms\" or \"error_rate < 0.1%%\")", str);
        int known = -1;
        for (int k = 0; keys[k]; k++)
            if (strcmp(keys[k], metric) == 0) known = k;
        if (known < 0) return luaL_error(L, "sim.slo: unknown metric '%s' (mean, p50, p90, p99, p999, max, error_rate, availability, throughput)", metric);
        snprintf(t.metric, sizeof t.metric, "%s", metric);
        if (strcmp(op, "<") && strcmp(op, "<=") && strcmp(op, ">") && strcmp(op, ">="))
            return luaL_error(L, "sim.slo: bad comparison '%s' in \"%s\" (use <, <=, > or >=)", op, str);
        t.op = op[0] == '<' ? (op[1] == '=' ? -1 : -2) : (op[1] == '=' ? 1 : 2);
        size_t vl = strlen(val);
        if (known < 6) {
            sim_time_t d;
            if (host_dur_parse(val, vl, &d) != 0) return luaL_error(L, "sim.slo: bad time '%s' in \"%s\"", val, str);
            t.value = (double)d / 1e6;
        } else {
            char *end;
            t.value = strtod(val, &end);
            if (*end == '%') t.value /= 100;
            else if (*end) return luaL_error(L, "sim.slo: bad number '%s' in \"%s\"", val, str);
        }
        snprintf(t.text, sizeof t.text, "%s", str);
        host_slo_add(s, &t);
        lua_pop(L, 1);
    }
    return 0;
}

void host_slo_add(host_scenario_t *s, const host_slo_t *t)
{
    host_slo_t *n = realloc(s->slos, (s->nslos + 1) * sizeof *n);
    SIM_ASSERT(n != NULL);
    s->slos = n;
    s->slos[s->nslos++] = *t;
}

/* Judges the SLOs at the end of the run, as check results "SLO <load>: <threshold>". */
void host_slo_results(host_scenario_t *s, host_run_result_t *res)
{
    for (size_t i = 0; i < s->nslos; i++) {
        host_slo_t *t = &s->slos[i];
        host_check_result_t *c = &res->checks[res->nchecks++];
        char name[300], detail[200];
        snprintf(name, sizeof name, "SLO %s: %s", t->load, t->text);
        c->name = strdup(name);
        load_t *l = load_find(&s->w.loads, t->load);
        if (!l) {
            c->ok = false;
            c->detail = strdup("no such load");
            continue;
        }
        const load_stats_t *st = &l->total;
        double v;
        const char *unit = "";
        if (strcmp(t->metric, "error_rate") == 0) v = st->count ? (double)(st->errors + st->timeouts) / (double)st->count : 0;
        else if (strcmp(t->metric, "availability") == 0) v = st->count ? (double)st->ok / (double)st->count : 1;
        else if (strcmp(t->metric, "throughput") == 0) {
            sim_time_t a = active_time(s, l);
            v = a ? (double)st->ok / ((double)a / 1e9) : 0;
            unit = "/s";
        } else {
            unit = "ms";
            if (strcmp(t->metric, "mean") == 0) v = hdr_mean(&st->response) / 1e6;
            else if (strcmp(t->metric, "max") == 0) v = st->response.total ? (double)st->response.max / 1e6 : 0;
            else {
                double p = strcmp(t->metric, "p50") == 0 ? 50 : strcmp(t->metric, "p90") == 0 ? 90 : strcmp(t->metric, "p99") == 0 ? 99 : 99.9;
                v = (double)hdr_value_at_percentile(&st->response, p) / 1e6;
            }
        }
        switch (t->op) {
        case -2: c->ok = v < t->value; break;
        case -1: c->ok = v <= t->value; break;
        case 1: c->ok = v >= t->value; break;
        default: c->ok = v > t->value; break;
        }
        if (st->count == 0) c->ok = false;
        snprintf(detail, sizeof detail, "observed %.6g%s over %llu requests", v, unit, (unsigned long long)st->count);
        c->detail = strdup(detail);
        trace_begin(&s->w.tr, evq_now(&s->w.q), "slo");
        trace_str(&s->w.tr, "name", c->name);
        trace_bool(&s->w.tr, "ok", c->ok);
        trace_str(&s->w.tr, "detail", c->detail);
        trace_end(&s->w.tr);
        c->event = trace_events(&s->w.tr);
    }
}

/* metrics.loads as JSON */
void host_loads_json(host_scenario_t *s, jbuf_t *m)
{
    load_set_t *ls = &s->w.loads;
    jbuf_puts(m, "\"loads\":{");
    for (uint32_t i = 0; i < ls->n; i++) {
        load_t *l = ls->loads[i];
        if (i) jbuf_putc(m, ',');
        jbuf_json_str(m, l->name, strlen(l->name));
        jbuf_putc(m, ':');
        sim_time_t active = active_time(s, l);
        load_stats_json(&l->total, active, m);
        m->len--; /* reopen the object for "ops" */
        jbuf_puts(m, ",\"ops\":{");
        for (uint32_t k = 0; k < l->nops; k++) {
            if (k) jbuf_putc(m, ',');
            jbuf_json_str(m, l->ops[k].name, strlen(l->ops[k].name));
            jbuf_putc(m, ':');
            load_stats_json(&l->ops[k].stats, active, m);
        }
        jbuf_puts(m, "}}");
    }
    jbuf_putc(m, '}');
}

void host_simload_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "load", sim_load }, { "constant", sim_constant }, { "poisson", sim_poisson }, { "ramp", sim_ramp },
        { "steps", sim_steps }, { "spike", sim_spike }, { "rates_csv", sim_rates_csv },
        { "uniform_key", sim_uniform_key }, { "zipf", sim_zipf }, { "pareto", sim_pareto },
        { "metrics", sim_metrics }, { "watch", sim_watch }, { "series", sim_series }, { "slo", sim_slo },
        { "service", sim_service },
        { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
    host_scenario_t *s = host_scenario_of(L);
    s->w.loads.host = (load_host_t){ .ctx = s, .build = host_build, .start = host_start, .cancel = host_cancel };
    s->request_wrapper_ref = LUA_NOREF;
}
