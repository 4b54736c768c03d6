/* cmd_council.c: `dvk council --run N [--model CODE]`: each council member's scores beside
 * the run's points, model by model, and the members who recused (council.h). */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/council.h"

int cmd_council(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"run", required_argument, 0, 'r'},
                                         {"model", required_argument, 0, 'm'},
                                         {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("council");
    long long run = 0;
    const char *model = NULL;
    int c;
    while ((c = cli_getopt(self, argc, argv, "", opts)) != -1) {
        switch (c) {
        case 'r':
            if (cli_parse_int(cli_optarg, 1, (long long)1 << 62, &run))
                return cli_usage_error("council", "--run takes a run number (got '%s')",
                                       cli_optarg);
            break;
        case 'm': model = cli_optarg; break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (cli_optind < argc)
        return cli_usage_error("council", "unexpected argument '%s'", argv[cli_optind]);
    if (!run)
        return cli_usage_error("council", "--run is required");
    int status = 0;
    dvk_store *s = cli_open_store(cli, 0, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    dvk_buf out = DVK_BUF_INIT;
    int rc = dvk_council_run_text(s, run, model, &out, &err);
    dvk_store_close(s);
    if (rc == DVK_OK)
        fwrite(dvk_buf_str(&out), 1, out.len, stdout);
    dvk_buf_free(&out);
    return rc == DVK_OK ? 0 : cli_fail(&err);
}
