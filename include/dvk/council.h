/* council.h: the council's round as data and documents: each member's scores beside the
 * run's result (`dvk runs show N MODEL`, `dvk council --run N`), and the members' score
 * sheets (`dvk sheets`, engine/decide/sheets.c). The scores are the appraisals of the run's
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

/* `dvk sheets`: the council's round at (province, year, level[, unit]) as data, then one
 * score sheet per member from it: XLSX here (dvk_sheets_xlsx), HTML, DOCX and PDF through
 * the document model (report/sheet_doc.c). One data source for every format. */
typedef struct dvk_sheets_opts {
    const char *province;
    int year;
    const char *level;
    const char *unit;          /* NULL: the whole province */
} dvk_sheets_opts;

typedef struct dvk_sheet_criterion {
    char *id, *name;
    double max;
} dvk_sheet_criterion;

typedef struct dvk_sheet_member {
    char *code, *name, *unit, *unit_name, *role;   /* unit, unit_name, role may be NULL */
} dvk_sheet_member;

typedef struct dvk_sheet_candidate {
    char *code, *name, *unit, *unit_name;          /* name, unit_name may be NULL */
} dvk_sheet_candidate;

typedef struct dvk_sheets_data {
    char *province, *province_name;
    int year;
    char *level, *level_title;                     /* "huyen", "Cấp huyện" */
    char *unit, *unit_name, *unit_kind;            /* the --unit scope, NULL: the province */
    int recusal;                                   /* 1: members skip their own unit's models */
    dvk_sheet_criterion *crit;                     /* the criteria with council = true */
    size_t ncrit;
    dvk_sheet_member *members;                     /* who sits at the level, by code */
    size_t nmembers;
    dvk_sheet_candidate *cands;                    /* dvk decide's candidates, in its order */
    size_t ncands;
} dvk_sheets_data;

/* Load the round: the province script's council criteria, the appraisers who sit at the
 * level (codes that can name a file), and the candidates as dvk decide would take them
 * (dvk_decide_candidates). No member, no council criterion or no candidate is DVK_EDATA
 * saying what to do; nothing is written. Free *out with dvk_sheets_data_free. */
int dvk_sheets_load(dvk_store *s, const char *scripts_dir, const dvk_sheets_opts *o,
                    dvk_sheets_data **out, dvk_error *err);
void dvk_sheets_data_free(dvk_sheets_data *d);
/* 1 when member mi does not score candidate ci (same unit, and the script recuses). */
int dvk_sheets_recused(const dvk_sheets_data *d, size_t mi, size_t ci);
/* The candidates member mi scores; *nrecused (may be NULL) gets those left out. */
size_t dvk_sheets_count(const dvk_sheets_data *d, size_t mi, size_t *nrecused);
/* Member mi's XLSX sheet as dir/<member code>.xlsx (outfile.h: complete or not at all, never
 * db_path): the appraisals import layout with informational columns the import ignores,
 * scores validated 0..max, a second sheet with the instructions and the signature line. */
int dvk_sheets_xlsx(const dvk_sheets_data *d, size_t mi, const char *dir, const char *db_path,
                    dvk_error *err);

#endif
