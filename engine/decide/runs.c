/* decide_runs.c: stored runs: listing (with the units that have no run), explaining a run
 * or one model of it, finalizing a run, and the what-if diff of two runs. */
#include "dvk/decide.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* A number as people write points: no trailing zeros ("77.5", "30"). */
static const char *num(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    return buf;
}

int dvk_runs_list(dvk_store *s, const char *province, int year, FILE *out, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT id, status, province, year, level, coalesce(unit, '-'),"
        " coalesce(json_extract(summary, '$.candidates'), 0),"
        " coalesce(json_extract(summary, '$.recognised'), 0),"
        " coalesce(json_extract(summary, '$.proposed'), 0),"
        " coalesce(decision_number || ' ' || decision_date, '')"
        " FROM runs WHERE (?1 IS NULL OR province = ?1) AND (?2 = 0 OR year = ?2) ORDER BY id",
        err);
    if (!st)
        return err->code;
    if (province)
        sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ == 0)
            fprintf(out, "%5s  %-6s %-14s %4s  %-6s %-28s %10s %10s %8s  %s\n", "run", "status",
                    "province", "year", "level", "unit", "candidates", "recognised", "proposed",
                    "decision");
        fprintf(out, "%5lld  %-6s %-14s %4d  %-6s %-28s %10lld %10lld %8lld  %s\n",
                (long long)sqlite3_column_int64(st, 0), col(st, 1), col(st, 2),
                sqlite3_column_int(st, 3), col(st, 4), col(st, 5),
                (long long)sqlite3_column_int64(st, 6), (long long)sqlite3_column_int64(st, 7),
                (long long)sqlite3_column_int64(st, 8), col(st, 9));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "listing runs");
    if (n == 0)
        fprintf(out, "no runs\n");
    if (!province || year <= 0)
        return DVK_OK;
    /* units whose models of that year no run covers (no run of their own, of an ancestor, or
     * of the whole province at that level) */
    st = dvk_store_prepare(s,
        "WITH RECURSIVE anc(unit, a) AS (SELECT code, code FROM units WHERE province = ?1"
        "  UNION ALL SELECT anc.unit, u.parent FROM anc JOIN units u ON u.code = anc.a"
        "  WHERE u.parent IS NOT NULL)"
        " SELECT m.unit, coalesce(u.name, m.unit), m.level, count(*) FROM models m"
        " LEFT JOIN units u ON u.code = m.unit"
        " WHERE m.province = ?1 AND m.year = ?2 AND NOT EXISTS (SELECT 1 FROM runs r"
        "  WHERE r.province = ?1 AND r.year = ?2 AND r.level = m.level AND (r.unit IS NULL"
        "  OR r.unit IN (SELECT a FROM anc WHERE anc.unit = m.unit)))"
        " GROUP BY m.unit, m.level ORDER BY m.unit, m.level", err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ == 0)
            fprintf(out, "\nunits with models in %d and no run:\n", year);
        fprintf(out, "  %-28s %-6s %6lld models  %s\n", col(st, 0), col(st, 2),
                (long long)sqlite3_column_int64(st, 3), col(st, 1));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "listing units without runs");
    return DVK_OK;
}

static int run_header(dvk_store *s, long long run, FILE *out, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT province, year, level, coalesce(unit, '-'), status, script_path, scripts,"
        " started_at, coalesce(decision_number, ''), coalesce(decision_date, '')"
        " FROM runs WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE)
            return dvk_error_set(err, DVK_EDATA, "no run %lld (see `dvk runs`)", run);
        return dvk_store_fail(s, rc, err, "reading the run");
    }
    if (out) {
        fprintf(out, "run %lld: %s %d %s, unit %s, %s", run, col(st, 0), sqlite3_column_int(st, 1),
                col(st, 2), col(st, 3), col(st, 4));
        if (*col(st, 8))
            fprintf(out, " (decision %s of %s)", col(st, 8), col(st, 9));
        fprintf(out, "\nscript %s, started %s\nscripts %s\n", col(st, 5), col(st, 7), col(st, 6));
    }
    sqlite3_finalize(st);
    return DVK_OK;
}

/* One model's full explanation. */
static int explain(dvk_store *s, long long run, sqlite3_stmt *r, FILE *out, dvk_error *err)
{
    char b1[32];
    long long model = sqlite3_column_int64(r, 0);
    fprintf(out, "\n%s  %s\n", col(r, 1), col(r, 2));
    fprintf(out, "  unit %s, %s, %s, field %s, registered at %s %d (%s)\n", col(r, 3), col(r, 4),
            col(r, 5), col(r, 6), col(r, 7), sqlite3_column_int(r, 8), col(r, 9));
    int eligible = sqlite3_column_int(r, 10);
    if (eligible)
        fprintf(out, "  gates: all passed\n");
    else
        fprintf(out, "  gates: failed '%s'\n", col(r, 11));
    sqlite3_stmt *sc = dvk_store_prepare(s,
        "SELECT criterion, points, max, coalesce(note, '') FROM result_scores"
        " WHERE run = ?1 AND model = ?2 ORDER BY rowid", err);
    if (!sc)
        return err->code;
    sqlite3_bind_int64(sc, 1, run);
    sqlite3_bind_int64(sc, 2, model);
    int n = 0, rc;
    while ((rc = sqlite3_step(sc)) == SQLITE_ROW) {
        char b2[32];
        if (n++ == 0)
            fprintf(out, "  criteria:\n");
        fprintf(out, "    %-22s %6s / %-4s %s\n", col(sc, 0),
                num(b1, sizeof b1, sqlite3_column_double(sc, 1)),
                num(b2, sizeof b2, sqlite3_column_double(sc, 2)), col(sc, 3));
    }
    sqlite3_finalize(sc);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "reading scores");
    if (n == 0)
        fprintf(out, "  criteria: not scored%s\n", eligible ? " (none applied)" : " (not eligible)");
    fprintf(out, "  total %s, outcome %s, rank %d%s%s%s\n",
            num(b1, sizeof b1, sqlite3_column_double(r, 12)), col(r, 13), sqlite3_column_int(r, 14),
            sqlite3_column_int(r, 15) ? ", recognised" : ", not recognised",
            sqlite3_column_int(r, 16) ? ", exemplary" : "",
            sqlite3_column_int(r, 17) ? ", proposed to the next level" : "");
    if (*col(r, 18))
        fprintf(out, "  reason: %s\n", col(r, 18));
    return DVK_OK;
}

int dvk_runs_show(dvk_store *s, long long run, const char *model_code, FILE *out,
                  dvk_error *err)
{
    int rc = run_header(s, run, out, err);
    if (rc != DVK_OK)
        return rc;
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT outcome, count(*), sum(recognised), sum(exemplary), sum(proposed) FROM results"
        " WHERE run = ?1 GROUP BY outcome_index, outcome ORDER BY outcome_index", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fprintf(out, "  %-20s %6lld\n", col(st, 0), (long long)sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "counting outcomes");
    st = dvk_store_prepare(s,
        "SELECT m.id, m.code, m.name, m.unit, m.kind, m.category, m.field, m.level, m.year,"
        " m.registration, r.eligible, coalesce(r.gate, ''), r.total, r.outcome, r.rank,"
        " r.recognised, r.exemplary, r.proposed, coalesce(r.reason, '')"
        " FROM results r JOIN models m ON m.id = r.model"
        " WHERE r.run = ?1 AND (?2 IS NULL OR m.code = ?2) ORDER BY r.rank, m.code", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    if (model_code)
        sqlite3_bind_text(st, 2, model_code, -1, SQLITE_STATIC);
    int n = 0;
    rc = DVK_OK;
    int src;
    while (rc == DVK_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        n++;
        if (model_code) {
            rc = explain(s, run, st, out, err);
        } else {
            char b[32];
            if (n == 1)
                fprintf(out, "\n%5s  %-16s %7s  %-18s %-5s  %s\n", "rank", "model", "total",
                        "outcome", "flags", "reason");
            char flags[8];
            snprintf(flags, sizeof flags, "%c%c%c%c", sqlite3_column_int(st, 10) ? 'e' : '-',
                     sqlite3_column_int(st, 15) ? 'r' : '-', sqlite3_column_int(st, 16) ? 'x' : '-',
                     sqlite3_column_int(st, 17) ? 'p' : '-');
            fprintf(out, "%5d  %-16s %7s  %-18s %-5s  %s\n", sqlite3_column_int(st, 14),
                    col(st, 1), num(b, sizeof b, sqlite3_column_double(st, 12)), col(st, 13),
                    flags, col(st, 18));
        }
    }
    if (rc == DVK_OK && src != SQLITE_DONE)
        rc = dvk_store_fail(s, src, err, "reading results");
    sqlite3_finalize(st);
    if (rc != DVK_OK)
        return rc;
    if (model_code && n == 0)
        return dvk_error_set(err, DVK_EDATA, "model '%s' is not in run %lld", model_code, run);
    if (!model_code && n > 0)
        fprintf(out, "flags: e eligible, r recognised, x exemplary, p proposed; "
                     "`dvk runs show %lld MODEL` explains one model\n", run);
    return DVK_OK;
}

static int valid_date(const char *d)
{
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
            return 0;
    int m = atoi(d + 5), day = atoi(d + 8);
    return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static void json_str(char *buf, size_t n, const char *s)
{
    size_t o = 0;
    if (n < 3)
        return;
    buf[o++] = '"';
    for (const char *p = s; *p && o + 8 < n; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(buf + o, n - o, "\\u%04x", c);
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

int dvk_runs_finalize(dvk_store *s, long long run, const char *number, const char *date,
                      const char *actor, dvk_error *err)
{
    if (!number || !*number)
        return dvk_error_set(err, DVK_EUSAGE, "finalize needs --number (the decision number)");
    if (!date || !valid_date(date))
        return dvk_error_set(err, DVK_EUSAGE, "--date takes YYYY-MM-DD (got '%s')",
                             date ? date : "");
    int rc = dvk_store_begin(s, err);
    if (rc != DVK_OK)
        return rc;
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT status FROM runs WHERE id = ?1", err);
    if (!st) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, run);
    int src = sqlite3_step(st);
    if (src == SQLITE_DONE)
        rc = dvk_error_set(err, DVK_EDATA, "no run %lld (see `dvk runs`)", run);
    else if (src != SQLITE_ROW)
        rc = dvk_store_fail(s, src, err, "reading the run");
    else if (strcmp(col(st, 0), "final") == 0)
        rc = dvk_error_set(err, DVK_EDATA, "run %lld is final already: it cannot be changed", run);
    sqlite3_finalize(st);
    st = NULL;
    if (rc != DVK_OK)
        goto done;
    /* the digest covers the decision number and date: set them first (still a draft), then
     * hash, then make the run final with its digest in one update */
    st = dvk_store_prepare(s, "UPDATE runs SET decision_number = ?2, decision_date = ?3"
                              " WHERE id = ?1", err);
    if (!st) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;
    if (src != SQLITE_DONE) {
        rc = dvk_store_fail(s, src, err, "finalizing the run");
        goto done;
    }
    char digest[65];
    if ((rc = dvk_store_run_digest(s, run, digest, err)) != DVK_OK)
        goto done;
    st = dvk_store_prepare(s, "UPDATE runs SET status = 'final', digest = ?2 WHERE id = ?1", err);
    if (!st) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;
    if (src != SQLITE_DONE) {
        rc = dvk_store_fail(s, src, err, "finalizing the run");
        goto done;
    }
    char jn[512], detail[1024];
    json_str(jn, sizeof jn, number);
    snprintf(detail, sizeof detail, "{\"run\":%lld,\"number\":%s,\"date\":\"%s\",\"digest\":\"%s\","
             "\"actor\":\"%s\"}", run, jn, date, digest, actor && !strchr(actor, '"') ? actor : "dvk");
    if ((rc = dvk_store_audit(s, "finalize", detail, err)) != DVK_OK)
        goto done;
    rc = dvk_store_commit(s, err);
    if (rc == DVK_OK)
        return DVK_OK;
done:
    sqlite3_finalize(st);
    dvk_store_rollback(s);
    return rc;
}

int dvk_runs_diff(dvk_store *s, long long a, long long b, FILE *out, long long *changed,
                  dvk_error *err)
{
    int rc;
    *changed = 0;
    if ((rc = run_header(s, a, NULL, err)) != DVK_OK || (rc = run_header(s, b, NULL, err)) != DVK_OK)
        return rc;
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT (SELECT scripts FROM runs WHERE id = ?1) = (SELECT scripts FROM runs WHERE id = ?2)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int same_scripts = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    fprintf(out, "diff run %lld -> run %lld (%s)\n", a, b,
            same_scripts ? "same scripts" : "scripts differ");
    st = dvk_store_prepare(s,
        "SELECT x.model, m.code, m.name, ra.outcome, rb.outcome, ra.rank, rb.rank, ra.total,"
        " rb.total, coalesce(rb.reason, ra.reason, '')"
        " FROM (SELECT model FROM results WHERE run = ?1 UNION SELECT model FROM results"
        " WHERE run = ?2) x JOIN models m ON m.id = x.model"
        " LEFT JOIN results ra ON ra.run = ?1 AND ra.model = x.model"
        " LEFT JOIN results rb ON rb.run = ?2 AND rb.model = x.model"
        " WHERE ra.model IS NULL OR rb.model IS NULL OR ra.outcome <> rb.outcome"
        " OR ra.rank <> rb.rank ORDER BY m.code", err);
    sqlite3_stmt *sc = dvk_store_prepare(s,
        "SELECT c.criterion, sa.points, sb.points FROM"
        " (SELECT criterion FROM result_scores WHERE run = ?1 AND model = ?3 UNION"
        "  SELECT criterion FROM result_scores WHERE run = ?2 AND model = ?3) c"
        " LEFT JOIN result_scores sa ON sa.run = ?1 AND sa.model = ?3 AND sa.criterion = c.criterion"
        " LEFT JOIN result_scores sb ON sb.run = ?2 AND sb.model = ?3 AND sb.criterion = c.criterion"
        " WHERE sa.points IS NOT sb.points ORDER BY c.criterion", err);
    if (!st || !sc) {
        sqlite3_finalize(st);
        sqlite3_finalize(sc);
        return err->code;
    }
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        char t1[32], t2[32];
        (*changed)++;
        fprintf(out, "\n%s  %s\n", col(st, 1), col(st, 2));
        if (sqlite3_column_type(st, 3) == SQLITE_NULL) {
            fprintf(out, "  only in run %lld: %s, rank %d, total %s\n", b, col(st, 4),
                    sqlite3_column_int(st, 6), num(t2, sizeof t2, sqlite3_column_double(st, 8)));
            continue;
        }
        if (sqlite3_column_type(st, 4) == SQLITE_NULL) {
            fprintf(out, "  only in run %lld: %s, rank %d, total %s\n", a, col(st, 3),
                    sqlite3_column_int(st, 5), num(t1, sizeof t1, sqlite3_column_double(st, 7)));
            continue;
        }
        fprintf(out, "  outcome %s -> %s, rank %d -> %d, total %s -> %s\n", col(st, 3), col(st, 4),
                sqlite3_column_int(st, 5), sqlite3_column_int(st, 6),
                num(t1, sizeof t1, sqlite3_column_double(st, 7)),
                num(t2, sizeof t2, sqlite3_column_double(st, 8)));
        sqlite3_reset(sc);
        sqlite3_bind_int64(sc, 1, a);
        sqlite3_bind_int64(sc, 2, b);
        sqlite3_bind_int64(sc, 3, sqlite3_column_int64(st, 0));
        int moved = 0;
        while (sqlite3_step(sc) == SQLITE_ROW) {
            moved++;
            if (sqlite3_column_type(sc, 1) == SQLITE_NULL || sqlite3_column_type(sc, 2) == SQLITE_NULL) {
                fprintf(out, "    %-22s %s -> %s\n", col(sc, 0),
                        sqlite3_column_type(sc, 1) == SQLITE_NULL ? "not scored"
                            : num(t1, sizeof t1, sqlite3_column_double(sc, 1)),
                        sqlite3_column_type(sc, 2) == SQLITE_NULL ? "not scored"
                            : num(t2, sizeof t2, sqlite3_column_double(sc, 2)));
                continue;
            }
            double pa = sqlite3_column_double(sc, 1), pb = sqlite3_column_double(sc, 2);
            char d[32];
            fprintf(out, "    %-22s %s -> %s (%s%s)\n", col(sc, 0), num(t1, sizeof t1, pa),
                    num(t2, sizeof t2, pb), pb >= pa ? "+" : "", num(d, sizeof d, pb - pa));
        }
        if (!moved)
            fprintf(out, "    no criterion moved: a threshold, quota or gate changed, or other "
                         "models moved\n");
        if (*col(st, 9))
            fprintf(out, "    reason: %s\n", col(st, 9));
    }
    sqlite3_finalize(st);
    sqlite3_finalize(sc);
    if (src != SQLITE_DONE)
        return dvk_store_fail(s, src, err, "comparing runs");
    fprintf(out, "\n%lld model%s changed\n", *changed, *changed == 1 ? "" : "s");
    return DVK_OK;
}
