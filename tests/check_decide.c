/* check_decide.c: the decision pipeline: candidates, gates, ranks, quotas (global and per
 * unit) with their reasons, proposals feeding the next level, --unit scope, dry runs,
 * byte-identical re-runs, a script error writing nothing, finalize, diff. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dvk/decide.h"
#include "dvk/runs.h"
#include "dvk/units.h"
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
    /* finalize keeps the scripts a run was decided with, from the default scripts folder */
    setenv("DVK_SCRIPTS", scripts, 1);
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

/* text with the one occurrence of from replaced by to (malloc'd); the test fails when from
 * is not in text exactly once: a one-line `sed` of the province script. */
static char *replaced(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    ck_assert_msg(at && !strstr(at + 1, from), "'%s' is not in the script once", from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *r = malloc(n);
    ck_assert_ptr_nonnull(r);
    snprintf(r, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return r;
}

/* PROVINCE with edits applied in turn (pairs from, to; NULL ends), written as tp.lua. */
static void write_edited(const char *from, ...)
{
    va_list ap;
    va_start(ap, from);
    char *text = strdup(PROVINCE);
    for (const char *f = from; f; f = va_arg(ap, const char *)) {
        char *next = replaced(text, f, va_arg(ap, const char *));
        free(text);
        text = next;
    }
    va_end(ap);
    write_province(text);
    free(text);
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

/* Each candidate's notes are its own: the notes' memory is reused from model to model
 * (issue 15), so a model without a note, or with a shorter one, after one with a longer
 * note keeps nothing of it; numbers print as tostring writes them. */
START_TEST(test_notes_per_model)
{
    write_edited("return m.metrics.a or 0, 'a' end",
                 "return m.metrics.a or 0, ({H1 = 'một ghi chú dài', H2 = 'ngắn', K1 = 7,"
                 " K2 = 2.5})[m.code] end", NULL);
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    expect_text("SELECT group_concat(m.code || '=' || coalesce(s.note, '-'), ' ') FROM"
                " result_scores s JOIN models m ON m.id = s.model WHERE s.criterion = 'a'"
                " ORDER BY m.code", "H1=một ghi chú dài H2=ngắn H3=- K1=7 K2=2.5");
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
    char *dt = dvk_runs_diff_text(store, 1, 2, &changed, &err);
    ck_assert_ptr_nonnull(dt);
    free(dt);
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
    dt = dvk_runs_diff_text(store, 2, 3, &changed, &err);
    ck_assert_ptr_nonnull(dt);
    free(dt);
    /* H2 and K1 drop to ok; H1 (90) stays; H3 stays ok, now by the threshold: its quota
     * reason is gone */
    ck_assert_int_eq(changed, 3);
}
END_TEST

/* Sets the interrupt flag (ud) when the candidates are all read: a Ctrl-C that comes while
 * the quotas, ranks and results are SQL statements of the run. */
static void interrupt_at_end(void *ud, long long done, long long total)
{
    if (done == total)
        *(volatile sig_atomic_t *)ud = 1;
}

START_TEST(test_interrupt_after_reading)
{
    /* The statement running stops (SQLite's progress handler sees the flag), the run is
     * rolled back: no run, no audit record, no temporary table; the same run without the
     * flag is decided. */
    volatile sig_atomic_t flag = 0;
    long long runs = tu_int(store, "SELECT count(*) FROM runs");
    long long audit = tu_int(store, "SELECT count(*) FROM audit_log");
    dvk_decide_opts o;
    memset(&o, 0, sizeof o);
    o.province = "tp";
    o.year = 2023;
    o.level = "huyen";
    o.interrupted = &flag;
    o.progress = interrupt_at_end;
    o.progress_ud = (void *)&flag;
    dvk_decide_summary sum;
    memset(&sum, 0, sizeof sum);
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_decide(store, scripts, &o, &sum, &err), DVK_EINTR);
    ck_assert_int_eq(flag, 1);
    ck_assert_msg(strstr(err.msg, "interrupted while") && strstr(err.msg, "nothing written"),
                  "%s", err.msg);
    ck_assert_int_eq(sum.run, 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs"), runs);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM audit_log"), audit);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM temp.sqlite_master WHERE type = 'table'"), 0);
    ck_assert_int_eq(sqlite3_get_autocommit(dvk_store_db(store)), 1);
    flag = 0;
    o.progress = NULL;
    dvk_error_clear(&err);
    ck_assert_msg(dvk_decide(store, scripts, &o, &sum, &err) == DVK_OK, "%s", err.msg);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs"), runs + 1);
}
END_TEST

START_TEST(test_dry_run_writes_nothing)
{
    /* A dry run ranks and applies the quotas in temporary tables of its own (rolled back):
     * nothing reaches the database's files, and no table is left behind. */
    dvk_decide_summary sum;
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", dvk_store_path(store));
    struct stat db0, wal0, db1, wal1;
    memset(&wal0, 0, sizeof wal0);
    memset(&wal1, 0, sizeof wal1);
    ck_assert_int_eq(stat(dvk_store_path(store), &db0), 0);
    stat(wal, &wal0);
    decide("huyen", NULL, 1, &sum);
    ck_assert_int_eq(sum.run, 0);
    ck_assert_int_eq(sum.candidates, 6);
    ck_assert_int_eq(sum.demoted, 1);
    ck_assert_int_eq(stat(dvk_store_path(store), &db1), 0);
    stat(wal, &wal1);
    ck_assert(db1.st_size == db0.st_size && db1.st_mtime == db0.st_mtime);
    ck_assert(wal1.st_size == wal0.st_size);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM audit_log WHERE action = 'decide'"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM temp.sqlite_master WHERE type = 'table'"), 0);
    /* the same run for real: the same counts, its tables gone after the commit too */
    dvk_decide_summary real;
    decide("huyen", NULL, 0, &real);
    ck_assert_int_eq(real.candidates, sum.candidates);
    ck_assert_int_eq(real.demoted, sum.demoted);
    ck_assert_int_eq(real.eligible, sum.eligible);
    for (int i = 0; i < sum.noutcomes; i++)
        ck_assert_int_eq(real.outcome_count[i], sum.outcome_count[i]);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM temp.sqlite_master WHERE type = 'table'"), 0);
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

/* The frozen record (issue 12): finalize copies the run's models, units, appraisals and
 * scripts; a final run is explained from it whatever the live tables say later, a draft
 * from the live tables; the recorded scripts are written back byte for byte and compared
 * with today's; an edited frozen row fails verify naming the run and the model. */
START_TEST(test_frozen_record)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_runs_source(store, 1, &err), 0);
    const dvk_finalize_opts o = {.scripts_dir = scripts};
    ck_assert_msg(dvk_runs_finalize_opts(store, 1, "12", "2023-12-20", "t", &o, &err) == DVK_OK, "%s", err.msg);
    ck_assert_int_eq(dvk_runs_source(store, 1, &err), 1);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM run_models WHERE run = 1"),
                     tu_int(store, "SELECT count(*) FROM results WHERE run = 1"));
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM run_units WHERE run = 1"), 3);
    expect_text("SELECT group_concat(path) FROM run_scripts WHERE run = 1 AND path LIKE 'scripts/provinces/%'",
                "scripts/provinces/tp.lua");
    /* the folder has no lib/: the installed library its reports would use is kept too */
    expect_text("SELECT count(*) > 0 FROM run_scripts WHERE run = 1 AND path = 'scripts/lib/chung.lua'", "1");
    /* the live model renamed and moved: the final run still shows what it was made with */
    exec_sql("UPDATE models SET name = 'Tên mới', address = NULL WHERE code = 'H1';"
             "UPDATE units SET name = 'Huyện Mới' WHERE code = 'tp/h'");
    decide("huyen", NULL, 0, &sum);   /* run 2, a draft: today's data */
    dvk_run_explain e;
    ck_assert_int_eq(dvk_runs_explain(store, 1, "H1", &e, &err), DVK_OK);
    ck_assert_str_eq(e.results[0].name, "H1");
    dvk_run_explain_free(&e);
    ck_assert_int_eq(dvk_runs_explain(store, 2, "H1", &e, &err), DVK_OK);
    ck_assert_str_eq(e.results[0].name, "Tên mới");
    dvk_run_explain_free(&e);
    dvk_units *t = NULL;
    ck_assert_int_eq(dvk_units_load_run(store, 1, &t, &err), DVK_OK);
    ck_assert_str_eq(dvk_units_name(t, "tp/h"), "Huyện H");
    dvk_units_free(t);
    /* the recorded scripts, written back; today's compared */
    char d[4096], first[1024];
    int changed = -1;
    ck_assert_int_eq(dvk_runs_scripts_write(store, 1, scripts, d, &changed, first, &err), DVK_OK);
    ck_assert_int_eq(changed, 0);
    char *p = tu_path(d, "provinces/tp.lua");
    char *text = tu_read(p, NULL);
    ck_assert_str_eq(text, PROVINCE);
    free(text);
    free(p);
    dvk_runs_scripts_remove(d);
    struct stat sb;
    ck_assert_int_ne(stat(d, &sb), 0);
    write_province("return nil\n");
    ck_assert_int_eq(dvk_runs_scripts_compare(store, 1, scripts, &changed, first, &err), DVK_OK);
    ck_assert_int_eq(changed, 1);
    ck_assert_str_eq(first, "scripts/provinces/tp.lua");
    ck_assert_int_eq(dvk_runs_scripts_compare(store, 2, scripts, &changed, first, &err), DVK_EDATA);
    /* the record cannot be changed; behind the triggers' back, verify names the model */
    ck_assert_int_ne(sqlite3_exec(dvk_store_db(store), "UPDATE run_models SET name = 'X' WHERE run = 1",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(dvk_store_db(store), "INSERT INTO run_scripts VALUES (1, 'a', 'b', 'c')",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dvk_store_verify(store, &err), DVK_OK);
    sqlite3_db_config(dvk_store_db(store), SQLITE_DBCONFIG_DEFENSIVE, 0, (int *)NULL);
    exec_sql("DROP TRIGGER run_models_no_update; UPDATE run_models SET name = 'X' WHERE run = 1 AND code = 'K1'");
    ck_assert_int_eq(dvk_store_verify(store, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "run 1 ") && strstr(err.msg, "model K1"), "%s", err.msg);
}
END_TEST

/* A run made final, its file taken back to schema version 5 (score rows) and opened again
 * (migration 6 packs them into result_scores_packed): its explanations are the same bytes, its
 * digest the one version 5's rows give and the one recorded at finalize, dvk verify passes. */
START_TEST(test_scores_migrated)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    dvk_error err;
    dvk_error_clear(&err);
    const dvk_finalize_opts o = {.scripts_dir = scripts};
    ck_assert_msg(dvk_runs_finalize_opts(store, 1, "12", "2023-12-20", "t", &o, &err) == DVK_OK, "%s", err.msg);
    decide("huyen", NULL, 0, &sum);   /* run 2 stays a draft */
    /* the explanations as decided; the runs' digests over version 5's score rows */
    static const char *const codes[] = {"H1", "H2", "H3", "H4", "K1", "K2"};
    char *v5[2][6], digest[2][65];
    for (int run = 1; run <= 2; run++)
        for (int i = 0; i < 6; i++) {
            v5[run - 1][i] = dvk_runs_explain_text(store, run, codes[i], &err);
            ck_assert_msg(v5[run - 1][i] != NULL, "%s", err.msg);
        }
    tu_store_to_v5(store);
    /* 5 eligible candidates (H4 fails its gate) with 2 criteria, in each run */
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM main.result_scores"), 20);
    for (int run = 1; run <= 2; run++)
        ck_assert_int_eq(dvk_store_run_digest(store, run, digest[run - 1], &err), DVK_OK);
    expect_text("SELECT digest FROM runs WHERE id = 1", digest[0]);
    char *path = strdup(dvk_store_path(store));
    dvk_store_close(store);
    store = dvk_store_open(path, 0, &err);
    free(path);
    ck_assert_msg(store != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_store_version(store), DVK_SCHEMA_VERSION);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM result_scores"), 20);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM results r WHERE NOT EXISTS (SELECT 1"
                                   " FROM result_scores_packed p WHERE p.run = r.run AND p.model ="
                                   " r.model)"), 2);   /* H4 */
    for (int run = 1; run <= 2; run++) {
        for (int i = 0; i < 6; i++) {
            char *now = dvk_runs_explain_text(store, run, codes[i], &err);
            ck_assert_msg(now != NULL, "%s", err.msg);
            ck_assert_str_eq(now, v5[run - 1][i]);
            free(now);
            free(v5[run - 1][i]);
        }
        char d[65];
        ck_assert_int_eq(dvk_store_run_digest(store, run, d, &err), DVK_OK);
        ck_assert_str_eq(d, digest[run - 1]);
    }
    ck_assert_msg(dvk_store_verify(store, &err) == DVK_OK, "%s", err.msg);
    /* a new run of the same data stores the same scores as the migrated draft */
    decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM results r"
                                   " LEFT JOIN result_scores_packed a ON a.run = 2 AND a.model = r.model"
                                   " LEFT JOIN result_scores_packed b ON b.run = 3 AND b.model = r.model"
                                   " WHERE r.run = 2 AND a.scores IS b.scores"), 6);
}
END_TEST

/* decide keeps a digest of what it read; finalize refuses when it changed since, and
 * refuses a script that changed since, writing nothing. */
START_TEST(test_frozen_inputs)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    dvk_error err;
    dvk_error_clear(&err);
    char before[65], after[65], by_id[65];
    /* decide hashes the models as it reads them (model-code order); finalize reads them
     * back in that order: the same digest */
    ck_assert_int_eq(dvk_runs_inputs_digest(store, 1, 1, before, &err), DVK_OK);
    expect_text("SELECT json_extract(summary, '$.inputs') FROM runs WHERE id = 1", before);
    expect_text("SELECT json_extract(summary, '$.inputs_by') FROM runs WHERE id = 1", "code");
    ck_assert_int_eq(dvk_runs_inputs_digest(store, 1, 0, by_id, &err), DVK_OK);
    exec_sql("UPDATE models SET metrics = '{\"a\":1,\"b\":1}' WHERE code = 'K2'");
    ck_assert_int_eq(dvk_runs_inputs_digest(store, 1, 1, after, &err), DVK_OK);
    ck_assert_str_ne(before, after);
    const dvk_finalize_opts o = {.scripts_dir = scripts};
    ck_assert_int_eq(dvk_runs_finalize_opts(store, 1, "12", "2023-12-20", "t", &o, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "models changed since run 1 was decided; decide again"), "%s", err.msg);
    /* a model of another year is no input of the run */
    decide("huyen", NULL, 0, &sum);   /* run 2 */
    exec_sql("UPDATE models SET name = 'K3 mới' WHERE code = 'K3'");
    write_province("return nil\n");
    ck_assert_int_eq(dvk_runs_finalize_opts(store, 2, "12", "2023-12-20", "t", &o, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "scripts/provinces/tp.lua changed since run 2 was decided"), "%s", err.msg);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs WHERE status = 'final'"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM run_models"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM audit_log WHERE action = 'finalize'"), 0);
    write_province(PROVINCE);
    ck_assert_msg(dvk_runs_finalize_opts(store, 2, "12", "2023-12-20", "t", &o, &err) == DVK_OK, "%s", err.msg);
}
END_TEST

/* A draft decided by an earlier dvk holds a digest of its models in the order of their ids
 * and no "inputs_by": finalize checks it that way, and still refuses a changed model. */
START_TEST(test_inputs_by_id)
{
    dvk_decide_summary sum;
    /* ids not in code order, so that the two orders differ */
    exec_sql("UPDATE models SET id = id + 100 WHERE code = 'H1'");
    decide("huyen", NULL, 0, &sum);
    decide("huyen", NULL, 0, &sum);
    dvk_error err;
    dvk_error_clear(&err);
    char by_id[65], by_code[65];
    ck_assert_int_eq(dvk_runs_inputs_digest(store, 1, 0, by_id, &err), DVK_OK);
    ck_assert_int_eq(dvk_runs_inputs_digest(store, 1, 1, by_code, &err), DVK_OK);
    ck_assert_str_ne(by_id, by_code);
    for (int run = 1; run <= 2; run++) {
        char sql[256];
        snprintf(sql, sizeof sql, "UPDATE runs SET summary = json_set(json_remove(summary,"
                 " '$.inputs_by'), '$.inputs', '%s') WHERE id = %d", by_id, run);
        exec_sql(sql);
    }
    const dvk_finalize_opts o = {.flags = DVK_FINALIZE_SUPERSEDED, .scripts_dir = scripts};
    ck_assert_msg(dvk_runs_finalize_opts(store, 1, "12", "2023-12-20", "t", &o, &err) == DVK_OK,
                  "%s", err.msg);
    exec_sql("UPDATE models SET name = 'H2 mới' WHERE code = 'H2'");
    ck_assert_int_eq(dvk_runs_finalize_opts(store, 2, "13", "2023-12-20", "t", &o, &err),
                     DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "models changed since run 2 was decided"), "%s", err.msg);
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

/* Finalize refuses, writing nothing: a number that is not valid UTF-8 or holds a control or
 * invisible character, a date that does not exist, a superseded draft (unless
 * DVK_FINALIZE_SUPERSEDED), a date outside the run's year and the next (unless
 * DVK_FINALIZE_FORCE_DATE). */
START_TEST(test_finalize_guards)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    dvk_error err;
    int audit = tu_int(store, "SELECT count(*) FROM audit_log");
    static const struct {
        const char *number, *date, *msg;
    } bad[] = {
        {"125\xC3-QĐ", "2023-12-20", "the decision number is not valid UTF-8"},
        {"125\x1B[2J", "2023-12-20", "the decision number contains a control character (U+001B at byte 4)"},
        {"125\n126", "2023-12-20", "the decision number contains a control character (U+000A at byte 4)"},
        {"125\xE2\x80\xAE", "2023-12-20", "the decision number contains an invisible character (U+202E at byte 4: a bidirectional or zero-width mark)"},
        {"125", "2023-02-31", "the decision date 2023-02-31 is not a date (past the month's last day)"},
        {"125", "2023-13-01", "the decision date 2023-13-01 is not a date (no such month)"},
        {"125", "2022-12-20", "the decision date 2022-12-20 is outside 2023-2024"},
        {"125", "2025-01-02", "the decision date 2025-01-02 is outside 2023-2024"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(dvk_runs_finalize(store, 1, bad[i].number, bad[i].date, "t", &err), DVK_EDATA);
        ck_assert_msg(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0, "%zu: %s", i, err.msg);
    }
    /* a leap day is a date */
    ck_assert_int_eq(dvk_runs_finalize_with(store, 1, "1", "2024-02-30", "t", 0, &err), DVK_EDATA);
    expect_text("SELECT status || coalesce(decision_number, '-') FROM runs", "draft-");
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM audit_log"), audit);
    /* a newer run of the same scope supersedes run 1; another unit's run does not */
    decide("huyen", NULL, 0, &sum);
    decide("huyen", "tp/h", 0, &sum);
    ck_assert_int_eq(dvk_runs_finalize(store, 1, "125", "2023-12-20", "t", &err), DVK_EDATA);
    ck_assert_str_eq(err.msg, "run 1 is superseded: run 2 is newer for tp 2023 huyen (finalize "
                              "run 2, or give --superseded to finalize this one)");
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM audit_log"), audit + 2);
    ck_assert_int_eq(dvk_runs_finalize_with(store, 1, "125-QĐ/BDVTU", "2022-12-20", "t",
                                            DVK_FINALIZE_SUPERSEDED, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_runs_finalize_with(store, 1, "125-QĐ/BDVTU", "2022-12-20", "t",
                                            DVK_FINALIZE_SUPERSEDED | DVK_FINALIZE_FORCE_DATE,
                                            &err), DVK_OK);
    expect_text("SELECT decision_number || ' ' || decision_date FROM runs WHERE id = 1",
                "125-QĐ/BDVTU 2022-12-20");
    ck_assert_int_eq(dvk_runs_finalize(store, 3, "126", "2024-02-29", "t", &err), DVK_OK);
}
END_TEST

/* No candidates: refused, nothing stored, dry run or not. */
START_TEST(test_no_candidates)
{
    dvk_decide_opts o = {.province = "tp", .year = 2021, .level = "huyen"};
    dvk_decide_summary sum;
    dvk_error err;
    for (int dry = 0; dry < 2; dry++) {
        o.dry_run = dry;
        ck_assert_int_eq(dvk_decide(store, scripts, &o, &sum, &err), DVK_EDATA);
        ck_assert_str_eq(err.msg, "no candidates for tp 2021 huyen: nothing decided");
    }
    o.year = 2023;
    o.level = "tinh";   /* nothing registered at tinh, nothing proposed from huyen yet */
    o.unit = "tp/k";
    ck_assert_int_eq(dvk_decide(store, scripts, &o, &sum, &err), DVK_EDATA);
    ck_assert_str_eq(err.msg, "no candidates for tp 2023 tinh unit tp/k: nothing decided");
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs"), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM audit_log"), 0);
}
END_TEST

/* Council scores: once any model of the year has appraisals, an eligible candidate without
 * any is refused (named) unless allow_missing_scores; ineligible ones do not count. */
START_TEST(test_missing_scores)
{
    dvk_decide_opts o = {.province = "tp", .year = 2023, .level = "huyen"};
    dvk_decide_summary sum;
    dvk_error err;
    /* no appraisals at all: the province does not score by council this year */
    ck_assert_int_eq(dvk_decide(store, scripts, &o, &sum, &err), DVK_OK);
    ck_assert_int_eq(sum.missing_scores, 0);
    exec_sql("INSERT INTO appraisals(model, level, criterion, appraiser, score) SELECT id, level, 'a', 'X', 10"
             " FROM models WHERE code IN ('H1', 'K1')");
    for (int dry = 0; dry < 2; dry++) {
        o.dry_run = dry;
        ck_assert_int_eq(dvk_decide(store, scripts, &o, &sum, &err), DVK_EDATA);
        ck_assert_str_eq(err.msg, "3 eligible candidates of tp 2023 huyen have no council scores "
                                  "(appraisals) while other models of 2023 have some: H2, H3, K2; "
                                  "import their appraisals, or decide with "
                                  "--allow-missing-scores: nothing decided");
    }
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM runs"), 1);
    o.dry_run = 0;
    o.allow_missing_scores = 1;
    ck_assert_int_eq(dvk_decide(store, scripts, &o, &sum, &err), DVK_OK);
    ck_assert_int_eq(sum.missing_scores, 3);
    ck_assert_int_eq(sum.run, 2);
}
END_TEST

START_TEST(test_show_and_list)
{
    dvk_decide_summary sum;
    decide("huyen", "tp/h", 0, &sum);
    char *path = tu_path(dir, "out.txt");
    FILE *out = fopen(path, "w");
    dvk_error err;
    char *shown = dvk_runs_explain_text(store, 1, "H3", &err);
    ck_assert_ptr_nonnull(shown);
    fputs(shown, out);
    free(shown);
    dvk_run_list l;
    ck_assert_int_eq(dvk_runs_list(store, "tp", 2023, &l, &err), DVK_OK);
    dvk_buf lb = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_run_list_text(&l, &lb), 0);
    fputs(dvk_buf_str(&lb), out);
    dvk_buf_free(&lb);
    dvk_run_list_free(&l);
    ck_assert_ptr_null(dvk_runs_explain_text(store, 1, "K1", &err));
    ck_assert_int_eq(err.code, DVK_EDATA);
    fclose(out);
    char *s = tu_read(path, NULL);
    ck_assert_msg(strstr(s, "45 / 50   a\n") != NULL, "%s", s);
    ck_assert_msg(strstr(s, "reason: vượt chỉ tiêu 2 mô hình") != NULL, "%s", s);
    ck_assert_msg(strstr(s, "units with models in 2023 and no run:\n  tp/k") != NULL, "%s", s);
    free(s);
    free(path);
}
END_TEST

/* --unit b decides for the models of a unit merged into b (a.successor = b) too, as
 * dvk.models{unit = b} lists them; their per-unit quota counts under b, and the run covers
 * a in the list of units without a run. */
START_TEST(test_unit_scope_merged)
{
    exec_sql("INSERT INTO units(code, name, name_key, kind, parent, province, valid_to,"
             " successor) VALUES"
             " ('tp/b', 'Huyện B', 'huyen b', 'district', 'tp', 'tp', NULL, NULL),"
             " ('tp/a', 'Huyện A', 'huyen a', 'district', 'tp', 'tp', '2023-06-30', 'tp/b');"
             "INSERT INTO models(code, name, name_key, unit, province, kind, category, field,"
             " level, year, registration, address, metrics) VALUES"
             " ('B1', 'B1', 'b1', 'tp/b', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x',"
             " '{\"a\":45,\"b\":45}'),"
             " ('B2', 'B2', 'b2', 'tp/b', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x',"
             " '{\"a\":44,\"b\":44}'),"
             " ('A1', 'A1', 'a1', 'tp/a', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen', 2023, 'moi', 'x',"
             " '{\"a\":43,\"b\":43}');");
    dvk_decide_summary sum;
    decide("huyen", "tp/b", 0, &sum);
    ck_assert_int_eq(sum.candidates, 3);
    ck_assert_int_eq(sum.outcome_count[0], 2);   /* per-unit max 2: A1 counts under B */
    expect_text("SELECT outcome || ': ' || reason FROM results r JOIN models m ON m.id = r.model"
                " WHERE m.code = 'A1'",
                "ok: vượt chỉ tiêu 2 mô hình \"Tiêu biểu\" của Huyện B: xếp hạng 3 trong đơn vị, "
                "chuyển xuống \"Công nhận\"");
    dvk_run_list l;
    dvk_error err;
    ck_assert_int_eq(dvk_runs_list(store, "tp", 2023, &l, &err), DVK_OK);
    ck_assert_int_eq(l.gaps_listed, 1);
    ck_assert_uint_eq(l.ngaps, 2);               /* tp/h and tp/k; not tp/a nor tp/b */
    ck_assert_str_eq(l.gaps[0].unit, "tp/h");
    ck_assert_str_eq(l.gaps[1].unit, "tp/k");
    dvk_run_list_free(&l);
    /* a's own scope is a alone */
    decide("huyen", "tp/a", 1, &sum);
    ck_assert_int_eq(sum.candidates, 1);
}
END_TEST

/* The run list as data agrees with its text. */
START_TEST(test_list_data)
{
    dvk_run_list l;
    dvk_error err;
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_runs_list(store, NULL, 0, &l, &err), DVK_OK);
    ck_assert_uint_eq(l.nruns, 0);
    ck_assert_int_eq(l.gaps_listed, 0);
    ck_assert_int_eq(dvk_run_list_text(&l, &b), 0);
    ck_assert_str_eq(dvk_buf_str(&b), "no runs\n");
    dvk_run_list_free(&l);
    dvk_buf_free(&b);

    dvk_decide_summary sum;
    decide("huyen", "tp/h", 0, &sum);
    decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(dvk_runs_finalize(store, 2, "7/QĐ", "2023-12-01", "test", &err), DVK_OK);
    ck_assert_int_eq(dvk_runs_list(store, "tp", 2023, &l, &err), DVK_OK);
    ck_assert_uint_eq(l.nruns, 2);
    ck_assert_int_eq(l.runs[0].id, 1);
    ck_assert_str_eq(l.runs[0].unit, "tp/h");
    ck_assert_str_eq(l.runs[0].status, "draft");
    ck_assert_ptr_null(l.runs[0].decision);
    ck_assert_int_eq(l.runs[0].candidates, 4);
    ck_assert_int_eq(l.runs[0].recognised, 3);
    ck_assert_ptr_null(l.runs[1].unit);
    ck_assert_str_eq(l.runs[1].decision, "7/QĐ 2023-12-01");
    ck_assert_int_eq(l.runs[1].year, 2023);
    ck_assert_str_eq(l.runs[1].level, "huyen");
    ck_assert_int_eq(l.runs[1].proposed, 3);
    ck_assert_uint_eq(l.ngaps, 0);               /* the whole-province run covers every unit */
    ck_assert_int_eq(dvk_run_list_text(&l, &b), 0);
    char want[1024];
    snprintf(want, sizeof want,
             "%5s  %-7s %-14s %4s  %-6s %-28s %10s %10s %8s  %s\n"
             "%5d  %-7s %-14s %4d  %-6s %-28s %10d %10d %8d  %s\n"
             "%5d  %-7s %-14s %4d  %-6s %-28s %10d %10d %8d  %s\n",
             "run", "status", "province", "year", "level", "unit", "candidates", "recognised",
             "proposed", "decision",
             1, "draft", "tp", 2023, "huyen", "tp/h", 4, 3, 2, "",
             2, "final", "tp", 2023, "huyen", "-", 6, 5, 3, "7/QĐ 2023-12-01");
    ck_assert_str_eq(dvk_buf_str(&b), want);
    dvk_run_list_free(&l);
    dvk_buf_free(&b);
}
END_TEST

/* One model explained as data (header, outcome counts, scores, notes, reasons) agrees with
 * the text, which is what `dvk runs show RUN MODEL` prints (and the FILE* wrapper writes). */
START_TEST(test_explain_data)
{
    exec_sql("UPDATE models SET metrics = '{\"a\":33.333,\"b\":45}' WHERE code = 'H2'");
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    dvk_run_explain e;
    dvk_error err;
    ck_assert_int_eq(dvk_runs_explain(store, 1, "H2", &e, &err), DVK_OK);
    ck_assert_int_eq(e.run.id, 1);
    ck_assert_str_eq(e.run.province, "tp");
    ck_assert_int_eq(e.run.year, 2023);
    ck_assert_ptr_null(e.run.unit);
    ck_assert_ptr_null(e.run.decision_number);
    ck_assert_str_eq(e.run.script_path, "scripts/provinces/tp.lua");
    ck_assert_uint_eq(e.noutcomes, 3);
    ck_assert_str_eq(e.outcomes[0].outcome, "top");
    ck_assert_int_eq(e.outcomes[0].count, 3);       /* H1, H3, K1 (H2 78.33 is ok now) */
    ck_assert_int_eq(e.outcomes[0].exemplary, 3);
    ck_assert_uint_eq(e.nresults, 1);
    const dvk_run_result *r = &e.results[0];
    ck_assert_str_eq(r->code, "H2");
    ck_assert_str_eq(r->unit, "tp/h");
    ck_assert_int_eq(r->eligible, 1);
    ck_assert_ptr_null(r->gate);
    ck_assert_int_eq(r->scored, 1);
    ck_assert_uint_eq(r->nscores, 2);
    ck_assert_str_eq(r->scores[0].criterion, "a");
    ck_assert_double_eq_tol(r->scores[0].points, 33.333, 1e-9);
    ck_assert_double_eq(r->scores[0].max, 50);
    ck_assert_str_eq(r->scores[0].note, "a");
    ck_assert_str_eq(r->scores[1].criterion, "b");
    ck_assert_ptr_null(r->scores[1].note);
    ck_assert_double_eq_tol(r->total, 78.33, 1e-9);
    ck_assert_str_eq(r->outcome, "ok");
    ck_assert_int_eq(r->rank, 4);
    ck_assert_int_eq(r->recognised, 1);
    ck_assert_int_eq(r->proposed, 0);
    ck_assert_ptr_null(r->reason);
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_run_explain_text(&e, &b), 0);
    char *text = dvk_runs_explain_text(store, 1, "H2", &err);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, dvk_buf_str(&b));
    ck_assert_msg(strstr(text, "run 1: tp 2023 huyen, unit -, draft\nscript scripts/provinces/"
                               "tp.lua, started ") == text, "%s", text);
    ck_assert_msg(strstr(text, "  top                       3\n  ok                        2\n"
                               "  no                        1\n\nH2  H2\n"
                               "  unit tp/h, tap-the, mo-hinh, field f, registered at huyen"
                               " 2023 (moi)\n  gates: all passed\n  criteria:\n"
                               "    a                       33.33 / 50   a\n"
                               "    b                          45 / 50   \n"
                               "  total 78.33, outcome ok, rank 4, recognised\n") != NULL,
                  "%s", text);
    /* the one-call form gives the same text */
    char *written = dvk_runs_explain_text(store, 1, "H2", &err);
    ck_assert_str_eq(written, text);
    free(written);
    free(text);
    dvk_buf_free(&b);
    dvk_run_explain_free(&e);

    /* a model that failed a gate */
    ck_assert_int_eq(dvk_runs_explain(store, 1, "H4", &e, &err), DVK_OK);
    ck_assert_int_eq(e.results[0].eligible, 0);
    ck_assert_str_eq(e.results[0].gate, "dia-chi");
    ck_assert_uint_eq(e.results[0].nscores, 0);
    ck_assert_int_eq(dvk_run_explain_text(&e, &b), 0);
    ck_assert_msg(strstr(dvk_buf_str(&b), "  gates: failed 'dia-chi'\n  criteria: not scored (not"
                                          " eligible)\n") != NULL, "%s", dvk_buf_str(&b));
    dvk_buf_free(&b);
    dvk_run_explain_free(&e);

    /* the whole run: every result by rank, without scores */
    ck_assert_int_eq(dvk_runs_explain(store, 1, NULL, &e, &err), DVK_OK);
    ck_assert_uint_eq(e.nresults, 6);
    for (size_t i = 0; i < e.nresults; i++) {
        ck_assert_int_eq(e.results[i].rank, (int)i + 1);
        ck_assert_int_eq(e.results[i].scored, 0);
    }
    ck_assert_int_eq(dvk_run_explain_text(&e, &b), 0);
    text = dvk_runs_explain_text(store, 1, NULL, &err);
    ck_assert_str_eq(text, dvk_buf_str(&b));
    ck_assert_msg(strstr(text, "\n rank  model              total  outcome            flags  "
                               "reason\n    1  H1                    90  top                "
                               "erxp   \n") != NULL, "%s", text);
    const dvk_run_result *h4 = &e.results[5];
    ck_assert_str_eq(h4->code, "H4");
    ck_assert_ptr_nonnull(h4->reason);
    char line[512];
    snprintf(line, sizeof line, "\n    6  H4                     0  no                 ----   %s\n"
             "flags: ", h4->reason);
    ck_assert_msg(strstr(text, line) != NULL, "%s", text);
    ck_assert_msg(strstr(text, "flags: e eligible, r recognised, x exemplary, p proposed; "
                               "`dvk runs show 1 MODEL` explains one model\n") != NULL, "%s", text);
    free(text);
    dvk_buf_free(&b);
    dvk_run_explain_free(&e);

    /* unknown model or run: an error and no text */
    ck_assert_ptr_null(dvk_runs_explain_text(store, 1, "NOPE", &err));
    ck_assert_int_eq(err.code, DVK_EDATA);
    ck_assert_int_eq(dvk_runs_explain(store, 9, NULL, &e, &err), DVK_EDATA);
    ck_assert_uint_eq(e.nresults, 0);
    dvk_run_explain_free(&e);
}
END_TEST

/* The diff as data (changed models, moved criteria, models in one run only) agrees with the
 * text `dvk diff` prints. */
START_TEST(test_diff_data)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    /* H1 loses points on a (and so its place), H5 is new */
    exec_sql("UPDATE models SET metrics = '{\"a\":20,\"b\":45}' WHERE code = 'H1';"
             "INSERT INTO models(code, name, name_key, unit, province, kind, category, field,"
             " level, year, registration, address, metrics) VALUES"
             " ('K5', 'Mô hình K5', 'mo hinh k5', 'tp/k', 'tp', 'tap-the', 'mo-hinh', 'f', 'huyen',"
             " 2023, 'moi', 'x', '{\"a\":1,\"b\":1}');");
    decide("huyen", NULL, 0, &sum);
    dvk_run_diff d;
    dvk_error err;
    ck_assert_int_eq(dvk_runs_compare(store, 1, 2, &d, &err), DVK_OK);
    ck_assert_int_eq(d.same_scripts, 1);
    /* run 1: H1 90 top 1, H2 85 top 2, H3 85 ok 3, K1 85 top 4, K2 60 ok 5, H4 no 6;
     * run 2: H2 top 1, H3 top 2 (H1 fell below), K1 top 3, H1 65 ok 4, K2 ok 5, K5 no 6,
     * H4 no 7: all but K2 changed */
    ck_assert_uint_eq(d.nchanged, 6);
    const char *codes[] = {"H1", "H2", "H3", "H4", "K1", "K5"};
    for (size_t i = 0; i < 6; i++)
        ck_assert_str_eq(d.models[i].code, codes[i]);
    const dvk_diff_model *h1 = &d.models[0];
    ck_assert_int_eq(h1->in_a && h1->in_b, 1);
    ck_assert_str_eq(h1->outcome_a, "top");
    ck_assert_str_eq(h1->outcome_b, "ok");
    ck_assert_int_eq(h1->rank_a, 1);
    ck_assert_int_eq(h1->rank_b, 4);
    ck_assert_double_eq(h1->total_a, 90);
    ck_assert_double_eq(h1->total_b, 65);
    ck_assert_uint_eq(h1->nscores, 1);
    ck_assert_str_eq(h1->scores[0].criterion, "a");
    ck_assert_int_eq(h1->scores[0].in_a && h1->scores[0].in_b, 1);
    ck_assert_double_eq(h1->scores[0].a, 45);
    ck_assert_double_eq(h1->scores[0].b, 20);
    const dvk_diff_model *h3 = &d.models[2];
    ck_assert_str_eq(h3->outcome_b, "top");
    ck_assert_uint_eq(h3->nscores, 0);
    ck_assert_str_eq(h3->reason, "vượt chỉ tiêu 2 mô hình \"Tiêu biểu\" của Huyện H: xếp hạng 3 "
                                 "trong đơn vị, chuyển xuống \"Công nhận\"");
    const dvk_diff_model *k5 = &d.models[5];
    ck_assert_int_eq(k5->in_a, 0);
    ck_assert_int_eq(k5->in_b, 1);
    ck_assert_ptr_null(k5->outcome_a);
    ck_assert_str_eq(k5->outcome_b, "no");
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_run_diff_text(&d, &b), 0);
    long long changed = 0;
    char *text = dvk_runs_diff_text(store, 1, 2, &changed, &err);
    ck_assert_int_eq(changed, 6);
    ck_assert_str_eq(text, dvk_buf_str(&b));
    ck_assert_msg(strstr(text, "diff run 1 -> run 2 (same scripts)\n\nH1  H1\n"
                               "  outcome top -> ok, rank 1 -> 4, total 90 -> 65\n"
                               "    a                      45 -> 20 (-25)\n\nH2  H2\n"
                               "  outcome top -> top, rank 2 -> 1, total 85 -> 85\n"
                               "    no criterion moved: ") == text, "%s", text);
    ck_assert_msg(strstr(text, "\nK5  Mô hình K5\n  only in run 2: no, rank 6, total 2\n\n"
                               "6 models changed\n") != NULL, "%s", text);
    free(text);
    dvk_buf_free(&b);
    dvk_run_diff_free(&d);
    ck_assert_ptr_null(dvk_runs_diff_text(store, 1, 9, &changed, &err));
    ck_assert_int_eq(err.code, DVK_EDATA);
    ck_assert_int_eq(changed, 0);
}
END_TEST

/* The script's rules as each run recorded them: diff names the thresholds, quotas, gates and
 * criteria that changed (only the quotas of the run's level), added and removed entries. */
START_TEST(test_diff_rules)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    write_edited("min = 50", "min = 60",                      /* ok: 50 -> 60 */
                 "outcome = 'top', max = 2", "outcome = 'top', max = 1",   /* huyen quota */
                 "max = 1, tiebreak", "max = 3, tiebreak",    /* tinh quota: another level */
                 "id = 'b', name = 'B', max = 50", "id = 'b', name = 'B', max = 60",
                 "return m.address ~= nil end}},",
                 "return m.address ~= nil end},\n"
                 "           {id = 'ten', name = 'Có tên', test = function(m) return true end}},",
                 NULL);
    decide("huyen", NULL, 0, &sum);
    dvk_run_diff d;
    dvk_error err;
    ck_assert_int_eq(dvk_runs_compare(store, 1, 2, &d, &err), DVK_OK);
    ck_assert_int_eq(d.same_scripts, 0);
    ck_assert_int_eq(d.rules_a && d.rules_b, 1);
    ck_assert_uint_eq(d.nrules, 4);
    const char *want[][5] = {{"outcome", "ok", "min", "50", "60"},
                             {"quota", "huyen/top", "max", "2", "1"},
                             {"gate", "ten", NULL, NULL, NULL},
                             {"criterion", "b", "max", "50", "60"}};
    for (size_t i = 0; i < 4; i++) {
        const dvk_diff_rule *r = &d.rules[i];
        ck_assert_str_eq(r->kind, want[i][0]);
        ck_assert_str_eq(r->id, want[i][1]);
        ck_assert_pstr_eq(r->field, want[i][2]);
        ck_assert_pstr_eq(r->a, want[i][3]);
        ck_assert_pstr_eq(r->b, want[i][4]);
    }
    ck_assert_int_eq(d.rules[2].in_a, 0);
    ck_assert_int_eq(d.rules[2].in_b, 1);
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_run_diff_text(&d, &b), 0);
    const char *text = dvk_buf_str(&b);
    ck_assert_msg(strstr(text, "diff run 1 -> run 2 (scripts differ)\nrules:\n"
                               "  outcome ok: min 50 -> 60\n"
                               "  quota huyen/top: max 2 -> 1\n"
                               "  gate ten: added\n"
                               "  criterion b: max 50 -> 60\n\n") == text, "%s", text);
    /* H2 (85, second in Huyện H) is now over the district's quota of 1 */
    ck_assert_msg(strstr(text, "\nH2  H2\n  outcome top -> ok, rank 2 -> 2, total 85 -> 85\n"
                               "    no criterion moved: a threshold, quota or gate changed, or "
                               "other models moved\n    reason in run 1: (none)\n"
                               "    reason in run 2: vượt chỉ tiêu 1 mô hình \"Tiêu biểu\" của "
                               "Huyện H: xếp hạng 2 trong đơn vị, chuyển xuống \"Công nhận\"\n")
                  != NULL, "%s", text);
    dvk_buf_free(&b);
    dvk_run_diff_free(&d);

    /* back to the first script: the reverse, the gate removed; a per-unit quota made one for
     * the whole level, a scale, a renamed outcome */
    write_edited("max = 2, per = 'unit'", "max = 2", "name = 'Tỉnh Thử', levels",
                 "name = 'Tỉnh Thử', scale_to = 10, levels", "name = 'Không công nhận'",
                 "name = 'Chưa công nhận'", NULL);
    decide("huyen", NULL, 0, &sum);
    char *t = dvk_runs_diff_text(store, 2, 3, NULL, &err);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(strstr(t, "diff run 2 -> run 3 (scripts differ)\nrules:\n"
                            "  province tp: scale_to (none) -> 10\n"
                            "  outcome no: name \"Không công nhận\" -> \"Chưa công nhận\"\n"
                            "  outcome ok: min 60 -> 50\n"
                            "  quota huyen/top: max 1 -> 2, per \"unit\" -> \"level\"\n"
                            "  gate ten: removed\n"
                            "  criterion b: max 60 -> 50\n\n") == t, "%s", t);
    free(t);
    /* the same script again: the rules section is empty */
    decide("huyen", NULL, 0, &sum);
    t = dvk_runs_diff_text(store, 3, 4, NULL, &err);
    ck_assert_str_eq(t, "diff run 3 -> run 4 (same scripts)\n\n0 models changed\n");
    free(t);
}
END_TEST

/* A model whose reason alone changed (a renamed outcome changes the quota's text) is listed,
 * with both reasons; so is one whose total alone changed. A run without recorded rules (made
 * before dvk recorded them) says so instead of comparing. */
START_TEST(test_diff_reason_and_total)
{
    dvk_decide_summary sum;
    decide("huyen", NULL, 0, &sum);
    write_edited("name = 'Tiêu biểu'", "name = 'Xuất sắc'", NULL);
    decide("huyen", NULL, 0, &sum);
    dvk_run_diff d;
    dvk_error err;
    ck_assert_int_eq(dvk_runs_compare(store, 1, 2, &d, &err), DVK_OK);
    ck_assert_uint_eq(d.nrules, 1);
    ck_assert_str_eq(d.rules[0].field, "name");
    ck_assert_uint_eq(d.nchanged, 1);
    const dvk_diff_model *h3 = &d.models[0];
    ck_assert_str_eq(h3->code, "H3");
    ck_assert_str_eq(h3->outcome_a, h3->outcome_b);
    ck_assert_int_eq(h3->rank_a, h3->rank_b);
    ck_assert_double_eq(h3->total_a, h3->total_b);
    ck_assert_str_eq(h3->reason_a, "vượt chỉ tiêu 2 mô hình \"Tiêu biểu\" của Huyện H: xếp hạng 3 "
                                   "trong đơn vị, chuyển xuống \"Công nhận\"");
    ck_assert_str_eq(h3->reason_b, "vượt chỉ tiêu 2 mô hình \"Xuất sắc\" của Huyện H: xếp hạng 3 "
                                   "trong đơn vị, chuyển xuống \"Công nhận\"");
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_run_diff_text(&d, &b), 0);
    ck_assert_str_eq(dvk_buf_str(&b),
                     "diff run 1 -> run 2 (scripts differ)\nrules:\n"
                     "  outcome top: name \"Tiêu biểu\" -> \"Xuất sắc\"\n\nH3  H3\n"
                     "  outcome ok -> ok, rank 3 -> 3, total 85 -> 85\n"
                     "    no criterion moved: a threshold, quota or gate changed, or other models "
                     "moved\n"
                     "    reason in run 1: vượt chỉ tiêu 2 mô hình \"Tiêu biểu\" của Huyện H: xếp "
                     "hạng 3 trong đơn vị, chuyển xuống \"Công nhận\"\n"
                     "    reason in run 2: vượt chỉ tiêu 2 mô hình \"Xuất sắc\" của Huyện H: xếp "
                     "hạng 3 trong đơn vị, chuyển xuống \"Công nhận\"\n\n1 model changed\n");
    dvk_buf_free(&b);
    dvk_run_diff_free(&d);

    /* K2's total alone moves (60 -> 62: still ok, still 5th) */
    exec_sql("UPDATE models SET metrics = '{\"a\":31,\"b\":31}' WHERE code = 'K2'");
    decide("huyen", NULL, 0, &sum);
    ck_assert_int_eq(dvk_runs_compare(store, 2, 3, &d, &err), DVK_OK);
    ck_assert_uint_eq(d.nrules, 0);
    ck_assert_uint_eq(d.nchanged, 1);
    ck_assert_str_eq(d.models[0].code, "K2");
    ck_assert_int_eq(d.models[0].rank_a, d.models[0].rank_b);
    ck_assert_double_eq(d.models[0].total_b, 62);
    ck_assert_uint_eq(d.models[0].nscores, 2);
    dvk_run_diff_free(&d);

    /* run 1 as a run made before rules were recorded */
    exec_sql("UPDATE runs SET summary = json_remove(summary, '$.rules') WHERE id = 1");
    ck_assert_int_eq(dvk_runs_compare(store, 1, 2, &d, &err), DVK_OK);
    ck_assert_int_eq(d.rules_a, 0);
    ck_assert_int_eq(d.rules_b, 1);
    ck_assert_uint_eq(d.nrules, 0);
    ck_assert_uint_eq(d.nchanged, 1);
    dvk_run_diff_free(&d);
    char *t = dvk_runs_diff_text(store, 1, 2, NULL, &err);
    ck_assert_msg(strstr(t, "diff run 1 -> run 2 (scripts differ)\n"
                            "(rules not recorded for run 1)\n\nH3  H3\n") == t, "%s", t);
    free(t);
}
END_TEST

/* The decide summary as text: the lines `dvk decide` prints. */
START_TEST(test_summary_text)
{
    dvk_decide_summary sum;
    decide("huyen", "tp/h", 1, &sum);
    dvk_decide_opts o;
    memset(&o, 0, sizeof o);
    o.province = "tp";
    o.year = 2023;
    o.level = "huyen";
    o.unit = "tp/h";
    o.dry_run = 1;
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_decide_summary_text(&sum, &o, &b), 0);
    ck_assert_str_eq(dvk_buf_str(&b),
                     "dry run (nothing written): tp 2023 huyen unit tp/h (scripts/provinces/tp.lua)\n"
                     "candidates: 4, eligible: 3\n"
                     "  top      2  Tiêu biểu\n"
                     "  ok       1  Công nhận\n"
                     "  no       1  Không công nhận\n"
                     "recognised: 3, exemplary: 2, proposed: 2, demoted by quotas: 1\n");
    ck_assert_str_eq(dvk_level_name(NULL, "tinh"), "tỉnh");
    ck_assert_str_eq(dvk_level_name(NULL, "co-so"), "cơ sở");
    ck_assert_str_eq(dvk_level_name(NULL, "xa"), "xa");
    dvk_buf_free(&b);
}
END_TEST

Suite *decide_suite(void)
{
    Suite *s = suite_create("decide");
    TCase *tc = tcase_create("decide");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_district_run);
    tcase_add_test(tc, test_notes_per_model);
    tcase_add_test(tc, test_per_unit_counts_subtree);
    tcase_add_test(tc, test_rerun_identical);
    tcase_add_test(tc, test_dry_run_writes_nothing);
    tcase_add_test(tc, test_interrupt_after_reading);
    tcase_add_test(tc, test_next_level_and_global_quota);
    tcase_add_test(tc, test_cascading_quotas);
    tcase_add_test(tc, test_unit_scope);
    tcase_add_test(tc, test_script_error_writes_nothing);
    tcase_add_test(tc, test_finalize);
    tcase_add_test(tc, test_finalize_guards);
    tcase_add_test(tc, test_no_candidates);
    tcase_add_test(tc, test_missing_scores);
    tcase_add_test(tc, test_show_and_list);
    tcase_add_test(tc, test_unit_scope_merged);
    tcase_add_test(tc, test_list_data);
    tcase_add_test(tc, test_explain_data);
    tcase_add_test(tc, test_diff_data);
    tcase_add_test(tc, test_diff_rules);
    tcase_add_test(tc, test_diff_reason_and_total);
    tcase_add_test(tc, test_summary_text);
    tcase_add_test(tc, test_frozen_record);
    tcase_add_test(tc, test_scores_migrated);
    tcase_add_test(tc, test_frozen_inputs);
    tcase_add_test(tc, test_inputs_by_id);
    suite_add_tcase(s, tc);
    return s;
}
