/* value.c — print-style rendering of Lua values; see value.h. */
#include "value.h"

#include <lauxlib.h>
#include <string.h>

#include "det.h"
#include "runtime/term.h"

static void quoted(jbuf_t *out, const char *s, size_t n)
{
    jbuf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': jbuf_puts(out, "\\\""); break;
        case '\\': jbuf_puts(out, "\\\\"); break;
        case '\n': jbuf_puts(out, "\\n"); break;
        case '\r': jbuf_puts(out, "\\r"); break;
        case '\t': jbuf_puts(out, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f) jbuf_printf(out, "\\%d", c);
            else jbuf_putc(out, (char)c);
        }
    }
    jbuf_putc(out, '"');
}

/* seen: stack index of a table used as a set of tables being rendered (cycle detection) */
static void render(lua_State *L, int idx, jbuf_t *out, int depth, int seen, int top)
{
    if (out->len > HOST_VALUE_MAX) return;
    idx = lua_absindex(L, idx);
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING && !top) {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        quoted(out, s, n);
        return;
    }
    if (t != LUA_TTABLE || luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
        if (t == LUA_TTABLE) lua_pop(L, 1);
        size_t n;
        const char *s = host_det_tolstring(L, idx, &n);
        jbuf_put(out, s, n);
        lua_pop(L, 1);
        return;
    }
    lua_pushvalue(L, idx);
    if (lua_rawget(L, seen) != LUA_TNIL) {
        lua_pop(L, 1);
        jbuf_puts(out, "<cycle>");
        return;
    }
    lua_pop(L, 1);
    if (depth >= HOST_VALUE_DEPTH) {
        jbuf_puts(out, "{...}");
        return;
    }
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, seen);

    jbuf_putc(out, '{');
    int first = 1;
    lua_Integer n = 0;
    /* array part: 1..n while present */
    for (;;) {
        if (lua_rawgeti(L, idx, n + 1) == LUA_TNIL) {
            lua_pop(L, 1);
            break;
        }
        n++;
        if (!first) jbuf_puts(out, ", ");
        first = 0;
        render(L, -1, out, depth + 1, seen, 0);
        lua_pop(L, 1);
        if (out->len > HOST_VALUE_MAX) break;
    }
    host_det_push_iter(L, idx);
    int it = lua_gettop(L);
    while (host_det_iter_next(L, it)) {
        if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= n) {
            lua_pop(L, 2);
            continue;
        }
        if (out->len > HOST_VALUE_MAX) {
            lua_pop(L, 2);
            break;
        }
        if (!first) jbuf_puts(out, ", ");
        first = 0;
        size_t kl = 0;
        const char *ks = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &kl) : NULL;
        if (ks && rt_term_is_identifier(ks, kl)) {
            jbuf_put(out, ks, kl);
        } else {
            jbuf_putc(out, '[');
            render(L, -2, out, depth + 1, seen, 0);
            jbuf_putc(out, ']');
        }
        jbuf_puts(out, " = ");
        render(L, -1, out, depth + 1, seen, 0);
        lua_pop(L, 2);
    }
    lua_pop(L, 1); /* iterator */
    jbuf_putc(out, '}');

    lua_pushvalue(L, idx);
    lua_pushnil(L);
    lua_rawset(L, seen);
}

void host_value_render(lua_State *L, int idx, jbuf_t *out)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    int seen = lua_gettop(L);
    size_t start = out->len;
    render(L, idx, out, 0, seen, 1);
    if (out->len > start + HOST_VALUE_MAX) {
        out->len = start + HOST_VALUE_MAX;
        jbuf_puts(out, "...");
    }
    lua_pop(L, 1);
}

static int buffer_gc(lua_State *L)
{
    jbuf_deinit(lua_touserdata(L, 1));
    return 0;
}

jbuf_t *host_value_push_buffer(lua_State *L)
{
    jbuf_t *b = lua_newuserdatauv(L, sizeof *b, 0);
    jbuf_init(b);
    if (luaL_newmetatable(L, "otpsim.buffer")) {
        lua_pushcfunction(L, buffer_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return b;
}

const char *host_value_tostring(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        lua_pushvalue(L, idx);
        return lua_tostring(L, -1);
    }
    jbuf_t *b = host_value_push_buffer(L);
    host_value_render(L, idx, b);
    lua_pushlstring(L, jbuf_cstr(b), b->len);
    lua_remove(L, -2);
    return lua_tostring(L, -1);
}
