/* sandbox.h — the Lua environment a scenario runs in.
 *
 * Open: base (without dofile, loadfile, warn; load accepts text chunks only), coroutine, table,
 * string (without string.dump), math, utf8, debug.traceback, and det.h's deterministic os.
 * Closed: io, os.execute and friends, package.loadlib, C modules, bytecode, file writes.
 * require(name) loads "<name>.lua" (dots become folders) only from the scenario's own folder or
 * from scenarios/lib, as a text chunk named by its path relative to that folder ("lib/x.lua"
 * for the library), and caches it like stock require. */
#ifndef HOST_SANDBOX_H
#define HOST_SANDBOX_H

#include <lua.h>

/* Where require looks: the scenario's folder and scenarios/lib. Borrowed: it and its strings
 * must outlive L. The folders stay in C memory, never in the Lua heap: how long a path is (where
 * the binary or the scenario was invoked from) must not change what collectgarbage("count")
 * says or when the deterministic collector runs (design.md §5). */
typedef struct host_sandbox_dirs { const char *scenario, *lib; } host_sandbox_dirs_t;

/* Opens the sandboxed libraries in L. Raises on memory exhaustion. */
void host_sandbox_open(lua_State *L, const host_sandbox_dirs_t *dirs);

/* Loads a Lua text file as a chunk named chunkname ("@name.lua"). Returns a lua_load status
 * (LUA_OK, LUA_ERRSYNTAX, LUA_ERRMEM) or LUA_ERRFILE with the message pushed; never raises. */
int host_sandbox_loadfile(lua_State *L, const char *path, const char *chunkname);

#endif
