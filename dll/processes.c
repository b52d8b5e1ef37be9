/*
 * This process's entry in the table of processes that have the DLL loaded
 * (process_table.h), made when the DLL attaches and removed when it
 * detaches, and sc_processes(), which reads the table.
 */
#include <stddef.h>

#include "sharedcounter.h"

#include "counter_storage.h"

static struct sc_table_member self = {{0, 0}, -1};

static struct sc_process_table *table(void)
{
    return &sc__storage()->processes;
}

/* GetProcessTimes on the current process touches no other module and takes
 * no lock: safe under the loader lock. Should it fail all the same, the
 * process is counted in the overflow rather than refused the DLL. */
void sc__processes_attach(void)
{
    if (sc__process_self(&self.id) == 0)
        sc__table_join(table(), &self);
    else
        sc__fetch_add32(&table()->overflow, 1);
}

/* At process exit as on FreeLibrary: the storage is still mapped. */
void sc__processes_detach(void)
{
    sc__table_leave(table(), &self);
}

uint32_t sc_processes(uint32_t *pids, uint32_t capacity)
{
    return sc__table_list(table(), &self, pids, pids != NULL ? capacity : 0);
}
