/* query.h: the `dvk` Lua module seen by the REPL and batch scripts (engine/lua/): the query
 * API (dvk.models, dvk.units, dvk.runs, dvk.result, dvk.explain, dvk.score, dvk.diff; writes
 * only through dvk.decide and dvk.finalize, the engine's own operations), the one table
 * that says which function is in the module of which context, and the SQL builder behind
 * dvk.models: filters become one SELECT with bound parameters (identifiers and ORDER BY
 * columns come only from constant tables), answered with the store's indexes. Reads units
 * (through the unit tree, dvk/units.h), models, runs, results and result_scores; writes
 * nothing itself (dvk_decide and dvk_runs_finalize do). Also formats Lua values as tables
 * for the REPL and `dvk exec`.
 *
 * The files of engine/lua/: one per Lua class or group of functions, each with an API
 * comment above every function scripts call.
 *   models_sql.c  the SQL builder (dvk_query_models_sql, dvk_sql_*)
 *   lua_module.c  the registration table (DVK_MODULE) and dvk_query_register
 *   lua_common.c  per-state data (province, output, the unit tree) and shared helpers
 *   lua_models.c  dvk.models and the lazy query class
 *   lua_units.c   dvk.units
 *   lua_runs.c    dvk.runs, dvk.result, dvk.explain, dvk.score, dvk.decide, dvk.finalize,
 *                 dvk.diff
 *   lua_format.c  dvk_query_format and dvk.format */
#ifndef DVK_QUERY_H
#define DVK_QUERY_H

#include <signal.h>
#include <lua.h>
#include <sqlite3.h>
#include "dvk/error.h"
#include "dvk/store.h"
#include "dvk/table.h"
#include "dvk/units.h"

/* ---- the SQL builder (models_sql.c) ---- */

/* Filters over models; NULL / 0 means "any". Strings are borrowed. */
typedef struct dvk_model_filter {
    const char *province;     /* models.province */
    const char *unit;         /* the unit's members by the tree's membership rule with
                                 DVK_UNITS_MERGED (dvk/units.h): itself, its subtree, and
                                 units merged into any of them */
    const char *field, *level, *kind, *category, *registration;
    const char *code;         /* one model by code */
    const char *search;       /* every word of dvk_text_key(search) in models.name_key */
    int year;                 /* 0: any */
    long long limit;          /* 0: no limit */
    long long offset;
    const char *order;        /* "code" (default), "name", "year", ...; "-year" or
                                 "year desc" for descending; only listed columns */
} dvk_model_filter;

#define DVK_SQL_MAX_PARAMS 32

/* A statement's text and its parameters (?1..?n in order), owned by the struct. */
typedef struct dvk_sql {
    char *text;
    int nparams;
    struct {
        int is_text;
        long long i;
        char *s;
    } params[DVK_SQL_MAX_PARAMS];
} dvk_sql;

enum {
    DVK_QUERY_ROWS = 0,   /* the model columns of DVK_QUERY_COLUMNS, ordered, limited */
    DVK_QUERY_COUNT,      /* one row: count(*) (limit and offset apply) */
    DVK_QUERY_GROUP       /* rows (key, count) by a column, most frequent first */
};

/* Columns of a DVK_QUERY_ROWS statement, in order. */
#define DVK_QUERY_COLUMNS "id, code, name, unit, province, kind, category, field, level, " \
    "year, registration, started_on, address, description, metrics"

/* Build the statement for filter f. units is the unit tree (dvk_units_load) that f->unit is
 * resolved in; it may be NULL when f->unit is NULL (a unit filter without a tree is
 * DVK_EUSAGE). group_by names the column for DVK_QUERY_GROUP (province, unit, field,
 * level, kind, category, registration, year). A bad order or group column, a negative
 * limit or a search with no words is DVK_EUSAGE naming what was wrong. On success out owns
 * its text and parameters (free with dvk_sql_free); on failure out is empty. */
int dvk_query_models_sql(const dvk_model_filter *f, const dvk_units *units, int what,
                         const char *group_by, dvk_sql *out, dvk_error *err);
/* Add one parameter (the next ?n) to q: a copy of s / the integer v. DVK_EUSAGE past
 * DVK_SQL_MAX_PARAMS, DVK_ENOMEM. For statements built elsewhere (dvk.units, dvk.runs). */
int dvk_sql_add_text(dvk_sql *q, const char *s, dvk_error *err);
int dvk_sql_add_int(dvk_sql *q, long long v, dvk_error *err);
/* Prepare q on s and bind every parameter. NULL with err set on failure. */
sqlite3_stmt *dvk_sql_prepare(dvk_store *s, const dvk_sql *q, dvk_error *err);
/* Free q's text and parameters (q may be NULL); q is empty again. */
void dvk_sql_free(dvk_sql *q);
/* Count the models matching f; units as for dvk_query_models_sql (NULL: loaded here when f
 * has a unit). -1 with err set on failure. */
long long dvk_query_count(dvk_store *s, const dvk_units *units, const dvk_model_filter *f,
                          dvk_error *err);
/* The pattern for "contains needle" in a LIKE ... ESCAPE '\' clause: %, _ and \ escaped,
 * wrapped in %. malloc'd; NULL when out of memory. */
char *dvk_query_like_pattern(const char *needle);

/* ---- the `dvk` module of each context (lua_module.c) ---- */

/* The contexts a sandbox runs in, as a bit set: which of them a function is registered in. */
enum {
    DVK_CTX_REPL = 1 << 0,       /* dvk repl */
    DVK_CTX_EXEC = 1 << 1,       /* dvk exec FILE, dvk -e CODE */
    DVK_CTX_PROVINCE = 1 << 2,   /* province scripts during dvk decide */
    DVK_CTX_REPORT = 1 << 3,     /* report scripts (dvk report) */
    DVK_CTX_TEST = 1 << 4        /* province tests (dvk test) */
};
/* The only contexts where a function that writes to the database may be registered: a
 * person (or their batch script) asked for the write. */
#define DVK_CTX_WRITERS (DVK_CTX_REPL | DVK_CTX_EXEC)

enum {
    DVK_MODULE_WRITES = 1        /* writes to the database (through an engine operation) */
};

/* One function of the `dvk` module. */
typedef struct dvk_module_entry {
    const char *name;            /* dvk.<name> */
    lua_CFunction fn;
    unsigned contexts;           /* DVK_CTX_* it is registered in */
    unsigned flags;              /* DVK_MODULE_* */
    const char *const *filters;  /* the keys of its filter table (NULL-terminated; NULL:
                                    none), for completion and error messages */
} dvk_module_entry;

/* The registration table (lua_module.c), ending with an entry whose name is NULL. */
const dvk_module_entry *dvk_query_module(void);

/* Add the functions of DVK_MODULE registered in context (one DVK_CTX_* bit) to the `dvk`
 * module of the sandbox L (dvk_sandbox_register), and the metatables of the classes they
 * return. A function flagged DVK_MODULE_WRITES is added only in DVK_CTX_WRITERS, whatever
 * its contexts say. The functions use the sandbox's store; without a store they raise
 * "no database is open". */
int dvk_query_register(lua_State *L, unsigned context, dvk_error *err);

/* ---- the session's state (lua_common.c) ---- */

/* Choose the province that dvk.score uses by default and load its script in L (code NULL:
 * forget it). Reloading the same code re-reads the file (the REPL's .reload). On a script
 * error the previous province stays and err says FILE:LINE. */
int dvk_query_set_province(lua_State *L, const char *code, dvk_error *err);
/* The current province code, or NULL. */
const char *dvk_query_province(lua_State *L);
/* A flag that a SIGINT handler sets (the CLI's): dvk.decide passes it on so that Ctrl-C
 * stops a decision run started from Lua. NULL: none. */
void dvk_query_set_interrupt(lua_State *L, volatile sig_atomic_t *flag);
/* How results print (tostring, the REPL): table mode and the number of rows shown before
 * "… N more rows" (0: all). */
void dvk_query_set_output(lua_State *L, dvk_table_mode mode, int max_rows);

/* The filter names a query function accepts ("models", "where", "units", "runs",
 * "decide": the filters of its DVK_MODULE entry), for completion: up to max of them into
 * names (static strings); returns how many (0 for an unknown function). */
int dvk_query_filter_names(const char *fn, const char **names, int max);

/* ---- formatting (lua_format.c) ---- */

/* Format the value at idx for people: a query result, a model/unit/run record or a list of
 * records as a table in the chosen mode; other tables as a Lua constructor with sorted keys
 * (nested to a few levels); anything else as tostring. Returns a malloc'd string that ends
 * without a newline for scalars and with one for tables; NULL when out of memory. May raise
 * a Lua error (call it inside the sandbox's protected call). */
char *dvk_query_format(lua_State *L, int idx);

#endif
