/* script.c: province scripts: loading and validating dvk.province{...}, the model objects
 * and ctx scripts see, evaluating one model, report look-up and the fields sync. */
#include "dvk/script.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/sandbox.h"

/* The levels the schema knows, lowest first (models.level CHECK). */
static const char *const KNOWN_LEVELS[] = {"co-so", "huyen", "tinh", NULL};

static const char REG_MODEL_MT = 'M';   /* metatable of model objects */
static const char REG_UNITS = 'U';      /* unit code -> read-only unit object */
static const char REG_CACHE = 'C';      /* statement cache userdata */

static int level_rank(const char *level)
{
    for (int i = 0; KNOWN_LEVELS[i]; i++)
        if (level && strcmp(level, KNOWN_LEVELS[i]) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ statement cache */

enum {
    ST_MODEL, ST_UNIT, ST_APPRAISAL, ST_APPRAISALS, ST_HISTORY, ST_COUNT, ST_REPL, ST_RESULTS,
    ST_N
};

static const char *const CACHE_SQL[ST_N] = {
    [ST_MODEL] = "SELECT " DVK_SCRIPT_MODEL_COLS " FROM models m WHERE m.id = ?1",
    [ST_UNIT] = "SELECT code, name, kind, parent, province FROM units WHERE code = ?1",
    [ST_APPRAISAL] = "SELECT criterion, avg(score) FROM appraisals WHERE model = ?1"
                     " GROUP BY criterion ORDER BY criterion",
    [ST_APPRAISALS] = "SELECT criterion, appraiser, score, note FROM appraisals"
                      " WHERE model = ?1 ORDER BY criterion, appraiser",
    [ST_HISTORY] = "SELECT r.year, r.level, s.outcome, s.recognised, s.exemplary, r.id"
                   " FROM results s JOIN current_runs r ON r.id = s.run"
                   " WHERE s.model = ?1 AND r.year <= ?2 ORDER BY r.year, r.id",
    [ST_COUNT] = "WITH RECURSIVE sub(code) AS (SELECT ?1 UNION"
                 " SELECT u.code FROM units u JOIN sub ON u.parent = sub.code)"
                 " SELECT count(*) FROM models WHERE year = ?2 AND unit IN (SELECT code FROM sub)",
    [ST_REPL] = "SELECT count(DISTINCT o.unit) FROM models m JOIN models o"
                " ON o.name_key = m.name_key AND o.province = m.province AND o.unit <> m.unit"
                " WHERE m.code = ?1 AND o.year <= ?2",
    [ST_RESULTS] = "SELECT r.id, r.year, r.level, r.unit, s.outcome, s.total, s.rank,"
                   " s.recognised, s.exemplary, s.proposed, s.eligible, s.gate"
                   " FROM results s JOIN current_runs r ON r.id = s.run"
                   " JOIN models m ON m.id = s.model WHERE m.code = ?1 ORDER BY r.year, r.id",
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

/* Raise a memory error (LUA_ERRMEM, as when Lua's own allocation fails): lua_error of
 * Lua's memory message raises one (Lua 5.4). */
static int raise_nomem(lua_State *L)
{
    lua_pushliteral(L, "not enough memory");
    return lua_error(L);
}

/* After the last sqlite3_step (rc) of a statement: a failure is raised (out of memory as a
 * memory error, anything else as "database error: ..."), never taken for "no more rows". */
static void step_done(lua_State *L, sqlite3_stmt *st, int rc)
{
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return;
    sqlite3_reset(st);
    if ((rc & 0xff) == SQLITE_NOMEM)
        raise_nomem(L);
    luaL_error(L, "database error: %s", sqlite3_errstr(rc));
}

/* The prepared, reset statement `which` on the sandbox's store, or NULL without a store.
 * Raises a Lua error when preparing fails. */
static sqlite3_stmt *cached(lua_State *L, int which)
{
    dvk_store *s = dvk_sandbox_store(L);
    if (!s)
        return NULL;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_CACHE) == LUA_TNIL) {
        lua_pop(L, 1);
        stmt_cache *c = lua_newuserdatauv(L, sizeof *c, 0);
        memset(c, 0, sizeof *c);
        lua_createtable(L, 0, 1);
        lua_pushcfunction(L, cache_gc);
        lua_setfield(L, -2, "__gc");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_CACHE);
    }
    stmt_cache *c = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!c->st[which]) {
        dvk_error err;
        c->st[which] = dvk_store_prepare(s, CACHE_SQL[which], &err);
        if (!c->st[which] && err.code == DVK_ENOMEM)
            raise_nomem(L);
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

/* ------------------------------------------------------------------ protected C sequences */

/* Call fn in protected mode with (ud as a light userdata, then the nargs values on top of
 * the stack) as its arguments, leaving its nres results. The C side that builds models, ctx
 * and province descriptions uses Lua API functions that raise on a failed allocation (and
 * cached() raises on a failed statement); outside a protected call that ends the process
 * ("PANIC: unprotected error in call to Lua API"). A memory error becomes DVK_ENOMEM "out of
 * memory (what)", any other error DVK_EDATA with its message; the arguments are popped and
 * nothing is pushed then, and the cached statements are reset. fn reports its own,
 * non-Lua errors through ud. */
static int protect(lua_State *L, lua_CFunction fn, void *ud, int nargs, int nres,
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

static void push_text_col(lua_State *L, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (t)
        lua_pushlstring(L, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
    else
        lua_pushnil(L);
}

/* ------------------------------------------------------------------ units */

/* Push the read-only unit object for code (cached per state): {code, name, kind, parent,
 * province}. An unknown unit (or no store) gives {code = code}. */
static void push_unit(lua_State *L, const char *code, int depth)
{
    luaL_checkstack(L, 8, "unit");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_UNITS);          /* units */
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_UNITS);
    }
    if (lua_getfield(L, -1, code) != LUA_TNIL) {            /* units u */
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);                                          /* units */
    lua_createtable(L, 0, 5);                               /* units d */
    lua_pushstring(L, code);
    lua_setfield(L, -2, "code");
    sqlite3_stmt *st = depth < 32 ? cached(L, ST_UNIT) : NULL;
    if (st) {
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        int src = sqlite3_step(st);
        step_done(L, st, src);
        if (src == SQLITE_ROW) {
            push_text_col(L, st, 1);
            lua_setfield(L, -2, "name");
            push_text_col(L, st, 2);
            lua_setfield(L, -2, "kind");
            push_text_col(L, st, 4);
            lua_setfield(L, -2, "province");
            push_text_col(L, st, 3);                        /* units d pc */
            sqlite3_reset(st);
            const char *pc = lua_tostring(L, -1);           /* a string or nil */
            if (pc && strcmp(pc, code) != 0) {
                push_unit(L, pc, depth + 1);                /* units d pc parent */
                lua_setfield(L, -3, "parent");
            }
            lua_pop(L, 1);                                  /* units d */
        }
        sqlite3_reset(st);
    }
    dvk_sandbox_push_view(L, -1);                           /* units d u */
    lua_remove(L, -2);                                      /* units u */
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, code);
    lua_remove(L, -2);                                      /* u */
}

/* Fixture units (dvk test): {code, name, kind, parent, province}, parents first or not:
 * each unit is built after its parent. Table at idx. */
static int preload_units(lua_State *L, int idx, dvk_error *err)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);                                        /* units */
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_UNITS);
    int units = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    for (int pass = 0; pass < 64; pass++) {
        int progress = 0, missing = 0;
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, idx, i);                            /* units def */
            if (!lua_istable(L, -1) || lua_getfield(L, -1, "code") != LUA_TSTRING) {
                lua_settop(L, units);
                lua_pop(L, 1);
                return dvk_error_set(err, DVK_EDATA, "units[%lld]: needs a code",
                                     (long long)i);
            }
            const char *code = lua_tostring(L, -1);
            if (lua_getfield(L, units, code) != LUA_TNIL) {  /* done already */
                lua_pop(L, 3);
                continue;
            }
            lua_pop(L, 1);
            lua_getfield(L, -2, "parent");                  /* units def code parent */
            const char *parent = lua_tostring(L, -1);
            if (parent && lua_getfield(L, units, parent) == LUA_TNIL) {
                lua_pop(L, 4);
                missing++;
                continue;
            }
            if (!parent)
                lua_pushnil(L);                             /* units def code parent pu */
            lua_createtable(L, 0, 5);                       /* ... pu d */
            lua_insert(L, -2);
            lua_setfield(L, -2, "parent");                  /* units def code parent d */
            static const char *const keys[] = {"code", "name", "kind", "province", NULL};
            for (int k = 0; keys[k]; k++) {
                lua_getfield(L, -4, keys[k]);
                lua_setfield(L, -2, keys[k]);
            }
            if (lua_getfield(L, -1, "province") == LUA_TNIL) {
                lua_pop(L, 1);
                /* the root's code */
                lua_getfield(L, -1, "parent");
                if (lua_isnil(L, -1)) {
                    lua_pop(L, 1);
                    lua_pushvalue(L, -3);
                } else {
                    lua_getfield(L, -1, "province");
                    lua_remove(L, -2);
                }
                lua_setfield(L, -2, "province");
            } else {
                lua_pop(L, 1);
            }
            dvk_sandbox_push_view(L, -1);                   /* ... d u */
            lua_setfield(L, units, code);
            lua_pop(L, 4);
            progress++;
        }
        if (!missing)
            break;
        if (!progress) {
            lua_settop(L, units - 1);
            return dvk_error_set(err, DVK_EDATA, "units: a parent is missing or the tree has a cycle");
        }
    }
    lua_settop(L, units - 1);
    return DVK_OK;
}

/* ------------------------------------------------------------------ metrics JSON */

typedef struct jp {
    const char *s, *end;
} jp;

static void jp_ws(jp *j)
{
    while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
        j->s++;
}

static void put_utf8(luaL_Buffer *b, unsigned cp)
{
    if (cp < 0x80) {
        luaL_addchar(b, (char)cp);
    } else if (cp < 0x800) {
        luaL_addchar(b, (char)(0xC0 | (cp >> 6)));
        luaL_addchar(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        luaL_addchar(b, (char)(0xE0 | (cp >> 12)));
        luaL_addchar(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        luaL_addchar(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        luaL_addchar(b, (char)(0xF0 | (cp >> 18)));
        luaL_addchar(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        luaL_addchar(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        luaL_addchar(b, (char)(0x80 | (cp & 0x3F)));
    }
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* Push a JSON string at j->s (on the opening quote). Returns 0 or -1. */
static int jp_string(lua_State *L, jp *j)
{
    if (j->s >= j->end || *j->s != '"')
        return -1;
    j->s++;
    const char *start = j->s;
    while (j->s < j->end && *j->s != '"' && *j->s != '\\')
        j->s++;
    if (j->s < j->end && *j->s == '"') {                    /* fast path: no escapes */
        lua_pushlstring(L, start, (size_t)(j->s - start));
        j->s++;
        return 0;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, start, (size_t)(j->s - start));
    while (j->s < j->end && *j->s != '"') {
        char c = *j->s++;
        if (c != '\\') {
            luaL_addchar(&b, c);
            continue;
        }
        if (j->s >= j->end)
            return -1;
        c = *j->s++;
        switch (c) {
        case 'n': luaL_addchar(&b, '\n'); break;
        case 't': luaL_addchar(&b, '\t'); break;
        case 'r': luaL_addchar(&b, '\r'); break;
        case 'b': luaL_addchar(&b, '\b'); break;
        case 'f': luaL_addchar(&b, '\f'); break;
        case 'u': {
            unsigned cp;
            if (j->end - j->s < 4 || hex4(j->s, &cp))
                return -1;
            j->s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->s >= 6 && j->s[0] == '\\' &&
                j->s[1] == 'u') {
                unsigned lo;
                if (hex4(j->s + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    j->s += 6;
                }
            }
            put_utf8(&b, cp);
            break;
        }
        default: luaL_addchar(&b, c); break;
        }
    }
    if (j->s >= j->end)
        return -1;
    j->s++;
    luaL_pushresult(&b);
    return 0;
}

/* Push the metrics object (flat JSON: numbers, strings, booleans; null keys are absent)
 * as a table. Returns 0, or -1 when the text is not such an object. */
static int push_metrics(lua_State *L, const char *text, size_t len)
{
    jp j = {text, text + len};
    lua_newtable(L);
    jp_ws(&j);
    if (j.s >= j.end)
        return 0;                                           /* empty text: no metrics */
    if (*j.s != '{')
        return -1;
    j.s++;
    jp_ws(&j);
    if (j.s < j.end && *j.s == '}')
        return 0;
    for (;;) {
        jp_ws(&j);
        if (jp_string(L, &j) != 0)                          /* t k */
            return -1;
        jp_ws(&j);
        if (j.s >= j.end || *j.s != ':')
            return -1;
        j.s++;
        jp_ws(&j);
        if (j.s >= j.end)
            return -1;
        char c = *j.s;
        if (c == '"') {
            if (jp_string(L, &j) != 0)
                return -1;
        } else if (c == 't' && j.end - j.s >= 4 && memcmp(j.s, "true", 4) == 0) {
            lua_pushboolean(L, 1);
            j.s += 4;
        } else if (c == 'f' && j.end - j.s >= 5 && memcmp(j.s, "false", 5) == 0) {
            lua_pushboolean(L, 0);
            j.s += 5;
        } else if (c == 'n' && j.end - j.s >= 4 && memcmp(j.s, "null", 4) == 0) {
            lua_pushnil(L);
            j.s += 4;
        } else {
            char buf[64];
            size_t n = 0;
            int isint = 1;
            while (j.s < j.end && n < sizeof buf - 1 && strchr("+-0123456789.eE", *j.s)) {
                if (strchr(".eE", *j.s))
                    isint = 0;
                buf[n++] = *j.s++;
            }
            buf[n] = '\0';
            char *endp;
            if (n == 0)
                return -1;
            if (isint) {
                long long v = strtoll(buf, &endp, 10);
                if (*endp)
                    return -1;
                lua_pushinteger(L, (lua_Integer)v);
            } else {
                double v = strtod(buf, &endp);
                if (*endp)
                    return -1;
                lua_pushnumber(L, v);
            }
        }
        lua_rawset(L, -3);                                  /* t */
        jp_ws(&j);
        if (j.s < j.end && *j.s == ',') {
            j.s++;
            continue;
        }
        if (j.s < j.end && *j.s == '}')
            return 0;
        return -1;
    }
}

/* ------------------------------------------------------------------ model objects */

typedef struct model_ud {
    long long id;          /* models.id; 0 for fixture models */
    int year;              /* history before (year, level_rank) */
    int level_rank;
} model_ud;

/* Fields a model may lack (nil) without it being a typo. */
static const char *const MODEL_KEYS[] = {
    "id", "code", "name", "kind", "category", "field", "level", "year", "registration",
    "started_on", "address", "description", "synthetic", "unit", "metrics", "appraisal",
    "appraisals", "history", NULL
};

static int is_model_key(const char *k)
{
    for (int i = 0; MODEL_KEYS[i]; i++)
        if (strcmp(k, MODEL_KEYS[i]) == 0)
            return 1;
    return 0;
}

/* Load a lazy field (appraisal, appraisals, history) into d (at index d) and push it. */
static void load_lazy(lua_State *L, const model_ud *mu, int d, const char *k)
{
    d = lua_absindex(L, d);
    lua_newtable(L);                                        /* t */
    sqlite3_stmt *st = NULL;
    int src = SQLITE_DONE;
    if (strcmp(k, "appraisal") == 0) {
        if (mu->id && (st = cached(L, ST_APPRAISAL))) {
            sqlite3_bind_int64(st, 1, mu->id);
            while ((src = sqlite3_step(st)) == SQLITE_ROW) {
                push_text_col(L, st, 0);
                lua_pushnumber(L, sqlite3_column_double(st, 1));
                lua_rawset(L, -3);
            }
        }
        dvk_sandbox_push_view(L, -1);
    } else if (strcmp(k, "appraisals") == 0) {
        if (mu->id && (st = cached(L, ST_APPRAISALS))) {
            sqlite3_bind_int64(st, 1, mu->id);
            lua_Integer n = 0;
            while ((src = sqlite3_step(st)) == SQLITE_ROW) {
                lua_createtable(L, 0, 4);
                push_text_col(L, st, 0);
                lua_setfield(L, -2, "criterion");
                push_text_col(L, st, 1);
                lua_setfield(L, -2, "appraiser");
                lua_pushnumber(L, sqlite3_column_double(st, 2));
                lua_setfield(L, -2, "score");
                push_text_col(L, st, 3);
                lua_setfield(L, -2, "note");
                lua_rawseti(L, -2, ++n);
            }
        }
        dvk_sandbox_push_readonly(L, -1);
    } else {
        if (mu->id && (st = cached(L, ST_HISTORY))) {
            sqlite3_bind_int64(st, 1, mu->id);
            sqlite3_bind_int(st, 2, mu->year);
            lua_Integer n = 0;
            while ((src = sqlite3_step(st)) == SQLITE_ROW) {
                int y = sqlite3_column_int(st, 0);
                int lr = level_rank((const char *)sqlite3_column_text(st, 1));
                if (y == mu->year && lr >= mu->level_rank)
                    continue;                               /* not earlier */
                lua_createtable(L, 0, 6);
                lua_pushinteger(L, y);
                lua_setfield(L, -2, "year");
                push_text_col(L, st, 1);
                lua_setfield(L, -2, "level");
                push_text_col(L, st, 2);
                lua_setfield(L, -2, "outcome");
                lua_pushboolean(L, sqlite3_column_int(st, 3));
                lua_setfield(L, -2, "recognised");
                lua_pushboolean(L, sqlite3_column_int(st, 4));
                lua_setfield(L, -2, "exemplary");
                lua_pushinteger(L, sqlite3_column_int64(st, 5));
                lua_setfield(L, -2, "run");
                lua_rawseti(L, -2, ++n);
            }
        }
        dvk_sandbox_push_readonly(L, -1);
    }
    if (st) {
        step_done(L, st, src);
        sqlite3_reset(st);
    }
    lua_remove(L, -2);                                      /* view */
    lua_pushvalue(L, -1);
    lua_setfield(L, d, k);
}

static int model_index(lua_State *L)
{
    model_ud *mu = lua_touserdata(L, 1);
    lua_getiuservalue(L, 1, 1);                             /* m k d */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 3) != LUA_TNIL)                       /* m k d v */
        return 1;
    lua_pop(L, 1);
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    if (k && (strcmp(k, "appraisal") == 0 || strcmp(k, "appraisals") == 0 ||
              strcmp(k, "history") == 0)) {
        load_lazy(L, mu, 3, k);
        return 1;
    }
    if (k && is_model_key(k)) {
        lua_pushnil(L);
        return 1;
    }
    lua_getfield(L, 3, "code");
    return luaL_error(L, "model %s has no field '%s' (see docs/lua-api.md: the model object)",
                      lua_tostring(L, -1) ? lua_tostring(L, -1) : "?",
                      k ? k : luaL_typename(L, 2));
}

static int model_newindex(lua_State *L)
{
    return luaL_error(L, "model objects are read-only (assigning field '%s')",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

static int model_pairs(lua_State *L)
{
    model_ud *mu = lua_touserdata(L, 1);
    lua_getiuservalue(L, 1, 1);                             /* m d */
    static const char *const lazy[] = {"appraisal", "appraisals", "history", NULL};
    for (int i = 0; lazy[i]; i++) {
        if (lua_getfield(L, 2, lazy[i]) == LUA_TNIL)
            load_lazy(L, mu, 2, lazy[i]);
        lua_pop(L, 1);
    }
    lua_getglobal(L, "pairs");                              /* m d pairs (sorted) */
    lua_pushvalue(L, 2);
    lua_call(L, 1, 3);
    return 3;
}

static int model_tostring(lua_State *L)
{
    lua_getiuservalue(L, 1, 1);
    lua_getfield(L, -1, "code");
    lua_pushfstring(L, "model %s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    return 1;
}

static void push_model_mt(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_MODEL_MT) != LUA_TNIL)
        return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 5);
    lua_pushcfunction(L, model_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, model_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, model_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushcfunction(L, model_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_MODEL_MT);
}

/* Wrap the data table on top into a model object (replacing it). */
static void wrap_model(lua_State *L, long long id, int year, int lrank)
{
    model_ud *mu = lua_newuserdatauv(L, sizeof *mu, 1);     /* d m */
    mu->id = id;
    mu->year = year;
    mu->level_rank = lrank;
    lua_insert(L, -2);                                      /* m d */
    lua_setiuservalue(L, -2, 1);                            /* m */
    push_model_mt(L);
    lua_setmetatable(L, -2);
}

/* Build the model object from the current row of st and push it (raises on errors). */
static void push_model_row(lua_State *L, sqlite3_stmt *st, int year, const char *level)
{
    static const struct { int col; const char *key; } text_cols[] = {
        {1, "code"}, {2, "name"}, {3, "kind"}, {4, "category"}, {5, "field"}, {6, "level"},
        {8, "registration"}, {9, "started_on"}, {10, "address"}, {11, "description"},
    };
    luaL_checkstack(L, 8, "model");
    lua_createtable(L, 0, 18);                              /* d */
    lua_pushinteger(L, sqlite3_column_int64(st, 0));
    lua_setfield(L, -2, "id");
    for (size_t i = 0; i < sizeof text_cols / sizeof text_cols[0]; i++) {
        push_text_col(L, st, text_cols[i].col);
        lua_setfield(L, -2, text_cols[i].key);
    }
    int myear = sqlite3_column_int(st, 7);
    lua_pushinteger(L, myear);
    lua_setfield(L, -2, "year");
    lua_pushboolean(L, sqlite3_column_int(st, 12));
    lua_setfield(L, -2, "synthetic");
    const char *mt = (const char *)sqlite3_column_text(st, 13);
    if (push_metrics(L, mt ? mt : "", mt ? (size_t)sqlite3_column_bytes(st, 13) : 0) != 0) {
        const char *code = (const char *)sqlite3_column_text(st, 1);
        char msg[256];
        snprintf(msg, sizeof msg, "model %s: metrics are not a flat JSON object (%.60s)",
                 code ? code : "?", mt ? mt : "");
        luaL_error(L, "%s", msg);
    }
    dvk_sandbox_push_view(L, -1);                           /* d metrics view */
    lua_setfield(L, -3, "metrics");
    lua_pop(L, 1);
    const char *unit = (const char *)sqlite3_column_text(st, 14);
    push_unit(L, unit ? unit : "", 0);
    lua_setfield(L, -2, "unit");
    const char *mlevel = (const char *)sqlite3_column_text(st, 6);
    wrap_model(L, sqlite3_column_int64(st, 0), year ? year : myear,
               level_rank(level ? level : mlevel));
}

typedef struct model_args {
    sqlite3_stmt *st;      /* on the model's row; NULL: look models.id = id up */
    long long id;
    int year;
    const char *level;
    int src;               /* the look-up's sqlite3_step result */
} model_args;

/* protect() body: push the model object of a (nil when the look-up found no row). */
static int p_model(lua_State *L)
{
    model_args *a = lua_touserdata(L, 1);
    sqlite3_stmt *st = a->st;
    if (!st) {
        st = cached(L, ST_MODEL);
        sqlite3_bind_int64(st, 1, a->id);
        if ((a->src = sqlite3_step(st)) != SQLITE_ROW) {
            sqlite3_reset(st);
            return 0;
        }
    }
    push_model_row(L, st, a->year, a->level);
    if (!a->st)
        sqlite3_reset(st);
    return 1;
}

int dvk_script_push_model_row(lua_State *L, sqlite3_stmt *st, int year, const char *level,
                              dvk_error *err)
{
    model_args a = {st, 0, year, level, SQLITE_ROW};
    return protect(L, p_model, &a, 0, 1, "building a model object", err);
}

int dvk_script_push_model(lua_State *L, const dvk_province *p, long long model_id,
                          const dvk_script_ctx *c, dvk_error *err)
{
    (void)p;
    if (!dvk_sandbox_store(L))
        return dvk_error_set(err, DVK_EUSAGE, "model objects need a database");
    model_args a = {NULL, model_id, c ? c->year : 0, c ? c->level : NULL, SQLITE_ROW};
    int rc = protect(L, p_model, &a, 0, 1, "building a model object", err);
    if (rc != DVK_OK || a.src == SQLITE_ROW)
        return rc;
    lua_pop(L, 1);                                          /* nil */
    if (a.src == SQLITE_DONE)
        return dvk_error_set(err, DVK_EDATA, "no model with id %lld", model_id);
    return dvk_store_fail(dvk_sandbox_store(L), a.src, err, "reading a model");
}

/* A fixture model (dvk test) from the table at idx: its fields, metrics, appraisal,
 * appraisals and history as given (absent: empty), unit from the preloaded units. */
static int push_fixture_model(lua_State *L, int idx, const char *default_unit, int year,
                              const char *level)
{
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 18);                              /* d */
    static const char *const copy[] = {"code", "name", "kind", "category", "field", "level",
        "year", "registration", "started_on", "address", "description", "synthetic", NULL};
    for (int i = 0; copy[i]; i++) {
        lua_getfield(L, idx, copy[i]);
        lua_setfield(L, -2, copy[i]);
    }
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "id");
    static const char *const defaults[][2] = {{"code", "TEST"}, {"name", "Mô hình thử"},
        {"kind", "tap-the"}, {"category", "mo-hinh"}, {"registration", "moi"}};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        if (lua_getfield(L, -1, defaults[i][0]) == LUA_TNIL) {
            lua_pushstring(L, defaults[i][1]);
            lua_setfield(L, -3, defaults[i][0]);
        }
        lua_pop(L, 1);
    }
    if (lua_getfield(L, -1, "year") == LUA_TNIL) {
        lua_pushinteger(L, year);
        lua_setfield(L, -3, "year");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "level") == LUA_TNIL) {
        lua_pushstring(L, level);
        lua_setfield(L, -3, "level");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "synthetic") == LUA_TNIL) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -3, "synthetic");
    }
    lua_pop(L, 1);
    static const char *const tables[] = {"metrics", "appraisal", "appraisals", "history", NULL};
    for (int i = 0; tables[i]; i++) {
        if (lua_getfield(L, idx, tables[i]) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
        }
        dvk_sandbox_push_readonly(L, -1);
        lua_setfield(L, -3, tables[i]);
        lua_pop(L, 1);
    }
    lua_getfield(L, idx, "unit");
    const char *unit = lua_tostring(L, -1);
    push_unit(L, unit ? unit : default_unit, 0);
    lua_setfield(L, -3, "unit");
    lua_pop(L, 1);
    wrap_model(L, 0, year, level_rank(level));
    return DVK_OK;
}

/* ------------------------------------------------------------------ ctx */

static int ctx_year(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_getfield(L, 1, "year");
    int y = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return y;
}

/* One count from a cached statement bound to (argument 2, ctx.year); 0 without a store. A
 * database error is a script error, never a silent 0. */
static int ctx_count(lua_State *L, int which)
{
    int year = ctx_year(L);
    const char *arg = luaL_checkstring(L, 2);
    sqlite3_stmt *st = cached(L, which);
    lua_Integer n = 0;
    if (st) {
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, year);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        step_done(L, st, rc);
        sqlite3_reset(st);
    }
    lua_pushinteger(L, n);
    return 1;
}

/* ctx:count_models(unit_code): models of that unit and the units under it, in ctx.year. */
static int l_ctx_count_models(lua_State *L)
{
    return ctx_count(L, ST_COUNT);
}

/* ctx:replications(model_code): other units of the province that run a model of the same
 * name (search key), this year or before. */
static int l_ctx_replications(lua_State *L)
{
    return ctx_count(L, ST_REPL);
}

/* ctx:results(model_code): the model's results in the current runs, oldest first. */
static int l_ctx_results(lua_State *L)
{
    luaL_checkany(L, 1);
    const char *code = luaL_checkstring(L, 2);
    sqlite3_stmt *st = cached(L, ST_RESULTS);
    lua_newtable(L);
    if (st) {
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        lua_Integer n = 0;
        int src;
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            lua_createtable(L, 0, 12);
            lua_pushinteger(L, sqlite3_column_int64(st, 0));
            lua_setfield(L, -2, "run");
            lua_pushinteger(L, sqlite3_column_int64(st, 1));
            lua_setfield(L, -2, "year");
            push_text_col(L, st, 2);
            lua_setfield(L, -2, "level");
            push_text_col(L, st, 3);
            lua_setfield(L, -2, "unit");
            push_text_col(L, st, 4);
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
            push_text_col(L, st, 11);
            lua_setfield(L, -2, "gate");
            lua_rawseti(L, -2, ++n);
        }
        step_done(L, st, src);
        sqlite3_reset(st);
    }
    dvk_sandbox_push_readonly(L, -1);
    return 1;
}

typedef struct ctx_args {
    const dvk_province *p;
    const dvk_script_ctx *c;
} ctx_args;

/* protect() body of dvk_script_push_ctx. */
static int p_ctx(lua_State *L)
{
    const ctx_args *a = lua_touserdata(L, 1);
    const dvk_province *p = a->p;
    const dvk_script_ctx *c = a->c;
    luaL_checkstack(L, 6, "ctx");
    lua_createtable(L, 0, 8);                               /* d */
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
    lua_pushcfunction(L, l_ctx_count_models);
    lua_setfield(L, -2, "count_models");
    lua_pushcfunction(L, l_ctx_replications);
    lua_setfield(L, -2, "replications");
    lua_pushcfunction(L, l_ctx_results);
    lua_setfield(L, -2, "results");
    dvk_sandbox_push_view(L, -1);                           /* d ctx */
    lua_remove(L, -2);
    return 1;
}

int dvk_script_push_ctx(lua_State *L, const dvk_province *p, const dvk_script_ctx *c,
                        dvk_error *err)
{
    ctx_args a = {p, c};
    return protect(L, p_ctx, &a, 0, 1, "building ctx", err);
}

/* ------------------------------------------------------------------ loading and checking */

typedef struct checker {
    lua_State *L;
    const char *file;      /* "scripts/provinces/x.lua" */
    int line;              /* line of the dvk.province call */
    dvk_error *err;
} checker;

static int fail(checker *k, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(checker *k, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dvk_error_set(k->err, DVK_EDATA, "%s:%d: %s", k->file, line > 0 ? line : k->line, msg);
}

/* Line where the function at idx is defined (0 when not a Lua function). */
static int fn_line(lua_State *L, int idx)
{
    lua_Debug ar;
    if (!lua_isfunction(L, idx))
        return 0;
    lua_pushvalue(L, idx);
    if (!lua_getinfo(L, ">S", &ar))                         /* pops the function */
        return 0;
    return ar.linedefined > 0 ? ar.linedefined : 0;
}

/* Check the keys of the table at idx against allowed (NULL-terminated). */
static int check_keys(checker *k, int idx, const char *what, const char *const *allowed,
                      int line)
{
    lua_State *L = k->L;
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            return fail(k, line, "%s: keys must be names (found a %s key)", what,
                        luaL_typename(L, -1));
        }
        const char *key = lua_tostring(L, -1);
        int ok = 0;
        for (int i = 0; allowed[i]; i++)
            ok |= strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char found[128];
            snprintf(found, sizeof found, "%s", key);
            lua_pop(L, 1);
            char list[512] = "";
            for (int i = 0; allowed[i]; i++) {
                strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, allowed[i], sizeof list - strlen(list) - 1);
            }
            return fail(k, line, "%s: unknown key '%s' (known: %s)", what, found, list);
        }
    }
    return DVK_OK;
}

/* Get string field key of table idx into a malloc'd copy; required or optional. */
static int get_string(checker *k, int idx, const char *key, const char *what, int required,
                      char **out, int line)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    *out = NULL;
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return required ? fail(k, line, "%s: '%s' is missing", what, key) : DVK_OK;
    }
    if (t != LUA_TSTRING) {
        lua_pop(L, 1);
        return fail(k, line, "%s: '%s' must be a string (found %s)", what, key, lua_typename(L, t));
    }
    *out = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return *out ? DVK_OK : dvk_error_set(k->err, DVK_ENOMEM, "out of memory");
}

static int valid_id(const char *s)
{
    if (!*s || strlen(s) >= DVK_SCRIPT_ID_MAX)
        return 0;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

/* Length of the array at field key (must be a table with 1..n), pushing it; -1 on error. */
static int get_list(checker *k, int idx, const char *key, int required, int line)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNIL && !required) {
        lua_pop(L, 1);
        lua_newtable(L);
        return 0;
    }
    if (t != LUA_TTABLE) {
        lua_pop(L, 1);
        fail(k, line, "'%s' must be a list {...} (found %s)", key, lua_typename(L, t));
        return -1;
    }
    int n = (int)luaL_len(L, -1);
    int count = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        count++;
    }
    if (count != n) {
        lua_pop(L, 1);
        fail(k, line, "'%s' must be a list {...} without holes or named keys", key);
        return -1;
    }
    return n;
}

static int check_fn(checker *k, int idx, const char *key, int required, const char *what,
                    int *ref, int *line, int fline)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    *ref = LUA_NOREF;
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return required ? fail(k, fline, "%s: '%s' function is missing", what, key) : DVK_OK;
    }
    if (t != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return fail(k, fline, "%s: '%s' must be a function (found %s)", what, key,
                    lua_typename(L, t));
    }
    if (line)
        *line = fn_line(L, -1);
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return DVK_OK;
}

static int check_number(checker *k, int idx, const char *key, const char *what, int required,
                        double *out, int *present, int line)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    if (present)
        *present = t != LUA_TNIL;
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return required ? fail(k, line, "%s: '%s' is missing", what, key) : DVK_OK;
    }
    if (t != LUA_TNUMBER || isnan(lua_tonumber(L, -1))) {
        lua_pop(L, 1);
        return fail(k, line, "%s: '%s' must be a number (found %s)", what, key, lua_typename(L, t));
    }
    *out = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return DVK_OK;
}

static int check_bool(checker *k, int idx, const char *key, const char *what, int dflt,
                      int *out, int line)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNIL)
        *out = dflt;
    else if (t == LUA_TBOOLEAN)
        *out = lua_toboolean(L, -1);
    else {
        lua_pop(L, 1);
        return fail(k, line, "%s: '%s' must be true or false (found %s)", what, key,
                    lua_typename(L, t));
    }
    lua_pop(L, 1);
    return DVK_OK;
}

void dvk_province_free(lua_State *L, dvk_province *p)
{
    if (!p)
        return;
    free(p->code);
    free(p->name);
    free(p->basis);
    free(p->path);
    for (int i = 0; i < p->nlevels; i++)
        free(p->levels[i]);
    free(p->levels);
    for (int i = 0; i < p->nfields; i++) {
        free(p->fields[i].id);
        free(p->fields[i].name);
    }
    free(p->fields);
    for (int i = 0; i < p->ngates; i++) {
        free(p->gates[i].id);
        free(p->gates[i].name);
        if (L) {
            luaL_unref(L, LUA_REGISTRYINDEX, p->gates[i].test_ref);
            luaL_unref(L, LUA_REGISTRYINDEX, p->gates[i].applies_ref);
        }
    }
    free(p->gates);
    for (int i = 0; i < p->ncriteria; i++) {
        free(p->criteria[i].id);
        free(p->criteria[i].name);
        if (L) {
            luaL_unref(L, LUA_REGISTRYINDEX, p->criteria[i].score_ref);
            luaL_unref(L, LUA_REGISTRYINDEX, p->criteria[i].applies_ref);
        }
    }
    free(p->criteria);
    for (int i = 0; i < p->noutcomes; i++) {
        free(p->outcomes[i].id);
        free(p->outcomes[i].name);
    }
    free(p->outcomes);
    for (int i = 0; i < p->nquotas; i++) {
        free(p->quotas[i].level);
        free(p->quotas[i].outcome);
        free(p->quotas[i].tiebreak);
    }
    free(p->quotas);
    for (int i = 0; i < p->nreports; i++)
        free(p->reports[i]);
    free(p->reports);
    if (L)
        luaL_unref(L, LUA_REGISTRYINDEX, p->ref);
    free(p);
}

int dvk_province_level(const dvk_province *p, const char *level)
{
    for (int i = 0; level && i < p->nlevels; i++)
        if (strcmp(p->levels[i], level) == 0)
            return i;
    return -1;
}

int dvk_province_outcome(const dvk_province *p, const char *id)
{
    for (int i = 0; id && i < p->noutcomes; i++)
        if (strcmp(p->outcomes[i].id, id) == 0)
            return i;
    return -1;
}

int dvk_province_criterion(const dvk_province *p, const char *id)
{
    for (int i = 0; id && i < p->ncriteria; i++)
        if (strcmp(p->criteria[i].id, id) == 0)
            return i;
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The checks, on the description at index d. */
static int check_description(checker *k, int d, dvk_province *p)
{
    lua_State *L = k->L;
    int rc;
    static const char *const top_keys[] = {"code", "name", "basis", "levels", "fields", "cutoff",
        "gates", "criteria", "outcomes", "quotas", "decision", "reports", "scale_to", NULL};
    if ((rc = check_keys(k, d, "dvk.province", top_keys, 0)))
        return rc;
    if ((rc = get_string(k, d, "code", "dvk.province", 1, &p->code, 0)) ||
        (rc = get_string(k, d, "name", "dvk.province", 1, &p->name, 0)) ||
        (rc = get_string(k, d, "basis", "dvk.province", 0, &p->basis, 0)))
        return rc;
    if (!p->basis && !(p->basis = strdup("")))
        return dvk_error_set(k->err, DVK_ENOMEM, "out of memory");
    char *cutoff = NULL;
    if ((rc = get_string(k, d, "cutoff", "dvk.province", 0, &cutoff, 0)))
        return rc;
    snprintf(p->cutoff, sizeof p->cutoff, "12-31");
    if (cutoff) {
        int ok = strlen(cutoff) == 5 && cutoff[2] == '-' && isdigit((unsigned char)cutoff[0]) &&
                 isdigit((unsigned char)cutoff[1]) && isdigit((unsigned char)cutoff[3]) &&
                 isdigit((unsigned char)cutoff[4]);
        int mm = ok ? atoi(cutoff) : 0, dd = ok ? atoi(cutoff + 3) : 0;
        if (!ok || mm < 1 || mm > 12 || dd < 1 || dd > 31) {
            rc = fail(k, 0, "dvk.province: cutoff must be \"MM-DD\" (found \"%s\")", cutoff);
            free(cutoff);
            return rc;
        }
        snprintf(p->cutoff, sizeof p->cutoff, "%s", cutoff);
        free(cutoff);
    }
    int present = 0;
    if ((rc = check_number(k, d, "scale_to", "dvk.province", 0, &p->scale_to, &present, 0)))
        return rc;
    if (present && !(p->scale_to > 0))
        return fail(k, 0, "dvk.province: scale_to must be > 0 (found %g)", p->scale_to);

    /* levels */
    int n = get_list(k, d, "levels", 1, 0);
    if (n < 0)
        return k->err->code;
    if (n == 0) {
        lua_pop(L, 1);
        return fail(k, 0, "levels: at least one level is needed");
    }
    p->levels = calloc((size_t)n, sizeof *p->levels);
    int prev_rank = -1;
    for (int i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        const char *lv = lua_tostring(L, -1);
        int r = lua_type(L, -1) == LUA_TSTRING ? level_rank(lv) : -1;
        if (r < 0) {
            lua_pop(L, 2);
            return fail(k, 0, "levels[%d]: must be one of co-so, huyen, tinh (found %s)", i,
                        lv ? lv : "a non-string");
        }
        if (r <= prev_rank) {
            lua_pop(L, 2);
            return fail(k, 0, "levels[%d]: '%s' is out of order or repeated (lowest first: "
                              "co-so, huyen, tinh)", i, lv);
        }
        prev_rank = r;
        p->levels[p->nlevels++] = strdup(lv);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* fields */
    if ((n = get_list(k, d, "fields", 0, 0)) < 0)
        return k->err->code;
    p->fields = calloc((size_t)n + 1, sizeof *p->fields);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "fields[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {id = ..., name = ...}", what);
        }
        static const char *const fkeys[] = {"id", "name", NULL};
        dvk_field *f = &p->fields[p->nfields];
        if ((rc = check_keys(k, -1, what, fkeys, 0)) ||
            (rc = get_string(k, -1, "id", what, 1, &f->id, 0)) ||
            (p->nfields++, rc = get_string(k, -1, "name", what, 1, &f->name, 0))) {
            lua_pop(L, 2);
            return rc;
        }
        if (!valid_id(f->id)) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: id '%s' must use a-z, 0-9, '-' or '_'", what, f->id);
        }
        for (int j = 0; j < p->nfields - 1; j++)
            if (strcmp(p->fields[j].id, f->id) == 0) {
                lua_pop(L, 2);
                return fail(k, 0, "%s: duplicate id '%s'", what, f->id);
            }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* gates */
    if ((n = get_list(k, d, "gates", 0, 0)) < 0)
        return k->err->code;
    p->gates = calloc((size_t)n + 1, sizeof *p->gates);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "gates[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {id, name, test = function}", what);
        }
        static const char *const gkeys[] = {"id", "name", "test", "applies", NULL};
        dvk_gate *g = &p->gates[p->ngates++];
        g->test_ref = g->applies_ref = LUA_NOREF;
        lua_getfield(L, -1, "test");
        int gl = fn_line(L, -1);
        lua_pop(L, 1);
        if ((rc = check_keys(k, -1, what, gkeys, gl)) ||
            (rc = get_string(k, -1, "id", what, 1, &g->id, gl)) ||
            (rc = get_string(k, -1, "name", what, 1, &g->name, gl)) ||
            (rc = check_fn(k, -1, "test", 1, what, &g->test_ref, &g->line, gl)) ||
            (rc = check_fn(k, -1, "applies", 0, what, &g->applies_ref, NULL, gl))) {
            lua_pop(L, 2);
            return rc;
        }
        if (!valid_id(g->id)) {
            lua_pop(L, 2);
            return fail(k, gl, "%s: id '%s' must use a-z, 0-9, '-' or '_'", what, g->id);
        }
        for (int j = 0; j < p->ngates - 1; j++)
            if (strcmp(p->gates[j].id, g->id) == 0) {
                lua_pop(L, 2);
                return fail(k, gl, "%s: duplicate id '%s'", what, g->id);
            }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* criteria */
    if ((n = get_list(k, d, "criteria", 1, 0)) < 0)
        return k->err->code;
    p->criteria = calloc((size_t)n + 1, sizeof *p->criteria);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "criteria[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {id, name, max, score = function}", what);
        }
        static const char *const ckeys[] = {"id", "name", "max", "score", "applies", NULL};
        dvk_criterion *c = &p->criteria[p->ncriteria++];
        c->score_ref = c->applies_ref = LUA_NOREF;
        lua_getfield(L, -1, "score");
        int cl = fn_line(L, -1);
        lua_pop(L, 1);
        if ((rc = check_keys(k, -1, what, ckeys, cl)) ||
            (rc = get_string(k, -1, "id", what, 1, &c->id, cl)) ||
            (rc = get_string(k, -1, "name", what, 1, &c->name, cl)) ||
            (rc = check_number(k, -1, "max", what, 1, &c->max, NULL, cl)) ||
            (rc = check_fn(k, -1, "score", 1, what, &c->score_ref, &c->line, cl)) ||
            (rc = check_fn(k, -1, "applies", 0, what, &c->applies_ref, NULL, cl))) {
            lua_pop(L, 2);
            return rc;
        }
        if (!valid_id(c->id)) {
            lua_pop(L, 2);
            return fail(k, cl, "%s: id '%s' must use a-z, 0-9, '-' or '_'", what, c->id);
        }
        if (!(c->max > 0) || isinf(c->max)) {
            lua_pop(L, 2);
            return fail(k, cl, "%s: max must be > 0 (found %g)", what, c->max);
        }
        for (int j = 0; j < p->ncriteria - 1; j++)
            if (strcmp(p->criteria[j].id, c->id) == 0) {
                lua_pop(L, 2);
                return fail(k, cl, "%s: duplicate id '%s'", what, c->id);
            }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (p->ncriteria == 0)
        return fail(k, 0, "criteria: at least one criterion is needed");

    /* outcomes */
    if ((n = get_list(k, d, "outcomes", 1, 0)) < 0)
        return k->err->code;
    if (n == 0) {
        lua_pop(L, 1);
        return fail(k, 0, "outcomes: at least one outcome (the catch-all) is needed");
    }
    if (n > 32) {
        lua_pop(L, 1);
        return fail(k, 0, "outcomes: at most 32 outcomes (found %d)", n);
    }
    p->outcomes = calloc((size_t)n, sizeof *p->outcomes);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "outcomes[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {id, name, min, ...}", what);
        }
        static const char *const okeys[] = {"id", "name", "min", "propose", "exemplary",
                                            "recognised", NULL};
        dvk_outcome *o = &p->outcomes[p->noutcomes++];
        int last = i == n;
        if ((rc = check_keys(k, -1, what, okeys, 0)) ||
            (rc = get_string(k, -1, "id", what, 1, &o->id, 0)) ||
            (rc = get_string(k, -1, "name", what, 1, &o->name, 0)) ||
            (rc = check_number(k, -1, "min", what, 0, &o->min, &o->has_min, 0)) ||
            (rc = check_bool(k, -1, "propose", what, 0, &o->propose, 0)) ||
            (rc = check_bool(k, -1, "exemplary", what, 0, &o->exemplary, 0)) ||
            (rc = check_bool(k, -1, "recognised", what, !last, &o->recognised, 0))) {
            lua_pop(L, 2);
            return rc;
        }
        lua_pop(L, 1);
        if (!valid_id(o->id)) {
            lua_pop(L, 1);
            return fail(k, 0, "%s: id '%s' must use a-z, 0-9, '-' or '_'", what, o->id);
        }
        for (int j = 0; j < p->noutcomes - 1; j++)
            if (strcmp(p->outcomes[j].id, o->id) == 0) {
                lua_pop(L, 1);
                return fail(k, 0, "%s: duplicate id '%s'", what, o->id);
            }
        if (!last && !o->has_min) {
            lua_pop(L, 1);
            return fail(k, 0, "%s: '%s' needs a min (only the last outcome, the catch-all, "
                              "has none)", what, o->id);
        }
        if (last && o->has_min) {
            lua_pop(L, 1);
            return fail(k, 0, "%s: the last outcome '%s' is the catch-all and must not have a "
                              "min (add a last outcome without min)", what, o->id);
        }
        if (i > 1 && o->has_min && !(o->min < p->outcomes[i - 2].min)) {
            lua_pop(L, 1);
            return fail(k, 0, "%s: thresholds out of order: min %g of '%s' must be below %g "
                              "of '%s' (first match wins, best first)", what, o->min, o->id,
                        p->outcomes[i - 2].min, p->outcomes[i - 2].id);
        }
    }
    lua_pop(L, 1);

    /* quotas */
    if ((n = get_list(k, d, "quotas", 0, 0)) < 0)
        return k->err->code;
    p->quotas = calloc((size_t)n + 1, sizeof *p->quotas);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "quotas[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {level, outcome, max, ...}", what);
        }
        static const char *const qkeys[] = {"level", "outcome", "max", "per", "tiebreak", NULL};
        dvk_quota *q = &p->quotas[p->nquotas++];
        double mx = 0;
        char *per = NULL;
        if ((rc = check_keys(k, -1, what, qkeys, 0)) ||
            (rc = get_string(k, -1, "level", what, 1, &q->level, 0)) ||
            (rc = get_string(k, -1, "outcome", what, 1, &q->outcome, 0)) ||
            (rc = check_number(k, -1, "max", what, 1, &mx, NULL, 0)) ||
            (rc = get_string(k, -1, "per", what, 0, &per, 0))) {
            lua_pop(L, 2);
            return rc;
        }
        if (dvk_province_level(p, q->level) < 0) {
            lua_pop(L, 2);
            free(per);
            return fail(k, 0, "%s: unknown level '%s'", what, q->level);
        }
        q->outcome_index = dvk_province_outcome(p, q->outcome);
        if (q->outcome_index < 0) {
            lua_pop(L, 2);
            free(per);
            return fail(k, 0, "%s: unknown outcome '%s'", what, q->outcome);
        }
        if (q->outcome_index == p->noutcomes - 1) {
            lua_pop(L, 2);
            free(per);
            return fail(k, 0, "%s: the catch-all '%s' cannot have a quota (nothing to demote "
                              "to)", what, q->outcome);
        }
        if (!(mx >= 0) || mx != floor(mx) || mx > 1e12) {
            lua_pop(L, 2);
            free(per);
            return fail(k, 0, "%s: max must be a whole number >= 0 (found %g)", what, mx);
        }
        q->max = (long long)mx;
        if (per && strcmp(per, "unit") != 0) {
            rc = fail(k, 0, "%s: per must be \"unit\" or absent (found \"%s\")", what, per);
            free(per);
            lua_pop(L, 2);
            return rc;
        }
        q->per_unit = per != NULL;
        free(per);
        int tn = get_list(k, -1, "tiebreak", 0, 0);
        if (tn < 0) {
            lua_pop(L, 2);
            return k->err->code;
        }
        q->tiebreak = calloc((size_t)tn + 1, sizeof *q->tiebreak);
        for (int j = 1; j <= tn; j++) {
            lua_geti(L, -1, j);
            const char *cid = lua_tostring(L, -1);
            int ci = lua_type(L, -1) == LUA_TSTRING ? dvk_province_criterion(p, cid) : -1;
            if (ci < 0) {
                rc = fail(k, 0, "%s: tiebreak[%d]: unknown criterion '%s'", what, j,
                          cid ? cid : "?");
                lua_pop(L, 4);
                return rc;
            }
            q->tiebreak[q->ntiebreak++] = ci;
            lua_pop(L, 1);
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 1);

    /* decision: a free table */
    int t = lua_getfield(L, d, "decision");
    lua_pop(L, 1);
    if (t != LUA_TNIL && t != LUA_TTABLE)
        return fail(k, 0, "decision: must be a table (found %s)", lua_typename(L, t));

    /* reports */
    t = lua_getfield(L, d, "reports");
    if (t != LUA_TNIL && t != LUA_TTABLE) {
        lua_pop(L, 1);
        return fail(k, 0, "reports: must be a table {name = function(run, doc) ... end}");
    }
    if (t == LUA_TTABLE) {
        int cap = 8;
        p->reports = calloc((size_t)cap, sizeof *p->reports);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TFUNCTION) {
                lua_pop(L, 3);
                return fail(k, 0, "reports: each entry must be name = function(run, doc)");
            }
            if (p->nreports == cap) {
                cap *= 2;
                char **nr = realloc(p->reports, (size_t)cap * sizeof *nr);
                if (!nr) {
                    lua_pop(L, 3);
                    return dvk_error_set(k->err, DVK_ENOMEM, "out of memory");
                }
                p->reports = nr;
            }
            p->reports[p->nreports++] = strdup(lua_tostring(L, -2));
            lua_pop(L, 1);
        }
        qsort(p->reports, (size_t)p->nreports, sizeof *p->reports, cmp_str);
    }
    lua_pop(L, 1);
    return DVK_OK;
}

typedef struct check_args {
    checker k;
    dvk_province *p;
    int rc;
} check_args;

/* protect() body of dvk_script_check: the description is argument 2. */
static int p_check(lua_State *L)
{
    check_args *a = lua_touserdata(L, 1);
    if (!lua_istable(L, 2) || !dvk_sandbox_marked(L, 2, "province", &a->k.line)) {
        a->rc = dvk_error_set(a->k.err, DVK_EDATA, "%s:1: the file must return "
                              "dvk.province{...} (it returned %s)", a->k.file,
                              luaL_typename(L, 2));
        return 0;
    }
    if ((a->rc = check_description(&a->k, 2, a->p)) != DVK_OK)
        return 0;
    /* keep a read-only view of the description */
    dvk_sandbox_push_readonly(L, 2);
    a->p->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

dvk_province *dvk_script_check(lua_State *L, const char *chunkname, dvk_error *err)
{
    dvk_province *p = calloc(1, sizeof *p);
    const char *file = chunkname[0] == '@' || chunkname[0] == '=' ? chunkname + 1 : chunkname;
    if (!p || !(p->path = strdup(file))) {
        lua_pop(L, 1);
        free(p);
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        return NULL;
    }
    p->ref = LUA_NOREF;
    char what[300];
    snprintf(what, sizeof what, "checking %s", file);
    check_args a = {{L, p->path, 0, err}, p, DVK_OK};
    if (protect(L, p_check, &a, 1, 0, what, err) != DVK_OK || a.rc != DVK_OK) {
        dvk_province_free(L, p);
        return NULL;
    }
    return p;
}

static int valid_code(const char *code)
{
    if (!*code || strlen(code) > 64)
        return 0;
    for (const char *c = code; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
            return 0;
    return 1;
}

dvk_province *dvk_script_load(lua_State *L, const char *code, dvk_error *err)
{
    if (!code || !valid_code(code)) {
        dvk_error_set(err, DVK_EUSAGE, "'%s' is not a province code (letters a-z, digits, '-')",
                      code ? code : "");
        return NULL;
    }
    char rel[128], chunk[160];
    snprintf(rel, sizeof rel, "provinces/%s.lua", code);
    snprintf(chunk, sizeof chunk, "@scripts/%s", rel);
    if (dvk_sandbox_dofile(L, rel, 1, err) != DVK_OK)
        return NULL;
    dvk_province *p = dvk_script_check(L, chunk, err);
    if (p && strcmp(p->code, code) != 0) {
        dvk_error_set(err, DVK_EDATA, "scripts/%s:1: code '%s' does not match the file name "
                                      "(expected '%s')", rel, p->code, code);
        dvk_province_free(L, p);
        return NULL;
    }
    return p;
}

int dvk_script_report(lua_State *L, const dvk_province *p, const char *name)
{
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref);              /* d */
    if (lua_getfield(L, -1, "reports") == LUA_TNIL ||       /* d reports */
        lua_getfield(L, -1, name) != LUA_TFUNCTION) {       /* d reports fn */
        lua_settop(L, top);
        return 0;
    }
    lua_replace(L, top + 1);                                /* fn reports */
    lua_settop(L, top + 1);                                 /* fn */
    return 1;
}

void dvk_script_push_province(lua_State *L, const dvk_province *p)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref);
}

/* ------------------------------------------------------------------ evaluation */

int dvk_eval_init(dvk_eval *ev, int ncriteria)
{
    memset(ev, 0, sizeof *ev);
    ev->points = calloc((size_t)ncriteria + 1, sizeof *ev->points);
    ev->notes = calloc((size_t)ncriteria + 1, sizeof *ev->notes);
    if (!ev->points || !ev->notes) {
        free(ev->points);
        free(ev->notes);
        return DVK_ENOMEM;
    }
    return DVK_OK;
}

void dvk_eval_reset(dvk_eval *ev, int ncriteria)
{
    free(ev->reason);
    ev->reason = NULL;
    for (int i = 0; i < ncriteria; i++) {
        free(ev->notes[i]);
        ev->notes[i] = NULL;
        ev->points[i] = NAN;
    }
    ev->eligible = 1;
    ev->gate = -1;
    ev->total = 0;
    ev->outcome = 0;
}

void dvk_eval_free(dvk_eval *ev, int ncriteria)
{
    if (!ev->points)
        return;
    dvk_eval_reset(ev, ncriteria);
    free(ev->points);
    free(ev->notes);
    ev->points = NULL;
    ev->notes = NULL;
}

static double round2(double x)
{
    double v = fabs(x) * 100.0;
    double r = floor(v + 0.5 + 1e-9 * (v > 1 ? v : 1));
    return copysign(r / 100.0, x);
}

/* Put "model M, <what> ID: " after the "FILE:LINE: " of a script error message. */
static int script_fail(dvk_error *err, const char *model, const char *what, const char *id)
{
    char msg[DVK_ERROR_MAX];
    snprintf(msg, sizeof msg, "%s", err->msg);
    const char *rest = msg;
    /* skip "file:line: " */
    for (const char *c = msg; *c && *c != '\n'; c++) {
        if (*c == ':' && c[1] >= '0' && c[1] <= '9') {
            const char *q = c + 1;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == ':' && q[1] == ' ') {
                rest = q + 2;
                break;
            }
        }
    }
    int code = err->code;
    dvk_error_set(err, code, "%.*smodel %s, %s %s: %s", (int)(rest - msg), msg, model, what, id,
                  rest);
    return code;
}

/* Call ref(m, ctx) with nres results. */
static int call_fn(lua_State *L, int ref, int midx, int cidx, int nres, dvk_error *err)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_pushvalue(L, midx);
    lua_pushvalue(L, cidx);
    return dvk_sandbox_call(L, 2, nres, err);
}

/* The note at idx as a malloc'd string in *out (NULL: none), as tostring() would write it,
 * without lua_tostring converting a number in place (that allocates, and may raise outside
 * any protected call). Returns 0, or -1 when out of memory. */
static int note_of(lua_State *L, int idx, char **out)
{
    char num[64];
    const char *s = num;
    *out = NULL;
    if (lua_isnoneornil(L, idx))
        return 0;
    if (lua_isinteger(L, idx)) {
        snprintf(num, sizeof num, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
    } else if (lua_type(L, idx) == LUA_TNUMBER) {
        snprintf(num, sizeof num, LUA_NUMBER_FMT, (LUAI_UACNUMBER)lua_tonumber(L, idx));
        if (num[strspn(num, "-0123456789")] == '\0')
            strcat(num, ".0");                              /* looks like an int: 1.0 */
    } else {
        s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : luaL_typename(L, idx);
    }
    *out = strdup(s);
    return *out ? 0 : -1;
}

int dvk_script_eval(lua_State *L, const dvk_province *p, int midx, int cidx,
                    const char *model_code, dvk_eval *ev, dvk_error *err)
{
    midx = lua_absindex(L, midx);
    cidx = lua_absindex(L, cidx);
    int top = lua_gettop(L);
    const char *mc = model_code ? model_code : "?";
    if (!lua_checkstack(L, 8))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (model %s)", mc);
    dvk_eval_reset(ev, p->ncriteria);
    for (int i = 0; i < p->ngates; i++) {
        const dvk_gate *g = &p->gates[i];
        if (g->applies_ref != LUA_NOREF) {
            if (call_fn(L, g->applies_ref, midx, cidx, 1, err) != DVK_OK)
                return script_fail(err, mc, "gate", g->id);
            int applies = lua_toboolean(L, -1);
            lua_settop(L, top);
            if (!applies)
                continue;
        }
        if (call_fn(L, g->test_ref, midx, cidx, 2, err) != DVK_OK)
            return script_fail(err, mc, "gate", g->id);
        if (!lua_toboolean(L, -2)) {
            ev->eligible = 0;
            ev->gate = i;
            const char *why = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            size_t n = strlen(g->name) + (why ? strlen(why) : 0) + 64;
            ev->reason = malloc(n);
            if (!ev->reason) {
                lua_settop(L, top);
                return dvk_error_set(err, DVK_ENOMEM, "out of memory (model %s)", mc);
            }
            if (why)
                snprintf(ev->reason, n, "không đạt điều kiện \"%s\": %s", g->name, why);
            else
                snprintf(ev->reason, n, "không đạt điều kiện \"%s\"", g->name);
            lua_settop(L, top);
            ev->outcome = p->noutcomes - 1;
            ev->total = 0;
            return DVK_OK;
        }
        lua_settop(L, top);
    }
    double sum = 0, summax = 0;
    for (int i = 0; i < p->ncriteria; i++) {
        const dvk_criterion *c = &p->criteria[i];
        if (c->applies_ref != LUA_NOREF) {
            if (call_fn(L, c->applies_ref, midx, cidx, 1, err) != DVK_OK)
                return script_fail(err, mc, "criterion", c->id);
            int applies = lua_toboolean(L, -1);
            lua_settop(L, top);
            if (!applies)
                continue;
        }
        if (call_fn(L, c->score_ref, midx, cidx, 2, err) != DVK_OK)
            return script_fail(err, mc, "criterion", c->id);
        if (lua_type(L, -2) != LUA_TNUMBER) {
            const char *tn = luaL_typename(L, -2);
            const char *sv = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
            lua_settop(L, top);
            return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, criterion %s: score returned "
                                 "%s%s%s%s, not a number", p->path, c->line, mc, c->id, tn,
                                 sv ? " \"" : "", sv ? sv : "", sv ? "\"" : "");
        }
        double pts = lua_tonumber(L, -2);
        if (isnan(pts)) {
            lua_settop(L, top);
            return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, criterion %s: score returned "
                                 "NaN (not a number: 0/0 or a missing value?)", p->path, c->line,
                                 mc, c->id);
        }
        if (pts < 0 || pts > c->max) {
            lua_settop(L, top);
            return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, criterion %s: score returned "
                                 "%.17g, outside [0, %g]", p->path, c->line, mc, c->id, pts,
                                 c->max);
        }
        ev->points[i] = pts;
        int nrc = note_of(L, -1, &ev->notes[i]);
        lua_settop(L, top);
        if (nrc != 0)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory (model %s)", mc);
        sum += pts;
        summax += c->max;
    }
    if (p->scale_to > 0)
        ev->total = summax > 0 ? round2(sum / summax * p->scale_to) : 0;
    else
        ev->total = round2(sum);
    ev->outcome = p->noutcomes - 1;
    for (int i = 0; i < p->noutcomes - 1; i++)
        if (ev->total >= p->outcomes[i].min) {
            ev->outcome = i;
            break;
        }
    return DVK_OK;
}

/* ------------------------------------------------------------------ fields sync */

static int is_province_file(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '_' || name[0] == '.' || n < 5 || strcmp(name + n - 4, ".lua") != 0)
        return 0;
    if (n >= 9 && strcmp(name + n - 9, "_test.lua") == 0)
        return 0;
    return 1;
}

/* Sorted names in dir accepted by keep; *n gets the count. malloc'd array of malloc'd. */
static char **list_dir(const char *dir, int (*keep)(const char *), int *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    int cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!keep(e->d_name))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nv = realloc(v, (size_t)cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (v)
        qsort(v, (size_t)*n, sizeof *v, cmp_str);
    return v;
}

static void free_list(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int dvk_script_sync_fields(dvk_store *store, const char *scripts_dir, dvk_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/provinces", scripts_dir);
    int n = 0, rc = DVK_OK;
    char **names = list_dir(dir, is_province_file, &n);
    sqlite3_stmt *st = NULL;
    int in_tx = 0;
    if (n == 0)
        goto done;
    st = dvk_store_prepare(store, "INSERT INTO fields(province, id, name) VALUES (?1, ?2, ?3)"
                                  " ON CONFLICT(province, id) DO UPDATE SET name = excluded.name",
                           err);
    if (!st) {
        rc = err->code;
        goto done;
    }
    if ((rc = dvk_store_begin(store, err)) != DVK_OK)
        goto done;
    in_tx = 1;
    for (int i = 0; i < n && rc == DVK_OK; i++) {
        char code[256];
        snprintf(code, sizeof code, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
        lua_State *L = dvk_sandbox_new(store, scripts_dir, NULL, err);
        if (!L) {
            rc = err->code;
            break;
        }
        dvk_province *p = dvk_script_load(L, code, err);
        if (!p)
            rc = err->code;
        for (int f = 0; p && f < p->nfields && rc == DVK_OK; f++) {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, p->code, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, p->fields[f].id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, p->fields[f].name, -1, SQLITE_TRANSIENT);
            int src = sqlite3_step(st);
            if (src != SQLITE_DONE)
                rc = dvk_store_fail(store, src, err, "saving a province's fields");
        }
        dvk_province_free(L, p);
        dvk_sandbox_free(L);
    }
    if (rc == DVK_OK) {
        rc = dvk_store_commit(store, err);
        in_tx = 0;
    }
done:
    if (in_tx)
        dvk_store_rollback(store);
    sqlite3_finalize(st);
    free_list(names, n);
    return rc == DVK_OK ? n : -1;
}

int dvk_script_levels(void *scripts_dir, const char *code, char ***levels, int *n, dvk_error *err)
{
    const char *dir = scripts_dir;
    char path[4096];
    int scripted = code[0] != '\0' && strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(code);
    snprintf(path, sizeof path, "%s/provinces/%s.lua", dir, code);
    FILE *f = scripted ? fopen(path, "rb") : NULL;
    if (f)
        fclose(f);
    lua_State *L = NULL;
    dvk_province *p = NULL;
    if (f && (!(L = dvk_sandbox_new(NULL, dir, NULL, err)) || !(p = dvk_script_load(L, code, err)))) {
        dvk_sandbox_free(L);
        return err->code;
    }
    int count = 0;
    while (p ? count < p->nlevels : KNOWN_LEVELS[count] != NULL)
        count++;
    char **v = calloc((size_t)count + 1, sizeof *v);
    int rc = v ? DVK_OK : dvk_error_set(err, DVK_ENOMEM, "out of memory");
    for (int i = 0; i < count && rc == DVK_OK; i++)
        if (!(v[i] = strdup(p ? p->levels[i] : KNOWN_LEVELS[i])))
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    if (rc) {
        for (int i = 0; v && i < count; i++)
            free(v[i]);
        free(v);
        return rc;
    }
    *levels = v;
    *n = count;
    return DVK_OK;
}

/* ------------------------------------------------------------------ script tests */

typedef struct tester {
    void (*out)(void *ud, const char *line);
    void *ud;
    int passed, failed;
} tester;

static void say(tester *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(tester *t, const char *fmt, ...)
{
    char line[DVK_ERROR_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (t->out)
        t->out(t->ud, line);
}

static int is_test_file(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '_' && name[0] != '.' && n > 9 && strcmp(name + n - 9, "_test.lua") == 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *nb = cap < (16u << 20) ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Compare one case's expectations (table at eidx) with ev; report each mismatch. */
static int check_case(lua_State *L, tester *t, const char *file, const char *cname,
                      const dvk_province *p, int eidx, const dvk_eval *ev)
{
    int ok = 1;
    static const char *const ekeys[] = {"outcome", "total", "eligible", "gate", "points",
        "recognised", "exemplary", "proposed", "reason", NULL};
    lua_pushnil(L);
    while (lua_next(L, eidx)) {
        lua_pop(L, 1);
        const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int known = 0;
        for (int i = 0; key && ekeys[i]; i++)
            known |= strcmp(key, ekeys[i]) == 0;
        if (!known) {
            say(t, "%s: case %s: unknown expectation '%s'", file, cname, key ? key : "?");
            ok = 0;
        }
    }
    const dvk_outcome *o = &p->outcomes[ev->outcome];
    if (lua_getfield(L, eidx, "outcome") != LUA_TNIL) {
        const char *want = lua_tostring(L, -1);
        if (!want || strcmp(want, o->id) != 0) {
            say(t, "%s: case %s: expected outcome '%s', got '%s'", file, cname,
                want ? want : "?", o->id);
            ok = 0;
        }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, eidx, "total") != LUA_TNIL) {
        double want = lua_tonumber(L, -1);
        if (fabs(want - ev->total) > 0.005) {
            say(t, "%s: case %s: expected total %g, got %g", file, cname, want, ev->total);
            ok = 0;
        }
    }
    lua_pop(L, 1);
    static const char *const flags[] = {"eligible", "recognised", "exemplary", "proposed"};
    int got[4] = {ev->eligible, o->recognised, o->exemplary, o->propose};
    for (int i = 0; i < 4; i++) {
        if (lua_getfield(L, eidx, flags[i]) != LUA_TNIL && lua_toboolean(L, -1) != got[i]) {
            say(t, "%s: case %s: expected %s %s, got %s", file, cname, flags[i],
                lua_toboolean(L, -1) ? "true" : "false", got[i] ? "true" : "false");
            ok = 0;
        }
        lua_pop(L, 1);
    }
    int gt = lua_getfield(L, eidx, "gate");
    if (gt != LUA_TNIL) {
        const char *want = gt == LUA_TSTRING ? lua_tostring(L, -1) : NULL;   /* false: none */
        const char *g = ev->gate >= 0 ? p->gates[ev->gate].id : NULL;
        if ((want == NULL) != (g == NULL) || (want && strcmp(want, g) != 0)) {
            say(t, "%s: case %s: expected gate %s, got %s", file, cname,
                want ? want : "none", g ? g : "none");
            ok = 0;
        }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, eidx, "reason") == LUA_TSTRING) {
        const char *want = lua_tostring(L, -1);
        if (!ev->reason || !strstr(ev->reason, want)) {
            say(t, "%s: case %s: expected reason containing \"%s\", got \"%s\"", file, cname,
                want, ev->reason ? ev->reason : "");
            ok = 0;
        }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, eidx, "points") == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            const char *cid = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
            int ci = cid ? dvk_province_criterion(p, cid) : -1;
            if (ci < 0) {
                say(t, "%s: case %s: points: unknown criterion '%s'", file, cname, cid ? cid : "?");
                ok = 0;
            } else {
                double want = lua_tonumber(L, -1);
                double gotp = ev->points[ci];
                if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
                    if (!isnan(gotp)) {
                        say(t, "%s: case %s: expected criterion %s not to apply, got %g points",
                            file, cname, cid, gotp);
                        ok = 0;
                    }
                } else if (isnan(gotp) || fabs(want - gotp) > 0.005) {
                    if (isnan(gotp))
                        say(t, "%s: case %s: expected %g points for %s, got none (%s)", file,
                            cname, want, cid, ev->eligible ? "criterion does not apply"
                                                           : "not eligible");
                    else
                        say(t, "%s: case %s: expected %g points for %s, got %g", file, cname,
                            want, cid, gotp);
                    ok = 0;
                }
            }
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return ok;
}

/* Run one test file (path as given, chunk "@path"). */
static int run_test_file(const char *scripts_dir, const char *path, tester *t, dvk_error *err)
{
    size_t len = 0;
    char *src = read_file(path, &len);
    if (!src)
        return dvk_error_set(err, DVK_EIO, "%s: cannot read the test file", path);
    dvk_error e;
    dvk_error_clear(&e);
    dvk_province *p = NULL;
    dvk_eval ev;
    memset(&ev, 0, sizeof ev);
    lua_State *L = dvk_sandbox_new(NULL, scripts_dir, NULL, &e);
    char chunk[4200];
    snprintf(chunk, sizeof chunk, "@%s", path);
    if (!L) {
        free(src);
        return dvk_error_set(err, e.code, "%s", e.msg);
    }
    int rc = dvk_sandbox_load(L, src, len, chunk, NULL, &e);
    if (rc == DVK_OK)
        rc = dvk_sandbox_call(L, 0, 1, &e);
    free(src);
    if (rc != DVK_OK) {
        say(t, "%s: %s", path, e.msg);
        t->failed++;
        goto done;
    }
    int d = lua_gettop(L);
    int line = 0;
    if (!lua_istable(L, d) || !dvk_sandbox_marked(L, d, "test", &line)) {
        say(t, "%s:1: the file must return dvk.test{...}", path);
        t->failed++;
        goto done;
    }
    lua_getfield(L, d, "province");
    const char *pcode = lua_tostring(L, -1);
    char code[128];
    snprintf(code, sizeof code, "%s", pcode ? pcode : "");
    lua_pop(L, 1);
    lua_getfield(L, d, "year");
    int year = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, d, "level");
    char level[32];
    snprintf(level, sizeof level, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
    if (!(p = dvk_script_load(L, code, &e))) {
        say(t, "%s:%d: %s", path, line, e.msg);
        t->failed++;
        goto done;
    }
    if (year <= 0 || dvk_province_level(p, level) < 0) {
        say(t, "%s:%d: dvk.test needs year and one of the province's levels (found year %d, "
               "level '%s')", path, line, year, level);
        t->failed++;
        goto done;
    }
    if (lua_getfield(L, d, "units") == LUA_TTABLE && preload_units(L, -1, &e) != DVK_OK) {
        say(t, "%s:%d: %s", path, line, e.msg);
        t->failed++;
        goto done;
    }
    lua_pop(L, 1);
    dvk_script_ctx c;
    memset(&c, 0, sizeof c);
    c.year = year;
    c.level = level;
    dvk_script_push_ctx(L, p, &c, &e);                      /* d ctx */
    int cidx = lua_gettop(L);
    if (dvk_eval_init(&ev, p->ncriteria) != DVK_OK) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (lua_getfield(L, d, "cases") != LUA_TTABLE) {
        say(t, "%s:%d: dvk.test needs cases = {...}", path, line);
        t->failed++;
        goto done;
    }
    int cases = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, cases);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, cases, i);                              /* case */
        int ci = lua_gettop(L);
        char cname[256];
        lua_getfield(L, ci, "name");
        snprintf(cname, sizeof cname, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
        lua_pop(L, 1);
        if (!cname[0])
            snprintf(cname, sizeof cname, "#%lld", (long long)i);
        if (lua_getfield(L, ci, "model") != LUA_TTABLE ||
            lua_getfield(L, ci, "expect") != LUA_TTABLE) {
            say(t, "%s: case %s: needs model = {...} and expect = {...}", path, cname);
            t->failed++;
            lua_settop(L, cases);
            continue;
        }
        push_fixture_model(L, ci + 1, "test-unit", year, level);      /* case model expect m */
        lua_getfield(L, ci + 1, "code");
        char mcode[128];
        snprintf(mcode, sizeof mcode, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "TEST");
        lua_pop(L, 1);
        if (dvk_script_eval(L, p, -1, cidx, mcode, &ev, &e) != DVK_OK) {
            say(t, "%s: case %s: %s", path, cname, e.msg);
            t->failed++;
        } else if (check_case(L, t, path, cname, p, ci + 2, &ev)) {
            t->passed++;
        } else {
            t->failed++;
        }
        lua_settop(L, cases);
    }
    rc = DVK_OK;
done:
    dvk_eval_free(&ev, p ? p->ncriteria : 0);
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    return rc;
}

int dvk_script_test(const char *scripts_dir, char **files, int nfiles,
                    void (*out)(void *ud, const char *line), void *ud,
                    int *passed, int *failed, dvk_error *err)
{
    tester t = {out, ud, 0, 0};
    int rc = DVK_OK;
    if (nfiles > 0) {
        for (int i = 0; i < nfiles && rc == DVK_OK; i++)
            rc = run_test_file(scripts_dir, files[i], &t, err);
    } else {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/provinces", scripts_dir);
        int n = 0;
        char **names = list_dir(dir, is_test_file, &n);
        for (int i = 0; i < n && rc == DVK_OK; i++) {
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            rc = run_test_file(scripts_dir, path, &t, err);
        }
        free_list(names, n);
    }
    *passed = t.passed;
    *failed = t.failed;
    return rc;
}
