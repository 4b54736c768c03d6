/* cmd_init.c: `dvk init`: create or upgrade the database and load the province scripts'
 * declared fields. */
#include "cli/cli.h"

#include <stdio.h>

#include "dvk/script.h"

int cmd_init(dvk_cli *cli, int argc, char **argv)
{
    const dvk_command *self = cli_find_command("init");
    int c;
    while ((c = cli_getopt(self, argc, argv, "", NULL)) != -1)
        return c == 'h' ? 0 : 2;
    if (cli_optind < argc)
        return cli_usage_error("init", "unexpected argument '%s'", argv[cli_optind]);
    int status;
    dvk_store *s = cli_open_store(cli, DVK_STORE_CREATE, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    int n = dvk_script_sync_fields(s, cli->scripts_dir, &err);
    if (n < 0) {
        dvk_store_close(s);
        return cli_fail(&err);
    }
    if (!cli->quiet)
        printf("%s: schema version %d, fields of %d province script(s) loaded from %s\n",
               dvk_store_path(s), dvk_store_version(s), n, cli->scripts_dir);
    dvk_store_close(s);
    return 0;
}
