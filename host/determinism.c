/* determinism.c — the determinism audit: run twice as separate processes, diff the traces.
 *
 * Each run is a fresh exec of this binary (/proc/self/exe), so address-space layout, allocator
 * state and hash-table seeds differ between the runs as they would between two invocations by
 * hand: anything the simulation leaks from them shows up as a trace difference. */
#include "determinism.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"
#include "scenario_int.h"
#include "sim/world.h"

#include <stddef.h>
#include <lua.h>

/* Before the first event (the script has set up its loads by then): one extra draw from every
 * random stream the world owns. */
static void extra_draw_between(void *ctx, const host_observation_t *o, uint64_t *events, sim_time_t *until)
{
    (void)ctx;
    sim_world_t *w = o->world;
    (void)prng_next(&w->rng_rt);
    (void)prng_next(&w->rng_sched);
    (void)prng_next(&w->net.rng);
    for (uint32_t i = 0; i < w->loads.n; i++) (void)prng_next(&w->loads.loads[i]->rng);
    host_scenario_t *s = (host_scenario_t *)(void *)((char *)w - offsetof(host_scenario_t, w));
    (void)prng_next(&s->rng_dist);
    lua_State *L = s->L;
    int top = lua_gettop(L);
    lua_getglobal(L, "math");
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "random");
        if (lua_isfunction(L, -1)) (void)lua_pcall(L, 0, 1, 0);
    }
    lua_settop(L, top);
    *events = UINT64_MAX;
    *until = SIM_TIME_MAX;
}

const host_observer_t host_test_extra_draw_observer = { .between = extra_draw_between };

/* Runs one child; its stdout goes to the terminal (show) or /dev/null. Returns its exit code,
 * or -1 if it could not run. */
static int run_child(const host_det_opts_t *o, const char *trace, bool show, bool perturb)
{
    char seedbuf[32], instrbuf[32], membuf[32];
    const char **argv = calloc(16 + 2 * o->nsets, sizeof *argv);
    char **kv = calloc(o->nsets + 1, sizeof *kv);
    if (!argv || !kv) {
        free(argv);
        free(kv);
        return -1;
    }
    size_t n = 0;
    argv[n++] = "otpsim";
    argv[n++] = "run";
    argv[n++] = o->path;
    snprintf(seedbuf, sizeof seedbuf, "%" PRIu64, o->seed);
    argv[n++] = "--seed";
    argv[n++] = seedbuf;
    for (size_t i = 0; i < o->nsets; i++) {
        kv[i] = malloc(strlen(o->sets[i].name) + strlen(o->sets[i].value) + 2);
        if (!kv[i]) continue;
        sprintf(kv[i], "%s=%s", o->sets[i].name, o->sets[i].value);
        argv[n++] = "--set";
        argv[n++] = kv[i];
    }
    if (o->instr_given) {
        snprintf(instrbuf, sizeof instrbuf, "%" PRIu64, o->max_instructions);
        argv[n++] = "--max-instructions";
        argv[n++] = instrbuf;
    }
    if (o->mem_given) {
        snprintf(membuf, sizeof membuf, "%zu", o->max_memory);
        argv[n++] = "--max-memory";
        argv[n++] = membuf;
    }
    if (o->quiet || !show) argv[n++] = "-q";
    argv[n++] = "--trace";
    argv[n++] = trace;
    if (perturb) argv[n++] = "--test-extra-draw";
    argv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        if (!show) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) {
                dup2(fd, 1);
                close(fd);
            }
        }
        execv("/proc/self/exe", (char *const *)argv);
        fprintf(stderr, "otpsim: run: --check-determinism: cannot exec /proc/self/exe: %s\n", strerror(errno));
        _exit(127);
    }
    int status = 0, rc = -1;
    if (pid > 0 && waitpid(pid, &status, 0) == pid) {
        if (WIFEXITED(status)) rc = WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) rc = 128 + WTERMSIG(status);
    }
    for (size_t i = 0; i < o->nsets; i++) free(kv[i]);
    free(kv);
    free(argv);
    return rc == 127 ? -1 : rc;
}

int host_check_determinism(const host_det_opts_t *o)
{
    char dir[] = "/tmp/otpsim-det-XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "otpsim: run: --check-determinism: cannot create a temporary directory: %s\n", strerror(errno));
        return 3;
    }
    char a[sizeof dir + 16], b[sizeof dir + 16];
    snprintf(a, sizeof a, "%s/run1.jsonl", dir);
    snprintf(b, sizeof b, "%s/run2.jsonl", dir);
    int rc1 = run_child(o, a, true, false);
    int rc2 = run_child(o, b, false, o->perturb_second);
    int rc;
    if (rc1 < 0 || rc2 < 0 || rc1 > 3 || rc2 > 3) {
        fprintf(stderr, "otpsim: run: --check-determinism: a run did not finish (exit %d and %d)\n", rc1, rc2);
        rc = 3;
    } else {
        printf("determinism check: comparing run 1 and run 2 (separate processes) event by event\n");
        int d = host_diff_traces(a, b, "run 1", "run 2", 3, stdout, stderr);
        if (d == 0 && rc1 == rc2) {
            printf("determinism: ok (2 runs, identical traces)\n");
            rc = rc1;
        } else {
            if (d == 0) printf("determinism: traces identical but exit codes differ (%d and %d)\n", rc1, rc2);
            printf("determinism: FAILED - the two runs diverge (exit 3)\n");
            rc = 3;
        }
    }
    unlink(a);
    unlink(b);
    char tmp[sizeof dir + 24];
    snprintf(tmp, sizeof tmp, "%s.tmp", a);
    unlink(tmp);
    snprintf(tmp, sizeof tmp, "%s.tmp", b);
    unlink(tmp);
    rmdir(dir);
    return rc;
}
