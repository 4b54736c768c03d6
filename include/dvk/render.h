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
    DVK_FORMAT_JSON,
    DVK_FORMAT_DOCX,   /* report/render_docx.c: WordprocessingML, page numbers as fields */
    DVK_FORMAT_PDF     /* through an installed converter (dvk_render_pdf_tool) */
} dvk_format;

/* "md, html, csv, xlsx, json, docx, pdf": for messages listing the valid formats. */
#define DVK_RENDER_FORMATS "md, html, csv, xlsx, json, docx, pdf"

/* "md" (or "markdown"), "html", "csv", "xlsx", "json", "docx", "pdf" -> format; -1 when
 * unknown. */
int dvk_render_format_parse(const char *name);
const char *dvk_render_format_name(dvk_format f);

/* 1 for the binary formats written through a file (XLSX, DOCX, PDF). */
int dvk_render_format_binary(dvk_format f);

/* The PDF converter dvk_render_file would use: "LibreOffice" (soffice, converting the DOCX)
 * or "Chromium" (printing the HTML), the first found on $PATH (DVK_PDF_CONVERTER=libreoffice
 * or chromium picks one), its path copied into path; NULL when none is installed. */
const char *dvk_render_pdf_tool(char *path, size_t n);

/* Render doc into a malloc'd buffer (*out, *len; NUL-terminated, the caller frees it).
 * Every text format (md, html, csv, json). */
int dvk_render_buffer(const dvk_doc *doc, dvk_format f, char **out, size_t *len,
                      dvk_error *err);
/* Render doc to path through dvk_outfile_open (outfile.h): a hidden temporary file in the
 * same folder is written, fsync'ed and renamed over path; keep (NULL: nothing) names the
 * files path must not be (the open database, the input), refused with DVK_EIO before
 * anything changes. On any failure the temporary file is removed, path is untouched, and
 * err says why. */
int dvk_render_file(const dvk_doc *doc, dvk_format f, const char *path,
                    const dvk_outfile_keep *keep, dvk_error *err);
/* Render doc to an open stream (XLSX, DOCX and PDF go through a temporary file). */
int dvk_render_stream(const dvk_doc *doc, dvk_format f, FILE *out, dvk_error *err);

#endif
