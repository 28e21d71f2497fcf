/* simnet.c — the scenario's network and fault API: sim.net, sim.link, sim.partition,
 * sim.partition_oneway, sim.heal, sim.disconnect, sim.degrade, sim.slow, sim.pause,
 * sim.clock_drift, sim.connected, sim.net_stats (docs/lua-api.md, docs/faults.md).
 *
 * Every fault is one trace event of kind "fault". Faults act on the world from outside any
 * process: from the scenario's top level or a sim.at / sim.every callback. */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "dur.h"
#include "scenario_int.h"

static host_scenario_t *outside(lua_State *L, const char *fname)
{
    host_scenario_t *s = host_scenario_of(L);
    if (rt_current_pid(s->w.rt)) luaL_error(L, "%s: only from scenario code, not from a process", fname);
    return s;
}

/* ---- configuration values ------------------------------------------------------------------- */
/* A latency: milliseconds, a duration string, or a distribution (sim.exp(0.2), ...). */
static net_lat_t check_latency(lua_State *L, int idx, const char *fname)
{
    net_lat_t l = { NET_LAT_CONST, 0, 0 };
    int kind;
    double a, b;
    if (host_dist_params(L, idx, &kind, &a, &b) == 0) {
        l.kind = kind;
        if (kind == NET_LAT_LOGNORMAL) { /* ln(ms) + ln(1e6) = ln(ns) */
            l.a = a + log(1e6);
            l.b = b;
        } else {
            l.a = a * 1e6;
            l.b = b * 1e6;
        }
        return l;
    }
    l.a = (double)host_dur_check(L, idx, fname, "latency");
    return l;
}

/* Bytes per second: a number, or a string such as "1Gbps", "100Mbit/s", "10MB/s". */
static uint64_t check_bandwidth(lua_State *L, int idx, const char *fname)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        double v = lua_tonumber(L, idx);
        if (!(v >= 0) || v > 1e15) luaL_error(L, "%s: bandwidth must be bytes per second >= 0", fname);
        return (uint64_t)v;
    }
    const char *str = luaL_checkstring(L, idx);
    char *end;
    double v = strtod(str, &end);
    static const struct { const char *unit; double mul; } units[] = {
        { "bps", 0.125 }, { "bit/s", 0.125 }, { "Kbps", 125.0 }, { "Kbit/s", 125.0 }, { "Mbps", 125e3 },
        { "Mbit/s", 125e3 }, { "Gbps", 125e6 }, { "Gbit/s", 125e6 }, { "B/s", 1 }, { "KB/s", 1e3 },
        { "MB/s", 1e6 }, { "GB/s", 1e9 },
    };
    if (end != str && v > 0)
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strcmp(end, units[i].unit) == 0) return (uint64_t)(v * units[i].mul);
    luaL_error(L, "%s: bad bandwidth \"%s\" (bytes per second, or a number and a unit: bps, Kbps, Mbps, "
                  "Gbps, B/s, KB/s, MB/s, GB/s)", fname, str);
    return 0;
}

static void link_options(lua_State *L, int idx, const char *fname, net_link_cfg_t *c)
{
    if (lua_getfield(L, idx, "latency") != LUA_TNIL) c->latency = check_latency(L, -1, fname);
    if (lua_getfield(L, idx, "bandwidth") != LUA_TNIL) c->bandwidth = check_bandwidth(L, -1, fname);
    lua_pop(L, 2);
}

/* sim.net{latency, bandwidth, net_ticktime, tick_intensity, setup_time, rto} */
static int sim_net(lua_State *L)
{
    static const char *const opts[] = { "latency", "bandwidth", "net_ticktime", "tick_intensity", "setup_time", "rto", NULL };
    host_scenario_t *s = outside(L, "sim.net");
    luaL_checktype(L, 1, LUA_TTABLE);
    host_check_options(L, 1, "sim.net", opts);
    net_cfg_t *c = &s->w.net.cfg;
    link_options(L, 1, "sim.net", &c->link);
    if (lua_getfield(L, 1, "net_ticktime") != LUA_TNIL) { /* seconds, as the kernel parameter */
        double v = luaL_checknumber(L, -1);
        if (!(v >= 0.001) || v > 1e6) return luaL_error(L, "sim.net: net_ticktime is in seconds (> 0; OTP's default is 60)");
        c->ticktime = (sim_time_t)llround(v * 1e9);
    }
    if (lua_getfield(L, 1, "tick_intensity") != LUA_TNIL) {
        lua_Integer v = luaL_checkinteger(L, -1);
        if (v < 4 || v > 1000) return luaL_error(L, "sim.net: tick_intensity must be an integer from 4 to 1000 (OTP's range)");
        c->intensity = (uint32_t)v;
    }
    if (lua_getfield(L, 1, "setup_time") != LUA_TNIL) c->setup_time = host_dur_check(L, -1, "sim.net", "setup_time");
    if (lua_getfield(L, 1, "rto") != LUA_TNIL) c->rto = host_dur_check(L, -1, "sim.net", "rto");
    lua_pop(L, 4);
    sim_world_trace_fault(&s->w, "net", NULL, NULL);
    return 0;
}

/* sim.link(a, b, {latency, bandwidth}): one pair's own settings. */
static int sim_link(lua_State *L)
{
    static const char *const opts[] = { "latency", "bandwidth", NULL };
    host_scenario_t *s = outside(L, "sim.link");
    uint32_t a = host_check_node(L, s, 1, "sim.link"), b = host_check_node(L, s, 2, "sim.link");
    if (a == b) return luaL_error(L, "sim.link: a node has no link to itself");
    luaL_checktype(L, 3, LUA_TTABLE);
    host_check_options(L, 3, "sim.link", opts);
    link_options(L, 3, "sim.link", net_link_cfg(&s->w.net, a, b));
    char d[256];
    snprintf(d, sizeof d, "%s,%s", rt_node_name(s->w.rt, a), rt_node_name(s->w.rt, b));
    sim_world_trace_fault(&s->w, "link", NULL, d);
    return 0;
}

/* ---- node sets ------------------------------------------------------------------------------ */
/* Collects a node name or list of names at idx into out (a buffer of nnodes flags) with group
 * number g; raises on unknown names or a node in two groups. */
static void mark_group(lua_State *L, host_scenario_t *s, int idx, const char *fname, int *group, int g)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        uint32_t n = host_check_node(L, s, idx, fname);
        if (group[n] && group[n] != g) luaL_error(L, "%s: node '%s' is in two groups", fname, lua_tostring(L, idx));
        group[n] = g;
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE) luaL_error(L, "%s: expected a node name or a list of them (got %s)", fname, luaL_typename(L, idx));
    lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
    if (len == 0) luaL_error(L, "%s: an empty group of nodes", fname);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, idx, i);
        mark_group(L, s, lua_gettop(L), fname, group, g);
        lua_pop(L, 1);
    }
}

static int *groups_new(lua_State *L, host_scenario_t *s)
{
    return lua_newuserdatauv(L, sizeof(int) * (s->w.nnodes ? s->w.nnodes : 1), 0);
}

/* Renders the group assignment for the trace: "a,b | c". */
static void groups_detail(host_scenario_t *s, const int *group, int ngroups, jbuf_t *b)
{
    for (int g = 1; g <= ngroups; g++) {
        if (g > 1) jbuf_puts(b, " | ");
        bool first = true;
        for (uint32_t i = 0; i < s->w.nnodes; i++)
            if (group[i] == g) {
                if (!first) jbuf_putc(b, ',');
                jbuf_puts(b, rt_node_name(s->w.rt, i));
                first = false;
            }
    }
}

/* sim.partition(g1, g2, ...): each argument a node or a list of nodes; nodes of different groups
 * cannot reach each other (both directions). Nodes in no group keep every link (a bridge). */
static int sim_partition(lua_State *L)
{
    host_scenario_t *s = outside(L, "sim.partition");
    int ng = lua_gettop(L);
    if (ng < 2) return luaL_error(L, "sim.partition: give at least two groups of nodes");
    int *group = groups_new(L, s);
    memset(group, 0, sizeof(int) * s->w.nnodes);
    for (int g = 1; g <= ng; g++) mark_group(L, s, g, "sim.partition", group, g);
    for (uint32_t a = 0; a < s->w.nnodes; a++)
        for (uint32_t b = 0; b < s->w.nnodes; b++)
            if (a != b && group[a] && group[b] && group[a] != group[b]) net_block(&s->w.net, a, b, true);
    jbuf_t d;
    jbuf_init(&d);
    groups_detail(s, group, ng, &d);
    sim_world_trace_fault(&s->w, "partition", NULL, jbuf_cstr(&d));
    jbuf_deinit(&d);
    return 0;
}

/* sim.partition_oneway(from, to): what `from` sends to `to` does not get through; the other
 * direction works. from and to: a node or a list of nodes. */
static int sim_partition_oneway(lua_State *L)
{
    host_scenario_t *s = outside(L, "sim.partition_oneway");
    int *group = groups_new(L, s);
    memset(group, 0, sizeof(int) * s->w.nnodes);
    mark_group(L, s, 1, "sim.partition_oneway", group, 1);
    mark_group(L, s, 2, "sim.partition_oneway", group, 2);
    for (uint32_t a = 0; a < s->w.nnodes; a++)
        for (uint32_t b = 0; b < s->w.nnodes; b++)
            if (group[a] == 1 && group[b] == 2) net_block(&s->w.net, a, b, true);
    jbuf_t d;
    jbuf_init(&d);
    groups_detail(s, group, 2, &d);
    sim_world_trace_fault(&s->w, "partition_oneway", NULL, jbuf_cstr(&d));
    jbuf_deinit(&d);
    return 0;
}

static void heal_pair(host_scenario_t *s, uint32_t a, uint32_t b)
{
    net_block(&s->w.net, a, b, false);
    net_block(&s->w.net, b, a, false);
    net_degrade(&s->w.net, a, b, 0, 0);
}

/* sim.heal(): every partition and degradation ends. sim.heal(a, b): those of one pair. Held
 * messages are sent again (TCP retransmits); connections already closed stay closed. */
static int sim_heal(lua_State *L)
{
    host_scenario_t *s = outside(L, "sim.heal");
    if (lua_gettop(L) >= 2) {
        uint32_t a = host_check_node(L, s, 1, "sim.heal"), b = host_check_node(L, s, 2, "sim.heal");
        if (a == b) return luaL_error(L, "sim.heal: give two different nodes");
        heal_pair(s, a, b);
        char d[256];
        snprintf(d, sizeof d, "%s,%s", rt_node_name(s->w.rt, a), rt_node_name(s->w.rt, b));
        sim_world_trace_fault(&s->w, "heal", NULL, d);
        return 0;
    }
    for (uint32_t a = 0; a < s->w.nnodes; a++)
        for (uint32_t b = a + 1; b < s->w.nnodes; b++) heal_pair(s, a, b);
    sim_world_trace_fault(&s->w, "heal", NULL, "all");
    return 0;
}

/* sim.disconnect(a, b): erlang:disconnect_node(b) run on a. Returns whether a was connected. */
static int sim_disconnect(lua_State *L)
{
    host_scenario_t *s = outside(L, "sim.disconnect");
    uint32_t a = host_check_node(L, s, 1, "sim.disconnect"), b = host_check_node(L, s, 2, "sim.disconnect");
    if (a == b) return luaL_error(L, "sim.disconnect: give two different nodes");
    char d[256];
    snprintf(d, sizeof d, "%s,%s", rt_node_name(s->w.rt, a), rt_node_name(s->w.rt, b));
    sim_world_trace_fault(&s->w, "disconnect", NULL, d);
    lua_pushboolean(L, net_disconnect(&s->w.net, a, b));
    return 1;
}

/* sim.degrade(a, b, {latency = d, loss_ppm = n}): the pair's link gets slower and lossy (a lost
 * packet is retransmitted after rto: TCP). sim.heal ends it. */
static int sim_degrade(lua_State *L)
{
    static const char *const opts[] = { "latency", "loss_ppm", NULL };
    host_scenario_t *s = outside(L, "sim.degrade");
    uint32_t a = host_check_node(L, s, 1, "sim.degrade"), b = host_check_node(L, s, 2, "sim.degrade");
    if (a == b) return luaL_error(L, "sim.degrade: give two different nodes");
    luaL_checktype(L, 3, LUA_TTABLE);
    host_check_options(L, 3, "sim.degrade", opts);
    sim_time_t extra = 0;
    uint32_t loss = 0;
    if (lua_getfield(L, 3, "latency") != LUA_TNIL) extra = host_dur_check(L, -1, "sim.degrade", "latency");
    if (lua_getfield(L, 3, "loss_ppm") != LUA_TNIL) {
        lua_Integer v = luaL_checkinteger(L, -1);
        if (v < 0 || v > 1000000) return luaL_error(L, "sim.degrade: loss_ppm must be from 0 to 1000000");
        loss = (uint32_t)v;
    }
    lua_pop(L, 2);
    net_degrade(&s->w.net, a, b, extra, loss);
    char d[256], ex[32];
    host_dur_format(extra, ex, sizeof ex);
    snprintf(d, sizeof d, "%s,%s latency +%s loss %u ppm", rt_node_name(s->w.rt, a), rt_node_name(s->w.rt, b), ex, loss);
    sim_world_trace_fault(&s->w, "degrade", NULL, d);
    return 0;
}

/* sim.slow(node, factor): the node's CPU work takes factor times as long (1 restores it). */
static int sim_slow(lua_State *L)
{
    host_scenario_t *s = outside(L, "sim.slow");
    uint32_t n = host_check_node(L, s, 1, "sim.slow");
    double f = luaL_checknumber(L, 2);
    if (!(f > 0) || f > 1e6) return luaL_error(L, "sim.slow: the factor must be > 0 (1 = normal speed, 3 = three times slower)");
    sim_world_slow(&s->w, n, f * s->w.nodes[n].base_factor);
    char d[64];
    snprintf(d, sizeof d, "factor %g", f);
    sim_world_trace_fault(&s->w, "slow", rt_node_name(s->w.rt, n), d);
    return 0;
}

/* sim.pause(node, duration): stop-the-world (a GC pause, SIGSTOP, a VM migration). */
static int sim_pause(lua_State *L)
{
    host_scenario_t *s = outside(L, "sim.pause");
    uint32_t n = host_check_node(L, s, 1, "sim.pause");
    sim_time_t d = host_dur_check(L, 2, "sim.pause", "duration");
    char ds[32];
    host_dur_format(d, ds, sizeof ds);
    sim_world_trace_fault(&s->w, "pause", rt_node_name(s->w.rt, n), ds);
    sim_world_pause(&s->w, n, d);
    return 0;
}

/* sim.clock_drift(node, ppm): the node's clock gains ppm microseconds per second (negative:
 * loses); its timers and otp.now follow it. 0 stops the drift (the offset stays). */
static int sim_clock_drift(lua_State *L)
{
    host_scenario_t *s = outside(L, "sim.clock_drift");
    uint32_t n = host_check_node(L, s, 1, "sim.clock_drift");
    double ppm = luaL_checknumber(L, 2);
    if (!(ppm > -1e6) || ppm > 1e6) return luaL_error(L, "sim.clock_drift: ppm must be between -1000000 and 1000000");
    sim_world_clock_drift(&s->w, n, ppm);
    char d[64];
    snprintf(d, sizeof d, "%g ppm", ppm);
    sim_world_trace_fault(&s->w, "clock_drift", rt_node_name(s->w.rt, n), d);
    return 0;
}

/* sim.connected(a, b) → whether a has a connection to b that is up (a's view). */
static int sim_connected(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    uint32_t a = host_check_node(L, s, 1, "sim.connected"), b = host_check_node(L, s, 2, "sim.connected");
    lua_pushboolean(L, a != b && net_state(&s->w.net, a, b) == NET_UP);
    return 1;
}

/* sim.net_stats() → {sent, delivered, lost, ticks}: signals between nodes, and ticks sent. */
static int sim_net_stats(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)s->w.net.sent);
    lua_setfield(L, -2, "sent");
    lua_pushinteger(L, (lua_Integer)s->w.net.delivered);
    lua_setfield(L, -2, "delivered");
    lua_pushinteger(L, (lua_Integer)s->w.net.lost);
    lua_setfield(L, -2, "lost");
    lua_pushinteger(L, (lua_Integer)s->w.net.ticks);
    lua_setfield(L, -2, "ticks");
    return 1;
}

/* ---- helpers for the nemesis (host/lua/nemesis.lua) ---------------------------------------- */
/* sim._random(name) → r: r() a float in [0, 1), r(n) an integer in [1, n]; a stream of its own. */
static int random_call(lua_State *L)
{
    prng_t *r = lua_touserdata(L, lua_upvalueindex(1));
    if (lua_isnoneornil(L, 1)) {
        lua_pushnumber(L, prng_double(r));
        return 1;
    }
    lua_Integer n = luaL_checkinteger(L, 1);
    if (n < 1) return luaL_error(L, "random: n must be >= 1");
    lua_pushinteger(L, (lua_Integer)prng_below(r, (uint64_t)n) + 1);
    return 1;
}

static int sim__random(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    const char *name = luaL_checkstring(L, 1);
    prng_t *r = lua_newuserdatauv(L, sizeof *r, 0);
    prng_stream_init(r, s->opts->seed, name);
    lua_pushcclosure(L, random_call, 1);
    return 1;
}

/* sim._ms(duration, what) → milliseconds */
static int sim__ms(lua_State *L)
{
    sim_time_t t = host_dur_check(L, 1, "sim.nemesis", luaL_optstring(L, 2, "time"));
    host_dur_push_ms(L, t);
    return 1;
}

/* sim._nodes() → every node's name, in the order they were defined */
static int sim__nodes(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    lua_createtable(L, (int)s->w.nnodes, 0);
    for (uint32_t i = 0; i < s->w.nnodes; i++) {
        lua_pushstring(L, rt_node_name(s->w.rt, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* sim._fault_note(what, detail): a "fault" trace event that is not itself a fault */
static int sim__fault_note(lua_State *L)
{
    host_scenario_t *s = host_scenario_of(L);
    sim_world_trace_fault(&s->w, luaL_checkstring(L, 1), NULL, luaL_optstring(L, 2, NULL));
    return 0;
}

void host_simnet_open(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "net", sim_net }, { "link", sim_link }, { "partition", sim_partition },
        { "partition_oneway", sim_partition_oneway }, { "heal", sim_heal }, { "disconnect", sim_disconnect },
        { "degrade", sim_degrade }, { "slow", sim_slow }, { "pause", sim_pause },
        { "clock_drift", sim_clock_drift }, { "connected", sim_connected }, { "net_stats", sim_net_stats },
        { "_random", sim__random }, { "_ms", sim__ms }, { "_nodes", sim__nodes }, { "_fault_note", sim__fault_note },
        { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
}
