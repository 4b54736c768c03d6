/* sandbox.h: the Lua 5.4 sandbox every province script, report, REPL line and batch script
 * runs in: a state built from an allow list (engine/script/sandbox.c, one table with a
 * reason per entry), strict read-only globals and libraries, a counting allocator with a
 * memory cap, one work budget whose kill pcall cannot swallow, a wall-clock deadline (per
 * state and per call), an interrupt flag for Ctrl-C, text-only chunk loading from regular
 * files only, deterministic iteration, and the `dvk` module table that other modules extend
 * with dvk_sandbox_register. Owns the lua_State; it must not touch the database schema (it
 * only keeps the dvk_store pointer it was given for C functions to use).
 *
 * The budget ("instructions") counts VM instructions and the work C code does for the
 * script, in the same unit: library functions that loop (string.rep, table.move/insert/
 * remove/concat/sort/unpack, the pattern matcher, utf8 scans, tonumber, pairs) charge the
 * elements they touch and the bytes they scan (one unit per 16 bytes) before or while they
 * run, and every allocation charges one unit per 64 bytes. A call that would not fit in
 * what is left fails at once with the budget's error; long C loops also look at the
 * deadlines and the interrupt flag. Host C functions that loop should call
 * dvk_sandbox_charge the same way. Known limit: a few single VM instructions still do work
 * the hook cannot see, bounded by Lua's own limits: a call that passes on a vararg list
 * (up to a million values, the stack's limit) and an index through a chain of __index
 * tables (up to 2,000); the budget counts each as one, and the wall-clock limits bound them.
 *
 * Determinism: pairs (and pairs over read-only views and _G) iterates numbers ascending,
 * then strings by bytes, then false, true; a table with keys of any other type (tables,
 * functions, coroutines) is refused, since Lua orders those by address. table.sort is a
 * stable merge sort. tostring, print and string.format show tables, functions and
 * coroutines by type name only (no address; %p is refused). Pattern classes (%a, %s, ...)
 * are the C locale's. math.random is seeded with 0. `#t` is Lua's border: on a sequence
 * (no holes from 1 to n) it is n; on a table with holes it is *a* border, which depends on
 * how the table was built (the same script on the same data builds it the same way, but
 * scripts should not rely on it).
 *
 * Usage (REPL, exec: dvk_sandbox_interactive_defaults; decisions, reports: _defaults):
 *     dvk_sandbox_limits lim = dvk_sandbox_interactive_defaults();
 *     lua_State *L = dvk_sandbox_new(store, scripts_dir, &lim, &err);
 *     dvk_sandbox_register(L, my_fns);          // dvk.models, dvk.units, ...
 *     if (dvk_sandbox_run(L, line, len, "=repl", LUA_MULTRET, &err) == DVK_OK) {
 *         ... results are on the stack above the previous top ...
 *     }
 *     dvk_sandbox_free(L);
 */
#ifndef DVK_SANDBOX_H
#define DVK_SANDBOX_H

#include <signal.h>
#include <stddef.h>
#include <lua.h>
#include <lauxlib.h>
#include "dvk/error.h"
#include "dvk/store.h"

/* Budget of a province call (dvk_sandbox_defaults), and of an interactive line or batch
 * run (dvk_sandbox_interactive_defaults): the REPL, dvk exec and dvk -e. About 2e7 plain
 * VM instructions run in a second. */
#define DVK_SANDBOX_INSTRUCTIONS 50000000LL
#define DVK_SANDBOX_INTERACTIVE_INSTRUCTIONS 2000000000LL
#define DVK_SANDBOX_INTERACTIVE_SECONDS 120.0
#define DVK_SANDBOX_INTERACTIVE_MIB 512

typedef struct dvk_sandbox_limits {
    size_t mem_bytes;         /* memory cap of the whole state (counting allocator) */
    long long instructions;   /* budget units (VM instructions plus charged C work, see
                                 above) per outermost dvk_sandbox_run/call; <= 0: unlimited */
    double wall_seconds;      /* wall-clock deadline from dvk_sandbox_new (or the last
                                 dvk_sandbox_set_deadline); <= 0: none */
    double call_seconds;      /* wall-clock limit of each outermost dvk_sandbox_call, from
                                 its start (a REPL line, an exec run); <= 0: none */
    int user_globals;         /* 1: scripts may create new globals (REPL, exec); the allow
                                 listed names stay read-only. 0: writing any global is an error */
    /* Where `print` writes (REPL, exec, debugging a province). NULL: print discards. */
    void (*print)(void *ud, const char *s, size_t n);
    void *print_ud;
    /* An extra interrupt flag owned by the host (a SIGINT handler sets it): when non-zero,
     * running chunks stop as with dvk_sandbox_interrupt. The sandbox never clears it. */
    volatile sig_atomic_t *interrupt_flag;
} dvk_sandbox_limits;

/* Defaults: 64 MiB, DVK_SANDBOX_INSTRUCTIONS per call, 300 s for the state, no per-call
 * time limit, no user globals, no print. */
dvk_sandbox_limits dvk_sandbox_defaults(void);
/* Defaults for interactive and batch work (REPL lines, dvk exec, dvk -e): 512 MiB,
 * DVK_SANDBOX_INTERACTIVE_INSTRUCTIONS and DVK_SANDBOX_INTERACTIVE_SECONDS per outermost
 * call (each line, each run; Ctrl-C stops sooner), no deadline for the state (a session
 * may stay open for hours), user globals on, no print (the host sets it). */
dvk_sandbox_limits dvk_sandbox_interactive_defaults(void);
/* Defaults for a report (`dvk report`): DVK_SANDBOX_REPORT_MIB (a decision's annex over a
 * large run is large), DVK_SANDBOX_REPORT_INSTRUCTIONS, DVK_SANDBOX_REPORT_SECONDS. */
#define DVK_SANDBOX_REPORT_MIB 1024
#define DVK_SANDBOX_REPORT_INSTRUCTIONS 2000000000LL
#define DVK_SANDBOX_REPORT_SECONDS 600.0
dvk_sandbox_limits dvk_sandbox_report_defaults(void);

/* A fresh sandboxed state. store may be NULL (script tests without a database); scripts_dir
 * is the folder holding provinces/ and lib/ (copied). lim NULL means the defaults. The
 * global set equals the allow list in sandbox.c; `dvk` holds the helpers (clamp, scale,
 * months, years, round, lower, key, require, province, test). Returns NULL with err set. */
lua_State *dvk_sandbox_new(dvk_store *store, const char *scripts_dir,
                           const dvk_sandbox_limits *lim, dvk_error *err);
/* Close the state (NULL accepted). Finalizers cannot run script code (__gc is refused). */
void dvk_sandbox_free(lua_State *L);

/* Add C functions to the `dvk` module table (scripts see it read-only). fns ends with
 * {NULL, NULL}; a name already present is replaced. Call before running scripts. */
int dvk_sandbox_register(lua_State *L, const luaL_Reg *fns);
/* Add the host's own C functions to `dvk` (the REPL's and exec's queries and writers): the
 * host's code sees them; province and library code (loaded by dvk_sandbox_dofile and
 * dvk.require, which run in their own environment with their own `dvk` and `_G`) never
 * does, in any context. dvk_sandbox_register adds to both. */
int dvk_sandbox_register_host(lua_State *L, const luaL_Reg *fns);
/* 1 when province or library code is on the call stack of L (a criterion calling back into
 * the host), or L is a coroutine: a host function that writes refuses then. */
int dvk_sandbox_in_script(lua_State *L);
/* The store and scripts folder the state was created with (store may be NULL). */
dvk_store *dvk_sandbox_store(lua_State *L);
const char *dvk_sandbox_scripts_dir(lua_State *L);

/* Compile a text chunk (binary chunks are refused) and push it as a function. chunkname is
 * "=repl", "@scripts/provinces/x.lua", ... On a syntax error returns DVK_EDATA with
 * "FILE:LINE: msg" in err, pushes nothing, and sets *incomplete (when not NULL) to 1 if the
 * error is at the end of the input (`<eof>`): the REPL then reads another line. */
int dvk_sandbox_load(lua_State *L, const char *code, size_t len, const char *chunkname,
                     int *incomplete, dvk_error *err);
/* Call the function below nargs arguments on the stack, like lua_pcall(L, nargs, nresults),
 * with a fresh instruction budget, the deadline, the interrupt flag and a traceback handler.
 * On error pops the function and arguments, pushes nothing and sets err to
 * "FILE:LINE: msg" (DVK_EDATA; DVK_EINTR when interrupted; DVK_ENOMEM when over the memory
 * cap). The traceback of the last error is kept (dvk_sandbox_traceback). Calls may nest (a C
 * function called from a script may call back): the budget and kill state belong to the
 * outermost call. */
int dvk_sandbox_call(lua_State *L, int nargs, int nresults, dvk_error *err);
/* dvk_sandbox_load + dvk_sandbox_call with no arguments. nresults may be LUA_MULTRET; the
 * results are left on the stack above the previous top. */
int dvk_sandbox_run(lua_State *L, const char *code, size_t len, const char *chunkname,
                    int nresults, dvk_error *err);
/* Load and run scripts_dir/relpath ("provinces/bac-kan.lua", "lib/x.lua") as a text chunk
 * named "@scripts/<relpath>", recording its SHA-256 among the state's loaded files. */
int dvk_sandbox_dofile(lua_State *L, const char *relpath, int nresults, dvk_error *err);

/* Forget the modules dvk.require has loaded, so the next require reads scripts/lib again
 * (the REPL's .reload after a lib file was edited). Values already taken stay as they are. */
void dvk_sandbox_forget_modules(lua_State *L);

/* Ask the running chunk to stop (Ctrl-C): async-signal-safe; the chunk ends with DVK_EINTR
 * "interrupted" within a few thousand instructions. When no chunk is running, the next
 * outermost dvk_sandbox_call returns DVK_EINTR without running (so a loop of calls, like a
 * decision, stops too). The flag is cleared by the call it stops, or explicitly (a REPL
 * clears it before each line). Also usable from another thread. */
void dvk_sandbox_interrupt(lua_State *L);
void dvk_sandbox_clear_interrupt(lua_State *L);
/* For C functions scripts call (the host's dvk.* functions, the wrapped libraries): charge
 * `units` of work to the running call's budget (one unit ~ one VM instruction: an element
 * touched, a row read, 16 bytes scanned) and look at the deadlines and the interrupt flag
 * (the clock every 100,000 units). When a limit is passed it raises the limit's error
 * ("instruction budget exhausted (N instructions) in <what>", what may be NULL), which, like
 * the hook's, a pcall cannot swallow. Charge before doing the work to fail at once. Does
 * nothing when no dvk_sandbox_call is running. */
void dvk_sandbox_charge(lua_State *L, long long units, const char *what);

/* Restart the wall-clock deadline: seconds from now (<= 0: none). */
void dvk_sandbox_set_deadline(lua_State *L, double seconds);
/* Bytes currently allocated by the state (for the memory cap and benchmarks). */
size_t dvk_sandbox_memory(lua_State *L);

/* Files loaded so far (province files and every dvk.require'd lib), in load order: path
 * ("scripts/provinces/bac-kan.lua") and 64-hex SHA-256. i in [0, count). The strings live
 * as long as the state. */
size_t dvk_sandbox_file_count(lua_State *L);
const char *dvk_sandbox_file(lua_State *L, size_t i, const char **sha256);

/* "stack traceback:\n..." of the last failed dvk_sandbox_call ("" when none). */
const char *dvk_sandbox_traceback(lua_State *L);

/* Push a read-only view of the table at idx, deeply: nested tables without a metatable are
 * replaced, inside the original, by their own views (once, eagerly; cycles are kept), so
 * hand over tables built for the purpose. Writes raise "attempt to modify a read-only
 * table"; rawset is not in the sandbox; pairs (sorted), ipairs and # work. */
void dvk_sandbox_push_readonly(lua_State *L, int idx);

/* Safe tostring for printing results (REPL): numbers as Lua prints them, strings as is,
 * tables/functions as their type name without an address; calls __tostring under the
 * budget. Pushes the string and returns it (valid while on the stack). */
const char *dvk_sandbox_tostring(lua_State *L, int idx);

/* Engine-internal (script.c): is the table at idx marked by dvk.province{} ("province") or
 * dvk.test{} ("test")? Line of that call in *line (0 when unknown). */
int dvk_sandbox_marked(lua_State *L, int idx, const char *kind, int *line);
/* Engine-internal: push a shallow read-only view of the table at idx (nested tables are not
 * wrapped: use for tables of scalars, like metrics). */
void dvk_sandbox_push_view(lua_State *L, int idx);

/* The allow list (for tests and docs): entry i's name ("pairs", "string.format") and reason;
 * NULL past the end. Top-level names are the only globals; "lib.member" names the only
 * members of each library table. */
const char *dvk_sandbox_allowed(size_t i, const char **reason);

#endif
