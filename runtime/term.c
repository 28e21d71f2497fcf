/* term.c — encode, decode, render and match terms; see term.h for the layout. */
#include "term.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "base/short_len.h"
#include "rt.h"

#define MAX_DEPTH 64

/* ---- little-endian helpers ---------------------------------------------------------------- */
static void put_u32(jbuf_t *b, uint32_t v)
{
    char c[4] = { (char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24) };
    jbuf_put(b, c, 4);
}
/* v as 8 little-endian bytes at p */
static inline void le64_at(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8); /* one store */
#else
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
#endif
}
static void put_u64(jbuf_t *b, uint64_t v)
{
    uint8_t c[8];
    le64_at(c, v);
    jbuf_put(b, (const char *)c, 8);
}
static uint32_t get_u32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get_u64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8); /* one load */
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
#endif
}
static void put_tag(jbuf_t *b, int tag) { jbuf_putc(b, (char)tag); }

/* ---- key order ---------------------------------------------------------------------------- */
typedef struct key {
    int rank;            /* 0 number, 1 string, 2 boolean, 3 pid/ref */
    int isint;
    lua_Integer i;
    lua_Number n;
    const char *s;
    size_t len;
    uint64_t id;
} key_t_;

static int key_cmp(const void *pa, const void *pb)
{
    const key_t_ *a = pa, *b = pb;
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    switch (a->rank) {
    case 0: return rt_term_num_cmp(a->isint, a->i, a->n, b->isint, b->i, b->n);
    case 1: {
        size_t m = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, m);
        if (c) return c < 0 ? -1 : 1;
        return (a->len > b->len) - (a->len < b->len);
    }
    default: return (a->id > b->id) - (a->id < b->id);
    }
}

/* ---- encode ------------------------------------------------------------------------------- */
typedef struct enc {
    lua_State *L;
    jbuf_t *out;
    bool *has_refs;
    const char *err;
    int track;          /* stack slot: nil, or a table listing the refs created (for rollback) */
} enc_t;

/* Creates a registry reference to the value on top (popped) and records it for rollback. */
static int make_ref(enc_t *e)
{
    lua_State *L = e->L;
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (lua_isnil(L, e->track)) {
        lua_newtable(L);
        lua_replace(L, e->track);
    }
    lua_pushinteger(L, ref);
    lua_rawseti(L, e->track, (lua_Integer)lua_rawlen(L, e->track) + 1);
    *e->has_refs = true;
    return ref;
}

static int encode(enc_t *e, int idx, int depth);

static void push_key(lua_State *L, const key_t_ *k)
{
    switch (k->rank) {
    case 0: if (k->isint) lua_pushinteger(L, k->i); else lua_pushnumber(L, k->n); break;
    case 1: lua_pushlstring(L, k->s, k->len); break;
    case 2: lua_pushboolean(L, (int)k->id); break;
    default: lua_pushlightuserdata(L, (void *)(uintptr_t)k->id); break;
    }
}

static void encode_key(jbuf_t *b, const key_t_ *k)
{
    switch (k->rank) {
    case 0:
        if (k->isint) { put_tag(b, RT_T_INT); put_u64(b, (uint64_t)k->i); }
        else { uint64_t u; memcpy(&u, &k->n, 8); put_tag(b, RT_T_FLT); put_u64(b, u); }
        break;
    case 1: put_tag(b, RT_T_STR); put_u32(b, (uint32_t)k->len); jbuf_put(b, k->s, k->len); break;
    case 2: put_tag(b, k->id ? RT_T_TRUE : RT_T_FALSE); break;
    default: put_tag(b, rt_id_tag(k->id) == RT_ID_REF ? RT_T_REF : RT_T_PID); put_u64(b, k->id); break;
    }
}

static int lref(enc_t *e, int idx)
{
    lua_State *L = e->L;
    int t = lua_type(L, idx);
    lua_pushvalue(L, idx);
    int ref = make_ref(e);
    put_tag(e->out, RT_T_LREF);
    jbuf_putc(e->out, (char)t);
    put_u32(e->out, (uint32_t)ref);
    return 0;
}

static int encode_table(enc_t *e, int idx, int depth)
{
    lua_State *L = e->L;
    if (depth > MAX_DEPTH) {
        e->err = "message nested too deeply (a table that contains itself?)";
        return -1;
    }
    luaL_checkstack(L, 8, "message too deep");
    uint32_t narr = 0;
    while (lua_rawgeti(L, idx, (lua_Integer)narr + 1) != LUA_TNIL) {
        lua_pop(L, 1);
        narr++;
    }
    lua_pop(L, 1);
    size_t nkeys = 0, cap = 8;
    key_t_ *keys = lua_newuserdatauv(L, cap * sizeof *keys, 0); /* freed by the GC */
    int keys_idx = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 && lua_tointeger(L, -1) <= (lua_Integer)narr)
            continue;
        key_t_ k = { 0 };
        switch (lua_type(L, -1)) {
        case LUA_TNUMBER:
            k.rank = 0;
            k.isint = lua_isinteger(L, -1);
            if (k.isint) k.i = lua_tointeger(L, -1); else k.n = lua_tonumber(L, -1);
            break;
        case LUA_TSTRING: k.rank = 1; k.s = lua_tolstring(L, -1, &k.len); break;
        case LUA_TBOOLEAN: k.rank = 2; k.id = (uint64_t)lua_toboolean(L, -1); break;
        case LUA_TLIGHTUSERDATA: k.rank = 3; k.id = (uint64_t)(uintptr_t)lua_touserdata(L, -1); break;
        default:
            lua_pop(L, 1);
            e->err = "message table keys must be numbers, strings, booleans, pids or refs";
            return -1;
        }
        if (nkeys == cap) {
            key_t_ *nk = lua_newuserdatauv(L, cap * 2 * sizeof *nk, 0);
            memcpy(nk, keys, nkeys * sizeof *nk);
            lua_replace(L, keys_idx);
            keys = nk;
            cap *= 2;
        }
        keys[nkeys++] = k;
    }
    qsort(keys, nkeys, sizeof *keys, key_cmp);
    if (lua_getmetatable(L, idx)) {
        int ref = make_ref(e);
        put_tag(e->out, RT_T_TABM);
        put_u32(e->out, (uint32_t)ref);
    } else {
        put_tag(e->out, RT_T_TAB);
    }
    put_u32(e->out, narr);
    put_u32(e->out, (uint32_t)nkeys);
    for (uint32_t i = 1; i <= narr; i++) {
        lua_rawgeti(L, idx, i);
        int rc = encode(e, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
        if (rc) return rc;
    }
    for (size_t i = 0; i < nkeys; i++) {
        encode_key(e->out, &keys[i]);
        push_key(L, &keys[i]);
        lua_rawget(L, idx);
        int rc = encode(e, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
        if (rc) return rc;
    }
    lua_settop(L, keys_idx - 1);
    return 0;
}

static int encode(enc_t *e, int idx, int depth)
{
    lua_State *L = e->L;
    jbuf_t *b = e->out;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: put_tag(b, RT_T_NIL); return 0;
    case LUA_TBOOLEAN: put_tag(b, lua_toboolean(L, idx) ? RT_T_TRUE : RT_T_FALSE); return 0;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            put_tag(b, RT_T_INT);
            put_u64(b, (uint64_t)lua_tointeger(L, idx));
        } else {
            lua_Number n = lua_tonumber(L, idx);
            uint64_t u;
            memcpy(&u, &n, 8);
            put_tag(b, RT_T_FLT);
            put_u64(b, u);
        }
        return 0;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        if (n > UINT32_MAX) {
            e->err = "string too long for a message";
            return -1;
        }
        put_tag(b, RT_T_STR);
        put_u32(b, (uint32_t)n);
        jbuf_put(b, s, n);
        return 0;
    }
    case LUA_TLIGHTUSERDATA: {
        void *p = lua_touserdata(L, idx);
        if (p == RT_TERM_ANY) { put_tag(b, RT_T_ANY); return 0; }
        uint64_t id = (uint64_t)(uintptr_t)p;
        put_tag(b, rt_id_tag(id) == RT_ID_REF ? RT_T_REF : RT_T_PID);
        put_u64(b, id);
        return 0;
    }
    case LUA_TTABLE: return encode_table(e, lua_absindex(L, idx), depth);
    default: return lref(e, idx);
    }
}

int rt_term_encode(lua_State *L, int idx, jbuf_t *out, bool *has_refs, const char **err)
{
    luaL_checkstack(L, 8, "encode");
    idx = lua_absindex(L, idx);
    int base = lua_gettop(L);
    lua_pushnil(L); /* the rollback slot */
    enc_t e = { L, out, has_refs, NULL, base + 1 };
    size_t start = out->len;
    bool had = *has_refs;
    int rc = encode(&e, idx, 0);
    if (rc && lua_istable(L, e.track)) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, e.track);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, e.track, i);
            luaL_unref(L, LUA_REGISTRYINDEX, (int)lua_tointeger(L, -1));
            lua_pop(L, 1);
        }
    }
    lua_settop(L, base);
    if (rc) {
        out->len = start;
        *has_refs = had;
        *err = e.err;
        return -1;
    }
    return 0;
}

/* ---- walking ------------------------------------------------------------------------------ */
static uint32_t skip_table(const uint8_t *p, uint32_t i);

/* Offset just after the term starting at p[i]. */
static inline uint32_t skip(const uint8_t *p, uint32_t i)
{
    switch (p[i]) {
    case RT_T_INT: case RT_T_FLT: case RT_T_PID: case RT_T_REF: return i + 9;
    case RT_T_STR: return i + 5 + get_u32(p + i + 1);
    case RT_T_LREF: return i + 6;
    case RT_T_TAB: case RT_T_TABM: return skip_table(p, i);
    default: return i + 1;
    }
}

static uint32_t skip_table(const uint8_t *p, uint32_t i)
{
    uint32_t j = i + 1 + (p[i] == RT_T_TABM ? 4 : 0);
    uint32_t narr = get_u32(p + j), nhash = get_u32(p + j + 4);
    j += 8;
    for (uint32_t k = 0; k < narr; k++) j = skip(p, j);
    for (uint32_t k = 0; k < nhash; k++) j = skip(p, skip(p, j));
    return j;
}

/* ---- decode ------------------------------------------------------------------------------- */
static uint32_t decode(lua_State *L, const uint8_t *p, uint32_t i)
{
    luaL_checkstack(L, 4, "message too deep");
    switch (p[i]) {
    case RT_T_NIL: lua_pushnil(L); return i + 1;
    case RT_T_FALSE: lua_pushboolean(L, 0); return i + 1;
    case RT_T_TRUE: lua_pushboolean(L, 1); return i + 1;
    case RT_T_ANY: lua_pushlightuserdata(L, RT_TERM_ANY); return i + 1;
    case RT_T_INT: lua_pushinteger(L, (lua_Integer)get_u64(p + i + 1)); return i + 9;
    case RT_T_FLT: {
        uint64_t u = get_u64(p + i + 1);
        lua_Number n;
        memcpy(&n, &u, 8);
        lua_pushnumber(L, n);
        return i + 9;
    }
    case RT_T_STR: {
        uint32_t n = get_u32(p + i + 1);
        lua_pushlstring(L, (const char *)p + i + 5, n);
        return i + 5 + n;
    }
    case RT_T_PID: case RT_T_REF:
        lua_pushlightuserdata(L, (void *)(uintptr_t)get_u64(p + i + 1));
        return i + 9;
    case RT_T_LREF:
        lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)get_u32(p + i + 2));
        return i + 6;
    case RT_T_TAB: case RT_T_TABM: {
        uint32_t j = i + 1, mt = 0;
        if (p[i] == RT_T_TABM) {
            mt = get_u32(p + j);
            j += 4;
        }
        uint32_t narr = get_u32(p + j), nhash = get_u32(p + j + 4);
        j += 8;
        lua_createtable(L, (int)narr, (int)nhash);
        for (uint32_t k = 1; k <= narr; k++) {
            j = decode(L, p, j);
            lua_rawseti(L, -2, k);
        }
        for (uint32_t k = 0; k < nhash; k++) {
            j = decode(L, p, j);
            j = decode(L, p, j);
            lua_rawset(L, -3);
        }
        if (p[i] == RT_T_TABM) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)mt);
            lua_setmetatable(L, -2);
        }
        return j;
    }
    }
    SIM_ASSERT(!"bad term tag");
    return i + 1;
}

void rt_term_decode(lua_State *L, const uint8_t *p, uint32_t len)
{
    uint32_t end = decode(L, p, 0);
    SIM_ASSERT(end == len);
}

static uint32_t release(lua_State *L, const uint8_t *p, uint32_t i)
{
    switch (p[i]) {
    case RT_T_LREF:
        luaL_unref(L, LUA_REGISTRYINDEX, (int)get_u32(p + i + 2));
        return i + 6;
    case RT_T_TAB: case RT_T_TABM: {
        uint32_t j = i + 1;
        if (p[i] == RT_T_TABM) {
            luaL_unref(L, LUA_REGISTRYINDEX, (int)get_u32(p + j));
            j += 4;
        }
        uint32_t narr = get_u32(p + j), nhash = get_u32(p + j + 4);
        j += 8;
        for (uint32_t k = 0; k < narr; k++) j = release(L, p, j);
        for (uint32_t k = 0; k < nhash; k++) j = release(L, p, release(L, p, j));
        return j;
    }
    default: return skip(p, i);
    }
}

void rt_term_release(lua_State *L, const uint8_t *p, uint32_t len)
{
    uint32_t i = 0;
    while (i < len) i = release(L, p, i);
}

/* ---- render ------------------------------------------------------------------------------- */
bool rt_term_is_identifier(const char *s, size_t n)
{
    static const char *const kw[] = { "and", "break", "do", "else", "elseif", "end", "false",
        "for", "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return",
        "then", "true", "until", "while", NULL };
    if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) return false;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    for (int k = 0; kw[k]; k++)
        if (strlen(kw[k]) == n && memcmp(kw[k], s, n) == 0) return false;
    return true;
}

int rt_term_num_cmp(int aint, lua_Integer ai, lua_Number an, int bint, lua_Integer bi, lua_Number bn)
{
    if (aint && bint) return (ai > bi) - (ai < bi);
    lua_Number x = aint ? (lua_Number)ai : an, y = bint ? (lua_Number)bi : bn;
    if (x != y) return x < y ? -1 : 1;
    return bint - aint; /* equal as numbers: distinct keys never are; integers first */
}

static uint32_t render(const uint8_t *p, uint32_t i, jbuf_t *out)
{
    switch (p[i]) {
    case RT_T_NIL: jbuf_puts(out, "nil"); return i + 1;
    case RT_T_FALSE: jbuf_puts(out, "false"); return i + 1;
    case RT_T_TRUE: jbuf_puts(out, "true"); return i + 1;
    case RT_T_ANY: jbuf_puts(out, "otp.any"); return i + 1;
    case RT_T_INT: jbuf_i64(out, (int64_t)get_u64(p + i + 1)); return i + 9;
    case RT_T_FLT: {
        uint64_t u = get_u64(p + i + 1);
        double d;
        memcpy(&d, &u, 8);
        char tmp[64];
        lua_Number n = d;
        snprintf(tmp, sizeof tmp, LUA_NUMBER_FMT, n);
        if (strspn(tmp, "-0123456789") == strlen(tmp)) strcat(tmp, ".0"); /* as Lua prints floats */
        jbuf_puts(out, tmp);
        return i + 9;
    }
    case RT_T_STR: {
        uint32_t n = get_u32(p + i + 1);
        const uint8_t *s = p + i + 5;
        jbuf_putc(out, '"');
        for (uint32_t k = 0; k < n; k++) {
            uint8_t c = s[k];
            if (c == '"' || c == '\\') { jbuf_putc(out, '\\'); jbuf_putc(out, (char)c); }
            else if (c == '\n') jbuf_puts(out, "\\n");
            else if (c == '\t') jbuf_puts(out, "\\t");
            else if (c < 0x20 || c == 0x7f) jbuf_printf(out, "\\%d", c);
            else jbuf_putc(out, (char)c);
        }
        jbuf_putc(out, '"');
        return i + 5 + n;
    }
    case RT_T_PID: case RT_T_REF: {
        char tmp[48];
        rt_id_format(get_u64(p + i + 1), tmp, sizeof tmp);
        jbuf_puts(out, tmp);
        return i + 9;
    }
    case RT_T_LREF: jbuf_printf(out, "<%s>", lua_typename(NULL, p[i + 1])); return i + 6;
    case RT_T_TAB: case RT_T_TABM: {
        uint32_t j = i + 1 + (p[i] == RT_T_TABM ? 4 : 0);
        uint32_t narr = get_u32(p + j), nhash = get_u32(p + j + 4);
        j += 8;
        jbuf_putc(out, '{');
        for (uint32_t k = 0; k < narr; k++) {
            if (k) jbuf_puts(out, ", ");
            j = render(p, j, out);
        }
        for (uint32_t k = 0; k < nhash; k++) {
            if (k || narr) jbuf_puts(out, ", ");
            if (p[j] == RT_T_STR && rt_term_is_identifier((const char *)p + j + 5, get_u32(p + j + 1))) {
                jbuf_put(out, (const char *)p + j + 5, get_u32(p + j + 1));
                j = skip(p, j);
            } else {
                jbuf_putc(out, '[');
                j = render(p, j, out);
                jbuf_putc(out, ']');
            }
            jbuf_puts(out, " = ");
            j = render(p, j, out);
        }
        jbuf_putc(out, '}');
        return j;
    }
    }
    SIM_ASSERT(!"bad term tag");
    return i + 1;
}

void rt_term_render(const uint8_t *p, uint32_t len, jbuf_t *out)
{
    uint32_t i = 0;
    while (i < len) i = render(p, i, out);
}

bool rt_term_is_str(const uint8_t *p, uint32_t len, const char *s)
{
    size_t n = short_len(s);
    return len == 5 + n && p[0] == RT_T_STR && get_u32(p + 1) == n && memcmp(p + 5, s, n) == 0;
}

/* ---- match -------------------------------------------------------------------------------- */
static bool is_num(uint8_t t) { return t == RT_T_INT || t == RT_T_FLT; }
static lua_Number num_of(const uint8_t *p)
{
    uint64_t u = get_u64(p + 1);
    if (p[0] == RT_T_INT) return (lua_Number)(int64_t)u;
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static bool scalar_eq(const uint8_t *a, const uint8_t *b)
{
    if (is_num(a[0]) && is_num(b[0])) {
        if (a[0] == RT_T_INT && b[0] == RT_T_INT) return get_u64(a + 1) == get_u64(b + 1);
        return num_of(a) == num_of(b);
    }
    if (a[0] != b[0]) return false;
    uint32_t la = skip(a, 0), lb = skip(b, 0);
    return la == lb && memcmp(a, b, la) == 0;
}

/* Finds key (a term at k) in the table at t; returns the offset of its value or 0. */
static uint32_t find_key(const uint8_t *t, const uint8_t *k)
{
    uint32_t j = 1 + (t[0] == RT_T_TABM ? 4 : 0);
    uint32_t narr = get_u32(t + j), nhash = get_u32(t + j + 4);
    j += 8;
    if (is_num(k[0])) {
        lua_Number n = num_of(k);
        if (n >= 1 && n <= narr && n == (lua_Number)(uint32_t)n) {
            for (uint32_t x = 1; x < (uint32_t)n; x++) j = skip(t, j);
            return j;
        }
    }
    for (uint32_t x = 0; x < narr; x++) j = skip(t, j);
    for (uint32_t x = 0; x < nhash; x++) {
        uint32_t v = skip(t, j);
        if (scalar_eq(t + j, k)) return v;
        j = skip(t, v);
    }
    return 0;
}

/* find_key for a string key, without building the key's term: a hash key equals it iff it is a
 * string of the same length and bytes (what scalar_eq compares). */
int64_t rt_term_field(const uint8_t *p, uint32_t len, const char *key)
{
    if (len < 9 || (p[0] != RT_T_TAB && p[0] != RT_T_TABM)) return -1;
    size_t n = short_len(key);
    uint32_t j = 1 + (p[0] == RT_T_TABM ? 4 : 0);
    uint32_t narr = get_u32(p + j), nhash = get_u32(p + j + 4);
    j += 8;
    for (uint32_t x = 0; x < narr; x++) j = skip(p, j);
    for (uint32_t x = 0; x < nhash; x++) {
        if (p[j] == RT_T_STR) {
            uint32_t kn = get_u32(p + j + 1), v = j + 5 + kn;
            if (kn == n) {
                size_t c = 0; /* keys are short: no library call */
                while (c < n && p[j + 5 + c] == (uint8_t)key[c]) c++;
                if (c == n) return (int64_t)v;
            }
            j = skip(p, v);
        } else {
            j = skip(p, skip(p, j));
        }
    }
    return -1;
}

uint64_t rt_term_id_at(const uint8_t *p) { return p[0] == RT_T_PID || p[0] == RT_T_REF ? get_u64(p + 1) : 0; }

static bool match(const uint8_t *m, const uint8_t *pt);

static bool value_match(const uint8_t *m, const uint8_t *pv)
{
    if (pv[0] == RT_T_ANY) return m[0] != RT_T_NIL;
    if (pv[0] == RT_T_TAB || pv[0] == RT_T_TABM) return match(m, pv);
    if (pv[0] == RT_T_LREF) return false;
    return scalar_eq(m, pv);
}

static bool match(const uint8_t *m, const uint8_t *pt)
{
    if (m[0] != RT_T_TAB && m[0] != RT_T_TABM) return false;
    uint32_t j = 1 + (pt[0] == RT_T_TABM ? 4 : 0);
    uint32_t narr = get_u32(pt + j), nhash = get_u32(pt + j + 4);
    j += 8;
    for (uint32_t x = 1; x <= narr; x++) {
        uint8_t key[9] = { RT_T_INT };
        for (int b = 0; b < 8; b++) key[1 + b] = (uint8_t)((uint64_t)x >> (8 * b));
        uint32_t at = find_key(m, key);
        if (!at || !value_match(m + at, pt + j)) return false;
        j = skip(pt, j);
    }
    for (uint32_t x = 0; x < nhash; x++) {
        uint32_t v = skip(pt, j);
        uint32_t at = find_key(m, pt + j);
        if (!at || !value_match(m + at, pt + v)) return false;
        j = skip(pt, v);
    }
    return true;
}

bool rt_term_match(const uint8_t *msg, uint32_t mlen, const uint8_t *pat, uint32_t plen)
{
    (void)mlen;
    (void)plen;
    return match(msg, pat);
}

/* ---- builders ----------------------------------------------------------------------------- */
void rt_tb_table(jbuf_t *b, uint32_t narr, uint32_t nhash)
{
    put_tag(b, RT_T_TAB);
    put_u32(b, narr);
    put_u32(b, nhash);
}
void rt_tb_str(jbuf_t *b, const char *s)
{
    size_t n = strlen(s);
    put_tag(b, RT_T_STR);
    put_u32(b, (uint32_t)n);
    jbuf_put(b, s, n);
}
void rt_tb_id(jbuf_t *b, uint64_t id)
{
    put_tag(b, rt_id_tag(id) == RT_ID_REF ? RT_T_REF : RT_T_PID);
    put_u64(b, id);
}
void rt_tb_id_at(uint8_t *p, uint64_t id)
{
    p[0] = rt_id_tag(id) == RT_ID_REF ? RT_T_REF : RT_T_PID;
    le64_at(p + 1, id);
}
void rt_tb_int(jbuf_t *b, int64_t v)
{
    put_tag(b, RT_T_INT);
    put_u64(b, (uint64_t)v);
}
void rt_tb_bool(jbuf_t *b, bool v) { put_tag(b, v ? RT_T_TRUE : RT_T_FALSE); }
void rt_tb_raw(jbuf_t *b, const uint8_t *term, uint32_t len) { jbuf_put(b, (const char *)term, len); }
