/* test_evq_model.c — proves the event queue against a trivially correct reference model under
 * random workloads: seeded mixes of pushes (zero delay, tiny, large, near the 64-bit limit, on
 * radix digit boundaries), cancels (single and storms of most pending events), peeks followed by
 * pushes below the peeked time, advances, and pops. After every operation the queue's length,
 * peek time, is_pending/cancel answers and popped (time, seq, arg) must equal the model's. Each
 * TCase runs a range of seeds, so the sequences are fixed and the test cannot flake. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/kernel/evq.h"

static void nop(void *c, uint64_t a){(void)c;(void)a;}
typedef struct { sim_time_t t; uint64_t seq; evq_id_t id; int alive; } R;
static uint64_t rs;
static uint64_t rnd(void){ rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
#define FAIL(...) ck_abort_msg(__VA_ARGS__)
static void run_model(uint64_t first, uint64_t last)
{
  for (uint64_t seed = first; seed <= last; seed++) {
    rs = seed * 0x9E3779B97F4A7C15ull + 1;
    evq_t q; evq_init(&q);
    int NOPS = 20000 + (int)(rnd() % 80000);
    R *r = calloc(NOPS, sizeof *r); int *pend = malloc(sizeof(int) * NOPS); int n = 0, np = 0;
    uint64_t seq = 0;
    int mode = rnd() % 6; /* delay distribution */
    int maxp = (int)(rnd() % 3 == 0 ? 50 : (rnd() % 2 ? 3000 : 20000));
    for (int op = 0; op < NOPS; op++) {
      uint64_t c = rnd() % 100;
      if (c < 45 && np < maxp) {
        sim_time_t now = evq_now(&q), d;
        uint64_t k = rnd() % 10;
        if (k < 2) d = 0;
        else if (mode == 0) d = rnd() % 50;
        else if (mode == 1) d = rnd() % 100000;
        else if (mode == 2) d = (rnd() % 4 == 0) ? (rnd() >> (rnd() % 64)) : rnd() % 300;
        else if (mode == 3) d = (rnd() % 3) * 64 + (rnd() % 2);
        else if (mode == 4) d = 100000 - now % 100000 + (rnd() % 3) * 100000;
        else d = (rnd() % 2) * 5000;
        if (d > SIM_TIME_MAX - 1 - now) d = SIM_TIME_MAX - 1 - now;
        sim_time_t at = now + d;
        r[n] = (R){ at, ++seq, evq_push(&q, at, nop, NULL, (uint64_t)n), 1 };
        if (!r[n].id) FAIL("push failed");
        pend[np++] = n++;
      } else if (c == 59 && rnd() % 50 == 0) {
        /* cancel storm: most of the pending events */
        for (int i = 0; i < np; ) { int v = pend[i]; if (rnd() % 10) { if (!evq_cancel(&q, r[v].id)) FAIL("storm"); r[v].alive = 0; pend[i] = pend[--np]; } else i++; }
      } else if (c < 60 && n > 0) {
        int v = (int)(rnd() % (uint64_t)n);
        if (evq_is_pending(&q, r[v].id) != r[v].alive) FAIL("is_pending");
        if (evq_cancel(&q, r[v].id) != r[v].alive) FAIL("cancel");
        if (r[v].alive) { r[v].alive = 0; for (int i = 0; i < np; i++) if (pend[i] == v) { pend[i] = pend[--np]; break; } }
      } else {
        int best = -1, bi = -1;
        for (int i = 0; i < np; i++) { int x = pend[i]; if (best < 0 || r[x].t < r[best].t || (r[x].t == r[best].t && r[x].seq < r[best].seq)) { best = x; bi = i; } }
        if (evq_len(&q) != (size_t)np) FAIL("len %zu vs %d", evq_len(&q), np);
        sim_time_t pk = evq_peek_time(&q);
        if (pk != (best < 0 ? SIM_TIME_MAX : r[best].t)) FAIL("peek %llu want %llu", (unsigned long long)pk, (unsigned long long)(best < 0 ? SIM_TIME_MAX : r[best].t));
        if (c < 70 && best >= 0) {
          /* advance somewhere between now and the peek */
          sim_time_t now = evq_now(&q);
          sim_time_t t = now + (pk - now ? rnd() % (pk - now + 1) : 0);
          evq_advance(&q, t);
          if (evq_now(&q) != t) FAIL("advance");
          continue;
        }
        if (c < 75) continue; /* peek only, next op may push below */
        evq_event_t e;
        bool ok = evq_pop(&q, &e);
        if (best < 0) { if (ok) FAIL("pop from empty"); continue; }
        if (!ok) FAIL("pop empty");
        if (e.arg != (uint64_t)best || e.time != r[best].t || e.seq != r[best].seq) FAIL("seed %llu: pop got arg %llu seq %llu, want %d seq %llu", (unsigned long long)seed, (unsigned long long)e.arg, (unsigned long long)e.seq, best, (unsigned long long)r[best].seq);
        r[best].alive = 0; pend[bi] = pend[--np];
      }
    }
    /* drain */
    while (np > 0) {
      int best = -1, bi = -1;
      for (int i = 0; i < np; i++) { int x = pend[i]; if (best < 0 || r[x].t < r[best].t || (r[x].t == r[best].t && r[x].seq < r[best].seq)) { best = x; bi = i; } }
      evq_event_t e;
      if (!evq_pop(&q, &e) || e.arg != (uint64_t)best) FAIL("drain");
      pend[bi] = pend[--np];
    }
    { evq_event_t e; if (evq_pop(&q, &e) || evq_len(&q)) FAIL("not empty"); }
    evq_deinit(&q); free(r); free(pend);
  }
}

START_TEST(model_seeds_1_40) { run_model(1, 40); }
END_TEST

START_TEST(model_seeds_41_80) { run_model(41, 80); }
END_TEST

extern Suite *suite_evq_model(void);
Suite *suite_evq_model(void)
{
    Suite *s = suite_create("evq_model");
    TCase *tc = tcase_create("model_seeds_1_40");
    tcase_add_test(tc, model_seeds_1_40);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    tc = tcase_create("model_seeds_41_80");
    tcase_add_test(tc, model_seeds_41_80);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
