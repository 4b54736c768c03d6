/* coverage.c: line and part coverage of the province script tests (see
 * include/dvk/coverage.h): counters fed by the sandbox hook, executable lines read from the
 * compiled chunk's line information, and the text and JSON reports. */
#include "dvk/coverage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>

#include "dvk/json.h"

typedef struct cov_file {
    char *path;                /* "scripts/provinces/x.lua" */
    char sha[65];              /* of the source compiled for exec; "" until then */
    unsigned long *hits;       /* hits[line], nlines entries */
    unsigned char *exec;       /* exec[line]: 1 when some instruction is on that line */
    int nlines;                /* entries of hits and exec */
} cov_file;

typedef struct cov_part {
    char *province, *kind, *id;
    long run, failed;
} cov_part;

typedef struct cov_watch {
    const void *fn;
    long calls;
} cov_watch;

struct dvk_coverage {
    cov_file *files;
    int nfiles, capfiles;
    int last;                  /* index of the file of the last line event, -1: none */
    cov_watch *watch;
    int nwatch, capwatch;
    cov_part *parts;
    int nparts, capparts;
};

dvk_coverage *dvk_coverage_new(void)
{
    dvk_coverage *cov = calloc(1, sizeof *cov);
    if (cov)
        cov->last = -1;
    return cov;
}

void dvk_coverage_free(dvk_coverage *cov)
{
    if (!cov)
        return;
    for (int i = 0; i < cov->nfiles; i++) {
        free(cov->files[i].path);
        free(cov->files[i].hits);
        free(cov->files[i].exec);
    }
    for (int i = 0; i < cov->nparts; i++) {
        free(cov->parts[i].province);
        free(cov->parts[i].kind);
        free(cov->parts[i].id);
    }
    free(cov->files);
    free(cov->watch);
    free(cov->parts);
    free(cov);
}

/* Grow *arr (of *cap elements of size sz) to hold n + 1; -1 when out of memory. */
static int grow(void **arr, int *cap, int n, size_t sz)
{
    if (n < *cap)
        return 0;
    int nc = *cap ? *cap * 2 : 8;
    void *p = realloc(*arr, (size_t)nc * sz);
    if (!p)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

/* The file named path, created when missing (create); -1 when absent or out of memory. */
static int find_file(dvk_coverage *cov, const char *path, int create)
{
    for (int i = 0; i < cov->nfiles; i++)
        if (strcmp(cov->files[i].path, path) == 0)
            return i;
    if (!create || grow((void **)&cov->files, &cov->capfiles, cov->nfiles, sizeof *cov->files))
        return -1;
    cov_file *f = &cov->files[cov->nfiles];
    memset(f, 0, sizeof *f);
    if (!(f->path = strdup(path)))
        return -1;
    return cov->nfiles++;
}

/* Room for line in f's arrays; -1 when out of memory. */
static int room(cov_file *f, int line)
{
    if (line < f->nlines)
        return 0;
    int n = f->nlines ? f->nlines : 64;
    while (n <= line)
        n *= 2;
    unsigned long *h = realloc(f->hits, (size_t)n * sizeof *h);
    if (!h)
        return -1;
    f->hits = h;
    unsigned char *e = realloc(f->exec, (size_t)n);
    if (!e)
        return -1;
    f->exec = e;
    memset(f->hits + f->nlines, 0, (size_t)(n - f->nlines) * sizeof *h);
    memset(f->exec + f->nlines, 0, (size_t)(n - f->nlines));
    f->nlines = n;
    return 0;
}

void dvk_coverage_line(dvk_coverage *cov, const char *source, int line)
{
    if (!source || source[0] != '@' || line <= 0)
        return;
    const char *path = source + 1;
    int i = cov->last;
    if (i < 0 || strcmp(cov->files[i].path, path) != 0)
        i = cov->last = find_file(cov, path, 1);
    if (i >= 0 && room(&cov->files[i], line) == 0)
        cov->files[i].hits[line]++;
}

void dvk_coverage_new_state(dvk_coverage *cov) { cov->last = -1; }

void dvk_coverage_call(dvk_coverage *cov, const void *fn)
{
    for (int i = 0; i < cov->nwatch; i++)
        if (cov->watch[i].fn == fn)
            cov->watch[i].calls++;
}

int dvk_coverage_watch(dvk_coverage *cov, const void *fn)
{
    if (grow((void **)&cov->watch, &cov->capwatch, cov->nwatch, sizeof *cov->watch))
        return -1;
    cov->watch[cov->nwatch].fn = fn;
    cov->watch[cov->nwatch].calls = 0;
    return cov->nwatch++;
}

long dvk_coverage_calls(const dvk_coverage *cov, int handle)
{
    return handle >= 0 && handle < cov->nwatch ? cov->watch[handle].calls : 0;
}

void dvk_coverage_unwatch_all(dvk_coverage *cov) { cov->nwatch = 0; }

/* ------------------------------------------------------------------ executable lines */

/* A reader of lua_dump's output (Lua 5.4: ldump.c writes it, lundump.c reads it). */
typedef struct reader {
    const unsigned char *p, *end;
    int bad;
    size_t isize, nsize;       /* sizeof(lua_Integer), sizeof(lua_Number) in the dump */
} reader;

static unsigned rd_byte(reader *r)
{
    if (r->p >= r->end) {
        r->bad = 1;
        return 0;
    }
    return *r->p++;
}

/* A size: 7 bits a byte, most significant first, the last byte with its high bit set. */
static size_t rd_size(reader *r)
{
    size_t x = 0;
    unsigned b;
    do {
        b = rd_byte(r);
        if (x > (SIZE_MAX >> 8))
            r->bad = 1;
        x = (x << 7) | (b & 0x7f);
    } while (!(b & 0x80) && !r->bad);
    return x;
}

static const unsigned char *rd_skip(reader *r, size_t n)
{
    const unsigned char *at = r->p;
    if ((size_t)(r->end - r->p) < n) {
        r->bad = 1;
        r->p = r->end;
        return NULL;
    }
    r->p += n;
    return at;
}

static void rd_string(reader *r)
{
    size_t n = rd_size(r);      /* length + 1; 0: no string */
    if (n)
        rd_skip(r, n - 1);
}

#define ABSLINEINFO (-0x80)    /* lineinfo entry whose line is in abslineinfo */

/* Lua 5.4's opcodes that change the flow (lopcodes.h; the same in every 5.4 release) and the
 * fields of an instruction: op in bits 0-6, A 7-14, k 15, B 16-23, C 24-31; Bx 15-31; sJ
 * 7-31, signed by an offset of half its range. */
enum {
    OP_LFALSESKIP = 6, OP_JMP = 56, OP_EQ = 57, OP_TESTSET = 67, OP_TAILCALL = 69,
    OP_RETURN = 70, OP_RETURN0 = 71, OP_RETURN1 = 72, OP_FORLOOP = 73, OP_FORPREP = 74,
    OP_TFORPREP = 75, OP_TFORLOOP = 77
};
#define OPCODE(i) ((int)((i) & 0x7f))
#define ARG_BX(i) ((long)((i) >> 15))
#define ARG_SJ(i) ((long)((i) >> 7) - ((1L << 24) - 1))

/* Which instructions of code (n of them) can run: those reached from the first by the
 * flow the VM follows (tests skip or take the next jump, loops jump back or out; nothing
 * follows a return, nor a tail call: its RETURN is never executed). Lua's activelines also
 * lists lines that hold only such dead instructions (the RETURN after `return f(x)`, the
 * implicit final return after an explicit one), which no test could ever run. live gets n
 * bytes, 1 for a live instruction. */
static void live_code(const unsigned char *code, size_t n, unsigned char *live)
{
    memset(live, 0, n);
    size_t *stack = malloc((n ? n : 1) * sizeof *stack);
    size_t top = 0;
    if (!stack) {              /* out of memory: count every instruction as live */
        memset(live, 1, n);
        return;
    }
    if (n)
        stack[top++] = 0;
    while (top) {
        size_t pc = stack[--top];
        if (pc >= n || live[pc])
            continue;
        live[pc] = 1;
        uint32_t i;
        memcpy(&i, code + 4 * pc, 4);
        long next[2] = {(long)pc + 1, -1};
        int op = OPCODE(i);
        if (op == OP_RETURN || op == OP_RETURN0 || op == OP_RETURN1 || op == OP_TAILCALL)
            next[0] = -1;
        else if (op == OP_JMP)
            next[0] = (long)pc + 1 + ARG_SJ(i);
        else if (op == OP_LFALSESKIP)
            next[0] = (long)pc + 2;
        else if (op >= OP_EQ && op <= OP_TESTSET)    /* EQ .. GEI, TEST, TESTSET */
            next[1] = (long)pc + 2;
        else if (op == OP_FORPREP)
            next[1] = (long)pc + ARG_BX(i) + 2;
        else if (op == OP_FORLOOP || op == OP_TFORLOOP)
            next[1] = (long)pc + 1 - ARG_BX(i);
        else if (op == OP_TFORPREP)
            next[0] = (long)pc + 1 + ARG_BX(i);
        for (int k = 0; k < 2; k++)
            if (next[k] >= 0 && (size_t)next[k] < n && !live[next[k]])
                stack[top++] = (size_t)next[k];
    }
    free(stack);
}

/* One function and, first, its nested functions (in the order ldump.c writes them); marks
 * the lines its instructions are on, as luaG's collectvalidlines does: from linedefined,
 * each instruction's line delta (or absolute line), the VARARGPREP of a vararg function
 * not counted. */
static void rd_function(reader *r, int depth, int all, void (*mark)(void *, int), void *ud)
{
    if (depth > 250) {         /* deeper than the parser allows: not a real chunk */
        r->bad = 1;
        return;
    }
    rd_string(r);                                   /* source */
    int linedefined = (int)rd_size(r);
    rd_size(r);                                     /* lastlinedefined */
    rd_byte(r);                                     /* numparams */
    int vararg = (int)rd_byte(r);
    rd_byte(r);                                     /* maxstacksize */
    size_t ncode = rd_size(r);
    if (ncode > (size_t)(r->end - r->p) / 4)
        r->bad = 1;
    const unsigned char *code = rd_skip(r, ncode * 4);   /* instructions: 4 bytes */
    size_t nk = rd_size(r);
    for (size_t i = 0; i < nk && !r->bad; i++) {
        switch (rd_byte(r)) {
        case 0: case 1: case 17: break;             /* nil, false, true */
        case 3: rd_skip(r, r->isize); break;        /* integer */
        case 19: rd_skip(r, r->nsize); break;       /* float */
        case 4: case 20: rd_string(r); break;       /* short, long string */
        default: r->bad = 1;
        }
    }
    size_t nup = rd_size(r);
    if (nup > (size_t)(r->end - r->p) / 3)
        r->bad = 1;
    rd_skip(r, nup * 3);                            /* instack, idx, kind */
    size_t np = rd_size(r);
    for (size_t i = 0; i < np && !r->bad; i++)
        rd_function(r, depth + 1, all, mark, ud);
    size_t nli = rd_size(r);
    const signed char *li = (const signed char *)rd_skip(r, nli);
    size_t nabs = rd_size(r);
    if (nabs > (size_t)(r->end - r->p) / 2)
        r->bad = 1;
    int *abs = r->bad ? NULL : malloc((nabs ? nabs : 1) * 2 * sizeof *abs);
    if (!abs)
        r->bad = 1;
    for (size_t i = 0; i < nabs && !r->bad; i++) {
        abs[2 * i] = (int)rd_size(r);               /* pc */
        abs[2 * i + 1] = (int)rd_size(r);           /* line */
    }
    size_t nloc = rd_size(r);
    for (size_t i = 0; i < nloc && !r->bad; i++) {
        rd_string(r);
        rd_size(r);
        rd_size(r);
    }
    size_t nupn = rd_size(r);
    for (size_t i = 0; i < nupn && !r->bad; i++)
        rd_string(r);
    unsigned char *live = NULL;
    if (!r->bad && li && nli != ncode)
        r->bad = 1;
    if (!r->bad && li && !all) {
        if ((live = malloc(ncode ? ncode : 1)))
            live_code(code, ncode, live);
        else
            r->bad = 1;
    }
    if (!r->bad && li) {
        int line = linedefined;
        for (size_t pc = 0; pc < nli; pc++) {
            if (li[pc] != ABSLINEINFO) {
                line += li[pc];
            } else {
                size_t k = 0;
                while (k < nabs && (size_t)abs[2 * k] != pc)
                    k++;
                if (k == nabs) {
                    r->bad = 1;
                    break;
                }
                line = abs[2 * k + 1];
            }
            if ((pc > 0 || !vararg) && (!live || live[pc]))
                mark(ud, line);
        }
    }
    free(live);
    free(abs);
}

int dvk_coverage_dump_lines(const void *dump, size_t len, int all,
                            void (*mark)(void *ud, int line), void *ud)
{
    static const unsigned char head[] = {0x1b, 'L', 'u', 'a', 0x54, 0,
                                         0x19, 0x93, '\r', '\n', 0x1a, '\n'};
    reader r = {dump, (const unsigned char *)dump + len, 0, 0, 0};
    const unsigned char *h = rd_skip(&r, sizeof head);
    if (!h || memcmp(h, head, sizeof head) != 0)
        return -1;
    if (rd_byte(&r) != 4)                            /* sizeof(Instruction) */
        return -1;
    r.isize = rd_byte(&r);
    r.nsize = rd_byte(&r);
    rd_skip(&r, r.isize + r.nsize);                  /* LUAC_INT, LUAC_NUM */
    rd_byte(&r);                                     /* upvalues of the main function */
    rd_function(&r, 0, all, mark, ud);
    return r.bad || r.p != r.end ? -1 : 0;
}

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    return dvk_buf_add(ud, p, sz) != 0;
}

typedef struct marker {
    cov_file *f;
    int oom;
} marker;

static void mark_exec(void *ud, int line)
{
    marker *m = ud;
    if (line <= 0 || m->oom)
        return;
    if (room(m->f, line))
        m->oom = 1;
    else
        m->f->exec[line] = 1;
}

int dvk_coverage_add_file(dvk_coverage *cov, const char *path, const char *src, size_t len,
                          const char *sha256, dvk_error *err)
{
    int i = find_file(cov, path, 1);
    if (i < 0)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    cov_file *f = &cov->files[i];
    if (f->sha[0])
        return strcmp(f->sha, sha256) == 0
                   ? DVK_OK
                   : dvk_error_set(err, DVK_EDATA, "%s: changed while the tests ran", path);
    /* A plain state only compiles (nothing runs); the chunk name is the one the sandbox
     * gives, so the lines are the same. */
    lua_State *L = luaL_newstate();
    if (!L)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    char chunk[1100];
    snprintf(chunk, sizeof chunk, "@%s", path);
    int rc = DVK_OK;
    dvk_buf dump = DVK_BUF_INIT;
    if (luaL_loadbufferx(L, src, len, chunk, "t") != LUA_OK) {
        rc = dvk_error_set(err, DVK_EDATA, "%s", lua_tostring(L, -1));
    } else if (lua_dump(L, dump_writer, &dump, 0) != 0 || dump.oom) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    } else {
        marker m = {f, 0};
        if (dvk_coverage_dump_lines(dump.p, dump.len, 0, mark_exec, &m) != 0)
            rc = dvk_error_set(err, DVK_EDATA, "%s: cannot read the compiled chunk's line "
                               "information (not Lua 5.4?)", path);
        else if (m.oom)
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        else
            memcpy(f->sha, sha256, 65);
    }
    dvk_buf_free(&dump);
    lua_close(L);
    return rc;
}

/* ------------------------------------------------------------------ parts */

int dvk_coverage_part(dvk_coverage *cov, const char *province, const char *kind, const char *id,
                      long run, long failed)
{
    for (int i = 0; i < cov->nparts; i++) {
        cov_part *p = &cov->parts[i];
        if (strcmp(p->province, province) == 0 && strcmp(p->kind, kind) == 0 &&
            strcmp(p->id, id) == 0) {
            p->run += run;
            p->failed += failed;
            return 0;
        }
    }
    if (grow((void **)&cov->parts, &cov->capparts, cov->nparts, sizeof *cov->parts))
        return -1;
    cov_part *p = &cov->parts[cov->nparts];
    p->province = strdup(province);
    p->kind = strdup(kind);
    p->id = strdup(id);
    p->run = run;
    p->failed = failed;
    if (!p->province || !p->kind || !p->id) {
        free(p->province);
        free(p->kind);
        free(p->id);
        return -1;
    }
    cov->nparts++;
    return 0;
}

/* ------------------------------------------------------------------ reports */

/* The files with executable lines (compiled ones), in path order. */
static int file_order(const void *a, const void *b)
{
    return strcmp((*(const cov_file *const *)a)->path, (*(const cov_file *const *)b)->path);
}

static const cov_file **sorted_files(const dvk_coverage *cov, int *n)
{
    const cov_file **v = malloc((size_t)(cov->nfiles ? cov->nfiles : 1) * sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (int i = 0; i < cov->nfiles; i++)
        if (cov->files[i].sha[0])
            v[(*n)++] = &cov->files[i];
    qsort(v, (size_t)*n, sizeof *v, file_order);
    return v;
}

/* A line counts when an instruction on it can run, or it ran (the second only matters if
 * live_code were ever stricter than the VM). */
#define EXEC(f, l) ((f)->exec[l] || (f)->hits[l])

static void count_lines(const cov_file *f, int *hit, int *total)
{
    *hit = *total = 0;
    for (int l = 1; l < f->nlines; l++)
        if (EXEC(f, l)) {
            (*total)++;
            *hit += f->hits[l] > 0;
        }
}

/* The next never-run range from line *from: [*a, *b], executable lines not run with no run
 * executable line between them (lines that hold no instruction do not split a range).
 * Returns 0 when there is none. */
static int next_gap(const cov_file *f, int *from, int *a, int *b)
{
    int l = *from;
    while (l < f->nlines && !(f->exec[l] && !f->hits[l]))
        l++;
    if (l >= f->nlines)
        return 0;
    *a = *b = l;
    for (l++; l < f->nlines; l++) {
        if (!f->exec[l])
            continue;
        if (f->hits[l])
            break;
        *b = l;
    }
    *from = l;
    return 1;
}

static const char *plural(long n) { return n == 1 ? "" : "s"; }

int dvk_coverage_text(const dvk_coverage *cov, dvk_buf *out)
{
    int n;
    const cov_file **files = sorted_files(cov, &n);
    if (!files)
        return -1;
    size_t w = 4;
    for (int i = 0; i < n; i++)
        if (strlen(files[i]->path) > w)
            w = strlen(files[i]->path);
    if (n == 0)
        dvk_buf_adds(out, "coverage: no province script was loaded\n");
    else
        dvk_buf_adds(out, "coverage: lines the tests ran of each script's executable lines\n");
    int hit_all = 0, total_all = 0;
    for (int i = 0; i < n; i++) {
        int hit, total;
        count_lines(files[i], &hit, &total);
        hit_all += hit;
        total_all += total;
        dvk_buf_printf(out, "  %-*s %5d/%-5d %5.1f%%\n", (int)w, files[i]->path, hit, total,
                       total ? 100.0 * hit / total : 100.0);
    }
    if (n > 1)
        dvk_buf_printf(out, "  %-*s %5d/%-5d %5.1f%%\n", (int)w, "total", hit_all, total_all,
                       total_all ? 100.0 * hit_all / total_all : 100.0);
    for (int i = 0; i < n; i++) {
        int from = 1, a, b, first = 1;
        while (next_gap(files[i], &from, &a, &b)) {
            if (first)
                dvk_buf_printf(out, "%s: never run:", files[i]->path);
            dvk_buf_printf(out, a == b ? "%s %d" : "%s %d-%d", first ? "" : ",", a, b);
            first = 0;
        }
        if (!first)
            dvk_buf_addc(out, '\n');
    }
    const char *prov = NULL;
    for (int i = 0; i < cov->nparts; i++) {
        const cov_part *p = &cov->parts[i];
        if (!prov || strcmp(prov, p->province) != 0) {
            prov = p->province;
            dvk_buf_printf(out, "province %s:\n", prov);
        }
        dvk_buf_printf(out, "  %-9s %-28s ", p->kind, p->id);
        if (!p->run)
            dvk_buf_adds(out, "NOT HIT\n");
        else if (strcmp(p->kind, "gate") == 0)
            dvk_buf_printf(out, "run in %ld case%s, turned away %ld\n", p->run, plural(p->run),
                           p->failed);
        else if (strcmp(p->kind, "criterion") == 0)
            dvk_buf_printf(out, "scored in %ld case%s\n", p->run, plural(p->run));
        else
            dvk_buf_printf(out, "reached in %ld case%s\n", p->run, plural(p->run));
    }
    free(files);
    return out->oom ? -1 : 0;
}

int dvk_coverage_json(const dvk_coverage *cov, dvk_buf *out)
{
    int n;
    const cov_file **files = sorted_files(cov, &n);
    if (!files)
        return -1;
    dvk_buf_adds(out, "{\"files\":[");
    for (int i = 0; i < n; i++) {
        int hit, total;
        count_lines(files[i], &hit, &total);
        dvk_buf_adds(out, i ? ",{\"path\":" : "{\"path\":");
        dvk_json_strz(out, files[i]->path);
        dvk_buf_printf(out, ",\"lines\":%d,\"hit\":%d,\"never_run\":[", total, hit);
        int from = 1, a, b, first = 1;
        while (next_gap(files[i], &from, &a, &b)) {
            dvk_buf_printf(out, "%s[%d,%d]", first ? "" : ",", a, b);
            first = 0;
        }
        dvk_buf_adds(out, "],\"hits\":{");
        first = 1;
        for (int l = 1; l < files[i]->nlines; l++)
            if (EXEC(files[i], l)) {
                dvk_buf_printf(out, "%s\"%d\":%lu", first ? "" : ",", l, files[i]->hits[l]);
                first = 0;
            }
        dvk_buf_adds(out, "}}");
    }
    dvk_buf_adds(out, "],\"parts\":[");
    for (int i = 0; i < cov->nparts; i++) {
        const cov_part *p = &cov->parts[i];
        dvk_buf_adds(out, i ? ",{\"province\":" : "{\"province\":");
        dvk_json_strz(out, p->province);
        dvk_buf_adds(out, ",\"kind\":");
        dvk_json_strz(out, p->kind);
        dvk_buf_adds(out, ",\"id\":");
        dvk_json_strz(out, p->id);
        dvk_buf_printf(out, ",\"cases\":%ld", p->run);
        if (strcmp(p->kind, "gate") == 0)
            dvk_buf_printf(out, ",\"turned_away\":%ld", p->failed);
        dvk_buf_addc(out, '}');
    }
    dvk_buf_adds(out, "]}\n");
    free(files);
    return out->oom ? -1 : 0;
}
