/* dist.c — the distribution objects; see dist.h. */
#include "dist.h"

#include <lauxlib.h>
#include <math.h>

#define DIST_MT "otpsim.dist"
#define Z99 2.3263478740408408 /* the standard normal's 99th percentile */

enum { D_CONST, D_EXP, D_UNIFORM, D_LOGNORMAL };

typedef struct dist {
    uint64_t id;      /* first: the deterministic identity of otpsim userdata (det.h) */
    int kind;
    double a, b;      /* const: a; exp: mean a; uniform: [a, b); lognormal: mu a, sigma b */
    prng_t *rng;
} dist_t;

static dist_t *push_dist(lua_State *L, int kind, double a, double b)
{
    dist_t *d = lua_newuserdatauv(L, sizeof *d, 0);
    uint64_t *next_id = lua_touserdata(L, lua_upvalueindex(2));
    d->id = (*next_id)++;
    d->kind = kind;
    d->a = a;
    d->b = b;
    d->rng = lua_touserdata(L, lua_upvalueindex(1));
    luaL_setmetatable(L, DIST_MT);
    return d;
}

static double check_ms(lua_State *L, int idx, const char *fname, const char *what, int positive)
{
    double v = luaL_checknumber(L, idx);
    if (!isfinite(v) || v < 0 || (positive && v == 0))
        luaL_error(L, "%s: %s must be a number of milliseconds %s 0 (got %s)", fname, what,
                   positive ? ">" : ">=", lua_tostring(L, idx));
    return v;
}

static int d_const(lua_State *L)
{
    push_dist(L, D_CONST, check_ms(L, 1, "sim.const", "the value", 0), 0);
    return 1;
}

static int d_exp(lua_State *L)
{
    push_dist(L, D_EXP, check_ms(L, 1, "sim.exp", "the mean", 1), 0);
    return 1;
}

static int d_uniform(lua_State *L)
{
    double a = check_ms(L, 1, "sim.uniform", "the low end", 0);
    double b = check_ms(L, 2, "sim.uniform", "the high end", 0);
    if (b < a) return luaL_error(L, "sim.uniform: the high end (%f) is below the low end (%f)", b, a);
    push_dist(L, D_UNIFORM, a, b);
    return 1;
}

/* sim.lognormal(median, p99): the lognormal with that median and 99th percentile. */
static int d_lognormal(lua_State *L)
{
    double med = check_ms(L, 1, "sim.lognormal", "the median", 1);
    double p99 = check_ms(L, 2, "sim.lognormal", "the 99th percentile", 1);
    if (p99 < med) return luaL_error(L, "sim.lognormal: the 99th percentile must be >= the median");
    push_dist(L, D_LOGNORMAL, log(med), log(p99 / med) / Z99);
    return 1;
}

static int d_sample(lua_State *L)
{
    dist_t *d = luaL_checkudata(L, 1, DIST_MT);
    double v;
    switch (d->kind) {
    case D_CONST: v = d->a; break;
    case D_EXP: v = prng_exp(d->rng, d->a); break;
    case D_UNIFORM: v = d->a + (d->b - d->a) * prng_double(d->rng); break;
    default: v = exp(d->a + d->b * prng_normal(d->rng)); break;
    }
    lua_pushnumber(L, v);
    return 1;
}

static int d_mean(lua_State *L)
{
    dist_t *d = luaL_checkudata(L, 1, DIST_MT);
    double m;
    switch (d->kind) {
    case D_CONST: case D_EXP: m = d->a; break;
    case D_UNIFORM: m = (d->a + d->b) / 2; break;
    default: m = exp(d->a + d->b * d->b / 2); break;
    }
    lua_pushnumber(L, m);
    return 1;
}

static int d_tostring(lua_State *L)
{
    dist_t *d = luaL_checkudata(L, 1, DIST_MT);
    switch (d->kind) {
    case D_CONST: lua_pushfstring(L, "const(%f ms)", d->a); break;
    case D_EXP: lua_pushfstring(L, "exp(mean %f ms)", d->a); break;
    case D_UNIFORM: lua_pushfstring(L, "uniform(%f, %f ms)", d->a, d->b); break;
    default: lua_pushfstring(L, "lognormal(median %f ms, p99 %f ms)", exp(d->a), exp(d->a + Z99 * d->b)); break;
    }
    return 1;
}

void host_dist_open(lua_State *L, prng_t *rng, uint64_t *next_id)
{
    static const luaL_Reg methods[] = { { "sample", d_sample }, { "mean", d_mean }, { NULL, NULL } };
    static const luaL_Reg ctors[] = { { "const", d_const }, { "exp", d_exp }, { "uniform", d_uniform },
                                      { "lognormal", d_lognormal }, { NULL, NULL } };
    luaL_newmetatable(L, DIST_MT);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, d_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushlightuserdata(L, rng);
    lua_pushlightuserdata(L, next_id);
    luaL_setfuncs(L, ctors, 2);
}

int host_dist_params(lua_State *L, int idx, int *kind, double *a, double *b)
{
    dist_t *d = luaL_testudata(L, idx, DIST_MT);
    if (!d) return -1;
    *kind = d->kind;
    *a = d->a;
    *b = d->b;
    return 0;
}
