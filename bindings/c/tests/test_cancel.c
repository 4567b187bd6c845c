/* Thread cancellation (pthread_cancel) in libzmq's calls that wait: they
 * are cancellation points, so a thread blocked in one ends there, and the
 * sockets it used stay usable from other threads. rsyslog's shutdown
 * cancels its input threads this way. Checked on Debian's libzmq and on
 * ferrozmq alike. */
#include "harness.h"

#include <pthread.h>
#include <time.h>

/* What a cancelled thread blocks in. */
enum blocker { IN_RECV, IN_MSG_RECV, IN_POLL, IN_POLL_NOTHING, IN_SEND, IN_PROXY, IN_SLEEP };

struct victim {
    enum blocker in;
    void *a, *b;
};

static void *block (void *arg)
{
    struct victim *v = arg;
    char buf[16];
    zmq_msg_t msg;
    zmq_pollitem_t item = {v->a, 0, ZMQ_POLLIN, 0};
    switch (v->in) {
    case IN_RECV:
        zmq_recv (v->a, buf, sizeof buf, 0);
        break;
    case IN_MSG_RECV:
        zmq_msg_init (&msg);
        zmq_msg_recv (&msg, v->a, 0);
        zmq_msg_close (&msg);
        break;
    case IN_POLL:
        zmq_poll (&item, 1, -1);
        break;
    case IN_POLL_NOTHING:
        /* No items: libzmq just sleeps (usleep). */
        zmq_poll (NULL, 0, 30000);
        break;
    case IN_SEND:
        /* A PUSH with no peer waits for one. */
        zmq_send (v->a, "x", 1, 0);
        break;
    case IN_PROXY:
        zmq_proxy (v->a, v->b, NULL);
        break;
    case IN_SLEEP:
        zmq_sleep (30);
        break;
    }
    return (void *) "returned";
}

/* Joins `thread`, giving up after 5 s (so a bug fails, not hangs); returns
 * what it returned, or NULL if it did not end. */
static void *join_within_5s (pthread_t thread)
{
    struct timespec deadline;
    clock_gettime (CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    void *result = NULL;
    if (pthread_timedjoin_np (thread, &result, &deadline) != 0)
        return NULL;
    return result;
}

/* Cancels a thread blocked in `in` on `a` (and `b`): it must end cancelled. */
static void expect_cancelled_in (enum blocker in, void *a, void *b)
{
    struct victim v = {in, a, b};
    pthread_t thread;
    CHECK (pthread_create (&thread, NULL, block, &v) == 0);
    usleep (100 * 1000);
    CHECK (pthread_cancel (thread) == 0);
    void *result = join_within_5s (thread);
    if (result != PTHREAD_CANCELED)
        fprintf (stderr, "blocker %d: thread %s\n", (int) in,
                 result ? "returned instead of being cancelled" : "did not end");
    CHECK (result == PTHREAD_CANCELED);
}

/* A socket a cancelled thread was blocked in still works. */
static void expect_pair_works (void *ctx, const char *endpoint, void *receiver)
{
    void *sender = sock (ctx, ZMQ_PUSH);
    CHECK_OK (zmq_connect (sender, endpoint));
    send_str (sender, "after", 0);
    expect_str (receiver, "after");
    CHECK_OK (zmq_close (sender));
}

/* With cancellation disabled, a blocked call ends as usual (here at its
 * time-out) and the cancellation waits for the thread to enable it. */
static void *recv_with_cancellation_disabled (void *arg)
{
    int old;
    pthread_setcancelstate (PTHREAD_CANCEL_DISABLE, &old);
    char buf[16];
    int rc = zmq_recv (arg, buf, sizeof buf, 0);
    int err = zmq_errno ();
    pthread_setcancelstate (PTHREAD_CANCEL_ENABLE, &old);
    if (rc == -1 && err == EAGAIN)
        pthread_testcancel ();
    return (void *) "not cancelled";
}

/* A cancellation pending when the thread calls the library (it was asked
 * while the thread had it disabled) ends the thread at a cancellation
 * point, inside the library or after it, never by aborting the process. */
static void *call_with_cancellation_pending (void *arg)
{
    volatile int *asked = arg;
    int old;
    pthread_setcancelstate (PTHREAD_CANCEL_DISABLE, &old);
    while (!*asked)
        usleep (1000);
    pthread_setcancelstate (PTHREAD_CANCEL_ENABLE, &old);
    /* Its own context: a thread cancelled inside libzmq may leave a socket
     * open, which would keep zmq_ctx_term waiting. */
    void *ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    int linger = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_bind (s, "inproc://pending-cancel");
    zmq_send (s, "x", 1, ZMQ_DONTWAIT);
    zmq_close (s);
    zmq_ctx_term (ctx);
    pthread_testcancel ();
    return (void *) "not cancelled";
}

void test_cancel (void *ctx)
{
    void *pull = sock (ctx, ZMQ_PULL);
    int forever = -1;
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVTIMEO, &forever, sizeof forever));
    CHECK_OK (zmq_bind (pull, "inproc://cancel-pull"));
    expect_cancelled_in (IN_RECV, pull, NULL);
    expect_pair_works (ctx, "inproc://cancel-pull", pull);
    expect_cancelled_in (IN_MSG_RECV, pull, NULL);
    expect_cancelled_in (IN_POLL, pull, NULL);
    expect_pair_works (ctx, "inproc://cancel-pull", pull);

    /* Over tcp too: the connection stays good for the next receive. */
    void *tcp_pull = sock (ctx, ZMQ_PULL);
    CHECK_OK (zmq_setsockopt (tcp_pull, ZMQ_RCVTIMEO, &forever, sizeof forever));
    char endpoint[64];
    bind_tcp (tcp_pull, endpoint, sizeof endpoint);
    void *tcp_push = sock (ctx, ZMQ_PUSH);
    CHECK_OK (zmq_connect (tcp_push, endpoint));
    send_str (tcp_push, "first", 0);
    expect_str (tcp_pull, "first");
    expect_cancelled_in (IN_RECV, tcp_pull, NULL);
    send_str (tcp_push, "second", 0);
    expect_str (tcp_pull, "second");

    void *lonely = sock (ctx, ZMQ_PUSH);
    expect_cancelled_in (IN_SEND, lonely, NULL);

    void *front = sock (ctx, ZMQ_PULL);
    CHECK_OK (zmq_bind (front, "inproc://cancel-front"));
    void *back = sock (ctx, ZMQ_PUSH);
    CHECK_OK (zmq_bind (back, "inproc://cancel-back"));
    expect_cancelled_in (IN_PROXY, front, back);

    expect_cancelled_in (IN_SLEEP, NULL, NULL);
    expect_cancelled_in (IN_POLL_NOTHING, NULL, NULL);

    /* zmq_poll with no items sleeps its whole time-out, no more (CZMQ's
     * zmonitor test waits this way), however its wait is cut up. */
    struct timespec before, after;
    clock_gettime (CLOCK_MONOTONIC, &before);
    CHECK (zmq_poll (NULL, 0, 250) == 0);
    clock_gettime (CLOCK_MONOTONIC, &after);
    long waited_ms = (after.tv_sec - before.tv_sec) * 1000
                     + (after.tv_nsec - before.tv_nsec) / 1000000;
    if (waited_ms < 245 || waited_ms > 2000)
        fprintf (stderr, "zmq_poll (NULL, 0, 250) waited %ld ms\n", waited_ms);
    CHECK (waited_ms >= 245 && waited_ms <= 2000);

    int timeout = 300;
    CHECK_OK (zmq_setsockopt (pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout));
    pthread_t thread;
    CHECK (pthread_create (&thread, NULL, recv_with_cancellation_disabled, pull) == 0);
    usleep (50 * 1000);
    CHECK (pthread_cancel (thread) == 0);
    CHECK (join_within_5s (thread) == PTHREAD_CANCELED);
    expect_pair_works (ctx, "inproc://cancel-pull", pull);

    volatile int asked = 0;
    CHECK (pthread_create (&thread, NULL, call_with_cancellation_pending, (void *) &asked)
           == 0);
    CHECK (pthread_cancel (thread) == 0);
    asked = 1;
    CHECK (join_within_5s (thread) == PTHREAD_CANCELED);

    CHECK_OK (zmq_close (front));
    CHECK_OK (zmq_close (back));
    CHECK_OK (zmq_close (lonely));
    CHECK_OK (zmq_close (tcp_push));
    CHECK_OK (zmq_close (tcp_pull));
    CHECK_OK (zmq_close (pull));
}
