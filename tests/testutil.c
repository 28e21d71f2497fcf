/* testutil.c — process spawning and file helpers for the tests (see testutil.h). */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *tu_bin(void)
{
    const char *b = getenv("OTPSIM_BIN");
    return b && *b ? b : "bin/otpsim";
}

static void append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
    if (*len + n + 1 > *cap) {
        while (*len + n + 1 > *cap) *cap = *cap ? *cap * 2 : 4096;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = 0;
}

tu_result_t tu_runv(const char *const *args)
{
    tu_result_t r = { -1, NULL, NULL };
    int po[2], pe[2];
    if (pipe(po) || pipe(pe)) return r;
    size_t n = 0;
    while (args[n]) n++;
    char **argv = calloc(n + 2, sizeof *argv);
    argv[0] = (char *)tu_bin();
    for (size_t i = 0; i < n; i++) argv[i + 1] = (char *)args[i];
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    posix_spawn_file_actions_addclose(&fa, po[0]);
    posix_spawn_file_actions_addclose(&fa, pe[0]);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    free(argv);
    close(po[1]);
    close(pe[1]);
    size_t ol = 0, oc = 0, el = 0, ec = 0;
    append(&r.out, &ol, &oc, "", 0);
    append(&r.err, &el, &ec, "", 0);
    if (rc != 0) {
        close(po[0]);
        close(pe[0]);
        return r;
    }
    struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t k = read(fds[i].fd, buf, sizeof buf);
            if (k <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else if (i == 0) {
                append(&r.out, &ol, &oc, buf, (size_t)k);
            } else {
                append(&r.err, &el, &ec, buf, (size_t)k);
            }
        }
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r;
}

tu_result_t tu_run(const char *arg0, ...)
{
    const char *args[64];
    size_t n = 0;
    va_list ap;
    va_start(ap, arg0);
    for (const char *a = arg0; a && n < 63; a = va_arg(ap, const char *)) args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return tu_runv(args);
}

void tu_result_free(tu_result_t *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *tu_write_file(const char *name, const char *text)
{
    char tmpl[] = "/tmp/otpsim-test-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) return NULL;
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(path);
        return NULL;
    }
    fputs(text, f);
    fclose(f);
    return path;
}

char *tu_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t len = 0, cap = 0;
    char *buf = NULL, tmp[65536];
    size_t k;
    append(&buf, &len, &cap, "", 0);
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) append(&buf, &len, &cap, tmp, k);
    fclose(f);
    return buf;
}

int tu_line_value(const char *out, const char *key, char *buf, size_t n)
{
    size_t kl = strlen(key);
    const char *found = NULL;
    for (const char *p = out; p && *p;) {
        if (strncmp(p, key, kl) == 0 && p[kl] == ':' && p[kl + 1] == ' ') found = p + kl + 2;
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!found) return -1;
    size_t l = strcspn(found, "\n");
    if (l >= n) l = n - 1;
    memcpy(buf, found, l);
    buf[l] = 0;
    return 0;
}

void tu_cpu_cap(unsigned seconds)
{
    const char *fork_env = getenv("CK_FORK");
    if (fork_env && strcmp(fork_env, "no") == 0) return;
    struct rlimit lim = { seconds, seconds + 1 };
    (void)setrlimit(RLIMIT_CPU, &lim);
}

const char *tu_failure_lines(const char *out, const char *err)
{
    static char buf[4000];
    size_t n = 0;
    buf[0] = 0;
    const char *texts[2] = { out, err };
    for (int t = 0; t < 2; t++) {
        for (const char *p = texts[t]; p && *p;) {
            size_t len = strcspn(p, "\n");
            bool keep = strncmp(p, "  FAIL", 6) == 0 || strstr(p, "error") != NULL;
            if (keep && len < 400 && n + len + 2 < sizeof buf) {
                memcpy(buf + n, p, len);
                n += len;
                buf[n++] = '\n';
                buf[n] = 0;
            }
            p += len;
            if (*p) p++;
        }
    }
    return buf;
}

/* ---- one test case per scenario file ------------------------------------------------------- */
static glob_t *case_globs[8];
static char **case_names[8];
static size_t ncase_sets;

static void free_file_cases(void)
{
    for (size_t k = 0; k < ncase_sets; k++) {
        for (size_t i = 0; case_names[k] && i < case_globs[k]->gl_pathc; i++) free(case_names[k][i]);
        free(case_names[k]);
        globfree(case_globs[k]);
    }
    ncase_sets = 0;
}

/* The base name of path without ".lua", owned by the caller. */
static char *case_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".lua") == 0) len -= 4;
    char *name = malloc(len + 1);
    if (!name) return NULL;
    memcpy(name, base, len);
    name[len] = 0;
    return name;
}

void tu_add_file_cases(Suite *s, glob_t *g, const TTest *t, double timeout_s)
{
    char **names = calloc(g->gl_pathc + 1, sizeof *names);
    if (ncase_sets == 0) atexit(free_file_cases);
    bool known = false;
    for (size_t k = 0; k < ncase_sets; k++) known |= case_globs[k] == g;
    if (!known && ncase_sets < sizeof case_globs / sizeof case_globs[0]) {
        case_globs[ncase_sets] = g;
        case_names[ncase_sets++] = names;
    }
    for (size_t i = 0; i < g->gl_pathc; i++) {
        char *name = case_name(g->gl_pathv[i]);
        if (names) names[i] = name;
        TCase *tc = tcase_create(name ? name : g->gl_pathv[i]);
        tcase_set_timeout(tc, timeout_s);
        tcase_add_loop_test(tc, t, (int)i, (int)i + 1);
        suite_add_tcase(s, tc);
    }
}
