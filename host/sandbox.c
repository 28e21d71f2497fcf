/* sandbox.c — library selection and the folder-confined require; see sandbox.h. */
#include "sandbox.h"

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOADED_KEY "otpsim.loaded"

int host_sandbox_loadfile(lua_State *L, const char *path, const char *chunkname)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        lua_pushfstring(L, "cannot open %s: %s", path, strerror(errno));
        return LUA_ERRFILE;
    }
    size_t len = 0, cap = 1 << 14;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!buf) {
        lua_pushfstring(L, "cannot read %s: out of memory", path);
        return LUA_ERRFILE;
    }
    if (err) {
        free(buf);
        lua_pushfstring(L, "cannot read %s", path);
        return LUA_ERRFILE;
    }
    const char *start = buf;
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) start += 3; /* UTF-8 BOM */
    size_t n = len - (size_t)(start - buf);
    if (n > 0 && start[0] == '#') { /* shebang line: keep the newline so line numbers hold */
        while (n > 0 && *start != '\n') {
            start++;
            n--;
        }
    }
    int st = luaL_loadbufferx(L, start, n, chunkname, "t");
    free(buf);
    return st;
}

static int valid_module_name(const char *s)
{
    if (!*s || *s == '.') return 0;
    for (const char *p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return 0;
        if (p[0] == '.' && p[1] == '.') return 0;
    }
    return s[strlen(s) - 1] != '.';
}

static int file_exists(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* upvalues: 1 scenario dir, 2 lib dir */
static int sandbox_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY); /* 2 */
    if (lua_getfield(L, 2, name) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    if (!valid_module_name(name) || strlen(name) > 200)
        return luaL_error(L, "require: bad module name '%s' (letters, digits, '_', '-' and '.'; at most 200)", name);
    const host_sandbox_dirs_t *dirs = lua_touserdata(L, lua_upvalueindex(1));
    char relp[256]; /* relative path without extension (valid_module_name bounds the length) */
    size_t rl = 0;
    for (const char *p = name; *p && rl + 1 < sizeof relp; p++) relp[rl++] = *p == '.' ? '/' : *p;
    relp[rl] = 0;
    static const char *const suffixes[] = { ".lua", "/init.lua" };
    for (int where = 1; where <= 2; where++) {
        const char *dir = where == 1 ? dirs->scenario : dirs->lib;
        for (int s = 0; s < 2; s++) {
            char path[PATH_MAX];
            if (snprintf(path, sizeof path, "%s/%s%s", dir, relp, suffixes[s]) >= (int)sizeof path ||
                !file_exists(path))
                continue;
            lua_pushfstring(L, "@%s%s%s", where == 2 ? "lib/" : "", relp, suffixes[s]);
            int st = host_sandbox_loadfile(L, path, lua_tostring(L, -1));
            if (st != LUA_OK) return lua_error(L);
            lua_pushlstring(L, name, strlen(name));
            lua_call(L, 1, 1);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                lua_pushboolean(L, 1);
            }
            lua_pushvalue(L, -1);
            lua_setfield(L, 2, name);
            return 1;
        }
    }
    return luaL_error(L, "require: module '%s' not found (looked for %s.lua in the scenario's folder "
                         "and in scenarios/lib)", name, relp);
}

/* load(chunk [, chunkname [, mode [, env]]]) restricted to text chunks. */
static int sandbox_load(lua_State *L)
{
    lua_settop(L, 4);
    lua_pushvalue(L, lua_upvalueindex(1)); /* stock load */
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushliteral(L, "t");
    int nargs = 3;
    if (!lua_isnone(L, 4) && !lua_isnil(L, 4)) {
        lua_pushvalue(L, 4);
        nargs = 4;
    }
    lua_call(L, nargs, 2);
    return 2;
}

void host_sandbox_open(lua_State *L, const host_sandbox_dirs_t *dirs)
{
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base }, { LUA_COLIBNAME, luaopen_coroutine },
        { LUA_TABLIBNAME, luaopen_table }, { LUA_STRLIBNAME, luaopen_string },
        { LUA_MATHLIBNAME, luaopen_math }, { LUA_UTF8LIBNAME, luaopen_utf8 },
        { NULL, NULL }
    };
    for (const luaL_Reg *l = libs; l->func; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    static const char *const removed[] = { "dofile", "loadfile", "warn", NULL };
    for (int i = 0; removed[i]; i++) {
        lua_pushnil(L);
        lua_setfield(L, g, removed[i]);
    }
    lua_getfield(L, g, "load");
    lua_pushcclosure(L, sandbox_load, 1);
    lua_setfield(L, g, "load");
    lua_getfield(L, g, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);

    /* debug: traceback only */
    luaL_requiref(L, LUA_DBLIBNAME, luaopen_debug, 0);
    lua_getfield(L, -1, "traceback");
    lua_newtable(L);
    lua_insert(L, -2);
    lua_setfield(L, -2, "traceback");
    lua_setfield(L, g, "debug");
    lua_pop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, g, "debug");
    lua_setfield(L, -2, LUA_DBLIBNAME);
    lua_pop(L, 1);

    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
    lua_pushlightuserdata(L, (void *)dirs);
    lua_pushcclosure(L, sandbox_require, 1);
    lua_setfield(L, g, "require");
    lua_pop(L, 1);
}
