/* render_docx.c: a report document (doc.h) as DOCX (WordprocessingML written by hand, zipped
 * with minizip) and as PDF through an installed converter (LibreOffice from the DOCX, or
 * Chromium from the HTML). The layout follows the document's family (the first letterhead:
 * Party or State; scripts/lib/the_thuc.lua holds the same sizes as data): A4, margins of
 * Decree 30/2020 (top and bottom 20 mm, left 30 mm, right 15 mm), Times New Roman 14 pt,
 * page numbers in the header (a PAGE field, centred, not on the first page). */
#include "report/render_docx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "dvk/buf.h"
#include "dvk/render.h"
#include "dvk/text.h"

#define TEXT_WIDTH 9355   /* twips: 210 mm - 30 mm - 15 mm */

typedef struct dctx {
    dvk_buf *b;
    dvk_doc_style st;     /* sizes and the recipients' format (doc.h dvk_doc_style_of) */
    int page_break;       /* the next paragraph starts a new page */
} dctx;

/* A page break is set on the paragraph that follows it (pageBreakBefore), so that a full page
 * before it does not leave an empty page; "" when there is none. */
static const char *break_before(dctx *c)
{
    if (!c->page_break)
        return "";
    c->page_break = 0;
    return "<w:pageBreakBefore/>";
}

/* ---- XML text ------------------------------------------------------------------------ */

/* Text for a <w:t>: & < > " escaped, control characters dropped (XML 1.0 forbids them). */
static void xml_text(dvk_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': dvk_buf_adds(b, "&amp;"); break;
        case '<': dvk_buf_adds(b, "&lt;"); break;
        case '>': dvk_buf_adds(b, "&gt;"); break;
        case '"': dvk_buf_adds(b, "&quot;"); break;
        default:
            if (c >= 0x20 || c == '\t')
                dvk_buf_addc(b, (char)c);
        }
    }
}

enum { R_B = 1, R_I = 2, R_U = 4, R_CAPS = 8 };

/* A run of text with bold/italic/underline and a size in half points (0: the style's); a
 * newline is a line break inside the paragraph. */
static void run(dvk_buf *b, const char *s, size_t n, int fmt, int size)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '\n')
            continue;
        dvk_buf_adds(b, "<w:r>");
        if (fmt || size) {
            dvk_buf_adds(b, "<w:rPr>");
            if (fmt & R_B)
                dvk_buf_adds(b, "<w:b/>");
            if (fmt & R_I)
                dvk_buf_adds(b, "<w:i/>");
            if (fmt & R_CAPS)
                dvk_buf_adds(b, "<w:caps/>");
            /* the schema's order: b, i, caps, sz, szCs, u (Word refuses another) */
            if (size)
                dvk_buf_printf(b, "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>", size, size);
            if (fmt & R_U)
                dvk_buf_adds(b, "<w:u w:val=\"single\"/>");
            dvk_buf_adds(b, "</w:rPr>");
        }
        if (start > 0)
            dvk_buf_adds(b, "<w:br/>");
        dvk_buf_adds(b, "<w:t xml:space=\"preserve\">");
        xml_text(b, s + start, i - start);
        dvk_buf_adds(b, "</w:t></w:r>");
        start = i + 1;
    }
}

static void runz(dvk_buf *b, const char *s, int fmt, int size) { run(b, s, strlen(s), fmt, size); }

/* A paragraph: jc ("center", "right", "both" or NULL), first-line indent, space after (twips),
 * keep with the next paragraph; the text as one run. */
static void para(dvk_buf *b, const char *jc, int indent, int after, const char *s, int fmt,
                 int size)
{
    dvk_buf_adds(b, "<w:p><w:pPr>");
    if (after >= 0)
        dvk_buf_printf(b, "<w:spacing w:before=\"0\" w:after=\"%d\"/>", after);
    if (indent)
        dvk_buf_printf(b, "<w:ind w:firstLine=\"%d\"/>", indent);
    if (jc)
        dvk_buf_printf(b, "<w:jc w:val=\"%s\"/>", jc);
    dvk_buf_adds(b, "</w:pPr>");
    if (s)
        runz(b, s, fmt, size);
    dvk_buf_adds(b, "</w:p>");
}

/* A table without borders, one row of the given cell widths; cells are filled by the caller
 * between cell_open and cell_close. */
static void plain_table_open(dvk_buf *b, int w1, int w2)
{
    dvk_buf_printf(b, "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:tblBorders>"
                   "<w:top w:val=\"nil\"/><w:left w:val=\"nil\"/>"
                   "<w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/>"
                   "<w:insideV w:val=\"nil\"/></w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
                   "<w:tblCellMar><w:left w:w=\"0\" "
                   "w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
                   "<w:tblGrid><w:gridCol w:w=\"%d\"/><w:gridCol w:w=\"%d\"/></w:tblGrid>",
                   w1 + w2, w1, w2);
}

static void cell_open(dvk_buf *b, int w)
{
    dvk_buf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", w);
}

/* ---- blocks -------------------------------------------------------------------------- */

static void docx_letterhead(dctx *c, const dvk_doc_letterhead *lh)
{
    dvk_buf *b = c->b;
    char num[256], date[512];
    dvk_render_number_line(lh, num, sizeof num);
    dvk_render_place_date(lh, date, sizeof date);
    int party = lh->family == DVK_DOC_PARTY;
    int w1 = party ? TEXT_WIDTH / 2 : TEXT_WIDTH * 2 / 5, w2 = TEXT_WIDTH - w1;
    plain_table_open(b, w1, w2);
    dvk_buf_adds(b, "<w:tr>");
    cell_open(b, w1);
    if (lh->parent_issuer[0])
        para(b, "center", 0, 0, lh->parent_issuer, R_CAPS, 26);
    para(b, "center", 0, 0, lh->issuer, R_B | R_CAPS, 26);
    if (party) {
        para(b, "center", 0, 0, "*", 0, 26);
    } else {   /* a short rule under the issuer */
        dvk_buf_printf(b, "<w:p><w:pPr><w:pBdr><w:top w:val=\"single\" w:sz=\"6\" w:space=\"1\" "
                       "w:color=\"000000\"/></w:pBdr><w:spacing w:before=\"60\" w:after=\"0\" "
                       "w:line=\"120\" w:lineRule=\"exact\"/><w:ind w:left=\"%d\" w:right=\"%d\"/>"
                       "</w:pPr></w:p>", w1 * 3 / 10, w1 * 3 / 10);
    }
    para(b, "center", 0, 0, num, 0, 26);
    dvk_buf_adds(b, "</w:tc>");
    cell_open(b, w2);
    if (party) {
        para(b, "center", 0, 0, "ĐẢNG CỘNG SẢN VIỆT NAM", R_B | R_U, 30);
        para(b, "center", 0, 0, "", 0, 26);
    } else {
        para(b, "center", 0, 0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", R_B, 26);
        para(b, "center", 0, 0, "Độc lập - Tự do - Hạnh phúc", R_B | R_U, 28);
        para(b, "center", 0, 0, "", 0, 20);
    }
    para(b, "center", 0, 0, date, R_I, party ? 26 : 28);   /* one line in the half page */
    dvk_buf_adds(b, "</w:tc></w:tr></w:tbl>");
    para(b, NULL, 0, 120, "", 0, 0);
}

static void signature_cell(dctx *c, const dvk_doc_signature *s)
{
    dvk_buf *b = c->b;
    if (s->on_behalf[0])
        para(b, "center", 0, 0, s->on_behalf, R_B, 28);
    if (s->title[0])
        para(b, "center", 0, 0, s->title, R_B, 28);
    for (int i = 0; i < 4; i++)
        para(b, "center", 0, 0, "", 0, 28);
    if (s->name[0])
        para(b, "center", 0, 120, s->name, R_B, 28);
}

static void recipients_cell(dctx *c, const dvk_doc_block *blk)
{
    dvk_buf *b = c->b;
    /* State: "Nơi nhận:" bold italic 12 pt, items 11 pt; Party: underlined 14 pt, items 12 pt
     * (the document's style: the_thuc.lua noi_nhan_kieu, co_noi_nhan, co_noi_nhan_muc). */
    int f = c->st.recipients_fmt;
    para(b, NULL, 0, 0, "Nơi nhận:", (f & DVK_STYLE_BOLD ? R_B : 0) |
         (f & DVK_STYLE_ITALIC ? R_I : 0) | (f & DVK_STYLE_UNDERLINE ? R_U : 0),
         2 * c->st.recipients_pt);
    for (size_t i = 0; i < blk->nitems; i++) {
        dvk_buf_adds(b, "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\"/></w:pPr>");
        run(b, "- ", 2, 0, 2 * c->st.recipient_items_pt);
        runz(b, blk->values[i], 0, 2 * c->st.recipient_items_pt);
        dvk_buf_adds(b, "</w:p>");
    }
}

static void foot(dctx *c, const dvk_doc_block *rcp, const dvk_doc_block *sig)
{
    dvk_buf *b = c->b;
    int w1 = TEXT_WIDTH * 45 / 100, w2 = TEXT_WIDTH - w1;
    para(b, NULL, 0, 120, "", 0, 0);
    plain_table_open(b, w1, w2);
    dvk_buf_adds(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
    cell_open(b, w1);
    if (rcp)
        recipients_cell(c, rcp);
    else
        para(b, NULL, 0, 0, "", 0, 0);
    dvk_buf_adds(b, "</w:tc>");
    cell_open(b, w2);
    if (sig)
        signature_cell(c, sig->signature);
    else
        para(b, NULL, 0, 0, "", 0, 0);
    dvk_buf_adds(b, "</w:tc></w:tr></w:tbl>");
}

/* Longest word of s in characters. */
static double longest_word(const char *s)
{
    size_t n = strlen(s);
    double m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '\n')
            j++;
        double l = (double)dvk_text_chars(s + i, j - i);
        m = l > m ? l : m;
        i = j + 1;
    }
    return m;
}

#define CHAR_TW 130   /* twips a character of 12 pt takes, about */
#define CELL_PAD 200  /* cell margins and borders */

/* Column widths in twips. A number column (or one with a width in characters) is as wide as
 * its longest cell or title word; a text column gets at least its longest word, and the
 * text width left is shared among text columns by their longest cell (at most 40
 * characters counted). */
static void col_widths(const dvk_doc_table *t, int *w)
{
    char buf[128];
    double fixed = 0, share = 0;
    double *need = calloc(t->ncols ? t->ncols : 1, sizeof *need);
    if (!need) {
        for (size_t c = 0; c < t->ncols; c++)
            w[c] = TEXT_WIDTH / (int)t->ncols;
        return;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        double word = longest_word(t->cols[c].title), len = 0;
        for (size_t r = 0; r < t->nrows; r++) {
            const char *s = dvk_doc_cell_text(&t->cols[c], &t->cells[r * t->ncols + c], buf,
                                              sizeof buf);
            double l = (double)dvk_text_chars(s, strlen(s)), lw = longest_word(s);
            len = l > len ? l : len;
            word = lw > word ? lw : word;
        }
        if (t->totals) {
            const char *s = dvk_doc_cell_text(&t->cols[c], &t->totals[c], buf, sizeof buf);
            double l = (double)dvk_text_chars(s, strlen(s));
            len = l > len ? l : len;
        }
        if (t->cols[c].type != DVK_COL_TEXT || t->cols[c].width > 0) {
            double m = len > word ? len : word;
            if (t->cols[c].width > 0 && t->cols[c].width < m)
                m = t->cols[c].width > word ? t->cols[c].width : word;
            w[c] = (int)(m * CHAR_TW) + CELL_PAD;
            need[c] = -1;
            fixed += w[c];
        } else {
            w[c] = (int)(word * CHAR_TW) + CELL_PAD;
            fixed += w[c];
            need[c] = len > 40 ? 40 : len;
            share += need[c];
        }
    }
    /* Text columns grow towards their longest cell; what is left after that widens the
     * number columns equally (their titles wrap less). */
    double left = TEXT_WIDTH - fixed;
    size_t nnum = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        if (need[c] < 0) {
            nnum++;
            continue;
        }
        if (left > 0 && share > 0) {
            int grow = (int)(left * need[c] / share);
            int room = (int)(need[c] * CHAR_TW) + CELL_PAD - w[c];
            w[c] += grow < room ? grow : room > 0 ? room : 0;
        }
    }
    int used = 0;
    for (size_t c = 0; c < t->ncols; c++)
        used += w[c];
    if (used < TEXT_WIDTH) {
        size_t k = nnum ? nnum : t->ncols;
        for (size_t c = 0; c < t->ncols; c++)
            if (!nnum || need[c] < 0)
                w[c] += (TEXT_WIDTH - used) / (int)k;
    }
    free(need);
}

static void data_cell(dvk_buf *b, int w, const char *s, int numeric, int fmt, int header)
{
    cell_open(b, w);
    dvk_buf_adds(b, "<w:p><w:pPr><w:spacing w:before=\"20\" w:after=\"20\"/>");
    if (header || numeric)
        dvk_buf_printf(b, "<w:jc w:val=\"%s\"/>", header ? "center" : "right");
    dvk_buf_adds(b, "</w:pPr>");
    runz(b, s, fmt, 24);
    dvk_buf_adds(b, "</w:p></w:tc>");
}

static void docx_table(dctx *c, const dvk_doc_table *t)
{
    dvk_buf *b = c->b;
    char buf[128];
    if (t->ncols == 0)
        return;
    int *w = calloc(t->ncols, sizeof *w);
    if (!w) {
        b->oom = 1;
        return;
    }
    col_widths(t, w);
    if (t->title[0]) {
        dvk_buf_adds(b, "<w:p><w:pPr><w:keepNext/><w:spacing w:before=\"120\" w:after=\"60\"/>"
                        "</w:pPr>");
        runz(b, t->title, R_B, 26);
        dvk_buf_adds(b, "</w:p>");
    }
    dvk_buf_adds(b, "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblBorders>");
    static const char *const sides[] = {"top", "left", "bottom", "right", "insideH", "insideV"};
    for (size_t i = 0; i < 6; i++)
        dvk_buf_printf(b, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
                       sides[i]);
    dvk_buf_adds(b, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left "
                    "w:w=\"60\" w:type=\"dxa\"/><w:right "
                    "w:w=\"60\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>");
    for (size_t k = 0; k < t->ncols; k++)
        dvk_buf_printf(b, "<w:gridCol w:w=\"%d\"/>", w[k]);
    dvk_buf_adds(b, "</w:tblGrid><w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
    for (size_t k = 0; k < t->ncols; k++)
        data_cell(b, w[k], t->cols[k].title, 0, R_B, 1);
    dvk_buf_adds(b, "</w:tr>");
    for (size_t r = 0; r < t->nrows; r++) {
        dvk_buf_adds(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (size_t k = 0; k < t->ncols; k++)
            data_cell(b, w[k],
                      dvk_doc_cell_text(&t->cols[k], &t->cells[r * t->ncols + k], buf, sizeof buf),
                      t->cols[k].type != DVK_COL_TEXT, 0, 0);
        dvk_buf_adds(b, "</w:tr>");
    }
    if (t->nrows == 0) {
        dvk_buf_printf(b, "<w:tr><w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/><w:gridSpan "
                          "w:val=\"%zu\"/></w:tcPr>", TEXT_WIDTH, t->ncols);
        para(b, "center", 0, 0, "Không có dữ liệu.", R_I, 24);
        dvk_buf_adds(b, "</w:tc></w:tr>");
    }
    if (t->totals) {
        dvk_buf_adds(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (size_t k = 0; k < t->ncols; k++)
            data_cell(b, w[k], dvk_doc_cell_text(&t->cols[k], &t->totals[k], buf, sizeof buf),
                      t->cols[k].type != DVK_COL_TEXT, R_B, 0);
        dvk_buf_adds(b, "</w:tr>");
    }
    dvk_buf_adds(b, "</w:tbl>");
    for (size_t i = 0; i < t->nfootnotes; i++)
        para(b, NULL, 0, 0, t->footnotes[i], R_I, 22);
    para(b, NULL, 0, 60, "", 0, 0);
    free(w);
}

/* A chart as a table of its values (a category per row, a column per series). */
static void docx_chart(dctx *c, const dvk_doc_chart *ch)
{
    dvk_buf *b = c->b;
    char buf[64];
    dvk_doc_column numcol = {NULL, NULL, DVK_COL_NUM, 0};
    int w0 = TEXT_WIDTH / 2, wn = (TEXT_WIDTH - w0) / (int)(ch->nseries ? ch->nseries : 1);
    dvk_buf_adds(b, "<w:p><w:pPr><w:keepNext/><w:jc w:val=\"center\"/></w:pPr>");
    runz(b, ch->title[0] ? ch->title : "Biểu đồ", R_B, 26);
    dvk_buf_adds(b, "</w:p><w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblBorders>"
                    "<w:insideH w:val=\"single\" w:sz=\"2\" w:color=\"999999\"/><w:bottom "
                    "w:val=\"single\" w:sz=\"4\"/><w:top w:val=\"single\" w:sz=\"4\"/>"
                    "</w:tblBorders></w:tblPr><w:tblGrid>");
    dvk_buf_printf(b, "<w:gridCol w:w=\"%d\"/>", w0);
    for (size_t s = 0; s < ch->nseries; s++)
        dvk_buf_printf(b, "<w:gridCol w:w=\"%d\"/>", wn);
    dvk_buf_adds(b, "</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    data_cell(b, w0, "", 0, R_B, 1);
    for (size_t s = 0; s < ch->nseries; s++)
        data_cell(b, wn, ch->series[s].name, 0, R_B, 1);
    dvk_buf_adds(b, "</w:tr>");
    for (size_t i = 0; i < ch->ncats; i++) {
        dvk_buf_adds(b, "<w:tr>");
        data_cell(b, w0, ch->categories[i], 0, 0, 0);
        for (size_t s = 0; s < ch->nseries; s++) {
            dvk_doc_cell cell = {DVK_CELL_NUMBER, ch->series[s].values[i], NULL};
            data_cell(b, wn, dvk_doc_cell_text(&numcol, &cell, buf, sizeof buf), 1, 0, 0);
        }
        dvk_buf_adds(b, "</w:tr>");
    }
    dvk_buf_adds(b, "</w:tbl>");
    para(b, NULL, 0, 60, "", 0, 0);
}

static void docx_paragraph(dctx *c, const dvk_doc *doc, size_t i, const dvk_doc_block *blk)
{
    dvk_buf *b = c->b;
    int st = blk->style, fmt = 0;
    if (st & DVK_DOC_BOLD)
        fmt |= R_B;
    if (st & DVK_DOC_ITALIC)
        fmt |= R_I;
    const char *jc = st & DVK_DOC_CENTER ? "center" : st & DVK_DOC_RIGHT ? "right" : "both";
    const dvk_doc_block *prev = i > 0 ? dvk_doc_block_at(doc, i - 1) : NULL;
    int subject = prev && prev->type == DVK_DOC_HEADING && prev->level == 1 &&
                  (st & DVK_DOC_BOLD) && (st & DVK_DOC_CENTER) && !(st & DVK_DOC_ITALIC);
    dvk_buf_printf(b, "<w:p><w:pPr>%s", break_before(c));
    if (subject) /* the subject line has a short rule under it (Decree 30/2020) */
        dvk_buf_adds(b, "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"4\" "
                        "w:color=\"000000\"/></w:pBdr>");
    dvk_buf_adds(b, "<w:spacing w:before=\"0\" w:after=\"120\"/>");
    if (subject)
        dvk_buf_adds(b, "<w:ind w:left=\"2200\" w:right=\"2200\"/>");
    else if (!(st & (DVK_DOC_CENTER | DVK_DOC_RIGHT)))
        dvk_buf_adds(b, "<w:ind w:firstLine=\"567\"/>");
    dvk_buf_printf(b, "<w:jc w:val=\"%s\"/></w:pPr>", jc);
    size_t art = (st & DVK_DOC_BOLD) ? 0 : dvk_render_article_prefix(blk->text);
    if (art)
        run(b, blk->text, art, fmt | R_B, 0);
    runz(b, blk->text + art, fmt, 0);
    dvk_buf_adds(b, "</w:p>");
}

static void render_body(dctx *c, const dvk_doc *doc)
{
    dvk_buf *b = c->b;
    size_t n = dvk_doc_count(doc);
    for (size_t i = 0; i < n; i++) {
        const dvk_doc_block *blk = dvk_doc_block_at(doc, i);
        const dvk_doc_block *next = i + 1 < n ? dvk_doc_block_at(doc, i + 1) : NULL;
        if (c->page_break && blk->type != DVK_DOC_HEADING && blk->type != DVK_DOC_PARAGRAPH &&
            blk->type != DVK_DOC_PAGE_BREAK)
            dvk_buf_printf(b, "<w:p><w:pPr>%s<w:spacing w:before=\"0\" w:after=\"0\"/></w:pPr>"
                           "</w:p>", break_before(c));
        switch (blk->type) {
        case DVK_DOC_HEADING: {
            /* The document's name (level 1) is 16 pt in Party documents, 14 pt in State
             * ones (the_thuc.lua: co_ten_loai). */
            int size = 2 * (blk->level == 1 ? c->st.name_pt : c->st.body_pt);
            int fmt = R_B | (blk->level == 4 ? R_I : 0);
            int before = c->page_break ? 0 : 240;
            dvk_buf_printf(b, "<w:p><w:pPr><w:keepNext/>%s<w:spacing w:before=\"%d\" "
                           "w:after=\"60\"/>", break_before(c), before);
            if (blk->level <= 2)
                dvk_buf_adds(b, "<w:jc w:val=\"center\"/>");
            dvk_buf_adds(b, "</w:pPr>");
            runz(b, blk->text, fmt, size);
            dvk_buf_adds(b, "</w:p>");
            break;
        }
        case DVK_DOC_PARAGRAPH:
            docx_paragraph(c, doc, i, blk);
            break;
        case DVK_DOC_KV:
            for (size_t k = 0; k < blk->nitems; k++) {
                dvk_buf_adds(b, "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"40\"/></w:pPr>");
                runz(b, blk->keys[k], R_B, 0);
                run(b, ": ", 2, R_B, 0);
                runz(b, blk->values[k], 0, 0);
                dvk_buf_adds(b, "</w:p>");
            }
            break;
        case DVK_DOC_TABLE:
            docx_table(c, blk->table);
            break;
        case DVK_DOC_CHART:
            docx_chart(c, blk->chart);
            break;
        case DVK_DOC_PAGE_BREAK:
            c->page_break = 1;
            break;
        case DVK_DOC_LETTERHEAD:
            docx_letterhead(c, blk->letterhead);
            break;
        case DVK_DOC_RECIPIENTS:
        case DVK_DOC_SIGNATURE:
            if (next && next->type != blk->type &&
                (next->type == DVK_DOC_RECIPIENTS || next->type == DVK_DOC_SIGNATURE)) {
                foot(c, blk->type == DVK_DOC_RECIPIENTS ? blk : next,
                     blk->type == DVK_DOC_SIGNATURE ? blk : next);
                i++;
            } else {
                foot(c, blk->type == DVK_DOC_RECIPIENTS ? blk : NULL,
                     blk->type == DVK_DOC_SIGNATURE ? blk : NULL);
            }
            break;
        }
    }
}

/* ---- the package --------------------------------------------------------------------- */

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/word/header2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "</Types>";

static const char root_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
    "</Relationships>";

static const char doc_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header2.xml\"/>"
    "</Relationships>";

static const char settings_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>"
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
    "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
    "</w:settings>";

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" " \
             "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

/* Page numbers: Arabic numerals, top centre (Decree 30/2020, Annex I); header2 is the empty
 * header of the first page (titlePg). */
static const char header_page[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:hdr " W_NS "><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>"
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
    "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
    "<w:r><w:t>2</w:t></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>";

static const char header_first[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:hdr " W_NS "><w:p/></w:hdr>";

static void styles_xml(dvk_buf *b, const dvk_doc_style *st)
{
    dvk_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<w:styles " W_NS "><w:docDefaults><w:rPrDefault><w:rPr>"
                    "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" "
                    "w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>"
                    "<w:sz w:val=\"");
    dvk_buf_printf(b, "%d\"/><w:szCs w:val=\"%d", 2 * st->body_pt, 2 * st->body_pt);
    dvk_buf_adds(b, "\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" "
                    "w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
                    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
                    "<w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
                    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">"
                    "<w:name w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
                    "<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" "
                    "w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" "
                    "w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
                    "</w:styles>");
}

static void core_xml(dvk_buf *b, const dvk_doc *doc)
{
    dvk_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/"
                    "metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                    "<dc:title>");
    const char *t = dvk_doc_title(doc);
    xml_text(b, t, strlen(t));
    dvk_buf_adds(b, "</dc:title><dc:creator>dvk</dc:creator></cp:coreProperties>");
}

static void document_xml(dvk_buf *b, const dvk_doc *doc, const dvk_doc_style *st)
{
    dctx c = {b, *st, 0};
    dvk_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<w:document " W_NS "><w:body>");
    render_body(&c, doc);
    /* A4, margins of Decree 30/2020; the header 10 mm from the top; page numbers from page 2 */
    dvk_buf_adds(b, "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId3\"/>"
                    "<w:headerReference w:type=\"first\" r:id=\"rId4\"/>"
                    "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
                    "<w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" "
                    "w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/><w:titlePg/>"
                    "</w:sectPr></w:body></w:document>");
}

static int zip_part(zipFile z, const char *name, const char *data, size_t len)
{
    zip_fileinfo zi;
    memset(&zi, 0, sizeof zi);
    /* a fixed date: the same document gives the same bytes */
    zi.tmz_date.tm_year = 2020;
    zi.tmz_date.tm_mday = 1;
    if (zipOpenNewFileInZip64(z, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                              Z_DEFAULT_COMPRESSION, 0) != ZIP_OK)
        return -1;
    int rc = zipWriteInFileInZip(z, data, (unsigned)len) == ZIP_OK ? 0 : -1;
    if (zipCloseFileInZip(z) != ZIP_OK)
        rc = -1;
    return rc;
}

int dvk_render_docx(const dvk_doc *doc, const char *path, const char *name, dvk_error *err)
{
    dvk_doc_style st = dvk_doc_style_of(doc);
    dvk_buf body = DVK_BUF_INIT, styles = DVK_BUF_INIT, core = DVK_BUF_INIT;
    document_xml(&body, doc, &st);
    styles_xml(&styles, &st);
    core_xml(&core, doc);
    int rc = DVK_OK;
    if (body.oom || styles.oom || core.oom) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory rendering the report");
        goto done;
    }
    if (body.len > 0xFFFFFFF0u) {
        rc = dvk_error_set(err, DVK_EDATA, "the document is too large for DOCX");
        goto done;
    }
    zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
    if (!z) {
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot create (%s)", name ? name : path,
                           strerror(errno));
        goto done;
    }
    struct { const char *name; const char *data; size_t len; } parts[] = {
        {"[Content_Types].xml", content_types, sizeof content_types - 1},
        {"_rels/.rels", root_rels, sizeof root_rels - 1},
        {"word/_rels/document.xml.rels", doc_rels, sizeof doc_rels - 1},
        {"word/document.xml", dvk_buf_str(&body), body.len},
        {"word/styles.xml", dvk_buf_str(&styles), styles.len},
        {"word/settings.xml", settings_xml, sizeof settings_xml - 1},
        {"word/header1.xml", header_page, sizeof header_page - 1},
        {"word/header2.xml", header_first, sizeof header_first - 1},
        {"docProps/core.xml", dvk_buf_str(&core), core.len},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && !bad; i++)
        bad = zip_part(z, parts[i].name, parts[i].data, parts[i].len);
    if (zipClose(z, NULL) != ZIP_OK)
        bad = 1;
    if (bad)
        rc = dvk_error_set(err, DVK_EIO, "%s: write failed (%s)", name ? name : path,
                           errno ? strerror(errno) : "zip error");
done:
    dvk_buf_free(&body);
    dvk_buf_free(&styles);
    dvk_buf_free(&core);
    return rc;
}

/* ---- PDF ----------------------------------------------------------------------------- */

/* The first of names found as an executable file on $PATH, copied into out; 0 when none. */
static int find_program(const char *const *names, char *out, size_t n)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *const *nm = names; *nm; nm++) {
        const char *p = path;
        while (*p) {
            const char *e = strchr(p, ':');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char full[4096];
            if (len && len + strlen(*nm) + 2 < sizeof full) {
                snprintf(full, sizeof full, "%.*s/%s", (int)len, p, *nm);
                if (access(full, X_OK) == 0) {
                    snprintf(out, n, "%s", full);
                    return 1;
                }
            }
            p += len + (e ? 1 : 0);
        }
    }
    return 0;
}

static const char *const SOFFICE[] = {"soffice", "libreoffice", NULL};
static const char *const CHROMIUM[] = {"chromium", "chromium-browser", "google-chrome", NULL};

const char *dvk_render_pdf_tool(char *path, size_t n)
{
    const char *want = getenv("DVK_PDF_CONVERTER");   /* "libreoffice", "chromium" or unset */
    int lo = !want || !*want || strcmp(want, "libreoffice") == 0;
    int ch = !want || !*want || strcmp(want, "chromium") == 0;
    if (lo && find_program(SOFFICE, path, n))
        return "LibreOffice";
    if (ch && find_program(CHROMIUM, path, n))
        return "Chromium";
    return NULL;
}

#define CONVERT_SECONDS 300   /* a converter that hangs is stopped (and the PDF refused) */

/* Run argv in its own process group with stdin from /dev/null and stdout/stderr to log; the
 * exit status, -1 when it could not run, -2 when it ran past CONVERT_SECONDS (the whole group
 * is killed: soffice starts helpers). */
static int run_program(char *const *argv, const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY);
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in >= 0)
            dup2(in, 0);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    setpgid(pid, pid);
    int st;
    const struct timespec tick = {0, 50 * 1000 * 1000};
    for (long waited = 0;; waited += 50) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return -1;
        if (waited >= CONVERT_SECONDS * 1000L) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            return -2;
        }
        nanosleep(&tick, NULL);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Remove dir and everything under it (the converter's private folder). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(p);
            else
                unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    int rc = in && out ? 0 : -1;
    char chunk[65536];
    size_t n;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (fwrite(chunk, 1, n, out) != n)
            rc = -1;
    if (in && ferror(in))
        rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

int dvk_render_pdf(const dvk_doc *doc, const char *path, const char *name, dvk_error *err)
{
    char prog[4096];
    const char *tool = dvk_render_pdf_tool(prog, sizeof prog);
    if (!tool)
        return dvk_error_set(err, DVK_EDATA, "PDF needs LibreOffice (soffice) or Chromium, and "
                             "neither is installed: install libreoffice-writer-nogui, or write "
                             "--format docx (or html) and print that");
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/dvk-pdf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return dvk_error_set(err, DVK_EIO, "%s: cannot create a temporary folder (%s)", dir,
                             strerror(errno));
    char src[4200], pdf[4200], log[4200], profile[4300], outdir[4200];
    snprintf(log, sizeof log, "%s/converter.log", dir);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    int rc = DVK_OK, st;
    mkdir(outdir, 0700);
    if (strcmp(tool, "LibreOffice") == 0) {
        snprintf(src, sizeof src, "%s/doc.docx", dir);
        snprintf(pdf, sizeof pdf, "%s/doc.pdf", outdir);
        snprintf(profile, sizeof profile, "-env:UserInstallation=file://%s/profile", dir);
        if ((rc = dvk_render_docx(doc, src, name, err)) != DVK_OK)
            goto done;
        char *argv[] = {prog, profile, "--headless", "--norestore", "--convert-to", "pdf",
                        "--outdir", outdir, src, NULL};
        st = run_program(argv, log);
    } else {
        snprintf(src, sizeof src, "%s/doc.html", dir);
        snprintf(pdf, sizeof pdf, "%s/doc.pdf", outdir);
        char *html = NULL;
        size_t len = 0;
        if ((rc = dvk_render_buffer(doc, DVK_FORMAT_HTML, &html, &len, err)) != DVK_OK)
            goto done;
        FILE *f = fopen(src, "wb");
        int ok = f && fwrite(html, 1, len, f) == len;
        if (f && fclose(f) != 0)
            ok = 0;
        free(html);
        if (!ok) {
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", src, strerror(errno));
            goto done;
        }
        char out_arg[4300], url[4300], udd[4300];
        snprintf(out_arg, sizeof out_arg, "--print-to-pdf=%s", pdf);
        snprintf(url, sizeof url, "file://%s", src);
        snprintf(udd, sizeof udd, "--user-data-dir=%s/profile", dir);
        char *argv[] = {prog, "--headless", "--no-sandbox", "--disable-gpu", udd,
                        "--no-pdf-header-footer", out_arg, url, NULL};
        st = run_program(argv, log);
    }
    struct stat sb;
    if (st != 0 || stat(pdf, &sb) != 0 || sb.st_size == 0) {
        rc = st == -2 ? dvk_error_set(err, DVK_EIO, "%s: %s did not finish in %d seconds; "
                                      "nothing written", name ? name : path, tool,
                                      CONVERT_SECONDS)
                      : dvk_error_set(err, DVK_EIO, "%s: %s did not make the PDF (exit %d); "
                                      "nothing written", name ? name : path, tool, st);
        goto done;
    }
    if (copy_file(pdf, path) != 0)
        rc = dvk_error_set(err, DVK_EIO, "%s: write failed (%s)", name ? name : path,
                           strerror(errno));
done:
    remove_tree(dir);
    return rc;
}
