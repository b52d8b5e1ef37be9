/*
 * The baseline: the counter is an ordinary global variable, so every process
 * has its own copy and two instances never see each other's changes. The
 * updates are plain ++ and assignments, as in a program that never thought
 * about sharing.
 */
#include <stdint.h>

#include "runner.h"

/* Unsigned, so that ++ and += wrap at the ends of the range the way the
 * shared counters do, instead of overflowing. */
static uint64_t counter = 0;

static int64_t get(void)
{
    return (int64_t)counter;
}

/* The plain, unsynchronised update the shared builds exist to replace:
 * counter++ for a step of one, the plainest update there is. */
static int64_t add(int64_t delta)
{
    if (delta == 1)
        counter++;
    else
        counter += (uint64_t)delta;
    return (int64_t)counter;
}

/* Returns the old value, as sc_exchange does. */
static int64_t exchange(int64_t value)
{
    int64_t old = (int64_t)counter;

    counter = (uint64_t)value;
    return old;
}

int main(int argc, char **argv)
{
    struct sc_client client = {
        .name = "private_counter",
        .counter = "a private global variable: every process has its own"};
    const struct sc_counter_calls calls = {get, add, exchange, NULL};

    return sc__client_main(&client, &calls, argc, argv);
}
