/* render.c: a report document (doc.h) as Markdown, HTML (A4, inline SVG charts), CSV and
 * JSON; atomic file output for every format (XLSX itself is in render_xlsx.c). */
#include "dvk/render.h"
#include "dvk/paths.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- a growing output buffer; out of memory is remembered and reported once ---------- */

typedef struct obuf {
    char *p;
    size_t len, cap;
    int oom;
} obuf;

static void put(obuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 4096;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *p = realloc(b->p, ncap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(obuf *b, const char *s) { put(b, s, strlen(s)); }

static void printf_(obuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(obuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        put(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    put(b, big, (size_t)n);
    free(big);
}

/* ---- formats and numbers --------------------------------------------------------------- */

static const char *const format_names[] = {"md", "html", "csv", "xlsx", "json"};

int dvk_render_format_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "markdown") == 0)
        return DVK_FORMAT_MD;
    for (int i = 0; i <= DVK_FORMAT_JSON; i++)
        if (strcmp(name, format_names[i]) == 0)
            return i;
    return -1;
}

const char *dvk_render_format_name(dvk_format f)
{
    return (int)f >= 0 && f <= DVK_FORMAT_JSON ? format_names[f] : "?";
}

void dvk_render_number(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "0");
        return;
    }
    if (v == 0) {
        snprintf(buf, n, "0");   /* no "-0" */
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Insert '.' between groups of three digits of the integer part of s (which may start
 * with '-'), writing into buf. */
static void group_thousands(const char *s, char *buf, size_t n)
{
    size_t o = 0;
    if (*s == '-' && o + 1 < n)
        buf[o++] = *s++;
    size_t digits = strspn(s, "0123456789");
    for (size_t i = 0; i < digits && o + 2 < n; i++) {
        buf[o++] = s[i];
        size_t left = digits - i - 1;
        if (left > 0 && left % 3 == 0)
            buf[o++] = '.';
    }
    s += digits;
    while (*s && o + 1 < n)
        buf[o++] = *s++;
    buf[o] = '\0';
}

const char *dvk_render_cell(const dvk_doc_column *col, const dvk_doc_cell *cell, char *buf,
                            size_t n)
{
    if (n == 0)
        return "";
    buf[0] = '\0';
    if (!cell || cell->kind == DVK_CELL_EMPTY)
        return buf;
    if (cell->kind == DVK_CELL_TEXT)
        return cell->text;
    char raw[64];
    double v = cell->num;
    if (!isfinite(v))   /* only sums made here can overflow (a cell never holds one) */
        return buf;
    switch (col->type) {
    case DVK_COL_PCT:
        snprintf(raw, sizeof raw, "%.1f", v);
        break;
    case DVK_COL_NUM: {
        snprintf(raw, sizeof raw, "%.2f", v);
        char *dot = strchr(raw, '.');
        if (dot) {
            char *end = raw + strlen(raw);
            while (end > dot + 1 && end[-1] == '0')
                *--end = '\0';
            if (end == dot + 1)
                *dot = '\0';
        }
        break;
    }
    case DVK_COL_INT:
    case DVK_COL_MONEY:
    case DVK_COL_TEXT:
    default:
        if (col->type == DVK_COL_TEXT && v != floor(v)) {
            dvk_render_number(v, buf, n);
            return buf;
        }
        snprintf(raw, sizeof raw, "%.0f", v);
        break;
    }
    if (strcmp(raw, "-0") == 0 || strcmp(raw, "-0.0") == 0)
        memmove(raw, raw + 1, strlen(raw));
    char *dot = strchr(raw, '.');
    if (dot)
        *dot = ',';
    group_thousands(raw, buf, n);
    if (col->type == DVK_COL_PCT && strlen(buf) + 2 <= n)
        strcat(buf, "%");
    return buf;
}

const char *dvk_render_date_vi(const char *iso, char *buf, size_t n)
{
    static const char blank[] = "\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0";  /* to fill in by hand */
    int y = 0, m = 0, d = 0;
    if (iso && strlen(iso) == 10 && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 &&
        m <= 12 && d >= 1 && d <= 31) {
        snprintf(buf, n, "ngày %02d tháng %s%d năm %d", d, m <= 2 ? "0" : "", m, y);
    } else if (iso && strlen(iso) == 4 && sscanf(iso, "%4d", &y) == 1) {
        snprintf(buf, n, "ngày%s tháng%s năm %d", blank, blank, y);
    } else {
        snprintf(buf, n, "ngày%s tháng%s năm%s", blank, blank, blank);
    }
    return buf;
}

static int is_numeric(dvk_doc_col_type t) { return t != DVK_COL_TEXT; }

/* Length of a leading article number "Điều 12." (set in bold in decisions), or 0. */
static size_t article_prefix(const char *s)
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
static void number_line(const dvk_doc_letterhead *lh, char *buf, size_t n)
{
    const char *num = lh->number[0] ? lh->number : "\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0";
    if (lh->family == DVK_DOC_PARTY)
        snprintf(buf, n, "Số %s%s%s", num, lh->symbol[0] ? "-" : "", lh->symbol);
    else
        snprintf(buf, n, "Số: %s%s%s", num, lh->symbol[0] ? "/" : "", lh->symbol);
}

static void place_date(const dvk_doc_letterhead *lh, char *buf, size_t n)
{
    char date[96];
    dvk_render_date_vi(lh->date, date, sizeof date);
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
static void md_text(obuf *b, const char *s, int mode)
{
    int line_start = mode == MD_BLOCK;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c == '\n') {
            puts_(b, mode == MD_CELL ? "<br>" : "  \n");
            line_start = mode == MD_BLOCK;
            continue;
        }
        if (c == '\r')
            continue;
        if (strchr("\\`*_[]<>|", c)) {
            put(b, "\\", 1);
        } else if (line_start && strchr("#-+=", c)) {
            put(b, "\\", 1);
        } else if (line_start && c >= '0' && c <= '9') {
            const char *q = p;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == '.' || *q == ')') {
                put(b, p, (size_t)(q - p));
                put(b, "\\", 1);
                p = q - 1;
                line_start = 0;
                continue;
            }
        }
        put(b, &c, 1);
        if (c != ' ')
            line_start = 0;
    }
}

static void md_table_row(obuf *b, const dvk_doc_table *t, const dvk_doc_cell *row, int bold)
{
    char buf[128];
    puts_(b, "|");
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = dvk_render_cell(&t->cols[c], &row[c], buf, sizeof buf);
        puts_(b, " ");
        if (bold && *s)
            puts_(b, "**");
        md_text(b, s, MD_CELL);
        if (bold && *s)
            puts_(b, "**");
        puts_(b, " |");
    }
    puts_(b, "\n");
}

static void md_table(obuf *b, const dvk_doc_table *t)
{
    if (t->title[0]) {
        puts_(b, "**");
        md_text(b, t->title, MD_INLINE);
        puts_(b, "**\n\n");
    }
    puts_(b, "|");
    for (size_t c = 0; c < t->ncols; c++) {
        puts_(b, " ");
        md_text(b, t->cols[c].title, MD_CELL);
        puts_(b, " |");
    }
    puts_(b, "\n|");
    for (size_t c = 0; c < t->ncols; c++)
        puts_(b, is_numeric(t->cols[c].type) ? " ---: |" : " --- |");
    puts_(b, "\n");
    for (size_t r = 0; r < t->nrows; r++)
        md_table_row(b, t, &t->cells[r * t->ncols], 0);
    if (t->totals)
        md_table_row(b, t, t->totals, 1);
    if (t->nrows == 0 && !t->totals)
        puts_(b, "\n*(Không có dữ liệu.)*\n");
    for (size_t i = 0; i < t->nfootnotes; i++) {
        puts_(b, i == 0 ? "\n" : "  \n");
        puts_(b, "*");
        md_text(b, t->footnotes[i], MD_INLINE);
        puts_(b, "*");
        if (i + 1 == t->nfootnotes)
            puts_(b, "\n");
    }
    puts_(b, "\n");
}

static void md_chart(obuf *b, const dvk_doc_chart *ch)
{
    char buf[64];
    puts_(b, "**");
    md_text(b, ch->title[0] ? ch->title : "Biểu đồ", MD_INLINE);
    puts_(b, "**\n\n|  |");
    for (size_t s = 0; s < ch->nseries; s++) {
        puts_(b, " ");
        md_text(b, ch->series[s].name, MD_CELL);
        puts_(b, " |");
    }
    if (ch->stacked)
        puts_(b, " Cộng |");
    puts_(b, "\n| --- |");
    for (size_t s = 0; s < ch->nseries + (size_t)ch->stacked; s++)
        puts_(b, " ---: |");
    puts_(b, "\n");
    dvk_doc_column numcol = {NULL, NULL, DVK_COL_NUM, 0};
    for (size_t i = 0; i < ch->ncats; i++) {
        double sum = 0;
        puts_(b, "| ");
        md_text(b, ch->categories[i], MD_CELL);
        puts_(b, " |");
        for (size_t s = 0; s < ch->nseries; s++) {
            dvk_doc_cell cell = {DVK_CELL_NUMBER, ch->series[s].values[i], NULL};
            sum += ch->series[s].values[i];
            printf_(b, " %s |", dvk_render_cell(&numcol, &cell, buf, sizeof buf));
        }
        if (ch->stacked) {
            dvk_doc_cell cell = {DVK_CELL_NUMBER, sum, NULL};
            printf_(b, " %s |", dvk_render_cell(&numcol, &cell, buf, sizeof buf));
        }
        puts_(b, "\n");
    }
    puts_(b, "\n");
}

static void md_letterhead(obuf *b, const dvk_doc_letterhead *lh)
{
    char num[256], date[512];
    number_line(lh, num, sizeof num);
    place_date(lh, date, sizeof date);
    const char *right = lh->family == DVK_DOC_PARTY ? "ĐẢNG CỘNG SẢN VIỆT NAM"
                                                     : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    puts_(b, "| ");
    if (lh->parent_issuer[0]) {
        md_text(b, lh->parent_issuer, MD_CELL);
        puts_(b, "<br>");
    }
    puts_(b, "**");
    md_text(b, lh->issuer, MD_CELL);
    printf_(b, "** | **%s** |\n| :---: | :---: |\n", right);
    if (lh->family == DVK_DOC_PARTY) {
        puts_(b, "| \\* | |\n| ");
        md_text(b, num, MD_CELL);
        puts_(b, " | *");
        md_text(b, date, MD_CELL);
        puts_(b, "* |\n\n");
    } else {
        puts_(b, "| ");
        md_text(b, num, MD_CELL);
        puts_(b, " | **Độc lập - Tự do - Hạnh phúc** |\n| | *");
        md_text(b, date, MD_CELL);
        puts_(b, "* |\n\n");
    }
}

static void md_block(obuf *b, const dvk_doc_block *blk)
{
    switch (blk->type) {
    case DVK_DOC_HEADING:
        for (int i = 0; i < blk->level; i++)
            puts_(b, "#");
        puts_(b, " ");
        md_text(b, blk->text, MD_INLINE);
        puts_(b, "\n\n");
        break;
    case DVK_DOC_PARAGRAPH: {
        const char *mark = (blk->style & DVK_DOC_BOLD) && (blk->style & DVK_DOC_ITALIC) ? "***"
                           : (blk->style & DVK_DOC_BOLD)                                ? "**"
                           : (blk->style & DVK_DOC_ITALIC)                              ? "*"
                                                                                         : "";
        if (!blk->text[0])
            break;
        size_t art = mark[0] ? 0 : article_prefix(blk->text);
        if (art) {
            puts_(b, "**");
            put(b, blk->text, art);
            puts_(b, "**");
        }
        puts_(b, mark);
        md_text(b, blk->text + art, mark[0] || art ? MD_INLINE : MD_BLOCK);
        puts_(b, mark);
        puts_(b, "\n\n");
        break;
    }
    case DVK_DOC_KV:
        for (size_t i = 0; i < blk->nitems; i++) {
            puts_(b, "- **");
            md_text(b, blk->keys[i], MD_INLINE);
            puts_(b, ":** ");
            md_text(b, blk->values[i], MD_INLINE);
            puts_(b, "\n");
        }
        puts_(b, "\n");
        break;
    case DVK_DOC_TABLE:
        md_table(b, blk->table);
        break;
    case DVK_DOC_CHART:
        md_chart(b, blk->chart);
        break;
    case DVK_DOC_PAGE_BREAK:
        puts_(b, "---\n\n");
        break;
    case DVK_DOC_LETTERHEAD:
        md_letterhead(b, blk->letterhead);
        break;
    case DVK_DOC_SIGNATURE: {
        const dvk_doc_signature *s = blk->signature;
        if (s->on_behalf[0]) {
            puts_(b, "**");
            md_text(b, s->on_behalf, MD_INLINE);
            puts_(b, "**  \n");
        }
        if (s->title[0]) {
            puts_(b, "**");
            md_text(b, s->title, MD_INLINE);
            puts_(b, "**\n\n");
        }
        if (s->name[0]) {
            puts_(b, "**");
            md_text(b, s->name, MD_INLINE);
            puts_(b, "**\n\n");
        }
        break;
    }
    case DVK_DOC_RECIPIENTS:
        puts_(b, "***Nơi nhận:***\n\n");
        for (size_t i = 0; i < blk->nitems; i++) {
            puts_(b, "- ");
            md_text(b, blk->values[i], MD_INLINE);
            puts_(b, "\n");
        }
        puts_(b, "\n");
        break;
    }
}

static void render_md(const dvk_doc *doc, obuf *b)
{
    for (size_t i = 0; i < dvk_doc_count(doc); i++)
        md_block(b, dvk_doc_block_at(doc, i));
}

/* ---- HTML ---------------------------------------------------------------------------- */

/* Text as HTML: & < > " ' escaped, C0 controls other than tab/newline replaced by U+FFFD
 * (HTML forbids them), newlines as <br> when br is set. */
static void html_text(obuf *b, const char *s, int br)
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
            put(b, run, (size_t)(p - run));
            if (!c)
                break;
            puts_(b, rep);
            run = p + 1;
        }
    }
}

static const char html_css[] =
    "@page{size:A4;margin:20mm 15mm 20mm 30mm}\n"
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

static void html_table(obuf *b, const dvk_doc_table *t)
{
    char buf[128];
    puts_(b, "<table class=\"data\">");
    if (t->title[0]) {
        puts_(b, "<caption>");
        html_text(b, t->title, 1);
        puts_(b, "</caption>");
    }
    int widths = 0;
    for (size_t c = 0; c < t->ncols; c++)
        widths |= t->cols[c].width > 0;
    if (widths) {
        puts_(b, "<colgroup>");
        for (size_t c = 0; c < t->ncols; c++) {
            if (t->cols[c].width > 0)
                printf_(b, "<col style=\"width:%dch\">", t->cols[c].width);
            else
                puts_(b, "<col>");
        }
        puts_(b, "</colgroup>");
    }
    puts_(b, "\n<thead><tr>");
    for (size_t c = 0; c < t->ncols; c++) {
        puts_(b, "<th>");
        html_text(b, t->cols[c].title, 1);
        puts_(b, "</th>");
    }
    puts_(b, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < t->nrows; r++) {
        puts_(b, "<tr>");
        for (size_t c = 0; c < t->ncols; c++) {
            const dvk_doc_cell *cell = &t->cells[r * t->ncols + c];
            puts_(b, is_numeric(t->cols[c].type) ? "<td class=\"n\">" : "<td>");
            html_text(b, dvk_render_cell(&t->cols[c], cell, buf, sizeof buf), 1);
            puts_(b, "</td>");
        }
        puts_(b, "</tr>\n");
    }
    if (t->nrows == 0)
        printf_(b, "<tr><td class=\"empty\" colspan=\"%zu\">Không có dữ liệu.</td></tr>\n",
                t->ncols);
    puts_(b, "</tbody>");
    if (t->totals) {
        puts_(b, "\n<tfoot><tr>");
        for (size_t c = 0; c < t->ncols; c++) {
            puts_(b, is_numeric(t->cols[c].type) ? "<td class=\"n\">" : "<td>");
            html_text(b, dvk_render_cell(&t->cols[c], &t->totals[c], buf, sizeof buf), 1);
            puts_(b, "</td>");
        }
        puts_(b, "</tr></tfoot>");
    }
    puts_(b, "</table>\n");
    for (size_t i = 0; i < t->nfootnotes; i++) {
        puts_(b, "<p class=\"note\">");
        html_text(b, t->footnotes[i], 1);
        puts_(b, "</p>\n");
    }
}

/* Number of UTF-8 code points in s[0..n). */
static size_t u8len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Split s into at most maxl lines of about width code points at spaces; returns the
 * count, with starts/lengths in off/len. The last line takes the rest. */
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
        if (lines + 1 < maxl && u8len(s + start, n - start) > width) {
            size_t best = 0;
            for (size_t i = start; i < n; i++) {
                if (s[i] == ' ' && u8len(s + start, i - start) <= width)
                    best = i;
                if (u8len(s + start, i - start) > width)
                    break;
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
static void html_chart(obuf *b, const dvk_doc_chart *ch)
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
    puts_(b, "<figure>");
    if (ch->title[0]) {
        puts_(b, "<figcaption>");
        html_text(b, ch->title, 1);
        puts_(b, "</figcaption>");
    }
    printf_(b, "\n<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", W, H);
    html_text(b, ch->title, 0);
    puts_(b, "\" font-family=\"'Times New Roman','Liberation Serif',serif\" font-size=\"15\">\n");
    /* legend */
    if (ch->nseries > 1) {
        double x = plot_x;
        for (size_t s = 0; s < ch->nseries; s++) {
            printf_(b, "<rect x=\"%.1f\" y=\"4\" width=\"12\" height=\"12\" fill=\"%s\"/>", x,
                    palette[s % NPALETTE]);
            printf_(b, "<text x=\"%.1f\" y=\"15\">", x + 16);
            html_text(b, ch->series[s].name, 0);
            puts_(b, "</text>\n");
            x += 30 + 8.0 * (double)u8len(ch->series[s].name, strlen(ch->series[s].name));
        }
    }
    /* gridlines and axis labels */
    for (int k = 0; k <= nticks; k++) {
        double x = plot_x + plot_w * k / nticks;
        dvk_doc_cell cell = {DVK_CELL_NUMBER, step * k, NULL};
        printf_(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#%s\" "
                   "stroke-width=\"0.6\"/>",
                x, y0 - 2, x, total_h, k == 0 ? "000" : "bbb");
        printf_(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x,
                total_h + 17, dvk_render_cell(&numcol, &cell, buf, sizeof buf));
    }
    double y = y0;
    for (size_t i = 0; i < ch->ncats; i++) {
        size_t off[3], len[3];
        int nl = wrap(ch->categories[i], 30, 3, off, len);
        double row_h = fmax(nl * line_h, bars * bar_h);
        double ty = y + row_h / 2 - (nl - 1) * line_h / 2 + 5;
        printf_(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w, ty);
        for (int l = 0; l < nl; l++) {
            char line[512];
            size_t n = len[l] < sizeof line - 1 ? len[l] : sizeof line - 1;
            memcpy(line, ch->categories[i] + off[l], n);
            line[n] = '\0';
            printf_(b, "<tspan x=\"%.1f\"%s>", label_w, l ? " dy=\"16\"" : "");
            html_text(b, line, 0);
            puts_(b, "</tspan>");
        }
        puts_(b, "</text>\n");
        double by = y + (row_h - bars * bar_h) / 2;
        if (ch->stacked) {
            double x = plot_x, sum = 0;
            for (size_t s = 0; s < ch->nseries; s++) {
                double v = fmax(0, ch->series[s].values[i]);
                double w = fmin(plot_w - (x - plot_x), plot_w * v / axis);
                sum += v;
                printf_(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"%s\"/>",
                        x, by + 1, w, bar_h - 2, palette[s % NPALETTE]);
                x += w;
            }
            dvk_doc_cell cell = {DVK_CELL_NUMBER, sum, NULL};
            printf_(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + 4, by + bar_h - 3,
                    dvk_render_cell(&numcol, &cell, buf, sizeof buf));
        } else {
            for (size_t s = 0; s < ch->nseries; s++) {
                double v = fmax(0, ch->series[s].values[i]);
                double w = fmin(plot_w, plot_w * v / axis);
                double yy = by + s * bar_h;
                dvk_doc_cell cell = {DVK_CELL_NUMBER, ch->series[s].values[i], NULL};
                printf_(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"%s\"/>",
                        plot_x, yy + 1, w, bar_h - 2, palette[s % NPALETTE]);
                printf_(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", plot_x + w + 4,
                        yy + bar_h - 3, dvk_render_cell(&numcol, &cell, buf, sizeof buf));
            }
        }
        y += row_h + gap;
    }
    puts_(b, "</svg></figure>\n");
}

static void html_lines(obuf *b, const char *cls, const char *text)
{
    printf_(b, "<div class=\"%s\">", cls);
    html_text(b, text, 1);
    puts_(b, "</div>");
}

static void html_letterhead(obuf *b, const dvk_doc_letterhead *lh)
{
    char num[256], date[512];
    number_line(lh, num, sizeof num);
    place_date(lh, date, sizeof date);
    printf_(b, "<table class=\"lh%s\"><tr><td class=\"lh-l\">",
            lh->family == DVK_DOC_PARTY ? " party" : "");
    if (lh->parent_issuer[0])
        html_lines(b, "lh-up", lh->parent_issuer);
    html_lines(b, "lh-iss", lh->issuer);
    if (lh->family == DVK_DOC_PARTY)
        puts_(b, "<div>*</div>");
    else
        puts_(b, "<div class=\"rule\"></div>");
    puts_(b, "</td><td class=\"lh-r\">");
    if (lh->family == DVK_DOC_PARTY) {
        puts_(b, "<div class=\"lh-party\"><span>ĐẢNG CỘNG SẢN VIỆT NAM</span></div>");
    } else {
        puts_(b, "<div class=\"lh-nat\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>"
                 "<div class=\"lh-motto\"><span>Độc lập - Tự do - Hạnh phúc</span></div>");
    }
    puts_(b, "</td></tr>\n<tr><td class=\"lh-l lh-no\">");
    html_text(b, num, 0);
    puts_(b, "</td><td class=\"lh-r lh-date\">");
    html_text(b, date, 0);
    puts_(b, "</td></tr></table>\n");
}

static void html_signature_inner(obuf *b, const dvk_doc_signature *s)
{
    if (s->on_behalf[0])
        html_lines(b, "sig-ob", s->on_behalf);
    if (s->title[0])
        html_lines(b, "sig-t", s->title);
    puts_(b, "<div class=\"sig-space\"></div>");
    if (s->name[0])
        html_lines(b, "sig-n", s->name);
}

static void html_recipients_inner(obuf *b, const dvk_doc_block *blk)
{
    puts_(b, "<div class=\"rcp-h\">Nơi nhận:</div>");
    for (size_t i = 0; i < blk->nitems; i++) {
        puts_(b, "<div>- ");
        html_text(b, blk->values[i], 1);
        puts_(b, "</div>");
    }
}

static void render_html(const dvk_doc *doc, obuf *b)
{
    puts_(b, "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    html_text(b, dvk_doc_title(doc)[0] ? dvk_doc_title(doc) : "Báo cáo", 0);
    puts_(b, "</title>\n<style>\n");
    puts_(b, html_css);
    puts_(b, "</style>\n</head>\n<body>\n<main>\n");
    size_t n = dvk_doc_count(doc);
    for (size_t i = 0; i < n; i++) {
        const dvk_doc_block *blk = dvk_doc_block_at(doc, i);
        const dvk_doc_block *next = i + 1 < n ? dvk_doc_block_at(doc, i + 1) : NULL;
        switch (blk->type) {
        case DVK_DOC_HEADING:
            printf_(b, "<h%d>", blk->level);
            html_text(b, blk->text, 1);
            printf_(b, "</h%d>\n", blk->level);
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
            /* The subject line right under the document type ("QUYẾT ĐỊNH") has a short
             * rule under it (Decree 30/2020). */
            if (prev && prev->type == DVK_DOC_HEADING && prev->level == 1 &&
                (blk->style & DVK_DOC_BOLD) && (blk->style & DVK_DOC_CENTER))
                strcat(cls, " subj");
            if (cls[0])
                printf_(b, "<p class=\"%s\">", cls + 1);
            else
                puts_(b, "<p>");
            size_t art = blk->style & DVK_DOC_BOLD ? 0 : article_prefix(blk->text);
            if (art) {
                puts_(b, "<b>");
                put(b, blk->text, art);
                puts_(b, "</b>");
            }
            html_text(b, blk->text + art, 1);
            puts_(b, "</p>\n");
            break;
        }
        case DVK_DOC_KV:
            puts_(b, "<table class=\"kv\">\n");
            for (size_t k = 0; k < blk->nitems; k++) {
                puts_(b, "<tr><th>");
                html_text(b, blk->keys[k], 1);
                puts_(b, "</th><td>");
                html_text(b, blk->values[k], 1);
                puts_(b, "</td></tr>\n");
            }
            puts_(b, "</table>\n");
            break;
        case DVK_DOC_TABLE:
            html_table(b, blk->table);
            break;
        case DVK_DOC_CHART:
            html_chart(b, blk->chart);
            break;
        case DVK_DOC_PAGE_BREAK:
            puts_(b, "<div class=\"pb\"></div>\n");
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
                puts_(b, "<table class=\"foot\"><tr><td class=\"rcp\">");
                html_recipients_inner(b, r);
                puts_(b, "</td><td class=\"sig\">");
                html_signature_inner(b, s->signature);
                puts_(b, "</td></tr></table>\n");
                i++;
            } else if (blk->type == DVK_DOC_SIGNATURE) {
                puts_(b, "<div class=\"sig\">");
                html_signature_inner(b, blk->signature);
                puts_(b, "</div>\n");
            } else {
                puts_(b, "<table class=\"foot\"><tr><td class=\"rcp\">");
                html_recipients_inner(b, blk);
                puts_(b, "</td><td></td></tr></table>\n");
            }
            break;
        }
    }
    puts_(b, "</main>\n</body>\n</html>\n");
}

/* ---- CSV ----------------------------------------------------------------------------- */

/* One CSV field: text cells that a spreadsheet would run as a formula (= + - @, tab, CR at
 * the start) get a leading apostrophe; fields with , " CR LF or edge spaces are quoted. */
static void csv_field(obuf *b, const char *s, int neutralise)
{
    int quote = 0;
    if (neutralise && *s && strchr("=+-@\t\r", *s))
        quote = 1;
    for (const char *p = s; *p; p++)
        if (*p == ',' || *p == '"' || *p == '\r' || *p == '\n')
            quote = 1;
    size_t n = strlen(s);
    if (n && (s[0] == ' ' || s[n - 1] == ' '))
        quote = 1;
    if (!quote) {
        put(b, s, n);
        return;
    }
    put(b, "\"", 1);
    if (neutralise && *s && strchr("=+-@\t\r", *s))
        put(b, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put(b, "\"", 1);
        put(b, p, 1);
    }
    put(b, "\"", 1);
}

static void csv_row(obuf *b, const dvk_doc_table *t, const dvk_doc_cell *row)
{
    char buf[64];
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            put(b, ",", 1);
        const dvk_doc_cell *cell = &row[c];
        if (cell->kind == DVK_CELL_NUMBER) {
            double v = cell->num;
            if (t->cols[c].type == DVK_COL_INT || t->cols[c].type == DVK_COL_MONEY)
                v = round(v);
            dvk_render_number(v, buf, sizeof buf);
            puts_(b, buf);
        } else if (cell->kind == DVK_CELL_TEXT) {
            csv_field(b, cell->text, 1);
        }
    }
    puts_(b, "\r\n");
}

static int render_csv(const dvk_doc *doc, obuf *b, dvk_error *err)
{
    int tables = 0;
    for (size_t i = 0; i < dvk_doc_count(doc); i++) {
        const dvk_doc_block *blk = dvk_doc_block_at(doc, i);
        if (blk->type != DVK_DOC_TABLE)
            continue;
        const dvk_doc_table *t = blk->table;
        if (tables++)
            puts_(b, "\r\n");
        if (t->title[0]) {
            csv_field(b, t->title, 1);
            puts_(b, "\r\n");
        }
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                put(b, ",", 1);
            csv_field(b, t->cols[c].title, 1);
        }
        puts_(b, "\r\n");
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

static void json_str(obuf *b, const char *s)
{
    put(b, "\"", 1);
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[8];
        const char *rep = NULL;
        if (c == '"')
            rep = "\\\"";
        else if (c == '\\')
            rep = "\\\\";
        else if (c == '\n')
            rep = "\\n";
        else if (c == '\r')
            rep = "\\r";
        else if (c == '\t')
            rep = "\\t";
        else if (c == '\b')
            rep = "\\b";
        else if (c == '\f')
            rep = "\\f";
        else if (c && c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            rep = esc;
        } else if (c == 0xE2 && (unsigned char)p[1] == 0x80 &&
                   ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9)) {
            /* U+2028/2029 are valid JSON but break JavaScript string literals. */
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)p[2] == 0xA8 ? 0x2028 : 0x2029);
            put(b, run, (size_t)(p - run));
            puts_(b, esc);
            p += 2;
            run = p + 1;
            continue;
        }
        if (rep || !c) {
            put(b, run, (size_t)(p - run));
            if (!c)
                break;
            puts_(b, rep);
            run = p + 1;
        }
    }
    put(b, "\"", 1);
}

static void json_key(obuf *b, const char *k, int first)
{
    if (!first)
        put(b, ",", 1);
    json_str(b, k);
    put(b, ":", 1);
}

static void json_strv(obuf *b, char *const *v, size_t n)
{
    put(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(b, ",", 1);
        json_str(b, v[i]);
    }
    put(b, "]", 1);
}

static void json_cells(obuf *b, const dvk_doc_cell *row, size_t n)
{
    char buf[64];
    put(b, "[", 1);
    for (size_t c = 0; c < n; c++) {
        if (c)
            put(b, ",", 1);
        if (row[c].kind == DVK_CELL_NUMBER) {
            dvk_render_number(row[c].num, buf, sizeof buf);
            puts_(b, buf);
        } else if (row[c].kind == DVK_CELL_TEXT) {
            json_str(b, row[c].text);
        } else {
            puts_(b, "null");
        }
    }
    put(b, "]", 1);
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

static void json_block(obuf *b, const dvk_doc_block *blk)
{
    static const char *const types[] = {"heading", "paragraph", "kv", "table", "chart",
                                        "page_break", "letterhead", "signature", "recipients"};
    char buf[64];
    put(b, "{", 1);
    json_key(b, "type", 1);
    json_str(b, types[blk->type]);
    switch (blk->type) {
    case DVK_DOC_HEADING:
        json_key(b, "level", 0);
        printf_(b, "%d", blk->level);
        json_key(b, "text", 0);
        json_str(b, blk->text);
        break;
    case DVK_DOC_PARAGRAPH:
        json_key(b, "style", 0);
        json_str(b, style_names(blk->style, buf, sizeof buf));
        json_key(b, "text", 0);
        json_str(b, blk->text);
        break;
    case DVK_DOC_KV:
        json_key(b, "items", 0);
        put(b, "[", 1);
        for (size_t i = 0; i < blk->nitems; i++) {
            if (i)
                put(b, ",", 1);
            put(b, "[", 1);
            json_str(b, blk->keys[i]);
            put(b, ",", 1);
            json_str(b, blk->values[i]);
            put(b, "]", 1);
        }
        put(b, "]", 1);
        break;
    case DVK_DOC_TABLE: {
        const dvk_doc_table *t = blk->table;
        json_key(b, "title", 0);
        json_str(b, t->title);
        json_key(b, "columns", 0);
        put(b, "[", 1);
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                put(b, ",", 1);
            put(b, "{", 1);
            json_key(b, "id", 1);
            json_str(b, t->cols[c].id);
            json_key(b, "title", 0);
            json_str(b, t->cols[c].title);
            json_key(b, "type", 0);
            json_str(b, dvk_doc_col_type_name(t->cols[c].type));
            if (t->cols[c].width > 0) {
                json_key(b, "width", 0);
                printf_(b, "%d", t->cols[c].width);
            }
            put(b, "}", 1);
        }
        put(b, "]", 1);
        json_key(b, "rows", 0);
        puts_(b, "[");
        for (size_t r = 0; r < t->nrows; r++) {
            puts_(b, r ? ",\n" : "\n");
            json_cells(b, &t->cells[r * t->ncols], t->ncols);
        }
        puts_(b, "]");
        json_key(b, "totals", 0);
        if (t->totals)
            json_cells(b, t->totals, t->ncols);
        else
            puts_(b, "null");
        json_key(b, "footnotes", 0);
        json_strv(b, t->footnotes, t->nfootnotes);
        break;
    }
    case DVK_DOC_CHART: {
        const dvk_doc_chart *ch = blk->chart;
        json_key(b, "chart", 0);
        json_str(b, ch->stacked ? "stacked" : "bar");
        json_key(b, "title", 0);
        json_str(b, ch->title);
        json_key(b, "categories", 0);
        json_strv(b, ch->categories, ch->ncats);
        json_key(b, "series", 0);
        put(b, "[", 1);
        for (size_t s = 0; s < ch->nseries; s++) {
            if (s)
                put(b, ",", 1);
            put(b, "{", 1);
            json_key(b, "name", 1);
            json_str(b, ch->series[s].name);
            json_key(b, "values", 0);
            put(b, "[", 1);
            for (size_t i = 0; i < ch->ncats; i++) {
                if (i)
                    put(b, ",", 1);
                dvk_render_number(ch->series[s].values[i], buf, sizeof buf);
                puts_(b, buf);
            }
            put(b, "]}", 2);
        }
        put(b, "]", 1);
        break;
    }
    case DVK_DOC_PAGE_BREAK:
        break;
    case DVK_DOC_LETTERHEAD: {
        const dvk_doc_letterhead *l = blk->letterhead;
        json_key(b, "family", 0);
        json_str(b, l->family == DVK_DOC_PARTY ? "party" : "state");
        json_key(b, "parent_issuer", 0);
        json_str(b, l->parent_issuer);
        json_key(b, "issuer", 0);
        json_str(b, l->issuer);
        json_key(b, "number", 0);
        json_str(b, l->number);
        json_key(b, "symbol", 0);
        json_str(b, l->symbol);
        json_key(b, "place", 0);
        json_str(b, l->place);
        json_key(b, "date", 0);
        json_str(b, l->date);
        break;
    }
    case DVK_DOC_SIGNATURE:
        json_key(b, "on_behalf", 0);
        json_str(b, blk->signature->on_behalf);
        json_key(b, "title", 0);
        json_str(b, blk->signature->title);
        json_key(b, "name", 0);
        json_str(b, blk->signature->name);
        break;
    case DVK_DOC_RECIPIENTS:
        json_key(b, "items", 0);
        json_strv(b, blk->values, blk->nitems);
        break;
    }
    put(b, "}", 1);
}

static void render_json(const dvk_doc *doc, obuf *b)
{
    puts_(b, "{");
    json_key(b, "title", 1);
    json_str(b, dvk_doc_title(doc));
    json_key(b, "blocks", 0);
    puts_(b, "[");
    for (size_t i = 0; i < dvk_doc_count(doc); i++) {
        puts_(b, i ? ",\n" : "\n");
        json_block(b, dvk_doc_block_at(doc, i));
    }
    puts_(b, "]}\n");
}

/* ---- entry points -------------------------------------------------------------------- */

int dvk_render_buffer(const dvk_doc *doc, dvk_format f, char **out, size_t *len,
                      dvk_error *err)
{
    obuf b = {0};
    int rc = DVK_OK;
    *out = NULL;
    if (len)
        *len = 0;
    switch (f) {
    case DVK_FORMAT_MD: render_md(doc, &b); break;
    case DVK_FORMAT_HTML: render_html(doc, &b); break;
    case DVK_FORMAT_CSV: rc = render_csv(doc, &b, err); break;
    case DVK_FORMAT_JSON: render_json(doc, &b); break;
    case DVK_FORMAT_XLSX:
    default:
        return dvk_error_set(err, DVK_EUSAGE, "format %s cannot be rendered into memory",
                             dvk_render_format_name(f));
    }
    if (rc == DVK_OK && b.oom)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory rendering the report");
    if (rc == DVK_OK && !b.p) {
        b.p = calloc(1, 1);
        if (!b.p)
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    if (rc != DVK_OK) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    if (len)
        *len = b.len;
    return DVK_OK;
}

/* Write to a device or pipe (/dev/null, /dev/stdout, a FIFO) in place: renaming a finished
 * file over it would replace the device. XLSX goes through a temporary file first. */
static int render_in_place(const dvk_doc *doc, dvk_format f, const char *path, dvk_error *err)
{
    char tmp[4096] = "";
    char *data = NULL;
    size_t len = 0;
    int rc;
    if (f == DVK_FORMAT_XLSX) {
        const char *dir = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/dvk-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(tmp);
        if (fd < 0)
            return dvk_error_set(err, DVK_EIO, "%s: cannot create a temporary file (%s)", tmp,
                                 strerror(errno));
        close(fd);
        if ((rc = dvk_render_xlsx(doc, tmp, err)) == DVK_OK) {
            FILE *in = fopen(tmp, "rb");
            size_t cap = 0, n;
            do {
                if (!in || (len == cap && !(data = realloc(data, cap = cap ? cap * 2 : 1 << 16)))) {
                    rc = dvk_error_set(err, DVK_EIO, "%s: cannot read the workbook back", tmp);
                    break;
                }
                n = fread(data + len, 1, cap - len, in);
                len += n;
            } while (n > 0);
            if (in)
                fclose(in);
        }
        remove(tmp);
    } else {
        rc = dvk_render_buffer(doc, f, &data, &len, err);
    }
    if (rc == DVK_OK) {
        FILE *fp = fopen(path, "wb");
        if (!fp)
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", path, strerror(errno));
        else if ((fwrite(data, 1, len, fp) != len) | (fclose(fp) != 0))
            rc = dvk_error_set(err, DVK_EIO, "%s: write failed (%s)", path, strerror(errno));
    }
    free(data);
    return rc;
}

int dvk_render_file(const dvk_doc *doc, dvk_format f, const char *path, dvk_error *err)
{
    int rc = DVK_OK;
    char *data = NULL;
    size_t len = 0;
    FILE *fp = NULL;
    char *target;
    int in_place;
    if ((rc = dvk_paths_output(path, &target, &in_place, err)) != DVK_OK)
        return rc;
    if (in_place) {
        rc = render_in_place(doc, f, target, err);
        free(target);
        return rc;
    }
    path = target; /* a link is followed: the file it names is replaced, not the link */
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp) {
        free(target);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    if (f == DVK_FORMAT_XLSX) {
        if ((rc = dvk_render_xlsx(doc, tmp, err)) != DVK_OK)
            goto done;
    } else {
        if ((rc = dvk_render_buffer(doc, f, &data, &len, err)) != DVK_OK)
            goto done;
        fp = fopen(tmp, "wb");
        if (!fp) {
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", tmp, strerror(errno));
            goto done;
        }
        if (fwrite(data, 1, len, fp) != len || fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
            rc = dvk_error_set(err, DVK_EIO, "%s: write failed (%s)", tmp, strerror(errno));
            goto done;
        }
        int c = fclose(fp);
        fp = NULL;
        if (c != 0) {
            rc = dvk_error_set(err, DVK_EIO, "%s: write failed (%s)", tmp, strerror(errno));
            goto done;
        }
    }
    if (rename(tmp, path) != 0)
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot rename to %s (%s)", tmp, path,
                           strerror(errno));
done:
    if (fp)
        fclose(fp);
    if (rc != DVK_OK)
        remove(tmp);
    free(tmp);
    free(data);
    free(target);
    return rc;
}

int dvk_render_stream(const dvk_doc *doc, dvk_format f, FILE *out, dvk_error *err)
{
    if (f != DVK_FORMAT_XLSX) {
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
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/dvk-report-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return dvk_error_set(err, DVK_EIO, "%s: cannot create a temporary file (%s)", path,
                             strerror(errno));
    close(fd);
    int rc = dvk_render_xlsx(doc, path, err);
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
    return rc;
}
