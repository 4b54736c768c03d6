/* error.c: status codes and messages (see include/dvk/error.h). */
#include "dvk/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void dvk_error_clear(dvk_error *err)
{
    if (!err)
        return;
    err->code = DVK_OK;
    err->msg[0] = '\0';
}

int dvk_error_set(dvk_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

void dvk_error_prefix(dvk_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[512], old[DVK_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
}

int dvk_error_exit_status(int code)
{
    switch (code) {
    case DVK_OK: return 0;
    case DVK_EUSAGE: return 2;
    default: return 1;
    }
}
