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
/* Terminal display width of s (combining marks count 0, wide characters 2). */
int dvk_text_width(const char *s, size_t len);
/* Register the "vi" collation (ICU Vietnamese) and the vi_key(text) SQL function on db.
 * Returns an SQLite result code. */
int dvk_text_register(sqlite3 *db);
/* Compare two UTF-8 strings in Vietnamese collation order (<0, 0, >0). */
int dvk_text_collate(const char *a, size_t alen, const char *b, size_t blen);

#endif
