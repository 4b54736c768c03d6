/* testutil.h: helpers shared by the Check suites: temporary folders and databases, files
 * with given contents, and the paths of the source tree. */
#ifndef DVK_TESTUTIL_H
#define DVK_TESTUTIL_H

#include <stddef.h>
#include "dvk/store.h"

/* A fresh temporary folder (mkdtemp under $TMPDIR or /tmp); static buffer per call site is
 * not kept: the returned string is malloc'd and the caller frees it. */
char *tu_tmpdir(void);
/* dir/name, malloc'd. */
char *tu_path(const char *dir, const char *name);
/* Write len bytes to path (len == (size_t)-1: strlen). Aborts the test on failure. */
void tu_write(const char *path, const char *data, size_t len);
/* Read a whole file (malloc'd, NUL-terminated); *len gets its size. NULL when missing. */
char *tu_read(const char *path, size_t *len);
/* A new database in a fresh folder, migrated; the folder is returned through *dir. */
dvk_store *tu_store(char **dir);
/* Take a current database back to version 5, as the connection stays open:
 * result_scores the table migration 5 made with every packed score as a row (the TEMP VIEW
 * of that name dropped, so that this connection's readers read the table), its triggers,
 * models_field; final runs included. The next open migrates it. */
void tu_store_to_v5(dvk_store *s);
/* The triggers that kept a final run's result_scores rows (migration 1 to 5), as SQL text:
 * the tests that recreate those versions put them back. */
#define TU_SCORES_TRIGGERS                                                                   \
    "CREATE TRIGGER scores_final_insert BEFORE INSERT ON result_scores"                      \
    " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"                           \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"         \
    "CREATE TRIGGER scores_final_update BEFORE UPDATE ON result_scores"                      \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                           \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"         \
    "CREATE TRIGGER scores_final_delete BEFORE DELETE ON result_scores"                      \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                           \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"
/* Run one SQL query that returns one integer. */
long long tu_int(dvk_store *s, const char *sql);
/* rm -rf dir (only paths under the temporary folder are accepted). */
void tu_rmdir(const char *dir);
/* How many entries dir holds, hidden ones included (no temporary file left behind). */
int tu_entries(const char *dir);
/* The source tree's scripts/ and datasets/ folders. */
const char *tu_scripts_dir(void);
const char *tu_datasets_dir(void);

#endif
