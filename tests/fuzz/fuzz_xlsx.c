/* fuzz_xlsx.c: libFuzzer target for the XLSX reader (xlsx.h): the input is written as a
 * file, opened as a workbook with small limits (so that a bomb is cut short quickly; for
 * odd sizes the shared strings go to a temporary file after 8 bytes), and
 * every sheet is read row by row. Invariants beyond "no crash, no leak, no sanitizer
 * report": every cell is as long as it says, rows come in increasing order, and a failure
 * always carries a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dvk/xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[96];

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

static int check_row(void *ud, const dvk_xlsx_row *row, dvk_error *err)
{
    long *last = ud;
    if (row->row <= *last || row->ncells == 0 || row->ncells > DVK_XLSX_COLUMNS_MAX)
        abort();
    *last = row->row;
    for (size_t i = 0; i < row->ncells; i++)
        if (strlen(row->cell[i]) != row->len[i] || row->type[i] > DVK_XLSX_ERROR)
            abort();
    return DVK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/dvk-fuzz-xlsx-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/in.xlsx", dir);
        atexit(cleanup);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    const dvk_xlsx_limits lim = {.part_max = 4 << 20, .total_max = 16 << 20, .ratio_max = 200,
                                 .strings_max = 100000, .strings_bytes = 4 << 20,
                                 .small_max = 1 << 20, .strings_memory = size % 2 ? 8 : 0};
    dvk_xlsx *x = NULL;
    dvk_error err;
    dvk_error_clear(&err);
    if (dvk_xlsx_open(path, "fuzz.xlsx", &lim, &x, &err) != DVK_OK) {
        if (!err.msg[0])
            abort();
        return 0;
    }
    for (size_t i = 0; i < dvk_xlsx_sheet_count(x); i++) {
        long last = 0;
        dvk_error_clear(&err);
        if (dvk_xlsx_read(x, i, check_row, &last, &err) != DVK_OK && !err.msg[0])
            abort();
    }
    dvk_xlsx_close(x);
    return 0;
}
