/* store.c: the SQLite database: connection settings, schema migrations, transactions, the
 * audit hash chain and verification (see include/dvk/store.h). */
#include "dvk/store.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dvk/buf.h"
#include "dvk/json.h"
#include "dvk/scores.h"
#include "dvk/sha256.h"
#include "dvk/text.h"

#define DVK_APPLICATION_ID 0x44564b31 /* "DVK1" */

struct dvk_store {
    sqlite3 *db;
    char *path;
    int in_tx;
};

/* The models table's secondary indexes, as migration 1 creates them (the same bytes): the
 * bulk importer drops and rebuilds these from here, never from SQL text read from the file. */
#define IDX_MODELS_PYL "CREATE INDEX models_pyl ON models(province, year, level)"
#define IDX_MODELS_UNIT "CREATE INDEX models_unit ON models(unit, year)"
#define IDX_MODELS_FIELD "CREATE INDEX models_field ON models(province, field)"
#define IDX_MODELS_KEY "CREATE INDEX models_key ON models(name_key)"
/* migration 5: a run's candidates (province, year) in model-code order without sorting their
 * rows (decide.c CANDIDATES_SQL: no temporary B-tree of every candidate's columns) */
#define IDX_MODELS_PYC "CREATE INDEX models_pyc ON models(province, year, code)"
/* migration 7 (issue 15, import speed): models_field dropped: a bulk import builds four
 * indexes instead of five (each one a scan of the table and a sort). A filter on province
 * and field alone searches an index on province (models_pyl or models_pyc) and reads the
 * rows; with a year, SQLite chose models_pyl before too. (One index (province, year, level,
 * field) in place of models_pyl and models_field was measured as well: counts got faster,
 * but the queries that read all the rows of a province and year, stats and the name
 * search, fetched them in (level, field) order, about 30 passes over the table instead of
 * 3, and took half as long again.) */
static const char *const MODEL_INDEXES[][2] = {
    {"models_key", IDX_MODELS_KEY}, {"models_pyc", IDX_MODELS_PYC},
    {"models_pyl", IDX_MODELS_PYL}, {"models_unit", IDX_MODELS_UNIT},
};

/* The triggers that keep a table of the frozen record (migration 3) as finalize wrote it:
 * no row for a run that is final already, no change, no deletion. */
#define FROZEN_TRIGGERS(t)                                                                    \
    "CREATE TRIGGER " t "_final_insert BEFORE INSERT ON " t                                   \
    " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its record cannot be changed'); END;"          \
    "CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t                                      \
    " BEGIN SELECT RAISE(ABORT, 'a final run''s record cannot be changed'); END;"             \
    "CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t                                      \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'a final run''s record cannot be changed'); END;"

/* A final run's results and scores cannot be changed (migration 1; recreated by migration 5
 * over the rebuilt tables, the same text; migration 6 recreates the results' three over the
 * table that holds the scores too). */
#define RESULTS_ONLY_TRIGGERS                                                                 \
    "CREATE TRIGGER results_final_insert BEFORE INSERT ON results"                            \
    " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"         \
    "CREATE TRIGGER results_final_update BEFORE UPDATE ON results"                            \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"         \
    "CREATE TRIGGER results_final_delete BEFORE DELETE ON results"                            \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"
/* A final run's packed scores cannot be changed (migration 6; migration 8 recreates them,
 * the insert trigger with RAISE(FAIL): see there). */
#define PACKED_INSERT_TRIGGER(raise)                                                          \
    "CREATE TRIGGER packed_final_insert BEFORE INSERT ON result_scores_packed"                \
    " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"                            \
    " BEGIN SELECT RAISE(" raise ", 'run is final: its scores cannot be changed'); END;"
#define PACKED_CHANGE_TRIGGERS                                                                \
    "CREATE TRIGGER packed_final_update BEFORE UPDATE ON result_scores_packed"                \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"          \
    "CREATE TRIGGER packed_final_delete BEFORE DELETE ON result_scores_packed"                \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"
#define PACKED_TRIGGERS PACKED_INSERT_TRIGGER("ABORT") PACKED_CHANGE_TRIGGERS
#define PACKED_TRIGGERS_V8 PACKED_INSERT_TRIGGER("FAIL") PACKED_CHANGE_TRIGGERS
#define RESULTS_TRIGGERS                                                                      \
    RESULTS_ONLY_TRIGGERS                                                                     \
    "CREATE TRIGGER scores_final_insert BEFORE INSERT ON result_scores"                       \
    " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"          \
    "CREATE TRIGGER scores_final_update BEFORE UPDATE ON result_scores"                       \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"          \
    "CREATE TRIGGER scores_final_delete BEFORE DELETE ON result_scores"                       \
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"                            \
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"

/* Migration N takes a database at user_version N-1 to N. Never edit a released migration:
 * add the next one. */
static const char *const migrations[] = {
    /* 1: the first schema. */
    "CREATE TABLE units ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('province','district','commune','party-committee',"
    "       'agency','mass-organisation')),"
    "  parent TEXT REFERENCES units(code),"
    "  province TEXT NOT NULL,"
    "  valid_from TEXT,"
    "  valid_to TEXT,"
    "  successor TEXT REFERENCES units(code) DEFERRABLE INITIALLY DEFERRED"
    ");"
    "CREATE INDEX units_parent ON units(parent);"
    "CREATE INDEX units_province ON units(province);"
    "CREATE TABLE fields ("
    "  province TEXT NOT NULL,"
    "  id TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  PRIMARY KEY (province, id)"
    ");"
    "CREATE TABLE models ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  name_key TEXT NOT NULL,"
    "  unit TEXT NOT NULL REFERENCES units(code),"
    "  province TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('tap-the','ca-nhan','ho-gia-dinh')),"
    "  category TEXT NOT NULL CHECK (category IN ('mo-hinh','dien-hinh')),"
    "  field TEXT NOT NULL,"
    "  level TEXT NOT NULL CHECK (level IN ('co-so','huyen','tinh')),"
    "  year INTEGER NOT NULL,"
    "  registration TEXT NOT NULL CHECK (registration IN ('moi','tiep-tuc')),"
    "  started_on TEXT,"
    "  address TEXT,"
    "  description TEXT,"
    "  metrics TEXT NOT NULL DEFAULT '{}',"
    "  synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0,1))"
    ");"
    IDX_MODELS_PYL ";" IDX_MODELS_UNIT ";" IDX_MODELS_FIELD ";" IDX_MODELS_KEY ";"
    "CREATE TABLE appraisals ("
    "  model INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
    "  criterion TEXT NOT NULL,"
    "  appraiser TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  note TEXT,"
    "  PRIMARY KEY (model, criterion, appraiser)"
    ");"
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  province TEXT NOT NULL,"
    "  year INTEGER NOT NULL,"
    "  level TEXT NOT NULL,"
    "  unit TEXT,"
    "  script_path TEXT NOT NULL,"
    "  scripts TEXT NOT NULL,"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT,"
    "  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','final')),"
    "  decision_number TEXT,"
    "  decision_date TEXT,"
    "  digest TEXT,"
    "  summary TEXT"
    ");"
    "CREATE INDEX runs_pyl ON runs(province, year, level, unit);"
    "CREATE TABLE results ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  model INTEGER NOT NULL REFERENCES models(id),"
    "  eligible INTEGER NOT NULL,"
    "  gate TEXT,"
    "  total REAL NOT NULL,"
    "  outcome TEXT NOT NULL,"
    "  outcome_index INTEGER NOT NULL,"
    "  rank INTEGER,"
    "  recognised INTEGER NOT NULL,"
    "  exemplary INTEGER NOT NULL,"
    "  proposed INTEGER NOT NULL,"
    "  reason TEXT,"
    "  PRIMARY KEY (run, model)"
    ");"
    "CREATE INDEX results_model ON results(model);"
    "CREATE TABLE result_scores ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  model INTEGER NOT NULL REFERENCES models(id),"
    "  criterion TEXT NOT NULL,"
    "  points REAL NOT NULL,"
    "  max REAL NOT NULL,"
    "  note TEXT,"
    "  PRIMARY KEY (run, model, criterion)"
    ");"
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL"
    ");"
    /* The run whose results count for a (province, year, level, unit): the latest final
     * run, else the latest draft. */
    "CREATE VIEW current_runs AS SELECT r.* FROM runs r WHERE r.id = ("
    "  SELECT r2.id FROM runs r2 WHERE r2.province = r.province AND r2.year = r.year"
    "  AND r2.level = r.level AND r2.unit IS r.unit"
    "  ORDER BY r2.status = 'final' DESC, r2.id DESC LIMIT 1);"
    /* A final run is immutable: its row, results and scores. */
    "CREATE TRIGGER runs_final_update BEFORE UPDATE ON runs WHEN OLD.status = 'final'"
    " BEGIN SELECT RAISE(ABORT, 'run is final: it cannot be changed'); END;"
    "CREATE TRIGGER runs_final_delete BEFORE DELETE ON runs WHEN OLD.status = 'final'"
    " BEGIN SELECT RAISE(ABORT, 'run is final: it cannot be deleted'); END;"
    "CREATE TRIGGER results_final_insert BEFORE INSERT ON results"
    " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"
    " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"
    "CREATE TRIGGER results_final_update BEFORE UPDATE ON results"
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"
    " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"
    "CREATE TRIGGER results_final_delete BEFORE DELETE ON results"
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"
    " BEGIN SELECT RAISE(ABORT, 'run is final: its results cannot be changed'); END;"
    "CREATE TRIGGER scores_final_insert BEFORE INSERT ON result_scores"
    " WHEN (SELECT status FROM runs WHERE id = NEW.run) = 'final'"
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"
    "CREATE TRIGGER scores_final_update BEFORE UPDATE ON result_scores"
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"
    "CREATE TRIGGER scores_final_delete BEFORE DELETE ON result_scores"
    " WHEN (SELECT status FROM runs WHERE id = OLD.run) = 'final'"
    " BEGIN SELECT RAISE(ABORT, 'run is final: its scores cannot be changed'); END;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;",
    /* 2: revocations of final runs (Law on Emulation and Commendation 2022, chapter VII):
     * a whole run (model NULL) or one of its models; a record never changes. */
    "CREATE TABLE revocations ("
    "  id INTEGER PRIMARY KEY,"
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  model INTEGER REFERENCES models(id),"
    "  decision_number TEXT NOT NULL,"
    "  decision_date TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  at TEXT NOT NULL"
    ");"
    "CREATE INDEX revocations_run ON revocations(run);"
    "CREATE TRIGGER revocations_no_update BEFORE UPDATE ON revocations"
    " BEGIN SELECT RAISE(ABORT, 'a revocation cannot be changed'); END;"
    "CREATE TRIGGER revocations_no_delete BEFORE DELETE ON revocations"
    " BEGIN SELECT RAISE(ABORT, 'a revocation cannot be changed'); END;",
    /* 3: the frozen record of a final run (runs.h, "frozen record"): what its documents,
     * explanations and exports show, copied at finalization in the transaction that makes
     * the run final, so that later imports and edits never alter a final decision. A row is
     * written while the run is still a draft and never changes after. run_models.hash is the
     * SHA-256 of the row's fields (dvk verify names an edited model). */
    "CREATE TABLE run_models ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  id INTEGER NOT NULL,"
    "  code TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, unit TEXT NOT NULL,"
    "  province TEXT NOT NULL, kind TEXT NOT NULL, category TEXT NOT NULL, field TEXT NOT NULL,"
    "  level TEXT NOT NULL, year INTEGER NOT NULL, registration TEXT NOT NULL,"
    "  started_on TEXT, address TEXT, description TEXT, metrics TEXT NOT NULL,"
    "  synthetic INTEGER NOT NULL, hash TEXT NOT NULL,"
    "  PRIMARY KEY (run, id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX run_models_id ON run_models(id);"
    "CREATE TABLE run_units ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  code TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, kind TEXT NOT NULL,"
    "  parent TEXT, province TEXT NOT NULL, valid_from TEXT, valid_to TEXT, successor TEXT,"
    "  PRIMARY KEY (run, code)"
    ") WITHOUT ROWID;"
    "CREATE TABLE run_appraisals ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  model INTEGER NOT NULL, criterion TEXT NOT NULL, appraiser TEXT NOT NULL,"
    "  score REAL NOT NULL, note TEXT,"
    "  PRIMARY KEY (run, model, criterion, appraiser)"
    ") WITHOUT ROWID;"
    "CREATE TABLE run_scripts ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  path TEXT NOT NULL, sha256 TEXT NOT NULL, text TEXT NOT NULL,"
    "  PRIMARY KEY (run, path)"
    ") WITHOUT ROWID;"
    /* the run's statistics (stats.h) as counted at finalization: of its candidates (whole
     * 0) and, for a whole-province run, of its year (whole 1); pos -1 is the total */
    "CREATE TABLE run_stats ("
    "  run INTEGER NOT NULL REFERENCES runs(id), whole INTEGER NOT NULL,"
    "  successors INTEGER NOT NULL, grouping INTEGER NOT NULL, pos INTEGER NOT NULL,"
    "  key TEXT NOT NULL, name TEXT NOT NULL, registered INTEGER NOT NULL,"
    "  eligible INTEGER NOT NULL, recognised INTEGER NOT NULL, exemplary INTEGER NOT NULL,"
    "  proposed INTEGER NOT NULL, decided INTEGER NOT NULL,"
    "  PRIMARY KEY (run, whole, successors, grouping, pos)"
    ") WITHOUT ROWID;"
    FROZEN_TRIGGERS("run_models") FROZEN_TRIGGERS("run_units") FROZEN_TRIGGERS("run_appraisals")
    FROZEN_TRIGGERS("run_scripts") FROZEN_TRIGGERS("run_stats"),
    /* 4: the council's round: the council's members and their units (recusal), and appraisals that belong to a level
     * (the commune council's and the province council's scores of one model are separate
     * rounds) with their origin (the score sheet they came back on). Scores stored before
     * take the model's own level. */
    "CREATE TABLE appraisers ("
    "  province TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  unit TEXT REFERENCES units(code),"
    "  role TEXT,"
    "  levels TEXT,"
    "  PRIMARY KEY (province, code)"
    ");"
    "CREATE TABLE appraisals_by_level ("
    "  model INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
    "  level TEXT NOT NULL,"
    "  criterion TEXT NOT NULL,"
    "  appraiser TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  note TEXT,"
    "  origin TEXT,"
    "  PRIMARY KEY (model, level, criterion, appraiser)"
    ");"
    "INSERT INTO appraisals_by_level(model, level, criterion, appraiser, score, note)"
    " SELECT a.model, m.level, a.criterion, a.appraiser, a.score, a.note"
    " FROM appraisals a JOIN models m ON m.id = a.model;"
    "DROP TABLE appraisals;"
    "ALTER TABLE appraisals_by_level RENAME TO appraisals;"
    /* a final run keeps its province's council members as they were (the recusals its
     * explanation shows) */
    "CREATE TABLE run_appraisers ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  code TEXT NOT NULL, name TEXT NOT NULL, unit TEXT, role TEXT, levels TEXT,"
    "  PRIMARY KEY (run, code)"
    ") WITHOUT ROWID;"
    FROZEN_TRIGGERS("run_appraisers"),
    /* 5: results and result_scores as WITHOUT ROWID tables keyed by their primary keys (a
     * decision run writes them in key order; the rowid table kept a second B-tree, the
     * primary key's index, beside every row). A score's pos is its criterion's place in the
     * province's list, the order the run stored the scores in (was: rowid order). Same
     * columns, keys, index, foreign keys and triggers. And models_pyc (IDX_MODELS_PYC). */
    "DROP TRIGGER results_final_insert; DROP TRIGGER results_final_update;"
    " DROP TRIGGER results_final_delete; DROP TRIGGER scores_final_insert;"
    " DROP TRIGGER scores_final_update; DROP TRIGGER scores_final_delete;"
    "DROP INDEX results_model;"
    "CREATE TABLE results_v5 ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  model INTEGER NOT NULL REFERENCES models(id),"
    "  eligible INTEGER NOT NULL,"
    "  gate TEXT,"
    "  total REAL NOT NULL,"
    "  outcome TEXT NOT NULL,"
    "  outcome_index INTEGER NOT NULL,"
    "  rank INTEGER,"
    "  recognised INTEGER NOT NULL,"
    "  exemplary INTEGER NOT NULL,"
    "  proposed INTEGER NOT NULL,"
    "  reason TEXT,"
    "  PRIMARY KEY (run, model)"
    ") WITHOUT ROWID;"
    "INSERT INTO results_v5 SELECT run, model, eligible, gate, total, outcome, outcome_index,"
    " rank, recognised, exemplary, proposed, reason FROM results;"
    "DROP TABLE results;"
    "ALTER TABLE results_v5 RENAME TO results;"
    "CREATE INDEX results_model ON results(model);"
    "CREATE TABLE result_scores_v5 ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  model INTEGER NOT NULL REFERENCES models(id),"
    "  criterion TEXT NOT NULL,"
    "  points REAL NOT NULL,"
    "  max REAL NOT NULL,"
    "  note TEXT,"
    "  pos INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (run, model, criterion)"
    ") WITHOUT ROWID;"
    "INSERT INTO result_scores_v5 SELECT run, model, criterion, points, max, note, rowid"
    " FROM result_scores;"
    "DROP TABLE result_scores;"
    "ALTER TABLE result_scores_v5 RENAME TO result_scores;"
    RESULTS_TRIGGERS
    IDX_MODELS_PYC ";",
    /* 6: a model's scores packed into one value (scores.h: the format), one row of
     * result_scores_packed per (run, model) that has scores, instead of one result_scores row
     * per criterion with its own trigger and foreign-key checks. Existing rows are packed in
     * pos order; result_scores is dropped (every connection reads it back through a TEMP VIEW
     * of that name, scores.h). A final run's packed scores cannot be changed either. */
    "DROP TRIGGER scores_final_insert; DROP TRIGGER scores_final_update;"
    " DROP TRIGGER scores_final_delete;"
    "CREATE TABLE result_scores_packed ("
    "  run INTEGER NOT NULL REFERENCES runs(id),"
    "  model INTEGER NOT NULL,"
    "  scores BLOB NOT NULL,"
    "  PRIMARY KEY (run, model)"
    ") WITHOUT ROWID;"
    "INSERT INTO result_scores_packed SELECT run, model,"
    " dvk_scores_pack(criterion, points, max, note, pos) FROM result_scores GROUP BY run, model;"
    "DROP TABLE result_scores;"
    PACKED_TRIGGERS,
    /* 7: models_field dropped (MODEL_INDEXES): a bulk import rebuilds one index fewer. */
    "DROP INDEX models_field;",
    /* 8: a final run's packed scores refuse a new row with RAISE(FAIL) instead of
     * RAISE(ABORT): the refused row, and every later one, is not written either way (FAIL
     * stops the statement there and no row can come before it for a final run: the trigger
     * fires on the first), but a statement that cannot ABORT needs no statement journal,
     * so decide's batched inserts of packed scores (INSERT OR FAIL, foreign keys deferred
     * to the commit) do not copy every page the page cache spills into one (issue 15). */
    "DROP TRIGGER packed_final_insert; DROP TRIGGER packed_final_update;"
    " DROP TRIGGER packed_final_delete;"
    "ALTER TABLE result_scores_packed RENAME TO result_scores_packed_v7;"
    "CREATE TABLE result_scores_packed ("
    "  run INTEGER NOT NULL REFERENCES runs(id) DEFERRABLE INITIALLY DEFERRED,"
    "  model INTEGER NOT NULL,"
    "  scores BLOB NOT NULL,"
    "  PRIMARY KEY (run, model)"
    ") WITHOUT ROWID;"
    "INSERT INTO result_scores_packed SELECT run, model, scores FROM result_scores_packed_v7;"
    "DROP TABLE result_scores_packed_v7;"
    PACKED_TRIGGERS_V8,
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

const char *dvk_store_default_path(void)
{
    const char *e = getenv("DVK_DB");
    return e && *e ? e : "dvk.db";
}

sqlite3 *dvk_store_db(dvk_store *s) { return s->db; }
const char *dvk_store_path(dvk_store *s) { return s->path; }

int dvk_store_fail(dvk_store *s, int rc, dvk_error *err, const char *what)
{
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    const char *path = s ? s->path : "database";
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return dvk_error_set(err, DVK_EBUSY,
                             "%s: database is busy: another program is writing to it (waited %d ms) while %s",
                             path, DVK_BUSY_TIMEOUT_MS, what);
    case SQLITE_NOMEM:
        return dvk_error_set(err, DVK_ENOMEM, "%s: out of memory while %s", path, what);
    case SQLITE_INTERRUPT:   /* a progress handler stopped it (Ctrl-C) */
        return dvk_error_set(err, DVK_EINTR, "%s: interrupted while %s", path, what);
    case SQLITE_FULL:
        return dvk_error_set(err, DVK_EIO, "%s: disk full while %s (%s)", path, what, msg);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return dvk_error_set(err, DVK_EIO, "%s: I/O error while %s (%s)", path, what, msg);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk database or damaged (%s) while %s", path,
                             msg, what);
    default:
        return dvk_error_set(err, DVK_EDATA, "%s: %s (while %s)", path, msg, what);
    }
}

sqlite3_stmt *dvk_store_prepare(dvk_store *s, const char *sql, dvk_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        dvk_store_fail(s, rc, err, "preparing a statement");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Run one statement-free SQL text (PRAGMAs, DDL). */
int dvk_store_model_indexes(const char *const (**indexes)[2])
{
    *indexes = MODEL_INDEXES;
    return (int)(sizeof MODEL_INDEXES / sizeof MODEL_INDEXES[0]);
}

char *dvk_store_column_dup(sqlite3_stmt *st, int i, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t) {
        if (sqlite3_column_type(st, i) != SQLITE_NULL)
            *oom = 1;   /* the conversion to text ran out of memory */
        return NULL;
    }
    char *d = strdup((const char *)t);
    if (!d)
        *oom = 1;
    return d;
}

static int exec(dvk_store *s, const char *sql, dvk_error *err, const char *what)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? DVK_OK : dvk_store_fail(s, rc, err, what);
}

static int pragma_int(dvk_store *s, const char *sql, int *out, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, sql, err);
    if (!st)
        return err ? err->code : DVK_EDATA;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "reading the schema version");
    return DVK_OK;
}

int dvk_store_version(dvk_store *s)
{
    int v = -1;
    pragma_int(s, "PRAGMA user_version", &v, NULL);
    return v;
}

/* Refuse a file that is not a dvk database, or one from a newer dvk, before anything is
 * written to it (not even the switch to WAL). *version gets the schema version. */
static int check_kind(dvk_store *s, int *version, dvk_error *err)
{
    int app = 0, tables = 0;
    if (pragma_int(s, "PRAGMA user_version", version, err) ||
        pragma_int(s, "PRAGMA application_id", &app, err) ||
        pragma_int(s, "SELECT count(*) FROM sqlite_master", &tables, err))
        return err->code;
    if (app != DVK_APPLICATION_ID && (tables > 0 || *version != 0))
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk database (an SQLite file of another program)",
                             s->path);
    if (*version > DVK_SCHEMA_VERSION)
        return dvk_error_set(err, DVK_EDATA,
                             "%s: made by a newer dvk (schema version %d; this dvk knows up to %d): "
                             "upgrade dvk to open it", s->path, *version, DVK_SCHEMA_VERSION);
    return DVK_OK;
}

/* The schema objects (type, name, table, SQL) of db in a fixed order, into a dvk_buf as
 * lines "type\tname\ttable\tsql\n"; SQLite's own objects (sqlite_*) are left out. */
static int schema_lines(sqlite3 *db, dvk_buf *out)
{
    sqlite3_stmt *st;
    /* 0 type, 1 name, 2 tbl_name, 3 sql */
    int rc = sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master"
                                    " WHERE substr(name, 1, 7) <> 'sqlite_' ORDER BY type, name",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < 4; i++) {
            const char *t = (const char *)sqlite3_column_text(st, i);
            dvk_buf_adds(out, t ? t : "");
            dvk_buf_addc(out, i < 3 ? '\t' : '\n');
        }
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE && out->oom)
        rc = SQLITE_NOMEM;
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The next line of a schema listing at *p (advanced past it); NULL at the end. */
static const char *schema_next(const char **p, size_t *len)
{
    if (!**p)
        return NULL;
    const char *line = *p, *nl = strchr(line, '\n');
    *len = nl ? (size_t)(nl - line) : strlen(line);
    *p = nl ? nl + 1 : line + *len;
    return line;
}

/* Refuse a database whose schema is not exactly what dvk's migrations 1..version create:
 * a foreign trigger, view, index or table, or a missing or altered one, could change what
 * dvk reads or writes (a trigger that flips outcomes, a view that hides runs). The expected
 * schema is built afresh in memory from the migrations themselves. Nothing in the file is
 * executed: its schema is only read and compared as text. */
static int check_schema(dvk_store *s, int version, dvk_error *err)
{
    if (version == 0)
        return DVK_OK;   /* a new, empty file: checked by check_kind */
    sqlite3 *mem = NULL;
    dvk_buf want = DVK_BUF_INIT, have = DVK_BUF_INIT;
    int rc = sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = dvk_text_register(mem);
    if (rc == SQLITE_OK)
        rc = dvk_scores_register(mem);   /* migration 6 packs scores */
    for (int v = 0; rc == SQLITE_OK && v < version && v < N_MIGRATIONS; v++)
        rc = sqlite3_exec(mem, migrations[v], NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = schema_lines(mem, &want);
    sqlite3_close(mem);
    if (rc != SQLITE_OK) {
        dvk_buf_free(&want);
        return rc == SQLITE_NOMEM ? dvk_error_set(err, DVK_ENOMEM, "out of memory checking the schema")
                                  : dvk_error_set(err, DVK_EDATA, "checking the schema: %s", sqlite3_errstr(rc));
    }
    if ((rc = schema_lines(s->db, &have)) != SQLITE_OK) {
        dvk_buf_free(&want);
        dvk_buf_free(&have);
        return dvk_store_fail(s, rc, err, "reading the schema");
    }
    const char *pw = dvk_buf_str(&want), *ph = dvk_buf_str(&have);
    size_t lw = 0, lh = 0;
    const char *w = schema_next(&pw, &lw), *h = schema_next(&ph, &lh);
    int result = DVK_OK;
    while (w || h) {
        if (w && h && lw == lh && memcmp(w, h, lw) == 0) {
            w = schema_next(&pw, &lw);
            h = schema_next(&ph, &lh);
            continue;
        }
        /* Compare the (type, name) keys to say which side the difference is on. */
        size_t kw = w ? (size_t)((const char *)memchr(memchr(w, '\t', lw) + 1, '\t', lw) - w) : 0;
        size_t kh = h ? (size_t)((const char *)memchr(memchr(h, '\t', lh) + 1, '\t', lh) - h) : 0;
        int c = !w ? 1 : !h ? -1 : strncmp(w, h, kw < kh ? kw : kh);
        if (c == 0 && kw != kh)
            c = kw < kh ? -1 : 1;
        const char *line = c < 0 ? w : h;
        size_t klen = c < 0 ? kw : kh;
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(klen < sizeof key ? klen : sizeof key - 1), line);
        char *tab = strchr(key, '\t');
        if (tab)
            *tab = ' ';
        result = dvk_error_set(err, DVK_EDATA,
                               "%s: the database's schema is not dvk's: %s %s (refused: a changed "
                               "schema could alter decisions; restore the file from a backup)",
                               s->path, key,
                               c < 0 ? "is missing" : c > 0 ? "was added by something other than dvk"
                                                            : "was altered");
        break;
    }
    dvk_buf_free(&want);
    dvk_buf_free(&have);
    return result;
}

/* Bring the schema from version to DVK_SCHEMA_VERSION, each migration in its own
 * transaction. */
static int migrate(dvk_store *s, int version, int readonly, dvk_error *err)
{
    if (version == DVK_SCHEMA_VERSION)
        return DVK_OK;
    if (readonly)
        return dvk_error_set(err, DVK_EDATA, "%s: schema version %d is older than %d: run `dvk init` to upgrade it",
                             s->path, version, DVK_SCHEMA_VERSION);
    for (int v = version; v < N_MIGRATIONS; v++) {
        char pragma[96];
        if (dvk_store_begin(s, err))
            return err->code;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d; PRAGMA application_id = %d;", v + 1,
                 DVK_APPLICATION_ID);
        if (exec(s, migrations[v], err, "upgrading the schema") ||
            exec(s, pragma, err, "upgrading the schema") || dvk_store_commit(s, err)) {
            dvk_store_rollback(s);
            return err->code;
        }
    }
    return DVK_OK;
}

dvk_store *dvk_store_open(const char *path, int flags, dvk_error *err)
{
    dvk_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        dvk_error_set(err, DVK_ENOMEM, "out of memory opening %s", path);
        return NULL;
    }
    int readonly = flags & DVK_STORE_READONLY;
    int oflags = readonly ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE | ((flags & DVK_STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        if (rc == SQLITE_CANTOPEN && !(flags & DVK_STORE_CREATE))
            dvk_error_set(err, DVK_EDATA, "%s: no database there (run `dvk init` or `dvk demo` first)", path);
        else
            dvk_store_fail(s, rc, err, "opening the database");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    /* A database file is data, not code: no SQL functions with side effects from its schema,
     * and no writes to the schema by direct SQL on this connection. */
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_busy_timeout(s->db, DVK_BUSY_TIMEOUT_MS);
    if (dvk_text_register(s->db) != SQLITE_OK) {
        dvk_store_fail(s, sqlite3_errcode(s->db), err, "registering the vi collation");
        goto fail;
    }
    if (dvk_scores_register(s->db) != SQLITE_OK) {
        dvk_store_fail(s, sqlite3_errcode(s->db), err, "registering the scores functions");
        goto fail;
    }
    if (exec(s, "PRAGMA foreign_keys = ON", err, "opening the database"))
        goto fail;
    int version = 0;
    if (check_kind(s, &version, err) || check_schema(s, version, err) ||
        exec(s, "PRAGMA cache_size = " DVK_STORE_CACHE_KIB, err, "opening the database"))
        goto fail;
    /* A new file gets DVK_STORE_PAGE_SIZE pages (set before its first page is written; an
     * existing file keeps its own: SQLite ignores the pragma there). */
    if (!readonly && version == 0 &&
        exec(s, "PRAGMA page_size = " DVK_STORE_PAGE_SIZE, err, "opening the database"))
        goto fail;
    if (!readonly && exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", err, "opening the database"))
        goto fail;
    if (migrate(s, version, readonly, err))
        goto fail;
    /* The connection's temporary database (decide's candidates, SQLite's spilled sorts) is
     * scratch: it gets the main file's page size, set before its first page exists (the view
     * below creates it), and freed pages are not overwritten with zeros. Debian's SQLite is
     * built with SECURE_DELETE, which made dropping decide's tables journal and rewrite every
     * page of them (68 MiB at 1,000,000 models, bench/RESULTS.md). The main database keeps
     * secure_delete. */
    if (exec(s, "PRAGMA temp.page_size = " DVK_STORE_PAGE_SIZE "; PRAGMA temp.secure_delete = OFF",
             err, "opening the database"))
        goto fail;
    /* result_scores: the packed scores as rows, for every reader (temp: not in the schema) */
    if (dvk_scores_view(s->db) != SQLITE_OK) {
        dvk_store_fail(s, sqlite3_errcode(s->db), err, "opening the database");
        goto fail;
    }
    return s;
fail:
    dvk_store_close(s);
    return NULL;
}

void dvk_store_close(dvk_store *s)
{
    if (!s)
        return;
    if (s->db)
        sqlite3_close_v2(s->db);
    free(s->path);
    free(s);
}

int dvk_store_begin(dvk_store *s, dvk_error *err)
{
    if (exec(s, "BEGIN IMMEDIATE", err, "starting a write transaction"))
        return err ? err->code : DVK_EDATA;
    s->in_tx = 1;
    return DVK_OK;
}

int dvk_store_commit(dvk_store *s, dvk_error *err)
{
    int rc = exec(s, "COMMIT", err, "committing");
    if (rc == DVK_OK)
        s->in_tx = 0;
    return rc;
}

void dvk_store_rollback(dvk_store *s)
{
    if (s && s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    if (s)
        s->in_tx = 0;
}

static void now_utc(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The hash of an audit record: SHA-256 over its fields joined by newlines, after the
 * previous record's hash. */
static int audit_hash(const char *prev, long long id, const char *at, const char *actor,
                      const char *action, const char *detail, char out[65])
{
    dvk_sha256 c;
    char idbuf[32];
    snprintf(idbuf, sizeof idbuf, "%lld", id);
    const char *parts[] = {prev, idbuf, at, actor, action, detail};
    dvk_sha256_init(&c);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        dvk_sha256_update(&c, parts[i], strlen(parts[i]));
        dvk_sha256_update(&c, "\n", 1);
    }
    return dvk_sha256_final_hex(&c, out);
}

int dvk_store_audit(dvk_store *s, const char *action, const char *detail_json, dvk_error *err)
{
    char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
    char at[32], hash[65];
    long long id = 1;
    const char *actor = getenv("DVK_ACTOR");
    if (!actor || !*actor)
        actor = getenv("USER");
    if (!actor || !*actor)
        actor = "unknown";
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", err);
    if (!st)
        return err->code;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0) + 1;
        snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "reading the audit log");
    now_utc(at);
    if (audit_hash(prev, id, at, actor, action, detail_json, hash) != 0)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (hashing the audit record)");
    st = dvk_store_prepare(s, "INSERT INTO audit_log(id, at, actor, action, detail, prev_hash, hash) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", err);
    if (!st)
        return err->code;
    /* A bind can fail for want of memory (the value would then be NULL): check each. */
    const char *texts[] = {at, actor, action, detail_json, prev, hash};
    rc = sqlite3_bind_int64(st, 1, id);
    for (int i = 0; rc == SQLITE_OK && i < 6; i++)
        rc = sqlite3_bind_text(st, i + 2, texts[i], -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, rc, err, "writing the audit log");
}

int dvk_store_run_digest(dvk_store *s, long long run, char out[65], dvk_error *err)
{
    /* quote() gives one exact text form for every value, reals included. */
    static const char *const sql[] = {
        "SELECT quote(m.code) || '|' || quote(r.eligible) || '|' || quote(r.gate) || '|' ||"
        " quote(r.total) || '|' || quote(r.outcome) || '|' || quote(r.outcome_index) || '|' ||"
        " quote(r.rank) || '|' || quote(r.recognised) || '|' || quote(r.exemplary) || '|' ||"
        " quote(r.proposed) || '|' || quote(r.reason)"
        " FROM results r JOIN models m ON m.id = r.model WHERE r.run = ?1 ORDER BY m.code",
        "SELECT quote(m.code) || '|' || quote(x.criterion) || '|' || quote(x.points) || '|' ||"
        " quote(x.max) || '|' || quote(x.note)"
        " FROM result_scores x JOIN models m ON m.id = x.model WHERE x.run = ?1"
        " ORDER BY m.code, x.criterion",
        "SELECT quote(province) || '|' || quote(year) || '|' || quote(level) || '|' || quote(unit)"
        " || '|' || quote(scripts) || '|' || quote(decision_number) || '|' || quote(decision_date)"
        " FROM runs WHERE id = ?1",
        /* the frozen record (schema version 3) and the summary, which holds the rules */
        "SELECT quote(summary) FROM runs WHERE id = ?1",
        "SELECT " DVK_MODEL_ROW_TEXT("m") " FROM run_models m WHERE m.run = ?1 ORDER BY m.code",
        "SELECT quote(code)||'|'||quote(name)||'|'||quote(name_key)||'|'||quote(kind)||'|'||"
        " quote(parent)||'|'||quote(province)||'|'||quote(valid_from)||'|'||quote(valid_to)||'|'||"
        " quote(successor) FROM run_units WHERE run = ?1 ORDER BY code",
        "SELECT quote(m.code)||'|'||quote(a.criterion)||'|'||quote(a.appraiser)||'|'||quote(a.score)"
        " ||'|'||quote(a.note) FROM run_appraisals a JOIN run_models m ON m.run = a.run"
        " AND m.id = a.model WHERE a.run = ?1 ORDER BY m.code, a.criterion, a.appraiser",
        "SELECT quote(path)||'|'||quote(sha256)||'|'||quote(text) FROM run_scripts WHERE run = ?1"
        " ORDER BY path",
        "SELECT quote(whole)||'|'||quote(successors)||'|'||quote(grouping)||'|'||quote(pos)||'|'||quote(key)||'|'||"
        " quote(name)||'|'||quote(registered)||'|'||quote(eligible)||'|'||quote(recognised)||'|'||"
        " quote(exemplary)||'|'||quote(proposed)||'|'||quote(decided) FROM run_stats WHERE run = ?1"
        " ORDER BY whole, successors, grouping, pos",
        "SELECT quote(code)||'|'||quote(name)||'|'||quote(unit)||'|'||quote(role)||'|'||"
        " quote(levels) FROM run_appraisers WHERE run = ?1 ORDER BY code",
    };
    /* a run made final before the record existed keeps the digest it was given then */
    int frozen = dvk_store_run_frozen(s, run, err);
    if (frozen < 0)
        return err->code;
    size_t nsql = frozen ? sizeof sql / sizeof sql[0] : 3;
    /* a run with a record names its models by the record's codes, not today's table */
    static const char *const frozen_sql[] = {
        "SELECT quote(m.code) || '|' || quote(r.eligible) || '|' || quote(r.gate) || '|' ||"
        " quote(r.total) || '|' || quote(r.outcome) || '|' || quote(r.outcome_index) || '|' ||"
        " quote(r.rank) || '|' || quote(r.recognised) || '|' || quote(r.exemplary) || '|' ||"
        " quote(r.proposed) || '|' || quote(r.reason) FROM results r JOIN run_models m"
        " ON m.run = r.run AND m.id = r.model WHERE r.run = ?1 ORDER BY m.code",
        "SELECT quote(m.code) || '|' || quote(x.criterion) || '|' || quote(x.points) || '|' ||"
        " quote(x.max) || '|' || quote(x.note) FROM result_scores x JOIN run_models m"
        " ON m.run = x.run AND m.id = x.model WHERE x.run = ?1 ORDER BY m.code, x.criterion",
    };
    dvk_sha256 c;
    dvk_sha256_init(&c);
    for (size_t i = 0; i < nsql; i++) {
        sqlite3_stmt *st = dvk_store_prepare(s, frozen && i < 2 ? frozen_sql[i] : sql[i], err);
        if (!st) {
            dvk_sha256_final_hex(&c, out);   /* frees the digest's state */
            return err->code;
        }
        sqlite3_bind_int64(st, 1, run);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            dvk_sha256_update(&c, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
            dvk_sha256_update(&c, "\n", 1);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            dvk_sha256_final_hex(&c, out);
            return dvk_store_fail(s, rc, err, "hashing a run");
        }
    }
    if (dvk_sha256_final_hex(&c, out) != 0)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (hashing a run)");
    return DVK_OK;
}

int dvk_store_run_frozen(dvk_store *s, long long run, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT EXISTS (SELECT 1 FROM run_scripts WHERE run = ?1)", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    int rc = sqlite3_step(st), frozen = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        dvk_store_fail(s, rc, err, "reading a run's record");
    return frozen;
}

/* A frozen model row whose fields no longer hash to the hash written with it: DVK_EDATA
 * naming the run and the model. */
static int verify_frozen_models(dvk_store *s, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT m.run, m.code, m.hash, " DVK_MODEL_ROW_TEXT("m")
                                            " FROM run_models m ORDER BY m.run, m.code", err);
    if (!st)
        return err->code;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char h[65];
        const char *held = (const char *)sqlite3_column_text(st, 2);
        if (dvk_sha256_hex(sqlite3_column_text(st, 3), (size_t)sqlite3_column_bytes(st, 3), h) != 0) {
            sqlite3_finalize(st);
            return dvk_error_set(err, DVK_ENOMEM, "out of memory (hashing a run's record)");
        }
        if (!held || strcmp(h, held) != 0) {
            dvk_error_set(err, DVK_EDATA, "%s: run %lld was altered after it was made final (its "
                          "record of model %s was edited)", s->path,
                          (long long)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
            sqlite3_finalize(st);
            return DVK_EDATA;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? DVK_OK : dvk_store_fail(s, rc, err, "checking final runs' records");
}

int dvk_store_verify(dvk_store *s, dvk_error *err)
{
    int ok = 0;
    if (pragma_int(s, "SELECT integrity_check = 'ok' FROM pragma_integrity_check", &ok, err))
        return err->code;
    if (!ok)
        return dvk_error_set(err, DVK_EDATA, "%s: SQLite integrity check failed", s->path);
    char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000", h[65];
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT id, at, actor, action, detail, prev_hash, hash "
                                            "FROM audit_log ORDER BY id", err);
    if (!st)
        return err->code;
    int rc;
    long long expect = 1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        const char *f[6];
        for (int i = 0; i < 6; i++)
            f[i] = (const char *)sqlite3_column_text(st, i + 1);
        if (!f[0] || !f[1] || !f[2] || !f[3] || !f[4] || !f[5]) {
            sqlite3_finalize(st);
            return dvk_error_set(err, DVK_EDATA, "%s: audit record %lld has an empty field", s->path, id);
        }
        if (audit_hash(prev, id, f[0], f[1], f[2], f[3], h) != 0) {
            sqlite3_finalize(st);
            return dvk_error_set(err, DVK_ENOMEM, "out of memory (hashing the audit log)");
        }
        if (id != expect || strcmp(f[4], prev) != 0 || strcmp(f[5], h) != 0) {
            dvk_error_set(err, DVK_EDATA, "%s: audit chain broken at record %lld (%s): the log was "
                          "edited or a record removed", s->path, id, f[2]);
            sqlite3_finalize(st);
            return DVK_EDATA;
        }
        memcpy(prev, h, sizeof prev);
        expect++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "reading the audit log");
    /* A finalize record's fingerprint (dvk writes one since receipts exist) is the one its
     * digest and place in the chain give. */
    /* 0 id, 1 prev_hash, 2 the digest, 3 the fingerprint it holds */
    st = dvk_store_prepare(s, "SELECT id, prev_hash, json_extract(detail, '$.digest'), "
                              "json_extract(detail, '$.fingerprint') FROM audit_log WHERE action = 'finalize' "
                              "AND json_valid(detail) AND json_type(detail, '$.fingerprint') IS NOT NULL "
                              "ORDER BY id", err);
    if (!st)
        return err->code;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        const char *prevh = (const char *)sqlite3_column_text(st, 1);
        const char *digest = (const char *)sqlite3_column_text(st, 2);
        const char *held = (const char *)sqlite3_column_text(st, 3);
        char fp[DVK_FINGERPRINT_SIZE] = "";
        if (!prevh || !digest || dvk_store_fingerprint(digest, id - 1, prevh, fp) != 0 || !held ||
            strcmp(fp, held) != 0) {
            dvk_error_set(err, DVK_EDATA, "%s: audit record %lld (finalize) holds the fingerprint %s, but its "
                          "digest and place in the chain give %s: the log was rewritten", s->path, id,
                          held ? held : "(none)", fp[0] ? fp : "(none)");
            sqlite3_finalize(st);
            return DVK_EDATA;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "checking the fingerprints");
    if (verify_frozen_models(s, err) != DVK_OK)
        return err->code;
    /* Every run made final (by its status, or by a finalize record in the chained log) must
     * still be final, and its results must still hash to the digest that record holds. */
    st = dvk_store_prepare(s, "SELECT r.id, r.status, r.digest, (SELECT json_extract(a.detail, '$.digest') "
                              "FROM audit_log a WHERE a.action = 'finalize' AND json_extract(a.detail, '$.run') "
                              "= r.id ORDER BY a.id DESC LIMIT 1) AS recorded FROM runs r "
                              "WHERE r.status = 'final' OR recorded IS NOT NULL ORDER BY r.id", err);
    if (!st)
        return err->code;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long run = sqlite3_column_int64(st, 0);
        const char *status = (const char *)sqlite3_column_text(st, 1);
        const char *digest = (const char *)sqlite3_column_text(st, 2);
        const char *recorded = (const char *)sqlite3_column_text(st, 3);
        char now[65];
        const char *why = NULL;
        if (dvk_store_run_digest(s, run, now, err)) {
            sqlite3_finalize(st);
            return err->code;
        }
        if (!recorded)
            why = "it is final but the audit log has no record of its finalization";
        else if (!status || strcmp(status, "final") != 0)
            why = "the audit log says it was made final, but it is a draft again";
        else if (!digest || strcmp(digest, recorded) != 0 || strcmp(now, recorded) != 0)
            why = "its results or its frozen record no longer match the digest recorded when it was made final";
        if (why) {
            dvk_error_set(err, DVK_EDATA, "%s: run %lld was altered after it was made final (%s)", s->path,
                          run, why);
            sqlite3_finalize(st);
            return DVK_EDATA;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "checking final runs");
    /* A final run that was deleted leaves its finalize record behind. */
    st = dvk_store_prepare(s, "SELECT json_extract(detail, '$.run') FROM audit_log WHERE action = 'finalize' "
                              "AND json_extract(detail, '$.run') NOT IN (SELECT id FROM runs) LIMIT 1", err);
    if (!st)
        return err->code;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        dvk_error_set(err, DVK_EDATA, "%s: run %lld was made final and has since been deleted", s->path,
                      (long long)sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
        return DVK_EDATA;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "checking final runs");
    return DVK_OK;
}

int dvk_store_unit_province(dvk_store *s, const char *unit, char *out, size_t n, dvk_error *err)
{
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT province FROM units WHERE code = ?1", err);
    if (!st)
        return err->code;
    int rc = sqlite3_bind_text(st, 1, unit, -1, SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) { /* out of memory: the value would be NULL and match nothing */
        sqlite3_finalize(st);
        return dvk_store_fail(s, rc, err, "looking up a unit");
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return DVK_OK;
    if (rc == SQLITE_DONE)
        return dvk_error_set(err, DVK_EDATA, "unknown unit '%s'", unit);
    return dvk_store_fail(s, rc, err, "looking up a unit");
}

/* ------------------------------------------------------------------ fingerprints, receipts */

static const char ZERO_HASH[65] = "0000000000000000000000000000000000000000000000000000000000000000";

int dvk_store_fingerprint(const char *digest, long long count, const char *head,
                          char out[DVK_FINGERPRINT_SIZE])
{
    char text[200];
    int n = snprintf(text, sizeof text, "%s\n%lld\n%s\n", digest, count, head);
    out[0] = '\0';
    if (n < 0 || (size_t)n >= sizeof text)
        return -1;
    return dvk_sha256_short(text, (size_t)n, out);
}

int dvk_store_audit_tail(dvk_store *s, long long *count, char head[65], dvk_error *err)
{
    /* 0 id, 1 hash */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", err);
    if (!st)
        return err->code;
    int rc = sqlite3_step(st);
    *count = 0;
    memcpy(head, ZERO_HASH, 65);
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 1);
        *count = sqlite3_column_int64(st, 0);
        snprintf(head, 65, "%s", h ? h : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "reading the audit log");
    return DVK_OK;
}

/* 1 when t is 64 lowercase hex digits. */
static int is_hash(const char *t)
{
    if (!t || strlen(t) != 64)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
            return 0;
    return 1;
}

int dvk_store_seal_of(dvk_store *s, long long run, dvk_store_seal *out, dvk_error *err)
{
    memset(out, 0, sizeof *out);
    out->run = run;
    /* 0 id, 1 prev_hash, 2 hash, 3 the digest the record holds */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT id, prev_hash, hash, json_extract(detail, '$.digest') "
                                            "FROM audit_log WHERE action = 'finalize' AND json_valid(detail) "
                                            "AND json_extract(detail, '$.run') = ?1 ORDER BY id DESC LIMIT 1",
                                         err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int rc = sqlite3_step(st), status = DVK_OK;
    if (rc == SQLITE_ROW) {
        const char *prev = (const char *)sqlite3_column_text(st, 1);
        const char *hash = (const char *)sqlite3_column_text(st, 2);
        const char *digest = (const char *)sqlite3_column_text(st, 3);
        out->record = sqlite3_column_int64(st, 0);
        out->count = out->record - 1;
        if (!is_hash(prev) || !is_hash(hash) || !is_hash(digest))
            status = dvk_error_set(err, DVK_EDATA, "%s: audit record %lld (finalize run %lld) is damaged "
                                   "(a hash or its digest is missing)", s->path, out->record, run);
        else {
            memcpy(out->head, prev, 65);
            memcpy(out->record_hash, hash, 65);
            memcpy(out->digest, digest, 65);
            if (dvk_store_fingerprint(out->digest, out->count, out->head, out->fingerprint) != 0)
                status = dvk_error_set(err, DVK_ENOMEM, "out of memory (computing a fingerprint)");
        }
    } else if (rc == SQLITE_DONE) {
        status = dvk_error_set(err, DVK_EDATA, "run %lld is not final (a draft has no fingerprint)", run);
    } else {
        status = dvk_store_fail(s, rc, err, "reading the audit log");
    }
    sqlite3_finalize(st);
    return status;
}

/* The run's header fields the receipt names; NULL unit: the whole province. */
typedef struct receipt_run {
    char *province, *level, *unit, *status, *number, *date;
    long long year;
} receipt_run;

static void receipt_run_free(receipt_run *r)
{
    free(r->province);
    free(r->level);
    free(r->unit);
    free(r->status);
    free(r->number);
    free(r->date);
    memset(r, 0, sizeof *r);
}

/* Read run's header into r; DVK_EDATA "no run N" when it is not there (*found = 0). */
static int receipt_run_read(dvk_store *s, long long run, receipt_run *r, int *found, dvk_error *err)
{
    memset(r, 0, sizeof *r);
    *found = 0;
    /* 0 province, 1 year, 2 level, 3 unit, 4 status, 5 decision_number, 6 decision_date */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT province, year, level, unit, status, decision_number, "
                                            "decision_date FROM runs WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int rc = sqlite3_step(st), oom = 0, status = DVK_OK;
    if (rc == SQLITE_ROW) {
        *found = 1;
        r->province = dvk_store_column_dup(st, 0, &oom);
        r->year = sqlite3_column_int64(st, 1);
        r->level = dvk_store_column_dup(st, 2, &oom);
        r->unit = dvk_store_column_dup(st, 3, &oom);
        r->status = dvk_store_column_dup(st, 4, &oom);
        r->number = dvk_store_column_dup(st, 5, &oom);
        r->date = dvk_store_column_dup(st, 6, &oom);
        if (oom)
            status = dvk_error_set(err, DVK_ENOMEM, "out of memory (reading run %lld)", run);
    } else if (rc == SQLITE_DONE) {
        status = dvk_error_set(err, DVK_EDATA, "no run %lld (see `dvk runs`)", run);
    } else {
        status = dvk_store_fail(s, rc, err, "reading the run");
    }
    sqlite3_finalize(st);
    if (status != DVK_OK)
        receipt_run_free(r);
    return status;
}

#define RECEIPT_KIND "dvk final decision"
#define RECEIPT_VERSION 1

int dvk_store_receipt(dvk_store *s, long long run, dvk_buf *out, dvk_error *err)
{
    receipt_run r;
    int found;
    int rc = receipt_run_read(s, run, &r, &found, err);
    if (rc != DVK_OK)
        return rc;
    if (!r.status || strcmp(r.status, "final") != 0) {
        receipt_run_free(&r);
        return dvk_error_set(err, DVK_EDATA, "run %lld is a draft: only a final run has a receipt "
                             "(finalize it first)", run);
    }
    dvk_store_seal seal;
    if ((rc = dvk_store_seal_of(s, run, &seal, err)) != DVK_OK) {
        receipt_run_free(&r);
        return rc;
    }
    dvk_buf_printf(out, "{\n  \"receipt\": \"%s\",\n  \"version\": %d,\n  \"run\": %lld,\n  \"province\": ",
                   RECEIPT_KIND, RECEIPT_VERSION, run);
    dvk_json_strz(out, r.province);
    dvk_buf_printf(out, ",\n  \"year\": %lld,\n  \"level\": ", r.year);
    dvk_json_strz(out, r.level);
    dvk_buf_adds(out, ",\n  \"unit\": ");
    dvk_json_strz(out, r.unit);
    dvk_buf_adds(out, ",\n  \"decision_number\": ");
    dvk_json_strz(out, r.number);
    dvk_buf_adds(out, ",\n  \"decision_date\": ");
    dvk_json_strz(out, r.date);
    dvk_buf_printf(out, ",\n  \"digest\": \"%s\",\n  \"audit_count\": %lld,\n  \"audit_head\": \"%s\",\n"
                        "  \"finalize_record\": %lld,\n  \"finalize_hash\": \"%s\",\n"
                        "  \"fingerprint\": \"%s\"\n}\n",
                   seal.digest, seal.count, seal.head, seal.record, seal.record_hash, seal.fingerprint);
    receipt_run_free(&r);
    if (out->oom)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (writing a receipt)");
    return DVK_OK;
}

/* The receipt's fields, read with SQLite's JSON functions (bound text, nothing executed). */
typedef struct receipt {
    long long run, year, count, record;
    char *kind, *province, *level, *unit, *number, *date, *digest, *head, *record_hash, *fingerprint;
    long long version;
} receipt;

static void receipt_free(receipt *r)
{
    char *texts[] = {r->kind, r->province, r->level, r->unit, r->number, r->date,
                     r->digest, r->head, r->record_hash, r->fingerprint};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        free(texts[i]);
    memset(r, 0, sizeof *r);
}

/* Parse text into r. DVK_EDATA "NAME: not a dvk receipt (...)" when it is not one. */
static int receipt_parse(dvk_store *s, const char *name, const char *text, size_t len, receipt *r,
                         dvk_error *err)
{
    /* The keys in the order of the columns below; ints are integers, the rest text (unit may
     * be null). */
    static const char *const keys[] = {"receipt", "version", "run", "province", "year", "level", "unit",
                                       "decision_number", "decision_date", "digest", "audit_count",
                                       "audit_head", "finalize_record", "finalize_hash", "fingerprint"};
    static const char ints[] = {0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0};
    memset(r, 0, sizeof *r);
    if (len > INT_MAX / 2)
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk receipt (too large)", name);
    /* 0 json_valid, then per key i: 1 + 2i its type, 2 + 2i its value */
    dvk_buf sql = DVK_BUF_INIT;
    /* (the JSON functions raise an error on text that is not JSON: each call is guarded) */
    dvk_buf_adds(&sql, "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' ELSE 0 END");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        dvk_buf_printf(&sql, ", CASE WHEN json_valid(?1) THEN json_type(?1, '$.%s') END,"
                             " CASE WHEN json_valid(?1) THEN json_extract(?1, '$.%s') END", keys[i], keys[i]);
    if (sql.oom) {
        dvk_buf_free(&sql);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (reading a receipt)");
    }
    sqlite3_stmt *st = dvk_store_prepare(s, dvk_buf_str(&sql), err);
    dvk_buf_free(&sql);
    if (!st)
        return err->code;
    int rc = sqlite3_bind_text(st, 1, text, (int)len, SQLITE_TRANSIENT), status = DVK_OK, oom = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        status = dvk_store_fail(s, rc, err, "reading a receipt");
        goto done;
    }
    if (!sqlite3_column_int(st, 0)) {
        status = dvk_error_set(err, DVK_EDATA, "%s: not a dvk receipt (not a JSON object)", name);
        goto done;
    }
    long long *intv[] = {NULL, &r->version, &r->run, NULL, &r->year, NULL, NULL, NULL, NULL, NULL,
                         &r->count, NULL, &r->record, NULL, NULL};
    char **textv[] = {&r->kind, NULL, NULL, &r->province, NULL, &r->level, &r->unit, &r->number,
                      &r->date, &r->digest, NULL, &r->head, NULL, &r->record_hash, &r->fingerprint};
    for (int i = 0; i < (int)(sizeof keys / sizeof keys[0]); i++) {
        const char *type = (const char *)sqlite3_column_text(st, 1 + 2 * i);
        int is_null = !type || strcmp(type, "null") == 0;
        if (ints[i] ? !type || strcmp(type, "integer") != 0
                    : is_null ? strcmp(keys[i], "unit") != 0 : strcmp(type, "text") != 0) {
            status = dvk_error_set(err, DVK_EDATA, "%s: not a dvk receipt (\"%s\" is %s; %s expected)", name,
                                   keys[i], type ? type : "missing", ints[i] ? "an integer" : "a string");
            goto done;
        }
        if (ints[i])
            *intv[i] = sqlite3_column_int64(st, 2 + 2 * i);
        else
            *textv[i] = dvk_store_column_dup(st, 2 + 2 * i, &oom);
    }
    if (oom)
        status = dvk_error_set(err, DVK_ENOMEM, "out of memory (reading a receipt)");
    else if (strcmp(r->kind, RECEIPT_KIND) != 0 || r->version != RECEIPT_VERSION)
        status = dvk_error_set(err, DVK_EDATA, "%s: not a dvk receipt (\"receipt\": \"%s\", version %lld; "
                               "this dvk reads \"%s\", version %d)", name, r->kind, r->version,
                               RECEIPT_KIND, RECEIPT_VERSION);
    else if (!is_hash(r->digest) || !is_hash(r->head) || !is_hash(r->record_hash) || r->count < 0 ||
             r->record != r->count + 1)
        status = dvk_error_set(err, DVK_EDATA, "%s: not a dvk receipt (a hash is not 64 hex digits, or "
                               "finalize_record is not audit_count + 1)", name);
done:
    sqlite3_finalize(st);
    if (status != DVK_OK)
        receipt_free(r);
    return status;
}

/* 1 when a and b are both NULL or equal. */
static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The hash (into out) and action/run of audit record id; *found = 0 when there is none. */
static int audit_record(dvk_store *s, long long id, char out[65], char action[32], long long *run,
                        int *found, dvk_error *err)
{
    /* 0 hash, 1 action, 2 the run a finalize record names */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT hash, action, CASE WHEN json_valid(detail) THEN "
                                            "json_extract(detail, '$.run') END FROM audit_log WHERE id = ?1",
                                         err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    out[0] = action[0] = '\0';
    *run = 0;
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        const char *a = (const char *)sqlite3_column_text(st, 1);
        snprintf(out, 65, "%s", h ? h : "");
        snprintf(action, 32, "%s", a ? a : "");
        *run = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return dvk_store_fail(s, rc, err, "reading the audit log");
    return DVK_OK;
}

int dvk_store_verify_receipt(dvk_store *s, const char *name, const char *text, size_t len,
                             dvk_store_seal *out, dvk_error *err)
{
    receipt r;
    receipt_run run;
    memset(&run, 0, sizeof run);
    int rc = receipt_parse(s, name, text, len, &r, err), found = 0;
    if (rc != DVK_OK)
        return rc;
    char fp[DVK_FINGERPRINT_SIZE], now[65], hash[65], action[32];
    long long count = 0, record_run = 0;
    if (dvk_store_fingerprint(r.digest, r.count, r.head, fp) != 0) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory (computing a fingerprint)");
        goto done;
    }
    if (strcmp(fp, r.fingerprint) != 0) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: the receipt's fingerprint %s does not match its own digest, "
                           "audit_count and audit_head (they give %s): the receipt was edited", name,
                           r.fingerprint, fp);
        goto done;
    }
    if ((rc = dvk_store_verify(s, err)) != DVK_OK)
        goto done;
    if ((rc = receipt_run_read(s, r.run, &run, &found, err)) != DVK_OK) {
        if (!found && rc == DVK_EDATA)
            dvk_error_set(err, DVK_EDATA, "%s: run %lld of the receipt (fingerprint %s) is not in the "
                          "database: it was deleted, or this is another database", s->path, r.run,
                          r.fingerprint);
        goto done;
    }
    if (!run.status || strcmp(run.status, "final") != 0) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: run %lld is a draft, but the receipt (fingerprint %s) was "
                           "written when it was final: the database was set back after the decision "
                           "(its audit log's end removed)", s->path, r.run, r.fingerprint);
        goto done;
    }
    const char *field = !same_text(run.province, r.province) ? "province"
                      : run.year != r.year ? "year"
                      : !same_text(run.level, r.level) ? "level"
                      : !same_text(run.unit, r.unit) ? "unit"
                      : !same_text(run.number, r.number) ? "decision number"
                      : !same_text(run.date, r.date) ? "decision date" : NULL;
    if (field) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: run %lld's %s differs from the receipt's: this is another "
                           "run, or it was changed after the decision", s->path, r.run, field);
        goto done;
    }
    if ((rc = dvk_store_run_digest(s, r.run, now, err)) != DVK_OK)
        goto done;
    if (strcmp(now, r.digest) != 0) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: run %lld's results are not those of the receipt "
                           "(fingerprint %s): its data hashes to %.16s..., the receipt holds %.16s...: "
                           "the run was changed after the decision", s->path, r.run, r.fingerprint, now,
                           r.digest);
        goto done;
    }
    if ((rc = dvk_store_audit_tail(s, &count, hash, err)) != DVK_OK)
        goto done;
    if (count < r.record) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: the audit log has %lld record%s, but the receipt was written "
                           "after record %lld: records were removed from its end", s->path, count,
                           count == 1 ? "" : "s", r.record);
        goto done;
    }
    if (r.count > 0) {
        if ((rc = audit_record(s, r.count, hash, action, &record_run, &found, err)) != DVK_OK)
            goto done;
    } else {
        memcpy(hash, ZERO_HASH, sizeof hash);
    }
    if (strcmp(hash, r.head) != 0) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: audit record %lld is not the one the receipt holds (hash "
                           "%.16s..., the receipt has %.16s...): the audit log was rewritten", s->path,
                           r.count, hash, r.head);
        goto done;
    }
    if ((rc = audit_record(s, r.record, hash, action, &record_run, &found, err)) != DVK_OK)
        goto done;
    if (strcmp(hash, r.record_hash) != 0 || strcmp(action, "finalize") != 0 || record_run != r.run) {
        rc = dvk_error_set(err, DVK_EDATA, "%s: audit record %lld is not the finalize record of run %lld the "
                           "receipt holds: the audit log was rewritten", s->path, r.record, r.run);
        goto done;
    }
    if (out) {
        memset(out, 0, sizeof *out);
        out->run = r.run;
        out->count = r.count;
        out->record = r.record;
        memcpy(out->digest, r.digest, 65);
        memcpy(out->head, r.head, 65);
        memcpy(out->record_hash, r.record_hash, 65);
        memcpy(out->fingerprint, r.fingerprint, DVK_FINGERPRINT_SIZE);
    }
    rc = DVK_OK;
done:
    receipt_run_free(&run);
    receipt_free(&r);
    return rc;
}
