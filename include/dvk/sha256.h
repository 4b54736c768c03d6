/* sha256.h: SHA-256 (FIPS 180-4) for script fingerprints, run digests and the audit hash
 * chain, through libcrypto (OpenSSL's EVP interface). */
#ifndef DVK_SHA256_H
#define DVK_SHA256_H

#include <stddef.h>

typedef struct dvk_sha256 {
    void *ctx;          /* EVP_MD_CTX; NULL when it could not be created (out of memory) */
    int failed;         /* a step failed: final gives an empty digest */
} dvk_sha256;

/* Start a digest. Every step tolerates an earlier failure; final_hex reports it. */
void dvk_sha256_init(dvk_sha256 *c);
void dvk_sha256_update(dvk_sha256 *c, const void *data, size_t n);
/* Write the digest as 64 lowercase hex digits and a NUL into hex, and free c's state.
 * Returns 0, or -1 when libcrypto failed (out of memory): hex is then "". */
int dvk_sha256_final_hex(dvk_sha256 *c, char hex[65]);
/* One-shot helper; same return. */
int dvk_sha256_hex(const void *data, size_t n, char hex[65]);
/* The short fingerprints people read and compare (a decision's, a signing key's): the first
 * 16 hex digits of SHA-256 over data[0..n), grouped by four with '-' ("ab12-cd34-ef56-7890")
 * into out (20 bytes). Same return (out "" on failure). */
int dvk_sha256_short(const void *data, size_t n, char out[20]);

#endif
