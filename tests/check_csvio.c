/* check_csvio.c: the CSV reader at every chunk size, the importer's checks, rejects, dry runs,
 * idempotence, and the export -> import round trip (formula neutralisation included). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dvk/buf.h"
#include "dvk/csv.h"
#include "dvk/export.h"
#include "dvk/import.h"
#include "dvk/script.h"
#include "dvk/store.h"
#include "testutil.h"

#define DATA DVK_TEST_SOURCE_DIR "/tests/data/csv/"

/* ---- the reader ------------------------------------------------------------------- */

typedef struct dump {
    char out[8192];
    size_t n;
} dump;

static int dump_record(void *ud, const dvk_csv_record *rec, dvk_error *err)
{
    dump *d = ud;
    d->n += (size_t)snprintf(d->out + d->n, sizeof d->out - d->n, "%ld:", rec->line);
    for (size_t i = 0; i < rec->nfields; i++) {
        ck_assert_uint_eq(strlen(rec->field[i]), rec->len[i]);
        if (rec->len[i] > 100)
            d->n += (size_t)snprintf(d->out + d->n, sizeof d->out - d->n, "[%zu bytes]", rec->len[i]);
        else
            d->n += (size_t)snprintf(d->out + d->n, sizeof d->out - d->n, "[%s]", rec->field[i]);
    }
    d->n += (size_t)snprintf(d->out + d->n, sizeof d->out - d->n, "\n");
    return DVK_OK;
}

/* Parse data with chunk size chunk; the dump (or "ERR: message") goes to out. */
static void parse_with(const char *data, size_t len, size_t chunk, dump *d)
{
    FILE *f = fmemopen((void *)data, len, "rb");
    ck_assert_ptr_nonnull(f);
    dvk_error err;
    dvk_error_clear(&err);
    memset(d, 0, sizeof *d);
    int rc = dvk_csv_read(f, "t.csv", chunk, dump_record, d, NULL, NULL, 0, &err);
    if (rc)
        d->n += (size_t)snprintf(d->out + d->n, sizeof d->out - d->n, "ERR: %s", err.msg);
    fclose(f);
}

static const struct {
    const char *in;
    const char *expect;
} READER_CASES[] = {
    {"a,b\nc,d\n", "1:[a][b]\n2:[c][d]\n"},
    {"a,b\r\nc,d", "1:[a][b]\n2:[c][d]\n"},
    {"\xEF\xBB\xBF" "a,b\r\n\r\n\r\nc,d\r\n", "1:[a][b]\n4:[c][d]\n"},
    {"a,\"x\ny\"\nb,c\n", "1:[a][x\ny]\n3:[b][c]\n"},
    {"a,\"x\r\ny\r\nz\"\r\nb,c\r\n", "1:[a][x\r\ny\r\nz]\n4:[b][c]\n"},
    {"a\rb\r\rc\n", "1:[a]\n2:[b]\n4:[c]\n"},
    {"\"he said \"\"hi\"\"\",  x  ,\" y \"\n", "1:[he said \"hi\"][x][ y ]\n"},
    {"a,b\n,,\n  \nc,\n", "1:[a][b]\n4:[c][]\n"},
    {"x,\"\"\n", "1:[x][]\n"},
    {"\n\n\xEF\xBB\xBF" "a\n", "3:[\xEF\xBB\xBF" "a]\n"},
    {"a,b\nc,d\"e\n", "1:[a][b]\nERR: t.csv:2: column 'b': misplaced quote (a quote may only "
                      "open a field, close it before a comma or the end of the line, or be "
                      "doubled inside a quoted field)"},
    {"a,b\n\"1\nx\"y,2\n", "1:[a][b]\nERR: t.csv:2: column 'a': misplaced quote on line 3 (a quote "
                           "may only open a field, close it before a comma or the end of the "
                           "line, or be doubled inside a quoted field)"},
    {"a,b\nc,\"d\ne\n", "1:[a][b]\nERR: t.csv:2: column 'b': quoted field is never closed "
                        "(the file ends on line 4)"},
};

START_TEST(test_reader_every_chunk)
{
    const char *in = READER_CASES[_i].in;
    size_t len = strlen(in);
    for (size_t chunk = 1; chunk <= len + 1; chunk++) {
        dump d;
        parse_with(in, len, chunk, &d);
        ck_assert_msg(strcmp(d.out, READER_CASES[_i].expect) == 0,
                      "case %d, chunk %zu:\n got: %s\nwant: %s", _i, chunk, d.out,
                      READER_CASES[_i].expect);
    }
}
END_TEST

START_TEST(test_reader_field_cap)
{
    size_t big = DVK_CSV_FIELD_MAX + 10;
    char *data = malloc(big + 16);
    memcpy(data, "h\n\"", 3);
    memset(data + 3, 'x', big);
    strcpy(data + 3 + big, "\"\n");
    size_t chunks[] = {1, 7, 4096, DVK_CSV_CHUNK};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        if (chunks[i] == 1 && big > 200000)
            continue;
        dump d;
        parse_with(data, strlen(data), chunks[i], &d);
        ck_assert_str_eq(d.out, "1:[h]\nERR: t.csv:2: column 'h': field longer than 65536 bytes "
                                "(an unclosed quote?)");
    }
    /* exactly at the cap is accepted (with trailing spaces trimmed) */
    memset(data + 2, 'y', DVK_CSV_FIELD_MAX);
    strcpy(data + 2 + DVK_CSV_FIELD_MAX, "   \n");
    dump d;
    parse_with(data, strlen(data), 1000, &d);
    ck_assert_str_eq(d.out, "1:[h]\n2:[65536 bytes]\n");
    free(data);
}
END_TEST

/* ---- helpers for imports ---------------------------------------------------------- */

static void exec_sql(dvk_store *s, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(dvk_store_db(s), sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "");
}

static int import(dvk_store *s, dvk_import_table t, const char *path, const dvk_import_opts *o,
                  dvk_import_result *res, dvk_error *err)
{
    memset(res, 0, sizeof *res);
    dvk_error_clear(err);
    /* the levels of the shipped scripts (the test provinces have none: every level) */
    dvk_import_opts with = o ? *o : (dvk_import_opts){0};
    if (!with.levels) {
        with.levels = dvk_script_levels;
        with.levels_ud = (void *)tu_scripts_dir();
    }
    int rc = dvk_import(s, t, path, &with, res, err);
    if (getenv("DVK_TEST_VERBOSE") && rc)
        fprintf(stderr, "  err: %s\n", err->msg);
    if (getenv("DVK_TEST_VERBOSE"))
        for (int i = 0; i < res->nmessages; i++)
            fprintf(stderr, "  %s\n", res->messages[i]);
    return rc;
}

/* A store with the fixture units imported and tinh-a's two fields declared. */
static dvk_store *fixture_store(char **dir)
{
    dvk_store *s = tu_store(dir);
    dvk_import_result res;
    dvk_error err;
    int rc = import(s, DVK_IMPORT_UNITS, DATA "units.csv", NULL, &res, &err);
    ck_assert_msg(rc == DVK_OK, "%s", err.msg);
    dvk_import_result_free(&res);
    exec_sql(s, "INSERT INTO fields(province,id,name) VALUES('tinh-a','kinh-te','Kinh tế'),"
                "('tinh-a','van-hoa-xa-hoi','Văn hóa – xã hội')");
    return s;
}

static char *text1(dvk_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    const char *t = (const char *)sqlite3_column_text(st, 0);
    char *r = strdup(t ? t : "(null)");
    sqlite3_finalize(st);
    return r;
}

#define ck_text(s, sql, want)                                                               \
    do {                                                                                    \
        char *got_ = text1(s, sql);                                                         \
        ck_assert_msg(strcmp(got_, want) == 0, "%s: got '%s', want '%s'", sql, got_, want); \
        free(got_);                                                                         \
    } while (0)

/* Message i ends with "/want" (messages start with the temporary folder). */
static void msg_is(const dvk_import_result *res, int i, const char *want)
{
    ck_assert_msg(i < res->nmessages, "only %d messages, wanted: %s", res->nmessages, want);
    const char *m = res->messages[i];
    size_t n = strlen(m), w = strlen(want);
    ck_assert_msg(n > w && strcmp(m + n - w, want) == 0 && m[n - w - 1] == '/',
                  "message %d:\n got: %s\nwant: .../%s", i, m, want);
}

/* ---- units -------------------------------------------------------------------------- */

START_TEST(test_units)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM units"), 8);
    ck_text(s, "SELECT province FROM units WHERE code='xa-1'", "tinh-a");
    ck_text(s, "SELECT province FROM units WHERE code='huyen-b1'", "tinh-b");
    ck_text(s, "SELECT successor FROM units WHERE code='xa-1'", "xa-2");
    ck_text(s, "SELECT name_key FROM units WHERE code='xa-1'", "xa tan thanh");
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM audit_log WHERE action='import'"), 1);
    /* again: nothing changes */
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import(s, DVK_IMPORT_UNITS, DATA "units.csv", NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.unchanged, 8);
    ck_assert_int_eq(res.inserted + res.updated, 0);
    dvk_import_result_free(&res);

    char *bad = tu_path(dir, "u.csv");
    tu_write(bad, "code,name,kind,parent,successor\n"
                  "x1,X,commune,nowhere,\n"
                  "x2,X,district,,\n"
                  "x3,X,province,tinh-a,\n"
                  "x4,X,commune,huyen-1,ghost\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_UNITS, bad, NULL, &res, &err), DVK_EDATA);
    ck_assert_int_eq(res.problems, 4);
    ck_assert_int_eq(res.nmessages, 4);
    msg_is(&res, 0, "u.csv:2: column 'parent': unknown unit (a parent must come before its "
                    "children, in this file or the database) (nowhere)");
    msg_is(&res, 1, "u.csv:3: column 'parent': required for a unit of kind district (the unit "
                    "it belongs to)");
    msg_is(&res, 2, "u.csv:4: column 'parent': a province has no parent unit (tinh-a)");
    msg_is(&res, 3, "u.csv:5: column 'successor': unknown unit (not in this file nor in the "
                    "database) (ghost)");
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM units"), 8);
    free(bad);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* ---- models ------------------------------------------------------------------------- */

START_TEST(test_models_good)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.rows, 3);
    ck_assert_int_eq(res.inserted, 3);
    ck_assert_int_eq(res.problems, 0);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT metrics FROM models WHERE code='M001'", "{\"funds_vnd\":1500000000,\"workdays\":2600}");
    ck_text(s, "SELECT metrics FROM models WHERE code='M002'", "{\"workdays\":35}");
    ck_text(s, "SELECT metrics FROM models WHERE code='M003'", "{\"funds_vnd\":2.5}");
    ck_text(s, "SELECT name FROM models WHERE code='M002'", "Mô hình \"Hũ gạo tình thương\"");
    ck_text(s, "SELECT province || ' ' || field FROM models WHERE code='M003'", "tinh-a kinh-te");
    ck_text(s, "SELECT address FROM models WHERE code='M001'", "thôn Nà Pài, xã Tân Thành");
    ck_text(s, "SELECT coalesce(address,'NULL') FROM models WHERE code='M002'", "NULL");
    ck_text(s, "SELECT name_key FROM models WHERE code='M003'", "con nuoi don bien phong");
    ck_assert_int_eq(tu_int(s, "SELECT synthetic FROM models WHERE code='M003'"), 1);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM audit_log WHERE action='import'"
                               " AND detail LIKE '%\"table\":\"models\"%\"inserted\":3%'"), 1);

    /* the same file again changes nothing */
    long long audits = tu_int(s, "SELECT count(*) FROM audit_log");
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.unchanged, 3);
    ck_assert_int_eq(res.inserted + res.updated, 0);
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM audit_log"), audits);

    /* a changed row updates in place (same id); a new one is added */
    long long id = tu_int(s, "SELECT id FROM models WHERE code='M002'");
    char *path = tu_path(dir, "m.csv");
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,workdays\n"
                   "M002,Hũ gạo,xa-2,ca-nhan,dien-hinh,van-hoa-xa-hoi,huyen,2024,tiep-tuc,40\n"
                   "M009,Mới,xa-2,ca-nhan,dien-hinh,van-hoa-xa-hoi,huyen,2024,tiep-tuc,\n",
             (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.updated, 1);
    ck_assert_int_eq(res.inserted, 1);
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT id FROM models WHERE code='M002'"), id);
    ck_text(s, "SELECT name || '|' || year || '|' || metrics FROM models WHERE code='M002'",
            "Hũ gạo|2024|{\"workdays\":40}");
    ck_text(s, "SELECT metrics FROM models WHERE code='M009'", "{}");

    /* a key twice in one file is a problem, also when it was stored before */
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration\n"
                   "M001,A,xa-2,ca-nhan,mo-hinh,kinh-te,huyen,2024,moi\n"
                   "M001,B,xa-2,ca-nhan,mo-hinh,kinh-te,huyen,2024,moi\n"
                   "N001,A,xa-2,ca-nhan,mo-hinh,kinh-te,huyen,2024,moi\n"
                   "N001,A,xa-2,ca-nhan,mo-hinh,kinh-te,huyen,2024,moi\n", (size_t)-1);
    /* (--replace: the file has no metric columns; M001's would be dropped otherwise) */
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, &(dvk_import_opts){.replace = 1}, &res,
                            &err), DVK_EDATA);
    ck_assert_int_eq(res.problems, 2);
    msg_is(&res, 0, "m.csv:3: column 'code': duplicate code: an earlier row of this file has it (M001)");
    msg_is(&res, 1, "m.csv:5: column 'code': duplicate code: an earlier row of this file has it (N001)");
    dvk_import_result_free(&res);
    ck_text(s, "SELECT name FROM models WHERE code='M001'", "Dân vận khéo trong vận động hiến đất làm đường");
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models WHERE code='N001'"), 0);
    free(path);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_models_vietnamese)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    int rc = import(s, DVK_IMPORT_MODELS, DATA "models_vi.csv", NULL, &res, &err);
    for (int i = 0; i < res.nmessages; i++)
        fprintf(stderr, "%s\n", res.messages[i]);
    ck_assert_msg(rc == DVK_OK, "%s", err.msg);
    ck_assert_int_eq(res.inserted, 2);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT name FROM models WHERE code='V001'", "Khu dân cư tự quản về an ninh trật tự");
    ck_text(s, "SELECT kind||' '||category||' '||level||' '||registration||' '||field||' '||started_on"
               " FROM models WHERE code='V001'", "tap-the mo-hinh co-so moi van-hoa-xa-hoi 2023-03-15");
    ck_text(s, "SELECT description FROM models WHERE code='V001'", "Dòng một\r\nDòng hai");
    ck_text(s, "SELECT metrics FROM models WHERE code='V001'", "{\"houses\":3}");
    ck_text(s, "SELECT kind||' '||category||' '||level||' '||registration FROM models WHERE code='V002'",
            "ho-gia-dinh dien-hinh huyen tiep-tuc");
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

static const char *const BAD_MESSAGES[] = {
    "models_bad.csv:3: column 'name': a value is required here",
    "models_bad.csv:4: column 'unit': unknown unit (import the units file first) (xa-9)",
    "models_bad.csv:5: column 'kind': must be tap-the, ca-nhan or ho-gia-dinh (nhom)",
    "models_bad.csv:5: column 'level': must be co-so, huyen or tinh (xa-phuong)",
    "models_bad.csv:6: column 'year': must be a year between 1900 and 2200 (hai nghìn)",
    "models_bad.csv:6: column 'started_on': must be a date written YYYY-MM-DD (or DD/MM/YYYY) (2023-02-30)",
    "models_bad.csv:6: column 'funds_vnd': is ambiguous (a dot or comma before exactly three digits "
    "may group thousands or mark decimals): write it without grouping (1149, 1149,5) or with another "
    "number of decimals (1,1490), or say how the file writes numbers with --number-format vi "
    "(1.020.000 and 2,5) or plain (1020000 and 2.5) (1.149)",
    "models_bad.csv:7: column 'field': not a field of province tinh-a (fields: kinh-te, van-hoa-xa-hoi) (the-thao)",
    "models_bad.csv:8: the row has 4 fields, the header has 11",
    "models_bad.csv:9: column 'code': duplicate code: an earlier row of this file has it (B001)",
    "models_bad.csv:10: column 'unit': the unit ceased to exist on 2025-06-30, before 2026 (xa-1)",
    "models_bad.csv:11: column 'field': no fields are declared for province tinh-b; run `dvk init` with its script",
};

START_TEST(test_models_bad)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models_bad.csv", NULL, &res, &err), DVK_EDATA);
    int n = (int)(sizeof BAD_MESSAGES / sizeof BAD_MESSAGES[0]);
    ck_assert_int_eq(res.nmessages, n);
    for (int i = 0; i < n; i++)
        msg_is(&res, i, BAD_MESSAGES[i]);
    ck_assert_int_eq(res.rejected, 9);
    ck_assert_str_eq(strstr(err.msg, "models_bad.csv"), "models_bad.csv: 12 problems in 9 rows: nothing imported");
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models"), 0);

    /* a limit on messages: the rest are counted */
    dvk_import_opts o = {.max_messages = 3};
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models_bad.csv", &o, &res, &err), DVK_EDATA);
    ck_assert_int_eq(res.nmessages, 3);
    ck_assert_int_eq(res.problems, 12);
    dvk_import_result_free(&res);

    /* --skip-bad: the good row is imported, the others written with line and reason */
    char *rej = tu_path(dir, "rejects.csv");
    dvk_import_opts sk = {.rejects_path = rej};
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models_bad.csv", &sk, &res, &err), DVK_OK);
    ck_assert_int_eq(res.inserted, 1);
    ck_assert_int_eq(res.rejected, 9);
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models"), 1);
    size_t len;
    char *text = tu_read(rej, &len);
    ck_assert_ptr_nonnull(text);
    const char *want_head = "line,reason,code,name,unit,kind,category,field,level,year,registration,started_on,funds_vnd\r\n"
                            "3,column 'name': a value is required here,B002,,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,2023-01-01,100\r\n";
    ck_assert_msg(strncmp(text, want_head, strlen(want_head)) == 0, "rejects:\n%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\r\n5,\"column 'kind': must be tap-the, ca-nhan or ho-gia-dinh (nhom); "
                                       "column 'level': must be co-so, huyen or tinh (xa-phuong)\",B004,"));
    ck_assert_ptr_nonnull(strstr(text, "\r\n8,\"the row has 4 fields, the header has 11\",B007,Thiếu cột,xa-2,tap-the\r\n"));
    free(text);

    /* the rejects file is re-importable once the reasons are fixed: check its shape */
    dvk_import_result r2;
    dvk_import_opts dry = {.dry_run = 1};
    ck_assert_int_eq(import(s, DVK_IMPORT_UNITS, rej, &dry, &r2, &err), DVK_EDATA);
    dvk_import_result_free(&r2);
    free(rej);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_dry_run_and_chunks)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    long long audits = tu_int(s, "SELECT count(*) FROM audit_log");
    /* every chunk size gives the same outcome */
    const char *files[] = {DATA "models.csv", DATA "models_vi.csv", DATA "models_bad.csv"};
    for (int f = 0; f < 3; f++) {
        char want[4096] = "";
        size_t len = 0;
        free(tu_read(files[f], &len));
        for (size_t chunk = 1; chunk <= len + 1; chunk++) {
            dvk_import_opts o = {.dry_run = 1, .chunk = chunk};
            dvk_import_result res;
            dvk_error err;
            int rc = import(s, DVK_IMPORT_MODELS, files[f], &o, &res, &err);
            char got[4096];
            int n = snprintf(got, sizeof got, "rc=%d rows=%lld new=%lld bad=%lld problems=%lld",
                             rc, res.rows, res.inserted, res.rejected, res.problems);
            for (int i = 0; i < res.nmessages; i++)
                n += snprintf(got + n, sizeof got - (size_t)n, "\n%s", res.messages[i]);
            dvk_import_result_free(&res);
            if (chunk == 1)
                strcpy(want, got);
            else
                ck_assert_msg(strcmp(want, got) == 0, "%s chunk %zu:\n%s\nvs chunk 1:\n%s",
                              files[f], chunk, got, want);
        }
    }
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models"), 0);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM audit_log"), audits);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_file_errors)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    char *path = tu_path(dir, "f.csv");
    static const struct {
        const char *data;
        const char *msg;
    } cases[] = {
        {"", "f.csv: the file is empty (a header line is expected)"},
        {"\n\n", "f.csv: the file is empty (a header line is expected)"},
        {"code,name,unit\n", "f.csv:1: missing columns 'kind', 'category', 'field', 'level', "
                             "'year', 'registration' (see `dvk import --help`)"},
        {"Mã,Tên,Đơn vị,Loại,Phân loại,Lĩnh vực,Cấp,Năm,Đăng ký,ma\n",
         "f.csv:1: column 'ma' names column 'code' again (already column 1, 'Mã')"},
        {"code,,unit\n", "f.csv:1: column 2 has no name in the header"},
        {"code,name,unit,kind,category,field,level,year,registration\nx,\"a\"b\n",
         "f.csv:2: column 'name': misplaced quote (a quote may only open a field, close it "
         "before a comma or the end of the line, or be doubled inside a quoted field)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_write(path, cases[i].data, (size_t)-1);
        ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_EDATA);
        const char *m = strstr(err.msg, "f.csv");
        ck_assert_msg(m && strcmp(m, cases[i].msg) == 0, "case %zu: %s", i, err.msg);
        dvk_import_result_free(&res);
    }
    tu_write(path, "code,name,kind\nx,\xC3\x28,commune\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_UNITS, path, NULL, &res, &err), DVK_EDATA);
    msg_is(&res, 0, "f.csv:2: column 'name': not valid UTF-8 (save the file as UTF-8: \"CSV UTF-8 (Comma delimited)\" in Excel, or .xlsx) (\\xC3()");
    dvk_import_result_free(&res);
    tu_write(path, "code,name,kind,colour\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_UNITS, path, NULL, &res, &err), DVK_EDATA);
    ck_assert_ptr_nonnull(strstr(err.msg, "f.csv:1: unknown column 'colour' (expected: code, name, kind,"));
    dvk_import_result_free(&res);
    ck_assert_int_eq(import(s, DVK_IMPORT_UNITS, "/nonexistent/x.csv", NULL, &res, &err), DVK_EIO);
    ck_assert_str_eq(err.msg, "/nonexistent/x.csv: cannot open (No such file or directory)");
    dvk_import_result_free(&res);
    free(path);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* ---- appraisals ---------------------------------------------------------------------- */

START_TEST(test_appraisals)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_assert_int_eq(import(s, DVK_IMPORT_APPRAISALS, DATA "appraisals.csv", NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.inserted, 3);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT sum(score) FROM appraisals", "64.5");
    ck_assert_int_eq(import(s, DVK_IMPORT_APPRAISALS, DATA "appraisals.csv", NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.unchanged, 3);
    dvk_import_result_free(&res);
    char *path = tu_path(dir, "a.csv");
    tu_write(path, "Mô hình,Tiêu chí,Người chấm,Điểm,Ghi chú\n"
                   "M001,hieu-qua,Nguyễn Văn A,28,đã sửa\n"
                   "M404,hieu-qua,X,1,\n"
                   "M002,sang-tao,Y,-1,\n"
                   "M002,sang-tao,Y,2,\n"
                   "M002,sang-tao,Y,3,\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_APPRAISALS, path, NULL, &res, &err), DVK_EDATA);
    ck_assert_int_eq(res.problems, 3);
    msg_is(&res, 0, "a.csv:3: column 'Mô hình': unknown model code (import the models file first) (M404)");
    msg_is(&res, 1, "a.csv:4: column 'Điểm': must not be negative (-1)");
    msg_is(&res, 2, "a.csv:6: column 'Người chấm': this appraiser already scored this criterion "
                    "of this model at this level earlier in the file (Y)");
    dvk_import_result_free(&res);
    ck_text(s, "SELECT sum(score) FROM appraisals", "64.5");
    free(path);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* The criteria of every province for the appraisal checks: a (max 15), b (max 7.5). */
static int two_criteria(void *ud, const char *province, char ***ids, double **max, int *n,
                        dvk_error *err)
{
    (void)ud;
    (void)province;
    (void)err;
    *ids = calloc(2, sizeof **ids);
    *max = calloc(2, sizeof **max);
    (*ids)[0] = strdup("a");
    (*ids)[1] = strdup("b");
    (*max)[0] = 15;
    (*max)[1] = 7.5;
    *n = 2;
    return DVK_OK;
}

/* Appraisals are checked against the province's criteria: a known id, a score at most its
 * max, the message naming the appraiser and the model; numbers as written. */
START_TEST(test_appraisal_criteria)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    char *path = tu_path(dir, "dk.csv");
    tu_write(path, "model,criterion,appraiser,score\n"
                   "M001,a,Nguyễn Văn A,15\n"
                   "M001,b,Nguyễn Văn A,7.50\n"
                   "M001,c,Nguyễn Văn A,1\n"
                   "M002,a,Nguyễn Văn A,81\n"
                   "M002,b,Trần Thị B,7.6\n"
                   "M002,a,\xE2\x80\x8B,3\n", (size_t)-1);
    dvk_import_opts o = {.criteria = two_criteria};
    ck_assert_int_eq(import(s, DVK_IMPORT_APPRAISALS, path, &o, &res, &err), DVK_EDATA);
    ck_assert_int_eq(res.problems, 4);
    msg_is(&res, 0, "dk.csv:4: column 'criterion': 'c' is not a criterion of province tinh-a "
                    "(criteria: a, b) (appraiser Nguyễn Văn A, model M001)");
    msg_is(&res, 1, "dk.csv:5: column 'score': 81 is above the criterion's maximum 15 "
                    "(appraiser Nguyễn Văn A, model M002)");
    msg_is(&res, 2, "dk.csv:6: column 'score': 7.6 is above the criterion's maximum 7.5 "
                    "(appraiser Trần Thị B, model M002)");
    /* an appraiser whose name is only a zero-width space is not named */
    msg_is(&res, 3, "dk.csv:7: column 'appraiser': a value is required here");
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM appraisals"), 0);
    /* without the criteria (a caller that does not ask) the old rules only */
    ck_assert_int_eq(import(s, DVK_IMPORT_APPRAISALS, path, NULL, &res, &err), DVK_EDATA);
    ck_assert_int_eq(res.problems, 1);
    dvk_import_result_free(&res);
    free(path);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* A re-import whose file lacks a metric a stored model has (a misspelled column) is refused
 * unless replace; an empty cell in a present column is a deliberate "unknown". */
START_TEST(test_metric_dropped)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    char *path = tu_path(dir, "models.csv");
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,beneficiaries,funds\n"
                   "X1,A,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,60,5\n"
                   "X2,B,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,70,\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,benificiaries,funds\n"
                   "X1,A,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,60,5\n"
                   "X2,B,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,70,\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_EDATA);
    ck_assert_int_eq(res.problems, 2);
    msg_is(&res, 0, "models.csv:2: model X1: the file has no 'beneficiaries' that the stored "
                    "model has (a misspelled column?); use --replace to replace the model's "
                    "metrics");
    dvk_import_result_free(&res);
    ck_text(s, "SELECT metrics FROM models WHERE code='X1'", "{\"beneficiaries\":60,\"funds\":5}");
    /* an empty cell under a present column clears that metric */
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,beneficiaries,funds\n"
                   "X1,A,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,60,\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.updated, 1);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT metrics FROM models WHERE code='X1'", "{\"beneficiaries\":60}");
    /* --replace: the file's metrics, whatever the model had */
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,people\n"
                   "X1,A,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,61\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, &(dvk_import_opts){.replace = 1}, &res,
                            &err), DVK_OK);
    ck_assert_int_eq(res.updated, 1);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT metrics FROM models WHERE code='X1'", "{\"people\":61}");
    free(path);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* Text rule: controls refused everywhere (TAB and line ends fine in free text), invisible
 * marks and TAB refused in codes, stripped from names. */
START_TEST(test_text_rules)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    char *path = tu_path(dir, "t.csv");
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,address,description\n"
                   "T1,Tổ\xE2\x80\x8B hòa\xE2\x80\xAE giải\xEF\xBB\xBF,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,\"a\tb\nc\"\n"
                   "T\xE2\x80\xAE""2,B,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,\n"
                   "T3,C\x1B[31m,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,\n"
                   "T4,D,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,thôn\x07,\n"
                   "\"T5\t\",E,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,\n"
                   "T6,F,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,\xC2\x9B\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_EDATA);
    ck_assert_int_eq(res.problems, 5);
    msg_is(&res, 0, "t.csv:4: column 'code': contains an invisible character (U+202E: a "
                    "bidirectional or zero-width mark; codes may not) (T\xE2\x80\xAE""2)");
    msg_is(&res, 1, "t.csv:5: column 'name': contains a control character (U+001B) (C\\x1B[31m)");
    msg_is(&res, 2, "t.csv:6: column 'address': contains a control character (U+0007) (thôn\\x07)");
    msg_is(&res, 3, "t.csv:7: column 'code': contains a tab or a line break (U+0009; codes may "
                    "not) (T5\\x09)");
    msg_is(&res, 4, "t.csv:8: column 'description': contains a control character (U+009B) "
                    "(\xC2\x9B)");
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models"), 0);
    /* the good row alone: its name without the marks, its description as written */
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,address,description\n"
                   "T1,Tổ\xE2\x80\x8B hòa\xE2\x80\xAE giải\xEF\xBB\xBF,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,\"a\tb\r\nc\"\n",
             (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT name || '|' || name_key FROM models WHERE code='T1'", "Tổ hòa giải|to hoa giai");
    ck_text(s, "SELECT description FROM models WHERE code='T1'", "a\tb\r\nc");
    free(path);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* dvk_text_key assembles keys from a per-code-point cache and dvk_text_nfc skips utf8proc
 * for text that is NFC for certain: both must agree with utf8proc on every code point they
 * cover. */
START_TEST(test_fast_text_paths)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    char *path = tu_path(dir, "k.csv");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs("code,name,unit,kind,category,field,level,year,registration\n", f);
    int row = 0;
    /* every code point below U+2100 (except controls, quotes and the UTF-16 surrogates),
     * 40 to a name, with spaces, combining marks and NFD sequences mixed in */
    for (unsigned cp = 0x20; cp < 0x2100; cp += 40) {
        fprintf(f, "K%05d,\"", row++);
        for (unsigned c = cp; c < cp + 40 && c < 0x2100; c++) {
            if (c == '"' || (c >= 0x7f && c < 0xa0))
                continue;
            char u[4];
            int n;
            if (c < 0x80) { u[0] = (char)c; n = 1; }
            else if (c < 0x800) { u[0] = (char)(0xC0 | c >> 6); u[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
            else { u[0] = (char)(0xE0 | c >> 12); u[1] = (char)(0x80 | ((c >> 6) & 0x3F)); u[2] = (char)(0x80 | (c & 0x3F)); n = 3; }
            fwrite(u, 1, (size_t)n, f);
            if (c % 7 == 0)
                fputs("  e\xCC\x81 ", f);   /* e + combining acute: NFC makes é */
        }
        fputs("\",xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi\n", f);
    }
    fputs("V1,\"  Đoàn   THANH niên\tĐĂK LĂK  \",xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi\n", f);
    fputs("V2,\"Ω Å K ﬁ ǅ\",xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi\n", f);
    fclose(f);
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    /* the reference: U+FE0F (a mark: no key of its own) sends the same name down
     * utf8proc's whole-string path */
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models WHERE name_key IS NOT vi_key(name || char(65039))"), 0);
    ck_text(s, "SELECT name_key FROM models WHERE code='V1'", "doan thanh nien dak lak");
    /* stored names are NFC: NFC of NFC changes nothing, and no combining acute remains
     * after a plain e */
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models WHERE instr(name, 'e' || char(769)) > 0"), 0);
    free(path);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* A bulk load sets the secondary indexes aside and puts the same ones back. */
START_TEST(test_bulk_indexes)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    char *before = text1(s, "SELECT group_concat(name || ':' || sql, '; ') FROM (SELECT name, sql"
                            " FROM sqlite_master WHERE tbl_name='models' ORDER BY name)");
    dvk_import_opts o = {.bulk_min_bytes = 1};
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", &o, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT group_concat(name || ':' || sql, '; ') FROM (SELECT name, sql"
               " FROM sqlite_master WHERE tbl_name='models' ORDER BY name)", before);
    ck_assert_int_ge(tu_int(s, "SELECT count(*) FROM sqlite_master WHERE type='index' AND tbl_name='models'"), 5);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models INDEXED BY models_key WHERE name_key > ''"), 3);
    /* a failed bulk load leaves them as they were, too */
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models_bad.csv", &o, &res, &err), DVK_EDATA);
    dvk_import_result_free(&res);
    o.dry_run = 1;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models_vi.csv", &o, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT group_concat(name || ':' || sql, '; ') FROM (SELECT name, sql"
               " FROM sqlite_master WHERE tbl_name='models' ORDER BY name)", before);
    ck_text(s, "PRAGMA integrity_check", "ok");
    free(before);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* A bulk load checks the models table's CHECK constraints once, before COMMIT, rather than
 * row by row: a row that breaks one (here made so behind the importer's back by a temporary
 * trigger) fails the import with nothing written, and afterwards the connection enforces
 * CHECKs row by row again, after a failed and after a successful bulk load. */
START_TEST(test_bulk_checks_once)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_opts o = {.bulk_min_bytes = 1};
    dvk_import_result res;
    dvk_error err;
    sqlite3 *db = dvk_store_db(s);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TEMP TRIGGER spoil AFTER INSERT ON models"
                                      " WHEN NEW.code = 'M002' BEGIN UPDATE models SET kind = 'nope'"
                                      " WHERE id = NEW.id; END", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", &o, &res, &err), DVK_EDATA);
    dvk_import_result_free(&res);
    ck_assert_msg(strstr(err.msg, "CHECK") && strstr(err.msg, "nothing imported"), "%s", err.msg);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models"), 0);
    ck_assert_int_eq(sqlite3_exec(db, "DROP TRIGGER spoil", NULL, NULL, NULL), SQLITE_OK);
    const char *bad = "UPDATE models SET kind = 'nope'";
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", &o, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM models"), 3);
    ck_assert_int_eq(sqlite3_exec(db, bad, NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
    ck_assert_int_eq(tu_int(s, "PRAGMA ignore_check_constraints"), 0);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* ---- export and the round trip ------------------------------------------------------ */

START_TEST(test_round_trip)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    char *path = tu_path(dir, "m.csv");
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,description,score,funds\n"
                   "F1,\"=HYPERLINK(\"\"x\"\")\",xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,+84 912,-1.5,\n"
                   "F2,'=already quoted,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,@home,0.1,1e20\n"
                   "F3,\"  spaced  \",xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,\"-,\"\"x\"\"\n\",,7\n",
             (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT name FROM models WHERE code='F1'", "=HYPERLINK(\"x\")");
    ck_text(s, "SELECT name FROM models WHERE code='F2'", "=already quoted");
    ck_text(s, "SELECT metrics FROM models WHERE code='F2'", "{\"funds\":1e+20,\"score\":0.1}");

    char *out = tu_path(dir, "export.csv");
    dvk_export_opts eo = {.bom = 1};
    long long rows = 0;
    int entries = tu_entries(dir);
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_MODELS, out, &eo, &rows, &err), DVK_OK);
    ck_assert_int_eq(rows, 6);
    ck_assert_int_eq(tu_entries(dir), entries + 1);   /* export.csv, no temporary file */
    char *text = tu_read(out, NULL);
    ck_assert_msg(strncmp(text, "\xEF\xBB\xBF" "code,name,unit,kind,category,field,level,year,"
                                "registration,started_on,address,description,synthetic,funds,"
                                "funds_vnd,score,workdays\r\n", 120) == 0, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\r\nF1,\"'=HYPERLINK(\"\"x\"\")\",xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,,'+84 912,0,,,-1.5,\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "\r\nF2,'=already quoted,"));
    ck_assert_ptr_nonnull(strstr(text, ",'@home,0,1e+20,,0.1,\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "\r\nF3,\"  spaced  \","));

    /* into a fresh database: the same rows, the same export */
    char *dir2;
    dvk_store *s2 = fixture_store(&dir2);
    ck_assert_int_eq(import(s2, DVK_IMPORT_MODELS, out, NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.inserted, 6);
    dvk_import_result_free(&res);
    char *out2 = tu_path(dir2, "export.csv");
    ck_assert_int_eq(dvk_export(s2, DVK_EXPORT_MODELS, out2, &eo, &rows, &err), DVK_OK);
    char *text2 = tu_read(out2, NULL);
    ck_assert_str_eq(text, text2);
    /* and back into the first: nothing changes */
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, out2, NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.unchanged, 6);
    dvk_import_result_free(&res);

    /* JSON */
    dvk_export_opts jo = {.format = DVK_EXPORT_JSON, .province = "tinh-a", .year = 2023};
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_MODELS, out, &jo, &rows, &err), DVK_OK);
    ck_assert_int_eq(rows, 6);
    free(text);
    text = tu_read(out, NULL);
    ck_assert_ptr_nonnull(strstr(text, "[\n{\"code\":\"F1\",\"name\":\"=HYPERLINK(\\\"x\\\")\",\"unit\":\"xa-2\","));
    ck_assert_ptr_nonnull(strstr(text, "\"synthetic\":0,\"metrics\":{\"funds\":1e+20,\"score\":0.1}},\n"));
    ck_assert_int_eq(sqlite3_exec(dvk_store_db(s), "SELECT 1", NULL, NULL, NULL), SQLITE_OK);
    {
        sqlite3_stmt *st;
        ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(s), "SELECT json_valid(?1), json_array_length(?1)", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
        ck_assert_int_eq(sqlite3_column_int(st, 1), 6);
        sqlite3_finalize(st);
    }
    /* XLSX: a zip file, complete */
    char *xlsx = tu_path(dir, "m.xlsx");
    dvk_export_opts xo = {.format = DVK_EXPORT_XLSX};
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_MODELS, xlsx, &xo, &rows, &err), DVK_OK);
    ck_assert_int_eq(rows, 6);
    size_t xlen = 0;
    char *xt = tu_read(xlsx, &xlen);
    ck_assert_ptr_nonnull(xt);
    ck_assert_int_gt(xlen, 1000);
    ck_assert_int_eq(memcmp(xt, "PK", 2), 0);
    free(xt);
    free(xlsx);
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_MODELS, NULL, &xo, &rows, &err), DVK_EUSAGE);
    /* no runs yet */
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_RESULTS, out, NULL, &rows, &err), DVK_EDATA);
    ck_assert_str_eq(err.msg, "no runs yet (run `dvk decide` first)");
    free(text);
    free(text2);
    free(out);
    free(out2);
    free(path);
    dvk_store_close(s);
    dvk_store_close(s2);
    tu_rmdir(dir);
    tu_rmdir(dir2);
    free(dir);
    free(dir2);
}
END_TEST

START_TEST(test_export_results)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, DATA "models.csv", NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    exec_sql(s, "INSERT INTO runs(id,province,year,level,script_path,scripts,started_at)"
                " VALUES(1,'tinh-a',2023,'co-so','x.lua','{}','2026-01-01T00:00:00Z');"
                "INSERT INTO results(run,model,eligible,gate,total,outcome,outcome_index,rank,"
                "recognised,exemplary,proposed,reason) VALUES"
                "(1,1,1,NULL,87.5,'cong-nhan',1,1,1,0,0,NULL),"
                "(1,2,0,'thoi-gian',0,'khong-cong-nhan',2,NULL,0,0,0,'=chưa đủ 12 tháng');"
                "INSERT INTO result_scores_packed VALUES (1,1,(WITH v(c,p,m,pos) AS (VALUES"
                " ('hieu-qua',27.5,30,0),('sang-tao',15,15,1)) SELECT dvk_scores_pack(c,p,m,NULL,pos) FROM v));");
    char *out = tu_path(dir, "r.csv");
    long long rows = 0;
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_RESULTS, out, NULL, &rows, &err), DVK_OK);
    ck_assert_int_eq(rows, 2);
    char *text = tu_read(out, NULL);
    ck_assert_str_eq(text,
        "run,model,name,unit,province,year,level,eligible,gate,total,outcome,rank,recognised,"
        "exemplary,proposed,reason,points:hieu-qua,points:sang-tao\r\n"
        "1,M001,Dân vận khéo trong vận động hiến đất làm đường,xa-1,tinh-a,2023,co-so,1,,87.5,"
        "cong-nhan,1,1,0,0,,27.5,15\r\n"
        "1,M002,\"Mô hình \"\"Hũ gạo tình thương\"\"\",xa-2,tinh-a,2023,huyen,0,thoi-gian,0,"
        "khong-cong-nhan,,0,0,0,'=chưa đủ 12 tháng,,\r\n");
    free(text);
    dvk_export_opts jo = {.format = DVK_EXPORT_JSON, .run = 1};
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_RESULTS, out, &jo, &rows, &err), DVK_OK);
    text = tu_read(out, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\"total\":87.5,\"outcome\":\"cong-nhan\",\"rank\":1,"
                                       "\"recognised\":1,\"exemplary\":0,\"proposed\":0,\"reason\":null,"
                                       "\"scores\":{\"hieu-qua\":27.5,\"sang-tao\":15}}"));
    ck_assert_ptr_nonnull(strstr(text, "\"reason\":\"=chưa đủ 12 tháng\",\"scores\":{}}\n]\n"));
    free(text);
    free(out);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_round_trip_metric_names)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    dvk_import_result res;
    dvk_error err;
    char *path = tu_path(dir, "m.csv"), *out = tu_path(dir, "e.csv");
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration,-delta,@n\n"
                   "X1,A,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,-3,4\n", (size_t)-1);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT metrics FROM models WHERE code='X1'", "{\"-delta\":-3,\"@n\":4}");
    long long rows;
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_MODELS, out, NULL, &rows, &err), DVK_OK);
    char *text = tu_read(out, NULL);
    ck_assert_ptr_nonnull(strstr(text, ",synthetic,'-delta,'@n\r\nX1,A,xa-2,tap-the,mo-hinh,kinh-te,co-so,2023,moi,,,,0,-3,4\r\n"));
    free(text);
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, out, NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.unchanged, 1);
    dvk_import_result_free(&res);
    free(path);
    free(out);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* Formula-like names survive export and import: the exporter adds one apostrophe to a cell
 * matching ^'*[=+\-@\t\r] and the importer takes exactly one off a cell matching
 * ^'+[=+\-@\t\r]; an apostrophe before anything else is data. */
START_TEST(test_round_trip_formulas)
{
    /* (a lone CR is a control character the importer refuses: CR LF is the line end) */
    static const char *const names[] = {"=1+2", "'=x", "\tTab", "-5", "@a", "''@b", "\r\nCR",
                                        "+84", "'plain", "''", "a=b"};
    enum { N = sizeof names / sizeof names[0] };
    char *dir;
    dvk_store *s = fixture_store(&dir);
    char *path = tu_path(dir, "m.csv"), *out = tu_path(dir, "e.csv");
    /* stored directly, so that the import under test is the one of the export */
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(s),
        "INSERT INTO models(code,name,name_key,unit,province,kind,category,field,level,year,"
        "registration) VALUES(?1,?2,'k','xa-2','tinh-a','tap-the','mo-hinh','kinh-te','co-so',"
        "2023,'moi')", -1, &st, NULL), SQLITE_OK);
    for (int i = 0; i < N; i++) {
        char code[16];
        snprintf(code, sizeof code, "Q%02d", i);
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, names[i], -1, SQLITE_STATIC);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    long long rows;
    dvk_error err;
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_MODELS, out, NULL, &rows, &err), DVK_OK);
    ck_assert_int_eq(rows, N);
    char *text = tu_read(out, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\r\nQ00,'=1+2,"));
    ck_assert_ptr_nonnull(strstr(text, "\r\nQ01,''=x,"));
    ck_assert_ptr_nonnull(strstr(text, "\r\nQ02,\"'\tTab\","));
    ck_assert_ptr_nonnull(strstr(text, "\r\nQ08,'plain,"));
    free(text);
    /* into a fresh database: every name as it was */
    char *dir2;
    dvk_store *s2 = fixture_store(&dir2);
    dvk_import_result res;
    ck_assert_int_eq(import(s2, DVK_IMPORT_MODELS, out, NULL, &res, &err), DVK_OK);
    ck_assert_int_eq(res.inserted, N);
    dvk_import_result_free(&res);
    ck_assert_int_eq(sqlite3_prepare_v2(dvk_store_db(s2), "SELECT name FROM models WHERE code=?1",
                                        -1, &st, NULL), SQLITE_OK);
    for (int i = 0; i < N; i++) {
        char code[16];
        snprintf(code, sizeof code, "Q%02d", i);
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_msg(strcmp((const char *)sqlite3_column_text(st, 0), names[i]) == 0,
                      "%s: got '%s', want '%s'", code, sqlite3_column_text(st, 0), names[i]);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    free(path);
    free(out);
    dvk_store_close(s);
    dvk_store_close(s2);
    tu_rmdir(dir);
    tu_rmdir(dir2);
    free(dir);
    free(dir2);
}
END_TEST

/* A models row's level is one of its province's levels, as the province's script declares
 * them: a province without districts rejects "huyen" and names its own levels. */
START_TEST(test_levels_from_script)
{
    char *dir;
    dvk_store *s = fixture_store(&dir);
    /* scripts/provinces/tinh-a.lua: the example province with levels co-so and tinh */
    char *scripts = tu_path(dir, "scripts"), *provinces = tu_path(scripts, "provinces");
    ck_assert_int_eq(mkdir(scripts, 0700), 0);
    ck_assert_int_eq(mkdir(provinces, 0700), 0);
    char *example = tu_read(DVK_TEST_SOURCE_DIR "/tests/data/example/provinces/example.lua", NULL);
    ck_assert_ptr_nonnull(example);
    dvk_buf b = DVK_BUF_INIT;
    for (char *line = strtok(example, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "level = \"huyen\""))
            continue;                               /* the district quota */
        if (strstr(line, "code = \"example\""))
            line = "  code = \"tinh-a\",";
        else if (strstr(line, "levels = {"))
            line = "  levels = { \"co-so\", \"tinh\" },";
        dvk_buf_printf(&b, "%s\n", line);
    }
    char *script = tu_path(provinces, "tinh-a.lua");
    tu_write(script, b.p, b.len);
    dvk_buf_free(&b);
    free(example);
    char **levels = NULL;
    int n = 0;
    dvk_error err;
    ck_assert_msg(dvk_script_levels(scripts, "tinh-a", &levels, &n, &err) == DVK_OK, "%s", err.msg);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(levels[1], "tinh");
    for (int i = 0; i < n; i++)
        free(levels[i]);
    free(levels);

    char *path = tu_path(dir, "m.csv");
    tu_write(path, "code,name,unit,kind,category,field,level,year,registration\n"
                   "L1,A,xa-2,tap-the,mo-hinh,kinh-te,huyen,2023,moi\n"
                   "L2,B,xa-2,tap-the,mo-hinh,kinh-te,Cấp tỉnh,2023,moi\n"
                   "L3,C,xa-2,tap-the,mo-hinh,kinh-te,Cơ sở,2023,moi\n", (size_t)-1);
    dvk_import_opts o = {.levels = dvk_script_levels, .levels_ud = scripts};
    dvk_import_result res;
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, &o, &res, &err), DVK_EDATA);
    ck_assert_int_eq(res.problems, 1);
    msg_is(&res, 0, "m.csv:2: column 'level': must be co-so or tinh (huyen)");
    dvk_import_result_free(&res);
    /* with the shipped scripts, tinh-a has no script: every level a script may declare */
    ck_assert_int_eq(import(s, DVK_IMPORT_MODELS, path, NULL, &res, &err), DVK_OK);
    dvk_import_result_free(&res);
    ck_text(s, "SELECT group_concat(level, ' ') FROM (SELECT level FROM models ORDER BY code)",
            "huyen tinh co-so");
    /* a models import needs a source of levels */
    dvk_import_opts none = {.levels = NULL};
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(dvk_import(s, DVK_IMPORT_MODELS, path, &none, &res, &err), DVK_EUSAGE);
    dvk_import_result_free(&res);
    free(path);
    free(script);
    free(provinces);
    free(scripts);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

Suite *csvio_suite(void)
{
    Suite *su = suite_create("csvio");
    TCase *tc = tcase_create("reader");
    tcase_add_loop_test(tc, test_reader_every_chunk, 0,
                        (int)(sizeof READER_CASES / sizeof READER_CASES[0]));
    tcase_add_test(tc, test_reader_field_cap);
    suite_add_tcase(su, tc);
    tc = tcase_create("import");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_units);
    tcase_add_test(tc, test_models_good);
    tcase_add_test(tc, test_models_vietnamese);
    tcase_add_test(tc, test_models_bad);
    tcase_add_test(tc, test_dry_run_and_chunks);
    tcase_add_test(tc, test_file_errors);
    tcase_add_test(tc, test_appraisals);
    tcase_add_test(tc, test_appraisal_criteria);
    tcase_add_test(tc, test_metric_dropped);
    tcase_add_test(tc, test_text_rules);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_fast_text_paths);
    tcase_add_test(tc, test_bulk_indexes);
    tcase_add_test(tc, test_bulk_checks_once);
    tcase_add_test(tc, test_export_results);
    tcase_add_test(tc, test_round_trip_metric_names);
    tcase_add_test(tc, test_round_trip_formulas);
    tcase_add_test(tc, test_levels_from_script);
    suite_add_tcase(su, tc);
    return su;
}
