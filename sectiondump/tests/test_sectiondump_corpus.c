/* Replays the fuzzer's regression corpus through the parser and printers,
 * built with AddressSanitizer and UndefinedBehaviorSanitizer: any input that
 * ever crashed, hung or read out of bounds is tried again on every run. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exercise.h"
#include "platform.h"

/* The corpus is checked in: an empty folder means a broken checkout. */
enum { MIN_CORPUS_FILES = 10 };

static void replay_file(const char *path, size_t *parsed, size_t *rejected)
{
    unsigned char *data;
    size_t size;
    char error[128];
    if (sd__read_file(path, &data, &size, error, sizeof error) != 0)
        fail_msg("%s: %s", path, error);
    /* Exactly size bytes, so that a read past the end is caught. */
    unsigned char *exact = malloc(size ? size : 1);
    assert_non_null(exact);
    memcpy(exact, data, size);
    free(data);
    if (sd__exercise(exact, size) == 0)
        ++*parsed;
    else
        ++*rejected;
    free(exact);
}

static void corpus_replays_cleanly(void **state)
{
    (void)state;
    DIR *dir = opendir(SD_CORPUS_DIR);
    if (dir == NULL)
        fail_msg("cannot open the corpus %s", SD_CORPUS_DIR);
    size_t parsed = 0, rejected = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", SD_CORPUS_DIR, entry->d_name);
        replay_file(path, &parsed, &rejected);
    }
    closedir(dir);
    print_message("corpus: %zu inputs parsed, %zu rejected\n", parsed,
                  rejected);
    assert_true(parsed + rejected >= MIN_CORPUS_FILES);
    /* The seeds are valid files; the rest were found by mutation. */
    assert_true(parsed > 0);
    assert_true(rejected > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corpus_replays_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
