/* check_table.c: aligned tables by display width, and the CSV, Markdown and JSON modes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/table.h"

static dvk_table *sample(void)
{
    const char *h[] = {"code", "name", "year"};
    dvk_table *t = dvk_table_new(3, h);
    ck_assert_ptr_nonnull(t);
    const char *r1[] = {"A1", "Dân vận khéo", "2024"};
    const char *r2[] = {"B22", "Nguyen", "2023"};
    ck_assert_int_eq(dvk_table_add_row(t, r1, NULL), DVK_OK);
    ck_assert_int_eq(dvk_table_add_row(t, r2, NULL), DVK_OK);
    return t;
}

static void assert_render(dvk_table *t, dvk_table_mode mode, const char *want)
{
    char *got = dvk_table_render(t, mode);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(strcmp(got, want) == 0, "mode %s:\n--- want\n%s--- got\n%s", dvk_table_mode_name(mode),
                  want, got);
    free(got);
}

START_TEST(width_counts_columns_not_bytes)
{
    ck_assert_int_eq(dvk_table_width("Dân vận khéo"), 12);
    /* The same in NFD: combining marks take no column. */
    ck_assert_int_eq(dvk_table_width("Da\xcc\x82n va\xcc\xa3\xcc\x82n"), 7);
    ck_assert_int_eq(dvk_table_width("\xe4\xb8\xad\xe6\x96\x87"), 4); /* 中文: wide */
    ck_assert_int_eq(dvk_table_width(""), 0);
    ck_assert_int_eq(dvk_table_width("\xff"), 1); /* invalid byte: one column */
    /* control characters are shown as a space: one column each */
    ck_assert_int_eq(dvk_table_width("a\tb\x7f"), 4);
    ck_assert_int_eq(dvk_table_width(NULL), 0);
}
END_TEST

START_TEST(plain_aligns_by_display_width)
{
    dvk_table *t = sample();
    assert_render(t, DVK_TABLE_PLAIN,
                  "code  name          year\n"
                  "----  ------------  ----\n"
                  "A1    Dân vận khéo  2024\n"
                  "B22   Nguyen        2023\n");
    dvk_table_free(t);
}
END_TEST

START_TEST(box_drawing)
{
    dvk_table *t = sample();
    assert_render(t, DVK_TABLE_BOX,
                  "┌──────┬──────────────┬──────┐\n"
                  "│ code │ name         │ year │\n"
                  "├──────┼──────────────┼──────┤\n"
                  "│ A1   │ Dân vận khéo │ 2024 │\n"
                  "│ B22  │ Nguyen       │ 2023 │\n"
                  "└──────┴──────────────┴──────┘\n");
    dvk_table_free(t);
}
END_TEST

START_TEST(numbers_right_aligned)
{
    const char *h[] = {"k", "n"};
    dvk_table *t = dvk_table_new(2, h);
    const char *r1[] = {"a", "5"}, *r2[] = {"b", "1234"}, *r3[] = {"c", NULL};
    dvk_table_add_row(t, r1, NULL);
    dvk_table_add_row(t, r2, NULL);
    dvk_table_add_row(t, r3, NULL);
    assert_render(t, DVK_TABLE_PLAIN, "k     n\n-  ----\na     5\nb  1234\nc\n");
    /* A code such as 007 is text, not a number. */
    const char *r4[] = {"d", "007"};
    dvk_table_add_row(t, r4, NULL);
    assert_render(t, DVK_TABLE_PLAIN, "k  n\n-  ----\na  5\nb  1234\nc\nd  007\n");
    dvk_table_free(t);
}
END_TEST

START_TEST(cut_with_count)
{
    const char *h[] = {"n"};
    dvk_table *t = dvk_table_new(1, h);
    for (int i = 0; i < 5; i++) {
        char buf[8];
        snprintf(buf, sizeof buf, "r%d", i);
        const char *row[] = {buf};
        dvk_table_add_row(t, row, NULL);
    }
    dvk_table_set_limit(t, 2);
    assert_render(t, DVK_TABLE_PLAIN, "n\n--\nr0\nr1\n... 3 more rows\n");
    /* The caller stored only some rows of a bigger result. */
    dvk_table_set_total(t, 1000);
    assert_render(t, DVK_TABLE_PLAIN, "n\n--\nr0\nr1\n... 998 more rows\n");
    assert_render(t, DVK_TABLE_MARKDOWN, "| n |\n| --- |\n| r0 |\n| r1 |\n\n… 998 more rows\n");
    /* CSV writes every stored row. */
    assert_render(t, DVK_TABLE_CSV, "n\r\nr0\r\nr1\r\nr2\r\nr3\r\nr4\r\n");
    dvk_table_free(t);
}
END_TEST

START_TEST(long_cells_are_cut)
{
    const char *h[] = {"d"};
    dvk_table *t = dvk_table_new(1, h);
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const char *row[] = {big};
    dvk_table_add_row(t, row, NULL);
    char *got = dvk_table_render(t, DVK_TABLE_PLAIN);
    /* header, rule, one row cut to 60 columns with an ellipsis */
    char *line3 = strchr(strchr(got, '\n') + 1, '\n') + 1;
    ck_assert_ptr_nonnull(strstr(line3, "x\xe2\x80\xa6\n"));
    *strchr(line3, '\n') = '\0';
    ck_assert_int_eq(dvk_table_width(line3), 60);
    free(got);
    dvk_table_free(t);
}
END_TEST

START_TEST(csv_quotes)
{
    const char *h[] = {"a", "b"};
    dvk_table *t = dvk_table_new(2, h);
    const char *r[] = {"x,y", "say \"hi\"\nthere"};
    dvk_table_add_row(t, r, NULL);
    assert_render(t, DVK_TABLE_CSV, "a,b\r\n\"x,y\",\"say \"\"hi\"\"\nthere\"\r\n");
    dvk_table_free(t);
}
END_TEST

/* A REPL or `dvk stats` table written as CSV is opened in spreadsheets: text that would run
 * as a formula gets the one rule of csv.h (an apostrophe in front), numbers do not. */
START_TEST(csv_formulas_neutralised)
{
    const char *h[] = {"=h", "n"};
    dvk_table *t = dvk_table_new(2, h);
    const char *r1[] = {"=2+3", "-5"}, *r2[] = {"+1", "12.5"}, *r3[] = {"@SUM(A1)", "-x"},
               *r4[] = {"\tx", "'=x"}, *r5[] = {"a=b", NULL};
    dvk_table_add_row(t, r1, NULL);
    dvk_table_add_row(t, r2, NULL);
    dvk_table_add_row(t, r3, NULL);
    dvk_table_add_row(t, r4, NULL);
    dvk_table_add_row(t, r5, NULL);
    assert_render(t, DVK_TABLE_CSV,
                  "'=h,n\r\n"
                  "'=2+3,-5\r\n"
                  "'+1,12.5\r\n"
                  "'@SUM(A1),'-x\r\n"
                  "\"'\tx\",''=x\r\n"
                  "a=b,\r\n");
    dvk_table_free(t);
}
END_TEST

/* Control characters are one column (a space) in aligned modes, escaped in JSON. */
START_TEST(control_characters)
{
    const char *h[] = {"a", "b"};
    dvk_table *t = dvk_table_new(2, h);
    const char *r[] = {"x\ty", "\b\f\x01\x7f"};
    dvk_table_add_row(t, r, NULL);
    assert_render(t, DVK_TABLE_PLAIN,
                  "a    b\n"
                  "---  ----\n"
                  "x y      \n");
    assert_render(t, DVK_TABLE_JSON, "[\n {\"a\": \"x\\ty\", \"b\": \"\\b\\f\\u0001\\u007f\"}\n]\n");
    dvk_table_free(t);
}
END_TEST

START_TEST(markdown_escapes_pipes)
{
    const char *h[] = {"a", "n"};
    dvk_table *t = dvk_table_new(2, h);
    const char *r[] = {"x|y", "3"};
    dvk_table_add_row(t, r, NULL);
    assert_render(t, DVK_TABLE_MARKDOWN, "| a | n |\n| --- | --: |\n| x\\|y | 3 |\n");
    dvk_table_free(t);
}
END_TEST

START_TEST(json_types)
{
    const char *h[] = {"name", "n"};
    dvk_table *t = dvk_table_new(2, h);
    const char *r1[] = {"Đà \"Lạt\"\t", "12.5"}, *r2[] = {NULL, "-3"};
    dvk_table_add_row(t, r1, NULL);
    dvk_table_add_row(t, r2, NULL);
    assert_render(t, DVK_TABLE_JSON,
                  "[\n {\"name\": \"Đà \\\"Lạt\\\"\\t\", \"n\": 12.5},\n {\"name\": null, \"n\": -3}\n]\n");
    dvk_table_set_numeric(t, 1, 0);
    assert_render(t, DVK_TABLE_JSON,
                  "[\n {\"name\": \"Đà \\\"Lạt\\\"\\t\", \"n\": \"12.5\"},\n {\"name\": null, \"n\": \"-3\"}\n]\n");
    dvk_table_free(t);
    const char *h2[] = {"x"};
    t = dvk_table_new(1, h2);
    assert_render(t, DVK_TABLE_JSON, "[]\n");
    assert_render(t, DVK_TABLE_PLAIN, "x\n-\n(no rows)\n");
    dvk_table_free(t);
}
END_TEST

START_TEST(mode_names)
{
    ck_assert_int_eq(dvk_table_mode_parse("box"), DVK_TABLE_BOX);
    ck_assert_int_eq(dvk_table_mode_parse("table"), DVK_TABLE_PLAIN);
    ck_assert_int_eq(dvk_table_mode_parse("csv"), DVK_TABLE_CSV);
    ck_assert_int_eq(dvk_table_mode_parse("markdown"), DVK_TABLE_MARKDOWN);
    ck_assert_int_eq(dvk_table_mode_parse("json"), DVK_TABLE_JSON);
    ck_assert_int_eq(dvk_table_mode_parse("html"), -1);
    ck_assert_int_eq(dvk_table_mode_parse(NULL), -1);
    ck_assert_str_eq(dvk_table_mode_name(DVK_TABLE_MARKDOWN), "markdown");
}
END_TEST

Suite *table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, width_counts_columns_not_bytes);
    tcase_add_test(tc, plain_aligns_by_display_width);
    tcase_add_test(tc, box_drawing);
    tcase_add_test(tc, numbers_right_aligned);
    tcase_add_test(tc, cut_with_count);
    tcase_add_test(tc, long_cells_are_cut);
    tcase_add_test(tc, csv_quotes);
    tcase_add_test(tc, csv_formulas_neutralised);
    tcase_add_test(tc, control_characters);
    tcase_add_test(tc, markdown_escapes_pipes);
    tcase_add_test(tc, json_types);
    tcase_add_test(tc, mode_names);
    suite_add_tcase(s, tc);
    return s;
}
