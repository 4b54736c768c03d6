/* scores.c: a model's scores packed into one blob, and the SQL that reads them (scores.h,
 * which documents the format). */
#include "dvk/scores.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ little-endian bytes */

static void put_u32(unsigned char *o, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        o[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *o, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        o[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* a double's bits, unchanged (no conversion, so NaN payloads and -0.0 survive) */
static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bits_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* ------------------------------------------------------------------ packing */

int dvk_scores_begin(dvk_buf *b)
{
    return dvk_buf_addc(b, (char)DVK_SCORES_VERSION);
}

/* Append one entry whose texts are given with their lengths (note NULL: none). */
static int pack_n(dvk_buf *b, const char *crit, size_t clen, double points, double max,
                  const char *note, size_t nlen, long long pos)
{
    if (clen >= DVK_SCORES_NO_NOTE || (note && nlen >= DVK_SCORES_NO_NOTE))
        return -1;
    unsigned char head[4], mid[20], tail[8];
    put_u32(head, (uint32_t)clen);
    put_u64(mid, double_bits(points));
    put_u64(mid + 8, double_bits(max));
    put_u32(mid + 16, note ? (uint32_t)nlen : DVK_SCORES_NO_NOTE);
    put_u64(tail, (uint64_t)pos);
    if (dvk_buf_reserve(b, sizeof head + clen + sizeof mid + (note ? nlen : 0) + sizeof tail))
        return -1;
    dvk_buf_add(b, head, sizeof head);
    dvk_buf_add(b, crit, clen);
    dvk_buf_add(b, mid, sizeof mid);
    if (note)
        dvk_buf_add(b, note, nlen);
    return dvk_buf_add(b, tail, sizeof tail);
}

int dvk_scores_pack(dvk_buf *b, const char *criterion, double points, double max,
                    const char *note, long long pos)
{
    return pack_n(b, criterion, strlen(criterion), points, max, note, note ? strlen(note) : 0, pos);
}

/* ------------------------------------------------------------------ reading */

int dvk_scores_open(dvk_scores_iter *it, const void *blob, size_t len, dvk_error *err)
{
    memset(it, 0, sizeof *it);
    if (!blob || len == 0)
        return dvk_error_set(err, DVK_EDATA, "packed scores: empty (no version byte)");
    it->p = blob;
    if (it->p[0] != DVK_SCORES_VERSION)
        return dvk_error_set(err, DVK_EDATA, "packed scores: format version %u (this dvk reads %d)",
                             it->p[0], DVK_SCORES_VERSION);
    it->len = len;
    it->off = 1;
    return DVK_OK;
}

/* n bytes at the reading position, or NULL when fewer remain */
static const unsigned char *take(dvk_scores_iter *it, size_t n)
{
    if (it->len - it->off < n)
        return NULL;
    const unsigned char *q = it->p + it->off;
    it->off += n;
    return q;
}

int dvk_scores_next(dvk_scores_iter *it, dvk_score *out, dvk_error *err)
{
    if (!it->p || it->off >= it->len)
        return 0;
    size_t at = it->off;
    const unsigned char *q = take(it, 4), *crit, *mid, *note = NULL, *tail;
    uint32_t clen = q ? get_u32(q) : 0, nlen = 0;
    if (!q || clen == DVK_SCORES_NO_NOTE || !(crit = take(it, clen)) || !(mid = take(it, 20)))
        goto bad;
    nlen = get_u32(mid + 16);
    if (nlen != DVK_SCORES_NO_NOTE && !(note = take(it, nlen)))
        goto bad;
    if (!(tail = take(it, 8)))
        goto bad;
    out->criterion = (const char *)crit;
    out->criterion_len = clen;
    out->points = bits_double(get_u64(mid));
    out->max = bits_double(get_u64(mid + 8));
    out->note = note ? (const char *)note : NULL;
    out->note_len = note ? nlen : 0;
    out->pos = (long long)get_u64(tail);
    return 1;
bad:
    it->off = it->len;   /* nothing more is read from it */
    dvk_error_set(err, DVK_EDATA, "packed scores: the entry at byte %zu runs past the end (%zu bytes)",
                  at, it->len);
    return -1;
}

long long dvk_scores_count(const void *blob, size_t len, dvk_error *err)
{
    dvk_scores_iter it;
    if (dvk_scores_open(&it, blob, len, err) != DVK_OK)
        return -1;
    dvk_score sc;
    long long n = 0;
    int rc;
    while ((rc = dvk_scores_next(&it, &sc, err)) == 1)
        n++;
    return rc < 0 ? -1 : n;
}

/* ------------------------------------------------------------------ dvk_scores(blob) */

enum { COL_CRITERION, COL_POINTS, COL_MAX, COL_NOTE, COL_POS, COL_BLOB };

typedef struct scores_cursor {
    sqlite3_vtab_cursor base;
    unsigned char *blob;   /* the cursor's own copy of the argument */
    dvk_scores_iter it;
    dvk_score cur;
    long long row;
    int eof;
} scores_cursor;

static int vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **out, char **errmsg)
{
    (void)aux, (void)argc, (void)argv, (void)errmsg;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(criterion TEXT, points REAL, max REAL,"
                                      " note TEXT, pos INTEGER, blob HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_vtab *vt = sqlite3_malloc(sizeof *vt);
    if (!vt)
        return SQLITE_NOMEM;
    memset(vt, 0, sizeof *vt);
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    *out = vt;
    return SQLITE_OK;
}

static int vt_disconnect(sqlite3_vtab *vt)
{
    sqlite3_free(vt);
    return SQLITE_OK;
}

/* Usable only with the blob given (dvk_scores(x)): that constraint becomes argv[0]. */
static int vt_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    int found = -1, unusable = 0;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn != COL_BLOB || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
            continue;
        if (!c->usable)
            unusable = 1;
        else
            found = i;
    }
    if (found < 0 && unusable)
        return SQLITE_CONSTRAINT;   /* another plan gives the blob first */
    if (found < 0) {
        sqlite3_free(vt->zErrMsg);
        vt->zErrMsg = sqlite3_mprintf("dvk_scores needs its blob: dvk_scores(result_scores_packed.scores)");
        return SQLITE_ERROR;
    }
    info->aConstraintUsage[found].argvIndex = 1;
    info->aConstraintUsage[found].omit = 1;
    info->idxNum = 1;
    info->estimatedCost = 10;
    info->estimatedRows = 6;
    return SQLITE_OK;
}

static int vt_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    (void)vt;
    scores_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->eof = 1;
    *out = &c->base;
    return SQLITE_OK;
}

static int vt_close(sqlite3_vtab_cursor *cur)
{
    scores_cursor *c = (scores_cursor *)cur;
    sqlite3_free(c->blob);
    sqlite3_free(c);
    return SQLITE_OK;
}

static int vt_next(sqlite3_vtab_cursor *cur)
{
    scores_cursor *c = (scores_cursor *)cur;
    /* the whole blob was checked by vt_filter: no entry fails here */
    c->eof = dvk_scores_next(&c->it, &c->cur, NULL) != 1;
    c->row++;
    return SQLITE_OK;
}

static int vt_filter(sqlite3_vtab_cursor *cur, int idxnum, const char *idxstr, int argc,
                     sqlite3_value **argv)
{
    (void)idxnum, (void)idxstr;
    scores_cursor *c = (scores_cursor *)cur;
    sqlite3_free(c->blob);
    c->blob = NULL;
    c->eof = 1;
    c->row = 0;
    memset(&c->it, 0, sizeof c->it);
    if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return SQLITE_OK;   /* no scores: no row */
    const void *b = sqlite3_value_blob(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    if (n > 0 && (!b || !(c->blob = sqlite3_malloc(n))))
        return SQLITE_NOMEM;
    if (n > 0)
        memcpy(c->blob, b, (size_t)n);
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_scores_count(c->blob, (size_t)n, &err) < 0) {
        sqlite3_free(cur->pVtab->zErrMsg);
        cur->pVtab->zErrMsg = sqlite3_mprintf("%s", err.msg);
        return SQLITE_CORRUPT_VTAB;
    }
    dvk_scores_open(&c->it, c->blob, (size_t)n, NULL);
    c->row = -1;
    return vt_next(cur);
}

static int vt_eof(sqlite3_vtab_cursor *cur) { return ((scores_cursor *)cur)->eof; }

static int vt_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    const dvk_score *s = &((scores_cursor *)cur)->cur;
    switch (col) {
    case COL_CRITERION:
        sqlite3_result_text(ctx, s->criterion, (int)s->criterion_len, SQLITE_TRANSIENT);
        break;
    case COL_POINTS:
        sqlite3_result_double(ctx, s->points);
        break;
    case COL_MAX:
        sqlite3_result_double(ctx, s->max);
        break;
    case COL_NOTE:
        if (s->note)
            sqlite3_result_text(ctx, s->note, (int)s->note_len, SQLITE_TRANSIENT);
        else
            sqlite3_result_null(ctx);
        break;
    case COL_POS:
        sqlite3_result_int64(ctx, s->pos);
        break;
    default:
        sqlite3_result_null(ctx);
        break;
    }
    return SQLITE_OK;
}

static int vt_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((scores_cursor *)cur)->row;
    return SQLITE_OK;
}

static const sqlite3_module scores_module = {
    .iVersion = 0,
    .xCreate = NULL,   /* eponymous only: no CREATE VIRTUAL TABLE ... USING dvk_scores */
    .xConnect = vt_connect,
    .xBestIndex = vt_best_index,
    .xDisconnect = vt_disconnect,
    .xDestroy = vt_disconnect,
    .xOpen = vt_open,
    .xClose = vt_close,
    .xFilter = vt_filter,
    .xNext = vt_next,
    .xEof = vt_eof,
    .xColumn = vt_column,
    .xRowid = vt_rowid,
};

/* ------------------------------------------------------------------ dvk_scores_pack(...) */

typedef struct agg_entry {
    char *crit, *note;     /* note NULL: none */
    size_t clen, nlen;
    double points, max;
    long long pos;
} agg_entry;

typedef struct agg {
    agg_entry *e;
    size_t n, cap;
    int oom;
} agg;

static char *dup_bytes(const unsigned char *t, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, t, n);
        d[n] = '\0';
    }
    return d;
}

static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (a->oom)
        return;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        agg_entry *e = realloc(a->e, cap * sizeof *e);
        if (!e) {
            a->oom = 1;
            return;
        }
        a->e = e;
        a->cap = cap;
    }
    agg_entry *e = &a->e[a->n];
    memset(e, 0, sizeof *e);
    const unsigned char *crit = sqlite3_value_text(argv[0]);
    e->clen = (size_t)sqlite3_value_bytes(argv[0]);
    e->crit = dup_bytes(crit ? crit : (const unsigned char *)"", crit ? e->clen : 0);
    if (!crit)
        e->clen = 0;
    e->points = sqlite3_value_double(argv[1]);
    e->max = sqlite3_value_double(argv[2]);
    if (sqlite3_value_type(argv[3]) != SQLITE_NULL) {
        const unsigned char *note = sqlite3_value_text(argv[3]);
        e->nlen = (size_t)sqlite3_value_bytes(argv[3]);
        e->note = note ? dup_bytes(note, e->nlen) : NULL;
        if (!e->note)
            a->oom = 1;
    }
    e->pos = sqlite3_value_int64(argv[4]);
    if (!e->crit)
        a->oom = 1;
    a->n++;
}

static int cmp_entry(const void *x, const void *y)
{
    const agg_entry *a = x, *b = y;
    if (a->pos != b->pos)
        return a->pos < b->pos ? -1 : 1;
    size_t n = a->clen < b->clen ? a->clen : b->clen;
    int c = memcmp(a->crit, b->crit, n);
    return c ? c : a->clen < b->clen ? -1 : a->clen > b->clen ? 1 : 0;
}

static void agg_final(sqlite3_context *ctx)
{
    agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a || a->n == 0) {
        sqlite3_result_null(ctx);   /* no rows: no scores */
        if (a)
            free(a->e);
        return;
    }
    dvk_buf b = DVK_BUF_INIT;
    if (!a->oom) {
        qsort(a->e, a->n, sizeof *a->e, cmp_entry);
        dvk_scores_begin(&b);
        for (size_t i = 0; i < a->n; i++)
            if (pack_n(&b, a->e[i].crit, a->e[i].clen, a->e[i].points, a->e[i].max, a->e[i].note,
                       a->e[i].nlen, a->e[i].pos) != 0)
                b.oom = 1;
    }
    for (size_t i = 0; i < a->n; i++) {
        free(a->e[i].crit);
        free(a->e[i].note);
    }
    free(a->e);
    if (a->oom || b.oom)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_blob(ctx, b.p, (int)b.len, SQLITE_TRANSIENT);
    dvk_buf_free(&b);
}

int dvk_scores_register(sqlite3 *db)
{
    int rc = sqlite3_create_module(db, "dvk_scores", &scores_module, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "dvk_scores_pack", 5,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                     NULL, agg_step, agg_final);
    return rc;
}

int dvk_scores_view(sqlite3 *db)
{
    return sqlite3_exec(db, "CREATE TEMP VIEW IF NOT EXISTS result_scores(run, model, criterion,"
                            " points, max, note, pos) AS SELECT r.run, r.model, s.criterion,"
                            " s.points, s.max, s.note, s.pos FROM main.result_scores_packed r,"
                            " dvk_scores(r.scores) s", NULL, NULL, NULL);
}
