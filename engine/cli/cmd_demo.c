/* cmd_demo.c: `dvk demo`: the bundled datasets end to end. A fresh database in a folder;
 * the fields of every province script; every units, models and appraisals CSV; every
 * decision listed in datasets/demo.csv; the reports; and each published figure of
 * datasets/figures.csv next to what the province scripts produced. Exit 1 when a figure does
 * not match. */
#include "cli/cli.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dvk/csv.h"
#include "dvk/import.h"
#include "dvk/decide.h"
#include "dvk/doc.h"
#include "dvk/render.h"
#include "dvk/report.h"
#include "dvk/script.h"
#include "dvk/stats.h"
#include "dvk/table.h"

#define DEMO_MAX_FILES 256
#define DEMO_MAX_COLS 16

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.csv files of dir, sorted by name (so "00-tinh.csv" comes first). */
static int list_csv(const char *dir, char **out, int max)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0 && e->d_name[0] != '.') {
            size_t need = strlen(dir) + len + 2;
            out[n] = malloc(need);
            if (!out[n])
                break;
            snprintf(out[n++], need, "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    qsort(out, (size_t)n, sizeof *out, cmp_str);
    return n;
}

/* A small table read from a CSV file with a header: rows of named cells. */
typedef struct demo_table {
    int ncols;
    char *cols[DEMO_MAX_COLS];
    int nrows, cap;
    char **cells; /* nrows * ncols */
} demo_table;

static int table_rec(void *ud, const dvk_csv_record *rec, dvk_error *err)
{
    demo_table *t = ud;
    if (t->ncols == 0) {
        for (size_t i = 0; i < rec->nfields && i < DEMO_MAX_COLS; i++)
            t->cols[t->ncols++] = strdup(rec->field[i]);
        return DVK_OK;
    }
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        char **nc = realloc(t->cells, (size_t)t->cap * (size_t)t->ncols * sizeof *nc);
        if (!nc)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        t->cells = nc;
    }
    for (int i = 0; i < t->ncols; i++)
        t->cells[t->nrows * t->ncols + i] = strdup((size_t)i < rec->nfields ? rec->field[i] : "");
    t->nrows++;
    return DVK_OK;
}

static int table_load(demo_table *t, const char *path, dvk_error *err)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        return dvk_error_set(err, DVK_EIO, "%s: cannot open", path);
    int rc = dvk_csv_read(f, path, 0, table_rec, t, NULL, NULL, 0, err);
    fclose(f);
    return rc;
}

static const char *cell(const demo_table *t, int row, const char *col)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], col) == 0)
            return t->cells[row * t->ncols + i];
    return "";
}

static void table_free(demo_table *t)
{
    for (int i = 0; i < t->ncols; i++)
        free(t->cols[i]);
    for (int i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
}

static int import_dir(dvk_cli *cli, dvk_store *s, const char *datasets, const char *sub,
                      dvk_import_table table, long long *rows, dvk_error *err)
{
    char dir[4096], *files[DEMO_MAX_FILES];
    snprintf(dir, sizeof dir, "%s/%s", datasets, sub);
    int n = list_csv(dir, files, DEMO_MAX_FILES), rc = DVK_OK;
    for (int i = 0; i < n; i++) {
        if (rc == DVK_OK) {
            dvk_import_opts o = {.levels = dvk_script_levels, .levels_ud = (void *)cli->scripts_dir};
            dvk_import_result res = {0};
            rc = dvk_import(s, table, files[i], &o, &res, err);
            for (int m = 0; rc && m < res.nmessages; m++)
                fprintf(stderr, "dvk: %s\n", res.messages[m]);
            *rows += res.rows;
            dvk_import_result_free(&res);
        }
        free(files[i]);
    }
    return rc;
}

/* Parse "2023" or "2017-2020" into [from, to]. */
static int parse_years(const char *s, int *from, int *to)
{
    long long a, b;
    char buf[32];
    snprintf(buf, sizeof buf, "%s", s);
    char *dash = strchr(buf, '-');
    if (dash)
        *dash = '\0';
    if (cli_parse_int(buf, 1900, 2200, &a))
        return -1;
    b = a;
    if (dash && cli_parse_int(dash + 1, 1900, 2200, &b))
        return -1;
    *from = (int)a;
    *to = (int)b;
    return 0;
}

/* The value of one published figure as the database now says. what: registered,
 * recognised, exemplary, proposed, or units_recognising (units directly under the province
 * that recognised at least one model at the level). Columns: province, year ("2023" or
 * "2017-2020", summed), unit (optional scope), what, by (empty/total, field, unit, kind,
 * registration, or level: then key is the level of the decisions), key, value. */
static int measure(dvk_store *s, const demo_table *f, int row, long long *value, dvk_error *err)
{
    const char *province = cell(f, row, "province"), *what = cell(f, row, "what");
    const char *by = cell(f, row, "by"), *key = cell(f, row, "key"), *unit = cell(f, row, "unit");
    const char *level = NULL;
    /* "by level L" counts what the decisions at level L did: registered at L, recognised or
     * proposed by L's runs (models proposed from below included). */
    if (strcmp(by, "level") == 0) {
        level = key;
        by = "total";
    }
    int from, to;
    if (parse_years(cell(f, row, "year"), &from, &to))
        return dvk_error_set(err, DVK_EDATA, "figures.csv: row %d: bad year '%s'", row + 2, cell(f, row, "year"));
    int units = strcmp(what, "units_recognising") == 0;
    int grouping = units ? DVK_BY_UNIT : (!*by || strcmp(by, "total") == 0) ? DVK_BY_FIELD : dvk_stats_by_parse(by);
    if (grouping < 0)
        return dvk_error_set(err, DVK_EDATA, "figures.csv: row %d: unknown grouping '%s'", row + 2, by);
    *value = 0;
    for (int y = from; y <= to; y++) {
        dvk_stats st;
        int rc = dvk_stats_compute(s, province, y, level, *unit ? unit : NULL, (dvk_stats_by)grouping, 0,
                                   &st, err);
        if (rc)
            return rc;
        for (int i = -1; i < st.nrows; i++) {
            const dvk_stats_row *r = i < 0 ? &st.total : &st.rows[i];
            if (units) {
                if (i >= 0 && r->recognised > 0)
                    (*value)++;
                continue;
            }
            int wanted = (!*by || strcmp(by, "total") == 0) ? i < 0 : (i >= 0 && strcmp(r->key, key) == 0);
            if (!wanted)
                continue;
            if (strcmp(what, "registered") == 0) *value += r->registered;
            else if (strcmp(what, "recognised") == 0) *value += r->recognised;
            else if (strcmp(what, "exemplary") == 0) *value += r->exemplary;
            else if (strcmp(what, "proposed") == 0) *value += r->proposed;
            else {
                dvk_stats_free(&st);
                return dvk_error_set(err, DVK_EDATA, "figures.csv: row %d: unknown measure '%s'", row + 2, what);
            }
        }
        dvk_stats_free(&st);
    }
    return DVK_OK;
}

/* A decision the demo ran, for its reports. */
typedef struct demo_run {
    long long id;
    char province[64], level[16], unit[128];
    int year;
    int each;   /* one of the runs of a "*" row (--each-unit) */
} demo_run;

#define DEMO_MAX_RUNS 256

/* A demo.csv row with unit "*": one run for every deciding unit of the level, all stored
 * in one transaction (dvk_decide_each, as `dvk decide --each-unit`). */
static int decide_each(dvk_cli *cli, dvk_store *s, const dvk_decide_opts *o, demo_run *runs,
                       int *nruns, dvk_error *err)
{
    dvk_decide_unit *u = NULL;
    size_t n = 0;
    int rc = dvk_decide_each(s, cli->scripts_dir, o, &u, &n, err);
    long long tot[4] = {0};
    int decided = 0;
    for (size_t k = 0; rc == DVK_OK && k < n; k++) {
        const dvk_decide_summary *m = &u[k].sum;
        if (!m->run)
            continue;
        decided++;
        tot[0] += m->candidates;
        tot[1] += m->recognised;
        tot[2] += m->exemplary;
        tot[3] += m->proposed;
        if (*nruns < DEMO_MAX_RUNS) {
            demo_run *r = &runs[(*nruns)++];
            r->id = m->run;
            r->year = o->year;
            snprintf(r->province, sizeof r->province, "%s", o->province);
            snprintf(r->level, sizeof r->level, "%s", o->level);
            snprintf(r->unit, sizeof r->unit, "%s", u[k].code);
            r->each = 1;
        }
    }
    if (rc == DVK_OK)
        printf("  runs %lld-%lld: %s %d %s, each of %d units (--each-unit): %lld candidates, "
               "%lld recognised, %lld exemplary, %lld proposed\n",
               decided ? runs[*nruns - decided].id : 0, decided ? runs[*nruns - 1].id : 0,
               o->province, o->year, o->level, decided, tot[0], tot[1], tot[2], tot[3]);
    free(u);
    return rc;
}

static int run_decisions(dvk_cli *cli, dvk_store *s, const char *datasets, demo_run *runs, int *nruns,
                         dvk_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/demo.csv", datasets);
    demo_table t;
    int rc = table_load(&t, path, err);
    for (int i = 0; rc == DVK_OK && i < t.nrows; i++) {
        long long year;
        if (cli_parse_int(cell(&t, i, "year"), 1900, 2200, &year)) {
            rc = dvk_error_set(err, DVK_EDATA, "%s: row %d: bad year", path, i + 2);
            break;
        }
        const char *unit = cell(&t, i, "unit");
        dvk_decide_opts o = {.province = cell(&t, i, "province"), .year = (int)year,
                             .level = cell(&t, i, "level"), .unit = *unit ? unit : NULL};
        if (strcmp(unit, "*") == 0) {   /* every deciding unit: dvk decide --each-unit */
            o.unit = NULL;
            rc = decide_each(cli, s, &o, runs, nruns, err);
            continue;
        }
        dvk_decide_summary sum;
        rc = dvk_decide(s, cli->scripts_dir, &o, &sum, err);
        if (rc == DVK_OK && *nruns < DEMO_MAX_RUNS) {
            demo_run *r = &runs[(*nruns)++];
            r->id = sum.run;
            r->year = (int)year;
            snprintf(r->province, sizeof r->province, "%s", o.province);
            snprintf(r->level, sizeof r->level, "%s", o.level);
            snprintf(r->unit, sizeof r->unit, "%s", unit);
            printf("  run %lld: %s %d %s%s%s: %lld candidates, %lld recognised, %lld exemplary, %lld proposed\n",
                   sum.run, o.province, o.year, o.level, *unit ? " " : "", unit, sum.candidates, sum.recognised,
                   sum.exemplary, sum.proposed);
        }
    }
    table_free(&t);
    return rc;
}

/* Render report name of run into dir/<file>.<ext> in each format. */
static int write_report(dvk_cli *cli, dvk_store *s, const char *dir, long long run, const char *name,
                        const char *file, const dvk_format *formats, int nformats, int *written,
                        dvk_error *err)
{
    dvk_doc *doc = dvk_doc_new();
    if (!doc)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    dvk_report_opts o = {.scripts_dir = cli->scripts_dir, .run = run, .name = name};
    int rc = dvk_report_run(s, &o, doc, err);
    for (int i = 0; rc == DVK_OK && i < nformats; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s.%s", dir, file, dvk_render_format_name(formats[i]));
        const dvk_outfile_keep keep = {.db = dvk_store_path(s)};
        if ((rc = dvk_render_file(doc, formats[i], path, &keep, err)) == DVK_OK)
            (*written)++;
    }
    dvk_doc_free(doc);
    return rc;
}

/* The decision of every run (of a "*" row: one per deciding unit, named by the unit's
 * code after its last '/'), and for each province's last run its statistics and coverage. */
static int write_reports(dvk_cli *cli, dvk_store *s, const char *dir, const demo_run *runs, int nruns,
                         int *written, dvk_error *err)
{
    char rdir[4200];
    snprintf(rdir, sizeof rdir, "%s/reports", dir);
    if (mkdir(rdir, 0777) != 0 && access(rdir, W_OK) != 0)
        return dvk_error_set(err, DVK_EIO, "%s: cannot create the reports folder", rdir);
    const dvk_format decision[] = {DVK_FORMAT_HTML, DVK_FORMAT_MD};
    const dvk_format tables[] = {DVK_FORMAT_HTML, DVK_FORMAT_XLSX, DVK_FORMAT_CSV, DVK_FORMAT_MD};
    int rc = DVK_OK;
    for (int i = 0; rc == DVK_OK && i < nruns; i++) {
        const demo_run *r = &runs[i];
        char file[512], unit[128];
        const char *slash = strrchr(r->unit, '/');
        snprintf(unit, sizeof unit, "%s%s", *r->unit ? "-" : "", slash ? slash + 1 : r->unit);
        snprintf(file, sizeof file, "%s-%d-%s%s-quyet-dinh", r->province, r->year, r->level, unit);
        rc = write_report(cli, s, rdir, r->id, "quyet-dinh", file, decision, 2, written, err);
        int last = i + 1 == nruns || strcmp(runs[i + 1].province, r->province) != 0;
        if (rc == DVK_OK && last) {
            snprintf(file, sizeof file, "%s-%d-thong-ke", r->province, r->year);
            rc = write_report(cli, s, rdir, r->id, "thong-ke", file, tables, 4, written, err);
        }
        if (rc == DVK_OK && last) {
            snprintf(file, sizeof file, "%s-%d-bao-phu", r->province, r->year);
            rc = write_report(cli, s, rdir, r->id, "bao-phu", file, tables, 4, written, err);
        }
    }
    return rc;
}

static int check_figures(dvk_store *s, const char *datasets, int *mismatches, dvk_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/figures.csv", datasets);
    demo_table f;
    int rc = table_load(&f, path, err);
    if (rc)
        return rc;
    const char *headers[] = {"tỉnh", "năm", "đơn vị", "chỉ số", "theo", "nhóm", "công bố", "dvk", "khớp"};
    dvk_table *out = dvk_table_new(9, headers);
    for (int i = 0; rc == DVK_OK && i < f.nrows; i++) {
        long long v = 0;
        if ((rc = measure(s, &f, i, &v, err)))
            break;
        long long published;
        if (cli_parse_int(cell(&f, i, "value"), 0, 1000000000, &published)) {
            rc = dvk_error_set(err, DVK_EDATA, "%s: row %d: bad value", path, i + 2);
            break;
        }
        char pub[32], got[32];
        snprintf(pub, sizeof pub, "%lld", published);
        snprintf(got, sizeof got, "%lld", v);
        if (v != published)
            (*mismatches)++;
        const char *cells[] = {cell(&f, i, "province"), cell(&f, i, "year"), cell(&f, i, "unit"),
                               cell(&f, i, "what"), cell(&f, i, "by"), cell(&f, i, "key"), pub, got,
                               v == published ? "✓" : "✗ KHÁC"};
        rc = dvk_table_add_row(out, cells, err);
    }
    if (rc == DVK_OK) {
        printf("\nSố liệu công bố và kết quả dvk (published figures and what the province scripts produced):\n");
        rc = dvk_table_write(out, stdout, dvk_table_default_mode(stdout), err);
    }
    dvk_table_free(out);
    table_free(&f);
    return rc;
}

int cmd_demo(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("demo");
    const char *out = NULL;
    int c;
    while ((c = cli_getopt(self, argc, argv, "o:", opts)) != -1) {
        if (c == 'o')
            out = cli_optarg;
        else
            return c == 'h' ? 0 : 2;
    }
    if (cli_optind < argc)
        return cli_usage_error("demo", "unexpected argument '%s'", argv[cli_optind]);
    char dir[4096];
    if (out) {
        snprintf(dir, sizeof dir, "%s", out);
        if (mkdir(dir, 0777) != 0 && access(dir, W_OK) != 0) {
            fprintf(stderr, "dvk: %s: cannot create or write to this folder\n", dir);
            return 1;
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/dvk-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            perror("dvk: creating the demo folder");
            return 1;
        }
    }
    char db[4200];
    snprintf(db, sizeof db, "%s/dvk.db", dir);
    /* The demo always starts from a fresh database. */
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[4300];
        snprintf(p, sizeof p, "%s%s", db, suffixes[i]);
        unlink(p);
    }
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(db, DVK_STORE_CREATE, &err);
    if (!s)
        return cli_fail(&err);
    printf("dvk demo: database %s\n", db);
    long long units = 0, models = 0, appraisals = 0;
    int nruns = 0, mismatches = 0, written = 0, rc;
    demo_run *runs = calloc(DEMO_MAX_RUNS, sizeof *runs);
    if (!runs) {
        dvk_store_close(s);
        return cli_fail(&(dvk_error){DVK_ENOMEM, "out of memory"});
    }
    int nprov = dvk_script_sync_fields(s, cli->scripts_dir, &err);
    rc = nprov < 0 ? err.code : DVK_OK;
    if (rc == DVK_OK)
        printf("  fields of %d province scripts loaded from %s\n", nprov, cli->scripts_dir);
    if (rc == DVK_OK && !(rc = import_dir(cli, s, cli->datasets_dir, "units", DVK_IMPORT_UNITS, &units, &err)) &&
        !(rc = import_dir(cli, s, cli->datasets_dir, "models", DVK_IMPORT_MODELS, &models, &err)) &&
        !(rc = import_dir(cli, s, cli->datasets_dir, "appraisals", DVK_IMPORT_APPRAISALS, &appraisals, &err)))
        printf("  imported %lld units, %lld models, %lld appraisal scores from %s\n", units, models, appraisals,
               cli->datasets_dir);
    if (rc == DVK_OK && !(rc = run_decisions(cli, s, cli->datasets_dir, runs, &nruns, &err)))
        printf("  %d decision runs stored (dvk --db %s runs)\n", nruns, db);
    if (rc == DVK_OK && !(rc = write_reports(cli, s, dir, runs, nruns, &written, &err)))
        printf("  %d report files written to %s/reports\n", written, dir);
    free(runs);
    if (rc == DVK_OK)
        rc = check_figures(s, cli->datasets_dir, &mismatches, &err);
    dvk_store_close(s);
    if (rc)
        return cli_fail(&err);
    if (mismatches) {
        fprintf(stderr, "dvk: %d published figure(s) not reproduced\n", mismatches);
        return 1;
    }
    printf("\nEvery published figure is reproduced by the province scripts.\n");
    return 0;
}
