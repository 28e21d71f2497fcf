/* test_dur.c — proves duration parsing and formatting: every unit, exact decimal conversion
 * (no binary floating point for strings), rejection of malformed, negative and overflowing
 * input, millisecond numbers, and the compact formatting used in messages. */
#include <check.h>
#include <stdlib.h>
#include <lauxlib.h>
#include <lualib.h>

#include "host/dur.h"

static sim_time_t P(const char *s)
{
    sim_time_t t = 12345;
    ck_assert_msg(host_dur_parse(s, strlen(s), &t) == 0, "parse failed: %s", s);
    return t;
}

static int bad(const char *s)
{
    sim_time_t t;
    return host_dur_parse(s, strlen(s), &t) != 0;
}

START_TEST(units)
{
    ck_assert_uint_eq(P("100ns"), 100);
    ck_assert_uint_eq(P("250us"), 250000);
    ck_assert_uint_eq(P("20ms"), 20000000);
    ck_assert_uint_eq(P("2s"), 2000000000);
    ck_assert_uint_eq(P("5m"), 300 * SIM_TIME_S);
    ck_assert_uint_eq(P("5min"), 300 * SIM_TIME_S);
    ck_assert_uint_eq(P("1h"), 3600 * SIM_TIME_S);
    ck_assert_uint_eq(P("1d"), 86400 * SIM_TIME_S);
    ck_assert_uint_eq(P("250"), 250 * SIM_TIME_MS); /* no unit: milliseconds */
    ck_assert_uint_eq(P(" 3 s "), 3 * SIM_TIME_S);
}
END_TEST

START_TEST(exact_decimals)
{
    ck_assert_uint_eq(P("0.1s"), 100000000);
    ck_assert_uint_eq(P("1.5s"), 1500000000);
    ck_assert_uint_eq(P("0.000000001s"), 1);
    ck_assert_uint_eq(P("0.0000000005s"), 1);   /* half rounds up */
    ck_assert_uint_eq(P("0.0000000004s"), 0);
    ck_assert_uint_eq(P(".5ms"), 500000);
    ck_assert_uint_eq(P("2.25h"), 8100 * SIM_TIME_S);
}
END_TEST

START_TEST(rejects)
{
    ck_assert(bad(""));
    ck_assert(bad("soon"));
    ck_assert(bad("-1s"));
    ck_assert(bad("1 parsec"));
    ck_assert(bad("1e3ms"));
    ck_assert(bad("s"));
    ck_assert(bad("99999999999999999999s"));
    ck_assert(bad("18446744073709551615s")); /* overflows in ns */
}
END_TEST

START_TEST(numbers_are_ms)
{
    sim_time_t t;
    ck_assert_int_eq(host_dur_from_ms(0.25, &t), 0);
    ck_assert_uint_eq(t, 250000);
    ck_assert_int_eq(host_dur_from_ms(1e3, &t), 0);
    ck_assert_uint_eq(t, SIM_TIME_S);
    ck_assert_int_eq(host_dur_from_ms(-1, &t), -1);
    ck_assert_int_eq(host_dur_from_ms(1.0 / 0.0, &t), -1);
    lua_State *L = luaL_newstate();
    lua_pushinteger(L, 20);
    ck_assert_int_eq(host_dur_get(L, -1, &t), 0);
    ck_assert_uint_eq(t, 20 * SIM_TIME_MS);
    lua_pushstring(L, "3us");
    ck_assert_int_eq(host_dur_get(L, -1, &t), 0);
    ck_assert_uint_eq(t, 3000);
    lua_pushboolean(L, 1);
    ck_assert_int_eq(host_dur_get(L, -1, &t), -1);
    lua_pushinteger(L, -5);
    ck_assert_int_eq(host_dur_get(L, -1, &t), -1);
    host_dur_push_ms(L, 250 * SIM_TIME_MS);
    ck_assert(lua_isinteger(L, -1));
    ck_assert_int_eq(lua_tointeger(L, -1), 250);
    host_dur_push_ms(L, 1500 * SIM_TIME_US);
    ck_assert(!lua_isinteger(L, -1));
    ck_assert(lua_tonumber(L, -1) == 1.5);
    lua_close(L);
}
END_TEST

START_TEST(format)
{
    char b[32];
    host_dur_format(0, b, sizeof b);
    ck_assert_str_eq(b, "0s");
    host_dur_format(1500 * SIM_TIME_MS, b, sizeof b);
    ck_assert_str_eq(b, "1.5s");
    host_dur_format(250 * SIM_TIME_US, b, sizeof b);
    ck_assert_str_eq(b, "250us");
    host_dur_format(2 * 3600 * SIM_TIME_S, b, sizeof b);
    ck_assert_str_eq(b, "2h");
    host_dur_format(90 * SIM_TIME_S, b, sizeof b);
    ck_assert_str_eq(b, "1.5m");
    host_dur_format(7, b, sizeof b);
    ck_assert_str_eq(b, "7ns");
    host_dur_format(1234567, b, sizeof b);
    ck_assert_str_eq(b, "1.234567ms");
}
END_TEST

Suite *suite_dur(void);
Suite *suite_dur(void)
{
    Suite *s = suite_create("dur");
    struct { const char *name; const TTest *t; } cases[] = {
        { "units", units }, { "exact_decimals", exact_decimals }, { "rejects", rejects },
        { "numbers_are_ms", numbers_are_ms }, { "format", format },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TCase *tc = tcase_create(cases[i].name);
        tcase_add_test(tc, cases[i].t);
        suite_add_tcase(s, tc);
    }
    return s;
}
