/* sign.h: the office's signing key and Ed25519 signatures (RFC 8032), through libcrypto
 * (OpenSSL 3's EVP_PKEY_ED25519). Owns the key files and the text forms below; knows nothing
 * of the store or of what is signed (decide/runs_sign.c builds the statement of a final
 * decision). Ed25519 is deterministic: the same key and message give the same signature.
 *
 * - The private key file is PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----", unencrypted, as
 *   `openssl genpkey -algorithm ed25519` writes it). dvk creates it with mode 0600, complete
 *   or not at all, and never over an existing file (or folder, or link).
 * - The public key's text form is one line, "dvk-ed25519 " and the 32 key bytes in base64
 *   (44 characters): what the office publishes, prints and gives to whoever checks its
 *   decisions. Its file is that line and a newline.
 * - A key's fingerprint is the first 16 hex digits of SHA-256 over its 32 bytes, grouped by
 *   four with '-' ("ab12-cd34-ef56-7890"): short enough to read out over the telephone.
 * - A signature's text form is its 64 bytes in base64 (88 characters). */
#ifndef DVK_SIGN_H
#define DVK_SIGN_H

#include <stddef.h>
#include "dvk/error.h"

#define DVK_SIGN_PREFIX "dvk-ed25519"
#define DVK_SIGN_PUBLIC_TEXT_SIZE 57        /* "dvk-ed25519 " + 44 base64 + NUL */
#define DVK_SIGN_SIGNATURE_TEXT_SIZE 89     /* 88 base64 + NUL */
#define DVK_SIGN_FINGERPRINT_SIZE 20        /* "ab12-cd34-ef56-7890" + NUL */

/* A private key (opaque: libcrypto's EVP_PKEY). */
typedef struct dvk_sign_key dvk_sign_key;

/* A public key: its 32 bytes. */
typedef struct dvk_sign_public {
    unsigned char raw[32];
} dvk_sign_public;

/* A new random key pair into *out (free with dvk_sign_key_free). DVK_ENOMEM / DVK_EIO when
 * libcrypto fails. */
int dvk_sign_key_new(dvk_sign_key **out, dvk_error *err);
/* Free k (NULL is accepted). */
void dvk_sign_key_free(dvk_sign_key *k);
/* k's public half. */
int dvk_sign_key_public(const dvk_sign_key *k, dvk_sign_public *out, dvk_error *err);

/* Write k's private key file at path (PEM), then its public key file at pub_path (the text
 * form and a newline), each created in its folder under a temporary name with mode 0600
 * (0644 less the umask for the public key), flushed, fsync'ed and linked to its name only
 * when complete, so that an existing file, folder or link of that name is never replaced
 * (DVK_EIO "PATH: exists already; dvk never replaces a key file"). Both names are checked
 * before anything is created; when the second cannot be written the first is removed. */
int dvk_sign_key_save(const dvk_sign_key *k, const char *path, const char *pub_path,
                      dvk_error *err);
/* Read a private key file. DVK_EIO when it cannot be read; DVK_EDATA "PATH: not a dvk
 * private key (...)" when it is not an unencrypted Ed25519 PKCS#8 PEM (a public key file
 * says so). */
int dvk_sign_key_load(const char *path, dvk_sign_key **out, dvk_error *err);

/* The public key's text form into out. */
void dvk_sign_public_text(const dvk_sign_public *p, char out[DVK_SIGN_PUBLIC_TEXT_SIZE]);
/* Parse a public key's text form (text[0..len): the line, optionally followed by one line
 * end). DVK_EDATA "NAME: not a dvk public key (...)" when it is anything else (name is used
 * in the message only). */
int dvk_sign_public_parse(const char *name, const char *text, size_t len, dvk_sign_public *out,
                          dvk_error *err);
/* Read a public key from a file: a public key file, or a private key file (its public
 * half). DVK_EIO when it cannot be read; DVK_EDATA when it is neither. */
int dvk_sign_public_load(const char *path, dvk_sign_public *out, dvk_error *err);
/* The key's fingerprint into out. Returns 0, or -1 when libcrypto failed (out is ""). */
int dvk_sign_fingerprint(const dvk_sign_public *p, char out[DVK_SIGN_FINGERPRINT_SIZE]);

/* Sign msg[0..n) with k; the signature's text form into out. */
int dvk_sign(const dvk_sign_key *k, const void *msg, size_t n,
             char out[DVK_SIGN_SIGNATURE_TEXT_SIZE], dvk_error *err);
/* Check a signature's text form over msg[0..n) against p: 1 when it holds, 0 when it does
 * not (a malformed signature text included), -1 when libcrypto failed (out of memory). */
int dvk_sign_verify(const dvk_sign_public *p, const void *msg, size_t n, const char *sig_text);

#endif
