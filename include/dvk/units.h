/* units.h: the unit tree, the one home of "which units are under which". Every entry point
 * that scopes or groups by unit (the query API, decide, stats, reports, import) loads the
 * tree here and asks it; nothing else in the engine walks parent or successor links.
 *
 * The rule (docs/lua-api.md, "Units and the 2025 reorganisation", states it for authors):
 * - Membership. The units under a scope are the scope itself, every unit whose parent is
 *   under it, and, with DVK_UNITS_MERGED, every unit whose successor is under it (a unit
 *   merged into a unit of the scope: its figures now belong to the scope). A unit keeps its
 *   historic place too: a commune merged into another district is under both districts.
 * - Grouping. The unit a model's figures are shown under, below a scope, is the unit
 *   directly under the scope on the way up from the model's unit; with DVK_UNITS_MERGED the
 *   way up starts from the unit that stands for it today (the end of its successor chain)
 *   and, when that does not lead to the scope, from the unit itself.
 * - Cycles in parent or successor links (which import refuses, but a database may hold)
 *   end every walk after DVK_UNITS_DEPTH steps; a unit is never counted twice.
 * Reads the units table and owns the loaded copy; writes only when a unit moves to another
 * province (dvk_units_move_province, for the importer). */
#ifndef DVK_UNITS_H
#define DVK_UNITS_H

#include <stddef.h>
#include "dvk/error.h"
#include "dvk/store.h"

#define DVK_UNITS_DEPTH 64

enum {
    DVK_UNITS_MERGED = 1   /* follow successor links (units merged into another) */
};

typedef struct dvk_unit {
    const char *code, *name, *kind, *province;
    const char *valid_from, *valid_to;   /* ISO dates or NULL */
    int parent, successor;               /* indices into the tree, -1: none */
} dvk_unit;

typedef struct dvk_units dvk_units;

/* Load the units of one province (its root and everything whose units.province is it), or of
 * every province when province is NULL. *out is freed with dvk_units_free. */
int dvk_units_load(dvk_store *s, const char *province, dvk_units **out, dvk_error *err);
/* The tree a final run recorded (run_units, schema version 3; runs.h "frozen record"). */
int dvk_units_load_run(dvk_store *s, long long run, dvk_units **out, dvk_error *err);
void dvk_units_free(dvk_units *t);

size_t dvk_units_count(const dvk_units *t);
const dvk_unit *dvk_units_at(const dvk_units *t, size_t i);
/* Index of code, or -1. Units are sorted by code. */
int dvk_units_find(const dvk_units *t, const char *code);
/* The unit's name, or code itself when it is not in the tree. */
const char *dvk_units_name(const dvk_units *t, const char *code);

/* Mark (mark[i] = 1, others 0) the units under scope by the membership rule; mark has
 * dvk_units_count(t) bytes. Returns how many were marked (0 when scope is -1), or -1 when
 * memory is short. */
long dvk_units_subtree(const dvk_units *t, int scope, int flags, unsigned char *mark);
/* 1 when unit u is under scope (u == scope included) by the membership rule (0 also when
 * memory is short). For one-off questions; a loop over many units marks the subtree once. */
int dvk_units_under(const dvk_units *t, int u, int scope, int flags);
/* The unit that stands for u today: the end of its successor chain (u when it has none). */
int dvk_units_current(const dvk_units *t, int u);
/* The unit directly under scope through which u belongs to it, by the grouping rule; scope
 * when u == scope; -1 when u is not under scope that way. */
int dvk_units_top(const dvk_units *t, int u, int scope, int flags);
/* 1 when the unit existed during year (valid_from .. valid_to overlap it). */
int dvk_unit_in_year(const dvk_unit *u, int year);

/* The membership rule as a JSON array of unit codes, for SQL: bind it to
 * "unit IN (SELECT value FROM json_each(?))". malloc'd; NULL (err set) on failure. An
 * unknown scope gives "[]" (no unit, so no model), not an error. */
char *dvk_units_subtree_json(const dvk_units *t, const char *scope, int flags, dvk_error *err);

/* ---- while units are written (import): the tree as it stands in the database ---------- */

/* 1 when `ancestor` is `unit` or lies on its chain of parents as stored now, 0 when not, or
 * an error code (negative: -DVK_EIO and so on) with err set. The importer asks it before
 * giving a unit a new parent (a unit cannot become its own ancestor). */
int dvk_units_is_ancestor(dvk_store *s, const char *ancestor, const char *unit, dvk_error *err);
/* Move every unit under `code` (not code itself) and every model of code and of those units
 * to `province`, inside the caller's transaction. */
int dvk_units_move_province(dvk_store *s, const char *code, const char *province, dvk_error *err);

#endif
