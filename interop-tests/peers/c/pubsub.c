/* A scripted libzmq PUB, SUB, XPUB or XSUB for the ferrozmq pub-sub interop
 * tests (interop-tests/tests/interop/pubsub.rs).
 *
 * usage: pubsub-c TYPE (bind|connect) ENDPOINT
 *
 * Prints "endpoint <ep>" once bound (or "connected"), then runs commands
 * read from stdin, one a line. Frames are written in hex, "-" for an empty
 * frame. Same commands and output as peers/python/pubsub.py:
 *
 *   sub HEX        SUB: ZMQ_SUBSCRIBE; XSUB: sends the message 0x01 + topic
 *   unsub HEX      SUB: ZMQ_UNSUBSCRIBE; XSUB: sends 0x00 + topic
 *   send HEX...    sends one message, a frame per argument
 *   recv           receives one message; prints "msg HEX..."
 *   wait HEX       receives until a message whose first frame is HEX,
 *                  skipping control messages (first frame starting 0x7f);
 *                  any other message fails; prints "synced"
 *   collect HEX    prints "msg HEX..." for each message received until one
 *                  whose first frame is HEX, skipping other control
 *                  messages; prints "end"
 *   probe HEX      sends [HEX, "probe"] every 5 ms until a line comes on
 *                  stdin (which must be "stop"); prints "stopped"
 *   quit           closes the socket and the context; prints "bye", exits 0
 *
 * While waiting for a command it reads ZMQ_EVENTS every 10 ms, as an
 * application's event loop would: libzmq attaches a new connection only
 * when the socket's own thread looks at it, so an idle bound SUB would
 * never send its subscriptions to a publisher that connects.
 *
 * Every receive times out after 20 s; any failure prints the reason to
 * stderr and exits 1. The program kills itself after 120 s.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define TIMEOUT_MS 20000
#define MAX_FRAMES 16
#define MAX_FRAME 4096
#define MAX_LINE 65536

static void *sock;
static int type;

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

/* ---- stdin, line by line, with a timeout (no stdio buffering) ---- */

static char inbuf[MAX_LINE];
static size_t inlen;

/* Reads the next line into line (without the newline). Returns 1, or 0 if
 * none came within timeout_ms (-1 = forever). EOF on stdin exits. While
 * waiting, the socket processes its commands (see above). */
static int read_line(char *line, int timeout_ms)
{
    for (;;) {
        int events;
        size_t events_size = sizeof events;
        if (zmq_getsockopt(sock, ZMQ_EVENTS, &events, &events_size) < 0)
            fail("ZMQ_EVENTS");
        char *nl = memchr(inbuf, '\n', inlen);
        if (nl) {
            size_t n = (size_t)(nl - inbuf);
            memcpy(line, inbuf, n);
            line[n] = 0;
            inlen -= n + 1;
            memmove(inbuf, nl + 1, inlen);
            return 1;
        }
        if (inlen == sizeof inbuf)
            fail("stdin line too long");
        struct pollfd p = {.fd = 0, .events = POLLIN};
        int wait = timeout_ms < 0 || timeout_ms > 10 ? 10 : timeout_ms;
        int rc = poll(&p, 1, wait);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            fail("poll stdin: %s", strerror(errno));
        if (rc == 0 && timeout_ms >= 0 && (timeout_ms -= wait) <= 0)
            return 0;
        if (rc == 0)
            continue;
        ssize_t got = read(0, inbuf + inlen, sizeof inbuf - inlen);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            exit(got == 0 ? 0 : 1);
        inlen += (size_t)got;
    }
}

/* ---- hex frames ---- */

typedef struct {
    unsigned char data[MAX_FRAME];
    size_t size;
} frame_t;

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    fail("bad hex digit %c", c);
    return 0;
}

static void unhex(const char *hex, frame_t *f)
{
    f->size = 0;
    if (strcmp(hex, "-") == 0)
        return;
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > MAX_FRAME)
        fail("bad hex frame %s", hex);
    for (size_t i = 0; i < n / 2; i++)
        f->data[i] = (unsigned char)(hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
    f->size = n / 2;
}

static void print_hex(const unsigned char *data, size_t size)
{
    if (size == 0) {
        fputs("-", stdout);
        return;
    }
    for (size_t i = 0; i < size; i++)
        printf("%02x", data[i]);
}

/* ---- messages ---- */

typedef struct {
    frame_t frames[MAX_FRAMES];
    int n;
} message_t;

static void send_message(const message_t *m)
{
    for (int i = 0; i < m->n; i++)
        if (zmq_send(sock, m->frames[i].data, m->frames[i].size, i + 1 < m->n ? ZMQ_SNDMORE : 0) < 0)
            fail("send frame %d", i);
}

static void recv_message(message_t *m)
{
    int more = 1;
    m->n = 0;
    while (more) {
        if (m->n == MAX_FRAMES)
            fail("more than %d frames", MAX_FRAMES);
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, sock, 0) < 0)
            fail("receive failed after %d frames", m->n);
        size_t size = zmq_msg_size(&part);
        if (size > MAX_FRAME)
            fail("frame of %zu bytes", size);
        memcpy(m->frames[m->n].data, zmq_msg_data(&part), size);
        m->frames[m->n].size = size;
        m->n++;
        more = zmq_msg_more(&part);
        zmq_msg_close(&part);
    }
}

static void print_message(const message_t *m)
{
    fputs("msg", stdout);
    for (int i = 0; i < m->n; i++) {
        fputs(" ", stdout);
        print_hex(m->frames[i].data, m->frames[i].size);
    }
    fputs("\n", stdout);
    fflush(stdout);
}

static int first_is(const message_t *m, const frame_t *f)
{
    return m->n > 0 && m->frames[0].size == f->size && memcmp(m->frames[0].data, f->data, f->size) == 0;
}

static int is_control(const message_t *m)
{
    return m->n > 0 && m->frames[0].size > 0 && m->frames[0].data[0] == 0x7f;
}

/* ---- commands ---- */

static void subscription(int subscribe, const frame_t *topic)
{
    if (type == ZMQ_SUB) {
        int opt = subscribe ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE;
        if (zmq_setsockopt(sock, opt, topic->data, topic->size) < 0)
            fail("(un)subscribe");
    } else if (type == ZMQ_XSUB) {
        message_t m = {.n = 1};
        m.frames[0].data[0] = subscribe ? 1 : 0;
        if (topic->size + 1 > MAX_FRAME)
            fail("topic too long");
        memcpy(m.frames[0].data + 1, topic->data, topic->size);
        m.frames[0].size = topic->size + 1;
        send_message(&m);
    } else {
        fail("sub/unsub on a socket that is neither SUB nor XSUB");
    }
}

static int socket_type(const char *name)
{
    if (strcmp(name, "PUB") == 0)
        return ZMQ_PUB;
    if (strcmp(name, "SUB") == 0)
        return ZMQ_SUB;
    if (strcmp(name, "XPUB") == 0)
        return ZMQ_XPUB;
    if (strcmp(name, "XSUB") == 0)
        return ZMQ_XSUB;
    fail("unknown socket type %s", name);
    return -1;
}

int main(int argc, char **argv)
{
    static char line[MAX_LINE];
    static message_t m;
    static frame_t f;
    alarm(120);
    if (argc != 4)
        fail("usage: pubsub-c TYPE (bind|connect) ENDPOINT");
    type = socket_type(argv[1]);
    void *ctx = zmq_ctx_new();
    sock = zmq_socket(ctx, type);
    if (!sock)
        fail("zmq_socket");
    int timeout = TIMEOUT_MS, linger = 2000;
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(sock, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    if (strcmp(argv[2], "bind") == 0) {
        if (zmq_bind(sock, argv[3]) < 0)
            fail("bind %s", argv[3]);
        char ep[256];
        size_t len = sizeof ep;
        zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, ep, &len);
        printf("endpoint %s\n", ep);
    } else {
        if (zmq_connect(sock, argv[3]) < 0)
            fail("connect %s", argv[3]);
        printf("connected\n");
    }
    fflush(stdout);

    while (read_line(line, -1)) {
        char *cmd = strtok(line, " ");
        char *arg = strtok(NULL, " ");
        if (!cmd)
            continue;
        if (strcmp(cmd, "sub") == 0 || strcmp(cmd, "unsub") == 0) {
            if (!arg)
                fail("%s needs a topic", cmd);
            unhex(arg, &f);
            subscription(cmd[0] == 's', &f);
        } else if (strcmp(cmd, "send") == 0) {
            m.n = 0;
            for (; arg; arg = strtok(NULL, " ")) {
                if (m.n == MAX_FRAMES)
                    fail("too many frames");
                unhex(arg, &m.frames[m.n++]);
            }
            if (m.n == 0)
                fail("send needs a frame");
            send_message(&m);
        } else if (strcmp(cmd, "recv") == 0) {
            recv_message(&m);
            print_message(&m);
        } else if (strcmp(cmd, "wait") == 0 || strcmp(cmd, "collect") == 0) {
            if (!arg)
                fail("%s needs a topic", cmd);
            unhex(arg, &f);
            int collect = cmd[0] == 'c';
            for (;;) {
                recv_message(&m);
                if (first_is(&m, &f))
                    break;
                if (is_control(&m))
                    continue;
                if (!collect) {
                    fputs("FAIL: unexpected message while waiting: ", stderr);
                    print_message(&m);
                    exit(1);
                }
                print_message(&m);
            }
            printf(collect ? "end\n" : "synced\n");
            fflush(stdout);
        } else if (strcmp(cmd, "probe") == 0) {
            if (!arg)
                fail("probe needs a topic");
            m.n = 2;
            unhex(arg, &m.frames[0]);
            memcpy(m.frames[1].data, "probe", 5);
            m.frames[1].size = 5;
            do
                send_message(&m);
            while (!read_line(line, 5));
            if (strcmp(line, "stop") != 0)
                fail("expected stop, got %s", line);
            printf("stopped\n");
            fflush(stdout);
        } else if (strcmp(cmd, "quit") == 0) {
            zmq_close(sock);
            zmq_ctx_term(ctx);
            printf("bye\n");
            fflush(stdout);
            return 0;
        } else {
            fail("unknown command %s", cmd);
        }
    }
    return 0;
}
