/* check_xlsx.c: the XLSX reader (xlsx.h) on workbooks made by hand (zip.h) and by
 * libxlsxwriter: shared, rich and inline strings, numbers, booleans, errors, dates (built-in
 * and custom formats, 1900 and 1904 calendars), merged cells, empty rows, hidden sheets;
 * hostile and broken files (zip bombs, DOCTYPE, deep nesting, missing parts, bad indexes)
 * ending in clear errors; and the importer reading a sheet (cell references in messages,
 * sheet choice, title and notes rows, typed numbers). */
#include <check.h>
#include <minizip/zip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "dvk/buf.h"
#include "dvk/import.h"
#include "dvk/script.h"
#include "dvk/store.h"
#include "dvk/xlsx.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------- */

typedef struct part {
    const char *name, *data;
    size_t len;             /* 0: strlen(data) */
} part;

static void write_zip(const char *path, const part *parts, size_t n)
{
    zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
    ck_assert_ptr_nonnull(z);
    for (size_t i = 0; i < n; i++) {
        zip_fileinfo zi;
        memset(&zi, 0, sizeof zi);
        ck_assert_int_eq(zipOpenNewFileInZip64(z, parts[i].name, &zi, NULL, 0, NULL, 0, NULL,
                                               Z_DEFLATED, 9, 1), ZIP_OK);
        size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);
        ck_assert_int_eq(zipWriteInFileInZip(z, parts[i].data, (unsigned)len), ZIP_OK);
        ck_assert_int_eq(zipCloseFileInZip(z), ZIP_OK);
    }
    ck_assert_int_eq(zipClose(z, NULL), ZIP_OK);
}

#define RELS                                                                                 \
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/" \
    "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/" \
    "officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"        \
    "</Relationships>"
#define WB_RELS                                                                              \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
    "<Relationship Id=\"rId1\" Type=\"http://x/worksheet\" Target=\"worksheets/sheet1.xml\"/>" \
    "<Relationship Id=\"rId2\" Type=\"http://x/worksheet\" Target=\"/xl/worksheets/s2.xml\"/>" \
    "<Relationship Id=\"rId3\" Type=\"http://x/sharedStrings\" Target=\"sharedStrings.xml\"/>" \
    "<Relationship Id=\"rId4\" Type=\"http://x/styles\" Target=\"styles.xml\"/></Relationships>"
#define WB(pr)                                                                               \
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "         \
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" pr    \
    "<sheets><sheet name=\"Ẩn\" sheetId=\"2\" state=\"hidden\" r:id=\"rId2\"/>"              \
    "<sheet name=\"Đăng ký\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define SST                                                                                  \
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4\">"  \
    "<si><t>Mã</t></si><si><r><t>Tên </t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">"  \
    "mô hình</t></r><rPh><t>ふりがな</t></rPh></si><si><t>Ngày</t></si>"                      \
    "<si><t>Huyện A</t></si></sst>"
#define STYLES                                                                               \
    "<styleSheet><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"  \
    "<numFmt numFmtId=\"165\" formatCode=\"&quot;d&quot;#,##0\"/></numFmts>"                 \
    "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs count=\"5\">"                \
    "<xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/><xf numFmtId=\"165\"/>"  \
    "<xf numFmtId=\"22\"/></cellXfs></styleSheet>"
#define SHEET(rows, after)                                                                   \
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"        \
    "<sheetData>" rows "</sheetData>" after "</worksheet>"

/* The rows of a sheet as text: "7: A|B|C" a line, a cell's type after '#' when not text. */
typedef struct dump {
    dvk_buf b;
    long stop_after;        /* return this code after the first row (0: never) */
} dump;

static int dump_row(void *ud, const dvk_xlsx_row *row, dvk_error *err)
{
    static const char *const T[] = {"", "", "#n", "#b", "#d", "#e"};
    dump *d = ud;
    dvk_buf_printf(&d->b, "%ld:", row->row);
    for (size_t i = 0; i < row->ncells; i++) {
        ck_assert_uint_eq(strlen(row->cell[i]), row->len[i]);
        dvk_buf_printf(&d->b, "%s%s%s", i ? "|" : " ", row->cell[i], T[row->type[i]]);
    }
    dvk_buf_addc(&d->b, '\n');
    return d->stop_after ? (int)d->stop_after : DVK_OK;
}

/* Open path and dump sheet (by name); returns the dump or "ERR: message" (malloc'd), with
 * the temporary folder's path cut from messages. */
static char *read_sheet(const char *path, const char *sheet, const dvk_xlsx_limits *lim)
{
    dvk_xlsx *x = NULL;
    dvk_error err;
    dvk_error_clear(&err);
    dump d = {DVK_BUF_INIT, 0};
    int rc = dvk_xlsx_open(path, "t.xlsx", lim, &x, &err);
    if (!rc) {
        int i = dvk_xlsx_sheet_find(x, sheet);
        ck_assert_msg(i >= 0, "no sheet %s", sheet);
        rc = dvk_xlsx_read(x, (size_t)i, dump_row, &d, &err);
    }
    dvk_xlsx_close(x);
    if (rc) {
        dvk_buf_reset(&d.b);
        dvk_buf_printf(&d.b, "ERR: %s", err.msg);
    }
    return dvk_buf_take(&d.b, NULL);
}

#define ck_sheet(path, sheet, lim, want)                                                    \
    do {                                                                                    \
        char *got_ = read_sheet(path, sheet, lim);                                          \
        ck_assert_msg(strcmp(got_, want) == 0, "got:\n%s\nwant:\n%s", got_, want);          \
        free(got_);                                                                         \
    } while (0)

/* ---- a workbook made by hand --------------------------------------------------------- */

START_TEST(test_handmade)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "h.xlsx");
    const part parts[] = {
        {"_rels/.rels", RELS, 0},
        {"xl/workbook.xml", WB(""), 0},
        {"xl/_rels/workbook.xml.rels", WB_RELS, 0},
        {"xl/sharedStrings.xml", SST, 0},
        {"xl/styles.xml", STYLES, 0},
        {"xl/worksheets/sheet1.xml",
         SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>DANH SÁCH</t></is></c></row>"
               "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c>"
               "<c r=\"D3\" t=\"s\"><v>2</v></c><c r=\"E3\"><v>1</v></c></row>"
               "<row r=\"4\" spans=\"1:5\"><c r=\"A4\" s=\"0\"/><c r=\"B4\"><v> </v></c></row>"
               "<row r=\"5\"><c r=\"A5\"><v>1.149</v></c><c r=\"B5\" t=\"s\"><v>3</v></c>"
               "<c r=\"C5\" t=\"b\"><v>1</v></c><c r=\"D5\" s=\"1\"><v>45292</v></c>"
               "<c r=\"E5\" t=\"e\"><v>#N/A</v></c></row>"
               "<row r=\"6\"><c r=\"A6\"><v>1E-3</v></c><c r=\"C6\" t=\"b\"><v>0</v></c>"
               "<c r=\"D6\" s=\"2\"><v>61</v></c><c r=\"E6\" s=\"3\"><v>7</v></c></row>"
               "<row r=\"7\"><c r=\"A7\" t=\"str\"><f>A5&amp;\"x\"</f><v>1.149x</v></c>"
               "<c r=\"C7\"><f>SUM(A1)</f></c>"
               "<c r=\"D7\" s=\"4\"><v>45292.75</v></c><c r=\"E7\" s=\"1\"><v>60</v></c></row>",
               "<mergeCells count=\"2\"><mergeCell ref=\"A1:E1\"/><mergeCell ref=\"B5:B7\"/>"
               "</mergeCells>"), 0},
        {"xl/worksheets/s2.xml", SHEET("<row><c t=\"inlineStr\"><is><t>ẩn</t></is></c></row>", ""), 0},
    };
    write_zip(path, parts, sizeof parts / sizeof parts[0]);
    dvk_xlsx *x = NULL;
    dvk_error err;
    ck_assert_int_eq(dvk_xlsx_open(path, NULL, NULL, &x, &err), DVK_OK);
    ck_assert_uint_eq(dvk_xlsx_sheet_count(x), 2);
    ck_assert_str_eq(dvk_xlsx_sheet_name(x, 0), "Ẩn");
    ck_assert_int_eq(dvk_xlsx_sheet_hidden(x, 0), 1);
    ck_assert_str_eq(dvk_xlsx_sheet_name(x, 1), "Đăng ký");
    ck_assert_int_eq(dvk_xlsx_sheet_hidden(x, 1), 0);
    ck_assert_int_eq(dvk_xlsx_sheet_find(x, "đăng ký"), 1);
    ck_assert_int_eq(dvk_xlsx_sheet_find(x, "Sheet1"), -1);
    dvk_xlsx_close(x);
    /* the title merged across A1:E1 fills its row; row 2 is missing and row 4 empty (a
     * styled cell, a blank value): skipped; rich text runs joined, phonetic runs left out;
     * B5:B7 fills down into rows that have values of their own; dates by custom and
     * built-in formats, a quoted "d" is no date; 61 is 1900-03-01 and 60 the phantom
     * 29/02/1900 (left a number); 22 is a date and time */
    ck_sheet(path, "Đăng ký", NULL,
             "1: DANH SÁCH|DANH SÁCH|DANH SÁCH|DANH SÁCH|DANH SÁCH\n"
             "3: Mã|Tên mô hình||Ngày|1#n\n"
             "5: 1.149#n|Huyện A|1#b|2024-01-01#d|#N/A#e\n"
             "6: 1E-3#n|Huyện A|0#b|1900-03-01#d|7#n\n"
             "7: 1.149x|Huyện A|#formula without a saved value#e|2024-01-01 18:00:00#d|60#n\n");
    ck_sheet(path, "Ẩn", NULL, "1: ẩn\n");
    /* the same with the shared strings moved to a temporary file after the first one */
    const dvk_xlsx_limits spill = {.strings_memory = 1};
    ck_sheet(path, "Đăng ký", &spill,
             "1: DANH SÁCH|DANH SÁCH|DANH SÁCH|DANH SÁCH|DANH SÁCH\n"
             "3: Mã|Tên mô hình||Ngày|1#n\n"
             "5: 1.149#n|Huyện A|1#b|2024-01-01#d|#N/A#e\n"
             "6: 1E-3#n|Huyện A|0#b|1900-03-01#d|7#n\n"
             "7: 1.149x|Huyện A|#formula without a saved value#e|2024-01-01 18:00:00#d|60#n\n");
    /* the callback stops the reader with its own code */
    ck_assert_int_eq(dvk_xlsx_open(path, NULL, NULL, &x, &err), DVK_OK);
    dump d = {DVK_BUF_INIT, 77};
    ck_assert_int_eq(dvk_xlsx_read(x, 1, dump_row, &d, &err), 77);
    ck_assert_str_eq(dvk_buf_str(&d.b), "1: DANH SÁCH|DANH SÁCH|DANH SÁCH|DANH SÁCH|DANH SÁCH\n");
    dvk_buf_free(&d.b);
    dvk_xlsx_close(x);
    /* the 1904 calendar: serial 0 is 1904-01-01 */
    const part p1904[] = {
        {"xl/workbook.xml", WB("<workbookPr date1904=\"1\"/>"), 0},
        {"xl/_rels/workbook.xml.rels", WB_RELS, 0},
        {"xl/styles.xml", STYLES, 0},
        {"xl/worksheets/sheet1.xml", SHEET("<row><c s=\"2\"><v>0</v></c><c s=\"2\"><v>366</v></c></row>", ""), 0},
        {"xl/worksheets/s2.xml", SHEET("", ""), 0},
    };
    write_zip(path, p1904, sizeof p1904 / sizeof p1904[0]);
    ck_sheet(path, "Đăng ký", NULL, "1: 1904-01-01#d|1905-01-01#d\n");
    tu_rmdir(dir);
    free(dir);
    free(path);
}
END_TEST

/* ---- a workbook written by libxlsxwriter ---------------------------------------------- */

START_TEST(test_libxlsxwriter)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "w.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *a = workbook_add_worksheet(wb, "Hướng dẫn");
    lxw_worksheet *b = workbook_add_worksheet(wb, "Danh sách");
    lxw_worksheet *c = workbook_add_worksheet(wb, "lists");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0");
    worksheet_write_string(a, 0, 0, "Điền sheet Danh sách", NULL);
    worksheet_merge_range(b, 0, 0, 0, 2, "Tiêu đề", NULL);
    worksheet_write_string(b, 1, 0, "Mã", NULL);
    worksheet_write_string(b, 1, 1, "Số tiền", NULL);
    worksheet_write_string(b, 1, 2, "Ngày", NULL);
    worksheet_write_string(b, 2, 0, "=không phải công thức", NULL);
    worksheet_write_number(b, 2, 1, 1020000000, money);
    lxw_datetime dt = {2025, 3, 31, 0, 0, 0};
    worksheet_write_datetime(b, 2, 2, &dt, date);
    worksheet_write_boolean(b, 4, 0, 1, NULL);
    worksheet_write_number(b, 4, 1, 2.5, NULL);
    worksheet_write_formula_num(b, 4, 2, "=B5*2", NULL, 5);
    worksheet_write_string(c, 0, 0, "moi", NULL);
    worksheet_hide(c);
    ck_assert_int_eq(workbook_close(wb), LXW_NO_ERROR);
    dvk_xlsx *x = NULL;
    dvk_error err;
    ck_assert_int_eq(dvk_xlsx_open(path, NULL, NULL, &x, &err), DVK_OK);
    ck_assert_uint_eq(dvk_xlsx_sheet_count(x), 3);
    ck_assert_int_eq(dvk_xlsx_sheet_hidden(x, 2), 1);
    dvk_xlsx_close(x);
    ck_sheet(path, "Danh sách", NULL,
             "1: Tiêu đề|Tiêu đề|Tiêu đề\n"
             "2: Mã|Số tiền|Ngày\n"
             "3: =không phải công thức|1020000000#n|2025-03-31#d\n"
             "5: 1#b|2.5#n|5#n\n");
    ck_sheet(path, "lists", NULL, "1: moi\n");
    tu_rmdir(dir);
    free(dir);
    free(path);
}
END_TEST

/* ---- hostile and broken files --------------------------------------------------------- */

static char *open_error(const char *path, const dvk_xlsx_limits *lim)
{
    dvk_xlsx *x = NULL;
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_xlsx_open(path, "t.xlsx", lim, &x, &err);
    dvk_xlsx_close(x);
    return strdup(rc ? err.msg : "(opened)");
}

#define ck_open_error(path, lim, want)                                                      \
    do {                                                                                    \
        char *got_ = open_error(path, lim);                                                 \
        ck_assert_msg(strstr(got_, want) != NULL, "got: %s\nwant: ...%s...", got_, want);   \
        free(got_);                                                                         \
    } while (0)

#define ck_sheet_error(path, lim, want)                                                     \
    do {                                                                                    \
        char *got_ = read_sheet(path, "Đăng ký", lim);                                      \
        ck_assert_msg(strncmp(got_, "ERR: ", 5) == 0 && strstr(got_, want) != NULL,         \
                      "got: %s\nwant: ...%s...", got_, want);                               \
        free(got_);                                                                         \
    } while (0)

/* A workbook whose sheet1 is `sheet` (len bytes; 0: strlen) and whose shared strings are sst
 * (NULL: none). */
static void write_book(const char *path, const char *sheet, size_t len, const char *sst)
{
    part parts[] = {
        {"xl/workbook.xml", WB(""), 0},
        {"xl/_rels/workbook.xml.rels", WB_RELS, 0},
        {"xl/worksheets/s2.xml", SHEET("", ""), 0},
        {"xl/worksheets/sheet1.xml", sheet, len},
        {"xl/sharedStrings.xml", sst, 0},
    };
    write_zip(path, parts, sst ? 5 : 4);
}

START_TEST(test_hostile)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "b.xlsx");
    /* not a zip; an OLE2 file (a legacy .xls); an OpenDocument spreadsheet */
    tu_write(path, "code,name\n", (size_t)-1);
    ck_open_error(path, NULL, "t.xlsx: not an Excel workbook");
    tu_write(path, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12);
    ck_open_error(path, NULL, "t.xlsx: a legacy Excel 97-2003 workbook (.xls), which dvk does not "
                              "read: open it in Excel or LibreOffice Calc and save it as \"Excel "
                              "Workbook (.xlsx)\"");
    const part ods[] = {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0},
                        {"content.xml", "<x/>", 0}};
    write_zip(path, ods, 2);
    ck_open_error(path, NULL, "t.xlsx: an OpenDocument spreadsheet (.ods)");
    /* a zip without a workbook; a workbook without sheets; a sheet without its part */
    const part nowb[] = {{"hello.txt", "hi", 0}};
    write_zip(path, nowb, 1);
    ck_open_error(path, NULL, "a zip file without a workbook part (xl/workbook.xml)");
    const part nosheets[] = {{"xl/workbook.xml", "<workbook><sheets/></workbook>", 0}};
    write_zip(path, nosheets, 1);
    ck_open_error(path, NULL, "t.xlsx: the workbook has no sheets");
    const part nopart[] = {{"xl/workbook.xml", WB(""), 0}, {"xl/_rels/workbook.xml.rels", WB_RELS, 0}};
    write_zip(path, nopart, 2);
    ck_sheet_error(path, NULL, "t.xlsx: sheet 'Đăng ký' has no part xl/worksheets/sheet1.xml");
    /* malformed XML, a DOCTYPE (entities), nesting deeper than the cap */
    write_book(path, "<worksheet><sheetData><row><c><v>1</v></row>", 0, NULL);
    ck_sheet_error(path, NULL, "part xl/worksheets/sheet1.xml is not well-formed XML (line 1: "
                               "mismatched tag)");
    write_book(path, "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                     "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>"
                     "</sheetData></worksheet>", 0, NULL);
    ck_sheet_error(path, NULL, "part xl/worksheets/sheet1.xml has a DOCTYPE");
    dvk_buf deep = DVK_BUF_INIT;
    for (int i = 0; i < 200; i++)
        dvk_buf_adds(&deep, "<x>");
    write_book(path, dvk_buf_str(&deep), 0, NULL);
    ck_sheet_error(path, NULL, "XML nested deeper than 64 elements");
    dvk_buf_free(&deep);
    /* zip bombs: 64 MiB of one byte inflate from ~64 KiB; capped per part and by ratio */
    size_t big = 64u << 20;
    char *bomb = malloc(big);
    memset(bomb, ' ', big);
    memcpy(bomb, "<worksheet><sheetData>", 22);
    write_book(path, bomb, big, NULL);
    free(bomb);
    dvk_xlsx_limits lim = {.part_max = 8 << 20, .ratio_max = 100000};
    ck_sheet_error(path, &lim, "t.xlsx: part xl/worksheets/sheet1.xml inflates to more than "
                               "8388608 bytes (the limit of one part); refused as a zip bomb");
    lim = (dvk_xlsx_limits){.total_max = 4 << 20, .ratio_max = 100000};
    ck_sheet_error(path, &lim, "(the limit of a workbook)");
    ck_sheet_error(path, NULL, "inflates to more than 500 times its compressed size; refused as a "
                               "zip bomb");
    /* shared strings: more than the cap whatever count says; an index beyond the table */
    write_book(path, SHEET("<row><c t=\"s\"><v>5</v></c></row>", ""), 0,
               "<sst count=\"1\"><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>");
    lim = (dvk_xlsx_limits){.strings_max = 2};
    ck_open_error(path, &lim, "t.xlsx: more than 2 shared strings; refused");
    lim = (dvk_xlsx_limits){.strings_bytes = 2};
    ck_open_error(path, &lim, "t.xlsx: the shared strings table is over 2 bytes");
    ck_sheet_error(path, NULL, "t.xlsx:'Đăng ký'!A1: the cell names a shared string that the "
                               "workbook does not have");
    /* references beyond the sheet, out of order, a value beyond column 256, a long value */
    write_book(path, SHEET("<row><c r=\"XFE1\"><v>1</v></c></row>", ""), 0, NULL);
    ck_sheet_error(path, NULL, "a cell named 'XFE1' in row 1 (a damaged file)");
    write_book(path, SHEET("<row r=\"5\"/><row r=\"3\"/>", ""), 0, NULL);
    ck_sheet_error(path, NULL, "row 3 comes after row 5");
    write_book(path, SHEET("<row><c r=\"IW2\"><v>1</v></c></row>", ""), 0, NULL);
    ck_sheet_error(path, NULL, "a cell named 'IW2' in row 1");
    write_book(path, SHEET("<row r=\"2\"><c r=\"IW2\"><v>1</v></c><c r=\"IX2\"/></row>", ""), 0, NULL);
    ck_sheet_error(path, NULL, "t.xlsx:'Đăng ký'!IW2: a value beyond column 256");
    write_book(path, SHEET("<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"A2\"><v>2</v></c></row>", ""), 0, NULL);
    ck_sheet_error(path, NULL, "'Đăng ký'!A2: the cell appears twice");
    dvk_buf longv = DVK_BUF_INIT;
    dvk_buf_adds(&longv, "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>");
    for (int i = 0; i < 70000; i++)
        dvk_buf_addc(&longv, 'x');
    dvk_buf_adds(&longv, "</t></is></c></row></sheetData></worksheet>");
    write_book(path, dvk_buf_str(&longv), 0, NULL);
    ck_sheet_error(path, NULL, "'Đăng ký'!A1: a value longer than 65536 bytes");
    dvk_buf_free(&longv);
    /* a part whose name differs in case from its relationship's target is found */
    const part cased[] = {{"xl/workbook.xml", WB(""), 0}, {"xl/_rels/workbook.xml.rels", WB_RELS, 0},
                          {"xl/worksheets/S2.xml", SHEET("", ""), 0},
                          {"XL/Worksheets/Sheet1.xml", SHEET("<row><c><v>5</v></c></row>", ""), 0}};
    write_zip(path, cased, 4);
    ck_sheet(path, "Đăng ký", NULL, "1: 5#n\n");
    /* merged ranges over the whole sheet: their fill work is capped */
    write_book(path, SHEET("<row><c><v>1</v></c></row>", "<mergeCells><mergeCell ref=\"A1:IV1048576\"/>"
                           "</mergeCells>"), 0, NULL);
    ck_sheet_error(path, NULL, "t.xlsx:Đăng ký: merged ranges cover more than 67108864 cells");
    /* a truncated file */
    write_book(path, SHEET("<row><c><v>1</v></c></row>", ""), 0, NULL);
    size_t n;
    char *all = tu_read(path, &n);
    tu_write(path, all, n / 2);
    free(all);
    ck_open_error(path, NULL, "t.xlsx: not an Excel workbook");
    tu_rmdir(dir);
    free(dir);
    free(path);
}
END_TEST

START_TEST(test_cell_ref)
{
    char out[64];
    dvk_xlsx_cell_ref(NULL, 0, 1, out, sizeof out);
    ck_assert_str_eq(out, "A1");
    dvk_xlsx_cell_ref("Sheet1", 27, 7, out, sizeof out);
    ck_assert_str_eq(out, "Sheet1!AB7");
    dvk_xlsx_cell_ref("Đăng ký", 16383, 1048576, out, sizeof out);
    ck_assert_str_eq(out, "'Đăng ký'!XFD1048576");
    dvk_xlsx_cell_ref("it's", 2, 3, out, sizeof out);
    ck_assert_str_eq(out, "'it''s'!C3");
}
END_TEST

/* ---- the importer reading a sheet ------------------------------------------------------ */

static dvk_store *units_store(char **dir)
{
    dvk_store *s = tu_store(dir);
    char *msg = NULL;
    int rc = sqlite3_exec(dvk_store_db(s),
        "INSERT INTO units(code,name,name_key,kind,parent,province) VALUES"
        "('p','Tỉnh P','tinh p','province',NULL,'p'),('p/a','Xã A','xa a','commune','p','p');"
        "INSERT INTO fields(province,id,name) VALUES('p','kt','Kinh tế');", NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s", msg ? msg : "");
    return s;
}

static int import_xlsx(dvk_store *s, dvk_import_table t, const char *path, const char *sheet,
                       dvk_import_result *res, dvk_error *err)
{
    memset(res, 0, sizeof *res);
    dvk_error_clear(err);
    dvk_import_opts o = {.levels = dvk_script_levels, .levels_ud = (void *)tu_scripts_dir(),
                         .sheet = sheet};
    return dvk_import(s, t, path, &o, res, err);
}

START_TEST(test_import_sheet)
{
    char *dir = NULL;
    dvk_store *s = units_store(&dir);
    char *path = tu_path(dir, "m.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *help = workbook_add_worksheet(wb, "Hướng dẫn");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Mô hình");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    worksheet_write_string(help, 0, 0, "Không phải dữ liệu", NULL);
    /* a title merged over the header, the table from column B, a notes row */
    worksheet_merge_range(ws, 0, 1, 0, 6, "DANH SÁCH ĐĂNG KÝ", NULL);
    const char *head[] = {"Mã", "Tên", "Đơn vị", "Loại", "Phân loại", "Lĩnh vực", "Cấp", "Năm",
                          "Đăng ký", "Ngày bắt đầu", "Kinh phí"};
    for (int c = 0; c < 11; c++)
        worksheet_write_string(ws, 2, (lxw_col_t)(c + 1), head[c], NULL);
    worksheet_write_string(ws, 3, 1, DVK_IMPORT_NOTES_MARK " mã duy nhất", NULL);
    const char *row[] = {"M-1", "Mô hình một", "p/a", "Tập thể", "mo-hinh", "Kinh tế", "co-so"};
    for (int c = 0; c < 7; c++)
        worksheet_write_string(ws, 4, (lxw_col_t)(c + 1), row[c], NULL);
    worksheet_write_number(ws, 4, 8, 2025, NULL);
    worksheet_write_string(ws, 4, 9, "Mới", NULL);
    lxw_datetime dt = {2024, 12, 1, 0, 0, 0};
    worksheet_write_datetime(ws, 4, 10, &dt, date);
    worksheet_write_number(ws, 4, 11, 1.149, NULL);   /* a number cell: not ambiguous */
    ck_assert_int_eq(workbook_close(wb), LXW_NO_ERROR);
    dvk_import_result res;
    dvk_error err;
    int rc = import_xlsx(s, DVK_IMPORT_MODELS, path, NULL, &res, &err);
    ck_assert_msg(rc == DVK_OK, "%s %s", err.msg, res.nmessages ? res.messages[0] : "");
    ck_assert_int_eq(res.rows, 1);
    ck_assert_int_eq(res.inserted, 1);
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models WHERE code='M-1' AND started_on="
                               "'2024-12-01' AND year=2025 AND registration='moi' AND "
                               "json_extract(metrics,'$.\"Kinh phí\"')=1.149"), 1);
    /* the same file again changes nothing */
    rc = import_xlsx(s, DVK_IMPORT_MODELS, path, "mô hình", &res, &err);
    ck_assert_int_eq(rc, DVK_OK);
    ck_assert_int_eq(res.unchanged, 1);
    dvk_import_result_free(&res);
    /* a hidden or unknown sheet, a sheet without the header */
    rc = import_xlsx(s, DVK_IMPORT_MODELS, path, "Bảng 9", &res, &err);
    ck_assert_int_eq(rc, DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "m.xlsx: no sheet named 'Bảng 9' (sheets: 'Hướng dẫn', 'Mô hình')"),
                  "%s", err.msg);
    dvk_import_result_free(&res);
    rc = import_xlsx(s, DVK_IMPORT_APPRAISALS, path, NULL, &res, &err);
    ck_assert_int_eq(rc, DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "m.xlsx: no visible sheet has a header with the columns of "
                                  "appraisals (model, criterion, appraiser, score; sheets: "
                                  "'Hướng dẫn', 'Mô hình'); name the sheet with --sheet NAME"),
                  "%s", err.msg);
    dvk_import_result_free(&res);
    rc = import_xlsx(s, DVK_IMPORT_APPRAISALS, path, "Hướng dẫn", &res, &err);
    ck_assert_int_eq(rc, DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "m.xlsx:'Hướng dẫn'!row 1: unknown column 'Không phải dữ liệu'"),
                  "%s", err.msg);
    dvk_import_result_free(&res);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
    free(path);
}
END_TEST

START_TEST(test_import_cell_messages)
{
    char *dir = NULL;
    dvk_store *s = units_store(&dir);
    char *path = tu_path(dir, "a.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Điểm");
    const char *head[] = {"model", "criterion", "appraiser", "score"};
    for (int c = 0; c < 4; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
    worksheet_write_string(ws, 2, 0, "M-9", NULL);
    worksheet_write_string(ws, 2, 1, "c", NULL);
    worksheet_write_string(ws, 2, 2, "Ông A", NULL);
    worksheet_write_string(ws, 2, 3, "1.149", NULL);   /* text: ambiguous, as in CSV */
    worksheet_write_string(ws, 3, 5, "lạc", NULL);     /* right of the header */
    ck_assert_int_eq(workbook_close(wb), LXW_NO_ERROR);
    dvk_import_result res;
    dvk_error err;
    int rc = import_xlsx(s, DVK_IMPORT_APPRAISALS, path, NULL, &res, &err);
    ck_assert_int_eq(rc, DVK_EDATA);
    ck_assert_int_eq(res.nmessages, 3);
    const char *want[] = {
        "a.xlsx:'Điểm'!A3: column 'model': unknown model code (import the models file first) (M-9)",
        "a.xlsx:'Điểm'!D3: column 'score': is ambiguous",
        "a.xlsx:'Điểm'!F4: a value right of the header's last column (lạc)",
    };
    for (int i = 0; i < 3; i++) {
        const char *m = strstr(res.messages[i], "a.xlsx:");
        ck_assert_msg(m && strncmp(m, want[i], strlen(want[i])) == 0, "got: %s\nwant: %s",
                      res.messages[i], want[i]);
    }
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM appraisals"), 0);
    /* an error cell (#N/A) or a formula never computed is a problem, not a value */
    write_book(path, SHEET("<row><c t=\"inlineStr\"><is><t>model</t></is></c><c t=\"inlineStr\">"
                           "<is><t>criterion</t></is></c><c t=\"inlineStr\"><is><t>appraiser</t></is>"
                           "</c><c t=\"inlineStr\"><is><t>score</t></is></c></row><row>"
                           "<c t=\"inlineStr\"><is><t>M-9</t></is></c><c t=\"e\"><v>#N/A</v></c>"
                           "<c><f>A1</f></c><c><v>5</v></c></row>", ""), 0, NULL);
    rc = import_xlsx(s, DVK_IMPORT_APPRAISALS, path, NULL, &res, &err);
    ck_assert_int_eq(rc, DVK_EDATA);
    ck_assert_msg(res.nmessages >= 2 && strstr(res.messages[0], "a.xlsx:'Đăng ký'!B2: column "
                  "'criterion': the cell shows an error, not a value") &&
                  strstr(res.messages[1], "'Đăng ký'!C2: column 'appraiser': the cell shows an "
                  "error, not a value: correct it in the workbook (or type the value instead of a "
                  "formula) and save it (#formula without a saved value)"), "%s | %s",
                  res.nmessages ? res.messages[0] : "", res.nmessages > 1 ? res.messages[1] : "");
    dvk_import_result_free(&res);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
    free(path);
}
END_TEST

/* Files an office sends that dvk does not read: each refused with how to save it, nothing
 * imported. */
START_TEST(test_import_formats)
{
    char *dir = NULL;
    dvk_store *s = units_store(&dir);
    static const struct {
        const char *name, *data;
        size_t len;
        const char *want;
    } cases[] = {
        {"a.csv", "\xFF\xFE" "c\0o\0d\0e\0", 10, "a.csv:1: the file is UTF-16 text (Excel's \"Unicode "
         "Text\"), and dvk reads UTF-8. Save it as UTF-8 CSV with commas: in Excel, File > Save As > "
         "\"CSV UTF-8 (Comma delimited) (*.csv)\""},
        {"b.csv", "c\0o\0d\0e\0,\0", 10, "b.csv:1: the file is UTF-16 text"},
        {"c.csv", "M\xE3 \xF0\xF4n v\xEF,T\xEAn\n", 0, "c.csv:1: column 1: the header is not UTF-8 text "
         "(M\\xE3 \\xF0\\xF4n v\\xEF): the file is in another encoding (Windows-1258, TCVN3, ...). Save "
         "it as UTF-8 CSV with commas"},
        {"d.csv", "code;name;kind\np;P;province\n", 0, "d.csv:1: the columns are separated by semicolons "
         "(;), and dvk reads commas (code;name;kind). Save it as UTF-8 CSV with commas"},
        {"e.csv", "code\tname\tkind\n", 0, "e.csv:1: the columns are separated by tabs"},
        {"f.xls", "<html><table><tr><td>code</td></tr></table></html>", 0, "f.xls: named as a "
         "spreadsheet but it is not one (an HTML or text file renamed?): open it in Excel or "
         "LibreOffice Calc and save it as \"Excel Workbook (.xlsx)\" or as CSV UTF-8"},
        {"g.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12, "g.xls: a legacy Excel 97-2003 "
         "workbook (.xls), which dvk does not read"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = tu_path(dir, cases[i].name);
        tu_write(path, cases[i].data, cases[i].len ? cases[i].len : (size_t)-1);
        dvk_import_result res;
        dvk_error err;
        int rc = import_xlsx(s, DVK_IMPORT_UNITS, path, NULL, &res, &err);
        ck_assert_int_eq(rc, DVK_EDATA);
        ck_assert_msg(strstr(err.msg, cases[i].want), "case %zu:\n got: %s\nwant: ...%s", i, err.msg,
                      cases[i].want);
        dvk_import_result_free(&res);
        free(path);
    }
    /* the row-number column of an office's list ("STT") is read, not stored nor refused */
    char *stt = tu_path(dir, "stt.csv");
    tu_write(stt, "STT,Mã đơn vị,Tên đơn vị,Loại đơn vị,Đơn vị cấp trên\n1,p/b,Xã B,Xã,p\n", (size_t)-1);
    dvk_import_result sres;
    dvk_error serr;
    ck_assert_msg(import_xlsx(s, DVK_IMPORT_UNITS, stt, NULL, &sres, &serr) == DVK_OK, "%s", serr.msg);
    ck_assert_int_eq(sres.inserted, 1);
    dvk_import_result_free(&sres);
    free(stt);
    ck_assert_int_eq(tu_int(s, "DELETE FROM units WHERE code = 'p/b' RETURNING 1"), 1);
    /* --sheet on a CSV file */
    char *path = tu_path(dir, "h.csv");
    tu_write(path, "code,name,kind\n", (size_t)-1);
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import_xlsx(s, DVK_IMPORT_UNITS, path, "Sheet1", &res, &err), DVK_EUSAGE);
    ck_assert_msg(strstr(err.msg, "h.csv: --sheet is for Excel workbooks; this is a CSV file"), "%s", err.msg);
    dvk_import_result_free(&res);
    free(path);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM units"), 2);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

Suite *xlsx_suite(void)
{
    Suite *su = suite_create("xlsx");
    TCase *tc = tcase_create("reader");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_handmade);
    tcase_add_test(tc, test_libxlsxwriter);
    tcase_add_test(tc, test_hostile);
    tcase_add_test(tc, test_cell_ref);
    suite_add_tcase(su, tc);
    tc = tcase_create("import");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_import_sheet);
    tcase_add_test(tc, test_import_cell_messages);
    tcase_add_test(tc, test_import_formats);
    suite_add_tcase(su, tc);
    return su;
}
