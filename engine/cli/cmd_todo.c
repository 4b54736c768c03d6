/* cmd_todo.c: placeholders for commands whose module is still being written. Each line goes
 * away in the commit that implements the command in engine/cli/cmd_<name>.c. */
#include "cli/cli.h"

static int todo(const char *name)
{
    dvk_error err;
    dvk_error_set(&err, DVK_EUSAGE, "'dvk %s' is not available in this build yet", name);
    return cli_fail(&err);
}

int cmd_repl(dvk_cli *c, int argc, char **argv) { return todo("repl"); }
int cmd_exec(dvk_cli *c, int argc, char **argv) { return todo("exec"); }
int cmd_eval(dvk_cli *c, const char *code) { return todo("-e"); }
