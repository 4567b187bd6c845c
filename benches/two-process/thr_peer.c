/*
 * thr_peer: one side of a two-process throughput run for any socket pair
 * (used for DEALER -> ROUTER; PUSH/PULL uses libzmq's own local_thr and
 * remote_thr). Same method as libzmq's perf/local_thr.cpp: the receiver's
 * clock runs from the first message to the last; every message is a fresh
 * zmq_msg_init_size on the sender.
 *
 *   thr_peer recv <endpoint> <type> <size> <count>   binds, prints the rate
 *   thr_peer send <endpoint> <type> <size> <count>   connects and sends
 *
 * sendw / recvw: the same, but the sender writes every body (each byte the
 * message's number, modulo 256), as applications do and local_thr's sender
 * does not, and the receiver checks the first and last byte of each.
 *
 * A ROUTER receiver takes the routing-id frame before each body. Every
 * message's size is checked and a missing one fails the run (RCVTIMEO).
 *
 *   thr_peer rep <endpoint> REP <size> <count>   binds, echoes count messages
 *   thr_peer req <endpoint> REQ <size> <count>   connects, prints the round trip
 *
 * rep / req: REQ/REP round trips as libzmq's local_lat/remote_lat, the
 * requester printing the mean round trip in µs (its clock around all of
 * them); here so that the probes' settings from the environment (see
 * probe.h: heartbeats) apply to round trips too.
 */
#include "probe.h"

static void recv_side (void *s, int router, size_t size, long count, int written)
{
    zmq_msg_t msg;
    double start = 0;
    zmq_msg_init (&msg);
    for (long i = 0; i < count; i++) {
        if (router) {
            check (zmq_msg_recv (&msg, s, 0), "zmq_msg_recv (routing id)");
            if (!zmq_msg_more (&msg)) {
                fprintf (stderr, "routing id without a body\n");
                exit (1);
            }
        }
        check (zmq_msg_recv (&msg, s, 0), "zmq_msg_recv");
        if (zmq_msg_size (&msg) != size) {
            fprintf (stderr, "message %ld: %zu bytes, expected %zu\n", i,
                     zmq_msg_size (&msg), size);
            exit (1);
        }
        const unsigned char *body = zmq_msg_data (&msg);
        if (written && size > 0 && (body[0] != (unsigned char) i || body[size - 1] != (unsigned char) i)) {
            fprintf (stderr, "message %ld: body not as written\n", i);
            exit (1);
        }
        if (i == 0)
            start = now_s ();
    }
    double elapsed = now_s () - start;
    if (elapsed <= 0)
        elapsed = 1e-6;
    zmq_msg_close (&msg);
    printf ("msgs_per_sec=%.0f received=%ld\n", (double) (count - 1) / elapsed, count);
}

static void send_side (void *s, size_t size, long count, int written)
{
    zmq_msg_t msg;
    for (long i = 0; i < count; i++) {
        check (zmq_msg_init_size (&msg, size), "zmq_msg_init_size");
        if (written)
            memset (zmq_msg_data (&msg), (unsigned char) i, size);
        check (zmq_msg_send (&msg, s, 0), "zmq_msg_send");
    }
}

static void echo_side (void *s, size_t size, long count)
{
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    for (long i = 0; i < count; i++) {
        check (zmq_msg_recv (&msg, s, 0), "zmq_msg_recv");
        if (zmq_msg_size (&msg) != size) {
            fprintf (stderr, "request %ld: %zu bytes, expected %zu\n", i,
                     zmq_msg_size (&msg), size);
            exit (1);
        }
        check (zmq_msg_send (&msg, s, 0), "zmq_msg_send");
    }
    zmq_msg_close (&msg);
}

static void request_side (void *s, size_t size, long count)
{
    zmq_msg_t msg;
    double start = now_s ();
    for (long i = 0; i < count; i++) {
        check (zmq_msg_init_size (&msg, size), "zmq_msg_init_size");
        check (zmq_msg_send (&msg, s, 0), "zmq_msg_send");
        check (zmq_msg_init (&msg), "zmq_msg_init");
        check (zmq_msg_recv (&msg, s, 0), "zmq_msg_recv");
        if (zmq_msg_size (&msg) != size) {
            fprintf (stderr, "reply %ld: %zu bytes, expected %zu\n", i,
                     zmq_msg_size (&msg), size);
            exit (1);
        }
        zmq_msg_close (&msg);
    }
    double elapsed = now_s () - start;
    printf ("round_trip_us=%.3f received=%ld\n", elapsed * 1e6 / (double) count, count);
}

int main (int argc, char **argv)
{
    if (argc != 6) {
        fprintf (stderr, "usage: thr_peer recv|send|recvw|sendw|rep|req <endpoint> <type> <size> <count>\n");
        return 2;
    }
    int receiving = strncmp (argv[1], "recv", 4) == 0;
    int written = argv[1][4] == 'w';
    int type = socket_type (argv[3]);
    size_t size = (size_t) atol (argv[4]);
    long count = atol (argv[5]);
    void *ctx = zmq_ctx_new ();
    void *s = open_socket (ctx, type);
    if (strcmp (argv[1], "rep") == 0) {
        check (zmq_bind (s, argv[2]), "zmq_bind");
        echo_side (s, size, count);
    } else if (strcmp (argv[1], "req") == 0) {
        check (zmq_connect (s, argv[2]), "zmq_connect");
        request_side (s, size, count);
    } else if (receiving) {
        check (zmq_bind (s, argv[2]), "zmq_bind");
        recv_side (s, type == ZMQ_ROUTER, size, count, written);
    } else {
        /* Wait for every queued message to leave, as remote_thr does. */
        set_int (s, ZMQ_LINGER, -1);
        check (zmq_connect (s, argv[2]), "zmq_connect");
        send_side (s, size, count, written);
    }
    check (zmq_close (s), "zmq_close");
    check (zmq_ctx_term (ctx), "zmq_ctx_term");
    return 0;
}
