/* jbuf.c — growable buffer; JSON string escaping with UTF-8 validation. */
#include "jbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jbuf_init(jbuf_t *b) { memset(b, 0, sizeof *b); }

void jbuf_deinit(jbuf_t *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static bool reserve(jbuf_t *b, size_t extra)
{
    if (b->oom) return false;
    if (b->len + extra + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

const char *jbuf_cstr(jbuf_t *b)
{
    if (!b->p || b->oom) return "";
    b->p[b->len] = 0;
    return b->p;
}

void jbuf_put(jbuf_t *b, const char *s, size_t n)
{
    if (!reserve(b, n)) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void jbuf_puts(jbuf_t *b, const char *s) { jbuf_put(b, s, strlen(s)); }

void jbuf_putc(jbuf_t *b, char c)
{
    if (!reserve(b, 1)) return;
    b->p[b->len++] = c;
    b->p[b->len] = 0;
}

void jbuf_printf(jbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        jbuf_put(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void jbuf_u64(jbuf_t *b, uint64_t v)
{
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    jbuf_put(b, tmp + i, (size_t)(24 - i));
}

void jbuf_i64(jbuf_t *b, int64_t v)
{
    if (v < 0) {
        jbuf_putc(b, '-');
        jbuf_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        jbuf_u64(b, (uint64_t)v);
    }
}

void jbuf_json_f64(jbuf_t *b, double v)
{
    if (!isfinite(v)) {
        jbuf_puts(b, "null");
        return;
    }
    /* Range first: converting a double outside int64_t's range is undefined behaviour. */
    if (fabs(v) < 9007199254740992.0 && v == (double)(int64_t)v) {
        jbuf_i64(b, (int64_t)v);
        return;
    }
    jbuf_printf(b, "%.17g", v);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    unsigned cp = c & (0xff >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

void jbuf_json_str(jbuf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    jbuf_putc(b, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\') run++;
        if (run > i) {
            jbuf_put(b, s + i, run - i);
            i = run;
            continue;
        }
        unsigned c = u[i];
        if (c >= 0x80) {
            size_t l = utf8_len(u + i, n - i);
            if (l) jbuf_put(b, s + i, l);
            else jbuf_puts(b, "\\ufffd");
            i += l ? l : 1;
            continue;
        }
        switch (c) {
        case '"': jbuf_puts(b, "\\\""); break;
        case '\\': jbuf_puts(b, "\\\\"); break;
        case '\n': jbuf_puts(b, "\\n"); break;
        case '\r': jbuf_puts(b, "\\r"); break;
        case '\t': jbuf_puts(b, "\\t"); break;
        default: {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            jbuf_put(b, e, 6);
        }
        }
        i++;
    }
    jbuf_putc(b, '"');
}
