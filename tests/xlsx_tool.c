/* xlsx_tool.c: workbooks for the tests and the benchmark, made the way an office's script
 * or another program would make them, without dvk's reader:
 *   xlsx_tool fill TEMPLATE.xlsx OUT.xlsx ROWS.tsv
 *       copies every part of TEMPLATE (minizip) and adds the rows of ROWS.tsv (tab
 *       separated, UTF-8) to its first sheet from row 3, below the header and notes row:
 *       a value like -12 or 3.5 as a number cell, anything else as an inline string; an
 *       empty value leaves the cell empty. Everything else of the template (dropdowns,
 *       notes, lists, instructions) is kept byte for byte.
 *   xlsx_tool from-csv IN.csv OUT.xlsx
 *       writes the CSV as one sheet with libxlsxwriter in constant-memory mode (inline
 *       strings, a row at a time): numbers as number cells, the rest as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <xlsxwriter.h>

#include "dvk/buf.h"
#include "dvk/csv.h"

static int numeric(const char *s)
{
    const char *p = s + (*s == '-');
    if (p[0] == '0' && p[1] && p[1] != '.')
        return 0;   /* a leading zero (a code such as 007) stays text */
    int digits = 0, dot = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p == '.' && !dot)
            dot = 1;
        else
            return 0;
    }
    return digits > 0 && digits <= 15 && p[-1] != '.';
}

static void col_ref(size_t col, long row, char out[40])
{
    char t[8];
    int k = 0;
    for (size_t v = col + 1; v > 0; v = (v - 1) / 26)
        t[k++] = (char)('A' + (v - 1) % 26);
    for (int i = 0; i < k; i++)
        out[i] = t[k - 1 - i];
    sprintf(out + k, "%ld", row);
}

static void xml_text(dvk_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': dvk_buf_adds(b, "&lt;"); break;
        case '>': dvk_buf_adds(b, "&gt;"); break;
        case '&': dvk_buf_adds(b, "&amp;"); break;
        default: dvk_buf_addc(b, s[i]);
        }
    }
}

/* The rows of a TSV file as <row> elements from row 3. */
static int tsv_rows(const char *path, dvk_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char line[65536];
    long r = 3;
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        dvk_buf_printf(b, "<row r=\"%ld\">", r);
        size_t col = 0;
        for (char *p = line, *end; p; p = end ? end + 1 : NULL, col++) {
            end = strchr(p, '\t');
            if (end)
                *end = '\0';
            if (!*p)
                continue;
            char ref[40];
            col_ref(col, r, ref);
            if (numeric(p)) {
                dvk_buf_printf(b, "<c r=\"%s\"><v>%s</v></c>", ref, p);
            } else {
                dvk_buf_printf(b, "<c r=\"%s\" t=\"inlineStr\"><is><t xml:space=\"preserve\">", ref);
                xml_text(b, p, strlen(p));
                dvk_buf_adds(b, "</t></is></c>");
            }
        }
        dvk_buf_adds(b, "</row>");
        r++;
    }
    fclose(f);
    return 0;
}

static int fill(const char *in, const char *out, const char *tsv)
{
    dvk_buf rows = DVK_BUF_INIT;
    if (tsv_rows(tsv, &rows)) {
        fprintf(stderr, "xlsx_tool: %s: cannot read\n", tsv);
        return 1;
    }
    unzFile uf = unzOpen64(in);
    zipFile zf = zipOpen64(out, APPEND_STATUS_CREATE);
    if (!uf || !zf) {
        fprintf(stderr, "xlsx_tool: cannot open %s or create %s\n", in, out);
        return 1;
    }
    int rc = unzGoToFirstFile(uf), status = 0;
    while (rc == UNZ_OK && !status) {
        char name[512];
        unz_file_info64 info;
        unzGetCurrentFileInfo64(uf, &info, name, sizeof name, NULL, 0, NULL, 0);
        dvk_buf data = DVK_BUF_INIT;
        char buf[65536];
        int n;
        unzOpenCurrentFile(uf);
        while ((n = unzReadCurrentFile(uf, buf, sizeof buf)) > 0)
            dvk_buf_add(&data, buf, (size_t)n);
        unzCloseCurrentFile(uf);
        if (strcmp(name, "xl/worksheets/sheet1.xml") == 0) {
            const char *at = strstr(dvk_buf_str(&data), "</sheetData>");
            if (!at) {
                fprintf(stderr, "xlsx_tool: %s: the first sheet has no </sheetData>\n", in);
                status = 1;
            } else {
                dvk_buf nd = DVK_BUF_INIT;
                dvk_buf_add(&nd, data.p, (size_t)(at - data.p));
                dvk_buf_add(&nd, rows.p, rows.len);
                dvk_buf_adds(&nd, at);
                dvk_buf_free(&data);
                data = nd;
            }
        }
        zip_fileinfo zi;
        memset(&zi, 0, sizeof zi);
        if (zipOpenNewFileInZip64(zf, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 6, 1) != ZIP_OK ||
            zipWriteInFileInZip(zf, data.p ? data.p : "", (unsigned)data.len) != ZIP_OK ||
            zipCloseFileInZip(zf) != ZIP_OK)
            status = 1;
        dvk_buf_free(&data);
        rc = unzGoToNextFile(uf);
    }
    unzClose(uf);
    if (zipClose(zf, NULL) != ZIP_OK)
        status = 1;
    dvk_buf_free(&rows);
    return status;
}

typedef struct conv {
    lxw_worksheet *ws;
    lxw_row_t row;
} conv;

static int conv_record(void *ud, const dvk_csv_record *rec, dvk_error *err)
{
    conv *c = ud;
    for (size_t i = 0; i < rec->nfields; i++) {
        if (!rec->len[i])
            continue;
        lxw_error e = numeric(rec->field[i])
            ? worksheet_write_number(c->ws, c->row, (lxw_col_t)i, strtod(rec->field[i], NULL), NULL)
            : worksheet_write_string(c->ws, c->row, (lxw_col_t)i, rec->field[i], NULL);
        if (e)
            return dvk_error_set(err, DVK_EIO, "row %u: %s", c->row + 1, lxw_strerror(e));
    }
    c->row++;
    return DVK_OK;
}

static int from_csv(const char *in, const char *out)
{
    FILE *f = fopen(in, "rb");
    if (!f) {
        fprintf(stderr, "xlsx_tool: %s: cannot open\n", in);
        return 1;
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(out, &opt);
    conv c = {workbook_add_worksheet(wb, "Data"), 0};
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_csv_read(f, in, 0, conv_record, &c, NULL, NULL, 0, &err);
    fclose(f);
    if (rc)
        fprintf(stderr, "xlsx_tool: %s\n", err.msg);
    if (workbook_close(wb) != LXW_NO_ERROR)
        rc = 1;
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "fill") == 0)
        return fill(argv[2], argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "from-csv") == 0)
        return from_csv(argv[2], argv[3]);
    fprintf(stderr, "usage: xlsx_tool fill TEMPLATE.xlsx OUT.xlsx ROWS.tsv | from-csv IN.csv OUT.xlsx\n");
    return 2;
}
