/* sandbox.c: the Lua 5.4 sandbox: allow-listed globals, read-only libraries, counting
 * allocator, one work budget (VM instructions, plus the work C functions do: elements they
 * touch, bytes they scan or allocate), wall-clock deadline, interrupt flag, deterministic
 * iteration and sorting, and the dvk helpers. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "dvk/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <lualib.h>

#include "dvk/coverage.h"
#include "dvk/fault.h"
#include "dvk/format.h"
#include "dvk/paths.h"
#include "dvk/sha256.h"
#include "dvk/text.h"
#include "match.h"

#define HOOK_EVERY 1000            /* instructions between budget/deadline/interrupt checks */
#define CHECK_EVERY 100000         /* units charged by C code between deadline checks */
#define ALLOC_BYTES_PER_UNIT 64    /* bytes a state allocates per unit of budget (a
                                      cache line: about one instruction's time) */
#define ALLOC_CHECK_BYTES (8u << 20) /* bytes allocated between deadline checks */
#define KILLED_ALLOC_MAX (64u << 10) /* once killed, larger allocations fail at once */
/* What C work costs, in budget units (one unit ~ one VM instruction, ~4 ns), measured
 * against `while true do end` on the same machine: */
#define SCAN_BYTES_PER_UNIT 16     /* bytes per unit of a memchr/memcmp-like scan */
#define PARSE_BYTES_PER_UNIT 4     /* bytes per unit of a byte loop: strtod, a pack format,
                                      skipping UTF-8 continuation bytes */
#define DECODE_BYTES_PER_UNIT 2    /* bytes per unit of UTF-8 decoding */
#define TEXT_UNITS_PER_BYTE 5      /* units per byte of Unicode case mapping (dvk.lower...) */
#define ELEMENT_UNITS 5            /* a table element read or written through the C API, a
                                      merge step of table.sort */
#define RESULT_UNITS 2             /* a value returned by a C function (the VM copies it on) */
#define STRING_MAX (16u << 20)     /* largest string string.rep may build */
#define SCRIPT_FILE_MAX (4u << 20) /* largest script file */

/* Registry keys (addresses of these statics are unique). */
static const char REG_DVK = 'd';       /* the real dvk module table */
static const char REG_ALLOWED = 'a';   /* the real table behind the global environment */
static const char REG_LOADED = 'l';    /* dvk.require cache: name -> value */
static const char REG_MARKS = 'm';     /* weak table: description -> "province" | "test" */
static const char REG_SCRIPT_DVK = 's';  /* the dvk table of province and library code */
static const char REG_SCRIPT_ENV = 'e';  /* the environment of province and library chunks */

enum { KILL_NONE, KILL_BUDGET, KILL_INTERRUPT, KILL_DEADLINE, KILL_CALL_DEADLINE };

typedef struct sb_file {
    char *path;
    char sha[65];
} sb_file;

typedef struct sandbox {
    dvk_store *store;
    char *scripts_dir;
    char *builtin_dir;              /* the shipped scripts (dvk_paths_builtin_scripts), where
                                       lib/ files missing from scripts_dir are read; NULL
                                       when it is scripts_dir itself */
    char *lib_chunk[2];             /* "@<scripts_dir>/lib/", "@<builtin_dir>/lib/": the
                                       chunk names of library files */
    dvk_sandbox_limits lim;
    lua_State *main;                /* the state's main thread */
    size_t mem;                     /* bytes allocated now */
    int oom_cap;                    /* the last refused allocation hit the cap (1) or the
                                       machine had no memory for it (0) */
    long long used;                 /* budget units used by the current outermost call */
    long long check_left;           /* units C code may charge before the next deadline
                                       check */
    size_t alloc_rem;               /* bytes allocated not yet charged (< one unit) */
    size_t alloc_check;             /* bytes allocated since the last deadline check */
    int depth;                      /* nesting of dvk_sandbox_call */
    volatile sig_atomic_t interrupt;
    int killed;
    double deadline;                /* CLOCK_MONOTONIC seconds; 0: none */
    double run_deadline;            /* deadline of the running outermost call (call_seconds);
                                       0: none */
    sb_file *files;
    size_t nfiles, capfiles;
    char traceback[8192];
    dvk_coverage *cov;              /* dvk test --coverage: lines and calls counted; NULL */
} sandbox;

/* ------------------------------------------------------------------ state access */

static sandbox *sb_get(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

static double now_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sb_hook(lua_State *L, lua_Debug *ar);

/* The hook's events outside a kill: the budget's count events, and with coverage on, line
 * and call events too (off: exactly the budget's, so coverage costs nothing then). */
static int sb_mask(const sandbox *sb)
{
    return sb->cov ? LUA_MASKCOUNT | LUA_MASKLINE | LUA_MASKCALL : LUA_MASKCOUNT;
}

/* Add units to the running call's count, saturating (a refused range may be near 2^63). */
static void add_used(sandbox *sb, long long units)
{
    if (units > 0)
        sb->used = units > LLONG_MAX - sb->used ? LLONG_MAX : sb->used + units;
}

/* Which limit, if any, the running call has passed: the interrupt flags, the budget, the
 * deadlines (checking the clock costs a system call: callers do it every so often). */
static int over_limits(const sandbox *sb, int check_clock)
{
    if (sb->interrupt || (sb->lim.interrupt_flag && *sb->lim.interrupt_flag))
        return KILL_INTERRUPT;
    if (sb->lim.instructions > 0 && sb->used > sb->lim.instructions)
        return KILL_BUDGET;
    if (check_clock && (sb->deadline > 0 || sb->run_deadline > 0)) {
        double now = now_monotonic();
        if (sb->deadline > 0 && now > sb->deadline)
            return KILL_DEADLINE;
        if (sb->run_deadline > 0 && now > sb->run_deadline)
            return KILL_CALL_DEADLINE;
    }
    return KILL_NONE;
}

/* Decide to kill the running call: every instruction of the main thread (and of the
 * thread L, when it is another) raises from now on, until dvk_sandbox_call clears it.
 * Safe from the allocator (lua_sethook only sets fields, as from a signal handler). */
static void arm_kill(sandbox *sb, lua_State *L, int why)
{
    sb->killed = why;
    lua_sethook(sb->main, sb_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    if (L && L != sb->main)
        lua_sethook(L, sb_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
}

/* The message of a kill, without position; what (may be NULL) says which C function was
 * running ("string.rep"). */
static void kill_text(const sandbox *sb, const char *what, char *buf, size_t n)
{
    int k;
    switch (sb->killed) {
    case KILL_INTERRUPT:
        k = snprintf(buf, n, "interrupted");
        break;
    case KILL_BUDGET:
        k = snprintf(buf, n, "instruction budget exhausted (%lld instructions)",
                     sb->lim.instructions);
        break;
    case KILL_CALL_DEADLINE:
        k = snprintf(buf, n, "time limit exceeded (%g s per run)", sb->lim.call_seconds);
        break;
    default:
        k = snprintf(buf, n, "wall-clock limit exceeded (%g s)", sb->lim.wall_seconds);
        break;
    }
    if (what && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, " in %s", what);
}

/* Raise the kill's error in L (a position is added by luaL_error). */
static int raise_kill(lua_State *L, const sandbox *sb, const char *what)
{
    char msg[256];
    kill_text(sb, what, msg, sizeof msg);
    return luaL_error(L, "%s", msg);
}

/* Counting allocator: refuses growth past the cap, so Lua raises a memory error. Growth is
 * also work: every ALLOC_BYTES_PER_UNIT bytes cost one unit of the running call's budget
 * (a loop of `s = s .. s` or string.rep is one instruction a step but copies megabytes).
 * Once the call is killed, large allocations fail at once, so a C function or an
 * instruction that copies megabytes stops while the kill is raised; small ones (error
 * messages, tracebacks) still succeed. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->mem -= old;
        return NULL;
    }
    size_t grow = nsize > old ? nsize - old : 0;
    if (grow > KILLED_ALLOC_MAX && sb->killed && sb->depth > 0) {
        sb->oom_cap = 0;
        return NULL;
    }
    if (grow && sb->mem + grow > sb->lim.mem_bytes) {
        sb->oom_cap = 1;
        return NULL;
    }
    void *p = grow && dvk_fault_should_fail() ? NULL : realloc(ptr, nsize);
    if (!p) {
        sb->oom_cap = 0;
        return NULL;
    }
    sb->mem = sb->mem - old + nsize;
    if (grow && sb->depth > 0) {
        /* charged once it succeeded: Lua retries a refused allocation after a full GC */
        sb->alloc_rem += grow;
        add_used(sb, (long long)(sb->alloc_rem / ALLOC_BYTES_PER_UNIT));
        sb->alloc_rem %= ALLOC_BYTES_PER_UNIT;
        sb->alloc_check += grow;
        if (!sb->killed) {
            int clock = sb->alloc_check >= ALLOC_CHECK_BYTES;
            if (clock)
                sb->alloc_check = 0;
            int why = over_limits(sb, clock);
            if (why)
                arm_kill(sb, NULL, why);
        }
    }
    return p;
}

/* What a Lua memory error means: the script went over the state's cap, or the machine is
 * out of memory. */
static void oom_message(const sandbox *sb, char *buf, size_t n)
{
    if (sb->oom_cap)
        snprintf(buf, n, "memory limit exceeded (%zu MiB)", sb->lim.mem_bytes >> 20);
    else
        snprintf(buf, n, "out of memory");
}

/* The budget hook. Runs every HOOK_EVERY instructions on every thread (coroutines inherit
 * it). Once it has decided to kill, it re-arms itself on every instruction of whatever
 * thread runs, so a pcall that catches the error gets the error again at its next
 * instruction, until control is back in C (dvk_sandbox_call), which clears the kill. */
/* A library chunk is named by its real path ("@<root>/lib/x.lua"); coverage counts it under
 * the name runs record ("@scripts/lib/x.lua"), whichever root it came from. */
static const char *cov_source(const sandbox *sb, const char *source, char *buf, size_t n)
{
    for (int i = 0; source && i < 2; i++) {
        const char *p = sb->lib_chunk[i];
        size_t len = p ? strlen(p) : 0;
        if (len && strncmp(source, p, len) == 0) {
            snprintf(buf, n, "@scripts/lib/%s", source + len);
            return buf;
        }
    }
    return source;
}

static void sb_hook(lua_State *L, lua_Debug *ar)
{
    sandbox *sb = sb_get(L);
    char src[4200];
    if (sb->cov && ar->event != LUA_HOOKCOUNT && !sb->killed) {
        /* coverage: a line or a call (the budget counts only count events) */
        if (ar->event == LUA_HOOKLINE) {
            if (lua_getinfo(L, "S", ar))
                dvk_coverage_line(sb->cov, cov_source(sb, ar->source, src, sizeof src),
                                  ar->currentline);
        } else if (lua_getinfo(L, "f", ar)) {
            dvk_coverage_call(sb->cov, lua_topointer(L, -1));
            lua_pop(L, 1);
        }
        return;
    }
    if (!sb->killed) {
        if (lua_gethookcount(L) != HOOK_EVERY) {
            /* a thread armed by an earlier kill: back to normal counting */
            lua_sethook(L, sb_hook, sb_mask(sb), HOOK_EVERY);
            return;
        }
        if (ar->event == LUA_HOOKCOUNT)
            add_used(sb, HOOK_EVERY);
        int why = over_limits(sb, 1);
        if (!why)
            return;
        sb->killed = why;
    }
    lua_sethook(L, sb_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    raise_kill(L, sb, NULL);
}

void dvk_sandbox_charge(lua_State *L, long long units, const char *what)
{
    sandbox *sb = sb_get(L);
    if (sb->depth == 0)
        return;                                             /* no running call to charge */
    add_used(sb, units);
    if (!sb->killed) {
        sb->check_left -= units > 0 ? units : 0;
        int clock = sb->check_left <= 0;
        if (clock)
            sb->check_left = CHECK_EVERY;
        int why = over_limits(sb, clock);
        if (!why)
            return;
        arm_kill(sb, L, why);
    }
    raise_kill(L, sb, what);
}

/* ------------------------------------------------------------------ sorted pairs */

/* The one iteration order of the sandbox (pairs, pairs over read-only views and over _G):
 * numbers ascending (integers and floats compared exactly), then strings by their bytes,
 * then false, then true. Keys of any other type (tables, functions, coroutines, userdata)
 * have no order that is the same from run to run (Lua hashes them by address, and
 * addresses move with ASLR and allocation history), so pairs refuses such a table rather
 * than decide differently from one run to the next. */
typedef struct sort_key {
    int rank;          /* 0 number, 1 string, 2 boolean */
    int isint;         /* number: an integer subtype */
    lua_Integer i;     /* number (integer) or boolean */
    lua_Number n;      /* number (float) */
    const char *s;     /* string (anchored in the keys table) */
    size_t len;
    int idx;           /* position in the keys table */
} sort_key;

/* -1, 0, 1 as the integer i is below, equal to or above the float f (not NaN). */
static int cmp_int_float(lua_Integer i, lua_Number f)
{
    if (f >= 0x1p63)
        return -1;
    if (f < -0x1p63)
        return 1;
    lua_Number fl = floor(f);                       /* in [-2^63, 2^63): fits */
    lua_Integer fi = (lua_Integer)fl;
    if (i != fi)
        return i < fi ? -1 : 1;
    return fl == f ? 0 : -1;
}

static int cmp_numbers(const sort_key *a, const sort_key *b)
{
    if (a->isint && b->isint)
        return a->i < b->i ? -1 : a->i > b->i;
    if (!a->isint && !b->isint)
        return a->n < b->n ? -1 : a->n > b->n;
    if (a->isint)
        return cmp_int_float(a->i, b->n);
    return -cmp_int_float(b->i, a->n);
}

static int key_cmp(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    int c = 0;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    switch (a->rank) {
    case 0:
        c = cmp_numbers(a, b);
        break;
    case 1: {
        size_t m = a->len < b->len ? a->len : b->len;
        c = memcmp(a->s, b->s, m);
        if (!c && a->len != b->len)
            c = a->len < b->len ? -1 : 1;
        break;
    }
    default:
        c = a->i < b->i ? -1 : a->i > b->i;
        break;
    }
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;   /* distinct keys never get here */
}

/* Iterator of sorted pairs: upvalues (t, keys, i). */
static int sorted_next(lua_State *L)
{
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
    for (;;) {
        i++;
        if (lua_rawgeti(L, lua_upvalueindex(2), i) == LUA_TNIL) /* k */
            return 0;
        lua_pushvalue(L, -1);                               /* k k */
        lua_rawget(L, lua_upvalueindex(1));                 /* k v */
        if (!lua_isnil(L, -1)) {
            lua_pushinteger(L, i);
            lua_replace(L, lua_upvalueindex(3));
            return 2;
        }
        lua_pop(L, 2);                                      /* removed while iterating */
    }
}

/* Push an iterator over table idx in the sandbox's order (above); raises for a key of
 * another type. Charges the budget n (collecting) + n*log2(n) (sorting). */
static int push_sorted_iter(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 8, "pairs");
    lua_Integer n = 0;
    lua_newtable(L);                                        /* keys */
    lua_pushnil(L);
    while (lua_next(L, idx)) {                              /* keys k v */
        lua_pop(L, 1);                                      /* keys k */
        int t = lua_type(L, -1);
        if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
            return luaL_error(L, "pairs over a table with %s keys has no defined order "
                                 "(it would follow memory addresses); use an array, or "
                                 "string or number keys", luaL_typename(L, -1));
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, ++n);                            /* keys k */
    }
    dvk_sandbox_charge(L, n + (n > 1 ? n * (lua_Integer)ceil(log2((double)n)) : 0), "pairs");
    if (n > 1) {
        /* a userdata, so a memory error below frees it too */
        sort_key *ks = lua_newuserdatauv(L, (size_t)n * sizeof *ks, 0); /* keys ks */
        for (lua_Integer i = 0; i < n; i++) {
            sort_key *k = &ks[i];
            memset(k, 0, sizeof *k);
            k->idx = (int)i + 1;
            int t = lua_rawgeti(L, -2, i + 1);              /* keys ks k */
            if (t == LUA_TNUMBER) {
                k->rank = 0;
                k->isint = lua_isinteger(L, -1);
                if (k->isint)
                    k->i = lua_tointeger(L, -1);
                else
                    k->n = lua_tonumber(L, -1);
            } else if (t == LUA_TSTRING) {
                k->rank = 1;
                k->s = lua_tolstring(L, -1, &k->len);      /* anchored in keys */
            } else {
                k->rank = 2;
                k->i = lua_toboolean(L, -1);
            }
            lua_pop(L, 1);                                  /* keys ks */
        }
        qsort(ks, (size_t)n, sizeof *ks, key_cmp);
        lua_createtable(L, (int)n, 0);                      /* keys ks sorted */
        for (lua_Integer i = 0; i < n; i++) {
            lua_rawgeti(L, -3, ks[i].idx);
            lua_rawseti(L, -2, i + 1);
        }
        lua_replace(L, -3);                                 /* sorted ks */
        lua_pop(L, 1);                                      /* sorted */
    }
    lua_pushvalue(L, idx);                                  /* keys t */
    lua_insert(L, -2);                                      /* t keys */
    lua_pushinteger(L, 0);                                  /* t keys 0 */
    lua_pushcclosure(L, sorted_next, 3);                    /* iter */
    return 1;
}

/* pairs(t): __pairs when the value has one (read-only views), else sorted iteration, so
 * that no output depends on hash order (string hashes are seeded per state). */
static int l_pairs(lua_State *L)
{
    luaL_checkany(L, 1);
    if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {   /* mm */
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    push_sorted_iter(L, 1);                                 /* iter */
    lua_pushvalue(L, 1);
    lua_pushnil(L);                                         /* iter t nil */
    return 3;
}

/* ------------------------------------------------------------------ read-only views */

static int ro_newindex(lua_State *L)
{
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L, "attempt to modify a read-only table (field '%s')", k);
}

/* Shared __pairs/__len of views: the backing table is the metatable's __index. */
static void ro_backing(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx)) {                        /* mt */
        lua_pushnil(L);
        return;
    }
    lua_getfield(L, -1, "__data");                          /* mt data */
    lua_remove(L, -2);                                      /* data */
}

static int ro_pairs(lua_State *L)
{
    ro_backing(L, 1);                                       /* data */
    if (!lua_istable(L, -1))
        return luaL_error(L, "pairs: not a read-only view");
    push_sorted_iter(L, -1);                                /* data iter */
    lua_pushvalue(L, 1);
    lua_pushnil(L);                                         /* data iter view nil */
    return 3;
}

static int ro_len(lua_State *L)
{
    ro_backing(L, 1);
    lua_pushinteger(L, lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0);
    return 1;
}

/* Read-only view of a lazily filled table: __index is a function (the model object uses
 * it); others use the data table directly. */
static void push_view(lua_State *L, int data, int seen)
{
    data = lua_absindex(L, data);
    if (seen) {
        lua_pushvalue(L, data);
        if (lua_rawget(L, seen) != LUA_TNIL)                /* view */
            return;
        lua_pop(L, 1);
    }
    luaL_checkstack(L, 6, "read-only view");
    lua_newtable(L);                                        /* view */
    if (seen) {
        lua_pushvalue(L, data);
        lua_pushvalue(L, -2);
        lua_rawset(L, seen);
    }
    /* nested tables first, so the view's data holds views (deep views only) */
    if (seen)
        lua_pushnil(L);
    while (seen && lua_next(L, data)) {                             /* view k v */
        if (lua_type(L, -1) == LUA_TTABLE && !lua_getmetatable(L, -1)) {
            push_view(L, -1, seen);                         /* view k v vv */
            lua_pushvalue(L, -3);                           /* view k v vv k */
            lua_insert(L, -2);                              /* view k v k vv */
            lua_rawset(L, data);                            /* view k v */
        } else if (lua_type(L, -1) == LUA_TTABLE) {
            lua_pop(L, 1);                                  /* view k v: has a metatable */
        }
        lua_pop(L, 1);                                      /* view k */
    }
    lua_createtable(L, 0, 6);                               /* view mt */
    lua_pushvalue(L, data);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, data);
    lua_setfield(L, -2, "__data");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, ro_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushcfunction(L, ro_len);
    lua_setfield(L, -2, "__len");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);                                /* view */
}

void dvk_sandbox_push_readonly(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 4, "read-only view");
    lua_newtable(L);                                        /* seen */
    int seen = lua_gettop(L);
    push_view(L, idx, seen);                                /* seen view */
    lua_remove(L, seen);                                    /* view */
}

/* ------------------------------------------------------------------ wrapped base functions */

/* tostring without addresses: tables, functions, threads and userdata print as their type
 * name unless they have __tostring (called under the budget like any script code). */
static const char *safe_tolstring(lua_State *L, int idx, size_t *len)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNIL: case LUA_TBOOLEAN: case LUA_TNUMBER: case LUA_TSTRING:
        return luaL_tolstring(L, idx, len);
    default:
        if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
            lua_pushvalue(L, idx);
            lua_call(L, 1, 1);
            if (!lua_isstring(L, -1))
                luaL_error(L, "'__tostring' must return a string");
            return lua_tolstring(L, -1, len);
        }
        lua_pushstring(L, luaL_typename(L, idx));
        return lua_tolstring(L, -1, len);
    }
}

static int l_tostring(lua_State *L)
{
    luaL_checkany(L, 1);
    safe_tolstring(L, 1, NULL);
    return 1;
}

static int l_print(lua_State *L)
{
    sandbox *sb = sb_get(L);
    int n = lua_gettop(L);
    luaL_checkstack(L, 2 * n + 2, "print");
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            lua_pushliteral(L, "\t");
        safe_tolstring(L, i, NULL);                         /* ... s */
    }
    lua_pushliteral(L, "\n");
    lua_concat(L, lua_gettop(L) - n);                       /* args line */
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    if (sb->lim.print)
        sb->lim.print(sb->lim.print_ud, s, len);
    return 0;
}

/* setmetatable without __gc: finalizers run with hooks disabled, so a looping __gc could
 * not be stopped by the budget. Protected metatables stay protected. */
static int l_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        if (lua_getfield(L, 2, "__gc") != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in dvk scripts");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* Wrappers keep the original function as upvalue 1. */
static int call_original(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* xpcall's handler runs inside luaG_errormsg; when the error comes from the budget hook,
 * hooks are off (Lua disables them while a hook runs), so a looping handler could never be
 * stopped. The trampoline skips the script's handler once the state is being killed. */
static int xpcall_trampoline(lua_State *L)
{
    if (sb_get(L)->killed) {
        lua_settop(L, 1);
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int l_xpcall(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_trampoline, 1);
    lua_replace(L, 2);
    return call_original(L);
}

static int l_randomseed(lua_State *L)
{
    luaL_checkinteger(L, 1);  /* no argument would seed from the clock */
    return call_original(L);
}

/* ------------------------------------------------------------------ library functions that loop */

/* The count hook only runs between VM instructions, and one call of a C function is one
 * instruction: a C function whose work grows with its arguments' values (a count, a
 * length, a range) is wrapped or replaced here so that the work is charged to the same
 * budget (dvk_sandbox_charge, at the rates defined at the top of this file: per element
 * touched, per result returned, per byte scanned, parsed or decoded) before it is done,
 * failing at once with the budget's error when it would not fit, and so that long loops
 * look at the deadline and the interrupt flag. Bytes produced are charged by the
 * allocator. Work proportional to the number of arguments is not charged here: the VM
 * copies those values anyway (see the note on varargs in sandbox.h). The table functions
 * and the utf8.codes iterator are our own, written from the Lua 5.4 manual (§6.5, §6.6)
 * to give the results Lua's give (tests/check_sandbox.c compares them). */

/* Every POLL_EVERY iterations a loop whose cost was charged up front looks at the deadline
 * and the interrupt flag (an unlimited budget still has those). */
#define POLL_EVERY 4096

static void poll_limits(lua_State *L, const char *what)
{
    sandbox *sb = sb_get(L);
    if (sb->depth == 0)
        return;
    if (!sb->killed) {
        int why = over_limits(sb, 1);
        if (!why)
            return;
        arm_kill(sb, L, why);
    }
    raise_kill(L, sb, what);
}

/* string.rep(s, n [, sep]): n copies; the result's size is capped at STRING_MAX and its
 * n iterations are charged (an empty s and sep give "" without looping). */
static int l_string_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
    if (total > STRING_MAX)
        return luaL_error(L, "string.rep: result too large (%f bytes, limit %d)",
                          (lua_Number)total, (int)STRING_MAX);
    dvk_sandbox_charge(L, n, "string.rep");
    return call_original(L);
}

/* String positions as the manual gives them (§6.4): negative counts back from the end
 * (-1 is the last byte). A start before the first byte is the first byte; an end is
 * clipped to [0, len]. */
static size_t pos_start(lua_Integer pos, size_t len)
{
    if (pos >= 1)
        return (size_t)pos;
    if (pos < 0 && (lua_Unsigned)-(pos + 1) < len)
        return len - (size_t)-(pos + 1);                    /* len + pos + 1 */
    return 1;
}

static size_t pos_end(lua_Integer pos, size_t len)
{
    if (pos >= 0)
        return (lua_Unsigned)pos > len ? len : (size_t)pos;
    if ((lua_Unsigned)-(pos + 1) < len)
        return len - (size_t)-(pos + 1);
    return 0;
}

/* string.byte(s [, i [, j]]): one result per byte of the range. */
static int l_string_byte(lua_State *L)
{
    size_t l;
    luaL_checklstring(L, 1, &l);
    lua_Integer pi = luaL_optinteger(L, 2, 1);
    size_t posi = pos_start(pi, l);
    size_t pose = pos_end(luaL_optinteger(L, 3, pi), l);
    if (posi <= pose && pose - posi < (size_t)INT32_MAX)
        dvk_sandbox_charge(L, RESULT_UNITS * ((long long)(pose - posi) + 1), "string.byte");
    return call_original(L);
}

static int l_string_format(lua_State *L)
{
    const char *f = luaL_checkstring(L, 1);
    for (const char *p = f; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ #0123456789.", *p))
            p++;
        if (*p == 'p')
            return luaL_error(L, "string.format: '%%p' is not allowed (addresses are not "
                                 "deterministic)");
        if (!*p)
            break;
    }
    /* "%s" of a table or function would print its address: give the safe tostring instead */
    for (int i = 2; i <= lua_gettop(L); i++) {
        int t = lua_type(L, i);
        if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TUSERDATA || t == LUA_TTHREAD ||
            t == LUA_TLIGHTUSERDATA) {
            safe_tolstring(L, i, NULL);
            lua_replace(L, i);
        }
    }
    return call_original(L);
}

/* string.pack/packsize/unpack walk their format (an item like ' ' or '<' produces nothing
 * the allocator would see); unpack's 'z' scans the data for a zero. */
static int l_string_packfmt(lua_State *L)
{
    size_t lf, ld = 0;
    const char *fmt = luaL_checklstring(L, 1, &lf);
    long long units = 1 + (long long)(lf / PARSE_BYTES_PER_UNIT);
    if (lua_type(L, 2) == LUA_TSTRING && memchr(fmt, 'z', lf)) {
        lua_tolstring(L, 2, &ld);
        units += (long long)(ld / SCAN_BYTES_PER_UNIT);
    }
    dvk_sandbox_charge(L, units, "string.pack/unpack format");
    return call_original(L);
}

/* Functions that walk their first (string) argument once, charged by its length. */
static int charge_first(lua_State *L, size_t bytes_per_unit, const char *what)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t l;
        lua_tolstring(L, 1, &l);
        dvk_sandbox_charge(L, 1 + (long long)(l / bytes_per_unit), what);
    }
    return call_original(L);
}

static int l_tonumber(lua_State *L) { return charge_first(L, PARSE_BYTES_PER_UNIT, "tonumber"); }
static int l_utf8_len(lua_State *L) { return charge_first(L, DECODE_BYTES_PER_UNIT, "utf8.len"); }
static int l_string_upper(lua_State *L)
{
    return charge_first(L, PARSE_BYTES_PER_UNIT, "string.upper");
}

static int l_string_lower(lua_State *L)
{
    return charge_first(L, PARSE_BYTES_PER_UNIT, "string.lower");
}

static int l_string_reverse(lua_State *L)
{
    return charge_first(L, PARSE_BYTES_PER_UNIT, "string.reverse");
}

static int l_utf8_offset(lua_State *L)
{
    return charge_first(L, PARSE_BYTES_PER_UNIT, "utf8.offset");
}

/* utf8.codepoint(s [, i [, j [, lax]]]): one result per character of the byte range. */
static int l_utf8_codepoint(lua_State *L)
{
    size_t l;
    luaL_checklstring(L, 1, &l);
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer j = luaL_optinteger(L, 3, i);
    if (i < 0)
        i = (lua_Integer)l + i + 1;
    if (j < 0)
        j = (lua_Integer)l + j + 1;
    if (i >= 1 && j <= (lua_Integer)l && i <= j)
        dvk_sandbox_charge(L, (j - i + 1) / DECODE_BYTES_PER_UNIT + RESULT_UNITS * (j - i + 1),
                           "utf8.codepoint");
    return call_original(L);
}

/* Decode the UTF-8 sequence at s, which must be followed somewhere by a byte that is not a
 * continuation byte (a Lua string's terminating '\0' is one): its code point in *code and
 * the byte after it, or NULL when the bytes are not a sequence Lua 5.4 accepts (manual
 * §6.5): a lead byte announcing 1 to 5 continuation bytes (values up to 2^31 - 1), each
 * continuation 10xxxxxx, no overlong form; strict also refuses surrogates and values
 * above 10FFFF. */
static const char *utf8_next(const char *s, uint32_t *code, int strict)
{
    /* the smallest value that needs n continuation bytes */
    static const uint32_t shortest[6] = {0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000};
    const unsigned char *u = (const unsigned char *)s;
    int extra = u[0] < 0x80 ? 0 : u[0] < 0xC0 ? -1 : u[0] < 0xE0 ? 1 : u[0] < 0xF0 ? 2
              : u[0] < 0xF8 ? 3 : u[0] < 0xFC ? 4 : u[0] < 0xFE ? 5 : -1;
    if (extra < 0)
        return NULL;                                        /* a continuation or 0xFE/0xFF */
    uint32_t value = extra ? u[0] & (0x3Fu >> extra) : u[0];
    for (int k = 1; k <= extra; k++) {
        if ((u[k] & 0xC0) != 0x80)
            return NULL;                                    /* cut short */
        value = (value << 6) | (u[k] & 0x3Fu);
    }
    if (value < shortest[extra])
        return NULL;                                        /* overlong */
    if (strict && (value > 0x10FFFFu || (value >= 0xD800u && value <= 0xDFFFu)))
        return NULL;
    *code = value;
    return s + extra + 1;
}

/* The utf8.codes iterator: (s, i) -> the position and code point of the character after
 * the one at byte i (i = 0 to begin), skipping continuation bytes first; a script may call
 * it by hand at any position of a long run of them, so the skipping is charged. Upvalue 1:
 * strict. */
static int utf8_codes_next(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_Unsigned at = (lua_Unsigned)lua_tointeger(L, 2);   /* 0-based: the byte after i's lead */
    int strict = lua_toboolean(L, lua_upvalueindex(1));
    lua_Unsigned from = at;
    while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
        at++;
    if (at - from > PARSE_BYTES_PER_UNIT)
        dvk_sandbox_charge(L, (long long)((at - from) / PARSE_BYTES_PER_UNIT), "utf8.codes");
    if (at >= len)
        return 0;                                           /* the end */
    uint32_t code;
    if (!utf8_next(s + at, &code, strict))
        return luaL_error(L, "invalid UTF-8 code");
    lua_pushinteger(L, (lua_Integer)at + 1);                /* ... position */
    lua_pushinteger(L, (lua_Integer)code);                  /* ... position code */
    return 2;
}

/* utf8.codes(s [, lax]) with the charged iterator. */
static int l_utf8_codes(lua_State *L)
{
    int lax = lua_toboolean(L, 2);
    luaL_checkstring(L, 1);
    lua_pushboolean(L, !lax);
    lua_pushcclosure(L, utf8_codes_next, 1);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

/* Table arguments (manual §6.6): a table, or any value whose metatable has the
 * metamethods the function uses: __index to read, __newindex to write, __len for the
 * length (looked up raw, as metamethods are). Anything else is "table expected". */
enum { NEEDS_READ = 1, NEEDS_WRITE = 2, NEEDS_LENGTH = 4 };

static void check_table_like(lua_State *L, int arg, int needs)
{
    static const struct {
        int need;
        const char *event;
    } events[] = {{NEEDS_READ, "__index"}, {NEEDS_WRITE, "__newindex"},
                  {NEEDS_LENGTH, "__len"}};
    if (lua_type(L, arg) == LUA_TTABLE)
        return;
    int ok = lua_getmetatable(L, arg);                      /* ... mt? */
    for (size_t k = 0; ok && k < sizeof events / sizeof events[0]; k++) {
        if (!(needs & events[k].need))
            continue;
        lua_pushstring(L, events[k].event);                 /* ... mt event */
        ok = lua_rawget(L, -2) != LUA_TNIL;                 /* ... mt handler */
        lua_pop(L, 1);                                      /* ... mt */
    }
    if (ok) {
        lua_pop(L, 1);                                      /* ... */
        return;
    }
    luaL_checktype(L, arg, LUA_TTABLE);                     /* raises "table expected" */
}

/* #t of a table argument (its __len may run, once). */
static lua_Integer table_length(lua_State *L, int arg, int needs)
{
    check_table_like(L, arg, needs | NEEDS_LENGTH);
    return luaL_len(L, arg);
}

/* Charge `count` elements at `units` each, saturating (a count may be near 2^63). */
static void charge_elements(lua_State *L, lua_Integer count, long long units, const char *what)
{
    if (count > 0)
        dvk_sandbox_charge(L, count > LLONG_MAX / units ? LLONG_MAX : units * count, what);
}

/* dst[to + k] = src[from + k] for k in [0, count), k rising (or falling when `falling`,
 * for an overlap where the destination starts inside the source), through the
 * metamethods; the caller has charged the copies. */
static void copy_elements(lua_State *L, int src, lua_Integer from, int dst, lua_Integer to,
                          lua_Integer count, int falling, const char *what)
{
    for (lua_Integer done = 0; done < count; done++) {
        lua_Integer k = falling ? count - 1 - done : done;
        if (done % POLL_EVERY == POLL_EVERY - 1)
            poll_limits(L, what);
        lua_geti(L, src, from + k);                         /* ... src[from + k] */
        lua_seti(L, dst, to + k);                           /* ... */
    }
}

/* table.insert(list, [pos,] value): value goes at pos (default #list + 1), the elements
 * from pos up moving one place up. The length is read once; #list + 1 wraps for a length
 * of maxinteger, as Lua's unsigned arithmetic does. */
static int l_table_insert(lua_State *L)
{
    lua_Integer after = (lua_Integer)((lua_Unsigned)table_length(L, 1, NEEDS_READ | NEEDS_WRITE)
                                      + 1u);               /* the first free index */
    lua_Integer pos = after;
    int nargs = lua_gettop(L);
    if (nargs == 3) {
        pos = luaL_checkinteger(L, 2);
        /* 1 <= pos <= after, compared unsigned so that a wrapped `after` admits any pos */
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)after, 2,
                      "position out of bounds");
        if (after > pos) {
            charge_elements(L, after - pos, ELEMENT_UNITS, "table.insert");
            copy_elements(L, 1, pos, 1, pos + 1, after - pos, 1, "table.insert");
        }
    } else if (nargs != 2) {
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);                                    /* list[pos] = value */
    return 0;
}

/* table.remove(list [, pos]): returns list[pos] (default #list), the elements after it
 * moving one place down and the last one becoming nil. pos may also be #list + 1, and 0
 * when the list is empty. */
static int l_table_remove(lua_State *L)
{
    lua_Integer size = table_length(L, 1, NEEDS_READ | NEEDS_WRITE);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size)
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2,
                      "position out of bounds");
    if (pos < size)
        charge_elements(L, size - pos, ELEMENT_UNITS, "table.remove");
    lua_geti(L, 1, pos);                                    /* ... list[pos] */
    lua_Integer hole = pos;                                 /* the index that becomes nil */
    if (pos < size) {
        copy_elements(L, 1, pos + 1, 1, pos, size - pos, 0, "table.remove");
        hole = size;
    }
    lua_pushnil(L);                                         /* ... list[pos] nil */
    lua_seti(L, 1, hole);                                   /* ... list[pos] */
    return 1;
}

/* table.move(a1, f, e, t [, a2]): a2[t .. t + e - f] = a1[f .. e]; returns a2 (default
 * a1). Copies run downwards when the ranges overlap in the same table with t after f. */
static int l_table_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int dst = lua_isnoneornil(L, 5) ? 1 : 5;
    check_table_like(L, 1, NEEDS_READ);
    check_table_like(L, dst, NEEDS_WRITE);
    if (f <= e) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer count = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - count + 1, 4, "destination wrap around");
        charge_elements(L, count, ELEMENT_UNITS, "table.move");
        int same = dst == 1 || lua_compare(L, 1, dst, LUA_OPEQ);
        copy_elements(L, 1, f, dst, t, count, same && t > f && t <= e, "table.move");
    }
    lua_pushvalue(L, dst);                                  /* ... a2 */
    return 1;
}

/* table.concat(list [, sep [, i [, j]]]): list[i] .. sep .. ... .. list[j] (strings and
 * numbers only); i defaults to 1, j to #list. The elements are charged up front, the
 * bytes by the allocator as the result grows. */
static int l_table_concat(lua_State *L)
{
    lua_Integer last = table_length(L, 1, NEEDS_READ);
    size_t lsep;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer first = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (first <= last) {
        /* last - first + 1, or maxinteger when that does not fit */
        lua_Unsigned span = (lua_Unsigned)last - (lua_Unsigned)first;
        charge_elements(L, span >= (lua_Unsigned)LUA_MAXINTEGER ? LUA_MAXINTEGER
                                                                : (lua_Integer)span + 1,
                        ELEMENT_UNITS, "table.concat");
        for (lua_Integer k = first;; k++) {
            if ((lua_Unsigned)(k - first) % POLL_EVERY == POLL_EVERY - 1)
                poll_limits(L, "table.concat");
            lua_geti(L, 1, k);                              /* ... buffer list[k] */
            if (!lua_isstring(L, -1))
                return luaL_error(L, "invalid value (%s) at index %I in table for 'concat'",
                                  luaL_typename(L, -1), k);
            luaL_addvalue(&b);                              /* ... buffer */
            if (k == last)
                break;                                      /* (k + 1 could overflow) */
            luaL_addlstring(&b, sep, lsep);
        }
    }
    luaL_pushresult(&b);                                    /* ... text */
    return 1;
}

/* table.unpack(list [, i [, j]]): list[i], ..., list[j]; i defaults to 1, j to #list (read
 * once). Each value is charged as an element read and a result returned. */
static int l_table_unpack(lua_State *L)
{
    lua_Integer first = luaL_optinteger(L, 2, 1);
    lua_Integer last = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
    if (first > last)
        return 0;                                           /* an empty range */
    lua_Unsigned extra = (lua_Unsigned)last - (lua_Unsigned)first;  /* values - 1 */
    if (extra >= (lua_Unsigned)INT_MAX || !lua_checkstack(L, (int)extra + 1))
        return luaL_error(L, "too many results to unpack");
    charge_elements(L, (lua_Integer)extra + 1, ELEMENT_UNITS + RESULT_UNITS, "table.unpack");
    for (lua_Integer k = first;; k++) {
        if ((lua_Unsigned)(k - first) % POLL_EVERY == POLL_EVERY - 1)
            poll_limits(L, "table.unpack");
        lua_geti(L, 1, k);                                  /* ... list[k] */
        if (k == last)
            break;
    }
    return (int)extra + 1;
}

/* a[i] < a[j] for table.sort: the comparator at index 2, else the < operator. */
static int sort_less(lua_State *L, int a, int b)
{
    if (lua_isnil(L, 2))
        return lua_compare(L, a, b, LUA_OPLT);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, a - 1);
    lua_pushvalue(L, b - 2);
    lua_call(L, 2, 1);
    int r = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return r;
}

/* table.sort(t [, comp]): a stable merge sort. Lua's own quicksort picks a random pivot
 * (seeded from the clock) for large unbalanced parts, so the order of elements that
 * compare equal changed from run to run; here equal elements keep their order, and the
 * n*log2(n) comparisons are charged up front (a comparison of two strings is a C loop). An
 * inconsistent comparator gives some order, never an error. */
static int l_table_sort(lua_State *L)
{
    lua_Integer n = table_length(L, 1, NEEDS_READ | NEEDS_WRITE);
    if (n < 2)
        return 0;
    luaL_argcheck(L, n < INT32_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);                                       /* t comp */
    dvk_sandbox_charge(L, ELEMENT_UNITS * (2 * n + n * (lua_Integer)ceil(log2((double)n))),
                       "table.sort");
    luaL_checkstack(L, 8, "table.sort");
    lua_createtable(L, (int)n, 0);                          /* t comp src */
    lua_createtable(L, (int)n, 0);                          /* t comp src dst */
    for (lua_Integer i = 1; i <= n; i++) {
        if (i % POLL_EVERY == 0)
            poll_limits(L, "table.sort");
        lua_geti(L, 1, i);
        lua_rawseti(L, 3, i);
    }
    lua_Integer moves = 0;
    for (lua_Integer w = 1; w < n; w *= 2) {
        for (lua_Integer lo = 1; lo <= n; lo += 2 * w) {
            lua_Integer mid = lo + w - 1 < n ? lo + w - 1 : n;
            lua_Integer hi = lo + 2 * w - 1 < n ? lo + 2 * w - 1 : n;
            lua_Integer i = lo, j = mid + 1;
            for (lua_Integer k = lo; k <= hi; k++, moves++) {
                if (moves % POLL_EVERY == POLL_EVERY - 1)
                    poll_limits(L, "table.sort");
                if (i <= mid && j <= hi) {
                    lua_rawgeti(L, 3, i);                   /* ... a_i */
                    lua_rawgeti(L, 3, j);                   /* ... a_i a_j */
                    if (sort_less(L, -1, -2)) {             /* a_j < a_i: take a_j */
                        lua_remove(L, -2);
                        j++;
                    } else {
                        lua_pop(L, 1);
                        i++;
                    }
                } else if (i <= mid) {
                    lua_rawgeti(L, 3, i++);
                } else {
                    lua_rawgeti(L, 3, j++);
                }
                lua_rawseti(L, 4, k);                       /* dst[k] = taken */
            }
        }
        lua_pushvalue(L, 3);                                /* swap src and dst */
        lua_pushvalue(L, 4);
        lua_replace(L, 3);
        lua_replace(L, 4);
    }
    for (lua_Integer i = 1; i <= n; i++) {
        if (i % POLL_EVERY == 0)
            poll_limits(L, "table.sort");
        lua_rawgeti(L, 3, i);
        lua_seti(L, 1, i);
    }
    return 0;
}

/* ------------------------------------------------------------------ dvk helpers */

static lua_Number check_num(lua_State *L, int arg, const char *fn)
{
    if (lua_isnoneornil(L, arg))
        luaL_error(L, "dvk.%s: argument %d is nil (a missing metric?)", fn, arg);
    if (!lua_isnumber(L, arg))
        luaL_error(L, "dvk.%s: argument %d must be a number (got %s)", fn, arg,
                   luaL_typename(L, arg));
    lua_Number x = lua_tonumber(L, arg);
    if (isnan(x))
        luaL_error(L, "dvk.%s: argument %d is NaN", fn, arg);
    return x;
}

/* clamp(x[, lo=0, hi=1]): returns x, lo or hi as given (integers stay integers). */
static int l_clamp(lua_State *L)
{
    lua_Number x = check_num(L, 1, "clamp");
    lua_Number lo = lua_isnoneornil(L, 2) ? 0 : check_num(L, 2, "clamp");
    lua_Number hi = lua_isnoneornil(L, 3) ? 1 : check_num(L, 3, "clamp");
    if (lo > hi)
        return luaL_error(L, "dvk.clamp: lower bound %f is above upper bound %f", lo, hi);
    int arg = x < lo ? 2 : x > hi ? 3 : 1;
    if (lua_isnoneornil(L, arg))
        lua_pushinteger(L, arg == 2 ? 0 : 1);
    else
        lua_pushvalue(L, arg);
    return 1;
}

static int l_scale(lua_State *L)
{
    lua_Number x = check_num(L, 1, "scale");
    lua_Number lo = check_num(L, 2, "scale");
    lua_Number hi = check_num(L, 3, "scale");
    if (!(hi > lo))
        return luaL_error(L, "dvk.scale: empty range [%f, %f]", lo, hi);
    lua_Number r = (x - lo) / (hi - lo);
    lua_pushnumber(L, r < 0 ? 0 : r > 1 ? 1 : r);
    return 1;
}

/* Half-up rounding to 0.01 that survives binary fractions (1.005 -> 1.01). */
static double round2(double x) { return dvk_format_round(x, 2); }

static int l_round(lua_State *L)
{
    lua_pushnumber(L, round2(check_num(L, 1, "round")));
    return 1;
}

/* Parse "YYYY-MM-DD" (a longer ISO date-time is cut at the date). */
static int parse_date(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    *y = atoi(s);
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    if (*m < 1 || *m > 12 || *d < 1 || *d > 31)
        return -1;
    return 0;
}

static void check_date(lua_State *L, int arg, const char *fn, int *y, int *m, int *d)
{
    if (lua_isnoneornil(L, arg))
        luaL_error(L, "dvk.%s: date %d is nil (missing started_on?)", fn, arg);
    const char *s = lua_tostring(L, arg);
    if (!s || lua_type(L, arg) != LUA_TSTRING || parse_date(s, y, m, d) != 0)
        luaL_error(L, "dvk.%s: date %d must be \"YYYY-MM-DD\" (got %s)", fn, arg,
                   s ? s : luaL_typename(L, arg));
}

/* Whole months from d1 to d2 (negative when d2 is earlier). */
static long months_between(lua_State *L, const char *fn)
{
    int y1, m1, d1, y2, m2, d2;
    check_date(L, 1, fn, &y1, &m1, &d1);
    check_date(L, 2, fn, &y2, &m2, &d2);
    long n = (long)(y2 - y1) * 12 + (m2 - m1);
    if (n > 0 && d2 < d1)
        n--;
    else if (n < 0 && d2 > d1)
        n++;
    return n;
}

static int l_months(lua_State *L)
{
    lua_pushinteger(L, months_between(L, "months"));
    return 1;
}

static int l_years(lua_State *L)
{
    lua_pushinteger(L, months_between(L, "years") / 12);
    return 1;
}

static int push_text(lua_State *L, char *(*fn)(const char *, size_t), const char *name)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    dvk_sandbox_charge(L, 1 + TEXT_UNITS_PER_BYTE * (long long)len, "dvk.lower/upper/key");
    char *r = fn(s, len);
    if (!r)
        return luaL_error(L, "dvk.%s: invalid UTF-8 text", name);
    lua_pushstring(L, r);
    free(r);
    return 1;
}

static int l_lower(lua_State *L) { return push_text(L, dvk_text_lower, "lower"); }
static int l_key(lua_State *L) { return push_text(L, dvk_text_key, "key"); }
static int l_upper(lua_State *L) { return push_text(L, dvk_text_upper, "upper"); }

/* number(v [, decimals = 2 [, keep_zeros]]): v in Vietnamese form (format.h): 1.149, 12,5. */
static int l_number(lua_State *L)
{
    lua_Number v = check_num(L, 1, "number");
    lua_Integer decimals = luaL_optinteger(L, 2, 2);
    if (decimals < 0 || decimals > 6)
        return luaL_error(L, "dvk.number: decimals must be 0 to 6 (got %d)", (int)decimals);
    char buf[DVK_FORMAT_MAX * 6];
    dvk_format_vi(v, (int)decimals, lua_toboolean(L, 3), buf, sizeof buf);
    if (!buf[0])
        return luaL_error(L, "dvk.number: not a finite number");
    lua_pushstring(L, buf);
    return 1;
}

/* date(iso): "ngày 05 tháng 02 năm 2023"; a year alone or nil leaves blanks to fill in. */
static int l_date(lua_State *L)
{
    const char *iso = luaL_optstring(L, 1, NULL);
    char buf[128];
    lua_pushstring(L, dvk_format_date_vi(iso, buf, sizeof buf));
    return 1;
}

/* Mark a description table as built by dvk.province / dvk.test, with the call's line. */
static int mark_table(lua_State *L, const char *kind)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_Debug ar;
    int line = 0;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
        line = ar.currentline;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_MARKS);          /* t marks */
    lua_pushvalue(L, 1);
    lua_pushfstring(L, "%s:%d", kind, line);
    lua_rawset(L, -3);
    lua_pop(L, 1);                                          /* t */
    return 1;
}

static int l_province(lua_State *L) { return mark_table(L, "province"); }
static int l_test(lua_State *L) { return mark_table(L, "test"); }

/* Open root/relpath for reading, safely: root and the first component (the library
 * folder: lib/, provinces/) are followed as configured (they may be links to a shared
 * folder), every component below must be a real directory and the last a regular file: each
 * is opened with O_NOFOLLOW relative to the one before, so no symbolic link can point a
 * script path out of its folder (and a syntax error cannot quote another file). shown names
 * the file in messages. Returns the descriptor, or -1 with err set; *missing is set when the
 * file (or a folder on its way) does not exist. */
static int open_script(const char *root, const char *relpath, const char *shown, int *missing,
                       dvk_error *err)
{
    *missing = 0;
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        *missing = errno == ENOENT;
        dvk_error_set(err, errno == ENOENT ? DVK_EDATA : DVK_EIO, "%s: cannot open "
                      "the scripts folder (%s)", shown, strerror(errno));
        return -1;
    }
    const char *p = relpath;
    for (int first = 1;; first = 0) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        char comp[256];
        if (n == 0 || n >= sizeof comp || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.')) {
            close(fd);
            dvk_error_set(err, DVK_EUSAGE, "scripts/%s: not a path under scripts/", relpath);
            return -1;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        int flags = O_RDONLY | O_CLOEXEC | (first ? 0 : O_NOFOLLOW) |
                    (slash ? O_DIRECTORY : O_NONBLOCK);
        int next = openat(fd, comp, flags);
        int e = errno;
        struct stat lst;
        int link = next < 0 && !first && fstatat(fd, comp, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
                   S_ISLNK(lst.st_mode);
        close(fd);
        if (next < 0) {
            if (link)
                dvk_error_set(err, DVK_EDATA, "%s: cannot open ('%s' is a symbolic "
                              "link; scripts load only regular files under scripts/)", shown,
                              comp);
            else
                dvk_error_set(err, e == ENOENT || e == ENOTDIR ? DVK_EDATA : DVK_EIO,
                              "%s: cannot open (%s)", shown, strerror(e));
            *missing = !link && (e == ENOENT || e == ENOTDIR);
            return -1;
        }
        fd = next;
        if (!slash)
            break;
        p = slash + 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        dvk_error_set(err, DVK_EDATA, "%s: cannot open (not a regular file)", shown);
        return -1;
    }
    return fd;
}

/* Find scripts_dir/relpath, or for a lib/ file missing there, builtin_dir/relpath; shown gets
 * the real path of the file found (the chunk name without '@'); a province file is named
 * "scripts/provinces/x.lua", as runs record it. Returns the descriptor, or -1 with err set. */
static int find_script(const sandbox *sb, const char *relpath, char *shown, size_t n,
                       dvk_error *err)
{
    int lib = strncmp(relpath, "lib/", 4) == 0, missing = 0;
    if (lib)
        snprintf(shown, n, "%s/%s", sb->scripts_dir, relpath);
    else
        snprintf(shown, n, "scripts/%s", relpath);
    int fd = open_script(sb->scripts_dir, relpath, shown, &missing, err);
    if (fd >= 0 || !lib || !missing || !sb->builtin_dir)
        return fd;
    char first[sizeof err->msg];
    snprintf(first, sizeof first, "%s", err ? err->msg : "");
    snprintf(shown, n, "%s/%s", sb->builtin_dir, relpath);
    fd = open_script(sb->builtin_dir, relpath, shown, &missing, err);
    if (fd < 0 && missing)
        dvk_error_set(err, DVK_EDATA, "%s, nor %s", first, shown);
    return fd;
}

/* Read the file find_script finds into a malloc'd buffer. */
static char *read_script(sandbox *sb, const char *relpath, size_t *len, char *shown, size_t n,
                         dvk_error *err)
{
    char *buf = NULL;
    int fd = find_script(sb, relpath, shown, n, err);
    if (fd < 0)
        return NULL;
    buf = malloc(SCRIPT_FILE_MAX + 1);
    if (!buf) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    *len = 0;
    for (;;) {
        ssize_t r = read(fd, buf + *len, SCRIPT_FILE_MAX + 1 - *len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            dvk_error_set(err, DVK_EIO, "%s: read error (%s)", shown, strerror(errno));
            free(buf);
            buf = NULL;
            goto done;
        }
        if (r == 0)
            break;
        *len += (size_t)r;
        if (*len > SCRIPT_FILE_MAX)
            break;
    }
    if (*len > SCRIPT_FILE_MAX) {
        dvk_error_set(err, DVK_EDATA, "%s: file too large (limit %u bytes)", shown,
                      SCRIPT_FILE_MAX);
        free(buf);
        buf = NULL;
    } else {
        buf[*len] = '\0';
    }
done:
    close(fd);
    return buf;
}

static int record_file(sandbox *sb, const char *relpath, const char *buf, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "scripts/%s", relpath);
    char sha[65];
    dvk_sha256_hex(buf, len, sha);
    for (size_t i = 0; i < sb->nfiles; i++)
        if (strcmp(sb->files[i].path, path) == 0) {
            memcpy(sb->files[i].sha, sha, 65);
            return 0;
        }
    if (sb->nfiles == sb->capfiles) {
        size_t cap = sb->capfiles ? sb->capfiles * 2 : 8;
        sb_file *nf = realloc(sb->files, cap * sizeof *nf);
        if (!nf)
            return -1;
        sb->files = nf;
        sb->capfiles = cap;
    }
    sb->files[sb->nfiles].path = strdup(path);
    if (!sb->files[sb->nfiles].path)
        return -1;
    memcpy(sb->files[sb->nfiles].sha, sha, 65);
    sb->nfiles++;
    return 0;
}

/* Module names: segments of [a-z0-9_-] separated by dots (dots become folders). */
static int valid_module_name(const char *s)
{
    if (!*s || strlen(s) > 200)
        return 0;
    int seg = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.') {
            if (seg == 0)
                return 0;
            seg = 0;
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                   *p == '-') {
            seg++;
        } else {
            return 0;
        }
    }
    return seg > 0;
}

/* Give the function on top of the stack (a main chunk just loaded) the environment of
 * province and library code. */
static void set_script_env(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_SCRIPT_ENV);     /* f senv */
    if (!lua_setupvalue(L, -2, 1))                          /* f */
        lua_pop(L, 1);
}

/* require(name): scripts/lib/<name>.lua only, as text, once per state. */
static int l_require(lua_State *L)
{
    sandbox *sb = sb_get(L);
    size_t nlen;
    const char *name = luaL_checklstring(L, 1, &nlen);
    if (strlen(name) != nlen)
        return luaL_error(L, "require: a library name cannot contain a NUL byte");
    if (!valid_module_name(name))
        return luaL_error(L, "require: '%s' is not a library name (only scripts/lib/<name>.lua "
                             "with letters a-z, digits, '-', '_' and '.' for folders)", name);
    lua_settop(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_LOADED);         /* name loaded */
    if (lua_getfield(L, 2, name) != LUA_TNIL)               /* name loaded v */
        return 1;
    lua_pop(L, 1);
    char rel[512];
    snprintf(rel, sizeof rel, "lib/%s.lua", name);
    for (char *p = rel + 4; *p; p++)
        if (*p == '.' && strcmp(p, ".lua") != 0)
            *p = '/';
    dvk_error err;
    dvk_error_clear(&err);
    size_t len = 0;
    char chunk[1200];
    chunk[0] = '@';
    char *buf = read_script(sb, rel, &len, chunk + 1, sizeof chunk - 1, &err);
    if (!buf)
        return luaL_error(L, "require: %s", err.msg);
    int rc = luaL_loadbufferx(L, buf, len, chunk, "t");     /* name loaded f */
    if (rc == LUA_OK)
        set_script_env(L);
    if (rc == LUA_OK && record_file(sb, rel, buf, len) != 0)
        rc = LUA_ERRMEM;
    free(buf);
    if (rc != LUA_OK)
        return lua_error(L);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);                                      /* name loaded v */
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, 2, name);                               /* name loaded v */
    return 1;
}

/* ------------------------------------------------------------------ the allow list */

typedef struct allow_entry {
    const char *name;       /* "pairs" or "string.format" */
    lua_CFunction wrap;     /* replacement (gets the original as upvalue 1), or NULL */
    const char *reason;
} allow_entry;

/* Everything a script can reach. Anything absent is absent on purpose: io, os, package,
 * debug, dofile, loadfile, load, next (hash order), rawset (bypasses read-only tables),
 * collectgarbage, warn, string.dump, math.randomseed without a seed. */
static const allow_entry ALLOW[] = {
    {"_G", NULL, "the global table itself (read-only)"},
    {"_VERSION", NULL, "version string, harmless"},
    {"assert", NULL, "checks in scripts"},
    {"error", NULL, "raising errors with a position"},
    {"getmetatable", NULL, "protected metatables answer 'read-only', so nothing leaks"},
    {"ipairs", NULL, "array iteration (respects read-only views)"},
    {"pairs", NULL, "sorted iteration (numbers, strings, booleans; other keys refused), so "
                      "results never depend on hash order or addresses; n log n charged"},
    {"pcall", NULL, "error handling; cannot swallow a budget kill (the hook re-arms)"},
    {"print", NULL, "goes to the host's sink (REPL, --verbose), never to a file"},
    {"rawequal", NULL, "identity comparison, read only"},
    {"rawget", NULL, "read only access"},
    {"rawlen", NULL, "read only access"},
    {"require", NULL, "loads scripts/lib/<name>.lua as text only (same as dvk.require)"},
    {"select", NULL, "varargs"},
    {"setmetatable", NULL, "own tables only; __gc refused (finalizers run unhooked)"},
    {"tonumber", l_tonumber, "conversion; the string's length is charged (strtod scans it)"},
    {"tostring", NULL, "conversion without addresses (deterministic output)"},
    {"type", NULL, "type tests"},
    {"xpcall", l_xpcall, "error handling; the handler is skipped during a budget kill"},
    {"dvk", NULL, "the engine's module: helpers and host functions (read-only)"},
    {"coroutine", NULL, "library (read-only): coroutines inherit the budget hook"},
    {"coroutine.close", NULL, "pure"},
    {"coroutine.create", NULL, "pure"},
    {"coroutine.isyieldable", NULL, "pure"},
    {"coroutine.resume", NULL, "pure"},
    {"coroutine.running", NULL, "pure"},
    {"coroutine.status", NULL, "pure"},
    {"coroutine.wrap", NULL, "pure"},
    {"coroutine.yield", NULL, "pure"},
    {"math", NULL, "library (read-only)"},
    {"math.abs", NULL, "pure"},
    {"math.ceil", NULL, "pure"},
    {"math.cos", NULL, "pure"},
    {"math.exp", NULL, "pure"},
    {"math.floor", NULL, "pure"},
    {"math.fmod", NULL, "pure"},
    {"math.huge", NULL, "constant"},
    {"math.log", NULL, "pure"},
    {"math.max", NULL, "pure"},
    {"math.maxinteger", NULL, "constant"},
    {"math.min", NULL, "pure"},
    {"math.mininteger", NULL, "constant"},
    {"math.modf", NULL, "pure"},
    {"math.pi", NULL, "constant"},
    {"math.random", NULL, "deterministic: the state is seeded with 0 at creation"},
    {"math.randomseed", l_randomseed, "needs an explicit seed (no clock seeding)"},
    {"math.sin", NULL, "pure"},
    {"math.sqrt", NULL, "pure"},
    {"math.tan", NULL, "pure"},
    {"math.tointeger", NULL, "pure"},
    {"math.type", NULL, "pure"},
    {"math.ult", NULL, "pure"},
    {"math.acos", NULL, "pure"},
    {"math.asin", NULL, "pure"},
    {"math.atan", NULL, "pure"},
    {"string", NULL, "library (read-only; also the strings' metatable __index)"},
    {"string.byte", l_string_byte, "one result per byte, charged"},
    {"string.char", NULL, "pure, bounded by its arguments"},
    {"string.find", dvk_match_find, "metered matcher: every backtracking step is charged"},
    {"string.format", l_string_format, "no %p, and %s of a table gives no address; widths are "
                                        "limited by Lua (2 digits); output charged by the allocator"},
    {"string.gmatch", dvk_match_gmatch, "metered matcher"},
    {"string.gsub", dvk_match_gsub, "metered matcher; output charged by the allocator"},
    {"string.len", NULL, "pure"},
    {"string.lower", l_string_lower, "bytes (dvk.lower for Vietnamese); length charged"},
    {"string.match", dvk_match_match, "metered matcher"},
    {"string.pack", l_string_packfmt, "format length charged"},
    {"string.packsize", l_string_packfmt, "format length charged"},
    {"string.rep", l_string_rep, "result size capped (16 MiB), copies charged, empty is instant"},
    {"string.reverse", l_string_reverse, "length charged"},
    {"string.sub", NULL, "pure"},
    {"string.unpack", l_string_packfmt, "format length charged (and the data for 'z')"},
    {"string.upper", l_string_upper, "bytes (dvk.upper for Vietnamese); length charged"},
    {"table", NULL, "library (read-only)"},
    {"table.concat", l_table_concat, "range charged up front; bytes by the allocator"},
    {"table.insert", l_table_insert, "own tables; elements moved charged, length read once"},
    {"table.move", l_table_move, "own tables; range charged up front"},
    {"table.pack", NULL, "pure"},
    {"table.remove", l_table_remove, "own tables; elements moved charged, length read once"},
    {"table.sort", l_table_sort, "stable merge sort (Lua's pivot is random); n log n charged"},
    {"table.unpack", l_table_unpack, "range charged, length read once"},
    {"utf8", NULL, "library (read-only)"},
    {"utf8.char", NULL, "pure"},
    {"utf8.charpattern", NULL, "constant"},
    {"utf8.codepoint", l_utf8_codepoint, "range charged"},
    {"utf8.codes", l_utf8_codes, "iterator charges the continuation bytes it skips"},
    {"utf8.len", l_utf8_len, "length of the string charged"},
    {"utf8.offset", l_utf8_offset, "length of the string charged"},
    {NULL, NULL, NULL}
};

/* Base functions replaced outright (no original needed). */
static lua_CFunction base_replacement(const char *name)
{
    if (strcmp(name, "pairs") == 0) return l_pairs;
    if (strcmp(name, "print") == 0) return l_print;
    if (strcmp(name, "require") == 0) return l_require;
    if (strcmp(name, "setmetatable") == 0) return l_setmetatable;
    if (strcmp(name, "tostring") == 0) return l_tostring;
    return NULL;
}

const char *dvk_sandbox_allowed(size_t i, const char **reason)
{
    if (i >= sizeof ALLOW / sizeof ALLOW[0] - 1)
        return NULL;
    if (reason)
        *reason = ALLOW[i].reason;
    return ALLOW[i].name;
}

static const luaL_Reg DVK_HELPERS[] = {
    {"clamp", l_clamp},
    {"scale", l_scale},
    {"months", l_months},
    {"years", l_years},
    {"round", l_round},
    {"lower", l_lower},
    {"upper", l_upper},
    {"key", l_key},
    {"number", l_number},
    {"date", l_date},
    {"require", l_require},
    {"province", l_province},
    {"test", l_test},
    {NULL, NULL}
};

/* Strict globals: reading an unknown name is an error. */
static int env_index(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "unknown global '%s'", lua_tostring(L, 2));
    return luaL_error(L, "unknown global (%s key)", luaL_typename(L, 2));
}

/* Writing: allow-listed names are read-only; new names only when the host allows. */
static int env_newindex(lua_State *L)
{
    sandbox *sb = sb_get(L);
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_ALLOWED);        /* env k v allowed */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TNIL)
        return luaL_error(L, "cannot assign to read-only global '%s'", k ? k : "?");
    if (!sb->lim.user_globals || !k)
        return luaL_error(L, "assignment to undeclared global '%s' (use local)",
                          k ? k : luaL_typename(L, 2));
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

/* pairs(_G): allow-listed names and user globals, sorted. */
static int env_pairs(lua_State *L)
{
    lua_newtable(L);                                        /* all */
    int all = lua_gettop(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_ALLOWED);
    lua_pushnil(L);
    while (lua_next(L, -2)) {                               /* all allowed k v */
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, all);
    }
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, all);
    }
    push_sorted_iter(L, all);                               /* all iter */
    lua_pushvalue(L, all);
    lua_pushnil(L);
    return 3;
}

/* pairs(_G) in province and library code: as env_pairs, with the names this environment
 * has of its own (its dvk and _G; upvalue 1) in place of the host's. */
static int senv_pairs(lua_State *L)
{
    lua_newtable(L);                                        /* all */
    int all = lua_gettop(L);
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 0)
            lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_ALLOWED);
        else if (pass == 1)
            lua_pushvalue(L, lua_upvalueindex(1));
        else
            lua_pushvalue(L, 1);
        lua_pushnil(L);
        while (lua_next(L, -2)) {                           /* all src k v */
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, all);
        }
        lua_pop(L, 1);
    }
    push_sorted_iter(L, all);                               /* all iter */
    lua_pushvalue(L, all);
    lua_pushnil(L);
    return 3;
}

/* Build the environment and libraries from ALLOW. Runs unprotected inside lua_pcall. */
static int build_env(lua_State *L)
{
    static const luaL_Reg libs_used[] = {
        {LUA_GNAME, luaopen_base}, {LUA_COLIBNAME, luaopen_coroutine},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}};
    for (const luaL_Reg *r = libs_used; r->name; r++) {
        luaL_requiref(L, r->name, r->func, 1);
        lua_pop(L, 1);
    }
    /* deterministic randomness */
    lua_getglobal(L, "math");
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, 0);
    lua_call(L, 1, 0);
    lua_pop(L, 1);

    lua_pushglobaltable(L);                                 /* G (original) */
    int orig = lua_gettop(L);
    lua_newtable(L);                                        /* G allowed */
    int allowed = lua_gettop(L);
    lua_newtable(L);                                        /* G allowed libs(real) */
    int libs = lua_gettop(L);

    /* the dvk module */
    lua_newtable(L);
    luaL_setfuncs(L, DVK_HELPERS, 0);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_DVK);
    lua_setfield(L, libs, "dvk");
    /* the dvk of province and library code: the helpers, and what the host registers for
     * scripts (dvk_sandbox_register), never the host's own functions
     * (dvk_sandbox_register_host: the REPL's queries and its writers) */
    lua_newtable(L);
    luaL_setfuncs(L, DVK_HELPERS, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_SCRIPT_DVK);

    for (const allow_entry *e = ALLOW; e->name; e++) {
        const char *dot = strchr(e->name, '.');
        if (!dot) {
            if (strcmp(e->name, "dvk") == 0)
                continue;
            if (strcmp(e->name, "_G") == 0)
                continue;                                   /* set below */
            lua_getfield(L, orig, e->name);                 /* ... v */
            if (lua_istable(L, -1) && strcmp(e->name, "_G") != 0) {
                lua_pop(L, 1);
                lua_newtable(L);                            /* a fresh library table */
                lua_pushvalue(L, -1);
                lua_setfield(L, libs, e->name);
                lua_pop(L, 1);
                continue;
            }
            lua_CFunction rep = base_replacement(e->name);
            if (rep) {
                lua_pop(L, 1);
                lua_pushcfunction(L, rep);
            } else if (e->wrap) {
                lua_pushcclosure(L, e->wrap, 1);
            }
            if (lua_isnil(L, -1))
                return luaL_error(L, "sandbox: allow list names missing global '%s'", e->name);
            lua_setfield(L, allowed, e->name);
            continue;
        }
        char lib[32];
        size_t ll = (size_t)(dot - e->name);
        if (ll >= sizeof lib)
            return luaL_error(L, "sandbox: bad allow entry '%s'", e->name);
        memcpy(lib, e->name, ll);
        lib[ll] = '\0';
        if (lua_getfield(L, libs, lib) != LUA_TTABLE)       /* ... real */
            return luaL_error(L, "sandbox: '%s' listed before its library", e->name);
        lua_getfield(L, orig, lib);                         /* ... real origlib */
        lua_getfield(L, -1, dot + 1);                       /* ... real origlib v */
        if (lua_isnil(L, -1))
            return luaL_error(L, "sandbox: allow list names missing '%s'", e->name);
        if (e->wrap)
            lua_pushcclosure(L, e->wrap, 1);
        lua_setfield(L, -3, dot + 1);                       /* ... real origlib */
        lua_pop(L, 2);
    }
    /* read-only views of each library, into allowed */
    lua_pushnil(L);
    while (lua_next(L, libs)) {                             /* ... k real */
        push_view(L, -1, 0);                                /* ... k real view */
        lua_pushvalue(L, -3);
        lua_insert(L, -2);                                  /* ... k real k view */
        lua_rawset(L, allowed);
        lua_pop(L, 1);
    }
    /* strings index the read-only string view; the metatable itself is protected */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);                                /* ... "" smt */
    lua_getfield(L, allowed, "string");
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    /* the environment: an empty table over allowed, strict both ways */
    lua_newtable(L);                                        /* ... env */
    int env = lua_gettop(L);
    lua_createtable(L, 0, 5);                               /* ... env mt */
    lua_pushvalue(L, allowed);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, env_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, env_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, env);
    lua_createtable(L, 0, 1);                               /* allowed's own metatable */
    lua_pushcfunction(L, env_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, allowed);
    lua_pushvalue(L, env);
    lua_setfield(L, allowed, "_G");

    lua_pushvalue(L, allowed);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_ALLOWED);
    lua_pushvalue(L, env);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);

    /* The environment of province and library chunks (dvk_sandbox_dofile, dvk.require): the
     * same read-only libraries, but its own dvk (REG_SCRIPT_DVK) and its own _G, so that a
     * province function reaches neither the host's functions nor the host's globals, in
     * whatever context it runs (the capability rule, docs/lua-api.md section 10). */
    lua_newtable(L);                                        /* ... sallowed */
    int sallowed = lua_gettop(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_SCRIPT_DVK);
    push_view(L, -1, 0);
    lua_setfield(L, sallowed, "dvk");
    lua_pop(L, 1);
    lua_createtable(L, 0, 1);                               /* reads fall through to allowed */
    lua_pushvalue(L, allowed);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, sallowed);
    lua_newtable(L);                                        /* ... sallowed senv */
    int senv = lua_gettop(L);
    lua_createtable(L, 0, 4);
    lua_pushvalue(L, sallowed);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, env_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, sallowed);
    lua_pushcclosure(L, senv_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, senv);
    lua_pushvalue(L, senv);
    lua_setfield(L, sallowed, "_G");
    lua_pushvalue(L, senv);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_SCRIPT_ENV);

    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_LOADED);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_MARKS);
    /* the original tables stay in the registry's _LOADED, which scripts cannot reach */
    lua_settop(L, 0);
    return 0;
}

/* ------------------------------------------------------------------ public API */

dvk_sandbox_limits dvk_sandbox_defaults(void)
{
    dvk_sandbox_limits l;
    memset(&l, 0, sizeof l);
    l.mem_bytes = 64u << 20;
    l.instructions = DVK_SANDBOX_INSTRUCTIONS;
    l.wall_seconds = 300;
    return l;
}

dvk_sandbox_limits dvk_sandbox_interactive_defaults(void)
{
    dvk_sandbox_limits l = dvk_sandbox_defaults();
    l.mem_bytes = (size_t)DVK_SANDBOX_INTERACTIVE_MIB << 20;
    l.instructions = DVK_SANDBOX_INTERACTIVE_INSTRUCTIONS;
    l.wall_seconds = 0;
    l.call_seconds = DVK_SANDBOX_INTERACTIVE_SECONDS;
    l.user_globals = 1;
    return l;
}

dvk_sandbox_limits dvk_sandbox_report_defaults(void)
{
    dvk_sandbox_limits l = dvk_sandbox_defaults();
    l.mem_bytes = (size_t)DVK_SANDBOX_REPORT_MIB << 20;
    l.instructions = DVK_SANDBOX_REPORT_INSTRUCTIONS;
    l.wall_seconds = DVK_SANDBOX_REPORT_SECONDS;
    return l;
}

/* The built-in root beside scripts_dir (none when both name the same folder) and the chunk
 * name prefixes of library files. Returns -1 when out of memory. */
static int set_roots(sandbox *sb)
{
    const char *b = dvk_paths_builtin_scripts();
    char r1[PATH_MAX], r2[PATH_MAX];
    int same = strcmp(b, sb->scripts_dir) == 0 ||
               (realpath(b, r1) && realpath(sb->scripts_dir, r2) && strcmp(r1, r2) == 0);
    if (!same && !(sb->builtin_dir = strdup(b)))
        return -1;
    const char *roots[2] = {sb->scripts_dir, sb->builtin_dir};
    for (int i = 0; i < 2; i++) {
        if (!roots[i])
            continue;
        size_t n = strlen(roots[i]) + 7;
        if (!(sb->lib_chunk[i] = malloc(n)))
            return -1;
        snprintf(sb->lib_chunk[i], n, "@%s/lib/", roots[i]);
    }
    return 0;
}

static void free_roots(sandbox *sb)
{
    free(sb->scripts_dir);
    free(sb->builtin_dir);
    free(sb->lib_chunk[0]);
    free(sb->lib_chunk[1]);
}

lua_State *dvk_sandbox_new(dvk_store *store, const char *scripts_dir,
                           const dvk_sandbox_limits *lim, dvk_error *err)
{
    sandbox *sb = calloc(1, sizeof *sb);
    lua_State *L = NULL;
    if (!sb)
        goto nomem;
    sb->store = store;
    sb->lim = lim ? *lim : dvk_sandbox_defaults();
    if (sb->lim.mem_bytes == 0)
        sb->lim.mem_bytes = dvk_sandbox_defaults().mem_bytes;
    sb->scripts_dir = strdup(scripts_dir ? scripts_dir : ".");
    if (!sb->scripts_dir)
        goto nomem;
    if (set_roots(sb) != 0)
        goto nomem;
    L = lua_newstate(sb_alloc, sb);
    if (!L)
        goto nomem;
    lua_pushcfunction(L, build_env);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        char what[64];
        oom_message(sb, what, sizeof what);
        dvk_error_set(err, DVK_ENOMEM, "cannot build the Lua sandbox: %s", what);
        lua_close(L);
        free_roots(sb);
        free(sb);
        return NULL;
    }
    sb->main = L;
    lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
    dvk_sandbox_set_deadline(L, sb->lim.wall_seconds);
    return L;
nomem:
    if (sb) {
        free_roots(sb);
        free(sb);
    }
    dvk_error_set(err, DVK_ENOMEM, "out of memory creating a Lua state");
    return NULL;
}

void dvk_sandbox_free(lua_State *L)
{
    if (!L)
        return;
    sandbox *sb = sb_get(L);
    lua_close(L);
    for (size_t i = 0; i < sb->nfiles; i++)
        free(sb->files[i].path);
    free(sb->files);
    free_roots(sb);
    free(sb);
}

int dvk_sandbox_register(lua_State *L, const luaL_Reg *fns)
{
    luaL_checkstack(L, 4, "register");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_DVK);            /* dvk */
    luaL_setfuncs(L, fns, 0);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_SCRIPT_DVK);     /* dvk sdvk */
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 2);
    return DVK_OK;
}

int dvk_sandbox_register_host(lua_State *L, const luaL_Reg *fns)
{
    luaL_checkstack(L, 4, "register");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_DVK);            /* dvk */
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
    return DVK_OK;
}

int dvk_sandbox_in_script(lua_State *L)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "S", &ar))
            continue;
        if (ar.source && (strncmp(ar.source, "@scripts/provinces/", 19) == 0 ||
                          strncmp(ar.source, "@scripts/lib/", 13) == 0))
            return 1;
        for (int i = 0; ar.source && i < 2; i++)
            if (sb_get(L)->lib_chunk[i] &&
                strncmp(ar.source, sb_get(L)->lib_chunk[i], strlen(sb_get(L)->lib_chunk[i])) == 0)
                return 1;
    }
    int main_thread = lua_pushthread(L);
    lua_pop(L, 1);
    return !main_thread;   /* inside a coroutine: not the host's own line */
}

dvk_store *dvk_sandbox_store(lua_State *L) { return sb_get(L)->store; }
const char *dvk_sandbox_scripts_dir(lua_State *L) { return sb_get(L)->scripts_dir; }
size_t dvk_sandbox_memory(lua_State *L) { return sb_get(L)->mem; }
const char *dvk_sandbox_traceback(lua_State *L) { return sb_get(L)->traceback; }
size_t dvk_sandbox_file_count(lua_State *L) { return sb_get(L)->nfiles; }

void dvk_sandbox_set_coverage(lua_State *L, dvk_coverage *cov)
{
    sandbox *sb = sb_get(L);
    sb->cov = cov;
    if (cov)
        dvk_coverage_new_state(cov);
    lua_sethook(sb->main, sb_hook, sb_mask(sb), HOOK_EVERY);
    if (L != sb->main)
        lua_sethook(L, sb_hook, sb_mask(sb), HOOK_EVERY);
}

const char *dvk_sandbox_file(lua_State *L, size_t i, const char **sha256)
{
    sandbox *sb = sb_get(L);
    if (i >= sb->nfiles)
        return NULL;
    if (sha256)
        *sha256 = sb->files[i].sha;
    return sb->files[i].path;
}

void dvk_sandbox_interrupt(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    ((sandbox *)ud)->interrupt = 1;
}

void dvk_sandbox_clear_interrupt(lua_State *L)
{
    sb_get(L)->interrupt = 0;
}

void dvk_sandbox_set_deadline(lua_State *L, double seconds)
{
    sandbox *sb = sb_get(L);
    sb->lim.wall_seconds = seconds;
    sb->deadline = seconds > 0 ? now_monotonic() + seconds : 0;
}

/* "src:line: " of the innermost Lua frame, for messages that have no position. */
static void where_lua(lua_State *L, char *buf, size_t n)
{
    lua_Debug ar;
    buf[0] = '\0';
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(buf, n, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
}

/* Does the first line of msg carry a position ("chunk:123:")? */
static int has_position(const char *msg)
{
    for (const char *c = msg; *c && *c != '\n'; c++) {
        if (*c != ':' || c[1] < '0' || c[1] > '9')
            continue;
        const char *p = c + 1;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == ':')
            return 1;
    }
    return 0;
}

/* Message handler: never calls __tostring (it could loop outside any budget), adds the
 * position of the innermost Lua frame when the message has none, and a traceback. */
static int sb_msgh(lua_State *L)
{
    const char *msg = lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER
                          ? lua_tostring(L, 1) : NULL;
    if (!msg)
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    if (!has_position(msg)) {
        char where[512];
        where_lua(L, where, sizeof where);
        msg = lua_pushfstring(L, "%s%s", where, msg);
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int dvk_sandbox_load(lua_State *L, const char *code, size_t len, const char *chunkname,
                     int *incomplete, dvk_error *err)
{
    if (incomplete)
        *incomplete = 0;
    int rc = luaL_loadbufferx(L, code, len, chunkname, "t");    /* f | msg */
    if (rc == LUA_OK)
        return DVK_OK;
    size_t ml = 0;
    const char *msg = lua_tolstring(L, -1, &ml);
    if (!msg)
        msg = "?";
    if (incomplete && rc == LUA_ERRSYNTAX && ml >= 5 && strcmp(msg + ml - 5, "<eof>") == 0)
        *incomplete = 1;
    if (rc == LUA_ERRMEM) {
        char what[64];
        oom_message(sb_get(L), what, sizeof what);
        dvk_error_set(err, DVK_ENOMEM, "%s: %s", chunkname + 1, what);
    }
    else
        dvk_error_set(err, DVK_EDATA, "%s", msg);
    lua_pop(L, 1);
    return err ? err->code : DVK_EDATA;
}

int dvk_sandbox_call(lua_State *L, int nargs, int nresults, dvk_error *err)
{
    sandbox *sb = sb_get(L);
    int base = lua_gettop(L) - nargs;                       /* index of the function */
    if (sb->depth == 0) {
        sb->used = 0;
        sb->check_left = CHECK_EVERY;
        sb->alloc_check = 0;
        sb->killed = KILL_NONE;
        sb->run_deadline = sb->lim.call_seconds > 0 ? now_monotonic() + sb->lim.call_seconds
                                                    : 0;
        lua_sethook(L, sb_hook, sb_mask(sb), HOOK_EVERY);
    }
    if ((sb->interrupt || (sb->lim.interrupt_flag && *sb->lim.interrupt_flag)) &&
        sb->depth == 0) {
        /* Ctrl-C between two calls (a decide loop): stop before running anything */
        sb->interrupt = 0;
        lua_settop(L, base - 1);
        return dvk_error_set(err, DVK_EINTR, "interrupted");
    }
    lua_pushcfunction(L, sb_msgh);
    lua_insert(L, base);                                    /* msgh f args */
    sb->depth++;
    int rc = lua_pcall(L, nargs, nresults, base);
    sb->depth--;
    int killed = sb->killed;
    char killmsg[256] = "";
    if (killed)
        kill_text(sb, NULL, killmsg, sizeof killmsg);
    if (sb->depth == 0) {
        if (killed == KILL_INTERRUPT)
            sb->interrupt = 0;
        sb->killed = KILL_NONE;
        sb->run_deadline = 0;
        if (sb->main != L)
            lua_sethook(sb->main, sb_hook, sb_mask(sb), HOOK_EVERY);
        lua_sethook(L, sb_hook, sb_mask(sb), HOOK_EVERY);
    }
    if (rc == LUA_OK) {
        lua_remove(L, base);                                /* results */
        return DVK_OK;
    }
    const char *msg = lua_tostring(L, -1);
    if (!msg)
        msg = "(error object is not a string)";
    const char *tb = strstr(msg, "\nstack traceback:\n");
    size_t mlen = tb ? (size_t)(tb - msg) : strlen(msg);
    snprintf(sb->traceback, sizeof sb->traceback, "%s", tb ? tb + 1 : "");
    int code = DVK_EDATA;
    if (killed && !strstr(msg, killmsg)) {
        /* the kill surfaced as another error: a large allocation refused once killed (a
         * memory error, which has no position), or an error in the error handler */
        dvk_error_set(err, killed == KILL_INTERRUPT ? DVK_EINTR : DVK_EDATA, "%s", killmsg);
        code = err ? err->code : DVK_EDATA;
    } else if (rc == LUA_ERRMEM) {
        code = DVK_ENOMEM;
        char what[64];
        oom_message(sb, what, sizeof what);
        dvk_error_set(err, code, "%s", what);
    } else {
        if (killed == KILL_INTERRUPT)
            code = DVK_EINTR;
        dvk_error_set(err, code, "%.*s", (int)mlen, msg);
    }
    lua_settop(L, base - 1);
    return code;
}

int dvk_sandbox_run(lua_State *L, const char *code, size_t len, const char *chunkname,
                    int nresults, dvk_error *err)
{
    int rc = dvk_sandbox_load(L, code, len, chunkname, NULL, err);
    if (rc != DVK_OK)
        return rc;
    return dvk_sandbox_call(L, 0, nresults, err);
}

int dvk_sandbox_dofile(lua_State *L, const char *relpath, int nresults, dvk_error *err)
{
    sandbox *sb = sb_get(L);
    if (strstr(relpath, "..") || relpath[0] == '/')
        return dvk_error_set(err, DVK_EUSAGE, "scripts/%s: not a path under scripts/", relpath);
    size_t len = 0;
    char chunk[1200];
    chunk[0] = '@';
    char *buf = read_script(sb, relpath, &len, chunk + 1, sizeof chunk - 1, err);
    if (!buf)
        return err ? err->code : DVK_EIO;
    int rc = dvk_sandbox_load(L, buf, len, chunk, NULL, err);
    if (rc == DVK_OK)
        set_script_env(L);
    if (rc == DVK_OK && record_file(sb, relpath, buf, len) != 0)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    free(buf);
    if (rc != DVK_OK) {
        return rc;
    }
    return dvk_sandbox_call(L, 0, nresults, err);
}

const char *dvk_sandbox_tostring(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    int t = lua_type(L, idx);
    if (t == LUA_TNIL || t == LUA_TBOOLEAN || t == LUA_TNUMBER || t == LUA_TSTRING)
        return luaL_tolstring(L, idx, NULL);
    lua_pushcfunction(L, l_tostring);
    lua_pushvalue(L, idx);
    dvk_error err;
    if (dvk_sandbox_call(L, 1, 1, &err) != DVK_OK) {
        lua_pushfstring(L, "%s (error in __tostring: %s)", luaL_typename(L, idx), err.msg);
    }
    return lua_tostring(L, -1);
}

int dvk_sandbox_marked(lua_State *L, int idx, const char *kind, int *line)
{
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_MARKS);          /* marks */
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);                                      /* marks mark */
    const char *k = lua_tostring(L, -1);
    size_t kl = strlen(kind);
    int ok = k && strncmp(k, kind, kl) == 0 && k[kl] == ':';
    if (line)
        *line = ok ? atoi(k + kl + 1) : 0;
    lua_pop(L, 2);
    return ok;
}

void dvk_sandbox_push_view(lua_State *L, int idx)
{
    push_view(L, idx, 0);
}

void dvk_sandbox_forget_modules(lua_State *L)
{
    lua_newtable(L);                                        /* t */
    lua_rawsetp(L, LUA_REGISTRYINDEX, &REG_LOADED);         /* */
}
