/* doc.c: the Lua `doc` object report scripts write into (a class over the document model of
 * report/doc.c, see dvk/doc.h and docs/reports.md). A userdata refers to the document
 * without owning it; the report (report/report.c) pushes it, runs the script, and unbinds
 * it, so a script that kept it gets "document is closed" instead of a dangling pointer.
 * Method errors are Lua errors at the caller's line, named after the method. */
#include "dvk/doc.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#define DOC_MT "dvk.doc"

typedef struct doc_ud {
    dvk_doc *doc;
} doc_ud;

static dvk_doc *check_doc(lua_State *L)
{
    doc_ud *u = luaL_checkudata(L, 1, DOC_MT);
    if (!u->doc)
        luaL_error(L, "document is closed (a report's doc lives only while the report runs)");
    return u->doc;
}

/* Raise err as a Lua error prefixed with the method name, at the caller's line. */
static int raise(lua_State *L, const char *method, const dvk_error *err)
{
    return luaL_error(L, "doc:%s: %s", method, err->msg);
}

/* The string at idx without embedded NULs; numbers are converted. what names it. */
static const char *check_text(lua_State *L, int idx, const char *method, const char *what)
{
    size_t len;
    int t = lua_type(L, idx);
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
        luaL_error(L, "doc:%s: %s must be a string (found %s)", method, what,
                   luaL_typename(L, idx));
    const char *s = lua_tolstring(L, idx, &len);
    if (strlen(s) != len)
        luaL_error(L, "doc:%s: %s contains a NUL byte", method, what);
    return s;
}

/* Optional string field key of the table at idx: NULL when absent. Leaves the value on
 * the stack (the caller pops it after copying) so the pointer stays valid. */
static const char *opt_field(lua_State *L, int idx, const char *key, const char *method)
{
    lua_getfield(L, idx, key);                                  /* ... v */
    if (lua_isnil(L, -1))
        return NULL;
    return check_text(L, -1, method, key);
}

/* Refuse keys of the options table at idx that are not in allowed (catches typos). Only
 * plain tables are checked; proxies pass through. */
static void check_keys(lua_State *L, int idx, const char *method, const char *const *allowed)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);                                             /* ... nil */
    while (lua_next(L, idx)) {                                  /* ... k v */
        int ok = 0;
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -2);
            for (int i = 0; allowed[i]; i++)
                if (strcmp(k, allowed[i]) == 0)
                    ok = 1;
            if (!ok)
                luaL_error(L, "doc:%s: unknown option '%s'", method, k);
        } else if (lua_type(L, -2) != LUA_TNUMBER) {
            luaL_error(L, "doc:%s: unexpected %s key", method, luaL_typename(L, -2));
        }
        lua_pop(L, 1);                                          /* ... k */
    }
}

/*** @method doc:title(text)
 * The document's title (HTML <title>, XLSX properties, JSON "title"). */
static int l_title(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    dvk_error err;
    if (dvk_doc_set_title(doc, check_text(L, 2, "title", "the title"), &err) != DVK_OK)
        return raise(L, "title", &err);
    return 0;
}

/*** @method doc:heading(text[, level])
 * A heading, level 1 (default) to 4. */
static int l_heading(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    const char *text = check_text(L, 2, "heading", "the text");
    lua_Integer level = luaL_optinteger(L, 3, 1);
    dvk_error err;
    if (level < 1 || level > 4)
        return luaL_error(L, "doc:heading: level must be 1 to 4 (found %d)", (int)level);
    if (dvk_doc_heading(doc, text, (int)level, &err) != DVK_OK)
        return raise(L, "heading", &err);
    return 0;
}

/*** @method doc:paragraph(text[, style])
 * A paragraph; style: normal, italic, bold, center, right, several joined by spaces. */
static int l_paragraph(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    const char *text = check_text(L, 2, "paragraph", "the text");
    const char *st = luaL_optstring(L, 3, "normal");
    int style = dvk_doc_style_parse(st);
    dvk_error err;
    if (style < 0)
        return luaL_error(L, "doc:paragraph: unknown style '%s' (use normal, italic, bold, "
                             "center, right, or several joined by spaces)", st);
    if (dvk_doc_paragraph(doc, text, style, &err) != DVK_OK)
        return raise(L, "paragraph", &err);
    return 0;
}

/* Collect the strings of list table idx (1..#t) into a Lua-owned array of pointers whose
 * strings stay referenced from a new table pushed on the stack. Returns the count. */
static const char **list_strings(lua_State *L, int idx, const char *method, size_t *n)
{
    idx = lua_absindex(L, idx);
    lua_Integer len = luaL_len(L, idx);
    if (len < 0 || len > 1000000)
        luaL_error(L, "doc:%s: too many items (%d)", method, (int)len);
    const char **v = lua_newuserdatauv(L, (size_t)(len ? len : 1) * sizeof *v, 0); /* ... ud */
    lua_createtable(L, (int)len, 0);                            /* ... ud keep */
    for (lua_Integer i = 1; i <= len; i++) {
        char what[32];
        snprintf(what, sizeof what, "item %d", (int)i);
        lua_geti(L, idx, i);                                    /* ... ud keep s */
        v[i - 1] = check_text(L, -1, method, what);
        lua_rawseti(L, -2, i);                                  /* ... ud keep */
    }
    *n = (size_t)len;
    return v;
}

/*** @method doc:kv{{key, value}, ...}
 * An ordered key-value block; a nil value is "". */
static int l_kv(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer len = luaL_len(L, 2);
    if (len < 0 || len > 100000)
        return luaL_error(L, "doc:kv: too many pairs (%d)", (int)len);
    const char **keys = lua_newuserdatauv(L, (size_t)(len ? len : 1) * sizeof *keys, 0);
    const char **vals = lua_newuserdatauv(L, (size_t)(len ? len : 1) * sizeof *vals, 0);
    lua_createtable(L, (int)(2 * len), 0);                      /* ud ud keep */
    int keep = lua_gettop(L);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_geti(L, 2, i);                                      /* ... pair */
        if (!lua_istable(L, -1))
            return luaL_error(L, "doc:kv: pair %d must be a table {key, value}", (int)i);
        lua_geti(L, -1, 1);                                     /* ... pair k */
        keys[i - 1] = check_text(L, -1, "kv", "a key");
        lua_rawseti(L, keep, 2 * i - 1);                        /* ... pair */
        lua_geti(L, -1, 2);                                     /* ... pair v */
        vals[i - 1] = lua_isnil(L, -1) ? "" : check_text(L, -1, "kv", "a value");
        lua_rawseti(L, keep, 2 * i);                            /* ... pair */
        lua_pop(L, 1);                                          /* ... */
    }
    dvk_error err;
    if (dvk_doc_kv(doc, (size_t)len, keys, vals, &err) != DVK_OK)
        return raise(L, "kv", &err);
    return 0;
}

/*** @method doc:page_break()
 * A new page when printed. */
static int l_page_break(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    dvk_error err;
    if (dvk_doc_page_break(doc, &err) != DVK_OK)
        return raise(L, "page_break", &err);
    return 0;
}

/*** @method doc:recipients{item, ...}
 * "Nơi nhận:" and one "- item" per entry. */
static int l_recipients(lua_State *L)
{
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t n;
    const char **items = list_strings(L, 2, "recipients", &n);
    dvk_error err;
    if (dvk_doc_recipients(doc, n, items, &err) != DVK_OK)
        return raise(L, "recipients", &err);
    return 0;
}

/*** @method doc:letterhead{family=, parent_issuer=, issuer=, number=, symbol=, place=, date=}
 * The two-column header of an administrative document; family "state" (default) or
 * "party". Unknown keys are refused. */
static int l_letterhead(lua_State *L)
{
    static const char *const keys[] = {"family", "issuer", "parent_issuer", "number",
                                       "symbol", "place", "date", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "letterhead", keys);
    int base = lua_gettop(L);
    const char *family = opt_field(L, 2, "family", "letterhead");
    dvk_doc_letterhead lh = {0};
    if (!family || strcmp(family, "state") == 0)
        lh.family = DVK_DOC_STATE;
    else if (strcmp(family, "party") == 0)
        lh.family = DVK_DOC_PARTY;
    else
        return luaL_error(L, "doc:letterhead: family must be 'state' or 'party' (found '%s')",
                          family);
    lh.issuer = (char *)opt_field(L, 2, "issuer", "letterhead");
    lh.parent_issuer = (char *)opt_field(L, 2, "parent_issuer", "letterhead");
    lh.number = (char *)opt_field(L, 2, "number", "letterhead");
    lh.symbol = (char *)opt_field(L, 2, "symbol", "letterhead");
    lh.place = (char *)opt_field(L, 2, "place", "letterhead");
    lh.date = (char *)opt_field(L, 2, "date", "letterhead");
    dvk_error err;
    if (dvk_doc_letterhead_add(doc, &lh, &err) != DVK_OK)
        return raise(L, "letterhead", &err);
    lua_settop(L, base);
    return 0;
}

/*** @method doc:style{body_pt=, name_pt=, recipients_pt=, recipient_items_pt=, recipients_format=}
 * How the document is set (sizes in points; recipients_format: words of "bold italic
 * underline", or "normal"); what is not given keeps the family's default. */
static int l_style(lua_State *L)
{
    static const char *const keys[] = {"body_pt", "name_pt", "recipients_pt",
                                       "recipient_items_pt", "recipients_format", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "style", keys);
    dvk_doc_style st = {0, 0, 0, 0, -1};
    int *pts[] = {&st.body_pt, &st.name_pt, &st.recipients_pt, &st.recipient_items_pt};
    for (int i = 0; i < 4; i++) {
        lua_getfield(L, 2, keys[i]);
        if (!lua_isnil(L, -1)) {
            int ok;
            lua_Integer v = lua_tointegerx(L, -1, &ok);
            if (!ok || v < 8 || v > 28)
                return luaL_error(L, "doc:style: %s must be a whole number of points from 8 to 28",
                                  keys[i]);
            *pts[i] = (int)v;
        }
        lua_pop(L, 1);
    }
    const char *fmt = opt_field(L, 2, "recipients_format", "style");
    if (fmt) {
        st.recipients_fmt = 0;
        char word[32];
        for (const char *p = fmt; *p;) {
            size_t n = strcspn(p, " ,");
            if (n > 0) {
                if (n >= sizeof word)
                    n = sizeof word - 1;
                memcpy(word, p, n);
                word[n] = '\0';
                if (strcmp(word, "bold") == 0)
                    st.recipients_fmt |= DVK_STYLE_BOLD;
                else if (strcmp(word, "italic") == 0)
                    st.recipients_fmt |= DVK_STYLE_ITALIC;
                else if (strcmp(word, "underline") == 0)
                    st.recipients_fmt |= DVK_STYLE_UNDERLINE;
                else if (strcmp(word, "normal") != 0)
                    return luaL_error(L, "doc:style: recipients_format: unknown word '%s' (use "
                                      "bold, italic, underline or normal)", word);
            }
            p += n;
            while (*p == ' ' || *p == ',')
                p++;
        }
    }
    lua_settop(L, 2);
    dvk_error err;
    if (dvk_doc_set_style(doc, &st, &err) != DVK_OK)
        return raise(L, "style", &err);
    return 0;
}

/*** @method doc:signature{on_behalf=, title=, name=}
 * The signature block. */
static int l_signature(lua_State *L)
{
    static const char *const keys[] = {"on_behalf", "title", "name", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "signature", keys);
    dvk_doc_signature sig;
    sig.on_behalf = (char *)opt_field(L, 2, "on_behalf", "signature");
    sig.title = (char *)opt_field(L, 2, "title", "signature");
    sig.name = (char *)opt_field(L, 2, "name", "signature");
    dvk_error err;
    if (dvk_doc_signature_add(doc, &sig, &err) != DVK_OK)
        return raise(L, "signature", &err);
    return 0;
}

/* Set cell (row, col) of t from the Lua value at idx. */
static void set_cell(lua_State *L, dvk_doc *doc, dvk_doc_table *t, size_t row, size_t col,
                     int idx, const char *where)
{
    dvk_error err;
    int rc = DVK_OK;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return;
    case LUA_TNUMBER:
        if (t->cols[col].type == DVK_COL_TEXT) {
            char buf[64];
            if (lua_isinteger(L, idx))
                snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
            else
                snprintf(buf, sizeof buf, "%.14g", (double)lua_tonumber(L, idx));
            rc = dvk_doc_table_text(doc, t, row, col, buf, &err);
        } else {
            rc = dvk_doc_table_number(doc, t, row, col, (double)lua_tonumber(L, idx), &err);
        }
        break;
    case LUA_TSTRING:
        rc = dvk_doc_table_text(doc, t, row, col, check_text(L, idx, "table", "a cell"), &err);
        break;
    default:
        luaL_error(L, "doc:table: %s, column '%s': a cell must be a string, a number or nil "
                      "(found %s)", where, t->cols[col].id, luaL_typename(L, idx));
    }
    if (rc != DVK_OK)
        luaL_error(L, "doc:table: %s, column '%s': %s", where, t->cols[col].id, err.msg);
}

/* Fill row `row` of t from the Lua row table at idx: a list {v1, v2, ...} in column order,
 * or a record keyed by column id. */
static void fill_row(lua_State *L, dvk_doc *doc, dvk_doc_table *t, size_t row, int idx,
                     const char *where)
{
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx) && !lua_isuserdata(L, idx))
        luaL_error(L, "doc:table: %s must be a table (found %s)", where, luaL_typename(L, idx));
    /* Positional when any of [1..ncols] is set: # is unreliable with nil cells ({nil, "x"}). */
    int positional = 0;
    luaL_checkstack(L, 4, "doc:table");
    for (size_t c = 0; c < t->ncols && !positional; c++) {
        positional = lua_geti(L, idx, (lua_Integer)c + 1) != LUA_TNIL;  /* ... v */
        lua_pop(L, 1);                                          /* ... */
    }
    for (size_t c = 0; c < t->ncols; c++) {
        if (positional)
            lua_geti(L, idx, (lua_Integer)c + 1);               /* ... v */
        else
            lua_getfield(L, idx, t->cols[c].id);                /* ... v */
        set_cell(L, doc, t, row, c, -1, where);
        lua_pop(L, 1);                                          /* ... */
    }
}

/*** @method doc:table{title=, columns={{id=, title=, type=, width=}}, rows=, totals=, footnotes=}
 * A typed table: type text (default), int, num, pct (0..100) or money; a row is a list in
 * column order or a record keyed by column id; totals = true sums the int, num and money
 * columns under "Tổng cộng", a row gives them explicitly. */
static int l_table(lua_State *L)
{
    static const char *const keys[] = {"title", "columns", "rows", "totals", "footnotes", NULL};
    static const char *const colkeys[] = {"id", "title", "type", "width", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "table", keys);
    dvk_error err;
    const char *title = opt_field(L, 2, "title", "table");      /* title */
    lua_getfield(L, 2, "columns");                              /* title cols */
    if (!lua_istable(L, -1))
        return luaL_error(L, "doc:table: columns must be a list of {id=, title=, type=}");
    int cols = lua_gettop(L);
    lua_Integer ncols = luaL_len(L, cols);
    if (ncols < 1 || ncols > 1000)
        return luaL_error(L, "doc:table: a table needs 1 to 1000 columns (found %d)", (int)ncols);
    dvk_doc_table *t = dvk_doc_table_add(doc, title, &err);
    if (!t)
        return raise(L, "table", &err);
    for (lua_Integer i = 1; i <= ncols; i++) {
        lua_geti(L, cols, i);                                   /* ... col */
        if (!lua_istable(L, -1))
            return luaL_error(L, "doc:table: column %d must be a table {id=, title=, type=}",
                              (int)i);
        check_keys(L, -1, "table", colkeys);
        int ci = lua_gettop(L);
        const char *id = opt_field(L, ci, "id", "table");        /* ... col id */
        if (!id)
            return luaL_error(L, "doc:table: column %d has no id", (int)i);
        const char *ctitle = opt_field(L, ci, "title", "table"); /* ... col id title */
        const char *ty = opt_field(L, ci, "type", "table");      /* ... col id title type */
        int type = ty ? dvk_doc_col_type_parse(ty) : DVK_COL_TEXT;
        if (type < 0)
            return luaL_error(L, "doc:table: column '%s': unknown type '%s' (use text, int, "
                                 "num, pct, money)", id, ty);
        lua_getfield(L, ci, "width");                            /* ... col id title type w */
        lua_Integer width = lua_isnil(L, -1) ? 0 : luaL_checkinteger(L, -1);
        if (width < 0 || width > 255)
            return luaL_error(L, "doc:table: column '%s': width must be 0 to 255", id);
        if (dvk_doc_table_column(doc, t, id, ctitle, (dvk_doc_col_type)type, (int)width,
                                 &err) != DVK_OK)
            return luaL_error(L, "doc:table: column '%s': %s", id, err.msg);
        lua_settop(L, cols);                                    /* title cols */
    }
    lua_getfield(L, 2, "rows");                                 /* title cols rows */
    if (!lua_isnil(L, -1)) {
        int rows = lua_gettop(L);
        lua_Integer nrows = luaL_len(L, rows);
        for (lua_Integer i = 1; i <= nrows; i++) {
            char where[32];
            size_t r;
            snprintf(where, sizeof where, "row %d", (int)i);
            if (dvk_doc_table_row(doc, t, &r, &err) != DVK_OK)
                return raise(L, "table", &err);
            lua_geti(L, rows, i);                               /* ... row */
            fill_row(L, doc, t, r, -1, where);
            lua_pop(L, 1);                                      /* ... */
        }
    }
    lua_getfield(L, 2, "totals");                               /* ... totals */
    if (lua_isboolean(L, -1)) {
        if (lua_toboolean(L, -1) && dvk_doc_table_sum(doc, t, "Tổng cộng", &err) != DVK_OK)
            return raise(L, "table", &err);
    } else if (!lua_isnil(L, -1)) {
        if (dvk_doc_table_totals(doc, t, &err) != DVK_OK)
            return raise(L, "table", &err);
        fill_row(L, doc, t, DVK_DOC_TOTALS, -1, "the totals row");
    }
    lua_getfield(L, 2, "footnotes");                            /* ... totals notes */
    if (!lua_isnil(L, -1)) {
        size_t n;
        const char **notes = list_strings(L, -1, "table", &n);  /* ... notes ud keep */
        for (size_t i = 0; i < n; i++)
            if (dvk_doc_table_footnote(doc, t, notes[i], &err) != DVK_OK)
                return raise(L, "table", &err);
    }
    return 0;
}

/*** @method doc:chart{type=, title=, categories={...}, series={{name=, values={...}}}}
 * A horizontal bar chart, type "bar" (default) or "stacked"; every series has one number
 * per category. */
static int l_chart(lua_State *L)
{
    static const char *const keys[] = {"type", "title", "categories", "series", NULL};
    dvk_doc *doc = check_doc(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "chart", keys);
    dvk_error err;
    const char *type = opt_field(L, 2, "type", "chart");        /* type */
    int stacked;
    if (!type || strcmp(type, "bar") == 0)
        stacked = 0;
    else if (strcmp(type, "stacked") == 0 || strcmp(type, "stacked-bar") == 0)
        stacked = 1;
    else
        return luaL_error(L, "doc:chart: unknown type '%s' (use bar or stacked)", type);
    const char *title = opt_field(L, 2, "title", "chart");      /* type title */
    lua_getfield(L, 2, "categories");                           /* type title cats */
    if (!lua_istable(L, -1))
        return luaL_error(L, "doc:chart: categories must be a list of names");
    size_t ncats;
    const char **cats = list_strings(L, -1, "chart", &ncats);   /* ... cats ud keep */
    dvk_doc_chart *c = dvk_doc_chart_add(doc, stacked, title, &err);
    if (!c)
        return raise(L, "chart", &err);
    for (size_t i = 0; i < ncats; i++)
        if (dvk_doc_chart_category(doc, c, cats[i], &err) != DVK_OK)
            return raise(L, "chart", &err);
    lua_getfield(L, 2, "series");                               /* ... series */
    if (!lua_istable(L, -1))
        return luaL_error(L, "doc:chart: series must be a list of {name=, values={}}");
    int series = lua_gettop(L);
    lua_Integer ns = luaL_len(L, series);
    double *vals = lua_newuserdatauv(L, (ncats ? ncats : 1) * sizeof *vals, 0); /* ... ud */
    for (lua_Integer i = 1; i <= ns; i++) {
        lua_geti(L, series, i);                                 /* ... ud s */
        if (!lua_istable(L, -1))
            return luaL_error(L, "doc:chart: series %d must be a table {name=, values={}}",
                              (int)i);
        int si = lua_gettop(L);
        const char *name = opt_field(L, si, "name", "chart");   /* ... ud s name */
        lua_getfield(L, si, "values");                          /* ... ud s name values */
        if (!lua_istable(L, -1))
            return luaL_error(L, "doc:chart: series %d: values must be a list of numbers", (int)i);
        lua_Integer nv = luaL_len(L, -1);
        if ((size_t)nv != ncats)
            return luaL_error(L, "doc:chart: series %d has %d values for %d categories", (int)i,
                              (int)nv, (int)ncats);
        for (lua_Integer k = 1; k <= nv; k++) {
            lua_geti(L, -1, k);                                 /* ... values v */
            if (!lua_isnumber(L, -1) || lua_type(L, -1) != LUA_TNUMBER)
                return luaL_error(L, "doc:chart: series %d, value %d must be a number",
                                  (int)i, (int)k);
            vals[k - 1] = (double)lua_tonumber(L, -1);
            lua_pop(L, 1);                                      /* ... values */
        }
        if (dvk_doc_chart_series(doc, c, name ? name : "", vals, ncats, &err) != DVK_OK)
            return raise(L, "chart", &err);
        lua_settop(L, series + 1);                              /* ... ud */
    }
    return 0;
}

/* __tostring: "doc (N blocks)", or "doc (closed)" once unbound. */
static int l_tostring(lua_State *L)
{
    doc_ud *u = luaL_checkudata(L, 1, DOC_MT);
    if (u->doc)
        lua_pushfstring(L, "doc (%d blocks)", (int)dvk_doc_count(u->doc));
    else
        lua_pushliteral(L, "doc (closed)");
    return 1;
}

/* The methods, reached through __index. */
static const luaL_Reg doc_methods[] = {
    {"title", l_title},
    {"heading", l_heading},
    {"paragraph", l_paragraph},
    {"kv", l_kv},
    {"table", l_table},
    {"chart", l_chart},
    {"page_break", l_page_break},
    {"letterhead", l_letterhead},
    {"signature", l_signature},
    {"recipients", l_recipients},
    {"style", l_style},
    {NULL, NULL},
};

/* The metamethods (__index is set to the methods table by createmeta). */
static const luaL_Reg doc_meta[] = {
    {"__index", NULL},      /* placeholder */
    {"__tostring", l_tostring},
    {NULL, NULL},
};

/* The class's metatable, made once a state and left on the stack. __metatable hides it
 * from getmetatable, so a script cannot swap the methods of a document it was given. */
static void createmeta(lua_State *L)
{
    if (!luaL_newmetatable(L, DOC_MT))                          /* mt */
        return;                                                 /* made before */
    luaL_setfuncs(L, doc_meta, 0);                              /* add metamethods */
    luaL_newlibtable(L, doc_methods);                           /* mt methods */
    luaL_setfuncs(L, doc_methods, 0);                           /* add methods to new table */
    lua_setfield(L, -2, "__index");                             /* mt.__index = methods */
    lua_pushliteral(L, "doc");                                  /* mt s */
    lua_setfield(L, -2, "__metatable");                         /* mt */
}

void dvk_doc_push(lua_State *L, dvk_doc *doc)
{
    luaL_checkstack(L, 4, "dvk_doc_push");
    doc_ud *u = lua_newuserdatauv(L, sizeof *u, 0);             /* ud */
    u->doc = doc;
    createmeta(L);                                              /* ud mt */
    lua_setmetatable(L, -2);                                    /* ud */
}

void dvk_doc_unbind(lua_State *L, int idx)
{
    doc_ud *u = luaL_testudata(L, idx, DOC_MT);
    if (u)
        u->doc = NULL;
}
