/* script.h: province scripts: loading scripts/provinces/<code>.lua in a sandbox, validating
 * the description it returns (dvk.province{...}), the model objects `m` and the context
 * `ctx` scripts see, evaluating one model (gates, criteria, outcome), report look-up, the
 * sync of declared fields into the store, and the province script tests (`dvk test`).
 * The full Lua contract is docs/lua-api.md. Owns no table; reads units, models, appraisals,
 * results and current_runs, and writes only `fields` (dvk_script_sync_fields). */
#ifndef DVK_SCRIPT_H
#define DVK_SCRIPT_H

#include <stddef.h>
#include <lua.h>
#include "dvk/error.h"
#include "dvk/store.h"

#define DVK_SCRIPT_ID_MAX 64

typedef struct dvk_field {
    char *id, *name;
} dvk_field;

typedef struct dvk_gate {
    char *id, *name;
    int line;             /* line of its test function in the province file */
    int test_ref, applies_ref;   /* registry references (LUA_NOREF: no applies) */
} dvk_gate;

typedef struct dvk_criterion {
    char *id, *name;
    double max;           /* > 0 */
    int line;             /* line of its score function */
    int score_ref, applies_ref;
} dvk_criterion;

typedef struct dvk_outcome {
    char *id, *name;
    int has_min;          /* 0 only for the last outcome (the catch-all) */
    double min;
    int propose, exemplary, recognised;
} dvk_outcome;

typedef struct dvk_quota {
    char *level;          /* one of the province's levels */
    char *outcome;        /* outcome id; outcome_index is its position */
    int outcome_index;
    long long max;        /* >= 0 */
    int per_unit;         /* per = "unit": counted per owning unit */
    int ntiebreak;
    int *tiebreak;        /* criterion indexes, most significant first */
} dvk_quota;

/* A validated province description. The Lua table stays in the state's registry (ref), so
 * functions (gates, criteria, reports) are called from there. */
typedef struct dvk_province {
    char *code, *name, *basis;
    char *path;           /* "scripts/provinces/<code>.lua" */
    char cutoff[6];       /* "MM-DD" */
    double scale_to;      /* > 0: totals are rescaled to this many points over the applicable
                             criteria; 0: totals are plain sums */
    int nlevels;  char **levels;           /* lowest first */
    int nfields;  dvk_field *fields;
    int ngates;   dvk_gate *gates;
    int ncriteria; dvk_criterion *criteria;
    int noutcomes; dvk_outcome *outcomes;  /* last one has no min: the catch-all */
    int nquotas;  dvk_quota *quotas;
    int nreports; char **reports;          /* report names, sorted bytewise */
    int ref;              /* registry reference of the description table */
} dvk_province;

/* Load scripts/provinces/<code>.lua in sandbox L (code: [a-z0-9-]+), check that it returns
 * a valid dvk.province{...} whose code equals the file name, and return the description
 * (malloc'd, free with dvk_province_free). Mistakes are DVK_EDATA
 * "scripts/provinces/x.lua:LINE: msg" (unknown key, duplicate id, max <= 0, thresholds out of
 * order, quota naming an unknown level/outcome/criterion, ...). */
dvk_province *dvk_script_load(lua_State *L, const char *code, dvk_error *err);
/* Same for a description already on top of the stack (popped), as returned by a chunk named
 * chunkname (used by the REPL and tests). */
dvk_province *dvk_script_check(lua_State *L, const char *chunkname, dvk_error *err);
/* Release p and its registry reference (L may be NULL after the state is closed). */
void dvk_province_free(lua_State *L, dvk_province *p);

/* Index of a level / outcome / criterion by id, or -1. */
int dvk_province_level(const dvk_province *p, const char *level);
int dvk_province_outcome(const dvk_province *p, const char *id);
int dvk_province_criterion(const dvk_province *p, const char *id);

/* Push the province's report function `name` (reports = {name = function(run, doc)}) and
 * return 1, or push nothing and return 0 when the province has no such report. */
int dvk_script_report(lua_State *L, const dvk_province *p, const char *name);
/* Push the description table itself (read-only view), e.g. for report templates. */
void dvk_script_push_province(lua_State *L, const dvk_province *p);

/* The evaluation context of a run: ctx seen by scripts. */
typedef struct dvk_script_ctx {
    int year;
    const char *level;    /* one of p->levels */
    const char *unit;     /* scope unit of the run, or NULL */
    char cutoff[11];      /* "YYYY-MM-DD" from year and p->cutoff */
} dvk_script_ctx;

/* Push the ctx table for p (read-only; helpers read the sandbox's store, or answer 0/{} when
 * the state has no store). */
int dvk_script_push_ctx(lua_State *L, const dvk_province *p, const dvk_script_ctx *c,
                        dvk_error *err);
/* Push the read-only model object `m` for models.id = model_id, with history relative to
 * (year, level) of c (c NULL: the model's own year and level). */
int dvk_script_push_model(lua_State *L, const dvk_province *p, long long model_id,
                          const dvk_script_ctx *c, dvk_error *err);

/* Engine-internal (decide.c): the columns a model row must have, in this order, for
 * dvk_script_push_model_row (table alias m), and the push itself: builds `m` from the
 * current row of st, with history relative to (year, level) (0/NULL: the model's own). */
#define DVK_SCRIPT_MODEL_COLS "m.id, m.code, m.name, m.kind, m.category, m.field, m.level," \
    " m.year, m.registration, m.started_on, m.address, m.description, m.synthetic," \
    " m.metrics, m.unit"
int dvk_script_push_model_row(lua_State *L, sqlite3_stmt *st, int year, const char *level,
                              dvk_error *err);

/* One model's evaluation before quotas. */
typedef struct dvk_eval {
    int eligible;         /* 1 when every applicable gate passed */
    int gate;             /* index of the first failed gate, or -1 */
    char *reason;         /* malloc'd: gate failure reason (Vietnamese), or NULL */
    double total;         /* rounded half-up to 0.01 */
    int outcome;          /* index into p->outcomes */
    double *points;       /* ncriteria entries; NaN when the criterion does not apply */
    char **notes;         /* ncriteria entries (malloc'd or NULL) */
} dvk_eval;

/* Evaluate the model object at stack index midx with the ctx at cidx: gates in order (the
 * first failure decides: catch-all outcome, eligible 0), then every applicable criterion
 * (points must be a number in [0, max]: anything else is DVK_EDATA naming the model,
 * criterion, file and line), total, and the first outcome whose min is met. ev->points and
 * ev->notes must have room for p->ncriteria entries (dvk_eval_init allocates them). */
int dvk_script_eval(lua_State *L, const dvk_province *p, int midx, int cidx,
                    const char *model_code, dvk_eval *ev, dvk_error *err);
int dvk_eval_init(dvk_eval *ev, int ncriteria);
void dvk_eval_reset(dvk_eval *ev, int ncriteria);   /* free notes/reason, keep arrays */
void dvk_eval_free(dvk_eval *ev, int ncriteria);

/* Load every scripts_dir/provinces/<code>.lua (not <code>_test.lua, not names starting with '_') in
 * its own sandbox and upsert its fields into `fields` (province, id, name) in one
 * transaction. Returns the number of province files synced, or -1 with err set (a province
 * that fails to load is an error naming its file; nothing is written then). */
int dvk_script_sync_fields(dvk_store *store, const char *scripts_dir, dvk_error *err);

/* The levels of province `code`, lowest first, as the importer asks for them
 * (dvk_import_levels_fn in import.h; ud: the scripts folder): the `levels` of
 * scripts_dir/provinces/<code>.lua, or, for a province without a script, every level a
 * script may declare. *levels gets a malloc'd array of *n malloc'd ids. A script that fails
 * to load is its error. */
int dvk_script_levels(void *scripts_dir, const char *code, char ***levels, int *n, dvk_error *err);

/* Script tests (`dvk test`): run each file (paths as given; none: every
 * scripts_dir/provinces/<code>_test.lua, sorted). A file returns dvk.test{province=, year=,
 * level=, units=, cases=}. Each case is evaluated without a database; a failing case calls
 * out(ud, "FILE: case NAME: expected outcome 'x', got 'y'") for each unmet expectation; an
 * error (load or script) counts as one failed case. Counts go to *passed and *failed.
 * Returns DVK_OK unless a file cannot be read at all (then DVK_EIO/DVK_EDATA). */
int dvk_script_test(const char *scripts_dir, char **files, int nfiles,
                    void (*out)(void *ud, const char *line), void *ud,
                    int *passed, int *failed, dvk_error *err);

#endif
