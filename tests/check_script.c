/* check_script.c: province loading and validation, model objects and ctx seen by scripts,
 * evaluation of one model, report look-up, the fields sync and the script-test runner. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dvk/sandbox.h"
#include "dvk/script.h"
#include "dvk/text.h"
#include "testutil.h"

static dvk_store *store;
static char *dir;         /* temp folder: the database and scripts/ */
static char *scripts;     /* dir/scripts */
static lua_State *L;

/* A small province; %s slots let tests replace parts. */
#define PROVINCE_HEAD \
    "return dvk.province {\n" \
    "  code = 'tp', name = 'Tỉnh Thử', levels = {'co-so', 'huyen', 'tinh'},\n" \
    "  fields = {{id = 'kinh-te', name = 'Kinh tế'}, {id = 'van-hoa', name = 'Văn hóa'}},\n"
#define PROVINCE_GATES \
    "  gates = {{id = 'dia-chi', name = 'Có địa chỉ', test = function(m) return m.address ~= nil, 'thiếu địa chỉ' end}},\n"
#define PROVINCE_CRITERIA \
    "  criteria = {\n" \
    "    {id = 'a', name = 'A', max = 60, score = function(m) return 60 * dvk.clamp((m.metrics.x or 0) / 100), 'x' end},\n" \
    "    {id = 'b', name = 'B', max = 40, score = function(m) return m.appraisal.b or 0 end},\n" \
    "    {id = 'c', name = 'C', max = 10, applies = function(m) return m.kind == 'ca-nhan' end,\n" \
    "     score = function(m) return 10 end},\n" \
    "  },\n"
#define PROVINCE_OUTCOMES \
    "  outcomes = {{id = 'top', name = 'Tiêu biểu', min = 85, exemplary = true, propose = true},\n" \
    "              {id = 'ok', name = 'Công nhận', min = 50}, {id = 'no', name = 'Không'}},\n"
#define PROVINCE_TAIL \
    "  quotas = {{level = 'tinh', outcome = 'top', max = 1, tiebreak = {'a'}}},\n" \
    "  reports = {tom_tat = function(run, doc) end},\n" \
    "}\n"

static void write_script(const char *rel, const char *text)
{
    char *p = tu_path(scripts, rel);
    tu_write(p, text, (size_t)-1);
    free(p);
}

static void setup(void)
{
    store = tu_store(&dir);
    scripts = tu_path(dir, "scripts");
    ck_assert_int_eq(mkdir(scripts, 0700), 0);
    char *p = tu_path(scripts, "provinces");
    ck_assert_int_eq(mkdir(p, 0700), 0);
    free(p);
    p = tu_path(scripts, "lib");
    ck_assert_int_eq(mkdir(p, 0700), 0);
    free(p);
    write_script("provinces/tp.lua", PROVINCE_HEAD PROVINCE_GATES PROVINCE_CRITERIA
                 PROVINCE_OUTCOMES PROVINCE_TAIL);
    dvk_error err;
    L = dvk_sandbox_new(store, scripts, NULL, &err);
    ck_assert_msg(L != NULL, "%s", err.msg);
    char *e = NULL;
    const char *sql =
        "INSERT INTO units(code, name, name_key, kind, parent, province) VALUES"
        " ('tp', 'Tỉnh Thử', 'tinh thu', 'province', NULL, 'tp'),"
        " ('tp/h', 'Huyện H', 'huyen h', 'district', 'tp', 'tp'),"
        " ('tp/h/x', 'Xã X', 'xa x', 'commune', 'tp/h', 'tp'),"
        " ('tp/k', 'Huyện K', 'huyen k', 'district', 'tp', 'tp');"
        "INSERT INTO models(id, code, name, name_key, unit, province, kind, category, field, level,"
        " year, registration, started_on, address, metrics) VALUES"
        " (1, 'M1', 'Mô hình một', 'mo hinh mot', 'tp/h/x', 'tp', 'tap-the', 'mo-hinh', 'kinh-te',"
        "  'huyen', 2023, 'moi', '2020-01-01', 'Thôn 1', '{\"x\": 100, \"note\": \"a\\u00e9\"}'),"
        " (2, 'M2', 'Mô hình hai', 'mo hinh hai', 'tp/k', 'tp', 'ca-nhan', 'dien-hinh', 'van-hoa',"
        "  'huyen', 2023, 'moi', NULL, NULL, '{}'),"
        " (3, 'M3', 'Mô hình một', 'mo hinh mot', 'tp/k', 'tp', 'tap-the', 'mo-hinh', 'kinh-te',"
        "  'co-so', 2022, 'moi', NULL, 'Thôn 3', '{}');"
        "INSERT INTO appraisals(model, level, criterion, appraiser, score, note) VALUES"
        " (1, 'huyen', 'b', 'An', 30, 'tốt'), (1, 'huyen', 'b', 'Bình', 35, NULL);"
        "INSERT INTO runs(id, province, year, level, unit, script_path, scripts, started_at) VALUES"
        " (1, 'tp', 2023, 'co-so', NULL, 'scripts/provinces/tp.lua', '{}', 'now');"
        "INSERT INTO results(run, model, eligible, total, outcome, outcome_index, rank, recognised,"
        " exemplary, proposed) VALUES (1, 1, 1, 70, 'ok', 1, 1, 1, 0, 1);";
    ck_assert_msg(sqlite3_exec(dvk_store_db(store), sql, NULL, NULL, &e) == SQLITE_OK, "%s", e);
}

static void teardown(void)
{
    dvk_sandbox_free(L);
    dvk_store_close(store);
    tu_rmdir(dir);
    free(dir);
    free(scripts);
}

static dvk_province *load_ok(const char *code)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_province *p = dvk_script_load(L, code, &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    return p;
}

/* Load a province whose text is given; expect an error containing want. */
static void load_fails(const char *text, const char *want)
{
    write_script("provinces/bad.lua", text);
    dvk_error err;
    dvk_error_clear(&err);
    int top = lua_gettop(L);
    dvk_province *p = dvk_script_load(L, "bad", &err);
    ck_assert_msg(p == NULL, "expected '%s'", want);
    ck_assert_int_eq(lua_gettop(L), top);
    ck_assert_msg(strstr(err.msg, want) != NULL, "error '%s' lacks '%s'", err.msg, want);
    ck_assert_msg(strncmp(err.msg, "scripts/provinces/bad.lua:", 26) == 0, "no file:line in '%s'",
                  err.msg);
}

START_TEST(test_load_description)
{
    dvk_province *p = load_ok("tp");
    ck_assert_str_eq(p->code, "tp");
    ck_assert_str_eq(p->name, "Tỉnh Thử");
    ck_assert_str_eq(p->path, "scripts/provinces/tp.lua");
    ck_assert_str_eq(p->cutoff, "12-31");
    ck_assert_int_eq(p->nlevels, 3);
    ck_assert_int_eq(p->nfields, 2);
    ck_assert_int_eq(p->ngates, 1);
    ck_assert_int_eq(p->ncriteria, 3);
    ck_assert_int_eq(p->noutcomes, 3);
    ck_assert_int_eq(p->outcomes[0].recognised, 1);
    ck_assert_int_eq(p->outcomes[0].exemplary, 1);
    ck_assert_int_eq(p->outcomes[2].recognised, 0);
    ck_assert_int_eq(p->nquotas, 1);
    ck_assert_int_eq(p->quotas[0].outcome_index, 0);
    ck_assert_int_eq(p->quotas[0].tiebreak[0], 0);
    ck_assert_int_eq(p->criteria[0].line, 6);
    ck_assert_int_eq(dvk_province_level(p, "huyen"), 1);
    ck_assert_int_eq(dvk_province_outcome(p, "no"), 2);
    ck_assert_int_eq(dvk_province_criterion(p, "zz"), -1);
    ck_assert_int_eq(p->nreports, 1);
    ck_assert_int_eq(dvk_script_report(L, p, "tom_tat"), 1);
    ck_assert(lua_isfunction(L, -1));
    lua_pop(L, 1);
    int top = lua_gettop(L);
    ck_assert_int_eq(dvk_script_report(L, p, "khong-co"), 0);
    ck_assert_int_eq(lua_gettop(L), top);
    ck_assert_uint_eq(dvk_sandbox_file_count(L), 1);
    dvk_province_free(L, p);
}
END_TEST

START_TEST(test_load_errors)
{
    load_fails("return {code = 'bad'}", "must return dvk.province");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'}, colour = 1,"
               " criteria = {}, outcomes = {}}", "unknown key 'colour'");
    load_fails(PROVINCE_HEAD PROVINCE_GATES PROVINCE_CRITERIA PROVINCE_OUTCOMES PROVINCE_TAIL,
               "code 'tp' does not match the file name");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen', 'huyen'},"
               " criteria = {}, outcomes = {}}", "levels[2]: 'huyen' is repeated");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'Huyện'},"
               " criteria = {}, outcomes = {}}", "levels[1]: must be a level id");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen', 3},"
               " criteria = {}, outcomes = {}}", "levels[2]: must be a level id");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = function() return 1 end},\n"
               "             {id = 'a', name = 'A2', max = 5, score = function() return 1 end}},\n"
               " outcomes = {{id = 'x', name = 'X'}}}", "bad.lua:3: criteria[2]: duplicate id 'a'");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 0, score = function() return 1 end}},\n"
               " outcomes = {{id = 'x', name = 'X'}}}", "max must be > 0");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = function() return 1 end}},\n"
               " outcomes = {{id = 'x', name = 'X', min = 3}, {id = 'y', name = 'Y', min = 4},"
               " {id = 'z', name = 'Z'}}}", "thresholds out of order");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = function() return 1 end}},\n"
               " outcomes = {{id = 'x', name = 'X', min = 3}}}", "catch-all");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = function() return 1 end}},\n"
               " outcomes = {{id = 'x', name = 'X', min = 3}, {id = 'y', name = 'Y'}},\n"
               " quotas = {{level = 'tinh', outcome = 'x', max = 1}}}", "unknown level 'tinh'");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = function() return 1 end}},\n"
               " outcomes = {{id = 'x', name = 'X', min = 3}, {id = 'y', name = 'Y'}},\n"
               " quotas = {{level = 'huyen', outcome = 'q', max = 1}}}", "unknown outcome 'q'");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = function() return 1 end}},\n"
               " outcomes = {{id = 'x', name = 'X', min = 3}, {id = 'y', name = 'Y'}},\n"
               " quotas = {{level = 'huyen', outcome = 'x', max = 1, tiebreak = {'b'}}}}",
               "unknown criterion 'b'");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = 1}},\n"
               " outcomes = {{id = 'y', name = 'Y'}}}", "'score' must be a function");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'}, cutoff = '31-12',\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = function() end}},\n"
               " outcomes = {{id = 'y', name = 'Y'}}}", "cutoff must be \"MM-DD\"");
    load_fails("return dvk.province {code = 'bad', name = 'B', levels = {'huyen'},\n"
               " criteria = {{id = 'a', name = 'A', max = 5, score = function() end, weight = 2}},\n"
               " outcomes = {{id = 'y', name = 'Y'}}}", "bad.lua:2: criteria[1]: unknown key 'weight'");
    load_fails("return dvk.province {\n", "bad.lua:");
    dvk_error err;
    ck_assert_ptr_null(dvk_script_load(L, "../etc/passwd", &err));
    ck_assert_int_eq(err.code, DVK_EUSAGE);
    ck_assert_ptr_null(dvk_script_load(L, "absent", &err));
    ck_assert_msg(strstr(err.msg, "cannot open") != NULL, "%s", err.msg);
}
END_TEST

/* Evaluate a Lua snippet with m (model id) and ctx as arguments; return the value as text. */
static char *with_model(dvk_province *p, long long id, const char *code)
{
    dvk_error err;
    dvk_script_ctx c = {2023, "huyen", NULL, ""};
    ck_assert_int_eq(dvk_sandbox_load(L, code, strlen(code), "=t", NULL, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_push_model(L, p, id, &c, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_push_ctx(L, p, &c, &err), DVK_OK);
    int rc = dvk_sandbox_call(L, 2, 1, &err);
    if (rc != DVK_OK)
        return strdup(err.msg);
    char *s = strdup(dvk_sandbox_tostring(L, -1));
    lua_pop(L, 2);
    return s;
}

static void expect_model(dvk_province *p, long long id, const char *code, const char *want)
{
    char *got = with_model(p, id, code);
    ck_assert_msg(strstr(got, want) != NULL, "%s -> '%s', expected '%s'", code, got, want);
    free(got);
}

START_TEST(test_model_object)
{
    dvk_province *p = load_ok("tp");
    const char *f = "local m, ctx = ... return ";
    char code[512];
#define M(expr, want) snprintf(code, sizeof code, "%s%s", f, expr), expect_model(p, 1, code, want)
    M("m.code .. ' ' .. m.kind .. ' ' .. m.level .. ' ' .. m.year", "M1 tap-the huyen 2023");
    M("m.metrics.x", "100");
    M("m.metrics.note", "aé");
    M("tostring(m.metrics.absent)", "nil");
    M("m.unit.code .. '<' .. m.unit.parent.code .. '<' .. m.unit.parent.parent.code", "tp/h/x<tp/h<tp");
    M("m.unit.province .. ' ' .. m.unit.name", "tp Xã X");
    M("m.appraisal.b", "32.5");
    M("#m.appraisals .. ' ' .. m.appraisals[1].appraiser .. ' ' .. m.appraisals[1].note", "2 An tốt");
    M("#m.history .. ' ' .. m.history[1].level .. ' ' .. tostring(m.history[1].recognised)",
      "1 co-so true");
    M("tostring(m.description)", "nil");
    M("m.nonexistent", "model M1 has no field 'nonexistent'");
    M("(function() m.name = 'x' end)()", "read-only");
    M("(function() m.metrics.x = 1 end)()", "read-only");
    M("(function() m.unit.parent = nil end)()", "read-only");
    M("(function() m.appraisals[1].score = 100 end)()", "read-only");
    M("(function() local n = 0 for k in pairs(m) do n = n + 1 end return n end)()", "17");
    M("ctx.year .. ' ' .. ctx.level .. ' ' .. ctx.cutoff .. ' ' .. ctx.province", "2023 huyen 2023-12-31 tp");
    M("ctx:count_models('tp')", "2");
    M("ctx:count_models('tp/h')", "1");
    M("ctx:replications('M1')", "1");
    M("ctx:history('M1')[1].outcome .. ' ' .. ctx:history('M1')[1].level", "ok co-so");
    M("#ctx:history('M2')", "0");
    M("ctx:results('M1')[1].outcome", "ok");      /* the deprecated name: the same function */
    M("tostring(ctx.results == ctx.history)", "true");
    M("(function() ctx.year = 1 end)()", "read-only");
    expect_model(p, 2, "local m = ... return tostring(m.started_on) .. ' ' .. #m.history", "nil 0");
#undef M
    dvk_province_free(L, p);
}
END_TEST

START_TEST(test_eval)
{
    dvk_province *p = load_ok("tp");
    dvk_error err;
    dvk_eval ev;
    ck_assert_int_eq(dvk_eval_init(&ev, p->ncriteria), DVK_OK);
    dvk_script_ctx c = {2023, "huyen", NULL, ""};
    ck_assert_int_eq(dvk_script_push_ctx(L, p, &c, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_push_model(L, p, 1, &c, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_eval(L, p, -1, -2, "M1", &ev, &err), DVK_OK);
    ck_assert_int_eq(ev.eligible, 1);
    ck_assert_int_eq(ev.gate, -1);
    ck_assert_double_eq_tol(ev.points[0], 60, 1e-9);
    ck_assert_double_eq_tol(ev.points[1], 32.5, 1e-9);
    ck_assert(isnan(ev.points[2]));          /* c applies to individuals only */
    ck_assert_str_eq(ev.notes[0], "x");
    ck_assert_double_eq_tol(ev.total, 92.5, 1e-9);
    ck_assert_int_eq(ev.outcome, 0);
    lua_pop(L, 1);
    /* model 2: no address -> gate, catch-all, reason */
    ck_assert_int_eq(dvk_script_push_model(L, p, 2, &c, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_eval(L, p, -1, -2, "M2", &ev, &err), DVK_OK);
    ck_assert_int_eq(ev.eligible, 0);
    ck_assert_int_eq(ev.gate, 0);
    ck_assert_int_eq(ev.outcome, 2);
    ck_assert_str_eq(ev.reason, "không đạt điều kiện \"Có địa chỉ\": thiếu địa chỉ");
    lua_pop(L, 2);
    dvk_eval_free(&ev, p->ncriteria);
    dvk_province_free(L, p);
}
END_TEST

START_TEST(test_eval_bad_points)
{
    static const char *const bad[][2] = {
        {"return 61", "score returned 61, outside [0, 60]"},
        {"return -1", "outside [0, 60]"},
        {"return 0/0", "score returned NaN"},
        {"return '5'", "score returned string \"5\", not a number"},
        {"return nil", "score returned nil, not a number"},
        {"error('boom')", "tp.lua:6: model M1, criterion a: boom"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[4096];
        snprintf(text, sizeof text, "%s%s"
                 "  criteria = {\n"
                 "    {id = 'a', name = 'A', max = 60, score = function(m) %s end},\n"
                 "  },\n" PROVINCE_OUTCOMES PROVINCE_TAIL, PROVINCE_HEAD, PROVINCE_GATES, bad[i][0]);
        char *q = strstr(text, "tiebreak = {'a'}");
        ck_assert_ptr_nonnull(q);
        write_script("provinces/tp.lua", text);
        dvk_province *p = load_ok("tp");
        dvk_error err;
        dvk_eval ev;
        dvk_eval_init(&ev, p->ncriteria);
        dvk_script_ctx c = {2023, "huyen", NULL, ""};
        dvk_script_push_ctx(L, p, &c, &err);
        dvk_script_push_model(L, p, 1, &c, &err);
        ck_assert_int_eq(dvk_script_eval(L, p, -1, -2, "M1", &ev, &err), DVK_EDATA);
        ck_assert_msg(strstr(err.msg, bad[i][1]) != NULL, "'%s' lacks '%s'", err.msg, bad[i][1]);
        ck_assert_msg(strstr(err.msg, "scripts/provinces/tp.lua:6:") == err.msg, "%s", err.msg);
        ck_assert_msg(strstr(err.msg, "model M1, criterion a") != NULL, "%s", err.msg);
        lua_pop(L, 2);
        dvk_eval_free(&ev, p->ncriteria);
        dvk_province_free(L, p);
    }
}
END_TEST

START_TEST(test_require_lib_in_province)
{
    write_script("lib/helpers.lua", "return {half = function(x) return x / 2 end}");
    write_script("provinces/lib.lua",
                 "local h = dvk.require('helpers')\n"
                 "return dvk.province {code = 'lib', name = 'L', levels = {'huyen'},\n"
                 " criteria = {{id = 'a', name = 'A', max = 5, score = function() return h.half(4) end}},\n"
                 " outcomes = {{id = 'y', name = 'Y'}}}");
    dvk_province *p = load_ok("lib");
    ck_assert_uint_eq(dvk_sandbox_file_count(L), 2);
    const char *sha;
    ck_assert_str_eq(dvk_sandbox_file(L, 0, &sha), "scripts/provinces/lib.lua");
    ck_assert_str_eq(dvk_sandbox_file(L, 1, &sha), "scripts/lib/helpers.lua");
    dvk_province_free(L, p);
}
END_TEST

START_TEST(test_sync_fields)
{
    dvk_error err;
    write_script("provinces/tp_test.lua", "error('test files are not provinces')");
    write_script("provinces/_draft.lua", "error('drafts are skipped')");
    ck_assert_int_eq(dvk_script_sync_fields(store, scripts, &err), 1);
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM fields WHERE province = 'tp'"), 2);
    ck_assert_int_eq(dvk_script_sync_fields(store, scripts, &err), 1);     /* idempotent */
    ck_assert_int_eq(tu_int(store, "SELECT count(*) FROM fields"), 2);
    write_script("provinces/broken.lua", "return 1");
    ck_assert_int_eq(dvk_script_sync_fields(store, scripts, &err), -1);
    ck_assert_msg(strstr(err.msg, "broken.lua") != NULL, "%s", err.msg);
}
END_TEST

static void collect(void *ud, const char *line)
{
    char *buf = ud;
    strncat(buf, line, 8000 - strlen(buf));
    strncat(buf, "\n", 8000 - strlen(buf));
}

START_TEST(test_script_tests)
{
    write_script("provinces/tp_test.lua",
                 "return dvk.test {province = 'tp', year = 2023, level = 'huyen',\n"
                 " units = {{code = 'tp', name = 'T', kind = 'province'},\n"
                 "          {code = 'tp/h', name = 'H', kind = 'district', parent = 'tp'}},\n"
                 " cases = {\n"
                 "  {name = 'good', model = {address = 'A', unit = 'tp/h', metrics = {x = 50},\n"
                 "    appraisal = {b = 40}}, expect = {outcome = 'top', total = 70 + 0, points = {a = 30, c = false}}},\n"
                 "  {name = 'gate', model = {metrics = {}}, expect = {eligible = false, gate = 'dia-chi'}},\n"
                 "  {name = 'wrong', model = {address = 'A', metrics = {x = 50}}, expect = {outcome = 'no', total = 31}},\n"
                 "  {name = 'unit', model = {address = 'A', unit = 'tp/h'}, expect = {outcome = 'no'}},\n"
                 " }}\n");
    char out[8192] = "";
    int passed = 0, failed = 0;
    dvk_error err;
    ck_assert_int_eq(dvk_script_test(scripts, NULL, 0, collect, out, &passed, &failed, &err), DVK_OK);
    ck_assert_msg(passed == 2 && failed == 2, "passed %d failed %d: %s", passed, failed, out);
    ck_assert_msg(strstr(out, "case good: expected outcome 'top', got 'ok'") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "case wrong: expected total 31, got 30") != NULL, "%s", out);
}
END_TEST

static void exec_sql(const char *sql)
{
    char *e = NULL;
    ck_assert_msg(sqlite3_exec(dvk_store_db(store), sql, NULL, NULL, &e) == SQLITE_OK, "%s", e);
}

/* Levels come from the description, not from a list in the engine: a province that orders
 * its levels its own way gets its history ordered that way (by m.history and ctx:history). */
START_TEST(test_levels_from_description)
{
    exec_sql("INSERT INTO runs(id, province, year, level, unit, script_path, scripts, started_at)"
             " VALUES (2, 'tp', 2023, 'tinh', NULL, 'scripts/provinces/tp.lua', '{}', 'now');"
             "INSERT INTO results(run, model, eligible, total, outcome, outcome_index, rank,"
             " recognised, exemplary, proposed) VALUES (2, 1, 1, 90, 'top', 0, 1, 1, 1, 0);");
    dvk_province *p = load_ok("tp");
    /* tp: co-so < huyen < tinh: at huyen 2023 the tinh run of 2023 is not earlier */
    expect_model(p, 1, "local m, ctx = ... return #m.history .. ' ' .. #ctx:history('M1')", "1 1");
    dvk_province_free(L, p);
    /* the same province with tinh below huyen: now it is */
    char text[4096];
    snprintf(text, sizeof text, "%s", PROVINCE_HEAD PROVINCE_GATES PROVINCE_CRITERIA
             PROVINCE_OUTCOMES PROVINCE_TAIL);
    char *lv = strstr(text, "{'co-so', 'huyen', 'tinh'}");
    ck_assert_ptr_nonnull(lv);
    memcpy(lv, "{'co-so', 'tinh', 'huyen'}", strlen("{'co-so', 'tinh', 'huyen'}"));
    write_script("provinces/tp.lua", text);
    p = load_ok("tp");
    ck_assert_int_eq(dvk_province_level(p, "tinh"), 1);
    expect_model(p, 1, "local m, ctx = ... return #m.history .. ' ' .. m.history[2].level .. ' '"
                 " .. #ctx:history('M1') .. ' ' .. ctx:history('M1')[2].outcome", "2 tinh 2 top");
    dvk_province_free(L, p);
}
END_TEST

/* A model object made without a description (the REPL's dvk.models) orders its history by
 * its province's levels, loading the province file when the state has not; a province
 * without a file gives the earlier years only, and no error. */
START_TEST(test_history_without_description)
{
    dvk_error err;
    const char *code = "local m = ... return #m.history";
    ck_assert_int_eq(dvk_sandbox_load(L, code, strlen(code), "=t", NULL, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_push_model(L, NULL, 1, NULL, &err), DVK_OK);
    ck_assert_uint_eq(dvk_sandbox_file_count(L), 0);
    ck_assert_int_eq(dvk_sandbox_call(L, 1, 1, &err), DVK_OK);
    ck_assert_int_eq(lua_tointeger(L, -1), 1);               /* the co-so run of 2023 */
    lua_pop(L, 1);
    ck_assert_uint_eq(dvk_sandbox_file_count(L), 1);         /* tp.lua, for its levels */
    exec_sql("INSERT INTO units(code, name, name_key, kind, parent, province) VALUES"
             " ('tz', 'Tỉnh Z', 'tinh z', 'province', NULL, 'tz');"
             "INSERT INTO models(id, code, name, name_key, unit, province, kind, category, field,"
             " level, year, registration, metrics) VALUES (9, 'M9', 'Z', 'z', 'tz', 'tz',"
             " 'tap-the', 'mo-hinh', 'kinh-te', 'huyen', 2023, 'moi', '{}');"
             "INSERT INTO runs(id, province, year, level, unit, script_path, scripts, started_at)"
             " VALUES (5, 'tz', 2022, 'huyen', NULL, 'x', '{}', 'now'),"
             "        (6, 'tz', 2023, 'co-so', NULL, 'x', '{}', 'now');"
             "INSERT INTO results(run, model, eligible, total, outcome, outcome_index, rank,"
             " recognised, exemplary, proposed) VALUES (5, 9, 1, 1, 'a', 0, 1, 1, 0, 0),"
             " (6, 9, 1, 1, 'b', 0, 1, 1, 0, 1);");
    code = "local m = ... return #m.history .. ' ' .. m.history[1].outcome";
    ck_assert_int_eq(dvk_sandbox_load(L, code, strlen(code), "=t", NULL, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_push_model(L, NULL, 9, NULL, &err), DVK_OK);
    ck_assert_int_eq(dvk_sandbox_call(L, 1, 1, &err), DVK_OK);
    ck_assert_str_eq(lua_tostring(L, -1), "1 a");
    lua_pop(L, 1);
}
END_TEST

/* ctx's queries see this province as known at the run: not another province's models or
 * units, not later runs, and not a year a script passes in a table of its own as self. */
START_TEST(test_ctx_scope)
{
    exec_sql("INSERT INTO units(code, name, name_key, kind, parent, province) VALUES"
             " ('tz', 'Tỉnh Z', 'tinh z', 'province', NULL, 'tz');"
             "INSERT INTO models(id, code, name, name_key, unit, province, kind, category, field,"
             " level, year, registration, metrics) VALUES (9, 'M9', 'Mô hình một', 'mo hinh mot',"
             " 'tz', 'tz', 'tap-the', 'mo-hinh', 'kinh-te', 'huyen', 2023, 'moi', '{}');"
             "INSERT INTO runs(id, province, year, level, unit, script_path, scripts, started_at)"
             " VALUES (3, 'tz', 2022, 'huyen', NULL, 'x', '{}', 'now'),"
             "        (4, 'tp', 2024, 'co-so', NULL, 'x', '{}', 'now');"
             "INSERT INTO results(run, model, eligible, total, outcome, outcome_index, rank,"
             " recognised, exemplary, proposed) VALUES (3, 9, 1, 1, 'a', 0, 1, 1, 0, 0),"
             " (4, 1, 1, 1, 'no', 2, 1, 0, 0, 0);");
    dvk_province *p = load_ok("tp");
    const char *f = "local m, ctx = ... return ";
    char code[512];
#define M(expr, want) snprintf(code, sizeof code, "%s%s", f, expr), expect_model(p, 1, code, want)
    M("ctx:count_models('tz')", "0");                        /* another province's unit */
    M("ctx:count_models('nowhere')", "0");
    M("ctx.count_models({year = 2022}, 'tp')", "2");         /* ctx.year, whatever self says */
    M("#ctx:history('M9') .. ' ' .. ctx:replications('M9')", "0 0");
    M("#ctx:history('M1') .. ' ' .. ctx:history('M1')[1].year", "1 2023");   /* not 2024 */
#undef M
    dvk_province_free(L, p);
}
END_TEST

/* m.unit comes from the unit tree: a cycle of parent links ends (each unit once), and the
 * unit objects are shared by every model of the state. */
START_TEST(test_unit_chain)
{
    exec_sql("INSERT INTO units(code, name, name_key, kind, parent, province) VALUES"
             " ('tp/c1', 'C1', 'c1', 'commune', NULL, 'tp'), ('tp/c2', 'C2', 'c2', 'commune', 'tp/c1', 'tp');"
             "UPDATE units SET parent = 'tp/c2' WHERE code = 'tp/c1';"
             "UPDATE models SET unit = 'tp/c1' WHERE id = 2;");
    dvk_province *p = load_ok("tp");
    expect_model(p, 2, "local m = ... return m.unit.code .. '<' .. m.unit.parent.code .. '<' .."
                 " tostring(m.unit.parent.parent)", "tp/c1<tp/c2<nil");
    expect_model(p, 1, "local m = ... return m.unit.parent.name .. ' ' .. m.unit.parent.kind .."
                 " ' ' .. m.unit.parent.province", "Huyện H district tp");
    dvk_province_free(L, p);
}
END_TEST

/* A model object keeps its row's values until a script first reads each (issue 15): read
 * after the statement has moved to other models, in any order, every field is the model's
 * own; a NULL column is nil however often it is read; m.metrics and m.unit are made once;
 * pairs and tostring see every field, read or not. */
START_TEST(test_model_fields_kept)
{
    dvk_province *p = load_ok("tp");
    dvk_error err;
    dvk_script_ctx c = {2023, "huyen", NULL, ""};
    const char *code =
        "local a, b, c = ...\n"
        "local before = tostring(a)\n"                      /* code read by tostring first */
        "local n = 0 for k in pairs(c) do n = n + 1 end\n"   /* every field of c at once */
        "return table.concat({before, b.code, tostring(b.started_on), tostring(b.started_on),"
        " b.name, a.name, a.code, a.metrics.x, tostring(a.metrics == a.metrics),"
        " tostring(a.unit == a.unit), a.unit.code, b.unit.code, tostring(b.address), a.address,"
        " a.id, b.id, a.year, tostring(a.synthetic), c.level, c.address, tostring(n),"
        " tostring(b.description), a.registration}, '|')";
    ck_assert_int_eq(dvk_sandbox_load(L, code, strlen(code), "=t", NULL, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_push_model(L, p, 1, &c, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_push_model(L, p, 2, &c, &err), DVK_OK);
    ck_assert_int_eq(dvk_script_push_model(L, p, 3, &c, &err), DVK_OK);
    ck_assert_msg(dvk_sandbox_call(L, 3, 1, &err) == DVK_OK, "%s", err.msg);
    ck_assert_str_eq(dvk_sandbox_tostring(L, -1),
                     "model M1|M2|nil|nil|Mô hình hai|Mô hình một|M1|100|true|true|tp/h/x|tp/k"
                     "|nil|Thôn 1|1|2|2023|false|co-so|Thôn 3|16|nil|moi");   /* c lacks two */
    lua_pop(L, 1);
    dvk_province_free(L, p);
}
END_TEST

/* A metrics text that is not an object is quoted in the error cut on a character boundary. */
START_TEST(test_metrics_error_utf8)
{
    exec_sql("UPDATE models SET metrics = '[' || replace(hex(zeroblob(29)), '0', 'a') || 'ééé' WHERE id = 2;");
    dvk_error err;
    int top = lua_gettop(L);
    ck_assert_int_eq(dvk_script_push_model(L, NULL, 2, NULL, &err), DVK_EDATA);
    ck_assert_int_eq(lua_gettop(L), top);
    const char *got = err.msg;
    ck_assert_msg(strstr(got, "model M2: metrics are not a flat JSON object ([aaa") == got, "%s", got);
    ck_assert_msg(strstr(got, "aaa)") != NULL, "%s", got);   /* not half of an é */
    ck_assert_msg(dvk_text_valid_utf8(got, strlen(got)), "%s", got);
}
END_TEST

Suite *script_suite(void)
{
    Suite *s = suite_create("script");
    TCase *tc = tcase_create("script");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_load_description);
    tcase_add_test(tc, test_load_errors);
    tcase_add_test(tc, test_model_object);
    tcase_add_test(tc, test_eval);
    tcase_add_test(tc, test_eval_bad_points);
    tcase_add_test(tc, test_require_lib_in_province);
    tcase_add_test(tc, test_sync_fields);
    tcase_add_test(tc, test_script_tests);
    tcase_add_test(tc, test_levels_from_description);
    tcase_add_test(tc, test_history_without_description);
    tcase_add_test(tc, test_ctx_scope);
    tcase_add_test(tc, test_unit_chain);
    tcase_add_test(tc, test_metrics_error_utf8);
    tcase_add_test(tc, test_model_fields_kept);
    suite_add_tcase(s, tc);
    return s;
}
