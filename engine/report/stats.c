/* stats.c: registered / recognised / exemplary / proposed counts (see include/dvk/stats.h). */
#include "dvk/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/text.h"

typedef struct unit_info {
    char *code, *name, *parent, *successor, *province;
} unit_info;

typedef struct unit_map {
    int n;
    unit_info *u; /* sorted by code */
} unit_map;

static int cmp_unit(const void *a, const void *b)
{
    return strcmp(((const unit_info *)a)->code, ((const unit_info *)b)->code);
}

static unit_info *unit_find(const unit_map *m, const char *code)
{
    if (!code)
        return NULL;
    unit_info key = {.code = (char *)code};
    return bsearch(&key, m->u, (size_t)m->n, sizeof *m->u, cmp_unit);
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

static void units_free(unit_map *m)
{
    for (int i = 0; i < m->n; i++) {
        free(m->u[i].code); free(m->u[i].name); free(m->u[i].parent);
        free(m->u[i].successor); free(m->u[i].province);
    }
    free(m->u);
    m->u = NULL;
    m->n = 0;
}

static int units_load(dvk_store *s, unit_map *m, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT code, name, parent, successor, province FROM units "
                                            "ORDER BY code", err);
    if (!st)
        return err->code;
    int cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->n == cap) {
            cap = cap ? cap * 2 : 256;
            unit_info *nu = realloc(m->u, (size_t)cap * sizeof *nu);
            if (!nu) {
                sqlite3_finalize(st);
                return dvk_error_set(err, DVK_ENOMEM, "out of memory reading units");
            }
            m->u = nu;
        }
        unit_info *u = &m->u[m->n++];
        u->code = dup_col(st, 0); u->name = dup_col(st, 1); u->parent = dup_col(st, 2);
        u->successor = dup_col(st, 3); u->province = dup_col(st, 4);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "reading units");
    return DVK_OK;
}

/* Follow successor links to the unit that exists today (bounded against cycles). */
static unit_info *final_successor(const unit_map *m, unit_info *u)
{
    for (int i = 0; u && u->successor && i < 32; i++) {
        unit_info *next = unit_find(m, u->successor);
        if (!next)
            break;
        u = next;
    }
    return u;
}

/* The unit directly under the province that code belongs to (the province itself for
 * models registered by the province's own bodies). */
static unit_info *top_unit(const unit_map *m, const char *code, int successors)
{
    unit_info *u = unit_find(m, code);
    for (int i = 0; u && u->parent && i < 64; i++) {
        unit_info *p = unit_find(m, u->parent);
        if (!p || !p->parent)
            break; /* p is the province */
        u = p;
    }
    return successors ? final_successor(m, u) : u;
}

int dvk_stats_by_parse(const char *s)
{
    static const char *const names[] = {"field", "unit", "level", "kind", "registration"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static dvk_stats_row *row_for(dvk_stats *out, const char *key, const char *name, dvk_error *err)
{
    for (int i = 0; i < out->nrows; i++)
        if (strcmp(out->rows[i].key, key) == 0)
            return &out->rows[i];
    dvk_stats_row *nr = realloc(out->rows, (size_t)(out->nrows + 1) * sizeof *nr);
    if (!nr) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory counting");
        return NULL;
    }
    out->rows = nr;
    dvk_stats_row *r = &nr[out->nrows++];
    memset(r, 0, sizeof *r);
    r->key = strdup(key);
    r->name = strdup(name ? name : key);
    if (!r->key || !r->name) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory counting");
        return NULL;
    }
    return r;
}

static int cmp_row(const void *a, const void *b)
{
    const dvk_stats_row *x = a, *y = b;
    int c = dvk_text_collate(x->name, strlen(x->name), y->name, strlen(y->name));
    return c ? c : strcmp(x->key, y->key);
}

/* The key column per grouping; identifiers come only from this table. */
static const char *const key_sql[] = {
    "m.field", "m.unit", "m.level", "m.kind", "m.registration",
};

/* 1 when code is scope or lies under it. */
static int in_subtree(const unit_map *m, const char *code, const char *scope)
{
    unit_info *u = unit_find(m, code);
    for (int i = 0; u && i < 64; i++) {
        if (strcmp(u->code, scope) == 0)
            return 1;
        u = unit_find(m, u->parent);
    }
    return 0;
}

int dvk_stats_compute(dvk_store *s, const char *province, int year, const char *level,
                      const char *unit, dvk_stats_by by, int successors, dvk_stats *out,
                      dvk_error *err)
{
    memset(out, 0, sizeof *out);
    unit_map um = {0};
    sqlite3_stmt *st = NULL, *fname = NULL, *runs = NULL;
    char *provs = NULL;
    int rc = DVK_OK;
    if ((rc = units_load(s, &um, err)))
        goto done;
    unit_info *root = unit_find(&um, province);
    if (unit && !unit_find(&um, unit)) {
        rc = dvk_error_set(err, DVK_EDATA, "unknown unit '%s'", unit);
        goto done;
    }
    if (!root || root->parent) {
        rc = dvk_error_set(err, DVK_EDATA, "unknown province '%s' (no root unit with that code)", province);
        goto done;
    }
    /* The provinces counted: P, and with successors every province whose chain ends at P. */
    size_t cap = 64, len = 0;
    provs = malloc(cap);
    if (!provs) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    len = (size_t)snprintf(provs, cap, "[");
    for (int i = 0; i < um.n; i++) {
        unit_info *u = &um.u[i];
        if (u->parent)
            continue;
        if (strcmp(u->code, province) != 0 && !(successors && final_successor(&um, u) == root))
            continue;
        size_t need = len + strlen(u->code) + 4;
        if (need > cap) {
            cap = need * 2;
            char *np = realloc(provs, cap);
            if (!np) {
                rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
                goto done;
            }
            provs = np;
        }
        /* unit codes are slugs ([a-z0-9/-]), so they need no JSON escaping */
        len += (size_t)snprintf(provs + len, cap - len, "%s\"%s\"", len > 1 ? "," : "", u->code);
    }
    snprintf(provs + len, cap - len, "]");

    char sql[2048];
    snprintf(sql, sizeof sql,
             "WITH cur AS (SELECT id FROM current_runs WHERE province IN (SELECT value FROM json_each(?1))"
             "  AND year = ?2 AND (?3 IS NULL OR level = ?3)),"
             " res AS (SELECT model, max(recognised) rec, max(exemplary) ex, max(proposed) prop"
             "  FROM results WHERE run IN (SELECT id FROM cur) GROUP BY model)"
             " SELECT m.unit, %s, m.province, sum(?3 IS NULL OR m.level = ?3), sum(coalesce(res.rec, 0)),"
             "  sum(coalesce(res.ex, 0)), sum(coalesce(res.prop, 0))"
             " FROM models m LEFT JOIN res ON res.model = m.id"
             " WHERE m.province IN (SELECT value FROM json_each(?1)) AND m.year = ?2"
             "  AND (?3 IS NULL OR m.level = ?3 OR res.model IS NOT NULL)"
             " GROUP BY 1, 2, 3", key_sql[by]);
    if (!(st = dvk_store_prepare(s, sql, err)) ||
        !(fname = dvk_store_prepare(s, "SELECT name FROM fields WHERE province = ?1 AND id = ?2", err)) ||
        !(runs = dvk_store_prepare(s, "SELECT count(*) FROM current_runs WHERE province = ?1 AND year = ?2 "
                                      "AND level = ?3 AND unit = ?4", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, provs, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, year);
    if (level)
        sqlite3_bind_text(st, 3, level, -1, SQLITE_TRANSIENT);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *munit = (const char *)sqlite3_column_text(st, 0);
        if (unit && !in_subtree(&um, munit, unit))
            continue;
        const char *key = (const char *)sqlite3_column_text(st, 1);
        const char *mprov = (const char *)sqlite3_column_text(st, 2);
        const char *name = key;
        char namebuf[512];
        if (by == DVK_BY_UNIT) {
            unit_info *u = top_unit(&um, munit, successors);
            key = u ? u->code : munit;
            name = u ? u->name : munit;
        } else if (by == DVK_BY_FIELD) {
            sqlite3_reset(fname);
            sqlite3_bind_text(fname, 1, mprov, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(fname, 2, key, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(fname) == SQLITE_ROW) {
                snprintf(namebuf, sizeof namebuf, "%s", (const char *)sqlite3_column_text(fname, 0));
                name = namebuf;
            }
        }
        dvk_stats_row *r = row_for(out, key ? key : "", name, err);
        if (!r) {
            rc = err->code;
            goto done;
        }
        long long v[4];
        for (int i = 0; i < 4; i++)
            v[i] = sqlite3_column_int64(st, 3 + i);
        r->registered += v[0]; r->recognised += v[1]; r->exemplary += v[2]; r->proposed += v[3];
        out->total.registered += v[0]; out->total.recognised += v[1];
        out->total.exemplary += v[2]; out->total.proposed += v[3];
    }
    if (step != SQLITE_DONE) {
        rc = dvk_store_fail(s, step, err, "counting models");
        goto done;
    }
    if (by == DVK_BY_UNIT) {
        /* Every unit directly under the province is listed, with or without models, and
         * whether it ran a decision at the level. */
        for (int i = 0; i < um.n; i++) {
            unit_info *u = &um.u[i];
            if (!u->parent || strcmp(u->parent, province) != 0 || (unit && !in_subtree(&um, u->code, unit)))
                continue;
            unit_info *t = successors ? final_successor(&um, u) : u;
            dvk_stats_row *r = row_for(out, t->code, t->name, err);
            if (!r) {
                rc = err->code;
                goto done;
            }
            if (level) {
                sqlite3_reset(runs);
                sqlite3_bind_text(runs, 1, province, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int(runs, 2, year);
                sqlite3_bind_text(runs, 3, level, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(runs, 4, u->code, -1, SQLITE_TRANSIENT);
                if (sqlite3_step(runs) == SQLITE_ROW && sqlite3_column_int(runs, 0) > 0)
                    r->decided = 1;
            }
        }
    }
    qsort(out->rows, (size_t)out->nrows, sizeof *out->rows, cmp_row);
    out->total.key = strdup("total");
    out->total.name = strdup("Tổng cộng");
    if (!out->total.key || !out->total.name)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
done:
    sqlite3_finalize(st);
    sqlite3_finalize(fname);
    sqlite3_finalize(runs);
    free(provs);
    units_free(&um);
    if (rc)
        dvk_stats_free(out);
    return rc;
}

void dvk_stats_free(dvk_stats *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->nrows; i++) {
        free(st->rows[i].key);
        free(st->rows[i].name);
    }
    free(st->rows);
    free(st->total.key);
    free(st->total.name);
    memset(st, 0, sizeof *st);
}
