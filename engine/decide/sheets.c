/* sheets.c: `dvk sheets`: the council's round as data (dvk_sheets_load: the members, the
 * candidates as dvk decide takes them, the council's criteria, who recuses from what) and
 * each member's XLSX score sheet from it (council.h). The printable forms (HTML, DOCX, PDF)
 * are built from the same data by report/sheet_doc.c. The XLSX's first sheet is the
 * appraisals import layout (import.h): model, level, criterion, appraiser, score, note,
 * origin, with informational columns the import ignores (the model's and the criterion's
 * names, the maximum); every score cell is validated 0..max. The second sheet holds the
 * instructions and the signature line. A member's recused models (their own unit) are left
 * out unless the province script says council.recusal = "none". */
#include "dvk/council.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "dvk/decide.h"
#include "dvk/format.h"
#include "dvk/outfile.h"
#include "dvk/sandbox.h"
#include "dvk/script.h"
#include "dvk/units.h"

/* The headers of the data sheet: the import's Vietnamese aliases (import.h), in this order. */
static const char *const HEAD[] = {"Mã mô hình", "Tên mô hình", "Cấp", "Tiêu chí",
                                   "Tên tiêu chí", "Điểm tối đa", "Người chấm", "Điểm",
                                   "Ghi chú", "Nguồn"};
enum { H_MODEL, H_MODEL_NAME, H_LEVEL, H_CRIT, H_CRIT_NAME, H_MAX, H_WHO, H_SCORE, H_NOTE,
       H_ORIGIN, H_N };
static const double WIDTH[H_N] = {16, 44, 8, 14, 36, 10, 12, 8, 24, 16};

int dvk_sheets_recused(const dvk_sheets_data *d, size_t mi, size_t ci)
{
    const dvk_sheet_member *m = &d->members[mi];
    const dvk_sheet_candidate *c = &d->cands[ci];
    return d->recusal && m->unit && c->unit && strcmp(m->unit, c->unit) == 0;
}

size_t dvk_sheets_count(const dvk_sheets_data *d, size_t mi, size_t *nrecused)
{
    size_t n = 0, r = 0;
    for (size_t i = 0; i < d->ncands; i++)
        dvk_sheets_recused(d, mi, i) ? r++ : n++;
    if (nrecused)
        *nrecused = r;
    return n;
}

/* Write member mi's workbook at path (the temporary file). */
static int write_book(const dvk_sheets_data *d, size_t mi, const char *path, const char *file,
                      dvk_error *err)
{
    const dvk_sheet_member *m = &d->members[mi];
    lxw_workbook_options opt = {0};
    const char *tmpdir = getenv("TMPDIR");
    opt.tmpdir = tmpdir && *tmpdir ? (char *)tmpdir : NULL;
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb)
        return dvk_error_set(err, DVK_EIO, "%s: cannot create the workbook", file);
    lxw_doc_properties props = {0};
    props.title = (char *)"Phiếu chấm điểm mô hình Dân vận khéo";
    props.comments = (char *)"dvk";
    const char *epoch = getenv("SOURCE_DATE_EPOCH");   /* reproducible output when set */
    if (epoch && *epoch)
        props.created = (time_t)strtoll(epoch, NULL, 10);
    workbook_set_properties(wb, &props);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *score = workbook_add_format(wb);
    format_set_bg_color(score, 0xFFF2CC);
    format_set_border(score, LXW_BORDER_THIN);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Phiếu chấm");
    lxw_worksheet *help = workbook_add_worksheet(wb, "Hướng dẫn");
    lxw_error xe = LXW_NO_ERROR;
    for (int h = 0; h < H_N && xe == LXW_NO_ERROR; h++) {
        xe = worksheet_write_string(ws, 0, (lxw_col_t)h, HEAD[h], bold);
        worksheet_set_column(ws, (lxw_col_t)h, (lxw_col_t)h, WIDTH[h], NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    lxw_row_t row = 1;
    size_t nrecused = 0, nmodels = dvk_sheets_count(d, mi, &nrecused);
    for (size_t i = 0; i < d->ncands && xe == LXW_NO_ERROR; i++) {
        const dvk_sheet_candidate *c = &d->cands[i];
        if (dvk_sheets_recused(d, mi, i))
            continue;
        for (size_t k = 0; k < d->ncrit && xe == LXW_NO_ERROR; k++) {
            const dvk_sheet_criterion *cr = &d->crit[k];
            if (row >= LXW_ROW_MAX) {
                workbook_close(wb);
                return dvk_error_set(err, DVK_EDATA, "%s: more rows than an Excel sheet holds "
                                     "(%d); give --unit to split the sheets", file, LXW_ROW_MAX);
            }
            worksheet_write_string(ws, row, H_MODEL, c->code, NULL);
            worksheet_write_string(ws, row, H_MODEL_NAME, c->name ? c->name : "", NULL);
            worksheet_write_string(ws, row, H_LEVEL, d->level, NULL);
            worksheet_write_string(ws, row, H_CRIT, cr->id, NULL);
            worksheet_write_string(ws, row, H_CRIT_NAME, cr->name, NULL);
            worksheet_write_number(ws, row, H_MAX, cr->max, NULL);
            worksheet_write_string(ws, row, H_WHO, m->code, NULL);
            worksheet_write_blank(ws, row, H_SCORE, score);
            xe = worksheet_write_string(ws, row, H_ORIGIN, file, NULL);
            lxw_data_validation v = {0};
            v.validate = LXW_VALIDATION_TYPE_DECIMAL;
            v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
            v.minimum_number = 0;
            v.maximum_number = cr->max;
            v.error_title = (char *)"Điểm không hợp lệ";
            v.error_message = (char *)"Điểm là một số từ 0 đến điểm tối đa của tiêu chí.";
            if (xe == LXW_NO_ERROR)
                xe = worksheet_data_validation_cell(ws, row, H_SCORE, &v);
            row++;
        }
    }
    /* the instructions and the signature line */
    char line[1024], mx[DVK_FORMAT_MAX];
    lxw_row_t r = 0;
    worksheet_set_column(help, 0, 0, 100, NULL);
    snprintf(line, sizeof line, "PHIẾU CHẤM ĐIỂM MÔ HÌNH \"DÂN VẬN KHÉO\" - %s, năm %d, %s",
             d->province_name, d->year, d->level_title);
    worksheet_write_string(help, r++, 0, line, bold);
    snprintf(line, sizeof line, "Thành viên hội đồng: %s (mã %s)%s%s%s%s", m->name, m->code,
             m->role ? ", " : "", m->role ? m->role : "", m->unit ? ", đơn vị: " : "",
             m->unit_name ? m->unit_name : m->unit ? m->unit : "");
    worksheet_write_string(help, r++, 0, line, NULL);
    snprintf(line, sizeof line, "Số mô hình chấm: %zu; không chấm %zu mô hình của đơn vị "
             "mình (tránh xung đột lợi ích).", nmodels, nrecused);
    worksheet_write_string(help, r++, 0, line, NULL);
    r++;
    static const char *const steps[] = {
        "Hướng dẫn:",
        "1. Ở trang \"Phiếu chấm\", ghi điểm vào cột \"Điểm\" (ô tô màu) cho mỗi mô hình và "
        "tiêu chí: một số từ 0 đến \"Điểm tối đa\"; có thể ghi số thập phân (7,5).",
        "2. Không sửa các cột khác; có thể ghi nhận xét ở cột \"Ghi chú\". Không chấm dòng nào "
        "thì xóa cả dòng đó.",
        "3. Ký tên ở cuối trang này, gửi lại tệp (hoặc bản in có chữ ký) cho cơ quan thường trực.",
        "4. Cơ quan thường trực nhập phiếu: dvk import appraisals <tệp>; cột \"Nguồn\" ghi lại "
        "phiếu mà điểm được lấy từ đó.",
        NULL};
    for (int i = 0; steps[i]; i++)
        worksheet_write_string(help, r++, 0, steps[i], i == 0 ? bold : NULL);
    r++;
    worksheet_write_string(help, r++, 0, "Tiêu chí do hội đồng chấm:", bold);
    for (size_t k = 0; k < d->ncrit; k++) {
        const dvk_sheet_criterion *cr = &d->crit[k];
        dvk_format_vi(cr->max, 2, 0, mx, sizeof mx);
        snprintf(line, sizeof line, "- %s (%s): tối đa %s điểm", cr->name, cr->id, mx);
        worksheet_write_string(help, r++, 0, line, NULL);
    }
    r++;
    worksheet_write_string(help, r++, 0, "Ngày ..... tháng ..... năm ..........", NULL);
    worksheet_write_string(help, r++, 0, "NGƯỜI CHẤM (ký, ghi rõ họ tên)", bold);
    r += 3;
    xe = worksheet_write_string(help, r, 0, "......................................................",
                                NULL);
    lxw_error ce = workbook_close(wb);
    if (xe != LXW_NO_ERROR || ce != LXW_NO_ERROR)
        return dvk_error_set(err, DVK_EIO, "%s: cannot write the workbook (%s)", file,
                             lxw_strerror(xe != LXW_NO_ERROR ? xe : ce));
    return DVK_OK;
}

/* A member code that can be a file name: no '/', not starting with '.', not empty. */
static int file_safe(const char *code)
{
    return code[0] && code[0] != '.' && !strchr(code, '/') && !strchr(code, '\\') &&
           strlen(code) < 200;
}

static void *grow(void *v, size_t n, size_t *cap, size_t size, int *oom)
{
    if (n < *cap)
        return v;
    size_t nc = *cap ? *cap * 2 : 16;
    void *nv = realloc(v, nc * size);
    if (!nv) {
        *oom = 1;
        return v;
    }
    *cap = nc;
    return nv;
}

static char *dup_str(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

void dvk_sheets_data_free(dvk_sheets_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ncands; i++) {
        free(d->cands[i].code);
        free(d->cands[i].name);
        free(d->cands[i].unit);
        free(d->cands[i].unit_name);
    }
    for (size_t i = 0; i < d->nmembers; i++) {
        free(d->members[i].code);
        free(d->members[i].name);
        free(d->members[i].unit);
        free(d->members[i].unit_name);
        free(d->members[i].role);
    }
    for (size_t i = 0; i < d->ncrit; i++) {
        free(d->crit[i].id);
        free(d->crit[i].name);
    }
    free(d->cands);
    free(d->members);
    free(d->crit);
    free(d->province);
    free(d->province_name);
    free(d->level);
    free(d->level_title);
    free(d->unit);
    free(d->unit_name);
    free(d->unit_kind);
    free(d);
}

/* The name of unit code in t, or NULL. */
static const char *unit_name(const dvk_units *t, const char *code)
{
    int i = code ? dvk_units_find(t, code) : -1;
    return i >= 0 ? dvk_units_at(t, (size_t)i)->name : NULL;
}

int dvk_sheets_load(dvk_store *s, const char *scripts_dir, const dvk_sheets_opts *o,
                    dvk_sheets_data **out, dvk_error *err)
{
    *out = NULL;
    if (!o->province || !o->level || o->year <= 0)
        return dvk_error_set(err, DVK_EUSAGE, "sheets needs --province, --year and --level");
    dvk_sheets_data *d = calloc(1, sizeof *d);
    if (!d)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    d->year = o->year;
    dvk_units *t = NULL;
    lua_State *L = NULL;
    dvk_province *p = NULL;
    sqlite3_stmt *st = NULL;
    int rc = dvk_units_load(s, o->province, &t, err), oom = 0;
    if (rc != DVK_OK)
        goto done;
    if (dvk_units_find(t, o->province) < 0) {
        rc = dvk_error_set(err, DVK_EDATA, "unknown province '%s' (import units first)",
                           o->province);
        goto done;
    }
    if (o->unit && dvk_units_find(t, o->unit) < 0) {
        rc = dvk_error_set(err, DVK_EUSAGE, "unit '%s' is not a unit of %s", o->unit,
                           o->province);
        goto done;
    }
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    if (!(L = dvk_sandbox_new(s, scripts_dir, &lim, err)) ||
        !(p = dvk_script_load(L, o->province, err))) {
        rc = err->code;
        goto done;
    }
    int li = dvk_province_level(p, o->level);
    if (li < 0) {
        rc = dvk_error_set(err, DVK_EUSAGE, "level '%s' is not one of %s's levels", o->level,
                           p->code);
        goto done;
    }
    d->province = dup_str(p->code, &oom);
    d->province_name = dup_str(p->name, &oom);
    d->level = dup_str(p->levels[li], &oom);
    d->level_title = dup_str(dvk_level_title(p, p->levels[li]), &oom);
    d->recusal = p->council.recusal == DVK_RECUSAL_UNIT;
    if (o->unit) {
        const dvk_unit *u = dvk_units_at(t, (size_t)dvk_units_find(t, o->unit));
        d->unit = dup_str(u->code, &oom);
        d->unit_name = dup_str(u->name, &oom);
        d->unit_kind = dup_str(u->kind, &oom);
    }
    size_t cap = 0;
    for (int k = 0; k < p->ncriteria && !oom; k++) {
        const dvk_criterion *cr = &p->criteria[k];
        if (!cr->council)
            continue;
        d->crit = grow(d->crit, d->ncrit, &cap, sizeof *d->crit, &oom);
        if (oom)
            break;
        dvk_sheet_criterion *c = &d->crit[d->ncrit++];
        c->id = dup_str(cr->id, &oom);
        c->name = dup_str(cr->name, &oom);
        c->max = cr->max;
    }
    if (oom) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (d->ncrit == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: no criterion has council = true: the council "
                           "scores nothing (docs/lua-api.md, \"The council\")", p->path);
        goto done;
    }
    /* the members: 0 code, 1 name, 2 unit, 3 role */
    if (!(st = dvk_store_prepare(s, "SELECT code, name, unit, role FROM appraisers"
                                    " WHERE province = ?1 AND " DVK_COUNCIL_SITS_AT("?2")
                                    " ORDER BY code", err))) {
        rc = err->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, o->province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->levels[li], -1, SQLITE_STATIC);
    cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        d->members = grow(d->members, d->nmembers, &cap, sizeof *d->members, &oom);
        if (oom)
            break;
        dvk_sheet_member *m = &d->members[d->nmembers++];
        memset(m, 0, sizeof *m);
        m->code = dvk_store_column_dup(st, 0, &oom);
        m->name = dvk_store_column_dup(st, 1, &oom);
        m->unit = dvk_store_column_dup(st, 2, &oom);
        m->role = dvk_store_column_dup(st, 3, &oom);
        m->unit_name = dup_str(unit_name(t, m->unit), &oom);
        if (!oom && !file_safe(m->code ? m->code : "")) {
            rc = dvk_error_set(err, DVK_EDATA, "member code '%s' cannot name a file (no '/', "
                               "no leading '.')", m->code ? m->code : "");
            goto done;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (oom) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (rc != SQLITE_DONE) {
        rc = dvk_store_fail(s, rc, err, "reading the council's members");
        goto done;
    }
    if (d->nmembers == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "%s has no council members at level %s: import "
                           "them first (dvk import appraisers FILE.csv)", o->province,
                           o->level);
        goto done;
    }
    /* the candidates, as dvk decide takes them */
    dvk_decide_opts dopts;
    memset(&dopts, 0, sizeof dopts);
    dopts.province = o->province;
    dopts.year = o->year;
    dopts.level = p->levels[li];
    dopts.unit = o->unit;
    if (!(st = dvk_decide_candidates(s, &dopts, t, dvk_level_below(p, li, o->year), 1,
                                     err))) {
        rc = err->code;
        goto done;
    }
    cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        d->cands = grow(d->cands, d->ncands, &cap, sizeof *d->cands, &oom);
        if (oom)
            break;
        dvk_sheet_candidate *c = &d->cands[d->ncands++];
        memset(c, 0, sizeof *c);
        c->code = dvk_store_column_dup(st, 1, &oom);
        c->name = dvk_store_column_dup(st, 2, &oom);
        c->unit = dvk_store_column_dup(st, 14, &oom);
        c->unit_name = dup_str(unit_name(t, c->unit), &oom);
        if (oom)
            break;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (oom) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (rc != SQLITE_DONE) {
        rc = dvk_store_fail(s, rc, err, "reading candidates");
        goto done;
    }
    if (d->ncands == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "no candidates for %s %d %s%s%s: no sheets written",
                           o->province, o->year, o->level, o->unit ? " unit " : "",
                           o->unit ? o->unit : "");
        goto done;
    }
    rc = DVK_OK;
done:
    sqlite3_finalize(st);
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    dvk_units_free(t);
    if (rc == DVK_OK)
        *out = d;
    else
        dvk_sheets_data_free(d);
    return rc;
}

int dvk_sheets_xlsx(const dvk_sheets_data *d, size_t mi, const char *dir, const char *db_path,
                    dvk_error *err)
{
    char file[256], path[4096];
    snprintf(file, sizeof file, "%s.xlsx", d->members[mi].code);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    dvk_outfile_keep keep = {db_path, NULL};
    dvk_outfile out;
    int rc = dvk_outfile_open(&out, path, &keep, DVK_OUTFILE_BY_NAME, err);
    if (rc != DVK_OK)
        return rc;
    rc = write_book(d, mi, out.tmp ? out.tmp : path, file, err);
    int crc = dvk_outfile_close(&out, rc == DVK_OK, rc ? NULL : err);
    return rc == DVK_OK ? crc : rc;
}
