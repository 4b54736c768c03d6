/* buf.c: the growable byte buffer (buf.h). */
#include "dvk/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dvk_buf_reserve(dvk_buf *b, size_t more)
{
    if (b->oom)
        return -1;
    if (more < b->cap && b->len + more + 1 <= b->cap)
        return 0;
    if (more >= ((size_t)-1) / 4 - b->len) {   /* no sane text; and cap *= 2 cannot wrap */
        b->oom = 1;
        return -1;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

int dvk_buf_add(dvk_buf *b, const void *s, size_t n)
{
    if (dvk_buf_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int dvk_buf_adds(dvk_buf *b, const char *s) { return dvk_buf_add(b, s, strlen(s)); }

int dvk_buf_addc(dvk_buf *b, char c) { return dvk_buf_add(b, &c, 1); }

int dvk_buf_vprintf(dvk_buf *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int k = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (k < 0) {
        b->oom = 1;   /* an encoding error: the text is incomplete all the same */
        return -1;
    }
    if (dvk_buf_reserve(b, (size_t)k))
        return -1;
    vsnprintf(b->p + b->len, (size_t)k + 1, fmt, ap);
    b->len += (size_t)k;
    return 0;
}

int dvk_buf_printf(dvk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = dvk_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *dvk_buf_str(const dvk_buf *b) { return b->p ? b->p : ""; }

void dvk_buf_reset(dvk_buf *b)
{
    b->len = 0;
    b->oom = 0;
    if (b->p)
        b->p[0] = '\0';
}

char *dvk_buf_take(dvk_buf *b, size_t *len)
{
    if (!b->oom && !b->p)
        dvk_buf_reserve(b, 0);
    if (b->oom) {
        dvk_buf_free(b);
        return NULL;
    }
    char *p = b->p;
    p[b->len] = '\0';
    if (len)
        *len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void dvk_buf_free(dvk_buf *b)
{
    if (!b)
        return;
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
