/* decide.h: recognition runs: candidates of a (province, year, level[, unit]) streamed from
 * SQLite through the province script, ranks, quotas, and the run stored whole (runs, results,
 * result_scores, audit) in one BEGIN IMMEDIATE transaction; listing runs, explaining a model,
 * finalizing a run, and diffing two runs. Writes only runs, results, result_scores and
 * audit_log (through dvk_store_audit); never changes the schema. */
#ifndef DVK_DECIDE_H
#define DVK_DECIDE_H

#include <signal.h>
#include <stdio.h>
#include "dvk/error.h"
#include "dvk/store.h"

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
} dvk_decide_summary;

/* Run a decision. On DVK_OK *sum describes it (sum->run is the new runs.id unless dry run).
 * A script error on any model stops the run with "scripts/provinces/x.lua:LINE: model M,
 * criterion C: msg"; nothing is written. */
int dvk_decide(dvk_store *s, const char *scripts_dir, const dvk_decide_opts *o,
               dvk_decide_summary *sum, dvk_error *err);
/* Write the summary as the CLI prints it (also used by --dry-run). */
void dvk_decide_print_summary(const dvk_decide_summary *sum, const dvk_decide_opts *o,
                              FILE *out);

/* `dvk runs`: one line per run (id, status, province, year, level, unit, candidates,
 * recognised, script digest, decision number), newest last. Filters may be NULL/0. Also
 * lists, when province and year are given, the units of the province that have no run. */
int dvk_runs_list(dvk_store *s, const char *province, int year, FILE *out, dvk_error *err);
/* `dvk runs show N [MODEL]`: the run header and per-outcome counts, then every result (or
 * only MODEL's) with gates, each criterion's points and note, total, outcome, rank and the
 * quota effect. Unknown run or model: DVK_EDATA. */
int dvk_runs_show(dvk_store *s, long long run, const char *model_code, FILE *out,
                  dvk_error *err);
/* Make a draft run final with a decision number and date (YYYY-MM-DD), recording the run
 * digest in the audit log, in one transaction. Already final: DVK_EDATA. */
int dvk_runs_finalize(dvk_store *s, long long run, const char *number, const char *date,
                      const char *actor, dvk_error *err);
/* `dvk diff A B`: every model whose outcome or rank differs between the runs (or that is in
 * only one of them), with the criteria whose points moved. *changed gets the count. */
int dvk_runs_diff(dvk_store *s, long long a, long long b, FILE *out, long long *changed,
                  dvk_error *err);

#endif
