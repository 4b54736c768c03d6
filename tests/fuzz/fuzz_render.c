/* fuzz_render.c: libFuzzer target for the report renderer: the input drives the document
 * builder (headings, paragraphs, key-value lists, letterheads, signatures, recipients,
 * tables with typed columns, totals and footnotes, charts) with arbitrary bytes and numbers,
 * then the document is rendered as Markdown, HTML, CSV and JSON (and, for one input in 16,
 * XLSX). Builder errors are expected (invalid UTF-8, NaN); crashes, leaks and sanitizer
 * reports are not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "dvk/doc.h"
#include "dvk/render.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void build(dvk_doc *doc, fz *f)
{
    dvk_error err;
    char a[256], b[256], c[256], d[256];
    for (int op = 0; op < 64 && f->n; op++) {
        dvk_error_clear(&err);
        switch (fz_int(f, 11)) {
        case 0:
            dvk_doc_heading(doc, fz_str(f, a, sizeof a), (int)fz_int(f, 6), &err);
            break;
        case 1:
            dvk_doc_paragraph(doc, fz_str(f, a, sizeof a), (int)fz_int(f, 32), &err);
            break;
        case 2: {
            const char *k[3] = {fz_str(f, a, sizeof a), fz_str(f, b, sizeof b), "k"};
            const char *v[3] = {fz_str(f, c, sizeof c), fz_str(f, d, sizeof d), ""};
            dvk_doc_kv(doc, fz_int(f, 4), k, v, &err);
            break;
        }
        case 3:
            dvk_doc_page_break(doc, &err);
            break;
        case 4: {
            char e[64], g[64];
            dvk_doc_letterhead lh = {(int)fz_int(f, 3), (char *)fz_str(f, a, sizeof a),
                                     (char *)fz_str(f, b, sizeof b), (char *)fz_str(f, c, sizeof c),
                                     (char *)fz_str(f, d, sizeof d), (char *)fz_str(f, e, sizeof e),
                                     fz_int(f, 2) ? (char *)fz_str(f, g, sizeof g) : NULL};
            dvk_doc_letterhead_add(doc, &lh, &err);
            break;
        }
        case 5: {
            dvk_doc_signature sig = {(char *)fz_str(f, a, sizeof a), (char *)fz_str(f, b, sizeof b),
                                     (char *)fz_str(f, c, sizeof c)};
            dvk_doc_signature_add(doc, &sig, &err);
            break;
        }
        case 6: {
            const char *items[2] = {fz_str(f, a, sizeof a), fz_str(f, b, sizeof b)};
            dvk_doc_recipients(doc, fz_int(f, 3), items, &err);
            break;
        }
        case 7:
        case 8: {
            dvk_doc_table *t = dvk_doc_table_add(doc, fz_str(f, a, sizeof a), &err);
            if (!t)
                break;
            size_t ncols = 1 + fz_int(f, 6);
            for (size_t i = 0; i < ncols; i++) {
                snprintf(c, sizeof c, "c%zu", i);
                dvk_doc_table_column(doc, t, fz_int(f, 8) ? c : fz_str(f, d, sizeof d),
                                     fz_str(f, b, sizeof b), (dvk_doc_col_type)fz_int(f, 6),
                                     (int)fz_int(f, 40) - 2, &err);
            }
            size_t nrows = fz_int(f, 12);
            for (size_t r = 0; r < nrows && f->n; r++) {
                size_t row;
                if (dvk_doc_table_row(doc, t, &row, &err))
                    break;
                for (size_t i = 0; i < ncols + 1; i++) {
                    if (fz_int(f, 2))
                        dvk_doc_table_number(doc, t, row, i, fz_num(f), &err);
                    else
                        dvk_doc_table_text(doc, t, row, i, fz_str(f, b, sizeof b), &err);
                }
            }
            switch (fz_int(f, 4)) {
            case 1:
                dvk_doc_table_sum(doc, t, fz_str(f, b, sizeof b), &err);
                break;
            case 2:
                if (dvk_doc_table_totals(doc, t, &err) == DVK_OK)
                    dvk_doc_table_number(doc, t, DVK_DOC_TOTALS, fz_int(f, 7), fz_num(f), &err);
                break;
            case 3:
                dvk_doc_table_footnote(doc, t, fz_str(f, b, sizeof b), &err);
                break;
            }
            break;
        }
        case 9:
        case 10: {
            dvk_doc_chart *ch = dvk_doc_chart_add(doc, (int)fz_int(f, 2), fz_str(f, a, sizeof a), &err);
            if (!ch)
                break;
            size_t ncats = fz_int(f, 6);
            for (size_t i = 0; i < ncats; i++)
                dvk_doc_chart_category(doc, ch, fz_str(f, b, sizeof b), &err);
            size_t nser = fz_int(f, 4);
            for (size_t s = 0; s < nser; s++) {
                double v[8];
                size_t n = fz_int(f, 8);
                for (size_t i = 0; i < n; i++)
                    v[i] = fz_num(f);
                dvk_doc_chart_series(doc, ch, fz_str(f, c, sizeof c), v, n, &err);
            }
            break;
        }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    dvk_doc *doc = dvk_doc_new();
    if (!doc)
        return 0;
    char title[256];
    dvk_error err;
    dvk_error_clear(&err);
    dvk_doc_set_title(doc, fz_str(&f, title, sizeof title), &err);
    build(doc, &f);
    static const dvk_format formats[] = {DVK_FORMAT_MD, DVK_FORMAT_HTML, DVK_FORMAT_CSV, DVK_FORMAT_JSON};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char *out = NULL;
        size_t len = 0;
        dvk_error_clear(&err);
        if (dvk_render_buffer(doc, formats[i], &out, &len, &err) == DVK_OK && out && out[len] != '\0')
            abort();  /* the contract: NUL-terminated */
        free(out);
    }
    if (size % 16 == 0) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/dvk-fuzz-%d.xlsx", (int)getpid());
        dvk_error_clear(&err);
        dvk_render_file(doc, DVK_FORMAT_XLSX, path, NULL, &err);
        unlink(path);
    }
    dvk_doc_free(doc);
    return 0;
}
