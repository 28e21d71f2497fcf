/* name.c — registered names, one table per node (otp-semantics §1.6).
 *
 * A name is released the moment its process exits, before any EXIT or DOWN signal leaves, so a
 * supervisor restarting a child can register the name again at once. */
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "rt_int.h"

static void trace_name(rt_t *rt, const char *kind, const char *name, rt_pid_t pid)
{
    rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), kind);
    rt->plat.trace_str(rt->plat.ctx, "name", name, strlen(name));
    rt__trace_pid(rt, "pid", pid);
    rt->plat.trace_end(rt->plat.ctx);
}

/* Returns 0, -1 if the name is taken, -2 if the process already has a name. */
int rt__name_register(rt_t *rt, uint32_t node, const char *name, rt_proc_t *p)
{
    rt_node_t *n = &rt->nodes[node];
    if (strmap_get(&n->names, name, NULL)) return -1;
    if (p->name) return -2;
    SIM_ASSERT(strmap_put(&n->names, name, p->pid) == 0);
    p->name = strdup(name);
    SIM_ASSERT(p->name != NULL);
    trace_name(rt, "register", name, p->pid);
    return 0;
}

void rt__name_release(rt_t *rt, rt_proc_t *p)
{
    if (!p->name) return;
    strmap_del(&rt->nodes[p->node].names, p->name);
    trace_name(rt, "unregister", p->name, p->pid);
    free(p->name);
    p->name = NULL;
}

rt_pid_t rt_whereis(const rt_t *rt, uint32_t node, const char *name)
{
    uint64_t pid;
    if (node >= rt->nnodes || !strmap_get(&rt->nodes[node].names, name, &pid)) return 0;
    return pid;
}
