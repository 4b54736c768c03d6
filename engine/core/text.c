/* text.c: UTF-8 validation, NFC, search keys, display width and the ICU "vi" collation
 * (see include/dvk/text.h). */
#include "dvk/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

int dvk_text_valid_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned char c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) { n = 2; cp = c & 0x1f; min = 0x80; }
        else if ((c & 0xf0) == 0xe0) { n = 3; cp = c & 0x0f; min = 0x800; }
        else if ((c & 0xf8) == 0xf0) { n = 4; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if ((size_t)(end - p) < n)
            return 0;
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n;
    }
    return 1;
}

/* utf8proc_map over s[0..len) with options; NULL on error. */
static char *map(const char *s, size_t len, utf8proc_option_t opts)
{
    if (!dvk_text_valid_utf8(s, len))
        return NULL;
    if (len == 0)
        return calloc(1, 1);
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out, opts);
    if (n < 0) {
        free(out);
        return NULL;
    }
    return (char *)out;
}

/* 1 when s[0..len) (valid UTF-8) is NFC for certain: every code point is a starter with
 * NFC_Quick_Check = Yes that never composes with a neighbour: ASCII and Latin up to U+02FF
 * (lead bytes up to 0xCB), Latin Extended Additional (every precomposed Vietnamese letter,
 * U+1E00-U+1EFF: E1 B8..BB) and General Punctuation from U+2002 (E2 80 82 .. E2 81 AF;
 * U+2000 and U+2001 are singletons). NUL is not: it goes through utf8proc as before. */
static int surely_nfc(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned char c = *p;
        if (c < 0x80 && c != 0) {
            p++;
        } else if (c >= 0xC2 && c <= 0xCB) {
            p += 2;
        } else if (c == 0xE1 && p[1] >= 0xB8 && p[1] <= 0xBB) {
            p += 3;
        } else if (c == 0xE2 && ((p[1] == 0x80 && p[2] >= 0x82) || (p[1] == 0x81 && p[2] <= 0xAF))) {
            p += 3;
        } else {
            return 0;
        }
    }
    return 1;
}

int dvk_text_quick_nfc(const char *s, size_t len) { return surely_nfc(s, len); }

char *dvk_text_nfc(const char *s, size_t len)
{
    /* Plain ASCII, and the common Vietnamese text, is already NFC: a copy. */
    size_t i = 0;
    while (i < len && (unsigned char)s[i] < 0x80 && s[i] != '\0')
        i++;
    if (i == len || (dvk_text_valid_utf8(s, len) && surely_nfc(s, len))) {
        char *out = malloc(len + 1);
        if (out) {
            memcpy(out, s, len);
            out[len] = '\0';
        }
        return out;
    }
    return map(s, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

char *dvk_text_lower(const char *s, size_t len)
{
    return map(s, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

/* The search key by utf8proc: the definition of dvk_text_key. */
static char *key_slow(const char *s, size_t len)
{
    char *m = map(s, len, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    if (!m)
        return NULL;
    /* đ (U+0111, after case folding of Đ) has no decomposition: map it to d by hand, and fold
     * white space. The result is never longer than the input. */
    char *w = m;
    int space = 1; /* drop leading white space */
    for (const char *r = m; *r;) {
        unsigned char c = (unsigned char)*r;
        if (c == 0xc4 && (unsigned char)r[1] == 0x91) {
            *w++ = 'd';
            r += 2;
            space = 0;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            if (!space)
                *w++ = ' ';
            space = 1;
            r++;
        } else {
            *w++ = (char)c;
            r++;
            space = 0;
        }
    }
    if (w > m && w[-1] == ' ')
        w--;
    *w = '\0';
    return m;
}

/* The key of one code point below KEY_CACHE, as key_slow computes it. The key maps each
 * code point on its own (case folding, decomposition and mark stripping do not look at
 * neighbours), so the key of a string made of such code points is theirs put together, with
 * the white space folding of key_slow: dvk_text_key does that for the common Vietnamese
 * text (everything below U+2100), and leaves anything else to key_slow. Filled lazily from
 * key_slow itself, so the two never disagree (check_csvio compares them over every cached
 * code point). */
#define KEY_CACHE 0x2100
typedef struct keyent {
    unsigned char state;        /* 0 unknown, 1 cached, 2 not cacheable */
    unsigned char len;
    char s[14];
} keyent;
static keyent key_cache[KEY_CACHE];

static const keyent *key_of(uint32_t cp, const char *utf8, size_t n)
{
    keyent *e = &key_cache[cp];
    if (e->state)
        return e;
    e->state = 2;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0)
        return e;   /* white space is folded by the caller; NUL goes to key_slow */
    char *k = key_slow(utf8, n);
    if (k && strlen(k) < sizeof e->s && !strchr(k, ' ')) {
        e->len = (unsigned char)strlen(k);
        memcpy(e->s, k, e->len);
        e->state = 1;
    }
    free(k);
    return e;
}

char *dvk_text_key(const char *s, size_t len)
{
    if (!dvk_text_valid_utf8(s, len))
        return NULL;
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t cap = len + 16, n = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    int space = 1;   /* drop leading white space */
    while (p < end) {
        if (n + sizeof key_cache[0].s + 2 > cap) {   /* room for one key and a space */
            cap = cap * 2 + sizeof key_cache[0].s;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        /* decode one code point (valid UTF-8: checked above) */
        uint32_t cp;
        size_t k;
        if (p[0] < 0x80) {
            cp = p[0];
            k = 1;
        } else if (p[0] < 0xE0) {
            cp = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
            k = 2;
        } else if (p[0] < 0xF0) {
            cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
            k = 3;
        } else {
            cp = KEY_CACHE;   /* beyond the cache: key_slow */
            k = 4;
        }
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') {
            if (!space)
                out[n++] = ' ';
            space = 1;
            p += k;
            continue;
        }
        const keyent *e = cp < KEY_CACHE ? key_of(cp, (const char *)p, k) : NULL;
        if (!e || e->state != 1) {
            free(out);
            return key_slow(s, len);
        }
        memcpy(out + n, e->s, e->len);
        n += e->len;
        if (e->len)
            space = 0;
        p += k;
    }
    if (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

int dvk_text_width(const char *s, size_t len)
{
    int width = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0) { /* invalid byte: count it as one column */
            width++;
            p++;
            left--;
            continue;
        }
        width += utf8proc_charwidth(cp);
        p += n;
        left -= n;
    }
    return width;
}

long dvk_text_next(const char *s, size_t n, size_t *i)
{
    if (*i >= n)
        return -1;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
                                          (utf8proc_ssize_t)(n - *i), &cp);
    if (k <= 0) {
        (*i)++;
        return -1;
    }
    *i += (size_t)k;
    return cp;
}

size_t dvk_text_chars(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; count++)
        dvk_text_next(s, n, &i);
    return count;
}

size_t dvk_text_prefix(const char *s, size_t n, size_t max_bytes, size_t max_chars)
{
    size_t i = 0, keep = 0, chars = 0;
    while (i < n && (max_chars == 0 || chars < max_chars)) {
        dvk_text_next(s, n, &i);
        if (i > max_bytes)
            break;
        keep = i;
        chars++;
    }
    return keep;
}

char *dvk_text_upper(const char *s, size_t len)
{
    if (!dvk_text_valid_utf8(s, len) || len > (size_t)INT32_MAX / 4)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    UChar *u = malloc((len + 1) * sizeof *u), *up = NULL;
    char *out = NULL;
    if (!u)
        return NULL;
    u_strFromUTF8(u, (int32_t)len + 1, &ulen, s, (int32_t)len, &st);
    if (U_FAILURE(st))
        goto done;
    int32_t cap = ulen * 3 + 1, uplen;   /* upper case may grow (ß -> SS) */
    if (!(up = malloc((size_t)cap * sizeof *up)))
        goto done;
    uplen = u_strToUpper(up, cap, u, ulen, "vi", &st);
    if (U_FAILURE(st))
        goto done;
    int32_t olen = 0;
    u_strToUTF8(NULL, 0, &olen, up, uplen, &st);
    st = U_ZERO_ERROR;   /* U_BUFFER_OVERFLOW_ERROR from the pre-flight */
    if (!(out = malloc((size_t)olen + 1)))
        goto done;
    u_strToUTF8(out, olen + 1, NULL, up, uplen, &st);
    if (U_FAILURE(st)) {
        free(out);
        out = NULL;
    }
done:
    free(u);
    free(up);
    return out;
}

/* One collator for the process; ICU collators are safe to share for comparisons. */
static UCollator *vi_collator(void)
{
    static UCollator *coll;
    static int failed;
    if (!coll && !failed) {
        UErrorCode status = U_ZERO_ERROR;
        coll = ucol_open("vi", &status);
        if (U_FAILURE(status)) {
            coll = NULL;
            failed = 1;
        }
    }
    return coll;
}

int dvk_text_collate(const char *a, size_t alen, const char *b, size_t blen)
{
    UCollator *coll = vi_collator();
    if (coll) {
        UErrorCode status = U_ZERO_ERROR;
        UCollationResult r = ucol_strcollUTF8(coll, a, (int32_t)alen, b, (int32_t)blen, &status);
        if (U_SUCCESS(status))
            return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
    }
    size_t n = alen < blen ? alen : blen;
    int c = memcmp(a, b, n);
    return c ? c : (alen > blen) - (alen < blen);
}

static int sql_collate(void *ud, int alen, const void *a, int blen, const void *b)
{
    (void)ud;
    return dvk_text_collate(a, (size_t)alen, b, (size_t)blen);
}

static void sql_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    char *k = s ? dvk_text_key(s, (size_t)sqlite3_value_bytes(argv[0])) : NULL;
    if (!k) {
        sqlite3_result_error(ctx, "vi_key: invalid UTF-8", -1);
        return;
    }
    sqlite3_result_text(ctx, k, -1, free);
}

int dvk_text_register(sqlite3 *db)
{
    int rc = sqlite3_create_collation_v2(db, "vi", SQLITE_UTF8, NULL, sql_collate, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "vi_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                     sql_key, NULL, NULL);
    return rc;
}

/* ------------------------------------------------------------------ controls and marks */

int dvk_text_class_at(const char *s, size_t n, size_t i, long cp)
{
    if (cp == '\t' || cp == '\n')
        return DVK_TEXT_TAB_LF;
    if (cp == '\r')
        return i + 1 < n && s[i + 1] == '\n' ? DVK_TEXT_TAB_LF : DVK_TEXT_CONTROL;
    if ((cp >= 0 && cp < 0x20) || (cp >= 0x7F && cp <= 0x9F))
        return DVK_TEXT_CONTROL;
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
        cp == 0x2060 || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
        return DVK_TEXT_INVISIBLE;
    return 0;
}

size_t dvk_text_find(const char *s, size_t n, int mask, long *cp)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F) {   /* printable ASCII: the common case */
            i++;
            continue;
        }
        /* Whole sequences that no class holds: U+00C0..U+07FF (lead C3..DF) and U+1000..U+1FFF
         * (lead E1: the precomposed Vietnamese letters). The classes lie in U+0000..U+009F
         * (lead C2), U+2000.. (E2) and U+FEFF (EF). Anything else, malformed included, is
         * decoded below as before. */
        if (c >= 0xC3 && c <= 0xDF && i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        if (c == 0xE1 && i + 2 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
            ((unsigned char)s[i + 2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        size_t at = i;
        long x = dvk_text_next(s, n, &i);
        if (x >= 0 && (dvk_text_class_at(s, n, at, x) & mask)) {
            if (cp)
                *cp = x;
            return at;
        }
    }
    return n;
}

char *dvk_text_strip_invisible(const char *s, size_t n, size_t *outlen)
{
    char *out = malloc(n + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        long x = dvk_text_next(s, n, &i);
        if (x >= 0 && dvk_text_class_at(s, n, at, x) == DVK_TEXT_INVISIBLE)
            continue;
        memcpy(out + o, s + at, i - at);
        o += i - at;
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}

int dvk_text_check_arg(const char *s, const char *what, dvk_error *err)
{
    size_t n = strlen(s);
    if (!dvk_text_valid_utf8(s, n))
        return dvk_error_set(err, DVK_EDATA, "%s is not valid UTF-8", what);
    long cp = 0;
    size_t at = dvk_text_find(s, n, DVK_TEXT_CONTROL | DVK_TEXT_TAB_LF | DVK_TEXT_INVISIBLE, &cp);
    if (at == n)
        return DVK_OK;
    if (dvk_text_class_at(s, n, at, cp) == DVK_TEXT_INVISIBLE)
        return dvk_error_set(err, DVK_EDATA, "%s contains an invisible character (U+%04lX at "
                             "byte %zu: a bidirectional or zero-width mark)", what, cp, at + 1);
    return dvk_error_set(err, DVK_EDATA, "%s contains a control character (U+%04lX at byte %zu)",
                         what, cp, at + 1);
}
