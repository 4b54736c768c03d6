/* render.c: a report document (doc.h) as Markdown, HTML (A4, inline SVG charts), CSV and
 * JSON; atomic file output for every format (XLSX itself is in render_xlsx.c). Text goes
 * through the engine's one buffer, CSV cell and JSON writers; cells read as doc.h says. */
#include "dvk/render.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dvk/buf.h"
#include "dvk/csv.h"
#include "dvk/format.h"
#include "dvk/json.h"
#include "dvk/outfile.h"
#include "dvk/text.h"
#include "report/render_docx.h"
#include "report/render_xlsx.h"

/* ---- formats and shared pieces ------------------------------------------------------- */

static const char *const format_names[] = {"md", "html", "csv", "xlsx", "json", "docx", "pdf"};

int dvk_render_format_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "markdown") == 0)
        return DVK_FORMAT_MD;
    for (int i = 0; i <= DVK_FORMAT_PDF; i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

const char *dvk_render_format_name(dvk_format f)
{
    return (int)f >= 0 && f <= DVK_FORMAT_PDF ? format_names[f] : "?";
}

int dvk_render_format_binary(dvk_format f)
{
    return f == DVK_FORMAT_XLSX || f == DVK_FORMAT_DOCX || f == DVK_FORMAT_PDF;
}

/* A binary format written to a named file (path, never a link: the caller created it). */
static int render_named(const dvk_doc *doc, dvk_format f, const char *path, const char *name,
                        dvk_error *err)
{
    switch (f) {
    case DVK_FORMAT_XLSX: return dvk_render_xlsx(doc, path, name, err);
    case DVK_FORMAT_DOCX: return dvk_render_docx(doc, path, name, err);
    case DVK_FORMAT_PDF: return dvk_render_pdf(doc, path, name, err);
    default:
        return dvk_error_set(err, DVK_EUSAGE, "format %s is not a binary format",
                             dvk_render_format_name(f));
    }
}

static int is_numeric(dvk_doc_col_type t) { return t != DVK_COL_TEXT; }

/* Length of a leading article number "Điều 12." (set in bold in decisions), or 0. */
size_t dvk_render_article_prefix(const char *s)
{
    static const char word[] = "Điều ";
    size_t n = sizeof word - 1;
    if (strncmp(s, word, n) != 0)
        return 0;
    size_t d = strspn(s + n, "0123456789");
    if (d == 0 || s[n + d] != '.')
        return 0;
    return n + d + 1;
}

/* "Số: 12/QĐ-UBND" (state) or "Số 12-QĐ/BDVTU" (party); a missing number leaves room. */
void dvk_render_number_line(const dvk_doc_letterhead *lh, char *buf, size_t n)
{
    const char *num = lh->number[0] ? lh->number : "\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0";
    if (lh->family == DVK_DOC_PARTY)
        snprintf(buf, n, "Số %s%s%s", num, lh->symbol[0] ? "-" : "", lh->symbol);
    else
        snprintf(buf, n, "Số: %s%s%s", num, lh->symbol[0] ? "/" : "", lh->symbol);
}

void dvk_render_place_date(const dvk_doc_letterhead *lh, char *buf, size_t n)
{
    char date[96];
    dvk_format_date_vi(lh->date, date, sizeof date);
    if (lh->place[0])
        snprintf(buf, n, "%s, %s", lh->place, date);
    else
        snprintf(buf, n, "%s", date);
    /* "ngày" starts the line when there is no place: capitalise it. */
    if (!lh->place[0] && buf[0] == 'n')
        buf[0] = 'N';
}

/* ---- Markdown ------------------------------------------------------------------------ */

/* Where Markdown text goes: the start of a block (list and heading markers must be
 * escaped), a table cell ('|' escaped, newlines as <br>), or inline after other markup. */
enum { MD_BLOCK = 0, MD_CELL = 1, MD_INLINE = 2 };

/* Text with Markdown's active characters escaped; outside table cells a newline is a hard
 * line break (and, in a block, the next line is a line start again). */
static void md_text(dvk_buf *b, const char *s, int mode)
{
    int line_start = mode == MD_BLOCK;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c == '\n') {
            dvk_buf_adds(b, mode == MD_CELL ? "<br>" : "  \n");
            line_start = mode == MD_BLOCK;
            continue;
        }
        if (c == '\r')
            continue;
        if (strchr("\\`*_[]<>|", c)) {
            dvk_buf_addc(b, '\\');
        } else if (line_start && strchr("#-+=", c)) {
            dvk_buf_addc(b, '\\');
        } else if (line_start && c >= '0' && c <= '9') {
            const char *q = p;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == '.' || *q == ')') {
                dvk_buf_add(b, p, (size_t)(q - p));
                dvk_buf_addc(b, '\\');
                p = q - 1;
                line_start = 0;
                continue;
            }
        }
        dvk_buf_addc(b, c);
        if (c != ' ')
            line_start = 0;
    }
}

static void md_table_row(dvk_buf *b, const dvk_doc_table *t, const dvk_doc_cell *row, int bold)
{
    char buf[128];
    dvk_buf_adds(b, "|");
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = dvk_doc_cell_text(&t->cols[c], &row[c], buf, sizeof buf);
        dvk_buf_adds(b, " ");
        if (bold && *s)
            dvk_buf_adds(b, "**");
        md_text(b, s, MD_CELL);
        if (bold && *s)
            dvk_buf_adds(b, "**");
        dvk_buf_adds(b, " |");
    }
    dvk_buf_adds(b, "\n");
}

static void md_table(dvk_buf *b, const dvk_doc_table *t)
{
    if (t->title[0]) {
        dvk_buf_adds(b, "**");
        md_text(b, t->title, MD_INLINE);
        dvk_buf_adds(b, "**\n\n");
    }
    dvk_buf_adds(b, "|");
    for (size_t c = 0; c < t->ncols; c++) {
        dvk_buf_adds(b, " ");
        md_text(b, t->cols[c].title, MD_CELL);
        dvk_buf_adds(b, " |");
    }
    dvk_buf_adds(b, "\n|");
    for (size_t c = 0; c < t->ncols; c++)
        dvk_buf_adds(b, is_numeric(t->cols[c].type) ? " ---: |" : " --- |");
    dvk_buf_adds(b, "\n");
    for (size_t r = 0; r < t->nrows; r++)
        md_table_row(b, t, &t->cells[r * t->ncols], 0);
    if (t->totals)
        md_table_row(b, t, t->totals, 1);
    if (t->nrows == 0 && !t->totals)
        dvk_buf_adds(b, "\n*(Không có dữ liệu.)*\n");
    for (size_t i = 0; i < t->nfootnotes; i++) {
        dvk_buf_adds(b, i == 0 ? "\n" : "  \n");
        dvk_buf_adds(b, "*");
        md_text(b, t->footnotes[i], MD_INLINE);
        dvk_buf_adds(b, "*");
        if (i + 1 == t->nfootnotes)
            dvk_buf_adds(b, "\n");
    }
    dvk_buf_adds(b, "\n");
}

static void md_chart(dvk_buf *b, const dvk_doc_chart *ch)
{
    char buf[64];
    dvk_buf_adds(b, "**");
    md_text(b, ch->title[0] ? ch->title : "Biểu đồ", MD_INLINE);
    dvk_buf_adds(b, "**\n\n|  |");
    for (size_t s = 0; s < ch->nseries; s++) {
        dvk_buf_adds(b, " ");
        md_text(b, ch->series[s].name, MD_CELL);
        dvk_buf_adds(b, " |");
    }
    if (ch->stacked)
        dvk_buf_adds(b, " Cộng |");
    dvk_buf_adds(b, "\n| --- |");
    for (size_t s = 0; s < ch->nseries + (size_t)ch->stacked; s++)
        dvk_buf_adds(b, " ---: |");
    dvk_buf_adds(b, "\n");
    dvk_doc_column numcol = {NULL, NULL, DVK_COL_NUM, 0};
    for (size_t i = 0; i < ch->ncats; i++) {
        double sum = 0;
        dvk_buf_adds(b, "| ");
        md_text(b, ch->categories[i], MD_CELL);
        dvk_buf_adds(b, " |");
        for (size_t s = 0; s < ch->nseries; s++) {
            dvk_doc_cell cell = {DVK_CELL_NUMBER, ch->series[s].values[i], NULL};
            sum += ch->series[s].values[i];
            dvk_buf_printf(b, " %s |", dvk_doc_cell_text(&numcol, &cell, buf, sizeof buf));
        }
        if (ch->stacked) {
            dvk_doc_cell cell = {DVK_CELL_NUMBER, sum, NULL};
            dvk_buf_printf(b, " %s |", dvk_doc_cell_text(&numcol, &cell, buf, sizeof buf));
        }
        dvk_buf_adds(b, "\n");
    }
    dvk_buf_adds(b, "\n");
}

static void md_letterhead(dvk_buf *b, const dvk_doc_letterhead *lh)
{
    char num[256], date[512];
    dvk_render_number_line(lh, num, sizeof num);
    dvk_render_place_date(lh, date, sizeof date);
    const char *right = lh->family == DVK_DOC_PARTY ? "ĐẢNG CỘNG SẢN VIỆT NAM"
                                                     : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    dvk_buf_adds(b, "| ");
    if (lh->parent_issuer[0]) {
        md_text(b, lh->parent_issuer, MD_CELL);
        dvk_buf_adds(b, "<br>");
    }
    dvk_buf_adds(b, "**");
    md_text(b, lh->issuer, MD_CELL);
    dvk_buf_printf(b, "** | **%s** |\n| :---: | :---: |\n", right);
    if (lh->family == DVK_DOC_PARTY) {
        dvk_buf_adds(b, "| \\* | |\n| ");
        md_text(b, num, MD_CELL);
        dvk_buf_adds(b, " | *");
        md_text(b, date, MD_CELL);
        dvk_buf_adds(b, "* |\n\n");
    } else {
        dvk_buf_adds(b, "| ");
        md_text(b, num, MD_CELL);
        dvk_buf_adds(b, " | **Độc lập - Tự do - Hạnh phúc** |\n| | *");
        md_text(b, date, MD_CELL);
        dvk_buf_adds(b, "* |\n\n");
    }
}

static void md_block(dvk_buf *b, const dvk_doc_block *blk)
{
    switch (blk->type) {
    case DVK_DOC_HEADING:
        for (int i = 0; i < blk->level; i++)
            dvk_buf_adds(b, "#");
        dvk_buf_adds(b, " ");
        md_text(b, blk->text, MD_INLINE);
        dvk_buf_adds(b, "\n\n");
        break;
    case DVK_DOC_PARAGRAPH: {
        const char *mark = (blk->style & DVK_DOC_BOLD) && (blk->style & DVK_DOC_ITALIC) ? "***"
                           : (blk->style & DVK_DOC_BOLD)                                ? "**"
                           : (blk->style & DVK_DOC_ITALIC)                              ? "*"
                                                                                         : "";
        if (!blk->text[0])
            break;
        size_t art = mark[0] ? 0 : dvk_render_article_prefix(blk->text);
        if (art) {
            dvk_buf_adds(b, "**");
            dvk_buf_add(b, blk->text, art);
            dvk_buf_adds(b, "**");
        }
        dvk_buf_adds(b, mark);
        md_text(b, blk->text + art, mark[0] || art ? MD_INLINE : MD_BLOCK);
        dvk_buf_adds(b, mark);
        dvk_buf_adds(b, "\n\n");
        break;
    }
    case DVK_DOC_KV:
        for (size_t i = 0; i < blk->nitems; i++) {
            dvk_buf_adds(b, "- **");
            md_text(b, blk->keys[i], MD_INLINE);
            dvk_buf_adds(b, ":** ");
            md_text(b, blk->values[i], MD_INLINE);
            dvk_buf_adds(b, "\n");
        }
        dvk_buf_adds(b, "\n");
        break;
    case DVK_DOC_TABLE:
        md_table(b, blk->table);
        break;
    case DVK_DOC_CHART:
        md_chart(b, blk->chart);
        break;
    case DVK_DOC_PAGE_BREAK:
        dvk_buf_adds(b, "---\n\n");
        break;
    case DVK_DOC_LETTERHEAD:
        md_letterhead(b, blk->letterhead);
        break;
    case DVK_DOC_SIGNATURE: {
        const dvk_doc_signature *s = blk->signature;
        if (s->on_behalf[0]) {
            dvk_buf_adds(b, "**");
            md_text(b, s->on_behalf, MD_INLINE);
            dvk_buf_adds(b, "**  \n");
        }
        if (s->title[0]) {
            dvk_buf_adds(b, "**");
            md_text(b, s->title, MD_INLINE);
            dvk_buf_adds(b, "**\n\n");
        }
        if (s->name[0]) {
            dvk_buf_adds(b, "**");
            md_text(b, s->name, MD_INLINE);
            dvk_buf_adds(b, "**\n\n");
        }
        break;
    }
    case DVK_DOC_RECIPIENTS:
        dvk_buf_adds(b, "***Nơi nhận:***\n\n");
        for (size_t i = 0; i < blk->nitems; i++) {
            dvk_buf_adds(b, "- ");
            md_text(b, blk->values[i], MD_INLINE);
            dvk_buf_adds(b, "\n");
        }
        dvk_buf_adds(b, "\n");
        break;
    }
}

static void render_md(const dvk_doc *doc, dvk_buf *b)
{
    for (size_t i = 0; i < dvk_doc_count(doc); i++)
        md_block(b, dvk_doc_block_at(doc, i));
}

/* ---- HTML ---------------------------------------------------------------------------- */

/* Text as HTML: & < > " ' escaped, C0 controls other than tab/newline replaced by U+FFFD
 * (HTML forbids them), newlines as <br> when br is set. */
static void html_text(dvk_buf *b, const char *s, int br)
{
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        const char *rep = NULL;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\n': rep = br ? "<br>" : " "; break;
        case '\t': rep = " "; break;
        case '\r': rep = ""; break;
        case 0x7f: rep = "\xEF\xBF\xBD"; break;
        default:
            if (c && c < 0x20)
                rep = "\xEF\xBF\xBD";
        }
        if (rep || !c) {
            dvk_buf_add(b, run, (size_t)(p - run));
            if (!c)
                break;
            dvk_buf_adds(b, rep);
            run = p + 1;
        }
    }
}

static const char html_css[] =
    "@page{size:A4;margin:20mm 15mm 20mm 30mm;@top-center{content:counter(page);"
    "font-family:'Times New Roman','Liberation Serif',serif;font-size:13pt}}\n"
    "@page:first{@top-center{content:none}}\n"
    "html{background:#fff}\n"
    "body{margin:0;color:#000;background:#fff;font-family:'Times New Roman','Liberation Serif',"
    "Tinos,Times,serif;font-size:14pt;line-height:1.3}\n"
    "@media screen{body{width:210mm;margin:0 auto}main{padding:20mm 15mm 20mm 30mm}"
    ".pb{border-top:1px dashed #999;margin:12mm -15mm 12mm -30mm}}\n"
    "@media print{.pb{break-after:page;page-break-after:always;height:0}}\n"
    "h1,h2{text-align:center;font-weight:bold;margin:12pt 0 0}\n"
    "h1{font-size:14pt}h2{font-size:14pt}h3{font-size:14pt;margin:10pt 0 4pt}"
    "h4{font-size:14pt;font-style:italic;margin:8pt 0 4pt}\n"
    "p{margin:0 0 6pt;text-indent:10mm;text-align:justify}\n"
    "p.b{font-weight:bold}p.i{font-style:italic}p.c{text-align:center;text-indent:0}"
    "p.r{text-align:right;text-indent:0}\n"
    "p.subj::after{content:'';display:block;width:35%;margin:3pt auto 6pt;"
    "border-top:1px solid #000}\n"
    "table{border-collapse:collapse}\n"
    "table.lh{width:100%;margin:0 0 6pt}table.lh td{vertical-align:top;text-align:center;"
    "padding:0;line-height:1.2}\n"
    "td.lh-l{width:40%;font-size:13pt}td.lh-r{width:60%}\n"
    "table.party td.lh-l{width:50%}table.party td.lh-r{width:50%}\n"
    ".lh-up{text-transform:uppercase}.lh-iss{font-weight:bold;text-transform:uppercase}\n"
    ".lh-nat{font-weight:bold;font-size:13pt;white-space:nowrap}\n"
    ".lh-motto{font-weight:bold;font-size:14pt}.lh-party{font-weight:bold;font-size:15pt}\n"
    ".lh-motto span,.lh-party span{display:inline-block;border-bottom:1px solid #000;"
    "padding-bottom:1pt}\n"
    ".rule{width:30%;margin:2pt auto 0;border-top:1px solid #000}\n"
    ".lh-no{font-size:13pt;padding-top:6pt!important}.lh-date{font-style:italic;"
    "padding-top:6pt!important}\n"
    "table.kv{margin:0 0 8pt}table.kv th{text-align:left;font-weight:bold;padding:1pt 8pt 1pt 0;"
    "vertical-align:top}table.kv td{padding:1pt 0}\n"
    "table.data{width:100%;margin:4pt 0 8pt;font-size:12pt}\n"
    "table.data caption{font-weight:bold;font-size:13pt;padding-bottom:4pt}\n"
    "table.data th,table.data td{border:1px solid #000;padding:2pt 4pt;vertical-align:top}\n"
    "table.data th{font-weight:bold;text-align:center}\n"
    "table.data td.n{text-align:right;white-space:nowrap}table.data tfoot td{font-weight:bold}\n"
    "table.data td.empty{text-align:center;font-style:italic}\n"
    "thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}\n"
    ".note{font-size:11pt;font-style:italic;text-indent:0;margin:0 0 2pt}\n"
    "figure{margin:6pt 0 10pt;break-inside:avoid}figure svg{width:100%;height:auto}\n"
    "figcaption{text-align:center;font-weight:bold;font-size:13pt}\n"
    "table.foot{width:100%;margin-top:10pt;break-inside:avoid;page-break-inside:avoid}\n"
    "table.foot td{vertical-align:top;padding:0}\n"
    "td.rcp{width:45%;font-size:11pt;line-height:1.25}"
    ".rcp-h{font-weight:bold;font-style:italic;font-size:12pt}\n"
    "td.sig,div.sig{text-align:center;font-weight:bold}div.sig{margin:10pt 0 0 45%}\n"
    ".sig-space{height:28mm}\n";

static void html_table(dvk_buf *b, const dvk_doc_table *t)
{
    char buf[128];
    dvk_buf_adds(b, "<table class=\"data\">");
    if (t->title[0]) {
        dvk_buf_adds(b, "<caption>");
        html_text(b, t->title, 1);
        dvk_buf_adds(b, "</caption>");
    }
    int widths = 0;
    for (size_t c = 0; c < t->ncols; c++)
        widths |= t->cols[c].width > 0;
    if (widths) {
        dvk_buf_adds(b, "<colgroup>");
        for (size_t c = 0; c < t->ncols; c++) {
            if (t->cols[c].width > 0)
                dvk_buf_printf(b, "<col style=\"width:%dch\">", t->cols[c].width);
            else
                dvk_buf_adds(b, "<col>");
        }
        dvk_buf_adds(b, "</colgroup>");
    }
    dvk_buf_adds(b, "\n<thead><tr>");
    for (size_t c = 0; c < t->ncols; c++) {
        dvk_buf_adds(b, "<th>");
        html_text(b, t->cols[c].title, 1);
        dvk_buf_adds(b, "</th>");
    }
    dvk_buf_adds(b, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < t->nrows; r++) {
        dvk_buf_adds(b, "<tr>");
        for (size_t c = 0; c < t->ncols; c++) {
            const dvk_doc_cell *cell = &t->cells[r * t->ncols + c];
            dvk_buf_adds(b, is_numeric(t->cols[c].type) ? "<td class=\"n\">" : "<td>");
            html_text(b, dvk_doc_cell_text(&t->cols[c], cell, buf, sizeof buf), 1);
            dvk_buf_adds(b, "</td>");
        }
        dvk_buf_adds(b, "</tr>\n");
    }
    if (t->nrows == 0)
        dvk_buf_printf(b, "<tr><td class=\"empty\" colspan=\"%zu\">Không có dữ liệu.</td></tr>\n",
                t->ncols);
    dvk_buf_adds(b, "</tbody>");
    if (t->totals) {
        dvk_buf_adds(b, "\n<tfoot><tr>");
        for (size_t c = 0; c < t->ncols; c++) {
            dvk_buf_adds(b, is_numeric(t->cols[c].type) ? "<td class=\"n\">" : "<td>");
            html_text(b, dvk_doc_cell_text(&t->cols[c], &t->totals[c], buf, sizeof buf), 1);
            dvk_buf_adds(b, "</td>");
        }
        dvk_buf_adds(b, "</tr></tfoot>");
    }
    dvk_buf_adds(b, "</table>\n");
    for (size_t i = 0; i < t->nfootnotes; i++) {
        dvk_buf_adds(b, "<p class=\"note\">");
        html_text(b, t->footnotes[i], 1);
        dvk_buf_adds(b, "</p>\n");
    }
}

/* Split s into at most maxl lines of about width code points at spaces; returns the
 * count, with starts/lengths in off/len. A line ends at its last space within width
 * (a word longer than width is not cut); the last line takes the rest. */
static int wrap(const char *s, size_t width, int maxl, size_t *off, size_t *len)
{
    size_t n = strlen(s), start = 0;
    int lines = 0;
    while (start < n && lines < maxl) {
        while (start < n && s[start] == ' ')
            start++;
        if (start >= n)
            break;
        size_t end = n;
        if (lines + 1 < maxl && dvk_text_chars(s + start, n - start) > width) {
            size_t best = 0, chars = 0;   /* chars: code points in s[start..i) */
            for (size_t i = start; i < n && chars <= width; chars++) {
                if (s[i] == ' ')
                    best = i;
                dvk_text_next(s, n, &i);
            }
            end = best > start ? best : n;
        }
        off[lines] = start;
        len[lines] = end - start;
        lines++;
        start = end;
    }
    return lines;
}

static const char *const palette[] = {"#1f4e79", "#c55a11", "#548235", "#7f6000",
                                      "#7030a0", "#2e75b6", "#bf9000", "#595959"};
#define NPALETTE (sizeof palette / sizeof palette[0])

/* A round gridline step for values up to vmax: 1, 2 or 5 times a power of ten, giving at
 * most five steps; at least 1 when every value is whole (counts never show 0,25). */
static double nice_step(double vmax, int whole)
{
    if (vmax <= 0)
        return 1;
    double p = pow(10, floor(log10(vmax / 5)));
    static const double mult[] = {1, 2, 5, 10};
    double step = 10 * p;
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++)
        if (vmax / (mult[i] * p) <= 5) {
            step = mult[i] * p;
            break;
        }
    return whole && step < 1 ? 1 : step;
}

/* A horizontal bar chart as inline SVG: category labels on the left (wrapped), one bar
 * per series (grouped) or one bar of segments (stacked), values at the bar ends, an axis
 * with gridlines at round steps, and a legend when there are several series. */
static void html_chart(dvk_buf *b, const dvk_doc_chart *ch)
{
    const double W = 640, label_w = 230, right_pad = 56, bar_h = 17, gap = 10, line_h = 16;
    const double plot_x = label_w + 8, plot_w = W - plot_x - right_pad;
    dvk_doc_column numcol = {NULL, NULL, DVK_COL_NUM, 0};
    char buf[64];
    double vmax = 0;
    int whole = 1;
    for (size_t i = 0; i < ch->ncats; i++) {
        double sum = 0;
        for (size_t s = 0; s < ch->nseries; s++) {
            double v = fmax(0, ch->series[s].values[i]);
            sum += v;
            whole &= v == floor(v);
            if (!ch->stacked)
                vmax = fmax(vmax, v);
        }
        if (ch->stacked)
            vmax = fmax(vmax, sum);
    }
    /* Values near DBL_MAX (a stacked sum may even overflow to inf) get an axis that still
     * fits in a double; bars are clipped to the plot. */
    if (!isfinite(vmax) || vmax > 1e300)
        vmax = 1e300;
    double step = nice_step(vmax, whole);
    double q = vmax > 0 ? ceil(vmax / step - 1e-9) : 1;
    int nticks = q >= 1 && q <= 100 ? (int)q : 1;
    double axis = step * nticks;
    double legend_h = ch->nseries > 1 ? 26 : 0;
    double y0 = 8 + legend_h;
    /* heights per category */
    double total_h = y0;
    size_t bars = ch->stacked ? 1 : (ch->nseries ? ch->nseries : 1);
    for (size_t i = 0; i < ch->ncats; i++) {
        size_t off[3], len[3];
        int nl = wrap(ch->categories[i], 30, 3, off, len);
        total_h += fmax(nl * line_h, bars * bar_h) + gap;
    }
    double H = total_h + 26;
    dvk_buf_adds(b, "<figure>");
    if (ch->title[0]) {
        dvk_buf_adds(b, "<figcaption>");
        html_text(b, ch->title, 1);
        dvk_buf_adds(b, "</figcaption>");
    }
    dvk_buf_printf(b, "\n<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", W, H);
    html_text(b, ch->title, 0);
    dvk_buf_adds(b, "\" font-family=\"'Times New Roman','Liberation Serif',serif\" font-size=\"15\">\n");
    /* legend */
    if (ch->nseries > 1) {
        double x = plot_x;
        for (size_t s = 0; s < ch->nseries; s++) {
            dvk_buf_printf(b, "<rect x=\"%.1f\" y=\"4\" width=\"12\" height=\"12\" fill=\"%s\"/>", x,
                    palette[s % NPALETTE]);
            dvk_buf_printf(b, "<text x=\"%.1f\" y=\"15\">", x + 16);
            html_text(b, ch->series[s].name, 0);
            dvk_buf_adds(b, "</text>\n");
            x += 30 + 8.0 * (double)dvk_text_chars(ch->series[s].name, strlen(ch->series[s].name));
        }
    }
    /* gridlines and axis labels */
    for (int k = 0; k <= nticks; k++) {
        double x = plot_x + plot_w * k / nticks;
        dvk_doc_cell cell = {DVK_CELL_NUMBER, step * k, NULL};
        dvk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#%s\" "
                   "stroke-width=\"0.6\"/>",
                x, y0 - 2, x, total_h, k == 0 ? "000" : "bbb");
        dvk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x,
                total_h + 17, dvk_doc_cell_text(&numcol, &cell, buf, sizeof buf));
    }
    double y = y0;
    for (size_t i = 0; i < ch->ncats; i++) {
        size_t off[3], len[3];
        int nl = wrap(ch->categories[i], 30, 3, off, len);
        double row_h = fmax(nl * line_h, bars * bar_h);
        double ty = y + row_h / 2 - (nl - 1) * line_h / 2 + 5;
        dvk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w, ty);
        for (int l = 0; l < nl; l++) {
            char line[512];
            size_t n = len[l] < sizeof line - 1 ? len[l] : sizeof line - 1;
            memcpy(line, ch->categories[i] + off[l], n);
            line[n] = '\0';
            dvk_buf_printf(b, "<tspan x=\"%.1f\"%s>", label_w, l ? " dy=\"16\"" : "");
            html_text(b, line, 0);
            dvk_buf_adds(b, "</tspan>");
        }
        dvk_buf_adds(b, "</text>\n");
        double by = y + (row_h - bars * bar_h) / 2;
        if (ch->stacked) {
            double x = plot_x, sum = 0;
            for (size_t s = 0; s < ch->nseries; s++) {
                double v = fmax(0, ch->series[s].values[i]);
                double w = fmin(plot_w - (x - plot_x), plot_w * v / axis);
                sum += v;
                dvk_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"%s\"/>",
                        x, by + 1, w, bar_h - 2, palette[s % NPALETTE]);
                x += w;
            }
            dvk_doc_cell cell = {DVK_CELL_NUMBER, sum, NULL};
            dvk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + 4, by + bar_h - 3,
                    dvk_doc_cell_text(&numcol, &cell, buf, sizeof buf));
        } else {
            for (size_t s = 0; s < ch->nseries; s++) {
                double v = fmax(0, ch->series[s].values[i]);
                double w = fmin(plot_w, plot_w * v / axis);
                double yy = by + s * bar_h;
                dvk_doc_cell cell = {DVK_CELL_NUMBER, ch->series[s].values[i], NULL};
                dvk_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"%s\"/>",
                        plot_x, yy + 1, w, bar_h - 2, palette[s % NPALETTE]);
                dvk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", plot_x + w + 4,
                        yy + bar_h - 3, dvk_doc_cell_text(&numcol, &cell, buf, sizeof buf));
            }
        }
        y += row_h + gap;
    }
    dvk_buf_adds(b, "</svg></figure>\n");
}

static void html_lines(dvk_buf *b, const char *cls, const char *text)
{
    dvk_buf_printf(b, "<div class=\"%s\">", cls);
    html_text(b, text, 1);
    dvk_buf_adds(b, "</div>");
}

static void html_letterhead(dvk_buf *b, const dvk_doc_letterhead *lh)
{
    char num[256], date[512];
    dvk_render_number_line(lh, num, sizeof num);
    dvk_render_place_date(lh, date, sizeof date);
    dvk_buf_printf(b, "<table class=\"lh%s\"><tr><td class=\"lh-l\">",
            lh->family == DVK_DOC_PARTY ? " party" : "");
    if (lh->parent_issuer[0])
        html_lines(b, "lh-up", lh->parent_issuer);
    html_lines(b, "lh-iss", lh->issuer);
    if (lh->family == DVK_DOC_PARTY)
        dvk_buf_adds(b, "<div>*</div>");
    else
        dvk_buf_adds(b, "<div class=\"rule\"></div>");
    dvk_buf_adds(b, "</td><td class=\"lh-r\">");
    if (lh->family == DVK_DOC_PARTY) {
        dvk_buf_adds(b, "<div class=\"lh-party\"><span>ĐẢNG CỘNG SẢN VIỆT NAM</span></div>");
    } else {
        dvk_buf_adds(b, "<div class=\"lh-nat\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>"
                 "<div class=\"lh-motto\"><span>Độc lập - Tự do - Hạnh phúc</span></div>");
    }
    dvk_buf_adds(b, "</td></tr>\n<tr><td class=\"lh-l lh-no\">");
    html_text(b, num, 0);
    dvk_buf_adds(b, "</td><td class=\"lh-r lh-date\">");
    html_text(b, date, 0);
    dvk_buf_adds(b, "</td></tr></table>\n");
}

static void html_signature_inner(dvk_buf *b, const dvk_doc_signature *s)
{
    if (s->on_behalf[0])
        html_lines(b, "sig-ob", s->on_behalf);
    if (s->title[0])
        html_lines(b, "sig-t", s->title);
    dvk_buf_adds(b, "<div class=\"sig-space\"></div>");
    if (s->name[0])
        html_lines(b, "sig-n", s->name);
}

static void html_recipients_inner(dvk_buf *b, const dvk_doc_block *blk)
{
    dvk_buf_adds(b, "<div class=\"rcp-h\">Nơi nhận:</div>");
    for (size_t i = 0; i < blk->nitems; i++) {
        dvk_buf_adds(b, "<div>- ");
        html_text(b, blk->values[i], 1);
        dvk_buf_adds(b, "</div>");
    }
}

static void render_html(const dvk_doc *doc, dvk_buf *b)
{
    dvk_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    html_text(b, dvk_doc_title(doc)[0] ? dvk_doc_title(doc) : "Báo cáo", 0);
    dvk_buf_adds(b, "</title>\n<style>\n");
    dvk_buf_adds(b, html_css);
    /* The document's style (doc.h; the_thuc.lua by family and date): body and document name
     * sizes, "Nơi nhận:" (bold italic in State documents, underlined in Party ones). */
    dvk_doc_style st = dvk_doc_style_of(doc);
    dvk_buf_printf(b, "body{font-size:%dpt}h1{font-size:%dpt}td.rcp{font-size:%dpt}"
                   ".rcp-h{font-size:%dpt;font-weight:%s;font-style:%s;text-decoration:%s}\n",
                   st.body_pt, st.name_pt, st.recipient_items_pt, st.recipients_pt,
                   st.recipients_fmt & DVK_STYLE_BOLD ? "bold" : "normal",
                   st.recipients_fmt & DVK_STYLE_ITALIC ? "italic" : "normal",
                   st.recipients_fmt & DVK_STYLE_UNDERLINE ? "underline" : "none");
    dvk_buf_adds(b, "</style>\n</head>\n<body>\n<main>\n");
    size_t n = dvk_doc_count(doc);
    for (size_t i = 0; i < n; i++) {
        const dvk_doc_block *blk = dvk_doc_block_at(doc, i);
        const dvk_doc_block *next = i + 1 < n ? dvk_doc_block_at(doc, i + 1) : NULL;
        switch (blk->type) {
        case DVK_DOC_HEADING:
            dvk_buf_printf(b, "<h%d>", blk->level);
            html_text(b, blk->text, 1);
            dvk_buf_printf(b, "</h%d>\n", blk->level);
            break;
        case DVK_DOC_PARAGRAPH: {
            char cls[24] = "";
            const dvk_doc_block *prev = i > 0 ? dvk_doc_block_at(doc, i - 1) : NULL;
            if (blk->style & DVK_DOC_BOLD)
                strcat(cls, " b");
            if (blk->style & DVK_DOC_ITALIC)
                strcat(cls, " i");
            if (blk->style & DVK_DOC_CENTER)
                strcat(cls, " c");
            if (blk->style & DVK_DOC_RIGHT)
                strcat(cls, " r");
            /* The subject line right under the document type ("QUYẾT ĐỊNH": bold, centred,
             * upright) has a short rule under it (Decree 30/2020). */
            if (prev && prev->type == DVK_DOC_HEADING && prev->level == 1 &&
                (blk->style & DVK_DOC_BOLD) && (blk->style & DVK_DOC_CENTER) &&
                !(blk->style & DVK_DOC_ITALIC))
                strcat(cls, " subj");
            if (cls[0])
                dvk_buf_printf(b, "<p class=\"%s\">", cls + 1);
            else
                dvk_buf_adds(b, "<p>");
            size_t art = blk->style & DVK_DOC_BOLD ? 0 : dvk_render_article_prefix(blk->text);
            if (art) {
                dvk_buf_adds(b, "<b>");
                dvk_buf_add(b, blk->text, art);
                dvk_buf_adds(b, "</b>");
            }
            html_text(b, blk->text + art, 1);
            dvk_buf_adds(b, "</p>\n");
            break;
        }
        case DVK_DOC_KV:
            dvk_buf_adds(b, "<table class=\"kv\">\n");
            for (size_t k = 0; k < blk->nitems; k++) {
                dvk_buf_adds(b, "<tr><th>");
                html_text(b, blk->keys[k], 1);
                dvk_buf_adds(b, "</th><td>");
                html_text(b, blk->values[k], 1);
                dvk_buf_adds(b, "</td></tr>\n");
            }
            dvk_buf_adds(b, "</table>\n");
            break;
        case DVK_DOC_TABLE:
            html_table(b, blk->table);
            break;
        case DVK_DOC_CHART:
            html_chart(b, blk->chart);
            break;
        case DVK_DOC_PAGE_BREAK:
            dvk_buf_adds(b, "<div class=\"pb\"></div>\n");
            break;
        case DVK_DOC_LETTERHEAD:
            html_letterhead(b, blk->letterhead);
            break;
        case DVK_DOC_RECIPIENTS:
        case DVK_DOC_SIGNATURE:
            /* Recipients and signature side by side, as decisions end. */
            if (next && ((blk->type == DVK_DOC_RECIPIENTS && next->type == DVK_DOC_SIGNATURE) ||
                         (blk->type == DVK_DOC_SIGNATURE && next->type == DVK_DOC_RECIPIENTS))) {
                const dvk_doc_block *r = blk->type == DVK_DOC_RECIPIENTS ? blk : next;
                const dvk_doc_block *s = blk->type == DVK_DOC_SIGNATURE ? blk : next;
                dvk_buf_adds(b, "<table class=\"foot\"><tr><td class=\"rcp\">");
                html_recipients_inner(b, r);
                dvk_buf_adds(b, "</td><td class=\"sig\">");
                html_signature_inner(b, s->signature);
                dvk_buf_adds(b, "</td></tr></table>\n");
                i++;
            } else if (blk->type == DVK_DOC_SIGNATURE) {
                dvk_buf_adds(b, "<div class=\"sig\">");
                html_signature_inner(b, blk->signature);
                dvk_buf_adds(b, "</div>\n");
            } else {
                dvk_buf_adds(b, "<table class=\"foot\"><tr><td class=\"rcp\">");
                html_recipients_inner(b, blk);
                dvk_buf_adds(b, "</td><td></td></tr></table>\n");
            }
            break;
        }
    }
    dvk_buf_adds(b, "</main>\n</body>\n</html>\n");
}

/* ---- CSV ----------------------------------------------------------------------------- */

/* A text field (csv.h: the formula rule applies to every text the document holds). */
static void csv_text(dvk_buf *b, const char *s)
{
    dvk_csv_cell(b, s, strlen(s), 1);
}

static void csv_row(dvk_buf *b, const dvk_doc_table *t, const dvk_doc_cell *row)
{
    char buf[64];
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            dvk_buf_addc(b, ',');
        const dvk_doc_cell *cell = &row[c];
        if (cell->kind == DVK_CELL_NUMBER) {
            double v = cell->num;
            if (t->cols[c].type == DVK_COL_INT || t->cols[c].type == DVK_COL_MONEY)
                v = round(v);
            if (isfinite(v)) {   /* an overflowed sum is left empty, as people see it */
                dvk_format_plain(v, buf, sizeof buf);
                dvk_buf_adds(b, buf);
            }
        } else if (cell->kind == DVK_CELL_TEXT) {
            csv_text(b, cell->text);
        }
    }
    dvk_buf_adds(b, "\r\n");
}

static int render_csv(const dvk_doc *doc, dvk_buf *b, dvk_error *err)
{
    int tables = 0;
    for (size_t i = 0; i < dvk_doc_count(doc); i++) {
        const dvk_doc_block *blk = dvk_doc_block_at(doc, i);
        if (blk->type != DVK_DOC_TABLE)
            continue;
        const dvk_doc_table *t = blk->table;
        if (tables++)
            dvk_buf_adds(b, "\r\n");
        if (t->title[0]) {
            csv_text(b, t->title);
            dvk_buf_adds(b, "\r\n");
        }
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                dvk_buf_addc(b, ',');
            csv_text(b, t->cols[c].title);
        }
        dvk_buf_adds(b, "\r\n");
        for (size_t r = 0; r < t->nrows; r++)
            csv_row(b, t, &t->cells[r * t->ncols]);
        if (t->totals)
            csv_row(b, t, t->totals);
    }
    if (!tables)
        return dvk_error_set(err, DVK_EDATA,
                             "the report has no table: CSV holds only tables (use md, html or json)");
    return DVK_OK;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void json_strv(dvk_buf *b, char *const *v, size_t n)
{
    dvk_buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            dvk_buf_addc(b, ',');
        dvk_json_strz(b, v[i]);
    }
    dvk_buf_addc(b, ']');
}

static void json_cells(dvk_buf *b, const dvk_doc_cell *row, size_t n)
{
    dvk_buf_addc(b, '[');
    for (size_t c = 0; c < n; c++) {
        if (c)
            dvk_buf_addc(b, ',');
        if (row[c].kind == DVK_CELL_NUMBER) {
            dvk_json_num(b, row[c].num);   /* an overflowed sum: null */
        } else if (row[c].kind == DVK_CELL_TEXT) {
            dvk_json_strz(b, row[c].text);
        } else {
            dvk_buf_adds(b, "null");
        }
    }
    dvk_buf_addc(b, ']');
}

static const char *style_names(int style, char *buf, size_t n)
{
    buf[0] = '\0';
    static const struct { int bit; const char *name; } names[] = {
        {DVK_DOC_BOLD, "bold"}, {DVK_DOC_ITALIC, "italic"},
        {DVK_DOC_CENTER, "center"}, {DVK_DOC_RIGHT, "right"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (style & names[i].bit) {
            if (buf[0])
                strncat(buf, " ", n - strlen(buf) - 1);
            strncat(buf, names[i].name, n - strlen(buf) - 1);
        }
    if (!buf[0])
        snprintf(buf, n, "normal");
    return buf;
}

static void json_block(dvk_buf *b, const dvk_doc_block *blk)
{
    static const char *const types[] = {"heading", "paragraph", "kv", "table", "chart",
                                        "page_break", "letterhead", "signature", "recipients"};
    char buf[64];
    dvk_buf_addc(b, '{');
    dvk_json_key(b, "type", 1);
    dvk_json_strz(b, types[blk->type]);
    switch (blk->type) {
    case DVK_DOC_HEADING:
        dvk_json_key(b, "level", 0);
        dvk_buf_printf(b, "%d", blk->level);
        dvk_json_key(b, "text", 0);
        dvk_json_strz(b, blk->text);
        break;
    case DVK_DOC_PARAGRAPH:
        dvk_json_key(b, "style", 0);
        dvk_json_strz(b, style_names(blk->style, buf, sizeof buf));
        dvk_json_key(b, "text", 0);
        dvk_json_strz(b, blk->text);
        break;
    case DVK_DOC_KV:
        dvk_json_key(b, "items", 0);
        dvk_buf_addc(b, '[');
        for (size_t i = 0; i < blk->nitems; i++) {
            if (i)
                dvk_buf_addc(b, ',');
            dvk_buf_addc(b, '[');
            dvk_json_strz(b, blk->keys[i]);
            dvk_buf_addc(b, ',');
            dvk_json_strz(b, blk->values[i]);
            dvk_buf_addc(b, ']');
        }
        dvk_buf_addc(b, ']');
        break;
    case DVK_DOC_TABLE: {
        const dvk_doc_table *t = blk->table;
        dvk_json_key(b, "title", 0);
        dvk_json_strz(b, t->title);
        dvk_json_key(b, "columns", 0);
        dvk_buf_addc(b, '[');
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                dvk_buf_addc(b, ',');
            dvk_buf_addc(b, '{');
            dvk_json_key(b, "id", 1);
            dvk_json_strz(b, t->cols[c].id);
            dvk_json_key(b, "title", 0);
            dvk_json_strz(b, t->cols[c].title);
            dvk_json_key(b, "type", 0);
            dvk_json_strz(b, dvk_doc_col_type_name(t->cols[c].type));
            if (t->cols[c].width > 0) {
                dvk_json_key(b, "width", 0);
                dvk_buf_printf(b, "%d", t->cols[c].width);
            }
            dvk_buf_addc(b, '}');
        }
        dvk_buf_addc(b, ']');
        dvk_json_key(b, "rows", 0);
        dvk_buf_adds(b, "[");
        for (size_t r = 0; r < t->nrows; r++) {
            dvk_buf_adds(b, r ? ",\n" : "\n");
            json_cells(b, &t->cells[r * t->ncols], t->ncols);
        }
        dvk_buf_adds(b, "]");
        dvk_json_key(b, "totals", 0);
        if (t->totals)
            json_cells(b, t->totals, t->ncols);
        else
            dvk_buf_adds(b, "null");
        dvk_json_key(b, "footnotes", 0);
        json_strv(b, t->footnotes, t->nfootnotes);
        break;
    }
    case DVK_DOC_CHART: {
        const dvk_doc_chart *ch = blk->chart;
        dvk_json_key(b, "chart", 0);
        dvk_json_strz(b, ch->stacked ? "stacked" : "bar");
        dvk_json_key(b, "title", 0);
        dvk_json_strz(b, ch->title);
        dvk_json_key(b, "categories", 0);
        json_strv(b, ch->categories, ch->ncats);
        dvk_json_key(b, "series", 0);
        dvk_buf_addc(b, '[');
        for (size_t s = 0; s < ch->nseries; s++) {
            if (s)
                dvk_buf_addc(b, ',');
            dvk_buf_addc(b, '{');
            dvk_json_key(b, "name", 1);
            dvk_json_strz(b, ch->series[s].name);
            dvk_json_key(b, "values", 0);
            dvk_buf_addc(b, '[');
            for (size_t i = 0; i < ch->ncats; i++) {
                if (i)
                    dvk_buf_addc(b, ',');
                dvk_json_num(b, ch->series[s].values[i]);
            }
            dvk_buf_add(b, "]}", 2);
        }
        dvk_buf_addc(b, ']');
        break;
    }
    case DVK_DOC_PAGE_BREAK:
        break;
    case DVK_DOC_LETTERHEAD: {
        const dvk_doc_letterhead *l = blk->letterhead;
        dvk_json_key(b, "family", 0);
        dvk_json_strz(b, l->family == DVK_DOC_PARTY ? "party" : "state");
        dvk_json_key(b, "parent_issuer", 0);
        dvk_json_strz(b, l->parent_issuer);
        dvk_json_key(b, "issuer", 0);
        dvk_json_strz(b, l->issuer);
        dvk_json_key(b, "number", 0);
        dvk_json_strz(b, l->number);
        dvk_json_key(b, "symbol", 0);
        dvk_json_strz(b, l->symbol);
        dvk_json_key(b, "place", 0);
        dvk_json_strz(b, l->place);
        dvk_json_key(b, "date", 0);
        dvk_json_strz(b, l->date);
        break;
    }
    case DVK_DOC_SIGNATURE:
        dvk_json_key(b, "on_behalf", 0);
        dvk_json_strz(b, blk->signature->on_behalf);
        dvk_json_key(b, "title", 0);
        dvk_json_strz(b, blk->signature->title);
        dvk_json_key(b, "name", 0);
        dvk_json_strz(b, blk->signature->name);
        break;
    case DVK_DOC_RECIPIENTS:
        dvk_json_key(b, "items", 0);
        json_strv(b, blk->values, blk->nitems);
        break;
    }
    dvk_buf_addc(b, '}');
}

static void render_json(const dvk_doc *doc, dvk_buf *b)
{
    dvk_buf_adds(b, "{");
    dvk_json_key(b, "title", 1);
    dvk_json_strz(b, dvk_doc_title(doc));
    dvk_json_key(b, "blocks", 0);
    dvk_buf_adds(b, "[");
    for (size_t i = 0; i < dvk_doc_count(doc); i++) {
        dvk_buf_adds(b, i ? ",\n" : "\n");
        json_block(b, dvk_doc_block_at(doc, i));
    }
    dvk_buf_adds(b, "]}\n");
}

/* ---- entry points -------------------------------------------------------------------- */

int dvk_render_buffer(const dvk_doc *doc, dvk_format f, char **out, size_t *len,
                      dvk_error *err)
{
    dvk_buf b = DVK_BUF_INIT;
    int rc = DVK_OK;
    *out = NULL;
    if (len)
        *len = 0;
    switch (f) {
    case DVK_FORMAT_MD: render_md(doc, &b); break;
    case DVK_FORMAT_HTML: render_html(doc, &b); break;
    case DVK_FORMAT_CSV: rc = render_csv(doc, &b, err); break;
    case DVK_FORMAT_JSON: render_json(doc, &b); break;
    default:
        return dvk_error_set(err, DVK_EUSAGE, "format %s cannot be rendered into memory",
                             dvk_render_format_name(f));
    }
    if (rc == DVK_OK && b.oom)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory rendering the report");
    if (rc != DVK_OK) {
        dvk_buf_free(&b);
        return rc;
    }
    if (!(*out = dvk_buf_take(&b, len)))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    return DVK_OK;
}

/* XLSX, DOCX or PDF onto a stream: they are written only to a named file, so the output goes
 * through a temporary file under $TMPDIR first (mkstemp: created exclusively). name is the
 * output as messages show it (NULL: the temporary file). */
static int stream_binary(const dvk_doc *doc, dvk_format f, FILE *out, const char *name,
                         dvk_error *err)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/dvk-report-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return dvk_error_set(err, DVK_EIO, "%s: cannot create a temporary file (%s)", path,
                             strerror(errno));
    close(fd);
    int rc = render_named(doc, f, path, name, err);
    FILE *in = rc == DVK_OK ? fopen(path, "rb") : NULL;
    if (rc == DVK_OK && !in)
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot read back (%s)", path, strerror(errno));
    if (in) {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
            if (fwrite(chunk, 1, n, out) != n) {
                rc = dvk_error_set(err, DVK_EIO, "write failed (%s)", strerror(errno));
                break;
            }
        if (rc == DVK_OK && (ferror(in) || fflush(out) != 0))
            rc = dvk_error_set(err, DVK_EIO, "write failed (%s)", strerror(errno));
        fclose(in);
    }
    remove(path);
    if (rc == DVK_EIO && name && strncmp(err->msg, "write failed", 12) == 0)
        dvk_error_prefix(err, "%s", name);
    return rc;
}

int dvk_render_file(const dvk_doc *doc, dvk_format f, const char *path,
                    const dvk_outfile_keep *keep, dvk_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc;
    dvk_outfile o;
    /* Every text format is rendered before the file is touched. */
    int binary = dvk_render_format_binary(f);
    if (!binary && (rc = dvk_render_buffer(doc, f, &data, &len, err)) != DVK_OK)
        return rc;
    if ((rc = dvk_outfile_open(&o, path, keep, binary ? DVK_OUTFILE_BY_NAME : 0,
                               err)) != DVK_OK) {
        free(data);
        return rc;
    }
    if (!binary) {
        if (fwrite(data, 1, len, o.f) != len)
            rc = dvk_error_set(err, DVK_EIO, "%s: write failed (%s)", path, strerror(errno));
    } else if (o.tmp) {
        /* libxlsxwriter opens the name it is given with fopen("wb"), which would follow a
         * link: it is given the temporary file dvk_outfile_open just created exclusively,
         * and dvk_outfile_close checks that file is still the one created before renaming. */
        rc = render_named(doc, f, o.tmp, path, err);
    } else {   /* a device or pipe, written in place */
        rc = stream_binary(doc, f, o.f, path, err);
    }
    int crc = dvk_outfile_close(&o, rc == DVK_OK, rc ? NULL : err);
    free(data);
    return rc ? rc : crc;
}

int dvk_render_stream(const dvk_doc *doc, dvk_format f, FILE *out, dvk_error *err)
{
    if (!dvk_render_format_binary(f)) {
        char *data;
        size_t len;
        int rc = dvk_render_buffer(doc, f, &data, &len, err);
        if (rc != DVK_OK)
            return rc;
        if (fwrite(data, 1, len, out) != len || fflush(out) != 0)
            rc = dvk_error_set(err, DVK_EIO, "write failed (%s)", strerror(errno));
        free(data);
        return rc;
    }
    return stream_binary(doc, f, out, NULL, err);
}
