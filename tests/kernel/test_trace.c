/* test_trace.c — the trace recorder: one hash for one trace, exact JSON Lines, atomic files.
 *
 * Proves: the trace-hash is the same with and without a file, is reproducible, and changes when
 * any single thing a line shows changes (a value, a key, a kind, a time, a field's type, the
 * split between two strings, field order, the number of events); events are numbered from 1;
 * the file holds exactly the documented JSON Lines bytes, with strings escaped by the shared
 * JSON rules and trace_json values embedded verbatim; the file appears under its real name only
 * at trace_commit (before that only "<path>.tmp" exists), trace_abandon leaves nothing behind
 * and never touches an older file at the real path; misuse (nested or unopened events) is an
 * invariant failure with exit code 3. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/kernel/trace.h"
#include "tests/testutil.h"

/* Declared here for -Wmissing-prototypes; "extern" keeps the line out of the Makefile's
 * suite scan, which matches definitions starting with "Suite *suite_". */
extern Suite *suite_trace(void);

static char dir[64];
static char path[128], tmp[160];

/* A fresh directory per test (each runs in its own process) with path = dir/trace.jsonl. */
static void setup_dir(void)
{
    strcpy(dir, "/tmp/otpsim-trace-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/trace.jsonl", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
}

static void remove_dir(void)
{
    unlink(path);
    unlink(tmp);
    rmdir(dir);
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Variants of one small trace; each differs from BASE in exactly one respect. */
enum {
    BASE, V_VALUE, V_KEY, V_KIND, V_TIME, V_STR_VALUE, V_TYPE, V_BOOL, V_SPLIT, V_KEY_SPLIT,
    V_ORDER, V_EXTRA_FIELD, V_JSON, V_STR_VS_JSON, V_FEWER_EVENTS, V_EMPTY_STR, V_EMPTY,
    VARIANTS
};

static void record(trace_t *t, int v)
{
    if (v == V_EMPTY) return;
    trace_begin(t, 0, "start");
    trace_u64(t, "seed", v == V_VALUE ? 43 : 42);
    trace_end(t);

    trace_begin(t, v == V_TIME ? 250000001 : 250000000, v == V_KIND ? "prints" : "print");
    if (v == V_ORDER) {
        trace_str(t, "text", "hello");
        trace_str(t, "node", "a");
    } else {
        trace_str(t, v == V_KEY ? "nodf" : "node", "a");
        trace_str(t, "text", v == V_STR_VALUE ? "hellp" : "hello");
    }
    if (v == V_TYPE)
        trace_u64(t, "d", (uint64_t)-5);
    else
        trace_i64(t, "d", -5);
    trace_bool(t, "ok", v != V_BOOL);
    trace_str(t, "s1", v == V_SPLIT ? "a" : "ab");
    trace_str(t, "s2", v == V_SPLIT ? "bc" : "c");
    if (v == V_KEY_SPLIT)
        trace_str(t, "kv", "x");
    else
        trace_str(t, "k", "vx");
    if (v == V_STR_VS_JSON)
        trace_str(t, "obj", "{\"x\":[1,2]}");
    else
        trace_json(t, "obj", v == V_JSON ? "{\"x\":[1,3]}" : "{\"x\":[1,2]}", 11);
    trace_strn(t, "e", "", 0);
    if (v == V_EMPTY_STR) trace_strn(t, "e", "", 0);
    if (v == V_EXTRA_FIELD) trace_bool(t, "more", false);
    trace_end(t);

    if (v == V_FEWER_EVENTS) return;
    trace_begin(t, 250000000, "stop");
    trace_end(t);
}

static uint64_t hash_of(int v, const char *file)
{
    trace_t t;
    ck_assert_int_eq(trace_init(&t, file), 0);
    record(&t, v);
    uint64_t h = trace_hash(&t);
    ck_assert_int_eq(trace_commit(&t), 0);
    return h;
}

START_TEST(test_hash_same_with_and_without_file)
{
    setup_dir();
    for (int v = 0; v < VARIANTS; v++) {
        uint64_t a = hash_of(v, NULL), b = hash_of(v, path);
        ck_assert_msg(a == b, "variant %d: hash-only %016llx, file %016llx", v,
                      (unsigned long long)a, (unsigned long long)b);
    }
    remove_dir();
}
END_TEST

START_TEST(test_hash_reproducible)
{
    for (int v = 0; v < VARIANTS; v++) ck_assert_uint_eq(hash_of(v, NULL), hash_of(v, NULL));
}
END_TEST

START_TEST(test_hash_detects_each_change)
{
    uint64_t h[VARIANTS];
    for (int v = 0; v < VARIANTS; v++) h[v] = hash_of(v, NULL);
    for (int i = 0; i < VARIANTS; i++)
        for (int j = i + 1; j < VARIANTS; j++)
            ck_assert_msg(h[i] != h[j], "variants %d and %d hash alike", i, j);
}
END_TEST

START_TEST(test_event_numbering)
{
    setup_dir();
    trace_t t;
    ck_assert_int_eq(trace_init(&t, path), 0);
    ck_assert_uint_eq(trace_events(&t), 0);
    trace_begin(&t, 10, "a");
    ck_assert_uint_eq(trace_events(&t), 1); /* the current event while open */
    trace_end(&t);
    ck_assert_uint_eq(trace_events(&t), 1);
    trace_begin(&t, 20, "b");
    ck_assert_uint_eq(trace_events(&t), 2);
    trace_end(&t);
    ck_assert_int_eq(trace_commit(&t), 0);
    char *text = tu_read_file(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "{\"ev\":1,\"t\":10,\"kind\":\"a\"}\n{\"ev\":2,\"t\":20,\"kind\":\"b\"}\n");
    free(text);
    remove_dir();
}
END_TEST

START_TEST(test_json_lines_exact)
{
    setup_dir();
    trace_t t;
    ck_assert_int_eq(trace_init(&t, path), 0);
    /* The example line of trace.h. */
    trace_begin(&t, 250000000, "print");
    trace_str(&t, "node", "a");
    trace_str(&t, "text", "hello");
    trace_end(&t);
    /* Every field type at its limits, and a string needing every kind of escape: quotes,
     * backslash, newline, a control byte, an invalid byte, valid UTF-8, an embedded NUL. */
    static const char s[] = "say \"hi\"\\\n\x01\xff\xc3\xa9\0z";
    trace_begin(&t, UINT64_MAX, "edge");
    trace_u64(&t, "max", UINT64_MAX);
    trace_i64(&t, "min", INT64_MIN);
    trace_bool(&t, "yes", true);
    trace_bool(&t, "no", false);
    trace_strn(&t, "s", s, sizeof s - 1);
    trace_json(&t, "obj", "{\"a\":[1,{\"b\":null}]}", 20);
    trace_u64(&t, "k\"ey", 0);
    trace_end(&t);
    /* No fields at all. */
    trace_begin(&t, 5, "tick");
    trace_end(&t);
    ck_assert_int_eq(trace_commit(&t), 0);
    static const char want[] =
        "{\"ev\":1,\"t\":250000000,\"kind\":\"print\",\"node\":\"a\",\"text\":\"hello\"}\n"
        "{\"ev\":2,\"t\":18446744073709551615,\"kind\":\"edge\",\"max\":18446744073709551615,"
        "\"min\":-9223372036854775808,\"yes\":true,\"no\":false,"
        "\"s\":\"say \\\"hi\\\"\\\\\\n\\u0001\\ufffd\xc3\xa9\\u0000z\","
        "\"obj\":{\"a\":[1,{\"b\":null}]},\"k\\\"ey\":0}\n"
        "{\"ev\":3,\"t\":5,\"kind\":\"tick\"}\n";
    char *text = tu_read_file(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, want);
    free(text);
    remove_dir();
}
END_TEST

START_TEST(test_file_appears_on_commit)
{
    setup_dir();
    write_text(path, "older run\n"); /* an earlier trace stays readable until the new one is done */
    trace_t t;
    ck_assert_int_eq(trace_init(&t, path), 0);
    ck_assert_str_eq(trace_tmp_path(&t), tmp);
    ck_assert(exists(tmp));
    for (int i = 0; i < 1000; i++) {
        trace_begin(&t, (sim_time_t)i, "e");
        trace_u64(&t, "i", (uint64_t)i);
        trace_end(&t);
    }
    char *before = tu_read_file(path);
    ck_assert_str_eq(before, "older run\n");
    free(before);
    ck_assert(exists(tmp));
    ck_assert_int_eq(trace_commit(&t), 0);
    ck_assert(!exists(tmp));
    ck_assert(exists(path));
    char *text = tu_read_file(path);
    ck_assert_ptr_nonnull(text);
    static const char first[] = "{\"ev\":1,\"t\":0,\"kind\":\"e\",\"i\":0}\n{\"ev\":2,";
    ck_assert(strncmp(text, first, sizeof first - 1) == 0);
    size_t lines = 0;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    ck_assert_uint_eq(lines, 1000);
    free(text);
    remove_dir();
}
END_TEST

START_TEST(test_abandon_leaves_nothing)
{
    setup_dir();
    trace_t t;
    ck_assert_int_eq(trace_init(&t, path), 0);
    trace_begin(&t, 1, "e");
    trace_end(&t);
    ck_assert(exists(tmp));
    trace_abandon(&t);
    ck_assert(!exists(tmp));
    ck_assert(!exists(path));
    ck_assert_ptr_null(trace_tmp_path(&t));
    trace_abandon(&t); /* safe twice */
    /* An older file at the real path is left exactly as it was. */
    write_text(path, "older run\n");
    ck_assert_int_eq(trace_init(&t, path), 0);
    trace_begin(&t, 1, "e");
    trace_end(&t);
    trace_abandon(&t);
    ck_assert(!exists(tmp));
    char *text = tu_read_file(path);
    ck_assert_str_eq(text, "older run\n");
    free(text);
    remove_dir();
}
END_TEST

START_TEST(test_hash_only_mode)
{
    trace_t t;
    ck_assert_int_eq(trace_init(&t, NULL), 0);
    ck_assert_ptr_null(trace_tmp_path(&t));
    trace_begin(&t, 1, "e");
    trace_str(&t, "k", "v");
    trace_end(&t);
    ck_assert_uint_eq(trace_events(&t), 1);
    ck_assert_int_eq(trace_commit(&t), 0);
}
END_TEST

START_TEST(test_init_fails_cleanly)
{
    trace_t t;
    errno = 0;
    ck_assert_int_eq(trace_init(&t, "/nonexistent-otpsim-dir/x/trace.jsonl"), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_ptr_null(t.f);
    ck_assert_ptr_null(t.file.path);
    ck_assert_ptr_null(t.file.tmp);
}
END_TEST

static void quiet_invariant(void)
{
    unsetenv("OTPSIM_ABORT"); /* the invariant must exit(3), not abort */
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr)); /* expected failure: keep quiet */
}

START_TEST(test_nested_begin_fails)
{
    quiet_invariant();
    trace_t t;
    trace_init(&t, NULL);
    trace_begin(&t, 1, "a");
    trace_begin(&t, 1, "b");
}
END_TEST

START_TEST(test_field_outside_event_fails)
{
    quiet_invariant();
    trace_t t;
    trace_init(&t, NULL);
    trace_u64(&t, "k", 1);
}
END_TEST

START_TEST(test_end_without_begin_fails)
{
    quiet_invariant();
    trace_t t;
    trace_init(&t, NULL);
    trace_begin(&t, 1, "a");
    trace_end(&t);
    trace_end(&t);
}
END_TEST

Suite *suite_trace(void)
{
    Suite *s = suite_create("trace");
    struct { const char *name; const TTest *t; int exit_code; } cases[] = {
        { "hash_same_with_and_without_file", test_hash_same_with_and_without_file, -1 },
        { "hash_reproducible", test_hash_reproducible, -1 },
        { "hash_detects_each_change", test_hash_detects_each_change, -1 },
        { "event_numbering", test_event_numbering, -1 },
        { "json_lines_exact", test_json_lines_exact, -1 },
        { "file_appears_on_commit", test_file_appears_on_commit, -1 },
        { "abandon_leaves_nothing", test_abandon_leaves_nothing, -1 },
        { "hash_only_mode", test_hash_only_mode, -1 },
        { "init_fails_cleanly", test_init_fails_cleanly, -1 },
        { "nested_begin_fails", test_nested_begin_fails, 3 },
        { "field_outside_event_fails", test_field_outside_event_fails, 3 },
        { "end_without_begin_fails", test_end_without_begin_fails, 3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TCase *tc = tcase_create(cases[i].name);
        tcase_set_timeout(tc, 30);
        if (cases[i].exit_code >= 0)
            tcase_add_exit_test(tc, cases[i].t, cases[i].exit_code);
        else
            tcase_add_test(tc, cases[i].t);
        suite_add_tcase(s, tc);
    }
    return s;
}
