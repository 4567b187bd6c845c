/* C API tests, continued: patterns, PLAIN with ZAP, polling, proxies,
 * monitors, Z85/CURVE, utilities, timers, termination. See test_api.c. */
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

void test_patterns (void *ctx)
{
    /* PUB/SUB with a prefix filter, over ipc. */
    void *pub = sock (ctx, ZMQ_PUB);
    void *sub = sock (ctx, ZMQ_SUB);
    char path[64];
    snprintf (path, sizeof path, "ipc:///tmp/ferrozmq-capi-%d", (int) getpid ());
    CHECK_OK (zmq_bind (pub, path));
    CHECK_OK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "news", 4));
    CHECK_OK (zmq_connect (sub, path));
    /* Publish until the subscription has arrived. */
    char buf[64];
    int got = -1;
    for (int i = 0; i < 500 && got < 0; i++) {
        send_str (pub, "sport: 1-0", 0);
        send_str (pub, "news: hello", 0);
        got = zmq_recv (sub, buf, sizeof buf, ZMQ_DONTWAIT);
        if (got < 0)
            usleep (2000);
    }
    CHECK (got == 11 && memcmp (buf, "news: hello", 11) == 0);
    CHECK_OK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "news", 4));
    CHECK_OK (zmq_close (sub));
    CHECK_OK (zmq_close (pub));

    /* XPUB sees subscriptions as messages. */
    void *xpub = sock (ctx, ZMQ_XPUB);
    void *xsub = sock (ctx, ZMQ_SUB);
    CHECK_OK (zmq_bind (xpub, "inproc://xpub"));
    CHECK_OK (zmq_connect (xsub, "inproc://xpub"));
    CHECK_OK (zmq_setsockopt (xsub, ZMQ_SUBSCRIBE, "t", 1));
    int n = zmq_recv (xpub, buf, sizeof buf, 0);
    CHECK (n == 2 && buf[0] == 1 && buf[1] == 't');
    CHECK_OK (zmq_close (xsub));
    CHECK_OK (zmq_close (xpub));

    /* PAIR both ways. */
    void *a = sock (ctx, ZMQ_PAIR);
    void *b = sock (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_bind (a, "inproc://pair"));
    CHECK_OK (zmq_connect (b, "inproc://pair"));
    send_str (a, "ping", 0);
    expect_str (b, "ping");
    send_str (b, "pong", 0);
    expect_str (a, "pong");
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
}

/* A ZAP handler (RFC 27): accepts admin/secret, refuses everyone else. */
static void zap_handler (void *arg)
{
    void *handler = arg;
    for (;;) {
        char frames[8][64];
        int sizes[8], n = 0, more = 1;
        while (more && n < 8) {
            sizes[n] = zmq_recv (handler, frames[n], sizeof frames[n] - 1, 0);
            if (sizes[n] < 0)
                goto done; /* ETERM: the test is over */
            frames[n][sizes[n] < 63 ? sizes[n] : 63] = 0;
            size_t len = sizeof more;
            zmq_getsockopt (handler, ZMQ_RCVMORE, &more, &len);
            n++;
        }
        /* version, request id, domain, address, routing id, mechanism, user, password */
        int ok = n == 8 && strcmp (frames[5], "PLAIN") == 0 && strcmp (frames[6], "admin") == 0
                 && strcmp (frames[7], "secret") == 0;
        zmq_send (handler, "1.0", 3, ZMQ_SNDMORE);
        zmq_send (handler, frames[1], sizes[1], ZMQ_SNDMORE);
        zmq_send (handler, ok ? "200" : "400", 3, ZMQ_SNDMORE);
        zmq_send (handler, ok ? "OK" : "No", 2, ZMQ_SNDMORE);
        zmq_send (handler, ok ? "admin" : "", ok ? 5 : 0, ZMQ_SNDMORE);
        zmq_send (handler, "", 0, 0);
    }
done:
    zmq_close (handler);
}

void test_plain (void)
{
    void *ctx = zmq_ctx_new ();
    void *handler = zmq_socket (ctx, ZMQ_REP);
    CHECK_OK (zmq_bind (handler, "inproc://zeromq.zap.01"));
    void *thread = zmq_threadstart (zap_handler, handler);

    void *server = sock (ctx, ZMQ_REP);
    int on = 1;
    CHECK_OK (zmq_setsockopt (server, ZMQ_PLAIN_SERVER, &on, sizeof on));
    char endpoint[256];
    bind_tcp (server, endpoint, sizeof endpoint);

    /* Right credentials: through, and the message carries the User-Id. */
    void *client = sock (ctx, ZMQ_REQ);
    CHECK_OK (zmq_setsockopt (client, ZMQ_PLAIN_USERNAME, "admin", 5));
    CHECK_OK (zmq_setsockopt (client, ZMQ_PLAIN_PASSWORD, "secret", 6));
    int mechanism = -1;
    size_t len = sizeof mechanism;
    CHECK_OK (zmq_getsockopt (client, ZMQ_MECHANISM, &mechanism, &len));
    CHECK (mechanism == ZMQ_PLAIN);
    char user[64];
    len = sizeof user;
    CHECK_OK (zmq_getsockopt (client, ZMQ_PLAIN_USERNAME, user, &len));
    CHECK (len == 6 && strcmp (user, "admin") == 0);
    CHECK_OK (zmq_connect (client, endpoint));
    send_str (client, "over PLAIN", 0);
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    CHECK (zmq_msg_recv (&msg, server, 0) == 10);
    const char *user_id = zmq_msg_gets (&msg, "User-Id");
    CHECK (user_id != NULL && strcmp (user_id, "admin") == 0);
    zmq_msg_close (&msg);
    send_str (server, "ok", 0);
    expect_str (client, "ok");

    /* Wrong password: refused, nothing arrives. */
    void *intruder = sock (ctx, ZMQ_REQ);
    CHECK_OK (zmq_setsockopt (intruder, ZMQ_PLAIN_USERNAME, "admin", 5));
    CHECK_OK (zmq_setsockopt (intruder, ZMQ_PLAIN_PASSWORD, "guess", 5));
    CHECK_OK (zmq_connect (intruder, endpoint));
    send_str (intruder, "let me in", 0);
    int timeout = 300;
    zmq_setsockopt (server, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    char buf[32];
    CHECK_ERR (zmq_recv (server, buf, sizeof buf, 0), EAGAIN);

    zmq_close (intruder);
    zmq_close (client);
    zmq_close (server);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    zmq_threadclose (thread);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Event loops wait on ZMQ_FD with poll(2), then read ZMQ_EVENTS. */
void test_fd_event_loop (void *ctx)
{
    void *a = sock (ctx, ZMQ_PULL);
    void *b = sock (ctx, ZMQ_PUSH);
    char endpoint[256];
    bind_tcp (a, endpoint, sizeof endpoint);
    CHECK_OK (zmq_connect (b, endpoint));
    zmq_fd_t fd;
    size_t len = sizeof fd;
    CHECK_OK (zmq_getsockopt (a, ZMQ_FD, &fd, &len));
    int received = 0;
    for (int i = 0; i < 3; i++)
        send_str (b, "tick", 0);
    for (int rounds = 0; rounds < 100 && received < 3; rounds++) {
        int events = 0;
        len = sizeof events;
        CHECK_OK (zmq_getsockopt (a, ZMQ_EVENTS, &events, &len));
        if (events & ZMQ_POLLIN) {
            /* Drain everything: the fd is edge-triggered. */
            char buf[8];
            while (zmq_recv (a, buf, sizeof buf, ZMQ_DONTWAIT) == 4)
                received++;
            continue;
        }
        struct pollfd p = {fd, POLLIN, 0};
        poll (&p, 1, 1000);
    }
    CHECK (received == 3);
    zmq_close (a);
    zmq_close (b);
}

void test_poll (void *ctx)
{
    void *a = sock (ctx, ZMQ_PAIR);
    void *b = sock (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_bind (a, "inproc://poll"));
    CHECK_OK (zmq_connect (b, "inproc://poll"));
    int pipe_fds[2];
    CHECK (pipe (pipe_fds) == 0);

    zmq_pollitem_t items[4] = {
      {a, 0, ZMQ_POLLIN, 0},
      {b, 0, ZMQ_POLLIN | ZMQ_POLLOUT, 0},
      {NULL, pipe_fds[0], ZMQ_POLLIN, 0},
      {a, 0, ZMQ_POLLOUT, 0}, /* the same socket twice */
    };
    /* b can send, a can send, nothing to read. */
    CHECK (zmq_poll (items, 4, 0) == 2);
    CHECK (items[0].revents == 0);
    CHECK (items[1].revents == ZMQ_POLLOUT);
    CHECK (items[2].revents == 0);
    CHECK (items[3].revents == ZMQ_POLLOUT);

    /* Nothing readable: times out after about 30 ms. */
    void *watch = zmq_stopwatch_start ();
    CHECK (zmq_poll (items, 1, 30) == 0);
    unsigned long us = zmq_stopwatch_stop (watch);
    CHECK (us >= 25000 && us < 2000000);

    send_str (b, "wake", 0);
    CHECK (zmq_poll (items, 1, 2000) == 1);
    CHECK (items[0].revents == ZMQ_POLLIN);
    expect_str (a, "wake");

    CHECK (write (pipe_fds[1], "x", 1) == 1);
    CHECK (zmq_poll (items + 2, 1, 2000) == 1);
    CHECK (items[2].revents == ZMQ_POLLIN);

    /* ZMQ_EVENTS tells the same. */
    send_str (b, "again", 0);
    int events = 0;
    size_t len = sizeof events;
    for (int i = 0; i < 1000 && !(events & ZMQ_POLLIN); i++) {
        len = sizeof events;
        zmq_getsockopt (a, ZMQ_EVENTS, &events, &len);
        if (!(events & ZMQ_POLLIN))
            usleep (1000);
    }
    CHECK (events & ZMQ_POLLIN);
    expect_str (a, "again");

    CHECK_ERR (zmq_poll (items, -1, 0), EINVAL);
    CHECK (zmq_poll (NULL, 0, 0) == 0);
    /* A hang-up (the writer gone, nothing left to read) or a descriptor
     * that is not open is ZMQ_POLLERR, asked for or not. */
    char x;
    CHECK (read (pipe_fds[0], &x, 1) == 1);
    close (pipe_fds[1]);
    CHECK (zmq_poll (items + 2, 1, 2000) == 1);
    CHECK (items[2].revents == ZMQ_POLLERR);
    close (pipe_fds[0]);
    zmq_pollitem_t closed_fd = {NULL, pipe_fds[0], ZMQ_POLLIN, 0};
    CHECK (zmq_poll (&closed_fd, 1, 2000) == 1);
    CHECK (closed_fd.revents == ZMQ_POLLERR);
    CHECK_OK (zmq_close (a));
    CHECK_OK (zmq_close (b));
}

struct proxy_args
{
    void *frontend, *backend, *capture, *control;
    int rc, err;
};

static void run_proxy (void *arg)
{
    struct proxy_args *p = arg;
    if (p->control)
        p->rc = zmq_proxy_steerable (p->frontend, p->backend, p->capture, p->control);
    else
        p->rc = zmq_proxy (p->frontend, p->backend, p->capture);
    p->err = zmq_errno ();
}

void test_proxy (void)
{
    /* A steerable ROUTER/DEALER proxy, stopped with TERMINATE. */
    void *ctx = zmq_ctx_new ();
    struct proxy_args p = {sock (ctx, ZMQ_ROUTER), sock (ctx, ZMQ_DEALER),
                           sock (ctx, ZMQ_PUSH), sock (ctx, ZMQ_REP), 0, 0};
    int forever = -1;
    zmq_setsockopt (p.frontend, ZMQ_RCVTIMEO, &forever, sizeof forever);
    zmq_setsockopt (p.backend, ZMQ_RCVTIMEO, &forever, sizeof forever);
    zmq_setsockopt (p.control, ZMQ_RCVTIMEO, &forever, sizeof forever);
    CHECK_OK (zmq_bind (p.frontend, "inproc://front"));
    CHECK_OK (zmq_bind (p.backend, "inproc://back"));
    CHECK_OK (zmq_bind (p.capture, "inproc://capture"));
    CHECK_OK (zmq_bind (p.control, "inproc://control"));
    void *client = sock (ctx, ZMQ_REQ);
    void *worker = sock (ctx, ZMQ_REP);
    void *captured = sock (ctx, ZMQ_PULL);
    void *control = sock (ctx, ZMQ_REQ);
    CHECK_OK (zmq_connect (client, "inproc://front"));
    CHECK_OK (zmq_connect (worker, "inproc://back"));
    CHECK_OK (zmq_connect (captured, "inproc://capture"));
    CHECK_OK (zmq_connect (control, "inproc://control"));
    void *thread = zmq_threadstart (run_proxy, &p);
    CHECK (thread != NULL);

    send_str (client, "request", 0);
    expect_str (worker, "request");
    send_str (worker, "reply", 0);
    expect_str (client, "reply");

    /* The capture socket saw every frame: [id, "", request] and back. */
    char buf[64];
    int frames = 0;
    while (zmq_recv (captured, buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
        frames++;
    CHECK (frames >= 2);

    send_str (control, "STATISTICS", 0);
    zmq_msg_t stat;
    zmq_msg_init (&stat);
    int parts = 0;
    uint64_t values[8] = {0};
    do {
        CHECK (zmq_msg_recv (&stat, control, 0) == 8);
        if (parts < 8)
            memcpy (&values[parts], zmq_msg_data (&stat), 8);
        parts++;
    } while (zmq_msg_more (&stat));
    zmq_msg_close (&stat);
    CHECK (parts == 8);
    CHECK (values[0] == 1); /* frontend messages in */
    CHECK (values[4] == 1); /* backend messages in */

    send_str (control, "TERMINATE", 0);
    zmq_threadclose (thread);
    CHECK (p.rc == 0);

    zmq_close (client);
    zmq_close (worker);
    zmq_close (captured);
    zmq_close (control);
    zmq_close (p.frontend);
    zmq_close (p.backend);
    zmq_close (p.capture);
    zmq_close (p.control);
    CHECK_OK (zmq_ctx_term (ctx));

    /* A plain zmq_proxy returns ETERM when the context ends. */
    ctx = zmq_ctx_new ();
    struct proxy_args q = {sock (ctx, ZMQ_PULL), sock (ctx, ZMQ_PUSH), NULL, NULL, 0, 0};
    zmq_setsockopt (q.frontend, ZMQ_RCVTIMEO, &forever, sizeof forever);
    CHECK_OK (zmq_bind (q.frontend, "inproc://in"));
    CHECK_OK (zmq_bind (q.backend, "inproc://out"));
    void *producer = sock (ctx, ZMQ_PUSH);
    void *consumer = sock (ctx, ZMQ_PULL);
    CHECK_OK (zmq_connect (producer, "inproc://in"));
    CHECK_OK (zmq_connect (consumer, "inproc://out"));
    thread = zmq_threadstart (run_proxy, &q);
    send_str (producer, "through", 0);
    expect_str (consumer, "through");
    zmq_close (producer);
    zmq_close (consumer);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    zmq_threadclose (thread);
    CHECK (q.rc == -1 && q.err == ETERM);
    zmq_close (q.frontend);
    zmq_close (q.backend);
    CHECK_OK (zmq_ctx_term (ctx));
}

static void run_device (void *arg)
{
    struct proxy_args *p = arg;
    p->rc = zmq_device (ZMQ_QUEUE, p->frontend, p->backend);
    p->err = zmq_errno ();
}

void test_device (void)
{
    void *ctx = zmq_ctx_new ();
    struct proxy_args q = {sock (ctx, ZMQ_PULL), sock (ctx, ZMQ_PUSH), NULL, NULL, 0, 0};
    int forever = -1;
    zmq_setsockopt (q.frontend, ZMQ_RCVTIMEO, &forever, sizeof forever);
    CHECK_OK (zmq_bind (q.frontend, "inproc://dev-in"));
    CHECK_OK (zmq_bind (q.backend, "inproc://dev-out"));
    void *producer = sock (ctx, ZMQ_PUSH);
    void *consumer = sock (ctx, ZMQ_PULL);
    CHECK_OK (zmq_connect (producer, "inproc://dev-in"));
    CHECK_OK (zmq_connect (consumer, "inproc://dev-out"));
    void *thread = zmq_threadstart (run_device, &q);
    send_str (producer, "device", 0);
    expect_str (consumer, "device");
    zmq_close (producer);
    zmq_close (consumer);
    CHECK_OK (zmq_ctx_shutdown (ctx));
    zmq_threadclose (thread);
    CHECK (q.rc == -1 && q.err == ETERM);
    zmq_close (q.frontend);
    zmq_close (q.backend);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* Reads one monitor event; returns its number, or -1. */
static int read_event (void *monitor, uint32_t *value, char *endpoint, size_t size)
{
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    if (zmq_msg_recv (&msg, monitor, 0) != 6) {
        zmq_msg_close (&msg);
        return -1;
    }
    const uint8_t *data = zmq_msg_data (&msg);
    uint16_t event;
    memcpy (&event, data, 2);
    memcpy (value, data + 2, 4);
    CHECK (zmq_msg_more (&msg));
    int n = zmq_msg_recv (&msg, monitor, 0);
    if (n >= 0 && (size_t) n < size) {
        memcpy (endpoint, zmq_msg_data (&msg), n);
        endpoint[n] = 0;
    }
    zmq_msg_close (&msg);
    return event;
}

void test_monitor (void *ctx)
{
    void *server = sock (ctx, ZMQ_REP);
    void *client = sock (ctx, ZMQ_REQ);
    CHECK_OK (zmq_socket_monitor (server, "inproc://monitor-server", ZMQ_EVENT_ALL));
    CHECK_OK (zmq_socket_monitor (client, "inproc://monitor-client",
                                  ZMQ_EVENT_CONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
                                    | ZMQ_EVENT_MONITOR_STOPPED));
    void *server_events = sock (ctx, ZMQ_PAIR);
    void *client_events = sock (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_connect (server_events, "inproc://monitor-server"));
    CHECK_OK (zmq_connect (client_events, "inproc://monitor-client"));

    char endpoint[256], seen[256];
    bind_tcp (server, endpoint, sizeof endpoint);
    CHECK_OK (zmq_connect (client, endpoint));
    send_str (client, "hi", 0);
    expect_str (server, "hi");

    uint32_t value;
    int listening = 0, accepted = 0, handshake = 0;
    while (!(listening && accepted && handshake)) {
        int event = read_event (server_events, &value, seen, sizeof seen);
        if (event < 0)
            break;
        if (event == ZMQ_EVENT_LISTENING) {
            listening = 1;
            CHECK (strcmp (seen, endpoint) == 0);
        }
        accepted |= event == ZMQ_EVENT_ACCEPTED;
        handshake |= event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
    }
    CHECK (listening && accepted && handshake);

    int connected = 0;
    handshake = 0;
    while (!(connected && handshake)) {
        int event = read_event (client_events, &value, seen, sizeof seen);
        if (event < 0)
            break;
        CHECK (event == ZMQ_EVENT_CONNECTED || event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
        connected |= event == ZMQ_EVENT_CONNECTED;
        handshake |= event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
    }
    CHECK (connected && handshake);

    /* Turning monitoring off sends MONITOR_STOPPED. */
    CHECK_OK (zmq_socket_monitor (client, NULL, 0));
    CHECK (read_event (client_events, &value, seen, sizeof seen) == ZMQ_EVENT_MONITOR_STOPPED);
    CHECK_OK (zmq_socket_monitor (server, NULL, 0));

    zmq_close (client);
    zmq_close (server);
    zmq_close (server_events);
    zmq_close (client_events);
}

/* The order of a connecting socket's events, as libzmq reports them: tcp
 * connects are DELAYED, ipc ones are not; after the peer goes, DISCONNECTED
 * and CONNECT_RETRIED, then each failed attempt closes its socket (CLOSED)
 * before the next CONNECT_RETRIED. Returns how many events differed. */
static int monitor_sequence (void *ctx, const char *transport, int round)
{
    int tcp = strncmp (transport, "tcp", 3) == 0, wrong = 0;
    /* The server has a context of its own, terminated to end it: closing
     * everything before it returns, where zmq_close may leave it to later. */
    void *server_ctx = zmq_ctx_new ();
    void *server = sock (server_ctx, ZMQ_REP);
    void *client = sock (ctx, ZMQ_REQ);
    char name[64], endpoint[256], seen[256];
    snprintf (name, sizeof name, "inproc://monitor-sequence-%d", round);
    CHECK_OK (zmq_socket_monitor (client, name, ZMQ_EVENT_ALL));
    void *events = sock (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_connect (events, name));
    CHECK_OK (zmq_bind (server, transport));
    size_t len = sizeof endpoint;
    CHECK_OK (zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, endpoint, &len));
    CHECK_OK (zmq_connect (client, endpoint));
    uint32_t value;
    int expected[16], n = 0;
    if (tcp)
        expected[n++] = ZMQ_EVENT_CONNECT_DELAYED;
    expected[n++] = ZMQ_EVENT_CONNECTED;
    expected[n++] = ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
    int ended = n;
    expected[n++] = ZMQ_EVENT_DISCONNECTED;
    expected[n++] = ZMQ_EVENT_CONNECT_RETRIED;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (tcp)
            expected[n++] = ZMQ_EVENT_CONNECT_DELAYED;
        expected[n++] = ZMQ_EVENT_CLOSED;
        expected[n++] = ZMQ_EVENT_CONNECT_RETRIED;
    }
    for (int i = 0; i < n; i++) {
        if (i == ended) {
            CHECK_OK (zmq_close (server));
            CHECK_OK (zmq_ctx_term (server_ctx));
        }
        int event = read_event (events, &value, seen, sizeof seen);
        if (event != expected[i]) {
            fprintf (stderr, "  %s event %d: 0x%x, expected 0x%x\n", transport, i,
                     event, expected[i]);
            wrong++;
            if (event < 0) {
                wrong += n - i - 1; /* timed out: the rest will too */
                if (i < ended) {
                    zmq_close (server);
                    zmq_ctx_term (server_ctx);
                }
                break;
            }
        }
    }
    /* Monitoring stops before the reader goes: libzmq's reaper sends the
     * events of a closing socket with a blocking send, so closing the
     * reader first can leave it blocked for good, and with it every later
     * close in the context. */
    CHECK_OK (zmq_socket_monitor (client, NULL, 0));
    zmq_close (client);
    zmq_close (events);
    return wrong;
}

/* The sequences above on tcp and ipc, and a failed bind: CLOSED, then
 * BIND_FAILED. */
void test_monitor_sequences (void *ctx)
{
    CHECK (monitor_sequence (ctx, "tcp://127.0.0.1:*", 0) == 0);
    CHECK (monitor_sequence (ctx, "ipc://*", 1) == 0);

    void *first = sock (ctx, ZMQ_PULL);
    void *second = sock (ctx, ZMQ_PULL);
    char endpoint[256], seen[256];
    bind_tcp (first, endpoint, sizeof endpoint);
    CHECK_OK (zmq_socket_monitor (second, "inproc://monitor-bind-failed", ZMQ_EVENT_ALL));
    void *events = sock (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_connect (events, "inproc://monitor-bind-failed"));
    CHECK_ERR (zmq_bind (second, endpoint), EADDRINUSE);
    uint32_t value;
    CHECK (read_event (events, &value, seen, sizeof seen) == ZMQ_EVENT_CLOSED);
    CHECK (read_event (events, &value, seen, sizeof seen) == ZMQ_EVENT_BIND_FAILED);
    CHECK (value == EADDRINUSE && strcmp (seen, endpoint + strlen ("tcp://")) == 0);
    CHECK_OK (zmq_socket_monitor (second, NULL, 0));
    zmq_close (first);
    zmq_close (second);
    zmq_close (events);
}

/* A tcp endpoint nothing listens on: a port bound by a plain socket, read,
 * and closed (a ZeroMQ socket would not do: libzmq closes its listener
 * later, in the background, and a connect in between succeeds). */
static void unused_tcp_endpoint (char *endpoint, size_t size)
{
    int probe = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t addr_len = sizeof addr;
    CHECK (probe >= 0 && bind (probe, (struct sockaddr *) &addr, sizeof addr) == 0);
    CHECK (getsockname (probe, (struct sockaddr *) &addr, &addr_len) == 0);
    close (probe);
    snprintf (endpoint, size, "tcp://127.0.0.1:%d", ntohs (addr.sin_port));
}

/* ZMQ_RECONNECT_STOP (109): libzmq 4.3 takes it although its zmq.h shows
 * it only with ZMQ_BUILD_DRAFT_API. With CONN_REFUSED (1), a refused tcp
 * connect is closed for good: CONNECT_DELAYED, CLOSED, and no retry. */
#ifndef ZMQ_RECONNECT_STOP
#define ZMQ_RECONNECT_STOP 109
#endif
void test_reconnect_stop (void *ctx)
{
    char endpoint[256], seen[256];
    unused_tcp_endpoint (endpoint, sizeof endpoint);
    for (int stop = 0; stop <= 1; stop++) {
        void *client = sock (ctx, ZMQ_DEALER);
        int value = stop, got = -1;
        size_t len = sizeof got;
        CHECK_OK (zmq_setsockopt (client, ZMQ_RECONNECT_STOP, &value, sizeof value));
        CHECK_OK (zmq_getsockopt (client, ZMQ_RECONNECT_STOP, &got, &len));
        CHECK (got == stop);
        char name[64];
        snprintf (name, sizeof name, "inproc://reconnect-stop-%d", stop);
        CHECK_OK (zmq_socket_monitor (client, name, ZMQ_EVENT_ALL));
        void *events = sock (ctx, ZMQ_PAIR);
        /* Expected events may take long on a loaded machine (1 s was
         * exceeded by Debian's libzmq under CI load); the absence of a
         * retry (100 ms after CLOSED by default) is waited for 1 s. */
        int timeout = 10000;
        zmq_setsockopt (events, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        CHECK_OK (zmq_connect (events, name));
        CHECK_OK (zmq_connect (client, endpoint));
        uint32_t ignored;
        CHECK (read_event (events, &ignored, seen, sizeof seen) == ZMQ_EVENT_CONNECT_DELAYED);
        CHECK (read_event (events, &ignored, seen, sizeof seen) == ZMQ_EVENT_CLOSED);
        if (stop) {
            timeout = 1000;
            zmq_setsockopt (events, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        }
        int then = read_event (events, &ignored, seen, sizeof seen);
        CHECK (then == (stop ? -1 : ZMQ_EVENT_CONNECT_RETRIED));
        CHECK_OK (zmq_socket_monitor (client, NULL, 0));
        zmq_close (client);
        zmq_close (events);
    }
}

/* Reconnects are spread as libzmq spreads them: each CONNECT_RETRIED
 * delay is ZMQ_RECONNECT_IVL plus a random jitter below it, so that many
 * clients of a restarted server do not all come back in the same instant.
 * 20 refused rounds at 10 ms: every delay in [10, 20), and not all alike
 * (odds of 1 in 10^19 with a uniform jitter). */
void test_reconnect_jitter (void *ctx)
{
    char endpoint[256], seen[256];
    unused_tcp_endpoint (endpoint, sizeof endpoint);
    void *client = sock (ctx, ZMQ_DEALER);
    int ivl = 10;
    CHECK_OK (zmq_setsockopt (client, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl));
    CHECK_OK (zmq_socket_monitor (client, "inproc://reconnect-jitter", ZMQ_EVENT_CONNECT_RETRIED));
    void *events = sock (ctx, ZMQ_PAIR);
    int timeout = 10000;
    zmq_setsockopt (events, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    CHECK_OK (zmq_connect (events, "inproc://reconnect-jitter"));
    CHECK_OK (zmq_connect (client, endpoint));
    uint32_t first = 0, value = 0;
    int varied = 0;
    for (int round = 0; round < 20; round++) {
        CHECK (read_event (events, &value, seen, sizeof seen) == ZMQ_EVENT_CONNECT_RETRIED);
        CHECK (value >= (uint32_t) ivl && value < (uint32_t) (2 * ivl));
        if (round == 0)
            first = value;
        varied |= value != first;
    }
    CHECK (varied);
    CHECK_OK (zmq_socket_monitor (client, NULL, 0));
    zmq_close (client);
    zmq_close (events);
}

/* A connect closed right after it was made still reaches the peer: the
 * connect comes before the close in libzmq's I/O thread, so the listener
 * accepts the connection and reports it gone (jzmq's monitor tests count on
 * that DISCONNECTED). */
void test_connect_closed_at_once_reaches_the_peer (void *ctx)
{
    void *rep = sock (ctx, ZMQ_REP);
    char endpoint[256], seen[256];
    bind_tcp (rep, endpoint, sizeof endpoint);
    CHECK_OK (zmq_socket_monitor (rep, "inproc://closed-at-once", ZMQ_EVENT_DISCONNECTED));
    void *events = sock (ctx, ZMQ_PAIR);
    int timeout = 10000;
    zmq_setsockopt (events, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    CHECK_OK (zmq_connect (events, "inproc://closed-at-once"));
    for (int round = 0; round < 3; round++) {
        void *req = sock (ctx, ZMQ_REQ);
        CHECK_OK (zmq_connect (req, endpoint));
        CHECK_OK (zmq_close (req));
        uint32_t value;
        CHECK (read_event (events, &value, seen, sizeof seen) == ZMQ_EVENT_DISCONNECTED);
    }
    CHECK_OK (zmq_socket_monitor (rep, NULL, 0));
    zmq_close (events);
    zmq_close (rep);
}

void test_z85_and_curve (void)
{
    uint8_t data[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    char text[11];
    CHECK (zmq_z85_encode (text, data, 8) == text);
    CHECK (strcmp (text, "HelloWorld") == 0);
    uint8_t back[8];
    CHECK (zmq_z85_decode (back, "HelloWorld") == back);
    CHECK (memcmp (back, data, 8) == 0);
    CHECK (zmq_z85_encode (text, data, 3) == NULL && zmq_errno () == EINVAL);
    CHECK (zmq_z85_decode (back, "Hell") == NULL && zmq_errno () == EINVAL);

    char public_key[41], secret_key[41];
    int rc = zmq_curve_keypair (public_key, secret_key);
    if (rc == 0) {
        /* libzmq built with CURVE. */
        CHECK (strlen (public_key) == 40 && strlen (secret_key) == 40);
        char derived[41];
        CHECK_OK (zmq_curve_public (derived, secret_key));
        CHECK (strcmp (derived, public_key) == 0);
        CHECK (zmq_has ("curve") == 1);
        CHECK_ERR (zmq_curve_public (derived, "too short"), EINVAL);

        /* Key options: set as Z85 text, read back raw (32) or as text (41). */
        void *ctx = zmq_ctx_new ();
        void *s = zmq_socket (ctx, ZMQ_DEALER);
        CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, public_key, 40));
        CHECK_OK (zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, secret_key, 41));
        uint8_t raw[32];
        size_t size = sizeof raw;
        CHECK_OK (zmq_getsockopt (s, ZMQ_CURVE_SERVERKEY, raw, &size));
        CHECK (size == 32);
        uint8_t expected[32];
        CHECK (zmq_z85_decode (expected, public_key) == expected);
        CHECK (memcmp (raw, expected, 32) == 0);
        char z85[41];
        size = sizeof z85;
        CHECK_OK (zmq_getsockopt (s, ZMQ_CURVE_SECRETKEY, z85, &size));
        CHECK (size == 41 && strcmp (z85, secret_key) == 0);
        size = 40;
        CHECK_ERR (zmq_getsockopt (s, ZMQ_CURVE_PUBLICKEY, z85, &size), EINVAL);
        CHECK_ERR (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, public_key, 39), EINVAL);
        int mechanism = -1;
        size = sizeof mechanism;
        CHECK_OK (zmq_getsockopt (s, ZMQ_MECHANISM, &mechanism, &size));
        CHECK (mechanism == ZMQ_CURVE);
        zmq_close (s);
        zmq_ctx_term (ctx);
    } else {
        CHECK (zmq_errno () == ENOTSUP);
        CHECK_ERR (zmq_curve_public (public_key, "0000000000000000000000000000000000000000"),
                   ENOTSUP);
        CHECK (zmq_has ("curve") == 0);
    }
    if (on_ferrozmq)
        CHECK (rc == 0);
}

static void *counter;
static void count_up (void *arg)
{
    for (int i = 0; i < 1000; i++)
        zmq_atomic_counter_inc (arg);
}

void test_utils (void)
{
    counter = zmq_atomic_counter_new ();
    CHECK (counter != NULL);
    CHECK (zmq_atomic_counter_value (counter) == 0);
    CHECK (zmq_atomic_counter_inc (counter) == 0);
    CHECK (zmq_atomic_counter_value (counter) == 1);
    CHECK (zmq_atomic_counter_dec (counter) == 0); /* dropped to zero */
    zmq_atomic_counter_set (counter, 5);
    CHECK (zmq_atomic_counter_dec (counter) == 1);
    CHECK (zmq_atomic_counter_value (counter) == 4);

    zmq_atomic_counter_set (counter, 0);
    void *t1 = zmq_threadstart (count_up, counter);
    void *t2 = zmq_threadstart (count_up, counter);
    CHECK (t1 != NULL && t2 != NULL);
    zmq_threadclose (t1);
    zmq_threadclose (t2);
    CHECK (zmq_atomic_counter_value (counter) == 2000);
    zmq_atomic_counter_destroy (&counter);
    CHECK (counter == NULL);

    void *watch = zmq_stopwatch_start ();
    usleep (20000);
    unsigned long mid = zmq_stopwatch_intermediate (watch);
    CHECK (mid >= 15000);
    zmq_sleep (1);
    unsigned long total = zmq_stopwatch_stop (watch);
    CHECK (total >= mid + 900000);
}

static int fired[3];
static void on_timer (int id, void *arg)
{
    (void) arg;
    if (id >= 0 && id < 3)
        fired[id]++;
}

void test_timers (void)
{
    void *timers = zmq_timers_new ();
    CHECK (timers != NULL);
    CHECK (zmq_timers_timeout (timers) == -1);
    int fast = zmq_timers_add (timers, 10, on_timer, NULL);
    int slow = zmq_timers_add (timers, 100000, on_timer, NULL);
    CHECK (fast >= 0 && fast < 3 && slow >= 0 && slow < 3 && fast != slow);
    long timeout = zmq_timers_timeout (timers);
    CHECK (timeout >= 0 && timeout <= 10);
    usleep (15000);
    CHECK (zmq_timers_timeout (timers) == 0);
    CHECK_OK (zmq_timers_execute (timers));
    CHECK (fired[fast] == 1 && fired[slow] == 0);
    CHECK_OK (zmq_timers_set_interval (timers, slow, 5));
    CHECK_OK (zmq_timers_reset (timers, fast));
    usleep (8000);
    CHECK_OK (zmq_timers_execute (timers));
    CHECK (fired[slow] == 1);
    CHECK_OK (zmq_timers_cancel (timers, fast));
    CHECK_ERR (zmq_timers_cancel (timers, fast), EINVAL);
    CHECK_ERR (zmq_timers_reset (timers, 999), EINVAL);
    CHECK_ERR (zmq_timers_set_interval (timers, 999, 1), EINVAL);
    CHECK_OK (zmq_timers_destroy (&timers));
    CHECK (timers == NULL);
}

static void blocked_recv (void *arg)
{
    void **args = arg;
    char buf[8];
    int rc = zmq_recv (args[0], buf, sizeof buf, 0);
    args[1] = (void *) (intptr_t) (rc == -1 ? zmq_errno () : 0);
    zmq_close (args[0]);
}

void test_term_wakes_blocked_calls (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK_OK (zmq_bind (pull, "inproc://blocked"));
    void *args[2] = {pull, NULL};
    void *thread = zmq_threadstart (blocked_recv, args);
    usleep (20000);
    /* term waits until the blocked thread sees ETERM and closes its socket. */
    CHECK_OK (zmq_ctx_term (ctx));
    zmq_threadclose (thread);
    CHECK ((intptr_t) args[1] == ETERM);
}

/* A closed handle fails with ENOTSOCK, also on a second zmq_close; a socket
 * closed by another thread after zmq_ctx_term began ends the term. */
void test_closed_handles (void)
{
    void *ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_close (s));
    if (on_ferrozmq) {
        /* libzmq frees its sockets later, in its reaper thread: there the
         * same calls read freed memory, so only ours is checked. */
        CHECK_ERR (zmq_close (s), ENOTSOCK);
        CHECK_ERR (zmq_send (s, "x", 1, 0), ENOTSOCK);
    }
    void *pair = zmq_socket (ctx, ZMQ_PAIR);
    CHECK_OK (zmq_bind (pair, "inproc://closed-late"));
    void *args[2] = {pair, NULL};
    void *thread = zmq_threadstart (blocked_recv, args);
    usleep (20000);
    CHECK_OK (zmq_ctx_term (ctx));
    zmq_threadclose (thread);
    CHECK ((intptr_t) args[1] == ETERM);
}

/* After fork the parent's context goes on working; the child closes what it
 * inherited, terminates that context without crashing and uses a new one. */
void test_fork (void)
{
    void *ctx = zmq_ctx_new ();
    void *pull = sock (ctx, ZMQ_PULL);
    char endpoint[64];
    bind_tcp (pull, endpoint, sizeof endpoint);
    pid_t pid = fork ();
    if (pid == 0) {
        zmq_close (pull);
        zmq_ctx_term (ctx);
        void *child = zmq_ctx_new ();
        void *push = zmq_socket (child, ZMQ_PUSH);
        int ok = push && zmq_connect (push, endpoint) == 0;
        for (int i = 0; ok && i < 5; i++)
            ok = zmq_send (push, "Hello", 5, 0) == 5;
        zmq_close (push);
        zmq_ctx_term (child);
        _exit (ok ? 0 : 1);
    }
    CHECK (pid > 0);
    for (int i = 0; i < 5; i++)
        expect_str (pull, "Hello");
    int status = -1;
    CHECK (waitpid (pid, &status, 0) == pid);
    CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);

    /* A child that terminates its copy of the context with the sockets
     * still open gets EINTR at once, as on libzmq (it has none of the
     * parent's I/O threads to wait for), and exits. */
    pid = fork ();
    if (pid == 0) {
        alarm (10); /* a hang fails the test instead of blocking it */
        int rc = zmq_ctx_term (ctx);
        _exit (rc == -1 && zmq_errno () == EINTR ? 0 : 2);
    }
    CHECK (pid > 0);
    status = -1;
    CHECK (waitpid (pid, &status, 0) == pid);
    CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    zmq_close (pull);
    CHECK_OK (zmq_ctx_term (ctx));
}

static void on_alarm (int sig)
{
    (void) sig;
}

/* A signal whose handler runs while a call blocks makes it return -1 with
 * EINTR (no SA_RESTART, as Python installs its handlers), as in libzmq: a
 * pyzmq program's Ctrl-C and its timeouts depend on it. */
void test_signals_interrupt_blocking_calls (void)
{
    struct sigaction action, old;
    memset (&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigemptyset (&action.sa_mask);
    CHECK_OK (sigaction (SIGALRM, &action, &old));
    struct itimerval in_50ms = {{0, 0}, {0, 50000}};

    void *ctx = zmq_ctx_new ();
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK_OK (zmq_bind (pull, "inproc://interrupted"));
    char buf[8];
    setitimer (ITIMER_REAL, &in_50ms, NULL);
    CHECK_ERR (zmq_recv (pull, buf, sizeof buf, 0), EINTR);

    zmq_pollitem_t item = {pull, 0, ZMQ_POLLIN, 0};
    setitimer (ITIMER_REAL, &in_50ms, NULL);
    CHECK_ERR (zmq_poll (&item, 1, -1), EINTR);

    void *push = zmq_socket (ctx, ZMQ_PUSH);
    int hwm = 1, zero = 0;
    CHECK_OK (zmq_setsockopt (push, ZMQ_SNDHWM, &hwm, sizeof hwm));
    CHECK_OK (zmq_setsockopt (push, ZMQ_LINGER, &zero, sizeof zero));
    CHECK_OK (zmq_connect (push, "tcp://127.0.0.1:1")); /* nobody there */
    int sent = 0;
    while (zmq_send (push, "x", 1, ZMQ_DONTWAIT) == 1)
        sent++;
    CHECK (sent >= 1);
    setitimer (ITIMER_REAL, &in_50ms, NULL);
    CHECK_ERR (zmq_send (push, "x", 1, 0), EINTR);

    /* term waits for the open sockets: a signal interrupts it, and once
     * they are closed a second term finishes. */
    setitimer (ITIMER_REAL, &in_50ms, NULL);
    CHECK_ERR (zmq_ctx_term (ctx), EINTR);
    CHECK_OK (zmq_close (push));
    CHECK_OK (zmq_close (pull));
    CHECK_OK (zmq_ctx_term (ctx));
    sigaction (SIGALRM, &old, NULL);
}

/* A ROUTER that is both frontend and backend of a proxy (or device) echoes
 * each message back to its sender; terminating the context ends it with
 * ETERM (issue 8: this used to hang or crash). */
static void run_single_socket (void *arg)
{
    void **args = arg;
    int rc = args[2] ? zmq_device (ZMQ_QUEUE, args[0], args[0])
                     : zmq_proxy (args[0], args[0], NULL);
    args[1] = (void *) (intptr_t) (rc == -1 ? zmq_errno () : 0);
    zmq_close (args[0]);
}

void test_proxy_on_one_socket (void)
{
    for (intptr_t device = 0; device <= 1; device++) {
        void *ctx = zmq_ctx_new ();
        void *router = zmq_socket (ctx, ZMQ_ROUTER);
        CHECK_OK (zmq_bind (router, "inproc://one-socket"));
        void *dealer = sock (ctx, ZMQ_DEALER);
        CHECK_OK (zmq_connect (dealer, "inproc://one-socket"));
        void *args[3] = {router, NULL, (void *) device};
        void *thread = zmq_threadstart (run_single_socket, args);
        for (int i = 0; i < 3; i++) {
            send_str (dealer, "echo", 0);
            expect_str (dealer, "echo");
        }
        zmq_close (dealer);
        CHECK_OK (zmq_ctx_term (ctx));
        zmq_threadclose (thread);
        CHECK ((intptr_t) args[1] == ETERM);
    }
}

/* LINGER covers messages queued on a socket whose peer is not up yet: a
 * PUSH connects, sends 3, closes with LINGER 1000 ms; its PULL binds a
 * moment later and gets all 3 (libzmq keeps reconnecting while it lingers). */
void test_linger_before_the_peer_binds (void)
{
    char endpoint[64];
    void *probe_ctx = zmq_ctx_new ();
    void *probe = zmq_socket (probe_ctx, ZMQ_PULL);
    bind_tcp (probe, endpoint, sizeof endpoint); /* a port free a moment ago */
    zmq_close (probe);
    CHECK_OK (zmq_ctx_term (probe_ctx));

    void *ctx = zmq_ctx_new ();
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    int linger = 1000;
    CHECK_OK (zmq_setsockopt (push, ZMQ_LINGER, &linger, sizeof linger));
    CHECK_OK (zmq_connect (push, endpoint));
    for (int i = 0; i < 3; i++)
        send_str (push, "queued", 0);
    CHECK_OK (zmq_close (push));

    usleep (200000);
    void *ctx2 = zmq_ctx_new ();
    void *pull = sock (ctx2, ZMQ_PULL);
    CHECK_OK (zmq_bind (pull, endpoint));
    for (int i = 0; i < 3; i++)
        expect_str (pull, "queued");
    CHECK_OK (zmq_ctx_term (ctx)); /* everything delivered: no waiting */
    zmq_close (pull);
    CHECK_OK (zmq_ctx_term (ctx2));
}

/* A second zmq_ctx_term on the same handle fails with EFAULT and reads no
 * freed memory (ferrozmq keeps dead handles a while; on libzmq it is a
 * use after free, so only ours is checked). */
void test_double_term (void)
{
    if (!on_ferrozmq)
        return;
    void *ctx = zmq_ctx_new ();
    CHECK_OK (zmq_ctx_term (ctx));
    CHECK_ERR (zmq_ctx_term (ctx), EFAULT);
    CHECK (zmq_socket (ctx, ZMQ_PAIR) == NULL && zmq_errno () == EFAULT);
    CHECK_ERR (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 2), EFAULT);
}
