/* buf.h: the one growable byte buffer of the engine. Every module that builds text of
 * unknown length (SQL, JSON, CSV, HTML, explanations) appends to a dvk_buf. Out of memory is
 * sticky: the first failed growth sets oom, every later append does nothing and returns -1,
 * so a caller may append freely and check once at the end. The bytes are always followed by
 * a NUL once anything was appended. Owns only its own memory. */
#ifndef DVK_BUF_H
#define DVK_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct dvk_buf {
    char *p;          /* the bytes, NUL-terminated; NULL until the first append */
    size_t len, cap;  /* bytes used (without the NUL), bytes allocated */
    int oom;          /* a growth failed: the contents are incomplete */
} dvk_buf;

#define DVK_BUF_INIT {NULL, 0, 0, 0}

/* Room for more bytes (and the NUL). 0, or -1 (and oom set) when memory is short. */
int dvk_buf_reserve(dvk_buf *b, size_t more);
/* Append n bytes of s / the string s / one byte. 0 or -1 (out of memory, now or before). */
int dvk_buf_add(dvk_buf *b, const void *s, size_t n);
int dvk_buf_adds(dvk_buf *b, const char *s);
int dvk_buf_addc(dvk_buf *b, char c);
int dvk_buf_printf(dvk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dvk_buf_vprintf(dvk_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The text so far ("" when nothing was appended); valid until the next append. */
const char *dvk_buf_str(const dvk_buf *b);
/* Forget the contents but keep the memory (and clear oom), for reuse across rows. */
void dvk_buf_reset(dvk_buf *b);
/* Hand the bytes to the caller (malloc'd, NUL-terminated, "" allocated when empty) and leave
 * b empty; *len (may be NULL) gets the length. NULL when out of memory (b is freed). */
char *dvk_buf_take(dvk_buf *b, size_t *len);
/* Free the memory (b may be NULL); b is empty again. */
void dvk_buf_free(dvk_buf *b);

#endif
