/* check_units.c: the unit tree (units.h): membership with and without merged units, the
 * grouping unit, the unit of today, cycles, and the JSON list that SQL filters bind. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dvk/units.h"
#include "testutil.h"

/* p: a province with districts A and B, communes a1, a2 (merged into b1), b1, and district X
 * merged into B; q: another province. */
static dvk_store *tree(char **dir)
{
    dvk_store *s = tu_store(dir);
    const char *sql =
        "INSERT INTO units(code, name, name_key, kind, parent, province, valid_to, successor) VALUES"
        " ('p', 'P', 'p', 'province', NULL, 'p', NULL, NULL),"
        " ('p/A', 'Huyện A', 'huyen a', 'district', 'p', 'p', '2025-06-30', NULL),"
        " ('p/B', 'Huyện B', 'huyen b', 'district', 'p', 'p', NULL, NULL),"
        " ('p/X', 'Huyện X', 'huyen x', 'district', 'p', 'p', '2020-12-31', 'p/B'),"
        " ('p/A/a1', 'Xã a1', 'xa a1', 'commune', 'p/A', 'p', NULL, NULL),"
        " ('p/A/a2', 'Xã a2', 'xa a2', 'commune', 'p/A', 'p', '2025-06-30', 'p/B/b1'),"
        " ('p/B/b1', 'Xã b1', 'xa b1', 'commune', 'p/B', 'p', NULL, NULL),"
        " ('p/X/x1', 'Xã x1', 'xa x1', 'commune', 'p/X', 'p', NULL, NULL),"
        " ('q', 'Q', 'q', 'province', NULL, 'q', NULL, NULL);";
    ck_assert_int_eq(sqlite3_exec(dvk_store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
    return s;
}

static int idx(const dvk_units *t, const char *code)
{
    int i = dvk_units_find(t, code);
    ck_assert_msg(i >= 0, "no unit %s", code);
    return i;
}

static const char *code_at(const dvk_units *t, int i)
{
    return i >= 0 ? dvk_units_at(t, (size_t)i)->code : "-";
}

START_TEST(membership)
{
    char *dir;
    dvk_store *s = tree(&dir);
    dvk_units *t;
    dvk_error err;
    ck_assert_int_eq(dvk_units_load(s, "p", &t, &err), DVK_OK);
    ck_assert_uint_eq(dvk_units_count(t), 8);            /* q is not loaded */
    ck_assert_int_eq(dvk_units_find(t, "q"), -1);
    unsigned char *mark = malloc(dvk_units_count(t));
    int B = idx(t, "p/B");
    ck_assert_int_eq(dvk_units_subtree(t, B, 0, mark), 2);              /* B, b1 */
    ck_assert_int_eq(dvk_units_subtree(t, B, DVK_UNITS_MERGED, mark), 5); /* + a2, X, x1 */
    ck_assert_int_eq(mark[idx(t, "p/A/a2")], 1);
    ck_assert_int_eq(mark[idx(t, "p/X/x1")], 1);
    ck_assert_int_eq(mark[idx(t, "p/A/a1")], 0);
    /* a merged unit keeps its historic place */
    ck_assert_int_eq(dvk_units_under(t, idx(t, "p/A/a2"), idx(t, "p/A"), DVK_UNITS_MERGED), 1);
    ck_assert_int_eq(dvk_units_under(t, idx(t, "p/A/a2"), B, 0), 0);
    ck_assert_int_eq(dvk_units_under(t, idx(t, "p/A/a2"), B, DVK_UNITS_MERGED), 1);
    ck_assert_int_eq(dvk_units_subtree(t, -1, 0, mark), 0);
    char *json = dvk_units_subtree_json(t, "p/B", DVK_UNITS_MERGED, &err);
    ck_assert_str_eq(json, "[\"p/A/a2\",\"p/B\",\"p/B/b1\",\"p/X\",\"p/X/x1\"]");
    free(json);
    json = dvk_units_subtree_json(t, "nowhere", DVK_UNITS_MERGED, &err);
    ck_assert_str_eq(json, "[]");
    free(json);
    free(mark);
    dvk_units_free(t);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(grouping)
{
    char *dir;
    dvk_store *s = tree(&dir);
    dvk_units *t;
    dvk_error err;
    ck_assert_int_eq(dvk_units_load(s, NULL, &t, &err), DVK_OK);
    ck_assert_uint_eq(dvk_units_count(t), 9);
    int p = idx(t, "p");
    ck_assert_str_eq(code_at(t, dvk_units_top(t, idx(t, "p/A/a2"), p, 0)), "p/A");
    ck_assert_str_eq(code_at(t, dvk_units_top(t, idx(t, "p/A/a2"), p, DVK_UNITS_MERGED)), "p/B");
    ck_assert_str_eq(code_at(t, dvk_units_top(t, idx(t, "p/X/x1"), p, DVK_UNITS_MERGED)), "p/B");
    ck_assert_str_eq(code_at(t, dvk_units_top(t, idx(t, "p/X/x1"), p, 0)), "p/X");
    ck_assert_str_eq(code_at(t, dvk_units_top(t, p, p, 0)), "p");
    /* below A, a2 is grouped under itself (its historic place), merged or not */
    ck_assert_str_eq(code_at(t, dvk_units_top(t, idx(t, "p/A/a2"), idx(t, "p/A"), DVK_UNITS_MERGED)), "p/A/a2");
    ck_assert_int_eq(dvk_units_top(t, idx(t, "q"), p, DVK_UNITS_MERGED), -1);
    ck_assert_str_eq(code_at(t, dvk_units_current(t, idx(t, "p/X"))), "p/B");
    ck_assert_str_eq(code_at(t, dvk_units_current(t, idx(t, "p/B"))), "p/B");
    ck_assert_str_eq(dvk_units_name(t, "p/B"), "Huyện B");
    ck_assert_str_eq(dvk_units_name(t, "zz"), "zz");
    const dvk_unit *x = dvk_units_at(t, (size_t)idx(t, "p/X"));
    ck_assert_int_eq(dvk_unit_in_year(x, 2020), 1);
    ck_assert_int_eq(dvk_unit_in_year(x, 2021), 0);
    dvk_units_free(t);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(cycles_end)
{
    char *dir;
    dvk_store *s = tree(&dir);
    sqlite3 *db = dvk_store_db(s);
    /* a hostile or damaged file: parent and successor cycles */
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA foreign_keys=OFF;"
        "UPDATE units SET parent = 'p/B/b1' WHERE code = 'p/B';"
        "UPDATE units SET successor = 'p/X' WHERE code = 'p/B';", NULL, NULL, NULL), SQLITE_OK);
    dvk_units *t;
    dvk_error err;
    ck_assert_int_eq(dvk_units_load(s, "p", &t, &err), DVK_OK);
    unsigned char *mark = malloc(dvk_units_count(t));
    ck_assert_int_ge(dvk_units_subtree(t, idx(t, "p/B"), DVK_UNITS_MERGED, mark), 1);
    ck_assert_int_eq(dvk_units_top(t, idx(t, "p/B/b1"), idx(t, "p"), DVK_UNITS_MERGED), -1);
    ck_assert_int_ge(dvk_units_current(t, idx(t, "p/X")), 0);
    free(mark);
    dvk_units_free(t);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

Suite *units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, membership);
    tcase_add_test(tc, grouping);
    tcase_add_test(tc, cycles_end);
    suite_add_tcase(s, tc);
    return s;
}
