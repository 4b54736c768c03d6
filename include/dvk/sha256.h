/* sha256.h: SHA-256 (FIPS 180-4) for script fingerprints and the audit hash chain. */
#ifndef DVK_SHA256_H
#define DVK_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct dvk_sha256 {
    uint32_t h[8];
    uint64_t len;       /* bytes hashed so far */
    unsigned char buf[64];
    size_t used;
} dvk_sha256;

void dvk_sha256_init(dvk_sha256 *c);
void dvk_sha256_update(dvk_sha256 *c, const void *data, size_t n);
/* Write the digest as 64 lowercase hex digits and a NUL into hex. */
void dvk_sha256_final_hex(dvk_sha256 *c, char hex[65]);
/* One-shot helper. */
void dvk_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
