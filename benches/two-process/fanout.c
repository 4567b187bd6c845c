/*
 * fanout: PUB/SUB fan-out with every subscriber in its own process.
 *
 *   fanout pub <data-endpoint> <done-endpoint> <size> <count> <subscribers>
 *   fanout sub <data-endpoint> <done-endpoint> <size> <count>
 *
 * The publisher is an XPUB with XPUB_VERBOSE (it sees every subscription)
 * and XPUB_NODROP (a send blocks while a subscriber's queue is full, so
 * nothing is dropped and the rate is what the slowest subscriber takes).
 * It waits for <subscribers> subscriptions, starts its clock, sends <count>
 * messages, then waits on a PULL socket for each subscriber's report of how
 * many messages it received; the clock stops at the last report. Every
 * subscriber must report exactly <count> (each body's size is checked too),
 * else the run fails.
 *
 * Prints msgs_per_sec (count / time: what each subscriber sustains) and
 * deliveries_per_sec (count x subscribers / time).
 */
#include "probe.h"

static int publisher (const char *data, const char *done, size_t size, long count, int subs)
{
    void *ctx = zmq_ctx_new ();
    void *pub = open_socket (ctx, ZMQ_XPUB);
    void *reports = open_socket (ctx, ZMQ_PULL);
    set_int (pub, ZMQ_XPUB_VERBOSE, 1);
    set_int (pub, ZMQ_XPUB_NODROP, 1);
    set_int (reports, ZMQ_RCVTIMEO, 4 * PROBE_TIMEOUT_MS);
    check (zmq_bind (pub, data), "zmq_bind data");
    check (zmq_bind (reports, done), "zmq_bind done");

    char buf[256];
    for (int seen = 0; seen < subs;) {
        /* Subscribers start together: allow for all of them to come up. */
        int n = zmq_recv (pub, buf, sizeof buf, 0);
        check (n, "waiting for subscriptions");
        if (n >= 1 && buf[0] == 1)
            seen++;
    }
    double start = now_s ();
    zmq_msg_t msg;
    for (long i = 0; i < count; i++) {
        check (zmq_msg_init_size (&msg, size), "zmq_msg_init_size");
        check (zmq_msg_send (&msg, pub, 0), "zmq_msg_send");
    }
    int failed = 0;
    for (int i = 0; i < subs; i++) {
        int n = zmq_recv (reports, buf, sizeof buf - 1, 0);
        check (n, "waiting for a subscriber's report");
        buf[n] = 0;
        if (atol (buf) != count) {
            fprintf (stderr, "a subscriber received %s of %ld messages\n", buf, count);
            failed = 1;
        }
    }
    double elapsed = now_s () - start;
    printf ("msgs_per_sec=%.0f deliveries_per_sec=%.0f subscribers=%d\n", count / elapsed,
            (double) count * subs / elapsed, subs);
    zmq_close (pub);
    zmq_close (reports);
    zmq_ctx_term (ctx);
    return failed;
}

static int subscriber (const char *data, const char *done, size_t size, long count)
{
    void *ctx = zmq_ctx_new ();
    void *sub = open_socket (ctx, ZMQ_SUB);
    void *report = open_socket (ctx, ZMQ_PUSH);
    set_int (report, ZMQ_LINGER, -1);
    check (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0), "ZMQ_SUBSCRIBE");
    check (zmq_connect (sub, data), "zmq_connect data");
    check (zmq_connect (report, done), "zmq_connect done");
    /* The first wait covers the other subscribers' start-up. */
    set_int (sub, ZMQ_RCVTIMEO, 4 * PROBE_TIMEOUT_MS);
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    long got = 0;
    while (got < count) {
        if (zmq_msg_recv (&msg, sub, 0) < 0)
            break;
        if (zmq_msg_size (&msg) != size) {
            fprintf (stderr, "message of %zu bytes, expected %zu\n", zmq_msg_size (&msg), size);
            break;
        }
        if (got++ == 0)
            set_int (sub, ZMQ_RCVTIMEO, PROBE_TIMEOUT_MS);
    }
    zmq_msg_close (&msg);
    char buf[32];
    int n = snprintf (buf, sizeof buf, "%ld", got);
    check (zmq_send (report, buf, (size_t) n, 0), "sending the report");
    zmq_close (sub);
    zmq_close (report);
    zmq_ctx_term (ctx);
    return got == count ? 0 : 1;
}

int main (int argc, char **argv)
{
    if (argc == 7 && strcmp (argv[1], "pub") == 0)
        return publisher (argv[2], argv[3], (size_t) atol (argv[4]), atol (argv[5]),
                          atoi (argv[6]));
    if (argc == 6 && strcmp (argv[1], "sub") == 0)
        return subscriber (argv[2], argv[3], (size_t) atol (argv[4]), atol (argv[5]));
    fprintf (stderr, "usage: fanout pub <data> <done> <size> <count> <subscribers>\n"
                     "       fanout sub <data> <done> <size> <count>\n");
    return 2;
}
