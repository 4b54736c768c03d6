/* json.c: the JSON writer (json.h). */
#include "dvk/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "dvk/format.h"

int dvk_json_str(dvk_buf *b, const char *s, size_t n)
{
    if (!s)
        return dvk_buf_add(b, "null", 4);
    if (dvk_buf_reserve(b, n + 2))
        return -1;
    dvk_buf_addc(b, '"');
    size_t run = 0;   /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        const char *rep = NULL;
        size_t skip = 1;
        switch (c) {
        case '"': rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        case '\b': rep = "\\b"; break;
        case '\f': rep = "\\f"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                rep = esc;
            } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                       ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
                /* U+2028/2029 are valid JSON but end a JavaScript string literal. */
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)s[i + 2] == 0xA8 ? 0x2028 : 0x2029);
                rep = esc;
                skip = 3;
            }
        }
        if (rep) {
            dvk_buf_add(b, s + run, i - run);
            dvk_buf_adds(b, rep);
            i += skip - 1;
            run = i + 1;
        }
    }
    dvk_buf_add(b, s + run, n - run);
    return dvk_buf_addc(b, '"');
}

int dvk_json_strz(dvk_buf *b, const char *s) { return dvk_json_str(b, s, s ? strlen(s) : 0); }

int dvk_json_num(dvk_buf *b, double v)
{
    if (!isfinite(v))
        return dvk_buf_add(b, "null", 4);
    char num[40];
    dvk_format_plain(v, num, sizeof num);
    return dvk_buf_adds(b, num);
}

int dvk_json_key(dvk_buf *b, const char *key, int first)
{
    if (!first)
        dvk_buf_addc(b, ',');
    dvk_json_strz(b, key);
    return dvk_buf_addc(b, ':');
}
