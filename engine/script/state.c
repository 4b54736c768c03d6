/* state.c: the per-state machinery the files of engine/script share: the cache of prepared
 * statements, the protected call for C code that builds Lua objects, the unit trees of the
 * provinces a state touches (loaded once through units.h) and the order of each described
 * province's levels. Everything lives in the state's registry and goes with it. */
#include "script_internal.h"

#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/sandbox.h"

static const char REG_CACHE = 'C';      /* statement cache userdata */
static const char REG_TREES = 'T';      /* province code -> tree box userdata */
static const char REG_LEVELS = 'L';     /* province code -> {level = rank}, or false: the
                                           province could not be loaded */

/* ------------------------------------------------------------------ statement cache */

static const char *const CACHE_SQL[ST_N] = {
    /* the model columns (DVK_SCRIPT_MODEL_COLS, numbered there) */
    [ST_MODEL] = "SELECT " DVK_SCRIPT_MODEL_COLS " FROM models m WHERE m.id = ?1",
    /* 0 criterion, 1 mean score; ?1 model, ?2 level (the council's round) */
    [ST_APPRAISAL] = "SELECT criterion, avg(score) FROM appraisals WHERE model = ?1"
                     " AND level = ?2 GROUP BY criterion ORDER BY criterion",
    /* 0 criterion, 1 score, lowest first (median, trimmed mean) */
    [ST_APPRAISAL_SCORES] = "SELECT criterion, score FROM appraisals WHERE model = ?1"
                            " AND level = ?2 ORDER BY criterion, score",
    /* 0 criterion, 1 appraiser, 2 score, 3 note */
    [ST_APPRAISALS] = "SELECT criterion, appraiser, score, note FROM appraisals"
                      " WHERE model = ?1 AND level = ?2 ORDER BY criterion, appraiser",
    /* 0 year, 1 level, 2 outcome, 3 recognised, 4 exemplary, 5 run */
    [ST_HISTORY] = "SELECT r.year, r.level, s.outcome, s.recognised, s.exemplary, r.id"
                   " FROM results s JOIN current_runs r ON r.id = s.run"
                   " WHERE s.model = ?1 AND r.year <= ?2 ORDER BY r.year, r.id",
    /* 0 count; ?1 the units (dvk_units_subtree_json), ?2 year */
    [ST_COUNT] = "SELECT count(*) FROM models"
                 " WHERE year = ?2 AND unit IN (SELECT value FROM json_each(?1))",
    /* 0 count; ?1 model code, ?2 year, ?3 province */
    [ST_REPL] = "SELECT count(DISTINCT o.unit) FROM models m JOIN models o"
                " ON o.name_key = m.name_key AND o.province = m.province AND o.unit <> m.unit"
                " WHERE m.code = ?1 AND o.year <= ?2 AND m.province = ?3",
    /* 0 run, 1 year, 2 level, 3 unit, 4 outcome, 5 total, 6 rank, 7 recognised,
     * 8 exemplary, 9 proposed, 10 eligible, 11 gate; ?1 model code, ?2 province, ?3 year */
    [ST_CTX_HISTORY] = "SELECT r.id, r.year, r.level, r.unit, s.outcome, s.total, s.rank,"
                       " s.recognised, s.exemplary, s.proposed, s.eligible, s.gate"
                       " FROM results s JOIN current_runs r ON r.id = s.run"
                       " JOIN models m ON m.id = s.model"
                       " WHERE m.code = ?1 AND r.province = ?2 AND r.year <= ?3"
                       " ORDER BY r.year, r.id",
};

typedef struct stmt_cache {
    sqlite3_stmt *st[ST_N];
} stmt_cache;

static int cache_gc(lua_State *L)
{
    stmt_cache *c = lua_touserdata(L, 1);
    for (int i = 0; i < ST_N; i++) {
        sqlite3_finalize(c->st[i]);
        c->st[i] = NULL;
    }
    return 0;
}

int script_raise_nomem(lua_State *L)
{
    lua_pushliteral(L, "not enough memory");
    return lua_error(L);                    /* Lua 5.4 raises its memory message as LUA_ERRMEM */
}

void script_step_done(lua_State *L, sqlite3_stmt *st, int rc)
{
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return;
    sqlite3_reset(st);
    if ((rc & 0xff) == SQLITE_NOMEM)
        script_raise_nomem(L);
    luaL_error(L, "database error: %s", sqlite3_errstr(rc));
}

sqlite3_stmt *script_cached(lua_State *L, int which)
{
    dvk_store *s = dvk_sandbox_store(L);
    if (!s)
        return NULL;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_CACHE) == LUA_TNIL) {    /* nil */
        lua_pop(L, 1);
        stmt_cache *c = lua_newuserdatauv(L, sizeof *c, 0);             /* c */
        memset(c, 0, sizeof *c);
        lua_createtable(L, 0, 1);                                       /* c mt */
        lua_pushcfunction(L, cache_gc);
        lua_setfield(L, -2, "__gc");
        lua_setmetatable(L, -2);                                        /* c */
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_CACHE);
    }
    stmt_cache *c = lua_touserdata(L, -1);
    lua_pop(L, 1);                          /* the registry keeps it */
    if (!c->st[which]) {
        dvk_error err;
        c->st[which] = dvk_store_prepare(s, CACHE_SQL[which], &err);
        if (!c->st[which] && err.code == DVK_ENOMEM)
            script_raise_nomem(L);
        if (!c->st[which])
            luaL_error(L, "%s", err.msg);
    }
    sqlite3_reset(c->st[which]);
    sqlite3_clear_bindings(c->st[which]);
    return c->st[which];
}

/* Reset every cached statement (a Lua error may have left one in the middle of its rows). */
static void cache_reset(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_CACHE) == LUA_TUSERDATA) {
        stmt_cache *c = lua_touserdata(L, -1);
        for (int i = 0; i < ST_N; i++)
            sqlite3_reset(c->st[i]);                    /* NULL is a no-op */
    }
    lua_pop(L, 1);
}

void script_push_text_col(lua_State *L, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (t)
        lua_pushlstring(L, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
    else
        lua_pushnil(L);
}

/* ------------------------------------------------------------------ protected C sequences */

/* The C side that builds models, ctx and province descriptions uses Lua API functions that
 * raise on a failed allocation (and script_cached() raises on a failed statement); outside a
 * protected call that ends the process ("PANIC: unprotected error in call to Lua API"). */
int script_protect(lua_State *L, lua_CFunction fn, void *ud, int nargs, int nres,
                   const char *what, dvk_error *err)
{
    if (!lua_checkstack(L, nres + 2)) {
        lua_pop(L, nargs);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (%s)", what);
    }
    lua_pushcfunction(L, fn);                               /* args fn */
    lua_pushlightuserdata(L, ud);                           /* args fn ud */
    lua_rotate(L, -(nargs + 2), 2);                         /* fn ud args */
    int rc = lua_pcall(L, nargs + 1, nres, 0);              /* results | msg */
    if (rc == LUA_OK)
        return DVK_OK;
    if (rc == LUA_ERRMEM)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory (%s)", what);
    else
        rc = dvk_error_set(err, DVK_EDATA, "%s", lua_type(L, -1) == LUA_TSTRING ?
                           lua_tostring(L, -1) : "(error object is not a string)");
    lua_pop(L, 1);
    cache_reset(L);
    return rc;
}

/* ------------------------------------------------------------------ unit trees */

typedef struct tree_box {
    dvk_units *t;          /* owned; NULL until loaded */
} tree_box;

static int tree_gc(lua_State *L)
{
    tree_box *b = lua_touserdata(L, 1);
    dvk_units_free(b->t);
    b->t = NULL;
    return 0;
}

/* The registry table at key (created when absent), pushed. */
static void push_reg_table(lua_State *L, const char *key)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TNIL)
        return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

const dvk_units *script_units(lua_State *L, const char *province)
{
    dvk_store *s = dvk_sandbox_store(L);
    if (!s)
        return NULL;
    luaL_checkstack(L, 4, "unit tree");
    push_reg_table(L, &REG_TREES);                          /* trees */
    if (lua_getfield(L, -1, province) == LUA_TUSERDATA) {   /* trees box */
        tree_box *b = lua_touserdata(L, -1);
        lua_pop(L, 2);                                      /* the registry keeps it */
        return b->t;
    }
    lua_pop(L, 1);                                          /* trees */
    /* The box owns the tree before anything can raise, so nothing leaks. */
    tree_box *b = lua_newuserdatauv(L, sizeof *b, 0);       /* trees box */
    b->t = NULL;
    lua_createtable(L, 0, 1);                               /* trees box mt */
    lua_pushcfunction(L, tree_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);                                /* trees box */
    dvk_error err;
    int rc = dvk_units_load(s, province, &b->t, &err);
    if (rc == DVK_ENOMEM)
        script_raise_nomem(L);
    if (rc != DVK_OK)
        luaL_error(L, "%s", err.msg);
    lua_setfield(L, -2, province);                          /* trees */
    lua_pop(L, 1);
    return b->t;
}

/* ------------------------------------------------------------------ levels */

void script_set_levels(lua_State *L, const dvk_province *p)
{
    luaL_checkstack(L, 4, "levels");
    push_reg_table(L, &REG_LEVELS);                         /* levels */
    lua_createtable(L, 0, p->nlevels);                      /* levels ranks */
    for (int i = 0; i < p->nlevels; i++) {
        lua_pushinteger(L, i);
        lua_setfield(L, -2, p->levels[i]);
    }
    lua_pushinteger(L, p->council.combine);     /* " combine": a key no level id can be */
    lua_setfield(L, -2, SCRIPT_COMBINE_KEY);
    lua_setfield(L, -2, p->code);                           /* levels */
    lua_pop(L, 1);
}

int script_push_levels(lua_State *L, const char *province, int load)
{
    luaL_checkstack(L, 4, "levels");
    push_reg_table(L, &REG_LEVELS);                         /* levels */
    int t = province ? lua_getfield(L, -1, province) : LUA_TNIL;   /* levels ranks|false|nil */
    if (t == LUA_TNIL && load && province) {
        lua_pop(L, 1);                                      /* levels */
        dvk_error err;
        dvk_province *p = dvk_script_load(L, province, &err);   /* sets levels[province] */
        dvk_province_free(L, p);
        if (!p) {
            lua_pushboolean(L, 0);                          /* do not try again */
            lua_setfield(L, -2, province);
        }
        t = lua_getfield(L, -1, province);                  /* levels ranks|false */
    }
    lua_remove(L, -2);                                      /* ranks|false|nil */
    if (t == LUA_TTABLE)
        return 1;
    lua_pop(L, 1);
    lua_pushnil(L);
    return 0;
}

/* Rank of level in the levels table at ranks, or -1. */
static lua_Integer rank_of(lua_State *L, int ranks, const char *level)
{
    if (!level)
        return -1;
    lua_Integer r = lua_getfield(L, ranks, level) == LUA_TNUMBER ? lua_tointeger(L, -1) : -1;
    lua_pop(L, 1);
    return r;
}

int script_earlier(lua_State *L, int ranks, int year, const char *level, int at_year,
                   const char *at_level)
{
    if (year != at_year)
        return year < at_year;
    if (ranks == 0 || !lua_istable(L, ranks))
        return 0;
    ranks = lua_absindex(L, ranks);
    lua_Integer at = rank_of(L, ranks, at_level);
    /* a level the province does not know sorts below every known one (as it always has) */
    return rank_of(L, ranks, level) < at;
}
