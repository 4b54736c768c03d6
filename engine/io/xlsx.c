/* xlsx.c: the streaming reader of Excel workbooks (xlsx.h): parts inflated by minizip in
 * chunks and counted against the limits, parsed by expat with a DOCTYPE refused and the
 * nesting capped; the workbook's sheet list and relationships, the shared strings and the
 * styles' date formats read at open; a sheet read row by row. */
#include "dvk/xlsx.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unzip.h>

#include "dvk/buf.h"
#include "dvk/text.h"

#define MAX_SHEETS 1024
#define MAX_RELS 4096
#define MAX_XFS 65536
#define MAX_NUMFMTS 4096
#define MAX_MERGES 100000
#define MERGED_AREA_MAX (64LL << 20)
#define SST_RESERVE_MAX (256LL << 20)
#define SST_CACHE 4096               /* spilled strings cached by index (direct-mapped) */
#define SST_SLOT 120                 /* bytes of a cached string */

typedef struct sst_slot {
    size_t idx1;                     /* index + 1 of the string held (0: empty) */
    size_t len;
    char s[SST_SLOT + 1];
} sst_slot;
#define ROW_MAX 1048576L
#define COL_MAX 16384

typedef struct xsheet {
    char *name;
    char *part;          /* "xl/worksheets/sheet1.xml" */
    int hidden;
    struct merge *merges;  /* its merged ranges, scanned once (the first read) */
    size_t nmerges;
    int scanned;
} xsheet;

typedef struct rel {
    char *id, *target, *type;
} rel;

struct dvk_xlsx {
    const char *name;    /* for messages */
    unzFile uf;
    dvk_xlsx_limits lim;
    long long total;     /* inflated bytes read so far, all parts */
    int date1904;
    size_t nsheets;
    xsheet *sheets;
    /* shared strings: NUL-terminated strings in one block; off[i] is string i's start (and
     * off[nsst] the end). Past lim.strings_memory the block goes to a temporary file
     * (spill): sst then holds only the part not yet written, and a string is read back with
     * pread through a small cache. */
    dvk_buf sst;
    uint32_t *sst_off;
    size_t nsst, capsst;
    int spill;               /* the temporary file's descriptor, or -1 */
    long long spilled;       /* bytes written to it */
    struct sst_slot *cache;  /* SST_CACHE slots (spill only) */
    char *scratch;           /* one string read back (spill only) */
    /* styles: the date kind (0 none, 1 date, 2 date and time) of each cell format */
    unsigned char *xf_date;
    size_t nxf;
    dvk_xlsx_progress_fn progress;   /* told about the rows pass of a sheet */
    void *progress_ud;
    int reporting;           /* the part being read is that pass */
};

/* ======================================================================================
 * Limits, names, helpers
 * ==================================================================================== */

static const dvk_xlsx_limits DEFAULTS = {
    .part_max = 4LL << 30, .total_max = 8LL << 30, .ratio_max = 500,
    .strings_max = 16000000, .strings_bytes = 512LL << 20, .small_max = 16LL << 20,
    .strings_memory = 16LL << 20,
};

static const char *local_name(const char *n)
{
    const char *c = strrchr(n, ':');
    return c ? c + 1 : n;
}

static const char *attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local_name(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

int dvk_xlsx_is_zip(const unsigned char *h, size_t n)
{
    return n >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4;
}

int dvk_xlsx_is_ole2(const unsigned char *h, size_t n)
{
    static const unsigned char sig[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    return n >= 8 && memcmp(h, sig, 8) == 0;
}

static void col_letters(size_t col, char *out)
{
    char tmp[8];
    int k = 0;
    size_t c = col + 1;
    while (c > 0 && k < 7) {
        tmp[k++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < k; i++)
        out[i] = tmp[k - 1 - i];
    out[k] = '\0';
}

void dvk_xlsx_cell_ref(const char *sheet, size_t col, long row, char *out, size_t n)
{
    char letters[8];
    col_letters(col, letters);
    if (!sheet) {
        snprintf(out, n, "%s%ld", letters, row);
        return;
    }
    int plain = *sheet != '\0';
    for (const char *p = sheet; *p && plain; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            plain = 0;
    if (plain) {
        snprintf(out, n, "%s!%s%ld", sheet, letters, row);
        return;
    }
    /* 'name' with a quote doubled, as Excel writes it */
    size_t o = 0;
    if (o + 1 < n)
        out[o++] = '\'';
    for (const char *p = sheet; *p && o + 2 < n; p++) {
        if (*p == '\'')
            out[o++] = '\'';
        out[o++] = *p;
    }
    snprintf(out + o, n - o, "'!%s%ld", letters, row);
}

/* "A1" -> col 0, row 1. 0, or -1 when ref is not a cell reference within XFD1048576. */
static int parse_ref(const char *s, size_t *col, long *row)
{
    size_t c = 0;
    long r = 0;
    int letters = 0, digits = 0;
    while (*s == '$')
        s++;
    for (; *s >= 'A' && *s <= 'Z'; s++) {
        c = c * 26 + (size_t)(*s - 'A' + 1);
        if (++letters > 3)
            return -1;
    }
    while (*s == '$')
        s++;
    for (; *s >= '0' && *s <= '9'; s++) {
        r = r * 10 + (*s - '0');
        if (++digits > 7)
            return -1;
    }
    if (*s || !letters || !digits || c > COL_MAX || r < 1 || r > ROW_MAX)
        return -1;
    *col = c - 1;
    *row = r;
    return 0;
}

/* ======================================================================================
 * Parts: inflated in chunks, counted against the limits
 * ==================================================================================== */

typedef int (*chunk_fn)(void *ud, const char *data, size_t n, int last, dvk_error *err);

/* Inflate part (a zip entry name) in DVK_XLSX_CHUNK pieces, calling fn for each, and once
 * with last = 1 at the end. max: the cap for this part. missing_ok: return 1 (nothing
 * called) when the part does not exist. */
static int read_part(dvk_xlsx *x, const char *part, long long max, int missing_ok, chunk_fn fn,
                     void *ud, dvk_error *err)
{
    /* the name as the relationship writes it, or in another case (some programs differ) */
    if (unzLocateFile(x->uf, part, 1) != UNZ_OK && unzLocateFile(x->uf, part, 2) != UNZ_OK) {
        if (missing_ok)
            return -1;
        return dvk_error_set(err, DVK_EDATA, "%s: the workbook has no part %s (a damaged or "
                             "incomplete file; save it again as .xlsx)", x->name, part);
    }
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(x->uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK ||
        unzOpenCurrentFile(x->uf) != UNZ_OK)
        return dvk_error_set(err, DVK_EDATA, "%s: cannot read part %s (a damaged or encrypted "
                             "file; save it again as .xlsx without a password)", x->name, part);
    char *buf = malloc(DVK_XLSX_CHUNK);
    if (!buf) {
        unzCloseCurrentFile(x->uf);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    long long done = 0, ratio_cap = -1;
    if (info.compressed_size > 0 && x->lim.ratio_max > 0 &&
        (long long)info.compressed_size < LLONG_MAX / x->lim.ratio_max)
        ratio_cap = (long long)info.compressed_size * x->lim.ratio_max;
    int rc = DVK_OK, n;
    while ((n = unzReadCurrentFile(x->uf, buf, DVK_XLSX_CHUNK)) > 0) {
        done += n;
        x->total += n;
        if (done > max || x->total > x->lim.total_max) {
            rc = dvk_error_set(err, DVK_EDATA, "%s: part %s inflates to more than %lld bytes "
                               "(%s); refused as a zip bomb or a damaged file", x->name, part,
                               done > max ? max : x->lim.total_max,
                               done > max ? "the limit of one part" : "the limit of a workbook");
            break;
        }
        if (ratio_cap >= 0 && done > (1LL << 20) && done > ratio_cap) {
            rc = dvk_error_set(err, DVK_EDATA, "%s: part %s inflates to more than %lld times its "
                               "compressed size; refused as a zip bomb or a damaged file",
                               x->name, part, x->lim.ratio_max);
            break;
        }
        if ((rc = fn(ud, buf, (size_t)n, 0, err)))
            break;
        if (x->reporting && x->progress)
            x->progress(x->progress_ud, done, (long long)info.uncompressed_size);
    }
    if (!rc && n < 0)
        rc = dvk_error_set(err, DVK_EDATA, "%s: part %s is damaged (inflating failed, zip error "
                           "%d)", x->name, part, n);
    int closed = unzCloseCurrentFile(x->uf);
    if (!rc && closed == UNZ_CRCERROR)
        rc = dvk_error_set(err, DVK_EDATA, "%s: part %s is damaged (checksum mismatch)", x->name,
                           part);
    if (!rc)
        rc = fn(ud, buf, 0, 1, err);
    free(buf);
    return rc;
}

/* ---- XML over a part ----------------------------------------------------------------- */

typedef struct xml {
    dvk_xlsx *x;
    const char *part;
    XML_Parser p;
    int depth;
    int rc;                  /* first failure: the parser is stopped */
    dvk_error *err;
    void *ud;
    void (*start)(void *ud, const char *name, const char **atts);
    void (*end)(void *ud, const char *name);
    void (*text)(void *ud, const char *s, int n);
} xml;

static void xml_fail(xml *m, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void xml_fail(xml *m, int code, const char *fmt, ...)
{
    if (m->rc)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    m->rc = dvk_error_set(m->err, code, "%s", msg);
    XML_StopParser(m->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    xml *m = ud;
    if (m->rc)
        return;
    if (++m->depth > DVK_XLSX_DEPTH_MAX) {
        xml_fail(m, DVK_EDATA, "%s: part %s: XML nested deeper than %d elements (line %lu); "
                 "refused as a damaged or hostile file", m->x->name, m->part, DVK_XLSX_DEPTH_MAX,
                 (unsigned long)XML_GetCurrentLineNumber(m->p));
        return;
    }
    if (m->start)
        m->start(m->ud, local_name(name), atts);
}

static void XMLCALL on_end(void *ud, const char *name)
{
    xml *m = ud;
    m->depth--;
    if (!m->rc && m->end)
        m->end(m->ud, local_name(name));
}

static void XMLCALL on_text(void *ud, const char *s, int n)
{
    xml *m = ud;
    if (!m->rc && m->text)
        m->text(m->ud, s, n);
}

static void XMLCALL on_doctype(void *ud, const char *name, const char *sysid, const char *pubid,
                               int internal)
{
    xml *m = ud;
    xml_fail(m, DVK_EDATA, "%s: part %s has a DOCTYPE (never in a workbook Excel or LibreOffice "
             "writes); refused", m->x->name, m->part);
}

static int xml_chunk(void *ud, const char *data, size_t n, int last, dvk_error *err)
{
    xml *m = ud;
    if (m->rc)
        return m->rc;
    if (XML_Parse(m->p, data, (int)n, last) == XML_STATUS_ERROR && !m->rc) {
        enum XML_Error e = XML_GetErrorCode(m->p);
        m->rc = dvk_error_set(err, e == XML_ERROR_NO_MEMORY ? DVK_ENOMEM : DVK_EDATA,
                              "%s: part %s is not well-formed XML (line %lu: %s)", m->x->name,
                              m->part, (unsigned long)XML_GetCurrentLineNumber(m->p),
                              XML_ErrorString(e));
    }
    return m->rc;
}

/* Parse part with the handlers of m (m->x, ud, start, end, text set). */
static int parse_part(xml *m, const char *part, long long max, int missing_ok, dvk_error *err)
{
    m->part = part;
    m->err = err;
    m->rc = DVK_OK;
    m->depth = 0;
    m->p = XML_ParserCreate(NULL);
    if (!m->p)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    XML_SetUserData(m->p, m);
    XML_SetElementHandler(m->p, on_start, on_end);
    XML_SetCharacterDataHandler(m->p, on_text);
    XML_SetStartDoctypeDeclHandler(m->p, on_doctype);
    int rc = read_part(m->x, part, max, missing_ok, xml_chunk, m, err);
    XML_ParserFree(m->p);
    m->p = NULL;
    if (rc == DVK_OK && m->rc)
        rc = m->rc;
    return rc;
}

/* ======================================================================================
 * Relationships, workbook, shared strings, styles
 * ==================================================================================== */

typedef struct rels {
    rel *r;
    size_t n;
    int oom;
} rels;

static void rels_start(void *ud, const char *name, const char **atts)
{
    rels *rs = ud;
    if (strcmp(name, "Relationship") != 0 || rs->n >= MAX_RELS || rs->oom)
        return;
    const char *id = attr(atts, "Id"), *t = attr(atts, "Target"), *ty = attr(atts, "Type");
    if (!id || !t)
        return;
    rel *nr = realloc(rs->r, (rs->n + 1) * sizeof *nr);
    if (!nr) {
        rs->oom = 1;
        return;
    }
    rs->r = nr;
    rel *e = &rs->r[rs->n];
    e->id = strdup(id);
    e->target = strdup(t);
    e->type = strdup(ty ? ty : "");
    if (!e->id || !e->target || !e->type) {
        free(e->id), free(e->target), free(e->type);
        rs->oom = 1;
        return;
    }
    rs->n++;
}

static void rels_free(rels *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->r[i].id), free(rs->r[i].target), free(rs->r[i].type);
    free(rs->r);
    rs->r = NULL;
    rs->n = 0;
}

static int read_rels(dvk_xlsx *x, const char *part, rels *rs, dvk_error *err)
{
    xml m = {.x = x, .ud = rs, .start = rels_start};
    int rc = parse_part(&m, part, x->lim.small_max, 1, err);
    if (rc == -1)
        return DVK_OK;   /* no relationships part: fall back on the usual names */
    if (!rc && rs->oom)
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
    return rc;
}

/* The part a relationship target names, from the folder of the part holding it (base:
 * "xl/"): "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml", "/xl/x.xml" -> "xl/x.xml",
 * "../x.xml" climbs one folder. malloc'd. */
static char *resolve(const char *base, const char *target)
{
    if (target[0] == '/')
        return strdup(target + 1);
    size_t bl = strlen(base);
    while (strncmp(target, "../", 3) == 0) {
        target += 3;
        if (bl > 0)
            bl--;   /* drop the trailing '/' and the last folder */
        while (bl > 0 && base[bl - 1] != '/')
            bl--;
    }
    char *out = malloc(bl + strlen(target) + 1);
    if (out) {
        memcpy(out, base, bl);
        strcpy(out + bl, target);
    }
    return out;
}

static const rel *rel_by_type(const rels *rs, const char *suffix)
{
    size_t sl = strlen(suffix);
    for (size_t i = 0; i < rs->n; i++) {
        size_t tl = strlen(rs->r[i].type);
        if (tl >= sl && strcmp(rs->r[i].type + tl - sl, suffix) == 0)
            return &rs->r[i];
    }
    return NULL;
}

/* ---- workbook.xml -------------------------------------------------------------------- */

typedef struct wbctx {
    dvk_xlsx *x;
    const rels *rs;
    const char *base;
    int oom, too_many;
} wbctx;

static void wb_start(void *ud, const char *name, const char **atts)
{
    wbctx *w = ud;
    dvk_xlsx *x = w->x;
    if (strcmp(name, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904");
        x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
        return;
    }
    if (strcmp(name, "sheet") != 0 || w->oom)
        return;
    if (x->nsheets >= MAX_SHEETS) {
        w->too_many = 1;
        return;
    }
    const char *nm = attr(atts, "name"), *st = attr(atts, "state"), *id = NULL;
    for (int i = 0; atts[i]; i += 2)   /* r:id (the relationship), not sheetId */
        if (strcmp(local_name(atts[i]), "id") == 0 && strchr(atts[i], ':'))
            id = atts[i + 1];
    if (!nm)
        return;
    char *part = NULL;
    for (size_t i = 0; id && i < w->rs->n && !part; i++)
        if (strcmp(w->rs->r[i].id, id) == 0 && !(part = resolve(w->base, w->rs->r[i].target))) {
            w->oom = 1;
            return;
        }
    if (!part) {   /* no relationship: the name Excel gives the n-th sheet */
        char guess[64];
        snprintf(guess, sizeof guess, "%sworksheets/sheet%zu.xml", w->base, x->nsheets + 1);
        if (!(part = strdup(guess))) {
            w->oom = 1;
            return;
        }
    }
    xsheet *ns = realloc(x->sheets, (x->nsheets + 1) * sizeof *ns);
    char *n2 = strdup(nm);
    if (!ns || !n2) {
        if (ns)
            x->sheets = ns;
        free(n2), free(part);
        w->oom = 1;
        return;
    }
    x->sheets = ns;
    memset(&ns[x->nsheets], 0, sizeof ns[x->nsheets]);
    ns[x->nsheets].name = n2;
    ns[x->nsheets].part = part;
    ns[x->nsheets].hidden = !st ? 0 : strcmp(st, "veryHidden") == 0 ? 2 : strcmp(st, "hidden") == 0;
    x->nsheets++;
}

/* ---- sharedStrings.xml --------------------------------------------------------------- */

typedef struct sstctx {
    dvk_xlsx *x;
    xml *m;
    int in_si, in_t, in_rph;
    int bad;                /* the current string went over the cell limit */
    long long part_bytes;   /* the part's declared size (a bound on its strings) */
} sstctx;

/* Bytes of the table so far (in the file and in memory). */
static long long sst_size(const dvk_xlsx *x) { return x->spilled + (long long)x->sst.len; }

/* Write what sst holds to the temporary file (created on the first call, in $TMPDIR, and
 * unlinked at once). 0, or -1 (errno set). */
static int sst_flush(dvk_xlsx *x)
{
    if (x->spill < 0) {
        const char *dir = getenv("TMPDIR");
        char path[4096];
        snprintf(path, sizeof path, "%s/dvk-sst-XXXXXX", dir && *dir ? dir : "/tmp");
        if ((x->spill = mkstemp(path)) < 0)
            return -1;
        unlink(path);
    }
    size_t done = 0;
    while (done < x->sst.len) {
        ssize_t w = write(x->spill, x->sst.p + done, x->sst.len - done);
        if (w < 0)
            return -1;
        done += (size_t)w;
    }
    x->spilled += (long long)x->sst.len;
    dvk_buf_reset(&x->sst);
    return 0;
}

/* String i of the table (NUL-terminated) and its length; NULL when it cannot be read back
 * or is longer than a cell may be (*len says which: SIZE_MAX for a read error). */
static const char *sst_at(dvk_xlsx *x, size_t i, size_t *len)
{
    long long a = x->sst_off[i], b = x->sst_off[i + 1];
    *len = (size_t)(b - a - 1);
    if (x->spill < 0)
        return x->sst.p + a;
    if (*len > DVK_XLSX_CELL_MAX)
        return NULL;
    sst_slot *slot = &x->cache[i % SST_CACHE];
    if (slot->idx1 == i + 1)
        return slot->s;
    char *to = *len <= SST_SLOT ? slot->s : x->scratch;
    size_t got = 0;
    while (got < *len) {
        ssize_t r = pread(x->spill, to + got, *len - got, (off_t)(a + (long long)got));
        if (r <= 0) {
            *len = SIZE_MAX;
            return NULL;
        }
        got += (size_t)r;
    }
    to[*len] = '\0';
    if (to == slot->s) {
        slot->idx1 = i + 1;
        slot->len = *len;
    }
    return to;
}

static void sst_start(void *ud, const char *name, const char **atts)
{
    sstctx *c = ud;
    if (strcmp(name, "sst") == 0 && !c->x->capsst) {
        /* room for the strings it announces, as far as the part's size makes it plausible
         * (a string takes at least "<si/>"): a hostile count reserves nothing more */
        const char *u = attr(atts, "uniqueCount");
        long long n = u ? strtoll(u, NULL, 10) : 0;
        if (n > c->part_bytes / 5)
            n = c->part_bytes / 5;
        if (n > c->x->lim.strings_max)
            n = c->x->lim.strings_max;
        uint32_t *o = n > 0 ? malloc((size_t)n * sizeof *o) : NULL;
        if (o) {
            c->x->sst_off = o;
            c->x->capsst = (size_t)n;
        }
        return;
    }
    if (strcmp(name, "si") == 0) {
        c->in_si = 1;
        c->bad = 0;
        dvk_xlsx *x = c->x;
        if ((long long)x->nsst >= x->lim.strings_max) {
            xml_fail(c->m, DVK_EDATA, "%s: more than %lld shared strings; refused as a damaged "
                     "or hostile file", x->name, x->lim.strings_max);
            return;
        }
        if (x->nsst == x->capsst) {
            size_t cap = x->capsst ? x->capsst * 2 : 1024;
            uint32_t *o = realloc(x->sst_off, cap * sizeof *o);
            if (!o) {
                xml_fail(c->m, DVK_ENOMEM, "out of memory (shared strings)");
                return;
            }
            x->sst_off = o;
            x->capsst = cap;
        }
        x->sst_off[x->nsst] = (uint32_t)sst_size(x);
    } else if (strcmp(name, "rPh") == 0) {
        c->in_rph = 1;
    } else if (strcmp(name, "t") == 0 && c->in_si && !c->in_rph) {
        c->in_t = 1;
    }
}

static void sst_end(void *ud, const char *name)
{
    sstctx *c = ud;
    dvk_xlsx *x = c->x;
    if (strcmp(name, "t") == 0) {
        c->in_t = 0;
    } else if (strcmp(name, "rPh") == 0) {
        c->in_rph = 0;
    } else if (strcmp(name, "si") == 0 && c->in_si) {
        c->in_si = 0;
        if (dvk_buf_addc(&x->sst, '\0')) {
            xml_fail(c->m, DVK_ENOMEM, "out of memory (shared strings)");
            return;
        }
        x->nsst++;
        /* past the memory allowed: to the temporary file, then every 64 KiB */
        if ((x->spill >= 0 ? (long long)x->sst.len >= DVK_XLSX_CHUNK
                           : sst_size(x) > x->lim.strings_memory) && sst_flush(x))
            xml_fail(c->m, DVK_EIO, "%s: cannot write the shared strings to a temporary file (%s)",
                     x->name, strerror(errno));
    }
}

static void sst_text(void *ud, const char *s, int n)
{
    sstctx *c = ud;
    dvk_xlsx *x = c->x;
    if (!c->in_t || c->bad)
        return;
    if (sst_size(x) + n > x->lim.strings_bytes || sst_size(x) + n >= (long long)UINT32_MAX) {
        xml_fail(c->m, DVK_EDATA, "%s: the shared strings table is over %lld bytes; refused as a "
                 "damaged or hostile file", x->name, x->lim.strings_bytes);
        return;
    }
    if (dvk_buf_add(&x->sst, s, (size_t)n))
        xml_fail(c->m, DVK_ENOMEM, "out of memory (shared strings)");
}

/* ---- styles.xml ---------------------------------------------------------------------- */

/* The date kind of a number format code: 0 none, 1 date, 2 date and time. Quoted text,
 * escaped characters, [colour] / [$-locale] sections, _x and *x are skipped; the first
 * section (before ';') decides; 'm' alone is month or minute and decides nothing. */
static int format_kind(const char *f)
{
    int date = 0, time = 0;
    for (const char *p = f; *p && *p != ';'; p++) {
        switch (*p) {
        case '"':
            p++;
            while (*p && *p != '"')
                p++;
            if (!*p)
                return 0;
            break;
        case '\\': case '_': case '*':
            if (!*++p)
                return 0;
            break;
        case '[':
            if (p[1] == 'h' || p[1] == 'H' || p[1] == 's' || p[1] == 'S')
                time = 1;   /* elapsed time: [h]:mm */
            while (*p && *p != ']')
                p++;
            if (!*p)
                return 0;
            break;
        case 'd': case 'D': case 'y': case 'Y': date = 1; break;
        case 'h': case 'H': case 's': case 'S': time = 1; break;
        default: break;
        }
    }
    return date ? 1 + time : 0;
}

static int builtin_kind(long id)
{
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
        (id >= 50 && id <= 58))
        return 1;
    return id == 22 ? 2 : 0;   /* 18-21, 45-47: times of day, left as numbers */
}

typedef struct stylectx {
    dvk_xlsx *x;
    xml *m;
    int in_numfmts, in_cellxfs;
    long ids[MAX_NUMFMTS];
    unsigned char kinds[MAX_NUMFMTS];
    int nfmt;
} stylectx;

static void style_start(void *ud, const char *name, const char **atts)
{
    stylectx *c = ud;
    dvk_xlsx *x = c->x;
    if (strcmp(name, "numFmts") == 0) {
        c->in_numfmts = 1;
    } else if (strcmp(name, "cellXfs") == 0) {
        c->in_cellxfs = 1;
    } else if (c->in_numfmts && strcmp(name, "numFmt") == 0 && c->nfmt < MAX_NUMFMTS) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (id && code) {
            c->ids[c->nfmt] = strtol(id, NULL, 10);
            c->kinds[c->nfmt++] = (unsigned char)format_kind(code);
        }
    } else if (c->in_cellxfs && strcmp(name, "xf") == 0) {
        if (x->nxf >= MAX_XFS) {
            xml_fail(c->m, DVK_EDATA, "%s: more than %d cell formats; refused as a damaged file",
                     x->name, MAX_XFS);
            return;
        }
        unsigned char *nx = realloc(x->xf_date, x->nxf + 1);
        if (!nx) {
            xml_fail(c->m, DVK_ENOMEM, "out of memory");
            return;
        }
        x->xf_date = nx;
        const char *s = attr(atts, "numFmtId");
        long id = s ? strtol(s, NULL, 10) : 0;
        int kind = builtin_kind(id);
        for (int i = 0; i < c->nfmt; i++)
            if (c->ids[i] == id)
                kind = c->kinds[i];   /* a custom code replaces a built-in of the same id */
        x->xf_date[x->nxf++] = (unsigned char)kind;
    }
}

static void style_end(void *ud, const char *name)
{
    stylectx *c = ud;
    if (strcmp(name, "numFmts") == 0)
        c->in_numfmts = 0;
    else if (strcmp(name, "cellXfs") == 0)
        c->in_cellxfs = 0;
}

/* ---- open ---------------------------------------------------------------------------- */

int dvk_xlsx_open(const char *path, const char *name, const dvk_xlsx_limits *lim,
                  dvk_xlsx **out, dvk_error *err)
{
    *out = NULL;
    dvk_xlsx *x = calloc(1, sizeof *x);
    if (!x)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    x->name = name ? name : path;
    x->spill = -1;
    x->lim = DEFAULTS;
    if (lim) {
        const long long *in = &lim->part_max;
        long long *to = &x->lim.part_max;
        for (size_t i = 0; i < sizeof *lim / sizeof *in; i++)
            if (in[i] > 0)
                to[i] = in[i];
    }
    int rc = DVK_OK;
    rels root = {0}, wbrels = {0};
    char *wbpart = NULL, *base = NULL, *relpart = NULL, *sstpart = NULL, *stylepart = NULL;
    x->uf = unzOpen64(path);
    if (!x->uf) {
        FILE *f = fopen(path, "rb");
        unsigned char head[8] = {0};
        size_t n = f ? fread(head, 1, sizeof head, f) : 0;
        if (f)
            fclose(f);
        if (!f)
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot open", x->name);
        else if (dvk_xlsx_is_ole2(head, n))
            rc = dvk_error_set(err, DVK_EDATA, "%s: a legacy Excel 97-2003 workbook (.xls), which "
                               "dvk does not read: open it in Excel or LibreOffice Calc and save "
                               "it as \"Excel Workbook (.xlsx)\"", x->name);
        else
            rc = dvk_error_set(err, DVK_EDATA, "%s: not an Excel workbook (.xlsx is a zip file; "
                               "this one is damaged or is another format)", x->name);
        goto done;
    }
    /* An OpenDocument spreadsheet is a zip too: it says so in its first entry. */
    if (unzLocateFile(x->uf, "mimetype", 1) == UNZ_OK && unzLocateFile(x->uf, "content.xml", 1) == UNZ_OK) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: an OpenDocument spreadsheet (.ods), which dvk does "
                           "not read: open it in LibreOffice Calc and use File > Save As > \"Excel "
                           "2007-365 (.xlsx)\" (or \"Text CSV\" with character set UTF-8 and comma "
                           "as the field delimiter)", x->name);
        goto done;
    }
    if ((rc = read_rels(x, "_rels/.rels", &root, err)))
        goto done;
    const rel *doc = rel_by_type(&root, "/officeDocument");
    wbpart = strdup(doc ? (doc->target[0] == '/' ? doc->target + 1 : doc->target) : "xl/workbook.xml");
    if (!wbpart)
        goto oom;
    if (unzLocateFile(x->uf, wbpart, 1) != UNZ_OK) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: a zip file without a workbook part (%s): not an "
                           "Excel workbook, or a damaged one", x->name, wbpart);
        goto done;
    }
    const char *slash = strrchr(wbpart, '/');
    size_t bl = slash ? (size_t)(slash - wbpart) + 1 : 0;
    if (!(base = strndup(wbpart, bl)) || !(relpart = malloc(strlen(wbpart) + 16)))
        goto oom;
    sprintf(relpart, "%s_rels/%s.rels", base, wbpart + bl);
    if ((rc = read_rels(x, relpart, &wbrels, err)))
        goto done;
    wbctx w = {.x = x, .rs = &wbrels, .base = base};
    xml m = {.x = x, .ud = &w, .start = wb_start};
    if ((rc = parse_part(&m, wbpart, x->lim.small_max, 0, err)))
        goto done;
    if (w.oom)
        goto oom;
    if (w.too_many) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: more than %d sheets; refused", x->name, MAX_SHEETS);
        goto done;
    }
    if (x->nsheets == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: the workbook has no sheets", x->name);
        goto done;
    }
    const rel *r = rel_by_type(&wbrels, "/sharedStrings");
    sstpart = r ? resolve(base, r->target) : malloc(strlen(base) + 20);
    if (sstpart && !r)
        sprintf(sstpart, "%ssharedStrings.xml", base);
    r = rel_by_type(&wbrels, "/styles");
    stylepart = r ? resolve(base, r->target) : malloc(strlen(base) + 20);
    if (stylepart && !r)
        sprintf(stylepart, "%sstyles.xml", base);
    if (!sstpart || !stylepart)
        goto oom;
    sstctx sc = {.x = x};
    /* The table's text is at most its part's size: reserved once (pages never written stay
     * out of memory), so that no doubling copy makes the peak three times the text. */
    unz_file_info64 si;
    if (unzLocateFile(x->uf, sstpart, 1) == UNZ_OK &&
        unzGetCurrentFileInfo64(x->uf, &si, NULL, 0, NULL, 0, NULL, 0) == UNZ_OK) {
        long long cap = x->lim.strings_memory < SST_RESERVE_MAX ? x->lim.strings_memory : SST_RESERVE_MAX;
        sc.part_bytes = (long long)si.uncompressed_size;
        dvk_buf_reserve(&x->sst, (size_t)(sc.part_bytes < cap ? sc.part_bytes : cap));
        dvk_buf_reset(&x->sst);   /* keeps the memory; a failed reservation is not an error */
    }
    xml ms = {.x = x, .ud = &sc, .start = sst_start, .end = sst_end, .text = sst_text};
    sc.m = &ms;
    rc = parse_part(&ms, sstpart, x->lim.part_max, 1, err);
    if (rc == -1)
        rc = DVK_OK;   /* a workbook without text has no shared strings */
    if (rc)
        goto done;
    /* the end of the last string, so that every string's length is known */
    if (x->nsst == x->capsst) {
        uint32_t *o = realloc(x->sst_off, (x->capsst + 1) * sizeof *o);
        if (!o)
            goto oom;
        x->sst_off = o;
        x->capsst++;
    }
    x->sst_off[x->nsst] = (uint32_t)sst_size(x);
    if (x->spill >= 0) {
        if (sst_flush(x)) {
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot write the shared strings to a temporary "
                               "file (%s)", x->name, strerror(errno));
            goto done;
        }
        dvk_buf_free(&x->sst);   /* the reserved block is not needed any more */
        if (!(x->cache = calloc(SST_CACHE, sizeof *x->cache)) ||
            !(x->scratch = malloc(DVK_XLSX_CELL_MAX + 1)))
            goto oom;
    }
    stylectx *stc = calloc(1, sizeof *stc);
    if (!stc)
        goto oom;
    stc->x = x;
    xml mt = {.x = x, .ud = stc, .start = style_start, .end = style_end};
    stc->m = &mt;
    rc = parse_part(&mt, stylepart, x->lim.small_max, 1, err);
    free(stc);
    if (rc == -1)
        rc = DVK_OK;   /* no styles: no dates */
    goto done;
oom:
    rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
done:
    rels_free(&root);
    rels_free(&wbrels);
    free(wbpart), free(base), free(relpart), free(sstpart), free(stylepart);
    if (rc) {
        dvk_xlsx_close(x);
        return rc;
    }
    *out = x;
    return DVK_OK;
}

void dvk_xlsx_close(dvk_xlsx *x)
{
    if (!x)
        return;
    if (x->uf)
        unzClose(x->uf);
    for (size_t i = 0; i < x->nsheets; i++)
        free(x->sheets[i].name), free(x->sheets[i].part), free(x->sheets[i].merges);
    free(x->sheets);
    dvk_buf_free(&x->sst);
    free(x->sst_off);
    if (x->spill >= 0)
        close(x->spill);
    free(x->cache);
    free(x->scratch);
    free(x->xf_date);
    free(x);
}

void dvk_xlsx_set_progress(dvk_xlsx *x, dvk_xlsx_progress_fn fn, void *ud)
{
    x->progress = fn;
    x->progress_ud = ud;
}

size_t dvk_xlsx_sheet_count(const dvk_xlsx *x) { return x->nsheets; }
const char *dvk_xlsx_sheet_name(const dvk_xlsx *x, size_t i) { return x->sheets[i].name; }
int dvk_xlsx_sheet_hidden(const dvk_xlsx *x, size_t i) { return x->sheets[i].hidden; }

int dvk_xlsx_sheet_find(const dvk_xlsx *x, const char *name)
{
    for (size_t i = 0; i < x->nsheets; i++)
        if (strcmp(x->sheets[i].name, name) == 0)
            return (int)i;
    int found = -1;
    char *k = dvk_text_lower(name, strlen(name));
    for (size_t i = 0; k && i < x->nsheets && found < 0; i++) {
        char *o = dvk_text_lower(x->sheets[i].name, strlen(x->sheets[i].name));
        if (o && strcmp(o, k) == 0)
            found = (int)i;
        free(o);
    }
    free(k);
    return found;
}

/* ======================================================================================
 * Merged ranges: a first pass that inflates the sheet and scans for <mergeCell ref="...">
 * ==================================================================================== */

static const char *find_bytes(const char *h, size_t n, const char *needle, size_t k)
{
    for (const char *p = h; (size_t)(h + n - p) >= k; p++) {
        p = memchr(p, needle[0], (size_t)(h + n - p) - k + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, k) == 0)
            return p;
    }
    return NULL;
}

typedef struct merge {
    long r1, r2;
    unsigned c1, c2;
    char *val;               /* the top-left cell's value, once its row was read */
    unsigned char type;
} merge;

typedef struct mscan {
    dvk_xlsx *x;
    const char *sheet;
    merge *m;
    size_t n;
    long long area;          /* cells the ranges cover (columns beyond the cap as one) */
    char carry[512];
    size_t ncarry;
    char *buf;
} mscan;

static int add_merge(mscan *s, const char *ref, size_t len, dvk_error *err)
{
    char a[32], b[32];
    const char *colon = memchr(ref, ':', len);
    if (!colon || (size_t)(colon - ref) >= sizeof a || len - (size_t)(colon - ref) - 1 >= sizeof b)
        return DVK_OK;   /* a single cell or nonsense: nothing to fill */
    memcpy(a, ref, (size_t)(colon - ref));
    a[colon - ref] = '\0';
    memcpy(b, colon + 1, len - (size_t)(colon - ref) - 1);
    b[len - (size_t)(colon - ref) - 1] = '\0';
    size_t c1, c2;
    long r1, r2;
    if (parse_ref(a, &c1, &r1) || parse_ref(b, &c2, &r2) || c2 < c1 || r2 < r1)
        return DVK_OK;
    if (s->n >= MAX_MERGES)
        return dvk_error_set(err, DVK_EDATA, "%s:%s: more than %d merged ranges; refused",
                             s->x->name, s->sheet, MAX_MERGES);
    size_t w = (c2 < DVK_XLSX_COLUMNS_MAX ? c2 : DVK_XLSX_COLUMNS_MAX - 1) -
               (c1 < DVK_XLSX_COLUMNS_MAX ? c1 : DVK_XLSX_COLUMNS_MAX - 1) + 1;
    s->area += (long long)(r2 - r1 + 1) * (long long)w;
    if (s->area > MERGED_AREA_MAX)
        return dvk_error_set(err, DVK_EDATA, "%s:%s: merged ranges cover more than %lld cells; "
                             "refused as a damaged or hostile file", s->x->name, s->sheet,
                             (long long)MERGED_AREA_MAX);
    merge *nm = realloc(s->m, (s->n + 1) * sizeof *nm);
    if (!nm)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    s->m = nm;
    s->m[s->n++] = (merge){r1, r2, (unsigned)c1, (unsigned)c2, NULL, 0};
    return DVK_OK;
}

static int mscan_chunk(void *ud, const char *data, size_t n, int last, dvk_error *err)
{
    mscan *s = ud;
    /* the carried tail of the previous chunk, then this one */
    size_t len = s->ncarry + n;
    memcpy(s->buf, s->carry, s->ncarry);
    memcpy(s->buf + s->ncarry, data, n);
    size_t keep_from = len > 256 ? len - 256 : 0;   /* an element cut at the end */
    const char *p = s->buf, *end = s->buf + len;
    while ((p = find_bytes(p, (size_t)(end - p), "mergeCell", 9)) != NULL) {
        const char *q = p + 9;
        int opens = p > s->buf && (p[-1] == '<' || p[-1] == ':');
        if (!opens || q >= end || !(*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')) {
            p = q;
            continue;
        }
        const char *gt = memchr(q, '>', (size_t)(end - q));
        if (!gt) {
            if (!last && (size_t)(p - s->buf) < keep_from)
                keep_from = (size_t)(p - s->buf);
            break;
        }
        for (const char *a = q; a + 5 < gt; a++) {
            if (memcmp(a, "ref=", 4) == 0 && (a[-1] == ' ' || a[-1] == '\t' || a[-1] == '\n' ||
                                              a[-1] == '\r') && (a[4] == '"' || a[4] == '\'')) {
                const char *v = a + 5, *e = memchr(v, a[4], (size_t)(gt - v));
                if (e) {
                    int rc = add_merge(s, v, (size_t)(e - v), err);
                    if (rc)
                        return rc;
                }
                break;
            }
        }
        p = gt + 1;
        if ((size_t)(p - s->buf) > keep_from)
            keep_from = (size_t)(p - s->buf) < len ? (size_t)(p - s->buf) : len;
    }
    s->ncarry = len - keep_from;
    if (s->ncarry > sizeof s->carry)
        s->ncarry = 0;   /* cannot happen: keep_from is at most 256 bytes back */
    memcpy(s->carry, s->buf + keep_from, s->ncarry);
    return DVK_OK;
}

static int cmp_merge(const void *a, const void *b)
{
    const merge *x = a, *y = b;
    return x->r1 < y->r1 ? -1 : x->r1 > y->r1;
}

/* ======================================================================================
 * A sheet, row by row
 * ==================================================================================== */

typedef struct sheetctx {
    dvk_xlsx *x;
    xml *m;
    const char *sheet;
    dvk_xlsx_row_fn fn;
    void *ud;
    int in_data, in_row, in_cell, in_v, in_is_t, in_rph;
    int has_f, has_v;        /* the cell has a formula / a value element */
    long row, prev_row;
    size_t col;              /* the current cell's column */
    long next_col;
    char ctype[16];          /* the t attribute */
    long style;
    int col_over;            /* the current cell is beyond DVK_XLSX_COLUMNS_MAX */
    dvk_buf val;             /* the current cell's text */
    dvk_buf rowbuf;          /* the row's cells, each NUL-terminated */
    size_t off[DVK_XLSX_COLUMNS_MAX], len[DVK_XLSX_COLUMNS_MAX];
    unsigned char type[DVK_XLSX_COLUMNS_MAX], set[DVK_XLSX_COLUMNS_MAX];
    char *ptr[DVK_XLSX_COLUMNS_MAX];
    size_t ncells;           /* 1 + the last column with a value */
    merge *merges;
    size_t nmerges, next_merge;
    size_t *active, nactive;     /* the ranges over the current row (indexes) */
} sheetctx;

static char empty_cell[1];

static void cell_fail(sheetctx *c, size_t col, const char *what)
{
    char ref[320];
    dvk_xlsx_cell_ref(c->sheet, col, c->row, ref, sizeof ref);
    xml_fail(c->m, DVK_EDATA, "%s:%s: %s", c->x->name, ref, what);
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = yoe + era * 400;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* An Excel serial number as an ISO date (kind 2: with the time when it has one). 0, or -1
 * when it is no date (negative, the phantom 29/02/1900, beyond 9999). */
static int serial_date(dvk_xlsx *x, const char *v, int kind, char *out, size_t n)
{
    char *end;
    double s = strtod(v, &end);
    if (end == v || *end || !isfinite(s) || s < 0 || s > 2958465.0)
        return -1;
    double day = floor(s);
    long secs = lround((s - day) * 86400.0);
    if (secs >= 86400) {
        day += 1;
        secs = 0;
    }
    long long days;   /* since 1970-01-01 */
    if (x->date1904) {
        days = (long long)day - 24107;   /* 1904-01-01 is serial 0 */
    } else {
        if (day == 60)
            return -1;   /* 1900-02-29, which Excel counts and the calendar does not */
        if (day < 1)
            return -1;
        days = (long long)day - (day < 60 ? 25568 : 25569);
    }
    int y, m, d;
    civil(days, &y, &m, &d);
    if (kind == 2 && secs)
        snprintf(out, n, "%04d-%02d-%02d %02ld:%02ld:%02ld", y, m, d, secs / 3600, secs / 60 % 60,
                 secs % 60);
    else
        snprintf(out, n, "%04d-%02d-%02d", y, m, d);
    return 0;
}

static void put_cell(sheetctx *c, size_t col, const char *s, size_t n, unsigned char type)
{
    if (col >= DVK_XLSX_COLUMNS_MAX) {
        if (n) {
            char what[96];
            snprintf(what, sizeof what, "a value beyond column %d (more columns than dvk reads)",
                     DVK_XLSX_COLUMNS_MAX);
            cell_fail(c, col, what);
        }
        return;
    }
    if (c->set[col]) {
        cell_fail(c, col, "the cell appears twice in the row (a damaged file)");
        return;
    }
    c->set[col] = 1;
    if (!n)
        return;
    c->off[col] = c->rowbuf.len;
    c->len[col] = n;
    c->type[col] = type;
    if (dvk_buf_add(&c->rowbuf, s, n) || dvk_buf_addc(&c->rowbuf, '\0')) {
        xml_fail(c->m, DVK_ENOMEM, "out of memory");
        return;
    }
    if (col + 1 > c->ncells)
        c->ncells = col + 1;
}

static void row_begin(sheetctx *c, const char **atts)
{
    const char *r = attr(atts, "r");
    long row = c->prev_row + 1;
    if (r) {
        char *end;
        row = strtol(r, &end, 10);
        if (*end || row < 1 || row > ROW_MAX) {
            xml_fail(c->m, DVK_EDATA, "%s:%s: a row numbered '%.20s' (a damaged file)", c->x->name,
                     c->sheet, r);
            return;
        }
    }
    if (row <= c->prev_row) {
        xml_fail(c->m, DVK_EDATA, "%s:%s: row %ld comes after row %ld (a damaged file)", c->x->name,
                 c->sheet, row, c->prev_row);
        return;
    }
    c->row = row;
    c->in_row = 1;
    c->next_col = 0;
    c->ncells = 0;
    dvk_buf_reset(&c->rowbuf);
    memset(c->set, 0, sizeof c->set);
    memset(c->len, 0, sizeof c->len);
}

/* Merged ranges over this row: the top-left value is taken when its row is read, and given
 * to the empty cells the range covers in rows that have a value of their own. */
static int fill_merges(sheetctx *c)
{
    size_t own = c->ncells;
    /* the ranges over this row: those starting by it (sorted by first row) that have not
     * ended; the work is bounded by the area cap of the scan */
    size_t k = 0;
    for (size_t a = 0; a < c->nactive; a++)
        if (c->merges[c->active[a]].r2 >= c->row)
            c->active[k++] = c->active[a];
    c->nactive = k;
    while (c->next_merge < c->nmerges && c->merges[c->next_merge].r1 <= c->row) {
        if (c->merges[c->next_merge].r2 >= c->row)
            c->active[c->nactive++] = c->next_merge;
        c->next_merge++;
    }
    for (size_t a = 0; a < c->nactive; a++) {
        merge *g = &c->merges[c->active[a]];
        if (g->r1 == c->row && g->c1 < DVK_XLSX_COLUMNS_MAX && c->len[g->c1]) {
            free(g->val);
            if (!(g->val = strndup(c->rowbuf.p + c->off[g->c1], c->len[g->c1])))
                return -1;
            g->type = c->type[g->c1];
        }
        if (!g->val || !own)
            continue;
        for (unsigned col = g->c1; col <= g->c2 && col < DVK_XLSX_COLUMNS_MAX; col++) {
            if (c->len[col] || (col == g->c1 && g->r1 == c->row))
                continue;
            size_t n = strlen(g->val);
            c->off[col] = c->rowbuf.len;
            c->len[col] = n;
            c->type[col] = g->type;
            if (dvk_buf_add(&c->rowbuf, g->val, n) || dvk_buf_addc(&c->rowbuf, '\0'))
                return -1;
            if (col + 1 > c->ncells)
                c->ncells = col + 1;
        }
    }
    return 0;
}

static void row_end(sheetctx *c)
{
    c->in_row = 0;
    c->prev_row = c->row;
    if (c->nmerges && fill_merges(c)) {
        xml_fail(c->m, DVK_ENOMEM, "out of memory");
        return;
    }
    if (!c->ncells)
        return;   /* an empty row */
    for (size_t i = 0; i < c->ncells; i++)
        c->ptr[i] = c->len[i] ? c->rowbuf.p + c->off[i] : empty_cell;
    for (size_t i = 0; i < c->ncells; i++)
        if (!c->len[i])
            c->type[i] = DVK_XLSX_EMPTY;
    dvk_xlsx_row r = {c->row, c->ncells, c->ptr, c->len, c->type};
    int rc = c->fn(c->ud, &r, c->m->err);
    if (rc && !c->m->rc) {
        c->m->rc = rc;
        XML_StopParser(c->m->p, XML_FALSE);
    }
}

static void cell_begin(sheetctx *c, const char **atts)
{
    const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
    size_t col = (size_t)c->next_col;
    long row;
    if (r && (parse_ref(r, &col, &row) || row != c->row)) {
        char what[96];
        snprintf(what, sizeof what, "a cell named '%.20s' in row %ld (a damaged file)", r, c->row);
        xml_fail(c->m, DVK_EDATA, "%s:%s: %s", c->x->name, c->sheet, what);
        return;
    }
    if (col >= COL_MAX) {
        xml_fail(c->m, DVK_EDATA, "%s:%s: a cell beyond column XFD in row %ld (a damaged file)",
                 c->x->name, c->sheet, c->row);
        return;
    }
    c->col = col;
    c->next_col = (long)col + 1;
    /* the type, cut to fit as snprintf would (once per cell: snprintf's cost showed) */
    const char *ty = t ? t : "n";
    size_t k = 0;
    for (; ty[k] && k + 1 < sizeof c->ctype; k++)
        c->ctype[k] = ty[k];
    c->ctype[k] = '\0';
    c->style = s ? strtol(s, NULL, 10) : 0;
    c->in_cell = 1;
    c->has_f = c->has_v = 0;
    dvk_buf_reset(&c->val);
}

static void cell_end(sheetctx *c)
{
    c->in_cell = 0;
    const char *v = dvk_buf_str(&c->val);
    size_t n = c->val.len;
    const char *t = c->ctype;
    if (strcmp(t, "s") == 0) {
        if (!n)
            return put_cell(c, c->col, "", 0, DVK_XLSX_EMPTY);
        char *end;
        unsigned long i = strtoul(v, &end, 10);
        if (*end || i >= c->x->nsst) {
            cell_fail(c, c->col, "the cell names a shared string that the workbook does not "
                      "have (a damaged file)");
            return;
        }
        size_t sl;
        const char *s = sst_at(c->x, i, &sl);
        if (!s && sl == SIZE_MAX) {
            cell_fail(c, c->col, "cannot read the shared string back from the temporary file");
            return;
        }
        if (!s || sl > DVK_XLSX_CELL_MAX) {
            cell_fail(c, c->col, "a value longer than 65536 bytes");
            return;
        }
        return put_cell(c, c->col, s, sl, DVK_XLSX_TEXT);
    }
    if (c->has_f && !c->has_v) {
        /* a formula the program that wrote the file never computed: no value to read */
        static const char nv[] = "#formula without a saved value";
        return put_cell(c, c->col, nv, sizeof nv - 1, DVK_XLSX_ERROR);
    }
    if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0)
        return put_cell(c, c->col, v, n, DVK_XLSX_TEXT);
    if (strcmp(t, "b") == 0)
        return put_cell(c, c->col, n ? (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ? "1" : "0") : "",
                        n ? 1 : 0, DVK_XLSX_BOOL);
    if (strcmp(t, "e") == 0)
        return put_cell(c, c->col, v, n, DVK_XLSX_ERROR);
    if (strcmp(t, "d") == 0)   /* an ISO 8601 date written as such (Strict files) */
        return put_cell(c, c->col, v, n >= 19 && strcmp(v + 10, "T00:00:00") == 0 ? 10 : n,
                        DVK_XLSX_DATE);
    /* a number: trimmed; a date when its style says so */
    while (n && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r'))
        n--;
    if (!n)
        return put_cell(c, c->col, "", 0, DVK_XLSX_EMPTY);
    int kind = c->style >= 0 && (size_t)c->style < c->x->nxf ? c->x->xf_date[c->style] : 0;
    char date[32], num[64];
    if (kind && n < sizeof num) {
        memcpy(num, v, n);
        num[n] = '\0';
        if (serial_date(c->x, num, kind, date, sizeof date) == 0)
            return put_cell(c, c->col, date, strlen(date), DVK_XLSX_DATE);
    }
    put_cell(c, c->col, v, n, DVK_XLSX_NUMBER);
}

static void sheet_start(void *ud, const char *name, const char **atts)
{
    sheetctx *c = ud;
    if (!c->in_data) {
        if (strcmp(name, "sheetData") == 0)
            c->in_data = 1;
        return;
    }
    if (strcmp(name, "row") == 0 && !c->in_row)
        row_begin(c, atts);
    else if (strcmp(name, "c") == 0 && c->in_row && !c->in_cell)
        cell_begin(c, atts);
    else if (strcmp(name, "v") == 0 && c->in_cell)
        c->in_v = c->has_v = 1;
    else if (strcmp(name, "rPh") == 0 && c->in_cell)
        c->in_rph = 1;
    else if (strcmp(name, "f") == 0 && c->in_cell)
        c->has_f = 1;
    else if (strcmp(name, "t") == 0 && c->in_cell && !c->in_rph)
        c->in_is_t = 1;
}

static void sheet_end(void *ud, const char *name)
{
    sheetctx *c = ud;
    if (!c->in_data)
        return;
    if (strcmp(name, "sheetData") == 0)
        c->in_data = 0;
    else if (strcmp(name, "row") == 0 && c->in_row)
        row_end(c);
    else if (strcmp(name, "c") == 0 && c->in_cell)
        cell_end(c);
    else if (strcmp(name, "v") == 0)
        c->in_v = 0;
    else if (strcmp(name, "rPh") == 0)
        c->in_rph = 0;
    else if (strcmp(name, "t") == 0)
        c->in_is_t = 0;
}

static void sheet_text(void *ud, const char *s, int n)
{
    sheetctx *c = ud;
    if (!c->in_cell || !(c->in_v || c->in_is_t))
        return;
    if (c->val.len + (size_t)n > DVK_XLSX_CELL_MAX) {
        char what[64];
        snprintf(what, sizeof what, "a value longer than %d bytes", DVK_XLSX_CELL_MAX);
        cell_fail(c, c->col, what);
        return;
    }
    if (dvk_buf_add(&c->val, s, (size_t)n))
        xml_fail(c->m, DVK_ENOMEM, "out of memory");
}

int dvk_xlsx_read(dvk_xlsx *x, size_t i, dvk_xlsx_row_fn fn, void *ud, dvk_error *err)
{
    if (i >= x->nsheets)
        return dvk_error_set(err, DVK_EUSAGE, "%s: no sheet %zu", x->name, i + 1);
    xsheet *sh = &x->sheets[i];
    int rc;
    /* pass 1, on the first read of the sheet: the merged ranges */
    if (!sh->scanned) {
        mscan ms = {.x = x, .sheet = sh->name};
        if (!(ms.buf = malloc(DVK_XLSX_CHUNK + sizeof ms.carry)))
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        rc = read_part(x, sh->part, x->lim.part_max, 0, mscan_chunk, &ms, err);
        free(ms.buf);
        if (rc) {
            free(ms.m);
            if (err && rc == DVK_EDATA && strstr(err->msg, "has no part"))
                dvk_error_set(err, DVK_EDATA, "%s: sheet '%s' has no part %s (a damaged file; save "
                              "it again as .xlsx)", x->name, sh->name, sh->part);
            return rc;
        }
        if (ms.n)
            qsort(ms.m, ms.n, sizeof *ms.m, cmp_merge);
        sh->merges = ms.m;
        sh->nmerges = ms.n;
        sh->scanned = 1;
    }
    /* pass 2: the rows */
    sheetctx *c = calloc(1, sizeof *c);
    if (!c)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    c->x = x;
    c->sheet = sh->name;
    c->fn = fn;
    c->ud = ud;
    c->merges = sh->merges;
    c->nmerges = sh->nmerges;
    if (c->nmerges && !(c->active = malloc(c->nmerges * sizeof *c->active))) {
        free(c);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    xml m = {.x = x, .ud = c, .start = sheet_start, .end = sheet_end, .text = sheet_text};
    c->m = &m;
    x->reporting = 1;
    rc = parse_part(&m, sh->part, x->lim.part_max, 0, err);
    x->reporting = 0;
    for (size_t k = 0; k < sh->nmerges; k++) {   /* the values belong to this read */
        free(sh->merges[k].val);
        sh->merges[k].val = NULL;
    }
    dvk_buf_free(&c->val);
    dvk_buf_free(&c->rowbuf);
    free(c->active);
    free(c);
    return rc;
}
