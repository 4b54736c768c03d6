/* runs_sign.c: final decisions signed with the office's key (runs.h, "signatures"): the
 * statement, the signature in the finalize record or a later "sign" record, a receipt's
 * signatures, and checking them against the public key the office gives. */
#include "dvk/runs.h"

#include <stdlib.h>
#include <string.h>

#include "dvk/json.h"
#include "runs_sign.h"

#define STATEMENT_VERSION 1

static int nomem(dvk_error *err) { return dvk_error_set(err, DVK_ENOMEM, "out of memory"); }

int dvk_runs_statement(dvk_store *s, long long run, const char *digest, long long count,
                       const char *head, dvk_buf *out, dvk_error *err)
{
    /* 0 province, 1 year, 2 level, 3 unit, 4 decision_number, 5 decision_date */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT province, year, level, unit, decision_number, "
                                            "decision_date FROM runs WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? dvk_error_set(err, DVK_EDATA, "no run %lld (see `dvk runs`)", run)
                                 : dvk_store_fail(s, rc, err, "reading the run");
    }
    static const char *const names[] = {"province", "year", "level", "unit", "decision_number",
                                        "decision_date"};
    dvk_buf_printf(out, "dvk signed decision %d\nrun %lld\n", STATEMENT_VERSION, run);
    for (int i = 0; i < 6; i++) {
        dvk_buf_printf(out, "%s ", names[i]);
        if (i == 1)
            dvk_buf_printf(out, "%lld", (long long)sqlite3_column_int64(st, i));
        else
            dvk_json_strz(out, (const char *)sqlite3_column_text(st, i));
        dvk_buf_addc(out, '\n');
    }
    sqlite3_finalize(st);
    dvk_buf_printf(out, "digest %s\naudit_count %lld\naudit_head %s\n", digest, count, head);
    return out->oom ? nomem(err) : DVK_OK;
}

int dvk_runs_sign_detail(dvk_store *s, long long run, const dvk_sign_key *k, const char *digest,
                         long long count, const char *head, dvk_buf *detail, dvk_error *err)
{
    dvk_buf text = DVK_BUF_INIT;
    dvk_sign_public pub;
    char sig[DVK_SIGN_SIGNATURE_TEXT_SIZE], by[DVK_SIGN_FINGERPRINT_SIZE];
    int rc = dvk_runs_statement(s, run, digest, count, head, &text, err);
    if (rc == DVK_OK)
        rc = dvk_sign(k, text.p, text.len, sig, err);
    if (rc == DVK_OK)
        rc = dvk_sign_key_public(k, &pub, err);
    dvk_buf_free(&text);
    if (rc != DVK_OK)
        return rc;
    if (dvk_sign_fingerprint(&pub, by) != 0)
        return nomem(err);
    dvk_json_key(detail, "signature", 0);
    dvk_json_strz(detail, sig);
    dvk_json_key(detail, "signed_by", 0);
    dvk_json_strz(detail, by);
    return detail->oom ? nomem(err) : DVK_OK;
}

/* ------------------------------------------------------------------ a run's signatures */

typedef struct sig {
    long long record;           /* the audit record holding it */
    char *by, *text;            /* as the record holds them (either may be NULL) */
} sig;

static void sigs_free(sig *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].by);
        free(v[i].text);
    }
    free(v);
}

/* Append a zeroed signature to *v (*n used, *cap allocated); NULL when out of memory. */
static sig *sig_push(sig **v, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        sig *w = realloc(*v, nc * sizeof *w);
        if (!w)
            return NULL;
        *v = w;
        *cap = nc;
    }
    sig *g = &(*v)[(*n)++];
    memset(g, 0, sizeof *g);
    return g;
}

/* The signatures of run held by its finalize record (`record`) and the "sign" records after
 * it, oldest first, into *out / *n. */
static int sigs_of(dvk_store *s, long long run, long long record, sig **out, size_t *n,
                   dvk_error *err)
{
    *out = NULL;
    *n = 0;
    /* 0 id, 1 signed_by, 2 signature */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT id, json_extract(detail, '$.signed_by'), "
                                            "json_extract(detail, '$.signature') FROM audit_log WHERE id >= ?2 "
                                            "AND action IN ('finalize', 'sign') AND json_valid(detail) AND "
                                            "json_extract(detail, '$.run') = ?1 AND "
                                            "json_type(detail, '$.signature') IS NOT NULL ORDER BY id", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, record);
    int rc, oom = 0;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sig *g = sig_push(out, n, &cap);
        if (!g) {
            oom = 1;
            break;
        }
        g->record = sqlite3_column_int64(st, 0);
        g->by = dvk_store_column_dup(st, 1, &oom);
        g->text = dvk_store_column_dup(st, 2, &oom);
    }
    sqlite3_finalize(st);
    if (oom || (rc != SQLITE_ROW && rc != SQLITE_DONE)) {
        sigs_free(*out, *n);
        *out = NULL;
        *n = 0;
        return oom ? nomem(err) : dvk_store_fail(s, rc, err, "reading the signatures");
    }
    return DVK_OK;
}

/* Which of v[0..n) holds for statement under key: DVK_SIG_* into *status, and *at the
 * signature that holds (OK), names the key (FORGED) or is the first (OTHER_KEY); -1 when
 * libcrypto failed. */
static int classify(const sig *v, size_t n, const dvk_sign_public *key, const char *keyfp,
                    const dvk_buf *statement, int *status, size_t *at)
{
    *status = n ? DVK_SIG_OTHER_KEY : DVK_SIG_UNSIGNED;
    *at = 0;
    /* every signature is tried, whatever key it says it is by: signed_by is a label */
    for (size_t i = 0; i < n; i++) {
        int ok = dvk_sign_verify(key, statement->p, statement->len, v[i].text);
        if (ok < 0)
            return -1;
        if (ok) {
            *status = DVK_SIG_OK;
            *at = i;
            return 0;
        }
        if (*status != DVK_SIG_FORGED && v[i].by && strcmp(v[i].by, keyfp) == 0) {
            *status = DVK_SIG_FORGED;
            *at = i;
        }
    }
    return 0;
}

/* The status of run (final) against key: the seal of its finalize record, its statement,
 * its signatures; the key named and the record holding the signature into c. */
static int check_run(dvk_store *s, long long run, const dvk_sign_public *key, const char *keyfp,
                     dvk_run_sigcheck *c, dvk_error *err)
{
    dvk_store_seal seal;
    dvk_buf text = DVK_BUF_INIT;
    sig *v = NULL;
    size_t n = 0, at = 0;
    int rc = dvk_store_seal_of(s, run, &seal, err);
    if (rc == DVK_OK)
        rc = dvk_runs_statement(s, run, seal.digest, seal.count, seal.head, &text, err);
    if (rc == DVK_OK)
        rc = sigs_of(s, run, seal.record, &v, &n, err);
    if (rc == DVK_OK && classify(v, n, key, keyfp, &text, &c->status, &at) != 0)
        rc = nomem(err);
    if (rc == DVK_OK && c->status != DVK_SIG_UNSIGNED) {
        c->record = v[at].record;
        snprintf(c->signed_by, sizeof c->signed_by, "%s",
                 c->status == DVK_SIG_OTHER_KEY ? (v[at].by ? v[at].by : "?") : keyfp);
    }
    sigs_free(v, n);
    dvk_buf_free(&text);
    return rc;
}

void dvk_run_sigchecks_free(dvk_run_sigcheck *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].number);
        free(v[i].date);
    }
    free(v);
}

int dvk_runs_check_signatures(dvk_store *s, const dvk_sign_public *key, dvk_run_sigcheck **out,
                              size_t *n, dvk_error *err)
{
    char keyfp[DVK_SIGN_FINGERPRINT_SIZE];
    *out = NULL;
    *n = 0;
    if (dvk_sign_fingerprint(key, keyfp) != 0)
        return nomem(err);
    /* 0 id, 1 decision_number, 2 decision_date */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT id, decision_number, decision_date FROM runs "
                                            "WHERE status = 'final' ORDER BY id", err);
    if (!st)
        return err->code;
    dvk_run_sigcheck *v = NULL;
    size_t cap = 0, count = 0;
    int rc, status = DVK_OK, oom = 0;
    while (status == DVK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            size_t nc = cap ? cap * 2 : 8;
            dvk_run_sigcheck *w = realloc(v, nc * sizeof *w);
            if (!w) {
                status = nomem(err);
                break;
            }
            v = w;
            cap = nc;
        }
        dvk_run_sigcheck *c = &v[count++];
        memset(c, 0, sizeof *c);
        c->run = sqlite3_column_int64(st, 0);
        c->number = dvk_store_column_dup(st, 1, &oom);
        c->date = dvk_store_column_dup(st, 2, &oom);
        status = oom ? nomem(err) : check_run(s, c->run, key, keyfp, c, err);
    }
    if (status == DVK_OK && rc != SQLITE_DONE)
        status = dvk_store_fail(s, rc, err, "reading the final runs");
    sqlite3_finalize(st);
    if (status != DVK_OK) {
        dvk_run_sigchecks_free(v, count);
        return status;
    }
    *out = v;
    *n = count;
    return DVK_OK;
}

/* ------------------------------------------------------------------ signing a final run */

int dvk_runs_sign(dvk_store *s, long long run, const dvk_sign_key *k, const char *actor,
                  int *added, dvk_error *err)
{
    *added = 0;
    dvk_sign_public pub;
    char keyfp[DVK_SIGN_FINGERPRINT_SIZE];
    int rc = dvk_sign_key_public(k, &pub, err);
    if (rc != DVK_OK)
        return rc;
    if (dvk_sign_fingerprint(&pub, keyfp) != 0)
        return nomem(err);
    /* 0 status */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT status FROM runs WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, run);
    int src = sqlite3_step(st);
    int final = src == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                strcmp((const char *)sqlite3_column_text(st, 0), "final") == 0;
    sqlite3_finalize(st);
    if (src == SQLITE_DONE)
        return dvk_error_set(err, DVK_EDATA, "no run %lld (see `dvk runs`)", run);
    if (src != SQLITE_ROW)
        return dvk_store_fail(s, src, err, "reading the run");
    if (!final)
        return dvk_error_set(err, DVK_EDATA, "run %lld is a draft: only a final run is signed "
                             "(dvk runs finalize %lld ... --sign KEYFILE)", run, run);
    /* dvk signs only what it can vouch for: a database that fails verify is not signed */
    if ((rc = dvk_store_verify(s, err)) != DVK_OK) {
        dvk_error_prefix(err, "run %lld was not signed", run);
        return rc;
    }
    if ((rc = dvk_store_begin(s, err)) != DVK_OK)
        return rc;
    dvk_store_seal seal;
    dvk_buf text = DVK_BUF_INIT, detail = DVK_BUF_INIT;
    sig *v = NULL;
    size_t n = 0, at = 0;
    int status = DVK_SIG_UNSIGNED;
    char signature[DVK_SIGN_SIGNATURE_TEXT_SIZE];
    if ((rc = dvk_store_seal_of(s, run, &seal, err)) != DVK_OK ||
        (rc = dvk_runs_statement(s, run, seal.digest, seal.count, seal.head, &text, err)) != DVK_OK ||
        (rc = sigs_of(s, run, seal.record, &v, &n, err)) != DVK_OK)
        goto done;
    if (classify(v, n, &pub, keyfp, &text, &status, &at) != 0) {
        rc = nomem(err);
        goto done;
    }
    if (status == DVK_SIG_OK)   /* signed by this key already: nothing to add */
        goto done;
    if ((rc = dvk_sign(k, text.p, text.len, signature, err)) != DVK_OK)
        goto done;
    dvk_buf_printf(&detail, "{\"run\":%lld", run);
    dvk_json_key(&detail, "signature", 0);
    dvk_json_strz(&detail, signature);
    dvk_json_key(&detail, "signed_by", 0);
    dvk_json_strz(&detail, keyfp);
    dvk_json_key(&detail, "actor", 0);
    dvk_json_strz(&detail, actor ? actor : "dvk");
    dvk_buf_addc(&detail, '}');
    if (detail.oom) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dvk_store_audit(s, "sign", dvk_buf_str(&detail), err)) == DVK_OK &&
        (rc = dvk_store_commit(s, err)) == DVK_OK)
        *added = 1;
done:
    if (!*added)
        dvk_store_rollback(s);
    sigs_free(v, n);
    dvk_buf_free(&text);
    dvk_buf_free(&detail);
    return rc;
}

/* ------------------------------------------------------------------ receipts */

int dvk_runs_receipt_signatures(dvk_store *s, long long run, dvk_buf *receipt, dvk_error *err)
{
    static const char end[] = "\n}\n";
    dvk_store_seal seal;
    sig *v = NULL;
    size_t n = 0;
    int rc = dvk_store_seal_of(s, run, &seal, err);
    if (rc == DVK_OK)
        rc = sigs_of(s, run, seal.record, &v, &n, err);
    if (rc != DVK_OK || n == 0)
        return rc;
    if (receipt->len < 3 || memcmp(receipt->p + receipt->len - 3, end, 3) != 0) {
        sigs_free(v, n);
        return dvk_error_set(err, DVK_EDATA, "a receipt ends with \"}\" (internal error)");
    }
    receipt->len -= 3;
    dvk_buf_adds(receipt, ",\n  \"signatures\": [");
    for (size_t i = 0; i < n; i++) {
        dvk_buf_adds(receipt, i ? ",\n    {\"signed_by\": " : "\n    {\"signed_by\": ");
        dvk_json_strz(receipt, v[i].by);
        dvk_buf_adds(receipt, ", \"signature\": ");
        dvk_json_strz(receipt, v[i].text);
        dvk_buf_addc(receipt, '}');
    }
    dvk_buf_adds(receipt, "\n  ]\n}\n");
    sigs_free(v, n);
    return receipt->oom ? nomem(err) : DVK_OK;
}

int dvk_runs_check_receipt_signature(dvk_store *s, const char *name, const char *text,
                                     size_t len, const dvk_store_seal *seal,
                                     const dvk_sign_public *key, dvk_error *err)
{
    char keyfp[DVK_SIGN_FINGERPRINT_SIZE];
    if (dvk_sign_fingerprint(key, keyfp) != 0)
        return nomem(err);
    if (len > (size_t)1 << 30)
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk receipt (too large)", name);
    /* 0 signed_by, 1 signature; a "signatures" that is not a list of objects gives no row
     * (the JSON functions raise an error on text that is not JSON: each call is guarded) */
    sqlite3_stmt *st = dvk_store_prepare(s, "SELECT json_extract(value, '$.signed_by'), "
                                            "json_extract(value, '$.signature') FROM json_each(CASE WHEN "
                                            "json_valid(?1) AND json_type(?1, '$.signatures') = 'array' THEN "
                                            "?1 ELSE '[]' END, CASE WHEN json_valid(?1) AND json_type(?1, "
                                            "'$.signatures') = 'array' THEN '$.signatures' ELSE '$' END) "
                                            "WHERE type = 'object'", err);
    if (!st)
        return err->code;
    int rc = sqlite3_bind_text(st, 1, text, (int)len, SQLITE_TRANSIENT), oom = 0;
    sig *v = NULL;
    size_t n = 0, cap = 0, at = 0;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        if ((rc = sqlite3_step(st)) != SQLITE_ROW)
            break;
        sig *g = sig_push(&v, &n, &cap);
        if (!g) {
            oom = 1;
            break;
        }
        g->by = dvk_store_column_dup(st, 0, &oom);
        g->text = dvk_store_column_dup(st, 1, &oom);
    }
    sqlite3_finalize(st);
    dvk_buf statement = DVK_BUF_INIT;
    int status = DVK_SIG_UNSIGNED, result;
    if (oom)
        result = nomem(err);
    else if (rc != SQLITE_DONE)
        result = dvk_store_fail(s, rc, err, "reading a receipt");
    else
        result = dvk_runs_statement(s, seal->run, seal->digest, seal->count, seal->head, &statement, err);
    if (result == DVK_OK && classify(v, n, key, keyfp, &statement, &status, &at) != 0)
        result = nomem(err);
    if (result == DVK_OK && status == DVK_SIG_UNSIGNED)
        result = dvk_error_set(err, DVK_EDATA, "%s: the receipt holds no signature (run %lld was made "
                               "final without --sign; sign it with `dvk runs receipt %lld --sign KEYFILE "
                               "-o FILE`)", name, seal->run, seal->run);
    else if (result == DVK_OK && status == DVK_SIG_OTHER_KEY)
        result = dvk_error_set(err, DVK_EDATA, "%s: the receipt is signed by key %s, not by key %s "
                               "(the key given): signed by someone else", name,
                               v[at].by ? v[at].by : "?", keyfp);
    else if (result == DVK_OK && status == DVK_SIG_FORGED)
        result = dvk_error_set(err, DVK_EDATA, "%s: the receipt's signature by key %s does not hold: "
                               "the receipt or the database was changed after it was signed (forged)",
                               name, keyfp);
    sigs_free(v, n);
    dvk_buf_free(&statement);
    return result;
}
