/* otp.c — Lua bindings of the runtime: spawn, send, receive, links, monitors, exits, names,
 * timers, CPU work. Names and semantics follow erlang(3); see docs/lua-api.md.
 *
 * Blocking calls (receive, sleep, work) yield the process's coroutine with a continuation
 * (lua_yieldk), so they work anywhere in a process's own call stack, including inside pcall,
 * but not inside a coroutine the process created or a callback called from C (table.sort). */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/duration.h"
#include "base/invariant.h"
#include "lua_sources.h"
#include "otp.h"
#include "rt_int.h"
#include "term.h"

#define RT_UP (lua_touserdata(L, lua_upvalueindex(1)))

/* ---- helpers ------------------------------------------------------------------------------ */
static rt_proc_t *need_proc(lua_State *L, rt_t *rt, const char *fname)
{
    if (!rt->current) luaL_error(L, "%s: only available inside a process", fname);
    return rt->current;
}

/* The running process, and L must be its own coroutine (so that it may block). */
static rt_proc_t *need_blocking(lua_State *L, rt_t *rt, const char *fname)
{
    rt_proc_t *p = need_proc(L, rt, fname);
    if (L != p->co)
        luaL_error(L, "%s: cannot block inside a coroutine created by the process", fname);
    if (!lua_isyieldable(L))
        luaL_error(L, "%s: cannot block here (inside a function called from C, such as a "
                      "table.sort comparator or a metamethod)", fname);
    return p;
}

static bool is_id(lua_State *L, int idx, unsigned tag)
{
    return lua_type(L, idx) == LUA_TLIGHTUSERDATA &&
           rt_id_tag((uint64_t)(uintptr_t)lua_touserdata(L, idx)) == tag;
}

static rt_pid_t check_pid(lua_State *L, int idx, const char *fname)
{
    if (!is_id(L, idx, RT_ID_PID))
        luaL_error(L, "%s: expected a pid (got %s)", fname, luaL_typename(L, idx));
    return (rt_pid_t)(uintptr_t)lua_touserdata(L, idx);
}

static void push_id(lua_State *L, uint64_t id) { lua_pushlightuserdata(L, (void *)(uintptr_t)id); }

static uint32_t cur_node(rt_t *rt)
{
    return rt->current ? rt->current->node : rt->plat.default_node(rt->plat.ctx);
}

static uint32_t check_node(lua_State *L, rt_t *rt, int idx, const char *fname)
{
    const char *name = luaL_checkstring(L, idx);
    int n = rt_node_find(rt, name);
    if (n < 0) luaL_error(L, "%s: no node named '%s'", fname, name);
    return (uint32_t)n;
}

/* A duration (milliseconds, or a string such as "250us" or "2s") to ns. The argument is
 * replaced by its value in milliseconds, so later reads of it see a number. */
static rt_time_t check_ms(lua_State *L, int idx, const char *fname)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        uint64_t ns;
        if (duration_parse(s, n, &ns) != 0)
            luaL_error(L, "%s: bad time \"%s\" (" DURATION_HELP ")", fname, s);
        lua_pushnumber(L, (lua_Number)ns / 1e6);
        lua_replace(L, idx);
        return ns;
    }
    if (lua_type(L, idx) != LUA_TNUMBER)
        luaL_error(L, "%s: bad duration, got %s (" DURATION_HELP ")", fname, luaL_typename(L, idx));
    lua_Number ms = lua_tonumber(L, idx);
    if (!(ms >= 0) || ms > 1.8e13) luaL_error(L, "%s: bad time %s ms (must be >= 0)", fname, lua_tostring(L, idx));
    return (rt_time_t)llround(ms * 1e6);
}

static rt_msg_t *encode_msg(lua_State *L, rt_t *rt, int idx, uint8_t kind, rt_pid_t from, uint64_t to,
                            const char *fname)
{
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    bool has_refs = false;
    const char *err;
    if (rt_term_encode(L, idx, b, &has_refs, &err) != 0) luaL_error(L, "%s: %s", fname, err);
    return rt__msg_new(rt, kind, from, to, b, has_refs);
}

static void trace_ids(rt_t *rt, const char *kind, rt_pid_t pid, const char *k2, uint64_t other)
{
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), kind);
    rt__trace_pid(rt, "pid", pid);
    if (other) rt__trace_pid(rt, k2, other);
    rt->plat.trace_end(rt->plat.ctx);
}

static void push_ms(lua_State *L, rt_time_t ns)
{
    if (ns % 1000000 == 0) lua_pushinteger(L, (lua_Integer)(ns / 1000000));
    else lua_pushnumber(L, (lua_Number)ns / 1e6);
}

/* ---- spawn -------------------------------------------------------------------------------- */
enum { SPAWN_PLAIN, SPAWN_LINK, SPAWN_MONITOR };

static int do_spawn(lua_State *L, int how, const char *fname)
{
    rt_t *rt = RT_UP;
    int fn = 1;
    uint32_t node = cur_node(rt);
    if (lua_type(L, 1) == LUA_TSTRING) {
        node = check_node(L, rt, 1, fname);
        fn = 2;
    }
    if (lua_type(L, fn) != LUA_TFUNCTION)
        return luaL_error(L, "%s: expected a function (got %s)", fname, luaL_typename(L, fn));
    rt_proc_t *parent = how == SPAWN_PLAIN ? rt->current : need_proc(L, rt, fname);
    rt_pid_t pid = rt__spawn_lua(rt, L, node, fn, lua_gettop(L) - fn, rt__is_remote(rt, node));
    rt_proc_t *child = rt__proc_get(rt, pid); /* NULL: spawned on a node that is down */
    push_id(L, pid);
    if (how == SPAWN_LINK) { /* both ends at once: the child cannot run before this */
        *(rt_pid_t *)rt__vec_push(&parent->links, sizeof(rt_pid_t)) = pid;
        if (child) *(rt_pid_t *)rt__vec_push(&child->links, sizeof(rt_pid_t)) = parent->pid;
        trace_ids(rt, "link", parent->pid, "to", pid);
        return 1;
    }
    if (how == SPAWN_MONITOR) {
        rt_ref_t ref = rt__make_ref(rt, parent->node);
        rt_mon_t *mo = rt__vec_push(&parent->mons_out, sizeof(rt_mon_t));
        *mo = (rt_mon_t){ .ref = ref, .pid = pid };
        if (child) {
            rt_mon_t *mi = rt__vec_push(&child->mons_in, sizeof(rt_mon_t));
            *mi = (rt_mon_t){ .ref = ref, .pid = parent->pid };
        }
        trace_ids(rt, "monitor", parent->pid, "target", pid);
        push_id(L, ref);
        return 2;
    }
    return 1;
}

static int otp_spawn(lua_State *L) { return do_spawn(L, SPAWN_PLAIN, "otp.spawn"); }
static int otp_spawn_link(lua_State *L) { return do_spawn(L, SPAWN_LINK, "otp.spawn_link"); }
static int otp_spawn_monitor(lua_State *L) { return do_spawn(L, SPAWN_MONITOR, "otp.spawn_monitor"); }

static int otp_self(lua_State *L)
{
    rt_t *rt = RT_UP;
    push_id(L, need_proc(L, rt, "otp.self")->pid);
    return 1;
}

static int otp_node(lua_State *L)
{
    rt_t *rt = RT_UP;
    uint32_t node = cur_node(rt);
    if (!lua_isnoneornil(L, 1)) {
        if (!is_id(L, 1, RT_ID_PID) && !is_id(L, 1, RT_ID_REF))
            return luaL_error(L, "otp.node: expected a pid or a ref");
        node = rt_id_node((uint64_t)(uintptr_t)lua_touserdata(L, 1));
    }
    lua_pushstring(L, rt_node_name(rt, node));
    return 1;
}

static int otp_nodes(lua_State *L)
{
    rt_t *rt = RT_UP;
    uint32_t me = cur_node(rt);
    lua_newtable(L);
    lua_Integer k = 0;
    for (uint32_t i = 0; i < rt->nnodes; i++)
        if (i != me && rt_conn_is_up(rt, me, i)) {
            lua_pushstring(L, rt->nodes[i].name);
            lua_rawseti(L, -2, ++k);
        }
    return 1;
}

static int otp_is_alive(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_pid_t pid = check_pid(L, 1, "otp.is_alive");
    if (rt->current && rt_id_node(pid) != rt->current->node)
        return luaL_error(L, "otp.is_alive: %s is on another node (as erlang:is_process_alive/1, "
                             "only local pids)", lua_tostring(L, (luaL_tolstring(L, 1, NULL), -1)));
    lua_pushboolean(L, rt_is_alive(rt, pid));
    return 1;
}

/* ---- send / receive ----------------------------------------------------------------------- */
/* Resolves a destination; 0 means "drop silently" (an unreachable {name, node}). */
static uint64_t resolve_dest(lua_State *L, rt_t *rt, int idx, const char *fname)
{
    if (is_id(L, idx, RT_ID_PID) || is_id(L, idx, RT_ID_REF))
        return (uint64_t)(uintptr_t)lua_touserdata(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        rt_pid_t pid = rt_whereis(rt, cur_node(rt), lua_tostring(L, idx));
        if (!pid) luaL_error(L, "%s: no process registered as '%s' (badarg)", fname, lua_tostring(L, idx));
        return pid;
    }
    if (lua_type(L, idx) == LUA_TTABLE) {
        lua_rawgeti(L, idx, 1);
        lua_rawgeti(L, idx, 2);
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: a {name, node} destination needs two strings", fname);
        int node = rt_node_find(rt, lua_tostring(L, -1));
        uint64_t dest = 0;
        if (node >= 0 && rt__is_remote(rt, (uint32_t)node)) /* looked up when it arrives */
            dest = rt__name_id(rt, (uint32_t)node, lua_tostring(L, -2));
        else if (node >= 0)
            dest = rt_whereis(rt, (uint32_t)node, lua_tostring(L, -2));
        lua_pop(L, 2);
        return dest;
    }
    luaL_error(L, "%s: bad destination (a pid, a registered name or {name, node}; got %s)", fname,
               luaL_typename(L, idx));
    return 0;
}

static int otp_send(lua_State *L)
{
    rt_t *rt = RT_UP;
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    uint64_t to = resolve_dest(L, rt, 1, "otp.send");
    rt_pid_t from = rt->current ? rt->current->pid : 0;
    rt_msg_t *m = encode_msg(L, rt, 2, RT_SIG_MSG, from, to, "otp.send");
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "send");
    if (from) rt__trace_pid(rt, "from", from);
    if (rt_id_tag(to) == RT_ID_NAME) {
        const char *nm = rt__name_of(rt, to), *nd = rt_node_name(rt, rt_id_node(to));
        rt->plat.trace_str(rt->plat.ctx, "to_name", nm, strlen(nm));
        rt->plat.trace_str(rt->plat.ctx, "to_node", nd, strlen(nd));
    } else if (to) {
        rt__trace_pid(rt, "to", to);
    }
    rt__trace_term(rt, "msg", m->data, m->len);
    rt->plat.trace_end(rt->plat.ctx);
    if (rt->current) rt->current->msgs_out++;
    if (!to) rt_msg_free(rt, m);
    else if (rt->current && to == rt->current->pid) rt__mailbox_put(rt, rt->current, m); /* in the queue when send returns */
    else rt__post(rt, m);
    return 1; /* the message, as erlang:send/2 */
}

static void recv_cleanup(rt_t *rt, rt_proc_t *p)
{
    if (p->recv_timer) rt__timer_cancel(rt, p->recv_timer);
    p->recv_timer = 0;
    if (p->pattern) rt_msg_free(rt, p->pattern);
    p->pattern = NULL;
    p->wait = RT_W_NONE;
    p->timed_out = false;
    p->scan = NULL;
}

/* Stack: 1 = match (nil, table or function), 2 = timeout (nil or ms). */
static int recv_continue(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    rt_t *rt = RT_UP; /* a continuation runs in its C function's frame: same upvalues */
    rt_proc_t *p = rt->current;
    SIM_ASSERT(p && p->co == L);
    if (p->pending_exit) { /* an exit signal came first: it takes effect before any message */
        p->yield = RT_Y_PREEMPT;
        return lua_yieldk(L, 0, 0, recv_continue);
    }
    if (p->wait != RT_W_SLEEP) {
        rt_msg_t **pp = p->scan;
        for (; *pp; pp = &(*pp)->next) {
            rt_msg_t *m = *pp;
            bool ok;
            if (p->wait == RT_W_ANY) {
                ok = true;
            } else if (p->wait == RT_W_TABLE) {
                ok = rt_term_match(m->data, m->len, p->pattern->data, p->pattern->len);
            } else {
                lua_pushvalue(L, 1);
                rt_term_decode(L, m->data, m->len);
                lua_call(L, 1, 1);
                ok = lua_toboolean(L, -1);
                lua_pop(L, 1);
            }
            if (!ok) continue;
            *pp = m->next;
            if (p->mb_tail == &m->next) p->mb_tail = pp;
            rt__mb_taken(rt, p, m);
            recv_cleanup(rt, p);
            rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "receive");
            rt__trace_pid(rt, "pid", p->pid);
            rt__trace_term(rt, "msg", m->data, m->len);
            rt->plat.trace_end(rt->plat.ctx);
            rt_term_decode(L, m->data, m->len);
            rt_msg_free(rt, m);
            return 1;
        }
        p->scan = pp;
    }
    if (p->timed_out || (!lua_isnil(L, 2) && lua_tonumber(L, 2) == 0)) {
        recv_cleanup(rt, p);
        lua_pushnil(L);
        return 1;
    }
    if (!p->recv_timer && !lua_isnil(L, 2))
        p->recv_timer = rt__timer_recv_start(rt, p, rt__now(rt) + rt__delay(rt, p->node, check_ms(L, 2, "otp.receive")));
    p->yield = RT_Y_BLOCK;
    return lua_yieldk(L, 0, 0, recv_continue);
}

static int start_receive(lua_State *L, rt_proc_t *p, int wait)
{
    p->wait = (uint8_t)wait;
    p->timed_out = false;
    p->scan = &p->mb_head;
    p->recv_timer = 0;
    return recv_continue(L, LUA_OK, 0);
}

static int otp_receive(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_blocking(L, rt, "otp.receive");
    if (lua_gettop(L) == 1 && (lua_type(L, 1) == LUA_TNUMBER || lua_type(L, 1) == LUA_TSTRING)) { /* receive(timeout) */
        lua_pushnil(L);
        lua_insert(L, 1);
    }
    lua_settop(L, 2);
    if (!lua_isnil(L, 2)) (void)check_ms(L, 2, "otp.receive");
    int wait = RT_W_ANY;
    if (lua_istable(L, 1)) {
        jbuf_t *b = &rt->scratch;
        jbuf_reset(b);
        bool has_refs = false;
        const char *err;
        if (rt_term_encode(L, 1, b, &has_refs, &err) != 0) return luaL_error(L, "otp.receive: bad pattern: %s", err);
        p->pattern = rt__msg_new(rt, RT_SIG_MSG, 0, 0, b, has_refs);
        wait = RT_W_TABLE;
    } else if (lua_isfunction(L, 1)) {
        wait = RT_W_FUNC;
    } else if (!lua_isnil(L, 1)) {
        return luaL_error(L, "otp.receive: the match must be a table pattern or a function (got %s)",
                          luaL_typename(L, 1));
    }
    return start_receive(L, p, wait);
}

static int otp_sleep(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_blocking(L, rt, "otp.sleep");
    check_ms(L, 1, "otp.sleep");
    lua_settop(L, 1);
    lua_pushnil(L);
    lua_insert(L, 1); /* 1 = nil match, 2 = timeout */
    return start_receive(L, p, RT_W_SLEEP);
}

/* ---- links, monitors, exits --------------------------------------------------------------- */
static int otp_link(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.link");
    rt_pid_t other = check_pid(L, 1, "otp.link");
    lua_pushboolean(L, 1);
    if (other == p->pid) return 1;
    const rt_pid_t *l = p->links.p;
    for (uint32_t i = 0; i < p->links.len; i++)
        if (l[i] == other) return 1;
    if (rt_id_node(other) == p->node && !rt_is_alive(rt, other) && !p->trap_exit)
        return luaL_error(L, "noproc"); /* erlang:link/1 raises noproc for a dead local pid */
    *(rt_pid_t *)rt__vec_push(&p->links, sizeof(rt_pid_t)) = other;
    rt__post(rt, rt__msg_new(rt, RT_SIG_LINK, p->pid, other, NULL, false));
    trace_ids(rt, "link", p->pid, "to", other);
    return 1;
}

static int otp_unlink(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.unlink");
    rt_pid_t other = check_pid(L, 1, "otp.unlink");
    rt_pid_t *l = p->links.p;
    for (uint32_t i = 0; i < p->links.len; i++)
        if (l[i] == other) {
            rt__vec_remove(&p->links, sizeof(rt_pid_t), i);
            rt__post(rt, rt__msg_new(rt, RT_SIG_UNLINK, p->pid, other, NULL, false));
            trace_ids(rt, "unlink", p->pid, "to", other);
            break;
        }
    lua_pushboolean(L, 1);
    return 1;
}

static int otp_monitor(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.monitor");
    rt_pid_t target = 0;
    const char *name = NULL;
    uint32_t name_node = p->node;
    if (is_id(L, 1, RT_ID_PID)) {
        target = (rt_pid_t)(uintptr_t)lua_touserdata(L, 1);
    } else if (lua_type(L, 1) == LUA_TSTRING) {
        name = lua_tostring(L, 1);
    } else if (lua_type(L, 1) == LUA_TTABLE) {
        lua_rawgeti(L, 1, 1);
        lua_rawgeti(L, 1, 2);
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "otp.monitor: a {name, node} target needs two strings");
        name = lua_tostring(L, -2);
        name_node = check_node(L, rt, -1, "otp.monitor");
    } else {
        return luaL_error(L, "otp.monitor: expected a pid, a registered name or {name, node}");
    }
    bool alias = false;
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "alias");
        alias = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    uint64_t remote_name = 0;
    if (name && name_node != p->node) remote_name = rt__name_id(rt, name_node, name); /* resolved there */
    else if (name) target = rt_whereis(rt, name_node, name); /* resolved once */
    rt_ref_t ref = rt__make_ref(rt, p->node);
    rt_mon_t *mo = rt__vec_push(&p->mons_out, sizeof(rt_mon_t));
    *mo = (rt_mon_t){ .ref = ref, .pid = target, .name_node = name_node };
    if (name) {
        mo->name = strdup(name);
        SIM_ASSERT(mo->name != NULL);
    }
    if (alias) SIM_ASSERT(u64map_put(&rt->aliases, ref, p->pid) == 0);
    if (target || remote_name) {
        rt_msg_t *m = rt__msg_new(rt, RT_SIG_MONITOR, p->pid, target ? target : remote_name, NULL, false);
        m->ref = ref;
        rt__post(rt, m);
    } else { /* no such name: DOWN noproc at once */
        jbuf_t *b = &rt->scratch;
        jbuf_reset(b);
        rt_tb_str(b, "noproc");
        rt_msg_t *d = rt__msg_new(rt, RT_SIG_DOWN, 0, p->pid, b, false);
        d->ref = ref;
        rt__post(rt, d);
    }
    trace_ids(rt, "monitor", p->pid, "target", target);
    push_id(L, ref);
    return 1;
}

/* Removes a queued DOWN message for ref from p's mailbox. */
static void flush_down(rt_t *rt, rt_proc_t *p, rt_ref_t ref)
{
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    rt_tb_table(b, 0, 2);
    rt_tb_str(b, "ref");
    rt_tb_id(b, ref);
    rt_tb_str(b, "tag");
    rt_tb_str(b, "DOWN");
    for (rt_msg_t **pp = &p->mb_head; *pp; pp = &(*pp)->next) {
        rt_msg_t *m = *pp;
        if (!rt_term_match(m->data, m->len, (const uint8_t *)b->p, (uint32_t)b->len)) continue;
        *pp = m->next;
        if (p->mb_tail == &m->next) p->mb_tail = pp;
        rt__mb_taken(rt, p, m);
        rt_msg_free(rt, m);
        return;
    }
}

static int otp_demonitor(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.demonitor");
    if (!is_id(L, 1, RT_ID_REF)) return luaL_error(L, "otp.demonitor: expected a monitor ref");
    rt_ref_t ref = (rt_ref_t)(uintptr_t)lua_touserdata(L, 1);
    bool flush = false, info = false;
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "flush");
        flush = lua_toboolean(L, -1);
        lua_getfield(L, 2, "info");
        info = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    bool found = false;
    rt_mon_t *mo = p->mons_out.p;
    for (uint32_t i = 0; i < p->mons_out.len; i++) {
        if (mo[i].ref != ref) continue;
        uint64_t target = rt__mon_target(rt, p, &mo[i]);
        if (target) {
            rt_msg_t *m = rt__msg_new(rt, RT_SIG_DEMONITOR, p->pid, target, NULL, false);
            m->ref = ref;
            rt__post(rt, m);
        }
        free(mo[i].name);
        rt__vec_remove(&p->mons_out, sizeof(rt_mon_t), i);
        found = true;
        break;
    }
    u64map_del(&rt->aliases, ref);
    if (flush) flush_down(rt, p, ref);
    lua_pushboolean(L, info ? found : 1);
    return 1;
}

/* otp.exit(reason) raises setmetatable({reason = r}, otp._exit_mt): a pcall in the process
 * catches it (as Erlang's catch does) and sees err.reason; uncaught, the process exits with r. */
static int raise_exit(lua_State *L, rt_t *rt, int reason_idx)
{
    reason_idx = lua_absindex(L, reason_idx);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, reason_idx);
    lua_setfield(L, -2, "reason");
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->exit_marker_ref);
    lua_setmetatable(L, -2);
    return lua_error(L);
}

static int exit_tostring(lua_State *L)
{
    lua_getfield(L, 1, "reason");
    jbuf_t *b = &rt__of(L)->scratch;
    jbuf_reset(b);
    bool has_refs = false;
    const char *err;
    if (rt_term_encode(L, -1, b, &has_refs, &err) != 0) {
        lua_pushliteral(L, "exit: ?");
        return 1;
    }
    jbuf_t text;
    jbuf_init(&text);
    jbuf_puts(&text, "exit: ");
    rt_term_render((const uint8_t *)b->p, (uint32_t)b->len, &text);
    if (has_refs) rt_term_release(L, (const uint8_t *)b->p, (uint32_t)b->len);
    lua_pushlstring(L, jbuf_cstr(&text), text.len);
    jbuf_deinit(&text);
    return 1;
}

static int otp_exit(lua_State *L)
{
    rt_t *rt = RT_UP;
    if (lua_gettop(L) <= 1) {
        need_proc(L, rt, "otp.exit");
        luaL_checkany(L, 1);
        return raise_exit(L, rt, 1);
    }
    rt_pid_t to = check_pid(L, 1, "otp.exit");
    luaL_checkany(L, 2);
    rt_proc_t *p = rt->current;
    rt_msg_t *r = encode_msg(L, rt, 2, RT_SIG_EXIT, p ? p->pid : 0, to, "otp.exit");
    if (p && to == p->pid) {
        /* A signal to oneself takes effect at once. It is not an exception: pcall cannot stop it.
         * A process it kills stops here (its slice ends and the exit applies at the end). */
        bool kill = rt_term_is_str(r->data, r->len, "kill");
        if (p->trap_exit && !kill) {
            rt_msg_t *em = rt__exit_message(rt, p->pid, p->pid, r);
            rt_msg_free(rt, r);
            rt__mailbox_put(rt, p, em);
            lua_pushboolean(L, 1);
            return 1;
        }
        /* "normal" kills the caller itself too (the documented anomaly of §1.2) */
        if (kill) {
            rt_msg_free(rt, r);
            jbuf_t *b = &rt->scratch;
            jbuf_reset(b);
            rt_tb_str(b, "killed");
            r = rt__msg_new(rt, RT_SIG_EXIT, p->pid, p->pid, b, false);
        }
        if (p->pending_exit) rt_msg_free(rt, r);
        else p->pending_exit = r;
        if (L == p->co && lua_isyieldable(L)) {
            p->yield = RT_Y_PREEMPT;
            return lua_yield(L, 0);
        }
        lua_pushboolean(L, 1);
        return 1;
    }
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "exit2");
    if (p) rt__trace_pid(rt, "from", p->pid);
    rt__trace_pid(rt, "to", to);
    rt__trace_term(rt, "reason", r->data, r->len);
    rt->plat.trace_end(rt->plat.ctx);
    rt__post(rt, r);
    lua_pushboolean(L, 1);
    return 1;
}

static int otp_process_flag(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.process_flag");
    const char *flag = luaL_checkstring(L, 1);
    if (strcmp(flag, "trap_exit") != 0)
        return luaL_error(L, "otp.process_flag: unknown flag '%s' (supported: trap_exit)", flag);
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    lua_pushboolean(L, p->trap_exit);
    p->trap_exit = lua_toboolean(L, 2);
    return 1;
}

/* ---- names -------------------------------------------------------------------------------- */
static int otp_register(lua_State *L)
{
    rt_t *rt = RT_UP;
    const char *name = luaL_checkstring(L, 1);
    rt_pid_t pid = check_pid(L, 2, "otp.register");
    rt_proc_t *p = rt__proc_get(rt, pid);
    if (!p) return luaL_error(L, "otp.register: %s is not alive (badarg)", lua_tostring(L, (luaL_tolstring(L, 2, NULL), -1)));
    if (rt->current && p->node != rt->current->node)
        return luaL_error(L, "otp.register: the process must be on this node (badarg)");
    int rc = rt__name_register(rt, p->node, name, p);
    if (rc == -1) return luaL_error(L, "otp.register: the name '%s' is already registered (badarg)", name);
    if (rc == -2) return luaL_error(L, "otp.register: the process is already registered as '%s' (badarg)", p->name);
    lua_pushboolean(L, 1);
    return 1;
}

static int otp_unregister(lua_State *L)
{
    rt_t *rt = RT_UP;
    const char *name = luaL_checkstring(L, 1);
    rt_pid_t pid = rt_whereis(rt, cur_node(rt), name);
    if (!pid) return luaL_error(L, "otp.unregister: no process registered as '%s' (badarg)", name);
    rt__name_release(rt, rt__proc_get(rt, pid));
    lua_pushboolean(L, 1);
    return 1;
}

static int otp_whereis(lua_State *L)
{
    rt_t *rt = RT_UP;
    uint32_t node = cur_node(rt);
    if (!lua_isnoneornil(L, 2)) node = check_node(L, rt, 2, "otp.whereis");
    rt_pid_t pid = rt_whereis(rt, node, luaL_checkstring(L, 1));
    if (pid) push_id(L, pid);
    else lua_pushnil(L);
    return 1;
}

static int otp_registered(lua_State *L)
{
    rt_t *rt = RT_UP;
    size_t n;
    const char **keys = strmap_keys(&rt->nodes[cur_node(rt)].names, &n);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, keys[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(keys);
    return 1;
}

/* ---- timers, time, work ------------------------------------------------------------------- */
static int otp_send_after(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_time_t d = check_ms(L, 1, "otp.send_after");
    luaL_checkany(L, 3);
    uint64_t dest = 0;
    const char *dest_name = NULL;
    if (lua_type(L, 2) == LUA_TSTRING) dest_name = lua_tostring(L, 2);
    else dest = check_pid(L, 2, "otp.send_after");
    rt_proc_t *p = rt->current;
    rt_msg_t *m = encode_msg(L, rt, 3, RT_SIG_MSG, p ? p->pid : 0, dest, "otp.send_after");
    uint64_t id = rt__timer_send_start(rt, p, rt__now(rt) + rt__delay(rt, cur_node(rt), d), dest, dest_name, cur_node(rt), m);
    push_id(L, id);
    return 1;
}

static int otp_cancel_timer(lua_State *L)
{
    rt_t *rt = RT_UP;
    if (!is_id(L, 1, RT_ID_REF)) return luaL_error(L, "otp.cancel_timer: expected a timer ref");
    int64_t left = rt__timer_cancel_left(rt, (uint64_t)(uintptr_t)lua_touserdata(L, 1));
    if (left < 0) lua_pushboolean(L, 0);
    else push_ms(L, (rt_time_t)left);
    return 1;
}

static int otp_now(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_time_t t = rt__now(rt);
    if (rt->plat.local_time) t = rt->plat.local_time(rt->plat.ctx, cur_node(rt), t);
    push_ms(L, t);
    return 1;
}

static int work_continue(lua_State *L, int status, lua_KContext ctx)
{
    (void)L;
    (void)status;
    (void)ctx;
    return 0;
}

static int otp_work(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp.work");
    if (!lua_isnumber(L, 1)) { /* a distribution: anything with a sample method */
        if (luaL_getmetafield(L, 1, "__index") == LUA_TNIL && !lua_istable(L, 1))
            return luaL_error(L, "otp.work: expected milliseconds or a distribution (got %s)", luaL_typename(L, 1));
        lua_settop(L, 1);
        lua_getfield(L, 1, "sample");
        if (!lua_isfunction(L, -1))
            return luaL_error(L, "otp.work: expected milliseconds or a distribution (got %s)", luaL_typename(L, 1));
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        lua_replace(L, 1);
    }
    const rt_node_params_t *np = &rt->nodes[p->node].params;
    rt_time_t ns = (rt_time_t)((double)check_ms(L, 1, "otp.work") * np->cpu_factor);
    rt_time_t room = np->quantum_ns > p->cpu ? np->quantum_ns - p->cpu : 0;
    if (ns <= room || L != p->co || !lua_isyieldable(L)) {
        p->cpu += ns;
        return 0;
    }
    p->cpu += room;
    p->work_left = ns - room;
    p->yield = RT_Y_WORK;
    return lua_yieldk(L, 0, 0, work_continue);
}

static int otp_make_ref(lua_State *L)
{
    rt_t *rt = RT_UP;
    push_id(L, rt__make_ref(rt, cur_node(rt)));
    return 1;
}

static int otp_is_pid(lua_State *L)
{
    lua_pushboolean(L, is_id(L, 1, RT_ID_PID));
    return 1;
}

static int otp_is_ref(lua_State *L)
{
    lua_pushboolean(L, is_id(L, 1, RT_ID_REF));
    return 1;
}

/* otp._halt(why): the calling process's node halts (init:stop / an application's death). */
static int otp_halt(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_proc_t *p = need_proc(L, rt, "otp._halt");
    rt__halt_later(rt, p->node, luaL_optstring(L, 1, "halt"));
    return 0;
}

/* otp._count(name [, delta = 1]): a counter in the run's metrics (--json metrics.counters). */
static int otp_count(lua_State *L)
{
    rt_t *rt = RT_UP;
    const char *name = luaL_checkstring(L, 1);
    lua_Integer d = luaL_optinteger(L, 2, 1);
    if (rt->plat.count) rt->plat.count(rt->plat.ctx, name, (int64_t)d);
    return 0;
}

/* otp._render(v) → the text print would show for a message value (for sys trace lines). */
static int otp_render(lua_State *L)
{
    rt_t *rt = RT_UP;
    luaL_checkany(L, 1);
    jbuf_t *b = &rt->scratch;
    jbuf_reset(b);
    bool has_refs = false;
    const char *err;
    if (rt_term_encode(L, 1, b, &has_refs, &err) != 0) {
        luaL_tolstring(L, 1, NULL);
        return 1;
    }
    jbuf_t text;
    jbuf_init(&text);
    rt_term_render((const uint8_t *)b->p, (uint32_t)b->len, &text);
    if (has_refs) rt_term_release(L, (const uint8_t *)b->p, (uint32_t)b->len);
    lua_pushlstring(L, jbuf_cstr(&text), text.len);
    jbuf_deinit(&text);
    return 1;
}

/* otp.process_info(pid) → table, or nil if the process is not alive. */
static int otp_process_info(lua_State *L)
{
    rt_t *rt = RT_UP;
    rt_pid_t pid = lua_isnoneornil(L, 1) ? need_proc(L, rt, "otp.process_info")->pid : check_pid(L, 1, "otp.process_info");
    rt_proc_t *p = rt__proc_get(rt, pid);
    if (!p) {
        lua_pushnil(L);
        return 1;
    }
    static const char *const states[] = { "waiting", "runnable", "running", "exiting" };
    lua_createtable(L, 0, 12);
    lua_pushstring(L, p == rt->current ? "running" : states[p->state]);
    lua_setfield(L, -2, "status");
    lua_pushinteger(L, (lua_Integer)p->mb_len);
    lua_setfield(L, -2, "message_queue_len");
    lua_pushinteger(L, (lua_Integer)p->mb_bytes);
    lua_setfield(L, -2, "message_queue_bytes");
    lua_pushinteger(L, (lua_Integer)p->reductions);
    lua_setfield(L, -2, "reductions");
    lua_pushinteger(L, (lua_Integer)p->msgs_in);
    lua_setfield(L, -2, "messages_in");
    lua_pushinteger(L, (lua_Integer)p->msgs_out);
    lua_setfield(L, -2, "messages_out");
    lua_pushboolean(L, p->trap_exit);
    lua_setfield(L, -2, "trap_exit");
    if (p->name) {
        lua_pushstring(L, p->name);
        lua_setfield(L, -2, "registered_name");
    }
    lua_createtable(L, (int)p->links.len, 0);
    for (uint32_t i = 0; i < p->links.len; i++) {
        push_id(L, ((rt_pid_t *)p->links.p)[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "links");
    lua_createtable(L, (int)p->mons_out.len, 0);
    for (uint32_t i = 0; i < p->mons_out.len; i++) {
        push_id(L, ((rt_mon_t *)p->mons_out.p)[i].pid);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "monitors");
    lua_createtable(L, (int)p->mons_in.len, 0);
    for (uint32_t i = 0; i < p->mons_in.len; i++) {
        push_id(L, ((rt_mon_t *)p->mons_in.p)[i].pid);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "monitored_by");
    push_ms(L, p->started_at);
    lua_setfield(L, -2, "start_time");
    lua_pushstring(L, rt_node_name(rt, p->node));
    lua_setfield(L, -2, "node");
    return 1;
}

/* otp._trace(kind, {key = string, ...}) for behaviours written in Lua: keys in sorted order. */
static int otp_trace(lua_State *L)
{
    rt_t *rt = RT_UP;
    const char *kind = luaL_checkstring(L, 1);
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), kind);
    if (rt->current) rt__trace_pid(rt, "pid", rt->current->pid);
    for (int i = 2; i + 1 <= lua_gettop(L); i += 2) {
        const char *k = luaL_checkstring(L, i);
        if (lua_type(L, i + 1) == LUA_TSTRING) {
            size_t n;
            const char *s = lua_tolstring(L, i + 1, &n);
            rt->plat.trace_str(rt->plat.ctx, k, s, n);
        } else {
            jbuf_t *b = &rt->scratch;
            jbuf_reset(b);
            bool has_refs = false;
            const char *err;
            if (rt_term_encode(L, i + 1, b, &has_refs, &err) == 0) {
                jbuf_t text;
                jbuf_init(&text);
                rt_term_render((const uint8_t *)b->p, (uint32_t)b->len, &text);
                rt->plat.trace_str(rt->plat.ctx, k, jbuf_cstr(&text), text.len);
                jbuf_deinit(&text);
                if (has_refs) rt_term_release(L, (const uint8_t *)b->p, (uint32_t)b->len);
            } else {
                rt->plat.trace_str(rt->plat.ctx, k, "?", 1);
            }
        }
    }
    rt->plat.trace_end(rt->plat.ctx);
    return 0;
}

/* ---- pids and refs print and compare as values ------------------------------------------- */
static int id_tostring(lua_State *L)
{
    char buf[48];
    rt_id_format((uint64_t)(uintptr_t)lua_touserdata(L, 1), buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int id_lt(lua_State *L)
{
    uint64_t a = (uint64_t)(uintptr_t)lua_touserdata(L, 1), b = (uint64_t)(uintptr_t)lua_touserdata(L, 2);
    if (!lua_islightuserdata(L, 1) || !lua_islightuserdata(L, 2)) return luaL_error(L, "attempt to compare a pid with a non-pid");
    lua_pushboolean(L, a < b);
    return 1;
}

static int id_le(lua_State *L)
{
    uint64_t a = (uint64_t)(uintptr_t)lua_touserdata(L, 1), b = (uint64_t)(uintptr_t)lua_touserdata(L, 2);
    if (!lua_islightuserdata(L, 1) || !lua_islightuserdata(L, 2)) return luaL_error(L, "attempt to compare a pid with a non-pid");
    lua_pushboolean(L, a <= b);
    return 1;
}

void rt__otp_open(rt_t *rt, lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "spawn", otp_spawn }, { "spawn_link", otp_spawn_link }, { "spawn_monitor", otp_spawn_monitor },
        { "self", otp_self }, { "node", otp_node }, { "nodes", otp_nodes }, { "is_alive", otp_is_alive },
        { "send", otp_send }, { "receive", otp_receive }, { "sleep", otp_sleep },
        { "link", otp_link }, { "unlink", otp_unlink }, { "monitor", otp_monitor },
        { "demonitor", otp_demonitor }, { "exit", otp_exit }, { "process_flag", otp_process_flag },
        { "register", otp_register }, { "unregister", otp_unregister }, { "whereis", otp_whereis },
        { "registered", otp_registered }, { "send_after", otp_send_after },
        { "cancel_timer", otp_cancel_timer }, { "now", otp_now }, { "work", otp_work },
        { "make_ref", otp_make_ref }, { "is_pid", otp_is_pid }, { "is_ref", otp_is_ref },
        { "process_info", otp_process_info }, { "_trace", otp_trace }, { "_render", otp_render }, { "_halt", otp_halt }, { "_count", otp_count },
        { NULL, NULL }
    };
    lua_createtable(L, 0, 2); /* the metatable of exit errors */
    lua_pushcfunction(L, exit_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "otp.exit");
    lua_setfield(L, -2, "__name");
    rt->exit_marker_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    /* one metatable for all light userdata: pids, refs, otp.any */
    lua_pushlightuserdata(L, NULL);
    lua_createtable(L, 0, 4);
    lua_pushcfunction(L, id_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, id_lt);
    lua_setfield(L, -2, "__lt");
    lua_pushcfunction(L, id_le);
    lua_setfield(L, -2, "__le");
    lua_pushliteral(L, "pid");
    lua_setfield(L, -2, "__name");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);

    lua_newtable(L);
    lua_pushlightuserdata(L, rt);
    luaL_setfuncs(L, funcs, 1);
    rt__dist_open(rt, L);
    lua_pushlightuserdata(L, RT_TERM_ANY);
    lua_setfield(L, -2, "any");
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->exit_marker_ref);
    lua_setfield(L, -2, "_exit_mt");
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "otp");
    lua_pop(L, 1);
    /* the behaviours written in Lua: each chunk gets (otp, gen) and returns its module */
    int otp_idx = lua_gettop(L);
    lua_pushnil(L); /* gen, once loaded */
    for (const rt_lua_source_t *s = rt_lua_sources; s->name; s++) {
        char chunk[64];
        snprintf(chunk, sizeof chunk, "=otp/%s.lua", s->name);
        if (luaL_loadbufferx(L, (const char *)s->src, s->len, chunk, "t") != LUA_OK) lua_error(L);
        lua_pushvalue(L, otp_idx);
        lua_pushvalue(L, otp_idx + 1);
        lua_call(L, 2, 1);
        if (strcmp(s->name, "gen") == 0) {
            rt__sys_ctx_install(L, lua_gettop(L));
            lua_pushvalue(L, -1);
            lua_replace(L, otp_idx + 1);
            lua_setfield(L, otp_idx, "_gen");
        } else {
            lua_setfield(L, otp_idx, s->name);
        }
    }
    lua_pop(L, 1);
    lua_setglobal(L, "otp");
}
