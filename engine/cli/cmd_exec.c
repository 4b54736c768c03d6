/* cmd_exec.c: `dvk exec FILE.lua [ARGS...]` runs a Lua file with the REPL's API and an `arg`
 * table; `dvk -e 'CODE'` runs a one-liner and prints what an expression gives. Errors end
 * the command with status 1, the message pointing into the user's file and a traceback. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/lua_session.h"
#include "dvk/buf.h"
#include "dvk/query.h"
#include "dvk/sandbox.h"

/* Read a whole file ("-": standard input) into out. 0, or -1 with errno set. */
static int slurp(const char *path, dvk_buf *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return -1;
    int rc = lua_session_slurp(f, out);
    int saved = errno;
    if (f != stdin)
        fclose(f);
    errno = saved;
    return rc;
}

/* The chunk name of a file: "@" + its path as the user gave it, so errors read
 * "analysis.lua:12: ...". */
static void chunk_name(char *buf, size_t n, const char *path)
{
    snprintf(buf, n, "@%s", strcmp(path, "-") == 0 ? "stdin" : path);
}

int cmd_exec(dvk_cli *cli, int argc, char **argv)
{
    const dvk_command *cmd = cli_find_command("exec");
    /* Options end at the file name: what follows belongs to the script. */
    int c;
    while ((c = cli_getopt(cmd, argc, argv, "+", NULL)) != -1) {
        if (c == 'h')
            return 0;
        return 2;
    }
    if (cli_optind >= argc)
        return cli_usage_error("exec", "missing the Lua file to run");
    const char *path = argv[cli_optind];
    dvk_buf file = DVK_BUF_INIT;
    if (slurp(path, &file) != 0) {
        dvk_buf_free(&file);
        dvk_error err;
        dvk_error_set(&err, DVK_EIO, "%s: cannot read (%s)", path, strerror(errno));
        return cli_fail(&err);
    }
    lua_session s;
    int status = lua_session_open(&s, cli, DVK_CTX_EXEC);
    if (status != 0) {
        dvk_buf_free(&file);
        return status;
    }
    lua_State *L = s.L;
    dvk_error err;
    dvk_error_clear(&err);
    char name[1024];
    chunk_name(name, sizeof name, path);
    /* Skip a #! line, keeping the line count. */
    const char *code = dvk_buf_str(&file);
    size_t len = file.len, skip = 0;
    if (len > 1 && code[0] == '#' && code[1] == '!')
        while (skip < len && code[skip] != '\n')
            skip++;
    int rc = dvk_sandbox_load(L, code + skip, len - skip, name, NULL, &err);
    dvk_buf_free(&file);
    if (rc == DVK_OK) {
        /* arg[0] is the file, arg[1..] its arguments; they are also the chunk's `...`. */
        int nargs = argc - cli_optind - 1;
        luaL_checkstack(L, nargs + 4, "arguments");
        lua_createtable(L, nargs, 1);                                   /* f arg */
        for (int i = cli_optind; i < argc; i++) {
            lua_pushstring(L, argv[i]);
            lua_rawseti(L, -2, i - cli_optind);
        }
        lua_pushglobaltable(L);                                         /* f arg G */
        lua_pushvalue(L, -2);                                           /* f arg G arg */
        lua_setfield(L, -2, "arg");                                     /* f arg G */
        lua_pop(L, 2);                                                  /* f */
        for (int i = cli_optind + 1; i < argc; i++)
            lua_pushstring(L, argv[i]);                                 /* f args.. */
        rc = lua_session_call(&s, nargs, 0, &err);
    }
    if (rc != DVK_OK)
        lua_session_report(&s, &err, 1, 1);
    fflush(s.out);
    lua_session_close(&s);
    return rc == DVK_OK ? 0 : dvk_error_exit_status(rc);
}

/* dvk -e 'CODE': an expression prints its value (as in the REPL); statements just run. */
int cmd_eval(dvk_cli *cli, const char *code)
{
    lua_session s;
    int status = lua_session_open(&s, cli, DVK_CTX_EXEC);
    if (status != 0)
        return status;
    lua_State *L = s.L;
    dvk_error err;
    dvk_error_clear(&err);
    const char *name = "=(command line)";
    size_t n = strlen(code);
    char *ret = malloc(n + 8);
    int rc = DVK_EDATA;
    if (ret) {
        memcpy(ret, "return ", 7);
        memcpy(ret + 7, code, n + 1);
        rc = dvk_sandbox_load(L, ret, n + 7, name, NULL, NULL);
        free(ret);
    }
    if (rc != DVK_OK)
        rc = dvk_sandbox_load(L, code, n, name, NULL, &err);
    if (rc == DVK_OK) {
        int base = lua_gettop(L) - 1;
        rc = lua_session_call(&s, 0, LUA_MULTRET, &err);
        if (rc == DVK_OK) {
            /* a formatting error is already printed */
            int prc = lua_session_print(&s, lua_gettop(L) - base);
            fflush(s.out);
            lua_session_close(&s);
            return dvk_error_exit_status(prc);
        }
    }
    if (rc != DVK_OK)
        lua_session_report(&s, &err, 1, 1);
    fflush(s.out);
    lua_session_close(&s);
    return rc == DVK_OK ? 0 : dvk_error_exit_status(rc);
}
