/* A libzmq CURVE peer for interop-tests/tests/interop/curve.rs, the same
 * program as peers/python/curve.py on Debian's libzmq.
 *
 * usage: curve-c server TYPE SECRET ALLOWED
 *            Binds tcp://127.0.0.1:* as a CURVE server (TYPE REP, ROUTER or
 *            PUB) with the Z85 secret key SECRET, and prints "endpoint <ep>".
 *            A ZAP handler answers 200 (user id "their-user") for the client
 *            whose Z85 public key is ALLOWED and 400 for any other. REP and
 *            ROUTER answer each request BODY with "echo BODY USER-ID"; PUB
 *            publishes "news <n>" every 10 ms.
 *        curve-c client TYPE ENDPOINT SERVERKEY PUBLIC SECRET COUNT
 *            Connects as a CURVE client (TYPE REQ, DEALER or SUB). REQ and
 *            DEALER send COUNT requests "req <n>" and print "reply <text>"
 *            for each answer; SUB subscribes to "news" and prints "news" for
 *            each of COUNT messages. Then prints "done". If an answer takes
 *            over 1 s it prints "timeout" instead and exits 0.
 *
 * Any failure prints the reason to stderr and exits 1. The program kills
 * itself after 60 s.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

static void fail (const char *what)
{
    fprintf (stderr, "%s: %s\n", what, zmq_strerror (zmq_errno ()));
    exit (1);
}

static void check (int rc, const char *what)
{
    if (rc == -1)
        fail (what);
}

static int type_of (const char *name)
{
    const char *names[] = {"REQ", "REP", "DEALER", "ROUTER", "PUB", "SUB"};
    const int types[] = {ZMQ_REQ, ZMQ_REP, ZMQ_DEALER, ZMQ_ROUTER, ZMQ_PUB, ZMQ_SUB};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp (name, names[i]) == 0)
            return types[i];
    fprintf (stderr, "unknown socket type %s\n", name);
    exit (1);
}

struct zap_args
{
    void *ctx;
    uint8_t allowed[32];
};

/* Receives one frame of at most `size` bytes; returns its length. */
static int recv_frame (void *s, char *buf, size_t size, int *more)
{
    int n = zmq_recv (s, buf, size, 0);
    if (n == -1)
        return -1;
    if ((size_t) n > size)
        n = (int) size;
    int value = 0;
    size_t len = sizeof value;
    check (zmq_getsockopt (s, ZMQ_RCVMORE, &value, &len), "rcvmore");
    *more = value;
    return n;
}

static void zap_handler (void *arg)
{
    struct zap_args *zap = (struct zap_args *) arg;
    void *handler = zmq_socket (zap->ctx, ZMQ_REP);
    int linger = 0;
    zmq_setsockopt (handler, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind (handler, "inproc://zeromq.zap.01") == -1)
        fail ("zap bind");
    while (1) {
        char frames[8][256];
        int sizes[8];
        int count = 0, more = 1;
        while (more) {
            char buf[256];
            int n = recv_frame (handler, buf, sizeof buf, &more);
            if (n == -1)
                goto done;
            if (count < 8) {
                memcpy (frames[count], buf, (size_t) n);
                sizes[count++] = n;
            }
        }
        int ok = count == 7 && sizes[5] == 5 && memcmp (frames[5], "CURVE", 5) == 0
                 && sizes[6] == 32 && memcmp (frames[6], zap->allowed, 32) == 0;
        zmq_send (handler, frames[0], (size_t) sizes[0], ZMQ_SNDMORE);
        zmq_send (handler, frames[1], (size_t) sizes[1], ZMQ_SNDMORE);
        zmq_send (handler, ok ? "200" : "400", 3, ZMQ_SNDMORE);
        zmq_send (handler, "", 0, ZMQ_SNDMORE);
        zmq_send (handler, ok ? "their-user" : "", ok ? 10 : 0, ZMQ_SNDMORE);
        zmq_send (handler, "", 0, 0);
    }
done:
    zmq_close (handler);
}

static void server (void *ctx, const char *type, const char *secret, const char *allowed)
{
    static struct zap_args zap;
    zap.ctx = ctx;
    if (!zmq_z85_decode (zap.allowed, allowed))
        fail ("allowed key");
    zmq_threadstart (zap_handler, &zap);
    usleep (100 * 1000); /* let the handler bind before clients come */

    int kind = type_of (type);
    void *s = zmq_socket (ctx, kind);
    char public_key[41];
    check (zmq_curve_public (public_key, secret), "curve_public");
    int one = 1;
    check (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one), "curve_server");
    check (zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, secret, 40), "secretkey");
    check (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, public_key, 40), "publickey");
    check (zmq_bind (s, "tcp://127.0.0.1:*"), "bind");
    char endpoint[256];
    size_t len = sizeof endpoint;
    check (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, endpoint, &len), "last_endpoint");
    printf ("endpoint %s\n", endpoint);
    fflush (stdout);
    for (int n = 0;; n++) {
        if (kind == ZMQ_PUB) {
            char text[32];
            int size = snprintf (text, sizeof text, "news %d", n);
            check (zmq_send (s, text, (size_t) size, 0), "publish");
            usleep (10 * 1000);
            continue;
        }
        char envelope[4][256];
        int sizes[4], count = 0, more = 1;
        zmq_msg_t body;
        while (more) {
            zmq_msg_init (&body);
            check (zmq_msg_recv (&body, s, 0), "recv");
            more = zmq_msg_more (&body);
            if (more) {
                size_t n = zmq_msg_size (&body) < 256 ? zmq_msg_size (&body) : 256;
                if (count < 4) {
                    memcpy (envelope[count], zmq_msg_data (&body), n);
                    sizes[count++] = (int) n;
                }
                zmq_msg_close (&body);
            }
        }
        const char *user = zmq_msg_gets (&body, "User-Id");
        char reply[512];
        int size = snprintf (reply, sizeof reply, "echo %.*s %s", (int) zmq_msg_size (&body),
                             (const char *) zmq_msg_data (&body), user ? user : "");
        zmq_msg_close (&body);
        for (int i = 0; i < count; i++)
            check (zmq_send (s, envelope[i], (size_t) sizes[i], ZMQ_SNDMORE), "send");
        check (zmq_send (s, reply, (size_t) size, 0), "send");
    }
}

static void client (void *ctx, char **argv)
{
    int kind = type_of (argv[0]);
    void *s = zmq_socket (ctx, kind);
    int timeout = 1000, linger = 0;
    check (zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout), "rcvtimeo");
    check (zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger), "linger");
    check (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, argv[2], 40), "serverkey");
    check (zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, argv[3], 40), "publickey");
    check (zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, argv[4], 40), "secretkey");
    if (kind == ZMQ_SUB)
        check (zmq_setsockopt (s, ZMQ_SUBSCRIBE, "news", 4), "subscribe");
    check (zmq_connect (s, argv[1]), "connect");
    int count = atoi (argv[5]);
    for (int n = 0; n < count; n++) {
        char buf[512];
        int size, more = 0;
        if (kind != ZMQ_SUB) {
            char text[32];
            int len = snprintf (text, sizeof text, "req %d", n);
            if (kind == ZMQ_DEALER)
                check (zmq_send (s, "", 0, ZMQ_SNDMORE), "send");
            check (zmq_send (s, text, (size_t) len, 0), "send");
        }
        do {
            size = recv_frame (s, buf, sizeof buf - 1, &more);
            if (size == -1 && zmq_errno () == EAGAIN) {
                printf ("timeout\n");
                return;
            }
            check (size, "recv");
        } while (more);
        buf[size] = 0;
        if (kind == ZMQ_SUB)
            printf ("news\n");
        else
            printf ("reply %s\n", buf);
        fflush (stdout);
    }
    printf ("done\n");
    zmq_close (s);
}

int main (int argc, char **argv)
{
    alarm (60);
    void *ctx = zmq_ctx_new ();
    if (argc == 5 && strcmp (argv[1], "server") == 0)
        server (ctx, argv[2], argv[3], argv[4]);
    else if (argc == 8 && strcmp (argv[1], "client") == 0)
        client (ctx, argv + 2);
    else {
        fprintf (stderr, "usage: see the comment at the top of curve.c\n");
        return 1;
    }
    fflush (stdout);
    _exit (0);
}
