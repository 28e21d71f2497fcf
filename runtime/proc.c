/* proc.c — the process table, spawning, slices (run / end), wake-up and exit.
 *
 * Invariants: a process is in exactly one state. WAITING processes are blocked in a receive (or
 * not yet resumed after a wake); RUNNABLE ones have been handed to the platform (queued = true)
 * and will be run; RUNNING means rt_proc_run has executed its slice and the platform has not yet
 * called rt_proc_slice_end. A DEAD process that the platform still holds (queued) stays allocated
 * until rt_proc_run sees it; otherwise exit frees it at once. Effects of a slice carry the
 * slice-local time; the outcome of the slice (exit, block, wake) takes effect at its end. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "otp.h"
#include "rt_int.h"
#include "term.h"

#define HOOK_STEP 200
#define DEFAULT_QUANTUM_INSTR 100000

static const char RT_KEY = 'r'; /* registry key of the rt_t (light userdata) */

/* ---- small vectors ------------------------------------------------------------------------ */
void *rt__vec_push(rt_vec_t *v, size_t elem)
{
    if (v->len == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 4;
        void *p = realloc(v->p, (size_t)cap * elem);
        SIM_ASSERT(p != NULL);
        v->p = p;
        v->cap = cap;
    }
    return (char *)v->p + (size_t)v->len++ * elem;
}

void rt__vec_remove(rt_vec_t *v, size_t elem, uint32_t i)
{
    SIM_ASSERT(i < v->len);
    char *b = v->p;
    memmove(b + i * elem, b + (i + 1) * elem, (size_t)(v->len - i - 1) * elem);
    v->len--;
}

/* ---- identifiers -------------------------------------------------------------------------- */
static char *put_dec(char *p, uint64_t v)
{
    char tmp[24];
    int i = 0;
    do {
        tmp[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i) *p++ = tmp[--i];
    return p;
}

int rt_id_format(uint64_t id, char *buf, size_t n)
{
    char tmp[64], *p = tmp;
    switch (rt_id_tag(id)) { /* hand-formatted: this runs for every traced pid */
    case RT_ID_PID:
        *p++ = '<';
        p = put_dec(p, rt_id_node(id));
        *p++ = '.';
        p = put_dec(p, rt_id_serial(id));
        memcpy(p, ".0>", 3);
        p += 3;
        break;
    case RT_ID_REF:
        memcpy(p, "#Ref<", 5);
        p += 5;
        p = put_dec(p, rt_id_node(id));
        *p++ = '.';
        p = put_dec(p, rt_id_serial(id));
        *p++ = '>';
        break;
    default:
        return snprintf(buf, n, "%s", (void *)(uintptr_t)id == RT_TERM_ANY ? "otp.any" : "<lightuserdata>");
    }
    size_t len = (size_t)(p - tmp);
    if (n == 0) return (int)len;
    size_t c = len < n - 1 ? len : n - 1;
    memcpy(buf, tmp, c);
    buf[c] = 0;
    return (int)c;
}

rt_ref_t rt__make_ref(rt_t *rt, uint32_t node)
{
    return rt_id_make(RT_ID_REF, node, rt->next_serial++);
}

/* ---- lifecycle ---------------------------------------------------------------------------- */
rt_t *rt_create(const rt_platform_t *plat, lua_State *L)
{
    rt_t *rt = calloc(1, sizeof *rt);
    if (!rt) return NULL;
    rt->plat = *plat;
    rt->L = L;
    rt->next_serial = 1;
    u64map_init(&rt->procs);
    u64map_init(&rt->aliases);
    u64map_init(&rt->timers);
    strmap_init(&rt->atoms);
    strmap_init(&rt->node_index);
    jbuf_init(&rt->scratch);
    lua_pushlightuserdata(L, rt);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &RT_KEY);
    rt__otp_open(rt, L);
    return rt;
}

rt_t *rt__of(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &RT_KEY);
    rt_t *rt = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return rt;
}

static void proc_free(rt_t *rt, rt_proc_t *p);

void rt_destroy(rt_t *rt)
{
    for (uint32_t n = 0; n < rt->nnodes; n++) {
        rt_proc_t *p = rt->nodes[n].first;
        while (p) {
            rt_proc_t *next = p->node_next;
            proc_free(rt, p);
            free(p);
            p = next;
        }
        strmap_deinit(&rt->nodes[n].names);
        free(rt->nodes[n].name);
    }
    for (size_t i = 0; i < rt->timers.cap; i++) {
        if (!rt->timers.slots[i].key) continue;
        rt_timer_t *t = (rt_timer_t *)(uintptr_t)rt->timers.slots[i].val;
        if (t->msg) rt_msg_free(rt, t->msg);
        free(t->dest_name);
        free(t);
    }
    free(rt->nodes);
    u64map_deinit(&rt->procs);
    u64map_deinit(&rt->aliases);
    u64map_deinit(&rt->timers);
    jbuf_deinit(&rt->scratch);
    strmap_deinit(&rt->node_index);
    rt__dist_free(rt);
    while (rt->pool) {
        rt_msg_t *m = rt->pool;
        rt->pool = m->next;
        free(m);
    }
    free(rt);
}

uint32_t rt_node_add(rt_t *rt, const char *name, const rt_node_params_t *params)
{
    SIM_ASSERT(rt_node_find(rt, name) < 0);
    SIM_ASSERT(rt->nnodes < (1u << RT_ID_NODE_BITS));
    if (rt->nnodes == rt->nodes_cap) {
        uint32_t cap = rt->nodes_cap ? rt->nodes_cap * 2 : 4;
        rt_node_t *n = realloc(rt->nodes, cap * sizeof *n);
        SIM_ASSERT(n != NULL);
        rt->nodes = n;
        rt->nodes_cap = cap;
    }
    rt_node_t *n = &rt->nodes[rt->nnodes];
    memset(n, 0, sizeof *n);
    n->name = strdup(name);
    SIM_ASSERT(n->name != NULL);
    n->params = *params;
    if (n->params.cpu_factor <= 0) n->params.cpu_factor = 1.0;
    if (!n->params.proc_bytes) n->params.proc_bytes = RT_PROC_BYTES;
    strmap_init(&n->names);
    SIM_ASSERT(strmap_put(&rt->node_index, n->name, rt->nnodes) == 0);
    return rt->nnodes++;
}

uint64_t rt_node_memory(const rt_t *rt, uint32_t node) { return node < rt->nnodes ? rt->nodes[node].mem : 0; }
uint64_t rt_node_memory_peak(const rt_t *rt, uint32_t node) { return node < rt->nnodes ? rt->nodes[node].mem_peak : 0; }

void rt_node_set_cpu_factor(rt_t *rt, uint32_t node, double factor)
{
    SIM_ASSERT(node < rt->nnodes && factor > 0);
    rt->nodes[node].params.cpu_factor = factor;
}

void rt_node_set_mem_limit(rt_t *rt, uint32_t node, uint64_t bytes)
{
    SIM_ASSERT(node < rt->nnodes);
    rt->nodes[node].params.mem_limit = bytes;
    rt_node_memory_add(rt, node, 0);
}

/* The node ran out of memory: it halts with a reason naming the largest mailbox. */
static void out_of_memory(rt_t *rt, uint32_t node)
{
    rt_node_t *n = &rt->nodes[node];
    n->oom = true;
    const rt_proc_t *big = NULL;
    for (const rt_proc_t *p = n->first; p; p = p->node_next)
        if (!big || p->mb_bytes > big->mb_bytes) big = p;
    char why[256], pid[48] = "none";
    if (big) rt_id_format(big->pid, pid, sizeof pid);
    snprintf(why, sizeof why,
             "out of memory: %llu bytes in use, limit %llu (largest mailbox: %s, %u messages, %llu bytes)",
             (unsigned long long)n->mem, (unsigned long long)n->params.mem_limit, pid,
             big ? big->mb_len : 0, big ? (unsigned long long)big->mb_bytes : 0ULL);
    rt__halt_later(rt, node, why);
}

void rt_node_memory_add(rt_t *rt, uint32_t node, int64_t delta)
{
    rt_node_t *n = &rt->nodes[node];
    n->mem = (uint64_t)((int64_t)n->mem + delta);
    if (n->mem > n->mem_peak) n->mem_peak = n->mem;
    if (n->params.mem_limit && n->mem > n->params.mem_limit && !n->oom && !n->down) out_of_memory(rt, node);
}

uint32_t rt_node_count(const rt_t *rt) { return rt->nnodes; }
bool rt_node_is_up(const rt_t *rt, uint32_t node) { return node < rt->nnodes && !rt->nodes[node].down; }

void rt_node_down(rt_t *rt, uint32_t node, const char *why)
{
    SIM_ASSERT(node < rt->nnodes && rt->current == NULL);
    rt_node_t *n = &rt->nodes[node];
    if (n->down) return;
    n->down = true;
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "node_down");
    rt->plat.trace_str(rt->plat.ctx, "node", n->name, strlen(n->name));
    rt->plat.trace_str(rt->plat.ctx, "why", why, strlen(why));
    rt->plat.trace_end(rt->plat.ctx);
    rt__conn_reset(rt, node);
    jbuf_t *b = &rt->scratch;
    while (n->first) {
        rt_proc_t *p = n->first;
        jbuf_reset(b);
        rt_tb_str(b, "noconnection");
        rt_msg_t *r = rt__msg_new(rt, RT_SIG_EXIT, p->pid, 0, b, false);
        if (p->state == RT_P_RUNNING) { /* its slice is accounted for: end it now */
            if (p->exit_reason) rt_msg_free(rt, p->exit_reason);
            p->exit_reason = NULL;
            p->exited = false;
            p->state = RT_P_WAITING;
            p->queued = true; /* the platform still holds it until its slice-end event */
        }
        rt__proc_exit(rt, p, r);
    }
}

void rt_node_up(rt_t *rt, uint32_t node)
{
    SIM_ASSERT(node < rt->nnodes);
    rt_node_t *n = &rt->nodes[node];
    if (!n->down) return;
    n->down = false;
    n->oom = false;
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "node_up");
    rt->plat.trace_str(rt->plat.ctx, "node", n->name, strlen(n->name));
    rt->plat.trace_end(rt->plat.ctx);
}
const char *rt_node_name(const rt_t *rt, uint32_t node) { return node < rt->nnodes ? rt->nodes[node].name : "?"; }

int rt_node_find(const rt_t *rt, const char *name)
{
    uint64_t i;
    return strmap_get(&rt->node_index, name, &i) ? (int)i : -1;
}

uint32_t rt_proc_node(const rt_proc_t *p) { return p->node; }
rt_pid_t rt_proc_pid(const rt_proc_t *p) { return p->pid; }
rt_proc_t **rt_proc_queue_link(rt_proc_t *p) { return &p->queue_next; }
size_t rt_proc_count(const rt_t *rt) { return rt->nprocs; }
size_t rt_node_proc_count(const rt_t *rt, uint32_t node) { return node < rt->nnodes ? rt->nodes[node].nprocs : 0; }

void rt_proc_discard(rt_t *rt, rt_proc_t *p)
{
    (void)rt;
    if (p->state == RT_P_DEAD) free(p);
}

rt_proc_t *rt__proc_get(const rt_t *rt, rt_pid_t pid)
{
    uint64_t v;
    if (rt_id_tag(pid) != RT_ID_PID || !u64map_get(&rt->procs, pid, &v)) return NULL;
    return (rt_proc_t *)(uintptr_t)v;
}

bool rt_is_alive(const rt_t *rt, rt_pid_t pid) { return rt__proc_get(rt, pid) != NULL; }

uint32_t rt_mailbox_len(const rt_t *rt, rt_pid_t pid)
{
    const rt_proc_t *p = rt__proc_get(rt, pid);
    return p ? p->mb_len : 0;
}

rt_pid_t rt_current_pid(const rt_t *rt) { return rt->current ? rt->current->pid : 0; }
rt_time_t rt_now(const rt_t *rt) { return rt__now(rt); }
lua_State *rt_current_thread(const rt_t *rt) { return rt->current ? rt->current->co : NULL; }

rt_time_t rt__now(const rt_t *rt)
{
    if (rt->current) return rt->current->slice_start + rt->current->cpu;
    return rt->plat.now(rt->plat.ctx);
}

/* ---- the instruction hook: CPU charging and preemption -------------------------------------- */
static void proc_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    rt_t *rt = rt__of(L);
    rt_proc_t *p = rt->current;
    if (rt->plat.tick) rt->plat.tick(rt->plat.ctx, L);
    if (!p) return;
    const rt_node_params_t *np = &rt->nodes[p->node].params;
    p->slice_instr += HOOK_STEP;
    p->reductions += HOOK_STEP;
    p->cpu += (rt_time_t)((double)HOOK_STEP * np->instr_ns * np->cpu_factor);
    uint64_t max_instr = np->instr_ns ? np->quantum_ns / np->instr_ns : DEFAULT_QUANTUM_INSTR;
    if (max_instr == 0) max_instr = 1;
    if ((p->cpu >= np->quantum_ns || p->slice_instr >= max_instr) && L == p->co && lua_isyieldable(L)) {
        if (p->cpu < np->quantum_ns) p->cpu = np->quantum_ns; /* reductions used up: a full quantum */
        p->yield = RT_Y_PREEMPT;
        lua_yield(L, 0);
    }
}

/* ---- spawn -------------------------------------------------------------------------------- */
static rt_proc_t *proc_new(rt_t *rt, uint32_t node)
{
    SIM_ASSERT(node < rt->nnodes);
    rt_proc_t *p = calloc(1, sizeof *p);
    SIM_ASSERT(p != NULL);
    p->pid = rt_id_make(RT_ID_PID, node, rt->next_serial++);
    p->node = node;
    p->state = RT_P_RUNNABLE;
    p->mb_tail = &p->mb_head;
    p->co_ref = LUA_NOREF;
    p->started_at = rt__now(rt);
    SIM_ASSERT(u64map_put(&rt->procs, p->pid, (uint64_t)(uintptr_t)p) == 0);
    rt_node_t *n = &rt->nodes[node];
    p->node_prev = n->last;
    if (n->last) n->last->node_next = p;
    else n->first = p;
    n->last = p;
    n->nprocs++;
    rt->nprocs++;
    rt_node_memory_add(rt, node, (int64_t)n->params.proc_bytes);
    return p;
}

/* Makes a new process runnable at the current (slice-local) time. */
static void make_ready(rt_t *rt, rt_proc_t *p)
{
    p->queued = true;
    rt_time_t at = rt__now(rt);
    if (rt->current && at > rt->plat.now(rt->plat.ctx)) {
        rt_timer_t *t = calloc(1, sizeof *t);
        SIM_ASSERT(t != NULL);
        t->kind = RT_T_READY;
        t->owner = p->pid;
        t->at = at;
        uint64_t id = rt__make_ref(rt, p->node);
        SIM_ASSERT(u64map_put(&rt->timers, id, (uint64_t)(uintptr_t)t) == 0);
        t->handle = rt->plat.timer_start(rt->plat.ctx, at, id);
        return;
    }
    rt->plat.ready(rt->plat.ctx, p);
}

rt_pid_t rt_spawn_lua(rt_t *rt, lua_State *L, uint32_t node, int fn_idx, int nargs)
{
    return rt__spawn_lua(rt, L, node, fn_idx, nargs, false);
}

/* remote: spawned from a process on another node. The process is created at once but starts
 * only when the SPAWN signal reaches its node; on a node that is down the pid names no process
 * (the signal still travels, and a lost connection reports noconnection to a link or monitor). */
rt_pid_t rt__spawn_lua(rt_t *rt, lua_State *L, uint32_t node, int fn_idx, int nargs, bool remote)
{
    fn_idx = lua_absindex(L, fn_idx);
    luaL_checktype(L, fn_idx, LUA_TFUNCTION);
    if (node >= rt->nnodes) luaL_error(L, "spawn: no such node");
    if (remote && rt->nodes[node].down) {
        rt_pid_t pid = rt_id_make(RT_ID_PID, node, rt->next_serial++);
        rt__post(rt, rt__msg_new(rt, RT_SIG_SPAWN, rt->current->pid, pid, NULL, false));
        return pid;
    }
    if (rt->nodes[node].down) luaL_error(L, "spawn: node '%s' is down", rt->nodes[node].name);
    /* Copy the arguments first, so a bad one leaves no half-made process. The boundaries live
     * in a userdata so that an error raised here leaks nothing. */
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    bool has_refs = false;
    uint32_t *ends = lua_newuserdatauv(L, sizeof(uint32_t) * (size_t)(nargs + 1), 0);
    ends[0] = 0;
    for (int i = 1; i <= nargs; i++) {
        const char *err;
        if (rt_term_encode(L, fn_idx + i, b, &has_refs, &err) != 0) {
            if (has_refs) rt_term_release(L, (const uint8_t *)b->p, (uint32_t)b->len);
            luaL_error(L, "spawn: argument %d cannot be copied: %s", i, err);
        }
        ends[i] = (uint32_t)b->len;
    }
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, fn_idx);
    lua_xmove(L, co, 1);
    for (int i = 1; i <= nargs; i++)
        rt_term_decode(co, (const uint8_t *)b->p + ends[i - 1], ends[i] - ends[i - 1]);
    if (has_refs) rt_term_release(L, (const uint8_t *)b->p, (uint32_t)b->len);
    int co_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the thread */
    lua_pop(L, 1);                               /* ends */
    rt_proc_t *p = proc_new(rt, node);
    p->co = co;
    p->co_ref = co_ref;
    p->start_nargs = nargs;
    lua_sethook(co, proc_hook, LUA_MASKCOUNT, HOOK_STEP);
    rt_pid_t parent = rt->current ? rt->current->pid : 0;
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "spawn");
    rt->plat.trace_str(rt->plat.ctx, "node", rt->nodes[node].name, strlen(rt->nodes[node].name));
    rt__trace_pid(rt, "pid", p->pid);
    if (parent) rt__trace_pid(rt, "parent", parent);
    rt->plat.trace_end(rt->plat.ctx);
    if (remote) {
        p->state = RT_P_WAITING;
        p->wait = RT_W_NONE;
        p->embryo = true;
        rt__post(rt, rt__msg_new(rt, RT_SIG_SPAWN, parent, p->pid, NULL, false));
        return p->pid;
    }
    make_ready(rt, p);
    return p->pid;
}

rt_pid_t rt_spawn_c(rt_t *rt, uint32_t node, rt_c_handler_t handle, void *state)
{
    rt_proc_t *p = proc_new(rt, node);
    p->chandle = handle;
    p->cstate = state;
    p->started = true;
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "spawn");
    rt->plat.trace_str(rt->plat.ctx, "node", rt->nodes[node].name, strlen(rt->nodes[node].name));
    rt__trace_pid(rt, "pid", p->pid);
    rt->plat.trace_end(rt->plat.ctx);
    make_ready(rt, p);
    return p->pid;
}

rt_pid_t rt_spawn_c_external(rt_t *rt, uint32_t node, rt_c_handler_t handle, void *state)
{
    rt_proc_t *p = proc_new(rt, node);
    p->chandle = handle;
    p->cstate = state;
    p->started = true;
    p->external = true;
    p->state = RT_P_WAITING;
    p->wait = RT_W_NONE;
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "spawn");
    rt->plat.trace_str(rt->plat.ctx, "node", rt->nodes[node].name, strlen(rt->nodes[node].name));
    rt__trace_pid(rt, "pid", p->pid);
    rt->plat.trace_end(rt->plat.ctx);
    return p->pid;
}

void rt_c_charge(rt_t *rt, rt_time_t ns)
{
    if (rt->current) rt->current->cpu += ns;
}

int rt_register_name(rt_t *rt, rt_pid_t pid, const char *name)
{
    rt_proc_t *p = rt__proc_get(rt, pid);
    if (!p) return -3;
    return rt__name_register(rt, p->node, name, p);
}

void rt_c_send(rt_t *rt, rt_pid_t to, const uint8_t *term, uint32_t len)
{
    rt_pid_t from = rt->current ? rt->current->pid : 0;
    rt_msg_t *m = rt__msg_new_raw(rt, RT_SIG_MSG, from, to, term, len, false);
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "send");
    if (from) rt__trace_pid(rt, "from", from);
    rt__trace_pid(rt, "to", to);
    rt__trace_term(rt, "msg", m->data, m->len);
    rt->plat.trace_end(rt->plat.ctx);
    if (rt->current) rt->current->msgs_out++;
    rt__post(rt, m);
}

/* A C process's slice: its messages in order until the mailbox is empty or the quantum is used. */
static rt_time_t run_c_slice(rt_t *rt, rt_proc_t *p)
{
    const rt_node_params_t *np = &rt->nodes[p->node].params;
    while (p->mb_head && p->cpu < np->quantum_ns) {
        rt_msg_t *m = p->mb_head;
        p->mb_head = m->next;
        if (!p->mb_head) p->mb_tail = &p->mb_head;
        rt__mb_taken(rt, p, m);
        rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "receive");
        rt__trace_pid(rt, "pid", p->pid);
        rt__trace_term(rt, "msg", m->data, m->len);
        rt->plat.trace_end(rt->plat.ctx);
        p->cpu += p->chandle(rt, p->pid, p->cstate, m->data, m->len);
        p->reductions++;
        rt_msg_free(rt, m);
    }
    if (p->mb_head) {
        p->yield = RT_Y_PREEMPT;
    } else {
        p->yield = RT_Y_BLOCK;
        p->wait = RT_W_ANY;
        p->scan = &p->mb_head;
    }
    return p->cpu;
}

/* ---- slices ------------------------------------------------------------------------------- */
static void set_exit_reason_from_error(rt_t *rt, rt_proc_t *p)
{
    lua_State *co = p->co, *L = rt->L;
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    bool has_refs = false;
    const char *err;
    /* otp.exit(reason) raises a table whose metatable is the exit marker */
    bool is_exit = false;
    if (lua_istable(co, -1) && lua_getmetatable(co, -1)) {
        lua_rawgeti(co, LUA_REGISTRYINDEX, rt->exit_marker_ref);
        is_exit = lua_rawequal(co, -1, -2);
        lua_pop(co, 2);
    }
    if (is_exit) {
        lua_getfield(co, -1, "reason");
        if (rt_term_encode(co, -1, b, &has_refs, &err) != 0) rt_tb_str(b, "bad_exit_reason");
        lua_pop(co, 1);
    } else {
        /* {error_value, traceback} as Erlang's {Reason, Stack} */
        luaL_traceback(L, co, NULL, 0);
        lua_createtable(L, 2, 0);
        lua_pushvalue(co, -1);
        lua_xmove(co, L, 1);
        if (lua_type(L, -1) == LUA_TTABLE || lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER ||
            lua_type(L, -1) == LUA_TBOOLEAN || lua_type(L, -1) == LUA_TLIGHTUSERDATA)
            ;
        else {
            lua_pop(L, 1);
            lua_pushstring(L, "error object");
        }
        lua_rawseti(L, -2, 1);
        lua_pushvalue(L, -2);
        lua_rawseti(L, -2, 2);
        if (rt_term_encode(L, -1, b, &has_refs, &err) != 0) {
            /* an unencodable error value: keep its text */
            lua_rawgeti(L, -1, 1);
            lua_pushstring(L, luaL_tolstring(L, -1, NULL));
            lua_rawseti(L, -4, 1);
            lua_pop(L, 2);
            jbuf_reset(b);
            has_refs = false;
            SIM_ASSERT(rt_term_encode(L, -1, b, &has_refs, &err) == 0);
        }
        lua_pop(L, 2);
    }
    p->exit_reason = rt__msg_new(rt, RT_SIG_EXIT, p->pid, 0, b, has_refs);
    p->exited = true;
}

#define MIN_YIELD_NS 1000 /* a slice that gives up the core costs at least this much */

static rt_time_t run_slice(rt_t *rt, rt_proc_t *p, rt_time_t now);

bool rt_proc_run(rt_t *rt, rt_proc_t *p, rt_time_t now, rt_time_t *cpu)
{
    SIM_ASSERT(p->queued);
    p->queued = false;
    if (p->state == RT_P_DEAD) { /* exited while queued */
        free(p);
        *cpu = 0;
        return false;
    }
    *cpu = run_slice(rt, p, now);
    p->cpu_total += *cpu;
    return true;
}

static rt_time_t run_slice(rt_t *rt, rt_proc_t *p, rt_time_t now)
{
    SIM_ASSERT(p->state == RT_P_RUNNABLE);
    SIM_ASSERT(rt->current == NULL);
    p->state = RT_P_RUNNING;
    p->slice_start = now;
    p->cpu = 0;
    p->slice_instr = 0;
    p->yield = RT_Y_NONE;
    p->woken = false;
    const rt_node_params_t *np = &rt->nodes[p->node].params;
    if (p->work_left) {
        rt_time_t burn = p->work_left < np->quantum_ns ? p->work_left : np->quantum_ns;
        p->cpu += burn;
        p->work_left -= burn;
        if (p->work_left) {
            p->yield = RT_Y_WORK;
            return p->cpu;
        }
    }
    rt->current = p;
    if (!p->co) {
        rt_time_t cpu = run_c_slice(rt, p);
        rt->current = NULL;
        return cpu;
    }
    int nargs = p->started ? 0 : p->start_nargs;
    p->started = true;
    int nres = 0;
    int st = lua_resume(p->co, NULL, nargs, &nres);
    rt->current = NULL;
    if (st != LUA_YIELD) rt__sys_ctx_drop(rt, p); /* its code has ended: nothing holds ctx but us */
    if (st == LUA_YIELD) {
        lua_pop(p->co, nres);
        if (p->yield == RT_Y_NONE) { /* a bare coroutine.yield(): give up the core */
            p->yield = RT_Y_PREEMPT;
            if (p->cpu < MIN_YIELD_NS) p->cpu = MIN_YIELD_NS;
        }
    } else if (st == LUA_OK) {
        jbuf_t *b = &rt->scratch;
        jbuf_reset(b);
        rt_tb_str(b, "normal");
        p->exit_reason = rt__msg_new(rt, RT_SIG_EXIT, p->pid, 0, b, false);
        p->exited = true;
    } else {
        set_exit_reason_from_error(rt, p);
    }
    return p->cpu;
}

bool rt_proc_slice_end(rt_t *rt, rt_proc_t *p)
{
    if (p->state == RT_P_DEAD) { /* its node went down during the slice */
        free(p);
        return false;
    }
    SIM_ASSERT(p->state == RT_P_RUNNING);
    if (p->pending_exit) {
        if (p->exit_reason) rt_msg_free(rt, p->exit_reason);
        p->exit_reason = NULL;
        rt_msg_t *r = p->pending_exit;
        p->pending_exit = NULL;
        rt__proc_exit(rt, p, r);
        return false;
    }
    if (p->exited) {
        rt_msg_t *r = p->exit_reason;
        p->exit_reason = NULL;
        rt__proc_exit(rt, p, r);
        return false;
    }
    if (p->yield == RT_Y_BLOCK && !p->woken && !p->timed_out) {
        p->state = RT_P_WAITING;
        return false;
    }
    p->state = RT_P_RUNNABLE;
    p->queued = true;
    return true;
}

void rt__proc_wake(rt_t *rt, rt_proc_t *p)
{
    if (p->state == RT_P_WAITING) {
        p->state = RT_P_RUNNABLE;
        p->queued = true;
        rt->plat.ready(rt->plat.ctx, p);
    } else if (p->state == RT_P_RUNNING) {
        p->woken = true;
    }
}

/* ---- exit --------------------------------------------------------------------------------- */
static void mailbox_free(rt_t *rt, rt_proc_t *p)
{
    rt_msg_t *m = p->mb_head;
    while (m) {
        rt_msg_t *next = m->next;
        rt->nodes[p->node].mem -= m->len + RT_MSG_OVERHEAD;
        rt_msg_free(rt, m);
        m = next;
    }
    p->mb_head = NULL;
    p->mb_tail = &p->mb_head;
    p->mb_len = 0;
    p->mb_bytes = 0;
}

/* Releases everything but the struct itself. */
static void proc_free(rt_t *rt, rt_proc_t *p)
{
    mailbox_free(rt, p);
    if (p->pattern) rt_msg_free(rt, p->pattern);
    if (p->exit_reason) rt_msg_free(rt, p->exit_reason);
    if (p->pending_exit) rt_msg_free(rt, p->pending_exit);
    p->pattern = p->exit_reason = p->pending_exit = NULL;
    rt_mon_t *mo = p->mons_out.p;
    for (uint32_t i = 0; i < p->mons_out.len; i++) free(mo[i].name);
    free(p->links.p);
    free(p->mons_out.p);
    free(p->mons_in.p);
    free(p->node_mons.p);
    free(p->conn_waits.p);
    free(p->name);
    p->links = p->mons_out = p->mons_in = p->node_mons = p->conn_waits = (rt_vec_t){ 0 };
    p->name = NULL;
    rt__sys_ctx_drop(rt, p);
    if (p->co_ref != LUA_NOREF) luaL_unref(rt->L, LUA_REGISTRYINDEX, p->co_ref);
    p->co_ref = LUA_NOREF;
    p->co = NULL;
}

void rt__proc_exit(rt_t *rt, rt_proc_t *p, rt_msg_t *reason)
{
    SIM_ASSERT(p->state != RT_P_DEAD);
    SIM_ASSERT(rt->current != p);
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "exit");
    rt__trace_pid(rt, "pid", p->pid);
    rt__trace_term(rt, "reason", reason->data, reason->len);
    rt->plat.trace_end(rt->plat.ctx);
    /* names (and aliases) first: a process that sees EXIT or DOWN can re-register at once */
    rt__name_release(rt, p);
    if (p->recv_timer) rt__timer_cancel(rt, p->recv_timer);
    p->recv_timer = 0;
    rt_pid_t *links = p->links.p;
    for (uint32_t i = 0; i < p->links.len; i++)
        rt__send_exit(rt, p->pid, links[i], reason->data, reason->len, true);
    rt_mon_t *mo = p->mons_out.p;
    for (uint32_t i = 0; i < p->mons_out.len; i++) {
        u64map_del(&rt->aliases, mo[i].ref);
        uint64_t target = rt__mon_target(rt, p, &mo[i]);
        if (target) {
            rt_msg_t *d = rt__msg_new(rt, RT_SIG_DEMONITOR, p->pid, target, NULL, false);
            d->ref = mo[i].ref;
            rt__post(rt, d);
        }
    }
    rt_mon_t *mi = p->mons_in.p;
    for (uint32_t i = 0; i < p->mons_in.len; i++) {
        jbuf_t *b = &rt->scratch;
        jbuf_reset(b);
        rt_tb_raw(b, reason->data, reason->len);
        rt_msg_t *d = rt__msg_new(rt, RT_SIG_DOWN, p->pid, mi[i].pid, b, false);
        d->ref = mi[i].ref;
        rt__post(rt, d);
    }
    rt_msg_free(rt, reason);
    proc_free(rt, p);
    rt_node_t *n = &rt->nodes[p->node];
    if (p->node_prev) p->node_prev->node_next = p->node_next;
    else n->first = p->node_next;
    if (p->node_next) p->node_next->node_prev = p->node_prev;
    else n->last = p->node_prev;
    n->nprocs--;
    rt->nprocs--;
    n->mem -= n->params.proc_bytes;
    u64map_del(&rt->procs, p->pid);
    p->state = RT_P_DEAD;
    if (!p->queued) free(p);
}

/* ---- read-only observation ---------------------------------------------------------------- */
bool rt_proc_info(const rt_t *rt, rt_pid_t pid, rt_proc_info_t *out)
{
    const rt_proc_t *p = rt__proc_get(rt, pid);
    if (!p) return false;
    *out = (rt_proc_info_t){
        .pid = p->pid, .node = p->node, .name = p->name,
        .status = p->state == RT_P_RUNNING ? RT_STATUS_RUNNING : p->state == RT_P_RUNNABLE ? RT_STATUS_RUNNABLE : RT_STATUS_WAITING,
        .trap_exit = p->trap_exit, .is_c = p->co == NULL, .mailbox_len = p->mb_len, .mailbox_bytes = p->mb_bytes,
        .nlinks = p->links.len, .nmonitors = p->mons_out.len, .nmonitored_by = p->mons_in.len,
        .reductions = p->reductions, .msgs_in = p->msgs_in, .msgs_out = p->msgs_out, .started_at = p->started_at, .cpu_ns = p->cpu_total,
    };
    return true;
}

rt_pid_t rt_proc_link_at(const rt_t *rt, rt_pid_t pid, uint32_t i)
{
    const rt_proc_t *p = rt__proc_get(rt, pid);
    return p && i < p->links.len ? ((const rt_pid_t *)p->links.p)[i] : 0;
}

rt_pid_t rt_proc_monitor_at(const rt_t *rt, rt_pid_t pid, uint32_t i)
{
    const rt_proc_t *p = rt__proc_get(rt, pid);
    return p && i < p->mons_out.len ? ((const rt_mon_t *)p->mons_out.p)[i].pid : 0;
}

rt_pid_t rt_proc_monitored_by_at(const rt_t *rt, rt_pid_t pid, uint32_t i)
{
    const rt_proc_t *p = rt__proc_get(rt, pid);
    return p && i < p->mons_in.len ? ((const rt_mon_t *)p->mons_in.p)[i].pid : 0;
}

const uint8_t *rt_mailbox_peek(const rt_t *rt, rt_pid_t pid, uint32_t i, uint32_t *len)
{
    const rt_proc_t *p = rt__proc_get(rt, pid);
    if (!p) return NULL;
    const rt_msg_t *m = p->mb_head;
    for (; m && i > 0; i--) m = m->next;
    if (!m) return NULL;
    *len = m->len;
    return m->data;
}

uint64_t rt_node_mem_limit(const rt_t *rt, uint32_t node) { return node < rt->nnodes ? rt->nodes[node].params.mem_limit : 0; }
