/* Large bodies (zmq_msg_init_size of 32 KiB and more): ferrozmq hands the
 * mapping of a body it is done with to the next such body, without zeroing
 * it (as libzmq's malloc reuses heap chunks). A body still queued, or still
 * being written out by an I/O thread, or still shared by a zmq_msg_copy,
 * must never be handed out again: every message must arrive with exactly
 * the bytes it was sent with while later bodies are written. Runs on either
 * library (and under valgrind in .ci/steps/c-abi.sh). */
#include "harness.h"

#define LARGE_COUNT 120

static size_t large_size (int i)
{
    return 40 * 1024 + (size_t) (i % 5) * 61 * 1024 + (size_t) i;
}

/* A body of message `i`: its number, then its own fill byte. */
static void init_filled (zmq_msg_t *m, int i)
{
    size_t size = large_size (i);
    CHECK_OK (zmq_msg_init_size (m, size));
    unsigned char *p = zmq_msg_data (m);
    memset (p, (unsigned char) (i * 37 + 11), size);
    memcpy (p, &i, sizeof i);
}

/* Receives the next message and returns whether it is message `i`, intact. */
static int received_intact (void *pull, int i)
{
    zmq_msg_t m;
    CHECK_OK (zmq_msg_init (&m));
    int n = zmq_msg_recv (&m, pull, 0);
    const unsigned char *p = zmq_msg_data (&m);
    int ok = n >= 0 && (size_t) n == large_size (i) && zmq_msg_size (&m) == large_size (i);
    int got = -1;
    if (ok)
        memcpy (&got, p, sizeof got);
    ok = ok && got == i;
    unsigned char fill = (unsigned char) (i * 37 + 11);
    for (size_t k = sizeof i; ok && k < (size_t) n; k++)
        ok = p[k] == fill;
    if (!ok)
        fprintf (stderr, "large body %d: size %d, number %d, or a byte wrong\n", i, n, got);
    CHECK_OK (zmq_msg_close (&m));
    return ok;
}

void test_large_bodies (void *ctx)
{
    void *push = sock (ctx, ZMQ_PUSH);
    void *pull = sock (ctx, ZMQ_PULL);
    int unlimited = 0;
    CHECK_OK (zmq_setsockopt (push, ZMQ_SNDHWM, &unlimited, sizeof unlimited));
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVHWM, &unlimited, sizeof unlimited));
    char endpoint[64];
    bind_tcp (pull, endpoint, sizeof endpoint);
    CHECK_OK (zmq_connect (push, endpoint));

    int intact = 0, next = 0;
    for (int i = 0; i < LARGE_COUNT; i++) {
        zmq_msg_t m, copy, unsent;
        init_filled (&m, i);
        int shared = i % 3 == 0;
        if (shared) {
            /* The copy shares the body: closing it while the original is
             * queued must not free the body for the next one. */
            CHECK_OK (zmq_msg_init (&copy));
            CHECK_OK (zmq_msg_copy (&copy, &m));
        }
        CHECK (zmq_msg_send (&m, push, 0) == (int) large_size (i));
        if (shared)
            CHECK_OK (zmq_msg_close (&copy));
        CHECK_OK (zmq_msg_close (&m));
        /* A body closed unsent is free at once: the next body of its size
         * may take it over and is written while earlier ones are in flight. */
        init_filled (&unsent, LARGE_COUNT + i);
        CHECK_OK (zmq_msg_close (&unsent));
        /* The receiver lags behind, so that most bodies stay in flight. */
        if (i % 4 == 3) {
            intact += received_intact (pull, next++);
            intact += received_intact (pull, next++);
        }
    }
    while (next < LARGE_COUNT)
        intact += received_intact (pull, next++);
    CHECK (intact == LARGE_COUNT);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
}
