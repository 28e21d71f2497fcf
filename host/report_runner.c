/* report_runner.c — runs a plan's runs as `otpsim run` child processes, J at a time.
 *
 * Each run gets a worker: a fork of this process that starts `otpsim run SCENARIO --seed S
 * --set ... --json R.json --metrics R.csv --trace R.trace -q` (output to R.log) and reads its
 * trace through a FIFO (R.trace.tmp: the trace writer opens FILE.tmp and renames it at the end,
 * docs/trace-format.md), keeping only the fault and node up/down events (R.faults) — fault
 * windows for every run at the cost of formatting the trace, without writing it to disk. The
 * worker then writes R.status ("exit N" or "signal N") and exits. A crash of a run, or of its
 * worker, is a failed run in the report, never the end of the sweep.
 *
 * Interrupts: SIGINT or SIGTERM stops starting runs, terminates the running ones (workers
 * ignore SIGINT and forward SIGTERM to their run), and marks them "interrupted"; the caller
 * then builds a report from what finished. Progress goes to standard error: a bar on a
 * terminal, one line per finished run otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report_int.h"

static volatile sig_atomic_t stop_signal;      /* main: the signal that asked us to stop */
static volatile pid_t worker_child;            /* worker: its otpsim run */

static void on_stop(int sig) { stop_signal = sig; }

static void on_worker_term(int sig)
{
    (void)sig;
    if (worker_child > 0) kill(worker_child, SIGTERM);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* lint: wall-clock-ok (progress and ETA only) */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the worker ------------------------------------------------------------------------------ */

/* Keeps the trace lines the report needs: fault events and node up/down. */
static bool wanted_line(const char *s, size_t n)
{
    static const char *const kinds[] = { "\"kind\":\"fault\"", "\"kind\":\"node_down\"", "\"kind\":\"node_up\"" };
    for (size_t k = 0; k < 3; k++) {
        size_t kl = strlen(kinds[k]);
        /* the kind is the third field, near the start of the line */
        size_t lim = n < 96 ? n : 96;
        for (size_t i = 0; i + kl <= lim; i++)
            if (memcmp(s + i, kinds[k], kl) == 0) return true;
    }
    return false;
}

static char *run_path(const rp_runner_opts_t *o, const char *id, const char *ext)
{
    char name[128];
    snprintf(name, sizeof name, "runs/%s%s", id, ext);
    return rp_join(o->dir, name);
}

static void worker_status(const char *path, const char *text)
{
    rp_write_file(path, text, strlen(text));
}

static void add_arg(char ***argv, size_t *n, const char *s)
{
    *argv = rp_realloc(*argv, (*n + 2) * sizeof **argv);
    (*argv)[(*n)++] = rp_strdup(s);
    (*argv)[*n] = NULL;
}

/* Runs in the forked worker; never returns. */
static void worker_main(const rp_plan_t *p, const rp_runner_opts_t *o, size_t r)
{
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, on_worker_term);
    char id[64];
    rp_run_id(p, r, id, sizeof id);
    char *json = run_path(o, id, ".json"), *csv = run_path(o, id, ".csv"), *log = run_path(o, id, ".log");
    char *faults = run_path(o, id, ".faults"), *status = run_path(o, id, ".status");
    char *trace = run_path(o, id, ".trace"), *fifo = run_path(o, id, ".trace.tmp");
    const char *stale[] = { json, csv, faults, status, trace, fifo };
    for (size_t i = 0; i < 6; i++) unlink(stale[i]);

    char **argv = NULL;
    size_t argc = 0;
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, p->seed0 + r % p->nseeds);
    add_arg(&argv, &argc, o->argv0 ? o->argv0 : o->exe);
    add_arg(&argv, &argc, "run");
    add_arg(&argv, &argc, p->scenario);
    add_arg(&argv, &argc, "--seed");
    add_arg(&argv, &argc, seed);
    jbuf_t kv;
    jbuf_init(&kv);
    for (size_t i = 0; i < p->nsets; i++) {
        jbuf_reset(&kv);
        jbuf_printf(&kv, "%s=%s", p->sets[i].name, p->sets[i].value);
        add_arg(&argv, &argc, "--set");
        add_arg(&argv, &argc, jbuf_cstr(&kv));
    }
    for (size_t k = 0; k < p->nsweeps; k++) {
        jbuf_reset(&kv);
        jbuf_printf(&kv, "%s=%s", p->sweeps[k].name, rp_plan_value(p, r / p->nseeds, k));
        add_arg(&argv, &argc, "--set");
        add_arg(&argv, &argc, jbuf_cstr(&kv));
    }
    jbuf_deinit(&kv);
    add_arg(&argv, &argc, "--json");
    add_arg(&argv, &argc, json);
    add_arg(&argv, &argc, "--metrics");
    add_arg(&argv, &argc, csv);
    add_arg(&argv, &argc, "--trace");
    add_arg(&argv, &argc, trace);
    add_arg(&argv, &argc, "-q");
    for (size_t i = 0; i < p->nrun_opts; i++) add_arg(&argv, &argc, p->run_opts[i]);

    int rfd = -1, wfd = -1;
    if (mkfifo(fifo, 0600) == 0) {
        rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        /* our own write end: reads see "no data yet" (EAGAIN) instead of end-of-file until the
         * run has exited, however late it opens the trace */
        if (rfd >= 0) wfd = open(fifo, O_WRONLY | O_CLOEXEC);
    }
    if (rfd < 0 || wfd < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "error cannot create the trace pipe %s: %s\n", fifo, strerror(errno));
        worker_status(status, msg);
        _exit(3);
    }
    int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_t child = fork();
    if (child == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) dup2(nul, 0);
        if (logfd >= 0) {
            dup2(logfd, 1);
            dup2(logfd, 2);
        }
        execv(o->exe, argv);
        fprintf(stderr, "otpsim: report: cannot run %s: %s\n", o->exe, strerror(errno));
        _exit(127);
    }
    if (child < 0) {
        worker_status(status, "error fork failed\n");
        _exit(3);
    }
    worker_child = child;
    if (logfd >= 0) close(logfd);

    jbuf_t acc, keep;
    jbuf_init(&acc);
    jbuf_init(&keep);
    int wst = 0;
    bool exited = false;
    char buf[65536];
    for (;;) {
        struct pollfd pfd = { rfd, POLLIN, 0 };
        if (!exited) poll(&pfd, 1, 50);
        for (;;) {
            ssize_t k = read(rfd, buf, sizeof buf);
            if (k <= 0) break;
            jbuf_put(&acc, buf, (size_t)k);
            size_t start = 0;
            for (size_t i = acc.len - (size_t)k; i < acc.len; i++) {
                if (acc.p[i] != '\n') continue;
                if (wanted_line(acc.p + start, i - start)) jbuf_put(&keep, acc.p + start, i - start + 1);
                start = i + 1;
            }
            /* keep the unfinished line only (rescanning it costs little: lines are short) */
            if (start) {
                memmove(acc.p, acc.p + start, acc.len - start);
                acc.len -= start;
            }
        }
        if (exited) break;
        pid_t w = waitpid(child, &wst, WNOHANG);
        if (w == child) exited = true; /* one more pass drains what it wrote last */
    }
    close(rfd);
    close(wfd);
    unlink(fifo);
    unlink(trace);
    rp_write_file(faults, keep.len ? keep.p : "", keep.len);
    char msg[64];
    int code;
    if (WIFEXITED(wst)) {
        code = WEXITSTATUS(wst);
        snprintf(msg, sizeof msg, "exit %d\n", code);
    } else {
        int sig = WIFSIGNALED(wst) ? WTERMSIG(wst) : 0;
        code = 128 + sig;
        snprintf(msg, sizeof msg, "signal %d\n", sig);
    }
    worker_status(status, msg);
    _exit(code > 255 ? 255 : code);
}

/* ---- progress -------------------------------------------------------------------------------- */

typedef struct progress {
    int mode;
    size_t total, finished, failed;
    double t0;
    bool drawn;
} progress_t;

static void fmt_dur(char *b, size_t n, double s)
{
    if (!(s >= 0) || s > 1e7) {
        snprintf(b, n, "?");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(b, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(b, n, "%ld:%02ld", t / 60, t % 60);
}

static const char *progress_label = "report";
static const char *sweep_label;
static bool sweep_stop_on_fail;

void rp_runner_sweep_mode(bool stop_on_fail, const char *label)
{
    sweep_stop_on_fail = stop_on_fail;
    sweep_label = label;
}

static void progress_bar(progress_t *pg)
{
    if (pg->mode != RP_PROGRESS_BAR) return;
    const int width = 30;
    int fill = pg->total ? (int)((double)pg->finished / (double)pg->total * width) : width;
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    double el = wall_now() - pg->t0;
    char e[32], eta[32];
    fmt_dur(e, sizeof e, el);
    if (pg->finished) fmt_dur(eta, sizeof eta, el / (double)pg->finished * (double)(pg->total - pg->finished));
    else snprintf(eta, sizeof eta, "?");
    fprintf(stderr, "\r\033[K%s [%s] %zu/%zu runs", progress_label, bar, pg->finished, pg->total);
    if (pg->failed) fprintf(stderr, ", %zu failed", pg->failed);
    fprintf(stderr, "  %s elapsed, %s left", e, eta);
    fflush(stderr);
    pg->drawn = true;
}

static void progress_done(progress_t *pg, const rp_plan_t *p, const rp_runner_opts_t *o, size_t r, int code,
                          bool failed, double secs)
{
    pg->finished++;
    pg->failed += failed;
    if (pg->mode == RP_PROGRESS_NONE) return;
    if (pg->mode == RP_PROGRESS_BAR) {
        if (failed) {
            char id[64];
            rp_run_id(p, r, id, sizeof id);
            fprintf(stderr, "\r\033[K%s: run %s failed (%s %d), see %s/runs/%s.log\n", progress_label, id,
                    code >= 128 ? "signal" : "exit", code >= 128 ? code - 128 : code, o->dir, id);
        }
        progress_bar(pg);
        return;
    }
    char id[64];
    rp_run_id(p, r, id, sizeof id);
    jbuf_t b;
    jbuf_init(&b);
    for (size_t k = 0; k < p->nsweeps; k++)
        jbuf_printf(&b, " %s=%s", p->sweeps[k].name, rp_plan_value(p, r / p->nseeds, k));
    const char *what = code == 0 ? "pass" : code == 1 ? "a check failed" : code >= 128 ? "killed" : "ERROR";
    fprintf(stderr, "%s: [%zu/%zu] %s%s: %s%s (%.2fs)\n", progress_label, pg->finished, pg->total, id, jbuf_cstr(&b), what,
            failed ? ", see the .log" : "", secs);
    jbuf_deinit(&b);
}

/* ---- the pool -------------------------------------------------------------------------------- */

typedef struct slot { pid_t pid; size_t r; double t0; bool term_sent; } slot_t;

static bool already_done(const rp_runner_opts_t *o, const char *id)
{
    char *status = run_path(o, id, ".status"), *json = run_path(o, id, ".json");
    char *s = rp_read_file(status, NULL);
    bool ok = s && (strncmp(s, "exit 0", 6) == 0 || strncmp(s, "exit 1", 6) == 0) && access(json, R_OK) == 0;
    free(s);
    free(status);
    free(json);
    return ok;
}

int rp_runner_run(const rp_plan_t *p, const rp_runner_opts_t *o, rp_runner_result_t *res)
{
    memset(res, 0, sizeof *res);
    progress_label = sweep_label ? sweep_label : "report";
    char *runs = rp_join(o->dir, "runs");
    int rc = rp_mkdirs(runs);
    free(runs);
    if (rc) return -1;

    size_t *todo = rp_alloc((p->nruns ? p->nruns : 1) * sizeof *todo), ntodo = 0;
    for (size_t r = 0; r < p->nruns; r++) {
        if (!rp_in_shard(r, o->shard_k, o->shard_n)) continue;
        res->planned++;
        char id[64];
        rp_run_id(p, r, id, sizeof id);
        if (!o->force && already_done(o, id)) {
            res->skipped++;
            continue;
        }
        todo[ntodo++] = r;
    }
    size_t jobs = o->jobs ? o->jobs : 1;
    slot_t *slots = rp_alloc(jobs * sizeof *slots);
    progress_t pg = { o->progress, ntodo, 0, 0, wall_now(), false };
    if (pg.mode == RP_PROGRESS_AUTO) pg.mode = isatty(STDERR_FILENO) ? RP_PROGRESS_BAR : RP_PROGRESS_LINES;
    if (pg.mode != RP_PROGRESS_NONE && res->skipped)
        fprintf(stderr, "report: %zu of %zu runs already done in %s/runs, resuming\n", res->skipped, res->planned, o->dir);
    progress_bar(&pg);

    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int); /* no SA_RESTART: waitpid returns EINTR */
    sigaction(SIGTERM, &sa, &old_term);
    stop_signal = 0;
    fflush(NULL);

    size_t next = 0, running = 0;
    for (;;) {
        while (!stop_signal && !(sweep_stop_on_fail && (res->check_failed || res->failed)) && running < jobs &&
               next < ntodo) {
            size_t r = todo[next++];
            pid_t pid = fork();
            if (pid == 0) {
                sigaction(SIGINT, &old_int, NULL);
                sigaction(SIGTERM, &old_term, NULL);
                worker_main(p, o, r);
            }
            if (pid < 0) {
                fprintf(stderr, "otpsim: report: fork failed: %s\n", strerror(errno));
                next--;
                break;
            }
            for (size_t j = 0; j < jobs; j++)
                if (slots[j].pid == 0) {
                    slots[j] = (slot_t){ pid, r, wall_now(), false };
                    break;
                }
            running++;
        }
        if (running == 0) break;
        if (stop_signal) {
            for (size_t j = 0; j < jobs; j++)
                if (slots[j].pid > 0 && !slots[j].term_sent) {
                    kill(slots[j].pid, SIGTERM);
                    slots[j].term_sent = true;
                }
        }
        int st;
        pid_t w = waitpid(-1, &st, 0);
        if (w < 0) {
            if (errno == EINTR) continue;
            break;
        }
        size_t j = 0;
        while (j < jobs && slots[j].pid != w) j++;
        if (j == jobs) continue; /* not one of ours */
        size_t r = slots[j].r;
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        bool interrupted = stop_signal && code != 0 && code != 1;
        bool failed = code != 0 && code != 1 && !interrupted;
        char id[64];
        rp_run_id(p, r, id, sizeof id);
        char *status = run_path(o, id, ".status");
        if (interrupted) {
            worker_status(status, "interrupted\n");
            res->interrupted++;
        } else if (access(status, F_OK) != 0) { /* the worker itself died */
            char msg[64];
            snprintf(msg, sizeof msg, "signal %d\n", code >= 128 ? code - 128 : 0);
            worker_status(status, code >= 128 ? msg : "error the worker ended without a status\n");
        }
        free(status);
        if (failed) res->failed++;
        else if (!interrupted) res->done++;
        if (code == 1 && !interrupted) res->check_failed++;
        if (!interrupted) progress_done(&pg, p, o, r, code, failed, wall_now() - slots[j].t0);
        slots[j].pid = 0;
        running--;
    }
    if (pg.mode == RP_PROGRESS_BAR && pg.drawn) fputc('\n', stderr);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (!stop_signal && next < ntodo) res->not_started = ntodo - next; /* --stop-on-fail */
    if (stop_signal) {
        res->was_interrupted = true;
        res->interrupted += ntodo - next;
        fprintf(stderr, "report: interrupted (%s): %zu runs did not finish; writing the report of the rest\n",
                stop_signal == SIGINT ? "SIGINT" : "SIGTERM", res->interrupted);
    }
    free(slots);
    free(todo);
    return 0;
}
