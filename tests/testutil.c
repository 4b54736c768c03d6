/* testutil.c: helpers shared by the Check suites (see testutil.h). */
#include "testutil.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/dvk-test-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(buf));
    return strdup(buf);
}

char *tu_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

void tu_write(const char *path, const char *data, size_t len)
{
    if (len == (size_t)-1)
        len = strlen(data);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

char *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

dvk_store *tu_store(char **dir)
{
    *dir = tu_tmpdir();
    char *path = tu_path(*dir, "test.db");
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(path, DVK_STORE_CREATE, &err);
    ck_assert_msg(s != NULL, "open %s: %s", path, err.msg);
    free(path);
    return s;
}

void tu_store_to_v5(dvk_store *s)
{
    static const char *const sql =
        "CREATE TEMP TABLE keep_s AS SELECT run, model, criterion, points, max, note, pos"
        " FROM temp.result_scores;"
        "DROP VIEW temp.result_scores;"
        "DROP TRIGGER packed_final_insert; DROP TRIGGER packed_final_update;"
        " DROP TRIGGER packed_final_delete; DROP TABLE main.result_scores_packed;"
        /* as migration 5 made it: created under another name and renamed (the schema check
         * compares the text SQLite keeps) */
        "CREATE TABLE result_scores_v5 ("
        "  run INTEGER NOT NULL REFERENCES runs(id),"
        "  model INTEGER NOT NULL REFERENCES models(id),"
        "  criterion TEXT NOT NULL,"
        "  points REAL NOT NULL,"
        "  max REAL NOT NULL,"
        "  note TEXT,"
        "  pos INTEGER NOT NULL DEFAULT 0,"
        "  PRIMARY KEY (run, model, criterion)"
        ") WITHOUT ROWID;"
        "INSERT INTO result_scores_v5 SELECT * FROM temp.keep_s;"
        "ALTER TABLE result_scores_v5 RENAME TO result_scores;"
        "DROP TABLE temp.keep_s;"
        TU_SCORES_TRIGGERS
        /* migration 7 undone too */
        "CREATE INDEX models_field ON models(province, field);"
        "PRAGMA user_version = 5;";
    char *msg = NULL;
    int rc = sqlite3_exec(dvk_store_db(s), sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "back to version 5: %s", msg ? msg : "");
    sqlite3_free(msg);
}

long long tu_int(dvk_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(dvk_store_db(s), sql, -1, &st, NULL) == SQLITE_OK, "%s: %s",
                  sql, sqlite3_errmsg(dvk_store_db(s)));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

void tu_rmdir(const char *dir)
{
    if (!dir || strstr(dir, "/dvk-test-") == NULL)
        return;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

int tu_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot list %s", dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

const char *tu_scripts_dir(void) { return DVK_TEST_SOURCE_DIR "/scripts"; }
const char *tu_datasets_dir(void) { return DVK_TEST_SOURCE_DIR "/datasets"; }
