/*
 * idle: the memory an idle connection costs, on each side.
 *
 *   idle server <endpoint> <connections>   a PULL socket that binds
 *   idle client <endpoint> <connections>   a PUSH socket that connects that many times
 *
 * (PUSH, not DEALER: libzmq lets a DEALER, REQ, PUB or SUB connect to an
 * endpoint only once.) Each side counts ZMQ_EVENT_HANDSHAKE_SUCCEEDED on a
 * socket monitor until every connection has completed its ZMTP handshake,
 * then reads its VmRSS and prints the growth per connection since just
 * before the bind/connect (KiB). The client then sends one message so the
 * server, which keeps every connection open until then, knows it may exit.
 */
#include "probe.h"

#include <stdint.h>
#include <sys/resource.h>

static void raise_fd_limit (void)
{
    struct rlimit rl;
    if (getrlimit (RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit (RLIMIT_NOFILE, &rl);
    }
}

/* Waits for n successful handshakes on the socket that `monitor` watches. */
static void await_handshakes (void *monitor, int n)
{
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    for (int seen = 0; seen < n;) {
        check (zmq_msg_recv (&msg, monitor, 0), "waiting for handshakes");
        uint16_t event = 0;
        if (zmq_msg_size (&msg) >= 2)
            memcpy (&event, zmq_msg_data (&msg), 2);
        check (zmq_msg_recv (&msg, monitor, 0), "monitor endpoint frame");
        if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
            seen++;
    }
    zmq_msg_close (&msg);
}

static void *monitor_of (void *ctx, void *s, const char *name)
{
    char endpoint[64];
    snprintf (endpoint, sizeof endpoint, "inproc://idle-monitor-%s", name);
    check (zmq_socket_monitor (s, endpoint, ZMQ_EVENT_HANDSHAKE_SUCCEEDED), "zmq_socket_monitor");
    void *monitor = open_socket (ctx, ZMQ_PAIR);
    set_int (monitor, ZMQ_RCVTIMEO, 4 * PROBE_TIMEOUT_MS);
    check (zmq_connect (monitor, endpoint), "connecting the monitor");
    return monitor;
}

static void report (const char *side, long before, long after, int n)
{
    printf ("side=%s connections=%d rss_kb=%ld kb_per_connection=%.2f\n", side, n, after,
            (double) (after - before) / n);
    fflush (stdout);
}

int main (int argc, char **argv)
{
    if (argc != 4) {
        fprintf (stderr, "usage: idle server|client <endpoint> <connections>\n");
        return 2;
    }
    int server = strcmp (argv[1], "server") == 0;
    int n = atoi (argv[3]);
    raise_fd_limit ();
    void *ctx = zmq_ctx_new ();
    void *s = open_socket (ctx, server ? ZMQ_PULL : ZMQ_PUSH);
    void *monitor = monitor_of (ctx, s, argv[1]);
    long before = rss_kb ();
    if (server)
        check (zmq_bind (s, argv[2]), "zmq_bind");
    else
        for (int i = 0; i < n; i++)
            check (zmq_connect (s, argv[2]), "zmq_connect");
    await_handshakes (monitor, n);
    report (argv[1], before, rss_kb (), n);
    if (server) {
        char buf[8];
        set_int (s, ZMQ_RCVTIMEO, 4 * PROBE_TIMEOUT_MS);
        check (zmq_recv (s, buf, sizeof buf, 0), "waiting for the client's goodbye");
    } else {
        check (zmq_send (s, "bye", 3, 0), "zmq_send");
    }
    set_int (s, ZMQ_LINGER, server ? 0 : 5000);
    zmq_socket_monitor (s, NULL, 0);
    zmq_close (s);
    zmq_close (monitor);
    zmq_ctx_term (ctx);
    return 0;
}
