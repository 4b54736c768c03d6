/* model.c: the read-only model object `m` province scripts see: its columns, m.metrics (the
 * flat JSON object of models.metrics), m.unit with its parent chain (built from the unit
 * tree, units.h), and the lazy fields read the first time a script touches them:
 * m.appraisal (mean council score per criterion), m.appraisals (every score) and m.history
 * (earlier results, ordered by the province's levels). */
#include "script_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/sandbox.h"
#include "dvk/text.h"

static const char REG_MODEL_MT = 'M';   /* metatable of model objects */
static const char REG_UNITS = 'U';      /* unit code -> read-only unit object */

/* ------------------------------------------------------------------ units */

void script_push_unit_cache(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_UNITS) != LUA_TNIL)
        return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_UNITS);
}

/* The unit object of tree entry u, its parent object (or nil) on top: {code, name, kind,
 * province, parent}, read-only, replacing the parent on the stack. */
static void unit_object(lua_State *L, const dvk_unit *u)
{
    lua_createtable(L, 0, 5);                               /* parent d */
    lua_insert(L, -2);                                      /* d parent */
    lua_setfield(L, -2, "parent");                          /* d */
    lua_pushstring(L, u->code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, u->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, u->kind);
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, u->province);
    lua_setfield(L, -2, "province");
    dvk_sandbox_push_view(L, -1);                           /* d u */
    lua_remove(L, -2);                                      /* u */
}

void script_push_unit(lua_State *L, const dvk_units *t, const char *code)
{
    luaL_checkstack(L, 8, "unit");
    script_push_unit_cache(L);                              /* units */
    int units = lua_gettop(L);
    if (lua_getfield(L, units, code) != LUA_TNIL) {         /* units u */
        lua_remove(L, units);
        return;
    }
    lua_pop(L, 1);                                          /* units */
    int i = dvk_units_find(t, code);
    if (i < 0) {                                            /* not in the tree: code alone */
        lua_createtable(L, 0, 1);                           /* units d */
        lua_pushstring(L, code);
        lua_setfield(L, -2, "code");
        dvk_sandbox_push_view(L, -1);                       /* units d u */
        lua_replace(L, units);                              /* u d */
        lua_pop(L, 1);                                      /* u */
        return;
    }
    /* The way up from i to the first unit already built (or the root): a unit seen twice
     * (a cycle of parent links) or more than DVK_UNITS_DEPTH steps up ends it. */
    int chain[DVK_UNITS_DEPTH], n = 0;
    lua_pushnil(L);                                         /* units top (nil: none) */
    for (int j = i; j >= 0 && n < DVK_UNITS_DEPTH; j = dvk_units_at(t, (size_t)j)->parent) {
        int seen = 0;
        for (int k = 0; k < n; k++)
            seen |= chain[k] == j;
        if (seen)
            break;
        if (lua_getfield(L, units, dvk_units_at(t, (size_t)j)->code) != LUA_TNIL) {
            lua_replace(L, -2);                             /* units top */
            break;
        }
        lua_pop(L, 1);
        chain[n++] = j;
    }
    /* Build down from the top: each object takes the one above as its parent. */
    while (n-- > 0) {
        const dvk_unit *u = dvk_units_at(t, (size_t)chain[n]);
        unit_object(L, u);                                  /* units u */
        lua_pushvalue(L, -1);
        lua_setfield(L, units, u->code);                    /* cached */
    }
    lua_remove(L, units);                                   /* u */
}

/* ------------------------------------------------------------------ metrics JSON */

typedef struct jp {
    const char *s, *end;
} jp;

static void jp_ws(jp *j)
{
    while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
        j->s++;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* Push a JSON string at j->s (on the opening quote); L NULL: only check it. Returns 0 or -1. */
static int jp_string(lua_State *L, jp *j)
{
    if (j->s >= j->end || *j->s != '"')
        return -1;
    j->s++;
    const char *start = j->s;
    while (j->s < j->end && *j->s != '"' && *j->s != '\\')
        j->s++;
    if (j->s < j->end && *j->s == '"') {                    /* fast path: no escapes */
        if (L)
            lua_pushlstring(L, start, (size_t)(j->s - start));
        j->s++;
        return 0;
    }
    luaL_Buffer b;
#define JP_ADD(ch) do { if (L) luaL_addchar(&b, (ch)); } while (0)
    if (L) {
        luaL_buffinit(L, &b);
        luaL_addlstring(&b, start, (size_t)(j->s - start));
    }
    while (j->s < j->end && *j->s != '"') {
        char c = *j->s++;
        if (c != '\\') {
            JP_ADD(c);
            continue;
        }
        if (j->s >= j->end)
            return -1;
        c = *j->s++;
        switch (c) {
        case 'n': JP_ADD('\n'); break;
        case 't': JP_ADD('\t'); break;
        case 'r': JP_ADD('\r'); break;
        case 'b': JP_ADD('\b'); break;
        case 'f': JP_ADD('\f'); break;
        case 'u': {
            unsigned cp;
            if (j->end - j->s < 4 || hex4(j->s, &cp))
                return -1;
            j->s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->s >= 6 && j->s[0] == '\\' &&
                j->s[1] == 'u') {
                unsigned lo;
                if (hex4(j->s + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    j->s += 6;
                }
            }
            if (L) {
                lua_pushfstring(L, "%U", (long)cp);         /* Lua's own UTF-8 encoder */
                luaL_addvalue(&b);
            }
            break;
        }
        default: JP_ADD(c); break;
        }
    }
    if (j->s >= j->end)
        return -1;
    j->s++;
    if (L)
        luaL_pushresult(&b);
    return 0;
#undef JP_ADD
}

static int jp_numchar(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* Read the metrics text (a flat JSON object: numbers, strings, booleans; null members are
 * absent): with L, into the table on top of L; with L NULL, only checked. Returns the number
 * of members, or -1 when the text is not such an object. */
static int metrics_read(lua_State *L, const char *text, size_t len)
{
    jp j = {text, text + len};
    int n = 0;
    jp_ws(&j);
    if (j.s >= j.end)
        return 0;                                           /* empty text: no metrics */
    if (*j.s != '{')
        return -1;
    j.s++;
    jp_ws(&j);
    if (j.s < j.end && *j.s == '}')
        return 0;
    for (;;) {
        jp_ws(&j);
        if (jp_string(L, &j) != 0)                          /* t k */
            return -1;
        jp_ws(&j);
        if (j.s >= j.end || *j.s != ':')
            return -1;
        j.s++;
        jp_ws(&j);
        if (j.s >= j.end)
            return -1;
        char c = *j.s;
        int value = 1;                                      /* 0: null */
        if (c == '"') {
            if (jp_string(L, &j) != 0)
                return -1;
        } else if (c == 't' && j.end - j.s >= 4 && memcmp(j.s, "true", 4) == 0) {
            if (L)
                lua_pushboolean(L, 1);
            j.s += 4;
        } else if (c == 'f' && j.end - j.s >= 5 && memcmp(j.s, "false", 5) == 0) {
            if (L)
                lua_pushboolean(L, 0);
            j.s += 5;
        } else if (c == 'n' && j.end - j.s >= 4 && memcmp(j.s, "null", 4) == 0) {
            if (L)
                lua_pushnil(L);                             /* t[k] = nil: absent */
            value = 0;
            j.s += 4;
        } else {
            char buf[64];
            size_t nb = 0;
            int isint = 1;
            while (j.s < j.end && nb < sizeof buf - 1 && jp_numchar(*j.s)) {
                if (*j.s == '.' || *j.s == 'e' || *j.s == 'E')
                    isint = 0;
                buf[nb++] = *j.s++;
            }
            buf[nb] = '\0';
            char *endp;
            if (nb == 0)
                return -1;
            if (isint) {
                long long v = strtoll(buf, &endp, 10);
                if (*endp)
                    return -1;
                if (L)
                    lua_pushinteger(L, (lua_Integer)v);
            } else {
                double v = strtod(buf, &endp);
                if (*endp)
                    return -1;
                if (L)
                    lua_pushnumber(L, v);
            }
        }
        if (L)
            lua_rawset(L, -3);                              /* t */
        n += value;
        jp_ws(&j);
        if (j.s < j.end && *j.s == ',') {
            j.s++;
            continue;
        }
        if (j.s < j.end && *j.s == '}')
            return n;
        return -1;
    }
}

/* ------------------------------------------------------------------ model objects */

/* The fields of a model row (DVK_SCRIPT_MODEL_COLS: the column of each) that its object
 * keeps as it read them until a script first reads them (issue 15: most scripts read a few
 * of them; making every field a Lua value took a fifth of a decision's instructions). The
 * row's province (column 15) is kept too: it is how m.unit is found. */
enum {
    MF_ID, MF_CODE, MF_NAME, MF_KIND, MF_CATEGORY, MF_FIELD, MF_LEVEL, MF_YEAR,
    MF_REGISTRATION, MF_STARTED_ON, MF_ADDRESS, MF_DESCRIPTION, MF_SYNTHETIC, MF_METRICS,
    MF_UNIT, MF_N,
    MF_PROVINCE = MF_N, MF_KEPT                 /* the kept values: the fields and province */
};
static const struct { const char *key; int col; } ROW_FIELDS[MF_KEPT] = {
    {"id", 0}, {"code", 1}, {"name", 2}, {"kind", 3}, {"category", 4}, {"field", 5},
    {"level", 6}, {"year", 7}, {"registration", 8}, {"started_on", 9}, {"address", 10},
    {"description", 11}, {"synthetic", 12}, {"metrics", 13}, {"unit", 14}, {NULL, 15},
};
#define MF_NULL 0xFFFFFFFFu                     /* model_ud.len of a NULL column */

/* The userdata of a model object; user value 1 is its data table, user value 2 the levels
 * that order its history: a levels table, a province code (looked up when history is first
 * read), or nil. A model made from a row keeps the row's values after the struct until each
 * field is first read (then it is in the data table); a fixture model (dvk test) has its
 * data table whole and keeps nothing. */
typedef struct model_ud {
    long long id;                       /* models.id; 0 for fixture models */
    int year;                           /* history before (year, level) */
    char level[DVK_SCRIPT_ID_MAX + 1];
    unsigned pending;                   /* bit f: field f (MF_*) not yet in the data table */
    int own_year, synthetic;            /* the row's year and synthetic */
    int nmetrics;                       /* members of the metrics text (checked: an object) */
    unsigned off[MF_KEPT], len[MF_KEPT];  /* of each kept text in text[]; len MF_NULL: NULL */
    char text[];                        /* the kept texts, each NUL-terminated */
} model_ud;

/* Fields a model may lack (nil) without it being a typo. */
static const char *const MODEL_KEYS[] = {
    "id", "code", "name", "kind", "category", "field", "level", "year", "registration",
    "started_on", "address", "description", "synthetic", "unit", "metrics", "appraisal",
    "appraisals", "history", NULL
};

static int is_model_key(const char *k)
{
    for (int i = 0; MODEL_KEYS[i]; i++)
        if (strcmp(k, MODEL_KEYS[i]) == 0)
            return 1;
    return 0;
}

/* Push m.history of model object m (index mi): the model's results in the current runs
 * before (mu->year, mu->level) by its levels. */
static void push_history(lua_State *L, int mi, const model_ud *mu)
{
    lua_newtable(L);                                        /* t */
    if (!mu->id)
        return;
    int ranks = 0;
    /* The levels first: finding them may load the province file, which resets statements. */
    if (lua_getiuservalue(L, mi, 2) == LUA_TSTRING) {       /* t code */
        const char *code = lua_tostring(L, -1);
        script_push_levels(L, code, 1);                     /* t code ranks|nil */
        lua_remove(L, -2);                                  /* t ranks|nil */
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, mi, 2);                        /* found once */
    }
    if (lua_istable(L, -1))
        ranks = lua_gettop(L);
    sqlite3_stmt *st = script_cached(L, ST_HISTORY);
    if (st) {
        sqlite3_bind_int64(st, 1, mu->id);
        sqlite3_bind_int(st, 2, mu->year);
        lua_Integer n = 0;
        int src;
        while ((src = sqlite3_step(st)) == SQLITE_ROW) {
            int y = sqlite3_column_int(st, 0);
            if (!script_earlier(L, ranks, y, (const char *)sqlite3_column_text(st, 1),
                                mu->year, mu->level))
                continue;
            lua_createtable(L, 0, 6);
            lua_pushinteger(L, y);
            lua_setfield(L, -2, "year");
            script_push_text_col(L, st, 1);
            lua_setfield(L, -2, "level");
            script_push_text_col(L, st, 2);
            lua_setfield(L, -2, "outcome");
            lua_pushboolean(L, sqlite3_column_int(st, 3));
            lua_setfield(L, -2, "recognised");
            lua_pushboolean(L, sqlite3_column_int(st, 4));
            lua_setfield(L, -2, "exemplary");
            lua_pushinteger(L, sqlite3_column_int64(st, 5));
            lua_setfield(L, -2, "run");
            lua_rawseti(L, -3, ++n);
        }
        script_step_done(L, st, src);
        sqlite3_reset(st);
    }
    lua_pop(L, 1);                                          /* t */
}

/* How the council's scores of mi's province combine (DVK_COMBINE_*), from the levels
 * table of its province (loaded when this state has not described it yet). */
static int model_combine(lua_State *L, int mi)
{
    if (lua_getiuservalue(L, mi, 2) == LUA_TSTRING) {       /* code */
        const char *code = lua_tostring(L, -1);
        script_push_levels(L, code, 1);                     /* code ranks|nil */
        lua_remove(L, -2);                                  /* ranks|nil */
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, mi, 2);                        /* found once */
    }
    int combine = DVK_COMBINE_MEAN;
    if (lua_istable(L, -1)) {                               /* ranks */
        if (lua_getfield(L, -1, SCRIPT_COMBINE_KEY) == LUA_TNUMBER)
            combine = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);                                          /* */
    return combine;
}

/* The median (the middle score; the mean of the two middle ones for an even count) or the
 * trimmed mean (the highest and the lowest score dropped; with fewer than 3 scores nothing
 * is dropped) of the n scores v, lowest first. */
double dvk_council_combine(int combine, const double *v, int n)
{
    if (n <= 0)
        return 0;
    if (combine == DVK_COMBINE_MEDIAN)
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    int lo = 0, hi = n;
    if (combine == DVK_COMBINE_TRIMMED && n >= 3) {
        lo = 1;
        hi = n - 1;
    }
    double sum = 0;
    for (int i = lo; i < hi; i++)
        sum += v[i];
    return sum / (hi - lo);
}

/* Step st (criterion, score; lowest first per criterion) and set t[criterion] (t on top) to
 * the combined score of each criterion; the scores are kept in a Lua userdata, so that a
 * memory error raised on the way leaks nothing. Returns the last sqlite3_step result. */
static int combine_scores(lua_State *L, sqlite3_stmt *st, int combine)
{
    int t = lua_gettop(L);
    luaL_checkstack(L, 6, "appraisal");
    int n = 0, cap = 16, src;
    double *v = lua_newuserdatauv(L, (size_t)cap * sizeof *v, 0);  /* t buf */
    lua_pushnil(L);                                         /* t buf crit */
    for (;;) {
        src = sqlite3_step(st);
        const char *c = src == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        if (n > 0 && (!c || strcmp(c, lua_tostring(L, t + 2)) != 0)) {
            lua_pushvalue(L, t + 2);
            lua_pushnumber(L, dvk_council_combine(combine, v, n));
            lua_rawset(L, t);
            n = 0;
        }
        if (src != SQLITE_ROW || !c)
            break;
        if (n == cap) {
            double *nv = lua_newuserdatauv(L, (size_t)(cap *= 2) * sizeof *v, 0);
            memcpy(nv, v, (size_t)n * sizeof *v);
            lua_replace(L, t + 1);
            v = nv;
        }
        if (n == 0) {
            lua_pushstring(L, c);
            lua_replace(L, t + 2);
        }
        v[n++] = sqlite3_column_double(st, 1);
    }
    lua_settop(L, t);
    return src;
}

/* Load a lazy field (appraisal, appraisals, history) of model object mi into its data table
 * (at index d) and push it. */
static void load_lazy(lua_State *L, int mi, const model_ud *mu, int d, const char *k)
{
    mi = lua_absindex(L, mi);
    d = lua_absindex(L, d);
    sqlite3_stmt *st = NULL;
    int src = SQLITE_DONE;
    if (strcmp(k, "appraisal") == 0) {
        int combine = mu->id ? model_combine(L, mi) : DVK_COMBINE_MEAN;
        lua_newtable(L);                                    /* t */
        if (mu->id && combine == DVK_COMBINE_MEAN && (st = script_cached(L, ST_APPRAISAL))) {
            /* the mean as SQLite computes it: the same numbers as before levels existed */
            sqlite3_bind_int64(st, 1, mu->id);
            sqlite3_bind_text(st, 2, mu->level, -1, SQLITE_TRANSIENT);
            while ((src = sqlite3_step(st)) == SQLITE_ROW) {
                script_push_text_col(L, st, 0);
                lua_pushnumber(L, sqlite3_column_double(st, 1));
                lua_rawset(L, -3);
            }
        } else if (mu->id && (st = script_cached(L, ST_APPRAISAL_SCORES))) {
            sqlite3_bind_int64(st, 1, mu->id);
            sqlite3_bind_text(st, 2, mu->level, -1, SQLITE_TRANSIENT);
            src = combine_scores(L, st, combine);
        }
        dvk_sandbox_push_view(L, -1);                       /* t view */
    } else if (strcmp(k, "appraisals") == 0) {
        lua_newtable(L);                                    /* t */
        if (mu->id && (st = script_cached(L, ST_APPRAISALS))) {
            sqlite3_bind_int64(st, 1, mu->id);
            sqlite3_bind_text(st, 2, mu->level, -1, SQLITE_TRANSIENT);
            lua_Integer n = 0;
            while ((src = sqlite3_step(st)) == SQLITE_ROW) {
                lua_createtable(L, 0, 4);
                script_push_text_col(L, st, 0);
                lua_setfield(L, -2, "criterion");
                script_push_text_col(L, st, 1);
                lua_setfield(L, -2, "appraiser");
                lua_pushnumber(L, sqlite3_column_double(st, 2));
                lua_setfield(L, -2, "score");
                script_push_text_col(L, st, 3);
                lua_setfield(L, -2, "note");
                lua_rawseti(L, -2, ++n);
            }
        }
        dvk_sandbox_push_readonly(L, -1);                   /* t view */
    } else {
        push_history(L, mi, mu);                            /* t */
        dvk_sandbox_push_readonly(L, -1);                   /* t view */
    }
    if (st) {
        script_step_done(L, st, src);
        sqlite3_reset(st);
    }
    lua_remove(L, -2);                                      /* view */
    lua_pushvalue(L, -1);
    lua_setfield(L, d, k);
}

static void trace_metrics(lua_State *L);

/* The message of a metrics text that is not a flat JSON object, its start quoted. */
static int metrics_error(lua_State *L, const char *code, const char *text, size_t len)
{
    int cut = (int)dvk_text_prefix(text, len, 60, 0);       /* whole characters */
    char msg[256];              /* lua_pushfstring has no precision: cut the text here */
    snprintf(msg, sizeof msg, "model %s: metrics are not a flat JSON object (%.*s)",
             code ? code : "?", cut, text);
    return luaL_error(L, "%s", msg);
}

/* The kept text f of mu (NULL for a NULL column). */
static const char *kept(const model_ud *mu, int f)
{
    return mu->len[f] == MF_NULL ? NULL : mu->text + mu->off[f];
}

/* Push the value of row field f of model mu (nil for a NULL column). */
static void push_row_field(lua_State *L, model_ud *mu, int f)
{
    const char *t = kept(mu, f);
    switch (f) {
    case MF_ID:
        lua_pushinteger(L, mu->id);
        break;
    case MF_YEAR:
        lua_pushinteger(L, mu->own_year);
        break;
    case MF_SYNTHETIC:
        lua_pushboolean(L, mu->synthetic);
        break;
    case MF_METRICS:
        lua_createtable(L, 0, mu->nmetrics);                /* data */
        if (metrics_read(L, t ? t : "", t ? mu->len[f] : 0) < 0)   /* checked when made */
            metrics_error(L, kept(mu, MF_CODE), t ? t : "", t ? mu->len[f] : 0);
        trace_metrics(L);                                   /* dvk check: reads of absent ones */
        dvk_sandbox_push_view(L, -1);                       /* data view */
        lua_remove(L, -2);                                  /* view */
        break;
    case MF_UNIT: {
        const char *province = kept(mu, MF_PROVINCE);
        script_push_unit(L, script_units(L, province ? province : ""), t ? t : "");
        break;
    }
    default:
        if (t)
            lua_pushlstring(L, t, mu->len[f]);
        else
            lua_pushnil(L);
    }
}

/* Push row field f of the model at mi, moving it into its data table (at d) when it was
 * still kept as read. */
static void load_field(lua_State *L, int mi, int d, int f)
{
    model_ud *mu = lua_touserdata(L, mi);
    if (!(mu->pending & (1u << f))) {
        lua_getfield(L, d, ROW_FIELDS[f].key);
        return;
    }
    d = lua_absindex(L, d);
    push_row_field(L, mu, f);                               /* v */
    lua_pushvalue(L, -1);
    lua_setfield(L, d, ROW_FIELDS[f].key);                  /* v (d has no metatable) */
    mu->pending &= ~(1u << f);
}

/* The row field named k (MF_*), or -1. */
static int row_field(const char *k)
{
    for (int f = 0; f < MF_N; f++)
        if (k[0] == ROW_FIELDS[f].key[0] && strcmp(k, ROW_FIELDS[f].key) == 0)
            return f;
    return -1;
}

static int model_index(lua_State *L)
{
    model_ud *mu = lua_touserdata(L, 1);
    lua_getiuservalue(L, 1, 1);                             /* m k d */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 3) != LUA_TNIL)                       /* m k d v */
        return 1;
    lua_pop(L, 1);
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    int f = k && mu->pending ? row_field(k) : -1;
    if (f >= 0) {
        load_field(L, 1, 3, f);
        return 1;
    }
    if (k && (strcmp(k, "appraisal") == 0 || strcmp(k, "appraisals") == 0 ||
              strcmp(k, "history") == 0)) {
        load_lazy(L, 1, mu, 3, k);
        return 1;
    }
    if (k && is_model_key(k)) {
        lua_pushnil(L);
        return 1;
    }
    load_field(L, 1, 3, MF_CODE);
    return luaL_error(L, "model %s has no field '%s' (see docs/lua-api.md: the model object)",
                      lua_tostring(L, -1) ? lua_tostring(L, -1) : "?",
                      k ? k : luaL_typename(L, 2));
}

static int model_newindex(lua_State *L)
{
    return luaL_error(L, "model objects are read-only (assigning field '%s')",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

static int model_pairs(lua_State *L)
{
    model_ud *mu = lua_touserdata(L, 1);
    lua_getiuservalue(L, 1, 1);                             /* m d */
    for (int f = 0; f < MF_N; f++) {
        if (mu->pending & (1u << f)) {
            load_field(L, 1, 2, f);
            lua_pop(L, 1);
        }
    }
    static const char *const lazy[] = {"appraisal", "appraisals", "history", NULL};
    for (int i = 0; lazy[i]; i++) {
        if (lua_getfield(L, 2, lazy[i]) == LUA_TNIL)
            load_lazy(L, 1, mu, 2, lazy[i]);
        lua_pop(L, 1);
    }
    lua_getglobal(L, "pairs");                              /* m d pairs (sorted) */
    lua_pushvalue(L, 2);
    lua_call(L, 1, 3);
    return 3;
}

static int model_tostring(lua_State *L)
{
    lua_getiuservalue(L, 1, 1);                             /* m d */
    load_field(L, 1, 2, MF_CODE);                           /* m d code */
    lua_pushfstring(L, "model %s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    return 1;
}

/* The metamethods of model objects (one table per state, built on first use). */
static const luaL_Reg MODEL_META[] = {
    {"__index", model_index},
    {"__newindex", model_newindex},
    {"__pairs", model_pairs},
    {"__tostring", model_tostring},
    {NULL, NULL}
};

static void push_model_mt(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_MODEL_MT) != LUA_TNIL)
        return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 5);                               /* mt */
    luaL_setfuncs(L, MODEL_META, 0);
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");                     /* getmetatable(m) says so */
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_MODEL_MT);
}

/* Make the model object of the levels and data table on top (lv d, replaced by it), with
 * extra bytes after its struct for the kept texts; the struct is zeroed but for id, year and
 * level. */
static model_ud *wrap_model(lua_State *L, long long id, int year, const char *level,
                            size_t extra)
{
    model_ud *mu = lua_newuserdatauv(L, sizeof *mu + extra, 2);   /* lv d m */
    memset(mu, 0, sizeof *mu);
    mu->id = id;
    mu->year = year;
    size_t n = level ? strnlen(level, sizeof mu->level - 1) : 0;
    memcpy(mu->level, level ? level : "", n);               /* cut as snprintf would */
    mu->level[n] = '\0';
    lua_insert(L, -3);                                      /* m lv d */
    lua_setiuservalue(L, -3, 1);                            /* m lv */
    lua_setiuservalue(L, -2, 2);                            /* m */
    push_model_mt(L);
    lua_setmetatable(L, -2);
    return mu;
}

void script_wrap_model(lua_State *L, long long id, int year, const char *level)
{
    wrap_model(L, id, year, level, 0);
}

/* ------------------------------------------------------------------ tracing metrics */

static const char REG_TRACE = 'R';      /* metric name -> models that read it absent; absent:
                                           no tracing */

/* __index of a traced metrics table: an absent metric read (upvalue 1: the counts, 2: the
 * names this model has read absent already) counts once per model; the value stays nil. */
static int traced_index(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, lua_upvalueindex(2)) == LUA_TNIL) {
            lua_pushvalue(L, 2);
            lua_pushboolean(L, 1);
            lua_rawset(L, lua_upvalueindex(2));
            lua_pushvalue(L, 2);
            lua_pushvalue(L, 2);
            lua_Integer n = lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER
                          ? lua_tointeger(L, -1) : 0;
            lua_pop(L, 1);
            lua_pushinteger(L, n + 1);
            lua_rawset(L, lua_upvalueindex(1));
        }
    }
    lua_pushnil(L);
    return 1;
}

/* With tracing on, give the metrics data table on top a metatable whose __index counts the
 * absent metrics read (the read-only view looks misses up in it). */
static void trace_metrics(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_TRACE) != LUA_TTABLE) {   /* data counts|nil */
        lua_pop(L, 1);
        return;
    }
    lua_newtable(L);                                        /* data counts seen */
    lua_pushcclosure(L, traced_index, 2);                   /* data index */
    lua_createtable(L, 0, 1);                               /* data index mt */
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");                         /* data mt */
    lua_setmetatable(L, -2);                                /* data */
}

int dvk_script_trace_metrics(lua_State *L, int on)
{
    if (!lua_checkstack(L, 2))
        return DVK_ENOMEM;
    if (on)
        lua_newtable(L);
    else
        lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_TRACE);
    return DVK_OK;
}

int dvk_script_traced_metrics(lua_State *L, void (*each)(void *ud, const char *name,
                                                         long long models), void *ud)
{
    if (!lua_checkstack(L, 4))
        return DVK_ENOMEM;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_TRACE) != LUA_TTABLE) {
        lua_pop(L, 1);
        return DVK_OK;
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING)
            each(ud, lua_tostring(L, -2), (long long)lua_tointeger(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return DVK_OK;
}

/* Build the model object from the current row of st (DVK_SCRIPT_MODEL_COLS: 0 id, 1 code,
 * 2 name, 3 kind, 4 category, 5 field, 6 level, 7 year, 8 registration, 9 started_on,
 * 10 address, 11 description, 12 synthetic, 13 metrics, 14 unit, 15 province) and push it,
 * history relative to (year, level) (0/NULL: the model's own) ordered by the levels of
 * levels_of (NULL: the model's province). The row's values are kept as read (ROW_FIELDS);
 * its metrics text is checked now. Raises on errors. */
static void push_model_row(lua_State *L, sqlite3_stmt *st, int year, const char *level,
                           const char *levels_of)
{
    luaL_checkstack(L, 8, "model");
    /* the texts (reading a column as text can convert it: each column once, as text) */
    const char *t[MF_KEPT];
    size_t n[MF_KEPT], extra = 0;
    for (int f = 0; f < MF_KEPT; f++) {
        if (f == MF_ID || f == MF_YEAR || f == MF_SYNTHETIC) {
            t[f] = NULL;
            n[f] = 0;
            continue;
        }
        t[f] = (const char *)sqlite3_column_text(st, ROW_FIELDS[f].col);
        n[f] = t[f] ? (size_t)sqlite3_column_bytes(st, ROW_FIELDS[f].col) : 0;
        extra += t[f] ? n[f] + 1 : 0;
    }
    int nmetrics = metrics_read(NULL, t[MF_METRICS] ? t[MF_METRICS] : "", n[MF_METRICS]);
    if (nmetrics < 0)
        metrics_error(L, t[MF_CODE], t[MF_METRICS] ? t[MF_METRICS] : "", n[MF_METRICS]);
    if (extra > (size_t)0x7FFFFFFF)
        luaL_error(L, "model %s: too long", t[MF_CODE] ? t[MF_CODE] : "?");
    if (!levels_of)
        levels_of = t[MF_PROVINCE];
    /* the levels when this state knows them, else the code to find them by when needed */
    if (!script_push_levels(L, levels_of, 0)) {             /* lv */
        lua_pop(L, 1);
        if (levels_of)
            lua_pushstring(L, levels_of);
        else
            lua_pushnil(L);
    }
    lua_createtable(L, 0, 6);                               /* lv d */
    long long id = sqlite3_column_int64(st, 0);
    int own_year = sqlite3_column_int(st, 7);
    model_ud *mu = wrap_model(L, id, year ? year : own_year, level ? level : t[MF_LEVEL],
                              extra);                       /* m */
    mu->own_year = own_year;
    mu->synthetic = sqlite3_column_int(st, 12) != 0;
    mu->nmetrics = nmetrics;
    size_t off = 0;
    for (int f = 0; f < MF_KEPT; f++) {
        mu->off[f] = (unsigned)off;
        mu->len[f] = t[f] ? (unsigned)n[f] : MF_NULL;
        if (t[f]) {
            memcpy(mu->text + off, t[f], n[f]);
            mu->text[off + n[f]] = '\0';
            off += n[f] + 1;
        }
    }
    mu->pending = (1u << MF_N) - 1;
}

typedef struct model_args {
    sqlite3_stmt *st;      /* on the model's row; NULL: look models.id = id up */
    long long id;
    int year;
    const char *level;
    const char *levels_of; /* province whose levels order the history; NULL: the model's */
    int src;               /* the look-up's sqlite3_step result */
} model_args;

/* script_protect() body: push the model object of a (nil when the look-up found no row). */
static int p_model(lua_State *L)
{
    model_args *a = lua_touserdata(L, 1);
    sqlite3_stmt *st = a->st;
    if (!st) {
        st = script_cached(L, ST_MODEL);
        sqlite3_bind_int64(st, 1, a->id);
        if ((a->src = sqlite3_step(st)) != SQLITE_ROW) {
            sqlite3_reset(st);
            return 0;
        }
    }
    push_model_row(L, st, a->year, a->level, a->levels_of);
    if (!a->st)
        sqlite3_reset(st);
    return 1;
}

int dvk_script_push_model_row(lua_State *L, sqlite3_stmt *st, int year, const char *level,
                              dvk_error *err)
{
    model_args a = {st, 0, year, level, NULL, SQLITE_ROW};
    return script_protect(L, p_model, &a, 0, 1, "building a model object", err);
}

int dvk_script_push_model(lua_State *L, const dvk_province *p, long long model_id,
                          const dvk_script_ctx *c, dvk_error *err)
{
    if (!dvk_sandbox_store(L))
        return dvk_error_set(err, DVK_EUSAGE, "model objects need a database");
    model_args a = {NULL, model_id, c ? c->year : 0, c ? c->level : NULL, p ? p->code : NULL,
                    SQLITE_ROW};
    int rc = script_protect(L, p_model, &a, 0, 1, "building a model object", err);
    if (rc != DVK_OK || a.src == SQLITE_ROW)
        return rc;
    lua_pop(L, 1);                                          /* nil */
    if (a.src == SQLITE_DONE)
        return dvk_error_set(err, DVK_EDATA, "no model with id %lld", model_id);
    return dvk_store_fail(dvk_sandbox_store(L), a.src, err, "reading a model");
}
