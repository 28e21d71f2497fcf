/* runobs.c — stopping a run at a moment and numbering failed checks (see runobs.h).
 *
 * --until T runs every event due at or before virtual time T, then stops; --until-event N stops
 * as soon as trace event N has been recorded (one scheduler step can record several events, so
 * the run may stop a few events after N: the report says where it stopped). At the stop the
 * state is printed (time, event, nodes, the trace-hash so far); the checks are not judged; the
 * trace written so far (--trace) is kept, without an "end" event; the process exits 0. */
#include "runobs.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dur.h"
#include "runtime/rt.h"
#include "sim/kernel/trace.h"
#include "sim/world.h"

static host_runobs_t *tr_owner(void *ctx) { return ctx; }

static void tr_begin(void *ctx, uint64_t ev, sim_time_t time, const char *kind)
{
    host_runobs_t *ro = tr_owner(ctx);
    ro->cur_ev = ev;
    /* only check, slo and property events are looked at (cheap on the other kinds) */
    ro->cur_judged = (kind[0] == 'c' && strcmp(kind, "check") == 0) || (kind[0] == 's' && strcmp(kind, "slo") == 0) ||
                     (kind[0] == 'p' && strcmp(kind, "property") == 0);
    if (ro->cur_name) {
        free(ro->cur_name);
        ro->cur_name = NULL;
    }
    ro->cur_failed = false;
    host_perfetto_begin(ro->perfetto, ev, time, kind);
    const trace_observer_t *in = ro->inner_tr;
    if (in && in->begin) in->begin(in->ctx, ev, time, kind);
}

static void tr_field(void *ctx, const trace_field_t *f)
{
    host_runobs_t *ro = tr_owner(ctx);
    if (ro->cur_judged) {
        if (strcmp(f->key, "name") == 0 && f->type == 's') {
            free(ro->cur_name);
            ro->cur_name = strndup(f->data, f->n);
        } else if (strcmp(f->key, "ok") == 0 && f->type == 'b') {
            ro->cur_failed = f->u == 0;
        } else if (strcmp(f->key, "state") == 0 && f->type == 's') {
            ro->cur_failed = (f->n == 8 && memcmp(f->data, "violated", 8) == 0) ||
                             (f->n == 6 && memcmp(f->data, "failed", 6) == 0);
        }
    }
    host_perfetto_field(ro->perfetto, f);
    const trace_observer_t *in = ro->inner_tr;
    if (in && in->field) in->field(in->ctx, f);
}

static void tr_end(void *ctx)
{
    host_runobs_t *ro = tr_owner(ctx);
    if (ro->cur_failed && ro->cur_name && !host_runobs_fail_event(ro, ro->cur_name)) {
        host_fail_ev_t *n = realloc(ro->fails, (ro->nfails + 1) * sizeof *n);
        if (n) {
            ro->fails = n;
            ro->fails[ro->nfails].name = ro->cur_name;
            ro->fails[ro->nfails].ev = ro->cur_ev;
            ro->nfails++;
            ro->cur_name = NULL;
        }
    }
    host_perfetto_end(ro->perfetto);
    const trace_observer_t *in = ro->inner_tr;
    if (in && in->end) in->end(in->ctx);
}

static void ro_attach(void *ctx, struct sim_world *w)
{
    host_runobs_t *ro = ctx;
    ro->world = w;
    if (ro->inner && ro->inner->attach) ro->inner->attach(ro->inner->ctx, w);
    ro->inner_tr = w->tr.obs;
    trace_observer_set(&w->tr, ro->tr_self);
}

static void stop_here(host_runobs_t *ro, const host_observation_t *o)
{
    sim_world_t *w = o->world;
    FILE *out = ro->out;
    char t[32], nt[32];
    host_dur_format(evq_now(&w->q), t, sizeof t);
    fprintf(out, "stopped: %s at event %" PRIu64 ", sim-time %s (the checks are not judged)\n",
            ro->until_event ? "--until-event" : "--until", trace_events(&w->tr), t);
    if (o->next_time != SIM_TIME_MAX) {
        host_dur_format(o->next_time, nt, sizeof nt);
        fprintf(out, "next event due at: %s\n", nt);
    }
    if (w->rt) {
        fprintf(out, "nodes:\n");
        for (uint32_t i = 0; i < w->nnodes; i++)
            fprintf(out, "  %-16s %-4s cores %-3u processes %-6zu memory %-10" PRIu64 " crashes %" PRIu64 "\n",
                    rt_node_name(w->rt, i), rt_node_is_up(w->rt, i) ? "up" : "DOWN", w->nodes[i].opts.cores,
                    rt_node_proc_count(w->rt, i), rt_node_memory(w->rt, i), w->nodes[i].crashes);
    }
    for (size_t i = 0; i < ro->nfails; i++)
        fprintf(out, "failed so far: %s (event %" PRIu64 ")\n", ro->fails[i].name, ro->fails[i].ev);
    fprintf(out, "seed: %" PRIu64 "\n", ro->seed);
    fprintf(out, "trace-hash: %016" PRIx64 " (of the %" PRIu64 " events so far)\n", trace_hash(&w->tr),
            trace_events(&w->tr));
    fflush(out);
    /* a live view (--viz) is told the run is over here, so it shows this moment (and holds) */
    if (ro->inner && ro->inner->detach) {
        host_observation_t fin = *o;
        fin.exit_code = 0;
        ro->inner->detach(ro->inner->ctx, &fin);
    }
    trace_observer_set(&w->tr, NULL);
    if (w->tr.f && trace_commit(&w->tr) != 0) fprintf(stderr, "otpsim: run: cannot write the trace\n");
    if (ro->perfetto && ro->perfetto_path) host_perfetto_write(ro->perfetto, ro->perfetto_path);
    fflush(out);
    fflush(stderr);
    _exit(0);
}

static void ro_between(void *ctx, const host_observation_t *o, uint64_t *events, sim_time_t *until)
{
    host_runobs_t *ro = ctx;
    sim_world_t *w = o->world;
    if ((ro->until_event && trace_events(&w->tr) >= ro->until_event) ||
        (ro->until_time != SIM_TIME_MAX && o->next_time > ro->until_time && o->next_time != SIM_TIME_MAX)) {
        if (!ro->at_until) stop_here(ro, o);
        ro->at_until(ro->at_until_ctx); /* a live view: pause there, and the run goes on from it */
        ro->until_event = 0;
        ro->until_time = SIM_TIME_MAX;
        ro->inner_left = 0;             /* the view is called now, and sees itself paused */
    }
    /* the inner observer is called only when it asked to be (its own countdown and deadline) */
    if (ro->inner && ro->inner->between &&
        (ro->inner_left == 0 || (o->next_time != SIM_TIME_MAX && o->next_time > ro->inner_until))) {
        uint64_t n = 1;
        sim_time_t u = SIM_TIME_MAX;
        ro->inner->between(ro->inner->ctx, o, &n, &u);
        ro->inner_left = n ? n : 1;
        ro->inner_until = u;
    }
    uint64_t n = ro->inner ? ro->inner_left : UINT64_MAX;
    sim_time_t u = ro->inner ? ro->inner_until : SIM_TIME_MAX;
    if (ro->until_event) n = 1;
    if (ro->until_time != SIM_TIME_MAX && ro->until_time < u) u = ro->until_time;
    if (ro->inner_left != UINT64_MAX) ro->inner_left -= n < ro->inner_left ? n : ro->inner_left;
    *events = n;
    *until = u;
}

static void ro_detach(void *ctx, const host_observation_t *o)
{
    host_runobs_t *ro = ctx;
    if (ro->inner && ro->inner->detach) ro->inner->detach(ro->inner->ctx, o);
}

static bool ro_abandon(void *ctx)
{
    host_runobs_t *ro = ctx;
    return ro->inner && ro->inner->abandon && ro->inner->abandon(ro->inner->ctx);
}

const host_observer_t *host_runobs_init(host_runobs_t *ro, const host_observer_t *inner, sim_time_t until_time,
                                        uint64_t until_event, uint64_t seed, FILE *out)
{
    memset(ro, 0, sizeof *ro);
    ro->inner = inner;
    ro->until_time = until_time;
    ro->until_event = until_event;
    ro->seed = seed;
    ro->out = out;
    trace_observer_t *t = calloc(1, sizeof *t);
    if (!t) return inner;
    *t = (trace_observer_t){ ro, tr_begin, tr_field, tr_end };
    ro->tr_self = t;
    ro->self = (host_observer_t){ ro, ro_attach, ro_between, ro_detach, ro_abandon };
    return &ro->self;
}

uint64_t host_runobs_fail_event(const host_runobs_t *ro, const char *name)
{
    for (size_t i = 0; i < ro->nfails; i++)
        if (strcmp(ro->fails[i].name, name) == 0) return ro->fails[i].ev;
    return 0;
}

void host_runobs_deinit(host_runobs_t *ro)
{
    for (size_t i = 0; i < ro->nfails; i++) free(ro->fails[i].name);
    free(ro->fails);
    free(ro->cur_name);
    free(ro->tr_self);
    host_perfetto_free(ro->perfetto);
    memset(ro, 0, sizeof *ro);
}
