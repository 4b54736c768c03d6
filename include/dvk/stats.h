/* stats.h: the one aggregator of statistics. Every count dvk shows (`dvk stats`, the demo's
 * published figures, run:stats in reports and so every report) comes from here: registered /
 * eligible / recognised / exemplary / proposed models of a province and year, grouped by
 * field, unit, level, kind, registration, category or outcome. Reads models, units, fields,
 * runs and results (the runs that count: current_runs, or a given run); writes nothing.
 *
 * What is counted (dvk_stats_query):
 * - The models: those of the province and year (with successors, also of the provinces
 *   merged into it); with a level L, those registered at L and those the runs at L took up
 *   (candidates proposed from below); with a unit, only those of the unit's scope by the
 *   membership rule of units.h, units merged into it always included. With run_only, the
 *   models are instead the candidates of one run.
 * - The outcomes: a model is recognised (exemplary, proposed, eligible) when a run that
 *   counts says so, once however many do; its outcome is the best one (lowest outcome_index)
 *   they gave it, "" when none took it up. The runs that count are the current runs of the
 *   province and year (of level L when given); a given run takes the place of the current run
 *   of its own province, year, level and unit (so a draft shows what it would make of the
 *   year); with run_only the run alone counts.
 * - Grouping by unit: the units directly under the scope (the unit, else the province) that
 *   existed in the year are all listed, zeros included; a model counts under the unit through
 *   which it belongs to the scope. With successors, a unit that no longer exists is folded
 *   into the row of the unit that stands for it today (grouping rule of units.h with
 *   DVK_UNITS_MERGED); without, it keeps a row of its own. */
#ifndef DVK_STATS_H
#define DVK_STATS_H

#include "dvk/error.h"
#include "dvk/store.h"

typedef enum {
    DVK_BY_FIELD, DVK_BY_UNIT, DVK_BY_LEVEL, DVK_BY_KIND, DVK_BY_REGISTRATION,
    DVK_BY_CATEGORY, DVK_BY_OUTCOME
} dvk_stats_by;
#define DVK_BY_COUNT 7

typedef struct dvk_stats_row {
    char *key;        /* field id, unit code, level, kind, registration, category or outcome */
    char *name;       /* its display name (field or unit name; the key otherwise) */
    long long registered, eligible, recognised, exemplary, proposed;
    int decided;      /* by unit with a level: 1 when the unit has a run at that level */
} dvk_stats_row;

typedef struct dvk_stats {
    int nrows;
    dvk_stats_row *rows;  /* sorted by name in Vietnamese order, then key */
    dvk_stats_row total;  /* key "total" */
} dvk_stats;

typedef struct dvk_stats_query {
    const char *province;  /* the province's code (its root unit) */
    int year;
    const char *level;     /* NULL: every level, each model counted once */
    const char *unit;      /* the scope: NULL for the whole province */
    long long run;         /* 0: the current runs count; else this run (see above) */
    int run_only;          /* with run: count the run's candidates and outcomes only */
    int successors;        /* fold units (and provinces) that no longer exist into successors */
} dvk_stats_query;

/* "field", "unit", "level", "kind", "registration", "category", "outcome" -> dvk_stats_by;
 * -1 when unknown. dvk_stats_by_name is the reverse. */
int dvk_stats_by_parse(const char *s);
const char *dvk_stats_by_name(dvk_stats_by by);

/* Count q's models grouped by each of by[0..nby) into out[0..nby) (one scan for them all).
 * Unknown province: DVK_EDATA "unknown province 'x' (no root unit with that code)"; unknown
 * unit: DVK_EDATA "unknown unit 'x'". On failure every out[i] is empty. Free each with
 * dvk_stats_free. */
int dvk_stats_query_run(dvk_store *s, const dvk_stats_query *q, const dvk_stats_by *by, int nby,
                        dvk_stats *out, dvk_error *err);

/* One grouping of the current runs' counts: dvk_stats_query_run without a run. */
int dvk_stats_compute(dvk_store *s, const char *province, int year, const char *level,
                      const char *unit, dvk_stats_by by, int successors, dvk_stats *out,
                      dvk_error *err);
void dvk_stats_free(dvk_stats *st);

/* A final run's statistics (schema version 3, runs.h "frozen record"): what its reports
 * count (run:stats), kept when it is made final. dvk_stats_freeze counts run's candidates
 * (run_only, at its level and unit) and, for a whole-province run, its year (no level, the
 * run standing for its own), each with and without successors, every grouping, into
 * run_stats; it is finalize's freeze hook (runs.h dvk_finalize_opts). dvk_stats_frozen
 * reads them back (whole: the year's, else the candidates'); *found is 0 (and out empty)
 * when the run kept none. */
int dvk_stats_freeze(dvk_store *s, long long run, dvk_error *err);
int dvk_stats_frozen(dvk_store *s, long long run, int whole, int successors, const dvk_stats_by *by,
                     int nby, dvk_stats *out, int *found, dvk_error *err);

#endif
