/* timer.c — runtime timers: receive timeouts, otp.send_after, delayed readiness of spawns.
 *
 * Each timer is a platform timer whose cookie is the timer's id (a ref, which is also what
 * otp.send_after returns). A send_after timer to a pid that has exited still fires, and its
 * message is dropped (OTP cancels it at once: docs/otp-differences.md); one to a name looks the
 * name up when it fires. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "rt_int.h"
#include "term.h"

static rt_timer_t *timer_get(rt_t *rt, uint64_t id)
{
    uint64_t v;
    return u64map_get(&rt->timers, id, &v) ? (rt_timer_t *)(uintptr_t)v : NULL;
}

static void timer_free(rt_t *rt, uint64_t id, rt_timer_t *t)
{
    u64map_del(&rt->timers, id);
    if (t->msg) rt_msg_free(rt, t->msg);
    free(t->dest_name);
    free(t);
}

static uint64_t timer_add(rt_t *rt, rt_timer_t *t, uint32_t node)
{
    uint64_t id = rt__make_ref(rt, node);
    SIM_ASSERT(u64map_put(&rt->timers, id, (uint64_t)(uintptr_t)t) == 0);
    t->handle = rt->plat.timer_start(rt->plat.ctx, t->at, id);
    return id;
}

uint64_t rt__timer_recv_start(rt_t *rt, rt_proc_t *p, rt_time_t at)
{
    rt_timer_t *t = calloc(1, sizeof *t);
    SIM_ASSERT(t != NULL);
    t->kind = RT_T_RECV;
    t->owner = p->pid;
    t->at = at;
    return timer_add(rt, t, p->node);
}

uint64_t rt__timer_send_start(rt_t *rt, rt_proc_t *owner, rt_time_t at, uint64_t dest, const char *dest_name,
                              uint32_t dest_node, rt_msg_t *msg)
{
    rt_timer_t *t = calloc(1, sizeof *t);
    SIM_ASSERT(t != NULL);
    t->kind = RT_T_SEND;
    t->owner = owner ? owner->pid : 0;
    t->dest = dest;
    t->dest_node = dest_node;
    if (dest_name) {
        t->dest_name = strdup(dest_name);
        SIM_ASSERT(t->dest_name != NULL);
    }
    t->msg = msg;
    t->at = at;
    return timer_add(rt, t, owner ? owner->node : dest_node);
}

/* Halts `node` at the current (slice-local) time, outside any slice. */
void rt__halt_later(rt_t *rt, uint32_t node, const char *why)
{
    rt_timer_t *t = calloc(1, sizeof *t);
    SIM_ASSERT(t != NULL);
    t->kind = RT_T_HALT;
    t->dest_node = node;
    t->dest_name = strdup(why);
    SIM_ASSERT(t->dest_name != NULL);
    t->at = rt__now(rt);
    timer_add(rt, t, node);
}

/* Cancels; returns the time left in ns (0 if it fires now), or -1 if no such timer. */
int64_t rt__timer_cancel_left(rt_t *rt, uint64_t id)
{
    rt_timer_t *t = timer_get(rt, id);
    if (!t) return -1;
    rt_time_t now = rt__now(rt);
    int64_t left = t->at > now ? (int64_t)(t->at - now) : 0;
    rt->plat.timer_cancel(rt->plat.ctx, t->handle);
    timer_free(rt, id, t);
    return left;
}

void rt__timer_cancel(rt_t *rt, uint64_t id) { (void)rt__timer_cancel_left(rt, id); }

void rt_timer_fire(rt_t *rt, uint64_t id)
{
    rt_timer_t *t = timer_get(rt, id);
    if (!t) return;
    switch (t->kind) {
    case RT_T_RECV: {
        rt_proc_t *p = rt__proc_get(rt, t->owner);
        timer_free(rt, id, t);
        if (!p || p->recv_timer != id) return;
        p->recv_timer = 0;
        p->timed_out = true;
        rt__proc_wake(rt, p);
        return;
    }
    case RT_T_HALT: {
        uint32_t node = t->dest_node;
        char why[128];
        snprintf(why, sizeof why, "%s", t->dest_name ? t->dest_name : "halt");
        timer_free(rt, id, t);
        if (rt->plat.halt) rt->plat.halt(rt->plat.ctx, node, why);
        else rt_node_down(rt, node, why);
        return;
    }
    case RT_T_READY: {
        rt_proc_t *p = rt__proc_get(rt, t->owner);
        timer_free(rt, id, t);
        if (p) rt->plat.ready(rt->plat.ctx, p);
        return;
    }
    case RT_T_SEND: {
        rt_msg_t *m = t->msg;
        t->msg = NULL;
        uint64_t dest = t->dest;
        if (t->dest_name) dest = rt_whereis(rt, t->dest_node, t->dest_name);
        rt->plat.trace_begin(rt->plat.ctx, rt__now(rt), "timer");
        rt__trace_pid(rt, "tref", id);
        if (t->owner) rt__trace_pid(rt, "pid", t->owner);
        rt->plat.trace_end(rt->plat.ctx);
        timer_free(rt, id, t);
        if (!dest) {
            rt_msg_free(rt, m);
            return;
        }
        m->to = dest;
        rt__post(rt, m);
        return;
    }
    }
}
