/* match.c: Lua patterns for the sandbox's string.find, string.match, string.gmatch and
 * string.gsub, written from the Lua 5.4 Reference Manual (§6.4 and §6.4.1), with every
 * step charged to the running call's budget (match.h says why).
 *
 * How it works. A pattern is first compiled into a list of pieces: a run of literal bytes,
 * one single-character class (a byte, '.', %x, [set]) with its quantifier, %bxy, %f[set],
 * a capture's opening or closing, a position capture, a back-reference, the final '$'.
 * The compiler knows statically which captures are open at each piece, so a ')' with
 * nothing to close, a back-reference to a capture not yet closed and a 33rd capture are
 * found there. A malformed pattern compiles up to its fault and ends with a fault piece,
 * raised only when an attempt reaches it: the manual's functions read a pattern as they
 * match it, so ("").find("", "a[") is nil and ("a"):find("a[") an error, here too.
 *
 * Matching walks the pieces from a start position with backtracking. Only a quantified
 * piece that leaves a choice recurses (at most MAX_DEPTH deep, then "pattern too
 * complex"); every other piece advances in a loop. Captures are written in place and
 * never undone: an attempt that succeeds has executed every piece in order, and the last
 * execution of each piece is the one on the successful path.
 *
 * Metering: a walked piece costs one unit, a single-character test 1 + (its text's
 * length) / SCAN_BYTES (a set is read byte by byte), a literal run or back-reference
 * 1 + length / SCAN_BYTES, %b one unit per byte it scans, a plain search its bytes /
 * SCAN_BYTES. Units are collected and charged every PAY_EVERY and at the end of a call. */
#include "match.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>

#include "dvk/sandbox.h"

#define MAX_CAPTURES 32     /* captures in one pattern (the manual's implementation limit) */
#define MAX_DEPTH 200       /* nested choices one attempt may hold open */
#define PAY_EVERY 1024      /* units collected before they are charged */
#define SCAN_BYTES 16       /* bytes compared or scanned per unit */

/* Capture lengths that are not lengths. */
#define CAP_OPEN (-1)       /* opened, not (yet) closed */
#define CAP_POSITION (-2)   /* "()": the value is the position */

/* ------------------------------------------------------------------ character classes */

/* The C locale's classes, whatever locale the host set. */
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return is_upper(c) || is_lower(c); }
static int is_graph(int c) { return c >= 33 && c <= 126; }

/* Does byte c belong to %letter? An upper-case class letter is its class's complement;
 * any other letter (or byte) after '%' stands for itself. %z (the zero byte) is Lua 5.1's,
 * which Lua 5.4's library still accepts, so scripts may rely on it. */
static int in_class(unsigned char letter, unsigned char c)
{
    int yes;
    switch (is_upper(letter) ? letter - 'A' + 'a' : letter) {
    case 'a': yes = is_alpha(c); break;
    case 'c': yes = c < 32 || c == 127; break;
    case 'd': yes = is_digit(c); break;
    case 'g': yes = is_graph(c); break;
    case 'l': yes = is_lower(c); break;
    case 'p': yes = is_graph(c) && !is_alpha(c) && !is_digit(c); break;
    case 's': yes = c == ' ' || (c >= '\t' && c <= '\r'); break;
    case 'u': yes = is_upper(c); break;
    case 'w': yes = is_alpha(c) || is_digit(c); break;
    case 'x': yes = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); break;
    case 'z': yes = c == 0; break;  /* not in the 5.4 manual, but Lua 5.4 still has it */
    default: return letter == c;
    }
    return is_upper(letter) ? !yes : yes;
}

/* Does byte c belong to the set whose body (between '[' or "[^" and ']') is body[0, len)?
 * Items left to right: "%x" a class or an escaped byte, "x-y" a range when a byte follows
 * the '-' inside the body, else the byte itself. */
static int in_set(const char *body, size_t len, int negated, unsigned char c)
{
    size_t k = 0;
    while (k < len) {
        unsigned char first = (unsigned char)body[k];
        if (first == '%' && k + 1 < len) {
            if (in_class((unsigned char)body[k + 1], c))
                return !negated;
            k += 2;
        } else if (k + 2 < len && body[k + 1] == '-') {
            if (first <= c && c <= (unsigned char)body[k + 2])
                return !negated;
            k += 3;
        } else {
            if (first == c)
                return !negated;
            k++;
        }
    }
    return negated;
}

/* ------------------------------------------------------------------ compiling */

enum piece_kind {
    P_TEXT,      /* literal bytes pat[off, off + len) */
    P_BYTE,      /* one byte (arg), quantified */
    P_ANY,       /* '.' */
    P_CLASS,     /* %arg */
    P_SET,       /* [set]: body pat[off, off + len), negated */
    P_BALANCE,   /* %b arg arg2 */
    P_FRONTIER,  /* %f[set]: body pat[off, off + len), negated */
    P_OPEN,      /* '(' of capture cap */
    P_POSITION,  /* "()" of capture cap */
    P_CLOSE,     /* ')' of capture cap */
    P_BACKREF,   /* %1-%9: capture cap */
    P_EOS,       /* '$' as the pattern's last byte */
    P_DONE,      /* end of the pattern: the attempt succeeded */
    P_FAULT      /* malformed from here: raise fault arg (cap: the capture index shown) */
};

enum fault {
    F_ENDS_WITH_ESCAPE, F_MISSING_BRACKET, F_BALANCE_ARGS, F_FRONTIER_BRACKET,
    F_CAPTURE_INDEX, F_NOTHING_TO_CLOSE, F_TOO_MANY_CAPTURES
};

typedef struct {
    unsigned char kind;     /* enum piece_kind */
    unsigned char rep;      /* quantifier of a single-character piece: 0 ? * + - */
    unsigned char arg, arg2;
    unsigned char negated;  /* a set's '^' */
    signed char cap;        /* capture index (a fault's shown index: cap + 1) */
    unsigned cost;          /* units one test of this piece costs */
    size_t off, len;        /* P_TEXT's bytes or a set's body in the pattern */
} piece;

typedef struct {
    piece *pc;              /* NULL while counting */
    size_t n;               /* pieces emitted (or counted) */
    int ncap;               /* captures the pattern opens */
    unsigned char last_kind; /* the last piece's kind and the index after its text */
    size_t last_end;
} program;

static void emit(program *g, piece x)
{
    if (g->pc)
        g->pc[g->n] = x;
    g->n++;
    g->last_kind = x.kind;
    g->last_end = x.off + x.len;
}

static void emit_fault(program *g, enum fault f, int shown)
{
    piece x = {.kind = P_FAULT, .arg = (unsigned char)f, .cap = (signed char)(shown - 1)};
    emit(g, x);
}

static unsigned text_cost(size_t len)
{
    size_t c = 1 + len / SCAN_BYTES;
    return c > 0xFFFFFFu ? 0xFFFFFFu : (unsigned)c;
}

/* The set starting at p[at] == '[': fills the body and returns the index after its ']', or
 * 0 when the pattern ends first. The body's first byte is always a member (so "[]]" and
 * "[^]]" hold ']'), and '%' takes the byte after it along (so "[%]]" holds ']'). */
static size_t read_set(const char *p, size_t lp, size_t at, piece *x)
{
    size_t k = at + 1;
    x->negated = k < lp && p[k] == '^';
    if (x->negated)
        k++;
    x->off = k;
    do {
        if (k >= lp)
            return 0;
        if (p[k++] == '%' && k < lp)
            k++;
    } while (k >= lp || p[k] != ']');
    x->len = k - x->off;
    return k + 1;
}

static int is_quantifier(char c) { return c == '?' || c == '*' || c == '+' || c == '-'; }

/* Compile p[from, lp) into g (or count its pieces when g->pc is NULL). */
static void compile(program *g, const char *p, size_t lp, size_t from)
{
    unsigned char open[MAX_CAPTURES] = {0};  /* capture k is open here */
    size_t i = from;
    g->n = 0;
    g->ncap = 0;
    while (i < lp) {
        unsigned char c = (unsigned char)p[i];
        piece x = {.kind = P_BYTE, .arg = c, .off = i, .len = 1};
        size_t next = i + 1;                   /* index after the piece */
        if (c == '(') {
            if (g->ncap >= MAX_CAPTURES) {
                emit_fault(g, F_TOO_MANY_CAPTURES, 0);
                return;
            }
            x.cap = (signed char)g->ncap++;
            if (i + 1 < lp && p[i + 1] == ')') {
                x.kind = P_POSITION;
                next = i + 2;
            } else {
                x.kind = P_OPEN;
                open[x.cap] = 1;
            }
            emit(g, x);
            i = next;
            continue;
        }
        if (c == ')') {
            int k = g->ncap - 1;
            while (k >= 0 && !open[k])
                k--;                           /* the latest capture still open */
            if (k < 0) {
                emit_fault(g, F_NOTHING_TO_CLOSE, 0);
                return;
            }
            open[k] = 0;
            x.kind = P_CLOSE;
            x.cap = (signed char)k;
            emit(g, x);
            i = next;
            continue;
        }
        if (c == '$' && i + 1 == lp) {
            x.kind = P_EOS;
            emit(g, x);
            break;
        }
        if (c == '%') {
            if (i + 1 >= lp) {
                emit_fault(g, F_ENDS_WITH_ESCAPE, 0);
                return;
            }
            unsigned char d = (unsigned char)p[i + 1];
            if (d == 'b') {
                if (i + 3 >= lp) {
                    emit_fault(g, F_BALANCE_ARGS, 0);
                    return;
                }
                x.kind = P_BALANCE;
                x.arg = (unsigned char)p[i + 2];
                x.arg2 = (unsigned char)p[i + 3];
                emit(g, x);
                i += 4;
                continue;
            }
            if (d == 'f') {
                if (i + 2 >= lp || p[i + 2] != '[') {
                    emit_fault(g, F_FRONTIER_BRACKET, 0);
                    return;
                }
                next = read_set(p, lp, i + 2, &x);
                if (!next) {
                    emit_fault(g, F_MISSING_BRACKET, 0);
                    return;
                }
                x.kind = P_FRONTIER;
                x.cost = text_cost(next - i);
                emit(g, x);
                i = next;
                continue;
            }
            if (is_digit(d)) {
                int k = d - '1';
                if (k < 0 || k >= g->ncap || open[k]) {
                    emit_fault(g, F_CAPTURE_INDEX, k + 1);
                    return;
                }
                x.kind = P_BACKREF;
                x.cap = (signed char)k;
                emit(g, x);
                i += 2;
                continue;
            }
            x.kind = P_CLASS;
            x.arg = d;
            next = i + 2;
        } else if (c == '[') {
            next = read_set(p, lp, i, &x);
            if (!next) {
                emit_fault(g, F_MISSING_BRACKET, 0);
                return;
            }
            x.kind = P_SET;
        } else if (c == '.') {
            x.kind = P_ANY;
        }
        /* a single-character piece, maybe quantified */
        x.cost = text_cost(next - i);
        if (next < lp && is_quantifier(p[next])) {
            x.rep = (unsigned char)p[next++];
        } else if (x.kind == P_BYTE) {
            /* an unquantified byte joins the literal run just before it */
            if (g->n && g->last_kind == P_TEXT && g->last_end == i) {
                if (g->pc) {
                    piece *run = &g->pc[g->n - 1];
                    run->len++;
                    run->cost = text_cost(run->len);
                }
                g->last_end = next;
                i = next;
                continue;
            }
            x.kind = P_TEXT;
        }
        emit(g, x);
        i = next;
    }
    piece done = {.kind = P_DONE};
    emit(g, done);
}

/* ------------------------------------------------------------------ matching */

typedef struct {
    lua_State *L;
    const char *src, *src_end;  /* the subject */
    const char *pat;            /* the pattern's text (pieces point into it) */
    const piece *pc;
    int ncap;
    struct {
        const char *at;
        ptrdiff_t len;          /* a length, CAP_OPEN or CAP_POSITION */
    } cap[MAX_CAPTURES];
    int depth;                  /* choices held open by the current attempt */
    long long unpaid;           /* units not yet charged */
    char label[160];            /* "string.find: pattern matching over a 62-byte subject..." */
} matcher;

static void settle(matcher *m)
{
    long long n = m->unpaid;
    m->unpaid = 0;
    if (n > 0)
        dvk_sandbox_charge(m->L, n, m->label);
}

static void pay(matcher *m, long long units)
{
    m->unpaid += units;
    if (m->unpaid >= PAY_EVERY)
        settle(m);
}

static void matcher_init(matcher *m, lua_State *L, const char *fn, const char *s, size_t ls,
                         const char *p)
{
    m->L = L;
    m->src = s;
    m->src_end = s + ls;
    m->pat = p;
    m->pc = NULL;
    m->ncap = 0;
    m->depth = 0;
    m->unpaid = 0;
    snprintf(m->label, sizeof m->label, "%s: pattern matching over a %zu-byte subject "
             "(simplify the pattern or split the text)", fn, ls);
}

/* Compile the pattern p[from, lp) into a userdata pushed on the stack; m uses it. Reading
 * the pattern twice (count, then fill) is charged by its length. */
static piece *compile_onto_stack(matcher *m, const char *p, size_t lp, size_t from)
{
    program g = {0};
    pay(m, 1 + (long long)(lp / SCAN_BYTES) * 2);
    compile(&g, p, lp, from);                   /* count */
    g.pc = lua_newuserdatauv(m->L, g.n * sizeof(piece), 0);  /* ... pieces */
    compile(&g, p, lp, from);                   /* fill */
    m->pc = g.pc;
    m->ncap = g.ncap;
    return g.pc;
}

static int raise_fault(matcher *m, const piece *x)
{
    switch ((enum fault)x->arg) {
    case F_ENDS_WITH_ESCAPE: luaL_error(m->L, "malformed pattern (ends with '%%')"); break;
    case F_MISSING_BRACKET: luaL_error(m->L, "malformed pattern (missing ']')"); break;
    case F_BALANCE_ARGS:
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
        break;
    case F_FRONTIER_BRACKET: luaL_error(m->L, "missing '[' after '%%f' in pattern"); break;
    case F_CAPTURE_INDEX: luaL_error(m->L, "invalid capture index %%%d", x->cap + 1); break;
    case F_NOTHING_TO_CLOSE: luaL_error(m->L, "invalid pattern capture"); break;
    case F_TOO_MANY_CAPTURES: luaL_error(m->L, "too many captures"); break;
    }
    return luaL_error(m->L, "malformed pattern");
}

/* Does the single-character piece x accept the byte at s (none at the subject's end)? */
static int accepts(matcher *m, const piece *x, const char *s)
{
    pay(m, x->cost);
    if (s >= m->src_end)
        return 0;
    unsigned char c = (unsigned char)*s;
    switch (x->kind) {
    case P_ANY: return 1;
    case P_BYTE: return c == x->arg;
    case P_CLASS: return in_class(x->arg, c);
    default: return in_set(m->pat + x->off, x->len, x->negated, c);
    }
}

static const char *walk(matcher *m, size_t i, const char *s);

/* Try the rest of the pattern from piece i at s, one choice deeper. */
static const char *choose(matcher *m, size_t i, const char *s)
{
    if (++m->depth > MAX_DEPTH)
        luaL_error(m->L, "pattern too complex");
    const char *end = walk(m, i, s);
    m->depth--;
    return end;
}

/* Match the pieces from i on against the subject from s: the end of the match, or NULL. */
static const char *walk(matcher *m, size_t i, const char *s)
{
    for (;; i++) {
        const piece *x = &m->pc[i];
        pay(m, 1);
        switch (x->kind) {
        case P_DONE:
            return s;
        case P_EOS:
            return s == m->src_end ? s : NULL;
        case P_FAULT:
            raise_fault(m, x);
            return NULL;
        case P_TEXT:
            pay(m, x->cost);
            if ((size_t)(m->src_end - s) < x->len || memcmp(s, m->pat + x->off, x->len) != 0)
                return NULL;
            s += x->len;
            continue;
        case P_OPEN:
            m->cap[x->cap].at = s;
            m->cap[x->cap].len = CAP_OPEN;
            continue;
        case P_POSITION:
            m->cap[x->cap].at = s;
            m->cap[x->cap].len = CAP_POSITION;
            continue;
        case P_CLOSE:
            m->cap[x->cap].len = s - m->cap[x->cap].at;
            continue;
        case P_BACKREF: {
            ptrdiff_t len = m->cap[x->cap].len;
            if (len < 0)
                return NULL;                    /* a position is no text */
            pay(m, 1 + len / SCAN_BYTES);
            if (m->src_end - s < len || memcmp(s, m->cap[x->cap].at, (size_t)len) != 0)
                return NULL;
            s += len;
            continue;
        }
        case P_BALANCE: {
            if (s >= m->src_end || (unsigned char)*s != x->arg)
                return NULL;
            long open = 1;
            const char *q = s + 1;
            for (; q < m->src_end; q++) {
                pay(m, 1);
                if ((unsigned char)*q == x->arg2) {
                    if (--open == 0)
                        break;
                } else if ((unsigned char)*q == x->arg) {
                    open++;
                }
            }
            if (q >= m->src_end)
                return NULL;
            s = q + 1;
            continue;
        }
        case P_FRONTIER: {
            /* the byte before s is outside the set and the byte at s inside it; the
             * subject's ends count as '\0' */
            unsigned char before = s > m->src ? (unsigned char)s[-1] : 0;
            unsigned char at = s < m->src_end ? (unsigned char)*s : 0;
            const char *body = m->pat + x->off;
            pay(m, 2 * (long long)x->cost);
            if (in_set(body, x->len, x->negated, before) ||
                !in_set(body, x->len, x->negated, at))
                return NULL;
            continue;
        }
        default:
            break;                              /* a single-character piece */
        }
        switch (x->rep) {
        case 0:
            if (!accepts(m, x, s))
                return NULL;
            s++;
            continue;
        case '?':
            if (accepts(m, x, s)) {
                const char *end = choose(m, i + 1, s + 1);
                if (end)
                    return end;
            }
            continue;                           /* without it */
        case '-':
            for (;;) {                          /* as few as will do */
                const char *end = choose(m, i + 1, s);
                if (end)
                    return end;
                if (!accepts(m, x, s))
                    return NULL;
                s++;
            }
        default: {                              /* '*' and '+': as many as will do */
            size_t least = x->rep == '+', n = 0;
            while (accepts(m, x, s + n))
                n++;
            if (n < least)
                return NULL;
            for (;; n--) {
                const char *end = choose(m, i + 1, s + n);
                if (end || n == least)
                    return end;
            }
        }
        }
    }
}

/* One attempt at s: the end of the match or NULL. */
static const char *attempt(matcher *m, const char *s)
{
    m->depth = 0;
    return walk(m, 0, s);
}

/* Push capture k of the match [s, e): its text, or its position; with no captures in the
 * pattern, "capture 1" is the whole match. */
static void push_capture(matcher *m, int k, const char *s, const char *e)
{
    if (k >= m->ncap) {
        if (k != 0)
            luaL_error(m->L, "invalid capture index %%%d", k + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s));
        return;
    }
    ptrdiff_t len = m->cap[k].len;
    if (len == CAP_OPEN)
        luaL_error(m->L, "unfinished capture");
    if (len == CAP_POSITION)
        lua_pushinteger(m->L, (lua_Integer)(m->cap[k].at - m->src) + 1);
    else
        lua_pushlstring(m->L, m->cap[k].at, (size_t)len);
}

/* Push every capture (or the whole match when there are none and s is given); returns how
 * many were pushed. */
static int push_all_captures(matcher *m, const char *s, const char *e)
{
    int n = (m->ncap == 0 && s) ? 1 : m->ncap;
    luaL_checkstack(m->L, n, "too many captures");
    for (int k = 0; k < n; k++)
        push_capture(m, k, s, e);
    return n;
}

/* ------------------------------------------------------------------ the library functions */

/* A start position as the manual gives it: negative counts back from the end, and anything
 * before the first byte means the first. 1-based. */
static size_t start_position(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos;
    if (pos < 0 && (lua_Unsigned)-(pos + 1) < len)
        return len - (size_t)-(pos + 1);
    return 1;
}

static int has_magic(const char *p, size_t lp)
{
    for (size_t k = 0; k < lp; k++)
        if (memchr("^$*+?.([%-", p[k], 10))
            return 1;
    return 0;
}

/* The first occurrence of n[0, ln) in h[0, lh), charged by the bytes compared. */
static const char *find_plain(matcher *m, const char *h, size_t lh, const char *n, size_t ln)
{
    if (ln == 0)
        return h;
    for (size_t at = 0; lh >= ln && at <= lh - ln;) {
        const char *hit = memchr(h + at, n[0], lh - at - ln + 1);
        if (!hit) {
            pay(m, 1 + (long long)((lh - at) / SCAN_BYTES));
            return NULL;
        }
        size_t k = (size_t)(hit - h);
        pay(m, 1 + (long long)((k - at) / SCAN_BYTES) + (long long)(ln / SCAN_BYTES));
        if (memcmp(hit + 1, n + 1, ln - 1) == 0)
            return hit;
        at = k + 1;
    }
    return NULL;
}

/* string.find(s, pattern [, init [, plain]]) and string.match(s, pattern [, init]). */
static int find_or_match(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;  /* 0-based */
    if (init > ls) {
        luaL_pushfail(L);                       /* starts after the end: nothing */
        return 1;
    }
    matcher m;
    matcher_init(&m, L, find ? "string.find" : "string.match", s, ls, p);
    pay(&m, 1 + (long long)(lp / SCAN_BYTES));    /* looking for magic, or an anchor */
    if (find && (lua_toboolean(L, 4) || !has_magic(p, lp))) {
        const char *hit = find_plain(&m, s + init, ls - init, p, lp);
        settle(&m);
        if (!hit) {
            luaL_pushfail(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
        lua_pushinteger(L, (lua_Integer)(hit - s) + (lua_Integer)lp);
        return 2;
    }
    int anchored = lp > 0 && p[0] == '^';
    compile_onto_stack(&m, p, lp, anchored ? 1 : 0);       /* ... pieces */
    for (const char *at = s + init;; at++) {
        const char *end = attempt(&m, at);
        if (end) {
            settle(&m);
            if (!find)
                return push_all_captures(&m, at, end);
            lua_pushinteger(L, (lua_Integer)(at - s) + 1);
            lua_pushinteger(L, (lua_Integer)(end - s));
            return push_all_captures(&m, NULL, NULL) + 2;
        }
        if (anchored || at >= m.src_end)
            break;
    }
    settle(&m);
    luaL_pushfail(L);
    return 1;
}

int dvk_match_find(lua_State *L) { return find_or_match(L, 1); }
int dvk_match_match(lua_State *L) { return find_or_match(L, 0); }

/* The state of a gmatch iteration (a userdata, upvalue 3 of the iterator; the subject and
 * the pattern are upvalues 1 and 2, and keep the pointers below alive). */
typedef struct {
    matcher m;
    size_t next;        /* where the next attempt starts */
    ptrdiff_t last;     /* end of the last match, or -1: an empty match there is skipped */
    size_t npieces;
    piece pc[];         /* the compiled pattern */
} iteration;

static int gmatch_next(lua_State *L)
{
    iteration *it = lua_touserdata(L, lua_upvalueindex(3));
    matcher *m = &it->m;
    m->L = L;
    m->pc = it->pc;
    for (size_t at = it->next; at <= (size_t)(m->src_end - m->src); at++) {
        const char *end = attempt(m, m->src + at);
        if (end && end - m->src != it->last) {
            it->next = (size_t)(end - m->src);
            it->last = end - m->src;
            settle(m);
            return push_all_captures(m, m->src + at, end);
        }
    }
    settle(m);
    return 0;
}

/* string.gmatch(s, pattern [, init]): '^' is an ordinary byte here (an anchor would stop
 * the iteration), as in the manual. */
int dvk_match_gmatch(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls)
        init = ls + 1;                          /* past the end: no match at all */
    lua_settop(L, 2);                           /* s p */
    matcher probe;
    matcher_init(&probe, L, "string.gmatch", s, ls, p);
    program g = {0};
    pay(&probe, 1 + (long long)(lp / SCAN_BYTES) * 2);
    compile(&g, p, lp, 0);                      /* count */
    iteration *it = lua_newuserdatauv(L, sizeof *it + g.n * sizeof(piece), 0);  /* s p it */
    it->m = probe;
    g.pc = it->pc;
    compile(&g, p, lp, 0);                      /* fill */
    it->m.ncap = g.ncap;
    it->npieces = g.n;
    it->next = init;
    it->last = -1;
    settle(&it->m);
    lua_pushcclosure(L, gmatch_next, 3);        /* iterator */
    return 1;
}

/* gsub: append the replacement string (argument 3) for the match [s, e): "%0" is the
 * match, "%1".."%9" its captures, "%%" a '%'. */
static void add_replacement_text(matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
    lua_State *L = m->L;
    size_t lr;
    const char *r = lua_tolstring(L, 3, &lr);
    pay(m, 1 + (long long)(lr / SCAN_BYTES));
    size_t k = 0;
    while (k < lr) {
        const char *esc = memchr(r + k, '%', lr - k);
        if (!esc) {
            luaL_addlstring(b, r + k, lr - k);
            break;
        }
        luaL_addlstring(b, r + k, (size_t)(esc - (r + k)));
        k = (size_t)(esc - r) + 1;              /* the byte after '%' */
        char d = k < lr ? r[k] : '\0';
        if (k < lr && d == '%') {
            luaL_addchar(b, '%');
        } else if (k < lr && d == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (k < lr && is_digit((unsigned char)d)) {
            push_capture(m, d - '1', s, e);     /* ... capture */
            luaL_tolstring(L, -1, NULL);        /* ... capture text */
            lua_remove(L, -2);                  /* ... text */
            luaL_addvalue(b);
        } else {
            luaL_error(L, "invalid use of '%%' in replacement string");
        }
        k++;
    }
}

/* gsub: append the replacement for the match [s, e); returns whether it changed the text
 * (a false or nil from a table or function keeps the match). */
static int add_replacement(matcher *m, luaL_Buffer *b, const char *s, const char *e, int how)
{
    lua_State *L = m->L;
    if (how == LUA_TFUNCTION) {
        settle(m);
        lua_pushvalue(L, 3);                    /* ... f */
        int n = push_all_captures(m, s, e);     /* ... f captures */
        lua_call(L, n, 1);                      /* ... value */
    } else if (how == LUA_TTABLE) {
        push_capture(m, 0, s, e);               /* ... key */
        lua_gettable(L, 3);                     /* ... value */
    } else {
        add_replacement_text(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s)); /* keep the match */
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

/* string.gsub(s, pattern, repl [, n]) */
int dvk_match_gsub(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int how = lua_type(L, 3);
    lua_Integer most = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, how == LUA_TNUMBER || how == LUA_TSTRING || how == LUA_TFUNCTION ||
                     how == LUA_TTABLE, 3, "string/function/table");
    lua_settop(L, 3);                           /* s p repl */
    matcher m;
    matcher_init(&m, L, "string.gsub", s, ls, p);
    int anchored = lp > 0 && p[0] == '^';
    compile_onto_stack(&m, p, lp, anchored ? 1 : 0);       /* s p repl pieces */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const char *at = s, *last = NULL;
    lua_Integer done = 0;
    int changed = 0;
    while (done < most) {
        const char *end = attempt(&m, at);
        if (end && end != last) {               /* a match (not empty right after one) */
            done++;
            changed |= add_replacement(&m, &b, at, end, how);
            at = last = end;
        } else if (at < m.src_end) {
            luaL_addchar(&b, *at++);            /* no match here: keep the byte */
        } else {
            break;
        }
        if (anchored)
            break;
    }
    settle(&m);
    if (!changed) {
        lua_pushvalue(L, 1);                    /* the subject as it was */
    } else {
        luaL_addlstring(&b, at, (size_t)(m.src_end - at));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, done);
    return 2;
}
