/* text.c — glyph atlases from SDL2_ttf. */
#include "viz/text.h"

#include <SDL_ttf.h>
#include <stdio.h>
#include <string.h>

static int ttf_users;

int viz_font_open(viz_font_t *f, SDL_Renderer *r, const char *path, int size, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    if (ttf_users == 0 && TTF_Init() != 0) {
        snprintf(err, errlen, "SDL2_ttf: %s", TTF_GetError());
        return -1;
    }
    ttf_users++;
    TTF_Font *font = TTF_OpenFont(path, size);
    if (!font) {
        snprintf(err, errlen, "cannot open font %s (%s): install Debian's fonts-dejavu-core, or set OTPSIM_VIZ_FONT",
                 path, TTF_GetError());
        goto fail;
    }
    f->size = size;
    f->height = TTF_FontHeight(font);
    f->ascent = TTF_FontAscent(font);
    /* lay glyphs out on rows of a 512-pixel-wide atlas */
    const int aw = 512;
    int x = 0, y = 0, rowh = f->height + 1;
    SDL_Surface *atlas = SDL_CreateRGBSurfaceWithFormat(0, aw, rowh * 8, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!atlas) {
        snprintf(err, errlen, "SDL: %s", SDL_GetError());
        TTF_CloseFont(font);
        goto fail;
    }
    SDL_FillRect(atlas, NULL, 0);
    SDL_Color white = { 255, 255, 255, 255 };
    for (int c = 32; c < 127; c++) {
        int minx, maxx, miny, maxy, adv;
        if (TTF_GlyphMetrics(font, (Uint16)c, &minx, &maxx, &miny, &maxy, &adv) != 0) adv = size / 2;
        SDL_Surface *gs = c == ' ' ? NULL : TTF_RenderGlyph_Blended(font, (Uint16)c, white);
        int gw = gs ? gs->w : 0;
        if (x + gw + 1 > aw) {
            x = 0;
            y += rowh;
        }
        viz_glyph_t *g = &f->g[c - 32];
        g->x = (short)x;
        g->y = (short)y;
        g->w = (short)gw;
        g->h = (short)(gs ? gs->h : 0);
        g->adv = (short)adv;
        if (gs) {
            SDL_SetSurfaceBlendMode(gs, SDL_BLENDMODE_NONE);
            SDL_Rect dst = { x, y, gs->w, gs->h };
            SDL_BlitSurface(gs, NULL, atlas, &dst);
            SDL_FreeSurface(gs);
        }
        x += gw + 1;
    }
    f->g[95] = f->g['?' - 32];
    TTF_CloseFont(font);
    f->atlas = SDL_CreateTextureFromSurface(r, atlas);
    SDL_FreeSurface(atlas);
    if (!f->atlas) {
        snprintf(err, errlen, "SDL: %s", SDL_GetError());
        goto fail;
    }
    SDL_SetTextureBlendMode(f->atlas, SDL_BLENDMODE_BLEND);
    return 0;
fail:
    if (--ttf_users == 0) TTF_Quit();
    return -1;
}

void viz_font_close(viz_font_t *f)
{
    if (!f->size) return;
    if (f->atlas) SDL_DestroyTexture(f->atlas);
    f->atlas = NULL;
    f->size = 0;
    if (--ttf_users == 0) TTF_Quit();
}

static const viz_glyph_t *glyph(const viz_font_t *f, unsigned char c)
{
    return c >= 32 && c < 127 ? &f->g[c - 32] : &f->g[95];
}

int viz_text_draw(SDL_Renderer *r, const viz_font_t *f, float x, float y, const char *s, size_t n, unsigned rgb)
{
    if (!f->atlas) return 0;
    SDL_SetTextureColorMod(f->atlas, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb);
    float x0 = x;
    for (size_t i = 0; i < n && s[i]; i++) {
        const viz_glyph_t *g = glyph(f, (unsigned char)s[i]);
        if (g->w) {
            SDL_Rect src = { g->x, g->y, g->w, g->h };
            SDL_FRect dst = { x, y, (float)g->w, (float)g->h };
            SDL_RenderCopyF(r, f->atlas, &src, &dst);
        }
        x += g->adv;
    }
    return (int)(x - x0);
}

int viz_text_width(const viz_font_t *f, const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n && s[i]; i++) w += glyph(f, (unsigned char)s[i])->adv;
    return w;
}

size_t viz_text_fit(const viz_font_t *f, const char *s, float max_w)
{
    float w = 0;
    size_t i = 0;
    for (; s[i]; i++) {
        w += glyph(f, (unsigned char)s[i])->adv;
        if (w > max_w) break;
    }
    return i;
}
