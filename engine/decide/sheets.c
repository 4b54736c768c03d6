/* sheets.c: `dvk sheets`, one XLSX score sheet per council member (council.h). The first
 * sheet is the appraisals import layout (import.h): model, level, criterion, appraiser,
 * score, note, origin, with informational columns the import ignores (the model's and the
 * criterion's names, the maximum); every score cell is validated 0..max. The second sheet
 * holds the instructions and the signature line. The candidates are dvk decide's
 * (dvk_decide_candidates); a member's recused models (their own unit) are left out unless
 * the province script says council.recusal = "none". */
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

typedef struct cand {
    char *code, *name, *unit;
} cand;

typedef struct member {
    char *code, *name, *unit, *role;
} member;

typedef struct sheet_data {
    const dvk_province *p;
    const dvk_units *t;         /* the province's unit tree (units' names) */
    const char *level;
    cand *c;
    size_t nc;
    member *m;
    size_t nm;
} sheet_data;

static char *dup_col(sqlite3_stmt *st, int i, int *oom)
{
    return dvk_store_column_dup(st, i, oom);
}

/* The headers of the data sheet: the import's Vietnamese aliases (import.h), in this order. */
static const char *const HEAD[] = {"Mã mô hình", "Tên mô hình", "Cấp", "Tiêu chí",
                                   "Tên tiêu chí", "Điểm tối đa", "Người chấm", "Điểm",
                                   "Ghi chú", "Nguồn"};
enum { H_MODEL, H_MODEL_NAME, H_LEVEL, H_CRIT, H_CRIT_NAME, H_MAX, H_WHO, H_SCORE, H_NOTE,
       H_ORIGIN, H_N };
static const double WIDTH[H_N] = {16, 44, 8, 14, 36, 10, 12, 8, 24, 16};

/* Does member m recuse from candidate c? */
static int recused(const sheet_data *d, const member *m, const cand *c)
{
    return d->p->council.recusal == DVK_RECUSAL_UNIT && m->unit && c->unit &&
           strcmp(m->unit, c->unit) == 0;
}

/* Write member m's workbook at path (the temporary file). */
static int write_book(const sheet_data *d, const dvk_sheets_opts *o, const member *m,
                      const char *path, const char *file, dvk_error *err)
{
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
    long long nmodels = 0, nrecused = 0;
    for (size_t i = 0; i < d->nc && xe == LXW_NO_ERROR; i++) {
        const cand *c = &d->c[i];
        if (recused(d, m, c)) {
            nrecused++;
            continue;
        }
        nmodels++;
        for (int k = 0; k < d->p->ncriteria && xe == LXW_NO_ERROR; k++) {
            const dvk_criterion *cr = &d->p->criteria[k];
            if (!cr->council)
                continue;
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
             d->p->name, o->year, dvk_level_title(d->p, d->level));
    worksheet_write_string(help, r++, 0, line, bold);
    int ui = m->unit ? dvk_units_find(d->t, m->unit) : -1;
    snprintf(line, sizeof line, "Thành viên hội đồng: %s (mã %s)%s%s%s%s", m->name, m->code,
             m->role ? ", " : "", m->role ? m->role : "", m->unit ? ", đơn vị: " : "",
             ui >= 0 ? dvk_units_at(d->t, (size_t)ui)->name : m->unit ? m->unit : "");
    worksheet_write_string(help, r++, 0, line, NULL);
    snprintf(line, sizeof line, "Số mô hình chấm: %lld; không chấm %lld mô hình của đơn vị "
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
    for (int k = 0; k < d->p->ncriteria; k++) {
        const dvk_criterion *cr = &d->p->criteria[k];
        if (!cr->council)
            continue;
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

static void free_data(sheet_data *d)
{
    for (size_t i = 0; i < d->nc; i++) {
        free(d->c[i].code);
        free(d->c[i].name);
        free(d->c[i].unit);
    }
    for (size_t i = 0; i < d->nm; i++) {
        free(d->m[i].code);
        free(d->m[i].name);
        free(d->m[i].unit);
        free(d->m[i].role);
    }
    free(d->c);
    free(d->m);
}

int dvk_sheets(dvk_store *s, const char *scripts_dir, const dvk_sheets_opts *o, int *written,
               dvk_error *err)
{
    *written = 0;
    if (!o->province || !o->level || o->year <= 0 || !o->dir)
        return dvk_error_set(err, DVK_EUSAGE, "sheets needs --province, --year and --level");
    sheet_data d;
    memset(&d, 0, sizeof d);
    d.level = o->level;
    dvk_units *t = NULL;
    lua_State *L = NULL;
    dvk_province *p = NULL;
    sqlite3_stmt *st = NULL;
    int rc = dvk_units_load(s, o->province, &t, err), oom = 0;
    if (rc != DVK_OK)
        return rc;
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
    d.p = p;
    d.t = t;
    int li = dvk_province_level(p, o->level);
    if (li < 0) {
        rc = dvk_error_set(err, DVK_EUSAGE, "level '%s' is not one of %s's levels", o->level,
                           p->code);
        goto done;
    }
    int ncouncil = 0;
    for (int k = 0; k < p->ncriteria; k++)
        ncouncil += p->criteria[k].council;
    if (ncouncil == 0) {
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
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (d.nm == cap) {
            cap = cap ? cap * 2 : 16;
            member *nm = realloc(d.m, cap * sizeof *nm);
            if (!nm) {
                oom = 1;
                break;
            }
            d.m = nm;
        }
        member *m = &d.m[d.nm++];
        m->code = dup_col(st, 0, &oom);
        m->name = dup_col(st, 1, &oom);
        m->unit = dup_col(st, 2, &oom);
        m->role = dup_col(st, 3, &oom);
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
    if (d.nm == 0) {
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
        if (d.nc == cap) {
            cap = cap ? cap * 2 : 64;
            cand *nc = realloc(d.c, cap * sizeof *nc);
            if (!nc) {
                oom = 1;
                break;
            }
            d.c = nc;
        }
        cand *c = &d.c[d.nc++];
        c->code = dup_col(st, 1, &oom);
        c->name = dup_col(st, 2, &oom);
        c->unit = dup_col(st, 14, &oom);
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
    if (d.nc == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "no candidates for %s %d %s%s%s: no sheets written",
                           o->province, o->year, o->level, o->unit ? " unit " : "",
                           o->unit ? o->unit : "");
        goto done;
    }
    rc = DVK_OK;
    dvk_outfile_keep keep = {o->db_path, NULL};
    for (size_t i = 0; i < d.nm && rc == DVK_OK; i++) {
        char file[256], path[4096];
        snprintf(file, sizeof file, "%s.xlsx", d.m[i].code);
        snprintf(path, sizeof path, "%s/%s", o->dir, file);
        dvk_outfile out;
        if ((rc = dvk_outfile_open(&out, path, &keep, DVK_OUTFILE_BY_NAME, err)) != DVK_OK)
            break;
        rc = write_book(&d, o, &d.m[i], out.tmp ? out.tmp : path, file, err);
        int crc = dvk_outfile_close(&out, rc == DVK_OK, rc ? NULL : err);
        if (rc == DVK_OK)
            rc = crc;
        if (rc == DVK_OK)
            (*written)++;
    }
done:
    sqlite3_finalize(st);
    free_data(&d);
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    dvk_units_free(t);
    return rc;
}
