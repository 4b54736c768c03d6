/* cmd_repl.c: `dvk repl [--province P]`: interactive Lua over the database. libedit line
 * editing with ~/.dvk_history and tab completion; a statement is known to be incomplete by
 * compiling it (a syntax error at <eof>), never by counting brackets; expressions print
 * without `return` ("return <line>" is tried first; a leading "=" works too); dot-commands
 * come from one table whose usage lines are the help. Ctrl-C stops the running line; a
 * second Ctrl-C at an empty prompt leaves. From a pipe the input runs as a script: no
 * prompts, the same output, exit status 1 if any line failed. */
#include <errno.h>
#include <getopt.h>
#include <histedit.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "cli/cli.h"
#include "cli/lua_session.h"
#include "dvk/buf.h"
#include "dvk/query.h"
#include "dvk/sandbox.h"
#include "dvk/table.h"

typedef struct repl {
    lua_session s;
    int interactive;          /* stdin is a terminal: prompts, history, completion */
    const char *chunkname;    /* "=repl" or "=stdin" */
    dvk_buf pending;          /* lines of an incomplete statement (len 0: none) */
    long pending_line;        /* input line where the pending statement starts */
    long line;                /* input lines read so far */
    int timer;                /* .timer on */
    dvk_table_mode mode;
    int quit;                 /* .quit */
    int failed;               /* a line failed (exit status from a pipe) */
    EditLine *el;
    History *hist;
    char history_path[4096];
    int read_depth;           /* nested .read */
} repl;

/* ------------------------------------------------------------------ evaluating */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Lua numbers lines from 1 in each chunk. So that errors name the input's line, a chunk
 * starting at input line N gets N - 1 newlines in front; past MAX_PAD lines (long piped
 * scripts) that would cost too much, and the chunk name says the line instead. */
#define MAX_PAD 10000

/* The code as a chunk for input line first_line: newlines, then prefix, then code; the
 * chunk name goes to name (size n). malloc'd. */
static char *numbered(const repl *r, const char *prefix, const char *code, size_t len,
                      long first_line, size_t *out_len, char *name, size_t n)
{
    size_t pad = first_line > 1 && first_line <= MAX_PAD ? (size_t)(first_line - 1) : 0;
    if (first_line > MAX_PAD)
        snprintf(name, n, "%s (line %ld)", r->chunkname, first_line);
    else
        snprintf(name, n, "%s", r->chunkname);
    size_t plen = strlen(prefix);
    char *buf = malloc(pad + plen + len + 1);
    if (!buf)
        return NULL;
    memset(buf, '\n', pad);
    memcpy(buf + pad, prefix, plen);
    memcpy(buf + pad + plen, code, len);
    buf[pad + plen + len] = '\0';
    *out_len = pad + plen + len;
    return buf;
}

static void report(repl *r, const dvk_error *err)
{
    if (r->interactive && err->code == DVK_EINTR)
        fputc('\n', stderr); /* after the terminal's "^C" */
    lua_session_report(&r->s, err, 0, 0);
    r->failed = 1;
}

/* Compile code (as an expression first, then as statements) and run it, printing what it
 * returns. Returns 1 when the code is an incomplete statement (nothing ran). */
static int evaluate(repl *r, const char *code, size_t len, long first_line)
{
    lua_State *L = r->s.L;
    dvk_error err;
    dvk_error_clear(&err);
    size_t n;
    int loaded = 0;
    /* "= expr" prints expr, as in Lua 5.1's REPL */
    const char *body = code;
    size_t blen = len;
    while (blen > 0 && (*body == ' ' || *body == '\t')) {
        body++;
        blen--;
    }
    if (blen > 0 && *body == '=') {
        body++;
        blen--;
    } else {
        body = code;
        blen = len;
    }
    char name[128];
    char *chunk = numbered(r, "return ", body, blen, first_line, &n, name, sizeof name);
    if (!chunk) {
        dvk_error_set(&err, DVK_ENOMEM, "out of memory");
        report(r, &err);
        return 0;
    }
    loaded = dvk_sandbox_load(L, chunk, n, name, NULL, NULL) == DVK_OK;
    free(chunk);
    if (!loaded && body != code) {
        /* "=" was given: the expression's own syntax error is the message */
        chunk = numbered(r, "return ", body, blen, first_line, &n, name, sizeof name);
        if (chunk) {
            int incomplete = 0;
            dvk_sandbox_load(L, chunk, n, name, &incomplete, &err);
            free(chunk);
            if (incomplete)
                return 1;
            report(r, &err);
        }
        return 0;
    }
    if (!loaded) {
        chunk = numbered(r, "", code, len, first_line, &n, name, sizeof name);
        if (!chunk)
            return 0;
        int incomplete = 0;
        int rc = dvk_sandbox_load(L, chunk, n, name, &incomplete, &err);
        free(chunk);
        if (rc != DVK_OK) {
            if (incomplete)
                return 1;
            report(r, &err);
            return 0;
        }
    }
    int base = lua_gettop(L) - 1;
    dvk_sandbox_clear_interrupt(L);
    double t0 = now_seconds();
    int rc = lua_session_call(&r->s, 0, LUA_MULTRET, &err);
    double spent = now_seconds() - t0;
    if (rc == DVK_OK) {
        if (lua_session_print(&r->s, lua_gettop(L) - base) != DVK_OK)
            r->failed = 1;
    } else {
        report(r, &err);
    }
    lua_settop(L, base);
    if (r->timer)
        fprintf(r->s.out, "time: %.3f s\n", spent);
    fflush(r->s.out);
    return 0;
}

/* ------------------------------------------------------------------ dot-commands */

typedef struct dot_command {
    const char *name;
    int (*fn)(repl *r, int argc, char **argv);
    const char *usage;
    const char *help;
} dot_command;

static const dot_command dot_commands[];

static int dot_help(repl *r, int argc, char **argv)
{
    FILE *out = r->s.out;
    fputs("Lua over the dvk database. Expressions print their value; dvk.models{...},\n"
          "dvk.units{...}, dvk.runs{...}, dvk.result(run, code), dvk.explain(run, code),\n"
          "dvk.score(code) and dvk.decide{...} are the query API (see the README).\n\n", out);
    for (const dot_command *d = dot_commands; d->name; d++)
        fprintf(out, "%-36s %s\n", d->usage, d->help);
    return 0;
}

static int dot_province(repl *r, int argc, char **argv)
{
    dvk_error err;
    dvk_error_clear(&err);
    if (argc < 2) {
        const char *p = dvk_query_province(r->s.L);
        fprintf(r->s.out, "%s\n", p ? p : "no province chosen (.province CODE)");
        return 0;
    }
    if (dvk_query_set_province(r->s.L, argv[1], &err) != DVK_OK) {
        report(r, &err);
        return 1;
    }
    fprintf(r->s.out, "province %s: scripts/provinces/%s.lua\n", argv[1], argv[1]);
    return 0;
}

static int dot_reload(repl *r, int argc, char **argv)
{
    const char *p = dvk_query_province(r->s.L);
    if (!p) {
        fprintf(stderr, "no province to reload: choose one with .province CODE\n");
        r->failed = 1;
        return 1;
    }
    char code[128];
    snprintf(code, sizeof code, "%s", p);
    dvk_error err;
    dvk_error_clear(&err);
    /* Edited helpers under scripts/lib are read again too. */
    dvk_sandbox_forget_modules(r->s.L);
    if (dvk_query_set_province(r->s.L, code, &err) != DVK_OK) {
        report(r, &err);
        fprintf(stderr, "(the previous version of %s stays loaded)\n", code);
        return 1;
    }
    fprintf(r->s.out, "reloaded scripts/provinces/%s.lua\n", code);
    return 0;
}

static dvk_store *need_db(repl *r)
{
    if (!r->s.store) {
        fprintf(stderr, "no database is open (%s does not exist)\n", r->s.cli->db_path);
        r->failed = 1;
    }
    return r->s.store;
}

/* dvk's tables, in the order they are explained in store.h. */
static const struct {
    const char *name, *count_sql;
} known_tables[] = {
    {"units", "SELECT count(*) FROM units"},
    {"fields", "SELECT count(*) FROM fields"},
    {"models", "SELECT count(*) FROM models"},
    {"appraisals", "SELECT count(*) FROM appraisals"},
    {"runs", "SELECT count(*) FROM runs"},
    {"results", "SELECT count(*) FROM results"},
    {"result_scores", "SELECT count(*) FROM result_scores"},
    {"audit_log", "SELECT count(*) FROM audit_log"},
};

static int dot_tables(repl *r, int argc, char **argv)
{
    dvk_store *db = need_db(r);
    if (!db)
        return 1;
    const char *h[] = {"table", "rows"};
    dvk_table *t = dvk_table_new(2, h);
    dvk_error err;
    dvk_error_clear(&err);
    for (size_t i = 0; t && i < sizeof known_tables / sizeof known_tables[0]; i++) {
        sqlite3_stmt *st = dvk_store_prepare(db, known_tables[i].count_sql, &err);
        if (!st)
            break;
        char num[32] = "?";
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
        const char *row[] = {known_tables[i].name, num};
        dvk_table_add_row(t, row, &err);
    }
    if (t && !err.code)
        dvk_table_write(t, r->s.out, r->mode, &err);
    dvk_table_free(t);
    if (err.code) {
        report(r, &err);
        return 1;
    }
    return 0;
}

static int dot_schema(repl *r, int argc, char **argv)
{
    dvk_store *db = need_db(r);
    if (!db)
        return 1;
    dvk_error err;
    dvk_error_clear(&err);
    sqlite3_stmt *st = dvk_store_prepare(db,
        /* the file's schema and the connection's own view result_scores (store.h) */
        argc > 1 ? "SELECT sql FROM (SELECT * FROM sqlite_master UNION ALL SELECT * FROM"
                   " sqlite_temp_master) WHERE sql IS NOT NULL AND tbl_name = ?"
                   " ORDER BY type <> 'table', type, name"
                 : "SELECT sql FROM (SELECT * FROM sqlite_master UNION ALL SELECT * FROM"
                   " sqlite_temp_master) WHERE sql IS NOT NULL"
                   " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                   " ORDER BY tbl_name, type <> 'table', type, name",
        &err);
    if (!st) {
        report(r, &err);
        return 1;
    }
    if (argc > 1)
        sqlite3_bind_text(st, 1, argv[1], -1, SQLITE_TRANSIENT);
    int found = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        fprintf(r->s.out, "%s;\n", (const char *)sqlite3_column_text(st, 0));
        found = 1;
    }
    sqlite3_finalize(st);
    if (!found && argc > 1) {
        fprintf(stderr, "no table named '%s' (see .tables)\n", argv[1]);
        r->failed = 1;
        return 1;
    }
    return 0;
}

static int dot_mode(repl *r, int argc, char **argv)
{
    if (argc < 2) {
        fprintf(r->s.out, "%s\n", dvk_table_mode_name(r->mode));
        return 0;
    }
    int m = dvk_table_mode_parse(argv[1]);
    if (m < 0) {
        fprintf(stderr, "unknown mode '%s' (table, box, csv, markdown, json)\n", argv[1]);
        r->failed = 1;
        return 1;
    }
    r->mode = (dvk_table_mode)m;
    dvk_query_set_output(r->s.L, r->mode, 20);
    return 0;
}

static int dot_timer(repl *r, int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0)) {
        fprintf(stderr, "usage: .timer on|off\n");
        r->failed = 1;
        return 1;
    }
    r->timer = strcmp(argv[1], "on") == 0;
    return 0;
}

static int dot_output(repl *r, int argc, char **argv)
{
    FILE *f = stdout;
    if (argc > 1 && strcmp(argv[1], "stdout") != 0 && !(f = fopen(argv[1], "w"))) {
        fprintf(stderr, "%s: cannot write (%s)\n", argv[1], strerror(errno));
        r->failed = 1;
        return 1;
    }
    if (r->s.out != stdout)
        fclose(r->s.out);
    r->s.out = f;
    return 0;
}

static void process_line(repl *r, const char *line);

static int dot_read(repl *r, int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: .read FILE.lua\n");
        r->failed = 1;
        return 1;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot read (%s)\n", argv[1], strerror(errno));
        r->failed = 1;
        return 1;
    }
    dvk_buf code = DVK_BUF_INIT;
    int failed = lua_session_slurp(f, &code) != 0;
    fclose(f);
    if (failed) {
        dvk_buf_free(&code);
        fprintf(stderr, "%s: cannot read (%s)\n", argv[1], strerror(errno));
        r->failed = 1;
        return 1;
    }
    char name[1024];
    snprintf(name, sizeof name, "@%s", argv[1]);
    dvk_error err;
    dvk_error_clear(&err);
    lua_State *L = r->s.L;
    int rc = dvk_sandbox_load(L, dvk_buf_str(&code), code.len, name, NULL, &err);
    dvk_buf_free(&code);
    if (rc == DVK_OK) {
        int base = lua_gettop(L) - 1;
        dvk_sandbox_clear_interrupt(L);
        rc = lua_session_call(&r->s, 0, LUA_MULTRET, &err);
        if (rc == DVK_OK && lua_session_print(&r->s, lua_gettop(L) - base) != DVK_OK)
            r->failed = 1;
        lua_settop(L, base);
    }
    if (rc != DVK_OK) {
        report(r, &err);
        return 1;
    }
    return 0;
}

static int dot_quit(repl *r, int argc, char **argv)
{
    r->quit = 1;
    return 0;
}

static const dot_command dot_commands[] = {
    {".help", dot_help, ".help", "show this help"},
    {".province", dot_province, ".province [P]", "load or switch the province script (none: show it)"},
    {".reload", dot_reload, ".reload", "re-read the province script after editing it, keeping the session"},
    {".tables", dot_tables, ".tables", "the database's tables and their row counts"},
    {".schema", dot_schema, ".schema [TABLE]", "the CREATE statements of the database"},
    {".mode", dot_mode, ".mode table|box|csv|markdown|json", "how tables print"},
    {".timer", dot_timer, ".timer on|off", "show how long each line took"},
    {".output", dot_output, ".output [FILE]", "write results to FILE (none: the screen)"},
    {".read", dot_read, ".read FILE.lua", "run a Lua file in this session"},
    {".quit", dot_quit, ".quit", "leave (Ctrl-D too)"},
    {NULL, NULL, NULL, NULL},
};

static void run_dot(repl *r, const char *line)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", line);
    char *argv[16];
    int argc = 0;
    for (char *save = NULL, *w = strtok_r(copy, " \t\r\n", &save); w && argc < 16;
         w = strtok_r(NULL, " \t\r\n", &save))
        argv[argc++] = w;
    if (argc == 0)
        return;
    for (const dot_command *d = dot_commands; d->name; d++)
        if (strcmp(d->name, argv[0]) == 0 || (strcmp(argv[0], ".exit") == 0 && d->fn == dot_quit)) {
            d->fn(r, argc, argv);
            fflush(r->s.out);
            return;
        }
    fprintf(stderr, "unknown command '%s' (.help lists them)\n", argv[0]);
    r->failed = 1;
}

/* ------------------------------------------------------------------ input */

/* One input line: a dot-command, or Lua to add to the pending statement and try. */
static void process_line(repl *r, const char *line)
{
    r->line++;
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (r->pending.len == 0) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '.' && p[1] >= 'a' && p[1] <= 'z') {
            run_dot(r, p);
            return;
        }
        if ((size_t)(p - line) == len)
            return; /* blank line */
        r->pending_line = r->line;
    }
    if (r->pending.len > 0)
        dvk_buf_addc(&r->pending, '\n');
    if (dvk_buf_add(&r->pending, line, len) != 0) {
        fprintf(stderr, "out of memory\n");
        dvk_buf_free(&r->pending);
        return;
    }
    if (evaluate(r, r->pending.p, r->pending.len, r->pending_line))
        return; /* incomplete: wait for more lines */
    dvk_buf_reset(&r->pending);
}

/* Input from a pipe or file: every line, no prompts. */
static void run_script(repl *r, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    while (!r->quit && getline(&line, &cap, in) != -1)
        process_line(r, line);
    free(line);
    if (r->pending.len > 0) {
        /* the input ended inside a statement: compile it once more for the message */
        dvk_error err;
        dvk_error_clear(&err);
        size_t n;
        char name[128];
        char *chunk = numbered(r, "", r->pending.p, r->pending.len, r->pending_line, &n, name,
                               sizeof name);
        if (chunk && dvk_sandbox_load(r->s.L, chunk, n, name, NULL, &err) != DVK_OK)
            report(r, &err);
        else if (chunk)
            lua_pop(r->s.L, 1);
        free(chunk);
        dvk_buf_reset(&r->pending);
    }
}

/* ------------------------------------------------------------------ libedit */

static repl *the_repl; /* for libedit callbacks */

static char *prompt(EditLine *el)
{
    static char buf[128];
    repl *r = the_repl;
    const char *p = dvk_query_province(r->s.L);
    if (r->pending.len > 0)
        snprintf(buf, sizeof buf, "%*s> ", p ? (int)strlen(p) + 4 : 3, "...");
    else if (p)
        snprintf(buf, sizeof buf, "dvk %s> ", p);
    else
        snprintf(buf, sizeof buf, "dvk> ");
    return buf;
}

static int line_empty_at_interrupt;

/* Read one character for libedit; a Ctrl-C (SIGINT, EINTR) ends el_gets with an error so
 * that the REPL can decide what the interrupt means. */
static int getc_fn(EditLine *el, wchar_t *wc)
{
    mbstate_t mbs;
    memset(&mbs, 0, sizeof mbs);
    for (;;) {
        char c;
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n == 1) {
            size_t k = mbrtowc(wc, &c, 1, &mbs);
            if (k == (size_t)-2)
                continue; /* more bytes of this character */
            if (k == (size_t)-1) {
                memset(&mbs, 0, sizeof mbs);
                continue; /* invalid byte: drop it */
            }
            if (k == 0)
                *wc = 0;
            return 1;
        }
        if (n == 0)
            return 0;
        if (errno == EINTR) {
            if (lua_session_sigints > 0) {
                const LineInfo *li = el_line(el);
                line_empty_at_interrupt = li->lastchar == li->buffer;
                errno = EINTR;
                return -1;
            }
            continue;
        }
        return -1;
    }
}

/* The word before the cursor: letters, digits, _, . and : */
static size_t word_start(const char *buf, size_t end)
{
    size_t i = end;
    while (i > 0) {
        char c = buf[i - 1];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '.' || c == ':' || (unsigned char)c >= 0x80)
            i--;
        else
            break;
    }
    return i;
}

static const char *const lua_keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
    "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
};

/* The fields of a model object (docs/lua-api.md), offered after "...)." */
static const char *const model_fields[] = {
    "address", "appraisal", "appraisals", "category", "code", "description", "field",
    "history", "id", "kind", "level", "metrics", "name", "province", "registration",
    "started_on", "unit", "year",
};

static int is_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static int l_rawnext(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

/* Add to list (table at lidx) every string key of the table-like value at vidx that starts
 * with prefix, as head..key. A userdata offers its methods. */
static void add_keys(lua_State *L, int vidx, int lidx, const char *head, const char *prefix)
{
    int top = lua_gettop(L);
    vidx = lua_absindex(L, vidx);
    size_t plen = strlen(prefix);
    if (lua_type(L, vidx) == LUA_TUSERDATA) {
        if (luaL_getmetafield(L, vidx, "__index") != LUA_TTABLE) {      /* idx? */
            lua_settop(L, top);
            return;
        }
        vidx = lua_gettop(L);                                           /* methods */
    } else if (lua_type(L, vidx) != LUA_TTABLE) {
        return;
    }
    if (luaL_getmetafield(L, vidx, "__pairs") != LUA_TNIL) {            /* __pairs */
        lua_pushvalue(L, vidx);
        lua_call(L, 1, 3);                                              /* f s ctl */
    } else {
        lua_pushcfunction(L, l_rawnext);                                /* next */
        lua_pushvalue(L, vidx);
        lua_pushnil(L);                                                 /* f s ctl */
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, lidx);
    for (int guard = 0; guard < 10000; guard++) {
        lua_pushvalue(L, -3);
        lua_pushvalue(L, -3);
        lua_pushvalue(L, -3);
        lua_call(L, 2, 2);                                              /* f s ctl k v */
        if (lua_isnil(L, -2))
            break;
        lua_pop(L, 1);                                                  /* f s ctl k */
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -1);
            if (strncmp(k, prefix, plen) == 0 && is_name(k) && strncmp(k, "__", 2) != 0) {
                lua_pushfstring(L, "%s%s", head, k);                    /* ... k full */
                lua_rawseti(L, lidx, ++n);                              /* ... k */
            }
        }
        lua_replace(L, -2);                                             /* f s k */
    }
    lua_settop(L, top);
}

/* complete(word) -> { candidates } : globals and keywords, or the fields of a.b.c, or the
 * methods of a query (q:). Runs inside the sandbox's protected call. */
static int l_complete(lua_State *L)
{
    const char *word = luaL_checkstring(L, 1);
    lua_newtable(L);                                                    /* word list */
    int list = lua_gettop(L);
    const char *sep = NULL;
    for (const char *p = word; *p; p++)
        if (*p == '.' || *p == ':')
            sep = p;
    if (sep == word) {
        /* after a call: "dvk.models{...}:" offers the query's methods, "...:first()." the
         * fields of a model */
        if (*word == ':') {
            luaL_getmetatable(L, "dvk.models");                         /* word list mt */
            lua_getfield(L, -1, "__index");                             /* word list mt methods */
            add_keys(L, -1, list, ":", word + 1);
        } else {
            lua_Integer n = (lua_Integer)lua_rawlen(L, list);
            for (size_t i = 0; i < sizeof model_fields / sizeof model_fields[0]; i++)
                if (strncmp(model_fields[i], word + 1, strlen(word + 1)) == 0) {
                    lua_pushfstring(L, ".%s", model_fields[i]);
                    lua_rawseti(L, list, ++n);
                }
        }
        lua_settop(L, list);
        return 1;
    }
    if (!sep) {
        lua_pushglobaltable(L);                                         /* word list G */
        add_keys(L, -1, list, "", word);
        lua_pop(L, 1);
        lua_Integer n = (lua_Integer)lua_rawlen(L, list);
        for (size_t i = 0; i < sizeof lua_keywords / sizeof lua_keywords[0]; i++)
            if (strncmp(lua_keywords[i], word, strlen(word)) == 0) {
                lua_pushstring(L, lua_keywords[i]);
                lua_rawseti(L, list, ++n);
            }
        return 1;
    }
    /* walk the path before the last separator */
    lua_pushglobaltable(L);                                             /* word list v */
    const char *p = word;
    while (p < sep) {
        const char *q = p;
        while (q < sep && *q != '.' && *q != ':')
            q++;
        lua_pushlstring(L, p, (size_t)(q - p));                         /* ... v name */
        if (!lua_istable(L, -2) && !lua_isuserdata(L, -2))
            return 1;
        lua_gettable(L, -2);                                            /* ... v v2 */
        lua_remove(L, -2);                                              /* ... v2 */
        p = q + 1;
    }
    lua_pushlstring(L, word, (size_t)(sep - word + 1));                 /* ... v head */
    add_keys(L, -2, list, lua_tostring(L, -1), sep + 1);
    lua_settop(L, list);
    return 1;
}

/* When the cursor (at pos) is inside an open "{" that follows dvk.models, dvk.units,
 * dvk.runs, dvk.decide or :where, put that function's filter names in names and return
 * how many; 0 otherwise. Only a key position counts: after "{" or ",". */
static int filters_at(const char *buf, size_t pos, const char **names, int max)
{
    size_t i = pos;
    while (i > 0 && (buf[i - 1] == ' ' || buf[i - 1] == '\t'))
        i--;
    if (i == 0 || (buf[i - 1] != '{' && buf[i - 1] != ','))
        return 0;
    /* the innermost unclosed "{" before pos (strings are not looked into: good enough) */
    int depth = 0;
    size_t j = i;
    while (j > 0) {
        char c = buf[--j];
        if (c == '}')
            depth++;
        else if (c == '{' && depth-- == 0)
            break;
    }
    if (depth >= 0 && buf[j] != '{')
        return 0;
    size_t e = j;
    while (e > 0 && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
        e--;
    size_t b = e;
    while (b > 0 && ((buf[b - 1] >= 'a' && buf[b - 1] <= 'z') || buf[b - 1] == '_'))
        b--;
    char fn[16];
    if (e - b == 0 || e - b >= sizeof fn || b == 0 || (buf[b - 1] != '.' && buf[b - 1] != ':'))
        return 0;
    memcpy(fn, buf + b, e - b);
    fn[e - b] = '\0';
    if (buf[b - 1] == '.' && (b < 4 || strncmp(buf + b - 4, "dvk.", 4) != 0))
        return 0;
    if (buf[b - 1] == ':' && strcmp(fn, "where") != 0)
        return 0;
    return dvk_query_filter_names(fn, names, max);
}

/* Insert the common prefix of the m candidates beyond the have characters typed, and list
 * them when they still differ. */
static unsigned char offer(EditLine *el, const char **c, int m, size_t have)
{
    size_t common = strlen(c[0]);
    for (int i = 1; i < m; i++) {
        size_t k = 0;
        while (k < common && c[i][k] == c[0][k])
            k++;
        common = k;
    }
    if (common > have) {
        char ins[128];
        snprintf(ins, sizeof ins, "%.*s%s", (int)(common - have), c[0] + have, m == 1 ? " = " : "");
        el_insertstr(el, ins);
        return CC_REFRESH;
    }
    fputc('\n', stdout);
    for (int i = 0; i < m; i++)
        fprintf(stdout, "%s  ", c[i]);
    fputc('\n', stdout);
    fflush(stdout);
    return CC_REDISPLAY;
}

static int sort_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Tab: complete the word before the cursor to the longest common prefix of the candidates,
 * and list them when there are several. */
static unsigned char complete_fn(EditLine *el, int ch)
{
    repl *r = the_repl;
    lua_State *L = r->s.L;
    const LineInfo *li = el_line(el);
    size_t end = (size_t)(li->cursor - li->buffer);
    size_t start = word_start(li->buffer, end);
    char word[512];
    if (end - start >= sizeof word)
        return CC_REFRESH_BEEP;
    memcpy(word, li->buffer + start, end - start);
    word[end - start] = '\0';
    /* Inside the braces of dvk.models{...} (units, runs, decide, q:where): filter names */
    const char *filters[32];
    int nfilters = 0;
    if (!strpbrk(word, ".:"))
        nfilters = filters_at(li->buffer, start, filters, 32);
    if (nfilters > 0) {
        const char *match[32];
        int m = 0;
        for (int i = 0; i < nfilters; i++)
            if (strncmp(filters[i], word, end - start) == 0)
                match[m++] = filters[i];
        if (m == 0)
            return CC_REFRESH_BEEP;
        return offer(el, match, m, end - start);
    }
    int top = lua_gettop(L);
    lua_pushcfunction(L, l_complete);
    lua_pushstring(L, word);
    if (dvk_sandbox_call(L, 1, 1, NULL) != DVK_OK || !lua_istable(L, -1)) {
        lua_settop(L, top);
        return CC_REFRESH_BEEP;
    }
    size_t n = lua_rawlen(L, -1);
    if (n == 0) {
        lua_settop(L, top);
        return CC_REFRESH_BEEP;
    }
    char **c = calloc(n, sizeof *c);
    size_t m = 0;
    for (size_t i = 1; c && i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        const char *s = lua_tostring(L, -1);
        if (s && (c[m] = strdup(s)))
            m++;
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    if (!c || m == 0) {
        free(c);
        return CC_REFRESH_BEEP;
    }
    qsort(c, m, sizeof *c, sort_strings);
    /* drop duplicates */
    size_t u = 1;
    for (size_t i = 1; i < m; i++) {
        if (strcmp(c[i], c[u - 1]) == 0)
            free(c[i]);
        else
            c[u++] = c[i];
    }
    m = u;
    size_t common = strlen(c[0]);
    for (size_t i = 1; i < m; i++) {
        size_t k = 0;
        while (k < common && c[i][k] == c[0][k])
            k++;
        common = k;
    }
    unsigned char ret = CC_REFRESH;
    size_t have = end - start;
    if (common > have) {
        char ins[512];
        snprintf(ins, sizeof ins, "%.*s", (int)(common - have), c[0] + have);
        el_insertstr(el, ins);
    }
    if (m == 1) {
        /* a function gets its "(", a table its "." is up to the user */
    } else if (common <= have) {
        fputc('\n', stdout);
        int col = 0;
        for (size_t i = 0; i < m; i++) {
            const char *shown = c[i];
            const char *last = strrchr(shown, '.');
            const char *lastc = strrchr(shown, ':');
            if (lastc && (!last || lastc > last))
                last = lastc;
            if (last)
                shown = last + 1;
            int w = (int)strlen(shown) + 2;
            if (col + w > 78) {
                fputc('\n', stdout);
                col = 0;
            }
            fprintf(stdout, "%s  ", shown);
            col += w;
        }
        fputc('\n', stdout);
        fflush(stdout);
        ret = CC_REDISPLAY;
    }
    for (size_t i = 0; i < m; i++)
        free(c[i]);
    free(c);
    return ret;
}

static void history_setup(repl *r)
{
    HistEvent ev;
    r->hist = history_init();
    if (!r->hist)
        return;
    history(r->hist, &ev, H_SETSIZE, 1000);
    history(r->hist, &ev, H_SETUNIQUE, 1);
    const char *home = getenv("HOME");
    if (home && *home) {
        snprintf(r->history_path, sizeof r->history_path, "%s/.dvk_history", home);
        history(r->hist, &ev, H_LOAD, r->history_path);
    }
}

static void history_add(repl *r, const char *line)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", line);
    copy[strcspn(copy, "\r\n")] = '\0';
    if (!r->hist || !copy[0])
        return;
    HistEvent ev;
    history(r->hist, &ev, H_ENTER, copy);
    if (r->history_path[0])
        history(r->hist, &ev, H_SAVE, r->history_path);
}

static void run_interactive(repl *r)
{
    the_repl = r;
    r->el = el_init("dvk", stdin, stdout, stderr);
    if (!r->el) {
        run_script(r, stdin);
        return;
    }
    history_setup(r);
    el_set(r->el, EL_EDITOR, "emacs");
    el_set(r->el, EL_PROMPT, prompt);
    el_set(r->el, EL_SIGNAL, 0);
    el_set(r->el, EL_GETCFN, getc_fn);
    if (r->hist)
        el_set(r->el, EL_HIST, history, r->hist);
    /* the wide form: libedit keeps these pointers (the narrow one leaks its copies) */
    el_wset(r->el, EL_ADDFN, L"dvk-complete", L"complete a name", complete_fn);
    el_set(r->el, EL_BIND, "^I", "dvk-complete", NULL);
    el_source(r->el, NULL);
    fprintf(stdout, "dvk %s: Lua over %s. .help for help, Ctrl-D to leave.\n", DVK_VERSION,
            r->s.store ? dvk_store_path(r->s.store) : "no database");
    int interrupted_empty = 0; /* the last thing was a Ctrl-C at an empty prompt */
    while (!r->quit) {
        int count = 0;
        lua_session_sigints = 0;
        const char *line = el_gets(r->el, &count);
        if (!line) {
            if (count == -1 && lua_session_sigints > 0) {
                int empty = line_empty_at_interrupt && r->pending.len == 0;
                if (empty && interrupted_empty)
                    break;
                fputs("^C\n", stdout);
                if (empty)
                    fputs("(Ctrl-C again or Ctrl-D to leave)\n", stdout);
                fflush(stdout);
                dvk_buf_reset(&r->pending);
                interrupted_empty = empty;
                continue;
            }
            fputc('\n', stdout);
            break; /* Ctrl-D */
        }
        interrupted_empty = 0;
        history_add(r, line);
        process_line(r, line);
    }
    if (r->hist)
        history_end(r->hist);
    el_end(r->el);
    r->el = NULL;
}

int cmd_repl(dvk_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"province", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    const dvk_command *cmd = cli_find_command("repl");
    const char *province = NULL;
    int c;
    while ((c = cli_getopt(cmd, argc, argv, "p:", longopts)) != -1) {
        if (c == 'h')
            return 0;
        if (c == 'p')
            province = cli_optarg;
        else
            return 2;
    }
    if (cli_optind < argc)
        return cli_usage_error("repl", "unexpected argument '%s'", argv[cli_optind]);
    setlocale(LC_CTYPE, "");
    repl r;
    memset(&r, 0, sizeof r);
    int status = lua_session_open(&r.s, cli, DVK_CTX_REPL);
    if (status != 0)
        return status;
    r.interactive = isatty(STDIN_FILENO);
    r.chunkname = r.interactive ? "=repl" : "=stdin";
    r.mode = dvk_table_default_mode(stdout);
    dvk_query_set_output(r.s.L, r.mode, 20);
    if (province) {
        dvk_error err;
        dvk_error_clear(&err);
        if (dvk_query_set_province(r.s.L, province, &err) != DVK_OK) {
            lua_session_close(&r.s);
            return cli_fail(&err);
        }
    }
    if (r.interactive)
        run_interactive(&r);
    else
        run_script(&r, stdin);
    dvk_buf_free(&r.pending);
    lua_session_close(&r.s);
    return !r.interactive && r.failed ? 1 : 0;
}
