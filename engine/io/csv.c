/* csv.c: the CSV cell writer (csv.h). */
#include "dvk/csv.h"

#include <string.h>

int dvk_csv_formula_like(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == '\'')
        i++;
    return i < n && strchr("=+-@\t\r", s[i]) != NULL && s[i] != '\0';
}

int dvk_csv_cell(dvk_buf *b, const char *s, size_t n, int neutralise)
{
    if (!s || n == 0)
        return b->oom ? -1 : 0;
    int apostrophe = neutralise && dvk_csv_formula_like(s, n);
    int quote = s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!quote) {
        if (apostrophe)
            dvk_buf_addc(b, '\'');
        return dvk_buf_add(b, s, n);
    }
    dvk_buf_addc(b, '"');
    if (apostrophe)
        dvk_buf_addc(b, '\'');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            dvk_buf_add(b, s + run, i + 1 - run);   /* up to and with the quote */
            dvk_buf_addc(b, '"');                   /* doubled */
            run = i + 1;
        }
    }
    dvk_buf_add(b, s + run, n - run);
    return dvk_buf_addc(b, '"');
}
