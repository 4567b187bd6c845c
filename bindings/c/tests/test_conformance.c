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
    /* Only (NULL, 0) clears: an empty buffer is refused (pyzmq's b""). */
    CHECK_ERR (zmq_setsockopt (s, ZMQ_PLAIN_USERNAME, "", 0), EINVAL);
    CHECK_ERR (zmq_setsockopt (s, ZMQ_PLAIN_PASSWORD, "", 0), EINVAL);
    int server = -1;
    size_t len = sizeof server;
    CHECK_OK (zmq_getsockopt (s, ZMQ_PLAIN_SERVER, &server, &len));
    CHECK (server == 0);
    CHECK_OK (zmq_close (s));
}

static void keep_data (void *data, void *hint)
{
    (void) data;
    (void) hint;
}

/* cppzmq's "message is shared" tests, and libzmq's rule around them: a copy
 * shares a large body (both report ZMQ_SHARED), a small one (at most 33
 * bytes, which libzmq holds inside zmq_msg_t) is copied by value, and the
 * caller's buffer from zmq_msg_init_data is shared at any size. */
static void test_copies_share_as_in_libzmq (void)
{
    zmq_msg_t large, copy, moved;
    CHECK_OK (zmq_msg_init_size (&large, 1024));
    CHECK (zmq_msg_get (&large, ZMQ_SHARED) == 0);
    CHECK_OK (zmq_msg_init (&copy));
    CHECK_OK (zmq_msg_copy (&copy, &large));
    CHECK (zmq_msg_get (&large, ZMQ_SHARED) == 1);
    CHECK (zmq_msg_get (&copy, ZMQ_SHARED) == 1);
    CHECK_OK (zmq_msg_init (&moved));
    CHECK_OK (zmq_msg_move (&moved, &large));
    CHECK (zmq_msg_get (&large, ZMQ_SHARED) == 0 && zmq_msg_size (&large) == 0);
    CHECK (zmq_msg_get (&moved, ZMQ_SHARED) == 1 && zmq_msg_size (&moved) == 1024);
    zmq_msg_close (&copy);
    zmq_msg_close (&moved);

    size_t sizes[] = {0, 10, 33, 34};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        zmq_msg_t small;
        CHECK_OK (zmq_msg_init_size (&small, sizes[i]));
        CHECK_OK (zmq_msg_init (&copy));
        CHECK_OK (zmq_msg_copy (&copy, &small));
        int shared = sizes[i] > 33;
        CHECK (zmq_msg_get (&small, ZMQ_SHARED) == shared);
        CHECK (zmq_msg_get (&copy, ZMQ_SHARED) == shared);
        CHECK (zmq_msg_size (&copy) == sizes[i]);
        zmq_msg_close (&copy);
        zmq_msg_close (&small);
    }

    static char data[8] = "caller";
    zmq_msg_t zero_copy, constant;
    CHECK_OK (zmq_msg_init_data (&zero_copy, data, sizeof data, keep_data, NULL));
    CHECK (zmq_msg_get (&zero_copy, ZMQ_SHARED) == 0);
    CHECK_OK (zmq_msg_init (&copy));
    CHECK_OK (zmq_msg_copy (&copy, &zero_copy));
    CHECK (zmq_msg_get (&zero_copy, ZMQ_SHARED) == 1);
    CHECK (zmq_msg_get (&copy, ZMQ_SHARED) == 1);
    zmq_msg_close (&copy);
    zmq_msg_close (&zero_copy);
    CHECK_OK (zmq_msg_init_data (&constant, data, sizeof data, NULL, NULL));
    CHECK (zmq_msg_get (&constant, ZMQ_SHARED) == 1);
    CHECK_OK (zmq_msg_init (&copy));
    CHECK_OK (zmq_msg_copy (&copy, &constant));
    CHECK (zmq_msg_get (&copy, ZMQ_SHARED) == 1);
    zmq_msg_close (&copy);
    zmq_msg_close (&constant);
}

/* libzmq refuses -1 for ZMQ_HEARTBEAT_TIMEOUT, its own default (the
 * heartbeat interval), and takes 0 and up. */
static void test_heartbeat_timeout_takes_zero_and_up (void *ctx)
{
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    int value = -2;
    size_t len = sizeof value;
    CHECK_OK (zmq_getsockopt (s, ZMQ_HEARTBEAT_TIMEOUT, &value, &len));
    CHECK (value == -1);
    value = -1;
    CHECK_ERR (zmq_setsockopt (s, ZMQ_HEARTBEAT_TIMEOUT, &value, sizeof value), EINVAL);
    value = 0;
    CHECK_OK (zmq_setsockopt (s, ZMQ_HEARTBEAT_TIMEOUT, &value, sizeof value));
    value = 250;
    CHECK_OK (zmq_setsockopt (s, ZMQ_HEARTBEAT_TIMEOUT, &value, sizeof value));
    value = -2;
    CHECK_OK (zmq_getsockopt (s, ZMQ_HEARTBEAT_TIMEOUT, &value, &len));
    CHECK (value == 250);
    CHECK_OK (zmq_close (s));
}

/* ZMQ_THREAD_NAME_PREFIX takes any number, negative too (libzmq prints
 * it into the I/O threads' names and reads it back with atoi). */
static void test_thread_name_prefix_takes_any_number (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_NAME_PREFIX, -1));
    CHECK (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX) == -1);
    CHECK_OK (zmq_ctx_set (ctx, ZMQ_THREAD_NAME_PREFIX, 42));
    CHECK (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX) == 42);
    CHECK_ERR (zmq_ctx_set (ctx, ZMQ_THREAD_SCHED_POLICY, -1), EINVAL);
    CHECK_OK (zmq_ctx_term (ctx));
}

/* libzmq 4.3 takes these although its zmq.h shows them only with
 * ZMQ_BUILD_DRAFT_API. */
#ifndef ZMQ_SOCKS_USERNAME
#define ZMQ_SOCKS_USERNAME 99
#define ZMQ_SOCKS_PASSWORD 100
#endif
#ifndef ZMQ_METADATA
#define ZMQ_METADATA 95
#endif

/* libzmq keeps text options as C strings of any bytes: bytes that are not
 * UTF-8 are taken and read back unchanged, NUL-terminated, the length
 * counting the NUL; a buffer too small for them is EINVAL. */
static void test_text_options_keep_any_bytes (void *ctx)
{
    static const int options[] = {
      ZMQ_PLAIN_USERNAME, ZMQ_PLAIN_PASSWORD, ZMQ_ZAP_DOMAIN,
      ZMQ_BINDTODEVICE,   ZMQ_SOCKS_USERNAME, ZMQ_SOCKS_PASSWORD,
      ZMQ_SOCKS_PROXY,
    };
    static const char raw[] = "a\xff\xfe\xc3(b";
    const size_t raw_len = sizeof raw - 1;
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        CHECK_OK (zmq_setsockopt (s, options[i], raw, raw_len));
        char value[64];
        memset (value, 'x', sizeof value);
        size_t len = sizeof value;
        CHECK_OK (zmq_getsockopt (s, options[i], value, &len));
        CHECK (len == raw_len + 1 && memcmp (value, raw, raw_len + 1) == 0);
        len = raw_len;
        CHECK_ERR (zmq_getsockopt (s, options[i], value, &len), EINVAL);
    }
    /* A property's value, too (ZMQ_METADATA is write-only); its name
     * starts with "X-" exactly, and the value is not empty. */
    CHECK_OK (zmq_setsockopt (s, ZMQ_METADATA, "X-bytes:\xff\xfe", 10));
    CHECK_ERR (zmq_setsockopt (s, ZMQ_METADATA, "x-app:v", 7), EINVAL);
    CHECK_ERR (zmq_setsockopt (s, ZMQ_METADATA, "X-app:", 6), EINVAL);
    CHECK_OK (zmq_close (s));
}

void test_conformance (void *ctx)
{
    test_text_options_keep_any_bytes (ctx);
    test_thread_name_prefix_takes_any_number ();
    test_heartbeat_timeout_takes_zero_and_up (ctx);
    test_plain_credentials_choose_the_mechanism (ctx);
    test_copies_share_as_in_libzmq ();
}
