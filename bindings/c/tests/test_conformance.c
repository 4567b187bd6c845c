/* Behaviours that third-party test suites written for libzmq rely on
 * (rust-zmq's, cppzmq's, ...), each checked here on its own so that it runs
 * on Debian's libzmq and on ferrozmq alike. */
#include "harness.h"

static int mechanism_of (void *s)
{
    int mechanism = -1;
    size_t len = sizeof mechanism;
    CHECK_OK (zmq_getsockopt (s, ZMQ_MECHANISM, &mechanism, &len));
    return mechanism;
}

static void expect_text (void *s, int option, const char *text)
{
    char value[64];
    size_t len = sizeof value;
    CHECK_OK (zmq_getsockopt (s, option, value, &len));
    CHECK (len == strlen (text) + 1 && strcmp (value, text) == 0);
}

/* rust-zmq's test_getset_plain_password: each PLAIN credential alone makes
 * the socket a PLAIN client, and (NULL, 0) for either makes it a NULL one
 * again, keeping the values set before (libzmq's options_t). */
static void test_plain_credentials_choose_the_mechanism (void *ctx)
{
    void *s = zmq_socket (ctx, ZMQ_REQ);
    CHECK (mechanism_of (s) == ZMQ_NULL);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, "m00c0w", 6));
    CHECK (mechanism_of (s) == ZMQ_PLAIN);
    expect_text (s, ZMQ_PLAIN_PASSWORD, "m00c0w");
    expect_text (s, ZMQ_PLAIN_USERNAME, "");
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, NULL, 0));
    CHECK (mechanism_of (s) == ZMQ_NULL);
    expect_text (s, ZMQ_PLAIN_PASSWORD, "m00c0w");

    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, "billybob", 8));
    CHECK (mechanism_of (s) == ZMQ_PLAIN);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, NULL, 0));
    CHECK (mechanism_of (s) == ZMQ_NULL);
    expect_text (s, ZMQ_PLAIN_USERNAME, "billybob");
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, "pw", 2));
    CHECK (mechanism_of (s) == ZMQ_PLAIN);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, NULL, 0));
    CHECK (mechanism_of (s) == ZMQ_NULL);

    /* A PLAIN server is a NULL socket again once a credential is cleared. */
    int on = 1;
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_SERVER, &on, sizeof on));
    CHECK (mechanism_of (s) == ZMQ_PLAIN);
    CHECK_OK (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, NULL, 0));
    CHECK (mechanism_of (s) == ZMQ_NULL);
    int server = -1;
    size_t len = sizeof server;
    CHECK_OK (zmq_getsockopt (s, ZMQ_PLAIN_SERVER, &server, &len));
    CHECK (server == 0);
    CHECK_OK (zmq_close (s));
}

void test_conformance (void *ctx)
{
    test_plain_credentials_choose_the_mechanism (ctx);
}
