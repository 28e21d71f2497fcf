/* test_viz.c — the live view (viz/): it observes, never steers, and its frames show the run.
 *
 * Proves: PNG frames decode to the pixels drawn; typed times parse; the model puts a restarted
 * child in its predecessor's place with its restart count, and reads spawns, supervisor reports
 * and crash reasons from the kernel's trace observer, and gives each process its application (the
 * master's tree when the application starts, then whatever they spawn, nothing outside; the
 * layout's application filter keeps only those); the layout is deterministic, keeps node
 * boxes apart, and stays bounded (a supervisor with 10,000 children costs a screenful of items,
 * the rest counted in a group); drawing a small fixed world puts the documented colours at the
 * landmarks (a node's header, a dead node's grey, the cut-link marker, the restart badge) and
 * not where they do not belong; and whole runs of tests/viz/partition_restart.lua — headless
 * (--viz-record), live under Xvfb (--viz), and in-process with scripted controls (pause, step
 * one event, step a slice, speed, jump, click, filter, zoom, close) or real key and mouse events
 * in a window — have the same trace-hash as the run without a view, with the inspector open on a
 * gen_server (its sys state read every frame) while the run goes on, and their frames show the
 * three nodes, the cut links and the restarted worker; and tests/viz/apps.lua, run in-process,
 * filtered by each application in turn (only that application's processes are laid out) and with
 * a worker inspected (its sys state {hits = 5, ...}), has the same trace-hash as without a view. */
#include <SDL.h>
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/scenario.h"
#include "runtime/term.h"
#include "sim/kernel/trace.h"
#include "tests/testutil.h"
#include "viz/draw.h"
#include "viz/layout.h"
#include "viz/model.h"
#include "viz/png.h"
#include "viz/viz.h"

extern Suite *suite_viz(void);

#define SCEN "tests/viz/partition_restart.lua"
#define W 1280
#define H 720

static rt_pid_t pid(uint32_t node, uint64_t serial) { return rt_id_make(RT_ID_PID, node, serial); }

/* ---- pixels --------------------------------------------------------------------------------- */
typedef struct img { uint8_t *rgb; int w, h; } img_t;

static unsigned px_rgb(const img_t *im, int x, int y)
{
    if (x < 0 || y < 0 || x >= im->w || y >= im->h) return 0xffffffffu;
    const uint8_t *p = im->rgb + ((size_t)y * (size_t)im->w + (size_t)x) * 3;
    return (unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2];
}

/* Pixels of exactly colour c in the rectangle. */
static int count_color(const img_t *im, float x, float y, float w, float h, unsigned c)
{
    int n = 0;
    for (int yy = (int)y; yy < (int)(y + h); yy++)
        for (int xx = (int)x; xx < (int)(x + w); xx++) n += px_rgb(im, xx, yy) == c;
    return n;
}

static img_t img_from_surface(SDL_Surface *s)
{
    img_t im = { malloc((size_t)s->w * (size_t)s->h * 3), s->w, s->h };
    ck_assert_ptr_nonnull(im.rgb);
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            const uint8_t *p = (const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch + (size_t)x * 4;
            uint8_t *o = im.rgb + ((size_t)y * (size_t)s->w + (size_t)x) * 3;
            o[0] = p[2], o[1] = p[1], o[2] = p[0];
        }
    return im;
}

static img_t img_load(const char *path)
{
    img_t im = { NULL, 0, 0 };
    im.rgb = viz_png_read(path, &im.w, &im.h);
    ck_assert_msg(im.rgb != NULL, "cannot read %s", path);
    return im;
}

/* The node boxes of a frame of the 3-node test scenario (no filter, no zoom, no panel). */
static void scenario_layout(viz_layout_t *l, viz_model_t *m)
{
    viz_model_init(m);
    viz_model_node_add(m, "a", 2);
    viz_model_node_add(m, "b", 2);
    viz_model_node_add(m, "c", 1);
    viz_layout_init(l);
    viz_view_t v = VIZ_VIEW_DEFAULT;
    viz_layout_compute(l, m, &v, W, H);
}

/* The landmarks of partition_restart.lua at 2 s: three node headers, the links a-c and b-c cut
 * (a-b not), and a restarted process (its green badge) in a's box. */
static void check_landmarks(const img_t *im, bool partitioned)
{
    viz_model_t *m = calloc(1, sizeof *m);
    viz_layout_t l;
    scenario_layout(&l, m);
    ck_assert_int_eq(im->w, W);
    ck_assert_int_eq(im->h, H);
    for (uint32_t i = 0; i < 3; i++) { /* the header's right end: no text there */
        const viz_rect_t *b = &l.box[i];
        ck_assert_msg(count_color(im, b->x + b->w - 40, b->y + 2, 30, 14, VIZ_C_HEADER) > 300, "node %u header", i);
        ck_assert_msg(count_color(im, b->x + b->w / 2, b->y + b->h / 2 - 10, 20, 20, VIZ_C_BOX) > 300, "node %u box", i);
    }
    float mx, my;
    ck_assert(viz_draw_link_mid(&l, 0, 2, &mx, &my));
    int cut_ac = count_color(im, mx - 9, my - 9, 18, 18, VIZ_C_CUT);
    ck_assert(viz_draw_link_mid(&l, 1, 2, &mx, &my));
    int cut_bc = count_color(im, mx - 9, my - 9, 18, 18, VIZ_C_CUT);
    ck_assert(viz_draw_link_mid(&l, 0, 1, &mx, &my));
    int cut_ab = count_color(im, mx - 9, my - 9, 18, 18, VIZ_C_CUT);
    if (partitioned) {
        ck_assert_msg(cut_ac > 150 && cut_bc > 150, "cut markers a-c %d b-c %d", cut_ac, cut_bc);
    } else {
        ck_assert_msg(cut_ac < 20 && cut_bc < 20, "no cut yet: a-c %d b-c %d", cut_ac, cut_bc);
    }
    ck_assert_msg(cut_ab < 20, "a-b is not cut: %d", cut_ab);
    const viz_rect_t *a = &l.box[0];
    int badge = count_color(im, a->x, a->y + VIZ_HEADER_H, a->w, a->h - VIZ_HEADER_H, VIZ_C_RESTART);
    ck_assert_msg(partitioned ? badge > 40 : badge < 5, "restart badge pixels in a: %d", badge);
    viz_layout_deinit(&l);
    viz_model_deinit(m);
    free(m);
}

/* ---- units ---------------------------------------------------------------------------------- */
START_TEST(test_png_roundtrip)
{
    int w = 37, h = 23;
    uint8_t *px = malloc((size_t)w * h * 4);
    for (int i = 0; i < w * h; i++) {
        px[4 * i] = (uint8_t)(i * 7), px[4 * i + 1] = (uint8_t)(i * 13), px[4 * i + 2] = (uint8_t)(i / 3), px[4 * i + 3] = 255;
    }
    char *dir = tu_write_file("x", "");
    char path[256];
    snprintf(path, sizeof path, "%s.png", dir);
    ck_assert_int_eq(viz_png_write(path, px, w, h, w * 4), 0);
    int rw, rh;
    uint8_t *rgb = viz_png_read(path, &rw, &rh);
    ck_assert_ptr_nonnull(rgb);
    ck_assert_int_eq(rw, w);
    ck_assert_int_eq(rh, h);
    for (int i = 0; i < w * h; i++) {
        ck_assert_int_eq(rgb[3 * i], px[4 * i + 2]);
        ck_assert_int_eq(rgb[3 * i + 1], px[4 * i + 1]);
        ck_assert_int_eq(rgb[3 * i + 2], px[4 * i]);
    }
    free(rgb);
    free(px);
    free(dir);
}
END_TEST

START_TEST(test_parse_time)
{
    sim_time_t t;
    ck_assert_int_eq(viz_parse_time("30s", &t), 0);
    ck_assert_uint_eq(t, 30 * SIM_TIME_S);
    ck_assert_int_eq(viz_parse_time("1m30s", &t), 0);
    ck_assert_uint_eq(t, 90 * SIM_TIME_S);
    ck_assert_int_eq(viz_parse_time("1500ms", &t), 0);
    ck_assert_uint_eq(t, 1500 * SIM_TIME_MS);
    ck_assert_int_eq(viz_parse_time("2.5", &t), 0);
    ck_assert_uint_eq(t, 2500 * SIM_TIME_MS);
    ck_assert_int_eq(viz_parse_time("1h", &t), 0);
    ck_assert_uint_eq(t, 3600 * SIM_TIME_S);
    ck_assert_int_eq(viz_parse_time("soon", &t), -1);
    ck_assert_int_eq(viz_parse_time("", &t), -1);
    ck_assert_int_eq(viz_parse_time("3x", &t), -1);
}
END_TEST

/* A supervisor with three children on node 0; w2 crashes and is restarted. */
static void tree_world(viz_model_t *m, rt_pid_t *w2b)
{
    viz_model_node_add(m, "a", 2);
    viz_model_node_add(m, "b", 2);
    viz_model_node_add(m, "c", 1);
    rt_pid_t sup = pid(0, 10);
    viz_model_spawn(m, 0, sup, 0);
    viz_model_register(m, sup, "top");
    for (int i = 1; i <= 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "w%d", i);
        viz_model_spawn(m, 0, pid(0, 10 + (uint64_t)i), sup);
        viz_model_child_started(m, 0, sup, id, pid(0, 10 + (uint64_t)i));
    }
    viz_model_exit(m, SIM_TIME_S, pid(0, 12), true, "killed");
    *w2b = pid(0, 20);
    viz_model_spawn(m, SIM_TIME_S, *w2b, sup);
    viz_model_child_started(m, SIM_TIME_S, sup, "w2", *w2b);
}

START_TEST(test_model_restart_in_place)
{
    viz_model_t *m = calloc(1, sizeof *m);
    viz_model_init(m);
    rt_pid_t w2b;
    tree_world(m, &w2b);
    viz_proc_t *sup = viz_model_proc(m, pid(0, 10));
    ck_assert_ptr_nonnull(sup);
    ck_assert(sup->flags & VIZ_P_SUP);
    ck_assert_uint_eq(sup->nchildren, 3);
    ck_assert_ptr_null(viz_model_proc(m, pid(0, 12))); /* the crashed pid's ghost gave way */
    const char *order[] = { "w1", "w2", "w3" };
    int i = 0;
    for (uint32_t c = sup->first_child; c; c = viz_model_slot(m, c)->next, i++)
        ck_assert_str_eq(viz_model_slot(m, c)->label, order[i]);
    ck_assert_int_eq(i, 3);
    viz_proc_t *p = viz_model_proc(m, w2b);
    ck_assert_uint_eq(p->restarts, 1);
    ck_assert_uint_eq(m->restarts, 1);
    ck_assert_uint_eq(m->crashes, 1);
    ck_assert_uint_eq(m->nodes[0].in_tree, 4);
    /* a crash without a restart leaves a ghost in place, reaped after the flash */
    viz_model_exit(m, 2 * SIM_TIME_S, pid(0, 13), true, "boom");
    p = viz_model_proc(m, pid(0, 13));
    ck_assert_ptr_nonnull(p);
    ck_assert(p->flags & VIZ_P_DEAD);
    ck_assert_uint_eq(m->nodes[0].in_tree, 3);
    for (uint32_t f = 0; f < m->flash_frames + 2; f++) viz_model_sample(m, NULL, 2 * SIM_TIME_S);
    ck_assert_ptr_null(viz_model_proc(m, pid(0, 13)));
    ck_assert_uint_eq(sup->nchildren, 2);
    const viz_ticker_t *k = viz_model_ticker_at(m, 0);
    ck_assert_ptr_nonnull(k);
    ck_assert_msg(strstr(k->text, "crash") && strstr(k->text, "boom"), "%s", k->text);
    viz_model_deinit(m);
    free(m);
}
END_TEST

START_TEST(test_model_from_trace)
{
    viz_model_t *m = calloc(1, sizeof *m);
    viz_model_init(m);
    trace_t t;
    ck_assert_int_eq(trace_init(&t, NULL), 0);
    trace_observer_set(&t, viz_model_trace_observer(m, NULL));
    uint64_t hash_with;
    for (int round = 0; round < 2; round++) {
        const char *names[] = { "a", "b" };
        for (int i = 0; i < 2; i++) {
            trace_begin(&t, 0, "node");
            trace_str(&t, "node", names[i]);
            trace_u64(&t, "cores", 2);
            trace_end(&t);
        }
        rt_pid_t ids[3] = { pid(0, 1), pid(0, 2), pid(1, 3) };
        for (int i = 0; i < 3; i++) {
            trace_begin(&t, 0, "spawn");
            trace_str(&t, "node", names[rt_id_node(ids[i])]);
            trace_blob(&t, "pid", &ids[i], 8, NULL, NULL);
            trace_end(&t);
        }
        trace_begin(&t, 5, "supervisor");
        trace_blob(&t, "pid", &ids[0], 8, NULL, NULL);
        trace_str(&t, "report", "child_started");
        trace_str(&t, "supervisor", "top");
        trace_str(&t, "child", "worker");
        trace_str(&t, "child_pid", "<0.2.0>");
        trace_str(&t, "reason", "");
        trace_end(&t);
        trace_begin(&t, 6, "send");
        trace_blob(&t, "from", &ids[1], 8, NULL, NULL);
        trace_blob(&t, "to", &ids[2], 8, NULL, NULL);
        trace_end(&t);
        jbuf_t reason;
        jbuf_init(&reason);
        rt_tb_str(&reason, "killed");
        trace_begin(&t, 7, "exit");
        trace_blob(&t, "pid", &ids[1], 8, NULL, NULL);
        trace_blob(&t, "reason", reason.p, reason.len, NULL, NULL);
        trace_end(&t);
        jbuf_deinit(&reason);
        if (round == 0) {
            hash_with = trace_hash(&t);
            trace_observer_set(&t, NULL);
            trace_abandon(&t);
            ck_assert_int_eq(trace_init(&t, NULL), 0); /* the same events, unobserved */
        }
    }
    ck_assert_uint_eq(hash_with, trace_hash(&t)); /* observing leaves the hash alone */
    trace_abandon(&t);
    ck_assert_uint_eq(m->nnodes, 2);
    ck_assert_str_eq(m->nodes[1].name, "b");
    viz_proc_t *sup = viz_model_proc(m, pid(0, 1));
    ck_assert(sup && (sup->flags & VIZ_P_SUP) && sup->nchildren == 1);
    viz_proc_t *w = viz_model_slot(m, sup->first_child);
    ck_assert(w->flags & VIZ_P_DEAD);                 /* the crashed worker, a ghost in place */
    ck_assert(w->flags & VIZ_P_CRASHED);
    ck_assert_str_eq(w->label, "worker");
    ck_assert_uint_eq(viz_model_pair(m, 0, 1)->sends_ab, 1);
    ck_assert_uint_eq(m->crashes, 1);
    viz_model_deinit(m);
    free(m);
}
END_TEST

/* The items laid out on node 0: how many processes, and whether all belong to application app. */
static uint32_t procs_laid_out(const viz_layout_t *l, const viz_model_t *m, int app, bool *all_of_app)
{
    uint32_t n = 0;
    *all_of_app = true;
    for (uint32_t i = l->first_item[0]; i < l->first_item[0] + l->nitems_node[0]; i++) {
        const viz_proc_t *p = l->items[i].kind == VIZ_ITEM_PROC ? viz_model_slot(m, l->items[i].slot) : NULL;
        if (!p) continue;
        n++;
        if (app >= 0 && p->app != (uint32_t)app) *all_of_app = false;
    }
    return n;
}

START_TEST(test_model_applications)
{
    viz_model_t *m = calloc(1, sizeof *m);
    viz_model_init(m);
    viz_model_node_add(m, "a", 2);
    rt_pid_t boot = pid(0, 1), ctl = pid(0, 2), loner = pid(0, 3), master = pid(0, 4), top = pid(0, 5);
    rt_pid_t w1 = pid(0, 6), w2 = pid(0, 7);
    viz_model_spawn(m, 0, boot, 0);
    viz_model_spawn(m, 0, ctl, boot);
    viz_model_spawn(m, 0, loner, boot);
    viz_model_register(m, loner, "loner");
    viz_model_spawn(m, 0, master, ctl);   /* the application master, then its tree */
    viz_model_spawn(m, 0, top, master);
    viz_model_spawn(m, 0, w1, top);
    viz_model_spawn(m, 0, w2, top);
    viz_model_child_started(m, 0, top, "w1", w1);
    viz_model_child_started(m, 0, top, "w2", w2);
    ck_assert_uint_eq(viz_model_proc(m, w1)->app, 0); /* nothing is known before the start */
    uint32_t web = viz_model_app_started(m, 0, "web", master);
    ck_assert_uint_eq(web, 1);
    ck_assert_uint_eq(m->napps, 2);
    ck_assert_str_eq(m->apps[web], "web");
    ck_assert_uint_eq(viz_model_app_find(m, "web"), web);
    ck_assert_uint_eq(viz_model_app_find(m, "nope"), 0);
    const rt_pid_t in[] = { master, top, w1, w2 }, out[] = { boot, ctl, loner };
    for (size_t i = 0; i < 4; i++) ck_assert_uint_eq(viz_model_proc(m, in[i])->app, web);
    for (size_t i = 0; i < 3; i++) ck_assert_uint_eq(viz_model_proc(m, out[i])->app, 0);
    /* later spawns inherit their spawner's application */
    rt_pid_t late = pid(0, 8), late2 = pid(0, 9);
    viz_model_spawn(m, 0, late, w1);
    viz_model_spawn(m, 0, late2, loner);
    ck_assert_uint_eq(viz_model_proc(m, late)->app, web);
    ck_assert_uint_eq(viz_model_proc(m, late2)->app, 0);
    ck_assert_uint_eq(m->nodes[0].app_procs[web], 5);
    ck_assert_uint_eq(m->nodes[0].app_procs[0], 4);
    /* a second application leaves the first alone; an exit counts down */
    rt_pid_t master2 = pid(0, 10), db = pid(0, 11);
    viz_model_spawn(m, 0, master2, ctl);
    viz_model_spawn(m, 0, db, master2);
    viz_model_child_started(m, 0, db, "x", pid(0, 11)); /* ignored: a process is not its own child */
    uint32_t dbi = viz_model_app_started(m, 0, "db", master2);
    ck_assert_uint_eq(dbi, 2);
    ck_assert_uint_eq(viz_model_proc(m, db)->app, dbi);
    ck_assert_uint_eq(viz_model_proc(m, w2)->app, web);
    viz_model_exit(m, SIM_TIME_S, late, false, NULL);
    ck_assert_uint_eq(m->nodes[0].app_procs[web], 4);
    /* the same name again (a restart) is the same application */
    ck_assert_uint_eq(viz_model_app_started(m, 0, "web", master), web);
    ck_assert_uint_eq(m->napps, 3);
    /* the layout's filter: only web's tree; db has no tree, only its processes in "others" */
    m->nodes[0].nprocs = 10;
    viz_model_sample(m, NULL, 0); /* finds the named loner for the bottom row */
    viz_layout_t l;
    viz_layout_init(&l);
    viz_view_t v = VIZ_VIEW_DEFAULT;
    bool all;
    viz_layout_compute(&l, m, &v, W, H);
    uint32_t every = procs_laid_out(&l, m, -1, &all);
    v.filter_app = (int)web;
    viz_layout_compute(&l, m, &v, W, H);
    ck_assert_uint_eq(procs_laid_out(&l, m, (int)web, &all), 3); /* top, w1, w2 */
    ck_assert(all);
    ck_assert_uint_eq(l.others[0], 1);                         /* the master */
    v.filter_app = (int)dbi;
    viz_layout_compute(&l, m, &v, W, H);
    ck_assert_uint_eq(procs_laid_out(&l, m, (int)dbi, &all), 0);
    ck_assert_uint_eq(l.others[0], 2);                         /* master2 and db */
    ck_assert_msg(every == 4, "unfiltered: %u processes laid out", every); /* top, w1, w2, loner */
    viz_layout_deinit(&l);
    /* from the trace: the "application" event's master field */
    trace_t t;
    ck_assert_int_eq(trace_init(&t, NULL), 0);
    trace_observer_set(&t, viz_model_trace_observer(m, NULL));
    rt_pid_t master3 = pid(0, 12), child3 = pid(0, 13);
    viz_model_spawn(m, 0, master3, ctl);
    viz_model_spawn(m, 0, child3, master3);
    trace_begin(&t, 0, "application");
    trace_blob(&t, "pid", &ctl, 8, NULL, NULL);
    trace_str(&t, "app", "cache");
    trace_str(&t, "event", "started");
    trace_str(&t, "master", "<0.12.0>");
    trace_str(&t, "type", "temporary");
    trace_end(&t);
    trace_abandon(&t);
    uint32_t cache = viz_model_app_find(m, "cache");
    ck_assert_uint_eq(cache, 3);
    ck_assert_uint_eq(viz_model_proc(m, child3)->app, cache);
    viz_model_deinit(m);
    free(m);
}
END_TEST

START_TEST(test_layout_bounded_and_deterministic)
{
    viz_model_t *m = calloc(1, sizeof *m);
    viz_model_init(m);
    viz_model_node_add(m, "big", 8);
    viz_model_node_add(m, "small", 1);
    rt_pid_t sup = pid(0, 1);
    viz_model_spawn(m, 0, sup, 0);
    for (uint64_t i = 0; i < 10000; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%llu", (unsigned long long)i);
        viz_model_spawn(m, 0, pid(0, 100 + i), sup);
        viz_model_child_started(m, 0, sup, id, pid(0, 100 + i));
    }
    m->nodes[0].nprocs = 10001 + 50; /* and 50 processes outside the tree */
    viz_layout_t l1, l2;
    viz_layout_init(&l1);
    viz_layout_init(&l2);
    viz_view_t v = VIZ_VIEW_DEFAULT;
    viz_layout_compute(&l1, m, &v, W, H);
    viz_layout_compute(&l2, m, &v, W, H);
    ck_assert_uint_eq(l1.nitems, l2.nitems);
    ck_assert_int_eq(memcmp(l1.items, l2.items, l1.nitems * sizeof *l1.items), 0);
    ck_assert_int_eq(memcmp(l1.box, l2.box, sizeof l1.box), 0);
    const viz_rect_t *b = &l1.box[0];
    uint32_t cap = (uint32_t)(b->w / VIZ_SLOT) + 4;
    ck_assert_msg(l1.nitems_node[0] <= cap, "%u items for a box of %u columns", l1.nitems_node[0], cap);
    uint64_t drawn = 0, grouped = 0, loose = 0;
    for (uint32_t i = l1.first_item[0]; i < l1.first_item[0] + l1.nitems_node[0]; i++) {
        const viz_item_t *it = &l1.items[i];
        if (it->kind == VIZ_ITEM_PROC) drawn++;
        else if (it->loose) loose = it->count;
        else grouped += it->count;
    }
    ck_assert_uint_eq(drawn + grouped, 10001);  /* every child is drawn or counted in "+N" */
    ck_assert_uint_eq(loose, 50);
    /* zoomed in, the box is larger and more children are drawn individually */
    v.zoom = 4;
    v.cx = 0.3f, v.cy = 0.5f;
    viz_layout_compute(&l2, m, &v, W, H);
    uint64_t drawn2 = 0;
    for (uint32_t i = l2.first_item[0]; i < l2.first_item[0] + l2.nitems_node[0]; i++) drawn2 += l2.items[i].kind == VIZ_ITEM_PROC;
    ck_assert_msg(drawn2 > drawn, "zoomed: %llu drawn, before %llu", (unsigned long long)drawn2, (unsigned long long)drawn);
    viz_layout_deinit(&l1);
    viz_layout_deinit(&l2);
    viz_model_deinit(m);
    free(m);
}
END_TEST

START_TEST(test_layout_boxes_apart)
{
    viz_model_t *m = calloc(1, sizeof *m);
    viz_layout_t l;
    viz_model_init(m);
    viz_layout_init(&l);
    viz_view_t v = VIZ_VIEW_DEFAULT;
    for (uint32_t n = 1; n <= 20; n++) {
        char name[16];
        snprintf(name, sizeof name, "n%u", n);
        viz_model_node_add(m, name, 1);
        for (int grid = 0; grid < 2; grid++) {
            v.grid = grid;
            viz_layout_compute(&l, m, &v, W, H);
            for (uint32_t i = 0; i < n; i++) {
                const viz_rect_t *a = &l.box[i];
                ck_assert(l.visible[i]);
                ck_assert(a->x >= l.main.x && a->y >= l.main.y && a->x + a->w <= l.main.x + l.main.w + 0.5f &&
                          a->y + a->h <= l.main.y + l.main.h + 0.5f);
                for (uint32_t j = i + 1; j < n; j++) {
                    const viz_rect_t *b = &l.box[j];
                    bool apart = a->x + a->w <= b->x || b->x + b->w <= a->x || a->y + a->h <= b->y || b->y + b->h <= a->y;
                    ck_assert_msg(apart, "%u nodes: boxes %u and %u overlap", n, i, j);
                }
            }
        }
    }
    viz_layout_deinit(&l);
    viz_model_deinit(m);
    free(m);
}
END_TEST

/* A software renderer on a W x H surface with the fonts: what the draw tests draw on. */
typedef struct canvas { SDL_Surface *s; SDL_Renderer *r; viz_draw_t d; } canvas_t;

static void canvas_open(canvas_t *c)
{
    ck_assert_int_eq(SDL_Init(0), 0);
    c->s = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    c->r = SDL_CreateSoftwareRenderer(c->s);
    ck_assert_ptr_nonnull(c->r);
    char err[256];
    ck_assert_msg(viz_draw_init(&c->d, c->r, NULL, err, sizeof err) == 0, "%s", err);
}

static void canvas_close(canvas_t *c)
{
    viz_draw_deinit(&c->d);
    SDL_DestroyRenderer(c->r);
    SDL_FreeSurface(c->s);
}

START_TEST(test_draw_fixed_world)
{
    canvas_t cv;
    canvas_open(&cv);
    SDL_Surface *s = cv.s;
    viz_draw_t *d = &cv.d;
    viz_model_t *m = calloc(1, sizeof *m);
    viz_model_init(m);
    rt_pid_t w2b;
    tree_world(m, &w2b);
    m->nodes[0].nprocs = 4;
    m->nodes[1].up = false;             /* b is down */
    viz_pair_t *p = viz_model_pair(m, 0, 2);
    p->state = 2;
    p->blocked_ab = p->blocked_ba = true;  /* a | c */
    viz_model_pair(m, 0, 1)->state = 2;
    viz_model_sample(m, NULL, 2 * SIM_TIME_S);
    viz_layout_t l;
    viz_layout_init(&l);
    viz_view_t v = VIZ_VIEW_DEFAULT;
    viz_layout_compute(&l, m, &v, W, H);
    viz_status_t st = { .title = "fixed", .state = "paused", .speed = "x1" };
    viz_draw_frame(d, m, &l, &v, &st);
    SDL_RenderFlush(cv.r);
    img_t im = img_from_surface(s);
    const viz_rect_t *a = &l.box[0], *b = &l.box[1], *c = &l.box[2];
    ck_assert_int_gt(count_color(&im, a->x + a->w - 40, a->y + 2, 30, 14, VIZ_C_HEADER), 300);
    ck_assert_int_gt(count_color(&im, c->x + c->w - 40, c->y + 2, 30, 14, VIZ_C_HEADER), 300);
    ck_assert_int_gt(count_color(&im, b->x + b->w / 2 - 20, b->y + 2, 30, 14, VIZ_C_DOWN_HEADER), 300); /* grey */
    ck_assert_int_gt(count_color(&im, b->x + b->w / 2, b->y + b->h / 2, 20, 20, VIZ_C_DOWN), 300);
    ck_assert_int_eq(count_color(&im, a->x + a->w / 2, a->y + a->h / 2, 20, 20, VIZ_C_DOWN), 0);
    float mx, my;
    ck_assert(viz_draw_link_mid(&l, 0, 2, &mx, &my));
    ck_assert_int_gt(count_color(&im, mx - 9, my - 9, 18, 18, VIZ_C_CUT), 150);
    ck_assert(viz_draw_link_mid(&l, 0, 1, &mx, &my));
    ck_assert_int_lt(count_color(&im, mx - 9, my - 9, 18, 18, VIZ_C_CUT), 5);
    /* the restarted child: drawn between w1 and w3, with its badge */
    float x1 = -1, x2 = -1, x3 = -1, y2 = 0;
    for (uint32_t i = 0; i < l.nitems; i++) {
        const viz_proc_t *q = l.items[i].kind == VIZ_ITEM_PROC ? viz_model_slot(m, l.items[i].slot) : NULL;
        if (!q) continue;
        if (q->pid == pid(0, 11)) x1 = l.items[i].x;
        if (q->pid == w2b) x2 = l.items[i].x, y2 = l.items[i].y;
        if (q->pid == pid(0, 13)) x3 = l.items[i].x;
    }
    ck_assert(x1 >= 0 && x1 < x2 && x2 < x3);
    ck_assert_int_gt(count_color(&im, x2 + 4, y2 - 13, 11, 9, VIZ_C_RESTART), 40);
    ck_assert_int_lt(count_color(&im, x1 + 4, y2 - 13, 11, 9, VIZ_C_RESTART), 5);
    ck_assert_int_gt(count_color(&im, x1 - 3, y2 - 3, 6, 6, VIZ_C_WORKER), 25);
    free(im.rgb);
    viz_layout_deinit(&l);
    viz_model_deinit(m);
    free(m);
    canvas_close(&cv);
}
END_TEST

/* A dense cluster (more than VIZ_DENSE_NODES nodes, fully meshed) cut in two: the sides are
 * found (5 | 15, a down node on neither), each node counts the nodes it is cut from, the node
 * boxes are outlined in their side's colour, and no cut marker sits on a link. */
START_TEST(test_draw_dense_partition)
{
    canvas_t cv;
    canvas_open(&cv);
    SDL_Surface *s = cv.s;
    viz_draw_t *d = &cv.d;
    viz_model_t *m = calloc(1, sizeof *m);
    viz_model_init(m);
    for (uint32_t i = 0; i < 21; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%u", i);
        viz_model_node_add(m, name, 1);
        m->nodes[i].up = i != 20; /* n20 is down */
    }
    for (uint32_t b = 1; b < 21; b++)
        for (uint32_t a = 0; a < b; a++) {
            viz_pair_t *p = viz_model_pair(m, a, b);
            p->state = 2;
            p->blocked_ab = p->blocked_ba = (a < 5) != (b < 5); /* n0..n4 | n5..n19 */
        }
    viz_model_sample(m, NULL, SIM_TIME_S);
    viz_layout_t l;
    viz_layout_init(&l);
    viz_view_t v = VIZ_VIEW_DEFAULT;
    viz_layout_compute(&l, m, &v, W, H);
    viz_status_t st = { .title = "dense", .state = "paused", .speed = "x1" };
    viz_draw_frame(d, m, &l, &v, &st);
    SDL_RenderFlush(cv.r);
    ck_assert_uint_eq(d->nsides, 2);
    ck_assert_uint_eq(d->side_nodes[0], 5);
    ck_assert_uint_eq(d->side_nodes[1], 15);
    ck_assert_uint_eq(d->side[3], 0);
    ck_assert_uint_eq(d->side[12], 1);
    ck_assert_uint_eq(d->side[20], 255);
    ck_assert_uint_eq(viz_draw_cut_count(m, 0), 16); /* n5..n20: the partition cuts the down node too */
    ck_assert_uint_eq(viz_draw_cut_count(m, 7), 5);
    img_t im = img_from_surface(s);
    const viz_rect_t *b0 = &l.box[0], *b7 = &l.box[7];
    /* the left edge of each box: its side's colour (red, then green), not the other's */
    ck_assert_int_gt(count_color(&im, b0->x, b0->y + 25, 2, 20, 0xff2d55u), 20);
    ck_assert_int_eq(count_color(&im, b0->x, b0->y + 25, 2, 20, 0x32d74bu), 0);
    ck_assert_int_gt(count_color(&im, b7->x, b7->y + 25, 2, 20, 0x32d74bu), 20);
    float mx, my;
    ck_assert(viz_draw_link_mid(&l, 0, 7, &mx, &my));
    ck_assert_int_lt(count_color(&im, mx - 9, my - 9, 18, 18, VIZ_C_CUT), 5); /* no marker on the link */
    free(im.rgb);
    viz_layout_deinit(&l);
    viz_model_deinit(m);
    free(m);
    canvas_close(&cv);
}
END_TEST

/* ---- whole runs ----------------------------------------------------------------------------- */
static void hash_of(tu_result_t *r, char *h, size_t n)
{
    ck_assert_msg(r->code == 0, "exit %d\n%s\n%s", r->code, r->out, r->err);
    ck_assert_int_eq(tu_line_value(r->out, "trace-hash", h, n), 0);
}

static char *temp_dir(void)
{
    char *d = strdup("/tmp/otpsim-viz-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

static void check_frames(const char *dir)
{
    char path[512];
    for (int k = 0; k <= 8; k++) {
        snprintf(path, sizeof path, "%s/frame-%06d.png", dir, k);
        ck_assert_msg(access(path, R_OK) == 0, "missing %s", path);
    }
    snprintf(path, sizeof path, "%s/final.png", dir);
    ck_assert_msg(access(path, R_OK) == 0, "missing %s", path);
    snprintf(path, sizeof path, "%s/frame-000001.png", dir); /* 0.5 s: before the kill and the partition */
    img_t im = img_load(path);
    check_landmarks(&im, false);
    free(im.rgb);
    snprintf(path, sizeof path, "%s/frame-000004.png", dir); /* 2 s: partitioned, w2 restarted */
    im = img_load(path);
    check_landmarks(&im, true);
    free(im.rgb);
}

START_TEST(test_cli_headless_frames_and_hash)
{
    char plain[32], viewed[32];
    tu_result_t r = tu_run("run", SCEN, NULL);
    hash_of(&r, plain, sizeof plain);
    tu_result_free(&r);
    char *dir = temp_dir();
    r = tu_run("run", SCEN, "--viz-record", dir, "--viz-every", "500ms", NULL);
    hash_of(&r, viewed, sizeof viewed);
    tu_result_free(&r);
    ck_assert_str_eq(plain, viewed);
    check_frames(dir);
    /* bad values are usage errors */
    r = tu_run("run", SCEN, "--viz-record", dir, "--viz-every", "0", NULL);
    ck_assert_int_eq(r.code, 2);
    tu_result_free(&r);
    free(dir);
}
END_TEST

static int xvfb_fd = -1;

/* Starts Xvfb on a free display; returns its pid and sets DISPLAY. */
static pid_t xvfb_start(void)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t p = fork();
    ck_assert_int_ge(p, 0);
    if (p == 0) {
        close(fds[0]);
        char fd[16];
        snprintf(fd, sizeof fd, "%d", fds[1]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execlp("Xvfb", "Xvfb", "-displayfd", fd, "-screen", "0", "1280x800x24", "-nolisten", "tcp", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    /* Xvfb writes the number, then a newline in a second write: read both, and keep the pipe
     * open while it runs (a write to a closed pipe is fatal to it) */
    char buf[32] = "";
    size_t n = 0;
    while (n < sizeof buf - 1 && !memchr(buf, '\n', n)) {
        ssize_t k = read(fds[0], buf + n, sizeof buf - 1 - n);
        if (k <= 0) break;
        n += (size_t)k;
        buf[n] = 0;
    }
    xvfb_fd = fds[0];
    ck_assert_msg(n > 0, "Xvfb did not start (install Debian's xvfb: mk/deps.sh test does)");
    char disp[40];
    snprintf(disp, sizeof disp, ":%d", atoi(buf));
    setenv("DISPLAY", disp, 1);
    return p;
}

static void xvfb_stop(pid_t p)
{
    kill(p, SIGTERM);
    waitpid(p, NULL, 0);
    close(xvfb_fd);
}

START_TEST(test_cli_live_under_xvfb)
{
    pid_t x = xvfb_start();
    setenv("OTPSIM_VIZ_HOLD", "0", 1);
    setenv("OTPSIM_VIZ_SPEED", "max", 1);
    char plain[32], viewed[32];
    tu_result_t r = tu_run("run", SCEN, NULL);
    hash_of(&r, plain, sizeof plain);
    tu_result_free(&r);
    char *dir = temp_dir();
    r = tu_run("run", SCEN, "--viz", "--viz-record", dir, "--viz-every", "500ms", NULL);
    hash_of(&r, viewed, sizeof viewed);
    tu_result_free(&r);
    ck_assert_str_eq(plain, viewed);
    check_frames(dir);
    /* without a display, --viz says what to do instead */
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    r = tu_run("run", SCEN, "--viz", NULL);
    ck_assert_int_eq(r.code, 2);
    ck_assert_msg(strstr(r.err, "--viz-record") != NULL, "%s", r.err);
    tu_result_free(&r);
    xvfb_stop(x);
    free(dir);
}
END_TEST

/* ---- in-process: scripted controls ---------------------------------------------------------- */
static void ob_attach(void *ctx, struct sim_world *w) { viz_attach(ctx, w); }
static void ob_between(void *ctx, const host_observation_t *o, uint64_t *n, sim_time_t *until)
{
    viz_between(ctx, o->next_time, o->run_end, n, until);
}
static void ob_detach(void *ctx, const host_observation_t *o) { viz_detach(ctx, o->exit_code); }

static uint64_t run_path(const char *path, viz_t *v)
{
    FILE *out = tmpfile();
    host_observer_t ob = { .ctx = v, .attach = ob_attach, .between = ob_between, .detach = ob_detach };
    host_run_opts_t o = { .path = path, .seed = 7, .lib_dir = "scenarios/lib", .max_instructions = 1000000000,
                          .max_memory = (size_t)1 << 30, .out = out, .quiet = true, .observer = v ? &ob : NULL };
    host_run_result_t r;
    host_scenario_run(&o, &r);
    ck_assert_msg(r.exit_code == 0, "exit %d: %s", r.exit_code, r.error ? r.error : "");
    uint64_t h = r.trace_hash;
    host_run_result_free(&r);
    fclose(out);
    return h;
}

static uint64_t run_in_process(viz_t *v) { return run_path(SCEN, v); }

/* The first process item labelled `label` (a registered name or child id), or -1. */
static int item_labelled(const viz_layout_t *l, const viz_model_t *m, const char *label)
{
    for (uint32_t i = 0; i < l->nitems; i++) {
        const viz_proc_t *p = l->items[i].kind == VIZ_ITEM_PROC ? viz_model_slot(m, l->items[i].slot) : NULL;
        if (p && strcmp(p->label, label) == 0) return (int)i;
    }
    return -1;
}

typedef struct script {
    int step;
    uint64_t events_at_pause;
    sim_time_t shown_at_pause;
    bool paused_held, stepped_one, jumped, inspected, closed;
    bool keys;       /* drive through SDL events (a window) instead of calls */
    uint32_t sys_frames;  /* frames drawn with the inspector on kv showing its sys state */
} script_t;

static void push_key(SDL_Keycode k)
{
    SDL_Event e = { 0 };
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = k;
    SDL_PushEvent(&e);
}

static void push_click(int x, int y)
{
    SDL_Event e = { 0 };
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = x, e.button.y = y;
    SDL_PushEvent(&e);
    e.type = SDL_MOUSEBUTTONUP;
    SDL_PushEvent(&e);
}

static void on_frame(void *ctx, viz_t *v)
{
    script_t *s = ctx;
    const viz_model_t *m = viz_model(v);
    s->step++;
    switch (s->step) {
    case 3:
        if (s->keys) push_key(SDLK_SPACE);
        else viz_command(v, VIZ_CMD_PAUSE);
        break;
    case 5:
        s->events_at_pause = m->events;
        s->shown_at_pause = viz_shown_time(v);
        break;
    case 9: /* paused: nothing ran meanwhile */
        s->paused_held = viz_is_paused(v) && m->events == s->events_at_pause;
        if (s->keys) push_key(SDLK_PERIOD);
        else viz_command(v, VIZ_CMD_STEP_EVENT);
        break;
    case 11: /* no application in this run: a is a no-op */
        if (s->keys) push_key(SDLK_s), push_key(SDLK_PLUS), push_key(SDLK_2), push_key(SDLK_g), push_key(SDLK_a);
        else viz_command(v, VIZ_CMD_STEP_SLICE), viz_command(v, VIZ_CMD_FASTER), viz_filter_node(v, 1), viz_filter_app(v, 1);
        break;
    case 13: { /* click the gen_server kv (node b is shown), which stays inspected to the end */
        s->stepped_one = m->events > s->events_at_pause; /* an event and a slice ran */
        viz_filter_node(v, -1);
        const viz_layout_t *l = viz_layout(v);
        int i = item_labelled(l, m, "kv");
        for (uint32_t k = 0; i < 0 && k < l->nitems; k++)
            if (l->items[k].kind == VIZ_ITEM_PROC) i = (int)k;
        if (i >= 0) {
            if (s->keys) push_click((int)l->items[i].x, (int)l->items[i].y);
            else viz_click(v, l->items[i].x, l->items[i].y);
        }
        if (s->keys) push_key(SDLK_h);
        else viz_zoom(v, 2, 300, 200), viz_command(v, VIZ_CMD_HELP);
        break;
    }
    case 15:
        s->inspected = m->inspect.pid != 0;
        if (s->keys) {
            push_key(SDLK_h);
            push_key(SDLK_j);
            SDL_Event e = { 0 };
            e.type = SDL_TEXTINPUT;
            strcpy(e.text.text, "3s");
            SDL_PushEvent(&e);
            push_key(SDLK_RETURN);
            push_key(SDLK_SPACE);
            push_key(SDLK_m);
        } else {
            viz_command(v, VIZ_CMD_HELP);
            viz_jump(v, 3 * SIM_TIME_S);
            viz_command(v, VIZ_CMD_PAUSE);
            viz_command(v, VIZ_CMD_MAX);
        }
        break;
    default:
        if (m->inspect.has_sys && strncmp(m->inspect.sys, "gen_server kv running\n", 22) == 0) s->sys_frames++;
        if (s->step > 15 && !s->jumped && viz_shown_time(v) >= 3 * SIM_TIME_S) {
            s->jumped = true;
            if (s->keys) push_key(SDLK_q);
            else viz_command(v, VIZ_CMD_CLOSE);
            s->closed = true;
        }
        break;
    }
}

START_TEST(test_controls_never_steer)
{
    uint64_t plain = run_in_process(NULL);
    setenv("OTPSIM_VIZ_SPEED", "20", 1);
    script_t s = { 0 };
    viz_opts_t vo = { .live = true, .offscreen = true, .title = "t", .on_frame = on_frame, .on_frame_ctx = &s };
    char err[256];
    viz_t *v = viz_create(&vo, err, sizeof err);
    ck_assert_msg(v != NULL, "%s", err);
    uint64_t viewed = run_in_process(v);
    ck_assert_uint_eq(plain, viewed);
    ck_assert(s.paused_held);
    ck_assert(s.stepped_one);
    ck_assert(s.inspected);
    ck_assert_uint_gt(s.sys_frames, 0); /* kv's sys state was read while the run went on */
    ck_assert(s.jumped && s.closed);
    viz_destroy(v);
}
END_TEST

START_TEST(test_window_keys_never_steer)
{
    pid_t x = xvfb_start();
    uint64_t plain = run_in_process(NULL);
    setenv("OTPSIM_VIZ_SPEED", "20", 1);
    script_t s = { .keys = true };
    viz_opts_t vo = { .live = true, .title = "t", .on_frame = on_frame, .on_frame_ctx = &s };
    char err[256];
    viz_t *v = viz_create(&vo, err, sizeof err);
    ck_assert_msg(v != NULL, "%s", err);
    uint64_t viewed = run_in_process(v);
    ck_assert_uint_eq(plain, viewed);
    ck_assert(s.paused_held);
    ck_assert(s.stepped_one);
    ck_assert(s.inspected);
    ck_assert_uint_gt(s.sys_frames, 0); /* kv's sys state was read while the run went on */
    ck_assert(s.jumped && s.closed);
    viz_destroy(v);
    xvfb_stop(x);
}
END_TEST

/* ---- applications and the sys state, in-process ------------------------------------------- */
#define APPS "tests/viz/apps.lua"

typedef struct app_script {
    int phase;
    uint32_t web, db;
    uint32_t all_procs, web_procs, db_procs;
    uint64_t web_others, db_others;
    bool web_only, db_only, web_sup_shown;
    uint8_t inspected_app;
    char sys[RT_SYS_TEXT_MAX + 128];
} app_script_t;

/* Once both applications run: paused, filter by web, then db, then none; inspect web1; resume. */
static void on_frame_apps(void *ctx, viz_t *v)
{
    app_script_t *s = ctx;
    const viz_model_t *m = viz_model(v);
    const viz_layout_t *l = viz_layout(v);
    bool all;
    switch (s->phase) {
    case 0: /* at 100 ms everything of t = 0 has run: both started, web1's casts handled */
        if (viz_shown_time(v) < 100 * SIM_TIME_MS || !viz_model_app_find(m, "db")) return;
        viz_command(v, VIZ_CMD_PAUSE);
        s->web = viz_model_app_find(m, "web");
        s->db = viz_model_app_find(m, "db");
        s->all_procs = procs_laid_out(l, m, -1, &all);
        viz_filter_app(v, (int)s->web);
        break;
    case 1:
        s->web_procs = procs_laid_out(l, m, (int)s->web, &s->web_only);
        s->web_others = l->others[0];
        s->web_sup_shown = item_labelled(l, m, "web_sup") >= 0;
        viz_filter_app(v, (int)s->db);
        break;
    case 2:
        s->db_procs = procs_laid_out(l, m, (int)s->db, &s->db_only);
        s->db_others = l->others[0];
        viz_filter_app(v, -1);
        break;
    case 3: {
        int i = item_labelled(l, m, "web1");
        if (i < 0) return;
        viz_click(v, l->items[i].x, l->items[i].y);
        break;
    }
    case 4: /* the next frame has read it */
        if (!m->inspect.has_sys) return;
        snprintf(s->sys, sizeof s->sys, "%s", m->inspect.sys);
        s->inspected_app = m->inspect.app;
        viz_command(v, VIZ_CMD_PAUSE); /* on to the end, the inspector open */
        break;
    default: return;
    }
    s->phase++;
}

START_TEST(test_app_filter_and_sys_inspector)
{
    uint64_t plain = run_path(APPS, NULL);
    setenv("OTPSIM_VIZ_SPEED", "2", 1);
    app_script_t s = { 0 };
    viz_opts_t vo = { .live = true, .offscreen = true, .title = "apps", .on_frame = on_frame_apps, .on_frame_ctx = &s };
    char err[256];
    viz_t *v = viz_create(&vo, err, sizeof err);
    ck_assert_msg(v != NULL, "%s", err);
    uint64_t viewed = run_path(APPS, v);
    ck_assert_uint_eq(plain, viewed);
    ck_assert_int_eq(s.phase, 5);
    ck_assert(s.web && s.db && s.web != s.db);
    /* web: its supervisor and three workers; the master and the process web2 spawned (after the
     * start: inherited) are counted in "others" */
    ck_assert(s.web_only && s.web_sup_shown);
    ck_assert_uint_eq(s.web_procs, 4);
    ck_assert_uint_eq(s.web_others, 2);
    ck_assert(s.db_only);
    ck_assert_uint_eq(s.db_procs, 3);
    ck_assert_uint_eq(s.db_others, 1);
    /* unfiltered: both trees and the named processes outside them (loner, the controller) */
    ck_assert_uint_ge(s.all_procs, 9);
    ck_assert_uint_eq(s.inspected_app, s.web);
    ck_assert_str_eq(s.sys, "gen_server web1 running\n{hits = 5, id = \"web1\"}");
    viz_destroy(v);
}
END_TEST

/* ---- jumping back: the run is abandoned and replayed up to the moment ---------------------- */
static bool ob_abandon(void *ctx) { return viz_rewind_pending(ctx, NULL); }

typedef struct rewind_script {
    rt_pid_t inspected;
    bool asked, arrived, same_pid, resumed;
    sim_time_t shown_on_arrival;
    uint64_t events_on_arrival, events_first_pass_at_1s;
    bool paused_on_arrival;
} rewind_script_t;

static void on_frame_rewind(void *ctx, viz_t *v)
{
    rewind_script_t *s = ctx;
    const viz_model_t *m = viz_model(v);
    sim_time_t t = viz_shown_time(v);
    if (viz_rewinds(v) == 0) {
        if (!s->events_first_pass_at_1s && t >= SIM_TIME_S) s->events_first_pass_at_1s = m->events;
        if (!s->asked && t >= 3 * SIM_TIME_S) { /* inspect a process, then go back to 1 s */
            const viz_layout_t *l = viz_layout(v);
            for (uint32_t i = 0; i < l->nitems && !s->inspected; i++)
                if (l->items[i].kind == VIZ_ITEM_PROC) {
                    viz_click(v, l->items[i].x, l->items[i].y);
                    s->inspected = m->inspect.pid;
                }
            viz_jump(v, SIM_TIME_S);
            s->asked = true;
        }
        return;
    }
    if (!s->arrived && viz_is_paused(v) && t == SIM_TIME_S) {
        s->arrived = true;
        s->shown_on_arrival = t;
        s->paused_on_arrival = viz_is_paused(v);
        s->events_on_arrival = m->events;
        s->same_pid = m->inspect.pid == s->inspected;
        viz_command(v, VIZ_CMD_PAUSE); /* resume, as fast as possible, to the end */
        viz_command(v, VIZ_CMD_MAX);
        s->resumed = true;
    }
}

/* j to an earlier time: the host abandons the run and runs it again with the same view, which
 * replays it without drawing and opens paused at that time, the inspected process still
 * selected; the run then goes on to the same end, the same trace-hash as without a view. */
START_TEST(test_jump_back_replays_to_the_moment)
{
    uint64_t plain = run_in_process(NULL);
    setenv("OTPSIM_VIZ_SPEED", "20", 1); /* 3 s of the 4 s run pass in 150 ms: the jump comes mid-run */
    rewind_script_t s = { 0 };
    viz_opts_t vo = { .live = true, .offscreen = true, .title = "t", .on_frame = on_frame_rewind, .on_frame_ctx = &s };
    char err[256];
    viz_t *v = viz_create(&vo, err, sizeof err);
    ck_assert_msg(v != NULL, "%s", err);
    FILE *out = tmpfile();
    host_observer_t ob = { .ctx = v, .attach = ob_attach, .between = ob_between, .detach = ob_detach,
                           .abandon = ob_abandon };
    host_run_opts_t o = { .path = SCEN, .seed = 7, .lib_dir = "scenarios/lib", .max_instructions = 1000000000,
                          .max_memory = (size_t)1 << 30, .out = out, .quiet = true, .observer = &ob };
    host_run_result_t r;
    host_scenario_run(&o, &r);
    int runs = 1;
    while (viz_rewind_pending(v, NULL)) { /* what the CLI does */
        /* the abandoned run: unjudged (2), or over already (0) if a stalled machine let the run
         * reach its end before a frame at 3 s was drawn (the final frame asks then) */
        ck_assert_msg(r.exit_code == 2 || r.exit_code == 0, "exit %d", r.exit_code);
        host_run_result_free(&r);
        host_scenario_run(&o, &r);
        runs++;
    }
    ck_assert_int_eq(runs, 2);
    ck_assert_msg(r.exit_code == 0, "exit %d: %s", r.exit_code, r.error ? r.error : "");
    ck_assert_uint_eq(r.trace_hash, plain);
    ck_assert(s.asked && s.inspected != 0);
    ck_assert(s.arrived && s.paused_on_arrival && s.resumed);
    ck_assert_uint_eq(s.shown_on_arrival, SIM_TIME_S);
    ck_assert(s.same_pid);
    /* the replayed model holds the events up to 1 s: as many as the first pass had by then
     * (the first pass counted at the first frame at or after 1 s, so at least as many) */
    ck_assert_uint_gt(s.events_on_arrival, 0);
    ck_assert_uint_le(s.events_on_arrival, s.events_first_pass_at_1s);
    ck_assert_uint_eq(viz_rewinds(v), 1);
    host_run_result_free(&r);
    fclose(out);
    viz_destroy(v);
}
END_TEST

Suite *suite_viz(void)
{
    Suite *s = suite_create("viz");
    TCase *unit = tcase_create("units");
    tcase_add_test(unit, test_png_roundtrip);
    tcase_add_test(unit, test_parse_time);
    tcase_add_test(unit, test_model_restart_in_place);
    tcase_add_test(unit, test_model_from_trace);
    tcase_add_test(unit, test_model_applications);
    tcase_add_test(unit, test_layout_bounded_and_deterministic);
    tcase_add_test(unit, test_layout_boxes_apart);
    tcase_add_test(unit, test_draw_fixed_world);
    tcase_add_test(unit, test_draw_dense_partition);
    suite_add_tcase(s, unit);
    TCase *runs = tcase_create("runs");
    tcase_set_timeout(runs, 60);
    tcase_add_test(runs, test_cli_headless_frames_and_hash);
    tcase_add_test(runs, test_cli_live_under_xvfb);
    tcase_add_test(runs, test_controls_never_steer);
    tcase_add_test(runs, test_window_keys_never_steer);
    tcase_add_test(runs, test_app_filter_and_sys_inspector);
    tcase_add_test(runs, test_jump_back_replays_to_the_moment);
    suite_add_tcase(s, runs);
    return s;
}
