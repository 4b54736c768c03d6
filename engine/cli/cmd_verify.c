/* cmd_verify.c: `dvk verify [--receipt FILE] [--key PUBFILE]`: integrity check, audit hash
 * chain, final runs' digests; with a receipt, the database against what was signed
 * (store.h); with the office's public key, every final run's signature (runs.h). */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dvk/buf.h"
#include "dvk/runs.h"

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

/* Every final run's signature against key, one line a run; the exit status. */
static int verify_signatures(dvk_store *s, const char *keyfile, const dvk_sign_public *key)
{
    dvk_error err;
    dvk_error_clear(&err);
    dvk_run_sigcheck *v = NULL;
    size_t n = 0, bad = 0;
    char fp[DVK_SIGN_FINGERPRINT_SIZE];
    if (dvk_sign_fingerprint(key, fp) != 0)
        return cli_fail(&(dvk_error){DVK_ENOMEM, "out of memory"});
    if (dvk_runs_check_signatures(s, key, &v, &n, &err) != DVK_OK)
        return cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        const dvk_run_sigcheck *r = &v[i];
        printf("run %lld (decision %s of %s): ", r->run, r->number ? r->number : "?",
               r->date ? r->date : "?");
        bad += r->status != DVK_SIG_OK;
        switch (r->status) {
        case DVK_SIG_OK:
            printf("signature ok (key %s, audit record %lld)\n", fp, r->record);
            break;
        case DVK_SIG_UNSIGNED:
            printf("NOT SIGNED: it was made final without --sign (sign it with `dvk runs receipt "
                   "%lld --sign KEYFILE`)\n", r->run);
            break;
        case DVK_SIG_OTHER_KEY:
            printf("WRONG KEY: signed with key %s, not with key %s (%s)\n", r->signed_by, fp,
                   keyfile);
            break;
        default:
            printf("FORGED: its signature by key %s does not match the run and the audit log "
                   "(audit record %lld): they were changed after it was signed\n", fp, r->record);
        }
    }
    dvk_run_sigchecks_free(v, n);
    fflush(stdout);
    if (bad) {
        dvk_error_set(&err, DVK_EDATA, "%zu of %zu final run(s) fail the signature check with key %s (%s)",
                      bad, n, fp, keyfile);
        return cli_fail(&err);
    }
    if (n == 0)
        printf("signatures: no final run to check (key %s, %s)\n", fp, keyfile);
    else
        printf("signatures ok: %zu final run(s) signed with key %s (%s)\n", n, fp, keyfile);
    return 0;
}

int cmd_verify(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"receipt", required_argument, 0, 'r'},
                                         {"key", required_argument, 0, 'k'}, {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("verify");
    const char *receipt = NULL, *keyfile = NULL;
    int c;
    while ((c = cli_getopt(self, argc, argv, "", opts)) != -1) {
        if (c == 'r')
            receipt = cli_optarg;
        else if (c == 'k')
            keyfile = cli_optarg;
        else
            return c == 'h' ? 0 : 2;
    }
    if (cli_optind < argc)
        return cli_usage_error("verify", "unexpected argument '%s'", argv[cli_optind]);
    dvk_error err;
    dvk_error_clear(&err);
    dvk_buf text = DVK_BUF_INIT;
    dvk_sign_public key;
    if ((receipt && read_receipt(receipt, &text, &err) != 0) ||
        (keyfile && dvk_sign_public_load(keyfile, &key, &err) != DVK_OK)) {
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
        if (rc == 0 && keyfile) {
            fflush(stdout);
            if (dvk_runs_check_receipt_signature(s, receipt, dvk_buf_str(&text), text.len, &seal,
                                                 &key, &err) != DVK_OK)
                rc = cli_fail(&err);
            else
                printf("receipt signature ok: signed with the key in %s\n", keyfile);
        }
    }
    if (rc == 0 && keyfile)
        rc = verify_signatures(s, keyfile, &key);
    dvk_buf_free(&text);
    dvk_store_close(s);
    return rc;
}
