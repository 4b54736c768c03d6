/* cmd_test.c: `dvk test [FILE_test.lua ...]`: run the province scripts' tests (fixture
 * models, no database) and print each failed expectation, then "N passed, N failed". */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>

#include "dvk/script.h"

static void print_line(void *ud, const char *line)
{
    fprintf((FILE *)ud, "%s\n", line);
}

int cmd_test(dvk_cli *cli, int argc, char **argv)
{
    const dvk_command *self = cli_find_command("test");
    int c;
    while ((c = cli_getopt(self, argc, argv, "", NULL)) != -1) {
        if (c == 'h')
            return 0;
        return 2;
    }
    dvk_error err;
    dvk_error_clear(&err);
    int passed = 0, failed = 0;
    int rc = dvk_script_test(cli->scripts_dir, argv + cli_optind, argc - cli_optind, print_line,
                             stdout, &passed, &failed, &err);
    if (rc != DVK_OK)
        return cli_fail(&err);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
