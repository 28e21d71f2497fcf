/* testutil.h — helpers shared by the test suites: running bin/otpsim as a child process and
 * capturing its output, temporary files. The binary is $OTPSIM_BIN (default bin/otpsim); tests
 * run from the repository root. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <check.h>
#include <glob.h>
#include <stddef.h>

typedef struct tu_result {
    int code;     /* exit code, or 128 + signal number */
    char *out;    /* captured standard output, NUL-terminated, owned */
    char *err;    /* captured standard error, NUL-terminated, owned */
} tu_result_t;

/* Runs $OTPSIM_BIN with the given arguments (NULL-terminated), stdin from /dev/null. */
tu_result_t tu_run(const char *arg0, ...);
/* Same with an argv array (NULL-terminated), not including the binary. */
tu_result_t tu_runv(const char *const *args);
void tu_result_free(tu_result_t *r);

/* Path of the binary under test. */
const char *tu_bin(void);

/* Writes `text` to a new file in a fresh temporary directory; returns its path (owned, static
 * per call site is not assumed). `name` is the file's base name. */
char *tu_write_file(const char *name, const char *text);
/* Reads a whole file; NULL if it cannot be read. Owned by the caller. */
char *tu_read_file(const char *path);

/* The value after "key: " on the last line of `out` that starts with it, copied into buf. */
int tu_line_value(const char *out, const char *key, char *buf, size_t n);

/* In Check's fork mode, caps this test case's CPU time (and so that of the otpsim it spawns) at
 * seconds; not with CK_FORK=no, where it would cap the whole runner. */
void tu_cpu_cap(unsigned seconds);
/* The "  FAIL ..." check lines and lines mentioning "error" of a run's output, joined in a static
 * buffer (for failure messages). */
const char *tu_failure_lines(const char *out, const char *err);

/* One test case per file in g (taken over: freed at exit), named after the file without ".lua",
 * each running the loop test t once with _i = the file's index, under a timeout. Check keeps the
 * names it is given, so they too live until exit. */
void tu_add_file_cases(Suite *s, glob_t *g, const TTest *t, double timeout_s);

#endif
