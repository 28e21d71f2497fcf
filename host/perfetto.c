/* perfetto.c — Chrome trace-event JSON from the trace (see perfetto.h).
 *
 * Mapping: each node is a process (pid = its index + 1, named after the node), each Erlang
 * process a thread (tid = its serial, named "<n.s.0>"); a process's life is a slice from its
 * spawn to its exit; every trace event is an instant event on the thread of the process it
 * names (field pid, else from) with its fields as args; faults are global instant events and a
 * "faults" track; scenario-level events (timers, prints, checks) are on pid 0, "scenario".
 * Timestamps are virtual microseconds. */
#include "perfetto.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic_file.h"

#include "base/jbuf.h"
#include "runtime/rt.h"

struct host_perfetto {
    jbuf_t out;          /* the traceEvents array's elements */
    jbuf_t args;         /* the current event's fields as JSON members */
    char kind[32];
    sim_time_t t;
    uint64_t ev;
    char who[64];        /* the pid string the event is about */
    char node[64];
    bool first;
    char **nodes;        /* node names in definition order */
    size_t nnodes;
};

host_perfetto_t *host_perfetto_new(void)
{
    host_perfetto_t *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    jbuf_init(&p->out);
    jbuf_init(&p->args);
    p->first = true;
    jbuf_puts(&p->out, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":0,\"tid\":0,\"args\":{\"name\":\"scenario\"}}");
    return p;
}

void host_perfetto_begin(host_perfetto_t *p, uint64_t ev, sim_time_t t, const char *kind)
{
    if (!p) return;
    snprintf(p->kind, sizeof p->kind, "%s", kind);
    p->t = t;
    p->ev = ev;
    p->who[0] = p->node[0] = 0;
    jbuf_reset(&p->args);
    jbuf_printf(&p->args, "\"ev\":%" PRIu64, ev);
}

void host_perfetto_field(host_perfetto_t *p, const trace_field_t *f)
{
    if (!p) return;
    jbuf_putc(&p->args, ',');
    jbuf_json_str(&p->args, f->key, strlen(f->key));
    jbuf_putc(&p->args, ':');
    char idbuf[64];
    const char *sdata = f->data;
    size_t sn = f->n;
    char type = f->type;
    if (type == 'B' && f->n == 8) { /* a pid or ref id, 8 bytes little-endian */
        const unsigned char *b = f->data;
        uint64_t id = 0;
        for (int i = 7; i >= 0; i--) id = id << 8 | b[i];
        if (rt_id_format(id, idbuf, sizeof idbuf) > 0) {
            sdata = idbuf;
            sn = strlen(idbuf);
            type = 's';
        }
    }
    switch (type) {
    case 'u': jbuf_printf(&p->args, "%" PRIu64, f->u); break;
    case 'i': jbuf_printf(&p->args, "%" PRId64, (int64_t)f->u); break;
    case 'b': jbuf_puts(&p->args, f->u ? "true" : "false"); break;
    case 'j': jbuf_put(&p->args, f->data, f->n); break;
    case 's': jbuf_json_str(&p->args, sdata, sn); break;
    default: jbuf_puts(&p->args, "null"); break;
    }
    if (type == 's' && sn < sizeof p->who) {
        if (strcmp(f->key, "pid") == 0 || (strcmp(f->key, "from") == 0 && !p->who[0])) {
            memcpy(p->who, sdata, sn);
            p->who[sn] = 0;
        } else if (strcmp(f->key, "node") == 0 && sn < sizeof p->node) {
            memcpy(p->node, sdata, sn);
            p->node[sn] = 0;
        }
    }
}

/* "<1.12.0>" -> node index 1, serial 12; false if not a pid */
static bool parse_pid(const char *s, unsigned long *node, unsigned long *serial)
{
    return sscanf(s, "<%lu.%lu.", node, serial) == 2;
}

static void emit(host_perfetto_t *p, const char *fmt_ph, unsigned long pid, unsigned long tid, const char *name,
                 bool with_args, const char *extra)
{
    jbuf_puts(&p->out, ",\n{\"ph\":\"");
    jbuf_puts(&p->out, fmt_ph);
    jbuf_puts(&p->out, "\",\"name\":");
    jbuf_json_str(&p->out, name, strlen(name));
    jbuf_printf(&p->out, ",\"ts\":%" PRIu64 ".%03u,\"pid\":%lu,\"tid\":%lu", p->t / 1000, (unsigned)(p->t % 1000), pid, tid);
    if (extra) jbuf_puts(&p->out, extra);
    if (with_args) {
        jbuf_puts(&p->out, ",\"args\":{");
        jbuf_put(&p->out, p->args.p, p->args.len);
        jbuf_putc(&p->out, '}');
    }
    jbuf_putc(&p->out, '}');
}

void host_perfetto_end(host_perfetto_t *p)
{
    if (!p) return;
    unsigned long node = 0, serial = 0;
    bool is_proc = p->who[0] && parse_pid(p->who, &node, &serial);
    unsigned long pid = is_proc ? node + 1 : 0, tid = is_proc ? serial : 0;
    if (strcmp(p->kind, "node") == 0 && p->node[0]) {
        char **n = realloc(p->nodes, (p->nnodes + 1) * sizeof *n);
        if (n) {
            p->nodes = n;
            p->nodes[p->nnodes++] = strdup(p->node);
            jbuf_printf(&p->out, ",\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%zu,\"tid\":0,\"args\":{\"name\":", p->nnodes);
            jbuf_json_str(&p->out, p->node, strlen(p->node));
            jbuf_puts(&p->out, "}}");
        }
    }
    if (strcmp(p->kind, "spawn") == 0 && is_proc) {
        jbuf_printf(&p->out, ",\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%lu,\"tid\":%lu,\"args\":{\"name\":", pid, tid);
        jbuf_json_str(&p->out, p->who, strlen(p->who));
        jbuf_puts(&p->out, "}}");
        emit(p, "B", pid, tid, p->who, true, NULL);
        return;
    }
    if (strcmp(p->kind, "exit") == 0 && is_proc) {
        emit(p, "i", pid, tid, "exit", true, ",\"s\":\"t\"");
        emit(p, "E", pid, tid, p->who, false, NULL);
        return;
    }
    if (strcmp(p->kind, "fault") == 0 || strcmp(p->kind, "node_down") == 0 || strcmp(p->kind, "node_up") == 0) {
        emit(p, "i", 0, 0, p->kind, true, ",\"s\":\"g\"");
        return;
    }
    emit(p, "i", pid, tid, p->kind, true, ",\"s\":\"t\"");
}

int host_perfetto_write(host_perfetto_t *p, const char *path)
{
    if (!p) return -1;
    atomic_file_t a;
    FILE *f = atomic_file_open(&a, path);
    bool ok = f != NULL && !p->out.oom;
    if (ok) {
        ok = fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"otpsim " OTPSIM_VERSION
                   "\",\"time\":\"virtual\"},\"traceEvents\":[\n", f) >= 0;
        ok = ok && fwrite(p->out.p, 1, p->out.len, f) == p->out.len;
        ok = ok && fputs("\n]}\n", f) >= 0;
    }
    if (f && atomic_file_close(&a, ok) == 0 && ok) return 0;
    fprintf(stderr, "otpsim: cannot write %s: %s\n", path, strerror(errno));
    return -1;
}

void host_perfetto_free(host_perfetto_t *p)
{
    if (!p) return;
    jbuf_deinit(&p->out);
    jbuf_deinit(&p->args);
    for (size_t i = 0; i < p->nnodes; i++) free(p->nodes[i]);
    free(p->nodes);
    free(p);
}
