/*
 * counter_export --listen: an HTTP/1.1 server of one resource, /metrics.
 *
 * One thread serves up to MOST_CONNECTIONS connections at once and waits on
 * all of them together (sc__net_wait), so that no client, however slow,
 * holds up another. A client has TIMEOUT_MS from its connection to send
 * its request's head, and TIMEOUT_MS again to take the answer; then it is
 * dropped. Every answer ends its connection (Connection: close): after it,
 * the server says it will send no more and reads what the client still
 * sends until the client closes, so that unread bytes of a refused request
 * never reset the connection before the client has read the answer.
 */
#include "export.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "options.h"

enum {
    MOST_CONNECTIONS = 64,
    HEAD_MAX = 8192, /* a request's line and headers, at most */
    TIMEOUT_MS = 5000,
};

#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* ---- the address ----------------------------------------------------------
 */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 0 to 65535, in at most five digits. */
static int is_port(const char *text)
{
    size_t length = strlen(text);

    if (length == 0 || length > 5)
        return 0;
    for (size_t i = 0; i < length; i++)
        if (!is_digit(text[i]))
            return 0;
    return strtol(text, NULL, 10) <= 65535;
}

int sc__export_parse_address(const char *text,
                             struct sc_export_address *address)
{
    const char *colon = strrchr(text, ':');
    const char *port = colon != NULL ? colon + 1 : text, *host = text;
    size_t host_length = colon != NULL ? (size_t)(colon - text) : 0;

    address->given = text;
    if (!is_port(port))
        return -1;
    snprintf(address->port, sizeof address->port, "%ld",
             strtol(port, NULL, 10));
    if (colon == NULL) {
        snprintf(address->host, sizeof address->host, "127.0.0.1");
        return 0;
    }
    if (host_length > 0 && host[0] == '[') {
        if (host_length < 3 || host[host_length - 1] != ']')
            return -1;
        host++;
        host_length -= 2;
    } else if (memchr(host, ':', host_length) != NULL) {
        /* An IPv6 address goes in brackets, or its port would be read from
         * it. */
        return -1;
    }
    if (host_length >= sizeof address->host ||
        memchr(host, '[', host_length) != NULL ||
        memchr(host, ']', host_length) != NULL)
        return -1;
    memcpy(address->host, host, host_length);
    address->host[host_length] = '\0';
    return 0;
}

/* ---- the request ----------------------------------------------------------
 */

/* A character of a method or a header's name (RFC 9110's tchar). */
static int is_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static size_t token_length(const char *p)
{
    size_t length = 0;

    while (is_token_char(p[length]))
        length++;
    return length;
}

/* Moves *p past a line end, "\r\n" or a bare "\n"; 0 if none is there. */
static int skip_line_end(const char **p)
{
    if ((*p)[0] == '\n') {
        *p += 1;
        return 1;
    }
    if ((*p)[0] == '\r' && (*p)[1] == '\n') {
        *p += 2;
        return 1;
    }
    return 0;
}

/* The length of the head (through its empty line) in the bytes received,
 * or 0 when it has not all come; its end is not before from, where the
 * bytes that came last begin. */
static size_t head_length(const char *text, size_t from, size_t length)
{
    for (size_t i = from > 2 ? from - 2 : 0; i + 1 < length; i++) {
        if (text[i] != '\n')
            continue;
        if (text[i + 1] == '\n')
            return i + 2;
        if (text[i + 1] == '\r' && i + 2 < length && text[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* Header lines "name:value" up to the empty line: the name a token, the
 * value without control characters but tabs. */
static int headers_are_valid(const char *p)
{
    while (!skip_line_end(&p)) {
        size_t name = token_length(p);
        if (name == 0 || p[name] != ':')
            return 0;
        p += name + 1;
        while (*p == '\t' || ((unsigned char)*p >= 0x20 && *p != 0x7f))
            p++;
        if (!skip_line_end(&p))
            return 0;
    }
    return 1;
}

/* The status of the answer to a whole head (NUL-terminated, with no other
 * NUL): 400 unless it is an HTTP/1.x request, 405 for a method other than
 * GET and HEAD, 404 for a path other than /metrics (a query after it is
 * ignored), else 200. *head_only tells a HEAD request. */
static int answer_status(const char *head, int *head_only)
{
    size_t method = token_length(head);
    const char *target = head + method + 1, *p;
    size_t target_length = 0;

    if (method == 0 || head[method] != ' ')
        return 400;
    while (target[target_length] > ' ' && target[target_length] < 0x7f)
        target_length++;
    p = target + target_length;
    if (target_length == 0 || strncmp(p, " HTTP/1.", 8) != 0 || !is_digit(p[8]))
        return 400;
    p += 9;
    if (!skip_line_end(&p) || !headers_are_valid(p))
        return 400;
    *head_only = method == 4 && memcmp(head, "HEAD", 4) == 0;
    if (!*head_only && !(method == 3 && memcmp(head, "GET", 3) == 0))
        return 405;
    size_t path = strcspn(target, "? ");
    return path == 8 && memcmp(target, "/metrics", 8) == 0 ? 200 : 404;
}

/* ---- the connections ------------------------------------------------------
 */

enum stage { READING, SENDING, DRAINING };

struct connection {
    sc_socket socket; /* SC_NO_SOCKET: a free slot */
    enum stage stage;
    uint64_t deadline_us; /* on sc__clock_us(): dropped then */
    size_t received;
    char *answer;
    size_t length, sent;
    char head[HEAD_MAX + 1];
};

static void drop(struct connection *c)
{
    sc__net_close(c->socket);
    c->socket = SC_NO_SOCKET;
    free(c->answer);
    c->answer = NULL;
}

/* The answers besides the metrics: their status line's reason, and the
 * text of their body. */
static const struct refusal {
    int status;
    const char *reason, *text;
} refusals[] = {
    {400, "Bad Request", "Not an HTTP/1.x request, or a head over 8 KiB.\n"},
    {404, "Not Found", "Not found: the metrics are at /metrics.\n"},
    {405, "Method Not Allowed", "Only GET and HEAD are served.\n"},
    {500, "Internal Server Error", "Out of memory.\n"},
};

/* The refusal of status; 200 has none (NULL). */
static const struct refusal *refusal_of(int status)
{
    for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++)
        if (refusals[i].status == status)
            return &refusals[i];
    return NULL;
}

/* Makes the answer with the given status, the metrics as they are now for
 * 200, and starts sending it; a connection it has no memory for is
 * dropped. */
static void answer(struct connection *c, int status, int head_only,
                   sc_export_metrics *metrics)
{
    size_t body_length = 0;
    char *text = status == 200 ? metrics(&body_length) : NULL;
    char head[256];

    if (status == 200 && text == NULL)
        status = 500;
    const struct refusal *refusal = refusal_of(status);
    const char *body = refusal != NULL ? refusal->text : text;
    if (refusal != NULL)
        body_length = strlen(body);
    int length = snprintf(
        head, sizeof head,
        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
        "Content-Length: %" PRIu64 "\r\n%s"
        "Connection: close\r\n\r\n",
        status, refusal != NULL ? refusal->reason : "OK",
        refusal != NULL ? "text/plain; charset=utf-8" : METRICS_TYPE,
        (uint64_t)body_length, status == 405 ? "Allow: GET, HEAD\r\n" : "");
    if (head_only)
        body_length = 0;
    c->answer = malloc((size_t)length + body_length);
    if (c->answer == NULL) {
        free(text);
        drop(c);
        return;
    }
    memcpy(c->answer, head, (size_t)length);
    memcpy(c->answer + length, body, body_length);
    free(text);
    c->length = (size_t)length + body_length;
    c->sent = 0;
    c->stage = SENDING;
    c->deadline_us = sc__clock_us() + (uint64_t)TIMEOUT_MS * 1000;
}

/* Reads more of the head; answers once it is whole, or too long. A client
 * that leaves before its head is whole gets no answer. */
static void receive(struct connection *c, sc_export_metrics *metrics)
{
    long got = sc__net_receive(c->socket, c->head + c->received,
                               HEAD_MAX - c->received);
    int head_only = 0;

    if (got == SC_NET_LATER)
        return;
    if (got <= 0) {
        drop(c);
        return;
    }
    size_t length =
        head_length(c->head, c->received, c->received + (size_t)got);
    c->received += (size_t)got;
    if (length > 0 && memchr(c->head, '\0', length) == NULL) {
        c->head[length] = '\0';
        int status = answer_status(c->head, &head_only);
        answer(c, status, head_only, metrics);
    } else if (length > 0 || c->received == HEAD_MAX) {
        answer(c, 400, 0, metrics);
    }
}

static void send_more(struct connection *c)
{
    long sent =
        sc__net_send(c->socket, c->answer + c->sent, c->length - c->sent);

    if (sent == SC_NET_LATER)
        return;
    if (sent < 0) {
        drop(c);
        return;
    }
    c->sent += (size_t)sent;
    if (c->sent < c->length)
        return;
    free(c->answer);
    c->answer = NULL;
    sc__net_end_sending(c->socket);
    c->stage = DRAINING;
}

/* Reads and drops what the client sends after its answer, until it
 * closes. */
static void drain(struct connection *c)
{
    long got = sc__net_receive(c->socket, c->head, HEAD_MAX);

    if (got == 0 || got == SC_NET_BROKEN)
        drop(c);
}

static void step(struct connection *c, sc_export_metrics *metrics)
{
    switch (c->stage) {
    case READING:
        receive(c, metrics);
        break;
    case SENDING:
        send_more(c);
        break;
    case DRAINING:
        drain(c);
        break;
    }
}

/* Takes the connections waiting on the listener into the free slots. */
static void accept_all(sc_socket listener, struct connection *connections)
{
    for (size_t i = 0; i < MOST_CONNECTIONS; i++) {
        struct connection *c = &connections[i];
        if (c->socket != SC_NO_SOCKET)
            continue;
        c->socket = sc__net_accept(listener);
        if (c->socket == SC_NO_SOCKET)
            return;
        c->stage = READING;
        c->received = 0;
        c->deadline_us = sc__clock_us() + (uint64_t)TIMEOUT_MS * 1000;
    }
}

/* Milliseconds from now until deadline, rounded up so that a wait never
 * ends before it; -1 (no limit) for UINT64_MAX. */
static int ms_until(uint64_t deadline, uint64_t now)
{
    if (deadline == UINT64_MAX)
        return -1;
    if (deadline <= now)
        return 0;
    uint64_t ms = (deadline - now + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Serves until a stop is asked; returns the exit code. */
static int serve(const char *program, sc_socket listener,
                 struct connection *connections, sc_export_metrics *metrics)
{
    struct sc_net_wait waits[MOST_CONNECTIONS + 1];
    size_t slots[MOST_CONNECTIONS];

    while (!sc__export_stop_asked()) {
        size_t open = 0;
        uint64_t soonest = UINT64_MAX;
        for (size_t i = 0; i < MOST_CONNECTIONS; i++) {
            const struct connection *c = &connections[i];
            if (c->socket == SC_NO_SOCKET)
                continue;
            waits[open] = (struct sc_net_wait){
                .socket = c->socket, .for_writing = c->stage == SENDING};
            slots[open++] = i;
            if (c->deadline_us < soonest)
                soonest = c->deadline_us;
        }
        /* With every slot taken, new clients wait in the listener's
         * queue until one is free. */
        size_t count = open;
        if (open < MOST_CONNECTIONS)
            waits[count++] = (struct sc_net_wait){.socket = listener};
        if (sc__net_wait(waits, count, ms_until(soonest, sc__clock_us())) !=
            0) {
            char why[300];
            sc__error(program, "cannot wait for clients: %s",
                      sc__last_error_text(why, sizeof why));
            return SC_EXIT_FAILURE;
        }
        for (size_t w = 0; w < open; w++)
            if (waits[w].ready)
                step(&connections[slots[w]], metrics);
        uint64_t now = sc__clock_us();
        for (size_t i = 0; i < MOST_CONNECTIONS; i++)
            if (connections[i].socket != SC_NO_SOCKET &&
                connections[i].deadline_us <= now)
                drop(&connections[i]);
        if (count > open && waits[open].ready)
            accept_all(listener, connections);
    }
    return SC_EXIT_OK;
}

int sc__export_serve(const char *program,
                     const struct sc_export_address *address,
                     sc_export_metrics *metrics)
{
    struct connection *connections =
        calloc(MOST_CONNECTIONS, sizeof *connections);
    char where[300], why[300];
    sc_socket listener;

    if (connections == NULL) {
        sc__error(program, "out of memory");
        return SC_EXIT_FAILURE;
    }
    enum sc_listen_result listening =
        sc__net_listen(address->host, address->port, &listener, where,
                       sizeof where, why, sizeof why);
    if (listening != SC_LISTEN_OK) {
        sc__error(program,
                  listening == SC_LISTEN_IN_USE
                      ? "cannot listen on %s: the port is in use (%s)"
                      : "cannot listen on %s: %s",
                  address->given, why);
        free(connections);
        return SC_EXIT_FAILURE;
    }
    for (size_t i = 0; i < MOST_CONNECTIONS; i++)
        connections[i].socket = SC_NO_SOCKET;
    printf("serving http://%s/metrics\n", where);
    /* A server's stdout may lead nowhere; that stops nothing. */
    fflush(stdout);
    int status = serve(program, listener, connections, metrics);
    for (size_t i = 0; i < MOST_CONNECTIONS; i++)
        if (connections[i].socket != SC_NO_SOCKET)
            drop(&connections[i]);
    sc__net_close(listener);
    free(connections);
    return status;
}
