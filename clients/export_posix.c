/*
 * counter_export on POSIX systems; see export.h. A stop signal's handler
 * writes a byte into a pipe that every wait also watches, so that a signal
 * that comes just before a wait still ends it.
 */
#define _GNU_SOURCE

#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

/* ---- stopping -------------------------------------------------------------
 */

static volatile sig_atomic_t stop_asked;
static int wake_pipe[2] = {-1, -1};

static void on_stop(int signal)
{
    int saved = errno;

    (void)signal;
    stop_asked = 1;
    /* A full pipe already holds a byte that wakes the wait. */
    ssize_t ignored = write(wake_pipe[1], "s", 1);
    (void)ignored;
    errno = saved;
}

int sc__export_catch_stop(void)
{
    struct sigaction action = {.sa_handler = on_stop};

    sigemptyset(&action.sa_mask);
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0 ||
        sigaction(SIGTERM, &action, NULL) != 0 ||
        sigaction(SIGINT, &action, NULL) != 0)
        return -1;
    return 0;
}

int sc__export_stop_asked(void)
{
    return stop_asked;
}

void sc__export_sleep(uint32_t ms)
{
    uint64_t end = sc__clock_us() + (uint64_t)ms * 1000;
    struct pollfd wake = {.fd = wake_pipe[0], .events = POLLIN};

    for (uint64_t now = sc__clock_us(); !stop_asked && now < end;
         now = sc__clock_us())
        poll(&wake, 1, (int)((end - now + 999) / 1000));
}

/* ---- files ----------------------------------------------------------------
 */

static int write_all(int fd, const char *text, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, text, length);
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0)
            return -1;
        text += written;
        length -= (size_t)written;
    }
    return 0;
}

/* The file is readable by all (before the umask): the collector of
 * node_exporter usually runs as a user of its own. */
int sc__export_replace_file(const char *path, const char *text, size_t length,
                            char *why, size_t size)
{
    char temporary[PATH_MAX + 32];

    if ((size_t)snprintf(temporary, sizeof temporary, "%s.tmp-%ld", path,
                         (long)getpid()) >= sizeof temporary) {
        snprintf(why, size, "%s: %s", path, strerror(ENAMETOOLONG));
        return -1;
    }
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(why, size, "cannot create %s: %s", temporary, strerror(errno));
        return -1;
    }
    if (write_all(fd, text, length) != 0 || fsync(fd) != 0) {
        snprintf(why, size, "cannot write %s: %s", temporary, strerror(errno));
        close(fd);
        unlink(temporary);
        return -1;
    }
    if (close(fd) != 0 || rename(temporary, path) != 0) {
        snprintf(why, size, "cannot replace %s: %s", path, strerror(errno));
        unlink(temporary);
        return -1;
    }
    return 0;
}

int sc__export_write_stdout(const char *text, size_t length)
{
    return fwrite(text, 1, length, stdout) != length || fflush(stdout) != 0 ? -1
                                                                            : 0;
}

/* ---- sockets --------------------------------------------------------------
 */

/* A socket listening on the address, without blocking; -1 with errno. */
static int listen_on(const struct addrinfo *a)
{
    int yes = 1, no = 0;
    int s = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   a->ai_protocol);

    if (s < 0)
        return -1;
    /* SO_REUSEADDR: a restarted exporter takes its port back at once, while
     * the connections of its last run linger in TIME_WAIT; a port that a
     * socket listens on stays refused. IPV6_V6ONLY off: "::" takes IPv4
     * too. */
    if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0 ||
        (a->ai_family == AF_INET6 &&
         setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no) != 0) ||
        bind(s, a->ai_addr, a->ai_addrlen) != 0 || listen(s, SOMAXCONN) != 0) {
        int saved = errno;
        close(s);
        errno = saved;
        return -1;
    }
    return s;
}

/* Where s listens, as "127.0.0.1:9101" or "[::1]:9101". */
static void bound_address(int s, char *where, size_t size)
{
    struct sockaddr_storage bound;
    socklen_t length = sizeof bound;
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getsockname(s, (struct sockaddr *)&bound, &length) != 0 ||
        getnameinfo((struct sockaddr *)&bound, length, host, sizeof host, port,
                    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(where, size, "?");
        return;
    }
    snprintf(where, size, bound.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
             host, port);
}

enum sc_listen_result sc__net_listen(const char *host, const char *port,
                                     sc_socket *listener, char *where,
                                     size_t where_size, char *why,
                                     size_t why_size)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *found;
    int failed =
        getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &found);

    if (failed != 0) {
        snprintf(why, why_size, "%s",
                 failed == EAI_SYSTEM ? strerror(errno) : gai_strerror(failed));
        return SC_LISTEN_FAILED;
    }
    /* IPv6 first: for every address, "::" takes IPv4 as well. */
    *listener = -1;
    for (int pass = 0; pass < 2 && *listener < 0; pass++)
        for (const struct addrinfo *a = found; a != NULL && *listener < 0;
             a = a->ai_next)
            if ((a->ai_family == AF_INET6) == (pass == 0))
                *listener = listen_on(a);
    int error = errno;
    freeaddrinfo(found);
    if (*listener < 0) {
        snprintf(why, why_size, "%s", strerror(error));
        return error == EADDRINUSE ? SC_LISTEN_IN_USE : SC_LISTEN_FAILED;
    }
    bound_address(*listener, where, where_size);
    return SC_LISTEN_OK;
}

sc_socket sc__net_accept(sc_socket listener)
{
    int s = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    return s >= 0 ? s : SC_NO_SOCKET;
}

static long transferred(ssize_t count)
{
    if (count >= 0)
        return (long)count;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
               ? SC_NET_LATER
               : SC_NET_BROKEN;
}

long sc__net_receive(sc_socket s, char *buffer, size_t size)
{
    return transferred(recv(s, buffer, size, 0));
}

long sc__net_send(sc_socket s, const char *data, size_t size)
{
    return transferred(send(s, data, size, MSG_NOSIGNAL));
}

void sc__net_end_sending(sc_socket s)
{
    shutdown(s, SHUT_WR);
}

void sc__net_close(sc_socket s)
{
    close(s);
}

int sc__net_wait(struct sc_net_wait *waits, size_t count, int timeout_ms)
{
    struct pollfd *polled = calloc(count + 1, sizeof *polled);

    if (polled == NULL)
        return -1;
    for (size_t i = 0; i < count; i++) {
        polled[i].fd = waits[i].socket;
        polled[i].events = waits[i].for_writing ? POLLOUT : POLLIN;
    }
    polled[count].fd = wake_pipe[0];
    polled[count].events = POLLIN;
    int ready = poll(polled, (nfds_t)count + 1, timeout_ms);
    int failed = ready < 0 && errno != EINTR;
    for (size_t i = 0; i < count; i++)
        waits[i].ready = ready > 0 && polled[i].revents != 0;
    free(polled);
    return failed ? -1 : 0;
}
