/* viz.h — the live view of a run (`otpsim run --viz`) and its headless frames (`--viz-record`).
 *
 * A viz session observes one run through three entry points the host's run loop calls (see
 * host_observer_t in host/scenario.h; host/cli.c wires them): viz_attach once the world exists
 * (the session installs its trace observer), viz_between between events (it draws, handles
 * input, and may block while paused), viz_detach when the run is over. It never changes the
 * simulation: pausing, stepping, jumping and clicking only decide when the host gets control
 * back, so the trace-hash is the same with or without a view, whatever the user does
 * (design.md, "Observers never steer").
 *
 * Live: an SDL2 window, paced by the wall clock (the only wall-clock use besides benchmarks:
 * frame pacing, allowed in viz/). Virtual time advances at `speed` virtual seconds per wall
 * second (x0.01 to x1000), or as fast as possible, drawing at most 60 frames per second.
 * Recording: a frame every `record_every` of virtual time, written as DIR/frame-NNNNNN.png (the
 * frame at k * record_every shows the state after every event at or before that time), and
 * DIR/final.png at the end. Without a window the frames are drawn by SDL's software renderer on
 * a surface — the same drawing code; with a window they are read back from it. */
#ifndef VIZ_VIZ_H
#define VIZ_VIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/kernel/simtime.h"
#include "viz/layout.h"
#include "viz/model.h"

struct sim_world;
typedef struct viz viz_t;

typedef struct viz_opts {
    bool live;                   /* paced by the wall clock, with controls (a window unless offscreen) */
    bool offscreen;              /* live pacing and controls without a window (tests, benchmarks):
                                    input only through viz_command and friends */
    const char *record_dir;      /* write PNG frames there (created if missing), or NULL */
    sim_time_t record_every;     /* virtual time between recorded frames (0: 100 ms) */
    int width, height;           /* frame size (0: 1280 x 720) */
    const char *title;           /* the top bar's title (the scenario's name) */
    uint64_t seed;
    bool hold;                   /* live: keep the window open after the run until it is closed */
    const char *font;            /* a TrueType file; NULL: $OTPSIM_VIZ_FONT, else DejaVu Sans */
    /* Called after every drawn frame, e.g. to feed input (tests, embedding). May be NULL. */
    void (*on_frame)(void *ctx, viz_t *v);
    void *on_frame_ctx;
} viz_opts_t;

/* Opens the window or the offscreen surface and the fonts. Returns NULL with a message in err
 * (no display, no font, a record folder that cannot be created). */
viz_t *viz_create(const viz_opts_t *o, char *err, size_t errlen);
void viz_destroy(viz_t *v);

/* ---- the observer's entry points ------------------------------------------------------------ */
void viz_attach(viz_t *v, struct sim_world *w);
/* SLO thresholds the scenario declared (docs/load.md); the view marks their violations. */
void viz_slo_add(viz_t *v, const char *load, const char *metric, int op, double value);
uint32_t viz_slo_count(const viz_t *v);
/* Between events: next_time is the next event's time, run_end the end of the sim.run in progress.
 * Sets when the host must call again: after *events events or before the first event later than
 * *until. Blocks while the view is paused. */
void viz_between(viz_t *v, sim_time_t next_time, sim_time_t run_end, uint64_t *events, sim_time_t *until);
/* The run is over (exit_code as the CLI reports it). Writes the remaining frames; a live view
 * with `hold` stays open until it is closed. */
void viz_detach(viz_t *v, int exit_code);
/* 0, or -1 if writing a frame failed (the message is in err). */
int viz_status(const viz_t *v, char *err, size_t errlen);

/* ---- input: what keys and the mouse do (public for tests and embedding) ------------------- */
enum {
    VIZ_CMD_PAUSE,        /* toggle */
    VIZ_CMD_STEP_EVENT,   /* one event, then paused */
    VIZ_CMD_STEP_SLICE,   /* one frame's worth of virtual time, then paused */
    VIZ_CMD_FASTER,
    VIZ_CMD_SLOWER,
    VIZ_CMD_MAX,          /* toggle as fast as possible */
    VIZ_CMD_HELP,
    VIZ_CMD_CLOSE,        /* the view goes away; the run goes on */
    VIZ_CMD_RESET_VIEW,
    VIZ_CMD_GRID,
    VIZ_CMD_NEXT_LOAD,
    VIZ_CMD_SCREENSHOT,
};
void viz_command(viz_t *v, int cmd);
/* Runs on without drawing until virtual time t. A time not after the present rewinds (live
 * views only): the run is abandoned (viz_abandon says so to the host), the host runs the
 * scenario again with the same seed and the same view attached, and the view replays it
 * without drawing up to t, where it opens paused. */
void viz_jump(viz_t *v, sim_time_t t);
/* A rewind is asked for: the host must abandon the run and start it again (t: where to). */
bool viz_rewind_pending(const viz_t *v, sim_time_t *t);
/* How many times the run was replayed for a rewind. */
uint32_t viz_rewinds(const viz_t *v);
/* A click at frame coordinates: inspects the process there, or closes the inspector. */
void viz_click(viz_t *v, float x, float y);
/* Only node `node` (0-based), or every node (-1). */
void viz_filter_node(viz_t *v, int node);
/* Only application `app`'s processes (its index in viz_model(v)->apps, 1..napps-1), or every
 * process (-1, or any other value). Node boxes stay; the key `a` cycles through the applications
 * started so far. */
void viz_filter_app(viz_t *v, int app);
void viz_zoom(viz_t *v, float factor, float x, float y);
void viz_pan(viz_t *v, float dx, float dy);
/* Speed as a multiple of real time; 0 = as fast as possible. */
void viz_speed_set(viz_t *v, double speed);

/* ---- reading back --------------------------------------------------------------------------- */
const viz_model_t *viz_model(const viz_t *v);
const viz_layout_t *viz_layout(const viz_t *v);
bool viz_is_paused(const viz_t *v);
uint64_t viz_frames(const viz_t *v);
sim_time_t viz_shown_time(const viz_t *v);
/* Wall-clock cost of drawing frames (sampling, layout and drawing; no PNG encoding): count,
 * mean and maximum in milliseconds, and the 99th percentile of the last 4096 frames. */
void viz_frame_times(const viz_t *v, uint64_t *n, double *mean_ms, double *p99_ms, double *max_ms);
/* Writes the last drawn frame as a PNG. Returns 0 or -1 (errno). */
int viz_save_png(viz_t *v, const char *path);
/* Parses a virtual time typed by the user: "30s", "1500ms", "2m", "1m30s", "1h", "2.5" (s). */
int viz_parse_time(const char *s, sim_time_t *out);

#endif
