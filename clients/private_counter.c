/*
 * The baseline: the counter is an ordinary global variable, so every process
 * has its own copy and two instances never see each other's changes.
 */
#include <stdint.h>

#include "client.h"
#include "wrapping.h"

static int64_t counter = 0;

/* Wraps like the shared counters do. */
static int64_t add(int64_t delta)
{
    counter = sc__wrapping_add(counter, delta);
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
