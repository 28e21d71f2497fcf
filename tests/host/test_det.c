/* test_det.c — proves the deterministic Lua replacements (host/det.c, host/value.c) in-process:
 * pairs() order is the documented key order for every key type, stable under insertion order
 * and under clearing fields while iterating; next() agrees with pairs(); table.sort is stable
 * and honours comparators and errors; math.random reproduces stock Lua 5.4.4's sequence after
 * math.randomseed (vectors taken from the lua5.4 interpreter); tostring shows creation serials,
 * never addresses; string.format refuses %p; values render by content. */
#include <check.h>
#include <stdlib.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "host/alloc.h"
#include "host/det.h"
#include "host/value.h"

static host_alloc_t alloc;
static sim_time_t now;

static lua_State *new_state(void)
{
    memset(&alloc, 0, sizeof alloc);
    lua_State *L = lua_newstate(host_alloc_fn, &alloc);
    luaL_openlibs(L);
    host_det_open(L, &alloc, 1, &now);
    return L;
}

/* Runs chunk; returns its single string result (owned by L's stack top). */
static const char *eval(lua_State *L, const char *chunk)
{
    if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
        ck_abort_msg("lua error: %s", lua_tostring(L, -1));
    return lua_tostring(L, -1);
}

START_TEST(pairs_key_order)
{
    lua_State *L = new_state();
    const char *r = eval(L,
        "local t = {zeta=1, alpha=2, [10]=3, [2]=4, [-1.5]=5, [true]=6, [false]=7, beta=8, [1]=9}\n "
        "local o = {} for k in pairs(t) do o[#o+1] = tostring(k) end return table.concat(o, ' ')");
    ck_assert_str_eq(r, "-1.5 1 2 10 alpha beta zeta false true");
    lua_close(L);
}
END_TEST

START_TEST(pairs_independent_of_insertion_order)
{
    lua_State *L = new_state();
    const char *a = eval(L,
        "local t = {} for i = 1, 300 do t['k'..i] = i end local o = {} "
        "for k in pairs(t) do o[#o+1] = k end return table.concat(o, ',')");
    char *first = strdup(a);
    const char *b = eval(L,
        "local t = {} for i = 300, 1, -1 do t['k'..i] = i end local o = {} "
        "for k in pairs(t) do o[#o+1] = k end return table.concat(o, ',')");
    ck_assert_str_eq(first, b);
    free(first);
    lua_close(L);
}
END_TEST

START_TEST(pairs_table_keys_in_creation_order)
{
    lua_State *L = new_state();
    const char *r = eval(L,
        "local ks = {} for i = 1, 40 do ks[i] = {i} end local t = {} "
        "for i = 40, 1, -1 do t[ks[i]] = i end local o = {} "
        "for k, v in pairs(t) do o[#o+1] = v end return table.concat(o, ',')");
    ck_assert_str_eq(r, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,"
                        "29,30,31,32,33,34,35,36,37,38,39,40");
    lua_close(L);
}
END_TEST

START_TEST(pairs_allows_clearing_fields)
{
    lua_State *L = new_state();
    const char *r = eval(L,
        "local t = {a=1, b=2, c=3, d=4} local o = {} "
        "for k, v in pairs(t) do o[#o+1] = k t[k] = nil if k == 'a' then t.c = nil end end "
        "return table.concat(o, ',') .. '|' .. tostring(next(t))");
    ck_assert_str_eq(r, "a,b,d|nil");
    lua_close(L);
}
END_TEST

START_TEST(pairs_honours_metamethod)
{
    lua_State *L = new_state();
    const char *r = eval(L,
        "local t = setmetatable({}, {__pairs = function(t) return function(_, k)  "
        "if not k then return 1, 'x' end end, t, nil end}) "
        "for k, v in pairs(t) do return k .. v end");
    ck_assert_str_eq(r, "1x");
    lua_close(L);
}
END_TEST

START_TEST(next_matches_pairs)
{
    lua_State *L = new_state();
    const char *r = eval(L,
        "local t = {q=1, [3]=2, a=3, [true]=4} local a, b = {}, {} "
        "for k in pairs(t) do a[#a+1] = tostring(k) end "
        "local k = next(t) while k ~= nil do b[#b+1] = tostring(k) k = next(t, k) end "
        "return table.concat(a, ' ') .. '|' .. table.concat(b, ' ')");
    ck_assert_str_eq(r, "3 a q true|3 a q true");
    lua_close(L);
}
END_TEST

START_TEST(sort_is_stable)
{
    lua_State *L = new_state();
    const char *r = eval(L,
        "local t = {} for i = 1, 500 do t[i] = {k = i % 3, id = i} end "
        "table.sort(t, function(a, b) return a.k < b.k end) "
        "for i = 2, 500 do local a, b = t[i-1], t[i] "
        "  if a.k > b.k or (a.k == b.k and a.id > b.id) then return 'unstable at ' .. i end end "
        "local n = {5, 3, 9, 1, 1, 7} table.sort(n) return 'ok ' .. table.concat(n, ',')");
    ck_assert_str_eq(r, "ok 1,1,3,5,7,9");
    r = eval(L, "local s = {'b', 'a', 'c'} table.sort(s, function(x, y) return x > y end) "
                "return table.concat(s)");
    ck_assert_str_eq(r, "cba");
    r = eval(L, "return tostring(pcall(table.sort, {1, 'x', 2}))");
    ck_assert_str_eq(r, "false");
    lua_close(L);
}
END_TEST

START_TEST(random_matches_stock_lua)
{
    lua_State *L = new_state();
    /* lua5.4 -e 'math.randomseed(42); print(math.random(1,1000000), math.random(1,1000000))'
     * lua5.4 -e 'math.randomseed(7); print(math.random(), math.random(0), math.random(3,9))' */
    const char *r = eval(L, "math.randomseed(42) return math.random(1,1000000) .. ' ' .. math.random(1,1000000)");
    ck_assert_str_eq(r, "161510 545842");
    r = eval(L, "math.randomseed(7) return string.format('%.14g %d %d', math.random(), math.random(0), math.random(3,9))");
    ck_assert_str_eq(r, "0.77898184896709 7158829965715012823 5");
    r = eval(L, "return tostring(pcall(math.random, 5, 1))");
    ck_assert_str_eq(r, "false");
    lua_close(L);
}
END_TEST

START_TEST(random_seeded_by_run_seed)
{
    lua_State *L = new_state();
    char *a = strdup(eval(L, "return tostring(math.random())"));
    lua_close(L);
    L = new_state();
    const char *b = eval(L, "return tostring(math.random())");
    ck_assert_str_eq(a, b);
    free(a);
    lua_close(L);
    memset(&alloc, 0, sizeof alloc);
    L = lua_newstate(host_alloc_fn, &alloc);
    luaL_openlibs(L);
    host_det_open(L, &alloc, 2, &now);
    const char *c = eval(L, "return tostring(math.random())");
    ck_assert_str_ne(c, "0.39590565699749"); /* seed 1's first draw, see determinism_hazards */
    lua_close(L);
}
END_TEST

START_TEST(tostring_has_no_addresses)
{
    lua_State *L = new_state();
    const char *r = eval(L, "local a, b = {}, {} return tostring(a) .. ' ' .. tostring(b)");
    ck_assert_msg(strstr(r, "0x") == NULL, "%s", r);
    ck_assert_msg(strncmp(r, "table: #", 8) == 0, "%s", r);
    r = eval(L, "return tostring(print) .. ' ' .. tostring(function() end)");
    ck_assert_msg(strstr(r, "0x") == NULL && strstr(r, "builtin#") != NULL, "%s", r);
    r = eval(L, "return string.format('%s|%s|%5.1f', {}, 'x', 2.25)");
    ck_assert_msg(strstr(r, "0x") == NULL && strstr(r, "|x|  2.2") != NULL, "%s", r);
    r = eval(L, "return tostring(pcall(string.format, '%p', {}))");
    ck_assert_str_eq(r, "false");
    r = eval(L, "return tostring(setmetatable({}, {__tostring = function() return 'custom' end}))");
    ck_assert_str_eq(r, "custom");
    lua_close(L);
}
END_TEST

START_TEST(os_uses_virtual_clock)
{
    lua_State *L = new_state();
    now = 90 * SIM_TIME_S + 500 * SIM_TIME_MS;
    const char *r = eval(L, "return os.time() .. ' ' .. os.clock() .. ' ' .. os.date('%H:%M:%S') .. ' ' .. tostring(os.getenv('HOME'))");
    ck_assert_str_eq(r, "90 90.5 00:01:30 nil");
    r = eval(L, "return tostring(os.time{year=2000, month=1, day=1, hour=0})");
    ck_assert_str_eq(r, "946684800");
    r = eval(L, "return tostring(os.time{year=2024, month=14, day=1, hour=0})"); /* month 14 = Feb 2025 */
    ck_assert_str_eq(r, "1738368000");
    r = eval(L, "local d = os.date('*t', 86400) return d.year .. '-' .. d.month .. '-' .. d.day .. ' ' .. d.wday");
    ck_assert_str_eq(r, "1970-1-2 6");
    ck_assert(strcmp(eval(L, "return tostring(os.execute)"), "nil") == 0);
    now = 0;
    lua_close(L);
}
END_TEST

START_TEST(render_by_content)
{
    lua_State *L = new_state();
    eval(L, "return {1, 2, name = 'x', ['a b'] = true, [2.5] = {}, nested = {deep = {'s'}}}");
    ck_assert_str_eq(host_value_tostring(L, -1),
                     "{1, 2, [2.5] = {}, [\"a b\"] = true, name = \"x\", nested = {deep = {\"s\"}}}");
    eval(L, "local t = {} t.self = t return t");
    ck_assert_str_eq(host_value_tostring(L, -1), "{self = <cycle>}");
    eval(L, "return 'top-level strings are raw'");
    ck_assert_str_eq(host_value_tostring(L, -1), "top-level strings are raw");
    eval(L, "return {'q\"uote\\n'}");
    ck_assert_str_eq(host_value_tostring(L, -1), "{\"q\\\"uote\\n\"}");
    eval(L, "local t = {} local c = t for i = 1, 40 do c.x = {} c = c.x end return t");
    ck_assert(strstr(host_value_tostring(L, -1), "{...}") != NULL);
    lua_close(L);
}
END_TEST

START_TEST(alloc_limit_and_serials)
{
    host_alloc_t a = { .limit = 1 << 20 };
    void *p = host_alloc_fn(&a, NULL, LUA_TTABLE, 100);   /* a new table object */
    void *v = host_alloc_fn(&a, NULL, 0, 64);             /* a table part: not an object */
    void *q = host_alloc_fn(&a, NULL, LUA_TFUNCTION, 100);
    void *str = host_alloc_fn(&a, NULL, LUA_TSTRING, 30);  /* marked, but no serial */
    ck_assert_uint_eq(host_alloc_serial(p), 1);
    ck_assert_uint_eq(host_alloc_serial(v), 0);
    ck_assert_uint_eq(host_alloc_serial(q), 2);
    ck_assert_uint_eq(host_alloc_serial(str), 0);
    ck_assert_uint_eq(a.obj_bytes, 230);                    /* objects only, not the part */
    v = host_alloc_fn(&a, v, 64, 1000);
    ck_assert_uint_eq(host_alloc_serial(v), 0);
    ck_assert_uint_eq(a.obj_bytes, 230);
    ck_assert_uint_eq(a.used, 1230);
    ck_assert_ptr_null(host_alloc_fn(&a, NULL, 0, 2 << 20));
    ck_assert(a.limit_hit);
    void *g = host_alloc_fn(&a, NULL, 0, 2 << 20); /* grace allowance after the limit */
    ck_assert_ptr_nonnull(g);
    host_alloc_fn(&a, g, 2 << 20, 0);
    host_alloc_fn(&a, p, 100, 0);
    host_alloc_fn(&a, v, 1000, 0);
    host_alloc_fn(&a, q, 100, 0);
    host_alloc_fn(&a, str, 30, 0);
    ck_assert_uint_eq(a.used, 0);
    ck_assert_uint_eq(a.obj_bytes, 0);
    ck_assert_uint_eq(a.obj_peak, 230);
    ck_assert_uint_eq(a.peak, 1230 + (2 << 20));
}
END_TEST

Suite *suite_det(void);
Suite *suite_det(void)
{
    Suite *s = suite_create("det");
    struct { const char *name; const TTest *t; } cases[] = {
        { "pairs_key_order", pairs_key_order },
        { "pairs_independent_of_insertion_order", pairs_independent_of_insertion_order },
        { "pairs_table_keys_in_creation_order", pairs_table_keys_in_creation_order },
        { "pairs_allows_clearing_fields", pairs_allows_clearing_fields },
        { "pairs_honours_metamethod", pairs_honours_metamethod },
        { "next_matches_pairs", next_matches_pairs },
        { "sort_is_stable", sort_is_stable },
        { "random_matches_stock_lua", random_matches_stock_lua },
        { "random_seeded_by_run_seed", random_seeded_by_run_seed },
        { "tostring_has_no_addresses", tostring_has_no_addresses },
        { "os_uses_virtual_clock", os_uses_virtual_clock },
        { "render_by_content", render_by_content },
        { "alloc_limit_and_serials", alloc_limit_and_serials },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TCase *tc = tcase_create(cases[i].name);
        tcase_add_test(tc, cases[i].t);
        tcase_set_timeout(tc, 30);
        suite_add_tcase(s, tc);
    }
    return s;
}
