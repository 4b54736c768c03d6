/* query.c: dvk.models and the other read-only queries of the `dvk` Lua module, the SQL
 * builder behind them, and the formatting of results as tables (see dvk/query.h). */
#include "dvk/query.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/decide.h"
#include "dvk/progress.h"
#include "dvk/sandbox.h"
#include "dvk/script.h"
#include "dvk/text.h"

/* ---------------------------------------------------------------------------------------
 * SQL builder
 * ------------------------------------------------------------------------------------- */

/* A growing string; on allocation failure `failed` is set and further appends are ignored. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    int failed;
} sbuf;

static void sb_add(sbuf *b, const char *text)
{
    size_t n = strlen(text);
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, text, n + 1);
    b->len += n;
}

/* Identifiers allowed in ORDER BY and GROUP BY: the names Lua uses and the SQL they become.
 * Nothing else ever reaches the statement text. */
static const struct {
    const char *name;
    const char *sql;       /* ORDER BY expression */
    int groupable;
} model_columns[] = {
    {"code", "m.code", 0},
    {"name", "m.name COLLATE vi", 0},
    {"year", "m.year", 1},
    {"level", "m.level", 1},
    {"field", "m.field", 1},
    {"unit", "m.unit", 1},
    {"province", "m.province", 1},
    {"kind", "m.kind", 1},
    {"category", "m.category", 1},
    {"registration", "m.registration", 1},
    {"started_on", "m.started_on", 0},
    {"id", "m.id", 0},
};
#define NMODEL_COLUMNS (sizeof model_columns / sizeof model_columns[0])

static int find_column(const char *name, size_t len)
{
    for (size_t i = 0; i < NMODEL_COLUMNS; i++)
        if (strlen(model_columns[i].name) == len && memcmp(model_columns[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static void column_list(char *buf, size_t n, int groupable_only)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NMODEL_COLUMNS && pos < n; i++) {
        if (groupable_only && !model_columns[i].groupable)
            continue;
        pos += (size_t)snprintf(buf + pos, n - pos, "%s%s", pos ? ", " : "", model_columns[i].name);
    }
}

static int add_text_param(dvk_sql *q, const char *s, dvk_error *err)
{
    if (q->nparams >= DVK_SQL_MAX_PARAMS)
        return dvk_error_set(err, DVK_EUSAGE, "query: too many conditions");
    char *copy = strdup(s);
    if (!copy)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory building a query");
    q->params[q->nparams].is_text = 1;
    q->params[q->nparams].s = copy;
    q->nparams++;
    return DVK_OK;
}

static int add_int_param(dvk_sql *q, long long v, dvk_error *err)
{
    if (q->nparams >= DVK_SQL_MAX_PARAMS)
        return dvk_error_set(err, DVK_EUSAGE, "query: too many conditions");
    q->params[q->nparams].is_text = 0;
    q->params[q->nparams].i = v;
    q->params[q->nparams].s = NULL;
    q->nparams++;
    return DVK_OK;
}

char *dvk_query_like_pattern(const char *needle)
{
    size_t n = strlen(needle);
    char *p = malloc(2 * n + 3);
    if (!p)
        return NULL;
    size_t j = 0;
    p[j++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (needle[i] == '%' || needle[i] == '_' || needle[i] == '\\')
            p[j++] = '\\';
        p[j++] = needle[i];
    }
    p[j++] = '%';
    p[j] = '\0';
    return p;
}

/* Append " AND <sql>" with one text parameter when value is set. */
static int where_text(sbuf *b, dvk_sql *q, const char *sql, const char *value, dvk_error *err)
{
    if (!value)
        return DVK_OK;
    sb_add(b, " AND ");
    sb_add(b, sql);
    return add_text_param(q, value, err);
}

/* The search words: each word of the key must occur in name_key. With no filter that an
 * index narrows (province, unit, code), the words are matched in a subquery over the
 * covering index models(name_key) and the rows fetched by id: a scan of the narrow index
 * instead of the table (1,000,000 models: 0.25 s instead of 1.3 s with a year filter). */
static int where_search(sbuf *b, dvk_sql *q, const char *search, int by_index, dvk_error *err)
{
    char *key = dvk_text_key(search, strlen(search));
    if (!key)
        return dvk_error_set(err, DVK_EUSAGE, "search: not valid UTF-8");
    int rc = DVK_OK, words = 0;
    sb_add(b, by_index ? " AND m.id IN (SELECT k.id FROM models k WHERE 1" : "");
    for (char *save = NULL, *w = strtok_r(key, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char *pat = dvk_query_like_pattern(w);
        if (!pat) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory building a query");
            break;
        }
        sb_add(b, by_index ? " AND k.name_key LIKE ? ESCAPE '\\'" : " AND m.name_key LIKE ? ESCAPE '\\'");
        rc = add_text_param(q, pat, err);
        free(pat);
        if (rc != DVK_OK)
            break;
        words++;
    }
    free(key);
    sb_add(b, by_index ? ")" : "");
    if (rc == DVK_OK && words == 0)
        rc = dvk_error_set(err, DVK_EUSAGE, "search: no words to look for ('%s')", search);
    return rc;
}

/* ORDER BY from "col", "-col", "col desc", "col asc"; always ends with m.id so that the
 * order is total. */
static int order_by(sbuf *b, const char *order, dvk_error *err)
{
    if (!order || !*order) {
        sb_add(b, " ORDER BY m.code, m.id");
        return DVK_OK;
    }
    const char *name = order;
    int desc = 0;
    if (*name == '-') {
        desc = 1;
        name++;
    }
    size_t len = strcspn(name, " ");
    const char *rest = name + len;
    while (*rest == ' ')
        rest++;
    if (*rest) {
        if (strcmp(rest, "desc") == 0 || strcmp(rest, "DESC") == 0)
            desc = 1;
        else if (strcmp(rest, "asc") != 0 && strcmp(rest, "ASC") != 0)
            return dvk_error_set(err, DVK_EUSAGE, "order: expected 'COLUMN [asc|desc]' (got '%s')",
                                 order);
    }
    int c = find_column(name, len);
    if (c < 0) {
        char known[256];
        column_list(known, sizeof known, 0);
        return dvk_error_set(err, DVK_EUSAGE, "order: unknown column '%.*s' (known: %s)",
                             (int)len, name, known);
    }
    sb_add(b, " ORDER BY ");
    sb_add(b, model_columns[c].sql);
    sb_add(b, desc ? " DESC" : "");
    sb_add(b, desc ? ", m.id DESC" : ", m.id");
    return DVK_OK;
}

int dvk_query_models_sql(const dvk_model_filter *f, int what, const char *group_by,
                         dvk_sql *out, dvk_error *err)
{
    sbuf b = {0};
    int rc = DVK_OK;
    int group = -1;
    memset(out, 0, sizeof *out);
    if (f->limit < 0 || f->offset < 0) {
        rc = dvk_error_set(err, DVK_EUSAGE, "limit and offset must not be negative (got %lld)",
                           f->limit < 0 ? f->limit : f->offset);
        goto done;
    }
    if (what == DVK_QUERY_GROUP) {
        group = group_by ? find_column(group_by, strlen(group_by)) : -1;
        if (group < 0 || !model_columns[group].groupable) {
            char known[256];
            column_list(known, sizeof known, 1);
            rc = dvk_error_set(err, DVK_EUSAGE, "group_by: unknown column '%s' (known: %s)",
                               group_by ? group_by : "", known);
            goto done;
        }
    }
    int limited = f->limit > 0 || f->offset > 0;
    /* Counting or grouping a limited selection counts the selected rows: wrap it. */
    if (what == DVK_QUERY_ROWS)
        sb_add(&b, "SELECT m.id, m.code, m.name, m.unit, m.province, m.kind, m.category, m.field,"
                   " m.level, m.year, m.registration, m.started_on, m.address, m.description,"
                   " m.metrics FROM models m WHERE 1");
    else if (what == DVK_QUERY_COUNT)
        sb_add(&b, limited ? "SELECT count(*) FROM (SELECT m.id FROM models m WHERE 1"
                           : "SELECT count(*) FROM models m WHERE 1");
    else {
        /* "+col": grouping must not make SQLite walk an index in col's order (models_field
         * over a whole province) when the filters have a narrower one (province, year). */
        if (limited) {
            sb_add(&b, "SELECT k, count(*) FROM (SELECT +");
            sb_add(&b, model_columns[group].sql);
            sb_add(&b, " AS k FROM models m WHERE 1");
        } else {
            sb_add(&b, "SELECT +");
            sb_add(&b, model_columns[group].sql);
            sb_add(&b, " AS k, count(*) FROM models m WHERE 1");
        }
    }
    if ((rc = where_text(&b, out, "m.province = ?", f->province, err)) ||
        (rc = where_text(&b, out, "m.code = ?", f->code, err)) ||
        (rc = where_text(&b, out, "m.field = ?", f->field, err)) ||
        (rc = where_text(&b, out, "m.level = ?", f->level, err)) ||
        (rc = where_text(&b, out, "m.kind = ?", f->kind, err)) ||
        (rc = where_text(&b, out, "m.category = ?", f->category, err)) ||
        (rc = where_text(&b, out, "m.registration = ?", f->registration, err)))
        goto done;
    if (f->year && (sb_add(&b, " AND m.year = ?"), rc = add_int_param(out, f->year, err)))
        goto done;
    /* The unit's subtree, with units merged into any unit of it (successor links), so that
     * figures of units that no longer exist roll up. UNION (not ALL) ends cycles. */
    if ((rc = where_text(&b, out,
                         "m.unit IN (WITH RECURSIVE sub(code) AS (SELECT ?"
                         " UNION SELECT u.code FROM units u JOIN sub ON u.parent = sub.code"
                         " UNION SELECT u.code FROM units u JOIN sub ON u.successor = sub.code)"
                         " SELECT code FROM sub)",
                         f->unit, err)))
        goto done;
    int narrowed = f->province || f->unit || f->code;
    int other = f->year || f->level || f->field || f->kind || f->category || f->registration;
    if (f->search && (rc = where_search(&b, out, f->search, !narrowed && other, err)))
        goto done;
    if (what == DVK_QUERY_ROWS || limited)
        if ((rc = order_by(&b, f->order, err)))
            goto done;
    if (limited) {
        sb_add(&b, " LIMIT ? OFFSET ?");
        if ((rc = add_int_param(out, f->limit > 0 ? f->limit : -1, err)) ||
            (rc = add_int_param(out, f->offset, err)))
            goto done;
        if (what != DVK_QUERY_ROWS)
            sb_add(&b, ")");
    }
    if (what == DVK_QUERY_GROUP)
        sb_add(&b, " GROUP BY 1 ORDER BY 2 DESC, 1");
    if (b.failed) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory building a query");
        goto done;
    }
    out->text = b.s;
    b.s = NULL;
done:
    free(b.s);
    if (rc != DVK_OK)
        dvk_sql_free(out);
    return rc;
}

void dvk_sql_free(dvk_sql *q)
{
    if (!q)
        return;
    free(q->text);
    for (int i = 0; i < q->nparams; i++)
        free(q->params[i].s);
    memset(q, 0, sizeof *q);
}

sqlite3_stmt *dvk_sql_prepare(dvk_store *s, const dvk_sql *q, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, q->text, err);
    if (!st)
        return NULL;
    for (int i = 0; i < q->nparams; i++) {
        int rc = q->params[i].is_text
                     ? sqlite3_bind_text(st, i + 1, q->params[i].s, -1, SQLITE_TRANSIENT)
                     : sqlite3_bind_int64(st, i + 1, q->params[i].i);
        if (rc != SQLITE_OK) {
            dvk_store_fail(s, rc, err, "binding a query parameter");
            sqlite3_finalize(st);
            return NULL;
        }
    }
    return st;
}

long long dvk_query_count(dvk_store *s, const dvk_model_filter *f, dvk_error *err)
{
    dvk_sql q;
    if (dvk_query_models_sql(f, DVK_QUERY_COUNT, NULL, &q, err) != DVK_OK)
        return -1;
    long long n = -1;
    sqlite3_stmt *st = dvk_sql_prepare(s, &q, err);
    if (st) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        else
            dvk_store_fail(s, rc, err, "counting models");
        sqlite3_finalize(st);
    }
    dvk_sql_free(&q);
    return n;
}

/* ---------------------------------------------------------------------------------------
 * Lua: shared state
 * ------------------------------------------------------------------------------------- */

#define STATE_KEY "dvk.query.state"     /* registry: the qstate userdata */
#define STATE_MT "dvk.query.state.mt"   /* registry: its metatable */
#define QUERY_MT "dvk.models"

/* Per sandbox: the current province (for dvk.score) and how results print. */
typedef struct qstate {
    dvk_province *province;
    char code[DVK_SCRIPT_ID_MAX + 1];
    dvk_table_mode mode;
    int max_rows;
    volatile sig_atomic_t *interrupt; /* set by the CLI's SIGINT handler, or NULL */
} qstate;

static int qstate_gc(lua_State *L)
{
    qstate *st = luaL_checkudata(L, 1, STATE_MT);
    /* The state is closing: the description's registry reference goes with it. */
    dvk_province_free(NULL, st->province);
    st->province = NULL;
    return 0;
}

static qstate *get_state(lua_State *L)
{
    qstate *st;
    if (lua_getfield(L, LUA_REGISTRYINDEX, STATE_KEY) == LUA_TUSERDATA) { /* st */
        st = lua_touserdata(L, -1);
        lua_pop(L, 1);                                                  /* */
        return st;
    }
    lua_pop(L, 1);                                                      /* */
    st = lua_newuserdatauv(L, sizeof *st, 0);                           /* st */
    memset(st, 0, sizeof *st);
    st->mode = DVK_TABLE_PLAIN;
    st->max_rows = 20;
    luaL_newmetatable(L, STATE_MT);                                     /* st mt */
    lua_pushcfunction(L, qstate_gc);                                    /* st mt gc */
    lua_setfield(L, -2, "__gc");                                        /* st mt */
    lua_setmetatable(L, -2);                                            /* st */
    lua_setfield(L, LUA_REGISTRYINDEX, STATE_KEY);                      /* */
    return st;
}

static dvk_store *need_store(lua_State *L)
{
    dvk_store *s = dvk_sandbox_store(L);
    if (!s)
        luaL_error(L, "no database is open (dvk init creates one; --db FILE chooses it)");
    return s;
}

/* Raise err's message as a Lua error (with the caller's position when the message has no
 * FILE:LINE of its own). */
static int raise_error(lua_State *L, const dvk_error *err)
{
    return luaL_error(L, "%s", err->msg);
}

void dvk_query_set_output(lua_State *L, dvk_table_mode mode, int max_rows)
{
    qstate *st = get_state(L);
    st->mode = mode;
    st->max_rows = max_rows < 0 ? 0 : max_rows;
}

void dvk_query_set_interrupt(lua_State *L, volatile sig_atomic_t *flag)
{
    get_state(L)->interrupt = flag;
}

const char *dvk_query_province(lua_State *L)
{
    qstate *st = get_state(L);
    return st->province ? st->code : NULL;
}

int dvk_query_set_province(lua_State *L, const char *code, dvk_error *err)
{
    qstate *st = get_state(L);
    if (!code) {
        dvk_province_free(L, st->province);
        st->province = NULL;
        st->code[0] = '\0';
        return DVK_OK;
    }
    if (strlen(code) > DVK_SCRIPT_ID_MAX)
        return dvk_error_set(err, DVK_EUSAGE, "province code too long ('%s')", code);
    dvk_province *p = dvk_script_load(L, code, err);
    if (!p)
        return err ? err->code : DVK_EDATA;
    dvk_province_free(L, st->province);
    st->province = p;
    snprintf(st->code, sizeof st->code, "%s", code);
    return DVK_OK;
}

/* The province for dvk.score: code, or the current one; loads and caches it. */
static dvk_province *province_for(lua_State *L, const char *code)
{
    qstate *st = get_state(L);
    if (!code) {
        if (!st->province)
            luaL_error(L, "no province chosen: pass one, or use .province P in the REPL");
        return st->province;
    }
    if (st->province && strcmp(st->code, code) == 0)
        return st->province;
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_query_set_province(L, code, &err) != DVK_OK)
        raise_error(L, &err);
    return st->province;
}

/* ---------------------------------------------------------------------------------------
 * Lua: reading filters
 * ------------------------------------------------------------------------------------- */

/* The strings of a filter, owned by the query userdata (freed by __gc). */
enum { F_PROVINCE, F_UNIT, F_FIELD, F_LEVEL, F_KIND, F_CATEGORY, F_REGISTRATION, F_CODE,
       F_SEARCH, F_ORDER, NSTRINGS };

static const char *const string_filters[NSTRINGS] = {
    "province", "unit", "field", "level", "kind", "category", "registration", "code",
    "search", "order",
};
static const char *const number_filters[] = {"year", "limit", "offset"};

typedef struct lquery {
    dvk_model_filter f;
    char *strs[NSTRINGS];
    sqlite3_stmt *cursor;   /* iteration through __call */
} lquery;

static void sync_filter(lquery *q)
{
    q->f.province = q->strs[F_PROVINCE];
    q->f.unit = q->strs[F_UNIT];
    q->f.field = q->strs[F_FIELD];
    q->f.level = q->strs[F_LEVEL];
    q->f.kind = q->strs[F_KIND];
    q->f.category = q->strs[F_CATEGORY];
    q->f.registration = q->strs[F_REGISTRATION];
    q->f.code = q->strs[F_CODE];
    q->f.search = q->strs[F_SEARCH];
    q->f.order = q->strs[F_ORDER];
}

/* Check that every key of the filter table at idx is known; the error names the smallest
 * unknown key so that it does not depend on hash order. */
static void check_keys(lua_State *L, int idx, const char *fn, const char *const *known,
                       size_t nknown)
{
    const char *bad = NULL;
    lua_pushnil(L);                                                     /* k */
    while (lua_next(L, idx) != 0) {                                     /* k v */
        lua_pop(L, 1);                                                  /* k */
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: filter keys must be names (found a %s)", fn, luaL_typename(L, -1));
        const char *k = lua_tostring(L, -1);
        size_t i;
        for (i = 0; i < nknown; i++)
            if (strcmp(k, known[i]) == 0)
                break;
        if (i == nknown && (!bad || strcmp(k, bad) < 0))
            bad = k; /* the key stays on the stack or in the table, so the pointer lives */
    }
    if (bad) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (size_t i = 0; i < nknown; i++) {
            luaL_addstring(&b, i ? ", " : "");
            luaL_addstring(&b, known[i]);
        }
        luaL_pushresult(&b);                                            /* list */
        luaL_error(L, "%s: unknown filter '%s' (known: %s)", fn, bad, lua_tostring(L, -1));
    }
}

/* A string filter. Only strings are accepted, so the pointer stays valid while the table
 * holds the value. */
static const char *opt_string_field(lua_State *L, int idx, const char *fn, const char *key)
{
    int t = lua_getfield(L, idx, key);                                  /* v */
    const char *s = NULL;
    if (t == LUA_TSTRING)
        s = lua_tostring(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "%s: '%s' must be a string (found a %s)", fn, key, luaL_typename(L, -1));
    lua_pop(L, 1);                                                      /* */
    return s;
}

static long long opt_int_field(lua_State *L, int idx, const char *fn, const char *key,
                               long long lo, long long hi)
{
    int t = lua_getfield(L, idx, key);                                  /* v */
    long long v = 0;
    if (t != LUA_TNIL) {
        int isint = 0;
        if (t == LUA_TNUMBER)
            v = (long long)lua_tointegerx(L, -1, &isint);
        if (!isint || v < lo || v > hi) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s: '%s' must be an integer in [%lld, %lld]", fn, key, lo, hi);
            luaL_error(L, "%s (found %s)", msg, luaL_tolstring(L, -1, NULL));
        }
    }
    lua_pop(L, 1);                                                      /* */
    return v;
}

static int query_gc(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    sqlite3_finalize(q->cursor);
    q->cursor = NULL;
    for (int i = 0; i < NSTRINGS; i++) {
        free(q->strs[i]);
        q->strs[i] = NULL;
    }
    sync_filter(q);
    return 0;
}

static lquery *new_query(lua_State *L)
{
    lquery *q = lua_newuserdatauv(L, sizeof *q, 0);                     /* q */
    memset(q, 0, sizeof *q);
    luaL_setmetatable(L, QUERY_MT);                                     /* q */
    return q;
}

/* Fill q from the filter table at idx (absent: no filter); keys present override base. */
static void read_filter(lua_State *L, int idx, lquery *q, const lquery *base)
{
    const char *known[NSTRINGS + 3];
    for (int i = 0; i < NSTRINGS; i++)
        known[i] = string_filters[i];
    for (int i = 0; i < 3; i++)
        known[NSTRINGS + i] = number_filters[i];
    if (base) {
        for (int i = 0; i < NSTRINGS; i++)
            if (base->strs[i] && !(q->strs[i] = strdup(base->strs[i])))
                luaL_error(L, "out of memory");
        q->f.year = base->f.year;
        q->f.limit = base->f.limit;
        q->f.offset = base->f.offset;
    }
    if (!lua_isnoneornil(L, idx)) {
        luaL_checktype(L, idx, LUA_TTABLE);
        check_keys(L, idx, "dvk.models", known, NSTRINGS + 3);
        for (int i = 0; i < NSTRINGS; i++) {
            const char *s = opt_string_field(L, idx, "dvk.models", string_filters[i]);
            if (s) {
                free(q->strs[i]);
                if (!(q->strs[i] = strdup(s)))
                    luaL_error(L, "out of memory");
            }
        }
        lua_getfield(L, idx, "year");                                   /* y */
        int has_year = !lua_isnil(L, -1);
        lua_pop(L, 1);                                                  /* */
        if (has_year)
            q->f.year = (int)opt_int_field(L, idx, "dvk.models", "year", 1900, 9999);
        lua_getfield(L, idx, "limit");                                  /* l */
        int has_limit = !lua_isnil(L, -1);
        lua_pop(L, 1);                                                  /* */
        if (has_limit)
            q->f.limit = opt_int_field(L, idx, "dvk.models", "limit", 0, (long long)1 << 40);
        lua_getfield(L, idx, "offset");                                 /* o */
        int has_offset = !lua_isnil(L, -1);
        lua_pop(L, 1);                                                  /* */
        if (has_offset)
            q->f.offset = opt_int_field(L, idx, "dvk.models", "offset", 0, (long long)1 << 40);
    }
    sync_filter(q);
    /* Catch a bad order or search now rather than at the first use. */
    dvk_sql probe;
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_query_models_sql(&q->f, DVK_QUERY_ROWS, NULL, &probe, &err) != DVK_OK)
        luaL_error(L, "dvk.models: %s", err.msg);
    dvk_sql_free(&probe);
}

/* Prepare a statement for q; raises the error. */
static sqlite3_stmt *prepare_query(lua_State *L, lquery *q, int what, const char *group)
{
    dvk_store *s = need_store(L);
    dvk_sql sql;
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_query_models_sql(&q->f, what, group, &sql, &err) != DVK_OK)
        raise_error(L, &err);
    sqlite3_stmt *st = dvk_sql_prepare(s, &sql, &err);
    dvk_sql_free(&sql);
    if (!st)
        raise_error(L, &err);
    return st;
}

/* ---------------------------------------------------------------------------------------
 * Lua: model objects
 * ------------------------------------------------------------------------------------- */

static void push_column(lua_State *L, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(st, i)); break;
    case SQLITE_NULL: lua_pushnil(L); break;
    default:
        lua_pushlstring(L, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
    }
}

/* Push the model of the current row of a DVK_QUERY_ROWS statement: the same read-only
 * object the province scripts see (dvk_script_push_model: columns, metrics, m.unit with its
 * parent chain, and appraisal, appraisals and history read when first used). */
static void push_model(lua_State *L, sqlite3_stmt *st)
{
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_script_push_model(L, NULL, sqlite3_column_int64(st, 0), NULL, &err) != DVK_OK)
        raise_error(L, &err);
}

/* Step st; push the next model and return 1, or return 0 at the end. Raises on error. */
static int step_model(lua_State *L, lquery *q, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        push_model(L, st);
        return 1;
    }
    if (rc != SQLITE_DONE) {
        dvk_error err;
        dvk_error_clear(&err);
        dvk_store_fail(need_store(L), rc, &err, "reading models");
        raise_error(L, &err);
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Lua: the query object
 * ------------------------------------------------------------------------------------- */

/* dvk.models{filters} -> query (nothing is read until it is used) */
static int l_models(lua_State *L)
{
    need_store(L);
    lquery *q = new_query(L);                                           /* ... q */
    read_filter(L, 1, q, NULL);
    return 1;
}

/* q:where{filters} -> a new query with these filters added or replaced */
static int l_query_where(lua_State *L)
{
    lquery *base = luaL_checkudata(L, 1, QUERY_MT);
    lquery *q = new_query(L);                                           /* ... q */
    read_filter(L, 2, q, base);
    return 1;
}

static long long count_query(lua_State *L, lquery *q)
{
    sqlite3_stmt *st = prepare_query(L, q, DVK_QUERY_COUNT, NULL);
    int rc = sqlite3_step(st);
    long long n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (n < 0) {
        dvk_error err;
        dvk_error_clear(&err);
        dvk_store_fail(need_store(L), rc, &err, "counting models");
        raise_error(L, &err);
    }
    return n;
}

/* q:count() -> integer */
static int l_query_count(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    lua_pushinteger(L, count_query(L, q));
    return 1;
}

/* q:group_by("field") -> { {key=..., count=n}, ... } most frequent first */
static int l_query_group_by(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    const char *col = luaL_checkstring(L, 2);
    sqlite3_stmt *st = prepare_query(L, q, DVK_QUERY_GROUP, col);
    lua_newtable(L);                                                    /* list */
    int rc;
    lua_Integer i = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        lua_createtable(L, 0, 2);                                       /* list g */
        push_column(L, st, 0);                                          /* list g key */
        lua_setfield(L, -2, col);                                       /* list g */
        lua_pushinteger(L, sqlite3_column_int64(st, 1));                /* list g n */
        lua_setfield(L, -2, "count");                                   /* list g */
        dvk_sandbox_push_readonly(L, -1);                               /* list g view */
        lua_remove(L, -2);                                              /* list view */
        lua_rawseti(L, -2, ++i);                                        /* list */
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        dvk_error err;
        dvk_error_clear(&err);
        dvk_store_fail(need_store(L), rc, &err, "grouping models");
        raise_error(L, &err);
    }
    dvk_sandbox_push_readonly(L, -1);                                   /* list view */
    lua_remove(L, -2);                                                  /* view */
    return 1;
}

/* q:list() -> { model, ... } (use a limit on big selections) */
static int l_query_list(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    sqlite3_stmt *st = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    lua_newtable(L);                                                    /* list */
    lua_Integer i = 0;
    /* A Lua error while building a model would leak st: keep it in the query's cursor slot
     * for __gc to finalize. */
    sqlite3_finalize(q->cursor);
    q->cursor = st;
    while (step_model(L, q, st))                                        /* list m */
        lua_rawseti(L, -2, ++i);                                        /* list */
    sqlite3_finalize(st);
    q->cursor = NULL;
    return 1;
}

/* q:first() -> the first model, or nil */
static int l_query_first(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    sqlite3_finalize(q->cursor);
    q->cursor = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    if (!step_model(L, q, q->cursor))
        lua_pushnil(L);                                                 /* m|nil */
    sqlite3_finalize(q->cursor);
    q->cursor = NULL;
    return 1;
}

/* The iterator of q:each(): upvalue 1 is a cursor object owning its statement. */
typedef struct lcursor {
    sqlite3_stmt *st;
} lcursor;
#define CURSOR_MT "dvk.models.cursor"

static int cursor_gc(lua_State *L)
{
    lcursor *c = luaL_checkudata(L, 1, CURSOR_MT);
    sqlite3_finalize(c->st);
    c->st = NULL;
    return 0;
}

static int each_next(lua_State *L)
{
    lcursor *c = luaL_checkudata(L, lua_upvalueindex(1), CURSOR_MT);
    lquery *q = luaL_checkudata(L, lua_upvalueindex(2), QUERY_MT);
    if (!c->st)
        return 0;
    if (step_model(L, q, c->st))                                        /* m */
        return 1;
    sqlite3_finalize(c->st);
    c->st = NULL;
    return 0;
}

/* q:each() -> iterator over the models (each call of each() has its own cursor) */
static int l_query_each(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    lcursor *c = lua_newuserdatauv(L, sizeof *c, 0);                    /* q c */
    c->st = NULL;
    luaL_setmetatable(L, CURSOR_MT);
    c->st = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    lua_pushvalue(L, 1);                                                /* q c q */
    lua_pushcclosure(L, each_next, 2);                                  /* q fn */
    return 1;
}

/* for m in q do ... end: Lua calls q(nil, previous) each round; a nil control value starts
 * the iteration again. One loop at a time per query (use q:each() to nest). */
static int l_query_call(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    if (lua_isnoneornil(L, 3) || !q->cursor) {
        sqlite3_finalize(q->cursor);
        q->cursor = NULL;
        if (!lua_isnoneornil(L, 3))
            return 0; /* the loop already ended */
        q->cursor = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    }
    if (step_model(L, q, q->cursor))                                    /* m */
        return 1;
    sqlite3_finalize(q->cursor);
    q->cursor = NULL;
    return 0;
}

/* q:sql() -> the SELECT text and its parameters, to see what a filter does */
static int l_query_sql(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    dvk_sql sql;
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_query_models_sql(&q->f, DVK_QUERY_ROWS, NULL, &sql, &err) != DVK_OK)
        raise_error(L, &err);
    lua_pushstring(L, sql.text);                                        /* text */
    lua_createtable(L, sql.nparams, 0);                                 /* text params */
    for (int i = 0; i < sql.nparams; i++) {
        if (sql.params[i].is_text)
            lua_pushstring(L, sql.params[i].s);
        else
            lua_pushinteger(L, sql.params[i].i);
        lua_rawseti(L, -2, i + 1);
    }
    dvk_sql_free(&sql);
    return 2;
}

static int l_query_len(lua_State *L)
{
    return l_query_count(L);
}

/* Columns shown when a query result is printed. */
static const char *const shown_columns[] = {"code", "name", "unit", "field", "level", "year",
                                            "kind", "registration"};
#define NSHOWN (sizeof shown_columns / sizeof shown_columns[0])
static const int shown_index[NSHOWN] = {1, 2, 3, 7, 8, 9, 5, 10};

/* Render the first max_rows models of q with the count of the rest (malloc'd). */
static char *render_query(lua_State *L, lquery *q)
{
    qstate *qs = get_state(L);
    long long total = count_query(L, q);
    sqlite3_stmt *st = prepare_query(L, q, DVK_QUERY_ROWS, NULL);
    dvk_table *t = dvk_table_new((int)NSHOWN, shown_columns);
    if (!t) {
        sqlite3_finalize(st);
        luaL_error(L, "out of memory");
    }
    dvk_table_set_numeric(t, 5, 1);
    dvk_table_set_total(t, total);
    int rc, n = 0;
    dvk_error err;
    dvk_error_clear(&err);
    while ((qs->max_rows == 0 || n < qs->max_rows) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cells[NSHOWN];
        for (size_t i = 0; i < NSHOWN; i++)
            cells[i] = (const char *)sqlite3_column_text(st, shown_index[i]);
        if (dvk_table_add_row(t, cells, &err) != DVK_OK)
            break;
        n++;
    }
    sqlite3_finalize(st);
    char *out = err.code ? NULL : dvk_table_render(t, qs->mode);
    dvk_table_free(t);
    if (!out)
        luaL_error(L, "out of memory");
    return out;
}

static int l_query_tostring(lua_State *L)
{
    lquery *q = luaL_checkudata(L, 1, QUERY_MT);
    char *s = render_query(L, q);
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '\n')
        n--;
    lua_pushlstring(L, s, n);
    free(s);
    return 1;
}

/* ---------------------------------------------------------------------------------------
 * Lua: units, runs, results
 * ------------------------------------------------------------------------------------- */

/* Push the current row of st as a read-only table keyed by the column names. */
static void push_row(lua_State *L, sqlite3_stmt *st)
{
    int n = sqlite3_column_count(st);
    luaL_checkstack(L, 4, "row");
    lua_createtable(L, 0, n);                                           /* row */
    for (int i = 0; i < n; i++) {
        push_column(L, st, i);                                          /* row v */
        lua_setfield(L, -2, sqlite3_column_name(st, i));                /* row */
    }
}

static void make_readonly(lua_State *L)
{
    dvk_sandbox_push_readonly(L, -1);                                   /* t view */
    lua_remove(L, -2);                                                  /* view */
}

/* Step st to the end, pushing a read-only list of read-only rows; finalizes st. */
static void push_rows(lua_State *L, sqlite3_stmt *st, const char *what)
{
    lua_newtable(L);                                                    /* list */
    lua_Integer i = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        push_row(L, st);                                                /* list row */
        make_readonly(L);
        lua_rawseti(L, -2, ++i);                                        /* list */
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        dvk_error err;
        dvk_error_clear(&err);
        dvk_store_fail(need_store(L), rc, &err, what);
        raise_error(L, &err);
    }
    make_readonly(L);                                                   /* view */
}

/* One condition a simple filter table may carry: its key and the SQL it becomes. */
typedef struct cond {
    const char *key;
    const char *sql;    /* with one "?" */
    int is_int;
} cond;

/* Build "<head> WHERE 1 AND ... <tail>" from the filter table at idx using conds, prepare
 * it and bind. Raises on a bad filter. */
static sqlite3_stmt *simple_query(lua_State *L, int idx, const char *fn, const char *head,
                                  const cond *conds, size_t nconds, const char *tail)
{
    dvk_store *s = need_store(L);
    enum { MAXC = 16 };
    const char *known[MAXC], *text[MAXC];
    long long num[MAXC];
    int present[MAXC] = {0};
    if (nconds > MAXC)
        nconds = MAXC;
    for (size_t i = 0; i < nconds; i++)
        known[i] = conds[i].key;
    /* Read and check every value first: Lua errors raised here leak nothing. */
    if (!lua_isnoneornil(L, idx)) {
        luaL_checktype(L, idx, LUA_TTABLE);
        check_keys(L, idx, fn, known, nconds);
        for (size_t i = 0; i < nconds; i++) {
            lua_getfield(L, idx, conds[i].key);                         /* v */
            present[i] = !lua_isnil(L, -1);
            lua_pop(L, 1);                                              /* */
            if (present[i] && conds[i].is_int)
                num[i] = opt_int_field(L, idx, fn, conds[i].key, 0, (long long)1 << 53);
            else if (present[i])
                text[i] = opt_string_field(L, idx, fn, conds[i].key);
        }
    }
    dvk_sql q;
    memset(&q, 0, sizeof q);
    sbuf b = {0};
    dvk_error err;
    dvk_error_clear(&err);
    sb_add(&b, head);
    sb_add(&b, " WHERE 1");
    for (size_t i = 0; i < nconds && err.code == DVK_OK; i++) {
        if (!present[i])
            continue;
        sb_add(&b, " AND ");
        sb_add(&b, conds[i].sql);
        if (conds[i].is_int) {
            add_int_param(&q, num[i], &err);
        } else if (strcmp(conds[i].key, "search") == 0) {
            char *key = dvk_text_key(text[i], strlen(text[i]));
            char *pat = key ? dvk_query_like_pattern(key) : NULL;
            if (pat)
                add_text_param(&q, pat, &err);
            else
                dvk_error_set(&err, DVK_EUSAGE, "%s: search is not valid UTF-8", fn);
            free(key);
            free(pat);
        } else {
            add_text_param(&q, text[i], &err);
        }
    }
    sb_add(&b, tail);
    sqlite3_stmt *st = NULL;
    if (b.failed && err.code == DVK_OK)
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
    if (err.code == DVK_OK) {
        q.text = b.s;
        b.s = NULL;
        st = dvk_sql_prepare(s, &q, &err);
    }
    free(b.s);
    dvk_sql_free(&q);
    if (!st)
        raise_error(L, &err);
    return st;
}

static const cond unit_conds[] = {
    {"province", "u.province = ?", 0},
    {"parent", "u.parent = ?", 0},
    {"kind", "u.kind = ?", 0},
    {"code", "u.code = ?", 0},
    {"search", "u.name_key LIKE ? ESCAPE '\\'", 0},
    {"unit", "u.code IN (WITH RECURSIVE sub(code) AS (SELECT ?"
             " UNION SELECT x.code FROM units x JOIN sub ON x.parent = sub.code"
             " UNION SELECT x.code FROM units x JOIN sub ON x.successor = sub.code)"
             " SELECT code FROM sub)", 0},
};

/* dvk.units{province=, parent=, kind=, code=, search=, unit=} -> { unit, ... } by name */
static int l_units(lua_State *L)
{
    sqlite3_stmt *st = simple_query(L, 1, "dvk.units",
        "SELECT u.code, u.name, u.kind, u.parent, u.province, u.valid_from, u.valid_to,"
        " u.successor FROM units u",
        unit_conds, sizeof unit_conds / sizeof unit_conds[0],
        " ORDER BY u.name COLLATE vi, u.code");
    push_rows(L, st, "reading units");
    return 1;
}

static const cond run_conds[] = {
    {"province", "r.province = ?", 0},
    {"year", "r.year = ?", 1},
    {"level", "r.level = ?", 0},
    {"unit", "r.unit = ?", 0},
    {"status", "r.status = ?", 0},
    {"id", "r.id = ?", 1},
};

/* dvk.runs{province=, year=, level=, unit=, status=, id=} -> { run, ... } oldest first */
static int l_runs(lua_State *L)
{
    sqlite3_stmt *st = simple_query(L, 1, "dvk.runs",
        "SELECT r.id, r.province, r.year, r.level, r.unit, r.status, r.started_at,"
        " r.finished_at, r.decision_number, r.decision_date, r.script_path,"
        " (SELECT count(*) FROM results x WHERE x.run = r.id) AS candidates,"
        " (SELECT count(*) FROM results x WHERE x.run = r.id AND x.recognised) AS recognised,"
        " (SELECT count(*) FROM results x WHERE x.run = r.id AND x.exemplary) AS exemplary"
        " FROM runs r",
        run_conds, sizeof run_conds / sizeof run_conds[0], " ORDER BY r.id");
    push_rows(L, st, "reading runs");
    return 1;
}

/* dvk.result(run, model_code) -> the stored result with its scores, or nil */
static int l_result(lua_State *L)
{
    lua_Integer run = luaL_checkinteger(L, 1);
    const char *code = luaL_checkstring(L, 2);
    dvk_store *s = need_store(L);
    dvk_error err;
    dvk_error_clear(&err);
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT r.run, m.code, m.name, r.eligible = 1 AS eligible, r.gate, r.total, r.outcome,"
        " r.rank, r.recognised = 1 AS recognised, r.exemplary = 1 AS exemplary,"
        " r.proposed = 1 AS proposed, r.reason, r.model"
        " FROM results r JOIN models m ON m.id = r.model WHERE r.run = ? AND m.code = ?", &err);
    if (!st)
        return raise_error(L, &err);
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) {
            lua_pushnil(L);
            return 1;
        }
        dvk_store_fail(s, rc, &err, "reading a result");
        return raise_error(L, &err);
    }
    push_row(L, st);                                                    /* res */
    /* Booleans read better than 0/1 in the REPL. */
    static const char *const flags[] = {"eligible", "recognised", "exemplary", "proposed"};
    for (int i = 0; i < 4; i++) {
        lua_getfield(L, -1, flags[i]);                                  /* res v */
        int on = lua_tointeger(L, -1) != 0;
        lua_pop(L, 1);                                                  /* res */
        lua_pushboolean(L, on);                                         /* res b */
        lua_setfield(L, -2, flags[i]);                                  /* res */
    }
    long long model = sqlite3_column_int64(st, 12);
    lua_pushnil(L);                                                     /* res nil */
    lua_setfield(L, -2, "model");                                       /* res */
    lua_pushstring(L, code);                                            /* res code */
    lua_setfield(L, -2, "code");                                        /* res */
    sqlite3_finalize(st);
    st = dvk_store_prepare(s,
        "SELECT criterion, points, max, note FROM result_scores WHERE run = ? AND model = ?"
        " ORDER BY rowid", &err);
    if (!st)
        return raise_error(L, &err);
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, model);
    push_rows(L, st, "reading scores");                                 /* res scores */
    lua_setfield(L, -2, "scores");                                      /* res */
    make_readonly(L);                                                   /* view */
    return 1;
}

/* dvk.explain(run, model_code) -> the text `dvk runs show RUN MODEL` prints */
static int l_explain(lua_State *L)
{
    lua_Integer run = luaL_checkinteger(L, 1);
    const char *code = luaL_checkstring(L, 2);
    dvk_store *s = need_store(L);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return luaL_error(L, "out of memory");
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_runs_show(s, run, code, f, &err);
    fclose(f);
    if (rc != DVK_OK) {
        free(buf);
        return raise_error(L, &err);
    }
    /* Drop the final newline: the REPL adds its own. */
    while (len > 0 && buf[len - 1] == '\n')
        len--;
    lua_pushlstring(L, buf, len);
    free(buf);
    return 1;
}

/* ---------------------------------------------------------------------------------------
 * Lua: evaluating one model, deciding
 * ------------------------------------------------------------------------------------- */

/* dvk.score(model_code [, province]) -> how the current script scores the model now:
 * { code, province, year, level, eligible, gate, reason, total, outcome, outcome_name,
 *   scores = { {criterion, name, points, max, note}, ... } }. Nothing is stored; quotas,
 * which depend on the other candidates, are not applied. The province is the one given,
 * else the REPL's current one, else the model's own. */
static int l_score(lua_State *L)
{
    const char *code = luaL_checkstring(L, 1);
    const char *want = luaL_optstring(L, 2, NULL);
    dvk_store *s = need_store(L);
    dvk_error err;
    dvk_error_clear(&err);
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT id, year, level, province FROM models WHERE code = ?", &err);
    if (!st)
        return raise_error(L, &err);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            dvk_error_set(&err, DVK_EDATA, "dvk.score: no model with code '%s'", code);
        else
            dvk_store_fail(s, rc, &err, "reading a model");
        sqlite3_finalize(st);
        return raise_error(L, &err);
    }
    long long id = sqlite3_column_int64(st, 0);
    int year = sqlite3_column_int(st, 1);
    char level[DVK_SCRIPT_ID_MAX + 1], own[DVK_SCRIPT_ID_MAX + 1];
    snprintf(level, sizeof level, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(own, sizeof own, "%s", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    if (!want && !dvk_query_province(L))
        want = own;
    dvk_province *p = province_for(L, want);
    if (dvk_province_level(p, level) < 0)
        return luaL_error(L, "dvk.score: model %s is registered at level '%s', which %s does not "
                          "have", code, level, p->path);
    dvk_script_ctx c;
    memset(&c, 0, sizeof c);
    c.year = year;
    c.level = p->levels[dvk_province_level(p, level)];
    snprintf(c.cutoff, sizeof c.cutoff, "%04d-%.5s", year, p->cutoff);
    int base = lua_gettop(L);
    if (dvk_script_push_ctx(L, p, &c, &err) != DVK_OK)                  /* ctx */
        return raise_error(L, &err);
    if (dvk_script_push_model(L, p, id, &c, &err) != DVK_OK)            /* ctx m */
        return raise_error(L, &err);
    dvk_eval ev;
    if (dvk_eval_init(&ev, p->ncriteria) != DVK_OK)
        return luaL_error(L, "out of memory");
    rc = dvk_script_eval(L, p, base + 2, base + 1, code, &ev, &err);
    if (rc != DVK_OK) {
        dvk_eval_free(&ev, p->ncriteria);
        return raise_error(L, &err);
    }
    lua_settop(L, base);                                                /* */
    luaL_checkstack(L, 8, "score");
    lua_createtable(L, 0, 12);                                          /* r */
    lua_pushstring(L, code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, p->code);
    lua_setfield(L, -2, "province");
    lua_pushinteger(L, year);
    lua_setfield(L, -2, "year");
    lua_pushstring(L, level);
    lua_setfield(L, -2, "level");
    lua_pushboolean(L, ev.eligible);
    lua_setfield(L, -2, "eligible");
    if (ev.gate >= 0 && ev.gate < p->ngates) {
        lua_pushstring(L, p->gates[ev.gate].id);
        lua_setfield(L, -2, "gate");
    }
    if (ev.reason) {
        lua_pushstring(L, ev.reason);
        lua_setfield(L, -2, "reason");
    }
    lua_pushnumber(L, ev.total);
    lua_setfield(L, -2, "total");
    if (ev.outcome >= 0 && ev.outcome < p->noutcomes) {
        lua_pushstring(L, p->outcomes[ev.outcome].id);
        lua_setfield(L, -2, "outcome");
        lua_pushstring(L, p->outcomes[ev.outcome].name);
        lua_setfield(L, -2, "outcome_name");
    }
    lua_createtable(L, p->ncriteria, 0);                                /* r scores */
    for (int i = 0; i < p->ncriteria; i++) {
        lua_createtable(L, 0, 5);                                       /* r scores sc */
        lua_pushstring(L, p->criteria[i].id);
        lua_setfield(L, -2, "criterion");
        lua_pushstring(L, p->criteria[i].name);
        lua_setfield(L, -2, "name");
        if (!isnan(ev.points[i])) {
            lua_pushnumber(L, ev.points[i]);
            lua_setfield(L, -2, "points");
        }
        lua_pushnumber(L, p->criteria[i].max);
        lua_setfield(L, -2, "max");
        if (ev.notes[i]) {
            lua_pushstring(L, ev.notes[i]);
            lua_setfield(L, -2, "note");
        }
        make_readonly(L);                                               /* r scores view */
        lua_rawseti(L, -2, i + 1);                                      /* r scores */
    }
    make_readonly(L);                                                   /* r scores */
    lua_setfield(L, -2, "scores");                                      /* r */
    dvk_eval_free(&ev, p->ncriteria);
    make_readonly(L);                                                   /* view */
    return 1;
}

static void decide_progress(void *ud, long long done, long long total)
{
    dvk_progress **bar = ud;
    if (!*bar)
        *bar = dvk_progress_start("decide", total);
    dvk_progress_update(*bar, done);
}

/* dvk.decide{province=, year=, level=, unit=, dry_run=} -> summary { run, candidates,
 * eligible, recognised, exemplary, proposed, demoted, outcomes = { {id, name, count} } }.
 * The engine's own operation: it stores a draft run (not with dry_run) in one transaction. */
static int l_decide(lua_State *L)
{
    static const char *const known[] = {"province", "year", "level", "unit", "dry_run"};
    luaL_checktype(L, 1, LUA_TTABLE);
    check_keys(L, 1, "dvk.decide", known, 5);
    dvk_decide_opts o;
    memset(&o, 0, sizeof o);
    o.province = opt_string_field(L, 1, "dvk.decide", "province");
    o.level = opt_string_field(L, 1, "dvk.decide", "level");
    o.unit = opt_string_field(L, 1, "dvk.decide", "unit");
    o.year = (int)opt_int_field(L, 1, "dvk.decide", "year", 0, 9999);
    lua_getfield(L, 1, "dry_run");                                      /* d */
    o.dry_run = lua_toboolean(L, -1);
    lua_pop(L, 1);                                                      /* */
    if (!o.province)
        o.province = dvk_query_province(L);
    if (!o.province || !o.level || !o.year)
        return luaL_error(L, "dvk.decide: province, year and level are required");
    o.interrupted = get_state(L)->interrupt;
    dvk_progress *bar = NULL;
    o.progress = decide_progress;
    o.progress_ud = &bar;
    dvk_decide_summary sum;
    memset(&sum, 0, sizeof sum);
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_decide(need_store(L), dvk_sandbox_scripts_dir(L), &o, &sum, &err);
    dvk_progress_finish(bar);
    if (rc != DVK_OK)
        return raise_error(L, &err);
    lua_createtable(L, 0, 8);                                           /* r */
    if (sum.run) {
        lua_pushinteger(L, sum.run);
        lua_setfield(L, -2, "run");
    }
    const struct { const char *k; long long v; } counts[] = {
        {"candidates", sum.candidates}, {"eligible", sum.eligible},
        {"recognised", sum.recognised}, {"exemplary", sum.exemplary},
        {"proposed", sum.proposed},     {"demoted", sum.demoted},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        lua_pushinteger(L, counts[i].v);
        lua_setfield(L, -2, counts[i].k);
    }
    lua_createtable(L, sum.noutcomes, 0);                               /* r outs */
    for (int i = 0; i < sum.noutcomes && i < DVK_DECIDE_MAX_OUTCOMES; i++) {
        lua_createtable(L, 0, 3);                                       /* r outs o */
        lua_pushstring(L, sum.outcome_id[i]);
        lua_setfield(L, -2, "id");
        lua_pushstring(L, sum.outcome_name[i]);
        lua_setfield(L, -2, "name");
        lua_pushinteger(L, sum.outcome_count[i]);
        lua_setfield(L, -2, "count");
        make_readonly(L);
        lua_rawseti(L, -2, i + 1);                                      /* r outs */
    }
    make_readonly(L);
    lua_setfield(L, -2, "outcomes");                                    /* r */
    make_readonly(L);                                                   /* view */
    return 1;
}

/* dvk.finalize(run, {number = "125-QĐ/BDVTU", date = "2023-12-20"}) -> true: the engine's
 * own operation (dvk runs finalize): the run becomes final and immutable. */
static int l_finalize(lua_State *L)
{
    static const char *const known[] = {"number", "date"};
    lua_Integer run = luaL_checkinteger(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, "dvk.finalize", known, 2);
    const char *number = opt_string_field(L, 2, "dvk.finalize", "number");
    const char *date = opt_string_field(L, 2, "dvk.finalize", "date");
    if (!number || !date)
        return luaL_error(L, "dvk.finalize: number and date are required");
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_runs_finalize(need_store(L), run, number, date, NULL, &err) != DVK_OK)
        return raise_error(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* dvk.diff(run_a, run_b) -> the text `dvk diff A B` prints, and the number of models that
 * changed */
static int l_diff(lua_State *L)
{
    lua_Integer a = luaL_checkinteger(L, 1), b = luaL_checkinteger(L, 2);
    dvk_store *s = need_store(L);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return luaL_error(L, "out of memory");
    dvk_error err;
    dvk_error_clear(&err);
    long long changed = 0;
    int rc = dvk_runs_diff(s, a, b, f, &changed, &err);
    fclose(f);
    if (rc != DVK_OK) {
        free(buf);
        return raise_error(L, &err);
    }
    while (len > 0 && buf[len - 1] == '\n')
        len--;
    lua_pushlstring(L, buf, len);
    free(buf);
    lua_pushinteger(L, changed);
    return 2;
}

/* dvk.format(value) -> the text the REPL prints for value (tables of records aligned), for
 * batch scripts: print(dvk.format(dvk.runs{})) */
static int l_format(lua_State *L)
{
    luaL_checkany(L, 1);
    char *text = dvk_query_format(L, 1);
    if (!text)
        return luaL_error(L, "out of memory");
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        len--;
    lua_pushlstring(L, text, len); /* on a memory error text leaks: the state is failing */
    free(text);
    return 1;
}

int dvk_query_filter_names(const char *fn, const char **names, int max)
{
    int n = 0;
    if (strcmp(fn, "models") == 0 || strcmp(fn, "where") == 0) {
        for (int i = 0; i < NSTRINGS && n < max; i++)
            names[n++] = string_filters[i];
        for (size_t i = 0; i < sizeof number_filters / sizeof number_filters[0] && n < max; i++)
            names[n++] = number_filters[i];
    } else if (strcmp(fn, "units") == 0) {
        for (size_t i = 0; i < sizeof unit_conds / sizeof unit_conds[0] && n < max; i++)
            names[n++] = unit_conds[i].key;
    } else if (strcmp(fn, "runs") == 0) {
        for (size_t i = 0; i < sizeof run_conds / sizeof run_conds[0] && n < max; i++)
            names[n++] = run_conds[i].key;
    } else if (strcmp(fn, "decide") == 0) {
        static const char *const d[] = {"province", "year", "level", "unit", "dry_run"};
        for (size_t i = 0; i < 5 && n < max; i++)
            names[n++] = d[i];
    }
    return n;
}

/* dvk.current_province() -> the code chosen with .province (or nil) */
static int l_current_province(lua_State *L)
{
    const char *code = dvk_query_province(L);
    if (code)
        lua_pushstring(L, code);
    else
        lua_pushnil(L);
    return 1;
}

/* ---------------------------------------------------------------------------------------
 * Formatting values for people
 * ------------------------------------------------------------------------------------- */

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
    int nested_only; /* bitmask unused: kept simple */
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
            char buf[64];
            double v = lua_tonumber(L, idx);
            if (v == floor(v) && fabs(v) < 1e15)
                snprintf(buf, sizeof buf, "%.0f", v);
            else
                snprintf(buf, sizeof buf, "%.14g", v);
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
    qstate *qs = get_state(L);
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
        size_t ncols = model_like ? NSHOWN : sizeof run_columns / sizeof run_columns[0];
        for (size_t i = 0; i < ncols; i++)
            keyset_add(&ks, model_like ? shown_columns[i] : run_columns[i]);
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

static void sb_quoted(sbuf *b, const char *s, size_t n)
{
    sb_add(b, "\"");
    char tmp[8];
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            tmp[2] = '\0';
        } else if (c == '\n') {
            snprintf(tmp, sizeof tmp, "\\n");
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(tmp, sizeof tmp, "\\%d", c);
        } else {
            tmp[0] = (char)c;
            tmp[1] = '\0';
        }
        sb_add(b, tmp);
    }
    sb_add(b, "\"");
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

static void format_value(lua_State *L, int idx, sbuf *b, int depth);

/* Is the value at idx a non-empty list of records (table-likes) with no string keys of its
 * own? Its length goes to *n. */
static int is_record_list(lua_State *L, int idx, lua_Integer *n)
{
    idx = lua_absindex(L, idx);
    int has_len = luaL_getmetafield(L, idx, "__len") != LUA_TNIL;
    if (has_len)
        lua_pop(L, 1);
    if (!tablelike(L, idx) || luaL_testudata(L, idx, QUERY_MT) ||
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

static char *format_records(lua_State *L, int idx, lua_Integer n);

/* A table as a Lua constructor: the array part, then string keys (preferred order, then
 * byte order); other keys are left out. Nested deeper than FORMAT_DEPTH: {...}. */
static void format_table(lua_State *L, int idx, sbuf *b, int depth)
{
    idx = lua_absindex(L, idx);
    if (depth >= FORMAT_DEPTH) {
        sb_add(b, "{...}");
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
    sbuf inner = {0};
    int items = 0;
    for (lua_Integer i = 1; i <= n && items < FORMAT_ITEMS; i++, items++) {
        sb_add(&inner, items ? ",\n" : "");
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
        sb_add(&inner, items ? ",\n" : "");
        if (is_identifier(ks.k[k])) {
            sb_add(&inner, ks.k[k]);
        } else {
            sb_add(&inner, "[");
            sb_quoted(&inner, ks.k[k], strlen(ks.k[k]));
            sb_add(&inner, "]");
        }
        sb_add(&inner, " = ");
        lua_getfield(L, idx, ks.k[k]);                                  /* v */
        format_value(L, -1, &inner, depth + 1);
        lua_pop(L, 1);                                                  /* */
    }
    long long more = (long long)n + ks.n - items;
    if (more > 0) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, ",\n-- %lld more", more);
        sb_add(&inner, tmp);
    }
    keyset_free(&ks);
    if (inner.failed || !inner.s) {
        sb_add(b, inner.failed ? "{...}" : "{}");
    } else if (inner.len < 72 && more <= 0) {
        /* Short and flat: one line. Otherwise one item per line, indented. */
        sb_add(b, "{ ");
        for (char *p = inner.s; *p; p++) {
            char tmp[2] = {*p == '\n' ? ' ' : *p, '\0'};
            sb_add(b, tmp);
        }
        sb_add(b, " }");
    } else {
        sb_add(b, "{\n  ");
        for (char *p = inner.s; *p; p++) {
            char tmp[2] = {*p, '\0'};
            sb_add(b, tmp);
            if (*p == '\n')
                sb_add(b, "  ");
        }
        sb_add(b, "\n}");
    }
    free(inner.s);
    /* the lists of records held back: "key:" and a table each */
    for (int k = 0; k < later.n; k++) {
        lua_Integer len;
        lua_getfield(L, idx, later.k[k]);                               /* list */
        is_record_list(L, -1, &len);
        char *t = format_records(L, lua_gettop(L), len);
        lua_pop(L, 1);                                                  /* */
        sb_add(b, "\n");
        sb_add(b, later.k[k]);
        sb_add(b, ":\n");
        if (t) {
            size_t tl = strlen(t);
            if (tl > 0 && t[tl - 1] == '\n')
                t[tl - 1] = '\0';
            sb_add(b, t);
        }
        free(t);
    }
    keyset_free(&later);
}

static void format_value(lua_State *L, int idx, sbuf *b, int depth)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        if (depth == 0)
            sb_add(b, s);
        else
            sb_quoted(b, s, n);
        return;
    }
    if (luaL_testudata(L, idx, QUERY_MT)) {
        if (depth == 0) {
            char *s = render_query(L, luaL_testudata(L, idx, QUERY_MT));
            sb_add(b, s);
            free(s);
        } else {
            sb_add(b, "dvk.models{...}");
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
        sb_add(b, luaL_tolstring(L, -1, NULL));
        lua_pop(L, 2);
        return;
    }
    sb_add(b, dvk_sandbox_tostring(L, idx));
    lua_pop(L, 1);
}

char *dvk_query_format(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    /* A non-empty list whose items are all tables prints as a table of records. */
    lua_Integer n;
    if (is_record_list(L, idx, &n))
        return format_records(L, idx, n);
    sbuf b = {0};
    format_value(L, idx, &b, 0);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    if (!b.s)
        return strdup("");
    if (tablelike(L, idx))
        sb_add(&b, "\n");
    return b.s;
}

/* tostring of a query: its first rows as a table */
static const luaL_Reg query_methods[] = {
    {"count", l_query_count},
    {"group_by", l_query_group_by},
    {"list", l_query_list},
    {"each", l_query_each},
    {"first", l_query_first},
    {"where", l_query_where},
    {"sql", l_query_sql},
    {NULL, NULL},
};

static const luaL_Reg query_meta[] = {
    {"__gc", query_gc},
    {"__len", l_query_len},
    {"__tostring", l_query_tostring},
    {"__call", l_query_call},
    {NULL, NULL},
};

static const luaL_Reg dvk_functions[] = {
    {"models", l_models},
    {"units", l_units},
    {"runs", l_runs},
    {"result", l_result},
    {"explain", l_explain},
    {"score", l_score},
    {"decide", l_decide},
    {"finalize", l_finalize},
    {"diff", l_diff},
    {"current_province", l_current_province},
    {"format", l_format},
    {NULL, NULL},
};

int dvk_query_register(lua_State *L, dvk_error *err)
{
    luaL_checkstack(L, 4, "register");
    if (luaL_newmetatable(L, QUERY_MT)) {                               /* mt */
        luaL_setfuncs(L, query_meta, 0);
        lua_newtable(L);                                                /* mt methods */
        luaL_setfuncs(L, query_methods, 0);
        lua_setfield(L, -2, "__index");                                 /* mt */
        lua_pushboolean(L, 0);                                          /* mt false */
        lua_setfield(L, -2, "__metatable");                             /* mt */
    }
    lua_pop(L, 1);                                                      /* */
    if (luaL_newmetatable(L, CURSOR_MT)) {                              /* mt */
        lua_pushcfunction(L, cursor_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);                                                      /* */
    get_state(L);
    int rc = dvk_sandbox_register(L, dvk_functions);
    if (rc != DVK_OK)
        return dvk_error_set(err, rc, "registering the query functions failed");
    return DVK_OK;
}
