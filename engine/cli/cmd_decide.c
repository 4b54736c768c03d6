/* cmd_decide.c: `dvk decide --province P --year Y --level L [--unit CODE | --each-unit]
 * [--dry-run] [--compare RUN] [--verbose] [--allow-missing-scores]`: run the province script
 * over the candidates and store the run (or only print it); --each-unit makes one run for
 * every deciding unit of the level, all stored or none (dvk_decide_each), and prints a table;
 * --compare prints the diff against an earlier run; --verbose sends the scripts' print() to
 * stderr; --allow-missing-scores decides although eligible candidates lack council scores (a
 * warning says how many). */
#include "cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/decide.h"
#include "dvk/table.h"

static void progress(void *ud, long long done, long long total)
{
    if (total > 0)
        fprintf(stderr, "\rdecide: %lld / %lld models", done, total);
    else
        fprintf(stderr, "\rdecide: %lld models", done);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
    stop = 1;
}

static void print_err(void *ud, const char *s, size_t n)
{
    fwrite(s, 1, n, stderr);
}

/* --each-unit: the runs, then one row a unit and the totals. */
static int decide_each(dvk_cli *cli, dvk_store *s, const dvk_decide_opts *o, dvk_error *err)
{
    dvk_decide_unit *u = NULL;
    size_t n = 0;
    int rc = dvk_decide_each(s, cli->scripts_dir, o, &u, &n, err);
    if (rc != DVK_OK)
        return rc;
    static const char *const headers[] = {"đơn vị", "tên", "đợt xét", "ứng viên", "công nhận",
                                          "điển hình", "đề nghị lên trên"};
    dvk_table *t = dvk_table_new(7, headers);
    long long tot[4] = {0}, runs = 0, missing = 0;
    for (int c = 3; c < 7; c++)
        dvk_table_set_numeric(t, c, 1);
    for (size_t i = 0; rc == DVK_OK && i < n; i++) {
        const dvk_decide_summary *m = &u[i].sum;
        char run[32], v[4][32];
        if (m->run)
            snprintf(run, sizeof run, "%lld", m->run);
        else
            snprintf(run, sizeof run, "%s", m->candidates ? "(thử)" : "-");
        long long vals[4] = {m->candidates, m->recognised, m->exemplary, m->proposed};
        for (int k = 0; k < 4; k++) {
            snprintf(v[k], sizeof v[k], "%lld", vals[k]);
            tot[k] += vals[k];
        }
        runs += m->candidates > 0;
        missing += m->missing_scores;
        const char *cells[] = {u[i].code, u[i].name, run, v[0], v[1], v[2], v[3]};
        rc = dvk_table_add_row(t, cells, err);
    }
    if (rc == DVK_OK) {
        char v[4][32];
        for (int k = 0; k < 4; k++)
            snprintf(v[k], sizeof v[k], "%lld", tot[k]);
        const char *cells[] = {"", "Tổng cộng", "", v[0], v[1], v[2], v[3]};
        rc = dvk_table_add_row(t, cells, err);
    }
    if (rc == DVK_OK) {
        printf("%s%s %d %s: %lld of %zu units decided (%s)\n",
               o->dry_run ? "dry run (nothing written): " : "", o->province, o->year, o->level,
               runs, n, o->dry_run ? "every unit evaluated" : "all stored in one transaction");
        rc = dvk_table_write(t, stdout, dvk_table_default_mode(stdout), err);
    }
    if (rc == DVK_OK && missing > 0)
        fprintf(stderr, "dvk: warning: %lld eligible candidate%s without council scores "
                "(--allow-missing-scores)\n", missing, missing == 1 ? "" : "s");
    dvk_table_free(t);
    free(u);
    return rc;
}

int cmd_decide(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"province", required_argument, 0, 'p'}, {"year", required_argument, 0, 'y'},
        {"level", required_argument, 0, 'l'},    {"unit", required_argument, 0, 'u'},
        {"dry-run", no_argument, 0, 'n'},        {"verbose", no_argument, 0, 'v'},
        {"compare", required_argument, 0, 'c'},
        {"allow-missing-scores", no_argument, 0, 'M'},
        {"each-unit", no_argument, 0, 'E'},
        {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("decide");
    dvk_decide_opts o = {0};
    long long year = 0, compare = 0;
    int c, verbose = 0, each = 0;
    while ((c = cli_getopt(self, argc, argv, "", opts)) != -1) {
        switch (c) {
        case 'p': o.province = cli_optarg; break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &year))
                return cli_usage_error("decide", "--year takes a year such as 2023 (got '%s')",
                                       cli_optarg);
            break;
        case 'l': o.level = cli_optarg; break;
        case 'u': o.unit = cli_optarg; break;
        case 'n': o.dry_run = 1; break;
        case 'v': verbose = 1; break;
        case 'M': o.allow_missing_scores = 1; break;
        case 'E': each = 1; break;
        case 'c':
            if (cli_parse_int(cli_optarg, 1, (long long)1 << 62, &compare))
                return cli_usage_error("decide", "--compare takes a run number (got '%s')",
                                       cli_optarg);
            break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (cli_optind < argc)
        return cli_usage_error("decide", "unexpected argument '%s'", argv[cli_optind]);
    if (!o.province || !year || !o.level)
        return cli_usage_error("decide", "--province, --year and --level are required");
    if (compare && o.dry_run)
        return cli_usage_error("decide", "--compare needs a stored run (drop --dry-run)");
    if (each && (o.unit || compare))
        return cli_usage_error("decide", "--each-unit decides every unit of the level: drop "
                               "%s", o.unit ? "--unit" : "--compare");
    o.year = (int)year;
    o.actor = getenv("USER");
    if (cli->progress)
        o.progress = progress;
    if (verbose)
        o.print = print_err;
    int status = 0;
    dvk_store *s = cli_open_store(cli, 0, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    dvk_decide_summary sum;
    o.interrupted = &stop;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    if (each) {
        int erc = decide_each(cli, s, &o, &err);
        sigaction(SIGINT, &old, NULL);
        dvk_store_close(s);
        return erc == DVK_OK ? 0 : cli_fail(&err);
    }
    int rc = dvk_decide(s, cli->scripts_dir, &o, &sum, &err);
    sigaction(SIGINT, &old, NULL);
    if (rc == DVK_OK && sum.missing_scores > 0)
        fprintf(stderr, "dvk: warning: %lld eligible candidate%s without council scores "
                "(--allow-missing-scores)\n", sum.missing_scores,
                sum.missing_scores == 1 ? "" : "s");
    if (rc == DVK_OK) {
        dvk_buf out = DVK_BUF_INIT;
        if (dvk_decide_summary_text(&sum, &o, &out) != 0)
            rc = dvk_error_set(&err, DVK_ENOMEM, "out of memory");
        else
            fwrite(dvk_buf_str(&out), 1, out.len, stdout);
        dvk_buf_free(&out);
    }
    if (rc == DVK_OK && compare) {
        long long changed = 0;
        putchar('\n');
        char *diff = dvk_runs_diff_text(s, compare, sum.run, &changed, &err);
        if (diff)
            fputs(diff, stdout);
        else
            rc = err.code;
        free(diff);
    }
    dvk_store_close(s);
    return rc == DVK_OK ? 0 : cli_fail(&err);
}
