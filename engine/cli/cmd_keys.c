/* cmd_keys.c: `dvk keys new [-o FILE]` (the office's Ed25519 key pair: FILE, private, mode
 * 0600, and FILE.pub, the public key line) and `dvk keys show FILE` (the public key and its
 * fingerprint, from either file). Needs no database. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvk/sign.h"

#define DEFAULT_KEY_FILE "dvk.key"

/* Print the public key line and its fingerprint. */
static int print_public(const dvk_sign_public *pub, dvk_error *err)
{
    char text[DVK_SIGN_PUBLIC_TEXT_SIZE], fp[DVK_SIGN_FINGERPRINT_SIZE];
    if (dvk_sign_fingerprint(pub, fp) != 0)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    dvk_sign_public_text(pub, text);
    printf("%s\nfingerprint %s\n", text, fp);
    return DVK_OK;
}

static int keys_new(const char *path, dvk_error *err)
{
    size_t n = strlen(path) + 5;
    char *pub_path = malloc(n);
    if (!pub_path)
        return dvk_error_set(err, DVK_ENOMEM, "out of memory");
    snprintf(pub_path, n, "%s.pub", path);
    dvk_sign_key *k = NULL;
    dvk_sign_public pub;
    int rc = dvk_sign_key_new(&k, err);
    if (rc == DVK_OK)
        rc = dvk_sign_key_public(k, &pub, err);
    if (rc == DVK_OK)
        rc = dvk_sign_key_save(k, path, pub_path, err);
    if (rc == DVK_OK) {
        printf("private key written to %s (mode 0600): whoever holds it signs as the office; keep\n"
               "it secret, off the shared computer, with a copy in a safe place\n"
               "public key written to %s: give it (or the line below) to whoever checks the\n"
               "office's decisions (dvk verify --key)\n", path, pub_path);
        rc = print_public(&pub, err);
    }
    dvk_sign_key_free(k);
    free(pub_path);
    return rc;
}

int cmd_keys(dvk_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    const dvk_command *self = cli_find_command("keys");
    const char *output = NULL;
    int c;
    (void)cli;
    while ((c = cli_getopt(self, argc, argv, "o:", opts)) != -1) {
        if (c != 'o')
            return c == 'h' ? 0 : 2;
        output = cli_optarg;
    }
    char **pos = argv + cli_optind;
    int npos = argc - cli_optind;
    const char *sub = npos > 0 ? pos[0] : NULL;
    dvk_error err;
    dvk_error_clear(&err);
    int rc;
    if (sub && strcmp(sub, "new") == 0) {
        if (npos > 1)
            return cli_usage_error("keys", "unexpected argument '%s' (the file goes with -o)", pos[1]);
        if (output && (!*output || strcmp(output, "-") == 0))
            return cli_usage_error("keys", "-o takes a file name: the private key is never "
                                           "written to standard output");
        rc = keys_new(output ? output : DEFAULT_KEY_FILE, &err);
    } else if (sub && strcmp(sub, "show") == 0) {
        if (output)
            return cli_usage_error("keys", "-o goes with new");
        if (npos != 2)
            return cli_usage_error("keys", "show takes one key file");
        dvk_sign_public pub;
        rc = dvk_sign_public_load(pos[1], &pub, &err);
        if (rc == DVK_OK)
            rc = print_public(&pub, &err);
    } else {
        return sub ? cli_usage_error("keys", "unknown subcommand '%s' (new or show)", sub)
                   : cli_usage_error("keys", "keys needs a subcommand (new or show)");
    }
    return rc == DVK_OK ? 0 : cli_fail(&err);
}
