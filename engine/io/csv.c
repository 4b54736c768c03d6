/* csv.c: the CSV format (csv.h): the cell writer with the formula rule and the streaming
 * strict reader over libcsv. */
#include "dvk/csv.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/fault.h"
#include "dvk/text.h"

#define CSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL)

/* ======================================================================================
 * The cell writer
 * ==================================================================================== */

int dvk_csv_formula_like(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == '\'')
        i++;
    return i < n && strchr("=+-@\t\r", s[i]) != NULL && s[i] != '\0';
}

int dvk_csv_cell(dvk_buf *b, const char *s, size_t n, int neutralise)
{
    if (!s || n == 0)
        return b->oom ? -1 : 0;
    int apostrophe = neutralise && dvk_csv_formula_like(s, n);
    int quote = s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!quote) {
        if (apostrophe)
            dvk_buf_addc(b, '\'');
        return dvk_buf_add(b, s, n);
    }
    dvk_buf_addc(b, '"');
    if (apostrophe)
        dvk_buf_addc(b, '\'');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            dvk_buf_add(b, s + run, i + 1 - run);   /* up to and with the quote */
            dvk_buf_addc(b, '"');                   /* doubled */
            run = i + 1;
        }
    }
    dvk_buf_add(b, s + run, n - run);
    return dvk_buf_addc(b, '"');
}

/* ======================================================================================
 * The streaming reader
 * ==================================================================================== */

/* Line breaks in s[0..n): CRLF, lone CR and LF each count one. *cr says whether the byte
 * before s was a CR (so an LF at s[0] does not count again); it is updated. */
static long count_breaks(const char *s, size_t n, int *cr)
{
    long k = 0;
    if (n == 0)
        return 0;
    if (!memchr(s, '\n', n) && !memchr(s, '\r', n)) {
        if (n)
            *cr = 0;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            k++;
            *cr = 1;
        } else {
            if (s[i] == '\n' && !*cr)
                k++;
            *cr = 0;
        }
    }
    return k;
}

void dvk_csv_show(const char *s, size_t n, char *out, size_t outn)
{
    size_t o = 0, i = 0;
    int valid = dvk_text_valid_utf8(s, n);
    while (i < n && o + 8 < outn) {
        unsigned char c = (unsigned char)s[i];
        if (i >= 60 && (c & 0xC0) != 0x80) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (c == '\r') {
            out[o++] = '\\';
            out[o++] = 'r';
        } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !valid)) {
            o += (size_t)snprintf(out + o, outn - o, "\\x%02X", c);
        } else {
            out[o++] = (char)c;
        }
        i++;
    }
    out[o] = '\0';
}

/* ======================================================================================
 * The streaming reader
 * ==================================================================================== */

typedef struct reader {
    const char *name;
    dvk_csv_record_fn fn;
    void *ud;
    dvk_error *err;
    int rc;                     /* first failure; the callbacks do nothing once set */
    long line;                  /* physical line the parser has reached */
    long rec_line;              /* line where the record being built starts */
    int cr;                     /* the last byte seen was a CR */
    size_t nf;                  /* fields in the record being built */
    size_t off[DVK_CSV_COLUMNS_MAX], len[DVK_CSV_COLUMNS_MAX];
    char *ptr[DVK_CSV_COLUMNS_MAX];
    dvk_buf row;                /* the record's bytes, each field NUL-terminated */
    char **header;              /* copy of the first record, for messages */
    size_t nheader;
} reader;

static void reader_column(const reader *r, size_t i, char *out, size_t n)
{
    if (i < r->nheader)
        dvk_csv_show(r->header[i], strlen(r->header[i]), out, n);
    else
        snprintf(out, n, "%zu", i + 1);
}

static void field_too_long(reader *r, size_t col)
{
    char name[128];
    reader_column(r, col, name, sizeof name);
    r->rc = dvk_error_set(r->err, DVK_EDATA,
                          "%s:%ld: column '%s': field longer than %d bytes (an unclosed quote?)",
                          r->name, r->rec_line, name, DVK_CSV_FIELD_MAX);
}

static void on_field(void *s, size_t n, void *ud)
{
    reader *r = ud;
    if (r->rc)
        return;
    if (r->nf >= DVK_CSV_COLUMNS_MAX) {
        r->rc = dvk_error_set(r->err, DVK_EDATA, "%s:%ld: more than %d columns in a record",
                              r->name, r->rec_line, DVK_CSV_COLUMNS_MAX);
        return;
    }
    if (n > DVK_CSV_FIELD_MAX) {
        field_too_long(r, r->nf);
        return;
    }
    int cr = 0;                 /* a field's first byte never follows a terminator */
    r->line += count_breaks(s, n, &cr);
    r->cr = 0;
    r->off[r->nf] = r->row.len;
    r->len[r->nf] = n;
    /* the field and its NUL (the buffer's own NUL after it is kept too) */
    if (dvk_buf_add(&r->row, s, n) || dvk_buf_addc(&r->row, '\0')) {
        r->rc = dvk_error_set(r->err, DVK_ENOMEM, "%s: out of memory", r->name);
        return;
    }
    r->nf++;
}

static int record_empty(const reader *r)
{
    for (size_t i = 0; i < r->nf; i++)
        if (r->len[i])
            return 0;
    return 1;
}

static void on_record(int c, void *ud)
{
    reader *r = ud;
    if (r->rc)
        return;
    if (r->nf > 0 && !record_empty(r)) {
        for (size_t i = 0; i < r->nf; i++)
            r->ptr[i] = r->row.p + r->off[i];
        dvk_csv_record rec = {r->rec_line, r->nf, r->ptr, r->len};
        if (!r->header) {
            r->header = calloc(r->nf, sizeof *r->header);
            if (!r->header) {
                r->rc = dvk_error_set(r->err, DVK_ENOMEM, "%s: out of memory", r->name);
                return;
            }
            for (size_t i = 0; i < r->nf; i++) {
                r->header[i] = strdup(r->ptr[i]);
                if (!r->header[i]) {
                    r->rc = dvk_error_set(r->err, DVK_ENOMEM, "%s: out of memory", r->name);
                    return;
                }
                r->nheader++;
            }
        }
        int rc = r->fn(r->ud, &rec, r->err);
        if (rc) {
            r->rc = rc;
            return;
        }
    }
    /* The terminator: an LF right after a CR (with nothing between) ends the same line. */
    if (c == '\r') {
        r->line++;
        r->cr = 1;
    } else if (c == '\n') {
        if (!(r->cr && r->nf == 0))
            r->line++;
        r->cr = 0;
    }
    r->nf = 0;
    dvk_buf_reset(&r->row);
    r->rec_line = r->line;
}

int dvk_csv_read(FILE *in, const char *name, size_t chunk, dvk_csv_record_fn fn, void *ud,
                 dvk_csv_progress_fn progress, void *progress_ud, long long total,
                 dvk_error *err)
{
    struct csv_parser p;
    reader r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.fn = fn;
    r.ud = ud;
    r.err = err;
    r.line = r.rec_line = 1;
    if (chunk == 0)
        chunk = DVK_CSV_CHUNK;
    char *data = malloc(chunk < 3 ? 3 : chunk);
    if (!data || csv_init(&p, CSV_OPTIONS) != 0) {
        free(data);
        return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", name);
    }
    csv_set_realloc_func(&p, dvk_fault_realloc); /* realloc, or a test's injected failure */
    long long done = 0;
    /* A UTF-8 BOM is read apart, so that it is found whatever the chunk size. */
    size_t got = fread(data, 1, 3, in);
    size_t start = (got == 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    size_t have = got;
    for (;;) {
        if (have > start) {
            size_t len = have - start, off = start;
            while (len > 0 && !r.rc) {
                size_t step = len < chunk ? len : chunk;
                size_t used = csv_parse(&p, data + off, step, on_field, on_record, &r);
                if (r.rc)
                    break;
                if (used != step && csv_error(&p) == CSV_ENOMEM) {
                    r.rc = dvk_error_set(err, DVK_ENOMEM, "%s:%ld: out of memory reading the file",
                                         name, r.rec_line);
                    break;
                }
                if (used != step) {
                    int cr = 0;
                    long at = r.line + count_breaks((const char *)p.entry_buf, p.entry_pos, &cr);
                    char col[128], where[64] = "";
                    reader_column(&r, r.nf, col, sizeof col);
                    if (at != r.rec_line)
                        snprintf(where, sizeof where, " on line %ld", at);
                    r.rc = dvk_error_set(err, DVK_EDATA,
                        "%s:%ld: column '%s': misplaced quote%s (a quote may only open a field, "
                        "close it before a comma or the end of the line, or be doubled inside "
                        "a quoted field)", name, r.rec_line, col, where);
                    break;
                }
                if (p.entry_pos > p.spaces && p.entry_pos - p.spaces > DVK_CSV_FIELD_MAX)
                    field_too_long(&r, r.nf);
                off += step;
                len -= step;
            }
        }
        done += (long long)have;
        if (progress && !r.rc)
            progress(progress_ud, done, total);
        if (r.rc)
            break;
        start = 0;
        have = fread(data, 1, chunk, in);
        if (have == 0)
            break;
    }
    if (!r.rc && ferror(in))
        r.rc = dvk_error_set(err, DVK_EIO, "%s: read error (%s)", name, strerror(errno));
    if (!r.rc) {
        int cr = 0;
        long at = r.line + count_breaks((const char *)p.entry_buf, p.entry_pos, &cr);
        long rec_line = r.rec_line;
        size_t col_index = r.nf;
        if (csv_fini(&p, on_field, on_record, &r) != 0 && !r.rc && csv_error(&p) == CSV_ENOMEM) {
            r.rc = dvk_error_set(err, DVK_ENOMEM, "%s: out of memory reading the file", name);
        } else if (!r.rc && csv_error(&p) != CSV_SUCCESS) {
            char col[128];
            reader_column(&r, col_index, col, sizeof col);
            r.rc = dvk_error_set(err, DVK_EDATA,
                                 "%s:%ld: column '%s': quoted field is never closed (the file "
                                 "ends on line %ld)", name, rec_line, col, at);
        }
    }
    csv_free(&p);
    free(data);
    dvk_buf_free(&r.row);
    for (size_t i = 0; i < r.nheader; i++)
        free(r.header[i]);
    free(r.header);
    return r.rc;
}
