/* check_faults.c: faults stepped over a small import and a small decision: out of memory at
 * every allocation (SQLite's allocator, and the Lua and libcsv allocators once they consult
 * dvk_fault_should_fail), disk full and I/O errors at every write and sync (the dvk-fault
 * VFS), and a crash (SIGKILL) at every write and sync. Each step must end in a clean error
 * (the right code and a message) or a whole result, leave the database whole (integrity ok,
 * the work wholly present or wholly absent, the audit chain intact), allow a re-run, and
 * leak nothing (LeakSanitizer checks each forked test at exit). Also: export onto a full
 * disk leaves no file behind; and the kill points (DVK_FAULT) arm only as documented and kill
 * at exactly the Nth pass. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dvk/export.h"
#include "dvk/import.h"
#include "dvk/script.h"
#include "dvk/decide.h"
#include "dvk/fault.h"
#include "dvk/script.h"
#include "dvk/store.h"
#include "testutil.h"

#define NMODELS 6
#define STEP_LIMIT 200000  /* a run that never finishes is a bug in the stepping itself */
#define DENSE_STEPS 1500   /* faults at every step up to here, then sampled (see step_faults) */

enum { WORK_IMPORT, WORK_DECIDE };

typedef struct state {
    long long models, units, audit, runs, results, scores;
    int integrity_ok;
} state;

typedef struct fixture {
    int work;
    char *dir;
    char *db;             /* dir/f.db: the working copy */
    char *units, *models; /* CSV files */
    char *image;          /* the database before the work (copied back before each step) */
    size_t image_len;
    state before, whole;  /* the database before the work, and after a whole run of it */
} fixture;

static void exec_ok(dvk_store *s, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(dvk_store_db(s), sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_free(msg);
}

/* What the database holds, read through a fresh connection with no fault armed; the audit
 * chain and final runs are verified too. */
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
    st.runs = tu_int(s, "SELECT count(*) FROM runs");
    st.results = tu_int(s, "SELECT count(*) FROM results");
    st.scores = tu_int(s, "SELECT count(*) FROM result_scores");
    st.integrity_ok = (int)tu_int(s, "SELECT integrity_check = 'ok' FROM pragma_integrity_check");
    ck_assert_msg(dvk_store_verify(s, &err) == DVK_OK, "verify: %s", err.msg);
    dvk_store_close(s);
    return st;
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

/* The work under test on an open store. */
static int do_work(fixture *f, dvk_store *s, dvk_error *err)
{
    if (f->work == WORK_IMPORT) {
        dvk_import_opts o = {.levels = dvk_script_levels, .levels_ud = (void *)tu_scripts_dir()};
        dvk_import_result r = {0};
        int rc = dvk_import(s, DVK_IMPORT_MODELS, f->models, &o, &r, err);
        dvk_import_result_free(&r);
        return rc;
    }
    dvk_decide_opts o = {0};
    o.province = "example";
    o.year = 2024;
    o.level = "co-so";
    o.actor = "test";
    dvk_decide_summary sum;
    memset(&sum, 0, sizeof sum);
    return dvk_decide(s, DVK_TEST_SOURCE_DIR "/tests/data/example", &o, &sum, err);
}

/* A province (the example province's code, so that the test province
 * tests/data/example/provinces/example.lua decides it) with three units; NMODELS models
 * whose names carry quotes, commas and SQL metacharacters. IMPORT: the image holds the
 * units; DECIDE: units and models. */
static void fixture_make(fixture *f, int work)
{
    memset(f, 0, sizeof *f);
    f->work = work;
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "f.db");
    f->units = tu_path(f->dir, "units.csv");
    f->models = tu_path(f->dir, "models.csv");
    tu_write(f->units, "code,name,kind,parent\n"
                       "example,Tỉnh Mẫu,province,\n"
                       "example/a,Huyện A,district,example\n"
                       "example/a/1,Xã Một,commune,example/a\n", (size_t)-1);
    char buf[NMODELS * 400 + 256];
    size_t n = (size_t)snprintf(buf, sizeof buf, "code,name,unit,kind,category,field,level,year,"
                                                  "registration,started_on,address,description,"
                                                  "beneficiaries\n");
    for (int i = 0; i < NMODELS; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "M%03d,\"Mô hình \"\"%d\"\"; DROP TABLE models;--\",example/a/1,%s,mo-hinh,"
                              "kinh-te,co-so,2024,moi,2022-0%d-01,\"Thôn %d, xã Một\",\"Mô tả\r\ndòng hai\",%d\n",
                              i, i, i % 3 ? "tap-the" : "ca-nhan", 1 + i % 9, i, 90 * i);
    tu_write(f->models, buf, n);

    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(f->db, DVK_STORE_CREATE, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    exec_ok(s, "INSERT INTO fields(province,id,name) VALUES('example','kinh-te','Kinh tế')");
    dvk_import_opts o = {.levels = dvk_script_levels, .levels_ud = (void *)tu_scripts_dir()};
    dvk_import_result r = {0};
    ck_assert_msg(dvk_import(s, DVK_IMPORT_UNITS, f->units, &o, &r, &err) == DVK_OK, "%s", err.msg);
    dvk_import_result_free(&r);
    if (work == WORK_DECIDE) {
        memset(&r, 0, sizeof r);
        ck_assert_msg(dvk_import(s, DVK_IMPORT_MODELS, f->models, &o, &r, &err) == DVK_OK, "%s", err.msg);
        dvk_import_result_free(&r);
    }
    dvk_store_close(s);  /* last connection: the WAL is checkpointed into f.db */
    f->image = tu_read(f->db, &f->image_len);
    ck_assert_ptr_nonnull(f->image);
    f->before = db_state(f->db);
    /* One whole run, with no fault, for what "wholly present" means. */
    s = dvk_store_open(f->db, 0, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(do_work(f, s, &err) == DVK_OK, "the work without faults: %s", err.msg);
    dvk_store_close(s);
    f->whole = db_state(f->db);
    ck_assert_msg(f->whole.models + f->whole.results > f->before.models + f->before.results,
                  "the work wrote nothing");
    fixture_reset(f);
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

static int same_state(const state *a, const state *b)
{
    return a->models == b->models && a->units == b->units && a->audit == b->audit &&
           a->runs == b->runs && a->results == b->results && a->scores == b->scores;
}

/* The database after a step is the one before the work or the one after a whole run. */
static void check_all_or_nothing(const fixture *f, const state *after, long n, const char *msg)
{
    ck_assert_msg(after->integrity_ok, "step %ld: integrity check failed", n);
    ck_assert_msg(same_state(after, &f->before) || same_state(after, &f->whole),
                  "step %ld: partial work: models %lld, audit %lld, runs %lld, results %lld, scores %lld "
                  "(before: %lld %lld %lld %lld %lld; whole: %lld %lld %lld %lld %lld) (%s)", n,
                  after->models, after->audit, after->runs, after->results, after->scores,
                  f->before.models, f->before.audit, f->before.runs, f->before.results, f->before.scores,
                  f->whole.models, f->whole.audit, f->whole.runs, f->whole.results, f->whole.scores, msg);
}

/* One step: reset, open, arm(n), work, disarm, close. Returns the work's code. */
static int step_once(fixture *f, void (*arm)(long), long n, dvk_error *err)
{
    fixture_reset(f);
    dvk_error_clear(err);
    dvk_store *s = dvk_store_open(f->db, 0, err);
    ck_assert_msg(s != NULL, "%s", err->msg);
    arm(n);
    int rc = do_work(f, s, err);
    dvk_fault_disarm();
    dvk_fault_io_disarm();
    dvk_store_close(s);
    return rc;
}

/* Step n = 1, 2, ... until the work completes without meeting the fault. Every failed step
 * must report want_code with a message containing want and leave the database as it was
 * (strict) or whole; a step that succeeds must be whole. Returns the steps that failed. */
static long step_faults(fixture *f, void (*arm)(long), long (*calls)(void), int want_code,
                        const char *want)
{
    long failed = 0, unclear = 0, n;
    char report[3000] = "";
    /* Every step up to DENSE_STEPS, then a sample whose stride grows with n, so that a
     * decision with its Lua state (thousands of allocations) stays within the CI budget;
     * DVK_FAULT_EVERY=1 steps through every single one. */
    const char *every = getenv("DVK_FAULT_EVERY");
    int dense = every && strcmp(every, "1") == 0;
    for (n = 1; n < STEP_LIMIT; n += dense || n < DENSE_STEPS ? 1 : 1 + n / DENSE_STEPS * 3) {
        dvk_error err;
        int rc = step_once(f, arm, n, &err);
        long seen = calls();
        state after = db_state(f->db);
        if (rc == DVK_OK) {
            /* The fault came after the last allocation/write, or SQLite recovered from it. */
            ck_assert_msg(after.integrity_ok && same_state(&after, &f->whole),
                          "step %ld: the work said ok but is not whole", n);
            if (seen < n)
                break;
            continue;
        }
        failed++;
        ck_assert_msg(after.integrity_ok, "step %ld: integrity check failed", n);
        ck_assert_msg(same_state(&after, &f->before),
                      "step %ld: the failed work left something: models %lld (%lld before), audit %lld (%lld), "
                      "runs %lld (%lld), results %lld (%lld) (%s)", n, after.models, f->before.models,
                      after.audit, f->before.audit, after.runs, f->before.runs, after.results,
                      f->before.results, err.msg);
        /* A wrong code or message is collected (the first few, distinct) and the stepping
         * goes on, so that one run lists every unclear error; data left behind stops it. */
        /* Known limit: a single failed allocation inside SQLite's own foreign-key check is
         * reported by SQLite as "FOREIGN KEY constraint failed" instead of out of memory;
         * the work still fails whole (checked above), so only the wording is excused. */
        int sqlite_fk_oom = strcmp(want, "out of memory") == 0 &&
                            strstr(err.msg, "FOREIGN KEY constraint failed") != NULL;
        if (!sqlite_fk_oom && (rc != want_code || strstr(err.msg, want) == NULL)) {
            unclear++;
            const char *msg = strstr(err.msg, "f.db: ") ? strstr(err.msg, "f.db: ") + 6 : err.msg;
            char line[512];
            snprintf(line, sizeof line, "\n  step %ld: code %d, expected %d ('%s'): %s", n, rc, want_code,
                     want, msg);
            if (!strstr(report, msg) && strlen(report) + strlen(line) + 1 < sizeof report)
                strcat(report, line);
        }
    }
    ck_assert_msg(n < STEP_LIMIT, "the work never finished without a fault");
    ck_assert_msg(failed > 0, "no step met a fault: the hooks are not consulted");
    ck_assert_msg(unclear == 0, "%ld of %ld failed steps gave an unclear error:%s", unclear, failed, report);
    return failed;
}

static void arm_alloc_persistent(long n) { dvk_fault_arm(n, 1); }
static void arm_alloc_transient(long n) { dvk_fault_arm(n, 0); }
static void arm_write_full(long n) { dvk_fault_io_arm(n, DVK_FAULT_IO_WRITE, SQLITE_FULL); }
static void arm_write_ioerr(long n) { dvk_fault_io_arm(n, DVK_FAULT_IO_WRITE, SQLITE_IOERR_WRITE); }
static void arm_sync_ioerr(long n) { dvk_fault_io_arm(n, DVK_FAULT_IO_SYNC, SQLITE_IOERR_FSYNC); }
static void arm_crash(long n) { dvk_fault_io_arm(n, DVK_FAULT_IO_WRITE | DVK_FAULT_IO_SYNC, DVK_FAULT_CRASH); }

/* SQLite's allocator must be replaced before SQLite starts; each Check test runs in its own
 * process, so shutting it down here affects only this test. */
static void with_sqlite_faults(void)
{
    ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
    ck_assert_int_eq(dvk_fault_sqlite_malloc_install(), SQLITE_OK);
    ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
}

static void run_steps(int work, void (*arm)(long), long (*calls)(void), int code, const char *want,
                      const char *what)
{
    fixture f;
    fixture_make(&f, work);
    long failed = step_faults(&f, arm, calls, code, want);
    fprintf(stderr, "faults: %s %s: %ld steps failed cleanly\n", work == WORK_IMPORT ? "import" : "decide",
            what, failed);
    fixture_free(&f);
}

START_TEST(oom_every_allocation)
{
    with_sqlite_faults();
    run_steps(_i, arm_alloc_persistent, dvk_fault_calls, DVK_ENOMEM, "out of memory", "out of memory");
}
END_TEST

START_TEST(oom_transient)
{
    /* One allocation fails and the next ones succeed: SQLite may recover (then the work is
     * whole) or the work fails (then nothing is written). */
    with_sqlite_faults();
    run_steps(_i, arm_alloc_transient, dvk_fault_calls, DVK_ENOMEM, "out of memory", "one failed allocation");
}
END_TEST

START_TEST(disk_full_every_write)
{
    ck_assert_int_eq(dvk_fault_vfs_register(), SQLITE_OK);
    run_steps(_i, arm_write_full, dvk_fault_io_calls, DVK_EIO, "disk full", "disk full");
}
END_TEST

START_TEST(io_error_every_write)
{
    ck_assert_int_eq(dvk_fault_vfs_register(), SQLITE_OK);
    run_steps(_i, arm_write_ioerr, dvk_fault_io_calls, DVK_EIO, "I/O error", "write error");
}
END_TEST

START_TEST(io_error_every_sync)
{
    ck_assert_int_eq(dvk_fault_vfs_register(), SQLITE_OK);
    run_steps(_i, arm_sync_ioerr, dvk_fault_io_calls, DVK_EIO, "I/O error", "fsync error");
}
END_TEST

/* A crash (SIGKILL) at every write and sync of the work, in a child process: afterwards the
 * database is whole (integrity, audit chain), the work wholly present or absent, and a
 * re-run succeeds and is whole. */
START_TEST(crash_every_write)
{
    ck_assert_int_eq(dvk_fault_vfs_register(), SQLITE_OK);
    fixture f;
    fixture_make(&f, _i);
    long n, crashed = 0;
    for (n = 1; n < STEP_LIMIT; n++) {
        fixture_reset(&f);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            dvk_error err;
            dvk_error_clear(&err);
            dvk_store *s = dvk_store_open(f.db, 0, &err);
            if (!s)
                _exit(3);
            arm_crash(n);
            int rc = do_work(&f, s, &err);
            dvk_fault_io_disarm();
            dvk_store_close(s);
            _exit(rc == DVK_OK ? 0 : 1);
        }
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        int killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        ck_assert_msg(killed || (WIFEXITED(status) && WEXITSTATUS(status) == 0),
                      "step %ld: the work failed without a crash (status %d)", n, status);
        state after = db_state(f.db);
        check_all_or_nothing(&f, &after, n, killed ? "after a crash" : "finished");
        if (!killed)
            break;
        crashed++;
        /* Re-run: succeeds, and the result is whole again (an import is idempotent; a
         * decision adds one more whole run). */
        dvk_error err;
        dvk_error_clear(&err);
        dvk_store *s = dvk_store_open(f.db, 0, &err);
        ck_assert_msg(s != NULL, "step %ld: reopening: %s", n, err.msg);
        ck_assert_msg(do_work(&f, s, &err) == DVK_OK, "step %ld: re-run: %s", n, err.msg);
        dvk_store_close(s);
        state rerun = db_state(f.db);
        ck_assert_msg(rerun.integrity_ok, "step %ld: integrity after the re-run", n);
        if (f.work == WORK_IMPORT)
            ck_assert_msg(rerun.models == f.whole.models, "step %ld: re-run left %lld models", n, rerun.models);
        else
            ck_assert_msg(rerun.results == f.whole.results * (after.runs + 1) &&
                          rerun.runs == after.runs + 1, "step %ld: re-run not whole", n);
    }
    ck_assert_msg(n < STEP_LIMIT && crashed > 0, "no crash point met");
    fprintf(stderr, "faults: %s: crashed at %ld writes/syncs, all whole\n",
            f.work == WORK_IMPORT ? "import" : "decide", crashed);
    fixture_free(&f);
}
END_TEST

/* Export onto a full disk (RLIMIT_FSIZE stands for it: writes past the limit fail with
 * EFBIG once SIGXFSZ is ignored): a clear error, and neither the file nor a temporary file
 * left. */
START_TEST(export_disk_full)
{
    fixture f;
    fixture_make(&f, WORK_DECIDE);
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(f.db, 0, &err);
    ck_assert_ptr_nonnull(s);
    char *out = tu_path(f.dir, "out.csv");
    int entries = tu_entries(f.dir);

    struct rlimit old, lim;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN);
    for (rlim_t cap = 0; cap <= 1024; cap += 256) {
        lim = old;
        lim.rlim_cur = cap;
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
        dvk_export_opts o = {0};
        long long rows = 0;
        dvk_error_clear(&err);
        int rc = dvk_export(s, DVK_EXPORT_MODELS, out, &o, &rows, &err);
        ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
        ck_assert_msg(rc == DVK_EIO, "cap %lu: export returned %d (%s)", (unsigned long)cap, rc, err.msg);
        ck_assert_msg(err.msg[0] != '\0', "cap %lu: no message", (unsigned long)cap);
        ck_assert_msg(access(out, F_OK) != 0, "cap %lu: %s was left behind as if complete", (unsigned long)cap, out);
        ck_assert_msg(tu_entries(f.dir) == entries, "cap %lu: a temporary file was left behind",
                      (unsigned long)cap);
    }
    /* Without the cap the same export works (so the failures above came from the cap). */
    dvk_export_opts o = {0};
    long long rows = 0;
    ck_assert_int_eq(dvk_export(s, DVK_EXPORT_MODELS, out, &o, &rows, &err), DVK_OK);
    ck_assert_int_eq(rows, NMODELS);
    size_t len = 0;
    char *text = tu_read(out, &len);
    ck_assert_msg(len > 1024, "the export is too small (%zu bytes) to meet the caps", len);
    free(text);
    dvk_store_close(s);
    free(out);
    fixture_free(&f);
}
END_TEST

/* DVK_FAULT: only kill@POINT or kill@POINT:N (N >= 1) with a known POINT arms anything. */
START_TEST(kill_point_parse)
{
    static const char *const bad[] = {"kill", "kill@", "kill@nowhere", "kill@decide-commit:",
                                       "kill@decide-commit:0", "kill@decide-commit:-2",
                                       "kill@decide-commit:2x", "crash@decide-commit",
                                       "kill@decide-commi", "kill@decide-commitx:1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("DVK_FAULT", bad[i], 1);
        ck_assert_msg(dvk_fault_from_env() == -1, "%s accepted", bad[i]);
        ck_assert_int_eq(dvk_fault_kill_armed, 0);
    }
    setenv("DVK_FAULT", "kill@import-row:7", 1);
    ck_assert_int_eq(dvk_fault_from_env(), 0);
    ck_assert_int_eq(dvk_fault_kill_armed, 1);
    unsetenv("DVK_FAULT");
    ck_assert_int_eq(dvk_fault_from_env(), 0);
    ck_assert_int_eq(dvk_fault_kill_armed, 0);
    ck_assert_ptr_nonnull(strstr(dvk_fault_point_names(), "export-close"));
}
END_TEST

/* Armed at the third pass of decide-result: other points and the first two passes leave the
 * process alive (this test), the third kills it (the next, which must die of SIGKILL). */
static void pass_before_the_third(void)
{
    setenv("DVK_FAULT", "kill@decide-result:3", 1);
    ck_assert_int_eq(dvk_fault_from_env(), 0);
    for (int i = 0; i < 5; i++) {
        DVK_FAULT_POINT("decide-commit");
        DVK_FAULT_POINT("import-row");
    }
    DVK_FAULT_POINT("decide-result");
    DVK_FAULT_POINT("decide-result");
}

START_TEST(kill_point_spares_earlier_passes)
{
    pass_before_the_third();
    unsetenv("DVK_FAULT");
    ck_assert_int_eq(dvk_fault_from_env(), 0);
}
END_TEST

START_TEST(kill_point_kills_at_nth_pass)
{
    pass_before_the_third();
    DVK_FAULT_POINT("decide-result");
    ck_abort_msg("still alive after the third pass");
}
END_TEST

/* A large run's writes do not go through statement journals (issue 15). The page cache
 * (DVK_STORE_CACHE_KIB; here SPILL_CACHE_KIB, for a small run to overflow it) spills pages
 * of the packed scores to the WAL while the candidates are read; in WAL mode SQLite first
 * copies each page it spills into the statement journal when the statement running then
 * may ABORT halfway. That made decide write 7.4 times the bytes of its scores to temporary
 * files (10.5 MB for 1.4 MB of scores at 4,000 models). decide's batched inserts cannot
 * ABORT (INSERT OR FAIL, migration 8's RAISE(FAIL), foreign keys deferred to the commit):
 * what is left is the journals of the run's few whole-table statements (the results'
 * INSERT ... SELECT, the quota passes): 0.44 MB for 2.8 MB of scores at 8,000 models (0.97
 * MB before the temp database stopped zeroing freed pages, decide_temp_is_scratch). Deterministic: the same rows, cache and SQLite write
 * the same bytes. The control: an UPDATE of the same rows in a transaction, which may ABORT,
 * journals them (the counter sees statement journals). */
#define DVK_STR_(x) #x
#define DVK_STR(x) DVK_STR_(x)
#define SPILL_MODELS 8000
#define SPILL_CACHE_KIB 256   /* this test's page cache: small, so that a small run spills it */
/* A database of SPILL_MODELS models in dir (big.db), opened through the fault VFS. */
static dvk_store *spill_store(const char *dir)
{
    char *db = tu_path(dir, "big.db"), *units = tu_path(dir, "units.csv");
    char *models = tu_path(dir, "models.csv");
    tu_write(units, "code,name,kind,parent\n"
                    "example,Tỉnh Mẫu,province,\n"
                    "example/a,Huyện A,district,example\n"
                    "example/a/1,Xã Một,commune,example/a\n", (size_t)-1);
    FILE *fp = fopen(models, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(fp, "code,name,unit,kind,category,field,level,year,registration,started_on,"
                "address,description,beneficiaries\n");
    for (int i = 0; i < SPILL_MODELS; i++)
        fprintf(fp, "M%06d,Mô hình %d,example/a/1,tap-the,mo-hinh,kinh-te,co-so,2024,moi,"
                    "2021-0%d-01,\"Thôn %d, xã Một\",Mô tả,%d\n", i, i, 1 + i % 9, i % 50,
                (i * 37) % 1000);
    ck_assert_int_eq(fclose(fp), 0);
    ck_assert_int_eq(dvk_fault_vfs_register(), SQLITE_OK);
    dvk_error err;
    dvk_error_clear(&err);
    dvk_store *s = dvk_store_open(db, DVK_STORE_CREATE, &err);
    ck_assert_msg(s != NULL, "%s", err.msg);
    exec_ok(s, "INSERT INTO fields(province,id,name) VALUES('example','kinh-te','Kinh tế')");
    dvk_import_opts io = {.levels = dvk_script_levels, .levels_ud = (void *)tu_scripts_dir()};
    dvk_import_result r = {0};
    ck_assert_msg(dvk_import(s, DVK_IMPORT_UNITS, units, &io, &r, &err) == DVK_OK, "%s", err.msg);
    dvk_import_result_free(&r);
    memset(&r, 0, sizeof r);
    ck_assert_msg(dvk_import(s, DVK_IMPORT_MODELS, models, &io, &r, &err) == DVK_OK, "%s", err.msg);
    dvk_import_result_free(&r);

    free(db);
    free(units);
    free(models);
    return s;
}

START_TEST(decide_spills_without_statement_journal)
{
    char *dir = tu_tmpdir();
    dvk_store *s = spill_store(dir);
    dvk_error err;
    dvk_error_clear(&err);
    exec_ok(s, "PRAGMA cache_size = -" DVK_STR(SPILL_CACHE_KIB));
    dvk_fault_io_written_reset();
    fixture f = {.work = WORK_DECIDE};
    ck_assert_msg(do_work(&f, s, &err) == DVK_OK, "%s", err.msg);
    long long sub = dvk_fault_io_written(SQLITE_OPEN_SUBJOURNAL);
    long long wal = dvk_fault_io_written(SQLITE_OPEN_WAL);
    long long packed = tu_int(s, "SELECT sum(length(scores)) FROM result_scores_packed");
    long long cache = 1024LL * SPILL_CACHE_KIB;
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM results"), SPILL_MODELS);
    ck_assert_msg(packed > 2 * cache, "the run is too small to spill the cache: %lld bytes", packed);
    ck_assert_msg(wal > packed, "the WAL got %lld bytes of %lld", wal, packed);
    ck_assert_msg(sub < packed / 2, "decide wrote %lld bytes to statement journals (scores: %lld, "
                  "cache: %lld)", sub, packed, cache);

    /* the control: a statement that may ABORT, over the same pages */
    dvk_fault_io_written_reset();
    exec_ok(s, "BEGIN; UPDATE result_scores_packed SET scores = scores || x'00'; ROLLBACK");
    long long ctl = dvk_fault_io_written(SQLITE_OPEN_SUBJOURNAL);
    ck_assert_msg(ctl > packed / 2, "the control UPDATE journaled %lld bytes of %lld", ctl, packed);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* decide's temporary tables are scratch (issue 15): the connection's temp database has the
 * main file's page size and does not zero the pages it frees. With SQLite's SECURE_DELETE
 * (Debian's build), dropping the candidates' tables before the commit copied every page of
 * them into a statement journal and wrote it back zeroed (68 MiB of each at 1,000,000
 * models). Measured in bytes, with a small temp cache so that this small run spills it;
 * the control is the same run with secure_delete set back on for the temp database. The
 * main database keeps SQLite's own setting. */
START_TEST(decide_temp_is_scratch)
{
    char *dir = tu_tmpdir();
    dvk_store *s = spill_store(dir);
    dvk_error err;
    dvk_error_clear(&err);
    sqlite3 *plain;
    ck_assert_int_eq(sqlite3_open(":memory:", &plain), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(plain, "PRAGMA secure_delete", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int library_default = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(plain);
    ck_assert_int_eq(tu_int(s, "PRAGMA main.secure_delete"), library_default);
    ck_assert_int_eq(tu_int(s, "PRAGMA temp.secure_delete"), 0);
    ck_assert_int_eq(tu_int(s, "PRAGMA temp.page_size"), atoi(DVK_STORE_PAGE_SIZE));

    exec_ok(s, "PRAGMA cache_size = -" DVK_STR(SPILL_CACHE_KIB) ";"
               " PRAGMA temp.cache_size = -" DVK_STR(SPILL_CACHE_KIB));
    long long sub[2], temp[2];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            exec_ok(s, "PRAGMA temp.secure_delete = ON");   /* the control */
        dvk_fault_io_written_reset();
        fixture f = {.work = WORK_DECIDE};
        ck_assert_msg(do_work(&f, s, &err) == DVK_OK, "%s", err.msg);
        sub[pass] = dvk_fault_io_written(SQLITE_OPEN_SUBJOURNAL);
        temp[pass] = dvk_fault_io_written(SQLITE_OPEN_TEMP_DB);
    }
    /* at 8,000 models: 0.44 MB against 1.38 MB, and 0.77 MB against 1.28 MB */
    ck_assert_msg(2 * sub[0] < sub[1], "statement journals: %lld bytes, %lld with secure_delete",
                  sub[0], sub[1]);
    ck_assert_msg(4 * temp[0] < 3 * temp[1], "temp database: %lld bytes, %lld with secure_delete",
                  temp[0], temp[1]);
    ck_assert_int_eq(tu_int(s, "SELECT count(*) FROM results"), 2 * SPILL_MODELS);
    dvk_store_close(s);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("oom");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, oom_every_allocation, WORK_IMPORT, WORK_DECIDE + 1);
    tcase_add_loop_test(tc, oom_transient, WORK_IMPORT, WORK_DECIDE + 1);
    suite_add_tcase(s, tc);
    tc = tcase_create("io");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, disk_full_every_write, WORK_IMPORT, WORK_DECIDE + 1);
    tcase_add_loop_test(tc, io_error_every_write, WORK_IMPORT, WORK_DECIDE + 1);
    tcase_add_loop_test(tc, io_error_every_sync, WORK_IMPORT, WORK_DECIDE + 1);
    tcase_add_test(tc, export_disk_full);
    suite_add_tcase(s, tc);
    tc = tcase_create("spill");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, decide_spills_without_statement_journal);
    tcase_add_test(tc, decide_temp_is_scratch);
    suite_add_tcase(s, tc);
    tc = tcase_create("crash");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, crash_every_write, WORK_IMPORT, WORK_DECIDE + 1);
    suite_add_tcase(s, tc);
    tc = tcase_create("kill_points");
    tcase_add_test(tc, kill_point_parse);
    tcase_add_test(tc, kill_point_spares_earlier_passes);
    tcase_add_test_raise_signal(tc, kill_point_kills_at_nth_pass, SIGKILL);
    suite_add_tcase(s, tc);
    return s;
}
