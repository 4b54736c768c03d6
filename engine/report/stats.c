/* stats.c: the one aggregator of statistics (see include/dvk/stats.h). The outcomes the
 * counted runs gave are read run by run in the order of results' primary key (run, model),
 * the models one row each, and the counts summed in C into every grouping asked for, each
 * grouping's rows found by key in a hash table: no SQL sort, no temporary index. The unit tree
 * comes from units.h; nothing here walks parent or successor links. */
#include "dvk/stats.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/json.h"
#include "dvk/text.h"
#include "dvk/units.h"

static const char *const BY_NAMES[DVK_BY_COUNT] = {
    "field", "unit", "level", "kind", "registration", "category", "outcome",
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

/* ---- hash tables -------------------------------------------------------------------------- */

/* A map from strings to ints: open addressing, linear probing, at most half full. The keys
 * are not copied; each must outlive the map. */
typedef struct strslot {
    const char *key;   /* NULL: an empty slot */
    unsigned h;        /* str_hash(key) */
    int val;
} strslot;

typedef struct strmap {
    size_t cap, n;     /* cap: 0 or a power of two */
    strslot *slot;
} strmap;

static unsigned str_hash(const char *s)
{
    unsigned h = 2166136261u;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The value of key (h = str_hash(key)), or -1 when it is not in m. */
static int strmap_get(const strmap *m, const char *key, unsigned h)
{
    for (size_t i = h & (m->cap - 1); m->cap; i = (i + 1) & (m->cap - 1)) {
        if (!m->slot[i].key)
            return -1;
        if (m->slot[i].h == h && strcmp(m->slot[i].key, key) == 0)
            return m->slot[i].val;
    }
    return -1;
}

/* Add key (not in m yet; h = str_hash(key)) with val. -1 when out of memory. */
static int strmap_put(strmap *m, const char *key, unsigned h, int val)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 64;
        strslot *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slot[i].key) {
                size_t j = m->slot[i].h & (ncap - 1);
                while (ns[j].key)
                    j = (j + 1) & (ncap - 1);
                ns[j] = m->slot[i];
            }
        free(m->slot);
        m->slot = ns;
        m->cap = ncap;
    }
    size_t j = h & (m->cap - 1);
    while (m->slot[j].key)
        j = (j + 1) & (m->cap - 1);
    m->slot[j] = (strslot){key, h, val};
    m->n++;
    return 0;
}

/* One copy of each of a few strings read many times (outcomes, provinces), stable until
 * pool_free, so that they can be kept and compared by pointer. */
typedef struct strpool {
    strmap map;   /* string -> index in s */
    char **s;
    int n, cap;
} strpool;

/* The pool's copy of s; NULL when out of memory. */
static const char *pool_intern(strpool *p, const char *s)
{
    unsigned h = str_hash(s);
    int i = strmap_get(&p->map, s, h);
    if (i >= 0)
        return p->s[i];
    if (p->n == p->cap) {
        int ncap = p->cap ? 2 * p->cap : 16;
        char **ns = realloc(p->s, (size_t)ncap * sizeof *ns);
        if (!ns)
            return NULL;
        p->s = ns;
        p->cap = ncap;
    }
    char *c = strdup(s);
    if (!c || strmap_put(&p->map, c, h, p->n)) {
        free(c);
        return NULL;
    }
    p->s[p->n] = c;
    return p->s[p->n++];
}

static void pool_free(strpool *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->s[i]);
    free(p->s);
    free(p->map.slot);
}

/* What the counted runs said of one model: its best outcome (lowest outcome_index; of equal
 * ones that of the first run, in order of id) and the sums of its flags. */
typedef struct model_result {
    long long model;
    long long oi;
    const char *outcome;   /* the pool's copy */
    long long el, rec, ex, prop;
} model_result;

/* The counted runs' results, read in order of model (SQL_RESULTS_BY_MODEL) and merged model
 * by model while the models are counted, in order of id too (SQL_MODELS): the two streams
 * meet like a merge join, and only the model at hand is held (memory does not grow with the
 * number of models; issue 15). */
typedef struct results {
    sqlite3_stmt *st;      /* on a row not yet merged while step is SQLITE_ROW */
    int step;              /* the statement's last status */
    model_result m;        /* the model merged last */
    int valid;             /* m holds a model */
} results;

/* ---- rows ------------------------------------------------------------------------------- */

/* One grouping being counted into st. */
typedef struct grouping {
    dvk_stats *st;
    dvk_stats_by by;
    int cap;                /* of st->rows (and prov) */
    strmap rows;            /* row key -> index in st->rows */
    const char **prov;      /* by field: each row's least province code (the pool's copy) */
    int *unit_row;          /* by unit: each unit's row (index in st->rows), -1 not yet known */
} grouping;

/* The index of key's row in gr, appended when new with name (NULL: the key itself; by field
 * the name is found at the end, from prov). -1 when out of memory. */
static int row_index(grouping *gr, const char *key, const char *name)
{
    unsigned h = str_hash(key);
    int i = strmap_get(&gr->rows, key, h);
    if (i >= 0)
        return i;
    dvk_stats *st = gr->st;
    if (st->nrows == gr->cap) {
        int ncap = gr->cap ? gr->cap * 2 : 16;
        dvk_stats_row *nr = realloc(st->rows, (size_t)ncap * sizeof *nr);
        if (!nr)
            return -1;
        st->rows = nr;
        if (gr->by == DVK_BY_FIELD) {
            const char **np = realloc(gr->prov, (size_t)ncap * sizeof *np);
            if (!np)
                return -1;
            gr->prov = np;
        }
        gr->cap = ncap;
    }
    dvk_stats_row *r = &st->rows[st->nrows];
    memset(r, 0, sizeof *r);
    r->key = strdup(key);
    if (gr->by != DVK_BY_FIELD)
        r->name = strdup(name ? name : key);
    if (!r->key || (gr->by != DVK_BY_FIELD && !r->name) ||
        strmap_put(&gr->rows, r->key, h, st->nrows)) {
        free(r->key);
        free(r->name);
        return -1;
    }
    if (gr->by == DVK_BY_FIELD)
        gr->prov[st->nrows] = NULL;
    return st->nrows++;
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

/* Everything one count keeps. */
typedef struct agg {
    int nby;
    grouping gr[DVK_BY_COUNT];
    unit_groups *g;
    strmap units;           /* by unit: unit code -> index in the tree */
    int by_field;           /* 1 when a grouping is by field (provinces are then kept) */
    strpool pool;           /* outcomes and provinces */
    results res;            /* the counted runs' outcomes by model (not with run_only) */
    dvk_stats_row total;
} agg;

/* Count one model: col[by] its key in each grouping (in dvk_stats_by order; col[DVK_BY_OUTCOME]
 * "" when no counted run took it up), prov its province (the pool's copy; NULL unless some
 * grouping is by field), v its counts. -1 when out of memory. */
static int count_model(agg *a, const char *prov, const char *const *col, const long long *v)
{
    add_counts(&a->total, v);
    for (int i = 0; i < a->nby; i++) {
        grouping *gr = &a->gr[i];
        const char *key = col[gr->by];
        int r;
        if (gr->by == DVK_BY_UNIT) {
            int u = strmap_get(&a->units, key, str_hash(key));
            if (u < 0) {
                r = row_index(gr, key, key);   /* not in the tree: a row of its own */
            } else if ((r = gr->unit_row[u]) < 0) {
                const dvk_unit *gu = dvk_units_at(a->g->t, (size_t)group_of(a->g, u));
                r = gr->unit_row[u] = row_index(gr, gu->code, gu->name);
            }
        } else {
            r = row_index(gr, key, NULL);
            /* a field takes the name the least province code (strcmp) among its models gives
             * it: with candidates of several provinces, each may name it differently */
            if (r >= 0 && gr->by == DVK_BY_FIELD && gr->prov[r] != prov &&
                (!gr->prov[r] || strcmp(prov, gr->prov[r]) < 0))
                gr->prov[r] = prov;
        }
        if (r < 0)
            return -1;
        add_counts(&gr->st->rows[r], v);
    }
    return 0;
}

/* Name gr's rows (by field) from the fields table: the name of the field in the row's
 * province, else its id. An SQLite status. */
static int field_names(grouping *gr, sqlite3_stmt *fname, int *oom)
{
    for (int i = 0; i < gr->st->nrows; i++) {
        dvk_stats_row *r = &gr->st->rows[i];
        sqlite3_reset(fname);
        sqlite3_bind_text(fname, 1, gr->prov[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(fname, 2, r->key, -1, SQLITE_STATIC);
        int rc = sqlite3_step(fname);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return rc;
        const char *name = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(fname, 0) : NULL;
        if (!(r->name = strdup(name ? name : r->key))) {
            *oom = 1;
            break;
        }
    }
    sqlite3_reset(fname);
    return SQLITE_OK;
}

/* ---- the scan ------------------------------------------------------------------------------ */

/* The runs that count, in order of id. Parameters: ?1 the provinces (JSON array), ?2 year,
 * ?3 level or NULL, ?4 the given run or NULL, ?5 run_only. Column 0: the run's id. */
static const char SQL_RUNS[] =
    "SELECT id FROM current_runs c WHERE NOT ?5"
    "  AND province IN (SELECT value FROM json_each(?1)) AND year = ?2"
    "  AND (?3 IS NULL OR level = ?3)"
    "  AND NOT EXISTS (SELECT 1 FROM runs g WHERE g.id = ?4 AND g.province = c.province"
    "   AND g.year = c.year AND g.level = c.level AND g.unit IS c.unit)"
    " UNION SELECT id FROM runs WHERE id = ?4 ORDER BY 1";

/* Whether result r was revoked (its run, or the model in it): a revoked result counts as
 * not recognised, exemplary or proposed. */
#define REVOKED_COL                                                                          \
    "EXISTS (SELECT 1 FROM revocations v WHERE v.run = r.run"                                \
    " AND (v.model IS NULL OR v.model = r.model))"
/* Results in order of model. Columns: 0 model, 1 outcome_index, 2 outcome, 3 eligible,
 * 4 recognised, 5 exemplary, 6 proposed, 7 revoked. */
#define RESULTS_COLS                                                                         \
    "SELECT r.model, r.outcome_index, r.outcome, r.eligible, r.recognised, r.exemplary,"     \
    " r.proposed, " REVOKED_COL " FROM results r"
/* The counted runs' results (?1: their ids, a JSON array), in order of model, then of run:
 * SQLite sorts them, in bounded memory (spilling to temporary files). */
static const char SQL_RESULTS_BY_MODEL[] =
    RESULTS_COLS " WHERE r.run IN (SELECT value FROM json_each(?1)) ORDER BY r.model, r.run";
/* One run's (?1: its id), in the order of results' primary key: no sort. */
static const char SQL_RESULTS_ONE_RUN[] = RESULTS_COLS " WHERE r.run = ?1 ORDER BY r.model";

/* The models of the provinces and year, in the scope, in order of id (results_find). ?1 the
 * provinces (JSON array), ?2 year, ?3 the scope's units (JSON array) or NULL. Columns: 0 id, 1 province, then the keys in
 * dvk_stats_by order: 2 field, 3 unit, 4 level, 5 kind, 6 registration, 7 category. */
static const char SQL_MODELS[] =
    "SELECT id, province, field, unit, level, kind, registration, category FROM models"
    " WHERE province IN (SELECT value FROM json_each(?1)) AND year = ?2"
    "  AND (?3 IS NULL OR unit IN (SELECT value FROM json_each(?3))) ORDER BY id";

/* One run's candidates with their results, in the order of results' primary key. ?1 the
 * run. Columns 0..7 as SQL_MODELS, then 8 outcome, 9 eligible, 10 recognised, 11 exemplary,
 * 12 proposed, 13 revoked. */
static const char SQL_CANDIDATES[] =
    "SELECT m.id, m.province, m.field, m.unit, m.level, m.kind, m.registration, m.category,"
    " r.outcome, r.eligible, r.recognised, r.exemplary, r.proposed, " REVOKED_COL
    " FROM results r JOIN models m ON m.id = r.model WHERE r.run = ?1";
#define NKEYS 6   /* the key columns of SQL_MODELS: field .. category */

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

/* The text of column i of st ("" for NULL). */
static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* Merge the next model's rows of a->res into a->res.m. An SQLite status; *oom set when
 * memory is short. */
static int results_next(agg *a, int *oom)
{
    results *r = &a->res;
    sqlite3_stmt *st = r->st;
    model_result *m = &r->m;
    r->valid = 0;
    if (r->step != SQLITE_ROW)
        return r->step == SQLITE_DONE ? SQLITE_OK : r->step;
    memset(m, 0, sizeof *m);
    m->model = sqlite3_column_int64(st, 0);
    m->oi = LLONG_MAX;
    do {
        long long oi = sqlite3_column_int64(st, 1);
        if (oi < m->oi) {   /* the first run's, unless a later one's is better */
            if (!(m->outcome = pool_intern(&a->pool, col_text(st, 2)))) {
                *oom = 1;
                return SQLITE_OK;
            }
            m->oi = oi;
        }
        m->el += sqlite3_column_int64(st, 3);
        if (!sqlite3_column_int(st, 7)) {   /* not revoked */
            m->rec += sqlite3_column_int64(st, 4);
            m->ex += sqlite3_column_int64(st, 5);
            m->prop += sqlite3_column_int64(st, 6);
        }
        r->step = sqlite3_step(st);
    } while (r->step == SQLITE_ROW && sqlite3_column_int64(st, 0) == m->model);
    r->valid = 1;
    return SQLITE_OK;
}

/* The merged result of model id, or NULL; ids must come in ascending order. *status set to
 * an SQLite error, *oom when memory is short. */
static const model_result *results_find(agg *a, long long id, int *status, int *oom)
{
    results *r = &a->res;
    while (!(r->valid && r->m.model >= id)) {
        if (r->step != SQLITE_ROW) {
            r->valid = 0;
            if (r->step != SQLITE_DONE)
                *status = r->step;
            return NULL;
        }
        int rc = results_next(a, oom);
        if (rc != SQLITE_OK || *oom) {
            *status = rc;
            return NULL;
        }
    }
    return r->m.model == id ? &r->m : NULL;
}

/* Count the rows of st, a statement of SQL_MODELS (res 0: the outcomes are in a->res) or of
 * SQL_CANDIDATES (res 1: each row carries its one result). level: q->level unless run_only.
 * An SQLite status; *oom set when memory is short. */
static int count_rows(agg *a, sqlite3_stmt *st, int res, const char *level, int *oom)
{
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *col[DVK_BY_COUNT];
        long long v[5];
        for (int i = 0; i < NKEYS; i++)
            col[i] = col_text(st, i + 2);
        if (res) {
            col[DVK_BY_OUTCOME] = col_text(st, 8);
            v[0] = 1;
            for (int i = 1; i < 5; i++)
                v[i] = sqlite3_column_int64(st, 8 + i) > 0;
            if (sqlite3_column_int(st, 13))
                v[2] = v[3] = v[4] = 0;
        } else {
            int rstatus = SQLITE_OK;
            const model_result *e = results_find(a, sqlite3_column_int64(st, 0), &rstatus, oom);
            if (*oom)
                break;
            if (rstatus != SQLITE_OK)
                return rstatus;
            v[0] = !level || strcmp(col[DVK_BY_LEVEL], level) == 0;
            if (!v[0] && !e)
                continue;   /* of another level and not taken up at this one */
            col[DVK_BY_OUTCOME] = e ? e->outcome : "";
            v[1] = e && e->el > 0;
            v[2] = e && e->rec > 0;
            v[3] = e && e->ex > 0;
            v[4] = e && e->prop > 0;
        }
        const char *prov = NULL;
        if (a->by_field && !(prov = pool_intern(&a->pool, col_text(st, 1)))) {
            *oom = 1;
            break;
        }
        if (count_model(a, prov, col, v)) {
            *oom = 1;
            break;
        }
    }
    return *oom || step == SQLITE_DONE ? SQLITE_OK : step;
}

int dvk_stats_query_run(dvk_store *s, const dvk_stats_query *q, const dvk_stats_by *by, int nby,
                        dvk_stats *out, dvk_error *err)
{
    for (int i = 0; i < nby; i++)
        memset(&out[i], 0, sizeof out[i]);
    dvk_units *t = NULL;
    sqlite3_stmt *runs_st = NULL, *rs = NULL, *st = NULL, *fname = NULL, *runs = NULL;
    char *provs = NULL, *scope_json = NULL, *ids_json = NULL;
    long long *ids = NULL;
    int nids = 0, capids = 0;
    unit_groups g = {0};
    agg a = {0};
    int rc = DVK_OK, step = SQLITE_OK, oom = 0;
    int run_only = q->run && q->run_only;
    if (nby < 1 || nby > DVK_BY_COUNT) {
        rc = dvk_error_set(err, DVK_EUSAGE, "stats: between 1 and %d groupings (got %d)", DVK_BY_COUNT, nby);
        goto done;
    }
    for (int i = 0; i < nby; i++)
        if ((unsigned)by[i] >= DVK_BY_COUNT) {
            rc = dvk_error_set(err, DVK_EUSAGE, "stats: unknown grouping %d", (int)by[i]);
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
        (q->unit && !(scope_json = dvk_units_subtree_json(t, q->unit, DVK_UNITS_MERGED, err))))
        goto nomem;
    for (size_t i = 0; i < n; i++)
        g.group[i] = -2;

    a.nby = nby;
    a.g = &g;
    for (int i = 0; i < nby; i++) {
        grouping *gr = &a.gr[i];
        gr->st = &out[i];
        gr->by = by[i];
        a.by_field |= by[i] == DVK_BY_FIELD;
        if (by[i] != DVK_BY_UNIT)
            continue;
        if (!(gr->unit_row = malloc((n + 1) * sizeof *gr->unit_row)))
            goto nomem;
        for (size_t k = 0; k < n; k++)
            gr->unit_row[k] = -1;
        if (a.units.n)
            continue;   /* the codes are in already (a second grouping by unit) */
        for (size_t k = 0; k < n; k++) {
            const char *code = dvk_units_at(t, k)->code;
            if (strmap_put(&a.units, code, str_hash(code), (int)k))
                goto nomem;
        }
    }

    if (!(runs_st = dvk_store_prepare(s, SQL_RUNS, err)) ||
        !(fname = dvk_store_prepare(s, "SELECT name FROM fields WHERE province = ?1 AND id = ?2", err)) ||
        !(runs = dvk_store_prepare(s, "SELECT count(*) FROM current_runs WHERE province = ?1 AND year = ?2"
                                      " AND level = ?3 AND unit = ?4", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_text(runs_st, 1, provs, -1, SQLITE_STATIC);
    sqlite3_bind_int(runs_st, 2, q->year);
    if (q->level)
        sqlite3_bind_text(runs_st, 3, q->level, -1, SQLITE_STATIC);
    if (q->run)
        sqlite3_bind_int64(runs_st, 4, q->run);
    sqlite3_bind_int(runs_st, 5, run_only);
    while ((step = sqlite3_step(runs_st)) == SQLITE_ROW) {
        if (nids == capids) {
            int ncap = capids ? 2 * capids : 16;
            long long *ni = realloc(ids, (size_t)ncap * sizeof *ni);
            if (!ni)
                goto nomem;
            ids = ni;
            capids = ncap;
        }
        ids[nids++] = sqlite3_column_int64(runs_st, 0);
    }
    if (step != SQLITE_DONE) {
        rc = dvk_store_fail(s, step, err, "reading runs");
        goto done;
    }
    step = SQLITE_OK;
    if (!(rs = dvk_store_prepare(s, run_only ? SQL_CANDIDATES : nids <= 1 ? SQL_RESULTS_ONE_RUN
                                                                      : SQL_RESULTS_BY_MODEL, err))) {
        rc = err->code;
        goto done;
    }
    if (run_only) {
        /* the run's candidates, each with its one result */
        for (int i = 0; i < nids && step == SQLITE_OK && !oom; i++) {
            sqlite3_reset(rs);
            sqlite3_bind_int64(rs, 1, ids[i]);
            step = count_rows(&a, rs, 1, NULL, &oom);
        }
    } else {
        /* the models one by one, each with the counted runs' results merged as they come */
        if (nids > 1) {
            dvk_buf j = DVK_BUF_INIT;
            dvk_buf_addc(&j, '[');
            for (int i = 0; i < nids; i++)
                dvk_buf_printf(&j, "%s%lld", i ? "," : "", ids[i]);
            dvk_buf_addc(&j, ']');
            if (!(ids_json = dvk_buf_take(&j, NULL)))
                goto nomem;
            sqlite3_bind_text(rs, 1, ids_json, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_int64(rs, 1, nids ? ids[0] : -1);   /* none: no run has id -1 */
        }
        a.res.st = rs;
        a.res.step = sqlite3_step(rs);
        if (!(st = dvk_store_prepare(s, SQL_MODELS, err))) {
            rc = err->code;
            goto done;
        }
        sqlite3_bind_text(st, 1, provs, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, q->year);
        if (scope_json)
            sqlite3_bind_text(st, 3, scope_json, -1, SQLITE_STATIC);
        step = count_rows(&a, st, 0, q->level, &oom);
    }
    for (int i = 0; i < nby && step == SQLITE_OK && !oom; i++)
        if (by[i] == DVK_BY_FIELD)
            step = field_names(&a.gr[i], fname, &oom);
    if (oom)
        goto nomem;
    if (step != SQLITE_OK) {
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
            int ri = row_index(&a.gr[i], gu->code, gu->name);
            if (ri < 0)
                goto nomem;
            dvk_stats_row *r = &out[i].rows[ri];
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
        out[i].total = a.total;
        out[i].total.key = strdup("total");
        out[i].total.name = strdup("Tổng cộng");
        if (!out[i].total.key || !out[i].total.name)
            goto nomem;
    }
    goto done;
nomem:
    rc = dvk_error_set(err, DVK_ENOMEM, "out of memory counting");
done:
    sqlite3_finalize(runs_st);
    sqlite3_finalize(rs);
    sqlite3_finalize(st);
    sqlite3_finalize(fname);
    sqlite3_finalize(runs);
    free(provs);
    free(scope_json);
    free(ids);
    free(g.mark);
    free(g.plain);
    free(g.group);
    for (int i = 0; i < DVK_BY_COUNT; i++) {
        free(a.gr[i].rows.slot);
        free(a.gr[i].prov);
        free(a.gr[i].unit_row);
    }
    free(a.units.slot);
    free(ids_json);
    pool_free(&a.pool);
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

/* ---- a final run's statistics ---------------------------------------------------------------- */

/* The groupings a final run keeps, in the order of grouping numbers (dvk_stats_by). */
static const dvk_stats_by ALL_BY[DVK_BY_COUNT] = {
    DVK_BY_FIELD, DVK_BY_UNIT, DVK_BY_LEVEL, DVK_BY_KIND, DVK_BY_REGISTRATION, DVK_BY_CATEGORY,
    DVK_BY_OUTCOME,
};

static int freeze_row(sqlite3_stmt *ins, int whole, int successors, int by, int pos,
                      const dvk_stats_row *r)
{
    sqlite3_reset(ins);
    sqlite3_bind_int(ins, 2, whole);
    sqlite3_bind_int(ins, 3, successors);
    sqlite3_bind_int(ins, 4, by);
    sqlite3_bind_int(ins, 5, pos);
    sqlite3_bind_text(ins, 6, r->key ? r->key : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 7, r->name ? r->name : (r->key ? r->key : ""), -1, SQLITE_STATIC);
    const long long v[5] = {r->registered, r->eligible, r->recognised, r->exemplary, r->proposed};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(ins, 8 + i, v[i]);
    sqlite3_bind_int(ins, 13, r->decided);
    return sqlite3_step(ins);
}

int dvk_stats_freeze(dvk_store *s, long long run, dvk_error *err)
{
    /* 0 province, 1 year, 2 level, 3 unit */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT province, year, level, unit FROM runs WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int step = sqlite3_step(st), oom = 0;
    char *province = NULL, *level = NULL, *unit = NULL;
    int year = 0;
    if (step == SQLITE_ROW) {
        province = dvk_store_column_dup(st, 0, &oom);
        year = sqlite3_column_int(st, 1);
        level = dvk_store_column_dup(st, 2, &oom);
        unit = dvk_store_column_dup(st, 3, &oom);
    }
    sqlite3_finalize(st);
    int rc = DVK_OK;
    sqlite3_stmt *ins = NULL;
    if (oom) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? dvk_error_set(err, DVK_EDATA, "no run %lld", run)
                                 : dvk_store_fail(s, step, err, "reading the run");
        goto done;
    }
    if (!(ins = dvk_store_prepare(s, "INSERT INTO run_stats(run, whole, successors, grouping, pos, key,"
                                     " name, registered, eligible, recognised, exemplary, proposed,"
                                     " decided) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                                     " ?12, ?13)", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_int64(ins, 1, run);
    /* the candidates' counts, and a whole-province run's year (report.c takes the one a
     * report of the run shows), each with and without successors */
    for (int whole = 0; whole <= (unit ? 0 : 1) && rc == DVK_OK; whole++)
        for (int succ = 0; succ <= 1 && rc == DVK_OK; succ++) {
            dvk_stats_query q = {.province = province, .year = year, .level = whole ? NULL : level,
                                 .unit = unit, .run = run, .run_only = !whole, .successors = succ};
            dvk_stats out[DVK_BY_COUNT];
            if ((rc = dvk_stats_query_run(s, &q, ALL_BY, DVK_BY_COUNT, out, err)) != DVK_OK)
                break;
            for (int b = 0; b < DVK_BY_COUNT && rc == DVK_OK; b++) {
                step = freeze_row(ins, whole, succ, b, -1, &out[b].total);
                for (int i = 0; step == SQLITE_DONE && i < out[b].nrows; i++)
                    step = freeze_row(ins, whole, succ, b, i, &out[b].rows[i]);
                if (step != SQLITE_DONE)
                    rc = dvk_store_fail(s, step, err, "recording the run's statistics");
            }
            for (int b = 0; b < DVK_BY_COUNT; b++)
                dvk_stats_free(&out[b]);
        }
done:
    sqlite3_finalize(ins);
    free(province);
    free(level);
    free(unit);
    return rc;
}

int dvk_stats_frozen(dvk_store *s, long long run, int whole, int successors, const dvk_stats_by *by,
                     int nby, dvk_stats *out, int *found, dvk_error *err)
{
    *found = 0;
    for (int i = 0; i < nby; i++)
        memset(&out[i], 0, sizeof out[i]);
    /* 0 pos, 1 key, 2 name, 3..7 counts, 8 decided */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT pos, key, name, registered, eligible, recognised,"
                                            " exemplary, proposed, decided FROM run_stats WHERE run = ?1"
                                            " AND whole = ?2 AND successors = ?3 AND grouping = ?4"
                                            " ORDER BY pos", err);
    if (!st)
        return err->code;
    int rc = DVK_OK, step = SQLITE_DONE, oom = 0;
    for (int i = 0; i < nby && rc == DVK_OK; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int(st, 2, whole);
        sqlite3_bind_int(st, 3, successors);
        sqlite3_bind_int(st, 4, (int)by[i]);
        int cap = 0;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            dvk_stats_row *r;
            *found = 1;
            if (sqlite3_column_int(st, 0) < 0) {
                r = &out[i].total;
            } else {
                if (out[i].nrows == cap) {
                    int ncap = cap ? 2 * cap : 16;
                    dvk_stats_row *nr = realloc(out[i].rows, (size_t)ncap * sizeof *nr);
                    if (!nr) {
                        oom = 1;
                        break;
                    }
                    out[i].rows = nr;
                    cap = ncap;
                }
                r = &out[i].rows[out[i].nrows++];
                memset(r, 0, sizeof *r);
            }
            r->key = dvk_store_column_dup(st, 1, &oom);
            r->name = dvk_store_column_dup(st, 2, &oom);
            r->registered = sqlite3_column_int64(st, 3);
            r->eligible = sqlite3_column_int64(st, 4);
            r->recognised = sqlite3_column_int64(st, 5);
            r->exemplary = sqlite3_column_int64(st, 6);
            r->proposed = sqlite3_column_int64(st, 7);
            r->decided = sqlite3_column_int(st, 8);
            if (oom)
                break;
        }
        if (oom)
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        else if (step != SQLITE_DONE)
            rc = dvk_store_fail(s, step, err, "reading the run's statistics");
    }
    sqlite3_finalize(st);
    if (rc != DVK_OK || !*found)
        for (int i = 0; i < nby; i++)
            dvk_stats_free(&out[i]);
    return rc;
}
