/* The ferrozmq extension zmq_socket_stats (issue 14), looked up with dlsym
 * so that this file builds against either zmq.h and runs on either library:
 * on libzmq the symbol is absent, on ferrozmq its counts must match what
 * was sent, dropped and received. */
#include "harness.h"

#ifndef ZMQ_FERROZMQ_SOCKET_STATS
/* Built against libzmq's zmq.h: the layout our zmq.h declares. */
typedef struct zmq_socket_stats_t {
    uint64_t outbound, inbound, dropped_hwm, dropped_unroutable, peers;
} zmq_socket_stats_t;
typedef struct zmq_peer_stats_t {
    uint64_t pipe_id, outbound, inbound, dropped_hwm;
    uint8_t routing_id_size;
    uint8_t routing_id[255];
} zmq_peer_stats_t;
#endif

typedef int (*stats_fn) (void *, zmq_socket_stats_t *, zmq_peer_stats_t *, size_t *);

void test_socket_stats (void *ctx)
{
    stats_fn stats = (stats_fn) (uintptr_t) dlsym (RTLD_DEFAULT, "zmq_socket_stats");
    CHECK ((stats != NULL) == on_ferrozmq);
    if (!stats)
        return;
    zmq_socket_stats_t st;
    zmq_peer_stats_t peers[2];
    size_t n = 2;

    /* ROUTER: unroutable drops, and a peer named by its routing id. */
    void *router = sock (ctx, ZMQ_ROUTER);
    void *dealer = sock (ctx, ZMQ_DEALER);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "d1", 2));
    CHECK_OK (zmq_bind (router, "inproc://stats-router"));
    CHECK_OK (zmq_connect (dealer, "inproc://stats-router"));
    for (int i = 0; i < 3; i++) {
        send_str (router, "nobody", ZMQ_SNDMORE);
        send_str (router, "lost", 0);
    }
    send_str (router, "d1", ZMQ_SNDMORE);
    send_str (router, "a", ZMQ_SNDMORE);
    send_str (router, "b", 0);
    CHECK_OK (stats (router, &st, peers, &n));
    CHECK (st.dropped_unroutable == 3 && st.dropped_hwm == 0);
    CHECK (st.outbound == 1 && st.peers == 1 && n == 1);
    CHECK (peers[0].outbound == 1 && peers[0].routing_id_size == 2
           && memcmp (peers[0].routing_id, "d1", 2) == 0);
    CHECK_OK (stats (dealer, &st, NULL, NULL));
    CHECK (st.inbound == 1);
    expect_str (dealer, "a");
    expect_str (dealer, "b");
    CHECK_OK (stats (dealer, &st, NULL, NULL));
    CHECK (st.inbound == 0);
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (router));

    /* PUB: what a slow subscriber missed at its high-water mark. */
    void *pub = sock (ctx, ZMQ_PUB);
    void *sub = sock (ctx, ZMQ_SUB);
    int hwm = 4;
    CHECK_OK (zmq_setsockopt (pub, ZMQ_SNDHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_RCVHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_bind (pub, "inproc://stats-pub"));
    CHECK_OK (zmq_connect (sub, "inproc://stats-pub"));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0));
    for (int i = 0; i < 20; i++)
        send_str (pub, "m", 0);
    n = 0;
    CHECK_OK (stats (pub, &st, peers, &n));
    CHECK (n == 0 && st.peers == 1);
    CHECK (st.outbound == 8 && st.dropped_hwm == 12);

    /* Bad arguments fail cleanly. */
    CHECK_ERR (stats (pub, NULL, NULL, NULL), EFAULT);
    CHECK_ERR (stats (pub, &st, peers, NULL), EFAULT);
    CHECK_ERR (stats (NULL, &st, NULL, NULL), ENOTSOCK);
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));
}
