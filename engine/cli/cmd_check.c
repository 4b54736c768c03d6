/* cmd_check.c: `dvk check --province P --year Y [--level L] [--unit CODE]`: what would go
 * wrong if the year were decided now (decide.h, dvk_check), one finding a line; exit 1 when
 * any finding is an error (a decision would be wrong), 0 otherwise (warnings only). */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/decide.h"

int cmd_check(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"province", required_argument, 0, 'p'}, {"year", required_argument, 0, 'y'},
        {"level", required_argument, 0, 'l'},    {"unit", required_argument, 0, 'u'},
        {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("check");
    dvk_check_opts o;
    memset(&o, 0, sizeof o);
    o.evaluate = 1;
    long long year = 0;
    int c;
    while ((c = cli_getopt(self, argc, argv, "", opts)) != -1) {
        switch (c) {
        case 'p': o.province = cli_optarg; break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &year))
                return cli_usage_error("check", "--year takes a year such as 2023 (got '%s')",
                                       cli_optarg);
            break;
        case 'l': o.level = cli_optarg; break;
        case 'u': o.unit = cli_optarg; break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (cli_optind < argc)
        return cli_usage_error("check", "unexpected argument '%s'", argv[cli_optind]);
    if (!o.province || !year)
        return cli_usage_error("check", "--province and --year are required");
    o.year = (int)year;
    int status = 0;
    dvk_store *s = cli_open_store(cli, 0, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    dvk_check_report rep;
    int rc = dvk_check(s, cli->scripts_dir, &o, &rep, &err);
    dvk_store_close(s);
    if (rc != DVK_OK)
        return cli_fail(&err);
    dvk_buf out = DVK_BUF_INIT;
    int bad = dvk_check_report_text(&rep, &o, &out);
    long long errors = rep.errors;
    dvk_check_report_free(&rep);
    if (bad) {
        dvk_buf_free(&out);
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
        return cli_fail(&err);
    }
    fwrite(dvk_buf_str(&out), 1, out.len, stdout);
    dvk_buf_free(&out);
    return errors > 0 ? 1 : 0;
}
