/* decide.c: a recognition run: candidates streamed from SQLite through the province script,
 * ranks, quotas, and the run stored whole in one transaction (runs, results with their
 * packed scores, audit); the summary as text. Listing, explaining, finalizing and diffing
 * runs are in runs.c; level names in levels.c. */
#include "dvk/decide.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/buf.h"
#include "dvk/fault.h"
#include "dvk/json.h"
#include "dvk/runs.h"
#include "dvk/sandbox.h"
#include "dvk/scores.h"
#include "dvk/script.h"
#include "dvk/units.h"

/* ------------------------------------------------------------------ candidates */

/* A run's candidates wait for the quotas and the ranks in a temporary table, temp.dvk_cand:
 * one row per candidate in model-code order (k, from 0, the last tie-breaker), with its
 * total, outcome, tie-break points (t0..t15: the criteria in run_state.tb_crit) and the
 * reason; the demotions in temp.dvk_dem, the ranks in temp.dvk_rank. SQLite sorts the
 * candidates for each quota and for the ranks (spilling to temporary files past its cache)
 * and the results are written from them by one INSERT ... SELECT, so that a run's memory
 * stays the same whatever the number of its candidates. Their packed scores (dvk/scores.h)
 * need no rank: each candidate's are written to result_scores_packed once, as it is read, so
 * that the passes that scan and sort the candidates do not carry them. Only the interned
 * unit codes (at most the province's units) are held in memory. The tables live in the
 * run's transaction: a rollback removes them, and they are dropped before it commits. */
static const char *CAND_TABLES =
    "DROP TABLE IF EXISTS temp.dvk_cand; DROP TABLE IF EXISTS temp.dvk_rank;"
    " DROP TABLE IF EXISTS temp.dvk_outcome; DROP TABLE IF EXISTS temp.dvk_gate;"
    " DROP TABLE IF EXISTS temp.dvk_dem;"
    " DROP TABLE IF EXISTS temp.dvk_qtext;"
    "CREATE TEMP TABLE dvk_cand (k INTEGER PRIMARY KEY, id INTEGER NOT NULL,"
    " eligible INTEGER NOT NULL, total REAL NOT NULL, gate INTEGER, outcome INTEGER NOT NULL,"
    " unit INTEGER NOT NULL, reason TEXT,"
    " t0 REAL, t1 REAL, t2 REAL, t3 REAL, t4 REAL, t5 REAL, t6 REAL, t7 REAL, t8 REAL, t9 REAL,"
    " t10 REAL, t11 REAL, t12 REAL, t13 REAL, t14 REAL, t15 REAL);"
    "CREATE TEMP TABLE dvk_rank (rank INTEGER PRIMARY KEY, k INTEGER NOT NULL);"
    "CREATE TEMP TABLE dvk_dem (k INTEGER PRIMARY KEY, outcome INTEGER NOT NULL,"
    " ndem INTEGER NOT NULL, qi INTEGER NOT NULL, unit INTEGER NOT NULL, place INTEGER NOT NULL,"
    " prev TEXT);"
    "CREATE TEMP TABLE dvk_qtext (qi INTEGER NOT NULL, unit INTEGER NOT NULL, head TEXT NOT NULL,"
    " tail TEXT NOT NULL, PRIMARY KEY (qi, unit));"
    "CREATE TEMP TABLE dvk_outcome (i INTEGER PRIMARY KEY, id TEXT NOT NULL,"
    " recognised INTEGER NOT NULL, exemplary INTEGER NOT NULL, propose INTEGER NOT NULL);"
    "CREATE TEMP TABLE dvk_gate (i INTEGER PRIMARY KEY, id TEXT NOT NULL);";
static const char *CAND_DROP =
    "DROP TABLE temp.dvk_cand; DROP TABLE temp.dvk_rank;"
    " DROP TABLE temp.dvk_outcome; DROP TABLE temp.dvk_gate; DROP TABLE temp.dvk_dem;"
    " DROP TABLE temp.dvk_qtext;";
#define CAND_TB_MAX 16

/* Interned strings: each text once, named by its index. */
typedef struct strset {
    char **s;
    int n, cap;
    int *slots;            /* open-addressing hash of the texts: index into s, -1 empty */
    int nslots;
    int last;              /* the last one found (-1 none): runs of the same text are cheap */
} strset;

typedef struct run_state {
    dvk_store *s;
    const dvk_decide_opts *o;
    dvk_province *p;
    lua_State *L;
    size_t n;              /* candidates so far */
    int ntb;
    int tb_crit[CAND_TB_MAX];   /* criteria used as tie-breakers at this level */
    strset units;          /* interned unit codes */
    dvk_units *tree;       /* the province's unit tree, loaded once per run */
    int root;              /* the province's index in tree */
} run_state;

static unsigned long hash_str(const char *s)
{
    unsigned long h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

/* Index of text in set, adding it when new; -1 when out of memory. */
static int intern(strset *set, const char *text)
{
    if (set->last >= 0 && set->last < set->n && strcmp(set->s[set->last], text) == 0)
        return set->last;
    if (2 * (set->n + 1) > set->nslots) {
        int nslots = set->nslots ? set->nslots * 2 : 256;
        int *slots = malloc((size_t)nslots * sizeof *slots);
        if (!slots)
            return -1;
        for (int i = 0; i < nslots; i++)
            slots[i] = -1;
        for (int u = 0; u < set->n; u++) {
            size_t h = hash_str(set->s[u]) & (size_t)(nslots - 1);
            while (slots[h] >= 0)
                h = (h + 1) & (size_t)(nslots - 1);
            slots[h] = u;
        }
        free(set->slots);
        set->slots = slots;
        set->nslots = nslots;
    }
    size_t h = hash_str(text) & (size_t)(set->nslots - 1);
    while (set->slots[h] >= 0) {
        if (strcmp(set->s[set->slots[h]], text) == 0)
            return set->last = set->slots[h];
        h = (h + 1) & (size_t)(set->nslots - 1);
    }
    if (set->n == set->cap) {
        int cap = set->cap ? set->cap * 2 : 64;
        char **nu = realloc(set->s, (size_t)cap * sizeof *nu);
        if (!nu)
            return -1;
        set->s = nu;
        set->cap = cap;
    }
    set->s[set->n] = strdup(text);
    if (!set->s[set->n])
        return -1;
    set->slots[h] = set->n;
    return set->last = set->n++;
}

static void strset_free(strset *set)
{
    for (int i = 0; i < set->n; i++)
        free(set->s[i]);
    free(set->s);
    free(set->slots);
    memset(set, 0, sizeof *set);
    set->last = -1;
}

/* Run SQL text (no parameters, no rows) on s; what names the work in an error. Only this
 * file's constant DDL (CAND_TABLES, CAND_DROP) and assign_ranks' statement, whose only
 * variable parts are the column names t0..t15 made from integers: no value from a script or
 * the data is ever put into the text (those are bound, as everywhere else). */
static int exec_sql(dvk_store *s, const char *sql, const char *what, dvk_error *err)
{
    int rc = sqlite3_exec(dvk_store_db(s), sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? DVK_OK : dvk_store_fail(s, rc, err, what);
}

/* ", t2 DESC, t0 DESC": the ORDER BY terms of quota q's tie-break criteria (positions in
 * r->tb_crit), after eligibility and total. */
static void tb_order(const run_state *r, const dvk_quota *q, dvk_buf *sql)
{
    for (int i = 0; q && i < q->ntiebreak; i++)
        for (int j = 0; j < r->ntb; j++)
            if (r->tb_crit[j] == q->tiebreak[i])
                dvk_buf_printf(sql, ", t%d DESC", j);
}

/* The reason a quota gives (Vietnamese): "vượt chỉ tiêu 22 mô hình "X" cấp tỉnh: xếp hạng 23,
 * chuyển xuống "Y"", or "... của <unit name>: xếp hạng 4 trong đơn vị, ..." per unit: the
 * text before the place (head) and after it (tail). unit: an index into r->units (per-unit
 * quotas only). */
static void quota_parts(const run_state *r, int qi, int unit, char *head, char *tail, size_t n)
{
    const dvk_province *p = r->p;
    const dvk_quota *q = &p->quotas[qi];
    int oi = q->outcome_index;
    if (q->per_unit) {
        const char *un = dvk_units_name(r->tree, r->units.s[unit]);   /* code when unknown */
        snprintf(head, n, "vượt chỉ tiêu %lld mô hình \"%s\" của %s: xếp hạng ", q->max,
                 p->outcomes[oi].name, un);
        snprintf(tail, n, " trong đơn vị, chuyển xuống \"%s\"", p->outcomes[oi + 1].name);
    } else {
        snprintf(head, n, "vượt chỉ tiêu %lld mô hình \"%s\" cấp %s: xếp hạng ", q->max,
                 p->outcomes[oi].name, dvk_level_name(p, q->level));
        snprintf(tail, n, ", chuyển xuống \"%s\"", p->outcomes[oi + 1].name);
    }
}

/* The texts of the quotas of this level (quota_parts) into temp.dvk_qtext, by quota and
 * unit (-1 for a quota per level), for the results' INSERT ... SELECT to put the place in. */
static int quota_texts(run_state *r, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(r->s, "INSERT INTO temp.dvk_qtext VALUES (?1, ?2, ?3, ?4)",
                                         err);
    if (!st)
        return err->code;
    int rc = DVK_OK;
    for (int qi = 0; qi < r->p->nquotas && rc == DVK_OK; qi++) {
        const dvk_quota *q = &r->p->quotas[qi];
        if (strcmp(q->level, r->o->level) != 0)
            continue;
        for (int u = q->per_unit ? 0 : -1; u < (q->per_unit ? r->units.n : 0) && rc == DVK_OK;
             u++) {
            char head[512], tail[512];
            quota_parts(r, qi, u, head, tail, sizeof head);
            sqlite3_bind_int(st, 1, qi);
            sqlite3_bind_int(st, 2, u);
            sqlite3_bind_text(st, 3, head, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, tail, -1, SQLITE_STATIC);
            int src = sqlite3_step(st);
            sqlite3_reset(st);
            if (src != SQLITE_DONE)
                rc = dvk_store_fail(r->s, src, err, "applying the quotas");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* The candidates with their outcome after the demotions so far (temp.dvk_dem). */
#define CAND_NOW "temp.dvk_cand c LEFT JOIN temp.dvk_dem d ON d.k = c.k"
#define OUTCOME_NOW "coalesce(d.outcome, c.outcome)"

/* Apply the quotas of this level, in outcome order: the overflow of each (by rank within
 * the outcome: eligible first, total, the quota's tie-breakers, model code; per unit when per
 * = "unit") moves to the next outcome with the reason. The candidates of the outcome come
 * sorted from SQLite (all of them are in its sorter before the first row is returned, so the
 * demotions written meanwhile do not disturb the pass). A demotion is a row of the narrow
 * temp.dvk_dem (the candidate's outcome now, the number of its demotions, the last one's quota,
 * unit and place, and the texts of those before it), not a rewrite of the candidate's row.
 * Returns the number of demotions, or -1 (err set). */
static long long apply_quotas(run_state *r, dvk_error *err)
{
    const dvk_province *p = r->p;
    long long demoted = 0;
    long long *count = calloc((size_t)r->units.n + 1, sizeof *count);
    sqlite3_stmt *sel = NULL, *dem = NULL;
    dvk_buf sql = DVK_BUF_INIT, prev = DVK_BUF_INIT;
    if (!count) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        return -1;
    }
    if (!(dem = dvk_store_prepare(r->s, "INSERT OR REPLACE INTO temp.dvk_dem VALUES"
                                        " (?1, ?2, ?3, ?4, ?5, ?6, ?7)", err)))
        demoted = -1;
    for (int oi = 0; demoted >= 0 && oi < p->noutcomes - 1; oi++) {
        for (int qi = 0; demoted >= 0 && qi < p->nquotas; qi++) {
            const dvk_quota *q = &p->quotas[qi];
            if (q->outcome_index != oi || strcmp(q->level, r->o->level) != 0)
                continue;
            dvk_buf_reset(&sql);
            dvk_buf_adds(&sql, "SELECT c.k, c.unit, d.ndem, d.qi, d.unit, d.place, d.prev FROM "
                               CAND_NOW " WHERE " OUTCOME_NOW " = ?1"
                               " ORDER BY eligible DESC, total DESC");
            tb_order(r, q, &sql);
            dvk_buf_adds(&sql, ", c.k");
            if (sql.oom) {
                demoted = -1;
                dvk_error_set(err, DVK_ENOMEM, "out of memory");
                break;
            }
            if (!(sel = dvk_store_prepare(r->s, dvk_buf_str(&sql), err))) {
                demoted = -1;
                break;
            }
            sqlite3_bind_int(sel, 1, oi);
            memset(count, 0, ((size_t)r->units.n + 1) * sizeof *count);
            long long global = 0;
            int src;
            while ((src = sqlite3_step(sel)) == SQLITE_ROW) {
                int unit = sqlite3_column_int(sel, 1);
                long long *cnt = q->per_unit && unit >= 0 && unit < r->units.n ? &count[unit]
                                                                                 : &global;
                if (++*cnt <= q->max)
                    continue;
                int ndem = sqlite3_column_int(sel, 2);   /* 0: NULL, never demoted */
                /* a second demotion: the texts of the earlier ones go to prev */
                dvk_buf_reset(&prev);
                if (ndem > 0) {
                    const char *before = (const char *)sqlite3_column_text(sel, 6);
                    char head[512], tail[512];
                    quota_parts(r, sqlite3_column_int(sel, 3), sqlite3_column_int(sel, 4),
                                head, tail, sizeof head);
                    if (before)
                        dvk_buf_printf(&prev, "%s; ", before);
                    dvk_buf_printf(&prev, "%s%lld%s", head, sqlite3_column_int64(sel, 5), tail);
                    if (prev.oom) {
                        dvk_error_set(err, DVK_ENOMEM, "out of memory");
                        demoted = -1;
                        break;
                    }
                }
                sqlite3_bind_int64(dem, 1, sqlite3_column_int64(sel, 0));
                sqlite3_bind_int(dem, 2, oi + 1);
                sqlite3_bind_int(dem, 3, ndem + 1);
                sqlite3_bind_int(dem, 4, qi);
                sqlite3_bind_int(dem, 5, q->per_unit ? unit : -1);
                sqlite3_bind_int64(dem, 6, *cnt);
                if (ndem > 0)
                    sqlite3_bind_text(dem, 7, dvk_buf_str(&prev), -1, SQLITE_STATIC);
                else
                    sqlite3_bind_null(dem, 7);
                int drc = sqlite3_step(dem);
                sqlite3_reset(dem);
                if (drc != SQLITE_DONE) {
                    dvk_store_fail(r->s, drc, err, "applying the quotas");
                    demoted = -1;
                    break;
                }
                demoted++;
            }
            if (demoted >= 0 && src != SQLITE_DONE) {
                dvk_store_fail(r->s, src, err, "applying the quotas");
                demoted = -1;
            }
            sqlite3_finalize(sel);
            sel = NULL;
        }
    }
    sqlite3_finalize(dem);
    dvk_buf_free(&sql);
    dvk_buf_free(&prev);
    free(count);
    if (demoted > 0 && quota_texts(r, err) != DVK_OK)
        return -1;
    return demoted;
}

/* The overall rank: eligible first, total desc, the first quota's tie-breakers of this
 * level, model code asc. The candidates' keys, sorted by SQLite, go into temp.dvk_rank in
 * that order, so that each gets the next rowid: its rank (the table is new and empty, so the
 * rowids are 1, 2, 3, ...); then an index by k, for the results' INSERT ... SELECT to read the
 * ranks in model-code order. */
static int assign_ranks(run_state *r, dvk_error *err)
{
    const dvk_quota *first = NULL;
    for (int qi = 0; qi < r->p->nquotas && !first; qi++)
        if (strcmp(r->p->quotas[qi].level, r->o->level) == 0)
            first = &r->p->quotas[qi];
    dvk_buf sql = DVK_BUF_INIT;
    dvk_buf_adds(&sql, "INSERT INTO temp.dvk_rank (k) SELECT k FROM temp.dvk_cand"
                       " ORDER BY eligible DESC, total DESC");
    tb_order(r, first, &sql);
    dvk_buf_adds(&sql, ", k; CREATE INDEX temp.dvk_rank_k ON dvk_rank(k);");
    int rc = sql.oom ? dvk_error_set(err, DVK_ENOMEM, "out of memory")
                     : exec_sql(r->s, dvk_buf_str(&sql), "ranking the candidates", err);
    dvk_buf_free(&sql);
    return rc;
}

/* ------------------------------------------------------------------ batched inserts */

/* Rows of one INSERT held until BATCH_ROWS of them are written by one statement of that
 * many VALUES rows (a statement's fixed cost, its transaction and statement-journal steps,
 * its cursors, paid once for BATCH_ROWS rows); the rows left at the end go one by one. */
#define BATCH_ROWS 32
#define BATCH_COLS (8 + CAND_TB_MAX)

typedef struct batch_val {
    int type;               /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT (off), SQLITE_BLOB
                               (off, len), SQLITE_NULL */
    long long i;
    double d;
    size_t off;             /* of the text in batch.text, NUL-terminated; of the blob */
    size_t len;             /* of the blob */
} batch_val;

typedef struct batch {
    sqlite3_stmt *one, *many;
    int ncols, n;
    dvk_buf text;
    batch_val v[BATCH_ROWS * BATCH_COLS];
} batch;

/* Prepare the 1-row and the BATCH_ROWS-row INSERT INTO head VALUES (?, ...) of ncols. */
static int batch_open(dvk_store *s, batch *b, const char *head, int ncols, dvk_error *err)
{
    memset(b, 0, sizeof *b);
    b->ncols = ncols;
    dvk_buf sql = DVK_BUF_INIT;
    dvk_buf_printf(&sql, "INSERT OR FAIL INTO %s VALUES ", head);
    for (int r = 0; r < BATCH_ROWS; r++) {
        dvk_buf_adds(&sql, r ? ",(" : "(");
        for (int c = 0; c < ncols; c++)
            dvk_buf_adds(&sql, c ? ",?" : "?");
        dvk_buf_addc(&sql, ')');
        if (r == 0 && !sql.oom)
            b->one = dvk_store_prepare(s, dvk_buf_str(&sql), err);
        if (r == 0 && !b->one)
            break;
    }
    if (b->one && !sql.oom)
        b->many = dvk_store_prepare(s, dvk_buf_str(&sql), err);
    int oom = sql.oom;
    dvk_buf_free(&sql);
    if (oom)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    return b->one && b->many ? DVK_OK : err->code;
}

static void batch_close(batch *b)
{
    sqlite3_finalize(b->one);
    sqlite3_finalize(b->many);
    b->one = b->many = NULL;
    dvk_buf_free(&b->text);
}

static batch_val *bv(batch *b, int col) { return &b->v[b->n * b->ncols + col]; }

static void batch_int(batch *b, int col, long long x)
{
    batch_val *v = bv(b, col);
    v->type = SQLITE_INTEGER;
    v->i = x;
}

static void batch_double(batch *b, int col, double x)
{
    batch_val *v = bv(b, col);
    v->type = SQLITE_FLOAT;
    v->d = x;
}

/* text NULL: an SQL NULL */
static void batch_text(batch *b, int col, const char *text)
{
    batch_val *v = bv(b, col);
    v->type = text ? SQLITE_TEXT : SQLITE_NULL;
    if (text) {
        v->off = b->text.len;
        dvk_buf_add(&b->text, text, strlen(text) + 1);
    }
}

/* bytes NULL or n 0: an SQL NULL */
static void batch_blob(batch *b, int col, const void *bytes, size_t n)
{
    batch_val *v = bv(b, col);
    v->type = bytes && n ? SQLITE_BLOB : SQLITE_NULL;
    if (bytes && n) {
        v->off = b->text.len;
        v->len = n;
        dvk_buf_add(&b->text, bytes, n);
    }
}

/* Write rows [from, to) held in b with st (whose parameters are (to - from) rows). */
static int batch_step(dvk_store *s, batch *b, sqlite3_stmt *st, int from, int to,
                      const char *what, dvk_error *err)
{
    int k = 1;
    for (int i = from * b->ncols; i < to * b->ncols; i++, k++) {
        const batch_val *v = &b->v[i];
        if (v->type == SQLITE_INTEGER)
            sqlite3_bind_int64(st, k, v->i);
        else if (v->type == SQLITE_FLOAT)
            sqlite3_bind_double(st, k, v->d);
        else if (v->type == SQLITE_TEXT)
            sqlite3_bind_text(st, k, b->text.p + v->off, -1, SQLITE_STATIC);
        else if (v->type == SQLITE_BLOB)
            sqlite3_bind_blob(st, k, b->text.p + v->off, (int)v->len, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, k);
    }
    int src = sqlite3_step(st);
    sqlite3_reset(st);
    return src == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, src, err, what);
}

/* The row being filled is complete: write the batch when it is full. */
static int batch_row(dvk_store *s, batch *b, const char *what, dvk_error *err)
{
    if (b->text.oom)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (++b->n < BATCH_ROWS)
        return DVK_OK;
    int rc = batch_step(s, b, b->many, 0, b->n, what, err);
    b->n = 0;
    dvk_buf_reset(&b->text);
    return rc;
}

/* Write the rows still held, one by one. */
static int batch_flush(dvk_store *s, batch *b, const char *what, dvk_error *err)
{
    int rc = DVK_OK;
    for (int r = 0; r < b->n && rc == DVK_OK; r++)
        rc = batch_step(s, b, b->one, r, r + 1, what, err);
    b->n = 0;
    dvk_buf_reset(&b->text);
    return rc;
}

/* ------------------------------------------------------------------ the run */

/* sqlite3_progress_handler: non-zero (stop the statement) once the flag is set. */
static int stop_on_flag(void *flag)
{
    return *(volatile sig_atomic_t *)flag != 0;
}

static void print_to(void *ud, const char *s, size_t n)
{
    const dvk_decide_opts *o = ud;
    if (o->print)
        o->print(o->print_ud, s, n);
}

/* The candidates of a run, in model-code order: the models of (province, year) at the level,
 * and those the level below proposed in its current run (unless that proposal, or the whole
 * run, was revoked: revocations); with a --unit scope (?4, the JSON
 * list of the scope's units by the membership rule of units.h) only the models of those. */
static const char *CANDIDATES_SQL =
    "SELECT " DVK_SCRIPT_MODEL_COLS " FROM models m"
    " WHERE m.province = ?1 AND m.year = ?2"
    "  AND (m.level = ?3 OR m.id IN (SELECT s.model FROM results s"
    "       JOIN current_runs r ON r.id = s.run"
    "       WHERE r.province = ?1 AND r.year = ?2 AND r.level = ?5 AND s.proposed = 1"
    "       AND NOT EXISTS (SELECT 1 FROM revocations v WHERE v.run = s.run"
    "           AND (v.model IS NULL OR v.model = s.model))))"
    "  AND (?4 IS NULL OR m.unit IN (SELECT value FROM json_each(?4)))"
    " ORDER BY m.code";

/* scope: the JSON list of the --unit scope's units, or NULL (whole province). below: the
 * level under o->level whose proposals are candidates too, or NULL. */
static void bind_candidates(sqlite3_stmt *st, const dvk_decide_opts *o, const char *scope,
                            const char *below)
{
    sqlite3_bind_text(st, 1, o->province, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, o->year);
    sqlite3_bind_text(st, 3, o->level, -1, SQLITE_STATIC);
    if (scope)
        sqlite3_bind_text(st, 4, scope, -1, SQLITE_STATIC);
    if (below)
        sqlite3_bind_text(st, 5, below, -1, SQLITE_STATIC);
}

sqlite3_stmt *dvk_decide_candidates(dvk_store *s, const dvk_decide_opts *o,
                                    const struct dvk_units *t, const char *below, int light,
                                    dvk_error *err)
{
    char *scope = NULL;
    if (o->unit && !(scope = dvk_units_subtree_json(t, o->unit, DVK_UNITS_MERGED, err)))
        return NULL;
    char sql[2048];
    /* the same rows; the columns a light pass does not read left NULL, in their places */
    snprintf(sql, sizeof sql, "SELECT id, code, name, NULL, NULL, field, NULL, NULL, NULL,"
             " started_on, NULL, NULL, NULL, NULL, unit, NULL FROM (%s)", CANDIDATES_SQL);
    sqlite3_stmt *st = dvk_store_prepare(s, light ? sql : CANDIDATES_SQL, err);
    if (st) {
        bind_candidates(st, o, scope, below);
        if (scope)      /* bound STATIC above: bind a copy that outlives scope */
            sqlite3_bind_text(st, 4, scope, -1, SQLITE_TRANSIENT);
    }
    free(scope);
    return st;
}

/* Check that o->province is a province and o->unit (if any) one of its units, and load the
 * province's unit tree into r (once per run). With o->unit, *scope gets the JSON list of the
 * units under it, units merged into them included (DVK_UNITS_MERGED: `--unit b` decides for
 * the models of a unit merged into b too, as dvk.models{unit = b} lists them). */
static int check_scope(dvk_store *s, const dvk_decide_opts *o, run_state *r, char **scope,
                       dvk_error *err)
{
    char prov[256];
    *scope = NULL;
    int rc = dvk_store_unit_province(s, o->province, prov, sizeof prov, err);
    if (rc == DVK_EDATA)   /* no such unit; any other failure (out of memory, I/O) as is */
        return dvk_error_set(err, DVK_EDATA, "unknown province '%s' (no unit with that code; "
                             "import units first)", o->province);
    if (rc != DVK_OK)
        return rc;
    if (strcmp(prov, o->province) != 0)
        return dvk_error_set(err, DVK_EUSAGE, "'%s' is a unit of %s, not a province", o->province,
                             prov);
    if ((rc = dvk_units_load(s, o->province, &r->tree, err)) != DVK_OK)
        return rc;
    r->root = dvk_units_find(r->tree, o->province);
    if (!o->unit)
        return DVK_OK;
    if (dvk_units_find(r->tree, o->unit) < 0) {   /* not of this province: say whose it is */
        if ((rc = dvk_store_unit_province(s, o->unit, prov, sizeof prov, err)) == DVK_EDATA)
            return dvk_error_set(err, DVK_EDATA, "unknown unit '%s'", o->unit);
        if (rc != DVK_OK)
            return rc;
        return dvk_error_set(err, DVK_EUSAGE, "unit '%s' belongs to %s, not %s", o->unit, prov,
                             o->province);
    }
    *scope = dvk_units_subtree_json(r->tree, o->unit, DVK_UNITS_MERGED, err);
    return *scope ? DVK_OK : err->code;
}

static void free_run(run_state *r)
{
    strset_free(&r->units);
    dvk_units_free(r->tree);
}

/* The unit a per-unit quota counts a model of `unit` under: the run's own unit when the run
 * is scoped to one (a district deciding for its subtree), else the unit directly under the
 * province on the way up from the model's unit (dvk_units_top by parent links), so that a
 * district's communes count together; the model's own unit when that way does not lead to
 * the province. The returned code lives as long as r. */
static const char *deciding_unit(const run_state *r, const char *unit)
{
    if (r->o->unit)
        return r->o->unit;
    int top = dvk_units_top(r->tree, dvk_units_find(r->tree, unit), r->root, 0);
    return top >= 0 ? dvk_units_at(r->tree, (size_t)top)->code : unit;
}

/* The outcomes (index, id, recognised, exemplary, propose) and gates (index, id) of p into
 * temp.dvk_outcome and temp.dvk_gate, which the results' INSERT ... SELECT reads by index. */
static int cand_lookups(dvk_store *s, const dvk_province *p, dvk_error *err)
{
    static const char *const sql[2] = {"INSERT INTO temp.dvk_outcome VALUES (?1, ?2, ?3, ?4, ?5)",
                                       "INSERT INTO temp.dvk_gate VALUES (?1, ?2)"};
    int rc = DVK_OK;
    for (int t = 0; t < 2 && rc == DVK_OK; t++) {
        sqlite3_stmt *st = dvk_store_prepare(s, sql[t], err);
        if (!st)
            return err->code;
        for (int i = 0; i < (t ? p->ngates : p->noutcomes) && rc == DVK_OK; i++) {
            sqlite3_bind_int(st, 1, i);
            sqlite3_bind_text(st, 2, t ? p->gates[i].id : p->outcomes[i].id, -1, SQLITE_STATIC);
            if (t == 0) {
                sqlite3_bind_int(st, 3, p->outcomes[i].recognised);
                sqlite3_bind_int(st, 4, p->outcomes[i].exemplary);
                sqlite3_bind_int(st, 5, p->outcomes[i].propose);
            }
            int src = sqlite3_step(st);
            sqlite3_reset(st);
            if (src != SQLITE_DONE)
                rc = dvk_store_fail(s, src, err, "preparing the run");
        }
        sqlite3_finalize(st);
    }
    return rc;
}

/* The rules a run was decided by, as the "rules" object of its summary, so that `dvk diff`
 * can name the thresholds, quotas and gates that changed between two runs without the script
 * texts (runs keep only their digests): {"province": {code: {"scale_to"}}, "outcome": {id:
 * {"name", "min", "recognised", "exemplary", "propose"}}, "quota": {"level/outcome": {"max",
 * "per", "tiebreak"}}, "gate": {id: {"name"}}, "criterion": {id: {"name", "max"}}}. Only the
 * quotas of the run's level (the only ones it applies); a second quota on the same level and
 * outcome is keyed "level/outcome#2". The code of gates and criteria is not summarised: a
 * change there shows only as different script digests. */
static void rules_json(dvk_buf *b, const dvk_province *p, const char *level)
{
    dvk_buf_adds(b, "{\"province\":{");
    dvk_json_key(b, p->code, 1);
    dvk_buf_addc(b, '{');
    if (p->scale_to > 0) {
        dvk_json_key(b, "scale_to", 1);
        dvk_json_num(b, p->scale_to);
    }
    dvk_buf_adds(b, "}},\"outcome\":{");
    for (int i = 0; i < p->noutcomes; i++) {
        const dvk_outcome *oc = &p->outcomes[i];
        dvk_json_key(b, oc->id, i == 0);
        dvk_buf_adds(b, "{\"name\":");
        dvk_json_strz(b, oc->name);
        if (oc->has_min) {
            dvk_json_key(b, "min", 0);
            dvk_json_num(b, oc->min);
        }
        dvk_buf_printf(b, ",\"recognised\":%s,\"exemplary\":%s,\"propose\":%s}",
                       oc->recognised ? "true" : "false", oc->exemplary ? "true" : "false",
                       oc->propose ? "true" : "false");
    }
    dvk_buf_adds(b, "},\"quota\":{");
    int first = 1;
    for (int i = 0; i < p->nquotas; i++) {
        const dvk_quota *q = &p->quotas[i];
        if (strcmp(q->level, level) != 0)
            continue;
        int nth = 1;   /* the same level and outcome earlier in the list */
        for (int j = 0; j < i; j++)
            nth += strcmp(p->quotas[j].level, level) == 0 &&
                   strcmp(p->quotas[j].outcome, q->outcome) == 0;
        char key[2 * DVK_SCRIPT_ID_MAX + 16];
        if (nth > 1)
            snprintf(key, sizeof key, "%s/%s#%d", q->level, q->outcome, nth);
        else
            snprintf(key, sizeof key, "%s/%s", q->level, q->outcome);
        dvk_json_key(b, key, first);
        first = 0;
        dvk_buf_printf(b, "{\"max\":%lld,\"per\":\"%s\"", q->max, q->per_unit ? "unit" : "level");
        if (q->ntiebreak > 0) {
            dvk_buf tb = DVK_BUF_INIT;
            for (int t = 0; t < q->ntiebreak; t++) {
                dvk_buf_adds(&tb, t ? "," : "");
                dvk_buf_adds(&tb, p->criteria[q->tiebreak[t]].id);
            }
            dvk_json_key(b, "tiebreak", 0);
            if (tb.oom)
                b->oom = 1;
            else
                dvk_json_strz(b, dvk_buf_str(&tb));
            dvk_buf_free(&tb);
        }
        dvk_buf_addc(b, '}');
    }
    dvk_buf_adds(b, "},\"gate\":{");
    for (int i = 0; i < p->ngates; i++) {
        dvk_json_key(b, p->gates[i].id, i == 0);
        dvk_buf_adds(b, "{\"name\":");
        dvk_json_strz(b, p->gates[i].name);
        dvk_buf_addc(b, '}');
    }
    dvk_buf_adds(b, "},\"criterion\":{");
    for (int i = 0; i < p->ncriteria; i++) {
        dvk_json_key(b, p->criteria[i].id, i == 0);
        dvk_buf_adds(b, "{\"name\":");
        dvk_json_strz(b, p->criteria[i].name);
        dvk_json_key(b, "max", 0);
        dvk_json_num(b, p->criteria[i].max);
        dvk_buf_addc(b, '}');
    }
    dvk_buf_adds(b, "}}");
}

const char *dvk_level_below(const struct dvk_province *p, int li, int year)
{
    for (int k = li - 1; k >= 0; k--)
        if (dvk_level_in_year(p->levels[k], year))
            return p->levels[k];
    return NULL;
}

/* Open (release 0) or release (1) the savepoint that holds a run inside the caller's
 * transaction. */
static int savepoint(dvk_store *s, int release, dvk_error *err)
{
    int rc = sqlite3_exec(dvk_store_db(s), release ? "RELEASE dvk_decide" : "SAVEPOINT dvk_decide",
                          NULL, NULL, NULL);
    return rc == SQLITE_OK ? DVK_OK : dvk_store_fail(s, rc, err, "a decision run's savepoint");
}

/* dvk_check without evaluating (the run evaluates): its errors refuse the run, the first
 * ones named. */
static int check_first(dvk_store *s, const char *scripts_dir, const dvk_decide_opts *o,
                       dvk_error *err)
{
    dvk_check_opts co = {o->province, o->year, o->level, o->unit, 0};
    dvk_check_report rep;
    int rc = dvk_check(s, scripts_dir, &co, &rep, err);
    if (rc == DVK_OK && rep.errors > 0) {
        dvk_buf b = DVK_BUF_INIT;
        int shown = 0;
        for (size_t i = 0; i < rep.n && shown < 3; i++)
            if (rep.items[i].error)
                dvk_buf_printf(&b, "%s%s", shown++ ? "; " : "", rep.items[i].text);
        rc = dvk_error_set(err, DVK_EDATA, "dvk check finds %lld error%s: %s%s; nothing decided",
                           rep.errors, rep.errors == 1 ? "" : "s", dvk_buf_str(&b),
                           rep.errors > shown ? "; ... (dvk check lists them all)" : "");
        dvk_buf_free(&b);
    }
    dvk_check_report_free(&rep);
    return rc;
}

int dvk_decide(dvk_store *s, const char *scripts_dir, const dvk_decide_opts *o,
               dvk_decide_summary *sum, dvk_error *err)
{
    run_state r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.o = o;
    r.units.last = -1;
    memset(sum, 0, sizeof *sum);
    sqlite3_stmt *cands = NULL, *st = NULL;
    batch *ins_cand = NULL;    /* rows of temp.dvk_cand */
    batch *ins_packed = NULL;  /* rows of result_scores_packed (not in a dry run) */
    dvk_buf packed = DVK_BUF_INIT;  /* a candidate's scores (not in a dry run) */
    sqlite3_stmt *scored = NULL;   /* does a model have appraisals (council scores)? */
    dvk_buf missing = DVK_BUF_INIT; /* the first candidates without them, "A, B, C" */
    long long nmissing = 0;
    dvk_eval ev;
    memset(&ev, 0, sizeof ev);
    dvk_buf json = DVK_BUF_INIT;
    dvk_runs_inputs inputs_h;  /* what the run reads, hashed as it reads it (runs.h) */
    int inputs_open = 0;
    char *scope = NULL;        /* JSON list of the --unit scope's units */
    int rc = DVK_OK, in_tx = 0, handler = 0;
    long long run = 0;

    if (!o->province || !o->level || o->year <= 0)
        return dvk_error_set(err, DVK_EUSAGE, "decide needs --province, --year and --level");
    if ((rc = check_scope(s, o, &r, &scope, err)) != DVK_OK) {
        free_run(&r);
        return rc;
    }
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lim.wall_seconds = o->wall_seconds > 0 ? o->wall_seconds : DVK_DECIDE_WALL_SECONDS;
    lim.interrupt_flag = o->interrupted;
    lim.print = print_to;
    lim.print_ud = (void *)o;
    r.L = dvk_sandbox_new(s, scripts_dir, &lim, err);
    if (!r.L) {
        free(scope);
        free_run(&r);
        return err->code;
    }
    lua_State *L = r.L;
    if (!(r.p = dvk_script_load(L, o->province, err))) {
        rc = err->code;
        goto done;
    }
    const dvk_province *p = r.p;
    int li = dvk_province_level(p, o->level);
    if (li < 0) {
        dvk_buf lv = DVK_BUF_INIT;
        for (int i = 0; i < p->nlevels; i++) {
            dvk_buf_adds(&lv, i ? ", " : "");
            dvk_buf_adds(&lv, p->levels[i]);
        }
        rc = dvk_error_set(err, DVK_EUSAGE, "level '%s' is not one of %s's levels (%s)", o->level,
                           p->code, dvk_buf_str(&lv));
        dvk_buf_free(&lv);
        goto done;
    }
    if (p->noutcomes > DVK_DECIDE_MAX_OUTCOMES) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: too many outcomes", p->path);
        goto done;
    }
    if (!dvk_level_in_year(o->level, o->year)) {
        rc = dvk_error_set(err, DVK_EUSAGE, "level '%s' has no review in %d: the district level "
                           "ended on 30/06/2025 (Resolution 203/2025/QH15); from 2025 communes "
                           "and agencies (co-so) propose directly to the province (tinh)",
                           o->level, o->year);
        goto done;
    }
    const char *below = dvk_level_below(p, li, o->year);
    /* what dvk check calls an error is refused before anything is evaluated */
    if ((rc = check_first(s, scripts_dir, o, err)) != DVK_OK)
        goto done;
    /* criteria used as tie-breakers at this level */
    for (int qi = 0; qi < p->nquotas; qi++) {
        if (strcmp(p->quotas[qi].level, o->level) != 0)
            continue;
        for (int t = 0; t < p->quotas[qi].ntiebreak; t++) {
            int ci = p->quotas[qi].tiebreak[t], have = 0;
            for (int j = 0; j < r.ntb; j++)
                have |= r.tb_crit[j] == ci;
            if (!have && r.ntb < CAND_TB_MAX)
                r.tb_crit[r.ntb++] = ci;
        }
    }
    if (dvk_eval_init(&ev, p->ncriteria) != DVK_OK) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }

    long long total_cands = 0;
    if (o->progress) {
        char sql[2048];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM (%s)", CANDIDATES_SQL);
        if ((st = dvk_store_prepare(s, sql, err))) {
            bind_candidates(st, o, scope, below);
            if (sqlite3_step(st) == SQLITE_ROW)
                total_cands = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
            st = NULL;
        }
    }

    if (!o->dry_run) {
        /* Inside the caller's transaction (dvk_decide_each), the run is a savepoint of it. */
        if ((rc = o->in_transaction ? savepoint(s, 0, err)
                                    : dvk_store_begin(s, err)) != DVK_OK)
            goto done;
        in_tx = 1;
        /* Foreign keys checked at the commit (SQLite turns this off at every COMMIT and
         * ROLLBACK): with the OR FAIL of the batched inserts, no statement of the run can
         * ABORT halfway, so none keeps a statement journal of the pages it spills. */
        if ((rc = exec_sql(s, "PRAGMA defer_foreign_keys = ON", "preparing the run", err)) != DVK_OK)
            goto done;
        /* A run number is never given twice, even after a draft was deleted: the next one is
         * above every run that exists and every run the (append-only) audit log names. */
        st = dvk_store_prepare(s, "INSERT INTO runs(id, province, year, level, unit, script_path,"
                                  " scripts, started_at, status) VALUES (1 + max("
                                  " coalesce((SELECT max(id) FROM runs), 0),"
                                  " coalesce((SELECT max(json_extract(detail, '$.run')) FROM audit_log"
                                  "  WHERE action IN ('decide', 'delete')), 0)),"
                                  " ?1, ?2, ?3, ?4, ?5, '{}',"
                                  " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'draft')", err);
        if (!st) {
            rc = err->code;
            goto done;
        }
        sqlite3_bind_text(st, 1, o->province, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, o->year);
        sqlite3_bind_text(st, 3, o->level, -1, SQLITE_STATIC);
        if (o->unit)
            sqlite3_bind_text(st, 4, o->unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, p->path, -1, SQLITE_STATIC);
        int src = sqlite3_step(st);
        sqlite3_finalize(st);
        st = NULL;
        if (src != SQLITE_DONE) {
            rc = dvk_store_fail(s, src, err, "creating the run");
            goto done;
        }
        run = sqlite3_last_insert_rowid(dvk_store_db(s));
    } else {
        /* a dry run writes only its temporary tables, rolled back at the end */
        if ((rc = savepoint(s, 0, err)) != DVK_OK)
            goto done;
        in_tx = 1;
    }
    /* the candidates' table, the outcomes and gates they refer to by index */
    if ((rc = exec_sql(s, CAND_TABLES, "preparing the run", err)) != DVK_OK)
        goto done;
    if ((rc = cand_lookups(s, p, err)) != DVK_OK)
        goto done;
    if (!(ins_cand = malloc(sizeof *ins_cand))) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    {
        char head[512];
        int len = snprintf(head, sizeof head, "temp.dvk_cand(k, id, eligible, total, gate, outcome,"
                           " unit, reason");
        for (int t = 0; t < r.ntb; t++)
            len += snprintf(head + len, sizeof head - (size_t)len, ", t%d", t);
        snprintf(head + len, sizeof head - (size_t)len, ")");
        if ((rc = batch_open(s, ins_cand, head, 8 + r.ntb, err)) != DVK_OK)
            goto done;
        if (!o->dry_run && (!(ins_packed = malloc(sizeof *ins_packed)) ||
                            (rc = batch_open(s, ins_packed, "result_scores_packed(run, model,"
                                             " scores)", 3, err)) != DVK_OK)) {
            rc = ins_packed ? rc : dvk_error_set(err, DVK_ENOMEM, "out of memory");
            goto done;
        }
    }


    /* Council scores: when any model of the province and year has appraisals at this level
     * (the council's round), each eligible candidate is asked for its own (see decide.h). */
    /* 0 1 when (province, year) has appraisals at level ?3 */
    if (!(st = dvk_store_prepare(s, "SELECT EXISTS (SELECT 1 FROM appraisals a JOIN models m"
                                    " ON m.id = a.model WHERE m.province = ?1 AND m.year = ?2"
                                    " AND a.level = ?3)", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, o->province, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, o->year);
    sqlite3_bind_text(st, 3, o->level, -1, SQLITE_STATIC);
    /* A failure here must stop the run: SQLite answers an out-of-memory or I/O error in any
     * statement by rolling the whole transaction back (the run's temporary tables with it). */
    int csrc = sqlite3_step(st);
    if (csrc != SQLITE_ROW) {
        rc = dvk_store_fail(s, csrc, err, "reading appraisals");
        goto done;
    }
    int council = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    /* 0 1 when model ?1 has appraisals at level ?2 */
    if (council && !(scored = dvk_store_prepare(s, "SELECT EXISTS (SELECT 1 FROM appraisals"
                                                   " WHERE model = ?1 AND level = ?2)", err))) {
        rc = err->code;
        goto done;
    }

    /* ctx, then the candidates streamed one by one */
    dvk_script_ctx cx;
    memset(&cx, 0, sizeof cx);
    cx.year = o->year;
    cx.level = p->levels[li];
    cx.unit = o->unit;
    if ((rc = dvk_script_push_ctx(L, p, &cx, err)) != DVK_OK)
        goto done;
    int cidx = lua_gettop(L);
    if (!(cands = dvk_store_prepare(s, CANDIDATES_SQL, err))) {
        rc = err->code;
        goto done;
    }
    bind_candidates(cands, o, scope, below);
    dvk_runs_inputs_begin(&inputs_h);
    inputs_open = 1;
    int step;
    while ((step = sqlite3_step(cands)) == SQLITE_ROW) {
        if (o->interrupted && *o->interrupted) {
            rc = dvk_error_set(err, DVK_EINTR, "interrupted after %zu models: nothing written",
                               r.n);
            goto done;
        }
        if (!o->dry_run)      /* first: reading a value as text can change its type */
            dvk_runs_inputs_model(&inputs_h, cands);
        long long id = sqlite3_column_int64(cands, 0);
        char code[256];
        snprintf(code, sizeof code, "%s", (const char *)sqlite3_column_text(cands, 1));
        const char *unit = (const char *)sqlite3_column_text(cands, 14);
        if ((rc = dvk_script_push_model_row(L, cands, o->year, o->level, err)) != DVK_OK)
            goto done;
        rc = dvk_script_eval(L, p, -1, cidx, code, &ev, err);
        if (rc == DVK_EINTR || (o->interrupted && *o->interrupted)) {
            rc = dvk_error_set(err, DVK_EINTR, "interrupted at model %s: nothing written", code);
            lua_settop(L, cidx);
            goto done;
        }
        lua_settop(L, cidx);
        if (rc != DVK_OK)
            goto done;
        if (!unit)
            unit = "";
        int ui = intern(&r.units, r.p->nquotas > 0 ? deciding_unit(&r, unit) : unit);
        if (ui < 0) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
            goto done;
        }
        batch_int(ins_cand, 0, (long long)r.n);
        batch_int(ins_cand, 1, id);
        batch_int(ins_cand, 2, ev.eligible != 0);
        batch_double(ins_cand, 3, ev.total);
        if (ev.gate >= 0)
            batch_int(ins_cand, 4, ev.gate);
        else
            batch_text(ins_cand, 4, NULL);
        batch_int(ins_cand, 5, ev.outcome);
        batch_int(ins_cand, 6, ui);
        batch_text(ins_cand, 7, ev.reason);
        /* its scores, packed (dvk/scores.h), written to result_scores_packed now; none scored:
         * no row */
        dvk_buf_reset(&packed);
        for (int ci = 0; !o->dry_run && ev.eligible && ci < p->ncriteria; ci++) {
            if (isnan(ev.points[ci]))
                continue;
            if (packed.len == 0)
                dvk_scores_begin(&packed);
            dvk_scores_pack(&packed, p->criteria[ci].id, ev.points[ci], p->criteria[ci].max,
                            ev.notes[ci], ci);
        }
        if (packed.oom) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
            goto done;
        }
        for (int t = 0; t < r.ntb; t++) {
            double v = ev.points[r.tb_crit[t]];
            batch_double(ins_cand, 8 + t, isnan(v) ? -1 : v);
        }
        if ((rc = batch_row(s, ins_cand, "holding the candidates", err)) != DVK_OK)
            goto done;
        if (packed.len) {
            batch_int(ins_packed, 0, run);
            batch_int(ins_packed, 1, id);
            batch_blob(ins_packed, 2, packed.p, packed.len);
            if ((rc = batch_row(s, ins_packed, "saving scores", err)) != DVK_OK)
                goto done;
        }
        DVK_FAULT_POINT("decide-result");
        r.n++;
        if (scored && ev.eligible) {
            sqlite3_reset(scored);
            sqlite3_bind_int64(scored, 1, id);
            sqlite3_bind_text(scored, 2, o->level, -1, SQLITE_STATIC);
            int src = sqlite3_step(scored);
            if (src != SQLITE_ROW) {
                rc = dvk_store_fail(s, src, err, "reading appraisals");
                goto done;
            }
            int has = sqlite3_column_int(scored, 0);
            sqlite3_reset(scored);   /* no statement left running: the run drops its tables */
            if (!has && nmissing++ < 10)
                dvk_buf_printf(&missing, "%s%s", missing.len ? ", " : "", code);
        }
        if (o->progress && r.n % 500 == 0)
            o->progress(o->progress_ud, (long long)r.n, total_cands);
    }
    if (step != SQLITE_DONE) {
        rc = dvk_store_fail(s, step, err, "reading candidates");
        goto done;
    }
    if ((rc = batch_flush(s, ins_cand, "holding the candidates", err)) != DVK_OK)
        goto done;
    if (ins_packed && (rc = batch_flush(s, ins_packed, "saving scores", err)) != DVK_OK)
        goto done;
    if (o->progress)
        o->progress(o->progress_ud, (long long)r.n, total_cands);
    /* Ctrl-C from here on (quotas, ranks, the results' INSERT ... SELECT, the digests: seconds
     * at a million candidates) stops the statement running: SQLite answers SQLITE_INTERRUPT
     * and rolls the transaction back. */
    if (o->interrupted) {
        sqlite3_progress_handler(dvk_store_db(s), 100, stop_on_flag, (void *)o->interrupted);
        handler = 1;
    }
    if (r.n == 0 && o->empty_ok)
        goto done;   /* DVK_OK, sum->candidates 0, nothing written (rolled back below) */
    if (r.n == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "no candidates for %s %d %s%s%s: nothing decided",
                           o->province, o->year, o->level, o->unit ? " unit " : "",
                           o->unit ? o->unit : "");
        goto done;
    }
    if (missing.oom) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (nmissing > 0 && !o->allow_missing_scores) {
        rc = dvk_error_set(err, DVK_EDATA, "%lld eligible candidate%s of %s %d %s ha%s no council "
                           "scores (appraisals) while other models of %d have some: %s%s; "
                           "import their appraisals, or decide with --allow-missing-scores: "
                           "nothing decided", nmissing, nmissing == 1 ? "" : "s", o->province,
                           o->year, o->level, nmissing == 1 ? "s" : "ve", o->year,
                           dvk_buf_str(&missing), nmissing > 10 ? ", ..." : "");
        goto done;
    }
    sum->missing_scores = nmissing;

    long long demoted = apply_quotas(&r, err);
    if (demoted < 0) {
        rc = err->code;
        goto done;
    }

    /* summary */
    sum->run = run;
    sum->candidates = (long long)r.n;
    sum->demoted = demoted;
    sum->noutcomes = p->noutcomes;
    snprintf(sum->script_path, sizeof sum->script_path, "%s", p->path);
    for (int i = 0; i < p->noutcomes; i++) {
        snprintf(sum->outcome_id[i], sizeof sum->outcome_id[i], "%s", p->outcomes[i].id);
        snprintf(sum->outcome_name[i], sizeof sum->outcome_name[i], "%s", p->outcomes[i].name);
    }
    int top = li >= p->nlevels - 1;   /* no level above to propose to */
    if (!(st = dvk_store_prepare(s, "SELECT " OUTCOME_NOW ", c.eligible, count(*) FROM " CAND_NOW
                                    " GROUP BY 1, 2", err))) {
        rc = err->code;
        goto done;
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int oi = sqlite3_column_int(st, 0), el = sqlite3_column_int(st, 1);
        long long n = sqlite3_column_int64(st, 2);
        if (oi < 0 || oi >= p->noutcomes)
            continue;
        const dvk_outcome *oc = &p->outcomes[oi];
        sum->eligible += el ? n : 0;
        sum->outcome_count[oi] += n;
        sum->recognised += oc->recognised ? n : 0;
        sum->exemplary += oc->exemplary ? n : 0;
        sum->proposed += oc->propose && el && !top ? n : 0;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (src != SQLITE_DONE) {
        rc = dvk_store_fail(s, src, err, "counting the outcomes");
        goto done;
    }

    if (!o->dry_run) {
        if ((rc = assign_ranks(&r, err)) != DVK_OK)
            goto done;
        /* the results, in model-code order (the three tables are read along their keys);
         * a quota's texts replace the script's reason, and after a second demotion follow it */
        if (!(st = dvk_store_prepare(s, "INSERT INTO results(run, model, eligible, gate, total,"
                                        " outcome, outcome_index, rank, recognised, exemplary,"
                                        " proposed, reason)"
                                        " SELECT ?1, c.id, c.eligible, g.id, c.total, o.id,"
                                        " o.i, x.rank, o.recognised, o.exemplary,"
                                        " o.propose AND c.eligible AND NOT ?2,"
                                        " CASE WHEN d.k IS NULL THEN c.reason"
                                        " WHEN d.ndem = 1 THEN q.head || d.place || q.tail"
                                        " ELSE coalesce(c.reason || '; ', '') || d.prev || '; '"
                                        " || q.head || d.place || q.tail END"
                                        " FROM " CAND_NOW " JOIN temp.dvk_rank x ON x.k = c.k"
                                        " LEFT JOIN temp.dvk_qtext q"
                                        " ON q.qi = d.qi AND q.unit = d.unit"
                                        " JOIN temp.dvk_outcome o ON o.i = " OUTCOME_NOW
                                        " LEFT JOIN temp.dvk_gate g ON g.i = c.gate ORDER BY c.k",
                                     err))) {
            rc = err->code;
            goto done;
        }
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int(st, 2, top);
        src = sqlite3_step(st);
        sqlite3_finalize(st);
        st = NULL;
        if (src != SQLITE_DONE) {
            rc = dvk_store_fail(s, src, err, "saving results");
            goto done;
        }
        if ((rc = exec_sql(s, CAND_DROP, "saving results", err)) != DVK_OK)
            goto done;
    }

    if (!o->dry_run) {
        /* scripts loaded (province and libs), summary, audit */
        dvk_buf scripts = DVK_BUF_INIT;
        dvk_buf_addc(&scripts, '{');
        for (size_t i = 0; i < dvk_sandbox_file_count(L); i++) {
            const char *sha;
            const char *path = dvk_sandbox_file(L, i, &sha);
            dvk_json_key(&scripts, path, i == 0);
            dvk_json_strz(&scripts, sha);
        }
        dvk_buf_addc(&scripts, '}');
        dvk_buf_printf(&json, "{\"candidates\":%lld,\"eligible\":%lld,\"recognised\":%lld,"
                       "\"exemplary\":%lld,\"proposed\":%lld,\"demoted\":%lld,\"outcomes\":{",
                       sum->candidates, sum->eligible, sum->recognised, sum->exemplary,
                       sum->proposed, sum->demoted);
        for (int i = 0; i < p->noutcomes; i++) {
            dvk_json_key(&json, p->outcomes[i].id, i == 0);
            dvk_buf_printf(&json, "%lld", sum->outcome_count[i]);
        }
        dvk_buf_adds(&json, "},\"rules\":");
        rules_json(&json, p, o->level);
        /* what the run read, so that finalize can tell whether it changed since (runs.h) */
        char inputs[65];
        inputs_open = 0;
        if ((rc = dvk_runs_inputs_end(s, &inputs_h, run, inputs, err)) != DVK_OK) {
            dvk_buf_free(&scripts);
            goto done;
        }
        dvk_buf_printf(&json, ",\"inputs\":\"%s\",\"inputs_by\":\"code\"}", inputs);
        st = dvk_store_prepare(s, "UPDATE runs SET scripts = ?2, summary = ?3, finished_at ="
                                  " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1", err);
        if (!st || scripts.oom || json.oom) {
            dvk_buf_free(&scripts);
            rc = st ? dvk_error_set(err, DVK_ENOMEM, "out of memory") : err->code;
            goto done;
        }
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_text(st, 2, dvk_buf_str(&scripts), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, dvk_buf_str(&json), -1, SQLITE_STATIC);
        src = sqlite3_step(st);
        dvk_buf_free(&scripts);
        if (src != SQLITE_DONE) {
            rc = dvk_store_fail(s, src, err, "finishing the run");
            goto done;
        }
        dvk_buf detail = DVK_BUF_INIT;
        dvk_buf_printf(&detail, "{\"run\":%lld,\"province\":", run);
        dvk_json_strz(&detail, o->province);
        dvk_buf_printf(&detail, ",\"year\":%d,\"level\":", o->year);
        dvk_json_strz(&detail, o->level);
        dvk_buf_adds(&detail, ",\"unit\":");
        dvk_json_strz(&detail, o->unit);
        dvk_buf_adds(&detail, ",\"summary\":");
        dvk_buf_adds(&detail, dvk_buf_str(&json));
        dvk_buf_addc(&detail, '}');
        rc = detail.oom ? dvk_error_set(err, DVK_ENOMEM, "out of memory")
                        : dvk_store_audit(s, "decide", dvk_buf_str(&detail), err);
        dvk_buf_free(&detail);
        if (rc != DVK_OK)
            goto done;
        sqlite3_finalize(st);
        st = NULL;
        sqlite3_finalize(cands);
        cands = NULL;
        batch_close(ins_cand);
        if (ins_packed)
            batch_close(ins_packed);
        DVK_FAULT_POINT("decide-commit");
        if ((rc = o->in_transaction ? savepoint(s, 1, err)
                                    : dvk_store_commit(s, err)) != DVK_OK)
            goto done;
        in_tx = 0;
        DVK_FAULT_POINT("decide-committed");
    }
done:
    if (handler)
        sqlite3_progress_handler(dvk_store_db(s), 0, NULL, NULL);
    if (rc == DVK_EINTR && err && !strstr(err->msg, "nothing written")) {
        char was[sizeof err->msg];
        snprintf(was, sizeof was, "%s", err->msg);
        dvk_error_set(err, DVK_EINTR, "%s: nothing written", was);
    }
    if (inputs_open) {
        char unused[65];
        dvk_sha256_final_hex(&inputs_h.c, unused);   /* frees its state */
    }
    sqlite3_finalize(st);
    sqlite3_finalize(scored);
    dvk_buf_free(&missing);
    sqlite3_finalize(cands);
    dvk_buf_free(&packed);
    if (ins_packed) {
        batch_close(ins_packed);
        free(ins_packed);
    }
    if (ins_cand) {
        batch_close(ins_cand);
        free(ins_cand);
    }
    if (in_tx && (o->in_transaction || o->dry_run))
        sqlite3_exec(dvk_store_db(s), "ROLLBACK TO dvk_decide; RELEASE dvk_decide", NULL, NULL,
                     NULL);
    else if (in_tx)
        dvk_store_rollback(s);
    if (rc != DVK_OK || r.n == 0)
        sum->run = 0;
    dvk_buf_free(&json);
    free(scope);
    dvk_eval_free(&ev, r.p ? r.p->ncriteria : 0);
    dvk_province_free(r.L, r.p);
    dvk_sandbox_free(r.L);
    free_run(&r);
    return rc;
}

int dvk_decide_summary_text(const dvk_decide_summary *sum, const dvk_decide_opts *o,
                            dvk_buf *b)
{
    if (o->dry_run)
        dvk_buf_printf(b, "dry run (nothing written): %s %d %s", o->province, o->year, o->level);
    else
        dvk_buf_printf(b, "run %lld: %s %d %s", sum->run, o->province, o->year, o->level);
    if (o->unit)
        dvk_buf_printf(b, " unit %s", o->unit);
    dvk_buf_printf(b, " (%s)\n", sum->script_path);
    dvk_buf_printf(b, "candidates: %lld, eligible: %lld\n", sum->candidates, sum->eligible);
    int w = 0;
    for (int i = 0; i < sum->noutcomes; i++)
        if ((int)strlen(sum->outcome_id[i]) > w)
            w = (int)strlen(sum->outcome_id[i]);
    for (int i = 0; i < sum->noutcomes; i++)
        dvk_buf_printf(b, "  %-*s %6lld  %s\n", w, sum->outcome_id[i], sum->outcome_count[i],
                       sum->outcome_name[i]);
    return dvk_buf_printf(b, "recognised: %lld, exemplary: %lld, proposed: %lld, demoted by "
                          "quotas: %lld\n", sum->recognised, sum->exemplary, sum->proposed,
                          sum->demoted);
}
