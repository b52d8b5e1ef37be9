/*
 * The baseline: the counter is an ordinary global variable, so every process
 * has its own copy and two instances never see each other's changes.
 */
#include <stdint.h>

#include "client.h"

static int64_t counter = 0;

/* Wraps like the shared counters do: the sum is formed unsigned. */
static int64_t add(int64_t delta)
{
    counter = (int64_t)((uint64_t)counter + (uint64_t)delta);
    return counter;
}

static int64_t get(void)
{
    return counter;
}

static int connect_private(struct sc_counter_ops *ops)
{
    ops->add = add;
    ops->get = get;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct sc_client client = {
        "private_counter",
        "a private global variable: every process has its own", 0,
        connect_private};
    return sc__client_main(&client, argc, argv);
}
