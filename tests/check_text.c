/* check_text.c: UTF-8 validation, NFC, search keys, display width, Vietnamese collation. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

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
    tcase_add_test(tc, search_key);
    tcase_add_test(tc, lower_keeps_marks);
    tcase_add_test(tc, width);
    tcase_add_test(tc, collation);
    tcase_add_test(tc, sql_collation_and_key);
    suite_add_tcase(s, tc);
    return s;
}
