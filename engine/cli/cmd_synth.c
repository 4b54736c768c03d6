/* cmd_synth.c: `dvk synth --models N [--seed S] ...`: a deterministic synthetic models CSV
 * for scale tests, from the database's units and fields or the built-in province. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dvk/script.h"
#include "dvk/synth.h"

int cmd_synth(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"models", required_argument, 0, 'n'},    {"seed", required_argument, 0, 's'},
        {"year", required_argument, 0, 'y'},      {"province", required_argument, 0, 'p'},
        {"output", required_argument, 0, 'o'},    {"units-out", required_argument, 0, 'u'},
        {"fields-out", required_argument, 0, 'f'}, {"builtin", no_argument, 0, 'b'},
        {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("synth");
    dvk_synth_opts o;
    memset(&o, 0, sizeof o);
    o.models = -1;
    o.seed = 1;
    o.levels = dvk_script_levels;   /* a province's levels come from its script */
    o.levels_ud = (void *)cli->scripts_dir;
    const char *out = NULL, *units = NULL, *fields = NULL;
    int builtin = 0, c;
    long long v;
    while ((c = cli_getopt(self, argc, argv, "o:", opts)) != -1) {
        switch (c) {
        case 'n':
            if (cli_parse_int(cli_optarg, 0, 1000000000LL, &v))
                return cli_usage_error("synth", "--models takes a count from 0 to 1000000000 (got '%s')", cli_optarg);
            o.models = v;
            break;
        case 's':
            if (cli_parse_int(cli_optarg, 0, (1LL << 62), &v))
                return cli_usage_error("synth", "--seed takes a non-negative integer (got '%s')", cli_optarg);
            o.seed = (unsigned long long)v;
            break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &v))
                return cli_usage_error("synth", "--year takes a year such as 2023 (got '%s')", cli_optarg);
            o.year = (int)v;
            break;
        case 'p': o.province = cli_optarg; break;
        case 'o': out = cli_optarg; break;
        case 'u': units = cli_optarg; builtin = 1; break;
        case 'f': fields = cli_optarg; builtin = 1; break;
        case 'b': builtin = 1; break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (cli_optind < argc)
        return cli_usage_error("synth", "unexpected argument '%s'", argv[cli_optind]);
    if (o.models < 0)
        return cli_usage_error("synth", "--models N is required");
    if (builtin && o.province)
        return cli_usage_error("synth", "--province selects units of the database; the built-in province is %s",
                               DVK_SYNTH_PROVINCE);
    dvk_store *s = NULL;
    if (!builtin && access(cli->db_path, F_OK) == 0) {
        int status;
        if (!(s = cli_open_store(cli, DVK_STORE_READONLY, &status)))
            return status;
        o.store = s;
    } else if (o.province) {
        return cli_usage_error("synth", "--province needs a database (%s does not exist)", cli->db_path);
    }
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_synth_models(&o, out, units, fields, &err);
    int from_db = s != NULL;
    dvk_store_close(s);
    if (rc)
        return cli_fail(&err);
    if (out && strcmp(out, "-") != 0 && !cli->quiet)
        printf("%s: %lld synthetic model%s (%s)\n", out, o.models, o.models == 1 ? "" : "s",
               from_db ? "units of the database" : "built-in province " DVK_SYNTH_PROVINCE);
    return 0;
}
