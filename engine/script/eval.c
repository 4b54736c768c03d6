/* eval.c: evaluating one model with a province's description: its gates in order (the
 * first failure decides), the score of every applicable criterion (checked: a number in
 * [0, max], never clamped), the total (plain sum or rescaled to scale_to, half-up to 0.01)
 * and the first outcome whose minimum it meets. Errors name the province file, line, model
 * and gate or criterion. */
#include "script_internal.h"
#include "dvk/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/buf.h"
#include "dvk/sandbox.h"

int dvk_eval_init(dvk_eval *ev, int ncriteria)
{
    memset(ev, 0, sizeof *ev);
    ev->points = calloc((size_t)ncriteria + 1, sizeof *ev->points);
    ev->notes = calloc((size_t)ncriteria + 1, sizeof *ev->notes);
    ev->note_bufs = calloc((size_t)ncriteria + 1, sizeof *ev->note_bufs);
    if (!ev->points || !ev->notes || !ev->note_bufs) {
        free(ev->points);
        free(ev->notes);
        free(ev->note_bufs);
        return DVK_ENOMEM;
    }
    return DVK_OK;
}

void dvk_eval_reset(dvk_eval *ev, int ncriteria)
{
    free(ev->reason);
    ev->reason = NULL;
    for (int i = 0; i < ncriteria; i++) {
        ev->notes[i] = NULL;
        ev->points[i] = NAN;
    }
    ev->eligible = 1;
    ev->gate = -1;
    ev->total = 0;
    ev->outcome = 0;
}

void dvk_eval_free(dvk_eval *ev, int ncriteria)
{
    if (!ev->points)
        return;
    dvk_eval_reset(ev, ncriteria);
    for (int i = 0; i < ncriteria; i++)
        dvk_buf_free(&ev->note_bufs[i]);
    free(ev->points);
    free(ev->notes);
    free(ev->note_bufs);
    ev->points = NULL;
    ev->notes = NULL;
    ev->note_bufs = NULL;
}

static double round2(double x) { return dvk_format_round(x, 2); }

/* Put "model M, <what> ID: " after the "FILE:LINE: " of a script error message. */
static int script_fail(dvk_error *err, const char *model, const char *what, const char *id)
{
    char msg[DVK_ERROR_MAX];
    snprintf(msg, sizeof msg, "%s", err->msg);
    const char *rest = msg;
    /* skip "file:line: " */
    for (const char *c = msg; *c && *c != '\n'; c++) {
        if (*c == ':' && c[1] >= '0' && c[1] <= '9') {
            const char *q = c + 1;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == ':' && q[1] == ' ') {
                rest = q + 2;
                break;
            }
        }
    }
    int code = err->code;
    dvk_error_set(err, code, "%.*smodel %s, %s %s: %s", (int)(rest - msg), msg, model, what, id,
                  rest);
    return code;
}

/* Call ref(m, ctx) with nres results. */
static int call_fn(lua_State *L, int ref, int midx, int cidx, int nres, dvk_error *err)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_pushvalue(L, midx);
    lua_pushvalue(L, cidx);
    return dvk_sandbox_call(L, 2, nres, err);
}

/* The note at idx in b (reset first) and *out pointing to it (NULL: none), as tostring()
 * would write it, without lua_tostring converting a number in place (that allocates, and
 * may raise outside any protected call). Returns 0, or -1 when out of memory. */
static int note_of(lua_State *L, int idx, dvk_buf *b, char **out)
{
    *out = NULL;
    dvk_buf_reset(b);
    if (lua_isnoneornil(L, idx))
        return 0;
    if (lua_isinteger(L, idx)) {
        dvk_buf_printf(b, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
    } else if (lua_type(L, idx) == LUA_TNUMBER) {
        /* Lua's own number format (what tostring writes), not dvk_format_plain: a note is
         * the script's value as the script would print it */
        dvk_buf_printf(b, LUA_NUMBER_FMT, (LUAI_UACNUMBER)lua_tonumber(L, idx));
        const char *num = dvk_buf_str(b);
        if (!b->oom && num[strspn(num, "-0123456789")] == '\0')
            dvk_buf_adds(b, ".0");                          /* looks like an int: 1.0 */
    } else {
        dvk_buf_adds(b, lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx)
                                                        : luaL_typename(L, idx));
    }
    if (b->oom || dvk_buf_reserve(b, 0) != 0)
        return -1;
    *out = b->p;
    return 0;
}

typedef struct count_args {
    const dvk_province *p;
    int *members;               /* p->ncriteria counts */
} count_args;

/* script_protect() body: count the council's scores of each criterion in m.appraisals
 * (the scores of the run's level: one per member and criterion). */
static int p_count_members(lua_State *L)
{
    count_args *a = lua_touserdata(L, 1);
    lua_getfield(L, 2, "appraisals");                       /* list */
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -1, i);                                 /* list row */
        lua_getfield(L, -1, "criterion");                   /* list row criterion */
        const char *id = lua_tostring(L, -1);
        int ci = id ? dvk_province_criterion(a->p, id) : -1;
        if (ci >= 0)
            a->members[ci]++;
        lua_pop(L, 2);
    }
    return 0;
}

/* A council criterion with k scores, fewer than council.min_members: the model is not
 * eligible (below = "ineligible", with the reason) or the run is an error naming it. */
static int too_few(const dvk_province *p, const dvk_criterion *c, const char *mc, int k,
                   dvk_eval *ev, dvk_error *err)
{
    if (p->council.below != DVK_BELOW_INELIGIBLE)
        return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, criterion %s: %d council "
                             "score%s; council.min_members is %d (import the missing scores, "
                             "or set council.below = \"ineligible\")", p->path, c->line, mc,
                             c->id, k, k == 1 ? "" : "s", p->council.min_members);
    dvk_buf b = DVK_BUF_INIT;
    dvk_buf_printf(&b, "hội đồng chấm tiêu chí \"%s\" chưa đủ %d thành viên (có %d)", c->name,
                   p->council.min_members, k);
    if (!(ev->reason = dvk_buf_take(&b, NULL)))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (model %s)", mc);
    for (int i = 0; i < p->ncriteria; i++) {
        ev->points[i] = NAN;
        ev->notes[i] = NULL;
    }
    ev->eligible = 0;
    ev->gate = -1;
    ev->outcome = p->noutcomes - 1;
    ev->total = 0;
    return DVK_OK;
}

int dvk_script_applies(lua_State *L, const dvk_province *p, int ci, int midx, int cidx,
                       const char *model_code, int *applies, dvk_error *err)
{
    const dvk_criterion *c = &p->criteria[ci];
    *applies = 1;
    if (c->applies_ref == LUA_NOREF)
        return DVK_OK;
    midx = lua_absindex(L, midx);
    cidx = lua_absindex(L, cidx);
    int top = lua_gettop(L);
    if (call_fn(L, c->applies_ref, midx, cidx, 1, err) != DVK_OK)
        return script_fail(err, model_code ? model_code : "?", "criterion", c->id);
    *applies = lua_toboolean(L, -1);
    lua_settop(L, top);
    return DVK_OK;
}

int dvk_script_eval(lua_State *L, const dvk_province *p, int midx, int cidx,
                    const char *model_code, dvk_eval *ev, dvk_error *err)
{
    midx = lua_absindex(L, midx);
    cidx = lua_absindex(L, cidx);
    int top = lua_gettop(L);
    const char *mc = model_code ? model_code : "?";
    if (!lua_checkstack(L, 8))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (model %s)", mc);
    dvk_eval_reset(ev, p->ncriteria);
    for (int i = 0; i < p->ngates; i++) {
        const dvk_gate *g = &p->gates[i];
        if (g->applies_ref != LUA_NOREF) {
            if (call_fn(L, g->applies_ref, midx, cidx, 1, err) != DVK_OK)
                return script_fail(err, mc, "gate", g->id);
            int applies = lua_toboolean(L, -1);
            lua_settop(L, top);
            if (!applies)
                continue;
        }
        if (call_fn(L, g->test_ref, midx, cidx, 2, err) != DVK_OK)
            return script_fail(err, mc, "gate", g->id);
        if (!lua_toboolean(L, -2)) {
            ev->eligible = 0;
            ev->gate = i;
            const char *why = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            if (why && lua_rawlen(L, -1) > DVK_SCRIPT_NOTE_MAX) {
                size_t n = lua_rawlen(L, -1);
                lua_settop(L, top);
                return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, gate %s: the reason is %zu "
                                     "bytes long; a reason may have at most %d", p->path,
                                     g->line, mc, g->id, n, DVK_SCRIPT_NOTE_MAX);
            }
            dvk_buf b = DVK_BUF_INIT;
            dvk_buf_printf(&b, "không đạt điều kiện \"%s\"", g->name);
            if (why) {
                dvk_buf_adds(&b, ": ");
                dvk_buf_adds(&b, why);
            }
            lua_settop(L, top);
            if (!(ev->reason = dvk_buf_take(&b, NULL)))
                return dvk_error_set(err, DVK_ENOMEM, "out of memory (model %s)", mc);
            ev->outcome = p->noutcomes - 1;
            ev->total = 0;
            return DVK_OK;
        }
        lua_settop(L, top);
    }
    double sum = 0, summax = 0;
    int *members = NULL;        /* council scores per criterion, when a minimum is set */
    if (p->council.min_members > 0) {
        if (!(members = calloc((size_t)p->ncriteria + 1, sizeof *members)))
            return dvk_error_set(err, DVK_ENOMEM, "out of memory (model %s)", mc);
        count_args a = {p, members};
        lua_pushvalue(L, midx);
        if (script_protect(L, p_count_members, &a, 1, 0, "counting council scores", err)) {
            free(members);
            return err->code;
        }
    }
    for (int i = 0; i < p->ncriteria; i++) {
        const dvk_criterion *c = &p->criteria[i];
        if (c->applies_ref != LUA_NOREF) {
            if (call_fn(L, c->applies_ref, midx, cidx, 1, err) != DVK_OK) {
                free(members);
                return script_fail(err, mc, "criterion", c->id);
            }
            int applies = lua_toboolean(L, -1);
            lua_settop(L, top);
            if (!applies)
                continue;
        }
        if (members && c->council && members[i] < p->council.min_members) {
            int k = members[i];
            free(members);
            return too_few(p, c, mc, k, ev, err);
        }
        if (call_fn(L, c->score_ref, midx, cidx, 2, err) != DVK_OK) {
            free(members);
            return script_fail(err, mc, "criterion", c->id);
        }
        if (lua_type(L, -2) != LUA_TNUMBER) {
            const char *tn = luaL_typename(L, -2);
            const char *sv = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
            lua_settop(L, top);
            return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, criterion %s: score returned "
                                 "%s%s%s%s, not a number", p->path, c->line, mc, c->id, tn,
                                 sv ? " \"" : "", sv ? sv : "", sv ? "\"" : "");
        }
        double pts = lua_tonumber(L, -2);
        if (isnan(pts)) {
            lua_settop(L, top);
            return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, criterion %s: score returned "
                                 "NaN (not a number: 0/0 or a missing value?)", p->path, c->line,
                                 mc, c->id);
        }
        if (pts < 0 || pts > c->max) {
            lua_settop(L, top);
            return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, criterion %s: score returned "
                                 "%.17g, outside [0, %g]", p->path, c->line, mc, c->id, pts,
                                 c->max);
        }
        ev->points[i] = pts;
        if (lua_type(L, -1) == LUA_TSTRING && lua_rawlen(L, -1) > DVK_SCRIPT_NOTE_MAX) {
            size_t n = lua_rawlen(L, -1);
            lua_settop(L, top);
            return dvk_error_set(err, DVK_EDATA, "%s:%d: model %s, criterion %s: the note is %zu "
                                 "bytes long; a note may have at most %d", p->path, c->line, mc,
                                 c->id, n, DVK_SCRIPT_NOTE_MAX);
        }
        int nrc = note_of(L, -1, &ev->note_bufs[i], &ev->notes[i]);
        lua_settop(L, top);
        if (nrc != 0)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory (model %s)", mc);
        sum += pts;
        summax += c->max;
    }
    free(members);
    if (p->scale_to > 0)
        ev->total = summax > 0 ? round2(sum / summax * p->scale_to) : 0;
    else
        ev->total = round2(sum);
    ev->outcome = p->noutcomes - 1;
    for (int i = 0; i < p->noutcomes - 1; i++)
        if (ev->total >= p->outcomes[i].min) {
            ev->outcome = i;
            break;
        }
    return DVK_OK;
}

