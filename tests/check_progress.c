/* check_progress.c: the progress line (bar, percent, counts, rate, remaining time), and
 * silence when progress is not enabled (a pipe, --quiet). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/progress.h"

START_TEST(line_with_total)
{
    char buf[256];
    dvk_progress_format(buf, sizeof buf, 80, "import", 250, 1000, 2.0);
    /* 125/s, 750 left: 6 s */
    ck_assert_str_eq(buf, "import [##########..............................]  25% 250/1000 125/s ETA 0:06");
    ck_assert_int_le((int)strlen(buf), 79);
    dvk_progress_format(buf, sizeof buf, 80, "decide", 1000, 1000, 4.0);
    ck_assert_ptr_nonnull(strstr(buf, "100% 1000/1000 250/s ETA 0:00"));
    dvk_progress_format(buf, sizeof buf, 80, "x", 5, 1000000, 0.0);
    ck_assert_ptr_nonnull(strstr(buf, "ETA ?"));
}
END_TEST

START_TEST(line_without_total)
{
    char buf[256];
    dvk_progress_format(buf, sizeof buf, 80, "synth", 1500000, 0, 3725.0);
    ck_assert_str_eq(buf, "synth 1500000 403/s 1:02:05");
}
END_TEST

START_TEST(narrow_terminal_drops_the_bar)
{
    char buf[256];
    dvk_progress_format(buf, sizeof buf, 30, "import", 250, 1000, 2.0);
    ck_assert_ptr_null(strchr(buf, '['));
    ck_assert_ptr_nonnull(strstr(buf, "25%"));
}
END_TEST

START_TEST(silent_unless_enabled)
{
    dvk_progress_enable(NULL);
    ck_assert_int_eq(dvk_progress_enabled(), 0);
    dvk_progress *p = dvk_progress_start("quiet", 10);
    ck_assert_ptr_null(p);
    dvk_progress_update(p, 5); /* accepted and ignored */
    dvk_progress_finish(p);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    dvk_progress_enable(f);
    ck_assert_int_eq(dvk_progress_enabled(), 1);
    p = dvk_progress_start("fast", 10);
    ck_assert_ptr_nonnull(p);
    dvk_progress_update(p, 10); /* quick work draws nothing */
    dvk_progress_finish(p);
    dvk_progress_enable(NULL);
    fclose(f);
    ck_assert_uint_eq(len, 0);
    free(text);
}
END_TEST

Suite *progress_suite(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("progress");
    tcase_add_test(tc, line_with_total);
    tcase_add_test(tc, line_without_total);
    tcase_add_test(tc, narrow_terminal_drops_the_bar);
    tcase_add_test(tc, silent_unless_enabled);
    suite_add_tcase(s, tc);
    return s;
}
