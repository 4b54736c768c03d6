/* report.c: running a report function (the province's override, else
 * scripts/lib/reports/<name>.lua) over a decision run, with the Lua `run` object: the run's
 * header, the province description, and queries over its results, scores and units. Counts
 * (run:stats) come from the one aggregator (stats.h), units from the unit tree (units.h). */
#include "dvk/report.h"
#include "dvk/decide.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <lauxlib.h>

#include "dvk/buf.h"
#include "dvk/paths.h"
#include "dvk/runs.h"
#include "dvk/sandbox.h"
#include "dvk/script.h"
#include "dvk/stats.h"
#include "dvk/text.h"
#include "dvk/units.h"

#define NAME_MAX_LEN 64

typedef struct rctx rctx;

/* One run seen by the report (the run itself, and the --against run). */
typedef struct run_info {
    rctx *ctx;
    long long id;
    int year;
    char province[DVK_SCRIPT_ID_MAX + 1];
    char level[DVK_SCRIPT_ID_MAX + 1];
    char unit[256];            /* scope unit code, "" for the whole province */
    char status[16];
    char number[128], date[16];
    int has_number, has_date;
    char fingerprint[DVK_FINGERPRINT_SIZE];   /* a final run's (store.h), "" for a draft */
    dvk_stats *stats;          /* run:stats, every grouping (STATS_BY order), on first use */
    dvk_run_revocation *rev;   /* run.revocations (runs.h): the whole run's first */
    size_t nrev;
    int source;                /* 1: a final run read from its frozen record (runs.h) */
} run_info;

struct rctx {
    dvk_store *s;
    dvk_province *p;
    dvk_units *units;          /* every unit (units.h) */
    int successors;
};

/* ---- units ----------------------------------------------------------------------------- */

static const char *scope_of(const run_info *ri)
{
    return ri->unit[0] ? ri->unit : ri->province;
}

/* The unit directly under scope through which unit code belongs to it (grouping rule of
 * units.h; with successors, from the unit that stands for it today), the scope itself for a
 * model of the scope unit, or the unit itself when it is not under the scope. */
static const char *top_code(const rctx *c, const char *code, const char *scope)
{
    int u = dvk_units_find(c->units, code);
    int top = dvk_units_top(c->units, u, dvk_units_find(c->units, scope),
                            c->successors ? DVK_UNITS_MERGED : 0);
    return top >= 0 ? dvk_units_at(c->units, (size_t)top)->code : code;
}

static const char *unit_name(const rctx *c, const char *code)
{
    return dvk_units_name(c->units, code);
}

/* ---- names --------------------------------------------------------------------------- */

static const char *const KINDS[][2] = {
    {"tap-the", "Tập thể"}, {"ca-nhan", "Cá nhân"}, {"ho-gia-dinh", "Hộ gia đình"}};
static const char *const REGS[][2] = {{"moi", "Xây mới"}, {"tiep-tuc", "Tiếp tục thực hiện"}};
static const char *const CATS[][2] = {{"mo-hinh", "Mô hình"}, {"dien-hinh", "Điển hình"}};

static int pair_index(const char *const (*pairs)[2], int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(pairs[i][0], key) == 0)
            return i;
    return -1;
}

static const char *pair_name(const char *const (*pairs)[2], int n, const char *key)
{
    int i = pair_index(pairs, n, key);
    return i >= 0 ? pairs[i][1] : key;
}

static int field_index(const dvk_province *p, const char *id)
{
    for (int i = 0; i < p->nfields; i++)
        if (strcmp(p->fields[i].id, id) == 0)
            return i;
    return -1;
}

static const char *field_name(const dvk_province *p, const char *id)
{
    int i = field_index(p, id);
    return i >= 0 ? p->fields[i].name : id;
}

static const char *outcome_name(const dvk_province *p, const char *id)
{
    int i = dvk_province_outcome(p, id);
    return i >= 0 ? p->outcomes[i].name : id;
}

static const char *gate_name(const dvk_province *p, const char *id)
{
    for (int i = 0; id && i < p->ngates; i++)
        if (strcmp(p->gates[i].id, id) == 0)
            return p->gates[i].name;
    return id;
}

/* ---- the run object's methods ---------------------------------------------------------- */

static run_info *upv_run(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

static void set_str(lua_State *L, const char *key, const char *v)
{
    if (v)
        lua_pushstring(L, v);                                   /* t v */
    else
        lua_pushnil(L);                                         /* t nil */
    lua_setfield(L, -2, key);                                   /* t */
}

static void set_int(lua_State *L, const char *key, long long v)
{
    lua_pushinteger(L, (lua_Integer)v);                         /* t v */
    lua_setfield(L, -2, key);                                   /* t */
}

static void set_bool(lua_State *L, const char *key, int v)
{
    lua_pushboolean(L, v);                                      /* t v */
    lua_setfield(L, -2, key);                                   /* t */
}

static int sql_error(lua_State *L, rctx *c, int rc, const char *what)
{
    dvk_error err;
    dvk_store_fail(c->s, rc, &err, what);
    return luaL_error(L, "%s", err.msg);
}

/* run:results([filter]): the run's results joined with models and units, sorted by outcome
 * (best first) then model name in Vietnamese order. filter: {recognised=, exemplary=,
 * proposed=, eligible= (booleans), outcome= (id)}. */
static int l_results(lua_State *L)
{
    run_info *ri = upv_run(L);
    rctx *c = ri->ctx;
    int want[4] = {-1, -1, -1, -1};
    static const char *const flags[] = {"recognised", "exemplary", "proposed", "eligible"};
    const char *outcome = NULL;
    if (lua_istable(L, 2)) {
        for (int i = 0; i < 4; i++) {
            lua_getfield(L, 2, flags[i]);                       /* ... v */
            if (!lua_isnil(L, -1))
                want[i] = lua_toboolean(L, -1);
            lua_pop(L, 1);                                      /* ... */
        }
        lua_getfield(L, 2, "outcome");                          /* ... v */
        outcome = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
    } else if (!lua_isnoneornil(L, 2)) {
        return luaL_error(L, "run:results: the filter must be a table (found %s)",
                          luaL_typename(L, 2));
    }
    /* The WHERE clause is assembled from constant fragments only; every value is bound. */
    static const char *const WANT_SQL[] = {
        " AND r.recognised = ?2", " AND r.exemplary = ?3", " AND r.proposed = ?4",
        " AND r.eligible = ?5"};
    dvk_buf sql = DVK_BUF_INIT;
    dvk_buf_adds(&sql,
        "SELECT m.id, m.code, m.name, m.unit, u.name, m.field, m.kind, m.category,"
        " m.registration, m.level, m.year, m.started_on, m.address, r.total, r.outcome,"
        " r.outcome_index, r.rank, r.recognised, r.exemplary, r.proposed, r.eligible,"
        " r.reason, r.gate FROM results r");
    dvk_runs_join_models(&sql, ri->source, "m", "r");
    dvk_runs_join_units(&sql, ri->source, "u", "m.unit", "r.run");
    dvk_buf_adds(&sql, " WHERE r.run = ?1");
    for (int i = 0; i < 4; i++)
        if (want[i] >= 0)
            dvk_buf_adds(&sql, WANT_SQL[i]);
    if (outcome)
        dvk_buf_adds(&sql, " AND r.outcome = ?6");
    dvk_buf_adds(&sql, " ORDER BY r.outcome_index, m.name COLLATE vi, m.code");
    dvk_error err;
    sqlite3_stmt *st = sql.oom ? NULL : dvk_store_prepare(c->s, dvk_buf_str(&sql), &err);
    if (sql.oom)
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
    dvk_buf_free(&sql);
    if (!st)
        return luaL_error(L, "run:results: %s", err.msg);
    sqlite3_bind_int64(st, 1, ri->id);
    for (int i = 0; i < 4; i++)
        if (want[i] >= 0)
            sqlite3_bind_int(st, 2 + i, want[i]);
    if (outcome)
        sqlite3_bind_text(st, 6, outcome, -1, SQLITE_TRANSIENT);
    lua_newtable(L);                                            /* ... list */
    lua_Integer n = 0;
    int rc;
    const char *scope = scope_of(ri);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        luaL_checkstack(L, 8, "run:results");
        lua_createtable(L, 0, 32);                              /* ... list row */
#define COL(i) ((const char *)sqlite3_column_text(st, (i)))
        set_int(L, "id", sqlite3_column_int64(st, 0));
        set_str(L, "code", COL(1));
        set_str(L, "name", COL(2));
        set_str(L, "unit_code", COL(3));
        set_str(L, "unit_name", COL(4));
        const char *top = top_code(c, COL(3), scope);
        set_str(L, "top_unit_code", top);
        set_str(L, "top_unit_name", unit_name(c, top));
        {   /* the kinds: who issues a unit's decisions (bao_cao.don_vi_quyet_dinh) */
            int u = dvk_units_find(c->units, COL(3)), tu = dvk_units_find(c->units, top);
            set_str(L, "unit_kind", u >= 0 ? dvk_units_at(c->units, (size_t)u)->kind : NULL);
            set_str(L, "top_unit_kind", tu >= 0 ? dvk_units_at(c->units, (size_t)tu)->kind : NULL);
        }
        set_str(L, "field", COL(5));
        set_str(L, "field_name", field_name(c->p, COL(5)));
        set_str(L, "kind", COL(6));
        set_str(L, "kind_name", pair_name(KINDS, 3, COL(6)));
        set_str(L, "category", COL(7));
        set_str(L, "category_name", pair_name(CATS, 2, COL(7)));
        set_str(L, "registration", COL(8));
        set_str(L, "registration_name", pair_name(REGS, 2, COL(8)));
        set_str(L, "level", COL(9));
        set_int(L, "year", sqlite3_column_int64(st, 10));
        set_str(L, "started_on", COL(11));
        set_str(L, "address", COL(12));
        lua_pushnumber(L, sqlite3_column_double(st, 13));       /* ... list row total */
        lua_setfield(L, -2, "total");                           /* ... list row */
        set_str(L, "outcome", COL(14));
        set_str(L, "outcome_name", outcome_name(c->p, COL(14)));
        set_int(L, "outcome_index", sqlite3_column_int64(st, 15));
        if (sqlite3_column_type(st, 16) != SQLITE_NULL)
            set_int(L, "rank", sqlite3_column_int64(st, 16));
        set_bool(L, "recognised", sqlite3_column_int(st, 17));
        set_bool(L, "exemplary", sqlite3_column_int(st, 18));
        set_bool(L, "proposed", sqlite3_column_int(st, 19));
        set_bool(L, "eligible", sqlite3_column_int(st, 20));
        set_str(L, "reason", COL(21));
        set_str(L, "gate", COL(22));
        set_str(L, "gate_name", gate_name(c->p, COL(22)));
#undef COL
        lua_rawseti(L, -2, ++n);                                /* ... list */
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sql_error(L, c, rc, "reading results");
    return 1;
}

/* run:scores([model_code]): one model's points per criterion, in the province's criteria
 * order: {{criterion=, name=, points=, max=, note=}, ...}; without a code, a table of those
 * lists keyed by model code. */
static int l_scores(lua_State *L)
{
    run_info *ri = upv_run(L);
    rctx *c = ri->ctx;
    const char *code = luaL_optstring(L, 2, NULL);
    dvk_error err;
    dvk_buf sql = DVK_BUF_INIT;
    dvk_buf_adds(&sql, "SELECT m.code, s.criterion, s.points, s.max, s.note FROM result_scores s");
    dvk_runs_join_models(&sql, ri->source, "m", "s");
    dvk_buf_adds(&sql, " WHERE s.run = ?1 AND (?2 IS NULL OR m.code = ?2) ORDER BY m.code, s.criterion");
    sqlite3_stmt *st = sql.oom ? NULL : dvk_store_prepare(c->s, dvk_buf_str(&sql), &err);
    if (sql.oom)
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
    dvk_buf_free(&sql);
    if (!st)
        return luaL_error(L, "run:scores: %s", err.msg);
    sqlite3_bind_int64(st, 1, ri->id);
    if (code)
        sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    lua_newtable(L);                                            /* ... byc */
    int byc = lua_gettop(L);
    int rc, list = 0;   /* list: stack index of the current model's list, its code below it */
    lua_Integer extra = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *mc = (const char *)sqlite3_column_text(st, 0);
        const char *crit = (const char *)sqlite3_column_text(st, 1);
        luaL_checkstack(L, 6, "run:scores");
        if (!list || strcmp(lua_tostring(L, list - 1), mc) != 0) {
            lua_settop(L, byc);                                 /* ... byc */
            lua_pushstring(L, mc);                              /* ... byc code */
            lua_newtable(L);                                    /* ... byc code list */
            lua_pushvalue(L, -1);                               /* ... byc code list list */
            lua_setfield(L, byc, mc);                           /* ... byc code list */
            list = lua_gettop(L);
            extra = 0;
        }
        lua_createtable(L, 0, 5);                               /* ... list s */
        set_str(L, "criterion", crit);
        int ci = dvk_province_criterion(c->p, crit);
        set_str(L, "name", ci >= 0 ? c->p->criteria[ci].name : crit);
        lua_pushnumber(L, sqlite3_column_double(st, 2));
        lua_setfield(L, -2, "points");
        lua_pushnumber(L, sqlite3_column_double(st, 3));
        lua_setfield(L, -2, "max");
        set_str(L, "note", (const char *)sqlite3_column_text(st, 4));
        /* slot by the province's criteria order; unknown criteria after them */
        lua_Integer slot = ci >= 0 ? ci + 1 : c->p->ncriteria + ++extra;
        lua_rawseti(L, list, slot);                             /* ... list */
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sql_error(L, c, rc, "reading scores");
    lua_settop(L, byc);                                         /* ... byc */
    /* compact each list (criteria that did not apply leave holes) */
    lua_pushnil(L);                                             /* ... byc k */
    while (lua_next(L, byc)) {                                  /* ... byc k list */
        int li = lua_gettop(L);
        lua_Integer o = 0, maxslot = c->p->ncriteria + 64;
        lua_newtable(L);                                        /* ... byc k list out */
        for (lua_Integer i = 1; i <= maxslot; i++) {
            if (lua_rawgeti(L, li, i) == LUA_TNIL) {            /* ... out v */
                lua_pop(L, 1);
                continue;
            }
            lua_rawseti(L, -2, ++o);                            /* ... out */
        }
        lua_pushvalue(L, -3);                                   /* ... byc k list out k */
        lua_insert(L, -2);                                      /* ... byc k list k out */
        lua_rawset(L, byc);                                     /* ... byc k list */
        lua_pop(L, 1);                                          /* ... byc k */
    }
    if (code) {
        lua_getfield(L, byc, code);                             /* ... byc list|nil */
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_newtable(L);                                    /* ... byc {} */
        }
    }
    return 1;
}

/* The groupings of run:stats, in the order of ri->stats. */
static const dvk_stats_by STATS_BY[] = {
    DVK_BY_FIELD, DVK_BY_UNIT, DVK_BY_LEVEL, DVK_BY_KIND, DVK_BY_REGISTRATION, DVK_BY_CATEGORY,
    DVK_BY_OUTCOME,
};
#define NBY ((int)(sizeof STATS_BY / sizeof STATS_BY[0]))

static void stats_free(dvk_stats *v)
{
    for (int i = 0; v && i < NBY; i++)
        dvk_stats_free(&v[i]);
    free(v);
}

/* 1 when ri is a run of the whole province at its top level: its statistics are the year's
 * (every registration of the province and year, as `dvk stats` counts them), not only the
 * candidates that reached it. */
static int whole_year(const run_info *ri)
{
    const dvk_province *p = ri->ctx->p;
    return !ri->unit[0] && p->nlevels > 0 && strcmp(ri->level, p->levels[p->nlevels - 1]) == 0;
}

/* Count ri with the aggregator (stats.h), every grouping in one scan, once per report. */
static int stats_load(run_info *ri, dvk_error *err)
{
    if (ri->stats)
        return DVK_OK;
    rctx *c = ri->ctx;
    int all = whole_year(ri);
    dvk_stats_query q = {
        .province = ri->province, .year = ri->year, .level = all ? NULL : ri->level,
        .unit = ri->unit[0] ? ri->unit : NULL, .run = ri->id, .run_only = !all,
        .successors = c->successors,
    };
    dvk_stats *v = calloc(NBY, sizeof *v);
    if (!v)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    /* a final run counts as it was made final (its frozen record) */
    int found = 0;
    int rc = ri->source > 0 ? dvk_stats_frozen(c->s, ri->id, all, c->successors, STATS_BY, NBY, v,
                                               &found, err) : DVK_OK;
    if (rc == DVK_OK && !found)
        rc = dvk_stats_query_run(c->s, &q, STATS_BY, NBY, v, err);
    if (rc != DVK_OK) {
        free(v);
        return rc;
    }
    ri->stats = v;
    return DVK_OK;
}

/* A row's place: the province's order (fields, levels, outcomes) or the fixed order of the
 * kinds, registrations and categories; unknown keys last, by key. Units keep the
 * aggregator's Vietnamese order of names. */
typedef struct stats_item {
    const dvk_stats_row *row;
    const char *name;
    int order;
} stats_item;

static int cmp_item(const void *a, const void *b)
{
    const stats_item *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->row->key, y->row->key);
}

/* run:stats(by): counts grouped by field, unit (the units directly under the run's scope,
 * every one of them, zeros included; with successors, units that no longer exist count under
 * their successors), level, kind, registration, category or outcome: {{key=, name=,
 * registered=, eligible=, recognised=, exemplary=, proposed=}}, sorted as the province lists
 * them (fields, levels, outcomes) or in Vietnamese order. The counts are the aggregator's
 * (stats.h): a run of the whole province at its top level counts every model of the
 * province and year as `dvk stats` does (this run standing for its level); any other run
 * counts its candidates. The first call counts every grouping in one scan. */
static int l_stats(lua_State *L)
{
    run_info *ri = upv_run(L);
    rctx *c = ri->ctx;
    const char *by = luaL_optstring(L, 2, "field");
    int b = dvk_stats_by_parse(by);
    if (b < 0)
        return luaL_error(L, "run:stats: unknown grouping '%s' (use field, unit, level, kind, "
                             "registration, category or outcome)", by);
    dvk_error err;
    if (stats_load(ri, &err) != DVK_OK)
        return luaL_error(L, "run:stats: %s", err.msg);
    int k = 0;
    while (STATS_BY[k] != (dvk_stats_by)b)
        k++;
    const dvk_stats *st = &ri->stats[k];
    stats_item *v = calloc((size_t)st->nrows + 1, sizeof *v);
    if (!v)
        return luaL_error(L, "run:stats: out of memory");
    for (int i = 0; i < st->nrows; i++) {
        const char *key = st->rows[i].key;
        int idx = -1;
        v[i].row = &st->rows[i];
        switch (b) {
        case DVK_BY_FIELD: v[i].name = field_name(c->p, key); idx = field_index(c->p, key); break;
        case DVK_BY_UNIT: v[i].name = st->rows[i].name; idx = i; break;
        case DVK_BY_LEVEL: v[i].name = dvk_level_title(c->p, key); idx = dvk_province_level(c->p, key); break;
        case DVK_BY_KIND: v[i].name = pair_name(KINDS, 3, key); idx = pair_index(KINDS, 3, key); break;
        case DVK_BY_REGISTRATION: v[i].name = pair_name(REGS, 2, key); idx = pair_index(REGS, 2, key); break;
        case DVK_BY_CATEGORY: v[i].name = pair_name(CATS, 2, key); idx = pair_index(CATS, 2, key); break;
        default:
            /* "": models no counted run took up (a year's model never decided on) */
            v[i].name = key[0] ? outcome_name(c->p, key) : "Chưa xét";
            idx = dvk_province_outcome(c->p, key);
        }
        v[i].order = idx >= 0 ? idx : 1000;
    }
    qsort(v, (size_t)st->nrows, sizeof *v, cmp_item);
    lua_createtable(L, st->nrows, 0);                           /* ... list */
    for (int i = 0; i < st->nrows; i++) {
        const dvk_stats_row *r = v[i].row;
        luaL_checkstack(L, 4, "run:stats");
        lua_createtable(L, 0, 7);                               /* ... list row */
        set_str(L, "key", r->key);
        set_str(L, "name", v[i].name);
        set_int(L, "registered", r->registered);
        set_int(L, "eligible", r->eligible);
        set_int(L, "recognised", r->recognised);
        set_int(L, "exemplary", r->exemplary);
        set_int(L, "proposed", r->proposed);
        lua_rawseti(L, -2, (lua_Integer)i + 1);                 /* ... list */
    }
    free(v);
    return 1;
}

/* run:units(): the units directly under the run's scope that existed in the run's year,
 * sorted by name in Vietnamese order: {{code=, name=, kind=, valid_to=, successor=}}. With
 * successors, a unit that no longer exists is replaced by its successor. */
static int l_units(lua_State *L)
{
    run_info *ri = upv_run(L);
    rctx *c = ri->ctx;
    const dvk_units *t = c->units;
    size_t n = dvk_units_count(t);
    int scope = dvk_units_find(t, scope_of(ri));
    int flags = c->successors ? DVK_UNITS_MERGED : 0;
    /* rows[i]: the unit (index) listed for the i-th unit under the scope, no repeats */
    int *rows = malloc((n + 1) * sizeof *rows);
    unsigned char *seen = calloc(n + 1, 1);
    if (!rows || !seen) {
        free(rows);
        free(seen);
        return luaL_error(L, "run:units: out of memory");
    }
    size_t nrows = 0;
    for (size_t i = 0; scope >= 0 && i < n; i++) {
        const dvk_unit *u = dvk_units_at(t, i);
        if (u->parent != scope || !dvk_unit_in_year(u, ri->year))
            continue;
        int top = dvk_units_top(t, (int)i, scope, flags);
        if (top < 0)
            top = (int)i;
        if (!seen[top]) {
            seen[top] = 1;
            rows[nrows++] = top;
        }
    }
    free(seen);
    /* sort by name in Vietnamese order, then code (insertion: a few dozen units) */
    for (size_t i = 1; i < nrows; i++)
        for (size_t j = i; j > 0; j--) {
            const dvk_unit *a = dvk_units_at(t, (size_t)rows[j - 1]), *b = dvk_units_at(t, (size_t)rows[j]);
            int cmp = dvk_text_collate(a->name, strlen(a->name), b->name, strlen(b->name));
            if (cmp < 0 || (cmp == 0 && strcmp(a->code, b->code) <= 0))
                break;
            int x = rows[j];
            rows[j] = rows[j - 1];
            rows[j - 1] = x;
        }
    lua_createtable(L, (int)nrows, 0);                          /* ... list */
    for (size_t i = 0; i < nrows; i++) {
        const dvk_unit *u = dvk_units_at(t, (size_t)rows[i]);
        luaL_checkstack(L, 4, "run:units");
        lua_createtable(L, 0, 5);                               /* ... list u */
        set_str(L, "code", u->code);
        set_str(L, "name", u->name);
        set_str(L, "kind", u->kind);
        set_str(L, "valid_to", u->valid_to);
        set_str(L, "successor", u->successor >= 0 ? dvk_units_at(t, (size_t)u->successor)->code : NULL);
        lua_rawseti(L, -2, (lua_Integer)i + 1);                 /* ... list */
    }
    free(rows);
    return 1;
}

/* run:compare(other_id[, k]): the what-if between this run (A) and run other_id (B, given
 * with --against) computed in SQL, so that it scales to big runs: {transitions = {{from=,
 * from_name=, to=, to_name=, count=}} (from/to nil for a model in one run only), changed =
 * {{code=, name=, outcome_a=, outcome_a_name=, outcome_b=, outcome_b_name=, rank_a=,
 * rank_b=, total_a=, total_b=, recognised_a=, recognised_b=}}}: every model whose outcome or
 * recognition differs, whose rank moved by more than k (default 5), or that is in one run
 * only; A's models first (best outcome, then name in Vietnamese order), then B's only. */
static int l_compare(lua_State *L)
{
    run_info *ri = upv_run(L);
    rctx *c = ri->ctx;
    lua_Integer other = luaL_checkinteger(L, 2);
    lua_Integer k = luaL_optinteger(L, 3, 5);
    dvk_error err;
    sqlite3_stmt *st = dvk_store_prepare(c->s,
        "SELECT a.outcome, b.outcome, count(*), min(a.outcome_index),"
        " coalesce(min(b.outcome_index), 1000)"
        " FROM results a LEFT JOIN results b ON b.run = ?2 AND b.model = a.model"
        " WHERE a.run = ?1 GROUP BY 1, 2"
        " UNION ALL"
        " SELECT NULL, b.outcome, count(*), 1000, min(b.outcome_index) FROM results b"
        " WHERE b.run = ?2 AND NOT EXISTS"
        "  (SELECT 1 FROM results a WHERE a.run = ?1 AND a.model = b.model) GROUP BY 2"
        " ORDER BY 4, 5", &err);
    if (!st)
        return luaL_error(L, "run:compare: %s", err.msg);
    sqlite3_bind_int64(st, 1, ri->id);
    sqlite3_bind_int64(st, 2, other);
    lua_createtable(L, 0, 2);                                   /* ... out */
    lua_newtable(L);                                            /* ... out list */
    int rc;
    lua_Integer n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        luaL_checkstack(L, 4, "run:compare");
        const char *from = (const char *)sqlite3_column_text(st, 0);
        const char *to = (const char *)sqlite3_column_text(st, 1);
        lua_createtable(L, 0, 5);                               /* ... out list t */
        set_str(L, "from", from);
        set_str(L, "from_name", from ? outcome_name(c->p, from) : NULL);
        set_str(L, "to", to);
        set_str(L, "to_name", to ? outcome_name(c->p, to) : NULL);
        set_int(L, "count", sqlite3_column_int64(st, 2));
        lua_rawseti(L, -2, ++n);                                /* ... out list */
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sql_error(L, c, rc, "comparing runs");
    lua_setfield(L, -2, "transitions");                         /* ... out */
    /* each run's models from its own source (a final run's record) */
    int other_source = dvk_runs_source(c->s, other, &err);
    if (other_source < 0)
        return luaL_error(L, "run:compare: %s", err.msg);
    dvk_buf sql = DVK_BUF_INIT;
    dvk_buf_adds(&sql, "SELECT 0, m.code, m.name, a.outcome, b.outcome, a.rank, b.rank, a.total,"
                       " b.total, a.recognised, b.recognised, a.outcome_index AS oi, m.name AS nm"
                       " FROM results a");
    dvk_runs_join_models(&sql, ri->source, "m", "a");
    dvk_buf_adds(&sql, " LEFT JOIN results b ON b.run = ?2 AND b.model = a.model"
                       " WHERE a.run = ?1 AND (b.model IS NULL OR a.outcome <> b.outcome"
                       "  OR a.recognised <> b.recognised"
                       "  OR (a.rank IS NOT NULL AND b.rank IS NOT NULL AND abs(a.rank - b.rank) > ?3))"
                       " UNION ALL"
                       " SELECT 1, m.code, m.name, NULL, b.outcome, NULL, b.rank, NULL, b.total, NULL,"
                       " b.recognised, b.outcome_index, m.name FROM results b");
    dvk_runs_join_models(&sql, other_source, "m", "b");
    dvk_buf_adds(&sql, " WHERE b.run = ?2 AND NOT EXISTS"
                       "  (SELECT 1 FROM results a WHERE a.run = ?1 AND a.model = b.model)"
                       " ORDER BY 1, 12, 13 COLLATE vi, 2");
    st = sql.oom ? NULL : dvk_store_prepare(c->s, dvk_buf_str(&sql), &err);
    if (sql.oom)
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
    dvk_buf_free(&sql);
    if (!st)
        return luaL_error(L, "run:compare: %s", err.msg);
    sqlite3_bind_int64(st, 1, ri->id);
    sqlite3_bind_int64(st, 2, other);
    sqlite3_bind_int64(st, 3, k);
    lua_newtable(L);                                            /* ... out list */
    n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        luaL_checkstack(L, 4, "run:compare");
        lua_createtable(L, 0, 12);                              /* ... out list t */
#define TXT(i) ((const char *)sqlite3_column_text(st, (i)))
        set_str(L, "code", TXT(1));
        set_str(L, "name", TXT(2));
        set_str(L, "outcome_a", TXT(3));
        set_str(L, "outcome_a_name", TXT(3) ? outcome_name(c->p, TXT(3)) : NULL);
        set_str(L, "outcome_b", TXT(4));
        set_str(L, "outcome_b_name", TXT(4) ? outcome_name(c->p, TXT(4)) : NULL);
#undef TXT
        if (sqlite3_column_type(st, 5) != SQLITE_NULL)
            set_int(L, "rank_a", sqlite3_column_int64(st, 5));
        if (sqlite3_column_type(st, 6) != SQLITE_NULL)
            set_int(L, "rank_b", sqlite3_column_int64(st, 6));
        if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
            lua_pushnumber(L, sqlite3_column_double(st, 7));
            lua_setfield(L, -2, "total_a");
        }
        if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
            lua_pushnumber(L, sqlite3_column_double(st, 8));
            lua_setfield(L, -2, "total_b");
        }
        if (sqlite3_column_type(st, 9) != SQLITE_NULL)
            set_bool(L, "recognised_a", sqlite3_column_int(st, 9));
        if (sqlite3_column_type(st, 10) != SQLITE_NULL)
            set_bool(L, "recognised_b", sqlite3_column_int(st, 10));
        lua_rawseti(L, -2, ++n);                                /* ... out list */
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sql_error(L, c, rc, "comparing runs");
    lua_setfield(L, -2, "changed");                             /* ... out */
    return 1;
}

/* dvk.collate(a, b): -1, 0 or 1 in Vietnamese order (for table.sort comparators). */
static int l_collate(lua_State *L)
{
    size_t la, lb;
    const char *a = luaL_checklstring(L, 1, &la);
    const char *b = luaL_checklstring(L, 2, &lb);
    int c = dvk_text_collate(a, la, b, lb);
    lua_pushinteger(L, c < 0 ? -1 : c > 0 ? 1 : 0);
    return 1;
}

/* Push the run object for ri: its header fields, the province description, the options and
 * the query methods (closures over ri, which outlives the state's use of it). */
static void push_run(lua_State *L, run_info *ri)
{
    static const luaL_Reg methods[] = {
        {"results", l_results}, {"scores", l_scores}, {"stats", l_stats}, {"units", l_units},
        {"compare", l_compare},
        {NULL, NULL}};
    rctx *c = ri->ctx;
    luaL_checkstack(L, 8, "push_run");
    lua_createtable(L, 0, 24);                                  /* run */
    set_int(L, "id", ri->id);
    set_str(L, "province", ri->province);
    set_str(L, "province_name", c->p->name);
    set_int(L, "year", ri->year);
    set_str(L, "level", ri->level);
    set_str(L, "level_name", dvk_level_title(c->p, ri->level));
    set_str(L, "unit", ri->unit[0] ? ri->unit : NULL);
    set_str(L, "unit_name", ri->unit[0] ? unit_name(c, ri->unit) : NULL);
    {   /* the deciding unit's kind (commune, agency...): the layout of its documents */
        int u = ri->unit[0] ? dvk_units_find(c->units, ri->unit) : -1;
        set_str(L, "unit_kind", u >= 0 ? dvk_units_at(c->units, (size_t)u)->kind : NULL);
    }
    set_str(L, "status", ri->status);
    set_str(L, "decision_number", ri->has_number ? ri->number : NULL);
    set_str(L, "decision_date", ri->has_date ? ri->date : NULL);
    set_str(L, "fingerprint", ri->fingerprint[0] ? ri->fingerprint : NULL);
    lua_createtable(L, (int)ri->nrev, 0);                       /* run revs */
    for (size_t i = 0; i < ri->nrev; i++) {
        const dvk_run_revocation *v = &ri->rev[i];
        lua_createtable(L, 0, 4);                               /* run revs rev */
        set_str(L, "model_code", v->model_code);
        set_str(L, "number", v->number);
        set_str(L, "date", v->date);
        set_str(L, "reason", v->reason);
        lua_rawseti(L, -2, (lua_Integer)i + 1);                 /* run revs */
    }
    lua_setfield(L, -2, "revocations");                         /* run */
    dvk_script_push_province(L, c->p);                          /* run info */
    lua_setfield(L, -2, "province_info");                       /* run */
    lua_createtable(L, 0, 1);                                   /* run opts */
    set_bool(L, "successors", c->successors);
    lua_setfield(L, -2, "options");                             /* run */
    for (const luaL_Reg *m = methods; m->name; m++) {
        lua_pushlightuserdata(L, ri);                           /* run ri */
        lua_pushcclosure(L, m->func, 1);                        /* run f */
        lua_setfield(L, -2, m->name);                           /* run */
    }
}

/* ---- running a report ------------------------------------------------------------------ */

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_'))
            return 0;
    return 1;
}

static int load_run(dvk_store *s, long long id, run_info *ri, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT province, year, level, unit, status, decision_number, decision_date"
        " FROM runs WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), status = DVK_OK;
    if (rc == SQLITE_ROW) {
        memset(ri, 0, sizeof *ri);
        ri->id = id;
#define TXT(i) ((const char *)sqlite3_column_text(st, (i)))
        snprintf(ri->province, sizeof ri->province, "%s", TXT(0) ? TXT(0) : "");
        ri->year = sqlite3_column_int(st, 1);
        snprintf(ri->level, sizeof ri->level, "%s", TXT(2) ? TXT(2) : "");
        snprintf(ri->unit, sizeof ri->unit, "%s", TXT(3) ? TXT(3) : "");
        snprintf(ri->status, sizeof ri->status, "%s", TXT(4) ? TXT(4) : "");
        if ((ri->has_number = TXT(5) != NULL))
            snprintf(ri->number, sizeof ri->number, "%s", TXT(5));
        if ((ri->has_date = TXT(6) != NULL))
            snprintf(ri->date, sizeof ri->date, "%s", TXT(6));
#undef TXT
    } else if (rc == SQLITE_DONE) {
        status = dvk_error_set(err, DVK_EDATA, "no run %lld (see `dvk runs`)", id);
    } else {
        status = dvk_store_fail(s, rc, err, "reading the run");
    }
    sqlite3_finalize(st);
    /* a final run's fingerprint, recomputed from its finalize record (dvk verify checks the
     * record; a final run without one is left without a fingerprint) */
    if (status == DVK_OK && strcmp(ri->status, "final") == 0) {
        dvk_store_seal seal;
        dvk_error e;
        dvk_error_clear(&e);
        int src = dvk_store_seal_of(s, id, &seal, &e);
        if (src == DVK_OK)
            memcpy(ri->fingerprint, seal.fingerprint, sizeof ri->fingerprint);
        else if (src != DVK_EDATA)
            status = dvk_error_set(err, src, "%s", e.msg);
    }
    if (status == DVK_OK)
        status = dvk_runs_revocations(s, id, &ri->rev, &ri->nrev, err);
    if (status == DVK_OK && strcmp(ri->status, "final") == 0 && (ri->source = dvk_runs_source(s, id, err)) < 0)
        status = err->code;
    return status;
}

static int cmp_str(const void *a, const void *b);

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The valid report names (built-in and the province's, sorted, without duplicates) as
 * "a, b, c" appended to b: the list in the unknown-report error. */
static void list_valid(const char *scripts_dir, const dvk_province *p, dvk_buf *b)
{
    char **names = NULL, **desc = NULL;
    size_t count = 0;
    dvk_error err;
    if (dvk_report_builtin(scripts_dir, &names, &desc, &count, &err) != DVK_OK)
        count = 0;
    size_t total = count + (p ? (size_t)p->nreports : 0);
    const char **all = calloc(total ? total : 1, sizeof *all);
    if (all) {
        for (size_t i = 0; i < count; i++)
            all[i] = names[i];
        for (int i = 0; p && i < p->nreports; i++)
            all[count + (size_t)i] = p->reports[i];
        qsort(all, total, sizeof *all, cmp_str);
        for (size_t i = 0, first = 1; i < total; i++)
            if (i == 0 || strcmp(all[i], all[i - 1]) != 0) {
                dvk_buf_printf(b, "%s%s", first ? "" : ", ", all[i]);
                first = 0;
            }
        free(all);
    }
    dvk_report_names_free(names, desc, count);
}

/* DVK_EUSAGE "unknown report 'x' (valid: a, b, ...)". */
static int unknown_report(const char *scripts_dir, const dvk_province *p, const char *name,
                          dvk_error *err)
{
    dvk_buf valid = DVK_BUF_INIT;
    list_valid(scripts_dir, p, &valid);
    int rc = dvk_error_set(err, DVK_EUSAGE, "unknown report '%s' (valid: %s)", name,
                           dvk_buf_str(&valid));
    dvk_buf_free(&valid);
    return rc;
}

/* The scripts a report of run ri renders with: a final run's recorded ones, written to a
 * private folder (dir, removed by the caller), unless o->current_scripts; a line for the
 * user through o->note when today's scripts differ from the recorded ones or are used
 * instead of them. *scripts_dir gets the folder to use. */
static int report_scripts(dvk_store *s, const dvk_report_opts *o, const run_info *ri, char *dir,
                          const char **scripts_dir, dvk_error *err)
{
    *scripts_dir = o->scripts_dir;
    dir[0] = '\0';
    if (ri->source <= 0)
        return DVK_OK;
    int changed = 0, rc;
    char first[1024], line[1400];
    if (o->current_scripts) {
        rc = dvk_runs_scripts_compare(s, ri->id, o->scripts_dir, &changed, first, err);
        if (rc == DVK_OK && o->note) {
            if (changed)
                snprintf(line, sizeof line, "note: run %lld is rendered with today's scripts "
                         "(--current-script), not those recorded when it was made final: %s "
                         "differs from the recorded SHA-256%s", ri->id, first,
                         changed > 1 ? " (and more)" : "");
            else
                snprintf(line, sizeof line, "note: run %lld is rendered with today's scripts "
                         "(--current-script); they have the SHA-256 recorded when it was made "
                         "final", ri->id);
            o->note(o->note_ud, line);
        }
        return rc;
    }
    if ((rc = dvk_runs_scripts_write(s, ri->id, o->scripts_dir, dir, &changed, first, err)) != DVK_OK)
        return rc;
    *scripts_dir = dir;
    if (changed && o->note) {
        snprintf(line, sizeof line, "note: %s differs from the SHA-256 recorded when run %lld was "
                 "made final%s; rendered with the recorded scripts (--current-script: today's)",
                 first, ri->id, changed > 1 ? " (and more)" : "");
        o->note(o->note_ud, line);
    }
    return DVK_OK;
}

int dvk_report_run(dvk_store *s, const dvk_report_opts *ro, dvk_doc *doc, dvk_error *err)
{
    static const luaL_Reg helpers[] = {{"collate", l_collate}, {NULL, NULL}};
    int rc = DVK_OK;
    lua_State *L = NULL;
    rctx ctx = {0};
    char recorded[4096] = "";
    dvk_report_opts opts = *ro;   /* scripts_dir: the recorded scripts of a final run */
    const dvk_report_opts *o = &opts;
    run_info *runs = calloc(2, sizeof *runs);
    if (!runs)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    ctx.s = s;
    ctx.successors = o->successors;
    if (!valid_name(o->name)) {
        rc = unknown_report(o->scripts_dir, NULL, o->name, err);
        goto done;
    }
    if ((rc = load_run(s, o->run, &runs[0], err)) != DVK_OK)
        goto done;
    runs[0].ctx = &ctx;
    if (o->against) {
        if ((rc = load_run(s, o->against, &runs[1], err)) != DVK_OK)
            goto done;
        runs[1].ctx = &ctx;
        if (strcmp(runs[0].province, runs[1].province) != 0) {
            rc = dvk_error_set(err, DVK_EUSAGE, "runs %lld and %lld are of different provinces "
                               "(%s, %s)", o->run, o->against, runs[0].province,
                               runs[1].province);
            goto done;
        }
    }
    /* a final run's units as its record keeps them */
    if ((rc = runs[0].source > 0 ? dvk_units_load_run(s, o->run, &ctx.units, err)
                                 : dvk_units_load(s, NULL, &ctx.units, err)) != DVK_OK)
        goto done;
    if ((rc = report_scripts(s, ro, &runs[0], recorded, &opts.scripts_dir, err)) != DVK_OK)
        goto done;

    dvk_sandbox_limits lim = dvk_sandbox_report_defaults();
    lim.print = o->print;
    lim.print_ud = o->print_ud;
    if (!(L = dvk_sandbox_new(s, o->scripts_dir, &lim, err))) {
        rc = err->code;
        goto done;
    }
    dvk_sandbox_register(L, helpers);
    if (!(ctx.p = dvk_script_load(L, runs[0].province, err))) {
        rc = err->code;
        goto done;
    }
    /* The report function: the province's own, else the built-in file. */
    if (!dvk_script_report(L, ctx.p, o->name)) {                /* [f] */
        char rel[128], path[4096];
        snprintf(rel, sizeof rel, "lib/reports/%s.lua", o->name);
        snprintf(path, sizeof path, "%s/%s", o->scripts_dir, rel);
        if (!file_exists(path))    /* the office's own, else the shipped one */
            snprintf(path, sizeof path, "%s/%s", dvk_paths_builtin_scripts(), rel);
        if (!file_exists(path)) {
            rc = unknown_report(o->scripts_dir, ctx.p, o->name, err);
            goto done;
        }
        if ((rc = dvk_sandbox_dofile(L, rel, 1, err)) != DVK_OK)
            goto done;
        if (!lua_isfunction(L, -1)) {
            rc = dvk_error_set(err, DVK_EDATA, "%s: must return a function (run, doc) "
                               "(found %s)", path, luaL_typename(L, -1));
            goto done;
        }
    }
    dvk_doc_push(L, doc);                                       /* f doc */
    lua_insert(L, -2);                                          /* doc f */
    push_run(L, &runs[0]);                                      /* doc f run */
    if (o->against) {
        push_run(L, &runs[1]);                                  /* doc f run b */
        lua_setfield(L, -2, "against");                         /* doc f run */
    }
    dvk_sandbox_push_readonly(L, -1);                           /* doc f run ro */
    lua_remove(L, -2);                                          /* doc f ro */
    lua_pushvalue(L, -3);                                       /* doc f ro doc */
    rc = dvk_sandbox_call(L, 2, 0, err);                        /* doc */
    dvk_doc_unbind(L, -1);
    lua_pop(L, 1);                                              /* */
    if (rc == DVK_OK && !dvk_doc_title(doc)[0]) {
        char title[256];
        snprintf(title, sizeof title, "%s — run %lld", o->name, o->run);
        rc = dvk_doc_set_title(doc, title, err);
    }
done:
    if (ctx.p)
        dvk_province_free(L, ctx.p);
    dvk_sandbox_free(L);
    dvk_units_free(ctx.units);
    stats_free(runs[0].stats);
    stats_free(runs[1].stats);
    dvk_run_revocations_free(runs[0].rev, runs[0].nrev);
    dvk_run_revocations_free(runs[1].rev, runs[1].nrev);
    free(runs);
    dvk_runs_scripts_remove(recorded);
    return rc;
}

/* ---- the built-in list ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void dvk_report_names_free(char **names, char **descriptions, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (names)
            free(names[i]);
        if (descriptions)
            free(descriptions[i]);
    }
    free(names);
    free(descriptions);
}

/* The description on a report file's first line: "-- scripts/lib/reports/x.lua: TEXT". */
static char *describe(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512] = "";
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    line[strcspn(line, "\r\n")] = '\0';
    const char *d = strstr(line, ".lua: ");
    return strdup(d ? d + 6 : "");
}

/* Append the report names of dirpath not yet in v[0..*count) to v. */
static int list_reports_in(const char *dirpath, char ***v, size_t *count, size_t *cap,
                           dvk_error *err)
{
    DIR *d = opendir(dirpath);
    if (!d)
        return DVK_OK;
    struct dirent *e;
    int rc = DVK_OK;
    size_t before = *count;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), dup = 0;
        if (len <= 4 || strcmp(e->d_name + len - 4, ".lua") != 0 || e->d_name[0] == '_' ||
            e->d_name[0] == '.')
            continue;
        for (size_t i = 0; i < before && !dup; i++)
            dup = strlen((*v)[i]) == len - 4 && strncmp((*v)[i], e->d_name, len - 4) == 0;
        if (dup)
            continue;
        if (*count == *cap) {
            size_t ncap = *cap ? *cap * 2 : 16;
            char **p = realloc(*v, ncap * sizeof *p);
            if (!p) {
                rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
                break;
            }
            *v = p;
            *cap = ncap;
        }
        if (!((*v)[*count] = strndup(e->d_name, len - 4))) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
            break;
        }
        (*count)++;
    }
    closedir(d);
    return rc;
}

/* The reports of scripts_dir/lib/reports and of the shipped scripts' lib/reports (the
 * office's file first where both have one). */
int dvk_report_builtin(const char *scripts_dir, char ***names, char ***descriptions,
                       size_t *n, dvk_error *err)
{
    char dirs[2][4096];
    snprintf(dirs[0], sizeof dirs[0], "%s/lib/reports", scripts_dir);
    snprintf(dirs[1], sizeof dirs[1], "%s/lib/reports", dvk_paths_builtin_scripts());
    *names = NULL;
    *descriptions = NULL;
    *n = 0;
    DIR *probe[2] = {opendir(dirs[0]), opendir(dirs[1])};
    for (int i = 0; i < 2; i++)
        if (probe[i])
            closedir(probe[i]);
    if (!probe[0] && !probe[1])
        return dvk_error_set(err, DVK_EIO, "%s: cannot list the reports", dirs[1]);
    size_t cap = 0, count = 0;
    char **v = NULL;
    int rc = list_reports_in(dirs[0], &v, &count, &cap, err);
    if (rc == DVK_OK)
        rc = list_reports_in(dirs[1], &v, &count, &cap, err);
    char **desc = rc == DVK_OK ? calloc(count ? count : 1, sizeof *desc) : NULL;
    if (rc == DVK_OK && !desc)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (rc != DVK_OK) {
        dvk_report_names_free(v, NULL, count);
        return rc;
    }
    qsort(v, count, sizeof *v, cmp_str);
    for (size_t i = 0; i < count; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.lua", dirs[0], v[i]);
        if (!file_exists(path))
            snprintf(path, sizeof path, "%s/%s.lua", dirs[1], v[i]);
        desc[i] = describe(path);
    }
    *names = v;
    *descriptions = desc;
    *n = count;
    return DVK_OK;
}
