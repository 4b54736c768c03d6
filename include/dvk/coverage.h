/* coverage.h: what the province script tests exercised (`dvk test --coverage`): the lines of
 * each script file the tests ran against its executable lines (taken from the compiled
 * functions' line information, the same that Lua's debug.getinfo(f, "L") reports as
 * activelines, for every function of the file, nested ones included), and the named parts
 * of each province description (gates, criteria, outcomes, quotas) with how many test cases
 * reached them. The sandbox's hook feeds it (dvk_sandbox_set_coverage); engine/script/test.c
 * registers the files and parts; the formatters return text or JSON for the CLI to print.
 * Memory comes from malloc, never from a Lua state: counting costs no script budget. */
#ifndef DVK_COVERAGE_H
#define DVK_COVERAGE_H

#include <lua.h>
#include <stddef.h>

#include "dvk/buf.h"
#include "dvk/error.h"

typedef struct dvk_coverage dvk_coverage;

dvk_coverage *dvk_coverage_new(void);
void dvk_coverage_free(dvk_coverage *cov);

/* Count lines and watched calls of sandbox L in cov from now on (NULL: stop; the default).
 * With coverage off the sandbox's hook runs exactly as without this feature (count events
 * only). Implemented in engine/script/sandbox.c: the line and call events come through the
 * sandbox's one hook, beside the instruction budget. */
void dvk_sandbox_set_coverage(lua_State *L, dvk_coverage *cov);

/* ---- fed by the hook ---- */

/* A line event: source is the chunk name ("@scripts/provinces/x.lua"; other chunks, such as
 * "=[C]", are ignored). */
void dvk_coverage_line(dvk_coverage *cov, const char *source, int line);
/* A call event of the function fn (lua_topointer): counted when fn is watched. */
void dvk_coverage_call(dvk_coverage *cov, const void *fn);
/* Forget the chunk-name cache: a new Lua state may reuse the addresses of an old one. */
void dvk_coverage_new_state(dvk_coverage *cov);

/* ---- registered by the tests ---- */

/* Watch calls of fn (the function value's lua_topointer); returns a handle for
 * dvk_coverage_calls, or -1 when out of memory. dvk_coverage_unwatch_all forgets every
 * watched function (before the state that owns them is closed). */
int dvk_coverage_watch(dvk_coverage *cov, const void *fn);
long dvk_coverage_calls(const dvk_coverage *cov, int handle);
void dvk_coverage_unwatch_all(dvk_coverage *cov);

/* The executable lines of the script file named path ("scripts/provinces/x.lua", as in its
 * chunk name), compiled (never run) from src in a separate plain Lua state. A path is
 * compiled once; a second call with another sha256 (the file changed while the tests ran) is
 * DVK_EDATA. Syntax errors are DVK_EDATA with Lua's message. */
int dvk_coverage_add_file(dvk_coverage *cov, const char *path, const char *src, size_t len,
                          const char *sha256, dvk_error *err);

/* The executable lines of a compiled Lua chunk given as its lua_dump output (not stripped):
 * mark(ud, line) for each line of each function in it, nested ones included. all: every
 * line debug.getinfo(f, "L").activelines lists for each function; otherwise only the lines
 * of instructions that can run (not the RETURN after a tail call, nor code after a return).
 * Returns 0, or -1 when the dump is not a Lua 5.4 chunk this reader understands. */
int dvk_coverage_dump_lines(const void *dump, size_t len, int all,
                            void (*mark)(void *ud, int line), void *ud);

/* A named part of province `province`: kind "gate", "criterion", "outcome" or "quota", id
 * its id (a quota: "LEVEL OUTCOME"); run: the cases that reached it (a gate's or criterion's
 * function called, an outcome or a quota's outcome at its level given), failed: for a gate,
 * the cases it turned away. Adds to the counts of an earlier call with the same part (parts
 * keep the order of their first call); 0 counts register the part as not hit. -1 when out
 * of memory. */
int dvk_coverage_part(dvk_coverage *cov, const char *province, const char *kind, const char *id,
                      long run, long failed);

/* ---- reports ---- */

/* Text: per file "path  hit/total  pct%", the never-run line ranges, then each province's
 * parts with their counts or "not hit". JSON: one object (docs/lua-api.md, section 13).
 * -1 when out of memory. */
int dvk_coverage_text(const dvk_coverage *cov, dvk_buf *out);
int dvk_coverage_json(const dvk_coverage *cov, dvk_buf *out);

#endif
