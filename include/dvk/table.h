/* table.h: result tables for people and for other programs: aligned columns by terminal
 * display width (Vietnamese diacritics and combining marks take no extra room), with box
 * drawing or plain ASCII rules, or as CSV, Markdown or JSON. A table holds copies of its
 * cells; long tables are cut after a number of rows with a line saying how many were left
 * out. Knows nothing of the database or of Lua. */
#ifndef DVK_TABLE_H
#define DVK_TABLE_H

#include <stddef.h>
#include <stdio.h>
#include "dvk/error.h"

typedef enum dvk_table_mode {
    DVK_TABLE_PLAIN = 0, /* "table": columns aligned, ASCII rules */
    DVK_TABLE_BOX,       /* "box": columns aligned, Unicode box drawing */
    DVK_TABLE_CSV,       /* "csv": RFC 4180, header row first */
    DVK_TABLE_MARKDOWN,  /* "markdown": a GitHub pipe table */
    DVK_TABLE_JSON       /* "json": an array of objects keyed by the headers */
} dvk_table_mode;

typedef struct dvk_table dvk_table;

/* A table with ncols columns named by headers (copied). NULL when out of memory. */
dvk_table *dvk_table_new(int ncols, const char *const *headers);
void dvk_table_free(dvk_table *t);
/* Append a row of ncols cells (copied; a NULL cell is an empty/null value). DVK_ENOMEM. */
int dvk_table_add_row(dvk_table *t, const char *const *cells, dvk_error *err);
int dvk_table_rows(const dvk_table *t);
int dvk_table_cols(const dvk_table *t);
/* The number of rows the data had in all, when the caller stored only the first ones; the
 * footer then says how many were left out. Defaults to the rows added. */
void dvk_table_set_total(dvk_table *t, long long total);
/* Show at most max_rows rows (0: all); the rest are counted in a footer ("… 12 more rows")
 * in the aligned modes. CSV and JSON always write every row stored. */
void dvk_table_set_limit(dvk_table *t, int max_rows);
/* Mark a column as numeric (right-aligned, and a bare number in JSON). By default a column
 * whose non-empty cells all look like numbers is numeric. */
void dvk_table_set_numeric(dvk_table *t, int col, int numeric);

/* Write t to out in mode. DVK_EIO when the write fails. */
int dvk_table_write(const dvk_table *t, FILE *out, dvk_table_mode mode, dvk_error *err);
/* The same into a malloc'd NUL-terminated string (the caller frees it); NULL on no memory. */
char *dvk_table_render(const dvk_table *t, dvk_table_mode mode);

/* "table", "box", "csv", "markdown" (or "md"), "json" -> mode; -1 when unknown. */
int dvk_table_mode_parse(const char *name);
const char *dvk_table_mode_name(dvk_table_mode mode);
/* The mode for a stream: box on a terminal whose locale is UTF-8, plain otherwise. */
dvk_table_mode dvk_table_default_mode(FILE *out);

/* Display width of a UTF-8 cell (wide characters 2, combining marks 0, control bytes 0).
 * Invalid bytes count 1 each. */
int dvk_table_width(const char *s);

#endif
