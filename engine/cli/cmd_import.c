/* cmd_import.c: `dvk import units|models|appraisals|appraisers FILE.csv|FILE.xlsx [--sheet NAME]
 * [--skip-bad REJECTS.csv] [--dry-run] [--replace] [--number-format auto|vi|plain]`: strict
 * CSV or Excel import through the import module (levels and criteria from the province
 * scripts); prints every problem (up to a limit) as `dvk: FILE:LINE: column 'x': reason
 * (value)` or `dvk: FILE:Sheet!C7: column 'x': reason (value)`. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/import.h"
#include "dvk/script.h"

int cmd_import(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"skip-bad", required_argument, 0, 's'},
                                         {"dry-run", no_argument, 0, 'n'},
                                         {"replace", no_argument, 0, 'r'},
                                         {"number-format", required_argument, 0, 'f'},
                                         {"sheet", required_argument, 0, 'S'},
                                         {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("import");
    dvk_import_opts o;
    memset(&o, 0, sizeof o);
    o.levels = dvk_script_levels;   /* a province's levels come from its script */
    o.levels_ud = (void *)cli->scripts_dir;
    o.criteria = dvk_script_criteria;   /* appraisals are checked against them */
    o.criteria_ud = (void *)cli->scripts_dir;
    o.recusal = dvk_script_recusal;     /* appraisals: council.recusal of the script */
    int c;
    while ((c = cli_getopt(self, argc, argv, "", opts)) != -1) {
        switch (c) {
        case 's': o.rejects_path = cli_optarg; break;
        case 'n': o.dry_run = 1; break;
        case 'r': o.replace = 1; break;
        case 'S': o.sheet = cli_optarg; break;
        case 'f':
            if (strcmp(cli_optarg, "auto") == 0)
                o.numbers = DVK_NUMBERS_AUTO;
            else if (strcmp(cli_optarg, "vi") == 0)
                o.numbers = DVK_NUMBERS_VI;
            else if (strcmp(cli_optarg, "plain") == 0)
                o.numbers = DVK_NUMBERS_PLAIN;
            else
                return cli_usage_error("import", "--number-format is auto, vi or plain (got '%s')",
                                       cli_optarg);
            break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (argc - cli_optind != 2)
        return cli_usage_error("import", argc - cli_optind < 2 ? "what to import and a CSV or XLSX file are needed"
                                                               : "too many arguments");
    int table = dvk_import_table_parse(argv[cli_optind]);
    if (table < 0)
        return cli_usage_error("import", "can import units, models, appraisals or appraisers (got '%s')",
                               argv[cli_optind]);
    const char *path = argv[cli_optind + 1];
    int status;
    dvk_store *s = cli_open_store(cli, 0, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    dvk_import_result res;
    memset(&res, 0, sizeof res);
    int rc = dvk_import(s, (dvk_import_table)table, path, &o, &res, &err);
    for (int i = 0; i < res.nmessages; i++)
        fprintf(stderr, "dvk: %s\n", res.messages[i]);
    if (res.problems > res.nmessages)
        fprintf(stderr, "dvk: ... and %lld more problem%s\n", res.problems - res.nmessages,
                res.problems - res.nmessages == 1 ? "" : "s");
    if (rc == DVK_OK && !cli->quiet) {
        printf("%s: %lld row%s: %lld new, %lld updated, %lld unchanged", path, res.rows,
               res.rows == 1 ? "" : "s", res.inserted, res.updated, res.unchanged);
        if (o.rejects_path)
            printf(", %lld rejected (written to %s)", res.rejected, o.rejects_path);
        printf("%s\n", o.dry_run ? " (dry run: nothing written)" : "");
    }
    dvk_import_result_free(&res);
    dvk_store_close(s);
    return rc == DVK_OK ? 0 : cli_fail(&err);
}
