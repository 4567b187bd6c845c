/* The ferrozmq extension zmq_socket_drain (issue 14), looked up with dlsym
 * so that this file builds against either zmq.h and runs on either library:
 * on libzmq the symbols are absent; on ferrozmq a drained socket hands
 * back exactly what its peer had not taken, frame by frame, and its peer
 * then receives none of it. */
#include "harness.h"

#ifndef ZMQ_FERROZMQ_SOCKET_DRAIN
#ifndef ZMQ_FERROZMQ_SOCKET_STATS
typedef struct zmq_socket_stats_t {
    uint64_t outbound, inbound, dropped_hwm, dropped_unroutable, peers;
} zmq_socket_stats_t;
typedef struct zmq_peer_stats_t {
    uint64_t pipe_id, outbound, inbound, dropped_hwm;
    uint8_t routing_id_size;
    uint8_t routing_id[255];
} zmq_peer_stats_t;
#endif
typedef struct zmq_drained_t zmq_drained_t;
#endif

typedef zmq_drained_t *(*drain_fn) (void *, zmq_socket_stats_t *, zmq_peer_stats_t *, size_t *);
typedef size_t (*size_fn) (const zmq_drained_t *);
typedef int (*next_fn) (zmq_drained_t *, zmq_msg_t *, uint64_t *);
typedef int (*close_fn) (zmq_drained_t *);

void test_socket_drain (void *ctx)
{
    drain_fn drain = (drain_fn) (uintptr_t) dlsym (RTLD_DEFAULT, "zmq_socket_drain");
    size_fn size = (size_fn) (uintptr_t) dlsym (RTLD_DEFAULT, "zmq_drained_size");
    next_fn next = (next_fn) (uintptr_t) dlsym (RTLD_DEFAULT, "zmq_drained_next");
    close_fn done = (close_fn) (uintptr_t) dlsym (RTLD_DEFAULT, "zmq_drained_close");
    CHECK ((drain != NULL) == on_ferrozmq);
    if (!drain)
        return;
    CHECK (size && next && done);

    /* ROUTER to a DEALER that reads one of three messages. */
    void *router = sock (ctx, ZMQ_ROUTER);
    void *dealer = sock (ctx, ZMQ_DEALER);
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "d1", 2));
    CHECK_OK (zmq_bind (router, "inproc://drain-router"));
    CHECK_OK (zmq_connect (dealer, "inproc://drain-router"));
    for (int i = 0; i < 3; i++) {
        char body[2] = {(char) ('0' + i), 0};
        send_str (router, "d1", ZMQ_SNDMORE);
        send_str (router, body, ZMQ_SNDMORE);
        send_str (router, "tail", 0);
    }
    expect_str (dealer, "0");
    expect_str (dealer, "tail");

    zmq_socket_stats_t st;
    zmq_peer_stats_t peers[2];
    size_t n = 2;
    zmq_drained_t *d = drain (router, &st, peers, &n);
    CHECK (d != NULL);
    CHECK (st.outbound == 2 && n == 1 && peers[0].outbound == 2);
    CHECK (peers[0].routing_id_size == 2 && memcmp (peers[0].routing_id, "d1", 2) == 0);
    CHECK (size (d) == 2);
    zmq_msg_t frame;
    CHECK_OK (zmq_msg_init (&frame));
    uint64_t pipe_id = 0;
    const char *want[] = {"1", "tail", "2", "tail"};
    for (int i = 0; i < 4; i++) {
        CHECK (next (d, &frame, &pipe_id) == (int) strlen (want[i]));
        CHECK (memcmp (zmq_msg_data (&frame), want[i], strlen (want[i])) == 0);
        CHECK (zmq_msg_more (&frame) == (i % 2 == 0));
        CHECK (pipe_id == peers[0].pipe_id);
    }
    CHECK (size (d) == 0);
    CHECK_ERR (next (d, &frame, NULL), EAGAIN);
    CHECK_OK (zmq_msg_close (&frame));
    CHECK_OK (done (d));

    /* The peer receives nothing more; the drained socket sends nothing. */
    int zero = 0;
    CHECK_OK (zmq_setsockopt (dealer, ZMQ_RCVTIMEO, &zero, sizeof zero));
    char buf[8];
    CHECK_ERR (zmq_recv (dealer, buf, sizeof buf, 0), EAGAIN);
    CHECK_ERR (zmq_send (router, "d1", 2, ZMQ_SNDMORE), EFSM);

    /* Bad arguments fail cleanly. */
    CHECK (drain (router, NULL, NULL, NULL) == NULL && zmq_errno () == EFAULT);
    CHECK (drain (NULL, &st, NULL, NULL) == NULL && zmq_errno () == ENOTSOCK);
    CHECK_ERR (next (NULL, &frame, NULL), EFAULT);
    CHECK_ERR (done (NULL), EFAULT);
    CHECK (size (NULL) == 0);
    CHECK_OK (zmq_close (dealer));
    CHECK_OK (zmq_close (router));
}
