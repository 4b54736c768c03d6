/* runs.c: stored runs as data (runs.h): the run list (with the units that no run covers), a
 * run or one model of it explained, finalizing a run, and the what-if diff of two runs; and
 * the texts the `dvk` command prints, built from those structs into a dvk_buf. */
#include "dvk/runs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dvk/council.h"
#include "dvk/format.h"
#include "dvk/json.h"
#include "dvk/outfile.h"
#include "dvk/paths.h"
#include "dvk/sha256.h"
#include "dvk/text.h"
#include "dvk/units.h"
#include "runs_sign.h"

/* ------------------------------------------------------------------ helpers */

/* A string for printing: "" for NULL. */
static const char *str(const char *s) { return s ? s : ""; }

/* Points and totals as people write them: rounded to 0.01 by dvk's one rule (as totals
 * are), without trailing zeros ("77.5", "30", "33.33"). buf has DVK_FORMAT_MAX bytes. */
static const char *pts(char *buf, double v)
{
    dvk_format_plain(dvk_format_round(v, 2), buf, DVK_FORMAT_MAX);
    return buf;
}

/* Append one zeroed element of size sz to the array whose pointer is at arrp (a T **, *n
 * elements, *cap allocated); the element, or NULL when out of memory (the array unchanged).
 * The pointer is read and written as bytes, so one helper serves every element type. */
static void *push(void *arrp, size_t *n, size_t *cap, size_t sz)
{
    char *a;
    memcpy(&a, arrp, sizeof a);
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        char *na = realloc(a, nc * sz);
        if (!na)
            return NULL;
        a = na;
        *cap = nc;
        memcpy(arrp, &a, sizeof a);
    }
    char *e = a + (*n)++ * sz;
    memset(e, 0, sz);
    return e;
}

static int nomem(dvk_error *err) { return dvk_error_set(err, DVK_ENOMEM, "out of memory"); }

/* ------------------------------------------------------------------ the run list */

void dvk_run_list_free(dvk_run_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nruns; i++) {
        dvk_run_row *r = &l->runs[i];
        free(r->status);
        free(r->province);
        free(r->level);
        free(r->unit);
        free(r->decision);
    }
    free(l->runs);
    for (size_t i = 0; i < l->ngaps; i++) {
        free(l->gaps[i].unit);
        free(l->gaps[i].name);
        free(l->gaps[i].level);
    }
    free(l->gaps);
    memset(l, 0, sizeof *l);
}

/* The units of province with models of year at a level that no run in l covers: a run
 * covers the models at its level of its scope's units (the membership rule of units.h, units
 * merged into the scope included, as `dvk decide --unit` selects them), or of the whole
 * province when it has no unit. l->runs are the runs of (province, year). */
static int list_gaps(dvk_store *s, const char *province, int year, dvk_run_list *l,
                     dvk_error *err)
{
    dvk_units *tree = NULL;
    unsigned char **marks = NULL;   /* per run with a unit: the units it covers */
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = dvk_units_load(s, province, &tree, err), oom = 0, src = SQLITE_DONE;
    if (rc != DVK_OK)
        return rc;
    size_t nu = dvk_units_count(tree);
    if (!(marks = calloc(l->nruns + 1, sizeof *marks)))
        goto nomem;
    for (size_t i = 0; i < l->nruns; i++) {
        if (!l->runs[i].unit)
            continue;
        if (!(marks[i] = calloc(nu + 1, 1)) ||
            dvk_units_subtree(tree, dvk_units_find(tree, l->runs[i].unit), DVK_UNITS_MERGED,
                              marks[i]) < 0)
            goto nomem;
    }
    /* 0 unit, 1 name, 2 level, 3 models */
    st = dvk_store_prepare(s,
        "SELECT m.unit, coalesce(u.name, m.unit), m.level, count(*) FROM models m"
        " LEFT JOIN units u ON u.code = m.unit WHERE m.province = ?1 AND m.year = ?2"
        " GROUP BY m.unit, m.level ORDER BY m.unit, m.level", err);
    if (!st) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *unit = (const char *)sqlite3_column_text(st, 0);
        const char *level = (const char *)sqlite3_column_text(st, 2);
        int u = unit ? dvk_units_find(tree, unit) : -1, covered = 0;
        for (size_t i = 0; i < l->nruns && !covered; i++) {
            const dvk_run_row *r = &l->runs[i];
            if (r->level && level && strcmp(r->level, level) == 0)
                covered = !r->unit || (u >= 0 && marks[i][u]);
        }
        if (covered)
            continue;
        dvk_run_gap *g = push(&l->gaps, &l->ngaps, &cap, sizeof *g);
        if (!g)
            goto nomem;
        g->unit = dvk_store_column_dup(st, 0, &oom);
        g->name = dvk_store_column_dup(st, 1, &oom);
        g->level = dvk_store_column_dup(st, 2, &oom);
        g->models = sqlite3_column_int64(st, 3);
        if (oom)
            goto nomem;
    }
    if (src != SQLITE_DONE)
        rc = dvk_store_fail(s, src, err, "listing units without runs");
    goto done;
nomem:
    rc = nomem(err);
done:
    sqlite3_finalize(st);
    for (size_t i = 0; marks && i < l->nruns; i++)
        free(marks[i]);
    free(marks);
    dvk_units_free(tree);
    return rc;
}

int dvk_runs_list(dvk_store *s, const char *province, int year, dvk_run_list *out,
                  dvk_error *err)
{
    memset(out, 0, sizeof *out);
    /* 0 id, 1 status, 2 province, 3 year, 4 level, 5 unit, 6 candidates, 7 recognised,
     * 8 proposed, 9 decision */
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT id, CASE WHEN EXISTS (SELECT 1 FROM revocations v WHERE v.run = runs.id"
        "  AND v.model IS NULL) THEN 'revoked' ELSE status END, province, year, level, unit,"
        " coalesce(json_extract(summary, '$.candidates'), 0),"
        " coalesce(json_extract(summary, '$.recognised'), 0),"
        " coalesce(json_extract(summary, '$.proposed'), 0),"
        " decision_number || ' ' || decision_date"
        " FROM runs WHERE (?1 IS NULL OR province = ?1) AND (?2 = 0 OR year = ?2) ORDER BY id",
        err);
    if (!st)
        return err->code;
    if (province)
        sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    size_t cap = 0;
    int src, oom = 0, rc = DVK_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        dvk_run_row *r = push(&out->runs, &out->nruns, &cap, sizeof *r);
        if (!r) {
            oom = 1;
            break;
        }
        r->id = sqlite3_column_int64(st, 0);
        r->status = dvk_store_column_dup(st, 1, &oom);
        r->province = dvk_store_column_dup(st, 2, &oom);
        r->year = sqlite3_column_int(st, 3);
        r->level = dvk_store_column_dup(st, 4, &oom);
        r->unit = dvk_store_column_dup(st, 5, &oom);
        r->candidates = sqlite3_column_int64(st, 6);
        r->recognised = sqlite3_column_int64(st, 7);
        r->proposed = sqlite3_column_int64(st, 8);
        r->decision = dvk_store_column_dup(st, 9, &oom);
        if (oom)
            break;
    }
    sqlite3_finalize(st);
    if (oom)
        rc = nomem(err);
    else if (src != SQLITE_DONE)
        rc = dvk_store_fail(s, src, err, "listing runs");
    else if (province && year > 0) {
        out->gaps_listed = 1;
        out->year = year;
        rc = list_gaps(s, province, year, out, err);
    }
    if (rc != DVK_OK)
        dvk_run_list_free(out);
    return rc;
}

int dvk_run_list_text(const dvk_run_list *l, dvk_buf *b)
{
    if (l->nruns == 0)
        dvk_buf_adds(b, "no runs\n");
    else
        dvk_buf_printf(b, "%5s  %-7s %-14s %4s  %-6s %-28s %10s %10s %8s  %s\n", "run", "status",
                       "province", "year", "level", "unit", "candidates", "recognised",
                       "proposed", "decision");
    for (size_t i = 0; i < l->nruns; i++) {
        const dvk_run_row *r = &l->runs[i];
        dvk_buf_printf(b, "%5lld  %-7s %-14s %4d  %-6s %-28s %10lld %10lld %8lld  %s\n", r->id,
                       str(r->status), str(r->province), r->year, str(r->level),
                       r->unit ? r->unit : "-", r->candidates, r->recognised, r->proposed,
                       str(r->decision));
    }
    if (l->gaps_listed && l->ngaps > 0)
        dvk_buf_printf(b, "\nunits with models in %d and no run:\n", l->year);
    for (size_t i = 0; l->gaps_listed && i < l->ngaps; i++) {
        const dvk_run_gap *g = &l->gaps[i];
        dvk_buf_printf(b, "  %-28s %-6s %6lld models  %s\n", str(g->unit), str(g->level),
                       g->models, str(g->name));
    }
    return b->oom ? -1 : 0;
}

/* ------------------------------------------------------------------ a run explained */

static void run_info_free(dvk_run_info *r)
{
    free(r->province);
    free(r->level);
    free(r->status);
    free(r->script_path);
    free(r->started_at);
    free(r->scripts);
    free(r->unit);
    free(r->decision_number);
    free(r->decision_date);
    memset(r, 0, sizeof *r);
}

/* The run's row; unknown run: DVK_EDATA. info may be NULL (only check that it exists). */
static int run_info(dvk_store *s, long long run, dvk_run_info *info, dvk_error *err)
{
    /* 0 province, 1 year, 2 level, 3 unit, 4 status, 5 script_path, 6 scripts, 7 started_at,
     * 8 decision_number, 9 decision_date */
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT province, year, level, unit, status, script_path, scripts, started_at,"
        " decision_number, decision_date FROM runs WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int rc = sqlite3_step(st), oom = 0;
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE)
            return dvk_error_set(err, DVK_EDATA, "no run %lld (see `dvk runs`)", run);
        return dvk_store_fail(s, rc, err, "reading the run");
    }
    if (info) {
        info->id = run;
        info->province = dvk_store_column_dup(st, 0, &oom);
        info->year = sqlite3_column_int(st, 1);
        info->level = dvk_store_column_dup(st, 2, &oom);
        info->unit = dvk_store_column_dup(st, 3, &oom);
        info->status = dvk_store_column_dup(st, 4, &oom);
        info->script_path = dvk_store_column_dup(st, 5, &oom);
        info->scripts = dvk_store_column_dup(st, 6, &oom);
        info->started_at = dvk_store_column_dup(st, 7, &oom);
        info->decision_number = dvk_store_column_dup(st, 8, &oom);
        info->decision_date = dvk_store_column_dup(st, 9, &oom);
    }
    sqlite3_finalize(st);
    return oom ? nomem(err) : DVK_OK;
}

static void result_free(dvk_run_result *r)
{
    char **f[] = {&r->code, &r->name, &r->unit, &r->kind, &r->category, &r->field, &r->level,
                  &r->registration, &r->gate, &r->outcome, &r->reason};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(*f[i]);
    for (size_t i = 0; i < r->nscores; i++) {
        free(r->scores[i].criterion);
        free(r->scores[i].note);
    }
    free(r->scores);
}

void dvk_run_explain_free(dvk_run_explain *e)
{
    if (!e)
        return;
    run_info_free(&e->run);
    dvk_run_revocations_free(e->revocations, e->nrevocations);
    for (size_t i = 0; i < e->noutcomes; i++)
        free(e->outcomes[i].outcome);
    free(e->outcomes);
    for (size_t i = 0; i < e->nresults; i++)
        result_free(&e->results[i]);
    free(e->results);
    memset(e, 0, sizeof *e);
}

/* The scores of one result, in the order the run stored them. */
static int read_scores(dvk_store *s, long long run, dvk_run_result *r, dvk_error *err)
{
    /* 0 criterion, 1 points, 2 max, 3 note */
    sqlite3_stmt *sc = dvk_store_prepare(s,
        "SELECT criterion, points, max, note FROM result_scores"
        " WHERE run = ?1 AND model = ?2 ORDER BY pos", err);
    if (!sc)
        return err->code;
    sqlite3_bind_int64(sc, 1, run);
    sqlite3_bind_int64(sc, 2, r->model);
    size_t cap = 0;
    int src, oom = 0;
    r->scored = 1;
    while ((src = sqlite3_step(sc)) == SQLITE_ROW) {
        dvk_run_score *x = push(&r->scores, &r->nscores, &cap, sizeof *x);
        if (!x) {
            oom = 1;
            break;
        }
        x->criterion = dvk_store_column_dup(sc, 0, &oom);
        x->points = sqlite3_column_double(sc, 1);
        x->max = sqlite3_column_double(sc, 2);
        x->note = dvk_store_column_dup(sc, 3, &oom);
        if (oom)
            break;
    }
    sqlite3_finalize(sc);
    if (oom)
        return nomem(err);
    return src == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, src, err, "reading scores");
}

int dvk_runs_explain(dvk_store *s, long long run, const char *model_code,
                     dvk_run_explain *out, dvk_error *err)
{
    memset(out, 0, sizeof *out);
    out->model_code = model_code;
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int src = SQLITE_DONE, oom = 0;
    int rc = run_info(s, run, &out->run, err);
    if (rc != DVK_OK ||
        (rc = dvk_runs_revocations(s, run, &out->revocations, &out->nrevocations, err)) != DVK_OK)
        goto done;
    /* 0 outcome, 1 count, 2 recognised, 3 exemplary, 4 proposed */
    st = dvk_store_prepare(s,
        "SELECT outcome, count(*), sum(recognised), sum(exemplary), sum(proposed) FROM results"
        " WHERE run = ?1 GROUP BY outcome_index, outcome ORDER BY outcome_index", err);
    if (!st) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, run);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        dvk_run_outcome *o = push(&out->outcomes, &out->noutcomes, &cap, sizeof *o);
        if (!o)
            goto nomem;
        o->outcome = dvk_store_column_dup(st, 0, &oom);
        o->count = sqlite3_column_int64(st, 1);
        o->recognised = sqlite3_column_int64(st, 2);
        o->exemplary = sqlite3_column_int64(st, 3);
        o->proposed = sqlite3_column_int64(st, 4);
        if (oom)
            goto nomem;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (src != SQLITE_DONE) {
        rc = dvk_store_fail(s, src, err, "counting outcomes");
        goto done;
    }
    /* 0 id, 1 code, 2 name, 3 unit, 4 kind, 5 category, 6 field, 7 level, 8 year,
     * 9 registration, 10 eligible, 11 gate, 12 total, 13 outcome, 14 rank, 15 recognised,
     * 16 exemplary, 17 proposed, 18 reason */
    /* a final run's models as its record keeps them */
    int source = dvk_runs_source(s, run, err);
    if (source < 0) {
        rc = err->code;
        goto done;
    }
    dvk_buf sql = DVK_BUF_INIT;
    dvk_buf_adds(&sql, "SELECT m.id, m.code, m.name, m.unit, m.kind, m.category, m.field, m.level,"
                       " m.year, m.registration, r.eligible, r.gate, r.total, r.outcome, r.rank,"
                       " r.recognised, r.exemplary, r.proposed, r.reason FROM results r");
    dvk_runs_join_models(&sql, source, "m", "r");
    dvk_buf_adds(&sql, " WHERE r.run = ?1 AND (?2 IS NULL OR m.code = ?2) ORDER BY r.rank, m.code");
    st = sql.oom ? NULL : dvk_store_prepare(s, dvk_buf_str(&sql), err);
    if (!st) {
        rc = sql.oom ? nomem(err) : err->code;
        dvk_buf_free(&sql);
        goto done;
    }
    dvk_buf_free(&sql);
    sqlite3_bind_int64(st, 1, run);
    if (model_code)
        sqlite3_bind_text(st, 2, model_code, -1, SQLITE_STATIC);
    cap = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        dvk_run_result *r = push(&out->results, &out->nresults, &cap, sizeof *r);
        if (!r)
            goto nomem;
        r->model = sqlite3_column_int64(st, 0);
        r->code = dvk_store_column_dup(st, 1, &oom);
        r->name = dvk_store_column_dup(st, 2, &oom);
        r->unit = dvk_store_column_dup(st, 3, &oom);
        r->kind = dvk_store_column_dup(st, 4, &oom);
        r->category = dvk_store_column_dup(st, 5, &oom);
        r->field = dvk_store_column_dup(st, 6, &oom);
        r->level = dvk_store_column_dup(st, 7, &oom);
        r->year = sqlite3_column_int(st, 8);
        r->registration = dvk_store_column_dup(st, 9, &oom);
        r->eligible = sqlite3_column_int(st, 10);
        r->gate = dvk_store_column_dup(st, 11, &oom);
        r->total = sqlite3_column_double(st, 12);
        r->outcome = dvk_store_column_dup(st, 13, &oom);
        r->rank = sqlite3_column_int(st, 14);
        r->recognised = sqlite3_column_int(st, 15);
        r->exemplary = sqlite3_column_int(st, 16);
        r->proposed = sqlite3_column_int(st, 17);
        r->reason = dvk_store_column_dup(st, 18, &oom);
        if (oom)
            goto nomem;
        if (model_code && (rc = read_scores(s, run, r, err)) != DVK_OK)
            goto done;
    }
    if (src != SQLITE_DONE) {
        rc = dvk_store_fail(s, src, err, "reading results");
        goto done;
    }
    if (model_code && out->nresults == 0)
        rc = dvk_error_set(err, DVK_EDATA, "model '%s' is not in run %lld", model_code, run);
    goto done;
nomem:
    rc = nomem(err);
done:
    sqlite3_finalize(st);
    if (rc != DVK_OK)
        dvk_run_explain_free(out);
    return rc;
}

/* One model's full explanation. */
static void explain_text(const dvk_run_result *r, dvk_buf *b)
{
    char b1[DVK_FORMAT_MAX], b2[DVK_FORMAT_MAX];
    dvk_buf_printf(b, "\n%s  %s\n", str(r->code), str(r->name));
    dvk_buf_printf(b, "  unit %s, %s, %s, field %s, registered at %s %d (%s)\n", str(r->unit),
                   str(r->kind), str(r->category), str(r->field), str(r->level), r->year,
                   str(r->registration));
    if (r->eligible)
        dvk_buf_adds(b, "  gates: all passed\n");
    else if (!r->gate)      /* too few council scores (council.below = "ineligible") */
        dvk_buf_adds(b, "  gates: all passed, not eligible (see the reason)\n");
    else
        dvk_buf_printf(b, "  gates: failed '%s'\n", str(r->gate));
    for (size_t i = 0; i < r->nscores; i++) {
        const dvk_run_score *x = &r->scores[i];
        if (i == 0)
            dvk_buf_adds(b, "  criteria:\n");
        dvk_buf_printf(b, "    %-22s %6s / %-4s %s\n", str(x->criterion), pts(b1, x->points),
                       pts(b2, x->max), str(x->note));
    }
    if (r->nscores == 0)
        dvk_buf_printf(b, "  criteria: not scored%s\n",
                       r->eligible ? " (none applied)" : " (not eligible)");
    dvk_buf_printf(b, "  total %s, outcome %s, rank %d%s%s%s\n", pts(b1, r->total),
                   str(r->outcome), r->rank, r->recognised ? ", recognised" : ", not recognised",
                   r->exemplary ? ", exemplary" : "",
                   r->proposed ? ", proposed to the next level" : "");
    if (r->reason && *r->reason)
        dvk_buf_printf(b, "  reason: %s\n", r->reason);
}

int dvk_run_explain_text(const dvk_run_explain *e, dvk_buf *b)
{
    const dvk_run_info *h = &e->run;
    dvk_buf_printf(b, "run %lld: %s %d %s, unit %s, %s", h->id, str(h->province), h->year,
                   str(h->level), h->unit ? h->unit : "-", str(h->status));
    if (h->decision_number && *h->decision_number)
        dvk_buf_printf(b, " (decision %s of %s)", h->decision_number, str(h->decision_date));
    dvk_buf_printf(b, "\nscript %s, started %s\nscripts %s\n", str(h->script_path),
                   str(h->started_at), str(h->scripts));
    for (size_t i = 0; i < e->nrevocations; i++) {
        const dvk_run_revocation *v = &e->revocations[i];
        if (v->model_code)
            dvk_buf_printf(b, "model %s revoked", v->model_code);
        else
            dvk_buf_adds(b, "run revoked");
        dvk_buf_printf(b, ": decision %s of %s (%s)\n", str(v->number), str(v->date),
                       str(v->reason));
    }
    for (size_t i = 0; i < e->noutcomes; i++)
        dvk_buf_printf(b, "  %-20s %6lld\n", str(e->outcomes[i].outcome), e->outcomes[i].count);
    for (size_t i = 0; i < e->nresults; i++) {
        const dvk_run_result *r = &e->results[i];
        if (e->model_code) {
            explain_text(r, b);
            continue;
        }
        char t[DVK_FORMAT_MAX];
        if (i == 0)
            dvk_buf_printf(b, "\n%5s  %-16s %7s  %-18s %-5s  %s\n", "rank", "model", "total",
                           "outcome", "flags", "reason");
        dvk_buf_printf(b, "%5d  %-16s %7s  %-18s %c%c%c%c   %s\n", r->rank, str(r->code),
                       pts(t, r->total), str(r->outcome), r->eligible ? 'e' : '-',
                       r->recognised ? 'r' : '-', r->exemplary ? 'x' : '-',
                       r->proposed ? 'p' : '-', str(r->reason));
    }
    if (!e->model_code && e->nresults > 0)
        dvk_buf_printf(b, "flags: e eligible, r recognised, x exemplary, p proposed; "
                          "`dvk runs show %lld MODEL` explains one model\n", h->id);
    return b->oom ? -1 : 0;
}

char *dvk_runs_explain_text(dvk_store *s, long long run, const char *model_code,
                            dvk_error *err)
{
    dvk_run_explain e;
    if (dvk_runs_explain(s, run, model_code, &e, err) != DVK_OK)
        return NULL;
    dvk_buf b = DVK_BUF_INIT;
    int bad = dvk_run_explain_text(&e, &b);
    /* one model: each council member's score beside the run's points, and who recused */
    if (!bad && model_code && e.nresults == 1 &&
        dvk_council_model_text(s, run, e.results[0].model, &b, err) != DVK_OK) {
        dvk_run_explain_free(&e);
        dvk_buf_free(&b);
        return NULL;
    }
    dvk_run_explain_free(&e);
    char *text = bad ? NULL : dvk_buf_take(&b, NULL);
    dvk_buf_free(&b);
    if (!text)
        nomem(err);
    return text;
}

/* ------------------------------------------------------------------ finalize */

/* 1 when d is written YYYY-MM-DD (digits and dashes); *y, *m, *day get its parts. */
static int date_form(const char *d, int *y, int *m, int *day)
{
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
            return 0;
    *y = atoi(d);
    *m = atoi(d + 5);
    *day = atoi(d + 8);
    return 1;
}

/* Days in month m (1..12) of year y. */
static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

/* The newest run after run of the same (province, year, level, unit), 0 when none, -1 on a
 * database error (err set). */
static long long newer_run(dvk_store *s, long long run, dvk_error *err)
{
    /* 0 the newest later run of the same scope */
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT max(n.id) FROM runs r JOIN runs n ON n.province = r.province AND"
        " n.year = r.year AND n.level = r.level AND n.unit IS r.unit AND n.id > r.id"
        " WHERE r.id = ?1", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    int src = sqlite3_step(st);
    long long id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (src != SQLITE_ROW)
        dvk_store_fail(s, src, err, "reading the runs");
    return id;
}

int dvk_runs_finalize(dvk_store *s, long long run, const char *number, const char *date,
                      const char *actor, dvk_error *err)
{
    return dvk_runs_finalize_with(s, run, number, date, actor, 0, err);
}

static int finalize(dvk_store *s, long long run, const char *number, const char *date,
                    const char *actor, unsigned flags, const dvk_finalize_opts *o, dvk_error *err);
static int check_inputs(dvk_store *s, long long run, dvk_error *err);
static int freeze_rows(dvk_store *s, long long run, dvk_error *err);
static int freeze_scripts(dvk_store *s, long long run, const char *scripts_dir, dvk_error *err);

int dvk_runs_finalize_with(dvk_store *s, long long run, const char *number, const char *date,
                           const char *actor, unsigned flags, dvk_error *err)
{
    return finalize(s, run, number, date, actor, flags, NULL, err);
}

static int finalize(dvk_store *s, long long run, const char *number, const char *date,
                    const char *actor, unsigned flags, const dvk_finalize_opts *o, dvk_error *err)
{
    int y = 0, m = 0, d = 0;
    if (!number || !*number)
        return dvk_error_set(err, DVK_EUSAGE, "finalize needs --number (the decision number)");
    if (!date || !date_form(date, &y, &m, &d))
        return dvk_error_set(err, DVK_EUSAGE, "--date takes YYYY-MM-DD (got '%s')",
                             date ? date : "");
    int rc = dvk_text_check_arg(number, "the decision number", err);
    if (rc != DVK_OK)
        return rc;
    if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return dvk_error_set(err, DVK_EDATA, "the decision date %s is not a date (%s)", date,
                             m < 1 || m > 12 ? "no such month"
                                             : d < 1 ? "no such day" : "past the month's last day");
    if ((rc = dvk_store_begin(s, err)) != DVK_OK)
        return rc;
    dvk_buf detail = DVK_BUF_INIT;
    dvk_run_info info;
    memset(&info, 0, sizeof info);
    sqlite3_stmt *st = NULL;
    int src;
    if ((rc = run_info(s, run, &info, err)) != DVK_OK)
        goto done;
    if (strcmp(str(info.status), "final") == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "run %lld is final already: it cannot be changed", run);
        goto done;
    }
    long long newer = newer_run(s, run, err);
    if (newer < 0) {
        rc = err->code;
        goto done;
    }
    if (newer > 0 && !(flags & DVK_FINALIZE_SUPERSEDED)) {
        rc = dvk_error_set(err, DVK_EDATA, "run %lld is superseded: run %lld is newer for %s %d %s%s%s "
                           "(finalize run %lld, or give --superseded to finalize this one)", run,
                           newer, str(info.province), info.year, str(info.level),
                           info.unit ? " unit " : "", info.unit ? info.unit : "", newer);
        goto done;
    }
    /* a decision on year Y's models is signed in Y or Y+1 (a run decided in January for the
     * year before); anything else is most likely a typing slip */
    if ((y < info.year || y > info.year + 1) && !(flags & DVK_FINALIZE_FORCE_DATE)) {
        rc = dvk_error_set(err, DVK_EDATA, "the decision date %s is outside %d-%d (run %lld "
                           "decides %d; a decision is dated in its year or the next): check "
                           "the date, or give --force-date", date, info.year, info.year + 1,
                           run, info.year);
        goto done;
    }
    /* what the run read must be what decide read; then the frozen record, written while
     * the run is still a draft (the triggers refuse rows for a final run) */
    if ((rc = check_inputs(s, run, err)) != DVK_OK ||
        (rc = freeze_rows(s, run, err)) != DVK_OK ||
        (rc = freeze_scripts(s, run, o && o->scripts_dir ? o->scripts_dir : dvk_paths_scripts(NULL),
                             err)) != DVK_OK ||
        (o && o->freeze && (rc = o->freeze(s, run, err)) != DVK_OK))
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
    /* the fingerprint binds the digest to the audit chain as it stands before this record
     * (store.h); inside this transaction nothing else can append to the log */
    long long count = 0;
    char head[65], fingerprint[DVK_FINGERPRINT_SIZE];
    if ((rc = dvk_store_audit_tail(s, &count, head, err)) != DVK_OK)
        goto done;
    if (dvk_store_fingerprint(digest, count, head, fingerprint) != 0) {
        rc = nomem(err);
        goto done;
    }
    dvk_buf_printf(&detail, "{\"run\":%lld", run);
    dvk_json_key(&detail, "number", 0);
    dvk_json_strz(&detail, number);
    dvk_json_key(&detail, "date", 0);
    dvk_json_strz(&detail, date);
    dvk_json_key(&detail, "digest", 0);
    dvk_json_strz(&detail, digest);
    dvk_json_key(&detail, "actor", 0);
    dvk_json_strz(&detail, actor ? actor : "dvk");
    dvk_json_key(&detail, "fingerprint", 0);
    dvk_json_strz(&detail, fingerprint);
    const dvk_sign_key *sign = o ? o->sign : NULL;
    if (sign && (rc = dvk_runs_sign_detail(s, run, sign, digest, count, head, &detail, err)))
        goto done;
    dvk_buf_addc(&detail, '}');
    if (detail.oom) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dvk_store_audit(s, "finalize", dvk_buf_str(&detail), err)) != DVK_OK)
        goto done;
    rc = dvk_store_commit(s, err);
    if (rc == DVK_OK) {
        dvk_buf_free(&detail);
        run_info_free(&info);
        return DVK_OK;
    }
done:
    sqlite3_finalize(st);
    dvk_buf_free(&detail);
    run_info_free(&info);
    dvk_store_rollback(s);
    return rc;
}

int dvk_runs_write_receipt(dvk_store *s, long long run, const char *path, dvk_error *err)
{
    dvk_buf text = DVK_BUF_INIT;
    int rc = dvk_store_receipt(s, run, &text, err);
    if (rc == DVK_OK)
        rc = dvk_runs_receipt_signatures(s, run, &text, err);
    if (rc != DVK_OK) {
        dvk_buf_free(&text);
        return rc;
    }
    const dvk_outfile_keep keep = {.db = dvk_store_path(s)};
    dvk_outfile out;
    if ((rc = dvk_outfile_open(&out, path, &keep, 0, err)) != DVK_OK) {
        dvk_buf_free(&text);
        return rc;
    }
    if (fwrite(dvk_buf_str(&text), 1, text.len, out.f) != text.len)
        rc = dvk_error_set(err, DVK_EIO, "%s: write error (%s)", path ? path : "standard output",
                           strerror(errno));
    int crc = dvk_outfile_close(&out, rc == DVK_OK, rc ? NULL : err);
    dvk_buf_free(&text);
    return rc ? rc : crc;
}

int dvk_runs_finalize_opts(dvk_store *s, long long run, const char *number, const char *date,
                           const char *actor, const dvk_finalize_opts *o, dvk_error *err)
{
    static const dvk_finalize_opts none;
    if (!o)
        o = &none;
    if (o->receipt) {
        const dvk_outfile_keep keep = {.db = dvk_store_path(s)};
        int rc = dvk_outfile_check(o->receipt, &keep, err);
        if (rc != DVK_OK)
            return rc;
    }
    int rc = finalize(s, run, number, date, actor, o->flags, o, err);
    if (rc != DVK_OK || !o->receipt)
        return rc;
    if ((rc = dvk_runs_write_receipt(s, run, o->receipt, err)) != DVK_OK)
        dvk_error_prefix(err, "run %lld is final, but its receipt was not written (write it with "
                         "`dvk runs receipt %lld -o FILE`)", run, run);
    return rc;
}

/* ------------------------------------------------------------------ the frozen record */

/* Per value: 0x1f, '0' + type, and unless NULL "<length>:" and the bytes (numbers in
 * SQLite's text form, so that no text is built for the hash); "\n" per row. The small pieces
 * go through h->buf so that the digest sees few, large updates (the same bytes, so the same
 * digest, as value by value: it is the number of calls into libcrypto that costs). cols: the
 * statement's columns to hash, in order (NULL: 0 .. n-1). */
static void hash_row(dvk_runs_inputs *h, sqlite3_stmt *st, const int *cols, int n)
{
    unsigned char *buf = h->buf;
    const size_t cap = sizeof h->buf;
    for (int j = 0; j < n; j++) {
        int i = cols ? cols[j] : j;
        int type = sqlite3_column_type(st, i);
        if (h->used + 32 > cap) {
            dvk_sha256_update(&h->c, buf, h->used);
            h->used = 0;
        }
        buf[h->used++] = 0x1f;
        buf[h->used++] = (unsigned char)('0' + type);
        if (type == SQLITE_NULL)
            continue;
        const void *v = type == SQLITE_BLOB ? sqlite3_column_blob(st, i)
                                            : (const void *)sqlite3_column_text(st, i);
        size_t len = (size_t)sqlite3_column_bytes(st, i);
        char digits[24];
        int k = 0;
        size_t d = len;
        do
            digits[k++] = (char)('0' + d % 10);
        while ((d /= 10) > 0);
        while (k > 0)
            buf[h->used++] = (unsigned char)digits[--k];
        buf[h->used++] = ':';
        if (!v || len == 0)
            continue;
        if (h->used + len > cap) {
            dvk_sha256_update(&h->c, buf, h->used);
            h->used = 0;
        }
        if (len > cap) {
            dvk_sha256_update(&h->c, v, len);
        } else {
            memcpy(buf + h->used, v, len);
            h->used += len;
        }
    }
    if (h->used + 1 > cap) {
        dvk_sha256_update(&h->c, buf, h->used);
        h->used = 0;
    }
    buf[h->used++] = '\n';
}

/* Every column of every row of sql (bound ?1 = run) into h. */
static int hash_rows(dvk_store *s, dvk_runs_inputs *h, const char *sql, long long run,
                     dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int rc, n = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        hash_row(h, st, NULL, n);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, rc, err, "hashing a run's inputs");
}

/* The columns of a candidate row (DVK_SCRIPT_MODEL_COLS) in the order the digest takes a
 * model's: id, code, name, unit, province, kind, category, field, level, year, registration,
 * started_on, address, description, metrics. */
static const int MODEL_DIGEST_COLS[] = {0, 1, 2, 14, 15, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13};
#define N_MODEL_DIGEST_COLS ((int)(sizeof MODEL_DIGEST_COLS / sizeof MODEL_DIGEST_COLS[0]))

void dvk_runs_inputs_begin(dvk_runs_inputs *h)
{
    dvk_sha256_init(&h->c);
    h->used = 0;
}

void dvk_runs_inputs_model(dvk_runs_inputs *h, sqlite3_stmt *cand)
{
    hash_row(h, cand, MODEL_DIGEST_COLS, N_MODEL_DIGEST_COLS);
}

int dvk_runs_inputs_end(dvk_store *s, dvk_runs_inputs *h, long long run, char out[65],
                        dvk_error *err)
{
    /* in the order of the tables' keys: nothing to sort */
    static const char *const sql[] = {
        "SELECT a.model, a.criterion, a.appraiser, a.score, a.note FROM results r"
        " JOIN runs x ON x.id = r.run"
        " JOIN appraisals a ON a.model = r.model AND a.level = x.level WHERE r.run = ?1"
        " ORDER BY a.model, a.criterion, a.appraiser",
        "SELECT u.code, u.name, u.kind, u.parent, u.province, u.valid_from, u.valid_to,"
        " u.successor FROM runs x JOIN units u ON u.province = x.province"
        " OR u.code = x.province WHERE x.id = ?1 ORDER BY u.code",
    };
    int rc = DVK_OK;
    for (size_t i = 0; i < sizeof sql / sizeof sql[0] && rc == DVK_OK; i++)
        rc = hash_rows(s, h, sql[i], run, err);
    dvk_sha256_update(&h->c, h->buf, h->used);
    h->used = 0;
    if (dvk_sha256_final_hex(&h->c, out) != 0 && rc == DVK_OK)
        return nomem(err);
    return rc;
}

int dvk_runs_inputs_digest(dvk_store *s, long long run, int by_code, char out[65],
                           dvk_error *err)
{
    /* the candidates' models: in model-code order, as decide reads them (by_code), or, for a
     * run decided before dvk hashed them while reading, in the order of the models' ids */
    static const char *const models_sql[] = {
        "SELECT m.id, m.code, m.name, m.unit, m.province, m.kind, m.category, m.field, m.level,"
        " m.year, m.registration, m.started_on, m.address, m.description, m.metrics"
        " FROM results r JOIN models m ON m.id = r.model WHERE r.run = ?1 ORDER BY r.model",
        "SELECT m.id, m.code, m.name, m.unit, m.province, m.kind, m.category, m.field, m.level,"
        " m.year, m.registration, m.started_on, m.address, m.description, m.metrics"
        " FROM results r JOIN models m ON m.id = r.model WHERE r.run = ?1 ORDER BY m.code",
    };
    dvk_runs_inputs h;
    dvk_runs_inputs_begin(&h);
    int rc = hash_rows(s, &h, models_sql[by_code != 0], run, err);
    if (rc != DVK_OK) {
        dvk_sha256_final_hex(&h.c, out);
        return rc;
    }
    return dvk_runs_inputs_end(s, &h, run, out, err);
}

int dvk_runs_source(dvk_store *s, long long run, dvk_error *err)
{
    return dvk_store_run_frozen(s, run, err);
}

void dvk_runs_join_models(dvk_buf *b, int source, const char *m, const char *r)
{
    if (source > 0)
        dvk_buf_printf(b, " JOIN run_models %s ON %s.run = %s.run AND %s.id = %s.model", m, m, r,
                       m, r);
    else
        dvk_buf_printf(b, " JOIN models %s ON %s.id = %s.model", m, m, r);
}

void dvk_runs_join_units(dvk_buf *b, int source, const char *u, const char *code,
                         const char *run)
{
    if (source > 0)
        dvk_buf_printf(b, " JOIN run_units %s ON %s.run = %s AND %s.code = %s", u, u, run, u,
                       code);
    else
        dvk_buf_printf(b, " JOIN units %s ON %s.code = %s", u, u, code);
}

/* Read path (under the scripts folder) whole into *text; 0, or -1 when it cannot be read
 * (not a regular file, too large, I/O error: errno). */
static int read_whole(const char *path, dvk_buf *text)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return -1;
    if (!S_ISREG(sb.st_mode) || sb.st_size > 16 * 1024 * 1024) {
        errno = EINVAL;
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        dvk_buf_add(text, chunk, n);
    int bad = ferror(f) || text->oom;
    fclose(f);
    return bad ? -1 : 0;
}

/* Read the script rel ("provinces/x.lua", "lib/y.lua") of the scripts folder dir into text,
 * as require finds it: a library file the folder does not hold comes from the installed
 * library. path (size 4096) gets the file read (or tried). */
static int read_script(const char *dir, const char *rel, char *path, dvk_buf *text)
{
    snprintf(path, 4096, "%s/%s", dir, rel);
    int r = read_whole(path, text);
    const char *builtin = dvk_paths_builtin_scripts();
    if (r != 0 && errno == ENOENT && !text->oom && builtin && strcmp(builtin, dir) != 0 &&
        strncmp(rel, "lib/", 4) == 0) {
        snprintf(path, 4096, "%s/%s", builtin, rel);
        dvk_buf_reset(text);
        r = read_whole(path, text);
    }
    return r;
}

/* One script to record: its path ("scripts/...") and the SHA-256 decide recorded (NULL: a
 * library file the reports may load, recorded as it is now). */
typedef struct script_file {
    char *path, *sha;
} script_file;

typedef struct script_list {
    script_file *v;
    size_t n, cap;
} script_list;

static void script_list_free(script_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].sha);
    }
    free(l->v);
}

static int script_list_has(const script_list *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].path, path) == 0)
            return 1;
    return 0;
}

static int script_list_add(script_list *l, const char *path, const char *sha)
{
    script_file *f = push(&l->v, &l->n, &l->cap, sizeof *f);
    if (!f)
        return -1;
    f->path = strdup(path);
    f->sha = sha ? strdup(sha) : NULL;
    return !f->path || (sha && !f->sha) ? -1 : 0;
}

static int cmp_script(const void *a, const void *b)
{
    return strcmp(((const script_file *)a)->path, ((const script_file *)b)->path);
}

/* Every *.lua file under dir/rel (rel "lib" or below), as "scripts/REL/NAME", into l; the
 * walk follows no symbolic link. */
static int list_lib(const char *dir, const char *rel, script_list *l, int depth)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    DIR *d = opendir(path);
    if (!d)
        return 0;   /* no library folder: nothing to record */
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096], full[8192];
        snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
        snprintf(full, sizeof full, "%s/%s", dir, sub);
        struct stat sb;
        if (lstat(full, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode) && depth < 8) {
            rc = list_lib(dir, sub, l, depth + 1);
        } else if (S_ISREG(sb.st_mode)) {
            size_t n = strlen(e->d_name);
            char key[4200];
            snprintf(key, sizeof key, "scripts/%s", sub);
            if (n > 4 && strcmp(e->d_name + n - 4, ".lua") == 0 && !script_list_has(l, key))
                rc = script_list_add(l, key, NULL);
        }
    }
    closedir(d);
    return rc;
}

/* Record run's scripts (run_scripts): the files runs.scripts names, which must still have
 * the SHA-256 decide recorded, and every library file under scripts_dir/lib. */
static int freeze_scripts(dvk_store *s, long long run, const char *scripts_dir, dvk_error *err)
{
    script_list l = {0};
    dvk_buf text = DVK_BUF_INIT;
    int rc = DVK_OK, src;
    sqlite3_stmt *ins = NULL;
    /* 0 path, 1 sha */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT j.key, j.value FROM runs x, json_each(x.scripts) j"
                                            " WHERE x.id = ?1 AND json_valid(x.scripts)", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        if (script_list_add(&l, (const char *)sqlite3_column_text(st, 0),
                            (const char *)sqlite3_column_text(st, 1)) != 0) {
            sqlite3_finalize(st);
            rc = nomem(err);
            goto done;
        }
    sqlite3_finalize(st);
    if (src != SQLITE_DONE) {
        rc = dvk_store_fail(s, src, err, "reading the run's scripts");
        goto done;
    }
    /* the folder's own library first (its files override), then the installed one */
    const char *builtin = dvk_paths_builtin_scripts();
    if (list_lib(scripts_dir, "lib", &l, 0) != 0 ||
        (builtin && strcmp(builtin, scripts_dir) != 0 && list_lib(builtin, "lib", &l, 0) != 0)) {
        rc = nomem(err);
        goto done;
    }
    if (l.n == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "run %lld names no script it was decided with: decide "
                           "again", run);
        goto done;
    }
    qsort(l.v, l.n, sizeof *l.v, cmp_script);
    if (!(ins = dvk_store_prepare(s, "INSERT INTO run_scripts(run, path, sha256, text)"
                                     " VALUES (?1, ?2, ?3, ?4)", err))) {
        rc = err->code;
        goto done;
    }
    for (size_t i = 0; i < l.n; i++) {
        const script_file *f = &l.v[i];
        const char *rel = strncmp(f->path, "scripts/", 8) == 0 ? f->path + 8 : f->path;
        char path[4096], sha[65];
        dvk_buf_reset(&text);
        if (read_script(scripts_dir, rel, path, &text) != 0) {
            rc = text.oom ? nomem(err)
                          : dvk_error_set(err, DVK_EDATA, "%s: cannot read it to keep with run %lld "
                                          "(%s); give the scripts folder run %lld was decided "
                                          "with (--scripts)", path, run, strerror(errno), run);
            goto done;
        }
        dvk_sha256_hex(dvk_buf_str(&text), text.len, sha);
        if (f->sha && strcmp(sha, f->sha) != 0) {
            rc = dvk_error_set(err, DVK_EDATA, "%s changed since run %lld was decided (its SHA-256 "
                               "is not the one the run recorded); decide again", f->path, run);
            goto done;
        }
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, run);
        sqlite3_bind_text(ins, 2, f->path, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, dvk_buf_str(&text), (int)text.len, SQLITE_STATIC);
        if ((src = sqlite3_step(ins)) != SQLITE_DONE) {
            rc = dvk_store_fail(s, src, err, "recording the run's scripts");
            goto done;
        }
    }
done:
    sqlite3_finalize(ins);
    dvk_buf_free(&text);
    script_list_free(&l);
    return rc;
}

/* Delete what a draft's frozen record holds (a draft has none, unless a database was set
 * back by hand: it is replaced, never trusted); the triggers refuse it for a final run. */
static int clear_record(dvk_store *s, long long run, dvk_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM run_models WHERE run = ?1", "DELETE FROM run_units WHERE run = ?1",
        "DELETE FROM run_appraisals WHERE run = ?1", "DELETE FROM run_scripts WHERE run = ?1",
        "DELETE FROM run_stats WHERE run = ?1", "DELETE FROM run_appraisers WHERE run = ?1",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st = dvk_store_prepare(s, sql[i], err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, run);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
            return dvk_store_fail(s, src, err, "clearing a draft's record");
    }
    return DVK_OK;
}

/* dvk_row_sha256(text): the SHA-256 (hex) of a model row's text (DVK_MODEL_ROW_TEXT), for
 * finalize's own INSERT of the record; registered on the connection only while it runs, and
 * SQLITE_DIRECTONLY: never callable from a trigger or view of the database file. */
static void sql_row_sha256(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char h[65];
    const unsigned char *t = sqlite3_value_text(argv[0]);
    if (dvk_sha256_hex(t ? (const char *)t : "", (size_t)sqlite3_value_bytes(argv[0]), h) != 0) {
        sqlite3_result_error_nomem(cx);
        return;
    }
    sqlite3_result_text(cx, h, 64, SQLITE_TRANSIENT);
}

/* Copy run's candidates' models (each with its row's hash), every unit and the candidates'
 * appraisals at the run's level and the province's council members into the frozen
 * record, after clearing what a draft may hold. */
static int freeze_rows(dvk_store *s, long long run, dvk_error *err)
{
    static const char *const sql[] = {
        "INSERT INTO run_models(run, id, code, name, name_key, unit, province, kind, category,"
        " field, level, year, registration, started_on, address, description, metrics,"
        " synthetic, hash) SELECT ?1, m.id, m.code, m.name, m.name_key, m.unit, m.province,"
        " m.kind, m.category, m.field, m.level, m.year, m.registration, m.started_on, m.address,"
        " m.description, m.metrics, m.synthetic, dvk_row_sha256(" DVK_MODEL_ROW_TEXT("m") ")"
        " FROM results r JOIN models m ON m.id = r.model WHERE r.run = ?1",
        "INSERT INTO run_units(run, code, name, name_key, kind, parent, province, valid_from,"
        " valid_to, successor) SELECT ?1, code, name, name_key, kind, parent, province,"
        " valid_from, valid_to, successor FROM units",
        "INSERT INTO run_appraisals(run, model, criterion, appraiser, score, note)"
        " SELECT ?1, a.model, a.criterion, a.appraiser, a.score, a.note FROM results r"
        " JOIN runs x ON x.id = r.run"
        " JOIN appraisals a ON a.model = r.model AND a.level = x.level WHERE r.run = ?1",
        "INSERT INTO run_appraisers(run, code, name, unit, role, levels)"
        " SELECT ?1, p.code, p.name, p.unit, p.role, p.levels FROM runs x"
        " JOIN appraisers p ON p.province = x.province WHERE x.id = ?1",
    };
    if (clear_record(s, run, err) != DVK_OK)
        return err->code;
    sqlite3 *db = dvk_store_db(s);
    int rc = sqlite3_create_function(db, "dvk_row_sha256", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                     SQLITE_DIRECTONLY, NULL, sql_row_sha256, NULL, NULL);
    if (rc != SQLITE_OK)
        return dvk_store_fail(s, rc, err, "recording the run");
    for (size_t i = 0; rc == DVK_OK && i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st = dvk_store_prepare(s, sql[i], err);
        if (!st) {
            rc = err->code;
            break;
        }
        sqlite3_bind_int64(st, 1, run);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE)
            rc = dvk_store_fail(s, src, err, "recording the run");
    }
    sqlite3_create_function(db, "dvk_row_sha256", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
    return rc;
}

/* The inputs digest decide stored for run (summary.inputs; summary.inputs_by "code" when
 * the models were hashed in model-code order, as decide reads them), compared with today's:
 * refused when they differ. A run decided before dvk stored it is not checked. */
static int check_inputs(dvk_store *s, long long run, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT json_extract(summary, '$.inputs'),"
                                            " json_extract(summary, '$.inputs_by') = 'code'"
                                            " FROM runs WHERE id = ?1 AND json_valid(summary)", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int src = sqlite3_step(st), oom = 0;
    char *held = src == SQLITE_ROW ? dvk_store_column_dup(st, 0, &oom) : NULL;
    int by_code = src == SQLITE_ROW && sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    if (oom)
        return nomem(err);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return dvk_store_fail(s, src, err, "reading the run's summary");
    if (!held)
        return DVK_OK;
    char now[65];
    int rc = dvk_runs_inputs_digest(s, run, by_code, now, err);
    if (rc == DVK_OK && strcmp(now, held) != 0)
        rc = dvk_error_set(err, DVK_EDATA, "models changed since run %lld was decided; decide again "
                           "(its candidates, their appraisals or the province's units were "
                           "imported or edited after `dvk decide`)", run);
    free(held);
    return rc;
}

/* The recorded scripts of run: 0 path, 1 sha256, 2 text. */
static sqlite3_stmt *recorded_scripts(dvk_store *s, long long run, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT path, sha256, text FROM run_scripts WHERE run = ?1"
                                            " ORDER BY path", err);
    if (st)
        sqlite3_bind_int64(st, 1, run);
    return st;
}

/* 1 when the file current/rel is missing or its SHA-256 is not sha. */
static int script_differs(const char *current, const char *rel, const char *sha)
{
    char path[4096], now[65];
    dvk_buf text = DVK_BUF_INIT;
    int differs = read_script(current, rel, path, &text) != 0 || dvk_sha256_hex(dvk_buf_str(&text), text.len, now) != 0 ||
                  strcmp(now, sha) != 0;
    dvk_buf_free(&text);
    return differs;
}

/* Make dir/rel's parent folders (rel a relative path of plain components). */
static int make_parents(const char *dir, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    size_t base = strlen(dir) + 1;
    for (char *p = path + base; (p = strchr(p, '/')); p++) {
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* A recorded path as a relative path under a scripts folder: "scripts/" stripped; NULL
 * when it is not a plain relative path (no "..", no leading "/"). */
static const char *script_rel(const char *path)
{
    const char *rel = strncmp(path, "scripts/", 8) == 0 ? path + 8 : path;
    if (!*rel || rel[0] == '/' || strstr(rel, "..") || strstr(rel, "//"))
        return NULL;
    return rel;
}

static int scripts_walk(dvk_store *s, long long run, const char *current, const char *dir,
                        int *changed, char *first, dvk_error *err)
{
    if (changed)
        *changed = 0;
    if (first)
        first[0] = '\0';
    sqlite3_stmt *st = recorded_scripts(s, run, err);
    if (!st)
        return err->code;
    int src, n = 0, rc = DVK_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0);
        const char *sha = (const char *)sqlite3_column_text(st, 1);
        const char *rel = path ? script_rel(path) : NULL;
        n++;
        if (!rel || !sha) {
            rc = dvk_error_set(err, DVK_EDATA, "run %lld: a recorded script has no usable path", run);
            break;
        }
        if (current && script_differs(current, rel, sha)) {
            if (changed && (*changed)++ == 0 && first)
                snprintf(first, 1024, "%s", path);
        }
        if (!dir)
            continue;
        char out[4096];
        snprintf(out, sizeof out, "%s/%s", dir, rel);
        FILE *f = NULL;
        if (make_parents(dir, rel) != 0 || !(f = fopen(out, "wbx")) ||
            fwrite(sqlite3_column_blob(st, 2), 1, (size_t)sqlite3_column_bytes(st, 2), f) !=
                (size_t)sqlite3_column_bytes(st, 2) ||
            fclose(f) != 0) {
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot write a recorded script (%s)", out,
                               strerror(errno));
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc == DVK_OK && src != SQLITE_DONE)
        rc = dvk_store_fail(s, src, err, "reading the run's scripts");
    if (rc == DVK_OK && n == 0)
        rc = dvk_error_set(err, DVK_EDATA, "run %lld has no recorded scripts", run);
    return rc;
}

int dvk_runs_scripts_compare(dvk_store *s, long long run, const char *current, int *changed,
                             char *first, dvk_error *err)
{
    return scripts_walk(s, run, current, NULL, changed, first, err);
}

/* Remove path and everything under it (folders and files written by scripts_walk). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            struct stat sb;
            if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
                remove_tree(sub);
            else
                unlink(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

void dvk_runs_scripts_remove(const char *dir)
{
    if (dir && *dir)
        remove_tree(dir);
}

int dvk_runs_scripts_write(dvk_store *s, long long run, const char *current, char *dir,
                           int *changed, char *first, dvk_error *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, 4096, "%s/dvk-run-%lld-XXXXXX", tmp && *tmp ? tmp : "/tmp", run);
    if (!mkdtemp(dir)) {
        int rc = dvk_error_set(err, DVK_EIO, "%s: cannot make a folder for run %lld's recorded "
                               "scripts (%s)", dir, run, strerror(errno));
        dir[0] = '\0';
        return rc;
    }
    int rc = scripts_walk(s, run, current, dir, changed, first, err);
    if (rc != DVK_OK) {
        dvk_runs_scripts_remove(dir);
        dir[0] = '\0';
    }
    return rc;
}

/* ------------------------------------------------------------------ revoke and delete */

void dvk_run_revocations_free(dvk_run_revocation *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].model_code);
        free(v[i].number);
        free(v[i].date);
        free(v[i].reason);
    }
    free(v);
}

int dvk_runs_revocations(dvk_store *s, long long run, dvk_run_revocation **out, size_t *n,
                         dvk_error *err)
{
    *out = NULL;
    *n = 0;
    /* 0 model code (NULL: the whole run), 1 number, 2 date, 3 reason */
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT m.code, v.decision_number, v.decision_date, v.reason FROM revocations v"
        " LEFT JOIN models m ON m.id = v.model WHERE v.run = ?1"
        " ORDER BY v.model IS NOT NULL, m.code, v.id", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    size_t cap = 0;
    int src, oom = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        dvk_run_revocation *v = push(out, n, &cap, sizeof *v);
        if (!v) {
            oom = 1;
            break;
        }
        v->model_code = dvk_store_column_dup(st, 0, &oom);
        v->number = dvk_store_column_dup(st, 1, &oom);
        v->date = dvk_store_column_dup(st, 2, &oom);
        v->reason = dvk_store_column_dup(st, 3, &oom);
        if (oom)
            break;
    }
    sqlite3_finalize(st);
    int rc = oom ? nomem(err) : src == SQLITE_DONE ? DVK_OK
                                                   : dvk_store_fail(s, src, err, "reading revocations");
    if (rc != DVK_OK) {
        dvk_run_revocations_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* Step a statement that returns one integer; -1 on error (err set with what). */
static long long one_int(dvk_store *s, sqlite3_stmt *st, const char *what, dvk_error *err)
{
    int src = sqlite3_step(st);
    long long v = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (src != SQLITE_ROW && src != SQLITE_DONE) {
        dvk_store_fail(s, src, err, what);
        return -1;
    }
    return v;
}

/* Revoke the whole run (model 0) or one model of it (code given for messages); the checks
 * that need the database. Inside the caller's transaction. */
static int revoke_one(dvk_store *s, long long run, const char *code, const char *number,
                      const char *date, const char *reason, dvk_buf *detail, dvk_error *err)
{
    long long model = 0;
    sqlite3_stmt *st;
    if (code) {
        /* 0 the model's id when it is a candidate of the run */
        if (!(st = dvk_store_prepare(s, "SELECT m.id FROM models m JOIN results r ON r.model = m.id"
                                        " WHERE m.code = ?1 AND r.run = ?2", err)))
            return err->code;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, run);
        model = one_int(s, st, "reading the model", err);
        sqlite3_finalize(st);
        if (model < 0)
            return err->code;
        if (model == 0)
            return dvk_error_set(err, DVK_EDATA, "model '%s' is not a candidate of run %lld "
                                 "(see `dvk runs show %lld`)", code, run, run);
    }
    /* 0 the number of revocations that already cover it */
    if (!(st = dvk_store_prepare(s, "SELECT count(*) FROM revocations WHERE run = ?1"
                                    " AND (model IS NULL OR model = ?2)", err)))
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    if (model)
        sqlite3_bind_int64(st, 2, model);
    long long have = one_int(s, st, "reading revocations", err);
    sqlite3_finalize(st);
    if (have < 0)
        return err->code;
    if (have > 0)
        return code ? dvk_error_set(err, DVK_EDATA, "model '%s' of run %lld is revoked already",
                                    code, run)
                    : dvk_error_set(err, DVK_EDATA, "run %lld is revoked already", run);
    if (!(st = dvk_store_prepare(s, "INSERT INTO revocations (run, model, decision_number,"
                                    " decision_date, reason, at) VALUES (?1, ?2, ?3, ?4, ?5,"
                                    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", err)))
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    if (model)
        sqlite3_bind_int64(st, 2, model);
    sqlite3_bind_text(st, 3, number, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    if (src != SQLITE_DONE)
        return dvk_store_fail(s, src, err, "recording the revocation");
    if (code) {
        if (detail->len > 0 && detail->p[detail->len - 1] != '[')
            dvk_buf_addc(detail, ',');
        dvk_json_strz(detail, code);
    }
    return DVK_OK;
}

/* End a write of runs: add the actor to the audit detail (an open JSON object), close it,
 * append the audit record and commit. The caller rolls back when this fails. */
static int audit_and_commit(dvk_store *s, const char *action, dvk_buf *detail, const char *actor,
                            dvk_error *err)
{
    dvk_json_key(detail, "actor", 0);
    dvk_json_strz(detail, actor ? actor : "dvk");
    dvk_buf_addc(detail, '}');
    if (detail->oom)
        return nomem(err);
    int rc = dvk_store_audit(s, action, dvk_buf_str(detail), err);
    return rc != DVK_OK ? rc : dvk_store_commit(s, err);
}

int dvk_runs_revoke(dvk_store *s, long long run, const char *const *models, size_t nmodels,
                    const char *number, const char *date, const char *reason,
                    const char *actor, dvk_error *err)
{
    int y = 0, m = 0, d = 0;
    if (!number || !*number)
        return dvk_error_set(err, DVK_EUSAGE, "revoke needs --number (the revocation decision's number)");
    if (!reason || !*reason)
        return dvk_error_set(err, DVK_EUSAGE, "revoke needs --reason");
    if (!date || !date_form(date, &y, &m, &d))
        return dvk_error_set(err, DVK_EUSAGE, "--date takes YYYY-MM-DD (got '%s')",
                             date ? date : "");
    int rc = dvk_text_check_arg(number, "the decision number", err);
    if (rc != DVK_OK || (rc = dvk_text_check_arg(reason, "the reason", err)) != DVK_OK)
        return rc;
    for (size_t i = 0; i < nmodels; i++)
        if ((rc = dvk_text_check_arg(models[i], "the model code", err)) != DVK_OK)
            return rc;
    if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return dvk_error_set(err, DVK_EDATA, "the revocation date %s is not a date (%s)", date,
                             m < 1 || m > 12 ? "no such month"
                                             : d < 1 ? "no such day" : "past the month's last day");
    if ((rc = dvk_store_begin(s, err)) != DVK_OK)
        return rc;
    dvk_buf detail = DVK_BUF_INIT;
    dvk_run_info info;
    memset(&info, 0, sizeof info);
    if ((rc = run_info(s, run, &info, err)) != DVK_OK)
        goto done;
    if (strcmp(str(info.status), "final") != 0) {
        rc = dvk_error_set(err, DVK_EDATA, "run %lld is a draft: a draft is not revoked (delete "
                           "it with `dvk runs delete %lld`, or decide again)", run, run);
        goto done;
    }
    if (strcmp(date, str(info.decision_date)) < 0) {
        rc = dvk_error_set(err, DVK_EDATA, "the revocation date %s is before the run's decision "
                           "date %s", date, str(info.decision_date));
        goto done;
    }
    dvk_buf_printf(&detail, "{\"run\":%lld", run);
    dvk_json_key(&detail, "models", 0);
    dvk_buf_addc(&detail, '[');
    if (nmodels == 0)
        rc = revoke_one(s, run, NULL, number, date, reason, &detail, err);
    for (size_t i = 0; i < nmodels && rc == DVK_OK; i++) {
        for (size_t j = 0; j < i && rc == DVK_OK; j++)
            if (strcmp(models[j], models[i]) == 0)
                rc = dvk_error_set(err, DVK_EDATA, "model '%s' is named twice", models[i]);
        if (rc == DVK_OK)
            rc = revoke_one(s, run, models[i], number, date, reason, &detail, err);
    }
    if (rc != DVK_OK)
        goto done;
    dvk_buf_addc(&detail, ']');
    dvk_json_key(&detail, "number", 0);
    dvk_json_strz(&detail, number);
    dvk_json_key(&detail, "date", 0);
    dvk_json_strz(&detail, date);
    dvk_json_key(&detail, "reason", 0);
    dvk_json_strz(&detail, reason);
    rc = audit_and_commit(s, "revoke", &detail, actor, err);
done:
    dvk_buf_free(&detail);
    run_info_free(&info);
    if (rc != DVK_OK)
        dvk_store_rollback(s);
    return rc;
}

int dvk_runs_delete(dvk_store *s, long long run, const char *actor, dvk_error *err)
{
    static const char *const sql[] = {"DELETE FROM result_scores_packed WHERE run = ?1",
                                      "DELETE FROM results WHERE run = ?1",
                                      "DELETE FROM runs WHERE id = ?1"};
    int rc = dvk_store_begin(s, err);
    if (rc != DVK_OK)
        return rc;
    dvk_buf detail = DVK_BUF_INIT;
    dvk_run_info info;
    memset(&info, 0, sizeof info);
    if ((rc = run_info(s, run, &info, err)) != DVK_OK)
        goto done;
    if (strcmp(str(info.status), "final") == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "run %lld is final: a final run is never deleted "
                           "(revoke it with `dvk runs revoke %lld`)", run, run);
        goto done;
    }
    /* a draft holds no frozen record, unless a database was set back by hand */
    if ((rc = clear_record(s, run, err)) != DVK_OK)
        goto done;
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st = dvk_store_prepare(s, sql[i], err);
        if (!st) {
            rc = err->code;
            goto done;
        }
        sqlite3_bind_int64(st, 1, run);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        if (src != SQLITE_DONE) {
            rc = dvk_store_fail(s, src, err, "deleting the run");
            goto done;
        }
    }
    dvk_buf_printf(&detail, "{\"run\":%lld", run);
    dvk_json_key(&detail, "province", 0);
    dvk_json_strz(&detail, str(info.province));
    dvk_buf_printf(&detail, ",\"year\":%d", info.year);
    dvk_json_key(&detail, "level", 0);
    dvk_json_strz(&detail, str(info.level));
    rc = audit_and_commit(s, "delete", &detail, actor, err);
done:
    dvk_buf_free(&detail);
    run_info_free(&info);
    if (rc != DVK_OK)
        dvk_store_rollback(s);
    return rc;
}

/* ------------------------------------------------------------------ the diff of two runs */

void dvk_run_diff_free(dvk_run_diff *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nrules; i++) {
        dvk_diff_rule *r = &d->rules[i];
        free(r->kind);
        free(r->id);
        free(r->field);
        free(r->a);
        free(r->b);
    }
    free(d->rules);
    for (size_t i = 0; i < d->nchanged; i++) {
        dvk_diff_model *m = &d->models[i];
        free(m->code);
        free(m->name);
        free(m->outcome_a);
        free(m->outcome_b);
        free(m->reason);
        free(m->reason_a);
        free(m->reason_b);
        for (size_t k = 0; k < m->nscores; k++)
            free(m->scores[k].criterion);
        free(m->scores);
    }
    free(d->models);
    memset(d, 0, sizeof *d);
}

/* Whether run recorded its rules (a "rules" object in its summary): *has 1 or 0. */
static int has_rules(dvk_store *s, long long run, int *has, dvk_error *err)
{
    /* 0 1 when the summary holds a rules object */
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT json_type(summary, '$.rules') = 'object' FROM runs WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int src = sqlite3_step(st);
    *has = src == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? DVK_OK
                                                   : dvk_store_fail(s, src, err, "reading the rules");
}

/* A rule's value as the diff prints it: numbers as totals are written, strings quoted,
 * booleans yes/no; NULL when absent (type NULL). malloc'd; *oom set when out of memory. */
static char *rule_value(sqlite3_stmt *st, int type_col, int value_col, int *oom)
{
    const char *type = (const char *)sqlite3_column_text(st, type_col);
    char num[DVK_FORMAT_MAX];
    if (!type)
        return NULL;
    dvk_buf b = DVK_BUF_INIT;
    if (strcmp(type, "true") == 0 || strcmp(type, "false") == 0)
        dvk_buf_adds(&b, type[0] == 't' ? "yes" : "no");
    else if (strcmp(type, "integer") == 0 || strcmp(type, "real") == 0)
        dvk_buf_adds(&b, pts(num, sqlite3_column_double(st, value_col)));
    else if (strcmp(type, "text") == 0)
        dvk_buf_printf(&b, "\"%s\"", str((const char *)sqlite3_column_text(st, value_col)));
    else   /* arrays and objects (not written by decide today): their JSON */
        dvk_buf_adds(&b, str((const char *)sqlite3_column_text(st, value_col)));
    char *v = b.oom ? NULL : dvk_buf_take(&b, NULL);
    dvk_buf_free(&b);
    if (!v)
        *oom = 1;
    return v;
}

/* The rules that changed between d->a and d->b (both recorded theirs): every (kind, id)
 * entry of either run's summary.rules, flattened with its fields; an entry in one run only
 * is one row without a field, an entry in both gives one row per field whose type or value
 * differs. */
static int changed_rules(dvk_store *s, dvk_run_diff *d, dvk_error *err)
{
    /* 0 kind, 1 id, 2 field (NULL: the entry), 3 in a, 4 in b, 5 type in a, 6 value in a,
     * 7 type in b, 8 value in b */
    sqlite3_stmt *st = dvk_store_prepare(s,
        "WITH f(side, kind, id, field, type, value) AS ("
        "  SELECT x.side, k.key, e.key, v.key, v.type, v.value"
        "  FROM (SELECT 0 AS side, ?1 AS run UNION ALL SELECT 1, ?2) x"
        "  JOIN runs r ON r.id = x.run JOIN json_each(r.summary, '$.rules') k"
        "  JOIN json_each(k.value) e LEFT JOIN json_each(e.value) v"
        "  WHERE k.type = 'object' AND e.type = 'object'),"
        " e(kind, id, in_a, in_b) AS (SELECT kind, id, max(side = 0), max(side = 1) FROM f"
        "  GROUP BY kind, id),"
        " c(kind, id, field, in_a, in_b, ta, va, tb, vb) AS ("
        "  SELECT kind, id, NULL, in_a, in_b, NULL, NULL, NULL, NULL FROM e"
        "  WHERE NOT (in_a AND in_b)"
        "  UNION ALL"
        "  SELECT e.kind, e.id, n.field, fa.side IS NOT NULL, fb.side IS NOT NULL, fa.type,"
        "  fa.value, fb.type, fb.value FROM e"
        "  JOIN (SELECT DISTINCT kind, id, field FROM f WHERE field IS NOT NULL) n"
        "  ON n.kind = e.kind AND n.id = e.id"
        "  LEFT JOIN f fa ON fa.side = 0 AND fa.kind = n.kind AND fa.id = n.id AND fa.field = n.field"
        "  LEFT JOIN f fb ON fb.side = 1 AND fb.kind = n.kind AND fb.id = n.id AND fb.field = n.field"
        "  WHERE e.in_a AND e.in_b AND (fa.type IS NOT fb.type OR fa.value IS NOT fb.value))"
        " SELECT kind, id, field, in_a, in_b, ta, va, tb, vb FROM c ORDER BY"
        " CASE kind WHEN 'province' THEN 0 WHEN 'outcome' THEN 1 WHEN 'quota' THEN 2"
        " WHEN 'gate' THEN 3 WHEN 'criterion' THEN 4 ELSE 5 END, kind, id, field", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, d->a);
    sqlite3_bind_int64(st, 2, d->b);
    size_t cap = 0;
    int src, oom = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        dvk_diff_rule *r = push(&d->rules, &d->nrules, &cap, sizeof *r);
        if (!r) {
            oom = 1;
            break;
        }
        r->kind = dvk_store_column_dup(st, 0, &oom);
        r->id = dvk_store_column_dup(st, 1, &oom);
        r->field = dvk_store_column_dup(st, 2, &oom);
        r->in_a = sqlite3_column_int(st, 3);
        r->in_b = sqlite3_column_int(st, 4);
        r->a = rule_value(st, 5, 6, &oom);
        r->b = rule_value(st, 7, 8, &oom);
        if (oom)
            break;
    }
    sqlite3_finalize(st);
    if (oom)
        return nomem(err);
    return src == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, src, err, "comparing the rules");
}

/* The criteria whose points moved for model m (in both runs); sc is the prepared query. */
static int moved_scores(dvk_store *s, sqlite3_stmt *sc, const dvk_run_diff *d,
                        dvk_diff_model *m, dvk_error *err)
{
    sqlite3_reset(sc);
    sqlite3_bind_int64(sc, 1, d->a);
    sqlite3_bind_int64(sc, 2, d->b);
    sqlite3_bind_int64(sc, 3, m->model);
    size_t cap = 0;
    int src, oom = 0;
    while ((src = sqlite3_step(sc)) == SQLITE_ROW) {
        dvk_diff_score *x = push(&m->scores, &m->nscores, &cap, sizeof *x);
        if (!x) {
            oom = 1;
            break;
        }
        x->criterion = dvk_store_column_dup(sc, 0, &oom);
        x->in_a = sqlite3_column_type(sc, 1) != SQLITE_NULL;
        x->in_b = sqlite3_column_type(sc, 2) != SQLITE_NULL;
        x->a = sqlite3_column_double(sc, 1);
        x->b = sqlite3_column_double(sc, 2);
        if (oom)
            break;
    }
    sqlite3_reset(sc);
    if (oom)
        return nomem(err);
    return src == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, src, err, "comparing scores");
}

int dvk_runs_compare(dvk_store *s, long long a, long long b, dvk_run_diff *out,
                     dvk_error *err)
{
    memset(out, 0, sizeof *out);
    out->a = a;
    out->b = b;
    int rc;
    if ((rc = run_info(s, a, NULL, err)) != DVK_OK || (rc = run_info(s, b, NULL, err)) != DVK_OK)
        return rc;
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT (SELECT scripts FROM runs WHERE id = ?1) = (SELECT scripts FROM runs WHERE id = ?2)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    out->same_scripts = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if ((rc = has_rules(s, a, &out->rules_a, err)) != DVK_OK ||
        (rc = has_rules(s, b, &out->rules_b, err)) != DVK_OK ||
        (out->rules_a && out->rules_b && (rc = changed_rules(s, out, err)) != DVK_OK)) {
        dvk_run_diff_free(out);
        return rc;
    }
    /* 0 model, 1 code, 2 name, 3 outcome a, 4 outcome b, 5 rank a, 6 rank b, 7 total a,
     * 8 total b, 9 reason (b's, else a's), 10 reason a, 11 reason b */
    st = dvk_store_prepare(s,
        /* a model's name as run A keeps it when A is final, else as B keeps it, else today's */
        "SELECT x.model, m.code, coalesce((SELECT f.name FROM run_models f WHERE f.run = ?1 AND"
        " f.id = x.model), (SELECT f.name FROM run_models f WHERE f.run = ?2 AND f.id = x.model),"
        " m.name), ra.outcome, rb.outcome, ra.rank, rb.rank, ra.total,"
        " rb.total, coalesce(rb.reason, ra.reason), ra.reason, rb.reason"
        " FROM (SELECT model FROM results WHERE run = ?1 UNION SELECT model FROM results"
        " WHERE run = ?2) x JOIN models m ON m.id = x.model"
        " LEFT JOIN results ra ON ra.run = ?1 AND ra.model = x.model"
        " LEFT JOIN results rb ON rb.run = ?2 AND rb.model = x.model"
        " WHERE ra.model IS NULL OR rb.model IS NULL OR ra.outcome <> rb.outcome"
        " OR ra.rank <> rb.rank OR ra.total <> rb.total OR ra.gate IS NOT rb.gate"
        " OR ra.reason IS NOT rb.reason ORDER BY m.code", err);
    /* 0 criterion, 1 points in a, 2 points in b */
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
        rc = err->code;
        dvk_run_diff_free(out);
        return rc;
    }
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    size_t cap = 0;
    int src, oom = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        dvk_diff_model *m = push(&out->models, &out->nchanged, &cap, sizeof *m);
        if (!m) {
            oom = 1;
            break;
        }
        m->model = sqlite3_column_int64(st, 0);
        m->code = dvk_store_column_dup(st, 1, &oom);
        m->name = dvk_store_column_dup(st, 2, &oom);
        m->in_a = sqlite3_column_type(st, 3) != SQLITE_NULL;
        m->in_b = sqlite3_column_type(st, 4) != SQLITE_NULL;
        m->outcome_a = dvk_store_column_dup(st, 3, &oom);
        m->outcome_b = dvk_store_column_dup(st, 4, &oom);
        m->rank_a = sqlite3_column_int(st, 5);
        m->rank_b = sqlite3_column_int(st, 6);
        m->total_a = sqlite3_column_double(st, 7);
        m->total_b = sqlite3_column_double(st, 8);
        m->reason = dvk_store_column_dup(st, 9, &oom);
        m->reason_a = dvk_store_column_dup(st, 10, &oom);
        m->reason_b = dvk_store_column_dup(st, 11, &oom);
        if (oom)
            break;
        if (m->in_a && m->in_b && (rc = moved_scores(s, sc, out, m, err)) != DVK_OK)
            break;
    }
    sqlite3_finalize(st);
    sqlite3_finalize(sc);
    if (oom)
        rc = nomem(err);
    else if (rc == DVK_OK && src != SQLITE_DONE && src != SQLITE_ROW)
        rc = dvk_store_fail(s, src, err, "comparing runs");
    if (rc != DVK_OK)
        dvk_run_diff_free(out);
    return rc;
}

/* The rules part of the diff text: one line per changed entry, its changed fields joined
 * ("outcome ok: min 50 -> 60", "quota huyen/top: max 2 -> 1, per \"unit\" -> \"level\"",
 * "gate dia-chi: removed"), or why the rules are not compared. Nothing when both runs
 * recorded the same rules and used the same scripts. */
static void rules_text(const dvk_run_diff *d, dvk_buf *b)
{
    if (!d->rules_a || !d->rules_b) {
        if (!d->rules_a)
            dvk_buf_printf(b, "(rules not recorded for run %lld)\n", d->a);
        if (!d->rules_b)
            dvk_buf_printf(b, "(rules not recorded for run %lld)\n", d->b);
        return;
    }
    if (d->nrules == 0) {
        if (!d->same_scripts)
            dvk_buf_adds(b, "rules: no threshold, quota, gate or criterion changed (the "
                            "scripts' code differs)\n");
        return;
    }
    dvk_buf_adds(b, "rules:\n");
    for (size_t i = 0; i < d->nrules; i++) {
        const dvk_diff_rule *r = &d->rules[i];
        int same_entry = i > 0 && strcmp(r->kind, d->rules[i - 1].kind) == 0 &&
                         strcmp(r->id, d->rules[i - 1].id) == 0;
        if (!r->field) {
            dvk_buf_printf(b, "  %s %s: %s\n", r->kind, r->id, r->in_b ? "added" : "removed");
            continue;
        }
        if (same_entry)
            dvk_buf_adds(b, ", ");
        else
            dvk_buf_printf(b, "  %s %s: ", r->kind, r->id);
        dvk_buf_printf(b, "%s %s -> %s", r->field, r->a ? r->a : "(none)",
                       r->b ? r->b : "(none)");
        int last = i + 1 == d->nrules || strcmp(r->kind, d->rules[i + 1].kind) != 0 ||
                   strcmp(r->id, d->rules[i + 1].id) != 0;
        if (last)
            dvk_buf_addc(b, '\n');
    }
}

int dvk_run_diff_text(const dvk_run_diff *d, dvk_buf *b)
{
    char t1[DVK_FORMAT_MAX], t2[DVK_FORMAT_MAX], dt[DVK_FORMAT_MAX];
    dvk_buf_printf(b, "diff run %lld -> run %lld (%s)\n", d->a, d->b,
                   d->same_scripts ? "same scripts" : "scripts differ");
    rules_text(d, b);
    for (size_t i = 0; i < d->nchanged; i++) {
        const dvk_diff_model *m = &d->models[i];
        dvk_buf_printf(b, "\n%s  %s\n", str(m->code), str(m->name));
        if (!m->in_a || !m->in_b) {
            int in_b = !m->in_a;
            dvk_buf_printf(b, "  only in run %lld: %s, rank %d, total %s\n", in_b ? d->b : d->a,
                           str(in_b ? m->outcome_b : m->outcome_a), in_b ? m->rank_b : m->rank_a,
                           pts(t1, in_b ? m->total_b : m->total_a));
            continue;
        }
        dvk_buf_printf(b, "  outcome %s -> %s, rank %d -> %d, total %s -> %s\n",
                       str(m->outcome_a), str(m->outcome_b), m->rank_a, m->rank_b,
                       pts(t1, m->total_a), pts(t2, m->total_b));
        for (size_t k = 0; k < m->nscores; k++) {
            const dvk_diff_score *x = &m->scores[k];
            if (!x->in_a || !x->in_b) {
                dvk_buf_printf(b, "    %-22s %s -> %s\n", str(x->criterion),
                               x->in_a ? pts(t1, x->a) : "not scored",
                               x->in_b ? pts(t2, x->b) : "not scored");
                continue;
            }
            dvk_buf_printf(b, "    %-22s %s -> %s (%s%s)\n", str(x->criterion), pts(t1, x->a),
                           pts(t2, x->b), x->b >= x->a ? "+" : "", pts(dt, x->b - x->a));
        }
        if (m->nscores == 0)
            dvk_buf_adds(b, "    no criterion moved: a threshold, quota or gate changed, or "
                            "other models moved\n");
        if (m->reason_a && m->reason_b && strcmp(m->reason_a, m->reason_b) == 0) {
            if (*m->reason_b)
                dvk_buf_printf(b, "    reason: %s\n", m->reason_b);
        } else if (m->reason_a || m->reason_b) {
            dvk_buf_printf(b, "    reason in run %lld: %s\n", d->a,
                           m->reason_a && *m->reason_a ? m->reason_a : "(none)");
            dvk_buf_printf(b, "    reason in run %lld: %s\n", d->b,
                           m->reason_b && *m->reason_b ? m->reason_b : "(none)");
        }
    }
    dvk_buf_printf(b, "\n%zu model%s changed\n", d->nchanged, d->nchanged == 1 ? "" : "s");
    return b->oom ? -1 : 0;
}

char *dvk_runs_diff_text(dvk_store *s, long long a, long long b, long long *changed,
                         dvk_error *err)
{
    dvk_run_diff d;
    if (changed)
        *changed = 0;
    if (dvk_runs_compare(s, a, b, &d, err) != DVK_OK)
        return NULL;
    dvk_buf buf = DVK_BUF_INIT;
    int bad = dvk_run_diff_text(&d, &buf);
    if (changed)
        *changed = (long long)d.nchanged;
    dvk_run_diff_free(&d);
    char *text = bad ? NULL : dvk_buf_take(&buf, NULL);
    dvk_buf_free(&buf);
    if (!text) {
        if (changed)
            *changed = 0;
        nomem(err);
    }
    return text;
}

