/* props.c — properties checked while the simulation runs: sim.always (a safety invariant) and
 * sim.eventually (liveness after the faults stop), TigerBeetle/Jepsen style.
 *
 * A property is a Lua function returning ok [, detail], like a sim.check. sim.always is
 * evaluated after every event (or every `every` of virtual time); its first false stops the run
 * and fails it with the virtual time and the event number. sim.eventually is evaluated the same
 * way from the moment the faults stop (the nemesis's `to`, or `after`); it passes the first time
 * it holds and fails if it has not held `within` later, or by the end of the run. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "dur.h"
#include "scenario_int.h"

enum { PROP_ALWAYS, PROP_EVENTUALLY };
enum { PROP_ACTIVE, PROP_FAILED, PROP_HELD };

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    SIM_ASSERT(d != NULL);
    return d;
}

static sim_time_t prop_start(const host_scenario_t *s, const host_prop_t *p)
{
    return p->after != SIM_TIME_MAX ? p->after : s->faults_end;
}

static void trace_prop(host_scenario_t *s, const host_prop_t *p, const char *what)
{
    trace_begin(&s->w.tr, evq_now(&s->w.q), "property");
    trace_str(&s->w.tr, "name", p->name);
    trace_str(&s->w.tr, "state", what);
    if (p->detail) trace_str(&s->w.tr, "detail", p->detail);
    trace_end(&s->w.tr);
}

static void set_detail(host_prop_t *p, jbuf_t *b)
{
    free(p->detail);
    p->detail = xstrdup(jbuf_cstr(b));
}

/* Calls the property; returns 1 (holds), 0 (does not) and leaves its detail in *detail. */
static int evaluate(host_scenario_t *s, host_prop_t *p, jbuf_t *detail)
{
    lua_State *L = s->L;
    int top = lua_gettop(L);
    lua_pushcfunction(L, host_check_call);
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->fn_ref);
    int ok;
    p->evaluations++;
    if (host_scenario_call(s, 1, 2, true) != LUA_OK) {
        ok = 0;
        jbuf_printf(detail, "error: %s", lua_tostring(L, -1));
    } else {
        ok = lua_toboolean(L, -2);
        jbuf_puts(detail, lua_tostring(L, -1));
    }
    lua_settop(L, top);
    return ok;
}

static void fail(host_scenario_t *s, host_prop_t *p, const char *what, const char *detail)
{
    char t[32];
    host_dur_format(evq_now(&s->w.q), t, sizeof t);
    jbuf_t b;
    jbuf_init(&b);
    jbuf_printf(&b, "%s at %s (event %llu)%s%s", what, t, (unsigned long long)trace_events(&s->w.tr),
                detail && *detail ? ": " : "", detail ? detail : "");
    set_detail(p, &b);
    jbuf_deinit(&b);
    p->state = PROP_FAILED;
    trace_prop(s, p, "failed");
    p->fail_event = trace_events(&s->w.tr);
}

static void check_one(host_scenario_t *s, host_prop_t *p)
{
    sim_time_t now = evq_now(&s->w.q);
    if (p->state != PROP_ACTIVE) return;
    if (p->kind == PROP_EVENTUALLY && now < prop_start(s, p)) return;
    jbuf_t d;
    jbuf_init(&d);
    int ok = evaluate(s, p, &d);
    if (p->kind == PROP_ALWAYS) {
        if (!ok) {
            fail(s, p, "violated", jbuf_cstr(&d));
            s->stopped = true; /* the first violation ends the run */
        }
    } else if (ok) {
        char t[32];
        jbuf_t b;
        jbuf_init(&b);
        host_dur_format(now - prop_start(s, p), t, sizeof t);
        jbuf_printf(&b, "held %s after the faults stopped", t);
        set_detail(p, &b);
        jbuf_deinit(&b);
        p->state = PROP_HELD;
        trace_prop(s, p, "held");
    } else if (now > prop_start(s, p) + p->within) {
        char w[32];
        host_dur_format(p->within, w, sizeof w);
        jbuf_t b;
        jbuf_init(&b);
        jbuf_printf(&b, "did not hold within %s", w);
        fail(s, p, jbuf_cstr(&b), jbuf_cstr(&d));
        jbuf_deinit(&b);
    }
    jbuf_deinit(&d);
}

void host_props_after_event(host_scenario_t *s)
{
    for (size_t i = 0; i < s->nprops && !s->failed; i++)
        if (s->props[i].every == 0) check_one(s, &s->props[i]);
}

static void ev_prop_tick(void *ctx, uint64_t i)
{
    host_scenario_t *s = ctx;
    host_prop_t *p = &s->props[i];
    p->ev = 0;
    s->w.background--;
    check_one(s, p);
    if (p->state == PROP_ACTIVE) {
        p->ev = evq_push(&s->w.q, evq_now(&s->w.q) + p->every, ev_prop_tick, s, i);
        SIM_ASSERT(p->ev != 0);
        s->w.background++;
    }
}

/* An eventually property is also evaluated exactly when the faults stop and at its deadline,
 * so a quiet system is judged on time. */
static void ev_prop_mark(void *ctx, uint64_t i)
{
    host_scenario_t *s = ctx;
    host_prop_t *p = &s->props[i];
    sim_time_t now = evq_now(&s->w.q);
    if (now == p->mark_at) p->mark_ev = 0;
    check_one(s, p);
    if (p->state == PROP_ACTIVE && now >= prop_start(s, p) + p->within) {
        char w[32];
        host_dur_format(p->within, w, sizeof w);
        jbuf_t b;
        jbuf_init(&b);
        jbuf_printf(&b, "did not hold within %s", w);
        fail(s, p, jbuf_cstr(&b), NULL);
        jbuf_deinit(&b);
    }
}

/* (Re)arms the start and deadline evaluations of eventually property i. */
static void arm_marks(host_scenario_t *s, size_t i)
{
    host_prop_t *p = &s->props[i];
    if (p->kind != PROP_EVENTUALLY || p->state != PROP_ACTIVE) return;
    if (p->mark_ev) evq_cancel(&s->w.q, p->mark_ev);
    if (p->start_ev) evq_cancel(&s->w.q, p->start_ev);
    sim_time_t now = evq_now(&s->w.q), start = prop_start(s, p);
    p->start_ev = start >= now ? evq_push(&s->w.q, start, ev_prop_mark, s, i) : 0;
    p->mark_at = start + p->within;
    p->mark_ev = p->mark_at >= now ? evq_push(&s->w.q, p->mark_at, ev_prop_mark, s, i) : 0;
}

/* sim.always(name, fn [, {every = d}]) and sim.eventually(name, fn, within [, {after = t, every = d}]) */
static int add_prop(lua_State *L, int kind)
{
    static const char *const always_opts[] = { "every", NULL };
    static const char *const ev_opts[] = { "every", "after", NULL };
    const char *fname = kind == PROP_ALWAYS ? "sim.always" : "sim.eventually";
    host_scenario_t *s = host_scenario_of(L);
    const char *name = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    for (size_t i = 0; i < s->nchecks; i++)
        if (strcmp(s->checks[i].name, name) == 0) return luaL_error(L, "%s: a check named '%s' exists", fname, name);
    for (size_t i = 0; i < s->nprops; i++)
        if (strcmp(s->props[i].name, name) == 0) return luaL_error(L, "%s: a property named '%s' exists", fname, name);
    host_prop_t p = { .kind = (uint8_t)kind, .after = SIM_TIME_MAX };
    int oi = 3;
    if (kind == PROP_EVENTUALLY) {
        p.within = host_dur_check(L, 3, fname, "'within' bound");
        oi = 4;
    }
    if (!lua_isnoneornil(L, oi)) {
        luaL_checktype(L, oi, LUA_TTABLE);
        host_check_options(L, oi, fname, kind == PROP_ALWAYS ? always_opts : ev_opts);
        if (lua_getfield(L, oi, "every") != LUA_TNIL) {
            p.every = host_dur_check(L, -1, fname, "'every' interval");
            if (!p.every) return luaL_error(L, "%s: 'every' must be greater than 0 (leave it out to check after every event)", fname);
        }
        if (kind == PROP_EVENTUALLY && lua_getfield(L, oi, "after") != LUA_TNIL)
            p.after = host_dur_check(L, -1, fname, "'after' time");
        lua_settop(L, oi);
    }
    if (s->nprops == s->props_cap) {
        size_t cap = s->props_cap ? s->props_cap * 2 : 4;
        host_prop_t *np = realloc(s->props, cap * sizeof *np);
        if (!np) return luaL_error(L, "out of memory");
        s->props = np;
        s->props_cap = cap;
    }
    lua_pushvalue(L, 2);
    p.fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    p.name = xstrdup(name);
    size_t i = s->nprops++;
    s->props[i] = p;
    if (p.every) {
        s->props[i].ev = evq_push(&s->w.q, evq_now(&s->w.q) + p.every, ev_prop_tick, s, i);
        SIM_ASSERT(s->props[i].ev != 0);
        s->w.background++;
    } else {
        s->props_each++;
    }
    arm_marks(s, i);
    return 0;
}

static int sim_always(lua_State *L) { return add_prop(L, PROP_ALWAYS); }
static int sim_eventually(lua_State *L) { return add_prop(L, PROP_EVENTUALLY); }

/* sim._faults_end(t): when the faults stop (the nemesis sets it); sim.eventually counts from it. */
static int sim_faults_end(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    s->faults_end = host_dur_check(L, 1, "sim._faults_end", "time");
    for (size_t i = 0; i < s->nprops; i++)
        if (s->props[i].after == SIM_TIME_MAX) arm_marks(s, i);
    return 0;
}

void host_props_results(host_scenario_t *s, host_run_result_t *res)
{
    for (size_t i = 0; i < s->nprops; i++) {
        host_prop_t *p = &s->props[i];
        if (p->state == PROP_ACTIVE && p->kind == PROP_EVENTUALLY && !s->failed) {
            if (evq_now(&s->w.q) >= prop_start(s, p)) check_one(s, p); /* a last look at the end */
            if (p->state == PROP_ACTIVE && s->stopped) {
                char t[32];
                host_dur_format(evq_now(&s->w.q), t, sizeof t);
                jbuf_t b;
                jbuf_init(&b);
                jbuf_printf(&b, "not reached: the run stopped at %s on a violated sim.always", t);
                set_detail(p, &b);
                jbuf_deinit(&b);
                p->state = PROP_FAILED;
            } else if (p->state == PROP_ACTIVE) {
                char t[32];
                host_dur_format(prop_start(s, p), t, sizeof t);
                jbuf_t b;
                jbuf_init(&b);
                jbuf_printf(&b, "never held after the faults stopped at %s", t);
                fail(s, p, "run ended", jbuf_cstr(&b));
                jbuf_deinit(&b);
            }
        }
        host_check_result_t *c = &res->checks[res->nchecks++];
        c->name = xstrdup(p->name);
        c->ok = p->state != PROP_FAILED;
        c->event = p->fail_event;
        if (p->detail) {
            c->detail = xstrdup(p->detail);
        } else {
            jbuf_t b;
            jbuf_init(&b);
            jbuf_printf(&b, "held at all %llu evaluations", (unsigned long long)p->evaluations);
            c->detail = xstrdup(jbuf_cstr(&b));
            jbuf_deinit(&b);
        }
    }
}

void host_props_free(host_scenario_t *s)
{
    for (size_t i = 0; i < s->nprops; i++) {
        free(s->props[i].name);
        free(s->props[i].detail);
    }
    free(s->props);
}

void host_props_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "always", sim_always }, { "eventually", sim_eventually }, { "_faults_end", sim_faults_end }, { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
}
