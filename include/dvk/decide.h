/* decide.h: recognition runs: candidates of a (province, year, level[, unit]) streamed from
 * SQLite through the province script, ranks, quotas, and the run stored whole (runs, results
 * with each model's packed scores, audit) in one BEGIN IMMEDIATE transaction, and the summary
 * it returns. Listing, explaining, finalizing and diffing stored runs are in runs.h (included
 * here). Writes only runs, results (scores packed in results.scores, scores.h) and audit_log
 * (through dvk_store_audit); never changes the schema. */
#ifndef DVK_DECIDE_H
#define DVK_DECIDE_H

#include <signal.h>
#include "dvk/buf.h"
#include "dvk/error.h"
#include "dvk/runs.h"
#include "dvk/store.h"

struct dvk_province;   /* dvk/script.h */
struct dvk_units;      /* dvk/units.h */

typedef struct dvk_decide_opts {
    const char *province;     /* province code = root unit code = scripts/provinces/<code>.lua */
    int year;
    const char *level;        /* one of the province's levels */
    const char *unit;         /* scope to this unit's subtree, or NULL */
    int dry_run;              /* evaluate everything, write nothing */
    const char *actor;        /* audit actor ($USER), NULL: "dvk" */
    double wall_seconds;      /* deadline of the whole run; 0: DVK_DECIDE_WALL_SECONDS */
    /* progress (may be NULL): called every few hundred models */
    void (*progress)(void *ud, long long done, long long total);
    void *progress_ud;
    /* print() output of scripts (may be NULL: discarded) */
    void (*print)(void *ud, const char *s, size_t n);
    void *print_ud;
    /* set to non-zero (from a SIGINT handler) to stop the run: checked between models and,
     * through the sandbox's interrupt, inside scripts; the run ends with DVK_EINTR and
     * nothing is written. May be NULL. */
    volatile sig_atomic_t *interrupted;
    /* decide even though eligible candidates have no council scores (see dvk_decide) */
    int allow_missing_scores;
    /* the caller holds a write transaction (dvk_store_begin) and commits or rolls it back:
     * the run is written inside it, as a savepoint (dvk_decide_each) */
    int in_transaction;
    /* no candidates is not an error: DVK_OK with sum->candidates = 0, sum->run = 0, and
     * nothing written */
    int empty_ok;
} dvk_decide_opts;

#define DVK_DECIDE_MAX_OUTCOMES 32
#define DVK_DECIDE_WALL_SECONDS 3600.0   /* a whole run, however many models */

typedef struct dvk_decide_summary {
    long long run;            /* run id; 0 for a dry run */
    long long candidates, eligible, recognised, exemplary, proposed, demoted;
    int noutcomes;
    char outcome_id[DVK_DECIDE_MAX_OUTCOMES][64];
    char outcome_name[DVK_DECIDE_MAX_OUTCOMES][256];
    long long outcome_count[DVK_DECIDE_MAX_OUTCOMES];
    char script_path[256];    /* "scripts/provinces/<code>.lua" */
    long long missing_scores; /* eligible candidates without council scores (allowed) */
} dvk_decide_summary;

/* Run a decision. On DVK_OK *sum describes it (sum->run is the new runs.id unless dry run).
 * A script error on any model stops the run with "scripts/provinces/x.lua:LINE: model M,
 * criterion C: msg"; nothing is written. Refused with DVK_EDATA, nothing written (dry run
 * or not):
 * - no candidates: "no candidates for P Y L[ unit U]: nothing decided";
 * - what dvk_check (without evaluating) calls an error, before any candidate is evaluated:
 *   "dvk check finds N errors: ...; nothing decided";
 * - missing council scores: when any model of (province, year) has appraisal rows at the
 *   run's level (the office scores by council that year, at that level), every eligible
 *   candidate must have at least one there;
 *   those without are counted and the first 10 named, unless o->allow_missing_scores (then
 *   sum->missing_scores counts them). A rule on data, not on the script: the engine cannot
 *   tell which criteria read m.appraisal. */
int dvk_decide(dvk_store *s, const char *scripts_dir, const dvk_decide_opts *o,
               dvk_decide_summary *sum, dvk_error *err);
/* One deciding unit of dvk_decide_each: its code and name, and its run's summary
 * (sum.run = 0 and sum.candidates = 0 when no model of the unit was a candidate). */
typedef struct dvk_decide_unit {
    char code[256];
    char name[256];
    dvk_decide_summary sum;
} dvk_decide_unit;

/* Decide (o->province, o->year, o->level) once for every deciding unit of that level, each
 * run scoped to its unit (o->unit must be NULL). The deciding units are the province's units
 * that exist on 31 December of the year (valid_from .. valid_to): at the province's lowest
 * level (co-so) every such unit with no such unit under it (communes, wards, agencies, mass
 * organisations: each recognises its own models), at a middle level (huyen) every such unit
 * directly under the province. The top level is refused (DVK_EUSAGE): the province decides
 * it in one run. A unit none of whose models is a candidate gets no run. Every run is
 * written in one transaction: when any unit's run fails (a script error, missing council
 * scores, an interrupt), nothing is written and err says which unit, "unit U: msg". With
 * o->dry_run nothing is written in any case. *units (free()) and *n are set on DVK_OK, in
 * unit code order. */
int dvk_decide_each(dvk_store *s, const char *scripts_dir, const dvk_decide_opts *o,
                    dvk_decide_unit **units, size_t *n, dvk_error *err);

/* The level whose proposals reach level index li of p in year: the nearest lower level
 * that still exists that year (dvk_level_in_year: from 2025 the district level is gone, so
 * the communes' proposals reach the province); NULL at the lowest level. */
const char *dvk_level_below(const struct dvk_province *p, int li, int year);

/* The candidates of (o->province, o->year, o->level[, o->unit]) exactly as dvk_decide reads
 * them: a prepared statement over DVK_SCRIPT_MODEL_COLS (script.h) in model-code order,
 * bound; below is the level under o->level whose proposals are candidates too (NULL at the
 * lowest level). o->unit must be a unit of the province (t: the province's unit tree). With
 * light, only the columns id (0), code (1), name (2), field (5), started_on (9) and unit
 * (14) are read (the others are NULL): a pass that builds no model objects. */
sqlite3_stmt *dvk_decide_candidates(dvk_store *s, const dvk_decide_opts *o,
                                    const struct dvk_units *t, const char *below, int light,
                                    dvk_error *err);

/* ------------------------------------------------------------------ check (check.c) */

/* `dvk check`: what would go wrong if (province, year, level[, unit]) were decided now.
 * Errors (a decision would be wrong; `dvk decide` refuses them): candidates whose unit is
 * not in the province's unit tree; candidates whose field the script does not declare (when
 * it declares fields); candidates that started after the cutoff (started_on > ctx.cutoff);
 * council criteria with fewer scores at the level than council.min_members when
 * council.below = "error"; with evaluate, any script error on a candidate (each named,
 * the run goes on to the next). Warnings: with evaluate, metrics the script read that
 * candidates lack (by name, with how many candidates lacked each); models that
 * council.min_members makes ineligible (below = "ineligible"); eligible candidates without
 * any council score at the level while others have some (decide refuses them unless
 * --allow-missing-scores). */
typedef struct dvk_check_opts {
    const char *province;
    int year;
    const char *level;        /* NULL: every level of the province, lowest first */
    const char *unit;         /* NULL: the whole province */
    int evaluate;             /* run the script over every candidate (dvk check; decide: 0,
                                 it evaluates them itself) */
} dvk_check_opts;

typedef struct dvk_check_item {
    int error;                /* 1 error, 0 warning */
    char *level;              /* the level checked */
    char *text;               /* one line, no newline */
} dvk_check_item;

typedef struct dvk_check_report {
    size_t n, cap;
    dvk_check_item *items;    /* in the order found: by level, then by kind */
    long long errors, warnings, candidates;
} dvk_check_report;

#define DVK_CHECK_NAMED 10        /* models named per finding; the rest counted */

int dvk_check(dvk_store *s, const char *scripts_dir, const dvk_check_opts *o,
              dvk_check_report *rep, dvk_error *err);
void dvk_check_report_free(dvk_check_report *rep);
/* The report as `dvk check` prints it: one line per finding ("error: ..."/"warning: ...",
 * "level L: " first), then a count line. 0, or -1 when out of memory. */
int dvk_check_report_text(const dvk_check_report *rep, const dvk_check_opts *o, dvk_buf *b);

/* The summary as `dvk decide` prints it (also for --dry-run), from the summary and the
 * options the run was made with, appended to b. 0, or -1 when out of memory. */
int dvk_decide_summary_text(const dvk_decide_summary *sum, const dvk_decide_opts *o,
                            dvk_buf *b);

/* The display name of a level id ("co-so" -> "cơ sở", "huyen" -> "huyện", "tinh" ->
 * "tỉnh"), as quota reasons write it ("cấp tỉnh"). The province description names its levels
 * by id only (levels = {"co-so", "huyen", "tinh"}), so the names are this one table until it
 * carries them; p may be NULL. An unknown id is returned as is. (engine/decide/levels.c) */
const char *dvk_level_name(const struct dvk_province *p, const char *id);
/* The same as a heading or a table row names it: "Cấp cơ sở" (unknown: id itself). */
const char *dvk_level_title(const struct dvk_province *p, const char *id);
/* 1 when level id still recognises models at the year-end review of year: 0 for "huyen" from
 * 2025 (the district level ended on 30/06/2025, Resolution 203/2025/QH15). dvk_decide refuses
 * such a level, and the level below another is the nearest lower one that still exists (a
 * province with {"co-so", "huyen", "tinh"}: from 2025 the communes' and agencies' proposals
 * are the province's candidates). */
int dvk_level_in_year(const char *id, int year);

#endif
