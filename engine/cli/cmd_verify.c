/* cmd_verify.c: `dvk verify [--receipt FILE]`: integrity check, audit hash chain, final runs'
 * digests; with a receipt, the database against what was signed (store.h). */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/buf.h"

#define RECEIPT_MAX (64 * 1024)   /* a receipt is under 1 KiB; anything this big is not one */

/* Read the receipt at path into out. 0, or -1 with err set. */
static int read_receipt(const char *path, dvk_buf *out, dvk_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return dvk_error_set(err, DVK_EIO, "%s: cannot read the receipt (%s)", path, strerror(errno)), -1;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && out->len <= RECEIPT_MAX)
        dvk_buf_add(out, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return dvk_error_set(err, DVK_EIO, "%s: cannot read the receipt (read error)", path), -1;
    if (out->oom)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory reading %s", path), -1;
    if (out->len > RECEIPT_MAX)
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk receipt (larger than %d bytes)", path,
                             RECEIPT_MAX), -1;
    return 0;
}

int cmd_verify(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"receipt", required_argument, 0, 'r'}, {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("verify");
    const char *receipt = NULL;
    int c;
    while ((c = cli_getopt(self, argc, argv, "", opts)) != -1) {
        if (c != 'r')
            return c == 'h' ? 0 : 2;
        receipt = cli_optarg;
    }
    if (cli_optind < argc)
        return cli_usage_error("verify", "unexpected argument '%s'", argv[cli_optind]);
    dvk_error err;
    dvk_error_clear(&err);
    dvk_buf text = DVK_BUF_INIT;
    if (receipt && read_receipt(receipt, &text, &err) != 0) {
        dvk_buf_free(&text);
        return cli_fail(&err);
    }
    int status;
    dvk_store *s = cli_open_store(cli, DVK_STORE_READONLY, &status);
    if (!s) {
        dvk_buf_free(&text);
        return status;
    }
    if (dvk_store_verify(s, &err)) {
        dvk_buf_free(&text);
        dvk_store_close(s);
        return cli_fail(&err);
    }
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT count(*), (SELECT hash FROM audit_log ORDER BY id DESC "
                                            "LIMIT 1), (SELECT count(*) FROM runs WHERE status = 'final') "
                                            "FROM audit_log", &err);
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *head = sqlite3_column_text(st, 1);
        printf("ok: integrity check passed; %lld audit records chain correctly (head %s); "
               "%lld final run(s) unaltered\n", (long long)sqlite3_column_int64(st, 0),
               head ? (const char *)head : "-", (long long)sqlite3_column_int64(st, 2));
    }
    sqlite3_finalize(st);
    fflush(stdout);   /* the database's verdict before the receipt's */
    int rc = 0;
    if (receipt) {
        dvk_store_seal seal;
        if (dvk_store_verify_receipt(s, receipt, dvk_buf_str(&text), text.len, &seal, &err) != DVK_OK)
            rc = cli_fail(&err);
        else
            printf("receipt ok: run %lld, fingerprint %s (audit record %lld of the decision still "
                   "in the log)\n", seal.run, seal.fingerprint, seal.record);
    }
    dvk_buf_free(&text);
    dvk_store_close(s);
    return rc;
}
