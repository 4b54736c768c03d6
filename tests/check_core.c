/* check_core.c: the shared primitives every module writes through: the byte buffer, the JSON
 * writer, the CSV cell writer with its one formula rule, the number and date formatter, the
 * UTF-8 helpers of text.h and SHA-256 through libcrypto. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/csv.h"
#include "dvk/format.h"
#include "dvk/json.h"
#include "dvk/sha256.h"
#include "dvk/text.h"

START_TEST(buf_grows_and_takes)
{
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_str_eq(dvk_buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(dvk_buf_printf(&b, "%03d,", i), 0);
    ck_assert_uint_eq(b.len, 4000);
    ck_assert_int_eq(strncmp(b.p + 3996, "999,", 4), 0);
    dvk_buf_reset(&b);
    ck_assert_str_eq(dvk_buf_str(&b), "");
    dvk_buf_adds(&b, "a");
    dvk_buf_addc(&b, 'b');
    dvk_buf_add(&b, "cdef", 2);
    size_t len;
    char *s = dvk_buf_take(&b, &len);
    ck_assert_str_eq(s, "abcd");
    ck_assert_uint_eq(len, 4);
    ck_assert_ptr_null(b.p);
    free(s);
    s = dvk_buf_take(&b, &len);   /* empty: "" allocated */
    ck_assert_str_eq(s, "");
    free(s);
    /* a growth that cannot be satisfied is sticky */
    ck_assert_int_eq(dvk_buf_reserve(&b, (size_t)-1 / 2), -1);
    ck_assert_int_eq(dvk_buf_adds(&b, "x"), -1);
    ck_assert_ptr_null(dvk_buf_take(&b, NULL));
    dvk_buf_free(&b);
    dvk_buf_free(NULL);
}
END_TEST

START_TEST(json_escapes)
{
    dvk_buf b = DVK_BUF_INIT;
    const char s[] = "a\"b\\c\n\r\t\b\f\x01\x7f x\xe2\x80\xa8y\xe2\x80\xa9 Đ";
    dvk_json_str(&b, s, sizeof s - 1);
    ck_assert_str_eq(dvk_buf_str(&b),
                     "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u007f x\\u2028y\\u2029 Đ\"");
    dvk_buf_reset(&b);
    dvk_json_strz(&b, NULL);
    dvk_buf_addc(&b, ' ');
    dvk_json_num(&b, 12.5);
    dvk_buf_addc(&b, ' ');
    dvk_json_num(&b, NAN);
    dvk_buf_addc(&b, ' ');
    dvk_json_num(&b, 0.1 + 0.2);
    dvk_buf_addc(&b, ' ');
    dvk_json_num(&b, -0.0);
    ck_assert_str_eq(dvk_buf_str(&b), "null 12.5 null 0.30000000000000004 0");
    dvk_buf_reset(&b);
    dvk_buf_addc(&b, '{');
    dvk_json_key(&b, "a", 1);
    dvk_json_num(&b, 1);
    dvk_json_key(&b, "b", 0);
    dvk_json_num(&b, 2);
    dvk_buf_addc(&b, '}');
    ck_assert_str_eq(dvk_buf_str(&b), "{\"a\":1,\"b\":2}");
    dvk_buf_free(&b);
}
END_TEST

static const char *cell(dvk_buf *b, const char *s, int neutralise)
{
    dvk_buf_reset(b);
    dvk_csv_cell(b, s, s ? strlen(s) : 0, neutralise);
    return dvk_buf_str(b);
}

START_TEST(csv_cell_rule)
{
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_str_eq(cell(&b, "plain", 1), "plain");
    ck_assert_str_eq(cell(&b, NULL, 1), "");
    ck_assert_str_eq(cell(&b, "=2+3", 1), "'=2+3");
    ck_assert_str_eq(cell(&b, "=2+3", 0), "=2+3");
    ck_assert_str_eq(cell(&b, "+1", 1), "'+1");
    ck_assert_str_eq(cell(&b, "-1", 1), "'-1");
    ck_assert_str_eq(cell(&b, "@SUM(A1)", 1), "'@SUM(A1)");
    ck_assert_str_eq(cell(&b, "'=1", 1), "''=1");        /* one more, so import gives it back */
    ck_assert_str_eq(cell(&b, "\tx", 1), "\"'\tx\"");    /* TAB: quoted, neutralised */
    ck_assert_str_eq(cell(&b, "\rx", 1), "\"'\rx\"");
    ck_assert_str_eq(cell(&b, "a,b", 1), "\"a,b\"");
    ck_assert_str_eq(cell(&b, "say \"hi\"", 1), "\"say \"\"hi\"\"\"");
    ck_assert_str_eq(cell(&b, " edge", 1), "\" edge\"");
    ck_assert_str_eq(cell(&b, "=a,\"b\"", 1), "\"'=a,\"\"b\"\"\"");
    ck_assert_int_eq(dvk_csv_formula_like("''@", 3), 1);
    ck_assert_int_eq(dvk_csv_formula_like("a=", 2), 0);
    ck_assert_int_eq(dvk_csv_formula_like("'", 1), 0);
    dvk_buf_free(&b);
}
END_TEST

START_TEST(format_numbers)
{
    char buf[DVK_FORMAT_MAX * 6];
    struct { double v; int dec, keep; const char *want; } vi[] = {
        {1149, 2, 0, "1.149"},
        {1020000000, 0, 0, "1.020.000.000"},
        {12.5, 2, 0, "12,5"},
        {12.5, 2, 1, "12,50"},
        {-3.25, 2, 0, "-3,25"},
        {-0.001, 2, 0, "0"},
        {64.526, 2, 0, "64,53"},
        {999999.999, 2, 0, "1.000.000"},
        {0.5, 0, 0, "1"},                   /* half away from zero, as dvk.round */
        {1.005, 2, 0, "1,01"},              /* 1.00499999... in binary: as a person writes it */
        {2.675, 2, 0, "2,68"},
        {-2.5, 0, 0, "-3"},
        {100, 1, 1, "100,0"},
    };
    for (size_t i = 0; i < sizeof vi / sizeof vi[0]; i++) {
        dvk_format_vi(vi[i].v, vi[i].dec, vi[i].keep, buf, sizeof buf);
        ck_assert_msg(strcmp(buf, vi[i].want) == 0, "%g: got %s, want %s", vi[i].v, buf, vi[i].want);
    }
    dvk_format_vi(INFINITY, 2, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "");
    dvk_format_vi(1e300, 2, 0, buf, sizeof buf);   /* no overflow of the buffer */
    ck_assert_uint_gt(strlen(buf), 300);
    char small[6];
    dvk_format_vi(1234567, 0, 0, small, sizeof small);
    ck_assert_uint_lt(strlen(small), sizeof small);
    struct { double v; const char *want; } plain[] = {
        {1020000000, "1020000000"}, {2.5, "2.5"}, {-0.0, "0"}, {0.1, "0.1"},
        {1.0 / 3, "0.3333333333333333"}, {NAN, "nan"}, {-INFINITY, "-inf"},
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        dvk_format_plain(plain[i].v, buf, sizeof buf);
        ck_assert_str_eq(buf, plain[i].want);
    }
}
END_TEST

START_TEST(format_rounding)
{
    ck_assert(dvk_format_round(1.005, 2) == 1.01);
    ck_assert(dvk_format_round(-1.005, 2) == -1.01);
    ck_assert(dvk_format_round(64.525, 2) == 64.53);
    ck_assert(dvk_format_round(0.125, 2) == 0.13);
    ck_assert(dvk_format_round(12.5, 0) == 13);
    ck_assert(dvk_format_round(1e300, 2) == 1e300);
    ck_assert(dvk_format_round(11700000, 2) == 11700000);     /* money stays whole */
    ck_assert(dvk_format_round(1020000000.4, 0) == 1020000000);
    ck_assert(dvk_format_round(1.004, 2) == 1.0);
    ck_assert(isnan(dvk_format_round(NAN, 2)));
    ck_assert(dvk_format_round(1.23456789, 9) == 1.234568);   /* at most 6 places */
}
END_TEST

START_TEST(format_dates)
{
    char buf[128];
    ck_assert_str_eq(dvk_format_date_vi("2023-02-05", buf, sizeof buf), "ngày 05 tháng 02 năm 2023");
    ck_assert_str_eq(dvk_format_date_vi("2023-12-20", buf, sizeof buf), "ngày 20 tháng 12 năm 2023");
    ck_assert_str_eq(dvk_format_date_vi("2023", buf, sizeof buf),
                     "ngày\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0 tháng\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0 năm 2023");
    ck_assert_ptr_nonnull(strstr(dvk_format_date_vi(NULL, buf, sizeof buf), "năm"));
    ck_assert_ptr_nonnull(strstr(dvk_format_date_vi("2023-13-01", buf, sizeof buf), "năm\xC2\xA0"));
}
END_TEST

START_TEST(text_utf8_helpers)
{
    const char *s = "Đà Lạt";   /* Đ (2 bytes) à (2) space L ạ (3) t */
    size_t n = strlen(s), i = 0;
    ck_assert_int_eq(dvk_text_next(s, n, &i), 0x110);
    ck_assert_uint_eq(i, 2);
    ck_assert_uint_eq(dvk_text_chars(s, n), 6);
    ck_assert_uint_eq(dvk_text_chars("\xff" "a", 2), 2);
    i = 0;
    ck_assert_int_eq(dvk_text_next("\xff", 1, &i), -1);
    ck_assert_uint_eq(i, 1);
    ck_assert_int_eq(dvk_text_next("\xff", 1, &i), -1);   /* at the end: does not move */
    ck_assert_uint_eq(i, 1);
    ck_assert_uint_eq(dvk_text_prefix(s, n, 3, 0), 2);    /* not in the middle of à */
    ck_assert_uint_eq(dvk_text_prefix(s, n, 100, 2), 4);
    ck_assert_uint_eq(dvk_text_prefix(s, n, 100, 0), n);
    char *up = dvk_text_upper("Quyết định đường làng", strlen("Quyết định đường làng"));
    ck_assert_str_eq(up, "QUYẾT ĐỊNH ĐƯỜNG LÀNG");
    free(up);
    ck_assert_ptr_null(dvk_text_upper("\xff", 1));
}
END_TEST

START_TEST(sha256_libcrypto)
{
    char hex[65];
    ck_assert_int_eq(dvk_sha256_hex("abc", 3, hex), 0);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, buf_grows_and_takes);
    tcase_add_test(tc, json_escapes);
    tcase_add_test(tc, csv_cell_rule);
    tcase_add_test(tc, format_numbers);
    tcase_add_test(tc, format_rounding);
    tcase_add_test(tc, format_dates);
    tcase_add_test(tc, text_utf8_helpers);
    tcase_add_test(tc, sha256_libcrypto);
    suite_add_tcase(s, tc);
    return s;
}
