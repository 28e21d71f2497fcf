/* lua_sources.h — the runtime's behaviours written in Lua (the .lua files of runtime/lua), embedded in the
 * binary by mk/embed.sh and loaded into every Lua state by the otp module, in this order. */
#ifndef RT_LUA_SOURCES_H
#define RT_LUA_SOURCES_H

#include <stddef.h>

typedef struct rt_lua_source {
    const char *name;            /* "gen_server" for runtime/lua/gen_server.lua */
    const unsigned char *src;
    size_t len;
} rt_lua_source_t;

extern const rt_lua_source_t rt_lua_sources[]; /* ends with { NULL, NULL, 0 } */

#endif
