/* doc.c: the report document (an ordered list of blocks, see doc.h) and its Lua binding,
 * the `doc` object report scripts write into. */
#include "dvk/doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/text.h"

struct dvk_doc {
    char *title;
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

/* ---- the Lua `doc` object ---------------------------------------------------------- */

#define DOC_MT "dvk.doc"

typedef struct doc_ud {
    dvk_doc *doc;
} doc_ud;

static dvk_doc *check_doc(lua_State *L)
{
    doc_ud *u = luaL_checkudata(L, 1, DOC_MT);
    if (!u->doc)
        luaL_error(L, "document is closed (a report's doc lives only while the report runs)");
    return u->doc;
}

/* Raise err as a Lua error prefixed with the method name, at the caller's line. */
static int raise(lua_State *L, const char *method, const dvk_error *err)
{
    return luaL_error(L, "doc:%s: %s", method, err->msg);
}

/* The string at idx without embedded NULs; numbers are converted. what names it. */
static const char *check_text(lua_State *L, int idx, const char *method, const char *what)
{
    size_t len;
    int t = lua_type(L, idx);
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
        luaL_error(L, "doc:%s: %s must be a string (found %s)", method, what,
                   luaL_typename(L, idx));
    const char *s = lua_tolstring(L, idx, &len);
    if (strlen(s) != len)
        luaL_error(L, "doc:%s: %s contains a NUL byte", method, what);
    return s;
}

/* Optional string field key of the table at idx: NULL when absent. Leaves the value on
 * the stack (the caller pops it after copying) so the pointer stays valid. */
static const char *opt_field(lua_State *L, int idx, const char *key, const char *method)
{
    lua_getfield(L, idx, key);                                  /* ... v */
    if (lua_isnil(L, -1))
        return NULL;
    return check_text(L, -1, method, key);
}

/* Refuse keys of the options table at idx that are not in allowed (catches typos). Only
 * plain tables are checked; proxies pass through. */
static void check_keys(lua_State *L, int idx, const char *method, const char *const *allowed)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);                                             /* ... nil */
    while (lua_next(L, idx)) {                                  /* ... k v */
        int ok = 0;
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -2);
            for (int i = 0; allowed[i]; i++)
                if (strcmp(k, allowed[i]) == 0)
                    ok = 1;
            if (!ok)
                luaL_error(L, "doc:%s: unknown option '%s'", method, k);
        } else if (lua_type(L, -2) != LUA_TNUMBER) {
            luaL_error(L, "doc:%s: unexpected %s key", method, luaL_typename(L, -2));
        }
        lua_pop(L, 1);                                          /* ... k */
    }
}

static int l_title(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    dvk_error err;
    if (dvk_doc_set_title(doc, check_text(L, 2, "title", "the title"), &err) != DVK_OK)
        return raise(L, "title", &err);
    return 0;
}

static int l_heading(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    const char *text = check_text(L, 2, "heading", "the text");
    lua_Integer level = luaL_optinteger(L, 3, 1);
    dvk_error err;
    if (level < 1 || level > 4)
        return luaL_error(L, "doc:heading: level must be 1 to 4 (found %d)", (int)level);
    if (dvk_doc_heading(doc, text, (int)level, &err) != DVK_OK)
        return raise(L, "heading", &err);
    return 0;
}

static int l_paragraph(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    const char *text = check_text(L, 2, "paragraph", "the text");
    const char *st = luaL_optstring(L, 3, "normal");
    int style = dvk_doc_style_parse(st);
    dvk_error err;
    if (style < 0)
        return luaL_error(L, "doc:paragraph: unknown style '%s' (use normal, italic, bold, "
                             "center, right, or several joined by spaces)", st);
    if (dvk_doc_paragraph(doc, text, style, &err) != DVK_OK)
        return raise(L, "paragraph", &err);
    return 0;
}

/* Collect the strings of list table idx (1..#t) into a Lua-owned array of pointers whose
 * strings stay referenced from a new table pushed on the stack. Returns the count. */
static const char **list_strings(lua_State *L, int idx, const char *method, size_t *n)
{
    idx = lua_absindex(L, idx);
    lua_Integer len = luaL_len(L, idx);
    if (len < 0 || len > 1000000)
        luaL_error(L, "doc:%s: too many items (%d)", method, (int)len);
    const char **v = lua_newuserdatauv(L, (size_t)(len ? len : 1) * sizeof *v, 0); /* ... ud */
    lua_createtable(L, (int)len, 0);                            /* ... ud keep */
    for (lua_Integer i = 1; i <= len; i++) {
        char what[32];
        snprintf(what, sizeof what, "item %d", (int)i);
        lua_geti(L, idx, i);                                    /* ... ud keep s */
        v[i - 1] = check_text(L, -1, method, what);
        lua_rawseti(L, -2, i);                                  /* ... ud keep */
    }
    *n = (size_t)len;
    return v;
}

static int l_kv(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer len = luaL_len(L, 2);
    if (len < 0 || len > 100000)
        return luaL_error(L, "doc:kv: too many pairs (%d)", (int)len);
    const char **keys = lua_newuserdatauv(L, (size_t)(len ? len : 1) * sizeof *keys, 0);
    const char **vals = lua_newuserdatauv(L, (size_t)(len ? len : 1) * sizeof *vals, 0);
    lua_createtable(L, (int)(2 * len), 0);                      /* ud ud keep */
    int keep = lua_gettop(L);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_geti(L, 2, i);                                      /* ... pair */
        if (!lua_istable(L, -1))
            return luaL_error(L, "doc:kv: pair %d must be a table {key, value}", (int)i);
        lua_geti(L, -1, 1);                                     /* ... pair k */
        keys[i - 1] = check_text(L, -1, "kv", "a key");
        lua_rawseti(L, keep, 2 * i - 1);                        /* ... pair */
        lua_geti(L, -1, 2);                                     /* ... pair v */
        vals[i - 1] = lua_isnil(L, -1) ? "" : check_text(L, -1, "kv", "a value");
        lua_rawseti(L, keep, 2 * i);                            /* ... pair */
        lua_pop(L, 1);                                          /* ... */
    }
    dvk_error err;
    if (dvk_doc_kv(doc, (size_t)len, keys, vals, &err) != DVK_OK)
        return raise(L, "kv", &err);
    return 0;
}

static int l_page_break(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    dvk_error err;
    if (dvk_doc_page_break(doc, &err) != DVK_OK)
        return raise(L, "page_break", &err);
    return 0;
}

static int l_recipients(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t n;
    const char **items = list_strings(L, 2, "recipients", &n);
    dvk_error err;
    if (dvk_doc_recipients(doc, n, items, &err) != DVK_OK)
        return raise(L, "recipients", &err);
    return 0;
}

static int l_letterhead(lua_State *L)
{
    static const char *const keys[] = {"family", "issuer", "parent_issuer", "number",
                                       "symbol", "place", "date", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "letterhead", keys);
    int base = lua_gettop(L);
    const char *family = opt_field(L, 2, "family", "letterhead");
    dvk_doc_letterhead lh = {0};
    if (!family || strcmp(family, "state") == 0)
        lh.family = DVK_DOC_STATE;
    else if (strcmp(family, "party") == 0)
        lh.family = DVK_DOC_PARTY;
    else
        return luaL_error(L, "doc:letterhead: family must be 'state' or 'party' (found '%s')",
                          family);
    lh.issuer = (char *)opt_field(L, 2, "issuer", "letterhead");
    lh.parent_issuer = (char *)opt_field(L, 2, "parent_issuer", "letterhead");
    lh.number = (char *)opt_field(L, 2, "number", "letterhead");
    lh.symbol = (char *)opt_field(L, 2, "symbol", "letterhead");
    lh.place = (char *)opt_field(L, 2, "place", "letterhead");
    lh.date = (char *)opt_field(L, 2, "date", "letterhead");
    dvk_error err;
    if (dvk_doc_letterhead_add(doc, &lh, &err) != DVK_OK)
        return raise(L, "letterhead", &err);
    lua_settop(L, base);
    return 0;
}

static int l_signature(lua_State *L)
{
    static const char *const keys[] = {"on_behalf", "title", "name", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "signature", keys);
    dvk_doc_signature sig;
    sig.on_behalf = (char *)opt_field(L, 2, "on_behalf", "signature");
    sig.title = (char *)opt_field(L, 2, "title", "signature");
    sig.name = (char *)opt_field(L, 2, "name", "signature");
    dvk_error err;
    if (dvk_doc_signature_add(doc, &sig, &err) != DVK_OK)
        return raise(L, "signature", &err);
    return 0;
}

/* Set cell (row, col) of t from the Lua value at idx. */
static void set_cell(lua_State *L, dvk_doc *doc, dvk_doc_table *t, size_t row, size_t col,
                     int idx, const char *where)
{
    dvk_error err;
    int rc = DVK_OK;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return;
    case LUA_TNUMBER:
        if (t->cols[col].type == DVK_COL_TEXT) {
            char buf[64];
            if (lua_isinteger(L, idx))
                snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
            else
                snprintf(buf, sizeof buf, "%.14g", (double)lua_tonumber(L, idx));
            rc = dvk_doc_table_text(doc, t, row, col, buf, &err);
        } else {
            rc = dvk_doc_table_number(doc, t, row, col, (double)lua_tonumber(L, idx), &err);
        }
        break;
    case LUA_TSTRING:
        rc = dvk_doc_table_text(doc, t, row, col, check_text(L, idx, "table", "a cell"), &err);
        break;
    default:
        luaL_error(L, "doc:table: %s, column '%s': a cell must be a string, a number or nil "
                      "(found %s)", where, t->cols[col].id, luaL_typename(L, idx));
    }
    if (rc != DVK_OK)
        luaL_error(L, "doc:table: %s, column '%s': %s", where, t->cols[col].id, err.msg);
}

/* Fill row `row` of t from the Lua row table at idx: a list {v1, v2, ...} in column order,
 * or a record keyed by column id. */
static void fill_row(lua_State *L, dvk_doc *doc, dvk_doc_table *t, size_t row, int idx,
                     const char *where)
{
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx) && !lua_isuserdata(L, idx))
        luaL_error(L, "doc:table: %s must be a table (found %s)", where, luaL_typename(L, idx));
    /* Positional when any of [1..ncols] is set: # is unreliable with nil cells ({nil, "x"}). */
    int positional = 0;
    luaL_checkstack(L, 4, "doc:table");
    for (size_t c = 0; c < t->ncols && !positional; c++) {
        positional = lua_geti(L, idx, (lua_Integer)c + 1) != LUA_TNIL;  /* ... v */
        lua_pop(L, 1);                                          /* ... */
    }
    for (size_t c = 0; c < t->ncols; c++) {
        if (positional)
            lua_geti(L, idx, (lua_Integer)c + 1);               /* ... v */
        else
            lua_getfield(L, idx, t->cols[c].id);                /* ... v */
        set_cell(L, doc, t, row, c, -1, where);
        lua_pop(L, 1);                                          /* ... */
    }
}

static int l_table(lua_State *L)
{
    static const char *const keys[] = {"title", "columns", "rows", "totals", "footnotes", NULL};
    static const char *const colkeys[] = {"id", "title", "type", "width", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "table", keys);
    dvk_error err;
    const char *title = opt_field(L, 2, "title", "table");      /* title */
    lua_getfield(L, 2, "columns");                              /* title cols */
    if (!lua_istable(L, -1))
        return luaL_error(L, "doc:table: columns must be a list of {id=, title=, type=}");
    int cols = lua_gettop(L);
    lua_Integer ncols = luaL_len(L, cols);
    if (ncols < 1 || ncols > 1000)
        return luaL_error(L, "doc:table: a table needs 1 to 1000 columns (found %d)", (int)ncols);
    dvk_doc_table *t = dvk_doc_table_add(doc, title, &err);
    if (!t)
        return raise(L, "table", &err);
    for (lua_Integer i = 1; i <= ncols; i++) {
        lua_geti(L, cols, i);                                   /* ... col */
        if (!lua_istable(L, -1))
            return luaL_error(L, "doc:table: column %d must be a table {id=, title=, type=}",
                              (int)i);
        check_keys(L, -1, "table", colkeys);
        int ci = lua_gettop(L);
        const char *id = opt_field(L, ci, "id", "table");        /* ... col id */
        if (!id)
            return luaL_error(L, "doc:table: column %d has no id", (int)i);
        const char *ctitle = opt_field(L, ci, "title", "table"); /* ... col id title */
        const char *ty = opt_field(L, ci, "type", "table");      /* ... col id title type */
        int type = ty ? dvk_doc_col_type_parse(ty) : DVK_COL_TEXT;
        if (type < 0)
            return luaL_error(L, "doc:table: column '%s': unknown type '%s' (use text, int, "
                                 "num, pct, money)", id, ty);
        lua_getfield(L, ci, "width");                            /* ... col id title type w */
        lua_Integer width = lua_isnil(L, -1) ? 0 : luaL_checkinteger(L, -1);
        if (width < 0 || width > 255)
            return luaL_error(L, "doc:table: column '%s': width must be 0 to 255", id);
        if (dvk_doc_table_column(doc, t, id, ctitle, (dvk_doc_col_type)type, (int)width,
                                 &err) != DVK_OK)
            return luaL_error(L, "doc:table: column '%s': %s", id, err.msg);
        lua_settop(L, cols);                                    /* title cols */
    }
    lua_getfield(L, 2, "rows");                                 /* title cols rows */
    if (!lua_isnil(L, -1)) {
        int rows = lua_gettop(L);
        lua_Integer nrows = luaL_len(L, rows);
        for (lua_Integer i = 1; i <= nrows; i++) {
            char where[32];
            size_t r;
            snprintf(where, sizeof where, "row %d", (int)i);
            if (dvk_doc_table_row(doc, t, &r, &err) != DVK_OK)
                return raise(L, "table", &err);
            lua_geti(L, rows, i);                               /* ... row */
            fill_row(L, doc, t, r, -1, where);
            lua_pop(L, 1);                                      /* ... */
        }
    }
    lua_getfield(L, 2, "totals");                               /* ... totals */
    if (lua_isboolean(L, -1)) {
        if (lua_toboolean(L, -1) && dvk_doc_table_sum(doc, t, "Tổng cộng", &err) != DVK_OK)
            return raise(L, "table", &err);
    } else if (!lua_isnil(L, -1)) {
        if (dvk_doc_table_totals(doc, t, &err) != DVK_OK)
            return raise(L, "table", &err);
        fill_row(L, doc, t, DVK_DOC_TOTALS, -1, "the totals row");
    }
    lua_getfield(L, 2, "footnotes");                            /* ... totals notes */
    if (!lua_isnil(L, -1)) {
        size_t n;
        const char **notes = list_strings(L, -1, "table", &n);  /* ... notes ud keep */
        for (size_t i = 0; i < n; i++)
            if (dvk_doc_table_footnote(doc, t, notes[i], &err) != DVK_OK)
                return raise(L, "table", &err);
    }
    return 0;
}

static int l_chart(lua_State *L)
{
    static const char *const keys[] = {"type", "title", "categories", "series", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "chart", keys);
    dvk_error err;
    const char *type = opt_field(L, 2, "type", "chart");        /* type */
    int stacked;
    if (!type || strcmp(type, "bar") == 0)
        stacked = 0;
    else if (strcmp(type, "stacked") == 0 || strcmp(type, "stacked-bar") == 0)
        stacked = 1;
    else
        return luaL_error(L, "doc:chart: unknown type '%s' (use bar or stacked)", type);
    const char *title = opt_field(L, 2, "title", "chart");      /* type title */
    lua_getfield(L, 2, "categories");                           /* type title cats */
    if (!lua_istable(L, -1))
        return luaL_error(L, "doc:chart: categories must be a list of names");
    size_t ncats;
    const char **cats = list_strings(L, -1, "chart", &ncats);   /* ... cats ud keep */
    dvk_doc_chart *c = dvk_doc_chart_add(doc, stacked, title, &err);
    if (!c)
        return raise(L, "chart", &err);
    for (size_t i = 0; i < ncats; i++)
        if (dvk_doc_chart_category(doc, c, cats[i], &err) != DVK_OK)
            return raise(L, "chart", &err);
    lua_getfield(L, 2, "series");                               /* ... series */
    if (!lua_istable(L, -1))
        return luaL_error(L, "doc:chart: series must be a list of {name=, values={}}");
    int series = lua_gettop(L);
    lua_Integer ns = luaL_len(L, series);
    double *vals = lua_newuserdatauv(L, (ncats ? ncats : 1) * sizeof *vals, 0); /* ... ud */
    for (lua_Integer i = 1; i <= ns; i++) {
        lua_geti(L, series, i);                                 /* ... ud s */
        if (!lua_istable(L, -1))
            return luaL_error(L, "doc:chart: series %d must be a table {name=, values={}}",
                              (int)i);
        int si = lua_gettop(L);
        const char *name = opt_field(L, si, "name", "chart");   /* ... ud s name */
        lua_getfield(L, si, "values");                          /* ... ud s name values */
        if (!lua_istable(L, -1))
            return luaL_error(L, "doc:chart: series %d: values must be a list of numbers", (int)i);
        lua_Integer nv = luaL_len(L, -1);
        if ((size_t)nv != ncats)
            return luaL_error(L, "doc:chart: series %d has %d values for %d categories", (int)i,
                              (int)nv, (int)ncats);
        for (lua_Integer k = 1; k <= nv; k++) {
            lua_geti(L, -1, k);                                 /* ... values v */
            if (!lua_isnumber(L, -1) || lua_type(L, -1) != LUA_TNUMBER)
                return luaL_error(L, "doc:chart: series %d, value %d must be a number",
                                  (int)i, (int)k);
            vals[k - 1] = (double)lua_tonumber(L, -1);
            lua_pop(L, 1);                                      /* ... values */
        }
        if (dvk_doc_chart_series(doc, c, name ? name : "", vals, ncats, &err) != DVK_OK)
            return raise(L, "chart", &err);
        lua_settop(L, series + 1);                              /* ... ud */
    }
    return 0;
}

static int l_tostring(lua_State *L)
{
    doc_ud *u = luaL_checkudata(L, 1, DOC_MT);
    if (u->doc)
        lua_pushfstring(L, "doc (%d blocks)", (int)u->doc->n);
    else
        lua_pushliteral(L, "doc (closed)");
    return 1;
}

static const luaL_Reg doc_methods[] = {
    {"title", l_title},
    {"heading", l_heading},
    {"paragraph", l_paragraph},
    {"kv", l_kv},
    {"table", l_table},
    {"chart", l_chart},
    {"page_break", l_page_break},
    {"letterhead", l_letterhead},
    {"signature", l_signature},
    {"recipients", l_recipients},
    {NULL, NULL},
};

void dvk_doc_push(lua_State *L, dvk_doc *doc)
{
    luaL_checkstack(L, 4, "dvk_doc_push");
    doc_ud *u = lua_newuserdatauv(L, sizeof *u, 0);             /* ud */
    u->doc = doc;
    if (luaL_newmetatable(L, DOC_MT)) {                         /* ud mt */
        luaL_newlib(L, doc_methods);                            /* ud mt methods */
        lua_setfield(L, -2, "__index");                         /* ud mt */
        lua_pushcfunction(L, l_tostring);                       /* ud mt f */
        lua_setfield(L, -2, "__tostring");                      /* ud mt */
        lua_pushliteral(L, "doc");                              /* ud mt s */
        lua_setfield(L, -2, "__metatable");                     /* ud mt */
    }
    lua_setmetatable(L, -2);                                    /* ud */
}

void dvk_doc_unbind(lua_State *L, int idx)
{
    doc_ud *u = luaL_testudata(L, idx, DOC_MT);
    if (u)
        u->doc = NULL;
}
