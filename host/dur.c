/* dur.c — exact duration parsing and formatting. */
#include "dur.h"

#include "base/duration.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int host_dur_parse(const char *s, size_t n, sim_time_t *out) { return duration_parse(s, n, out); }

int host_dur_from_ms(double ms, sim_time_t *out)
{
    if (!isfinite(ms) || ms < 0) return -1;
    double ns = floor(ms * 1e6 + 0.5);
    if (ns >= 18446744073709551615.0) return -1;
    *out = (sim_time_t)ns;
    return 0;
}

int host_dur_get(lua_State *L, int idx, sim_time_t *out)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        if (lua_isinteger(L, idx)) {
            lua_Integer ms = lua_tointeger(L, idx);
            if (ms < 0 || (uint64_t)ms > UINT64_MAX / SIM_TIME_MS) return -1;
            *out = (sim_time_t)ms * SIM_TIME_MS;
            return 0;
        }
        return host_dur_from_ms(lua_tonumber(L, idx), out);
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        return host_dur_parse(s, n, out);
    }
    return -1;
}

sim_time_t host_dur_check(lua_State *L, int idx, const char *fname, const char *what)
{
    sim_time_t t;
    if (host_dur_get(L, idx, &t) == 0) return t;
    if (lua_type(L, idx) == LUA_TSTRING)
        luaL_error(L, "%s: bad %s \"%s\" (" HOST_DUR_HELP ")", fname, what, lua_tostring(L, idx));
    else if (lua_type(L, idx) == LUA_TNUMBER)
        luaL_error(L, "%s: bad %s %s (must be >= 0; " HOST_DUR_HELP ")", fname, what,
                   lua_tostring(L, idx));
    else
        luaL_error(L, "%s: bad %s (got %s; " HOST_DUR_HELP ")", fname, what, luaL_typename(L, idx));
    return 0;
}

void host_dur_format(sim_time_t t, char *buf, size_t n)
{
    static const struct { const char *name; sim_time_t ns; } fmt[] = {
        { "h", 3600 * SIM_TIME_S }, { "m", 60 * SIM_TIME_S }, { "s", SIM_TIME_S },
        { "ms", SIM_TIME_MS }, { "us", SIM_TIME_US }, { "ns", 1 },
    };
    if (t == 0) {
        snprintf(buf, n, "0s");
        return;
    }
    for (size_t u = 0; u < sizeof fmt / sizeof fmt[0]; u++) {
        sim_time_t q = fmt[u].ns;
        if (t < q) continue;
        /* at most 6 decimals, exact: otherwise try a smaller unit */
        sim_time_t whole = t / q, rem = t % q;
        if (rem == 0) {
            snprintf(buf, n, "%llu%s", (unsigned long long)whole, fmt[u].name);
            return;
        }
        sim_time_t scale = 1;
        int dec = 0;
        while (dec < 6 && (rem * scale) % q != 0) {
            scale *= 10;
            dec++;
        }
        if ((rem * scale) % q == 0 && q > 1) {
            char f[8];
            sim_time_t frac = rem * scale / q;
            for (int d = dec - 1; d >= 0; d--) {
                f[d] = (char)('0' + frac % 10);
                frac /= 10;
            }
            f[dec] = 0;
            snprintf(buf, n, "%llu.%s%s", (unsigned long long)whole, f, fmt[u].name);
            return;
        }
    }
    snprintf(buf, n, "%lluns", (unsigned long long)t);
}

void host_dur_push_ms(lua_State *L, sim_time_t t)
{
    if (t % SIM_TIME_MS == 0 && t / SIM_TIME_MS <= (sim_time_t)INT64_MAX)
        lua_pushinteger(L, (lua_Integer)(t / SIM_TIME_MS));
    else
        lua_pushnumber(L, (lua_Number)t / 1e6);
}
