/* load.c — load generators, request bookkeeping, time series; see load.h. */
#include "load.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "runtime/term.h"
#include "world.h"

enum { REQ_FREE, REQ_WAITING, REQ_INFLIGHT };

/* ---- small rings of u64 (capacity a power of two) ---------------------------------------- */
static void ring_push(load_ring_t *r, uint64_t v)
{
    if (r->len == r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 64;
        uint64_t *nv = malloc(cap * sizeof *nv);
        SIM_ASSERT(nv != NULL);
        for (uint32_t i = 0; i < r->len; i++) nv[i] = r->v[(r->head + i) & (r->cap - 1)];
        free(r->v);
        r->v = nv;
        r->cap = cap;
        r->head = 0;
    }
    r->v[(r->head + r->len) & (r->cap - 1)] = v;
    r->len++;
}

static uint64_t ring_peek(const load_ring_t *r) { return r->v[r->head]; }

static uint64_t ring_pop(load_ring_t *r)
{
    uint64_t v = r->v[r->head];
    r->head = (r->head + 1) & (r->cap - 1);
    r->len--;
    return v;
}

/* ---- distributions ---------------------------------------------------------------------- */
sim_time_t load_dist_sample(const load_dist_t *d, prng_t *r)
{
    double v;
    switch (d->kind) {
    case 0: v = d->a; break;
    case 1: v = prng_exp(r, d->a); break;
    case 2: v = d->a + (d->b - d->a) * prng_double(r); break;
    default: v = exp(d->a + d->b * prng_normal(r)); break;
    }
    return v > 0 ? (sim_time_t)llround(v) : 0;
}

uint64_t load_key_draw(load_keys_t *k, prng_t *r)
{
    switch (k->kind) {
    case LOAD_KEY_UNIFORM: return 1 + prng_below(r, k->n);
    case LOAD_KEY_ZIPF: {
        double u = prng_double(r);
        uint64_t lo = 0, hi = k->n - 1;
        while (lo < hi) { /* the first key whose cumulative probability exceeds u */
            uint64_t mid = lo + (hi - lo) / 2;
            if (k->cdf[mid] > u) hi = mid;
            else lo = mid + 1;
        }
        return lo + 1;
    }
    case LOAD_KEY_PARETO: {
        double u = 1.0 - prng_double(r); /* (0, 1] */
        double v = k->xm / pow(u, 1.0 / k->alpha);
        return v >= 9.2e18 ? (uint64_t)INT64_MAX : (uint64_t)v; /* keys are Lua integers */
    }
    default: return 0;
    }
}

/* ---- statistics ---------------------------------------------------------------------------- */
/* interval: keep the per-interval histogram (the load's total, which the time series reports) */
static void stats_init(load_stats_t *st, bool interval)
{
    memset(st, 0, sizeof *st);
    SIM_ASSERT(hdr_init_latency(&st->response) == 0);
    SIM_ASSERT(hdr_init_latency(&st->service) == 0);
    if (interval) {
        SIM_ASSERT(hdr_init_latency(&st->i_response) == 0);
        st->i_base = calloc((size_t)st->response.counts_len, sizeof *st->i_base);
        SIM_ASSERT(st->i_base != NULL);
    }
}

static void stats_deinit(load_stats_t *st)
{
    hdr_deinit(&st->response);
    hdr_deinit(&st->service);
    hdr_deinit(&st->i_response);
    free(st->i_base);
}

static void stats_record(load_stats_t *st, int outcome, sim_time_t response, sim_time_t service, bool timed)
{
    st->count++;
    st->i_count++;
    if (outcome == LOAD_OK) {
        st->ok++;
        st->i_ok++;
    } else if (outcome == LOAD_ERROR) {
        st->errors++;
        st->i_errors++;
    } else {
        st->timeouts++;
        st->i_timeouts++;
    }
    if (outcome == LOAD_TIMEOUT || !timed) return;
    hdr_record(&st->response, (int64_t)response);
    hdr_record(&st->service, (int64_t)service);
    /* the interval's histogram: response's counts minus a snapshot (hdr_interval_fill), so
     * one random access into a large array fewer per request */
    if (st->i_response.counts) hdr_record_scalars(&st->i_response, (int64_t)response);
}

static void ms_json(jbuf_t *out, const char *k, int64_t ns, bool comma)
{
    jbuf_printf(out, "%s\"%s\":%.6f", comma ? "," : "", k, (double)ns / 1e6);
}

static void hist_json(jbuf_t *out, const hdr_t *h)
{
    static const double ps[4] = { 50, 90, 99, 99.9 };
    int64_t v[4];
    hdr_values_at_percentiles(h, ps, 4, v);
    jbuf_putc(out, '{');
    jbuf_printf(out, "\"mean\":%.6f", hdr_mean(h) / 1e6);
    ms_json(out, "p50", v[0], true);
    ms_json(out, "p90", v[1], true);
    ms_json(out, "p99", v[2], true);
    ms_json(out, "p999", v[3], true);
    ms_json(out, "max", h->total ? h->max : 0, true);
    jbuf_putc(out, '}');
}

/* The percentile spectrum in HdrHistogram's manner: 5 ticks per half distance to 100 %, up to the
 * percentile where one sample remains: [[percentile, ms], ...]. */
static void spectrum_json(jbuf_t *out, const hdr_t *h)
{
    jbuf_putc(out, '[');
    if (h->total) {
        double ps[40 * 5]; /* the percentiles first, then their values in one pass over the counts */
        int64_t vs[40 * 5];
        size_t n = 0;
        for (int level = 0; level < 40; level++) {
            double lo = 100.0 * (1.0 - ldexp(1.0, -level)), hi = 100.0 * (1.0 - ldexp(1.0, -level - 1));
            for (int k = 0; k < 5; k++) ps[n++] = lo + (hi - lo) * k / 5.0;
            if (ldexp(1.0, level + 1) > (double)h->total) break; /* past one sample */
        }
        hdr_values_at_percentiles(h, ps, n, vs);
        for (size_t k = 0; k < n; k++)
            jbuf_printf(out, "%s[%.6f,%.6f]", k ? "," : "", ps[k], (double)vs[k] / 1e6);
        jbuf_printf(out, ",[100,%.6f]", (double)h->max / 1e6);
    }
    jbuf_putc(out, ']');
}

void load_stats_json(const load_stats_t *st, sim_time_t active, jbuf_t *out)
{
    double secs = (double)active / 1e9;
    jbuf_printf(out, "{\"count\":%llu,\"ok\":%llu,\"errors\":%llu,\"timeouts\":%llu,\"rate\":%.6f,\"response\":",
                (unsigned long long)st->count, (unsigned long long)st->ok, (unsigned long long)st->errors,
                (unsigned long long)st->timeouts, secs > 0 ? (double)st->count / secs : 0.0);
    hist_json(out, &st->response);
    jbuf_puts(out, ",\"service\":");
    hist_json(out, &st->service);
    jbuf_puts(out, ",\"spectrum\":{\"response\":");
    spectrum_json(out, &st->response);
    jbuf_puts(out, ",\"service\":");
    spectrum_json(out, &st->service);
    jbuf_puts(out, "}}");
}

/* ---- the set ------------------------------------------------------------------------------ */
void load_set_init(load_set_t *s, struct sim_world *w)
{
    memset(s, 0, sizeof *s);
    s->w = w;
    s->interval = SIM_TIME_S;
    jbuf_init(&s->csv);
    jbuf_init(&s->msg_buf);
    jbuf_init(&s->term_buf);
}

static void load_free(load_t *l)
{
    free(l->name);
    free(l->segs);
    for (uint32_t i = 0; i < l->nops; i++) {
        free(l->ops[i].name);
        free(l->ops[i].target_name);
        free(l->ops[i].msg);
        free(l->ops[i].req);
        stats_deinit(&l->ops[i].stats);
    }
    free(l->ops);
    free(l->op_cum);
    free(l->keys.cdf);
    for (uint32_t i = 0; i < l->nsessions; i++) {
        free(l->sessions[i].name);
        free(l->sessions[i].op);
        free(l->sessions[i].think);
    }
    free(l->sessions);
    free(l->user_session);
    free(l->user_step);
    free(l->reqs);
    free(l->free_slots.v);
    free(l->backlog.v);
    free(l->deadlines.v);
    u64map_deinit(&l->by_alias);
    stats_deinit(&l->total);
    free(l);
}

void load_set_deinit(load_set_t *s)
{
    for (uint32_t i = 0; i < s->n; i++) load_free(s->loads[i]);
    free(s->loads);
    free(s->last_busy);
    for (uint32_t i = 0; i < s->nwatch; i++) free(s->watch[i].name);
    free(s->watch);
    jbuf_deinit(&s->csv);
    jbuf_deinit(&s->msg_buf);
    jbuf_deinit(&s->term_buf);
    memset(s, 0, sizeof *s);
}

load_t *load_find(load_set_t *s, const char *name)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (strcmp(s->loads[i]->name, name) == 0) return s->loads[i];
    return NULL;
}

static sim_time_t now_of(const load_set_t *s) { return evq_now(&s->w->q); }
static rt_t *rt_of(const load_set_t *s) { return s->w->rt; }

/* ---- the client process: replies to calls -------------------------------------------------- */
static void finish(load_set_t *s, load_t *l, uint32_t idx, int outcome, sim_time_t at);

static rt_time_t client_handle(rt_t *rt, rt_pid_t self, void *state, const uint8_t *msg, uint32_t len)
{
    (void)self;
    load_t *l = state;
    int64_t at = rt_term_field(msg, len, "ref");
    if (at < 0) return 0;
    uint64_t ref = rt_term_id_at(msg + at), idx;
    if (!ref || !u64map_get(&l->by_alias, ref, &idx)) return 0;
    finish(l->set, l, (uint32_t)idx, LOAD_OK, rt_now(rt));
    return 0;
}

static bool client_ready(load_set_t *s, load_t *l)
{
    rt_t *rt = rt_of(s);
    if (!rt_node_is_up(rt, l->node)) return false;
    if (!l->client || !rt_is_alive(rt, l->client)) l->client = rt_spawn_c_external(rt, l->node, client_handle, l);
    return true;
}

/* ---- requests ------------------------------------------------------------------------------ */
static uint32_t slot_new(load_t *l)
{
    if (l->free_slots.len) return (uint32_t)ring_pop(&l->free_slots);
    if (l->nreqs == l->reqs_cap) {
        uint32_t cap = l->reqs_cap ? l->reqs_cap * 2 : 64;
        load_req_t *r = realloc(l->reqs, cap * sizeof *r);
        SIM_ASSERT(r != NULL);
        l->reqs = r;
        l->reqs_cap = cap;
    }
    memset(&l->reqs[l->nreqs], 0, sizeof l->reqs[0]);
    return l->nreqs++;
}

static void slot_free(load_t *l, uint32_t idx)
{
    load_req_t *q = &l->reqs[idx];
    q->state = REQ_FREE;
    q->gen++;
    ring_push(&l->free_slots, idx);
}

/* The first operation whose weight takes x below 0 as they are subtracted in order. With
 * integer weights (op_cum) every subtraction is exact (the operands are multiples of x's ulp, the
 * result no larger), so that is the first running sum above x: a binary search finds it. */
static uint32_t pick_op(load_t *l)
{
    if (l->nops == 1) return 0;
    double x = prng_double(&l->rng) * l->total_weight;
    if (l->op_cum) { /* the first i with op_cum[i] > x (or nops), in [b, b + n]; branchless (the
                      * draw is random, a branch would mispredict) */
        const double *c = l->op_cum;
        uint32_t b = 0, n = l->nops;
        while (n > 1) {
            uint32_t half = n / 2;
            b += half & -(uint32_t)(c[b + half - 1] <= x);
            n -= half;
        }
        b += (uint32_t)(c[b] <= x);
        return b < l->nops ? b : l->nops - 1;
    }
    for (uint32_t i = 0; i < l->nops; i++) {
        x -= l->ops[i].weight;
        if (x < 0) return i;
    }
    return l->nops - 1;
}

static void ev_timeouts(void *ctx, uint64_t li);

static void arm_timeouts(load_set_t *s, load_t *l)
{
    if (l->timeout_ev || !l->timeout) return;
    while (l->deadlines.len) {
        uint64_t e = ring_peek(&l->deadlines);
        load_req_t *q = &l->reqs[e >> 32];
        if (q->state == REQ_INFLIGHT && q->gen == (uint32_t)e) {
            l->timeout_ev = evq_push(&s->w->q, q->sent + l->timeout, ev_timeouts, s, l->index);
            SIM_ASSERT(l->timeout_ev != 0);
            return;
        }
        ring_pop(&l->deadlines);
    }
}

static void ev_timeouts(void *ctx, uint64_t li)
{
    load_set_t *s = ctx;
    load_t *l = s->loads[li];
    l->timeout_ev = 0;
    sim_time_t now = now_of(s);
    while (l->deadlines.len) {
        uint64_t e = ring_peek(&l->deadlines);
        uint32_t idx = (uint32_t)(e >> 32);
        load_req_t *q = &l->reqs[idx];
        if (q->state != REQ_INFLIGHT || q->gen != (uint32_t)e) {
            ring_pop(&l->deadlines);
            continue;
        }
        if (q->sent + l->timeout > now) break;
        ring_pop(&l->deadlines);
        if (q->pid && s->host.cancel) s->host.cancel(s->host.ctx, q->pid);
        finish(s, l, idx, LOAD_TIMEOUT, now);
    }
    arm_timeouts(s, l);
}

/* Appends the request term of op around its message msg: a call's {from = {pid, ref}, req =
 * msg, tag = "$gen_call"} (*ref_at: where ref goes), a cast's {msg = msg, tag = "$gen_cast"}, or
 * msg itself. */
static void build_request(jbuf_t *t, const load_op_t *op, rt_pid_t client, rt_ref_t ref, const uint8_t *msg,
                          uint32_t msg_len, uint32_t *ref_at)
{
    if (op->kind == LOAD_OP_CALL) {
        rt_tb_table(t, 0, 3);
        rt_tb_str(t, "from");
        rt_tb_table(t, 0, 2);
        rt_tb_str(t, "pid");
        rt_tb_id(t, client);
        rt_tb_str(t, "ref");
        *ref_at = (uint32_t)t->len;
        rt_tb_id(t, ref);
        rt_tb_str(t, "req");
        rt_tb_raw(t, msg, msg_len);
        rt_tb_str(t, "tag");
        rt_tb_str(t, "$gen_call");
    } else if (op->kind == LOAD_OP_CAST) {
        rt_tb_table(t, 0, 2);
        rt_tb_str(t, "msg");
        rt_tb_raw(t, msg, msg_len);
        rt_tb_str(t, "tag");
        rt_tb_str(t, "$gen_cast");
    } else {
        rt_tb_raw(t, msg, msg_len);
    }
}

/* A call's alias: the reply comes to it. */
static void new_alias(load_t *l, load_req_t *q, uint32_t idx)
{
    q->alias = rt_alias_new(l->set->w->rt, l->client);
    SIM_ASSERT(u64map_put(&l->by_alias, q->alias, idx) == 0);
}

/* Sends request idx now (it has a client). */
static void dispatch(load_set_t *s, load_t *l, uint32_t idx)
{
    load_req_t *q = &l->reqs[idx];
    load_op_t *op = &l->ops[q->op];
    rt_t *rt = rt_of(s);
    sim_time_t now = rt_now(rt); /* inside the client's slice when a reply frees a client */
    q->state = REQ_INFLIGHT;
    q->sent = now;
    l->inflight++;
    if (!client_ready(s, l)) { /* the clients' node is down */
        finish(s, l, idx, LOAD_ERROR, now);
        return;
    }
    if (op->kind == LOAD_OP_LUA) {
        q->pid = s->host.start ? s->host.start(s->host.ctx, l, idx, q->gen, op, q->key, q->seq) : 0;
        if (!q->pid) {
            finish(s, l, idx, LOAD_ERROR, now);
            return;
        }
    } else {
        const uint8_t *term;
        uint32_t term_len;
        if (op->msg) { /* a static message: the request term is built once per client */
            if (op->kind == LOAD_OP_CALL) new_alias(l, q, idx);
            if (!op->req || op->req_client != l->client) {
                jbuf_t t;
                jbuf_init(&t);
                build_request(&t, op, l->client, q->alias, op->msg, op->msg_len, &op->req_ref_at);
                SIM_ASSERT(!t.oom);
                free(op->req);
                op->req = (uint8_t *)t.p; /* owned by the op now */
                op->req_len = (uint32_t)t.len;
                op->req_client = l->client;
            }
            if (op->kind == LOAD_OP_CALL) rt_tb_id_at(op->req + op->req_ref_at, q->alias);
            term = op->req;
            term_len = op->req_len;
        } else { /* built by the host per request */
            jbuf_t msg = s->msg_buf, t = s->term_buf; /* reused: no allocation per request */
            jbuf_reset(&msg);
            int bad = s->host.build ? s->host.build(s->host.ctx, l, op, q->key, q->seq, &msg) : -1;
            s->msg_buf = msg;
            if (bad || msg.oom) {
                finish(s, l, idx, LOAD_ERROR, now);
                return;
            }
            if (op->kind == LOAD_OP_CALL) new_alias(l, q, idx); /* after the host's code ran, as ever */
            jbuf_reset(&t);
            uint32_t ref_at;
            build_request(&t, op, l->client, q->alias, (const uint8_t *)msg.p, (uint32_t)msg.len, &ref_at);
            SIM_ASSERT(!t.oom);
            s->term_buf = t;
            term = (const uint8_t *)t.p;
            term_len = (uint32_t)t.len;
        }
        bool sent = rt_send_as(rt, l->client, op->target, op->target_name, op->target_node, term, term_len);
        if (!sent) { /* a local name nobody has registered: noproc */
            finish(s, l, idx, LOAD_ERROR, now);
            return;
        }
        if (op->kind != LOAD_OP_CALL) { /* nothing comes back: done when sent, not timed */
            finish(s, l, idx, LOAD_OK, now);
            return;
        }
    }
    if (l->timeout) {
        ring_push(&l->deadlines, (uint64_t)idx << 32 | q->gen);
        arm_timeouts(s, l);
    }
}

static void user_next(load_set_t *s, load_t *l, uint32_t user, sim_time_t at, bool started);

/* Request idx ended (reply, error or timeout) at `at`. */
static void finish(load_set_t *s, load_t *l, uint32_t idx, int outcome, sim_time_t at)
{
    load_req_t *q = &l->reqs[idx];
    SIM_ASSERT(q->state == REQ_INFLIGHT);
    load_op_t *op = &l->ops[q->op];
    bool timed = op->kind == LOAD_OP_CALL || op->kind == LOAD_OP_LUA;
    if (at < q->sent) at = q->sent;
    stats_record(&op->stats, outcome, at - q->intended, at - q->sent, timed);
    stats_record(&l->total, outcome, at - q->intended, at - q->sent, timed);
    l->last_done = at;
    if (q->alias) {
        rt_alias_drop(rt_of(s), q->alias); /* a late reply is dropped, as OTP 25 drops it */
        u64map_del(&l->by_alias, q->alias);
        q->alias = 0;
    }
    q->pid = 0;
    l->inflight--;
    uint32_t user = q->user;
    slot_free(l, idx);
    if (user) {
        user_next(s, l, user, at, false);
        return;
    }
    while (l->backlog.len && (!l->concurrency || l->inflight < l->concurrency)) {
        uint32_t w = (uint32_t)ring_pop(&l->backlog);
        dispatch(s, l, w);
    }
}

/* The operation of a user's next request: the next step of its session, or a weighted draw. */
static uint32_t user_op(load_t *l, uint32_t user)
{
    if (!user || !l->nsessions) return pick_op(l);
    uint32_t u = user - 1;
    if (l->user_step[u] == 0) { /* a new session */
        double x = prng_double(&l->rng) * l->session_weight;
        uint32_t k = 0;
        for (; k + 1 < l->nsessions; k++) {
            x -= l->sessions[k].weight;
            if (x < 0) break;
        }
        l->user_session[u] = k;
    }
    return l->sessions[l->user_session[u]].op[l->user_step[u]];
}

static uint32_t new_request(load_t *l, sim_time_t intended, uint32_t user)
{
    uint32_t idx = slot_new(l);
    load_req_t *q = &l->reqs[idx];
    q->intended = intended;
    q->sent = intended;
    q->op = user_op(l, user);
    q->key = load_key_draw(&l->keys, &l->rng);
    q->user = user;
    q->state = REQ_WAITING;
    q->seq = ++l->seq;
    return idx;
}

/* ---- open loop: arrivals ------------------------------------------------------------------- */
/* The rate (per second) at x seconds since `from`, and the segment holding x. */
static double rate_at(const load_t *l, double x, uint32_t *seg)
{
    for (uint32_t i = 0; i < l->nsegs; i++) {
        const load_seg_t *g = &l->segs[i];
        double t0 = (double)g->t0 / 1e9, t1 = g->t1 == SIM_TIME_MAX ? INFINITY : (double)g->t1 / 1e9;
        if (x >= t0 && x < t1) {
            *seg = i;
            if (!isfinite(t1) || t1 == t0) return g->r0;
            return g->r0 + (g->r1 - g->r0) * (x - t0) / (t1 - t0);
        }
    }
    *seg = l->nsegs;
    return 0;
}

/* The next arrival after x seconds: where the integral of the rate from x reaches mass (1 for
 * evenly spaced arrivals, Exp(1) for Poisson). INFINITY if it never does. */
static double next_arrival(const load_t *l, double x, double mass)
{
    for (int guard = 0; guard < 1000000; guard++) {
        uint32_t si;
        double r = rate_at(l, x, &si);
        if (si >= l->nsegs) return INFINITY;
        const load_seg_t *g = &l->segs[si];
        double t0 = (double)g->t0 / 1e9, t1 = g->t1 == SIM_TIME_MAX ? INFINITY : (double)g->t1 / 1e9;
        double k = isfinite(t1) && t1 > t0 ? (g->r1 - g->r0) / (t1 - t0) : 0; /* slope per second */
        double span = t1 - x;
        double seg_mass = isfinite(span) ? r * span + k * span * span / 2 : INFINITY;
        if (seg_mass >= mass) {
            double d;
            if (fabs(k) < 1e-12) {
                if (r <= 0) return INFINITY;
                d = mass / r;
            } else {
                double disc = r * r + 2 * k * mass;
                if (disc < 0) disc = 0;
                d = (-r + sqrt(disc)) / k;
            }
            return x + d;
        }
        mass -= seg_mass;
        x = t1;
    }
    return INFINITY;
}

static void ev_arrival(void *ctx, uint64_t li);

static void schedule_arrival(load_set_t *s, load_t *l)
{
    double mass = l->spacing == LOAD_POISSON ? prng_exp(&l->rng, 1.0) : 1.0;
    double x = next_arrival(l, l->arrival_pos, mass);
    if (!isfinite(x) || x > 1.8e10) return;
    l->arrival_pos = x;
    sim_time_t at = l->from + (sim_time_t)llround(x * 1e9);
    if (at >= l->to) return;
    if (at < now_of(s)) at = now_of(s);
    l->arrival_ev = evq_push(&s->w->q, at, ev_arrival, s, l->index);
    SIM_ASSERT(l->arrival_ev != 0);
}

static void ev_arrival(void *ctx, uint64_t li)
{
    load_set_t *s = ctx;
    load_t *l = s->loads[li];
    l->arrival_ev = 0;
    uint32_t idx = new_request(l, now_of(s), 0);
    if (l->concurrency && l->inflight >= l->concurrency) ring_push(&l->backlog, idx);
    else dispatch(s, l, idx);
    schedule_arrival(s, l);
}

/* ---- closed loop: users --------------------------------------------------------------------- */
static void ev_user(void *ctx, uint64_t arg)
{
    load_set_t *s = ctx;
    load_t *l = s->loads[arg >> 32];
    uint32_t user = (uint32_t)arg;
    if (now_of(s) >= l->to) return;
    dispatch(s, l, new_request(l, now_of(s), user));
}

/* A user's next request after `at`: after its first think time (started), or after the request
 * it just finished. */
static void user_next(load_set_t *s, load_t *l, uint32_t user, sim_time_t at, bool started)
{
    const load_dist_t *think = &l->think;
    if (l->nsessions && !started) { /* after a step: its own pause, or the end of the session */
        uint32_t u = user - 1;
        const load_session_t *ss = &l->sessions[l->user_session[u]];
        if (l->user_step[u] + 1 < ss->nsteps) think = &ss->think[l->user_step[u]++];
        else l->user_step[u] = 0;
    }
    sim_time_t next = at + load_dist_sample(think, &l->rng);
    if (next >= l->to) return;
    if (next < now_of(s)) next = now_of(s);
    SIM_ASSERT(evq_push(&s->w->q, next, ev_user, s, (uint64_t)l->index << 32 | user) != 0);
}

static void ev_start(void *ctx, uint64_t li)
{
    load_set_t *s = ctx;
    load_t *l = s->loads[li];
    if (l->closed) { /* each user starts after a first think time */
        for (uint32_t u = 1; u <= l->users; u++) user_next(s, l, u, now_of(s), true);
    } else { /* a load added after its `from` starts its schedule now, skipping the past */
        if (now_of(s) > l->from) l->arrival_pos = (double)(now_of(s) - l->from) / 1e9;
        schedule_arrival(s, l);
    }
}

int load_add(load_set_t *s, load_t *l)
{
    if (s->n == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 4;
        load_t **nl = realloc(s->loads, cap * sizeof *nl);
        if (!nl) return -1;
        s->loads = nl;
        s->cap = cap;
    }
    l->set = s;
    l->index = s->n;
    s->loads[s->n++] = l;
    u64map_init(&l->by_alias);
    stats_init(&l->total, true);
    l->total_weight = 0;
    l->session_weight = 0;
    for (uint32_t i = 0; i < l->nsessions; i++) l->session_weight += l->sessions[i].weight;
    if (l->nsessions) {
        l->user_session = calloc(l->users, sizeof *l->user_session);
        l->user_step = calloc(l->users, sizeof *l->user_step);
        SIM_ASSERT(l->user_session && l->user_step);
    }
    bool ints = true;
    for (uint32_t i = 0; i < l->nops; i++) {
        stats_init(&l->ops[i].stats, false);
        l->total_weight += l->ops[i].weight;
        ints = ints && l->ops[i].weight == floor(l->ops[i].weight);
    }
    if (ints && l->nops > 1 && l->total_weight < 0x1p52) {
        l->op_cum = malloc(l->nops * sizeof *l->op_cum);
        SIM_ASSERT(l->op_cum != NULL);
        double sum = 0;
        for (uint32_t i = 0; i < l->nops; i++) l->op_cum[i] = sum += l->ops[i].weight;
    }
    char stream[160];
    snprintf(stream, sizeof stream, "load:%s", l->name);
    prng_stream_init(&l->rng, s->w->seed, stream);
    sim_time_t at = l->from > now_of(s) ? l->from : now_of(s);
    SIM_ASSERT(evq_push(&s->w->q, at, ev_start, s, l->index) != 0);
    load_sampling_start(s);
    return 0;
}

void load_lua_started(load_set_t *s, load_t *l, uint32_t req, uint32_t gen, sim_time_t at)
{
    (void)s;
    load_req_t *q = &l->reqs[req];
    if (q->state == REQ_INFLIGHT && q->gen == gen) q->sent = at;
}

/* A Lua request's process returns at the start of its slice in event time; the request ends
 * when that slice's CPU time has passed: at `at`, from an event if that is later than now. The
 * event's argument is (load, slot, low 24 bits of the slot's generation); the outcome waits in the
 * slot. */
static void ev_lua_done(void *ctx, uint64_t arg)
{
    load_set_t *s = ctx;
    load_t *l = s->loads[arg >> 48];
    uint32_t req = (uint32_t)(arg >> 24) & 0xffffff;
    load_req_t *q = &l->reqs[req];
    if (q->state == REQ_INFLIGHT && (q->gen & 0xffffff) == (uint32_t)(arg & 0xffffff))
        finish(s, l, req, q->outcome, now_of(s));
}

void load_lua_done(load_set_t *s, load_t *l, uint32_t req, uint32_t gen, int outcome, sim_time_t at)
{
    load_req_t *q = &l->reqs[req];
    if (q->state != REQ_INFLIGHT || q->gen != gen) return;
    if (at <= now_of(s)) {
        finish(s, l, req, outcome, at);
        return;
    }
    SIM_ASSERT(l->index < 0xffff && req < 0xffffff);
    q->outcome = (uint8_t)outcome;
    uint64_t arg = (uint64_t)l->index << 48 | (uint64_t)req << 24 | (gen & 0xffffff);
    SIM_ASSERT(evq_push(&s->w->q, at, ev_lua_done, s, arg) != 0);
}

/* ---- time series ------------------------------------------------------------------------------ */
void load_watch_add(load_set_t *s, const char *name, uint32_t node)
{
    load_watch_t *w = realloc(s->watch, (s->nwatch + 1) * sizeof *w);
    SIM_ASSERT(w != NULL);
    s->watch = w;
    w[s->nwatch].name = strdup(name);
    SIM_ASSERT(w[s->nwatch].name != NULL);
    w[s->nwatch].node = node;
    w[s->nwatch].mailbox_max = 0;
    s->nwatch++;
    load_sampling_start(s);
}

static void row(load_set_t *s, double t, const char *scope, const char *name, const char *metric, double v)
{
    jbuf_printf(&s->csv, "%.3f,%s,%s,%s,%.9g\n", t, scope, name, metric, v);
}

static void ev_sample(void *ctx, uint64_t arg)
{
    (void)arg;
    load_set_t *s = ctx;
    s->sample_ev = 0;
    s->w->background--;
    sim_time_t now = now_of(s);
    double t = (double)now / 1e9, span = (double)(now - s->last_sample) / 1e9;
    rt_t *rt = rt_of(s);
    for (uint32_t i = 0; i < s->n; i++) {
        load_t *l = s->loads[i];
        load_stats_t *st = &l->total;
        row(s, t, "load", l->name, "throughput", span > 0 ? (double)st->i_ok / span : 0);
        row(s, t, "load", l->name, "errors", (double)st->i_errors);
        row(s, t, "load", l->name, "timeouts", (double)st->i_timeouts);
        static const double ps[4] = { 50, 90, 99, 99.9 };
        int64_t v[4];
        hdr_interval_fill(&st->i_response, &st->response, st->i_base);
        hdr_values_at_percentiles(&st->i_response, ps, 4, v);
        row(s, t, "load", l->name, "p50_ms", (double)v[0] / 1e6);
        row(s, t, "load", l->name, "p90_ms", (double)v[1] / 1e6);
        row(s, t, "load", l->name, "p99_ms", (double)v[2] / 1e6);
        row(s, t, "load", l->name, "p999_ms", (double)v[3] / 1e6);
        row(s, t, "load", l->name, "max_ms", st->i_response.total ? (double)st->i_response.max / 1e6 : 0);
        row(s, t, "load", l->name, "in_flight", (double)l->inflight);
        st->i_count = st->i_ok = st->i_errors = st->i_timeouts = 0;
        hdr_interval_next(&st->i_response, &st->response, st->i_base);
        for (uint32_t k = 0; k < l->nops; k++) {
            load_stats_t *os = &l->ops[k].stats;
            os->i_count = os->i_ok = os->i_errors = os->i_timeouts = 0;
        }
    }
    if (s->nlast < s->w->nnodes) {
        sim_time_t *lb = realloc(s->last_busy, s->w->nnodes * sizeof *lb);
        SIM_ASSERT(lb != NULL);
        for (uint32_t i = s->nlast; i < s->w->nnodes; i++) lb[i] = 0;
        s->last_busy = lb;
        s->nlast = s->w->nnodes;
    }
    for (uint32_t i = 0; i < s->w->nnodes; i++) {
        sim_node_t *n = &s->w->nodes[i];
        const char *name = rt_node_name(rt, i);
        double busy = (double)(n->busy_ns - s->last_busy[i]);
        s->last_busy[i] = n->busy_ns;
        row(s, t, "node", name, "cpu", span > 0 ? busy / (span * 1e9 * n->opts.cores) : 0);
        row(s, t, "node", name, "run_queue", (double)n->rq_len);
        row(s, t, "node", name, "memory", (double)rt_node_memory(rt, i));
        row(s, t, "node", name, "processes", (double)rt_node_proc_count(rt, i));
        row(s, t, "node", name, "up", rt_node_is_up(rt, i) ? 1 : 0);
    }
    for (uint32_t i = 0; i < s->nwatch; i++) {
        rt_pid_t pid = rt_whereis(rt, s->watch[i].node, s->watch[i].name);
        char nm[256];
        snprintf(nm, sizeof nm, "%s@%s", s->watch[i].name, rt_node_name(rt, s->watch[i].node));
        uint32_t mb = pid ? rt_mailbox_len(rt, pid) : 0;
        if (mb > s->watch[i].mailbox_max) s->watch[i].mailbox_max = mb;
        row(s, t, "process", nm, "mailbox", (double)mb);
    }
    s->last_sample = now;
    s->sample_ev = evq_push(&s->w->q, now + s->interval, ev_sample, s, 0);
    SIM_ASSERT(s->sample_ev != 0);
    s->w->background++;
}

void load_sampling_start(load_set_t *s)
{
    if (s->sampling) return;
    s->sampling = true;
    if (!s->csv.len) jbuf_puts(&s->csv, "time_s,scope,name,metric,value\n");
    s->last_sample = now_of(s);
    s->sample_ev = evq_push(&s->w->q, now_of(s) + s->interval, ev_sample, s, 0);
    SIM_ASSERT(s->sample_ev != 0);
    s->w->background++;
}
