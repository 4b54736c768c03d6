/* cmd_diff.c: `dvk diff RUN_A RUN_B`: the rules of the scripts that changed between two runs
 * (thresholds, quotas, gates, criteria, as each run recorded them), then every model whose
 * outcome, rank, total or reason changed, with the criteria that moved it. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "dvk/runs.h"

int cmd_diff(dvk_cli *cli, int argc, char **argv)
{
    const dvk_command *self = cli_find_command("diff");
    int c;
    while ((c = cli_getopt(self, argc, argv, "", NULL)) != -1)
        return c == 'h' ? 0 : 2;
    long long a = 0, b = 0;
    if (argc - cli_optind != 2 || cli_parse_int(argv[cli_optind], 1, (long long)1 << 62, &a) ||
        cli_parse_int(argv[cli_optind + 1], 1, (long long)1 << 62, &b))
        return cli_usage_error("diff", "diff takes two run numbers");
    int status = 0;
    dvk_store *s = cli_open_store(cli, DVK_STORE_READONLY, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    long long changed = 0;
    char *text = dvk_runs_diff_text(s, a, b, &changed, &err);
    int rc = text ? DVK_OK : err.code;
    if (text)
        fputs(text, stdout);
    free(text);
    dvk_store_close(s);
    return rc == DVK_OK ? 0 : cli_fail(&err);
}
