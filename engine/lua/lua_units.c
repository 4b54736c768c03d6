/* lua_units.c: dvk.units, the units of the database as read-only rows (see dvk/query.h).
 * The unit= filter asks the unit tree (dvk/units.h) for the unit's members, the one walk of
 * parent and successor links; parent= is the direct children only (one column). */
#include "lua_common.h"

/* The conditions of the filter table, in the order their parameters are bound. */
static const dvk_lua_cond conds[] = {
    {"province", "u.province = ?", DVK_LUA_TEXT},
    {"parent", "u.parent = ?", DVK_LUA_TEXT},
    {"kind", "u.kind = ?", DVK_LUA_TEXT},
    {"code", "u.code = ?", DVK_LUA_TEXT},
    {"search", "u.name_key LIKE ? ESCAPE '\\'", DVK_LUA_SEARCH},
    {"unit", "u.code IN (SELECT value FROM json_each(?))", DVK_LUA_UNIT},
};
#define NCONDS (sizeof conds / sizeof conds[0])

const char *const dvk_lua_units_filters[] = {
    "province", "parent", "kind", "code", "search", "unit", NULL,
};

/***
 * @function dvk.units(filters)
 * @param {table} filters province=, parent= (its direct children), kind=, code=, search=
 *   (the name, ignoring case and diacritics), unit= (the unit, its subtree and the units
 *   merged into them); all optional
 * @return {table} { {code, name, kind, parent, province, valid_from, valid_to, successor},
 *   ... } by name in Vietnamese order (read-only)
 */
int dvk_lua_units(lua_State *L)
{
    /* 0 code, 1 name, 2 kind, 3 parent, 4 province, 5 valid_from, 6 valid_to, 7 successor */
    sqlite3_stmt *st = dvk_lua_simple_query(L, 1, "dvk.units",
        "SELECT u.code, u.name, u.kind, u.parent, u.province, u.valid_from, u.valid_to,"
        " u.successor FROM units u",
        conds, NCONDS, " ORDER BY u.name COLLATE vi, u.code");
    dvk_lua_push_rows(L, st, "reading units");                          /* list */
    return 1;
}
