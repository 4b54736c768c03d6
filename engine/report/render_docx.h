/* render_docx.h: the DOCX renderer and the PDF converter (render_docx.c), private to the
 * render module: render.c reaches them through dvk_render_file and dvk_render_stream
 * (render.h), which make the output atomic or stream it. Reads the document only (doc.h). */
#ifndef DVK_REPORT_RENDER_DOCX_H
#define DVK_REPORT_RENDER_DOCX_H

#include "dvk/doc.h"
#include "dvk/error.h"

/* Pieces of an administrative document every renderer writes the same way (render.c):
 * the length of a leading "Điều N." (set in bold), "Số: 12/QĐ-UBND" (State) or
 * "Số 12-QĐ/BDVTU" (Party) with room for a missing number, and "<place>, ngày ...". */
size_t dvk_render_article_prefix(const char *s);
void dvk_render_number_line(const dvk_doc_letterhead *lh, char *buf, size_t n);
void dvk_render_place_date(const dvk_doc_letterhead *lh, char *buf, size_t n);

/* Write doc to path as a WordprocessingML document (minizip; the XML is written by hand):
 * A4 with the margins of Decree 30/2020, the styles of the document's family (the first
 * letterhead's: Party or State), page numbers as a PAGE field centred in the header, not on
 * the first page. path may be left behind on failure (the caller writes to a temporary
 * name); messages name name (NULL: path). */
int dvk_render_docx(const dvk_doc *doc, const char *path, const char *name, dvk_error *err);

/* Write doc to path as PDF through the converter dvk_render_pdf_tool names: LibreOffice
 * converts the DOCX, Chromium prints the HTML; both run in a private temporary folder (with
 * LibreOffice's own profile there) that is removed afterwards. No converter: DVK_EDATA, naming what to install. */
int dvk_render_pdf(const dvk_doc *doc, const char *path, const char *name, dvk_error *err);

#endif
