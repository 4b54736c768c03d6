/* fuzz_csv.c: libFuzzer target for the CSV importer: the input is a CSV file, read by the
 * streaming reader at a chunk size taken from the input's size (1..7 bytes or the default),
 * checked as units, models and appraisals (dry runs), and, for one input in four, really
 * imported as models with --skip-bad. Invariants beyond "no crash, no leak, no sanitizer
 * report": every field is as long as it says, and an import that fails leaves the models
 * table as it was. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dvk/csv.h"
#include "dvk/import.h"
#include "dvk/script.h"
#include "dvk/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dvk_store *store;
static char dir[64], in_path[96], rejects_path[96];

static int check_record(void *ud, const dvk_csv_record *rec, dvk_error *err)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (strlen(rec->field[i]) > rec->len[i])
            abort();
    return DVK_OK;
}

static long long models(void)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(dvk_store_db(store), "SELECT count(*) FROM models", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void cleanup(void)
{
    char db[128];
    dvk_store_close(store);
    store = NULL;
    static const char *const side[] = {"f.db", "f.db-wal", "f.db-shm", "in.csv", "rejects.csv",
                                       "rejects.csv.tmp"};
    for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
        snprintf(db, sizeof db, "%s/%s", dir, side[i]);
        unlink(db);
    }
    rmdir(dir);
}

/* One database for the whole run: a province p with a district and a commune, field kt. */
static int setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/dvk-fuzz-csv-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char db[96];
    snprintf(db, sizeof db, "%s/f.db", dir);
    snprintf(in_path, sizeof in_path, "%s/in.csv", dir);
    snprintf(rejects_path, sizeof rejects_path, "%s/rejects.csv", dir);
    dvk_error err;
    dvk_error_clear(&err);
    store = dvk_store_open(db, DVK_STORE_CREATE, &err);
    if (!store)
        return -1;
    atexit(cleanup);
    return sqlite3_exec(dvk_store_db(store),
                        "PRAGMA synchronous = OFF;"
                        "INSERT INTO units(code,name,name_key,kind,parent,province) VALUES"
                        "('p','Tỉnh P','tinh p','province',NULL,'p'),"
                        "('p/a','Huyện A','huyen a','district','p','p'),"
                        "('p/a/1','Xã Một','xa mot','commune','p/a','p');"
                        "INSERT INTO fields(province,id,name) VALUES('p','kt','Kinh tế');",
                        NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store && setup() != 0)
        abort();
    size_t chunk = size % 2 ? 1 + size % 7 : 0;
    dvk_error err;

    FILE *mem = fmemopen((void *)data, size ? size : 1, "rb");
    if (mem) {
        if (!size)
            fgetc(mem);  /* fmemopen refuses size 0: read the one byte so the stream is empty */
        dvk_error_clear(&err);
        dvk_csv_read(mem, "fuzz.csv", chunk, check_record, NULL, NULL, NULL, 0, &err);
        fclose(mem);
    }

    FILE *f = fopen(in_path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    static const dvk_import_table tables[] = {DVK_IMPORT_UNITS, DVK_IMPORT_MODELS, DVK_IMPORT_APPRAISALS};
    for (size_t i = 0; i < 3; i++) {
        dvk_import_opts o = {.dry_run = 1, .chunk = chunk, .levels = dvk_script_levels, .levels_ud = (void *)DVK_FUZZ_SCRIPTS};
        dvk_import_result r = {0};
        dvk_error_clear(&err);
        dvk_import(store, tables[i], in_path, &o, &r, &err);
        dvk_import_result_free(&r);
    }
    if (size % 4 == 0) {
        long long before = models();
        dvk_import_opts o = {.chunk = chunk, .rejects_path = size % 8 ? rejects_path : NULL,
                             .levels = dvk_script_levels, .levels_ud = (void *)DVK_FUZZ_SCRIPTS};
        dvk_import_result r = {0};
        dvk_error_clear(&err);
        int rc = dvk_import(store, DVK_IMPORT_MODELS, in_path, &o, &r, &err);
        if (rc != DVK_OK && (r.committed || models() != before))
            abort();  /* a failed import must leave nothing behind */
        dvk_import_result_free(&r);
        sqlite3_exec(dvk_store_db(store), "DELETE FROM appraisals; DELETE FROM models;", NULL, NULL, NULL);
        unlink(rejects_path);
    }
    return 0;
}
