/* sign.c: Ed25519 keys and signatures through libcrypto (sign.h). */
#define _XOPEN_SOURCE 700 /* mkstemp, O_NOFOLLOW */
#include "dvk/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "dvk/sha256.h"

struct dvk_sign_key {
    EVP_PKEY *pkey;
};

#define KEY_FILE_MAX (16 * 1024)   /* a key file is under 200 bytes; anything this big is not one */

/* libcrypto keeps an error queue per thread: empty it after a failure so that it neither
 * grows nor surfaces in a later, unrelated call. */
static int crypto_fail(dvk_error *err, int code, const char *what)
{
    ERR_clear_error();
    return dvk_error_set(err, code, "%s", what);
}

int dvk_sign_key_new(dvk_sign_key **out, dvk_error *err)
{
    *out = NULL;
    dvk_sign_key *k = calloc(1, sizeof *k);
    if (!k)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (creating a key)");
    k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!k->pkey) {
        free(k);
        return crypto_fail(err, DVK_EIO, "libcrypto could not create an Ed25519 key");
    }
    *out = k;
    return DVK_OK;
}

void dvk_sign_key_free(dvk_sign_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k);
}

int dvk_sign_key_public(const dvk_sign_key *k, dvk_sign_public *out, dvk_error *err)
{
    size_t len = sizeof out->raw;
    if (EVP_PKEY_get_raw_public_key(k->pkey, out->raw, &len) != 1 || len != sizeof out->raw)
        return crypto_fail(err, DVK_EIO, "libcrypto could not read the public key");
    return DVK_OK;
}

/* ------------------------------------------------------------------ base64 */

/* in[0..n) in base64 into out (4 * ceil(n / 3) + 1 bytes). */
static void b64_encode(const unsigned char *in, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

/* Decode text[0..len), which must be the canonical base64 of exactly want bytes (padding
 * included, no line breaks, unused bits zero), into out. 0, or -1 when it is not. */
static int b64_decode(const char *text, size_t len, unsigned char *out, size_t want)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char buf[128];
    char again[sizeof buf * 4 / 3 + 4];
    if (want == 0 || len != 4 * ((want + 2) / 3) || len / 4 * 3 > sizeof buf)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!text[i] || (!strchr(alphabet, text[i]) && !(text[i] == '=' && i >= len - 2)))
            return -1;
    if (EVP_DecodeBlock(buf, (const unsigned char *)text, (int)len) < (int)want)
        return -1;
    /* canonical: encoding the bytes again gives the same text (no stray bits, padding right) */
    b64_encode(buf, want, again);
    if (strlen(again) != len || memcmp(again, text, len) != 0)
        return -1;
    memcpy(out, buf, want);
    return 0;
}

/* ------------------------------------------------------------------ public keys */

void dvk_sign_public_text(const dvk_sign_public *p, char out[DVK_SIGN_PUBLIC_TEXT_SIZE])
{
    memcpy(out, DVK_SIGN_PREFIX " ", sizeof DVK_SIGN_PREFIX);
    b64_encode(p->raw, sizeof p->raw, out + sizeof DVK_SIGN_PREFIX);
}

int dvk_sign_public_parse(const char *name, const char *text, size_t len, dvk_sign_public *out,
                          dvk_error *err)
{
    const size_t prefix = sizeof DVK_SIGN_PREFIX;   /* the prefix and its space */
    /* one line end may follow */
    if (len > 0 && text[len - 1] == '\n')
        len--;
    if (len > 0 && text[len - 1] == '\r')
        len--;
    if (len < prefix || memcmp(text, DVK_SIGN_PREFIX " ", prefix) != 0)
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk public key (it starts with \"%s \")",
                             name, DVK_SIGN_PREFIX);
    if (b64_decode(text + prefix, len - prefix, out->raw, sizeof out->raw) != 0)
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk public key (after \"%s \" come the "
                             "key's 32 bytes in base64: 44 characters ending in '=')", name,
                             DVK_SIGN_PREFIX);
    return DVK_OK;
}

int dvk_sign_fingerprint(const dvk_sign_public *p, char out[DVK_SIGN_FINGERPRINT_SIZE])
{
    return dvk_sha256_short(p->raw, sizeof p->raw, out);
}

/* ------------------------------------------------------------------ key files */

/* Read a small file whole into buf (NUL-terminated); *len its size. DVK_EIO when it cannot
 * be read, DVK_EDATA when it is larger than a key file can be. */
static int read_small(const char *path, const char *what, char *buf, size_t size, size_t *len,
                      dvk_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return dvk_error_set(err, DVK_EIO, "%s: cannot read the %s (%s)", path, what, strerror(errno));
    size_t n = fread(buf, 1, size - 1, f);
    int bad = ferror(f), more = !bad && fgetc(f) != EOF;
    fclose(f);
    if (bad)
        return dvk_error_set(err, DVK_EIO, "%s: cannot read the %s (read error)", path, what);
    if (more)
        return dvk_error_set(err, DVK_EDATA, "%s: not a %s (larger than %d bytes)", path, what,
                             (int)size - 1);
    buf[n] = '\0';
    *len = n;
    return DVK_OK;
}

/* A pass phrase is never asked for: an encrypted key file simply fails to load (libcrypto
 * would otherwise prompt on the terminal). */
static int no_pass_phrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

/* The key in PEM text (private, or with public set a public key too) into *out, or NULL. */
static EVP_PKEY *pem_key(const char *text, size_t len, int public)
{
    BIO *bio = BIO_new_mem_buf(text, (int)len);
    if (!bio)
        return NULL;
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, no_pass_phrase, NULL);
    if (!pkey && public) {
        (void)BIO_reset(bio);
        pkey = PEM_read_bio_PUBKEY(bio, NULL, no_pass_phrase, NULL);
    }
    BIO_free(bio);
    ERR_clear_error();
    return pkey;
}

int dvk_sign_key_load(const char *path, dvk_sign_key **out, dvk_error *err)
{
    char text[KEY_FILE_MAX];
    size_t len = 0;
    *out = NULL;
    int rc = read_small(path, "private key", text, sizeof text, &len, err);
    if (rc != DVK_OK)
        return rc;
    if (strncmp(text, DVK_SIGN_PREFIX " ", sizeof DVK_SIGN_PREFIX) == 0)
        return dvk_error_set(err, DVK_EDATA, "%s: this is the public key; signing needs the private "
                             "key file (the one `dvk keys new` wrote without .pub)", path);
    if (strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk private key (it is encrypted; dvk reads "
                             "the unencrypted key `dvk keys new` writes)", path);
    EVP_PKEY *pkey = pem_key(text, len, 0);
    if (!pkey)
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk private key (no PEM private key in it; "
                             "create one with `dvk keys new`)", path);
    if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk private key (not an Ed25519 key)", path);
    }
    dvk_sign_key *k = calloc(1, sizeof *k);
    if (!k) {
        EVP_PKEY_free(pkey);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (reading a key)");
    }
    k->pkey = pkey;
    *out = k;
    return DVK_OK;
}

int dvk_sign_public_load(const char *path, dvk_sign_public *out, dvk_error *err)
{
    char text[KEY_FILE_MAX];
    size_t len = 0;
    int rc = read_small(path, "public key", text, sizeof text, &len, err);
    if (rc != DVK_OK)
        return rc;
    if (!strstr(text, "-----BEGIN "))
        return dvk_sign_public_parse(path, text, len, out, err);
    EVP_PKEY *pkey = pem_key(text, len, 1);
    if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        return dvk_error_set(err, DVK_EDATA, "%s: not a dvk key (neither a \"%s\" line nor an "
                             "Ed25519 key in PEM)", path, DVK_SIGN_PREFIX);
    }
    size_t n = sizeof out->raw;
    rc = EVP_PKEY_get_raw_public_key(pkey, out->raw, &n) == 1 && n == sizeof out->raw
             ? DVK_OK : crypto_fail(err, DVK_EIO, "libcrypto could not read the public key");
    EVP_PKEY_free(pkey);
    return rc;
}

/* The folder of path (malloc'd; "." when it has none), or NULL when out of memory. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* Create path with data[0..n) and mode, complete or not at all, never over anything that
 * exists: a temporary file made exclusively in the same folder (mkstemp), written, fsync'ed,
 * then hard-linked to path (link() fails on any existing name, a dangling link included)
 * and its temporary name removed. */
static int write_new(const char *path, const char *data, size_t n, mode_t mode, dvk_error *err)
{
    char *dir = folder_of(path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t size = (dir ? strlen(dir) : 0) + strlen(base) + 16;
    char *tmp = dir ? malloc(size) : NULL;
    if (!tmp) {
        free(dir);
        return dvk_error_set(err, DVK_ENOMEM, "out of memory (writing %s)", path);
    }
    snprintf(tmp, size, "%s/.%s.XXXXXX", dir, base);
    free(dir);
    int fd = mkstemp(tmp), rc = DVK_OK;
    if (fd < 0) {
        rc = dvk_error_set(err, DVK_EIO, "%s: cannot create the file (%s)", path, strerror(errno));
        free(tmp);
        return rc;
    }
    const char *p = data;
    size_t left = n;
    while (rc == DVK_OK && left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = dvk_error_set(err, DVK_EIO, "%s: write error (%s)", path, strerror(errno));
        else
            p += w, left -= (size_t)w;
    }
    if (rc == DVK_OK && (fchmod(fd, mode) != 0 || fsync(fd) != 0))
        rc = dvk_error_set(err, DVK_EIO, "%s: write error (%s)", path, strerror(errno));
    if (close(fd) != 0 && rc == DVK_OK)
        rc = dvk_error_set(err, DVK_EIO, "%s: write error (%s)", path, strerror(errno));
    if (rc == DVK_OK && link(tmp, path) != 0)
        rc = errno == EEXIST
                 ? dvk_error_set(err, DVK_EIO, "%s: exists already; dvk never replaces a key file "
                                 "(choose another name)", path)
                 : dvk_error_set(err, DVK_EIO, "%s: cannot create the file (%s)", path, strerror(errno));
    unlink(tmp);
    free(tmp);
    return rc;
}

int dvk_sign_key_save(const dvk_sign_key *k, const char *path, const char *pub_path,
                      dvk_error *err)
{
    struct stat st;
    const char *paths[] = {path, pub_path};
    for (int i = 0; i < 2; i++)
        if (lstat(paths[i], &st) == 0)
            return dvk_error_set(err, DVK_EIO, "%s: exists already; dvk never replaces a key file "
                                 "(choose another name)", paths[i]);
    dvk_sign_public pub;
    int rc = dvk_sign_key_public(k, &pub, err);
    if (rc != DVK_OK)
        return rc;
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem = NULL;
    long pem_len = 0;
    if (!bio || PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) != 1 ||
        (pem_len = BIO_get_mem_data(bio, &pem)) <= 0) {
        BIO_free(bio);
        return crypto_fail(err, DVK_EIO, "libcrypto could not write the private key");
    }
    rc = write_new(path, pem, (size_t)pem_len, 0600, err);
    OPENSSL_cleanse(pem, (size_t)pem_len);   /* the key's bytes leave no copy in freed memory */
    BIO_free(bio);
    if (rc != DVK_OK)
        return rc;
    char line[DVK_SIGN_PUBLIC_TEXT_SIZE + 1];
    dvk_sign_public_text(&pub, line);
    strcat(line, "\n");
    /* the public key is meant to be read by others: 0644 less the umask (read and set back at
     * once: dvk writes files from one thread) */
    mode_t mask = umask(0);
    umask(mask);
    if ((rc = write_new(pub_path, line, strlen(line), 0644 & ~mask, err)) != DVK_OK)
        unlink(path);
    return rc;
}

/* ------------------------------------------------------------------ signatures */

int dvk_sign(const dvk_sign_key *k, const void *msg, size_t n,
             char out[DVK_SIGN_SIGNATURE_TEXT_SIZE], dvk_error *err)
{
    unsigned char sig[64];
    size_t len = sizeof sig;
    out[0] = '\0';
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
             EVP_DigestSign(ctx, sig, &len, msg, n) == 1 && len == sizeof sig;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return crypto_fail(err, DVK_EIO, "libcrypto could not sign");
    b64_encode(sig, sizeof sig, out);
    return DVK_OK;
}

int dvk_sign_verify(const dvk_sign_public *p, const void *msg, size_t n, const char *sig_text)
{
    unsigned char sig[64];
    if (!sig_text || b64_decode(sig_text, strlen(sig_text), sig, sizeof sig) != 0)
        return 0;
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, p->raw, sizeof p->raw);
    EVP_MD_CTX *ctx = pkey ? EVP_MD_CTX_new() : NULL;
    int rc = -1;
    if (ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1)
        rc = EVP_DigestVerify(ctx, sig, sizeof sig, msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return rc;
}
