/* render_xlsx.c: a report document's tables as an Excel workbook (libxlsxwriter): one sheet
 * per table with a unique valid name, typed numeric cells with number formats, a bold
 * header row that stays frozen, a bold totals row, footnotes below, and column widths from
 * the content; then the workbook read back (minizip) to refuse one a full disk cut short.
 * Part of the render module (render.h), reached through report/render_xlsx.h. */
#include "report/render_xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unzip.h>
#include <xlsxwriter.h>

#include "dvk/doc.h"
#include "dvk/text.h"
#include "report/render_docx.h"

#define MAX_COL_WIDTH 45   /* wider text wraps: a printed annex stays on the page */
#define XLSX_CELL_MAX 32767   /* characters in one cell (libxlsxwriter refuses more) */

typedef struct xfmt {
    lxw_format *header, *text, *wrap, *n[5], *total_text, *total_n[5], *note, *title, *sub,
        *caption;
} xfmt;

static const char *const num_formats[5] = {
    NULL,           /* text */
    "#,##0",        /* int */
    "#,##0.00",     /* num */
    "0.0%",         /* pct (value / 100) */
    "#,##0",        /* money */
};

static void make_formats(lxw_workbook *wb, xfmt *f)
{
    f->header = workbook_add_format(wb);
    format_set_bold(f->header);
    format_set_text_wrap(f->header);
    format_set_align(f->header, LXW_ALIGN_CENTER);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(f->header, 0xD9E1F2);
    format_set_border(f->header, LXW_BORDER_THIN);
    f->text = workbook_add_format(wb);
    format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
    f->wrap = workbook_add_format(wb);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    f->total_text = workbook_add_format(wb);
    format_set_bold(f->total_text);
    format_set_top(f->total_text, LXW_BORDER_THIN);
    for (int i = 0; i < 5; i++) {
        f->n[i] = workbook_add_format(wb);
        format_set_align(f->n[i], LXW_ALIGN_VERTICAL_TOP);
        f->total_n[i] = workbook_add_format(wb);
        format_set_bold(f->total_n[i]);
        format_set_top(f->total_n[i], LXW_BORDER_THIN);
        if (num_formats[i]) {
            format_set_num_format(f->n[i], num_formats[i]);
            format_set_num_format(f->total_n[i], num_formats[i]);
        }
    }
    f->note = workbook_add_format(wb);
    format_set_italic(f->note);
    /* the title rows above a table: the document's title, the decision line, the table's */
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 13);
    format_set_align(f->title, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->title);
    f->sub = workbook_add_format(wb);
    format_set_italic(f->sub);
    format_set_align(f->sub, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->sub);
    f->caption = workbook_add_format(wb);
    format_set_bold(f->caption);
    format_set_align(f->caption, LXW_ALIGN_LEFT);
}

/* Copy the longest prefix of s with at most max code points that fits in out (n bytes, with
 * the NUL) into out; never ends inside a sequence. */
static void utf8_copy(const char *s, size_t max, char *out, size_t n)
{
    size_t k = dvk_text_prefix(s, strlen(s), n - 1, max);
    memcpy(out, s, k);
    out[k] = '\0';
}

static int name_used(char names[][LXW_MAX_SHEETNAME_LENGTH], size_t count, const char *name)
{
    char *a = dvk_text_lower(name, strlen(name));
    int used = a && strcmp(a, "history") == 0;   /* reserved by Excel */
    for (size_t i = 0; a && !used && i < count; i++) {
        char *b = dvk_text_lower(names[i], strlen(names[i]));
        used = b && strcmp(a, b) == 0;
        free(b);
    }
    free(a);
    return used;
}

/* A valid, unique sheet name for the table titled title: []:*?/\ become '-', at most 31
 * characters, no apostrophe at either end, "Bảng N" when empty, " (k)" added on a clash
 * (names compare case-insensitively, as Excel does). */
static void sheet_name(const char *title, size_t index, char names[][LXW_MAX_SHEETNAME_LENGTH],
                       size_t count, char *out)
{
    char clean[LXW_MAX_SHEETNAME_LENGTH * 2];
    size_t o = 0;
    for (const char *p = title; *p && o + 1 < sizeof clean; p++) {
        char c = *p;
        if (strchr("[]:*?/\\", c))
            c = '-';
        else if ((unsigned char)c < 0x20)
            c = ' ';
        clean[o++] = c;
    }
    clean[o] = '\0';
    char *s = clean;
    while (*s == '\'' || *s == ' ')
        s++;
    char base[LXW_MAX_SHEETNAME_LENGTH];
    utf8_copy(s, LXW_SHEETNAME_MAX, base, sizeof base);
    size_t bl = strlen(base);
    /* A cut title ends at a word: back to the last space when the cut fell inside a word
     * ("I. Công nhận mô hình "Dân vận k" -> "I. Công nhận mô hình "Dân vận"), then without
     * an opening quote or bracket left unclosed at the end. */
    if (s[bl] && s[bl] != ' ') {
        char *sp = strrchr(base, ' ');
        if (sp && sp - base >= 8)
            *sp = '\0';
        bl = strlen(base);
    }
    while (bl > 0 && strchr("' (\"-,;.", base[bl - 1]))
        base[--bl] = '\0';
    if (!base[0])
        snprintf(base, sizeof base, "Bảng %zu", index + 1);
    snprintf(out, LXW_MAX_SHEETNAME_LENGTH, "%s", base);
    for (int k = 2; name_used(names, count, out) && k < 10000; k++) {
        char suffix[16], head[LXW_MAX_SHEETNAME_LENGTH];
        snprintf(suffix, sizeof suffix, " (%d)", k);
        utf8_copy(base, LXW_SHEETNAME_MAX - strlen(suffix), head, sizeof head);
        size_t hl = strlen(head);
        while (hl > 0 && (head[hl - 1] == '\'' || head[hl - 1] == ' '))
            head[--hl] = '\0';
        snprintf(out, LXW_MAX_SHEETNAME_LENGTH, "%s%s", head, suffix);
    }
}

static int cell_width(const dvk_doc_column *col, const dvk_doc_cell *cell)
{
    char buf[128];
    const char *s = dvk_doc_cell_text(col, cell, buf, sizeof buf);
    /* the widest line of a multi-line cell */
    int best = 0;
    while (*s) {
        size_t n = strcspn(s, "\n");
        int w = dvk_text_width(s, n);
        if (w > best)
            best = w;
        s += n;
        if (*s)
            s++;
    }
    return best;
}

static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                            const dvk_doc_column *col, const dvk_doc_cell *cell, const xfmt *f,
                            int total, int wrap)
{
    if (cell->kind == DVK_CELL_NUMBER) {
        double v = col->type == DVK_COL_PCT ? cell->num / 100.0 : cell->num;
        lxw_format *fmt = total ? f->total_n[col->type] : f->n[col->type];
        return worksheet_write_number(ws, r, c, v, fmt);
    }
    lxw_format *fmt = total ? f->total_text : wrap ? f->wrap : f->text;
    if (cell->kind == DVK_CELL_TEXT && lxw_utf8_strlen(cell->text) > XLSX_CELL_MAX) {
        /* Excel holds at most 32,767 characters in a cell: keep the start, say it is cut. */
        static const char cut[] = " […]";
        size_t cap = strlen(cell->text) + sizeof cut;
        char *s = malloc(cap);
        if (!s)
            return LXW_ERROR_MEMORY_MALLOC_FAILED;
        utf8_copy(cell->text, XLSX_CELL_MAX - 8, s, cap);
        strcat(s, cut);
        lxw_error e = worksheet_write_string(ws, r, c, s, fmt);
        free(s);
        return e;
    }
    if (cell->kind == DVK_CELL_TEXT)
        return worksheet_write_string(ws, r, c, cell->text, fmt);
    return total ? worksheet_write_blank(ws, r, c, fmt) : LXW_NO_ERROR;
}

/* ---- checking the written workbook ------------------------------------------------------
 * libxlsxwriter writes each sheet to a temporary file and ignores write errors there, so on
 * a full disk it can produce a valid zip whose sheets are cut short. After closing, the
 * workbook is read back with minizip: the zip must open, every entry must inflate whole
 * with a good CRC, and every worksheet and the shared strings must end with their closing
 * tag (white space after it allowed). */

#define TAIL_MAX 64   /* bytes kept of an entry's end: more than any closing tag needs */

/* Read the current entry of uf to its end, keeping its last bytes in tail (*tlen of them).
 * 0, or -1 when the entry cannot be read whole (bad data, CRC mismatch, I/O error). */
static int read_entry_tail(unzFile uf, char *tail, size_t *tlen)
{
    char chunk[16384];
    int n;
    *tlen = 0;
    if (unzOpenCurrentFile(uf) != UNZ_OK)
        return -1;
    while ((n = unzReadCurrentFile(uf, chunk, sizeof chunk)) > 0) {
        size_t got = (size_t)n;
        if (got >= TAIL_MAX) {
            memcpy(tail, chunk + got - TAIL_MAX, TAIL_MAX);
            *tlen = TAIL_MAX;
        } else {
            size_t keep = *tlen + got > TAIL_MAX ? TAIL_MAX - got : *tlen;
            memmove(tail, tail + *tlen - keep, keep);
            memcpy(tail + keep, chunk, got);
            *tlen = keep + got;
        }
    }
    /* unzCloseCurrentFile checks the CRC once the whole entry was read. */
    int closed = unzCloseCurrentFile(uf);
    return n == 0 && closed == UNZ_OK ? 0 : -1;
}

/* 1 when the text tail[0..n) ends with end, white space after it allowed. */
static int ends_with(const char *tail, size_t n, const char *end)
{
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r' || tail[n - 1] == ' '))
        n--;
    size_t el = strlen(end);
    return n >= el && memcmp(tail + n - el, end, el) == 0;
}

static int check_workbook(const char *path, const char *shown, dvk_error *err)
{
    unzFile uf = unzOpen64(path);
    int sheets = 0;
    int r = uf ? unzGoToFirstFile(uf) : UNZ_BADZIPFILE;
    while (r == UNZ_OK) {
        unz_file_info64 info;
        char name[256], tail[TAIL_MAX];
        size_t tlen;
        if (unzGetCurrentFileInfo64(uf, &info, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK) {
            r = UNZ_BADZIPFILE;
            break;
        }
        const char *end = NULL;   /* the closing tag a complete entry ends with */
        if (strncmp(name, "xl/worksheets/sheet", 19) == 0) {
            end = "</worksheet>";
            sheets++;
        } else if (strcmp(name, "xl/sharedStrings.xml") == 0) {
            end = "</sst>";
        }
        if (read_entry_tail(uf, tail, &tlen) != 0 || (end && !ends_with(tail, tlen, end))) {
            r = UNZ_BADZIPFILE;
            break;
        }
        r = unzGoToNextFile(uf);
    }
    if (uf)
        unzClose(uf);
    if (r != UNZ_END_OF_LIST_OF_FILE || sheets == 0)
        return dvk_error_set(err, DVK_EIO, "%s: the workbook was not written completely "
                             "(disk full?)", shown);
    return DVK_OK;
}

int dvk_render_xlsx(const dvk_doc *doc, const char *path, const char *name, dvk_error *err)
{
    const char *shown = name ? name : path;   /* for messages */
    int rc = DVK_OK;
    size_t ntables = 0;
    for (size_t i = 0; i < dvk_doc_count(doc); i++)
        ntables += dvk_doc_block_at(doc, i)->type == DVK_DOC_TABLE;
    if (ntables == 0)
        return dvk_error_set(err, DVK_EDATA,
                             "the report has no table: XLSX holds only tables (use md, html or json)");
    char (*names)[LXW_MAX_SHEETNAME_LENGTH] = calloc(ntables, sizeof *names);
    int *widths = NULL;
    if (!names)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");

    lxw_workbook_options opt = {0};
    const char *tmpdir = getenv("TMPDIR");
    opt.tmpdir = tmpdir && *tmpdir ? (char *)tmpdir : NULL;
    /* libxlsxwriter writes path with fopen("wb"), following a link: dvk_render_file passes
     * the temporary file dvk_outfile_open created exclusively (outfile.h), never the
     * user's name, and checks it is still that file before renaming it. */
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        free(names);
        return dvk_error_set(err, DVK_EIO, "%s: cannot create the workbook", shown);
    }
    lxw_doc_properties props = {0};
    props.title = (char *)dvk_doc_title(doc);
    props.comments = (char *)"dvk";
    const char *epoch = getenv("SOURCE_DATE_EPOCH");   /* reproducible output when set */
    if (epoch && *epoch)
        props.created = (time_t)strtoll(epoch, NULL, 10);
    workbook_set_properties(wb, &props);
    xfmt f;
    make_formats(wb, &f);

    /* The decision's line over every sheet: "ỦY BAN NHÂN DÂN TỈNH X - Số: 12/QĐ-UBND - X,
     * ngày ..." from the document's first letterhead, "" when it has none. */
    char decision[1024] = "";
    for (size_t i = 0; i < dvk_doc_count(doc); i++) {
        const dvk_doc_block *blk = dvk_doc_block_at(doc, i);
        if (blk->type != DVK_DOC_LETTERHEAD)
            continue;
        char num[256], date[512], issuer[256];
        snprintf(issuer, sizeof issuer, "%s", blk->letterhead->issuer);
        for (char *p = issuer; *p; p++)
            if (*p == '\n')
                *p = ' ';
        dvk_render_number_line(blk->letterhead, num, sizeof num);
        dvk_render_place_date(blk->letterhead, date, sizeof date);
        snprintf(decision, sizeof decision, "%s - %s - %s", issuer, num, date);
        break;
    }
    size_t k = 0;
    lxw_error xe = LXW_NO_ERROR;
    for (size_t i = 0; i < dvk_doc_count(doc) && xe == LXW_NO_ERROR; i++) {
        const dvk_doc_block *blk = dvk_doc_block_at(doc, i);
        if (blk->type != DVK_DOC_TABLE)
            continue;
        const dvk_doc_table *t = blk->table;
        if (t->nrows + t->nfootnotes + 8 > LXW_ROW_MAX) {
            rc = dvk_error_set(err, DVK_EDATA, "%s: table '%s' has %zu rows, more than an Excel "
                               "sheet holds (%d); use csv", shown, t->title, t->nrows, LXW_ROW_MAX);
            goto done;
        }
        if (t->ncols > LXW_COL_MAX) {
            rc = dvk_error_set(err, DVK_EDATA, "%s: table '%s' has %zu columns, more than an "
                               "Excel sheet holds (%d)", shown, t->title, t->ncols, LXW_COL_MAX);
            goto done;
        }
        sheet_name(t->title, k, names, k, names[k]);
        lxw_worksheet *ws = workbook_add_worksheet(wb, names[k]);
        k++;
        if (!ws) {
            rc = dvk_error_set(err, DVK_EDATA, "%s: cannot add sheet '%s'", shown, names[k - 1]);
            goto done;
        }
        free(widths);
        widths = calloc(t->ncols ? t->ncols : 1, sizeof *widths);
        if (!widths) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
            goto done;
        }
        /* Title rows (the document's title, the decision's issuer and number, the table's
         * title), merged across the table; the header row under them repeats on every
         * printed page. */
        lxw_row_t hdr = 0;
        lxw_col_t last = (lxw_col_t)(t->ncols ? t->ncols - 1 : 0);
        const char *dt = dvk_doc_title(doc);
        if (dt[0]) {
            xe = last > 0 ? worksheet_merge_range(ws, hdr, 0, hdr, last, dt, f.title)
                          : worksheet_write_string(ws, hdr, 0, dt, f.title);
            worksheet_set_row(ws, hdr, 36, NULL);
            hdr++;
        }
        if (decision[0] && xe == LXW_NO_ERROR) {
            xe = last > 0 ? worksheet_merge_range(ws, hdr, 0, hdr, last, decision, f.sub)
                          : worksheet_write_string(ws, hdr, 0, decision, f.sub);
            hdr++;
        }
        if (t->title[0] && strcmp(t->title, dt) != 0 && xe == LXW_NO_ERROR)
            xe = worksheet_write_string(ws, hdr++, 0, t->title, f.caption);
        if (hdr > 0)
            hdr++;   /* a blank row before the table */
        for (size_t c = 0; c < t->ncols; c++) {
            const dvk_doc_column *col = &t->cols[c];
            int w = dvk_text_width(col->title, strlen(col->title));
            for (size_t r = 0; r < t->nrows; r++) {
                int cw = cell_width(col, &t->cells[r * t->ncols + c]);
                if (cw > w)
                    w = cw;
            }
            if (t->totals) {
                int cw = cell_width(col, &t->totals[c]);
                if (cw > w)
                    w = cw;
            }
            w += 2;
            if (w < 6)
                w = 6;
            if (col->width > 0)
                w = col->width;
            widths[c] = w > MAX_COL_WIDTH ? MAX_COL_WIDTH : w;
            worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
            if (xe == LXW_NO_ERROR)
                xe = worksheet_write_string(ws, hdr, (lxw_col_t)c, col->title, f.header);
        }
        worksheet_freeze_panes(ws, hdr + 1, 0);
        /* Printing: A4, the margins of Decree 30/2020 (inches), landscape when the columns are
         * wider than a portrait page holds, every column on one page wide, the header row
         * repeated. */
        int total_w = 0;
        for (size_t c = 0; c < t->ncols; c++)
            total_w += widths[c];
        worksheet_set_paper(ws, 9);
        if (total_w > 95)
            worksheet_set_landscape(ws);
        worksheet_set_margins(ws, 1.18, 0.59, 0.79, 0.79);
        worksheet_fit_to_pages(ws, 1, 0);
        worksheet_repeat_rows(ws, hdr, hdr);
        worksheet_center_horizontally(ws);
        lxw_row_t row = hdr + 1;
        for (size_t r = 0; r < t->nrows && xe == LXW_NO_ERROR; r++, row++)
            for (size_t c = 0; c < t->ncols && xe == LXW_NO_ERROR; c++) {
                const dvk_doc_cell *cell = &t->cells[r * t->ncols + c];
                int wrap = cell->kind == DVK_CELL_TEXT && widths[c] >= MAX_COL_WIDTH;
                xe = write_cell(ws, row, (lxw_col_t)c, &t->cols[c], cell, &f, 0, wrap);
            }
        if (t->totals) {
            for (size_t c = 0; c < t->ncols && xe == LXW_NO_ERROR; c++)
                xe = write_cell(ws, row, (lxw_col_t)c, &t->cols[c], &t->totals[c], &f, 1, 0);
            row++;
        }
        row++;
        for (size_t n = 0; n < t->nfootnotes && xe == LXW_NO_ERROR; n++)
            xe = worksheet_write_string(ws, row++, 0, t->footnotes[n], f.note);
    }
    if (xe != LXW_NO_ERROR) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: %s", shown, lxw_strerror(xe));
        goto done;
    }
done:
    xe = workbook_close(wb);
    if (rc == DVK_OK && xe != LXW_NO_ERROR)
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot write the workbook (%s)", shown,
                           lxw_strerror(xe));
    if (rc == DVK_OK)
        rc = check_workbook(path, shown, err);
    free(widths);
    free(names);
    return rc;
}
