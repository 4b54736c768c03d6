/* script.h: what province scripts see and what the engine asks of them: the read-only model
 * objects `m` (columns, metrics, m.unit with its parent chain from the unit tree, appraisal,
 * history), the context `ctx` (year, level, cutoff and read-only queries over the province's
 * data), evaluating one model (gates, criteria, outcome), and the province script tests
 * (`dvk test`). The description itself (loading, validating, look-ups, fields sync) is
 * province.h, included here. The full Lua contract is docs/lua-api.md. Owns no table; reads
 * units (through units.h), models, appraisals, results and current_runs; writes nothing.
 *
 * The sources are engine/script/: province.c (description), model.c (m), ctx.c (ctx),
 * eval.c (evaluation), test.c (`dvk test`), state.c (per-state caches and the protected
 * call they share, engine/script/script_internal.h). */
#ifndef DVK_SCRIPT_H
#define DVK_SCRIPT_H

#include <stddef.h>
#include <lua.h>
#include "dvk/coverage.h"
#include "dvk/buf.h"
#include "dvk/error.h"
#include "dvk/province.h"
#include "dvk/store.h"

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
 * (year, level) of c (c NULL: the model's own year and level), ordered by p's levels (p
 * NULL: by the levels of the model's own province). */
int dvk_script_push_model(lua_State *L, const dvk_province *p, long long model_id,
                          const dvk_script_ctx *c, dvk_error *err);

/* Engine-internal (decide.c): the columns a model row must have, in this order, for
 * dvk_script_push_model_row (table alias m), and the push itself: builds `m` from the
 * current row of st, with history relative to (year, level) (0/NULL: the model's own),
 * ordered by the levels of the model's province. */
/* The longest note a criterion, or reason a gate, may give (bytes of UTF-8): an
 * explanation line, not a document. A longer one is an error naming the limit, so a script
 * cannot make a decision store (or hold in memory, outside the Lua state's cap) megabytes
 * per model. */
#define DVK_SCRIPT_NOTE_MAX 2000

#define DVK_SCRIPT_MODEL_COLS "m.id, m.code, m.name, m.kind, m.category, m.field, m.level," \
    " m.year, m.registration, m.started_on, m.address, m.description, m.synthetic," \
    " m.metrics, m.unit, m.province"
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
    char **notes;         /* ncriteria entries: the criterion's note, or NULL (each in
                             note_bufs[i], reused from model to model: valid until the next
                             dvk_script_eval or dvk_eval_reset) */
    dvk_buf *note_bufs;   /* ncriteria entries */
} dvk_eval;

/* dvk check: with on, model objects built from now on in L count the metrics a script
 * reads that the model does not have (each name once per model); off forgets the counts.
 * dvk_script_traced_metrics calls each(name, models) for every such name (any order). */
int dvk_script_trace_metrics(lua_State *L, int on);
int dvk_script_traced_metrics(lua_State *L, void (*each)(void *ud, const char *name,
                                                         long long models), void *ud);
/* Whether criterion ci applies to the model at midx (its applies function; none: 1), into
 * *applies. A script error is DVK_EDATA naming the model and criterion. */
int dvk_script_applies(lua_State *L, const dvk_province *p, int ci, int midx, int cidx,
                       const char *model_code, int *applies, dvk_error *err);

/* Evaluate the model object at stack index midx with the ctx at cidx: gates in order (the
 * first failure decides: catch-all outcome, eligible 0), then every applicable criterion
 * (points must be a number in [0, max]: anything else is DVK_EDATA naming the model,
 * criterion, file and line), total, and the first outcome whose min is met. ev->points and
 * ev->notes must have room for p->ncriteria entries (dvk_eval_init allocates them). */
int dvk_script_eval(lua_State *L, const dvk_province *p, int midx, int cidx,
                    const char *model_code, dvk_eval *ev, dvk_error *err);
int dvk_eval_init(dvk_eval *ev, int ncriteria);
void dvk_eval_reset(dvk_eval *ev, int ncriteria);   /* no notes, no reason; keeps memory */
void dvk_eval_free(dvk_eval *ev, int ncriteria);

/* Script tests (`dvk test`): run each file (paths as given; none: every
 * scripts_dir/provinces/<code>_test.lua, sorted). A file returns dvk.test{province=, year=,
 * level=, units=, cases=}. Each case is evaluated without a database; a failing case calls
 * out(ud, "FILE: case NAME: expected outcome 'x', got 'y'") for each unmet expectation; an
 * error (load or script) counts as one failed case. Counts go to *passed and *failed.
 * Returns DVK_OK unless a file cannot be read at all (then DVK_EIO/DVK_EDATA). */
int dvk_script_test(const char *scripts_dir, char **files, int nfiles,
                    void (*out)(void *ud, const char *line), void *ud,
                    int *passed, int *failed, dvk_error *err);
/* The same, counting into cov (dvk_coverage_new) the lines each script file ran and the
 * gates, criteria, outcomes and quotas of each province the cases reached (`dvk test
 * --coverage`; include/dvk/coverage.h); cov NULL: no coverage, as dvk_script_test. */
int dvk_script_test_cover(const char *scripts_dir, char **files, int nfiles,
                          void (*out)(void *ud, const char *line), void *ud, dvk_coverage *cov,
                          int *passed, int *failed, dvk_error *err);

#endif
