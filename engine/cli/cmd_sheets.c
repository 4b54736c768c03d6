/* cmd_sheets.c: `dvk sheets --province P --year Y --level L [--unit CODE] [--format F]
 * [-o DIR]`: one score sheet per council member, named by member code: XLSX (council.h,
 * dvk_sheets_xlsx) or a printable form in HTML, DOCX or PDF (report.h, dvk_sheet_doc), both
 * from the one round that dvk_sheets_load reads. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dvk/council.h"
#include "dvk/render.h"
#include "dvk/report.h"

/* Member mi's printable sheet as dir/<code>.<format>. */
static int write_doc(dvk_store *s, const dvk_sheets_data *d, const dvk_sheet_layout *lay,
                     size_t mi, dvk_format f, const char *dir, dvk_error *err)
{
    dvk_doc *doc = dvk_doc_new();
    if (!doc)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    int rc = dvk_sheet_doc(d, lay, mi, doc, err);
    if (rc == DVK_OK) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s.%s", dir, d->members[mi].code,
                 dvk_render_format_name(f));
        const dvk_outfile_keep keep = {.db = dvk_store_path(s)};
        rc = dvk_render_file(doc, f, path, &keep, err);
    }
    dvk_doc_free(doc);
    return rc;
}

int cmd_sheets(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"province", required_argument, 0, 'p'}, {"year", required_argument, 0, 'y'},
        {"level", required_argument, 0, 'l'},    {"unit", required_argument, 0, 'u'},
        {"output", required_argument, 0, 'o'},   {"format", required_argument, 0, 'f'},
        {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("sheets");
    dvk_sheets_opts o;
    memset(&o, 0, sizeof o);
    const char *dir = ".";
    long long year = 0;
    int format = DVK_FORMAT_XLSX;
    int c;
    while ((c = cli_getopt(self, argc, argv, "o:", opts)) != -1) {
        switch (c) {
        case 'p': o.province = cli_optarg; break;
        case 'y':
            if (cli_parse_int(cli_optarg, 1900, 2200, &year))
                return cli_usage_error("sheets", "--year takes a year such as 2023 (got '%s')",
                                       cli_optarg);
            break;
        case 'l': o.level = cli_optarg; break;
        case 'u': o.unit = cli_optarg; break;
        case 'o': dir = cli_optarg; break;
        case 'f':
            format = dvk_render_format_parse(cli_optarg);
            if (format != DVK_FORMAT_XLSX && format != DVK_FORMAT_DOCX &&
                format != DVK_FORMAT_HTML && format != DVK_FORMAT_PDF)
                return cli_usage_error("sheets", "unknown format '%s' (valid: xlsx, docx, "
                                       "html, pdf)", cli_optarg);
            break;
        case 'h': return 0;
        default: return 2;
        }
    }
    if (cli_optind < argc)
        return cli_usage_error("sheets", "unexpected argument '%s'", argv[cli_optind]);
    if (!o.province || !year || !o.level)
        return cli_usage_error("sheets", "--province, --year and --level are required");
    o.year = (int)year;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "dvk: %s: not a folder (create it first)\n", dir);
        return 1;
    }
    char pdf_prog[4096];
    const char *pdf_tool = NULL;
    if (format == DVK_FORMAT_PDF && !(pdf_tool = cli_pdf_tool("sheets", pdf_prog, sizeof pdf_prog)))
        return 1;
    int status = 0;
    dvk_store *s = cli_open_store(cli, 0, &status);
    if (!s)
        return status;
    dvk_error err;
    dvk_error_clear(&err);
    dvk_sheets_data *d = NULL;
    dvk_sheet_layout lay;
    memset(&lay, 0, sizeof lay);
    int written = 0;
    int rc = dvk_sheets_load(s, cli->scripts_dir, &o, &d, &err);
    if (rc == DVK_OK && format != DVK_FORMAT_XLSX)
        rc = dvk_sheet_layout_load(s, cli->scripts_dir, d, &lay, &err);
    if (rc == DVK_OK && pdf_tool)
        fprintf(stderr, "dvk sheets: PDF through %s (%s)\n", pdf_tool, pdf_prog);
    for (size_t i = 0; rc == DVK_OK && i < d->nmembers; i++) {
        rc = format == DVK_FORMAT_XLSX
                 ? dvk_sheets_xlsx(d, i, dir, dvk_store_path(s), &err)
                 : write_doc(s, d, &lay, i, (dvk_format)format, dir, &err);
        if (rc == DVK_OK)
            written++;
    }
    dvk_sheet_layout_free(&lay);
    dvk_sheets_data_free(d);
    dvk_store_close(s);
    if (rc != DVK_OK)
        return cli_fail(&err);
    if (!cli->quiet)
        printf("%d score sheet%s written to %s\n", written, written == 1 ? "" : "s", dir);
    return 0;
}
