/* cmd_runs.c: `dvk runs [--province P] [--year Y]`, `dvk runs show N [MODEL]`,
 * `dvk runs finalize N --number NUMBER --date YYYY-MM-DD [--force-date] [--superseded]
 * [--receipt FILE] [--sign KEYFILE]`, `dvk runs receipt N [-o FILE] [--sign KEYFILE]`,
 * `dvk runs revoke N [MODEL...] --number NUMBER --date YYYY-MM-DD --reason TEXT`,
 * `dvk runs delete N` (a draft). */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/runs.h"
#include "dvk/stats.h"

int cmd_runs(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"province", required_argument, 0, 'p'}, {"year", required_argument, 0, 'y'},
        {"number", required_argument, 0, 'N'},   {"date", required_argument, 0, 'd'},
        {"force-date", no_argument, 0, 'F'},     {"superseded", no_argument, 0, 'S'},
        {"receipt", required_argument, 0, 'R'},  {"output", required_argument, 0, 'o'},
        {"reason", required_argument, 0, 'r'},   {"sign", required_argument, 0, 'K'},
        {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("runs");
    const char *province = NULL, *number = NULL, *date = NULL, *receipt = NULL, *output = NULL;
    const char *reason = NULL, *sign = NULL;
    long long year = 0;
    unsigned flags = 0;   /* DVK_FINALIZE_* */
    int c;
    while ((c = cli_getopt(self, argc, argv, "o:", opts)) != -1) {
        switch (c) {
        case 'p': province = cli_optarg; break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &year))
                return cli_usage_error("runs", "--year takes a year such as 2023 (got '%s')",
                                       cli_optarg);
            break;
        case 'N': number = cli_optarg; break;
        case 'd': date = cli_optarg; break;
        case 'F': flags |= DVK_FINALIZE_FORCE_DATE; break;
        case 'S': flags |= DVK_FINALIZE_SUPERSEDED; break;
        case 'R': receipt = cli_optarg; break;
        case 'o': output = cli_optarg; break;
        case 'r': reason = cli_optarg; break;
        case 'K': sign = cli_optarg; break;
        case 'h': return 0;
        default: return 2;
        }
    }
    char **pos = argv + cli_optind;
    int npos = argc - cli_optind;
    const char *sub = npos > 0 ? pos[0] : NULL;
    long long run = 0;
    int revoke = sub && strcmp(sub, "revoke") == 0, del = sub && strcmp(sub, "delete") == 0;
    if (sub && strcmp(sub, "show") != 0 && strcmp(sub, "finalize") != 0 &&
        strcmp(sub, "receipt") != 0 && !revoke && !del)
        return cli_usage_error("runs", "unknown subcommand '%s' (show, finalize, receipt, revoke "
                                       "or delete)", sub);
    if (reason && !revoke)
        return cli_usage_error("runs", "--reason goes with revoke");
    if (receipt && (!sub || strcmp(sub, "finalize") != 0))
        return cli_usage_error("runs", "--receipt goes with finalize (for a final run: runs "
                                       "receipt N -o FILE)");
    if (output && (!sub || strcmp(sub, "receipt") != 0))
        return cli_usage_error("runs", "-o goes with receipt");
    if (sign && (!sub || (strcmp(sub, "finalize") != 0 && strcmp(sub, "receipt") != 0)))
        return cli_usage_error("runs", "--sign goes with finalize or receipt");
    if (sub) {
        if (npos < 2 || cli_parse_int(pos[1], 1, (long long)1 << 62, &run))
            return cli_usage_error("runs", "'%s' needs a run number", sub);
        if (strcmp(sub, "show") == 0 && npos > 3)
            return cli_usage_error("runs", "show takes a run and at most one model code");
        if (strcmp(sub, "receipt") == 0 && (npos > 2 || number || date || flags))
            return cli_usage_error("runs", "receipt takes a run, -o FILE and --sign KEYFILE only");
        if (del && (npos > 2 || number || date || flags))
            return cli_usage_error("runs", "delete takes a run only");
        if (revoke && flags)
            return cli_usage_error("runs", "--force-date and --superseded go with finalize");
        if (revoke && (!number || !date || !reason))
            return cli_usage_error("runs", "revoke needs --number, --date and --reason");
        if (strcmp(sub, "finalize") == 0) {
            if (npos > 2)
                return cli_usage_error("runs", "unexpected argument '%s'", pos[2]);
            if (!number || !date)
                return cli_usage_error("runs", "finalize needs --number and --date");
        }
    } else if (npos > 0 || number || date || flags) {
        return cli_usage_error("runs", "--number, --date, --force-date and --superseded go with "
                                       "finalize");
    }
    if (sub && strcmp(sub, "show") == 0 && (number || date || flags))
        return cli_usage_error("runs", "--number, --date, --force-date and --superseded go with "
                                       "finalize");
    dvk_error err;
    dvk_error_clear(&err);
    int rc;
    /* the key is read before the database is opened: a wrong key file changes nothing */
    dvk_sign_key *key = NULL;
    if (sign && (rc = dvk_sign_key_load(sign, &key, &err)) != DVK_OK)
        return cli_fail(&err);
    int status = 0;
    dvk_store *s = cli_open_store(cli, 0, &status);
    if (!s) {
        dvk_sign_key_free(key);
        return status;
    }
    if (!sub) {
        dvk_run_list l;
        dvk_buf out = DVK_BUF_INIT;
        if ((rc = dvk_runs_list(s, province, (int)year, &l, &err)) == DVK_OK &&
            dvk_run_list_text(&l, &out) != 0)
            rc = dvk_error_set(&err, DVK_ENOMEM, "out of memory");
        if (rc == DVK_OK)
            fwrite(dvk_buf_str(&out), 1, out.len, stdout);
        dvk_buf_free(&out);
        dvk_run_list_free(&l);
    } else if (strcmp(sub, "show") == 0) {
        char *text = dvk_runs_explain_text(s, run, npos > 2 ? pos[2] : NULL, &err);
        rc = text ? DVK_OK : err.code;
        if (text)
            fputs(text, stdout);
        free(text);
    } else if (strcmp(sub, "receipt") == 0) {
        int added = 0;
        rc = key ? dvk_runs_sign(s, run, key, getenv("USER"), &added, &err) : DVK_OK;
        if (rc == DVK_OK)
            rc = dvk_runs_write_receipt(s, run, output, &err);
        if (rc == DVK_OK && key)   /* (to stderr: the receipt may be on standard output) */
            fprintf(stderr, "run %lld %s\n", run, added ? "is signed (audit record \"sign\" added)"
                                                       : "was signed with this key already");
    } else if (revoke) {
        size_t nmodels = (size_t)(npos - 2);
        rc = dvk_runs_revoke(s, run, (const char *const *)(pos + 2), nmodels, number, date,
                             reason, getenv("USER"), &err);
        if (rc == DVK_OK && nmodels == 0)
            printf("run %lld is revoked: decision %s of %s\n", run, number, date);
        for (size_t i = 0; rc == DVK_OK && i < nmodels; i++)
            printf("model %s of run %lld is revoked: decision %s of %s\n", pos[2 + i], run,
                   number, date);
    } else if (del) {
        rc = dvk_runs_delete(s, run, getenv("USER"), &err);
        if (rc == DVK_OK)
            printf("run %lld (a draft) is deleted\n", run);
    } else {
        const dvk_finalize_opts o = {.flags = flags, .receipt = receipt, .sign = key,
                                     .scripts_dir = cli->scripts_dir, .freeze = dvk_stats_freeze};
        rc = dvk_runs_finalize_opts(s, run, number, date, getenv("USER"), &o, &err);
        if (rc == DVK_OK)
            printf("run %lld is final: decision %s of %s\n", run, number, date);
        /* the fingerprint (it holds the audit log's time stamps) only with a receipt, so
         * that finalize prints the same text each time otherwise */
        dvk_store_seal seal;
        if (rc == DVK_OK && receipt && (rc = dvk_store_seal_of(s, run, &seal, &err)) == DVK_OK)
            printf("fingerprint %s; receipt written to %s\n", seal.fingerprint, receipt);
        dvk_sign_public pub;
        char fp[DVK_SIGN_FINGERPRINT_SIZE];
        if (rc == DVK_OK && key && (rc = dvk_sign_key_public(key, &pub, &err)) == DVK_OK &&
            dvk_sign_fingerprint(&pub, fp) == 0)
            printf("signed with key %s (%s)\n", fp, sign);
    }
    dvk_sign_key_free(key);
    dvk_store_close(s);
    return rc == DVK_OK ? 0 : cli_fail(&err);
}
