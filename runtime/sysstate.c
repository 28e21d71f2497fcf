/* sysstate.c — a behaviour's sys state, read by observers (the live view's inspector) without
 * running the process.
 *
 * Finding the state. Every behaviour (gen_server, gen_statem, gen_event; supervisors are
 * gen_servers) makes its context table with gen.init_ctx (lua/gen.lua). The runtime replaces
 * gen.init_ctx with a C function that calls the Lua one and keeps the table it returns in the
 * registry under the process's pid. Why this way, and not a primitive the Lua code calls: the
 * wrapper adds no Lua instruction to the process (instructions are its CPU time), no Lua object
 * (it is a light C function: no closure, so object serials, which tostring shows, stay put) and
 * no string (the collector is paced by object bytes); the key is a light userdata, not a
 * luaL_ref number, because reference numbers travel inside message terms and reach the
 * trace-hash. The entry goes when the process's code ends or the process is freed — the moment
 * its coroutine stops holding the table too — so the collector reaches what it reached before.
 * A run's trace is the same, byte for byte, as without this file.
 *
 * Reading it. rt_proc_sys_state answers what sys.get_state would, from C and strictly read-only:
 * it calls no Lua (no metamethod, no tostring), creates no Lua object or string — fields are
 * found by walking a table with lua_next and comparing lua_tolstring of its string keys, values
 * are read with lua_rawget* — and leaves the stack as it found it. The text is bounded (depth,
 * entries per table, entries visited, bytes), so a huge or cyclic state costs a fixed amount. */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "base/invariant.h"
#include "rt_int.h"
#include "term.h"

#define STR_SHOWN 48   /* bytes of a string value shown */

static const char INIT_CTX_KEY = 'c'; /* registry key (light userdata) of the Lua gen.init_ctx */

static void *ctx_key(rt_pid_t pid) { return (void *)(uintptr_t)pid; }

/* Runs in the process, after the Lua gen.init_ctx returned (or resumed and returned, when it was
 * preempted): its ctx is on top. */
static int init_ctx_done(lua_State *L, int status, lua_KContext k)
{
    (void)status;
    (void)k;
    rt_t *rt = rt__of(L);
    rt_proc_t *p = rt->current;
    if (p && p->co == L && lua_istable(L, -1)) {
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, ctx_key(p->pid));
        p->sys_ctx = true;
    }
    return 1;
}

/* gen.init_ctx as behaviours call it. lua_callk: the Lua function may be preempted (the hook
 * yields) exactly as when it was called directly. */
static int init_ctx(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &INIT_CTX_KEY);
    lua_insert(L, 1);
    lua_callk(L, lua_gettop(L) - 1, 1, 0, init_ctx_done);
    return init_ctx_done(L, LUA_OK, 0);
}

void rt__sys_ctx_install(lua_State *L, int gen)
{
    gen = lua_absindex(L, gen);
    lua_getfield(L, gen, "init_ctx");
    SIM_ASSERT(lua_isfunction(L, -1));
    lua_rawsetp(L, LUA_REGISTRYINDEX, &INIT_CTX_KEY);
    lua_pushcfunction(L, init_ctx); /* light: no upvalue, so no object */
    lua_setfield(L, gen, "init_ctx");
}

void rt__sys_ctx_drop(rt_t *rt, rt_proc_t *p)
{
    if (!p->sys_ctx) return;
    lua_pushnil(rt->L);
    lua_rawsetp(rt->L, LUA_REGISTRYINDEX, ctx_key(p->pid));
    p->sys_ctx = false;
}

/* ---- the bounded, raw renderer -------------------------------------------------------------- */
typedef struct rend {
    lua_State *L;
    uint32_t visits;     /* table entries still to visit (RT_SYS_SCAN_MAX per call) */
    jbuf_t *top;         /* the caller's buffer, and where its text must stop */
    size_t top_limit;
} rend_t;

/* Where the text in out must stop: RT_SYS_TEXT_MAX bytes, in the caller's buffer and in each
 * entry's own (a table's entries are rendered apart, then joined in key order, so what is cut
 * depends on the keys, not on the order the walk met them). */
static size_t limit_of(const rend_t *r, const jbuf_t *out) { return out == r->top ? r->top_limit : RT_SYS_TEXT_MAX; }

static bool is_full(const rend_t *r, const jbuf_t *out) { return out->len >= limit_of(r, out); }

static void emit(rend_t *r, jbuf_t *out, const char *s, size_t n)
{
    size_t limit = limit_of(r, out);
    if (out->len >= limit) return;
    if (n > limit - out->len) n = limit - out->len;
    jbuf_put(out, s, n);
}

static void emits(rend_t *r, jbuf_t *out, const char *s) { emit(r, out, s, strlen(s)); }

/* A table key in print's order: numbers, strings (bytewise), booleans, pids and refs, then keys
 * of other types in the order the walk met them (rank 4: only the display depends on it). */
typedef struct key {
    int rank;
    int isint;
    lua_Integer i;
    lua_Number n;
    const char *s;       /* a string key: borrowed from the table, which nothing changes meanwhile */
    size_t len;
    uint64_t id;
    uint32_t ord;        /* position in the walk */
} skey_t;

static int key_cmp(const skey_t *a, const skey_t *b)
{
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    switch (a->rank) {
    case 0: return rt_term_num_cmp(a->isint, a->i, a->n, b->isint, b->i, b->n);
    case 1: {
        int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
        if (c) return c < 0 ? -1 : 1;
        return (a->len > b->len) - (a->len < b->len);
    }
    case 2: case 3: return (a->id > b->id) - (a->id < b->id);
    default: return (a->ord > b->ord) - (a->ord < b->ord);
    }
}

/* The key at idx, without converting it (lua_tolstring only on strings). */
static skey_t key_of(lua_State *L, int idx, uint32_t ord)
{
    skey_t k = { .rank = 4, .ord = ord };
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        k.rank = 0;
        k.isint = lua_isinteger(L, idx);
        if (k.isint) k.i = lua_tointeger(L, idx);
        else k.n = lua_tonumber(L, idx);
        break;
    case LUA_TSTRING: k.rank = 1; k.s = lua_tolstring(L, idx, &k.len); break;
    case LUA_TBOOLEAN: k.rank = 2; k.id = (uint64_t)lua_toboolean(L, idx); break;
    case LUA_TLIGHTUSERDATA: k.rank = 3; k.id = (uint64_t)(uintptr_t)lua_touserdata(L, idx); break;
    default: break;
    }
    return k;
}

static void put_value(rend_t *r, int idx, int depth, jbuf_t *out);

static void put_string(rend_t *r, const char *s, size_t n, jbuf_t *out)
{
    char tmp[4 * STR_SHOWN + 8];
    size_t k = 0;
    tmp[k++] = '"';
    for (size_t i = 0; i < n && i < STR_SHOWN; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') tmp[k++] = '\\', tmp[k++] = (char)c;
        else if (c == '\n') tmp[k++] = '\\', tmp[k++] = 'n';
        else if (c < 0x20 || c >= 0x7f) k += (size_t)snprintf(tmp + k, sizeof tmp - k, "\\%d", c);
        else tmp[k++] = (char)c;
    }
    if (n > STR_SHOWN) memcpy(tmp + k, "...", 3), k += 3;
    tmp[k++] = '"';
    emit(r, out, tmp, k);
}

static void put_key(rend_t *r, int idx, jbuf_t *out)
{
    if (lua_type(r->L, idx) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(r->L, idx, &n);
        if (rt_term_is_identifier(s, n)) {
            emit(r, out, s, n);
            emits(r, out, " = ");
            return;
        }
    }
    emits(r, out, "[");
    put_value(r, idx, RT_SYS_DEPTH, out); /* a table as a key shows as {...} */
    emits(r, out, "] = ");
}

/* Pushes the value of string key `name` of the table at idx and returns its type, or pushes
 * nothing and returns LUA_TNONE. Walks the keys: pushing the name could create a string. */
static int raw_field(rend_t *r, int idx, const char *name)
{
    lua_State *L = r->L;
    size_t n = strlen(name);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        size_t kl;
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tolstring(L, -2, &kl);
            if (kl == n && memcmp(k, name, n) == 0) {
                lua_remove(L, -2);
                return lua_type(L, -1);
            }
        }
        lua_pop(L, 1);
        if (r->visits == 0) { /* out of visits: give up the walk */
            lua_pop(L, 1);
            return LUA_TNONE;
        }
        r->visits--;
    }
    return LUA_TNONE;
}

/* Inserts k into best (sorted, at most RT_SYS_ITEMS) if it is among the smallest seen. */
static void best_add(skey_t *best, uint32_t *nbest, const skey_t *k)
{
    uint32_t n = *nbest;
    if (n == RT_SYS_ITEMS && key_cmp(k, &best[n - 1]) >= 0) return;
    uint32_t at = n < RT_SYS_ITEMS ? n : n - 1;
    while (at > 0 && key_cmp(k, &best[at - 1]) < 0) {
        best[at] = best[at - 1];
        at--;
    }
    best[at] = *k;
    if (n < RT_SYS_ITEMS) (*nbest)++;
}

/* {a, b, key = v, ...}: the array part 1..n up to the first nil, then the other keys in print's
 * order. Two walks: one finds the RT_SYS_ITEMS smallest keys, the next renders their entries
 * (into one buffer each, since the walk meets them out of order). */
static void put_table(rend_t *r, int idx, int depth, jbuf_t *out)
{
    lua_State *L = r->L;
    if (depth >= RT_SYS_DEPTH) {
        emits(r, out, "{...}");
        return;
    }
    emits(r, out, "{");
    bool partial = false; /* out of visits: the counts below are not the table's */
    lua_Integer narr = 0;
    uint32_t shown = 0;
    for (;; narr++) {
        if (r->visits == 0) {
            partial = true;
            break;
        }
        r->visits--;
        if (lua_rawgeti(L, idx, narr + 1) == LUA_TNIL) {
            lua_pop(L, 1);
            break;
        }
        if (shown < RT_SYS_ITEMS) {
            if (shown++) emits(r, out, ", ");
            put_value(r, lua_gettop(L), depth + 1, out);
        }
        lua_pop(L, 1);
    }
    skey_t best[RT_SYS_ITEMS];
    uint32_t nbest = 0, nkeys = 0, ord = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (r->visits == 0) {
            lua_pop(L, 1);
            partial = true;
            break;
        }
        r->visits--;
        ord++;
        if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 && lua_tointeger(L, -1) <= narr) continue;
        nkeys++;
        skey_t k = key_of(L, -1, ord);
        best_add(best, &nbest, &k);
    }
    jbuf_t ent[RT_SYS_ITEMS];
    uint32_t last = 0;
    for (uint32_t j = 0; j < nbest; j++) {
        jbuf_init(&ent[j]);
        if (best[j].ord > last) last = best[j].ord;
    }
    if (nbest) {
        lua_pushnil(L);
        for (ord = 1; lua_next(L, idx); ord++) { /* the same walk: nothing changed the table */
            for (uint32_t j = 0; j < nbest; j++) {
                if (best[j].ord != ord) continue;
                put_key(r, lua_gettop(L) - 1, &ent[j]);
                put_value(r, lua_gettop(L), depth + 1, &ent[j]);
            }
            lua_pop(L, 1);
            if (ord == last) {
                lua_pop(L, 1);
                break;
            }
        }
    }
    for (uint32_t j = 0; j < nbest; j++) {
        if (shown++) emits(r, out, ", ");
        emit(r, out, jbuf_cstr(&ent[j]), ent[j].len);
        jbuf_deinit(&ent[j]);
    }
    uint64_t total = (uint64_t)narr + nkeys;
    if (partial) {
        emits(r, out, shown ? ", ..." : "...");
    } else if (total > shown) {
        char more[48];
        snprintf(more, sizeof more, "%s...+%llu", shown ? ", " : "", (unsigned long long)(total - shown));
        emits(r, out, more);
    }
    emits(r, out, "}");
}

static void put_value(rend_t *r, int idx, int depth, jbuf_t *out)
{
    lua_State *L = r->L;
    char tmp[64];
    if (is_full(r, out)) return;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: emits(r, out, "nil"); break;
    case LUA_TBOOLEAN: emits(r, out, lua_toboolean(L, idx) ? "true" : "false"); break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            snprintf(tmp, sizeof tmp, LUA_INTEGER_FMT, lua_tointeger(L, idx));
        } else {
            snprintf(tmp, sizeof tmp, LUA_NUMBER_FMT, lua_tonumber(L, idx));
            if (strspn(tmp, "-0123456789") == strlen(tmp)) strcat(tmp, ".0"); /* as Lua prints floats */
        }
        emits(r, out, tmp);
        break;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        put_string(r, s, n, out);
        break;
    }
    case LUA_TLIGHTUSERDATA: {
        void *p = lua_touserdata(L, idx);
        if (p == RT_TERM_ANY) emits(r, out, "otp.any");
        else rt_id_format((uint64_t)(uintptr_t)p, tmp, sizeof tmp), emits(r, out, tmp);
        break;
    }
    case LUA_TTABLE: put_table(r, lua_absindex(L, idx), depth, out); break;
    default:
        snprintf(tmp, sizeof tmp, "<%s>", lua_typename(L, lua_type(L, idx)));
        emits(r, out, tmp);
        break;
    }
}

/* gen_event: what its get_state hook returns, one {id, module, state} per handler. A handler's
 * module shows as its `name` field, as the manager's proxies print. */
static void put_handler(rend_t *r, int e, jbuf_t *out)
{
    lua_State *L = r->L;
    emits(r, out, "{");
    if (raw_field(r, e, "id") != LUA_TNONE) {
        emits(r, out, "id = ");
        put_value(r, lua_gettop(L), 2, out);
        emits(r, out, ", ");
    }
    lua_settop(L, e);
    emits(r, out, "module = ");
    if (raw_field(r, e, "mod") == LUA_TTABLE && raw_field(r, lua_gettop(L), "name") == LUA_TSTRING)
        put_value(r, lua_gettop(L), 2, out);
    else
        emits(r, out, "<table>");
    lua_settop(L, e);
    emits(r, out, ", state = ");
    if (raw_field(r, e, "state") == LUA_TNONE) lua_pushnil(L);
    put_value(r, lua_gettop(L), 2, out);
    lua_settop(L, e);
    emits(r, out, "}");
}

static void put_handlers(rend_t *r, int hidx, jbuf_t *out)
{
    lua_State *L = r->L;
    emits(r, out, "{");
    for (lua_Integer i = 1; lua_rawgeti(L, hidx, i) == LUA_TTABLE; i++) {
        if (i > 1) emits(r, out, ", ");
        if (i > RT_SYS_ITEMS) {
            emits(r, out, "...");
            break;
        }
        put_handler(r, lua_gettop(L), out);
        lua_pop(L, 1);
    }
    lua_pop(L, 1); /* the value that ended the list */
    emits(r, out, "}");
}

/* The state line for the ctx table at c, as the behaviour's get_state hook would answer. */
static void put_state(rend_t *r, int c, const char *behaviour, jbuf_t *out)
{
    lua_State *L = r->L;
    if (strcmp(behaviour, "gen_statem") == 0) {
        emits(r, out, "{");
        if (raw_field(r, c, "state") == LUA_TNONE) lua_pushnil(L);
        put_value(r, lua_gettop(L), 1, out);
        emits(r, out, ", ");
        if (raw_field(r, c, "data") == LUA_TNONE) lua_pushnil(L);
        put_value(r, lua_gettop(L), 1, out);
        emits(r, out, "}");
    } else if (strcmp(behaviour, "gen_event") == 0) {
        if (raw_field(r, c, "handlers") == LUA_TTABLE) put_handlers(r, lua_gettop(L), out);
        else emits(r, out, "{}");
    } else { /* gen_server, and supervisors, which are gen_servers */
        if (raw_field(r, c, "state") == LUA_TNONE) lua_pushnil(L);
        put_value(r, lua_gettop(L), 0, out);
    }
    lua_settop(L, c);
}

bool rt_proc_sys_state(const rt_t *rt, rt_pid_t pid, jbuf_t *out)
{
    const rt_proc_t *p = rt__proc_get(rt, pid);
    if (!p || !p->sys_ctx) return false;
    lua_State *L = rt->L;
    int top = lua_gettop(L);
    if (!lua_checkstack(L, 4 * RT_SYS_DEPTH + 16)) return false;
    rend_t r = { .L = L, .visits = RT_SYS_SCAN_MAX, .top = out, .top_limit = out->len + RT_SYS_TEXT_MAX };
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, ctx_key(pid)) != LUA_TTABLE) {
        lua_settop(L, top);
        return false;
    }
    int c = lua_gettop(L);
    char behaviour[32] = "?";
    if (raw_field(&r, c, "behaviour") == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        snprintf(behaviour, sizeof behaviour, "%.*s", (int)n, s);
    }
    lua_settop(L, c);
    emits(&r, out, behaviour);
    emits(&r, out, " ");
    int t = raw_field(&r, c, "name");
    if (t == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        emit(&r, out, s, n < 64 ? n : 64);
    } else if (t == LUA_TNONE || t == LUA_TNIL) {
        emits(&r, out, "-");
    } else {
        put_value(&r, lua_gettop(L), RT_SYS_DEPTH - 1, out);
    }
    lua_settop(L, c);
    bool suspended = raw_field(&r, c, "suspended") != LUA_TNONE && lua_toboolean(L, -1);
    lua_settop(L, c);
    emits(&r, out, suspended ? " suspended\n" : " running\n");
    put_state(&r, c, behaviour, out);
    if (is_full(&r, out)) jbuf_puts(out, "..."); /* the text was cut: say so */
    lua_settop(L, top);
    SIM_ASSERT(lua_gettop(L) == top);
    return true;
}
