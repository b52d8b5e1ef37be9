/* libsharedcounter.so keeps the counter and the process table in its own
 * SC_SHARED section, which shared_section_posix.c has mapped over with the
 * shared-memory object before the constructor here runs. */
#include <pthread.h>

#include "counter_storage.h"
#include "shared_section.h"

SC_SHARED static struct sc_shared_storage shared = {0};

/* The pointers stay in the private .data section. */
sc__atomic64 *sc__counter = &shared.counter;
struct sc_process_table *sc__process_table = &shared.processes;

/* A fork child is a process of its own in the table; the parent keeps its
 * slot. Runs after the section's own fork handler, registered first. */
__attribute__((constructor)) static void load(void)
{
    sc__processes_attach();
    pthread_atfork(NULL, NULL, sc__processes_attach);
}

__attribute__((destructor)) static void unload(void)
{
    sc__processes_detach();
}
