/* sheet_doc.c: a council member's printable score sheet (report.h, `dvk sheets --format
 * html|docx|pdf`) as a document (doc.h), from the round that decide/sheets.c loads
 * (council.h, dvk_sheets_data: the same data as the XLSX sheets). The letterhead and the
 * type sizes are those of the deciding body's decisions: scripts/lib/bao_cao.lua's ban_hanh
 * (the_thuc.lua by family, the deciding unit's kind and the date, with the province's
 * `decision` overrides), called with the round as a draft run of 31/12 of its year. */
#include "dvk/report.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/council.h"
#include "dvk/format.h"
#include "dvk/province.h"
#include "dvk/sandbox.h"
#include "dvk/script.h"
#include "dvk/text.h"

void dvk_sheet_layout_free(dvk_sheet_layout *lay)
{
    free(lay->parent_issuer);
    free(lay->issuer);
    free(lay->place);
    memset(lay, 0, sizeof *lay);
}

static void set_str(lua_State *L, const char *k, const char *v)
{
    if (!v)
        return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

/* A string field of the table on top, copied ("" when missing). */
static char *get_str(lua_State *L, const char *k, int *oom)
{
    lua_getfield(L, -1, k);
    const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    char *d = strdup(v);
    if (!d)
        *oom = 1;
    lua_pop(L, 1);
    return d;
}

static int get_int(lua_State *L, const char *k)
{
    lua_getfield(L, -1, k);
    int v = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    return v;
}

int dvk_sheet_layout_load(dvk_store *s, const char *scripts_dir, const dvk_sheets_data *d,
                          dvk_sheet_layout *lay, dvk_error *err)
{
    memset(lay, 0, sizeof *lay);
    dvk_sandbox_limits lim = dvk_sandbox_report_defaults();
    lua_State *L = dvk_sandbox_new(s, scripts_dir, &lim, err);
    if (!L)
        return err->code;
    dvk_province *p = dvk_script_load(L, d->province, err);
    int rc = p ? DVK_OK : err->code, oom = 0;
    if (rc == DVK_OK)
        rc = dvk_sandbox_dofile(L, "lib/bao_cao.lua", 1, err);         /* bc */
    if (rc == DVK_OK) {
        lua_getfield(L, -1, "ban_hanh");                                /* bc f */
        if (!lua_isfunction(L, -1)) {
            rc = dvk_error_set(err, DVK_EDATA, "scripts/lib/bao_cao.lua: no function "
                               "ban_hanh (the letterhead of the sheets comes from it)");
            lua_pop(L, 2);
        }
    }
    if (rc == DVK_OK) {
        char year[16];
        snprintf(year, sizeof year, "%d", d->year);
        lua_createtable(L, 0, 12);                                      /* bc f run */
        set_str(L, "province", d->province);
        set_str(L, "province_name", d->province_name);
        lua_pushinteger(L, d->year);
        lua_setfield(L, -2, "year");
        set_str(L, "level", d->level);
        set_str(L, "level_name", d->level_title);
        set_str(L, "unit", d->unit);
        set_str(L, "unit_name", d->unit_name);
        set_str(L, "unit_kind", d->unit_kind);
        set_str(L, "status", "draft");
        dvk_script_push_province(L, p);                                 /* bc f run info */
        lua_setfield(L, -2, "province_info");                           /* bc f run */
        rc = dvk_sandbox_call(L, 1, 1, err);                            /* bc o */
        if (rc == DVK_OK && !lua_istable(L, -1)) {
            rc = dvk_error_set(err, DVK_EDATA, "scripts/lib/bao_cao.lua: ban_hanh returned "
                               "%s, not a table", luaL_typename(L, -1));
        } else if (rc == DVK_OK) {
            lua_getfield(L, -1, "ho");
            const char *ho = lua_tostring(L, -1);
            lay->family = ho && strcmp(ho, "party") == 0 ? DVK_DOC_PARTY : DVK_DOC_STATE;
            lua_pop(L, 1);
            lay->parent_issuer = get_str(L, "cap_tren", &oom);
            lay->issuer = get_str(L, "co_quan", &oom);
            lay->place = get_str(L, "dia_danh", &oom);
            lua_getfield(L, -1, "the_thuc");                            /* bc o tt */
            if (lua_istable(L, -1)) {
                lay->body_pt = get_int(L, "co_chu");
                lay->name_pt = get_int(L, "co_ten_loai");
            }
            lua_pop(L, 1);
        }
        lua_settop(L, 0);
    }
    if (oom)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (rc != DVK_OK)
        dvk_sheet_layout_free(lay);
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    return rc;
}

/* The empty cells to write in hold no-break spaces, so that every renderer gives them room
 * by their content (a width in characters is a cap, not a minimum: doc.h): BLANK_SCORE
 * characters for a score, BLANK_NOTE for a note. */
enum { BLANK_SCORE = 6, BLANK_NOTE = 10 };

static void blank(char *buf, int n)
{
    for (int i = 0; i < n; i++)
        memcpy(buf + 2 * i, "\xC2\xA0", 2);
    buf[2 * n] = 0;
}

/* The instructions. */
static const char *const STEPS[] = {
    "Hướng dẫn: ghi vào cột \"Điểm chấm\" điểm của từng tiêu chí, một số từ 0 đến điểm tối đa "
    "(có thể ghi số thập phân: 7,5); nhận xét, lý do không chấm (nếu có) ghi vào cột \"Ghi "
    "chú\". Ký, ghi rõ họ tên và gửi lại phiếu cho cơ quan thường trực của Hội đồng, nơi nhập "
    "điểm vào phiếu XLSX cùng tên để đưa vào dvk (dvk import appraisals). Phiếu nhiều trang: "
    "ký nháy vào từng trang.",
    NULL};

int dvk_sheet_doc(const dvk_sheets_data *d, const dvk_sheet_layout *lay, size_t mi,
                  dvk_doc *doc, dvk_error *err)
{
    const dvk_sheet_member *m = &d->members[mi];
    char line[2048], year[16], num[DVK_FORMAT_MAX];
    snprintf(year, sizeof year, "%d", d->year);
    char *level = dvk_text_lower(d->level_title, strlen(d->level_title));
    if (!level)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    snprintf(line, sizeof line, "Phiếu chấm điểm mô hình \"Dân vận khéo\" %s năm %d — %s",
             level, d->year, m->code);
    int rc = dvk_doc_set_title(doc, line, err);
    dvk_doc_letterhead lh = {.family = lay->family, .parent_issuer = lay->parent_issuer,
                             .issuer = lay->issuer, .number = "", .symbol = "",
                             .place = lay->place, .date = year};
    dvk_doc_style st = {.body_pt = lay->body_pt, .name_pt = lay->name_pt,
                        .recipients_fmt = -1};
    if (rc == DVK_OK)
        rc = dvk_doc_set_style(doc, &st, err);
    if (rc == DVK_OK)
        rc = dvk_doc_letterhead_add(doc, &lh, err);
    if (rc == DVK_OK)
        rc = dvk_doc_heading(doc, "PHIẾU CHẤM ĐIỂM", 1, err);
    snprintf(line, sizeof line, "Mô hình, điển hình \"Dân vận khéo\" %s năm %d%s%s", level,
             d->year, d->unit_name ? " - " : "", d->unit_name ? d->unit_name : "");
    free(level);
    if (rc == DVK_OK)
        rc = dvk_doc_paragraph(doc, line, DVK_DOC_BOLD | DVK_DOC_CENTER, err);
    size_t nrec = 0, n = dvk_sheets_count(d, mi, &nrec);
    char who[512], count[256];
    snprintf(who, sizeof who, "%s (mã %s)", m->name ? m->name : "", m->code);
    if (nrec)
        snprintf(count, sizeof count, "%zu (không chấm %zu mô hình của đơn vị mình)", n, nrec);
    else
        snprintf(count, sizeof count, "%zu", n);
    const char *keys[4] = {"Người chấm", "Chức vụ", "Đơn vị công tác", "Số mô hình chấm"};
    const char *vals[4] = {who, m->role ? m->role : "", m->unit_name ? m->unit_name
                                                        : m->unit ? m->unit : "", count};
    if (rc == DVK_OK)
        rc = dvk_doc_kv(doc, 4, keys, vals, err);
    for (int i = 0; rc == DVK_OK && STEPS[i]; i++)
        rc = dvk_doc_paragraph(doc, STEPS[i], DVK_DOC_ITALIC, err);
    /* one table: a model's first row carries its number and name, then a row per criterion
     * and its "Cộng" (rows never split across pages; the header repeats on each page) */
    if (rc == DVK_OK && n == 0) {   /* nothing to score: said, not an empty table */
        snprintf(line, sizeof line, "Không có mô hình để chấm: cả %zu mô hình của đợt xét là của "
                 "đơn vị mình (tránh xung đột lợi ích).", nrec);
        rc = dvk_doc_paragraph(doc, line, DVK_DOC_BOLD, err);
    }
    dvk_doc_table *t = rc == DVK_OK && n > 0 ? dvk_doc_table_add(doc, "", err) : NULL;
    if (rc == DVK_OK && n > 0 && !t)
        rc = err->code;
    if (rc == DVK_OK && t &&
        ((rc = dvk_doc_table_column(doc, t, "stt", "STT", DVK_COL_TEXT, 4, err)) ||
         (rc = dvk_doc_table_column(doc, t, "mo-hinh", "Mô hình", DVK_COL_TEXT, 0, err)) ||
         (rc = dvk_doc_table_column(doc, t, "tieu-chi", "Tiêu chí", DVK_COL_TEXT, 0, err)) ||
         (rc = dvk_doc_table_column(doc, t, "toi-da", "Điểm tối đa", DVK_COL_NUM, 7, err)) ||
         (rc = dvk_doc_table_column(doc, t, "diem", "Điểm chấm", DVK_COL_TEXT, BLANK_SCORE, err)) ||
         (rc = dvk_doc_table_column(doc, t, "ghi-chu", "Ghi chú", DVK_COL_TEXT, BLANK_NOTE, err))))
        t = NULL;
    char blank_score[BLANK_NOTE * 2 + 1], blank_note[BLANK_NOTE * 2 + 1];
    blank(blank_score, BLANK_SCORE);
    blank(blank_note, BLANK_NOTE);
    size_t k = 0;
    for (size_t ci = 0; rc == DVK_OK && t && ci < d->ncands; ci++) {
        if (dvk_sheets_recused(d, mi, ci))
            continue;
        const dvk_sheet_candidate *c = &d->cands[ci];
        snprintf(line, sizeof line, "%s (mã %s)%s%s", c->name ? c->name : c->code, c->code,
                 c->unit_name ? " - " : "", c->unit_name ? c->unit_name : "");
        snprintf(num, sizeof num, "%zu", ++k);
        double sum = 0;
        size_t row;
        for (size_t j = 0; rc == DVK_OK && j < d->ncrit; j++) {
            if ((rc = dvk_doc_table_row(doc, t, &row, err)) ||
                (j == 0 && (rc = dvk_doc_table_text(doc, t, row, 0, num, err))) ||
                (j == 0 && (rc = dvk_doc_table_text(doc, t, row, 1, line, err))) ||
                (rc = dvk_doc_table_text(doc, t, row, 2, d->crit[j].name, err)) ||
                (rc = dvk_doc_table_number(doc, t, row, 3, d->crit[j].max, err)) ||
                (rc = dvk_doc_table_text(doc, t, row, 4, blank_score, err)) ||
                (rc = dvk_doc_table_text(doc, t, row, 5, blank_note, err)))
                break;
            sum += d->crit[j].max;
        }
        if (rc == DVK_OK && d->ncrit > 1 &&
            !(rc = dvk_doc_table_row(doc, t, &row, err)) &&
            !(rc = dvk_doc_table_text(doc, t, row, 2, "Cộng", err)))
            rc = dvk_doc_table_number(doc, t, row, 3, sum, err);
    }
    if (rc == DVK_OK) {
        dvk_doc_signature sig = {.on_behalf = "NGƯỜI CHẤM",
                                 .title = "(ký, ghi rõ họ tên)",
                                 .name = m->name ? m->name : ""};
        rc = dvk_doc_signature_add(doc, &sig, err);
    }
    return rc;
}
