/* check_decide.c: the decision pipeline: candidates, gates, ranks, quotas (global and per
 * unit) with their reasons, proposals feeding the next level, --unit scope, dry runs,
 * byte-identical re-runs, a script error writing nothing, finalize, diff. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dvk/decide.h"
#include "testutil.h"

static dvk_store *store;
static char *dir, *scripts;

static const char *PROVINCE =
    "return dvk.province {\n"
    "  code = 'tp', name = 'Tỉnh Thử', levels = {'huyen', 'tinh'},\n"
    "  gates = {{id = 'dia-chi', name = 'Có địa chỉ', test = function(m) return m.address ~= nil end}},\n"
    "  criteria = {\n"
    "    {id = 'a', name = 'A', max = 50, score = function(m) return m.metrics.a or 0, 'a' end},\n"
    "    {id = 'b', name = 'B', max = 50, score = function(m) return m.metrics.b or 0 end},\n"
    "  },\n"
    "  outcomes = {{id = 'top', name = 'Tiêu biểu', min = 80, exemplary = true, propose = true},\n"
    "              {id = 'ok', name = 'Công nhận', min = 50}, {id = 'no', name = 'Không công nhận'}},\n"
    "  quotas = {{level = 'tinh', outcome = 'top', max = 1, tiebreak = {'b'}},\n"
    "            {level = 'huyen', outcome = 'top', max = 2, per = 'unit'}},\n"
    "}\n";

static void write_province(const char *text)
{
    char *p = tu_path(scripts, "provinces/tp.lua");
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
    write_province(PROVINCE);
    exec_sql("INSERT INTO units(code, name, name_key, kind, parent, province) VALUES"
             " ('tp', 'Tỉnh Thử', 'tinh thu', 'province', NULL, 'tp'),"
             " ('tp/h', 'Huyện H', 'huyen h', 'district', 'tp', 'tp'),"
             " ('tp/k', 'Huyện K', 'huyen k', 'district', 'tp', 'tp');");
    /* H: three at 'top' level (one over the per-unit quota), K: two; one without address */
    exec_sql("INSERT INTO models(code, name, name_key, unit, province, kind, category, field,"
             " level, year, registration, address, metrics) VALUES"
             " ('H1', 'H1', 'h1', 'tp/h', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x', '{\"a\":45,\"b\":45}'),"
             " ('H2', 'H2', 'h2', 'tp/h', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x', '{\"a\":40,\"b\":45}'),"
             " ('H3', 'H3', 'h3', 'tp/h', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x', '{\"a\":45,\"b\":40}'),"
             " ('H4', 'H4', 'h4', 'tp/h', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', NULL, '{\"a\":50,\"b\":50}'),"
             " ('K1', 'K1', 'k1', 'tp/k', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x', '{\"a\":50,\"b\":35}'),"
             " ('K2', 'K2', 'k2', 'tp/k', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x', '{\"a\":30,\"b\":30}'),"
             " ('K3', 'K3', 'k3', 'tp/k', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2022, 'moi', 'x', '{\"a\":50,\"b\":50}');");
}

static void teardown(void)
{
    dvk_store_close(store);
    tu_rmdir(dir);
    free(dir);
    free(scripts);
}

static long long decide(const char *level, const char *unit, int dry, dvk_decide_summary *sum)
{
    dvk_decide_opts o;
    memset(&o, 0, sizeof o);
    o.province = "tp";
    o.year = 2023;
    o.level = level;
    o.unit = unit;
    o.dry_run = dry;
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_decide(store, scripts, &o, sum, &err);
    ck_assert_msg(rc == DVK_OK, "%s", err.msg);
    return sum->run;
}

static char *text(const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(store), sql, -1, &st, NULL), SQLITE_OK);
    char *r = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        r = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return r ? r : strdup("");
}

static void expect_text(const char *sql, const char *want)
{
    char *got = text(sql);
    ck_assert_msg(strcmp(got, want) == 0, "%s\n  got:  %s\n  want: %s", sql, got, want);
    free(got);
}

START_TEST(test_district_run)
{
    dvk_decide_summary sum;
    long long run = decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(run, 1);
    ck_assert_int_eq(sum.candidates, 6);
    ck_assert_int_eq(sum.eligible, 5);
    ck_assert_int_eq(sum.outcome_count[0], 3);   /* H1, H2, K1 (H3 demoted) */
    ck_assert_int_eq(sum.outcome_count[1], 2);   /* H3, K2 */
    ck_assert_int_eq(sum.outcome_count[2], 1);   /* H4: no address */
    ck_assert_int_eq(sum.demoted, 1);
    ck_assert_int_eq(sum.proposed, 3);
    ck_assert_int_eq(sum.recognised, 5);
    /* ranks: eligible by total desc, then code */
    expect_text("SELECT group_concat(code || ':' || rank || ':' || outcome, ' ') FROM (SELECT m.code,"
                " r.rank, r.outcome FROM results r JOIN models m ON m.id = r.model WHERE run = 1"
                " ORDER BY r.rank)",
                "H1:1:top H2:2:top H3:3:ok K1:4:top K2:5:ok H4:6:no");
    expect_text("SELECT reason FROM results r JOIN models m ON m.id = r.model WHERE m.code = 'H3'",
                "vượt chỉ tiêu 2 mô hình \"Tiêu biểu\" của Huyện H: xếp hạng 3 trong đơn vị, "
                "chuyển xuống \"Công nhận\"");
    expect_text("SELECT eligible || gate || outcome || recognised || proposed FROM results r JOIN"
                " models m ON m.id = r.model WHERE m.code = 'H4'", "0dia-chino00");
    expect_text("SELECT group_concat(criterion || '=' || points || '/' || max || ':' ||"
                " coalesce(note, '-'), ' ') FROM result_scores s JOIN models m ON m.id = s.model"
                " WHERE m.code = 'H2'", "a=40.0/50.0:a b=45.0/50.0:-");
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM result_scores s JOIN models m ON"
                                   " m.id = s.model WHERE m.code = 'H4'"), 0);
    expect_text("SELECT status || ' ' || script_path || ' ' || json_extract(summary, '$.candidates')"
                " FROM runs WHERE id = 1", "draft scripts/provinces/tp.lua 6");
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM audit_log WHERE action = 'decide'"), 1);
    ck_assert_int_eq(tu_int(store, "SELECT length(json_extract(scripts,"
                                   " '$.\"scripts/provinces/tp.lua\"')) FROM runs"), 64);
}
END_TEST

/* A per-unit quota counts a district's communes with the district: a commune is not a
 * deciding unit of its own. */
START_TEST(test_per_unit_counts_subtree)
{
    exec_sql("INSERT INTO units(code, name, name_key, kind, parent, province) VALUES"
             " ('tp/h/x', 'Xã X', 'xa x', 'commune', 'tp/h', 'tp');"
             "INSERT INTO models(code, name, name_key, unit, province, kind, category, field,"
             " level, year, registration, address, metrics) VALUES"
             " ('H5', 'H5', 'h5', 'tp/h/x', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x',"
             " '{\"a\":41,\"b\":41}');");
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(sum.demoted, 2); /* H3 and H5, both over Huyện H's quota of 2 */
    expect_text("SELECT outcome || ': ' || reason FROM results r JOIN models m ON m.id = r.model"
                " WHERE m.code = 'H5'",
                "ok: vượt chỉ tiêu 2 mô hình \"Tiêu biểu\" của Huyện H: xếp hạng 4 trong đơn vị, "
                "chuyển xuống \"Công nhận\"");
}
END_TEST

START_TEST(test_rerun_identical)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(sum.run, 2);
    char a[65], b[65];
    dvk_error err;
    ck_assert_int_eq(dvk_store_run_digest(store, 1, a, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_run_digest(store, 2, b, &err), DVK_OK);
    ck_assert_str_eq(a, b);
    long long changed = -1;
    FILE *out = fopen("/dev/null", "w");
    ck_assert_int_eq(dvk_runs_diff(store, 1, 2, out, &changed, &err), DVK_OK);
    ck_assert_int_eq(changed, 0);
    /* a changed script: a new run, a different digest, and diff names the movers */
    char *changed_province = strdup(PROVINCE);
    char *q = strstr(changed_province, "min = 80");
    memcpy(q, "min = 90", 8);
    write_province(changed_province);
    free(changed_province);
    decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(dvk_store_run_digest(store, 3, b, &err), DVK_OK);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(dvk_runs_diff(store, 2, 3, out, &changed, &err), DVK_OK);
    ck_assert_int_eq(changed, 2);                /* H2 and K1 drop to ok; H1 (90) stays */
    fclose(out);
}
END_TEST

START_TEST(test_dry_run_writes_nothing)
{
    dvk_decide_summary sum;
    int before = sqlite3_total_changes(dvk_store_db(store));
    decide("huyen", NULL, 1, &sum);
    ck_assert_int_eq(sum.run, 0);
    ck_assert_int_eq(sum.candidates, 6);
    ck_assert_int_eq(sum.demoted, 1);
    ck_assert_int_eq(sqlite3_total_changes(dvk_store_db(store)), before);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs"), 0);
}
END_TEST

START_TEST(test_next_level_and_global_quota)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    decide("tinh", NULL, 0, &sum);
    ck_assert_int_eq(sum.candidates, 3);         /* the proposals: H1, H2, K1 */
    ck_assert_int_eq(sum.outcome_count[0], 1);
    ck_assert_int_eq(sum.demoted, 2);
    ck_assert_int_eq(sum.proposed, 0);           /* nothing above the top level */
    /* H1 90 top; H2 85 and K1 85 tie on total, b breaks it: H2 (45) before K1 (35) */
    expect_text("SELECT group_concat(code || ':' || rank || ':' || outcome, ' ') FROM (SELECT m.code,"
                " r.rank, r.outcome FROM results r JOIN models m ON m.id = r.model WHERE run = 2"
                " ORDER BY r.rank)", "H1:1:top H2:2:ok K1:3:ok");
    expect_text("SELECT reason FROM results r JOIN models m ON m.id = r.model WHERE run = 2 AND"
                " m.code = 'K1'", "vượt chỉ tiêu 1 mô hình \"Tiêu biểu\" cấp tỉnh: xếp hạng 3, "
                "chuyển xuống \"Công nhận\"");
}
END_TEST

START_TEST(test_cascading_quotas)
{
    /* top max 1, then ok max 1: H2/H3/K1 leave top; of the ok ones only the best stays */
    char *text = strdup(PROVINCE);
    char *q = strstr(text, "{level = 'huyen', outcome = 'top', max = 2, per = 'unit'}");
    ck_assert_ptr_nonnull(q);
    const char *rep = "{level = 'huyen', outcome = 'top', max = 1}, "
                      "{level = 'huyen', outcome = 'ok', max = 1}";
    size_t old_len = strlen("{level = 'huyen', outcome = 'top', max = 2, per = 'unit'}");
    char *buf = malloc(strlen(text) + strlen(rep) + 1);
    memcpy(buf, text, (size_t)(q - text));
    strcpy(buf + (q - text), rep);
    strcat(buf, q + old_len);
    write_province(buf);
    free(buf);
    free(text);
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(sum.outcome_count[0], 1);
    ck_assert_int_eq(sum.outcome_count[1], 1);
    ck_assert_int_eq(sum.demoted, 3 + 3);        /* H2, H3, K1 from top; H3, K1, K2 from ok */
    expect_text("SELECT group_concat(code || ':' || outcome, ' ') FROM (SELECT m.code, r.outcome"
                " FROM results r JOIN models m ON m.id = r.model ORDER BY r.rank)",
                "H1:top H2:ok H3:no K1:no K2:no H4:no");
    expect_text("SELECT reason FROM results r JOIN models m ON m.id = r.model WHERE m.code = 'K1'",
                "vượt chỉ tiêu 1 mô hình \"Tiêu biểu\" cấp huyện: xếp hạng 4, chuyển xuống "
                "\"Công nhận\"; vượt chỉ tiêu 1 mô hình \"Công nhận\" cấp huyện: xếp hạng 3, "
                "chuyển xuống \"Không công nhận\"");
    expect_text("SELECT reason FROM results r JOIN models m ON m.id = r.model WHERE m.code = 'K2'",
                "vượt chỉ tiêu 1 mô hình \"Công nhận\" cấp huyện: xếp hạng 4, chuyển xuống "
                "\"Không công nhận\"");
}
END_TEST

START_TEST(test_unit_scope)
{
    dvk_decide_summary sum;
    decide("huyen", "tp/k", 0, &sum);
    ck_assert_int_eq(sum.candidates, 2);
    expect_text("SELECT unit FROM runs WHERE id = 1", "tp/k");
    dvk_decide_opts o;
    memset(&o, 0, sizeof o);
    o.province = "tp";
    o.year = 2023;
    o.level = "huyen";
    o.unit = "nowhere";
    dvk_error err;
    ck_assert_int_ne(dvk_decide(store, scripts, &o, &sum, &err), DVK_OK);
    ck_assert_msg(strstr(err.msg, "unknown unit 'nowhere'") != NULL, "%s", err.msg);
    o.unit = NULL;
    o.level = "co-so";
    ck_assert_int_eq(dvk_decide(store, scripts, &o, &sum, &err), DVK_EUSAGE);
    ck_assert_msg(strstr(err.msg, "not one of tp's levels (huyen, tinh)") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_script_error_writes_nothing)
{
    char *bad = strdup(PROVINCE);
    char *q = strstr(bad, "m.metrics.b or 0");
    memcpy(q, "m.metrics.b + 0 ", 16);     /* K... all have b; H4 has b; make one fail: */
    write_province(bad);
    free(bad);
    exec_sql("UPDATE models SET metrics = '{\"a\":1}' WHERE code = 'K2'");
    dvk_decide_opts o;
    memset(&o, 0, sizeof o);
    o.province = "tp";
    o.year = 2023;
    o.level = "huyen";
    dvk_decide_summary sum;
    dvk_error err;
    int before = tu_int(store, "SELECT count(*) FROM audit_log");
    ck_assert_int_eq(dvk_decide(store, scripts, &o, &sum, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "scripts/provinces/tp.lua:6: model K2, criterion b: attempt to "
                                  "perform arithmetic on a nil value") == err.msg, "%s", err.msg);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM results"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM result_scores"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM audit_log"), before);
}
END_TEST

START_TEST(test_finalize)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    dvk_error err;
    ck_assert_int_eq(dvk_runs_finalize(store, 1, "12/QĐ-UBND", "2023-12-20", "test", &err), DVK_OK);
    expect_text("SELECT status || ' ' || decision_number || ' ' || decision_date FROM runs",
                "final 12/QĐ-UBND 2023-12-20");
    ck_assert_int_eq(dvk_store_verify(store, &err), DVK_OK);
    ck_assert_int_eq(dvk_runs_finalize(store, 1, "13", "2023-12-21", "test", &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "final already") != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_runs_finalize(store, 9, "13", "2023-12-21", "test", &err), DVK_EDATA);
    decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(dvk_runs_finalize(store, 2, "13", "21/12/2023", "test", &err), DVK_EUSAGE);
    ck_assert_int_ne(sqlite3_exec(dvk_store_db(store), "UPDATE results SET total = 1 WHERE run = 1",
                                  NULL, NULL, NULL), SQLITE_OK);
    /* the current run of the (province, year, level) is the final one, not the later draft */
    ck_assert_int_eq(tu_int(store, "SELECT id FROM current_runs"), 1);
}
END_TEST

START_TEST(test_show_and_list)
{
    dvk_decide_summary sum;
    decide("huyen", "tp/h", 0, &sum);
    char *path = tu_path(dir, "out.txt");
    FILE *out = fopen(path, "w");
    dvk_error err;
    ck_assert_int_eq(dvk_runs_show(store, 1, "H3", out, &err), DVK_OK);
    dvk_run_list l;
    ck_assert_int_eq(dvk_runs_list(store, "tp", 2023, &l, &err), DVK_OK);
    dvk_buf lb = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_run_list_text(&l, &lb), 0);
    fputs(dvk_buf_str(&lb), out);
    dvk_buf_free(&lb);
    dvk_run_list_free(&l);
    ck_assert_int_eq(dvk_runs_show(store, 1, "K1", out, &err), DVK_EDATA);
    fclose(out);
    char *s = tu_read(path, NULL);
    ck_assert_msg(strstr(s, "45 / 50   a\n") != NULL, "%s", s);
    ck_assert_msg(strstr(s, "reason: vượt chỉ tiêu 2 mô hình") != NULL, "%s", s);
    ck_assert_msg(strstr(s, "units with models in 2023 and no run:\n  tp/k") != NULL, "%s", s);
    free(s);
    free(path);
}
END_TEST

Suite *decide_suite(void)
{
    Suite *s = suite_create("decide");
    TCase *tc = tcase_create("decide");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_district_run);
    tcase_add_test(tc, test_per_unit_counts_subtree);
    tcase_add_test(tc, test_rerun_identical);
    tcase_add_test(tc, test_dry_run_writes_nothing);
    tcase_add_test(tc, test_next_level_and_global_quota);
    tcase_add_test(tc, test_cascading_quotas);
    tcase_add_test(tc, test_unit_scope);
    tcase_add_test(tc, test_script_error_writes_nothing);
    tcase_add_test(tc, test_finalize);
    tcase_add_test(tc, test_show_and_list);
    suite_add_tcase(s, tc);
    return s;
}
