/* diff.c — `otpsim diff A.jsonl B.jsonl`: the first event where two traces diverge.
 *
 * Traces are canonical (docs/trace-format.md): the same run writes byte-identical lines, so two
 * events are equal exactly when their lines are. Each file is read whole, split into lines and
 * validated (a JSON object per line, "ev" numbered 1, 2, 3, ..., a "kind"); a trace whose last
 * line has no newline was cut short and is reported as truncated. */
#include "diff.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char host_diff_usage[] =
    "usage: otpsim diff A.jsonl B.jsonl [--context N]\n"
    "\n"
    "Compares two traces written by 'otpsim run --trace' event by event and prints the first\n"
    "divergent event with N events of context on each side (default 3), then the number of\n"
    "events of each kind in both traces.\n"
    "\n"
    "Exit codes: 0 the traces are identical, 1 they diverge, 2 usage error or unreadable input\n"
    "(a missing, truncated or malformed trace is named with its line).\n";

typedef struct trace_file {
    const char *path;
    char *data;
    size_t len;
    char **lines; /* NUL-terminated in place (the newline replaced) */
    size_t n;
    bool has_end;
} trace_file_t;

/* ---- a small JSON validator: one value, strict ---------------------------------------------- */

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r') p++;
    return p;
}

static const char *json_value(const char *p, int depth);

static const char *json_string(const char *p)
{
    if (*p != '"') return NULL;
    for (p++; *p; p++) {
        if (*p == '"') return p + 1;
        if ((unsigned char)*p < 0x20) return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i]) return NULL;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
    }
    return NULL;
}

static const char *json_number(const char *p)
{
    const char *s = p;
    if (*p == '-') p++;
    if (*p < '0' || *p > '9') return NULL;
    while (*p >= '0' && *p <= '9') p++;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (*p < '0' || *p > '9') return NULL;
        while (*p >= '0' && *p <= '9') p++;
    }
    return p > s ? p : NULL;
}

static const char *json_value(const char *p, int depth)
{
    if (depth > 64) return NULL;
    p = json_ws(p);
    if (*p == '"') return json_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = json_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                p = json_string(json_ws(p));
                if (!p) return NULL;
                p = json_ws(p);
                if (*p != ':') return NULL;
                p++;
            }
            p = json_value(p, depth + 1);
            if (!p) return NULL;
            p = json_ws(p);
            if (*p == close) return p + 1;
            if (*p != ',') return NULL;
            p++;
        }
    }
    if (strncmp(p, "true", 4) == 0) return p + 4;
    if (strncmp(p, "false", 5) == 0) return p + 5;
    if (strncmp(p, "null", 4) == 0) return p + 4;
    return json_number(p);
}

/* ---- reading -------------------------------------------------------------------------------- */

/* The "kind" of an event line, copied into buf ("?" if absent). */
static void line_kind(const char *line, char *buf, size_t n)
{
    const char *k = strstr(line, "\"kind\":\"");
    if (!k) {
        snprintf(buf, n, "?");
        return;
    }
    k += 8;
    size_t l = 0;
    while (k[l] && k[l] != '"' && l + 1 < n) l++;
    memcpy(buf, k, l);
    buf[l] = 0;
}

static void trace_free(trace_file_t *t)
{
    free(t->data);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

/* Reads and validates a trace; on failure prints the reason to err and returns -1. */
static int trace_load(trace_file_t *t, const char *path, FILE *err)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(err, "otpsim: diff: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16;
    t->data = malloc(cap);
    for (;;) {
        if (!t->data) break;
        size_t got = fread(t->data + t->len, 1, cap - t->len - 1, f);
        t->len += got;
        if (t->len + 1 < cap) break;
        char *nd = realloc(t->data, cap * 2);
        if (!nd) {
            free(t->data);
            t->data = NULL;
            break;
        }
        t->data = nd;
        cap *= 2;
    }
    bool rd_err = ferror(f);
    fclose(f);
    if (!t->data || rd_err) {
        fprintf(err, "otpsim: diff: cannot read %s\n", path);
        trace_free(t);
        return -1;
    }
    t->data[t->len] = 0;
    if (memchr(t->data, 0, t->len)) {
        fprintf(err, "otpsim: diff: %s: not a trace (it contains NUL bytes)\n", path);
        trace_free(t);
        return -1;
    }
    if (t->len == 0) {
        fprintf(err, "otpsim: diff: %s: empty file, not a trace (every trace ends with an \"end\" event)\n", path);
        trace_free(t);
        return -1;
    }
    size_t nl = 0;
    for (size_t i = 0; i < t->len; i++) nl += t->data[i] == '\n';
    t->lines = malloc((nl + 1) * sizeof *t->lines);
    if (!t->lines) {
        fprintf(err, "otpsim: diff: out of memory reading %s\n", path);
        trace_free(t);
        return -1;
    }
    char *p = t->data;
    while (*p) {
        char *e = strchr(p, '\n');
        size_t lineno = t->n + 1;
        if (!e) {
            fprintf(err, "otpsim: diff: %s: truncated: line %zu has no end of line (%zu bytes: '%.40s%s'); "
                         "the run that wrote it was interrupted or the file was cut\n",
                    path, lineno, strlen(p), p, strlen(p) > 40 ? "..." : "");
            trace_free(t);
            return -1;
        }
        *e = 0;
        const char *end = json_value(p, 0);
        if (!end || *json_ws(end) || *p != '{') {
            fprintf(err, "otpsim: diff: %s:%zu: malformed: not a JSON object: '%.60s%s'\n", path, lineno, p,
                    strlen(p) > 60 ? "..." : "");
            trace_free(t);
            return -1;
        }
        char want[48];
        int wl = snprintf(want, sizeof want, "{\"ev\":%zu,\"t\":", lineno);
        if (strncmp(p, want, (size_t)wl) != 0 || !strstr(p, "\"kind\":\"")) {
            fprintf(err, "otpsim: diff: %s:%zu: malformed: expected an event starting {\"ev\":%zu,\"t\":...,\"kind\":...; "
                         "got '%.60s%s'\n", path, lineno, lineno, p, strlen(p) > 60 ? "..." : "");
            trace_free(t);
            return -1;
        }
        t->lines[t->n++] = p;
        p = e + 1;
    }
    char k[64];
    line_kind(t->lines[t->n - 1], k, sizeof k);
    t->has_end = strcmp(k, "end") == 0;
    return 0;
}

/* ---- comparing ------------------------------------------------------------------------------ */

typedef struct kind_count { char name[64]; uint64_t a, b; } kind_count_t;

static void count_kinds(const trace_file_t *t, kind_count_t **kc, size_t *nk, size_t *cap, int side)
{
    for (size_t i = 0; i < t->n; i++) {
        char k[64];
        line_kind(t->lines[i], k, sizeof k);
        size_t j = 0;
        while (j < *nk && strcmp((*kc)[j].name, k) != 0) j++;
        if (j == *nk) {
            if (*nk == *cap) {
                size_t nc = *cap ? *cap * 2 : 32;
                kind_count_t *n2 = realloc(*kc, nc * sizeof *n2);
                if (!n2) return;
                *kc = n2;
                *cap = nc;
            }
            memset(&(*kc)[j], 0, sizeof **kc);
            snprintf((*kc)[j].name, sizeof (*kc)[j].name, "%s", k);
            (*nk)++;
        }
        if (side == 0) (*kc)[j].a++;
        else (*kc)[j].b++;
    }
}

static int cmp_kind(const void *x, const void *y)
{
    return strcmp(((const kind_count_t *)x)->name, ((const kind_count_t *)y)->name);
}

static void print_line(FILE *out, const char *tag, const trace_file_t *t, size_t i)
{
    if (i < t->n) fprintf(out, "  %s %s\n", tag, t->lines[i]);
    else fprintf(out, "  %s (no event %zu: the trace ends after event %zu)\n", tag, i + 1, t->n);
}

int host_diff_traces(const char *a_path, const char *b_path, const char *a_label, const char *b_label,
                     int context, FILE *out, FILE *err)
{
    trace_file_t a, b;
    if (trace_load(&a, a_path, err) != 0) return 2;
    if (trace_load(&b, b_path, err) != 0) {
        trace_free(&a);
        return 2;
    }
    if (!a_label) a_label = a_path;
    if (!b_label) b_label = b_path;
    if (context < 0) context = 0;
    size_t first = 0, common = a.n < b.n ? a.n : b.n;
    while (first < common && strcmp(a.lines[first], b.lines[first]) == 0) first++;
    int rc = 0;
    if (first == common && a.n == b.n) {
        fprintf(out, "identical: %zu events\n", a.n);
    } else {
        rc = 1;
        char ka[64], kb[64];
        if (first < a.n) line_kind(a.lines[first], ka, sizeof ka);
        else snprintf(ka, sizeof ka, "(none)");
        if (first < b.n) line_kind(b.lines[first], kb, sizeof kb);
        else snprintf(kb, sizeof kb, "(none)");
        fprintf(out, "first divergent event: %zu (A: %s, B: %s)\n", first + 1, ka, kb);
        fprintf(out, "  A = %s (%zu events)\n  B = %s (%zu events)\n", a_label, a.n, b_label, b.n);
        size_t from = first > (size_t)context ? first - (size_t)context : 0;
        if (from < first) fprintf(out, "before (the same in both):\n");
        for (size_t i = from; i < first; i++) fprintf(out, "    %s\n", a.lines[i]);
        fprintf(out, "divergent:\n");
        print_line(out, "A", &a, first);
        print_line(out, "B", &b, first);
        size_t to = first + 1 + (size_t)context;
        if (first + 1 < a.n || first + 1 < b.n) {
            fprintf(out, "after:\n");
            for (size_t i = first + 1; i < to && i < a.n; i++) fprintf(out, "  A %s\n", a.lines[i]);
            for (size_t i = first + 1; i < to && i < b.n; i++) fprintf(out, "  B %s\n", b.lines[i]);
        }
    }
    kind_count_t *kc = NULL;
    size_t nk = 0, cap = 0;
    count_kinds(&a, &kc, &nk, &cap, 0);
    count_kinds(&b, &kc, &nk, &cap, 1);
    if (nk) qsort(kc, nk, sizeof *kc, cmp_kind);
    fprintf(out, "events per kind:\n  %-20s %12s %12s\n", "kind", "A", "B");
    for (size_t i = 0; i < nk; i++)
        fprintf(out, "  %-20s %12" PRIu64 " %12" PRIu64 "%s\n", kc[i].name, kc[i].a, kc[i].b,
                kc[i].a != kc[i].b ? "  *" : "");
    fprintf(out, "  %-20s %12zu %12zu%s\n", "total", a.n, b.n, a.n != b.n ? "  *" : "");
    if (!a.has_end) fprintf(err, "otpsim: diff: warning: %s has no final \"end\" event (stopped early or cut at a line boundary?)\n", a_path);
    if (!b.has_end) fprintf(err, "otpsim: diff: warning: %s has no final \"end\" event (stopped early or cut at a line boundary?)\n", b_path);
    free(kc);
    trace_free(&a);
    trace_free(&b);
    return rc;
}

int host_diff_main(int argc, char **argv)
{
    const char *files[2] = { NULL, NULL };
    int nf = 0, context = 3;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(host_diff_usage, stdout);
            return 0;
        } else if (strcmp(a, "--context") == 0 || strncmp(a, "--context=", 10) == 0) {
            const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
            char *end;
            long n = v ? strtol(v, &end, 10) : -1;
            if (!v || !*v || *end || n < 0 || n > 1000000) {
                fprintf(stderr, "otpsim: diff: --context takes a number of events (see 'otpsim help diff')\n");
                return 2;
            }
            context = (int)n;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "otpsim: diff: unknown option '%s' (see 'otpsim help diff')\n", a);
            return 2;
        } else if (nf < 2) {
            files[nf++] = a;
        } else {
            fprintf(stderr, "otpsim: diff: takes two traces (see 'otpsim help diff')\n");
            return 2;
        }
    }
    if (nf != 2) {
        fprintf(stderr, "otpsim: diff: takes two traces: otpsim diff A.jsonl B.jsonl (see 'otpsim help diff')\n");
        return 2;
    }
    return host_diff_traces(files[0], files[1], NULL, NULL, context, stdout, stderr);
}
