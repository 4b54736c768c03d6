/* commands.c: the table of dvk's subcommands: name, handler, usage and help. The usage text
 * is the help: `dvk help`, `dvk CMD --help` and usage errors all print from here. */
#include "cli/cli.h"

#include <stddef.h>

const dvk_command dvk_commands[] = {
    {"init", cmd_init, "dvk init",
     "create the database, or upgrade it to this version's schema",
     "  loads the fields declared by every province script into the database\n"},
    {"import", cmd_import, "dvk import units|models|appraisals FILE.csv [--skip-bad REJECTS.csv] [--dry-run]",
     "import a CSV file: every row is checked; a bad file imports nothing", NULL},
    {"export", cmd_export, "dvk export models|results [--run N] [--format csv|json] [--bom] [-o FILE]",
     "export models or a run's results", NULL},
    {"decide", cmd_decide, "dvk decide --province P --year Y --level L [--unit CODE] [--dry-run]",
     "run the province script over a year's candidates and store the decision run", NULL},
    {"runs", cmd_runs, "dvk runs [show N [MODEL] | finalize N --number NUMBER --date DATE]",
     "list runs, explain a run's models, or make a run final", NULL},
    {"report", cmd_report, "dvk report RUN NAME [--format md|html|csv|xlsx|json] [-o FILE] | dvk report --list",
     "render a report of a run", NULL},
    {"diff", cmd_diff, "dvk diff RUN_A RUN_B", "what-if: which models changed outcome or rank, and why", NULL},
    {"stats", cmd_stats, "dvk stats --province P --year Y [--by field|unit|level|kind|registration] [--level L] [--unit CODE]",
     "registered / recognised / exemplary counts, as provinces publish them",
     "  --by KEY       group by field (default), unit, level, kind or registration\n"
     "  --level L      models registered at level L, and those recognised or proposed by the\n"
     "                 decisions at level L (candidates proposed from below included)\n"
     "  --unit CODE    only models of that unit and the units under it\n"
     "  --format F     table, box, csv, markdown or json\n"
     "  --successors   count units that no longer exist under their successors\n"},
    {"test", cmd_test, "dvk test [FILE_test.lua ...]", "run the province scripts' tests", NULL},
    {"repl", cmd_repl, "dvk repl [--province P]", "interactive Lua over the database", NULL},
    {"exec", cmd_exec, "dvk exec FILE.lua [ARGS...]", "run a Lua file with the same API as the REPL", NULL},
    {"demo", cmd_demo, "dvk demo [--out DIR]",
     "build a fresh database from the bundled datasets and run every province end to end",
     "  --out DIR      folder for the database and reports (default: a new temporary folder)\n"},
    {"synth", cmd_synth, "dvk synth --models N [--seed S] [-o FILE]",
     "write a synthetic models CSV for scale tests", NULL},
    {"verify", cmd_verify, "dvk verify",
     "check the database: integrity, the audit hash chain and every final run's digest", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};
