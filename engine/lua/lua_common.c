/* lua_common.c: the per-state data of the `dvk` module and the helpers its files share
 * (see lua_common.h): the current province, how results print, the unit tree; errors;
 * filter tables; rows. */
#include "lua_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/sandbox.h"
#include "dvk/text.h"

#define STATE_KEY "dvk.query.state"     /* registry: the dvk_lua_state userdata */
#define STATE_MT "dvk.query.state.mt"   /* registry: its metatable */

/* ---------------------------------------------------------------------------------------
 * Per-state data
 * ------------------------------------------------------------------------------------- */

static int state_gc(lua_State *L)
{
    dvk_lua_state *st = luaL_checkudata(L, 1, STATE_MT);
    /* The state is closing: the description's registry reference goes with it. */
    dvk_province_free(NULL, st->province);
    st->province = NULL;
    dvk_units_free(st->units);
    st->units = NULL;
    return 0;
}

dvk_lua_state *dvk_lua_state_get(lua_State *L)
{
    dvk_lua_state *st;
    if (lua_getfield(L, LUA_REGISTRYINDEX, STATE_KEY) == LUA_TUSERDATA) { /* st */
        st = lua_touserdata(L, -1);
        lua_pop(L, 1);                                                  /* */
        return st;
    }
    lua_pop(L, 1);                                                      /* */
    st = lua_newuserdatauv(L, sizeof *st, 0);                           /* st */
    memset(st, 0, sizeof *st);
    st->mode = DVK_TABLE_PLAIN;
    st->max_rows = 20;
    luaL_newmetatable(L, STATE_MT);                                     /* st mt */
    lua_pushcfunction(L, state_gc);                                     /* st mt gc */
    lua_setfield(L, -2, "__gc");                                        /* st mt */
    lua_setmetatable(L, -2);                                            /* st */
    lua_setfield(L, LUA_REGISTRYINDEX, STATE_KEY);                      /* */
    return st;
}

dvk_store *dvk_lua_store(lua_State *L)
{
    dvk_store *s = dvk_sandbox_store(L);
    if (!s)
        luaL_error(L, "no database is open (dvk init creates one; --db FILE chooses it)");
    return s;
}

const dvk_units *dvk_lua_unit_tree(lua_State *L)
{
    dvk_lua_state *st = dvk_lua_state_get(L);
    if (!st->units) {
        dvk_error err;
        dvk_error_clear(&err);
        if (dvk_units_load(dvk_lua_store(L), NULL, &st->units, &err) != DVK_OK)
            dvk_lua_error(L, &err);
    }
    return st->units;
}

int dvk_lua_error(lua_State *L, const dvk_error *err)
{
    return luaL_error(L, "%s", err->msg);
}

int dvk_lua_step_error(lua_State *L, int rc, const char *what)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store_fail(dvk_lua_store(L), rc, &err, what);
    return dvk_lua_error(L, &err);
}

void dvk_query_set_output(lua_State *L, dvk_table_mode mode, int max_rows)
{
    dvk_lua_state *st = dvk_lua_state_get(L);
    st->mode = mode;
    st->max_rows = max_rows < 0 ? 0 : max_rows;
}

void dvk_query_set_interrupt(lua_State *L, volatile sig_atomic_t *flag)
{
    dvk_lua_state_get(L)->interrupt = flag;
}

const char *dvk_query_province(lua_State *L)
{
    dvk_lua_state *st = dvk_lua_state_get(L);
    return st->province ? st->code : NULL;
}

int dvk_query_set_province(lua_State *L, const char *code, dvk_error *err)
{
    dvk_lua_state *st = dvk_lua_state_get(L);
    if (!code) {
        dvk_province_free(L, st->province);
        st->province = NULL;
        st->code[0] = '\0';
        return DVK_OK;
    }
    if (strlen(code) > DVK_SCRIPT_ID_MAX)
        return dvk_error_set(err, DVK_EUSAGE, "province code too long ('%s')", code);
    dvk_province *p = dvk_script_load(L, code, err);
    if (!p)
        return err ? err->code : DVK_EDATA;
    dvk_province_free(L, st->province);
    st->province = p;
    snprintf(st->code, sizeof st->code, "%s", code);
    return DVK_OK;
}

/***
 * @function dvk.current_province()
 * The province chosen with .province in the REPL (dvk.score and dvk.decide use it when
 * none is given).
 * @return {string|nil} its code, or nil
 */
int dvk_lua_current_province(lua_State *L)
{
    const char *code = dvk_query_province(L);
    if (code)
        lua_pushstring(L, code);                                        /* code */
    else
        lua_pushnil(L);                                                 /* nil */
    return 1;
}

/* ---------------------------------------------------------------------------------------
 * Filter tables
 * ------------------------------------------------------------------------------------- */

void dvk_lua_check_keys(lua_State *L, int idx, const char *fn, const char *const *known,
                        size_t nknown)
{
    const char *bad = NULL;
    idx = lua_absindex(L, idx);
    lua_pushnil(L);                                                     /* k */
    while (lua_next(L, idx) != 0) {                                     /* k v */
        lua_pop(L, 1);                                                  /* k */
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: filter keys must be names (found a %s)", fn, luaL_typename(L, -1));
        const char *k = lua_tostring(L, -1);
        size_t i;
        for (i = 0; i < nknown; i++)
            if (strcmp(k, known[i]) == 0)
                break;
        if (i == nknown && (!bad || strcmp(k, bad) < 0))
            bad = k; /* the key stays on the stack or in the table, so the pointer lives */
    }
    if (bad) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (size_t i = 0; i < nknown; i++) {
            luaL_addstring(&b, i ? ", " : "");
            luaL_addstring(&b, known[i]);
        }
        luaL_pushresult(&b);                                            /* list */
        luaL_error(L, "%s: unknown filter '%s' (known: %s)", fn, bad, lua_tostring(L, -1));
    }
}

const char *dvk_lua_opt_string(lua_State *L, int idx, const char *fn, const char *key)
{
    int t = lua_getfield(L, idx, key);                                  /* v */
    const char *s = NULL;
    if (t == LUA_TSTRING)
        s = lua_tostring(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "%s: '%s' must be a string (found a %s)", fn, key, luaL_typename(L, -1));
    lua_pop(L, 1);                                                      /* */
    return s;
}

long long dvk_lua_opt_int(lua_State *L, int idx, const char *fn, const char *key,
                          long long lo, long long hi)
{
    int t = lua_getfield(L, idx, key);                                  /* v */
    long long v = 0;
    if (t != LUA_TNIL) {
        int isint = 0;
        if (t == LUA_TNUMBER)
            v = (long long)lua_tointegerx(L, -1, &isint);
        if (!isint || v < lo || v > hi) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s: '%s' must be an integer in [%lld, %lld]", fn, key, lo, hi);
            luaL_error(L, "%s (found %s)", msg, luaL_tolstring(L, -1, NULL));
        }
    }
    lua_pop(L, 1);                                                      /* */
    return v;
}

/* The parameter of one simple condition: the text as is, the LIKE pattern of its search
 * key, or the unit tree's members of the unit. */
static int cond_param(dvk_sql *q, const dvk_lua_cond *c, const char *text,
                      const dvk_units *units, const char *fn, dvk_error *err)
{
    if (c->kind == DVK_LUA_SEARCH) {
        char *key = dvk_text_key(text, strlen(text));
        char *pat = key ? dvk_query_like_pattern(key) : NULL;
        int rc = pat ? dvk_sql_add_text(q, pat, err)
             : key ? dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", fn)
                   : dvk_error_set(err, DVK_EUSAGE, "%s: search is not valid UTF-8", fn);
        free(key);
        free(pat);
        return rc;
    }
    if (c->kind == DVK_LUA_UNIT) {
        char *codes = dvk_units_subtree_json(units, text, DVK_UNITS_MERGED, err);
        if (!codes)
            return err->code;
        int rc = dvk_sql_add_text(q, codes, err);
        free(codes);
        return rc;
    }
    return dvk_sql_add_text(q, text, err);
}

sqlite3_stmt *dvk_lua_simple_query(lua_State *L, int idx, const char *fn, const char *head,
                                   const dvk_lua_cond *conds, size_t nconds, const char *tail)
{
    dvk_store *s = dvk_lua_store(L);
    enum { MAXC = 16 };
    const char *known[MAXC] = {NULL}, *text[MAXC] = {NULL};
    long long num[MAXC] = {0};
    int present[MAXC] = {0};
    const dvk_units *units = NULL;
    if (nconds > MAXC)
        nconds = MAXC;
    for (size_t i = 0; i < nconds; i++)
        known[i] = conds[i].key;
    /* Read and check every value (and load the unit tree) first: Lua errors raised here
     * leak nothing. */
    if (!lua_isnoneornil(L, idx)) {
        luaL_checktype(L, idx, LUA_TTABLE);
        dvk_lua_check_keys(L, idx, fn, known, nconds);
        for (size_t i = 0; i < nconds; i++) {
            lua_getfield(L, idx, conds[i].key);                         /* v */
            present[i] = !lua_isnil(L, -1);
            lua_pop(L, 1);                                              /* */
            if (present[i] && conds[i].kind == DVK_LUA_INT)
                num[i] = dvk_lua_opt_int(L, idx, fn, conds[i].key, 0, (long long)1 << 53);
            else if (present[i])
                text[i] = dvk_lua_opt_string(L, idx, fn, conds[i].key);
            if (present[i] && conds[i].kind == DVK_LUA_UNIT)
                units = dvk_lua_unit_tree(L);
        }
    }
    dvk_sql q;
    memset(&q, 0, sizeof q);
    dvk_buf b = DVK_BUF_INIT;
    dvk_error err;
    dvk_error_clear(&err);
    dvk_buf_adds(&b, head);
    dvk_buf_adds(&b, " WHERE 1");
    for (size_t i = 0; i < nconds && err.code == DVK_OK; i++) {
        if (!present[i])
            continue;
        dvk_buf_adds(&b, " AND ");
        dvk_buf_adds(&b, conds[i].sql);
        if (conds[i].kind == DVK_LUA_INT)
            dvk_sql_add_int(&q, num[i], &err);
        else
            cond_param(&q, &conds[i], text[i], units, fn, &err);
    }
    dvk_buf_adds(&b, tail);
    sqlite3_stmt *st = NULL;
    if (err.code == DVK_OK && !(q.text = dvk_buf_take(&b, NULL)))
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
    if (err.code == DVK_OK)
        st = dvk_sql_prepare(s, &q, &err);
    dvk_buf_free(&b);
    dvk_sql_free(&q);
    if (!st)
        dvk_lua_error(L, &err);
    return st;
}

/* ---------------------------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------------------------- */

void dvk_lua_push_column(lua_State *L, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(st, i)); break;
    case SQLITE_NULL: lua_pushnil(L); break;
    default:
        lua_pushlstring(L, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
    }
}

void dvk_lua_push_row(lua_State *L, sqlite3_stmt *st)
{
    int n = sqlite3_column_count(st);
    luaL_checkstack(L, 4, "row");
    lua_createtable(L, 0, n);                                           /* row */
    for (int i = 0; i < n; i++) {
        dvk_lua_push_column(L, st, i);                                  /* row v */
        lua_setfield(L, -2, sqlite3_column_name(st, i));                /* row */
    }
}

void dvk_lua_readonly(lua_State *L)
{
    dvk_sandbox_push_readonly(L, -1);                                   /* t view */
    lua_remove(L, -2);                                                  /* view */
}

void dvk_lua_push_rows(lua_State *L, sqlite3_stmt *st, const char *what)
{
    lua_newtable(L);                                                    /* list */
    lua_Integer i = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        dvk_lua_push_row(L, st);                                        /* list row */
        dvk_lua_readonly(L);                                            /* list view */
        lua_rawseti(L, -2, ++i);                                        /* list */
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        dvk_lua_step_error(L, rc, what);
    dvk_lua_readonly(L);                                                /* view */
}
