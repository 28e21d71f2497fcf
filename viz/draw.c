/* draw.c — the frame: links and flows, node boxes with trees, timeline, inspector, overlays.
 *
 * Shapes are SDL_RenderGeometry triangles (circles, thick lines) and filled rectangles, with
 * alpha blending for translucent bands only; landmarks are opaque. */
#include "viz/draw.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const viz_help_lines[][2] = {
    { "space", "pause / resume" },
    { ". (period)", "step one event (pauses)" },
    { "s", "step one time slice (one frame's virtual time at this speed)" },
    { "+ / -", "faster / slower: x0.01 ... x1000, then max" },
    { "m", "as fast as possible (max) / back to x1" },
    { "j", "jump to a virtual time (type e.g. 30s, Enter)" },
    { "click", "inspect a process (click empty space to close)" },
    { "0, 1-9", "all nodes / only node 1-9" },
    { "a", "only one application's processes: each in turn, then all" },
    { "wheel, arrows", "zoom / pan (drag with the mouse to pan)" },
    { "r", "reset zoom and pan" },
    { "g", "ring / grid layout" },
    { "l", "next load in the timeline" },
    { "p", "save a screenshot (PNG) in the current folder" },
    { "h, ?", "this help" },
    { "q, Esc", "close the view (the run goes on to its end)" },
    { NULL, NULL },
};

/* ---- primitives ----------------------------------------------------------------------------- */
static SDL_Color col(unsigned rgb, Uint8 a) { return (SDL_Color){ (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, a }; }

static void fill_rect(SDL_Renderer *r, float x, float y, float w, float h, unsigned rgb, Uint8 a)
{
    SDL_SetRenderDrawColor(r, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, a);
    SDL_FRect f = { x, y, w, h };
    SDL_RenderFillRectF(r, &f);
}

static void outline(SDL_Renderer *r, float x, float y, float w, float h, unsigned rgb, float t)
{
    fill_rect(r, x, y, w, t, rgb, 255);
    fill_rect(r, x, y + h - t, w, t, rgb, 255);
    fill_rect(r, x, y, t, h, rgb, 255);
    fill_rect(r, x + w - t, y, t, h, rgb, 255);
}

static void line(SDL_Renderer *r, float x1, float y1, float x2, float y2, unsigned rgb, Uint8 a, float w)
{
    if (w <= 1.01f) {
        SDL_SetRenderDrawColor(r, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, a);
        SDL_RenderDrawLineF(r, x1, y1, x2, y2);
        return;
    }
    /* Parallel 1-pixel lines half a pixel apart, not a quad of two triangles: the software
     * renderer (headless frames, Xvfb) fills a triangle by scanning its bounding box, so a long
     * diagonal link cost its whole width x height — a second per frame with 64 meshed nodes.
     * Lines cost their length times the width. */
    float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy);
    if (len < 0.01f) return;
    float ux = -dy / len, uy = dx / len;
    int n = (int)ceilf(w * 2);
    SDL_SetRenderDrawColor(r, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, a);
    for (int k = 0; k <= n; k++) {
        float o = -w / 2 + w * (float)k / (float)n;
        SDL_RenderDrawLineF(r, x1 + ux * o, y1 + uy * o, x2 + ux * o, y2 + uy * o);
    }
}

static void dashed(SDL_Renderer *r, float x1, float y1, float x2, float y2, unsigned rgb, float w, float dash, float gap)
{
    float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy);
    if (len < 1) return;
    float ux = dx / len, uy = dy / len;
    for (float s = 0; s < len; s += dash + gap) {
        float e = s + dash > len ? len : s + dash;
        line(r, x1 + ux * s, y1 + uy * s, x1 + ux * e, y1 + uy * e, rgb, 255, w);
    }
}

#define SEGS 20
static void disc(SDL_Renderer *r, float cx, float cy, float rad, unsigned rgb, Uint8 a)
{
    SDL_Vertex v[SEGS + 1];
    int idx[SEGS * 3];
    SDL_Color c = col(rgb, a);
    v[0] = (SDL_Vertex){ { cx, cy }, c, { 0, 0 } };
    for (int i = 0; i < SEGS; i++) {
        float ang = (float)i * 6.2831853f / SEGS;
        v[i + 1] = (SDL_Vertex){ { cx + rad * cosf(ang), cy + rad * sinf(ang) }, c, { 0, 0 } };
        idx[3 * i] = 0;
        idx[3 * i + 1] = i + 1;
        idx[3 * i + 2] = (i + 1) % SEGS + 1;
    }
    SDL_RenderGeometry(r, NULL, v, SEGS + 1, idx, SEGS * 3);
}

static void ring(SDL_Renderer *r, float cx, float cy, float rad, unsigned rgb, Uint8 a, float w)
{
    SDL_Vertex v[SEGS * 2];
    int idx[SEGS * 6];
    SDL_Color c = col(rgb, a);
    for (int i = 0; i < SEGS; i++) {
        float ang = (float)i * 6.2831853f / SEGS, cs = cosf(ang), sn = sinf(ang);
        v[2 * i] = (SDL_Vertex){ { cx + rad * cs, cy + rad * sn }, c, { 0, 0 } };
        v[2 * i + 1] = (SDL_Vertex){ { cx + (rad + w) * cs, cy + (rad + w) * sn }, c, { 0, 0 } };
        int j = (i + 1) % SEGS;
        int *k = &idx[6 * i];
        k[0] = 2 * i, k[1] = 2 * i + 1, k[2] = 2 * j + 1;
        k[3] = 2 * i, k[4] = 2 * j + 1, k[5] = 2 * j;
    }
    SDL_RenderGeometry(r, NULL, v, SEGS * 2, idx, SEGS * 6);
}

static int text(viz_draw_t *d, const viz_font_t *f, float x, float y, unsigned rgb, const char *s)
{
    return viz_text_draw(d->r, f, x, y, s, (size_t)-1, rgb);
}

/* Text cut to max_w pixels. */
static int text_fit(viz_draw_t *d, const viz_font_t *f, float x, float y, unsigned rgb, const char *s, float max_w)
{
    return viz_text_draw(d->r, f, x, y, s, viz_text_fit(f, s, max_w), rgb);
}

static void fmt_time(sim_time_t t, char *b, size_t n)
{
    uint64_t ms = t / SIM_TIME_MS;
    if (t < 60 * SIM_TIME_S) snprintf(b, n, "%.3f s", (double)t / 1e9);
    else if (t < 3600 * SIM_TIME_S) snprintf(b, n, "%um%06.3fs", (unsigned)(ms / 60000), (double)(ms % 60000) / 1e3);
    else snprintf(b, n, "%uh%02um%02us", (unsigned)(ms / 3600000), (unsigned)(ms / 60000 % 60), (unsigned)(ms / 1000 % 60));
}

static void fmt_count(double v, char *b, size_t n)
{
    if (v >= 1e9) snprintf(b, n, "%.1fG", v / 1e9);
    else if (v >= 1e6) snprintf(b, n, "%.1fM", v / 1e6);
    else if (v >= 1e4) snprintf(b, n, "%.0fk", v / 1e3);
    else if (v >= 1e3) snprintf(b, n, "%.1fk", v / 1e3);
    else if (v >= 10 || v == 0) snprintf(b, n, "%.0f", v);
    else snprintf(b, n, "%.1f", v);
}

static void fmt_int(uint64_t v, char *b, size_t n)
{
    if (v < 10000) snprintf(b, n, "%" PRIu64, v);
    else fmt_count((double)v, b, n);
}

static void fmt_bytes(uint64_t v, char *b, size_t n)
{
    if (v >= (1u << 30)) snprintf(b, n, "%.1f GB", (double)v / (1u << 30));
    else if (v >= (1u << 20)) snprintf(b, n, "%.1f MB", (double)v / (1u << 20));
    else if (v >= 1024) snprintf(b, n, "%.0f kB", (double)v / 1024);
    else snprintf(b, n, "%u B", (unsigned)v);
}

/* ---- init ----------------------------------------------------------------------------------- */
int viz_draw_init(viz_draw_t *d, SDL_Renderer *r, const char *font, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->r = r;
    const char *reg = font ? font : VIZ_FONT_REGULAR;
    char bold[4200];
    snprintf(bold, sizeof bold, "%s", reg);
    char *dot = strrchr(bold, '.');
    if (!font) snprintf(bold, sizeof bold, "%s", VIZ_FONT_BOLD);
    else if (dot) snprintf(dot, sizeof bold - (size_t)(dot - bold), "-Bold.ttf");
    if (viz_font_open(&d->small, r, reg, 11, err, errlen) != 0) return -1;
    if (viz_font_open(&d->normal, r, reg, 13, err, errlen) != 0) goto fail;
    if (viz_font_open(&d->bold, r, bold, 13, err, errlen) != 0 && viz_font_open(&d->bold, r, reg, 13, err, errlen) != 0)
        goto fail;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    return 0;
fail:
    viz_font_close(&d->small);
    viz_font_close(&d->normal);
    return -1;
}

void viz_draw_deinit(viz_draw_t *d)
{
    viz_font_close(&d->small);
    viz_font_close(&d->normal);
    viz_font_close(&d->bold);
}

/* ---- links ---------------------------------------------------------------------------------- */
/* Parameter t in [0, 1] where the segment p -> q leaves the box (p inside it). */
static float leave_box(const viz_rect_t *b, float px, float py, float qx, float qy)
{
    float t = 1, dx = qx - px, dy = qy - py;
    if (dx > 0) t = fminf(t, (b->x + b->w - px) / dx);
    if (dx < 0) t = fminf(t, (b->x - px) / dx);
    if (dy > 0) t = fminf(t, (b->y + b->h - py) / dy);
    if (dy < 0) t = fminf(t, (b->y - py) / dy);
    return t < 0 ? 0 : t;
}

/* The part of the centre-to-centre segment outside both boxes. */
static bool link_segment(const viz_layout_t *l, uint32_t a, uint32_t b, float *x1, float *y1, float *x2, float *y2)
{
    if (a >= l->nnodes || b >= l->nnodes || l->box[a].w <= 0 || l->box[b].w <= 0) return false;
    float ax, ay, bx, by;
    viz_rect_center(&l->box[a], &ax, &ay);
    viz_rect_center(&l->box[b], &bx, &by);
    float ta = leave_box(&l->box[a], ax, ay, bx, by), tb = 1 - leave_box(&l->box[b], bx, by, ax, ay);
    if (tb < ta) tb = ta = (ta + tb) / 2;
    *x1 = ax + (bx - ax) * ta;
    *y1 = ay + (by - ay) * ta;
    *x2 = ax + (bx - ax) * tb;
    *y2 = ay + (by - ay) * tb;
    return true;
}

bool viz_draw_link_mid(const viz_layout_t *l, uint32_t a, uint32_t b, float *x, float *y)
{
    float x1, y1, x2, y2;
    if (!link_segment(l, a, b, &x1, &y1, &x2, &y2)) return false;
    *x = (x1 + x2) / 2;
    *y = (y1 + y2) / 2;
    return true;
}

static void flow(viz_draw_t *d, float x1, float y1, float x2, float y2, double rate, uint64_t frame, float off)
{
    if (rate < 0.5) return;
    float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy);
    if (len < 4) return;
    float ux = dx / len, uy = dy / len, nx = -uy * off, ny = ux * off;
    float w = 1 + (float)fmin(5, log10(1 + rate));
    line(d->r, x1 + nx, y1 + ny, x2 + nx, y2 + ny, VIZ_C_FLOW, 110, w);
    int dots = (int)fmin(8, 1 + log2(1 + rate) / 2);
    float gap = len / (float)dots, phase = fmodf((float)frame * 3.0f, gap);
    for (int k = 0; k < dots; k++) {
        float s = phase + gap * (float)k;
        disc(d->r, x1 + nx + ux * s, y1 + ny + uy * s, w / 2 + 1.5f, VIZ_C_FLOW, 255);
    }
}

/* Past VIZ_DENSE_NODES nodes a full mesh has too many links to mark one by one: links are thin,
 * only the busiest flows are drawn (at least a quarter of the busiest pair's rate, at most
 * VIZ_DENSE_FLOWS), and a partition shows on the node boxes ("cut from N") instead of a marker
 * and a label on every cut link. */
static int cmp_desc(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a < b) - (a > b);
}

static double flow_floor(const viz_model_t *m, const viz_layout_t *l)
{
    if (m->nnodes <= VIZ_DENSE_NODES) return 0;
    double top = 0;
    for (uint32_t b = 1; b < m->nnodes; b++)
        for (uint32_t a = 0; a < b; a++) {
            if (!l->visible[a] && !l->visible[b]) continue;
            const viz_pair_t *p = &m->pairs[b * (b - 1) / 2 + a];
            top = fmax(top, fmax(p->rate_ab, p->rate_ba));
        }
    /* the rates at a quarter of the top or more; past VIZ_DENSE_FLOWS of them, only those above
     * the first one left out */
    double floor_ = top / 4, *r = malloc((size_t)m->nnodes * m->nnodes * sizeof *r);
    if (!r) return top;
    size_t n = 0;
    for (uint32_t b = 1; b < m->nnodes; b++)
        for (uint32_t a = 0; a < b; a++) {
            if (!l->visible[a] && !l->visible[b]) continue;
            const viz_pair_t *p = &m->pairs[b * (b - 1) / 2 + a];
            if (p->rate_ab >= floor_) r[n++] = p->rate_ab;
            if (p->rate_ba >= floor_) r[n++] = p->rate_ba;
        }
    if (n > VIZ_DENSE_FLOWS) {
        qsort(r, n, sizeof *r, cmp_desc);
        floor_ = nextafter(r[VIZ_DENSE_FLOWS], INFINITY);
    }
    free(r);
    return floor_;
}

uint32_t viz_draw_cut_count(const viz_model_t *m, uint32_t node)
{
    uint32_t k = 0;
    for (uint32_t o = 0; o < m->nnodes; o++) {
        if (o == node) continue;
        uint32_t a = o < node ? o : node, b = o < node ? node : o;
        const viz_pair_t *p = &m->pairs[b * (b - 1) / 2 + a];
        k += p->blocked_ab || p->blocked_ba;
    }
    return k;
}

static const unsigned side_rgb[8] = { 0xff2d55u, 0x32d74bu, 0xffd60au, 0xbf5af2u, 0x64d2ffu, 0xff9f0au, 0xac8e68u, 0xe0e0e0u };

static uint32_t uf_find(uint16_t *up, uint32_t i)
{
    while (up[i] != i) i = up[i] = up[up[i]];
    return i;
}

void viz_draw_sides(viz_draw_t *d, const viz_model_t *m)
{
    uint16_t up[VIZ_MAX_NODES];
    for (uint32_t i = 0; i < m->nnodes; i++) up[i] = (uint16_t)i;
    for (uint32_t b = 1; b < m->nnodes; b++)
        for (uint32_t a = 0; a < b; a++) {
            const viz_pair_t *p = &m->pairs[b * (b - 1) / 2 + a];
            if (p->blocked_ab || p->blocked_ba || !m->nodes[a].up || !m->nodes[b].up) continue;
            uint32_t x = uf_find(up, a), y = uf_find(up, b);
            if (x != y) up[x > y ? x : y] = (uint16_t)(x < y ? x : y); /* the smaller index leads */
        }
    uint8_t id[VIZ_MAX_NODES];
    memset(id, 0xff, sizeof id);
    d->nsides = 0;
    memset(d->side_nodes, 0, sizeof d->side_nodes);
    for (uint32_t i = 0; i < m->nnodes; i++) {
        if (!m->nodes[i].up) {
            d->side[i] = 255;
            continue;
        }
        uint32_t root = uf_find(up, i);
        if (id[root] == 0xff) id[root] = (uint8_t)(d->nsides < 7 ? d->nsides++ : (d->nsides++, 7));
        d->side[i] = id[root];
        d->side_nodes[id[root]]++;
    }
}

void viz_draw_links(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, uint64_t frame)
{
    bool dense = m->nnodes > VIZ_DENSE_NODES;
    double fmin_ = flow_floor(m, l);
    /* three passes: lines and flows, then the messages in flight, then markers and labels on top */
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 2 && dense) break;
        if (pass == 1) {
            for (uint32_t i = 0; i < m->nsprites; i++) {
                const viz_sprite_t *s = &m->sprites[i];
                float x1, y1, x2, y2;
                if (s->from_node == s->to_node || !link_segment(l, s->from_node, s->to_node, &x1, &y1, &x2, &y2)) continue;
                float f = (float)s->age / VIZ_SPRITE_FRAMES;
                disc(d->r, x1 + (x2 - x1) * f, y1 + (y2 - y1) * f, 3, 0xffffffu, 230);
            }
            continue;
        }
        for (uint32_t b = 1; b < m->nnodes; b++) {
            for (uint32_t a = 0; a < b; a++) {
                if (!l->visible[a] && !l->visible[b]) continue;
                const viz_pair_t *p = &m->pairs[b * (b - 1) / 2 + a];
                float x1, y1, x2, y2;
                if (!link_segment(l, a, b, &x1, &y1, &x2, &y2)) continue;
                bool cut = p->blocked_ab || p->blocked_ba;
                float mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
                if (pass == 0 && dense) {
                    if (p->degraded && !cut) line(d->r, x1, y1, x2, y2, VIZ_C_DEGRADED, 160, 1);
                    else if (p->state == 2 && !cut) line(d->r, x1, y1, x2, y2, VIZ_C_LINK_UP, 50, 1);
                    if (p->rate_ab >= fmin_) flow(d, x1, y1, x2, y2, p->rate_ab, frame, 3);
                    if (p->rate_ba >= fmin_) flow(d, x2, y2, x1, y1, p->rate_ba, frame, 3);
                    continue;
                }
                if (pass == 0) {
                    if (cut) dashed(d->r, x1, y1, x2, y2, VIZ_C_CUT, 2, 8, 6);
                    else if (p->degraded) line(d->r, x1, y1, x2, y2, VIZ_C_DEGRADED, 255, 3);
                    else if (p->state == 2) line(d->r, x1, y1, x2, y2, VIZ_C_LINK_UP, 255, 2);
                    else if (p->state == 1) dashed(d->r, x1, y1, x2, y2, VIZ_C_LINK_UP, 1, 4, 4);
                    else line(d->r, x1, y1, x2, y2, VIZ_C_LINK, 255, 1);
                    flow(d, x1, y1, x2, y2, p->rate_ab, frame, 4);
                    flow(d, x2, y2, x1, y1, p->rate_ba, frame, 4);
                    continue;
                }
                char lab[64];
                if (p->rate_ab + p->rate_ba >= 0.5) {
                    char c[16];
                    fmt_count(p->rate_ab + p->rate_ba, c, sizeof c);
                    snprintf(lab, sizeof lab, "%s msg/s", c);
                    text(d, &d->small, mx + 12, my + 4, VIZ_C_FLOW, lab);
                }
                if (p->degraded && !cut) {
                    snprintf(lab, sizeof lab, "+%.0fms loss %u ppm", (double)p->extra_ns / 1e6, p->loss_ppm);
                    text(d, &d->small, mx + 12, my - 16, VIZ_C_DEGRADED, lab);
                }
                if (cut) { /* the cut marker: opaque red square with a dark cross */
                    fill_rect(d->r, mx - 9, my - 9, 18, 18, VIZ_C_CUT, 255);
                    line(d->r, mx - 5, my - 5, mx + 5, my + 5, VIZ_C_BG, 255, 2);
                    line(d->r, mx - 5, my + 5, mx + 5, my - 5, VIZ_C_BG, 255, 2);
                    const char *na = m->nodes[a].name, *nb = m->nodes[b].name;
                    if (p->blocked_ab && p->blocked_ba) snprintf(lab, sizeof lab, "partitioned");
                    else if (p->blocked_ab) snprintf(lab, sizeof lab, "%.24s -/-> %.24s", na, nb);
                    else snprintf(lab, sizeof lab, "%.24s -/-> %.24s", nb, na);
                    text(d, &d->small, mx + 12, my - 16, VIZ_C_CUT, lab);
                }
            }
        }
    }
}

/* ---- node boxes ----------------------------------------------------------------------------- */
static unsigned heat(double v) { return v < 0.7 ? 0x30d158u : v < 0.9 ? 0xff9f0au : 0xff453au; }

static void bar(viz_draw_t *d, float x, float y, float w, double v, unsigned rgb)
{
    if (v < 0) v = 0;
    if (v > 1) v = 1;
    fill_rect(d->r, x, y, w, 8, 0x3a4150u, 255);
    fill_rect(d->r, x, y, (float)(w * v), 8, rgb, 255);
}

static void draw_item(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, const viz_item_t *it, rt_pid_t selected)
{
    SDL_Renderer *r = d->r;
    float x = it->x, y = it->y;
    float label_w = it->loose ? VIZ_SLOT * 3 - 4 : l->spacing_x[it->node] - 2;
    char buf[64];
    if (it->kind == VIZ_ITEM_GROUP) {
        ring(r, x, y, 6, VIZ_C_GROUP, 255, 1.5f);
        fmt_int(it->count, buf + 1, sizeof buf - 1);
        buf[0] = '+';
        if (it->loose) {
            size_t n = strlen(buf);
            snprintf(buf + n, sizeof buf - n, " other process%s", it->count == 1 ? "" : "es");
            const viz_rect_t *b = &l->box[it->node];
            text_fit(d, &d->small, x + 10, y - 7, VIZ_C_DIM, buf, b->x + b->w - x - 14);
        } else {
            text(d, &d->small, x - 6, y + 8, VIZ_C_DIM, buf);
        }
        return;
    }
    const viz_proc_t *p = viz_model_slot(m, it->slot);
    if (!p) return;
    uint64_t age = m->frame - p->flash_frame + 1;
    bool flash = p->flash_frame && age < m->flash_frames;
    if (p->flags & VIZ_P_DEAD) {
        unsigned c = (p->flags & VIZ_P_CRASHED) ? VIZ_C_CRASH : VIZ_C_GROUP;
        line(r, x - 5, y - 5, x + 5, y + 5, c, 255, 2.5f);
        line(r, x - 5, y + 5, x + 5, y - 5, c, 255, 2.5f);
        if (flash && (p->flags & VIZ_P_CRASHED)) ring(r, x, y, 7 + (float)age * 0.6f, VIZ_C_CRASH, (Uint8)(255 - age * 200 / m->flash_frames), 2);
        return;
    }
    if (p->flags & VIZ_P_SUP) fill_rect(r, x - 6, y - 6, 12, 12, VIZ_C_SUP, 255);
    else disc(r, x, y, 6, p->label[0] || !it->loose ? VIZ_C_WORKER : VIZ_C_CPROC, 255);
    if (p->pid == selected) ring(r, x, y, 9, VIZ_C_SELECT, 255, 2);
    if (flash && p->restarts) ring(r, x, y, 8 + (float)age * 0.4f, VIZ_C_RESTART, (Uint8)(255 - age * 200 / m->flash_frames), 2);
    if (p->restarts) { /* the restart badge: opaque green with the count */
        fill_rect(r, x + 4, y - 13, 11, 9, VIZ_C_RESTART, 255);
        snprintf(buf, sizeof buf, "%u", p->restarts > 99 ? 99 : p->restarts);
        viz_text_draw(r, &d->small, x + 5, y - 15, buf, (size_t)-1, VIZ_C_BG);
    }
    if (p->mailbox) {
        float h = fminf(20, 3 * log2f(1 + (float)p->mailbox));
        unsigned c = p->mailbox < 10 ? 0x30d158u : p->mailbox < 1000 ? 0xff9f0au : 0xff453au;
        fill_rect(r, x + 8, y + 6 - h, 4, h, c, 255);
        if (label_w >= 40 && p->mailbox >= 2) {
            fmt_int(p->mailbox, buf, sizeof buf);
            text(d, &d->small, x + 14, y - 2, c, buf);
        }
    }
    if (it->loose) { /* bottom row: the label to the right */
        char pid[32];
        const char *lab = p->label;
        if (!lab[0]) {
            rt_id_format(p->pid, pid, sizeof pid);
            lab = pid;
        }
        text_fit(d, &d->small, x + (p->mailbox ? 14 : 9), y - 14, VIZ_C_DIM, lab, label_w - 14);
    } else if (label_w >= 36) {
        const char *lab = p->label;
        char pid[32];
        if (!lab[0]) {
            rt_id_format(p->pid, pid, sizeof pid);
            lab = pid;
        }
        size_t n = viz_text_fit(&d->small, lab, label_w);
        int tw = viz_text_width(&d->small, lab, n);
        viz_text_draw(r, &d->small, x - (float)tw / 2, y + 7, lab, n, VIZ_C_DIM);
    }
}

void viz_draw_node(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, uint32_t ni, rt_pid_t selected)
{
    if (ni >= m->nnodes || !l->visible[ni]) return;
    const viz_node_t *n = &m->nodes[ni];
    const viz_rect_t *b = &l->box[ni];
    SDL_Renderer *r = d->r;
    bool flash = n->flash_frame && m->frame - n->flash_frame + 1 < m->flash_frames;
    fill_rect(r, b->x, b->y, b->w, b->h, n->up ? VIZ_C_BOX : VIZ_C_DOWN, 255);
    unsigned hc = !n->up ? VIZ_C_DOWN_HEADER : n->paused ? VIZ_C_PAUSED : VIZ_C_HEADER;
    fill_rect(r, b->x, b->y, b->w, 20, hc, 255);
    outline(r, b->x, b->y, b->w, b->h, flash ? VIZ_C_CRASH : VIZ_C_BORDER, flash ? 3 : 1);
    char buf[128], c1[24], c2[24];
    float tw = b->w - 12;
    const char *state = !n->up ? "DOWN" : n->paused ? "PAUSED" : NULL;
    if (!state && n->slow != 1) {
        snprintf(c1, sizeof c1, "SLOW x%g", n->slow);
        state = c1;
    }
    unsigned state_rgb = n->up ? 0xffd60au : 0xffffffu;
    uint32_t cut = m->nnodes > VIZ_DENSE_NODES && n->up ? viz_draw_cut_count(m, ni) : 0;
    if (cut) { /* a dense cluster marks partitions on the nodes (their side's colour), not on each link */
        unsigned sc = d->nsides >= 2 && d->side[ni] < 8 ? side_rgb[d->side[ni]] : VIZ_C_CUT;
        outline(r, b->x, b->y, b->w, b->h, sc, 2);
        if (!state) {
            snprintf(c1, sizeof c1, "CUT %u", cut);
            state = c1;
            state_rgb = VIZ_C_CUT;
        }
    }
    int sw = state ? viz_text_width(&d->bold, state, strlen(state)) : 0;
    if (state && tw - (float)sw < 56) state = NULL, sw = 0; /* a narrow box keeps its name */
    text_fit(d, &d->bold, b->x + 6, b->y + 3, n->up ? VIZ_C_TEXT : 0xe0e0e0u, n->name, tw - (float)sw - 8);
    if (state) text(d, &d->bold, b->x + b->w - 6 - (float)sw, b->y + 3, state_rgb, state);
    if (b->h < VIZ_HEADER_H) return;
    float y = b->y + 24, x = b->x + 6;
    if (n->up) {
        x += (float)text(d, &d->small, x, y - 2, VIZ_C_DIM, "cpu ");
        snprintf(buf, sizeof buf, "%3.0f%%", n->cpu * 100);
        float pw = (float)viz_text_width(&d->small, buf, strlen(buf)), bw = b->x + b->w - 6 - x - pw - 4;
        bw = bw > 50 ? 50 : bw; /* a narrow box: a shorter bar */
        if (bw >= 12) {
            bar(d, x, y + 1, bw, n->cpu, heat(n->cpu));
            x += bw + 4 + (float)text(d, &d->small, x + bw + 4, y - 2, VIZ_C_TEXT, buf) + 10;
        } else {
            x += (float)text(d, &d->small, x, y - 2, VIZ_C_TEXT, buf) + 10;
        }
        fmt_bytes(n->mem, c2, sizeof c2);
        float right = b->x + b->w - 6, need = (float)viz_text_width(&d->small, "mem ", 4) +
                                               (n->mem_limit ? 54 : 0) + (float)viz_text_width(&d->small, c2, strlen(c2));
        if (x + need <= right) { /* a narrow box shows the CPU only */
            x += (float)text(d, &d->small, x, y - 2, VIZ_C_DIM, "mem ");
            if (n->mem_limit) {
                double u = (double)n->mem / (double)n->mem_limit;
                bar(d, x, y + 1, 50, u, heat(u));
                x += 54;
            }
            text(d, &d->small, x, y - 2, VIZ_C_TEXT, c2);
        }
        fmt_int(n->nprocs, c1, sizeof c1);
        snprintf(buf, sizeof buf, "%s procs  rq %u  %u core%s", c1, n->rq_len, n->cores, n->cores == 1 ? "" : "s");
        if (n->crashes) {
            size_t k = strlen(buf);
            snprintf(buf + k, sizeof buf - k, "  crashes %" PRIu64, n->crashes);
        }
        uint32_t deep = 0;
        for (int h = 0; h < VIZ_HOT; h++) deep = n->hot[h] && n->hot_mailbox[h] > deep ? n->hot_mailbox[h] : deep;
        if (deep >= 100) {
            size_t k = strlen(buf);
            fmt_int(deep, c2, sizeof c2);
            snprintf(buf + k, sizeof buf - k, "  deepest mailbox %s", c2);
        }
        text_fit(d, &d->small, b->x + 6, y + 10, VIZ_C_DIM, buf, tw);
    } else {
        snprintf(buf, sizeof buf, "node down  crashes %" PRIu64, n->crashes);
        text_fit(d, &d->small, b->x + 6, y, 0xe0e0e0u, buf, tw);
    }
    /* tree edges, then the processes */
    uint32_t f = l->first_item[ni], e = f + l->nitems_node[ni];
    SDL_Rect clip = { (int)b->x, (int)b->y + 20, (int)b->w, (int)b->h - 20 };
    SDL_Rect main = { (int)l->main.x, (int)l->main.y, (int)l->main.w, (int)l->main.h };
    SDL_Rect c;
    if (SDL_IntersectRect(&clip, &main, &c)) SDL_RenderSetClipRect(r, &c);
    for (uint32_t i = f; i < e; i++) {
        const viz_item_t *it = &l->items[i];
        if (it->parent >= 0) {
            const viz_item_t *p = &l->items[it->parent];
            line(r, p->x, p->y, it->x, it->y, VIZ_C_EDGE, 255, 1);
        }
    }
    for (uint32_t i = f; i < e; i++) draw_item(d, m, l, &l->items[i], selected);
    SDL_RenderSetClipRect(r, &main);
}

/* ---- timeline ------------------------------------------------------------------------------- */
static unsigned fault_color(uint8_t kind)
{
    switch (kind) {
    case VIZ_F_PARTITION: return VIZ_C_CUT;
    case VIZ_F_NODE_DOWN: return 0xa0a0a0u;
    case VIZ_F_PAUSE: return VIZ_C_PAUSED;
    case VIZ_F_SLOW: return 0xff9f0au;
    case VIZ_F_DEGRADE: return 0xffd60au;
    case VIZ_F_NEMESIS: return 0xbf5af2u;
    default: return 0xffffffu;
    }
}

static bool slo_bad(const viz_slo_t *s, double v)
{
    switch (s->op) {
    case -2: return !(v < s->value);
    case -1: return !(v <= s->value);
    case 1: return !(v >= s->value);
    default: return !(v > s->value);
    }
}

/* One sparkline of field `off` of the series' samples, with its SLO thresholds. */
static void spark(viz_draw_t *d, const viz_model_t *m, const viz_series_t *se, size_t off, const char *metric, float x0,
                  float x1, float y0, float h, double T, unsigned rgb, const char *name, const char *unit)
{
    double vmax = 0;
    for (uint32_t i = 0; i < se->n; i++) vmax = fmax(vmax, *(const double *)((const char *)&se->v[i] + off));
    for (uint32_t k = 0; k < m->nslos; k++)
        if (strcmp(m->slos[k].load, se->name) == 0 && strcmp(m->slos[k].metric, metric) == 0) vmax = fmax(vmax, m->slos[k].value * 1.15);
    if (vmax <= 0) vmax = 1;
    float px = -1, py = 0, lastx = -1;
    double colmax = 0;
    for (uint32_t i = 0; i < se->n; i++) {
        double v = *(const double *)((const char *)&se->v[i] + off);
        float x = x0 + (float)((x1 - x0) * (se->v[i].t / T)), y = y0 + h - (float)(h * v / vmax);
        if (x > x1) break;
        if ((int)x == (int)lastx && i + 1 < se->n) { /* decimate to the pixel column: keep its peak */
            colmax = fmax(colmax, v);
            continue;
        }
        if (colmax > v) y = y0 + h - (float)(h * colmax / vmax);
        colmax = 0;
        if (px >= 0) line(d->r, px, py, x, y, rgb, 255, 1.5f);
        else disc(d->r, x, y, 1.5f, rgb, 255);
        px = x, py = y, lastx = x;
    }
    char buf[96], c[24];
    for (uint32_t k = 0; k < m->nslos; k++) {
        const viz_slo_t *s = &m->slos[k];
        if (strcmp(s->load, se->name) != 0 || strcmp(s->metric, metric) != 0) continue;
        float ty = y0 + h - (float)(h * s->value / vmax);
        dashed(d->r, x0, ty, x1, ty, VIZ_C_SLO, 1, 5, 4);
        for (uint32_t i = 0; i < se->n; i++) { /* violation marks */
            double v = *(const double *)((const char *)&se->v[i] + off);
            if (!slo_bad(s, v)) continue;
            float x = x0 + (float)((x1 - x0) * (se->v[i].t / T));
            fill_rect(d->r, x - 1, y0 + h - 5, 3, 5, VIZ_C_SLO, 255);
        }
    }
    double last = se->n ? *(const double *)((const char *)&se->v[se->n - 1] + off) : 0;
    fmt_count(last, c, sizeof c);
    snprintf(buf, sizeof buf, "%s %s%s", name, c, unit);
    text(d, &d->small, x0 + 4, y0 + 1, rgb, buf);
}

void viz_draw_timeline(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, int series, sim_time_t horizon)
{
    const viz_rect_t *t = &l->timeline;
    fill_rect(d->r, t->x, t->y, t->w, t->h, VIZ_C_PANEL, 255);
    fill_rect(d->r, t->x, t->y, t->w, 1, VIZ_C_BORDER, 255);
    float x0 = t->x + 10, x1 = t->x + t->w - 10;
    sim_time_t end = m->now > horizon ? m->now : horizon;
    if (end < SIM_TIME_S) end = SIM_TIME_S;
    double T = (double)end / 1e9;
    char buf[128], c[32];
    const viz_series_t *se = m->nseries ? &m->series[(uint32_t)series % m->nseries] : NULL;
    if (se) snprintf(buf, sizeof buf, "timeline  load %s", se->name);
    else snprintf(buf, sizeof buf, "timeline  (no load time series: sim.load or sim.watch)");
    text(d, &d->small, x0, t->y + 4, VIZ_C_DIM, buf);
    fmt_time(end, c, sizeof c);
    int cw = viz_text_width(&d->small, c, strlen(c));
    text(d, &d->small, x1 - (float)cw, t->y + 4, VIZ_C_DIM, c);
    float py = t->y + 20, ph = (t->h - 26) / 2 - 2;
    if (ph < 8) return;
    fill_rect(d->r, x0, py, x1 - x0, ph, 0x191c22u, 255);
    fill_rect(d->r, x0, py + ph + 4, x1 - x0, ph, 0x191c22u, 255);
    /* fault windows as bands behind the sparklines */
    float lab_x_end = -1;
    for (uint32_t i = 0; i < m->nfaults; i++) {
        const viz_fault_t *f = &m->faults[i];
        sim_time_t f1 = f->t1 == SIM_TIME_MAX ? m->now : f->t1;
        float fx0 = x0 + (float)((x1 - x0) * ((double)f->t0 / 1e9 / T)), fx1 = x0 + (float)((x1 - x0) * ((double)f1 / 1e9 / T));
        unsigned fc = fault_color(f->kind);
        if (f->kind == VIZ_F_INSTANT) { /* a kill, a disconnect: a short tick at the top */
            fill_rect(d->r, fx0, py - 4, 1, 9, 0xff9f0au, 220);
            continue;
        }
        if (fx1 - fx0 < 2) fx1 = fx0 + 2;
        fill_rect(d->r, fx0, py, fx1 - fx0, 2 * ph + 4, fc, 60);
        fill_rect(d->r, fx0, py, fx1 - fx0, 3, fc, 255);
        if (fx0 > lab_x_end && fx1 - fx0 > 30) {
            size_t n = viz_text_fit(&d->small, f->label, fx1 - fx0 - 4);
            lab_x_end = fx0 + (float)viz_text_draw(d->r, &d->small, fx0 + 3, py + 2 * ph - 10, f->label, n, fc);
        }
    }
    if (se) {
        spark(d, m, se, offsetof(viz_sample_t, throughput), "throughput", x0, x1, py, ph, T, VIZ_C_THROUGHPUT, "throughput", "/s");
        spark(d, m, se, offsetof(viz_sample_t, p99), "p99", x0, x1, py + ph + 4, ph, T, VIZ_C_P99, "p99", " ms");
    }
    float nx = x0 + (float)((x1 - x0) * ((double)m->now / 1e9 / T));
    fill_rect(d->r, nx - 1, py - 2, 2, 2 * ph + 8, 0xffffffu, 255);
}

/* ---- inspector ------------------------------------------------------------------------------ */
/* Draws s (up to a newline or its end) wrapped to width w in at most max_lines lines, breaking
 * after a space where one is near; the last line ends in "..." when s goes on. Returns the y
 * after the last line. */
static float text_wrap(viz_draw_t *d, const viz_font_t *f, float x, float y, float w, float lh, unsigned rgb,
                       const char *s, int max_lines)
{
    size_t len = strcspn(s, "\n");
    for (int k = 0; len && k < max_lines; k++) {
        char line[512];
        size_t n = len < sizeof line - 1 ? len : sizeof line - 1;
        memcpy(line, s, n);
        line[n] = 0;
        size_t fit = viz_text_fit(f, line, w);
        if (fit == 0) fit = 1;
        if (fit < n) {
            size_t sp = fit;
            while (sp > fit / 2 && line[sp - 1] != ' ') sp--;
            if (sp > fit / 2) fit = sp;
        }
        if (k == max_lines - 1 && fit < len) {
            fit = viz_text_fit(f, line, w - (float)viz_text_width(f, "...", 3));
            int tw = viz_text_draw(d->r, f, x, y, line, fit, rgb);
            viz_text_draw(d->r, f, x + (float)tw, y, "...", 3, rgb);
            return y + lh;
        }
        viz_text_draw(d->r, f, x, y, line, fit, rgb);
        s += fit;
        len -= fit;
        y += lh;
    }
    return y;
}

void viz_draw_inspector(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l)
{
    const viz_rect_t *p = &l->panel;
    if (p->w <= 0 || !m->inspect.pid) return;
    const viz_inspect_t *in = &m->inspect;
    fill_rect(d->r, p->x, p->y, p->w, p->h, VIZ_C_PANEL, 255);
    fill_rect(d->r, p->x, p->y, 1, p->h, VIZ_C_BORDER, 255);
    float x = p->x + 10, y = p->y + 8, w = p->w - 20, lh = 16;
    char buf[256], id[32], t[32];
    rt_id_format(in->pid, id, sizeof id);
    snprintf(buf, sizeof buf, "%s  %s", id, in->name[0] ? in->name : in->sup_label);
    text_fit(d, &d->bold, x, y, VIZ_C_TEXT, buf, w);
    y += lh + 4;
#define LINE(rgb, ...)                                          \
    do {                                                        \
        snprintf(buf, sizeof buf, __VA_ARGS__);                 \
        text_fit(d, &d->normal, x, y, rgb, buf, w);             \
        y += lh;                                                \
    } while (0)
    if (!in->alive) {
        fmt_time(in->died, t, sizeof t);
        if (in->exit_reason[0]) LINE(VIZ_C_CRASH, "exited at %s: %s", t, in->exit_reason);
        else LINE(VIZ_C_CRASH, "not alive");
        return;
    }
    static const char *const st[] = { "waiting", "runnable", "running" };
    LINE(VIZ_C_TEXT, "node %s  %s%s%s", in->info.node < m->nnodes ? m->nodes[in->info.node].name : "?", st[in->info.status % 3],
         in->info.trap_exit ? "  trap_exit" : "", in->info.is_c ? "  (C process)" : "");
    if (in->sup_pid) {
        rt_id_format(in->sup_pid, t, sizeof t);
        LINE(VIZ_C_SUP, "supervisor %s  child %s  restarts %u", t, in->sup_label, in->restarts);
    }
    if (in->app && in->app < m->napps) LINE(VIZ_C_TEXT, "application %s", m->apps[in->app]);
    if (in->has_sys) { /* "behaviour name status", then the state as sys.get_state returns it */
        const char *nl = strchr(in->sys, '\n');
        LINE(VIZ_C_SUP, "sys: %.*s", nl ? (int)(nl - in->sys) : (int)strlen(in->sys), in->sys);
        if (nl) y = text_wrap(d, &d->normal, x + 10, y, w - 10, lh, VIZ_C_TEXT, nl + 1, 7);
    }
    fmt_bytes(in->info.mailbox_bytes, t, sizeof t);
    y += 4;
    LINE(in->info.mailbox_len > 100 ? 0xff9f0au : VIZ_C_TEXT, "mailbox %u message%s (%s)", in->info.mailbox_len,
         in->info.mailbox_len == 1 ? "" : "s", t);
    for (uint32_t i = 0; i < in->nmailbox; i++) LINE(VIZ_C_DIM, "  %u. %s", i + 1, in->mailbox[i]);
    if (in->info.mailbox_len > in->nmailbox) LINE(VIZ_C_DIM, "  ...");
    y += 4;
    const struct { const char *what; const rt_pid_t *v; uint32_t n, total; } lists[] = {
        { "links", in->links, in->nlinks, in->info.nlinks },
        { "monitors", in->monitors, in->nmonitors, in->info.nmonitors },
        { "monitored by", in->monitored_by, in->nmonitored_by, in->info.nmonitored_by },
    };
    for (size_t k = 0; k < 3; k++) {
        size_t n = (size_t)snprintf(buf, sizeof buf, "%s (%u):", lists[k].what, lists[k].total);
        for (uint32_t i = 0; i < lists[k].n && n < sizeof buf - 40; i++) {
            buf[n++] = ' ';
            n += (size_t)rt_id_format(lists[k].v[i], buf + n, sizeof buf - n);
        }
        if (lists[k].total > lists[k].n) snprintf(buf + n, sizeof buf - n, " ...");
        text_fit(d, &d->normal, x, y, VIZ_C_TEXT, buf, w);
        y += lh;
    }
    y += 4;
    fmt_time(in->info.started_at, t, sizeof t);
    LINE(VIZ_C_TEXT, "reductions %" PRIu64, in->info.reductions);
    LINE(VIZ_C_TEXT, "messages in %" PRIu64 "  out %" PRIu64, in->info.msgs_in, in->info.msgs_out);
    LINE(VIZ_C_TEXT, "started at %s", t);
#undef LINE
}

/* ---- overlays and the whole frame ----------------------------------------------------------- */
void viz_draw_help(viz_draw_t *d, const viz_layout_t *l)
{
    int lines = 0;
    while (viz_help_lines[lines][0]) lines++;
    float w = 560, h = 40 + 18 * (float)lines, x = (float)l->width / 2 - w / 2, y = (float)l->height / 2 - h / 2;
    fill_rect(d->r, x, y, w, h, 0x0d0f13u, 235);
    outline(d->r, x, y, w, h, VIZ_C_BORDER, 1);
    text(d, &d->bold, x + 14, y + 10, VIZ_C_TEXT, "otpsim live view - keys");
    float yy = y + 34;
    for (int i = 0; viz_help_lines[i][0]; i++, yy += 18) {
        text(d, &d->normal, x + 14, yy, VIZ_C_SUP, viz_help_lines[i][0]);
        text(d, &d->normal, x + 130, yy, VIZ_C_TEXT, viz_help_lines[i][1]);
    }
}

static void draw_top(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, const viz_view_t *v, const viz_status_t *st)
{
    fill_rect(d->r, 0, 0, l->top.w, l->top.h, VIZ_C_PANEL, 255);
    fill_rect(d->r, 0, l->top.h - 1, l->top.w, 1, VIZ_C_BORDER, 255);
    char buf[256], t[32], ev[24];
    fmt_time(m->now, t, sizeof t);
    fmt_int(st->events, ev, sizeof ev);
    float x = 10;
    x += (float)text(d, &d->bold, x, 6, VIZ_C_TEXT, "otpsim") + 10;
    snprintf(buf, sizeof buf, "%s  seed %" PRIu64, st->title ? st->title : "", st->seed);
    x += (float)text_fit(d, &d->normal, x, 6, VIZ_C_DIM, buf, 280) + 16;
    snprintf(buf, sizeof buf, "t = %s", t);
    x += (float)text(d, &d->bold, x, 6, 0xffffffu, buf) + 16;
    x += (float)text(d, &d->normal, x, 6, VIZ_C_SUP, st->speed) + 12;
    x += (float)text(d, &d->normal, x, 6, strncmp(st->state, "paused", 6) == 0 ? 0xffd60au : VIZ_C_RESTART, st->state) + 16;
    if (v->filter_app > 0 && (uint32_t)v->filter_app < m->napps) { /* the application filter (key a) */
        snprintf(buf, sizeof buf, "app %s", m->apps[v->filter_app]);
        x += (float)text_fit(d, &d->bold, x, 6, VIZ_C_SUP, buf, 200) + 16;
    }
    snprintf(buf, sizeof buf, "%s events  %" PRIu64 " crashes  %" PRIu64 " restarts", ev, m->crashes, m->restarts);
    x += (float)text(d, &d->normal, x, 6, VIZ_C_DIM, buf) + 16;
    if (x < l->top.w - 70) text(d, &d->normal, l->top.w - 64, 6, VIZ_C_DIM, "h: help");
}

static void draw_ticker(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l)
{
    uint32_t n = m->nticker < VIZ_TICKER ? m->nticker : VIZ_TICKER;
    if (!n) return;
    float h = 15, x = l->main.x + 8, y = l->main.y + l->main.h - 8 - h * (float)n;
    fill_rect(d->r, x - 4, y - 3, 430, h * (float)n + 6, 0x0d0f13u, 170);
    for (uint32_t i = n; i-- > 0;) {
        const viz_ticker_t *k = viz_model_ticker_at(m, i);
        char buf[160], t[32];
        fmt_time(k->t, t, sizeof t);
        snprintf(buf, sizeof buf, "%s  %s", t, k->text);
        unsigned c = k->kind == 1 ? VIZ_C_CRASH : k->kind == 2 ? VIZ_C_RESTART : k->kind == 3 ? 0xff9f0au : VIZ_C_TEXT;
        text_fit(d, &d->small, x, y, c, buf, 420);
        y += h;
    }
}

void viz_draw_frame(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, const viz_view_t *v, const viz_status_t *st)
{
    SDL_Renderer *r = d->r;
    SDL_RenderSetClipRect(r, NULL);
    SDL_SetRenderDrawColor(r, (Uint8)(VIZ_C_BG >> 16), (Uint8)(VIZ_C_BG >> 8), (Uint8)VIZ_C_BG, 255);
    SDL_RenderClear(r);
    SDL_Rect main = { (int)l->main.x, (int)l->main.y, (int)l->main.w, (int)l->main.h };
    SDL_RenderSetClipRect(r, &main);
    viz_draw_sides(d, m);
    viz_draw_links(d, m, l, st->frame);
    for (uint32_t i = 0; i < m->nnodes; i++) viz_draw_node(d, m, l, i, st->selected);
    if (m->nnodes > VIZ_DENSE_NODES && d->nsides >= 2) { /* the sides, in their colours, on a plate */
        char part[8][48];
        float w = (float)viz_text_width(&d->small, "partition: ", 11);
        uint32_t ns = d->nsides < 8 ? d->nsides : 8;
        for (uint32_t k = 0; k < ns; k++) {
            snprintf(part[k], sizeof part[k], "%s%u node%s", k ? " | " : "", d->side_nodes[k], d->side_nodes[k] == 1 ? "" : "s");
            w += (float)viz_text_width(&d->small, part[k], strlen(part[k]));
        }
        float x = l->main.x + l->main.w / 2 - w / 2, y = l->main.y + 4;
        fill_rect(r, x - 8, y - 2, w + 16, 18, 0x0d0f13u, 230);
        x += (float)text(d, &d->small, x, y, VIZ_C_TEXT, "partition: ");
        for (uint32_t k = 0; k < ns; k++) x += (float)text(d, &d->small, x, y, side_rgb[k], part[k]);
    }
    if (m->nnodes_total > m->nnodes) {
        char buf[96];
        snprintf(buf, sizeof buf, "%u more nodes not drawn", m->nnodes_total - m->nnodes);
        text(d, &d->small, l->main.x + l->main.w - 200, l->main.y + 6, VIZ_C_DIM, buf);
    }
    if (v->filter_node >= 0) {
        char buf[96];
        snprintf(buf, sizeof buf, "showing node %d only (0: all)", v->filter_node + 1);
        text(d, &d->small, l->main.x + 8, l->main.y + 6, VIZ_C_SUP, buf);
    }
    draw_ticker(d, m, l);
    SDL_RenderSetClipRect(r, NULL);
    viz_draw_timeline(d, m, l, st->series, st->horizon);
    if (v->panel) viz_draw_inspector(d, m, l);
    draw_top(d, m, l, v, st);
    if (st->prompt) {
        float w = 460, x = (float)l->width / 2 - w / 2, y = l->main.y + 30;
        fill_rect(r, x, y, w, 30, 0x0d0f13u, 240);
        outline(r, x, y, w, 30, VIZ_C_SUP, 1);
        char buf[160];
        snprintf(buf, sizeof buf, "jump to virtual time (e.g. 30s, 2m, 1500ms): %s_", st->prompt);
        text(d, &d->normal, x + 10, y + 7, VIZ_C_TEXT, buf);
    }
    if (st->message) {
        int w = viz_text_width(&d->normal, st->message, strlen(st->message)) + 20;
        float x = (float)l->width / 2 - (float)w / 2, y = l->main.y + 68;
        fill_rect(r, x, y, (float)w, 26, 0x0d0f13u, 230);
        text(d, &d->normal, x + 10, y + 5, VIZ_C_SUP, st->message);
    }
    if (st->help) viz_draw_help(d, l);
}
