/* ctx.c: the context object `ctx`, the second argument of every province function: the
 * run's year, level, cutoff, province and scope unit, and read-only queries over the
 * province's data as known at the run (docs/lua-api.md, "The context ctx"). The queries are
 * closures over the run's year, province and level, so a script cannot ask them about
 * another province or year by passing a table of its own as `self`. */
#include "script_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/sandbox.h"

/* Upvalues of every ctx query. */
enum { UP_YEAR = 1, UP_PROVINCE, UP_LEVEL, UP_LEVELS, UP_N = UP_LEVELS };

static int up_year(lua_State *L)
{
    return (int)lua_tointeger(L, lua_upvalueindex(UP_YEAR));
}

static const char *up_province(lua_State *L)
{
    return lua_tostring(L, lua_upvalueindex(UP_PROVINCE));
}

/* Step st (bound) for its one count; a database error is a script error, never a silent 0. */
static lua_Integer count_of(lua_State *L, sqlite3_stmt *st)
{
    lua_Integer n = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    script_step_done(L, st, rc);
    sqlite3_reset(st);
    return n;
}

/*** @method ctx:count_models(unit_code)
 * The number of models registered in ctx.year by that unit and the units under it (its
 * subtree in the province's unit tree, parent links only); 0 for a unit the province does
 * not have, and without a database. */
static int l_ctx_count_models(lua_State *L)
{
    luaL_checkany(L, 1);
    const char *unit = luaL_checkstring(L, 2);
    sqlite3_stmt *st = script_cached(L, ST_COUNT);
    lua_Integer n = 0;
    if (st) {
        const dvk_units *t = script_units(L, up_province(L));
        dvk_error err;
        char *json = dvk_units_subtree_json(t, unit, DVK_UNITS_MERGED, &err);   /* malloc'd */
        if (!json) {
            if (err.code == DVK_ENOMEM)
                return script_raise_nomem(L);
            return luaL_error(L, "%s", err.msg);
        }
        int brc = sqlite3_bind_text(st, 1, json, -1, SQLITE_TRANSIENT);
        free(json);
        if (brc != SQLITE_OK)
            script_step_done(L, st, brc);                   /* raises */
        sqlite3_bind_int(st, 2, up_year(L));
        n = count_of(L, st);
    }
    lua_pushinteger(L, n);
    return 1;
}

/*** @method ctx:replications(model_code)
 * The number of other units of the province that run a model with the same name (search
 * key) in ctx.year or before; 0 for a model of another province, and without a database. */
static int l_ctx_replications(lua_State *L)
{
    luaL_checkany(L, 1);
    const char *code = luaL_checkstring(L, 2);
    sqlite3_stmt *st = script_cached(L, ST_REPL);
    lua_Integer n = 0;
    if (st) {
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, up_year(L));
        sqlite3_bind_text(st, 3, up_province(L), -1, SQLITE_TRANSIENT);
        n = count_of(L, st);
    }
    lua_pushinteger(L, n);
    return 1;
}

/*** @method ctx:history(model_code)
 * The model's results in the current runs of this province that came before this run (an
 * earlier year, or this year at a lower level), oldest first: what m.history shows for that
 * model, with more of each result: {run, year, level, unit, outcome, total, rank,
 * recognised, exemplary, proposed, eligible, gate}. {} without a database.
 * ctx:results(model_code) is the same function under its old name (deprecated). */
static int l_ctx_history(lua_State *L)
{
    luaL_checkany(L, 1);
    const char *code = luaL_checkstring(L, 2);
    int year = up_year(L);
    const char *level = lua_tostring(L, lua_upvalueindex(UP_LEVEL));
    int ranks = lua_istable(L, lua_upvalueindex(UP_LEVELS)) ? lua_upvalueindex(UP_LEVELS) : 0;
    sqlite3_stmt *st = script_cached(L, ST_CTX_HISTORY);
    lua_newtable(L);                                        /* t */
    if (st) {
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, up_province(L), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, year);
        lua_Integer n = 0;
        int src;
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            int y = sqlite3_column_int(st, 1);
            if (!script_earlier(L, ranks, y, (const char *)sqlite3_column_text(st, 2), year,
                                level))
                continue;
            lua_createtable(L, 0, 12);                      /* t r */
            lua_pushinteger(L, sqlite3_column_int64(st, 0));
            lua_setfield(L, -2, "run");
            lua_pushinteger(L, y);
            lua_setfield(L, -2, "year");
            script_push_text_col(L, st, 2);
            lua_setfield(L, -2, "level");
            script_push_text_col(L, st, 3);
            lua_setfield(L, -2, "unit");
            script_push_text_col(L, st, 4);
            lua_setfield(L, -2, "outcome");
            lua_pushnumber(L, sqlite3_column_double(st, 5));
            lua_setfield(L, -2, "total");
            lua_pushinteger(L, sqlite3_column_int64(st, 6));
            lua_setfield(L, -2, "rank");
            static const char *const flags[] = {"recognised", "exemplary", "proposed",
                                                "eligible"};
            for (int i = 0; i < 4; i++) {
                lua_pushboolean(L, sqlite3_column_int(st, 7 + i));
                lua_setfield(L, -2, flags[i]);
            }
            script_push_text_col(L, st, 11);
            lua_setfield(L, -2, "gate");
            lua_rawseti(L, -2, ++n);                        /* t */
        }
        script_step_done(L, st, src);
        sqlite3_reset(st);
    }
    dvk_sandbox_push_readonly(L, -1);                       /* t view */
    return 1;
}

/* The queries of ctx, each a closure over the UP_N upvalues; "results" is "history"'s old
 * name and is set to the same function in p_ctx. */
static const luaL_Reg CTX_QUERIES[] = {
    {"count_models", l_ctx_count_models},
    {"replications", l_ctx_replications},
    {"history", l_ctx_history},
    {NULL, NULL}
};

typedef struct ctx_args {
    const dvk_province *p;
    const dvk_script_ctx *c;
} ctx_args;

/* script_protect() body of dvk_script_push_ctx. */
static int p_ctx(lua_State *L)
{
    const ctx_args *a = lua_touserdata(L, 1);
    const dvk_province *p = a->p;
    const dvk_script_ctx *c = a->c;
    luaL_checkstack(L, UP_N + 6, "ctx");
    lua_createtable(L, 0, 9);                               /* d */
    lua_pushinteger(L, c->year);
    lua_setfield(L, -2, "year");
    lua_pushstring(L, c->level);
    lua_setfield(L, -2, "level");
    char cutoff[16];
    if (c->cutoff[0])
        snprintf(cutoff, sizeof cutoff, "%s", c->cutoff);
    else
        snprintf(cutoff, sizeof cutoff, "%04d-%s", c->year, p->cutoff);
    lua_pushstring(L, cutoff);
    lua_setfield(L, -2, "cutoff");
    lua_pushstring(L, p->code);
    lua_setfield(L, -2, "province");
    if (c->unit) {
        lua_pushstring(L, c->unit);
        lua_setfield(L, -2, "unit");
    }
    lua_pushinteger(L, c->year);                            /* d year */
    lua_pushstring(L, p->code);                             /* d year province */
    lua_pushstring(L, c->level);                            /* d year province level */
    script_push_levels(L, p->code, 0);                      /* d year province level ranks */
    luaL_setfuncs(L, CTX_QUERIES, UP_N);                    /* d */
    lua_getfield(L, -1, "history");
    lua_setfield(L, -2, "results");                         /* the deprecated name */
    dvk_sandbox_push_view(L, -1);                           /* d ctx */
    lua_remove(L, -2);
    return 1;
}

int dvk_script_push_ctx(lua_State *L, const dvk_province *p, const dvk_script_ctx *c,
                        dvk_error *err)
{
    ctx_args a = {p, c};
    return script_protect(L, p_ctx, &a, 0, 1, "building ctx", err);
}
