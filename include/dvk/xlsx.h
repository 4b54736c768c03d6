/* xlsx.h: the streaming reader of Excel workbooks (.xlsx, SpreadsheetML in a zip), over
 * minizip and expat. Owns the workbook format as dvk reads it; writes nothing (workbooks are
 * written by libxlsxwriter: render_xlsx.c, template.c). The importer (import.h) reads
 * sheets through it; any other engine code that reads a workbook (score sheets) does too.
 *
 * What is read: the sheets in workbook order with their names and hidden state; cells as
 * text: shared strings (rich text runs joined, phonetic runs left out), inline strings,
 * formula results (the value the program that saved the file computed), numbers as written
 * in the file ("1020000000", "2.5", "1E-3"), booleans as "1" / "0", errors as their text
 * ("#N/A"; a formula with no saved result as the error "#formula without a saved
 * value"), and numbers whose cell style has a date format (built-in ids 14-17, 22, 27-31,
 * 34-36, 50-58, or a custom format with day or year parts outside quotes and brackets; the
 * times of day 18-21 and 45-47 stay numbers) as ISO dates
 * "YYYY-MM-DD" ("YYYY-MM-DD HH:MM:SS" when the format shows a time and the value has one),
 * Excel's 1900 calendar (with its phantom 29/02/1900) or the 1904 one.
 *
 * Streaming: one sheet part is inflated and parsed in DVK_XLSX_CHUNK pieces and handed row
 * by row to a callback; memory holds one row, the shared strings table (inherent: a cell
 * names a string by its index; kept as one byte block and one 32-bit offset a string, the
 * block moved to an unlinked temporary file once it passes 16 MiB), the
 * styles' date flags and the merged ranges, never the rows. Rows with no non-empty cell are
 * skipped. Merged ranges (read by a first pass over the part that only inflates and scans
 * for <mergeCell>) give every cell they cover the value of their top-left cell, so a header
 * or a unit cell merged across columns or rows reads as if it were written in each.
 *
 * Hostile files: every part's inflated bytes are counted while they are read and capped
 * (per part, and in total, and at a ratio to the compressed size: a zip bomb stops with an
 * error, not a full disk or memory); a DOCTYPE is refused (no entities, no billion
 * laughs); XML nesting is capped; the shared strings table is capped in strings and bytes
 * whatever its count attribute says; a cell reference beyond XFD1048576, a value over
 * DVK_XLSX_CELL_MAX bytes or a non-empty cell beyond column DVK_XLSX_COLUMNS_MAX is an
 * error naming the cell. A missing workbook part, sheet part or relationship is an error
 * naming the part. Messages read "FILE: ..." for the workbook and "FILE:Sheet!C7: ..." for
 * a cell. */
#ifndef DVK_XLSX_H
#define DVK_XLSX_H

#include <stddef.h>
#include "dvk/error.h"

#define DVK_XLSX_CHUNK (64 * 1024)         /* inflated bytes parsed per step */
#define DVK_XLSX_CELL_MAX (64 * 1024)      /* longest cell value, in bytes */
#define DVK_XLSX_COLUMNS_MAX 256           /* most columns of a row (as csv.h) */
#define DVK_XLSX_DEPTH_MAX 64              /* deepest XML nesting */

/* Limits against hostile files; a zero field takes the default. */
typedef struct dvk_xlsx_limits {
    long long part_max;      /* inflated bytes of one part (default 4 GiB) */
    long long total_max;     /* inflated bytes of all parts read (default 8 GiB) */
    long long ratio_max;     /* inflated / compressed bytes of a part over 1 MiB (default 500) */
    long long strings_max;   /* shared strings (default 16,000,000) */
    long long strings_bytes; /* bytes of the shared strings table (default 512 MiB) */
    long long small_max;     /* workbook, relationships, styles (default 16 MiB) */
    long long strings_memory;/* shared strings kept in memory; beyond, the table goes to a
                                temporary file in $TMPDIR, read back through a cache
                                (default 16 MiB) */
} dvk_xlsx_limits;

typedef struct dvk_xlsx dvk_xlsx;

enum {
    DVK_XLSX_EMPTY = 0, DVK_XLSX_TEXT, DVK_XLSX_NUMBER, DVK_XLSX_BOOL, DVK_XLSX_DATE,
    DVK_XLSX_ERROR
};

/* One row: cells A.. up to the last non-empty one. cell[i] is NUL-terminated and len[i]
 * bytes long ("" for an empty cell), type[i] one of DVK_XLSX_*; the arrays and the bytes
 * belong to the reader and are valid only during the callback. */
typedef struct dvk_xlsx_row {
    long row;                   /* the sheet's row number (1-based) */
    size_t ncells;
    char **cell;
    const size_t *len;
    const unsigned char *type;
} dvk_xlsx_row;

/* Called for each row with a non-empty cell, in sheet order. DVK_OK goes on; any other code
 * stops the reader, which returns it. */
typedef int (*dvk_xlsx_row_fn)(void *ud, const dvk_xlsx_row *row, dvk_error *err);

/* Open the workbook at path (name is used in messages; NULL: path) and read its sheet list,
 * shared strings and styles. lim NULL: the defaults. *out gets the reader (close it with
 * dvk_xlsx_close). DVK_EDATA for a file that is not a readable workbook (the message says
 * what it is when dvk knows: a legacy .xls, an OpenDocument file), DVK_EIO, DVK_ENOMEM. */
int dvk_xlsx_open(const char *path, const char *name, const dvk_xlsx_limits *lim,
                  dvk_xlsx **out, dvk_error *err);
void dvk_xlsx_close(dvk_xlsx *x);   /* NULL accepted */

size_t dvk_xlsx_sheet_count(const dvk_xlsx *x);
const char *dvk_xlsx_sheet_name(const dvk_xlsx *x, size_t i);
int dvk_xlsx_sheet_hidden(const dvk_xlsx *x, size_t i);   /* 1 hidden, 2 very hidden */
/* The sheet named name (exactly, or failing that ignoring case), or -1. */
int dvk_xlsx_sheet_find(const dvk_xlsx *x, const char *name);

/* Read sheet i row by row (see above), calling fn. Returns DVK_OK, fn's code, or the error
 * of a malformed part ("FILE:Sheet: ..." / "FILE:Sheet!C7: ..."). May be called again for
 * the same or another sheet. */
int dvk_xlsx_read(dvk_xlsx *x, size_t i, dvk_xlsx_row_fn fn, void *ud, dvk_error *err);

/* Called while dvk_xlsx_read parses a sheet, after each chunk, with the inflated bytes of
 * its part so far and the part's size as the zip declares it (for a progress bar). */
typedef void (*dvk_xlsx_progress_fn)(void *ud, long long done, long long total);
void dvk_xlsx_set_progress(dvk_xlsx *x, dvk_xlsx_progress_fn fn, void *ud);   /* NULL: none */

/* "C7" for column index col (0-based) and row number row, into out (at least 16 bytes);
 * "Sheet!C7" or "'Đăng ký'!C7" when sheet is not NULL (quoted as Excel does when the name
 * is not letters, digits and '_'). */
void dvk_xlsx_cell_ref(const char *sheet, size_t col, long row, char *out, size_t n);

/* 1 when the first bytes of a file (at least 8, n of them) are a zip / an OLE2 compound
 * file (legacy .xls, .doc). */
int dvk_xlsx_is_zip(const unsigned char *head, size_t n);
int dvk_xlsx_is_ole2(const unsigned char *head, size_t n);

#endif
