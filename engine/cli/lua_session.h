/* lua_session.h: what `dvk repl`, `dvk exec` and `dvk -e` share: a sandboxed Lua state over
 * the database with the query API, output to a stream, Ctrl-C wired to the sandbox's
 * interrupt flag, and errors printed with their file and line. CLI layer only. */
#ifndef DVK_CLI_LUA_SESSION_H
#define DVK_CLI_LUA_SESSION_H

#include <signal.h>
#include <stdio.h>
#include <lua.h>
#include "cli/cli.h"
#include "dvk/buf.h"

typedef struct lua_session {
    dvk_cli *cli;
    dvk_store *store;     /* NULL when the database file does not exist */
    lua_State *L;
    FILE *out;            /* results and print(); stdout unless .output says otherwise */
    volatile sig_atomic_t evaluating; /* 1 while Lua runs (Ctrl-C interrupts it) */
} lua_session;

/* Open the database (when it exists), build the sandbox with user globals, no instruction
 * budget or deadline (Ctrl-C stops runaway code) and the `dvk` module of context
 * (DVK_CTX_REPL or DVK_CTX_EXEC: the functions the registration table, dvk/query.h, gives
 * it), and install the SIGINT handler. Prints the error and returns the exit status on
 * failure (0 on success). */
int lua_session_open(lua_session *s, dvk_cli *cli, unsigned context);
void lua_session_close(lua_session *s);

/* Run the function on top of the stack (below nargs arguments) with Ctrl-C armed. */
int lua_session_call(lua_session *s, int nargs, int nresults, dvk_error *err);
/* Format the n values on top of the stack for people (tables as tables) and write each on
 * its own line to s->out; pops them. A formatting error (a query on a missing database, an
 * interrupt) is printed and its code returned. */
int lua_session_print(lua_session *s, int n);
/* Write err to stderr as "dvk: MESSAGE" (prefix 0: just MESSAGE), then the traceback of
 * the last failed call when with_traceback is set. */
void lua_session_report(lua_session *s, const dvk_error *err, int prefix, int with_traceback);

/* Append the rest of f to out (a Lua file for `dvk exec` or .read). 0, or -1 with errno
 * set (ENOMEM when memory ran short, EIO or the read's own errno on a read error). */
int lua_session_slurp(FILE *f, dvk_buf *out);

/* SIGINTs received since the REPL last reset it (a read at the prompt was interrupted). */
extern volatile sig_atomic_t lua_session_sigints;

#endif
