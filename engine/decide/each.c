/* each.c: dvk_decide_each (decide.h): one run for every deciding unit of a level, all
 * written in one transaction or none. Which units decide a level comes from the unit tree
 * (units.h) as it stands on 31 December of the year; the runs are dvk_decide's. */
#include "dvk/decide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/province.h"
#include "dvk/units.h"

/* 1 when unit u exists on day (ISO date). */
static int exists_on(const dvk_unit *u, const char *day)
{
    if (u->valid_from && u->valid_from[0] && strcmp(u->valid_from, day) > 0)
        return 0;
    return !(u->valid_to && u->valid_to[0] && strcmp(u->valid_to, day) < 0);
}

/* Mark the deciding units of the level at position pos of nlevels (0 = lowest). */
static size_t deciding_units(const dvk_units *t, int root, int pos, const char *day,
                             unsigned char *mark)
{
    size_t n = dvk_units_count(t), count = 0;
    unsigned char *inner = calloc(n ? n : 1, 1);   /* has a child that exists on day */
    if (!inner)
        return (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const dvk_unit *u = dvk_units_at(t, i);
        if (u->parent >= 0 && exists_on(u, day))
            inner[u->parent] = 1;
    }
    for (size_t i = 0; i < n; i++) {
        const dvk_unit *u = dvk_units_at(t, i);
        mark[i] = (int)i != root && exists_on(u, day) &&
                  (pos == 0 ? !inner[i] : u->parent == root);
        count += mark[i];
    }
    free(inner);
    return count;
}

int dvk_decide_each(dvk_store *s, const char *scripts_dir, const dvk_decide_opts *o,
                    dvk_decide_unit **units, size_t *n, dvk_error *err)
{
    *units = NULL;
    *n = 0;
    if (o->unit)
        return dvk_error_set(err, DVK_EUSAGE, "--each-unit decides every unit of the level: "
                             "drop --unit");
    char **levels = NULL;
    int nlevels = 0, pos = -1;
    int rc = dvk_script_levels((void *)scripts_dir, o->province, &levels, &nlevels, err);
    if (rc != DVK_OK)
        return rc;
    for (int i = 0; i < nlevels; i++)
        if (strcmp(levels[i], o->level) == 0)
            pos = i;
    int top = pos == nlevels - 1;
    for (int i = 0; i < nlevels; i++)
        free(levels[i]);
    free(levels);
    if (pos < 0)
        return dvk_error_set(err, DVK_EUSAGE, "'%s' is not a level of province %s", o->level,
                             o->province);
    if (!dvk_level_in_year(o->level, o->year))
        return dvk_error_set(err, DVK_EUSAGE, "level '%s' has no review in %d: the district "
                             "level ended on 30/06/2025 (Resolution 203/2025/QH15)", o->level,
                             o->year);
    if (top)
        return dvk_error_set(err, DVK_EUSAGE, "--each-unit: level %s is the province's own: "
                             "it is decided in one run (drop --each-unit)", o->level);

    dvk_units *t = NULL;
    unsigned char *mark = NULL;
    dvk_decide_unit *out = NULL;
    size_t count = 0, k = 0;
    int in_tx = 0;
    if ((rc = dvk_units_load(s, o->province, &t, err)) != DVK_OK)
        return rc;
    int root = dvk_units_find(t, o->province);
    if (root < 0 || dvk_units_at(t, (size_t)root)->parent >= 0) {
        rc = dvk_error_set(err, DVK_EDATA, "unknown province '%s' (no unit with that code; "
                           "import units first)", o->province);
        goto done;
    }
    char day[16];
    snprintf(day, sizeof day, "%04d-12-31", o->year);
    size_t nt = dvk_units_count(t);
    if (!(mark = calloc(nt ? nt : 1, 1)) ||
        (count = deciding_units(t, root, pos, day, mark)) == (size_t)-1 ||
        !(out = calloc(count ? count : 1, sizeof *out))) {
        rc = dvk_error_set(err, DVK_ENOMEM, "out of memory");
        goto done;
    }
    if (count == 0) {
        rc = dvk_error_set(err, DVK_EDATA, "no unit of %s decides at level %s in %d (no unit "
                           "exists on %s)", o->province, o->level, o->year, day);
        goto done;
    }
    if (!o->dry_run) {
        if ((rc = dvk_store_begin(s, err)) != DVK_OK)
            goto done;
        in_tx = 1;
    }
    for (size_t i = 0; i < nt && rc == DVK_OK; i++) {
        if (!mark[i])
            continue;
        const dvk_unit *u = dvk_units_at(t, i);
        dvk_decide_unit *d = &out[k++];
        snprintf(d->code, sizeof d->code, "%s", u->code);
        snprintf(d->name, sizeof d->name, "%s", u->name);
        dvk_decide_opts one = *o;
        one.unit = u->code;
        one.in_transaction = in_tx;
        one.empty_ok = 1;
        if ((rc = dvk_decide(s, scripts_dir, &one, &d->sum, err)) != DVK_OK) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            dvk_error_set(err, rc, "unit %s: %s%s", u->code, msg,
                          in_tx ? " (nothing written for any unit)" : "");
        }
    }
    if (rc == DVK_OK && in_tx) {
        if ((rc = dvk_store_commit(s, err)) == DVK_OK)
            in_tx = 0;
    }
done:
    if (in_tx)
        dvk_store_rollback(s);
    if (rc == DVK_OK) {
        *units = out;
        *n = k;
    } else {
        free(out);
    }
    free(mark);
    dvk_units_free(t);
    return rc;
}
