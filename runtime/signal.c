/* signal.c — signals between processes: messages, exit signals, links, monitors, DOWN.
 *
 * Every signal is an rt_msg_t posted through the platform at the sender's slice-local time and
 * handed back to rt_deliver on arrival, so signals from one sender to one receiver keep their
 * order (otp-semantics §1.1) and a process only ever changes its own state: the other side of a
 * link or monitor is updated by the signal when it arrives. Exit signals follow the table of
 * otp-semantics §1.2 exactly; a signal that kills a process while its slice is running takes
 * effect when the slice ends, as BEAM handles signals at scheduling points. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "rt_int.h"
#include "term.h"

/* Small messages (most of them) are recycled through a bounded free list. */
#define SMALL_TERM 128
#define POOL_MAX 4096

rt_msg_t *rt__msg_new(rt_t *rt, uint8_t kind, rt_pid_t from, uint64_t to, const jbuf_t *term, bool has_refs)
{
    SIM_ASSERT(!term || !term->oom);
    return rt__msg_new_raw(rt, kind, from, to, term ? (const uint8_t *)term->p : NULL, term ? (uint32_t)term->len : 0,
                           has_refs);
}

rt_msg_t *rt__msg_new_raw(rt_t *rt, uint8_t kind, rt_pid_t from, uint64_t to, const uint8_t *data, uint32_t len,
                          bool has_refs)
{
    rt_msg_t *m;
    if (len <= SMALL_TERM && rt->pool) {
        m = rt->pool;
        rt->pool = m->next;
        rt->pool_len--;
    } else {
        m = malloc(sizeof *m + (len <= SMALL_TERM ? SMALL_TERM : len));
        SIM_ASSERT(m != NULL);
    }
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->from = from;
    m->to = to;
    m->has_refs = has_refs;
    m->len = len;
    if (len) memcpy(m->data, data, len);
    return m;
}

void rt_msg_free(rt_t *rt, rt_msg_t *m)
{
    if (m->has_refs) rt_term_release(rt->L, m->data, m->len);
    if (m->len <= SMALL_TERM && rt->pool_len < POOL_MAX) {
        m->next = rt->pool;
        rt->pool = m;
        rt->pool_len++;
        return;
    }
    free(m);
}

void rt__trace_pid(rt_t *rt, const char *key, rt_pid_t pid) { rt->plat.trace_id(rt->plat.ctx, key, pid); }

void rt__trace_term(rt_t *rt, const char *key, const uint8_t *data, uint32_t len)
{
    rt->plat.trace_term(rt->plat.ctx, key, data, len);
}

static uint32_t node_of_id(const rt_t *rt, uint64_t id)
{
    uint32_t n = rt_id_node(id);
    return n < rt->nnodes ? n : 0;
}

void rt__post(rt_t *rt, rt_msg_t *m)
{
    uint32_t from = rt->current ? rt->current->node : node_of_id(rt, m->from ? m->from : m->to);
    rt->plat.post(rt->plat.ctx, rt__now(rt), from, node_of_id(rt, m->to), m);
}

void rt__send_exit(rt_t *rt, rt_pid_t from, rt_pid_t to, const uint8_t *reason, uint32_t len, bool linked)
{
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    rt_tb_raw(b, reason, len);
    rt_msg_t *m = rt__msg_new(rt, RT_SIG_EXIT, from, to, b, false);
    m->linked = linked;
    rt__post(rt, m);
}

/* ---- arrival ------------------------------------------------------------------------------ */
static bool link_index(const rt_proc_t *p, rt_pid_t other, uint32_t *at)
{
    const rt_pid_t *l = p->links.p;
    for (uint32_t i = 0; i < p->links.len; i++)
        if (l[i] == other) {
            if (at) *at = i;
            return true;
        }
    return false;
}

void rt__mb_taken(rt_t *rt, rt_proc_t *p, const rt_msg_t *m)
{
    p->mb_len--;
    p->mb_bytes -= m->len;
    rt->nodes[p->node].mem -= m->len + RT_MSG_OVERHEAD;
}

/* Appends a message to p's mailbox and wakes p if its receive can take it. */
void rt__mailbox_put(rt_t *rt, rt_proc_t *p, rt_msg_t *m)
{
    if (p->external) { /* handled at delivery, off the cores */
        rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "receive");
        rt__trace_pid(rt, "pid", p->pid);
        rt__trace_term(rt, "msg", m->data, m->len);
        rt->plat.trace_end(rt->plat.ctx);
        p->msgs_in++;
        p->reductions++;
        (void)p->chandle(rt, p->pid, p->cstate, m->data, m->len);
        rt_msg_free(rt, m);
        return;
    }
    m->next = NULL;
    m->kind = RT_SIG_MSG;
    *p->mb_tail = m;
    p->mb_tail = &m->next;
    p->mb_len++;
    p->mb_bytes += m->len;
    p->msgs_in++;
    rt_node_memory_add(rt, p->node, (int64_t)m->len + RT_MSG_OVERHEAD);
    bool blocked = p->state == RT_P_WAITING || (p->state == RT_P_RUNNING && p->yield == RT_Y_BLOCK);
    if (!blocked) return;
    switch (p->wait) {
    case RT_W_ANY:
    case RT_W_FUNC:
        rt__proc_wake(rt, p);
        break;
    case RT_W_TABLE:
        if (rt_term_match(m->data, m->len, p->pattern->data, p->pattern->len)) rt__proc_wake(rt, p);
        break;
    default:
        break;
    }
}

/* {tag = "EXIT", from = pid, reason = r}: keys in canonical order (from, reason, tag); from the
 * scenario (sim.kill: no process) there is no `from`. */
rt_msg_t *rt__exit_message(rt_t *rt, rt_pid_t from, rt_pid_t to, const rt_msg_t *reason)
{
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    rt_tb_table(b, 0, from ? 3 : 2);
    if (from) {
        rt_tb_str(b, "from");
        rt_tb_id(b, from);
    }
    rt_tb_str(b, "reason");
    rt_tb_raw(b, reason->data, reason->len);
    rt_tb_str(b, "tag");
    rt_tb_str(b, "EXIT");
    rt_msg_t *m = rt__msg_new(rt, RT_SIG_MSG, from, to, b, false);
    return m;
}

static rt_msg_t *reason_term(rt_t *rt, rt_pid_t from, const char *s)
{
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    rt_tb_str(b, s);
    return rt__msg_new(rt, RT_SIG_EXIT, from, 0, b, false);
}

/* Kills p with `reason` (owned): now, or at the end of its running slice. */
static void kill_with(rt_t *rt, rt_proc_t *p, rt_msg_t *reason)
{
    if (p->state == RT_P_RUNNING) {
        if (p->pending_exit) rt_msg_free(rt, reason);
        else p->pending_exit = reason;
        return;
    }
    rt__proc_exit(rt, p, reason);
}

typedef enum { EXIT_DROP, EXIT_TRAP, EXIT_DIE } exit_outcome_t;

/* otp-semantics §1.2. *die_reason is "killed" for an untrappable kill, else the reason. */
static exit_outcome_t exit_rule(const rt_proc_t *p, rt_pid_t from, const rt_msg_t *r, bool linked, bool *killed)
{
    bool normal = rt_term_is_str(r->data, r->len, "normal");
    bool kill = rt_term_is_str(r->data, r->len, "kill");
    *killed = false;
    if (linked) {
        if (normal && !p->trap_exit) return EXIT_DROP;
        return p->trap_exit ? EXIT_TRAP : EXIT_DIE; /* a linked 'kill' stays 'kill' */
    }
    if (kill) {
        *killed = true;
        return EXIT_DIE;
    }
    if (normal) {
        if (p->trap_exit) return EXIT_TRAP;
        return from == p->pid ? EXIT_DIE : EXIT_DROP;
    }
    return p->trap_exit ? EXIT_TRAP : EXIT_DIE;
}

static void trace_signal(rt_t *rt, const char *kind, rt_pid_t pid, rt_pid_t other, const rt_msg_t *m)
{
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), kind);
    rt__trace_pid(rt, "pid", pid);
    if (other) rt__trace_pid(rt, "from", other);
    if (m) rt__trace_term(rt, "reason", m->data, m->len);
    rt->plat.trace_end(rt->plat.ctx);
}

/* Applies an exit signal m (owned) whose link, if any, has already been checked and removed. */
void rt__exit_effect(rt_t *rt, rt_proc_t *p, rt_msg_t *m)
{
    bool killed;
    exit_outcome_t o = exit_rule(p, m->from, m, m->linked, &killed);
    if (o == EXIT_DROP) {
        rt_msg_free(rt, m);
        return;
    }
    if (o == EXIT_TRAP) {
        rt_msg_t *em = rt__exit_message(rt, m->from, p->pid, m);
        rt_msg_free(rt, m);
        rt__mailbox_put(rt, p, em);
        return;
    }
    trace_signal(rt, "exit_signal", p->pid, m->from, m);
    if (killed) {
        rt_msg_t *r = reason_term(rt, m->from, "killed");
        rt_msg_free(rt, m);
        kill_with(rt, p, r);
    } else {
        kill_with(rt, p, m);
    }
}

static void deliver_exit(rt_t *rt, rt_proc_t *p, rt_msg_t *m)
{
    if (m->linked) {
        uint32_t at;
        if (!link_index(p, m->from, &at)) { /* unlinked meanwhile: no effect */
            rt_msg_free(rt, m);
            return;
        }
        rt__vec_remove(&p->links, sizeof(rt_pid_t), at);
    }
    rt__exit_effect(rt, p, m);
}

/* The DOWN message for monitor mon of watcher p: {tag, ref, type, object, reason}, keys in
 * canonical order (object, reason, ref, tag, type). */
static void deliver_down(rt_t *rt, rt_proc_t *p, rt_msg_t *m)
{
    rt_mon_t *mo = p->mons_out.p;
    uint32_t i;
    for (i = 0; i < p->mons_out.len; i++)
        if (mo[i].ref == m->ref) break;
    if (i == p->mons_out.len) { /* demonitored meanwhile */
        rt_msg_free(rt, m);
        return;
    }
    rt_mon_t mon = mo[i];
    rt__vec_remove(&p->mons_out, sizeof(rt_mon_t), i);
    rt__down_effect(rt, p, &mon, m);
}

/* Puts the DOWN message for monitor mon (already removed from p, its name owned) and frees m. */
void rt__down_effect(rt_t *rt, rt_proc_t *p, rt_mon_t *monp, rt_msg_t *m)
{
    rt_mon_t mon = *monp;
    u64map_del(&rt->aliases, mon.ref);
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    rt_tb_table(b, 0, 5);
    rt_tb_str(b, "object");
    if (mon.name) {
        rt_tb_table(b, 2, 0);
        rt_tb_str(b, mon.name);
        rt_tb_str(b, rt_node_name(rt, mon.name_node));
    } else {
        rt_tb_id(b, m->from ? m->from : mon.pid);
    }
    rt_tb_str(b, "reason");
    rt_tb_raw(b, m->data, m->len);
    rt_tb_str(b, "ref");
    rt_tb_id(b, mon.ref);
    rt_tb_str(b, "tag");
    rt_tb_str(b, "DOWN");
    rt_tb_str(b, "type");
    rt_tb_str(b, "process");
    rt_msg_t *dm = rt__msg_new(rt, RT_SIG_MSG, m->from, p->pid, b, false);
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "down");
    rt__trace_pid(rt, "pid", p->pid);
    rt__trace_pid(rt, "ref", mon.ref);
    if (rt_id_tag(m->from) == RT_ID_PID) rt__trace_pid(rt, "object", m->from);
    rt__trace_term(rt, "reason", m->data, m->len);
    rt->plat.trace_end(rt->plat.ctx);
    free(mon.name);
    rt_msg_free(rt, m);
    rt__mailbox_put(rt, p, dm);
}

/* A monitor or demonitor addressed to a name: resolved on arrival. A demonitor whose target
 * has changed names meanwhile is found by scanning the node. */
static rt_proc_t *demonitor_target(rt_t *rt, uint64_t name_id, rt_ref_t ref)
{
    uint32_t node = rt_id_node(name_id);
    if (node >= rt->nnodes) return NULL;
    for (rt_proc_t *p = rt->nodes[node].first; p; p = p->node_next) {
        const rt_mon_t *mi = p->mons_in.p;
        for (uint32_t i = 0; i < p->mons_in.len; i++)
            if (mi[i].ref == ref) return p;
    }
    return NULL;
}

void rt_deliver(rt_t *rt, rt_msg_t *m)
{
    uint64_t to = m->to;
    if (rt_id_tag(to) == RT_ID_NAME) { /* {name, node} from another node: look it up here */
        const char *name = rt__name_of(rt, to);
        to = m->kind == RT_SIG_DEMONITOR ? 0 : rt_whereis(rt, rt_id_node(m->to), name);
        if (m->kind == RT_SIG_DEMONITOR) {
            rt_proc_t *t = demonitor_target(rt, m->to, m->ref);
            to = t ? t->pid : 0;
        }
        if (to) m->to = to;
    }
    if (rt_id_tag(to) == RT_ID_REF) { /* an alias: deliver to its owner while it is active */
        uint64_t owner;
        if (!u64map_get(&rt->aliases, to, &owner)) {
            rt_msg_free(rt, m);
            return;
        }
        to = owner;
    }
    rt_proc_t *p = rt__proc_get(rt, to);
    if (!p) {
        /* the target is gone: links and monitors answer noproc */
        if (m->kind == RT_SIG_LINK) {
            jbuf_t *b = &rt->scratch;
            jbuf_reset(b);
            rt_tb_str(b, "noproc");
            rt_msg_t *e = rt__msg_new(rt, RT_SIG_EXIT, m->to, m->from, b, false);
            e->linked = true;
            rt->plat.post(rt->plat.ctx, rt__now(rt), node_of_id(rt, m->to), node_of_id(rt, m->from), e);
        } else if (m->kind == RT_SIG_MONITOR) {
            jbuf_t *b = &rt->scratch;
            jbuf_reset(b);
            rt_tb_str(b, "noproc");
            rt_msg_t *d = rt__msg_new(rt, RT_SIG_DOWN, m->to, m->from, b, false);
            d->ref = m->ref;
            rt->plat.post(rt->plat.ctx, rt__now(rt), node_of_id(rt, m->to), node_of_id(rt, m->from), d);
        }
        rt_msg_free(rt, m);
        return;
    }
    switch (m->kind) {
    case RT_SIG_MSG:
        rt__mailbox_put(rt, p, m);
        return;
    case RT_SIG_EXIT:
        deliver_exit(rt, p, m);
        return;
    case RT_SIG_LINK:
        if (!link_index(p, m->from, NULL)) *(rt_pid_t *)rt__vec_push(&p->links, sizeof(rt_pid_t)) = m->from;
        break;
    case RT_SIG_UNLINK: {
        uint32_t at;
        if (link_index(p, m->from, &at)) rt__vec_remove(&p->links, sizeof(rt_pid_t), at);
        break;
    }
    case RT_SIG_MONITOR: {
        rt_mon_t *mon = rt__vec_push(&p->mons_in, sizeof(rt_mon_t));
        memset(mon, 0, sizeof *mon);
        mon->ref = m->ref;
        mon->pid = m->from;
        break;
    }
    case RT_SIG_DEMONITOR: {
        rt_mon_t *mi = p->mons_in.p;
        for (uint32_t i = 0; i < p->mons_in.len; i++)
            if (mi[i].ref == m->ref) {
                rt__vec_remove(&p->mons_in, sizeof(rt_mon_t), i);
                break;
            }
        break;
    }
    case RT_SIG_DOWN:
        deliver_down(rt, p, m);
        return;
    case RT_SIG_SPAWN:
        if (p->embryo) {
            p->embryo = false;
            rt__proc_wake(rt, p);
        }
        break;
    }
    rt_msg_free(rt, m);
}

void rt_msg_lost(rt_t *rt, rt_msg_t *m)
{
    if (m->kind == RT_SIG_SPAWN) { /* the process was never started: it vanishes */
        rt_proc_t *p = rt__proc_get(rt, m->to);
        if (p && p->embryo) {
            p->links.len = 0;    /* its links and monitors point at the lost connection, */
            p->mons_in.len = 0;  /* whose side reports noconnection itself */
            jbuf_t *b = &rt->scratch;
            jbuf_reset(b);
            rt_tb_str(b, "noconnection");
            rt__proc_exit(rt, p, rt__msg_new(rt, RT_SIG_EXIT, p->pid, 0, b, false));
        }
    }
    rt_msg_free(rt, m);
}

uint32_t rt_msg_wire_size(const rt_msg_t *m) { return m->len + 32; }

bool rt_exit_signal_from_outside(rt_t *rt, lua_State *L, rt_pid_t pid, int reason_idx)
{
    if (!rt__proc_get(rt, pid)) return false;
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    bool has_refs = false;
    const char *err;
    if (rt_term_encode(L, reason_idx, b, &has_refs, &err) != 0) luaL_error(L, "exit reason: %s", err);
    rt_msg_t *m = rt__msg_new(rt, RT_SIG_EXIT, 0, pid, b, has_refs);
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "exit2");
    rt__trace_pid(rt, "to", pid);
    rt__trace_term(rt, "reason", m->data, m->len);
    rt->plat.trace_end(rt->plat.ctx);
    rt__post(rt, m);
    return true;
}
