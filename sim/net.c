/* net.c — connections, channels, ticks; see net.h for the model. */
#include "net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "world.h"

enum { PKT_DATA, PKT_TICK, PKT_SYN, PKT_ACK, PKT_CONFIRM, PKT_CLOSE, PKT_RST };

struct net_pkt {
    net_pkt_t *next;
    rt_msg_t *m;            /* PKT_DATA */
    sim_time_t at;          /* when it was sent */
    sim_time_t arrive;      /* 0: not departed (its channel is blocked) */
    uint32_t gen;
    uint32_t bytes;
    uint8_t kind;
};

#define CTRL_BYTES 16

/* ---- pairs and channels ------------------------------------------------------------------- */
void net_init(net_t *n, struct sim_world *w, uint64_t seed)
{
    memset(n, 0, sizeof *n);
    n->w = w;
    n->cfg = NET_CFG_DEFAULTS;
    prng_stream_init(&n->rng, seed, "net");
}

static void chan_drop(net_t *n, net_pair_t *p, int d);

void net_deinit(net_t *n)
{
    for (uint64_t i = 0; i < (uint64_t)n->cap * n->cap; i++) {
        net_pair_t *p = n->pairs ? n->pairs[i] : NULL;
        if (!p) continue;
        for (int d = 0; d < 2; d++) {
            for (net_pkt_t *k = p->side[d].held, *next; k; k = next) {
                next = k->next;
                rt_msg_free(n->w->rt, k->m);
                free(k);
            }
            for (net_pkt_t *k = p->chan[d].head, *next; k; k = next) {
                next = k->next;
                if (k->m) rt_msg_free(n->w->rt, k->m);
                free(k);
            }
        }
        free(p);
    }
    free(n->pairs);
    while (n->pool) {
        net_pkt_t *k = n->pool;
        n->pool = k->next;
        free(k);
    }
    memset(n, 0, sizeof *n);
}

static net_pair_t *pair_get(net_t *n, uint32_t a, uint32_t b)
{
    SIM_ASSERT(a != b);
    uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
    if (hi >= n->cap) {
        uint32_t cap = n->cap ? n->cap : 8;
        while (cap <= hi) cap *= 2;
        net_pair_t **np = calloc((size_t)cap * cap, sizeof *np);
        SIM_ASSERT(np != NULL);
        for (uint32_t i = 0; i < n->cap; i++)
            memcpy(np + (size_t)i * cap, n->pairs + (size_t)i * n->cap, n->cap * sizeof *np);
        free(n->pairs);
        n->pairs = np;
        n->cap = cap;
    }
    net_pair_t **slot = &n->pairs[(size_t)lo * n->cap + hi];
    if (!*slot) {
        net_pair_t *p = calloc(1, sizeof *p);
        SIM_ASSERT(p != NULL);
        p->lo = lo;
        p->hi = hi;
        *slot = p;
    }
    return *slot;
}

static net_pair_t *pair_find(const net_t *n, uint32_t a, uint32_t b)
{
    uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
    if (a == b || hi >= n->cap) return NULL;
    return n->pairs[(size_t)lo * n->cap + hi];
}

const net_pair_t *net_pair_peek(const net_t *n, uint32_t a, uint32_t b) { return pair_find(n, a, b); }

static int end_of(const net_pair_t *p, uint32_t node) { return node == p->lo ? 0 : 1; }
static uint32_t node_of_end(const net_pair_t *p, int e) { return e == 0 ? p->lo : p->hi; }
static const net_link_cfg_t *cfg_of(const net_t *n, const net_pair_t *p) { return p->has_cfg ? &p->cfg : &n->cfg.link; }

net_link_cfg_t *net_link_cfg(net_t *n, uint32_t a, uint32_t b)
{
    net_pair_t *p = pair_get(n, a, b);
    if (!p->has_cfg) {
        p->cfg = n->cfg.link;
        p->has_cfg = true;
    }
    return &p->cfg;
}

void net_degrade(net_t *n, uint32_t a, uint32_t b, sim_time_t extra, uint32_t loss_ppm)
{
    net_pair_t *p = pair_get(n, a, b);
    p->extra = extra;
    p->loss_ppm = loss_ppm;
}

static sim_time_t now_of(const net_t *n) { return evq_now(&n->w->q); }

static const char *name_of(const net_t *n, uint32_t node) { return rt_node_name(n->w->rt, node); }

static double sample_lat(net_t *n, const net_lat_t *l)
{
    switch (l->kind) {
    case NET_LAT_CONST: return l->a;
    case NET_LAT_EXP: return prng_exp(&n->rng, l->a);
    case NET_LAT_UNIFORM: return l->a + (l->b - l->a) * prng_double(&n->rng);
    default: return exp(l->a + l->b * prng_normal(&n->rng));
    }
}

static void ev_arrive(void *ctx, uint64_t arg);
static void tick_arm(net_t *n, uint32_t node);

static uint64_t chan_key(const net_pair_t *p, int d) { return ((uint64_t)p->lo << 32 | p->hi) << 1 | (uint64_t)d; }

static void chan_schedule(net_t *n, net_pair_t *p, int d)
{
    net_chan_t *c = &p->chan[d];
    if (c->ev || c->parked || !c->head || !c->head->arrive) return;
    sim_time_t at = c->head->arrive > now_of(n) ? c->head->arrive : now_of(n);
    c->ev = evq_push(&n->w->q, at, ev_arrive, n, chan_key(p, d));
    SIM_ASSERT(c->ev != 0);
}

/* Gives packet k (the channel's newest departed-to-be) its arrival time. */
static void depart(net_t *n, net_pair_t *p, int d, net_pkt_t *k, sim_time_t t)
{
    net_chan_t *c = &p->chan[d];
    const net_link_cfg_t *cfg = cfg_of(n, p);
    sim_time_t start = t > c->free_at ? t : c->free_at;
    if (cfg->bandwidth) {
        start += (sim_time_t)((double)k->bytes * 1e9 / (double)cfg->bandwidth);
        c->free_at = start;
    }
    double lat = sample_lat(n, &cfg->latency);
    if (lat < 0) lat = 0;
    sim_time_t arrive = start + (sim_time_t)llround(lat) + p->extra;
    if (p->loss_ppm && prng_below(&n->rng, 1000000) < p->loss_ppm) arrive += n->cfg.rto;
    if (arrive < c->last_arrive) arrive = c->last_arrive;
    c->last_arrive = arrive;
    k->arrive = arrive ? arrive : 1;
}

static net_pkt_t *pkt_new(net_t *n, sim_time_t at, uint8_t kind, uint32_t gen, rt_msg_t *m)
{
    net_pkt_t *k = n->pool;
    if (k) n->pool = k->next;
    else {
        k = malloc(sizeof *k);
        SIM_ASSERT(k != NULL);
    }
    memset(k, 0, sizeof *k);
    k->kind = kind;
    k->gen = gen;
    k->m = m;
    k->at = at;
    k->bytes = m ? rt_msg_wire_size(m) : CTRL_BYTES;
    return k;
}

/* Puts packet k on the channel from `from` (memory already counted if k was held). */
static void chan_put(net_t *n, net_pair_t *p, uint32_t from, net_pkt_t *k, bool count)
{
    int d = end_of(p, from);
    net_chan_t *c = &p->chan[d];
    k->next = NULL;
    if (c->tail) c->tail->next = k;
    else c->head = k;
    c->tail = k;
    c->len++;
    c->bytes += k->bytes;
    if (k->m && count) rt_node_memory_add(n->w->rt, from, (int64_t)k->bytes); /* distribution buffers */
    if (!c->blocked) depart(n, p, d, k, k->at > now_of(n) ? k->at : now_of(n));
    chan_schedule(n, p, d);
}

static void push_pkt(net_t *n, net_pair_t *p, uint32_t from, sim_time_t at, uint8_t kind, uint32_t gen, rt_msg_t *m)
{
    chan_put(n, p, from, pkt_new(n, at, kind, gen, m), true);
}

static net_pkt_t *pop_pkt(net_t *n, net_pair_t *p, int d)
{
    net_chan_t *c = &p->chan[d];
    net_pkt_t *k = c->head;
    c->head = k->next;
    if (!c->head) c->tail = NULL;
    c->len--;
    c->bytes -= k->bytes;
    if (k->m) rt_node_memory_add(n->w->rt, node_of_end(p, d), -(int64_t)k->bytes);
    return k;
}

static void pkt_free(net_t *n, net_pkt_t *k)
{
    k->next = n->pool;
    n->pool = k;
}

/* Drops everything the channel has not delivered (its connection is gone). */
static void chan_drop(net_t *n, net_pair_t *p, int d)
{
    net_chan_t *c = &p->chan[d];
    if (c->ev) evq_cancel(&n->w->q, c->ev);
    c->ev = 0;
    c->parked = false;
    while (c->head) {
        net_pkt_t *k = pop_pkt(n, p, d);
        if (k->m) {
            rt_msg_lost(n->w->rt, k->m);
            n->lost++;
        }
        pkt_free(n, k);
    }
    c->last_arrive = now_of(n);
}

/* ---- connection ends ---------------------------------------------------------------------- */
static void trace_net(net_t *n, const char *kind, uint32_t node, uint32_t peer, const char *what)
{
    trace_t *tr = &n->w->tr;
    trace_begin(tr, now_of(n), kind);
    trace_str(tr, "node", name_of(n, node));
    trace_str(tr, "peer", name_of(n, peer));
    if (what) trace_str(tr, "what", what);
    trace_end(tr);
}

static void ev_setup_timeout(void *ctx, uint64_t arg);

static void start_setup(net_t *n, net_pair_t *p, uint32_t from, sim_time_t at)
{
    int e = end_of(p, from);
    net_side_t *s = &p->side[e];
    SIM_ASSERT(s->state == NET_DOWN);
    s->state = NET_PENDING;
    s->gen = ++p->next_gen;
    s->rx = s->rx_seen = 0;
    s->missed = 0;
    s->tx = true;
    s->initiator = true;
    s->confirmed = false;
    trace_net(n, "connect", from, node_of_end(p, 1 - e), NULL);
    s->setup_ev = evq_push(&n->w->q, now_of(n) + n->cfg.setup_time, ev_setup_timeout, n,
                           (uint64_t)p->lo << 32 | p->hi | (uint64_t)e << 63);
    SIM_ASSERT(s->setup_ev != 0);
    push_pkt(n, p, from, at, PKT_SYN, s->gen, NULL);
}

/* End e goes down. notify: tell its runtime; close: send CLOSE to the other end. */
static void end_down(net_t *n, net_pair_t *p, int e, const char *reason, bool notify, bool close)
{
    net_side_t *s = &p->side[e];
    if (s->state == NET_DOWN) return;
    uint32_t gen = s->gen;
    if (s->setup_ev) evq_cancel(&n->w->q, s->setup_ev);
    s->setup_ev = 0;
    s->state = NET_DOWN;
    chan_drop(n, p, e); /* what it had not sent is gone */
    uint32_t me = node_of_end(p, e), peer = node_of_end(p, 1 - e);
    while (s->held) {
        net_pkt_t *k = s->held;
        s->held = k->next;
        rt_node_memory_add(n->w->rt, me, -(int64_t)k->bytes);
        rt_msg_lost(n->w->rt, k->m);
        n->lost++;
        pkt_free(n, k);
    }
    s->held_tail = NULL;
    if (close) push_pkt(n, p, me, now_of(n), PKT_CLOSE, gen, NULL);
    if (notify) rt_conn_down(n->w->rt, me, peer, reason);
    else trace_net(n, "conn_closed", me, peer, reason);
}

static void ev_setup_timeout(void *ctx, uint64_t arg)
{
    net_t *n = ctx;
    int e = (int)(arg >> 63);
    net_pair_t *p = pair_find(n, (uint32_t)(arg >> 32) & 0x7fffffffu, (uint32_t)arg);
    SIM_ASSERT(p != NULL);
    p->side[e].setup_ev = 0;
    if (p->side[e].state == NET_PENDING) end_down(n, p, e, "connection_setup_failed", true, true);
}

/* The accepting end of a handshake: pending until the initiator's CONFIRM, so a handshake that
 * cannot complete shows no nodeup here. */
static void start_accept(net_t *n, net_pair_t *p, int e, uint32_t gen)
{
    net_side_t *s = &p->side[e];
    if (s->setup_ev) evq_cancel(&n->w->q, s->setup_ev);
    s->state = NET_PENDING;
    s->gen = gen;
    s->rx = s->rx_seen = 0;
    s->missed = 0;
    s->tx = false;
    s->initiator = s->confirmed = false;
    s->setup_ev = evq_push(&n->w->q, now_of(n) + n->cfg.setup_time, ev_setup_timeout, n,
                           (uint64_t)p->lo << 32 | p->hi | (uint64_t)e << 63);
    SIM_ASSERT(s->setup_ev != 0);
}

static void end_up(net_t *n, net_pair_t *p, int e, uint32_t gen)
{
    net_side_t *s = &p->side[e];
    if (s->setup_ev) evq_cancel(&n->w->q, s->setup_ev);
    s->setup_ev = 0;
    s->state = NET_UP;
    s->gen = gen;
    s->initiator = s->confirmed = false;
    s->rx = 1;
    s->rx_seen = 0;
    s->missed = 0;
    uint32_t me = node_of_end(p, e);
    while (s->held) { /* what waited for the handshake leaves now, in order */
        net_pkt_t *k = s->held;
        s->held = k->next;
        k->gen = gen;
        chan_put(n, p, me, k, false);
    }
    s->held_tail = NULL;
    tick_arm(n, node_of_end(p, e));
    rt_conn_up(n->w->rt, node_of_end(p, e), node_of_end(p, 1 - e));
}

static bool node_up(const net_t *n, uint32_t node) { return rt_node_is_up(n->w->rt, node); }

void net_send(net_t *n, sim_time_t at, uint32_t from, uint32_t to, rt_msg_t *m)
{
    net_pair_t *p = pair_get(n, from, to);
    net_side_t *s = &p->side[end_of(p, from)];
    if (s->state == NET_DOWN) start_setup(n, p, from, at);
    s->tx = true;
    n->sent++;
    if (s->state == NET_UP) {
        push_pkt(n, p, from, at, PKT_DATA, s->gen, m);
        return;
    }
    net_pkt_t *k = pkt_new(n, at, PKT_DATA, s->gen, m); /* waits for the handshake */
    if (s->held_tail) s->held_tail->next = k;
    else s->held = k;
    s->held_tail = k;
    rt_node_memory_add(n->w->rt, from, (int64_t)k->bytes);
}

void net_connect(net_t *n, uint32_t from, uint32_t to)
{
    net_pair_t *p = pair_get(n, from, to);
    if (p->side[end_of(p, from)].state == NET_DOWN) start_setup(n, p, from, now_of(n));
}

bool net_disconnect(net_t *n, uint32_t from, uint32_t to)
{
    net_pair_t *p = pair_find(n, from, to);
    if (!p || p->side[end_of(p, from)].state == NET_DOWN) return false;
    end_down(n, p, end_of(p, from), "disconnect", true, true);
    return true;
}

int net_state(net_t *n, uint32_t from, uint32_t to)
{
    net_pair_t *p = pair_find(n, from, to);
    return p ? p->side[end_of(p, from)].state : NET_DOWN;
}

void net_node_down(net_t *n, uint32_t node)
{
    for (uint32_t other = 0; other < n->cap; other++) {
        net_pair_t *p = other == node ? NULL : pair_find(n, node, other);
        if (p) end_down(n, p, end_of(p, node), "node down", false, true);
    }
}

/* ---- arrival ------------------------------------------------------------------------------ */
static void send_rst(net_t *n, net_pair_t *p, int e, uint32_t gen)
{
    net_side_t *s = &p->side[e];
    if (s->rst_gen == gen) return;
    s->rst_gen = gen;
    push_pkt(n, p, node_of_end(p, e), now_of(n), PKT_RST, gen, NULL);
}

/* Simultaneous connection attempts: the one made by the node with the smaller name wins (both
 * ends decide alike). The loser moves its queued packets to the winner's generation. */
static bool accept_syn_over_own(net_t *n, net_pair_t *p, int e)
{
    uint32_t me = node_of_end(p, e), peer = node_of_end(p, 1 - e);
    if (strcmp(name_of(n, peer), name_of(n, me)) > 0) return false; /* ours wins */
    net_side_t *s = &p->side[e];
    net_chan_t *c = &p->chan[e];
    net_pkt_t **pp = &c->head, *prev = NULL;
    while (*pp) { /* withdraw our SYN; our held signals will go on the winner's connection */
        net_pkt_t *k = *pp;
        if (k->kind == PKT_SYN && k->gen == s->gen) {
            *pp = k->next;
            if (c->tail == k) c->tail = prev;
            c->len--;
            c->bytes -= k->bytes;
            pkt_free(n, k);
            continue;
        }
        prev = k;
        pp = &k->next;
    }
    if (c->ev) { /* the head may have changed */
        evq_cancel(&n->w->q, c->ev);
        c->ev = 0;
    }
    chan_schedule(n, p, e);
    return true;
}

static void arrive(net_t *n, net_pair_t *p, int d, net_pkt_t *k)
{
    int e = 1 - d; /* the receiving end */
    net_side_t *s = &p->side[e];
    uint32_t me = node_of_end(p, e);
    bool up = node_up(n, me);
    bool match = up && s->state != NET_DOWN && s->gen == k->gen;
    if (match) s->rx++;
    /* data on our pending connection's generation: the peer accepted our SYN (its ACK is behind) */
    if (match && s->state == NET_PENDING && (k->kind == PKT_DATA || k->kind == PKT_TICK)) end_up(n, p, e, k->gen);
    switch (k->kind) {
    case PKT_DATA:
        if (match && s->state == NET_UP) {
            n->delivered++;
            rt_deliver(n->w->rt, k->m);
        } else {
            n->lost++;
            rt_msg_lost(n->w->rt, k->m);
            send_rst(n, p, e, k->gen);
        }
        k->m = NULL;
        break;
    case PKT_TICK:
        if (!match) send_rst(n, p, e, k->gen);
        break;
    case PKT_SYN:
        if (!up) {
            send_rst(n, p, e, k->gen); /* nobody listens: refused */
            break;
        }
        if (s->state != NET_DOWN && s->gen == k->gen) break;
        if (s->state == NET_PENDING && s->initiator && !accept_syn_over_own(n, p, e)) break;
        if (s->state == NET_UP) end_down(n, p, e, "connection_closed", true, false);
        start_accept(n, p, e, k->gen);
        push_pkt(n, p, me, now_of(n), PKT_ACK, k->gen, NULL); /* the challenge */
        break;
    case PKT_ACK: /* at the initiator: the challenge, then challenge_ack */
        if (match && s->state == NET_PENDING && s->initiator) {
            if (!s->confirmed) {
                s->confirmed = true;
                push_pkt(n, p, me, now_of(n), PKT_CONFIRM, k->gen, NULL);
            } else {
                end_up(n, p, e, k->gen);
            }
        }
        break;
    case PKT_CONFIRM: /* at the acceptor: challenge_reply; it is up and acknowledges */
        if (match && s->state == NET_PENDING && !s->initiator) {
            end_up(n, p, e, k->gen);
            push_pkt(n, p, me, now_of(n), PKT_ACK, k->gen, NULL);
        }
        break;
    case PKT_CLOSE:
    case PKT_RST:
        if (match) {
            const char *why = s->state == NET_PENDING ? "connection_setup_failed" : "connection_closed";
            end_down(n, p, e, why, true, false);
        }
        break;
    }
}

static void ev_arrive(void *ctx, uint64_t key)
{
    net_t *n = ctx;
    int d = (int)(key & 1);
    key >>= 1;
    net_pair_t *p = pair_find(n, (uint32_t)(key >> 32), (uint32_t)key);
    SIM_ASSERT(p != NULL);
    net_chan_t *c = &p->chan[d];
    c->ev = 0;
    uint32_t to = node_of_end(p, 1 - d);
    if (n->w->nodes[to].paused) { /* it does not read: the packet waits in its socket */
        c->parked = true;
        return;
    }
    net_pkt_t *k = pop_pkt(n, p, d);
    chan_schedule(n, p, d);
    arrive(n, p, d, k);
    pkt_free(n, k);
}

void net_resume(net_t *n, uint32_t node)
{
    for (uint32_t other = 0; other < n->cap; other++) {
        net_pair_t *p = other == node ? NULL : pair_find(n, node, other);
        if (!p) continue;
        int d = 1 - end_of(p, node); /* the channel into node */
        if (p->chan[d].parked) {
            p->chan[d].parked = false;
            chan_schedule(n, p, d);
        }
    }
}

/* ---- partitions ------------------------------------------------------------------------------ */
void net_block(net_t *n, uint32_t from, uint32_t to, bool blocked)
{
    net_pair_t *p = pair_get(n, from, to);
    int d = end_of(p, from);
    net_chan_t *c = &p->chan[d];
    if (c->blocked == blocked) return;
    c->blocked = blocked;
    if (blocked) { /* what is on the wire is lost and will be retransmitted after the heal */
        if (c->ev) evq_cancel(&n->w->q, c->ev);
        c->ev = 0;
        for (net_pkt_t *k = c->head; k; k = k->next) k->arrive = 0;
        c->last_arrive = 0;
        c->free_at = 0;
        return;
    }
    sim_time_t t = now_of(n);
    c->last_arrive = t;
    for (net_pkt_t *k = c->head; k; k = k->next) depart(n, p, d, k, k->at > t ? k->at : t);
    chan_schedule(n, p, d);
}

/* ---- ticks ---------------------------------------------------------------------------------- */
/* A node's ticker fires at its own phase + k * net_ticktime / intensity, while the node has a
 * connection (an idle cluster has no pending events, so a run without an end can finish). */
static void ev_tick(void *ctx, uint64_t node);

static void tick_arm(net_t *n, uint32_t node)
{
    sim_node_t *sn = &n->w->nodes[node];
    if (sn->tick_ev) return;
    sim_time_t interval = n->cfg.ticktime / n->cfg.intensity, now = now_of(n);
    if (!interval) interval = 1;
    sim_time_t phase = sn->tick_phase % interval; /* net_ticktime may have changed since it was drawn */
    sim_time_t k = now >= phase ? (now - phase) / interval + 1 : 0;
    sn->tick_ev = evq_push(&n->w->q, phase + k * interval, ev_tick, n, node);
    SIM_ASSERT(sn->tick_ev != 0);
    n->w->background++;
}

bool net_quiescent(const net_t *n)
{
    for (uint32_t i = 0; i < n->cap; i++)
        if (i < n->w->nnodes && n->w->nodes[i].paused) return false;
    for (uint64_t i = 0; i < (uint64_t)n->cap * n->cap; i++) {
        const net_pair_t *p = n->pairs[i];
        if (!p) continue;
        for (int e = 0; e < 2; e++) {
            if (p->side[e].state == NET_DOWN) continue;
            if (p->side[e].missed || p->chan[0].blocked || p->chan[1].blocked) return false;
        }
    }
    return true;
}

void net_node_up(net_t *n, uint32_t node)
{
    sim_node_t *sn = &n->w->nodes[node];
    if (sn->tick_ev) {
        evq_cancel(&n->w->q, sn->tick_ev);
        n->w->background--;
    }
    sn->tick_ev = 0;
    sim_time_t interval = n->cfg.ticktime / n->cfg.intensity;
    (void)interval;
    sn->tick_phase = prng_next(&n->rng) >> 1; /* the node's own phase (taken modulo the interval) */
}

static void ev_tick(void *ctx, uint64_t node64)
{
    net_t *n = ctx;
    uint32_t node = (uint32_t)node64;
    sim_node_t *sn = &n->w->nodes[node];
    sn->tick_ev = 0;
    n->w->background--;
    if (!node_up(n, node)) return;
    bool any = false;
    for (uint32_t other = 0; other < n->cap; other++) {
        net_pair_t *p = other == node ? NULL : pair_find(n, node, other);
        if (!p) continue;
        int e = end_of(p, node);
        net_side_t *s = &p->side[e];
        if (s->state == NET_PENDING) any = true;
        if (s->state != NET_UP) continue;
        any = true;
        if (sn->paused) continue;
        if (s->rx == s->rx_seen) {
            if (++s->missed >= n->cfg.intensity) {
                end_down(n, p, e, "net_tick_timeout", true, true);
                continue;
            }
        } else {
            s->missed = 0;
            s->rx_seen = s->rx;
        }
        if (!s->tx) {
            n->ticks++;
            push_pkt(n, p, node, now_of(n), PKT_TICK, s->gen, NULL);
        }
        s->tx = false;
    }
    if (any) tick_arm(n, node);
}
