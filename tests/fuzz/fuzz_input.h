/* fuzz_input.h: a cursor over a fuzzer's input, shared by the fuzz targets: bytes, bounded
 * integers, strings (NUL-terminated copies of input bytes, so invalid UTF-8 reaches the
 * code under test) and numbers (a table of awkward values, or raw doubles). Header-only. */
#ifndef DVK_FUZZ_INPUT_H
#define DVK_FUZZ_INPUT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct fz {
    const uint8_t *p;
    size_t n;
} fz;

static inline int fz_byte(fz *f)
{
    if (!f->n)
        return -1;
    f->n--;
    return *f->p++;
}

/* An integer in [0, mod) (0 when the input is exhausted). */
static inline unsigned fz_int(fz *f, unsigned mod)
{
    int b = fz_byte(f);
    return b < 0 || mod == 0 ? 0 : (unsigned)b % mod;
}

/* A string of up to cap-1 input bytes (its length from one byte; stops at a NUL). */
static inline const char *fz_str(fz *f, char *buf, size_t cap)
{
    size_t len = fz_int(f, 256);
    if (len > cap - 1)
        len = cap - 1;
    if (len > f->n)
        len = f->n;
    memcpy(buf, f->p, len);
    buf[len] = '\0';
    f->p += len;
    f->n -= len;
    return buf;
}

static inline double fz_num(fz *f)
{
    static const double awkward[] = {0, -0.0, 1, -1, 0.5, 0.005, 1.005, 99.995, 1e9, -1e9, 1e300,
                                     -1e300, 5e-324, 2147483648.0, 9007199254740993.0, 1.0 / 3};
    int k = fz_byte(f);
    if (k < 0)
        return 0;
    if (k < 200)
        return awkward[(unsigned)k % (sizeof awkward / sizeof awkward[0])] * (k >= 100 ? 1000 : 1);
    double d = 0;
    size_t m = f->n < sizeof d ? f->n : sizeof d;
    memcpy(&d, f->p, m);
    f->p += m;
    f->n -= m;
    return d;  /* may be NaN or infinite: the document must refuse those where it should */
}

#endif
