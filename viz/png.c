/* png.c — PNG encode (RGB, Sub filter, one IDAT) and decode (RGB/RGBA 8-bit, all filters). */
#include "viz/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/atomic_file.h"

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static int chunk(FILE *f, const char *type, const uint8_t *data, uint32_t n)
{
    uint8_t hdr[8];
    be32(hdr, n);
    memcpy(hdr + 4, type, 4);
    uLong crc = crc32(0, (const Bytef *)type, 4);
    if (n) crc = crc32(crc, data, n);
    uint8_t c[4];
    be32(c, (uint32_t)crc);
    return fwrite(hdr, 1, 8, f) == 8 && (n == 0 || fwrite(data, 1, n, f) == n) && fwrite(c, 1, 4, f) == 4 ? 0 : -1;
}

int viz_png_write(const char *path, const uint8_t *pixels, int width, int height, int pitch)
{
    size_t row = (size_t)width * 3 + 1, raw_n = row * (size_t)height;
    uint8_t *raw = malloc(raw_n);
    uLongf z_n = compressBound((uLong)raw_n);
    uint8_t *z = malloc(z_n);
    int rc = -1;
    FILE *f = NULL;
    if (!raw || !z) {
        errno = ENOMEM;
        goto out;
    }
    for (int y = 0; y < height; y++) {
        uint8_t *o = raw + row * (size_t)y;
        const uint8_t *in = pixels + (size_t)pitch * (size_t)y;
        o[0] = 1; /* Sub: each byte minus the same byte of the pixel to its left */
        uint8_t pr = 0, pg = 0, pb = 0;
        for (int x = 0; x < width; x++) {
            uint8_t b = in[4 * x], g = in[4 * x + 1], r = in[4 * x + 2];
            o[1 + 3 * x] = (uint8_t)(r - pr);
            o[2 + 3 * x] = (uint8_t)(g - pg);
            o[3 + 3 * x] = (uint8_t)(b - pb);
            pr = r, pg = g, pb = b;
        }
    }
    /* run-length matches only: filtered frames are mostly runs of zeros, and Z_RLE is several
     * times faster than the default search at about the same size */
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK) {
        errno = ENOMEM;
        goto out;
    }
    zs.next_in = raw;
    zs.avail_in = (uInt)raw_n;
    zs.next_out = z;
    zs.avail_out = (uInt)z_n;
    int zrc = deflate(&zs, Z_FINISH);
    z_n = zs.total_out;
    deflateEnd(&zs);
    if (zrc != Z_STREAM_END) {
        errno = EIO;
        goto out;
    }
    atomic_file_t af;
    f = atomic_file_open(&af, path);
    if (!f) goto out;
    static const uint8_t sig[8] = { 137, 'P', 'N', 'G', 13, 10, 26, 10 };
    uint8_t ihdr[13];
    be32(ihdr, (uint32_t)width);
    be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    int ok = fwrite(sig, 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13) == 0 && chunk(f, "IDAT", z, (uint32_t)z_n) == 0 &&
             chunk(f, "IEND", NULL, 0) == 0;
    f = NULL;
    rc = atomic_file_close(&af, ok);
out:
    free(raw);
    free(z);
    return rc;
}

static uint8_t paeth(uint8_t a, uint8_t b, uint8_t c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

uint8_t *viz_png_read(const char *path, int *width, int *height)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *file = NULL, *zdat = NULL, *raw = NULL, *out = NULL;
    fseek(f, 0, SEEK_END);
    long fn = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (fn < 8 + 25) goto out;
    file = malloc((size_t)fn);
    if (!file || fread(file, 1, (size_t)fn, f) != (size_t)fn) goto out;
    if (memcmp(file, "\x89PNG\r\n\x1a\n", 8) != 0) goto out;
    size_t zn = 0, off = 8;
    uint32_t w = 0, h = 0;
    int channels = 0;
    zdat = malloc((size_t)fn);
    if (!zdat) goto out;
    while (off + 12 <= (size_t)fn) {
        uint32_t n = rd32(file + off);
        const uint8_t *type = file + off + 4, *data = file + off + 8;
        if (off + 12 + n > (size_t)fn) goto out;
        if (memcmp(type, "IHDR", 4) == 0) {
            w = rd32(data);
            h = rd32(data + 4);
            if (data[8] != 8 || data[12] != 0) goto out;
            channels = data[9] == 2 ? 3 : data[9] == 6 ? 4 : 0;
            if (!channels) goto out;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(zdat + zn, data, n);
            zn += n;
        } else if (memcmp(type, "IEND", 4) == 0) {
            break;
        }
        off += 12 + n;
    }
    if (!w || !h || w > 20000 || h > 20000) goto out;
    size_t stride = (size_t)w * (size_t)channels, rawn = (stride + 1) * h;
    raw = malloc(rawn);
    out = malloc((size_t)w * h * 3);
    uLongf got = (uLongf)rawn;
    if (!raw || !out || uncompress(raw, &got, zdat, (uLong)zn) != Z_OK || got != rawn) {
        free(out);
        out = NULL;
        goto out;
    }
    for (uint32_t y = 0; y < h; y++) {
        uint8_t *row = raw + (stride + 1) * y + 1, ft = row[-1];
        const uint8_t *up = y ? raw + (stride + 1) * (y - 1) + 1 : NULL;
        for (size_t i = 0; i < stride; i++) {
            uint8_t a = i >= (size_t)channels ? row[i - channels] : 0, b = up ? up[i] : 0,
                    c = (up && i >= (size_t)channels) ? up[i - channels] : 0;
            switch (ft) {
            case 0: break;
            case 1: row[i] = (uint8_t)(row[i] + a); break;
            case 2: row[i] = (uint8_t)(row[i] + b); break;
            case 3: row[i] = (uint8_t)(row[i] + ((a + b) >> 1)); break;
            case 4: row[i] = (uint8_t)(row[i] + paeth(a, b, c)); break;
            default: free(out); out = NULL; goto out;
            }
        }
        for (uint32_t x = 0; x < w; x++) memcpy(out + ((size_t)y * w + x) * 3, row + (size_t)x * channels, 3);
    }
    *width = (int)w;
    *height = (int)h;
out:
    fclose(f);
    free(file);
    free(zdat);
    free(raw);
    return out;
}
