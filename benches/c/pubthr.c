/*
 * pubthr: PUB fan-out throughput against zmq.h, the C twin of the Rust tool
 * benches/src/bin/pubthr.rs (same method, same one-line report, which
 * benches/pubsub.sh parses).
 *
 *   pubthr <tcp|ipc|inproc> <subscribers> <size> <count>
 *
 * A PUB socket on the main thread binds; each subscriber is a SUB socket on
 * its own thread (subscribed to everything) that connects and counts
 * messages. Once every subscriber has seen a probe, the publisher sends
 * <count> messages of <size> bytes (each with zmq_send, i.e. a fresh copy)
 * as fast as it can, then end markers every 200 us until every subscriber
 * has seen one. A PUB never blocks: a subscriber that falls behind by more
 * than its high-water mark loses messages, so what is measured is what each
 * subscriber actually receives. Message kinds go by the first byte: 'p'
 * probe, 'x' data, 'e' end.
 *
 * Each subscriber's clock runs from its first data message to the end
 * marker. per_sub_msgs_per_sec is the mean over subscribers of messages
 * received / that subscriber's time; total_msgs_per_sec is all messages
 * received / (first data message anywhere .. last end marker);
 * delivered_pct is the share of count x subscribers that arrived.
 *
 * pub_msgs_per_sec is count / the time the publisher took to send them.
 *
 * Environment:
 *   ZMQPERF_IMPL      name printed as impl= (default "libzmq")
 *   BENCH_TIMEOUT_MS  SNDTIMEO, RCVTIMEO and the probe/end waits (20000)
 *   BENCH_HWM         SNDHWM and RCVHWM (default: the library's, 1000)
 *   PUBTHR_NODROP     1: the publisher is an XPUB with ZMQ_XPUB_NODROP, so
 *                     sends block while a subscriber's queue is full and
 *                     nothing is lost (the Rust tool does the same)
 *
 * Build: cc -O2 -Wall -Wextra -o pubthr pubthr.c -lzmq -lpthread
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

struct args {
    const char *transport;
    int subscribers;
    size_t size;
    uint64_t count;
};

struct sub {
    pthread_t thread;
    uint64_t received;
    uint64_t first_ns;
    uint64_t end_ns;
    const char *error;
};

static struct args args;
static void *ctx;
static char endpoint[256];
static char ipc_path[256];
static int timeout_ms;
static atomic_int ready;
static atomic_int done;
static atomic_int failed;

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

static void fail(const char *what)
{
    fprintf(stderr, "pubthr %s subscribers=%d size=%zu count=%llu: %s: %s\n", args.transport,
            args.subscribers, args.size, (unsigned long long) args.count, what,
            zmq_strerror(zmq_errno()));
    /* No zmq_ctx_term: it could wait forever on a broken peer. */
    exit(1);
}

static void set_hwm(void *s)
{
    int hwm = env_int("BENCH_HWM", -1);
    if (hwm < 0)
        return;
    if (zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0
        || zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0)
        fail("HWM");
}

static void *subscriber(void *arg)
{
    struct sub *me = arg;
    void *s = zmq_socket(ctx, ZMQ_SUB);
    if (!s) {
        me->error = "zmq_socket(SUB)";
        goto out;
    }
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    set_hwm(s);
    if (zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0) != 0 || zmq_connect(s, endpoint) != 0) {
        me->error = "subscribe/connect";
        goto out;
    }
    int probed = 0;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    for (;;) {
        if (zmq_msg_recv(&msg, s, 0) < 0) {
            me->error = "receive (timeout?)";
            break;
        }
        const unsigned char *data = zmq_msg_data(&msg);
        size_t size = zmq_msg_size(&msg);
        char kind = size ? (char) data[0] : 0;
        if (kind == 'x') {
            if (size != args.size) {
                me->error = "a data message of the wrong size";
                break;
            }
            if (me->received++ == 0)
                me->first_ns = now_ns();
        } else if (kind == 'p') {
            if (!probed) {
                probed = 1;
                atomic_fetch_add(&ready, 1);
            }
        } else if (kind == 'e') {
            me->end_ns = now_ns();
            if (me->received == 0)
                me->first_ns = me->end_ns;
            atomic_fetch_add(&done, 1);
            break;
        } else {
            me->error = "an unexpected message";
            break;
        }
    }
    zmq_msg_close(&msg);
out:
    if (me->error)
        atomic_fetch_add(&failed, 1);
    if (s) {
        int linger = 0;
        zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(s);
    }
    return NULL;
}

/* Sends a one-byte message every 200 us until counter reaches target. */
static void wait_for(void *pub, atomic_int *counter, char kind, const char *what)
{
    uint64_t deadline = now_ns() + (uint64_t) timeout_ms * 1000000u;
    struct timespec pause = {0, 200000};
    while (atomic_load(counter) < args.subscribers) {
        if (atomic_load(&failed))
            fail("a subscriber failed");
        if (now_ns() > deadline)
            fail(what);
        if (zmq_send(pub, &kind, 1, 0) != 1)
            fail("send a probe/end marker");
        nanosleep(&pause, NULL);
    }
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: pubthr <tcp|ipc|inproc> <subscribers> <size> <count>\n");
        return 2;
    }
    args.transport = argv[1];
    args.subscribers = atoi(argv[2]);
    args.size = (size_t) strtoull(argv[3], NULL, 10);
    args.count = strtoull(argv[4], NULL, 10);
    if (args.subscribers <= 0 || args.size == 0 || args.count == 0) {
        fprintf(stderr, "pubthr: subscribers, size and count must be positive\n");
        return 2;
    }
    timeout_ms = env_int("BENCH_TIMEOUT_MS", 20000);

    int nodrop = env_int("PUBTHR_NODROP", 0) != 0;
    ctx = zmq_ctx_new();
    void *pub = zmq_socket(ctx, nodrop ? ZMQ_XPUB : ZMQ_PUB);
    if (!pub)
        fail("zmq_socket(PUB)");
    set_hwm(pub);
    if (zmq_setsockopt(pub, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms) != 0)
        fail("ZMQ_SNDTIMEO");
    if (nodrop && zmq_setsockopt(pub, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop) != 0)
        fail("ZMQ_XPUB_NODROP");
    char bind_to[300];
    if (strcmp(args.transport, "tcp") == 0) {
        snprintf(bind_to, sizeof bind_to, "tcp://127.0.0.1:*");
    } else if (strcmp(args.transport, "ipc") == 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(ipc_path, sizeof ipc_path, "%s/pubthr-%ld.sock", tmp && *tmp ? tmp : "/tmp",
                 (long) getpid());
        snprintf(bind_to, sizeof bind_to, "ipc://%s", ipc_path);
    } else {
        snprintf(bind_to, sizeof bind_to, "inproc://pubthr");
    }
    if (zmq_bind(pub, bind_to) != 0)
        fail("zmq_bind");
    size_t len = sizeof endpoint;
    if (zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
        fail("ZMQ_LAST_ENDPOINT");

    struct sub *subs = calloc((size_t) args.subscribers, sizeof *subs);
    if (!subs)
        fail("calloc");
    for (int i = 0; i < args.subscribers; i++)
        if (pthread_create(&subs[i].thread, NULL, subscriber, &subs[i]) != 0)
            fail("pthread_create");

    wait_for(pub, &ready, 'p', "not every subscriber saw a probe in time");
    char *payload = malloc(args.size);
    if (!payload)
        fail("malloc");
    memset(payload, 'x', args.size);
    uint64_t sending = now_ns();
    for (uint64_t i = 0; i < args.count; i++)
        if (zmq_send(pub, payload, args.size, 0) != (int) args.size)
            fail("send");
    sending = now_ns() - sending;
    wait_for(pub, &done, 'e', "not every subscriber saw an end marker in time");

    double sum_rate = 0, min_rate = 1e300, max_rate = 0;
    uint64_t received = 0, start = UINT64_MAX, end = 0;
    for (int i = 0; i < args.subscribers; i++) {
        pthread_join(subs[i].thread, NULL);
        struct sub *s = &subs[i];
        if (s->error)
            fail(s->error);
        double secs = (double) (s->end_ns - s->first_ns) / 1e9;
        double rate = (double) s->received / (secs > 1e-9 ? secs : 1e-9);
        sum_rate += rate;
        min_rate = rate < min_rate ? rate : min_rate;
        max_rate = rate > max_rate ? rate : max_rate;
        received += s->received;
        start = s->first_ns < start ? s->first_ns : start;
        end = s->end_ns > end ? s->end_ns : end;
    }
    double span = (double) (end - start) / 1e9;
    if (span < 1e-9)
        span = 1e-9;
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    double offered = (double) args.count / ((double) (sending ? sending : 1) / 1e9);
    printf("impl=%s version=%d.%d.%d mode=pubthr transport=%s nodrop=%d subscribers=%d size=%zu "
           "count=%llu per_sub_msgs_per_sec=%.0f min_sub_msgs_per_sec=%.0f "
           "max_sub_msgs_per_sec=%.0f total_msgs_per_sec=%.0f delivered_pct=%.2f "
           "pub_msgs_per_sec=%.0f elapsed_s=%.6f\n",
           impl_name(), major, minor, patch, args.transport, nodrop, args.subscribers, args.size,
           (unsigned long long) args.count, sum_rate / args.subscribers, min_rate, max_rate,
           (double) received / span,
           100.0 * (double) received / ((double) args.count * args.subscribers), offered, span);
    fflush(stdout);

    int linger = 0;
    zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(pub);
    zmq_ctx_term(ctx);
    if (ipc_path[0])
        unlink(ipc_path);
    free(payload);
    free(subs);
    return 0;
}
