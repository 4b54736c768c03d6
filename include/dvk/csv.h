/* csv.h: the CSV format as dvk reads and writes it (RFC 4180): the one cell writer used by
 * export, reports, `dvk stats`, REPL tables and rejects files, with the one
 * formula-neutralisation rule; the streaming strict reader the importer and the demo read
 * with. Output files are outfile.h's. The writer appends to a dvk_buf and owns nothing; the
 * reader owns its buffers for the length of one call.
 *
 * The rule: a text cell that a spreadsheet would run as a formula, one that starts (after
 * any apostrophes) with = + - @ TAB or CR, gets one more leading apostrophe, and the
 * importer takes exactly one leading apostrophe off such a cell (import.h), so every value
 * round-trips. A cell holding , " CR or LF, or starting or ending with a space or a tab, is
 * quoted (libcsv would trim unquoted edge blanks). Numbers are written by the caller
 * (dvk_format_plain) and never neutralised.
 *
 * The reader: libcsv strict mode, the file read in fixed-size chunks so that memory does not
 * grow with the file. A UTF-8 BOM is stripped; CR, LF and CRLF line ends; quoted newlines;
 * empty lines and records whose cells are all empty are skipped. A field over
 * DVK_CSV_FIELD_MAX bytes, more than DVK_CSV_COLUMNS_MAX columns, or malformed quoting stops
 * the reader with "NAME:LINE: ..." where LINE is the physical line where the record starts. */
#ifndef DVK_CSV_H
#define DVK_CSV_H

#include <stddef.h>
#include <stdio.h>
#include "dvk/buf.h"
#include "dvk/error.h"

/* ---- the cell writer ----------------------------------------------------------------- */

/* 1 when s[0..n) is a cell the rule above neutralises. */
int dvk_csv_formula_like(const char *s, size_t n);
/* Append s[0..n) as one CSV field (no separator); neutralise: apply the formula rule (text
 * cells), 0: write as is (numbers, headers dvk itself made). s NULL: an empty field. */
int dvk_csv_cell(dvk_buf *b, const char *s, size_t n, int neutralise);

/* ---- the streaming reader ------------------------------------------------------------ */

#define DVK_CSV_CHUNK (64 * 1024)        /* bytes read per csv_parse call */
#define DVK_CSV_FIELD_MAX (64 * 1024)    /* longest field accepted, in bytes */
#define DVK_CSV_COLUMNS_MAX 256          /* most columns in a record */

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
 * for a read error, DVK_ENOMEM. libcsv allocates through dvk_fault_realloc. */
int dvk_csv_read(FILE *in, const char *name, size_t chunk, dvk_csv_record_fn fn, void *ud,
                 dvk_csv_progress_fn progress, void *progress_ud, long long total,
                 dvk_error *err);

/* A value as messages about CSV show it, NUL-terminated in out: at most 60 bytes (cut on a
 * character boundary, "..."), control characters and bytes that are not UTF-8 as \xNN,
 * newlines as \n. */
void dvk_csv_show(const char *s, size_t n, char *out, size_t outn);

#endif
