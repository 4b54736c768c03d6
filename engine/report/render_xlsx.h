/* render_xlsx.h: the XLSX renderer (render_xlsx.c), private to the render module: render.c
 * reaches it through dvk_render_file and dvk_render_stream (render.h), which make its output
 * atomic or stream it. Reads the document only (doc.h). */
#ifndef DVK_REPORT_RENDER_XLSX_H
#define DVK_REPORT_RENDER_XLSX_H

#include "dvk/doc.h"
#include "dvk/error.h"

/* Write doc's tables to path as a workbook (one sheet per table), then read it back and
 * refuse it (DVK_EIO) unless every sheet and the shared strings are complete: libxlsxwriter
 * ignores write errors in its temporary files, so a full disk can leave a valid zip with
 * sheets cut short. No table: DVK_EDATA. path may be left behind on failure (the caller
 * writes to a temporary name). Messages name name (NULL: path), the output the user asked
 * for rather than the temporary file. */
int dvk_render_xlsx(const dvk_doc *doc, const char *path, const char *name, dvk_error *err);

#endif
