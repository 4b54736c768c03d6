/* lua_session.c: the Lua session shared by `dvk repl`, `dvk exec` and `dvk -e` (see
 * lua_session.h). */
#include "cli/lua_session.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>

#include "dvk/query.h"
#include "dvk/sandbox.h"
#include "dvk/table.h"

volatile sig_atomic_t lua_session_sigints;
static lua_session *volatile active; /* the session Ctrl-C interrupts */

static void on_sigint(int sig)
{
    (void)sig;
    lua_session_sigints++;
    lua_session *s = active;
    if (s && s->evaluating)
        dvk_sandbox_interrupt(s->L);
}

static void print_to_out(void *ud, const char *text, size_t n)
{
    lua_session *s = ud;
    fwrite(text, 1, n, s->out);
}

int lua_session_open(lua_session *s, dvk_cli *cli, unsigned context)
{
    memset(s, 0, sizeof *s);
    s->cli = cli;
    s->out = stdout;
    dvk_error err;
    dvk_error_clear(&err);
    /* A missing database is not an error here: plain Lua still works, and the query
     * functions say that no database is open. */
    if (access(cli->db_path, F_OK) == 0) {
        int status;
        s->store = cli_open_store(cli, 0, &status);
        if (!s->store)
            return status;
    }
    dvk_sandbox_limits lim = dvk_sandbox_interactive_defaults();   /* per line or run */
    lim.print = print_to_out;
    lim.print_ud = s;
    s->L = dvk_sandbox_new(s->store, cli->scripts_dir, &lim, &err);
    if (!s->L || dvk_query_register(s->L, context, &err) != DVK_OK) {
        lua_session_close(s);
        return cli_fail(&err);
    }
    dvk_query_set_output(s->L, dvk_table_default_mode(stdout), 20);
    dvk_query_set_interrupt(s->L, &lua_session_sigints);
    active = s;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a read at the prompt returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    return 0;
}

void lua_session_close(lua_session *s)
{
    if (active == s) {
        signal(SIGINT, SIG_DFL);
        active = NULL;
    }
    if (s->out && s->out != stdout)
        fclose(s->out);
    s->out = stdout;
    dvk_sandbox_free(s->L);
    s->L = NULL;
    dvk_store_close(s->store);
    s->store = NULL;
}

int lua_session_call(lua_session *s, int nargs, int nresults, dvk_error *err)
{
    /* a Ctrl-C from before this call (at the prompt) must not stop it, nor a dvk.decide */
    lua_session_sigints = 0;
    s->evaluating = 1;
    int rc = dvk_sandbox_call(s->L, nargs, nresults, err);
    s->evaluating = 0;
    return rc;
}

/* format(v1, ..., vn) -> one string: each value formatted for people, one per line */
static int l_format_all(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checkstack(L, 2 * n + 2, "format");
    for (int i = 1; i <= n; i++) {
        char *text = dvk_query_format(L, i);
        if (!text)
            return luaL_error(L, "out of memory");
        size_t len = strlen(text);
        int nl = len == 0 || text[len - 1] != '\n';
        lua_pushlstring(L, text, len);                                  /* v.. text */
        free(text);
        if (nl)
            lua_pushliteral(L, "\n");                                  /* v.. text nl */
    }
    lua_concat(L, lua_gettop(L) - n);                                   /* v.. all */
    return 1;
}

int lua_session_print(lua_session *s, int n)
{
    if (n <= 0)
        return DVK_OK;
    lua_State *L = s->L;
    lua_pushcfunction(L, l_format_all);                                 /* v.. f */
    lua_insert(L, -n - 1);                                              /* f v.. */
    dvk_error err;
    dvk_error_clear(&err);
    int rc = lua_session_call(s, n, 1, &err);                           /* text | */
    if (rc != DVK_OK) {
        lua_session_report(s, &err, 0, 0);
        return rc;
    }
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    fwrite(text, 1, len, s->out);
    fflush(s->out);
    lua_pop(L, 1);                                                      /* */
    return DVK_OK;
}

int lua_session_slurp(FILE *f, dvk_buf *out)
{
    errno = 0;
    for (;;) {
        if (dvk_buf_reserve(out, 8192) != 0) {
            errno = ENOMEM;
            return -1;
        }
        size_t got = fread(out->p + out->len, 1, out->cap - out->len - 1, f);
        out->len += got;
        out->p[out->len] = '\0';
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

void lua_session_report(lua_session *s, const dvk_error *err, int prefix, int with_traceback)
{
    fflush(s->out);
    fprintf(stderr, "%s%s\n", prefix ? "dvk: " : "", err->msg[0] ? err->msg : "error");
    if (with_traceback && err->code != DVK_EINTR) {
        const char *tb = dvk_sandbox_traceback(s->L);
        if (tb && *tb)
            fprintf(stderr, "%s\n", tb);
    }
    fflush(stderr);
}
