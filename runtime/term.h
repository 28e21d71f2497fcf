/* term.h — messages as terms: Lua values copied into a compact, deterministic byte encoding.
 *
 * Sending copies (design.md: no mutable state shared between processes): the sender's value is
 * encoded, the receiver gets a fresh decoded value. The encoding is canonical — table keys are
 * written in a fixed order (numbers ascending, strings bytewise, false, true, pids/refs) — so a
 * term's bytes are a deterministic function of the value: they are what the trace hashes, what
 * C code matches receive patterns against, and their length is the message's size.
 *
 * Encodable: nil, booleans, numbers, strings, pids and refs, and tables of those whose keys are
 * numbers, strings, booleans, pids or refs (no cycles). Functions, userdata, coroutines and
 * metatables travel by reference (a Lua registry reference inside the term, released when the
 * message is freed): a function sent in a message is the same function, as with Erlang funs.
 *
 * Layout: one tag byte, then
 *   NIL FALSE TRUE ANY -; INT, FLT 8 bytes little-endian; STR u32 length + bytes;
 *   PID, REF 8 bytes; TAB u32 narr, u32 nhash, narr values, nhash (key, value) pairs;
 *   TABM u32 metatable registry ref, then as TAB; LREF u8 Lua type + u32 registry ref. */
#ifndef RT_TERM_H
#define RT_TERM_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/jbuf.h"

enum rt_term_tag {
    RT_T_NIL, RT_T_FALSE, RT_T_TRUE, RT_T_INT, RT_T_FLT, RT_T_STR, RT_T_PID, RT_T_REF,
    RT_T_TAB, RT_T_TABM, RT_T_LREF, RT_T_ANY,
};

/* The light userdata value of otp.any, the pattern wildcard. */
#define RT_TERM_ANY ((void *)(uintptr_t)0x0a0a0a0a)

/* Appends the encoding of the value at idx. Returns 0, or -1 with *err set to a static message
 * (nothing useful appended then). Sets *has_refs if registry references were created; on
 * failure any created references are released. May raise only on memory exhaustion. */
int rt_term_encode(lua_State *L, int idx, jbuf_t *out, bool *has_refs, const char **err);

/* Pushes the value encoded at p. Does not release references (see rt_term_release). */
void rt_term_decode(lua_State *L, const uint8_t *p, uint32_t len);

/* Releases the registry references held by the term. */
void rt_term_release(lua_State *L, const uint8_t *p, uint32_t len);

/* Appends the term as text, the way print shows values ({1, tag = "x"}, <0.4.0>). */
void rt_term_render(const uint8_t *p, uint32_t len, jbuf_t *out);

/* True if msg matches the table pattern pat: msg is a table holding every key of pat with an
 * equal value (numbers compare by value; nested pattern tables match recursively; otp.any
 * matches any non-nil value). */
bool rt_term_match(const uint8_t *msg, uint32_t mlen, const uint8_t *pat, uint32_t plen);

/* Offset of the value of string key `key` in the table term p, or -1 (not a table, no such key). */
int64_t rt_term_field(const uint8_t *p, uint32_t len, const char *key);
/* The pid or ref at p (0 if the term there is neither). */
uint64_t rt_term_id_at(const uint8_t *p);

/* True if the term is the string s. */
bool rt_term_is_str(const uint8_t *p, uint32_t len, const char *s);

/* Helpers shared with the scenario host's printing and key order: whether s is a Lua
 * identifier (printed bare as a table key), and the order of two numbers (integers and floats
 * compared by value). */
bool rt_term_is_identifier(const char *s, size_t n);
int rt_term_num_cmp(int aint, lua_Integer ai, lua_Number an, int bint, lua_Integer bi, lua_Number bn);

/* Builders for terms made in C. Table keys must be emitted in canonical order. */
void rt_tb_table(jbuf_t *b, uint32_t narr, uint32_t nhash);
void rt_tb_str(jbuf_t *b, const char *s);
void rt_tb_id(jbuf_t *b, uint64_t pid_or_ref);
void rt_tb_int(jbuf_t *b, int64_t v);
void rt_tb_bool(jbuf_t *b, bool v);
void rt_tb_raw(jbuf_t *b, const uint8_t *term, uint32_t len);
/* Overwrites the id term (9 bytes, as rt_tb_id writes it) at p with id: for terms built once and
 * sent many times with a different pid or ref. */
void rt_tb_id_at(uint8_t *p, uint64_t pid_or_ref);

#endif
