/* text.h: Vietnamese-aware text: UTF-8 validation, NFC normalisation, search keys that ignore
 * case and diacritics (đ as d), display width for aligned tables, and the ICU "vi" collation
 * registered on SQLite connections. Owns no state beyond the cached ICU collator. */
#ifndef DVK_TEXT_H
#define DVK_TEXT_H

#include <stddef.h>
#include <sqlite3.h>
#include "dvk/error.h"

/* 1 when s[0..len) is valid UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
int dvk_text_valid_utf8(const char *s, size_t len);
/* NFC form of s[0..len). Returns a malloc'd NUL-terminated string, or NULL on invalid UTF-8
 * or out of memory. The caller frees it. */
char *dvk_text_nfc(const char *s, size_t len);
/* 1 when s[0..len), valid UTF-8, is NFC for certain by a quick scan (ASCII, Latin up to
 * U+02FF, the precomposed Vietnamese letters, general punctuation): dvk_text_nfc would
 * return the same bytes. 0: it may not be; ask dvk_text_nfc. */
int dvk_text_quick_nfc(const char *s, size_t len);
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
/* Characters text dvk stores must not carry (the one rule; `dvk import --help` and
 * docs/lua-api.md state it):
 * - DVK_TEXT_CONTROL: C0 controls (U+0000-U+001F) other than TAB and LF, a CR not followed
 *   by LF, DEL (U+007F) and the C1 controls (U+0080-U+009F): ESC, BEL and their kind.
 * - DVK_TEXT_TAB_LF: TAB, LF and CR LF (fine in free text: an address, a description, a
 *   note; not in a code, a name given on the command line or a decision number).
 * - DVK_TEXT_INVISIBLE: bidirectional controls (U+200E, U+200F, U+202A-U+202E,
 *   U+2066-U+2069) and zero-width characters (U+200B-U+200D, U+2060, U+FEFF): they make
 *   two different texts look the same, or one text print in another order. */
enum { DVK_TEXT_CONTROL = 1, DVK_TEXT_TAB_LF = 2, DVK_TEXT_INVISIBLE = 4 };
/* The class (one of the above, 0: none) of the code point at s[i] of s[0..n): CR is
 * DVK_TEXT_TAB_LF only when LF follows. */
int dvk_text_class_at(const char *s, size_t n, size_t i, long cp);
/* The byte offset of the first code point of s[0..n) in one of the classes of mask (n when
 * none); *cp gets it. An invalid byte is skipped (validate first). */
size_t dvk_text_find(const char *s, size_t n, int mask, long *cp);
/* s[0..n) without its DVK_TEXT_INVISIBLE characters (names: "Nguyễn\u200BVăn" is
 * "NguyễnVăn"), malloc'd and NUL-terminated, *outlen its length; NULL when out of memory. */
char *dvk_text_strip_invisible(const char *s, size_t n, size_t *outlen);
/* The check of a text argument a dvk command stores (a decision number, a reason): valid
 * UTF-8, no character of any class above. DVK_OK, or DVK_EDATA with "WHAT is not valid
 * UTF-8" / "WHAT contains a control character (U+001B at byte 4)" / "WHAT contains an
 * invisible character (U+202E at byte 3: a bidirectional or zero-width mark)". */
int dvk_text_check_arg(const char *s, const char *what, dvk_error *err);

/* Register the "vi" collation (ICU Vietnamese) and the vi_key(text) SQL function on db.
 * Returns an SQLite result code. */
int dvk_text_register(sqlite3 *db);
/* Compare two UTF-8 strings in Vietnamese collation order (<0, 0, >0). */
int dvk_text_collate(const char *a, size_t alen, const char *b, size_t blen);

#endif
