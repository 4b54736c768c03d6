/* check_coverage.c: `dvk test --coverage` (include/dvk/coverage.h): the executable lines
 * read from a chunk's dump equal what Lua's own debug info (lua_getinfo "L", activelines)
 * lists for every function, nested ones included, also past the 128-instruction and
 * large-gap cases of the line table; the live lines (dead RETURNs left out) still hold every
 * line a line hook sees run; the sandbox's hook takes line and call events only while
 * coverage is on; and a province's test run reports the part no case reached as not hit. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>

#include "dvk/buf.h"
#include "dvk/coverage.h"
#include "dvk/sandbox.h"
#include "dvk/script.h"
#include "testutil.h"

#define MAXLINE 2000

static int writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    return dvk_buf_add(ud, p, sz) != 0;
}

static void mark(void *ud, int line)
{
    ck_assert_int_gt(line, 0);
    ck_assert_int_lt(line, MAXLINE);
    ((unsigned char *)ud)[line] = 1;
}

/* The lines of the chunk compiled from src (all: activelines; else live lines only). */
static void dump_lines(const char *src, int all, unsigned char *lines)
{
    lua_State *L = luaL_newstate();
    ck_assert_int_eq(luaL_loadbufferx(L, src, strlen(src), "@t.lua", "t"), LUA_OK);
    dvk_buf b = DVK_BUF_INIT;
    ck_assert_int_eq(lua_dump(L, writer, &b, 0), 0);
    memset(lines, 0, MAXLINE);
    ck_assert_int_eq(dvk_coverage_dump_lines(b.p, b.len, all, mark, lines), 0);
    /* a cut dump is refused, never read past its end */
    ck_assert_int_eq(dvk_coverage_dump_lines(b.p, b.len - 3, all, mark, lines), -1);
    dvk_buf_free(&b);
    lua_close(L);
}

/* Add the activelines of the function on top of the stack (popped) to lines. */
static void active_lines(lua_State *L, unsigned char *lines)
{
    lua_Debug ar;
    ck_assert(lua_getinfo(L, ">L", &ar));
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_Integer l = lua_tointeger(L, -2);
        ck_assert(l > 0 && l < MAXLINE);
        lines[l] = 1;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* A chunk with nested functions, a vararg one, one of 300 instructions (the line table
 * then has absolute entries) and one with a 200-line gap (a delta too large for a byte).
 * It returns every function it defines, so each one's activelines can be asked. */
static char *sample_chunk(void)
{
    dvk_buf b = DVK_BUF_INIT;
    dvk_buf_adds(&b, "local fns = {}\n"
                     "local function a(x)\n"
                     "  if x > 1 then\n"
                     "    return x * 2\n"
                     "  end\n"
                     "  return x\n"
                     "end\n"
                     "fns[#fns + 1] = a\n"
                     "local function b(...)\n"
                     "  local n = select('#', ...); local function c() return n end\n"
                     "  return c\n"
                     "end\n"
                     "fns[#fns + 1] = b\n"
                     "fns[#fns + 1] = b()\n"
                     "local function long(x)\n");
    for (int i = 0; i < 150; i++)
        dvk_buf_adds(&b, "  x = x + 1\n");
    dvk_buf_adds(&b, "  return x\nend\nfns[#fns + 1] = long\nlocal function gap(x)\n  x = x + 1\n");
    for (int i = 0; i < 200; i++)
        dvk_buf_adds(&b, "\n");
    dvk_buf_adds(&b, "  return x\nend\nfns[#fns + 1] = gap\nreturn fns\n");
    return dvk_buf_take(&b, NULL);
}

START_TEST(dump_lines_equal_activelines)
{
    char *src = sample_chunk();
    unsigned char *got = calloc(MAXLINE, 1), *want = calloc(MAXLINE, 1);
    dump_lines(src, 1, got);
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    ck_assert_int_eq(luaL_loadbufferx(L, src, strlen(src), "@t.lua", "t"), LUA_OK);
    lua_pushvalue(L, -1);
    active_lines(L, want);                                  /* the main chunk */
    ck_assert_int_eq(lua_pcall(L, 0, 1, 0), LUA_OK);        /* fns */
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    ck_assert_int_eq(n, 5);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        active_lines(L, want);
    }
    for (int l = 0; l < MAXLINE; l++)
        ck_assert_msg(got[l] == want[l], "line %d: dump says %d, activelines %d", l, got[l],
                      want[l]);
    ck_assert(want[165] && want[371] && !want[370]);        /* the long and gap parts */
    lua_close(L);
    free(got);
    free(want);
    free(src);
}
END_TEST

static unsigned char *hook_lines;

static void line_hook(lua_State *L, lua_Debug *ar)
{
    (void)L;
    ck_assert(ar->currentline > 0 && ar->currentline < MAXLINE);
    hook_lines[ar->currentline] = 1;
}

/* Every line the VM runs is a live line; the RETURN after a tail call and the final return
 * after an explicit one (line 33 here: `return g {...}` ends there) are not. */
START_TEST(live_lines_hold_every_line_run)
{
    static const char src[] =
        "local function g(x) return x end\n"                                /* 1 */
        "local function f(x)\n"                                             /* 2 */
        "  return g(x)\n"                                                   /* 3 */
        "end\n"                                                             /* 4 */
        "local function flow(n)\n"                                          /* 5 */
        "  local s = 0\n"
        "  for i = 1, n do s = s + i end\n"
        "  for _, v in ipairs({1, 2, 3}) do\n"
        "    if v == 2 then goto skip end\n"
        "    s = s + v\n"                                                   /* 10 */
        "    ::skip::\n"
        "  end\n"
        "  local k = 0\n"
        "  while k < n do\n"
        "    k = k + 1\n"                                                   /* 15 */
        "    if k > 100 then break end\n"
        "  end\n"
        "  repeat k = k - 1 until k <= 0\n"
        "  local t = (n > 2 and 'big') or 'small'\n"
        "  if n == 1 then\n"                                                /* 20 */
        "    s = -s\n"
        "  elseif n == 2 then\n"
        "    s = s * 2\n"
        "  else\n"
        "    s = s + #t\n"                                                  /* 25 */
        "  end\n"
        "  local u = not (s < 0) and s // 1 or 0\n"
        "  return f(u)\n"
        "end\n"
        "local r = flow(1) + flow(2) + flow(5)\n"                          /* 30 */
        "return g {\n"
        "  r = r,\n"
        "}\n";
    unsigned char *all = calloc(MAXLINE, 1), *live = calloc(MAXLINE, 1);
    hook_lines = calloc(MAXLINE, 1);
    dump_lines(src, 1, all);
    dump_lines(src, 0, live);
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    ck_assert_int_eq(luaL_loadbufferx(L, src, sizeof src - 1, "@t.lua", "t"), LUA_OK);
    lua_sethook(L, line_hook, LUA_MASKLINE, 0);
    ck_assert_int_eq(lua_pcall(L, 0, 1, 0), LUA_OK);
    int ran = 0;
    for (int l = 0; l < MAXLINE; l++) {
        ck_assert_msg(!hook_lines[l] || live[l], "line %d ran but is not live", l);
        ck_assert_msg(!live[l] || all[l], "line %d live but not active", l);
        ran += hook_lines[l];
    }
    ck_assert_int_ge(ran, 20);
    ck_assert(all[33] && !live[33]);
    ck_assert(live[3] && live[21] && live[23] && live[25]);
    lua_close(L);
    free(all);
    free(live);
    free(hook_lines);
}
END_TEST

/* Coverage off: the hook takes count events only, as before the feature; on: line and call
 * events too; off again: count only. */
START_TEST(hook_events_only_with_coverage)
{
    dvk_error err;
    lua_State *L = dvk_sandbox_new(NULL, tu_scripts_dir(), NULL, &err);
    ck_assert_ptr_nonnull(L);
    ck_assert_int_eq(lua_gethookmask(L), LUA_MASKCOUNT);
    ck_assert_int_eq(dvk_sandbox_run(L, "local x = 0 for i = 1, 10 do x = x + i end", 42,
                                     "=t", 0, &err), DVK_OK);
    ck_assert_int_eq(lua_gethookmask(L), LUA_MASKCOUNT);
    dvk_coverage *cov = dvk_coverage_new();
    dvk_sandbox_set_coverage(L, cov);
    ck_assert_int_eq(lua_gethookmask(L), LUA_MASKCOUNT | LUA_MASKLINE | LUA_MASKCALL);
    ck_assert_int_eq(dvk_sandbox_run(L, "local x = 0 for i = 1, 10 do x = x + i end", 42,
                                     "=t", 0, &err), DVK_OK);
    ck_assert_int_eq(lua_gethookmask(L), LUA_MASKCOUNT | LUA_MASKLINE | LUA_MASKCALL);
    dvk_sandbox_set_coverage(L, NULL);
    ck_assert_int_eq(lua_gethookmask(L), LUA_MASKCOUNT);
    dvk_sandbox_free(L);
    dvk_coverage_free(cov);
}
END_TEST

static void ignore(void *ud, const char *line)
{
    (void)ud;
    (void)line;
}

/* The coverage province's own tests: the criterion no case makes apply is not hit, the
 * others are, and the never-run function of its library shows. */
START_TEST(parts_not_hit_are_reported)
{
    char scripts[4096];
    snprintf(scripts, sizeof scripts, "%s/tests/data/coverage", DVK_TEST_SOURCE_DIR);
    dvk_coverage *cov = dvk_coverage_new();
    int passed = 0, failed = 0;
    dvk_error err;
    ck_assert_int_eq(dvk_script_test_cover(scripts, NULL, 0, ignore, NULL, cov, &passed,
                                           &failed, &err), DVK_OK);
    ck_assert_int_eq(passed, 3);
    ck_assert_int_eq(failed, 0);
    dvk_buf j = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_coverage_json(cov, &j), 0);
    const char *s = dvk_buf_str(&j);
    ck_assert_msg(strstr(s, "\"kind\":\"criterion\",\"id\":\"ca-nhan\",\"cases\":0}"), "%s", s);
    ck_assert_msg(strstr(s, "\"kind\":\"criterion\",\"id\":\"hieu-qua\",\"cases\":2}"), "%s", s);
    ck_assert_msg(strstr(s, "\"id\":\"thoi-gian\",\"cases\":3,\"turned_away\":1}"), "%s", s);
    ck_assert_msg(strstr(s, "\"path\":\"scripts/lib/cov_diem.lua\",\"lines\":11,\"hit\":9,"
                            "\"never_run\":[[15,16]]"), "%s", s);
    dvk_buf t = DVK_BUF_INIT;
    ck_assert_int_eq(dvk_coverage_text(cov, &t), 0);
    ck_assert_msg(strstr(dvk_buf_str(&t), "criterion ca-nhan                      NOT HIT\n"),
                  "%s", dvk_buf_str(&t));
    dvk_buf_free(&j);
    dvk_buf_free(&t);
    dvk_coverage_free(cov);
}
END_TEST

Suite *coverage_suite(void)
{
    Suite *s = suite_create("coverage");
    TCase *tc = tcase_create("coverage");
    tcase_add_test(tc, dump_lines_equal_activelines);
    tcase_add_test(tc, live_lines_hold_every_line_run);
    tcase_add_test(tc, hook_events_only_with_coverage);
    tcase_add_test(tc, parts_not_hit_are_reported);
    suite_add_tcase(s, tc);
    return s;
}
