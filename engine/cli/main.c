/* main.c: the dvk command: global options, then one subcommand from the table in
 * engine/cli/commands.c. Only the CLI prints and exits; the engine returns errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dvk/fault.h"
#include "dvk/paths.h"
#include "dvk/progress.h"

static void print_overview(FILE *out)
{
    fputs("dvk " DVK_VERSION " - Dân vận khéo: register, appraise and recognise models\n\n"
          "usage: dvk [--db FILE] [--scripts DIR] [--quiet] COMMAND [ARGS]\n"
          "       dvk -e 'LUA CODE'\n\ncommands:\n", out);
    for (const dvk_command *c = dvk_commands; c->name; c++)
        fprintf(out, "  %-8s %s\n", c->name, c->summary);
    fputs("\n'dvk COMMAND --help' shows a command's options.\n"
          "exit codes: 0 ok, 1 the work failed (bad data, script error), 2 bad usage\n", out);
}

/* Global options come before the command: --db FILE, --scripts DIR, --quiet, -e CODE. */
int main(int argc, char **argv)
{
    dvk_cli cli = {0};
    if (dvk_fault_from_env() != 0)   /* the kill tests' DVK_FAULT=kill@POINT:N */
        return cli_usage_error(NULL, "DVK_FAULT: expected kill@POINT or kill@POINT:N (N >= 1), "
                               "POINT one of %s", dvk_fault_point_names());
    cli.db_path = dvk_store_default_path();
    const char *scripts = NULL, *eval = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        size_t n = strcspn(a, "=");
        int takes = (strncmp(a, "--db", n) == 0 && n == 4) || (strncmp(a, "--scripts", n) == 0 && n == 9) ||
                    strcmp(a, "-e") == 0;
        if (takes) {
            if (a[n] == '=')
                val = a + n + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return cli_usage_error(NULL, "option '%s' needs a value", a);
        }
        if (strncmp(a, "--db", 4) == 0 && takes)
            cli.db_path = val;
        else if (strncmp(a, "--scripts", 9) == 0 && takes)
            scripts = val;
        else if (strcmp(a, "-e") == 0)
            eval = val;
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
            cli.quiet = 1;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_overview(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            puts("dvk " DVK_VERSION);
            return 0;
        } else
            return cli_usage_error(NULL, "unknown option '%s'", a);
    }
    cli.scripts_dir = dvk_paths_scripts(scripts);
    cli.datasets_dir = dvk_paths_datasets(NULL);
    cli.progress = !cli.quiet && isatty(STDERR_FILENO);
    if (cli.progress)
        dvk_progress_enable(stderr);
    if (eval)
        return cmd_eval(&cli, eval);
    if (i >= argc) {
        print_overview(stderr);
        return 2;
    }
    if (strcmp(argv[i], "help") == 0) {
        const dvk_command *c = i + 1 < argc ? cli_find_command(argv[i + 1]) : NULL;
        if (c)
            cli_print_help(c, stdout);
        else
            print_overview(stdout);
        return 0;
    }
    const dvk_command *cmd = cli_find_command(argv[i]);
    if (!cmd)
        return cli_usage_error(NULL, "unknown command '%s'", argv[i]);
    return cmd->fn(&cli, argc - i, argv + i);
}
