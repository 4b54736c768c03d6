/* province.c: a province's description: loading scripts/provinces/<code>.lua in the sandbox,
 * validating the table it returns (dvk.province{...}) key by key into a dvk_province with
 * messages that name the file and line, look-ups by id, report functions, and the sync of
 * declared fields into the store. */
#include "script_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/buf.h"
#include "dvk/sandbox.h"

/* ------------------------------------------------------------------ loading and checking */

typedef struct checker {
    lua_State *L;
    const char *file;      /* "scripts/provinces/x.lua" */
    int line;              /* line of the dvk.province call */
    dvk_error *err;
} checker;

static int fail(checker *k, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(checker *k, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dvk_error_set(k->err, DVK_EDATA, "%s:%d: %s", k->file, line > 0 ? line : k->line, msg);
}

/* Line where the function at idx is defined (0 when not a Lua function). */
static int fn_line(lua_State *L, int idx)
{
    lua_Debug ar;
    if (!lua_isfunction(L, idx))
        return 0;
    lua_pushvalue(L, idx);
    if (!lua_getinfo(L, ">S", &ar))                         /* pops the function */
        return 0;
    return ar.linedefined > 0 ? ar.linedefined : 0;
}

/* Check the keys of the table at idx against allowed (NULL-terminated). */
static int check_keys(checker *k, int idx, const char *what, const char *const *allowed,
                      int line)
{
    lua_State *L = k->L;
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            return fail(k, line, "%s: keys must be names (found a %s key)", what,
                        luaL_typename(L, -1));
        }
        const char *key = lua_tostring(L, -1);
        int ok = 0;
        for (int i = 0; allowed[i]; i++)
            ok |= strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char found[128];
            snprintf(found, sizeof found, "%s", key);
            lua_pop(L, 1);
            dvk_buf list = DVK_BUF_INIT;
            for (int i = 0; allowed[i]; i++) {
                dvk_buf_adds(&list, i ? ", " : "");
                dvk_buf_adds(&list, allowed[i]);
            }
            int rc = list.oom ? dvk_error_set(k->err, DVK_ENOMEM, "out of memory")
                              : fail(k, line, "%s: unknown key '%s' (known: %s)", what, found,
                                     dvk_buf_str(&list));
            dvk_buf_free(&list);
            return rc;
        }
    }
    return DVK_OK;
}

/* Get string field key of table idx into a malloc'd copy; required or optional. */
static int get_string(checker *k, int idx, const char *key, const char *what, int required,
                      char **out, int line)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    *out = NULL;
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return required ? fail(k, line, "%s: '%s' is missing", what, key) : DVK_OK;
    }
    if (t != LUA_TSTRING) {
        lua_pop(L, 1);
        return fail(k, line, "%s: '%s' must be a string (found %s)", what, key, lua_typename(L, t));
    }
    *out = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return *out ? DVK_OK : dvk_error_set(k->err, DVK_ENOMEM, "out of memory");
}

static int valid_id(const char *s)
{
    if (!*s || strlen(s) >= DVK_SCRIPT_ID_MAX)
        return 0;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

/* Length of the array at field key (must be a table with 1..n), pushing it; -1 on error. */
static int get_list(checker *k, int idx, const char *key, int required, int line)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNIL && !required) {
        lua_pop(L, 1);
        lua_newtable(L);
        return 0;
    }
    if (t != LUA_TTABLE) {
        lua_pop(L, 1);
        fail(k, line, "'%s' must be a list {...} (found %s)", key, lua_typename(L, t));
        return -1;
    }
    int n = (int)luaL_len(L, -1);
    int count = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        count++;
    }
    if (count != n) {
        lua_pop(L, 1);
        fail(k, line, "'%s' must be a list {...} without holes or named keys", key);
        return -1;
    }
    return n;
}

static int check_fn(checker *k, int idx, const char *key, int required, const char *what,
                    int *ref, int *line, int fline)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    *ref = LUA_NOREF;
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return required ? fail(k, fline, "%s: '%s' function is missing", what, key) : DVK_OK;
    }
    if (t != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return fail(k, fline, "%s: '%s' must be a function (found %s)", what, key,
                    lua_typename(L, t));
    }
    if (line)
        *line = fn_line(L, -1);
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return DVK_OK;
}

static int check_number(checker *k, int idx, const char *key, const char *what, int required,
                        double *out, int *present, int line)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    if (present)
        *present = t != LUA_TNIL;
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return required ? fail(k, line, "%s: '%s' is missing", what, key) : DVK_OK;
    }
    if (t != LUA_TNUMBER || isnan(lua_tonumber(L, -1))) {
        lua_pop(L, 1);
        return fail(k, line, "%s: '%s' must be a number (found %s)", what, key, lua_typename(L, t));
    }
    *out = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return DVK_OK;
}

static int check_bool(checker *k, int idx, const char *key, const char *what, int dflt,
                      int *out, int line)
{
    lua_State *L = k->L;
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNIL)
        *out = dflt;
    else if (t == LUA_TBOOLEAN)
        *out = lua_toboolean(L, -1);
    else {
        lua_pop(L, 1);
        return fail(k, line, "%s: '%s' must be true or false (found %s)", what, key,
                    lua_typename(L, t));
    }
    lua_pop(L, 1);
    return DVK_OK;
}

void dvk_province_free(lua_State *L, dvk_province *p)
{
    if (!p)
        return;
    free(p->code);
    free(p->name);
    free(p->basis);
    free(p->path);
    for (int i = 0; i < p->nlevels; i++)
        free(p->levels[i]);
    free(p->levels);
    for (int i = 0; i < p->nfields; i++) {
        free(p->fields[i].id);
        free(p->fields[i].name);
    }
    free(p->fields);
    for (int i = 0; i < p->ngates; i++) {
        free(p->gates[i].id);
        free(p->gates[i].name);
        if (L) {
            luaL_unref(L, LUA_REGISTRYINDEX, p->gates[i].test_ref);
            luaL_unref(L, LUA_REGISTRYINDEX, p->gates[i].applies_ref);
        }
    }
    free(p->gates);
    for (int i = 0; i < p->ncriteria; i++) {
        free(p->criteria[i].id);
        free(p->criteria[i].name);
        if (L) {
            luaL_unref(L, LUA_REGISTRYINDEX, p->criteria[i].score_ref);
            luaL_unref(L, LUA_REGISTRYINDEX, p->criteria[i].applies_ref);
        }
    }
    free(p->criteria);
    for (int i = 0; i < p->noutcomes; i++) {
        free(p->outcomes[i].id);
        free(p->outcomes[i].name);
    }
    free(p->outcomes);
    for (int i = 0; i < p->nquotas; i++) {
        free(p->quotas[i].level);
        free(p->quotas[i].outcome);
        free(p->quotas[i].tiebreak);
    }
    free(p->quotas);
    for (int i = 0; i < p->nreports; i++)
        free(p->reports[i]);
    free(p->reports);
    if (L)
        luaL_unref(L, LUA_REGISTRYINDEX, p->ref);
    free(p);
}

int dvk_province_level(const dvk_province *p, const char *level)
{
    for (int i = 0; level && i < p->nlevels; i++)
        if (strcmp(p->levels[i], level) == 0)
            return i;
    return -1;
}

int dvk_province_outcome(const dvk_province *p, const char *id)
{
    for (int i = 0; id && i < p->noutcomes; i++)
        if (strcmp(p->outcomes[i].id, id) == 0)
            return i;
    return -1;
}

int dvk_province_criterion(const dvk_province *p, const char *id)
{
    for (int i = 0; id && i < p->ncriteria; i++)
        if (strcmp(p->criteria[i].id, id) == 0)
            return i;
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One of names (NULL-terminated) as the string field key of the table at idx: its index in
 * *out, or dflt when absent. */
static int check_choice(checker *k, int idx, const char *key, const char *what,
                        const char *const *names, int dflt, int *out, int line)
{
    char *v = NULL;
    int rc = get_string(k, idx, key, what, 0, &v, line);
    *out = dflt;
    if (rc || !v)
        return rc;
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            free(v);
            return DVK_OK;
        }
    dvk_buf list = DVK_BUF_INIT;
    for (int i = 0; names[i]; i++)
        dvk_buf_printf(&list, "%s\"%s\"", i ? ", " : "", names[i]);
    rc = list.oom ? dvk_error_set(k->err, DVK_ENOMEM, "out of memory")
                  : fail(k, line, "%s: '%s' must be one of %s (found \"%s\")", what, key,
                         dvk_buf_str(&list), v);
    dvk_buf_free(&list);
    free(v);
    return rc;
}

/* council = {combine = "mean"|"median"|"trimmed", min_members = N, below = "error"|
 * "ineligible", recusal = "unit"|"none"} (docs/lua-api.md, "The council"). */
static int check_council(checker *k, int d, dvk_province *p)
{
    lua_State *L = k->L;
    static const char *const COMBINE[] = {"mean", "median", "trimmed", NULL};
    static const char *const BELOW[] = {"error", "ineligible", NULL};
    static const char *const RECUSAL[] = {"unit", "none", NULL};
    static const char *const keys[] = {"combine", "min_members", "below", "recusal", NULL};
    memset(&p->council, 0, sizeof p->council);
    int t = lua_getfield(L, d, "council");
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return DVK_OK;
    }
    if (t != LUA_TTABLE) {
        lua_pop(L, 1);
        return fail(k, 0, "council: must be a table {combine, min_members, below, recusal} "
                    "(found %s)", lua_typename(L, t));
    }
    int rc, present = 0;
    double mm = 0;
    if ((rc = check_keys(k, -1, "council", keys, 0)) ||
        (rc = check_choice(k, -1, "combine", "council", COMBINE, DVK_COMBINE_MEAN,
                           &p->council.combine, 0)) ||
        (rc = check_choice(k, -1, "below", "council", BELOW, DVK_BELOW_ERROR,
                           &p->council.below, 0)) ||
        (rc = check_choice(k, -1, "recusal", "council", RECUSAL, DVK_RECUSAL_UNIT,
                           &p->council.recusal, 0)) ||
        (rc = check_number(k, -1, "min_members", "council", 0, &mm, &present, 0))) {
        lua_pop(L, 1);
        return rc;
    }
    lua_pop(L, 1);
    if (present && !(mm >= 1 && mm <= 1000 && mm == floor(mm)))
        return fail(k, 0, "council: min_members must be a whole number from 1 to 1000 (found %g)",
                    mm);
    p->council.min_members = present ? (int)mm : 0;
    int any = 0;
    for (int i = 0; i < p->ncriteria; i++)
        any |= p->criteria[i].council;
    if (present && !any)
        return fail(k, 0, "council: min_members is set but no criterion has council = true "
                    "(mark the criteria the council scores)");
    return DVK_OK;
}

/* The checks, on the description at index d. */
static int check_description(checker *k, int d, dvk_province *p)
{
    lua_State *L = k->L;
    int rc;
    static const char *const top_keys[] = {"code", "name", "basis", "levels", "fields", "cutoff",
        "gates", "criteria", "outcomes", "quotas", "decision", "reports", "scale_to", "council",
        NULL};
    if ((rc = check_keys(k, d, "dvk.province", top_keys, 0)))
        return rc;
    if ((rc = get_string(k, d, "code", "dvk.province", 1, &p->code, 0)) ||
        (rc = get_string(k, d, "name", "dvk.province", 1, &p->name, 0)) ||
        (rc = get_string(k, d, "basis", "dvk.province", 0, &p->basis, 0)))
        return rc;
    if (!p->basis && !(p->basis = strdup("")))
        return dvk_error_set(k->err, DVK_ENOMEM, "out of memory");
    char *cutoff = NULL;
    if ((rc = get_string(k, d, "cutoff", "dvk.province", 0, &cutoff, 0)))
        return rc;
    snprintf(p->cutoff, sizeof p->cutoff, "12-31");
    if (cutoff) {
        int ok = strlen(cutoff) == 5 && cutoff[2] == '-' && isdigit((unsigned char)cutoff[0]) &&
                 isdigit((unsigned char)cutoff[1]) && isdigit((unsigned char)cutoff[3]) &&
                 isdigit((unsigned char)cutoff[4]);
        int mm = ok ? atoi(cutoff) : 0, dd = ok ? atoi(cutoff + 3) : 0;
        if (!ok || mm < 1 || mm > 12 || dd < 1 || dd > 31) {
            rc = fail(k, 0, "dvk.province: cutoff must be \"MM-DD\" (found \"%s\")", cutoff);
            free(cutoff);
            return rc;
        }
        snprintf(p->cutoff, sizeof p->cutoff, "%s", cutoff);
        free(cutoff);
    }
    int present = 0;
    if ((rc = check_number(k, d, "scale_to", "dvk.province", 0, &p->scale_to, &present, 0)))
        return rc;
    if (present && !(p->scale_to > 0))
        return fail(k, 0, "dvk.province: scale_to must be > 0 (found %g)", p->scale_to);

    /* levels */
    int n = get_list(k, d, "levels", 1, 0);
    if (n < 0)
        return k->err->code;
    if (n == 0) {
        lua_pop(L, 1);
        return fail(k, 0, "levels: at least one level is needed");
    }
    p->levels = calloc((size_t)n, sizeof *p->levels);
    if (!p->levels) {
        lua_pop(L, 1);
        return dvk_error_set(k->err, DVK_ENOMEM, "out of memory");
    }
    /* The province names its own levels, lowest first: an id each, no repeats. */
    for (int i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        const char *lv = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (!lv || !valid_id(lv)) {
            rc = fail(k, 0, "levels[%d]: must be a level id using a-z, 0-9, '-' or '_' "
                            "(found %s)", i, lv ? lv : luaL_typename(L, -1));
            lua_pop(L, 2);
            return rc;
        }
        if (dvk_province_level(p, lv) >= 0) {
            rc = fail(k, 0, "levels[%d]: '%s' is repeated (each level once, lowest first)", i,
                      lv);
            lua_pop(L, 2);
            return rc;
        }
        if (!(p->levels[p->nlevels] = strdup(lv))) {
            lua_pop(L, 2);
            return dvk_error_set(k->err, DVK_ENOMEM, "out of memory");
        }
        p->nlevels++;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* fields */
    if ((n = get_list(k, d, "fields", 0, 0)) < 0)
        return k->err->code;
    p->fields = calloc((size_t)n + 1, sizeof *p->fields);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "fields[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {id = ..., name = ...}", what);
        }
        static const char *const fkeys[] = {"id", "name", NULL};
        dvk_field *f = &p->fields[p->nfields];
        if ((rc = check_keys(k, -1, what, fkeys, 0)) ||
            (rc = get_string(k, -1, "id", what, 1, &f->id, 0)) ||
            (p->nfields++, rc = get_string(k, -1, "name", what, 1, &f->name, 0))) {
            lua_pop(L, 2);
            return rc;
        }
        if (!valid_id(f->id)) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: id '%s' must use a-z, 0-9, '-' or '_'", what, f->id);
        }
        for (int j = 0; j < p->nfields - 1; j++)
            if (strcmp(p->fields[j].id, f->id) == 0) {
                lua_pop(L, 2);
                return fail(k, 0, "%s: duplicate id '%s'", what, f->id);
            }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* gates */
    if ((n = get_list(k, d, "gates", 0, 0)) < 0)
        return k->err->code;
    p->gates = calloc((size_t)n + 1, sizeof *p->gates);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "gates[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {id, name, test = function}", what);
        }
        static const char *const gkeys[] = {"id", "name", "test", "applies", NULL};
        dvk_gate *g = &p->gates[p->ngates++];
        g->test_ref = g->applies_ref = LUA_NOREF;
        lua_getfield(L, -1, "test");
        int gl = fn_line(L, -1);
        lua_pop(L, 1);
        if ((rc = check_keys(k, -1, what, gkeys, gl)) ||
            (rc = get_string(k, -1, "id", what, 1, &g->id, gl)) ||
            (rc = get_string(k, -1, "name", what, 1, &g->name, gl)) ||
            (rc = check_fn(k, -1, "test", 1, what, &g->test_ref, &g->line, gl)) ||
            (rc = check_fn(k, -1, "applies", 0, what, &g->applies_ref, NULL, gl))) {
            lua_pop(L, 2);
            return rc;
        }
        if (!valid_id(g->id)) {
            lua_pop(L, 2);
            return fail(k, gl, "%s: id '%s' must use a-z, 0-9, '-' or '_'", what, g->id);
        }
        for (int j = 0; j < p->ngates - 1; j++)
            if (strcmp(p->gates[j].id, g->id) == 0) {
                lua_pop(L, 2);
                return fail(k, gl, "%s: duplicate id '%s'", what, g->id);
            }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* criteria */
    if ((n = get_list(k, d, "criteria", 1, 0)) < 0)
        return k->err->code;
    p->criteria = calloc((size_t)n + 1, sizeof *p->criteria);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "criteria[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {id, name, max, score = function}", what);
        }
        static const char *const ckeys[] = {"id", "name", "max", "score", "applies", "council",
                                            NULL};
        dvk_criterion *c = &p->criteria[p->ncriteria++];
        c->score_ref = c->applies_ref = LUA_NOREF;
        lua_getfield(L, -1, "score");
        int cl = fn_line(L, -1);
        lua_pop(L, 1);
        if ((rc = check_keys(k, -1, what, ckeys, cl)) ||
            (rc = get_string(k, -1, "id", what, 1, &c->id, cl)) ||
            (rc = get_string(k, -1, "name", what, 1, &c->name, cl)) ||
            (rc = check_number(k, -1, "max", what, 1, &c->max, NULL, cl)) ||
            (rc = check_fn(k, -1, "score", 1, what, &c->score_ref, &c->line, cl)) ||
            (rc = check_fn(k, -1, "applies", 0, what, &c->applies_ref, NULL, cl)) ||
            (rc = check_bool(k, -1, "council", what, 0, &c->council, cl))) {
            lua_pop(L, 2);
            return rc;
        }
        if (!valid_id(c->id)) {
            lua_pop(L, 2);
            return fail(k, cl, "%s: id '%s' must use a-z, 0-9, '-' or '_'", what, c->id);
        }
        if (!(c->max > 0) || isinf(c->max)) {
            lua_pop(L, 2);
            return fail(k, cl, "%s: max must be > 0 (found %g)", what, c->max);
        }
        for (int j = 0; j < p->ncriteria - 1; j++)
            if (strcmp(p->criteria[j].id, c->id) == 0) {
                lua_pop(L, 2);
                return fail(k, cl, "%s: duplicate id '%s'", what, c->id);
            }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (p->ncriteria == 0)
        return fail(k, 0, "criteria: at least one criterion is needed");
    if ((rc = check_council(k, d, p)))
        return rc;

    /* outcomes */
    if ((n = get_list(k, d, "outcomes", 1, 0)) < 0)
        return k->err->code;
    if (n == 0) {
        lua_pop(L, 1);
        return fail(k, 0, "outcomes: at least one outcome (the catch-all) is needed");
    }
    if (n > 32) {
        lua_pop(L, 1);
        return fail(k, 0, "outcomes: at most 32 outcomes (found %d)", n);
    }
    p->outcomes = calloc((size_t)n, sizeof *p->outcomes);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "outcomes[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {id, name, min, ...}", what);
        }
        static const char *const okeys[] = {"id", "name", "min", "propose", "exemplary",
                                            "recognised", NULL};
        dvk_outcome *o = &p->outcomes[p->noutcomes++];
        int last = i == n;
        if ((rc = check_keys(k, -1, what, okeys, 0)) ||
            (rc = get_string(k, -1, "id", what, 1, &o->id, 0)) ||
            (rc = get_string(k, -1, "name", what, 1, &o->name, 0)) ||
            (rc = check_number(k, -1, "min", what, 0, &o->min, &o->has_min, 0)) ||
            (rc = check_bool(k, -1, "propose", what, 0, &o->propose, 0)) ||
            (rc = check_bool(k, -1, "exemplary", what, 0, &o->exemplary, 0)) ||
            (rc = check_bool(k, -1, "recognised", what, !last, &o->recognised, 0))) {
            lua_pop(L, 2);
            return rc;
        }
        lua_pop(L, 1);
        if (!valid_id(o->id)) {
            lua_pop(L, 1);
            return fail(k, 0, "%s: id '%s' must use a-z, 0-9, '-' or '_'", what, o->id);
        }
        for (int j = 0; j < p->noutcomes - 1; j++)
            if (strcmp(p->outcomes[j].id, o->id) == 0) {
                lua_pop(L, 1);
                return fail(k, 0, "%s: duplicate id '%s'", what, o->id);
            }
        if (!last && !o->has_min) {
            lua_pop(L, 1);
            return fail(k, 0, "%s: '%s' needs a min (only the last outcome, the catch-all, "
                              "has none)", what, o->id);
        }
        if (last && o->has_min) {
            lua_pop(L, 1);
            return fail(k, 0, "%s: the last outcome '%s' is the catch-all and must not have a "
                              "min (add a last outcome without min)", what, o->id);
        }
        if (i > 1 && o->has_min && !(o->min < p->outcomes[i - 2].min)) {
            lua_pop(L, 1);
            return fail(k, 0, "%s: thresholds out of order: min %g of '%s' must be below %g "
                              "of '%s' (first match wins, best first)", what, o->min, o->id,
                        p->outcomes[i - 2].min, p->outcomes[i - 2].id);
        }
    }
    lua_pop(L, 1);

    /* quotas */
    if ((n = get_list(k, d, "quotas", 0, 0)) < 0)
        return k->err->code;
    p->quotas = calloc((size_t)n + 1, sizeof *p->quotas);
    for (int i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "quotas[%d]", i);
        if (lua_geti(L, -1, i) != LUA_TTABLE) {
            lua_pop(L, 2);
            return fail(k, 0, "%s: must be a table {level, outcome, max, ...}", what);
        }
        static const char *const qkeys[] = {"level", "outcome", "max", "per", "tiebreak", NULL};
        dvk_quota *q = &p->quotas[p->nquotas++];
        double mx = 0;
        char *per = NULL;
        if ((rc = check_keys(k, -1, what, qkeys, 0)) ||
            (rc = get_string(k, -1, "level", what, 1, &q->level, 0)) ||
            (rc = get_string(k, -1, "outcome", what, 1, &q->outcome, 0)) ||
            (rc = check_number(k, -1, "max", what, 1, &mx, NULL, 0)) ||
            (rc = get_string(k, -1, "per", what, 0, &per, 0))) {
            lua_pop(L, 2);
            return rc;
        }
        if (dvk_province_level(p, q->level) < 0) {
            lua_pop(L, 2);
            free(per);
            return fail(k, 0, "%s: unknown level '%s'", what, q->level);
        }
        q->outcome_index = dvk_province_outcome(p, q->outcome);
        if (q->outcome_index < 0) {
            lua_pop(L, 2);
            free(per);
            return fail(k, 0, "%s: unknown outcome '%s'", what, q->outcome);
        }
        if (q->outcome_index == p->noutcomes - 1) {
            lua_pop(L, 2);
            free(per);
            return fail(k, 0, "%s: the catch-all '%s' cannot have a quota (nothing to demote "
                              "to)", what, q->outcome);
        }
        if (!(mx >= 0) || mx != floor(mx) || mx > 1e12) {
            lua_pop(L, 2);
            free(per);
            return fail(k, 0, "%s: max must be a whole number >= 0 (found %g)", what, mx);
        }
        q->max = (long long)mx;
        if (per && strcmp(per, "unit") != 0) {
            rc = fail(k, 0, "%s: per must be \"unit\" or absent (found \"%s\")", what, per);
            free(per);
            lua_pop(L, 2);
            return rc;
        }
        q->per_unit = per != NULL;
        free(per);
        int tn = get_list(k, -1, "tiebreak", 0, 0);
        if (tn < 0) {
            lua_pop(L, 2);
            return k->err->code;
        }
        q->tiebreak = calloc((size_t)tn + 1, sizeof *q->tiebreak);
        for (int j = 1; j <= tn; j++) {
            lua_geti(L, -1, j);
            const char *cid = lua_tostring(L, -1);
            int ci = lua_type(L, -1) == LUA_TSTRING ? dvk_province_criterion(p, cid) : -1;
            if (ci < 0) {
                rc = fail(k, 0, "%s: tiebreak[%d]: unknown criterion '%s'", what, j,
                          cid ? cid : "?");
                lua_pop(L, 4);
                return rc;
            }
            q->tiebreak[q->ntiebreak++] = ci;
            lua_pop(L, 1);
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 1);

    /* decision: a free table */
    int t = lua_getfield(L, d, "decision");
    lua_pop(L, 1);
    if (t != LUA_TNIL && t != LUA_TTABLE)
        return fail(k, 0, "decision: must be a table (found %s)", lua_typename(L, t));

    /* reports */
    t = lua_getfield(L, d, "reports");
    if (t != LUA_TNIL && t != LUA_TTABLE) {
        lua_pop(L, 1);
        return fail(k, 0, "reports: must be a table {name = function(run, doc) ... end}");
    }
    if (t == LUA_TTABLE) {
        int cap = 8;
        p->reports = calloc((size_t)cap, sizeof *p->reports);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TFUNCTION) {
                lua_pop(L, 3);
                return fail(k, 0, "reports: each entry must be name = function(run, doc)");
            }
            if (p->nreports == cap) {
                cap *= 2;
                char **nr = realloc(p->reports, (size_t)cap * sizeof *nr);
                if (!nr) {
                    lua_pop(L, 3);
                    return dvk_error_set(k->err, DVK_ENOMEM, "out of memory");
                }
                p->reports = nr;
            }
            p->reports[p->nreports++] = strdup(lua_tostring(L, -2));
            lua_pop(L, 1);
        }
        qsort(p->reports, (size_t)p->nreports, sizeof *p->reports, cmp_str);
    }
    lua_pop(L, 1);
    return DVK_OK;
}

typedef struct check_args {
    checker k;
    dvk_province *p;
    int rc;
} check_args;

/* script_protect() body of dvk_script_check: the description is argument 2. */
static int p_check(lua_State *L)
{
    check_args *a = lua_touserdata(L, 1);
    if (!lua_istable(L, 2) || !dvk_sandbox_marked(L, 2, "province", &a->k.line)) {
        a->rc = dvk_error_set(a->k.err, DVK_EDATA, "%s:1: the file must return "
                              "dvk.province{...} (it returned %s)", a->k.file,
                              luaL_typename(L, 2));
        return 0;
    }
    if ((a->rc = check_description(&a->k, 2, a->p)) != DVK_OK)
        return 0;
    /* keep a read-only view of the description, and the order of its levels */
    dvk_sandbox_push_readonly(L, 2);
    a->p->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    script_set_levels(L, a->p);
    return 0;
}

dvk_province *dvk_script_check(lua_State *L, const char *chunkname, dvk_error *err)
{
    dvk_province *p = calloc(1, sizeof *p);
    const char *file = chunkname[0] == '@' || chunkname[0] == '=' ? chunkname + 1 : chunkname;
    if (!p || !(p->path = strdup(file))) {
        lua_pop(L, 1);
        free(p);
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        return NULL;
    }
    p->ref = LUA_NOREF;
    char what[300];
    snprintf(what, sizeof what, "checking %s", file);
    check_args a = {{L, p->path, 0, err}, p, DVK_OK};
    if (script_protect(L, p_check, &a, 1, 0, what, err) != DVK_OK || a.rc != DVK_OK) {
        dvk_province_free(L, p);
        return NULL;
    }
    return p;
}

static int valid_code(const char *code)
{
    if (!*code || strlen(code) > 64)
        return 0;
    for (const char *c = code; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
            return 0;
    return 1;
}

dvk_province *dvk_script_load(lua_State *L, const char *code, dvk_error *err)
{
    if (!code || !valid_code(code)) {
        dvk_error_set(err, DVK_EUSAGE, "'%s' is not a province code (letters a-z, digits, '-')",
                      code ? code : "");
        return NULL;
    }
    char rel[128], chunk[160];
    snprintf(rel, sizeof rel, "provinces/%s.lua", code);
    snprintf(chunk, sizeof chunk, "@scripts/%s", rel);
    if (dvk_sandbox_dofile(L, rel, 1, err) != DVK_OK)
        return NULL;
    dvk_province *p = dvk_script_check(L, chunk, err);
    if (p && strcmp(p->code, code) != 0) {
        dvk_error_set(err, DVK_EDATA, "scripts/%s:1: code '%s' does not match the file name "
                                      "(expected '%s')", rel, p->code, code);
        dvk_province_free(L, p);
        return NULL;
    }
    return p;
}

int dvk_script_report(lua_State *L, const dvk_province *p, const char *name)
{
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref);              /* d */
    if (lua_getfield(L, -1, "reports") == LUA_TNIL ||       /* d reports */
        lua_getfield(L, -1, name) != LUA_TFUNCTION) {       /* d reports fn */
        lua_settop(L, top);
        return 0;
    }
    lua_replace(L, top + 1);                                /* fn reports */
    lua_settop(L, top + 1);                                 /* fn */
    return 1;
}

void dvk_script_push_province(lua_State *L, const dvk_province *p)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref);
}

/* ------------------------------------------------------------------ fields sync */

static int is_province_file(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '_' || name[0] == '.' || n < 5 || strcmp(name + n - 4, ".lua") != 0)
        return 0;
    if (n >= 9 && strcmp(name + n - 9, "_test.lua") == 0)
        return 0;
    return 1;
}

char **script_list_dir(const char *dir, int (*keep)(const char *), int *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    int cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!keep(e->d_name))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nv = realloc(v, (size_t)cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (v)
        qsort(v, (size_t)*n, sizeof *v, cmp_str);
    return v;
}

void script_free_names(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int dvk_script_sync_fields(dvk_store *store, const char *scripts_dir, dvk_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/provinces", scripts_dir);
    int n = 0, rc = DVK_OK;
    char **names = script_list_dir(dir, is_province_file, &n);
    sqlite3_stmt *st = NULL;
    int in_tx = 0;
    if (n == 0)
        goto done;
    st = dvk_store_prepare(store, "INSERT INTO fields(province, id, name) VALUES (?1, ?2, ?3)"
                                  " ON CONFLICT(province, id) DO UPDATE SET name = excluded.name",
                           err);
    if (!st) {
        rc = err->code;
        goto done;
    }
    if ((rc = dvk_store_begin(store, err)) != DVK_OK)
        goto done;
    in_tx = 1;
    for (int i = 0; i < n && rc == DVK_OK; i++) {
        char code[256];
        snprintf(code, sizeof code, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
        lua_State *L = dvk_sandbox_new(store, scripts_dir, NULL, err);
        if (!L) {
            rc = err->code;
            break;
        }
        dvk_province *p = dvk_script_load(L, code, err);
        if (!p)
            rc = err->code;
        for (int f = 0; p && f < p->nfields && rc == DVK_OK; f++) {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, p->code, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, p->fields[f].id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, p->fields[f].name, -1, SQLITE_TRANSIENT);
            int src = sqlite3_step(st);
            if (src != SQLITE_DONE)
                rc = dvk_store_fail(store, src, err, "saving a province's fields");
        }
        dvk_province_free(L, p);
        dvk_sandbox_free(L);
    }
    if (rc == DVK_OK) {
        rc = dvk_store_commit(store, err);
        in_tx = 0;
    }
done:
    if (in_tx)
        dvk_store_rollback(store);
    sqlite3_finalize(st);
    script_free_names(names, n);
    return rc == DVK_OK ? n : -1;
}


/* The levels a model may be stored at (the models.level CHECK of the schema, store.c): the
 * levels of a province that has no script of its own. */
static const char *const STORE_LEVELS[] = {"co-so", "huyen", "tinh", NULL};

int dvk_script_levels(void *scripts_dir, const char *code, char ***levels, int *n, dvk_error *err)
{
    const char *dir = scripts_dir;
    char path[4096];
    int scripted = code[0] != '\0' && strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(code);
    snprintf(path, sizeof path, "%s/provinces/%s.lua", dir, code);
    FILE *f = scripted ? fopen(path, "rb") : NULL;
    if (f)
        fclose(f);
    lua_State *L = NULL;
    dvk_province *p = NULL;
    if (f && (!(L = dvk_sandbox_new(NULL, dir, NULL, err)) || !(p = dvk_script_load(L, code, err)))) {
        dvk_sandbox_free(L);
        return err->code;
    }
    int count = 0;
    while (p ? count < p->nlevels : STORE_LEVELS[count] != NULL)
        count++;
    char **v = calloc((size_t)count + 1, sizeof *v);
    int rc = v ? DVK_OK : dvk_error_set(err, DVK_ENOMEM, "out of memory");
    for (int i = 0; i < count && rc == DVK_OK; i++)
        if (!(v[i] = strdup(p ? p->levels[i] : STORE_LEVELS[i])))
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    if (rc) {
        for (int i = 0; v && i < count; i++)
            free(v[i]);
        free(v);
        return rc;
    }
    *levels = v;
    *n = count;
    return DVK_OK;
}

int dvk_script_criteria(void *scripts_dir, const char *code, char ***ids, double **max, int *n,
                        dvk_error *err)
{
    const char *dir = scripts_dir;
    char path[4096];
    int scripted = code[0] != '\0' && strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(code);
    *ids = NULL;
    *max = NULL;
    *n = 0;
    snprintf(path, sizeof path, "%s/provinces/%s.lua", dir, code);
    FILE *f = scripted ? fopen(path, "rb") : NULL;
    if (!f)
        return DVK_OK;   /* no script: no criteria to check against */
    fclose(f);
    lua_State *L = NULL;
    dvk_province *p = NULL;
    if (!(L = dvk_sandbox_new(NULL, dir, NULL, err)) || !(p = dvk_script_load(L, code, err))) {
        dvk_sandbox_free(L);
        return err->code;
    }
    int count = p->ncriteria;
    char **v = calloc((size_t)count + 1, sizeof *v);
    double *m = calloc((size_t)count + 1, sizeof *m);
    int rc = v && m ? DVK_OK : dvk_error_set(err, DVK_ENOMEM, "out of memory");
    for (int i = 0; i < count && rc == DVK_OK; i++) {
        m[i] = p->criteria[i].max;
        if (!(v[i] = strdup(p->criteria[i].id)))
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    if (rc) {
        for (int i = 0; v && i < count; i++)
            free(v[i]);
        free(v);
        free(m);
        return rc;
    }
    *ids = v;
    *max = m;
    *n = count;
    return DVK_OK;
}

int dvk_script_recusal(void *scripts_dir, const char *code, int *recusal, dvk_error *err)
{
    const char *dir = scripts_dir;
    char path[4096];
    int scripted = code[0] != '\0' && strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(code);
    *recusal = 0;
    snprintf(path, sizeof path, "%s/provinces/%s.lua", dir, code);
    FILE *f = scripted ? fopen(path, "rb") : NULL;
    if (!f)
        return DVK_OK;   /* no script: recusal by unit */
    fclose(f);
    lua_State *L = NULL;
    dvk_province *p = NULL;
    if (!(L = dvk_sandbox_new(NULL, dir, NULL, err)) || !(p = dvk_script_load(L, code, err))) {
        dvk_sandbox_free(L);
        return err->code;
    }
    *recusal = p->council.recusal == DVK_RECUSAL_NONE;
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    return DVK_OK;
}
