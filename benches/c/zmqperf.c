/*
 * zmqperf: PUSH/PULL throughput and REQ/REP latency against zmq.h.
 *
 * Written against libzmq's stable public API only, so the same binary runs
 * on libzmq and, by LD_LIBRARY_PATH, on any library that provides
 * libzmq.so.5 (ferrozmq's C ABI). It prints the same one-line report as the
 * Rust tools `thr` and `lat` in this package, which benches/compare.sh parses.
 *
 *   zmqperf thr <tcp|ipc|inproc> <size> <count>
 *       A PULL socket bound on its own thread receives <count> messages of
 *       <size> bytes that a PUSH socket on the main thread sends (each with
 *       zmq_send, i.e. a fresh copy of the payload). Timed from the first
 *       message received to the last, as libzmq's local_thr.
 *
 *   zmqperf lat <tcp|ipc|inproc> <size> <round-trips>
 *       A REP socket on its own thread echoes; a REQ socket on the main thread
 *       times each round trip (after a short untimed warm-up).
 *
 * Environment:
 *   ZMQPERF_IMPL      name printed as impl= (default "libzmq")
 *   BENCH_TIMEOUT_MS  RCVTIMEO/SNDTIMEO, so loss shows as an error, not a
 *                     hang (default 20000)
 *   BENCH_HWM         SNDHWM and RCVHWM for thr (default: the library's)
 *
 * Build: cc -O2 -Wall -Wextra -o zmqperf zmqperf.c -lzmq -lpthread
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

struct args {
    const char *mode;
    const char *transport;
    size_t size;
    uint64_t count;
};

static const char *impl_name(void)
{
    const char *name = getenv("ZMQPERF_IMPL");
    return name && *name ? name : "libzmq";
}

static int env_int(const char *name, int fallback)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return fallback;
    char *end;
    long n = strtol(v, &end, 10);
    return *end ? fallback : (int) n;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void fail(const struct args *a, const char *what)
{
    fprintf(stderr, "zmqperf %s %s size=%zu count=%llu: %s: %s\n", a->mode,
            a->transport, a->size, (unsigned long long) a->count, what,
            zmq_strerror(zmq_errno()));
    /* No zmq_ctx_term: it could wait forever on a broken peer. */
    exit(1);
}

static void set_int(const struct args *a, void *s, int option, int value,
                    const char *what)
{
    if (zmq_setsockopt(s, option, &value, sizeof value) != 0)
        fail(a, what);
}

static char ipc_path[256];

/* Binds `s` and writes the endpoint a peer connects to into `endpoint`. */
static void bind_any(const struct args *a, void *s, const char *tag,
                     char *endpoint, size_t len)
{
    char bind_to[300];
    if (strcmp(a->transport, "tcp") == 0) {
        snprintf(bind_to, sizeof bind_to, "tcp://127.0.0.1:*");
    } else if (strcmp(a->transport, "ipc") == 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(ipc_path, sizeof ipc_path, "%s/zmqperf-%ld-%s.sock",
                 tmp && *tmp ? tmp : "/tmp", (long) getpid(), tag);
        snprintf(bind_to, sizeof bind_to, "ipc://%s", ipc_path);
    } else {
        snprintf(bind_to, sizeof bind_to, "inproc://zmqperf-%s", tag);
    }
    if (zmq_bind(s, bind_to) != 0)
        fail(a, "zmq_bind");
    size_t n = len;
    if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, endpoint, &n) != 0)
        fail(a, "ZMQ_LAST_ENDPOINT");
}

static void print_prefix(const struct args *a)
{
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("impl=%s version=%d.%d.%d mode=%s transport=%s size=%zu count=%llu",
           impl_name(), major, minor, patch, a->mode, a->transport, a->size,
           (unsigned long long) a->count);
}

/* ---- throughput ---- */

struct receiver {
    const struct args *a;
    void *socket;
    uint64_t elapsed_ns;
};

static void *receive_all(void *arg)
{
    struct receiver *r = arg;
    const struct args *a = r->a;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    uint64_t start = 0;
    for (uint64_t i = 0; i < a->count; i++) {
        if (zmq_msg_recv(&msg, r->socket, 0) < 0) {
            char what[128];
            snprintf(what, sizeof what,
                     "LOST MESSAGES: received %llu of %llu",
                     (unsigned long long) i, (unsigned long long) a->count);
            fail(a, what);
        }
        if (zmq_msg_size(&msg) != a->size) {
            fprintf(stderr, "zmqperf thr: message %llu has %zu bytes, expected %zu\n",
                    (unsigned long long) i, zmq_msg_size(&msg), a->size);
            exit(1);
        }
        if (i == 0)
            start = now_ns();
    }
    r->elapsed_ns = now_ns() - start;
    zmq_msg_close(&msg);
    return NULL;
}

static void run_thr(const struct args *a, void *ctx)
{
    int timeout = env_int("BENCH_TIMEOUT_MS", 20000);
    int hwm = env_int("BENCH_HWM", -1);

    void *pull = zmq_socket(ctx, ZMQ_PULL);
    if (!pull)
        fail(a, "zmq_socket(PULL)");
    set_int(a, pull, ZMQ_RCVTIMEO, timeout, "ZMQ_RCVTIMEO");
    if (hwm >= 0) {
        set_int(a, pull, ZMQ_SNDHWM, hwm, "ZMQ_SNDHWM");
        set_int(a, pull, ZMQ_RCVHWM, hwm, "ZMQ_RCVHWM");
    }
    char endpoint[300];
    bind_any(a, pull, "thr", endpoint, sizeof endpoint);

    struct receiver r = {a, pull, 0};
    pthread_t thread;
    if (pthread_create(&thread, NULL, receive_all, &r) != 0) {
        fprintf(stderr, "zmqperf: pthread_create failed\n");
        exit(1);
    }

    void *push = zmq_socket(ctx, ZMQ_PUSH);
    if (!push)
        fail(a, "zmq_socket(PUSH)");
    set_int(a, push, ZMQ_SNDTIMEO, timeout, "ZMQ_SNDTIMEO");
    if (hwm >= 0) {
        set_int(a, push, ZMQ_SNDHWM, hwm, "ZMQ_SNDHWM");
        set_int(a, push, ZMQ_RCVHWM, hwm, "ZMQ_RCVHWM");
    }
    if (zmq_connect(push, endpoint) != 0)
        fail(a, "zmq_connect");

    char *payload = malloc(a->size ? a->size : 1);
    if (!payload) {
        fprintf(stderr, "zmqperf: out of memory\n");
        exit(1);
    }
    memset(payload, 'x', a->size);
    for (uint64_t i = 0; i < a->count; i++) {
        if (zmq_send(push, payload, a->size, 0) < 0)
            fail(a, "zmq_send");
    }
    /* Keep the sender open until everything arrived: time the transfer,
     * not the linger on close. */
    pthread_join(thread, NULL);
    free(payload);

    double secs = (double) r.elapsed_ns / 1e9;
    if (secs <= 0)
        secs = 1e-9;
    double msgs_per_sec = (double) a->count / secs;
    double mbit_per_sec = msgs_per_sec * (double) a->size * 8.0 / 1e6;
    print_prefix(a);
    printf(" elapsed_s=%.6f msgs_per_sec=%.0f mbit_per_sec=%.3f\n", secs,
           msgs_per_sec, mbit_per_sec);

    set_int(a, push, ZMQ_LINGER, 0, "ZMQ_LINGER");
    set_int(a, pull, ZMQ_LINGER, 0, "ZMQ_LINGER");
    zmq_close(push);
    zmq_close(pull);
}

/* ---- latency ---- */

struct echo {
    const struct args *a;
    void *socket;
    uint64_t total;
};

static void *echo_all(void *arg)
{
    struct echo *e = arg;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    for (uint64_t i = 0; i < e->total; i++) {
        if (zmq_msg_recv(&msg, e->socket, 0) < 0)
            fail(e->a, "REP zmq_msg_recv");
        if (zmq_msg_send(&msg, e->socket, 0) < 0)
            fail(e->a, "REP zmq_msg_send");
    }
    zmq_msg_close(&msg);
    return NULL;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *) x, b = *(const uint64_t *) y;
    return a < b ? -1 : a > b;
}

static double pick_us(const uint64_t *v, uint64_t n, double q)
{
    uint64_t i = (uint64_t) ((double) (n - 1) * q + 0.5);
    return (double) v[i] / 1e3;
}

static void run_lat(const struct args *a, void *ctx)
{
    int timeout = env_int("BENCH_TIMEOUT_MS", 20000);
    uint64_t warmup = a->count / 10;
    if (warmup < 1)
        warmup = 1;
    if (warmup > 100)
        warmup = 100;
    uint64_t total = a->count + warmup;

    void *rep = zmq_socket(ctx, ZMQ_REP);
    if (!rep)
        fail(a, "zmq_socket(REP)");
    set_int(a, rep, ZMQ_RCVTIMEO, timeout, "ZMQ_RCVTIMEO");
    char endpoint[300];
    bind_any(a, rep, "lat", endpoint, sizeof endpoint);

    struct echo e = {a, rep, total};
    pthread_t thread;
    if (pthread_create(&thread, NULL, echo_all, &e) != 0) {
        fprintf(stderr, "zmqperf: pthread_create failed\n");
        exit(1);
    }

    void *req = zmq_socket(ctx, ZMQ_REQ);
    if (!req)
        fail(a, "zmq_socket(REQ)");
    set_int(a, req, ZMQ_RCVTIMEO, timeout, "ZMQ_RCVTIMEO");
    set_int(a, req, ZMQ_SNDTIMEO, timeout, "ZMQ_SNDTIMEO");
    if (zmq_connect(req, endpoint) != 0)
        fail(a, "zmq_connect");

    char *payload = malloc(a->size ? a->size : 1);
    uint64_t *samples = malloc(a->count * sizeof *samples);
    if (!payload || !samples) {
        fprintf(stderr, "zmqperf: out of memory\n");
        exit(1);
    }
    memset(payload, 'x', a->size);
    zmq_msg_t reply;
    zmq_msg_init(&reply);
    for (uint64_t i = 0; i < total; i++) {
        uint64_t start = now_ns();
        if (zmq_send(req, payload, a->size, 0) < 0)
            fail(a, "REQ zmq_send");
        if (zmq_msg_recv(&reply, req, 0) < 0) {
            char what[128];
            snprintf(what, sizeof what, "LOST REPLY: round trip %llu of %llu",
                     (unsigned long long) i, (unsigned long long) total);
            fail(a, what);
        }
        uint64_t took = now_ns() - start;
        if (zmq_msg_size(&reply) != a->size) {
            fprintf(stderr, "zmqperf lat: reply %llu has %zu bytes, expected %zu\n",
                    (unsigned long long) i, zmq_msg_size(&reply), a->size);
            exit(1);
        }
        if (i >= warmup)
            samples[i - warmup] = took;
    }
    zmq_msg_close(&reply);
    pthread_join(thread, NULL);

    uint64_t n = a->count;
    qsort(samples, n, sizeof *samples, cmp_u64);
    double sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += (double) samples[i];
    double median = n % 2 ? (double) samples[n / 2] / 1e3
                          : ((double) samples[n / 2 - 1] + (double) samples[n / 2]) / 2e3;
    print_prefix(a);
    printf(" median_us=%.3f mean_us=%.3f p99_us=%.3f min_us=%.3f max_us=%.3f\n",
           median, sum / (double) n / 1e3, pick_us(samples, n, 0.99),
           pick_us(samples, n, 0.0), pick_us(samples, n, 1.0));

    free(samples);
    free(payload);
    set_int(a, req, ZMQ_LINGER, 0, "ZMQ_LINGER");
    set_int(a, rep, ZMQ_LINGER, 0, "ZMQ_LINGER");
    zmq_close(req);
    zmq_close(rep);
}

int main(int argc, char **argv)
{
    struct args a;
    char *end1 = NULL, *end2 = NULL;
    if (argc == 5) {
        a.mode = argv[1];
        a.transport = argv[2];
        a.size = (size_t) strtoull(argv[3], &end1, 10);
        a.count = (uint64_t) strtoull(argv[4], &end2, 10);
    }
    if (argc != 5 || *end1 || *end2 || a.count == 0
        || (strcmp(a.mode, "thr") != 0 && strcmp(a.mode, "lat") != 0)
        || (strcmp(a.transport, "tcp") != 0 && strcmp(a.transport, "ipc") != 0
            && strcmp(a.transport, "inproc") != 0)) {
        fprintf(stderr,
                "usage: zmqperf <thr|lat> <tcp|ipc|inproc> <message-size-bytes> <count>\n"
                "env: ZMQPERF_IMPL (name to report), BENCH_TIMEOUT_MS, BENCH_HWM\n");
        return 2;
    }

    void *ctx = zmq_ctx_new();
    if (!ctx)
        fail(&a, "zmq_ctx_new");
    if (strcmp(a.mode, "thr") == 0)
        run_thr(&a, ctx);
    else
        run_lat(&a, ctx);
    fflush(stdout);
    zmq_ctx_term(ctx);
    if (ipc_path[0])
        unlink(ipc_path);
    return 0;
}
