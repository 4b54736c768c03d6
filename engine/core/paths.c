/* paths.c: locating scripts/ and datasets/ (see include/dvk/paths.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "dvk/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <prefix>/share/dvk/<leaf> for an executable at <prefix>/bin/dvk, when that folder exists. */
static const char *beside_exe(char *buf, size_t n, const char *leaf)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return NULL;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    char *up = strrchr(exe, '/');
    if (!up)
        return NULL;
    *up = '\0'; /* exe now names the prefix: <prefix>/bin/dvk -> <prefix> */
    snprintf(buf, n, "%s/share/dvk/%s", exe, leaf);
    return is_dir(buf) ? buf : NULL;
}

static const char *locate(const char *override, const char *env, const char *leaf,
                          const char *installed, const char *source, char *buf, size_t n)
{
    if (override)
        return override;
    const char *e = getenv(env);
    if (e && *e)
        return e;
    const char *p = beside_exe(buf, n, leaf);
    if (p)
        return p;
    /* A binary run from its build tree uses the sources it was built from. */
    if (is_dir(source))
        return source;
    return installed;
}

const char *dvk_paths_scripts(const char *override)
{
    static char buf[PATH_MAX];
    return locate(override, "DVK_SCRIPTS", "scripts", DVK_INSTALLED_SCRIPTS, DVK_SOURCE_SCRIPTS,
                  buf, sizeof buf);
}

const char *dvk_paths_datasets(const char *override)
{
    static char buf[PATH_MAX];
    return locate(override, "DVK_DATASETS", "datasets", DVK_INSTALLED_DATASETS,
                  DVK_SOURCE_DATASETS, buf, sizeof buf);
}

int dvk_paths_output(const char *path, char **target, int *in_place, dvk_error *err)
{
    struct stat st;
    char *real = NULL;
    *in_place = 0;
    if (lstat(path, &st) != 0) {
        /* A new file (or a folder that is missing: the write will say so). */
        real = strdup(path);
    } else if (!(real = realpath(path, NULL))) {
        /* A link to something with no name in the file system (a pipe through /dev/stdout). */
        *in_place = 1;
        real = strdup(path);
    } else if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
        free(real);
        return dvk_error_set(err, DVK_EIO, "%s: is a folder, not a file", path);
    } else if (stat(real, &st) == 0 && !S_ISREG(st.st_mode)) {
        *in_place = 1;
    }
    if (!real)
        return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory", path);
    *target = real;
    return DVK_OK;
}
