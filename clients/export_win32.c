/*
 * counter_export on Windows; see export.h. Ctrl-C, Ctrl-Break and the
 * console's closing reach a console control handler, on a thread of its
 * own. It sets an event, which the interval's sleep waits on, and sends a
 * datagram to a socket of the program's own, which every wait for clients
 * watches too: WSAPoll waits on sockets only.
 */
#include <winsock2.h>
#include <ws2tcpip.h>

#include "export.h"

#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "options.h"
#include "text_paths.h"

/* ---- stopping -------------------------------------------------------------
 */

static volatile LONG stop_asked;
static HANDLE stop_event;
/* Two UDP sockets on the loopback address, each connected to the other, so
 * that no datagram but the handler's reaches wake_in. */
static SOCKET wake_in = INVALID_SOCKET, wake_out = INVALID_SOCKET;

static BOOL WINAPI on_console_event(DWORD event)
{
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT &&
        event != CTRL_CLOSE_EVENT)
        return FALSE;
    InterlockedExchange(&stop_asked, 1);
    SetEvent(stop_event);
    send(wake_out, "s", 1, 0);
    /* Once this returns, the closing of the console ends the process: the
     * program ends it itself, as after Ctrl-C, in the time the system
     * gives. */
    if (event == CTRL_CLOSE_EVENT)
        Sleep(INFINITE);
    return TRUE;
}

static SOCKET loopback_socket(struct sockaddr_in *address)
{
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    int length = sizeof *address;

    *address = (struct sockaddr_in){.sin_family = AF_INET};
    address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s != INVALID_SOCKET &&
        (bind(s, (struct sockaddr *)address, length) != 0 ||
         getsockname(s, (struct sockaddr *)address, &length) != 0)) {
        closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

static int make_wake_sockets(void)
{
    struct sockaddr_in in, out;
    u_long nonblocking = 1;

    wake_in = loopback_socket(&in);
    wake_out = loopback_socket(&out);
    if (wake_in == INVALID_SOCKET || wake_out == INVALID_SOCKET ||
        connect(wake_in, (struct sockaddr *)&out, sizeof out) != 0 ||
        connect(wake_out, (struct sockaddr *)&in, sizeof in) != 0 ||
        ioctlsocket(wake_out, FIONBIO, &nonblocking) != 0)
        return -1;
    return 0;
}

int sc__export_catch_stop(void)
{
    WSADATA data;
    int failed = WSAStartup(MAKEWORD(2, 2), &data);

    if (failed != 0) {
        SetLastError((DWORD)failed);
        return -1;
    }
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (stop_event == NULL || make_wake_sockets() != 0 ||
        !SetConsoleCtrlHandler(on_console_event, TRUE))
        return -1;
    return 0;
}

int sc__export_stop_asked(void)
{
    return stop_asked != 0;
}

void sc__export_sleep(uint32_t ms)
{
    WaitForSingleObject(stop_event, ms);
}

/* ---- files ----------------------------------------------------------------
 */

/* Fills why with what failed and the system's words for it; returns -1. */
static int failure(char *why, size_t size, const char *what, const char *path)
{
    char text[300];

    snprintf(why, size, "cannot %s %s: %s", what, path,
             sc__win32_message(GetLastError(), text, sizeof text));
    return -1;
}

static int write_file(const wchar_t *path, const char *text, size_t length)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD written;

    if (file == INVALID_HANDLE_VALUE)
        return -1;
    while (length > 0) {
        DWORD chunk = length > 0x40000000 ? 0x40000000 : (DWORD)length;
        if (!WriteFile(file, text, chunk, &written, NULL)) {
            sc__close_handle(&file);
            return -1;
        }
        text += written;
        length -= written;
    }
    BOOL flushed = FlushFileBuffers(file);
    DWORD error = GetLastError();
    sc__close_handle(&file);
    SetLastError(error);
    return flushed ? 0 : -1;
}

/* A reader that opened the file without FILE_SHARE_DELETE, as most
 * programs open a file, keeps it from being replaced while it reads: the
 * rename is tried again for two seconds. */
static BOOL replace(const wchar_t *from, const wchar_t *to)
{
    for (int tries = 1;; tries++) {
        if (MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING))
            return TRUE;
        DWORD error = GetLastError();
        if ((error != ERROR_ACCESS_DENIED &&
             error != ERROR_SHARING_VIOLATION) ||
            tries == 40)
            return FALSE;
        sc__sleep_ms(50);
    }
}

int sc__export_replace_file(const char *path, const char *text, size_t length,
                            char *why, size_t size)
{
    size_t room = strlen(path) + 32;
    char *temporary = malloc(room);
    wchar_t *wide_path = sc__wide_path(path), *wide_temporary = NULL;
    int status = 0;

    if (temporary != NULL)
        snprintf(temporary, room, "%s.tmp-%lu", path,
                 (unsigned long)GetCurrentProcessId());
    if (temporary == NULL || wide_path == NULL ||
        (wide_temporary = sc__wide_path(temporary)) == NULL)
        status = failure(why, size, "name", path);
    else if (write_file(wide_temporary, text, length) != 0)
        status = failure(why, size, "write", temporary);
    else if (!replace(wide_temporary, wide_path))
        status = failure(why, size, "replace", path);
    if (status != 0 && wide_temporary != NULL)
        DeleteFileW(wide_temporary);
    free(temporary);
    free(wide_path);
    free(wide_temporary);
    return status;
}

int sc__export_write_stdout(const char *text, size_t length)
{
    if (sc__is_console(GetStdHandle(STD_OUTPUT_HANDLE)))
        return sc__write_text(stdout, text);
    /* Into a file or a pipe the lines end in "\n", as the format has them,
     * not in the "\r\n" of a text stream. */
    fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
    return fwrite(text, 1, length, stdout) != length || fflush(stdout) != 0 ? -1
                                                                            : 0;
}

/* ---- sockets --------------------------------------------------------------
 */

/* A socket listening on the address, without blocking; INVALID_SOCKET with
 * the error left for WSAGetLastError(). No SO_REUSEADDR: Windows binds a
 * port over the connections of an earlier run in TIME_WAIT without it, and
 * with it another socket could bind the port this one listens on.
 * IPV6_V6ONLY off: "::" takes IPv4 too. */
static SOCKET listen_on(const struct addrinfo *a)
{
    DWORD no = 0;
    u_long nonblocking = 1;
    SOCKET s = socket(a->ai_family, a->ai_socktype, a->ai_protocol);

    if (s == INVALID_SOCKET)
        return s;
    if ((a->ai_family == AF_INET6 &&
         setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&no,
                    sizeof no) != 0) ||
        bind(s, a->ai_addr, (int)a->ai_addrlen) != 0 ||
        listen(s, SOMAXCONN) != 0 ||
        ioctlsocket(s, FIONBIO, &nonblocking) != 0) {
        int error = WSAGetLastError();
        closesocket(s);
        WSASetLastError(error);
        return INVALID_SOCKET;
    }
    return s;
}

/* Where s listens, as "127.0.0.1:9101" or "[::1]:9101". */
static void bound_address(SOCKET s, char *where, size_t size)
{
    struct sockaddr_storage bound;
    int length = sizeof bound;
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getsockname(s, (struct sockaddr *)&bound, &length) != 0 ||
        getnameinfo((struct sockaddr *)&bound, (socklen_t)length, host,
                    sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
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
    SOCKET s = INVALID_SOCKET;
    int failed =
        getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &found);

    if (failed != 0) {
        sc__win32_message((DWORD)failed, why, why_size);
        return SC_LISTEN_FAILED;
    }
    /* IPv6 first: for every address, "::" takes IPv4 as well. */
    for (int pass = 0; pass < 2 && s == INVALID_SOCKET; pass++)
        for (const struct addrinfo *a = found; a != NULL && s == INVALID_SOCKET;
             a = a->ai_next)
            if ((a->ai_family == AF_INET6) == (pass == 0))
                s = listen_on(a);
    int error = WSAGetLastError();
    freeaddrinfo(found);
    if (s == INVALID_SOCKET) {
        sc__win32_message((DWORD)error, why, why_size);
        return error == WSAEADDRINUSE || error == WSAEACCES ? SC_LISTEN_IN_USE
                                                            : SC_LISTEN_FAILED;
    }
    bound_address(s, where, where_size);
    *listener = s;
    return SC_LISTEN_OK;
}

sc_socket sc__net_accept(sc_socket listener)
{
    SOCKET s = accept(listener, NULL, NULL);
    u_long nonblocking = 1;

    if (s == INVALID_SOCKET)
        return SC_NO_SOCKET;
    if (ioctlsocket(s, FIONBIO, &nonblocking) != 0) {
        closesocket(s);
        return SC_NO_SOCKET;
    }
    return s;
}

static long transferred(int count)
{
    if (count != SOCKET_ERROR)
        return count;
    int error = WSAGetLastError();
    return error == WSAEWOULDBLOCK || error == WSAEINTR ? SC_NET_LATER
                                                        : SC_NET_BROKEN;
}

long sc__net_receive(sc_socket s, char *buffer, size_t size)
{
    return transferred(
        recv(s, buffer, size > INT_MAX ? INT_MAX : (int)size, 0));
}

long sc__net_send(sc_socket s, const char *data, size_t size)
{
    return transferred(send(s, data, size > INT_MAX ? INT_MAX : (int)size, 0));
}

void sc__net_end_sending(sc_socket s)
{
    shutdown(s, SD_SEND);
}

void sc__net_close(sc_socket s)
{
    closesocket(s);
}

int sc__net_wait(struct sc_net_wait *waits, size_t count, int timeout_ms)
{
    WSAPOLLFD *polled = calloc(count + 1, sizeof *polled);

    if (polled == NULL) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        polled[i].fd = waits[i].socket;
        polled[i].events = waits[i].for_writing ? POLLOUT : POLLIN;
    }
    polled[count].fd = wake_in;
    polled[count].events = POLLIN;
    int ready = WSAPoll(polled, (ULONG)count + 1, timeout_ms);
    int error = WSAGetLastError();
    for (size_t i = 0; i < count; i++)
        waits[i].ready = ready > 0 && polled[i].revents != 0;
    free(polled);
    WSASetLastError(error);
    return ready == SOCKET_ERROR ? -1 : 0;
}
