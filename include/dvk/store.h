/* store.h: the SQLite database: opening a connection with dvk's settings, the schema and its
 * versioned migrations, transactions, the audit log with its hash chain, and look-ups of
 * units and fields that several modules share. Other modules prepare their own statements
 * against the tables below (bound values only); they must not change the schema. One
 * exception: a bulk import (csvio.c) may drop the models table's secondary indexes inside
 * its own transaction and recreates them from dvk's own SQL (dvk_store_model_indexes) before COMMIT, so the schema
 * after the import is identical. The view current_runs and the triggers are never touched.
 *
 * Schema (version DVK_SCHEMA_VERSION):
 *   units(code PK, name, name_key, kind, parent -> units, province, valid_from, valid_to,
 *         successor -> units)                   province = code of the root of its tree
 *   fields(province, id, name, PK(province,id))   declared by the province scripts/datasets
 *   models(id PK, code UNIQUE, name, name_key, unit -> units, province, kind, category,
 *          field, level, year, registration, started_on, address, description,
 *          metrics (JSON object of numbers), synthetic 0|1)
 *          indexes (province, year, level), (unit, year), (name_key), (province, year, code);
 *          (province, field) until migration 7 (numbered 6 until the merge with migration 6)
 *   appraisals(model -> models, level (the council's round), criterion, appraiser, score,
 *           note, origin (the score sheet it came from), PK(model,level,criterion,appraiser))
 *   appraisers(province, code, name, unit -> units, role, levels (the levels whose council
 *           they sit on, "huyen,tinh"; NULL: every level), PK(province,code))   council members
 *   runs(id PK, province, year, level, unit, script_path, scripts (JSON {path: sha256}),
 *        started_at, finished_at, status draft|final, decision_number, decision_date,
 *        summary (JSON))
 *   results(run -> runs, model -> models, eligible 0|1, gate (id of the first failed gate or
 *           NULL), total, outcome (outcome id), outcome_index (0 = best), rank (1 = best),
 *           recognised 0|1, exemplary 0|1, proposed 0|1, reason (why not recognised / quota
 *           effect, Vietnamese text), PK(run,model))
 *   result_scores_packed(run -> runs, model, scores (the model's scores packed, scores.h),
 *           PK(run,model))   (version 6) one row per result that has scores; since version
 *           8 the run is a deferred foreign key (checked at COMMIT) and a new row for a final
 *           run is refused with RAISE(FAIL): decide's batched inserts need no statement
 *           journal (store.c, migration 8)
 *   current_runs (view): per (province, year, level, unit) the run whose results count: the
 *           latest final run, else the latest draft.
 *   result_scores(run, model, criterion, points, max, note, pos (the criterion's place in the
 *           province's list: the order the run stored them))   a TEMP VIEW every connection
 *           creates over result_scores_packed (scores.h); a table until version 6 (version 5:
 *           results and result_scores are WITHOUT ROWID tables), dropped by migration 6
 *   audit_log(id PK, at, actor, action, detail (JSON), prev_hash, hash)
 *   revocations(id PK, run -> runs, model -> models (NULL: the whole run), decision_number,
 *           decision_date, reason, at)       (version 2) a final run or one of its models
 *           revoked; never changed or deleted (triggers)
 *   run_models, run_units, run_appraisals, run_scripts (path, sha256, text), run_stats
 *           (version 3) a final run's frozen record (runs.h): its models (with hash, the
 *           SHA-256 of the row), every unit, its candidates' appraisals, the script files it
 *           and its reports use, and a whole-province run's year statistics; written by
 *           finalize before the run turns final, never changed after (triggers).
 * A final run, its results and scores cannot be changed or deleted (triggers). */
#ifndef DVK_STORE_H
#define DVK_STORE_H

#include <sqlite3.h>
#include "dvk/buf.h"
#include "dvk/error.h"

#define DVK_SCHEMA_VERSION 8

/* The page cache of every connection dvk opens (negative: KiB; SQLite's own default, 2 MiB).
 * A bulk import raises it for its work and sets it back to this. */
#define DVK_STORE_CACHE_KIB "-2000"
#define DVK_BUSY_TIMEOUT_MS 5000
/* The page size of a new database file (bytes; SQLite's default is 4096). Measured on a bulk
 * import of 100,000 and 1,000,000 models (bench/RESULTS.md notes): 16 KiB pages take about
 * 15% less CPU than 4 KiB (fewer pages to write to the WAL, to read back for the index
 * rebuilds and to checkpoint), with decide and the queries unchanged. */
#define DVK_STORE_PAGE_SIZE "16384"


typedef struct dvk_store dvk_store;

enum {
    DVK_STORE_CREATE = 1,   /* create the file if missing and migrate it to the current schema */
    DVK_STORE_READONLY = 2  /* open read-only (no migration) */
};

/* Open path with WAL, foreign keys, busy timeout, the "vi" collation and dvk's SQL functions;
 * create and migrate as flags say. A database written by a newer dvk, or a file that is not
 * a dvk database, is a DVK_EDATA error naming the file. Returns NULL on error. */
dvk_store *dvk_store_open(const char *path, int flags, dvk_error *err);
/* Close the connection (NULL is accepted). Finalizes statements cached by the store. */
void dvk_store_close(dvk_store *s);
sqlite3 *dvk_store_db(dvk_store *s);
const char *dvk_store_path(dvk_store *s);
/* Schema version of the open database (PRAGMA user_version). */
int dvk_store_version(dvk_store *s);

/* BEGIN IMMEDIATE; COMMIT; ROLLBACK. A lock held past the busy timeout is DVK_EBUSY with
 * "database is busy". rollback never fails and is a no-op outside a transaction. */
int dvk_store_begin(dvk_store *s, dvk_error *err);
int dvk_store_commit(dvk_store *s, dvk_error *err);
void dvk_store_rollback(dvk_store *s);

/* Turn the last SQLite error on s into err (DVK_EBUSY, DVK_ENOMEM, DVK_EIO or DVK_EDATA),
 * with what as context ("inserting model X"). Returns the dvk code. */
int dvk_store_fail(dvk_store *s, int rc, dvk_error *err, const char *what);

/* Prepare sql on s's connection; on failure sets err. Thin wrapper so callers get messages. */
sqlite3_stmt *dvk_store_prepare(dvk_store *s, const char *sql, dvk_error *err);
/* The models table's plain secondary indexes {name, CREATE INDEX sql} as dvk's schema has
 * them (the schema check at open guarantees the file has exactly these): what a bulk import
 * may set aside and rebuild, from constants, never from SQL text read from the file. */
int dvk_store_model_indexes(const char *const (**indexes)[2]);
/* Column i of the current row as a malloc'd string, NULL for SQL NULL; *oom is set when
 * the copy fails (a NULL that is not SQL NULL). */
char *dvk_store_column_dup(sqlite3_stmt *st, int i, int *oom);

/* Append an audit record inside the caller's transaction: action ("import", "decide",
 * "finalize", ...), detail as a JSON text. The hash chains the previous record's hash with
 * this record's fields (SHA-256, hex). */
int dvk_store_audit(dvk_store *s, const char *action, const char *detail_json, dvk_error *err);
/* Recompute the audit chain, check that every finalize record's fingerprint (when it holds
 * one) matches its digest and place in the chain, and that every final run's results still
 * match the hash recorded when it was finalized. Returns DVK_OK, or DVK_EDATA with the first
 * break. The file alone cannot prove more: a forger who rewrites the whole chain, or removes
 * its tail, is caught only against a receipt or a printed fingerprint
 * (dvk_store_verify_receipt). */
int dvk_store_verify(dvk_store *s, dvk_error *err);
/* SHA-256 (hex) over a final run's results and scores, in a canonical order, and, for a run
 * with a frozen record (schema version 3), over that record and the run's summary (its rules
 * included); used when a run is finalized and by verify. out must hold 65 bytes. */
int dvk_store_run_digest(dvk_store *s, long long run, char out[65], dvk_error *err);
/* The text a model row is hashed as (run_models.hash is its SHA-256), over a table alias
 * holding the columns models and run_models share: an SQL expression. */
#define DVK_MODEL_ROW_TEXT(m)                                                                  \
    "quote(" m ".id)||'|'||quote(" m ".code)||'|'||quote(" m ".name)||'|'||quote(" m          \
    ".name_key)||'|'||quote(" m ".unit)||'|'||quote(" m ".province)||'|'||quote(" m          \
    ".kind)||'|'||quote(" m ".category)||'|'||quote(" m ".field)||'|'||quote(" m             \
    ".level)||'|'||quote(" m ".year)||'|'||quote(" m ".registration)||'|'||quote(" m         \
    ".started_on)||'|'||quote(" m ".address)||'|'||quote(" m ".description)||'|'||quote(" m  \
    ".metrics)||'|'||quote(" m ".synthetic)"
/* 1 when run has a frozen record (run_scripts rows: finalize records at least the province
 * script), 0 when not (a draft, or a run made final before schema version 3), -1 on a
 * database error (err set). */
int dvk_store_run_frozen(dvk_store *s, long long run, dvk_error *err);

/* ------------------------------------------------------------------ fingerprints, receipts
 * What was signed stays true even if the database file alone cannot be trusted (a forger
 * who drops the triggers can rewrite a final run, recompute its digest and re-chain the
 * audit log; one who deletes the log's last records can set a final run back to draft).
 * Two things kept outside the file catch that: the fingerprint printed on the decision, and
 * the receipt written at finalize. Both bind the run digest to the audit chain as it stood
 * when the run was made final: COUNT, the number of audit records before its finalize record,
 * and HEAD, the hash of the last of them (64 zeros when there were none). A rewrite of the
 * run, of any record up to the finalize record, or the removal of the log's tail from there
 * on, no longer matches them. */

#define DVK_FINGERPRINT_SIZE 20   /* "ab12-cd34-ef56-7890" and its NUL */

/* The fingerprint of a final decision: the first 16 hex digits of SHA-256 over the text
 * "DIGEST\nCOUNT\nHEAD\n" (COUNT in decimal), grouped by four with '-'. Returns 0, or -1
 * (out of memory: out is ""). */
int dvk_store_fingerprint(const char *digest, long long count, const char *head,
                          char out[DVK_FINGERPRINT_SIZE]);

/* The end of the audit chain: *count records (the last record's id: ids run 1..count) and
 * head, the last record's hash (64 zeros when the log is empty). */
int dvk_store_audit_tail(dvk_store *s, long long *count, char head[65], dvk_error *err);

/* A final run as its finalize audit record seals it. */
typedef struct dvk_store_seal {
    long long run;
    char digest[65];            /* the run digest the finalize record holds */
    long long count;            /* audit records before the finalize record */
    char head[65];              /* the hash of the last of them (64 zeros: none) */
    long long record;           /* the finalize record's id (count + 1) */
    char record_hash[65];       /* its hash */
    char fingerprint[DVK_FINGERPRINT_SIZE];   /* of digest, count, head */
} dvk_store_seal;

/* The seal of run from its (latest) finalize audit record; the fingerprint is recomputed
 * from the record, never read. DVK_EDATA "run N is not final (a draft has no fingerprint)"
 * when the log has no finalize record of it. The chain itself is not checked here
 * (dvk_store_verify does). */
int dvk_store_seal_of(dvk_store *s, long long run, dvk_store_seal *out, dvk_error *err);

/* The receipt of final run `run`, appended to out: a JSON object, one key a line, with
 * "receipt": "dvk final decision", "version": 1, run, province, year, level, unit (null: the
 * whole province), decision_number, decision_date, digest, audit_count, audit_head,
 * finalize_record, finalize_hash and fingerprint (dvk_store_seal). DVK_EDATA when the run is
 * unknown or not final. */
int dvk_store_receipt(dvk_store *s, long long run, dvk_buf *out, dvk_error *err);

/* Check the database against a receipt (text[0..len), name for messages): the receipt is
 * well formed and its fingerprint matches its own digest, count and head; dvk_store_verify
 * passes; the run exists, is final, has the receipt's province, year, level, unit, number
 * and date, and its data hashes to the receipt's digest; the audit log still holds the
 * finalize record (at least finalize_record records), record audit_count's hash is
 * audit_head and the finalize record is the run's with finalize_hash. DVK_EDATA with the
 * first difference, saying what it means (changed results, a truncated or rewritten log, a
 * run set back to draft); *out (may be NULL) gets the receipt's seal when it holds. */
int dvk_store_verify_receipt(dvk_store *s, const char *name, const char *text, size_t len,
                             dvk_store_seal *out, dvk_error *err);

/* Province code (root unit) of unit code, into out (size n). DVK_EDATA when unknown. */
int dvk_store_unit_province(dvk_store *s, const char *unit, char *out, size_t n, dvk_error *err);

/* The default database path: $DVK_DB, else "dvk.db". */
const char *dvk_store_default_path(void);

#endif
