/* test_jbuf.c — the JSON text buffer writes valid, exact JSON for every value.
 *
 * Proves: integers print exactly at their limits (0, UINT64_MAX, INT64_MIN); doubles print as
 * integers when integral and small enough to be exact, otherwise with enough digits to read back
 * the same double, and non-finite values become null; strings escape quotes, backslashes and
 * every control character, keep valid UTF-8 as is and turn each byte of invalid UTF-8
 * (overlong forms, surrogates, code points past U+10FFFF, truncated and stray bytes) into \ufffd;
 * the buffer grows without losing data, resets, and ignores appends once out of memory. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/jbuf.h"

/* Declared here for -Wmissing-prototypes; "extern" keeps the line out of the Makefile's
 * suite scan, which matches definitions starting with "Suite *suite_". */
extern Suite *suite_jbuf(void);

typedef void (*render_fn)(jbuf_t *b, const void *v);

static void r_u64(jbuf_t *b, const void *v) { jbuf_u64(b, *(const uint64_t *)v); }
static void r_i64(jbuf_t *b, const void *v) { jbuf_i64(b, *(const int64_t *)v); }
static void r_f64(jbuf_t *b, const void *v) { jbuf_json_f64(b, *(const double *)v); }

/* Renders one value into a fresh buffer and compares the whole text. */
static void expect_render(render_fn fn, const void *v, const char *want)
{
    jbuf_t b;
    jbuf_init(&b);
    fn(&b, v);
    ck_assert_str_eq(jbuf_cstr(&b), want);
    ck_assert_uint_eq(b.len, strlen(want));
    jbuf_deinit(&b);
}

static void expect_u64(uint64_t v, const char *want) { expect_render(r_u64, &v, want); }
static void expect_i64(int64_t v, const char *want) { expect_render(r_i64, &v, want); }
static void expect_f64(double v, const char *want) { expect_render(r_f64, &v, want); }

static void expect_str(const char *s, size_t n, const char *want)
{
    jbuf_t b;
    jbuf_init(&b);
    jbuf_json_str(&b, s, n);
    ck_assert_msg(b.len == strlen(want) && memcmp(b.p, want, b.len) == 0,
                  "json_str gave %s, want %s", jbuf_cstr(&b), want);
    jbuf_deinit(&b);
}

START_TEST(test_u64)
{
    expect_u64(0, "0");
    expect_u64(1, "1");
    expect_u64(9, "9");
    expect_u64(10, "10");
    expect_u64(1000000007, "1000000007");
    expect_u64(UINT64_C(10000000000000000000), "10000000000000000000");
    expect_u64(UINT64_MAX, "18446744073709551615");
}
END_TEST

START_TEST(test_i64)
{
    expect_i64(0, "0");
    expect_i64(-1, "-1");
    expect_i64(42, "42");
    expect_i64(-1000, "-1000");
    expect_i64(INT64_MAX, "9223372036854775807");
    expect_i64(INT64_MIN, "-9223372036854775808");
    expect_i64(INT64_MIN + 1, "-9223372036854775807");
}
END_TEST

START_TEST(test_f64_integers)
{
    expect_f64(0.0, "0");
    expect_f64(1.0, "1");
    expect_f64(-3.0, "-3");
    expect_f64(1e15, "1000000000000000");
    expect_f64(-1e15, "-1000000000000000");
    expect_f64(9007199254740991.0, "9007199254740991"); /* 2^53 - 1, the largest exact run */
}
END_TEST

START_TEST(test_f64_fractions_and_large)
{
    expect_f64(0.5, "0.5");
    expect_f64(-2.25, "-2.25");
    expect_f64(0.1, "0.10000000000000001");
    expect_f64(1e-7, "9.9999999999999995e-08");
    /* Integral but too large for the integer path: must not go through int64 conversion. */
    expect_f64(9007199254740992.0, "9007199254740992");
    expect_f64(1e19, "1e+19");
    expect_f64(-1e19, "-1e+19");
    expect_f64(1e300, "1.0000000000000001e+300");
    expect_f64(-1e300, "-1.0000000000000001e+300");
    /* Whatever the spelling, every finite double reads back as itself. */
    static const double vs[] = { 0.1, 1.0 / 3, -2.5e-300, 4.9e-324, 1.7976931348623157e308,
                                 123456.789, -0.0, 1e21, 6.02214076e23 };
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        jbuf_t b;
        jbuf_init(&b);
        jbuf_json_f64(&b, vs[i]);
        char *end;
        double back = strtod(jbuf_cstr(&b), &end);
        ck_assert_msg(*end == 0 && back == vs[i], "%.17g printed as %s", vs[i], jbuf_cstr(&b));
        ck_assert(strchr(jbuf_cstr(&b), ',') == NULL); /* never a locale decimal comma */
        jbuf_deinit(&b);
    }
}
END_TEST

START_TEST(test_f64_nonfinite)
{
    expect_f64(NAN, "null");
    expect_f64(-NAN, "null");
    expect_f64(INFINITY, "null");
    expect_f64(-INFINITY, "null");
}
END_TEST

START_TEST(test_str_escapes)
{
    expect_str("", 0, "\"\"");
    expect_str("hello", 5, "\"hello\"");
    expect_str("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"");
    expect_str("\n\r\t", 3, "\"\\n\\r\\t\"");
    expect_str("\b\f", 2, "\"\\u0008\\u000c\"");
    expect_str("\x01\x1f", 2, "\"\\u0001\\u001f\"");
    expect_str("a\0b", 3, "\"a\\u0000b\"");    /* n, not the NUL, ends the string */
    expect_str("\x7f", 1, "\"\x7f\"");          /* DEL is legal in JSON strings */
    expect_str("abcdef", 3, "\"abc\"");
    expect_str(" ~", 2, "\" ~\"");
}
END_TEST

START_TEST(test_str_valid_utf8)
{
    expect_str("\xc3\xa9", 2, "\"\xc3\xa9\"");                       /* é, 2 bytes */
    expect_str("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");               /* €, 3 bytes */
    expect_str("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");       /* U+1F600, 4 bytes */
    expect_str("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"");       /* U+10FFFF, the last */
    expect_str("\xed\x9f\xbf", 3, "\"\xed\x9f\xbf\"");               /* U+D7FF, below surrogates */
    expect_str("x\xc2\x80y", 4, "\"x\xc2\x80y\"");                   /* U+0080, smallest 2-byte */
}
END_TEST

#define FFFD "\\ufffd"

START_TEST(test_str_invalid_utf8)
{
    expect_str("\x80", 1, "\"" FFFD "\"");                            /* stray continuation */
    expect_str("\xff", 1, "\"" FFFD "\"");
    expect_str("a\xfe" "b", 3, "\"a" FFFD "b\"");
    expect_str("\xc0\xaf", 2, "\"" FFFD FFFD "\"");                   /* overlong '/' */
    expect_str("\xc1\xbf", 2, "\"" FFFD FFFD "\"");
    expect_str("\xe0\x80\x80", 3, "\"" FFFD FFFD FFFD "\"");          /* overlong 3-byte */
    expect_str("\xf0\x8f\xbf\xbf", 4, "\"" FFFD FFFD FFFD FFFD "\""); /* overlong 4-byte */
    expect_str("\xed\xa0\x80", 3, "\"" FFFD FFFD FFFD "\"");          /* surrogate U+D800 */
    expect_str("\xf4\x90\x80\x80", 4, "\"" FFFD FFFD FFFD FFFD "\""); /* U+110000 */
    expect_str("\xf5\x80", 2, "\"" FFFD FFFD "\"");
    expect_str("\xe2\x82", 2, "\"" FFFD FFFD "\"");                   /* truncated at the end */
    expect_str("\xe2\x82x", 3, "\"" FFFD FFFD "x\"");                 /* cut by an ASCII byte */
    expect_str("\xc3\xa9", 1, "\"" FFFD "\"");                        /* cut by n */
}
END_TEST

START_TEST(test_buffer_basics)
{
    jbuf_t b;
    jbuf_init(&b);
    ck_assert_ptr_nonnull(jbuf_cstr(&b));
    ck_assert_str_eq(jbuf_cstr(&b), "");
    jbuf_puts(&b, "ab");
    jbuf_putc(&b, 'c');
    jbuf_put(&b, "def", 2);
    jbuf_printf(&b, "[%d:%s]", -7, "x");
    ck_assert_str_eq(jbuf_cstr(&b), "abcde[-7:x]");
    jbuf_reset(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq(jbuf_cstr(&b), "");
    jbuf_puts(&b, "again");
    ck_assert_str_eq(jbuf_cstr(&b), "again");
    jbuf_deinit(&b);
    ck_assert_ptr_null(b.p);
    ck_assert_uint_eq(b.len, 0);
    jbuf_t empty;
    jbuf_init(&empty);
    jbuf_deinit(&empty); /* never used: nothing to free */
}
END_TEST

START_TEST(test_buffer_growth)
{
    jbuf_t b;
    jbuf_init(&b);
    /* printf longer than its 256-byte fast path. */
    char big[1001];
    memset(big, 'x', 1000);
    big[1000] = 0;
    jbuf_printf(&b, "<%s|%u>", big, 123u);
    ck_assert_uint_eq(b.len, 1000 + 6);
    ck_assert(memcmp(b.p, "<x", 2) == 0 && strcmp(b.p + 1001, "|123>") == 0);
    /* A megabyte one byte at a time, then check every byte survived the reallocations. */
    jbuf_reset(&b);
    for (int i = 0; i < 1 << 20; i++) jbuf_putc(&b, (char)('a' + i % 26));
    ck_assert_uint_eq(b.len, 1u << 20);
    for (int i = 0; i < 1 << 20; i++) ck_assert_int_eq(b.p[i], 'a' + i % 26);
    ck_assert_int_eq(b.p[b.len], 0);
    ck_assert(!b.oom);
    jbuf_deinit(&b);
}
END_TEST

START_TEST(test_buffer_oom_sticky)
{
    jbuf_t b;
    jbuf_init(&b);
    jbuf_puts(&b, "kept");
    b.oom = true; /* as after a failed realloc */
    jbuf_puts(&b, "lost");
    jbuf_putc(&b, 'x');
    jbuf_u64(&b, 5);
    jbuf_json_str(&b, "s", 1);
    jbuf_printf(&b, "%d", 1);
    ck_assert_uint_eq(b.len, 4);
    ck_assert_str_eq(jbuf_cstr(&b), ""); /* callers see the failure, not a truncated text */
    jbuf_deinit(&b);
}
END_TEST

Suite *suite_jbuf(void)
{
    Suite *s = suite_create("jbuf");
    struct { const char *name; const TTest *t; } cases[] = {
        { "u64", test_u64 },
        { "i64", test_i64 },
        { "f64_integers", test_f64_integers },
        { "f64_fractions_and_large", test_f64_fractions_and_large },
        { "f64_nonfinite", test_f64_nonfinite },
        { "str_escapes", test_str_escapes },
        { "str_valid_utf8", test_str_valid_utf8 },
        { "str_invalid_utf8", test_str_invalid_utf8 },
        { "buffer_basics", test_buffer_basics },
        { "buffer_growth", test_buffer_growth },
        { "buffer_oom_sticky", test_buffer_oom_sticky },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TCase *tc = tcase_create(cases[i].name);
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, cases[i].t);
        suite_add_tcase(s, tc);
    }
    return s;
}
