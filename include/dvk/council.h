/* council.h: the council's round as data and documents: each member's scores beside the
 * run's result (`dvk runs show N MODEL`, `dvk council --run N`), and the members' score
 * sheets (`dvk sheets`, engine/io/sheets.c). The scores are the appraisals of the run's
 * level; the members are the appraisers table (import.h); a member recuses from the models
 * of their own unit (docs/lua-api.md, "The council"). Reads only. */
#ifndef DVK_COUNCIL_H
#define DVK_COUNCIL_H

#include "dvk/buf.h"
#include "dvk/error.h"
#include "dvk/store.h"

/* SQL: the appraisers row in the query (its column levels, unqualified) sits on the council
 * of level LEVEL (an SQL expression): levels NULL (every level) or naming it in its comma
 * list. */
#define DVK_COUNCIL_SITS_AT(LEVEL) \
    "(levels IS NULL OR instr(',' || levels || ',', ',' || " LEVEL " || ',') > 0)"

/* The council's part of model id's explanation in run: per council criterion each member's
 * score at the run's level and the run's points, then the province's members who recused
 * (their unit is the model's and they gave no score), appended to b as lines indented by
 * two spaces. Nothing when the model has no score at the level and nobody recused. */
int dvk_council_model_text(dvk_store *s, long long run, long long model, dvk_buf *b,
                           dvk_error *err);
/* `dvk council --run N [--model CODE]`: the run's heading, then for every model of the run
 * (or CODE) with scores or recusals its code and name and dvk_council_model_text. Unknown
 * run or model: DVK_EDATA. */
int dvk_council_run_text(dvk_store *s, long long run, const char *model_code, dvk_buf *b,
                         dvk_error *err);

/* `dvk sheets`: one XLSX score sheet per council member of the province into dir, named
 * <member code>.xlsx, for the candidates of (province, year, level[, unit]) as dvk decide
 * would take them, the member's recused ones left out. *written gets the number of files.
 * The first sheet is the appraisals import layout (import.h) with informational columns the
 * import ignores; scores are validated 0..max; a second sheet holds the instructions and the
 * signature line. */
typedef struct dvk_sheets_opts {
    const char *province;
    int year;
    const char *level;
    const char *unit;          /* NULL: the whole province */
    const char *dir;           /* output folder (exists) */
    const char *db_path;       /* never replaced (outfile.h) */
} dvk_sheets_opts;

int dvk_sheets(dvk_store *s, const char *scripts_dir, const dvk_sheets_opts *o, int *written,
               dvk_error *err);

#endif
