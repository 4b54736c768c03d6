/* check_sandbox.c: the Lua sandbox: allow list, attacks (each its own test), limits,
 * determinism and the dvk helpers. Every attack must end with a clear error, in bounded
 * time, with the database unchanged. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lualib.h>

#include "dvk/sandbox.h"
#include "testutil.h"

static dvk_store *store;
static char *dir;
static lua_State *L;
static long long changes_before;

static void setup(void)
{
    store = tu_store(&dir);
    changes_before = sqlite3_total_changes(dvk_store_db(store));
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lim.instructions = 2000000;
    lim.mem_bytes = 16u << 20;
    lim.wall_seconds = 20;
    dvk_error err;
    L = dvk_sandbox_new(store, dir, &lim, &err);
    ck_assert_msg(L != NULL, "%s", err.msg);
}

static void teardown(void)
{
    dvk_sandbox_free(L);
    ck_assert_int_eq(sqlite3_total_changes(dvk_store_db(store)), changes_before);
    dvk_store_close(store);
    tu_rmdir(dir);
    free(dir);
}

/* Run code; expect failure whose message contains want. Returns elapsed seconds. */
static double expect_error(const char *code, const char *want)
{
    dvk_error err;
    dvk_error_clear(&err);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int top = lua_gettop(L);
    int rc = dvk_sandbox_run(L, code, strlen(code), "=attack", 0, &err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_msg(rc != DVK_OK, "expected an error from: %s", code);
    ck_assert_int_eq(lua_gettop(L), top);
    /* want may list alternatives separated by '|' */
    int found = 0;
    char alts[512];
    snprintf(alts, sizeof alts, "%s", want);
    for (char *save = NULL, *alt = strtok_r(alts, "|", &save); alt;
         alt = strtok_r(NULL, "|", &save))
        found |= strstr(err.msg, alt) != NULL;
    ck_assert_msg(found, "error '%s' lacks '%s'", err.msg, want);
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* Run code returning one value; return it as a string (copied). */
static char *eval(const char *code)
{
    dvk_error err;
    dvk_error_clear(&err);
    int rc = dvk_sandbox_run(L, code, strlen(code), "=test", 1, &err);
    ck_assert_msg(rc == DVK_OK, "%s: %s", code, err.msg);
    char *s = strdup(dvk_sandbox_tostring(L, -1));
    lua_pop(L, 2);
    return s;
}

static void expect_value(const char *code, const char *want)
{
    char *got = eval(code);
    ck_assert_msg(strcmp(got, want) == 0, "%s -> '%s', expected '%s'", code, got, want);
    free(got);
}

/* The global set (and each library's members) equals the allow list, exactly. */
START_TEST(test_globals_equal_allow_list)
{
    const char *code =
        "local out = {}\n"
        "for k, v in pairs(_G) do\n"
        "  out[#out + 1] = k\n"
        "  if k ~= '_G' and k ~= 'dvk' and type(v) == 'table' then\n"
        "    for m in pairs(v) do out[#out + 1] = k .. '.' .. m end\n"
        "  end\n"
        "end\n"
        "table.sort(out)\n"
        "return table.concat(out, ' ')";
    char *got = eval(code);
    /* expected: the allow list, sorted */
    const char *names[200];
    size_t n = 0;
    const char *name;
    while ((name = dvk_sandbox_allowed(n, NULL)) != NULL) {
        const char *reason = NULL;
        dvk_sandbox_allowed(n, &reason);
        ck_assert_msg(reason && *reason, "allow entry %s has no reason", name);
        names[n++] = name;
        ck_assert_uint_lt(n, 200);
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    char want[8192] = "";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(want, " ");
        strcat(want, names[i]);
    }
    ck_assert_str_eq(got, want);
    free(got);
}
END_TEST

START_TEST(test_no_os_io_package_debug)
{
    expect_error("return os.time()", "unknown global 'os'");
    expect_error("return io.open('/etc/passwd')", "unknown global 'io'");
    expect_error("return package.loadlib('x', 'y')", "unknown global 'package'");
    expect_error("return debug.getregistry()", "unknown global 'debug'");
    expect_error("return dofile('/etc/passwd')", "unknown global 'dofile'");
    expect_error("return loadfile('/etc/passwd')", "unknown global 'loadfile'");
    expect_error("return load('return 1')", "unknown global 'load'");
    expect_error("return collectgarbage('count')", "unknown global 'collectgarbage'");
    expect_error("return next({})", "unknown global 'next'");
    expect_error("rawset(_G, 'x', 1)", "unknown global 'rawset'");
}
END_TEST

START_TEST(test_require_c_module)
{
    expect_error("return require('socket.core')", "cannot open");
    expect_error("return require('/usr/lib/x86_64-linux-gnu/liblua5.4.so')", "not a library name");
    expect_error("return require('../provinces/x')", "not a library name");
    expect_error("return dvk.require('os')", "cannot open");
}
END_TEST

typedef struct dump_buf {
    char data[4096];
    size_t len;
} dump_buf;

static int dump_writer(lua_State *Ld, const void *p, size_t sz, void *ud)
{
    dump_buf *b = ud;
    if (b->len + sz > sizeof b->data)
        return 1;
    memcpy(b->data + b->len, p, sz);
    b->len += sz;
    return 0;
}

START_TEST(test_binary_chunk)
{
    /* a real binary chunk, made by an unsandboxed state */
    static dump_buf bin;
    bin.len = 0;
    lua_State *raw = luaL_newstate();
    ck_assert_int_eq(luaL_loadstring(raw, "return 42"), LUA_OK);
    ck_assert_int_eq(lua_dump(raw, dump_writer, &bin, 0), 0);
    lua_close(raw);
    ck_assert(bin.len > 4 && memcmp(bin.data, "\x1bLua", 4) == 0);
    dvk_error err;
    int rc = dvk_sandbox_run(L, bin.data, bin.len, "=attack", 0, &err);
    ck_assert_int_ne(rc, DVK_OK);
    ck_assert_msg(strstr(err.msg, "binary chunk") != NULL, "%s", err.msg);
    /* and through require: scripts/lib/bin.lua holding a binary chunk */
    char *lib = tu_path(dir, "lib");
    ck_assert_int_eq(mkdir(lib, 0700), 0);
    char *p = tu_path(lib, "bin.lua");
    tu_write(p, bin.data, bin.len);
    expect_error("return require('bin')", "binary chunk");
    free(p);
    free(lib);
}
END_TEST

START_TEST(test_string_dump)
{
    expect_value("return tostring(string.dump)", "nil");
    expect_error("return string.dump(function() end)", "attempt to call a nil value");
    expect_error("return ('x'):dump()", "attempt to call a nil value");
}
END_TEST

START_TEST(test_infinite_loop)
{
    double t = expect_error("while true do end", "instruction budget exhausted");
    ck_assert_msg(t < 10, "took %f s", t);
}
END_TEST

START_TEST(test_infinite_loop_in_pcall)
{
    double t = expect_error(
        "for i = 1, 100 do pcall(function() while true do end end) end\n"
        "while true do pcall(error, 'x') end", "instruction budget exhausted");
    ck_assert_msg(t < 10, "took %f s", t);
    /* xpcall with a looping handler as well */
    expect_error("xpcall(function() while true do end end, function() while true do end end)\n"
                 "return 1", "instruction budget exhausted");
}
END_TEST

START_TEST(test_infinite_loop_in_coroutine)
{
    expect_error("local co = coroutine.wrap(function() while true do end end) co()",
                 "instruction budget exhausted");
    expect_error("while true do\n"
                 "  local co = coroutine.create(function() while true do end end)\n"
                 "  coroutine.resume(co)\n"
                 "end", "instruction budget exhausted");
    expect_error("local co = coroutine.create(function() while true do coroutine.yield() end end)\n"
                 "while true do coroutine.resume(co) end", "instruction budget exhausted");
    /* the state is usable afterwards, with a fresh budget */
    expect_value("local n = 0 for i = 1, 1000 do n = n + i end return n", "500500");
}
END_TEST

START_TEST(test_memory_growth)
{
    dvk_error err;
    const char *code = "local s = 'x' while true do s = s .. s end";
    int rc = dvk_sandbox_run(L, code, strlen(code), "=attack", 0, &err);
    ck_assert_int_eq(rc, DVK_ENOMEM);
    ck_assert_msg(strstr(err.msg, "memory limit exceeded") != NULL, "%s", err.msg);
    ck_assert_uint_le(dvk_sandbox_memory(L), 16u << 20);
    /* inside pcall: the memory error is caught by the script, which can carry on */
    expect_value("local ok, e = pcall(function() local s = 'x' while true do s = s .. s end end) "
                 "return tostring(ok) .. ' ' .. e", "false not enough memory");
    expect_value("return 1 + 1", "2");
}
END_TEST

START_TEST(test_string_rep_huge)
{
    double t = expect_error("return string.rep('x', 2^31)", "too large");
    ck_assert(t < 5);
    expect_error("return ('ab'):rep(1 << 40, ',')", "too large");
    expect_value("return #string.rep('ab', 3, ',')", "8");
}
END_TEST

START_TEST(test_deep_recursion)
{
    expect_error("local function f(n) return 1 + f(n + 1) end return f(1)",
                 "stack overflow|memory limit exceeded");
    expect_error("local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) "
                 "return t[k] end return t.x", "stack overflow|C stack overflow|memory limit");
    expect_error("local function f() return pcall(f) end while true do f() end",
                 "stack overflow|instruction budget exhausted|memory limit");
}
END_TEST

START_TEST(test_gc_loop)
{
    expect_error("setmetatable({}, {__gc = function() while true do end end})",
                 "__gc metamethods are not allowed");
    /* adding __gc later does not make the object finalizable (Lua rule); closing is bounded */
    expect_value("local mt = {} local t = setmetatable({}, mt) "
                 "mt.__gc = function() while true do end end return 'ok'", "ok");
}
END_TEST

START_TEST(test_error_tostring_loop)
{
    double t = expect_error(
        "error(setmetatable({}, {__tostring = function() while true do end end}))",
        "error object is a table value");
    ck_assert(t < 10);
    expect_error("error(setmetatable({}, {__tostring = function(e) return tostring(e) end}))",
                 "error object is a table value");
}
END_TEST

START_TEST(test_poison_libraries)
{
    expect_error("string.upper = function() return 'pwned' end", "read-only");
    expect_error("math.floor = nil", "read-only");
    expect_error("table.insert = print", "read-only");
    expect_error("dvk.clamp = nil", "read-only");
    expect_error("getmetatable('').__index = {}", "attempt to index a string value");
    expect_error("setmetatable(string, {})", "protected metatable");
    expect_error("string = {}", "read-only global 'string'");
    expect_error("_G.math = {}", "read-only global 'math'");
    expect_value("return getmetatable('')", "read-only");
    expect_value("return getmetatable(string)", "read-only");
    expect_value("return rawget(string, 'upper')", "nil");
    /* pristine for the next chunk, and for a new state (the next province) */
    expect_value("return ('abc'):upper() .. math.floor(2.5)", "ABC2");
    dvk_error err;
    lua_State *L2 = dvk_sandbox_new(NULL, dir, NULL, &err);
    ck_assert_ptr_nonnull(L2);
    ck_assert_int_eq(dvk_sandbox_run(L2, "return ('x'):upper()", 20, "=t", 1, &err), DVK_OK);
    ck_assert_str_eq(lua_tostring(L2, -1), "X");
    dvk_sandbox_free(L2);
}
END_TEST

START_TEST(test_write_globals)
{
    expect_error("x = 1", "assignment to undeclared global 'x'");
    expect_error("return undefined_name", "unknown global 'undefined_name'");
    expect_error("pairs = nil", "read-only global 'pairs'");
    expect_error("_G[1] = true", "undeclared global");
    /* REPL mode: new globals allowed, allow-listed ones still read-only */
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lim.user_globals = 1;
    dvk_error err;
    lua_State *L2 = dvk_sandbox_new(NULL, dir, &lim, &err);
    ck_assert_ptr_nonnull(L2);
    ck_assert_int_eq(dvk_sandbox_run(L2, "x = 41", 6, "=repl", 0, &err), DVK_OK);
    ck_assert_int_eq(dvk_sandbox_run(L2, "return x + 1", 12, "=repl", 1, &err), DVK_OK);
    ck_assert_int_eq(lua_tointeger(L2, -1), 42);
    lua_pop(L2, 1);
    ck_assert_int_ne(dvk_sandbox_run(L2, "print = 1", 9, "=repl", 0, &err), DVK_OK);
    ck_assert_msg(strstr(err.msg, "read-only") != NULL, "%s", err.msg);
    dvk_sandbox_free(L2);
}
END_TEST

START_TEST(test_interrupt)
{
    dvk_sandbox_interrupt(L);
    dvk_error err;
    const char *code = "while true do end";
    ck_assert_int_eq(dvk_sandbox_run(L, code, strlen(code), "=repl", 0, &err), DVK_EINTR);
    ck_assert_msg(strstr(err.msg, "interrupted") != NULL, "%s", err.msg);
    /* cleared: the next chunk runs */
    expect_value("return 7", "7");
}
END_TEST

START_TEST(test_interrupt_flag)
{
    /* a host flag (set by a SIGINT handler) stops a chunk too, and is left set */
    static volatile sig_atomic_t flag;
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lim.interrupt_flag = &flag;
    dvk_error err;
    lua_State *L2 = dvk_sandbox_new(NULL, dir, &lim, &err);
    ck_assert_ptr_nonnull(L2);
    ck_assert_int_eq(dvk_sandbox_run(L2, "return 1", 8, "=t", 1, &err), DVK_OK);
    lua_pop(L2, 1);
    flag = 1;
    ck_assert_int_eq(dvk_sandbox_run(L2, "while true do end", 17, "=t", 0, &err), DVK_EINTR);
    ck_assert_int_eq(flag, 1);
    flag = 0;
    ck_assert_int_eq(dvk_sandbox_run(L2, "return 2", 8, "=t", 1, &err), DVK_OK);
    lua_pop(L2, 1);
    dvk_sandbox_free(L2);
}
END_TEST

static volatile sig_atomic_t alarm_flag;
static void on_alarm(int sig) { alarm_flag = 1; }

/* Ctrl-C while a chunk runs: a signal handler sets the flag; pcall cannot swallow it. */
START_TEST(test_interrupt_by_signal)
{
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lim.instructions = 0;
    lim.wall_seconds = 30;
    lim.interrupt_flag = &alarm_flag;
    dvk_error err;
    lua_State *L2 = dvk_sandbox_new(NULL, dir, &lim, &err);
    ck_assert_ptr_nonnull(L2);
    signal(SIGALRM, on_alarm);
    alarm(1);
    const char *code = "while true do pcall(function() while true do end end) end";
    ck_assert_int_eq(dvk_sandbox_run(L2, code, strlen(code), "=repl", 0, &err), DVK_EINTR);
    ck_assert_msg(strstr(err.msg, "interrupted") != NULL, "%s", err.msg);
    dvk_sandbox_free(L2);
}
END_TEST

START_TEST(test_wall_clock)
{
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lim.instructions = 0;                 /* unlimited: only the clock stops it */
    lim.wall_seconds = 0.3;
    dvk_error err;
    lua_State *L2 = dvk_sandbox_new(NULL, dir, &lim, &err);
    ck_assert_ptr_nonnull(L2);
    const char *code = "while true do pcall(function() end) end";
    ck_assert_int_eq(dvk_sandbox_run(L2, code, strlen(code), "=t", 0, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "wall-clock limit exceeded") != NULL, "%s", err.msg);
    dvk_sandbox_free(L2);
}
END_TEST

START_TEST(test_error_positions)
{
    expect_error("local x = nil\nreturn x.y", "attack:2:");
    expect_error("error({})", "attack:1: (error object is a table value)");
    expect_error("return dvk.clamp(nil)", "attack:1: dvk.clamp: argument 1 is nil");
    dvk_error err;
    ck_assert_int_ne(dvk_sandbox_run(L, "return (", 8, "=repl", 0, &err), DVK_OK);
    ck_assert_msg(strncmp(err.msg, "repl:1:", 7) == 0, "%s", err.msg);
    int incomplete = 0;
    ck_assert_int_ne(dvk_sandbox_load(L, "for i = 1, 2 do", 15, "=repl", &incomplete, &err),
                     DVK_OK);
    ck_assert_int_eq(incomplete, 1);
    ck_assert_int_ne(dvk_sandbox_load(L, "x = = 1", 7, "=repl", &incomplete, &err), DVK_OK);
    ck_assert_int_eq(incomplete, 0);
    ck_assert_int_ne(dvk_sandbox_run(L, "local function f() error('boom') end f()", 40, "=t", 0,
                                     &err), DVK_OK);
    ck_assert_msg(strstr(dvk_sandbox_traceback(L), "stack traceback:") != NULL, "%s",
                  dvk_sandbox_traceback(L));
}
END_TEST

START_TEST(test_determinism)
{
    expect_value("local t = {} for _, k in ipairs({'zeta','alpha','mu', 3, 1, 2}) do t[k] = true end "
                 "local o = {} for k in pairs(t) do o[#o+1] = tostring(k) end "
                 "return table.concat(o, ',')", "1,2,3,alpha,mu,zeta");
    expect_value("return tostring({})", "table");
    expect_value("return tostring(print)", "function");
    expect_error("return string.format('%p', {})", "not allowed");
    expect_value("return string.format('%s|%s|%5.1f', {}, print, 2.25)", "table|function|  2.2");
    expect_value("return string.format('%s', setmetatable({}, {__tostring = function() "
                 "return 'T' end}))", "T");
    expect_error("math.randomseed()", "number expected");
    expect_value("math.randomseed(5) local a = math.random(100) math.randomseed(5) "
                 "return a == math.random(100)", "true");
}
END_TEST

START_TEST(test_random_is_seeded)
{
    /* two fresh states give the same first random numbers */
    dvk_error err;
    lua_State *a = dvk_sandbox_new(NULL, dir, NULL, &err);
    lua_State *b = dvk_sandbox_new(NULL, dir, NULL, &err);
    ck_assert_int_eq(dvk_sandbox_run(a, "return math.random(1, 1 << 40)", 30, "=t", 1, &err), 0);
    ck_assert_int_eq(dvk_sandbox_run(b, "return math.random(1, 1 << 40)", 30, "=t", 1, &err), 0);
    ck_assert_int_eq(lua_tointeger(a, -1), lua_tointeger(b, -1));
    dvk_sandbox_free(a);
    dvk_sandbox_free(b);
}
END_TEST

START_TEST(test_pattern_guard)
{
    expect_error("local s = string.rep('a', 200000) return s:find('.-.-.-b')", "pattern too costly");
    expect_value("return ('Dân vận khéo'):gsub('%s+', '-')", "Dân-vận-khéo");
    expect_value("return ('a.b'):find('.', 1, true)", "2");
}
END_TEST

START_TEST(test_helpers)
{
    expect_value("return dvk.clamp(1.5)", "1");
    expect_value("return dvk.clamp(0.25)", "0.25");
    expect_value("return dvk.clamp(-2, -1, 1)", "-1");
    expect_value("return dvk.scale(15, 10, 20)", "0.5");
    expect_value("return dvk.scale(25, 10, 20)", "1.0");
    expect_value("return dvk.months('2022-01-15', '2023-01-14')", "11");
    expect_value("return dvk.months('2022-01-15', '2023-01-15')", "12");
    expect_value("return dvk.years('2020-06-30', '2023-06-29')", "2");
    expect_value("return dvk.round(1.005)", "1.01");
    expect_value("return dvk.round(2.675)", "2.68");
    expect_value("return dvk.round(12.344)", "12.34");
    expect_error("return dvk.months(nil, '2023-12-31')", "date 1 is nil");
    expect_error("return dvk.months('31/12/2023', '2023-12-31')", "must be \"YYYY-MM-DD\"");
    expect_error("return dvk.scale(0/0, 0, 1)", "NaN");
    expect_value("return dvk.lower('ĐẠI Hội')", "đại hội");
    expect_value("return dvk.key('Dân Vận  Khéo Đồng')", "dan van kheo dong");
}
END_TEST

START_TEST(test_require_lib)
{
    char *lib = tu_path(dir, "lib");
    ck_assert_int_eq(mkdir(lib, 0700), 0);
    char *p = tu_path(lib, "util.lua");
    tu_write(p, "local M = {} function M.twice(x) return 2 * x end return M", (size_t)-1);
    expect_value("local u = require('util') return u.twice(21)", "42");
    expect_value("return dvk.require('util') == require('util')", "true");
    ck_assert_uint_eq(dvk_sandbox_file_count(L), 1);
    const char *sha = NULL;
    ck_assert_str_eq(dvk_sandbox_file(L, 0, &sha), "scripts/lib/util.lua");
    ck_assert_uint_eq(strlen(sha), 64);
    free(p);
    free(lib);
}
END_TEST

START_TEST(test_readonly_view)
{
    lua_newtable(L);
    lua_pushinteger(L, 5);
    lua_setfield(L, -2, "x");
    lua_newtable(L);
    lua_pushinteger(L, 6);
    lua_rawseti(L, -2, 1);
    lua_setfield(L, -2, "list");
    dvk_sandbox_push_readonly(L, -1);
    lua_remove(L, -2);
    const char *code = "local v = ... return v.x + v.list[1] + #v.list";
    dvk_error err;
    ck_assert_int_eq(dvk_sandbox_load(L, code, strlen(code), "=t", NULL, &err), DVK_OK);
    lua_insert(L, -2);
    ck_assert_int_eq(dvk_sandbox_call(L, 1, 1, &err), DVK_OK);
    ck_assert_int_eq(lua_tointeger(L, -1), 12);
    lua_pop(L, 1);
}
END_TEST

Suite *sandbox_suite(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("sandbox");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_globals_equal_allow_list);
    tcase_add_test(tc, test_no_os_io_package_debug);
    tcase_add_test(tc, test_require_c_module);
    tcase_add_test(tc, test_binary_chunk);
    tcase_add_test(tc, test_string_dump);
    tcase_add_test(tc, test_infinite_loop);
    tcase_add_test(tc, test_infinite_loop_in_pcall);
    tcase_add_test(tc, test_infinite_loop_in_coroutine);
    tcase_add_test(tc, test_memory_growth);
    tcase_add_test(tc, test_string_rep_huge);
    tcase_add_test(tc, test_deep_recursion);
    tcase_add_test(tc, test_gc_loop);
    tcase_add_test(tc, test_error_tostring_loop);
    tcase_add_test(tc, test_poison_libraries);
    tcase_add_test(tc, test_write_globals);
    tcase_add_test(tc, test_interrupt);
    tcase_add_test(tc, test_interrupt_flag);
    tcase_add_test(tc, test_interrupt_by_signal);
    tcase_add_test(tc, test_wall_clock);
    tcase_add_test(tc, test_error_positions);
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_random_is_seeded);
    tcase_add_test(tc, test_pattern_guard);
    tcase_add_test(tc, test_helpers);
    tcase_add_test(tc, test_require_lib);
    tcase_add_test(tc, test_readonly_view);
    suite_add_tcase(s, tc);
    return s;
}
