/* check_stats.c: the one aggregator (stats.h): the scope of a unit with the units merged
 * into it (with and without --successors), the rows of units that no longer exist, the runs
 * that count (current runs, a given run in place of its slot's current run, a run's
 * candidates alone), the best outcome of a model over the levels, and its errors. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dvk/stats.h"
#include "testutil.h"

/* Province p: district a (merged into b in mid-2024) with commune a1, district b with
 * commune b1, district c, and district d (gone since 2020). Models of 2024: m1 (b), m2 (b1),
 * m3 (a1) at the commune level, m4 (c) at the district level; m5 (b) is of 2023. Outcomes:
 * tb (index 0, recognised, exemplary), cn (1, recognised), kcn (2). Runs of 2024: 1 (co-so)
 * and 3 (co-so, later: the current one) over m1..m3, and 2 (huyen) over m4 and m1, proposed
 * from below. */
static dvk_store *fixture(char **dir)
{
    dvk_store *s = tu_store(dir);
    const char *sql =
        "INSERT INTO units(code, name, name_key, kind, parent, province, valid_to, successor) VALUES"
        " ('p', 'Tỉnh P', 'tinh p', 'province', NULL, 'p', NULL, NULL),"
        " ('p/a', 'Huyện A', 'huyen a', 'district', 'p', 'p', '2024-06-30', 'p/b'),"
        " ('p/a/a1', 'Xã A1', 'xa a1', 'commune', 'p/a', 'p', '2024-06-30', NULL),"
        " ('p/b', 'Huyện B', 'huyen b', 'district', 'p', 'p', NULL, NULL),"
        " ('p/b/b1', 'Xã B1', 'xa b1', 'commune', 'p/b', 'p', NULL, NULL),"
        " ('p/c', 'Huyện C', 'huyen c', 'district', 'p', 'p', NULL, NULL),"
        " ('p/d', 'Huyện D', 'huyen d', 'district', 'p', 'p', '2020-12-31', NULL);"
        "INSERT INTO fields(province, id, name) VALUES ('p', 'f1', 'Kinh tế'), ('p', 'f2', 'Văn hóa');"
        "INSERT INTO models(id, code, name, name_key, unit, province, kind, category, field, level,"
        " year, registration) VALUES"
        " (1, 'm1', 'M1', 'm1', 'p/b', 'p', 'tap-the', 'mo-hinh', 'f1', 'co-so', 2024, 'moi'),"
        " (2, 'm2', 'M2', 'm2', 'p/b/b1', 'p', 'ca-nhan', 'mo-hinh', 'f2', 'co-so', 2024, 'moi'),"
        " (3, 'm3', 'M3', 'm3', 'p/a/a1', 'p', 'tap-the', 'mo-hinh', 'f1', 'co-so', 2024, 'tiep-tuc'),"
        " (4, 'm4', 'M4', 'm4', 'p/c', 'p', 'tap-the', 'dien-hinh', 'f1', 'huyen', 2024, 'moi'),"
        " (5, 'm5', 'M5', 'm5', 'p/b', 'p', 'tap-the', 'mo-hinh', 'f1', 'co-so', 2023, 'moi');"
        "INSERT INTO runs(id, province, year, level, unit, script_path, scripts, started_at) VALUES"
        " (1, 'p', 2024, 'co-so', NULL, 'x', '{}', '2024-01-01'),"
        " (2, 'p', 2024, 'huyen', NULL, 'x', '{}', '2024-01-02'),"
        " (3, 'p', 2024, 'co-so', NULL, 'x', '{}', '2024-01-03');"
        "INSERT INTO results(run, model, eligible, total, outcome, outcome_index, recognised,"
        " exemplary, proposed) VALUES"
        " (1, 1, 1, 80, 'cn', 1, 1, 0, 0), (1, 2, 1, 10, 'kcn', 2, 0, 0, 0),"
        " (1, 3, 1, 75, 'cn', 1, 1, 0, 0),"
        " (2, 4, 1, 10, 'kcn', 2, 0, 0, 0), (2, 1, 1, 90, 'tb', 0, 1, 1, 0),"
        " (3, 1, 1, 10, 'kcn', 2, 0, 0, 1), (3, 2, 1, 72, 'cn', 1, 1, 0, 0),"
        " (3, 3, 0, 0, 'kcn', 2, 0, 0, 0);";
    char *msg = NULL;
    int rc = sqlite3_exec(dvk_store_db(s), sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "fixture: %s", msg ? msg : "?");
    return s;
}

/* The row of key in st (the test fails when there is none). */
static const dvk_stats_row *row(const dvk_stats *st, const char *key)
{
    for (int i = 0; i < st->nrows; i++)
        if (strcmp(st->rows[i].key, key) == 0)
            return &st->rows[i];
    ck_abort_msg("no row '%s'", key);
    return NULL;
}

static int has_row(const dvk_stats *st, const char *key)
{
    for (int i = 0; i < st->nrows; i++)
        if (strcmp(st->rows[i].key, key) == 0)
            return 1;
    return 0;
}

static void count(dvk_store *s, const dvk_stats_query *q, dvk_stats_by by, dvk_stats *out)
{
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_stats_query_run(s, q, &by, 1, out, &err);
    ck_assert_msg(rc == DVK_OK, "stats: %s", err.msg);
}

/* The bug of issue 10: with a merged into b, `dvk stats --unit b` counted 2 models and
 * `--unit b --successors` 3 (as dvk.models{unit=b} does). The scope always takes in the
 * merged units; --successors only folds their rows. */
START_TEST(merged_unit_scope)
{
    char *dir;
    dvk_store *s = fixture(&dir);
    dvk_stats st;
    dvk_error err;
    for (int succ = 0; succ <= 1; succ++) {
        ck_assert_int_eq(dvk_stats_compute(s, "p", 2024, NULL, "p/b", DVK_BY_FIELD, succ, &st, &err),
                         DVK_OK);
        ck_assert_int_eq(st.total.registered, 3);         /* m1 (b), m2 (b1), m3 (a1 of a) */
        ck_assert_int_eq(row(&st, "f1")->registered, 2);
        ck_assert_str_eq(row(&st, "f1")->name, "Kinh tế");
        dvk_stats_free(&st);
    }
    /* without successors the merged district keeps its row under the scope */
    dvk_stats_query q = {.province = "p", .year = 2024, .unit = "p/b"};
    count(s, &q, DVK_BY_UNIT, &st);
    ck_assert_int_eq(st.nrows, 3);
    ck_assert_int_eq(row(&st, "p/b")->registered, 1);
    ck_assert_int_eq(row(&st, "p/b/b1")->registered, 1);
    ck_assert_int_eq(row(&st, "p/a")->registered, 1);
    ck_assert_str_eq(row(&st, "p/a")->name, "Huyện A");
    dvk_stats_free(&st);
    /* with successors a is folded into b, the unit that stands for it today: a's commune a1
     * is now directly under b (grouping rule of units.h) and a has no row of its own */
    q.successors = 1;
    count(s, &q, DVK_BY_UNIT, &st);
    ck_assert_int_eq(st.nrows, 3);
    ck_assert_int_eq(has_row(&st, "p/a"), 0);
    ck_assert_int_eq(row(&st, "p/b")->registered, 1);
    ck_assert_int_eq(row(&st, "p/b/b1")->registered, 1);
    ck_assert_int_eq(row(&st, "p/a/a1")->registered, 1);
    ck_assert_int_eq(st.total.registered, 3);
    dvk_stats_free(&st);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* By unit over the province: every district that existed in the year is listed (zeros
 * included, d is not: it was gone), sorted by name; --successors folds a into b. */
START_TEST(province_rows)
{
    char *dir;
    dvk_store *s = fixture(&dir);
    dvk_stats st;
    dvk_stats_query q = {.province = "p", .year = 2024};
    count(s, &q, DVK_BY_UNIT, &st);
    ck_assert_int_eq(st.nrows, 3);
    ck_assert_str_eq(st.rows[0].key, "p/a");
    ck_assert_str_eq(st.rows[1].key, "p/b");
    ck_assert_str_eq(st.rows[2].key, "p/c");
    ck_assert_int_eq(st.rows[0].registered, 1);
    ck_assert_int_eq(st.rows[1].registered, 2);
    ck_assert_int_eq(st.rows[2].registered, 1);
    ck_assert_int_eq(has_row(&st, "p/d"), 0);
    dvk_stats_free(&st);
    q.successors = 1;
    count(s, &q, DVK_BY_UNIT, &st);
    ck_assert_int_eq(st.nrows, 2);
    ck_assert_int_eq(row(&st, "p/b")->registered, 3);
    ck_assert_int_eq(row(&st, "p/c")->registered, 1);
    dvk_stats_free(&st);
    /* with a level, whether each unit ran a decision there */
    dvk_stats_query ql = {.province = "p", .year = 2024, .level = "huyen"};
    count(s, &ql, DVK_BY_UNIT, &st);
    ck_assert_int_eq(row(&st, "p/c")->decided, 0);
    dvk_stats_free(&st);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* The runs that count: the current ones (3 for co-so, 2 for huyen); a model is recognised
 * once whichever level recognised it, and its outcome is the best it was given. */
START_TEST(current_runs)
{
    char *dir;
    dvk_store *s = fixture(&dir);
    dvk_stats st;
    dvk_stats_query q = {.province = "p", .year = 2024};
    count(s, &q, DVK_BY_OUTCOME, &st);
    ck_assert_int_eq(st.total.registered, 4);
    ck_assert_int_eq(st.total.recognised, 2);             /* m1 (tb at huyen), m2 (cn) */
    ck_assert_int_eq(st.total.exemplary, 1);
    ck_assert_int_eq(st.total.proposed, 1);
    ck_assert_int_eq(st.total.eligible, 3);               /* m3 failed a gate in run 3 */
    ck_assert_int_eq(row(&st, "tb")->registered, 1);
    ck_assert_int_eq(row(&st, "cn")->registered, 1);
    ck_assert_int_eq(row(&st, "kcn")->registered, 2);
    dvk_stats_free(&st);
    /* level huyen: registered there (m4), and m1 taken up from below */
    dvk_stats_query qh = {.province = "p", .year = 2024, .level = "huyen"};
    count(s, &qh, DVK_BY_LEVEL, &st);
    ck_assert_int_eq(st.total.registered, 1);
    ck_assert_int_eq(st.total.recognised, 1);
    ck_assert_int_eq(row(&st, "co-so")->recognised, 1);
    ck_assert_int_eq(row(&st, "co-so")->registered, 0);
    dvk_stats_free(&st);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* A given run stands in for the current run of its slot (a draft shows what it would make
 * of the year); with run_only its candidates alone are counted. */
START_TEST(given_run)
{
    char *dir;
    dvk_store *s = fixture(&dir);
    dvk_stats out[2];
    dvk_stats_by by[2] = {DVK_BY_UNIT, DVK_BY_OUTCOME};
    dvk_error err;
    dvk_stats_query q = {.province = "p", .year = 2024, .run = 1};
    ck_assert_int_eq(dvk_stats_query_run(s, &q, by, 2, out, &err), DVK_OK);
    ck_assert_int_eq(out[0].total.registered, 4);
    ck_assert_int_eq(out[0].total.recognised, 2);         /* m1 (tb at huyen), m3 (cn in run 1) */
    ck_assert_int_eq(row(&out[0], "p/a")->recognised, 1);
    ck_assert_int_eq(row(&out[0], "p/b")->recognised, 1);
    ck_assert_int_eq(row(&out[1], "tb")->registered, 1);
    ck_assert_int_eq(row(&out[1], "cn")->registered, 1);
    ck_assert_int_eq(row(&out[1], "kcn")->registered, 2);
    dvk_stats_free(&out[0]);
    dvk_stats_free(&out[1]);
    /* the district run's candidates: m4 and m1 (proposed from below) */
    dvk_stats_query qr = {.province = "p", .year = 2024, .level = "huyen", .run = 2, .run_only = 1};
    ck_assert_int_eq(dvk_stats_query_run(s, &qr, by, 2, out, &err), DVK_OK);
    ck_assert_int_eq(out[0].total.registered, 2);
    ck_assert_int_eq(out[0].total.recognised, 1);
    ck_assert_int_eq(out[0].total.exemplary, 1);
    ck_assert_int_eq(row(&out[0], "p/b")->registered, 1);
    ck_assert_int_eq(row(&out[0], "p/c")->registered, 1);
    ck_assert_int_eq(row(&out[0], "p/a")->registered, 0);  /* listed, zero */
    ck_assert_int_eq(has_row(&out[1], "cn"), 0);
    dvk_stats_free(&out[0]);
    dvk_stats_free(&out[1]);
    /* a model with no run: outcome "" (another year's model is not counted) */
    dvk_stats st;
    dvk_stats_query q23 = {.province = "p", .year = 2023};
    count(s, &q23, DVK_BY_OUTCOME, &st);
    ck_assert_int_eq(st.nrows, 1);
    ck_assert_str_eq(st.rows[0].key, "");
    ck_assert_int_eq(st.rows[0].registered, 1);
    dvk_stats_free(&st);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(errors)
{
    char *dir;
    dvk_store *s = fixture(&dir);
    dvk_stats st;
    dvk_error err;
    ck_assert_int_eq(dvk_stats_compute(s, "p", 2024, NULL, "p/zz", DVK_BY_FIELD, 0, &st, &err), DVK_EDATA);
    ck_assert_str_eq(err.msg, "unknown unit 'p/zz'");
    ck_assert_int_eq(st.nrows, 0);
    ck_assert_int_eq(dvk_stats_compute(s, "p/b", 2024, NULL, NULL, DVK_BY_FIELD, 0, &st, &err), DVK_EDATA);
    ck_assert_str_eq(err.msg, "unknown province 'p/b' (no root unit with that code)");
    for (int i = 0; i < DVK_BY_COUNT; i++)
        ck_assert_int_eq(dvk_stats_by_parse(dvk_stats_by_name((dvk_stats_by)i)), i);
    ck_assert_int_eq(dvk_stats_by_parse("ward"), -1);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

Suite *stats_suite(void)
{
    Suite *su = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, merged_unit_scope);
    tcase_add_test(tc, province_rows);
    tcase_add_test(tc, current_runs);
    tcase_add_test(tc, given_run);
    tcase_add_test(tc, errors);
    suite_add_tcase(su, tc);
    return su;
}
