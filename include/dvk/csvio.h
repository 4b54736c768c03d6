/* csvio.h: CSV in and out of the store: a streaming strict CSV reader (libcsv), the importer
 * of units, models and appraisals with row-by-row validation, and the exporter of models and
 * a run's results as CSV or JSON. Owns the import/export file formats and their header
 * aliases; it writes only the units, models and appraisals tables (and one audit record per
 * import), and must not touch the schema, runs or results.
 *
 * Import rules (the contract `dvk import` documents):
 * - The first non-empty record is the header; columns may come in any order and may be named
 *   by their English id or a Vietnamese alias (compared by dvk_text_key, so case, diacritics,
 *   '_' and '-' do not matter). Models columns that are not known become numeric metrics.
 * - libcsv strict mode; the file is read in fixed-size chunks, so memory does not grow with
 *   the file. A UTF-8 BOM is stripped; CR, LF and CRLF line ends; quoted newlines; empty lines
 *   and rows whose cells are all empty are skipped. A field over DVK_CSV_FIELD_MAX bytes,
 *   more than DVK_CSV_COLUMNS_MAX columns, or malformed quoting stops the import (nothing is
 *   imported even with --skip-bad: the rest of the file cannot be trusted).
 * - Every row is checked; a problem reads "FILE:LINE: column 'x': reason (value)" where LINE
 *   is the physical line where the record starts. Any problem imports nothing, unless
 *   rejects_path is set: then good rows are imported and bad ones written there with their
 *   line and reason.
 * - Idempotent by key (units.code, models.code, appraisals (model, criterion, appraiser)):
 *   a row equal to the stored one changes nothing; a row that differs updates the stored
 *   row in place (its id is kept). A key that appears twice in one file is a problem. An
 *   import that stores nothing new writes no audit record, so the database stays the same.
 * - Speed: one prepared INSERT reused, a 32 MiB page cache during the import, and for a
 *   bulk load (a models file of 16 MiB or more bringing more rows than the table holds) the
 *   table's plain secondary indexes are dropped inside the transaction and recreated from
 *   their stored SQL just before COMMIT (see set_indexes_aside in csvio.c).
 * - A cell written by the exporter with a protective apostrophe (see below) gets it back
 *   off: a cell matching ^'+[=+\-@] loses one leading apostrophe.
 *
 * Export: CSV (RFC 4180, CRLF, optional UTF-8 BOM) or JSON. A text cell that starts with
 * = + - or @ (after any apostrophes) is written with one more leading apostrophe, so that a
 * spreadsheet shows it as text instead of running it as a formula; the importer removes it
 * again, so import(export(x)) == x. Numbers (year, metrics, scores) are never altered.
 * Output goes to FILE.tmp and is renamed to FILE only when complete. */
#ifndef DVK_CSVIO_H
#define DVK_CSVIO_H

#include <stddef.h>
#include <stdio.h>
#include "dvk/error.h"
#include "dvk/store.h"

#define DVK_CSV_CHUNK (64 * 1024)        /* bytes read per csv_parse call */
#define DVK_CSV_FIELD_MAX (64 * 1024)    /* longest field accepted, in bytes */
#define DVK_CSV_COLUMNS_MAX 256          /* most columns in a record */
#define DVK_CSV_PROBLEMS_MAX 50          /* problems kept as messages; the rest are counted */

/* ---- the streaming reader ---------------------------------------------------------- */

/* One record. field[i] is NUL-terminated and len[i] bytes long; both arrays, and the bytes,
 * belong to the reader and are valid only during the callback. */
typedef struct dvk_csv_record {
    long line;              /* physical line (1-based) where the record starts */
    size_t nfields;
    char **field;
    const size_t *len;
} dvk_csv_record;

/* Called for every non-empty record, the header included. Return DVK_OK to go on; any
 * other code stops the reader, which returns that code (set err). */
typedef int (*dvk_csv_record_fn)(void *ud, const dvk_csv_record *rec, dvk_error *err);
/* Called after every chunk with the bytes read so far. */
typedef void (*dvk_csv_progress_fn)(void *ud, long long done, long long total);

/* Read in (name is used in messages) in chunks of chunk bytes (0: DVK_CSV_CHUNK), strict
 * mode, calling fn for each record. total is the file size for progress (0 if unknown).
 * Returns DVK_OK, the callback's code, DVK_EDATA for malformed CSV ("NAME:LINE: ..."), DVK_EIO
 * for a read error, DVK_ENOMEM. */
int dvk_csv_read(FILE *in, const char *name, size_t chunk, dvk_csv_record_fn fn, void *ud,
                 dvk_csv_progress_fn progress, void *progress_ud, long long total,
                 dvk_error *err);

/* ---- import ------------------------------------------------------------------------ */

typedef enum dvk_csv_table {
    DVK_CSV_UNITS,
    DVK_CSV_MODELS,
    DVK_CSV_APPRAISALS
} dvk_csv_table;

typedef struct dvk_csv_import_opts {
    const char *rejects_path;   /* --skip-bad: import good rows, write bad ones here */
    int dry_run;                /* validate only: the transaction is rolled back */
    size_t chunk;               /* 0: DVK_CSV_CHUNK (tests vary it) */
    int max_messages;           /* 0: DVK_CSV_PROBLEMS_MAX */
    long long bulk_min_bytes;   /* 0: 16 MiB; files this big into a table with fewer rows
                                   than the file brings load with the secondary indexes
                                   rebuilt at the end (tests lower it) */
} dvk_csv_import_opts;

typedef struct dvk_csv_import_result {
    long long rows;             /* data records read (header and empty lines not counted) */
    long long inserted, updated, unchanged;
    long long rejected;         /* bad rows (written to the rejects file when asked) */
    long long problems;         /* problems found (a bad row may have several) */
    int nmessages;              /* messages kept: the first max_messages problems */
    char **messages;            /* "FILE:LINE: column 'x': reason (value)", malloc'd */
    int committed;              /* 1 when the rows were written (not dry-run, no failure) */
} dvk_csv_import_result;

/* Free what a result holds (not the struct itself); NULL accepted. */
void dvk_csv_import_result_free(dvk_csv_import_result *res);
/* Parse a table name ("units", "models", "appraisals"); -1 when unknown. */
int dvk_csv_table_parse(const char *name);
const char *dvk_csv_table_name(dvk_csv_table t);

/* Import path into table in one BEGIN IMMEDIATE transaction on s (a dvk_progress bar shows
 * the bytes read when the CLI enabled bars). res is filled in either
 * way (zero it first). Returns DVK_OK when the file was imported (or, in a dry run, would
 * be), DVK_EDATA when any problem was found without rejects_path (nothing imported; the
 * problems are in res->messages and err says how many), or the error of a failure to read
 * the file, write the rejects or write the database. */
int dvk_csv_import(dvk_store *s, dvk_csv_table table, const char *path,
                   const dvk_csv_import_opts *opts, dvk_csv_import_result *res, dvk_error *err);

/* ---- export ------------------------------------------------------------------------ */

enum { DVK_CSV_FORMAT_CSV = 0, DVK_CSV_FORMAT_JSON = 1, DVK_CSV_FORMAT_XLSX = 2 };
enum { DVK_CSV_EXPORT_MODELS = 0, DVK_CSV_EXPORT_RESULTS = 1 };

typedef struct dvk_csv_export_opts {
    int format;                 /* DVK_CSV_FORMAT_* */
    int bom;                    /* CSV: start with a UTF-8 BOM (for spreadsheets) */
    long long run;              /* results: the run (0: the latest run) */
    const char *province;       /* models: only this province (NULL: all) */
    int year;                   /* models: only this year (0: all) */
} dvk_csv_export_opts;

/* Export models or a run's results to path (NULL or "-": stdout). A file is written as
 * path.tmp and renamed when complete; on failure it is removed. *rows gets the count.
 * XLSX (one sheet, typed cells, through the render module) needs a path and holds the
 * rows in memory. */
int dvk_csv_export(dvk_store *s, int what, const char *path, const dvk_csv_export_opts *opts,
                   long long *rows, dvk_error *err);

/* ---- helpers shared with synth and the tests --------------------------------------- */

/* Append one CSV cell (quoted when needed; neutralise: add the protective apostrophe) to
 * f, preceded by a comma unless first. Returns 0, or -1 on a write error. */
int dvk_csv_put(FILE *f, const char *s, size_t len, int first, int neutralise);
/* Shortest decimal text that reads back as v ("%.15g".."%.17g"); integers without ".0". */
void dvk_csv_number(double v, char *buf, size_t n);

/* An output file that appears under its name only when complete. */
typedef struct dvk_csv_out {
    FILE *f;
    char *path;                 /* final name, NULL for stdout */
    char *tmp;                  /* path.tmp */
} dvk_csv_out;
/* Open path.tmp for writing (path NULL or "-": stdout). */
int dvk_csv_out_open(dvk_csv_out *o, const char *path, dvk_error *err);
/* Close and rename to the final name (ok != 0), or close and remove the tmp file (ok == 0).
 * Returns DVK_OK, or DVK_EIO when flushing/renaming failed (the tmp file is removed). */
int dvk_csv_out_close(dvk_csv_out *o, int ok, dvk_error *err);

#endif
