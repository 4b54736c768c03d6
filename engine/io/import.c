/* import.c: strict streaming import of units, models and appraisals with row-by-row
 * validation (see include/dvk/import.h for the rules). */
#include "dvk/import.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dvk/buf.h"
#include "dvk/csv.h"
#include "dvk/fault.h"
#include "dvk/format.h"
#include "dvk/json.h"
#include "dvk/outfile.h"
#include "dvk/progress.h"
#include "dvk/text.h"
#include "dvk/units.h"
#include "dvk/xlsx.h"

/* ======================================================================================
 * Import: columns, header aliases and value checks
 * ==================================================================================== */

enum {
    T_UNITS = 1 << DVK_IMPORT_UNITS,
    T_MODELS = 1 << DVK_IMPORT_MODELS,
    T_APPR = 1 << DVK_IMPORT_APPRAISALS,
    T_MEMBERS = 1 << DVK_IMPORT_APPRAISERS
};

enum col {
    C_CODE, C_NAME, C_UNIT, C_KIND, C_CATEGORY, C_FIELD, C_LEVEL, C_YEAR, C_REGISTRATION,
    C_STARTED_ON, C_ADDRESS, C_DESCRIPTION, C_SYNTHETIC, C_PARENT, C_VALID_FROM, C_VALID_TO,
    C_SUCCESSOR, C_MODEL, C_CRITERION, C_APPRAISER, C_SCORE, C_NOTE,
    /* models: the items of a registration dossier, written into description (import.h) */
    C_D_SITUATION, C_D_GOALS, C_D_METHOD, C_D_SCOPE, C_D_FORCES, C_D_RESOURCES, C_D_TIMING,
    C_D_OUTPUTS, C_D_SUSTAINABILITY,
    C_ROW_NUMBER,   /* "STT": the row's number in the office's list, read and not stored */
    C_ORIGIN, C_ROLE, C_PROVINCE, C_MODEL_NAME, C_CRITERION_NAME, C_MAX,
    C_COUNT
};

/* The known columns: English id (the export's header), the tables that have it, and the
 * tables where it is required. */
static const struct colspec {
    const char *name;
    unsigned tables, required;
} COLS[C_COUNT] = {
    [C_CODE] = {"code", T_UNITS | T_MODELS | T_MEMBERS, T_UNITS | T_MODELS | T_MEMBERS},
    [C_NAME] = {"name", T_UNITS | T_MODELS | T_MEMBERS, T_UNITS | T_MODELS | T_MEMBERS},
    [C_UNIT] = {"unit", T_MODELS | T_MEMBERS, T_MODELS},
    [C_KIND] = {"kind", T_UNITS | T_MODELS, T_UNITS | T_MODELS},
    [C_CATEGORY] = {"category", T_MODELS, T_MODELS},
    [C_FIELD] = {"field", T_MODELS, T_MODELS},
    [C_LEVEL] = {"level", T_MODELS | T_APPR | T_MEMBERS, T_MODELS},
    [C_YEAR] = {"year", T_MODELS, T_MODELS},
    [C_REGISTRATION] = {"registration", T_MODELS, T_MODELS},
    [C_STARTED_ON] = {"started_on", T_MODELS, 0},
    [C_ADDRESS] = {"address", T_MODELS, 0},
    [C_DESCRIPTION] = {"description", T_MODELS, 0},
    [C_SYNTHETIC] = {"synthetic", T_MODELS, 0},
    [C_PARENT] = {"parent", T_UNITS, 0},
    [C_VALID_FROM] = {"valid_from", T_UNITS, 0},
    [C_VALID_TO] = {"valid_to", T_UNITS, 0},
    [C_SUCCESSOR] = {"successor", T_UNITS, 0},
    [C_MODEL] = {"model", T_APPR, T_APPR},
    [C_CRITERION] = {"criterion", T_APPR, T_APPR},
    [C_APPRAISER] = {"appraiser", T_APPR, T_APPR},
    [C_SCORE] = {"score", T_APPR, T_APPR},
    [C_NOTE] = {"note", T_APPR, 0},
    [C_D_SITUATION] = {"dossier_situation", T_MODELS, 0},
    [C_D_GOALS] = {"dossier_goals", T_MODELS, 0},
    [C_D_METHOD] = {"dossier_method", T_MODELS, 0},
    [C_D_SCOPE] = {"dossier_scope", T_MODELS, 0},
    [C_D_FORCES] = {"dossier_forces", T_MODELS, 0},
    [C_D_RESOURCES] = {"dossier_resources", T_MODELS, 0},
    [C_D_TIMING] = {"dossier_timing", T_MODELS, 0},
    [C_D_OUTPUTS] = {"dossier_outputs", T_MODELS, 0},
    [C_D_SUSTAINABILITY] = {"dossier_sustainability", T_MODELS, 0},
    [C_ROW_NUMBER] = {"stt", T_UNITS | T_MODELS | T_APPR, 0},
    [C_ORIGIN] = {"origin", T_APPR, 0},
    [C_ROLE] = {"role", T_MEMBERS, 0},
    [C_PROVINCE] = {"province", T_MEMBERS, 0},
    /* read and ignored: the informational columns of a score sheet (dvk sheets) */
    [C_MODEL_NAME] = {"model_name", T_APPR, 0},
    [C_CRITERION_NAME] = {"criterion_name", T_APPR, 0},
    [C_MAX] = {"max", T_APPR, 0},
};

/* The dossier items' headings, as models.description holds them ("Heading: text" a line,
 * after the description and a blank line) and as the template's headers write them. */
const char *const dvk_import_dossier[DVK_IMPORT_DOSSIER_ITEMS][2] = {
    {"dossier_situation", "Thực trạng và sự cần thiết"},
    {"dossier_goals", "Mục tiêu và chỉ tiêu"},
    {"dossier_method", "Nội dung và cách làm"},
    {"dossier_scope", "Phạm vi và đối tượng thụ hưởng"},
    {"dossier_forces", "Lực lượng tham gia và vai trò"},
    {"dossier_resources", "Nguồn lực"},
    {"dossier_timing", "Thời gian thực hiện"},
    {"dossier_outputs", "Kết quả dự kiến"},
    {"dossier_sustainability", "Tính bền vững và khả năng nhân rộng"},
};

/* Header aliases, as search keys (dvk_text_key, then '_' and '-' read as spaces): a header
 * matches when its key equals one of these. The English ids match too. Documented in
 * `dvk import --help`:
 *   code: mã, mã số (models: mã mô hình; units: mã đơn vị)   name: tên (tên mô hình, tên đơn vị)
 *   unit: đơn vị, mã đơn vị       kind: loại, loại hình, đối tượng (units: loại đơn vị)
 *   category: phân loại           field: lĩnh vực           level: cấp, cấp công nhận
 *   year: năm                     registration: đăng ký, hình thức đăng ký
 *   started_on: ngày bắt đầu, bắt đầu    address: địa chỉ    description: mô tả, nội dung
 *   synthetic: giả lập, dữ liệu giả lập
 *   parent: cấp trên, đơn vị cấp trên, trực thuộc   valid_from: hiệu lực từ, từ ngày
 *   valid_to: hiệu lực đến, đến ngày   successor: kế thừa, đơn vị kế thừa, sáp nhập vào
 *   model: mô hình, mã mô hình    criterion: tiêu chí    appraiser: người chấm, thành viên
 *   score: điểm                   note: ghi chú             origin: nguồn, phiếu chấm
 *   model_name: tên mô hình; criterion_name: tên tiêu chí; max: điểm tối đa (appraisals:
 *   read and ignored, the informational columns of a score sheet)
 *   appraisers: code: mã thành viên; name: họ tên, họ và tên; unit: đơn vị công tác;
 *   role: chức vụ, vai trò; province: tỉnh */
static const struct alias {
    unsigned tables;
    const char *key;
    enum col col;
} ALIASES[] = {
    {T_UNITS | T_MODELS, "ma", C_CODE},
    {T_UNITS | T_MODELS, "ma so", C_CODE},
    {T_MODELS, "ma mo hinh", C_CODE},
    {T_UNITS, "ma don vi", C_CODE},
    {T_UNITS | T_MODELS, "ten", C_NAME},
    {T_MODELS, "ten mo hinh", C_NAME},
    {T_UNITS, "ten don vi", C_NAME},
    {T_MODELS, "don vi", C_UNIT},
    {T_MODELS, "ma don vi", C_UNIT},
    {T_UNITS | T_MODELS, "loai", C_KIND},
    {T_MODELS, "loai hinh", C_KIND},
    {T_MODELS, "doi tuong", C_KIND},
    {T_UNITS, "loai don vi", C_KIND},
    {T_MODELS, "phan loai", C_CATEGORY},
    {T_MODELS, "linh vuc", C_FIELD},
    {T_MODELS, "cap", C_LEVEL},
    {T_MODELS, "cap cong nhan", C_LEVEL},
    {T_MODELS, "nam", C_YEAR},
    {T_MODELS, "dang ky", C_REGISTRATION},
    {T_MODELS, "hinh thuc dang ky", C_REGISTRATION},
    {T_MODELS, "ngay bat dau", C_STARTED_ON},
    {T_MODELS, "bat dau", C_STARTED_ON},
    {T_MODELS, "dia chi", C_ADDRESS},
    {T_MODELS, "mo ta", C_DESCRIPTION},
    {T_MODELS, "noi dung", C_DESCRIPTION},
    {T_MODELS, "gia lap", C_SYNTHETIC},
    {T_MODELS, "du lieu gia lap", C_SYNTHETIC},
    {T_UNITS, "cap tren", C_PARENT},
    {T_UNITS, "don vi cap tren", C_PARENT},
    {T_UNITS, "truc thuoc", C_PARENT},
    {T_UNITS, "hieu luc tu", C_VALID_FROM},
    {T_UNITS, "tu ngay", C_VALID_FROM},
    {T_UNITS, "hieu luc den", C_VALID_TO},
    {T_UNITS, "den ngay", C_VALID_TO},
    {T_UNITS, "ke thua", C_SUCCESSOR},
    {T_UNITS, "don vi ke thua", C_SUCCESSOR},
    {T_UNITS, "sap nhap vao", C_SUCCESSOR},
    {T_APPR, "mo hinh", C_MODEL},
    {T_APPR, "ma mo hinh", C_MODEL},
    {T_APPR, "tieu chi", C_CRITERION},
    {T_APPR, "nguoi cham", C_APPRAISER},
    {T_APPR, "thanh vien", C_APPRAISER},
    {T_APPR, "diem", C_SCORE},
    {T_APPR, "ghi chu", C_NOTE},
    {T_MODELS, "thuc trang va su can thiet", C_D_SITUATION},
    {T_MODELS, "muc tieu va chi tieu", C_D_GOALS},
    {T_MODELS, "noi dung va cach lam", C_D_METHOD},
    {T_MODELS, "pham vi va doi tuong thu huong", C_D_SCOPE},
    {T_MODELS, "luc luong tham gia va vai tro", C_D_FORCES},
    {T_MODELS, "nguon luc", C_D_RESOURCES},
    {T_MODELS, "thoi gian thuc hien", C_D_TIMING},
    {T_MODELS, "ket qua du kien", C_D_OUTPUTS},
    {T_MODELS, "tinh ben vung va kha nang nhan rong", C_D_SUSTAINABILITY},
    {T_UNITS | T_MODELS | T_APPR, "tt", C_ROW_NUMBER},
    {T_UNITS | T_MODELS | T_APPR, "so tt", C_ROW_NUMBER},
    {T_UNITS | T_MODELS | T_APPR, "so thu tu", C_ROW_NUMBER},
    {T_APPR, "cap", C_LEVEL},
    {T_APPR, "nguon", C_ORIGIN},
    {T_APPR, "phieu cham", C_ORIGIN},
    {T_MEMBERS, "ma", C_CODE},
    {T_MEMBERS, "ma thanh vien", C_CODE},
    {T_MEMBERS, "ten", C_NAME},
    {T_MEMBERS, "ho ten", C_NAME},
    {T_MEMBERS, "ho va ten", C_NAME},
    {T_MEMBERS, "don vi", C_UNIT},
    {T_MEMBERS, "don vi cong tac", C_UNIT},
    {T_MEMBERS, "chuc vu", C_ROLE},
    {T_MEMBERS, "vai tro", C_ROLE},
    {T_MEMBERS, "tinh", C_PROVINCE},
    {T_MEMBERS, "cap", C_LEVEL},
    {T_MEMBERS, "levels", C_LEVEL},
    {T_MEMBERS, "cap hoi dong", C_LEVEL},
    {T_APPR, "ten mo hinh", C_MODEL_NAME},
    {T_APPR, "ten tieu chi", C_CRITERION_NAME},
    {T_APPR, "diem toi da", C_MAX},
};

/* Enumerations: the stored ids, then extra aliases (as keys). A value matches an id exactly,
 * or when its key with spaces read as '-' equals the id ("Tập thể" -> tap-the), or an
 * alias. */
typedef struct enumdef {
    const char *what;
    const char *const *ids;
    const char *const *aliases;   /* pairs: key, id; NULL-terminated */
} enumdef;

static const char *const KIND_IDS[] = {"tap-the", "ca-nhan", "ho-gia-dinh", NULL};
static const char *const KIND_AL[] = {"ho", "ho-gia-dinh", "collective", "tap-the",
                                      "individual", "ca-nhan", "household", "ho-gia-dinh", NULL};
static const char *const CATEGORY_IDS[] = {"mo-hinh", "dien-hinh", NULL};
static const char *const CATEGORY_AL[] = {"model", "mo-hinh", "exemplar", "dien-hinh", NULL};
static const char *const REG_IDS[] = {"moi", "tiep-tuc", NULL};
static const char *const REG_AL[] = {"xay moi", "moi", "dang ky moi", "moi", "new", "moi",
                                     "tiep tuc thuc hien", "tiep-tuc", "continuing", "tiep-tuc",
                                     NULL};
static const char *const UKIND_IDS[] = {"province", "district", "commune", "party-committee",
                                        "agency", "mass-organisation", NULL};
static const char *const UKIND_AL[] = {
    "tinh", "province", "huyen", "district", "quan", "district", "thi xa", "district",
    "xa", "commune", "phuong", "commune", "thi tran", "commune", "dang uy", "party-committee",
    "dang bo", "party-committee", "co quan", "agency", "doan the", "mass-organisation",
    "to chuc chinh tri xa hoi", "mass-organisation", NULL};

static const enumdef E_KIND = {"tap-the, ca-nhan or ho-gia-dinh", KIND_IDS, KIND_AL};
static const enumdef E_CATEGORY = {"mo-hinh or dien-hinh", CATEGORY_IDS, CATEGORY_AL};
static const enumdef E_REG = {"moi or tiep-tuc", REG_IDS, REG_AL};
static const enumdef E_UKIND = {"province, district, commune, party-committee, agency or "
                                "mass-organisation", UKIND_IDS, UKIND_AL};

/* The id v stands for, or NULL. */
static const char *enum_match(const enumdef *e, const char *v, size_t n)
{
    for (int i = 0; e->ids[i]; i++)
        if (strlen(e->ids[i]) == n && memcmp(e->ids[i], v, n) == 0)
            return e->ids[i];
    char *key = dvk_text_key(v, n);
    if (!key)
        return NULL;
    const char *found = NULL;
    for (int i = 0; e->aliases[i] && !found; i += 2)
        if (strcmp(e->aliases[i], key) == 0)
            found = e->aliases[i + 1];
    for (char *p = key; *p; p++)
        if (*p == ' ')
            *p = '-';
    for (int i = 0; e->ids[i] && !found; i++)
        if (strcmp(e->ids[i], key) == 0)
            found = e->ids[i];
    free(key);
    return found;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int date_ok(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= days[m - 1] + (m == 2 && is_leap(y));
}

/* out = "YYYY-MM-DD" (0 <= y <= 9999; m, d two digits), as snprintf's "%04d-%02d-%02d"
 * writes it: called for every row, where snprintf's cost showed. */
static void format_ymd(char out[11], int y, int m, int d)
{
    static const char digits[] = "0123456789";
    out[0] = digits[y / 1000 % 10];
    out[1] = digits[y / 100 % 10];
    out[2] = digits[y / 10 % 10];
    out[3] = digits[y % 10];
    out[4] = '-';
    out[5] = digits[m / 10 % 10];
    out[6] = digits[m % 10];
    out[7] = '-';
    out[8] = digits[d / 10 % 10];
    out[9] = digits[d % 10];
    out[10] = '\0';
}

/* An ISO date (YYYY-MM-DD) or a Vietnamese one (D/M/YYYY), written into out as ISO. */
static int parse_date(const char *s, size_t n, char out[11])
{
    int y = 0, m = 0, d = 0;
    unsigned k = 0;
    if (n == 10 && s[4] == '-' && s[7] == '-') {
        for (int i = 0; i < 10; i++)
            if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
                return -1;
        y = atoi(s);
        m = atoi(s + 5);
        d = atoi(s + 8);
    } else {
        /* D/M/YYYY with one or two digit day and month. */
        int part[3] = {0, 0, 0}, digits[3] = {0, 0, 0};
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '/') {
                if (++k > 2)
                    return -1;
            } else if (s[i] >= '0' && s[i] <= '9') {
                part[k] = part[k] * 10 + (s[i] - '0');
                if (++digits[k] > 4)
                    return -1;
            } else {
                return -1;
            }
        }
        if (k != 2 || digits[0] < 1 || digits[0] > 2 || digits[1] < 1 || digits[1] > 2 ||
            digits[2] != 4)
            return -1;
        d = part[0];
        m = part[1];
        y = part[2];
    }
    if (!date_ok(y, m, d))
        return -1;
    format_ymd(out, y, m, d);
    return 0;
}

/* A decimal number: [+-]digits[.digits][e[+-]digits] (no hex, inf or nan). */
/* The one rule for numbers in CSV (import.h, `dvk import --help`, docs): plain numbers
 * ("1020000000", "2.5", "1e6") and Vietnamese ones ("1.020.000.000", "2,5", "1.020,5") are
 * read as meant. A value that reads two ways is refused: one dot followed by exactly three
 * digits ("1.149": 1149 or 1.149?) or one comma followed by exactly three digits ("1,149"),
 * unless the office says once how its files write numbers (DVK_NUMBERS_VI: a dot groups
 * thousands, a comma is the decimal mark; DVK_NUMBERS_PLAIN: a dot is the decimal mark,
 * no commas). Returns 0 (*out set), -1 not a number, -2 ambiguous. */
static int parse_number(const char *s, size_t n, int format, double *out)
{
    char buf[128];
    size_t i = 0, o = 0, dots = 0, commas = 0, exp = 0;
    if (n >= sizeof buf)
        return -1;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        buf[o++] = s[i++];
    size_t lead = 0;   /* digits before the first '.' or ',' */
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, lead++;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '.') dots++;
        else if (s[k] == ',') commas++;
        else if (s[k] == 'e' || s[k] == 'E') exp++;
    }
    int vi;   /* 1: dots group, a comma is the decimal mark; 0: a dot is the decimal mark */
    if (format == DVK_NUMBERS_VI)
        vi = !exp;
    else if (format == DVK_NUMBERS_PLAIN || exp)
        vi = 0;
    else if (commas)
        vi = 1;
    else
        vi = dots >= 2;
    if (!vi && commas)
        return -1;
    if (vi) {
        /* groups of three after the first group of one to three digits, then ",decimals" */
        if (lead == 0 || commas > 1 || (dots && lead > 3))
            return -1;
        memcpy(buf + o, s + (i - lead), lead);
        o += lead;
        while (i < n && s[i] == '.') {
            size_t g = 0;
            i++;
            while (i < n && s[i] >= '0' && s[i] <= '9' && g < 4)
                buf[o++] = s[i++], g++;
            if (g != 3)
                return -1;
        }
        if (i < n && s[i] == ',') {
            size_t d = 0;
            buf[o++] = '.';
            i++;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                buf[o++] = s[i++], d++;
            if (!d)
                return -1;
            if (format == DVK_NUMBERS_AUTO && d == 3 && !dots && lead <= 3)
                return -2;   /* "1,149": a decimal comma, or a comma grouping thousands? */
        }
        if (i != n)
            return -1;
    } else {
        size_t digits = lead;
        memcpy(buf + o, s + (i - lead), lead);
        o += lead;
        if (i < n && s[i] == '.') {
            size_t d = 0;
            buf[o++] = s[i++];
            while (i < n && s[i] >= '0' && s[i] <= '9')
                buf[o++] = s[i++], d++;
            digits += d;
            if (format == DVK_NUMBERS_AUTO && d == 3 && lead >= 1 && lead <= 3 && !exp)
                return -2;   /* "1.149": grouping, or a decimal point? */
        }
        if (!digits)
            return -1;
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
            buf[o++] = s[i++];
            if (i < n && (s[i] == '+' || s[i] == '-'))
                buf[o++] = s[i++];
            size_t e = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                buf[o++] = s[i++], e++;
            if (!e)
                return -1;
        }
        if (i != n)
            return -1;
    }
    buf[o] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* How the cell of column col writes a number: a workbook's number cell is plain whatever
 * the office's --number-format says (the file holds the value, not how it is shown). */
#define number_format(im, col) \
    ((im)->types && (col) >= 0 && (im)->types[(col)] == DVK_XLSX_NUMBER ? DVK_NUMBERS_PLAIN \
                                                                      : (im)->opts->numbers)

/* The message for a number parse_number refused (rc -1 or -2). */
static const char *number_problem(int rc, const char *what)
{
    if (rc == -2)
        return "is ambiguous (a dot or comma before exactly three digits may group thousands or "
               "mark decimals): write it without grouping (1149, 1149,5) or with another number "
               "of decimals (1,1490), or say how the file writes numbers with --number-format vi "
               "(1.020.000 and 2,5) or plain (1020000 and 2.5)";
    return what;
}

/* 1 when s[0..n) is an integer exactly as dvk_format_plain writes its value: "0", or an
 * optional '-' and 1 to 15 digits without a leading zero. Most metrics are; they are then
 * stored as written, without a round trip through printf. */
static int plain_integer(const char *s, size_t n)
{
    size_t i = n && s[0] == '-';
    if (n - i == 1 && s[i] == '0')
        return i == 0;
    if (n - i < 1 || n - i > 15 || s[i] == '0')
        return 0;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int parse_integer(const char *s, size_t n, long long lo, long long hi, long long *out)
{
    long long v = 0;
    size_t i = 0;
    int neg = 0;
    if (n && (s[0] == '-' || s[0] == '+'))
        neg = s[i++] == '-';
    if (i == n || n - i > 15)
        return -1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int all_ascii(const char *s, size_t n)
{
    size_t i = 0;
    /* eight bytes at a time: the hot path of every cell */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            return 0;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* ======================================================================================
 * Import: caches
 * ==================================================================================== */

/* The fields and levels of one province (small: loaded once per import). */
typedef struct province {
    char *code;
    int nfields;
    char **ids, **keys;
    int nlevels;
    char **levels;              /* the province script's levels, lowest first */
    char *levels_text;          /* "co-so, huyen or tinh", for messages */
    int warned;                 /* "no fields" said once */
    int criteria_loaded;        /* appraisals: the criteria below were asked for */
    int ncriteria;              /* 0: not checked (no script) */
    char **crit_ids;
    double *crit_max;
    int recusal_loaded;         /* appraisals: council.recusal was asked for */
    int recusal;                /* DVK_IMPORT_RECUSAL_* */
    struct province *next;
} province;

/* Rows that existed before this import and that a row of this file has already matched:
 * one bit per rowid, in 4 KiB pages allocated on demand (memory follows the rows touched,
 * at most one bit per stored row). Rows inserted by this import have rowids above the
 * maximum before it, so a second row with the same key is found without any memory. */
#define SEEN_PAGE_BITS (4096 * 8)
typedef struct seen {
    unsigned char **page;
    size_t npages;
} seen;

/* Mark rowid; returns 1 when it was already marked, -1 out of memory. */
static int seen_mark(seen *s, long long rowid)
{
    if (rowid < 0)
        return 0;
    size_t p = (size_t)(rowid / SEEN_PAGE_BITS), bit = (size_t)(rowid % SEEN_PAGE_BITS);
    if (p >= s->npages) {
        size_t n = p + 1 > s->npages * 2 ? p + 1 : s->npages * 2;
        unsigned char **pg = realloc(s->page, n * sizeof *pg);
        if (!pg)
            return -1;
        memset(pg + s->npages, 0, (n - s->npages) * sizeof *pg);
        s->page = pg;
        s->npages = n;
    }
    if (!s->page[p] && !(s->page[p] = calloc(1, SEEN_PAGE_BITS / 8)))
        return -1;
    int was = (s->page[p][bit / 8] >> (bit % 8)) & 1;
    s->page[p][bit / 8] |= (unsigned char)(1u << (bit % 8));
    return was;
}

static void seen_free(seen *s)
{
    for (size_t i = 0; i < s->npages; i++)
        free(s->page[i]);
    free(s->page);
}

/* A units row whose successor was not in the database yet: checked at the end. */
typedef struct pending {
    char *successor;
    long line;
} pending;

/* ======================================================================================
 * Import: state
 * ==================================================================================== */

typedef struct metric {
    char *name;                 /* as in the header (NFC) */
    char *json_key;             /* "\"name\":" */
} metric;

typedef struct importer {
    dvk_store *s;
    sqlite3 *db;
    dvk_import_table table;
    unsigned tmask;
    const char *path;
    const dvk_import_opts *opts;
    dvk_import_result *res;
    int max_messages;
    /* header */
    int have_header;
    size_t ncols;
    int colmap[DVK_CSV_COLUMNS_MAX];   /* column -> enum col, or -1 - metric index */
    int pos[C_COUNT];                  /* enum col -> column, or -1 */
    metric metrics[DVK_CSV_COLUMNS_MAX];
    int order[DVK_CSV_COLUMNS_MAX];    /* metric indexes sorted by name */
    int mcol[DVK_CSV_COLUMNS_MAX];     /* metric index -> column */
    int nmetrics;
    dvk_buf metric_names;              /* models: the metric columns as a JSON array */
    char *colname[DVK_CSV_COLUMNS_MAX];/* header text for messages */
    /* the current row */
    const dvk_csv_record *rec;
    const char *v[C_COUNT];
    size_t vl[C_COUNT];
    char *owned[DVK_CSV_COLUMNS_MAX + 4]; /* NFC copies, the name key: freed after the row */
    int nowned;
    const char *mv[DVK_CSV_COLUMNS_MAX];
    size_t mvl[DVK_CSV_COLUMNS_MAX];
    int row_bad;
    dvk_buf reason;                    /* the row's problems, for the rejects file */
    dvk_buf json;                      /* models.metrics */
    dvk_buf line;                      /* a row of the rejects file */
    /* rejects */
    dvk_outfile rejects;
    int rejects_open;
    /* statements */
    sqlite3_stmt *ins, *find, *upd, *look, *look2;
    sqlite3_stmt *final_in, *final_diff;   /* models: kept by a final run's record */
    long long max_before;
    seen seen;
    dvk_units *units;                  /* models: the unit tree, loaded once */
    province **unit_prov;              /* models: each unit's province, found on first use */
    province *provinces;
    pending *pend;
    size_t npend, cappend;
    dvk_progress *bar;
    int nidx;                          /* dvk's model indexes set aside by a bulk load */
    int checks_once;                   /* a bulk load: the CHECKs checked once, before COMMIT */
    /* the row source: CSV (sheet NULL) or a sheet of a workbook */
    char *sheet;                       /* the sheet's name, for messages (malloc'd) */
    long header_row;                   /* XLSX: the header's row (rows above it are titles) */
    size_t col0;                       /* XLSX: empty columns left of the header */
    const unsigned char *types;        /* XLSX: the current row's cell types (DVK_XLSX_*) */
    int notes_checked;                 /* the row after the header was looked at */
    long long file_bytes;              /* the file's size (the progress bar's total) */
    char *xf[DVK_CSV_COLUMNS_MAX];     /* XLSX: the row padded to the header's width */
    size_t xl[DVK_CSV_COLUMNS_MAX];
    unsigned char xt[DVK_CSV_COLUMNS_MAX];
} importer;

/* Where a message points: "FILE:LINE" for CSV; for a sheet "FILE:Sheet!C7" (column >= 0:
 * the header's column index) or "FILE:Sheet!row 7" (the row, or a column the file lacks). */
static void where(const importer *im, long line, int column, char *out, size_t n)
{
    if (!im->sheet) {
        snprintf(out, n, "%s:%ld", im->path, line);
        return;
    }
    char ref[320];
    if (column >= 0) {
        dvk_xlsx_cell_ref(im->sheet, (size_t)column + im->col0, line, ref, sizeof ref);
    } else {
        dvk_xlsx_cell_ref(im->sheet, 0, line, ref, sizeof ref);
        char *bang = strrchr(ref, '!');
        if (bang)
            snprintf(bang + 1, sizeof ref - (size_t)(bang + 1 - ref), "row %ld", line);
    }
    snprintf(out, n, "%s:%s", im->path, ref);
}

/* The column to name in a message: its position, or -2 - c when the file lacks it. */
#define P(c) (im->pos[c] >= 0 ? im->pos[c] : -2 - (c))

/* Record a problem of the current row (or of the file when col < 0 and no row): message
 * "FILE:LINE: column 'x': reason (value)". */
static void problem(importer *im, long line, int column, const char *value, size_t vlen,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void problem(importer *im, long line, int column, const char *value, size_t vlen,
                    const char *fmt, ...)
{
    char reason[1024], shown[512], text[1800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    size_t o = 0;
    if (column >= 0 && (size_t)column < im->ncols) {
        char col[160];
        dvk_csv_show(im->colname[column], strlen(im->colname[column]), col, sizeof col);
        o += (size_t)snprintf(text + o, sizeof text - o, "column '%s': ", col);
    } else if (column <= -2) {
        o += (size_t)snprintf(text + o, sizeof text - o, "column '%s': ", COLS[-2 - column].name);
    }
    o += (size_t)snprintf(text + o, sizeof text - o, "%s", reason);
    if (value && o < sizeof text) {
        dvk_csv_show(value, vlen, shown, sizeof shown);
        snprintf(text + o, sizeof text - o, " (%s)", shown);
    }
    im->row_bad = 1;
    im->res->problems++;
    if (im->reason.len)
        dvk_buf_adds(&im->reason, "; ");
    dvk_buf_adds(&im->reason, text);
    if (im->res->nmessages < im->max_messages) {
        char at[700];
        where(im, line, column, at, sizeof at);
        char *msg = malloc(strlen(at) + strlen(text) + 4);
        if (msg) {
            sprintf(msg, "%s: %s", at, text);
            im->res->messages[im->res->nmessages++] = msg;
        }
    }
}

/* Each statement is parenthesised: the literals of one entry are meant to be joined. */
static const char *SQL_INSERT[] = {
    [DVK_IMPORT_UNITS] =
        ("INSERT INTO units(code,name,name_key,kind,parent,province,valid_from,valid_to,successor)"
         " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(code) DO NOTHING"),
    [DVK_IMPORT_MODELS] =
        ("INSERT INTO models(code,name,name_key,unit,province,kind,category,field,level,year,"
         "registration,started_on,address,description,metrics,synthetic)"
         " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)"
         " ON CONFLICT(code) DO NOTHING"),
    [DVK_IMPORT_APPRAISALS] =
        ("INSERT INTO appraisals(model,level,criterion,appraiser,score,note,origin)"
         " VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(model,level,criterion,appraiser) DO NOTHING"),
    [DVK_IMPORT_APPRAISERS] =
        ("INSERT INTO appraisers(province,code,name,unit,role,levels)"
         " VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(province,code) DO NOTHING"),
};
static const char *SQL_FIND[] = {
    [DVK_IMPORT_UNITS] = "SELECT rowid, province FROM units WHERE code=?1",
    [DVK_IMPORT_MODELS] = "SELECT id FROM models WHERE code=?1",
    [DVK_IMPORT_APPRAISALS] =
        "SELECT rowid FROM appraisals WHERE model=?1 AND level=?2 AND criterion=?3 AND appraiser=?4",
    [DVK_IMPORT_APPRAISERS] = "SELECT rowid FROM appraisers WHERE province=?1 AND code=?2",
};
/* Update only when something differs, so that sqlite3_changes() tells updated from
 * unchanged; the last parameter is the rowid found. */
static const char *SQL_UPDATE[] = {
    [DVK_IMPORT_UNITS] =
        "UPDATE units SET name=?2,name_key=?3,kind=?4,parent=?5,province=?6,valid_from=?7,"
        "valid_to=?8,successor=?9 WHERE rowid=?10 AND code=?1 AND"
        " (name,name_key,kind,parent,province,valid_from,valid_to,successor)"
        " IS NOT (?2,?3,?4,?5,?6,?7,?8,?9)",
    [DVK_IMPORT_MODELS] =
        "UPDATE models SET name=?2,name_key=?3,unit=?4,province=?5,kind=?6,category=?7,"
        "field=?8,level=?9,year=?10,registration=?11,started_on=?12,address=?13,"
        "description=?14,metrics=?15,synthetic=?16 WHERE id=?17 AND code=?1 AND"
        " (name,name_key,unit,province,kind,category,field,level,year,registration,"
        "started_on,address,description,metrics,synthetic)"
        " IS NOT (?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
    [DVK_IMPORT_APPRAISALS] =
        "UPDATE appraisals SET score=?5, note=?6, origin=?7 WHERE rowid=?8 AND model=?1 AND"
        " level=?2 AND criterion=?3 AND appraiser=?4 AND (score,note,origin) IS NOT (?5,?6,?7)",
    [DVK_IMPORT_APPRAISERS] =
        "UPDATE appraisers SET name=?3, unit=?4, role=?5, levels=?6 WHERE rowid=?7 AND"
        " province=?1 AND code=?2 AND (name,unit,role,levels) IS NOT (?3,?4,?5,?6)",
};
static const char *SQL_MAXROWID[] = {
    [DVK_IMPORT_UNITS] = "SELECT coalesce(max(rowid),0) FROM units",
    [DVK_IMPORT_MODELS] = "SELECT coalesce(max(id),0) FROM models",
    [DVK_IMPORT_APPRAISALS] = "SELECT coalesce(max(rowid),0) FROM appraisals",
    [DVK_IMPORT_APPRAISERS] = "SELECT coalesce(max(rowid),0) FROM appraisers",
};

/* ======================================================================================
 * Import: the header
 * ==================================================================================== */

/* key of a header cell with '_' and '-' read as spaces (malloc'd). */
static char *header_key(const char *s, size_t n)
{
    char *k = dvk_text_key(s, n);
    if (!k)
        return NULL;
    for (char *p = k; *p; p++)
        if (*p == '_' || *p == '-')
            *p = ' ';
    return k;
}

static int match_column(unsigned tmask, const char *key)
{
    for (int c = 0; c < C_COUNT; c++) {
        if (!(COLS[c].tables & tmask))
            continue;
        char id[32];
        snprintf(id, sizeof id, "%s", COLS[c].name);
        for (char *p = id; *p; p++)
            if (*p == '_')
                *p = ' ';
        if (strcmp(id, key) == 0)
            return c;
    }
    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if ((ALIASES[i].tables & tmask) && strcmp(ALIASES[i].key, key) == 0)
            return (int)ALIASES[i].col;
    return -1;
}

/* Metric columns in name order (insertion sort: at most DVK_CSV_COLUMNS_MAX of them), so
 * that models.metrics lists its keys in one canonical order whatever the column order. */
static void sort_metrics(importer *im)
{
    for (int i = 1; i < im->nmetrics; i++) {
        int v = im->order[i], j = i;
        while (j > 0 && strcmp(im->metrics[im->order[j - 1]].name, im->metrics[v].name) > 0) {
            im->order[j] = im->order[j - 1];
            j--;
        }
        im->order[j] = v;
    }
}

/* A line of the rejects file: first, second, then the record's fields as they were read,
 * built in im->line and written with one fwrite. 0, or -1 (errno set). */
static int write_reject_line(importer *im, const char *first, size_t n1, const char *second,
                             size_t n2, const dvk_csv_record *rec)
{
    dvk_buf *b = &im->line;
    dvk_buf_reset(b);
    dvk_csv_cell(b, first, n1, 0);
    dvk_buf_addc(b, ',');
    dvk_csv_cell(b, second, n2, 0);
    for (size_t i = 0; i < rec->nfields; i++) {
        dvk_buf_addc(b, ',');
        dvk_csv_cell(b, rec->field[i], rec->len[i], 0);
    }
    if (dvk_buf_add(b, "\r\n", 2)) {
        errno = ENOMEM;
        return -1;
    }
    return fwrite(b->p, 1, b->len, im->rejects.f) == b->len ? 0 : -1;
}

static int write_reject_header(importer *im, const dvk_csv_record *rec)
{
    return write_reject_line(im, "line", 4, "reason", 6, rec);
}

/* How to save a file dvk can read, said by every message about a file's format. */
#define SAVE_AS_CSV "Save it as UTF-8 CSV with commas: in Excel, File > Save As > \"CSV UTF-8 " \
    "(Comma delimited) (*.csv)\"; in LibreOffice Calc, File > Save As > \"Text CSV (.csv)\" with " \
    "character set \"Unicode (UTF-8)\" and field delimiter \",\" (or save it as .xlsx, which " \
    "dvk reads too)"

static int on_header(importer *im, const dvk_csv_record *rec, dvk_error *err)
{
    char at[700];   /* the header's place, for messages */
    where(im, rec->line, -1, at, sizeof at);
    im->have_header = 1;
    im->ncols = rec->nfields;
    for (int c = 0; c < C_COUNT; c++)
        im->pos[c] = -1;
    for (size_t i = 0; i < rec->nfields; i++) {
        im->colname[i] = strdup(rec->field[i]);
        if (!im->colname[i])
            return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", im->path);
    }
    for (size_t i = 0; i < rec->nfields; i++) {
        const char *s = rec->field[i];
        size_t n = rec->len[i];
        if (n > 1 && s[0] == '\'' && dvk_csv_formula_like(s + 1, n - 1)) {
            s++;    /* a metric named "-x" comes back from the exporter as "'-x" */
            n--;
        }
        char shown[160];
        dvk_csv_show(s, n, shown, sizeof shown);
        if (n == 0)
            return dvk_error_set(err, DVK_EDATA, "%s: column %zu has no name in the header",
                                 at, i + 1);
        if (!dvk_text_valid_utf8(s, n))
            return dvk_error_set(err, DVK_EDATA, "%s: column %zu: the header is not UTF-8 text (%s): "
                                 "the file is in another encoding (Windows-1258, TCVN3, ...). %s",
                                 at, i + 1, shown, SAVE_AS_CSV);
        if (!im->sheet && (memchr(s, ';', n) || memchr(s, '\t', n)))
            return dvk_error_set(err, DVK_EDATA, "%s: the columns are separated by %s, and dvk reads "
                                 "commas (%s). %s", at, memchr(s, ';', n) ? "semicolons (;)" : "tabs",
                                 shown, SAVE_AS_CSV);
        char *key = header_key(s, n);
        if (!key)
            return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", im->path);
        int c = match_column(im->tmask, key);
        free(key);
        if (c >= 0) {
            if (im->pos[c] >= 0) {
                char other[160];
                dvk_csv_show(im->colname[im->pos[c]], strlen(im->colname[im->pos[c]]), other,
                           sizeof other);
                return dvk_error_set(err, DVK_EDATA,
                                     "%s: column '%s' names column '%s' again (already column %d, '%s')",
                                     at, shown, COLS[c].name, im->pos[c] + 1, other);
            }
            im->pos[c] = (int)i;
            im->colmap[i] = c;
            continue;
        }
        if (im->table != DVK_IMPORT_MODELS) {
            dvk_buf known = DVK_BUF_INIT;
            for (int k = 0; k < C_COUNT; k++)
                if ((COLS[k].tables & im->tmask) && k != C_ROW_NUMBER)
                    dvk_buf_printf(&known, "%s%s", known.len ? ", " : "", COLS[k].name);
            dvk_error_set(err, DVK_EDATA, "%s: unknown column '%s' (expected: %s; see `dvk import --help` for the Vietnamese names)",
                          at, shown, dvk_buf_str(&known));
            dvk_buf_free(&known);
            return DVK_EDATA;
        }
        metric *m = &im->metrics[im->nmetrics];
        m->name = dvk_text_nfc(s, n);
        if (!m->name)
            return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", im->path);
        for (int k = 0; k < im->nmetrics; k++)
            if (strcmp(im->metrics[k].name, m->name) == 0) {
                free(m->name);
                m->name = NULL;
                return dvk_error_set(err, DVK_EDATA, "%s: column '%s' appears twice in the header",
                                     at, shown);
            }
        dvk_buf jk = DVK_BUF_INIT;
        dvk_json_key(&jk, m->name, 1);   /* "name": */
        if (!(m->json_key = dvk_buf_take(&jk, NULL)))
            return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", im->path);
        im->order[im->nmetrics] = im->nmetrics;
        im->colmap[i] = -1 - im->nmetrics;
        im->mcol[im->nmetrics] = (int)i;
        im->nmetrics++;
    }
    dvk_buf missing = DVK_BUF_INIT;
    for (int c = 0; c < C_COUNT; c++)
        if ((COLS[c].required & im->tmask) && im->pos[c] < 0)
            dvk_buf_printf(&missing, "%s'%s'", missing.len ? ", " : "", COLS[c].name);
    if (missing.len) {
        dvk_error_set(err, DVK_EDATA, "%s: missing column%s %s (see `dvk import --help`)",
                      at, strchr(missing.p, ',') ? "s" : "", missing.p);
        dvk_buf_free(&missing);
        return DVK_EDATA;
    }
    dvk_buf_free(&missing);
    sort_metrics(im);
    dvk_buf_addc(&im->metric_names, '[');
    for (int k = 0; k < im->nmetrics; k++) {
        if (k)
            dvk_buf_addc(&im->metric_names, ',');
        dvk_json_strz(&im->metric_names, im->metrics[k].name);
    }
    if (dvk_buf_addc(&im->metric_names, ']'))
        return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", im->path);
    if (im->rejects_open && write_reject_header(im, rec))
        return dvk_error_set(err, DVK_EIO, "%s: write error (%s)", im->opts->rejects_path,
                             strerror(errno));
    return DVK_OK;
}

/* ======================================================================================
 * Import: rows
 * ==================================================================================== */

static void row_reset(importer *im)
{
    for (int i = 0; i < im->nowned; i++)
        free(im->owned[i]);
    im->nowned = 0;
    im->row_bad = 0;
    dvk_buf_reset(&im->reason);
}

/* Keep a malloc'd string until the end of the row. */
static const char *own(importer *im, char *s)
{
    if (s)
        im->owned[im->nowned++] = s;
    return s;
}

static int write_reject(importer *im, const dvk_csv_record *rec, dvk_error *err)
{
    im->res->rejected++;
    if (!im->rejects_open)
        return DVK_OK;
    char line[32];
    int n = snprintf(line, sizeof line, "%ld", rec->line);
    if (write_reject_line(im, line, (size_t)n, im->reason.p, im->reason.len, rec))
        return dvk_error_set(err, DVK_EIO, "%s: write error (%s)", im->opts->rejects_path,
                             strerror(errno));
    return DVK_OK;
}

/* The value of known column c, or NULL when the column is absent or the cell empty. */
#define V(c) (im->v[c])
#define L(c) (im->vl[c])

/* Check that required column c has a value; a problem otherwise. */
static int need(importer *im, int c, const int *bad)
{
    if (V(c))
        return 1;
    if (!bad[c])
        problem(im, im->rec->line, P(c), NULL, 0, "a value is required here");
    return 0;
}

static const char *need_enum(importer *im, int c, const enumdef *e, const int *bad)
{
    if (!need(im, c, bad))
        return NULL;
    const char *id = enum_match(e, V(c), L(c));
    if (!id)
        problem(im, im->rec->line, P(c), V(c), L(c), "must be %s", e->what);
    return id;
}

static province *load_province(importer *im, const char *code, dvk_error *err)
{
    for (province *p = im->provinces; p; p = p->next)
        if (strcmp(p->code, code) == 0)
            return p;
    province *p = calloc(1, sizeof *p);
    if (!p || !(p->code = strdup(code))) {
        free(p);
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        return NULL;
    }
    p->next = im->provinces;
    im->provinces = p;
    sqlite3_stmt *st = dvk_store_prepare(im->s, "SELECT id, name FROM fields WHERE province=?1 ORDER BY id", err);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char **ids = realloc(p->ids, (size_t)(p->nfields + 1) * sizeof *ids);
        if (ids)
            p->ids = ids;
        char **keys = realloc(p->keys, (size_t)(p->nfields + 1) * sizeof *keys);
        if (keys)
            p->keys = keys;
        if (!ids || !keys) {
            sqlite3_finalize(st);
            dvk_error_set(err, DVK_ENOMEM, "out of memory");
            return NULL;
        }
        const char *name = (const char *)sqlite3_column_text(st, 1);
        p->ids[p->nfields] = strdup((const char *)sqlite3_column_text(st, 0));
        p->keys[p->nfields] = dvk_text_key(name ? name : "", name ? strlen(name) : 0);
        p->nfields++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        dvk_store_fail(im->s, rc, err, "reading the fields");
        return NULL;
    }
    /* The levels, from the province's script through the caller (models; appraisals and
     * appraisers name levels too when the caller gives them). */
    if ((im->table == DVK_IMPORT_MODELS ||
         (im->table != DVK_IMPORT_UNITS && im->opts->levels)) &&
        im->opts->levels(im->opts->levels_ud, code, &p->levels, &p->nlevels, err))
        return NULL;
    dvk_buf what = DVK_BUF_INIT;
    for (int i = 0; i < p->nlevels; i++)
        dvk_buf_printf(&what, "%s%s", i == 0 ? "" : i == p->nlevels - 1 ? " or " : ", ",
                       p->levels[i]);
    if (!(p->levels_text = dvk_buf_take(&what, NULL))) {
        dvk_error_set(err, DVK_ENOMEM, "out of memory");
        return NULL;
    }
    return p;
}

/* The unit a models row names, as an index into the tree (units do not change during a
 * models import), or -1 when unknown; *prov gets its province's fields and levels. Returns
 * DVK_OK or the error of loading the province. */
static int find_unit(importer *im, const char *code, int *u, province **prov, dvk_error *err)
{
    *u = dvk_units_find(im->units, code);
    *prov = NULL;
    if (*u < 0)
        return DVK_OK;
    if (!im->unit_prov[*u]) {
        const char *pc = dvk_units_at(im->units, (size_t)*u)->province;
        if (!(im->unit_prov[*u] = load_province(im, pc ? pc : "", err)))
            return err->code ? err->code : dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    *prov = im->unit_prov[*u];
    return DVK_OK;
}

/* The level id v stands for among the province's levels, or NULL: the id itself, words
 * whose search key is the id ("Huyện", "Cơ sở" for co-so), or such words after "cấp" (the
 * word for a level: "Cấp huyện"). */
static const char *match_level(const province *p, const char *v, size_t n)
{
    for (int i = 0; i < p->nlevels; i++)
        if (strlen(p->levels[i]) == n && memcmp(p->levels[i], v, n) == 0)
            return p->levels[i];
    char *key = dvk_text_key(v, n);
    if (!key)
        return NULL;
    for (char *q = key; *q; q++)
        if (*q == ' ')
            *q = '-';
    const char *k = strncmp(key, "cap-", 4) == 0 ? key + 4 : key, *found = NULL;
    for (int i = 0; i < p->nlevels && !found; i++)
        if (strcmp(p->levels[i], key) == 0 || strcmp(p->levels[i], k) == 0)
            found = p->levels[i];
    free(key);
    return found;
}

static const char *match_field(province *p, const char *v, size_t n)
{
    for (int i = 0; i < p->nfields; i++)
        if (strlen(p->ids[i]) == n && memcmp(p->ids[i], v, n) == 0)
            return p->ids[i];
    char *key = dvk_text_key(v, n);
    if (!key)
        return NULL;
    const char *found = NULL;
    for (int i = 0; i < p->nfields && !found; i++)
        if (p->keys[i] && strcmp(p->keys[i], key) == 0)
            found = p->ids[i];
    for (char *q = key; *q && !found; q++)
        if (*q == ' ')
            *q = '-';
    for (int i = 0; i < p->nfields && !found; i++)
        if (strcmp(p->ids[i], key) == 0)
            found = p->ids[i];
    free(key);
    return found;
}

/* Values checked for the row being written. */
typedef struct rowvals {
    const char *kind, *category, *level, *registration, *field, *province, *name_key;
    const char *parent, *successor;
    long long year, synthetic, model;
    double score;
    char appr_level[DVK_IMPORT_ID_MAX];   /* appraisals: the council's round */
    const char *member_levels;            /* appraisers: "huyen,tinh", or NULL: every level */
    char started_on[11], valid_from[11], valid_to[11];
} rowvals;

static void bind_opt(sqlite3_stmt *st, int i, const char *s, size_t n)
{
    if (s)
        sqlite3_bind_text(st, i, s, (int)n, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_row(importer *im, sqlite3_stmt *st, const rowvals *r)
{
    switch (im->table) {
    case DVK_IMPORT_UNITS:
        sqlite3_bind_text(st, 1, V(C_CODE), (int)L(C_CODE), SQLITE_STATIC);
        sqlite3_bind_text(st, 2, V(C_NAME), (int)L(C_NAME), SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->name_key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->kind, -1, SQLITE_STATIC);
        bind_opt(st, 5, r->parent, r->parent ? strlen(r->parent) : 0);
        sqlite3_bind_text(st, 6, r->province, -1, SQLITE_STATIC);
        bind_opt(st, 7, r->valid_from[0] ? r->valid_from : NULL, 10);
        bind_opt(st, 8, r->valid_to[0] ? r->valid_to : NULL, 10);
        bind_opt(st, 9, r->successor, r->successor ? strlen(r->successor) : 0);
        break;
    case DVK_IMPORT_MODELS:
        sqlite3_bind_text(st, 1, V(C_CODE), (int)L(C_CODE), SQLITE_STATIC);
        sqlite3_bind_text(st, 2, V(C_NAME), (int)L(C_NAME), SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->name_key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, V(C_UNIT), (int)L(C_UNIT), SQLITE_STATIC);
        sqlite3_bind_text(st, 5, r->province, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, r->category, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, r->field, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, r->level, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 10, r->year);
        sqlite3_bind_text(st, 11, r->registration, -1, SQLITE_STATIC);
        bind_opt(st, 12, r->started_on[0] ? r->started_on : NULL, 10);
        bind_opt(st, 13, V(C_ADDRESS), L(C_ADDRESS));
        bind_opt(st, 14, V(C_DESCRIPTION), L(C_DESCRIPTION));
        sqlite3_bind_text(st, 15, im->json.p, (int)im->json.len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 16, r->synthetic);
        break;
    case DVK_IMPORT_APPRAISALS:
        sqlite3_bind_int64(st, 1, r->model);
        sqlite3_bind_text(st, 2, r->appr_level, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, V(C_CRITERION), (int)L(C_CRITERION), SQLITE_STATIC);
        sqlite3_bind_text(st, 4, V(C_APPRAISER), (int)L(C_APPRAISER), SQLITE_STATIC);
        sqlite3_bind_double(st, 5, r->score);
        bind_opt(st, 6, V(C_NOTE), L(C_NOTE));
        bind_opt(st, 7, V(C_ORIGIN), L(C_ORIGIN));
        break;
    case DVK_IMPORT_APPRAISERS:
        sqlite3_bind_text(st, 1, r->province, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, V(C_CODE), (int)L(C_CODE), SQLITE_STATIC);
        sqlite3_bind_text(st, 3, V(C_NAME), (int)L(C_NAME), SQLITE_STATIC);
        bind_opt(st, 4, V(C_UNIT), L(C_UNIT));
        bind_opt(st, 5, V(C_ROLE), L(C_ROLE));
        bind_opt(st, 6, r->member_levels, r->member_levels ? strlen(r->member_levels) : 0);
        break;
    }
}

static int db_fail(importer *im, int rc, dvk_error *err)
{
    char what[256];
    snprintf(what, sizeof what, "writing the row of %s:%ld", im->path, im->rec->line);
    return dvk_store_fail(im->s, rc, err, what);
}

/* Units: a new parent must not be the unit itself or one of its descendants; when the
 * unit's province changes, its descendants and their models move with it. */
static int unit_moves(importer *im, const rowvals *r, const char *old_province, dvk_error *err)
{
    if (r->parent) {
        char *code = strndup(V(C_CODE), L(C_CODE));
        if (!code)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        int up = dvk_units_is_ancestor(im->s, code, r->parent, err);
        free(code);
        if (up < 0)
            return -up;
        if (up) {
            problem(im, im->rec->line, P(C_PARENT), r->parent, strlen(r->parent),
                    "would make the unit its own ancestor");
            return DVK_OK;
        }
    }
    if (!old_province || strcmp(old_province, r->province) == 0)
        return DVK_OK;
    char *code = strndup(V(C_CODE), L(C_CODE));
    if (!code)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    int rc = dvk_units_move_province(im->s, code, r->province, err);
    free(code);
    if (rc != DVK_OK && err->code != DVK_ENOMEM && err->code != DVK_EBUSY)
        rc = db_fail(im, sqlite3_errcode(dvk_store_db(im->s)), err);
    return rc;
}

/* Models: a problem when the stored model id has a metric that the file has no column for
 * (import.h): a misspelled column would drop it without a word. */
static int metric_dropped(importer *im, long long id, dvk_error *err)
{
    /* 0 the first stored metric the file lacks */
    if (!im->look2 && !(im->look2 = dvk_store_prepare(im->s,
            "SELECT key FROM json_each((SELECT metrics FROM models WHERE id = ?1))"
            " WHERE key NOT IN (SELECT value FROM json_each(?2)) ORDER BY key LIMIT 1", err)))
        return err->code;
    sqlite3_stmt *st = im->look2;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, dvk_buf_str(&im->metric_names), (int)im->metric_names.len,
                      SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        char key[160];
        const char *k = (const char *)sqlite3_column_text(st, 0);
        dvk_csv_show(k ? k : "", k ? strlen(k) : 0, key, sizeof key);
        problem(im, im->rec->line, -1, NULL, 0,
                "model %.*s: the file has no '%s' that the stored model has (a misspelled "
                "column?); use --replace to replace the model's metrics", (int)L(C_CODE),
                V(C_CODE), key);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DVK_OK : db_fail(im, rc, err);
}

/* Models: 1 when model id is in a final run's frozen record (runs.h), 0 when not, -1 on a
 * database error (err set). */
static int in_final_run(importer *im, long long id, dvk_error *err)
{
    if (!im->final_in && !(im->final_in = dvk_store_prepare(im->s,
            "SELECT 1 FROM run_models f JOIN runs x ON x.id = f.run WHERE f.id = ?1"
            " AND x.status = 'final' LIMIT 1", err)))
        return -1;
    sqlite3_reset(im->final_in);
    sqlite3_bind_int64(im->final_in, 1, id);
    int rc = sqlite3_step(im->final_in);
    sqlite3_reset(im->final_in);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        db_fail(im, rc, err);
        return -1;
    }
    return rc == SQLITE_ROW;
}

/* Models: after the update of model id (inside savepoint dvk_final), a problem when a final
 * run keeps other values of it: the first such run and field are named, and the update is
 * undone. A final decision shows what it was made with; --replace imports anyway. */
static int final_changed(importer *im, long long id, int *undone, dvk_error *err)
{
    *undone = 0;
    /* 0 run, 1 the first field that differs */
    if (!im->final_diff && !(im->final_diff = dvk_store_prepare(im->s,
            "SELECT f.run, CASE WHEN m.name IS NOT f.name THEN 'name' WHEN m.unit IS NOT f.unit"
            " THEN 'unit' WHEN m.province IS NOT f.province THEN 'province' WHEN m.kind IS NOT"
            " f.kind THEN 'kind' WHEN m.category IS NOT f.category THEN 'category' WHEN m.field"
            " IS NOT f.field THEN 'field' WHEN m.level IS NOT f.level THEN 'level' WHEN m.year"
            " IS NOT f.year THEN 'year' WHEN m.registration IS NOT f.registration THEN"
            " 'registration' WHEN m.started_on IS NOT f.started_on THEN 'started_on' WHEN"
            " m.address IS NOT f.address THEN 'address' WHEN m.description IS NOT f.description"
            " THEN 'description' WHEN m.metrics IS NOT f.metrics THEN 'metrics' END AS what"
            " FROM run_models f JOIN runs x ON x.id = f.run AND x.status = 'final'"
            " JOIN models m ON m.id = f.id WHERE f.id = ?1 AND what IS NOT NULL"
            " ORDER BY f.run LIMIT 1", err)))
        return err->code;
    sqlite3_stmt *st = im->final_diff;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *what = (const char *)sqlite3_column_text(st, 1);
        problem(im, im->rec->line, P(C_CODE), NULL, 0,
                "model %.*s is in final run %lld, whose decision shows its %s as it was then: "
                "this file changes it; use --replace to import it anyway (run %lld keeps "
                "showing the old %s)", (int)L(C_CODE), V(C_CODE),
                (long long)sqlite3_column_int64(st, 0), what ? what : "?",
                (long long)sqlite3_column_int64(st, 0), what ? what : "value");
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(im, rc, err);
    *undone = rc == SQLITE_ROW;
    int xrc = sqlite3_exec(im->db, *undone ? "ROLLBACK TO dvk_final; RELEASE dvk_final"
                                           : "RELEASE dvk_final", NULL, NULL, NULL);
    return xrc == SQLITE_OK ? DVK_OK : db_fail(im, xrc, err);
}

/* Insert the row, or update the stored row with the same key when it differs. A second
 * row with the same key in this file is a problem (the row is then bad). */
static int write_row(importer *im, const rowvals *r, dvk_error *err)
{
    /* Out of memory or I/O errors may make SQLite roll the transaction back by itself;
     * every such error is reported where it happens, and this guard makes sure no row is
     * ever written outside the import's transaction. */
    if (sqlite3_get_autocommit(im->db))
        return dvk_error_set(err, DVK_EIO, "%s:%ld: the import's transaction was rolled back by "
                             "SQLite after an earlier error; nothing imported", im->path, im->rec->line);
    sqlite3_stmt *st = im->ins;
    sqlite3_reset(st);
    bind_row(im, st, r);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return db_fail(im, rc, err);
    DVK_FAULT_POINT("import-row");
    if (sqlite3_changes(im->db) == 1) {
        im->res->inserted++;
        return DVK_OK;
    }
    st = im->find;
    sqlite3_reset(st);
    if (im->table == DVK_IMPORT_APPRAISALS) {
        sqlite3_bind_int64(st, 1, r->model);
        sqlite3_bind_text(st, 2, r->appr_level, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, V(C_CRITERION), (int)L(C_CRITERION), SQLITE_STATIC);
        sqlite3_bind_text(st, 4, V(C_APPRAISER), (int)L(C_APPRAISER), SQLITE_STATIC);
    } else if (im->table == DVK_IMPORT_APPRAISERS) {
        sqlite3_bind_text(st, 1, r->province, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, V(C_CODE), (int)L(C_CODE), SQLITE_STATIC);
    } else {
        sqlite3_bind_text(st, 1, V(C_CODE), (int)L(C_CODE), SQLITE_STATIC);
    }
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return db_fail(im, rc == SQLITE_DONE ? SQLITE_CONSTRAINT : rc, err);
    }
    long long rowid = sqlite3_column_int64(st, 0);
    char *old_province = NULL;
    if (im->table == DVK_IMPORT_UNITS && sqlite3_column_text(st, 1))
        old_province = strdup((const char *)sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    int dup = rowid > im->max_before ? 1 : seen_mark(&im->seen, rowid);
    if (dup < 0) {
        free(old_province);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    }
    if (dup) {
        free(old_province);
        if (im->table == DVK_IMPORT_APPRAISALS)
            problem(im, im->rec->line, P(C_APPRAISER), V(C_APPRAISER), L(C_APPRAISER),
                    "this appraiser already scored this criterion of this model at this level "
                    "earlier in the file");
        else
            problem(im, im->rec->line, P(C_CODE), V(C_CODE), L(C_CODE),
                    "duplicate code: an earlier row of this file has it");
        return DVK_OK;
    }
    if (im->table == DVK_IMPORT_MODELS && !im->opts->replace) {
        free(old_province);
        int mrc = metric_dropped(im, rowid, err);
        if (mrc || im->row_bad)
            return mrc;
        old_province = NULL;
    }
    if (im->table == DVK_IMPORT_UNITS) {
        int mrc = unit_moves(im, r, old_province, err);
        free(old_province);
        if (mrc || im->row_bad)
            return mrc;
    }
    /* a model a final run keeps changes only with --replace: the update is tried inside a
     * savepoint and undone when it would change what the run keeps */
    int guarded = 0;
    if (im->table == DVK_IMPORT_MODELS && !im->opts->replace) {
        if ((guarded = in_final_run(im, rowid, err)) < 0)
            return err->code;
        if (guarded && (rc = sqlite3_exec(im->db, "SAVEPOINT dvk_final", NULL, NULL, NULL)) != SQLITE_OK)
            return db_fail(im, rc, err);
    }
    st = im->upd;
    sqlite3_reset(st);
    bind_row(im, st, r);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_count(st), rowid);
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return db_fail(im, rc, err);
    int changed = sqlite3_changes(im->db) == 1;
    if (guarded) {
        int undone = 0;
        if ((rc = final_changed(im, rowid, &undone, err)) != DVK_OK || undone)
            return rc;
    }
    if (changed)
        im->res->updated++;
    else
        im->res->unchanged++;
    return DVK_OK;
}

static int check_models(importer *im, rowvals *r, const int *bad, dvk_error *err)
{
    long line = im->rec->line;
    need(im, C_CODE, bad);
    if (need(im, C_NAME, bad) && !(r->name_key = own(im, dvk_text_key(V(C_NAME), L(C_NAME)))))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    const dvk_unit *u = NULL;
    province *p = NULL;
    if (need(im, C_UNIT, bad)) {
        int ui, rc = find_unit(im, V(C_UNIT), &ui, &p, err);
        if (rc)
            return rc;
        if (ui < 0) {
            problem(im, line, P(C_UNIT), V(C_UNIT), L(C_UNIT),
                    "unknown unit (import the units file first)");
        } else {
            u = dvk_units_at(im->units, (size_t)ui);
            r->province = u->province;
        }
    }
    r->kind = need_enum(im, C_KIND, &E_KIND, bad);
    r->category = need_enum(im, C_CATEGORY, &E_CATEGORY, bad);
    /* the level is one of the province's: unchecked while the unit is unknown */
    if (need(im, C_LEVEL, bad) && p && !(r->level = match_level(p, V(C_LEVEL), L(C_LEVEL))))
        problem(im, line, P(C_LEVEL), V(C_LEVEL), L(C_LEVEL), "must be %s", p->levels_text);
    r->registration = need_enum(im, C_REGISTRATION, &E_REG, bad);
    int year_ok = 0;
    if (need(im, C_YEAR, bad)) {
        if (parse_integer(V(C_YEAR), L(C_YEAR), 1900, 2200, &r->year))
            problem(im, line, P(C_YEAR), V(C_YEAR), L(C_YEAR),
                    "must be a year between 1900 and 2200");
        else
            year_ok = 1;
    }
    if (need(im, C_FIELD, bad) && p) {
        if (p->nfields == 0) {
            int keep = im->max_messages;
            if (p->warned)
                im->max_messages = 0;  /* counted, said once */
            problem(im, line, P(C_FIELD), NULL, 0,
                    "no fields are declared for province %s; run `dvk init` with its script",
                    p->code);
            im->max_messages = keep;
            p->warned = 1;
        } else if (!(r->field = match_field(p, V(C_FIELD), L(C_FIELD)))) {
            dvk_buf known = DVK_BUF_INIT;
            for (int i = 0; i < p->nfields; i++)
                dvk_buf_printf(&known, "%s%s", i ? ", " : "", p->ids[i]);
            problem(im, line, P(C_FIELD), V(C_FIELD), L(C_FIELD),
                    "not a field of province %s (fields: %s)", p->code, dvk_buf_str(&known));
            dvk_buf_free(&known);
        }
    }
    if (u && year_ok) {
        char jan1[11], dec31[11];
        format_ymd(jan1, (int)r->year, 1, 1);   /* 1900..2200: checked above */
        format_ymd(dec31, (int)r->year, 12, 31);
        if (u->valid_to && u->valid_to[0] && strcmp(u->valid_to, jan1) < 0)
            problem(im, line, P(C_UNIT), V(C_UNIT), L(C_UNIT),
                    "the unit ceased to exist on %s, before %lld", u->valid_to, r->year);
        else if (u->valid_from && u->valid_from[0] && strcmp(u->valid_from, dec31) > 0)
            problem(im, line, P(C_UNIT), V(C_UNIT), L(C_UNIT),
                    "the unit exists only from %s, after %lld", u->valid_from, r->year);
    }
    r->started_on[0] = '\0';
    if (V(C_STARTED_ON) && parse_date(V(C_STARTED_ON), L(C_STARTED_ON), r->started_on))
        problem(im, line, P(C_STARTED_ON), V(C_STARTED_ON), L(C_STARTED_ON),
                "must be a date written YYYY-MM-DD (or DD/MM/YYYY)");
    r->synthetic = 0;
    if (V(C_SYNTHETIC) && parse_integer(V(C_SYNTHETIC), L(C_SYNTHETIC), 0, 1, &r->synthetic))
        problem(im, line, P(C_SYNTHETIC), V(C_SYNTHETIC), L(C_SYNTHETIC), "must be 0 or 1");
    /* the dossier's items go into description, each on a line after its heading */
    int items = 0;
    for (int c = C_D_SITUATION; c <= C_D_SUSTAINABILITY; c++)
        items += V(c) != NULL;
    if (items) {
        dvk_buf d = DVK_BUF_INIT;
        if (V(C_DESCRIPTION)) {
            dvk_buf_add(&d, V(C_DESCRIPTION), L(C_DESCRIPTION));
            dvk_buf_adds(&d, "\n\n");
        }
        for (int c = C_D_SITUATION, k = 0; c <= C_D_SUSTAINABILITY; c++) {
            if (!V(c))
                continue;
            dvk_buf_printf(&d, "%s%s: ", k++ ? "\n" : "", dvk_import_dossier[c - C_D_SITUATION][1]);
            dvk_buf_add(&d, V(c), L(c));
        }
        size_t n;
        char *t = dvk_buf_take(&d, &n);
        if (!t)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        im->v[C_DESCRIPTION] = own(im, t);
        im->vl[C_DESCRIPTION] = n;
    }
    /* metrics, in name order, so that equal rows give equal JSON text */
    dvk_buf_reset(&im->json);
    dvk_buf_addc(&im->json, '{');
    int first = 1;
    for (int k = 0; k < im->nmetrics; k++) {
        int m = im->order[k];
        if (!im->mv[m])
            continue;
        double d;
        int prc = parse_number(im->mv[m], im->mvl[m], number_format(im, im->mcol[m]), &d);
        if (prc) {
            int col = 0;
            for (size_t i = 0; i < im->ncols; i++)
                if (im->colmap[i] == -1 - m)
                    col = (int)i;
            problem(im, line, col, im->mv[m], im->mvl[m], "%s",
                    number_problem(prc, "must be a number such as 1200, 1.020.000, 3,5 or 3.5 "
                                        "(metric columns are numbers; leave the cell empty when unknown)"));
            continue;
        }
        if (!first)
            dvk_buf_addc(&im->json, ',');
        dvk_buf_adds(&im->json, im->metrics[m].json_key);
        if (plain_integer(im->mv[m], im->mvl[m])) {
            dvk_buf_add(&im->json, im->mv[m], im->mvl[m]);   /* already in plain form */
        } else {
            char num[DVK_FORMAT_MAX];
            dvk_format_plain(d, num, sizeof num);
            dvk_buf_adds(&im->json, num);
        }
        first = 0;
    }
    if (dvk_buf_addc(&im->json, '}'))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    return DVK_OK;
}

static int add_pending(importer *im, const char *successor, dvk_error *err)
{
    if (im->npend == im->cappend) {
        size_t cap = im->cappend ? im->cappend * 2 : 16;
        pending *p = realloc(im->pend, cap * sizeof *p);
        if (!p)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        im->pend = p;
        im->cappend = cap;
    }
    if (!(im->pend[im->npend].successor = strdup(successor)))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    im->pend[im->npend++].line = im->rec->line;
    return DVK_OK;
}

static int check_units(importer *im, rowvals *r, const int *bad, dvk_error *err)
{
    long line = im->rec->line;
    int code_ok = need(im, C_CODE, bad);
    if (need(im, C_NAME, bad) && !(r->name_key = own(im, dvk_text_key(V(C_NAME), L(C_NAME)))))
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    r->kind = need_enum(im, C_KIND, &E_UKIND, bad);
    r->parent = V(C_PARENT);
    if (r->kind && strcmp(r->kind, "province") == 0) {
        if (r->parent)
            problem(im, line, P(C_PARENT), V(C_PARENT), L(C_PARENT),
                    "a province has no parent unit");
        r->province = V(C_CODE);
    } else if (r->kind && !r->parent && !bad[C_PARENT]) {
        problem(im, line, P(C_PARENT), NULL, 0,
                "required for a unit of kind %s (the unit it belongs to)", r->kind);
    }
    if (r->parent && code_ok && strcmp(r->parent, V(C_CODE)) == 0) {
        problem(im, line, P(C_PARENT), V(C_PARENT), L(C_PARENT),
                "a unit cannot be its own parent");
    } else if (r->parent && r->kind && strcmp(r->kind, "province") != 0) {
        sqlite3_stmt *st = im->look;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, r->parent, (int)L(C_PARENT), SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            r->province = own(im, strdup((const char *)sqlite3_column_text(st, 0)));
            if (!r->province) {
                sqlite3_reset(st);
                return dvk_error_set(err, DVK_ENOMEM, "out of memory");
            }
        } else if (rc == SQLITE_DONE) {
            problem(im, line, P(C_PARENT), V(C_PARENT), L(C_PARENT),
                    "unknown unit (a parent must come before its children, in this file or the database)");
        } else {
            sqlite3_reset(st);
            return db_fail(im, rc, err);
        }
        sqlite3_reset(st);
    }
    r->valid_from[0] = r->valid_to[0] = '\0';
    if (V(C_VALID_FROM) && parse_date(V(C_VALID_FROM), L(C_VALID_FROM), r->valid_from))
        problem(im, line, P(C_VALID_FROM), V(C_VALID_FROM), L(C_VALID_FROM),
                "must be a date written YYYY-MM-DD (or DD/MM/YYYY)");
    if (V(C_VALID_TO) && parse_date(V(C_VALID_TO), L(C_VALID_TO), r->valid_to))
        problem(im, line, P(C_VALID_TO), V(C_VALID_TO), L(C_VALID_TO),
                "must be a date written YYYY-MM-DD (or DD/MM/YYYY)");
    else if (r->valid_from[0] && r->valid_to[0] && strcmp(r->valid_from, r->valid_to) > 0)
        problem(im, line, P(C_VALID_TO), V(C_VALID_TO), L(C_VALID_TO),
                "ends before valid_from (%s)", r->valid_from);
    r->successor = V(C_SUCCESSOR);
    if (r->successor && code_ok && strcmp(r->successor, V(C_CODE)) == 0)
        problem(im, line, P(C_SUCCESSOR), V(C_SUCCESSOR), L(C_SUCCESSOR),
                "a unit cannot be its own successor");
    return DVK_OK;
}

/* The criteria of p (appraisals), asked for once. */
static int load_criteria(importer *im, province *p, dvk_error *err)
{
    if (p->criteria_loaded)
        return DVK_OK;
    p->criteria_loaded = 1;
    return im->opts->criteria(im->opts->criteria_ud, p->code, &p->crit_ids, &p->crit_max,
                              &p->ncriteria, err);
}

/* An appraisal's criterion and score against the criteria of the model's province (the
 * province's code in prov): a known criterion, a score at most its max. */
static int check_criterion(importer *im, const rowvals *r, const char *prov, const int *bad,
                           dvk_error *err)
{
    province *p = load_province(im, prov, err);
    if (!p)
        return err->code ? err->code : dvk_error_set(err, DVK_ENOMEM, "out of memory");
    int rc = load_criteria(im, p, err);
    if (rc != DVK_OK || p->ncriteria == 0 || !V(C_CRITERION))
        return rc;
    char who[600];   /* "appraiser A, model X" */
    snprintf(who, sizeof who, "appraiser %.*s, model %.*s", V(C_APPRAISER) ? (int)L(C_APPRAISER) : 1,
             V(C_APPRAISER) ? V(C_APPRAISER) : "?", (int)L(C_MODEL), V(C_MODEL));
    int ci = -1;
    for (int i = 0; i < p->ncriteria && ci < 0; i++)
        if (strlen(p->crit_ids[i]) == L(C_CRITERION) &&
            memcmp(p->crit_ids[i], V(C_CRITERION), L(C_CRITERION)) == 0)
            ci = i;
    if (ci < 0) {
        dvk_buf known = DVK_BUF_INIT;
        for (int i = 0; i < p->ncriteria; i++)
            dvk_buf_printf(&known, "%s%s", i ? ", " : "", p->crit_ids[i]);
        char shown[160];
        dvk_csv_show(V(C_CRITERION), L(C_CRITERION), shown, sizeof shown);
        problem(im, im->rec->line, P(C_CRITERION), NULL, 0,
                "'%s' is not a criterion of province %s (criteria: %s) (%s)", shown, p->code,
                dvk_buf_str(&known), who);
        dvk_buf_free(&known);
        return DVK_OK;
    }
    if (!bad[C_SCORE] && V(C_SCORE) && r->score > p->crit_max[ci]) {
        char mx[DVK_FORMAT_MAX];
        dvk_format_plain(p->crit_max[ci], mx, sizeof mx);
        problem(im, im->rec->line, P(C_SCORE), NULL, 0,
                "%.*s is above the criterion's maximum %s (%s)", (int)L(C_SCORE), V(C_SCORE), mx,
                who);
    }
    return DVK_OK;
}

/* Recusal (import.h): a known member of prov scoring a model of their own unit (munit) is a
 * problem naming both, unless the province's script sets council.recusal = "none". */
static int check_recusal(importer *im, const char *prov, const char *munit, dvk_error *err)
{
    province *p = load_province(im, prov, err);
    if (!p)
        return err->code ? err->code : dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (!p->recusal_loaded) {
        p->recusal_loaded = 1;
        if (im->opts->recusal &&
            im->opts->recusal(im->opts->criteria_ud, prov, &p->recusal, err) != DVK_OK)
            return err->code;
    }
    if (p->recusal == DVK_IMPORT_RECUSAL_NONE)
        return DVK_OK;
    /* 0 code, 1 unit: the member named by code, else by name */
    if (!im->look2 && !(im->look2 = dvk_store_prepare(im->s,
            "SELECT code, unit FROM appraisers WHERE province = ?1 AND (code = ?2 OR name = ?2)"
            " ORDER BY code <> ?2, code LIMIT 1", err)))
        return err->code;
    sqlite3_stmt *st = im->look2;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, prov, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, V(C_APPRAISER), (int)L(C_APPRAISER), SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *unit = (const char *)sqlite3_column_text(st, 1);
        if (unit && strcmp(unit, munit) == 0)
            problem(im, im->rec->line, P(C_APPRAISER), NULL, 0,
                    "member %.*s (unit %s) does not score model %.*s of their own unit "
                    "(recusal; a province script may allow it with council.recusal = \"none\")",
                    (int)L(C_APPRAISER), V(C_APPRAISER), unit, (int)L(C_MODEL), V(C_MODEL));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DVK_OK : db_fail(im, rc, err);
}

static int check_appraisals(importer *im, rowvals *r, const int *bad, dvk_error *err)
{
    long line = im->rec->line;
    char prov[256] = "";       /* the model's province */
    char munit[256] = "";      /* the model's unit */
    int score_bad = 0;
    if (need(im, C_MODEL, bad)) {
        sqlite3_stmt *st = im->look;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, V(C_MODEL), (int)L(C_MODEL), SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            r->model = sqlite3_column_int64(st, 0);
            const char *pc = (const char *)sqlite3_column_text(st, 1);
            snprintf(prov, sizeof prov, "%s", pc ? pc : "");
            const char *lv = (const char *)sqlite3_column_text(st, 2);
            snprintf(r->appr_level, sizeof r->appr_level, "%s", lv ? lv : "");
            const char *u = (const char *)sqlite3_column_text(st, 3);
            snprintf(munit, sizeof munit, "%s", u ? u : "");
        }
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            problem(im, line, P(C_MODEL), V(C_MODEL), L(C_MODEL),
                    "unknown model code (import the models file first)");
        else if (rc != SQLITE_ROW)
            return db_fail(im, rc, err);
    }
    need(im, C_CRITERION, bad);
    need(im, C_APPRAISER, bad);
    if (need(im, C_SCORE, bad)) {
        score_bad = 1;
        int prc = parse_number(V(C_SCORE), L(C_SCORE), number_format(im, im->pos[C_SCORE]), &r->score);
        if (prc)
            problem(im, line, P(C_SCORE), V(C_SCORE), L(C_SCORE), "%s",
                    number_problem(prc, "must be a number"));
        else if (r->score < 0)
            problem(im, line, P(C_SCORE), V(C_SCORE), L(C_SCORE), "must not be negative");
        else
            score_bad = 0;
    }
    /* the level: one of the model's province's levels; absent: the model's own */
    if (prov[0] && V(C_LEVEL) && im->opts->levels) {
        province *p = load_province(im, prov, err);
        if (!p)
            return err->code ? err->code : dvk_error_set(err, DVK_ENOMEM, "out of memory");
        const char *lv = match_level(p, V(C_LEVEL), L(C_LEVEL));
        if (lv)
            snprintf(r->appr_level, sizeof r->appr_level, "%s", lv);
        else
            problem(im, line, P(C_LEVEL), V(C_LEVEL), L(C_LEVEL), "must be %s", p->levels_text);
    }
    if (prov[0] && V(C_APPRAISER) && !bad[C_APPRAISER]) {
        int rc = check_recusal(im, prov, munit, err);
        if (rc)
            return rc;
    }
    if (prov[0] && im->opts->criteria) {
        int b2[C_COUNT];
        memcpy(b2, bad, sizeof b2);
        b2[C_SCORE] |= score_bad;
        return check_criterion(im, r, prov, b2, err);
    }
    return DVK_OK;
}

/* A council member: code, name, and a unit (their province is its province) or a province. */
static int check_appraisers(importer *im, rowvals *r, const int *bad, dvk_error *err)
{
    long line = im->rec->line;
    need(im, C_CODE, bad);
    need(im, C_NAME, bad);
    const char *pv = V(C_PROVINCE) ? own(im, strndup(V(C_PROVINCE), L(C_PROVINCE))) : NULL;
    if (V(C_PROVINCE) && !pv)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    r->province = pv;
    if (V(C_UNIT) && !bad[C_UNIT]) {
        sqlite3_stmt *st = im->look;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, V(C_UNIT), (int)L(C_UNIT), SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *up = (const char *)sqlite3_column_text(st, 0);
            const char *u = up ? own(im, strdup(up)) : NULL;
            if (up && !u) {
                sqlite3_reset(st);
                return dvk_error_set(err, DVK_ENOMEM, "out of memory");
            }
            if (pv && u && strcmp(pv, u) != 0)
                problem(im, line, P(C_PROVINCE), V(C_PROVINCE), L(C_PROVINCE),
                        "the unit %.*s belongs to province %s", (int)L(C_UNIT), V(C_UNIT), u);
            r->province = u;
        }
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            problem(im, line, P(C_UNIT), V(C_UNIT), L(C_UNIT),
                    "unknown unit (import the units file first)");
        else if (rc != SQLITE_ROW)
            return db_fail(im, rc, err);
    } else if (!pv && !bad[C_UNIT] && !bad[C_PROVINCE]) {
        problem(im, line, P(C_UNIT), NULL, 0, "a member needs a unit (or, for a member from "
                "outside the province's units, a province column)");
    }
    /* the levels whose council the member sits on: the province's levels, separated by
     * commas, semicolons or spaces, stored as ids joined by commas */
    if (V(C_LEVEL) && r->province && im->opts->levels) {
        province *p = load_province(im, r->province, err);
        if (!p)
            return err->code ? err->code : dvk_error_set(err, DVK_ENOMEM, "out of memory");
        dvk_buf ids = DVK_BUF_INIT;
        const char *v = V(C_LEVEL), *end = v + L(C_LEVEL);
        while (v < end) {
            size_t skip = strspn(v, ",; ");
            v += skip;
            if (v >= end)
                break;
            size_t n = strcspn(v, ",;");
            if (v + n > end)
                n = (size_t)(end - v);
            while (n > 0 && v[n - 1] == ' ')
                n--;
            const char *lv = match_level(p, v, n);
            if (!lv) {
                problem(im, line, P(C_LEVEL), v, n, "must be %s (several: separated by commas)",
                        p->levels_text);
                break;
            }
            dvk_buf_printf(&ids, "%s%s", ids.len ? "," : "", lv);
            v += n;
        }
        char *joined = dvk_buf_take(&ids, NULL);
        if (!joined || !own(im, joined))
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        r->member_levels = joined[0] ? joined : NULL;
    }
    return DVK_OK;
}

/* The text rule of import.h for a cell of known column c (valid UTF-8, NFC): a control
 * character anywhere, TAB, line ends and invisible marks in a code are problems (*s set to
 * NULL); a name loses its invisible marks (*s, *n replaced by the stripped copy). */
static int check_text(importer *im, int c, const char **s, size_t *n, dvk_error *err)
{
    static const unsigned char CODE[C_COUNT] = {[C_CODE] = 1, [C_UNIT] = 1, [C_PARENT] = 1,
                                                [C_SUCCESSOR] = 1, [C_MODEL] = 1,
                                                [C_CRITERION] = 1};
    int name = c == C_NAME || c == C_APPRAISER;
    int mask = DVK_TEXT_CONTROL | (CODE[c] ? DVK_TEXT_TAB_LF | DVK_TEXT_INVISIBLE : 0) |
               (name ? DVK_TEXT_INVISIBLE : 0);
    long cp = 0;
    size_t at = dvk_text_find(*s, *n, mask, &cp);
    if (at == *n)
        return DVK_OK;
    int cls = dvk_text_class_at(*s, *n, at, cp);
    if (cls == DVK_TEXT_INVISIBLE && name) {
        size_t len;
        char *t = dvk_text_strip_invisible(*s, *n, &len);
        if (!t)
            return dvk_error_set(err, DVK_ENOMEM, "out of memory");
        own(im, t);
        *s = t;
        *n = len;
        /* a control after the stripped marks is still refused */
        if ((at = dvk_text_find(*s, *n, DVK_TEXT_CONTROL, &cp)) == *n)
            return DVK_OK;
        cls = DVK_TEXT_CONTROL;
    }
    problem(im, im->rec->line, P(c), *s, *n, cls == DVK_TEXT_INVISIBLE
            ? "contains an invisible character (U+%04lX: a bidirectional or zero-width mark; "
              "codes may not)"
            : cls == DVK_TEXT_TAB_LF ? "contains a tab or a line break (U+%04lX; codes may not)"
                                     : "contains a control character (U+%04lX)", cp);
    *s = NULL;
    return DVK_OK;
}

static int on_row(importer *im, const dvk_csv_record *rec, dvk_error *err)
{
    im->res->rows++;
    row_reset(im);
    im->rec = rec;
    if (rec->nfields != im->ncols && im->sheet) {
        size_t i = im->ncols;   /* the row source pads a row to the header: a value beyond it */
        while (i + 1 < rec->nfields && !rec->len[i])
            i++;
        problem(im, rec->line, (int)i, rec->field[i], rec->len[i],
                "a value right of the header's last column");
        return write_reject(im, rec, err);
    }
    if (rec->nfields != im->ncols) {
        problem(im, rec->line, -1, NULL, 0, "the row has %zu field%s, the header has %zu",
                rec->nfields, rec->nfields == 1 ? "" : "s", im->ncols);
        return write_reject(im, rec, err);
    }
    int bad[C_COUNT] = {0};
    for (int c = 0; c < C_COUNT; c++)
        im->v[c] = NULL;
    for (size_t i = 0; i < rec->nfields; i++) {
        const char *s = rec->field[i];
        size_t n = rec->len[i];
        if (n > 1 && s[0] == '\'' && dvk_csv_formula_like(s + 1, n - 1)) {
            s++;    /* the exporter's protective apostrophe: exactly one comes off */
            n--;
        }
        int m = im->colmap[i];
        if (n && im->types && im->types[i] == DVK_XLSX_ERROR) {
            /* a workbook's error value (#N/A, #REF!) or a formula never computed */
            problem(im, rec->line, (int)i, s, n, "the cell shows an error, not a value: correct "
                    "it in the workbook (or type the value instead of a formula) and save it");
            if (m >= 0)
                bad[m] = 1;
            n = 0;
        } else if (n && memchr(s, '\0', n)) {
            problem(im, rec->line, (int)i, s, n, "contains a NUL byte");
            if (m >= 0)
                bad[m] = 1;
            n = 0;
        } else if (n && !all_ascii(s, n)) {
            if (!dvk_text_valid_utf8(s, n)) {
                problem(im, rec->line, (int)i, s, n, "not valid UTF-8 (save the file as UTF-8: "
                        "\"CSV UTF-8 (Comma delimited)\" in Excel, or .xlsx)");
                if (m >= 0)
                    bad[m] = 1;
                n = 0;
            } else if (!dvk_text_quick_nfc(s, n)) {   /* NFC already: used as it is */
                char *nfc = dvk_text_nfc(s, n);
                if (!nfc)
                    return dvk_error_set(err, DVK_ENOMEM, "out of memory");
                own(im, nfc);
                s = nfc;
                n = strlen(nfc);
            }
        }
        if (n && m >= 0) {
            int rc = check_text(im, m, &s, &n, err);
            if (rc)
                return rc;
            if (!s) {
                bad[m] = 1;
                n = 0;
            }
        }
        if (m >= 0) {
            im->v[m] = n ? s : NULL;
            im->vl[m] = n;
        } else {
            im->mv[-1 - m] = n ? s : NULL;
            im->mvl[-1 - m] = n;
        }
    }
    rowvals r;
    memset(&r, 0, sizeof r);
    int rc = im->table == DVK_IMPORT_MODELS ? check_models(im, &r, bad, err)
           : im->table == DVK_IMPORT_UNITS  ? check_units(im, &r, bad, err)
           : im->table == DVK_IMPORT_APPRAISERS ? check_appraisers(im, &r, bad, err)
                                         : check_appraisals(im, &r, bad, err);
    if (rc)
        return rc;
    if (!im->row_bad) {
        if (im->table == DVK_IMPORT_UNITS && r.successor) {
            /* The successor may come later in the file (the key is checked at COMMIT). */
            sqlite3_stmt *st = im->look;
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, r.successor, -1, SQLITE_STATIC);
            int s = sqlite3_step(st);
            sqlite3_reset(st);
            if (s != SQLITE_ROW && s != SQLITE_DONE)
                return db_fail(im, s, err);
            if (s == SQLITE_DONE && (rc = add_pending(im, r.successor, err)))
                return rc;
        }
        if ((rc = write_row(im, &r, err)))
            return rc;
    }
    if (im->row_bad)
        return write_reject(im, rec, err);
    return DVK_OK;
}

static int on_record_import(void *ud, const dvk_csv_record *rec, dvk_error *err)
{
    importer *im = ud;
    if (!im->have_header)
        return on_header(im, rec, err);
    if (!im->notes_checked) {
        /* the notes row of a template (import.h): right below the header, marked */
        im->notes_checked = 1;
        size_t k = strlen(DVK_IMPORT_NOTES_MARK);
        if (rec->nfields && rec->len[0] >= k && memcmp(rec->field[0], DVK_IMPORT_NOTES_MARK, k) == 0)
            return DVK_OK;
    }
    return on_row(im, rec, err);
}

static void on_progress(void *ud, long long done, long long total)
{
    importer *im = ud;
    dvk_progress_update(im->bar, done);
}

/* ======================================================================================
 * Import: the row sources (a CSV file, or a sheet of a workbook)
 * ==================================================================================== */

#define PROBE_DONE 1000        /* stops the probe of a sheet: its header was found */
#define HEADER_ROWS_MAX 20     /* non-empty rows a sheet may have above its header (titles) */

/* What the first rows of a sheet say: the first non-empty row, and the row whose cells
 * name every column the table requires (0: none within HEADER_ROWS_MAX rows). */
typedef struct probe {
    importer *im;
    long first, header;
    size_t col0, first_col0;   /* empty cells left of the header / the first row */
    int seen;
} probe;

static size_t leading_empty(const dvk_xlsx_row *row)
{
    size_t i = 0;
    while (i < row->ncells && !row->len[i])
        i++;
    return i;
}

/* 1 when the row's cells name every required column of the table, 0 when not, -1 out of
 * memory. */
static int header_matches(const importer *im, const dvk_xlsx_row *row)
{
    unsigned char have[C_COUNT] = {0};
    for (size_t i = 0; i < row->ncells; i++) {
        if (!row->len[i])
            continue;
        char *key = header_key(row->cell[i], row->len[i]);
        if (!key)
            return -1;
        int c = match_column(im->tmask, key);
        free(key);
        if (c >= 0)
            have[c] = 1;
    }
    for (int c = 0; c < C_COUNT; c++)
        if ((COLS[c].required & im->tmask) && !have[c])
            return 0;
    return 1;
}

static int probe_row(void *ud, const dvk_xlsx_row *row, dvk_error *err)
{
    probe *p = ud;
    if (!p->seen++) {
        p->first = row->row;
        p->first_col0 = leading_empty(row);
    }
    int m = header_matches(p->im, row);
    if (m < 0)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    if (m) {
        p->header = row->row;
        p->col0 = leading_empty(row);
        return PROBE_DONE;
    }
    return p->seen >= HEADER_ROWS_MAX ? PROBE_DONE : DVK_OK;
}

static int probe_sheet(importer *im, dvk_xlsx *x, size_t i, probe *p, dvk_error *err)
{
    memset(p, 0, sizeof *p);
    p->im = im;
    int rc = dvk_xlsx_read(x, i, probe_row, p, err);
    return rc == PROBE_DONE ? DVK_OK : rc;
}

/* A row of the sheet as a record of the pipeline: the cells from the header's first column,
 * padded with empty cells to the header's width. Rows above the header (titles) and cells
 * left of it are not part of the table. */
static int xlsx_row(void *ud, const dvk_xlsx_row *row, dvk_error *err)
{
    static char empty[1];
    importer *im = ud;
    if (row->row < im->header_row)
        return DVK_OK;
    size_t n = row->ncells > im->col0 ? row->ncells - im->col0 : 0;
    int any = 0;
    for (size_t i = 0; i < n && !any; i++)
        any = row->len[im->col0 + i] != 0;
    if (!any)
        return DVK_OK;
    size_t w = im->have_header && im->ncols > n ? im->ncols : n;
    for (size_t i = 0; i < w; i++) {
        int in = i < n;
        im->xf[i] = in ? row->cell[im->col0 + i] : empty;
        im->xl[i] = in ? row->len[im->col0 + i] : 0;
        im->xt[i] = in ? row->type[im->col0 + i] : DVK_XLSX_EMPTY;
    }
    dvk_csv_record rec = {row->row, w, im->xf, im->xl};
    im->types = im->xt;
    int rc = on_record_import(im, &rec, err);
    im->types = NULL;
    return rc;
}

/* The bar counts the file's bytes: the sheet's inflated share of them. */
static void xlsx_progress(void *ud, long long done, long long total)
{
    importer *im = ud;
    if (total > 0 && im->file_bytes > 0)
        dvk_progress_update(im->bar, (long long)((double)done / (double)total * (double)im->file_bytes));
}

/* The sheets of x for a message: 'A', 'B' (hidden), ... */
static void sheet_list(dvk_xlsx *x, dvk_buf *b)
{
    for (size_t i = 0; i < dvk_xlsx_sheet_count(x); i++)
        dvk_buf_printf(b, "%s'%s'%s", i ? ", " : "", dvk_xlsx_sheet_name(x, i),
                       dvk_xlsx_sheet_hidden(x, i) ? " (hidden)" : "");
}

/* Import a sheet of the workbook at im->path: the one opts->sheet names, or else the first
 * visible sheet whose first rows hold a header with the table's required columns (the only
 * visible sheet whatever it holds, so that its header's problems are named). */
static int read_xlsx(importer *im, dvk_error *err)
{
    dvk_xlsx *x = NULL;
    int rc = dvk_xlsx_open(im->path, im->path, NULL, &x, err);
    if (rc)
        return rc;
    int chosen = -1;
    probe p;
    memset(&p, 0, sizeof p);
    dvk_buf b = DVK_BUF_INIT;
    if (im->opts->sheet) {
        if ((chosen = dvk_xlsx_sheet_find(x, im->opts->sheet)) < 0) {
            sheet_list(x, &b);
            rc = dvk_error_set(err, DVK_EDATA, "%s: no sheet named '%s' (sheets: %s)", im->path,
                               im->opts->sheet, dvk_buf_str(&b));
            goto done;
        }
        if ((rc = probe_sheet(im, x, (size_t)chosen, &p, err)))
            goto done;
    } else {
        int visible = 0, only = -1;
        for (size_t i = 0; i < dvk_xlsx_sheet_count(x) && chosen < 0; i++) {
            if (dvk_xlsx_sheet_hidden(x, i))
                continue;
            visible++;
            only = (int)i;
            if ((rc = probe_sheet(im, x, i, &p, err)))
                goto done;
            if (p.header)
                chosen = (int)i;
        }
        if (chosen < 0 && visible == 1) {
            chosen = only;   /* p is its probe */
        } else if (chosen < 0) {
            for (int c = 0; c < C_COUNT; c++)
                if (COLS[c].required & im->tmask)
                    dvk_buf_printf(&b, "%s%s", b.len ? ", " : "", COLS[c].name);
            dvk_buf_adds(&b, "; sheets: ");
            sheet_list(x, &b);
            rc = dvk_error_set(err, DVK_EDATA, "%s: no visible sheet has a header with the columns "
                               "of %s (%s); name the sheet with --sheet NAME", im->path,
                               dvk_import_table_name(im->table), dvk_buf_str(&b));
            goto done;
        }
    }
    if (!(im->sheet = strdup(dvk_xlsx_sheet_name(x, (size_t)chosen)))) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (!p.seen) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: sheet '%s' is empty (a header row is expected)",
                           im->path, im->sheet);
        goto done;
    }
    /* without a matching header, the first non-empty row is read as one (and its problems
     * named) */
    im->header_row = p.header ? p.header : p.first;
    im->col0 = p.header ? p.col0 : p.first_col0;
    dvk_xlsx_set_progress(x, xlsx_progress, im);
    rc = dvk_xlsx_read(x, (size_t)chosen, xlsx_row, im, err);
done:
    dvk_buf_free(&b);
    dvk_xlsx_close(x);
    return rc;
}

/* The first bytes of a regular file (none of a pipe, which is read as CSV): *n of them. */
static void file_head(FILE *in, unsigned char head[8], size_t *n)
{
    struct stat sb;
    memset(head, 0, 8);
    *n = 0;
    if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode)) {
        *n = fread(head, 1, 8, in);
        rewind(in);
    }
}

static int is_workbook(FILE *in)
{
    unsigned char head[8];
    size_t n;
    file_head(in, head, &n);
    return dvk_xlsx_is_zip(head, n) || dvk_xlsx_is_ole2(head, n);
}

/* The rows of the file: a workbook (by its first bytes) through read_xlsx, a CSV file through
 * the CSV reader; other formats get a message saying how to save them. */
static int read_rows(importer *im, FILE *in, long long total, dvk_error *err)
{
    unsigned char head[8];
    size_t n;
    file_head(in, head, &n);
    if (dvk_xlsx_is_zip(head, n) || dvk_xlsx_is_ole2(head, n))
        return read_xlsx(im, err);
    const char *ext = strrchr(im->path, '.');
    if (ext && (strcasecmp(ext, ".xlsx") == 0 || strcasecmp(ext, ".xls") == 0 ||
                strcasecmp(ext, ".xlsm") == 0 || strcasecmp(ext, ".ods") == 0))
        return dvk_error_set(err, DVK_EDATA, "%s: named as a spreadsheet but it is not one (an "
                             "HTML or text file renamed?): open it in Excel or LibreOffice Calc "
                             "and save it as \"Excel Workbook (.xlsx)\" or as CSV UTF-8", im->path);
    if (im->opts->sheet)
        return dvk_error_set(err, DVK_EUSAGE, "%s: --sheet is for Excel workbooks; this is a CSV file",
                             im->path);
    int utf16 = n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF));
    for (size_t i = 0; i < n && !utf16; i++)
        utf16 = head[i] == 0;   /* UTF-16 without a BOM: every other byte of ASCII is 0 */
    if (utf16)
        return dvk_error_set(err, DVK_EDATA, "%s:1: the file is UTF-16 text (Excel's \"Unicode "
                             "Text\"), and dvk reads UTF-8. " SAVE_AS_CSV, im->path);
    return dvk_csv_read(in, im->path, im->opts->chunk, on_record_import, im, on_progress, im,
                        total, err);
}

/* ======================================================================================
 * Import: the whole file
 * ==================================================================================== */

static const char *const TABLE_NAMES[] = {"units", "models", "appraisals", "appraisers"};

int dvk_import_table_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, TABLE_NAMES[i]) == 0)
            return i;
    return -1;
}

const char *dvk_import_table_name(dvk_import_table t) { return TABLE_NAMES[t]; }

void dvk_import_result_free(dvk_import_result *res)
{
    if (!res)
        return;
    for (int i = 0; i < res->nmessages; i++)
        free(res->messages[i]);
    free(res->messages);
    res->messages = NULL;
    res->nmessages = 0;
}

#ifndef DVK_CSV_CACHE_KIB
#define DVK_CSV_CACHE_KIB "-32768"     /* negative: KiB, so 32 MiB */
#endif
#define DVK_CSV_BULK_CACHE_KIB "-12288"  /* 12 MiB while rebuilding indexes */

static const char *SQL_LOOK[] = {
    [DVK_IMPORT_UNITS] = "SELECT province FROM units WHERE code=?1",
    [DVK_IMPORT_MODELS] = NULL,   /* models ask the unit tree */
    [DVK_IMPORT_APPRAISALS] = "SELECT id, province, level, unit FROM models WHERE code=?1",
    [DVK_IMPORT_APPRAISERS] = "SELECT province FROM units WHERE code=?1",
};

static void importer_free(importer *im)
{
    row_reset(im);
    sqlite3_finalize(im->ins);
    sqlite3_finalize(im->find);
    sqlite3_finalize(im->upd);
    sqlite3_finalize(im->look);
    sqlite3_finalize(im->look2);
    sqlite3_finalize(im->final_in);
    sqlite3_finalize(im->final_diff);
    for (size_t i = 0; i < im->ncols; i++)
        free(im->colname[i]);
    for (int i = 0; i < im->nmetrics; i++) {
        free(im->metrics[i].name);
        free(im->metrics[i].json_key);
    }
    dvk_buf_free(&im->reason);
    dvk_buf_free(&im->json);
    dvk_buf_free(&im->line);
    dvk_buf_free(&im->metric_names);
    seen_free(&im->seen);
    dvk_units_free(im->units);
    free(im->unit_prov);
    while (im->provinces) {
        province *p = im->provinces;
        im->provinces = p->next;
        for (int i = 0; i < p->nfields; i++) {
            free(p->ids[i]);
            free(p->keys[i]);
        }
        for (int i = 0; i < p->nlevels; i++)
            free(p->levels[i]);
        for (int i = 0; i < p->ncriteria; i++)
            free(p->crit_ids[i]);
        free(p->crit_ids);
        free(p->crit_max);
        free(p->ids);
        free(p->keys);
        free(p->levels);
        free(p->levels_text);
        free(p->code);
        free(p);
    }
    for (size_t i = 0; i < im->npend; i++)
        free(im->pend[i].successor);
    free(im->pend);
    free(im->sheet);
}

/* Successors that were not known when their row was read must exist by the end. An unknown
 * successor fails the import even with --skip-bad (the row is already written and the
 * foreign key is checked at COMMIT). */
static int check_pending(importer *im, dvk_error *err)
{
    sqlite3_stmt *st = im->look;
    for (size_t i = 0; i < im->npend; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, im->pend[i].successor, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_ROW)
            continue;
        if (rc != SQLITE_DONE)
            return dvk_store_fail(im->s, rc, err, "checking successors");
        problem(im, im->pend[i].line, P(C_SUCCESSOR), im->pend[i].successor,
                strlen(im->pend[i].successor), "unknown unit (not in this file nor in the database)");
    }
    return DVK_OK;
}

static int audit(importer *im, dvk_error *err)
{
    dvk_buf d = DVK_BUF_INIT;
    dvk_buf_printf(&d, "{\"table\":\"%s\",\"file\":", TABLE_NAMES[im->table]);
    const char *file = im->path;
    if (dvk_text_valid_utf8(file, strlen(file)))
        dvk_json_strz(&d, file);
    else
        dvk_buf_adds(&d, "\"?\"");
    int bad = dvk_buf_printf(&d, ",\"rows\":%lld,\"inserted\":%lld,\"updated\":%lld,\"unchanged\":%lld,"
                         "\"rejected\":%lld}", im->res->rows, im->res->inserted, im->res->updated,
                         im->res->unchanged, im->res->rejected);
    int rc = bad ? dvk_error_set(err, DVK_ENOMEM, "out of memory")
                 : dvk_store_audit(im->s, "import", d.p, err);
    dvk_buf_free(&d);
    return rc;
}

/* Bulk loads: a big file into a table that holds fewer rows than the file brings goes much
 * faster when the table's secondary indexes (plain, non-unique, created by the schema) are
 * dropped inside the import's transaction and created again, from the very SQL text the
 * schema stored, just before COMMIT: building an index by sorting costs a fraction of
 * inserting a million random keys (models.name_key) into a B-tree larger than the cache.
 * Other connections never see the table without them (one transaction), a failed or dry
 * run rolls the drop back, and the schema after COMMIT is the same text as before. */
#define BULK_MIN_BYTES (16LL << 20)
#define BULK_BYTES_PER_ROW 256

static int set_indexes_aside(importer *im, long long file_bytes, dvk_error *err)
{
    long long min = im->opts->bulk_min_bytes > 0 ? im->opts->bulk_min_bytes : BULK_MIN_BYTES;
    if (im->table != DVK_IMPORT_MODELS || file_bytes < min)
        return DVK_OK;
    /* max(id) (read at the start) stands for the row count: no scan of a big table */
    if (file_bytes / BULK_BYTES_PER_ROW <= im->max_before)
        return DVK_OK;
    /* The indexes dvk's schema gives the table (the store refused the file at open if its
     * schema differs): dropped and rebuilt from dvk's own SQL, never from the file's. */
    const char *const (*idx)[2];
    int n = dvk_store_model_indexes(&idx);
    /* Without the random-order indexes the table and its code index grow at their ends:
     * a small cache does, and leaves room for the sorts of the rebuild. */
    sqlite3_exec(im->db, "PRAGMA cache_size = " DVK_CSV_BULK_CACHE_KIB, NULL, NULL, NULL);
    for (int i = 0; i < n; i++) {
        sqlite3_stmt *st;
        char drop[96];
        snprintf(drop, sizeof drop, "DROP INDEX %s", idx[i][0]);   /* constant names */
        int x = sqlite3_prepare_v2(im->db, drop, -1, &st, NULL);
        if (x == SQLITE_OK) {
            x = sqlite3_step(st);
            sqlite3_finalize(st);
        }
        if (x != SQLITE_OK && x != SQLITE_DONE)
            return dvk_store_fail(im->s, x, err, "preparing a bulk import");
        im->nidx = i + 1;   /* set aside so far: rebuilt by put_indexes_back */
    }
    /* SQLite evaluates a CHECK's IN list of more than two constants through a temporary
     * B-tree that a one-row INSERT builds anew for every row (models has two: kind and
     * level): a bulk load leaves the CHECKs to one query over the table before COMMIT
     * (models_checked), with the same expressions. The values were checked row by row
     * before (the problems a user sees); this is the schema's own guard, kept. */
    if (sqlite3_exec(im->db, "PRAGMA ignore_check_constraints = ON", NULL, NULL, NULL) == SQLITE_OK)
        im->checks_once = 1;
    return DVK_OK;
}

/* The CHECK constraints of the models table (migration 1), as one condition. */
#define MODELS_CHECKS                                                                         \
    "kind IN ('tap-the','ca-nhan','ho-gia-dinh') AND category IN ('mo-hinh','dien-hinh')"     \
    " AND level IN ('co-so','huyen','tinh') AND registration IN ('moi','tiep-tuc')"           \
    " AND synthetic IN (0,1)"

/* After a bulk load without per-row CHECKs: every row of models meets them (a CHECK fails
 * only when its expression is false, not NULL), else the import fails, nothing written. */
static int models_checked(importer *im, dvk_error *err)
{
    if (!im->checks_once)
        return DVK_OK;
    sqlite3_exec(im->db, "PRAGMA ignore_check_constraints = OFF", NULL, NULL, NULL);
    im->checks_once = 0;
    sqlite3_stmt *st;
    /* the rows added (ids above those there before), and every row when some were updated */
    int x = sqlite3_prepare_v2(im->db, "SELECT code FROM models WHERE id > ?1 AND NOT ("
                                       MODELS_CHECKS ") LIMIT 1", -1, &st, NULL);
    if (x != SQLITE_OK)
        return dvk_store_fail(im->s, x, err, "checking the imported models");
    sqlite3_bind_int64(st, 1, im->res->updated > 0 ? 0 : im->max_before);
    x = sqlite3_step(st);
    int rc = DVK_OK;
    if (x == SQLITE_ROW)
        rc = dvk_error_set(err, DVK_EDATA, "%s: model %s fails a CHECK constraint of the models "
                           "table: nothing imported", im->path,
                           (const char *)sqlite3_column_text(st, 0));
    else if (x != SQLITE_DONE)
        rc = dvk_store_fail(im->s, x, err, "checking the imported models");
    sqlite3_finalize(st);
    return rc;
}

/* The indexes set aside, rebuilt before COMMIT from dvk's own SQL. */
static int put_indexes_back(importer *im, dvk_error *err)
{
    /* Each CREATE INDEX sorts with up to cache_size of memory besides the cache itself:
     * keep both small so that the peak stays far below 64 MiB. */
    if (im->nidx)
        sqlite3_exec(im->db, "PRAGMA cache_size = " DVK_CSV_BULK_CACHE_KIB, NULL, NULL, NULL);
    const char *const (*idx)[2];
    dvk_store_model_indexes(&idx);
    for (int i = 0; i < im->nidx; i++) {
        sqlite3_stmt *st;
        int x = sqlite3_prepare_v2(im->db, idx[i][1], -1, &st, NULL);
        if (x == SQLITE_OK) {
            x = sqlite3_step(st);
            sqlite3_finalize(st);
        }
        if (x != SQLITE_OK && x != SQLITE_DONE)
            return dvk_store_fail(im->s, x, err, "rebuilding the models indexes");
    }
    return DVK_OK;
}

int dvk_import(dvk_store *s, dvk_import_table table, const char *path,
               const dvk_import_opts *opts, dvk_import_result *res, dvk_error *err)
{
    static const dvk_import_opts defaults;
    importer *im = calloc(1, sizeof *im);
    FILE *in = NULL;
    int rc = DVK_OK, in_tx = 0;
    int cache_raised = 0;
    if (!opts)
        opts = &defaults;
    if (!im)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    im->s = s;
    im->db = dvk_store_db(s);
    im->table = table;
    im->tmask = 1u << table;
    im->path = path;
    im->opts = opts;
    im->res = res;
    im->max_messages = opts->max_messages > 0 ? opts->max_messages : DVK_IMPORT_PROBLEMS_MAX;
    if (table == DVK_IMPORT_MODELS && !opts->levels) {
        rc = dvk_error_set(err, DVK_EUSAGE, "%s: importing models needs the provinces' levels "
                           "(dvk_import_opts.levels)", path);
        goto done;
    }
    if (!(res->messages = calloc((size_t)im->max_messages, sizeof *res->messages))) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (!(in = fopen(path, "rb"))) {
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot open (%s)", path, strerror(errno));
        goto done;
    }
    struct stat sb;
    long long total = fstat(fileno(in), &sb) == 0 ? (long long)sb.st_size : 0;
    if (opts->rejects_path) {
        /* never the file being read nor the database it goes into */
        const dvk_outfile_keep keep = {.db = dvk_store_path(s), .input = path};
        if ((rc = dvk_outfile_open(&im->rejects, opts->rejects_path, &keep, 0, err)))
            goto done;
        im->rejects_open = 1;
    }
    /* A bigger page cache while importing: the name_key index takes rows in random order,
     * and with SQLite's default 2 MiB most of the time goes to re-reading pages. Bounded,
     * so memory still does not grow with the file; set back to the store's at the end. */
    cache_raised = 1;
    sqlite3_exec(im->db, "PRAGMA cache_size = " DVK_CSV_CACHE_KIB, NULL, NULL, NULL);
    if ((rc = dvk_store_begin(s, err)))
        goto done;
    in_tx = 1;
    sqlite3_stmt *mx = dvk_store_prepare(s, SQL_MAXROWID[table], err);
    if (!mx) {
        rc = err->code;
        goto done;
    }
    int mrc = sqlite3_step(mx);
    if (mrc == SQLITE_ROW)
        im->max_before = sqlite3_column_int64(mx, 0);
    sqlite3_finalize(mx);
    if (mrc != SQLITE_ROW) {
        rc = dvk_store_fail(s, mrc, err, "starting the import");
        goto done;
    }
    /* a workbook holds about a quarter of the bytes of the same rows as CSV (deflate) */
    if ((rc = set_indexes_aside(im, is_workbook(in) ? total * 4 : total, err)))
        goto done;
    if (table == DVK_IMPORT_MODELS) {
        if ((rc = dvk_units_load(s, NULL, &im->units, err)))
            goto done;
        if (!(im->unit_prov = calloc(dvk_units_count(im->units) + 1, sizeof *im->unit_prov))) {
            rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (!(im->ins = dvk_store_prepare(s, SQL_INSERT[table], err)) ||
        !(im->find = dvk_store_prepare(s, SQL_FIND[table], err)) ||
        !(im->upd = dvk_store_prepare(s, SQL_UPDATE[table], err)) ||
        (SQL_LOOK[table] && !(im->look = dvk_store_prepare(s, SQL_LOOK[table], err)))) {
        rc = err->code;
        goto done;
    }
    char label[64];
    snprintf(label, sizeof label, "importing %s", TABLE_NAMES[table]);
    im->bar = dvk_progress_start(label, total);
    im->file_bytes = total;
    rc = read_rows(im, in, total, err);
    dvk_progress_finish(im->bar);
    im->bar = NULL;
    if (rc)
        goto done;
    if (!im->have_header) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: the file is empty (a header line is expected)", path);
        goto done;
    }
    long long before = res->problems;
    if ((rc = check_pending(im, err)))
        goto done;
    if (res->problems > before && opts->rejects_path) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: %lld unknown successor%s: nothing imported",
                           path, res->problems - before, res->problems - before == 1 ? "" : "s");
        goto done;
    }
    if (res->problems && !opts->rejects_path) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: %lld problem%s in %lld row%s: nothing imported",
                           path, res->problems, res->problems == 1 ? "" : "s", res->rejected,
                           res->rejected == 1 ? "" : "s");
        goto done;
    }
    if (opts->dry_run)
        goto done;
    /* An import that stores nothing new (the same file again) leaves no audit record
     * either: the database is exactly as it was. */
    DVK_FAULT_POINT("import-commit");
    if ((rc = models_checked(im, err)) || (rc = put_indexes_back(im, err)) ||
        (res->inserted + res->updated > 0 && (rc = audit(im, err))) ||
        (rc = dvk_store_commit(s, err)))
        goto done;
    in_tx = 0;
    res->committed = 1;
    DVK_FAULT_POINT("import-committed");
done:
    if (in_tx)
        dvk_store_rollback(s);
    if (im->checks_once)
        sqlite3_exec(im->db, "PRAGMA ignore_check_constraints = OFF", NULL, NULL, NULL);
    if (cache_raised)
        sqlite3_exec(im->db, "PRAGMA cache_size = " DVK_STORE_CACHE_KIB, NULL, NULL, NULL);
    if (in)
        fclose(in);
    if (im->rejects_open) {
        int wrc = dvk_outfile_close(&im->rejects, rc == DVK_OK, rc ? NULL : err);
        if (!rc)
            rc = wrc;
    }
    if (rc == DVK_OK && !res->committed && !opts->dry_run)
        rc = dvk_error_set(err, DVK_EIO, "%s: not imported", path);
    importer_free(im);
    free(im);
    return rc;
}
