/* text.h — text for the live view: a TrueType font (SDL2_ttf) rendered once into a glyph atlas.
 *
 * Each printable ASCII glyph is rendered once per font size into one texture; drawing a string
 * copies glyph rectangles, tinted with the texture's colour modulation. So per-frame text costs
 * one copy per character, with no TTF rendering and no allocation. Bytes outside printable ASCII
 * are drawn as '?'. The default font is DejaVu Sans from Debian's fonts-dejavu-core. */
#ifndef VIZ_TEXT_H
#define VIZ_TEXT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#define VIZ_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#define VIZ_FONT_REGULAR VIZ_FONT_DIR "/DejaVuSans.ttf"
#define VIZ_FONT_BOLD VIZ_FONT_DIR "/DejaVuSans-Bold.ttf"

typedef struct viz_glyph { short x, y, w, h, adv, minx; } viz_glyph_t;

typedef struct viz_font {
    SDL_Texture *atlas;
    int size, height, ascent;
    viz_glyph_t g[96];   /* ' ' .. '~', then '?' stands for the rest */
} viz_font_t;

/* Loads the font at path at `size` pixels and builds its atlas for renderer r. Returns 0, or -1
 * with a message in err (the font file is missing: name the Debian package). */
int viz_font_open(viz_font_t *f, SDL_Renderer *r, const char *path, int size, char *err, size_t errlen);
void viz_font_close(viz_font_t *f);
/* Draws s (at most n bytes; n = (size_t)-1: up to its NUL) with its top-left at (x, y) in
 * colour rgb (0xRRGGBB); returns the width drawn. */
int viz_text_draw(SDL_Renderer *r, const viz_font_t *f, float x, float y, const char *s, size_t n, unsigned rgb);
int viz_text_width(const viz_font_t *f, const char *s, size_t n);
/* How many bytes of s fit in max_w pixels. */
size_t viz_text_fit(const viz_font_t *f, const char *s, float max_w);

#endif
