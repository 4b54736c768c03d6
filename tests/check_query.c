/* check_query.c: the dvk.models query builder: bound parameters only, filters combined,
 * unit subtrees, search by key, injection attempts stored and matched literally, and the
 * Lua API over a small database. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/query.h"
#include "dvk/sandbox.h"
#include "dvk/text.h"
#include "testutil.h"

static dvk_store *store;
static char *dir;
static dvk_units *tree;   /* the units of setup(), loaded after them */

static void exec_sql(const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(dvk_store_db(store), sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "");
}

static void add_unit(const char *code, const char *name, const char *kind, const char *parent,
                     const char *province, const char *successor)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(store),
        "INSERT INTO units(code, name, name_key, kind, parent, province, successor)"
        " VALUES (?,?,?,?,?,?,?)", -1, &st, NULL), SQLITE_OK);
    char *key = dvk_text_key(name, strlen(name));
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, parent, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, successor, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    free(key);
}

static void add_model(const char *code, const char *name, const char *unit, const char *province,
                      const char *kind, const char *field, const char *level, int year,
                      const char *registration)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(store),
        "INSERT INTO models(code, name, name_key, unit, province, kind, category, field, level,"
        " year, registration, started_on, metrics) VALUES (?,?,?,?,?,?,'mo-hinh',?,?,?,?,"
        " '2022-01-01', '{\"funds_vnd\": 1500000000, \"workdays\": 120}')", -1, &st, NULL),
        SQLITE_OK);
    char *nfc = dvk_text_nfc(name, strlen(name));
    char *key = dvk_text_key(name, strlen(name));
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, nfc, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, year);
    sqlite3_bind_text(st, 10, registration, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    free(nfc);
    free(key);
}

/* (Re)load the unit tree after units changed. */
static void load_tree(void)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_units_free(tree);
    tree = NULL;
    ck_assert_msg(dvk_units_load(store, NULL, &tree, &err) == DVK_OK, "%s", err.msg);
}

/* Two provinces; bk has a district with two communes, and an old district merged into the
 * first (successor). Names carry quotes, %, _, backslashes and SQL. */
static void setup(void)
{
    store = tu_store(&dir);
    exec_sql("BEGIN");
    add_unit("bk", "Bắc Kạn", "province", NULL, "bk", NULL);
    add_unit("bk-cd", "Huyện Chợ Đồn", "district", "bk", "bk", NULL);
    add_unit("bk-cd-x1", "Xã Bằng Lãng", "commune", "bk-cd", "bk", NULL);
    add_unit("bk-cd-x2", "Xã Đại Sảo", "commune", "bk-cd", "bk", NULL);
    add_unit("bk-old", "Huyện cũ", "district", "bk", "bk", "bk-cd");
    add_unit("bk-old-x", "Xã cũ", "commune", "bk-old", "bk", NULL);
    add_unit("bk-pn", "Huyện Pác Nặm", "district", "bk", "bk", NULL);
    add_unit("bt", "Bình Thuận", "province", NULL, "bt", NULL);
    add_model("BK-1", "Dân vận khéo trong xây dựng nông thôn mới", "bk-cd-x1", "bk", "tap-the",
              "nong-thon-moi", "co-so", 2024, "moi");
    add_model("BK-2", "Đường làng sáng xanh", "bk-cd-x2", "bk", "tap-the", "nong-thon-moi",
              "co-so", 2024, "tiep-tuc");
    add_model("BK-3", "O'Brien; DROP TABLE models; --", "bk-cd", "bk", "ca-nhan", "cai-cach",
              "huyen", 2024, "moi");
    add_model("BK-4", "Tiết kiệm 100% điện", "bk-old-x", "bk", "ho-gia-dinh", "nong-thon-moi",
              "co-so", 2024, "moi");
    add_model("BK-5", "Mô hình a_b", "bk-pn", "bk", "tap-the", "cai-cach", "co-so", 2024, "moi");
    add_model("BK-6", "Mô hình axb", "bk-pn", "bk", "tap-the", "cai-cach", "co-so", 2023, "moi");
    add_model("BK-7", "Đường dẫn C:\\dvk", "bk-pn", "bk", "tap-the", "cai-cach", "tinh", 2024,
              "tiep-tuc");
    add_model("BT-1", "Dân vận khéo ở vùng đồng bào", "bt", "bt", "tap-the", "kinh-te", "tinh",
              2024, "moi");
    exec_sql("COMMIT");
    load_tree();
}

static void teardown(void)
{
    dvk_units_free(tree);
    tree = NULL;
    dvk_store_close(store);
    tu_rmdir(dir);
    free(dir);
}

static long long count(const dvk_model_filter *f)
{
    dvk_error err;
    dvk_error_clear(&err);
    long long n = dvk_query_count(store, NULL, f, &err);
    ck_assert_msg(n >= 0, "count failed: %s", err.msg);
    return n;
}

/* The codes of the models f selects, in order, joined by spaces. */
static char *codes(const dvk_model_filter *f)
{
    dvk_sql q;
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_msg(dvk_query_models_sql(f, tree, DVK_QUERY_ROWS, NULL, &q, &err) == DVK_OK, "%s", err.msg);
    sqlite3_stmt *st = dvk_sql_prepare(store, &q, &err);
    ck_assert_msg(st != NULL, "%s", err.msg);
    static char buf[1024];
    buf[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (buf[0])
            strcat(buf, " ");
        strcat(buf, (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    dvk_sql_free(&q);
    return buf;
}

START_TEST(values_never_reach_the_sql_text)
{
    const char *evil = "x'; DROP TABLE models; --";
    dvk_model_filter f = {0};
    f.province = evil;
    f.unit = evil;
    f.field = evil;
    f.level = evil;
    f.kind = evil;
    f.category = evil;
    f.registration = evil;
    f.code = evil;
    f.search = "O'Brien 100% a_b";
    f.year = 2024;
    f.limit = 5;
    dvk_sql q;
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_query_models_sql(&f, tree, DVK_QUERY_ROWS, NULL, &q, &err), DVK_OK);
    ck_assert_ptr_null(strstr(q.text, "DROP"));
    ck_assert_ptr_null(strstr(q.text, "brien"));
    ck_assert_ptr_null(strstr(q.text, "100"));
    ck_assert_ptr_null(strstr(q.text, "2024"));
    /* 8 text filters, year, 3 search words, limit and offset */
    ck_assert_int_eq(q.nparams, 14);
    int placeholders = 0;
    for (const char *p = q.text; *p; p++)
        placeholders += *p == '?';
    ck_assert_int_eq(placeholders, q.nparams);
    ck_assert_str_eq(q.params[0].s, evil);
    ck_assert_int_eq(q.params[0].is_text, 1);
    /* the search words, as escaped LIKE patterns of their keys */
    ck_assert_str_eq(q.params[9].s, "%o'brien%");
    ck_assert_str_eq(q.params[10].s, "%100\\%%");
    ck_assert_str_eq(q.params[11].s, "%a\\_b%");
    ck_assert_int_eq(q.params[12].is_text, 0);
    ck_assert_int_eq(q.params[12].i, 5);
    dvk_sql_free(&q);
    ck_assert_int_eq(count(&f), 0);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM models"), 8);
}
END_TEST

START_TEST(filters_combine)
{
    dvk_model_filter f = {0};
    ck_assert_int_eq(count(&f), 8);
    f.province = "bk";
    ck_assert_int_eq(count(&f), 7);
    f.year = 2024;
    ck_assert_int_eq(count(&f), 6);
    f.level = "co-so";
    ck_assert_int_eq(count(&f), 4);
    f.field = "nong-thon-moi";
    ck_assert_int_eq(count(&f), 3);
    f.registration = "moi";
    ck_assert_str_eq(codes(&f), "BK-1 BK-4");
    f.kind = "ho-gia-dinh";
    ck_assert_str_eq(codes(&f), "BK-4");
    f.category = "dien-hinh";
    ck_assert_int_eq(count(&f), 0);
}
END_TEST

START_TEST(unit_subtree_and_successors)
{
    dvk_model_filter f = {0};
    f.unit = "bk-cd";
    /* the district itself, its communes, and the merged old district's commune */
    ck_assert_str_eq(codes(&f), "BK-1 BK-2 BK-3 BK-4");
    f.unit = "bk-cd-x1";
    ck_assert_str_eq(codes(&f), "BK-1");
    f.unit = "bk";
    ck_assert_int_eq(count(&f), 7);
    f.unit = "nowhere";
    ck_assert_int_eq(count(&f), 0);
}
END_TEST

/* A unit's scope comes from the unit tree (units.h), bound as one JSON array: no walk of
 * its own in the SQL. */
START_TEST(unit_scope_is_the_trees_list)
{
    dvk_model_filter f = {0};
    f.unit = "bk-cd";
    dvk_sql q;
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_query_models_sql(&f, tree, DVK_QUERY_ROWS, NULL, &q, &err), DVK_OK);
    ck_assert_ptr_null(strstr(q.text, "RECURSIVE"));
    ck_assert_ptr_nonnull(strstr(q.text, "m.unit IN (SELECT value FROM json_each(?))"));
    ck_assert_int_eq(q.nparams, 1);
    ck_assert_str_eq(q.params[0].s, "[\"bk-cd\",\"bk-cd-x1\",\"bk-cd-x2\",\"bk-old\",\"bk-old-x\"]");
    dvk_sql_free(&q);
    /* an unknown unit is an empty scope, not an error */
    f.unit = "nowhere";
    ck_assert_int_eq(dvk_query_models_sql(&f, tree, DVK_QUERY_COUNT, NULL, &q, &err), DVK_OK);
    ck_assert_str_eq(q.params[0].s, "[]");
    dvk_sql_free(&q);
    /* a unit filter needs the tree */
    ck_assert_int_eq(dvk_query_models_sql(&f, NULL, DVK_QUERY_COUNT, NULL, &q, &err), DVK_EUSAGE);
    ck_assert_ptr_null(q.text);
}
END_TEST

/* a merged into b (a.successor = b): b's scope counts a's models, and those of a's
 * communes; parent and successor cycles end. */
START_TEST(unit_merged_and_cycles)
{
    exec_sql("BEGIN");
    add_unit("bk-gone", "Huyện đã nhập", "district", "bk", "bk", "bk-pn");
    add_unit("bk-gone-x", "Xã của huyện đã nhập", "commune", "bk-gone", "bk", NULL);
    add_model("BK-8", "Mô hình ở huyện đã nhập", "bk-gone", "bk", "tap-the", "cai-cach",
              "huyen", 2024, "moi");
    add_model("BK-9", "Mô hình ở xã của huyện đã nhập", "bk-gone-x", "bk", "tap-the",
              "cai-cach", "co-so", 2024, "moi");
    /* a parent cycle cy-a -> cy-b -> cy-a, and a successor cycle cy-c <-> cy-d */
    add_unit("cy-a", "Vòng A", "district", NULL, "bk", NULL);
    add_unit("cy-b", "Vòng B", "commune", "cy-a", "bk", NULL);
    exec_sql("UPDATE units SET parent = 'cy-b' WHERE code = 'cy-a'");
    add_unit("cy-c", "Vòng C", "district", NULL, "bk", "cy-d");
    add_unit("cy-d", "Vòng D", "district", NULL, "bk", "cy-c");
    add_model("CY-1", "Vòng một", "cy-a", "bk", "tap-the", "cai-cach", "co-so", 2024, "moi");
    add_model("CY-2", "Vòng hai", "cy-b", "bk", "tap-the", "cai-cach", "co-so", 2024, "moi");
    add_model("CY-3", "Vòng ba", "cy-c", "bk", "tap-the", "cai-cach", "co-so", 2024, "moi");
    add_model("CY-4", "Vòng bốn", "cy-d", "bk", "tap-the", "cai-cach", "co-so", 2024, "moi");
    exec_sql("COMMIT");
    load_tree();
    dvk_model_filter f = {0};
    f.unit = "bk-pn";
    ck_assert_str_eq(codes(&f), "BK-5 BK-6 BK-7 BK-8 BK-9");
    ck_assert_int_eq(count(&f), 5);
    f.unit = "bk-gone";   /* the merged unit keeps its own scope */
    ck_assert_str_eq(codes(&f), "BK-8 BK-9");
    f.unit = "cy-a";
    ck_assert_str_eq(codes(&f), "CY-1 CY-2");
    f.unit = "cy-b";
    ck_assert_str_eq(codes(&f), "CY-1 CY-2");
    f.unit = "cy-c";
    ck_assert_str_eq(codes(&f), "CY-3 CY-4");
}
END_TEST

START_TEST(search_ignores_case_and_diacritics)
{
    dvk_model_filter f = {0};
    f.search = "dan van kheo";
    ck_assert_str_eq(codes(&f), "BK-1 BT-1");
    f.search = "DÂN VẬN";
    ck_assert_str_eq(codes(&f), "BK-1 BT-1");
    /* NFD input: D a U+0302 n */
    f.search = "Da\xcc\x82n va\xcc\xa3\xcc\x82n khe\xcc\x81o";
    ck_assert_str_eq(codes(&f), "BK-1 BT-1");
    f.search = "duong";       /* đ as d */
    ck_assert_str_eq(codes(&f), "BK-2 BK-7");
    f.search = "kheo nong thon"; /* every word, any order */
    ck_assert_str_eq(codes(&f), "BK-1");
    f.search = "   ";
    dvk_sql q;
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_query_models_sql(&f, tree, DVK_QUERY_COUNT, NULL, &q, &err), DVK_EUSAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "search"));
}
END_TEST

START_TEST(injection_matched_literally)
{
    dvk_model_filter f = {0};
    f.search = "O'Brien; DROP TABLE models; --";
    ck_assert_str_eq(codes(&f), "BK-3");
    f.search = "100%";
    ck_assert_str_eq(codes(&f), "BK-4");
    f.search = "%";
    ck_assert_str_eq(codes(&f), "BK-4");
    f.search = "a_b";           /* _ is not a wildcard: axb does not match */
    ck_assert_str_eq(codes(&f), "BK-5");
    f.search = "_";
    ck_assert_str_eq(codes(&f), "BK-5");
    f.search = "c:\\dvk";
    ck_assert_str_eq(codes(&f), "BK-7");
    f.search = "\\";
    ck_assert_str_eq(codes(&f), "BK-7");
    f.search = NULL;
    f.code = "BK-3' OR '1'='1";
    ck_assert_int_eq(count(&f), 0);
    f.code = "BK-3";
    ck_assert_int_eq(count(&f), 1);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM models"), 8);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM models WHERE name = "
                                   "'O''Brien; DROP TABLE models; --'"), 1);
}
END_TEST

START_TEST(order_is_whitelisted)
{
    dvk_model_filter f = {0};
    f.province = "bk";
    f.order = "-year";
    ck_assert_str_eq(codes(&f), "BK-7 BK-5 BK-4 BK-3 BK-2 BK-1 BK-6");
    f.order = "year desc";
    ck_assert_str_eq(codes(&f), "BK-7 BK-5 BK-4 BK-3 BK-2 BK-1 BK-6");
    f.order = "name";           /* Vietnamese order: D < Đ < M < O < T; dẫn < làng */
    ck_assert_str_eq(codes(&f), "BK-1 BK-7 BK-2 BK-5 BK-6 BK-3 BK-4");
    const char *bad[] = {"year; DROP TABLE models", "name_key", "1", "year sideways", "(code)", ""};
    for (size_t i = 0; i + 1 < sizeof bad / sizeof bad[0]; i++) {
        f.order = bad[i];
        dvk_sql q;
        dvk_error err;
        dvk_error_clear(&err);
        ck_assert_msg(dvk_query_models_sql(&f, tree, DVK_QUERY_ROWS, NULL, &q, &err) == DVK_EUSAGE,
                      "order '%s' was accepted", bad[i]);
        ck_assert_ptr_nonnull(strstr(err.msg, "order"));
    }
}
END_TEST

START_TEST(limit_offset_and_group)
{
    dvk_model_filter f = {0};
    f.limit = 3;
    ck_assert_str_eq(codes(&f), "BK-1 BK-2 BK-3");
    ck_assert_int_eq(count(&f), 3);
    f.offset = 6;
    ck_assert_str_eq(codes(&f), "BK-7 BT-1");
    ck_assert_int_eq(count(&f), 2);
    f.limit = -1;
    dvk_sql q;
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_query_models_sql(&f, tree, DVK_QUERY_ROWS, NULL, &q, &err), DVK_EUSAGE);

    dvk_model_filter g = {0};
    g.province = "bk";
    ck_assert_int_eq(dvk_query_models_sql(&g, tree, DVK_QUERY_GROUP, "field", &q, &err), DVK_OK);
    sqlite3_stmt *st = dvk_sql_prepare(store, &q, &err);
    ck_assert_ptr_nonnull(st);
    char got[256] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        char row[64];
        snprintf(row, sizeof row, "%s=%d ", sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
        strcat(got, row);
    }
    sqlite3_finalize(st);
    dvk_sql_free(&q);
    ck_assert_str_eq(got, "cai-cach=4 nong-thon-moi=3 ");
    ck_assert_int_eq(dvk_query_models_sql(&g, tree, DVK_QUERY_GROUP, "name_key", &q, &err), DVK_EUSAGE);
    ck_assert_int_eq(dvk_query_models_sql(&g, tree, DVK_QUERY_GROUP, "code; --", &q, &err), DVK_EUSAGE);
    ck_assert_int_eq(dvk_query_models_sql(&g, tree, DVK_QUERY_GROUP, NULL, &q, &err), DVK_EUSAGE);
}
END_TEST

START_TEST(like_pattern_escapes)
{
    char *p = dvk_query_like_pattern("a%b_c\\d");
    ck_assert_str_eq(p, "%a\\%b\\_c\\\\d%");
    free(p);
    p = dvk_query_like_pattern("");
    ck_assert_str_eq(p, "%%");
    free(p);
}
END_TEST

/* ---- the Lua API ---- */

static lua_State *L;

static void lua_setup(void)
{
    setup();
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lim.user_globals = 1;
    dvk_error err;
    dvk_error_clear(&err);
    L = dvk_sandbox_new(store, tu_scripts_dir(), &lim, &err);
    ck_assert_msg(L != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_query_register(L, DVK_CTX_REPL, &err), DVK_OK);
}

static void lua_teardown(void)
{
    dvk_sandbox_free(L);
    teardown();
}

/* Run code and return its first result formatted by dvk_query_format (malloc'd), or the
 * error message prefixed with "error: ". */
static char *run(const char *code)
{
    dvk_error err;
    dvk_error_clear(&err);
    int top = lua_gettop(L);
    if (dvk_sandbox_run(L, code, strlen(code), "=test", 1, &err) != DVK_OK) {
        char *msg = malloc(strlen(err.msg) + 8);
        sprintf(msg, "error: %s", err.msg);
        return msg;
    }
    char *s = dvk_query_format(L, -1);
    lua_settop(L, top);
    ck_assert_ptr_nonnull(s);
    return s;
}

static void expect(const char *code, const char *want)
{
    char *got = run(code);
    ck_assert_msg(strcmp(got, want) == 0, "%s\n--- want\n%s\n--- got\n%s", code, want, got);
    free(got);
}

static void expect_error(const char *code, const char *part)
{
    char *got = run(code);
    ck_assert_msg(strncmp(got, "error: ", 7) == 0 && strstr(got, part), "%s: want an error with '%s', got %s",
                  code, part, got);
    free(got);
}

START_TEST(lua_count_group_list)
{
    expect("return dvk.models{province='bk', year=2024}:count()", "6");
    expect("return #dvk.models{search='dan van kheo'}", "2");
    expect("local n = 0 for m in dvk.models{unit='bk-cd'} do n = n + 1 end return n", "4");
    expect("local t = {} for m in dvk.models{field='cai-cach'}:each() do t[#t+1] = m.code end"
           " return table.concat(t, ',')", "BK-3,BK-5,BK-6,BK-7");
    expect("return dvk.models{code='BK-1'}:first().metrics.funds_vnd", "1500000000");
    expect("return dvk.models{code='BK-1'}:first().name", "Dân vận khéo trong xây dựng nông thôn mới");
    expect("return dvk.models{province='bk'}:where{level='huyen'}:count()", "1");
    expect("return #dvk.models{province='bk'}:list()", "7");
    expect("return dvk.models{province='bk'}:group_by('level')",
           "level  count\n-----  -----\nco-so      5\nhuyen      1\ntinh       1\n");
    expect("return dvk.models{search=\"O'Brien; DROP TABLE models\"}:first().code", "BK-3");
    expect("return dvk.models{search='100%'}:count()", "1");
    expect("return dvk.models{search='a_b'}:count()", "1");
}
END_TEST

START_TEST(lua_models_are_read_only)
{
    expect_error("local m = dvk.models{code='BK-1'}:first() m.name = 'x'", "read-only");
    expect_error("local m = dvk.models{code='BK-1'}:first() m.metrics.funds_vnd = 0", "read-only");
}
END_TEST

START_TEST(lua_bad_filters)
{
    expect_error("return dvk.models{provnce='bk'}", "unknown filter 'provnce'");
    expect_error("return dvk.models{year='2024'}", "'year' must be an integer");
    expect_error("return dvk.models{order='name_key'}", "unknown column 'name_key'");
    expect_error("return dvk.models{}:group_by('description')", "group_by: unknown column");
    expect_error("return dvk.models{limit=-1}", "'limit' must be an integer");
    expect_error("return dvk.units{nope=1}", "unknown filter 'nope'");
}
END_TEST

START_TEST(lua_prints_tables)
{
    expect("return dvk.models{province='bk', year=2023}",
           "code  name         unit   field     level  year  kind     registration\n"
           "----  -----------  -----  --------  -----  ----  -------  ------------\n"
           "BK-6  Mô hình axb  bk-pn  cai-cach  co-so  2023  tap-the  moi\n");
    dvk_query_set_output(L, DVK_TABLE_PLAIN, 2);
    expect("return dvk.models{province='bk'}",
           "code  name                                       unit      field          level  year  kind     registration\n"
           "----  -----------------------------------------  --------  -------------  -----  ----  -------  ------------\n"
           "BK-1  Dân vận khéo trong xây dựng nông thôn mới  bk-cd-x1  nong-thon-moi  co-so  2024  tap-the  moi\n"
           "BK-2  Đường làng sáng xanh                       bk-cd-x2  nong-thon-moi  co-so  2024  tap-the  tiep-tuc\n"
           "... 5 more rows\n");
    dvk_query_set_output(L, DVK_TABLE_CSV, 20);
    expect("return dvk.units{parent='bk-cd'}",
           "code,name,province,kind,parent\r\nbk-cd-x1,Xã Bằng Lãng,bk,commune,bk-cd\r\n"
           "bk-cd-x2,Xã Đại Sảo,bk,commune,bk-cd\r\n");
    expect("return {a=1, b={2, 3}, ['x y']='z'}", "{ a = 1, b = { 2, 3 }, [\"x y\"] = \"z\" }\n");
    expect("return 'plain text'", "plain text");
    expect("return 1.5", "1.5");
}
END_TEST

START_TEST(lua_units_subtree)
{
    expect("return #dvk.units{unit='bk-cd'}", "5");
    expect("return dvk.units{search='bang lang'}[1].code", "bk-cd-x1");
    expect("return #dvk.runs{}", "0");
    expect("return dvk.result(1, 'BK-1')", "nil");
}
END_TEST

START_TEST(lua_unit_scope_uses_the_tree)
{
    exec_sql("BEGIN");
    add_unit("bk-gone", "Huyện đã nhập", "district", "bk", "bk", "bk-pn");
    add_model("BK-8", "Mô hình ở huyện đã nhập", "bk-gone", "bk", "tap-the", "cai-cach",
              "huyen", 2024, "moi");
    add_unit("cy-a", "Vòng A", "district", NULL, "bk", NULL);
    add_unit("cy-b", "Vòng B", "commune", "cy-a", "bk", NULL);
    exec_sql("UPDATE units SET parent = 'cy-b' WHERE code = 'cy-a'");
    add_model("CY-1", "Vòng một", "cy-b", "bk", "tap-the", "cai-cach", "co-so", 2024, "moi");
    exec_sql("COMMIT");
    /* b's scope counts the models of a, merged into b */
    expect("return dvk.models{unit='bk-pn'}:count()", "4");
    expect("return #dvk.models{unit='bk-pn', year=2024}", "3");
    expect("return dvk.models{unit='bk-pn'}:where{level='huyen'}:first().code", "BK-8");
    expect("local n = 0 for m in dvk.models{unit='bk-pn'} do n = n + 1 end return n", "4");
    expect("return dvk.models{unit='bk-pn'}:group_by('level')",
           "level  count\n-----  -----\nco-so      2\nhuyen      1\ntinh       1\n");
    expect("return select(2, dvk.models{unit='bk-pn'}:sql())[1]", "[\"bk-gone\",\"bk-pn\"]");
    expect("return #dvk.units{unit='bk-pn'}", "2");
    /* a parent cycle ends */
    expect("return dvk.models{unit='cy-a'}:count()", "1");
    expect("return #dvk.units{unit='cy-b'}", "2");
    expect("return #dvk.units{unit='nowhere'}", "0");
}
END_TEST

/* The registration table: writers only where a person asked for the write, the module of
 * each context built from it, no helper of sandbox.c replaced, filter keys as accepted. */
START_TEST(module_table_contexts)
{
    const dvk_module_entry *m = dvk_query_module();
    int writers = 0;
    for (; m->name; m++) {
        ck_assert_ptr_nonnull(m->fn);
        ck_assert_msg(m->contexts != 0, "dvk.%s is in no context", m->name);
        if (m->flags & DVK_MODULE_WRITES) {
            writers++;
            ck_assert_msg((m->contexts & ~(unsigned)DVK_CTX_WRITERS) == 0,
                          "writer dvk.%s is registered outside the REPL and exec", m->name);
        }
    }
    ck_assert_int_eq(writers, 2);
    expect("return dvk.decide ~= nil and dvk.finalize ~= nil and dvk.models ~= nil", "true");

    const unsigned contexts[] = {DVK_CTX_EXEC, DVK_CTX_PROVINCE, DVK_CTX_REPORT, DVK_CTX_TEST};
    for (size_t c = 0; c < sizeof contexts / sizeof contexts[0]; c++) {
        dvk_sandbox_limits lim = dvk_sandbox_defaults();
        dvk_error err;
        dvk_error_clear(&err);
        lua_State *L2 = dvk_sandbox_new(store, tu_scripts_dir(), &lim, &err);
        ck_assert_ptr_nonnull(L2);
        /* before: none of the table's names is a sandbox helper */
        for (m = dvk_query_module(); m->name; m++) {
            lua_getglobal(L2, "dvk");                                   /* dvk */
            ck_assert_int_eq(lua_getfield(L2, -1, m->name), LUA_TNIL);  /* dvk v */
            lua_pop(L2, 2);                                             /* */
        }
        ck_assert_int_eq(dvk_query_register(L2, contexts[c], &err), DVK_OK);
        for (m = dvk_query_module(); m->name; m++) {
            int want = (m->contexts & contexts[c]) &&
                       (!(m->flags & DVK_MODULE_WRITES) || (contexts[c] & DVK_CTX_WRITERS));
            lua_getglobal(L2, "dvk");                                   /* dvk */
            int have = lua_getfield(L2, -1, m->name) == LUA_TFUNCTION;  /* dvk v */
            lua_pop(L2, 2);                                             /* */
            ck_assert_msg(have == want, "context %u: dvk.%s %s", contexts[c], m->name,
                          have ? "registered" : "missing");
        }
        lua_getglobal(L2, "dvk");                                       /* dvk */
        ck_assert_int_eq(lua_getfield(L2, -1, "clamp"), LUA_TFUNCTION); /* dvk clamp */
        lua_pop(L2, 2);                                                 /* */
        dvk_sandbox_free(L2);
    }
}
END_TEST

/* Each function's filter keys in the table are the keys it accepts. */
START_TEST(module_filters_are_accepted_keys)
{
    static const char *const fns[] = {"models", "units", "runs", "decide"};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        const char *names[32];
        int n = dvk_query_filter_names(fns[i], names, 32);
        ck_assert_int_gt(n, 0);
        char want[512] = "known: ";
        for (int k = 0; k < n; k++) {
            strcat(want, k ? ", " : "");
            strcat(want, names[k]);
        }
        strcat(want, ")");
        char code[64];
        snprintf(code, sizeof code, "return dvk.%s{zzz = 1}", fns[i]);
        expect_error(code, want);
    }
    const char *names[32];
    ck_assert_int_eq(dvk_query_filter_names("where", names, 32),
                     dvk_query_filter_names("models", names, 32));
    ck_assert_int_eq(dvk_query_filter_names("score", names, 32), 0);
    ck_assert_int_eq(dvk_query_filter_names("nosuch", names, 32), 0);
}
END_TEST

/* .mode csv: text cells that a spreadsheet would run get the one formula rule (csv.h);
 * numbers stay numbers. */
START_TEST(lua_csv_neutralises_formulas)
{
    dvk_query_set_output(L, DVK_TABLE_CSV, 20);
    expect("return {{code='=1+1', n=-5}, {code='@SUM(A1)', n=3}, {code='+x', n=1},"
           " {code=\"'-y\", n=2}, {code='a,b', n=0}}",
           "code,n\r\n'=1+1,-5\r\n'@SUM(A1),3\r\n'+x,1\r\n''-y,2\r\n\"a,b\",0\r\n");
    exec_sql("UPDATE units SET name = '=HYPERLINK(\"x\")' WHERE code = 'bk-cd-x1'");
    expect("return dvk.units{code='bk-cd-x1'}",
           "code,name,province,kind,parent\r\nbk-cd-x1,\"'=HYPERLINK(\"\"x\"\")\",bk,commune,bk-cd\r\n");
}
END_TEST

/* .mode json: cells through the one JSON writer (json.h): U+2028 and U+2029, which end a
 * JavaScript string, are escaped; numbers stay bare. */
START_TEST(lua_json_mode_escapes)
{
    dvk_query_set_output(L, DVK_TABLE_JSON, 20);
    expect("return {{code='a\\u{2028}b\\u{2029}\\b', n=2}}",
           "[\n {\"code\": \"a\\u2028b\\u2029\\b\", \"n\": 2}\n]\n");
}
END_TEST

/* Strings inside tables print as Lua literals that read back to the same bytes. */
START_TEST(lua_quoted_strings_read_back)
{
    expect("return {'\\1' .. '2', 'a\\0b', 'q\"\\\\', '\\n'}",
           "{ \"\\0012\", \"a\\0b\", \"q\\\"\\\\\", \"\\n\" }\n");
    expect("return {'\\31' .. '9' .. '\\127' .. 'x'}", "{ \"\\0319\\127x\" }\n");
}
END_TEST

Suite *query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("sql");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, values_never_reach_the_sql_text);
    tcase_add_test(tc, filters_combine);
    tcase_add_test(tc, unit_subtree_and_successors);
    tcase_add_test(tc, unit_scope_is_the_trees_list);
    tcase_add_test(tc, unit_merged_and_cycles);
    tcase_add_test(tc, search_ignores_case_and_diacritics);
    tcase_add_test(tc, injection_matched_literally);
    tcase_add_test(tc, order_is_whitelisted);
    tcase_add_test(tc, limit_offset_and_group);
    tcase_add_test(tc, like_pattern_escapes);
    suite_add_tcase(s, tc);
    TCase *tl = tcase_create("lua");
    tcase_add_checked_fixture(tl, lua_setup, lua_teardown);
    tcase_add_test(tl, lua_count_group_list);
    tcase_add_test(tl, lua_models_are_read_only);
    tcase_add_test(tl, lua_bad_filters);
    tcase_add_test(tl, lua_prints_tables);
    tcase_add_test(tl, lua_units_subtree);
    tcase_add_test(tl, lua_unit_scope_uses_the_tree);
    tcase_add_test(tl, module_table_contexts);
    tcase_add_test(tl, module_filters_are_accepted_keys);
    tcase_add_test(tl, lua_csv_neutralises_formulas);
    tcase_add_test(tl, lua_json_mode_escapes);
    tcase_add_test(tl, lua_quoted_strings_read_back);
    suite_add_tcase(s, tl);
    return s;
}
