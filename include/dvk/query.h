/* query.h: the query API of the `dvk` Lua module (dvk.models, dvk.units, dvk.runs,
 * dvk.result, dvk.explain, dvk.score, dvk.diff; writes only through dvk.decide and
 * dvk.finalize, the engine's own operations) and the SQL builder behind it: filters
 * become one SELECT with bound parameters (identifiers and ORDER BY columns come only from
 * constant tables here), answered with the store's indexes. Reads units, models, runs,
 * results and result_scores; writes nothing itself (dvk_decide and dvk_runs_finalize do).
 * Also formats Lua values as tables for the REPL and `dvk exec`. */
#ifndef DVK_QUERY_H
#define DVK_QUERY_H

#include <signal.h>
#include <lua.h>
#include <sqlite3.h>
#include "dvk/error.h"
#include "dvk/store.h"
#include "dvk/table.h"

/* Filters over models; NULL / 0 means "any". Strings are borrowed. */
typedef struct dvk_model_filter {
    const char *province;     /* models.province */
    const char *unit;         /* the unit's subtree: children, and units merged into it
                                 (successor links), recursively */
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

/* Build the statement for filter f. group_by names the column for DVK_QUERY_GROUP
 * (province, unit, field, level, kind, category, registration, year). A bad order or
 * group column, a negative limit or a search with no words is DVK_EUSAGE naming what was
 * wrong. On success out owns its text and parameters (free with dvk_sql_free). */
int dvk_query_models_sql(const dvk_model_filter *f, int what, const char *group_by,
                         dvk_sql *out, dvk_error *err);
/* Prepare q on s and bind every parameter. NULL with err set on failure. */
sqlite3_stmt *dvk_sql_prepare(dvk_store *s, const dvk_sql *q, dvk_error *err);
void dvk_sql_free(dvk_sql *q);
/* Count the models matching f; -1 with err set on failure. */
long long dvk_query_count(dvk_store *s, const dvk_model_filter *f, dvk_error *err);
/* The pattern for "contains needle" in a LIKE ... ESCAPE '\' clause: %, _ and \ escaped,
 * wrapped in %. malloc'd; NULL when out of memory. */
char *dvk_query_like_pattern(const char *needle);

/* Add dvk.models, dvk.units, dvk.runs, dvk.result, dvk.explain, dvk.score, dvk.diff, the
 * engine operations dvk.decide and dvk.finalize, dvk.format and dvk.current_province to the
 * sandbox L
 * (dvk_sandbox_register). The functions use the sandbox's store; without a store they raise
 * "no database is open". */
int dvk_query_register(lua_State *L, dvk_error *err);
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
 * "decide"), for completion: up to max of them into names (static strings); returns how
 * many (0 for an unknown function). */
int dvk_query_filter_names(const char *fn, const char **names, int max);

/* Format the value at idx for people: a query result, a model/unit/run record or a list of
 * records as a table in the chosen mode; other tables as a Lua constructor with sorted keys
 * (nested to a few levels); anything else as tostring. Returns a malloc'd string that ends
 * without a newline for scalars and with one for tables; NULL when out of memory. May raise
 * a Lua error (call it inside the sandbox's protected call). */
char *dvk_query_format(lua_State *L, int idx);

#endif
