/* otp.h — the `otp` Lua module: the runtime's API inside processes (docs/lua-api.md). */
#ifndef RT_OTP_H
#define RT_OTP_H

#include <lua.h>

#include "rt.h"

/* Installs the global `otp` table and the metatable that prints pids and refs. */
void rt__otp_open(rt_t *rt, lua_State *L);

#endif
