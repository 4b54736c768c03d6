/* synth.h: synthetic "Dân vận khéo" models for scale tests and benchmarks: a models CSV in
 * the importer's format (every row marked synthetic = 1) with realistic Vietnamese names
 * composed from word lists, units and fields taken from a database or from a built-in
 * province, and plausible metrics. Deterministic: the same options give the same bytes on
 * every machine (own PRNG, no clock, no locale). Reads the store only; writes files only. */
#ifndef DVK_SYNTH_H
#define DVK_SYNTH_H

#include "dvk/error.h"
#include "dvk/import.h"
#include "dvk/store.h"

/* The built-in province, used when no database is given. */
#define DVK_SYNTH_PROVINCE "gia-lap"

typedef struct dvk_synth_opts {
    long long models;           /* rows to write (>= 0) */
    unsigned long long seed;    /* PRNG seed; codes are "S<seed>-<n>" */
    int year;                   /* registration year (0: 2023) */
    const char *province;       /* database: only this province's units (NULL: all) */
    dvk_store *store;           /* NULL: the built-in province and its four basic fields */
    dvk_import_levels_fn levels;/* the levels of a province (required; dvk_script_levels in
                                   script.h reads its script): communes register at the
                                   lowest, districts mostly at the next, province-level
                                   bodies mostly at the top */
    void *levels_ud;
} dvk_synth_opts;

/* Write the models CSV to path (NULL or "-": stdout); with the built-in province, also
 * its units CSV to units_path and its fields (province,id,name) to fields_path when these
 * are not NULL. Files appear only when complete and never over the store's database
 * (outfile.h). With a store: its units (not provinces, valid during the year) whose
 * province declares fields; none is a DVK_EDATA error. A progress bar counts rows when the CLI enabled bars. */
int dvk_synth_models(const dvk_synth_opts *o, const char *path, const char *units_path,
                     const char *fields_path, dvk_error *err);

#endif
