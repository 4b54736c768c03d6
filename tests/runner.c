/* runner.c: runs one Check suite by name (ctest runs one entry per suite), or all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "suites.h"

int main(int argc, char **argv)
{
    SRunner *sr = NULL;
    for (int i = 0; dvk_suites[i].name; i++) {
        if (argc > 1 && strcmp(argv[1], dvk_suites[i].name) != 0)
            continue;
        if (!sr)
            sr = srunner_create(dvk_suites[i].make());
        else
            srunner_add_suite(sr, dvk_suites[i].make());
    }
    if (!sr) {
        fprintf(stderr, "check_runner: no suite named '%s'\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
