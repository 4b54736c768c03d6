/* paths.h: where dvk finds its Lua scripts and bundled datasets: an explicit option, then
 * the environment ($DVK_SCRIPTS, $DVK_DATASETS), then the installed share/dvk next to the
 * executable, then the source tree it was built from, then the compiled-in install prefix.
 * Output files are outfile.h's. */
#ifndef DVK_PATHS_H
#define DVK_PATHS_H

/* Returns a static string (or override itself when non-NULL). Never NULL. */
const char *dvk_paths_scripts(const char *override);
const char *dvk_paths_datasets(const char *override);
/* The scripts dvk ships (lib/ and lib/reports/): the installed share/dvk/scripts next to the
 * executable, else the source tree it was built from, else the compiled-in install prefix;
 * never --scripts or $DVK_SCRIPTS. An office's own scripts folder may override any file of
 * its lib/ (the sandbox's require and the report lookup look there first, then here). */
const char *dvk_paths_builtin_scripts(void);

#endif
