/* text.h: Vietnamese-aware text: UTF-8 validation, NFC normalisation, search keys that ignore
 * case and diacritics (đ as d), display width for aligned tables, and the ICU "vi" collation
 * registered on SQLite connections. Owns no state beyond the cached ICU collator. */
#ifndef DVK_TEXT_H
#define DVK_TEXT_H

#include <stddef.h>
#include <sqlite3.h>

/* 1 when s[0..len) is valid UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
int dvk_text_valid_utf8(const char *s, size_t len);
/* NFC form of s[0..len). Returns a malloc'd NUL-terminated string, or NULL on invalid UTF-8
 * or out of memory. The caller frees it. */
char *dvk_text_nfc(const char *s, size_t len);
/* Search key of s: NFC, case-folded, diacritics stripped, đ/Đ mapped to d, runs of white
 * space folded to one space and trimmed. "Dân Vận Khéo" -> "dan van kheo". malloc'd; the
 * caller frees it. NULL on invalid UTF-8 or out of memory. */
char *dvk_text_key(const char *s, size_t len);
/* Lower case (Unicode simple case folding) of s, keeping diacritics. malloc'd. */
char *dvk_text_lower(const char *s, size_t len);
/* Terminal display width of s (combining marks count 0, wide characters 2; an invalid byte
 * counts 1). */
int dvk_text_width(const char *s, size_t len);
/* The code point at s[*i] (s has n bytes), advancing *i past it. An invalid or truncated
 * sequence gives -1 and advances *i by one byte; *i >= n gives -1 and does not move. The one
 * UTF-8 decoder of the engine (utf8proc). */
long dvk_text_next(const char *s, size_t n, size_t *i);
/* Number of code points of s[0..n) (an invalid byte counts as one). */
size_t dvk_text_chars(const char *s, size_t n);
/* The longest prefix of s[0..n) that has at most max_bytes bytes and at most max_chars code
 * points (0: no limit on code points) and ends on a code point boundary; its length in
 * bytes. For names cut to a field's size (an Excel sheet name, a column). */
size_t dvk_text_prefix(const char *s, size_t n, size_t max_bytes, size_t max_chars);
/* Upper case of s in Vietnamese (ICU, locale "vi"): "Quyết định" -> "QUYẾT ĐỊNH". malloc'd;
 * NULL on invalid UTF-8 or out of memory. */
char *dvk_text_upper(const char *s, size_t len);
/* Register the "vi" collation (ICU Vietnamese) and the vi_key(text) SQL function on db.
 * Returns an SQLite result code. */
int dvk_text_register(sqlite3 *db);
/* Compare two UTF-8 strings in Vietnamese collation order (<0, 0, >0). */
int dvk_text_collate(const char *a, size_t alen, const char *b, size_t blen);

#endif
