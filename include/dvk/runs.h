/* runs.h: stored recognition runs as data: the run list (with the units of a province that no
 * run covers), a run explained (its header, per-outcome counts and every result, or one
 * model's with its scores, notes and reasons), finalizing a run, and the what-if diff of two
 * runs (the rules that changed and the models that moved), and a final run's receipt. Each
 * query fills a struct the caller frees; each *_text function builds the text the
 * `dvk` command prints from that struct into a dvk_buf (formatting, not printing: cli/ writes
 * the buffer). Reads runs, results, result_scores, models and units (a final run's from its
 * frozen record); writes only runs, audit_log and, at finalize, the frozen record (run_models,
 * run_units, run_appraisals, run_scripts; run_stats through the freeze hook). */
#ifndef DVK_RUNS_H
#define DVK_RUNS_H

#include <stddef.h>
#include <stdio.h>
#include "dvk/buf.h"
#include "dvk/error.h"
#include "dvk/sha256.h"
#include "dvk/sign.h"
#include "dvk/store.h"

/* ------------------------------------------------------------------ the run list */

typedef struct dvk_run_row {
    long long id;
    char *status, *province, *level;   /* status "revoked": a final run revoked whole */
    char *unit;                 /* the run's scope, NULL: the whole province */
    int year;
    long long candidates, recognised, proposed;   /* from the stored summary (0 if none) */
    char *decision;             /* "NUMBER DATE" once final, NULL before */
} dvk_run_row;

/* A unit with models of the year at a level that no run covers (no run of its own, of an
 * ancestor, or of the whole province at that level). */
typedef struct dvk_run_gap {
    char *unit, *name, *level;  /* name: the unit's name, or its code when unknown */
    long long models;
} dvk_run_gap;

typedef struct dvk_run_list {
    size_t nruns;
    dvk_run_row *runs;          /* by id */
    int gaps_listed;            /* 1 when province and year were given (gaps then listed) */
    int year;
    size_t ngaps;
    dvk_run_gap *gaps;          /* by unit, level */
} dvk_run_list;

/* `dvk runs`: every run (province NULL / year 0: no filter), newest last, and when province
 * and year are given, the units without a run. On failure *out is empty. */
int dvk_runs_list(dvk_store *s, const char *province, int year, dvk_run_list *out,
                  dvk_error *err);
void dvk_run_list_free(dvk_run_list *l);
/* The text `dvk runs` prints. 0, or -1 when out of memory (b->oom). */
int dvk_run_list_text(const dvk_run_list *l, dvk_buf *b);

/* ------------------------------------------------------------------ a run explained */

typedef struct dvk_run_info {
    long long id;
    char *province, *level, *status, *script_path, *started_at;
    char *scripts;              /* JSON object: script path -> SHA-256 */
    char *unit;                 /* NULL: the whole province */
    int year;
    char *decision_number, *decision_date;   /* NULL until final */
} dvk_run_info;

typedef struct dvk_run_outcome {
    char *outcome;
    long long count, recognised, exemplary, proposed;
} dvk_run_outcome;

typedef struct dvk_run_score {
    char *criterion;
    double points, max;
    char *note;                 /* NULL: none */
} dvk_run_score;

typedef struct dvk_run_result {
    long long model;            /* models.id */
    char *code, *name, *unit, *kind, *category, *field, *level, *registration;
    int year;
    int eligible;
    char *gate;                 /* the failed gate, NULL when eligible */
    double total;
    char *outcome;
    int rank, recognised, exemplary, proposed;
    char *reason;               /* gate or quota reason, NULL: none */
    int scored;                 /* 1 when scores were read (one model explained) */
    size_t nscores;
    dvk_run_score *scores;      /* in the order the run stored them */
} dvk_run_result;

/* A revocation of a final run (schema version 2). */
typedef struct dvk_run_revocation {
    char *model_code;           /* NULL: the whole run */
    char *number, *date, *reason;
} dvk_run_revocation;

typedef struct dvk_run_explain {
    dvk_run_info run;
    size_t nrevocations;
    dvk_run_revocation *revocations;   /* the whole run's first, then by model code */
    size_t noutcomes;
    dvk_run_outcome *outcomes;  /* by outcome index */
    const char *model_code;     /* the model asked for (borrowed from the caller), or NULL */
    size_t nresults;
    dvk_run_result *results;    /* by rank, code; with model_code only that model's, with
                                   its scores (a whole run's results carry no scores: a run
                                   may hold tens of thousands) */
} dvk_run_explain;

/* `dvk runs show RUN [MODEL]`: the run, its outcome counts and its results (or MODEL's).
 * Unknown run or model: DVK_EDATA. On failure *out is empty. */
int dvk_runs_explain(dvk_store *s, long long run, const char *model_code,
                     dvk_run_explain *out, dvk_error *err);
void dvk_run_explain_free(dvk_run_explain *e);
/* The text `dvk runs show` prints. 0, or -1 when out of memory. */
int dvk_run_explain_text(const dvk_run_explain *e, dvk_buf *b);
/* dvk_runs_explain + dvk_run_explain_text in one (for the Lua bindings): malloc'd text equal
 * to what `dvk runs show RUN [MODEL]` prints, or NULL with err set. With MODEL, each council
 * member's scores at the run's level and who recused follow (dvk_council_model_text). */
char *dvk_runs_explain_text(dvk_store *s, long long run, const char *model_code,
                            dvk_error *err);

/* ------------------------------------------------------------------ finalize */

/* Make a draft run final with a decision number and date (YYYY-MM-DD), recording the run
 * digest in the audit log, in one transaction; the number is stored verbatim. Refused with
 * DVK_EDATA, nothing written: a run already final; a number that is not valid UTF-8 or holds
 * a control or invisible character (dvk_text_check_arg); a date that does not exist
 * (2023-02-31); a superseded draft (a newer run of the same province, year, level and unit
 * exists) unless flags has DVK_FINALIZE_SUPERSEDED; a date outside the run's year and the
 * next (a decision on 2023's models is dated 2023 or 2024) unless flags has
 * DVK_FINALIZE_FORCE_DATE; inputs that changed since decide (dvk_runs_inputs_digest: "models
 * changed since run N was decided; decide again"); a script of runs.scripts missing from the
 * scripts folder or whose SHA-256 changed since decide. Before the run turns final, in the same
 * transaction, the frozen record is written (below), and the run digest covers it. A date not
 * written YYYY-MM-DD, or no number: DVK_EUSAGE.
 * dvk_runs_finalize is dvk_runs_finalize_with without flags (the Lua dvk.finalize). */
enum { DVK_FINALIZE_FORCE_DATE = 1, DVK_FINALIZE_SUPERSEDED = 2 };
int dvk_runs_finalize_with(dvk_store *s, long long run, const char *number, const char *date,
                           const char *actor, unsigned flags, dvk_error *err);
int dvk_runs_finalize(dvk_store *s, long long run, const char *number, const char *date,
                      const char *actor, dvk_error *err);

/* Finalize's options beyond the flags. */
typedef struct dvk_finalize_opts {
    unsigned flags;             /* DVK_FINALIZE_* */
    const char *receipt;        /* once the run is final, write its receipt there
                                   (dvk_runs_write_receipt); NULL: none */
    const dvk_sign_key *sign;   /* sign the decision with the office's key (the signature in
                                   the finalize audit record; see "signatures"); NULL: not */
    const char *scripts_dir;    /* the scripts folder whose files the record keeps (NULL:
                                   dvk_paths_scripts(NULL)) */
    /* called inside finalize's transaction once the record is written and before the run
       turns final, to add to it (the CLI and the Lua dvk.finalize pass dvk_stats_freeze,
       which sits above this module); NULL: nothing */
    int (*freeze)(dvk_store *s, long long run, dvk_error *err);
} dvk_finalize_opts;

/* dvk_runs_finalize_with with options (o may be NULL). A receipt path the output-file rules
 * refuse (outfile.h: a folder, the database) is refused before anything is written. When
 * the receipt cannot be written once the run is final, the run stays final and the error
 * says so (and how to write the receipt again). */
int dvk_runs_finalize_opts(dvk_store *s, long long run, const char *number, const char *date,
                           const char *actor, const dvk_finalize_opts *o, dvk_error *err);

/* Write final run's receipt (dvk_store_receipt) to path (NULL or "-": standard output)
 * through the output-file rules, never over the database. A signed run's receipt also holds
 * its signatures (dvk_runs_receipt_signatures). */
int dvk_runs_write_receipt(dvk_store *s, long long run, const char *path, dvk_error *err);

/* ------------------------------------------------------------------ signatures
 * The office signs a final decision with its Ed25519 key (sign.h) so that rewriting a run
 * and the audit chain, which a forger with the file can do, also needs that key. What is
 * signed, the statement, is the receipt's data as text, one field a line, strings in JSON:
 *   dvk signed decision 1
 *   run N / province / year / level / unit (null: the whole province) / decision_number /
 *   decision_date / digest / audit_count / audit_head
 * (the run digest and the audit chain's count and head before the finalize record, as the
 * fingerprint and the receipt have them). A signature is stored in the audit log, in the
 * run's finalize record (finalize --sign) or in a later "sign" record (a run signed after it
 * was made final): "signature" (base64) and "signed_by" (the key's fingerprint) in its
 * detail. Checking uses only the public key the office gives (never a key from the file). */

/* The statement of final run `run` with the seal's digest, count and head, appended to out
 * (the run's header read from the runs table). */
int dvk_runs_statement(dvk_store *s, long long run, const char *digest, long long count,
                       const char *head, dvk_buf *out, dvk_error *err);

/* Sign final run `run` with k after the fact (`dvk runs receipt N --sign`): the database
 * must pass dvk_store_verify (dvk never signs what it cannot vouch for); a "sign" audit
 * record is appended unless the run already holds a signature by k (*added says which). */
int dvk_runs_sign(dvk_store *s, long long run, const dvk_sign_key *k, const char *actor,
                  int *added, dvk_error *err);

/* Append the run's signatures to a receipt text (the JSON object dvk_store_receipt wrote,
 * ending in "}\n") as "signatures": [{"signed_by": ..., "signature": ...}, ...]; an unsigned
 * run's receipt is left as it is. */
int dvk_runs_receipt_signatures(dvk_store *s, long long run, dvk_buf *receipt, dvk_error *err);

/* How a final run's signature checks against the office's public key. */
enum {
    DVK_SIG_OK,                 /* a signature by the key holds */
    DVK_SIG_UNSIGNED,           /* no signature at all */
    DVK_SIG_OTHER_KEY,          /* signed, but only by other keys */
    DVK_SIG_FORGED              /* signed_by names the key but the signature does not hold:
                                   the run or the log changed after it was signed */
};

typedef struct dvk_run_sigcheck {
    long long run;
    int status;                 /* DVK_SIG_* */
    char *number, *date;        /* the decision */
    char signed_by[DVK_SIGN_FINGERPRINT_SIZE];   /* OK: the key; OTHER_KEY: the (first)
                                   other key's fingerprint; else "" */
    long long record;           /* the audit record holding the signature (0: none) */
} dvk_run_sigcheck;

/* Check every final run (by id) against key; fills *out / *n (free with
 * dvk_run_sigchecks_free). Call it once dvk_store_verify passed: the digest, count and head
 * signed are read from each run's finalize record, which that check ties to the run and
 * the chain. */
int dvk_runs_check_signatures(dvk_store *s, const dvk_sign_public *key, dvk_run_sigcheck **out,
                              size_t *n, dvk_error *err);
void dvk_run_sigchecks_free(dvk_run_sigcheck *v, size_t n);

/* A receipt's signature (text[0..len), name for messages) against key, once
 * dvk_store_verify_receipt passed and gave seal: DVK_EDATA "NAME: ..." when the receipt has
 * no signature, none by key, or key's does not hold over the receipt's statement. */
int dvk_runs_check_receipt_signature(dvk_store *s, const char *name, const char *text,
                                     size_t len, const dvk_store_seal *seal,
                                     const dvk_sign_public *key, dvk_error *err);
/* ------------------------------------------------------------------ the frozen record */

/* A final run keeps what its documents, explanations and exports show (schema version 3):
 * its candidates' model rows (run_models), every unit (run_units), its candidates'
 * appraisals at the run's level (run_appraisals), the script files it was decided with and every library file
 * its reports use, with their texts (run_scripts), and for a whole-province run the year's
 * statistics (run_stats, written by the freeze hook). Finalize writes the record in the
 * transaction that makes the run final; every reader of a final run reads it (the "source"
 * below), so later imports and edits never alter a final decision. */

/* The SHA-256 (hex) of what decide read for run: its candidates' model rows, their
 * appraisals and the units of its province, in a canonical order. decide stores it in the
 * run's summary ("inputs"); finalize refuses when it no longer matches. */
int dvk_runs_inputs_digest(dvk_store *s, long long run, int by_code, char out[65],
                           dvk_error *err);
/* The same digest (by_code) as decide builds it while it reads its candidates, so that they
 * are not read twice: begin; each candidate row (DVK_SCRIPT_MODEL_COLS, in model-code order)
 * before anything converts its values; then, once the run's results are written, end adds
 * the appraisals and units and writes the hex digest into out. by_code 0 hashes the models
 * in the order of their ids, as an earlier dvk did at decide (summary without "inputs_by"). */
typedef struct dvk_runs_inputs {
    dvk_sha256 c;
    size_t used;
    unsigned char buf[4096];
} dvk_runs_inputs;
void dvk_runs_inputs_begin(dvk_runs_inputs *h);
void dvk_runs_inputs_model(dvk_runs_inputs *h, sqlite3_stmt *cand);
int dvk_runs_inputs_end(dvk_store *s, dvk_runs_inputs *h, long long run, char out[65],
                        dvk_error *err);

/* Where run's models and units are read from: 1 for a final run's frozen record, 0 for the
 * live tables (a draft; a run made final before schema version 3), -1 on a database error
 * (err set). */
int dvk_runs_source(dvk_store *s, long long run, dvk_error *err);
/* The SQL joining alias m (models' columns, id = the model) to the results alias r, from
 * source (dvk_runs_source): " JOIN models m ON m.id = r.model" or " JOIN run_models m ON
 * m.run = r.run AND m.id = r.model". The aliases are the caller's constants. */
void dvk_runs_join_models(dvk_buf *b, int source, const char *m, const char *r);
/* The same for the units alias u of the unit code expression code; run is the SQL
 * expression of the run (frozen source only). */
void dvk_runs_join_units(dvk_buf *b, int source, const char *u, const char *code,
                         const char *run);

/* Write the scripts a final run recorded under a new private folder (mkdtemp under $TMPDIR
 * or /tmp) laid out as a scripts folder (provinces/, lib/), for a report rendered from the
 * record; dir gets its path (size 4096). current (may be NULL): today's scripts folder,
 * compared file by file: *changed (may be NULL) gets how many recorded files differ from it
 * (missing or another SHA-256) and first (size 1024, may be NULL) the first one's path
 * ("scripts/lib/x.lua"). A run without recorded scripts: DVK_EDATA. Remove the folder with
 * dvk_runs_scripts_remove. */
int dvk_runs_scripts_write(dvk_store *s, long long run, const char *current, char *dir,
                           int *changed, char *first, dvk_error *err);
/* Compare only (no folder written): as dvk_runs_scripts_write's *changed and first. */
int dvk_runs_scripts_compare(dvk_store *s, long long run, const char *current, int *changed,
                             char *first, dvk_error *err);
void dvk_runs_scripts_remove(const char *dir);

/* ------------------------------------------------------------------ revoke and delete */

/* The revocations of run (whole run first, then by model code) into *out / *n (caller frees
 * with dvk_run_revocations_free). */
int dvk_runs_revocations(dvk_store *s, long long run, dvk_run_revocation **out, size_t *n,
                         dvk_error *err);
void dvk_run_revocations_free(dvk_run_revocation *v, size_t n);

/* Record a revocation decision (Law on Emulation and Commendation 2022, chapter VII) of a
 * final run: the whole run (nmodels 0) or the named models, audited ("revoke") in one
 * transaction. Refused with DVK_EDATA, nothing written: a draft (delete or re-decide it
 * instead); a model that is not a candidate of the run, or already revoked (or the whole run
 * already revoked); a number or reason dvk_text_check_arg refuses; a date that does not exist
 * or is before the run's decision date. A date not written YYYY-MM-DD, no number or no
 * reason: DVK_EUSAGE. */
int dvk_runs_revoke(dvk_store *s, long long run, const char *const *models, size_t nmodels,
                    const char *number, const char *date, const char *reason,
                    const char *actor, dvk_error *err);

/* Delete a draft run with its results and scores, audited ("delete"). A final run: DVK_EDATA
 * (a final run is never deleted; revoke it instead). */
int dvk_runs_delete(dvk_store *s, long long run, const char *actor, dvk_error *err);

/* ------------------------------------------------------------------ the diff of two runs */

typedef struct dvk_diff_score {
    char *criterion;
    int in_a, in_b;             /* 0: not scored in that run */
    double a, b;
} dvk_diff_score;

typedef struct dvk_diff_model {
    long long model;            /* models.id */
    char *code, *name;
    int in_a, in_b;             /* 0: the model is only in the other run */
    char *outcome_a, *outcome_b;   /* NULL where not in the run */
    int rank_a, rank_b;
    double total_a, total_b;
    char *reason;               /* run B's reason, else run A's, NULL: none */
    char *reason_a, *reason_b;  /* each run's reason (gate or quota), NULL: none */
    size_t nscores;
    dvk_diff_score *scores;     /* criteria whose points moved, by criterion; only when the
                                   model is in both runs */
} dvk_diff_model;

/* One changed rule of the scripts, from the "rules" object each run records in its summary
 * (decide.c): an entry (a province's scale_to, an outcome, a quota of the run's level, a
 * gate, a criterion) added or removed, or one of its fields changed. */
typedef struct dvk_diff_rule {
    char *kind;                 /* "province", "outcome", "quota", "gate", "criterion" */
    char *id;                   /* the entry: an id, or "level/outcome" for a quota */
    char *field;                /* "min", "max", "name", ...; NULL: the whole entry was added
                                   (in_b only) or removed (in_a only) */
    int in_a, in_b;             /* the entry, or the field, is in that run's rules */
    char *a, *b;                /* the field's value as text (70, "Công nhận", yes), NULL
                                   where absent or when field is NULL */
} dvk_diff_rule;

typedef struct dvk_run_diff {
    long long a, b;
    int same_scripts;           /* both runs used the same script files (same digests) */
    int rules_a, rules_b;       /* 1 when the run recorded its rules (runs made before dvk
                                   recorded them have none: their rules are not compared) */
    size_t nrules;
    dvk_diff_rule *rules;       /* what changed in the rules, by kind (in the order above),
                                   id, field (the entry's own line first); empty unless both
                                   runs recorded their rules */
    size_t nchanged;
    dvk_diff_model *models;     /* every model whose outcome, rank, total, failed gate or
                                   reason differs, or that is in only one run, by code */
} dvk_run_diff;

/* `dvk diff A B`. Unknown run: DVK_EDATA. On failure *out is empty. */
int dvk_runs_compare(dvk_store *s, long long a, long long b, dvk_run_diff *out,
                     dvk_error *err);
void dvk_run_diff_free(dvk_run_diff *d);
/* The text `dvk diff` prints: "diff run A -> run B (same scripts|scripts differ)"; the rules
 * that changed, one line per entry with its changed fields ("rules:", "  outcome ok: min 50
 * -> 60", "  gate g: added"), or "(rules not recorded for run N)"; then per changed model its
 * outcome, rank and total, the criteria that moved and its reason (both runs' when they
 * differ); then "N models changed". 0, or -1 when out of memory. */
int dvk_run_diff_text(const dvk_run_diff *d, dvk_buf *b);
/* dvk_runs_compare + dvk_run_diff_text in one (for the Lua bindings): malloc'd text equal to
 * what `dvk diff A B` prints, *changed (may be NULL) the number of models that changed; NULL
 * with err set on failure. */
char *dvk_runs_diff_text(dvk_store *s, long long a, long long b, long long *changed,
                         dvk_error *err);

#endif
