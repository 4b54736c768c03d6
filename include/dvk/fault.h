/* fault.h: fault injection for the robustness tests: a fail-after-N counter consulted by the
 * engine's allocation wrappers (Lua's counting allocator, libcsv's realloc, and an SQLite
 * allocator that a test installs), and an SQLite VFS shim that fails the Nth write or sync
 * with SQLITE_IOERR or SQLITE_FULL. Nothing here is active unless a test arms it: disarmed,
 * dvk_fault_should_fail() is one load and one compare. Owns no data of the store. The dvk
 * command arms nothing itself but the kill points below, and those only from the DVK_FAULT
 * environment variable read once at start (dvk_fault_from_env); no province script can reach
 * any of this. Not thread-safe (dvk is single-threaded). */
#ifndef DVK_FAULT_H
#define DVK_FAULT_H

#include <stddef.h>

/* ---- allocation faults --------------------------------------------------------------- */

/* Called by every allocation site that may fail (before growing memory). Returns 1 when this
 * allocation must fail: the Nth consultation after dvk_fault_arm(N, ...), and, when armed
 * persistently, every one after it. Returns 0 when disarmed. */
int dvk_fault_should_fail(void);

/* Fail the nth allocation from now (n >= 1); persistent: also every later one, as a real
 * exhausted heap would. n <= 0 disarms. Resets the counters below. */
void dvk_fault_arm(long n, int persistent);
void dvk_fault_disarm(void);
/* Consultations since the last arm, and how many of them failed. A test that armed N and
 * sees dvk_fault_calls() < N knows the work finished before the fault: N stepped past the
 * last allocation. */
long dvk_fault_calls(void);
long dvk_fault_failures(void);

/* realloc that obeys the counter (growth only: shrinking and freeing always succeed); the
 * signature of libcsv's csv_set_realloc_func. */
void *dvk_fault_realloc(void *ptr, size_t n);

/* Route SQLite's own allocations through the counter. Must be called before SQLite is
 * initialized (or after sqlite3_shutdown()): it calls sqlite3_config(SQLITE_CONFIG_MALLOC).
 * Returns an SQLite result code. Idempotent. */
int dvk_fault_sqlite_malloc_install(void);

/* ---- I/O faults ---------------------------------------------------------------------- */

enum {
    DVK_FAULT_IO_WRITE = 1,   /* xWrite and xTruncate of database, journal and WAL files */
    DVK_FAULT_IO_SYNC = 2     /* xSync */
};

/* Register (once) the VFS "dvk-fault" wrapping the default VFS and make it the default, so
 * every connection opened afterwards goes through it. Returns an SQLite result code. */
int dvk_fault_vfs_register(void);
/* Fail the nth I/O operation of the kinds in mask (DVK_FAULT_IO_*) from now, and every later
 * one (a full disk stays full), with rc (SQLITE_IOERR_WRITE, SQLITE_FULL, ...). rc ==
 * DVK_FAULT_CRASH instead kills the process with SIGKILL just before that operation: a
 * crash at exactly that write or sync (what was written before stays in the OS's cache, as
 * after a real kill). n <= 0 disarms. */
#define DVK_FAULT_CRASH 0
void dvk_fault_io_arm(long n, int mask, int rc);
void dvk_fault_io_disarm(void);
/* Operations of the armed kinds seen since the last arm, and how many failed. */
long dvk_fault_io_calls(void);
long dvk_fault_io_failures(void);
/* Bytes written through the dvk-fault VFS since the last reset to files of the kinds in
 * open_flags (SQLITE_OPEN_SUBJOURNAL, SQLITE_OPEN_WAL, ...: how SQLite opened them). */
void dvk_fault_io_written_reset(void);
long long dvk_fault_io_written(int open_flags);


/* ---- kill points (DVK_FAULT=kill@POINT:N) -------------------------------------------- */

/* Named places in the write paths where the kill tests (tests/cli/robust_*_kill.sh) stop the
 * process with SIGKILL, deterministically instead of after a sleep: the Nth time POINT is
 * passed. The points (each one a DVK_FAULT_POINT in the engine):
 *   decide-result     after each candidate of a decision is held (its row of the run's
 *                     temporary table batched, its packed scores written), mid-run
 *   decide-commit     a decision's rows and audit record written, just before COMMIT
 *   decide-committed  just after a decision's COMMIT
 *   import-row        after each row of an import is written (mid-import)
 *   import-commit     an import's rows written, just before its indexes, audit and COMMIT
 *   import-committed  just after an import's COMMIT
 *   export-row        after each row of an export is written to its temporary file
 *   export-close      every row in the temporary file, just before it is renamed in place
 *   sqlite-write      the Nth write or truncate of any SQLite file (database, WAL, journal)
 *   sqlite-sync       the Nth fsync of any SQLite file
 * (the last two through the dvk-fault VFS, registered only when they are armed). Release
 * builds have the points too: unarmed, each costs one load and one compare. */
extern int dvk_fault_kill_armed;
#define DVK_FAULT_POINT(name)                   \
    do {                                         \
        if (dvk_fault_kill_armed)                \
            dvk_fault_point_pass(name);          \
    } while (0)
void dvk_fault_point_pass(const char *name);

/* Reads DVK_FAULT once (the dvk command calls it first thing in main). Unset or empty: no
 * kill point is armed. Returns 0, or -1 when the value is not kill@POINT or kill@POINT:N (N >= 1) with a
 * POINT of the list above (nothing armed then). */
int dvk_fault_from_env(void);
/* The known points, comma-separated, for the message about a bad DVK_FAULT. */
const char *dvk_fault_point_names(void);

#endif
