/* check_doc.c: the report document (blocks, tables, charts, limits), how its cells read to
 * people, and the Lua `doc` object that report scripts write into. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>

#include "dvk/doc.h"

START_TEST(blocks_in_order)
{
    dvk_error err;
    dvk_doc *doc = dvk_doc_new();
    ck_assert_ptr_nonnull(doc);
    ck_assert_int_eq(dvk_doc_heading(doc, "QUYẾT ĐỊNH", 1, &err), DVK_OK);
    ck_assert_int_eq(dvk_doc_paragraph(doc, "Về việc công nhận", DVK_DOC_BOLD | DVK_DOC_CENTER,
                                       &err), DVK_OK);
    const char *k[] = {"Năm", "Cấp"}, *v[] = {"2024", "tỉnh"};
    ck_assert_int_eq(dvk_doc_kv(doc, 2, k, v, &err), DVK_OK);
    ck_assert_int_eq(dvk_doc_page_break(doc, &err), DVK_OK);
    const char *items[] = {"Như Điều 3;", "Lưu: VT, BDV."};
    ck_assert_int_eq(dvk_doc_recipients(doc, 2, items, &err), DVK_OK);
    dvk_doc_signature sig = {"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A"};
    ck_assert_int_eq(dvk_doc_signature_add(doc, &sig, &err), DVK_OK);
    dvk_doc_letterhead lh = {DVK_DOC_PARTY, "ĐẢNG BỘ TỈNH BẮC KẠN", "BAN DÂN VẬN", "12",
                             "QĐ/BDVTU", "Bắc Kạn", "2024-01-05"};
    ck_assert_int_eq(dvk_doc_letterhead_add(doc, &lh, &err), DVK_OK);

    ck_assert_uint_eq(dvk_doc_count(doc), 7);
    ck_assert_int_eq(dvk_doc_block_at(doc, 0)->type, DVK_DOC_HEADING);
    ck_assert_str_eq(dvk_doc_block_at(doc, 0)->text, "QUYẾT ĐỊNH");
    ck_assert_int_eq(dvk_doc_block_at(doc, 1)->style, DVK_DOC_BOLD | DVK_DOC_CENTER);
    ck_assert_str_eq(dvk_doc_block_at(doc, 2)->values[1], "tỉnh");
    ck_assert_int_eq(dvk_doc_block_at(doc, 3)->type, DVK_DOC_PAGE_BREAK);
    ck_assert_str_eq(dvk_doc_block_at(doc, 4)->values[1], "Lưu: VT, BDV.");
    ck_assert_str_eq(dvk_doc_block_at(doc, 5)->signature->name, "Nguyễn Văn A");
    ck_assert_str_eq(dvk_doc_block_at(doc, 6)->letterhead->symbol, "QĐ/BDVTU");
    ck_assert_ptr_null(dvk_doc_block_at(doc, 7));
    ck_assert_uint_gt(dvk_doc_bytes(doc), 0);
    dvk_doc_free(doc);
    dvk_doc_free(NULL);
}
END_TEST

START_TEST(text_is_checked_and_normalised)
{
    dvk_error err;
    dvk_doc *doc = dvk_doc_new();
    /* "Việt" decomposed comes out composed (NFC). */
    ck_assert_int_eq(dvk_doc_paragraph(doc, "Vie\xcc\xa3\xcc\x82t", 0, &err), DVK_OK);
    ck_assert_str_eq(dvk_doc_block_at(doc, 0)->text, "Việt");
    ck_assert_int_eq(dvk_doc_paragraph(doc, "bad \xff byte", 0, &err), DVK_EDATA);
    ck_assert_ptr_nonnull(strstr(err.msg, "UTF-8"));
    ck_assert_int_eq(dvk_doc_heading(doc, "x", 5, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_doc_heading(doc, "x", 0, &err), DVK_EDATA);
    ck_assert_uint_eq(dvk_doc_count(doc), 1);   /* failures add nothing */
    dvk_doc_free(doc);
}
END_TEST

START_TEST(tables_and_totals)
{
    dvk_error err;
    dvk_doc *doc = dvk_doc_new();
    dvk_doc_table *t = dvk_doc_table_add(doc, "Theo lĩnh vực", &err);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(dvk_doc_table_row(doc, t, NULL, &err), DVK_EDATA);  /* no columns */
    ck_assert_int_eq(dvk_doc_table_column(doc, t, "field", "Lĩnh vực", DVK_COL_TEXT, 0, &err), 0);
    ck_assert_int_eq(dvk_doc_table_column(doc, t, "reg", "Đăng ký", DVK_COL_INT, 0, &err), 0);
    ck_assert_int_eq(dvk_doc_table_column(doc, t, "pct", "Tỷ lệ", DVK_COL_PCT, 0, &err), 0);
    ck_assert_int_eq(dvk_doc_table_column(doc, t, "vnd", "Tiền", DVK_COL_MONEY, 12, &err), 0);
    size_t r;
    for (int i = 0; i < 40; i++) {     /* past the first growth of the cell array */
        ck_assert_int_eq(dvk_doc_table_row(doc, t, &r, &err), DVK_OK);
        ck_assert_uint_eq(r, (size_t)i);
        ck_assert_int_eq(dvk_doc_table_text(doc, t, r, 0, "Kinh tế", &err), DVK_OK);
        ck_assert_int_eq(dvk_doc_table_number(doc, t, r, 1, i, &err), DVK_OK);
        ck_assert_int_eq(dvk_doc_table_number(doc, t, r, 2, 50.5, &err), DVK_OK);
        ck_assert_int_eq(dvk_doc_table_number(doc, t, r, 3, 1000000, &err), DVK_OK);
    }
    ck_assert_int_eq(dvk_doc_table_column(doc, t, "late", "x", DVK_COL_TEXT, 0, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_doc_table_number(doc, t, 0, 1, NAN, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_doc_table_number(doc, t, 99, 1, 1, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_doc_table_number(doc, t, 0, 9, 1, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_doc_table_text(doc, t, DVK_DOC_TOTALS, 0, "x", &err), DVK_EDATA);
    ck_assert_int_eq(dvk_doc_table_sum(doc, t, "Tổng cộng", &err), DVK_OK);
    ck_assert_str_eq(dvk_doc_table_cell(t, DVK_DOC_TOTALS, 0)->text, "Tổng cộng");
    ck_assert_double_eq(dvk_doc_table_cell(t, DVK_DOC_TOTALS, 1)->num, 780);   /* 0+..+39 */
    ck_assert_int_eq(dvk_doc_table_cell(t, DVK_DOC_TOTALS, 2)->kind, DVK_CELL_EMPTY);
    ck_assert_double_eq(dvk_doc_table_cell(t, DVK_DOC_TOTALS, 3)->num, 40e6);
    ck_assert_str_eq(dvk_doc_table_cell(t, 39, 0)->text, "Kinh tế");
    ck_assert_int_eq(dvk_doc_table_footnote(doc, t, "Số liệu tạm tính.", &err), DVK_OK);
    ck_assert_uint_eq(t->nfootnotes, 1);
    ck_assert_int_eq(t->cols[3].width, 12);
    dvk_doc_free(doc);
}
END_TEST

START_TEST(charts)
{
    dvk_error err;
    dvk_doc *doc = dvk_doc_new();
    dvk_doc_chart *c = dvk_doc_chart_add(doc, 1, "Theo lĩnh vực", &err);
    ck_assert_int_eq(dvk_doc_chart_category(doc, c, "Kinh tế", &err), DVK_OK);
    ck_assert_int_eq(dvk_doc_chart_category(doc, c, "Văn hóa - xã hội", &err), DVK_OK);
    double v[] = {3, 4}, bad[] = {1, INFINITY};
    ck_assert_int_eq(dvk_doc_chart_series(doc, c, "Công nhận", v, 1, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_doc_chart_series(doc, c, "Công nhận", bad, 2, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_doc_chart_series(doc, c, "Công nhận", v, 2, &err), DVK_OK);
    ck_assert_int_eq(dvk_doc_chart_category(doc, c, "late", &err), DVK_EDATA);
    ck_assert_uint_eq(c->nseries, 1);
    ck_assert_double_eq(c->series[0].values[1], 4);
    ck_assert_int_eq(c->stacked, 1);
    dvk_doc_free(doc);
}
END_TEST

START_TEST(names_and_styles)
{
    ck_assert_int_eq(dvk_doc_style_parse("normal"), 0);
    ck_assert_int_eq(dvk_doc_style_parse("bold center"), DVK_DOC_BOLD | DVK_DOC_CENTER);
    ck_assert_int_eq(dvk_doc_style_parse("italic,right"), DVK_DOC_ITALIC | DVK_DOC_RIGHT);
    ck_assert_int_eq(dvk_doc_style_parse("blink"), -1);
    ck_assert_int_eq(dvk_doc_style_parse("center right"), -1);
    ck_assert_int_eq(dvk_doc_col_type_parse("money"), DVK_COL_MONEY);
    ck_assert_int_eq(dvk_doc_col_type_parse("float"), -1);
    ck_assert_str_eq(dvk_doc_col_type_name(DVK_COL_PCT), "pct");
}
END_TEST

/* ---- the Lua binding ----------------------------------------------------------------- */

static lua_State *lua_with_doc(dvk_doc *doc)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    dvk_doc_push(L, doc);
    lua_setglobal(L, "doc");
    return L;
}

/* Run code; returns NULL on success or the error message (static copy). */
static const char *run(lua_State *L, const char *code)
{
    static char msg[1024];
    if (luaL_loadbuffer(L, code, strlen(code), "=t") || lua_pcall(L, 0, 0, 0)) {
        snprintf(msg, sizeof msg, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return msg;
    }
    return NULL;
}

START_TEST(lua_doc_object)
{
    dvk_doc *doc = dvk_doc_new();
    lua_State *L = lua_with_doc(doc);
    const char *e = run(L,
        "doc:title('Thống kê')\n"
        "doc:heading('BÁO CÁO', 1)\n"
        "doc:paragraph('Căn cứ Luật Thi đua, khen thưởng;', 'italic')\n"
        "doc:kv{{'Năm', 2024}, {'Cấp', 'tỉnh'}}\n"
        "doc:table{title='Theo lĩnh vực', totals=true, footnotes={'Tạm tính.'},\n"
        "  columns={{id='field', title='Lĩnh vực'}, {id='n', title='Số', type='int'},\n"
        "           {id='p', title='Tỷ lệ', type='pct'}},\n"
        "  rows={{'Kinh tế', 3, 50}, {field='Văn hóa', n=4, p=25.5}, {'Khác', nil, '—'},\n"
        "        {nil, nil, 7}}}\n"
        "doc:chart{type='stacked', title='Biểu đồ', categories={'A', 'B'},\n"
        "  series={{name='x', values={1, 2}}, {name='y', values={3, 4}}}}\n"
        "doc:page_break()\n"
        "doc:letterhead{family='state', issuer='ỦY BAN NHÂN DÂN\\nTỈNH BẮC KẠN', number='12',\n"
        "  symbol='QĐ-UBND', place='Bắc Kạn', date='2024-01-05'}\n"
        "doc:signature{on_behalf='TM. ỦY BAN NHÂN DÂN', title='CHỦ TỊCH', name='Nguyễn Văn A'}\n"
        "doc:recipients{'Như Điều 3;', 'Lưu: VT.'}\n");
    ck_assert_msg(e == NULL, "%s", e);
    ck_assert_str_eq(dvk_doc_title(doc), "Thống kê");
    ck_assert_uint_eq(dvk_doc_count(doc), 9);
    const dvk_doc_block *kv = dvk_doc_block_at(doc, 2);
    ck_assert_str_eq(kv->values[0], "2024");
    const dvk_doc_table *t = dvk_doc_block_at(doc, 3)->table;
    ck_assert_uint_eq(t->ncols, 3);
    ck_assert_uint_eq(t->nrows, 4);
    ck_assert_double_eq(dvk_doc_table_cell(t, 3, 2)->num, 7);          /* holes before it */
    ck_assert_int_eq(t->cols[1].type, DVK_COL_INT);
    ck_assert_str_eq(dvk_doc_table_cell(t, 1, 0)->text, "Văn hóa");     /* keyed row */
    ck_assert_double_eq(dvk_doc_table_cell(t, 1, 2)->num, 25.5);
    ck_assert_int_eq(dvk_doc_table_cell(t, 2, 1)->kind, DVK_CELL_EMPTY);
    ck_assert_str_eq(dvk_doc_table_cell(t, 2, 2)->text, "—");           /* text in a pct column */
    ck_assert_double_eq(dvk_doc_table_cell(t, DVK_DOC_TOTALS, 1)->num, 7);
    ck_assert_str_eq(t->footnotes[0], "Tạm tính.");
    ck_assert_int_eq(dvk_doc_block_at(doc, 4)->chart->stacked, 1);
    ck_assert_str_eq(dvk_doc_block_at(doc, 6)->letterhead->issuer, "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN");
    ck_assert_int_eq(dvk_doc_block_at(doc, 6)->letterhead->family, DVK_DOC_STATE);
    ck_assert_uint_eq(dvk_doc_block_at(doc, 8)->nitems, 2);
    lua_close(L);
    dvk_doc_free(doc);
}
END_TEST

START_TEST(lua_doc_errors)
{
    dvk_doc *doc = dvk_doc_new();
    lua_State *L = lua_with_doc(doc);
    const char *e;
    e = run(L, "doc:table{columns={{id='a', type='float'}}}");
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(strstr(e, "t:1: doc:table: column 'a': unknown type 'float'"), "%s", e);
    e = run(L, "doc:table{colums={{id='a'}}}");
    ck_assert_msg(e && strstr(e, "unknown option 'colums'"), "%s", e);
    e = run(L, "doc:table{columns={{id='a'}}, rows={{{}}}}");
    ck_assert_msg(e && strstr(e, "row 1, column 'a': a cell must be"), "%s", e);
    e = run(L, "doc:heading('x', 7)");
    ck_assert_msg(e && strstr(e, "level must be 1 to 4"), "%s", e);
    e = run(L, "doc:paragraph('x', 'blink')");
    ck_assert_msg(e && strstr(e, "unknown style 'blink'"), "%s", e);
    e = run(L, "doc:chart{categories={'a'}, series={{name='s', values={1, 2}}}}");
    ck_assert_msg(e && strstr(e, "series 1 has 2 values for 1 categories"), "%s", e);
    e = run(L, "doc:chart{type='pie', categories={}}");
    ck_assert_msg(e && strstr(e, "unknown type 'pie'"), "%s", e);
    e = run(L, "doc:letterhead{family='royal'}");
    ck_assert_msg(e && strstr(e, "family must be 'state' or 'party'"), "%s", e);
    e = run(L, "doc:paragraph('a\\0b')");
    ck_assert_msg(e && strstr(e, "NUL"), "%s", e);
    e = run(L, "doc:paragraph('\\xff')");
    ck_assert_msg(e && strstr(e, "UTF-8"), "%s", e);
    e = run(L, "return getmetatable(doc)");
    ck_assert_ptr_null(e);
    /* after the report, a kept reference is harmless */
    lua_getglobal(L, "doc");
    dvk_doc_unbind(L, -1);
    lua_pop(L, 1);
    e = run(L, "doc:heading('late')");
    ck_assert_msg(e && strstr(e, "document is closed"), "%s", e);
    lua_close(L);
    dvk_doc_free(doc);
}
END_TEST

/* Cells as people read them, for every column type and the edges: thousands, decimals,
 * percentages keeping their one decimal, no "-0", an overflowed sum, a fraction in a text
 * column, a buffer too small for the whole number. */
START_TEST(cell_text)
{
    char buf[64];
    dvk_doc_column ct = {"t", "t", DVK_COL_TEXT, 0}, ci = {"n", "n", DVK_COL_INT, 0},
                   cn = {"n", "n", DVK_COL_NUM, 0}, cp = {"n", "n", DVK_COL_PCT, 0},
                   cm = {"n", "n", DVK_COL_MONEY, 0};
    const struct {
        const dvk_doc_column *col;
        double v;
        const char *want;
    } cases[] = {
        {&ci, 2537, "2.537"},        {&ci, -1234567, "-1.234.567"}, {&ci, 0, "0"},
        {&ci, -0.4, "0"},            {&ci, 2.6, "3"},               {&ci, 1e18, "1.000.000.000.000.000.000"},
        {&cn, 12.5, "12,5"},         {&cn, 1234.567, "1.234,57"},   {&cn, 90, "90"},
        {&cn, -0.001, "0"},          {&cn, -3.25, "-3,25"},
        {&cp, 50.44, "50,4%"},       {&cp, 50, "50,0%"},            {&cp, -0.01, "0,0%"},
        {&cp, 100, "100,0%"},
        {&cm, 2700000, "2.700.000"}, {&cm, 999.6, "1.000"},
        {&ct, 2.5, "2.5"},           {&ct, 12345, "12.345"},        {&ct, 0.1, "0.1"},
        {&ci, INFINITY, ""},         {&cn, -INFINITY, ""},          {&cp, NAN, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dvk_doc_cell x = {DVK_CELL_NUMBER, cases[i].v, NULL};
        ck_assert_msg(strcmp(dvk_doc_cell_text(cases[i].col, &x, buf, sizeof buf), cases[i].want) == 0,
                      "case %zu (%g as %s): got '%s', want '%s'", i, cases[i].v,
                      dvk_doc_col_type_name(cases[i].col->type), buf, cases[i].want);
    }
    dvk_doc_cell empty = {DVK_CELL_EMPTY, 0, NULL}, text = {DVK_CELL_TEXT, 0, (char *)"=1+1"};
    ck_assert_str_eq(dvk_doc_cell_text(&ci, &empty, buf, sizeof buf), "");
    ck_assert_str_eq(dvk_doc_cell_text(&ci, NULL, buf, sizeof buf), "");
    ck_assert_ptr_eq(dvk_doc_cell_text(&ci, &text, buf, sizeof buf), text.text);
    /* a small buffer is cut, still terminated; a zero-sized one is not touched */
    char small[6] = "xxxxx";
    dvk_doc_cell big = {DVK_CELL_NUMBER, 1234567, NULL};
    const char *cut = dvk_doc_cell_text(&ci, &big, small, sizeof small);
    ck_assert_ptr_eq(cut, small);
    ck_assert_uint_lt(strlen(small), sizeof small);
    ck_assert_uint_gt(strlen(small), 0);
    ck_assert_int_eq(strncmp(small, "1.234.567", strlen(small)), 0);
    memcpy(small, "xxxxx", 6);
    ck_assert_str_eq(dvk_doc_cell_text(&ci, &big, small, 0), "");
    ck_assert_str_eq(small, "xxxxx");
}
END_TEST

Suite *doc_suite(void)
{
    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, blocks_in_order);
    tcase_add_test(tc, text_is_checked_and_normalised);
    tcase_add_test(tc, tables_and_totals);
    tcase_add_test(tc, charts);
    tcase_add_test(tc, names_and_styles);
    tcase_add_test(tc, cell_text);
    tcase_add_test(tc, lua_doc_object);
    tcase_add_test(tc, lua_doc_errors);
    suite_add_tcase(s, tc);
    return s;
}
