/* outfile.h: the one way dvk writes an output file (exports, reports in every format,
 * synthetic data, rejected rows). Owns the rules below; knows nothing of the store (the
 * caller names what must not be replaced) nor of any format (the caller writes the bytes).
 *
 * - What is refused, before anything is created or changed: a folder; the open database and
 *   its -wal, -journal and -shm files; the file being read. An existing file is compared by
 *   device and inode (so a hard link or another spelling of the database is refused); a name
 *   that does not exist yet is compared by its folder (device and inode) and last part (so
 *   "./dvk.db-journal" is refused while the journal is absent).
 * - A regular file, or a name that does not exist yet, is written to a temporary file
 *   created exclusively (mkstemp: O_CREAT|O_EXCL, never through a link) in the same folder
 *   under the hidden, unpredictable name ".NAME.XXXXXX", with mode 0666 less the umask; it
 *   is flushed, fsync'ed and renamed over the target only when complete, and removed on every
 *   failure. A SIGKILL between its creation and the rename can leave such a hidden file
 *   behind: its leading dot and random suffix keep it from ever being taken for the output;
 *   dvk does not delete stale ones (it cannot tell them from a user's files).
 * - A symbolic link as the target: the file it points to is replaced and the link kept (a
 *   dangling link: the file it names is created).
 * - A device, pipe or socket (/dev/null, /dev/stdout on a pipe, a FIFO) is written in place
 *   and never replaced. NULL or "-" is standard output. */
#ifndef DVK_OUTFILE_H
#define DVK_OUTFILE_H

#include <stdio.h>
#include <sys/types.h>
#include "dvk/error.h"

/* What an output must never replace. Either may be NULL. */
typedef struct dvk_outfile_keep {
    const char *db;             /* the open database (its -wal, -journal, -shm files too) */
    const char *input;          /* the file being read */
} dvk_outfile_keep;

typedef struct dvk_outfile {
    FILE *f;                    /* where to write; NULL with DVK_OUTFILE_BY_NAME and a tmp */
    char *name;                 /* the path as given (messages); NULL for standard output */
    char *path;                 /* the file replaced: a link followed; NULL for stdout */
    char *tmp;                  /* the temporary file; NULL when written in place */
    dev_t dev;                  /* the temporary file as created */
    ino_t ino;
} dvk_outfile;

/* Create the temporary file but leave f NULL: another library writes o->tmp by its name
 * (libxlsxwriter). Closing then checks that o->tmp is still the regular file created here
 * before it is renamed. Ignored when the output is written in place. */
#define DVK_OUTFILE_BY_NAME 1

/* Refuse path as the rules above say (DVK_EIO, "PATH: is a folder, not a file",
 * "PATH: is the open database; choose another output file", ...), changing nothing. */
int dvk_outfile_check(const char *path, const dvk_outfile_keep *keep, dvk_error *err);

/* Check path (as dvk_outfile_check), then open it for writing as the rules above say.
 * keep may be NULL. On failure nothing is left behind and o is zeroed. */
int dvk_outfile_open(dvk_outfile *o, const char *path, const dvk_outfile_keep *keep, int flags,
                     dvk_error *err);

/* Finish o. ok != 0: flush, fsync and rename the temporary file over the target (DVK_EIO
 * when that fails, and then the temporary file is removed and the target untouched);
 * ok == 0: remove the temporary file (err is not touched). Accepts a zeroed o. */
int dvk_outfile_close(dvk_outfile *o, int ok, dvk_error *err);

#endif
