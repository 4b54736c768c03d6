/* check.c: `dvk check`, what would go wrong if a (province, year, level[, unit]) were decided
 * now (decide.h): candidates the province's unit tree or script does not know, dates after
 * the cutoff, council criteria with too few members' scores, and, when asked to evaluate,
 * script errors, metrics the script reads that candidates lack, and candidates without any
 * council score. `dvk decide` runs it first without evaluating and refuses its errors. */
#include "dvk/decide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>

#include "dvk/buf.h"
#include "dvk/sandbox.h"
#include "dvk/script.h"
#include "dvk/units.h"

/* Models named by one finding: the first DVK_CHECK_NAMED codes, and how many in all. */
typedef struct named {
    long long n;
    dvk_buf codes;
} named;

static void name_add(named *x, const char *code)
{
    if (x->n++ < DVK_CHECK_NAMED)
        dvk_buf_printf(&x->codes, "%s%s", x->codes.len ? ", " : "", code);
}

static int add_item(dvk_check_report *rep, int error, const char *level, dvk_buf *text,
                    dvk_error *err)
{
    if (text->oom)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (rep->n == rep->cap) {
        size_t cap = rep->cap ? rep->cap * 2 : 16;
        dvk_check_item *it = realloc(rep->items, cap * sizeof *it);
        if (!it)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        rep->items = it;
        rep->cap = cap;
    }
    dvk_check_item *it = &rep->items[rep->n];
    it->error = error;
    it->level = strdup(level);
    it->text = dvk_buf_take(text, NULL);
    if (!it->level || !it->text) {
        free(it->level);
        free(it->text);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    rep->n++;
    if (error)
        rep->errors++;
    else
        rep->warnings++;
    return DVK_OK;
}

/* One finding about the models in x ("<what>: N candidate(s): A, B, ..."), when there are. */
static int add_named(dvk_check_report *rep, int error, const char *level, named *x,
                     const char *what, dvk_error *err)
{
    if (x->n == 0)
        return DVK_OK;
    dvk_buf t = DVK_BUF_INIT;
    dvk_buf_printf(&t, "%s: %lld candidate%s: %s%s", what, x->n, x->n == 1 ? "" : "s",
                   dvk_buf_str(&x->codes), x->n > DVK_CHECK_NAMED ? ", ..." : "");
    return add_item(rep, error, level, &t, err);
}

typedef struct metric_ctx {
    dvk_check_report *rep;
    const char *level;
    long long candidates;
    int rc;
    dvk_error *err;
} metric_ctx;

static void on_metric(void *ud, const char *name, long long models)
{
    metric_ctx *m = ud;
    if (m->rc != DVK_OK)
        return;
    dvk_buf t = DVK_BUF_INIT;
    dvk_buf_printf(&t, "the script reads metric '%s', which %lld of %lld candidates lack "
                   "(it reads nil for them)", name, models, m->candidates);
    m->rc = add_item(m->rep, 0, m->level, &t, m->err);
}

/* The findings of one level li of p. */
typedef struct level_state {
    named unit_unknown, field_unknown, after_cutoff, too_few, no_scores, script_errors;
    long long scored;           /* candidates with any council score at the level */
} level_state;

static void level_free(level_state *ls)
{
    named *all[] = {&ls->unit_unknown, &ls->field_unknown, &ls->after_cutoff, &ls->too_few,
                    &ls->no_scores, &ls->script_errors};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        dvk_buf_free(&all[i]->codes);
}

/* Counts of council scores of model id at level, per criterion of p, into counts; *any gets
 * whether it has any score at the level at all. */
static int council_counts(dvk_store *s, sqlite3_stmt *st, long long id, const char *level,
                          const dvk_province *p, int *counts, int *any, dvk_error *err)
{
    memset(counts, 0, (size_t)p->ncriteria * sizeof *counts);
    *any = 0;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *any = 1;
        const char *c = (const char *)sqlite3_column_text(st, 0);
        int ci = c ? dvk_province_criterion(p, c) : -1;
        if (ci >= 0)
            counts[ci] = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, rc, err, "counting council scores");
}

static int check_level(dvk_store *s, lua_State *L, const dvk_province *p, const dvk_units *t,
                       const dvk_check_opts *o, int li, dvk_check_report *rep, dvk_error *err)
{
    const char *level = p->levels[li];
    dvk_decide_opts d;
    memset(&d, 0, sizeof d);
    d.province = o->province;
    d.year = o->year;
    d.level = level;
    d.unit = o->unit;
    level_state ls;
    memset(&ls, 0, sizeof ls);
    int *counts = calloc((size_t)p->ncriteria + 1, sizeof *counts);
    dvk_eval ev;
    memset(&ev, 0, sizeof ev);
    sqlite3_stmt *cands = NULL, *cnt = NULL;
    int rc = DVK_OK, top = lua_gettop(L);
    long long ncand = 0, eligible_without = 0;
    char cutoff[16];
    snprintf(cutoff, sizeof cutoff, "%04d-%s", o->year, p->cutoff);
    int council_applies = 0;    /* a council criterion has an applies function */
    for (int i = 0; i < p->ncriteria; i++)
        council_applies |= p->criteria[i].council && p->criteria[i].applies_ref != LUA_NOREF;
    int need_model = o->evaluate || (p->council.min_members > 0 && council_applies);
    if (!counts || (o->evaluate && dvk_eval_init(&ev, p->ncriteria) != DVK_OK)) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    /* 0 criterion, 1 members' scores */
    if (!(cnt = dvk_store_prepare(s, "SELECT criterion, count(*) FROM appraisals WHERE model = ?1"
                                     " AND level = ?2 GROUP BY criterion", err)) ||
        !(cands = dvk_decide_candidates(s, &d, t, dvk_level_below(p, li, o->year),
                                        !need_model, err))) {
        rc = err->code;
        goto done;
    }
    int cidx = 0;
    if (need_model) {
        dvk_script_ctx cx;
        memset(&cx, 0, sizeof cx);
        cx.year = o->year;
        cx.level = level;
        cx.unit = o->unit;
        if ((rc = dvk_script_push_ctx(L, p, &cx, err)) != DVK_OK)
            goto done;
        cidx = lua_gettop(L);
        if (o->evaluate && (rc = dvk_script_trace_metrics(L, 1)) != DVK_OK) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
            goto done;
        }
    }
    int step;
    while ((step = sqlite3_step(cands)) == SQLITE_ROW) {
        ncand++;
        long long id = sqlite3_column_int64(cands, 0);
        char code[256];
        const char *cc = (const char *)sqlite3_column_text(cands, 1);
        snprintf(code, sizeof code, "%s", cc ? cc : "?");
        const char *unit = (const char *)sqlite3_column_text(cands, 14);
        if (!unit || dvk_units_find(t, unit) < 0)
            name_add(&ls.unit_unknown, code);
        const char *field = (const char *)sqlite3_column_text(cands, 5);
        if (p->nfields > 0) {
            int known = 0;
            for (int i = 0; i < p->nfields && !known && field; i++)
                known = strcmp(p->fields[i].id, field) == 0;
            if (!known)
                name_add(&ls.field_unknown, code);
        }
        const char *started = (const char *)sqlite3_column_text(cands, 9);
        if (started && strcmp(started, cutoff) > 0)
            name_add(&ls.after_cutoff, code);
        int any = 0;    /* the scores are counted only when something reads the counts */
        if ((o->evaluate || p->council.min_members > 0) &&
            (rc = council_counts(s, cnt, id, level, p, counts, &any, err)) != DVK_OK)
            goto done;
        ls.scored += any;
        if (need_model &&
            (rc = dvk_script_push_model_row(L, cands, o->year, level, err)) != DVK_OK)
            goto done;
        int short_of = 0;
        for (int i = 0; i < p->ncriteria && p->council.min_members > 0 && !short_of; i++) {
            if (!p->criteria[i].council || counts[i] >= p->council.min_members)
                continue;
            int applies = 1;
            if (need_model &&
                dvk_script_applies(L, p, i, cidx + 1, cidx, code, &applies, err) != DVK_OK) {
                /* a script error: counted with the others, when evaluating */
                name_add(&ls.script_errors, code);
                if (o->evaluate) {
                    dvk_buf tx = DVK_BUF_INIT;
                    dvk_buf_adds(&tx, err->msg);
                    if ((rc = add_item(rep, 1, level, &tx, err)) != DVK_OK)
                        goto done;
                }
                short_of = -1;
                break;
            }
            short_of = applies;
        }
        if (short_of > 0)
            name_add(&ls.too_few, code);
        if (o->evaluate && short_of == 0) {
            if (dvk_script_eval(L, p, cidx + 1, cidx, code, &ev, err) != DVK_OK) {
                if (err->code == DVK_ENOMEM || err->code == DVK_EINTR) {
                    rc = err->code;
                    goto done;
                }
                if (ls.script_errors.n < DVK_CHECK_NAMED) {
                    dvk_buf tx = DVK_BUF_INIT;
                    dvk_buf_adds(&tx, err->msg);
                    if ((rc = add_item(rep, 1, level, &tx, err)) != DVK_OK)
                        goto done;
                }
                name_add(&ls.script_errors, code);
            } else if (ev.eligible && !any) {
                eligible_without++;
                name_add(&ls.no_scores, code);
            }
        }
        if (need_model)
            lua_settop(L, cidx);
    }
    if (step != SQLITE_DONE) {
        rc = dvk_store_fail(s, step, err, "reading candidates");
        goto done;
    }
    rep->candidates += ncand;
    if (ls.script_errors.n > DVK_CHECK_NAMED) {
        dvk_buf tx = DVK_BUF_INIT;
        dvk_buf_printf(&tx, "... and %lld more candidates with script errors",
                       ls.script_errors.n - DVK_CHECK_NAMED);
        if ((rc = add_item(rep, 1, level, &tx, err)) != DVK_OK)
            goto done;
    }
    char what[256];
    snprintf(what, sizeof what, "fewer council scores than council.min_members (%d) on a "
             "council criterion%s", p->council.min_members,
             p->council.below == DVK_BELOW_INELIGIBLE ? ", so not eligible" : "");
    char after[128];
    snprintf(after, sizeof after, "started after the cutoff %s (started_on)", cutoff);
    /* an ineligible model is what the province asked for: a warning */
    if ((rc = add_named(rep, 1, level, &ls.unit_unknown,
                        "unit not in the province's unit tree", err)) ||
        (rc = add_named(rep, 1, level, &ls.field_unknown,
                        "field the province script does not declare", err)) ||
        (rc = add_named(rep, 1, level, &ls.after_cutoff, after, err)) ||
        (rc = add_named(rep, p->council.below != DVK_BELOW_INELIGIBLE, level, &ls.too_few,
                        what, err)))
        goto done;
    if (eligible_without > 0 && ls.scored > 0 &&
        (rc = add_named(rep, 0, level, &ls.no_scores,
                        "eligible without council scores at this level while others have "
                        "some (dvk decide refuses them unless --allow-missing-scores)", err)))
        goto done;
    if (o->evaluate) {
        metric_ctx m = {rep, level, ncand, DVK_OK, err};
        if (dvk_script_traced_metrics(L, on_metric, &m) != DVK_OK)
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        else
            rc = m.rc;
    }
done:
    if (need_model && o->evaluate)
        dvk_script_trace_metrics(L, 0);
    lua_settop(L, top);
    sqlite3_finalize(cands);
    sqlite3_finalize(cnt);
    dvk_eval_free(&ev, p->ncriteria);
    free(counts);
    level_free(&ls);
    return rc;
}

int dvk_check(dvk_store *s, const char *scripts_dir, const dvk_check_opts *o,
              dvk_check_report *rep, dvk_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (!o->province || o->year <= 0)
        return dvk_error_set(err, DVK_EUSAGE, "check needs --province and --year");
    dvk_units *t = NULL;
    int rc = dvk_units_load(s, o->province, &t, err);
    if (rc != DVK_OK)
        return rc;
    if (dvk_units_find(t, o->province) < 0) {
        dvk_units_free(t);
        return dvk_error_set(err, DVK_EDATA, "unknown province '%s' (no unit with that code; "
                             "import units first)", o->province);
    }
    if (o->unit && dvk_units_find(t, o->unit) < 0) {
        dvk_units_free(t);
        return dvk_error_set(err, DVK_EUSAGE, "unit '%s' is not a unit of %s", o->unit,
                             o->province);
    }
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lua_State *L = dvk_sandbox_new(s, scripts_dir, &lim, err);
    dvk_province *p = L ? dvk_script_load(L, o->province, err) : NULL;
    if (!p) {
        dvk_sandbox_free(L);
        dvk_units_free(t);
        return err->code;
    }
    int from = 0, to = p->nlevels;
    if (o->level) {
        from = dvk_province_level(p, o->level);
        if (from < 0) {
            rc = dvk_error_set(err, DVK_EUSAGE, "level '%s' is not one of %s's levels",
                               o->level, p->code);
            goto done;
        }
        to = from + 1;
    }
    for (int li = from; li < to && rc == DVK_OK; li++)
        rc = check_level(s, L, p, t, o, li, rep, err);
done:
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    dvk_units_free(t);
    if (rc != DVK_OK)
        dvk_check_report_free(rep);
    return rc;
}

void dvk_check_report_free(dvk_check_report *rep)
{
    for (size_t i = 0; i < rep->n; i++) {
        free(rep->items[i].level);
        free(rep->items[i].text);
    }
    free(rep->items);
    memset(rep, 0, sizeof *rep);
}

int dvk_check_report_text(const dvk_check_report *rep, const dvk_check_opts *o, dvk_buf *b)
{
    for (size_t i = 0; i < rep->n; i++)
        dvk_buf_printf(b, "%s: level %s: %s\n", rep->items[i].error ? "error" : "warning",
                       rep->items[i].level, rep->items[i].text);
    dvk_buf_printf(b, "%s %d%s%s: %lld candidate%s checked, %lld error%s, %lld warning%s\n",
                   o->province, o->year, o->level ? " " : "", o->level ? o->level : "",
                   rep->candidates, rep->candidates == 1 ? "" : "s", rep->errors,
                   rep->errors == 1 ? "" : "s", rep->warnings, rep->warnings == 1 ? "" : "s");
    return b->oom ? -1 : 0;
}
