/* export.h: the exporter of models and of a run's results as CSV, JSON or XLSX. Reads the
 * models, runs, results and result_scores tables; writes only its output file.
 *
 * CSV: RFC 4180, CRLF, optional UTF-8 BOM, cells written by dvk_csv_cell (csv.h): a text
 * cell a spreadsheet would run as a formula gets one more leading apostrophe and the importer
 * removes it again, so import(export(x)) == x; numbers (year, metrics, scores) are written
 * by dvk_format_plain and never altered. Each row is built in a dvk_buf and written with
 * one fwrite, so memory does not grow with the table. JSON: an array of objects (dvk_json_*).
 * XLSX: one sheet with typed cells, through the render module (held in memory).
 * A file appears under its name only when complete and is never the open database
 * (outfile.h). */
#ifndef DVK_EXPORT_H
#define DVK_EXPORT_H

#include "dvk/error.h"
#include "dvk/store.h"

enum { DVK_EXPORT_CSV = 0, DVK_EXPORT_JSON = 1, DVK_EXPORT_XLSX = 2 };
enum { DVK_EXPORT_MODELS = 0, DVK_EXPORT_RESULTS = 1 };

typedef struct dvk_export_opts {
    int format;                 /* DVK_EXPORT_CSV, _JSON or _XLSX */
    int bom;                    /* CSV: start with a UTF-8 BOM (for spreadsheets) */
    long long run;              /* results: the run (0: the latest run) */
    const char *province;       /* models: only this province (NULL: all) */
    int year;                   /* models: only this year (0: all) */
} dvk_export_opts;

/* Export models or a run's results (what: DVK_EXPORT_MODELS or _RESULTS) to path (NULL or
 * "-": stdout), written through dvk_outfile_open with s's database kept (outfile.h): on
 * failure or refusal nothing is changed. *rows gets the count. XLSX needs a path. */
int dvk_export(dvk_store *s, int what, const char *path, const dvk_export_opts *opts,
               long long *rows, dvk_error *err);

#endif
