/* check_faults.c: out-of-memory at every allocation site and I/O errors at every write and
 * sync, stepped over a small import (and export): each step must end in a clean error (the
 * right code, a message), leave the database exactly as it was (integrity ok, nothing
 * half-written), and leak nothing (LeakSanitizer checks each forked test at exit). */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "dvk/csvio.h"
#include "dvk/fault.h"
#include "dvk/store.h"
#include "testutil.h"

#define NMODELS 12
#define STEP_LIMIT 200000  /* a run that never finishes is a bug in the stepping itself */

typedef struct fixture {
    char *dir;
    char *db;             /* dir/f.db: the working copy */
    char *units, *models; /* CSV files */
    char *image;          /* the database after units were imported (copied per step) */
    size_t image_len;
} fixture;

static void exec_ok(dvk_store *s, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(dvk_store_db(s), sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_free(msg);
}

/* A province with three units and one field; NMODELS models whose names carry quotes,
 * commas and SQL metacharacters; the database image before the models are imported. */
static void fixture_make(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "f.db");
    f->units = tu_path(f->dir, "units.csv");
    f->models = tu_path(f->dir, "models.csv");
    tu_write(f->units, "code,name,kind,parent\n"
                       "p,Tỉnh P,province,\n"
                       "p-a,Huyện A,district,p\n"
                       "p-a-1,Xã Một,commune,p-a\n", (size_t)-1);
    char buf[NMODELS * 400 + 256];
    size_t n = (size_t)snprintf(buf, sizeof buf, "code,name,unit,kind,category,field,level,year,"
                                                  "registration,started_on,description,funds_vnd\n");
    for (int i = 0; i < NMODELS; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "M%03d,\"Mô hình \"\"%d\"\"; DROP TABLE models;--\",p-a-1,tap-the,mo-hinh,kt,"
                              "co-so,2024,moi,2023-0%d-01,\"Mô tả, dài %d\r\ndòng hai\",%d\n",
                              i, i, 1 + i % 9, i, 1000 * i);
    tu_write(f->models, buf, n);

    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(f->db, DVK_STORE_CREATE, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    exec_ok(s, "INSERT INTO fields(province,id,name) VALUES('p','kt','Kinh tế')");
    dvk_csv_import_opts o = {0};
    dvk_csv_import_result r = {0};
    ck_assert_msg(dvk_csv_import(s, DVK_CSV_UNITS, f->units, &o, &r, &err) == DVK_OK, "%s", err.msg);
    dvk_csv_import_result_free(&r);
    dvk_store_close(s);  /* last connection: the WAL is checkpointed into f.db */
    f->image = tu_read(f->db, &f->image_len);
    ck_assert_ptr_nonnull(f->image);
}

static void fixture_free(fixture *f)
{
    tu_rmdir(f->dir);
    free(f->dir);
    free(f->db);
    free(f->units);
    free(f->models);
    free(f->image);
}

/* Put the image back as the working database (and no WAL or shm beside it). */
static void fixture_reset(fixture *f)
{
    char side[4096];
    snprintf(side, sizeof side, "%s-wal", f->db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", f->db);
    unlink(side);
    tu_write(f->db, f->image, f->image_len);
}

typedef struct state {
    long long models, units, audit;
    int integrity_ok;
} state;

/* What the database holds, read through a fresh connection with no fault armed. */
static state db_state(const char *path)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(path, 0, &err);
    ck_assert_msg(s != NULL, "reopening after the fault: %s", err.msg);
    state st;
    st.models = tu_int(s, "SELECT count(*) FROM models");
    st.units = tu_int(s, "SELECT count(*) FROM units");
    st.audit = tu_int(s, "SELECT count(*) FROM audit_log");
    st.integrity_ok = (int)tu_int(s, "SELECT integrity_check = 'ok' FROM pragma_integrity_check");
    ck_assert_int_eq(dvk_store_verify(s, &err), DVK_OK);
    dvk_store_close(s);
    return st;
}

/* One import of the models under whatever fault is armed by arm(n); returns the import's
 * code and leaves the message in err. The fault is disarmed before anything is checked. */
static int import_once(fixture *f, void (*arm)(long), long n, dvk_error *err)
{
    fixture_reset(f);
    dvk_error_clear(err);
    dvk_store *s = dvk_store_open(f->db, 0, err);
    ck_assert_msg(s != NULL, "%s", err->msg);
    dvk_csv_import_opts o = {0};
    dvk_csv_import_result r = {0};
    arm(n);
    int rc = dvk_csv_import(s, DVK_CSV_MODELS, f->models, &o, &r, err);
    dvk_fault_disarm();
    dvk_fault_io_disarm();
    dvk_csv_import_result_free(&r);
    dvk_store_close(s);
    return rc;
}

/* Step n = 1, 2, ... until the work completes without meeting the fault. Every failed step
 * must report one of the expected codes with a message containing want, and leave the
 * database as it was; a step that succeeds must have imported everything. Returns the
 * number of steps that failed. */
static long step_import(fixture *f, void (*arm)(long), long (*calls)(void), int want_code,
                        const char *want, int strict_unchanged)
{
    state before = db_state(f->db);
    long failed = 0, n;
    for (n = 1; n < STEP_LIMIT; n++) {
        dvk_error err;
        int rc = import_once(f, arm, n, &err);
        long seen = calls();
        state after = db_state(f->db);
        ck_assert_msg(after.integrity_ok, "step %ld: integrity check failed", n);
        ck_assert_int_eq(after.units, before.units);
        if (rc == DVK_OK) {
            /* Either the fault came after the last allocation/write, or SQLite recovered
             * from it: then the import is whole. */
            ck_assert_msg(after.models == NMODELS, "step %ld: import said ok but %lld of %d models are there",
                          n, after.models, NMODELS);
            ck_assert_int_eq(after.audit, before.audit + 1);
            if (seen < n)
                break;
            continue;
        }
        failed++;
        if (strict_unchanged || after.models != NMODELS) {
            ck_assert_msg(after.models == before.models, "step %ld: failed import left %lld models (%s)", n,
                          after.models, err.msg);
            ck_assert_msg(after.audit == before.audit, "step %ld: failed import left an audit record (%s)", n,
                          err.msg);
        }
        ck_assert_msg(rc == want_code, "step %ld: code %d, expected %d (%s)", n, rc, want_code, err.msg);
        ck_assert_msg(strstr(err.msg, want) != NULL, "step %ld: message lacks '%s': %s", n, want, err.msg);
    }
    ck_assert_msg(n < STEP_LIMIT, "the import never finished without a fault");
    ck_assert_msg(failed > 0, "no step met a fault: the hooks are not consulted");
    return failed;
}

static void arm_alloc_persistent(long n) { dvk_fault_arm(n, 1); }
static void arm_alloc_transient(long n) { dvk_fault_arm(n, 0); }
static void arm_write_full(long n) { dvk_fault_io_arm(n, DVK_FAULT_IO_WRITE, SQLITE_FULL); }
static void arm_write_ioerr(long n) { dvk_fault_io_arm(n, DVK_FAULT_IO_WRITE, SQLITE_IOERR_WRITE); }
static void arm_sync_ioerr(long n) { dvk_fault_io_arm(n, DVK_FAULT_IO_SYNC, SQLITE_IOERR_FSYNC); }

/* SQLite's allocator must be replaced before SQLite starts; each Check test runs in its own
 * process, so shutting it down here affects only this test. */
static void with_sqlite_faults(void)
{
    ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
    ck_assert_int_eq(dvk_fault_sqlite_malloc_install(), SQLITE_OK);
    ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
}

START_TEST(oom_import_every_allocation)
{
    with_sqlite_faults();
    fixture f;
    fixture_make(&f);
    long failed = step_import(&f, arm_alloc_persistent, dvk_fault_calls, DVK_ENOMEM, "out of memory", 1);
    fprintf(stderr, "oom_import_every_allocation: %ld allocation sites failed cleanly\n", failed);
    fixture_free(&f);
}
END_TEST

START_TEST(oom_import_transient)
{
    /* One allocation fails and the next ones succeed: SQLite may recover (then the import is
     * whole) or the import fails (then nothing is written). */
    with_sqlite_faults();
    fixture f;
    fixture_make(&f);
    step_import(&f, arm_alloc_transient, dvk_fault_calls, DVK_ENOMEM, "out of memory", 1);
    fixture_free(&f);
}
END_TEST

START_TEST(disk_full_import_every_write)
{
    ck_assert_int_eq(dvk_fault_vfs_register(), SQLITE_OK);
    fixture f;
    fixture_make(&f);
    step_import(&f, arm_write_full, dvk_fault_io_calls, DVK_EIO, "disk full", 1);
    fixture_free(&f);
}
END_TEST

START_TEST(io_error_import_every_write)
{
    ck_assert_int_eq(dvk_fault_vfs_register(), SQLITE_OK);
    fixture f;
    fixture_make(&f);
    step_import(&f, arm_write_ioerr, dvk_fault_io_calls, DVK_EIO, "I/O error", 1);
    fixture_free(&f);
}
END_TEST

START_TEST(io_error_import_every_sync)
{
    ck_assert_int_eq(dvk_fault_vfs_register(), SQLITE_OK);
    fixture f;
    fixture_make(&f);
    step_import(&f, arm_sync_ioerr, dvk_fault_io_calls, DVK_EIO, "I/O error", 1);
    fixture_free(&f);
}
END_TEST

/* Export onto a full disk (RLIMIT_FSIZE stands for it: writes past the limit fail with
 * EFBIG once SIGXFSZ is ignored): a clear error, and neither the file nor its .tmp left. */
START_TEST(export_disk_full)
{
    fixture f;
    fixture_make(&f);
    dvk_error err;
    int rc = import_once(&f, arm_alloc_persistent, 0, &err);
    ck_assert_msg(rc == DVK_OK, "%s", err.msg);
    dvk_store *s = dvk_store_open(f.db, 0, &err);
    ck_assert_ptr_nonnull(s);
    char *out = tu_path(f.dir, "out.csv");
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);

    struct rlimit old, lim;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN);
    for (rlim_t cap = 0; cap <= 2048; cap += 512) {
        lim = old;
        lim.rlim_cur = cap;
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
        dvk_csv_export_opts o = {0};
        long long rows = 0;
        dvk_error_clear(&err);
        rc = dvk_csv_export(s, DVK_CSV_EXPORT_MODELS, out, &o, &rows, &err);
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
        ck_assert_msg(rc == DVK_EIO, "cap %lu: export returned %d (%s)", (unsigned long)cap, rc, err.msg);
        ck_assert_msg(err.msg[0] != '\0', "cap %lu: no message", (unsigned long)cap);
        ck_assert_msg(access(out, F_OK) != 0, "cap %lu: %s was left behind as if complete", (unsigned long)cap, out);
        ck_assert_msg(access(tmp, F_OK) != 0, "cap %lu: %s was left behind", (unsigned long)cap, tmp);
    }
    /* Without the cap the same export works (so the failures above came from the cap). */
    dvk_csv_export_opts o = {0};
    long long rows = 0;
    ck_assert_int_eq(dvk_csv_export(s, DVK_CSV_EXPORT_MODELS, out, &o, &rows, &err), DVK_OK);
    ck_assert_int_eq(rows, NMODELS);
    dvk_store_close(s);
    free(out);
    fixture_free(&f);
}
END_TEST

Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("oom");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, oom_import_every_allocation);
    tcase_add_test(tc, oom_import_transient);
    suite_add_tcase(s, tc);
    tc = tcase_create("io");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, disk_full_import_every_write);
    tcase_add_test(tc, io_error_import_every_write);
    tcase_add_test(tc, io_error_import_every_sync);
    tcase_add_test(tc, export_disk_full);
    suite_add_tcase(s, tc);
    return s;
}
