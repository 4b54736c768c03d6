/* stats.h: the counts provinces publish: registered / recognised / exemplary / proposed
 * models of a province and year, grouped by field, unit, level, kind or registration. Reads
 * models, units, fields and the runs that count (current_runs); writes nothing. */
#ifndef DVK_STATS_H
#define DVK_STATS_H

#include "dvk/error.h"
#include "dvk/store.h"

typedef enum {
    DVK_BY_FIELD, DVK_BY_UNIT, DVK_BY_LEVEL, DVK_BY_KIND, DVK_BY_REGISTRATION
} dvk_stats_by;

typedef struct dvk_stats_row {
    char *key;        /* field id, unit code, level, kind or registration */
    char *name;       /* its display name (field or unit name; the key otherwise) */
    long long registered, recognised, exemplary, proposed;
    int decided;      /* by unit with a level: 1 when the unit has a run at that level */
} dvk_stats_row;

typedef struct dvk_stats {
    int nrows;
    dvk_stats_row *rows;  /* sorted by key in Vietnamese order (units: by name) */
    dvk_stats_row total;  /* key "total" */
} dvk_stats;

/* Parse "field", "unit", ...; returns -1 when unknown. */
int dvk_stats_by_parse(const char *s);

/* Count a province's models of a year. level NULL: every level, a model counted once
 * (recognised at any level). level L: models registered at L, and models recognised or
 * proposed by the runs at level L (candidates proposed from below included). by unit groups
 * by the unit directly under the province. successors: units (and provinces) that no longer
 * exist are counted under their successors, so a province code also takes in the provinces
 * merged into it. unit (may be NULL): only models of that unit's subtree. */
int dvk_stats_compute(dvk_store *s, const char *province, int year, const char *level,
                      const char *unit, dvk_stats_by by, int successors, dvk_stats *out,
                      dvk_error *err);
void dvk_stats_free(dvk_stats *st);

#endif
