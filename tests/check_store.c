/* check_store.c: schema creation and versions, foreign files, immutability of final runs,
 * the audit hash chain, busy handling, SHA-256 test vectors, fingerprints and receipts. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/scores.h"
#include "dvk/sha256.h"
#include "dvk/store.h"
#include "testutil.h"

static void exec_ok(dvk_store *s, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(dvk_store_db(s), sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_free(msg);
}

/* Each statement of sql[0..n) is refused, with a message that contains want (or, when not
 * NULL, or_want). */
static void expect_refused(dvk_store *s, const char *const *sql, size_t n, const char *want,
                           const char *or_want)
{
    for (size_t i = 0; i < n; i++) {
        char *msg = NULL;
        int rc = sqlite3_exec(dvk_store_db(s), sql[i], NULL, NULL, &msg);
        ck_assert_msg(rc != SQLITE_OK, "allowed: %s", sql[i]);
        ck_assert_msg(msg && (strstr(msg, want) || (or_want && strstr(msg, or_want))), "%s: %s",
                      sql[i], msg ? msg : "");
        sqlite3_free(msg);
    }
}

/* One province, one unit, two models, one final run with results. */
static void seed(dvk_store *s)
{
    exec_ok(s, "INSERT INTO units(code,name,name_key,kind,parent,province) VALUES"
               "('p','Tỉnh P','tinh p','province',NULL,'p'),('p/a','Huyện A','huyen a','district','p','p');"
               "INSERT INTO models(code,name,name_key,unit,province,kind,category,field,level,year,registration)"
               " VALUES ('M1','Mô hình 1','mo hinh 1','p/a','p','tap-the','mo-hinh','kt','huyen',2023,'moi'),"
               "        ('M2','Mô hình 2','mo hinh 2','p/a','p','ca-nhan','mo-hinh','kt','huyen',2023,'moi');"
               "INSERT INTO runs(id,province,year,level,script_path,scripts,started_at) VALUES"
               " (1,'p',2023,'huyen','scripts/provinces/p.lua','{}','2023-12-31T00:00:00Z');"
               "INSERT INTO results(run,model,eligible,total,outcome,outcome_index,rank,recognised,exemplary,proposed)"
               " VALUES (1,1,1,80,'cong-nhan',1,1,1,0,0), (1,2,1,60,'khong',2,2,0,0,0);"
               "INSERT INTO result_scores_packed VALUES (1,1,(SELECT dvk_scores_pack('hq',30,30,NULL,0)));");
}

/* What migration 7 changes (issue 15: one index fewer to build), undone: models_field as
 * migration 1 made it. */
/* Close s, check that the file at path opens again (its schema is dvk's), and free what a
 * migration test holds. */
static void reopen_and_free(dvk_store *s, char *path, char *dir)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store_close(s);
    s = dvk_store_open(path, 0, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    dvk_store_close(s);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void model_indexes_to_v6(dvk_store *s)
{
    exec_ok(s, "CREATE INDEX models_field ON models(province, field);");
}

/* What migration 8 changes, undone: result_scores_packed with its run an immediate foreign
 * key and the insert trigger RAISE(ABORT), as migration 6 made them (the same text), the
 * rows kept. Triggers dropped first: the final run's rows must be copied. */
static void packed_to_v7(dvk_store *s)
{
    exec_ok(s, "DROP TRIGGER packed_final_insert; DROP TRIGGER packed_final_update;"
               " DROP TRIGGER packed_final_delete;"
               "ALTER TABLE result_scores_packed RENAME TO packed_v8;"
               "CREATE TABLE result_scores_packed ("
               "  run INTEGER NOT NULL REFERENCES runs(id),"
               "  model INTEGER NOT NULL,"
               "  scores BLOB NOT NULL,"
               "  PRIMARY KEY (run, model)"
               ") WITHOUT ROWID;"
               "INSERT INTO result_scores_packed SELECT * FROM packed_v8; DROP TABLE packed_v8;"
               "CREATE TRIGGER packed_final_insert BEFORE INSERT ON result_scores_packed"
               " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"
               " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"
               "CREATE TRIGGER packed_final_update BEFORE UPDATE ON result_scores_packed"
               " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"
               " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"
               "CREATE TRIGGER packed_final_delete BEFORE DELETE ON result_scores_packed"
               " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"
               " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;");
}

/* What migrations 7, 6 and 5 change, undone: models_field back, results and result_scores as
 * migration 1 made them (rowid tables; migration 5 rebuilds them WITHOUT ROWID, migration 6
 * packs the scores into result_scores_packed), their rows kept in the order they are in, and
 * no models_pyc index. */
static void results_to_v1(dvk_store *s)
{
    tu_store_to_v5(s);   /* models_field included */
    exec_ok(s, "DROP INDEX models_pyc;"
               "CREATE TEMP TABLE keep_r AS SELECT * FROM results ORDER BY run, model;"
               "CREATE TEMP TABLE keep_s AS SELECT run, model, criterion, points, max, note"
               " FROM result_scores ORDER BY run, model, pos;"
               "DROP TABLE results; DROP TABLE result_scores;"
               "CREATE TABLE results ("
               "  run INTEGER NOT NULL REFERENCES runs(id),"
               "  model INTEGER NOT NULL REFERENCES models(id),"
               "  eligible INTEGER NOT NULL,"
               "  gate TEXT,"
               "  total REAL NOT NULL,"
               "  outcome TEXT NOT NULL,"
               "  outcome_index INTEGER NOT NULL,"
               "  rank INTEGER,"
               "  recognised INTEGER NOT NULL,"
               "  exemplary INTEGER NOT NULL,"
               "  proposed INTEGER NOT NULL,"
               "  reason TEXT,"
               "  PRIMARY KEY (run, model)"
               ");"
               "CREATE INDEX results_model ON results(model);"
               "CREATE TABLE result_scores ("
               "  run INTEGER NOT NULL REFERENCES runs(id),"
               "  model INTEGER NOT NULL REFERENCES models(id),"
               "  criterion TEXT NOT NULL,"
               "  points REAL NOT NULL,"
               "  max REAL NOT NULL,"
               "  note TEXT,"
               "  PRIMARY KEY (run, model, criterion)"
               ");"
               "INSERT INTO results SELECT * FROM keep_r;"
               "INSERT INTO result_scores SELECT * FROM keep_s;"
               "DROP TABLE keep_r; DROP TABLE keep_s;"
               "CREATE TRIGGER results_final_insert BEFORE INSERT ON results"
               " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"
               " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"
               "CREATE TRIGGER results_final_update BEFORE UPDATE ON results"
               " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"
               " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"
               "CREATE TRIGGER results_final_delete BEFORE DELETE ON results"
               " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"
               " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"
               TU_SCORES_TRIGGERS);
}

/* Take a current database back to version 2: no frozen records (migration 3), no
 * appraisers, appraisals as migration 1 made them (no level, no origin; migration 4),
 * results and scores as migration 1 made them (migration 5). */
static void to_v2(dvk_store *s)
{
    results_to_v1(s);
    exec_ok(s, "DROP TABLE run_models; DROP TABLE run_units; DROP TABLE run_appraisals; DROP TABLE run_appraisers;"
               " DROP TABLE run_scripts; DROP TABLE run_stats;"
               "DROP TABLE appraisers; DROP TABLE appraisals;"
               "CREATE TABLE appraisals ("
               "  model INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
               "  criterion TEXT NOT NULL,"
               "  appraiser TEXT NOT NULL,"
               "  score REAL NOT NULL,"
               "  note TEXT,"
               "  PRIMARY KEY (model, criterion, appraiser)"
               "); PRAGMA user_version = 2");
}

static void finalize(dvk_store *s)
{
    dvk_error err;
    dvk_error_clear(&err);
    char digest[65], detail[256];
    ck_assert_int_eq(dvk_store_begin(s, &err), DVK_OK);
    exec_ok(s, "UPDATE runs SET decision_number = '12/QĐ-BDVTU', decision_date = '2024-01-15' WHERE id = 1");
    ck_assert_int_eq(dvk_store_run_digest(s, 1, digest, &err), DVK_OK);
    sqlite3_stmt *st = dvk_store_prepare(s, "UPDATE runs SET status = 'final', digest = ?1 WHERE id = 1", &err);
    sqlite3_bind_text(st, 1, digest, -1, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    snprintf(detail, sizeof detail, "{\"run\":1,\"digest\":\"%s\"}", digest);
    ck_assert_int_eq(dvk_store_audit(s, "finalize", detail, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_commit(s, &err), DVK_OK);
}

START_TEST(creates_schema)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name IN ('units','fields','models',"
                               "'appraisals','runs','results','audit_log','current_runs','appraisers')"), 9);
    /* result_scores: no table (version 6), a view of this connection's own */
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'result_scores'"), 0);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_temp_master WHERE type = 'view'"
                               " AND name = 'result_scores'"), 1);
    ck_assert_int_eq(tu_int(s, "PRAGMA foreign_keys"), 1);
    ck_assert_int_eq(tu_int(s, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    ck_assert_int_eq(tu_int(s, "PRAGMA page_size"), atoi(DVK_STORE_PAGE_SIZE));
    char *path = strdup(dvk_store_path(s));
    dvk_store_close(s);
    /* Reopening leaves it as it is. */
    dvk_error err;
    s = dvk_store_open(path, 0, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
    dvk_store_close(s);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* A version-1 file (no revocations table) is taken to version 2 at open, and then passes
 * the schema check; a version-1 file opened read-only is refused with the way to upgrade. */
START_TEST(migrates_v1_to_v2)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    seed(s);
    to_v2(s);
    exec_ok(s, "DROP TABLE revocations; PRAGMA user_version = 1");
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'revocations'"), 0);
    char *path = strdup(dvk_store_path(s));
    dvk_store_close(s);
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_ptr_null(dvk_store_open(path, DVK_STORE_READONLY, &err));
    ck_assert_msg(strstr(err.msg, "dvk init") != NULL, "%s", err.msg);
    s = dvk_store_open(path, 0, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
    /* the table, its index and its two triggers */
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'revocations'"), 4);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models"), 2);
    dvk_store_close(s);
    s = dvk_store_open(path, DVK_STORE_READONLY, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    dvk_store_close(s);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* Migration 4 (numbered 3 on this branch until the merge): scores stored before appraisals
 * had a level take their model's own level; the council's members get their table. */
START_TEST(migrates_appraisals_to_levels)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    seed(s);
    to_v2(s);
    exec_ok(s, "INSERT INTO appraisals(model, criterion, appraiser, score, note) VALUES"
               " (1, 'hq', 'An', 20, 'tốt'), (2, 'hq', 'An', 15, NULL)");
    char *path = strdup(dvk_store_path(s));
    dvk_store_close(s);
    dvk_error err;
    dvk_error_clear(&err);
    s = dvk_store_open(path, 0, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM appraisals WHERE level = 'huyen'"
                               " AND origin IS NULL"), 2);
    ck_assert_int_eq(tu_int(s, "SELECT sum(score) FROM appraisals"), 35);
    /* a second round of the same model at another level is a row of its own */
    exec_ok(s, "INSERT INTO appraisals(model, level, criterion, appraiser, score) VALUES"
               " (1, 'tinh', 'hq', 'An', 25)");
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM appraisals WHERE model = 1"), 2);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM appraisers"), 0);
    dvk_store_close(s);
    s = dvk_store_open(path, DVK_STORE_READONLY, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    dvk_store_close(s);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* A file made with SQLite's 4 KiB pages (before DVK_STORE_PAGE_SIZE) keeps them: it opens,
 * migrates and takes writes as before. */
START_TEST(keeps_page_size)
{
    char *dir = tu_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/old.db", dir);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA page_size = 4096; CREATE TABLE x(a); DROP TABLE x", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(path, DVK_STORE_CREATE, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
    ck_assert_int_eq(tu_int(s, "PRAGMA page_size"), 4096);
    seed(s);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* Migration 7: a file from before it loses models_field and keeps its other indexes and
 * rows; a filter on province and field still searches an index on province; the file passes
 * the schema check when opened again. */
START_TEST(migrates_model_indexes)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    seed(s);
    packed_to_v7(s);
    model_indexes_to_v6(s);
    exec_ok(s, "PRAGMA user_version = 6");   /* the version before migration 7 */
    char *path = strdup(dvk_store_path(s));
    dvk_store_close(s);
    dvk_error err;
    dvk_error_clear(&err);
    s = dvk_store_open(path, 0, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'models_field'"), 0);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN"
                               " ('models_pyl', 'models_pyc', 'models_unit', 'models_key')"), 4);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models WHERE province = 'p' AND field = 'kt'"), 2);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(s), "EXPLAIN QUERY PLAN SELECT count(*)"
                                        " FROM models WHERE province = 'p' AND field = 'kt'", -1,
                                        &st, NULL), SQLITE_OK);
    int by_province = 0;   /* SEARCH m USING INDEX models_pyl|models_pyc (province=?) */
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        by_province |= strncmp(d, "SEARCH", 6) == 0 && strstr(d, "(province=?)") != NULL;
    }
    sqlite3_finalize(st);
    ck_assert_msg(by_province, "a province and field filter scans the whole table");
    reopen_and_free(s, path, dir);
}
END_TEST

/* Migration 8: a file from before it, with a final run, keeps every packed row and the
 * run's digest; the run is a deferred foreign key; a final run's scores still refuse a new
 * row (now with FAIL), an update and a deletion; verify passes; opened again, the schema is
 * dvk's. */
START_TEST(migrates_packed_deferred)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    seed(s);
    finalize(s);
    char before[65], after[65];
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_run_digest(s, 1, before, &err), DVK_OK);
    long long rows = tu_int(s, "SELECT count(*) FROM result_scores_packed");
    ck_assert_int_gt(rows, 0);
    packed_to_v7(s);
    exec_ok(s, "PRAGMA user_version = 7");
    char *path = strdup(dvk_store_path(s));
    dvk_store_close(s);
    s = dvk_store_open(path, 0, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM result_scores_packed"), rows);
    ck_assert_int_eq(dvk_store_run_digest(s, 1, after, &err), DVK_OK);
    ck_assert_str_eq(after, before);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'result_scores_packed'"
                               " AND sql LIKE '%REFERENCES runs(id) DEFERRABLE INITIALLY DEFERRED%'"), 1);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'packed_final_insert'"
                               " AND sql LIKE '%RAISE(FAIL,%'"), 1);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'packed_v%'"), 0);
    const char *attempts[] = {
        "INSERT INTO result_scores_packed VALUES (1, 9, (SELECT dvk_scores_pack('hq',9,30,NULL,0)))",
        "UPDATE result_scores_packed SET scores = scores || x'00' WHERE run = 1",
        "DELETE FROM result_scores_packed WHERE run = 1",
    };
    expect_refused(s, attempts, sizeof attempts / sizeof attempts[0],
                   "run is final: its scores cannot be changed", NULL);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM result_scores_packed"), rows);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_OK);
    reopen_and_free(s, path, dir);
}
END_TEST

/* A revocation, once recorded, is never changed or deleted. */
/* Migration 5: results and result_scores of a version-4 file become WITHOUT ROWID tables
 * with the same rows (and models gets models_pyc); the scores keep the order they were stored in (pos), a run's digest
 * is the one the same rows give in a new file, and a final run's rows still cannot change. */
START_TEST(migrates_results_without_rowid)
{
    char *dirs[2], digest[2][65];
    for (int i = 0; i < 2; i++) {
        dvk_store *s = tu_store(&dirs[i]);
        seed(s);
        /* stored after 'hq', sorts before it: the stored order is not the key's */
        exec_ok(s, "UPDATE result_scores_packed SET scores = (WITH v(c, p, m, n, pos) AS (VALUES"
                   " ('aa',5,10,'x',1), ('hq',30,30,NULL,0)) SELECT dvk_scores_pack(c, p, m, n, pos)"
                   " FROM v) WHERE run = 1 AND model = 1");
        if (i == 1) {
            results_to_v1(s);
            exec_ok(s, "PRAGMA user_version = 4");
            char *path = strdup(dvk_store_path(s));
            dvk_store_close(s);
            dvk_error err;
            dvk_error_clear(&err);
            s = dvk_store_open(path, 0, &err);
            ck_assert_msg(s != NULL, "%s", err.msg);
            free(path);
            ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
        }
        ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name IN"
                                   " ('results', 'result_scores') AND sql LIKE '%WITHOUT ROWID'"), 1);
        ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'models_pyc'"), 1);
        ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM results"), 2);
        ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM result_scores"), 2);
        ck_assert_int_eq(tu_int(s, "SELECT (SELECT group_concat(criterion, ',') FROM (SELECT"
                                   " criterion FROM result_scores WHERE run = 1 AND model = 1"
                                   " ORDER BY pos)) = 'hq,aa'"), 1);
        dvk_error err;
        ck_assert_int_eq(dvk_store_run_digest(s, 1, digest[i], &err), DVK_OK);
        finalize(s);
        char *msg = NULL;
        ck_assert_int_ne(sqlite3_exec(dvk_store_db(s), "DELETE FROM result_scores_packed",
                                      NULL, NULL, &msg), SQLITE_OK);
        ck_assert_msg(msg && strstr(msg, "run is final"), "%s", msg ? msg : "");
        sqlite3_free(msg);
        dvk_store_close(s);
        tu_rmdir(dirs[i]);
        free(dirs[i]);
    }
    ck_assert_str_eq(digest[0], digest[1]);
}
END_TEST

/* The packed format is the documented one (scores.h), byte for byte, and every double comes
 * back with the same bits: -0.0, a subnormal, 0.1 + 0.2, NaN's payload. */
START_TEST(scores_pack_exact)
{
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_scores_begin(&b), 0);
    ck_assert_int_eq(dvk_scores_pack(&b, "a", 1.0, 2.0, NULL, 3), 0);
    static const unsigned char want[] = {
        0x01,                                                   /* version */
        0x01, 0x00, 0x00, 0x00, 'a',                            /* criterion */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,         /* 1.0 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,         /* 2.0 */
        0xff, 0xff, 0xff, 0xff,                                 /* no note */
        0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,         /* pos */
    };
    ck_assert_uint_eq(b.len, sizeof want);
    ck_assert_int_eq(memcmp(b.p, want, sizeof want), 0);
    volatile double tenth = 0.1, fifth = 0.2;
    const double pts[] = {-0.0, 4.9e-324, tenth + fifth, DBL_MAX, NAN, -1.0 / 3};
    const char *notes[] = {"", "ghi chú \xe2\x80\x94 đạt", NULL, "x", NULL, "n"};
    const long long pos[] = {0, -1, (long long)1 << 40, INT64_MAX, INT64_MIN, 7};
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(dvk_scores_pack(&b, i % 2 ? "tiêu-chí" : "hq", pts[i], 100 - i, notes[i], pos[i]), 0);
    /* read from a copy of exactly its size: a read past the end is a sanitizer error */
    unsigned char *copy = malloc(b.len);
    memcpy(copy, b.p, b.len);
    dvk_scores_iter it;
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_scores_open(&it, copy, b.len, &err), DVK_OK);
    dvk_score sc;
    ck_assert_int_eq(dvk_scores_next(&it, &sc, &err), 1);
    ck_assert(sc.criterion_len == 1 && sc.criterion[0] == 'a' && sc.points == 1.0 && sc.max == 2.0);
    ck_assert(sc.note == NULL && sc.pos == 3);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(dvk_scores_next(&it, &sc, &err), 1);
        const char *crit = i % 2 ? "tiêu-chí" : "hq";
        ck_assert_uint_eq(sc.criterion_len, strlen(crit));
        ck_assert_int_eq(memcmp(sc.criterion, crit, strlen(crit)), 0);
        ck_assert_int_eq(memcmp(&sc.points, &pts[i], sizeof(double)), 0);
        ck_assert(sc.max == 100 - i);
        if (notes[i]) {
            ck_assert_ptr_nonnull(sc.note);
            ck_assert_uint_eq(sc.note_len, strlen(notes[i]));
            ck_assert_int_eq(memcmp(sc.note, notes[i], sc.note_len), 0);
        } else {
            ck_assert_ptr_null(sc.note);
        }
        ck_assert(sc.pos == pos[i]);
    }
    ck_assert_int_eq(dvk_scores_next(&it, &sc, &err), 0);
    ck_assert_int_eq(dvk_scores_count(copy, b.len, &err), 7);
    free(copy);
    dvk_buf_free(&b);
}
END_TEST

/* A blob is input that may have been edited: a prefix that cuts an entry, another version,
 * a length beyond the end (up to 2^32 - 1) is refused, and nothing is read past the blob. */
START_TEST(scores_malformed_refused)
{
    dvk_buf b = DVK_BUF_INIT;
    dvk_scores_begin(&b);
    size_t ends[3];
    ends[0] = b.len;
    dvk_scores_pack(&b, "hq", 30, 30, "tốt", 0);
    ends[1] = b.len;
    dvk_scores_pack(&b, "b", 5, 10, NULL, 1);
    ends[2] = b.len;
    dvk_error err;
    for (size_t n = 0; n <= b.len; n++) {
        unsigned char *copy = malloc(n ? n : 1);
        memcpy(copy, b.p, n);
        dvk_error_clear(&err);
        long long want = -1;
        for (int k = 0; k < 3; k++)
            if (n == ends[k])
                want = k;
        ck_assert_msg(dvk_scores_count(copy, n, &err) == want, "prefix of %zu bytes", n);
        if (want < 0)
            ck_assert_int_eq(err.code, DVK_EDATA);
        free(copy);
    }
    unsigned char bad[256];
    ck_assert_uint_le(b.len, sizeof bad);
    memcpy(bad, b.p, b.len);
    bad[0] = 2;   /* another version */
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_scores_count(bad, b.len, &err), -1);
    ck_assert_msg(strstr(err.msg, "version 2"), "%s", err.msg);
    const uint32_t huge[] = {0xffffffffu, 0xfffffffeu, 0x7fffffffu, 0x80000000u, 200};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        for (int field = 0; field < 2; field++) {   /* the criterion's length, the note's */
            memcpy(bad, b.p, b.len);
            size_t at = field == 0 ? 1 : 1 + 4 + 2 + 16;
            for (int k = 0; k < 4; k++)
                bad[at + k] = (unsigned char)(huge[i] >> (8 * k));
            unsigned char *copy = malloc(b.len);
            memcpy(copy, bad, b.len);
            dvk_error_clear(&err);
            ck_assert_msg(dvk_scores_count(copy, b.len, &err) == -1, "length %u at %zu", huge[i], at);
            free(copy);
        }
    }
    /* random bytes changed (a fixed sequence, the same every run): every entry read stays
     * inside the blob (each copy has exactly its size: a sanitizer sees any read past it) */
    unsigned long long seed = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 20000; round++) {
        unsigned char *copy = malloc(b.len);
        memcpy(copy, b.p, b.len);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            copy[(seed >> 33) % b.len] = (unsigned char)(seed >> 17);
        }
        size_t n = round % 3 ? b.len : (size_t)(seed >> 40) % (b.len + 1);
        dvk_scores_iter it2;
        dvk_score sc2;
        dvk_error_clear(&err);
        if (dvk_scores_open(&it2, copy, n, &err) == DVK_OK) {
            int r2;
            while ((r2 = dvk_scores_next(&it2, &sc2, &err)) == 1) {
                ck_assert((const unsigned char *)sc2.criterion + sc2.criterion_len <= copy + n);
                ck_assert(!sc2.note || (const unsigned char *)sc2.note + sc2.note_len <= copy + n);
            }
            ck_assert_int_eq(dvk_scores_next(&it2, &sc2, &err), 0);   /* stays at the end */
        }
        free(copy);
    }
    /* through SQL: an error, never a partial list; NULL and the version byte alone: no row */
    char *dir;
    dvk_store *s = tu_store(&dir);
    sqlite3 *db = dvk_store_db(s);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM dvk_scores(?1)", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_blob(st, 1, b.p, (int)b.len, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 2);
    sqlite3_reset(st);
    sqlite3_bind_blob(st, 1, b.p, (int)b.len - 1, SQLITE_STATIC);
    ck_assert_int_ne(sqlite3_step(st), SQLITE_ROW);
    ck_assert_msg(strstr(sqlite3_errmsg(db), "packed scores"), "%s", sqlite3_errmsg(db));
    sqlite3_reset(st);
    sqlite3_bind_null(st, 1);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 0);
    sqlite3_reset(st);
    sqlite3_bind_blob(st, 1, b.p, 1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    ck_assert_int_ne(sqlite3_exec(db, "SELECT * FROM dvk_scores", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING dvk_scores", NULL, NULL, NULL), SQLITE_OK);
    /* the view is read-only */
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO result_scores VALUES (1,1,'a',1,1,NULL,0)", NULL, NULL, NULL),
                     SQLITE_OK);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
    dvk_buf_free(&b);
}
END_TEST

/* Migration 6: a version-5 file's score rows become each model's packed scores, in pos
 * order, with the same bits; a run made final at version 5 keeps its digest (dvk verify
 * passes), the rows read back through result_scores are the same text, and the final run's
 * scores still cannot be changed. */
START_TEST(migrates_scores_packed)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    seed(s);
    tu_store_to_v5(s);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'result_scores'"), 1);
    /* pos not in the key's order; doubles that print long; a note '' beside NULL */
    exec_ok(s, "INSERT INTO result_scores(run,model,criterion,points,max,note,pos) VALUES"
               " (1,1,'x',0.1 + 0.2,1.0 / 3,'ghi chú',2), (1,1,'b',4.9e-324,1e308,'',1)");
    finalize(s);   /* at version 5: the digest over the table */
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_msg(dvk_store_verify(s, &err) == DVK_OK, "%s", err.msg);
    static const char *const rows =
        "SELECT group_concat(quote(run)||'|'||quote(model)||'|'||quote(criterion)||'|'||quote(points)"
        "||'|'||quote(max)||'|'||quote(note)||'|'||quote(pos), ';') FROM (SELECT * FROM result_scores"
        " ORDER BY run, model, pos)";
    sqlite3_stmt *st = dvk_store_prepare(s, rows, &err);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    char *before = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    char *path = strdup(dvk_store_path(s));
    dvk_store_close(s);
    s = dvk_store_open(path, 0, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_store_version(s), DVK_SCHEMA_VERSION);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'result_scores'"
                               " OR name LIKE 'scores_final%'"), 0);
    st = dvk_store_prepare(s, rows, &err);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), before);
    sqlite3_finalize(st);
    ck_assert_int_eq(tu_int(s, "SELECT points = 0.1 + 0.2 AND max = 1.0 / 3 FROM result_scores WHERE criterion = 'x'"), 1);
    ck_assert_int_eq(tu_int(s, "SELECT (SELECT group_concat(criterion) FROM dvk_scores(scores)) = 'hq,b,x'"
                               " FROM result_scores_packed WHERE run = 1 AND model = 1"), 1);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) = 0 FROM result_scores_packed WHERE run = 1 AND model = 2"), 1);
    dvk_error_clear(&err);
    ck_assert_msg(dvk_store_verify(s, &err) == DVK_OK, "%s", err.msg);
    char digest[65];
    ck_assert_int_eq(dvk_store_run_digest(s, 1, digest, &err), DVK_OK);
    st = dvk_store_prepare(s, "SELECT digest FROM runs WHERE id = 1", &err);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), digest);
    sqlite3_finalize(st);
    char *msg = NULL;
    ck_assert_int_ne(sqlite3_exec(dvk_store_db(s), "DELETE FROM result_scores_packed WHERE run = 1",
                                  NULL, NULL, &msg), SQLITE_OK);
    ck_assert_msg(msg && strstr(msg, "run is final"), "%s", msg ? msg : "");
    sqlite3_free(msg);
    dvk_store_close(s);
    /* read-only opens see the same rows */
    s = dvk_store_open(path, DVK_STORE_READONLY, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    st = dvk_store_prepare(s, rows, &err);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), before);
    sqlite3_finalize(st);
    dvk_store_close(s);
    free(before);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* Behind the triggers' back, a final run's scores given to another model, removed, one byte
 * changed or cut short: verify names the run. */
START_TEST(verify_detects_scores_tampering)
{
    const char *edits[] = {
        "INSERT INTO result_scores_packed SELECT 1, 2, scores FROM result_scores_packed"
        " WHERE run = 1 AND model = 1",
        "DELETE FROM result_scores_packed WHERE run = 1 AND model = 1",
        /* 30 points become 31: the top byte of the double, 0x3e, made 0x3f */
        "UPDATE result_scores_packed SET scores = CAST(substr(scores, 1, 13) || X'3f' || substr(scores, 15) AS BLOB)"
        " WHERE run = 1 AND model = 1",
        "UPDATE result_scores_packed SET scores = substr(scores, 1, length(scores) - 1) WHERE run = 1 AND model = 1",
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *dir;
        dvk_store *s = tu_store(&dir);
        seed(s);
        finalize(s);
        exec_ok(s, "DROP TRIGGER packed_final_insert; DROP TRIGGER packed_final_update;"
                   " DROP TRIGGER packed_final_delete");
        exec_ok(s, edits[i]);
        dvk_error err;
        dvk_error_clear(&err);
        ck_assert_msg(dvk_store_verify(s, &err) == DVK_EDATA, "not seen: %s", edits[i]);
        ck_assert_msg(strstr(err.msg, "run 1") || strstr(err.msg, "packed scores"), "%s", err.msg);
        dvk_store_close(s);
        tu_rmdir(dir);
        free(dir);
    }
}
END_TEST

START_TEST(revocations_immutable)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    seed(s);
    finalize(s);
    exec_ok(s, "INSERT INTO revocations(run,model,decision_number,decision_date,reason,at)"
               " VALUES (1,1,'7/QĐ','2024-03-01','sai phạm','2024-03-01T00:00:00Z')");
    const char *attempts[] = {
        "UPDATE revocations SET reason = 'x'",
        "UPDATE revocations SET model = NULL",
        "DELETE FROM revocations",
    };
    expect_refused(s, attempts, sizeof attempts / sizeof attempts[0],
                   "revocation cannot be changed", NULL);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM revocations WHERE reason = 'sai phạm'"), 1);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(missing_file_without_create)
{
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "none.db");
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_ptr_null(dvk_store_open(path, 0, &err));
    ck_assert_int_eq(err.code, DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "dvk init") != NULL, "%s", err.msg);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(newer_schema_refused)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    exec_ok(s, "PRAGMA user_version = 99");
    char *path = strdup(dvk_store_path(s));
    dvk_store_close(s);
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_ptr_null(dvk_store_open(path, DVK_STORE_CREATE, &err));
    ck_assert_int_eq(err.code, DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "newer dvk") != NULL, "%s", err.msg);
    free(path);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(foreign_files_refused)
{
    char *dir = tu_tmpdir();
    char *text = tu_path(dir, "text.db"), *other = tu_path(dir, "other.db");
    tu_write(text, "this is not a database, just text that is long enough to look like a header\n", (size_t)-1);
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_ptr_null(dvk_store_open(text, DVK_STORE_CREATE, &err));
    ck_assert_int_eq(err.code, DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "text.db") != NULL, "%s", err.msg);
    /* An SQLite file of another program stays untouched. */
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(other, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    dvk_error_clear(&err);
    ck_assert_ptr_null(dvk_store_open(other, DVK_STORE_CREATE, &err));
    ck_assert_msg(strstr(err.msg, "not a dvk database") != NULL, "%s", err.msg);
    /* ... not even switched to WAL. */
    ck_assert_int_eq(sqlite3_open(other, &db), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "delete");
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(text);
    free(other);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(final_run_immutable)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    seed(s);
    finalize(s);
    sqlite3 *db = dvk_store_db(s);
    long long packed = tu_int(s, "SELECT count(*) FROM result_scores_packed WHERE run = 1");
    const char *attempts[] = {
        "UPDATE results SET outcome = 'dien-hinh' WHERE run = 1",
        "DELETE FROM results WHERE run = 1",
        "INSERT INTO results(run,model,eligible,total,outcome,outcome_index,recognised,exemplary,proposed)"
        " VALUES (1,2,1,99,'x',0,1,1,1)",
        "DELETE FROM result_scores_packed WHERE run = 1",
        "INSERT INTO result_scores_packed VALUES (1, 2, (SELECT dvk_scores_pack('hq',9,30,NULL,0)))",
        "UPDATE result_scores_packed SET scores = (SELECT dvk_scores_pack('hq',0,30,NULL,0)) WHERE run = 1 AND model = 1",
        "UPDATE result_scores_packed SET scores = substr(scores, 1, 5) || X'00' || substr(scores, 7) WHERE run = 1",
        /* migration 8: the insert trigger FAILs (no statement journal): still no row, the
         * first refused as well as later ones, and OR REPLACE meets the trigger first */
        "INSERT INTO result_scores_packed VALUES (1, 3, (SELECT dvk_scores_pack('hq',9,30,NULL,0))),"
        " (1, 4, (SELECT dvk_scores_pack('hq',9,30,NULL,0)))",
        "INSERT OR REPLACE INTO result_scores_packed VALUES (1, 1, (SELECT dvk_scores_pack('hq',0,30,NULL,0)))",
        "INSERT OR IGNORE INTO result_scores_packed VALUES (1, 5, (SELECT dvk_scores_pack('hq',9,30,NULL,0)))",
        "UPDATE runs SET status = 'draft' WHERE id = 1",
        "DELETE FROM runs WHERE id = 1",
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
    };
    expect_refused(s, attempts, sizeof attempts / sizeof attempts[0], "final", "audit log");
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM result_scores_packed WHERE run = 1"), packed);
    /* the packed scores' run is still a foreign key (deferred since migration 8: checked when
     * the statement's transaction commits) */
    char *msg = NULL;
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO result_scores_packed VALUES (99, 1,"
                                      " (SELECT dvk_scores_pack('hq',9,30,NULL,0)))", NULL, NULL, &msg),
                     SQLITE_OK);
    ck_assert_msg(msg && strstr(msg, "FOREIGN KEY"), "%s", msg ? msg : "(no message)");
    sqlite3_free(msg);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM result_scores_packed WHERE run = 99"), 0);
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_OK);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(verify_detects_tampering)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    seed(s);
    finalize(s);
    dvk_error err;
    /* Remove the triggers and edit a final result: verify names the run. */
    exec_ok(s, "DROP TRIGGER results_final_update; UPDATE results SET outcome = 'dien-hinh', total = 99 "
               "WHERE run = 1 AND model = 2");
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "run 1 was altered") != NULL, "%s", err.msg);
    /* Undo, then forge the digest too: the chained finalize record no longer matches. */
    exec_ok(s, "UPDATE results SET outcome = 'khong', total = 60 WHERE run = 1 AND model = 2");
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_OK);
    exec_ok(s, "DROP TRIGGER runs_final_update; UPDATE runs SET digest = 'forged' WHERE id = 1");
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_EDATA);
    /* Editing the audit log itself breaks the chain. */
    exec_ok(s, "DROP TRIGGER audit_no_update; UPDATE audit_log SET actor = 'mallory'");
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "audit chain broken at record 1") != NULL, "%s", err.msg);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(audit_chain_links)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_begin(s, &err), DVK_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(dvk_store_audit(s, "import", "{\"rows\":1}", &err), DVK_OK);
    ck_assert_int_eq(dvk_store_commit(s, &err), DVK_OK);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.id = a.id + 1 "
                               "WHERE b.prev_hash = a.hash"), 2);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_OK);
    /* Deleting the last record (with the trigger gone) is not detected by the chain itself,
     * but deleting one in the middle is. */
    exec_ok(s, "DROP TRIGGER audit_no_delete; DELETE FROM audit_log WHERE id = 2");
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_EDATA);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(busy_is_reported)
{
    char *dir;
    dvk_store *a = tu_store(&dir);
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *b = dvk_store_open(dvk_store_path(a), 0, &err);
    ck_assert_ptr_nonnull(b);
    sqlite3_busy_timeout(dvk_store_db(b), 100); /* keep the test short */
    ck_assert_int_eq(dvk_store_begin(a, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_begin(b, &err), DVK_EBUSY);
    ck_assert_msg(strstr(err.msg, "database is busy") != NULL, "%s", err.msg);
    dvk_store_rollback(a);
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_begin(b, &err), DVK_OK);
    dvk_store_rollback(b);
    dvk_store_close(b);
    dvk_store_close(a);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(sha256_vectors)
{
    char hex[65];
    dvk_sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    dvk_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    dvk_sha256_hex(two, strlen(two), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* Fed in uneven pieces, the same as in one go. */
    dvk_sha256 c;
    dvk_sha256_init(&c);
    char million[1001];
    memset(million, 'a', sizeof million);
    for (int i = 0; i < 1000; i++)
        dvk_sha256_update(&c, million, i % 2 ? 999 : 1001);
    dvk_sha256_final_hex(&c, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(fingerprint_inputs)
{
    const char *d = "20dd9177a0307c67de0c53bd789dff4bc7ffb64b677a8dc9c1cab903accc5f6a";
    const char *h = "12caa59bbed8030e31e698d4e9b86f6979df8b724b7c5cca8c6b5624aff0356e";
    char a[DVK_FINGERPRINT_SIZE], b[DVK_FINGERPRINT_SIZE], want[65], text[200];
    ck_assert_int_eq(dvk_store_fingerprint(d, 3, h, a), 0);
    ck_assert_int_eq(dvk_store_fingerprint(d, 3, h, b), 0);
    ck_assert_str_eq(a, b);   /* the same inputs, the same fingerprint */
    /* the first 16 hex digits of SHA-256("DIGEST\nCOUNT\nHEAD\n"), grouped by four */
    snprintf(text, sizeof text, "%s\n3\n%s\n", d, h);
    dvk_sha256_hex(text, strlen(text), want);
    ck_assert_int_eq(strlen(a), 19);
    for (int i = 0, j = 0; i < 19; i++)
        if (i % 5 == 4)
            ck_assert_int_eq(a[i], '-');
        else
            ck_assert_int_eq(a[i], want[j++]);
    /* any input changed: another fingerprint */
    char d2[65], h2[65];
    memcpy(d2, d, 65);
    memcpy(h2, h, 65);
    d2[63] = d2[63] == 'a' ? 'b' : 'a';
    h2[0] = h2[0] == '1' ? '2' : '1';
    ck_assert_int_eq(dvk_store_fingerprint(d2, 3, h, b), 0);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(dvk_store_fingerprint(d, 4, h, b), 0);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(dvk_store_fingerprint(d, 2, h, b), 0);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(dvk_store_fingerprint(d, 3, h2, b), 0);
    ck_assert_str_ne(a, b);
}
END_TEST

/* The receipt of the seeded final run, as a malloc'd string. */
static char *receipt_of(dvk_store *s)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_store_receipt(s, 1, &b, &err), DVK_OK);
    return dvk_buf_take(&b, NULL);
}

START_TEST(receipt_round_trip)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    dvk_error err;
    dvk_error_clear(&err);
    seed(s);
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_store_receipt(s, 1, &b, &err), DVK_EDATA);   /* a draft */
    ck_assert_msg(strstr(err.msg, "draft") != NULL, "%s", err.msg);
    dvk_buf_free(&b);
    ck_assert_int_eq(dvk_store_begin(s, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_audit(s, "import", "{\"rows\":2}", &err), DVK_OK);
    ck_assert_int_eq(dvk_store_commit(s, &err), DVK_OK);
    long long count;
    char head[65];
    ck_assert_int_eq(dvk_store_audit_tail(s, &count, head, &err), DVK_OK);
    ck_assert_int_eq(count, 1);
    finalize(s);
    dvk_store_seal seal;
    ck_assert_int_eq(dvk_store_seal_of(s, 1, &seal, &err), DVK_OK);
    ck_assert_int_eq(seal.count, 1);
    ck_assert_int_eq(seal.record, 2);
    ck_assert_str_eq(seal.head, head);
    char digest[65], fp[DVK_FINGERPRINT_SIZE];
    ck_assert_int_eq(dvk_store_run_digest(s, 1, digest, &err), DVK_OK);
    ck_assert_str_eq(seal.digest, digest);
    ck_assert_int_eq(dvk_store_fingerprint(digest, 1, head, fp), 0);
    ck_assert_str_eq(seal.fingerprint, fp);
    char *text = receipt_of(s);
    dvk_store_seal got;
    ck_assert_int_eq(dvk_store_verify_receipt(s, "r.json", text, strlen(text), &got, &err), DVK_OK);
    ck_assert_str_eq(got.fingerprint, fp);
    ck_assert_int_eq(got.run, 1);
    /* Later records do not matter. */
    ck_assert_int_eq(dvk_store_begin(s, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_audit(s, "import", "{\"rows\":3}", &err), DVK_OK);
    ck_assert_int_eq(dvk_store_commit(s, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_verify_receipt(s, "r.json", text, strlen(text), NULL, &err), DVK_OK);
    /* A receipt with one character changed is refused: its fingerprint no longer matches. */
    char *digit = strstr(text, "\"digest\": \"") + 11, was = *digit;
    *digit = was == '0' ? '1' : '0';
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_store_verify_receipt(s, "r.json", text, strlen(text), NULL, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "r.json: the receipt's fingerprint") != NULL, "%s", err.msg);
    *digit = was;
    /* Not JSON, and a field of the wrong type. */
    ck_assert_int_eq(dvk_store_verify_receipt(s, "r.json", "{", 1, NULL, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "not a dvk receipt") != NULL, "%s", err.msg);
    char *bad = strdup(text);
    memcpy(strstr(bad, "\"year\": 2023"), "\"year\":\"202\"", 12);
    ck_assert_int_eq(dvk_store_verify_receipt(s, "r.json", bad, strlen(bad), NULL, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "\"year\" is text; an integer expected") != NULL, "%s", err.msg);
    free(bad);
    /* The log's end removed and the run set back to draft: verify alone passes, the receipt
     * does not. */
    exec_ok(s, "DROP TRIGGER audit_no_delete; DROP TRIGGER runs_final_update;"
               "DELETE FROM audit_log WHERE id >= 2; UPDATE runs SET status = 'draft' WHERE id = 1");
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_verify_receipt(s, "r.json", text, strlen(text), NULL, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "run 1 is a draft") != NULL, "%s", err.msg);
    /* Finalized again by hand on the truncated log, results changed: the digest differs. */
    exec_ok(s, "DROP TRIGGER results_final_update; UPDATE results SET recognised = 1 WHERE run = 1");
    finalize(s);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_verify_receipt(s, "r.json", text, strlen(text), NULL, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "results are not those of the receipt") != NULL, "%s", err.msg);
    free(text);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(verify_checks_fingerprints)
{
    char *dir;
    dvk_store *s = tu_store(&dir);
    dvk_error err;
    dvk_error_clear(&err);
    seed(s);
    finalize(s);
    dvk_store_seal seal;
    ck_assert_int_eq(dvk_store_seal_of(s, 1, &seal, &err), DVK_OK);
    /* A chained finalize record whose fingerprint is not the one its digest and place give
     * (a forger's re-chained log written carelessly) fails verify. */
    char detail[300];
    snprintf(detail, sizeof detail, "{\"run\":1,\"digest\":\"%s\",\"fingerprint\":\"%s\"}", seal.digest,
             seal.fingerprint);
    ck_assert_int_eq(dvk_store_begin(s, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_audit(s, "finalize", detail, &err), DVK_OK);   /* record 2, count 1 */
    ck_assert_int_eq(dvk_store_commit(s, &err), DVK_OK);
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "audit record 2 (finalize) holds the fingerprint") != NULL, "%s", err.msg);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, creates_schema);
    tcase_add_test(tc, migrates_v1_to_v2);
    tcase_add_test(tc, migrates_model_indexes);
    tcase_add_test(tc, migrates_packed_deferred);
    tcase_add_test(tc, keeps_page_size);
    tcase_add_test(tc, migrates_appraisals_to_levels);
    tcase_add_test(tc, migrates_results_without_rowid);
    tcase_add_test(tc, migrates_scores_packed);
    tcase_add_test(tc, scores_pack_exact);
    tcase_add_test(tc, scores_malformed_refused);
    tcase_add_test(tc, verify_detects_scores_tampering);
    tcase_add_test(tc, revocations_immutable);
    tcase_add_test(tc, missing_file_without_create);
    tcase_add_test(tc, newer_schema_refused);
    tcase_add_test(tc, foreign_files_refused);
    tcase_add_test(tc, final_run_immutable);
    tcase_add_test(tc, verify_detects_tampering);
    tcase_add_test(tc, audit_chain_links);
    tcase_add_test(tc, busy_is_reported);
    tcase_add_test(tc, sha256_vectors);
    tcase_add_test(tc, fingerprint_inputs);
    tcase_add_test(tc, receipt_round_trip);
    tcase_add_test(tc, verify_checks_fingerprints);
    suite_add_tcase(s, tc);
    return s;
}
