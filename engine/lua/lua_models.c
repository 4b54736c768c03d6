/* lua_models.c: dvk.models and the lazy query class it returns (see dvk/query.h). A query
 * holds a filter and reads nothing until it is used; every read is one statement from the
 * SQL builder (models_sql.c), and the models it yields are the read-only objects province
 * scripts get (dvk_script_push_model). A unit filter is resolved in the state's unit tree.
 *
 * The class, as liolib.c does it: `meth` (the methods, reached through __index) and
 * `metameth` registered by createmeta; the cursor of q:each() is a second, method-less
 * class. */
#include "lua_common.h"

#include <stdlib.h>
#include <string.h>

/* The strings of a filter, owned by the query userdata (freed by __gc). */
enum { F_PROVINCE, F_UNIT, F_FIELD, F_LEVEL, F_KIND, F_CATEGORY, F_REGISTRATION, F_CODE,
       F_SEARCH, F_ORDER, NSTRINGS };
#define NNUMBERS 3   /* year, limit, offset */

/* The filter keys: the NSTRINGS string filters in F_* order, then the numbers. */
const char *const dvk_lua_models_filters[] = {
    "province", "unit", "field", "level", "kind", "category", "registration", "code",
    "search", "order", "year", "limit", "offset", NULL,
};

typedef struct lquery {
    dvk_model_filter f;
    char *strs[NSTRINGS];
    sqlite3_stmt *cursor;   /* iteration through __call, or a statement being read */
} lquery;

static void sync_filter(lquery *q)
{
    q->f.province = q->strs[F_PROVINCE];
    q->f.unit = q->strs[F_UNIT];
    q->f.field = q->strs[F_FIELD];
    q->f.level = q->strs[F_LEVEL];
    q->f.kind = q->strs[F_KIND];
    q->f.category = q->strs[F_CATEGORY];
    q->f.registration = q->strs[F_REGISTRATION];
    q->f.code = q->strs[F_CODE];
    q->f.search = q->strs[F_SEARCH];
    q->f.order = q->strs[F_ORDER];
}

static lquery *check_query(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, DVK_LUA_QUERY_MT);
}

static lquery *new_query(lua_State *L)
{
    lquery *q = lua_newuserdatauv(L, sizeof *q, 0);                     /* q */
    memset(q, 0, sizeof *q);
    luaL_setmetatable(L, DVK_LUA_QUERY_MT);                             /* q */
    return q;
}

/* Fill q from the filter table at idx (absent: no filter); keys present override base. */
static void read_filter(lua_State *L, int idx, lquery *q, const lquery *base)
{
    const char *const *names = dvk_lua_models_filters;
    if (base) {
        for (int i = 0; i < NSTRINGS; i++)
            if (base->strs[i] && !(q->strs[i] = strdup(base->strs[i])))
                luaL_error(L, "out of memory");
        q->f.year = base->f.year;
        q->f.limit = base->f.limit;
        q->f.offset = base->f.offset;
    }
    if (!lua_isnoneornil(L, idx)) {
        luaL_checktype(L, idx, LUA_TTABLE);
        dvk_lua_check_keys(L, idx, "dvk.models", names, NSTRINGS + NNUMBERS);
        for (int i = 0; i < NSTRINGS; i++) {
            const char *s = dvk_lua_opt_string(L, idx, "dvk.models", names[i]);
            if (s) {
                free(q->strs[i]);
                if (!(q->strs[i] = strdup(s)))
                    luaL_error(L, "out of memory");
            }
        }
        /* the numbers, in dvk_lua_models_filters' order: year, limit, offset */
        static const long long lo[NNUMBERS] = {1900, 0, 0};
        static const long long hi[NNUMBERS] = {9999, (long long)1 << 40, (long long)1 << 40};
        for (int i = 0; i < NNUMBERS; i++) {
            const char *key = names[NSTRINGS + i];
            int has = lua_getfield(L, idx, key) != LUA_TNIL;            /* v */
            lua_pop(L, 1);                                              /* */
            if (!has)
                continue;
            long long v = dvk_lua_opt_int(L, idx, "dvk.models", key, lo[i], hi[i]);
            if (i == 0)
                q->f.year = (int)v;
            else if (i == 1)
                q->f.limit = v;
            else
                q->f.offset = v;
        }
    }
    sync_filter(q);
    /* Catch a bad order or search now rather than at the first use (the unit is looked up
     * when the query runs). */
    dvk_model_filter probe_f = q->f;
    probe_f.unit = NULL;
    dvk_sql probe;
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_query_models_sql(&probe_f, NULL, DVK_QUERY_ROWS, NULL, &probe, &err) != DVK_OK)
        luaL_error(L, "dvk.models: %s", err.msg);
    dvk_sql_free(&probe);
}

/* Prepare a statement for q; raises the error. */
static sqlite3_stmt *prepare_query(lua_State *L, lquery *q, int what, const char *group)
{
    dvk_store *s = dvk_lua_store(L);
    const dvk_units *units = q->f.unit ? dvk_lua_unit_tree(L) : NULL;
    dvk_sql sql;
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_query_models_sql(&q->f, units, what, group, &sql, &err) != DVK_OK)
        dvk_lua_error(L, &err);
    sqlite3_stmt *st = dvk_sql_prepare(s, &sql, &err);
    dvk_sql_free(&sql);
    if (!st)
        dvk_lua_error(L, &err);
    return st;
}

/* Step st; push the next model and return 1, or return 0 at the end. Raises on error. The
 * model is the same read-only object the province scripts see (columns, metrics, m.unit
 * with its parent chain, and appraisal, appraisals and history read when first used). */
static int step_model(lua_State *L, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        dvk_error err;
        dvk_error_clear(&err);
        if (dvk_script_push_model(L, NULL, sqlite3_column_int64(st, 0), NULL, &err) != DVK_OK)
            dvk_lua_error(L, &err);                                     /* m */
        return 1;
    }
    if (rc != SQLITE_DONE)
        dvk_lua_step_error(L, rc, "reading models");
    return 0;
}

static long long count_query(lua_State *L, lquery *q)
{
    sqlite3_stmt *st = prepare_query(L, q, DVK_QUERY_COUNT, NULL);
    int rc = sqlite3_step(st);
    long long n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (n < 0)
        dvk_lua_step_error(L, rc, "counting models");
    return n;
}

/***
 * @function dvk.models(filters)
 * A lazy query over models: nothing is read until it is used.
 * @param {table} filters province=, unit= (the unit, its subtree and units merged into
 *   them), year=, level=, field=, kind=, category=, registration=, code=, search= (every
 *   word, ignoring case and diacritics), order= ("name", "-year", "year desc"), limit=,
 *   offset=; all optional
 * @return {query} q
 */
int dvk_lua_models(lua_State *L)
{
    dvk_lua_store(L);
    lquery *q = new_query(L);                                           /* q */
    read_filter(L, 1, q, NULL);
    return 1;
}

/***
 * @method q:where(filters)
 * @param {table} filters as for dvk.models; these are added to q's or replace them
 * @return {query} a new query
 */
static int l_query_where(lua_State *L)
{
    lquery *base = check_query(L, 1);
    lquery *q = new_query(L);                                           /* q */
    read_filter(L, 2, q, base);
    return 1;
}

/***
 * @method q:count()
 * @return {integer} the number of models q selects (limit and offset apply); #q too
 */
static int l_query_count(lua_State *L)
{
    lquery *q = check_query(L, 1);
    lua_pushinteger(L, count_query(L, q));                              /* n */
    return 1;
}

/***
 * @method q:group_by(column)
 * @param {string} column province, unit, field, level, kind, category, registration, year
 * @return {table} { {<column> = key, count = n}, ... }, most frequent first (read-only)
 */
static int l_query_group_by(lua_State *L)
{
    lquery *q = check_query(L, 1);
    const char *col = luaL_checkstring(L, 2);
    sqlite3_stmt *st = prepare_query(L, q, DVK_QUERY_GROUP, col);
    /* A Lua error while building the list would leak st: keep it in q's slot for __gc. */
    sqlite3_finalize(q->cursor);
    q->cursor = st;
    lua_newtable(L);                                                    /* list */
    int rc;
    lua_Integer i = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        lua_createtable(L, 0, 2);                                       /* list g */
        dvk_lua_push_column(L, st, 0);                                  /* list g key */
        lua_setfield(L, -2, col);                                       /* list g */
        lua_pushinteger(L, sqlite3_column_int64(st, 1));                /* list g n */
        lua_setfield(L, -2, "count");                                   /* list g */
        dvk_lua_readonly(L);                                            /* list view */
        lua_rawseti(L, -2, ++i);                                        /* list */
    }
    sqlite3_finalize(st);
    q->cursor = NULL;
    if (rc != SQLITE_DONE)
        dvk_lua_step_error(L, rc, "grouping models");
    dvk_lua_readonly(L);                                                /* view */
    return 1;
}

/***
 * @method q:list()
 * @return {table} { model, ... } every model q selects (use a limit on big selections)
 */
static int l_query_list(lua_State *L)
{
    lquery *q = check_query(L, 1);
    sqlite3_stmt *st = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    /* A Lua error while building a model would leak st: keep it in q's slot for __gc. */
    sqlite3_finalize(q->cursor);
    q->cursor = st;
    lua_newtable(L);                                                    /* list */
    lua_Integer i = 0;
    while (step_model(L, st))                                           /* list m */
        lua_rawseti(L, -2, ++i);                                        /* list */
    sqlite3_finalize(st);
    q->cursor = NULL;
    return 1;
}

/***
 * @method q:first()
 * @return {model|nil} the first model q selects, or nil
 */
static int l_query_first(lua_State *L)
{
    lquery *q = check_query(L, 1);
    sqlite3_finalize(q->cursor);
    q->cursor = NULL;
    q->cursor = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    if (!step_model(L, q->cursor))                                      /* m | */
        lua_pushnil(L);                                                 /* nil */
    sqlite3_finalize(q->cursor);
    q->cursor = NULL;
    return 1;
}

/* The iterator state of q:each(): a cursor object owning its statement. */
typedef struct lcursor {
    sqlite3_stmt *st;
} lcursor;

static int cursor_gc(lua_State *L)
{
    lcursor *c = luaL_checkudata(L, 1, DVK_LUA_CURSOR_MT);
    sqlite3_finalize(c->st);
    c->st = NULL;
    return 0;
}

/* The iterator q:each() returns: upvalue 1 the cursor, upvalue 2 the query (kept alive). */
static int each_next(lua_State *L)
{
    lcursor *c = luaL_checkudata(L, lua_upvalueindex(1), DVK_LUA_CURSOR_MT);
    if (!c->st)
        return 0;
    if (step_model(L, c->st))                                           /* m */
        return 1;
    sqlite3_finalize(c->st);
    c->st = NULL;
    return 0;
}

/***
 * @method q:each()
 * @return {function} an iterator over the models q selects: for m in q:each() do ... end
 *   (each call has its own cursor, so loops over one query may nest)
 */
static int l_query_each(lua_State *L)
{
    lquery *q = check_query(L, 1);
    lcursor *c = lua_newuserdatauv(L, sizeof *c, 0);                    /* q c */
    c->st = NULL;
    luaL_setmetatable(L, DVK_LUA_CURSOR_MT);                            /* q c */
    c->st = prepare_query(L, q, DVK_QUERY_ROWS, NULL);  /* c owns it even if this raises later */
    lua_pushvalue(L, 1);                                                /* q c q */
    lua_pushcclosure(L, each_next, 2);                                  /* q fn */
    return 1;
}

/***
 * @method q:sql()
 * @return {string, table} the SELECT text and its parameters, to see what a filter does
 */
static int l_query_sql(lua_State *L)
{
    lquery *q = check_query(L, 1);
    const dvk_units *units = q->f.unit ? dvk_lua_unit_tree(L) : NULL;
    dvk_sql sql;
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_query_models_sql(&q->f, units, DVK_QUERY_ROWS, NULL, &sql, &err) != DVK_OK)
        dvk_lua_error(L, &err);
    luaL_checkstack(L, 4, "sql");
    lua_pushstring(L, sql.text);                                        /* text */
    lua_createtable(L, sql.nparams, 0);                                 /* text params */
    for (int i = 0; i < sql.nparams; i++) {
        if (sql.params[i].is_text)
            lua_pushstring(L, sql.params[i].s);                         /* text params s */
        else
            lua_pushinteger(L, sql.params[i].i);                        /* text params i */
        lua_rawseti(L, -2, i + 1);                                      /* text params */
    }
    dvk_sql_free(&sql); /* on a memory error above it leaks: the state is failing */
    return 2;
}

/* __gc: the statement of an unfinished loop, and the filter's strings. */
static int query_gc(lua_State *L)
{
    lquery *q = check_query(L, 1);
    sqlite3_finalize(q->cursor);
    q->cursor = NULL;
    for (int i = 0; i < NSTRINGS; i++) {
        free(q->strs[i]);
        q->strs[i] = NULL;
    }
    sync_filter(q);
    return 0;
}

/***
 * @method #q
 * @return {integer} q:count()
 */
static int l_query_len(lua_State *L)
{
    return l_query_count(L);
}

/***
 * @method for m in q do ... end
 * Lua calls q(nil, previous) each round; a nil control value starts the iteration again.
 * One loop at a time per query (use q:each() to nest).
 */
static int l_query_call(lua_State *L)
{
    lquery *q = check_query(L, 1);
    if (lua_isnoneornil(L, 3) || !q->cursor) {
        sqlite3_finalize(q->cursor);
        q->cursor = NULL;
        if (!lua_isnoneornil(L, 3))
            return 0; /* the loop already ended */
        q->cursor = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    }
    if (step_model(L, q->cursor))                                       /* m */
        return 1;
    sqlite3_finalize(q->cursor);
    q->cursor = NULL;
    return 0;
}

/* Columns shown when a query result (or a list of models) is printed, and their index in
 * a DVK_QUERY_ROWS statement (DVK_QUERY_COLUMNS). */
const char *const dvk_lua_model_shown[] = {"code", "name", "unit", "field", "level", "year",
                                           "kind", "registration"};
const size_t dvk_lua_model_nshown = sizeof dvk_lua_model_shown / sizeof dvk_lua_model_shown[0];
#define NSHOWN (sizeof dvk_lua_model_shown / sizeof dvk_lua_model_shown[0])
static const int shown_index[NSHOWN] = {1, 2, 3, 7, 8, 9, 5, 10};

char *dvk_lua_query_render(lua_State *L, int idx)
{
    lquery *q = check_query(L, idx);
    dvk_lua_state *qs = dvk_lua_state_get(L);
    long long total = count_query(L, q);
    sqlite3_stmt *st = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    dvk_table *t = dvk_table_new((int)NSHOWN, dvk_lua_model_shown);
    if (!t) {
        sqlite3_finalize(st);
        luaL_error(L, "out of memory");
    }
    dvk_table_set_numeric(t, 5, 1);
    dvk_table_set_total(t, total);
    int n = 0;
    dvk_error err;
    dvk_error_clear(&err);
    while ((qs->max_rows == 0 || n < qs->max_rows) && sqlite3_step(st) == SQLITE_ROW) {
        const char *cells[NSHOWN];
        for (size_t i = 0; i < NSHOWN; i++)
            cells[i] = (const char *)sqlite3_column_text(st, shown_index[i]);
        if (dvk_table_add_row(t, cells, &err) != DVK_OK)
            break;
        n++;
    }
    sqlite3_finalize(st);
    char *out = err.code ? NULL : dvk_table_render(t, qs->mode);
    dvk_table_free(t);
    if (!out)
        luaL_error(L, "out of memory");
    return out;
}

/***
 * @method tostring(q)
 * @return {string} the first rows of q as a table in the current mode, with the number of
 *   rows left out (what the REPL prints for a query)
 */
static int l_query_tostring(lua_State *L)
{
    char *s = dvk_lua_query_render(L, 1);
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '\n')
        n--;
    lua_pushlstring(L, s, n); /* text; on a memory error s leaks: the state is failing */
    free(s);
    return 1;
}

static const luaL_Reg meth[] = {
    {"count", l_query_count},
    {"group_by", l_query_group_by},
    {"list", l_query_list},
    {"each", l_query_each},
    {"first", l_query_first},
    {"where", l_query_where},
    {"sql", l_query_sql},
    {NULL, NULL},
};

static const luaL_Reg metameth[] = {
    {"__index", NULL},  /* placeholder: the method table */
    {"__gc", query_gc},
    {"__len", l_query_len},
    {"__tostring", l_query_tostring},
    {"__call", l_query_call},
    {NULL, NULL},
};

static const luaL_Reg cursor_metameth[] = {
    {"__gc", cursor_gc},
    {NULL, NULL},
};

/* The metatables of the query and the cursor (as liolib.c's createmeta); scripts cannot
 * reach or change them (__metatable is false). */
void dvk_lua_models_open(lua_State *L)
{
    luaL_checkstack(L, 4, "models");
    if (luaL_newmetatable(L, DVK_LUA_QUERY_MT)) {                       /* mt */
        luaL_setfuncs(L, metameth, 0);                                  /* mt */
        luaL_newlibtable(L, meth);                                      /* mt meth */
        luaL_setfuncs(L, meth, 0);                                      /* mt meth */
        lua_setfield(L, -2, "__index");                                 /* mt */
        lua_pushboolean(L, 0);                                          /* mt false */
        lua_setfield(L, -2, "__metatable");                             /* mt */
    }
    lua_pop(L, 1);                                                      /* */
    if (luaL_newmetatable(L, DVK_LUA_CURSOR_MT)) {                      /* mt */
        luaL_setfuncs(L, cursor_metameth, 0);                           /* mt */
        lua_pushboolean(L, 0);                                          /* mt false */
        lua_setfield(L, -2, "__metatable");                             /* mt */
    }
    lua_pop(L, 1);                                                      /* */
}
