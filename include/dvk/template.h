/* template.h: the Excel workbooks an office sends out to be filled (`dvk template`), written
 * with libxlsxwriter: a data sheet whose header the importer (import.h) reads as it is, a
 * notes row below it (first cell DVK_IMPORT_NOTES_MARK, skipped by the importer), dropdown
 * lists and typed cells validated for as many rows as asked, an instructions sheet, and a
 * hidden sheet "DanhMuc" holding the lists. Reads the store (units, fields, models) and the
 * province's levels and criteria through the importer's callbacks; writes only its output
 * file (outfile.h: complete or not at all, never the open database).
 *
 * The sheets, in order: the data sheet ("Đơn vị", "Đăng ký mô hình" or "Chấm điểm"),
 * "Hướng dẫn", "DanhMuc" (hidden). The data sheet's columns:
 * - units: Mã đơn vị, Tên đơn vị, Loại đơn vị (list), Đơn vị cấp trên (the province's unit
 *   codes), Hiệu lực từ, Hiệu lực đến (dates), Đơn vị kế thừa (unit codes);
 * - models: Mã mô hình, Tên mô hình, Mã đơn vị (the province's units existing in the year),
 *   Loại hình, Phân loại, Lĩnh vực (the province's fields by name), Cấp công nhận (its
 *   levels, or the one asked), Năm (the year asked, or 1900-2200), Hình thức đăng ký,
 *   Ngày bắt đầu (a date), Địa chỉ, Mô tả, the nine dossier items (text, import.h), then
 *   the metrics participants, beneficiaries, funds_vnd, workdays (numbers >= 0);
 * - appraisals: Mã mô hình (the province's models of the year and level), Tiêu chí (the
 *   script's criteria), Người chấm, Điểm (0 to the criterion's maximum), Ghi chú. */
#ifndef DVK_TEMPLATE_H
#define DVK_TEMPLATE_H

#include "dvk/error.h"
#include "dvk/import.h"
#include "dvk/store.h"

typedef struct dvk_template_opts {
    const char *province;          /* required: the province's unit code */
    int year;                      /* 0: any year */
    const char *level;             /* NULL: any of the province's levels */
    int rows;                      /* data rows validated (0: 1000) */
    dvk_import_levels_fn levels;   /* the province's levels (required) */
    void *levels_ud;
    dvk_import_criteria_fn criteria;   /* appraisals: its criteria (required for them) */
    void *criteria_ud;
} dvk_template_opts;

/* Write the template of table for o->province to path (an .xlsx). DVK_EUSAGE for a province
 * the store does not know (units: accepted, with no unit codes to list), a level that is not
 * one of its levels, or missing callbacks; DVK_EDATA when a models template has no fields to
 * offer; else the error of writing the file. */
int dvk_template_write(dvk_store *s, dvk_import_table table, const char *path,
                       const dvk_template_opts *o, dvk_error *err);

#endif
