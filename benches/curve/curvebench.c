/*
 * curvebench: CURVE-encrypted PUSH/PULL throughput and CURVE handshakes per
 * second, across two processes, against zmq.h only.
 *
 * The same binary runs on Debian's libzmq and, by LD_LIBRARY_PATH, on
 * ferrozmq's libzmq.so.5; benches/curve/run.sh drives both, interleaved.
 * Keys are libzmq's own test key pairs (tests/testutil_security.cpp).
 *
 *   curvebench pull <bind-endpoint> <size> <count>
 *       CURVE server. A PULL socket receives <count> messages of <size>
 *       bytes, timed from the first to the last (as libzmq's local_thr).
 *       Prints "msgs_per_sec=N".
 *   curvebench push <connect-endpoint> <size> <count>
 *       CURVE client. A PUSH socket sends <count> messages, then waits for
 *       the queue to drain (ZMQ_LINGER -1 and zmq_ctx_term).
 *   curvebench rep <bind-endpoint>
 *       CURVE server. A REP socket echoes until it receives "stop".
 *   curvebench hs <connect-endpoint> <count>
 *       CURVE client. <count> times: a new REQ socket connects, sends one
 *       message and waits for the echo (which needs a full handshake), and
 *       closes. Prints "handshakes_per_sec=N", then sends "stop".
 *
 * Environment: BENCH_TIMEOUT_MS (RCVTIMEO/SNDTIMEO, default 20000), so a
 * lost message is an error rather than a hang.
 *
 * Build: cc -O2 -Wall -Wextra -o curvebench curvebench.c -lzmq
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

static const char server_public[] = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
static const char server_secret[] = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
static const char client_public[] = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
static const char client_secret[] = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void fail(const char *what)
{
    fprintf(stderr, "curvebench: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

static void set_int(void *s, int option, int value)
{
    if (zmq_setsockopt(s, option, &value, sizeof value) != 0)
        fail("zmq_setsockopt (int)");
}

static void set_key(void *s, int option, const char *z85)
{
    if (zmq_setsockopt(s, option, z85, 40) != 0)
        fail("zmq_setsockopt (key)");
}

/* A socket with timeouts and the CURVE role and keys set. */
static void *curve_socket(void *ctx, int type, int as_server)
{
    void *s = zmq_socket(ctx, type);
    if (!s)
        fail("zmq_socket");
    const char *t = getenv("BENCH_TIMEOUT_MS");
    int timeout = t && *t ? atoi(t) : 20000;
    set_int(s, ZMQ_RCVTIMEO, timeout);
    set_int(s, ZMQ_SNDTIMEO, timeout);
    if (as_server) {
        set_int(s, ZMQ_CURVE_SERVER, 1);
        set_key(s, ZMQ_CURVE_SECRETKEY, server_secret);
    } else {
        set_key(s, ZMQ_CURVE_SERVERKEY, server_public);
        set_key(s, ZMQ_CURVE_PUBLICKEY, client_public);
        set_key(s, ZMQ_CURVE_SECRETKEY, client_secret);
    }
    return s;
}

static int pull(void *ctx, const char *endpoint, size_t size, uint64_t count)
{
    void *s = curve_socket(ctx, ZMQ_PULL, 1);
    if (zmq_bind(s, endpoint) != 0)
        fail("zmq_bind");
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    uint64_t start = 0;
    for (uint64_t i = 0; i < count; i++) {
        if (zmq_msg_recv(&msg, s, 0) < 0)
            fail("zmq_msg_recv (lost messages?)");
        if (zmq_msg_size(&msg) != size) {
            fprintf(stderr, "curvebench: message of %zu bytes, expected %zu\n",
                    zmq_msg_size(&msg), size);
            return 1;
        }
        if (i == 0)
            start = now_ns();
    }
    uint64_t elapsed = now_ns() - start;
    zmq_msg_close(&msg);
    printf("msgs_per_sec=%.0f\n",
           (double) (count - 1) * 1e9 / (double) (elapsed ? elapsed : 1));
    zmq_close(s);
    return 0;
}

static int push(void *ctx, const char *endpoint, size_t size, uint64_t count)
{
    void *s = curve_socket(ctx, ZMQ_PUSH, 0);
    set_int(s, ZMQ_LINGER, -1);
    if (zmq_connect(s, endpoint) != 0)
        fail("zmq_connect");
    char *payload = calloc(1, size ? size : 1);
    for (uint64_t i = 0; i < count; i++)
        if (zmq_send(s, payload, size, 0) < 0)
            fail("zmq_send");
    free(payload);
    zmq_close(s);
    return 0;
}

static int rep(void *ctx, const char *endpoint)
{
    void *s = curve_socket(ctx, ZMQ_REP, 1);
    set_int(s, ZMQ_RCVTIMEO, -1);
    if (zmq_bind(s, endpoint) != 0)
        fail("zmq_bind");
    char buf[16];
    for (;;) {
        int n = zmq_recv(s, buf, sizeof buf, 0);
        if (n < 0)
            fail("zmq_recv");
        if (zmq_send(s, buf, (size_t) n, 0) < 0)
            fail("zmq_send");
        if (n == 4 && memcmp(buf, "stop", 4) == 0)
            break;
    }
    zmq_close(s);
    return 0;
}

static void round_trip(void *ctx, const char *endpoint, const char *text)
{
    void *s = curve_socket(ctx, ZMQ_REQ, 0);
    set_int(s, ZMQ_LINGER, 0);
    if (zmq_connect(s, endpoint) != 0)
        fail("zmq_connect");
    char buf[16];
    if (zmq_send(s, text, strlen(text), 0) < 0)
        fail("zmq_send");
    if (zmq_recv(s, buf, sizeof buf, 0) < 0)
        fail("zmq_recv (handshake refused?)");
    zmq_close(s);
}

static int handshakes(void *ctx, const char *endpoint, uint64_t count)
{
    round_trip(ctx, endpoint, "warm");
    uint64_t start = now_ns();
    for (uint64_t i = 0; i < count; i++)
        round_trip(ctx, endpoint, "x");
    uint64_t elapsed = now_ns() - start;
    printf("handshakes_per_sec=%.0f\n",
           (double) count * 1e9 / (double) (elapsed ? elapsed : 1));
    round_trip(ctx, endpoint, "stop");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || !zmq_has("curve")) {
        fprintf(stderr,
                "usage: curvebench pull|push <endpoint> <size> <count>\n"
                "       curvebench rep <endpoint> | hs <endpoint> <count>\n"
                "(needs a library with CURVE)\n");
        return 2;
    }
    void *ctx = zmq_ctx_new();
    const char *mode = argv[1], *endpoint = argv[2];
    int rc;
    if (strcmp(mode, "pull") == 0 && argc == 5)
        rc = pull(ctx, endpoint, strtoull(argv[3], NULL, 10),
                  strtoull(argv[4], NULL, 10));
    else if (strcmp(mode, "push") == 0 && argc == 5)
        rc = push(ctx, endpoint, strtoull(argv[3], NULL, 10),
                  strtoull(argv[4], NULL, 10));
    else if (strcmp(mode, "rep") == 0)
        rc = rep(ctx, endpoint);
    else if (strcmp(mode, "hs") == 0 && argc == 4)
        rc = handshakes(ctx, endpoint, strtoull(argv[3], NULL, 10));
    else {
        fprintf(stderr, "curvebench: bad arguments\n");
        rc = 2;
    }
    zmq_ctx_term(ctx);
    return rc;
}
