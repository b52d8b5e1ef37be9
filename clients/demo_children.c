/* Starting, releasing and collecting the demo's processes; see demo.h. */
#include "demo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"

static void report_error(const char *what, const char *program, DWORD error)
{
    char why[300];
    fprintf(stderr, "counter_demo: cannot %s %s: %s\n", what, program,
            sc__win32_message(error, why, sizeof why));
}

/* Ends the first count processes: they are still suspended, or have just
 * been released, and nothing they did is reported. */
static void stop_all(struct sc_demo_process *processes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        TerminateProcess(processes[i].child.process, 1);
        WaitForSingleObject(processes[i].child.process, INFINITE);
        sc__child_close(&processes[i].child);
    }
}

int sc__demo_start(const struct sc_demo_plan *plan,
                   struct sc_demo_process *processes, size_t count)
{
    char dir[MAX_PATH], path[MAX_PATH + 64], args[80];

    if (sc__program_dir(dir, sizeof dir) != 0) {
        fputs("counter_demo: cannot find the folder of this program\n", stderr);
        return -1;
    }
    snprintf(args, sizeof args, "--times %" PRId64 " --delta %" PRId64,
             plan->times, plan->delta);
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s%s", dir, processes[i].program);
        DWORD error =
            sc__child_start(&processes[i].child, path, args,
                            SC_CHILD_SUSPENDED | SC_CHILD_PIPE_OUTPUT);
        if (error != 0) {
            report_error("start", path, error);
            stop_all(processes, i);
            return -1;
        }
        processes[i].pid = processes[i].child.pid;
    }
    for (size_t i = 0; i < count; i++) {
        DWORD error = sc__child_resume(&processes[i].child);
        if (error != 0) {
            report_error("resume", processes[i].program, error);
            stop_all(processes, count);
            return -1;
        }
    }
    return 0;
}

void sc__demo_collect(struct sc_demo_process *processes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        struct sc_demo_process *p = &processes[i];
        struct sc_child_output output;
        DWORD error =
            sc__child_finish(&p->child, INFINITE, &p->exit_code, &output);
        if (error != 0) {
            report_error("collect the output of", p->program, error);
        } else {
            p->has_value =
                p->exit_code == 0 && sc__last_value(output.out, &p->last) == 0;
            fputs(output.err, stderr);
            sc__child_output_free(&output);
        }
        sc__child_close(&p->child);
    }
}
