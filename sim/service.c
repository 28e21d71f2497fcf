/* service.c — see service.h. */
#include "service.h"

#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"
#include "runtime/term.h"
#include "world.h"

static rt_time_t service_handle(rt_t *rt, rt_pid_t self, void *state, const uint8_t *msg, uint32_t len)
{
    (void)self;
    sim_service_t *svc = state;
    int64_t tag = rt_term_field(msg, len, "tag");
    if (tag < 0) return 0;
    bool call = rt_term_is_str(msg + tag, len - (uint32_t)tag, "$gen_call");
    if (!call && !rt_term_is_str(msg + tag, len - (uint32_t)tag, "$gen_cast")) return 0;
    rt_c_charge(rt, load_dist_sample(&svc->work, &svc->rng)); /* the reply leaves after the work */
    if (!call) {
        svc->casts++;
        return 0;
    }
    svc->calls++;
    int64_t from = rt_term_field(msg, len, "from");
    if (from < 0) return 0;
    int64_t ref_at = rt_term_field(msg + from, len - (uint32_t)from, "ref");
    if (ref_at < 0) return 0;
    uint64_t ref = rt_term_id_at(msg + from + ref_at);
    if (!ref) return 0;
    jbuf_t *t = &svc->buf;
    if (!t->len) { /* {ref = ref, tag = "$reply", value = reply}: only ref changes from call to call */
        rt_tb_table(t, 0, 3);
        rt_tb_str(t, "ref");
        svc->ref_at = (uint32_t)t->len;
        rt_tb_id(t, ref);
        rt_tb_str(t, "tag");
        rt_tb_str(t, "$reply");
        rt_tb_str(t, "value");
        rt_tb_raw(t, svc->reply, svc->reply_len);
        SIM_ASSERT(!t->oom);
    } else {
        rt_tb_id_at((uint8_t *)t->p + svc->ref_at, ref);
    }
    rt_c_send(rt, ref, (const uint8_t *)t->p, (uint32_t)t->len);
    return 0;
}

rt_pid_t sim_service_start(struct sim_world *w, sim_service_t *svc)
{
    if (!rt_node_is_up(w->rt, svc->node) || rt_whereis(w->rt, svc->node, svc->name)) return 0;
    svc->pid = rt_spawn_c(w->rt, svc->node, service_handle, svc);
    if (rt_register_name(w->rt, svc->pid, svc->name) != 0) return 0;
    return svc->pid;
}
