/* lua_runs.c: decision runs from Lua (see dvk/query.h): dvk.runs, dvk.result, dvk.explain
 * and dvk.diff read stored runs; dvk.score evaluates one model with the current script
 * without storing anything; dvk.decide and dvk.finalize are the engine's own operations
 * (dvk_decide, dvk_runs_finalize), the only writes of the `dvk` module, registered only in
 * the REPL and exec (lua_module.c). */
#include "lua_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/decide.h"
#include "dvk/progress.h"
#include "dvk/runs.h"
#include "dvk/sandbox.h"
#include "dvk/stats.h"

/* ---------------------------------------------------------------------------------------
 * Reading runs
 * ------------------------------------------------------------------------------------- */

static const dvk_lua_cond run_conds[] = {
    {"province", "r.province = ?", DVK_LUA_TEXT},
    {"year", "r.year = ?", DVK_LUA_INT},
    {"level", "r.level = ?", DVK_LUA_TEXT},
    {"unit", "r.unit = ?", DVK_LUA_TEXT},
    {"status", "r.status = ?", DVK_LUA_TEXT},
    {"id", "r.id = ?", DVK_LUA_INT},
};

const char *const dvk_lua_runs_filters[] = {
    "province", "year", "level", "unit", "status", "id", NULL,
};

/***
 * @function dvk.runs(filters)
 * @param {table} filters province=, year=, level=, unit= (the run's own unit), status=
 *   ("draft", "final"), id=; all optional
 * @return {table} { {id, province, year, level, unit, status, started_at, finished_at,
 *   decision_number, decision_date, script_path, candidates, recognised, exemplary}, ... }
 *   oldest first (read-only)
 */
int dvk_lua_runs(lua_State *L)
{
    sqlite3_stmt *st = dvk_lua_simple_query(L, 1, "dvk.runs",
        "SELECT r.id, r.province, r.year, r.level, r.unit, r.status, r.started_at,"
        " r.finished_at, r.decision_number, r.decision_date, r.script_path,"
        " (SELECT count(*) FROM results x WHERE x.run = r.id) AS candidates,"
        " (SELECT count(*) FROM results x WHERE x.run = r.id AND x.recognised) AS recognised,"
        " (SELECT count(*) FROM results x WHERE x.run = r.id AND x.exemplary) AS exemplary"
        " FROM runs r",
        run_conds, sizeof run_conds / sizeof run_conds[0], " ORDER BY r.id");
    dvk_lua_push_rows(L, st, "reading runs");                           /* list */
    return 1;
}

/***
 * @function dvk.result(run, code)
 * @param {integer} run the run's id
 * @param {string} code the model's code
 * @return {table|nil} the stored result: {run, code, name, eligible, gate, total, outcome,
 *   rank, recognised, exemplary, proposed, reason, scores = { {criterion, points, max,
 *   note}, ... }} (read-only), or nil when the model was not a candidate of the run
 */
int dvk_lua_result(lua_State *L)
{
    lua_Integer run = luaL_checkinteger(L, 1);
    const char *code = luaL_checkstring(L, 2);
    dvk_store *s = dvk_lua_store(L);
    dvk_error err;
    dvk_error_clear(&err);
    /* 0 run, 1 code, 2 name, 3 eligible, 4 gate, 5 total, 6 outcome, 7 rank, 8 recognised,
     * 9 exemplary, 10 proposed, 11 reason, 12 model */
    int source = dvk_runs_source(s, run, &err);   /* a final run: its frozen record */
    if (source < 0)
        return dvk_lua_error(L, &err);
    dvk_buf sql = DVK_BUF_INIT;
    dvk_buf_adds(&sql, "SELECT r.run, m.code, m.name, r.eligible = 1 AS eligible, r.gate, r.total,"
                       " r.outcome, r.rank, r.recognised = 1 AS recognised, r.exemplary = 1 AS"
                       " exemplary, r.proposed = 1 AS proposed, r.reason, r.model FROM results r");
    dvk_runs_join_models(&sql, source, "m", "r");
    dvk_buf_adds(&sql, " WHERE r.run = ? AND m.code = ?");
    sqlite3_stmt *st = sql.oom ? NULL : dvk_store_prepare(s, dvk_buf_str(&sql), &err);
    if (sql.oom)
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
    dvk_buf_free(&sql);
    if (!st)
        return dvk_lua_error(L, &err);
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) {
            lua_pushnil(L);                                             /* nil */
            return 1;
        }
        return dvk_lua_step_error(L, rc, "reading a result");
    }
    long long model = sqlite3_column_int64(st, 12);
    dvk_lua_push_row(L, st);                                            /* res */
    sqlite3_finalize(st);
    /* Booleans read better than 0/1 in the REPL. */
    static const char *const flags[] = {"eligible", "recognised", "exemplary", "proposed"};
    for (int i = 0; i < 4; i++) {
        lua_getfield(L, -1, flags[i]);                                  /* res v */
        int on = lua_tointeger(L, -1) != 0;
        lua_pop(L, 1);                                                  /* res */
        lua_pushboolean(L, on);                                         /* res b */
        lua_setfield(L, -2, flags[i]);                                  /* res */
    }
    lua_pushnil(L);                                                     /* res nil */
    lua_setfield(L, -2, "model");                                       /* res */
    lua_pushstring(L, code);                                            /* res code */
    lua_setfield(L, -2, "code");                                        /* res */
    st = dvk_store_prepare(s,
        "SELECT criterion, points, max, note FROM result_scores WHERE run = ? AND model = ?"
        " ORDER BY pos", &err);
    if (!st)
        return dvk_lua_error(L, &err);
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, model);
    dvk_lua_push_rows(L, st, "reading scores");                         /* res scores */
    lua_setfield(L, -2, "scores");                                      /* res */
    dvk_lua_readonly(L);                                                /* view */
    return 1;
}

/***
 * @function dvk.explain(run, code)
 * @param {integer} run the run's id
 * @param {string} code the model's code
 * @return {string} the text `dvk runs show RUN MODEL` prints: why the model got its outcome
 */
int dvk_lua_explain(lua_State *L)
{
    lua_Integer run = luaL_checkinteger(L, 1);
    const char *code = luaL_checkstring(L, 2);
    dvk_error err;
    dvk_error_clear(&err);
    char *text = dvk_runs_explain_text(dvk_lua_store(L), run, code, &err);
    if (!text)
        return dvk_lua_error(L, &err);
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')   /* the REPL adds its own */
        len--;
    lua_pushlstring(L, text, len);                                      /* text */
    free(text);
    return 1;
}

/***
 * @function dvk.diff(run_a, run_b)
 * @param {integer} run_a, run_b two runs of one province
 * @return {string, integer} the text `dvk diff A B` prints, and the number of models whose
 *   result changed
 */
int dvk_lua_diff(lua_State *L)
{
    lua_Integer a = luaL_checkinteger(L, 1), b = luaL_checkinteger(L, 2);
    dvk_error err;
    dvk_error_clear(&err);
    long long changed = 0;
    char *text = dvk_runs_diff_text(dvk_lua_store(L), a, b, &changed, &err);
    if (!text)
        return dvk_lua_error(L, &err);
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        len--;
    lua_pushlstring(L, text, len);                                      /* text */
    free(text);
    lua_pushinteger(L, changed);                                        /* text n */
    return 2;
}

/* ---------------------------------------------------------------------------------------
 * Evaluating one model
 * ------------------------------------------------------------------------------------- */

/* The province for dvk.score: code, or the current one; loads and caches it. */
static dvk_province *province_for(lua_State *L, const char *code)
{
    dvk_lua_state *st = dvk_lua_state_get(L);
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
        dvk_lua_error(L, &err);
    return st->province;
}

/* Set t[key] = the string s, for the table on top. */
static void set_string(lua_State *L, const char *key, const char *s)
{
    lua_pushstring(L, s);                                               /* t s */
    lua_setfield(L, -2, key);                                           /* t */
}

static void set_number(lua_State *L, const char *key, lua_Number v)
{
    lua_pushnumber(L, v);                                               /* t v */
    lua_setfield(L, -2, key);                                           /* t */
}

/***
 * @function dvk.score(code [, province])
 * How the province's script scores the model now. Nothing is stored; quotas, which depend
 * on the other candidates, are not applied.
 * @param {string} code the model's code
 * @param {string} province the province whose script scores it; default the REPL's current
 *   one, else the model's own
 * @return {table} {code, province, year, level, eligible, gate, reason, total, outcome,
 *   outcome_name, scores = { {criterion, name, points, max, note}, ... }} (read-only)
 */
int dvk_lua_score(lua_State *L)
{
    const char *code = luaL_checkstring(L, 1);
    const char *want = luaL_optstring(L, 2, NULL);
    dvk_store *s = dvk_lua_store(L);
    dvk_error err;
    dvk_error_clear(&err);
    /* 0 id, 1 year, 2 level, 3 province */
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT id, year, level, province FROM models WHERE code = ?", &err);
    if (!st)
        return dvk_lua_error(L, &err);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE)
            dvk_error_set(&err, DVK_EDATA, "dvk.score: no model with code '%s'", code);
        else
            dvk_store_fail(s, rc, &err, "reading a model");
        sqlite3_finalize(st);
        return dvk_lua_error(L, &err);
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
        return dvk_lua_error(L, &err);
    if (dvk_script_push_model(L, p, id, &c, &err) != DVK_OK)            /* ctx m */
        return dvk_lua_error(L, &err);
    dvk_eval ev;
    if (dvk_eval_init(&ev, p->ncriteria) != DVK_OK)
        return luaL_error(L, "out of memory");
    rc = dvk_script_eval(L, p, base + 2, base + 1, code, &ev, &err);
    if (rc != DVK_OK) {
        dvk_eval_free(&ev, p->ncriteria);
        return dvk_lua_error(L, &err);
    }
    lua_settop(L, base);                                                /* */
    luaL_checkstack(L, 8, "score");
    lua_createtable(L, 0, 12);                                          /* r */
    set_string(L, "code", code);
    set_string(L, "province", p->code);
    lua_pushinteger(L, year);                                           /* r year */
    lua_setfield(L, -2, "year");                                        /* r */
    set_string(L, "level", level);
    lua_pushboolean(L, ev.eligible);                                    /* r eligible */
    lua_setfield(L, -2, "eligible");                                    /* r */
    if (ev.gate >= 0 && ev.gate < p->ngates)
        set_string(L, "gate", p->gates[ev.gate].id);
    if (ev.reason)
        set_string(L, "reason", ev.reason);
    set_number(L, "total", ev.total);
    if (ev.outcome >= 0 && ev.outcome < p->noutcomes) {
        set_string(L, "outcome", p->outcomes[ev.outcome].id);
        set_string(L, "outcome_name", p->outcomes[ev.outcome].name);
    }
    lua_createtable(L, p->ncriteria, 0);                                /* r scores */
    for (int i = 0; i < p->ncriteria; i++) {
        lua_createtable(L, 0, 5);                                       /* r scores sc */
        set_string(L, "criterion", p->criteria[i].id);
        set_string(L, "name", p->criteria[i].name);
        if (!isnan(ev.points[i]))
            set_number(L, "points", ev.points[i]);
        set_number(L, "max", p->criteria[i].max);
        if (ev.notes[i])
            set_string(L, "note", ev.notes[i]);
        dvk_lua_readonly(L);                                            /* r scores view */
        lua_rawseti(L, -2, i + 1);                                      /* r scores */
    }
    dvk_lua_readonly(L);                                                /* r scores */
    lua_setfield(L, -2, "scores");                                      /* r */
    dvk_eval_free(&ev, p->ncriteria);
    dvk_lua_readonly(L);                                                /* view */
    return 1;
}

/* ---------------------------------------------------------------------------------------
 * The engine's operations (writers)
 * ------------------------------------------------------------------------------------- */

const char *const dvk_lua_decide_filters[] = {
    "province", "year", "level", "unit", "dry_run", "allow_missing_scores", NULL,
};

static void decide_progress(void *ud, long long done, long long total)
{
    dvk_progress **bar = ud;
    if (!*bar)
        *bar = dvk_progress_start("decide", total);
    dvk_progress_update(*bar, done);
}

/***
 * @function dvk.decide(options)
 * The engine's own operation (`dvk decide`): it stores a draft run in one transaction
 * (not with dry_run). Writes; only in the REPL and exec. Ctrl-C stops it.
 * @param {table} options province= (default the current one), year=, level=, unit=,
 *   dry_run=, allow_missing_scores= (as `dvk decide --allow-missing-scores`)
 * @return {table} {run, candidates, eligible, recognised, exemplary, proposed, demoted,
 *   outcomes = { {id, name, count}, ... }} (read-only)
 */
/* The writers are the host's own: refused when province or library code is on the stack
 * (a criterion calling back) or from a coroutine, even with a reference handed to it. */
static void refuse_inside_scripts(lua_State *L, const char *fn)
{
    if (dvk_sandbox_in_script(L))
        luaL_error(L, "%s: write operations are not available inside a province or library "
                      "script, nor in a coroutine (only the REPL's or batch script's own lines "
                      "may write)", fn);
}

int dvk_lua_decide(lua_State *L)
{
    refuse_inside_scripts(L, "dvk.decide");
    luaL_checktype(L, 1, LUA_TTABLE);
    dvk_lua_check_keys(L, 1, "dvk.decide", dvk_lua_decide_filters,
                       sizeof dvk_lua_decide_filters / sizeof dvk_lua_decide_filters[0] - 1);
    dvk_decide_opts o;
    memset(&o, 0, sizeof o);
    o.province = dvk_lua_opt_string(L, 1, "dvk.decide", "province");
    o.level = dvk_lua_opt_string(L, 1, "dvk.decide", "level");
    o.unit = dvk_lua_opt_string(L, 1, "dvk.decide", "unit");
    o.year = (int)dvk_lua_opt_int(L, 1, "dvk.decide", "year", 0, 9999);
    lua_getfield(L, 1, "dry_run");                                      /* d */
    o.dry_run = lua_toboolean(L, -1);
    lua_pop(L, 1);                                                      /* */
    lua_getfield(L, 1, "allow_missing_scores");                         /* a */
    o.allow_missing_scores = lua_toboolean(L, -1);
    lua_pop(L, 1);                                                      /* */
    if (!o.province)
        o.province = dvk_query_province(L);
    if (!o.province || !o.level || !o.year)
        return luaL_error(L, "dvk.decide: province, year and level are required");
    o.interrupted = dvk_lua_state_get(L)->interrupt;
    dvk_progress *bar = NULL;
    o.progress = decide_progress;
    o.progress_ud = &bar;
    dvk_decide_summary sum;
    memset(&sum, 0, sizeof sum);
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_decide(dvk_lua_store(L), dvk_sandbox_scripts_dir(L), &o, &sum, &err);
    dvk_progress_finish(bar);
    if (rc != DVK_OK)
        return dvk_lua_error(L, &err);
    luaL_checkstack(L, 6, "decide");
    lua_createtable(L, 0, 8);                                           /* r */
    if (sum.run) {
        lua_pushinteger(L, sum.run);                                    /* r run */
        lua_setfield(L, -2, "run");                                     /* r */
    }
    const struct { const char *k; long long v; } counts[] = {
        {"candidates", sum.candidates}, {"eligible", sum.eligible},
        {"recognised", sum.recognised}, {"exemplary", sum.exemplary},
        {"proposed", sum.proposed},     {"demoted", sum.demoted},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        lua_pushinteger(L, counts[i].v);                                /* r n */
        lua_setfield(L, -2, counts[i].k);                               /* r */
    }
    lua_createtable(L, sum.noutcomes, 0);                               /* r outs */
    for (int i = 0; i < sum.noutcomes && i < DVK_DECIDE_MAX_OUTCOMES; i++) {
        lua_createtable(L, 0, 3);                                       /* r outs o */
        set_string(L, "id", sum.outcome_id[i]);
        set_string(L, "name", sum.outcome_name[i]);
        lua_pushinteger(L, sum.outcome_count[i]);                       /* r outs o n */
        lua_setfield(L, -2, "count");                                   /* r outs o */
        dvk_lua_readonly(L);                                            /* r outs view */
        lua_rawseti(L, -2, i + 1);                                      /* r outs */
    }
    dvk_lua_readonly(L);                                                /* r outs */
    lua_setfield(L, -2, "outcomes");                                    /* r */
    dvk_lua_readonly(L);                                                /* view */
    return 1;
}

/***
 * @function dvk.finalize(run, decision)
 * The engine's own operation (`dvk runs finalize`): the run becomes final and immutable,
 * keeping its frozen record (models, units, appraisals, statistics, and the scripts of the
 * session's scripts folder, which must be those it was decided with).
 * Writes; only in the REPL and exec.
 * @param {integer} run the run's id
 * @param {table} decision {number = "125-QĐ/BDVTU", date = "2023-12-20"}, both required;
 *   force_date = true and superseded = true as `--force-date` and `--superseded`
 * @return {boolean} true
 */
int dvk_lua_finalize(lua_State *L)
{
    static const char *const known[] = {"number", "date", "force_date", "superseded"};
    refuse_inside_scripts(L, "dvk.finalize");
    lua_Integer run = luaL_checkinteger(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    dvk_lua_check_keys(L, 2, "dvk.finalize", known, 4);
    const char *number = dvk_lua_opt_string(L, 2, "dvk.finalize", "number");
    const char *date = dvk_lua_opt_string(L, 2, "dvk.finalize", "date");
    if (!number || !date)
        return luaL_error(L, "dvk.finalize: number and date are required");
    dvk_error err;
    dvk_error_clear(&err);
    unsigned flags = 0;
    lua_getfield(L, 2, "force_date");                                   /* f */
    flags |= lua_toboolean(L, -1) ? DVK_FINALIZE_FORCE_DATE : 0;
    lua_getfield(L, 2, "superseded");                                   /* f s */
    flags |= lua_toboolean(L, -1) ? DVK_FINALIZE_SUPERSEDED : 0;
    lua_pop(L, 2);                                                      /* */
    const dvk_finalize_opts o = {.flags = flags, .scripts_dir = dvk_sandbox_scripts_dir(L),
                                 .freeze = dvk_stats_freeze};
    if (dvk_runs_finalize_opts(dvk_lua_store(L), run, number, date, NULL, &o, &err) != DVK_OK)
        return dvk_lua_error(L, &err);
    lua_pushboolean(L, 1);                                              /* true */
    return 1;
}
