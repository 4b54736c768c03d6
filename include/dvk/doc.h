/* doc.h: the report document: an ordered list of blocks (headings, paragraphs, key-value
 * blocks, typed tables, bar charts, page breaks, and the parts of a Vietnamese administrative
 * document: letterhead, signature, recipients) that render.h turns into Markdown, HTML, CSV,
 * XLSX or JSON; how a table cell reads to people (dvk_doc_cell_text, shared by every
 * renderer); and the Lua `doc` object through which report scripts fill it (the model is
 * report/doc.c, the Lua class lua/doc.c). Owns the document's memory; knows nothing of the
 * store or of output formats. Every string is copied in NFC; a document refuses to grow past
 * DVK_DOC_MAX_BYTES. */
#ifndef DVK_DOC_H
#define DVK_DOC_H

#include <stddef.h>
#include <lua.h>
#include "dvk/error.h"

#define DVK_DOC_MAX_BYTES ((size_t)512 << 20)  /* a report never needs more; a loop might */
/* A chart is drawn on one A4 page: at most this many categories, series, and bars in all
 * (categories × series); more is an error naming the limit, not a 465 MB page. */
#define DVK_DOC_CHART_CATEGORIES 200
#define DVK_DOC_CHART_SERIES 40
#define DVK_DOC_CHART_BARS 2000

typedef enum dvk_doc_block_type {
    DVK_DOC_HEADING,
    DVK_DOC_PARAGRAPH,
    DVK_DOC_KV,
    DVK_DOC_TABLE,
    DVK_DOC_CHART,
    DVK_DOC_PAGE_BREAK,
    DVK_DOC_LETTERHEAD,
    DVK_DOC_SIGNATURE,
    DVK_DOC_RECIPIENTS
} dvk_doc_block_type;

/* Paragraph styles: a bit set ("bold center" is DVK_DOC_BOLD | DVK_DOC_CENTER). */
enum {
    DVK_DOC_NORMAL = 0,
    DVK_DOC_ITALIC = 1,
    DVK_DOC_BOLD = 2,
    DVK_DOC_CENTER = 4,
    DVK_DOC_RIGHT = 8
};

typedef enum dvk_doc_col_type {
    DVK_COL_TEXT = 0,
    DVK_COL_INT,    /* whole numbers: counts */
    DVK_COL_NUM,    /* decimals: points */
    DVK_COL_PCT,    /* percentages, stored as 0..100 (50.4 means 50,4%) */
    DVK_COL_MONEY   /* Vietnamese đồng, whole */
} dvk_doc_col_type;

enum { DVK_CELL_EMPTY = 0, DVK_CELL_TEXT, DVK_CELL_NUMBER };

typedef struct dvk_doc_cell {
    int kind;       /* DVK_CELL_* */
    double num;     /* DVK_CELL_NUMBER */
    char *text;     /* DVK_CELL_TEXT */
} dvk_doc_cell;

typedef struct dvk_doc_column {
    char *id, *title;
    dvk_doc_col_type type;
    int width;      /* in characters; 0: from the content */
} dvk_doc_column;

typedef struct dvk_doc_table {
    char *title;                 /* may be "" */
    size_t ncols;
    dvk_doc_column *cols;
    size_t nrows, cap;
    dvk_doc_cell *cells;         /* nrows * ncols, row-major */
    dvk_doc_cell *totals;        /* ncols cells, or NULL when the table has no totals row */
    size_t nfootnotes;
    char **footnotes;
} dvk_doc_table;

typedef struct dvk_doc_series {
    char *name;
    double *values;              /* one per category */
} dvk_doc_series;

typedef struct dvk_doc_chart {
    int stacked;                 /* 0: grouped bars, 1: stacked bars */
    char *title;
    size_t ncats;
    char **categories;
    size_t nseries;
    dvk_doc_series *series;
} dvk_doc_chart;

enum { DVK_DOC_STATE = 0, DVK_DOC_PARTY = 1 };

/* The two-column header of an administrative document. Strings may be "" (a draft with no
 * number yet prints the blank to fill in by hand). date is "YYYY-MM-DD", "YYYY" or "". */
typedef struct dvk_doc_letterhead {
    int family;                  /* DVK_DOC_STATE or DVK_DOC_PARTY */
    char *parent_issuer;         /* "UBND TỈNH X" above a department; "ĐẢNG BỘ TỈNH X" */
    char *issuer;                /* "ỦY BAN NHÂN DÂN TỈNH X"; "BAN DÂN VẬN"; "\n" breaks a line */
    char *number, *symbol;       /* "12", "QĐ-UBND" -> "Số: 12/QĐ-UBND"; party: "Số 12-QĐ/BDVTU" */
    char *place, *date;
} dvk_doc_letterhead;

typedef struct dvk_doc_signature {
    char *on_behalf;             /* "TM. ỦY BAN NHÂN DÂN", may be "" */
    char *title;                 /* "CHỦ TỊCH"; "\n" breaks a line ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH") */
    char *name;
} dvk_doc_signature;

/* How an administrative document is set (scripts/lib/the_thuc.lua holds the values by
 * family and date): sizes in points, 0 for the family's default (State: body 14, document
 * name 14, "Nơi nhận:" 12 and its items 11, bold italic; Party: 14, 16, 14 and 12,
 * underlined); recipients_fmt is DVK_STYLE_* bits, -1 for the default. */
enum { DVK_STYLE_BOLD = 1, DVK_STYLE_ITALIC = 2, DVK_STYLE_UNDERLINE = 4 };
typedef struct dvk_doc_style {
    int body_pt, name_pt, recipients_pt, recipient_items_pt;
    int recipients_fmt;
} dvk_doc_style;

typedef struct dvk_doc_block {
    dvk_doc_block_type type;
    int level;                   /* heading: 1..4 */
    int style;                   /* paragraph: DVK_DOC_* bits */
    char *text;                  /* heading, paragraph */
    size_t nitems;               /* kv pairs, recipients */
    char **keys, **values;       /* kv: keys[i], values[i]; recipients: values[i] */
    dvk_doc_table *table;
    dvk_doc_chart *chart;
    dvk_doc_letterhead *letterhead;
    dvk_doc_signature *signature;
} dvk_doc_block;

typedef struct dvk_doc dvk_doc;

/* A new empty document (NULL when out of memory); dvk_doc_free accepts NULL. */
dvk_doc *dvk_doc_new(void);
void dvk_doc_free(dvk_doc *doc);

/* The document's title (HTML <title>, XLSX properties, JSON "title"); "" by default. */
int dvk_doc_set_title(dvk_doc *doc, const char *title, dvk_error *err);
const char *dvk_doc_title(const dvk_doc *doc);
/* The document's style (sizes from 8 to 28 pt or 0; recipients_fmt -1..7), else DVK_EDATA. */
int dvk_doc_set_style(dvk_doc *doc, const dvk_doc_style *st, dvk_error *err);
/* The style with the defaults of the document's family filled in (party: its first
 * letterhead is the Party's). */
dvk_doc_style dvk_doc_style_of(const dvk_doc *doc);
size_t dvk_doc_count(const dvk_doc *doc);
const dvk_doc_block *dvk_doc_block_at(const dvk_doc *doc, size_t i);
/* Bytes the document holds (what DVK_DOC_MAX_BYTES limits). */
size_t dvk_doc_bytes(const dvk_doc *doc);

/* Appending blocks. Strings are copied (NFC); invalid UTF-8 is DVK_EDATA, running out of
 * memory or past DVK_DOC_MAX_BYTES is DVK_ENOMEM. A failed call leaves the document as it
 * was before the call, except for the table and chart builders below, whose partly built
 * block stays (the report fails anyway). */
int dvk_doc_heading(dvk_doc *doc, const char *text, int level, dvk_error *err);
int dvk_doc_paragraph(dvk_doc *doc, const char *text, int style, dvk_error *err);
int dvk_doc_kv(dvk_doc *doc, size_t n, const char *const *keys, const char *const *values,
               dvk_error *err);
int dvk_doc_page_break(dvk_doc *doc, dvk_error *err);
/* lh's strings may be NULL (taken as ""). */
int dvk_doc_letterhead_add(dvk_doc *doc, const dvk_doc_letterhead *lh, dvk_error *err);
int dvk_doc_signature_add(dvk_doc *doc, const dvk_doc_signature *sig, dvk_error *err);
int dvk_doc_recipients(dvk_doc *doc, size_t n, const char *const *items, dvk_error *err);

/* Tables: add the block, then its columns (all before the first row), rows and cells.
 * Returned pointers stay owned by doc. row == DVK_DOC_TOTALS addresses the totals row,
 * which dvk_doc_table_totals creates (empty cells). */
#define DVK_DOC_TOTALS ((size_t)-1)
dvk_doc_table *dvk_doc_table_add(dvk_doc *doc, const char *title, dvk_error *err);
int dvk_doc_table_column(dvk_doc *doc, dvk_doc_table *t, const char *id, const char *title,
                         dvk_doc_col_type type, int width, dvk_error *err);
/* Append an empty row; *row gets its index. */
int dvk_doc_table_row(dvk_doc *doc, dvk_doc_table *t, size_t *row, dvk_error *err);
int dvk_doc_table_text(dvk_doc *doc, dvk_doc_table *t, size_t row, size_t col,
                       const char *text, dvk_error *err);
int dvk_doc_table_number(dvk_doc *doc, dvk_doc_table *t, size_t row, size_t col, double v,
                         dvk_error *err);
int dvk_doc_table_totals(dvk_doc *doc, dvk_doc_table *t, dvk_error *err);
/* Fill the totals row with the sums of the int, num and money columns and label (e.g.
 * "Tổng cộng") in the first text column; pct columns stay empty. Creates the row. */
int dvk_doc_table_sum(dvk_doc *doc, dvk_doc_table *t, const char *label, dvk_error *err);
int dvk_doc_table_footnote(dvk_doc *doc, dvk_doc_table *t, const char *text, dvk_error *err);
const dvk_doc_cell *dvk_doc_table_cell(const dvk_doc_table *t, size_t row, size_t col);

/* Charts: add the block, its categories, then series of exactly ncats values (NaN and
 * infinities are refused: DVK_EDATA). */
dvk_doc_chart *dvk_doc_chart_add(dvk_doc *doc, int stacked, const char *title, dvk_error *err);
int dvk_doc_chart_category(dvk_doc *doc, dvk_doc_chart *c, const char *name, dvk_error *err);
int dvk_doc_chart_series(dvk_doc *doc, dvk_doc_chart *c, const char *name,
                         const double *values, size_t n, dvk_error *err);

/* A cell as people read it (Vietnamese conventions, format.h dvk_format_vi): int and money
 * whole with '.' between thousands ("2.537"), num with a decimal comma and at most 2
 * decimals ("12,5"), pct with one decimal and '%' ("50,4%"); a number in a text column
 * whole like an int, else in plain form ("2.5"); text as is; empty and a non-finite number
 * (an overflowed sum) as "". Writes into buf (n bytes, always NUL-terminated when n > 0) and
 * returns it, or the cell's own text. */
const char *dvk_doc_cell_text(const dvk_doc_column *col, const dvk_doc_cell *cell, char *buf,
                              size_t n);

/* Names used by every output format. */
const char *dvk_doc_col_type_name(dvk_doc_col_type t);
int dvk_doc_col_type_parse(const char *name);          /* -1 when unknown */
/* "normal", "italic", "bold", "center", "right", joined by spaces or commas -> bits;
 * -1 when a word is unknown. */
int dvk_doc_style_parse(const char *s);

/* The Lua `doc` object (engine/lua/doc.c; methods title, heading, paragraph, kv, table,
 * chart, page_break, letterhead, signature, recipients, style; see docs/reports.md). dvk_doc_push pushes a userdata
 * that refers to doc without owning it; after the report, dvk_doc_unbind(L, idx) detaches
 * it so that a script that kept it gets "document is closed" instead of a dangling pointer.
 * Method errors are Lua errors ("doc:table: column 2: unknown type 'x'"). */
void dvk_doc_push(lua_State *L, dvk_doc *doc);                   /* [-0, +1] */
void dvk_doc_unbind(lua_State *L, int idx);                      /* [-0, +0] */

#endif
