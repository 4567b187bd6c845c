/* The ferrozmq extension ZMQ_FERROZMQ_SPOOL (issue 14): builds against
 * either zmq.h and runs on either library. On libzmq the option numbers are
 * unknown (EINVAL); on ferrozmq, messages a socket could not write before
 * it closed are sent first by the next socket on the same spool. */
#include "harness.h"

#ifndef ZMQ_FERROZMQ_SPOOL
#define ZMQ_FERROZMQ_SPOOL 0x46520001
#define ZMQ_FERROZMQ_SPOOL_FSYNC 0x46520002
#define ZMQ_FERROZMQ_SPOOL_SIZE 0x46520003
#define ZMQ_FERROZMQ_SPOOL_PENDING 0x46520004
#endif

static void *spooled_push (void *ctx, const char *dir)
{
    void *push = sock (ctx, ZMQ_PUSH);
    int never = -1;
    CHECK_OK (zmq_setsockopt (push, ZMQ_FERROZMQ_SPOOL_FSYNC, &never, sizeof never));
    CHECK_OK (zmq_setsockopt (push, ZMQ_FERROZMQ_SPOOL, dir, strlen (dir)));
    return push;
}

void test_spool (void *ctx)
{
    char dir[] = "/tmp/ferrozmq-c-spool-XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    void *push = sock (ctx, ZMQ_PUSH);
    int rc = zmq_setsockopt (push, ZMQ_FERROZMQ_SPOOL, dir, strlen (dir));
    CHECK ((rc == 0) == on_ferrozmq);
    CHECK_OK (zmq_close (push));
    if (!on_ferrozmq) {
        CHECK (zmq_errno () == EINVAL || rc == -1);
        rmdir (dir);
        return;
    }

    /* Not for every type; the options read back. */
    void *router = sock (ctx, ZMQ_ROUTER);
    CHECK_ERR (zmq_setsockopt (router, ZMQ_FERROZMQ_SPOOL, dir, strlen (dir)), EINVAL);
    CHECK_OK (zmq_close (router));
    /* An ipc endpoint beside the spool directory: a tcp port picked in
     * advance can be taken in between by one of the push's own reconnect
     * attempts (Linux may give a connect to a local port nobody listens on
     * that same port as its source: a self-connection), and then the bind
     * below fails with EADDRINUSE (seen under valgrind in CI). */
    char endpoint[96];
    snprintf (endpoint, sizeof endpoint, "ipc://%s.ipc", dir);

    /* Nobody listens: the messages stay spooled when the socket closes. */
    push = spooled_push (ctx, dir);
    int64_t limit = 1 << 20;
    CHECK_OK (zmq_setsockopt (push, ZMQ_FERROZMQ_SPOOL_SIZE, &limit, sizeof limit));
    char got[256];
    size_t len = sizeof got;
    CHECK_OK (zmq_getsockopt (push, ZMQ_FERROZMQ_SPOOL, got, &len));
    CHECK (len == strlen (dir) + 1 && strcmp (got, dir) == 0);
    int64_t read_limit = 0;
    len = sizeof read_limit;
    CHECK_OK (zmq_getsockopt (push, ZMQ_FERROZMQ_SPOOL_SIZE, &read_limit, &len));
    CHECK (read_limit == limit);
    CHECK_OK (zmq_connect (push, endpoint));
    send_str (push, "a", ZMQ_SNDMORE);
    send_str (push, "1", 0);
    send_str (push, "b", 0);
    int64_t pending = 0;
    len = sizeof pending;
    CHECK_OK (zmq_getsockopt (push, ZMQ_FERROZMQ_SPOOL_PENDING, &pending, &len));
    CHECK (pending == 2);
    CHECK_OK (zmq_close (push));

    /* The next socket sends them first, whole, then the new one. */
    void *pull = sock (ctx, ZMQ_PULL);
    CHECK_OK (zmq_bind (pull, endpoint));
    push = spooled_push (ctx, dir);
    CHECK_OK (zmq_connect (push, endpoint));
    send_str (push, "c", 0);
    expect_str (pull, "a");
    expect_str (pull, "1");
    expect_str (pull, "b");
    expect_str (pull, "c");
    /* A graceful close waits until everything was written. */
    for (int i = 0; i < 5000 && pending != 0; i++) {
        len = sizeof pending;
        CHECK_OK (zmq_getsockopt (push, ZMQ_FERROZMQ_SPOOL_PENDING, &pending, &len));
        if (pending != 0)
            usleep (1000);
    }
    CHECK (pending == 0);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));

    char cmd[160];
    snprintf (cmd, sizeof cmd, "rm -rf '%s' '%s.ipc'", dir, dir);
    CHECK (system (cmd) == 0);
}
