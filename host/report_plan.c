/* report_plan.c — what a report runs: sweeps, points, seeds, run names; plan.json; file helpers.
 *
 * A plan is the Cartesian product of its sweeps (the last --sweep varies fastest) times its
 * seeds. Run r is point r / nseeds with seed seed0 + r % nseeds, and its files are named
 * "p<point, 1-based, 4 digits>-s<seed>" — so a run's name, its place in a shard (r mod N) and
 * its content depend on the plan alone: shards made on different machines fit together. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "report_int.h"

/* ---- memory and files -------------------------------------------------------------------- */

void *rp_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        fputs("otpsim: report: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *rp_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("otpsim: report: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *rp_strdup(const char *s)
{
    size_t n = strlen(s ? s : "");
    char *d = rp_alloc(n + 1);
    if (n) memcpy(d, s, n);
    return d;
}

char *rp_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = rp_alloc(a + b + 2);
    memcpy(p, dir, a);
    size_t o = a;
    if (a && dir[a - 1] != '/') p[o++] = '/';
    memcpy(p + o, name, b);
    return p;
}

uint64_t rp_fnv64(const char *s, size_t n)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

char *rp_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, n = 0;
    char *buf = rp_alloc(cap);
    for (;;) {
        if (n + 1 >= cap) buf = rp_realloc(buf, cap *= 2);
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0) break;
    }
    bool err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

int rp_write_file(const char *path, const char *data, size_t len)
{
    int rc = atomic_file_write(path, data, len);
    if (rc) fprintf(stderr, "otpsim: report: cannot write %s: %s\n", path, strerror(errno));
    return rc;
}

int rp_mkdirs(const char *path)
{
    char *p = rp_strdup(path);
    int rc = 0;
    for (char *s = p + 1; rc == 0; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
            *s = c;
            if (!c) break;
        }
    }
    if (rc) fprintf(stderr, "otpsim: report: cannot create directory %s: %s\n", path, strerror(errno));
    free(p);
    return rc;
}

/* ---- sweeps --------------------------------------------------------------------------------- */

static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
    for (size_t i = 1; i < n; i++)
        if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

static int parse_num(const char *s, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int rp_sweep_parse(const char *spec, rp_sweep_t *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    const char *eq = strchr(spec, '=');
    if (!eq || !valid_name(spec, (size_t)(eq - spec))) {
        snprintf(err, errlen, "--sweep takes NAME=FROM..TO/STEP or NAME=v1,v2,... (got '%s')", spec);
        return -1;
    }
    s->name = strndup(spec, (size_t)(eq - spec));
    const char *v = eq + 1, *dots = strstr(v, "..");
    if (dots) {
        const char *slash = strchr(dots + 2, '/');
        double from, to, step = 1;
        if (parse_num(v, (size_t)(dots - v), &from) != 0 ||
            parse_num(dots + 2, slash ? (size_t)(slash - dots - 2) : strlen(dots + 2), &to) != 0 ||
            (slash && parse_num(slash + 1, strlen(slash + 1), &step) != 0)) {
            snprintf(err, errlen, "--sweep %s: FROM..TO/STEP needs three numbers (got '%s')", s->name, v);
            goto fail;
        }
        if (!(step > 0) || to < from) {
            snprintf(err, errlen, "--sweep %s: needs FROM <= TO and STEP > 0 (got '%s')", s->name, v);
            goto fail;
        }
        double count = floor((to - from) / step + 1e-9) + 1;
        if (count > 10000) {
            snprintf(err, errlen, "--sweep %s: %.0f values is too many (at most 10000)", s->name, count);
            goto fail;
        }
        s->n = (size_t)count;
        s->values = rp_alloc(s->n * sizeof *s->values);
        for (size_t i = 0; i < s->n; i++) {
            char buf[64];
            double x = from + (double)i * step;
            if (fabs(x) < 1e-12 * step) x = 0;
            snprintf(buf, sizeof buf, "%.10g", x);
            s->values[i] = rp_strdup(buf);
        }
        return 0;
    }
    if (!*v) {
        snprintf(err, errlen, "--sweep %s: no values", s->name);
        goto fail;
    }
    for (const char *p = v;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 0) {
            snprintf(err, errlen, "--sweep %s: an empty value in '%s'", s->name, v);
            goto fail;
        }
        s->values = rp_realloc(s->values, (s->n + 1) * sizeof *s->values);
        s->values[s->n++] = strndup(p, n);
        if (!c) break;
        p = c + 1;
    }
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->values[i], s->values[j]) == 0) {
                snprintf(err, errlen, "--sweep %s: the value '%s' is given twice", s->name, s->values[i]);
                goto fail;
            }
    return 0;
fail:
    for (size_t i = 0; i < s->n; i++) free(s->values[i]);
    free(s->values);
    free(s->name);
    memset(s, 0, sizeof *s);
    return -1;
}

/* ---- the plan ----------------------------------------------------------------------------- */

void rp_plan_finish(rp_plan_t *p)
{
    p->npoints = 1;
    for (size_t k = 0; k < p->nsweeps; k++) p->npoints *= p->sweeps[k].n;
    p->nruns = p->npoints * p->nseeds;
}

void rp_plan_free(rp_plan_t *p)
{
    free(p->scenario);
    free(p->scenario_text);
    free(p->version);
    for (size_t i = 0; i < p->nsets; i++) {
        free(p->sets[i].name);
        free(p->sets[i].value);
    }
    free(p->sets);
    for (size_t k = 0; k < p->nsweeps; k++) {
        for (size_t i = 0; i < p->sweeps[k].n; i++) free(p->sweeps[k].values[i]);
        free(p->sweeps[k].values);
        free(p->sweeps[k].name);
    }
    free(p->sweeps);
    free(p->load_param);
    free(p->scale_param);
    for (size_t i = 0; i < p->ndetails; i++) free(p->details[i]);
    free(p->details);
    for (size_t i = 0; i < p->nrun_opts; i++) free(p->run_opts[i]);
    free(p->run_opts);
    memset(p, 0, sizeof *p);
}

size_t rp_plan_digit(const rp_plan_t *p, size_t point, size_t k)
{
    size_t div = 1;
    for (size_t j = p->nsweeps; j-- > k + 1;) div *= p->sweeps[j].n;
    return (point / div) % p->sweeps[k].n;
}

const char *rp_plan_value(const rp_plan_t *p, size_t point, size_t k)
{
    return p->sweeps[k].values[rp_plan_digit(p, point, k)];
}

int rp_plan_sweep_index(const rp_plan_t *p, const char *name)
{
    if (!name) return -1;
    for (size_t k = 0; k < p->nsweeps; k++)
        if (strcmp(p->sweeps[k].name, name) == 0) return (int)k;
    return -1;
}

void rp_run_id(const rp_plan_t *p, size_t r, char *buf, size_t n)
{
    snprintf(buf, n, "p%04zu-s%" PRIu64, r / p->nseeds + 1, p->seed0 + r % p->nseeds);
}

static void json_strs(jbuf_t *b, char *const *v, size_t n)
{
    jbuf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) jbuf_putc(b, ',');
        jbuf_json_str(b, v[i], strlen(v[i]));
    }
    jbuf_putc(b, ']');
}

static void json_opt_str(jbuf_t *b, const char *s)
{
    if (s) jbuf_json_str(b, s, strlen(s));
    else jbuf_puts(b, "null");
}

void rp_sets_json(jbuf_t *b, const rp_kv_t *sets, size_t n)
{
    jbuf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        jbuf_puts(b, i ? ",[" : "[");
        jbuf_json_str(b, sets[i].name, strlen(sets[i].name));
        jbuf_putc(b, ',');
        jbuf_json_str(b, sets[i].value, strlen(sets[i].value));
        jbuf_putc(b, ']');
    }
    jbuf_putc(b, ']');
}

void rp_plan_json(const rp_plan_t *p, jbuf_t *b)
{
    jbuf_puts(b, "{\"format\":\"otpsim-report-plan/1\",\"otpsim_version\":");
    json_opt_str(b, p->version);
    jbuf_puts(b, ",\"scenario\":");
    json_opt_str(b, p->scenario);
    jbuf_printf(b, ",\"scenario_fnv64\":\"%s\",\"sets\":", p->scenario_hash);
    rp_sets_json(b, p->sets, p->nsets);
    jbuf_puts(b, ",\"sweeps\":[");
    for (size_t k = 0; k < p->nsweeps; k++) {
        jbuf_puts(b, k ? ",{\"name\":" : "{\"name\":");
        jbuf_json_str(b, p->sweeps[k].name, strlen(p->sweeps[k].name));
        jbuf_puts(b, ",\"values\":");
        json_strs(b, p->sweeps[k].values, p->sweeps[k].n);
        jbuf_putc(b, '}');
    }
    jbuf_printf(b, "],\"seed\":%" PRIu64 ",\"seeds\":%zu,\"load\":", p->seed0, p->nseeds);
    json_opt_str(b, p->load_param);
    jbuf_puts(b, ",\"scale\":");
    json_opt_str(b, p->scale_param);
    jbuf_puts(b, ",\"details\":");
    json_strs(b, p->details, p->ndetails);
    jbuf_puts(b, ",\"run_options\":");
    json_strs(b, p->run_opts, p->nrun_opts);
    jbuf_printf(b, ",\"points\":%zu,\"runs\":%zu}\n", p->npoints, p->nruns);
}

static int strs_from(const rj_t *a, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!a || a->type != RJ_ARR) return -1;
    *out = rp_alloc((a->n ? a->n : 1) * sizeof **out);
    for (size_t i = 0; i < a->n; i++) {
        const char *s = rj_str(a->items[i], NULL);
        if (!s) return -1;
        (*out)[(*n)++] = rp_strdup(s);
    }
    return 0;
}

int rp_plan_from_json(const rj_t *j, rp_plan_t *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (strcmp(rj_str(rj_get(j, "format"), ""), "otpsim-report-plan/1") != 0) {
        snprintf(err, errlen, "not an otpsim report plan (format otpsim-report-plan/1)");
        return -1;
    }
    p->version = rp_strdup(rj_str(rj_get(j, "otpsim_version"), "?"));
    p->scenario = rp_strdup(rj_str(rj_get(j, "scenario"), ""));
    snprintf(p->scenario_hash, sizeof p->scenario_hash, "%s", rj_str(rj_get(j, "scenario_fnv64"), ""));
    const rj_t *sets = rj_get(j, "sets"), *sweeps = rj_get(j, "sweeps");
    if (!sets || sets->type != RJ_ARR || !sweeps || sweeps->type != RJ_ARR) goto bad;
    p->sets = rp_alloc((sets->n ? sets->n : 1) * sizeof *p->sets);
    for (size_t i = 0; i < sets->n; i++) {
        const rj_t *kv = sets->items[i];
        if (kv->type != RJ_ARR || kv->n != 2) goto bad;
        p->sets[i].name = rp_strdup(rj_str(kv->items[0], ""));
        p->sets[i].value = rp_strdup(rj_str(kv->items[1], ""));
        p->nsets++;
    }
    p->sweeps = rp_alloc((sweeps->n ? sweeps->n : 1) * sizeof *p->sweeps);
    for (size_t k = 0; k < sweeps->n; k++) {
        rp_sweep_t *s = &p->sweeps[k];
        s->name = rp_strdup(rj_str(rj_get(sweeps->items[k], "name"), ""));
        p->nsweeps++;
        if (strs_from(rj_get(sweeps->items[k], "values"), &s->values, &s->n) != 0 || s->n == 0) goto bad;
    }
    p->seed0 = (uint64_t)rj_num(rj_get(j, "seed"), 1);
    p->nseeds = (size_t)rj_num(rj_get(j, "seeds"), 1);
    const char *lp = rj_str(rj_get(j, "load"), NULL), *sp = rj_str(rj_get(j, "scale"), NULL);
    p->load_param = lp ? rp_strdup(lp) : NULL;
    p->scale_param = sp ? rp_strdup(sp) : NULL;
    if (strs_from(rj_get(j, "details"), &p->details, &p->ndetails) != 0) goto bad;
    if (strs_from(rj_get(j, "run_options"), &p->run_opts, &p->nrun_opts) != 0) goto bad;
    if (p->nseeds < 1) goto bad;
    rp_plan_finish(p);
    return 0;
bad:
    snprintf(err, errlen, "a malformed plan.json");
    rp_plan_free(p);
    return -1;
}

int rp_plan_compare(const rp_plan_t *a, const rp_plan_t *b, char *err, size_t errlen)
{
    jbuf_t ja, jb;
    jbuf_init(&ja);
    jbuf_init(&jb);
    rp_plan_json(a, &ja);
    rp_plan_json(b, &jb);
    int rc = strcmp(jbuf_cstr(&ja), jbuf_cstr(&jb)) == 0 ? 0 : -1;
    if (rc) {
        const char *what = "the plan";
        if (strcmp(a->scenario_hash, b->scenario_hash) != 0) what = "the scenario's contents";
        else if (a->seed0 != b->seed0 || a->nseeds != b->nseeds) what = "the seeds";
        else if (a->npoints != b->npoints || a->nsweeps != b->nsweeps) what = "the sweeps";
        else if (strcmp(a->version ? a->version : "", b->version ? b->version : "") != 0) what = "the otpsim version";
        snprintf(err, errlen, "%s differ", what);
    }
    jbuf_deinit(&ja);
    jbuf_deinit(&jb);
    return rc;
}
