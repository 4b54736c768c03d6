/* csv.h: the CSV format as dvk writes it (RFC 4180, CRLF or LF as the caller chooses): the
 * one cell writer used by export, reports, `dvk stats`, REPL tables and rejects files, with
 * the one formula-neutralisation rule. Appends to a dvk_buf; owns nothing.
 *
 * The rule: a text cell that a spreadsheet would run as a formula, one that starts (after
 * any apostrophes) with = + - @ TAB or CR, gets one more leading apostrophe, and the
 * importer takes exactly one leading apostrophe off such a cell (csvio.h), so every value
 * round-trips. A cell holding , " CR or LF, or starting or ending with a space or a tab, is
 * quoted (libcsv would trim unquoted edge blanks). Numbers are written by the caller
 * (dvk_format_plain) and never neutralised. */
#ifndef DVK_CSV_H
#define DVK_CSV_H

#include <stddef.h>
#include "dvk/buf.h"

/* 1 when s[0..n) is a cell the rule above neutralises. */
int dvk_csv_formula_like(const char *s, size_t n);
/* Append s[0..n) as one CSV field (no separator); neutralise: apply the formula rule (text
 * cells), 0: write as is (numbers, headers dvk itself made). s NULL: an empty field. */
int dvk_csv_cell(dvk_buf *b, const char *s, size_t n, int neutralise);

#endif
