/* report_int.h — private to the report module (host/report*.c): the plan of runs, the runner,
 * the model built from the runs' results, and the writers of the report's files.
 *
 * Flow: report.c parses the command line into an rp_plan_t (points = the Cartesian product of
 * the sweeps, each run = a point x a seed); report_runner.c executes the plan's runs (or one
 * shard of them) as `otpsim run` child processes whose raw results land in DIR/runs/;
 * report_model.c reads DIR/runs/ back into an rp_model_t (per-run metrics, per-point statistics
 * across seeds, knees, SLO maxima, USL fits, fault impact, baseline deltas) and
 * report_write.c writes the data, plots and documents. The model is built only from files, so a
 * report merged from shards is byte-identical to one built in a single process. */
#ifndef HOST_REPORT_INT_H
#define HOST_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/jbuf.h"
#include "report_stats.h"

/* ---- JSON (report_json.c) ---------------------------------------------------------------- */
typedef enum { RJ_NULL, RJ_BOOL, RJ_NUM, RJ_STR, RJ_ARR, RJ_OBJ } rj_type_t;
typedef struct rj {
    rj_type_t type;
    bool b;
    double num;
    char *str;           /* a string's bytes (NUL-terminated) or a number's source text */
    size_t len;
    struct rj **items;   /* array elements or object values */
    char **keys;         /* object keys, in document order */
    size_t n, cap;
} rj_t;
/* NULL on malformed input (err receives "what at byte N"). The tree is owned by the caller. */
rj_t *rj_parse(const char *text, size_t len, char *err, size_t errlen);
rj_t *rj_parse_file(const char *path, char *err, size_t errlen);
void rj_free(rj_t *v);
const rj_t *rj_get(const rj_t *obj, const char *key);   /* NULL if absent or not an object */
double rj_num(const rj_t *v, double def);                /* numbers and booleans */
const char *rj_str(const rj_t *v, const char *def);      /* strings and numbers' text */

/* ---- files (report_plan.c) --------------------------------------------------------------- */
char *rp_read_file(const char *path, size_t *len);       /* NUL-terminated, owned; NULL on error */
int rp_write_file(const char *path, const char *data, size_t len);  /* via path.tmp + rename */
int rp_mkdirs(const char *path);                          /* mkdir -p */
char *rp_join(const char *dir, const char *name);         /* "dir/name", owned */
char *rp_strdup(const char *s);                           /* aborts on out of memory */
void *rp_alloc(size_t n);                                 /* zeroed; aborts on out of memory */
void *rp_realloc(void *p, size_t n);
uint64_t rp_fnv64(const char *s, size_t n);

/* ---- the plan (report_plan.c) ------------------------------------------------------------ */
typedef struct rp_sweep { char *name; char **values; size_t n; } rp_sweep_t;
typedef struct rp_kv { char *name, *value; } rp_kv_t;

typedef struct rp_plan {
    char *scenario;                 /* the path as given */
    char *scenario_text;            /* its contents (shown in the report, copied to DIR) */
    char scenario_hash[17];         /* FNV-1a 64 of the contents */
    char *version;                  /* otpsim version that ran it */
    rp_kv_t *sets;                  /* --set NAME=VALUE, fixed for every run */
    size_t nsets;
    rp_sweep_t *sweeps;             /* points = Cartesian product, the last sweep fastest */
    size_t nsweeps;
    uint64_t seed0;                 /* seeds seed0 .. seed0 + nseeds - 1 */
    size_t nseeds;
    char *load_param;               /* the x axis of the load curves (NULL: none swept) */
    char *scale_param;              /* the N of the scalability fit (NULL: none) */
    char **details;                 /* --detail NAME=V[,NAME=V]: points shown in detail */
    size_t ndetails;
    char **run_opts;                /* options passed to every run (--max-instructions N ...) */
    size_t nrun_opts;
    size_t npoints, nruns;
} rp_plan_t;

/* Parses "NAME=FROM..TO/STEP" or "NAME=v1,v2,..." into s; -1 with a message in err. */
int rp_sweep_parse(const char *spec, rp_sweep_t *s, char *err, size_t errlen);
void rp_plan_finish(rp_plan_t *p);                        /* computes npoints and nruns */
void rp_plan_free(rp_plan_t *p);
/* Index into sweeps[k].values of point `point` (0-based). */
size_t rp_plan_digit(const rp_plan_t *p, size_t point, size_t k);
const char *rp_plan_value(const rp_plan_t *p, size_t point, size_t k);
int rp_plan_sweep_index(const rp_plan_t *p, const char *name);   /* -1 if not swept */
/* "p0003-s2": run r's file stem (point r / nseeds + 1, seed seed0 + r % nseeds). */
void rp_run_id(const rp_plan_t *p, size_t r, char *buf, size_t n);
/* plan.json: everything that defines the runs (not the shard). */
void rp_plan_json(const rp_plan_t *p, jbuf_t *out);
void rp_sets_json(jbuf_t *b, const rp_kv_t *sets, size_t n);   /* [["name","value"],...] */
int rp_plan_from_json(const rj_t *j, rp_plan_t *p, char *err, size_t errlen);
/* 0 if a and b define the same runs, else -1 and what differs in err. */
int rp_plan_compare(const rp_plan_t *a, const rp_plan_t *b, char *err, size_t errlen);

/* ---- running (report_runner.c) ----------------------------------------------------------- */
typedef struct rp_runner_opts {
    const char *exe;                /* the otpsim binary to run: /proc/self/exe, the very binary
                                     * running the report even if the file has been replaced since */
    const char *argv0;              /* what the runs see as argv[0] (their reproduce: lines) */
    const char *dir;                /* DIR: results go to DIR/runs/ */
    size_t jobs;                    /* parallel runs */
    size_t shard_k, shard_n;        /* run only r % shard_n == shard_k - 1 (1-based k) */
    int progress;                   /* RP_PROGRESS_* */
    bool force;                     /* rerun runs whose results exist */
} rp_runner_opts_t;
/* For `otpsim sweep` (host/sweep.c), before rp_runner_run; the report never calls it: start no
 * more runs once one exits non-zero, and prefix progress lines with `label` (NULL: "report"). */
void rp_runner_sweep_mode(bool stop_on_fail, const char *label);
enum { RP_PROGRESS_AUTO, RP_PROGRESS_BAR, RP_PROGRESS_LINES, RP_PROGRESS_NONE };

typedef struct rp_runner_result {
    size_t planned, done, failed, skipped, interrupted;
    bool was_interrupted;           /* SIGINT/SIGTERM stopped the sweep */
    size_t check_failed;            /* runs that exited 1 (counted in done) */
    size_t not_started;             /* --stop-on-fail: runs left out after a failure */
} rp_runner_result_t;
/* Runs this shard's runs of the plan; never exits the process. Returns 0, or -1 if it could not
 * start at all (message printed). */
int rp_runner_run(const rp_plan_t *p, const rp_runner_opts_t *o, rp_runner_result_t *res);
/* True for runs of shard k of n (always true when n <= 1). */
static inline bool rp_in_shard(size_t r, size_t k, size_t n) { return n <= 1 || r % n == k - 1; }

/* ---- the model (report_model.c) ---------------------------------------------------------- */
enum { RP_RUN_DONE, RP_RUN_FAILED, RP_RUN_MISSING };

typedef struct rp_metric {
    char *scope, *object, *field;   /* "load" "api" "resp_p99"; object "" for run-wide metrics */
    const char *unit;               /* "ms", "/s", "", "%" ... (static) */
    int better;                     /* +1 higher is better, -1 lower is better, 0 neither */
} rp_metric_t;

typedef struct rp_fault {
    double t0, t1;                  /* seconds; t1 == t0: an instant (kill, disconnect) */
    char *kind;                     /* crash, down, partition, degrade, slow, pause, kill, nemesis ... */
    char *what;                     /* node or detail, as the trace said */
} rp_fault_t;

typedef struct rp_series {          /* a run's --metrics time series, as a table */
    size_t nkeys, ntimes;
    char **scope, **name, **metric; /* per key */
    double *t;                      /* sample times (s) */
    double *v;                      /* ntimes x nkeys, NaN where absent */
} rp_series_t;

typedef struct rp_run {
    size_t point, seed_index;
    uint64_t seed;
    int state;                      /* RP_RUN_* */
    int exit_code;                  /* otpsim run's exit code, -1 if none */
    char *why;                      /* failed / missing: what happened */
    char trace_hash[17];
    uint64_t events;
    double sim_s;
    rj_t *json;
    rp_series_t series;
    rp_fault_t *faults;
    size_t nfaults;
    double *m;                      /* per metric; NaN where absent */
    size_t mcap;
} rp_run_t;

typedef struct rp_point {
    char *label;                    /* "rate=500 nodes=2" (or "defaults") */
    double x;                       /* the load parameter's value (NaN: not swept or not numeric) */
    double scale;                   /* the scale parameter's value */
    size_t group, sgroup;           /* load-curve group, scaling group */
    size_t ndone, nfailed, nmissing;
    size_t slo_pass;                /* done runs whose every SLO passed */
    rp_stat_t *st;                  /* per metric, across the done runs */
} rp_point_t;

typedef struct rp_slo {             /* an SLO, parsed from its check "SLO <load>: <text>" */
    char *name;                     /* the check name */
    char *load, *metric;
    int op;                         /* -1 at most (<, <=), +1 at least (>, >=) */
    double threshold;               /* ms for latencies, a fraction for rates, /s */
    bool log_scale;                 /* interpolate in log space (latencies) */
} rp_slo_t;

typedef struct rp_group {           /* points sharing every swept value but the load's */
    char *label;                    /* "nodes=2" or "all points" */
    size_t *pts;                    /* point indices, by increasing x */
    size_t n;
    int knee;                       /* index into pts of the throughput knee (Kneedle), -1 */
    rp_stat_t knee_seeds;           /* the knee of each seed's own curve */
    int lat_knee;                   /* index into pts of the p99 knee, -1 */
    rp_stat_t slo_max;              /* per seed: the largest load meeting every SLO */
    int slo_censor;                 /* +1 every point passed (>= last x), -1 the first failed */
    double slo_max_all;             /* largest x where every seed passes at it and below; NaN */
    int slo_first_fail;             /* index into pts of the first point where a seed fails, -1 */
    char *bottleneck;               /* a sentence */
} rp_group_t;

typedef struct rp_scaling {         /* a USL fit over the scale parameter */
    char *label;
    double *N, *X;                  /* per (scale value, seed) */
    size_t n;
    double *Nu;                     /* distinct N */
    rp_stat_t *Xu;                  /* X across seeds per distinct N */
    size_t nu;
    rp_usl_t fit;
} rp_scaling_t;

typedef struct rp_delta {           /* one baseline comparison */
    char *what;                     /* "rate=500: api p99 (ms)" */
    char *key;                      /* the summary.json key it came from */
    rp_stat_t base, cur;
    double delta, rel;              /* cur - base, and relative to |base| */
    int better;
    bool significant, regression, improvement;
} rp_delta_t;

typedef struct rp_model {
    rp_plan_t *plan;                /* borrowed */
    rp_run_t *runs;
    size_t nruns;
    rp_point_t *points;
    size_t npoints;
    rp_metric_t *metrics;
    size_t nmetrics, mcap;
    char **loads, **nodes, **procs; /* names in order of first appearance */
    size_t nloads, nnodes, nprocs;
    rp_slo_t *slos;
    size_t nslos;
    char **checks;                  /* other checks */
    size_t nchecks;
    const char *load;               /* the primary load: the first one */
    rp_group_t *groups;
    size_t ngroups;
    rp_scaling_t *scaling;
    size_t nscaling;
    size_t *details;                /* points shown in detail */
    size_t ndetails;
    size_t nfailed, nmissing, ndone;
    bool any_faults;
    char *baseline_dir;             /* NULL without --baseline */
    char *baseline_scenario;
    rp_delta_t *deltas;
    size_t ndeltas, nregressions, nimprovements;
    double threshold;               /* relative change that counts (0.05) */
    char *warnings;                 /* lines noted while building */
} rp_model_t;

/* Builds the model from dir/runs/ (every run of the plan, whatever shard made it). baseline may
 * be NULL. Returns 0, or -1 with a message printed. */
int rp_model_build(rp_model_t *m, rp_plan_t *p, const char *dir, const char *baseline, double threshold);
void rp_model_free(rp_model_t *m);
int rp_metric_find(const rp_model_t *m, const char *scope, const char *object, const char *field);
/* Value of metric `scope/object/field` in run r, or point p's statistic (NULL if absent). */
double rp_run_metric(const rp_model_t *m, const rp_run_t *r, const char *scope, const char *object, const char *field);
const rp_stat_t *rp_point_stat(const rp_model_t *m, size_t point, const char *scope, const char *object, const char *field);
/* The run of point p shown in detail: its first done seed, or NULL. */
const rp_run_t *rp_detail_run(const rp_model_t *m, size_t point);
/* Column k of a series, or -1. */
int rp_series_key(const rp_series_t *s, const char *scope, const char *name, const char *metric);
/* Whether the sample ending at s->t[i] overlaps one of the run's fault windows. */
bool rp_in_fault(const rp_run_t *r, double t0, double t1);

/* ---- writing (report_write.c) ------------------------------------------------------------ */
typedef struct rp_write_opts {
    const char *gnuplot;            /* "gnuplot" or $OTPSIM_GNUPLOT */
    bool quiet;
} rp_write_opts_t;
/* Writes index.html, report.md, summary.json, data/, plots/ into dir. 0 or -1. */
int rp_report_write(const rp_model_t *m, const char *dir, const rp_write_opts_t *o);

/* Formatting shared by the writers: a number as people read it ("1234", "12.3", "0.0123"). */
void rp_fmt(char *buf, size_t n, double v);
void rp_fmt_ci(char *buf, size_t n, const rp_stat_t *s);   /* "12.3 ± 0.4" or "12.3" */

#endif
