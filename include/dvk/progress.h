/* progress.h: one progress bar on a terminal (label, bar, count, rate, remaining time) for
 * long work such as imports, decisions and synthetic data. The engine may call it anywhere;
 * it prints nothing until the CLI enables it with a terminal stream (never on a pipe, never
 * with --quiet), so library users and tests see no output. Owns one global bar; not
 * thread-safe (dvk is single-threaded). */
#ifndef DVK_PROGRESS_H
#define DVK_PROGRESS_H

#include <stdio.h>

typedef struct dvk_progress dvk_progress;

/* Send progress bars to out (the CLI passes stderr when it is a terminal and --quiet is not
 * given), or NULL to disable them (the default). */
void dvk_progress_enable(FILE *out);
/* 1 when bars are being drawn. */
int dvk_progress_enabled(void);

/* Start a bar for total units of work (total <= 0: unknown, only count and rate are shown).
 * Returns a handle that update/finish accept; it is never NULL-checked by callers: when
 * progress is disabled or memory is short it returns NULL and the other calls do nothing.
 * The label is copied. */
dvk_progress *dvk_progress_start(const char *label, long long total);
/* Record that done units are finished (absolute, not an increment). Redraws at most ten
 * times a second, so it is cheap to call once per row. */
void dvk_progress_update(dvk_progress *p, long long done);
/* Erase the bar and free p (NULL is accepted). */
void dvk_progress_finish(dvk_progress *p);

/* Format the bar line for the given state into buf (size n), fitting width columns;
 * elapsed in seconds. Exposed for tests; returns buf. */
char *dvk_progress_format(char *buf, size_t n, int width, const char *label, long long done,
                          long long total, double elapsed);

#endif
