/* A libzmq peer for the ferrozmq interop tests.
 *
 * usage: peer TYPE OTHER_TYPE (bind|connect) ENDPOINT COUNT [ROUTING_ID]
 *
 * Same protocol as peers/python/peer.py: TYPE is this peer's socket type,
 * OTHER_TYPE ours; the role follows from the types; messages are the ones
 * described in interop-tests/src/payload.rs and every byte is checked.
 * Prints "endpoint <ep>" once bound (or "connected"), then
 * "done sent=<n> received=<m>" and exits 0; on any mismatch or timeout it
 * prints the reason to stderr and exits 1. It kills itself after 120 s.
 * ROUTING_ID, if given, is set as this socket's ZMQ_ROUTING_ID, except for a
 * ROUTER, which instead checks that every request comes from that routing id.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define PERIOD 251
#define LARGE 100000
#define WINDOW 64
#define TIMEOUT_MS 20000
#define MAX_FRAMES 8

static unsigned char pattern[PERIOD + LARGE + 1];
static void *sock;
static const char *other;
static int checked_type;

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
    int err = zmq_errno();
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, args);
    fprintf(stderr, " (errno: %s)\n", zmq_strerror(err));
    va_end(args);
    exit(1);
}

static unsigned frame_count(unsigned i, unsigned tag) { return 1 + (3 * i + tag) % 4; }

static size_t frame_size(unsigned i, unsigned tag, unsigned j)
{
    if (j == 0 && i % 1000 == 500)
        return LARGE + tag;
    if ((7 * i + 13 * j + 5 * tag) % 23 == 0)
        return 0;
    return (37 * i + 101 * j + 11 * tag) % 700;
}

static const unsigned char *frame_data(unsigned i, unsigned tag, unsigned j)
{
    return pattern + (31 * i + 7 * j + 3 * tag) % PERIOD;
}

/* A received message: up to MAX_FRAMES frames. */
typedef struct {
    zmq_msg_t parts[MAX_FRAMES];
    int n;
} message_t;

static void recv_message(message_t *m)
{
    int more = 1;
    m->n = 0;
    while (more) {
        if (m->n == MAX_FRAMES)
            fail("more than %d frames", MAX_FRAMES);
        zmq_msg_t *part = &m->parts[m->n];
        zmq_msg_init(part);
        if (zmq_msg_recv(part, sock, 0) < 0)
            fail("receive failed after %d frames", m->n);
        m->n++;
        more = zmq_msg_more(part);
    }
    if (!checked_type) {
        checked_type = 1;
        const char *t = zmq_msg_gets(&m->parts[0], "Socket-Type");
        if (!t || strcmp(t, other) != 0) {
            fprintf(stderr, "FAIL: peer Socket-Type %s, expected %s\n", t ? t : "(none)", other);
            exit(1);
        }
    }
}

static void close_message(message_t *m)
{
    for (int k = 0; k < m->n; k++)
        zmq_msg_close(&m->parts[k]);
}

/* Checks frames first..n of m against message (i, tag). */
static void expect(unsigned i, unsigned tag, message_t *m, int first)
{
    unsigned count = frame_count(i, tag);
    if ((unsigned)(m->n - first) != count)
        fail("message %u: %d frames, expected %u", i, m->n - first, count);
    for (unsigned j = 0; j < count; j++) {
        zmq_msg_t *part = &m->parts[first + j];
        size_t size = frame_size(i, tag, j);
        if (zmq_msg_size(part) != size)
            fail("message %u frame %u: %zu bytes, expected %zu", i, j, zmq_msg_size(part), size);
        if (size && memcmp(zmq_msg_data(part), frame_data(i, tag, j), size) != 0)
            fail("message %u frame %u: wrong bytes", i, j);
    }
}

static void send_frame(const void *data, size_t size, int more)
{
    if (zmq_send(sock, data, size, more ? ZMQ_SNDMORE : 0) < 0)
        fail("send failed (%zu bytes)", size);
}

/* Sends frames 0..env-1 of prefix, then message (i, tag). */
static void send_message(unsigned i, unsigned tag, message_t *prefix, int env)
{
    for (int k = 0; k < env; k++)
        send_frame(prefix ? zmq_msg_data(&prefix->parts[k]) : "", prefix ? zmq_msg_size(&prefix->parts[k]) : 0, 1);
    unsigned count = frame_count(i, tag);
    for (unsigned j = 0; j < count; j++)
        send_frame(frame_data(i, tag, j), frame_size(i, tag, j), j + 1 < count);
}

static int socket_type(const char *name)
{
    static const struct { const char *name; int type; } types[] = {
        {"PAIR", ZMQ_PAIR}, {"REQ", ZMQ_REQ}, {"REP", ZMQ_REP}, {"DEALER", ZMQ_DEALER},
        {"ROUTER", ZMQ_ROUTER}, {"PULL", ZMQ_PULL}, {"PUSH", ZMQ_PUSH},
    };
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
        if (strcmp(types[k].name, name) == 0)
            return types[k].type;
    fprintf(stderr, "FAIL: unknown socket type %s\n", name);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: peer TYPE OTHER_TYPE (bind|connect) ENDPOINT COUNT [ROUTING_ID]\n");
        return 2;
    }
    alarm(120);
    const char *kind = argv[1];
    other = argv[2];
    int bind = strcmp(argv[3], "bind") == 0;
    unsigned count = (unsigned)strtoul(argv[5], NULL, 10);
    for (size_t x = 0; x < sizeof pattern; x++)
        pattern[x] = (unsigned char)(x % PERIOD);

    void *ctx = zmq_ctx_new();
    sock = zmq_socket(ctx, socket_type(kind));
    int timeout = TIMEOUT_MS, linger = 5000;
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(sock, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    const char *routing_id = argc == 7 ? argv[6] : NULL;
    if (routing_id && strcmp(kind, "ROUTER") != 0)
        zmq_setsockopt(sock, ZMQ_ROUTING_ID, routing_id, strlen(routing_id));
    if (bind) {
        if (zmq_bind(sock, argv[4]) != 0)
            fail("bind to %s failed", argv[4]);
        char ep[256];
        size_t len = sizeof ep;
        zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, ep, &len);
        printf("endpoint %s\n", ep);
    } else {
        if (zmq_connect(sock, argv[4]) != 0)
            fail("connect to %s failed", argv[4]);
        printf("connected\n");
    }
    fflush(stdout);

    unsigned sent = 0, received = 0;
    message_t m;
    if (strcmp(kind, "PUSH") == 0) {
        for (; sent < count; sent++)
            send_message(sent, 0, NULL, 0);
    } else if (strcmp(kind, "PULL") == 0) {
        for (; received < count; received++) {
            recv_message(&m);
            expect(received, 0, &m, 0);
            close_message(&m);
        }
    } else if (strcmp(kind, "REQ") == 0) {
        for (unsigned i = 0; i < count; i++) {
            send_message(i, 0, NULL, 0);
            sent++;
            recv_message(&m);
            expect(i, 1, &m, 0);
            close_message(&m);
            received++;
        }
    } else if (strcmp(kind, "DEALER") == 0) {
        int env = strcmp(other, "REP") == 0;
        while (received < count) {
            for (; sent < count && sent < received + WINDOW; sent++)
                send_message(sent, 0, NULL, env);
            recv_message(&m);
            if (env && (m.n < 1 || zmq_msg_size(&m.parts[0]) != 0))
                fail("reply %u lacks the empty delimiter", received);
            expect(received, 1, &m, env);
            close_message(&m);
            received++;
        }
    } else if (strcmp(kind, "REP") == 0) {
        for (unsigned i = 0; i < count; i++) {
            recv_message(&m);
            expect(i, 0, &m, 0);
            close_message(&m);
            received++;
            send_message(i, 1, NULL, 0);
            sent++;
        }
    } else if (strcmp(kind, "ROUTER") == 0) {
        int env = strcmp(other, "REQ") == 0 ? 2 : 1;
        for (unsigned i = 0; i < count; i++) {
            recv_message(&m);
            if (m.n < env || (env == 2 && zmq_msg_size(&m.parts[1]) != 0))
                fail("request %u has a bad envelope (%d frames)", i, m.n);
            if (routing_id && (zmq_msg_size(&m.parts[0]) != strlen(routing_id)
                               || memcmp(zmq_msg_data(&m.parts[0]), routing_id, strlen(routing_id)) != 0))
                fail("request %u from the wrong routing id (%zu bytes)", i, zmq_msg_size(&m.parts[0]));
            expect(i, 0, &m, env);
            received++;
            send_message(i, 1, &m, env);
            close_message(&m);
            sent++;
        }
    } else if (strcmp(kind, "PAIR") == 0) {
        unsigned mine = bind ? 0 : 1;
        while (received < count) {
            for (; sent < count && sent < received + WINDOW; sent++)
                send_message(sent, mine, NULL, 0);
            recv_message(&m);
            expect(received, 1 - mine, &m, 0);
            close_message(&m);
            received++;
        }
    } else {
        fail("unknown role %s", kind);
    }
    printf("done sent=%u received=%u\n", sent, received);
    fflush(stdout);
    zmq_close(sock);
    zmq_ctx_term(ctx);
    return 0;
}
