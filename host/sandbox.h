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

/* Opens the sandboxed libraries in L. Both folders are copied. Raises on memory exhaustion. */
void host_sandbox_open(lua_State *L, const char *scenario_dir, const char *lib_dir);

/* Loads a Lua text file as a chunk named chunkname ("@name.lua"). Returns a lua_load status
 * (LUA_OK, LUA_ERRSYNTAX, LUA_ERRMEM) or LUA_ERRFILE with the message pushed; never raises. */
int host_sandbox_loadfile(lua_State *L, const char *path, const char *chunkname);

#endif
