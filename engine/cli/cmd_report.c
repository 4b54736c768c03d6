/* cmd_report.c: `dvk report RUN NAME [--format F] [-o FILE] [--against RUN] [--successors]`
 * renders a report of a decision run (docx, pdf through an installed converter, said on stderr); `dvk report --list` lists the built-in reports. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dvk/doc.h"
#include "dvk/render.h"
#include "dvk/report.h"

static void print_sink(void *ud, const char *s, size_t n)
{
    (void)ud;
    fwrite(s, 1, n, stderr);
}

static int list_reports(dvk_cli *cli)
{
    char **names, **desc;
    size_t n;
    dvk_error err;
    if (dvk_report_builtin(cli->scripts_dir, &names, &desc, &n, &err) != DVK_OK)
        return cli_fail(&err);
    int w = 12;   /* the name column: as wide as the longest name (ASCII ids) */
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(names[i]) > w)
            w = (int)strlen(names[i]);
    for (size_t i = 0; i < n; i++)
        printf("%-*s %s\n", w, names[i], desc[i]);
    dvk_report_names_free(names, desc, n);
    return 0;
}

/* The format a file name implies (".html" -> html), or -1. */
static int format_of_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dvk_render_format_parse(dot + 1) : -1;
}

/* A note about the scripts a final run renders with: one line on stderr. */
static void note_sink(void *ud, const char *line)
{
    (void)ud;
    fprintf(stderr, "%s\n", line);
}

int cmd_report(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, 0, 'f'}, {"output", required_argument, 0, 'o'},
        {"against", required_argument, 0, 'a'}, {"successors", no_argument, 0, 's'},
        {"list", no_argument, 0, 'l'}, {"current-script", no_argument, 0, 'C'}, {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("report");
    const char *out_path = NULL;
    int format = -1, list = 0, successors = 0, current = 0, c;
    long long against = 0;
    while ((c = cli_getopt(self, argc, argv, "f:o:", opts)) != -1) {
        switch (c) {
        case 'f':
            if ((format = dvk_render_format_parse(cli_optarg)) < 0)
                return cli_usage_error("report", "unknown format '%s' (valid: %s)", cli_optarg,
                                       DVK_RENDER_FORMATS);
            break;
        case 'o': out_path = cli_optarg; break;
        case 'a':
            if (cli_parse_int(cli_optarg, 1, (long long)1 << 62, &against))
                return cli_usage_error("report", "--against takes a run number (got '%s')",
                                       cli_optarg);
            break;
        case 's': successors = 1; break;
        case 'l': list = 1; break;
        case 'C': current = 1; break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (list) {
        if (cli_optind < argc)
            return cli_usage_error("report", "--list takes no other argument");
        return list_reports(cli);
    }
    if (argc - cli_optind != 2)
        return cli_usage_error("report", "expected a run number and a report name");
    long long run;
    if (cli_parse_int(argv[cli_optind], 1, (long long)1 << 62, &run))
        return cli_usage_error("report", "RUN must be a run number (got '%s')", argv[cli_optind]);
    const char *name = argv[cli_optind + 1];
    if (format < 0 && out_path) {
        if ((format = format_of_path(out_path)) < 0)
            return cli_usage_error("report", "cannot tell the format of '%s' from its name: give "
                                   "--format (valid: %s)", out_path, DVK_RENDER_FORMATS);
    } else if (format < 0) {
        format = DVK_FORMAT_MD;
    }
    if (dvk_render_format_binary((dvk_format)format) && !out_path && isatty(STDOUT_FILENO))
        return cli_usage_error("report", "%s is a binary file: give -o FILE.%s",
                               format == DVK_FORMAT_XLSX ? "XLSX" : format == DVK_FORMAT_DOCX
                               ? "DOCX" : "PDF", dvk_render_format_name((dvk_format)format));
    char pdf_prog[4096];
    const char *pdf_tool = NULL;
    if (format == DVK_FORMAT_PDF && !(pdf_tool = cli_pdf_tool("report", pdf_prog, sizeof pdf_prog)))
        return 1;

    int status = 0;
    dvk_store *s = cli_open_store(cli, DVK_STORE_READONLY, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    dvk_doc *doc = dvk_doc_new();
    if (!doc) {
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
        goto fail;
    }
    /* -o is never the open database nor a folder: said before the report runs */
    const dvk_outfile_keep keep = {.db = dvk_store_path(s)};
    if (out_path && dvk_outfile_check(out_path, &keep, &err) != DVK_OK)
        goto fail;
    dvk_report_opts o = {0};
    o.scripts_dir = cli->scripts_dir;
    o.run = run;
    o.name = name;
    o.against = against;
    o.successors = successors;
    o.print = print_sink;
    o.current_scripts = current;
    o.note = note_sink;
    if (dvk_report_run(s, &o, doc, &err) != DVK_OK)
        goto fail;
    if (pdf_tool)
        fprintf(stderr, "dvk report: PDF through %s (%s)\n", pdf_tool, pdf_prog);
    if (out_path) {
        if (dvk_render_file(doc, (dvk_format)format, out_path, &keep, &err) != DVK_OK)
            goto fail;
    } else if (dvk_render_stream(doc, (dvk_format)format, stdout, &err) != DVK_OK) {
        goto fail;
    }
    dvk_doc_free(doc);
    dvk_store_close(s);
    return 0;
fail:
    dvk_doc_free(doc);
    dvk_store_close(s);
    return cli_fail(&err);
}
