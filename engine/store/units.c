/* units.c: the unit tree (units.h). */
#include "dvk/units.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "dvk/buf.h"
#include "dvk/json.h"

struct dvk_units {
    dvk_unit *u;
    size_t n;
    char **strs;        /* every string the units point to, to free */
    size_t nstrs;
    int *kids, *kid_at;     /* children of unit i: kids[kid_at[i] .. kid_at[i+1]) */
    int *merged, *merged_at;/* units whose successor is i, likewise */
};

static int cmp_code(const void *a, const void *b)
{
    return strcmp(((const dvk_unit *)a)->code, ((const dvk_unit *)b)->code);
}

int dvk_units_find(const dvk_units *t, const char *code)
{
    if (!t || !code)
        return -1;
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code, t->u[mid].code);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* An adjacency list (CSR) of edges i -> from[i] (from[i] >= 0). */
static int adjacency(const dvk_units *t, const int *from, int **list, int **at)
{
    *list = malloc((t->n + 1) * sizeof **list);
    *at = calloc(t->n + 2, sizeof **at);
    if (!*list || !*at)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        if (from[i] >= 0)
            (*at)[from[i] + 2]++;
    for (size_t i = 2; i < t->n + 2; i++)
        (*at)[i] += (*at)[i - 1];
    for (size_t i = 0; i < t->n; i++)
        if (from[i] >= 0)
            (*list)[(*at)[from[i] + 1]++] = (int)i;
    return 0;
}

static int load(dvk_store *s, const char *province, long long run, dvk_units **out,
                dvk_error *err);

int dvk_units_load(dvk_store *s, const char *province, dvk_units **out, dvk_error *err)
{
    return load(s, province, 0, out, err);
}

int dvk_units_load_run(dvk_store *s, long long run, dvk_units **out, dvk_error *err)
{
    return load(s, NULL, run, out, err);
}

/* The tree from the units table (run 0), or from final run's record of it (run_units). */
static int load(dvk_store *s, const char *province, long long run, dvk_units **out,
                dvk_error *err)
{
    *out = NULL;
    dvk_units *t = calloc(1, sizeof *t);
    if (!t)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory loading units");
    /* 0 code, 1 name, 2 kind, 3 province, 4 valid_from, 5 valid_to, 6 parent, 7 successor */
    sqlite3_stmt *st = dvk_store_prepare(s, run ?
        "SELECT code, name, kind, province, valid_from, valid_to, parent, successor FROM run_units"
        " WHERE run = ?2" :
        "SELECT code, name, kind, province, valid_from, valid_to, parent, successor FROM units"
        " WHERE ?1 IS NULL OR province = ?1 OR code = ?1", err);
    if (!st) {
        free(t);
        return err->code;
    }
    if (province)
        sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    if (run)
        sqlite3_bind_int64(st, 2, run);
    char **links = NULL;   /* parent and successor codes, two per unit, until resolved */
    int *par = NULL, *suc = NULL, *slot = NULL, oom = 0, rc = DVK_OK, src = SQLITE_DONE;
    size_t cap = 0, nlinks = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (t->n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            dvk_unit *nu = realloc(t->u, ncap * sizeof *nu);
            if (nu) t->u = nu;
            char **nl = nu ? realloc(links, ncap * 2 * sizeof *nl) : NULL;
            if (nl) links = nl;
            char **ns = nl ? realloc(t->strs, ncap * 6 * sizeof *ns) : NULL;
            if (ns) t->strs = ns;
            if (!ns) {
                oom = 1;
                break;
            }
            cap = ncap;
        }
        dvk_unit *u = &t->u[t->n];
        char *f[6];
        for (int i = 0; i < 6; i++)
            f[i] = t->strs[t->nstrs++] = dvk_store_column_dup(st, i, &oom);
        u->code = f[0] ? f[0] : "";
        u->name = f[1] ? f[1] : u->code;
        u->kind = f[2] ? f[2] : "";
        u->province = f[3] ? f[3] : "";
        u->valid_from = f[4];
        u->valid_to = f[5];
        u->parent = (int)t->n;   /* until sorted: the row's index into links */
        links[nlinks++] = dvk_store_column_dup(st, 6, &oom);
        links[nlinks++] = dvk_store_column_dup(st, 7, &oom);
        t->n++;
        if (oom)
            break;
    }
    sqlite3_finalize(st);
    if (oom)
        goto nomem;
    if (src != SQLITE_DONE) {
        rc = dvk_store_fail(s, src, err, "loading units");
        goto fail;
    }
    if (t->n)
        qsort(t->u, t->n, sizeof *t->u, cmp_code);   /* (qsort of NULL is undefined) */
    par = malloc((t->n + 1) * sizeof *par);
    suc = malloc((t->n + 1) * sizeof *suc);
    slot = malloc((t->n + 1) * sizeof *slot);
    if (!par || !suc || !slot)
        goto nomem;
    for (size_t i = 0; i < t->n; i++)
        slot[i] = t->u[i].parent;
    for (size_t i = 0; i < t->n; i++) {
        par[i] = dvk_units_find(t, links[2 * slot[i]]);
        suc[i] = dvk_units_find(t, links[2 * slot[i] + 1]);
        if (par[i] == (int)i)
            par[i] = -1;   /* a unit that is its own parent is a root */
        if (suc[i] == (int)i)
            suc[i] = -1;
    }
    for (size_t i = 0; i < t->n; i++) {
        t->u[i].parent = par[i];
        t->u[i].successor = suc[i];
    }
    if (adjacency(t, par, &t->kids, &t->kid_at) || adjacency(t, suc, &t->merged, &t->merged_at))
        goto nomem;
    goto done;
nomem:
    rc = dvk_error_set(err, DVK_ENOMEM, "out of memory loading units");
fail:
    dvk_units_free(t);
    t = NULL;
done:
    for (size_t i = 0; i < nlinks; i++)
        free(links[i]);
    free(links);
    free(par);
    free(suc);
    free(slot);
    *out = t;
    return rc;
}

void dvk_units_free(dvk_units *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nstrs; i++)
        free(t->strs[i]);
    free(t->strs);
    free(t->u);
    free(t->kids);
    free(t->kid_at);
    free(t->merged);
    free(t->merged_at);
    free(t);
}

size_t dvk_units_count(const dvk_units *t) { return t ? t->n : 0; }

const dvk_unit *dvk_units_at(const dvk_units *t, size_t i)
{
    return t && i < t->n ? &t->u[i] : NULL;
}

const char *dvk_units_name(const dvk_units *t, const char *code)
{
    int i = dvk_units_find(t, code);
    return i >= 0 ? t->u[i].name : code;
}

/* Breadth-first over children (and merged-in units): each unit is marked once, so cycles
 * end by themselves. */
long dvk_units_subtree(const dvk_units *t, int scope, int flags, unsigned char *mark)
{
    if (!t || t->n == 0)
        return 0;
    memset(mark, 0, t->n);
    if (scope < 0 || (size_t)scope >= t->n)
        return 0;
    int *queue = malloc(t->n * sizeof *queue);
    size_t head = 0, tail = 0;
    mark[scope] = 1;
    if (!queue)
        return -1;
    queue[tail++] = scope;
    while (head < tail) {
        int x = queue[head++];
        for (int k = t->kid_at[x]; k < t->kid_at[x + 1]; k++)
            if (!mark[t->kids[k]]) {
                mark[t->kids[k]] = 1;
                queue[tail++] = t->kids[k];
            }
        if (flags & DVK_UNITS_MERGED)
            for (int k = t->merged_at[x]; k < t->merged_at[x + 1]; k++)
                if (!mark[t->merged[k]]) {
                    mark[t->merged[k]] = 1;
                    queue[tail++] = t->merged[k];
                }
    }
    free(queue);
    return (long)tail;
}

int dvk_units_current(const dvk_units *t, int u)
{
    for (int i = 0; u >= 0 && t->u[u].successor >= 0 && i < DVK_UNITS_DEPTH; i++)
        u = t->u[u].successor;
    return u;
}

/* Walk up parents from u: the unit just below scope, scope itself when u is scope, or -1.
 * With merged, each unit on the way is replaced by the unit that stands for it today. */
static int walk_up(const dvk_units *t, int u, int scope, int merged)
{
    int below = -1;
    for (int i = 0; u >= 0 && i < DVK_UNITS_DEPTH; i++) {
        if (merged)
            u = dvk_units_current(t, u);
        if (u == scope)
            return below >= 0 ? below : scope;
        below = u;
        u = t->u[u].parent;
    }
    return -1;
}

int dvk_units_top(const dvk_units *t, int u, int scope, int flags)
{
    if (!t || u < 0 || scope < 0)
        return -1;
    int top = -1;
    if (flags & DVK_UNITS_MERGED)
        top = walk_up(t, u, scope, 1);
    return top >= 0 ? top : walk_up(t, u, scope, 0);
}

int dvk_units_under(const dvk_units *t, int u, int scope, int flags)
{
    if (!t || u < 0 || scope < 0)
        return 0;
    if (dvk_units_top(t, u, scope, flags) >= 0)
        return 1;
    if (!(flags & DVK_UNITS_MERGED))
        return 0;
    unsigned char *mark = malloc(t->n);
    if (!mark)
        return 0;
    int in = dvk_units_subtree(t, scope, flags, mark) > 0 && mark[u];
    free(mark);
    return in;
}

int dvk_unit_in_year(const dvk_unit *u, int year)
{
    char first[16], last[16];
    snprintf(first, sizeof first, "%04d-01-01", year);
    snprintf(last, sizeof last, "%04d-12-31", year);
    if (u->valid_from && strcmp(u->valid_from, last) > 0)
        return 0;
    if (u->valid_to && strcmp(u->valid_to, first) < 0)
        return 0;
    return 1;
}

char *dvk_units_subtree_json(const dvk_units *t, const char *scope, int flags, dvk_error *err)
{
    dvk_buf b = DVK_BUF_INIT;
    int sc = dvk_units_find(t, scope);
    unsigned char *mark = t && t->n ? malloc(t->n) : NULL;
    if (t && t->n && !mark) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory listing units");
        return NULL;
    }
    dvk_buf_addc(&b, '[');
    if (sc >= 0) {
        if (dvk_units_subtree(t, sc, flags, mark) < 0) {
            free(mark);
            dvk_buf_free(&b);
            dvk_error_set(err, DVK_ENOMEM, "out of memory listing units");
            return NULL;
        }
        int first = 1;
        for (size_t i = 0; i < t->n; i++)
            if (mark[i]) {
                if (!first)
                    dvk_buf_addc(&b, ',');
                first = 0;
                dvk_json_strz(&b, t->u[i].code);
            }
    }
    dvk_buf_addc(&b, ']');
    free(mark);
    char *json = dvk_buf_take(&b, NULL);
    if (!json)
        dvk_error_set(err, DVK_ENOMEM, "out of memory listing units");
    return json;
}

/* The two walks below run on the rows as they stand inside an import's transaction, where
 * the tree changes row by row; UNION (not UNION ALL) ends cycles. */
int dvk_units_is_ancestor(dvk_store *s, const char *ancestor, const char *unit, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s,
        "WITH RECURSIVE up(c) AS (SELECT ?1 UNION SELECT u.parent FROM units u JOIN up"
        " ON u.code = up.c WHERE u.parent IS NOT NULL) SELECT 1 FROM up WHERE c = ?2", err);
    if (!st)
        return -err->code;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ancestor, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return -dvk_store_fail(s, rc, err, "reading the unit tree");
}

int dvk_units_move_province(dvk_store *s, const char *code, const char *province, dvk_error *err)
{
    static const char *const moves[] = {
        "WITH RECURSIVE d(c) AS (SELECT code FROM units WHERE parent = ?1 UNION SELECT u.code"
        " FROM units u JOIN d ON u.parent = d.c) UPDATE units SET province = ?2 WHERE code IN d",
        "WITH RECURSIVE d(c) AS (SELECT ?1 UNION SELECT u.code FROM units u JOIN d"
        " ON u.parent = d.c) UPDATE models SET province = ?2 WHERE unit IN d",
    };
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = dvk_store_prepare(s, moves[i], err);
        if (!st)
            return err->code;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, province, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return dvk_store_fail(s, rc, err, "moving a unit to another province");
    }
    return DVK_OK;
}
