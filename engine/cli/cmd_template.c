/* cmd_template.c: `dvk template units|models|appraisals --province P [--year Y] [--level L]
 * [--rows N] [-o FILE.xlsx]`: the Excel workbook an office sends out to be filled and
 * imports back with `dvk import` (template.h; levels and criteria from the province
 * script). */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/script.h"
#include "dvk/template.h"

int cmd_template(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"province", required_argument, 0, 'p'},
                                         {"year", required_argument, 0, 'y'},
                                         {"level", required_argument, 0, 'l'},
                                         {"rows", required_argument, 0, 'r'},
                                         {"output", required_argument, 0, 'o'},
                                         {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("template");
    dvk_template_opts o;
    memset(&o, 0, sizeof o);
    o.levels = dvk_script_levels;
    o.levels_ud = (void *)cli->scripts_dir;
    o.criteria = dvk_script_criteria;
    o.criteria_ud = (void *)cli->scripts_dir;
    const char *out = NULL;
    long long v;
    int c;
    while ((c = cli_getopt(self, argc, argv, "o:", opts)) != -1) {
        switch (c) {
        case 'p': o.province = cli_optarg; break;
        case 'l': o.level = cli_optarg; break;
        case 'o': out = cli_optarg; break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &v))
                return cli_usage_error("template", "--year takes a year such as 2025 (got '%s')", cli_optarg);
            o.year = (int)v;
            break;
        case 'r':
            if (cli_parse_int(cli_optarg, 1, 100000, &v))
                return cli_usage_error("template", "--rows takes 1 to 100000 (got '%s')", cli_optarg);
            o.rows = (int)v;
            break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (argc - cli_optind != 1)
        return cli_usage_error("template", argc == cli_optind ? "say which template: units, models or appraisals"
                                                              : "too many arguments");
    int table = dvk_import_table_parse(argv[cli_optind]);
    if (table < 0)
        return cli_usage_error("template", "templates are units, models or appraisals (got '%s')",
                               argv[cli_optind]);
    if (!o.province)
        return cli_usage_error("template", "--province P is required");
    char name[256];
    if (!out) {
        snprintf(name, sizeof name, "mau-%s-%s.xlsx", argv[cli_optind], o.province);
        out = name;
    }
    int status;
    dvk_store *s = cli_open_store(cli, 0, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_template_write(s, (dvk_import_table)table, out, &o, &err);
    dvk_store_close(s);
    if (rc)
        return cli_fail(&err);
    if (!cli->quiet)
        printf("%s: template for %s of %s written (fill the first sheet from row 3; import it "
               "with `dvk import %s %s`)\n", out, argv[cli_optind], o.province, argv[cli_optind], out);
    return 0;
}
