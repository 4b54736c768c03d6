/* council.c: each council member's scores beside the run's result, and who recused
 * (council.h). */
#include "dvk/council.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/format.h"
#include "dvk/runs.h"

static const char *num(char *buf, double v)
{
    dvk_format_plain(dvk_format_round(v, 2), buf, DVK_FORMAT_MAX);
    return buf;
}

static int fail(dvk_store *s, int rc, dvk_error *err, const char *what)
{
    return dvk_store_fail(s, rc, err, what);
}

int dvk_council_model_text(dvk_store *s, long long run, long long model, dvk_buf *b,
                           dvk_error *err)
{
    /* 0 criterion, 1 appraiser, 2 score, 3 points (NULL: not scored in the run), 4 max,
     * 5 level; ?1 run, ?2 model */
    /* a final run's record (runs.h) keeps the scores and members as they were; the run's
     * points unpacked from the model's own packed scores (through the result_scores view, a LEFT
     * JOIN would unpack every result of the database first) */
    int frozen = dvk_runs_source(s, run, err);
    if (frozen < 0)
        return err->code;
    sqlite3_stmt *st = dvk_store_prepare(s, frozen
        ? "SELECT a.criterion, a.appraiser, a.score, rs.points, rs.max, r.level"
          " FROM runs r JOIN run_appraisals a ON a.run = r.id AND a.model = ?2"
          " LEFT JOIN result_scores_packed x ON x.run = r.id AND x.model = a.model"
          " LEFT JOIN dvk_scores(x.scores) rs ON rs.criterion = a.criterion"
          " WHERE r.id = ?1 ORDER BY a.criterion, a.appraiser"
        : "SELECT a.criterion, a.appraiser, a.score, rs.points, rs.max, r.level"
          " FROM runs r JOIN appraisals a ON a.model = ?2 AND a.level = r.level"
          " LEFT JOIN result_scores_packed x ON x.run = r.id AND x.model = a.model"
          " LEFT JOIN dvk_scores(x.scores) rs ON rs.criterion = a.criterion"
          " WHERE r.id = ?1 ORDER BY a.criterion, a.appraiser", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, model);
    char crit[256] = "", n1[DVK_FORMAT_MAX], n2[DVK_FORMAT_MAX];
    int rc, rows = 0, has_points = 0;
    double points = 0, max = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (!c)
            c = "";
        if (rows == 0)
            dvk_buf_printf(b, "  council at %s (each member's score; the run's points):\n",
                           (const char *)sqlite3_column_text(st, 5));
        if (rows == 0 || strcmp(c, crit) != 0) {
            if (rows > 0) {
                if (has_points)
                    dvk_buf_printf(b, " -> %s / %s", num(n1, points), num(n2, max));
                dvk_buf_addc(b, '\n');
            }
            snprintf(crit, sizeof crit, "%s", c);
            dvk_buf_printf(b, "    %-22s ", c);
            has_points = sqlite3_column_type(st, 3) != SQLITE_NULL;
            points = sqlite3_column_double(st, 3);
            max = sqlite3_column_double(st, 4);
        } else {
            dvk_buf_adds(b, ", ");
        }
        const char *who = (const char *)sqlite3_column_text(st, 1);
        dvk_buf_printf(b, "%s %s", who ? who : "?", num(n1, sqlite3_column_double(st, 2)));
        rows++;
    }
    if (rows > 0) {
        if (has_points)
            dvk_buf_printf(b, " -> %s / %s", num(n1, points), num(n2, max));
        dvk_buf_addc(b, '\n');
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(s, rc, err, "reading the council's scores");
    /* 0 code, 1 name, 2 unit: members of the run's province whose unit is the model's and
     * who gave it no score at the run's level */
    st = dvk_store_prepare(s, frozen
        ? "SELECT p.code, p.name, p.unit FROM runs r"
          " JOIN run_models m ON m.run = r.id AND m.id = ?2"
          " JOIN run_appraisers p ON p.run = r.id AND p.unit = m.unit"
          "  AND " DVK_COUNCIL_SITS_AT("r.level")
          " WHERE r.id = ?1 AND NOT EXISTS (SELECT 1 FROM run_appraisals a WHERE a.run = r.id"
          "  AND a.model = m.id AND (a.appraiser = p.code OR a.appraiser = p.name))"
          " ORDER BY p.code"
        : "SELECT p.code, p.name, p.unit FROM runs r JOIN models m ON m.id = ?2"
          " JOIN appraisers p ON p.province = r.province AND p.unit = m.unit"
          "  AND " DVK_COUNCIL_SITS_AT("r.level")
          " WHERE r.id = ?1 AND NOT EXISTS (SELECT 1 FROM appraisals a WHERE a.model = m.id"
          "  AND a.level = r.level AND (a.appraiser = p.code OR a.appraiser = p.name))"
          " ORDER BY p.code", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, model);
    int nrec = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        dvk_buf_printf(b, "%s%s (%s)", nrec++ ? ", " : "  recused (the model's own unit): ",
                       (const char *)sqlite3_column_text(st, 0),
                       (const char *)sqlite3_column_text(st, 1));
    }
    if (nrec)
        dvk_buf_addc(b, '\n');
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(s, rc, err, "reading the council's members");
    return b->oom ? dvk_error_set(err, DVK_ENOMEM, "out of memory") : DVK_OK;
}

int dvk_council_run_text(dvk_store *s, long long run, const char *model_code, dvk_buf *b,
                         dvk_error *err)
{
    /* 0 province, 1 year, 2 level, 3 unit */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT province, year, level, unit FROM runs"
                                            " WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? dvk_error_set(err, DVK_EDATA, "no run %lld", run)
                                 : fail(s, rc, err, "reading the run");
    }
    const char *unit = (const char *)sqlite3_column_text(st, 3);
    dvk_buf_printf(b, "run %lld: %s %d %s, unit %s: the council's scores by member\n", run,
                   (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                   (const char *)sqlite3_column_text(st, 2), unit ? unit : "-");
    sqlite3_finalize(st);
    /* 0 model id, 1 code, 2 name; the run's models in rank order */
    int source = dvk_runs_source(s, run, err);
    if (source < 0)
        return err->code;
    dvk_buf sql = DVK_BUF_INIT;
    dvk_buf_adds(&sql, "SELECT m.id, m.code, m.name FROM results r");
    dvk_runs_join_models(&sql, source, "m", "r");   /* a final run: the names it kept */
    dvk_buf_adds(&sql, " WHERE r.run = ?1 AND (?2 IS NULL OR m.code = ?2) ORDER BY r.rank, m.code");
    st = sql.oom ? NULL : dvk_store_prepare(s, dvk_buf_str(&sql), err);
    int oom = sql.oom;
    dvk_buf_free(&sql);
    if (oom)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    if (model_code)
        sqlite3_bind_text(st, 2, model_code, -1, SQLITE_STATIC);
    int found = 0, shown = 0;
    dvk_buf one = DVK_BUF_INIT;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        found++;
        dvk_buf_reset(&one);
        int mrc = dvk_council_model_text(s, run, sqlite3_column_int64(st, 0), &one, err);
        if (mrc != DVK_OK) {
            sqlite3_finalize(st);
            dvk_buf_free(&one);
            return mrc;
        }
        if (one.len == 0)
            continue;
        shown++;
        dvk_buf_printf(b, "\n%s  %s\n", (const char *)sqlite3_column_text(st, 1),
                       (const char *)sqlite3_column_text(st, 2));
        dvk_buf_add(b, one.p, one.len);
    }
    sqlite3_finalize(st);
    dvk_buf_free(&one);
    if (rc != SQLITE_DONE)
        return fail(s, rc, err, "reading the run's models");
    if (model_code && !found)
        return dvk_error_set(err, DVK_EDATA, "model '%s' is not in run %lld", model_code, run);
    if (!shown)
        dvk_buf_adds(b, "no council scores at this level and nobody recused\n");
    return b->oom ? dvk_error_set(err, DVK_ENOMEM, "out of memory") : DVK_OK;
}
