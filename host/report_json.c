/* report_json.c — a small JSON reader for the report: run results (`--json`), plan.json and
 * summary.json (a baseline) — documents otpsim itself wrote.
 *
 * A recursive-descent parser into a tree of rj_t; objects keep their keys in document order
 * (the report iterates loads, nodes and checks in the order a run listed them). Numbers keep
 * their source text, so a parameter prints exactly as the run wrote it. Nesting is limited to
 * 64 levels; malformed input gives NULL and a message with the byte offset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

typedef struct rj_parser {
    const char *s;
    size_t len, pos;
    int depth;
    char *err;
    size_t errlen;
} rj_parser_t;

static rj_t *rj_new(rj_type_t t)
{
    rj_t *v = calloc(1, sizeof *v);
    if (v) v->type = t;
    return v;
}

void rj_free(rj_t *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        rj_free(v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

static void fail(rj_parser_t *p, const char *what)
{
    if (p->err && !p->err[0]) snprintf(p->err, p->errlen, "%s at byte %zu", what, p->pos);
}

static void skip_ws(rj_parser_t *p)
{
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos]) p->pos++;
}

static int push_item(rj_t *v, char *key, rj_t *item)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        rj_t **items = realloc(v->items, cap * sizeof *items);
        if (!items) return -1;
        v->items = items;
        if (v->type == RJ_OBJ) {
            char **keys = realloc(v->keys, cap * sizeof *keys);
            if (!keys) return -1;
            v->keys = keys;
        }
        v->cap = cap;
    }
    if (v->type == RJ_OBJ) v->keys[v->n] = key;
    v->items[v->n++] = item;
    return 0;
}

static void put_utf8(char *out, size_t *o, unsigned cp)
{
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xC0 | (cp >> 6));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*o)++] = (char)(0xE0 | (cp >> 12));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*o)++] = (char)(0xF0 | (cp >> 18));
        out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(rj_parser_t *p, unsigned *out)
{
    if (p->pos + 4 > p->len) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* Parses a string at p->pos (the opening quote); returns a NUL-terminated copy. */
static char *parse_string(rj_parser_t *p, size_t *lenp)
{
    p->pos++; /* the quote */
    size_t start = p->pos, cap = 16;
    while (p->pos < p->len && p->s[p->pos] != '"') {
        if (p->s[p->pos] == '\\') p->pos++;
        p->pos++;
    }
    if (p->pos >= p->len) {
        fail(p, "unterminated string");
        return NULL;
    }
    cap += p->pos - start;
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t o = 0;
    p->pos = start;
    while (p->s[p->pos] != '"') {
        char c = p->s[p->pos++];
        if (c != '\\') {
            out[o++] = c;
            continue;
        }
        char e = p->s[p->pos++];
        switch (e) {
        case 'n': out[o++] = '\n'; break;
        case 't': out[o++] = '\t'; break;
        case 'r': out[o++] = '\r'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'u': {
            unsigned cp;
            if (hex4(p, &cp) != 0) {
                free(out);
                fail(p, "bad \\u escape");
                return NULL;
            }
            if (cp >= 0xD800 && cp < 0xDC00 && p->pos + 6 <= p->len && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
                unsigned lo;
                p->pos += 2;
                if (hex4(p, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else cp = 0xFFFD;
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            put_utf8(out, &o, cp);
            break;
        }
        default: out[o++] = e; break; /* \" \\ \/ */
        }
    }
    p->pos++;
    out[o] = 0;
    if (lenp) *lenp = o;
    return out;
}

static rj_t *parse_value(rj_parser_t *p)
{
    skip_ws(p);
    if (p->pos >= p->len) {
        fail(p, "unexpected end");
        return NULL;
    }
    if (++p->depth > 64) {
        fail(p, "nested too deeply");
        return NULL;
    }
    char c = p->s[p->pos];
    rj_t *v = NULL;
    if (c == '{' || c == '[') {
        v = rj_new(c == '{' ? RJ_OBJ : RJ_ARR);
        if (!v) return NULL;
        p->pos++;
        skip_ws(p);
        char close = c == '{' ? '}' : ']';
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
        } else {
            for (;;) {
                char *key = NULL;
                if (v->type == RJ_OBJ) {
                    skip_ws(p);
                    if (p->pos >= p->len || p->s[p->pos] != '"') {
                        fail(p, "expected a key");
                        goto bad;
                    }
                    key = parse_string(p, NULL);
                    if (!key) goto bad;
                    skip_ws(p);
                    if (p->pos >= p->len || p->s[p->pos] != ':') {
                        free(key);
                        fail(p, "expected ':'");
                        goto bad;
                    }
                    p->pos++;
                }
                rj_t *item = parse_value(p);
                if (!item || push_item(v, key, item) != 0) {
                    free(key);
                    rj_free(item);
                    goto bad;
                }
                skip_ws(p);
                if (p->pos < p->len && p->s[p->pos] == ',') {
                    p->pos++;
                    continue;
                }
                if (p->pos < p->len && p->s[p->pos] == close) {
                    p->pos++;
                    break;
                }
                fail(p, "expected ',' or a closing bracket");
                goto bad;
            }
        }
    } else if (c == '"') {
        v = rj_new(RJ_STR);
        if (!v) return NULL;
        v->str = parse_string(p, &v->len);
        if (!v->str) goto bad;
    } else if (c == 't' && p->len - p->pos >= 4 && memcmp(p->s + p->pos, "true", 4) == 0) {
        v = rj_new(RJ_BOOL);
        if (v) v->b = true;
        p->pos += 4;
    } else if (c == 'f' && p->len - p->pos >= 5 && memcmp(p->s + p->pos, "false", 5) == 0) {
        v = rj_new(RJ_BOOL);
        p->pos += 5;
    } else if (c == 'n' && p->len - p->pos >= 4 && memcmp(p->s + p->pos, "null", 4) == 0) {
        v = rj_new(RJ_NULL);
        p->pos += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        size_t start = p->pos;
        while (p->pos < p->len && strchr("+-0123456789.eE", p->s[p->pos]) && p->s[p->pos]) p->pos++;
        v = rj_new(RJ_NUM);
        if (!v) return NULL;
        v->str = strndup(p->s + start, p->pos - start);
        if (!v->str) goto bad;
        v->len = p->pos - start;
        char *end;
        v->num = strtod(v->str, &end);
        if (*end) {
            fail(p, "bad number");
            goto bad;
        }
    } else {
        fail(p, "unexpected character");
        return NULL;
    }
    p->depth--;
    return v;
bad:
    rj_free(v);
    return NULL;
}

rj_t *rj_parse(const char *text, size_t len, char *err, size_t errlen)
{
    rj_parser_t p = { text, len, 0, 0, err, errlen };
    if (err && errlen) err[0] = 0;
    rj_t *v = parse_value(&p);
    if (v) {
        skip_ws(&p);
        if (p.pos != p.len) {
            fail(&p, "trailing text");
            rj_free(v);
            return NULL;
        }
    } else {
        fail(&p, "out of memory");
    }
    return v;
}

rj_t *rj_parse_file(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = rp_read_file(path, &len);
    if (!text) {
        if (err) snprintf(err, errlen, "cannot read %s", path);
        return NULL;
    }
    rj_t *v = rj_parse(text, len, err, errlen);
    free(text);
    return v;
}

const rj_t *rj_get(const rj_t *obj, const char *key)
{
    if (!obj || obj->type != RJ_OBJ) return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0) return obj->items[i];
    return NULL;
}

double rj_num(const rj_t *v, double def)
{
    if (!v) return def;
    if (v->type == RJ_NUM) return v->num;
    if (v->type == RJ_BOOL) return v->b ? 1 : 0;
    return def;
}

const char *rj_str(const rj_t *v, const char *def)
{
    if (!v || (v->type != RJ_STR && v->type != RJ_NUM)) return def;
    return v->str;
}
