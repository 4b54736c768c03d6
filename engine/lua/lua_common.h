/* lua_common.h: what the files of engine/lua/ share, private to the folder (as rspamd's
 * lua_common.h): the per-state data of the `dvk` module (current province, how results
 * print, the unit tree), raising engine errors, reading filter tables, pushing rows, and the
 * C functions the registration table (lua_module.c) names. Functions a script calls are
 * documented where they are defined, above each one. */
#ifndef DVK_LUA_COMMON_H
#define DVK_LUA_COMMON_H

#include <signal.h>
#include <stddef.h>
#include <lua.h>
#include <lauxlib.h>
#include <sqlite3.h>

#include "dvk/error.h"
#include "dvk/query.h"
#include "dvk/script.h"
#include "dvk/store.h"
#include "dvk/table.h"
#include "dvk/units.h"

/* ---- per-state data (lua_common.c) ---- */

/* One per sandbox, kept in the registry and freed with the state. */
typedef struct dvk_lua_state {
    dvk_province *province;              /* the current province (dvk.score), or NULL */
    char code[DVK_SCRIPT_ID_MAX + 1];    /* its code */
    dvk_table_mode mode;                 /* how tables print */
    int max_rows;                        /* rows shown before "... N more rows" (0: all) */
    volatile sig_atomic_t *interrupt;    /* set by the CLI's SIGINT handler, or NULL */
    dvk_units *units;                    /* the unit tree, loaded on first use */
} dvk_lua_state;

/* The state of L (created on first use). */
dvk_lua_state *dvk_lua_state_get(lua_State *L);
/* The sandbox's store; raises "no database is open" without one. */
dvk_store *dvk_lua_store(lua_State *L);
/* The unit tree of the whole database, loaded once per state (the REPL and exec do not
 * import, so it does not go stale; dvk.decide and dvk.finalize do not change units).
 * Raises on failure. */
const dvk_units *dvk_lua_unit_tree(lua_State *L);
/* Raise err's message as a Lua error. Does not return. */
int dvk_lua_error(lua_State *L, const dvk_error *err);
/* Raise the store's message for a failed step (rc) while doing what. Does not return. */
int dvk_lua_step_error(lua_State *L, int rc, const char *what);

/* ---- filter tables ---- */

/* Check that every key of the filter table at idx is one of known (nknown names); the error
 * ("fn: unknown filter 'k' (known: ...)") names the smallest unknown key, so that it does
 * not depend on hash order. */
void dvk_lua_check_keys(lua_State *L, int idx, const char *fn, const char *const *known,
                        size_t nknown);
/* The string at t[key] (t at idx), or NULL when nil; anything else raises. The pointer
 * stays valid while the table holds the value. */
const char *dvk_lua_opt_string(lua_State *L, int idx, const char *fn, const char *key);
/* The integer at t[key] in [lo, hi], or 0 when nil; anything else raises. */
long long dvk_lua_opt_int(lua_State *L, int idx, const char *fn, const char *key,
                          long long lo, long long hi);

/* One condition of a simple filter table (dvk.units, dvk.runs). */
typedef struct dvk_lua_cond {
    const char *key;
    const char *sql;     /* with one "?" */
    int kind;            /* DVK_LUA_TEXT, DVK_LUA_INT, DVK_LUA_SEARCH (a LIKE pattern of the
                            text's search key), DVK_LUA_UNIT (the unit tree's members of the
                            unit, as a JSON array) */
} dvk_lua_cond;
enum { DVK_LUA_TEXT = 0, DVK_LUA_INT, DVK_LUA_SEARCH, DVK_LUA_UNIT };

/* "<head> WHERE 1 AND ... <tail>" from the filter table at idx (absent: no filter) with the
 * conditions conds (at most 16) whose keys are present, prepared and bound. Raises on a bad
 * filter or a database error. */
sqlite3_stmt *dvk_lua_simple_query(lua_State *L, int idx, const char *fn, const char *head,
                                   const dvk_lua_cond *conds, size_t nconds, const char *tail);

/* ---- rows ---- */

/* Push column i of the current row of st as a Lua value (integer, number, string, nil). */
void dvk_lua_push_column(lua_State *L, sqlite3_stmt *st, int i);
/* Push the current row of st as a table keyed by the column names. */
void dvk_lua_push_row(lua_State *L, sqlite3_stmt *st);
/* Replace the table on top with its read-only view. */
void dvk_lua_readonly(lua_State *L);
/* Step st to the end, pushing a read-only list of read-only rows; finalizes st; raises the
 * store's error (doing what) when a step fails. */
void dvk_lua_push_rows(lua_State *L, sqlite3_stmt *st, const char *what);

/* ---- the classes and functions (one file each) ---- */

#define DVK_LUA_QUERY_MT "dvk.models"          /* the lazy query (lua_models.c) */
#define DVK_LUA_CURSOR_MT "dvk.models.cursor"  /* the iterator state of q:each() */

/* lua_models.c: the metatables of the query class and its cursor. */
void dvk_lua_models_open(lua_State *L);
/* The query at idx printed: its first rows as a table (malloc'd); raises on failure. */
char *dvk_lua_query_render(lua_State *L, int idx);
/* The columns a list of models prints with, and their count. */
extern const char *const dvk_lua_model_shown[];
extern const size_t dvk_lua_model_nshown;
/* The filter keys of dvk.models and q:where (NULL-terminated). */
extern const char *const dvk_lua_models_filters[];
int dvk_lua_models(lua_State *L);

/* lua_units.c */
extern const char *const dvk_lua_units_filters[];
int dvk_lua_units(lua_State *L);

/* lua_runs.c */
extern const char *const dvk_lua_runs_filters[];
extern const char *const dvk_lua_decide_filters[];
int dvk_lua_runs(lua_State *L);
int dvk_lua_result(lua_State *L);
int dvk_lua_explain(lua_State *L);
int dvk_lua_score(lua_State *L);
int dvk_lua_decide(lua_State *L);
int dvk_lua_finalize(lua_State *L);
int dvk_lua_diff(lua_State *L);

/* lua_format.c */
int dvk_lua_format(lua_State *L);

/* lua_common.c */
int dvk_lua_current_province(lua_State *L);

#endif
