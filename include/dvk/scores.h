/* scores.h: a decision run's scores of one model, packed into one value
 * (result_scores_packed.scores, schema version 6), and the SQL that reads them back as rows.
 *
 * Format (version 1), for anyone who reads a dvk database without dvk:
 *   byte 0          the format version, 1
 *   then entries, one per scored criterion, in the order the run stored them (pos), each:
 *     u32 LE        n, the criterion id's length in bytes, then n bytes (UTF-8, no NUL)
 *     u64 LE        points: the bits of an IEEE-754 binary64 double (exact, never rounded)
 *     u64 LE        max: the same
 *     u32 LE        m, the note's length in bytes, 0xFFFFFFFF for no note (NULL), then m
 *                   bytes of UTF-8 (none when NULL)
 *     i64 LE        pos: the criterion's place in the province's list (two's complement)
 *   the blob ends exactly after the last entry. A model with no scores (ineligible) has
 *   no result_scores_packed row; a blob of the version byte alone holds no entry.
 * The reader (dvk_scores_open/next) refuses a blob that is not exactly this: another version,
 * a length that runs past the end, bytes left over. It never reads past the blob.
 *
 * In SQL (dvk_scores_register on every connection dvk opens):
 *   dvk_scores(blob)   eponymous table-valued function: one row per entry, columns
 *                      criterion, points, max, note, pos; NULL gives no row; a malformed
 *                      blob is an error, never a partial list.
 *   dvk_scores_pack(criterion, points, max, note, pos)   aggregate: the blob of the rows
 *                      it saw, ordered by pos (then criterion); NULL over no row.
 *   result_scores      TEMP VIEW (dvk_scores_view) with the columns of the table it replaced
 *                      (run, model, criterion, points, max, note, pos): the table
 *                      result_scores_packed joined with dvk_scores(its scores). Read-only.
 * Owns no table; writes nothing but the TEMP VIEW of its connection. */
#ifndef DVK_SCORES_H
#define DVK_SCORES_H

#include <sqlite3.h>
#include <stddef.h>
#include "dvk/buf.h"
#include "dvk/error.h"

#define DVK_SCORES_VERSION 1
#define DVK_SCORES_NO_NOTE 0xFFFFFFFFu

/* Start a blob: append the version byte to b. 0, or -1 when out of memory (b->oom). */
int dvk_scores_begin(dvk_buf *b);
/* Append one entry (note NULL: no note). 0, or -1 when out of memory (b->oom) or a text is
 * longer than the format holds (4 GiB - 1 bytes). */
int dvk_scores_pack(dvk_buf *b, const char *criterion, double points, double max,
                    const char *note, long long pos);

/* One entry as read: criterion and note point into the blob and are NOT NUL-terminated. */
typedef struct dvk_score {
    const char *criterion;
    size_t criterion_len;
    double points, max;
    const char *note;      /* NULL: no note */
    size_t note_len;
    long long pos;
} dvk_score;

typedef struct dvk_scores_iter {
    const unsigned char *p;
    size_t len, off;
} dvk_scores_iter;

/* Begin reading blob (len bytes; blob NULL or len 0 is refused: no version byte). DVK_OK,
 * or DVK_EDATA (err says why) for a blob of another version. */
int dvk_scores_open(dvk_scores_iter *it, const void *blob, size_t len, dvk_error *err);
/* The next entry into *out: 1; 0 at the end; -1 (DVK_EDATA in err) for a malformed entry. */
int dvk_scores_next(dvk_scores_iter *it, dvk_score *out, dvk_error *err);
/* The number of entries of a whole blob, or -1 (err set) when any part of it is malformed. */
long long dvk_scores_count(const void *blob, size_t len, dvk_error *err);

/* Register dvk_scores and dvk_scores_pack on db: an SQLite result code. */
int dvk_scores_register(sqlite3 *db);
/* Create the TEMP VIEW result_scores on db (once per connection, after the schema is at
 * version 6): an SQLite result code. */
int dvk_scores_view(sqlite3 *db);

#endif
