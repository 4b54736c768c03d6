/* check_stats.c: the one aggregator (stats.h): the scope of a unit with the units merged
 * into it (with and without --successors), the rows of units that no longer exist, the runs
 * that count (current runs, a given run in place of its slot's current run, a run's
 * candidates alone), the best outcome of a model over the levels, and its errors. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dvk/stats.h"
#include "dvk/text.h"
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

/* A revoked result counts as registered and eligible but not recognised, exemplary or
 * proposed: a model revoked in one run (its other runs still count), and a whole run; the
 * same whether the current runs are merged or one run is counted alone. */
START_TEST(revoked_results)
{
    char *dir;
    dvk_store *s = fixture(&dir);
    dvk_stats st;
    dvk_stats_query cur = {.province = "p", .year = 2024};
    dvk_stats_query only2 = {.province = "p", .year = 2024, .run = 2, .run_only = 1};
    dvk_stats_query only3 = {.province = "p", .year = 2024, .run = 3, .run_only = 1};
    char *msg = NULL;
    ck_assert_int_eq(sqlite3_exec(dvk_store_db(s), "INSERT INTO revocations(run, model,"
                                  " decision_number, decision_date, reason, at) VALUES"
                                  " (2, 1, '1/QĐ', '2025-01-02', 'x', '2025-01-02')", NULL, NULL,
                                  &msg), SQLITE_OK);
    count(s, &cur, DVK_BY_OUTCOME, &st);
    ck_assert_int_eq(st.total.registered, 4);
    ck_assert_int_eq(st.total.eligible, 3);
    ck_assert_int_eq(st.total.recognised, 1);             /* m2; m1's tb at huyen revoked */
    ck_assert_int_eq(st.total.exemplary, 0);
    ck_assert_int_eq(st.total.proposed, 1);               /* m1, by run 3 */
    ck_assert_int_eq(row(&st, "tb")->registered, 1);      /* the outcome stays */
    dvk_stats_free(&st);
    count(s, &only2, DVK_BY_OUTCOME, &st);
    ck_assert_int_eq(st.total.registered, 2);
    ck_assert_int_eq(st.total.recognised, 0);
    ck_assert_int_eq(st.total.exemplary, 0);
    dvk_stats_free(&st);
    /* the whole of run 3 */
    ck_assert_int_eq(sqlite3_exec(dvk_store_db(s), "INSERT INTO revocations(run, model,"
                                  " decision_number, decision_date, reason, at) VALUES"
                                  " (3, NULL, '2/QĐ', '2025-01-03', 'x', '2025-01-03')", NULL,
                                  NULL, &msg), SQLITE_OK);
    count(s, &cur, DVK_BY_OUTCOME, &st);
    ck_assert_int_eq(st.total.registered, 4);
    ck_assert_int_eq(st.total.eligible, 3);
    ck_assert_int_eq(st.total.recognised, 0);
    ck_assert_int_eq(st.total.proposed, 0);
    dvk_stats_free(&st);
    count(s, &only3, DVK_BY_OUTCOME, &st);
    ck_assert_int_eq(st.total.registered, 3);
    ck_assert_int_eq(st.total.eligible, 2);
    ck_assert_int_eq(st.total.recognised, 0);
    ck_assert_int_eq(st.total.proposed, 0);
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

/* ---- agreement with SQL over a larger province ---------------------------------------------- */

/* Province p: 40 districts p/dNN, each with two communes p/dNN/cK; 50 fields (f49 has no
 * name, so it is shown by id); 600 models of 2024 and some of 2023, their ids large, sparse
 * and out of order; runs: 1 (co-so, whole province), 2 (huyen), 3 (co-so, later: the current
 * one), 4 (co-so, district p/d01), each over a pseudo-random part of the models, outcome
 * index 0..2 (tb, cn, kcn), flags at random. Enough keys and units that every table grows,
 * and several counted runs per model. */
static void big_fixture(dvk_store *s)
{
    sqlite3 *db = dvk_store_db(s);
    sqlite3_stmt *st = NULL;
    char code[64], name[64];
    unsigned x = 12345;   /* a linear congruential generator: the same data every time */
#define RND(n) ((x = x * 1103515245u + 12345u) >> 16) % (n)
    ck_assert_int_eq(sqlite3_exec(db, "BEGIN;"
        "INSERT INTO units(code, name, name_key, kind, province) VALUES ('p', 'Tỉnh P', 'tinh p', 'province', 'p')",
        NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO units(code, name, name_key, kind, parent, province)"
                                            " VALUES (?1, ?2, ?2, ?3, ?4, 'p')", -1, &st, NULL), SQLITE_OK);
    for (int d = 0; d < 40; d++)
        for (int c = -1; c < 2; c++) {
            char parent[16];
            snprintf(parent, sizeof parent, "p/d%02d", d);
            if (c < 0)
                snprintf(code, sizeof code, "%s", parent);
            else
                snprintf(code, sizeof code, "%s/c%d", parent, c);
            snprintf(name, sizeof name, "Đơn vị %s", code);
            sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, c < 0 ? "district" : "commune", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, c < 0 ? "p" : parent, -1, SQLITE_TRANSIENT);
            ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
            sqlite3_reset(st);
        }
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO fields(province, id, name) VALUES ('p', ?1, ?2)",
                                        -1, &st, NULL), SQLITE_OK);
    for (int f = 0; f < 49; f++) {
        snprintf(code, sizeof code, "f%02d", f);
        snprintf(name, sizeof name, "Lĩnh vực %d", 49 - f);
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    static const char *const LEVELS[] = {"co-so", "huyen", "tinh"};
    static const char *const KINDS[] = {"tap-the", "ca-nhan", "ho-gia-dinh"};
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO models(id, code, name, name_key, unit, province, kind,"
                                            " category, field, level, year, registration)"
                                            " VALUES (?1, ?2, ?2, ?2, ?3, 'p', ?4, ?5, ?6, ?7, ?8, ?9)",
                                        -1, &st, NULL), SQLITE_OK);
    for (long long i = 1; i <= 700; i++) {
        long long id = (i * 2654435761LL) % (1LL << 40);   /* distinct, sparse, out of order */
        int d = (int)RND(40), c = (int)RND(3) - 1;
        if (c < 0)
            snprintf(name, sizeof name, "p/d%02d", d);
        else
            snprintf(name, sizeof name, "p/d%02d/c%d", d, c);
        snprintf(code, sizeof code, "m%lld", i);
        char field[8];
        snprintf(field, sizeof field, "f%02d", (int)RND(50));
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, KINDS[RND(3)], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, RND(2) ? "mo-hinh" : "dien-hinh", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, field, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, LEVELS[RND(3)], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 8, i > 600 ? 2023 : 2024);
        sqlite3_bind_text(st, 9, RND(2) ? "moi" : "tiep-tuc", -1, SQLITE_STATIC);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_exec(db,
        "INSERT INTO runs(id, province, year, level, unit, script_path, scripts, started_at) VALUES"
        " (1, 'p', 2024, 'co-so', NULL, 'x', '{}', '2024-01-01'),"
        " (2, 'p', 2024, 'huyen', NULL, 'x', '{}', '2024-01-02'),"
        " (3, 'p', 2024, 'co-so', NULL, 'x', '{}', '2024-01-03'),"
        " (4, 'p', 2024, 'co-so', 'p/d01', 'x', '{}', '2024-01-04')", NULL, NULL, NULL), SQLITE_OK);
    static const char *const OUTCOMES[] = {"tb", "cn", "kcn"};
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO results(run, model, eligible, total, outcome,"
                                            " outcome_index, recognised, exemplary, proposed)"
                                            " SELECT ?1, id, ?2, 0, ?3, ?4, ?5, ?6, ?7 FROM models"
                                            " WHERE code = ?8", -1, &st, NULL), SQLITE_OK);
    for (int run = 1; run <= 4; run++)
        for (int i = 1; i <= 700; i++) {
            if (RND(4) == 0 || (run == 4 && RND(2)))
                continue;
            int oi = (int)RND(3);
            snprintf(code, sizeof code, "m%d", i);
            sqlite3_bind_int(st, 1, run);
            sqlite3_bind_int(st, 2, (int)RND(2));
            sqlite3_bind_text(st, 3, OUTCOMES[oi], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 4, oi);
            sqlite3_bind_int(st, 5, oi < 2);
            sqlite3_bind_int(st, 6, oi == 0);
            sqlite3_bind_int(st, 7, (int)RND(2));
            sqlite3_bind_text(st, 8, code, -1, SQLITE_TRANSIENT);
            ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
            sqlite3_reset(st);
        }
    sqlite3_finalize(st);
#undef RND
    ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

/* The same counts in plain SQL, grouped by one key: ?1 the provinces (JSON), ?2 year, ?3
 * level or NULL, ?4 run or NULL, ?5 run_only, ?6 the scope's units (JSON) or NULL. A model's
 * district (its code's first 5 characters) is its row by unit over the province. Columns: 0
 * key, 1 registered, 2 eligible, 3 recognised, 4 exemplary, 5 proposed. */
static const char ORACLE[] =
    "WITH cur AS (SELECT id FROM current_runs c WHERE NOT ?5"
    "  AND province IN (SELECT value FROM json_each(?1)) AND year = ?2"
    "  AND (?3 IS NULL OR level = ?3)"
    "  AND NOT EXISTS (SELECT 1 FROM runs g WHERE g.id = ?4 AND g.province = c.province"
    "   AND g.year = c.year AND g.level = c.level AND g.unit IS c.unit)"
    " UNION SELECT id FROM runs WHERE id = ?4),"
    " res AS (SELECT model, min(outcome_index) AS oi, max(eligible > 0) AS el,"
    "  max(recognised > 0) AS rec, max(exemplary > 0) AS ex, max(proposed > 0) AS prop"
    "  FROM results WHERE run IN (SELECT id FROM cur) GROUP BY model),"
    " m AS (SELECT m.*, substr(m.unit, 1, 5) AS district, CASE res.oi WHEN 0 THEN 'tb'"
    "  WHEN 1 THEN 'cn' WHEN 2 THEN 'kcn' ELSE '' END AS outcome, res.model AS rm,"
    "  res.el, res.rec, res.ex, res.prop FROM models m LEFT JOIN res ON res.model = m.id)"
    " SELECT %s, sum(?5 OR ?3 IS NULL OR level = ?3), sum(coalesce(el, 0)), sum(coalesce(rec, 0)),"
    "  sum(coalesce(ex, 0)), sum(coalesce(prop, 0)) FROM m"
    " WHERE CASE WHEN ?5 THEN rm IS NOT NULL ELSE province IN (SELECT value FROM json_each(?1))"
    "  AND year = ?2 AND (?3 IS NULL OR level = ?3 OR rm IS NOT NULL)"
    "  AND (?6 IS NULL OR unit IN (SELECT value FROM json_each(?6))) END"
    " GROUP BY 1";

/* Every query and grouping of dvk_stats_query_run agrees with ORACLE, row by row; by unit
 * only over the whole province (the rows are the districts, every one listed). */
START_TEST(agrees_with_sql)
{
    static const char *const KEY[DVK_BY_COUNT] = {
        "field", "district", "level", "kind", "registration", "category", "outcome",
    };
    struct { const char *level, *unit; long long run; int run_only; } qs[] = {
        {NULL, NULL, 0, 0}, {"co-so", NULL, 0, 0}, {"huyen", NULL, 0, 0}, {"tinh", NULL, 0, 0},
        {NULL, NULL, 1, 0}, {"co-so", NULL, 1, 0}, {"co-so", NULL, 1, 1}, {"huyen", NULL, 2, 1},
        {"co-so", NULL, 4, 1}, {NULL, NULL, 4, 0}, {NULL, "p/d03", 0, 0}, {"co-so", "p/d01", 4, 0},
        {NULL, "p/d07/c1", 0, 0},
    };
    char *dir;
    dvk_store *s = tu_store(&dir);
    big_fixture(s);
    dvk_stats_by all[DVK_BY_COUNT];
    for (int i = 0; i < DVK_BY_COUNT; i++)
        all[i] = (dvk_stats_by)(DVK_BY_COUNT - 1 - i);   /* the groupings in another order */
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        dvk_stats_query q = {.province = "p", .year = 2024, .level = qs[k].level,
                             .unit = qs[k].unit, .run = qs[k].run, .run_only = qs[k].run_only};
        dvk_stats out[DVK_BY_COUNT];
        dvk_error err;
        ck_assert_msg(dvk_stats_query_run(s, &q, all, DVK_BY_COUNT, out, &err) == DVK_OK, "%s", err.msg);
        char scope[128];
        snprintf(scope, sizeof scope, "[\"%s\",\"%s/c0\",\"%s/c1\"]", qs[k].unit ? qs[k].unit : "",
                 qs[k].unit ? qs[k].unit : "", qs[k].unit ? qs[k].unit : "");
        for (int i = 0; i < DVK_BY_COUNT; i++) {
            const dvk_stats *st = &out[i];
            if (all[i] == DVK_BY_UNIT && q.unit)
                continue;
            char sql[sizeof ORACLE + 16];
            snprintf(sql, sizeof sql, ORACLE, KEY[all[i]]);
            sqlite3_stmt *o;
            ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(s), sql, -1, &o, NULL), SQLITE_OK);
            sqlite3_bind_text(o, 1, "[\"p\"]", -1, SQLITE_STATIC);
            sqlite3_bind_int(o, 2, 2024);
            if (q.level)
                sqlite3_bind_text(o, 3, q.level, -1, SQLITE_STATIC);
            if (q.run)
                sqlite3_bind_int64(o, 4, q.run);
            sqlite3_bind_int(o, 5, q.run && q.run_only);
            if (q.unit)
                sqlite3_bind_text(o, 6, scope, -1, SQLITE_STATIC);
            long long tot[5] = {0};
            int nrows = 0;
            while (sqlite3_step(o) == SQLITE_ROW) {
                const char *key = (const char *)sqlite3_column_text(o, 0);
                const dvk_stats_row *r = row(st, key);
                long long got[5] = {r->registered, r->eligible, r->recognised, r->exemplary, r->proposed};
                for (int c = 0; c < 5; c++) {
                    ck_assert_msg(got[c] == sqlite3_column_int64(o, c + 1),
                                  "query %zu by %s row %s count %d: %lld, SQL says %lld", k,
                                  dvk_stats_by_name(all[i]), key, c, got[c],
                                  sqlite3_column_int64(o, c + 1));
                    tot[c] += got[c];
                }
                nrows++;
            }
            sqlite3_finalize(o);
            /* rows SQL has not: only the listed units with nothing to count */
            for (int r = 0; r < st->nrows; r++)
                if (st->rows[r].registered + st->rows[r].eligible + st->rows[r].recognised == 0)
                    nrows++;
            ck_assert_int_ge(nrows, st->nrows);
            ck_assert_int_eq(st->total.registered, tot[0]);
            ck_assert_int_eq(st->total.eligible, tot[1]);
            ck_assert_int_eq(st->total.recognised, tot[2]);
            ck_assert_int_eq(st->total.exemplary, tot[3]);
            ck_assert_int_eq(st->total.proposed, tot[4]);
            if (all[i] == DVK_BY_FIELD) {
                if (has_row(st, "f00"))
                    ck_assert_str_eq(row(st, "f00")->name, "Lĩnh vực 49");
                if (has_row(st, "f49"))
                    ck_assert_str_eq(row(st, "f49")->name, "f49");
            }
            if (all[i] == DVK_BY_UNIT)
                ck_assert_int_eq(st->nrows, 40);
            for (int r = 1; r < st->nrows; r++) {   /* sorted by name (Vietnamese order), then key */
                const char *a = st->rows[r - 1].name, *b = st->rows[r].name;
                int c = dvk_text_collate(a, strlen(a), b, strlen(b));
                ck_assert(c < 0 || (c == 0 && strcmp(st->rows[r - 1].key, st->rows[r].key) < 0));
            }
        }
        for (int i = 0; i < DVK_BY_COUNT; i++)
            dvk_stats_free(&out[i]);
    }
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
    tcase_add_test(tc, revoked_results);
    tcase_add_test(tc, given_run);
    tcase_add_test(tc, agrees_with_sql);
    tcase_add_test(tc, errors);
    suite_add_tcase(su, tc);
    return su;
}
