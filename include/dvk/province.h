/* province.h: a province's description: loading scripts/provinces/<code>.lua in a sandbox,
 * validating what it returns (dvk.province{...}) into a dvk_province, look-ups of its levels,
 * outcomes and criteria by id, its report functions, and the sync of its declared fields
 * into the store. The full Lua contract is docs/lua-api.md. Reads nothing of the store but
 * writes `fields` (dvk_script_sync_fields). The objects scripts see and the evaluation of a
 * model are script.h. */
#ifndef DVK_PROVINCE_H
#define DVK_PROVINCE_H

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
    int council;          /* 1: the council scores it (`council = true`): score sheets list it,
                             council.min_members counts its scores, dvk check looks at it */
} dvk_criterion;

/* How the council's scores of one criterion combine into m.appraisal[id] (`council =
 * {combine = ...}`, docs/lua-api.md "The council"). */
enum { DVK_COMBINE_MEAN = 0, DVK_COMBINE_MEDIAN, DVK_COMBINE_TRIMMED };
/* What happens to a model whose council criterion has fewer scores than min_members. */
enum { DVK_BELOW_ERROR = 0, DVK_BELOW_INELIGIBLE };
/* Which members recuse themselves from a model (a member scores no model of their unit). */
enum { DVK_RECUSAL_UNIT = 0, DVK_RECUSAL_NONE };

/* The council's combined score of the n scores v (lowest first) by combine: mean; median
 * (the middle one, the mean of the two middle ones for an even n); trimmed mean (the highest
 * and the lowest dropped; fewer than 3 scores are all kept). 0 for n = 0. */
double dvk_council_combine(int combine, const double *v, int n);

typedef struct dvk_council {
    int combine;          /* DVK_COMBINE_*; mean by default */
    int min_members;      /* 0: no minimum */
    int below;            /* DVK_BELOW_* */
    int recusal;          /* DVK_RECUSAL_* */
} dvk_council;

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
    int nlevels;  char **levels;           /* the province's own level ids, lowest first */
    int nfields;  dvk_field *fields;
    int ngates;   dvk_gate *gates;
    int ncriteria; dvk_criterion *criteria;
    int noutcomes; dvk_outcome *outcomes;  /* last one has no min: the catch-all */
    int nquotas;  dvk_quota *quotas;
    int nreports; char **reports;          /* report names, sorted bytewise */
    dvk_council council;  /* how the council's scores combine (defaults: mean, no minimum,
                             recusal by unit) */
    int ref;              /* registry reference of the description table */
} dvk_province;

/* Load scripts/provinces/<code>.lua in sandbox L (code: [a-z0-9-]+), check that it returns
 * a valid dvk.province{...} whose code equals the file name, and return the description
 * (malloc'd, free with dvk_province_free). Mistakes are DVK_EDATA
 * "scripts/provinces/x.lua:LINE: msg" (unknown key, duplicate id or level, max <= 0,
 * thresholds out of order, quota naming an unknown level/outcome/criterion, ...). The
 * state remembers the order of the province's levels (model objects and ctx order their
 * history by it). */
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

/* Load every scripts_dir/provinces/<code>.lua (not <code>_test.lua, not names starting with '_') in
 * its own sandbox and upsert its fields into `fields` (province, id, name) in one
 * transaction. Returns the number of province files synced, or -1 with err set (a province
 * that fails to load is an error naming its file; nothing is written then). */
int dvk_script_sync_fields(dvk_store *store, const char *scripts_dir, dvk_error *err);

/* The levels of province `code`, lowest first, as the importer asks for them
 * (dvk_import_levels_fn in import.h; ud: the scripts folder): the `levels` of
 * scripts_dir/provinces/<code>.lua, or, for a province without a script, the levels the
 * store accepts (DVK_STORE_LEVELS). *levels gets a malloc'd array of *n malloc'd ids. A
 * script that fails to load is its error. */
int dvk_script_levels(void *scripts_dir, const char *code, char ***levels, int *n, dvk_error *err);
/* The criteria of province code (a dvk_import_criteria_fn, scripts_dir as ud): their ids and
 * maxima from scripts_dir/provinces/<code>.lua; *n = 0 and NULL arrays for a province
 * without a script. A script that fails to load is its error. */
int dvk_script_criteria(void *scripts_dir, const char *code, char ***ids, double **max, int *n,
                        dvk_error *err);
/* The recusal rule of province code (a dvk_import_recusal_fn, scripts_dir as ud): 1
 * (DVK_IMPORT_RECUSAL_NONE) when its script sets council.recusal = "none", else 0; 0 for a
 * province without a script. A script that fails to load is its error. */
int dvk_script_recusal(void *scripts_dir, const char *code, int *recusal, dvk_error *err);

#endif
