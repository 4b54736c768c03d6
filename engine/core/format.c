/* format.c: numbers and dates as text (format.h). */
#include "dvk/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double dvk_format_round(double x, int decimals)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    if (!isfinite(x))
        return x;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    double v = fabs(x) * scale[decimals];
    if (v >= 9007199254740992.0)
        return x;   /* no fraction left to round */
    /* The tolerance: 1e-9 of the value (up to a thousandth of the last place kept), so
     * 1.005 rounds up while 1.00400001 and large sums of money do not. */
    double eps = 1e-9 * (v > 1 ? (v < 1e6 ? v : 1e6) : 1);
    double r = floor(v + 0.5 + eps);
    return copysign(r / scale[decimals], x);
}

void dvk_format_plain(double v, char *buf, size_t n)
{
    if (n == 0)
        return;
    if (isnan(v)) {
        snprintf(buf, n, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, n, v < 0 ? "-inf" : "inf");
        return;
    }
    if (v == 0) {
        snprintf(buf, n, "0");   /* no "-0" */
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

void dvk_format_vi(double v, int decimals, int keep_zeros, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    if (!isfinite(v))
        return;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    char raw[DVK_FORMAT_MAX * 6];
    snprintf(raw, sizeof raw, "%.*f", decimals, dvk_format_round(v, decimals));
    char *dot = strchr(raw, '.');
    if (dot && !keep_zeros) {
        char *end = raw + strlen(raw);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
    const char *s = raw;
    if (*s == '-' && strspn(s + 1, "0.") == strlen(s + 1))
        s++;   /* "-0", "-0,00": a value that rounds to zero has no sign */
    size_t o = 0;
    if (*s == '-' && o + 1 < n)
        buf[o++] = *s++;
    size_t digits = strspn(s, "0123456789");
    for (size_t i = 0; i < digits && o + 2 < n; i++) {
        buf[o++] = s[i];
        size_t left = digits - i - 1;
        if (left > 0 && left % 3 == 0)
            buf[o++] = '.';
    }
    s += digits;
    if (*s == '.' && o + 1 < n) {
        buf[o++] = ',';
        s++;
    }
    while (*s && o + 1 < n)
        buf[o++] = *s++;
    buf[o] = '\0';
}

const char *dvk_format_date_vi(const char *iso, char *buf, size_t n)
{
    static const char blank[] = "\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0";  /* to fill in by hand */
    int y = 0, m = 0, d = 0;
    if (n == 0)
        return buf;
    if (iso && strlen(iso) == 10 && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 &&
        m <= 12 && d >= 1 && d <= 31) {
        snprintf(buf, n, "ngày %02d tháng %s%d năm %d", d, m <= 2 ? "0" : "", m, y);
    } else if (iso && strlen(iso) == 4 && sscanf(iso, "%4d", &y) == 1) {
        snprintf(buf, n, "ngày%s tháng%s năm %d", blank, blank, y);
    } else {
        snprintf(buf, n, "ngày%s tháng%s năm%s", blank, blank, blank);
    }
    return buf;
}
