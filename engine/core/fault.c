/* fault.c: fault injection for the robustness tests: the fail-after-N allocation counter,
 * an SQLite allocator obeying it, and the "dvk-fault" VFS shim (see include/dvk/fault.h). */
#include "dvk/fault.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocation faults --------------------------------------------------------------- */

static long alloc_at;          /* fail the alloc_at-th consultation (0: disarmed) */
static int alloc_persistent;   /* and every one after it */
static long alloc_calls, alloc_failures;

int dvk_fault_should_fail(void)
{
    if (alloc_at <= 0)
        return 0;
    alloc_calls++;
    if (alloc_calls == alloc_at || (alloc_persistent && alloc_calls > alloc_at)) {
        alloc_failures++;
        return 1;
    }
    return 0;
}

void dvk_fault_arm(long n, int persistent)
{
    alloc_at = n > 0 ? n : 0;
    alloc_persistent = persistent;
    alloc_calls = alloc_failures = 0;
}

void dvk_fault_disarm(void) { alloc_at = 0; }
long dvk_fault_calls(void) { return alloc_calls; }
long dvk_fault_failures(void) { return alloc_failures; }

void *dvk_fault_realloc(void *ptr, size_t n)
{
    if (n > 0 && dvk_fault_should_fail())
        return NULL;
    return realloc(ptr, n);
}

/* SQLite's default allocator, wrapped: allocation and growth consult the counter. */
static sqlite3_mem_methods sqlite_orig;
static int sqlite_installed;

static void *sq_malloc(int n)
{
    return dvk_fault_should_fail() ? NULL : sqlite_orig.xMalloc(n);
}

static void *sq_realloc(void *p, int n)
{
    if (n > sqlite_orig.xSize(p) && dvk_fault_should_fail())
        return NULL;
    return sqlite_orig.xRealloc(p, n);
}

static void sq_free(void *p) { sqlite_orig.xFree(p); }
static int sq_size(void *p) { return sqlite_orig.xSize(p); }
static int sq_roundup(int n) { return sqlite_orig.xRoundup(n); }
static int sq_init(void *ud) { return sqlite_orig.xInit(ud); }
static void sq_shutdown(void *ud) { sqlite_orig.xShutdown(ud); }

int dvk_fault_sqlite_malloc_install(void)
{
    if (sqlite_installed)
        return SQLITE_OK;
    int rc = sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_orig);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_mem_methods m = {sq_malloc, sq_free,     sq_realloc, sq_size,
                             sq_roundup, sq_init, sq_shutdown, sqlite_orig.pAppData};
    rc = sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
    if (rc == SQLITE_OK)
        sqlite_installed = 1;
    return rc;
}

/* ---- I/O faults: the "dvk-fault" VFS ------------------------------------------------- */

static long io_at, io_calls, io_failures;
static int io_mask, io_rc;

void dvk_fault_io_arm(long n, int mask, int rc)
{
    io_at = n > 0 ? n : 0;
    io_mask = mask;
    io_rc = rc;
    io_calls = io_failures = 0;
}

void dvk_fault_io_disarm(void) { io_at = 0; }
long dvk_fault_io_calls(void) { return io_calls; }
long dvk_fault_io_failures(void) { return io_failures; }

/* Returns the code to fail with, or SQLITE_OK to let the operation through. */
static int io_should_fail(int kind)
{
    if (io_at <= 0 || !(io_mask & kind))
        return SQLITE_OK;
    io_calls++;
    if (io_calls >= io_at) {
        io_failures++;
        if (io_rc == DVK_FAULT_CRASH)
            raise(SIGKILL);
        return io_rc;
    }
    return SQLITE_OK;
}

typedef struct fault_file {
    sqlite3_file base;
    sqlite3_file *real;  /* follows this struct in the same allocation */
    int flags;           /* its xOpen flags: which kind of file it is */
} fault_file;

/* Bytes written since the last dvk_fault_io_written_reset(), by the kind of file (the
 * SQLITE_OPEN_* flag bit of its xOpen, one of MAIN_DB .. WAL). */
static long long io_written[32];

void dvk_fault_io_written_reset(void) { memset(io_written, 0, sizeof io_written); }

long long dvk_fault_io_written(int open_flag)
{
    long long n = 0;
    for (int b = 0; b < 32; b++)
        if ((unsigned)open_flag & (1u << b))
            n += io_written[b];
    return n;
}

static void count_written(const sqlite3_file *f, int n)
{
    unsigned kinds = (unsigned)((const fault_file *)f)->flags &
                (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TRANSIENT_DB |
                 SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_SUBJOURNAL |
                 SQLITE_OPEN_SUPER_JOURNAL | SQLITE_OPEN_WAL);
    for (int b = 0; b < 32; b++)
        if (kinds & (1u << b))
            io_written[b] += n;
}

static sqlite3_vfs fault_vfs;
#define REAL_VFS ((sqlite3_vfs *)fault_vfs.pAppData)
#define REAL(f) (((fault_file *)(f))->real)

static int ff_close(sqlite3_file *f)
{
    int rc = SQLITE_OK;
    if (REAL(f)->pMethods)
        rc = REAL(f)->pMethods->xClose(REAL(f));
    return rc;
}

static int ff_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int ff_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    int rc = io_should_fail(DVK_FAULT_IO_WRITE);
    if (rc != SQLITE_OK)
        return rc;
    count_written(f, n);
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    int rc = io_should_fail(DVK_FAULT_IO_WRITE);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int ff_sync(sqlite3_file *f, int flags)
{
    int rc = io_should_fail(DVK_FAULT_IO_SYNC);
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int ff_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int ff_lock(sqlite3_file *f, int lock) { return REAL(f)->pMethods->xLock(REAL(f), lock); }
static int ff_unlock(sqlite3_file *f, int lock) { return REAL(f)->pMethods->xUnlock(REAL(f), lock); }

static int ff_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int ff_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int ff_sector_size(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }

static int ff_device_characteristics(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int ff_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int ff_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void ff_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }

static int ff_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int ff_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int ff_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

/* One method table per iVersion of the real file, so SQLite never calls a method the real
 * file lacks. */
static sqlite3_io_methods ff_methods[3];

static int fv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    fault_file *ff = (fault_file *)f;
    ff->real = (sqlite3_file *)(ff + 1);
    memset(ff->real, 0, (size_t)REAL_VFS->szOsFile);
    ff->flags = flags;
    f->pMethods = NULL;
    int rc = REAL_VFS->xOpen(REAL_VFS, name, ff->real, flags, out_flags);
    if (ff->real->pMethods) {
        int v = ff->real->pMethods->iVersion;
        f->pMethods = &ff_methods[v < 1 ? 0 : v > 3 ? 2 : v - 1];
    }
    return rc;
}

static int fv_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
    return REAL_VFS->xDelete(REAL_VFS, name, sync);
}

static int fv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    return REAL_VFS->xAccess(REAL_VFS, name, flags, out);
}

static int fv_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    return REAL_VFS->xFullPathname(REAL_VFS, name, n, out);
}

static void *fv_dlopen(sqlite3_vfs *vfs, const char *name) { return REAL_VFS->xDlOpen(REAL_VFS, name); }
static void fv_dlerror(sqlite3_vfs *vfs, int n, char *out) { REAL_VFS->xDlError(REAL_VFS, n, out); }

static void (*fv_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    return REAL_VFS->xDlSym(REAL_VFS, h, sym);
}

static void fv_dlclose(sqlite3_vfs *vfs, void *h) { REAL_VFS->xDlClose(REAL_VFS, h); }
static int fv_randomness(sqlite3_vfs *vfs, int n, char *out) { return REAL_VFS->xRandomness(REAL_VFS, n, out); }
static int fv_sleep(sqlite3_vfs *vfs, int us) { return REAL_VFS->xSleep(REAL_VFS, us); }
static int fv_current_time(sqlite3_vfs *vfs, double *t) { return REAL_VFS->xCurrentTime(REAL_VFS, t); }

static int fv_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    return REAL_VFS->xGetLastError ? REAL_VFS->xGetLastError(REAL_VFS, n, out) : 0;
}

static int fv_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
    return REAL_VFS->xCurrentTimeInt64(REAL_VFS, t);
}

int dvk_fault_vfs_register(void)
{
    if (fault_vfs.zName)
        return sqlite3_vfs_register(&fault_vfs, 1);
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    if (!real)
        return SQLITE_ERROR;
    for (int v = 1; v <= 3; v++) {
        sqlite3_io_methods *m = &ff_methods[v - 1];
        m->iVersion = v;
        m->xClose = ff_close;
        m->xRead = ff_read;
        m->xWrite = ff_write;
        m->xTruncate = ff_truncate;
        m->xSync = ff_sync;
        m->xFileSize = ff_file_size;
        m->xLock = ff_lock;
        m->xUnlock = ff_unlock;
        m->xCheckReservedLock = ff_check_reserved;
        m->xFileControl = ff_file_control;
        m->xSectorSize = ff_sector_size;
        m->xDeviceCharacteristics = ff_device_characteristics;
        if (v >= 2) {
            m->xShmMap = ff_shm_map;
            m->xShmLock = ff_shm_lock;
            m->xShmBarrier = ff_shm_barrier;
            m->xShmUnmap = ff_shm_unmap;
        }
        if (v >= 3) {
            m->xFetch = ff_fetch;
            m->xUnfetch = ff_unfetch;
        }
    }
    fault_vfs.iVersion = 2;
    fault_vfs.szOsFile = (int)sizeof(fault_file) + real->szOsFile;
    fault_vfs.mxPathname = real->mxPathname;
    fault_vfs.zName = "dvk-fault";
    fault_vfs.pAppData = real;
    fault_vfs.xOpen = fv_open;
    fault_vfs.xDelete = fv_delete;
    fault_vfs.xAccess = fv_access;
    fault_vfs.xFullPathname = fv_full_pathname;
    fault_vfs.xDlOpen = fv_dlopen;
    fault_vfs.xDlError = fv_dlerror;
    fault_vfs.xDlSym = fv_dlsym;
    fault_vfs.xDlClose = fv_dlclose;
    fault_vfs.xRandomness = fv_randomness;
    fault_vfs.xSleep = fv_sleep;
    fault_vfs.xCurrentTime = fv_current_time;
    fault_vfs.xGetLastError = fv_last_error;
    fault_vfs.xCurrentTimeInt64 = fv_current_time64;
    return sqlite3_vfs_register(&fault_vfs, 1);
}

/* ---- kill points --------------------------------------------------------------------- */

int dvk_fault_kill_armed;
static const char *kill_point;  /* one of POINTS */
static long kill_at, kill_passes;

static const char *const POINTS[] = {
    "decide-result", "decide-commit", "decide-committed", "import-row", "import-commit",
    "import-committed", "export-row", "export-close", "sqlite-write", "sqlite-sync", NULL};

const char *dvk_fault_point_names(void)
{
    static char names[256];
    if (!names[0])
        for (int i = 0; POINTS[i]; i++) {
            if (i)
                strcat(names, ", ");
            strcat(names, POINTS[i]);
        }
    return names;
}

void dvk_fault_point_pass(const char *name)
{
    if (strcmp(name, kill_point) == 0 && ++kill_passes == kill_at)
        raise(SIGKILL);
}

int dvk_fault_from_env(void)
{
    const char *v = getenv("DVK_FAULT");
    dvk_fault_kill_armed = 0;
    if (!v || !*v)
        return 0;
    if (strncmp(v, "kill@", 5) != 0)
        return -1;
    v += 5;
    size_t len = strcspn(v, ":");
    long n = 1;
    if (v[len] == ':') {
        char *end;
        n = strtol(v + len + 1, &end, 10);
        if (end == v + len + 1 || *end || n < 1)
            return -1;
    }
    const char *point = NULL;
    for (int i = 0; POINTS[i]; i++)
        if (strlen(POINTS[i]) == len && strncmp(POINTS[i], v, len) == 0)
            point = POINTS[i];
    if (!point)
        return -1;
    if (strncmp(point, "sqlite-", 7) == 0) {
        if (dvk_fault_vfs_register() != SQLITE_OK)
            return -1;
        dvk_fault_io_arm(n, point[7] == 'w' ? DVK_FAULT_IO_WRITE : DVK_FAULT_IO_SYNC,
                         DVK_FAULT_CRASH);
        return 0;
    }
    kill_point = point;
    kill_at = n;
    kill_passes = 0;
    dvk_fault_kill_armed = 1;
    return 0;
}
