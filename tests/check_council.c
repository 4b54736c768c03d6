/* check_council.c: the council's round: how scores combine (mean, median, trimmed mean), the
 * council options and their load-time errors, the minimum number of members (an error naming
 * the model, or not eligible with the reason), scores that belong to a level, the council
 * members (import appraisers) and recusal at import. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dvk/decide.h"
#include "dvk/import.h"
#include "dvk/sandbox.h"
#include "dvk/script.h"
#include "testutil.h"

static dvk_store *store;
static char *dir, *scripts;

/* Criterion a is scored by the council (its combined score, 0 without); b from a metric.
 * COUNCIL is replaced by the council table under test. */
static const char *PROVINCE =
    "return dvk.province {\n"
    "  code = 'tp', name = 'Tỉnh Thử', levels = {'huyen', 'tinh'},\n"
    "  criteria = {\n"
    "    {id = 'a', name = 'A', max = 50, council = true,\n"
    "     score = function(m) return m.appraisal.a or 0, #m.appraisals end},\n"
    "    {id = 'b', name = 'B', max = 50, score = function(m) return m.metrics.b or 0 end},\n"
    "  },\n"
    "  outcomes = {{id = 'ok', name = 'Công nhận', min = 30}, {id = 'no', name = 'Không'}},\n";

static void write_province(const char *council)
{
    char *p = tu_path(scripts, "provinces/tp.lua");
    char text[4096];
    snprintf(text, sizeof text, "%s  %s\n}\n", PROVINCE, council);
    tu_write(p, text, (size_t)-1);
    free(p);
}

static void exec_sql(const char *sql)
{
    char *e = NULL;
    ck_assert_msg(sqlite3_exec(dvk_store_db(store), sql, NULL, NULL, &e) == SQLITE_OK, "%s", e);
}

static void setup(void)
{
    store = tu_store(&dir);
    scripts = tu_path(dir, "scripts");
    ck_assert_int_eq(mkdir(scripts, 0700), 0);
    char *p = tu_path(scripts, "provinces");
    ck_assert_int_eq(mkdir(p, 0700), 0);
    free(p);
    write_province("");
    exec_sql("INSERT INTO units(code, name, name_key, kind, parent, province) VALUES"
             " ('tp', 'Tỉnh Thử', 'tinh thu', 'province', NULL, 'tp'),"
             " ('tp/h', 'Huyện H', 'huyen h', 'district', 'tp', 'tp'),"
             " ('tp/k', 'Huyện K', 'huyen k', 'district', 'tp', 'tp');"
             "INSERT INTO models(id, code, name, name_key, unit, province, kind, category, field,"
             " level, year, registration, address, metrics) VALUES"
             " (1, 'H1', 'H1', 'h1', 'tp/h', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi',"
             "  'x', '{\"b\":10}'),"
             " (2, 'K1', 'K1', 'k1', 'tp/k', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi',"
             "  'x', '{\"b\":10}');"
             /* H1: five scores at huyen (2, 10, 11, 12, 40); K1: two; H1 at tinh: one */
             "INSERT INTO appraisals(model, level, criterion, appraiser, score) VALUES"
             " (1, 'huyen', 'a', 'A', 40), (1, 'huyen', 'a', 'B', 10), (1, 'huyen', 'a', 'C', 2),"
             " (1, 'huyen', 'a', 'D', 12), (1, 'huyen', 'a', 'E', 11),"
             " (2, 'huyen', 'a', 'A', 20), (2, 'huyen', 'a', 'B', 30),"
             " (1, 'tinh', 'a', 'A', 50);");
}

static void teardown(void)
{
    dvk_store_close(store);
    tu_rmdir(dir);
    free(dir);
    free(scripts);
}

/* The points of criterion a of model code in run. */
static double points(long long run, const char *code)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT CAST(s.points * 100 AS INTEGER) FROM result_scores s"
             " JOIN models m ON m.id = s.model WHERE s.run = %lld AND m.code = '%s'"
             " AND s.criterion = 'a'", run, code);
    return (double)tu_int(store, sql) / 100;
}

static long long decide(const char *level, dvk_error *err)
{
    dvk_decide_opts o = {.province = "tp", .year = 2023, .level = level};
    dvk_decide_summary sum;
    dvk_error_clear(err);
    int rc = dvk_decide(store, scripts, &o, &sum, err);
    return rc == DVK_OK ? sum.run : -rc;
}

START_TEST(test_combine)
{
    const double v[] = {2, 10, 11, 12, 40};
    ck_assert_double_eq_tol(dvk_council_combine(DVK_COMBINE_MEAN, v, 5), 15, 1e-12);
    ck_assert_double_eq_tol(dvk_council_combine(DVK_COMBINE_MEDIAN, v, 5), 11, 1e-12);
    ck_assert_double_eq_tol(dvk_council_combine(DVK_COMBINE_MEDIAN, v, 4), 10.5, 1e-12);
    ck_assert_double_eq_tol(dvk_council_combine(DVK_COMBINE_TRIMMED, v, 5), 11, 1e-12);
    ck_assert_double_eq_tol(dvk_council_combine(DVK_COMBINE_TRIMMED, v, 3), 10, 1e-12);
    /* fewer than 3: nothing dropped */
    ck_assert_double_eq_tol(dvk_council_combine(DVK_COMBINE_TRIMMED, v, 2), 6, 1e-12);
    ck_assert_double_eq_tol(dvk_council_combine(DVK_COMBINE_MEDIAN, v, 1), 2, 1e-12);
    ck_assert_double_eq_tol(dvk_council_combine(DVK_COMBINE_MEAN, v, 0), 0, 1e-12);
}
END_TEST

/* The same data decided with each rule: H1's scores 2, 10, 11, 12, 40 at huyen. The score at
 * tinh (50) is another round and never counts at huyen. */
START_TEST(test_rules_in_runs)
{
    dvk_error err;
    long long run = decide("huyen", &err);
    ck_assert_msg(run > 0, "%s", err.msg);
    ck_assert_double_eq_tol(points(run, "H1"), 15, 1e-9);          /* the mean, as before */
    ck_assert_double_eq_tol(points(run, "K1"), 25, 1e-9);
    write_province("council = {combine = 'median'},");
    run = decide("huyen", &err);
    ck_assert_msg(run > 0, "%s", err.msg);
    ck_assert_double_eq_tol(points(run, "H1"), 11, 1e-9);
    ck_assert_double_eq_tol(points(run, "K1"), 25, 1e-9);
    write_province("council = {combine = 'trimmed'},");
    run = decide("huyen", &err);
    ck_assert_msg(run > 0, "%s", err.msg);
    ck_assert_double_eq_tol(points(run, "H1"), 11, 1e-9);          /* (10 + 11 + 12) / 3 */
    ck_assert_double_eq_tol(points(run, "K1"), 25, 1e-9);          /* two scores: both kept */
    /* m.appraisals holds the run level's scores only (the note is their count) */
    ck_assert_int_eq(tu_int(store, "SELECT note FROM result_scores WHERE criterion = 'a'"
                                   " AND model = 1 ORDER BY run DESC LIMIT 1"), 5);
}
END_TEST

/* A level without scores of its own reads none: K1 proposed to tinh has no tinh scores. */
START_TEST(test_level_reads_its_own)
{
    write_province("council = {combine = 'median'},");
    exec_sql("UPDATE models SET level = 'tinh' WHERE code = 'K1';"
             "DELETE FROM appraisals WHERE level = 'tinh'");
    dvk_error err;
    long long run = decide("tinh", &err);
    ck_assert_msg(run > 0, "%s", err.msg);
    ck_assert_double_eq_tol(points(run, "K1"), 0, 1e-9);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM results WHERE model = 1"), 0);
}
END_TEST

START_TEST(test_min_members)
{
    dvk_error err;
    /* below = "error" (the default): the run is refused naming the model, nothing stored */
    write_province("council = {min_members = 3},");
    ck_assert_int_eq(decide("huyen", &err), -DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "fewer council scores than council.min_members (3)") &&
                  strstr(err.msg, "1 candidate: K1"), "%s", err.msg);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs"), 0);
    /* the evaluation itself refuses too (a caller that skipped the check) */
    /* below = "ineligible": K1 is not eligible with the reason; H1 is scored */
    write_province("council = {min_members = 3, below = 'ineligible', combine = 'trimmed'},");
    long long run = decide("huyen", &err);
    ck_assert_msg(run > 0, "%s", err.msg);
    ck_assert_int_eq(tu_int(store, "SELECT eligible FROM results WHERE model = 2"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT gate IS NULL AND reason = 'hội đồng chấm tiêu chí"
                                   " \"A\" chưa đủ 3 thành viên (có 2)' FROM results"
                                   " WHERE model = 2"), 1);
    ck_assert_int_eq(tu_int(store, "SELECT eligible FROM results WHERE model = 1"), 1);
    ck_assert_double_eq_tol(points(run, "H1"), 11, 1e-9);
    /* dvk check says the same before */
    dvk_check_opts co = {"tp", 2023, "huyen", NULL, 1};
    dvk_check_report rep;
    ck_assert_int_eq(dvk_check(store, scripts, &co, &rep, &err), DVK_OK);
    ck_assert_int_eq(rep.errors, 0);
    ck_assert_int_eq(rep.warnings, 1);
    ck_assert_msg(strstr(rep.items[0].text, "so not eligible: 1 candidate: K1"), "%s",
                  rep.items[0].text);
    dvk_check_report_free(&rep);
}
END_TEST

/* The council options are checked at load: FILE:LINE and what is wrong. */
START_TEST(test_options_checked)
{
    static const struct {
        const char *council, *want;
    } cases[] = {
        {"council = {combine = 'avg'},",
         "council: 'combine' must be one of \"mean\", \"median\", \"trimmed\" (found \"avg\")"},
        {"council = {min_members = 0},", "council: min_members must be a whole number from 1"},
        {"council = {min_members = 2.5},", "council: min_members must be a whole number"},
        {"council = {below = 'skip'},",
         "council: 'below' must be one of \"error\", \"ineligible\" (found \"skip\")"},
        {"council = {recusal = 'tree'},", "council: 'recusal' must be one of \"unit\", \"none\""},
        {"council = {minimum = 3},", "council: unknown key 'minimum'"},
        {"council = 3,", "council: must be a table"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_province(cases[i].council);
        dvk_sandbox_limits lim = dvk_sandbox_defaults();
        dvk_error err;
        lua_State *L = dvk_sandbox_new(store, scripts, &lim, &err);
        ck_assert_ptr_nonnull(L);
        dvk_province *p = dvk_script_load(L, "tp", &err);
        ck_assert_ptr_null(p);
        ck_assert_msg(strncmp(err.msg, "scripts/provinces/tp.lua:", 25) == 0 &&
                      strstr(err.msg, cases[i].want), "%zu: %s", i, err.msg);
        dvk_sandbox_free(L);
    }
    /* min_members needs a criterion the council scores */
    char *p = tu_path(scripts, "provinces/tp.lua");
    tu_write(p, "return dvk.province { code = 'tp', name = 'T', levels = {'huyen'},\n"
                " criteria = {{id = 'a', name = 'A', max = 5, score = function() return 0 end}},\n"
                " outcomes = {{id = 'no', name = 'K'}}, council = {min_members = 2} }\n",
             (size_t)-1);
    free(p);
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    dvk_error err;
    lua_State *L = dvk_sandbox_new(store, scripts, &lim, &err);
    ck_assert_ptr_null(dvk_script_load(L, "tp", &err));
    ck_assert_msg(strstr(err.msg, "no criterion has council = true"), "%s", err.msg);
    dvk_sandbox_free(L);
}
END_TEST

static int no_recusal(void *ud, const char *province, int *recusal, dvk_error *err)
{
    (void)ud;
    (void)province;
    (void)err;
    *recusal = DVK_IMPORT_RECUSAL_NONE;
    return DVK_OK;
}

static int import_text(const char *name, const char *text, dvk_import_table t,
                       const dvk_import_opts *o, dvk_import_result *res)
{
    char *path = tu_path(dir, name);
    tu_write(path, text, (size_t)-1);
    dvk_import_opts with = o ? *o : (dvk_import_opts){0};
    if (!with.levels) {
        with.levels = dvk_script_levels;
        with.levels_ud = scripts;
    }
    memset(res, 0, sizeof *res);
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_import(store, t, path, &with, res, &err);
    free(path);
    return rc;
}

static void msg_ends(const dvk_import_result *res, int i, const char *want)
{
    ck_assert_msg(i < res->nmessages, "only %d messages, wanted: %s", res->nmessages, want);
    const char *m = res->messages[i];
    size_t n = strlen(m), w = strlen(want);
    ck_assert_msg(n > w && strcmp(m + n - w, want) == 0, "message %d:\n got: %s\nwant: ...%s", i,
                  m, want);
}

START_TEST(test_members_and_recusal)
{
    dvk_import_result res;
    ck_assert_int_eq(import_text("m.csv", "code,name,unit,role\nT1,An,tp/h,ủy viên\n"
                                          "T2,Bình,,\nT3,Cường,tp/x,\n",
                                 DVK_IMPORT_APPRAISERS, NULL, &res), DVK_EDATA);
    ck_assert_int_eq(res.problems, 2);
    msg_ends(&res, 0, "m.csv:3: column 'unit': a member needs a unit (or, for a member from "
                      "outside the province's units, a province column)");
    msg_ends(&res, 1, "m.csv:4: column 'unit': unknown unit (import the units file first) (tp/x)");
    dvk_import_result_free(&res);
    ck_assert_int_eq(import_text("m.csv", "Mã thành viên,Họ tên,Đơn vị,Tỉnh\nT1,An,tp/h,\n"
                                          "T2,Bình,,tp\nT3,Cường,tp/k,khac\n",
                                 DVK_IMPORT_APPRAISERS, NULL, &res), DVK_EDATA);
    msg_ends(&res, 0, "m.csv:4: column 'Tỉnh': the unit tp/k belongs to province tp (khac)");
    dvk_import_result_free(&res);
    ck_assert_int_eq(import_text("m.csv", "code,name,unit,province\nT1,An,tp/h,\nT2,Bình,,tp\n",
                                 DVK_IMPORT_APPRAISERS, NULL, &res), DVK_OK);
    ck_assert_int_eq(res.inserted, 2);
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM appraisers WHERE province = 'tp'"), 2);
    /* T1 (tp/h) scoring H1 (tp/h) is refused by code and by name; T2 (no unit) may */
    const char *own = "model,criterion,appraiser,score,level,origin\n"
                      "H1,a,T1,5,,\nH1,a,An,5,,\nK1,a,T1,6,tinh,T1.xlsx\nH1,a,T2,7,huyện,\n";
    ck_assert_int_eq(import_text("a.csv", own, DVK_IMPORT_APPRAISALS, NULL, &res), DVK_EDATA);
    ck_assert_int_eq(res.problems, 2);
    msg_ends(&res, 0, "a.csv:2: column 'appraiser': member T1 (unit tp/h) does not score model "
                      "H1 of their own unit (recusal; a province script may allow it with "
                      "council.recusal = \"none\")");
    msg_ends(&res, 1, "a.csv:3: column 'appraiser': member An (unit tp/h) does not score model "
                      "H1 of their own unit (recusal; a province script may allow it with "
                      "council.recusal = \"none\")");
    dvk_import_result_free(&res);
    /* the province allows it (council.recusal = "none"): imported, levels as written */
    dvk_import_opts o = {.recusal = no_recusal};
    ck_assert_int_eq(import_text("a.csv", own, DVK_IMPORT_APPRAISALS, &o, &res), DVK_OK);
    ck_assert_int_eq(res.inserted, 4);
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM appraisals WHERE appraiser IN ('T1',"
                                   " 'An') AND level = 'huyen' AND origin IS NULL"), 2);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM appraisals WHERE appraiser = 'T1'"
                                   " AND model = 2 AND level = 'tinh' AND origin = 'T1.xlsx'"),
                     1);
    ck_assert_int_eq(tu_int(store, "SELECT score FROM appraisals WHERE appraiser = 'T2'"
                                   " AND level = 'huyen'"), 7);
    /* the real dvk_script_recusal reads the script: recusal by unit unless it says none */
    int r = -1;
    dvk_error err;
    ck_assert_int_eq(dvk_script_recusal(scripts, "tp", &r, &err), DVK_OK);
    ck_assert_int_eq(r, DVK_IMPORT_RECUSAL_UNIT);
    write_province("council = {recusal = 'none'},");
    ck_assert_int_eq(dvk_script_recusal(scripts, "tp", &r, &err), DVK_OK);
    ck_assert_int_eq(r, DVK_IMPORT_RECUSAL_NONE);
}
END_TEST

/* A model object outside a run (dvk.models in the REPL) reads the scores of its own level,
 * combined by its province's rule; a province without a script reads the mean. */
START_TEST(test_model_outside_run)
{
    exec_sql("INSERT INTO units(code, name, name_key, kind, parent, province) VALUES"
             " ('zz', 'Tỉnh Z', 'tinh z', 'province', NULL, 'zz');"
             "INSERT INTO models(id, code, name, name_key, unit, province, kind, category, field,"
             " level, year, registration) VALUES"
             " (9, 'Z1', 'Z1', 'z1', 'zz', 'zz', 'tap-the', 'mo-hinh', 'f', 'tinh', 2023, 'moi');"
             "INSERT INTO appraisals(model, level, criterion, appraiser, score) VALUES"
             " (9, 'tinh', 'a', 'A', 1), (9, 'tinh', 'a', 'B', 2), (9, 'tinh', 'a', 'C', 9),"
             " (9, 'huyen', 'a', 'A', 50)");
    write_province("council = {combine = 'median'},");
    static const struct {
        long long id;
        const char *want;
    } cases[] = {{9, "4.0 3 x"}, {1, "11.0 5 x"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dvk_sandbox_limits lim = dvk_sandbox_defaults();
        dvk_error err;
        lua_State *L = dvk_sandbox_new(store, scripts, &lim, &err);
        ck_assert_ptr_nonnull(L);
        const char *code = "local m = ... local t = {'x'}"
                           " return m.appraisal.a .. ' ' .. #m.appraisals .. ' ' .. t[1]";
        ck_assert_int_eq(dvk_sandbox_load(L, code, strlen(code), "=t", NULL, &err), DVK_OK);
        ck_assert_int_eq(dvk_script_push_model(L, NULL, cases[i].id, NULL, &err), DVK_OK);
        ck_assert_msg(dvk_sandbox_call(L, 1, 1, &err) == DVK_OK, "%s", err.msg);
        ck_assert_str_eq(dvk_sandbox_tostring(L, -1), cases[i].want);
        dvk_sandbox_free(L);
    }
}
END_TEST

Suite *council_suite(void)
{
    Suite *s = suite_create("council");
    TCase *tc = tcase_create("council");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_combine);
    tcase_add_test(tc, test_rules_in_runs);
    tcase_add_test(tc, test_level_reads_its_own);
    tcase_add_test(tc, test_min_members);
    tcase_add_test(tc, test_options_checked);
    tcase_add_test(tc, test_members_and_recusal);
    tcase_add_test(tc, test_model_outside_run);
    suite_add_tcase(s, tc);
    return s;
}
