/* check_synth.c: synthetic models are deterministic, import cleanly (built-in province and
 * database units), and say clearly when the database has nothing to draw from. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/import.h"
#include "dvk/script.h"
#include "dvk/synth.h"
#include "testutil.h"

/* levels come from the shipped scripts (the built-in and test provinces have none: every
 * level a script may declare) */
#define LEVELS_UD ((void *)tu_scripts_dir())

static char *synth_text(const dvk_synth_opts *o, const char *dir, const char *name)
{
    char *path = tu_path(dir, name);
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_synth_models(o, path, NULL, NULL, &err);
    ck_assert_msg(rc == DVK_OK, "%s", err.msg);
    char *text = tu_read(path, NULL);
    ck_assert_ptr_nonnull(text);
    free(path);
    return text;
}

static long long lines(const char *s)
{
    long long n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

START_TEST(test_deterministic)
{
    char *dir = tu_tmpdir();
    dvk_synth_opts o = {.models = 500, .seed = 7, .levels = dvk_script_levels, .levels_ud = LEVELS_UD};
    char *a = synth_text(&o, dir, "a.csv");
    char *b = synth_text(&o, dir, "b.csv");
    ck_assert_str_eq(a, b);
    ck_assert_int_eq(lines(a), 501);
    ck_assert_ptr_nonnull(strstr(a, "\r\nS7-0000001,"));
    ck_assert_ptr_nonnull(strstr(a, "\r\nS7-0000500,"));
    ck_assert_ptr_nonnull(strstr(a, "Dân vận khéo trong "));
    o.seed = 8;
    char *c = synth_text(&o, dir, "c.csv");
    ck_assert_str_ne(a, c);
    free(a);
    free(b);
    free(c);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_builtin_imports)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    char *models = tu_path(dir, "m.csv"), *units = tu_path(dir, "u.csv"), *fields = tu_path(dir, "f.csv");
    dvk_synth_opts o = {.models = 2000, .seed = 1, .levels = dvk_script_levels, .levels_ud = LEVELS_UD};
    dvk_import_opts lv = {.levels = dvk_script_levels, .levels_ud = LEVELS_UD};
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_synth_models(&o, models, units, fields, &err), DVK_OK);
    char *ftext = tu_read(fields, NULL);
    ck_assert_str_eq(ftext, "province,id,name\r\ngia-lap,kinh-te,Kinh tế\r\n"
                            "gia-lap,van-hoa-xa-hoi,Văn hóa – xã hội\r\n"
                            "gia-lap,quoc-phong-an-ninh,Quốc phòng – an ninh\r\n"
                            "gia-lap,xay-dung-he-thong-chinh-tri,Xây dựng hệ thống chính trị\r\n");
    free(ftext);
    ck_assert_int_eq(sqlite3_exec(dvk_store_db(s),
        "INSERT INTO fields VALUES('gia-lap','kinh-te','Kinh tế'),('gia-lap','van-hoa-xa-hoi','x'),"
        "('gia-lap','quoc-phong-an-ninh','y'),('gia-lap','xay-dung-he-thong-chinh-tri','z')",
        NULL, NULL, NULL), SQLITE_OK);
    dvk_import_result res;
    memset(&res, 0, sizeof res);
    ck_assert_msg(dvk_import(s, DVK_IMPORT_UNITS, units, NULL, &res, &err) == DVK_OK, "%s", err.msg);
    ck_assert_int_eq(res.inserted, 1 + 9 + 9 + 9 * 8);
    dvk_import_result_free(&res);
    memset(&res, 0, sizeof res);
    int rc = dvk_import(s, DVK_IMPORT_MODELS, models, &lv, &res, &err);
    ck_assert_msg(rc == DVK_OK, "%s: %s", err.msg, res.nmessages ? res.messages[0] : "");
    ck_assert_int_eq(res.inserted, 2000);
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models WHERE synthetic=1 AND province='gia-lap'"), 2000);
    /* spread over kinds, levels and fields */
    ck_assert_int_eq(tu_int(s, "SELECT count(DISTINCT kind) FROM models"), 3);
    ck_assert_int_eq(tu_int(s, "SELECT count(DISTINCT level) FROM models"), 3);
    ck_assert_int_eq(tu_int(s, "SELECT count(DISTINCT field) FROM models"), 4);
    ck_assert_int_gt(tu_int(s, "SELECT count(*) FROM models WHERE json_extract(metrics,'$.funds_vnd') IS NULL"), 0);
    /* 2026: the districts are gone, every model is at a commune or a provincial body */
    o.year = 2026;
    ck_assert_int_eq(dvk_synth_models(&o, models, NULL, NULL, &err), DVK_OK);
    memset(&res, 0, sizeof res);
    dvk_import_opts dry = {.dry_run = 1, .levels = dvk_script_levels, .levels_ud = LEVELS_UD};
    rc = dvk_import(s, DVK_IMPORT_MODELS, models, &dry, &res, &err);
    ck_assert_msg(rc == DVK_OK, "%s: %s", err.msg, res.nmessages ? res.messages[0] : "");
    dvk_import_result_free(&res);
    free(models);
    free(units);
    free(fields);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_from_database)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    dvk_synth_opts o = {.models = 300, .seed = 3, .store = s, .levels = dvk_script_levels, .levels_ud = LEVELS_UD};
    char *models = tu_path(dir, "m.csv");
    dvk_import_opts lv = {.levels = dvk_script_levels, .levels_ud = LEVELS_UD};
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_synth_models(&o, models, NULL, NULL, &err), DVK_EDATA);
    ck_assert_ptr_nonnull(strstr(err.msg, ": no units valid in 2023 whose province declares fields"));
    dvk_import_result res;
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(dvk_import(s, DVK_IMPORT_UNITS, DVK_TEST_SOURCE_DIR "/tests/data/csv/units.csv",
                                    NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_assert_int_eq(sqlite3_exec(dvk_store_db(s),
        "INSERT INTO fields VALUES('tinh-a','kinh-te','Kinh tế'),('tinh-a','van-hoa-xa-hoi','x')",
        NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dvk_synth_models(&o, models, NULL, NULL, &err), DVK_OK);
    memset(&res, 0, sizeof res);
    int rc = dvk_import(s, DVK_IMPORT_MODELS, models, &lv, &res, &err);
    ck_assert_msg(rc == DVK_OK, "%s: %s", err.msg, res.nmessages ? res.messages[0] : "");
    dvk_import_result_free(&res);
    /* tinh-b declares no fields: all models are in tinh-a; huyen-cu ended in 2025 but is
     * valid in 2023 */
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models WHERE province='tinh-a'"), 300);
    ck_assert_int_eq(tu_int(s, "SELECT count(DISTINCT unit) FROM models"), 5);
    /* units and fields files exist only for the built-in province */
    ck_assert_int_eq(dvk_synth_models(&(dvk_synth_opts){.models = 1, .store = s, .levels = dvk_script_levels, .levels_ud = LEVELS_UD}, NULL, models, NULL, &err),
                     DVK_EUSAGE);
    free(models);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

Suite *synth_suite(void)
{
    Suite *su = suite_create("synth");
    TCase *tc = tcase_create("synth");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_builtin_imports);
    tcase_add_test(tc, test_from_database);
    suite_add_tcase(su, tc);
    return su;
}
