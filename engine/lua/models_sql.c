/* models_sql.c: the SQL builder behind dvk.models (see dvk/query.h): a filter becomes one
 * SELECT over models with every value bound; ORDER BY and GROUP BY columns come only from
 * the constant table below, and a unit scope is the unit tree's membership list (dvk/units.h)
 * bound as one JSON array, so that the tree is walked in one place.
 *
 * It lives with the Lua bindings, not in store/, because its vocabulary is the Lua API's
 * (filter names, "-year" orders, the columns a REPL groups by) and the bindings are its only
 * users; store/ keeps the schema, transactions and the unit tree it reads. */
#include "dvk/query.h"

#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/text.h"
#include "dvk/units.h"

/* Identifiers allowed in ORDER BY and GROUP BY: the names Lua uses and the SQL they become.
 * Nothing else ever reaches the statement text. */
static const struct {
    const char *name;
    const char *sql;       /* ORDER BY expression */
    int groupable;
} model_columns[] = {
    {"code", "m.code", 0},
    {"name", "m.name COLLATE vi", 0},
    {"year", "m.year", 1},
    {"level", "m.level", 1},
    {"field", "m.field", 1},
    {"unit", "m.unit", 1},
    {"province", "m.province", 1},
    {"kind", "m.kind", 1},
    {"category", "m.category", 1},
    {"registration", "m.registration", 1},
    {"started_on", "m.started_on", 0},
    {"id", "m.id", 0},
};
#define NMODEL_COLUMNS (sizeof model_columns / sizeof model_columns[0])

static int find_column(const char *name, size_t len)
{
    for (size_t i = 0; i < NMODEL_COLUMNS; i++)
        if (strlen(model_columns[i].name) == len && memcmp(model_columns[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

/* "code, name, ..." for error messages (groupable_only: the GROUP BY columns). */
static void column_list(char *buf, size_t n, int groupable_only)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NMODEL_COLUMNS && pos < n; i++) {
        if (groupable_only && !model_columns[i].groupable)
            continue;
        pos += (size_t)snprintf(buf + pos, n - pos, "%s%s", pos ? ", " : "", model_columns[i].name);
    }
}

int dvk_sql_add_text(dvk_sql *q, const char *s, dvk_error *err)
{
    if (q->nparams >= DVK_SQL_MAX_PARAMS)
        return dvk_error_set(err, DVK_EUSAGE, "query: too many conditions");
    char *copy = strdup(s);
    if (!copy)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory building a query");
    q->params[q->nparams].is_text = 1;
    q->params[q->nparams].i = 0;
    q->params[q->nparams].s = copy;
    q->nparams++;
    return DVK_OK;
}

int dvk_sql_add_int(dvk_sql *q, long long v, dvk_error *err)
{
    if (q->nparams >= DVK_SQL_MAX_PARAMS)
        return dvk_error_set(err, DVK_EUSAGE, "query: too many conditions");
    q->params[q->nparams].is_text = 0;
    q->params[q->nparams].i = v;
    q->params[q->nparams].s = NULL;
    q->nparams++;
    return DVK_OK;
}

char *dvk_query_like_pattern(const char *needle)
{
    size_t n = strlen(needle);
    char *p = malloc(2 * n + 3);
    if (!p)
        return NULL;
    size_t j = 0;
    p[j++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (needle[i] == '%' || needle[i] == '_' || needle[i] == '\\')
            p[j++] = '\\';
        p[j++] = needle[i];
    }
    p[j++] = '%';
    p[j] = '\0';
    return p;
}

/* Append " AND <sql>" with one text parameter when value is set. */
static int where_text(dvk_buf *b, dvk_sql *q, const char *sql, const char *value, dvk_error *err)
{
    if (!value)
        return DVK_OK;
    dvk_buf_adds(b, " AND ");
    dvk_buf_adds(b, sql);
    return dvk_sql_add_text(q, value, err);
}

/* The unit scope: the codes the tree puts under f->unit (with merged units), one JSON array
 * parameter. An unknown unit gives "[]": no model. */
static int where_unit(dvk_buf *b, dvk_sql *q, const char *unit, const dvk_units *units,
                      dvk_error *err)
{
    if (!unit)
        return DVK_OK;
    if (!units)
        return dvk_error_set(err, DVK_EUSAGE, "unit: no unit tree to look '%s' up in", unit);
    char *codes = dvk_units_subtree_json(units, unit, DVK_UNITS_MERGED, err);
    if (!codes)
        return err ? err->code : DVK_ENOMEM;
    dvk_buf_adds(b, " AND m.unit IN (SELECT value FROM json_each(?))");
    int rc = dvk_sql_add_text(q, codes, err);
    free(codes);
    return rc;
}

/* The search words: each word of the key must occur in name_key. With no filter that an
 * index narrows (province, unit, code), the words are matched in a subquery over the
 * covering index models(name_key) and the rows fetched by id: a scan of the narrow index
 * instead of the table (1,000,000 models: 0.25 s instead of 1.3 s with a year filter). */
static int where_search(dvk_buf *b, dvk_sql *q, const char *search, int by_index, dvk_error *err)
{
    char *key = dvk_text_key(search, strlen(search));
    if (!key)
        return dvk_error_set(err, DVK_EUSAGE, "search: not valid UTF-8");
    int rc = DVK_OK, words = 0;
    dvk_buf_adds(b, by_index ? " AND m.id IN (SELECT k.id FROM models k WHERE 1" : "");
    for (char *save = NULL, *w = strtok_r(key, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char *pat = dvk_query_like_pattern(w);
        if (!pat) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory building a query");
            break;
        }
        dvk_buf_adds(b, by_index ? " AND k.name_key LIKE ? ESCAPE '\\'"
                                 : " AND m.name_key LIKE ? ESCAPE '\\'");
        rc = dvk_sql_add_text(q, pat, err);
        free(pat);
        if (rc != DVK_OK)
            break;
        words++;
    }
    free(key);
    dvk_buf_adds(b, by_index ? ")" : "");
    if (rc == DVK_OK && words == 0)
        rc = dvk_error_set(err, DVK_EUSAGE, "search: no words to look for ('%s')", search);
    return rc;
}

/* ORDER BY from "col", "-col", "col desc", "col asc"; always ends with m.id so that the
 * order is total. */
static int order_by(dvk_buf *b, const char *order, dvk_error *err)
{
    if (!order || !*order) {
        dvk_buf_adds(b, " ORDER BY m.code, m.id");
        return DVK_OK;
    }
    const char *name = order;
    int desc = 0;
    if (*name == '-') {
        desc = 1;
        name++;
    }
    size_t len = strcspn(name, " ");
    const char *rest = name + len;
    while (*rest == ' ')
        rest++;
    if (*rest) {
        if (strcmp(rest, "desc") == 0 || strcmp(rest, "DESC") == 0)
            desc = 1;
        else if (strcmp(rest, "asc") != 0 && strcmp(rest, "ASC") != 0)
            return dvk_error_set(err, DVK_EUSAGE, "order: expected 'COLUMN [asc|desc]' (got '%s')",
                                 order);
    }
    int c = find_column(name, len);
    if (c < 0) {
        char known[256];
        column_list(known, sizeof known, 0);
        return dvk_error_set(err, DVK_EUSAGE, "order: unknown column '%.*s' (known: %s)",
                             (int)len, name, known);
    }
    dvk_buf_adds(b, " ORDER BY ");
    dvk_buf_adds(b, model_columns[c].sql);
    dvk_buf_adds(b, desc ? " DESC, m.id DESC" : ", m.id");
    return DVK_OK;
}

int dvk_query_models_sql(const dvk_model_filter *f, const dvk_units *units, int what,
                         const char *group_by, dvk_sql *out, dvk_error *err)
{
    dvk_buf b = DVK_BUF_INIT;
    int rc = DVK_OK;
    int group = -1;
    memset(out, 0, sizeof *out);
    if (f->limit < 0 || f->offset < 0) {
        rc = dvk_error_set(err, DVK_EUSAGE, "limit and offset must not be negative (got %lld)",
                           f->limit < 0 ? f->limit : f->offset);
        goto done;
    }
    if (what == DVK_QUERY_GROUP) {
        group = group_by ? find_column(group_by, strlen(group_by)) : -1;
        if (group < 0 || !model_columns[group].groupable) {
            char known[256];
            column_list(known, sizeof known, 1);
            rc = dvk_error_set(err, DVK_EUSAGE, "group_by: unknown column '%s' (known: %s)",
                               group_by ? group_by : "", known);
            goto done;
        }
    }
    int limited = f->limit > 0 || f->offset > 0;
    /* Counting or grouping a limited selection counts the selected rows: wrap it. */
    if (what == DVK_QUERY_ROWS)
        dvk_buf_adds(&b, "SELECT m.id, m.code, m.name, m.unit, m.province, m.kind, m.category,"
                         " m.field, m.level, m.year, m.registration, m.started_on, m.address,"
                         " m.description, m.metrics FROM models m WHERE 1");
    else if (what == DVK_QUERY_COUNT)
        dvk_buf_adds(&b, limited ? "SELECT count(*) FROM (SELECT m.id FROM models m WHERE 1"
                                 : "SELECT count(*) FROM models m WHERE 1");
    else {
        /* "+col": grouping must not make SQLite walk an index in col's order (models_unit
         * over a whole province) when the filters have a narrower one (province, year). */
        dvk_buf_adds(&b, limited ? "SELECT k, count(*) FROM (SELECT +" : "SELECT +");
        dvk_buf_adds(&b, model_columns[group].sql);
        dvk_buf_adds(&b, limited ? " AS k FROM models m WHERE 1"
                                 : " AS k, count(*) FROM models m WHERE 1");
    }
    if ((rc = where_text(&b, out, "m.province = ?", f->province, err)) ||
        (rc = where_text(&b, out, "m.code = ?", f->code, err)) ||
        (rc = where_text(&b, out, "m.field = ?", f->field, err)) ||
        (rc = where_text(&b, out, "m.level = ?", f->level, err)) ||
        (rc = where_text(&b, out, "m.kind = ?", f->kind, err)) ||
        (rc = where_text(&b, out, "m.category = ?", f->category, err)) ||
        (rc = where_text(&b, out, "m.registration = ?", f->registration, err)))
        goto done;
    if (f->year && (dvk_buf_adds(&b, " AND m.year = ?"), rc = dvk_sql_add_int(out, f->year, err)))
        goto done;
    if ((rc = where_unit(&b, out, f->unit, units, err)))
        goto done;
    int narrowed = f->province || f->unit || f->code;
    int other = f->year || f->level || f->field || f->kind || f->category || f->registration;
    if (f->search && (rc = where_search(&b, out, f->search, !narrowed && other, err)))
        goto done;
    if (what == DVK_QUERY_ROWS || limited)
        if ((rc = order_by(&b, f->order, err)))
            goto done;
    if (limited) {
        dvk_buf_adds(&b, " LIMIT ? OFFSET ?");
        if ((rc = dvk_sql_add_int(out, f->limit > 0 ? f->limit : -1, err)) ||
            (rc = dvk_sql_add_int(out, f->offset, err)))
            goto done;
        if (what != DVK_QUERY_ROWS)
            dvk_buf_adds(&b, ")");
    }
    if (what == DVK_QUERY_GROUP)
        dvk_buf_adds(&b, " GROUP BY 1 ORDER BY 2 DESC, 1");
    if (b.oom || !(out->text = dvk_buf_take(&b, NULL)))
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory building a query");
done:
    dvk_buf_free(&b);
    if (rc != DVK_OK)
        dvk_sql_free(out);
    return rc;
}

void dvk_sql_free(dvk_sql *q)
{
    if (!q)
        return;
    free(q->text);
    for (int i = 0; i < q->nparams; i++)
        free(q->params[i].s);
    memset(q, 0, sizeof *q);
}

sqlite3_stmt *dvk_sql_prepare(dvk_store *s, const dvk_sql *q, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, q->text, err);
    if (!st)
        return NULL;
    for (int i = 0; i < q->nparams; i++) {
        int rc = q->params[i].is_text
                     ? sqlite3_bind_text(st, i + 1, q->params[i].s, -1, SQLITE_TRANSIENT)
                     : sqlite3_bind_int64(st, i + 1, q->params[i].i);
        if (rc != SQLITE_OK) {
            dvk_store_fail(s, rc, err, "binding a query parameter");
            sqlite3_finalize(st);
            return NULL;
        }
    }
    return st;
}

long long dvk_query_count(dvk_store *s, const dvk_units *units, const dvk_model_filter *f,
                          dvk_error *err)
{
    dvk_units *loaded = NULL;
    if (f->unit && !units) {
        if (dvk_units_load(s, NULL, &loaded, err) != DVK_OK)
            return -1;
        units = loaded;
    }
    dvk_sql q;
    long long n = -1;
    if (dvk_query_models_sql(f, units, DVK_QUERY_COUNT, NULL, &q, err) == DVK_OK) {
        sqlite3_stmt *st = dvk_sql_prepare(s, &q, err);
        if (st) {
            int rc = sqlite3_step(st);
            if (rc == SQLITE_ROW)
                n = sqlite3_column_int64(st, 0);
            else
                dvk_store_fail(s, rc, err, "counting models");
            sqlite3_finalize(st);
        }
        dvk_sql_free(&q);
    }
    dvk_units_free(loaded);
    return n;
}
