/* sandbox.c: the Lua 5.4 sandbox: allow-listed globals, read-only libraries, counting
 * allocator, instruction budget, wall-clock deadline, interrupt flag, and the dvk helpers. */
#include "dvk/sandbox.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lualib.h>

#include "dvk/fault.h"
#include "dvk/format.h"
#include "dvk/sha256.h"
#include "dvk/text.h"

#define HOOK_EVERY 1000            /* instructions between budget/deadline/interrupt checks */
#define STRING_MAX (16u << 20)     /* largest string string.rep/format may build */
#define PATTERN_COST_MAX 1e9       /* subject_len^(quantifiers+1) allowed in pattern calls */
#define SCRIPT_FILE_MAX (4u << 20) /* largest script file */

/* Registry keys (addresses of these statics are unique). */
static const char REG_DVK = 'd';       /* the real dvk module table */
static const char REG_ALLOWED = 'a';   /* the real table behind the global environment */
static const char REG_LOADED = 'l';    /* dvk.require cache: name -> value */
static const char REG_MARKS = 'm';     /* weak table: description -> "province" | "test" */

enum { KILL_NONE, KILL_BUDGET, KILL_INTERRUPT, KILL_DEADLINE };

typedef struct sb_file {
    char *path;
    char sha[65];
} sb_file;

typedef struct sandbox {
    dvk_store *store;
    char *scripts_dir;
    dvk_sandbox_limits lim;
    size_t mem;                     /* bytes allocated now */
    int oom_cap;                    /* the last refused allocation hit the cap (1) or the
                                       machine had no memory for it (0) */
    long long used;                 /* instructions used by the current outermost call */
    int depth;                      /* nesting of dvk_sandbox_call */
    volatile sig_atomic_t interrupt;
    int killed;
    double deadline;                /* CLOCK_MONOTONIC seconds; 0: none */
    sb_file *files;
    size_t nfiles, capfiles;
    char traceback[8192];
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

/* Counting allocator: refuses growth past the cap, so Lua raises a memory error. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        sb->mem -= old;
        return NULL;
    }
    if (nsize > old && sb->mem - old + nsize > sb->lim.mem_bytes) {
        sb->oom_cap = 1;
        return NULL;
    }
    void *p = nsize > old && dvk_fault_should_fail() ? NULL : realloc(ptr, nsize);
    if (!p) {
        sb->oom_cap = 0;
        return NULL;
    }
    sb->mem = sb->mem - old + nsize;
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
static void sb_hook(lua_State *L, lua_Debug *ar)
{
    sandbox *sb = sb_get(L);
    if (!sb->killed) {
        if (lua_gethookcount(L) != HOOK_EVERY) {
            /* a thread armed by an earlier kill: back to normal counting */
            lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
            return;
        }
        if (ar->event == LUA_HOOKCOUNT)
            sb->used += HOOK_EVERY;
        if (sb->interrupt || (sb->lim.interrupt_flag && *sb->lim.interrupt_flag))
            sb->killed = KILL_INTERRUPT;
        else if (sb->lim.instructions > 0 && sb->used > sb->lim.instructions)
            sb->killed = KILL_BUDGET;
        else if (sb->deadline > 0 && now_monotonic() > sb->deadline)
            sb->killed = KILL_DEADLINE;
        if (!sb->killed)
            return;
    }
    lua_sethook(L, sb_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    switch (sb->killed) {
    case KILL_INTERRUPT:
        luaL_error(L, "interrupted");
        break;
    case KILL_BUDGET:
        luaL_error(L, "instruction budget exhausted (%I instructions)",
                   (lua_Integer)sb->lim.instructions);
        break;
    default:
        luaL_error(L, "wall-clock limit exceeded (%f s)", (lua_Number)sb->lim.wall_seconds);
        break;
    }
}

/* ------------------------------------------------------------------ sorted pairs */

typedef struct sort_key {
    int rank;          /* 0 number, 1 string, 2 boolean, 3 other (encounter order) */
    lua_Number n;
    const char *s;
    size_t len;
    int idx;           /* position in the keys table */
} sort_key;

static int key_cmp(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    switch (a->rank) {
    case 0:
        if (a->n != b->n)
            return a->n < b->n ? -1 : 1;
        break;
    case 1: {
        size_t m = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, m);
        if (c)
            return c;
        if (a->len != b->len)
            return a->len < b->len ? -1 : 1;
        break;
    }
    case 2:
        if (a->n != b->n)
            return a->n < b->n ? -1 : 1;
        break;
    default:
        break;
    }
    return a->idx < b->idx ? -1 : a->idx > b->idx;
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

/* Push an iterator over table idx in a deterministic order (numbers, strings, booleans). */
static int push_sorted_iter(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 8, "pairs");
    lua_Integer n = 0;
    lua_newtable(L);                                        /* keys */
    lua_pushnil(L);
    while (lua_next(L, idx)) {                              /* keys k v */
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, ++n);                            /* keys k */
    }
    if (n > 1) {
        sort_key *ks = malloc((size_t)n * sizeof *ks);
        if (!ks)
            return luaL_error(L, "not enough memory");
        for (lua_Integer i = 0; i < n; i++) {
            sort_key *k = &ks[i];
            memset(k, 0, sizeof *k);
            k->idx = (int)i + 1;
            int t = lua_rawgeti(L, -1, i + 1);
            if (t == LUA_TNUMBER) {
                k->rank = 0;
                k->n = lua_tonumber(L, -1);
            } else if (t == LUA_TSTRING) {
                k->rank = 1;
                k->s = lua_tolstring(L, -1, &k->len);      /* anchored in keys */
            } else if (t == LUA_TBOOLEAN) {
                k->rank = 2;
                k->n = lua_toboolean(L, -1);
            } else {
                k->rank = 3;
            }
            lua_pop(L, 1);
        }
        qsort(ks, (size_t)n, sizeof *ks, key_cmp);
        lua_createtable(L, (int)n, 0);                      /* keys sorted */
        for (lua_Integer i = 0; i < n; i++) {
            lua_rawgeti(L, -2, ks[i].idx);
            lua_rawseti(L, -2, i + 1);
        }
        free(ks);
        lua_remove(L, -2);                                  /* sorted */
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

static int l_string_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n > 0) {
        double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
        if (total > STRING_MAX)
            return luaL_error(L, "string.rep: result too large (%f bytes, limit %d)",
                              (lua_Number)total, (int)STRING_MAX);
    }
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

/* Lua's pattern matcher backtracks in C where the budget cannot see: refuse calls whose
 * worst case (subject length to the power quantifiers+1) is beyond PATTERN_COST_MAX. */
static int l_string_pattern(lua_State *L)
{
    size_t ls, lp;
    luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int plain = lua_toboolean(L, 4) && lua_type(L, 3) == LUA_TNUMBER; /* find(s,p,init,true) */
    if (!plain) {
        int q = 0;
        for (size_t i = 0; i < lp; i++) {
            if (p[i] == '%') {
                i++;
                continue;
            }
            if (p[i] == '*' || p[i] == '-' || p[i] == '+')
                q++;
        }
        if (pow((double)ls + 1.0, (double)q + 1.0) > PATTERN_COST_MAX)
            return luaL_error(L, "pattern too costly for a %d-byte subject (%d repetition "
                                 "items); split the text or simplify the pattern",
                              (int)ls, q);
    }
    return call_original(L);
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
static double round2(double x)
{
    double v = fabs(x) * 100.0;
    double r = floor(v + 0.5 + 1e-9 * (v > 1 ? v : 1));
    return copysign(r / 100.0, x);
}

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

/* Read scripts_dir/relpath into a malloc'd buffer. */
static char *read_script(sandbox *sb, const char *relpath, size_t *len, dvk_error *err)
{
    size_t n = strlen(sb->scripts_dir) + strlen(relpath) + 2;
    char *path = malloc(n);
    char *buf = NULL;
    FILE *f = NULL;
    if (!path) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    snprintf(path, n, "%s/%s", sb->scripts_dir, relpath);
    f = fopen(path, "rb");
    if (!f) {
        dvk_error_set(err, errno == ENOENT ? DVK_EDATA : DVK_EIO, "scripts/%s: cannot open (%s)",
                      relpath, strerror(errno));
        goto done;
    }
    buf = malloc(SCRIPT_FILE_MAX + 1);
    if (!buf) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    *len = fread(buf, 1, SCRIPT_FILE_MAX + 1, f);
    if (ferror(f)) {
        dvk_error_set(err, DVK_EIO, "scripts/%s: read error", relpath);
        free(buf);
        buf = NULL;
    } else if (*len > SCRIPT_FILE_MAX) {
        dvk_error_set(err, DVK_EDATA, "scripts/%s: file too large (limit %u bytes)", relpath,
                      SCRIPT_FILE_MAX);
        free(buf);
        buf = NULL;
    } else {
        buf[*len] = '\0';
    }
done:
    if (f)
        fclose(f);
    free(path);
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

/* require(name): scripts/lib/<name>.lua only, as text, once per state. */
static int l_require(lua_State *L)
{
    sandbox *sb = sb_get(L);
    const char *name = luaL_checkstring(L, 1);
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
    char *buf = read_script(sb, rel, &len, &err);
    if (!buf)
        return luaL_error(L, "require: %s", err.msg);
    char chunk[600];
    snprintf(chunk, sizeof chunk, "@scripts/%s", rel);
    int rc = luaL_loadbufferx(L, buf, len, chunk, "t");     /* name loaded f */
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
    {"pairs", NULL, "sorted iteration, so results never depend on hash order"},
    {"pcall", NULL, "error handling; cannot swallow a budget kill (the hook re-arms)"},
    {"print", NULL, "goes to the host's sink (REPL, --verbose), never to a file"},
    {"rawequal", NULL, "identity comparison, read only"},
    {"rawget", NULL, "read only access"},
    {"rawlen", NULL, "read only access"},
    {"require", NULL, "loads scripts/lib/<name>.lua as text only (same as dvk.require)"},
    {"select", NULL, "varargs"},
    {"setmetatable", NULL, "own tables only; __gc refused (finalizers run unhooked)"},
    {"tonumber", NULL, "conversion"},
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
    {"string.byte", NULL, "pure"},
    {"string.char", NULL, "pure, bounded by its arguments"},
    {"string.find", l_string_pattern, "pattern cost guarded (backtracking is outside the budget)"},
    {"string.format", l_string_format, "no %p, and %s of a table gives no address; widths are limited by Lua"},
    {"string.gmatch", l_string_pattern, "pattern cost guarded"},
    {"string.gsub", l_string_pattern, "pattern cost guarded"},
    {"string.len", NULL, "pure"},
    {"string.lower", NULL, "pure (bytes; dvk.lower for Vietnamese)"},
    {"string.match", l_string_pattern, "pattern cost guarded"},
    {"string.pack", NULL, "pure"},
    {"string.packsize", NULL, "pure"},
    {"string.rep", l_string_rep, "result size guarded (string.rep of 2^31 is refused)"},
    {"string.reverse", NULL, "pure"},
    {"string.sub", NULL, "pure"},
    {"string.unpack", NULL, "pure"},
    {"string.upper", NULL, "pure"},
    {"table", NULL, "library (read-only)"},
    {"table.concat", NULL, "bounded by the memory cap"},
    {"table.insert", NULL, "own tables"},
    {"table.move", NULL, "own tables"},
    {"table.pack", NULL, "pure"},
    {"table.remove", NULL, "own tables"},
    {"table.sort", NULL, "own tables; comparators run under the budget"},
    {"table.unpack", NULL, "pure"},
    {"utf8", NULL, "library (read-only)"},
    {"utf8.char", NULL, "pure"},
    {"utf8.charpattern", NULL, "constant"},
    {"utf8.codepoint", NULL, "pure"},
    {"utf8.codes", NULL, "pure"},
    {"utf8.len", NULL, "pure"},
    {"utf8.offset", NULL, "pure"},
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
    l.instructions = 50000000;
    l.wall_seconds = 300;
    return l;
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
    L = lua_newstate(sb_alloc, sb);
    if (!L)
        goto nomem;
    lua_pushcfunction(L, build_env);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        char what[64];
        oom_message(sb, what, sizeof what);
        dvk_error_set(err, DVK_ENOMEM, "cannot build the Lua sandbox: %s", what);
        lua_close(L);
        free(sb->scripts_dir);
        free(sb);
        return NULL;
    }
    lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
    dvk_sandbox_set_deadline(L, sb->lim.wall_seconds);
    return L;
nomem:
    if (sb) {
        free(sb->scripts_dir);
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
    free(sb->scripts_dir);
    free(sb);
}

int dvk_sandbox_register(lua_State *L, const luaL_Reg *fns)
{
    luaL_checkstack(L, 4, "register");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &REG_DVK);            /* dvk */
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
    return DVK_OK;
}

dvk_store *dvk_sandbox_store(lua_State *L) { return sb_get(L)->store; }
const char *dvk_sandbox_scripts_dir(lua_State *L) { return sb_get(L)->scripts_dir; }
size_t dvk_sandbox_memory(lua_State *L) { return sb_get(L)->mem; }
const char *dvk_sandbox_traceback(lua_State *L) { return sb_get(L)->traceback; }
size_t dvk_sandbox_file_count(lua_State *L) { return sb_get(L)->nfiles; }

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
        sb->killed = KILL_NONE;
        lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
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
    if (sb->depth == 0) {
        if (killed == KILL_INTERRUPT)
            sb->interrupt = 0;
        sb->killed = KILL_NONE;
        lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
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
    if (rc == LUA_ERRMEM) {
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
    char *buf = read_script(sb, relpath, &len, err);
    if (!buf)
        return err ? err->code : DVK_EIO;
    char chunk[1100];
    snprintf(chunk, sizeof chunk, "@scripts/%s", relpath);
    int rc = dvk_sandbox_load(L, buf, len, chunk, NULL, err);
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
