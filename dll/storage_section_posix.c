/* libsharedcounter.so keeps the counter and the process table in its own
 * SC_SHARED section, which shared_section_posix.c has mapped over with the
 * shared-memory object before the constructor here runs. */
#include <pthread.h>

#include "counter_storage.h"

SC_SHARED struct sc_shared_storage sc__section_storage = {0};

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
