/* cmd_stats.c: `dvk stats`: registered / recognised / exemplary counts as provinces publish
 * them, by field, unit, level, kind, registration, category or outcome (the aggregator of
 * stats.h). CSV goes through the one cell writer (csv.h), so a unit or field named like a
 * formula comes out neutralised. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/csv.h"
#include "dvk/stats.h"
#include "dvk/table.h"

static void pct(char *buf, size_t n, long long part, long long whole)
{
    if (whole > 0)
        snprintf(buf, n, "%.1f", 100.0 * (double)part / (double)whole);
    else
        snprintf(buf, n, "-");
}

static const char *const HEADERS[] = {"mã", "tên", "đăng ký", "công nhận", "% công nhận",
                                      "điển hình", "đề nghị lên trên", "đã xét"};
/* The columns that hold text (code, name, "đã xét"); the others are numbers. */
static const int TEXT[] = {1, 1, 0, 0, 0, 0, 0, 1};

/* Append one CSV line of ncols cells (CRLF): text cells by the formula rule (csv.h), numbers
 * and dvk's own headers as they are. */
static void csv_line(dvk_buf *b, const char *const *cells, int ncols, int header)
{
    for (int c = 0; c < ncols; c++) {
        dvk_csv_cell(b, cells[c], strlen(cells[c]), !header && TEXT[c]);
        dvk_buf_adds(b, c + 1 < ncols ? "," : "\r\n");
    }
}

/* Print st as a table (CSV through the cell writer, other modes through dvk_table);
 * with_decided adds the column saying whether a unit ran a decision. */
static int print_stats(const dvk_stats *st, int with_decided, dvk_table_mode mode, dvk_error *err)
{
    int ncols = with_decided ? 8 : 7;
    int csv = mode == DVK_TABLE_CSV;
    dvk_buf b = DVK_BUF_INIT;
    dvk_table *t = csv ? NULL : dvk_table_new(ncols, HEADERS);
    if (!csv && !t)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (csv)
        csv_line(&b, HEADERS, ncols, 1);
    int rc = DVK_OK;
    for (int i = 0; i <= st->nrows && rc == DVK_OK; i++) {
        const dvk_stats_row *r = i < st->nrows ? &st->rows[i] : &st->total;
        char reg[32], rec[32], p[32], ex[32], prop[32];
        snprintf(reg, sizeof reg, "%lld", r->registered);
        snprintf(rec, sizeof rec, "%lld", r->recognised);
        snprintf(ex, sizeof ex, "%lld", r->exemplary);
        snprintf(prop, sizeof prop, "%lld", r->proposed);
        pct(p, sizeof p, r->recognised, r->registered);
        const char *decided = i == st->nrows ? "" : r->decided ? "có" : "CHƯA";
        const char *cells[] = {i < st->nrows ? r->key : "", r->name, reg, rec, p, ex, prop, decided};
        if (csv)
            csv_line(&b, cells, ncols, 0);
        else
            rc = dvk_table_add_row(t, cells, err);
    }
    if (rc == DVK_OK && !csv)
        rc = dvk_table_write(t, stdout, mode, err);
    else if (rc == DVK_OK && b.oom)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    else if (rc == DVK_OK && (fwrite(dvk_buf_str(&b), 1, b.len, stdout) != b.len || fflush(stdout) != 0))
        rc = dvk_error_set(err, DVK_EIO, "writing a table failed");
    dvk_table_free(t);
    dvk_buf_free(&b);
    return rc;
}

int cmd_stats(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"province", required_argument, 0, 'p'}, {"year", required_argument, 0, 'y'},
        {"by", required_argument, 0, 'b'},       {"level", required_argument, 0, 'l'},
        {"successors", no_argument, 0, 's'},     {"format", required_argument, 0, 'f'},
        {"unit", required_argument, 0, 'u'},
        {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("stats");
    const char *province = NULL, *level = NULL, *unit = NULL;
    long long year = 0;
    int by = DVK_BY_FIELD, successors = 0, c;
    int mode = dvk_table_default_mode(stdout);
    while ((c = cli_getopt(self, argc, argv, "", opts)) != -1) {
        switch (c) {
        case 'p': province = cli_optarg; break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &year))
                return cli_usage_error("stats", "--year takes a year such as 2023 (got '%s')", cli_optarg);
            break;
        case 'b':
            if ((by = dvk_stats_by_parse(cli_optarg)) < 0)
                return cli_usage_error("stats", "--by takes field, unit, level, kind, registration, category or outcome (got '%s')",
                                       cli_optarg);
            break;
        case 'l': level = cli_optarg; break;
        case 'u': unit = cli_optarg; break;
        case 's': successors = 1; break;
        case 'f':
            if ((mode = dvk_table_mode_parse(cli_optarg)) < 0)
                return cli_usage_error("stats", "--format takes table, box, csv, markdown or json (got '%s')",
                                       cli_optarg);
            break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (!province || !year)
        return cli_usage_error("stats", "--province and --year are required");
    if (cli_optind < argc)
        return cli_usage_error("stats", "unexpected argument '%s'", argv[cli_optind]);
    int status;
    dvk_store *s = cli_open_store(cli, DVK_STORE_READONLY, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    dvk_stats st;
    if (dvk_stats_compute(s, province, (int)year, level, unit, (dvk_stats_by)by, successors, &st, &err) ||
        print_stats(&st, by == DVK_BY_UNIT && level, (dvk_table_mode)mode, &err)) {
        dvk_store_close(s);
        return cli_fail(&err);
    }
    dvk_stats_free(&st);
    dvk_store_close(s);
    return 0;
}
