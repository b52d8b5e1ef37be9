/* counter_wait on POSIX systems; see counter_wait.h. */
#include "counter_wait.h"

#include <errno.h>
#include <string.h>

#include "child_process.h"
#include "options.h"

uint64_t sc__wait_now_ms(void)
{
    return sc__now_ms();
}

void sc__wait_report_failure(const char *program)
{
    sc__error(program, "cannot wait for the counter: %s", strerror(errno));
}
