/* model.c — the live view's model: trace events in, per-frame samples of the world, bounded work.
 *
 * Every trace event costs a string compare of its kind and, for the kinds the view uses, one or
 * two hash-map lookups; an application's start (rare) walks the processes once. Per frame: nodes
 * and pairs are copied (at most VIZ_MAX_NODES), the metrics CSV is parsed from where the last
 * frame stopped, and VIZ_SCAN_BUDGET process slots are visited round-robin to find deep
 * mailboxes. Nothing here writes to the world. */
#include "viz/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "runtime/term.h"
#include "sim/world.h"

enum {
    K_OTHER, K_NODE, K_SPAWN, K_EXIT, K_SEND, K_RECEIVE, K_REGISTER, K_SUPERVISOR, K_FAULT,
    K_NODE_DOWN, K_NODE_UP, K_RESUME, K_NODEDOWN, K_APPLICATION,
};

static void copy_str(char *dst, size_t cap, const void *src, size_t n)
{
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* ---- slots ---------------------------------------------------------------------------------- */
static uint32_t slot_new(viz_model_t *m)
{
    uint32_t s;
    if (m->free_head) {
        s = m->free_head - 1;
        m->free_head = m->procs[s].next;
    } else {
        if (m->nprocs_slots == m->procs_cap) {
            uint32_t cap = m->procs_cap ? m->procs_cap * 2 : 256;
            viz_proc_t *p = realloc(m->procs, (size_t)cap * sizeof *p);
            SIM_ASSERT(p != NULL);
            m->procs = p;
            m->procs_cap = cap;
        }
        s = m->nprocs_slots++;
    }
    memset(&m->procs[s], 0, sizeof m->procs[s]);
    m->procs[s].live = true;
    m->live_procs++;
    return s + 1;
}

viz_proc_t *viz_model_proc(viz_model_t *m, rt_pid_t pid)
{
    uint64_t v;
    return u64map_get(&m->by_pid, pid, &v) ? &m->procs[v - 1] : NULL;
}

static uint32_t slot_of(const viz_model_t *m, const viz_proc_t *p) { return (uint32_t)(p - m->procs) + 1; }

/* Unlinks slot s from its sibling list (under its supervisor, or the node's roots). */
static void unlink_sib(viz_model_t *m, uint32_t s)
{
    viz_proc_t *p = &m->procs[s - 1];
    uint32_t *first, *last, *count;
    if (p->sup) {
        viz_proc_t *sp = &m->procs[p->sup - 1];
        first = &sp->first_child;
        last = &sp->last_child;
        count = &sp->nchildren;
    } else if (p->flags & VIZ_P_ROOT) {
        viz_node_t *n = &m->nodes[p->node];
        first = &n->roots_first;
        last = &n->roots_last;
        count = &n->nroots;
    } else {
        return;
    }
    if (p->prev) m->procs[p->prev - 1].next = p->next;
    else *first = p->next;
    if (p->next) m->procs[p->next - 1].prev = p->prev;
    else *last = p->prev;
    (*count)--;
    if (!(p->flags & VIZ_P_DEAD) && p->node < m->nnodes) m->nodes[p->node].in_tree--;
    p->next = p->prev = 0;
    p->sup = 0;
    p->flags &= (uint8_t)~VIZ_P_ROOT;
}

/* Links slot s after `after` (0: at the end) in the list of supervisor sup (0: the node's roots). */
static void link_sib(viz_model_t *m, uint32_t s, uint32_t sup, uint32_t after)
{
    viz_proc_t *p = &m->procs[s - 1];
    uint32_t *first, *last, *count;
    if (sup) {
        viz_proc_t *sp = &m->procs[sup - 1];
        first = &sp->first_child;
        last = &sp->last_child;
        count = &sp->nchildren;
        p->sup = sup;
    } else {
        viz_node_t *n = &m->nodes[p->node];
        first = &n->roots_first;
        last = &n->roots_last;
        count = &n->nroots;
        p->flags |= VIZ_P_ROOT;
    }
    if (!after) after = *last;
    p->prev = after;
    p->next = after ? m->procs[after - 1].next : *first;
    if (p->prev) m->procs[p->prev - 1].next = s;
    else *first = s;
    if (p->next) m->procs[p->next - 1].prev = s;
    else *last = s;
    (*count)++;
    if (!(p->flags & VIZ_P_DEAD) && p->node < m->nnodes) m->nodes[p->node].in_tree++;
}

/* Frees a slot: its children become roots of their node (or are freed if they are ghosts). */
static void slot_free(viz_model_t *m, uint32_t s)
{
    viz_proc_t *p = &m->procs[s - 1];
    while (p->first_child) {
        uint32_t c = p->first_child;
        unlink_sib(m, c);
        viz_proc_t *cp = &m->procs[c - 1];
        if (cp->flags & VIZ_P_DEAD) slot_free(m, c);
        else if (cp->node < m->nnodes) link_sib(m, c, 0, 0);
    }
    unlink_sib(m, s);
    uint64_t v;
    if (p->child_key && u64map_get(&m->by_child, p->child_key, &v) && v == s) u64map_del(&m->by_child, p->child_key);
    if (u64map_get(&m->by_pid, p->pid, &v) && v == s) u64map_del(&m->by_pid, p->pid);
    if (m->inspect.pid == p->pid) m->inspect.alive = false;
    p->live = false;
    p->next = m->free_head;
    m->free_head = s;
    m->live_procs--;
}

/* ---- what the trace tells --------------------------------------------------------------- */
void viz_model_init(viz_model_t *m)
{
    memset(m, 0, sizeof *m);
    u64map_init(&m->by_pid);
    u64map_init(&m->by_child);
    jbuf_init(&m->ev.reason_copy);
    m->flash_frames = VIZ_FLASH_FRAMES;
    m->napps = 1; /* apps[0]: none */
}

void viz_model_deinit(viz_model_t *m)
{
    free(m->procs);
    u64map_deinit(&m->by_pid);
    u64map_deinit(&m->by_child);
    free(m->faults);
    for (uint32_t i = 0; i < m->nseries; i++) free(m->series[i].v);
    free(m->series);
    jbuf_deinit(&m->ev.reason_copy);
    memset(m, 0, sizeof *m);
}

uint32_t viz_model_node_add(viz_model_t *m, const char *name, uint32_t cores)
{
    uint32_t i = m->nnodes_total++;
    if (i >= VIZ_MAX_NODES) return i;
    viz_node_t *n = &m->nodes[i];
    memset(n, 0, sizeof *n);
    copy_str(n->name, sizeof n->name, name, strlen(name));
    n->cores = cores ? cores : 1;
    n->up = true;
    n->slow = 1;
    m->nnodes = i + 1;
    return i;
}

static int node_index(const viz_model_t *m, const char *name, size_t n)
{
    for (uint32_t i = 0; i < m->nnodes; i++)
        if (strlen(m->nodes[i].name) == n && memcmp(m->nodes[i].name, name, n) == 0) return (int)i;
    return -1;
}

void viz_model_spawn(viz_model_t *m, sim_time_t t, rt_pid_t pid, rt_pid_t parent)
{
    uint32_t node = rt_id_node(pid);
    if (node >= m->nnodes) return;
    uint64_t old;
    if (u64map_get(&m->by_pid, pid, &old)) return;
    const viz_proc_t *pp = parent ? viz_model_proc(m, parent) : NULL;
    uint8_t app = pp ? pp->app : 0; /* the spawner's application, as a group leader is inherited */
    uint32_t s = slot_new(m);       /* may move m->procs: pp is stale from here */
    viz_proc_t *p = &m->procs[s - 1];
    p->pid = pid;
    p->parent = parent;
    p->node = node;
    p->born = t;
    p->app = app;
    m->nodes[node].app_procs[app]++;
    SIM_ASSERT(u64map_put(&m->by_pid, pid, s) == 0);
}

uint32_t viz_model_app_find(const viz_model_t *m, const char *app)
{
    for (uint32_t i = 1; i < m->napps; i++)
        if (strcmp(m->apps[i], app) == 0) return i;
    return 0;
}

/* True if p is master or was spawned by it, directly or not, through spawners the model still
 * knows (a chain whose middle link has exited and been forgotten ends there). */
static bool descends_from(viz_model_t *m, const viz_proc_t *p, rt_pid_t master)
{
    for (int hops = 0; p && hops < 64; hops++) {
        if (p->pid == master) return true;
        p = p->parent ? viz_model_proc(m, p->parent) : NULL;
    }
    return false;
}

uint32_t viz_model_app_started(viz_model_t *m, sim_time_t t, const char *app, rt_pid_t master)
{
    (void)t;
    uint32_t a = viz_model_app_find(m, app);
    if (!a) {
        if (m->napps == VIZ_MAX_APPS) return 0;
        a = m->napps++;
        copy_str(m->apps[a], sizeof m->apps[a], app, strlen(app));
    }
    /* the master's tree was spawned before the start was acknowledged: tag it now */
    for (uint32_t s = 0; s < m->nprocs_slots; s++) {
        viz_proc_t *p = &m->procs[s];
        if (!p->live || p->app == a || !descends_from(m, p, master)) continue;
        if (!(p->flags & VIZ_P_DEAD)) {
            m->nodes[p->node].app_procs[p->app]--;
            m->nodes[p->node].app_procs[a]++;
        }
        p->app = (uint8_t)a;
    }
    return a;
}

void viz_model_ticker_add(viz_model_t *m, sim_time_t t, uint8_t kind, const char *text)
{
    viz_ticker_t *k = &m->ticker[m->nticker % VIZ_TICKER];
    k->t = t;
    k->kind = kind;
    copy_str(k->text, sizeof k->text, text, strlen(text));
    m->nticker++;
}

const viz_ticker_t *viz_model_ticker_at(const viz_model_t *m, uint32_t i)
{
    if (i >= m->nticker || i >= VIZ_TICKER) return NULL;
    return &m->ticker[(m->nticker - 1 - i) % VIZ_TICKER];
}

void viz_model_exit(viz_model_t *m, sim_time_t t, rt_pid_t pid, bool abnormal, const char *reason)
{
    viz_proc_t *p = viz_model_proc(m, pid);
    if (!p || (p->flags & VIZ_P_DEAD)) return;
    uint32_t s = slot_of(m, p);
    viz_node_t *n = p->node < m->nnodes ? &m->nodes[p->node] : NULL;
    if (n) n->app_procs[p->app]--;
    if (m->inspect.pid == pid) {
        m->inspect.alive = false;
        m->inspect.died = t;
        copy_str(m->inspect.exit_reason, sizeof m->inspect.exit_reason, reason ? reason : (abnormal ? "?" : "normal"),
                 strlen(reason ? reason : (abnormal ? "?" : "normal")));
    }
    if (abnormal) {
        m->crashes++;
        if (n) {
            n->crashes++;
            n->flash_frame = m->frame + 1;
        }
        if (n && n->up) { /* a node's death is one ticker line, not one per process */
            char txt[96], id[32];
            rt_id_format(pid, id, sizeof id);
            snprintf(txt, sizeof txt, "crash %s%s%s: %s", id, p->label[0] ? " " : "", p->label, reason ? reason : "?");
            viz_model_ticker_add(m, t, 1, txt);
        }
    }
    if (p->sup || p->first_child || (p->flags & VIZ_P_ROOT)) { /* stays as a ghost for a while */
        if ((p->sup || (p->flags & VIZ_P_ROOT)) && n) n->in_tree--;
        p->flags |= VIZ_P_DEAD | (abnormal ? VIZ_P_CRASHED : 0);
        p->dead_frame = m->frame;
        if (abnormal) p->flash_frame = m->frame + 1;
        p->died = t;
        p->mailbox = 0;
        return;
    }
    slot_free(m, s);
}

void viz_model_register(viz_model_t *m, rt_pid_t pid, const char *name)
{
    viz_proc_t *p = viz_model_proc(m, pid);
    if (!p) return;
    copy_str(p->label, sizeof p->label, name, strlen(name));
    p->flags |= VIZ_P_NAMED;
}

static uint64_t child_key(rt_pid_t sup, const char *child)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ sup;
    for (const unsigned char *c = (const unsigned char *)child; *c; c++) h = (h ^ *c) * UINT64_C(0x100000001b3);
    return h ? h : 1;
}

void viz_model_child_started(viz_model_t *m, sim_time_t t, rt_pid_t sup, const char *child, rt_pid_t child_pid)
{
    viz_proc_t *sp = viz_model_proc(m, sup), *cp = viz_model_proc(m, child_pid);
    if (!sp || !cp || sp == cp || (cp->flags & VIZ_P_DEAD)) return;
    uint32_t ss = slot_of(m, sp), cs = slot_of(m, cp);
    sp->flags |= VIZ_P_SUP;
    if (!sp->sup && !(sp->flags & VIZ_P_ROOT) && sp->node < m->nnodes) link_sib(m, ss, 0, 0);
    /* a supervisor started its own children before its parent reported it: it leaves the roots */
    for (uint32_t a = sp->sup; a; a = m->procs[a - 1].sup)
        if (a == cs) return; /* no cycles */
    if (cp->sup || (cp->flags & VIZ_P_ROOT)) unlink_sib(m, cs);
    uint64_t key = child_key(sup, child), old;
    uint32_t after = 0;
    cp->restarts = 0;
    if (u64map_get(&m->by_child, key, &old) && old != cs && m->procs[old - 1].sup == ss) {
        viz_proc_t *op = &m->procs[old - 1];
        after = (uint32_t)old;
        cp->restarts = op->restarts + 1;
        cp->flash_frame = m->frame + 1;
        m->restarts++;
        char txt[96];
        snprintf(txt, sizeof txt, "restart %s under %s (#%u)", child, sp->label[0] ? sp->label : "supervisor", cp->restarts);
        viz_model_ticker_add(m, t, 2, txt);
    }
    link_sib(m, cs, ss, after);
    if (after) {
        viz_proc_t *op = &m->procs[after - 1];
        op->child_key = 0;  /* the new entry owns the key */
        if (op->flags & VIZ_P_DEAD) slot_free(m, after);
    }
    cp->child_key = key;
    SIM_ASSERT(u64map_put(&m->by_child, key, cs) == 0);
    if (!cp->label[0]) copy_str(cp->label, sizeof cp->label, child, strlen(child));
}

viz_pair_t *viz_model_pair(viz_model_t *m, uint32_t a, uint32_t b)
{
    SIM_ASSERT(a != b && a < VIZ_MAX_NODES && b < VIZ_MAX_NODES);
    uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
    return &m->pairs[hi * (hi - 1) / 2 + lo];
}

void viz_model_send(viz_model_t *m, rt_pid_t from, uint32_t from_node, rt_pid_t to, uint32_t to_node)
{
    m->sends++;
    if (from) {
        viz_proc_t *p = viz_model_proc(m, from);
        if (p) p->msgs_out++;
    }
    if (to && rt_id_tag(to) == RT_ID_PID) {
        viz_proc_t *p = viz_model_proc(m, to);
        if (p) p->msgs_in++;
    }
    if (from_node >= m->nnodes || to_node >= m->nnodes) return;
    if (from_node == to_node) {
        m->nodes[from_node].sends_local++;
        return;
    }
    viz_pair_t *pr = viz_model_pair(m, from_node, to_node);
    if (from_node < to_node) pr->sends_ab++;
    else pr->sends_ba++;
    /* sampled into sprites: the first few of each frame, then one in 2^k */
    uint64_t k = m->sprite_skip++;
    if (k >= 8 && (k & (k - 1)) != 0) return;
    if (m->nsprites == VIZ_SPRITES) return;
    m->sprites[m->nsprites++] = (viz_sprite_t){ from_node, to_node, from, 0 };
}

void viz_model_receive(viz_model_t *m, rt_pid_t pid)
{
    (void)m;
    (void)pid; /* counted at the send; a receive only moves a message within one process */
}

static viz_fault_t *fault_open(viz_model_t *m, uint8_t kind, int node, sim_time_t t, const char *label)
{
    if (m->nfaults == m->faults_cap) {
        if (m->faults_cap >= 65536) return NULL; /* bounded */
        uint32_t cap = m->faults_cap ? m->faults_cap * 2 : 64;
        viz_fault_t *f = realloc(m->faults, cap * sizeof *f);
        SIM_ASSERT(f != NULL);
        m->faults = f;
        m->faults_cap = cap;
    }
    viz_fault_t *f = &m->faults[m->nfaults++];
    f->kind = kind;
    f->node = node;
    f->t0 = t;
    f->t1 = kind == VIZ_F_INSTANT ? t : SIM_TIME_MAX;
    copy_str(f->label, sizeof f->label, label, strlen(label));
    return f;
}

/* Closes the open windows of a kind (node -2: any node; label prefix NULL: any). */
static void fault_close(viz_model_t *m, uint8_t kind, int node, const char *prefix, sim_time_t t)
{
    for (uint32_t i = 0; i < m->nfaults; i++) {
        viz_fault_t *f = &m->faults[i];
        if (f->kind != kind || f->t1 != SIM_TIME_MAX) continue;
        if (node != -2 && f->node != node) continue;
        if (prefix && strncmp(f->label, prefix, strlen(prefix)) != 0) continue;
        f->t1 = t;
    }
}

void viz_model_fault(viz_model_t *m, sim_time_t t, const char *fault, const char *node, const char *detail)
{
    int nd = node ? node_index(m, node, strlen(node)) : -1;
    char label[96];
    snprintf(label, sizeof label, "%s%s%s%s%s", fault, node ? " " : "", node ? node : "", detail ? " " : "", detail ? detail : "");
    if (strcmp(fault, "partition") == 0 || strcmp(fault, "partition_oneway") == 0) {
        fault_open(m, VIZ_F_PARTITION, -1, t, label);
    } else if (strcmp(fault, "heal") == 0) {
        if (detail && strcmp(detail, "all") != 0) {
            char pre[80];
            snprintf(pre, sizeof pre, "degrade %s ", detail);
            fault_close(m, VIZ_F_DEGRADE, -2, pre, t);
            /* a partition ends when no channel is blocked any more: viz_model_sample checks */
        } else {
            fault_close(m, VIZ_F_PARTITION, -2, NULL, t);
            fault_close(m, VIZ_F_DEGRADE, -2, NULL, t);
        }
    } else if (strcmp(fault, "crash") == 0) {
        /* the node_down event that follows opens the window */
    } else if (strcmp(fault, "restart") == 0) {
        /* node_up closes it */
    } else if (strcmp(fault, "pause") == 0) {
        fault_open(m, VIZ_F_PAUSE, nd, t, label);
    } else if (strcmp(fault, "slow") == 0) {
        fault_close(m, VIZ_F_SLOW, nd, NULL, t);
        double f = detail ? strtod(detail + (strncmp(detail, "factor ", 7) == 0 ? 7 : 0), NULL) : 1;
        if (nd >= 0) m->nodes[nd].slow = f > 0 ? f : 1;
        if (f != 1) fault_open(m, VIZ_F_SLOW, nd, t, label);
    } else if (strcmp(fault, "degrade") == 0 && detail) {
        const char *sp = strchr(detail, ' ');
        char pre[80];
        snprintf(pre, sizeof pre, "degrade %.*s ", sp ? (int)(sp - detail) : (int)strlen(detail), detail);
        fault_close(m, VIZ_F_DEGRADE, -2, pre, t);
        if (!strstr(detail, "latency +0") || !strstr(detail, "loss 0 ppm")) fault_open(m, VIZ_F_DEGRADE, -1, t, label);
    } else if (strcmp(fault, "nemesis") == 0) {
        fault_open(m, VIZ_F_NEMESIS, -1, t, "nemesis");
    } else if (strcmp(fault, "nemesis_end") == 0) {
        fault_close(m, VIZ_F_NEMESIS, -2, NULL, t);
    } else if (strcmp(fault, "net") == 0 || strcmp(fault, "link") == 0) {
        return; /* configuration, not a fault */
    } else {
        fault_open(m, VIZ_F_INSTANT, nd, t, label);
    }
    viz_model_ticker_add(m, t, 3, label);
}

void viz_model_node_down(viz_model_t *m, sim_time_t t, uint32_t node, const char *why)
{
    if (node >= m->nnodes) return;
    viz_node_t *n = &m->nodes[node];
    n->up = false;
    n->flash_frame = m->frame + 1;
    char label[96];
    snprintf(label, sizeof label, "%s down: %s", n->name, why ? why : "?");
    fault_open(m, VIZ_F_NODE_DOWN, (int)node, t, label);
    viz_model_ticker_add(m, t, 1, label);
}

void viz_model_node_up(viz_model_t *m, sim_time_t t, uint32_t node)
{
    if (node >= m->nnodes) return;
    m->nodes[node].up = true;
    fault_close(m, VIZ_F_NODE_DOWN, (int)node, NULL, t);
    char label[96];
    snprintf(label, sizeof label, "%s up again", m->nodes[node].name);
    viz_model_ticker_add(m, t, 2, label);
}

void viz_model_resume(viz_model_t *m, sim_time_t t, uint32_t node)
{
    fault_close(m, VIZ_F_PAUSE, (int)node, NULL, t);
}

void viz_model_series_add(viz_model_t *m, const char *load, const viz_sample_t *s)
{
    viz_series_t *se = NULL;
    for (uint32_t i = 0; i < m->nseries; i++)
        if (strcmp(m->series[i].name, load) == 0) se = &m->series[i];
    if (!se) {
        if (m->nseries >= 32) return;
        viz_series_t *n = realloc(m->series, (m->nseries + 1) * sizeof *n);
        SIM_ASSERT(n != NULL);
        m->series = n;
        se = &m->series[m->nseries++];
        memset(se, 0, sizeof *se);
        copy_str(se->name, sizeof se->name, load, strlen(load));
    }
    if (se->n == se->cap) {
        uint32_t cap = se->cap ? se->cap * 2 : 64;
        viz_sample_t *v = realloc(se->v, cap * sizeof *v);
        SIM_ASSERT(v != NULL);
        se->v = v;
        se->cap = cap;
    }
    se->v[se->n++] = *s;
}

void viz_model_slo_add(viz_model_t *m, const char *load, const char *metric, int op, double value)
{
    if (m->nslos >= sizeof m->slos / sizeof m->slos[0]) return;
    viz_slo_t *s = &m->slos[m->nslos++];
    copy_str(s->load, sizeof s->load, load, strlen(load));
    copy_str(s->metric, sizeof s->metric, metric, strlen(metric));
    s->op = op;
    s->value = value;
}

/* ---- the trace observer --------------------------------------------------------------------- */
static int kind_of(const char *k)
{
    switch (k[0]) {
    case 's':
        if (strcmp(k, "send") == 0) return K_SEND;
        if (strcmp(k, "spawn") == 0) return K_SPAWN;
        if (strcmp(k, "supervisor") == 0) return K_SUPERVISOR;
        break;
    case 'r':
        if (strcmp(k, "receive") == 0) return K_RECEIVE;
        if (strcmp(k, "register") == 0) return K_REGISTER;
        if (strcmp(k, "resume") == 0) return K_RESUME;
        break;
    case 'e': if (strcmp(k, "exit") == 0) return K_EXIT; break;
    case 'a': if (strcmp(k, "application") == 0) return K_APPLICATION; break;
    case 'f': if (strcmp(k, "fault") == 0) return K_FAULT; break;
    case 'n':
        if (strcmp(k, "node") == 0) return K_NODE;
        if (strcmp(k, "node_down") == 0) return K_NODE_DOWN;
        if (strcmp(k, "node_up") == 0) return K_NODE_UP;
        if (strcmp(k, "nodedown") == 0) return K_NODEDOWN;
        break;
    default: break;
    }
    return K_OTHER;
}

static void ob_begin(void *ctx, uint64_t ev, sim_time_t time, const char *kind)
{
    (void)ev;
    viz_model_t *m = ctx;
    if (m->muted) {
        m->ev.kind = K_OTHER;
        return;
    }
    m->events++;
    int k = kind_of(kind);
    m->ev.kind = k;
    if (k == K_OTHER) return;
    m->ev.t = time;
    m->ev.pid = m->ev.from = m->ev.to = m->ev.parent = 0;
    m->ev.reason = NULL;
    m->ev.node[0] = m->ev.peer[0] = m->ev.str1[0] = m->ev.str2[0] = m->ev.str3[0] = m->ev.str4[0] = 0;
}

static rt_pid_t id_of(const trace_field_t *f)
{
    uint64_t id = 0;
    if (f->type == 'B' && f->n == sizeof id) memcpy(&id, f->data, sizeof id);
    return id;
}

static void ob_field(void *ctx, const trace_field_t *f)
{
    viz_model_t *m = ctx;
    if (m->ev.kind == K_OTHER) return;
    const char *k = f->key;
    if (f->type == 'B') {
        if (strcmp(k, "pid") == 0) m->ev.pid = id_of(f);
        else if (strcmp(k, "from") == 0) m->ev.from = id_of(f);
        else if (strcmp(k, "to") == 0) m->ev.to = id_of(f);
        else if (strcmp(k, "parent") == 0) m->ev.parent = id_of(f);
        else if (strcmp(k, "reason") == 0) {
            m->ev.reason = f->data;
            m->ev.reason_len = (uint32_t)f->n;
        }
        return;
    }
    if (f->type == 'u' && strcmp(k, "cores") == 0) {
        m->ev.pid = f->u; /* the node event's cores */
        return;
    }
    if (f->type != 's') return;
    char *dst = NULL;
    size_t cap = 64;
    switch (m->ev.kind) {
    case K_SEND:
        if (strcmp(k, "to_node") == 0) dst = m->ev.node, cap = sizeof m->ev.node;
        break;
    case K_REGISTER: if (strcmp(k, "name") == 0) dst = m->ev.str1; break;
    case K_SUPERVISOR:
        if (strcmp(k, "report") == 0) dst = m->ev.str1;
        else if (strcmp(k, "child") == 0) dst = m->ev.str2;
        else if (strcmp(k, "child_pid") == 0) dst = m->ev.str3;
        else if (strcmp(k, "reason") == 0) dst = m->ev.str4, cap = sizeof m->ev.str4;
        break;
    case K_FAULT:
        if (strcmp(k, "fault") == 0) dst = m->ev.str1;
        else if (strcmp(k, "node") == 0) dst = m->ev.node, cap = sizeof m->ev.node;
        else if (strcmp(k, "detail") == 0) dst = m->ev.str4, cap = sizeof m->ev.str4;
        break;
    case K_APPLICATION:
        if (strcmp(k, "app") == 0) dst = m->ev.str1;
        else if (strcmp(k, "event") == 0) dst = m->ev.str2;
        else if (strcmp(k, "master") == 0) dst = m->ev.str3;
        break;
    default:
        if (strcmp(k, "node") == 0) dst = m->ev.node, cap = sizeof m->ev.node;
        else if (strcmp(k, "peer") == 0) dst = m->ev.peer, cap = sizeof m->ev.peer;
        else if (strcmp(k, "why") == 0 || strcmp(k, "reason") == 0) dst = m->ev.str4, cap = sizeof m->ev.str4;
        break;
    }
    if (dst) copy_str(dst, cap, f->data, f->n);
}

/* "<1.23.0>" -> the pid, or 0. */
static rt_pid_t parse_pid(const char *s)
{
    unsigned long node, serial;
    if (sscanf(s, "<%lu.%lu.0>", &node, &serial) != 2) return 0;
    return rt_id_make(RT_ID_PID, (uint32_t)node, serial);
}

static void ob_end(void *ctx)
{
    viz_model_t *m = ctx;
    int nd;
    switch (m->ev.kind) {
    case K_OTHER: return;
    case K_NODE: viz_model_node_add(m, m->ev.node, (uint32_t)m->ev.pid); break;
    case K_SPAWN: viz_model_spawn(m, m->ev.t, m->ev.pid, m->ev.parent); break;
    case K_EXIT: {
        bool abnormal = m->ev.reason && !rt_term_is_str(m->ev.reason, m->ev.reason_len, "normal") &&
                        !rt_term_is_str(m->ev.reason, m->ev.reason_len, "shutdown");
        const char *txt = NULL;
        if (abnormal || m->inspect.pid == m->ev.pid) {
            jbuf_reset(&m->ev.reason_copy);
            if (m->ev.reason) rt_term_render(m->ev.reason, m->ev.reason_len, &m->ev.reason_copy);
            txt = jbuf_cstr(&m->ev.reason_copy);
        }
        viz_model_exit(m, m->ev.t, m->ev.pid, abnormal, txt);
        break;
    }
    case K_SEND: {
        uint32_t to_node;
        if (m->ev.to) to_node = rt_id_node(m->ev.to);
        else if (m->ev.node[0] && (nd = node_index(m, m->ev.node, strlen(m->ev.node))) >= 0) to_node = (uint32_t)nd;
        else to_node = UINT32_MAX;
        uint32_t from_node = m->ev.from ? rt_id_node(m->ev.from) : UINT32_MAX;
        viz_model_send(m, m->ev.from, from_node, m->ev.to, to_node);
        break;
    }
    case K_RECEIVE: viz_model_receive(m, m->ev.pid); break;
    case K_REGISTER: viz_model_register(m, m->ev.pid, m->ev.str1); break;
    case K_SUPERVISOR:
        if (strcmp(m->ev.str1, "child_started") == 0) {
            rt_pid_t c = parse_pid(m->ev.str3);
            if (c && m->ev.pid) viz_model_child_started(m, m->ev.t, m->ev.pid, m->ev.str2, c);
        } else if (strcmp(m->ev.str1, "reached_max_restart_intensity") == 0) {
            char txt[160];
            snprintf(txt, sizeof txt, "supervisor gave up: max restart intensity (%s)", m->ev.str2);
            viz_model_ticker_add(m, m->ev.t, 1, txt);
        }
        break;
    case K_APPLICATION:
        if (strcmp(m->ev.str2, "started") == 0) {
            rt_pid_t master = parse_pid(m->ev.str3);
            if (master) viz_model_app_started(m, m->ev.t, m->ev.str1, master);
        }
        break;
    case K_FAULT:
        viz_model_fault(m, m->ev.t, m->ev.str1, m->ev.node[0] ? m->ev.node : NULL, m->ev.str4[0] ? m->ev.str4 : NULL);
        break;
    case K_NODE_DOWN:
        if ((nd = node_index(m, m->ev.node, strlen(m->ev.node))) >= 0) viz_model_node_down(m, m->ev.t, (uint32_t)nd, m->ev.str4);
        break;
    case K_NODE_UP:
        if ((nd = node_index(m, m->ev.node, strlen(m->ev.node))) >= 0) viz_model_node_up(m, m->ev.t, (uint32_t)nd);
        break;
    case K_RESUME:
        if ((nd = node_index(m, m->ev.node, strlen(m->ev.node))) >= 0) viz_model_resume(m, m->ev.t, (uint32_t)nd);
        break;
    case K_NODEDOWN: {
        char txt[256];
        snprintf(txt, sizeof txt, "%s lost %s: %s", m->ev.node, m->ev.peer, m->ev.str4);
        viz_model_ticker_add(m, m->ev.t, 3, txt);
        break;
    }
    default: break;
    }
    m->ev.kind = K_OTHER;
}

const trace_observer_t *viz_model_trace_observer(viz_model_t *m, const struct sim_world *w)
{
    m->w = w;
    m->tobs = (trace_observer_t){ .ctx = m, .begin = ob_begin, .field = ob_field, .end = ob_end };
    return &m->tobs;
}

/* ---- per frame ------------------------------------------------------------------------------ */
/* Parses the rows of the metrics CSV written since the last frame ("t,load,NAME,metric,v"). */
static void parse_csv(viz_model_t *m, const jbuf_t *csv)
{
    viz_sample_t *cur = &m->csv_cur;
    char *cur_load = m->csv_load;
    if (!csv->p) return;
    while (m->csv_off < csv->len) {
        const char *line = csv->p + m->csv_off, *nl = memchr(line, '\n', csv->len - m->csv_off);
        if (!nl) break;
        m->csv_off = (size_t)(nl - csv->p) + 1;
        char scope[16], name[48], metric[24];
        double t, v;
        char buf[200];
        copy_str(buf, sizeof buf, line, (size_t)(nl - line));
        if (sscanf(buf, "%lf,%15[^,],%47[^,],%23[^,],%lf", &t, scope, name, metric, &v) != 5) continue;
        if (strcmp(scope, "load") != 0) continue;
        if (strcmp(metric, "throughput") == 0) {
            memset(cur, 0, sizeof *cur);
            cur->t = t;
            cur->throughput = v;
            copy_str(cur_load, sizeof m->csv_load, name, strlen(name));
        } else if (strcmp(name, cur_load) != 0) {
            continue;
        } else if (strcmp(metric, "errors") == 0) cur->errors = v;
        else if (strcmp(metric, "timeouts") == 0) cur->timeouts = v;
        else if (strcmp(metric, "p50_ms") == 0) cur->p50 = v;
        else if (strcmp(metric, "p99_ms") == 0) cur->p99 = v;
        else if (strcmp(metric, "in_flight") == 0) viz_model_series_add(m, cur_load, cur); /* the last row */
    }
}

static void hot_consider(viz_node_t *n, rt_pid_t pid, uint32_t mb, bool named)
{
    uint32_t score = mb + (named ? 1 : 0);
    if (score == 0) return;
    int empty = -1, low = -1;
    for (int i = 0; i < VIZ_HOT; i++) {
        if (n->hot[i] == pid) {
            n->hot_mailbox[i] = mb;
            return;
        }
        if (!n->hot[i]) {
            if (empty < 0) empty = i;
        } else if (low < 0 || n->hot_mailbox[i] < n->hot_mailbox[low]) {
            low = i;
        }
    }
    int at = empty >= 0 ? empty : (n->hot_mailbox[low] < mb ? low : -1);
    if (at < 0) return;
    n->hot[at] = pid;
    n->hot_mailbox[at] = mb;
}

static void reap_ghosts(viz_model_t *m, uint32_t from, uint32_t count)
{
    for (uint32_t i = 0; i < count && m->nprocs_slots; i++) {
        uint32_t s = (from + i) % m->nprocs_slots;
        viz_proc_t *p = &m->procs[s];
        if (p->live && (p->flags & VIZ_P_DEAD) && m->frame - p->dead_frame > m->flash_frames) slot_free(m, s + 1);
    }
}

void viz_model_sample(viz_model_t *m, const struct sim_world *w, sim_time_t now)
{
    m->frame++;
    sim_time_t dt = now > m->sampled_at ? now - m->sampled_at : 0;
    double alpha = dt ? 1.0 - exp(-(double)dt / 4e8) : 0; /* 0.4 s virtual time constant */
    m->now = now;
    for (uint32_t i = 0; i < m->nnodes; i++) {
        viz_node_t *n = &m->nodes[i];
        if (w && i < w->nnodes) {
            const sim_node_t *sn = &w->nodes[i];
            n->up = rt_node_is_up(w->rt, i);
            n->paused = sn->paused;
            n->cores = sn->opts.cores;
            n->rq_len = sn->rq_len;
            n->mem = rt_node_memory(w->rt, i);
            n->mem_limit = rt_node_mem_limit(w->rt, i);
            n->nprocs = rt_node_proc_count(w->rt, i);
            if (dt) {
                double busy = (double)(sn->busy_ns - n->busy_prev) / ((double)dt * n->cores);
                if (busy > 1) busy = 1;
                n->cpu += alpha * (busy - n->cpu);
            }
            n->busy_prev = sn->busy_ns;
        }
        if (dt) n->local_rate += alpha * ((double)n->sends_local * 1e9 / (double)dt - n->local_rate);
        n->sends_local = 0;
        for (int k = 0; k < VIZ_HOT; k++) { /* forget the dead */
            viz_proc_t *p = n->hot[k] ? viz_model_proc(m, n->hot[k]) : NULL;
            if (n->hot[k] && (!p || (p->flags & VIZ_P_DEAD) || p->sup || (p->flags & VIZ_P_ROOT))) n->hot[k] = 0, n->hot_mailbox[k] = 0;
        }
    }
    bool any_blocked = false;
    for (uint32_t b = 1; b < m->nnodes; b++) {
        for (uint32_t a = 0; a < b; a++) {
            viz_pair_t *pr = viz_model_pair(m, a, b);
            if (w) {
                const net_pair_t *np = net_pair_peek(&w->net, a, b);
                if (np) {
                    int sa = np->side[0].state, sb = np->side[1].state;
                    pr->state = (sa == NET_UP && sb == NET_UP) ? 2 : (sa != NET_DOWN || sb != NET_DOWN) ? 1 : 0;
                    pr->blocked_ab = np->chan[0].blocked;
                    pr->blocked_ba = np->chan[1].blocked;
                    pr->extra_ns = np->extra;
                    pr->loss_ppm = np->loss_ppm;
                    pr->degraded = np->extra > 0 || np->loss_ppm > 0;
                    pr->queued = np->chan[0].len + np->chan[1].len;
                }
            }
            any_blocked |= pr->blocked_ab || pr->blocked_ba;
            if (dt) {
                pr->rate_ab += alpha * ((double)pr->sends_ab * 1e9 / (double)dt - pr->rate_ab);
                pr->rate_ba += alpha * ((double)pr->sends_ba * 1e9 / (double)dt - pr->rate_ba);
            }
            pr->sends_ab = pr->sends_ba = 0;
        }
    }
    if (w && !any_blocked) fault_close(m, VIZ_F_PARTITION, -2, NULL, now);
    if (w) parse_csv(m, &w->loads.csv);
    /* sprites age; the next frame samples afresh */
    uint32_t k = 0;
    for (uint32_t i = 0; i < m->nsprites; i++) {
        m->sprites[i].age++;
        if (m->sprites[i].age < VIZ_SPRITE_FRAMES) m->sprites[k++] = m->sprites[i];
    }
    m->nsprites = k;
    m->sprite_skip = 0;
    /* a bounded round-robin scan: deep mailboxes and named processes outside trees; ghosts */
    uint32_t budget = m->nprocs_slots < VIZ_SCAN_BUDGET ? m->nprocs_slots : VIZ_SCAN_BUDGET;
    uint32_t start = m->scan_cursor;
    for (uint32_t i = 0; i < budget; i++) {
        uint32_t s = (start + i) % m->nprocs_slots;
        viz_proc_t *p = &m->procs[s];
        if (!p->live || (p->flags & VIZ_P_DEAD)) continue;
        if (w) p->mailbox = rt_mailbox_len(w->rt, p->pid);
        if (!p->sup && !(p->flags & VIZ_P_ROOT) && p->node < m->nnodes)
            hot_consider(&m->nodes[p->node], p->pid, p->mailbox, (p->flags & VIZ_P_NAMED) != 0);
    }
    reap_ghosts(m, start, budget);
    m->scan_cursor = m->nprocs_slots ? (start + budget) % m->nprocs_slots : 0;
    m->sampled_at = now;
}

void viz_model_inspect(viz_model_t *m, rt_pid_t pid)
{
    memset(&m->inspect, 0, sizeof m->inspect);
    m->inspect.pid = pid;
    m->inspect.alive = pid != 0;
}

void viz_model_refresh(viz_model_t *m, const struct sim_world *w, const uint32_t *slots, size_t n)
{
    if (!w) return;
    for (size_t i = 0; i < n; i++) {
        viz_proc_t *p = viz_model_slot(m, slots[i]);
        if (p && p->live && !(p->flags & VIZ_P_DEAD)) p->mailbox = rt_mailbox_len(w->rt, p->pid);
    }
    viz_inspect_t *in = &m->inspect;
    if (!in->pid) return;
    viz_proc_t *vp = viz_model_proc(m, in->pid);
    if (vp) {
        viz_proc_t *sp = viz_model_slot(m, vp->sup);
        in->sup_pid = sp ? sp->pid : 0;
        copy_str(in->sup_label, sizeof in->sup_label, vp->label, strlen(vp->label));
        in->restarts = vp->restarts;
        in->app = vp->app;
    }
    if (!rt_proc_info(w->rt, in->pid, &in->info)) {
        in->alive = false;
        return;
    }
    in->alive = true;
    copy_str(in->name, sizeof in->name, in->info.name ? in->info.name : "", in->info.name ? strlen(in->info.name) : 0);
    in->nlinks = in->nmonitors = in->nmonitored_by = 0;
    for (uint32_t i = 0; i < 8 && i < in->info.nlinks; i++) in->links[in->nlinks++] = rt_proc_link_at(w->rt, in->pid, i);
    for (uint32_t i = 0; i < 8 && i < in->info.nmonitors; i++) in->monitors[in->nmonitors++] = rt_proc_monitor_at(w->rt, in->pid, i);
    for (uint32_t i = 0; i < 8 && i < in->info.nmonitored_by; i++)
        in->monitored_by[in->nmonitored_by++] = rt_proc_monitored_by_at(w->rt, in->pid, i);
    in->nmailbox = 0;
    jbuf_t b;
    jbuf_init(&b);
    for (uint32_t i = 0; i < 5; i++) {
        uint32_t len;
        const uint8_t *t = rt_mailbox_peek(w->rt, in->pid, i, &len);
        if (!t) break;
        jbuf_reset(&b);
        if (len > 4096) jbuf_printf(&b, "(a term of %u bytes)", len); /* rendering cost stays bounded */
        else rt_term_render(t, len, &b);
        copy_str(in->mailbox[in->nmailbox++], sizeof in->mailbox[0], jbuf_cstr(&b), b.len);
    }
    /* read from the behaviour's context without running it (runtime/sysstate.c): bounded */
    jbuf_reset(&b);
    in->has_sys = rt_proc_sys_state(w->rt, in->pid, &b);
    if (in->has_sys) copy_str(in->sys, sizeof in->sys, jbuf_cstr(&b), b.len);
    jbuf_deinit(&b);
}
