/* error.h: the status codes and error message every engine function reports through.
 * The engine never prints and never exits; the CLI turns a dvk_error into a message and an
 * exit code. Owns nothing else. */
#ifndef DVK_ERROR_H
#define DVK_ERROR_H

#include <stddef.h>

enum {
    DVK_OK = 0,
    DVK_EDATA = 1,   /* the work failed: bad data, script error, constraint (exit 1) */
    DVK_EUSAGE = 2,  /* bad arguments (exit 2) */
    DVK_EIO = 3,     /* file or database I/O failed, disk full (exit 1) */
    DVK_ENOMEM = 4,  /* out of memory (exit 1) */
    DVK_EBUSY = 5,   /* database is busy (locked by another writer) (exit 1) */
    DVK_EINTR = 6    /* interrupted by the user (exit 1) */
};

#define DVK_ERROR_MAX 2048

typedef struct dvk_error {
    int code;                 /* DVK_OK when nothing went wrong */
    char msg[DVK_ERROR_MAX];  /* "FILE:LINE: what is wrong (what was found)" */
} dvk_error;

/* Clear err (NULL is accepted). */
void dvk_error_clear(dvk_error *err);
/* Set err's code and message; returns code so callers can `return dvk_error_set(...)`.
 * err may be NULL. A message already set is replaced. */
int dvk_error_set(dvk_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix the existing message with "prefix: " (used to add context such as a file name). */
void dvk_error_prefix(dvk_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Map a code to the command's exit status (0, 1 or 2). */
int dvk_error_exit_status(int code);

#endif
