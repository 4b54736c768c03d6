/* cmd_export.c: `dvk export models|results [--run N] [--format csv|json] [--bom] [-o FILE]`:
 * CSV a spreadsheet opens safely (formula-like cells neutralised), or JSON. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/export.h"

int cmd_export(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"run", required_argument, 0, 'r'},      {"format", required_argument, 0, 'f'},
        {"bom", no_argument, 0, 'b'},            {"output", required_argument, 0, 'o'},
        {"province", required_argument, 0, 'p'}, {"year", required_argument, 0, 'y'},
        {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("export");
    dvk_export_opts o;
    memset(&o, 0, sizeof o);
    const char *out = NULL;
    long long v;
    int c;
    while ((c = cli_getopt(self, argc, argv, "o:", opts)) != -1) {
        switch (c) {
        case 'r':
            if (cli_parse_int(cli_optarg, 1, (1LL << 62), &v))
                return cli_usage_error("export", "--run takes a run number (got '%s')", cli_optarg);
            o.run = v;
            break;
        case 'f':
            if (strcmp(cli_optarg, "csv") == 0)
                o.format = DVK_EXPORT_CSV;
            else if (strcmp(cli_optarg, "json") == 0)
                o.format = DVK_EXPORT_JSON;
            else if (strcmp(cli_optarg, "xlsx") == 0)
                o.format = DVK_EXPORT_XLSX;
            else
                return cli_usage_error("export", "--format takes csv, json or xlsx (got '%s')", cli_optarg);
            break;
        case 'b': o.bom = 1; break;
        case 'o': out = cli_optarg; break;
        case 'p': o.province = cli_optarg; break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &v))
                return cli_usage_error("export", "--year takes a year such as 2023 (got '%s')", cli_optarg);
            o.year = (int)v;
            break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (argc - cli_optind != 1)
        return cli_usage_error("export", argc == cli_optind ? "say what to export: models or results"
                                                            : "too many arguments");
    const char *what = argv[cli_optind];
    int kind;
    if (strcmp(what, "models") == 0)
        kind = DVK_EXPORT_MODELS;
    else if (strcmp(what, "results") == 0)
        kind = DVK_EXPORT_RESULTS;
    else
        return cli_usage_error("export", "can export models or results (got '%s')", what);
    if (kind == DVK_EXPORT_MODELS && o.run)
        return cli_usage_error("export", "--run applies to results only");
    if (kind == DVK_EXPORT_RESULTS && (o.province || o.year))
        return cli_usage_error("export", "--province and --year apply to models only");
    if (o.format == DVK_EXPORT_XLSX && (!out || strcmp(out, "-") == 0))
        return cli_usage_error("export", "--format xlsx needs an output file (-o FILE.xlsx)");
    if (o.format != DVK_EXPORT_CSV && o.bom)
        return cli_usage_error("export", "--bom applies to CSV only");
    int status;
    dvk_store *s = cli_open_store(cli, DVK_STORE_READONLY, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    long long rows = 0;
    int rc = dvk_export(s, kind, out, &o, &rows, &err);
    dvk_store_close(s);
    if (rc)
        return cli_fail(&err);
    if (out && strcmp(out, "-") != 0 && !cli->quiet)
        printf("%s: %lld %s\n", out, rows, rows == 1 ? (kind ? "result" : "model") : what);
    return 0;
}
