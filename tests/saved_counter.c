/* Saving and restoring the shared counter around a test group. */
#include "saved_counter.h"

#include <stdint.h>

#include "sharedcounter.h"

static int64_t saved;

int sc__save_counter(void **state)
{
    saved = sc_get();
    *state = &saved;
    return 0;
}

int sc__restore_counter(void **state)
{
    sc_exchange(*(int64_t *)*state);
    return 0;
}
