/* lua_format.c: Lua values formatted for people (dvk_query_format in dvk/query.h, and
 * dvk.format): lists of records as tables in the session's mode (dvk/table.h, whose CSV
 * mode writes cells through the one CSV writer), other tables as Lua constructors with
 * their keys in a fixed order, queries as their first rows, scalars as Lua prints them. */
#include "lua_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/format.h"
#include "dvk/sandbox.h"

/* A C `next` so that plain tables and read-only views iterate the same way. */
static int l_rawnext(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int tablelike(lua_State *L, int idx)
{
    int t = lua_type(L, idx);
    if (t == LUA_TTABLE)
        return 1;
    if (t == LUA_TUSERDATA && luaL_getmetafield(L, idx, "__pairs") != LUA_TNIL) {
        lua_pop(L, 1);
        return 1;
    }
    return 0;
}

/* Call fn(L, ud) for each pair of the table-like value at idx with the key at -2 and the
 * value at -1 (fn must leave the stack as it found it). Uses __pairs when present. */
static void each_pair(lua_State *L, int idx, void (*fn)(lua_State *, void *), void *ud)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 8, "pairs");
    if (luaL_getmetafield(L, idx, "__pairs") != LUA_TNIL) {             /* __pairs */
        lua_pushvalue(L, idx);                                          /* __pairs t */
        lua_call(L, 1, 3);                                              /* f s ctl */
    } else {
        lua_pushcfunction(L, l_rawnext);                                /* f */
        lua_pushvalue(L, idx);                                          /* f s */
        lua_pushnil(L);                                                 /* f s ctl */
    }
    for (;;) {
        lua_pushvalue(L, -3);                                           /* f s ctl f */
        lua_pushvalue(L, -3);                                           /* f s ctl f s */
        lua_pushvalue(L, -3);                                           /* f s ctl f s ctl */
        lua_call(L, 2, 2);                                              /* f s ctl k v */
        if (lua_isnil(L, -2)) {
            lua_pop(L, 5);                                              /* */
            return;
        }
        fn(L, ud);
        lua_pop(L, 1);                                                  /* f s ctl k */
        lua_replace(L, -2);                                             /* f s k */
    }
}

/* Keys shown first, in this order; other keys follow in byte order. */
static const char *const preferred_keys[] = {
    "id", "run", "code", "criterion", "name", "unit", "province", "field", "level", "year",
    "kind", "category", "registration", "status", "eligible", "gate", "points", "max",
    "total", "outcome", "outcome_name", "rank", "recognised", "exemplary", "proposed",
    "count", "reason", "note",
};
#define NPREFERRED (sizeof preferred_keys / sizeof preferred_keys[0])

static int key_rank(const char *k)
{
    for (size_t i = 0; i < NPREFERRED; i++)
        if (strcmp(k, preferred_keys[i]) == 0)
            return (int)i;
    return (int)NPREFERRED;
}

static int key_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = key_rank(x), ry = key_rank(y);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return strcmp(x, y);
}

/* A set of string keys (malloc'd copies), in first-seen order until sorted. */
typedef struct keyset {
    char **k;
    int n, cap;
} keyset;

static void keyset_add(keyset *ks, const char *k)
{
    for (int i = 0; i < ks->n; i++)
        if (strcmp(ks->k[i], k) == 0)
            return;
    if (ks->n == ks->cap) {
        int cap = ks->cap ? ks->cap * 2 : 16;
        char **grown = realloc(ks->k, (size_t)cap * sizeof *grown);
        if (!grown)
            return;
        ks->k = grown;
        ks->cap = cap;
    }
    if ((ks->k[ks->n] = strdup(k)) != NULL)
        ks->n++;
}

static void keyset_free(keyset *ks)
{
    for (int i = 0; i < ks->n; i++)
        free(ks->k[i]);
    free(ks->k);
}

static void collect_scalar_key(lua_State *L, void *ud)
{
    if (lua_type(L, -2) == LUA_TSTRING && !tablelike(L, -1))
        keyset_add(ud, lua_tostring(L, -2));
}

/* Text of a table cell: scalars as Lua shows them, a nested record by its code. Pushes the
 * text (or nil for nil) and returns it. */
static const char *cell_text(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        lua_pushnil(L);
        return NULL;
    case LUA_TSTRING:
        lua_pushvalue(L, idx);
        return lua_tostring(L, -1);
    case LUA_TBOOLEAN:
        lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
        return lua_tostring(L, -1);
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, idx));
        } else {
            char buf[DVK_FORMAT_MAX];
            dvk_format_plain(lua_tonumber(L, idx), buf, sizeof buf);   /* the one formatter */
            lua_pushstring(L, buf);
        }
        return lua_tostring(L, -1);
    default:
        if (tablelike(L, idx)) {
            lua_getfield(L, idx, "code");                               /* code */
            if (lua_type(L, -1) == LUA_TSTRING)
                return lua_tostring(L, -1);
            lua_pop(L, 1);
            lua_pushstring(L, "{...}");
            return lua_tostring(L, -1);
        }
        return dvk_sandbox_tostring(L, idx);
    }
}

/* A list of records (table-likes) at idx, n long, as a table in the current mode. */
static char *format_records(lua_State *L, int idx, lua_Integer n)
{
    dvk_lua_state *qs = dvk_lua_state_get(L);
    lua_Integer shown = qs->max_rows > 0 && n > qs->max_rows ? qs->max_rows : n;
    keyset ks = {0};
    for (lua_Integer i = 1; i <= shown; i++) {
        lua_geti(L, idx, i);                                            /* rec */
        each_pair(L, -1, collect_scalar_key, &ks);
        lua_pop(L, 1);                                                  /* */
    }
    /* Models and runs: the columns a list of them is printed with, not every column. */
    static const char *const run_columns[] = {
        "id", "province", "year", "level", "unit", "status", "candidates", "recognised",
        "exemplary", "decision_number", "decision_date",
    };
    int model_like = 0, run_like = 0;
    for (int i = 0; i < ks.n; i++) {
        if (strcmp(ks.k[i], "registration") == 0)
            model_like = 1;
        if (strcmp(ks.k[i], "script_path") == 0)
            run_like = 1;
    }
    if (model_like || run_like) {
        keyset_free(&ks);
        memset(&ks, 0, sizeof ks);
        size_t ncols = model_like ? dvk_lua_model_nshown : sizeof run_columns / sizeof run_columns[0];
        for (size_t i = 0; i < ncols; i++)
            keyset_add(&ks, model_like ? dvk_lua_model_shown[i] : run_columns[i]);
    } else if (ks.n > 1) {
        qsort(ks.k, (size_t)ks.n, sizeof *ks.k, key_cmp);
    }
    if (ks.n == 0) {
        keyset_free(&ks);
        return strdup("(no columns)\n");
    }
    dvk_table *t = dvk_table_new(ks.n, (const char *const *)ks.k);
    const char **cells = calloc((size_t)ks.n, sizeof *cells);
    char *out = NULL;
    if (!t || !cells)
        goto done;
    dvk_table_set_total(t, n);
    dvk_table_set_limit(t, (int)shown);
    for (lua_Integer i = 1; i <= shown; i++) {
        int top = lua_gettop(L);
        lua_geti(L, idx, i);                                            /* rec */
        for (int c = 0; c < ks.n; c++) {
            lua_getfield(L, top + 1, ks.k[c]);                          /* rec v */
            cells[c] = cell_text(L, -1);                                /* rec v text */
            lua_remove(L, -2);                                          /* rec text */
        }
        int rc = dvk_table_add_row(t, cells, NULL);
        lua_settop(L, top);                                             /* */
        if (rc != DVK_OK)
            goto done;
    }
    out = dvk_table_render(t, qs->mode);
done:
    dvk_table_free(t);
    free(cells);
    keyset_free(&ks);
    return out;
}

/* s[0..n) as a Lua string literal that reads back to the same bytes: quotes and
 * backslashes escaped, newlines as \n, other control bytes as decimal escapes (three
 * digits when a digit follows, so "\1" .. "2" does not read back as "\12"). */
static void lua_quoted(dvk_buf *b, const char *s, size_t n)
{
    dvk_buf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            dvk_buf_addc(b, '\\');
            dvk_buf_addc(b, (char)c);
        } else if (c == '\n') {
            dvk_buf_adds(b, "\\n");
        } else if (c < 0x20 || c == 0x7f) {
            int digit_next = i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9';
            dvk_buf_printf(b, digit_next ? "\\%03d" : "\\%d", c);
        } else {
            dvk_buf_addc(b, (char)c);
        }
    }
    dvk_buf_addc(b, '"');
}

static int is_identifier(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static void collect_any_key(lua_State *L, void *ud)
{
    if (lua_type(L, -2) == LUA_TSTRING)
        keyset_add(ud, lua_tostring(L, -2));
}

#define FORMAT_DEPTH 3
#define FORMAT_ITEMS 50

static void format_value(lua_State *L, int idx, dvk_buf *b, int depth);

/* Is the value at idx a non-empty list of records (table-likes) with no string keys of its
 * own? Its length goes to *n. */
static int is_record_list(lua_State *L, int idx, lua_Integer *n)
{
    idx = lua_absindex(L, idx);
    int has_len = luaL_getmetafield(L, idx, "__len") != LUA_TNIL;
    if (has_len)
        lua_pop(L, 1);
    if (!tablelike(L, idx) || luaL_testudata(L, idx, DVK_LUA_QUERY_MT) ||
        (!has_len && lua_type(L, idx) != LUA_TTABLE))
        return 0;
    *n = luaL_len(L, idx);
    int records = *n > 0;
    for (lua_Integer i = 1; records && i <= *n; i++) {
        lua_geti(L, idx, i);                                            /* v */
        records = tablelike(L, -1);
        lua_pop(L, 1);                                                  /* */
    }
    if (records) {
        keyset ks = {0};
        each_pair(L, idx, collect_any_key, &ks);
        records = ks.n == 0;
        keyset_free(&ks);
    }
    return records;
}

/* A table as a Lua constructor: the array part, then string keys (preferred order, then
 * byte order); other keys are left out. Nested deeper than FORMAT_DEPTH: {...}. */
static void format_table(lua_State *L, int idx, dvk_buf *b, int depth)
{
    idx = lua_absindex(L, idx);
    if (depth >= FORMAT_DEPTH) {
        dvk_buf_adds(b, "{...}");
        return;
    }
    luaL_checkstack(L, 6, "format");
    lua_Integer n = 0;
    if (luaL_getmetafield(L, idx, "__len") != LUA_TNIL) {
        lua_pop(L, 1);
        n = luaL_len(L, idx);
    } else if (lua_type(L, idx) == LUA_TTABLE) {
        n = (lua_Integer)lua_rawlen(L, idx);
    }
    keyset ks = {0};
    each_pair(L, idx, collect_any_key, &ks);
    if (ks.n > 1)
        qsort(ks.k, (size_t)ks.n, sizeof *ks.k, key_cmp);
    dvk_buf inner = DVK_BUF_INIT;
    int items = 0;
    for (lua_Integer i = 1; i <= n && items < FORMAT_ITEMS; i++, items++) {
        dvk_buf_adds(&inner, items ? ",\n" : "");
        lua_geti(L, idx, i);                                            /* v */
        format_value(L, -1, &inner, depth + 1);
        lua_pop(L, 1);                                                  /* */
    }
    keyset later = {0}; /* depth 0: lists of records print as tables after the rest */
    for (int k = 0; k < ks.n && items < FORMAT_ITEMS; k++, items++) {
        if (depth == 0) {
            lua_Integer len;
            lua_getfield(L, idx, ks.k[k]);                              /* v */
            int list = is_record_list(L, -1, &len);
            lua_pop(L, 1);                                              /* */
            if (list) {
                keyset_add(&later, ks.k[k]);
                continue;
            }
        }
        dvk_buf_adds(&inner, items ? ",\n" : "");
        if (is_identifier(ks.k[k])) {
            dvk_buf_adds(&inner, ks.k[k]);
        } else {
            dvk_buf_adds(&inner, "[");
            lua_quoted(&inner, ks.k[k], strlen(ks.k[k]));
            dvk_buf_adds(&inner, "]");
        }
        dvk_buf_adds(&inner, " = ");
        lua_getfield(L, idx, ks.k[k]);                                  /* v */
        format_value(L, -1, &inner, depth + 1);
        lua_pop(L, 1);                                                  /* */
    }
    long long more = (long long)n + ks.n - items;
    if (more > 0)
        dvk_buf_printf(&inner, ",\n-- %lld more", more);
    keyset_free(&ks);
    if (inner.oom || !inner.p) {
        dvk_buf_adds(b, inner.oom ? "{...}" : "{}");
    } else if (inner.len < 72 && more <= 0) {
        /* Short and flat: one line. Otherwise one item per line, indented. */
        dvk_buf_adds(b, "{ ");
        for (const char *p = inner.p; *p; p++)
            dvk_buf_addc(b, *p == '\n' ? ' ' : *p);
        dvk_buf_adds(b, " }");
    } else {
        dvk_buf_adds(b, "{\n  ");
        for (const char *p = inner.p; *p; p++) {
            dvk_buf_addc(b, *p);
            if (*p == '\n')
                dvk_buf_adds(b, "  ");
        }
        dvk_buf_adds(b, "\n}");
    }
    dvk_buf_free(&inner);
    /* the lists of records held back: "key:" and a table each */
    for (int k = 0; k < later.n; k++) {
        lua_Integer len;
        lua_getfield(L, idx, later.k[k]);                               /* list */
        is_record_list(L, -1, &len);
        char *t = format_records(L, lua_gettop(L), len);
        lua_pop(L, 1);                                                  /* */
        dvk_buf_adds(b, "\n");
        dvk_buf_adds(b, later.k[k]);
        dvk_buf_adds(b, ":\n");
        if (t) {
            size_t tl = strlen(t);
            if (tl > 0 && t[tl - 1] == '\n')
                t[tl - 1] = '\0';
            dvk_buf_adds(b, t);
        }
        free(t);
    }
    keyset_free(&later);
}

static void format_value(lua_State *L, int idx, dvk_buf *b, int depth)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        if (depth == 0)
            dvk_buf_adds(b, s);
        else
            lua_quoted(b, s, n);
        return;
    }
    if (luaL_testudata(L, idx, DVK_LUA_QUERY_MT)) {
        if (depth == 0) {
            char *s = dvk_lua_query_render(L, idx);
            dvk_buf_adds(b, s);
            free(s);
        } else {
            dvk_buf_adds(b, "dvk.models{...}");
        }
        return;
    }
    if (tablelike(L, idx)) {
        format_table(L, idx, b, depth);
        return;
    }
    if (lua_type(L, idx) == LUA_TNUMBER || lua_type(L, idx) == LUA_TBOOLEAN ||
        lua_type(L, idx) == LUA_TNIL) {
        lua_pushvalue(L, idx);
        dvk_buf_adds(b, luaL_tolstring(L, -1, NULL));
        lua_pop(L, 2);
        return;
    }
    dvk_buf_adds(b, dvk_sandbox_tostring(L, idx));
    lua_pop(L, 1);
}

char *dvk_query_format(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    /* A non-empty list whose items are all tables prints as a table of records. */
    lua_Integer n;
    if (is_record_list(L, idx, &n))
        return format_records(L, idx, n);
    dvk_buf b = DVK_BUF_INIT;
    format_value(L, idx, &b, 0);
    if (b.len > 0 && tablelike(L, idx))
        dvk_buf_addc(&b, '\n');
    return dvk_buf_take(&b, NULL);   /* "" when nothing was written; NULL when out of memory */
}

/***
 * @function dvk.format(value)
 * For batch scripts: print(dvk.format(dvk.runs{})).
 * @param {any} value
 * @return {string} the text the REPL prints for value (lists of records as aligned
 *   tables in the current mode, other tables as Lua constructors), without the final
 *   newline
 */
int dvk_lua_format(lua_State *L)
{
    luaL_checkany(L, 1);
    char *text = dvk_query_format(L, 1);
    if (!text)
        return luaL_error(L, "out of memory");
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        len--;
    lua_pushlstring(L, text, len); /* text; on a memory error text leaks: the state is failing */
    free(text);
    return 1;
}

