/* import.h: the importer of units, models and appraisals from CSV files (read by the csv.h
 * reader) and Excel workbooks (read by the xlsx.h reader) with row-by-row validation. Owns the import file formats and their header aliases;
 * it writes only the units, models and appraisals tables (and one audit record per import),
 * and must not touch the schema, runs or results. Unit look-ups go through the unit tree
 * (units.h); the levels a models row may name come from its province's script, through the
 * caller (dvk_import_opts.levels), so that no list of levels lives here.
 *
 * Row sources: a file whose first bytes are a zip or an OLE2 file is a workbook, anything
 * else CSV; both give the same rows to one pipeline, so every rule below holds for both.
 * - A workbook: the sheet opts->sheet names (exactly, or ignoring case), or else the first
 *   visible sheet whose header (within its first 20 non-empty rows) names every required
 *   column; the only visible sheet is read whatever it holds (its header's problems are
 *   named); several visible sheets and no header: an error listing the sheets. Rows above
 *   the header (titles) and empty columns left of it are not part of the table. Cells are
 *   read as xlsx.h says (a merged cell's value in every cell it covers, dates as ISO); a
 *   number cell is a plain number whatever opts->numbers says; an error cell (#N/A,
 *   a formula never computed) is a problem. A value right of the
 *   header's last column is a problem. Messages read "FILE:Sheet!C7: ..." (a cell) or
 *   "FILE:Sheet!row 7: ..."; the rejects file's line column holds the sheet's row number.
 * - A legacy .xls, an .ods, a file named .xls/.xlsx/.ods that is not one, UTF-16 text, a
 *   header that is not UTF-8 (Windows-1258, TCVN3) or whose columns are separated by ';' or
 *   TAB: an error saying how to save the file so that dvk reads it.
 * - The notes row: a row right below the header whose first cell starts with
 *   DVK_IMPORT_NOTES_MARK (the templates of `dvk template` have one) is not data.
 *
 * Import rules (the contract `dvk import` documents):
 * - The first non-empty record is the header; columns may come in any order and may be named
 *   by their English id or a Vietnamese alias (compared by dvk_text_key, so case, diacritics,
 *   '_' and '-' do not matter). Models columns that are not known become numeric metrics.
 * - The file is read by dvk_csv_read (csv.h): a field over DVK_CSV_FIELD_MAX bytes, more than
 *   DVK_CSV_COLUMNS_MAX columns, or malformed quoting stops the import (nothing is imported
 *   even with --skip-bad: the rest of the file cannot be trusted).
 * - Every row is checked; a problem reads "FILE:LINE: column 'x': reason (value)" where LINE
 *   is the physical line where the record starts. Any problem imports nothing, unless
 *   rejects_path is set: then good rows are imported and bad ones written there with their
 *   line and reason.
 * - A level is one of the levels of the model's province (its script's `levels`), written as
 *   the id ("huyen"), as words whose search key is the id ("Huyện", "Cơ sở"), or as those
 *   words after "cấp" ("Cấp huyện").
 * - Idempotent by key (units.code, models.code, appraisals (model, criterion, appraiser)):
 *   a row equal to the stored one changes nothing; a row that differs updates the stored
 *   row in place (its id is kept). A key that appears twice in one file is a problem. An
 *   import that stores nothing new writes no audit record, so the database stays the same.
 * - Speed: one prepared INSERT reused, a 32 MiB page cache during the import, and for a
 *   bulk load (a models file of 16 MiB or more bringing more rows than the table holds) the
 *   table's plain secondary indexes are dropped inside the transaction and recreated from
 *   dvk's own SQL just before COMMIT (dvk_store_model_indexes; never SQL read from the file).
 * - A cell written by the exporter with a protective apostrophe (csv.h) gets it back off: a
 *   cell matching ^'+[=+\-@\t\r] loses exactly one leading apostrophe, so import(export(x))
 *   == x.
 * - Text (the classes of text.h): a control character (DVK_TEXT_CONTROL: ESC, BEL, ...) is a
 *   problem in any cell; codes (code, unit, parent, successor, model, criterion) also refuse
 *   TAB, line ends and invisible marks (DVK_TEXT_INVISIBLE: bidirectional and zero-width);
 *   names (name, appraiser) have the invisible marks removed before they are stored.
 * - Models: a row that updates a stored model whose metrics include one the file has no
 *   column for is a problem (a misspelled column would silently drop it) unless
 *   opts->replace; an empty cell in a present column is a deliberate "unknown".
 * - A row-number column ("STT", "TT", "Số TT", "Số thứ tự"), which nearly every Vietnamese
 *   list has first, is read and not stored (it is not a metric).
 * - Models: the items of a registration dossier may come as text columns (dossier_situation,
 *   _goals, _method, _scope, _forces, _resources, _timing, _outputs, _sustainability, or
 *   their Vietnamese headings in dvk_import_dossier). models has no column of its own for
 *   them: they are stored in models.description, after the description (if any) and a
 *   blank line, one "Heading: text" line each, in that order; empty ones left out.
 * - Appraisals: with opts->criteria, the criterion must be one of the model's province's
 *   criteria and the score at most its max (a province whose script declares no criteria, or
 *   that has no script, is not checked); the message names the appraiser and the model.
 * - Appraisals belong to a level (the council's round): the level column names one of the
 *   model's province's levels; a file without it (or an empty cell) scores the model's own
 *   level. The key is (model, level, criterion, appraiser). origin records where the score
 *   came from (a score sheet's file name; `dvk sheets` fills it in).
 * - Recusal: an appraiser who is a member in the appraisers table (matched by code, else by
 *   name, in the model's province) does not score the models of their own unit (the same
 *   unit code; the units under it are not included: a member sitting for a commune would
 *   otherwise recuse from every model of it). Such a row is a problem naming the member and
 *   the model, unless the province script sets council.recusal = "none".
 * - Appraisers: code and name required; unit (a known unit: the member's province is its
 *   province) or province; level: the levels whose council the member sits on, separated by
 *   commas (stored as ids joined by commas; empty: every level); key (province, code). */
#ifndef DVK_IMPORT_H
#define DVK_IMPORT_H

#include <stddef.h>
#include "dvk/error.h"
#include "dvk/store.h"

#define DVK_IMPORT_PROBLEMS_MAX 50       /* problems kept as messages; the rest are counted */
#define DVK_IMPORT_NOTES_MARK "(ghi chú)" /* first cell of a template's notes row (above) */

/* The dossier items (above): {English column id, Vietnamese heading}, in their order. */
#define DVK_IMPORT_DOSSIER_ITEMS 9
extern const char *const dvk_import_dossier[DVK_IMPORT_DOSSIER_ITEMS][2];

typedef enum dvk_import_table {
    DVK_IMPORT_UNITS,
    DVK_IMPORT_MODELS,
    DVK_IMPORT_APPRAISALS,
    DVK_IMPORT_APPRAISERS       /* the council's members: code, name, unit, role, province */
} dvk_import_table;

#define DVK_IMPORT_ID_MAX 72        /* room for a level id (DVK_SCRIPT_ID_MAX) */

/* Whether the council's members recuse themselves from the models of their own unit
 * (the province script's council.recusal, docs/lua-api.md "The council"). */
enum { DVK_IMPORT_RECUSAL_UNIT = 0, DVK_IMPORT_RECUSAL_NONE = 1 };
/* The recusal rule of province into *recusal (DVK_IMPORT_RECUSAL_*; a province without a
 * script recuses by unit). Asked once per province an appraisals file's models belong to. */
typedef int (*dvk_import_recusal_fn)(void *ud, const char *province, int *recusal,
                                     dvk_error *err);

/* The levels of province (its script's `levels`, lowest first): *levels gets a malloc'd
 * array of *n malloc'd ids that the importer frees. Asked once per province that a models
 * file's units belong to. Any code but DVK_OK stops the import with that error. */
typedef int (*dvk_import_levels_fn)(void *ud, const char *province, char ***levels, int *n,
                                    dvk_error *err);

/* The criteria of province (its script's criteria): *ids gets a malloc'd array of *n malloc'd
 * ids and *max a malloc'd array of their maxima, freed by the importer; *n = 0 (arrays NULL)
 * when the province has no script. Asked once per province an appraisals file's models
 * belong to. Any code but DVK_OK stops the import with that error. */
typedef int (*dvk_import_criteria_fn)(void *ud, const char *province, char ***ids,
                                      double **max, int *n, dvk_error *err);

typedef struct dvk_import_opts {
    const char *rejects_path;   /* --skip-bad: import good rows, write bad ones here */
    int dry_run;                /* validate only: the transaction is rolled back */
    size_t chunk;               /* 0: DVK_CSV_CHUNK (tests vary it) */
    int max_messages;           /* 0: DVK_IMPORT_PROBLEMS_MAX */
    long long bulk_min_bytes;   /* 0: 16 MiB; files this big into a table with fewer rows
                                   than the file brings load with the secondary indexes
                                   rebuilt at the end (tests lower it) */
    dvk_import_levels_fn levels;/* models: the levels of a province (required for models;
                                   dvk_script_levels in script.h reads the province script) */
    void *levels_ud;
    dvk_import_criteria_fn criteria;  /* appraisals: the criteria of a province (NULL: not
                                   checked; dvk_script_criteria in province.h reads the
                                   script) */
    void *criteria_ud;
    int replace;                /* models: a stored model's metrics become the file's even when
                                   the file lacks one of them (--replace) */
    int numbers;                /* how numbers are written (--number-format): DVK_NUMBERS_* */
    const char *sheet;          /* a workbook's sheet (--sheet; NULL: found by its header) */
    dvk_import_recusal_fn recusal;  /* appraisals: the province's recusal rule (NULL: by
                                   unit); dvk_script_recusal in province.h; criteria_ud */
} dvk_import_opts;

/* How a file writes numbers (metrics, scores). AUTO reads plain ("1020000", "2.5") and
 * Vietnamese ("1.020.000", "2,5", "1.020,5") forms and refuses the ambiguous ones ("1.149",
 * "1,149"); VI: a dot groups thousands and a comma is the decimal mark; PLAIN: a dot is the
 * decimal mark and commas are refused. Exponents ("1e6") are plain in every mode. */
enum { DVK_NUMBERS_AUTO = 0, DVK_NUMBERS_VI = 1, DVK_NUMBERS_PLAIN = 2 };

typedef struct dvk_import_result {
    long long rows;             /* data records read (header and empty lines not counted) */
    long long inserted, updated, unchanged;
    long long rejected;         /* bad rows (written to the rejects file when asked) */
    long long problems;         /* problems found (a bad row may have several) */
    int nmessages;              /* messages kept: the first max_messages problems */
    char **messages;            /* "FILE:LINE: column 'x': reason (value)", malloc'd */
    int committed;              /* 1 when the rows were written (not dry-run, no failure) */
} dvk_import_result;

/* Free what a result holds (not the struct itself); NULL accepted. */
void dvk_import_result_free(dvk_import_result *res);
/* Parse a table name ("units", "models", "appraisals"); -1 when unknown. */
int dvk_import_table_parse(const char *name);
const char *dvk_import_table_name(dvk_import_table t);

/* Import path into table in one BEGIN IMMEDIATE transaction on s (a dvk_progress bar shows
 * the bytes read when the CLI enabled bars). res is filled in either way (zero it first).
 * Returns DVK_OK when the file was imported (or, in a dry run, would be), DVK_EDATA when any
 * problem was found without rejects_path (nothing imported; the problems are in
 * res->messages and err says how many), DVK_EUSAGE for a models import without
 * opts->levels, or the error of a failure to read the file, write the rejects or write the
 * database. */
int dvk_import(dvk_store *s, dvk_import_table table, const char *path,
               const dvk_import_opts *opts, dvk_import_result *res, dvk_error *err);

#endif
