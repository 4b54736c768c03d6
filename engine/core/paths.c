/* paths.c: locating scripts/ and datasets/ (see include/dvk/paths.h). */
#define _XOPEN_SOURCE 700 /* readlink */
#include "dvk/paths.h"

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

const char *dvk_paths_builtin_scripts(void)
{
    static char buf[PATH_MAX];
    const char *p = beside_exe(buf, sizeof buf, "scripts");
    if (p)
        return p;
    if (is_dir(DVK_SOURCE_SCRIPTS))
        return DVK_SOURCE_SCRIPTS;
    return DVK_INSTALLED_SCRIPTS;
}

const char *dvk_paths_datasets(const char *override)
{
    static char buf[PATH_MAX];
    return locate(override, "DVK_DATASETS", "datasets", DVK_INSTALLED_DATASETS,
                  DVK_SOURCE_DATASETS, buf, sizeof buf);
}
