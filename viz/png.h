/* png.h — PNG files for headless frames: a small encoder and decoder over zlib.
 *
 * SDL2 saves only BMP. Rather than pull in libpng for the one format we write, frames are encoded
 * here: 8-bit RGB, one IDAT of zlib-compressed rows, each row with PNG's "Sub" filter (flat
 * colours, as drawn frames have, then compress to a few tens of kilobytes). The decoder reads
 * 8-bit RGB or RGBA, non-interlaced PNGs with any filter — enough for the tests to check pixels
 * of the frames the encoder wrote. */
#ifndef VIZ_PNG_H
#define VIZ_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Writes pixels (width x height, rows `pitch` bytes apart, each pixel 4 bytes in memory order
 * B, G, R, X — SDL's ARGB8888 on little-endian) to path as an RGB PNG, through path.tmp and a
 * rename. Returns 0, or -1 with errno set. */
int viz_png_write(const char *path, const uint8_t *pixels, int width, int height, int pitch);

/* Reads an RGB or RGBA 8-bit PNG into a new buffer of width * height * 3 bytes (R, G, B),
 * owned by the caller. Returns NULL when the file cannot be read or is not such a PNG. */
uint8_t *viz_png_read(const char *path, int *width, int *height);

#endif
