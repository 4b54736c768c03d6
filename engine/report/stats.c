/* stats.c: the one aggregator of statistics (see include/dvk/stats.h): one SQL scan of the
 * models and the outcomes the counted runs gave them, summed in C into every grouping asked
 * for. The unit tree comes from units.h; nothing here walks parent or successor links. */
#include "dvk/stats.h"

#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/json.h"
#include "dvk/text.h"
#include "dvk/units.h"

static const char *const BY_NAMES[DVK_BY_COUNT] = {
    "field", "unit", "level", "kind", "registration", "category", "outcome",
};

/* The key column of each grouping; identifiers come only from this table. */
static const char *const KEY_SQL[DVK_BY_COUNT] = {
    "m.field", "m.unit", "m.level", "m.kind", "m.registration", "m.category",
    "coalesce(res.outcome, '')",
};

int dvk_stats_by_parse(const char *s)
{
    for (int i = 0; i < DVK_BY_COUNT; i++)
        if (strcmp(s, BY_NAMES[i]) == 0)
            return i;
    return -1;
}

const char *dvk_stats_by_name(dvk_stats_by by)
{
    return (unsigned)by < DVK_BY_COUNT ? BY_NAMES[by] : "?";
}

/* ---- the unit rows ------------------------------------------------------------------------ */

/* What the grouping by unit needs: the tree, the scope, and each unit's row, worked out once
 * per unit (group[i]: -2 not yet, else the index of the row's unit). */
typedef struct unit_groups {
    const dvk_units *t;
    int scope;
    int successors;
    unsigned char *mark;       /* the scope's members, merged units included */
    unsigned char *plain;      /* its members by parent links alone */
    int *group;
} unit_groups;

/* Without successors, a unit that belongs to the scope only because it (or a unit above it)
 * was merged into one of the scope's units keeps a row of its own: the outermost merged unit
 * it lies under by parent links. -1 when there is none. */
static int merged_row(const unit_groups *g, int u)
{
    int best = -1;
    size_t n = dvk_units_count(g->t);
    for (size_t r = 0; r < n; r++) {
        const dvk_unit *ur = dvk_units_at(g->t, r);
        /* r was merged into the scope: a member by its successor, not by parents */
        if (!g->mark[r] || g->plain[r] || ur->successor < 0 || !g->mark[ur->successor])
            continue;
        if (dvk_units_top(g->t, u, (int)r, 0) < 0)
            continue;
        if (best < 0 || dvk_units_top(g->t, best, (int)r, 0) >= 0)
            best = (int)r;   /* r holds the one found so far: r is further out */
    }
    return best;
}

/* The row (a unit index) that unit u's figures go to. */
static int group_of(unit_groups *g, int u)
{
    if (g->group[u] != -2)
        return g->group[u];
    int row = dvk_units_top(g->t, u, g->scope, g->successors ? DVK_UNITS_MERGED : 0);
    if (row < 0 && !g->successors)
        row = merged_row(g, u);
    if (row < 0)
        row = u;   /* outside the scope (a run's candidate from elsewhere): its own row */
    g->group[u] = row;
    return row;
}

/* ---- rows ------------------------------------------------------------------------------- */

/* The row of key in st, appended (with name) when new; NULL when out of memory. */
static dvk_stats_row *row_for(dvk_stats *st, int *cap, const char *key, const char *name)
{
    for (int i = st->nrows - 1; i >= 0; i--)
        if (strcmp(st->rows[i].key, key) == 0)
            return &st->rows[i];
    if (st->nrows == *cap) {
        int ncap = *cap ? *cap * 2 : 16;
        dvk_stats_row *nr = realloc(st->rows, (size_t)ncap * sizeof *nr);
        if (!nr)
            return NULL;
        st->rows = nr;
        *cap = ncap;
    }
    dvk_stats_row *r = &st->rows[st->nrows];
    memset(r, 0, sizeof *r);
    r->key = strdup(key);
    r->name = strdup(name ? name : key);
    if (!r->key || !r->name) {
        free(r->key);
        free(r->name);
        return NULL;
    }
    st->nrows++;
    return r;
}

static int cmp_row(const void *a, const void *b)
{
    const dvk_stats_row *x = a, *y = b;
    int c = dvk_text_collate(x->name, strlen(x->name), y->name, strlen(y->name));
    return c ? c : strcmp(x->key, y->key);
}

static void add_counts(dvk_stats_row *r, const long long *v)
{
    r->registered += v[0];
    r->eligible += v[1];
    r->recognised += v[2];
    r->exemplary += v[3];
    r->proposed += v[4];
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

/* ---- the scan ------------------------------------------------------------------------------ */

/* The runs that count and each model's outcome over them. Parameters: ?1 the provinces (JSON
 * array), ?2 year, ?3 level or NULL, ?4 the given run or NULL, ?5 run_only, ?6 the scope's
 * units (JSON array) or NULL. sum(x) > 0 stands for max(x) over 0/1 flags, so that min() is
 * the one min/max aggregate and the bare column outcome is that of the best outcome. */
static const char SQL_WITH[] =
    "WITH cur AS (SELECT id FROM current_runs c WHERE NOT ?5"
    "  AND province IN (SELECT value FROM json_each(?1)) AND year = ?2"
    "  AND (?3 IS NULL OR level = ?3)"
    "  AND NOT EXISTS (SELECT 1 FROM runs g WHERE g.id = ?4 AND g.province = c.province"
    "   AND g.year = c.year AND g.level = c.level AND g.unit IS c.unit)"
    " UNION SELECT id FROM runs WHERE id = ?4),"
    " res AS (SELECT model, min(outcome_index) AS oi, outcome, sum(eligible) > 0 AS el,"
    "  sum(recognised) > 0 AS rec, sum(exemplary) > 0 AS ex, sum(proposed) > 0 AS prop"
    "  FROM results WHERE run IN (SELECT id FROM cur) GROUP BY model)"
    " SELECT m.province";
/* After the key columns: 0 province, 1..nby keys, then registered, eligible, recognised,
 * exemplary, proposed. */
static const char SQL_SUMS[] =
    ", sum(?5 OR ?3 IS NULL OR m.level = ?3), sum(coalesce(res.el, 0)),"
    " sum(coalesce(res.rec, 0)), sum(coalesce(res.ex, 0)), sum(coalesce(res.prop, 0))";
static const char SQL_FROM_YEAR[] =
    " FROM models m LEFT JOIN res ON res.model = m.id"
    " WHERE m.province IN (SELECT value FROM json_each(?1)) AND m.year = ?2"
    "  AND (?3 IS NULL OR m.level = ?3 OR res.model IS NOT NULL)"
    "  AND (?6 IS NULL OR m.unit IN (SELECT value FROM json_each(?6)))";
static const char SQL_FROM_RUN[] = " FROM res JOIN models m ON m.id = res.model";

/* The provinces counted as JSON: P, and with successors every province merged into P. */
static char *provinces_json(const dvk_units *t, int root, int successors, dvk_error *err)
{
    dvk_buf b = DVK_BUF_INIT;
    dvk_buf_addc(&b, '[');
    dvk_json_strz(&b, dvk_units_at(t, (size_t)root)->code);
    for (size_t i = 0; successors && i < dvk_units_count(t); i++) {
        const dvk_unit *u = dvk_units_at(t, i);
        if (u->parent < 0 && (int)i != root && dvk_units_current(t, (int)i) == root) {
            dvk_buf_addc(&b, ',');
            dvk_json_strz(&b, u->code);
        }
    }
    dvk_buf_addc(&b, ']');
    char *json = dvk_buf_take(&b, NULL);
    if (!json)
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
    return json;
}

/* The name of field id of province prov (the fields table), or id itself. */
static int field_row(sqlite3_stmt *fname, dvk_stats *st, int *cap, const char *prov,
                     const char *id, dvk_stats_row **out)
{
    for (int i = st->nrows - 1; i >= 0; i--)
        if (strcmp(st->rows[i].key, id) == 0) {
            *out = &st->rows[i];
            return SQLITE_OK;
        }
    sqlite3_reset(fname);
    sqlite3_bind_text(fname, 1, prov, -1, SQLITE_STATIC);
    sqlite3_bind_text(fname, 2, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(fname);
    const char *name = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(fname, 0) : NULL;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return rc;
    *out = row_for(st, cap, id, name);
    sqlite3_reset(fname);
    return SQLITE_OK;
}

int dvk_stats_query_run(dvk_store *s, const dvk_stats_query *q, const dvk_stats_by *by, int nby,
                        dvk_stats *out, dvk_error *err)
{
    for (int i = 0; i < nby; i++)
        memset(&out[i], 0, sizeof out[i]);
    dvk_units *t = NULL;
    sqlite3_stmt *st = NULL, *fname = NULL, *runs = NULL;
    char *provs = NULL, *scope_json = NULL;
    int caps[DVK_BY_COUNT] = {0};
    unit_groups g = {0};
    dvk_buf sql = DVK_BUF_INIT;
    int rc = DVK_OK, step;
    if (nby < 1 || nby > DVK_BY_COUNT) {
        rc = dvk_error_set(err, DVK_EUSAGE, "stats: between 1 and %d groupings (got %d)", DVK_BY_COUNT, nby);
        goto done;
    }
    if ((rc = dvk_units_load(s, NULL, &t, err)))
        goto done;
    int root = dvk_units_find(t, q->province);
    if (root < 0 || dvk_units_at(t, (size_t)root)->parent >= 0) {
        rc = dvk_error_set(err, DVK_EDATA, "unknown province '%s' (no root unit with that code)",
                           q->province);
        goto done;
    }
    g.t = t;
    g.scope = root;
    g.successors = q->successors;
    if (q->unit && (g.scope = dvk_units_find(t, q->unit)) < 0) {
        rc = dvk_error_set(err, DVK_EDATA, "unknown unit '%s'", q->unit);
        goto done;
    }
    size_t n = dvk_units_count(t);
    g.mark = malloc(n + 1);
    g.plain = malloc(n + 1);
    g.group = malloc((n + 1) * sizeof *g.group);
    if (!g.mark || !g.plain || !g.group || !(provs = provinces_json(t, root, q->successors, err)) ||
        dvk_units_subtree(t, g.scope, DVK_UNITS_MERGED, g.mark) < 0 ||
        dvk_units_subtree(t, g.scope, 0, g.plain) < 0 ||
        (q->unit && !(scope_json = dvk_units_subtree_json(t, q->unit, DVK_UNITS_MERGED, err)))) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory counting");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        g.group[i] = -2;

    dvk_buf_adds(&sql, SQL_WITH);
    for (int i = 0; i < nby; i++) {
        if ((unsigned)by[i] >= DVK_BY_COUNT) {
            rc = dvk_error_set(err, DVK_EUSAGE, "stats: unknown grouping %d", (int)by[i]);
            goto done;
        }
        dvk_buf_printf(&sql, ", %s", KEY_SQL[by[i]]);
    }
    dvk_buf_adds(&sql, SQL_SUMS);
    dvk_buf_adds(&sql, q->run && q->run_only ? SQL_FROM_RUN : SQL_FROM_YEAR);
    dvk_buf_adds(&sql, " GROUP BY 1");
    for (int i = 0; i < nby; i++)
        dvk_buf_printf(&sql, ", %d", i + 2);
    if (sql.oom) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory counting");
        goto done;
    }
    if (!(st = dvk_store_prepare(s, dvk_buf_str(&sql), err)) ||
        !(fname = dvk_store_prepare(s, "SELECT name FROM fields WHERE province = ?1 AND id = ?2", err)) ||
        !(runs = dvk_store_prepare(s, "SELECT count(*) FROM current_runs WHERE province = ?1 AND year = ?2"
                                      " AND level = ?3 AND unit = ?4", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, provs, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, q->year);
    if (q->level)
        sqlite3_bind_text(st, 3, q->level, -1, SQLITE_STATIC);
    if (q->run)
        sqlite3_bind_int64(st, 4, q->run);
    sqlite3_bind_int(st, 5, q->run && q->run_only);
    if (scope_json)
        sqlite3_bind_text(st, 6, scope_json, -1, SQLITE_STATIC);
    dvk_stats_row total = {0};
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int frc = SQLITE_OK;   /* the field-name look-up's status */
        const char *mprov = (const char *)sqlite3_column_text(st, 0);
        long long v[5];
        for (int i = 0; i < 5; i++)
            v[i] = sqlite3_column_int64(st, nby + 1 + i);
        add_counts(&total, v);
        for (int i = 0; i < nby; i++) {
            const char *key = (const char *)sqlite3_column_text(st, i + 1);
            dvk_stats_row *r = NULL;
            if (!key)
                key = "";
            if (by[i] == DVK_BY_UNIT) {
                int u = dvk_units_find(t, key);
                const dvk_unit *gu = u >= 0 ? dvk_units_at(t, (size_t)group_of(&g, u)) : NULL;
                r = row_for(&out[i], &caps[i], gu ? gu->code : key, gu ? gu->name : key);
            } else if (by[i] == DVK_BY_FIELD) {
                if ((frc = field_row(fname, &out[i], &caps[i], mprov, key, &r)) != SQLITE_OK)
                    break;
            } else {
                r = row_for(&out[i], &caps[i], key, key);
            }
            if (!r) {
                rc = dvk_error_set(err, DVK_ENOMEM, "out of memory counting");
                goto done;
            }
            add_counts(r, v);
        }
        if (frc != SQLITE_OK) {
            step = frc;
            break;
        }
    }
    if (step != SQLITE_DONE) {
        rc = dvk_store_fail(s, step, err, "counting models");
        goto done;
    }
    for (int i = 0; i < nby; i++) {
        if (by[i] != DVK_BY_UNIT)
            continue;
        /* Every unit directly under the scope that existed in the year is listed, with or
         * without models, and whether it ran a decision at the level. */
        for (size_t k = 0; k < n; k++) {
            const dvk_unit *u = dvk_units_at(t, k);
            if (u->parent != g.scope || !dvk_unit_in_year(u, q->year))
                continue;
            const dvk_unit *gu = dvk_units_at(t, (size_t)group_of(&g, (int)k));
            dvk_stats_row *r = row_for(&out[i], &caps[i], gu->code, gu->name);
            if (!r) {
                rc = dvk_error_set(err, DVK_ENOMEM, "out of memory counting");
                goto done;
            }
            if (q->level && !r->decided) {
                sqlite3_reset(runs);
                sqlite3_bind_text(runs, 1, q->province, -1, SQLITE_STATIC);
                sqlite3_bind_int(runs, 2, q->year);
                sqlite3_bind_text(runs, 3, q->level, -1, SQLITE_STATIC);
                sqlite3_bind_text(runs, 4, u->code, -1, SQLITE_STATIC);
                if ((step = sqlite3_step(runs)) == SQLITE_ROW)
                    r->decided = sqlite3_column_int(runs, 0) > 0;
                else {
                    rc = dvk_store_fail(s, step, err, "reading runs");
                    goto done;
                }
            }
        }
    }
    for (int i = 0; i < nby; i++) {
        qsort(out[i].rows, (size_t)out[i].nrows, sizeof *out[i].rows, cmp_row);
        out[i].total = total;
        out[i].total.key = strdup("total");
        out[i].total.name = strdup("Tổng cộng");
        if (!out[i].total.key || !out[i].total.name) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory counting");
            goto done;
        }
    }
done:
    sqlite3_finalize(st);
    sqlite3_finalize(fname);
    sqlite3_finalize(runs);
    dvk_buf_free(&sql);
    free(provs);
    free(scope_json);
    free(g.mark);
    free(g.plain);
    free(g.group);
    dvk_units_free(t);
    if (rc)
        for (int i = 0; i < nby; i++)
            dvk_stats_free(&out[i]);
    return rc;
}

int dvk_stats_compute(dvk_store *s, const char *province, int year, const char *level,
                      const char *unit, dvk_stats_by by, int successors, dvk_stats *out,
                      dvk_error *err)
{
    dvk_stats_query q = {.province = province, .year = year, .level = level, .unit = unit,
                         .successors = successors};
    return dvk_stats_query_run(s, &q, &by, 1, out, err);
}
