/* check_sign.c: the office's key and Ed25519 signatures (sign.h): RFC 8032's first test
 * vector through a PKCS#8 key file; sign and verify round trip; a changed message, a changed
 * or malformed signature and another key fail; the public key's text form (well formed or
 * not); key files: mode 0600 for the private key, never over an existing name, nothing left
 * behind when they cannot be written; what is not a private key is refused. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dvk/sign.h"
#include "testutil.h"

/* RFC 8032, section 7.1, TEST 1: the secret key as OpenSSL writes it (PKCS#8), the public
 * key, and the signature of the empty message; the key's fingerprint is the first 16 hex
 * digits of SHA-256 over the public key's 32 bytes. */
static const char RFC_KEY[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
                              "-----END PRIVATE KEY-----\n";
static const char RFC_PUBLIC[] = "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
static const char RFC_SIGNATURE[] = "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr"
                                    "0lv18FlbviRlUUFDjnoQCw==";
static const char RFC_FINGERPRINT[] = "21fe-31df-a154-a261";

/* A new key and its public half. */
static dvk_sign_key *new_key(dvk_sign_public *pub)
{
    dvk_sign_key *k = NULL;
    dvk_error err;
    dvk_error_clear(&err);
    ck_assert_int_eq(dvk_sign_key_new(&k, &err), DVK_OK);
    ck_assert_int_eq(dvk_sign_key_public(k, pub, &err), DVK_OK);
    return k;
}

START_TEST(rfc8032_vector)
{
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "rfc.key");
    tu_write(path, RFC_KEY, (size_t)-1);
    dvk_error err;
    dvk_error_clear(&err);
    dvk_sign_key *k = NULL;
    ck_assert_int_eq(dvk_sign_key_load(path, &k, &err), DVK_OK);
    dvk_sign_public pub, from_text, from_file;
    ck_assert_int_eq(dvk_sign_key_public(k, &pub, &err), DVK_OK);
    char text[DVK_SIGN_PUBLIC_TEXT_SIZE], fp[DVK_SIGN_FINGERPRINT_SIZE];
    dvk_sign_public_text(&pub, text);
    ck_assert_str_eq(text, RFC_PUBLIC);
    ck_assert_int_eq(dvk_sign_fingerprint(&pub, fp), 0);
    ck_assert_str_eq(fp, RFC_FINGERPRINT);
    char sig[DVK_SIGN_SIGNATURE_TEXT_SIZE];
    ck_assert_int_eq(dvk_sign(k, "", 0, sig, &err), DVK_OK);
    ck_assert_str_eq(sig, RFC_SIGNATURE);
    ck_assert_int_eq(dvk_sign_verify(&pub, "", 0, RFC_SIGNATURE), 1);
    /* the public key from its text and from either file is the same key */
    ck_assert_int_eq(dvk_sign_public_parse("t", RFC_PUBLIC, strlen(RFC_PUBLIC), &from_text, &err), DVK_OK);
    ck_assert_mem_eq(from_text.raw, pub.raw, 32);
    ck_assert_int_eq(dvk_sign_public_load(path, &from_file, &err), DVK_OK);
    ck_assert_mem_eq(from_file.raw, pub.raw, 32);
    dvk_sign_key_free(k);
    tu_rmdir(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(round_trip)
{
    dvk_sign_public pub;
    dvk_sign_key *k = new_key(&pub);
    dvk_error err;
    dvk_error_clear(&err);
    const char msg[] = "dvk signed decision 1\nrun 1\nprovince \"example\"\n";
    char sig[DVK_SIGN_SIGNATURE_TEXT_SIZE], again[DVK_SIGN_SIGNATURE_TEXT_SIZE];
    ck_assert_int_eq(dvk_sign(k, msg, sizeof msg - 1, sig, &err), DVK_OK);
    ck_assert_uint_eq(strlen(sig), 88);
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, sizeof msg - 1, sig), 1);
    /* Ed25519 is deterministic */
    ck_assert_int_eq(dvk_sign(k, msg, sizeof msg - 1, again, &err), DVK_OK);
    ck_assert_str_eq(sig, again);
    /* two keys are two keys */
    dvk_sign_public pub2;
    dvk_sign_key *k2 = new_key(&pub2);
    ck_assert_mem_ne(pub.raw, pub2.raw, 32);
    char fp[DVK_SIGN_FINGERPRINT_SIZE], fp2[DVK_SIGN_FINGERPRINT_SIZE];
    ck_assert_int_eq(dvk_sign_fingerprint(&pub, fp), 0);
    ck_assert_int_eq(dvk_sign_fingerprint(&pub2, fp2), 0);
    ck_assert_uint_eq(strlen(fp), 19);
    ck_assert(fp[4] == '-' && fp[9] == '-' && fp[14] == '-');
    ck_assert_str_ne(fp, fp2);
    dvk_sign_key_free(k);
    dvk_sign_key_free(k2);
    dvk_sign_key_free(NULL);
}
END_TEST

START_TEST(what_fails)
{
    dvk_sign_public pub, other;
    dvk_sign_key *k = new_key(&pub), *k2 = new_key(&other);
    dvk_error err;
    dvk_error_clear(&err);
    char msg[] = "digest 20dd9177a0307c67\naudit_count 3\n";
    size_t n = sizeof msg - 1;
    char sig[DVK_SIGN_SIGNATURE_TEXT_SIZE], sig2[DVK_SIGN_SIGNATURE_TEXT_SIZE];
    ck_assert_int_eq(dvk_sign(k, msg, n, sig, &err), DVK_OK);
    /* the message changed in one character, shortened, lengthened */
    msg[7] ^= 1;
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, sig), 0);
    msg[7] ^= 1;
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n - 1, sig), 0);
    ck_assert_int_eq(dvk_sign_verify(&pub, "digest 20dd9177a0307c67\naudit_count 3\n\n", n + 1, sig), 0);
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, sig), 1);
    /* another key: its own signature does not hold for ours, nor ours for it */
    ck_assert_int_eq(dvk_sign(k2, msg, n, sig2, &err), DVK_OK);
    ck_assert_int_eq(dvk_sign_verify(&other, msg, n, sig), 0);
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, sig2), 0);
    /* the signature changed: one character, cut short, not base64, padding moved, none */
    char bad[DVK_SIGN_SIGNATURE_TEXT_SIZE + 4];
    strcpy(bad, sig);
    bad[10] = bad[10] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, bad), 0);
    strcpy(bad, sig);
    bad[84] = '\0';
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, bad), 0);
    strcpy(bad, sig);
    bad[3] = '*';
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, bad), 0);
    strcpy(bad, sig);
    strcat(bad, "==");
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, bad), 0);
    /* the last character before the padding carries 4 unused bits: any of them set is not
     * the canonical text of the same bytes */
    strcpy(bad, sig);
    ck_assert(strchr("AQgw", bad[85]) != NULL);   /* the 4 unused bits are zero... */
    bad[85]++;                                    /* ...and now the lowest is one */
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, bad), 0);
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, ""), 0);
    ck_assert_int_eq(dvk_sign_verify(&pub, msg, n, NULL), 0);
    dvk_sign_key_free(k);
    dvk_sign_key_free(k2);
}
END_TEST

START_TEST(public_key_text)
{
    dvk_sign_public pub, back;
    dvk_sign_key *k = new_key(&pub);
    dvk_error err;
    dvk_error_clear(&err);
    char text[DVK_SIGN_PUBLIC_TEXT_SIZE], line[DVK_SIGN_PUBLIC_TEXT_SIZE + 4];
    dvk_sign_public_text(&pub, text);
    ck_assert_uint_eq(strlen(text), 56);
    ck_assert(strncmp(text, "dvk-ed25519 ", 12) == 0);
    ck_assert_int_eq(dvk_sign_public_parse("k", text, strlen(text), &back, &err), DVK_OK);
    ck_assert_mem_eq(back.raw, pub.raw, 32);
    /* one line end may follow */
    snprintf(line, sizeof line, "%s\n", text);
    ck_assert_int_eq(dvk_sign_public_parse("k", line, strlen(line), &back, &err), DVK_OK);
    snprintf(line, sizeof line, "%s\r\n", text);
    ck_assert_int_eq(dvk_sign_public_parse("k", line, strlen(line), &back, &err), DVK_OK);
    ck_assert_mem_eq(back.raw, pub.raw, 32);
    /* malformed: each refused naming the text */
    static const char *const bad[] = {
        "",
        "dvk-ed25519",
        "dvk-ed25519 ",
        "ssh-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
        "dvk-ed25519  11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
        "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",      /* no padding */
        "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUR==",     /* 31 bytes */
        "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=",     /* unused bits set */
        "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvP*piMlrwIaaPcHURo=",     /* not base64 */
        "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= x",   /* something after */
        "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n\n", /* two line ends */
        "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=11qY",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dvk_error_clear(&err);
        ck_assert_msg(dvk_sign_public_parse("office.pub", bad[i], strlen(bad[i]), &back, &err) == DVK_EDATA,
                      "accepted '%s'", bad[i]);
        ck_assert_msg(strstr(err.msg, "office.pub: not a dvk public key") != NULL, "%s", err.msg);
    }
    /* a NUL inside is not a character of the key */
    const char nul[] = "dvk-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPa\0iMlrwIaaPcHURo=";
    ck_assert_int_eq(dvk_sign_public_parse("k", nul, sizeof nul - 1, &back, &err), DVK_EDATA);
    dvk_sign_key_free(k);
}
END_TEST

START_TEST(key_files)
{
    char *dir = tu_tmpdir();
    char *priv = tu_path(dir, "office.key"), *pub_path = tu_path(dir, "office.key.pub");
    dvk_sign_public pub, back;
    dvk_sign_key *k = new_key(&pub), *loaded = NULL;
    dvk_error err;
    dvk_error_clear(&err);
    mode_t mask = umask(022);
    ck_assert_int_eq(dvk_sign_key_save(k, priv, pub_path, &err), DVK_OK);
    struct stat st;
    ck_assert_int_eq(stat(priv, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(stat(pub_path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(tu_entries(dir), 2);   /* no temporary file left */
    /* the public file is the text form and a newline */
    char text[DVK_SIGN_PUBLIC_TEXT_SIZE + 1];
    dvk_sign_public_text(&pub, text);
    strcat(text, "\n");
    char *got = tu_read(pub_path, NULL);
    ck_assert_str_eq(got, text);
    free(got);
    got = tu_read(priv, NULL);
    ck_assert(strncmp(got, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
    free(got);
    /* both files give the same public key; the private one signs as k does */
    ck_assert_int_eq(dvk_sign_public_load(pub_path, &back, &err), DVK_OK);
    ck_assert_mem_eq(back.raw, pub.raw, 32);
    ck_assert_int_eq(dvk_sign_public_load(priv, &back, &err), DVK_OK);
    ck_assert_mem_eq(back.raw, pub.raw, 32);
    ck_assert_int_eq(dvk_sign_key_load(priv, &loaded, &err), DVK_OK);
    char sig[DVK_SIGN_SIGNATURE_TEXT_SIZE];
    ck_assert_int_eq(dvk_sign(loaded, "x", 1, sig, &err), DVK_OK);
    ck_assert_int_eq(dvk_sign_verify(&pub, "x", 1, sig), 1);
    dvk_sign_key_free(loaded);
    loaded = NULL;
    /* never over an existing name: the key files themselves, a public name taken, a link */
    dvk_sign_public pub2;
    dvk_sign_key *k2 = new_key(&pub2);
    ck_assert_int_eq(dvk_sign_key_save(k2, priv, pub_path, &err), DVK_EIO);
    ck_assert_msg(strstr(err.msg, "exists already") != NULL, "%s", err.msg);
    char *priv2 = tu_path(dir, "second.key"), *link_path = tu_path(dir, "planted.key");
    ck_assert_int_eq(dvk_sign_key_save(k2, priv2, pub_path, &err), DVK_EIO);
    ck_assert_int_eq(access(priv2, F_OK), -1);   /* checked before anything was created */
    ck_assert_int_eq(symlink("nowhere", link_path), 0);
    ck_assert_int_eq(dvk_sign_key_save(k2, link_path, priv2, &err), DVK_EIO);
    char *nowhere = tu_path(dir, "nowhere");
    ck_assert_int_eq(access(nowhere, F_OK), -1);
    free(nowhere);
    ck_assert_int_eq(dvk_sign_key_save(k2, dir, priv2, &err), DVK_EIO);   /* a folder */
    ck_assert_int_eq(tu_entries(dir), 3);
    got = tu_read(pub_path, NULL);
    ck_assert_str_eq(got, text);   /* unchanged */
    free(got);
    /* a folder that does not exist: nothing created anywhere */
    char *missing = tu_path(dir, "no/such.key"), *missing_pub = tu_path(dir, "no/such.key.pub");
    ck_assert_int_eq(dvk_sign_key_save(k2, missing, missing_pub, &err), DVK_EIO);
    ck_assert_int_eq(tu_entries(dir), 3);
    /* the private key is written, the public one cannot be: the private one is removed */
    char *sub = tu_path(dir, "sub");
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    char *in_sub = tu_path(sub, "k.pub");
    ck_assert_int_eq(chmod(sub, 0555), 0);
    if (access(sub, W_OK) != 0) {   /* (root writes anywhere: then this case is moot) */
        ck_assert_int_eq(dvk_sign_key_save(k2, priv2, in_sub, &err), DVK_EIO);
        ck_assert_int_eq(access(priv2, F_OK), -1);
    }
    ck_assert_int_eq(chmod(sub, 0755), 0);
    umask(mask);
    dvk_sign_key_free(k);
    dvk_sign_key_free(k2);
    tu_rmdir(dir);
    free(priv), free(pub_path), free(priv2), free(link_path), free(missing), free(missing_pub);
    free(sub), free(in_sub), free(dir);
}
END_TEST

START_TEST(not_a_private_key)
{
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "k");
    dvk_sign_key *k = NULL;
    dvk_error err;
    dvk_error_clear(&err);
    /* the public key line */
    tu_write(path, RFC_PUBLIC, (size_t)-1);
    ck_assert_int_eq(dvk_sign_key_load(path, &k, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "this is the public key") != NULL, "%s", err.msg);
    ck_assert_ptr_null(k);
    /* text, an empty file, a PEM cut short, a large file, a missing file */
    tu_write(path, "hello\n", (size_t)-1);
    ck_assert_int_eq(dvk_sign_key_load(path, &k, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "not a dvk private key") != NULL, "%s", err.msg);
    tu_write(path, "", 0);
    ck_assert_int_eq(dvk_sign_key_load(path, &k, &err), DVK_EDATA);
    tu_write(path, RFC_KEY, 60);
    ck_assert_int_eq(dvk_sign_key_load(path, &k, &err), DVK_EDATA);
    char *big = malloc(20000);
    memset(big, 'A', 20000);
    tu_write(path, big, 20000);
    free(big);
    ck_assert_int_eq(dvk_sign_key_load(path, &k, &err), DVK_EDATA);
    ck_assert_msg(strstr(err.msg, "larger than") != NULL, "%s", err.msg);
    ck_assert_int_eq(dvk_sign_public_load(path, &(dvk_sign_public){{0}}, &err), DVK_EDATA);
    ck_assert_int_eq(dvk_sign_key_load("/nonexistent/dvk.key", &k, &err), DVK_EIO);
    ck_assert_msg(strstr(err.msg, "/nonexistent/dvk.key: cannot read") != NULL, "%s", err.msg);
    ck_assert_ptr_null(k);
    tu_rmdir(dir);
    free(path);
    free(dir);
}
END_TEST

Suite *sign_suite(void)
{
    Suite *su = suite_create("sign");
    TCase *tc = tcase_create("ed25519");
    tcase_add_test(tc, rfc8032_vector);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, what_fails);
    tcase_add_test(tc, public_key_text);
    tcase_add_test(tc, key_files);
    tcase_add_test(tc, not_a_private_key);
    suite_add_tcase(su, tc);
    return su;
}
