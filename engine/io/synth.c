/* synth.c: deterministic synthetic models CSV (see include/dvk/synth.h): word lists, the
 * built-in province "Tỉnh Giả Lập", and a splitmix64 generator. */
#include "dvk/synth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/csv.h"
#include "dvk/outfile.h"
#include "dvk/progress.h"

/* ---- the generator (splitmix64: tiny, fast, the same everywhere) -------------------- */

typedef struct rng {
    unsigned long long s;
} rng;

static unsigned long long next(rng *r)
{
    unsigned long long z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). The modulo bias is irrelevant at these sizes. */
static unsigned pick(rng *r, unsigned n) { return (unsigned)(next(r) % n); }
/* 1 with probability percent/100. */
static int chance(rng *r, unsigned percent) { return pick(r, 100) < percent; }

#define COUNT(a) ((unsigned)(sizeof(a) / sizeof((a)[0])))

/* ---- word lists ---------------------------------------------------------------------- */

/* What a model mobilises people to do ("Dân vận khéo trong ..."). */
static const char *const ACTIVITIES[] = {
    "vận động hiến đất làm đường giao thông nông thôn", "xây dựng nông thôn mới",
    "chuyển đổi số ở cơ sở", "cải cách hành chính", "giảm nghèo bền vững",
    "bảo vệ và phát triển rừng", "phòng, chống ma túy", "giữ gìn bản sắc văn hóa dân tộc",
    "phát triển du lịch cộng đồng", "vận động người nộp thuế kê khai trung thực",
    "tiếp công dân và giải quyết kiến nghị", "hòa giải ở cơ sở", "bảo vệ môi trường",
    "xây dựng gia đình văn hóa", "vận động đồng bào các tôn giáo", "bảo đảm an ninh trật tự",
    "chăm lo cho người cao tuổi", "hỗ trợ học sinh nghèo vượt khó", "phát triển kinh tế hộ",
    "xây dựng khu dân cư văn minh", "phòng, chống thiên tai", "vận động xóa nhà tạm",
    "chuyển đổi cơ cấu cây trồng", "xây dựng Đảng ở cơ sở", "thu gom, phân loại rác thải",
};

/* Names models carry (a slogan, usually quoted in the model's name). */
static const char *const SLOGANS[] = {
    "Hũ gạo tình thương", "Ngôi nhà nhân ái", "Thắp sáng đường quê", "Tuyến đường hoa",
    "Con nuôi đồn Biên phòng", "Nâng bước em tới trường", "Mái ấm công đoàn",
    "Dòng họ học tập", "Khu dân cư tự quản về an ninh trật tự", "Chợ không rác thải nhựa",
    "Ngày thứ Bảy tình nguyện", "Tổ liên gia an toàn", "Bữa cơm có thịt", "Cây mùa xuân",
    "Phụ nữ giúp nhau làm kinh tế", "Nông dân sản xuất giỏi", "Camera an ninh",
    "Cựu chiến binh gương mẫu", "Thanh niên lập nghiệp", "Nhà sạch, vườn đẹp",
};

/* Groups that run a model ("Tổ hợp tác ..."). */
static const char *const GROUPS[] = {
    "Tổ hợp tác", "Câu lạc bộ", "Tổ tự quản", "Nhóm hộ liên kết", "Tổ phụ nữ",
    "Chi hội nông dân", "Đội thanh niên tình nguyện", "Tổ hòa giải",
};

static const char *const CROPS[] = {
    "trồng chè an toàn", "nuôi ong lấy mật", "trồng cây ăn quả", "chăn nuôi bò vỗ béo",
    "trồng rau an toàn", "làm hương thủ công", "dệt thổ cẩm", "trồng quế hữu cơ",
};

static const char *const VILLAGES[] = {
    "thôn Nà Pài", "bản Cao", "thôn Khuổi Ha", "khu phố Mới", "thôn Đồng Tâm", "thôn Tân Lập",
    "bản Pò Đứa", "thôn Làng Mới", "tổ dân phố 3", "thôn Bình An", "bản Nà Làng", "xóm Chùa",
};

static const char *const RESULTS[] = {
    "đường bê tông dài hơn 2 km", "hàng trăm hộ thoát nghèo", "không còn tụ điểm ma túy",
    "tỷ lệ hộ gia đình văn hóa trên 90%", "thủ tục được giải quyết đúng hạn",
    "môi trường xanh, sạch, đẹp", "thu nhập của người dân tăng rõ", "an ninh trật tự ổn định",
};

/* Syllables for place names of the built-in province. */
static const char *const PLACE_A[] = {"Yên", "Phú", "Đồng", "Tân", "Hòa", "Bình",
                                      "Quảng", "Vĩnh", "Thạch", "Ngọc", "Kim", "Hải"};
static const char *const PLACE_B[] = {"Bình", "Lương", "Hưng", "An", "Thành", "Lạc",
                                      "Sơn", "Phong", "Lâm", "Hà", "Khánh", "Mỹ"};

static const struct {
    const char *id, *name;
} BUILTIN_FIELDS[] = {
    {"kinh-te", "Kinh tế"},
    {"van-hoa-xa-hoi", "Văn hóa – xã hội"},
    {"quoc-phong-an-ninh", "Quốc phòng – an ninh"},
    {"xay-dung-he-thong-chinh-tri", "Xây dựng hệ thống chính trị"},
};

static const struct {
    const char *code, *name, *kind;
} BUILTIN_AGENCIES[] = {
    {"cong-an", "Công an tỉnh", "agency"},
    {"quan-su", "Bộ Chỉ huy Quân sự tỉnh", "agency"},
    {"bien-phong", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "agency"},
    {"thue", "Cục Thuế tỉnh", "agency"},
    {"giao-duc", "Sở Giáo dục và Đào tạo", "agency"},
    {"tinh-doan", "Tỉnh đoàn", "mass-organisation"},
    {"hoi-phu-nu", "Hội Liên hiệp Phụ nữ tỉnh", "mass-organisation"},
    {"hoi-nong-dan", "Hội Nông dân tỉnh", "mass-organisation"},
    {"dang-uy-khoi", "Đảng ủy Khối các cơ quan tỉnh", "party-committee"},
};

#define BUILTIN_DISTRICTS 9
#define BUILTIN_COMMUNES 8   /* per district */

/* ---- units and fields ----------------------------------------------------------------- */

typedef struct sunit {
    char *code, *name, *kind, *province;
    int level_kind;             /* 0 commune, 1 district, 2 province-level body */
    int prov;                   /* index into the provinces' field lists */
} sunit;

typedef struct sprov {
    char *code;
    int nfields;
    char **fields;
    int nlevels;
    char **levels;              /* the province's levels, lowest first (dvk_synth_opts.levels) */
} sprov;

typedef struct world {
    sunit *units;
    int nunits, capunits;
    sprov *provs;
    int nprovs;
} world;

static void world_free(world *w)
{
    for (int i = 0; i < w->nunits; i++) {
        free(w->units[i].code);
        free(w->units[i].name);
        free(w->units[i].kind);
        free(w->units[i].province);
    }
    free(w->units);
    for (int i = 0; i < w->nprovs; i++) {
        for (int j = 0; j < w->provs[i].nfields; j++)
            free(w->provs[i].fields[j]);
        free(w->provs[i].fields);
        for (int j = 0; j < w->provs[i].nlevels; j++)
            free(w->provs[i].levels[j]);
        free(w->provs[i].levels);
        free(w->provs[i].code);
    }
    free(w->provs);
}

static int add_unit(world *w, const char *code, const char *name, const char *kind,
                    const char *province, int prov)
{
    if (w->nunits == w->capunits) {
        int cap = w->capunits ? w->capunits * 2 : 64;
        sunit *u = realloc(w->units, (size_t)cap * sizeof *u);
        if (!u)
            return -1;
        w->units = u;
        w->capunits = cap;
    }
    sunit *u = &w->units[w->nunits];
    u->code = strdup(code);
    u->name = strdup(name);
    u->kind = strdup(kind);
    u->province = strdup(province);
    u->prov = prov;
    u->level_kind = strcmp(kind, "commune") == 0 ? 0 : strcmp(kind, "district") == 0 ? 1 : 2;
    w->nunits++;
    return u->code && u->name && u->kind && u->province ? 0 : -1;
}

/* The built-in province: 9 districts of 8 communes each and 9 provincial bodies; the
 * districts end on 2025-06-30 (the district level ended on 1 July 2025), so they register
 * models only for years up to 2025. Writes the units CSV to units when not NULL. */
static int builtin_world(world *w, FILE *units, int year, dvk_error *err)
{
    w->provs = calloc(1, sizeof *w->provs);
    if (!w->provs)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    w->nprovs = 1;
    sprov *p = &w->provs[0];
    p->code = strdup(DVK_SYNTH_PROVINCE);
    p->fields = calloc(COUNT(BUILTIN_FIELDS), sizeof *p->fields);
    if (!p->code || !p->fields)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    for (unsigned i = 0; i < COUNT(BUILTIN_FIELDS); i++)
        if (!(p->fields[p->nfields++] = strdup(BUILTIN_FIELDS[i].id)))
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (units)
        fprintf(units, "code,name,kind,parent,valid_from,valid_to,successor\r\n%s,Tỉnh Giả Lập,province,,,,\r\n",
                DVK_SYNTH_PROVINCE);
    char code[96], name[160], parent[96];
    rng r = {20230101};
    for (unsigned i = 0; i < COUNT(BUILTIN_AGENCIES); i++) {
        snprintf(code, sizeof code, "%s.%s", DVK_SYNTH_PROVINCE, BUILTIN_AGENCIES[i].code);
        if (add_unit(w, code, BUILTIN_AGENCIES[i].name, BUILTIN_AGENCIES[i].kind, DVK_SYNTH_PROVINCE, 0))
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        if (units)
            fprintf(units, "%s,%s,%s,%s,,,\r\n", code, BUILTIN_AGENCIES[i].name,
                    BUILTIN_AGENCIES[i].kind, DVK_SYNTH_PROVINCE);
    }
    for (int d = 1; d <= BUILTIN_DISTRICTS; d++) {
        snprintf(parent, sizeof parent, "%s.h%02d", DVK_SYNTH_PROVINCE, d);
        snprintf(name, sizeof name, "%s %s %s", d == 1 ? "Thành phố" : "Huyện",
                 PLACE_A[(d * 5) % COUNT(PLACE_A)], PLACE_B[(d * 7) % COUNT(PLACE_B)]);
        if (year <= 2025 && add_unit(w, parent, name, "district", DVK_SYNTH_PROVINCE, 0))
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        if (units)
            fprintf(units, "%s,%s,district,%s,,2025-06-30,\r\n", parent, name, DVK_SYNTH_PROVINCE);
        for (int c = 1; c <= BUILTIN_COMMUNES; c++) {
            snprintf(code, sizeof code, "%s.x%02d", parent, c);
            const char *kind = c == 1 ? (d == 1 ? "Phường" : "Thị trấn") : "Xã";
            snprintf(name, sizeof name, "%s %s %s", kind, PLACE_A[pick(&r, COUNT(PLACE_A))],
                     PLACE_B[pick(&r, COUNT(PLACE_B))]);
            if (add_unit(w, code, name, "commune", DVK_SYNTH_PROVINCE, 0))
                return dvk_error_set(err, DVK_ENOMEM, "out of memory");
            if (units)
                fprintf(units, "%s,%s,commune,%s,,,\r\n", code, name, parent);
        }
    }
    return DVK_OK;
}

/* Units of the database valid during the year whose province declares fields. */
static int db_world(world *w, dvk_store *s, const char *province, int year, dvk_error *err)
{
    int rc = DVK_OK, step;
    sqlite3_stmt *st = dvk_store_prepare(s,
        "SELECT province, id FROM fields WHERE (?1 IS NULL OR province=?1) ORDER BY province, id", err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *pc = (const char *)sqlite3_column_text(st, 0);
        const char *id = (const char *)sqlite3_column_text(st, 1);
        if (!w->nprovs || strcmp(w->provs[w->nprovs - 1].code, pc) != 0) {
            sprov *p = realloc(w->provs, (size_t)(w->nprovs + 1) * sizeof *p);
            if (!p)
                goto nomem;
            w->provs = p;
            memset(&p[w->nprovs], 0, sizeof *p);
            if (!(p[w->nprovs].code = strdup(pc)))
                goto nomem;
            w->nprovs++;
        }
        sprov *p = &w->provs[w->nprovs - 1];
        char **f = realloc(p->fields, (size_t)(p->nfields + 1) * sizeof *f);
        if (!f)
            goto nomem;
        p->fields = f;
        if (!(p->fields[p->nfields] = strdup(id)))
            goto nomem;
        p->nfields++;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return dvk_store_fail(s, step, err, "reading fields");
    st = dvk_store_prepare(s,
        "SELECT code, name, kind, province FROM units WHERE kind <> 'province'"
        " AND (?1 IS NULL OR province=?1) AND (valid_from IS NULL OR valid_from <= ?2)"
        " AND (valid_to IS NULL OR valid_to >= ?3) ORDER BY code", err);
    if (!st)
        return err->code;
    char jan1[16], dec31[16];
    snprintf(jan1, sizeof jan1, "%04d-01-01", year);
    snprintf(dec31, sizeof dec31, "%04d-12-31", year);
    sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dec31, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, jan1, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *pc = (const char *)sqlite3_column_text(st, 3);
        int prov = -1;
        for (int i = 0; i < w->nprovs; i++)
            if (strcmp(w->provs[i].code, pc) == 0)
                prov = i;
        if (prov < 0)
            continue;
        if (add_unit(w, (const char *)sqlite3_column_text(st, 0),
                     (const char *)sqlite3_column_text(st, 1),
                     (const char *)sqlite3_column_text(st, 2), pc, prov))
            goto nomem;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return dvk_store_fail(s, step, err, "reading units");
    if (w->nunits == 0)
        rc = dvk_error_set(err, DVK_EDATA,
                           "%s: no units valid in %d%s%s whose province declares fields (import "
                           "units and run `dvk init`, or use the built-in province)",
                           dvk_store_path(s), year, province ? " in province " : "",
                           province ? province : "");
    return rc;
nomem:
    sqlite3_finalize(st);
    return dvk_error_set(err, DVK_ENOMEM, "out of memory");
}

/* ---- rows ------------------------------------------------------------------------------ */

/* "Xã Tân Thành" -> "xã Tân Thành" inside a sentence (only the usual unit words). */
static void place_of(const char *name, char *out, size_t n)
{
    static const char *const words[] = {"Xã ", "Phường ", "Thị trấn ", "Huyện ", "Thành phố ",
                                        "Thị xã ", "Quận "};
    for (unsigned i = 0; i < COUNT(words); i++) {
        size_t k = strlen(words[i]);
        if (strncmp(name, words[i], k) == 0) {
            /* every first letter here is ASCII except none: lower it byte-wise */
            snprintf(out, n, "%c%s", name[0] + ('a' - 'A'), name + 1);
            return;
        }
    }
    snprintf(out, n, "%s", name);
}

static int days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* One cell, after a comma unless first. */
static void put(dvk_buf *b, const char *s, int first)
{
    if (!first)
        dvk_buf_addc(b, ',');
    dvk_csv_cell(b, s, strlen(s), 0);
}

static void put_num(dvk_buf *b, long long v, int present)
{
    if (present)
        dvk_buf_printf(b, ",%lld", v);
    else
        dvk_buf_addc(b, ',');
}

/* Level i of the province's levels (lowest first), the top one when it has fewer. */
static const char *level_at(const sprov *p, int i) { return p->levels[i < p->nlevels ? i : p->nlevels - 1]; }

/* Row n, built in b (emptied first) and written with one fwrite. */
static int write_row(FILE *f, dvk_buf *b, rng *r, const world *w, const dvk_synth_opts *o, long long n)
{
    const sunit *u = &w->units[pick(r, (unsigned)w->nunits)];
    const sprov *p = &w->provs[u->prov];
    char code[64], name[512], place[200], address[300], desc[600], date[16];
    snprintf(code, sizeof code, "S%llu-%07lld", o->seed, n);
    place_of(u->name, place, sizeof place);
    const char *activity = ACTIVITIES[pick(r, COUNT(ACTIVITIES))];
    switch (pick(r, 5)) {
    case 0:
    case 1:
        snprintf(name, sizeof name, "Dân vận khéo trong %s%s%s", activity,
                 u->level_kind == 2 ? "" : " ở ", u->level_kind == 2 ? "" : place);
        break;
    case 2:
        snprintf(name, sizeof name, "Mô hình \"%s\"%s%s", SLOGANS[pick(r, COUNT(SLOGANS))],
                 u->level_kind == 2 ? "" : " ", u->level_kind == 2 ? "" : place);
        break;
    case 3:
        snprintf(name, sizeof name, "%s", SLOGANS[pick(r, COUNT(SLOGANS))]);
        break;
    default:
        snprintf(name, sizeof name, "%s %s %s", GROUPS[pick(r, COUNT(GROUPS))],
                 CROPS[pick(r, COUNT(CROPS))], VILLAGES[pick(r, COUNT(VILLAGES))]);
        break;
    }
    snprintf(address, sizeof address, "%s, %s", VILLAGES[pick(r, COUNT(VILLAGES))], place);
    long long households = 20 + pick(r, 480);
    snprintf(desc, sizeof desc, "Vận động %lld hộ tham gia %s; kết quả: %s.", households, activity,
             RESULTS[pick(r, COUNT(RESULTS))]);
    int year = o->year;
    int from = days_from_civil(year - 5, 1, 1), to = days_from_civil(year, 9, 30);
    int y, m, d;
    civil_from_days(from + (int)pick(r, (unsigned)(to - from + 1)), &y, &m, &d);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    unsigned k = pick(r, 100);
    const char *kind = k < 65 ? "tap-the" : k < 95 ? "ca-nhan" : "ho-gia-dinh";
    const char *category = chance(r, 85) ? "mo-hinh" : "dien-hinh";
    /* communes register at the lowest level; districts mostly at the next; province-level
     * bodies mostly at the top */
    const char *level = u->level_kind == 0 ? level_at(p, 0)
                      : u->level_kind == 1 ? level_at(p, chance(r, 70) ? 1 : 0)
                                           : (chance(r, 60) ? level_at(p, p->nlevels - 1) : level_at(p, 0));
    const char *registration = chance(r, 60) ? "moi" : "tiep-tuc";
    const char *field = p->fields[pick(r, (unsigned)p->nfields)];
    char yearbuf[8];
    snprintf(yearbuf, sizeof yearbuf, "%d", year);
    dvk_buf_reset(b);
    put(b, code, 1);
    put(b, name, 0);
    put(b, u->code, 0);
    put(b, kind, 0);
    put(b, category, 0);
    put(b, field, 0);
    put(b, level, 0);
    put(b, yearbuf, 0);
    put(b, registration, 0);
    put(b, date, 0);
    put(b, address, 0);
    put(b, desc, 0);
    put(b, "1", 0);
    /* metrics: funds_vnd, workdays, houses, participants, beneficiaries (empty = unknown);
     * the calls keep the argument expressions they always had, so the draws come in the
     * same order and the output keeps its bytes */
    put_num(b, (long long)pick(r, 3000) * 1000000LL, chance(r, 90));
    put_num(b, pick(r, 5000), chance(r, 90));
    put_num(b, pick(r, 40), chance(r, 40));
    put_num(b, 10 + pick(r, 4990), 1);
    put_num(b, households * (1 + pick(r, 5)), chance(r, 70));
    dvk_buf_add(b, "\r\n", 2);
    return !b->oom && fwrite(b->p, 1, b->len, f) == b->len ? 0 : -1;
}

static const char MODELS_HEADER[] =
    "code,name,unit,kind,category,field,level,year,registration,started_on,address,"
    "description,synthetic,funds_vnd,workdays,houses,participants,beneficiaries\r\n";

int dvk_synth_models(const dvk_synth_opts *o, const char *path, const char *units_path,
                     const char *fields_path, dvk_error *err)
{
    world w;
    memset(&w, 0, sizeof w);
    dvk_outfile out = {0}, uout = {0}, fout = {0};
    dvk_synth_opts opts = *o;
    int rc = DVK_OK;
    if (opts.year == 0)
        opts.year = 2023;
    if (o->store && (units_path || fields_path))
        return dvk_error_set(err, DVK_EUSAGE,
                             "the units and fields files are written only for the built-in province");
    /* never over the database the units come from */
    const dvk_outfile_keep keep = {.db = o->store ? dvk_store_path(o->store) : NULL};
    if (units_path && (rc = dvk_outfile_open(&uout, units_path, &keep, 0, err)))
        goto done;
    if (fields_path && (rc = dvk_outfile_open(&fout, fields_path, &keep, 0, err)))
        goto done;
    if (!o->levels) {
        rc = dvk_error_set(err, DVK_EUSAGE, "synthetic models need the provinces' levels "
                           "(dvk_synth_opts.levels)");
        goto done;
    }
    rc = o->store ? db_world(&w, o->store, o->province, opts.year, err)
                  : builtin_world(&w, uout.f, opts.year, err);
    for (int i = 0; i < w.nprovs && !rc; i++) {
        sprov *p = &w.provs[i];
        if (!(rc = o->levels(o->levels_ud, p->code, &p->levels, &p->nlevels, err)) && p->nlevels == 0)
            rc = dvk_error_set(err, DVK_EDATA, "province %s declares no levels", p->code);
    }
    if (rc)
        goto done;
    if (fout.f) {
        fputs("province,id,name\r\n", fout.f);
        for (unsigned i = 0; i < COUNT(BUILTIN_FIELDS); i++)
            fprintf(fout.f, "%s,%s,%s\r\n", DVK_SYNTH_PROVINCE, BUILTIN_FIELDS[i].id,
                    BUILTIN_FIELDS[i].name);
    }
    if ((rc = dvk_outfile_open(&out, path, &keep, 0, err)))
        goto done;
    static char iobuf[1 << 16];
    if (out.path)
        setvbuf(out.f, iobuf, _IOFBF, sizeof iobuf);
    rng r = {opts.seed * 0x2545F4914F6CDD1DULL + 1};
    dvk_progress *bar = dvk_progress_start("synthetic models", opts.models);
    dvk_buf row = DVK_BUF_INIT;
    int bad = fputs(MODELS_HEADER, out.f) == EOF;
    for (long long n = 1; n <= opts.models && !bad; n++) {
        bad = write_row(out.f, &row, &r, &w, &opts, n);
        if ((n & 1023) == 0)
            dvk_progress_update(bar, n);
    }
    dvk_progress_finish(bar);
    dvk_buf_free(&row);
    if (bad)
        rc = dvk_error_set(err, DVK_EIO, "%s: write error", path ? path : "standard output");
done:
    {
        int c1 = dvk_outfile_close(&out, rc == DVK_OK, rc ? NULL : err);
        if (!rc)
            rc = c1;
        int c2 = dvk_outfile_close(&uout, rc == DVK_OK, rc ? NULL : err);
        if (!rc)
            rc = c2;
        int c3 = dvk_outfile_close(&fout, rc == DVK_OK, rc ? NULL : err);
        if (!rc)
            rc = c3;
    }
    world_free(&w);
    return rc;
}
