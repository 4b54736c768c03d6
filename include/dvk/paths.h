/* paths.h: where dvk finds its Lua scripts and bundled datasets: an explicit option, then
 * the environment ($DVK_SCRIPTS, $DVK_DATASETS), then the installed share/dvk next to the
 * executable, then the source tree it was built from, then the compiled-in install prefix. */
#ifndef DVK_PATHS_H
#define DVK_PATHS_H

#include "dvk/error.h"

/* Returns a static string (or override itself when non-NULL). Never NULL. */
const char *dvk_paths_scripts(const char *override);
const char *dvk_paths_datasets(const char *override);

/* How to write an output file so that it appears only when complete. *target (malloc'd,
 * the caller frees it) is the file to write: path itself, or the file a symbolic link points
 * to (so a rename replaces the file, never the link). *in_place is 0 for a regular or new
 * file (write target.tmp, then rename it to target), 1 for a device, pipe or socket
 * (/dev/null, /dev/stdout on a pipe, a FIFO), which must be written directly and never
 * replaced. A folder is DVK_EIO "PATH: is a folder, not a file". */
int dvk_paths_output(const char *path, char **target, int *in_place, dvk_error *err);

#endif
