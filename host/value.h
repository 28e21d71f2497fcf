/* value.h — deterministic text for any Lua value (print, check details, error objects).
 *
 * Strings at the top level appear as they are; inside tables they are quoted. Tables print by
 * content: the array part first ({1, 2, 3}), then the other keys in det.h's key order
 * ({1, 2, name = "x", [2.5] = true}). A table with __tostring uses it. Cycles print as <cycle>,
 * depth beyond HOST_VALUE_DEPTH as {...}, and output is cut at HOST_VALUE_MAX bytes with "...". */
#ifndef HOST_VALUE_H
#define HOST_VALUE_H

#include <lua.h>

#include "base/jbuf.h"

#define HOST_VALUE_DEPTH 16
#define HOST_VALUE_MAX (64 * 1024)

/* Appends the text of the value at idx to out. May call __tostring metamethods (and so raise);
 * leaves the stack as it found it. */
void host_value_render(lua_State *L, int idx, jbuf_t *out);

/* Pushes a userdata holding an empty jbuf that the garbage collector frees: a buffer that is
 * safe to hold while calling code that may raise. */
jbuf_t *host_value_push_buffer(lua_State *L);

/* Pushes the text of the value at idx as a Lua string. */
const char *host_value_tostring(lua_State *L, int idx);

#endif
