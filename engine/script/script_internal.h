/* script_internal.h: what the files of engine/script share and nothing outside them uses.
 * Per lua_State (kept in its registry, so a state carries its own and frees them on close):
 * the prepared statements scripts' queries use, the unit trees of the provinces touched
 * (units.h, loaded once a province), the unit objects built from them, and the order of each
 * described province's levels. And the protected call through which C code that uses the
 * Lua API (which raises on a failed allocation) runs. Not installed. */
#ifndef DVK_SCRIPT_INTERNAL_H
#define DVK_SCRIPT_INTERNAL_H

#include <lua.h>
#include <sqlite3.h>
#include "dvk/error.h"
#include "dvk/script.h"
#include "dvk/units.h"

/* ---- state.c: statements ---------------------------------------------------------------- */

/* The cached statements; their SQL and result columns are in state.c (CACHE_SQL). */
enum {
    ST_MODEL, ST_APPRAISAL, ST_APPRAISAL_SCORES, ST_APPRAISALS, ST_HISTORY, ST_COUNT, ST_REPL, ST_CTX_HISTORY,
    ST_N
};

/* The prepared, reset statement `which` on the sandbox's store, or NULL without a store.
 * Raises a Lua error when preparing fails (a memory error when memory is short). */
sqlite3_stmt *script_cached(lua_State *L, int which);
/* After the last sqlite3_step (rc) of a statement: a failure is raised (out of memory as a
 * memory error, anything else as "database error: ..."), never taken for "no more rows". */
void script_step_done(lua_State *L, sqlite3_stmt *st, int rc);
/* Raise a memory error (LUA_ERRMEM, as when Lua's own allocation fails). */
int script_raise_nomem(lua_State *L);
/* Push text column col of st's row, or nil when it is NULL. */
void script_push_text_col(lua_State *L, sqlite3_stmt *st, int col);

/* Call fn in protected mode with (ud as a light userdata, then the nargs values on top of
 * the stack) as its arguments, leaving its nres results. A memory error becomes DVK_ENOMEM
 * "out of memory (what)", any other error DVK_EDATA with its message; the arguments are
 * popped and nothing is pushed then, and the cached statements are reset. fn reports its
 * own, non-Lua errors through ud. */
int script_protect(lua_State *L, lua_CFunction fn, void *ud, int nargs, int nres,
                   const char *what, dvk_error *err);

/* ---- state.c: unit trees and levels ----------------------------------------------------- */

/* The unit tree of province (loaded through units.h the first time this state asks, then
 * kept until the state closes), or NULL when the state has no store. Raises on failure. */
const dvk_units *script_units(lua_State *L, const char *province);

/* The key of a levels table that holds the province's council.combine (DVK_COMBINE_*):
 * not a level id (ids have no spaces). */
#define SCRIPT_COMBINE_KEY " combine"
/* Remember the order of p's levels in this state (dvk_script_check does it), and how its
 * council's scores combine. */
void script_set_levels(lua_State *L, const dvk_province *p);
/* Push the levels table {id = rank (0 lowest)} of province and return 1, or push nil and
 * return 0 when no description of it was checked in this state. With load set, a province
 * not yet described is loaded from scripts/provinces (its file then counts among the state's
 * loaded files) before giving up. */
int script_push_levels(lua_State *L, const char *province, int load);
/* 1 when a result of (year, level) came before a run at (at_year, at_level): an earlier
 * year, or the same year at a lower level by the levels table at index ranks (0 or a nil
 * there: no order known, so no result of the same year is earlier). */
int script_earlier(lua_State *L, int ranks, int year, const char *level, int at_year,
                   const char *at_level);

/* ---- model.c ------------------------------------------------------------------------- */

/* Push the read-only unit object of code, {code, name, kind, province, parent}, built from
 * tree t (parent: the parent unit's object, up the tree), cached per state by code. A code
 * that is in neither the cache nor t (or t NULL) gives {code = code}. Raises on failure. */
void script_push_unit(lua_State *L, const dvk_units *t, const char *code);
/* The state's table of unit objects by code (created when absent), pushed. */
void script_push_unit_cache(lua_State *L);
/* Wrap the data table on top into a model object (replacing it): id 0 for fixture models
 * (whose lazy fields are given), history relative to (year, level), levels: the value below
 * the data table (a levels table, a province code to find its levels when first needed,
 * or nil), which is popped too. */
void script_wrap_model(lua_State *L, long long id, int year, const char *level);

/* ---- province.c ---------------------------------------------------------------------- */

/* Sorted names in dir accepted by keep; *n gets the count. malloc'd array of malloc'd
 * strings (free_names); NULL and 0 when the folder cannot be read. */
char **script_list_dir(const char *dir, int (*keep)(const char *), int *n);
void script_free_names(char **v, int n);

#endif
