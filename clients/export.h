/*
 * counter_export's parts beside its calls of the library (counter_export.c):
 * the HTTP server of --listen (export_http.c), and what each platform does
 * its own way (export_posix.c, export_win32.c): stopping on a signal or a
 * console event, replacing a file at once, and sockets.
 */
#ifndef SC_EXPORT_H
#define SC_EXPORT_H

#include <stddef.h>
#include <stdint.h>

/* ---- the HTTP server: export_http.c ---------------------------------------
 */

/* Makes the metrics' text as it is at that moment: a new string for free(),
 * its length in *length; NULL when memory runs out. */
typedef char *sc_export_metrics(size_t *length);

/* What --listen names. */
struct sc_export_address {
    const char *given; /* as the command line gave it */
    char host[256];    /* "" for every address of the machine */
    char port[6];
};

/* Reads "HOST:PORT", "[IPV6]:PORT", ":PORT" (every address) or "PORT"
 * (127.0.0.1); PORT is 0 to 65535, 0 for any free port. Returns 0, or -1
 * when text is none of them. */
int sc__export_parse_address(const char *text,
                             struct sc_export_address *address);

/* Serves GET /metrics on address until a stop is asked, after saying on
 * stdout where. Returns the exit code: 0 once stopped, 1 when it cannot
 * listen or wait. */
int sc__export_serve(const char *program,
                     const struct sc_export_address *address,
                     sc_export_metrics *metrics);

/* ---- the platform's part: export_posix.c, export_win32.c ------------------
 */

/* From now on, SIGTERM and SIGINT (POSIX), or Ctrl-C, Ctrl-Break and the
 * console's closing (Windows), ask the program to stop rather than end it.
 * Returns 0, or -1 (the system's error is left for sc__last_error_text). */
int sc__export_catch_stop(void);

/* Whether a stop has been asked. */
int sc__export_stop_asked(void);

/* Sleeps ms milliseconds, or less if a stop is asked meanwhile. */
void sc__export_sleep(uint32_t ms);

/* Replaces the file at path by one that holds text, so that a reader sees
 * the old file or the new one, whole, and nothing in between: writes it to
 * "<path>.tmp-<pid>" in the same folder, flushes it to the disk, then
 * renames it over path. Returns 0, or -1 with why filled in (the temporary
 * file is then removed). */
int sc__export_replace_file(const char *path, const char *text, size_t length,
                            char *why, size_t size);

/* Writes text to stdout as it is, "\n" line ends included (on a Windows
 * console, its characters). Returns 0, or -1 on a write error. */
int sc__export_write_stdout(const char *text, size_t length);

#if defined(_WIN32)
typedef uintptr_t sc_socket; /* a SOCKET */
#define SC_NO_SOCKET (~(sc_socket)0)
#else
typedef int sc_socket;
#define SC_NO_SOCKET (-1)
#endif

enum sc_listen_result { SC_LISTEN_OK, SC_LISTEN_IN_USE, SC_LISTEN_FAILED };

/* Listens on host (a name or a numeric address; "" for every address, IPv6
 * and IPv4 where the system has IPv6) and port, without blocking. where
 * receives the address as bound ("127.0.0.1:9101", "[::1]:9101"); why, on
 * failure, what went wrong. */
enum sc_listen_result sc__net_listen(const char *host, const char *port,
                                     sc_socket *listener, char *where,
                                     size_t where_size, char *why,
                                     size_t why_size);

/* A connection waiting on the listener, without blocking, or SC_NO_SOCKET
 * when there is none (or it went away before it was taken). */
sc_socket sc__net_accept(sc_socket listener);

/* What sc__net_receive() and sc__net_send() return besides a count of
 * bytes (and 0, the end of a peer's data). */
enum { SC_NET_LATER = -1, SC_NET_BROKEN = -2 };

/* Up to size bytes, without blocking: their count, 0 at the end of the
 * peer's data, SC_NET_LATER when none has come, or SC_NET_BROKEN. */
long sc__net_receive(sc_socket s, char *buffer, size_t size);

/* Sends what it can of size bytes, without blocking, and never raises
 * SIGPIPE: the count sent, SC_NET_LATER or SC_NET_BROKEN. */
long sc__net_send(sc_socket s, const char *data, size_t size);

/* Tells the peer that nothing more will be sent. */
void sc__net_end_sending(sc_socket s);

void sc__net_close(sc_socket s);

/* A socket to wait for: to read from (or accept on), or to write to. */
struct sc_net_wait {
    sc_socket socket;
    int for_writing;
    int ready; /* set by sc__net_wait(): ready, closed or in error */
};

/* Waits until one of the sockets is ready, timeout_ms (-1: no limit) have
 * passed or a stop is asked. Returns 0, or -1 when the wait failed (the
 * system's error is left for sc__last_error_text). */
int sc__net_wait(struct sc_net_wait *waits, size_t count, int timeout_ms);

#endif /* SC_EXPORT_H */
