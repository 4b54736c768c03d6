/* json.h: the one JSON writer of the engine (export, reports, the audit log's details, the
 * run summary): strings escaped so that the output is valid JSON and safe inside a
 * JavaScript string literal (U+2028 and U+2029 escaped), numbers in their shortest form that
 * reads back to the same double. Appends to a dvk_buf; owns nothing. */
#ifndef DVK_JSON_H
#define DVK_JSON_H

#include <stddef.h>
#include "dvk/buf.h"

/* s[0..n) as a JSON string, with its quotes. s must be valid UTF-8 (the engine stores only
 * valid UTF-8); NULL is written as null. 0 or -1 (out of memory). */
int dvk_json_str(dvk_buf *b, const char *s, size_t n);
/* NUL-terminated s as a JSON string (NULL: null). */
int dvk_json_strz(dvk_buf *b, const char *s);
/* v as a JSON number; NaN and infinities (which JSON cannot hold) as null. */
int dvk_json_num(dvk_buf *b, double v);
/* "key": with a comma before it unless first. */
int dvk_json_key(dvk_buf *b, const char *key, int first);

#endif
