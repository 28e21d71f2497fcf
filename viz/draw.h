/* draw.h — one frame of the live view drawn on an SDL_Renderer: a window's, or a software
 * renderer on a surface for headless frames (the same code serves both).
 *
 * Reads the model and the layout only. The cost is bounded by what the layout placed (which is
 * bounded by the screen), the node pairs (at most VIZ_MAX_NODES^2 / 2), the sprites, the fault
 * windows and the timeline's width in pixels (sparklines are decimated to it).
 *
 * The palette is public: tests look for these exact colours at landmarks (a node's header, a
 * dead node's grey, the red marker on a cut link, the green badge of a restarted process).
 * Landmarks are drawn opaque so the colours survive exactly. */
#ifndef VIZ_DRAW_H
#define VIZ_DRAW_H

#include <SDL.h>
#include <stdbool.h>

#include "viz/layout.h"
#include "viz/model.h"
#include "viz/text.h"

#define VIZ_C_BG 0x14161bu
#define VIZ_C_PANEL 0x1d2027u
#define VIZ_C_BOX 0x22262eu
#define VIZ_C_BORDER 0x3a4150u
#define VIZ_C_HEADER 0x2e3645u
#define VIZ_C_DOWN 0x5a5a5au          /* a dead node's box */
#define VIZ_C_DOWN_HEADER 0x6e6e6eu
#define VIZ_C_PAUSED 0x5b7bd6u
#define VIZ_C_TEXT 0xd7dae0u
#define VIZ_C_DIM 0x8a8f98u
#define VIZ_C_LINK 0x3c4352u           /* a pair never connected */
#define VIZ_C_LINK_UP 0x6b778cu        /* connected */
#define VIZ_C_CUT 0xff2d55u            /* partitioned: the cut marker */
#define VIZ_C_DEGRADED 0xff9f0au
#define VIZ_C_FLOW 0x32c5ffu
#define VIZ_C_WORKER 0x4ea1ffu
#define VIZ_C_CPROC 0x7f8ca3u          /* a process implemented in C (load clients) */
#define VIZ_C_SUP 0xf2c14eu
#define VIZ_C_EDGE 0x59627au
#define VIZ_C_RESTART 0x30d158u        /* a restarted process: its badge and flash */
#define VIZ_C_CRASH 0xff453au          /* a crashed process (ghost) and crash flashes */
#define VIZ_C_GROUP 0x6c7384u
#define VIZ_C_SELECT 0xffffffu
#define VIZ_C_THROUGHPUT 0x64d2ffu
#define VIZ_C_P99 0xbf5af2u
#define VIZ_C_SLO 0xff375fu

typedef struct viz_draw {
    SDL_Renderer *r;
    viz_font_t small, normal, bold;
    /* the sides of a partition, per frame (viz_draw_sides): the live nodes that still reach each
     * other, numbered by their first node; nsides < 2: no partition */
    uint8_t side[VIZ_MAX_NODES];
    uint32_t nsides, side_nodes[8];
} viz_draw_t;

/* What the top bar and the overlays say; filled by the caller (viz.c). */
typedef struct viz_status {
    const char *title;       /* the scenario */
    uint64_t seed;
    const char *state;       /* "running", "paused", "ended: pass", ... */
    char speed[24];          /* "x1", "max" */
    uint64_t events;
    const char *prompt;      /* a text being typed (jump to time), or NULL */
    const char *message;     /* a short notice, or NULL */
    bool help;
    int series;              /* the load shown in the timeline */
    uint64_t frame;          /* animation phase */
    rt_pid_t selected;
    sim_time_t horizon;      /* the end of the run if known (timeline axis), else 0 */
} viz_status_t;

/* Opens the fonts for r (font: a regular TrueType file, NULL for DejaVu Sans; the bold face
 * is looked for beside it). Returns 0, or -1 with a message in err. */
int viz_draw_init(viz_draw_t *d, SDL_Renderer *r, const char *font, char *err, size_t errlen);
void viz_draw_deinit(viz_draw_t *d);

/* The whole frame (clears it first). */
void viz_draw_frame(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, const viz_view_t *v, const viz_status_t *st);

/* The parts, in drawing order (tests call them on small fixed worlds). */
void viz_draw_links(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, uint64_t frame);
/* More nodes than this: a dense cluster (thin links, the busiest flows only, partitions marked on
 * the nodes as "CUT n", the number of nodes a node is cut from). */
#define VIZ_DENSE_NODES 12
#define VIZ_DENSE_FLOWS 48
uint32_t viz_draw_cut_count(const viz_model_t *m, uint32_t node);
/* Groups the live nodes into the sides of a partition (blocked either way = cut); sides past
 * the eighth share the eighth's colour. Down nodes are on no side (255). */
void viz_draw_sides(viz_draw_t *d, const viz_model_t *m);
void viz_draw_node(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, uint32_t node, rt_pid_t selected);
void viz_draw_timeline(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l, int series, sim_time_t horizon);
void viz_draw_inspector(viz_draw_t *d, const viz_model_t *m, const viz_layout_t *l);
void viz_draw_help(viz_draw_t *d, const viz_layout_t *l);

/* Where the marker of the link between nodes a and b goes: halfway along the part of the line
 * between the two boxes' centres that lies outside both boxes. Returns false if either node is
 * not laid out. */
bool viz_draw_link_mid(const viz_layout_t *l, uint32_t a, uint32_t b, float *x, float *y);

/* The key bindings, for the help overlay and docs/viz.md: pairs of (keys, what), NULL-ended. */
extern const char *const viz_help_lines[][2];

#endif
