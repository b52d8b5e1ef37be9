/* Programs started behind a gate, and waited for; see spawn_posix.h. */
#define _GNU_SOURCE

#include "spawn_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include "clock.h"

extern char **environ;

enum { MAX_ARGS = 16, EXIT_POLL_MS = 1 };

/* The gate's shell: it reads its stdin, the gate, to the end of file, and
 * then becomes the program itself, with stdin on /dev/null. */
static const char GATE_SCRIPT[] = "read gate; exec \"$0\" \"$@\" </dev/null";

/* argv for posix_spawn: the program and args, behind the gate's shell. */
static int make_argv(const char *argv[], const char *program,
                     const char *const args[], int gate)
{
    size_t n = 0;

    if (gate >= 0) {
        argv[n++] = "/bin/sh";
        argv[n++] = "-c";
        argv[n++] = GATE_SCRIPT;
    }
    argv[n++] = program;
    for (size_t i = 0; args[i] != NULL; i++) {
        if (n + 1 >= MAX_ARGS)
            return E2BIG;
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    return 0;
}

int sc__spawn(pid_t *pid, const char *program, const char *const args[],
              int gate, int out, int err)
{
    const char *argv[MAX_ARGS];
    posix_spawn_file_actions_t actions;
    int error = make_argv(argv, program, args, gate);

    if (error == 0)
        error = posix_spawn_file_actions_init(&actions);
    if (error != 0)
        return error;
    if (gate >= 0)
        error = posix_spawn_file_actions_adddup2(&actions, gate, 0);
    else
        error = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null",
                                                 O_RDONLY, 0);
    if (error == 0)
        error = posix_spawn_file_actions_adddup2(&actions, out, 1);
    if (error == 0)
        error = posix_spawn_file_actions_adddup2(&actions, err, 2);
    if (error == 0)
        error = posix_spawn(pid, argv[0], &actions, NULL, (char *const *)argv,
                            environ);
    posix_spawn_file_actions_destroy(&actions);
    return error;
}

int sc__wait_exit(pid_t pid, uint64_t deadline_ms, int *exit_code)
{
    int status;

    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR)
            return errno;
        if (sc__clock_ms() >= deadline_ms)
            return ETIMEDOUT;
        sc__sleep_ms(EXIT_POLL_MS);
    }
    *exit_code =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 0;
}
