/* Lossless close, measured (ferrozmq issue 14; libzmq issue 4660).
 *
 * A PUSH sends N numbered 64-byte messages to a PULL and closes at once
 * with LINGER -1, then terminates its context. The PULL (its own context,
 * so the sender's term waits for delivery as across processes) counts what
 * arrives: lost = never seen, dup = seen more than once.
 *
 *   lossless_close <tcp|ipc|inproc> <count> <rcvhwm> <late>
 *
 * late = 1: the receiver starts reading only once the sender has closed
 * (the slow consumer: everything is still queued at close). The sender's
 * SNDHWM is then unlimited so that `send` never waits.
 * Prints "transport count rcvhwm late lost dup". Written for this project
 * against zmq.h; runs on any libzmq.so.5.
 */
#include <zmq.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIZE 64

static const char *transport;
static char endpoint[256];
static long count;
static int late;
static void *send_ctx;
static atomic_int closed;

static void *sender(void *arg)
{
    (void)arg;
    void *push = zmq_socket(send_ctx, ZMQ_PUSH);
    int linger = -1, hwm = late ? 0 : 1000;
    zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(push, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (zmq_connect(push, endpoint) != 0) {
        perror("connect");
        exit(2);
    }
    char buf[SIZE];
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < count; i++) {
        uint64_t n = (uint64_t)i;
        memcpy(buf, &n, sizeof n);
        if (zmq_send(push, buf, SIZE, 0) != SIZE) {
            perror("send");
            exit(2);
        }
    }
    zmq_close(push);
    atomic_store(&closed, 1);
    if (send_ctx != arg) /* its own context: term waits for delivery */
        zmq_ctx_term(send_ctx);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s tcp|ipc|inproc count rcvhwm late\n", argv[0]);
        return 2;
    }
    transport = argv[1];
    count = atol(argv[2]);
    int rcvhwm = atoi(argv[3]);
    late = atoi(argv[4]);
    void *recv_ctx = zmq_ctx_new();
    int inproc = strcmp(transport, "inproc") == 0;
    send_ctx = inproc ? recv_ctx : zmq_ctx_new();

    void *pull = zmq_socket(recv_ctx, ZMQ_PULL);
    int timeout = 2000;
    zmq_setsockopt(pull, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
    zmq_setsockopt(pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    if (strcmp(transport, "tcp") == 0)
        snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:*");
    else if (strcmp(transport, "ipc") == 0)
        snprintf(endpoint, sizeof endpoint, "ipc:///tmp/lossless-%d", (int)getpid());
    else
        snprintf(endpoint, sizeof endpoint, "inproc://lossless");
    if (zmq_bind(pull, endpoint) != 0) {
        perror("bind");
        return 2;
    }
    size_t len = sizeof endpoint;
    zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, endpoint, &len);

    unsigned char *seen = calloc((size_t)count, 1);
    pthread_t t;
    pthread_create(&t, NULL, sender, recv_ctx);
    while (late && !atomic_load(&closed))
        usleep(1000);
    long dup = 0, got = 0;
    char buf[SIZE];
    while (got < count) {
        int n = zmq_recv(pull, buf, sizeof buf, 0);
        if (n < 0)
            break; /* nothing for 2 s: the rest is lost */
        uint64_t i;
        memcpy(&i, buf, sizeof i);
        if (n != SIZE || i >= (uint64_t)count) {
            fprintf(stderr, "bad message\n");
            return 2;
        }
        if (seen[i]++)
            dup++;
        else
            got++;
    }
    pthread_join(t, NULL);
    printf("%s %ld %d %d lost=%ld dup=%ld\n", transport, count, rcvhwm, late, count - got, dup);
    zmq_close(pull);
    zmq_ctx_term(recv_ctx);
    free(seen);
    return 0;
}
