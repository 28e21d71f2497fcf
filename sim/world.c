/* world.c — nodes, cores and run queues; the runtime's platform on the virtual clock. */
#include "world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "runtime/term.h"

/* ---- the platform ----------------------------------------------------------------------- */
static rt_time_t p_now(void *ctx) { return evq_now(&((sim_world_t *)ctx)->q); }

static void ev_timer(void *ctx, uint64_t cookie) { rt_timer_fire(((sim_world_t *)ctx)->rt, cookie); }

static uint64_t p_timer_start(void *ctx, rt_time_t at, uint64_t cookie)
{
    sim_world_t *w = ctx;
    evq_id_t id = evq_push(&w->q, at, ev_timer, w, cookie);
    SIM_ASSERT(id != 0);
    return id;
}

static void p_timer_cancel(void *ctx, uint64_t handle) { evq_cancel(&((sim_world_t *)ctx)->q, handle); }

static void ev_deliver(void *ctx, uint64_t arg)
{
    sim_world_t *w = ctx;
    rt_deliver(w->rt, (rt_msg_t *)(uintptr_t)arg);
}

/* A signal to another node sent later in a running slice enters the network at its send time,
 * so that the channel's order is the order of sending, not of the slices that sent. */
typedef struct post_later { struct post_later *next; rt_msg_t *m; uint32_t from, to; } post_later_t;

static void ev_post_later(void *ctx, uint64_t arg)
{
    sim_world_t *w = ctx;
    post_later_t *pl = (post_later_t *)(uintptr_t)arg;
    rt_msg_t *m = pl->m;
    uint32_t from = pl->from, to = pl->to;
    pl->next = w->post_pool;
    w->post_pool = pl;
    if (!rt_node_is_up(w->rt, from)) rt_msg_lost(w->rt, m); /* it crashed meanwhile */
    else net_send(&w->net, evq_now(&w->q), from, to, m);
}

static void p_post(void *ctx, rt_time_t at, uint32_t from, uint32_t to, rt_msg_t *m)
{
    sim_world_t *w = ctx;
    if (!rt_node_is_up(w->rt, from)) { /* a dead node sends nothing */
        rt_msg_lost(w->rt, m);
        return;
    }
    if (from != to) {
        if (at <= evq_now(&w->q)) {
            net_send(&w->net, at, from, to, m);
            return;
        }
        post_later_t *pl = w->post_pool;
        if (pl) w->post_pool = pl->next;
        else {
            pl = malloc(sizeof *pl);
            SIM_ASSERT(pl != NULL);
        }
        *pl = (post_later_t){ .m = m, .from = from, .to = to };
        SIM_ASSERT(evq_push(&w->q, at, ev_post_later, w, (uint64_t)(uintptr_t)pl) != 0);
        return;
    }
    SIM_ASSERT(evq_push(&w->q, at, ev_deliver, w, (uint64_t)(uintptr_t)m) != 0);
}

static void p_connect(void *ctx, uint32_t from, uint32_t to) { net_connect(&((sim_world_t *)ctx)->net, from, to); }
/* erlang:disconnect_node from a running slice takes effect at its slice-local time, after the
 * signals the slice sent before it and before those it sends after (see ev_post_later). */
static void ev_disconnect(void *ctx, uint64_t arg)
{
    sim_world_t *w = ctx;
    net_disconnect(&w->net, (uint32_t)(arg >> 32), (uint32_t)arg);
}

static bool p_disconnect(void *ctx, uint32_t from, uint32_t to)
{
    sim_world_t *w = ctx;
    rt_time_t at = rt_now(w->rt);
    if (at <= evq_now(&w->q)) return net_disconnect(&w->net, from, to);
    if (net_state(&w->net, from, to) == NET_DOWN) return false;
    SIM_ASSERT(evq_push(&w->q, at, ev_disconnect, w, (uint64_t)from << 32 | to) != 0);
    return true;
}
static void p_halt(void *ctx, uint32_t node, const char *why) { sim_world_node_down(ctx, node, why); }
static rt_time_t p_local_time(void *ctx, uint32_t node, rt_time_t t) { return sim_world_local_time(ctx, node, t); }
static rt_time_t p_local_delay(void *ctx, uint32_t node, rt_time_t d) { return sim_world_local_delay(ctx, node, d); }

static void ev_dispatch(void *ctx, uint64_t node);

/* Starts p on an idle core of its node at the next dispatch event of this instant. */
static void start_on_core(sim_world_t *w, sim_node_t *n, uint32_t node, rt_proc_t *p)
{
    if (n->batch_len == n->batch_cap) {
        uint32_t cap = n->batch_cap ? n->batch_cap * 2 : 8;
        rt_proc_t **b = realloc(n->batch, cap * sizeof *b);
        SIM_ASSERT(b != NULL);
        n->batch = b;
        n->batch_cap = cap;
    }
    n->batch[n->batch_len++] = p;
    if (!n->dispatch_pending) {
        n->dispatch_pending = true;
        SIM_ASSERT(evq_push(&w->q, evq_now(&w->q), ev_dispatch, w, node) != 0);
    }
}

static void enqueue(sim_node_t *n, rt_proc_t *p)
{
    *rt_proc_queue_link(p) = NULL;
    if (n->rq_tail) *rt_proc_queue_link(n->rq_tail) = p;
    else n->rq_head = p;
    n->rq_tail = p;
    if (++n->rq_len > n->rq_len_max) n->rq_len_max = n->rq_len;
}

static void p_ready(void *ctx, rt_proc_t *p)
{
    sim_world_t *w = ctx;
    uint32_t node = rt_proc_node(p);
    sim_node_t *n = &w->nodes[node];
    if (n->idle > 0 && !n->paused) {
        n->idle--;
        start_on_core(w, n, node, p);
        return;
    }
    enqueue(n, p);
}

/* The core that ran p is free (or p keeps it): give it to the next process. */
static void core_next(sim_world_t *w, uint32_t node, rt_proc_t *again)
{
    sim_node_t *n = &w->nodes[node];
    if (n->paused) { /* the world stopped: the core waits */
        if (again) enqueue(n, again);
        n->idle++;
        return;
    }
    if (again && !n->rq_head) { /* nobody waiting: p continues on its core */
        start_on_core(w, n, node, again);
        return;
    }
    if (n->rq_head) {
        rt_proc_t *p = n->rq_head;
        n->rq_head = *rt_proc_queue_link(p);
        if (!n->rq_head) n->rq_tail = NULL;
        n->rq_len--;
        if (again) enqueue(n, again); /* to the back of the queue */
        start_on_core(w, n, node, p);
    } else {
        n->idle++;
    }
}

static void ev_slice_end(void *ctx, uint64_t arg)
{
    sim_world_t *w = ctx;
    rt_proc_t *p = (rt_proc_t *)(uintptr_t)arg;
    uint32_t node = rt_proc_node(p);
    bool again = rt_proc_slice_end(w->rt, p);
    core_next(w, node, again ? p : NULL);
}

static void run_on_core(sim_world_t *w, uint32_t node, rt_proc_t *p)
{
    sim_node_t *n = &w->nodes[node];
    rt_time_t cpu;
    if (!rt_proc_run(w->rt, p, evq_now(&w->q), &cpu)) { /* it had exited */
        core_next(w, node, NULL);
        return;
    }
    n->busy_ns += cpu;
    n->slices++;
    if (cpu == 0) {
        ev_slice_end(w, (uint64_t)(uintptr_t)p);
        return;
    }
    SIM_ASSERT(evq_push(&w->q, evq_now(&w->q) + cpu, ev_slice_end, w, (uint64_t)(uintptr_t)p) != 0);
}

static void ev_dispatch(void *ctx, uint64_t node)
{
    sim_world_t *w = ctx;
    sim_node_t *n = &w->nodes[node];
    n->dispatch_pending = false;
    uint32_t len = n->batch_len;
    if (len == 0) return;
    rt_proc_t **batch = n->batch;
    n->batch = NULL;
    n->batch_len = n->batch_cap = 0;
    if (len > 1) { /* the seeded choice among processes starting at the same instant */
        for (uint32_t i = len - 1; i > 0; i--) {
            uint32_t j = (uint32_t)prng_below(&w->rng_sched, (uint64_t)i + 1);
            rt_proc_t *t = batch[i];
            batch[i] = batch[j];
            batch[j] = t;
        }
        trace_begin(&w->tr, evq_now(&w->q), "sched");
        trace_str(&w->tr, "node", rt_node_name(w->rt, (uint32_t)node));
        jbuf_t order;
        jbuf_init(&order);
        for (uint32_t i = 0; i < len; i++) {
            char id[48];
            if (i) jbuf_putc(&order, ' ');
            rt_id_format(rt_proc_pid(batch[i]), id, sizeof id);
            jbuf_puts(&order, id);
        }
        trace_strn(&w->tr, "order", jbuf_cstr(&order), order.len);
        jbuf_deinit(&order);
        trace_end(&w->tr);
    }
    for (uint32_t i = 0; i < len; i++) run_on_core(w, (uint32_t)node, batch[i]);
    free(batch);
}

static uint32_t p_default_node(void *ctx)
{
    sim_world_t *w = ctx;
    if (w->nnodes == 0) sim_world_node_add(w, "nonode@nohost", &SIM_NODE_DEFAULTS);
    return 0;
}

static void p_count(void *ctx, const char *name, int64_t delta)
{
    sim_world_t *w = ctx;
    uint64_t v = 0;
    strmap_get(&w->counters, name, &v);
    SIM_ASSERT(strmap_put(&w->counters, name, (uint64_t)((int64_t)v + delta)) == 0);
}

static uint64_t p_random(void *ctx) { return prng_next(&((sim_world_t *)ctx)->rng_rt); }

static void p_tick(void *ctx, lua_State *L)
{
    sim_world_t *w = ctx;
    if (w->tick) w->tick(w->tick_ctx, L);
}

static void p_trace_begin(void *ctx, rt_time_t t, const char *kind) { trace_begin(&((sim_world_t *)ctx)->tr, t, kind); }
static void p_trace_u64(void *ctx, const char *k, uint64_t v) { trace_u64(&((sim_world_t *)ctx)->tr, k, v); }
static void p_trace_str(void *ctx, const char *k, const char *s, size_t n) { trace_strn(&((sim_world_t *)ctx)->tr, k, s, n); }
/* Renderers for trace_blob: a term as the text print would show, an id as <0.4.0>. */
static void render_term(void *rctx, const void *data, size_t n, jbuf_t *out)
{
    sim_world_t *w = rctx;
    jbuf_reset(&w->render_buf);
    rt_term_render(data, (uint32_t)n, &w->render_buf);
    jbuf_json_str(out, jbuf_cstr(&w->render_buf), w->render_buf.len);
}

static void render_id(void *rctx, const void *data, size_t n, jbuf_t *out)
{
    (void)rctx;
    uint64_t id;
    char tmp[48];
    SIM_ASSERT(n == sizeof id);
    memcpy(&id, data, sizeof id);
    int len = rt_id_format(id, tmp, sizeof tmp);
    jbuf_json_str(out, tmp, (size_t)len);
}

static void p_trace_term(void *ctx, const char *k, const uint8_t *term, uint32_t len)
{
    sim_world_t *w = ctx;
    trace_blob(&w->tr, k, term, len, render_term, w);
}

static void p_trace_id(void *ctx, const char *k, uint64_t id)
{
    sim_world_t *w = ctx;
    trace_blob_u64(&w->tr, k, id, render_id, w);
}

static void p_trace_end(void *ctx) { trace_end(&((sim_world_t *)ctx)->tr); }

/* ---- lifecycle ---------------------------------------------------------------------------- */
int sim_world_init(sim_world_t *w, uint64_t seed, const char *trace_path)
{
    memset(w, 0, sizeof *w);
    w->seed = seed;
    if (evq_init(&w->q) != 0) return -1;
    if (trace_init(&w->tr, trace_path) != 0) {
        evq_deinit(&w->q);
        return -1;
    }
    jbuf_init(&w->render_buf);
    strmap_init(&w->counters);
    prng_stream_init(&w->rng_sched, seed, "sched");
    prng_stream_init(&w->rng_rt, seed, "runtime");
    net_init(&w->net, w, seed);
    load_set_init(&w->loads, w);
    return 0;
}

int sim_world_start_runtime(sim_world_t *w, lua_State *L)
{
    rt_platform_t plat = {
        .ctx = w, .now = p_now, .timer_start = p_timer_start, .timer_cancel = p_timer_cancel,
        .post = p_post, .ready = p_ready, .default_node = p_default_node, .random = p_random, .count = p_count, .tick = p_tick,
        .trace_begin = p_trace_begin, .trace_u64 = p_trace_u64, .trace_str = p_trace_str,
        .trace_term = p_trace_term, .trace_id = p_trace_id, .trace_end = p_trace_end,
        .connect = p_connect, .disconnect = p_disconnect, .halt = p_halt,
        .local_time = p_local_time, .local_delay = p_local_delay,
    };
    w->rt = rt_create(&plat, L);
    return w->rt ? 0 : -1;
}

uint32_t sim_world_node_add(sim_world_t *w, const char *name, const sim_node_opts_t *o)
{
    SIM_ASSERT(o->cores >= 1 && o->quantum_ns > 0);
    rt_node_params_t np = { .quantum_ns = o->quantum_ns, .instr_ns = o->instr_ns };
    uint32_t idx = rt_node_add(w->rt, name, &np);
    SIM_ASSERT(idx == w->nnodes);
    if (w->nnodes == w->nodes_cap) {
        uint32_t cap = w->nodes_cap ? w->nodes_cap * 2 : 4;
        sim_node_t *n = realloc(w->nodes, cap * sizeof *n);
        SIM_ASSERT(n != NULL);
        w->nodes = n;
        w->nodes_cap = cap;
    }
    sim_node_t *n = &w->nodes[w->nnodes++];
    memset(n, 0, sizeof *n);
    n->opts = *o;
    n->idle = o->cores;
    n->base_factor = 1.0;
    net_node_up(&w->net, idx);
    trace_begin(&w->tr, evq_now(&w->q), "node");
    trace_str(&w->tr, "node", name);
    trace_u64(&w->tr, "cores", o->cores);
    trace_end(&w->tr);
    return idx;
}

uint32_t sim_world_default_node(sim_world_t *w) { return p_default_node(w); }

void sim_world_deinit(sim_world_t *w)
{
    /* events still pending own messages; queued processes may be exited ones */
    evq_event_t ev;
    while (evq_pop(&w->q, &ev)) {
        if (ev.fn == ev_deliver) rt_msg_free(w->rt, (rt_msg_t *)(uintptr_t)ev.arg);
        if (ev.fn == ev_post_later) {
            post_later_t *pl = (post_later_t *)(uintptr_t)ev.arg;
            rt_msg_free(w->rt, pl->m);
            free(pl);
        }
    }
    while (w->post_pool) {
        post_later_t *pl = w->post_pool;
        w->post_pool = pl->next;
        free(pl);
    }
    net_deinit(&w->net);
    load_set_deinit(&w->loads);
    for (uint32_t i = 0; w->rt && i < w->nnodes; i++) {
        sim_node_t *n = &w->nodes[i];
        for (uint32_t k = 0; k < n->batch_len; k++) rt_proc_discard(w->rt, n->batch[k]);
        for (rt_proc_t *p = n->rq_head, *next; p; p = next) {
            next = *rt_proc_queue_link(p);
            rt_proc_discard(w->rt, p);
        }
    }
    if (w->rt) rt_destroy(w->rt);
    w->rt = NULL;
    for (uint32_t i = 0; i < w->nnodes; i++) free(w->nodes[i].batch);
    free(w->nodes);
    w->nodes = NULL;
    evq_deinit(&w->q);
    jbuf_deinit(&w->render_buf);
    strmap_deinit(&w->counters);
}

/* ---- faults ------------------------------------------------------------------------------- */
void sim_world_trace_fault(sim_world_t *w, const char *what, const char *node, const char *detail)
{
    trace_begin(&w->tr, evq_now(&w->q), "fault");
    trace_str(&w->tr, "fault", what);
    if (node) trace_str(&w->tr, "node", node);
    if (detail) trace_str(&w->tr, "detail", detail);
    trace_end(&w->tr);
}

void sim_world_node_down(sim_world_t *w, uint32_t node, const char *why)
{
    if (!rt_node_is_up(w->rt, node)) return;
    sim_node_t *n = &w->nodes[node];
    n->crashes++;
    rt_node_down(w->rt, node, why);
    net_node_down(&w->net, node);
    if (n->paused) {
        n->paused = false;
        evq_cancel(&w->q, n->pause_ev);
        n->pause_ev = 0;
    }
    if (w->on_node_down) w->on_node_down(w->on_node_down_ctx, node, why);
}

void sim_world_node_up(sim_world_t *w, uint32_t node)
{
    if (rt_node_is_up(w->rt, node)) return;
    rt_node_up(w->rt, node);
    net_node_up(&w->net, node);
}

/* Gives every idle core of a node that is not paused a process from its run queue. */
static void fill_cores(sim_world_t *w, uint32_t node)
{
    sim_node_t *n = &w->nodes[node];
    while (!n->paused && n->idle > 0 && n->rq_head) {
        rt_proc_t *p = n->rq_head;
        n->rq_head = *rt_proc_queue_link(p);
        if (!n->rq_head) n->rq_tail = NULL;
        n->rq_len--;
        n->idle--;
        start_on_core(w, n, node, p);
    }
}

static void ev_resume(void *ctx, uint64_t node)
{
    sim_world_t *w = ctx;
    sim_node_t *n = &w->nodes[node];
    n->pause_ev = 0;
    n->paused = false;
    trace_begin(&w->tr, evq_now(&w->q), "resume");
    trace_str(&w->tr, "node", rt_node_name(w->rt, (uint32_t)node));
    trace_end(&w->tr);
    net_resume(&w->net, (uint32_t)node);
    fill_cores(w, (uint32_t)node);
}

void sim_world_pause(sim_world_t *w, uint32_t node, sim_time_t d)
{
    sim_node_t *n = &w->nodes[node];
    if (!rt_node_is_up(w->rt, node)) return;
    sim_time_t end = evq_now(&w->q) + d;
    if (n->pause_ev) {
        if (n->pause_until >= end) return; /* a pause in progress lasts longer already */
        evq_cancel(&w->q, n->pause_ev);
    }
    n->paused = true;
    n->pause_until = end;
    n->pause_ev = evq_push(&w->q, end, ev_resume, w, node);
    SIM_ASSERT(n->pause_ev != 0);
}

void sim_world_slow(sim_world_t *w, uint32_t node, double factor)
{
    rt_node_set_cpu_factor(w->rt, node, factor);
}

sim_time_t sim_world_local_time(const sim_world_t *w, uint32_t node, sim_time_t t)
{
    const sim_node_t *n = &w->nodes[node];
    if (n->drift == 0 && n->anchor == 0) return t;
    double dt = (double)(t - n->anchor) * (1.0 + n->drift);
    return n->anchor_local + (sim_time_t)llround(dt);
}

sim_time_t sim_world_local_delay(const sim_world_t *w, uint32_t node, sim_time_t d)
{
    const sim_node_t *n = &w->nodes[node];
    if (n->drift == 0) return d;
    return (sim_time_t)llround((double)d / (1.0 + n->drift));
}

void sim_world_clock_drift(sim_world_t *w, uint32_t node, double ppm)
{
    sim_node_t *n = &w->nodes[node];
    sim_time_t now = evq_now(&w->q);
    n->anchor_local = sim_world_local_time(w, node, now);
    n->anchor = now;
    n->drift = ppm / 1e6;
}
