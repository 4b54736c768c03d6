/* runs_sign.h: what runs.c and runs_sign.c share and nothing outside engine/decide uses. */
#ifndef DVK_RUNS_SIGN_H
#define DVK_RUNS_SIGN_H

#include "dvk/buf.h"
#include "dvk/sign.h"
#include "dvk/store.h"

/* Sign the statement of run (being made final inside the caller's transaction: its number
 * and date are stored, digest, count and head are those of its finalize record) with k, and
 * append ,"signature":"...","signed_by":"..." to the finalize record's detail (an open JSON
 * object). */
int dvk_runs_sign_detail(dvk_store *s, long long run, const dvk_sign_key *k, const char *digest,
                         long long count, const char *head, dvk_buf *detail, dvk_error *err);

#endif
