/* lua_module.c: the one registration table of the `dvk` module (see dvk/query.h): which C
 * function is dvk.<name> in which context, which of them write, and the filter keys each
 * accepts (the REPL completes them). dvk_query_register builds a context's module from it;
 * the REPL and exec sessions (engine/cli/lua_session.c) call it with DVK_CTX_REPL or
 * DVK_CTX_EXEC.
 *
 * How this relates to the other dvk.* functions:
 * - Every sandbox starts with the helpers of engine/script/sandbox.c (DVK_HELPERS: clamp,
 *   scale, months, years, round, lower, upper, key, number, date, require, province, test):
 *   pure functions of their arguments, in every context, built with the state before any
 *   context is known. They stay there; this table adds the functions that read the
 *   database (and the two engine operations that write it) on top, and none of its names
 *   may be one of theirs (check_query tests that registering replaces no helper).
 * - Report scripts get dvk.collate from engine/report/report.c, their own runner.
 * - No function here is in the PROVINCE, REPORT or TEST contexts today: a province script's
 *   figures must come from its model and ctx objects alone, so that a run is reproducible
 *   from what the run stores. A read-only function may be added to them here; a writer
 *   never (DVK_CTX_WRITERS). */
#include "lua_common.h"

#include <string.h>

#include "dvk/sandbox.h"

#define RX (DVK_CTX_REPL | DVK_CTX_EXEC)

static const dvk_module_entry DVK_MODULE[] = {
    /* name            function                  contexts flags              filters */
    {"models",          dvk_lua_models,           RX, 0,                 dvk_lua_models_filters},
    {"units",           dvk_lua_units,            RX, 0,                 dvk_lua_units_filters},
    {"runs",            dvk_lua_runs,             RX, 0,                 dvk_lua_runs_filters},
    {"result",          dvk_lua_result,           RX, 0,                 NULL},
    {"explain",         dvk_lua_explain,          RX, 0,                 NULL},
    {"score",           dvk_lua_score,            RX, 0,                 NULL},
    {"diff",            dvk_lua_diff,             RX, 0,                 NULL},
    {"decide",          dvk_lua_decide,           RX, DVK_MODULE_WRITES, dvk_lua_decide_filters},
    {"finalize",        dvk_lua_finalize,         RX, DVK_MODULE_WRITES, NULL},
    {"current_province", dvk_lua_current_province, RX, 0,                NULL},
    {"format",          dvk_lua_format,           RX, 0,                 NULL},
    {NULL, NULL, 0, 0, NULL},
};
#define NMODULE (sizeof DVK_MODULE / sizeof DVK_MODULE[0] - 1)

const dvk_module_entry *dvk_query_module(void)
{
    return DVK_MODULE;
}

int dvk_query_register(lua_State *L, unsigned context, dvk_error *err)
{
    luaL_Reg fns[NMODULE + 1];
    size_t n = 0;
    for (const dvk_module_entry *e = DVK_MODULE; e->name; e++) {
        if (!(e->contexts & context))
            continue;
        if ((e->flags & DVK_MODULE_WRITES) && !(context & DVK_CTX_WRITERS))
            continue;   /* a writer outside the REPL and exec, whatever the table says */
        fns[n].name = e->name;
        fns[n].func = e->fn;
        n++;
    }
    fns[n].name = NULL;
    fns[n].func = NULL;
    dvk_lua_models_open(L);     /* the classes the functions return */
    dvk_lua_state_get(L);       /* created now, not inside a script's first call */
    int rc = dvk_sandbox_register_host(L, fns);   /* never province or library code's */
    if (rc != DVK_OK)
        return dvk_error_set(err, rc, "registering the dvk module failed");
    return DVK_OK;
}

int dvk_query_filter_names(const char *fn, const char **names, int max)
{
    if (strcmp(fn, "where") == 0)
        fn = "models";   /* q:where{} takes dvk.models' filters */
    int n = 0;
    for (const dvk_module_entry *e = DVK_MODULE; e->name; e++)
        if (strcmp(e->name, fn) == 0 && e->filters)
            for (const char *const *f = e->filters; *f && n < max; f++)
                names[n++] = *f;
    return n;
}
