/* cli.c: plumbing shared by the subcommands: errors, usage, option parsing, opening the store. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/render.h"

char *cli_optarg;
int cli_optind;

int cli_fail(const dvk_error *err)
{
    fprintf(stderr, "dvk: %s\n", err->msg[0] ? err->msg : "unknown error");
    return dvk_error_exit_status(err->code ? err->code : DVK_EDATA);
}

const dvk_command *cli_find_command(const char *name)
{
    for (const dvk_command *c = dvk_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fputs("dvk: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    const dvk_command *c = command ? cli_find_command(command) : NULL;
    if (c)
        fprintf(stderr, "usage: %s\n", c->usage);
    else
        fputs("usage: dvk [--db FILE] [--scripts DIR] [--quiet] COMMAND [ARGS]; see 'dvk help'\n", stderr);
    return 2;
}

void cli_print_help(const dvk_command *cmd, FILE *out)
{
    fprintf(out, "usage: %s\n\n%s\n", cmd->usage, cmd->summary);
    if (cmd->help)
        fprintf(out, "\noptions:\n%s", cmd->help);
    fputs("\nglobal options: --db FILE (default ./dvk.db or $DVK_DB), --scripts DIR, --quiet\n"
          "exit codes: 0 ok, 1 the work failed (bad data, script error), 2 bad usage\n", out);
}

int cli_getopt(const dvk_command *cmd, int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
    static const struct option none[] = {{0, 0, 0, 0}};
    char spec[128];
    /* Leading ':' so we report missing arguments ourselves; 'h' for -h. */
    if (!shortopts)
        shortopts = "";
    if (shortopts[0] == '+')
        snprintf(spec, sizeof spec, "+:%sh", shortopts + 1);
    else
        snprintf(spec, sizeof spec, ":%sh", shortopts);
    /* A new argv starts a new parse. --help is always accepted: look for it by hand so each
     * command need not list it. */
    static char **current;
    if (argv != current) {
        current = argv;
        for (int i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--") == 0)
                break;
            if (strcmp(argv[i], "--help") == 0) {
                cli_print_help(cmd, stdout);
                return 'h';
            }
        }
        optind = 0; /* glibc: 0 re-initialises getopt completely */
    }
    opterr = 0;
    int idx = 0;
    int c = getopt_long(argc, argv, spec, longopts ? longopts : none, &idx);
    cli_optarg = optarg;
    cli_optind = optind;
    if (c == -1)
        return -1; /* positional arguments are argv[cli_optind..argc) */
    if (c == 'h') {
        cli_print_help(cmd, stdout);
        return 'h';
    }
    if (c == '?' || c == ':') {
        const char *bad = argv[optind - 1];
        if (c == ':')
            cli_usage_error(cmd->name, "option '%s' needs a value", bad);
        else
            cli_usage_error(cmd->name, "unknown option '%s'", bad);
        return '?';
    }
    return c;
}

int cli_parse_int(const char *s, long long lo, long long hi, long long *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

dvk_store *cli_open_store(dvk_cli *cli, int flags, int *status)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(cli->db_path, flags, &err);
    if (!s)
        *status = cli_fail(&err);
    else
        *status = 0;
    return s;
}

const char *cli_pdf_tool(const char *command, char *prog, size_t n)
{
    const char *tool = dvk_render_pdf_tool(prog, n);
    if (!tool)
        fprintf(stderr, "dvk %s: PDF needs LibreOffice (soffice) or Chromium, and neither is "
                "installed: install libreoffice-writer-nogui, or write --format docx (or html) "
                "and print that; nothing written\n", command);
    return tool;
}
