/* jbuf.h — a growable text buffer with JSON helpers.
 *
 * Used by the trace recorder and every JSON writer, so all JSON otpsim emits escapes strings the
 * same way. Allocation failure is sticky: the buffer sets `oom` and ignores further appends, so
 * callers check once at the end instead of after every append. */
#ifndef SIM_JBUF_H
#define SIM_JBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct jbuf {
    char *p;       /* NUL-terminated when len > 0 or after jbuf_cstr */
    size_t len, cap;
    bool oom;
} jbuf_t;

void jbuf_init(jbuf_t *b);
void jbuf_deinit(jbuf_t *b);
static inline void jbuf_reset(jbuf_t *b) { b->len = 0; if (b->p) b->p[0] = 0; }
/* The contents as a C string (never NULL; "" when empty or after an allocation failure). */
const char *jbuf_cstr(jbuf_t *b);

void jbuf_put(jbuf_t *b, const char *s, size_t n);
void jbuf_puts(jbuf_t *b, const char *s);
void jbuf_putc(jbuf_t *b, char c);
void jbuf_printf(jbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jbuf_u64(jbuf_t *b, uint64_t v);
void jbuf_i64(jbuf_t *b, int64_t v);
/* A JSON number for v, or null when v is not finite (JSON has no NaN or infinity). */
void jbuf_json_f64(jbuf_t *b, double v);
/* A JSON string literal, quotes included; bytes that are not valid UTF-8 become U+FFFD. */
void jbuf_json_str(jbuf_t *b, const char *s, size_t n);

#endif
