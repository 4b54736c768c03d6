/* cmd_test.c: `dvk test [--coverage [--coverage-format text|json]] [FILE_test.lua ...]`: run
 * the province scripts' tests (fixture models, no database) and print each failed
 * expectation, then "N passed, N failed"; with --coverage, what the tests exercised (lines
 * of each script, gates, criteria, outcomes and quotas) before that line. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/coverage.h"
#include "dvk/script.h"

static void print_line(void *ud, const char *line)
{
    fprintf((FILE *)ud, "%s\n", line);
}

int cmd_test(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"coverage", no_argument, 0, 'c'}, {"coverage-format", required_argument, 0, 'f'},
        {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("test");
    int coverage = 0, json = 0;
    int c;
    while ((c = cli_getopt(self, argc, argv, "", opts)) != -1) {
        switch (c) {
        case 'c': coverage = 1; break;
        case 'f':
            if (strcmp(cli_optarg, "json") == 0)
                json = 1;
            else if (strcmp(cli_optarg, "text") != 0)
                return cli_usage_error("test", "--coverage-format takes text or json (got '%s')",
                                       cli_optarg);
            coverage = 1;
            break;
        case 'h': return 0;
        default: return 2;
        }
    }
    dvk_error err;
    dvk_error_clear(&err);
    dvk_coverage *cov = NULL;
    if (coverage && !(cov = dvk_coverage_new())) {
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
        return cli_fail(&err);
    }
    /* With the JSON report on stdout, the test lines go to stderr. */
    FILE *lines = json ? stderr : stdout;
    int passed = 0, failed = 0;
    int rc = dvk_script_test_cover(cli->scripts_dir, argv + cli_optind, argc - cli_optind,
                                   print_line, lines, cov, &passed, &failed, &err);
    if (rc == DVK_OK && cov) {
        dvk_buf report = DVK_BUF_INIT;
        if ((json ? dvk_coverage_json(cov, &report) : dvk_coverage_text(cov, &report)) != 0)
            rc = dvk_error_set(&err, DVK_ENOMEM, "out of memory");
        else
            fputs(dvk_buf_str(&report), stdout);
        dvk_buf_free(&report);
    }
    dvk_coverage_free(cov);
    if (rc != DVK_OK)
        return cli_fail(&err);
    fprintf(lines, "%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
