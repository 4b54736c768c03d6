/* sha256.c: SHA-256 through libcrypto (sha256.h). */
#include "dvk/sha256.h"

#include <openssl/evp.h>

void dvk_sha256_init(dvk_sha256 *c)
{
    c->failed = 0;
    c->ctx = EVP_MD_CTX_new();
    if (!c->ctx || EVP_DigestInit_ex(c->ctx, EVP_sha256(), NULL) != 1)
        c->failed = 1;
}

void dvk_sha256_update(dvk_sha256 *c, const void *data, size_t n)
{
    if (!c->failed && n && EVP_DigestUpdate(c->ctx, data, n) != 1)
        c->failed = 1;
}

int dvk_sha256_final_hex(dvk_sha256 *c, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!c->failed && EVP_DigestFinal_ex(c->ctx, md, &len) != 1)
        c->failed = 1;
    EVP_MD_CTX_free(c->ctx);
    c->ctx = NULL;
    if (c->failed || len != 32) {
        hex[0] = '\0';
        return -1;
    }
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
    return 0;
}

int dvk_sha256_hex(const void *data, size_t n, char hex[65])
{
    dvk_sha256 c;
    dvk_sha256_init(&c);
    dvk_sha256_update(&c, data, n);
    return dvk_sha256_final_hex(&c, hex);
}

int dvk_sha256_short(const void *data, size_t n, char out[20])
{
    char h[65];
    out[0] = '\0';
    if (dvk_sha256_hex(data, n, h) != 0)
        return -1;
    for (int i = 0, o = 0; i < 16; i++) {
        if (i > 0 && i % 4 == 0)
            out[o++] = '-';
        out[o++] = h[i];
        out[o] = '\0';
    }
    return 0;
}
