/* check_paths.c: output files (outfile.h). The open database (any spelling, hard and
 * symbolic links, its side files even before they exist), the input and folders are refused
 * with nothing changed; temporary files are hidden, unpredictable, made exclusively in the
 * target's folder, 0666 less the umask, and never left behind when writing fails; links
 * planted under predictable names are not followed; a link as the target replaces the file
 * it points to; devices are written in place. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dvk/outfile.h"
#include "testutil.h"

/* Open path keeping keep, expecting a refusal whose message holds what. */
static void refused(const char *path, const dvk_outfile_keep *keep, const char *what)
{
    dvk_outfile o;
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_outfile_open(&o, path, keep, 0, &err), DVK_EIO);
    ck_assert_msg(strstr(err.msg, what) != NULL, "%s: got '%s'", path, err.msg);
    ck_assert_ptr_null(o.f);
    ck_assert_ptr_null(o.tmp);
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_outfile_check(path, keep, &err), DVK_EIO);
    ck_assert_msg(strstr(err.msg, what) != NULL, "%s: got '%s'", path, err.msg);
}

/* path holds exactly text. */
static void holds(const char *path, const char *text)
{
    char *got = tu_read(path, NULL);
    ck_assert_msg(got != NULL, "%s is missing", path);
    ck_assert_str_eq(got, text);
    free(got);
}

/* Write text to path through the module; returns its code. */
static int put(const char *path, const dvk_outfile_keep *keep, const char *text, dvk_error *err)
{
    dvk_outfile o;
    int rc = dvk_outfile_open(&o, path, keep, 0, err);
    if (rc)
        return rc;
    int bad = fputs(text, o.f) == EOF;
    return dvk_outfile_close(&o, !bad, err);
}

START_TEST(refuses_what_is_kept)
{
    char *dir = tu_tmpdir();
    char *db = tu_path(dir, "dvk.db");
    char *in = tu_path(dir, "in.csv");
    tu_write(db, "database", (size_t)-1);
    tu_write(in, "input", (size_t)-1);
    char *hard = tu_path(dir, "hard.db");
    char *soft = tu_path(dir, "soft.db");
    ck_assert_int_eq(link(db, hard), 0);
    ck_assert_int_eq(symlink("dvk.db", soft), 0);
    char *sub = tu_path(dir, "sub");
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    const dvk_outfile_keep keep = {.db = db, .input = in};

    refused(db, &keep, "is the open database; choose another output file");
    refused(hard, &keep, "is the open database");
    refused(soft, &keep, "is the open database");
    char *spelled = tu_path(dir, "sub/../dvk.db");
    refused(spelled, &keep, "is the open database");
    /* side files that do not exist yet: compared by folder and name */
    char *wal = tu_path(dir, "./dvk.db-wal");
    char *journal = tu_path(dir, "sub/../dvk.db-journal");
    char *shm = tu_path(dir, "dvk.db-shm");
    refused(wal, &keep, "is the wal file of the open database");
    refused(journal, &keep, "is the journal file of the open database");
    refused(shm, &keep, "is the shm file of the open database");
    refused(in, &keep, "is the file being read; choose another output file");
    refused(sub, &keep, "is a folder, not a file");
    char *slash = tu_path(dir, "new/");
    refused(slash, &keep, "is a folder, not a file");
    /* the database given through a link is kept as the file it names */
    const dvk_outfile_keep by_link = {.db = soft};
    refused(db, &by_link, "is the open database");
    char *wal2 = tu_path(dir, "dvk.db-wal");
    refused(wal2, &by_link, "is the wal file");

    /* nothing changed, nothing created */
    holds(db, "database");
    holds(in, "input");
    ck_assert_int_eq(tu_entries(dir), 5);
    ck_assert_int_eq(tu_entries(sub), 0);
    /* without keep, or with other files kept, the same names are written */
    dvk_error err;
    char *other = tu_path(dir, "other.csv");
    ck_assert_int_eq(put(other, &keep, "x", &err), DVK_OK);
    ck_assert_int_eq(put(in, NULL, "replaced", &err), DVK_OK);
    holds(in, "replaced");
    ck_assert_int_eq(tu_entries(dir), 6);
    free(other);
    free(wal2);
    free(slash);
    free(shm);
    free(journal);
    free(wal);
    free(spelled);
    free(sub);
    free(soft);
    free(hard);
    free(in);
    free(db);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(temporary_files)
{
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "out.csv");
    dvk_error err;
    dvk_error_clear(&err);
    umask(027);
    dvk_outfile a, b;
    ck_assert_int_eq(dvk_outfile_open(&a, out, NULL, 0, &err), DVK_OK);
    ck_assert_int_eq(dvk_outfile_open(&b, out, NULL, 0, &err), DVK_OK);
    /* two hidden names in the target's folder, with different random suffixes */
    ck_assert_str_ne(a.tmp, b.tmp);
    size_t dl = strlen(dir);
    ck_assert_int_eq(strncmp(a.tmp, dir, dl), 0);
    ck_assert_int_eq(strncmp(a.tmp + dl, "/.out.csv.", 10), 0);
    ck_assert_uint_eq(strlen(a.tmp), dl + 10 + 6);
    struct stat st;
    ck_assert_int_eq(lstat(a.tmp, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0640);   /* 0666 less the umask */
    /* the output appears only when complete */
    fputs("a", a.f);
    fputs("b", b.f);
    ck_assert_int_ne(access(out, F_OK), 0);
    ck_assert_int_eq(tu_entries(dir), 2);
    ck_assert_int_eq(dvk_outfile_close(&a, 1, &err), DVK_OK);
    holds(out, "a");
    ck_assert_int_eq(dvk_outfile_close(&b, 1, &err), DVK_OK);
    holds(out, "b");
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    ck_assert_int_eq(tu_entries(dir), 1);
    umask(022);
    ck_assert_int_eq(dvk_outfile_close(&a, 1, &err), DVK_OK);   /* a closed one: nothing */
    /* a very long name still gets a temporary file (its name cut) */
    char name[251];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    char *longp = tu_path(dir, name);
    ck_assert_int_eq(put(longp, NULL, "long", &err), DVK_OK);
    holds(longp, "long");
    ck_assert_int_eq(tu_entries(dir), 2);
    free(longp);
    free(out);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

/* A writer that fails after writing part of its output. */
static int failing_writer(FILE *f)
{
    fputs("half of it", f);
    return -1;
}

START_TEST(failures_leave_nothing)
{
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "out.csv");
    tu_write(out, "old", (size_t)-1);
    dvk_error err;
    dvk_error_clear(&err);
    /* the writer fails: the temporary file goes, the old file stays, err is not touched */
    dvk_outfile o;
    ck_assert_int_eq(dvk_outfile_open(&o, out, NULL, 0, &err), DVK_OK);
    int ok = failing_writer(o.f) == 0;
    ck_assert_int_eq(dvk_outfile_close(&o, ok, &err), DVK_OK);
    ck_assert_int_eq(err.code, DVK_OK);
    holds(out, "old");
    ck_assert_int_eq(tu_entries(dir), 1);
    /* the disk fills up (a file size limit stands for it): DVK_EIO, nothing left */
    struct rlimit old, lim;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(dvk_outfile_open(&o, out, NULL, 0, &err), DVK_OK);
    lim = old;
    lim.rlim_cur = 4;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    for (int i = 0; i < 10000; i++)
        fputs("more than four bytes\n", o.f);
    int rc = dvk_outfile_close(&o, 1, &err);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_DFL);
    ck_assert_int_eq(rc, DVK_EIO);
    ck_assert_msg(strstr(err.msg, "out.csv: write error") != NULL, "%s", err.msg);
    holds(out, "old");
    ck_assert_int_eq(tu_entries(dir), 1);
    /* a folder that does not exist: named as given */
    char *missing = tu_path(dir, "missing/out.csv");
    ck_assert_int_eq(put(missing, NULL, "x", &err), DVK_EIO);
    ck_assert_msg(strstr(err.msg, "missing/out.csv: cannot write (No such file") != NULL,
                  "%s", err.msg);
    ck_assert_int_eq(tu_entries(dir), 1);
    free(missing);
    free(out);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(links)
{
    char *dir = tu_tmpdir();
    dvk_error err;
    dvk_error_clear(&err);
    /* a link planted under the old predictable name is not followed */
    char *victim = tu_path(dir, "victim");
    tu_write(victim, "victim", (size_t)-1);
    char *planted = tu_path(dir, "out.csv.tmp");
    ck_assert_int_eq(symlink("victim", planted), 0);
    char *out = tu_path(dir, "out.csv");
    ck_assert_int_eq(put(out, NULL, "output", &err), DVK_OK);
    holds(victim, "victim");
    holds(out, "output");
    /* a link as the target: the file it names is replaced, the link kept */
    char *link_path = tu_path(dir, "link.csv");
    ck_assert_int_eq(symlink("victim", link_path), 0);
    ck_assert_int_eq(put(link_path, NULL, "through the link", &err), DVK_OK);
    struct stat st;
    ck_assert_int_eq(lstat(link_path, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    holds(victim, "through the link");
    /* a dangling link (through another): the file it names is created */
    char *d1 = tu_path(dir, "d1"), *d2 = tu_path(dir, "d2"), *made = tu_path(dir, "made");
    ck_assert_int_eq(symlink("d2", d1), 0);
    ck_assert_int_eq(symlink("made", d2), 0);
    ck_assert_int_eq(put(d1, NULL, "made", &err), DVK_OK);
    ck_assert_int_eq(lstat(d1, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    holds(made, "made");
    /* ... and such a link to the database's journal is refused */
    char *db = tu_path(dir, "victim");
    char *to_journal = tu_path(dir, "j");
    ck_assert_int_eq(symlink("victim-journal", to_journal), 0);
    const dvk_outfile_keep keep = {.db = db};
    refused(to_journal, &keep, "is the journal file of the open database");
    ck_assert_int_eq(tu_entries(dir), 8);
    free(to_journal);
    free(db);
    free(made);
    free(d2);
    free(d1);
    free(link_path);
    free(out);
    free(planted);
    free(victim);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(by_name)
{
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "book.xlsx");
    dvk_error err;
    dvk_error_clear(&err);
    /* another library writes the temporary file by its name */
    dvk_outfile o;
    ck_assert_int_eq(dvk_outfile_open(&o, out, NULL, DVK_OUTFILE_BY_NAME, &err), DVK_OK);
    ck_assert_ptr_null(o.f);
    ck_assert_ptr_nonnull(o.tmp);
    FILE *f = fopen(o.tmp, "wb");
    fputs("PK", f);
    fclose(f);
    ck_assert_int_eq(dvk_outfile_close(&o, 1, &err), DVK_OK);
    holds(out, "PK");
    /* the temporary file swapped for a link meanwhile: refused, the link's file untouched */
    char *victim = tu_path(dir, "victim");
    tu_write(victim, "victim", (size_t)-1);
    ck_assert_int_eq(dvk_outfile_open(&o, out, NULL, DVK_OUTFILE_BY_NAME, &err), DVK_OK);
    ck_assert_int_eq(unlink(o.tmp), 0);
    ck_assert_int_eq(symlink(victim, o.tmp), 0);
    ck_assert_int_eq(dvk_outfile_close(&o, 1, &err), DVK_EIO);
    ck_assert_msg(strstr(err.msg, "was replaced while being written") != NULL, "%s", err.msg);
    holds(victim, "victim");
    holds(out, "PK");
    ck_assert_int_eq(tu_entries(dir), 2);
    free(victim);
    free(out);
    tu_rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(devices_and_stdout)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_outfile o;
    ck_assert_int_eq(dvk_outfile_open(&o, "/dev/null", NULL, DVK_OUTFILE_BY_NAME, &err), DVK_OK);
    ck_assert_ptr_nonnull(o.f);
    ck_assert_ptr_null(o.tmp);
    fputs("nothing", o.f);
    ck_assert_int_eq(dvk_outfile_close(&o, 1, &err), DVK_OK);
    ck_assert_int_eq(dvk_outfile_open(&o, "-", NULL, 0, &err), DVK_OK);
    ck_assert_ptr_eq(o.f, stdout);
    ck_assert_int_eq(dvk_outfile_close(&o, 1, &err), DVK_OK);
    ck_assert_int_eq(dvk_outfile_open(&o, NULL, NULL, 0, &err), DVK_OK);
    ck_assert_ptr_eq(o.f, stdout);
    ck_assert_int_eq(dvk_outfile_close(&o, 1, &err), DVK_OK);
    ck_assert_int_eq(dvk_outfile_check(NULL, NULL, &err), DVK_OK);
    /* a device full of nothing: the write error is reported */
    if (access("/dev/full", W_OK) == 0) {
        ck_assert_int_eq(put("/dev/full", NULL, "x", &err), DVK_EIO);
        ck_assert_msg(strstr(err.msg, "/dev/full: write error") != NULL, "%s", err.msg);
    }
}
END_TEST

Suite *paths_suite(void)
{
    Suite *su = suite_create("paths");
    TCase *tc = tcase_create("outfile");
    tcase_add_test(tc, refuses_what_is_kept);
    tcase_add_test(tc, temporary_files);
    tcase_add_test(tc, failures_leave_nothing);
    tcase_add_test(tc, links);
    tcase_add_test(tc, by_name);
    tcase_add_test(tc, devices_and_stdout);
    suite_add_tcase(su, tc);
    return su;
}
