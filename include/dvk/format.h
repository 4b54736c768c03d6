/* format.h: the one formatter of numbers and dates, for every output of dvk: plain numbers
 * for machine formats (CSV, JSON: the shortest text that reads back to the same double) and
 * Vietnamese numbers and dates for documents and explanations (groups of three digits
 * separated by '.', decimal comma: 1.149 and 12,5; "ngày 05 tháng 02 năm 2023" with the
 * leading zero Decree 30/2020 asks for in days and in January and February). The Lua helpers
 * dvk.number and dvk.date (script/sandbox.c) call these, so scripts/lib formats the same
 * way as the engine. Owns nothing. */
#ifndef DVK_FORMAT_H
#define DVK_FORMAT_H

#include <stddef.h>

/* Longest text any of these writes, with its NUL. */
#define DVK_FORMAT_MAX 64

/* x rounded to `decimals` places (0..6), half away from zero, with a tolerance of 1e-9
 * relative (at most 1e-3 of the last place kept) so that values one binary step below a half (1.005 is 1.00499999...) round the
 * way a person writing them would (1.01). The one rounding rule of dvk: totals, dvk.round,
 * explanations and dvk_format_vi all use it. */
double dvk_format_round(double x, int decimals);

/* v in plain form: an integral value without decimals ("1020000000"), else the shortest
 * "%.15g".."%.17g" that reads back to v ("2.5"); never "-0". NaN and infinities as "nan",
 * "inf", "-inf" (callers that cannot hold them check first). */
void dvk_format_plain(double v, char *buf, size_t n);

/* v in Vietnamese form, rounded (dvk_format_round) to at most `decimals` decimals (0..6): "1.020.000.000",
 * "12,5", "-3,25"; trailing zeros of the decimals are dropped unless keep_zeros ("12,50"
 * then). A value that rounds to zero is "0", never "-0". NaN and infinities: "". */
void dvk_format_vi(double v, int decimals, int keep_zeros, char *buf, size_t n);

/* An ISO date "YYYY-MM-DD" as "ngày DD tháng MM năm YYYY" (months 1 and 2 as 01 and 02, the
 * others without a zero); a year alone "YYYY" as "ngày    tháng    năm YYYY" with room to
 * fill in by hand (no-break spaces), anything else as blanks in the same shape. Returns buf. */
const char *dvk_format_date_vi(const char *iso, char *buf, size_t n);

#endif
