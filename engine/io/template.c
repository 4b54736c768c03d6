/* template.c: the workbooks `dvk template` writes (template.h): the data sheet with the
 * importer's own Vietnamese headers, a marked notes row, validations and typed columns; the
 * instructions; the hidden lists. */
#include "dvk/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "dvk/buf.h"
#include "dvk/outfile.h"

#define LISTS_SHEET "DanhMuc"
#define DEFAULT_ROWS 1000
#define LIST_MAX 100000          /* items of one list (a province's models) */

/* ======================================================================================
 * Lists (the hidden sheet's columns)
 * ==================================================================================== */

enum { L_UKIND, L_KIND, L_CATEGORY, L_REG, L_FIELD, L_LEVEL, L_UNIT, L_MODEL, L_CRIT, L_COUNT };

typedef struct list {
    char **items;
    double *num;                 /* L_CRIT: each criterion's maximum */
    size_t n;
} list;

static int list_add(list *l, const char *s)
{
    if (l->n >= LIST_MAX)
        return 0;   /* a dropdown that long is no help: the rest are still accepted by import */
    char **v = realloc(l->items, (l->n + 1) * sizeof *v);
    if (!v)
        return -1;
    l->items = v;
    if (!(v[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

/* Add every first column of the rows of sql (bound: ?1 province, ?2 year or NULL, ?3 level
 * or NULL, ?4 "YYYY-01-01", ?5 "YYYY-12-31"). */
static int list_query(dvk_store *s, list *l, const char *sql, const dvk_template_opts *o,
                      int col, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, sql, err);
    if (!st)
        return err->code;
    char jan1[16], dec31[16];
    snprintf(jan1, sizeof jan1, "%04d-01-01", o->year);
    snprintf(dec31, sizeof dec31, "%04d-12-31", o->year);
    sqlite3_bind_text(st, 1, o->province, -1, SQLITE_STATIC);
    if (o->year) {
        sqlite3_bind_int(st, 2, o->year);
        sqlite3_bind_text(st, 4, jan1, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, dec31, -1, SQLITE_STATIC);
    }
    if (o->level)
        sqlite3_bind_text(st, 3, o->level, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, col);
        if (v && list_add(l, v)) {
            sqlite3_finalize(st);
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, rc, err, "reading the template's lists");
}

/* ======================================================================================
 * Columns
 * ==================================================================================== */

enum { K_TEXT, K_LIST, K_DATE, K_YEAR, K_NUMBER, K_SCORE };

typedef struct tcol {
    const char *header;          /* read by the importer as it is */
    const char *note;            /* the notes row */
    int kind, list, width;
} tcol;

#define MAX_TCOLS 40

static const tcol UNIT_COLS[] = {
    {"Mã đơn vị", "Bắt buộc. Mã duy nhất, không dấu, ví dụ tinh/huyen/xa", K_TEXT, 0, 22},
    {"Tên đơn vị", "Bắt buộc. Tên đầy đủ", K_TEXT, 0, 30},
    {"Loại đơn vị", "Bắt buộc. Chọn trong danh sách", K_LIST, L_UKIND, 14},
    {"Đơn vị cấp trên", "Mã đơn vị cấp trên (trống với cấp tỉnh); đơn vị cấp trên ghi trước", K_LIST, L_UNIT, 22},
    {"Hiệu lực từ", "Ngày (dd/mm/yyyy), có thể trống", K_DATE, 0, 14},
    {"Hiệu lực đến", "Ngày (dd/mm/yyyy), có thể trống", K_DATE, 0, 14},
    {"Đơn vị kế thừa", "Mã đơn vị kế thừa khi sáp nhập, có thể trống", K_LIST, L_UNIT, 22},
};

static const tcol MODEL_COLS[] = {
    {"Mã mô hình", "Bắt buộc. Mã duy nhất, ví dụ BK-2025-0001", K_TEXT, 0, 16},
    {"Tên mô hình", "Bắt buộc. Tên mô hình, điển hình", K_TEXT, 0, 34},
    {"Mã đơn vị", "Bắt buộc. Đơn vị đăng ký: chọn trong danh sách", K_LIST, L_UNIT, 26},
    {"Loại hình", "Bắt buộc. Tập thể, Cá nhân hoặc Hộ gia đình", K_LIST, L_KIND, 14},
    {"Phân loại", "Bắt buộc. Mô hình hoặc Điển hình", K_LIST, L_CATEGORY, 12},
    {"Lĩnh vực", "Bắt buộc. Lĩnh vực của tỉnh", K_LIST, L_FIELD, 24},
    {"Cấp công nhận", "Bắt buộc. Cấp đăng ký công nhận", K_LIST, L_LEVEL, 12},
    {"Năm", "Bắt buộc. Năm đăng ký", K_YEAR, 0, 8},
    {"Hình thức đăng ký", "Bắt buộc. Mới hoặc Tiếp tục", K_LIST, L_REG, 12},
    {"Ngày bắt đầu", "Ngày bắt đầu thực hiện (dd/mm/yyyy)", K_DATE, 0, 13},
    {"Địa chỉ", "Nơi thực hiện", K_TEXT, 0, 24},
    {"Mô tả", "Tóm tắt mô hình", K_TEXT, 0, 30},
};

static const tcol METRIC_COLS[] = {
    {"participants", "Số người tham gia (số)", K_NUMBER, 0, 12},
    {"beneficiaries", "Số người hưởng lợi (số)", K_NUMBER, 0, 12},
    {"funds_vnd", "Kinh phí huy động, đồng (số)", K_NUMBER, 0, 16},
    {"workdays", "Ngày công huy động (số)", K_NUMBER, 0, 12},
};

static const tcol APPR_COLS[] = {
    {"Mã mô hình", "Bắt buộc. Mô hình được chấm: chọn trong danh sách", K_LIST, L_MODEL, 18},
    {"Tiêu chí", "Bắt buộc. Tiêu chí hội đồng chấm", K_LIST, L_CRIT, 18},
    {"Người chấm", "Bắt buộc. Họ tên thành viên hội đồng", K_TEXT, 0, 24},
    {"Điểm", "Bắt buộc. Từ 0 đến điểm tối đa của tiêu chí", K_SCORE, 0, 8},
    {"Ghi chú", "Có thể trống", K_TEXT, 0, 30},
};

static const char *const UKIND_ITEMS[] = {"Tỉnh", "Huyện", "Quận", "Thị xã", "Xã", "Phường",
                                          "Thị trấn", "Đảng ủy", "Cơ quan", "Đoàn thể", NULL};
static const char *const KIND_ITEMS[] = {"Tập thể", "Cá nhân", "Hộ gia đình", NULL};
static const char *const CATEGORY_ITEMS[] = {"Mô hình", "Điển hình", NULL};
static const char *const REG_ITEMS[] = {"Mới", "Tiếp tục", NULL};

static void col_name(size_t c, char *out)
{
    char t[8];
    int k = 0;
    for (size_t v = c + 1; v > 0 && k < 7; v = (v - 1) / 26)
        t[k++] = (char)('A' + (v - 1) % 26);
    for (int i = 0; i < k; i++)
        out[i] = t[k - 1 - i];
    out[k] = '\0';
}

/* ======================================================================================
 * The workbook
 * ==================================================================================== */

typedef struct tpl {
    dvk_import_table table;
    const dvk_template_opts *o;
    char *province_name;
    list lists[L_COUNT];
    tcol cols[MAX_TCOLS];
    size_t ncols;
} tpl;

static void tpl_free(tpl *t)
{
    for (int i = 0; i < L_COUNT; i++) {
        for (size_t k = 0; k < t->lists[i].n; k++)
            free(t->lists[i].items[k]);
        free(t->lists[i].items);
        free(t->lists[i].num);
    }
    free(t->province_name);
}

/* The lists and columns of t->table, from the store and the province's script. */
static int gather(dvk_store *s, tpl *t, dvk_error *err)
{
    const dvk_template_opts *o = t->o;
    int rc;
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT name FROM units WHERE code=?1 AND kind='province'", err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, o->province, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        t->province_name = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "reading the province");
    if (rc == SQLITE_DONE && t->table != DVK_IMPORT_UNITS)
        return dvk_error_set(err, DVK_EUSAGE, "unknown province '%s' (no unit of kind province has "
                             "that code: import the units file first)", o->province);
    const char *const *fixed[] = {[L_UKIND] = UKIND_ITEMS, [L_KIND] = KIND_ITEMS,
                                  [L_CATEGORY] = CATEGORY_ITEMS, [L_REG] = REG_ITEMS};
    for (int l = 0; l <= L_REG; l++)
        for (int i = 0; fixed[l][i]; i++)
            if (list_add(&t->lists[l], fixed[l][i]))
                return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    /* units existing in the year (any year when none is asked) */
    if ((rc = list_query(s, &t->lists[L_UNIT],
                         "SELECT code FROM units WHERE province=?1 AND (?2 IS NULL OR ("
                         "coalesce(valid_from,'') <= ?5 AND coalesce(valid_to,'9999') >= ?4))"
                         " ORDER BY code", o, 0, err)))
        return rc;
    if (t->table == DVK_IMPORT_MODELS) {
        if ((rc = list_query(s, &t->lists[L_FIELD],
                             "SELECT name FROM fields WHERE province=?1 ORDER BY id", o, 0, err)))
            return rc;
        if (!t->lists[L_FIELD].n)
            return dvk_error_set(err, DVK_EDATA, "no fields are declared for province %s; run "
                                 "`dvk init` with its script", o->province);
    }
    if (t->table != DVK_IMPORT_UNITS || o->level) {
        if (!o->levels)
            return dvk_error_set(err, DVK_EUSAGE, "a template needs the province's levels");
        char **lv = NULL;
        int n = 0, found = !o->level;
        if ((rc = o->levels(o->levels_ud, o->province, &lv, &n, err)))
            return rc;
        dvk_buf known = DVK_BUF_INIT;
        for (int i = 0; i < n; i++) {
            if (o->level && strcmp(lv[i], o->level) == 0)
                found = 1;
            if ((!o->level || strcmp(lv[i], o->level) == 0) && list_add(&t->lists[L_LEVEL], lv[i]))
                rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
            dvk_buf_printf(&known, "%s%s", i ? ", " : "", lv[i]);
        }
        if (!rc && !found)
            rc = dvk_error_set(err, DVK_EUSAGE, "'%s' is not a level of province %s (levels: %s)",
                               o->level, o->province, dvk_buf_str(&known));
        dvk_buf_free(&known);
        for (int i = 0; i < n; i++)
            free(lv[i]);
        free(lv);
        if (rc)
            return rc;
    }
    if (t->table == DVK_IMPORT_APPRAISALS) {
        if ((rc = list_query(s, &t->lists[L_MODEL],
                             "SELECT code FROM models WHERE province=?1 AND (?2 IS NULL OR year=?2)"
                             " AND (?3 IS NULL OR level=?3) ORDER BY code", o, 0, err)))
            return rc;
        if (!o->criteria)
            return dvk_error_set(err, DVK_EUSAGE, "an appraisals template needs the criteria");
        char **ids = NULL;
        double *max = NULL;
        int n = 0;
        if ((rc = o->criteria(o->criteria_ud, o->province, &ids, &max, &n, err)))
            return rc;
        list *l = &t->lists[L_CRIT];
        for (int i = 0; i < n && !rc; i++)
            if (list_add(l, ids[i]))
                rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        for (int i = 0; i < n; i++)
            free(ids[i]);
        free(ids);
        l->num = max;
        if (rc)
            return rc;
    }
    /* the columns */
    const tcol *base = t->table == DVK_IMPORT_UNITS ? UNIT_COLS
                     : t->table == DVK_IMPORT_MODELS ? MODEL_COLS : APPR_COLS;
    size_t nb = t->table == DVK_IMPORT_UNITS ? sizeof UNIT_COLS / sizeof *UNIT_COLS
              : t->table == DVK_IMPORT_MODELS ? sizeof MODEL_COLS / sizeof *MODEL_COLS
                                              : sizeof APPR_COLS / sizeof *APPR_COLS;
    for (size_t i = 0; i < nb; i++)
        t->cols[t->ncols++] = base[i];
    if (t->table == DVK_IMPORT_MODELS) {
        for (int i = 0; i < DVK_IMPORT_DOSSIER_ITEMS; i++)
            t->cols[t->ncols++] = (tcol){dvk_import_dossier[i][1],
                                         "Nội dung hồ sơ đăng ký (chữ), có thể trống", K_TEXT, 0, 30};
        for (size_t i = 0; i < sizeof METRIC_COLS / sizeof *METRIC_COLS; i++)
            t->cols[t->ncols++] = METRIC_COLS[i];
    }
    return DVK_OK;
}

/* The hidden lists sheet: list l in column l (L_CRIT: ids, then maxima in the next column). */
static lxw_error write_lists(lxw_workbook *wb, tpl *t)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, LISTS_SHEET);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error e = LXW_NO_ERROR;
    for (int l = 0; l < L_COUNT && !e; l++)
        for (size_t i = 0; i < t->lists[l].n && !e; i++) {
            e = worksheet_write_string(ws, (lxw_row_t)i, (lxw_col_t)l, t->lists[l].items[i], NULL);
            if (!e && l == L_CRIT && t->lists[l].num)
                e = worksheet_write_number(ws, (lxw_row_t)i, L_COUNT, t->lists[l].num[i], NULL);
        }
    worksheet_hide(ws);
    return e;
}

static lxw_error validate(lxw_worksheet *ws, tpl *t, size_t c, lxw_row_t first, lxw_row_t last)
{
    const tcol *col = &t->cols[c];
    lxw_data_validation dv;
    memset(&dv, 0, sizeof dv);
    char formula[256], letters[8], crit[8], score[8], cl[8], ml[8];
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    dv.error_title = (char *)"Giá trị không hợp lệ";
    switch (col->kind) {
    case K_LIST:
        if (!t->lists[col->list].n)
            return LXW_NO_ERROR;   /* nothing to offer (no units or models yet) */
        col_name((size_t)col->list, letters);
        snprintf(formula, sizeof formula, "=%s!$%s$1:$%s$%zu", LISTS_SHEET, letters, letters,
                 t->lists[col->list].n);
        dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
        dv.value_formula = formula;
        dv.error_message = (char *)"Chọn một giá trị trong danh sách.";
        break;
    case K_DATE:
        dv.validate = LXW_VALIDATION_TYPE_DATE;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_datetime = (lxw_datetime){1900, 1, 1, 0, 0, 0};
        dv.maximum_datetime = (lxw_datetime){2200, 12, 31, 0, 0, 0};
        dv.error_message = (char *)"Nhập một ngày, ví dụ 31/03/2025.";
        break;
    case K_YEAR:
        dv.validate = LXW_VALIDATION_TYPE_INTEGER;
        dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        dv.minimum_number = t->o->year ? t->o->year : 1900;
        dv.maximum_number = t->o->year ? t->o->year : 2200;
        dv.error_message = t->o->year ? (char *)"Năm của đợt đăng ký này." : (char *)"Nhập năm, ví dụ 2025.";
        break;
    case K_NUMBER:
        dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
        dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
        dv.value_number = 0;
        dv.error_message = (char *)"Nhập một số không âm (để trống nếu chưa có).";
        break;
    case K_SCORE: {
        /* 0 to the maximum of the criterion chosen in the same row */
        size_t ci = 0;
        for (size_t i = 0; i < t->ncols; i++)
            if (t->cols[i].kind == K_LIST && t->cols[i].list == L_CRIT)
                ci = i;
        if (!t->lists[L_CRIT].n)
            return LXW_NO_ERROR;
        col_name(ci, crit);
        col_name(c, score);
        col_name(L_CRIT, cl);
        col_name(L_COUNT, ml);
        snprintf(formula, sizeof formula,
                 "=AND(ISNUMBER(%s%u),%s%u>=0,%s%u<=VLOOKUP(%s%u,%s!$%s$1:$%s$%zu,2,FALSE))",
                 score, first + 1, score, first + 1, score, first + 1, crit, first + 1,
                 LISTS_SHEET, cl, ml, t->lists[L_CRIT].n);
        dv.validate = LXW_VALIDATION_TYPE_CUSTOM_FORMULA;
        dv.value_formula = formula;
        dv.error_message = (char *)"Điểm từ 0 đến điểm tối đa của tiêu chí.";
        break;
    }
    default:
        return LXW_NO_ERROR;
    }
    return worksheet_data_validation_range(ws, first, (lxw_col_t)c, last, (lxw_col_t)c, &dv);
}

static const char *table_title(dvk_import_table t)
{
    return t == DVK_IMPORT_UNITS ? "Đơn vị" : t == DVK_IMPORT_MODELS ? "Đăng ký mô hình" : "Chấm điểm";
}

static lxw_error write_help(lxw_workbook *wb, tpl *t, lxw_format *bold)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Hướng dẫn");
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    worksheet_set_column(ws, 0, 0, 110, NULL);
    const dvk_template_opts *o = t->o;
    const char *what = dvk_import_table_name(t->table);
    char line[600];
    lxw_row_t r = 0;
    lxw_error e;
    dvk_buf title = DVK_BUF_INIT;
    dvk_buf_printf(&title, "Mẫu \"%s\" – %s", table_title(t->table),
                   t->province_name ? t->province_name : o->province);
    if (o->year)
        dvk_buf_printf(&title, " – năm %d", o->year);
    if (o->level)
        dvk_buf_printf(&title, " – cấp %s", o->level);
    snprintf(line, sizeof line, "%s", dvk_buf_str(&title));
    dvk_buf_free(&title);
    if ((e = worksheet_write_string(ws, r++, 0, line, bold)))
        return e;
    const char *steps[] = {
        "1. Điền dữ liệu vào sheet đầu tiên, mỗi dòng một bản ghi, từ dòng 3; không đổi tên hay thứ tự cột ở dòng 1.",
        "2. Dòng 2 là ghi chú (ô đầu bắt đầu bằng \"" DVK_IMPORT_NOTES_MARK "\"): giữ nguyên, dvk bỏ qua dòng này.",
        "3. Cột có danh sách: chọn giá trị trong danh sách thả xuống. Ngày ghi dd/mm/yyyy hoặc yyyy-mm-dd.",
        "4. Số ghi bằng ô số (1020000 hoặc 1.020.000); để trống nếu chưa có số liệu.",
        "5. Nhiều dòng tiêu đề phía trên dòng tên cột, ô gộp, dòng trống đều được chấp nhận.",
        NULL};
    for (int i = 0; steps[i] && !e; i++)
        e = worksheet_write_string(ws, r++, 0, steps[i], NULL);
    snprintf(line, sizeof line, "6. Nộp lại tệp; văn phòng nhập bằng lệnh: dvk import %s TỆP.xlsx "
             "(kiểm tra trước: thêm --dry-run). Mỗi lỗi được báo theo ô, ví dụ TỆP.xlsx:'%s'!C7.",
             what, table_title(t->table));
    if (!e)
        e = worksheet_write_string(ws, r++, 0, line, NULL);
    if (!e && t->table == DVK_IMPORT_MODELS)
        e = worksheet_write_string(ws, r++, 0, "7. Các cột hồ sơ đăng ký (thực trạng, mục tiêu, "
                                   "nội dung, ...) được lưu vào phần mô tả của mô hình, mỗi mục một "
                                   "dòng có tiêu đề.", NULL);
    r++;
    if (!e)
        e = worksheet_write_string(ws, r++, 0, "Các cột:", bold);
    for (size_t c = 0; c < t->ncols && !e; c++) {
        snprintf(line, sizeof line, "%s: %s", t->cols[c].header, t->cols[c].note);
        e = worksheet_write_string(ws, r++, 0, line, NULL);
    }
    return e;
}

static lxw_error write_workbook(lxw_workbook *wb, tpl *t)
{
    lxw_format *head = workbook_add_format(wb), *note = workbook_add_format(wb);
    lxw_format *date = workbook_add_format(wb), *num = workbook_add_format(wb);
    lxw_format *text = workbook_add_format(wb), *bold = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_bg_color(head, 0xD9E1F2);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_italic(note);
    format_set_font_color(note, 0x595959);
    format_set_text_wrap(note);
    format_set_align(note, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(date, "dd/mm/yyyy");
    format_set_num_format(num, "#,##0");
    format_set_num_format(text, "@");
    format_set_bold(bold);
    lxw_worksheet *ws = workbook_add_worksheet(wb, table_title(t->table));
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_row_t first = 2, last = first + (lxw_row_t)(t->o->rows > 0 ? t->o->rows : DEFAULT_ROWS) - 1;
    lxw_error e = LXW_NO_ERROR;
    for (size_t c = 0; c < t->ncols && !e; c++) {
        const tcol *col = &t->cols[c];
        lxw_format *f = col->kind == K_DATE ? date : col->kind == K_NUMBER ? num
                      : col->kind == K_TEXT || col->kind == K_LIST ? text : NULL;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col->width, f);
        e = worksheet_write_string(ws, 0, (lxw_col_t)c, col->header, head);
        char buf[400];
        snprintf(buf, sizeof buf, "%s%s", c == 0 ? DVK_IMPORT_NOTES_MARK " " : "", col->note);
        if (!e)
            e = worksheet_write_string(ws, 1, (lxw_col_t)c, buf, note);
        if (!e)
            e = validate(ws, t, c, first, last);
    }
    worksheet_set_row(ws, 1, 45, NULL);
    worksheet_freeze_panes(ws, 2, 0);
    if (!e)
        e = write_help(wb, t, bold);
    if (!e)
        e = write_lists(wb, t);
    return e;
}

int dvk_template_write(dvk_store *s, dvk_import_table table, const char *path,
                       const dvk_template_opts *o, dvk_error *err)
{
    if (!o || !o->province)
        return dvk_error_set(err, DVK_EUSAGE, "a template needs a province");
    tpl t;
    memset(&t, 0, sizeof t);
    t.table = table;
    t.o = o;
    int rc = gather(s, &t, err);
    if (rc) {
        tpl_free(&t);
        return rc;
    }
    dvk_outfile out;
    const dvk_outfile_keep keep = {.db = dvk_store_path(s)};
    if ((rc = dvk_outfile_open(&out, path, &keep, DVK_OUTFILE_BY_NAME, err))) {
        tpl_free(&t);
        return rc;
    }
    lxw_workbook_options opt = {0};
    const char *tmpdir = getenv("TMPDIR");
    opt.tmpdir = tmpdir && *tmpdir ? (char *)tmpdir : NULL;
    /* libxlsxwriter writes by name: the temporary file outfile.h created exclusively (or the
     * device or pipe written in place) */
    lxw_workbook *wb = workbook_new_opt(out.tmp ? out.tmp : path, &opt);
    if (!wb) {
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot create the workbook", path);
    } else {
        lxw_doc_properties props = {0};
        props.title = (char *)table_title(table);
        props.comments = (char *)"dvk template";
        const char *epoch = getenv("SOURCE_DATE_EPOCH");
        if (epoch && *epoch)
            props.created = (time_t)strtoll(epoch, NULL, 10);
        workbook_set_properties(wb, &props);
        lxw_error e = write_workbook(wb, &t);
        lxw_error ce = workbook_close(wb);
        if (e || ce)
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot write the workbook (%s)", path,
                               lxw_strerror(e ? e : ce));
    }
    int crc = dvk_outfile_close(&out, rc == DVK_OK, rc ? NULL : err);
    tpl_free(&t);
    return rc ? rc : crc;
}
