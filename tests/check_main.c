/* check_main.c — runs every Check suite in one runner, in fork mode (each test case isolated).
 * Suites register themselves by defining `Suite *suite_NAME(void)` in tests/<layer>/test_*.c;
 * the Makefile collects them into suites.inc. Exit status: 0 iff every test passed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#define SUITE(name) Suite *suite_##name(void);
#include "suites.inc"
#undef SUITE

int main(int argc, char **argv)
{
    SRunner *sr = srunner_create(NULL);
#define SUITE(name) \
    if (argc < 2 || strcmp(argv[1], #name) == 0) srunner_add_suite(sr, suite_##name());
#include "suites.inc"
#undef SUITE
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
