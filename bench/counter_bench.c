/*
 * counter_bench: times sharedcounter against the physical limit and the
 * alternatives, in several processes at once. One program plays both parts:
 * the launcher the user starts, and the workers it starts from itself.
 */
#include "launcher.h"
#include "options.h"
#include "worker.h"

int main(int argc, char **argv)
{
    struct sc_bench_options options;

    switch (sc__bench_parse_options(argc, argv, &options)) {
    case SC_BENCH_HELP:
        return 0;
    case SC_BENCH_BAD:
        return 2;
    case SC_BENCH_RUN:
        break;
    }
    if (options.worker_of != 0)
        return sc__bench_worker_main(options.worker_of);
    return sc__bench_launcher_main(&options);
}
