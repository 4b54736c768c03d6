/* export.c: models and a run's results as CSV, JSON or XLSX (see include/dvk/export.h). */
#include "dvk/export.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/csv.h"
#include "dvk/doc.h"
#include "dvk/fault.h"
#include "dvk/format.h"
#include "dvk/json.h"
#include "dvk/outfile.h"
#include "dvk/render.h"

typedef struct exporter {
    dvk_store *s;
    FILE *f;
    int json;
    dvk_buf line;               /* one CSV row or JSON object, written with one fwrite */
    char **keys;                /* extra columns: metric names or criteria, sorted */
    int nkeys;
    char **cell;                /* their values in the current row (NULL: empty) */
    double *num;                /* XLSX: the values as numbers (NaN: not a number) */
    dvk_doc *doc;               /* XLSX: the rows go into one table of a document */
    dvk_doc_table *tab;
    dvk_error *err;
} exporter;

static int exp_write(exporter *x, const char *s, size_t n)
{
    return fwrite(s, 1, n, x->f) == n ? 0 : -1;
}

/* Write the row built in x->line and empty it; -1 when memory ran short or the write
 * failed (errno says which; ENOMEM for the first). */
static int flush_line(exporter *x)
{
    if (x->line.oom) {
        errno = ENOMEM;
        return -1;
    }
    int rc = exp_write(x, x->line.p, x->line.len);
    dvk_buf_reset(&x->line);
    return rc;
}

/* A column value as text: integers as such, reals by dvk_format_plain, text as stored;
 * NULL for SQL NULL. num holds the digits. */
static const char *column_text(sqlite3_stmt *st, int i, char num[DVK_FORMAT_MAX], size_t *n)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        *n = (size_t)snprintf(num, DVK_FORMAT_MAX, "%lld", (long long)sqlite3_column_int64(st, i));
        return num;
    case SQLITE_FLOAT:
        dvk_format_plain(sqlite3_column_double(st, i), num, DVK_FORMAT_MAX);
        *n = strlen(num);
        return num;
    case SQLITE_NULL:
        *n = 0;
        return NULL;
    default:
        *n = (size_t)sqlite3_column_bytes(st, i);
        return (const char *)sqlite3_column_text(st, i);
    }
}

/* Column i of st appended to x->line as a CSV cell or a JSON member named name. */
static void put_column(exporter *x, sqlite3_stmt *st, int i, const char *name, int first)
{
    int type = sqlite3_column_type(st, i);
    char num[DVK_FORMAT_MAX];
    size_t n;
    const char *text = column_text(st, i, num, &n);
    if (!x->json) {
        if (!first)
            dvk_buf_addc(&x->line, ',');
        dvk_csv_cell(&x->line, text, n, type == SQLITE_TEXT);
        return;
    }
    dvk_json_key(&x->line, name, first);
    if (type == SQLITE_TEXT || type == SQLITE_NULL)
        dvk_json_str(&x->line, text, n);
    else
        dvk_buf_add(&x->line, text, n);
}

static int load_keys(exporter *x, sqlite3_stmt *st, dvk_error *err)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char **k = realloc(x->keys, (size_t)(x->nkeys + 1) * sizeof *k);
        if (!k)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        x->keys = k;
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!(x->keys[x->nkeys] = strdup(t ? t : "")))
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        x->nkeys++;
    }
    if (rc != SQLITE_DONE)
        return dvk_store_fail(x->s, rc, err, "exporting");
    x->cell = calloc((size_t)x->nkeys + 1, sizeof *x->cell);
    x->num = calloc((size_t)x->nkeys + 1, sizeof *x->num);
    return x->cell && x->num ? DVK_OK : dvk_error_set(err, DVK_ENOMEM, "out of memory");
}

static int find_key(const exporter *x, const char *k)
{
    int lo = 0, hi = x->nkeys - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(x->keys[mid], k);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Fill x->cell from a (key, value) query (json_each or the scores of one result). */
static int load_cells(exporter *x, sqlite3_stmt *st, dvk_error *err)
{
    for (int i = 0; i < x->nkeys; i++) {
        free(x->cell[i]);
        x->cell[i] = NULL;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        int i = k ? find_key(x, k) : -1;
        if (i < 0)
            continue;
        char num[DVK_FORMAT_MAX];
        size_t n;
        const char *text = column_text(st, 1, num, &n);
        int type = sqlite3_column_type(st, 1);
        x->num[i] = type == SQLITE_INTEGER || type == SQLITE_FLOAT ? sqlite3_column_double(st, 1) : NAN;
        if (!(x->cell[i] = strndup(text ? text : "", n)))
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DVK_OK : dvk_store_fail(x->s, rc, err, "exporting");
}

/* Write the CSV header: fixed names then the keys (prefixed). */
/* XLSX: the columns of the document's table; numbers where the column holds numbers. */
static int xlsx_header(exporter *x, const char *const *names, int n, const char *prefix)
{
    static const char *const numeric[] = {"year", "synthetic", "run", "eligible", "rank",
                                          "recognised", "exemplary", "proposed", NULL};
    for (int i = 0; i < n; i++) {
        dvk_doc_col_type type = DVK_COL_TEXT;
        for (int k = 0; numeric[k]; k++)
            if (strcmp(names[i], numeric[k]) == 0)
                type = DVK_COL_INT;
        if (strcmp(names[i], "total") == 0)
            type = DVK_COL_NUM;
        if (dvk_doc_table_column(x->doc, x->tab, names[i], names[i], type, 0, x->err))
            return -1;
    }
    for (int i = 0; i < x->nkeys; i++) {
        dvk_buf b = DVK_BUF_INIT;
        int bad = dvk_buf_printf(&b, "%s%s", prefix, x->keys[i]) ||
                  dvk_doc_table_column(x->doc, x->tab, b.p, b.p, DVK_COL_NUM, 0, x->err);
        dvk_buf_free(&b);
        if (bad)
            return -1;
    }
    return 0;
}

static int xlsx_row(exporter *x, sqlite3_stmt *st, int n)
{
    size_t row;
    if (dvk_doc_table_row(x->doc, x->tab, &row, x->err))
        return -1;
    for (int i = 0; i < n; i++) {
        int type = sqlite3_column_type(st, i), bad = 0;
        if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
            bad = dvk_doc_table_number(x->doc, x->tab, row, (size_t)i, sqlite3_column_double(st, i), x->err);
        else if (type == SQLITE_TEXT)
            bad = dvk_doc_table_text(x->doc, x->tab, row, (size_t)i,
                                     (const char *)sqlite3_column_text(st, i), x->err);
        if (bad)
            return -1;
    }
    for (int i = 0; i < x->nkeys; i++) {
        if (!x->cell[i])
            continue;
        int bad = !isnan(x->num[i])
                      ? dvk_doc_table_number(x->doc, x->tab, row, (size_t)(n + i), x->num[i], x->err)
                      : dvk_doc_table_text(x->doc, x->tab, row, (size_t)(n + i), x->cell[i], x->err);
        if (bad)
            return -1;
    }
    return 0;
}

static int csv_header(exporter *x, const char *const *names, int n, const char *prefix)
{
    if (x->doc)
        return xlsx_header(x, names, n, prefix);
    dvk_buf name = DVK_BUF_INIT;
    for (int i = 0; i < n; i++) {
        if (i)
            dvk_buf_addc(&x->line, ',');
        dvk_csv_cell(&x->line, names[i], strlen(names[i]), 1);
    }
    for (int i = 0; i < x->nkeys; i++) {
        dvk_buf_reset(&name);
        if (dvk_buf_printf(&name, "%s%s", prefix, x->keys[i]))
            x->line.oom = 1;
        dvk_buf_addc(&x->line, ',');
        dvk_csv_cell(&x->line, name.p, name.len, 1);
    }
    dvk_buf_free(&name);
    dvk_buf_add(&x->line, "\r\n", 2);
    return flush_line(x);
}

/* Write one row: the statement's first n columns, then the cells (as numbers in JSON under
 * group, e.g. "metrics"). */
static int put_row(exporter *x, sqlite3_stmt *st, const char *const *names, int n,
                   const char *group, long long count)
{
    if (x->doc)
        return xlsx_row(x, st, n);
    dvk_buf_reset(&x->line);
    if (x->json)
        dvk_buf_adds(&x->line, count ? ",\n{" : "\n{");
    for (int i = 0; i < n; i++)
        put_column(x, st, i, names[i], i == 0);
    if (!x->json) {
        for (int i = 0; i < x->nkeys; i++) {
            dvk_buf_addc(&x->line, ',');
            dvk_csv_cell(&x->line, x->cell[i], x->cell[i] ? strlen(x->cell[i]) : 0, 0);
        }
        dvk_buf_add(&x->line, "\r\n", 2);
        return flush_line(x);
    }
    dvk_json_key(&x->line, group, 0);
    dvk_buf_addc(&x->line, '{');
    int first = 1;
    for (int i = 0; i < x->nkeys; i++) {
        if (!x->cell[i])
            continue;
        dvk_json_key(&x->line, x->keys[i], first);
        dvk_buf_adds(&x->line, x->cell[i]);
        first = 0;
    }
    dvk_buf_adds(&x->line, "}}");
    return flush_line(x);
}

static const char *const MODEL_COLS[] = {"code", "name", "unit", "kind", "category", "field",
                                         "level", "year", "registration", "started_on",
                                         "address", "description", "synthetic"};
static const char *const RESULT_COLS[] = {"run", "model", "name", "unit", "province", "year",
                                          "level", "eligible", "gate", "total", "outcome",
                                          "rank", "recognised", "exemplary", "proposed", "reason"};

static int export_models(exporter *x, const dvk_export_opts *o, long long *rows, dvk_error *err)
{
    int rc = DVK_OK;
    sqlite3_stmt *keys = NULL, *st = NULL, *each = NULL;
    const char *filter = " WHERE (?1 IS NULL OR province=?1) AND (?2=0 OR year=?2)";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT DISTINCT j.key FROM models, json_each(models.metrics) j%s"
             " ORDER BY j.key", filter);
    if (!(keys = dvk_store_prepare(x->s, sql, err)))
        return err->code;
    sqlite3_bind_text(keys, 1, o->province, -1, SQLITE_STATIC);
    sqlite3_bind_int(keys, 2, o->year);
    if ((rc = load_keys(x, keys, err)))
        goto done;
    snprintf(sql, sizeof sql, "SELECT code,name,unit,kind,category,field,level,year,registration,"
             "started_on,address,description,synthetic,metrics FROM models%s ORDER BY id", filter);
    if (!(st = dvk_store_prepare(x->s, sql, err)) ||
        !(each = dvk_store_prepare(x->s, "SELECT key, value FROM json_each(?1)", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, o->province, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, o->year);
    if (!x->json && csv_header(x, MODEL_COLS, 13, ""))
        goto io;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_bind_text(each, 1, (const char *)sqlite3_column_text(st, 13), -1, SQLITE_TRANSIENT);
        if ((rc = load_cells(x, each, err)))
            goto done;
        if (put_row(x, st, MODEL_COLS, 13, "metrics", *rows))
            goto io;
        (*rows)++;
        DVK_FAULT_POINT("export-row");
    }
    if (s != SQLITE_DONE)
        rc = dvk_store_fail(x->s, s, err, "exporting models");
    goto done;
io:
    rc = x->doc && err->code ? err->code : dvk_error_set(err, DVK_EIO, "write error (%s)", strerror(errno));
done:
    sqlite3_finalize(keys);
    sqlite3_finalize(st);
    sqlite3_finalize(each);
    return rc;
}

static int export_results(exporter *x, const dvk_export_opts *o, long long *rows, dvk_error *err)
{
    int rc = DVK_OK;
    sqlite3_stmt *q = NULL, *keys = NULL, *st = NULL, *sc = NULL;
    long long run = o->run;
    if (!(q = dvk_store_prepare(x->s, run ? "SELECT id FROM runs WHERE id=?1"
                                          : "SELECT max(id) FROM runs", err)))
        return err->code;
    if (run)
        sqlite3_bind_int64(q, 1, run);
    if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_type(q, 0) == SQLITE_NULL) {
        rc = run ? dvk_error_set(err, DVK_EDATA, "no run %lld (see `dvk runs`)", run)
                 : dvk_error_set(err, DVK_EDATA, "no runs yet (run `dvk decide` first)");
        goto done;
    }
    run = sqlite3_column_int64(q, 0);
    if (!(keys = dvk_store_prepare(x->s, "SELECT DISTINCT criterion FROM result_scores"
                                         " WHERE run=?1 ORDER BY criterion", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_int64(keys, 1, run);
    if ((rc = load_keys(x, keys, err)))
        goto done;
    /* a final run's models as its frozen record keeps them (store.h, schema version 3) */
    int frozen = dvk_store_run_frozen(x->s, run, err);
    if (frozen < 0) {
        rc = err->code;
        goto done;
    }
    if (!(st = dvk_store_prepare(x->s, frozen ?
              "SELECT r.run, m.code, m.name, m.unit, m.province, m.year, m.level, r.eligible,"
              " r.gate, r.total, r.outcome, r.rank, r.recognised, r.exemplary, r.proposed,"
              " r.reason, r.model FROM results r JOIN run_models m ON m.run=r.run AND m.id=r.model"
              " WHERE r.run=?1 ORDER BY r.rank IS NULL, r.rank, m.code" :
              "SELECT r.run, m.code, m.name, m.unit, m.province, m.year, m.level, r.eligible,"
              " r.gate, r.total, r.outcome, r.rank, r.recognised, r.exemplary, r.proposed,"
              " r.reason, r.model FROM results r JOIN models m ON m.id=r.model WHERE r.run=?1"
              " ORDER BY r.rank IS NULL, r.rank, m.code", err)) ||
        !(sc = dvk_store_prepare(x->s, "SELECT criterion, points FROM result_scores"
                                       " WHERE run=?1 AND model=?2", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(sc, 1, run);
    if (!x->json && csv_header(x, RESULT_COLS, 16, "points:"))
        goto io;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_bind_int64(sc, 2, sqlite3_column_int64(st, 16));
        if ((rc = load_cells(x, sc, err)))
            goto done;
        if (put_row(x, st, RESULT_COLS, 16, "scores", *rows))
            goto io;
        (*rows)++;
        DVK_FAULT_POINT("export-row");
    }
    if (s != SQLITE_DONE)
        rc = dvk_store_fail(x->s, s, err, "exporting results");
    goto done;
io:
    rc = x->doc && err->code ? err->code : dvk_error_set(err, DVK_EIO, "write error (%s)", strerror(errno));
done:
    sqlite3_finalize(q);
    sqlite3_finalize(keys);
    sqlite3_finalize(st);
    sqlite3_finalize(sc);
    return rc;
}

/* XLSX: the same rows as one table of a document, rendered by the render module (typed
 * cells, so nothing needs neutralising); the document holds every row in memory. */
static int export_xlsx(dvk_store *s, int what, const char *path, const dvk_export_opts *opts,
                       long long *rows, dvk_error *err)
{
    exporter x;
    long long n = 0;
    memset(&x, 0, sizeof x);
    if (!path || strcmp(path, "-") == 0)
        return dvk_error_set(err, DVK_EUSAGE, "--format xlsx needs an output file (-o FILE.xlsx)");
    /* Refused before the rows are read (and checked again when the file is opened). */
    const dvk_outfile_keep keep = {.db = dvk_store_path(s)};
    int rc = dvk_outfile_check(path, &keep, err);
    if (rc)
        return rc;
    x.s = s;
    x.err = err;
    if (!(x.doc = dvk_doc_new()))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    const char *title = what == DVK_EXPORT_RESULTS ? "results" : "models";
    if ((rc = dvk_doc_set_title(x.doc, title, err)) || !(x.tab = dvk_doc_table_add(x.doc, title, err))) {
        rc = err->code ? err->code : DVK_ENOMEM;
        goto done;
    }
    rc = what == DVK_EXPORT_RESULTS ? export_results(&x, opts, &n, err)
                                        : export_models(&x, opts, &n, err);
    if (!rc)
        rc = dvk_render_file(x.doc, DVK_FORMAT_XLSX, path, &keep, err);
done:
    for (int i = 0; i < x.nkeys; i++) {
        free(x.keys[i]);
        if (x.cell)
            free(x.cell[i]);
    }
    free(x.keys);
    free(x.cell);
    free(x.num);
    dvk_doc_free(x.doc);
    if (rows)
        *rows = n;
    return rc;
}

int dvk_export(dvk_store *s, int what, const char *path, const dvk_export_opts *opts,
               long long *rows, dvk_error *err)
{
    static const dvk_export_opts defaults;
    exporter x;
    dvk_outfile out;
    long long n = 0;
    memset(&x, 0, sizeof x);
    if (!opts)
        opts = &defaults;
    if (opts->format == DVK_EXPORT_XLSX)
        return export_xlsx(s, what, path, opts, rows, err);
    const dvk_outfile_keep keep = {.db = dvk_store_path(s)};
    int rc = dvk_outfile_open(&out, path, &keep, 0, err);
    if (rc)
        return rc;
    x.s = s;
    x.f = out.f;
    x.json = opts->format == DVK_EXPORT_JSON;
    if (!x.json && opts->bom && exp_write(&x, "\xEF\xBB\xBF", 3))
        rc = dvk_error_set(err, DVK_EIO, "write error (%s)", strerror(errno));
    if (!rc && x.json && exp_write(&x, "[", 1))
        rc = dvk_error_set(err, DVK_EIO, "write error (%s)", strerror(errno));
    if (!rc)
        rc = what == DVK_EXPORT_RESULTS ? export_results(&x, opts, &n, err)
                                            : export_models(&x, opts, &n, err);
    if (!rc && x.json && exp_write(&x, n ? "\n]\n" : "]\n", n ? 3 : 2))
        rc = dvk_error_set(err, DVK_EIO, "write error (%s)", strerror(errno));
    if (rc && path && strcmp(path, "-") != 0 && err->msg[0] && strncmp(err->msg, "write error", 11) == 0)
        dvk_error_prefix(err, "%s", path);
    if (!rc)
        DVK_FAULT_POINT("export-close");
    int crc = dvk_outfile_close(&out, rc == DVK_OK, rc ? NULL : err);
    if (!rc)
        rc = crc;
    for (int i = 0; i < x.nkeys; i++) {
        free(x.keys[i]);
        if (x.cell)
            free(x.cell[i]);
    }
    free(x.keys);
    free(x.cell);
    free(x.num);
    dvk_buf_free(&x.line);
    if (rows)
        *rows = n;
    return rc;
}

