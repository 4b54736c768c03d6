/* doc.c: the report document (an ordered list of blocks, see doc.h) and how its cells read
 * to people. The model only: the Lua `doc` object report scripts write into is lua/doc.c. */
#include "dvk/doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/format.h"
#include "dvk/text.h"

struct dvk_doc {
    char *title;
    dvk_doc_style style;        /* zeros and recipients_fmt -1: the family's defaults */
    dvk_doc_block *blocks;
    size_t n, cap;
    size_t bytes;               /* what the document holds, approximately */
};

/* ---- memory: every allocation is counted against DVK_DOC_MAX_BYTES ------------------ */

static int charge(dvk_doc *doc, size_t n, dvk_error *err)
{
    if (n > DVK_DOC_MAX_BYTES || doc->bytes > DVK_DOC_MAX_BYTES - n)
        return dvk_error_set(err, DVK_ENOMEM, "document too large (over %zu MiB)",
                             DVK_DOC_MAX_BYTES >> 20);
    doc->bytes += n;
    return DVK_OK;
}

static void *doc_calloc(dvk_doc *doc, size_t count, size_t size, dvk_error *err)
{
    if (size && count > DVK_DOC_MAX_BYTES / size) {
        dvk_error_set(err, DVK_ENOMEM, "document too large");
        return NULL;
    }
    if (charge(doc, count * size, err) != DVK_OK)
        return NULL;
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) {
        doc->bytes -= count * size;
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    return p;
}

/* Grow *arr (of elem-sized items, *cap of them) to hold need items. */
static int doc_grow(dvk_doc *doc, void **arr, size_t *cap, size_t need, size_t elem,
                    dvk_error *err)
{
    if (need <= *cap)
        return DVK_OK;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need)
        ncap *= 2;
    if (ncap > DVK_DOC_MAX_BYTES / elem)
        return dvk_error_set(err, DVK_ENOMEM, "document too large");
    if (charge(doc, (ncap - *cap) * elem, err) != DVK_OK)
        return err ? err->code : DVK_ENOMEM;
    void *p = realloc(*arr, ncap * elem);
    if (!p) {
        doc->bytes -= (ncap - *cap) * elem;
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
    *arr = p;
    *cap = ncap;
    return DVK_OK;
}

/* A counted NFC copy of s (NULL is taken as ""). Invalid UTF-8 is DVK_EDATA. */
static char *doc_str(dvk_doc *doc, const char *s, dvk_error *err)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    int ascii = 1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80) {
            ascii = 0;
            break;
        }
    char *out;
    if (ascii) {
        out = malloc(len + 1);
        if (out)
            memcpy(out, s, len + 1);
    } else {
        if (!dvk_text_valid_utf8(s, len)) {
            dvk_error_set(err, DVK_EDATA, "text is not valid UTF-8 (%.40s)", s);
            return NULL;
        }
        out = dvk_text_nfc(s, len);
    }
    if (!out) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        return NULL;
    }
    if (charge(doc, strlen(out) + 1, err) != DVK_OK) {
        free(out);
        return NULL;
    }
    return out;
}

/* ---- the document ------------------------------------------------------------------ */

dvk_doc *dvk_doc_new(void)
{
    dvk_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return NULL;
    doc->title = calloc(1, 1);
    if (!doc->title) {
        free(doc);
        return NULL;
    }
    doc->style.recipients_fmt = -1;
    return doc;
}

static void free_strv(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_table(dvk_doc_table *t)
{
    if (!t)
        return;
    free(t->title);
    for (size_t c = 0; c < t->ncols; c++) {
        free(t->cols[c].id);
        free(t->cols[c].title);
    }
    free(t->cols);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    if (t->totals)
        for (size_t c = 0; c < t->ncols; c++)
            free(t->totals[c].text);
    free(t->totals);
    free_strv(t->footnotes, t->nfootnotes);
    free(t);
}

static void free_chart(dvk_doc_chart *c)
{
    if (!c)
        return;
    free(c->title);
    free_strv(c->categories, c->ncats);
    for (size_t i = 0; i < c->nseries; i++) {
        free(c->series[i].name);
        free(c->series[i].values);
    }
    free(c->series);
    free(c);
}

static void free_block(dvk_doc_block *b)
{
    free(b->text);
    free_strv(b->keys, b->nitems);
    free_strv(b->values, b->nitems);
    free_table(b->table);
    free_chart(b->chart);
    if (b->letterhead) {
        dvk_doc_letterhead *l = b->letterhead;
        free(l->parent_issuer);
        free(l->issuer);
        free(l->number);
        free(l->symbol);
        free(l->place);
        free(l->date);
        free(l);
    }
    if (b->signature) {
        free(b->signature->on_behalf);
        free(b->signature->title);
        free(b->signature->name);
        free(b->signature);
    }
    memset(b, 0, sizeof *b);
}

void dvk_doc_free(dvk_doc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->n; i++)
        free_block(&doc->blocks[i]);
    free(doc->blocks);
    free(doc->title);
    free(doc);
}

int dvk_doc_set_title(dvk_doc *doc, const char *title, dvk_error *err)
{
    char *t = doc_str(doc, title, err);
    if (!t)
        return err ? err->code : DVK_ENOMEM;
    free(doc->title);
    doc->title = t;
    return DVK_OK;
}

const char *dvk_doc_title(const dvk_doc *doc) { return doc->title; }

int dvk_doc_set_style(dvk_doc *doc, const dvk_doc_style *st, dvk_error *err)
{
    const int pts[] = {st->body_pt, st->name_pt, st->recipients_pt, st->recipient_items_pt};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
        if (pts[i] != 0 && (pts[i] < 8 || pts[i] > 28))
            return dvk_error_set(err, DVK_EDATA, "a size of %d pt (use 8 to 28)", pts[i]);
    if (st->recipients_fmt < -1 || st->recipients_fmt > 7)
        return dvk_error_set(err, DVK_EDATA, "bad recipients format %d", st->recipients_fmt);
    doc->style = *st;
    return DVK_OK;
}

dvk_doc_style dvk_doc_style_of(const dvk_doc *doc)
{
    int party = 0;
    for (size_t i = 0; i < doc->n; i++)
        if (doc->blocks[i].type == DVK_DOC_LETTERHEAD) {
            party = doc->blocks[i].letterhead->family == DVK_DOC_PARTY;
            break;
        }
    /* Decree 30/2020 (State); Party documents: the name 16 pt, "Nơi nhận:" underlined */
    dvk_doc_style d = {14, party ? 16 : 14, party ? 14 : 12, party ? 12 : 11,
                       party ? DVK_STYLE_UNDERLINE : DVK_STYLE_BOLD | DVK_STYLE_ITALIC};
    const dvk_doc_style *s = &doc->style;
    if (s->body_pt)
        d.body_pt = s->body_pt;
    if (s->name_pt)
        d.name_pt = s->name_pt;
    if (s->recipients_pt)
        d.recipients_pt = s->recipients_pt;
    if (s->recipient_items_pt)
        d.recipient_items_pt = s->recipient_items_pt;
    if (s->recipients_fmt >= 0)
        d.recipients_fmt = s->recipients_fmt;
    return d;
}
size_t dvk_doc_count(const dvk_doc *doc) { return doc->n; }
size_t dvk_doc_bytes(const dvk_doc *doc) { return doc->bytes; }

const dvk_doc_block *dvk_doc_block_at(const dvk_doc *doc, size_t i)
{
    return i < doc->n ? &doc->blocks[i] : NULL;
}

/* Reserve room for one more block; the caller fills blocks[n] and then increments n. */
static dvk_doc_block *next_block(dvk_doc *doc, dvk_doc_block_type type, dvk_error *err)
{
    if (doc_grow(doc, (void **)&doc->blocks, &doc->cap, doc->n + 1, sizeof *doc->blocks,
                 err) != DVK_OK)
        return NULL;
    dvk_doc_block *b = &doc->blocks[doc->n];
    memset(b, 0, sizeof *b);
    b->type = type;
    return b;
}

int dvk_doc_heading(dvk_doc *doc, const char *text, int level, dvk_error *err)
{
    if (level < 1 || level > 4)
        return dvk_error_set(err, DVK_EDATA, "heading level must be 1 to 4 (found %d)", level);
    dvk_doc_block *b = next_block(doc, DVK_DOC_HEADING, err);
    if (!b || !(b->text = doc_str(doc, text, err)))
        return err ? err->code : DVK_ENOMEM;
    b->level = level;
    doc->n++;
    return DVK_OK;
}

int dvk_doc_paragraph(dvk_doc *doc, const char *text, int style, dvk_error *err)
{
    dvk_doc_block *b = next_block(doc, DVK_DOC_PARAGRAPH, err);
    if (!b || !(b->text = doc_str(doc, text, err)))
        return err ? err->code : DVK_ENOMEM;
    b->style = style;
    doc->n++;
    return DVK_OK;
}

/* Copy n strings into a new counted vector. */
static char **doc_strv(dvk_doc *doc, size_t n, const char *const *v, dvk_error *err)
{
    char **out = doc_calloc(doc, n, sizeof *out, err);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(out[i] = doc_str(doc, v[i], err))) {
            free_strv(out, i);
            return NULL;
        }
    return out;
}

int dvk_doc_kv(dvk_doc *doc, size_t n, const char *const *keys, const char *const *values,
               dvk_error *err)
{
    dvk_doc_block *b = next_block(doc, DVK_DOC_KV, err);
    if (!b)
        return err ? err->code : DVK_ENOMEM;
    b->nitems = n;
    if (!(b->keys = doc_strv(doc, n, keys, err)) ||
        !(b->values = doc_strv(doc, n, values, err))) {
        free_block(b);
        return err ? err->code : DVK_ENOMEM;
    }
    doc->n++;
    return DVK_OK;
}

int dvk_doc_page_break(dvk_doc *doc, dvk_error *err)
{
    if (!next_block(doc, DVK_DOC_PAGE_BREAK, err))
        return err ? err->code : DVK_ENOMEM;
    doc->n++;
    return DVK_OK;
}

int dvk_doc_letterhead_add(dvk_doc *doc, const dvk_doc_letterhead *lh, dvk_error *err)
{
    if (lh->family != DVK_DOC_STATE && lh->family != DVK_DOC_PARTY)
        return dvk_error_set(err, DVK_EDATA, "letterhead family must be state or party");
    dvk_doc_block *b = next_block(doc, DVK_DOC_LETTERHEAD, err);
    if (!b || !(b->letterhead = doc_calloc(doc, 1, sizeof *b->letterhead, err)))
        return err ? err->code : DVK_ENOMEM;
    dvk_doc_letterhead *l = b->letterhead;
    l->family = lh->family;
    if (!(l->parent_issuer = doc_str(doc, lh->parent_issuer, err)) ||
        !(l->issuer = doc_str(doc, lh->issuer, err)) ||
        !(l->number = doc_str(doc, lh->number, err)) ||
        !(l->symbol = doc_str(doc, lh->symbol, err)) ||
        !(l->place = doc_str(doc, lh->place, err)) ||
        !(l->date = doc_str(doc, lh->date, err))) {
        free_block(b);
        return err ? err->code : DVK_ENOMEM;
    }
    doc->n++;
    return DVK_OK;
}

int dvk_doc_signature_add(dvk_doc *doc, const dvk_doc_signature *sig, dvk_error *err)
{
    dvk_doc_block *b = next_block(doc, DVK_DOC_SIGNATURE, err);
    if (!b || !(b->signature = doc_calloc(doc, 1, sizeof *b->signature, err)))
        return err ? err->code : DVK_ENOMEM;
    if (!(b->signature->on_behalf = doc_str(doc, sig->on_behalf, err)) ||
        !(b->signature->title = doc_str(doc, sig->title, err)) ||
        !(b->signature->name = doc_str(doc, sig->name, err))) {
        free_block(b);
        return err ? err->code : DVK_ENOMEM;
    }
    doc->n++;
    return DVK_OK;
}

int dvk_doc_recipients(dvk_doc *doc, size_t n, const char *const *items, dvk_error *err)
{
    dvk_doc_block *b = next_block(doc, DVK_DOC_RECIPIENTS, err);
    if (!b)
        return err ? err->code : DVK_ENOMEM;
    b->nitems = n;
    if (!(b->values = doc_strv(doc, n, items, err))) {
        b->nitems = 0;
        return err ? err->code : DVK_ENOMEM;
    }
    doc->n++;
    return DVK_OK;
}

/* ---- tables ------------------------------------------------------------------------ */

dvk_doc_table *dvk_doc_table_add(dvk_doc *doc, const char *title, dvk_error *err)
{
    dvk_doc_block *b = next_block(doc, DVK_DOC_TABLE, err);
    if (!b || !(b->table = doc_calloc(doc, 1, sizeof *b->table, err)))
        return NULL;
    if (!(b->table->title = doc_str(doc, title, err))) {
        free_block(b);
        return NULL;
    }
    doc->n++;
    return b->table;
}

int dvk_doc_table_column(dvk_doc *doc, dvk_doc_table *t, const char *id, const char *title,
                         dvk_doc_col_type type, int width, dvk_error *err)
{
    if (t->nrows > 0 || t->totals)
        return dvk_error_set(err, DVK_EDATA, "columns must be added before the rows");
    if ((int)type < DVK_COL_TEXT || type > DVK_COL_MONEY)
        return dvk_error_set(err, DVK_EDATA, "unknown column type (%d)", (int)type);
    if (width < 0 || width > 255)
        return dvk_error_set(err, DVK_EDATA, "column width must be 0 to 255 (found %d)", width);
    size_t cap = t->ncols;
    if (doc_grow(doc, (void **)&t->cols, &cap, t->ncols + 1, sizeof *t->cols, err) != DVK_OK)
        return err ? err->code : DVK_ENOMEM;
    /* doc_grow over-allocates; keep the exact count as the capacity next time by
     * re-growing from ncols (cheap: tables have few columns). */
    dvk_doc_column *c = &t->cols[t->ncols];
    if (!(c->id = doc_str(doc, id, err)) || !(c->title = doc_str(doc, title ? title : id, err))) {
        free(c->id);
        c->id = NULL;
        return err ? err->code : DVK_ENOMEM;
    }
    c->type = type;
    c->width = width;
    t->ncols++;
    return DVK_OK;
}

int dvk_doc_table_row(dvk_doc *doc, dvk_doc_table *t, size_t *row, dvk_error *err)
{
    if (t->ncols == 0)
        return dvk_error_set(err, DVK_EDATA, "a table needs columns before rows");
    size_t cap_cells = t->cap * t->ncols;
    size_t need = (t->nrows + 1) * t->ncols;
    if (need > cap_cells) {
        size_t ncap = t->cap ? t->cap * 2 : 16;
        if (ncap > DVK_DOC_MAX_BYTES / (t->ncols * sizeof *t->cells))
            return dvk_error_set(err, DVK_ENOMEM, "document too large");
        size_t grow = (ncap - t->cap) * t->ncols * sizeof *t->cells;
        if (charge(doc, grow, err) != DVK_OK)
            return err ? err->code : DVK_ENOMEM;
        dvk_doc_cell *p = realloc(t->cells, ncap * t->ncols * sizeof *t->cells);
        if (!p) {
            doc->bytes -= grow;
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        }
        t->cells = p;
        t->cap = ncap;
    }
    memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cells);
    if (row)
        *row = t->nrows;
    t->nrows++;
    return DVK_OK;
}

static dvk_doc_cell *cell_at(dvk_doc_table *t, size_t row, size_t col, dvk_error *err)
{
    if (col >= t->ncols) {
        dvk_error_set(err, DVK_EDATA, "no column %zu (the table has %zu)", col + 1, t->ncols);
        return NULL;
    }
    if (row == DVK_DOC_TOTALS) {
        if (!t->totals)
            dvk_error_set(err, DVK_EDATA, "the table has no totals row");
        return t->totals ? &t->totals[col] : NULL;
    }
    if (row >= t->nrows) {
        dvk_error_set(err, DVK_EDATA, "no row %zu (the table has %zu)", row + 1, t->nrows);
        return NULL;
    }
    return &t->cells[row * t->ncols + col];
}

const dvk_doc_cell *dvk_doc_table_cell(const dvk_doc_table *t, size_t row, size_t col)
{
    return cell_at((dvk_doc_table *)t, row, col, NULL);
}

int dvk_doc_table_text(dvk_doc *doc, dvk_doc_table *t, size_t row, size_t col,
                       const char *text, dvk_error *err)
{
    dvk_doc_cell *c = cell_at(t, row, col, err);
    if (!c)
        return err ? err->code : DVK_EDATA;
    char *s = doc_str(doc, text, err);
    if (!s)
        return err ? err->code : DVK_ENOMEM;
    free(c->text);
    c->text = s;
    c->kind = DVK_CELL_TEXT;
    return DVK_OK;
}

int dvk_doc_table_number(dvk_doc *doc, dvk_doc_table *t, size_t row, size_t col, double v,
                         dvk_error *err)
{
    if (!isfinite(v))
        return dvk_error_set(err, DVK_EDATA, "column %zu: a cell must be a finite number", col + 1);
    dvk_doc_cell *c = cell_at(t, row, col, err);
    if (!c)
        return err ? err->code : DVK_EDATA;
    free(c->text);
    c->text = NULL;
    c->kind = DVK_CELL_NUMBER;
    c->num = v;
    return DVK_OK;
}

int dvk_doc_table_totals(dvk_doc *doc, dvk_doc_table *t, dvk_error *err)
{
    if (t->totals)
        return DVK_OK;
    if (t->ncols == 0)
        return dvk_error_set(err, DVK_EDATA, "a table needs columns before its totals");
    t->totals = doc_calloc(doc, t->ncols, sizeof *t->totals, err);
    return t->totals ? DVK_OK : (err ? err->code : DVK_ENOMEM);
}

int dvk_doc_table_sum(dvk_doc *doc, dvk_doc_table *t, const char *label, dvk_error *err)
{
    int rc = dvk_doc_table_totals(doc, t, err);
    if (rc != DVK_OK)
        return rc;
    int labelled = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        dvk_doc_col_type ty = t->cols[c].type;
        if (ty == DVK_COL_INT || ty == DVK_COL_NUM || ty == DVK_COL_MONEY) {
            double s = 0;
            for (size_t r = 0; r < t->nrows; r++) {
                const dvk_doc_cell *x = &t->cells[r * t->ncols + c];
                if (x->kind == DVK_CELL_NUMBER)
                    s += x->num;
            }
            if ((rc = dvk_doc_table_number(doc, t, DVK_DOC_TOTALS, c, s, err)) != DVK_OK)
                return rc;
        } else if (ty == DVK_COL_TEXT && !labelled && label) {
            if ((rc = dvk_doc_table_text(doc, t, DVK_DOC_TOTALS, c, label, err)) != DVK_OK)
                return rc;
            labelled = 1;
        }
    }
    return DVK_OK;
}

int dvk_doc_table_footnote(dvk_doc *doc, dvk_doc_table *t, const char *text, dvk_error *err)
{
    size_t cap = t->nfootnotes;
    char *s = doc_str(doc, text, err);
    if (!s)
        return err ? err->code : DVK_ENOMEM;
    if (doc_grow(doc, (void **)&t->footnotes, &cap, t->nfootnotes + 1, sizeof *t->footnotes,
                 err) != DVK_OK) {
        free(s);
        return err ? err->code : DVK_ENOMEM;
    }
    t->footnotes[t->nfootnotes++] = s;
    return DVK_OK;
}

/* ---- charts ------------------------------------------------------------------------ */

dvk_doc_chart *dvk_doc_chart_add(dvk_doc *doc, int stacked, const char *title, dvk_error *err)
{
    dvk_doc_block *b = next_block(doc, DVK_DOC_CHART, err);
    if (!b || !(b->chart = doc_calloc(doc, 1, sizeof *b->chart, err)))
        return NULL;
    b->chart->stacked = stacked ? 1 : 0;
    if (!(b->chart->title = doc_str(doc, title, err))) {
        free_block(b);
        return NULL;
    }
    doc->n++;
    return b->chart;
}

int dvk_doc_chart_category(dvk_doc *doc, dvk_doc_chart *c, const char *name, dvk_error *err)
{
    if (c->nseries > 0)
        return dvk_error_set(err, DVK_EDATA, "categories must be added before the series");
    if (c->ncats >= DVK_DOC_CHART_CATEGORIES)
        return dvk_error_set(err, DVK_EDATA, "a chart has at most %d categories (one A4 page)",
                             DVK_DOC_CHART_CATEGORIES);
    size_t cap = c->ncats;
    char *s = doc_str(doc, name, err);
    if (!s)
        return err ? err->code : DVK_ENOMEM;
    if (doc_grow(doc, (void **)&c->categories, &cap, c->ncats + 1, sizeof *c->categories,
                 err) != DVK_OK) {
        free(s);
        return err ? err->code : DVK_ENOMEM;
    }
    c->categories[c->ncats++] = s;
    return DVK_OK;
}

int dvk_doc_chart_series(dvk_doc *doc, dvk_doc_chart *c, const char *name,
                         const double *values, size_t n, dvk_error *err)
{
    if (n != c->ncats)
        return dvk_error_set(err, DVK_EDATA,
                             "series '%s' has %zu values for %zu categories", name, n, c->ncats);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(values[i]))
            return dvk_error_set(err, DVK_EDATA, "series '%s': value %zu is not a finite number",
                                 name, i + 1);
    if (c->nseries >= DVK_DOC_CHART_SERIES || (c->nseries + 1) * n > DVK_DOC_CHART_BARS)
        return dvk_error_set(err, DVK_EDATA, "a chart has at most %d series and %d bars in all "
                             "(one A4 page); series '%s' would make %zu", DVK_DOC_CHART_SERIES,
                             DVK_DOC_CHART_BARS, name, c->nseries + 1 > DVK_DOC_CHART_SERIES
                             ? c->nseries + 1 : (c->nseries + 1) * n);
    size_t cap = c->nseries;
    if (doc_grow(doc, (void **)&c->series, &cap, c->nseries + 1, sizeof *c->series, err) !=
        DVK_OK)
        return err ? err->code : DVK_ENOMEM;
    dvk_doc_series *s = &c->series[c->nseries];
    if (!(s->name = doc_str(doc, name, err)))
        return err ? err->code : DVK_ENOMEM;
    if (!(s->values = doc_calloc(doc, n, sizeof *s->values, err))) {
        free(s->name);
        s->name = NULL;
        return err ? err->code : DVK_ENOMEM;
    }
    if (n)
        memcpy(s->values, values, n * sizeof *values);
    c->nseries++;
    return DVK_OK;
}

/* ---- names ------------------------------------------------------------------------- */

static const char *const col_type_names[] = {"text", "int", "num", "pct", "money"};

const char *dvk_doc_col_type_name(dvk_doc_col_type t)
{
    return (int)t >= 0 && t <= DVK_COL_MONEY ? col_type_names[t] : "?";
}

int dvk_doc_col_type_parse(const char *name)
{
    for (int i = 0; i <= DVK_COL_MONEY; i++)
        if (strcmp(name, col_type_names[i]) == 0)
            return i;
    return -1;
}

int dvk_doc_style_parse(const char *s)
{
    static const struct { const char *name; int bit; } words[] = {
        {"normal", DVK_DOC_NORMAL}, {"italic", DVK_DOC_ITALIC}, {"bold", DVK_DOC_BOLD},
        {"center", DVK_DOC_CENTER}, {"right", DVK_DOC_RIGHT},
    };
    int style = 0;
    while (*s) {
        size_t n = strcspn(s, " ,");
        if (n > 0) {
            size_t i;
            for (i = 0; i < sizeof words / sizeof words[0]; i++)
                if (strlen(words[i].name) == n && strncmp(words[i].name, s, n) == 0)
                    break;
            if (i == sizeof words / sizeof words[0])
                return -1;
            style |= words[i].bit;
        }
        s += n;
        if (*s)
            s++;
    }
    if ((style & DVK_DOC_CENTER) && (style & DVK_DOC_RIGHT))
        return -1;
    return style;
}

/* ---- cells as people read them --------------------------------------------------------- */

const char *dvk_doc_cell_text(const dvk_doc_column *col, const dvk_doc_cell *cell, char *buf,
                              size_t n)
{
    if (n == 0)
        return "";
    buf[0] = '\0';
    if (!cell || cell->kind == DVK_CELL_EMPTY)
        return buf;
    if (cell->kind == DVK_CELL_TEXT)
        return cell->text;
    double v = cell->num;
    if (!isfinite(v))   /* only sums made here can overflow (a cell never holds one) */
        return buf;
    switch (col->type) {
    case DVK_COL_PCT:
        dvk_format_vi(v, 1, 1, buf, n);   /* "50,0%": a percentage keeps its decimal */
        if (strlen(buf) + 2 <= n)
            strcat(buf, "%");
        break;
    case DVK_COL_NUM:
        dvk_format_vi(v, 2, 0, buf, n);
        break;
    case DVK_COL_TEXT:
        /* a fraction in a text column is shown as written, a whole number like an int */
        if (v != floor(v))
            dvk_format_plain(v, buf, n);
        else
            dvk_format_vi(v, 0, 0, buf, n);
        break;
    case DVK_COL_INT:
    case DVK_COL_MONEY:
    default:
        dvk_format_vi(v, 0, 0, buf, n);
        break;
    }
    return buf;
}
