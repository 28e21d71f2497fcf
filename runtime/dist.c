/* dist.c — distribution as the runtime sees it: connections between nodes, noconnection,
 * node monitoring, names as remote destinations, and their `otp` functions.
 *
 * The platform owns the network: it sets connections up on demand, carries signals over them
 * and decides when one breaks (shared/docs/otp-semantics.md §6). It reports every change as a
 * node sees it (rt_conn_up / rt_conn_down), and this file turns a lost connection into what a
 * process observes in OTP (§1.7): noconnection exits and DOWNs, then nodedown messages. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "base/short_len.h"
#include "rt_int.h"
#include "term.h"

#define RT_UP (lua_touserdata(L, lua_upvalueindex(1)))

/* ---- names as destinations -------------------------------------------------------------- */
uint64_t rt__name_id(rt_t *rt, uint32_t node, const char *name)
{
    uint64_t idx;
    if (!strmap_get(&rt->atoms, name, &idx)) {
        if (rt->natoms == rt->atoms_cap) {
            uint32_t cap = rt->atoms_cap ? rt->atoms_cap * 2 : 16;
            char **a = realloc(rt->atom_names, cap * sizeof *a);
            SIM_ASSERT(a != NULL);
            rt->atom_names = a;
            rt->atoms_cap = cap;
        }
        idx = rt->natoms;
        rt->atom_names[rt->natoms] = strdup(name);
        SIM_ASSERT(rt->atom_names[rt->natoms] != NULL);
        rt->natoms++;
        SIM_ASSERT(strmap_put(&rt->atoms, name, idx) == 0);
    }
    return rt_id_make(RT_ID_NAME, node, idx);
}

const char *rt__name_of(const rt_t *rt, uint64_t name_id)
{
    uint64_t idx = rt_id_serial(name_id);
    return idx < rt->natoms ? rt->atom_names[idx] : "?";
}

uint64_t rt__mon_target(rt_t *rt, const rt_proc_t *p, const rt_mon_t *mon)
{
    if (mon->pid) return mon->pid;
    if (mon->name && mon->name_node != p->node) return rt__name_id(rt, mon->name_node, mon->name);
    return 0;
}

rt_time_t rt__delay(const rt_t *rt, uint32_t node, rt_time_t d)
{
    return rt->plat.local_delay ? rt->plat.local_delay(rt->plat.ctx, node, d) : d;
}

bool rt__is_remote(const rt_t *rt, uint32_t node) { return rt->current && node != rt->current->node; }

void rt__dist_free(rt_t *rt)
{
    for (uint32_t i = 0; i < rt->natoms; i++) free(rt->atom_names[i]);
    free(rt->atom_names);
    strmap_deinit(&rt->atoms);
    free(rt->conn);
}

/* ---- the connection matrix ---------------------------------------------------------------- */
static void conn_grow(rt_t *rt)
{
    if (rt->nnodes <= rt->conn_cap) return;
    uint32_t cap = rt->conn_cap ? rt->conn_cap : 4;
    while (cap < rt->nnodes) cap *= 2;
    uint8_t *c = calloc((size_t)cap * cap, 1);
    SIM_ASSERT(c != NULL);
    for (uint32_t a = 0; a < rt->conn_cap; a++)
        memcpy(c + (size_t)a * cap, rt->conn + (size_t)a * rt->conn_cap, rt->conn_cap);
    free(rt->conn);
    rt->conn = c;
    rt->conn_cap = cap;
}

void rt__conn_reset(rt_t *rt, uint32_t node)
{
    for (uint32_t peer = 0; node < rt->conn_cap && peer < rt->conn_cap; peer++)
        rt->conn[(size_t)node * rt->conn_cap + peer] = 0;
}

bool rt_conn_is_up(const rt_t *rt, uint32_t node, uint32_t peer)
{
    return node < rt->conn_cap && peer < rt->conn_cap && rt->conn[(size_t)node * rt->conn_cap + peer];
}

static void conn_set(rt_t *rt, uint32_t node, uint32_t peer, uint8_t v)
{
    conn_grow(rt);
    rt->conn[(size_t)node * rt->conn_cap + peer] = v;
}

static void trace_conn(rt_t *rt, const char *kind, uint32_t node, uint32_t peer, const char *reason)
{
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), kind);
    rt->plat.trace_str(rt->plat.ctx, "node", rt->nodes[node].name, strlen(rt->nodes[node].name));
    rt->plat.trace_str(rt->plat.ctx, "peer", rt->nodes[peer].name, strlen(rt->nodes[peer].name));
    if (reason) rt->plat.trace_str(rt->plat.ctx, "reason", reason, strlen(reason));
    rt->plat.trace_end(rt->plat.ctx);
}

/* {tag = tag, node = peer [, reason = r]} or {tag = "$connect", node = peer, ok = b}, keys in
 * canonical (sorted) order. */
static void put_node_msg(rt_t *rt, rt_proc_t *p, const char *tag, uint32_t peer, const char *reason, int ok)
{
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    rt_tb_table(b, 0, reason || ok >= 0 ? 3 : 2);
    rt_tb_str(b, "node");
    rt_tb_str(b, rt->nodes[peer].name);
    if (ok >= 0) {
        rt_tb_str(b, "ok");
        rt_tb_bool(b, ok != 0);
    }
    if (reason) {
        rt_tb_str(b, "reason");
        rt_tb_str(b, reason);
    }
    rt_tb_str(b, "tag");
    rt_tb_str(b, tag);
    rt__mailbox_put(rt, p, rt__msg_new(rt, RT_SIG_MSG, 0, p->pid, b, false));
}

/* Removes every entry equal to node from a uint32_t vector; returns how many. */
static uint32_t vec_take_node(rt_vec_t *v, uint32_t node)
{
    uint32_t *e = v->p, k = 0, n = 0;
    for (uint32_t i = 0; i < v->len; i++) {
        if (e[i] == node) n++;
        else e[k++] = e[i];
    }
    v->len = k;
    return n;
}

/* The processes of a node, by pid, so that the list may change while they are visited. */
static rt_pid_t *node_pids(rt_t *rt, uint32_t node, size_t *n)
{
    rt_node_t *nd = &rt->nodes[node];
    rt_pid_t *pids = malloc((nd->nprocs ? nd->nprocs : 1) * sizeof *pids);
    SIM_ASSERT(pids != NULL);
    size_t k = 0;
    for (rt_proc_t *p = nd->first; p; p = p->node_next) pids[k++] = p->pid;
    *n = k;
    return pids;
}

void rt_conn_up(rt_t *rt, uint32_t node, uint32_t peer)
{
    SIM_ASSERT(node < rt->nnodes && peer < rt->nnodes && node != peer);
    if (rt_conn_is_up(rt, node, peer)) return;
    conn_set(rt, node, peer, 1);
    trace_conn(rt, "nodeup", node, peer, NULL);
    for (rt_proc_t *p = rt->nodes[node].first; p; p = p->node_next) {
        for (uint16_t i = 0; i < p->monitor_nodes; i++) put_node_msg(rt, p, "nodeup", peer, NULL, -1);
        if (vec_take_node(&p->conn_waits, peer)) put_node_msg(rt, p, "$connect", peer, NULL, 1);
    }
}

static bool on_node(const rt_t *rt, uint64_t id, uint32_t peer)
{
    (void)rt;
    return id && rt_id_node(id) == peer;
}

void rt_conn_down(rt_t *rt, uint32_t node, uint32_t peer, const char *reason)
{
    SIM_ASSERT(node < rt->nnodes && peer < rt->nnodes && node != peer);
    bool was_up = rt_conn_is_up(rt, node, peer);
    if (was_up) conn_set(rt, node, peer, 0);
    trace_conn(rt, was_up ? "nodedown" : "connect_failed", node, peer, reason);
    size_t n;
    rt_pid_t *pids = node_pids(rt, node, &n);
    jbuf_t *b = &rt->scratch;
    rt_vec_t gone_links = { 0 }, gone_mons = { 0 };
    for (size_t k = 0; k < n; k++) {
        rt_proc_t *p = rt__proc_get(rt, pids[k]);
        if (!p) continue;
        /* Take everything that involves peer first: a process killed by the first EXIT must
         * not signal the lost node again (that would reconnect). */
        gone_links.len = gone_mons.len = 0;
        rt_pid_t *l = p->links.p;
        uint32_t keep = 0;
        for (uint32_t i = 0; i < p->links.len; i++) {
            if (on_node(rt, l[i], peer)) *(rt_pid_t *)rt__vec_push(&gone_links, sizeof(rt_pid_t)) = l[i];
            else l[keep++] = l[i];
        }
        p->links.len = keep;
        rt_mon_t *mo = p->mons_out.p;
        keep = 0;
        for (uint32_t i = 0; i < p->mons_out.len; i++) {
            bool remote = mo[i].pid ? on_node(rt, mo[i].pid, peer) : (mo[i].name && mo[i].name_node == peer);
            if (remote) *(rt_mon_t *)rt__vec_push(&gone_mons, sizeof(rt_mon_t)) = mo[i];
            else mo[keep++] = mo[i];
        }
        p->mons_out.len = keep;
        rt_mon_t *mi = p->mons_in.p;
        keep = 0;
        for (uint32_t i = 0; i < p->mons_in.len; i++)
            if (!on_node(rt, mi[i].pid, peer)) mi[keep++] = mi[i];
        p->mons_in.len = keep;
        uint32_t node_mons = vec_take_node(&p->node_mons, peer);
        uint32_t waits = vec_take_node(&p->conn_waits, peer);
        uint16_t subs = was_up ? p->monitor_nodes : 0;

        /* then deliver, in OTP's order: EXIT, DOWN, nodedown (monitor_node), nodedown
         * (monitor_nodes). An effect may end p (and free it): look it up again each time. */
        rt_pid_t pid = pids[k];
        const rt_pid_t *gl = gone_links.p;
        for (uint32_t i = 0; i < gone_links.len && (p = rt__proc_get(rt, pid)); i++) {
            jbuf_reset(b);
            rt_tb_str(b, "noconnection");
            rt_msg_t *m = rt__msg_new(rt, RT_SIG_EXIT, gl[i], pid, b, false);
            m->linked = true;
            rt__exit_effect(rt, p, m);
        }
        rt_mon_t *gm = gone_mons.p;
        for (uint32_t i = 0; i < gone_mons.len; i++) {
            p = rt__proc_get(rt, pid);
            if (!p) {
                free(gm[i].name);
                continue;
            }
            jbuf_reset(b);
            rt_tb_str(b, "noconnection");
            rt_msg_t *m = rt__msg_new(rt, RT_SIG_DOWN, gm[i].pid, pid, b, false);
            m->ref = gm[i].ref;
            rt__down_effect(rt, p, &gm[i], m);
        }
        if (!(p = rt__proc_get(rt, pid))) continue;
        for (uint32_t i = 0; i < node_mons; i++) put_node_msg(rt, p, "nodedown", peer, NULL, -1);
        for (uint16_t i = 0; i < subs; i++) put_node_msg(rt, p, "nodedown", peer, reason, -1);
        if (waits) put_node_msg(rt, p, "$connect", peer, NULL, 0);
    }
    free(gone_links.p);
    free(gone_mons.p);
    free(pids);
}

/* ---- sending from C ------------------------------------------------------------------------ */
bool rt_send_as(rt_t *rt, rt_pid_t from, uint64_t dest, const char *name, uint32_t name_node,
                const uint8_t *term, uint32_t len)
{
    uint32_t home = rt_id_node(from);
    if (name) {
        if (name_node != home) dest = rt__name_id(rt, name_node, name);
        else dest = rt_whereis(rt, name_node, name);
        if (!dest) return false;
    }
    rt_msg_t *m = rt__msg_new_raw(rt, RT_SIG_MSG, from, dest, term, len, false);
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "send");
    rt__trace_pid(rt, "from", from);
    if (rt_id_tag(dest) == RT_ID_NAME) {
        const char *nd = rt_node_name(rt, name_node);
        rt->plat.trace_str(rt->plat.ctx, "to_name", name, short_len(name));
        rt->plat.trace_str(rt->plat.ctx, "to_node", nd, short_len(nd));
    } else {
        rt__trace_pid(rt, "to", dest);
    }
    rt__trace_term(rt, "msg", m->data, m->len);
    rt->plat.trace_end(rt->plat.ctx);
    rt_proc_t *p = rt__proc_get(rt, from);
    if (p) p->msgs_out++;
    rt__post(rt, m);
    return true;
}

rt_ref_t rt_alias_new(rt_t *rt, rt_pid_t owner)
{
    rt_ref_t ref = rt__make_ref(rt, rt_id_node(owner));
    SIM_ASSERT(u64map_put(&rt->aliases, ref, owner) == 0);
    return ref;
}

void rt_alias_drop(rt_t *rt, rt_ref_t alias) { u64map_del(&rt->aliases, alias); }

/* ---- otp functions -------------------------------------------------------------------------- */
static rt_proc_t *need_proc(lua_State *L, rt_t *rt, const char *fname)
{
    if (!rt->current) luaL_error(L, "%s: only available inside a process", fname);
    return rt->current;
}

/* A node name: its index, or -1 for a name no node has. */
static int node_arg(lua_State *L, rt_t *rt, int idx)
{
    return rt_node_find(rt, luaL_checkstring(L, idx));
}

/* otp.monitor_node(node, flag): erlang:monitor_node/2. With true, asks for a connection and
 * adds one subscription; {tag = "nodedown", node = n} arrives once per subscription when the
 * connection is lost or cannot be made. With false, removes one subscription. */
static int otp_monitor_node(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.monitor_node");
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    int n = node_arg(L, rt, 1);
    bool on = lua_toboolean(L, 2);
    lua_pushboolean(L, 1);
    if (!on) {
        uint32_t *e = p->node_mons.p;
        for (uint32_t i = 0; n >= 0 && i < p->node_mons.len; i++)
            if (e[i] == (uint32_t)n) {
                rt__vec_remove(&p->node_mons, sizeof(uint32_t), i);
                break;
            }
        return 1;
    }
    if (n < 0) { /* no such node: nodedown at once */
        jbuf_t *b = &rt->scratch;
        jbuf_reset(b);
        rt_tb_table(b, 0, 2);
        rt_tb_str(b, "node");
        rt_tb_str(b, lua_tostring(L, 1));
        rt_tb_str(b, "tag");
        rt_tb_str(b, "nodedown");
        rt__mailbox_put(rt, p, rt__msg_new(rt, RT_SIG_MSG, 0, p->pid, b, false));
        return 1;
    }
    if ((uint32_t)n == p->node) return 1; /* the own node never goes down for itself */
    *(uint32_t *)rt__vec_push(&p->node_mons, sizeof(uint32_t)) = (uint32_t)n;
    if (!rt_conn_is_up(rt, p->node, (uint32_t)n) && rt->plat.connect)
        rt->plat.connect(rt->plat.ctx, p->node, (uint32_t)n);
    return 1;
}

/* otp.monitor_nodes(flag): net_kernel:monitor_nodes/2 with nodedown_reason. */
static int otp_monitor_nodes(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.monitor_nodes");
    luaL_checktype(L, 1, LUA_TBOOLEAN);
    if (lua_toboolean(L, 1)) p->monitor_nodes++;
    else if (p->monitor_nodes) p->monitor_nodes--;
    lua_pushboolean(L, 1);
    return 1;
}

/* otp._connect(node) → true (connected), false (no such node), or nil: asked; the answer comes
 * as {tag = "$connect", node = n, ok = b} (otp.connect_node waits for it). */
static int otp__connect(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.connect_node");
    int n = node_arg(L, rt, 1);
    if (n < 0) {
        lua_pushboolean(L, 0);
        return 1;
    }
    if ((uint32_t)n == p->node || rt_conn_is_up(rt, p->node, (uint32_t)n)) {
        lua_pushboolean(L, 1);
        return 1;
    }
    if (!rt->plat.connect) {
        lua_pushboolean(L, 0);
        return 1;
    }
    *(uint32_t *)rt__vec_push(&p->conn_waits, sizeof(uint32_t)) = (uint32_t)n;
    rt->plat.connect(rt->plat.ctx, p->node, (uint32_t)n);
    lua_pushnil(L);
    return 1;
}

/* otp.disconnect_node(node) → true if there was a connection (erlang:disconnect_node/1). */
static int otp_disconnect_node(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.disconnect_node");
    int n = node_arg(L, rt, 1);
    bool ok = n >= 0 && (uint32_t)n != p->node && rt->plat.disconnect &&
              rt->plat.disconnect(rt->plat.ctx, p->node, (uint32_t)n);
    lua_pushboolean(L, ok);
    return 1;
}

void rt__dist_open(rt_t *rt, lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "monitor_node", otp_monitor_node }, { "monitor_nodes", otp_monitor_nodes },
        { "_connect", otp__connect }, { "disconnect_node", otp_disconnect_node }, { NULL, NULL }
    };
    lua_pushlightuserdata(L, rt);
    luaL_setfuncs(L, funcs, 1);
}
