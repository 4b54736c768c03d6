/* test.c: the province script tests (`dvk test`): each <code>_test.lua returns
 * dvk.test{province, year, level, units, cases}; every case's fixture model is evaluated
 * without a database by the province's description and its expectations (outcome, total,
 * points, gate, reason, flags) compared, one line per mismatch. With coverage (`dvk test
 * --coverage`), the lines the cases ran and the parts of the description they reached are
 * counted (include/dvk/coverage.h). */
#include "script_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/buf.h"
#include "dvk/coverage.h"
#include "dvk/sandbox.h"
#include "dvk/paths.h"
#include "dvk/sha256.h"

/* ------------------------------------------------------------------ fixtures */

/* Fixture units (dvk test): {code, name, kind, parent, province}, parents first or not:
 * each unit is built after its parent. Table at idx. */
static int preload_units(lua_State *L, int idx, dvk_error *err)
{
    idx = lua_absindex(L, idx);
    script_push_unit_cache(L);                              /* units */
    int units = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    for (int pass = 0; pass < 64; pass++) {
        int progress = 0, missing = 0;
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, idx, i);                            /* units def */
            if (!lua_istable(L, -1) || lua_getfield(L, -1, "code") != LUA_TSTRING) {
                lua_settop(L, units);
                lua_pop(L, 1);
                return dvk_error_set(err, DVK_EDATA, "units[%lld]: needs a code",
                                     (long long)i);
            }
            const char *code = lua_tostring(L, -1);
            if (lua_getfield(L, units, code) != LUA_TNIL) {  /* done already */
                lua_pop(L, 3);
                continue;
            }
            lua_pop(L, 1);
            lua_getfield(L, -2, "parent");                  /* units def code parent */
            const char *parent = lua_tostring(L, -1);
            if (parent && lua_getfield(L, units, parent) == LUA_TNIL) {
                lua_pop(L, 4);
                missing++;
                continue;
            }
            if (!parent)
                lua_pushnil(L);                             /* units def code parent pu */
            lua_createtable(L, 0, 5);                       /* ... pu d */
            lua_insert(L, -2);
            lua_setfield(L, -2, "parent");                  /* units def code parent d */
            static const char *const keys[] = {"code", "name", "kind", "province", NULL};
            for (int k = 0; keys[k]; k++) {
                lua_getfield(L, -4, keys[k]);
                lua_setfield(L, -2, keys[k]);
            }
            if (lua_getfield(L, -1, "province") == LUA_TNIL) {
                lua_pop(L, 1);
                /* the root's code */
                lua_getfield(L, -1, "parent");
                if (lua_isnil(L, -1)) {
                    lua_pop(L, 1);
                    lua_pushvalue(L, -3);
                } else {
                    lua_getfield(L, -1, "province");
                    lua_remove(L, -2);
                }
                lua_setfield(L, -2, "province");
            } else {
                lua_pop(L, 1);
            }
            dvk_sandbox_push_view(L, -1);                   /* ... d u */
            lua_setfield(L, units, code);
            lua_pop(L, 4);
            progress++;
        }
        if (!missing)
            break;
        if (!progress) {
            lua_settop(L, units - 1);
            return dvk_error_set(err, DVK_EDATA, "units: a parent is missing or the tree has a cycle");
        }
    }
    lua_settop(L, units - 1);
    return DVK_OK;
}

/* A fixture model (dvk test) from the table at idx: its fields, metrics, appraisal,
 * appraisals and history as given (absent: empty), unit from the preloaded units. */
static int push_fixture_model(lua_State *L, int idx, const char *default_unit, int year,
                              const char *level)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);                                         /* lv: history is given as is */
    lua_createtable(L, 0, 18);                              /* lv d */
    static const char *const copy[] = {"code", "name", "kind", "category", "field", "level",
        "year", "registration", "started_on", "address", "description", "synthetic", NULL};
    for (int i = 0; copy[i]; i++) {
        lua_getfield(L, idx, copy[i]);
        lua_setfield(L, -2, copy[i]);
    }
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "id");
    static const char *const defaults[][2] = {{"code", "TEST"}, {"name", "Mô hình thử"},
        {"kind", "tap-the"}, {"category", "mo-hinh"}, {"registration", "moi"}};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        if (lua_getfield(L, -1, defaults[i][0]) == LUA_TNIL) {
            lua_pushstring(L, defaults[i][1]);
            lua_setfield(L, -3, defaults[i][0]);
        }
        lua_pop(L, 1);
    }
    if (lua_getfield(L, -1, "year") == LUA_TNIL) {
        lua_pushinteger(L, year);
        lua_setfield(L, -3, "year");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "level") == LUA_TNIL) {
        lua_pushstring(L, level);
        lua_setfield(L, -3, "level");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "synthetic") == LUA_TNIL) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -3, "synthetic");
    }
    lua_pop(L, 1);
    static const char *const tables[] = {"metrics", "appraisal", "appraisals", "history", NULL};
    for (int i = 0; tables[i]; i++) {
        if (lua_getfield(L, idx, tables[i]) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
        }
        dvk_sandbox_push_readonly(L, -1);
        lua_setfield(L, -3, tables[i]);
        lua_pop(L, 1);
    }
    lua_getfield(L, idx, "unit");
    const char *unit = lua_tostring(L, -1);
    script_push_unit(L, NULL, unit ? unit : default_unit);  /* a fixture unit, or the code */
    lua_setfield(L, -3, "unit");
    lua_pop(L, 1);
    script_wrap_model(L, 0, year, level);
    return DVK_OK;
}

/* ------------------------------------------------------------------ script tests */

static int is_test_file(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '_' && name[0] != '.' && n > 9 && strcmp(name + n - 9, "_test.lua") == 0;
}

/* The whole file at path (malloc'd, *len bytes), or NULL when it cannot be read or is
 * over 16 MiB (no test file is). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    dvk_buf b = DVK_BUF_INIT;
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= (16u << 20))
        dvk_buf_add(&b, chunk, got);
    int bad = ferror(f) || b.len > (16u << 20);
    fclose(f);
    if (bad) {
        dvk_buf_free(&b);
        return NULL;
    }
    return dvk_buf_take(&b, len);
}

typedef struct tester {
    void (*out)(void *ud, const char *line);
    void *ud;
    int passed, failed;
    dvk_coverage *cov;         /* NULL: no coverage */
} tester;

/* ------------------------------------------------------------------ coverage */

/* What one test file's cases reached of province p (coverage on). */
typedef struct reach {
    int *gate_test, *crit_score;      /* watch handles of their functions */
    long *turned_away;                /* per gate */
    long *outcomes;                   /* per outcome */
} reach;

static void reach_free(reach *r)
{
    free(r->gate_test);
    free(r->crit_score);
    free(r->turned_away);
    free(r->outcomes);
    memset(r, 0, sizeof *r);
}

/* The watch handle of the function at registry reference ref (-1: out of memory). */
static int watch_ref(lua_State *L, dvk_coverage *cov, int ref)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    int h = dvk_coverage_watch(cov, lua_topointer(L, -1));
    lua_pop(L, 1);
    return h;
}

/* Watch the gates' and criteria's functions of p; -1 when out of memory. */
static int reach_init(reach *r, lua_State *L, dvk_coverage *cov, const dvk_province *p)
{
    int ng = p->ngates ? p->ngates : 1, nc = p->ncriteria ? p->ncriteria : 1;
    r->gate_test = malloc((size_t)ng * sizeof(int));
    r->crit_score = malloc((size_t)nc * sizeof(int));
    r->turned_away = calloc((size_t)ng, sizeof(long));
    r->outcomes = calloc((size_t)(p->noutcomes ? p->noutcomes : 1), sizeof(long));
    if (!r->gate_test || !r->crit_score || !r->turned_away || !r->outcomes)
        return -1;
    for (int i = 0; i < p->ngates; i++)
        if ((r->gate_test[i] = watch_ref(L, cov, p->gates[i].test_ref)) < 0)
            return -1;
    for (int i = 0; i < p->ncriteria; i++)
        if ((r->crit_score[i] = watch_ref(L, cov, p->criteria[i].score_ref)) < 0)
            return -1;
    return 0;
}

/* Add what the cases of one file (at level) reached to cov: every gate, criterion, outcome
 * and quota of p, hit or not; then the executable lines of every script file the state
 * loaded (the province and the libraries it required). */
static int reach_record(const reach *r, lua_State *L, dvk_coverage *cov, const dvk_province *p,
                        const char *level, const char *scripts_dir, dvk_error *err)
{
    int bad = 0;
    for (int i = 0; i < p->ngates; i++)
        bad |= dvk_coverage_part(cov, p->code, "gate", p->gates[i].id,
                                 dvk_coverage_calls(cov, r->gate_test[i]), r->turned_away[i]);
    for (int i = 0; i < p->ncriteria; i++)
        bad |= dvk_coverage_part(cov, p->code, "criterion", p->criteria[i].id,
                                 dvk_coverage_calls(cov, r->crit_score[i]), 0);
    for (int i = 0; i < p->noutcomes; i++)
        bad |= dvk_coverage_part(cov, p->code, "outcome", p->outcomes[i].id, r->outcomes[i], 0);
    for (int i = 0; i < p->nquotas; i++) {
        const dvk_quota *q = &p->quotas[i];
        char id[2 * DVK_SCRIPT_ID_MAX + 8];
        snprintf(id, sizeof id, "%s %s", q->level, q->outcome);
        long n = strcmp(q->level, level) == 0 ? r->outcomes[q->outcome_index] : 0;
        bad |= dvk_coverage_part(cov, p->code, "quota", id, n, 0);
    }
    if (bad)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    for (size_t i = 0; i < dvk_sandbox_file_count(L); i++) {
        const char *sha;
        const char *path = dvk_sandbox_file(L, i, &sha);   /* "scripts/REL" */
        char full[8192];
        snprintf(full, sizeof full, "%s/%s", scripts_dir, path + strlen("scripts/"));
        size_t len = 0;
        char *src = read_file(full, &len);
        const char *builtin = dvk_paths_builtin_scripts();
        if (!src && builtin && strncmp(path, "scripts/lib/", 12) == 0) {
            /* a library file the folder does not hold was read from the installed one */
            snprintf(full, sizeof full, "%s/%s", builtin, path + strlen("scripts/"));
            src = read_file(full, &len);
        }
        if (!src)
            return dvk_error_set(err, DVK_EIO, "%s: cannot read it again for the coverage", path);
        char now[65];
        dvk_sha256_hex(src, len, now);
        int rc = strcmp(now, sha) != 0
                     ? dvk_error_set(err, DVK_EDATA, "%s: changed while the tests ran", path)
                     : dvk_coverage_add_file(cov, path, src, len, sha, err);
        free(src);
        if (rc != DVK_OK)
            return rc;
    }
    return DVK_OK;
}

static void say(tester *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(tester *t, const char *fmt, ...)
{
    char line[DVK_ERROR_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (t->out)
        t->out(t->ud, line);
}

/* Compare one case's expectations (table at eidx) with ev; report each mismatch. */
static int check_case(lua_State *L, tester *t, const char *file, const char *cname,
                      const dvk_province *p, int eidx, const dvk_eval *ev)
{
    int ok = 1;
    static const char *const ekeys[] = {"outcome", "total", "eligible", "gate", "points",
        "recognised", "exemplary", "proposed", "reason", NULL};
    lua_pushnil(L);
    while (lua_next(L, eidx)) {
        lua_pop(L, 1);
        const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int known = 0;
        for (int i = 0; key && ekeys[i]; i++)
            known |= strcmp(key, ekeys[i]) == 0;
        if (!known) {
            say(t, "%s: case %s: unknown expectation '%s'", file, cname, key ? key : "?");
            ok = 0;
        }
    }
    const dvk_outcome *o = &p->outcomes[ev->outcome];
    if (lua_getfield(L, eidx, "outcome") != LUA_TNIL) {
        const char *want = lua_tostring(L, -1);
        if (!want || strcmp(want, o->id) != 0) {
            say(t, "%s: case %s: expected outcome '%s', got '%s'", file, cname,
                want ? want : "?", o->id);
            ok = 0;
        }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, eidx, "total") != LUA_TNIL) {
        double want = lua_tonumber(L, -1);
        if (fabs(want - ev->total) > 0.005) {
            say(t, "%s: case %s: expected total %g, got %g", file, cname, want, ev->total);
            ok = 0;
        }
    }
    lua_pop(L, 1);
    static const char *const flags[] = {"eligible", "recognised", "exemplary", "proposed"};
    int got[4] = {ev->eligible, o->recognised, o->exemplary, o->propose};
    for (int i = 0; i < 4; i++) {
        if (lua_getfield(L, eidx, flags[i]) != LUA_TNIL && lua_toboolean(L, -1) != got[i]) {
            say(t, "%s: case %s: expected %s %s, got %s", file, cname, flags[i],
                lua_toboolean(L, -1) ? "true" : "false", got[i] ? "true" : "false");
            ok = 0;
        }
        lua_pop(L, 1);
    }
    int gt = lua_getfield(L, eidx, "gate");
    if (gt != LUA_TNIL) {
        const char *want = gt == LUA_TSTRING ? lua_tostring(L, -1) : NULL;   /* false: none */
        const char *g = ev->gate >= 0 ? p->gates[ev->gate].id : NULL;
        if ((want == NULL) != (g == NULL) || (want && strcmp(want, g) != 0)) {
            say(t, "%s: case %s: expected gate %s, got %s", file, cname,
                want ? want : "none", g ? g : "none");
            ok = 0;
        }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, eidx, "reason") == LUA_TSTRING) {
        const char *want = lua_tostring(L, -1);
        if (!ev->reason || !strstr(ev->reason, want)) {
            say(t, "%s: case %s: expected reason containing \"%s\", got \"%s\"", file, cname,
                want, ev->reason ? ev->reason : "");
            ok = 0;
        }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, eidx, "points") == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            const char *cid = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
            int ci = cid ? dvk_province_criterion(p, cid) : -1;
            if (ci < 0) {
                say(t, "%s: case %s: points: unknown criterion '%s'", file, cname, cid ? cid : "?");
                ok = 0;
            } else {
                double want = lua_tonumber(L, -1);
                double gotp = ev->points[ci];
                if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
                    if (!isnan(gotp)) {
                        say(t, "%s: case %s: expected criterion %s not to apply, got %g points",
                            file, cname, cid, gotp);
                        ok = 0;
                    }
                } else if (isnan(gotp) || fabs(want - gotp) > 0.005) {
                    if (isnan(gotp))
                        say(t, "%s: case %s: expected %g points for %s, got none (%s)", file,
                            cname, want, cid, ev->eligible ? "criterion does not apply"
                                                           : "not eligible");
                    else
                        say(t, "%s: case %s: expected %g points for %s, got %g", file, cname,
                            want, cid, gotp);
                    ok = 0;
                }
            }
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return ok;
}

/* Run one test file (path as given, chunk "@path"). */
static int run_test_file(const char *scripts_dir, const char *path, tester *t, dvk_error *err)
{
    size_t len = 0;
    char *src = read_file(path, &len);
    if (!src)
        return dvk_error_set(err, DVK_EIO, "%s: cannot read the test file", path);
    dvk_error e;
    dvk_error_clear(&e);
    dvk_province *p = NULL;
    dvk_eval ev;
    memset(&ev, 0, sizeof ev);
    reach r;
    memset(&r, 0, sizeof r);
    int reaching = 0;
    lua_State *L = dvk_sandbox_new(NULL, scripts_dir, NULL, &e);
    char chunk[4200];
    snprintf(chunk, sizeof chunk, "@%s", path);
    if (!L) {
        free(src);
        return dvk_error_set(err, e.code, "%s", e.msg);
    }
    if (t->cov)
        dvk_sandbox_set_coverage(L, t->cov);
    int rc = dvk_sandbox_load(L, src, len, chunk, NULL, &e);
    if (rc == DVK_OK)
        rc = dvk_sandbox_call(L, 0, 1, &e);
    free(src);
    if (rc != DVK_OK) {
        /* a failed file, not an error of the whole run; the message names it when Lua's
         * position does */
        if (strncmp(e.msg, path, strlen(path)) == 0 && e.msg[strlen(path)] == ':')
            say(t, "%s", e.msg);
        else
            say(t, "%s: %s", path, e.msg);
        t->failed++;
        rc = DVK_OK;
        goto done;
    }
    int d = lua_gettop(L);
    int line = 0;
    if (!lua_istable(L, d) || !dvk_sandbox_marked(L, d, "test", &line)) {
        say(t, "%s:1: the file must return dvk.test{...}", path);
        t->failed++;
        goto done;
    }
    lua_getfield(L, d, "province");
    const char *pcode = lua_tostring(L, -1);
    char code[128];
    snprintf(code, sizeof code, "%s", pcode ? pcode : "");
    lua_pop(L, 1);
    lua_getfield(L, d, "year");
    int year = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, d, "level");
    char level[32];
    snprintf(level, sizeof level, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
    if (!(p = dvk_script_load(L, code, &e))) {
        say(t, "%s:%d: %s", path, line, e.msg);
        t->failed++;
        goto done;
    }
    if (t->cov) {
        if (reach_init(&r, L, t->cov, p) != 0) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
            goto done;
        }
        reaching = 1;
    }
    if (year <= 0 || dvk_province_level(p, level) < 0) {
        say(t, "%s:%d: dvk.test needs year and one of the province's levels (found year %d, "
               "level '%s')", path, line, year, level);
        t->failed++;
        goto done;
    }
    if (lua_getfield(L, d, "units") == LUA_TTABLE && preload_units(L, -1, &e) != DVK_OK) {
        say(t, "%s:%d: %s", path, line, e.msg);
        t->failed++;
        goto done;
    }
    lua_pop(L, 1);
    dvk_script_ctx c;
    memset(&c, 0, sizeof c);
    c.year = year;
    c.level = level;
    dvk_script_push_ctx(L, p, &c, &e);                      /* d ctx */
    int cidx = lua_gettop(L);
    if (dvk_eval_init(&ev, p->ncriteria) != DVK_OK) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (lua_getfield(L, d, "cases") != LUA_TTABLE) {
        say(t, "%s:%d: dvk.test needs cases = {...}", path, line);
        t->failed++;
        goto done;
    }
    int cases = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, cases);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, cases, i);                              /* case */
        int ci = lua_gettop(L);
        char cname[256];
        lua_getfield(L, ci, "name");
        snprintf(cname, sizeof cname, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
        lua_pop(L, 1);
        if (!cname[0])
            snprintf(cname, sizeof cname, "#%lld", (long long)i);
        if (lua_getfield(L, ci, "model") != LUA_TTABLE ||
            lua_getfield(L, ci, "expect") != LUA_TTABLE) {
            say(t, "%s: case %s: needs model = {...} and expect = {...}", path, cname);
            t->failed++;
            lua_settop(L, cases);
            continue;
        }
        push_fixture_model(L, ci + 1, "test-unit", year, level);      /* case model expect m */
        lua_getfield(L, ci + 1, "code");
        char mcode[128];
        snprintf(mcode, sizeof mcode, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "TEST");
        lua_pop(L, 1);
        if (dvk_script_eval(L, p, -1, cidx, mcode, &ev, &e) != DVK_OK) {
            say(t, "%s: case %s: %s", path, cname, e.msg);
            t->failed++;
            lua_settop(L, cases);
            continue;
        }
        if (reaching) {
            r.outcomes[ev.outcome]++;
            if (ev.gate >= 0)
                r.turned_away[ev.gate]++;
        }
        if (check_case(L, t, path, cname, p, ci + 2, &ev)) {
            t->passed++;
        } else {
            t->failed++;
        }
        lua_settop(L, cases);
    }
    rc = DVK_OK;
done:
    if (reaching && rc == DVK_OK)
        rc = reach_record(&r, L, t->cov, p, level, scripts_dir, err);
    if (t->cov)
        dvk_coverage_unwatch_all(t->cov);
    reach_free(&r);
    dvk_eval_free(&ev, p ? p->ncriteria : 0);
    dvk_province_free(L, p);
    dvk_sandbox_free(L);
    return rc;
}

int dvk_script_test(const char *scripts_dir, char **files, int nfiles,
                    void (*out)(void *ud, const char *line), void *ud,
                    int *passed, int *failed, dvk_error *err)
{
    return dvk_script_test_cover(scripts_dir, files, nfiles, out, ud, NULL, passed, failed, err);
}

int dvk_script_test_cover(const char *scripts_dir, char **files, int nfiles,
                          void (*out)(void *ud, const char *line), void *ud, dvk_coverage *cov,
                          int *passed, int *failed, dvk_error *err)
{
    tester t = {out, ud, 0, 0, cov};
    int rc = DVK_OK;
    if (nfiles > 0) {
        for (int i = 0; i < nfiles && rc == DVK_OK; i++)
            rc = run_test_file(scripts_dir, files[i], &t, err);
    } else {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/provinces", scripts_dir);
        int n = 0;
        char **names = script_list_dir(dir, is_test_file, &n);
        for (int i = 0; i < n && rc == DVK_OK; i++) {
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            rc = run_test_file(scripts_dir, path, &t, err);
        }
        script_free_names(names, n);
    }
    *passed = t.passed;
    *failed = t.failed;
    return rc;
}
