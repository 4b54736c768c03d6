/* cli.h: the dvk command's shared plumbing: global options, the command table, opening the
 * store, printing errors. Only the CLI layer prints and exits. */
#ifndef DVK_CLI_H
#define DVK_CLI_H

#include <stdio.h>
#include "dvk/error.h"
#include "dvk/store.h"

typedef struct dvk_cli {
    const char *db_path;      /* --db, $DVK_DB, or dvk.db */
    const char *scripts_dir;  /* --scripts, $DVK_SCRIPTS, or the installed scripts/ */
    const char *datasets_dir; /* the installed datasets/ (or the source tree's) */
    int quiet;                /* --quiet: no progress output */
    int progress;             /* 1 when stderr is a terminal and not quiet */
} dvk_cli;

/* A subcommand: argv[0] is the command's name; options follow. Returns the exit status. */
typedef int (*dvk_cmd_fn)(dvk_cli *cli, int argc, char **argv);

typedef struct dvk_command {
    const char *name;
    dvk_cmd_fn fn;
    const char *usage;    /* one line: "dvk import units|models|appraisals FILE.csv [...]" */
    const char *summary;  /* one line of what it does */
    const char *help;     /* the options, one per line, or NULL */
} dvk_command;

extern const dvk_command dvk_commands[];

/* Print "dvk: MESSAGE" to stderr and return the exit status for err's code. */
int cli_fail(const dvk_error *err);
/* Print "dvk: <formatted>" and the command's usage line to stderr; returns 2. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The PDF converter of `dvk COMMAND --format pdf` (render.h, dvk_render_pdf_tool) with its
 * path in prog; NULL after saying on stderr that none is installed and what to do. */
const char *cli_pdf_tool(const char *command, char *prog, size_t n);
/* Print a command's usage, summary and help to out. */
void cli_print_help(const dvk_command *cmd, FILE *out);
const dvk_command *cli_find_command(const char *name);
/* Open cli->db_path with flags; prints the error and returns NULL on failure. */
dvk_store *cli_open_store(dvk_cli *cli, int flags, int *status);

struct option;
/* Like getopt_long on argv (argv[0] is the command name); a new argv starts a new parse.
 * Returns -1 at the end (positional arguments are then argv[cli_optind..argc)), 'h' for
 * --help (already printed: the caller returns 0), '?' for a bad option or a missing value
 * (already printed: the caller returns 2). cli_optarg is the option's value. Arguments are
 * permuted as GNU getopt does; a shortopts starting with '+' stops at the first positional. */
int cli_getopt(const dvk_command *cmd, int argc, char **argv, const char *shortopts,
               const struct option *longopts);
extern char *cli_optarg;
extern int cli_optind;

/* Parse a decimal integer in [lo, hi]; returns 0 on success. */
int cli_parse_int(const char *s, long long lo, long long hi, long long *out);

/* Commands (engine/cli/cmd_<name>.c). */
int cmd_init(dvk_cli *, int, char **);
int cmd_import(dvk_cli *, int, char **);
int cmd_export(dvk_cli *, int, char **);
int cmd_template(dvk_cli *, int, char **);
int cmd_decide(dvk_cli *, int, char **);
int cmd_runs(dvk_cli *, int, char **);
int cmd_report(dvk_cli *, int, char **);
int cmd_diff(dvk_cli *, int, char **);
int cmd_stats(dvk_cli *, int, char **);
int cmd_test(dvk_cli *, int, char **);
int cmd_repl(dvk_cli *, int, char **);
int cmd_exec(dvk_cli *, int, char **);
int cmd_demo(dvk_cli *, int, char **);
int cmd_synth(dvk_cli *, int, char **);
int cmd_verify(dvk_cli *, int, char **);
int cmd_keys(dvk_cli *, int, char **);
int cmd_check(dvk_cli *, int, char **);
int cmd_council(dvk_cli *, int, char **);
int cmd_sheets(dvk_cli *, int, char **);
/* `dvk -e CODE`: run one chunk of Lua with the REPL's API (engine/cli/cmd_exec.c). */
int cmd_eval(dvk_cli *, const char *code);

#endif
