/* outfile.c: writing output files safely (see include/dvk/outfile.h). */
#define _XOPEN_SOURCE 700 /* realpath, mkstemp, strndup, O_DIRECTORY, O_NOFOLLOW */
#include "dvk/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The last part of a name in a temporary file's name is cut to this many bytes, so that
 * ".NAME.XXXXXX" stays within NAME_MAX (255) on every common file system. */
#define TMP_BASE_MAX 200

/* The folder part of path, malloc'd ("a/b" -> "a", "b" -> ".", "/b" -> "/"); *base points
 * at the last part inside path (empty when path ends with '/'). NULL when out of memory. */
static char *split(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *base = path;
        return strdup(".");
    }
    *base = slash + 1;
    return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* dir/name, malloc'd. */
static char *join(const char *dir, const char *name)
{
    size_t d = strlen(dir), n = strlen(name);
    char *p = malloc(d + n + 2);
    if (p) {
        memcpy(p, dir, d);
        p[d] = '/';
        memcpy(p + d + 1, name, n + 1);
    }
    return p;
}

/* The name a write through the dangling link path creates: the links are followed by hand
 * (realpath refuses a chain that ends nowhere) up to the first name that is not a link.
 * malloc'd; NULL with errno set (ELOOP, ENOMEM). */
static char *follow_dangling(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur && hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        char link[PATH_MAX];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return cur;
        link[n] = '\0';
        char *next;
        if (link[0] == '/') {
            next = strdup(link);
        } else {   /* relative to the folder holding the link */
            const char *base;
            char *dir = split(cur, &base);
            next = dir ? join(dir, link) : NULL;
            free(dir);
        }
        free(cur);
        cur = next;
    }
    if (cur) {
        free(cur);
        errno = ELOOP;
    }
    return NULL;
}

/* One name that must not be replaced, as found now: its device and inode when it exists,
 * and always the device and inode of its folder and its last part. */
typedef struct kept {
    const char *role;           /* for the message */
    int exists;
    dev_t dev;
    ino_t ino;
    int has_dir;
    dev_t dir_dev;
    ino_t dir_ino;
    char base[NAME_MAX + 1];
} kept;

/* Fill k for name: a link is followed (SQLite opens the file a link names). */
static void kept_find(kept *k, const char *name, const char *role)
{
    memset(k, 0, sizeof *k);
    k->role = role;
    struct stat st;
    if (stat(name, &st) == 0) {
        k->exists = 1;
        k->dev = st.st_dev;
        k->ino = st.st_ino;
    }
    char *real = realpath(name, NULL);
    const char *base;
    char *dir = split(real ? real : name, &base);
    if (dir && strlen(base) <= NAME_MAX && stat(dir, &st) == 0) {
        k->has_dir = 1;
        k->dir_dev = st.st_dev;
        k->dir_ino = st.st_ino;
        strcpy(k->base, base);
    }
    free(dir);
    free(real);
}

/* DVK_EIO naming path when it is one of the kept files: by inode when *st describes it
 * (exists != 0), and by folder and last part of target (the file a write would replace). */
static int refuse_kept(const char *path, int exists, const struct stat *st, const char *target,
                       const dvk_outfile_keep *keep, dvk_error *err)
{
    if (!keep || (!keep->db && !keep->input))
        return DVK_OK;
    kept ks[5];
    size_t nk = 0;
    if (keep->db && *keep->db && strcmp(keep->db, ":memory:") != 0) {
        /* SQLite names the side files after the file a link to the database names */
        static const char *const side[] = {"-wal", "-journal", "-shm"};
        char *real = realpath(keep->db, NULL);
        const char *db = real ? real : keep->db;
        kept_find(&ks[nk++], db, NULL);
        size_t n = strlen(db);
        for (size_t i = 0; i < 3; i++) {
            char name[PATH_MAX];
            if (n + strlen(side[i]) >= sizeof name)
                continue;
            memcpy(name, db, n);
            strcpy(name + n, side[i]);
            kept_find(&ks[nk++], name, side[i] + 1);
        }
        free(real);
    }
    if (keep->input && strcmp(keep->input, "-") != 0)
        kept_find(&ks[nk++], keep->input, "input");

    int has_dir = 0;
    struct stat dst;
    const char *base = "";
    char *dir = target ? split(target, &base) : NULL;
    if (dir && stat(dir, &dst) == 0)
        has_dir = 1;
    free(dir);

    for (size_t i = 0; i < nk; i++) {
        const kept *k = &ks[i];
        int same = exists && k->exists && st->st_dev == k->dev && st->st_ino == k->ino;
        same = same || (has_dir && k->has_dir && dst.st_dev == k->dir_dev &&
                        dst.st_ino == k->dir_ino && strcmp(base, k->base) == 0);
        if (!same)
            continue;
        if (k->role && strcmp(k->role, "input") == 0)
            return dvk_error_set(err, DVK_EIO, "%s: is the file being read; choose another "
                                 "output file", path);
        if (k->role)
            return dvk_error_set(err, DVK_EIO, "%s: is the %s file of the open database; "
                                 "choose another output file", path, k->role);
        return dvk_error_set(err, DVK_EIO, "%s: is the open database; choose another output "
                             "file", path);
    }
    return DVK_OK;
}

/* Decide how path is written: *target (malloc'd) is the file to replace through a
 * temporary file, or NULL with *in_place = 1 for a device, pipe or socket (and for a
 * regular file reached through a name with no place in the file system, such as
 * /proc/self/fd/N of a deleted file). Refusals as outfile.h says. */
static int plan(const char *path, const dvk_outfile_keep *keep, char **target, int *in_place,
                dvk_error *err)
{
    struct stat st;
    *target = NULL;
    *in_place = 0;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return dvk_error_set(err, DVK_EIO, "%s: is a folder, not a file", path);
    if (exists && S_ISREG(st.st_mode))
        *target = realpath(path, NULL);
    else if (!exists && errno == ENOENT)
        *target = follow_dangling(path);   /* a new file, or a link to a name not made yet */
    else if (!exists)
        *target = strdup(path);   /* creating the temporary file will say what is wrong */
    if (exists && !*target)
        *in_place = 1;
    else if (!*target)
        return dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", path, strerror(errno));
    const char *base;
    char *dir = *target ? split(*target, &base) : NULL;
    int no_base = dir && !*base;
    free(dir);
    int rc = no_base ? dvk_error_set(err, DVK_EIO, "%s: is a folder, not a file", path)
                     : refuse_kept(path, exists, &st, *target, keep, err);
    if (rc) {
        free(*target);
        *target = NULL;
    }
    return rc;
}

int dvk_outfile_check(const char *path, const dvk_outfile_keep *keep, dvk_error *err)
{
    if (!path || strcmp(path, "-") == 0)
        return DVK_OK;
    char *target;
    int in_place;
    int rc = plan(path, keep, &target, &in_place, err);
    free(target);
    return rc;
}

/* Free o's strings and zero it. */
static void outfile_reset(dvk_outfile *o)
{
    free(o->name);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int dvk_outfile_open(dvk_outfile *o, const char *path, const dvk_outfile_keep *keep, int flags,
                     dvk_error *err)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return DVK_OK;
    }
    int in_place;
    int rc = plan(path, keep, &o->path, &in_place, err);
    if (rc)
        return rc;
    if (!(o->name = strdup(path)))
        goto oom;
    if (in_place) {   /* a device or pipe: written directly, never replaced */
        if (!(o->path = strdup(path)))
            goto oom;
        if (!(o->f = fopen(path, "wb"))) {
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", path, strerror(errno));
            outfile_reset(o);
        }
        return rc;
    }

    /* The temporary file: ".NAME.XXXXXX" in the target's folder, created exclusively. */
    const char *base;
    char *dir = split(o->path, &base);
    if (!dir)
        goto oom;
    size_t blen = strlen(base);
    if (blen > TMP_BASE_MAX)
        blen = TMP_BASE_MAX;
    size_t n = strlen(dir) + blen + 10;
    if (!(o->tmp = malloc(n))) {
        free(dir);
        goto oom;
    }
    snprintf(o->tmp, n, "%s/.%.*s.XXXXXX", dir, (int)blen, base);
    free(dir);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", path, strerror(errno));
        outfile_reset(o);
        return rc;
    }
    /* mkstemp makes the file 0600; an output is as readable as a file the user creates.
     * Reading the umask sets it for an instant: dvk writes files from one thread. */
    mode_t mask = umask(0);
    umask(mask);
    struct stat st;
    if (fchmod(fd, 0666 & ~mask) != 0 || fstat(fd, &st) != 0) {
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", path, strerror(errno));
        goto fail;
    }
    o->dev = st.st_dev;
    o->ino = st.st_ino;
    if (flags & DVK_OUTFILE_BY_NAME) {
        if (close(fd) != 0) {
            fd = -1;
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", path, strerror(errno));
            goto fail;
        }
        return DVK_OK;
    }
    if (!(o->f = fdopen(fd, "wb"))) {
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot write (%s)", path, strerror(errno));
        goto fail;
    }
    return DVK_OK;
fail:
    if (fd >= 0)
        close(fd);
    unlink(o->tmp);
    outfile_reset(o);
    return rc;
oom:
    outfile_reset(o);
    return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", path);
}

/* Make the rename of a file in path's folder durable (best effort: some file systems refuse
 * to fsync a folder, and the data itself is already on disk). */
static void sync_folder(const char *path)
{
    const char *base;
    char *dir = split(path, &base);
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int dvk_outfile_close(dvk_outfile *o, int ok, dvk_error *err)
{
    int rc = DVK_OK;
    if (!o->f && !o->tmp)
        return DVK_OK;
    if (!o->name) {   /* standard output: flushed, never closed */
        if (fflush(o->f) != 0 && ok)
            rc = dvk_error_set(err, DVK_EIO, "standard output: write error (%s)",
                               strerror(errno));
        o->f = NULL;
        return rc;
    }
    int bad = 0, e = 0;
    if (o->f) {
        /* The data reaches the disk before the file takes its final name. */
        bad = fflush(o->f) != 0 || ferror(o->f);
        e = errno;
        if (!bad && ok && o->tmp && fsync(fileno(o->f)) != 0)
            bad = 1, e = errno;
        if (fclose(o->f) != 0 && !bad)
            bad = 1, e = errno;
        o->f = NULL;
    } else if (ok) {
        /* Written by name by another library: still the regular file created here? */
        int fd = open(o->tmp, O_RDONLY | O_NOFOLLOW);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != o->dev ||
            st.st_ino != o->ino)
            rc = dvk_error_set(err, DVK_EIO, "%s: the temporary file %s was replaced while "
                               "being written", o->name, o->tmp);
        else if (fsync(fd) != 0)
            bad = 1, e = errno;
        if (fd >= 0)
            close(fd);
    }
    if (ok && bad && !rc)
        rc = dvk_error_set(err, DVK_EIO, "%s: write error (%s)", o->name, strerror(e));
    if (o->tmp) {
        if (ok && !rc && rename(o->tmp, o->path) != 0)
            rc = dvk_error_set(err, DVK_EIO, "%s: cannot rename %s (%s)", o->name, o->tmp,
                               strerror(errno));
        if (!ok || rc)
            unlink(o->tmp);
        else
            sync_folder(o->path);
    }
    outfile_reset(o);
    return rc;
}
