/* cmd_sheets.c: `dvk sheets --province P --year Y --level L [--unit CODE] [-o DIR]`: one XLSX
 * score sheet per council member (council.h, dvk_sheets), named by member code. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dvk/council.h"

int cmd_sheets(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"province", required_argument, 0, 'p'}, {"year", required_argument, 0, 'y'},
        {"level", required_argument, 0, 'l'},    {"unit", required_argument, 0, 'u'},
        {"output", required_argument, 0, 'o'},   {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("sheets");
    dvk_sheets_opts o;
    memset(&o, 0, sizeof o);
    o.dir = ".";
    long long year = 0;
    int c;
    while ((c = cli_getopt(self, argc, argv, "o:", opts)) != -1) {
        switch (c) {
        case 'p': o.province = cli_optarg; break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &year))
                return cli_usage_error("sheets", "--year takes a year such as 2023 (got '%s')",
                                       cli_optarg);
            break;
        case 'l': o.level = cli_optarg; break;
        case 'u': o.unit = cli_optarg; break;
        case 'o': o.dir = cli_optarg; break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (cli_optind < argc)
        return cli_usage_error("sheets", "unexpected argument '%s'", argv[cli_optind]);
    if (!o.province || !year || !o.level)
        return cli_usage_error("sheets", "--province, --year and --level are required");
    o.year = (int)year;
    struct stat sb;
    if (stat(o.dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "dvk: %s: not a folder (create it first)\n", o.dir);
        return 1;
    }
    int status = 0;
    dvk_store *s = cli_open_store(cli, 0, &status);
    if (!s)
        return status;
    o.db_path = dvk_store_path(s);
    dvk_error err;
    dvk_error_clear(&err);
    int written = 0;
    int rc = dvk_sheets(s, cli->scripts_dir, &o, &written, &err);
    dvk_store_close(s);
    if (rc != DVK_OK)
        return cli_fail(&err);
    if (!cli->quiet)
        printf("%d score sheet%s written to %s\n", written, written == 1 ? "" : "s", o.dir);
    return 0;
}
