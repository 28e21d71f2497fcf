/* layout.h — where everything goes on a frame: a pure, deterministic function of (model, view,
 * frame size), no SDL.
 *
 * Regions: a top bar, the cluster, a timeline strip at the bottom, and an inspector panel on the
 * right while a process is inspected. Nodes sit on a ring (up to 8 nodes; boxes as large as fit
 * without overlapping) or a grid (more nodes, or when asked); zoom and pan act on the cluster as
 * a whole, and boxes off screen are skipped. Inside a node box: a header (name, state, CPU and
 * memory bars), the node's supervision trees top-down in child-spec order, and a bottom row of
 * notable processes outside any tree followed by one group standing for all the others.
 *
 * The cost is bounded by the screen, not by the number of processes: a box offers cols x rows
 * slots of VIZ_SLOT pixels; each supervisor shows at most k children, k chosen as large as the
 * width allows, and the rest of its children become one "+N" group; depth is cut at the rows
 * available. Zooming in makes boxes larger, so more processes are drawn individually.
 *
 * Filtering by application keeps every node box but only that application's trees and processes
 * in them: a tree is the application's when its top supervisor is, and the "others" group counts
 * the application's remaining processes on the node. */
#ifndef VIZ_LAYOUT_H
#define VIZ_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "viz/model.h"

#define VIZ_SLOT 22          /* pixels per process slot */
#define VIZ_TOP_H 26
#define VIZ_TIMELINE_H 124
#define VIZ_PANEL_W 340
#define VIZ_HEADER_H 50      /* node box header */

typedef struct viz_rect { float x, y, w, h; } viz_rect_t;

enum { VIZ_ITEM_PROC, VIZ_ITEM_GROUP };
typedef struct viz_item {
    uint8_t kind;
    uint8_t loose;           /* in the bottom row (outside trees) */
    uint32_t slot;           /* PROC: slot + 1 in the model */
    uint32_t node;
    uint64_t count;          /* GROUP: processes it stands for */
    float x, y;              /* centre, in frame pixels */
    int32_t parent;          /* the parent item (tree edge), or -1 */
} viz_item_t;

typedef struct viz_view {
    float zoom;              /* 1 = the whole cluster fits */
    float cx, cy;            /* the cluster point (0..1) at the centre of the cluster region */
    int filter_node;         /* -1: every node; else only that one, filling the region */
    int filter_app;          /* -1: every process; else only application filter_app's (1..) */
    bool grid;               /* grid even for few nodes */
    bool panel;              /* the inspector panel is open */
} viz_view_t;

#define VIZ_VIEW_DEFAULT ((viz_view_t){ .zoom = 1, .cx = 0.5f, .cy = 0.5f, .filter_node = -1, .filter_app = -1 })

typedef struct viz_layout {
    int width, height;
    viz_rect_t top, main, timeline, panel;
    uint32_t nnodes;
    viz_rect_t box[VIZ_MAX_NODES];       /* node boxes, frame pixels */
    bool visible[VIZ_MAX_NODES];         /* intersects the cluster region (and passes the filter) */
    uint64_t others[VIZ_MAX_NODES];      /* live processes of the node not drawn one by one */
    uint32_t first_item[VIZ_MAX_NODES], nitems_node[VIZ_MAX_NODES];
    viz_item_t *items;
    uint32_t nitems, items_cap;
    float spacing_x[VIZ_MAX_NODES];      /* horizontal distance between tree leaves (for labels) */
} viz_layout_t;

void viz_layout_init(viz_layout_t *l);
void viz_layout_deinit(viz_layout_t *l);
/* Lays out a frame of width x height pixels. Reads the model only. */
void viz_layout_compute(viz_layout_t *l, const viz_model_t *m, const viz_view_t *v, int width, int height);
/* The item under (x, y) (within its radius plus a margin), or -1. */
int viz_layout_item_at(const viz_layout_t *l, float x, float y);
/* The node whose box contains (x, y), or -1. */
int viz_layout_node_at(const viz_layout_t *l, float x, float y);
/* Centre of a node box. */
static inline void viz_rect_center(const viz_rect_t *r, float *x, float *y)
{
    *x = r->x + r->w / 2;
    *y = r->y + r->h / 2;
}

#endif
