/* table.c: aligned, CSV, Markdown and JSON tables (see dvk/table.h). Widths are measured in
 * terminal columns (text.h), so "Nguyễn" lines up with "Nguyen"; CSV cells and JSON strings
 * are written by the engine's one CSV and one JSON writer. */
#include "dvk/table.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dvk/buf.h"
#include "dvk/csv.h"
#include "dvk/json.h"
#include "dvk/text.h"

#define CELL_MAX_WIDTH 60 /* aligned modes cut longer cells with an ellipsis */

struct dvk_table {
    int ncols;
    char **headers;
    char **cells;        /* rows * ncols, row-major; NULL = null */
    int rows, cap;
    long long total;     /* -1: rows */
    int limit;           /* 0: all */
    signed char *numeric; /* per column: -1 auto, 0 text, 1 numeric */
};

dvk_table *dvk_table_new(int ncols, const char *const *headers)
{
    if (ncols <= 0)
        return NULL;
    dvk_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->total = -1;
    t->headers = calloc((size_t)ncols, sizeof *t->headers);
    t->numeric = malloc((size_t)ncols);
    if (!t->headers || !t->numeric)
        goto fail;
    for (int i = 0; i < ncols; i++) {
        t->headers[i] = strdup(headers && headers[i] ? headers[i] : "");
        if (!t->headers[i])
            goto fail;
        t->numeric[i] = -1;
    }
    return t;
fail:
    dvk_table_free(t);
    return NULL;
}

void dvk_table_free(dvk_table *t)
{
    if (!t)
        return;
    if (t->headers)
        for (int i = 0; i < t->ncols; i++)
            free(t->headers[i]);
    if (t->cells)
        for (long i = 0; i < (long)t->rows * t->ncols; i++)
            free(t->cells[i]);
    free(t->headers);
    free(t->cells);
    free(t->numeric);
    free(t);
}

int dvk_table_add_row(dvk_table *t, const char *const *cells, dvk_error *err)
{
    if (t->rows == t->cap) {
        int cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof *grown);
        if (!grown)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory building a table");
        t->cells = grown;
        t->cap = cap;
    }
    char **row = t->cells + (size_t)t->rows * (size_t)t->ncols;
    for (int i = 0; i < t->ncols; i++) {
        row[i] = NULL;
        if (cells && cells[i] && !(row[i] = strdup(cells[i]))) {
            for (int j = 0; j < i; j++)
                free(row[j]);
            return dvk_error_set(err, DVK_ENOMEM, "out of memory building a table");
        }
    }
    t->rows++;
    return DVK_OK;
}

int dvk_table_rows(const dvk_table *t) { return t->rows; }
int dvk_table_cols(const dvk_table *t) { return t->ncols; }
void dvk_table_set_total(dvk_table *t, long long total) { t->total = total; }
void dvk_table_set_limit(dvk_table *t, int max_rows) { t->limit = max_rows > 0 ? max_rows : 0; }

void dvk_table_set_numeric(dvk_table *t, int col, int numeric)
{
    if (col >= 0 && col < t->ncols)
        t->numeric[col] = numeric ? 1 : 0;
}

static const char *cell(const dvk_table *t, int r, int c)
{
    return t->cells[(size_t)r * (size_t)t->ncols + (size_t)c];
}

/* A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? — so codes like "007" stay
 * text. */
static int is_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static int column_numeric(const dvk_table *t, int c)
{
    if (t->numeric[c] >= 0)
        return t->numeric[c];
    int seen = 0;
    for (int r = 0; r < t->rows; r++) {
        const char *v = cell(t, r, c);
        if (!v || !*v)
            continue;
        if (!is_number(v))
            return 0;
        seen = 1;
    }
    return seen;
}

/* 1 for a control character, which an aligned table shows as one space. */
static int is_control(char c) { return (unsigned char)c < 0x20 || c == 0x7f; }

int dvk_table_width(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    int controls = 0;   /* dvk_text_width counts them 0; they are shown as a space */
    for (size_t i = 0; i < n; i++)
        controls += is_control(s[i]);
    return (n ? dvk_text_width(s, n) : 0) + controls;
}

/* Width the cell takes in an aligned column (cut at CELL_MAX_WIDTH). */
static int shown_width(const char *s)
{
    int w = dvk_table_width(s);
    return w > CELL_MAX_WIDTH ? CELL_MAX_WIDTH : w;
}

/* Write s padded to width columns (left or right aligned); control characters become
 * spaces and cells wider than CELL_MAX_WIDTH are cut with "…". */
static void put_aligned(dvk_buf *out, const char *s, int width, int right)
{
    if (!s)
        s = "";
    int w = dvk_table_width(s);
    int cut = w > CELL_MAX_WIDTH;
    int room = cut ? CELL_MAX_WIDTH - 1 : w;
    int shown = 0;
    if (right)
        for (int i = cut ? CELL_MAX_WIDTH : w; i < width; i++)
            dvk_buf_addc(out, ' ');
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t at = i;   /* the code point s[at..i) (an invalid byte alone) */
        dvk_text_next(s, n, &i);
        int control = is_control(s[at]);   /* ASCII: one byte, one code point */
        int cw = control ? 1 : dvk_text_width(s + at, i - at);
        if (shown + cw > room)
            break;
        if (control)
            dvk_buf_addc(out, ' ');
        else
            dvk_buf_add(out, s + at, i - at);
        shown += cw;
    }
    if (cut) {
        /* Pad when a wide character did not fit in the last column. */
        for (; shown < room; shown++)
            dvk_buf_addc(out, ' ');
        dvk_buf_adds(out, "\xE2\x80\xA6"); /* … */
        shown++;
    }
    if (!right)
        for (; shown < width; shown++)
            dvk_buf_addc(out, ' ');
}

static void put_repeat(dvk_buf *out, const char *unit, int n)
{
    for (int i = 0; i < n; i++)
        dvk_buf_adds(out, unit);
}

static int shown_rows(const dvk_table *t)
{
    return t->limit > 0 && t->rows > t->limit ? t->limit : t->rows;
}

static long long left_out(const dvk_table *t)
{
    long long total = t->total >= 0 ? t->total : t->rows;
    long long left = total - shown_rows(t);
    return left > 0 ? left : 0;
}

/* Box rule: left, horizontal, junction, right. */
static void box_rule(dvk_buf *out, const int *w, int ncols, const char *l, const char *j,
                     const char *r)
{
    dvk_buf_adds(out, l);
    for (int c = 0; c < ncols; c++) {
        put_repeat(out, "\xE2\x94\x80", w[c] + 2); /* ─ */
        dvk_buf_adds(out, c + 1 < ncols ? j : r);
    }
    dvk_buf_addc(out, '\n');
}

static void write_aligned(const dvk_table *t, dvk_buf *out, int box, const int *w, const int *num)
{
    int n = shown_rows(t);
    const char *bar = "\xE2\x94\x82"; /* │ */
    if (box)
        box_rule(out, w, t->ncols, "\xE2\x94\x8C", "\xE2\x94\xAC", "\xE2\x94\x90"); /* ┌┬┐ */
    for (int r = -1; r < n; r++) {
        if (box)
            dvk_buf_printf(out, "%s ", bar);
        /* No trailing blanks in plain mode: stop after the last non-empty cell, and do not
         * pad it when it is left-aligned. Numeric columns are right-aligned, header too. */
        int end = t->ncols - 1;
        while (!box && end > 0 && r >= 0 && (!cell(t, r, end) || !*cell(t, r, end)))
            end--;
        for (int c = 0; c <= (box ? t->ncols - 1 : end); c++) {
            const char *v = r < 0 ? t->headers[c] : cell(t, r, c);
            int last = box ? c + 1 == t->ncols : c == end;
            int pad = !box && last && !num[c] ? 0 : w[c];
            put_aligned(out, v, pad, num[c]);
            if (box)
                dvk_buf_printf(out, " %s%s", bar, last ? "" : " ");
            else if (!last)
                dvk_buf_adds(out, "  ");
        }
        dvk_buf_addc(out, '\n');
        if (r < 0) {
            if (box)
                box_rule(out, w, t->ncols, "\xE2\x94\x9C", "\xE2\x94\xBC", "\xE2\x94\xA4"); /* ├┼┤ */
            else
                for (int c = 0; c < t->ncols; c++) {
                    put_repeat(out, "-", w[c]);
                    dvk_buf_adds(out, c + 1 < t->ncols ? "  " : "\n");
                }
        }
    }
    if (box)
        box_rule(out, w, t->ncols, "\xE2\x94\x94", "\xE2\x94\xB4", "\xE2\x94\x98"); /* └┴┘ */
    long long left = left_out(t);
    if (left > 0)
        dvk_buf_printf(out, box ? "\xE2\x80\xA6 %lld more row%s\n" : "... %lld more row%s\n", left,
                left == 1 ? "" : "s");
    else if (t->rows == 0)
        dvk_buf_adds(out, "(no rows)\n");
}

/* One row at a time through the one CSV cell writer (csv.h). A cell that is a number is
 * written as is; any other text, headers included (they come from user queries), gets the
 * formula rule, so "=2+3" is written '=2+3 and "-5" stays -5. DVK_ENOMEM. */
static void write_csv(const dvk_table *t, dvk_buf *out)
{
    for (int r = -1; r < t->rows && !out->oom; r++)
        for (int c = 0; c < t->ncols; c++) {
            const char *v = r < 0 ? t->headers[c] : cell(t, r, c);
            if (v)
                dvk_csv_cell(out, v, strlen(v), !is_number(v));
            dvk_buf_adds(out, c + 1 < t->ncols ? "," : "\r\n");
        }
}

static void md_cell(dvk_buf *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|' || *s == '\\')
            dvk_buf_addc(out, '\\');
        dvk_buf_addc(out, *s == '\n' || *s == '\r' ? ' ' : *s);
    }
}

static void write_markdown(const dvk_table *t, dvk_buf *out, const int *num)
{
    int n = shown_rows(t);
    for (int r = -1; r < n; r++) {
        dvk_buf_addc(out, '|');
        for (int c = 0; c < t->ncols; c++) {
            dvk_buf_addc(out, ' ');
            md_cell(out, r < 0 ? t->headers[c] : cell(t, r, c));
            dvk_buf_adds(out, " |");
        }
        dvk_buf_addc(out, '\n');
        if (r < 0) {
            dvk_buf_addc(out, '|');
            for (int c = 0; c < t->ncols; c++)
                dvk_buf_adds(out, num[c] ? " --: |" : " --- |");
            dvk_buf_addc(out, '\n');
        }
    }
    long long left = left_out(t);
    if (left > 0)
        dvk_buf_printf(out, "\n… %lld more row%s\n", left, left == 1 ? "" : "s");
}

/* An array of objects keyed by the headers, one row a line, through the one JSON writer
 * (json.h); a number in a numeric column is bare. DVK_ENOMEM. */
static void write_json(const dvk_table *t, dvk_buf *out, const int *num)
{
    dvk_buf_addc(out, '[');
    for (int r = 0; r < t->rows && !out->oom; r++) {
        dvk_buf *b = out;
        dvk_buf_adds(b, r ? ",\n {" : "\n {");
        for (int c = 0; c < t->ncols; c++) {
            const char *v = cell(t, r, c);
            if (c)
                dvk_buf_adds(b, ", ");
            dvk_json_strz(b, t->headers[c]);
            dvk_buf_adds(b, ": ");
            if (v && num[c] && is_number(v))
                dvk_buf_adds(b, v);
            else
                dvk_json_strz(b, v);   /* NULL: null */
        }
        dvk_buf_addc(b, '}');
    }
    dvk_buf_adds(out, t->rows ? "\n]\n" : "]\n");
}

/* The table as text into out (the one place that lays tables out; writing and rendering
 * both come here). DVK_ENOMEM when memory ran short. */
static int table_text(const dvk_table *t, dvk_buf *out, dvk_table_mode mode)
{
    int *w = calloc((size_t)t->ncols + 1, sizeof *w);
    int *num = calloc((size_t)t->ncols + 1, sizeof *num);
    if (!w || !num) {
        free(w);
        free(num);
        return DVK_ENOMEM;
    }
    int n = shown_rows(t);
    for (int c = 0; c < t->ncols; c++) {
        num[c] = column_numeric(t, c);
        w[c] = shown_width(t->headers[c]);
        for (int r = 0; r < n; r++) {
            int cw = shown_width(cell(t, r, c));
            if (cw > w[c])
                w[c] = cw;
        }
    }
    switch (mode) {
    case DVK_TABLE_BOX: write_aligned(t, out, 1, w, num); break;
    case DVK_TABLE_CSV: write_csv(t, out); break;
    case DVK_TABLE_MARKDOWN: write_markdown(t, out, num); break;
    case DVK_TABLE_JSON: write_json(t, out, num); break;
    case DVK_TABLE_PLAIN:
    default: write_aligned(t, out, 0, w, num); break;
    }
    free(w);
    free(num);
    return out->oom ? DVK_ENOMEM : DVK_OK;
}

int dvk_table_write(const dvk_table *t, FILE *out, dvk_table_mode mode, dvk_error *err)
{
    dvk_buf b = DVK_BUF_INIT;
    if (table_text(t, &b, mode) != DVK_OK) {
        dvk_buf_free(&b);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory writing a table");
    }
    int bad = b.len && fwrite(b.p, 1, b.len, out) != b.len;
    dvk_buf_free(&b);
    if (bad || ferror(out))
        return dvk_error_set(err, DVK_EIO, "writing a table failed");
    return DVK_OK;
}

char *dvk_table_render(const dvk_table *t, dvk_table_mode mode)
{
    dvk_buf b = DVK_BUF_INIT;
    if (table_text(t, &b, mode) != DVK_OK) {
        dvk_buf_free(&b);
        return NULL;
    }
    return dvk_buf_take(&b, NULL);
}

static const struct {
    const char *name;
    dvk_table_mode mode;
} mode_names[] = {
    {"table", DVK_TABLE_PLAIN}, {"box", DVK_TABLE_BOX},          {"csv", DVK_TABLE_CSV},
    {"markdown", DVK_TABLE_MARKDOWN}, {"md", DVK_TABLE_MARKDOWN}, {"json", DVK_TABLE_JSON},
};

int dvk_table_mode_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof mode_names / sizeof mode_names[0]; i++)
        if (strcmp(name, mode_names[i].name) == 0)
            return (int)mode_names[i].mode;
    return -1;
}

const char *dvk_table_mode_name(dvk_table_mode mode)
{
    for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
        if (mode_names[i].mode == mode)
            return mode_names[i].name;
    return "table";
}

/* The locale's codeset needs setlocale(LC_CTYPE, "") first; fall back to the environment
 * variables so that a program that never called setlocale still gets box drawing. */
static int utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    if (cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0))
        return 1;
    const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strstr(v, "UTF-8") || strstr(v, "utf8") || strstr(v, "UTF8") || strstr(v, "utf-8");
    }
    return 0;
}

dvk_table_mode dvk_table_default_mode(FILE *out)
{
    return out && isatty(fileno(out)) && utf8_locale() ? DVK_TABLE_BOX : DVK_TABLE_PLAIN;
}
