/* det.c — deterministic pairs/next, tostring, string.format, table.sort, math.random and os.
 *
 * pairs() takes a snapshot of the keys, sorts it with host_det_key_cmp and iterates the
 * snapshot, skipping keys whose value became nil (Lua allows clearing fields while traversing).
 * Cost: O(n log n) per loop instead of O(n); next() is O(n) per call. math.random reproduces
 * Lua 5.4.4's own algorithm exactly (xoshiro256** and its 'project'), so after
 * math.randomseed(x) a scenario draws the same numbers stock Lua 5.4.4 would. */
#include "det.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "runtime/term.h"
#include "base/prng.h"

#define CFIDS_KEY "otpsim.det.cfids"

/* ---- identities and the key order ---------------------------------------------------------- */

static uint64_t light_cfunction_id(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, CFIDS_KEY);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    uint64_t id;
    if (lua_isinteger(L, -1)) {
        id = (uint64_t)lua_tointeger(L, -1);
        lua_pop(L, 2);
        return id;
    }
    lua_pop(L, 1);
    /* First sight of a C function that no library table holds (rare: e.g. ipairs' iterator). */
    lua_rawgeti(L, -1, 0);
    id = (uint64_t)lua_tointeger(L, -1) + 1;
    lua_pop(L, 1);
    lua_pushinteger(L, (lua_Integer)id);
    lua_rawseti(L, -2, 0);
    lua_pushvalue(L, idx);
    lua_pushinteger(L, (lua_Integer)id);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    return id;
}

static int is_light_cfunction(lua_State *L, int idx)
{
    if (!lua_iscfunction(L, idx)) return 0;
    if (lua_getupvalue(L, idx, 1) == NULL) return 1;
    lua_pop(L, 1);
    return 0;
}

typedef struct key_info {
    int rank;           /* 0 number, 1 string, 2 boolean, 3 light userdata, 4.. objects */
    int isint;
    lua_Integer i;
    lua_Number n;
    const char *s;
    size_t len;
    uint64_t id;
    lua_Integer slot;   /* position in the unsorted snapshot */
} key_info_t;

static void key_info(lua_State *L, int idx, key_info_t *k)
{
    memset(k, 0, sizeof *k);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        k->rank = 0;
        k->isint = lua_isinteger(L, idx);
        if (k->isint) k->i = lua_tointeger(L, idx);
        else k->n = lua_tonumber(L, idx);
        break;
    case LUA_TSTRING:
        k->rank = 1;
        k->s = lua_tolstring(L, idx, &k->len);
        break;
    case LUA_TBOOLEAN:
        k->rank = 2;
        k->id = (uint64_t)lua_toboolean(L, idx);
        break;
    case LUA_TLIGHTUSERDATA:
        k->rank = 3;
        k->id = (uint64_t)(uintptr_t)lua_touserdata(L, idx);
        break;
    case LUA_TTABLE:
        k->rank = 4;
        k->id = host_alloc_serial(lua_topointer(L, idx));
        break;
    case LUA_TFUNCTION:
        if (is_light_cfunction(L, idx)) {
            k->rank = 5;
            k->id = light_cfunction_id(L, idx);
        } else {
            k->rank = 6;
            k->id = host_alloc_serial(lua_topointer(L, idx));
        }
        break;
    case LUA_TUSERDATA:
        k->rank = 7;
        k->id = *(const uint64_t *)lua_touserdata(L, idx);
        break;
    case LUA_TTHREAD:
        k->rank = 8;
        k->id = host_alloc_serial((const char *)lua_topointer(L, idx) - LUA_EXTRASPACE);
        break;
    default:
        k->rank = 9;
    }
}

static int info_cmp(const key_info_t *a, const key_info_t *b)
{
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    switch (a->rank) {
    case 0: return rt_term_num_cmp(a->isint, a->i, a->n, b->isint, b->i, b->n);
    case 1: {
        size_t m = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, m);
        if (c) return c < 0 ? -1 : 1;
        return (a->len > b->len) - (a->len < b->len);
    }
    default: return (a->id > b->id) - (a->id < b->id);
    }
}

int host_det_key_cmp(lua_State *L, int a, int b)
{
    key_info_t ka, kb;
    key_info(L, a, &ka);
    key_info(L, b, &kb);
    return info_cmp(&ka, &kb);
}

static int qsort_cmp(const void *a, const void *b) { return info_cmp(a, b); }

/* ---- pairs / next --------------------------------------------------------------------------- */

/* upvalues: 1 the table, 2 the sorted key array, 3 position (integer) */
static int iter_step(lua_State *L)
{
    lua_Integer pos = lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer n = (lua_Integer)lua_rawlen(L, lua_upvalueindex(2));
    while (pos < n) {
        pos++;
        lua_rawgeti(L, lua_upvalueindex(2), pos);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) {
            lua_pushinteger(L, pos);
            lua_replace(L, lua_upvalueindex(3));
            return 2;
        }
        lua_pop(L, 2);
    }
    lua_pushinteger(L, pos);
    lua_replace(L, lua_upvalueindex(3));
    lua_pushnil(L);
    return 1;
}

int host_det_iter_next(lua_State *L, int iter)
{
    lua_pushvalue(L, iter);
    lua_call(L, 0, 2);
    if (!lua_isnil(L, -2)) return 1;
    lua_pop(L, 2);
    return 0;
}

void host_det_push_iter(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_Integer n = 0;
    lua_newtable(L); /* snapshot, unsorted */
    int snap = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, snap, ++n);
    }
    key_info_t *info = lua_newuserdatauv(L, sizeof *info * (size_t)(n ? n : 1), 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, snap, i);
        key_info(L, -1, &info[i - 1]); /* strings stay anchored by snap */
        info[i - 1].slot = i;
        lua_pop(L, 1);
    }
    qsort(info, (size_t)n, sizeof *info, qsort_cmp);
    lua_pushvalue(L, idx);
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, snap, info[i - 1].slot);
        lua_rawseti(L, -2, i);
    }
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, iter_step, 3);
    lua_replace(L, snap);
    lua_settop(L, snap);
}

static int det_pairs(lua_State *L)
{
    luaL_checkany(L, 1);
    if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    host_det_push_iter(L, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* next(t [, k]): the smallest key greater than k in the deterministic order; O(n). */
static int det_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    int have_after = !lua_isnil(L, 2);
    key_info_t after, best, cur;
    if (have_after) key_info(L, 2, &after);
    int found = 0;
    lua_pushnil(L); /* 3: best key */
    lua_pushnil(L); /* 4: iteration key */
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        key_info(L, -1, &cur);
        if ((!have_after || info_cmp(&cur, &after) > 0) && (!found || info_cmp(&cur, &best) < 0)) {
            best = cur;
            found = 1;
            lua_pushvalue(L, -1);
            lua_replace(L, 3);
        }
    }
    if (!found) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 3);
    lua_rawget(L, 1);
    return 2;
}

/* ---- tostring and string.format ------------------------------------------------------------ */

const char *host_det_tolstring(lua_State *L, int idx, size_t *len)
{
    idx = lua_absindex(L, idx);
    if (luaL_callmeta(L, idx, "__tostring")) {
        if (!lua_isstring(L, -1)) luaL_error(L, "'__tostring' must return a string");
        return lua_tolstring(L, -1, len);
    }
    int t = lua_type(L, idx);
    if (t == LUA_TNIL || t == LUA_TBOOLEAN || t == LUA_TNUMBER || t == LUA_TSTRING) {
        luaL_tolstring(L, idx, NULL);
        return lua_tolstring(L, -1, len);
    }
    key_info_t k;
    key_info(L, idx, &k);
    const char *name = luaL_typename(L, idx);
    int named = luaL_getmetafield(L, idx, "__name") != LUA_TNIL;
    if (named && lua_type(L, -1) == LUA_TSTRING) name = lua_tostring(L, -1);
    if (k.rank == 5) lua_pushfstring(L, "%s: builtin#%I", name, (lua_Integer)k.id);
    else lua_pushfstring(L, "%s: #%I", name, (lua_Integer)k.id);
    if (named) lua_remove(L, -2);
    return lua_tolstring(L, -1, len);
}

static int det_tostring(lua_State *L)
{
    luaL_checkany(L, 1);
    host_det_tolstring(L, 1, NULL);
    return 1;
}

static int det_format(lua_State *L)
{
    size_t fl;
    const char *f = luaL_checklstring(L, 1, &fl);
    int top = lua_gettop(L), arg = 1;
    for (size_t i = 0; i < fl; i++) {
        if (f[i] != '%') continue;
        if (++i < fl && f[i] == '%') continue;
        while (i < fl && strchr("-+ #0123456789.", f[i])) i++;
        if (i >= fl) break;
        arg++;
        if (f[i] == 'p')
            return luaL_error(L, "string.format: '%%p' is not available in otpsim (addresses differ "
                                 "between runs); use tostring(x) for an identity");
        if (f[i] == 's' && arg <= top) {
            int t = lua_type(L, arg);
            if (t != LUA_TSTRING && t != LUA_TNUMBER) {
                host_det_tolstring(L, arg, NULL);
                lua_replace(L, arg);
            }
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, top, 1);
    return 1;
}

/* ---- table.sort: stable bottom-up merge sort ------------------------------------------------ */

/* True if the value at stack index b sorts strictly before the one at a (b < a). */
static int sort_lt(lua_State *L, int has_comp, int b, int a)
{
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    if (!has_comp) return lua_compare(L, b, a, LUA_OPLT);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, b);
    lua_pushvalue(L, a);
    lua_call(L, 2, 1);
    int r = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return r;
}

static void get_from(lua_State *L, int tbl, lua_Integer i, int raw)
{
    if (raw) lua_rawgeti(L, tbl, i);
    else lua_geti(L, tbl, i);
}

static void set_into(lua_State *L, int tbl, lua_Integer i, int raw)
{
    if (raw) lua_rawseti(L, tbl, i);
    else lua_seti(L, tbl, i);
}

static int det_sort(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    if (n < 2) return 0;
    luaL_argcheck(L, n < INT32_MAX, 1, "array too big");
    int has_comp = !lua_isnoneornil(L, 2);
    if (has_comp) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_createtable(L, (int)n, 0); /* 3: scratch */
    int src = 1, dst = 3;
    for (lua_Integer w = 1; w < n; w *= 2) {
        for (lua_Integer lo = 1; lo <= n; lo += 2 * w) {
            lua_Integer mid = lo + w < n + 1 ? lo + w : n + 1;
            lua_Integer hi = lo + 2 * w < n + 1 ? lo + 2 * w : n + 1;
            lua_Integer i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                get_from(L, src, i, src == 3);
                get_from(L, src, j, src == 3);
                if (sort_lt(L, has_comp, -1, -2)) {
                    set_into(L, dst, k++, dst == 3);
                    lua_pop(L, 1);
                    j++;
                } else {
                    lua_pop(L, 1);
                    set_into(L, dst, k++, dst == 3);
                    i++;
                }
            }
            for (; i < mid; i++) {
                get_from(L, src, i, src == 3);
                set_into(L, dst, k++, dst == 3);
            }
            for (; j < hi; j++) {
                get_from(L, src, j, src == 3);
                set_into(L, dst, k++, dst == 3);
            }
        }
        int t = src;
        src = dst;
        dst = t;
    }
    if (src == 3)
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, 3, i);
            lua_seti(L, 1, i);
        }
    return 0;
}

/* ---- math.random, as Lua 5.4.4 computes it -------------------------------------------------- */

typedef struct det_rng { uint64_t id; prng_t g; uint64_t root; } det_rng_t;

static lua_Unsigned project(lua_Unsigned ran, lua_Unsigned n, prng_t *g)
{
    if ((n & (n + 1)) == 0) return ran & n;
    lua_Unsigned lim = n;
    lim |= (lim >> 1);
    lim |= (lim >> 2);
    lim |= (lim >> 4);
    lim |= (lim >> 8);
    lim |= (lim >> 16);
    lim |= (lim >> 32);
    while ((ran &= lim) > n) ran = prng_next(g);
    return ran;
}

static int det_random(lua_State *L)
{
    det_rng_t *r = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer low, up;
    uint64_t rv = prng_next(&r->g);
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, (lua_Number)(rv >> 11) * 0x1.0p-53);
        return 1;
    case 1:
        low = 1;
        up = luaL_checkinteger(L, 1);
        if (up == 0) {
            lua_pushinteger(L, (lua_Integer)rv);
            return 1;
        }
        break;
    case 2:
        low = luaL_checkinteger(L, 1);
        up = luaL_checkinteger(L, 2);
        break;
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    luaL_argcheck(L, low <= up, 1, "interval is empty");
    lua_pushinteger(L, (lua_Integer)(project(rv, (lua_Unsigned)up - (lua_Unsigned)low, &r->g) +
                                     (lua_Unsigned)low));
    return 1;
}

static void setseed(prng_t *g, lua_Unsigned n1, lua_Unsigned n2)
{
    g->s[0] = n1;
    g->s[1] = 0xff;
    g->s[2] = n2;
    g->s[3] = 0;
    for (int i = 0; i < 16; i++) prng_next(g);
}

static int det_randomseed(lua_State *L)
{
    det_rng_t *r = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer n1, n2;
    if (lua_isnone(L, 1)) { /* stock Lua would use the clock; we use the run's seed stream */
        n1 = (lua_Integer)prng_splitmix64(&r->root);
        n2 = (lua_Integer)prng_splitmix64(&r->root);
    } else {
        n1 = luaL_checkinteger(L, 1);
        n2 = luaL_optinteger(L, 2, 0);
    }
    setseed(&r->g, (lua_Unsigned)n1, (lua_Unsigned)n2);
    lua_pushinteger(L, n1);
    lua_pushinteger(L, n2);
    return 2;
}

/* ---- os on the virtual clock ---------------------------------------------------------------- */

static const sim_time_t *det_now(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static lua_Integer field(lua_State *L, const char *k, lua_Integer dflt)
{
    int t = lua_getfield(L, 1, k);
    lua_Integer v = dflt;
    if (t != LUA_TNIL) {
        int ok;
        v = lua_tointegerx(L, -1, &ok);
        if (!ok) luaL_error(L, "os.time: field '%s' is not an integer", k);
    } else if (dflt < 0) {
        luaL_error(L, "os.time: field '%s' missing in date table", k);
    }
    lua_pop(L, 1);
    return v;
}

static int det_os_time(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        lua_pushinteger(L, (lua_Integer)(*det_now(L) / SIM_TIME_S));
        return 1;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    int64_t y = field(L, "year", -1), mo = field(L, "month", -1), d = field(L, "day", -1);
    int64_t h = field(L, "hour", 12), mi = field(L, "min", 0), s = field(L, "sec", 0);
    /* normalise the month like mktime does, then let days absorb the rest */
    int64_t m0 = mo - 1;
    y += m0 >= 0 ? m0 / 12 : -((11 - m0) / 12);
    m0 = ((m0 % 12) + 12) % 12;
    int64_t days = days_from_civil(y, m0 + 1, 1) + d - 1;
    lua_pushinteger(L, (lua_Integer)(days * 86400 + h * 3600 + mi * 60 + s));
    return 1;
}

static int det_os_clock(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)*det_now(L) / 1e9);
    return 1;
}

static int det_os_date(lua_State *L)
{
    const char *fmt = luaL_optstring(L, 1, "%c");
    time_t t = lua_isnoneornil(L, 2) ? (time_t)(*det_now(L) / SIM_TIME_S) : (time_t)luaL_checkinteger(L, 2);
    if (*fmt == '!') fmt++; /* always UTC */
    struct tm tm;
    if (!gmtime_r(&t, &tm)) return luaL_error(L, "os.date: time out of range");
    if (strcmp(fmt, "*t") == 0) {
        lua_createtable(L, 0, 9);
        lua_pushinteger(L, tm.tm_year + 1900); lua_setfield(L, -2, "year");
        lua_pushinteger(L, tm.tm_mon + 1); lua_setfield(L, -2, "month");
        lua_pushinteger(L, tm.tm_mday); lua_setfield(L, -2, "day");
        lua_pushinteger(L, tm.tm_hour); lua_setfield(L, -2, "hour");
        lua_pushinteger(L, tm.tm_min); lua_setfield(L, -2, "min");
        lua_pushinteger(L, tm.tm_sec); lua_setfield(L, -2, "sec");
        lua_pushinteger(L, tm.tm_wday + 1); lua_setfield(L, -2, "wday");
        lua_pushinteger(L, tm.tm_yday + 1); lua_setfield(L, -2, "yday");
        lua_pushboolean(L, 0); lua_setfield(L, -2, "isdst");
        return 1;
    }
    char buf[512];
    size_t n = strftime(buf, sizeof buf, fmt, &tm);
    if (n == 0 && *fmt) return luaL_error(L, "os.date: format too long or invalid");
    lua_pushlstring(L, buf, n);
    return 1;
}

static int det_os_difftime(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)luaL_checkinteger(L, 1) - (lua_Number)luaL_optinteger(L, 2, 0));
    return 1;
}

static int det_os_getenv(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_pushnil(L);
    return 1;
}

/* ---- collectgarbage: only full collections, at deterministic points ----------------------- */

static int det_collectgarbage(lua_State *L)
{
    static const char *const opts[] = { "collect", "count", "step", "isrunning", "incremental",
                                        "generational", "stop", "restart", "setpause", "setstepmul",
                                        NULL };
    host_alloc_t *a = lua_touserdata(L, lua_upvalueindex(1));
    int o = luaL_checkoption(L, 1, "collect", opts);
    switch (o) {
    case 0: /* collect */
    case 2: /* step: always a whole cycle here */
        host_det_collect(L, a);
        if (o == 2) lua_pushboolean(L, 1);
        else lua_pushinteger(L, 0);
        return 1;
    case 1: /* count: live object bytes, which are deterministic (see alloc.h) */
        lua_pushnumber(L, (lua_Number)a->obj_bytes / 1024.0);
        return 1;
    case 3:
        lua_pushboolean(L, 1);
        return 1;
    case 4:
    case 5:
        lua_pushliteral(L, "incremental");
        return 1;
    default: /* the host paces the collector; these are accepted and ignored */
        lua_pushinteger(L, 0);
        return 1;
    }
}

void host_det_collect(lua_State *L, host_alloc_t *a)
{
    lua_gc(L, LUA_GCCOLLECT);
    a->gc_base = a->obj_bytes;
}

/* ---- installation --------------------------------------------------------------------------- */

/* Numbers every C function reachable from the global table, in deterministic key order, so
 * tables keyed by library functions iterate the same way in every process. */
static void number_cfunctions(lua_State *L, int tbl, int depth)
{
    tbl = lua_absindex(L, tbl);
    host_det_push_iter(L, tbl);
    int it = lua_gettop(L);
    while (host_det_iter_next(L, it)) {
        if (is_light_cfunction(L, -1)) light_cfunction_id(L, -1);
        else if (lua_istable(L, -1) && depth > 0 && lua_type(L, -2) == LUA_TSTRING &&
                 strcmp(lua_tostring(L, -2), "_G") != 0)
            number_cfunctions(L, -1, depth - 1);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
}

void host_det_open(lua_State *L, host_alloc_t *alloc, uint64_t seed, const sim_time_t *now)
{
    lua_gc(L, LUA_GCSTOP); /* the host collects at deterministic points: host_det_collect */
    lua_newtable(L);
    lua_pushinteger(L, 0);
    lua_rawseti(L, -2, 0); /* [0] = last id handed out */
    lua_setfield(L, LUA_REGISTRYINDEX, CFIDS_KEY);

    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    lua_pushcfunction(L, det_pairs); lua_setfield(L, g, "pairs");
    lua_pushcfunction(L, det_next); lua_setfield(L, g, "next");
    lua_pushcfunction(L, det_tostring); lua_setfield(L, g, "tostring");
    lua_pushlightuserdata(L, alloc);
    lua_pushcclosure(L, det_collectgarbage, 1);
    lua_setfield(L, g, "collectgarbage");

    if (lua_getfield(L, g, "string") == LUA_TTABLE) {
        lua_getfield(L, -1, "format");
        lua_pushcclosure(L, det_format, 1);
        lua_setfield(L, -2, "format");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, g, "table") == LUA_TTABLE) {
        lua_pushcfunction(L, det_sort);
        lua_setfield(L, -2, "sort");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, g, "math") == LUA_TTABLE) {
        det_rng_t *r = lua_newuserdatauv(L, sizeof *r, 0);
        r->id = 0;
        prng_stream_init(&r->g, seed, "lua.math");
        r->root = prng_next(&r->g);
        lua_pushvalue(L, -1);
        lua_pushcclosure(L, det_random, 1);
        lua_setfield(L, -3, "random");
        lua_pushcclosure(L, det_randomseed, 1);
        lua_setfield(L, -2, "randomseed");
    }
    lua_pop(L, 1);

    static const luaL_Reg os_funcs[] = {
        { "time", det_os_time }, { "clock", det_os_clock }, { "date", det_os_date },
        { "difftime", det_os_difftime }, { "getenv", det_os_getenv }, { NULL, NULL }
    };
    lua_newtable(L);
    lua_pushlightuserdata(L, (void *)now);
    luaL_setfuncs(L, os_funcs, 1);
    lua_setfield(L, g, "os");

    number_cfunctions(L, g, 1);
    lua_pop(L, 1);
}
