/* layout.c — node boxes on a ring or grid, supervision trees inside them, bounded by the screen.
 *
 * The tree pass runs twice per node: once to count leaves for a candidate k (children shown per
 * supervisor), picking the largest k whose leaves fit the box width, and once to place items.
 * Both passes stop at a fixed item budget, so a supervisor with 10,000 children costs k. */
#include "viz/layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/invariant.h"

#define ITEM_BUDGET 4096     /* items per node at most (a fully zoomed box) */

void viz_layout_init(viz_layout_t *l) { memset(l, 0, sizeof *l); }

void viz_layout_deinit(viz_layout_t *l)
{
    free(l->items);
    memset(l, 0, sizeof *l);
}

static viz_item_t *item_add(viz_layout_t *l)
{
    if (l->nitems == l->items_cap) {
        uint32_t cap = l->items_cap ? l->items_cap * 2 : 256;
        viz_item_t *n = realloc(l->items, cap * sizeof *n);
        SIM_ASSERT(n != NULL);
        l->items = n;
        l->items_cap = cap;
    }
    viz_item_t *it = &l->items[l->nitems++];
    memset(it, 0, sizeof *it);
    it->parent = -1;
    return it;
}

static bool overlap(const viz_rect_t *a, const viz_rect_t *b, float gap)
{
    return a->x < b->x + b->w + gap && b->x < a->x + a->w + gap && a->y < b->y + b->h + gap && b->y < a->y + a->h + gap;
}

/* Node boxes in the unit square scaled to (W, H): ring for 2..8 nodes, else a grid. */
static void place_nodes(viz_rect_t *out, uint32_t n, float W, float H, bool grid)
{
    const float m = 8;
    if (n == 0) return;
    if (n == 1) {
        out[0] = (viz_rect_t){ m, m, W - 2 * m, H - 2 * m };
        return;
    }
    if (!grid && n <= 8) {
        const double pi = 3.14159265358979323846;
        double start = n == 2 ? pi : -pi / 2;
        for (int step = 0; step < 90; step++) {
            float s = 0.5f - 0.005f * (float)step; /* box size as a share of the region */
            float bw = W * (n == 2 ? s * 0.84f : s), bh = H * (n == 2 ? 0.9f : s * 1.05f);
            if (bh > H - 2 * m) bh = H - 2 * m;
            float rx = (W - bw) / 2 - m, ry = (H - bh) / 2 - m;
            for (uint32_t i = 0; i < n; i++) {
                double a = start + 2 * pi * i / n;
                float cx = W / 2 + rx * (float)cos(a), cy = H / 2 + ry * (float)sin(a);
                out[i] = (viz_rect_t){ cx - bw / 2, cy - bh / 2, bw, bh };
            }
            bool ok = true;
            for (uint32_t i = 0; i < n && ok; i++)
                for (uint32_t j = i + 1; j < n && ok; j++) ok = !overlap(&out[i], &out[j], 70); /* room for the links */
            if (ok) return;
        }
        /* fall through to the grid */
    }
    uint32_t cols = 1;
    while (cols * cols * H < n * W * 0.75f) cols++;
    if (cols > n) cols = n;
    uint32_t rows = (n + cols - 1) / cols;
    float cw = W / (float)cols, ch = H / (float)rows;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = i % cols, r = i / cols;
        out[i] = (viz_rect_t){ c * cw + m, r * ch + m, cw - 2 * m, ch - 2 * m };
    }
}

/* ---- trees ---------------------------------------------------------------------------------- */
typedef struct tree_ctx {
    const viz_model_t *m;
    viz_layout_t *l;
    uint32_t k;          /* children shown per supervisor */
    uint32_t max_depth;  /* levels available */
    uint32_t budget;     /* items left */
    uint32_t leaves;     /* counting pass: leaves so far */
    uint32_t depth_used;
    bool place;
    uint32_t node;
    int app;             /* -1: every tree; else only the trees of that application */
    float x0, y0, sx, sy;
} tree_ctx_t;

/* Visits the subtree of slot s at `depth`; returns the item index (placing pass) or -1, and
 * updates leaves. A group item stands for `group` hidden siblings when group > 0. */
static int32_t visit(tree_ctx_t *c, uint32_t s, uint64_t group, uint32_t depth, int32_t parent)
{
    if (c->budget == 0) return -1;
    c->budget--;
    if (depth + 1 > c->depth_used) c->depth_used = depth + 1;
    const viz_proc_t *p = group ? NULL : viz_model_slot(c->m, s);
    int32_t me = -1;
    if (c->place) {
        viz_item_t *it = item_add(c->l);
        me = (int32_t)(c->l->nitems - 1);
        it->kind = group ? VIZ_ITEM_GROUP : VIZ_ITEM_PROC;
        it->slot = group ? 0 : s;
        it->count = group;
        it->node = c->node;
        it->parent = parent;
        it->y = c->y0 + ((float)depth + 0.5f) * c->sy;
    }
    uint32_t first_leaf = c->leaves;
    bool has_kids = false;
    if (p && p->first_child && depth + 1 < c->max_depth) {
        uint32_t shown = 0;
        int32_t first = -1, last = -1;
        float fx = 0, lx = 0;
        for (uint32_t ch = p->first_child; ch && c->budget; ch = c->m->procs[ch - 1].next) {
            if (shown == c->k) break;
            int32_t ci = visit(c, ch, 0, depth + 1, me);
            shown++;
            if (c->place && ci >= 0) {
                if (first < 0) first = ci, fx = c->l->items[ci].x;
                last = ci;
                lx = c->l->items[ci].x;
            }
        }
        if (p->nchildren > shown && c->budget) {
            int32_t gi = visit(c, 0, p->nchildren - shown, depth + 1, me);
            if (c->place && gi >= 0) {
                if (first < 0) fx = c->l->items[gi].x;
                last = gi;
                lx = c->l->items[gi].x;
            }
        }
        has_kids = c->leaves > first_leaf;
        if (c->place && me >= 0) c->l->items[me].x = has_kids ? (fx + lx) / 2 : c->x0 + ((float)c->leaves + 0.5f) * c->sx;
        (void)last;
    }
    if (!has_kids) {
        if (c->place && me >= 0) c->l->items[me].x = c->x0 + ((float)c->leaves + 0.5f) * c->sx;
        c->leaves++;
    }
    return me;
}

static bool app_shown(const viz_proc_t *p, int app) { return app < 0 || p->app == (uint32_t)app; }

/* Visits the node's trees (at most one per column) that the application filter lets through. */
static void visit_roots(tree_ctx_t *c, const viz_node_t *n, uint32_t cols)
{
    uint32_t roots = 0;
    for (uint32_t r = n->roots_first; r && c->budget && roots < cols; r = c->m->procs[r - 1].next) {
        if (!app_shown(&c->m->procs[r - 1], c->app)) continue;
        visit(c, r, 0, 0, -1);
        roots++;
    }
}

/* Lays out one node's box contents; app: the application filter (-1: none). */
static void layout_node(viz_layout_t *l, const viz_model_t *m, uint32_t ni, int app)
{
    const viz_node_t *n = &m->nodes[ni];
    const viz_rect_t *b = &l->box[ni];
    l->first_item[ni] = l->nitems;
    l->nitems_node[ni] = 0;
    l->others[ni] = n->nprocs;
    l->spacing_x[ni] = 0;
    float inner_w = b->w - 12, inner_h = b->h - VIZ_HEADER_H - 6;
    if (inner_w < VIZ_SLOT || inner_h < 2 * VIZ_SLOT) return; /* too small: header only */
    uint32_t cols = (uint32_t)(inner_w / VIZ_SLOT), rows = (uint32_t)(inner_h / VIZ_SLOT);
    uint32_t tree_rows = rows - 1; /* the bottom row is for loose processes */
    float tx = b->x + 6, ty = b->y + VIZ_HEADER_H;
    uint64_t shown = 0;
    if (n->nroots && tree_rows > 0) {
        /* choose k: the largest that fits the width */
        static const uint32_t ks[] = { 64, 32, 16, 12, 8, 6, 4, 3, 2, 1 };
        uint32_t k = 1, depth = 1;
        for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
            tree_ctx_t c = { .m = m, .l = l, .k = ks[i], .max_depth = tree_rows, .budget = ITEM_BUDGET, .node = ni,
                             .app = app };
            visit_roots(&c, n, cols);
            if (c.leaves <= cols || ks[i] == 1) {
                k = ks[i];
                depth = c.depth_used;
                break;
            }
        }
        float sy = inner_h / (float)(depth + 1);
        if (sy > VIZ_SLOT * 2.6f) sy = VIZ_SLOT * 2.6f;
        tree_ctx_t c = { .m = m, .l = l, .k = k, .max_depth = tree_rows, .budget = ITEM_BUDGET, .place = true,
                         .node = ni, .app = app, .x0 = tx, .y0 = ty, .sy = sy };
        /* leaves at most cols: spread them over the width */
        tree_ctx_t count = c;
        count.place = false;
        visit_roots(&count, n, cols);
        uint32_t leaves = count.leaves ? count.leaves : 1;
        c.sx = inner_w / (float)leaves;
        if (c.sx > VIZ_SLOT * 4) {
            c.sx = VIZ_SLOT * 4;
            c.x0 = tx + (inner_w - c.sx * (float)leaves) / 2;
        }
        l->spacing_x[ni] = c.sx;
        visit_roots(&c, n, cols);
    }
    /* count the live processes drawn one by one (ghosts are not in nprocs), and those in groups */
    uint64_t tree_grouped = 0;
    for (uint32_t i = l->first_item[ni]; i < l->nitems; i++) {
        const viz_item_t *it = &l->items[i];
        const viz_proc_t *p = it->kind == VIZ_ITEM_PROC ? viz_model_slot(m, it->slot) : NULL;
        if (p && !(p->flags & VIZ_P_DEAD)) shown++;
        if (it->kind == VIZ_ITEM_GROUP) tree_grouped += it->count;
    }
    uint64_t tree_shown = shown;
    /* the bottom row: notable processes outside trees, then everything else as one group */
    /* at the bottom of the box; at the top when there is no tree */
    float ry = l->nitems > l->first_item[ni] ? b->y + b->h - VIZ_SLOT / 2.0f - 6 : ty + VIZ_SLOT / 2.0f;
    uint32_t col = 0;
    for (int h = 0; h < VIZ_HOT && col + 1 < cols; h++) {
        if (!n->hot[h]) continue;
        uint64_t v;
        if (!u64map_get(&m->by_pid, n->hot[h], &v) || !app_shown(&m->procs[v - 1], app)) continue;
        viz_item_t *it = item_add(l);
        it->kind = VIZ_ITEM_PROC;
        it->loose = 1;
        it->slot = (uint32_t)v;
        it->node = ni;
        it->x = tx + ((float)col + 0.5f) * VIZ_SLOT;
        it->y = ry;
        col += 3; /* room for its label */
        shown++;
    }
    uint64_t accounted = n->in_tree + shown - tree_shown;  /* the trees (drawn or grouped) and the row */
    uint64_t total = n->nprocs;
    if (app >= 0) { /* the application's processes: its trees were laid out whole or grouped */
        accounted = shown + tree_grouped;
        total = (uint32_t)app < VIZ_MAX_APPS ? n->app_procs[app] : 0;
    }
    uint64_t rest = total > accounted ? total - accounted : 0;
    l->others[ni] = rest;
    if (rest) {
        viz_item_t *it = item_add(l);
        it->kind = VIZ_ITEM_GROUP;
        it->loose = 1;
        it->count = rest;
        it->node = ni;
        it->x = tx + ((float)col + 0.5f) * VIZ_SLOT;
        it->y = ry;
    }
    l->nitems_node[ni] = l->nitems - l->first_item[ni];
}

void viz_layout_compute(viz_layout_t *l, const viz_model_t *m, const viz_view_t *v, int width, int height)
{
    l->width = width;
    l->height = height;
    l->nitems = 0;
    float W = (float)width, H = (float)height;
    float tl = H >= 420 ? VIZ_TIMELINE_H : 70;
    float pw = v->panel && W >= 2 * VIZ_PANEL_W ? VIZ_PANEL_W : 0;
    l->top = (viz_rect_t){ 0, 0, W, VIZ_TOP_H };
    l->timeline = (viz_rect_t){ 0, H - tl, W, tl };
    l->panel = (viz_rect_t){ W - pw, VIZ_TOP_H, pw, H - tl - VIZ_TOP_H };
    l->main = (viz_rect_t){ 0, VIZ_TOP_H, W - pw, H - tl - VIZ_TOP_H };
    l->nnodes = m->nnodes;
    memset(l->visible, 0, sizeof l->visible);
    if (!m->nnodes) return;
    float zoom = v->zoom > 0 ? v->zoom : 1;
    float ZW = l->main.w * zoom, ZH = l->main.h * zoom;
    viz_rect_t unit[VIZ_MAX_NODES];
    bool only = v->filter_node >= 0 && (uint32_t)v->filter_node < m->nnodes;
    if (only) {
        place_nodes(unit, 1, ZW, ZH, v->grid);
        for (uint32_t i = 0; i < m->nnodes; i++) l->box[i] = (viz_rect_t){ -1e6f, -1e6f, 0, 0 };
        l->box[v->filter_node] = unit[0];
    } else {
        place_nodes(unit, m->nnodes, ZW, ZH, v->grid);
        for (uint32_t i = 0; i < m->nnodes; i++) l->box[i] = unit[i];
    }
    float ox = l->main.x + l->main.w / 2 - v->cx * ZW, oy = l->main.y + l->main.h / 2 - v->cy * ZH;
    for (uint32_t i = 0; i < m->nnodes; i++) {
        viz_rect_t *b = &l->box[i];
        if (only && (int)i != v->filter_node) continue;
        b->x += ox;
        b->y += oy;
        l->visible[i] = b->x < l->main.x + l->main.w && b->x + b->w > l->main.x && b->y < l->main.y + l->main.h &&
                        b->y + b->h > l->main.y;
    }
    for (uint32_t i = 0; i < m->nnodes; i++) {
        l->first_item[i] = l->nitems;
        l->nitems_node[i] = 0;
        l->others[i] = m->nodes[i].nprocs;
        if (l->visible[i]) layout_node(l, m, i, v->filter_app);
    }
}

int viz_layout_item_at(const viz_layout_t *l, float x, float y)
{
    int best = -1;
    float bd = (VIZ_SLOT / 2.0f + 2) * (VIZ_SLOT / 2.0f + 2);
    for (uint32_t i = 0; i < l->nitems; i++) {
        float dx = l->items[i].x - x, dy = l->items[i].y - y, d = dx * dx + dy * dy;
        if (d <= bd) {
            bd = d;
            best = (int)i;
        }
    }
    return best;
}

int viz_layout_node_at(const viz_layout_t *l, float x, float y)
{
    for (uint32_t i = 0; i < l->nnodes; i++) {
        const viz_rect_t *b = &l->box[i];
        if (l->visible[i] && x >= b->x && x < b->x + b->w && y >= b->y && y < b->y + b->h) return (int)i;
    }
    return -1;
}
