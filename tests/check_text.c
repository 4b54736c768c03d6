/* check_text.c: UTF-8 validation, NFC, search keys, display width, Vietnamese collation. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "dvk/text.h"

START_TEST(valid_utf8)
{
    ck_assert_int_eq(dvk_text_valid_utf8("Dân vận khéo", strlen("Dân vận khéo")), 1);
    ck_assert_int_eq(dvk_text_valid_utf8("\xc3\x28", 2), 0);         /* bad continuation */
    ck_assert_int_eq(dvk_text_valid_utf8("\xc0\xaf", 2), 0);         /* overlong '/' */
    ck_assert_int_eq(dvk_text_valid_utf8("\xed\xa0\x80", 3), 0);     /* surrogate */
    ck_assert_int_eq(dvk_text_valid_utf8("\xf4\x90\x80\x80", 4), 0); /* > U+10FFFF */
    ck_assert_int_eq(dvk_text_valid_utf8("\xe1\xba", 2), 0);         /* truncated */
    ck_assert_int_eq(dvk_text_valid_utf8("", 0), 1);
}
END_TEST

START_TEST(nfc_composes_nfd)
{
    /* "Việt" written decomposed: e + U+0323 (dot below) + U+0302 (circumflex). */
    const char *nfd = "Vie\xcc\xa3\xcc\x82t";
    char *nfc = dvk_text_nfc(nfd, strlen(nfd));
    ck_assert_str_eq(nfc, "Việt");
    free(nfc);
    ck_assert_ptr_null(dvk_text_nfc("\xff", 1));
}
END_TEST

static size_t put_utf8(char *u, unsigned c)
{
    if (c < 0x80) { u[0] = (char)c; return 1; }
    if (c < 0x800) { u[0] = (char)(0xC0 | c >> 6); u[1] = (char)(0x80 | (c & 0x3F)); return 2; }
    u[0] = (char)(0xE0 | c >> 12);
    u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    u[2] = (char)(0x80 | (c & 0x3F));
    return 3;
}

/* 1 when utf8proc's NFC of s[0..n) is s itself. */
static int is_nfc(const char *s, size_t n)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    int same = m >= 0 && (size_t)m == n && memcmp(out, s, n) == 0;
    free(out);
    return same;
}

/* dvk_text_quick_nfc (the import's fast path: the bytes are kept as they are) says 1 only
 * for text that utf8proc's NFC leaves unchanged: every code point below U+3000 alone, after
 * each other one in a sample of pairs, and before a combining mark (which it must refuse
 * whenever NFC would compose the two). */
START_TEST(quick_nfc_agrees)
{
    char s[16];
    int yes = 0;
    for (unsigned a = 1; a < 0x3000; a++) {
        if (a >= 0xD800 && a <= 0xDFFF)
            continue;
        size_t n = put_utf8(s, a);
        if (dvk_text_quick_nfc(s, n)) {
            yes++;
            ck_assert_msg(is_nfc(s, n), "U+%04X alone", a);
        }
        /* a combining acute, a combining dot below and a letter after it */
        static const unsigned after[] = {0x301, 0x323, 0x65, 0x1EA1};
        for (size_t k = 0; k < sizeof after / sizeof after[0]; k++) {
            size_t m = n + put_utf8(s + n, after[k]);
            if (dvk_text_quick_nfc(s, m))
                ck_assert_msg(is_nfc(s, m), "U+%04X U+%04X", a, after[k]);
        }
        for (unsigned b = 1 + a % 13; b < 0x3000; b += 97) {
            size_t m = n + put_utf8(s + n, b);
            if (dvk_text_quick_nfc(s, m))
                ck_assert_msg(is_nfc(s, m), "U+%04X U+%04X", a, b);
        }
    }
    ck_assert_int_gt(yes, 900);   /* ASCII, Latin and the Vietnamese letters at least */
    ck_assert_int_eq(dvk_text_quick_nfc("Vi\xe1\xbb\x87t", 6), 1);   /* Việt, precomposed */
    ck_assert_int_eq(dvk_text_quick_nfc("Vie\xcc\xa3\xcc\x82t", 7), 0);   /* decomposed */
}
END_TEST

/* dvk_text_find as its definition reads: decode every character, the first one of a class
 * in mask. */
static size_t find_slow(const char *s, size_t n, int mask, long *cp)
{
    for (size_t i = 0; i < n;) {
        size_t at = i;
        long x = dvk_text_next(s, n, &i);
        if (x >= 0 && (dvk_text_class_at(s, n, at, x) & mask)) {
            *cp = x;
            return at;
        }
    }
    return n;
}

/* dvk_text_find skips whole sequences that no class holds; it finds what decoding every
 * character finds: each code point below U+3000 and U+FEFF after a Vietnamese letter and
 * before one, and malformed or cut sequences (a lead byte without its continuations). */
START_TEST(find_agrees)
{
    static const char *const bad[] = {"\xe1\xbb", "\xe1\x41\x42", "\xc3", "\xc3\x41",
                                      "\xe1\xbb\x87\xc2\x85", "\xe2\x80\x8b\xe1",
                                      "a\xe1\xbb\x87\xef\xbb\xbf", "\xdf\xbf\x09"};
    char s[32];
    for (int k = 0; k < 2 + (int)(sizeof bad / sizeof bad[0]); k++) {
        for (unsigned c = 1; c < 0x3000 || c == 0xFEFF; c = c == 0x2FFF ? 0xFEFF : c + 1) {
            size_t n;
            if (k < 2) {
                memcpy(s, "\xe1\xbb\x87", 3);   /* ệ */
                n = 3 + put_utf8(s + 3, c);
                if (k == 1)
                    n += put_utf8(s + n, 0x1EA1);   /* ạ */
            } else {
                n = strlen(bad[k - 2]);
                memcpy(s, bad[k - 2], n);
                if (c > 1)
                    break;
            }
            for (int mask = 1; mask <= 7; mask++) {
                long a = -2, b = -2;
                size_t fa = dvk_text_find(s, n, mask, &a), fb = find_slow(s, n, mask, &b);
                ck_assert_msg(fa == fb && a == b, "U+%04X case %d mask %d: %zu/%ld vs %zu/%ld",
                              c, k, mask, fa, a, fb, b);
            }
        }
    }
}
END_TEST

START_TEST(search_key)
{
    const char *cases[][2] = {
        {"Dân vận khéo", "dan van kheo"},
        {"  ĐỨC   Linh ", "duc linh"},
        {"Thanh Hoá", "thanh hoa"},
        {"Thanh Hóa", "thanh hoa"},
        {"Vie\xcc\xa3\xcc\x82t Nam", "viet nam"},
        {"Nâng bước em tới trường – Con nuôi đồn Biên phòng",
         "nang buoc em toi truong – con nuoi don bien phong"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *k = dvk_text_key(cases[i][0], strlen(cases[i][0]));
        ck_assert_ptr_nonnull(k);
        ck_assert_str_eq(k, cases[i][1]);
        free(k);
    }
}
END_TEST

START_TEST(lower_keeps_marks)
{
    char *l = dvk_text_lower("ĐỨC Linh", strlen("ĐỨC Linh"));
    ck_assert_str_eq(l, "đức linh");
    free(l);
}
END_TEST

START_TEST(width)
{
    ck_assert_int_eq(dvk_text_width("Việt", strlen("Việt")), 4);
    ck_assert_int_eq(dvk_text_width("Vie\xcc\xa3\xcc\x82t", 8), 4);
    ck_assert_int_eq(dvk_text_width("abc", 3), 3);
}
END_TEST

START_TEST(collation)
{
    /* Byte order puts Đ after Y; Vietnamese order puts it right after D. */
    ck_assert_int_lt(dvk_text_collate("Đức Linh", strlen("Đức Linh"), "Yên Bái", strlen("Yên Bái")), 0);
    ck_assert_int_gt(dvk_text_collate("Đức Linh", strlen("Đức Linh"), "Dương", strlen("Dương")), 0);
    ck_assert_int_lt(dvk_text_collate("an", 2, "ăn", strlen("ăn")), 0);
    ck_assert_int_lt(dvk_text_collate("ăn", strlen("ăn"), "ân", strlen("ân")), 0);
    ck_assert_int_eq(dvk_text_collate("Hà", strlen("Hà"), "Hà", strlen("Hà")), 0);
}
END_TEST

START_TEST(sql_collation_and_key)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(dvk_text_register(db), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db,
        "SELECT group_concat(x, ',') FROM (SELECT x FROM (SELECT 'Yên' x UNION ALL SELECT 'Đông' "
        "UNION ALL SELECT 'Dương' UNION ALL SELECT 'An') ORDER BY x COLLATE vi)", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "An,Dương,Đông,Yên");
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT vi_key('Đồn Biên Phòng')", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "don bien phong");
    sqlite3_finalize(st);
    sqlite3_close(db);
}
END_TEST

Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, valid_utf8);
    tcase_add_test(tc, nfc_composes_nfd);
    tcase_add_test(tc, quick_nfc_agrees);
    tcase_add_test(tc, find_agrees);
    tcase_add_test(tc, search_key);
    tcase_add_test(tc, lower_keeps_marks);
    tcase_add_test(tc, width);
    tcase_add_test(tc, collation);
    tcase_add_test(tc, sql_collation_and_key);
    suite_add_tcase(s, tc);
    return s;
}
