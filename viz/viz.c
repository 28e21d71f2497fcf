/* viz.c — a view session: window or offscreen surface, pacing, input, recording.
 *
 * The loop lives in viz_between: the host hands over control between two events; the session
 * pumps input, draws if a frame is due, and returns a budget (a number of events, a virtual
 * time) after which the host calls again. Paused, it stays in the loop (drawing, reading input)
 * and returns only to let one event or one slice run. The wall clock paces frames and the
 * virtual-time speed only; it never reaches the simulation. */
#include "viz/viz.h"

#include <SDL.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/world.h"
#include "viz/draw.h"
#include "viz/png.h"

static const double speeds[] = { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
#define NSPEEDS ((int)(sizeof speeds / sizeof speeds[0]))
#define FRAME_S (1.0 / 60)

struct viz {
    viz_opts_t o;
    SDL_Window *win;
    SDL_Renderer *r;
    SDL_Surface *surf;           /* offscreen target (no window) */
    viz_draw_t d;
    int W, H;
    viz_model_t m;
    viz_layout_t lay;
    viz_view_t view;
    struct sim_world *w;
    uint32_t *slots;             /* scratch: visible process slots */
    size_t slots_cap;
    /* control */
    bool paused, closed, ended, help, max_speed;
    int speed_i;
    uint64_t step_events;
    sim_time_t step_until;       /* paused: run up to here, then stop (0: none) */
    sim_time_t jump_to;          /* run without drawing up to here (0: none) */
    bool rewinding;              /* a jump back: the run is abandoned and replayed from 0 */
    sim_time_t rewind_to;        /* ... up to here, where the view opens paused */
    uint32_t rewinds;            /* replays so far */
    sim_time_t shown;            /* the virtual time of the last frame */
    sim_time_t base_v;           /* virtual time at wall time base_w */
    double base_w, last_draw_w;
    sim_time_t run_end;
    int series;
    char prompt[48];
    bool prompting;
    char message[160];
    double message_until;
    int exit_code;
    /* mouse */
    bool dragging, moved;
    int drag_x, drag_y;
    /* recording */
    sim_time_t rec_every, rec_next;
    uint64_t rec_k;
    int rec_error;
    char rec_err[4400];
    uint32_t slos_offered;       /* viz_slo_add calls (the model keeps the first 16) */
    uint8_t *pixels;             /* the last frame read back (window mode) */
    uint64_t frames;
    double ft[4096], ft_sum, ft_max;   /* frame times (ms), a ring */
};

static double wall_s(void)
{
    /* frame pacing only: never reaches the simulation */
    return (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
}

int viz_parse_time(const char *s, sim_time_t *out)
{
    double total = 0;
    bool any = false;
    while (*s == ' ') s++;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || v < 0) return -1;
        s = end;
        double mult = 1e9;
        if (strncmp(s, "ms", 2) == 0) mult = 1e6, s += 2;
        else if (strncmp(s, "us", 2) == 0) mult = 1e3, s += 2;
        else if (*s == 's') s++;
        else if (*s == 'm') mult = 60e9, s++;
        else if (*s == 'h') mult = 3600e9, s++;
        else if (*s && *s != ' ') return -1;
        total += v * mult;
        any = true;
        while (*s == ' ') s++;
    }
    if (!any || total > 1.8e19) return -1;
    *out = (sim_time_t)llround(total);
    return 0;
}

static void notice(viz_t *v, const char *msg)
{
    snprintf(v->message, sizeof v->message, "%s", msg);
    v->message_until = wall_s() + 2.5;
}

/* ---- set-up ----------------------------------------------------------------------------- */
viz_t *viz_create(const viz_opts_t *o, char *err, size_t errlen)
{
    viz_t *v = calloc(1, sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->o = *o;
    v->W = o->width > 0 ? o->width : 1280;
    v->H = o->height > 0 ? o->height : 720;
    v->view = VIZ_VIEW_DEFAULT;
    v->speed_i = 6; /* x1 */
    v->rec_every = o->record_every ? o->record_every : 100 * SIM_TIME_MS;
    v->exit_code = -1;
    viz_model_init(&v->m);
    viz_layout_init(&v->lay);
    if (!o->live) { /* recorded flashes last about one virtual second, at least two frames */
        sim_time_t f = SIM_TIME_S / v->rec_every;
        v->m.flash_frames = f < 2 ? 2 : f > VIZ_FLASH_FRAMES ? VIZ_FLASH_FRAMES : (uint32_t)f;
    }
    if (o->record_dir) {
        if (mkdir(o->record_dir, 0777) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", o->record_dir, strerror(errno));
            goto fail;
        }
    }
    const char *sp = getenv("OTPSIM_VIZ_SPEED"); /* the starting speed: "max" or a multiple */
    if (sp && *sp) {
        if (strcmp(sp, "max") == 0) v->max_speed = true;
        else if (atof(sp) > 0) viz_speed_set(v, atof(sp));
    }
    if (o->live && !o->offscreen) {
        if (SDL_Init(SDL_INIT_VIDEO) != 0) {
            snprintf(err, errlen, "--viz needs a display (%s); headless frames: --viz-record DIR, or run under "
                     "xvfb-run", SDL_GetError());
            goto fail;
        }
        const char *drv = SDL_GetCurrentVideoDriver(), *asked = getenv("SDL_VIDEODRIVER");
        if (drv && (strcmp(drv, "offscreen") == 0 || strcmp(drv, "dummy") == 0) && !(asked && strcmp(asked, drv) == 0)) {
            /* SDL fell back to a driver that shows nothing: there is no usable display */
            const char *disp = getenv("DISPLAY");
            if (disp && *disp) {
                SDL_VideoQuit();
                if (SDL_VideoInit("x11") == 0) goto video_ok;
                snprintf(err, errlen, "--viz: cannot open the display %s (%s); headless frames: --viz-record DIR",
                         disp, SDL_GetError());
            } else {
                snprintf(err, errlen, "--viz needs a display (DISPLAY or WAYLAND_DISPLAY is not set); headless "
                         "frames: --viz-record DIR, or run under xvfb-run");
            }
            goto fail;
        }
    video_ok:
        v->win = SDL_CreateWindow("otpsim", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, v->W, v->H,
                                  SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
        if (!v->win) {
            snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
            goto fail;
        }
        v->r = SDL_CreateRenderer(v->win, -1, 0);
        if (!v->r) v->r = SDL_CreateRenderer(v->win, -1, SDL_RENDERER_SOFTWARE);
        if (!v->r) {
            snprintf(err, errlen, "cannot create a renderer: %s", SDL_GetError());
            goto fail;
        }
        SDL_GetRendererOutputSize(v->r, &v->W, &v->H);
    } else {
        v->surf = SDL_CreateRGBSurfaceWithFormat(0, v->W, v->H, 32, SDL_PIXELFORMAT_ARGB8888);
        if (!v->surf || !(v->r = SDL_CreateSoftwareRenderer(v->surf))) {
            snprintf(err, errlen, "cannot create an offscreen renderer: %s", SDL_GetError());
            goto fail;
        }
    }
    const char *font = o->font ? o->font : getenv("OTPSIM_VIZ_FONT");
    if (font && !*font) font = NULL;
    if (viz_draw_init(&v->d, v->r, font, err, errlen) != 0) goto fail;
    return v;
fail:
    viz_destroy(v);
    return NULL;
}

void viz_destroy(viz_t *v)
{
    if (!v) return;
    viz_draw_deinit(&v->d);
    if (v->r) SDL_DestroyRenderer(v->r);
    if (v->win) SDL_DestroyWindow(v->win);
    if (v->surf) SDL_FreeSurface(v->surf);
    /* SDL's video subsystem stays initialised: quitting it unloads libdbus, whose global state
     * then shows up under LeakSanitizer as leaks from an unknown module that mk/lsan.supp cannot
     * name. The process ends soon after a view anyway. */
    viz_model_deinit(&v->m);
    viz_layout_deinit(&v->lay);
    free(v->slots);
    free(v->pixels);
    free(v);
}

void viz_attach(viz_t *v, struct sim_world *w)
{
    if (v->rewinding) { /* a replay after a jump back: a fresh model, the same view settings */
        rt_pid_t inspected = v->m.inspect.pid; /* pids replay too: the same process comes back */
        uint32_t flash = v->m.flash_frames;
        viz_model_deinit(&v->m);
        viz_model_init(&v->m);
        v->m.flash_frames = flash;
        v->m.inspect.pid = inspected;
        v->slos_offered = 0;
        v->ended = false;
        v->exit_code = -1;
        v->shown = 0;
        v->rec_next = 0;
        v->rec_k = 0;
        v->step_events = 0;
        v->step_until = 0;
        v->paused = true;
        v->jump_to = v->rewind_to;
        v->rewinding = false;
        v->rewinds++;
    }
    v->w = w;
    trace_observer_set(&w->tr, viz_model_trace_observer(&v->m, w));
    v->base_w = v->last_draw_w = wall_s();
    v->base_v = 0;
}

void viz_slo_add(viz_t *v, const char *load, const char *metric, int op, double value)
{
    v->slos_offered++;
    viz_model_slo_add(&v->m, load, metric, op, value);
}

uint32_t viz_slo_count(const viz_t *v) { return v->slos_offered; }

/* ---- frames --------------------------------------------------------------------------------- */
static void status_fill(viz_t *v, viz_status_t *st)
{
    memset(st, 0, sizeof *st);
    st->title = v->o.title;
    st->seed = v->o.seed;
    static char state[64];
    if (v->ended) snprintf(state, sizeof state, "ended: %s%s", v->exit_code == 0 ? "pass" : v->exit_code == 1 ? "FAIL" : "error",
                           v->o.live ? "  (q closes)" : "");
    else if (v->jump_to) snprintf(state, sizeof state, "jumping");
    else snprintf(state, sizeof state, "%s", v->paused ? "paused" : "running");
    st->state = state;
    if (!v->o.live) snprintf(st->speed, sizeof st->speed, "frame %" PRIu64, v->rec_k);
    else if (v->max_speed) snprintf(st->speed, sizeof st->speed, "x max");
    else snprintf(st->speed, sizeof st->speed, "x%g", speeds[v->speed_i]);
    st->events = v->w ? trace_events(&v->w->tr) : v->m.events;
    st->prompt = v->prompting ? v->prompt : NULL;
    st->message = v->message[0] && wall_s() < v->message_until ? v->message : NULL;
    st->help = v->help;
    st->series = v->series;
    st->frame = v->frames;
    st->selected = v->m.inspect.pid;
    st->horizon = v->run_end != SIM_TIME_MAX ? v->run_end : 0;
}

/* Samples the world at virtual time t, lays out and draws the frame (not presented). */
static void render(viz_t *v, sim_time_t t)
{
    double t0 = wall_s();
    if (v->win) {
        int w, h;
        SDL_GetRendererOutputSize(v->r, &w, &h);
        v->W = w, v->H = h;
    }
    viz_model_sample(&v->m, v->w, t);
    v->view.panel = v->m.inspect.pid != 0;
    viz_layout_compute(&v->lay, &v->m, &v->view, v->W, v->H);
    if (v->slots_cap < v->lay.nitems) {
        free(v->slots);
        v->slots_cap = v->lay.nitems * 2;
        v->slots = malloc(v->slots_cap * sizeof *v->slots);
        if (!v->slots) v->slots_cap = 0;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < v->lay.nitems && n < v->slots_cap; i++)
        if (v->lay.items[i].kind == VIZ_ITEM_PROC) v->slots[n++] = v->lay.items[i].slot;
    viz_model_refresh(&v->m, v->w, v->slots, n);
    viz_status_t st;
    status_fill(v, &st);
    viz_draw_frame(&v->d, &v->m, &v->lay, &v->view, &st);
    if (v->surf) SDL_RenderFlush(v->r);
    v->shown = t;
    double ms = (wall_s() - t0) * 1e3;
    v->ft[v->frames % 4096] = ms;
    v->ft_sum += ms;
    if (ms > v->ft_max) v->ft_max = ms;
    v->frames++;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void viz_frame_times(const viz_t *v, uint64_t *n, double *mean_ms, double *p99_ms, double *max_ms)
{
    *n = v->frames;
    *mean_ms = v->frames ? v->ft_sum / (double)v->frames : 0;
    *max_ms = v->ft_max;
    size_t k = v->frames < 4096 ? (size_t)v->frames : 4096;
    double *c = malloc((k + 1) * sizeof *c);
    *p99_ms = 0;
    if (!c) return;
    memcpy(c, v->ft, k * sizeof *c);
    qsort(c, k, sizeof *c, cmp_double);
    if (k) *p99_ms = c[(size_t)ceil(0.99 * (double)k) - 1]; /* nearest rank */
    free(c);
}

/* Pixels of the frame just rendered: the surface, or read back from the window. */
static const uint8_t *frame_pixels(viz_t *v, int *pitch)
{
    if (v->surf) {
        *pitch = v->surf->pitch;
        return v->surf->pixels;
    }
    size_t need = (size_t)v->W * (size_t)v->H * 4;
    uint8_t *p = realloc(v->pixels, need);
    if (!p) return NULL;
    v->pixels = p;
    *pitch = v->W * 4;
    if (SDL_RenderReadPixels(v->r, NULL, SDL_PIXELFORMAT_ARGB8888, p, *pitch) != 0) return NULL;
    return p;
}

static void write_frame(viz_t *v, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", v->o.record_dir, name);
    int pitch;
    const uint8_t *px = frame_pixels(v, &pitch);
    if (!px || viz_png_write(path, px, v->W, v->H, pitch) != 0) {
        if (!v->rec_error) snprintf(v->rec_err, sizeof v->rec_err, "cannot write %s: %s", path, px ? strerror(errno) : SDL_GetError());
        v->rec_error = -1;
    }
}

static void present(viz_t *v)
{
    if (v->win) SDL_RenderPresent(v->r);
    v->last_draw_w = wall_s();
    if (v->o.on_frame) v->o.on_frame(v->o.on_frame_ctx, v);
}

/* The recorded frames due before virtual time `before` (exclusive) or, at the end, up to it. */
static void record_due(viz_t *v, sim_time_t before, bool inclusive)
{
    if (!v->o.record_dir) return;
    while (v->rec_next < before || (inclusive && v->rec_next == before)) {
        render(v, v->rec_next);
        char name[64];
        snprintf(name, sizeof name, "frame-%06" PRIu64 ".png", v->rec_k);
        write_frame(v, name);
        v->rec_k++;
        if (v->rec_next > SIM_TIME_MAX - v->rec_every) break;
        v->rec_next += v->rec_every;
        if (v->win) present(v);
        else if (v->o.on_frame) v->o.on_frame(v->o.on_frame_ctx, v);
    }
}

int viz_save_png(viz_t *v, const char *path)
{
    int pitch;
    const uint8_t *px = frame_pixels(v, &pitch);
    if (!px) {
        errno = EIO;
        return -1;
    }
    return viz_png_write(path, px, v->W, v->H, pitch);
}

int viz_status(const viz_t *v, char *err, size_t errlen)
{
    if (!v->rec_error) return 0;
    snprintf(err, errlen, "%s", v->rec_err);
    return -1;
}

/* ---- input ---------------------------------------------------------------------------------- */
static sim_time_t world_now(const viz_t *v) { return v->w ? evq_now(&v->w->q) : v->shown; }

static void rebase(viz_t *v, sim_time_t at)
{
    v->base_v = at;
    v->base_w = wall_s();
}

void viz_speed_set(viz_t *v, double speed)
{
    if (speed <= 0) {
        v->max_speed = true;
        return;
    }
    v->max_speed = false;
    int best = 0;
    for (int i = 0; i < NSPEEDS; i++)
        if (fabs(log(speeds[i] / speed)) < fabs(log(speeds[best] / speed))) best = i;
    v->speed_i = best;
    rebase(v, v->shown);
}

void viz_command(viz_t *v, int cmd)
{
    char buf[96];
    switch (cmd) {
    case VIZ_CMD_PAUSE:
        v->paused = !v->paused;
        v->step_events = 0;
        v->step_until = 0;
        rebase(v, v->shown);
        break;
    case VIZ_CMD_STEP_EVENT:
        v->paused = true;
        v->step_events++;
        break;
    case VIZ_CMD_STEP_SLICE: {
        v->paused = true;
        double sl = v->max_speed ? 0.1 : speeds[v->speed_i] * FRAME_S;
        sim_time_t from = v->step_until > v->shown ? v->step_until : v->shown;
        v->step_until = from + (sim_time_t)llround(sl * 1e9);
        break;
    }
    case VIZ_CMD_FASTER:
    case VIZ_CMD_SLOWER:
        if (v->max_speed) {
            if (cmd == VIZ_CMD_SLOWER) v->max_speed = false, v->speed_i = NSPEEDS - 1;
        } else if (cmd == VIZ_CMD_FASTER) {
            if (v->speed_i + 1 < NSPEEDS) v->speed_i++;
            else v->max_speed = true;
        } else if (v->speed_i > 0) {
            v->speed_i--;
        }
        rebase(v, v->shown);
        if (v->max_speed) snprintf(buf, sizeof buf, "speed: as fast as possible");
        else snprintf(buf, sizeof buf, "speed: x%g", speeds[v->speed_i]);
        notice(v, buf);
        break;
    case VIZ_CMD_MAX:
        v->max_speed = !v->max_speed;
        if (!v->max_speed) v->speed_i = 6;
        rebase(v, v->shown);
        break;
    case VIZ_CMD_HELP: v->help = !v->help; break;
    case VIZ_CMD_CLOSE:
        v->closed = true;
        v->m.muted = true; /* the trace observer stays installed (others may wrap it) but idle */
        if (v->win) SDL_HideWindow(v->win);
        break;
    case VIZ_CMD_RESET_VIEW: {
        int f = v->view.filter_node, a = v->view.filter_app;
        bool g = v->view.grid;
        v->view = VIZ_VIEW_DEFAULT;
        v->view.filter_node = f;
        v->view.filter_app = a;
        v->view.grid = g;
        break;
    }
    case VIZ_CMD_GRID: v->view.grid = !v->view.grid; break;
    case VIZ_CMD_NEXT_LOAD: v->series++; break;
    case VIZ_CMD_SCREENSHOT: {
        char path[64];
        snprintf(path, sizeof path, "otpsim-viz-%" PRIu64 "ms.png", v->shown / SIM_TIME_MS);
        if (viz_save_png(v, path) == 0) snprintf(buf, sizeof buf, "saved %s", path);
        else snprintf(buf, sizeof buf, "cannot save %s: %s", path, strerror(errno));
        notice(v, buf);
        break;
    }
    default: break;
    }
}

void viz_jump(viz_t *v, sim_time_t t)
{
    if (t > world_now(v)) {
        v->jump_to = t;
        return;
    }
    if (t == world_now(v)) return; /* already there */
    /* Back in time: a run only goes forward, but it is a pure function of its seed, so the host
     * abandons this run and replays it from 0 (without drawing) up to t, where the view opens
     * paused. Recording-only sessions never rewind (their frames are a record of one run). */
    if (!v->o.live) return;
    v->rewinding = true;
    v->rewind_to = t;
    v->jump_to = 0;
}

bool viz_rewind_pending(const viz_t *v, sim_time_t *t)
{
    if (v->rewinding && t) *t = v->rewind_to;
    return v->rewinding && !v->closed;
}

uint32_t viz_rewinds(const viz_t *v) { return v->rewinds; }

void viz_click(viz_t *v, float x, float y)
{
    int i = viz_layout_item_at(&v->lay, x, y);
    const viz_item_t *it = i >= 0 ? &v->lay.items[i] : NULL;
    const viz_proc_t *p = it && it->kind == VIZ_ITEM_PROC ? viz_model_slot(&v->m, it->slot) : NULL;
    if (p) {
        viz_model_inspect(&v->m, p->pid);
        return;
    }
    if (v->lay.panel.w > 0 && x >= v->lay.panel.x) return; /* a click in the panel keeps it */
    viz_model_inspect(&v->m, 0);
}

void viz_filter_node(viz_t *v, int node)
{
    v->view.filter_node = node >= 0 && (uint32_t)node < v->m.nnodes ? node : -1;
    v->view.zoom = 1;
    v->view.cx = v->view.cy = 0.5f;
}

void viz_filter_app(viz_t *v, int app)
{
    char buf[96];
    v->view.filter_app = app >= 1 && (uint32_t)app < v->m.napps ? app : -1;
    if (v->view.filter_app < 0) snprintf(buf, sizeof buf, "every application's processes");
    else snprintf(buf, sizeof buf, "only application %s (a: next)", v->m.apps[app]);
    notice(v, buf);
}

void viz_zoom(viz_t *v, float factor, float x, float y)
{
    const viz_rect_t *mr = &v->lay.main;
    if (mr->w <= 0 || mr->h <= 0) return;
    float z = v->view.zoom, nz = z * factor;
    if (nz < 1) nz = 1;
    if (nz > 40) nz = 40;
    float ux = v->view.cx + (x - mr->x - mr->w / 2) / (mr->w * z), uy = v->view.cy + (y - mr->y - mr->h / 2) / (mr->h * z);
    v->view.zoom = nz;
    v->view.cx = ux - (x - mr->x - mr->w / 2) / (mr->w * nz);
    v->view.cy = uy - (y - mr->y - mr->h / 2) / (mr->h * nz);
    viz_pan(v, 0, 0);
}

void viz_pan(viz_t *v, float dx, float dy)
{
    const viz_rect_t *mr = &v->lay.main;
    if (mr->w <= 0 || mr->h <= 0) return;
    v->view.cx -= dx / (mr->w * v->view.zoom);
    v->view.cy -= dy / (mr->h * v->view.zoom);
    float lo = 0.5f / v->view.zoom;
    v->view.cx = v->view.cx < lo ? lo : v->view.cx > 1 - lo ? 1 - lo : v->view.cx;
    v->view.cy = v->view.cy < lo ? lo : v->view.cy > 1 - lo ? 1 - lo : v->view.cy;
}

static void key(viz_t *v, const SDL_KeyboardEvent *k)
{
    SDL_Keycode s = k->keysym.sym;
    if (v->prompting) {
        if (s == SDLK_RETURN || s == SDLK_KP_ENTER) {
            sim_time_t t;
            v->prompting = false;
            SDL_StopTextInput();
            if (viz_parse_time(v->prompt, &t) == 0) viz_jump(v, t);
            else notice(v, "not a time: try 30s, 1500ms, 2m or 1m30s");
        } else if (s == SDLK_ESCAPE) {
            v->prompting = false;
            SDL_StopTextInput();
        } else if (s == SDLK_BACKSPACE && v->prompt[0]) {
            v->prompt[strlen(v->prompt) - 1] = 0;
        }
        return;
    }
    switch (s) {
    case SDLK_SPACE: viz_command(v, VIZ_CMD_PAUSE); break;
    case SDLK_PERIOD: viz_command(v, VIZ_CMD_STEP_EVENT); break;
    case SDLK_s: viz_command(v, VIZ_CMD_STEP_SLICE); break;
    case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS: viz_command(v, VIZ_CMD_FASTER); break;
    case SDLK_MINUS: case SDLK_KP_MINUS: viz_command(v, VIZ_CMD_SLOWER); break;
    case SDLK_m: viz_command(v, VIZ_CMD_MAX); break;
    case SDLK_h: case SDLK_F1: viz_command(v, VIZ_CMD_HELP); break;
    case SDLK_SLASH: if (k->keysym.mod & KMOD_SHIFT) viz_command(v, VIZ_CMD_HELP); break;
    case SDLK_q: case SDLK_ESCAPE:
        if (v->help && s == SDLK_ESCAPE) v->help = false;
        else viz_command(v, VIZ_CMD_CLOSE);
        break;
    case SDLK_r: viz_command(v, VIZ_CMD_RESET_VIEW); break;
    case SDLK_g: viz_command(v, VIZ_CMD_GRID); break;
    case SDLK_a: /* every process, then application 1, 2, ... in turn, then every process again */
        if (v->m.napps <= 1) notice(v, "no application has started");
        else viz_filter_app(v, v->view.filter_app < 0 ? 1 : v->view.filter_app + 1);
        break;
    case SDLK_l: viz_command(v, VIZ_CMD_NEXT_LOAD); break;
    case SDLK_p: viz_command(v, VIZ_CMD_SCREENSHOT); break;
    case SDLK_j:
        v->prompting = true;
        v->prompt[0] = 0;
        SDL_StartTextInput();
        break;
    case SDLK_LEFT: viz_pan(v, 60, 0); break;
    case SDLK_RIGHT: viz_pan(v, -60, 0); break;
    case SDLK_UP: viz_pan(v, 0, 60); break;
    case SDLK_DOWN: viz_pan(v, 0, -60); break;
    default:
        if (s >= SDLK_0 && s <= SDLK_9) viz_filter_node(v, s == SDLK_0 ? -1 : (int)(s - SDLK_1));
        break;
    }
}

/* Reads pending window input; returns true if anything changed the picture. */
static bool pump(viz_t *v)
{
    if (!v->win) return false;
    SDL_Event e;
    bool any = false;
    while (SDL_PollEvent(&e)) {
        any = true;
        switch (e.type) {
        case SDL_QUIT: viz_command(v, VIZ_CMD_CLOSE); break;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_CLOSE) viz_command(v, VIZ_CMD_CLOSE);
            break;
        case SDL_KEYDOWN: key(v, &e.key); break;
        case SDL_TEXTINPUT:
            if (v->prompting) {
                size_t n = strlen(v->prompt);
                for (const char *c = e.text.text; *c && n + 1 < sizeof v->prompt; c++)
                    if ((*c >= '0' && *c <= '9') || strchr(".smhu ", *c)) v->prompt[n++] = *c;
                v->prompt[n] = 0;
            }
            break;
        case SDL_MOUSEBUTTONDOWN:
            if (e.button.button == SDL_BUTTON_LEFT) {
                v->dragging = true;
                v->moved = false;
                v->drag_x = e.button.x, v->drag_y = e.button.y;
            }
            break;
        case SDL_MOUSEMOTION:
            if (v->dragging) {
                int dx = e.motion.x - v->drag_x, dy = e.motion.y - v->drag_y;
                if (v->moved || abs(dx) + abs(dy) > 4) {
                    v->moved = true;
                    viz_pan(v, (float)dx, (float)dy);
                    v->drag_x = e.motion.x, v->drag_y = e.motion.y;
                }
            }
            break;
        case SDL_MOUSEBUTTONUP:
            if (e.button.button == SDL_BUTTON_LEFT) {
                if (!v->moved) viz_click(v, (float)e.button.x, (float)e.button.y);
                v->dragging = false;
            }
            break;
        case SDL_MOUSEWHEEL: {
            int mx, my;
            SDL_GetMouseState(&mx, &my);
            viz_zoom(v, e.wheel.y > 0 ? 1.25f : 0.8f, (float)mx, (float)my);
            break;
        }
        default: break;
        }
    }
    return any;
}

/* Waits for input (a window) or a moment (offscreen). */
static void wait_ms(viz_t *v, int ms)
{
    if (v->win) SDL_WaitEventTimeout(NULL, ms);
    else SDL_Delay(ms > 2 ? 2 : (Uint32)ms);
}

/* ---- the observer --------------------------------------------------------------------------- */
static void draw_live(viz_t *v, sim_time_t t)
{
    render(v, t);
    present(v);
}

void viz_between(viz_t *v, sim_time_t next_time, sim_time_t run_end, uint64_t *events, sim_time_t *until)
{
    v->run_end = run_end;
    *events = UINT64_MAX;
    *until = SIM_TIME_MAX;
    if (v->closed || v->rewinding) return;
    if (!v->o.live) { /* headless: frames at fixed virtual times */
        record_due(v, next_time, false);
        *until = v->rec_next;
        return;
    }
    for (;;) {
        bool input = pump(v);
        if (v->closed || v->rewinding) return;
        record_due(v, next_time, false);
        double now_w = wall_s();
        bool due = now_w - v->last_draw_w >= FRAME_S;
        sim_time_t wnow = world_now(v);
        if (v->jump_to) {
            if (next_time <= v->jump_to) {
                if (due && now_w - v->last_draw_w >= 0.1) draw_live(v, wnow); /* progress, 10 per second */
                *until = v->jump_to;
                *events = 20000;
                if (v->o.record_dir) *until = v->rec_next < *until ? v->rec_next : *until;
                return;
            }
            v->shown = v->jump_to;
            v->jump_to = 0;
            rebase(v, v->shown);
            draw_live(v, v->shown);
            continue;
        }
        if (v->paused) {
            if (v->step_events) {
                v->step_events--;
                *events = 1;
                v->shown = next_time;
                v->last_draw_w = 0; /* draw the result at once */
                return;
            }
            if (v->step_until) {
                if (next_time <= v->step_until) {
                    *until = v->step_until;
                    if (v->o.record_dir) *until = v->rec_next < *until ? v->rec_next : *until;
                    return;
                }
                v->shown = v->step_until;
                v->step_until = 0;
                draw_live(v, v->shown);
                continue;
            }
            if (due || input) draw_live(v, v->shown < wnow ? wnow : v->shown);
            wait_ms(v, 15);
            continue;
        }
        if (v->max_speed) {
            if (due) draw_live(v, wnow);
            *events = 2048;
            if (v->o.record_dir) *until = v->rec_next;
            return;
        }
        double sp = speeds[v->speed_i];
        sim_time_t target = v->base_v + (sim_time_t)llround((now_w - v->base_w) * sp * 1e9);
        if (next_time <= target) {
            if (due) {
                sim_time_t show = wnow > v->shown ? wnow : v->shown;
                draw_live(v, show);
                /* the simulation cannot keep up with this speed: do not let the target run away */
                if (target > show + (sim_time_t)(0.25 * sp * 1e9)) rebase(v, show);
            }
            *until = target;
            *events = 4096;
            if (v->o.record_dir) *until = v->rec_next < *until ? v->rec_next : *until;
            return;
        }
        /* no event before the target: virtual time passes with nothing happening */
        if (due) draw_live(v, target > v->shown ? target : v->shown);
        double left = FRAME_S - (wall_s() - v->last_draw_w);
        wait_ms(v, left > 0.001 ? (int)(left * 1000) : 1);
    }
}

void viz_detach(viz_t *v, int exit_code)
{
    v->exit_code = exit_code;
    v->ended = true;
    sim_time_t end = world_now(v);
    if (v->closed || v->rewinding) return; /* an abandoned run: its replay follows */
    record_due(v, end, true);
    if (v->o.record_dir) {
        render(v, end);
        write_frame(v, "final.png");
    }
    if (!v->o.live) return;
    v->paused = true;
    draw_live(v, end);
    while (v->o.hold && !v->closed) {
        bool input = pump(v);
        if (v->closed || v->rewinding) break;
        if (input || wall_s() - v->last_draw_w >= 0.05) draw_live(v, end);
        wait_ms(v, 30);
    }
}

const viz_model_t *viz_model(const viz_t *v) { return &v->m; }
const viz_layout_t *viz_layout(const viz_t *v) { return &v->lay; }
bool viz_is_paused(const viz_t *v) { return v->paused; }
uint64_t viz_frames(const viz_t *v) { return v->frames; }
sim_time_t viz_shown_time(const viz_t *v) { return v->shown; }
