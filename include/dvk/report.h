/* report.h: running a report over a decision run. A report is a Lua function (run, doc):
 * the province's own (reports = {name = function ...} in its description) or else the
 * built-in scripts/lib/reports/<name>.lua, which returns the function. It runs in a sandbox
 * over the store with two objects: `doc` (doc.h) and `run`: the run's header, the province
 * description, and read-only queries over the run's results (see docs/reports.md); its
 * counts (run:stats) are the aggregator's (stats.h). Reads runs, results, result_scores,
 * models, fields and units; writes nothing. */
#ifndef DVK_REPORT_H
#define DVK_REPORT_H

#include <stddef.h>
#include "dvk/doc.h"
#include "dvk/error.h"
#include "dvk/store.h"

typedef struct dvk_report_opts {
    const char *scripts_dir;  /* folder holding provinces/ and lib/ */
    long long run;            /* runs.id */
    const char *name;         /* report name: [a-z0-9-]+ */
    long long against;        /* a second run for comparisons (run.against), 0: none */
    int successors;           /* units that no longer exist count under their successors */
    /* print() output of the report script (may be NULL: discarded) */
    void (*print)(void *ud, const char *s, size_t n);
    void *print_ud;
    /* A final run renders with the scripts it recorded when it was made final (runs.h,
     * "frozen record"); current_scripts 1: with scripts_dir's today (--current-script). */
    int current_scripts;
    /* one line for the user about the scripts a final run renders with (today's differ
     * from the recorded ones, or --current-script); may be NULL: discarded */
    void (*note)(void *ud, const char *line);
    void *note_ud;
} dvk_report_opts;

/* Run report o->name over run o->run, writing into doc (which the caller owns and renders).
 * Unknown run: DVK_EDATA "no run N". Unknown report: DVK_EUSAGE "unknown report 'x' (valid:
 * a, b, ...)". A script error is DVK_EDATA "scripts/lib/reports/x.lua:LINE: msg". When the
 * report sets no title, the document is titled "<name> — run N". */
int dvk_report_run(dvk_store *s, const dvk_report_opts *o, dvk_doc *doc, dvk_error *err);

/* The built-in report names (scripts_dir/lib/reports/<name>.lua), sorted bytewise, and each
 * one's description (the text after "NAME.lua: " on the file's first line, or ""). Arrays
 * and strings are malloc'd; free them with dvk_report_names_free. */
int dvk_report_builtin(const char *scripts_dir, char ***names, char ***descriptions,
                       size_t *n, dvk_error *err);
void dvk_report_names_free(char **names, char **descriptions, size_t n);

/* A council member's printable score sheet (`dvk sheets --format html|docx|pdf`,
 * report/sheet_doc.c) from the round decide/sheets.c loads (council.h). The layout is the
 * deciding body's, from scripts/lib/bao_cao.lua's ban_hanh (the_thuc.lua and the province's
 * `decision` table) for the round as a draft of its year: load it once per round. */
struct dvk_sheets_data;
typedef struct dvk_sheet_layout {
    int family;                         /* DVK_DOC_STATE or DVK_DOC_PARTY */
    char *parent_issuer, *issuer, *place;
    int body_pt, name_pt;               /* 0: the family's default */
} dvk_sheet_layout;
int dvk_sheet_layout_load(dvk_store *s, const char *scripts_dir,
                          const struct dvk_sheets_data *d, dvk_sheet_layout *lay,
                          dvk_error *err);
void dvk_sheet_layout_free(dvk_sheet_layout *lay);
/* Member mi's sheet into doc: the letterhead, "PHIẾU CHẤM ĐIỂM", the member, the
 * instructions, one table per candidate they score (each council criterion, its maximum, an
 * empty score and "Ghi chú"), and the signature "NGƯỜI CHẤM (ký, ghi rõ họ tên)". */
int dvk_sheet_doc(const struct dvk_sheets_data *d, const dvk_sheet_layout *lay, size_t mi,
                  dvk_doc *doc, dvk_error *err);

#endif
