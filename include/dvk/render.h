/* render.h: turning a report document (doc.h) into an output format: Markdown; HTML (one
 * self-contained A4 page set: print stylesheet after Decree 30/2020, charts as inline SVG,
 * no script, no external resource); CSV (the document's tables); XLSX (libxlsxwriter, in
 * report/render_xlsx.c: a sheet per table); JSON (the whole document). Cells read as
 * dvk_doc_cell_text (doc.h) says; machine formats write numbers with dvk_format_plain.
 * Files are written through outfile.h (complete or not at all, never over what the caller
 * keeps). Reads the document only; knows nothing of the store. */
#ifndef DVK_RENDER_H
#define DVK_RENDER_H

#include <stddef.h>
#include <stdio.h>
#include "dvk/doc.h"
#include "dvk/error.h"
#include "dvk/outfile.h"

typedef enum dvk_format {
    DVK_FORMAT_MD = 0,
    DVK_FORMAT_HTML,
    DVK_FORMAT_CSV,
    DVK_FORMAT_XLSX,
    DVK_FORMAT_JSON
} dvk_format;

/* "md, html, csv, xlsx, json": for messages listing the valid formats. */
#define DVK_RENDER_FORMATS "md, html, csv, xlsx, json"

/* "md" (or "markdown"), "html", "csv", "xlsx", "json" -> format; -1 when unknown. */
int dvk_render_format_parse(const char *name);
const char *dvk_render_format_name(dvk_format f);

/* Render doc into a malloc'd buffer (*out, *len; NUL-terminated, the caller frees it).
 * Every format but XLSX. */
int dvk_render_buffer(const dvk_doc *doc, dvk_format f, char **out, size_t *len,
                      dvk_error *err);
/* Render doc to path through dvk_outfile_open (outfile.h): a hidden temporary file in the
 * same folder is written, fsync'ed and renamed over path; keep (NULL: nothing) names the
 * files path must not be (the open database, the input), refused with DVK_EIO before
 * anything changes. On any failure the temporary file is removed, path is untouched, and
 * err says why. */
int dvk_render_file(const dvk_doc *doc, dvk_format f, const char *path,
                    const dvk_outfile_keep *keep, dvk_error *err);
/* Render doc to an open stream (XLSX goes through a temporary file). */
int dvk_render_stream(const dvk_doc *doc, dvk_format f, FILE *out, dvk_error *err);

#endif
